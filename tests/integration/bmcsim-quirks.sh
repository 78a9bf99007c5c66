#!/bin/sh
# Every bmcsim quirk (tools/bmcsim/quirks.c) seen through a real client:
# ipmitool and FreeIPMI against one bmcsim whose config file gives each
# quirk its own BMC, next to plain BMCs that show the normal behaviour.
# Where no client can see a quirk's effect, raw IPMI through ipmitool or
# ipmitool's packet trace (-vvvvv) shows it. Loopback only, in
# 127.22.0.0/16; every process is started here and stopped by its PID.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim-quirks.sh

tap_plan 24

missing=
for t in ipmitool ipmipower python3 script timeout ps mkfifo; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
[ -x "$BQ_SIM" ] || missing="$missing $BQ_SIM"
if [ -n "$missing" ]; then
	diag "missing:$missing (scripts/install-deps; make SANITIZE=1 check-build)"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

bq_init bmcsim-quirks

# Fleet indices: #0-#2 plain (127.22.0.1-3), then one BMC per quirk.
N0=127.22.0.1 N1=127.22.0.2 N2=127.22.0.3
Q_STAYS=127.22.1.1 Q_LIES=127.22.2.1 Q_SAYS=127.22.3.1 Q_CLOSE=127.22.4.1
Q_DROP=127.22.5.1 Q_JUMP=127.22.6.1 Q_CAP=127.22.7.1 Q_CS17=127.22.8.1
Q_PRIV=127.22.9.1 Q_CS0=127.22.10.1
cat > "$BQ_DIR/fleet.conf" <<EOF
port $BQ_PORT
defaults user=$BQ_USER:$BQ_PASSWORD:admin output=100000
group addrs=127.22.0.0/24 count=3
group addrs=127.22.1.0/24 count=1 quirks=sol_stays_active
group addrs=127.22.2.0/24 count=1 quirks=deactivate_lies
group addrs=127.22.3.0/24 count=1 quirks=deactivate_says_inactive
group addrs=127.22.4.0/24 count=1 quirks=close_lost vendor=cisco
group addrs=127.22.5.0/24 count=1 quirks=sol_drop_on_reboot
group addrs=127.22.6.0/24 count=1 quirks=sol_seq_jump
group addrs=127.22.7.0/24 count=1 quirks=capacity_zero
group addrs=127.22.8.0/24 count=1 quirks=cs17_only
group addrs=127.22.9.0/24 count=1 quirks=opensesspriv
group addrs=127.22.10.0/24 count=1 insecure
EOF

if ! bq_start --config "$BQ_DIR/fleet.conf"; then
	not_ok "bmcsim starts with one group per quirk"
	exit 1
fi
list=$(bq_ctl list)
want="3:sol_stays_active 4:deactivate_lies 5:deactivate_says_inactive
6:close_lost 7:sol_drop_on_reboot 8:sol_seq_jump 9:capacity_zero
10:cs17_only 11:opensesspriv 12:insecure_cs0"
bad=
for w in $want; do
	echo "$list" | grep -q "^${w%%:*} 127\.22\.[0-9]*\.1 .* quirks=${w#*:}\$" ||
	    bad="$bad $w"
done
if [ -z "$bad" ] && [ "$(echo "$list" | grep -c 'quirks=none$')" -eq 3 ]; then
	ok "bmcsim runs 13 BMCs; list shows each config quirk on its BMC"
else
	echo "$list" | sed 's/^/# /'
	not_ok "list shows each config quirk on its BMC (missing:$bad)"
fi

# Payload activation status of SOL: "cap active 00" (hex, as ipmitool).
pstat() { bq_ipmitool "$1" raw 0x06 0x4a 0x01 2>&1 | tr -s ' \n' ' ' |
    sed 's/^ //; s/ $//'; }

# --- sol_stays_active ------------------------------------------------------
# kill -9 of the console: the session times out; a good BMC frees SOL
# with it, an iDRAC6 keeps it busy ("already active") after that.
bq_sol_start stays "$Q_STAYS" 30
bq_sol_start n0 "$N0" 30
bq_wait_grep "$BQ_DIR/stays.out" 'SOL Session operational' 10
bq_wait_grep "$BQ_DIR/n0.out" 'SOL Session operational' 10
p1=$(bq_sol_client_pid stays) p2=$(bq_sol_client_pid n0)
diag "killing sol clients $p1 $p2 with SIGKILL"
[ -n "$p1" ] && kill -KILL "$p1"
[ -n "$p2" ] && kill -KILL "$p2"
bq_ctl "set $Q_STAYS session-timeout=1s" "set $N0 session-timeout=1s" \
    > /dev/null
bq_wait_ctl 5 'sessions=0/' "list $Q_STAYS"
bq_wait_ctl 5 'sessions=0/' "list $N0"
bq_ctl "set $Q_STAYS session-timeout=60s" "set $N0 session-timeout=60s" \
    > /dev/null
bq_sol_stop stays
bq_sol_stop n0
l=$(bq_ctl "list $Q_STAYS" | head -n 1)
out=$(bq_ipmitool "$Q_STAYS" sol activate < /dev/null 2>&1)
rc=$?
if [ $rc -ne 0 ] && echo "$l" | grep -q 'sol=orphaned sessions=0/' &&
    echo "$out" | grep -q 'SOL payload already active on another session'; then
	ok "sol_stays_active: after kill -9 and the session timeout, ipmitool" \
	    "says 'SOL payload already active on another session' ($l)"
else
	diag "$l"; echo "$out" | sed 's/^/# ipmitool: /'
	not_ok "sol_stays_active: new sol activate refused after kill -9 (exit $rc)"
fi
bq_sol_start n0b "$N0" 10
if bq_wait_grep "$BQ_DIR/n0b.out" 'SOL Session operational' 8; then
	ok "normal BMC: after kill -9 and the session timeout a new sol" \
	    "activate gets in"
else
	sed 's/^/# sol: /' "$BQ_DIR/n0b.out"
	not_ok "normal BMC: new sol activate after kill -9 and session timeout"
fi
bq_sol_stop n0b
out=$(bq_ipmitool "$Q_STAYS" sol deactivate 2>&1)
rc=$?
st=$(pstat "$Q_STAYS")
if [ $rc -eq 0 ] && [ "$st" = "01 00 00" ] &&
    bq_ctl "list $Q_STAYS" | grep -q 'sol=inactive'; then
	ok "sol_stays_active: sol deactivate frees the orphaned payload" \
	    "(status '$st')"
else
	echo "$out" | sed 's/^/# /'
	not_ok "sol_stays_active: sol deactivate frees it (exit $rc, status '$st')"
fi

# --- deactivate_lies / deactivate_says_inactive -----------------------------
bq_sol_start lies "$Q_LIES" 30
bq_sol_start says "$Q_SAYS" 30
bq_sol_start n1 "$N1" 30
for n in lies says n1; do
	bq_wait_grep "$BQ_DIR/$n.out" 'SOL Session operational' 10
done
out=$(bq_ipmitool "$Q_LIES" sol deactivate 2>&1)
rc=$?
st=$(pstat "$Q_LIES")
bq_ctl "inject $Q_LIES still-here-after-deactivate\\r\\n" > /dev/null
if [ $rc -eq 0 ] && [ "$st" = "01 01 00" ] &&
    bq_wait_grep "$BQ_DIR/lies.out" still-here-after-deactivate 5; then
	ok "deactivate_lies: sol deactivate exits 0, Get Payload Activation" \
	    "Status still '$st' and the console still gets output"
else
	echo "$out" | sed 's/^/# /'
	not_ok "deactivate_lies: deactivate succeeds, SOL stays (exit $rc, '$st')"
fi
out=$(bq_ipmitool "$Q_SAYS" sol deactivate 2>&1)
rc=$?
st=$(pstat "$Q_SAYS")
if [ $rc -ne 0 ] && echo "$out" | grep -q 'SOL payload already de-activated' &&
    [ "$st" = "01 01 00" ]; then
	ok "deactivate_says_inactive: sol deactivate says 'SOL payload" \
	    "already de-activated' while status is '$st'"
else
	echo "$out" | sed 's/^/# /'
	not_ok "deactivate_says_inactive: 'already de-activated' while active" \
	    "(exit $rc, '$st')"
fi
st0=$(pstat "$N1")
out=$(bq_ipmitool "$N1" sol deactivate 2>&1)
rc=$?
st=$(pstat "$N1")
out2=$(bq_ipmitool "$N1" sol deactivate 2>&1)
rc2=$?
if [ "$st0" = "01 01 00" ] && [ $rc -eq 0 ] && [ "$st" = "01 00 00" ] &&
    [ $rc2 -ne 0 ] && echo "$out2" | grep -q 'already de-activated'; then
	ok "normal BMC: sol deactivate ends SOL ('$st0' -> '$st'), a second" \
	    "one says 'already de-activated'"
else
	echo "$out$out2" | sed 's/^/# /'
	not_ok "normal BMC: deactivate ('$st0' -> '$st', exit $rc, then $rc2)"
fi
bq_sol_stop lies
bq_sol_stop says
bq_sol_stop n1
# Free what the quirks left active (deactivate_says_inactive needs the
# session to go: its Deactivate never works).
bq_ctl "quirk $Q_LIES deactivate_lies off" > /dev/null
bq_ipmitool "$Q_LIES" sol deactivate > /dev/null 2>&1

# --- close_lost --------------------------------------------------------------
# Cisco IMC: the Close Session is lost, the slot leaks until the idle
# timeout. Three clients that exit leak three of the four slots; the
# fourth is taken by `session info all`, the fifth is refused.
bq_ctl "set $Q_CLOSE session-timeout=30s" > /dev/null
for i in 1 2 3; do
	timeout 20 ipmitool -I lanplus -C 17 -H "$Q_CLOSE" -p "$BQ_PORT" \
	    -U "$BQ_USER" -P "$BQ_PASSWORD" -N 1 -R 1 power status \
	    > "$BQ_DIR/close.$i" 2>&1 &
	eval "cl_$i=$!"
done
wait "$cl_1" "$cl_2" "$cl_3"
s=$(bq_ctl "sessions $Q_CLOSE")
if [ "$(cat "$BQ_DIR"/close.[123] | grep -c 'Chassis Power is on')" -eq 3 ] &&
    [ "$(cat "$BQ_DIR"/close.[123] | grep -c 'Close Session command failed')" \
    -eq 3 ] && [ "$(echo "$s" | grep -c 'state=active')" -eq 3 ]; then
	ok "close_lost: 3 ipmitool runs see 'Close Session command failed'" \
	    "and their 3 sessions stay in the table after they exit"
else
	cat "$BQ_DIR"/close.[123] | sed 's/^/# /'; echo "$s" | sed 's/^/# /'
	not_ok "close_lost: sessions leak after the clients exit"
fi
info=$(timeout 20 ipmitool -I lanplus -C 17 -H "$Q_CLOSE" -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" -N 1 -R 1 session info all 2>&1)
out=$(timeout 20 ipmitool -I lanplus -C 17 -H "$Q_CLOSE" -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" -N 1 -R 1 power status 2>&1)
rc=$?
if echo "$info" | grep -q 'active sessions *: 4' &&
    [ "$(echo "$info" | grep -c '^session handle')" -eq 4 ] && [ $rc -ne 0 ] &&
    echo "$out" | grep -q 'insufficient resources for session' &&
    bq_ctl "list $Q_CLOSE" | grep -q 'sessions=4/4'; then
	ok "close_lost: ipmitool session info all shows 4 of 4 slots used;" \
	    "the next client gets 'insufficient resources for session'"
else
	echo "$info$out" | sed 's/^/# /'
	not_ok "close_lost: slots fill up and a client is refused (exit $rc)"
fi
bq_ctl "set $Q_CLOSE session-timeout=1s" > /dev/null
if bq_wait_ctl 5 'sessions=0/4' "list $Q_CLOSE" &&
    bq_ctl "set $Q_CLOSE session-timeout=60s" > /dev/null &&
    timeout 20 ipmitool -I lanplus -C 17 -H "$Q_CLOSE" -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" -N 1 -R 1 power status 2>&1 |
    grep -q 'Chassis Power is on'; then
	ok "close_lost: leaked slots free at the idle timeout; clients get in again"
else
	bq_ctl "sessions $Q_CLOSE" | sed 's/^/# /'
	not_ok "close_lost: leaked slots free at the idle timeout"
fi
# N2 has had no session yet: it must still have none after 5 runs.
out=
for i in 1 2 3 4 5; do
	out="$out$(bq_ipmitool "$N2" power status 2>&1)
"
done
l=$(bq_ctl "list $N2" | head -n 1)
if [ "$(echo "$out" | grep -c 'Chassis Power is on')" -eq 5 ] &&
    ! echo "$out" | grep -q 'Close Session' &&
    echo "$l" | grep -q 'sessions=0/4'; then
	ok "normal BMC: 5 runs in a row close their sessions ($l)"
else
	echo "$out" | sed 's/^/# /'; diag "$l"
	not_ok "normal BMC: sessions closed after 5 runs"
fi

# --- sol_drop_on_reboot / sol_seq_jump ----------------------------------------
# A console on each; a second client resets the host. ipmitool's packet
# trace (-vvvvv) prints the sequence number of every SOL packet it gets.
bq_sol_start drop "$Q_DROP" 20
bq_sol_start jump "$Q_JUMP" 20 -vvvvv
bq_sol_start n2 "$N2" 20 -vvvvv
for n in drop jump n2; do
	bq_wait_grep "$BQ_DIR/$n.out" 'SOL Session operational' 10
done
bq_ctl "inject $Q_DROP before-reset\\r\\n" "inject $Q_JUMP before-reset\\r\\n" \
    "inject $N2 before-reset\\r\\n" > /dev/null
for n in drop jump n2; do
	bq_wait_grep "$BQ_DIR/$n.out" before-reset 5
done
for a in "$Q_DROP" "$Q_JUMP" "$N2"; do
	bq_ipmitool "$a" chassis power reset > /dev/null 2>&1
done
ldrop=$(bq_ctl "list $Q_DROP" | head -n 1)
bq_wait_grep "$BQ_DIR/n2.out" 'login:' 15
bq_wait_grep "$BQ_DIR/jump.out" 'login:' 5
st=$(pstat "$Q_DROP")
if echo "$ldrop" | grep -q 'sol=inactive' && [ "$st" = "01 00 00" ] &&
    grep -aq before-reset "$BQ_DIR/drop.out" &&
    ! grep -aq 'BIOS\|login:' "$BQ_DIR/drop.out" &&
    grep -aq 'login:' "$BQ_DIR/n2.out"; then
	ok "sol_drop_on_reboot: after chassis power reset the console gets" \
	    "nothing more (no boot text, while the plain BMC's console shows" \
	    "the reboot); status '$st', $ldrop"
else
	diag "$ldrop / status '$st'"
	tr -d '\r' < "$BQ_DIR/drop.out" | tail -n 5 | sed 's/^/# drop: /'
	not_ok "sol_drop_on_reboot: SOL ends silently at the reset"
fi
# The sequence numbers (1..15) of the SOL data the console received:
# in order means each is the last one again (a retransmit) or the next.
seqjumps() {
	grep -a '^< SOL sequence number' "$1" | sed 's/.*0x//' |
	    while read -r h; do echo $((0x$h)); done | awk '
	    { s = $1 + 0; if (s == 0) next }
	    p && s != p && s != p % 15 + 1 { j++ }
	    { p = s; n++ }
	    END { printf "%d %d\n", n, j }'
}
set -- $(seqjumps "$BQ_DIR/n2.out")
n2_n=${1:-0} n2_j=${2:-0}
if grep -aq 'login:' "$BQ_DIR/n2.out" && [ "$n2_n" -gt 5 ] &&
    [ "$n2_j" -eq 0 ]; then
	ok "normal BMC: the console sees the reboot and $n2_n SOL packets" \
	    "numbered in order"
else
	not_ok "normal BMC: reboot output with in-order SOL numbers" \
	    "($n2_n packets, $n2_j jumps)"
fi
set -- $(seqjumps "$BQ_DIR/jump.out")
j_n=${1:-0} j_j=${2:-0}
if grep -aq 'login:' "$BQ_DIR/jump.out" && [ "$j_n" -gt 5 ] &&
    [ "$j_j" -ge 1 ] && bq_ctl "list $Q_JUMP" | grep -q 'sol=active'; then
	ok "sol_seq_jump: the SOL sequence numbers jump at the reboot" \
	    "($j_j jump(s) in $j_n packets) and ipmitool still shows the output"
else
	grep -a '^< SOL sequence number' "$BQ_DIR/jump.out" | awk '{print $NF}' |
	    tr '\n' ' ' | sed 's/^/# seq: /'; echo
	not_ok "sol_seq_jump: sequence jump at the reboot ($j_n packets," \
	    "$j_j jumps)"
fi
for n in drop jump n2; do bq_sol_stop $n; done

# --- capacity_zero -------------------------------------------------------------
# The first byte is the capacity (N0 may still have SOL active).
st=$(pstat "$Q_CAP")
st0=$(pstat "$N0")
if [ "$st" = "00 00 00" ] && [ "${st0%% *}" = "01" ]; then
	ok "capacity_zero: Get Payload Activation Status capacity 0 ('$st';" \
	    "plain BMC '$st0')"
else
	not_ok "capacity_zero: capacity 0 ('$st'; plain BMC '$st0')"
fi

# --- cs17_only -------------------------------------------------------------------
o3=$(timeout 20 ipmitool -I lanplus -C 3 -H "$Q_CS17" -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" power status 2>&1)
r3=$?
o17=$(bq_ipmitool "$Q_CS17" power status 2>&1)
r17=$?
oc=$(bq_ipmitool "$Q_CS17" channel getciphers ipmi 1 2>&1)
if [ $r3 -ne 0 ] && echo "$o3" | grep -q 'insufficient resources for session' &&
    [ $r17 -eq 0 ] && echo "$o17" | grep -q 'Chassis Power is on' &&
    echo "$oc" | grep -q '^17 ' && ! echo "$oc" | grep -q '^3 '; then
	ok "cs17_only: -C 3 gets 'insufficient resources for session', -C 17" \
	    "works, getciphers lists only 17"
else
	echo "$o3$o17$oc" | sed 's/^/# /'
	not_ok "cs17_only: -C 3 refused, -C 17 works (exit $r3, $r17)"
fi
o3=$(timeout 20 ipmitool -I lanplus -C 3 -H "$N0" -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" power status 2>&1)
r3=$?
if [ $r3 -eq 0 ] && echo "$o3" | grep -q 'Chassis Power is on'; then
	ok "normal BMC: -C 3 works"
else
	echo "$o3" | sed 's/^/# /'
	not_ok "normal BMC: -C 3 works (exit $r3)"
fi

# --- opensesspriv ------------------------------------------------------------------
# ipmipower asks for operator and sends "highest" in Open Session: keys
# that use the Open Session privilege do not match. FreeIPMI's manual
# names "password invalid" as the symptom.
pw=$(timeout 20 ipmipower -D LAN_2_0 -h "$Q_PRIV:$BQ_PORT" -u "$BQ_USER" \
    -p "$BQ_PASSWORD" --stat 2>&1)
pn=$(timeout 20 ipmipower -D LAN_2_0 -h "$N0:$BQ_PORT" -u "$BQ_USER" \
    -p "$BQ_PASSWORD" --stat 2>&1)
if echo "$pw" | grep -q "^$Q_PRIV: password invalid" &&
    echo "$pn" | grep -q "^$N0: on"; then
	ok "opensesspriv: ipmipower --stat without -W fails ('$pw');" \
	    "on a plain BMC it works ('$pn')"
else
	diag "$pw / $pn"
	not_ok "opensesspriv: ipmipower fails without -W opensesspriv"
fi
pw=$(timeout 20 ipmipower -D LAN_2_0 -h "$Q_PRIV:$BQ_PORT" -u "$BQ_USER" \
    -p "$BQ_PASSWORD" -W opensesspriv --stat 2>&1)
oi=$(bq_ipmitool "$Q_PRIV" power status 2>&1)
if echo "$pw" | grep -q "^$Q_PRIV: on" &&
    echo "$oi" | grep -q 'Chassis Power is on'; then
	ok "opensesspriv: ipmipower -W opensesspriv works, ipmitool (admin) works"
else
	diag "$pw / $oi"
	not_ok "opensesspriv: -W opensesspriv and ipmitool work"
fi

# --- insecure_cs0 ---------------------------------------------------------------------
o0=$(timeout 20 ipmitool -I lanplus -C 0 -H "$Q_CS0" -p "$BQ_PORT" \
    -U "$BQ_USER" -P WRONG-password power status 2>&1)
r0=$?
oc=$(bq_ipmitool "$Q_CS0" channel getciphers ipmi 1 2>&1)
if [ $r0 -eq 0 ] && echo "$o0" | grep -q 'Chassis Power is on' &&
    echo "$oc" | grep -q '^0 .*none *none *none'; then
	ok "insecure_cs0: ipmitool -C 0 with a wrong password gets in" \
	    "(CVE-2013-4782); getciphers lists suite 0"
else
	echo "$o0$oc" | sed 's/^/# /'
	not_ok "insecure_cs0: -C 0 with a wrong password gets in (exit $r0)"
fi
o0=$(timeout 20 ipmitool -I lanplus -C 0 -H "$N0" -p "$BQ_PORT" \
    -U "$BQ_USER" -P WRONG-password power status 2>&1)
r0=$?
o1=$(timeout 20 ipmitool -I lanplus -C 0 -H "$Q_CS0" -p "$BQ_PORT" \
    -U nosuchuser -P x power status 2>&1)
r1=$?
if [ $r0 -ne 0 ] && echo "$o0" | grep -q 'no matching cipher suite' &&
    [ $r1 -ne 0 ]; then
	ok "normal BMC refuses -C 0 ('no matching cipher suite'); the insecure" \
	    "one still refuses an unknown user"
else
	echo "$o0$o1" | sed 's/^/# /'
	not_ok "normal BMC refuses -C 0 (exit $r0; unknown user exit $r1)"
fi

# --- quirks at run time --------------------------------------------------------------
bq_ctl "quirk $N0 cs17_only on" > /dev/null
o3=$(timeout 20 ipmitool -I lanplus -C 3 -H "$N0" -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" power status 2>&1)
r3=$?
bq_ctl "quirk $N0 cs17_only off" > /dev/null
o3b=$(timeout 20 ipmitool -I lanplus -C 3 -H "$N0" -p "$BQ_PORT" \
    -U "$BQ_USER" -P "$BQ_PASSWORD" power status 2>&1)
r3b=$?
if [ $r3 -ne 0 ] && echo "$o3" | grep -q 'insufficient resources' &&
    [ $r3b -eq 0 ]; then
	ok "a quirk switched at run time takes effect and switches back off"
else
	echo "$o3$o3b" | sed 's/^/# /'
	not_ok "quirk switched at run time (exit $r3, then $r3b)"
fi

# --- clean stop --------------------------------------------------------------------
bq_stop
if [ "$BQ_RC" = 0 ] && ! grep -q 'Sanitizer\|runtime error' "$BQ_DIR/sim.err"; then
	ok "bmcsim stops on SIGTERM with status 0 and no sanitizer report"
else
	grep -A5 'Sanitizer\|runtime error' "$BQ_DIR/sim.err" | head -n 30 |
	    sed 's/^/# /'
	not_ok "bmcsim stops cleanly (status $BQ_RC)"
fi
[ "$tap_failed" -eq 0 ]
