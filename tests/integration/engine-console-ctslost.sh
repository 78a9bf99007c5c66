#!/bin/sh
# SOL flow control through the real engine (issue 5): the console must
# not hang when the BMC's one packet saying "character transfer
# available again" is lost. In one process (tools/vcm-engine-check.c -m
# ctslost) against one bmcsim BMC: the driver has bmcsim deassert CTS
# for 2 s (`set sol-cts=`), types while it is off, and makes bmcsim drop
# every reply for 300 ms either side of the window's end (`fault
# loss=1000`, then 0), so the status-only packet announcing the end is
# lost; the keystrokes must still reach the host within 3 s of the end,
# once. The driver's TAP lines are passed through renumbered; this
# script checks serial-rx and that no session or SOL is left. Loopback
# only, in 127.29.4.0/24 (tests/README.md); every process is started
# here and stopped by its PID (atexit).

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

CHECK=$VCM_BUILD/bin/vcm-engine-check
ADDR=127.29.4.1
# The driver's own checks (NCHECKS_CTSLOST in tools/vcm-engine-check.c).
DRIVER_CHECKS=7
# Whole-run bound for the driver; the script's loop waits a bit longer.
DRIVER_SECS=30

tap_plan $((DRIVER_CHECKS + 6))

missing=
for t in python3 timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
bmcsim_have || missing="$missing $BMCSIM_BIN"
[ -x "$CHECK" ] || missing="$missing $CHECK"
if [ -n "$missing" ]; then
	diag "missing:$missing"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

if bmcsim_start 127.29.4.0/24 1; then
	ok "bmcsim serves $ADDR (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves $ADDR"
	exit 1
fi

tag="l$$-$(date +%N)"
out=$BMCSIM_DIR/driver.out
err=$BMCSIM_DIR/driver.err
: > "$out"
# The password goes through the environment, never argv.
VCM_CHECK_PASSWORD=$BMCSIM_PASSWORD timeout -k 5 $((DRIVER_SECS + 10)) \
    "$CHECK" -m ctslost -s "$BMCSIM_SOCK" -a "$ADDR" -u "$BMCSIM_USER" \
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

# What A typed reached the host once (late or not), nothing else.
rx=$(simctl serial-rx "$ADDR")
if [ "$rx" = "c1-$tag" ]; then
	ok "serial-rx: the keystrokes reached the host once"
else
	diag "serial-rx: $rx"
	not_ok "serial-rx: the keystrokes once"
fi

st=$(simctl sessions "$ADDR")
l=$(simctl list "$ADDR")
case $l in
*"sol=inactive"*"sessions=0/"*)
	if [ -z "$st" ]; then ok "after exit: session table empty; $l"
	else diag "sessions: $st"; not_ok "after exit: session table empty"; fi ;;
*) diag "list: $l"; diag "sessions: $st"
   not_ok "after exit: sessions=0 and sol=inactive" ;;
esac

if grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' \
    "$err" 2>/dev/null; then
	grep -A 8 'ERROR: \|runtime error' "$err" | head -n 20 | sed 's/^/#   /'
	not_ok "driver sanitizer-clean"
	bmcsim_stop
else
	if bmcsim_stop; then ok "bmcsim stops cleanly; driver sanitizer-clean"
	else not_ok "bmcsim stops cleanly"; fi
fi
exit $((tap_failed > 0))
