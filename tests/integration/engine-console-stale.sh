#!/bin/sh
# A SOL left active by someone else, through the engine's stale-SOL
# policy (issue 5), with `vcmctl ipmi sol activate` against one bmcsim
# BMC whose SOL an `ipmitool sol activate` holds (kept running on a pty):
#
# - --sol-policy refuse: vcmctl ends with an error naming the host and
#   the reason, exit 1; the engine logs its decision (--log); nothing
#   is deactivated: the same ipmitool session still holds the SOL (one
#   activation in all, bmcsim's session table), and ipmitool still gets
#   the host's output;
# - the default policy (take): vcmctl says it takes the SOL over, the
#   engine logs "decision=take", the host's output now reaches vcmctl,
#   not ipmitool, and vcmctl ends with a verified teardown, exit 0.
#
# Afterwards (ipmitool ended with ~.) no session or SOL is left. Loopback
# only, in 127.29.1.0/24 (tests/README.md); every process is started here
# and stopped by its PID (atexit), every client call bounded by timeout.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

VCMCTL=$VCM_BUILD/bin/vcmctl
ADDR=127.29.1.1

tap_plan 13

missing=
for t in python3 timeout script ipmitool; do
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

if bmcsim_start 127.29.1.0/24 1; then
	ok "bmcsim serves $ADDR (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves $ADDR"
	exit 1
fi
# Both clients take the password from the environment, never argv.
export IPMI_PASSWORD=$BMCSIM_PASSWORD
word="st$$-$(date +%N)"

# The other manager: ipmitool's SOL on a pty, keyboard on fd 7.
con_start 7 "ipmitool -I lanplus -C 17 -H $ADDR -U $BMCSIM_USER -E sol activate"
s0=
if con_wait 7 'SOL Session operational' 10; then
	s0=$(simctl sessions "$ADDR")
fi
case $s0 in
*"sol=yes"*)
	[ "$(printf '%s\n' "$s0" | grep -c .)" -eq 1 ] &&
	    ok "ipmitool holds the SOL: $s0" ||
	    { diag "$s0"; not_ok "ipmitool holds the SOL (one session)"; } ;;
*) diag "sessions: $s0"; con_out 7 | tail -n 3 | sed 's/^/#   /'
   not_ok "ipmitool holds the SOL" ;;
esac
# The holder's session, by its ids: it must be the same one afterwards.
holder=$(printf '%s\n' "$s0" | sed -n 's/.*\(id=[0-9a-f]* console-id=[0-9a-f]*\).*/\1/p')

# -- refuse ---------------------------------------------------------------
rlog=$BMCSIM_DIR/refuse.log
rout=$BMCSIM_DIR/refuse.out
rerr=$BMCSIM_DIR/refuse.err
t0=$(date +%s%N)
timeout -k 5 20 "$VCMCTL" ipmi -H "$ADDR" -U "$BMCSIM_USER" -E \
    --sol-policy refuse --log "$rlog" sol activate < /dev/null \
    > "$rout" 2> "$rerr"
rrc=$?
t1=$(date +%s%N)
if [ "$rrc" -eq 1 ] && grep -qF \
    "[vcm: ended: $ADDR: SOL in use by another session (policy: refuse)]" \
    "$rerr"; then
	ok "refuse: vcmctl exits 1 after $(( (t1 - t0) / 1000000 )) ms:" \
	    "$(grep -F 'ended:' "$rerr")"
else
	diag "exit $rrc"
	sed 's/^/#   /' "$rerr" | tail -n 5
	not_ok "refuse: an error naming the host and the reason, exit 1"
fi
if grep -q "event=eng_console_stale bmc=$ADDR decision=refuse" "$rlog" &&
    ! grep -q "decision=take" "$rlog"; then
	ok "refuse: logged: $(grep 'event=eng_console_stale' "$rlog")"
else
	sed 's/^/#   /' "$rlog"
	not_ok "refuse: the decision logged"
fi
s1=$(simctl sessions "$ADDR")
c1=$(simctl sol "$ADDR")
case $s1 in
*"$holder"*"sol=yes"*)
	case $c1 in
	*" sol=active owner="*" activations=1 "*)
		[ "$(printf '%s\n' "$s1" | grep -c .)" -eq 1 ] &&
		    ok "refuse: nothing deactivated; the same ipmitool session" \
		    "still holds the SOL (one activation in all), vcmctl's" \
		    "session is gone" ||
		    { diag "$s1"; not_ok "refuse: vcmctl's session gone"; } ;;
	*) diag "sol: $c1"; not_ok "refuse: SOL untouched (one activation)" ;;
	esac ;;
*) diag "before: $s0"; diag "after: $s1"
   not_ok "refuse: the same ipmitool session still holds the SOL" ;;
esac
con_mark 7
simctl inject "$ADDR" "\\r\\nstill-ipmitool-$word\\r\\n" > /dev/null
if con_wait 7 "still-ipmitool-$word" 5; then
	ok "refuse: ipmitool still gets the host's output"
else
	con_since 7 | tail -n 3 | sed 's/^/#   /'
	not_ok "refuse: ipmitool still gets the host's output"
fi

# -- take (the default) ------------------------------------------------------
tlog=$BMCSIM_DIR/take.log
tout=$BMCSIM_DIR/take.out
terr=$BMCSIM_DIR/take.err
: > "$tout"
: > "$terr"
timeout -k 5 30 "$VCMCTL" ipmi -H "$ADDR" -U "$BMCSIM_USER" -E \
    --log "$tlog" --sol-seconds 6 sol activate < /dev/null \
    > "$tout" 2> "$terr" &
vpid=$!
atexit "kill -TERM $vpid 2>/dev/null"
i=0
while ! grep -q '\[vcm: SOL live\]' "$terr" && kill -0 "$vpid" 2>/dev/null &&
    [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q '\[vcm: SOL live\]' "$terr" && grep -qF \
    '[vcm: stale SOL active on another session: taking it over (deactivate, activate), try 1]' \
    "$terr"; then
	ok "take: vcmctl says it takes the stale SOL over, then live"
else
	sed 's/^/#   /' "$terr" | tail -n 5
	not_ok "take: stale SOL taken over, said"
fi
con_mark 7
simctl inject "$ADDR" "\\r\\nafter-take-$word\\r\\n" > /dev/null
i=0
while ! grep -q "after-take-$word" "$tout" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.3
if grep -q "after-take-$word" "$tout" &&
    ! con_since 7 | grep -q "after-take-$word"; then
	ok "take: the host's output reaches vcmctl, no longer ipmitool"
else
	diag "vcmctl: $(tr -d '\r' < "$tout" | tail -n 2)"
	con_since 7 | tail -n 3 | sed 's/^/#   /'
	not_ok "take: output at vcmctl only"
fi
i=0
while kill -0 "$vpid" 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$vpid"
trc=$?
if [ "$trc" -eq 0 ] &&
    grep -qF '[vcm: ended: SOL deactivated (verified)]' "$terr"; then
	ok "take: vcmctl ends with a verified teardown, exit 0"
else
	diag "exit $trc"
	sed 's/^/#   /' "$terr" | tail -n 5
	not_ok "take: verified teardown, exit 0"
fi
if grep -q "event=eng_console_stale bmc=$ADDR decision=take tries=1" \
    "$tlog"; then
	ok "take: logged: $(grep 'event=eng_console_stale' "$tlog")"
else
	sed 's/^/#   /' "$tlog"
	not_ok "take: the decision logged"
fi

# -- nothing left ---------------------------------------------------------------
# vcm's sessions are gone already (vcmctl has exited); ipmitool, whose SOL
# was taken, leaves with ~. and closes its own.
con_mark 7
con_send 7 '\r~.'
if con_exited 7 10; then irc=$CON_RC; else irc=killed; con_kill 7; fi
i=0
while ! simctl list "$ADDR" | grep -q 'sessions=0/' && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
st=$(simctl sessions "$ADDR")
l=$(simctl list "$ADDR")
others=$(printf '%s\n' "$st" | grep . | grep -vF "$holder")
case $l in
*"sol=inactive"*)
	if [ -z "$others" ]; then
		ok "no session of vcm's left, no SOL: $l"
		[ -n "$st" ] && diag "ipmitool (exit $irc) left its own: $st"
	else
		diag "sessions: $st"
		not_ok "no session of vcm's left"
	fi ;;
*) diag "list: $l"; diag "sessions: $st"
   not_ok "after both clients: no session of vcm's, sol=inactive" ;;
esac

if grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' \
    "$rerr" "$terr" 2>/dev/null; then
	grep -A 8 'ERROR: \|runtime error' "$rerr" "$terr" | head -n 20 |
	    sed 's/^/#   /'
	not_ok "vcmctl sanitizer-clean"
	bmcsim_stop
else
	if bmcsim_stop; then ok "bmcsim stops cleanly; vcmctl sanitizer-clean"
	else not_ok "bmcsim stops cleanly"; fi
fi
exit $((tap_failed > 0))
