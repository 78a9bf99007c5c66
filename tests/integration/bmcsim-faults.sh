#!/bin/sh
# bmcsim's network faults, set through the control socket, seen by real
# clients (ipmitool, FreeIPMI ipmipower) and by a small UDP sender that
# counts datagrams: loss, duplication, reordering, garbage, delay, a dark
# period, and that the simulator never amplifies traffic. Every client
# call is bounded by `timeout`. Loopback only, in 127.22.0.0/16 (here
# 127.22.20.0/24); every process is stopped by its PID.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim-quirks.sh

tap_plan 16

missing=
for t in ipmitool ipmipower python3 timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
[ -x "$BQ_SIM" ] || missing="$missing $BQ_SIM"
if [ -n "$missing" ]; then
	diag "missing:$missing (scripts/install-deps; make SANITIZE=1 check-build)"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

bq_init bmcsim-faults

# A UDP sender that counts what comes back: presence pings (one pong
# each), hostile datagrams, oversized ones, or the round trip of pings.
# Prints "sent=N replies=M pongs=K" (rtt: "... rtt_min=MS rtt_max=MS").
cat > "$BQ_DIR/udp.py" <<'EOF'
import os, random, socket, struct, sys, time
addr, port, mode, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
wait = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0
if not addr.startswith('127.') or n > 5000:
    sys.exit('loopback only, at most 5000 datagrams')
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
def ping(tag):  # RMCP, class ASF; IANA 4542, Presence Ping
    return bytes([6, 0, 0xff, 6]) + struct.pack('>IBBBB', 4542, 0x80, tag, 0, 0)
def is_pong(d):
    return len(d) >= 12 and d[:4] == bytes([6, 0, 0xff, 6]) and d[8] == 0x40
rng = random.Random(os.getpid())
def junk(k):
    return bytes(rng.getrandbits(8) for _ in range(k))
def hostile(i):
    k = i % 5
    if k == 0:
        return junk(rng.randint(1, 300))
    if k == 1:  # RMCP, class IPMI, junk (IPMI 1.5 or 2.0 by chance)
        return bytes([6, 0, 0xff, 7]) + junk(rng.randint(0, 200))
    if k == 2:  # RMCP+ header, session 0, junk payload type and length
        return bytes([6, 0, 0xff, 7, 6, rng.getrandbits(8)]) + bytes(6) + junk(rng.randint(0, 100))
    if k == 3:  # RMCP+ with a made-up session id
        return bytes([6, 0, 0xff, 7, 6, 0xc0]) + junk(8) + junk(rng.randint(0, 100))
    return bytes([6, 0, 0xff, 6]) + junk(rng.randint(0, 40))  # ASF junk
rtts = []
replies = pongs = 0
if mode == 'rtt':
    s.settimeout(wait)
    for i in range(n):
        t = time.monotonic()
        s.sendto(ping(i & 0xff), (addr, port))
        try:
            while True:
                d = s.recv(4096)
                if is_pong(d) and d[9] == (i & 0xff):
                    rtts.append(int((time.monotonic() - t) * 1000))
                    break
        except socket.timeout:
            pass
    print('sent=%d replies=%d rtt_min=%d rtt_max=%d' % (n, len(rtts),
        min(rtts) if rtts else -1, max(rtts) if rtts else -1))
    sys.exit(0)
def drain():
    global replies, pongs
    s.setblocking(False)
    try:
        while True:
            d = s.recv(4096)
            replies += 1
            pongs += is_pong(d)
    except BlockingIOError:
        pass
for i in range(n):
    if mode == 'ping':
        d = ping(i & 0xff)
    elif mode == 'hostile':
        d = hostile(i)
    elif mode == 'oversize':
        d = bytes([6, 0, 0xff, 7]) + bytes(1500 + 100 * i)
    else:
        sys.exit('bad mode')
    s.sendto(d, (addr, port))
    time.sleep(0.001)
    drain()
end = time.monotonic() + wait
while time.monotonic() < end:
    time.sleep(0.02)
    drain()
print('sent=%d replies=%d pongs=%d' % (n, replies, pongs))
EOF
udp() { timeout 30 python3 "$BQ_DIR/udp.py" "$1" "$BQ_PORT" "$2" "$3" "${4:-1}"; }
# field NAME "a=1 b=2": the value of NAME.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# #0-#5 .1-.6 loss (ipmitool), #6 .7 loss (pings), #7 .8 dup,
# #8 .9 reorder, #9 .10 garbage, #10 .11 delay, #11 .12 plain,
# #12 .13 dark, #13 .14 amplification, #20-#39 .21-.40 loss (ipmipower).
NET=127.22.20
if ! bq_start --addrs $NET.0/24 --count 40 --user "$BQ_USER" \
    --password "$BQ_PASSWORD" --port "$BQ_PORT"; then
	not_ok "bmcsim starts with 40 BMCs"
	exit 1
fi
# ipmitool gives up a handshake after 4 Open Session restarts, so at
# 30 % loss about a third of its runs fail whatever the BMC does (seen
# with -vv: "Retry lanplus open session" x4). Its BMCs get 10 %: the
# check is then about the simulator, not ipmitool's luck. Pings and
# ipmipower (which retries each step) keep 30 %.
lossy="#6"
i=20
while [ $i -le 39 ]; do lossy="$lossy #$i"; i=$((i + 1)); done
for t in $lossy; do
	# Lost handshake replies leave half-open slots: free them fast.
	set -- "$@" "fault $t loss=30%" "set $t session-timeout=3s"
done
for t in "#0" "#1" "#2" "#3" "#4" "#5"; do
	set -- "$@" "fault $t loss=10%" "set $t session-timeout=3s"
done
bq_ctl "$@" "fault #7 dup=50%" "fault #8 reorder=50%" "fault #9 garbage=30%" \
    "fault #10 delay=300ms" "set #9 session-timeout=3s" > "$BQ_DIR/set.out"
rc=$?
s0=$(bq_ctl "show #6" "show #7" "show #8" "show #9" "show #10" | grep '^vendor')
if [ $rc -eq 0 ] && echo "$s0" | sed -n 1p | grep -q ' loss=300 ' &&
    echo "$s0" | sed -n 2p | grep -q ' dup=500 ' &&
    echo "$s0" | sed -n 3p | grep -q ' reorder=500 ' &&
    echo "$s0" | sed -n 4p | grep -q ' garbage=300 ' &&
    echo "$s0" | sed -n 5p | grep -q ' delay=300ms ' &&
    echo "$s0" | sed -n 5p | grep -q ' loss=0 dup=0 reorder=0 garbage=0 '; then
	ok "faults set through the control socket show in 'show' (per mille," \
	    "30% = 300)"
else
	cat "$BQ_DIR/set.out" | sed 's/^/# /'; echo "$s0" | sed 's/^/# /'
	not_ok "faults set through the control socket show in 'show'"
fi

# ipmitool under 10 % reply loss, one run on each of six BMCs at once,
# in the background while the other checks run. A lost Close Session
# reply costs ipmitool 1+2+...+5 s of retries (the BMC has already
# closed the session and drops the retries), hence -R 5. Each of its six
# steps may take that long in an unlucky run, so 100 s is the bound for
# "hung"; a typical run ends in a few seconds.
for k in 0 1 2 3 4 5; do
	timeout 100 ipmitool -I lanplus -C 17 -H "$NET.$((k + 1))" \
	    -p "$BQ_PORT" -U "$BQ_USER" -P "$BQ_PASSWORD" -N 1 -R 5 \
	    power status > "$BQ_DIR/loss.$k" 2>&1 &
	eval "lp_$k=$!"
	atexit "[ -z \"\$lp_$k\" ] || kill \$lp_$k"
done

r=$(udp $NET.7 ping 300 1)
rp=$(udp $NET.12 ping 300 1)
n=$(field pongs "$r") np=$(field pongs "$rp")
if [ "${n:-0}" -ge 150 ] && [ "${n:-0}" -le 255 ] && [ "$np" = 300 ]; then
	ok "loss=30%: $n of 300 presence pings answered (plain BMC: $np)"
else
	not_ok "loss=30%: about 210 of 300 pings answered ($r; plain $rp)"
fi

# FreeIPMI: 20 lossy BMCs in one hostrange, 200 ms retransmissions for
# at most 5 s per host: every step has about 25 tries.
out=$(timeout 30 ipmipower -D LAN_2_0 -h "$NET.[21-40]:$BQ_PORT" \
    -u "$BQ_USER" -p "$BQ_PASSWORD" --session-timeout=5000 \
    --retransmission-timeout=200 --stat 2>&1)
n=$(echo "$out" | grep -c ': on$')
if [ "$n" -ge 18 ]; then
	ok "loss=30%: ipmipower --stat answered by $n of 20 BMCs"
else
	echo "$out" | grep -v ': on$' | sort | uniq -c | sed 's/^/# /'
	not_ok "loss=30%: ipmipower --stat answered by at least 18 of 20" \
	    "BMCs (got $n)"
fi

# Duplication: ipmitool copes; ipmipower must at least end on its own.
good=0 hung=0
for i in 1 2 3; do
	o=$(bq_ipmitool $NET.8 power status 2>&1)
	[ $? -eq 124 ] && hung=$((hung + 1))
	echo "$o" | grep -q 'Chassis Power is on' && good=$((good + 1))
done
r=$(udp $NET.8 ping 200 1)
n=$(field replies "$r")
if [ $good -eq 3 ] && [ $hung -eq 0 ] && [ "${n:-0}" -gt 200 ] &&
    [ "${n:-0}" -le 400 ]; then
	ok "dup=50%: ipmitool power status works 3 of 3; 200 pings got $n" \
	    "replies (more than 200, at most 400)"
else
	not_ok "dup=50%: ipmitool works ($good of 3, $hung hung); pings: $r"
fi
good=0 hung=0 t0=$(ms)
for i in 1 2 3; do
	o=$(timeout 20 ipmipower -D LAN_2_0 -h "$NET.8:$BQ_PORT" -u "$BQ_USER" \
	    -p "$BQ_PASSWORD" --session-timeout=5000 \
	    --retransmission-timeout=200 --stat 2>&1)
	rc=$?
	[ $rc -eq 124 ] && hung=$((hung + 1)) && diag "ipmipower hung (20 s)"
	echo "$o" | grep -q ': on$' && good=$((good + 1))
	diag "ipmipower on dup=50%: exit $rc: $(echo "$o" | head -n 1)"
done
if [ $hung -eq 0 ] && [ $(($(ms) - t0)) -lt 20000 ]; then
	ok "dup=50%: ipmipower ends on its own every time ($good of 3 'on')"
else
	not_ok "dup=50%: ipmipower hangs ($hung of 3 killed by timeout)"
fi

# Reordering and garbage: clients still work, or fail cleanly.
good=0 hung=0
for i in 1 2 3; do
	o=$(bq_ipmitool $NET.9 power status 2>&1)
	[ $? -eq 124 ] && hung=$((hung + 1))
	echo "$o" | grep -q 'Chassis Power is on' && good=$((good + 1))
	o=$(timeout 20 ipmipower -D LAN_2_0 -h "$NET.9:$BQ_PORT" -u "$BQ_USER" \
	    -p "$BQ_PASSWORD" --session-timeout=5000 \
	    --retransmission-timeout=200 --stat 2>&1)
	[ $? -eq 124 ] && hung=$((hung + 1))
	echo "$o" | grep -q ': on$' && good=$((good + 1))
done
if [ $good -eq 6 ] && [ $hung -eq 0 ]; then
	ok "reorder=50%: ipmitool and ipmipower work 6 of 6"
else
	not_ok "reorder=50%: clients work ($good of 6, $hung hung)"
fi
# Garbage looks like a lost reply to a client: it retries or gives up
# with a message, but never hangs. (How often it works depends on which
# reply was spoilt: see the ipmipower loss check above.) ipmipower, as
# with duplicates above, may exit 1 with only "unassemble_ipmi_rmcpplus_pkt"
# when a spoilt packet reaches its parser: FreeIPMI's weakness, reported
# as a diagnostic; ipmitool must always say what failed.
good=0 hung=0 silent=0 fsilent=0
for i in 1 2 3; do
	# ipmitool restarts its handshake up to 4 times, each step with
	# -R 3 retries: 100 s is the bound for "hung" (as for loss above).
	o=$(timeout 100 ipmitool -I lanplus -C 17 -H $NET.10 -p "$BQ_PORT" \
	    -U "$BQ_USER" -P "$BQ_PASSWORD" -N 1 -R 3 power status 2>&1)
	rc=$?
	[ $rc -eq 124 ] && hung=$((hung + 1)) && diag "ipmitool hung (100 s)"
	echo "$o" | grep -q 'Chassis Power is on' && good=$((good + 1))
	[ $rc -ne 0 ] && [ -z "$o" ] && silent=$((silent + 1))
	o=$(timeout 20 ipmipower -D LAN_2_0 -h "$NET.10:$BQ_PORT" \
	    -u "$BQ_USER" -p "$BQ_PASSWORD" --session-timeout=5000 \
	    --retransmission-timeout=200 --stat 2>&1)
	rc=$?
	[ $rc -eq 124 ] && hung=$((hung + 1)) && diag "ipmipower hung (20 s)"
	echo "$o" | grep -q ': on$' && good=$((good + 1))
	if ! echo "$o" | grep -q "^$NET.10: "; then
		fsilent=$((fsilent + 1))
		diag "ipmipower on garbage=30%: exit $rc: $(echo "$o" | head -n 1)"
	fi
done
if [ $hung -eq 0 ] && [ $silent -eq 0 ]; then
	ok "garbage=30%: clients work or fail with a message, none hangs" \
	    "($good of 6 work; ipmipower parser exits: $fsilent)"
else
	not_ok "garbage=30%: clients work or fail cleanly ($good of 6 work," \
	    "$hung hung, $silent failed silently)"
fi

# Delay: the round trip of a ping and a whole ipmitool run get slower.
rd=$(udp $NET.11 rtt 3 2) rp=$(udp $NET.12 rtt 3 2)
t0=$(ms)
od=$(bq_ipmitool $NET.11 power status 2>&1)
t1=$(ms)
op=$(bq_ipmitool $NET.12 power status 2>&1)
t2=$(ms)
dd=$((t1 - t0)) dp=$((t2 - t1))
dmin=$(field rtt_min "$rd") dmax=$(field rtt_max "$rd") pmax=$(field rtt_max "$rp")
if [ "${dmin:--1}" -ge 290 ] && [ "${dmax:-9999}" -lt 1500 ] &&
    [ "${pmax:-9999}" -lt 100 ] && [ "${pmax:--1}" -ge 0 ] &&
    echo "$od" | grep -q 'Chassis Power is on' &&
    echo "$op" | grep -q 'Chassis Power is on' && [ $dd -ge $((dp + 1000)) ]; then
	ok "delay=300ms: ping round trip ${dmin}-${dmax} ms (plain ≤ $pmax ms);" \
	    "ipmitool power status $dd ms (plain $dp ms)"
else
	not_ok "delay=300ms: slower replies ($rd; plain $rp; ipmitool $dd ms" \
	    "vs $dp ms)"
fi

# Dark for 6 s: nothing answers, then everything does again (the
# probes take up to ~3.5 s; the margin keeps a loaded machine honest).
bq_ctl "dark #12 6s" > /dev/null
t0=$(ms)
sd=$(bq_ctl "show #12" | grep '^vendor')
od=$(timeout 10 ipmitool -I lanplus -C 17 -H $NET.13 -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" -N 1 -R 1 power status 2>&1)
rc=$?
r=$(udp $NET.13 ping 5 0.3)
t1=$(ms)
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$(field replies "$r")" = 0 ] &&
    echo "$sd" | grep -q 'dark=yes' && [ $((t1 - t0)) -lt 6000 ]; then
	ok "dark 6s: show says dark=yes, ipmitool fails, 0 of 5 pings answered"
else
	echo "$od" | sed 's/^/# /'
	not_ok "dark 6s: no answers (ipmitool exit $rc, $r, ${sd##* }," \
	    "$((t1 - t0)) ms)"
fi
sleep $(((6000 - (t1 - t0)) / 1000 + 1))
od=$(bq_ipmitool $NET.13 power status 2>&1)
r=$(udp $NET.13 ping 5 0.3)
sd=$(bq_ctl "show #12" | grep '^vendor')
if echo "$od" | grep -q 'Chassis Power is on' && [ "$(field pongs "$r")" = 5 ] &&
    echo "$sd" | grep -q 'dark=no'; then
	ok "dark 6s: after the period ipmitool works and 5 of 5 pings answered"
else
	echo "$od" | sed 's/^/# /'
	not_ok "dark 6s: works again after the period ($r, ${sd##* })"
fi

# Amplification: hostile input gets nothing back; valid input at most
# two datagrams each (a duplicate), never more.
r1=$(udp $NET.14 hostile 500 1)
r2=$(udp $NET.14 oversize 5 0.5)
if [ "$(field replies "$r1")" = 0 ] && [ "$(field replies "$r2")" = 0 ]; then
	ok "500 hostile and 5 oversized datagrams: no reply at all"
else
	not_ok "hostile datagrams get no reply ($r1; oversize $r2)"
fi
r1=$(udp $NET.14 ping 200 1)
bq_ctl "fault #13 dup=100%" > /dev/null
r2=$(udp $NET.14 ping 200 1)
bq_ctl "fault #13 dup=0 garbage=100%" > /dev/null
r3=$(udp $NET.14 ping 200 1)
bq_ctl "fault #13 garbage=100% reorder=100% delay=50ms" > /dev/null
r4=$(udp $NET.14 ping 200 1)
bq_ctl "fault #13 garbage=0 reorder=0 delay=0" > /dev/null
if [ "$(field pongs "$r1")" = 200 ] && [ "$(field replies "$r1")" = 200 ] &&
    [ "$(field replies "$r2")" -le 400 ] && [ "$(field pongs "$r2")" -ge 390 ] &&
    [ "$(field replies "$r3")" -le 200 ] && [ "$(field pongs "$r3")" = 0 ] &&
    [ "$(field replies "$r4")" -le 200 ]; then
	ok "no amplification: 200 pings get 200 replies; with dup=100%" \
	    "$(field replies "$r2") (≤ 400); garbage=100% $(field replies "$r3")" \
	    "non-pongs; with delay+reorder $(field replies "$r4") (≤ 200)"
else
	not_ok "no amplification ($r1; dup $r2; garbage $r3; delayed $r4)"
fi

# Now the background ipmitool runs under loss.
good=0 hung=0
for k in 0 1 2 3 4 5; do
	eval "wait \$lp_$k"
	[ $? -eq 124 ] && hung=$((hung + 1))
	eval "lp_$k="
	grep -q 'Chassis Power is on' "$BQ_DIR/loss.$k" && good=$((good + 1))
done
retried=$(cat "$BQ_DIR"/loss.* | grep -c 'Close Session command failed\|no response')
if [ $good -ge 4 ] && [ $hung -eq 0 ]; then
	ok "loss=10%: ipmitool (retrying) gets power status on $good of 6" \
	    "BMCs ($retried lost-reply messages)"
else
	cat "$BQ_DIR"/loss.* | sort | uniq -c | sed 's/^/# /'
	not_ok "loss=10%: ipmitool gets power status on ≥ 4 of 6 ($good," \
	    "$hung hung)"
fi

# Clearing faults: loss=0 etc. turn them off.
bq_ctl "fault #0 loss=0" "fault #7 dup=0" "fault #10 delay=0" > /dev/null
s0=$(bq_ctl "show #0" "show #7" "show #10" | grep '^vendor')
t0=$(ms)
o=$(timeout 10 ipmitool -I lanplus -C 17 -H $NET.1 -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" -N 1 -R 1 power status 2>&1)
t1=$(ms)
if [ "$(echo "$s0" | grep -c ' loss=0 dup=0 reorder=0 garbage=0 delay=0ms ')" \
    -eq 3 ] && echo "$o" | grep -q 'Chassis Power is on' &&
    [ $((t1 - t0)) -lt 900 ]; then
	ok "faults set to 0 are off: a single-try ipmitool run works in" \
	    "$((t1 - t0)) ms"
else
	echo "$s0$o" | sed 's/^/# /'
	not_ok "faults set to 0 are off ($((t1 - t0)) ms)"
fi

bq_ctl "fault all loss=0 dup=0 reorder=0 garbage=0 delay=0" > /dev/null
bq_stop
if [ "$BQ_RC" = 0 ] && ! grep -q 'Sanitizer\|runtime error' "$BQ_DIR/sim.err"; then
	ok "bmcsim stops on SIGTERM with status 0 and no sanitizer report"
else
	grep -A5 'Sanitizer\|runtime error' "$BQ_DIR/sim.err" | head -n 30 |
	    sed 's/^/# /'
	not_ok "bmcsim stops cleanly (status $BQ_RC)"
fi
[ "$tap_failed" -eq 0 ]
