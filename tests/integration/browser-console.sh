#!/bin/sh
# The browser console end to end (issue 7): Debian's chromium, headless,
# driven by playwright-core (tests/browser/, pinned in its package-lock),
# against the real vcmd serving the built console page (build/web) and
# bmcsim:
#
#	tests/browser/console.test.mjs	open the console URL, boot text,
#		typing and echo, power buttons with confirmation, a second
#		viewer read-only with the backlog, take over, a silent SOL
#		drop survived, expiry closing the page on time, a screenshot
#		(build/test-logs/console.png);
#	tests/browser/hostile.test.mjs	hostile WebSocket input: bad,
#		huge and garbage frames, wrong and reused tickets, a wrong
#		Origin (from the browser too): each a clean close, and vcmd
#		keeps serving;
#	scripts/demo (the `make demo` smoke test)	with DEMO_SECONDS in
#		a directory of its own: it prints a console URL that shows
#		the boot in chromium (tests/browser/demo-open.mjs), refuses a
#		second demo, and stops by itself, exit 0, leaving no process.
#
# The page must have been built (scripts/build-web): without
# build/web/index.html this fails, it does not skip. Loopback only:
# bmcsim on 127.36.0.0/16 (tests/README.md), the demo's on 127.37.0.0/16
# (so a demo a developer runs meanwhile makes the demo checks fail),
# vcmd on 127.0.0.1 at a free port. Every process is started here and stopped by its PID (atexit);
# the node programs bound themselves in time and close their browser.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

VCMD=$VCM_BUILD/bin/vcmd
PY=/usr/bin/python3
# VCM_WEB_DIR: another built page (development only).
WEB=${VCM_WEB_DIR:-$root/build/web}
TB=tests/browser
CHROMIUM=${VCM_CHROMIUM:-/usr/bin/chromium}
LOGS=${VCM_TEST_ARTEFACTS:-build/test-logs}
# A password that cannot occur by chance in any output.
PW='Br0wser-e2e-Pw'

# The plan: 4 checks here before the node programs, theirs, 3 after,
# 4 for the demo.
n_console=$(node "$TB/console.test.mjs" --count 2> /dev/null || echo 27)
n_hostile=$(node "$TB/hostile.test.mjs" --count 2> /dev/null || echo 20)
tap_plan $((4 + n_console + n_hostile + 3 + 4))

missing=
for t in node npm curl timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
[ -x "$CHROMIUM" ] || missing="$missing $CHROMIUM (apt-get install chromium)"
bmcsim_have || missing="$missing $BMCSIM_BIN"
[ -x "$VCMD" ] || missing="$missing $VCMD"
[ -f "$WEB/index.html" ] || missing="$missing $WEB/index.html (run scripts/build-web)"
if [ -n "$missing" ]; then
	diag "missing:$missing"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present (node $(node --version), $("$CHROMIUM" --version 2> /dev/null | head -n 1))"

# playwright-core from the lock file, installed once: npm ci (a clean
# install) only when node_modules is missing or was installed from
# another lock (a copy of the lock it came from is kept beside it).
stamp=$TB/node_modules/.vcm-installed-lock.json
if ! cmp -s "$TB/package-lock.json" "$stamp"; then
	if (cd "$TB" && timeout 300 npm ci --ignore-scripts --no-audit \
	    --no-fund > npm-ci.log 2>&1) && cp "$TB/package-lock.json" "$stamp"; then
		ok "npm ci in $TB"
	else
		sed 's/^/# /' "$TB/npm-ci.log" | tail -n 15
		not_ok "npm ci in $TB"
		exit 1
	fi
	rm -f "$TB/npm-ci.log"
else
	ok "playwright-core already installed in $TB"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vcm-browser.XXXXXX") || exit 1
atexit "rm -rf '$work'"
# After a failure vcmd's log is kept beside the screenshots.
node_failed=0
atexit "[ \$tap_failed\$node_failed = 00 ] || cp '$work/vcmd.log' '$LOGS/browser-console-vcmd.log'"
cat > "$work/fleet.conf" <<EOF
defaults user=admin:$PW:admin
# web1: boot, login, echo, power, viewers
group addrs=127.36.0.0/24 count=1 vendor=dell
# legacy1: a reboot ends SOL silently (Intel SR1520ML)
group addrs=127.36.1.0/24 count=1 vendor=intel quirks=sol_drop_on_reboot
# short1: a grant that expires while its page is open
group addrs=127.36.2.0/24 count=1 vendor=supermicro
# hostile: tickets for the hostile WebSocket clients
group addrs=127.36.3.0/24 count=1
EOF
if bmcsim_start_config "$work/fleet.conf" 4; then
	ok "bmcsim serves 4 BMCs (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves 4 BMCs"
	exit 1
fi

port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
state=$work/state
"$VCMD" -o listen=127.0.0.1 -o port="$port" -o state_dir="$state" \
    -o engine_bind=127.0.0.1 -o static_dir="$WEB" \
    -o console_linger_ms=300 -o session_idle_ms=1000 \
    -o log_level=debug > "$work/vcmd.out" 2> "$work/vcmd.log" &
VCMD_PID=$!
vcmd_kill() {
	[ -n "$VCMD_PID" ] || return 0
	kill -KILL "$VCMD_PID" 2> /dev/null
	wait "$VCMD_PID" 2> /dev/null
	VCMD_PID=
}
atexit vcmd_kill
i=0
while [ $i -lt 150 ] && ! grep -q 'listening on' "$work/vcmd.out" 2> /dev/null; do
	kill -0 "$VCMD_PID" 2> /dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if grep -q 'listening on' "$work/vcmd.out"; then
	ok "vcmd listens on 127.0.0.1:$port (pid $VCMD_PID)"
else
	not_ok "vcmd listens"
	tail -n 15 "$work/vcmd.log" | sed 's/^/# /'
	exit 1
fi

export VCM_BASE="https://127.0.0.1:$port"
export VCM_CERT="$state/tls/cert.pem"
VCM_OPKEY=$(cat "$state/operator.key")
export VCM_OPKEY
export VCM_SIMCTL="$BMCSIM_SOCK"
export VCM_BMC_PW="$PW"
export VCM_CHROMIUM="$CHROMIUM"
export VCM_SCREENSHOT="$LOGS/console.png"
mkdir -p "$LOGS"

# The node programs print their TAP lines, numbered on from here; the
# shell's timeout is the last bound (each also stops itself).
TAP_FIRST=$((tap_n + 1)) timeout -k 5 300 node "$TB/console.test.mjs" ||
    node_failed=1
tap_n=$((tap_n + n_console))
TAP_FIRST=$((tap_n + 1)) timeout -k 5 180 node "$TB/hostile.test.mjs" ||
    node_failed=1
tap_n=$((tap_n + n_hostile))

check "vcmd is still running after the browser and hostile clients" \
    kill -0 "$VCMD_PID"
kill -TERM "$VCMD_PID" 2> /dev/null
i=0
while kill -0 "$VCMD_PID" 2> /dev/null && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$VCMD_PID" 2> /dev/null; then
	not_ok "vcmd stops on SIGTERM within 15 s"
else
	wait "$VCMD_PID"
	rc=$?
	VCMD_PID=
	check "vcmd stops cleanly on SIGTERM (exit $rc)" [ "$rc" = 0 ]
fi
if grep -q 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer' "$work/vcmd.log"; then
	not_ok "no sanitizer report from vcmd"
	grep -A20 'Sanitizer\|runtime error' "$work/vcmd.log" | head -n 40 | sed 's/^/# /'
else
	ok "no sanitizer report from vcmd"
fi

# ---- scripts/demo, as `make demo` runs it, stopping by itself ----------------
demo=$work/demo
dport=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DEMO_DIR=$demo DEMO_PORT=$dport DEMO_SECONDS=25 VCM_BUILD=$VCM_BUILD \
    timeout -k 5 90 scripts/demo > "$work/demo.out" 2>&1 &
DEMO_PID=$!
atexit "kill -TERM $DEMO_PID 2> /dev/null; wait $DEMO_PID 2> /dev/null"
i=0
while [ $i -lt 300 ] && ! grep -q '^  console of web1:' "$work/demo.out"; do
	kill -0 "$DEMO_PID" 2> /dev/null || break
	sleep 0.1
	i=$((i + 1))
done
durl=$(sed -n 's/^  console of web1: *//p' "$work/demo.out")
dkids=$(awk '{print $2}' "$demo/children" 2> /dev/null | tr '\n' ' ')
case $durl in
https://127.0.0.1:$dport/console/\#ticket=vcmt_*)
	ok "scripts/demo prints a console URL, the keys and the certificate (pids $dkids)" ;;
*)
	not_ok "scripts/demo prints a console URL"
	sed 's/^/# /' "$work/demo.out" | tail -n 15 ;;
esac
out=$(DEMO_DIR=$demo timeout 20 scripts/demo 2>&1)
rc=$?
dpid=$(cat "$demo/demo.pid" 2> /dev/null)
check "a second demo is refused: exit $rc, \"$out\"" sh -c \
    "[ $rc = 1 ] && [ -n '$dpid' ] && echo '$out' | grep -q 'already running (pid $dpid)'"
if res=$(timeout -k 5 80 node "$TB/demo-open.mjs" "$durl" "$LOGS/demo.png"); then
	ok "the demo's console URL shows the boot in chromium: $res"
else
	not_ok "the demo's console URL shows the boot in chromium: $res"
fi
wait "$DEMO_PID"
rc=$?
left=
for p in $dkids; do
	kill -0 "$p" 2> /dev/null && left="$left $p"
done
check "the demo stops by itself (DEMO_SECONDS) with exit $rc, no process left${left:+:$left}" \
    sh -c "[ $rc = 0 ] && [ -z '$left' ] && [ -n '$dkids' ] && [ ! -e '$demo/demo.pid' ]"
if [ "$rc" != 0 ] || [ -n "$left" ]; then
	sed 's/^/# /' "$work/demo.out" | tail -n 10
fi
