#!/bin/sh
# bmcsim's control protocol (docs/bmcsim.md): help, list, show, sessions,
# quirk, power, inject, serial-rx, set, errors, an over-long line, quit;
# what it changes is checked through ipmitool where a client can see it.
# Also a clean stop on SIGTERM. Loopback only, in 127.22.0.0/16 (here
# 127.22.30.0/24); every process is stopped by its PID.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim-quirks.sh

tap_plan 17

missing=
for t in ipmitool python3 script timeout ps mkfifo; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
[ -x "$BQ_SIM" ] || missing="$missing $BQ_SIM"
if [ -n "$missing" ]; then
	diag "missing:$missing (scripts/install-deps; make SANITIZE=1 check-build)"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

bq_init bmcsim-control
# Raw client: sends its stdin as is, prints everything until EOF or 5 s.
cat > "$BQ_DIR/raw.py" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
out = b''
end = time.monotonic() + 5
try:
    while time.monotonic() < end:
        d = s.recv(65536)
        if not d:
            out += b'<EOF>\n'
            break
        out += d
except socket.timeout:
    out += b'<TIMEOUT>\n'
sys.stdout.write(out.decode('utf-8', 'replace'))
EOF
raw() { timeout 10 python3 "$BQ_DIR/raw.py" "$BQ_SOCK"; }

NET=127.22.30
if bq_start --addrs $NET.0/24 --count 4 --user "$BQ_USER" \
    --password "$BQ_PASSWORD" --port "$BQ_PORT" &&
    [ "$(cat "$BQ_DIR/sim.out")" = "ready 4" ] && [ -S "$BQ_SOCK" ]; then
	ok "bmcsim prints exactly 'ready 4' and listens on the control socket"
else
	not_ok "bmcsim starts with 4 BMCs and a control socket"
	exit 1
fi

h=$(bq_ctl help)
rc=$?
bad=
for v in help list show sessions quirk fault dark power inject serial-rx \
    set quit; do
	echo "$h" | grep -q "^$v\\b" || bad="$bad $v"
done
if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$(echo "$h" | tail -n 1)" = ok ]; then
	ok "help: one line per command ($(($(echo "$h" | wc -l) - 1)) lines), then ok"
else
	echo "$h" | sed 's/^/# /'
	not_ok "help lists every command (missing:$bad)"
fi

l=$(bq_ctl list)
re='^[0-3] 127\.22\.30\.[1-4] power=on sol=inactive sessions=0/4 quirks=none$'
i=0 good=0
while [ $i -lt 4 ]; do
	echo "$l" | sed -n "$((i + 1))p" |
	    grep -q "^$i $NET.$((i + 1)) power=on sol=inactive sessions=0/4 quirks=none\$" &&
	    good=$((good + 1))
	i=$((i + 1))
done
l2=$(bq_ctl "list #2" "list $NET.4")
if [ $good -eq 4 ] && [ "$(echo "$l" | wc -l)" -eq 5 ] &&
    [ "$(echo "$l" | tail -n 1)" = ok ] &&
    [ "$(echo "$l2" | grep -c "$re")" -eq 2 ] &&
    echo "$l2" | grep -q "^2 $NET.3 " && echo "$l2" | grep -q "^3 $NET.4 "; then
	ok "list: one line per BMC (index addr power sol sessions/slots" \
	    "quirks); list #N and list ADDR pick one"
else
	echo "$l$l2" | sed 's/^/# /'
	not_ok "list: one line per BMC with the documented fields"
fi

s=$(bq_ctl "show #1")
if [ "$(echo "$s" | wc -l)" -eq 3 ] &&
    echo "$s" | sed -n 1p | grep -q "^1 $NET.2 power=on sol=inactive" &&
    echo "$s" | sed -n 2p | grep -q '^vendor=generic iana=0 product=0x0000 host=[a-z]* boots=[0-9]* session-timeout=60000ms sol-retry=1000ms sol-retries=7 loss=0 dup=0 reorder=0 garbage=0 delay=0ms dark=no$'; then
	ok "show: the list line and the profile and state line"
else
	echo "$s" | sed 's/^/# /'
	not_ok "show: list line plus profile line"
fi

# A console on #0: sessions, inject and serial-rx through it.
bq_sol_start c0 "$NET.1" 25
bq_wait_grep "$BQ_DIR/c0.out" 'SOL Session operational' 10
se=$(bq_ctl "sessions #0")
li=$(bq_ctl "list #0")
if [ "$(echo "$se" | grep -c '^slot=')" -eq 1 ] &&
    echo "$se" | grep -q "^slot=[0-3] state=active id=[0-9a-f]\{8\} console-id=[0-9a-f]\{8\} suite=17 user=$BQ_USER priv=4 peer=127\.0\.0\.1:[0-9]* idle=[0-9]*ms sol=yes\$" &&
    echo "$li" | grep -q 'sol=active sessions=1/4'; then
	ok "sessions: the ipmitool sol activate session is listed (sol=yes);" \
	    "list says sol=active sessions=1/4"
else
	echo "$se$li" | sed 's/^/# /'
	not_ok "sessions: the sol activate session appears"
fi
bq_ctl 'inject #0 \r\nhello from\tinject\x21\r\n' > /dev/null
if bq_wait_grep "$BQ_DIR/c0.out" "hello from	inject!" 5; then
	ok "inject: the escaped string appears in the ipmitool sol capture"
else
	tr -d '\r' < "$BQ_DIR/c0.out" | tail -n 5 | sed 's/^/# sol: /'
	not_ok "inject: string appears in the sol capture"
fi
# serial-rx is a log of the newest bytes the host received.
bq_sol_type c0 'echo typed-by-test\r'
bq_wait_ctl 5 'typed-by-test\\r$' "serial-rx #0"
rx=$(bq_ctl "serial-rx #0")
# printf, not echo: dash's echo would turn the escaped \r into a CR.
if [ "$(printf '%s\n' "$rx" | head -n 1)" = 'echo typed-by-test\r' ] &&
    [ "$(printf '%s\n' "$rx" | tail -n 1)" = ok ]; then
	ok "serial-rx: what was typed into ipmitool, escaped ('echo typed-by-test\\r')"
else
	printf '%s\n' "$rx" | sed 's/^/# /'
	not_ok "serial-rx shows the typed line"
fi
# ipmitool's escape ~. ends the console, deactivates and closes.
bq_sol_type c0 '\r~.'
i=0
while [ $i -lt 50 ] && ! bq_ctl "list #0" | grep -q 'sol=inactive sessions=0/4'; do
	sleep 0.1
	i=$((i + 1))
done
se=$(bq_ctl "sessions #0")
if [ "$se" = ok ] && bq_ctl "list #0" | grep -q 'sol=inactive sessions=0/4'; then
	ok "sessions: empty again after ipmitool's ~. (sol=inactive sessions=0/4)"
else
	echo "$se" | sed 's/^/# /'
	not_ok "sessions: the session goes after close"
fi
bq_sol_stop c0

q1=$(bq_ctl "quirk #2 close_lost,capacity_zero on" "list #2" \
    "quirk #2 close_lost off" "list #2" "quirk #3 all on" "list #3" \
    "quirk #3 all off" "list #3")
if echo "$q1" | grep -q "^2 .* quirks=close_lost,capacity_zero\$" &&
    echo "$q1" | grep -q "^2 .* quirks=capacity_zero\$" &&
    echo "$q1" | grep -q "^3 .* quirks=sol_stays_active,deactivate_lies,deactivate_says_inactive,close_lost,sol_drop_on_reboot,sol_seq_jump,capacity_zero,cs17_only,opensesspriv,insecure_cs0\$" &&
    echo "$q1" | grep -q "^3 .* quirks=none\$"; then
	ok "quirk on/off (a list, and all) shows in list"
else
	echo "$q1" | sed 's/^/# /'
	not_ok "quirk on/off shows in list"
fi

bq_ctl "power #1 off" > /dev/null
p1=$(bq_ipmitool $NET.2 power status 2>&1)
l1=$(bq_ctl "list #1")
bq_ctl "power #1 on" > /dev/null
p2=$(bq_ipmitool $NET.2 power status 2>&1)
if [ "$p1" = "Chassis Power is off" ] && echo "$l1" | grep -q 'power=off' &&
    [ "$p2" = "Chassis Power is on" ]; then
	ok "power #1 off: ipmitool says 'Chassis Power is off'; on: 'on'"
else
	diag "$p1 / $p2 / $l1"
	not_ok "power via control seen by ipmitool"
fi

st=$(bq_ctl "set #3 session-timeout=1500ms sol-retry=250ms sol-retries=3" \
    "show #3")
if echo "$st" | grep -q ' session-timeout=1500ms sol-retry=250ms sol-retries=3 '; then
	ok "set: session-timeout, sol-retry and sol-retries show in show"
else
	echo "$st" | sed 's/^/# /'
	not_ok "set: values show in show"
fi
# An idle session on #3 (ipmitool shell, no commands) ends at 1.5 s.
mkfifo "$BQ_DIR/sh.in"
timeout 10 ipmitool -I lanplus -C 17 -H $NET.4 -p "$BQ_PORT" -U "$BQ_USER" \
    -P "$BQ_PASSWORD" shell < "$BQ_DIR/sh.in" > "$BQ_DIR/sh.out" 2>&1 &
shp=$!
sleep 8 > "$BQ_DIR/sh.in" &
shw=$!
atexit "kill $shp $shw 2>/dev/null"
bq_wait_ctl 5 'sessions=1/4' "list #3"
t0=$(date +%s%N)
bq_wait_ctl 5 'sessions=0/4' "list #3"
dt=$((($(date +%s%N) - t0) / 1000000))
kill $shp $shw 2>/dev/null
wait $shp $shw 2>/dev/null
if [ $dt -ge 500 ] && [ $dt -lt 3000 ]; then
	ok "set session-timeout=1500ms: an idle ipmitool shell session is" \
	    "dropped after about 1.5 s (gone $dt ms after it appeared)"
else
	not_ok "set session-timeout=1500ms drops an idle session ($dt ms)"
fi

# Errors: each names what was wrong; the connection stays usable.
e=$(bq_ctl "frobnicate" "power #0 bounce" "show 192.0.2.1" "list #99" \
    "quirk #0 nosuch on" "fault #0" "set #0 session-timeout=0" \
    "dark #0" "list #0 extra" 2>&1)
n=$(echo "$e" | grep -c '^err ')
if [ "$n" -eq 9 ] && echo "$e" | grep -q 'expected on, off, cycle, reset or soft' &&
    echo "$e" | grep -q '127.0.0.0/8' && echo "$e" | grep -q 'no such BMC' &&
    echo "$e" | grep -q 'nosuch' && ! echo "$e" | grep -q '^ok'; then
	ok "9 bad commands each get one 'err <message>' on one connection"
else
	echo "$e" | sed 's/^/# /'
	not_ok "bad commands get err ($n of 9)"
fi
out=$(printf 'inject #0 a\001b\n' | raw)
if echo "$out" | grep -q '^err ' && ! echo "$out" | grep -q '^ok'; then
	ok "a control byte in a line: err"
else
	echo "$out" | sed 's/^/# /'
	not_ok "a control byte in a line: err"
fi

out=$( (head -c 5000 /dev/zero | tr '\0' x; printf '\nlist #0\nquit\nlist #1\n') |
    raw)
if [ "$(echo "$out" | sed -n 1p | cut -c1-4)" = "err " ] &&
    echo "$out" | sed -n 1p | grep -q 'longer than 1024' &&
    echo "$out" | sed -n 2p | grep -q "^0 $NET.1 power=on" &&
    [ "$(echo "$out" | sed -n 3,4p | tr '\n' ' ')" = "ok ok " ] &&
    [ "$(echo "$out" | sed -n 5p)" = "<EOF>" ]; then
	ok "a 5000-byte line: err, then the same connection answers list;" \
	    "quit says ok and closes (a later line is not run)"
else
	echo "$out" | cut -c1-100 | sed 's/^/# /'
	not_ok "over-long line, then list and quit on the same connection"
fi

# Stop: SIGTERM, status 0, no sanitizer report, socket file removed.
bq_stop
if [ "$BQ_RC" = 0 ] && ! grep -q 'Sanitizer\|runtime error\|LeakSanitizer' \
    "$BQ_DIR/sim.err" && [ ! -e "$BQ_SOCK" ]; then
	ok "SIGTERM: bmcsim exits 0, no sanitizer report, control socket removed"
else
	grep -A5 'Sanitizer\|runtime error' "$BQ_DIR/sim.err" | head -n 30 |
	    sed 's/^/# /'
	not_ok "SIGTERM: clean stop (status $BQ_RC, socket" \
	    "$( [ -e "$BQ_SOCK" ] && echo left || echo removed))"
fi
[ "$tap_failed" -eq 0 ]
