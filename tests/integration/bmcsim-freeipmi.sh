#!/bin/sh
# bmcsim against FreeIPMI, clients we did not write (issue 4): ipmipower
# --stat/--off/--on over a hostrange of 120 simulated BMCs, ipmiconsole
# on a BMC's console (boot text after a reset, a login, an echoed
# command, the &. escape) and bmc-info (device id, IPMI 2.0, the GUID,
# checked against ipmitool's reading of it). Loopback only, in
# 127.21.0.0/16 (tests/README.md). Every process is started here and
# stopped by its PID, also on failure.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

NET=127.21.1.0/24
NBMC=130		# the hostrange takes 120; 121..130 are bystanders
RANGE="127.21.1.[1-120]"
NRANGE=120
CON=127.21.1.125	# ipmiconsole's BMC
INFO=127.21.1.126	# bmc-info's BMC

tap_plan 24

missing=
for t in ipmipower ipmiconsole bmc-info ipmitool python3 script timeout \
    mkfifo; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
bmcsim_have || missing="$missing $BMCSIM_BIN"
if [ -n "$missing" ]; then
	diag "missing:$missing (scripts/install-deps installs FreeIPMI and" \
	    "ipmitool; make SANITIZE=1 check-build builds bmcsim)"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

t0=$(date +%s)
if bmcsim_start $NET $NBMC; then
	ok "bmcsim serves $NBMC BMCs on $NET (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves $NBMC BMCs on $NET"
	exit 1
fi

F="-D LAN_2_0 -u $BMCSIM_USER -p $BMCSIM_PASSWORD"

# The addresses the hostrange names, sorted, one a line.
expected=$BMCSIM_DIR/expected
i=1
while [ $i -le $NRANGE ]; do
	echo "127.21.1.$i"
	i=$((i + 1))
done | sort > "$expected"

# pp ARGS...: ipmipower over the range; output in $BMCSIM_DIR/pp.
pp() {
	timeout 60 ipmipower $F -h "$RANGE" "$@" > "$BMCSIM_DIR/pp" 2>&1
	rc=$?
}

# pp_all WORD: every BMC of the range answered exactly once, with WORD.
pp_all() {
	[ "$(wc -l < "$BMCSIM_DIR/pp")" -eq $NRANGE ] &&
	    [ "$(grep -c "^127\.21\.1\.[0-9]*: $1\$" "$BMCSIM_DIR/pp")" \
	    -eq $NRANGE ] &&
	    sed 's/:.*//' "$BMCSIM_DIR/pp" | sort | cmp -s - "$expected"
}

pp_show() {
	diag "ipmipower exit $rc, $(wc -l < "$BMCSIM_DIR/pp") lines;" \
	    "not '$1':"
	grep -v ": $1\$" "$BMCSIM_DIR/pp" | head -n 5 | sed 's/^/#   /'
}

# powered STATE FROM TO: control `list` says power=STATE for #FROM..#TO.
powered() {
	simctl list all > "$BMCSIM_DIR/list" || return 1
	awk -v s="power=$1" -v lo="$2" -v hi="$3" '
	    $1 >= lo && $1 <= hi { n++; if ($3 != s) bad++ }
	    END { exit !(n == hi - lo + 1 && bad == 0) }' "$BMCSIM_DIR/list"
}

# -- ipmipower over the range ---------------------------------------
s=$(date +%s%N)
pp --stat
diag "ipmipower --stat over $NRANGE BMCs: $((($(date +%s%N) - s) / 1000000)) ms"
if [ $rc -eq 0 ] && pp_all on; then
	ok "ipmipower --stat: $NRANGE lines, each BMC once, all on"
else
	pp_show on
	not_ok "ipmipower --stat: $NRANGE BMCs on"
fi

pp --off
if [ $rc -eq 0 ] && pp_all ok; then
	ok "ipmipower --off: $NRANGE lines, all ok"
else
	pp_show ok
	not_ok "ipmipower --off: all ok"
fi
pp --stat
if [ $rc -eq 0 ] && pp_all off; then
	ok "ipmipower --stat after --off: all $NRANGE off"
else
	pp_show off
	not_ok "ipmipower --stat after --off: all off"
fi
# Fleet indices from 0: the range is #0..#119, the bystanders #120..#129.
if powered off 0 $((NRANGE - 1)) && powered on $NRANGE $((NBMC - 1)); then
	ok "control list: the $NRANGE are off, the $((NBMC - NRANGE))" \
	    "outside the range still on"
else
	grep -v 'power=off' "$BMCSIM_DIR/list" | head -n 3 | sed 's/^/#   /'
	not_ok "control list: exactly the range is off"
fi

pp --on
if [ $rc -eq 0 ] && pp_all ok; then
	ok "ipmipower --on: $NRANGE lines, all ok"
else
	pp_show ok
	not_ok "ipmipower --on: all ok"
fi
pp --stat
if [ $rc -eq 0 ] && pp_all on; then
	ok "ipmipower --stat after --on: all $NRANGE on"
else
	pp_show on
	not_ok "ipmipower --stat after --on: all on"
fi
if powered on 0 $((NBMC - 1)); then
	ok "control list: all $NBMC on"
else
	grep -v 'power=on' "$BMCSIM_DIR/list" | head -n 3 | sed 's/^/#   /'
	not_ok "control list: all $NBMC on"
fi
# A BMC outside the range is reachable too, one host.
out=$(timeout 20 ipmipower $F -h 127.21.1.130 --stat 2>&1)
if [ "$out" = "127.21.1.130: on" ]; then
	ok "ipmipower --stat on 127.21.1.130 (outside the range): on"
else
	echo "$out" | head -n 3 | sed 's/^/#   /'
	not_ok "ipmipower --stat on 127.21.1.130: on"
fi

# -- ipmiconsole ----------------------------------------------------
host=server-125
tag=vcm-$$-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
con_start 7 "ipmiconsole -h $CON -u $BMCSIM_USER -p $BMCSIM_PASSWORD"
con_wait 7 '\[SOL established\]' 10
# ipmiconsole's session: the one that owns SOL.
csid=$(simctl sessions $CON | sed -n 's/.* id=\([0-9a-f]*\) .* sol=yes$/\1/p')
if con_out 7 | grep -q '\[SOL established\]' &&
    [ "$(simctl list $CON | tr ' ' '\n' | sed -n 's/^sol=//p')" = active ] &&
    [ -n "$csid" ]; then
	ok "ipmiconsole: [SOL established], control list says sol=active" \
	    "(session $csid)"
else
	con_out 7 | tail -n 5 | sed 's/^/#   /'
	not_ok "ipmiconsole: SOL established"
fi
con_mark 7
out=$(timeout 20 ipmipower $F -h $CON --reset 2>&1)
if [ "$out" = "$CON: ok" ] &&
    con_wait 7 'vcm Virtual Platform BIOS' 5 &&
    con_wait 7 'Loading Linux 6.1.0-vcm-amd64' 8 &&
    con_wait 7 'Reached target Multi-User System' 8 &&
    con_wait 7 "^$host login: " 5; then
	ok "ipmiconsole shows the boot after ipmipower --reset: BIOS," \
	    "kernel, systemd, $host login prompt"
else
	echo "$out" | head -n 2 | sed 's/^/#   /'
	con_since 7 | tail -n 5 | sed 's/^/#   /'
	not_ok "ipmiconsole shows the boot after ipmipower --reset"
fi
con_send 7 'root\r'
con_wait 7 'Password:' 5
con_mark 7
con_send 7 'whatever\r'
if con_wait 7 "root@$host:~# " 5; then
	ok "ipmiconsole: logged in, prompt root@$host"
else
	con_out 7 | tail -n 5 | cat -v | sed 's/^/#   /'
	simctl show $CON | sed 's/^/#   /'
	simctl serial-rx $CON | sed 's/^/#   /'
	not_ok "ipmiconsole: logged in"
fi
con_mark 7
con_send 7 "echo $tag\\r"
if con_wait 7 "^$tag\$" 5 && con_since 7 | grep -q "echo $tag\$"; then
	ok "ipmiconsole: typed 'echo $tag' echoed and answered"
else
	con_since 7 | tail -n 5 | sed 's/^/#   /'
	not_ok "ipmiconsole: echoed command and its output"
fi
if simctl serial-rx $CON | grep -qF "echo $tag\\r"; then
	ok "control serial-rx shows 'echo $tag\\r' typed"
else
	simctl serial-rx $CON | sed 's/^/#   /'
	not_ok "control serial-rx shows what ipmiconsole typed"
fi
con_mark 7
con_send 7 '&.'
if con_exited 7 10 && [ "$CON_RC" -eq 0 ] &&
    con_since 7 | grep -q 'closing the connection'; then
	ok "ipmiconsole: &. closes the connection (exit 0)"
else
	con_since 7 | tail -n 3 | sed 's/^/#   /'
	not_ok "ipmiconsole: &. closes the connection"
	con_kill 7
fi
# ipmiconsole deactivates the payload and closes its session on its way
# out. (ipmipower --reset leaves its own session open on purpose: it
# skips Close Session after a reset, a workaround for an Intel board that
# never answers it, ipmipower_powercmd.c. That one stays until the idle
# timeout; it is not ipmiconsole's.)
gone() {
	simctl list $CON | grep -q ' sol=inactive ' &&
	    ! simctl sessions $CON | grep -q " id=$csid "
}
i=0
while [ $i -lt 20 ] && ! gone; do
	sleep 0.1
	i=$((i + 1))
done
if [ -n "$csid" ] && gone; then
	ok "after &.: sol=inactive, ipmiconsole's session $csid closed"
else
	simctl list $CON | sed 's/^/#   /'
	simctl sessions $CON | sed 's/^/#   /'
	not_ok "after &.: SOL inactive, ipmiconsole's session closed"
fi

# -- bmc-info -------------------------------------------------------
out=$(timeout 20 bmc-info $F -h $INFO 2>&1)
rc=$?
val() { echo "$out" | sed -n "s/^$1 *: *//p" | head -n 1 | sed 's/ *$//'; }
if [ $rc -eq 0 ] && [ "$(val 'Device ID')" = 32 ] &&
    [ "$(val 'Firmware Revision')" = 1.00 ] &&
    [ "$(val 'Device Available')" = "yes (normal operation)" ]; then
	ok "bmc-info: device id 32, firmware 1.00, available"
else
	echo "$out" | head -n 8 | sed 's/^/#   /'
	not_ok "bmc-info: device id, firmware (exit $rc)"
fi
if [ "$(val 'IPMI Version')" = 2.0 ] &&
    [ "$(val 'Manufacturer ID')" = "Reserved (0)" ] &&
    [ "$(val 'Product ID')" = 0 ]; then
	ok "bmc-info: IPMI 2.0, the generic profile's manufacturer 0," \
	    "product 0"
else
	echo "$out" | grep -E 'IPMI Version|Manufacturer|Product' |
	    sed 's/^/#   /'
	not_ok "bmc-info: IPMI 2.0, manufacturer and product"
fi
guid=$(val 'Device GUID')
case $guid in
????????-????-????-????-????????????) gfmt=1 ;;
*) gfmt=0 ;;
esac
if [ $gfmt -eq 1 ] && [ "$guid" != 00000000-0000-0000-0000-000000000000 ] &&
    [ "$(val 'System GUID')" = "$guid" ]; then
	ok "bmc-info: device GUID $guid, system GUID the same"
else
	echo "$out" | grep GUID | sed 's/^/#   /'
	not_ok "bmc-info: a device GUID (got '$guid')"
fi
# The same GUID through another client, which also decodes its format:
# an RFC 4122 random UUID in IPMI byte order, as a real BMC sends.
iout=$(timeout 20 ipmitool -I lanplus -C 17 -H $INFO -U "$BMCSIM_USER" \
    -P "$BMCSIM_PASSWORD" mc guid 2>&1)
ig=$(echo "$iout" | sed -n 's/^System GUID *: *//p')
if [ -n "$ig" ] && [ "$ig" = "$guid" ] &&
    echo "$iout" | grep -q '^GUID Encoding *: IPMI$' &&
    echo "$iout" | grep -q '^GUID Version *: Random or pseudo-random$'; then
	ok "ipmitool mc guid: the same GUID, IPMI encoding, random version"
else
	echo "$iout" | sed 's/^/#   /'
	not_ok "ipmitool mc guid: the same GUID ($guid), IPMI encoding," \
	    "random version"
fi
og=$(timeout 20 bmc-info $F -h 127.21.1.127 --get-device-guid 2>&1 |
    tr -d ' ')
case $og in
????????-????-????-????-????????????) gfmt=1 ;;
*) gfmt=0 ;;
esac
if [ $gfmt -eq 1 ] && [ "$og" != "$guid" ]; then
	ok "bmc-info --get-device-guid: a neighbour's GUID differs ($og)"
else
	not_ok "bmc-info --get-device-guid: a neighbour's GUID differs" \
	    "(got '$og')"
fi
# Channel 1 is the LAN channel we talked to (other "Channel Information"
# entries are FreeIPMI's display of channels the BMC refuses: ignored).
if echo "$out" | awk '/^Channel Number *: 1$/ { c = 1; next }
    c && /^Medium Type *: 802.3 LAN$/ { ok = 1 } /^$/ { c = 0 }
    END { exit !ok }'; then
	ok "bmc-info: channel 1 is an 802.3 LAN channel"
else
	echo "$out" | grep -A 2 '^Channel Number *: 1$' | sed 's/^/#   /'
	not_ok "bmc-info: channel 1 is an 802.3 LAN channel"
fi

if bmcsim_stop; then
	ok "bmcsim stops on SIGTERM with status 0, no sanitizer report" \
	    "(${BMCSIM_STOP_MS} ms)"
else
	not_ok "bmcsim stops on SIGTERM with status 0, no sanitizer report"
fi
diag "took $(($(date +%s) - t0)) s"
[ "$tap_failed" -eq 0 ]
