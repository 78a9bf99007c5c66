#!/bin/sh
# The engine (src/engine/engine.c) through `vcmctl ipmi` against the
# bmcsim quirks and faults that tests/integration/engine-bmcsim.sh and
# engine-sol-bmcsim.sh leave out (issue 5, "How it is checked"):
# duplicated, reordered and garbage replies (power status still succeeds
# by its deadline); a Close Session that is never answered (reported,
# then the slot leak outlived by a short bmcsim session timeout); a SOL
# sequence jump across a reboot on an open console (numbered lines, none
# lost or doubled); a Deactivate answering "already deactivated" while
# active (the teardown checks the status and says so); a payload
# capacity of 0; cs17_only through the operator's --quirks override;
# opensesspriv; and the vendor table: a Cisco IMC (IANA 5771) gets at
# most the table's 2 sessions however many vcm is allowed, and the log
# names the profile. After every case bmcsim's session table shows no
# session left by vcm. Loopback only, in 127.26.0.0/16
# (tests/README.md). Every process is started here and stopped by its
# PID (atexit), every client call is bounded by `timeout`.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

VCMCTL=$VCM_BUILD/bin/vcmctl

# The garbage case always runs. It once failed about one run in ten
# ("timeout in Open Session after 2 tries" within the 5 s deadline):
# a garbage reply cost the session its whole backoff interval and a
# try, and a lost RAKP2 restarted the handshake, leaving bmcsim a
# half-open session in one of its 4 slots each time. The engine now
# resends at once on a damaged reply and resends RAKP1 before a restart
# (src/engine/session.c). ENGINE_FAULTS_GARBAGE is no longer read.
tap_plan 28

missing=
for t in python3 timeout script; do
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

conf=$(mktemp "${TMPDIR:-/tmp}/vcm-engine-faults.XXXXXX") || exit 1
atexit "rm -f '$conf'"
cat > "$conf" <<'EOF2'
defaults user=admin:secret:admin user=op:oppw:operator
# #0-#9: 30% of replies sent twice
group addrs=127.26.0.0/24 count=10 dup=300
# #10-#19: 30% of replies held back behind the next one
group addrs=127.26.1.0/24 count=10 reorder=300
# #20-#29: 20% of replies replaced by random bytes
group addrs=127.26.2.0/24 count=10 garbage=200
# #30: Close Session dropped, slot leaked until a 3 s idle kill (Cisco)
group addrs=127.26.3.0/24 count=1 slots=1 quirks=close_lost session-timeout=3s
# #31: SOL sequence numbers jump after a reboot (Tyan)
group addrs=127.26.4.0/24 count=1 quirks=sol_seq_jump
# #32: Deactivate answers 80h while SOL stays active (Dell M605)
group addrs=127.26.5.0/24 count=1 quirks=deactivate_says_inactive session-timeout=3s
# #33: payload instance capacity 0 (Dell M-series)
group addrs=127.26.6.0/24 count=1 quirks=capacity_zero
# #34: suite 17 only (Intel M50CYP)
group addrs=127.26.7.0/24 count=1 vendor=intel quirks=cs17_only
# #35: keys from the Open Session privilege (Sun ILOM, ipmi_sim)
group addrs=127.26.8.0/24 count=1 quirks=opensesspriv
# #36: a Cisco IMC (IANA 5771): the vendor table caps vcm at 2 sessions
# (10 ms per reply, so that bmcsim's table can be watched while it runs)
group addrs=127.26.9.0/24 count=1 vendor=cisco delay=10ms
# #37: the same without a vendor, for comparison
group addrs=127.26.10.0/24 count=1 slots=8 delay=10ms
EOF2
if bmcsim_start_config "$conf" 38; then
	ok "bmcsim serves 38 BMCs (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves 38 BMCs"
	exit 1
fi
OUT=$BMCSIM_DIR/vcmctl.out
ERR=$BMCSIM_DIR/vcmctl.err
VERR=$BMCSIM_DIR/vcmctl-all.err
: > "$VERR"
export IPMI_PASSWORD=secret

ms() { echo $(($(date +%s%N) / 1000000)); }

# v ARGS...: vcmctl ipmi -U admin -E ARGS; rc in $rc, wall time in $took.
v() {
	_t0=$(ms)
	timeout 30 "$VCMCTL" ipmi -U admin -E "$@" > "$OUT" 2> "$ERR"
	rc=$?
	took=$(($(ms) - _t0))
	cat "$ERR" >> "$VERR"
}

show() {
	diag "vcmctl exit $rc, $took ms, $(wc -l < "$OUT") lines:"
	# The failures first: they are what a reader of a red run needs.
	{ grep -v ': on$' "$OUT"; grep ': on$' "$OUT"; } | head -n 6 |
	    sed 's/^/#   /'
	grep -v '^# round' "$ERR" | head -n 4 | sed 's/^/#   stderr: /'
}

# nosess LO HI: fleet indices LO..HI hold no session. Bounded wait (5 s):
# a handshake that vcm restarted after a garbage reply leaves bmcsim a
# half-open slot that bmcsim frees after its 3 s handshake stall.
nosess() {
	_i=0
	while [ $_i -lt 50 ]; do
		simctl list all | awk -v lo="$1" -v hi="$2" '
		    $1 >= lo && $1 <= hi { split($5, a, "[=/]")
			if (a[2] != 0) bad++ }
		    END { exit bad > 0 }' && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	for _x in $(simctl list all | awk -v lo="$1" -v hi="$2" '
	    $1 >= lo && $1 <= hi { split($5, a, "[=/]")
		if (a[2] != 0) print $1 }' | head -n 3); do
		simctl list "#$_x" | sed 's/^/#   left: /'
		simctl sessions "#$_x" | sed 's/^/#     /'
	done
	return 1
}

# -- duplicated, reordered, garbage replies ---------------------------------
# 3 rounds of 10 BMCs, deadline 5 s each: every answer arrives well within
# it (retransmits cover the garbage ones); never a hang.
fault_case() {
	_name=$1 _net=$2 _lo=$3
	v -H "127.26.$_net.[1-10]" --timeout 5000 --repeat 3 power status
	if [ $rc -eq 0 ] && [ "$(grep -c '^127\.26\.'"$_net"'\.[0-9]*: on$' "$OUT")" -eq 30 ] &&
	    [ $took -lt 16000 ]; then
		ok "$_name: power status succeeds, 3 rounds x 10 BMCs in $took ms (deadline 5 s each)"
	else
		show
		not_ok "$_name: power status within its deadline"
	fi
	if nosess "$_lo" $((_lo + 9)); then ok "$_name: no session left"
	else not_ok "$_name: no session left"; fi
}
fault_case "30% duplicated replies" 0 0
fault_case "30% reordered replies" 1 10
fault_case "20% garbage replies" 2 20

# -- close_lost: the slot leak is reported, then outlived --------------------
v -H 127.26.3.1 power status
r1=$rc o1=$(cat "$OUT") e1=$(cat "$ERR")
v -H 127.26.3.1 --timeout 2000 power status
if [ $r1 -eq 0 ] && [ "$o1" = "127.26.3.1: on" ] &&
    echo "$e1" | grep -q 'warning: 1 Close Session request(s) not confirmed' &&
    [ $rc -ne 0 ] && [ $took -lt 4000 ] &&
    grep -q '^127.26.3.1: no free session slot on the BMC (RMCP+ status 01h)$' "$OUT"; then
	ok "close_lost: unconfirmed close reported; next run: $(cat "$OUT") ($took ms)"
else
	diag "first: $o1 ($r1) / $e1"
	show
	not_ok "close_lost reported clearly"
fi
# bmcsim kills the leaked session after its 3 s idle timeout.
i=0
while [ $i -lt 60 ] && ! simctl list '#30' | grep -q 'sessions=0/'; do
	sleep 0.1
	i=$((i + 1))
done
v -H 127.26.3.1 power status
if [ $rc -eq 0 ] && [ "$(cat "$OUT")" = "127.26.3.1: on" ]; then
	ok "close_lost: a later run works again once the BMC's idle timeout freed the slot"
else show; not_ok "close_lost: recovery on a later run"; fi
# This run's close is lost too: wait for that idle kill as well.
i=0
while [ $i -lt 60 ] && ! simctl list '#30' | grep -q 'sessions=0/'; do
	sleep 0.1
	i=$((i + 1))
done
if nosess 30 30; then ok "close_lost: nothing left after the BMC's idle timeout"
else not_ok "close_lost: nothing left"; fi

# -- SOL consoles -------------------------------------------------------------
# sol N ADDR [ARGS]: the console of ADDR on console fd N.
sol() {
	_n=$1 _a=$2
	shift 2
	con_start "$_n" "$VCMCTL ipmi -H $_a -U admin -E $* sol activate 2>&1"
}

# inject_lines IDX FROM TO WORD: the host prints "WORD-n" for n in FROM..TO.
inject_lines() {
	_k=$2
	while [ $_k -le $3 ]; do
		simctl inject "$1" "\\r\\n$4-$_k\\r\\n" > /dev/null
		_k=$((_k + 1))
	done
}

word="m$$x$(date +%N)"
sol 7 127.26.4.1
con_wait 7 '\[vcm: SOL live\]' 10
con_mark 7
inject_lines '#31' 1 20 "$word"
con_wait 7 "^$word-20\$" 5
simctl power '#31' reset > /dev/null
# The reboot's transcript ends at the login prompt: the jump is behind us.
con_wait 7 'server-32 login:' 15
inject_lines '#31' 21 40 "$word"
con_wait 7 "^$word-40\$" 5
seen=$(con_since 7 | grep -c "^$word-[0-9]*\$")
uniq=$(con_since 7 | grep "^$word-[0-9]*\$" | sort -u | wc -l)
inorder=$(con_since 7 | grep "^$word-[0-9]*\$" | sed "s/^$word-//" |
    awk '$1 != NR { bad++ } END { print bad + 0 }')
if [ "$seen" -eq 40 ] && [ "$uniq" -eq 40 ] && [ "$inorder" -eq 0 ] &&
    con_since 7 | grep -q 'server-32 login:'; then
	ok "sol_seq_jump: across a reboot all 40 numbered lines once, in order"
else
	diag "seen $seen, unique $uniq, out of order $inorder"
	con_since 7 | grep -v "^$word" | tail -n 5 | sed 's/^/#   /'
	not_ok "sol_seq_jump: output keeps flowing, nothing lost or doubled"
fi
if con_out 7 | grep -q 'sequence jump (reboot?), followed'; then
	ok "sol_seq_jump: the jump is reported and followed"
else
	con_out 7 | grep '\[vcm' | sed 's/^/#   /'
	not_ok "sol_seq_jump reported"
fi
con_send 7 '\r~.'
if con_exited 7 10 && [ "$CON_RC" -eq 0 ] && nosess 31 31 &&
    simctl list '#31' | grep -q 'sol=inactive'; then
	ok "sol_seq_jump: ~. ends cleanly; no session, SOL inactive"
else diag "rc ${CON_RC:-?}"; not_ok "sol_seq_jump: clean end"; fi

# deactivate_says_inactive: "already deactivated" while it is active.
sol 7 127.26.5.1
con_wait 7 '\[vcm: SOL live\]' 10
con_mark 7
con_send 7 '\r~.'
con_exited 7 15
td=$(con_since 7 | grep 'ended:')
case $td in
*'teardown NOT verified'*|*'already deactivated'*)
	ok "deactivate_says_inactive: teardown checked by the status: $td (exit ${CON_RC:-?})" ;;
*)
	con_since 7 | tail -n 4 | sed 's/^/#   /'
	not_ok "deactivate_says_inactive: teardown verified by the status" ;;
esac
if nosess 32 32; then ok "deactivate_says_inactive: no session left"
else not_ok "deactivate_says_inactive: no session left"; fi

# capacity_zero: the console goes live all the same.
sol 7 127.26.6.1
if con_wait 7 '\[vcm: SOL live\]' 10; then
	con_mark 7
	simctl inject '#33' "cap0-$word\\r\\n" > /dev/null
	if con_wait 7 "cap0-$word" 5; then
		ok "capacity_zero: console live, output flows"
	else not_ok "capacity_zero: output flows"; fi
else
	con_out 7 | tail -n 4 | sed 's/^/#   /'
	not_ok "capacity_zero: console live"
fi
con_mark 7
con_send 7 '\r~.'
if con_exited 7 10 && [ "$CON_RC" -eq 0 ] &&
    con_since 7 | grep -q 'ended: SOL deactivated (verified)' && nosess 33 33; then
	ok "capacity_zero: verified teardown, no session left"
else diag "rc ${CON_RC:-?}"; not_ok "capacity_zero: clean end"; fi

# -- cs17_only through the operator's override ------------------------------
v -H 127.26.7.1 --quirks bogus power status
if [ $rc -eq 2 ] && grep -q -- '--quirks: quirk override: unknown quirk "bogus"' "$ERR"; then
	ok "--quirks bogus: refused before any traffic: $(head -n 1 "$ERR")"
else show; not_ok "--quirks: a bad spec is refused"; fi
v -H 127.26.7.1 --quirks suites=3 power status
r1=$rc o1=$(cat "$OUT")
VCMCTL_DEBUG=1 v -H 127.26.7.1 -C 3 --quirks cs17only --repeat 2 power status
if [ $r1 -ne 0 ] && echo "$o1" | grep -q 'cipher suite 3' && [ $rc -eq 0 ] &&
    [ "$(grep -c '^127.26.7.1: on$' "$OUT")" -eq 2 ] &&
    grep 'vendor_profile' "$ERR" | grep -q 'quirks=cs17only.*suites=17 '; then
	ok "cs17_only: --quirks suites=3 fails clearly; -C 3 --quirks cs17only uses 17 only and works"
else
	diag "suites=3: $o1 ($r1)"
	show
	grep vendor_profile "$ERR" | sed 's/^/#   /'
	not_ok "cs17_only with the override"
fi
if nosess 34 34; then ok "cs17_only: no session left"
else not_ok "cs17_only: no session left"; fi

# -- opensesspriv: vcm names the exact privilege in Open Session -------------
v -H 127.26.8.1 power status
r1=$rc o1=$(cat "$OUT")
timeout 30 "$VCMCTL" ipmi -U op -P oppw -L operator -H 127.26.8.1 \
    power status > "$OUT" 2> "$ERR"
rc=$?
if [ $r1 -eq 0 ] && [ "$o1" = "127.26.8.1: on" ] && [ $rc -eq 0 ] &&
    [ "$(cat "$OUT")" = "127.26.8.1: on" ]; then
	ok "opensesspriv: works as admin and as an operator, no workaround flag"
else diag "admin: $o1 ($r1)"; show; not_ok "opensesspriv"; fi
if nosess 35 35; then ok "opensesspriv: no session left"
else not_ok "opensesspriv: no session left"; fi

# -- the vendor table: Cisco's cap ---------------------------------------------
# 32 operations per round on one BMC (the host listed 32 times), vcm
# allowed 6 sessions: the generic BMC gets more than 2, the Cisco at most
# the table's 2, watched in bmcsim's session table while it runs.
hosts32() {
	_h=$1
	_k=1
	while [ $_k -lt 32 ]; do
		_h="$_h,$1"
		_k=$((_k + 1))
	done
	echo "$_h"
}
# peak IDX ARGS...: runs vcmctl ARGS in the background, samples the BMC's
# session count until it exits; the maximum in $peak, rc in $rc.
peak() {
	_ix=$1
	shift
	VCMCTL_DEBUG=1 timeout 30 "$VCMCTL" ipmi -U admin -E "$@" > "$OUT" 2> "$ERR" &
	_vp=$!
	atexit "kill $_vp 2>/dev/null"
	peak=0
	_i=0
	while kill -0 $_vp 2>/dev/null && [ $_i -lt 400 ]; do
		_m=$(simctl sessions "#$_ix" 2>/dev/null | grep -c .)
		[ "$_m" -gt "$peak" ] && peak=$_m
		sleep 0.02
		_i=$((_i + 1))
	done
	wait $_vp
	rc=$?
}
peak 37 -H "$(hosts32 127.26.10.1)" --sessions 6 --fanout 64 --repeat 5 power status
gpeak=$peak grc=$rc glines=$(grep -c ': on$' "$OUT")
peak 36 -H "$(hosts32 127.26.9.1)" --sessions 6 --fanout 64 --repeat 5 power status
clines=$(grep -c ': on$' "$OUT")
if [ $grc -eq 0 ] && [ "$glines" -eq 160 ] && [ "$gpeak" -gt 2 ] &&
    [ $rc -eq 0 ] && [ "$clines" -eq 160 ] && [ "$peak" -ge 1 ] &&
    [ "$peak" -le 2 ]; then
	ok "vendor table: Cisco IMC peaks at $peak sessions (table cap 2), generic at $gpeak (--sessions 6)"
else
	diag "generic: rc $grc, $glines lines, peak $gpeak; cisco: rc $rc, $clines lines, peak $peak"
	grep -v '^# round' "$ERR" | head -n 4 | sed 's/^/#   /'
	not_ok "vendor table caps a Cisco IMC at 2 sessions"
fi
if grep 'vendor_profile' "$ERR" | grep -q 'name=cisco-imc .*match=vendor .*manufacturer=5771 .*max_sessions=2'; then
	ok "vendor table: the log names the match: $(grep -o 'vendor_profile.*max_sessions=2' "$ERR" | head -n 1)"
else
	grep 'vendor_profile' "$ERR" | head -n 2 | sed 's/^/#   /'
	not_ok "vendor_profile logged for the Cisco IMC"
fi
if nosess 36 37; then ok "vendor table runs: no session left"
else not_ok "vendor table runs: no session left"; fi

if grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' \
    "$VERR" "$ERR" "$BMCSIM_DIR"/con*.out 2>/dev/null; then
	not_ok "vcmctl sanitizer-clean"
else
	ok "vcmctl sanitizer-clean"
fi
if bmcsim_stop; then ok "bmcsim stops cleanly"; else not_ok "bmcsim stops cleanly"; fi
exit $((tap_failed > 0))
