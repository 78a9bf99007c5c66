#!/bin/sh
# The engine's shared console (src/engine/console.c wired in engine.c)
# through `vcmctl ipmi sol activate` against bmcsim (issue 5): boot text
# after a power reset from a second vcmctl while the console is up (the
# console holds one session of the budget, operations use another);
# login and an echoed command, seen by bmcsim's serial-rx; injected
# output; ~B reaching the host as a break; a stale SOL taken over with
# the decision reported; a lying Deactivate reported at teardown; a dark
# BMC reported unreachable within 5 s and live again within 3 s of its
# return; a silent SOL drop on reboot reconnected by itself; and no
# session or SOL left behind. Loopback only, in 127.25.0.0/16
# (tests/README.md). Every process is started here and stopped by its
# PID (atexit), every client call is bounded by `timeout`.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

VCMCTL=$VCM_BUILD/bin/vcmctl

tap_plan 21

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

conf=$(mktemp "${TMPDIR:-/tmp}/vcm-engine-sol.XXXXXX") || exit 1
atexit "rm -f '$conf'"
cat > "$conf" <<'EOF2'
defaults user=admin:secret:admin
# #0: a plain BMC
group addrs=127.25.0.0/24 count=1
# #1: SOL outlives its session (iDRAC6); orphans time out after 3 s
group addrs=127.25.1.0/24 count=1 quirks=sol_stays_active session-timeout=3s
# #2: Deactivate answers OK and SOL stays active (H8QME)
group addrs=127.25.2.0/24 count=1 quirks=deactivate_lies
# #3: goes dark
group addrs=127.25.3.0/24 count=1
# #4: a reboot ends SOL silently (Intel SR1520ML)
group addrs=127.25.4.0/24 count=1 quirks=sol_drop_on_reboot
EOF2
if bmcsim_start_config "$conf" 5; then
	ok "bmcsim serves 5 BMCs (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves 5 BMCs"
	exit 1
fi
export IPMI_PASSWORD=secret
VERR=$BMCSIM_DIR/vcmctl.err

# sol N ADDR [ARGS]: the console of ADDR on console fd N.
sol() {
	_n=$1 _a=$2
	shift 2
	con_start "$_n" "$VCMCTL ipmi -H $_a -U admin -E $* sol activate 2>&1"
}

# power ADDR OP: a second vcmctl, its own engine and sessions.
power() {
	timeout 20 "$VCMCTL" ipmi -H "$1" -U admin -E power "$2" 2>> "$VERR"
}

ms() { echo $(($(date +%s%N) / 1000000)); }

# -- #0: boot text, login, echo, inject, break -----------------------------
sol 7 127.25.0.1
if con_wait 7 '\[vcm: SOL live\]' 10; then ok "console live on 127.25.0.1"
else con_out 7 | tail -n 5 | sed 's/^/#   /'; not_ok "console live"; fi

con_mark 7
p=$(power 127.25.0.1 reset)
if [ "$p" = "127.25.0.1: ok" ] && con_wait 7 'Booting from' 10 &&
    con_wait 7 'server-1 login:' 10; then
	ok "power reset from a second vcmctl: boot text on the console"
else
	diag "power: $p"
	con_since 7 | tail -n 5 | sed 's/^/#   /'
	not_ok "boot text after power reset"
fi

word="vcm-$$-$(date +%N)"
con_mark 7
con_send 7 'root\r'
con_wait 7 'Password:' 5
con_send 7 'x\r'
con_wait 7 'root@server-1' 5
con_mark 7
con_send 7 "echo $word\\r"
if con_wait 7 "^$word\$" 5; then ok "logged in; echoed command output seen"
else con_since 7 | tail -n 5 | sed 's/^/#   /'; not_ok "echoed command"; fi
rx=$(simctl serial-rx '#0')
case $rx in
*"echo $word\\r"*) ok "bmcsim serial-rx shows what was typed" ;;
*) diag "serial-rx: $rx"; not_ok "serial-rx shows the typed command" ;;
esac

con_mark 7
simctl inject '#0' "\\r\\ninjected-$word\\r\\n" > /dev/null
if con_wait 7 "injected-$word" 5; then ok "injected output arrives"
else not_ok "injected output arrives"; fi

con_mark 7
con_send 7 '\r~B'
if con_wait 7 'sysrq: HELP' 5; then ok "~B reaches the host as a break (SysRq)"
else con_since 7 | tail -n 3 | sed 's/^/#   /'; not_ok "~B break"; fi

con_mark 7
con_send 7 '\r~.'
if con_exited 7 10 && [ "$CON_RC" -eq 0 ] &&
    con_since 7 | grep -q 'ended: SOL deactivated (verified)'; then
	ok "~. ends: verified teardown, exit 0"
else
	diag "rc ${CON_RC:-?}"
	con_since 7 | tail -n 3 | sed 's/^/#   /'
	not_ok "~. ends cleanly"
fi

# -- #3 dark and #4 reboot drop, in parallel -------------------------------
sol 7 127.25.3.1
sol 8 127.25.4.1
con_wait 7 '\[vcm: SOL live\]' 10
if con_wait 8 '\[vcm: SOL live\]' 10; then :; fi
con_mark 7
con_mark 8
t0=$(ms)
simctl dark '127.25.3.1' 8s > /dev/null
p=$(power 127.25.4.1 reset)
con_wait 7 'BMC unreachable, retrying' 8
t1=$(ms)
if con_since 7 | grep -q 'BMC unreachable, retrying' &&
    [ $((t1 - t0)) -le 5000 ]; then
	ok "dark BMC: unreachable reported after $((t1 - t0)) ms (<= 5 s)"
else
	diag "$((t1 - t0)) ms"
	con_since 7 | tail -n 3 | sed 's/^/#   /'
	not_ok "dark BMC reported within 5 s"
fi
con_wait 7 '\[vcm: reconnected\]' 14
t2=$(ms)
if con_since 7 | grep -q '\[vcm: reconnected\]' &&
    [ $((t2 - t0)) -le 11000 ]; then
	ok "dark BMC back at 8 s: live again after $((t2 - t0)) ms (<= 8 + 3 s)"
else
	diag "$((t2 - t0)) ms"
	con_since 7 | tail -n 3 | sed 's/^/#   /'
	not_ok "live again within 3 s of the BMC's return"
fi
con_mark 7
simctl inject '#3' "after-dark-$word\\r\\n" > /dev/null
if con_wait 7 "after-dark-$word" 5; then ok "output flows after the dark spell"
else not_ok "output after the dark spell"; fi

if [ "$p" = "127.25.4.1: ok" ] && con_wait 8 '\[vcm: reconnected\]' 16; then
	ok "sol_drop_on_reboot: reset, the console reconnects by itself ($(($(ms) - t0)) ms)"
else
	diag "power: $p"
	con_since 8 | tail -n 4 | sed 's/^/#   /'
	not_ok "reconnect after a silent SOL drop"
fi
con_mark 8
simctl inject '#4' "after-reboot-$word\\r\\n" > /dev/null
if con_wait 8 "after-reboot-$word" 5; then ok "output flows after the reconnect"
else not_ok "output after the reconnect"; fi
con_send 7 '\r~.'
con_send 8 '\r~.'
con_exited 7 10
r7=${CON_RC:-x}
con_exited 8 10
r8=${CON_RC:-x}
if [ "$r7" = 0 ] && [ "$r8" = 0 ]; then ok "both end with ~. and exit 0"
else diag "rc $r7 $r8"; not_ok "both end cleanly"; fi

# -- #1: a stale SOL, left by a client killed without ~. ------------------
timeout -s KILL 3 "$VCMCTL" ipmi -H 127.25.1.1 -U admin -E --sol-seconds 60 \
    sol activate < /dev/null > /dev/null 2>&1
sleep 4		# the killed client's session times out (3 s); SOL stays
l=$(simctl list '#1')
sol 7 127.25.1.1
if con_wait 7 '\[vcm: SOL live\]' 10 &&
    con_out 7 | grep -q 'stale SOL active on another session: taking it over'; then
	ok "stale SOL ($l) taken over, decision reported"
else
	diag "before: $l"
	con_out 7 | tail -n 4 | sed 's/^/#   /'
	not_ok "stale SOL taken over"
fi
con_mark 7
con_send 7 '\r~.'
if con_exited 7 10 && [ "$CON_RC" -eq 0 ]; then ok "stale SOL console ends cleanly"
else not_ok "stale SOL console ends cleanly"; fi

# -- #2: Deactivate lies -----------------------------------------------------
sol 7 127.25.2.1
con_wait 7 '\[vcm: SOL live\]' 10
con_mark 7
con_send 7 '\r~.'
if con_exited 7 15 && [ "$CON_RC" -ne 0 ] &&
    con_since 7 | grep -q 'teardown NOT verified.*deactivate lies'; then
	ok "deactivate_lies: teardown reports the lie (exit $CON_RC)"
else
	diag "rc ${CON_RC:-?}"
	con_since 7 | tail -n 3 | sed 's/^/#   /'
	not_ok "deactivate_lies reported"
fi

# -- nothing leaked -----------------------------------------------------------
sleep 0.5
simctl list all > "$BMCSIM_DIR/list"
# #2's SOL may stay active: that is the lie just reported, not a leak of
# ours; its session must be gone all the same.
if awk '{ split($5, a, "[=/]"); if (a[2] != 0) bad++
    if ($1 != 2 && $4 != "sol=inactive") bad++ }
    END { exit bad > 0 }' "$BMCSIM_DIR/list"; then
	ok "after vcmctl exits: sessions=0 everywhere, sol=inactive (but the liar)"
else
	sed 's/^/#   /' "$BMCSIM_DIR/list"
	not_ok "nothing leaked"
fi
if grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' \
    "$BMCSIM_DIR"/con*.out "$VERR" 2>/dev/null; then
	not_ok "vcmctl sanitizer-clean"
else
	ok "vcmctl sanitizer-clean"
fi
if bmcsim_stop; then ok "bmcsim stops cleanly"; else not_ok "bmcsim stops cleanly"; fi
exit $((tap_failed > 0))
