#!/bin/sh
# Known answers for cipher suites 17 and 3 computed with the openssl
# command line only, never with vcm code: ipmi_sim has no SHA-256, so for
# suite 17 openssl is our independent peer. For each input set it computes
#
#	RAKP2 = HMAC_Kuid(SIDm SIDc Rm Rc GUIDc ROLE ULEN UNAME)
#	RAKP3 = HMAC_Kuid(Rc SIDm ROLE ULEN UNAME)
#	SIK   = HMAC_Kg(Rm Rc ROLE ULEN UNAME)		(Kg = Kuid if none)
#	K1    = HMAC_SIK(01 x 20), K2 = HMAC_SIK(02 x 20)
#	RAKP4 = HMAC_SIK(Rm SIDc GUIDc), first 16 (SHA256) / 12 (SHA1) bytes
#	MAC   = HMAC_K1(msg), first 16 / 12 bytes
#	AES   = AES-CBC-128(key K2[0..15], iv) of a 32-byte plaintext
#
# (session ids little-endian u32, Kuid and Kg zero-padded to 20 bytes)
# and compares each with `ipmi-kat derive`. Inputs: fixed ones, the
# captured ipmitool/ipmi_sim session (whose RAKP codes the formulas here
# must also reproduce), random ones from `openssl rand` each run, and an
# explicit Kg. Then bad derive arguments must be refused with exit 2.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh

KAT=$VCM_BUILD/bin/ipmi-kat
NVALUES=8	# rakp2 rakp3 sik k1 k2 rakp4 integrity aes
NCASES=8
NBAD=10
tap_plan $((NCASES * NVALUES + 3 + NBAD))

if ! command -v openssl > /dev/null 2>&1 || ! command -v xxd > /dev/null 2>&1 ||
    [ ! -x "$KAT" ]; then
	diag "need openssl, xxd and $KAT (make SANITIZE=1 $KAT)"
	not_ok "prerequisites present"
	exit 1
fi

# ---- hex helpers (openssl and xxd only) ---------------------------------

# hex STRING: the bytes of STRING as lower-case hex.
hex() { printf '%s' "$1" | xxd -p | tr -d '\n'; }

# pad20 HEX: zero-padded to 20 bytes (Kuid, Kg).
pad20() {
	_h=$1
	while [ ${#_h} -lt 40 ]; do _h=${_h}00; done
	echo "$_h"
}

# le32 HEX8: a u32 written as 8 hex digits, as little-endian bytes.
le32() { echo "$1" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/'; }

# hmac ALG KEYHEX DATAHEX: full HMAC as hex.
hmac() {
	printf '%s' "$3" | xxd -r -p |
	    openssl dgst "-$1" -mac HMAC -macopt "hexkey:$2" -binary |
	    xxd -p | tr -d '\n'
}

# aes128cbc KEYHEX IVHEX PLAINHEX: ciphertext as hex, no padding.
aes128cbc() {
	printf '%s' "$3" | xxd -r -p |
	    openssl enc -aes-128-cbc -K "$1" -iv "$2" -nopad | xxd -p |
	    tr -d '\n'
}

# cut HEX NBYTES: the first NBYTES bytes.
cut_hex() { printf '%s' "$1" | cut -c 1-$(($2 * 2)); }

rep20() { _r=; for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do _r=$_r$1; done; echo "$_r"; }

# ---- one case ----------------------------------------------------------

# run_case NAME SUITE SIDM SIDC RM RC GUID ROLE USER PASSWORD KGHEX MSG IV PLAIN
# (KGHEX empty: no Kg). Sets o_rakp2, o_rakp3, o_rakp4 to openssl's values.
run_case() {
	name=$1 suite=$2 sidm=$3 sidc=$4 rm=$5 rc=$6 guid=$7 role=$8
	user=$9
	shift 9
	pw=$1 kg=$2 msg=$3 iv=$4 plain=$5
	case $suite in
	3) alg=sha1 trunc=12 ;;
	17) alg=sha256 trunc=16 ;;
	esac
	kuid=$(pad20 "$(hex "$pw")")
	if [ -n "$kg" ]; then kgkey=$(pad20 "$kg"); else kgkey=$kuid; fi
	uhex=$(hex "$user")
	ulen=$(printf '%02x' ${#user})
	tail_=$role$ulen$uhex

	o_rakp2=$(hmac "$alg" "$kuid" "$(le32 "$sidm")$(le32 "$sidc")$rm$rc$guid$tail_")
	o_rakp3=$(hmac "$alg" "$kuid" "$rc$(le32 "$sidm")$tail_")
	o_sik=$(hmac "$alg" "$kgkey" "$rm$rc$tail_")
	o_k1=$(hmac "$alg" "$o_sik" "$(rep20 01)")
	o_k2=$(hmac "$alg" "$o_sik" "$(rep20 02)")
	o_rakp4=$(cut_hex "$(hmac "$alg" "$o_sik" "$rm$(le32 "$sidc")$guid")" "$trunc")
	o_integrity=$(cut_hex "$(hmac "$alg" "$o_k1" "$msg")" "$trunc")
	o_aes=$(aes128cbc "$(cut_hex "$o_k2" 16)" "$iv" "$plain")

	set -- --suite "$suite" --sidm "$sidm" --sidc "$sidc" --rm "$rm" \
	    --rc "$rc" --guid "$guid" --role "$role" --user "$user" \
	    --password "$pw" --msg "$msg" --iv "$iv" --plain "$plain"
	[ -n "$kg" ] && set -- "$@" --kg "$kg"
	out=$("$KAT" derive "$@" 2>&1)
	rc_=$?
	[ $rc_ -eq 0 ] || diag "ipmi-kat derive exit $rc_: $out"
	for v in rakp2 rakp3 sik k1 k2 rakp4 integrity aes; do
		mine=$(echo "$out" | sed -n "s/^$v=//p")
		eval "theirs=\$o_$v"
		if [ $rc_ -eq 0 ] && [ -n "$theirs" ] && [ "$mine" = "$theirs" ]
		then
			ok "$name: $v"
		else
			diag "openssl $v=$theirs"
			diag "vcm     $v=$mine"
			not_ok "$name: $v"
		fi
	done
}

# ---- cases -------------------------------------------------------------

GUID=a123456789abcdefa123456789abcdef
MSG=0600ff0706c002000000030000002000
IV=000102030405060708090a0b0c0d0e0f
PLAIN=2018c8810c017206070102030405060708090a0b0c0d0e0f1011121314151617

# 1-2. Fixed inputs, both suites.
for s in 17 3; do
	run_case "suite $s fixed" $s 0a0b0c0d 12345678 \
	    00112233445566778899aabbccddeeff ffeeddccbbaa99887766554433221100 \
	    $GUID 14 admin secret "" $MSG $IV $PLAIN
done

# 3. The captured ipmitool/ipmi_sim session (suite 3): the shell formulas
# must reproduce what the two peers sent, so they are right, too.
run_case "suite 3 captured session" 3 a0a2a3a4 00000002 \
    05313b8547ca471232b8c01ec767817d 79f1a94cb2b6cb66a0c58b23429f4e69 \
    $GUID 14 admin secret "" $MSG $IV $PLAIN
check "openssl RAKP2 equals ipmi_sim's" \
    [ "$o_rakp2" = 5343636ca2d061064185a3d2762942c8e9d4b3ee ]
check "openssl RAKP3 equals ipmitool's" \
    [ "$o_rakp3" = 0962396fe45941aec8602d69759f91fe8733936b ]
check "openssl RAKP4 ICV equals ipmi_sim's" \
    [ "$o_rakp4" = e2c9dc67e5fe4eb6391b758b ]

# 4-5. Random inputs, new every run (logged so a failure can be replayed).
for s in 17 3; do
	r_sidm=$(openssl rand -hex 4) r_sidc=$(openssl rand -hex 4)
	r_rm=$(openssl rand -hex 16) r_rc=$(openssl rand -hex 16)
	r_guid=$(openssl rand -hex 16) r_iv=$(openssl rand -hex 16)
	r_plain=$(openssl rand -hex 32) r_msg=$(openssl rand -hex 37)
	r_user=u$(openssl rand -hex 7)		# 15 characters
	r_pw=$(openssl rand -hex 10)		# 20 characters: no padding
	diag "suite $s random: sidm=$r_sidm sidc=$r_sidc rm=$r_rm rc=$r_rc" \
	    "guid=$r_guid user=$r_user password=$r_pw iv=$r_iv"
	diag "  plain=$r_plain msg=$r_msg"
	run_case "suite $s random" "$s" "$r_sidm" "$r_sidc" "$r_rm" "$r_rc" "$r_guid" 04 \
	    "$r_user" "$r_pw" "" "$r_msg" "$r_iv" "$r_plain"
done

# 6-7. An explicit Kg (a BMC key): only the SIK and what follows change.
for s in 17 3; do
	run_case "suite $s explicit kg" $s 0a0b0c0d 12345678 \
	    00112233445566778899aabbccddeeff ffeeddccbbaa99887766554433221100 \
	    $GUID 14 admin secret 0102030405060708090a0b0c0d0e0f1011121314 \
	    $MSG $IV $PLAIN
done

# 8. Short Kg (zero padded), operator role without name-only lookup.
run_case "suite 17 short kg, role 03" 17 ffffffff 00000001 \
    "$(openssl rand -hex 16)" "$(openssl rand -hex 16)" $GUID 03 \
    operator "p" 6b6579 $MSG $IV $PLAIN

# ---- bad input: a clear message and exit 2 -----------------------------

base="--suite 17 --sidm 1 --sidc 2 --rm $(rep20 00 | cut -c 1-32)
    --rc $(rep20 00 | cut -c 1-32) --guid $GUID --role 14 --user admin
    --password secret"
# bad DESC ARGS...: derive must exit 2 and say why on stderr.
bad() {
	desc=$1
	shift
	err=$("$KAT" derive "$@" 2>&1 > /dev/null)
	rc_=$?
	if [ $rc_ -eq 2 ] && [ -n "$err" ]; then
		ok "refused: $desc ($err)"
	else
		not_ok "refused: $desc (exit $rc_)"
	fi
}
# shellcheck disable=SC2046,SC2086 # $base is split on purpose
{
bad "suite 4" $(echo "$base" | sed 's/--suite 17/--suite 4/')
bad "odd hex Rm" $(echo "$base" | sed "s/--rm 0*/--rm 001/")
bad "short Rm" $(echo "$base" | sed "s/--rm 0*/--rm 0011/")
bad "non-hex GUID" $(echo "$base" | sed "s/--guid $GUID/--guid zz23456789abcdefa123456789abcdef/")
bad "SIDm over 32 bits" $(echo "$base" | sed 's/--sidm 1/--sidm 100000000/')
bad "negative SIDc" $(echo "$base" | sed 's/--sidc 2/--sidc -2/')
bad "role over a byte" $(echo "$base" | sed 's/--role 14/--role 114/')
bad "17-byte user" $(echo "$base" | sed 's/--user admin/--user abcdefghijklmnopq/')
bad "21-byte password" $(echo "$base" | sed 's/--password secret/--password 123456789012345678901/')
bad "plain not a multiple of 16" $base --iv $IV --plain 00112233
}
[ "$tap_failed" -eq 0 ]
