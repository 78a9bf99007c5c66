#!/bin/sh
# The engine's console through `vcmctl ipmi -C 3 sol activate` against
# OpenIPMI's ipmi_sim, a BMC we did not write (issue 5): bytes both
# ways. The host's serial side is a small TCP listener (IPMI-PEERS.md
# §2 fakeserial.py): it prints a login banner and "tick N" every second
# and echoes what it receives upper-cased, logging it. It starts BEFORE
# ipmi_sim (§8 gotcha 12) and lives at most 60 s. Loopback only,
# 127.25.9.1 (tests/README.md); both processes are started here and
# stopped by their PIDs.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh		# con_* helpers (they use $BMCSIM_DIR)

VCMCTL=$VCM_BUILD/bin/vcmctl
ADDR=127.25.9.1
PORT=9623
SPORT=9700
SIM_PID=
SER_PID=

tap_plan 8

if ! command -v ipmi_sim > /dev/null 2>&1 || [ ! -x "$VCMCTL" ] ||
    ! command -v python3 > /dev/null 2>&1 ||
    ! command -v script > /dev/null 2>&1; then
	diag "missing ipmi_sim (Debian openipmi), python3, script or $VCMCTL"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

D=$(mktemp -d "${TMPDIR:-/tmp}/vcm-engine-sol-ipmisim.XXXXXX") || exit 1
atexit "rm -rf '$D'"
BMCSIM_DIR=$D
cat > "$D/fakeserial.py" <<'EOF2'
# The host's serial port for ipmi_sim's sol "tcp:ADDR:PORT" line
# (ipmi_sim connects to us): a banner, "tick N" each second, received
# bytes echoed upper-cased and logged. Exits after SECS.
import select, socket, sys, time
addr, port, secs, log = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
end, n, nxt, conns = time.time() + secs, 0, time.time(), []
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port))
ls.listen(1)
with open(log, "ab", buffering=0) as lf:
    while time.time() < end:
        for s in select.select([ls] + conns, [], [], 0.2)[0]:
            if s is ls:
                c, _ = ls.accept()
                conns.append(c)
                lf.write(b"[connect]\n")
                c.sendall(b"\r\nfake-host login: ")
                continue
            d = s.recv(4096)
            if not d:
                conns.remove(s)
                s.close()
                lf.write(b"[disconnect]\n")
                continue
            lf.write(b"RX %r\n" % d)
            s.sendall(b"ECHO:" + d.upper() + b"\r\n")
        if time.time() >= nxt:
            n, nxt = n + 1, nxt + 1.0
            for c in conns:
                try:
                    c.sendall(b"tick %d\r\n" % n)
                except OSError:
                    pass
EOF2
cat > "$D/lan.conf" <<EOF2
name "vcmsol"
startlan 1
  addr $ADDR $PORT
  priv_limit admin
  guid a123456789abcdefa123456789abcdef
endlan
user 2 true "admin" "secret" admin 10
sol "tcp:$ADDR:$SPORT" 115200
EOF2
cat > "$D/bmc.emu" <<'EOF2'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
mc_enable 0x20
EOF2

stop_pid() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
stop_sim() { stop_pid "$SIM_PID"; SIM_PID=; }
stop_ser() { stop_pid "$SER_PID"; SER_PID=; }

timeout 70 python3 "$D/fakeserial.py" "$ADDR" "$SPORT" 60 "$D/serial.log" \
    > "$D/ser.out" 2>&1 &
SER_PID=$!
atexit stop_ser
i=0
while [ $i -lt 50 ]; do
	ss -ltnH 2>/dev/null | awk -v a="$ADDR:$SPORT" '$4 == a { f = 1 } END { exit !f }' && break
	sleep 0.1
	i=$((i + 1))
done
ipmi_sim -c "$D/lan.conf" -f "$D/bmc.emu" -n -p > "$D/sim.log" 2>&1 &
SIM_PID=$!
atexit stop_sim
i=0
while [ $i -lt 100 ]; do
	grep -q '^\[connect\]' "$D/serial.log" 2>/dev/null && break
	sleep 0.1
	i=$((i + 1))
done
if [ $i -lt 100 ]; then
	ok "ipmi_sim on $ADDR:$PORT connected to the serial listener"
else
	sed 's/^/#   /' "$D/sim.log"
	not_ok "ipmi_sim connected to the serial listener"
	exit 1
fi

export IPMI_PASSWORD=secret
con_start 7 "$VCMCTL ipmi -H $ADDR:$PORT -U admin -E -C 3 sol activate 2>&1"
if con_wait 7 '\[vcm: SOL live\]' 10; then ok "console live on ipmi_sim"
else con_out 7 | tail -n 5 | sed 's/^/#   /'; not_ok "console live"; fi

con_mark 7
if con_wait 7 '^tick [0-9]' 5; then ok "host -> console: the listener's ticks show"
else con_out 7 | tail -n 5 | sed 's/^/#   /'; not_ok "ticks show"; fi

word="vcm-$$-$(date +%N)"
# A throwaway first byte: ipmi_sim may swallow the first packet after an
# activation (IPMI-PEERS.md §8 gotcha 5).
con_send 7 '\r'
sleep 0.5
con_mark 7
con_send 7 "hello-$word\\r"
i=0
while [ $i -lt 50 ] && ! grep -q "RX b'hello-$word" "$D/serial.log"; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q "RX b'hello-$word" "$D/serial.log"; then
	ok "console -> host: typed text in the listener's log"
else
	tail -n 5 "$D/serial.log" | sed 's/^/#   /'
	not_ok "typed text reaches the listener"
fi
up=$(echo "hello-$word" | tr '[:lower:]' '[:upper:]')
if con_wait 7 "ECHO:.*$up" 5; then ok "its echo comes back to the console"
else con_since 7 | tail -n 5 | sed 's/^/#   /'; not_ok "echo comes back"; fi

con_mark 7
con_send 7 '\r~.'
if con_exited 7 15 && [ "$CON_RC" -eq 0 ] &&
    con_since 7 | grep -q 'ended: SOL deactivated (verified)'; then
	ok "~. ends: verified teardown, exit 0"
else
	diag "rc ${CON_RC:-?}"
	con_since 7 | tail -n 4 | sed 's/^/#   /'
	not_ok "~. ends cleanly"
fi
if kill -0 "$SIM_PID" 2>/dev/null; then ok "ipmi_sim still running"
else wait "$SIM_PID"; diag "exit $?"; SIM_PID=; not_ok "ipmi_sim still running"; fi
exit $((tap_failed > 0))
