#!/bin/sh
# SOL flow control from the BMC through the real engine (issue 5).
#
# 1. In one process (tools/vcm-engine-check.c -m flow) against bmcsim
#    #0, which the driver switches through the control socket: while the
#    BMC NACKs every console packet (`set sol-nack=`, longer than the
#    engine's whole retransmit budget) keystrokes are held and arrive
#    once, in order, when it accepts again, and the console neither gives
#    up nor reconnects; while the BMC says "character transfer
#    unavailable" (`set sol-cts=`) keystrokes are not sent (bmcsim counts
#    any data that still comes) and go out when it is available again.
#    The driver's TAP lines are passed through renumbered. This script
#    checks from bmcsim's side that the host received exactly what was
#    typed, once, in order (serial-rx).
# 2. The fleet description's per-activation windows (sol-nack=, sol-cts=
#    on a group line): `vcmctl ipmi sol activate` against bmcsim #1
#    types at once into a BMC that NACKs its first 2 s and says CTS off
#    for its first 1 s; the text reaches the host once, after the window.
#
# After each part: no session or SOL left behind. Loopback only, in
# 127.29.2.0/24 and 127.29.3.0/24 (tests/README.md); every process is
# started here and stopped by its PID (atexit), every wait is bounded.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

CHECK=$VCM_BUILD/bin/vcm-engine-check
VCMCTL=$VCM_BUILD/bin/vcmctl
ADDR=127.29.2.1
CADDR=127.29.3.1
# The driver's own checks (NCHECKS_FLOW in tools/vcm-engine-check.c).
DRIVER_CHECKS=10
# Whole-run bound for the driver; the script's loop waits a bit longer.
DRIVER_SECS=40

tap_plan $((DRIVER_CHECKS + 10))

missing=
for t in python3 timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
bmcsim_have || missing="$missing $BMCSIM_BIN"
[ -x "$CHECK" ] || missing="$missing $CHECK"
[ -x "$VCMCTL" ] || missing="$missing $VCMCTL"
if [ -n "$missing" ]; then
	diag "missing:$missing"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

conf=$(mktemp "${TMPDIR:-/tmp}/vcm-console-flow.XXXXXX") || exit 1
atexit "rm -f '$conf'"
cat > "$conf" <<'EOF2'
defaults user=admin:secret:admin
# #0: switched at run time by the driver
group addrs=127.29.2.0/24 count=1
# #1: NACKs console data for the first 2 s of every SOL activation and
# says "character transfer unavailable" for the first 1 s
group addrs=127.29.3.0/24 count=1 sol-nack=2s sol-cts=1s
EOF2
if bmcsim_start_config "$conf" 2; then
	ok "bmcsim serves $ADDR and $CADDR (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves $ADDR and $CADDR"
	exit 1
fi

# nothing_left ADDR WHAT: no session in the table, no SOL.
nothing_left() {
	_st=$(simctl sessions "$1")
	_l=$(simctl list "$1")
	case $_l in
	*"sol=inactive"*"sessions=0/"*)
		if [ -z "$_st" ]; then ok "$2: session table empty; $_l"
		else diag "sessions: $_st"; not_ok "$2: session table empty"; fi ;;
	*) diag "list: $_l"; diag "sessions: $_st"
	   not_ok "$2: sessions=0 and sol=inactive" ;;
	esac
}

# -- 1. run-time NACK and CTS, through the engine's viewer interface --------
tag="w$$-$(date +%N)"
out=$BMCSIM_DIR/driver.out
err=$BMCSIM_DIR/driver.err
: > "$out"
# The password goes through the environment, never argv.
VCM_CHECK_PASSWORD=$BMCSIM_PASSWORD timeout -k 5 $((DRIVER_SECS + 10)) \
    "$CHECK" -m flow -s "$BMCSIM_SOCK" -a "$ADDR" -u "$BMCSIM_USER" \
    -t "$tag" -l 300 -T "$DRIVER_SECS" > "$out" 2> "$err" &
dpid=$!
atexit "kill -TERM $dpid 2>/dev/null"
# Bounded: DRIVER_SECS + 15 s in 0.2 s steps.
i=0
while kill -0 "$dpid" 2>/dev/null && [ $i -lt $(((DRIVER_SECS + 15) * 5)) ]; do
	sleep 0.2
	i=$((i + 1))
done
if kill -0 "$dpid" 2>/dev/null; then
	diag "driver still running after $((DRIVER_SECS + 15)) s: SIGTERM"
	kill -TERM "$dpid" 2>/dev/null
fi
wait "$dpid"
drc=$?

# The driver's checks, renumbered into this script's sequence; its
# comments (diagnostics) as they are.
nd=0
while IFS= read -r l; do
	case $l in
	"ok "*) ok "driver: ${l#ok [0-9]* - }"; nd=$((nd + 1)) ;;
	"not ok "*) not_ok "driver: ${l#not ok [0-9]* - }"; nd=$((nd + 1)) ;;
	"#"*) echo "$l" ;;
	esac
done < "$out"
# Checks it never reached (it gave up or died) fail here, not silently.
while [ $nd -lt $DRIVER_CHECKS ]; do
	not_ok "driver: check $((nd + 1)) not reached"
	nd=$((nd + 1))
done
if [ "$drc" -eq 0 ]; then
	ok "driver exits 0"
else
	diag "driver exit $drc; stderr:"
	tail -n 10 "$err" | sed 's/^/#   /'
	not_ok "driver exits 0"
fi

# Exactly what A typed, once each, in order: the three NACKed pieces,
# Ctrl-C, the piece held by CTS, Ctrl-C.
rx=$(simctl serial-rx "$ADDR")
want="n1-${tag}n2-${tag}n3-$tag\\x03c1-$tag\\x03"
if [ "$rx" = "$want" ]; then
	ok "serial-rx: the host got every keystroke once, in order"
else
	diag "serial-rx: $rx"
	diag "expected:  $want"
	not_ok "serial-rx: every keystroke once, in order"
fi
# bmcsim's view: NACKs sent, console data packets while CTS was off (a
# console holding its keystrokes sends none, one probing a few; bound:
# one per SOL retransmit interval of the 2 s window, the driver's too).
s=$(simctl sol "$ADDR")
cd=$(echo "$s" | sed -n 's/.* cts-data=\([0-9]*\).*/\1/p')
nk=$(echo "$s" | sed -n 's/.* nacks=\([0-9]*\).*/\1/p')
if [ -n "$cd" ] && [ "$cd" -le 5 ] && [ "${nk:-0}" -ge 5 ]; then
	ok "bmcsim: $nk NACKs sent; $cd console data packets while CTS was off"
else
	diag "sol: $s"
	not_ok "bmcsim: NACKs sent, console data while CTS was off bounded"
fi
nothing_left "$ADDR" "after the driver"

# -- 2. the config file's per-activation windows, through vcmctl ------------
word="cfg-$$-$(date +%N)"
cout=$BMCSIM_DIR/vcmctl.out
cerr=$BMCSIM_DIR/vcmctl.err
t0=$(date +%s%N)
printf '%s' "$word" | IPMI_PASSWORD=$BMCSIM_PASSWORD timeout -k 5 30 \
    "$VCMCTL" ipmi -H "$CADDR" -U "$BMCSIM_USER" -E --sol-seconds 5 \
    sol activate > "$cout" 2> "$cerr"
crc=$?
t1=$(date +%s%N)
rx=$(simctl serial-rx "$CADDR")
s=$(simctl sol "$CADDR")
nacks=$(echo "$s" | sed -n 's/.* nacks=\([0-9]*\).*/\1/p')
if [ "$crc" -eq 0 ] && [ "$rx" = "$word" ] && grep -q "$word" "$cout" &&
    [ "${nacks:-0}" -ge 2 ]; then
	ok "sol-nack=2s sol-cts=1s from the config: typed at once, the text" \
	    "reached the host once after $nacks NACKs and was echoed" \
	    "($(( (t1 - t0) / 1000000 )) ms run)"
else
	diag "exit $crc; serial-rx '$rx'; sol: $s"
	sed 's/^/#   /' "$cerr" | tail -n 5
	not_ok "config sol-nack/sol-cts: text after the window, once"
fi
# (No cts-data check here: vcmctl types the moment SOL is live, before
# bmcsim's first "unavailable" packet has reached it; part 1 checks CTS
# where the console has been told.)
case $s in
*" sol-nack=2000ms sol-cts=1000ms activations=1 "*)
	ok "bmcsim: the group's windows (2000 ms, 1000 ms), one activation" ;;
*) diag "sol: $s"; not_ok "bmcsim: the group's windows, one activation" ;;
esac
nothing_left "$CADDR" "after vcmctl"

if grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' \
    "$err" "$cerr" 2>/dev/null; then
	grep -A 8 'ERROR: \|runtime error' "$err" "$cerr" | head -n 20 |
	    sed 's/^/#   /'
	not_ok "driver and vcmctl sanitizer-clean"
	bmcsim_stop
else
	if bmcsim_stop; then ok "bmcsim stops cleanly; driver and vcmctl sanitizer-clean"
	else not_ok "bmcsim stops cleanly"; fi
fi
exit $((tap_failed > 0))
