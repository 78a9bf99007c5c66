#!/bin/sh
# The engine (src/engine/engine.c) through `vcmctl ipmi` against one
# bmcsim fleet (issue 5): every power operation, bootdev (confirmed with
# ipmitool), mc info, chassis status over a range; the clear errors
# (wrong password, unknown user, dark BMC by its deadline, no free slot,
# a cipher suite the BMC refuses); retransmits under 20% loss; --repeat
# keeping sessions warm within the per-BMC budget and leaving none
# behind. Loopback only, in 127.24.0.0/16 (tests/README.md). Every
# process is started here and stopped by its PID, also on failure.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

VCMCTL=$VCM_BUILD/bin/vcmctl
RANGE="127.24.0.[1-200]"
NRANGE=200

tap_plan 25

missing=
for t in ipmitool python3 timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
bmcsim_have || missing="$missing $BMCSIM_BIN"
[ -x "$VCMCTL" ] || missing="$missing $VCMCTL"
if [ -n "$missing" ]; then
	diag "missing:$missing"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

conf=$(mktemp "${TMPDIR:-/tmp}/vcm-engine.XXXXXX") || exit 1
atexit "rm -f '$conf'"
cat > "$conf" <<'EOF2'
defaults user=admin:secret:admin
# #0..#199: the range, Dells (IANA 674)
group addrs=127.24.0.0/24 count=200 vendor=dell
# #200: one slot and a Close Session that is never answered (Cisco IMC)
group addrs=127.24.1.0/24 count=1 slots=1 quirks=close_lost
# #201: suite 17 only (Intel M50CYP)
group addrs=127.24.2.0/24 count=1 quirks=cs17_only
# #202..#211: 20% of replies lost
group addrs=127.24.3.0/24 count=10 loss=200
# #212..#215: error cases
group addrs=127.24.4.0/24 count=4
# #216: offers suite 3 only (no SHA-256): vcm falls back from 17
group addrs=127.24.5.0/24 count=1 suites=3
EOF2
NBMC=217
if bmcsim_start_config "$conf" $NBMC; then
	ok "bmcsim serves $NBMC BMCs (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves $NBMC BMCs"
	exit 1
fi
OUT=$BMCSIM_DIR/vcmctl.out
ERR=$BMCSIM_DIR/vcmctl.err
export IPMI_PASSWORD=secret

# v ARGS...: vcmctl ipmi -U admin -E ARGS; rc in $rc, output in $OUT.
v() {
	timeout 60 "$VCMCTL" ipmi -U admin -E "$@" > "$OUT" 2> "$ERR"
	rc=$?
}

expected=$BMCSIM_DIR/expected
i=1
while [ $i -le $NRANGE ]; do
	echo "127.24.0.$i"
	i=$((i + 1))
done > "$expected"

# all WORD: one line per host of the range, input order, each WORD.
all() {
	[ "$rc" -eq 0 ] &&
	    [ "$(grep -c "^127\.24\.0\.[0-9]*: $1\$" "$OUT")" -eq $NRANGE ] &&
	    sed 's/:.*//' "$OUT" | cmp -s - "$expected"
}

show() {
	diag "vcmctl exit $rc, $(wc -l < "$OUT") lines:"
	grep -v ": $1\$" "$OUT" | head -n 5 | sed 's/^/#   /'
	head -n 3 "$ERR" | sed 's/^/#   stderr: /'
}

powered() {
	simctl list all > "$BMCSIM_DIR/list" || return 1
	awk -v s="power=$1" -v lo="$2" -v hi="$3" '
	    $1 >= lo && $1 <= hi { n++; if ($3 != s) bad++ }
	    END { exit !(n == hi - lo + 1 && bad == 0) }' "$BMCSIM_DIR/list"
}

s=$(date +%s%N)
v -H "$RANGE" power status
diag "power status over $NRANGE BMCs: $((($(date +%s%N) - s) / 1000000)) ms"
if all on; then ok "power status: $NRANGE lines in input order, all on"
else show on; not_ok "power status: all on"; fi

v -H "$RANGE" power off
if all ok && powered off 0 199; then
	ok "power off: all ok, bmcsim says off"
else show ok; not_ok "power off"; fi
v -H "$RANGE" power status
if all off; then ok "power status after off: all off"
else show off; not_ok "power status after off"; fi
v -H "$RANGE" power on
if all ok && powered on 0 199; then
	ok "power on: all ok, bmcsim says on"
else show ok; not_ok "power on"; fi

v -H "127.24.0.[1-20]" power cycle
if [ $rc -eq 0 ] && [ "$(grep -c ': ok$' "$OUT")" -eq 20 ]; then
	ok "power cycle on 20: ok"
else show ok; not_ok "power cycle"; fi
v -H "127.24.0.[21-40]" power reset
if [ $rc -eq 0 ] && [ "$(grep -c ': ok$' "$OUT")" -eq 20 ]; then
	ok "power reset on 20: ok"
else show ok; not_ok "power reset"; fi
v -H "127.24.0.[41-60]" power soft
if [ $rc -eq 0 ] && [ "$(grep -c ': ok$' "$OUT")" -eq 20 ]; then
	ok "power soft on 20: ok"
else show ok; not_ok "power soft"; fi

v -H "127.24.0.[61-62]" bootdev pxe
bp=$(timeout 20 ipmitool -I lanplus -C 17 -H 127.24.0.61 -U admin \
    -P secret chassis bootparam get 5 2>&1)
if [ $rc -eq 0 ] && echo "$bp" | grep -q 'Force PXE'; then
	ok "bootdev pxe: ok, ipmitool reads Force PXE"
else
	show ok
	echo "$bp" | head -n 12 | sed 's/^/#   ipmitool: /'
	not_ok "bootdev pxe"
fi

# The other boot-once devices, read back with ipmitool likewise.
for dev in bios:'BIOS Setup' disk:'Hard-Drive'; do
	v -H 127.24.0.63 bootdev "${dev%%:*}"
	bp=$(timeout 20 ipmitool -I lanplus -C 17 -H 127.24.0.63 -U admin \
	    -P secret chassis bootparam get 5 2>&1)
	if [ $rc -eq 0 ] && echo "$bp" | grep -q "Force Boot.*${dev#*:}"; then
		ok "bootdev ${dev%%:*}: ok, ipmitool reads ${dev#*:}"
	else
		show ok
		echo "$bp" | grep -i 'device' | sed 's/^/#   ipmitool: /'
		not_ok "bootdev ${dev%%:*}"
	fi
done

# Suite 17 first, then 3: a BMC without SHA-256 still works.
v -H 127.24.5.1 power status
if [ $rc -eq 0 ] && grep -q '^127.24.5.1: on$' "$OUT"; then
	ok "suite fallback: a BMC offering only suite 3 answers (17 refused, 3 used)"
else show ok; not_ok "suite fallback 17 -> 3"; fi

v -H "127.24.0.[1-50]" mc info
if [ $rc -eq 0 ] && [ "$(grep -c ': manufacturer=674 product=0x0100 .*ipmi=2.0$' "$OUT")" -eq 50 ]; then
	ok "mc info: manufacturer 674 (dell), product 0x0100 on 50"
else show x; not_ok "mc info"; fi

v -H "127.24.0.[1-50]" chassis status
if [ $rc -eq 0 ] && [ "$(grep -c ': power=o[nf]f* restore=[a-z-]* last-on' "$OUT")" -eq 50 ]; then
	ok "chassis status over 50: parsed"
else show x; not_ok "chassis status"; fi

# -- errors ----------------------------------------------------------
IPMI_PASSWORD=wrong v -H 127.24.4.1 power status
if [ $rc -ne 0 ] && grep -qx '127.24.4.1: wrong password (RAKP2 key exchange code mismatch)' "$OUT"; then
	ok "wrong password reported: $(cat "$OUT")"
else show x; not_ok "wrong password"; fi

timeout 60 "$VCMCTL" ipmi -U nobody -E -H 127.24.4.2 power status > "$OUT" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q '^127.24.4.2: unknown user name (RMCP+ status 0Dh)$' "$OUT"; then
	ok "unknown user reported: $(cat "$OUT")"
else show x; not_ok "unknown user"; fi

simctl dark 127.24.4.3 10s > /dev/null
s=$(date +%s%N)
v -H 127.24.4.3,127.24.4.4 --timeout 2000 power status
ms=$((($(date +%s%N) - s) / 1000000))
if [ $rc -ne 0 ] && [ $ms -lt 3500 ] &&
    grep -q '^127.24.4.3: timeout in Get Channel Auth Caps after [0-9]* tries$' "$OUT" &&
    grep -q '^127.24.4.4: on$' "$OUT"; then
	ok "dark BMC fails by its 2 s deadline ($ms ms), step named; neighbour on"
else show x; diag "$ms ms"; not_ok "dark BMC"; fi
simctl dark 127.24.4.3 0 > /dev/null

# slots=1 + close_lost: the first run's Close Session leaks the slot.
v -H 127.24.1.1 power status
first=$(cat "$OUT")
v -H 127.24.1.1 power status
if [ "$first" = "127.24.1.1: on" ] && [ $rc -ne 0 ] &&
    grep -q '^127.24.1.1: no free session slot on the BMC (RMCP+ status 01h)$' "$OUT"; then
	ok "slot exhaustion reported: $(cat "$OUT")"
else diag "first: $first"; show x; not_ok "slot exhaustion"; fi

v -H 127.24.2.1 power status
r1=$rc o1=$(cat "$OUT")
v -H 127.24.2.1 -C 17 mc info
r2=$rc
v -H 127.24.2.1 -C 3 power status
if [ $r1 -eq 0 ] && [ "$o1" = "127.24.2.1: on" ] && [ $r2 -eq 0 ] &&
    [ $rc -ne 0 ] && grep -q '^127.24.2.1: .*cipher suite 3' "$OUT"; then
	ok "cs17_only: default and -C 17 work; -C 3: $(cat "$OUT")"
else diag "default: $o1 ($r1), -C 17 rc $r2"; show x; not_ok "cs17_only"; fi

v -H "127.24.3.[1-10]" --timeout 15000 power status
if [ $rc -eq 0 ] && [ "$(grep -c ': on$' "$OUT")" -eq 10 ]; then
	ok "20% loss: all 10 answer (retransmits)"
else show on; not_ok "20% loss"; fi

# -- warm sessions ------------------------------------------------------
timeout 120 "$VCMCTL" ipmi -U admin -E -H "$RANGE" --repeat 30 power status \
    > "$OUT" 2> "$ERR" &
vpid=$!
atexit "kill $vpid 2>/dev/null"
maxs=0
i=0
while kill -0 $vpid 2>/dev/null && [ $i -lt 100 ]; do
	m=$(simctl list all 2>/dev/null | awk '$1 < 200 {
	    split($5, a, "[=/]"); if (a[2] > m) m = a[2] } END { print m + 0 }')
	[ "$m" -gt "$maxs" ] && maxs=$m
	sleep 0.05
	i=$((i + 1))
done
wait $vpid
rc=$?
rounds=$(grep -c '^# round' "$ERR")
if [ $rc -eq 0 ] && [ "$rounds" -eq 30 ] &&
    [ "$(grep -c ': o[nf]f*$' "$OUT")" -eq $((30 * NRANGE)) ] &&
    [ "$maxs" -le 2 ] && [ "$maxs" -ge 1 ]; then
	ok "--repeat 30: $rounds rounds, at most $maxs sessions per BMC seen"
else
	diag "rc $rc, rounds $rounds, max sessions $maxs"
	head -n 3 "$ERR" | sed 's/^/#   /'
	not_ok "--repeat keeps sessions warm within the budget"
fi
grep '^# round' "$ERR" | sed -n '1p;2p;30p'
if simctl list all | awk '$1 < 200 && $5 != "sessions=0/8" { bad++ }
    END { exit bad > 0 }'; then
	ok "after vcmctl exits: no session left on any of the $NRANGE BMCs"
else
	simctl list all | awk '$1 < 200 && $5 != "sessions=0/8"' | head -n 3 |
	    sed 's/^/#   /'
	not_ok "no session left"
fi

if grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' "$ERR"; then
	not_ok "vcmctl sanitizer-clean"
else
	ok "vcmctl sanitizer-clean (last run)"
fi

if bmcsim_stop; then ok "bmcsim stops cleanly"; else not_ok "bmcsim stops cleanly"; fi
exit $((tap_failed > 0))
