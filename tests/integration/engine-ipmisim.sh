#!/bin/sh
# The engine through `vcmctl ipmi -C 3` against OpenIPMI's ipmi_sim, a
# BMC we did not write (issue 5): power status/off/on round trip (a
# chassis_control helper keeps the power state, IPMI-PEERS.md §2) and
# mc info. ipmi_sim supports suite 3 only. Loopback only, 127.24.9.1
# (tests/README.md); ipmi_sim is started here and stopped by its PID.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh

VCMCTL=$VCM_BUILD/bin/vcmctl
ADDR=127.24.9.1
PORT=9623
SIM_PID=

tap_plan 7

if ! command -v ipmi_sim > /dev/null 2>&1 || [ ! -x "$VCMCTL" ]; then
	diag "missing ipmi_sim (Debian openipmi) or $VCMCTL"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

D=$(mktemp -d "${TMPDIR:-/tmp}/vcm-engine-ipmisim.XXXXXX") || exit 1
atexit "rm -rf '$D'"
cat > "$D/chassis.sh" <<'EOF2'
#!/bin/sh
# ipmi_sim chassis_control helper: $1 state file, then "get power" or
# "set power 0|1 ...".
f=$1; op=$2; shift 2
case $op in
get) for p; do case $p in power) echo "power:$(cat "$f" 2>/dev/null || echo 0)";; boot) echo "boot:default";; *) echo "bad $p"; exit 1;; esac; done;;
set) while [ $# -ge 2 ]; do case $1 in power) echo "$2" > "$f";; reset|boot) ;; *) echo "bad $1"; exit 1;; esac; shift 2; done;;
*) echo "bad op $op"; exit 1;;
esac
EOF2
chmod +x "$D/chassis.sh"
echo 1 > "$D/power"
cat > "$D/lan.conf" <<EOF2
name "vcmengine"
startlan 1
  addr $ADDR $PORT
  priv_limit admin
  guid a123456789abcdefa123456789abcdef
endlan
user 2 true "admin" "secret" admin 10
chassis_control "$D/chassis.sh $D/power"
EOF2
cat > "$D/bmc.emu" <<'EOF2'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
mc_enable 0x20
EOF2

stop_sim() {
	[ -n "$SIM_PID" ] || return 0
	kill "$SIM_PID" 2>/dev/null
	_i=0
	while kill -0 "$SIM_PID" 2>/dev/null && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -9 "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
	SIM_PID=
}
ipmi_sim -c "$D/lan.conf" -f "$D/bmc.emu" -n -p > "$D/sim.log" 2>&1 &
SIM_PID=$!
atexit stop_sim
i=0
while [ $i -lt 100 ]; do
	ss -lnuH 2>/dev/null | awk -v a="$ADDR:$PORT" '$4 == a { f = 1 } END { exit !f }' && break
	sleep 0.1
	i=$((i + 1))
done
if [ $i -lt 100 ]; then ok "ipmi_sim listens on $ADDR:$PORT (pid $SIM_PID)"
else sed 's/^/#   /' "$D/sim.log"; not_ok "ipmi_sim listens"; exit 1; fi

export IPMI_PASSWORD=secret
v() {
	out=$(timeout 30 "$VCMCTL" ipmi -H "$ADDR:$PORT" -U admin -E -C 3 "$@" 2>&1)
	rc=$?
}

v power status
if [ $rc -eq 0 ] && [ "$out" = "$ADDR:$PORT: on" ]; then ok "power status: on"
else diag "$rc: $out"; not_ok "power status: on"; fi
v power off
v2=$out r2=$rc
v power status
if [ $r2 -eq 0 ] && [ $rc -eq 0 ] && [ "$out" = "$ADDR:$PORT: off" ] &&
    [ "$(cat "$D/power")" = 0 ]; then
	ok "power off, then status: off (helper state 0)"
else diag "$r2: $v2 / $rc: $out"; not_ok "power off"; fi
v power on
v2=$out r2=$rc
v power status
if [ $r2 -eq 0 ] && [ $rc -eq 0 ] && [ "$out" = "$ADDR:$PORT: on" ]; then
	ok "power on, then status: on"
else diag "$r2: $v2 / $rc: $out"; not_ok "power on"; fi
v mc info
if [ $rc -eq 0 ] && echo "$out" | grep -q "manufacturer=4753 product=0x0f02 .*ipmi=2.0"; then
	ok "mc info: $out"
else diag "$rc: $out"; not_ok "mc info"; fi
v --repeat 3 power status
if [ $rc -eq 0 ] && [ "$(echo "$out" | grep -c ': on$')" -eq 3 ]; then
	ok "--repeat 3 on one warm session"
else diag "$rc: $out"; not_ok "--repeat 3"; fi
exit $((tap_failed > 0))
