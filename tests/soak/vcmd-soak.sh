#!/bin/sh
# The soak test (issue 6; `make soak`, not part of `make check`):
# 10,000 grant cycles against vcmd and 50 bmcsim BMCs, with consoles
# that run to expiry, are revoked, or whose clients are killed abruptly
# (tests/tools/vcmd-soak.py). Afterwards bmcsim must show 0 sessions and
# no SOL active, and the audit log must be consistent: every grant
# ended exactly once, every console that opened closed, every console
# teardown verified. Loopback only: bmcsim on 127.33.0.0/16, vcmd on
# 127.0.0.1. Cycles: SOAK_CYCLES (default 10000).

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

VCMD=$VCM_BUILD/bin/vcmd
PY=/usr/bin/python3
CYCLES=${SOAK_CYCLES:-10000}
PW='Soak-Pw-77q'
NB=50

tap_plan 8

work=$(mktemp -d "${TMPDIR:-/tmp}/vcm-soak.XXXXXX") || exit 1
atexit "rm -rf '$work'"
cat > "$work/fleet.conf" <<EOF2
defaults user=admin:$PW:admin
group addrs=127.33.0.0/24 count=$NB
EOF2
bmcsim_start_config "$work/fleet.conf" $NB || { not_ok "bmcsim"; exit 1; }
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
state=$work/state
"$VCMD" -o listen=127.0.0.1 -o port="$port" -o state_dir="$state" \
    -o engine_bind=127.0.0.1 -o console_linger_ms=300 -o session_idle_ms=1000 \
    -o api_rate=5000 -o api_burst=10000 > "$work/vcmd.out" 2> "$work/vcmd.log" &
VCMD_PID=$!
atexit "kill -KILL $VCMD_PID 2> /dev/null"
i=0
while [ $i -lt 100 ] && ! grep -q 'listening on' "$work/vcmd.out" 2> /dev/null; do
	sleep 0.1; i=$((i + 1))
done
grep -q 'listening on' "$work/vcmd.out" && ok "vcmd listens" || { not_ok "vcmd listens"; exit 1; }
cert=$state/tls/cert.pem
KEY=$(cat "$state/operator.key")
BASE=https://127.0.0.1:$port
api() {
	curl -sS --max-time 15 --cacert "$cert" -X "$1" -H "Authorization: Bearer $KEY" \
	    -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$BASE$2"
}
id() { $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
tenant=$(api POST /v1/tenants '{"name":"soak"}' | id)
servers=
n=1
while [ $n -le $NB ]; do
	b=$(api POST /v1/bmcs "{\"name\":\"b$n\",\"address\":\"127.33.0.$n\",\"user\":\"admin\",\"password\":\"$PW\"}" | id)
	s=$(api POST /v1/servers "{\"tenant_id\":$tenant,\"bmc_id\":$b,\"name\":\"s$n\"}" | id)
	servers="$servers${servers:+,}$s"
	n=$((n + 1))
done
ok "50 servers on 50 BMCs"
start=$(date +%s)
out=$($PY tests/tools/vcmd-soak.py --base "$BASE" --ws "wss://127.0.0.1:$port/v1/console/ws" \
    --cacert "$cert" --key "$KEY" --servers "$servers" --cycles "$CYCLES" \
    --workers 50 --secs 4000)
diag "$out ($(( $(date +%s) - start )) s)"
cyc=$(echo "$out" | tr ' ' '\n' | sed -n 's/^cycles=//p')
check "$CYCLES cycles ran ($cyc)" [ "${cyc:-0}" -ge "$CYCLES" ]
# Quiet: lingers and idle sessions end, then look at every BMC.
sleep 5
left=$(simctl list all | grep -v 'sessions=0/' ; simctl list all | grep -v 'sol=inactive')
check "bmcsim: 0 sessions and no SOL left on $NB BMCs${left:+: $left}" [ -z "$left" ]
$PY - "$BASE" "$cert" "$KEY" > "$work/audit.txt" <<'EOF2'
import collections, json, ssl, sys, urllib.request
base, cafile, key = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=cafile); ctx.check_hostname = False
cur, ev = "", []
while True:
    req = urllib.request.Request(base + "/v1/audit?limit=1000" + ("&cursor=" + cur if cur else ""),
                                 headers={"Authorization": "Bearer " + key})
    d = json.load(urllib.request.urlopen(req, context=ctx))
    ev += d["items"]
    if not d["next_cursor"]:
        break
    cur = d["next_cursor"]
created = {e["grant_id"] for e in ev if e["action"] == "grant.create"}
ended = collections.Counter(e["grant_id"] for e in ev if e["action"] in ("grant.expired", "grant.revoked"))
opened = collections.Counter(e["grant_id"] for e in ev if e["action"] == "console.open")
closed = collections.Counter(e["grant_id"] for e in ev if e["action"] == "console.close")
td = collections.Counter(e["outcome"] for e in ev if e["action"] == "console.teardown")
bad_end = [g for g in created if ended[g] != 1]
bad_conn = [g for g in opened if opened[g] != closed[g]]
print("events", len(ev), "grants", len(created), "bad_end", len(bad_end), bad_end[:5],
      "bad_conn", len(bad_conn), bad_conn[:5], "teardowns", dict(td))
EOF2
diag "$(cat "$work/audit.txt")"
check "every grant ended exactly once in the audit log" grep -q 'bad_end 0 ' "$work/audit.txt"
check "every console that opened was closed in the audit log" grep -q 'bad_conn 0 ' "$work/audit.txt"
check "every console teardown was verified" sh -c \
    "! grep -q 'error:' '$work/audit.txt'"
kill -TERM "$VCMD_PID"; i=0
while kill -0 "$VCMD_PID" 2> /dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
wait "$VCMD_PID"
rc=$?
if [ $rc = 0 ] && ! grep -q 'Sanitizer\|runtime error' "$work/vcmd.log"; then
	ok "vcmd exits 0 with no sanitizer report"
else
	not_ok "vcmd exits 0 with no sanitizer report (exit $rc)"
	grep -A15 'Sanitizer\|runtime error' "$work/vcmd.log" | head -n 30 | sed 's/^/# /'
fi
