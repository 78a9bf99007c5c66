#!/bin/sh
# vcmd against hostile HTTP clients (issue 6): malformed JSON, huge
# bodies, deep nesting, wrong types, unknown fields, a slow-loris
# client, and 10,000 requests with bad keys over keep-alive connections.
# Each gets a clear error; vcmd does not crash and its memory stays
# flat (RSS measured after 2,000 and after 10,000 requests, with ASan's
# quarantine kept small so freed memory is reused as in a release
# build). No BMC is needed. Loopback only (127.0.0.1, a free port); the
# one process started here is stopped by its PID.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh

VCMD=$VCM_BUILD/bin/vcmd
PY=/usr/bin/python3

tap_plan 18

if ! [ -x "$VCMD" ] || ! command -v curl > /dev/null; then
	diag "missing: $VCMD or curl"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

work=$(mktemp -d "${TMPDIR:-/tmp}/vcm-vcmd-hostile.XXXXXX") || exit 1
atexit "rm -rf '$work'"
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
state=$work/state
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4 \
    "$VCMD" -o listen=127.0.0.1 -o port="$port" -o state_dir="$state" \
    -o engine_bind=127.0.0.1 > "$work/vcmd.out" 2> "$work/vcmd.log" &
VCMD_PID=$!
atexit "kill -KILL $VCMD_PID 2> /dev/null"
i=0
while [ $i -lt 100 ] && ! grep -q 'listening on' "$work/vcmd.out" 2> /dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q 'listening on' "$work/vcmd.out"; then ok "vcmd listens"; else
	not_ok "vcmd listens"
	sed 's/^/# /' "$work/vcmd.log" | tail -n 10
	exit 1
fi
cert=$state/tls/cert.pem
KEY=$(cat "$state/operator.key")
BASE=https://127.0.0.1:$port

# post BODY [PATH]: the status and the error code of a POST.
post() {
	curl -sS --max-time 15 --cacert "$cert" -X POST \
	    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	    --data-binary @- -w '\n%{http_code}\n' "$BASE${2:-/v1/sites}" > "$work/r" \
	    2> /dev/null <<EOF
$1
EOF
	code=$(tail -n 1 "$work/r")
	err=$(sed '$d' "$work/r" | $PY -c 'import json,sys; print(json.load(sys.stdin)["error"]["code"])' 2> /dev/null)
	echo "$code $err"
}
expect() {
	if [ "$1" = "$2" ]; then ok "$3 ($1)"; else not_ok "$3: got '$1', want '$2'"; fi
}

expect "$(post '{"name": "x"')" "400 bad_request" "truncated JSON"
expect "$(post '{"name": "x",}')" "400 bad_request" "trailing comma"
expect "$(post '[1,2,3]')" "400 bad_request" "an array, not an object"
expect "$(post '{"name": 5}')" "400 bad_request" "a number where a string belongs"
expect "$(post '{"name": "x", "admin": true}')" "400 bad_request" "an unknown field"
expect "$(post '{"name": "x", "name": "y"}')" "400 bad_request" "a duplicated field"
deep=$($PY -c 'print("{\"name\":" + "[" * 5000 + "]" * 5000 + "}")')
expect "$(post "$deep")" "400 bad_request" "5,000 levels of nesting"
expect "$(post "{\"name\":\"$($PY -c 'print("a" * 200)')\"}")" "400 bad_request" "an over-long name"
$PY -c 'print("{\"name\":\"" + "a" * (2 << 20) + "\"}")' > "$work/big.json"
code=$(curl -sS --max-time 15 --cacert "$cert" -X POST -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' --data-binary @"$work/big.json" \
    -o /dev/null -w '%{http_code}' "$BASE/v1/sites" 2> /dev/null)
expect "$code" 413 "a 2 MiB body"
code=$(curl -sS --max-time 15 --cacert "$cert" -X POST -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: text/plain' --data-binary 'name=x' \
    -o /dev/null -w '%{http_code}' "$BASE/v1/sites" 2> /dev/null)
expect "$code" 415 "a body that is not JSON"

# Slow loris: half a request line, then nothing.
secs=$($PY - "$port" "$cert" <<'EOF'
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2]); ctx.check_hostname = False
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
t = time.monotonic(); s.settimeout(30)
try:
    while s.recv(4096):
        pass
except (OSError, ssl.SSLError):
    pass
print(int(time.monotonic() - t))
EOF
)
check "a slow-loris client is dropped ($secs s)" [ -n "$secs" ] && [ "$secs" -le 13 ]

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$VCMD_PID/status"; }
out=$($PY tests/tools/http-flood.py --port "$port" --cacert "$cert" --n 2000)
rss1=$(rss)
diag "first 2,000: $out; RSS ${rss1} KiB"
out=$($PY tests/tools/http-flood.py --port "$port" --cacert "$cert" --n 8000)
rss2=$(rss)
diag "next 8,000: $out; RSS ${rss2} KiB"
check "10,000 bad keys get 401 or 429, nothing else ($out)" sh -c \
    "echo '$out' | grep -Eq '^statuses (401:[0-9]+ ?)?(429:[0-9]+)? connections'"
check "bad keys are rate-limited per source" sh -c "echo '$out' | grep -q '429:'"
grow=$((rss2 - rss1))
check "memory flat over 8,000 more requests (RSS +${grow} KiB)" [ "$grow" -lt 4096 ]
check "vcmd still answers" sh -c \
    "curl -sS --max-time 5 --cacert '$cert' '$BASE/v1/health' | grep -q ok"
kill -TERM "$VCMD_PID"
i=0
while kill -0 "$VCMD_PID" 2> /dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
wait "$VCMD_PID"
rc=$?
if [ $rc = 0 ] && ! grep -q 'Sanitizer\|runtime error' "$work/vcmd.log"; then
	ok "vcmd exits 0 with no sanitizer report"
else
	not_ok "vcmd exits 0 with no sanitizer report (exit $rc)"
	grep -A15 'Sanitizer\|runtime error' "$work/vcmd.log" | head -n 30 | sed 's/^/# /'
fi
