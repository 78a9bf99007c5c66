#!/bin/sh
# Live cipher suite 3 known answer: ipmitool talks to OpenIPMI's ipmi_sim
# through tests/tools/udp-relay.py, which records the session; then
# `ipmi-kat verify` checks every code and opens every packet of it with
# our library. Rm, Rc and the session ids are new each run, so this
# covers inputs the committed capture (tests/unit/test_kat_cs3.c) does
# not. Loopback only, in 127.31.0.0/16 (reserved for the KAT tests).
# Every process is started here and stopped by its PID, also on failure.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/ipmisim.sh

SIM_ADDR=127.31.1.1
RELAY_ADDR=127.31.1.2
PORT=9623
KAT=$VCM_BUILD/bin/ipmi-kat

tap_plan 8

missing=
for t in ipmi_sim ipmitool python3 ss timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
[ -x "$KAT" ] || missing="$missing $KAT"
if [ -n "$missing" ]; then
	diag "missing:$missing (scripts/install-deps installs ipmi_sim and" \
	    "ipmitool; make SANITIZE=1 $KAT builds ipmi-kat)"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/vcm-kat-ipmisim.XXXXXX") || exit 1
atexit "rm -rf '$scratch'"
cap=$scratch/session.cap

if ipmisim_start "$scratch/sim" "$SIM_ADDR" "$PORT"; then
	ok "ipmi_sim listening on $SIM_ADDR:$PORT (pid $IPMISIM_PID)"
else
	not_ok "ipmi_sim listening on $SIM_ADDR:$PORT"
	exit 1
fi

# At most 60 s and 200 datagrams; one mc info session is about 22.
python3 tests/tools/udp-relay.py "$RELAY_ADDR" "$PORT" "$SIM_ADDR" "$PORT" \
    "$cap" 60 200 > "$scratch/relay.log" 2>&1 &
relay_pid=$!
# Stops the relay once; later calls do nothing, so no reused PID is hit.
stop_relay() {
	[ -n "$relay_pid" ] || return 0
	kill "$relay_pid" 2>/dev/null
	wait "$relay_pid" 2>/dev/null
	relay_pid=
}
atexit stop_relay
i=0
while ! ipmisim_listening "$RELAY_ADDR" "$PORT" && [ $i -lt 50 ]; do
	kill -0 $relay_pid 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if ipmisim_listening "$RELAY_ADDR" "$PORT"; then
	ok "relay listening on $RELAY_ADDR:$PORT (pid $relay_pid)"
else
	sed 's/^/# relay: /' "$scratch/relay.log"
	not_ok "relay listening on $RELAY_ADDR:$PORT"
	exit 1
fi

# -R 1 -N 3: no retransmissions to muddy the capture on a slow machine.
out=$(timeout 30 ipmitool -I lanplus -C 3 -H "$RELAY_ADDR" -p "$PORT" \
    -U "$IPMISIM_USER" -P "$IPMISIM_PASSWORD" -R 1 -N 3 mc info 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q 'Manufacturer ID *: 4753'; then
	ok "ipmitool -C 3 mc info through the relay"
else
	echo "$out" | sed 's/^/# ipmitool: /'
	not_ok "ipmitool -C 3 mc info through the relay (exit $rc)"
fi
# The relay flushes each line as it goes; stop it before reading.
stop_relay
diag "captured $(grep -c '^[CB]>[CB] ' "$cap" 2>/dev/null || echo 0) datagrams"

vout=$("$KAT" verify "$cap" --user "$IPMISIM_USER" \
    --password "$IPMISIM_PASSWORD" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	ok "ipmi-kat verify: RAKP2/3/4, keys, every packet ($(echo "$vout" |
	    grep '^opened'))"
else
	echo "$vout" | grep -E '^(FAIL|note|rakp|sik|k1|k2)' | sed 's/^/# /'
	not_ok "ipmi-kat verify on the fresh capture (exit $rc)"
fi

# Fresh randoms each run: Rm must differ from the committed capture's.
rm_now=$(echo "$vout" | sed -n 's/^rm=//p')
if [ -n "$rm_now" ] && [ "$rm_now" != 05313b8547ca471232b8c01ec767817d ]; then
	ok "fresh Rm ($rm_now) differs from the committed capture"
else
	not_ok "fresh Rm differs from the committed capture (got '$rm_now')"
fi

wout=$("$KAT" verify "$cap" --user "$IPMISIM_USER" --password wrong 2>&1)
rc=$?
if [ $rc -eq 1 ] && echo "$wout" | grep -q '^FAIL rakp2 key exchange code'; then
	ok "ipmi-kat verify with a wrong password fails at RAKP2"
else
	echo "$wout" | tail -n 5 | sed 's/^/# /'
	not_ok "ipmi-kat verify with a wrong password fails (exit $rc)"
fi

sim_pid=$IPMISIM_PID
ipmisim_stop
if [ -z "$relay_pid" ] && ! kill -0 "$sim_pid" 2>/dev/null; then
	ok "relay and ipmi_sim stopped"
else
	not_ok "relay and ipmi_sim stopped"
fi
[ "$tap_failed" -eq 0 ]
