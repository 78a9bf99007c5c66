#!/bin/sh
# Console opening time in the browser (issue 7): navigation start to the
# first console byte drawn, 20 openings (BENCH_OPENINGS) per series, in
# one already running headless chromium (Debian's) with a new page in a
# fresh context each time; beside it the same measure for a static page
# with xterm.js alone. Target: p95 < 1 s. What is measured and how:
# bench/console-open.mjs.
#
# Release build ($VCM_BUILD, default build/rel) and the built page
# (build/web, scripts/build-web). vcmd serves a copy of build/web plus
# the xterm.js-only page (xterm-only.html), so both pages come from the
# same server over the same TLS. bmcsim serves one BMC on 127.38.0.1
# (the range of this benchmark, tests/README.md) whose host prints stamp
# lines without pause (output=2000 bytes/s, a line every 12 ms), so a
# live SOL brings bytes at once. vcmd closes idle sessions at once and
# lets SOL go 1 ms after the last viewer, so every "cold" opening
# logs in and activates SOL. Loopback only; vcmd and bmcsim are stopped
# by their PIDs on exit; everything runs under timeout.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
B=${VCM_BUILD:-build/rel}
CHROMIUM=${VCM_CHROMIUM:-/usr/bin/chromium}
TB=tests/browser
BMC=127.38.0.1
PW=bench-pw-$$

die() {
	echo "bench/console-open.sh: $*" >&2
	exit 1
}

for p in "$B/bin/vcmd" "$B/bin/bmcsim" "$CHROMIUM"; do
	[ -x "$p" ] || die "$p missing (make SANITIZE=0 all; apt-get install chromium)"
done
[ -f build/web/index.html ] || die "build/web/index.html missing (scripts/build-web)"
[ -f build/web/xterm.js ] && [ -f build/web/xterm.css ] ||
    die "build/web has no xterm.js/xterm.css (scripts/build-web)"
command -v node > /dev/null || die "node missing"
# playwright-core, as tests/integration/browser-console.sh installs it.
stamp=$TB/node_modules/.vcm-installed-lock.json
if ! cmp -s "$TB/package-lock.json" "$stamp"; then
	(cd "$TB" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund \
	    > /dev/null) && cp "$TB/package-lock.json" "$stamp" ||
	    die "npm ci in $TB failed"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-console-open.XXXXXX")
SIM_PID=
VCMD_PID=
stop() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2> /dev/null || true
	i=0
	while kill -0 "$1" 2> /dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2> /dev/null || true
	wait "$1" 2> /dev/null || true
}
cleanup() {
	stop "$VCMD_PID"
	stop "$SIM_PID"
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The page under test, and xterm.js alone beside it.
mkdir -p "$dir/web"
cp -R build/web/. "$dir/web/"
cat > "$dir/web/xterm-only.html" <<'EOF'
<!doctype html>
<html><head><meta charset="utf-8"><title>xterm.js alone</title>
<link rel="stylesheet" href="xterm.css"><script src="xterm.js"></script></head>
<body><div id="terminal"></div><script>
// The same work as the console page's first byte: a terminal of 80x25
// opened, one write, its callback.
window.firstByteAt = null;
const term = new Terminal({ cols: 80, rows: 25 });
term.open(document.getElementById('terminal'));
term.write('vcm\r\n', () => { window.firstByteAt = performance.now(); });
</script></body></html>
EOF

cat > "$dir/fleet.conf" <<EOF
defaults user=admin:$PW:admin
group addrs=127.38.0.0/24 count=1 stamp=on output=2000
EOF
timeout 900 "$B/bin/bmcsim" --config "$dir/fleet.conf" --control "$dir/ctl.sock" \
    > "$dir/bmcsim.out" 2> "$dir/bmcsim.log" &
SIM_PID=$!
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 900 "$B/bin/vcmd" -o listen=127.0.0.1 -o port="$port" \
    -o state_dir="$dir/state" -o engine_bind=127.0.0.1 \
    -o static_dir="$dir/web" -o console_linger_ms=1 -o session_idle_ms=0 \
    -o api_rate=1000 -o api_burst=1000 \
    > "$dir/vcmd.out" 2> "$dir/vcmd.log" &
VCMD_PID=$!
i=0
until grep -qx 'ready 1' "$dir/bmcsim.out" 2> /dev/null &&
    grep -q 'listening on' "$dir/vcmd.out" 2> /dev/null; do
	[ $i -lt 150 ] || { tail -n 5 "$dir/vcmd.log" "$dir/bmcsim.log" >&2; die "vcmd or bmcsim did not start"; }
	sleep 0.1
	i=$((i + 1))
done

echo "== console opening in the browser: $B/bin/vcmd, $(node --version), $("$CHROMIUM" --version 2> /dev/null | head -n 1)"
VCM_BASE="https://127.0.0.1:$port" VCM_CERT="$dir/state/tls/cert.pem" \
    VCM_OPKEY=$(cat "$dir/state/operator.key") VCM_SIMCTL="$dir/ctl.sock" \
    VCM_BMC_PW="$PW" VCM_BENCH_BMC="$BMC" VCM_CHROMIUM="$CHROMIUM" \
    timeout -k 5 660 node bench/console-open.mjs
