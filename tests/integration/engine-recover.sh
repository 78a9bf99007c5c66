#!/bin/sh
# The engine's crash-recovery support and its stop with a live console
# (src/engine/engine.c), through tools/vcm-engine-recover against
# bmcsim. A vcm process opens two sessions and a SOL, reports the BMC's
# session ids as the engine hands them out (opts.session_cb), and is
# killed with SIGKILL: bmcsim still holds both sessions and the SOL.
# ENG_OP_CLOSE_STALE with those ids, from a new process, closes them and
# ends the SOL (verified); asked again it finds them already gone (87h).
# And eng_stop() with a viewer still attached tears the SOL down before
# it closes the console's session. Both BMCs run sol_stays_active: the
# SOL outlives its owner session, as on BMCs that keep it for nobody,
# so only a Deactivate Payload ends it.
# Loopback only, in 127.28.0.0/16 (tests/README.md). Every process is
# started here and stopped by its PID (atexit); every wait is bounded.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

REC=$VCM_BUILD/bin/vcm-engine-recover
tap_plan 12

missing=
for t in python3 timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
bmcsim_have || missing="$missing $BMCSIM_BIN"
[ -x "$REC" ] || missing="$missing $REC"
if [ -n "$missing" ]; then
	diag "missing:$missing"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

conf=$(mktemp "${TMPDIR:-/tmp}/vcm-engine-recover.XXXXXX") || exit 1
atexit "rm -f '$conf'"
cat > "$conf" <<'EOF2'
defaults user=admin:secret:admin user=op:oppw:operator
# #0: the BMC a crashed vcm left sessions and a SOL on
group addrs=127.28.0.0/24 count=1 quirks=sol_stays_active
# #1: eng_stop() with a live console
group addrs=127.28.1.0/24 count=1 quirks=sol_stays_active
EOF2
if bmcsim_start_config "$conf" 2; then
	ok "bmcsim serves 2 BMCs (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves 2 BMCs"
	exit 1
fi
export IPMI_PASSWORD=secret
ERRS=$BMCSIM_DIR/rec-all.err
: > "$ERRS"

# sids IDX: the BMC-side ids bmcsim holds for BMC #IDX, sorted.
sids() {
	simctl sessions "#$1" | sed -n 's/.* id=\([0-9a-f]\{8\}\) .*/\1/p' |
	    sort
}

# quiet IDX: waits (5 s at most) until BMC #IDX holds no session and
# its SOL is inactive.
quiet() {
	_i=0
	while [ $_i -lt 50 ]; do
		simctl list "#$1" | grep -q 'sol=inactive sessions=0/' &&
		    return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	simctl list "#$1" | sed 's/^/#   /'
	return 1
}

# -- a vcm process dies holding two sessions and a SOL ----------------------
HOLD=$BMCSIM_DIR/hold.out
timeout 90 "$REC" -a 127.28.0.1 -T 60 hold > "$HOLD" 2>> "$ERRS" &
hpid=$!
atexit "kill -KILL $hpid 2>/dev/null"
i=0
while [ $i -lt 200 ] && ! grep -qx ready "$HOLD"; do
	kill -0 $hpid 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
reported=$(sed -n 's/^session active bmc=1 sid_c=0x\([0-9a-f]\{8\}\) .*/\1/p' \
    "$HOLD" | sort)
if grep -qx ready "$HOLD" && grep -qx 'sol live' "$HOLD" &&
    [ "$(echo "$reported" | grep -c .)" -eq 2 ]; then
	ok "hold: SOL live, 2 sessions reported active: $(echo $reported)"
else
	sed 's/^/#   /' "$HOLD"
	not_ok "hold: SOL live and 2 sessions reported"
fi
held=$(sids 0)
if [ -n "$held" ] && [ "$held" = "$reported" ]; then
	ok "the reported ids are bmcsim's session ids (BMC-side, SIDc)"
else
	diag "reported: $(echo $reported); bmcsim: $(echo $held)"
	not_ok "reported ids match bmcsim's session table"
fi

kill -KILL $hpid 2>/dev/null
wait $hpid 2>/dev/null
left=$(sids 0)
if [ "$left" = "$held" ] &&
    simctl list '#0' | grep -q 'sol=active sessions=2/'; then
	ok "SIGKILL: bmcsim still holds both sessions and the SOL"
else
	simctl list '#0' | sed 's/^/#   /'
	not_ok "SIGKILL leaves the sessions and the SOL behind"
fi

# -- ENG_OP_CLOSE_STALE from a new process ----------------------------------
list=
for s in $held; do list="$list${list:+,}0x$s"; done
OUT=$BMCSIM_DIR/stale.out
# An operator may not close another session: D4h, both stay.
IPMI_PASSWORD=oppw timeout 30 "$REC" -a 127.28.0.1 -u op -L operator -T 20 \
    close-stale "$list" > "$OUT" 2>> "$ERRS"
rc=$?
if [ $rc -ne 0 ] &&
    grep -q '^result: closed 0, already gone 0, failed 2, skipped 0; sol not asked; Close Session answered D4h$' "$OUT" &&
    [ "$(sids 0)" = "$held" ]; then
	ok "close-stale as an operator: $(sed -n 's/^result: //p' "$OUT")"
else
	diag "exit $rc"
	sed 's/^/#   /' "$OUT"
	not_ok "close-stale as an operator is refused (D4h), sessions stay"
fi
timeout 30 "$REC" -a 127.28.0.1 -T 20 close-stale -S "$list" > "$OUT" \
    2>> "$ERRS"
rc=$?
if [ $rc -eq 0 ] && grep -q '^stale closed=2 gone=0 failed=0 skipped=0 ' "$OUT" &&
    grep -q '^result: closed 2, already gone 0, failed 0, skipped 0; sol deactivated (verified)$' "$OUT"; then
	ok "close-stale $list: $(sed -n 's/^result: //p' "$OUT")"
else
	diag "exit $rc"
	sed 's/^/#   /' "$OUT"
	not_ok "close-stale closes both and deactivates the SOL"
fi
if quiet 0; then
	ok "bmcsim: no session left, SOL inactive"
else
	simctl sessions '#0' | sed 's/^/#   /'
	not_ok "bmcsim: session table empty and SOL inactive"
fi

# The same ids again: 87h "invalid session id" is "already gone"; a 0
# and a repeated id are skipped, not sent.
timeout 30 "$REC" -a 127.28.0.1 -T 20 close-stale -S "0,$list,${list%%,*}" \
    > "$OUT" 2>> "$ERRS"
rc=$?
if [ $rc -eq 0 ] &&
    grep -q '^result: closed 0, already gone 2, failed 0, skipped 2; sol inactive$' "$OUT" &&
    quiet 0; then
	ok "close-stale again: $(sed -n 's/^result: //p' "$OUT")"
else
	diag "exit $rc"
	sed 's/^/#   /' "$OUT"
	not_ok "close-stale again: already gone is a success, 0 and repeats skipped"
fi

# -- eng_stop() with a viewer attached --------------------------------------
STOP=$BMCSIM_DIR/stop.out
timeout 60 "$REC" -a 127.28.1.1 -T 30 stop > "$STOP" 2>> "$ERRS"
rc=$?
# The teardown's line comes before the console session's close.
order=$(grep -n '^teardown \|^session closed .* console=1 ' "$STOP" |
    cut -d: -f2 | cut -c1-8 | tr '\n' ' ')
if [ $rc -eq 0 ] && grep -q '^teardown outcome=verified ' "$STOP" &&
    [ "$order" = "teardown session  " ] &&
    grep -q '^session closed .* console=1 confirmed=1$' "$STOP" &&
    quiet 1; then
	ok "eng_stop: $(grep '^teardown' "$STOP"), then the session closed; bmcsim: SOL inactive, no session"
else
	diag "exit $rc, order: $order"
	sed 's/^/#   /' "$STOP"
	simctl list '#1' | sed 's/^/#   /'
	not_ok "eng_stop tears the console down before closing its session"
fi

if grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' "$ERRS"; then
	grep -A 5 'ERROR\|runtime error' "$ERRS" | head -n 20 | sed 's/^/#   /'
	not_ok "vcm-engine-recover sanitizer-clean"
else
	ok "vcm-engine-recover sanitizer-clean"
fi
if bmcsim_stop; then ok "bmcsim stops cleanly"; else not_ok "bmcsim stops cleanly"; fi
exit $((tap_failed > 0))
