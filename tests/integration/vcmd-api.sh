#!/bin/sh
# vcmd end to end (issue 6): the real daemon over HTTPS, driven by curl
# and a WebSocket console client (tests/tools/vcm-console.py, Debian's
# python3-websockets), against bmcsim.
#
#	- tenant isolation on every endpoint a tenant key can reach;
#	- expired, revoked, not-yet-valid and wrong-source grants refused;
#	- at expiry an open console closes within 1 s, and bmcsim then
#	  shows SOL deactivated and no session left;
#	- revocation likewise; extension keeps the connection;
#	- the BMC password never appears in a response or a log line;
#	- restart: grants survive, one that expired while vcmd was down
#	  is ended and audited.
#
# Loopback only: bmcsim on 127.32.0.0/16 (tests/README.md), vcmd on
# 127.0.0.1 with a free port. Every process is started here and stopped
# by its PID (atexit); every client call is bounded by a timeout.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh
. tests/lib/vcmd.sh

VCMD=$VCM_BUILD/bin/vcmd
PY=/usr/bin/python3
CONSOLE="$PY tests/tools/vcm-console.py"
# A password that cannot occur by chance in any output.
PW='Zq7-vcm-Pw-k3y'

tap_plan 52

missing=
for t in curl timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
$PY -c 'import websockets' 2> /dev/null || missing="$missing python3-websockets"
bmcsim_have || missing="$missing $BMCSIM_BIN"
[ -x "$VCMD" ] || missing="$missing $VCMD"
if [ -n "$missing" ]; then
	diag "missing:$missing"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

work=$(mktemp -d "${TMPDIR:-/tmp}/vcm-vcmd-api.XXXXXX") || exit 1
atexit "rm -rf '$work'"
cat > "$work/fleet.conf" <<EOF
defaults user=admin:$PW:admin
group addrs=127.32.0.0/24 count=3
EOF
if bmcsim_start_config "$work/fleet.conf" 3; then
	ok "bmcsim serves 3 BMCs"
else
	not_ok "bmcsim serves 3 BMCs"
	exit 1
fi

port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
state=$work/state
atexit 'vcmd_stop'

if vcmd_start; then
	ok "vcmd starts and listens (pid $VCMD_PID)"
else
	not_ok "vcmd starts and listens"
	cat "$work/vcmd.out" "$work/vcmd.log" | sed 's/^/# /' | tail -20
	exit 1
fi
keyfile=$(sed -n 's/^vcmd: operator API key written to //p' "$work/vcmd.out")
cert=$state/tls/cert.pem
perm=$(stat -c %a "$keyfile" 2> /dev/null)
check "first start writes the operator key to a 0600 file ($perm)" \
    [ "$perm" = 600 ]
OPKEY=$(cat "$keyfile")
BASE=https://127.0.0.1:$port

# api KEY METHOD PATH [BODY]: prints the body, then the status on the
# last line; every response is also kept for the credential grep.
api() {
	_k=$1 _m=$2 _p=$3
	shift 3
	if [ $# -gt 0 ]; then
		curl -sS --max-time 15 --cacert "$cert" -X "$_m" \
		    -H "Authorization: Bearer $_k" \
		    -H 'Content-Type: application/json' --data-binary "$1" \
		    -w '\n%{http_code}\n' "$BASE$_p"
	else
		curl -sS --max-time 15 --cacert "$cert" -X "$_m" \
		    -H "Authorization: Bearer $_k" \
		    -w '\n%{http_code}\n' "$BASE$_p"
	fi | tee -a "$work/responses"
}
# expect STATUS DESC KEY METHOD PATH [BODY]
expect() {
	_want=$1 _desc=$2
	shift 2
	_got=$(api "$@" | status)
	if [ "$_got" = "$_want" ]; then ok "$_desc ($_got)"; else
		not_ok "$_desc: got $_got, want $_want"; fi
}

# ---- inventory ------------------------------------------------------------
site=$(api "$OPKEY" POST /v1/sites '{"name":"fra1"}' | body | jget '["id"]')
pool=$(api "$OPKEY" POST /v1/pools "{\"site_id\":$site,\"name\":\"bmc-net\",\"cidr\":\"127.32.0.0/16\"}" | body | jget '["id"]')
ta=$(api "$OPKEY" POST /v1/tenants '{"name":"alice"}' | body | jget '["id"]')
tb=$(api "$OPKEY" POST /v1/tenants '{"name":"bob"}' | body | jget '["id"]')
bmc_ids=
for n in 1 2 3; do
	id=$(api "$OPKEY" POST /v1/bmcs "{\"name\":\"bmc$n\",\"address\":\"127.32.0.$n\",\"user\":\"admin\",\"password\":\"$PW\",\"site_id\":$site,\"pool_id\":$pool}" | body | jget '["id"]')
	bmc_ids="$bmc_ids $id"
done
set -- $bmc_ids
b1=$1 b2=$2 b3=$3
sa=$(api "$OPKEY" POST /v1/servers "{\"tenant_id\":$ta,\"bmc_id\":$b1,\"name\":\"web1\"}" | body | jget '["id"]')
sa2=$(api "$OPKEY" POST /v1/servers "{\"tenant_id\":$ta,\"bmc_id\":$b3,\"name\":\"db1\"}" | body | jget '["id"]')
sb=$(api "$OPKEY" POST /v1/servers "{\"tenant_id\":$tb,\"bmc_id\":$b2,\"name\":\"mail1\"}" | body | jget '["id"]')
KA=$(api "$OPKEY" POST /v1/keys "{\"name\":\"panel-a\",\"tenant_id\":$ta}" | body | jget '["token"]')
KB=$(api "$OPKEY" POST /v1/keys "{\"name\":\"panel-b\",\"tenant_id\":$tb}" | body | jget '["token"]')
if [ -n "$sa" ] && [ -n "$sb" ] && [ -n "$KA" ] && [ -n "$KB" ]; then
	ok "operator creates site, pool, tenants, BMCs, servers, tenant keys"
else
	not_ok "inventory created (site=$site pool=$pool sa=$sa sb=$sb)"
	tail -n 20 "$work/responses" | sed 's/^/# /'
	exit 1
fi
expect 401 "no key" "" GET /v1/servers
expect 401 "malformed key" "vcmk_nope" GET /v1/servers
expect 401 "well-formed unknown key" "vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" GET /v1/servers

# ---- tenant isolation ------------------------------------------------------
ga_json=$(api "$KA" POST /v1/grants "{\"server_id\":$sa,\"expires_in\":600}" | body)
ga=$(echo "$ga_json" | jget '["id"]')
GA_TOK=$(echo "$ga_json" | jget '["token"]')
gb=$(api "$KB" POST /v1/grants "{\"server_id\":$sb,\"expires_in\":600}" | body | jget '["id"]')
check "tenant keys create grants for their own servers" [ -n "$ga" ] && [ -n "$gb" ]
lst=$(api "$KB" GET /v1/servers | body | jx '[s["id"] for s in d["items"]]')
check "bob lists only his server ($lst)" [ "$lst" = "[$sb]" ]
iso_fail=
for req in "GET /v1/servers/$sa" "POST /v1/servers/$sa/power {\"action\":\"status\"}" \
    "POST /v1/grants {\"server_id\":$sa}" "GET /v1/grants/$ga" \
    "POST /v1/grants/$ga/extend {\"expires_in\":60}" "POST /v1/grants/$ga/revoke" \
    "DELETE /v1/grants/$ga" "POST /v1/grants/$ga/console" \
    "POST /v1/grants/$ga/power {\"action\":\"status\"}"; do
	set -- $req
	got=$(api "$KB" "$@" | status)
	[ "$got" = 404 ] || iso_fail="$iso_fail [$req -> $got]"
done
check "bob gets 404 for every one of alice's objects$iso_fail" [ -z "$iso_fail" ]
op_fail=
for req in "GET /v1/bmcs" "GET /v1/bmcs/$b1" "POST /v1/sites {\"name\":\"x\"}" \
    "GET /v1/tenants" "GET /v1/keys" "POST /v1/keys {\"name\":\"x\"}" \
    "POST /v1/servers {\"tenant_id\":$tb,\"bmc_id\":$b1,\"name\":\"x\"}" \
    "DELETE /v1/servers/$sb" "GET /metrics" "POST /v1/vault/rotate"; do
	set -- $req
	got=$(api "$KB" "$@" | status)
	[ "$got" = 403 ] || op_fail="$op_fail [$req -> $got]"
done
check "tenant keys get 403 on operator endpoints$op_fail" [ -z "$op_fail" ]
gl=$(api "$KB" GET /v1/grants | body | jx '[g["id"] for g in d["items"]]')
check "bob lists only his grants ($gl)" [ "$gl" = "[$gb]" ]
at=$(api "$KB" GET /v1/audit | body | jx 'sorted(set(a["tenant_id"] for a in d["items"]))')
check "bob's audit events are all his ($at)" [ "$at" = "[$tb]" ]
expect 401 "alice's grant token does not open bob's grant" "$GA_TOK" POST "/v1/grants/$gb/console"
expect 401 "a grant token is not an API key" "$GA_TOK" GET /v1/servers
expect 201 "alice's grant token opens her console URL" "$GA_TOK" POST "/v1/grants/$ga/console"
pw_out=$(api "$GA_TOK" POST "/v1/grants/$ga/power" '{"action":"status"}')
check "power status through the grant token ($(echo "$pw_out" | tr '\n' ' '))" \
    [ "$(echo "$pw_out" | status)" = 200 ]

# ---- grants that must be refused -----------------------------------------------
gx=$(api "$KA" POST /v1/grants "{\"server_id\":$sa2,\"expires_in\":1}" | body | jget '["id"]')
gr=$(api "$KA" POST /v1/grants "{\"server_id\":$sa2,\"expires_in\":600}" | body | jget '["id"]')
nb=$($PY -c 'import datetime; print((datetime.datetime.utcnow()+datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
gp=$(api "$KA" POST /v1/grants "{\"server_id\":$sa2,\"not_before\":\"$nb\",\"expires_in\":600}" | body | jget '["id"]')
gs=$(api "$KA" POST /v1/grants "{\"server_id\":$sa2,\"expires_in\":600,\"sources\":[\"192.0.2.0/24\"]}" | body | jget '["id"]')
expect 200 "revoke a grant" "$KA" POST "/v1/grants/$gr/revoke"
sleep 1.5
expect 410 "an expired grant is refused" "$KA" POST "/v1/grants/$gx/console"
expect 410 "a revoked grant is refused" "$KA" POST "/v1/grants/$gr/console"
expect 403 "a not-yet-valid grant is refused" "$KA" POST "/v1/grants/$gp/console"
expect 403 "a grant from the wrong source network is refused" "$KA" POST "/v1/grants/$gs/console"
expect 410 "an expired grant cannot be extended" "$KA" POST "/v1/grants/$gx/extend" '{"expires_in":60}'
expect 400 "a grant longer than the maximum is refused" "$KA" POST /v1/grants "{\"server_id\":$sa2,\"expires_in\":100000}"

# ---- a console at expiry -------------------------------------------------------
# An expiry on a whole second, so the printed time is the exact one.
at=$($PY -c 'import datetime, math, time; print(datetime.datetime.utcfromtimestamp(math.ceil(time.time()) + 6).strftime("%Y-%m-%dT%H:%M:%SZ"))')
g1_json=$(api "$KA" POST /v1/grants "{\"server_id\":$sa,\"expires\":\"$at\"}" | body)
g1=$(echo "$g1_json" | jget '["id"]')
exp1=$(echo "$g1_json" | jget '["expires"]')
t1=$(api "$KA" POST "/v1/grants/$g1/console" | body | jget '["ticket"]')
api "$OPKEY" POST "/v1/servers/$sa/power" '{"action":"cycle"}' > /dev/null
timeout 30 $CONSOLE --url "wss://127.0.0.1:$port/v1/console/ws" --cacert "$cert" \
    --ticket "$t1" --out "$work/con1.bin" --send 'admin\r' --wait-for 'login:' \
    --secs 20 > "$work/con1.log" 2>&1
closed=$(grep '^closed' "$work/con1.log")
check "the console went live ($(grep -c '"live"' "$work/con1.log") live states)" \
    grep -q '"state":"live"' "$work/con1.log"
check "console output arrived ($(wc -c < "$work/con1.bin") bytes)" [ -s "$work/con1.bin" ]
check "the server closed the console with 4001 at expiry ($closed)" \
    sh -c "echo '$closed' | grep -q '^closed 4001 '"
late=$($PY -c '
import sys, datetime
exp = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000
print(int(int(sys.argv[2]) - exp))' "$exp1" "$(echo "$closed" | awk '{print $NF}')" 2> /dev/null)
check "closed within 1 s of expiry (${late} ms after)" \
    [ -n "$late" ] && [ "$late" -ge -50 ] && [ "$late" -le 1000 ]
check "the page was told the access ended" grep -q '"state":"ended","reason":"expired"' "$work/con1.log"
# SOL deactivated (verified) and no session left on bmcsim.
clean=
i=0
while [ $i -lt 50 ]; do
	line=$(simctl list 127.32.0.1 2> /dev/null)
	if echo "$line" | grep -q 'sol=inactive' && echo "$line" | grep -q 'sessions=0/'; then
		clean=1
		break
	fi
	sleep 0.2
	i=$((i + 1))
done
check "bmcsim: SOL deactivated and no session left after expiry ($line)" [ -n "$clean" ]
check "the teardown was audited as verified" sh -c \
    "curl -sS --cacert '$cert' -H 'Authorization: Bearer $OPKEY' '$BASE/v1/audit?bmc_id=$b1&limit=1000' | grep -q 'console.teardown.*ok:verified'"

# ---- revocation, extension -------------------------------------------------------
g2=$(api "$KA" POST /v1/grants "{\"server_id\":$sa,\"expires_in\":3}" | body | jget '["id"]')
t2=$(api "$KA" POST "/v1/grants/$g2/console" | body | jget '["ticket"]')
( sleep 1; api "$KA" POST "/v1/grants/$g2/extend" '{"expires_in":600}' > /dev/null;
  sleep 4; date +%s%3N > "$work/revoke.at";
  api "$KA" POST "/v1/grants/$g2/revoke" > /dev/null ) &
bg=$!
timeout 30 $CONSOLE --url "wss://127.0.0.1:$port/v1/console/ws" --cacert "$cert" \
    --ticket "$t2" --secs 20 > "$work/con2.log" 2>&1
wait $bg
closed=$(grep '^closed' "$work/con2.log")
check "an extended grant keeps its console past the old expiry" grep -q '"type":"expiry"' "$work/con2.log"
rlate=$(( $(echo "$closed" | awk '{print $NF}') - $(cat "$work/revoke.at") ))
check "revocation closes the console with 4003 within 1 s ($closed, ${rlate} ms)" \
    sh -c "echo '$closed' | grep -q '^closed 4003 ' && [ $rlate -le 1000 ]"
t3=$(api "$GA_TOK" POST "/v1/grants/$ga/console" | body | jget '["ticket"]')
timeout 10 $CONSOLE --url "wss://127.0.0.1:$port/v1/console/ws" --cacert "$cert" \
    --ticket "$t3" --secs 1 > /dev/null 2>&1
timeout 10 $CONSOLE --url "wss://127.0.0.1:$port/v1/console/ws" --cacert "$cert" \
    --ticket "$t3" --secs 5 > "$work/con3.log" 2>&1
check "a ticket works once ($(grep '^closed' "$work/con3.log"))" grep -q '^closed 4004 ' "$work/con3.log"
timeout 10 $CONSOLE --url "wss://127.0.0.1:$port/v1/console/ws" --cacert "$cert" \
    --origin https://evil.example --ticket x --secs 5 > "$work/con4.log" 2>&1
check "a foreign Origin is refused at the upgrade" grep -q '^refused' "$work/con4.log"

# ---- restart -------------------------------------------------------------------
g5=$(api "$KA" POST /v1/grants "{\"server_id\":$sa2,\"expires_in\":3}" | body | jget '["id"]')
t0=$(date +%s)
check "SIGTERM stops vcmd cleanly (exit 0, $(( $(date +%s) - t0 )) s)" vcmd_stop
line=$(simctl list all 2> /dev/null | grep -v 'sessions=0/')
check "no BMC session left after the stop${line:+: $line}" [ -z "$line" ]
sleep 3
if vcmd_start; then ok "vcmd restarts on the same state"; else not_ok "vcmd restarts"; fi
check "the restart did not create another operator key" \
    [ "$(grep -c 'operator API key' "$work/vcmd.out")" = 0 ]
st=$(api "$KA" GET "/v1/grants/$ga" | body | jget '["state"]')
check "a live grant survives the restart ($st)" [ "$st" = active ]
check "a grant that expired while vcmd was down was ended and audited" sh -c \
    "curl -sS --cacert '$cert' -H 'Authorization: Bearer $OPKEY' '$BASE/v1/audit?grant_id=$g5' | grep -q 'ended while vcmd was down'"
pw_out=$(api "$GA_TOK" POST "/v1/grants/$ga/power" '{"action":"status"}')
check "power works after the restart ($(echo "$pw_out" | head -n 1))" \
    [ "$(echo "$pw_out" | status)" = 200 ]

# ---- crash: what the dead vcmd left open is closed at the next start ------
t6=$(api "$GA_TOK" POST "/v1/grants/$ga/console" | body | jget '["ticket"]')
: > "$work/con6.log"
timeout 30 $CONSOLE --url "wss://127.0.0.1:$port/v1/console/ws" --cacert "$cert" \
    --ticket "$t6" --secs 25 > "$work/con6.log" 2>&1 &
cpid=$!
i=0
while [ $i -lt 50 ] && ! grep -q '"state":"live"' "$work/con6.log"; do sleep 0.2; i=$((i + 1)); done
kill -KILL "$VCMD_PID"
wait "$VCMD_PID" 2> /dev/null
VCMD_PID=
kill "$cpid" 2> /dev/null
wait "$cpid" 2> /dev/null
line=$(simctl list 127.32.0.1 2> /dev/null)
check "after kill -9 bmcsim still holds vcm's session and SOL ($line)" sh -c \
    "echo '$line' | grep -q 'sol=active' && ! echo '$line' | grep -q 'sessions=0/'"
vcmd_start || not_ok "vcmd restarts after kill -9"
clean=
i=0
while [ $i -lt 75 ]; do
	line=$(simctl list 127.32.0.1 2> /dev/null)
	if echo "$line" | grep -q 'sol=inactive' && echo "$line" | grep -q 'sessions=0/'; then
		clean=1
		break
	fi
	sleep 0.2
	i=$((i + 1))
done
check "the restart closed the left session and SOL within 15 s ($line)" [ -n "$clean" ]
check "the recovery was audited" sh -c \
    "curl -sS --cacert '$cert' -H 'Authorization: Bearer $OPKEY' '$BASE/v1/audit?bmc_id=$b1&limit=1000' | grep -q 'bmc.recover.*\"ok\"'"

# ---- credentials never leak -------------------------------------------------------
bmcj=$(api "$OPKEY" GET "/v1/bmcs/$b1" | body)
check "a BMC shows health but no password" sh -c \
    "echo '$bmcj' | grep -q '\"health\"' && ! echo '$bmcj' | grep -qi 'password'"
check "the password appears in no response" sh -c "! grep -q -- '$PW' '$work/responses'"
check "the password appears in no log line" sh -c "! grep -q -- '$PW' '$work/vcmd.log' '$work/vcmd.out'"
check "the password is not in the database file in clear" sh -c \
    "! grep -a -q -- '$PW' '$state/vcm.db'"
check "vcmd stops cleanly at the end" vcmd_stop
if grep -q 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer' "$work/vcmd.log"; then
	not_ok "no sanitizer report from vcmd"
	grep -A20 'Sanitizer\|runtime error' "$work/vcmd.log" | head -n 40 | sed 's/^/# /'
else
	ok "no sanitizer report from vcmd"
fi
