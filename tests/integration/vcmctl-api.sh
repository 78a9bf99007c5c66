#!/bin/sh
# vcmctl over vcmd's REST API, end to end (issue 6): every API
# subcommand of vcmctl (site, pool, tenant, bmc, server, key, grant,
# power, audit, vault, health) against a real vcmd over HTTPS with its
# self-signed certificate, vcmd driving a bmcsim fleet. Checks the
# human output (tables with headers, key: value lines), the --json
# output (parsed with python3), pagination across cursors, the error
# lines and exit codes (1 for API and connection errors, 2 for usage),
# a tenant key's scope, grant states (pending, active, revoked, wrong
# source), power confirmed on bmcsim, and that no BMC password, Kg or
# API key ever appears in vcmctl's output or in vcmd's log. Loopback
# only, in 127.30.0.0/16 (tests/README.md). Every process is started
# here and stopped by its PID, also on failure.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh

VCMD=$VCM_BUILD/bin/vcmd
VCMCTL=$VCM_BUILD/bin/vcmctl
if [ ! -x "$VCMD" ]; then
	echo "1..0 # SKIP vcmd not built"
	exit 0
fi
. tests/lib/bmcsim.sh

# The checks below, counted: keep in step when adding one.
tap_plan 111

# Nothing from the caller's environment may steer vcmctl or curl.
unset VCM_URL VCM_API_KEY VCM_CACERT VCM_GRANT_TOKEN https_proxy \
    HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY CURL_CA_BUNDLE \
    SSL_CERT_FILE SSL_CERT_DIR

missing=
for t in python3 timeout; do
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

D=$(mktemp -d "${TMPDIR:-/tmp}/vcm-vcmctl-api.XXXXXX") || exit 1
atexit "rm -rf '$D'"
STATE=$D/state
OUT=$D/out
ERR=$D/err
ALL=$D/all-output	# every byte vcmctl printed, for the secret checks

# Distinctive secrets, so a grep finds any copy of them.
PW=vcmPw-3kQ9z7Lx
PW2=vcmPw-Rb5w2Yq8
KG=5eed1e55c0ffee0ddba11ab1ec0dedfacade0042

# ---- bmcsim: two BMCs; 127.30.1.1 has none (never answers) -----------
cat > "$D/fleet.conf" <<EOF
defaults user=admin:$PW:admin
group addrs=127.30.0.0/24 count=1
defaults user=admin:$PW2:admin
group addrs=127.30.2.0/24 count=1
EOF
if bmcsim_start_config "$D/fleet.conf" 2; then
	ok "bmcsim serves 127.30.0.1 and 127.30.2.1 (pid $BMCSIM_PID)"
else
	not_ok "bmcsim starts"
	exit 1
fi

# ---- vcmd ----------------------------------------------------------------
PORT=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
cat > "$D/vcmd.conf" <<EOF
# vcmctl-api.sh
listen = 127.0.0.1
port = $PORT
state_dir = $STATE
engine_bind = 127.0.0.1
log_level = debug
EOF
VCMD_PID=
vcmd_stop() {
	[ -n "$VCMD_PID" ] || return 0
	_vp=$VCMD_PID
	VCMD_PID=
	kill -TERM "$_vp" 2>/dev/null
	_vi=0
	while kill -0 "$_vp" 2>/dev/null && [ $_vi -lt 150 ]; do
		sleep 0.1
		_vi=$((_vi + 1))
	done
	if kill -0 "$_vp" 2>/dev/null; then
		echo "# vcmd $_vp still running 15 s after SIGTERM: SIGKILL"
		kill -KILL "$_vp" 2>/dev/null
	fi
	wait "$_vp"
	VCMD_RC=$?
}
"$VCMD" -f "$D/vcmd.conf" > "$D/vcmd.out" 2> "$D/vcmd.log" &
VCMD_PID=$!
atexit vcmd_stop
i=0
while [ $i -lt 300 ] && ! grep -q "listening on" "$D/vcmd.out" 2>/dev/null &&
    kill -0 "$VCMD_PID" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q "listening on https://127.0.0.1:$PORT" "$D/vcmd.out"; then
	ok "vcmd listens on 127.0.0.1:$PORT (pid $VCMD_PID)"
else
	not_ok "vcmd listens on 127.0.0.1:$PORT"
	sed 's/^/# out: /' "$D/vcmd.out"
	tail -n 20 "$D/vcmd.log" | sed 's/^/# log: /'
	exit 1
fi
OPKEY=$STATE/operator.key
CA=$STATE/tls/cert.pem
URL=https://127.0.0.1:$PORT
if grep -qF "$OPKEY" "$D/vcmd.out" && [ -f "$OPKEY" ] &&
    [ "$(stat -c %a "$OPKEY")" = 600 ] && [ -f "$CA" ]; then
	ok "first start: operator key in $OPKEY (mode 600, path printed)"
else
	not_ok "first start: operator key written and its path printed"
	sed 's/^/# out: /' "$D/vcmd.out"
	ls -l "$STATE" "$OPKEY" 2>&1 | sed 's/^/# /'
fi

# ---- helpers ---------------------------------------------------------------
# run ARGS: vcmctl ARGS; exit status in $rc, stdout in $OUT, stderr in
# $ERR, both appended to $ALL. The key is always a file (never argv).
run() {
	timeout 60 "$VCMCTL" "$@" > "$OUT" 2> "$ERR" < /dev/null
	rc=$?
	{ echo "\$ vcmctl $*"; cat "$OUT" "$ERR"; } >> "$ALL"
}
# op ARGS: as the operator; as FILE ARGS: with the key in FILE.
op() { run "$@" --url "$URL" --cacert "$CA" --key-file "$OPKEY"; }
as() {
	_k=$1
	shift
	run "$@" --url "$URL" --cacert "$CA" --key-file "$_k"
}
# js EXPR: 0 if the Python expression over d (the JSON on stdout) holds.
js() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$OUT" "$1" \
	    2>> "$D/js.err"
}
# jv EXPR: prints the value of EXPR over d.
jv() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval("(" + sys.argv[2] + ")"))' "$OUT" "$1" 2>> "$D/js.err"
}
# line RE: a line of stdout matches the extended RE.
line() { grep -Eq -- "$1" "$OUT"; }
# err RE: a line of stderr matches.
err() { grep -Eq -- "$1" "$ERR"; }
# rows: data rows of a table (stdout less its header).
rows() { tail -n +2 "$OUT" | grep -c .; }
fail() {
	not_ok "$1"
	diag "exit $rc"
	head -n 8 "$OUT" | sed 's/^/#   out: /'
	head -n 4 "$ERR" | sed 's/^/#   err: /'
}
# secret FILE TEXT: a 0600 file holding TEXT.
secret() { (umask 077 && printf '%s\n' "$2" > "$1"); }
now_plus() {
	python3 -c 'import datetime, sys
t = datetime.datetime.now(datetime.timezone.utc) + \
    datetime.timedelta(seconds=int(sys.argv[1]))
print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"
}

secret "$D/pw" "$PW"
secret "$D/kg" "$KG"
secret "$D/bogus.key" "vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

# ---- health, configuration and connection errors ------------------------
run health --url "$URL" --cacert "$CA"
if [ $rc -eq 0 ] && line '^status: ok$' && line '^version: '; then
	ok "health without a key: status ok, version"
else
	# Every later request would wait for its own timeout: stop here.
	fail "health without a key"
	diag "vcmd does not answer its API; the remaining checks are skipped"
	tail -n 20 "$D/vcmd.log" | sed 's/^/# log: /'
	exit 1
fi
op health --json
if [ $rc -eq 0 ] && js 'd["status"] == "ok" and
    isinstance(d.get("metrics"), dict) and len(d["metrics"]) > 0'; then
	ok "health --json with the operator key: a /metrics summary"
else fail "health --json with the operator key"; fi
run site list --url "$URL" --cacert "$CA"
if [ $rc -eq 2 ] && err 'no API key'; then
	ok "no key: usage error (exit 2)"
else fail "no key: usage error (exit 2)"; fi
as "$D/bogus.key" site list
if [ $rc -eq 1 ] && err '^vcmctl: 401 unauthorized: '; then
	ok "unknown key: \"vcmctl: 401 unauthorized: ...\", exit 1"
else fail "unknown key: 401, exit 1"; fi
run site list --url "$URL" --key-file "$OPKEY"
if [ $rc -eq 1 ] && err "^vcmctl: $URL/v1/sites"; then
	ok "self-signed certificate without --cacert: refused, URL named"
else fail "certificate refused without --cacert"; fi
run site list --url "https://127.0.0.1:1" --cacert "$CA" --key-file "$OPKEY"
if [ $rc -eq 1 ] && err '^vcmctl: https://127.0.0.1:1/v1/sites'; then
	ok "connection refused: exit 1, the URL named"
else fail "connection refused: exit 1, URL named"; fi
VCM_URL=$URL VCM_CACERT=$CA VCM_API_KEY=$(cat "$OPKEY") \
    run site list
if [ $rc -eq 0 ] && line '^ID +NAME +CREATED$'; then
	ok "configuration from VCM_URL, VCM_API_KEY, VCM_CACERT"
else fail "configuration from the environment"; fi
run site list --url "http://127.0.0.1:$PORT" --cacert "$CA" \
    --key-file "$OPKEY"
if [ $rc -eq 2 ]; then ok "http:// URL refused (exit 2)"
else fail "http:// URL refused"; fi
# Not through run: its log of the arguments would hold the key.
timeout 60 "$VCMCTL" site list --url "$URL" --cacert "$CA" \
    --key "$(cat "$OPKEY")" > "$OUT" 2> "$ERR" < /dev/null
rc=$?
if [ $rc -eq 2 ] && ! grep -qF "$(cat "$OPKEY")" "$OUT" "$ERR"; then
	ok "--key on the command line refused, key not echoed"
else fail "--key refused"; fi

# ---- sites, pools, tenants ---------------------------------------------------
op site add s1 --json
SITE=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js 'd["name"] == "s1" and isinstance(d["id"], int)
    and d["created"].endswith("Z")'; then
	ok "site add --json: the site object (id $SITE)"
else fail "site add --json"; fi
op site add s2
if [ $rc -eq 0 ] && line '^name: s2$' && line '^id: [0-9]+$'; then
	ok "site add: key: value lines"
else fail "site add: key: value lines"; fi
SITE2=$(sed -n 's/^id: //p' "$OUT")
op site add s3
SITE3=$(sed -n 's/^id: //p' "$OUT")
op site add s1
if [ $rc -eq 1 ] && err '^vcmctl: 409 conflict: '; then
	ok "site add again: 409 conflict, exit 1"
else fail "site add duplicate: 409"; fi
op site list
if [ $rc -eq 0 ] && head -n 1 "$OUT" | grep -Eq '^ID +NAME +CREATED$' &&
    [ "$(rows)" -eq 3 ] && line "^$SITE +s1 +"; then
	ok "site list: header and 3 aligned rows"
else fail "site list"; fi
op site list --page-size 1
if [ $rc -eq 0 ] && [ "$(rows)" -eq 3 ]; then
	ok "site list --page-size 1: follows the cursor over 3 pages"
else fail "site list --page-size 1"; fi
op site list --page-size 1 --limit 2 --json
if [ $rc -eq 0 ] && js 'len(d["items"]) == 2 and d["next_cursor"]'; then
	ok "site list --limit 2 --json: 2 items and the next cursor"
else fail "site list --limit 2 --json"; fi
op site show "$SITE"
if [ $rc -eq 0 ] && line '^name: s1$'; then ok "site show"
else fail "site show"; fi
op site show 999999
if [ $rc -eq 1 ] && err '^vcmctl: 404 not_found: '; then
	ok "site show of an unknown id: 404 not_found, exit 1"
else fail "site show unknown: 404"; fi
op site show abc
if [ $rc -eq 2 ]; then ok "site show abc: usage error"
else fail "site show abc: usage error"; fi

op pool add --site "$SITE" p1 127.30.0.0/24 --json
POOL=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js "d['site_id'] == $SITE and d['cidr'] == '127.30.0.0/24'
    and d['name'] == 'p1'"; then
	ok "pool add --site"
else fail "pool add --site"; fi
op pool add p2 127.30.9.0/24
if [ $rc -eq 2 ] && err 'site is required'; then
	ok "pool add without --site: usage error"
else fail "pool add without --site"; fi
op pool list --site "$SITE"
if [ $rc -eq 0 ] && head -n 1 "$OUT" | grep -Eq '^ID +SITE +NAME +CIDR' &&
    [ "$(rows)" -eq 1 ] && line ' p1 +127\.30\.0\.0/24 '; then
	ok "pool list --site"
else fail "pool list --site"; fi
op pool show "$POOL"
if [ $rc -eq 0 ] && line '^cidr: 127\.30\.0\.0/24$'; then ok "pool show"
else fail "pool show"; fi

op tenant add t1 --json
T1=$(jv 'd["id"]')
op tenant add t2 --json
T2=$(jv 'd["id"]')
op tenant list
if [ $rc -eq 0 ] && [ "$(rows)" -eq 2 ] && line " t1 " && line " t2 "; then
	ok "tenant add, tenant list"
else fail "tenant add/list"; fi
op tenant show "$T2"
if [ $rc -eq 0 ] && line '^name: t2$'; then ok "tenant show"
else fail "tenant show"; fi

# ---- BMCs ----------------------------------------------------------------------
op bmc add b1 127.30.0.1 --user admin --password-file "$D/pw" \
    --site "$SITE" --pool "$POOL" --vendor generic --sessions 2 --json
B1=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js "d['name'] == 'b1' and d['address'] == '127.30.0.1'
    and d['port'] == 623 and d['user'] == 'admin' and d['site_id'] == $SITE
    and d['pool_id'] == $POOL and d['max_sessions'] == 2
    and 'password' not in d and 'kg' not in d and 'health' in d"; then
	ok "bmc add --password-file: the BMC, no password in the reply"
else fail "bmc add --password-file"; fi
VCMTEST_PW=$PW2 op bmc add b2 127.30.2.1 --user admin \
    --password-env VCMTEST_PW --quirks sessions=1 --json
B2=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js 'd["quirks"] == "sessions=1" and "password" not in d'
then
	ok "bmc add --password-env --quirks"
else fail "bmc add --password-env"; fi
op bmc add b3 127.30.1.1 --user admin --password-file "$D/pw" \
    --kg-file "$D/kg" --port 6230 --json
B3=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js 'd["port"] == 6230 and "kg" not in d'; then
	ok "bmc add --kg-file --port: Kg not in the reply"
else fail "bmc add --kg-file"; fi
op bmc add b4 127.30.1.2 --user admin
if [ $rc -eq 2 ] && err 'no password'; then
	ok "bmc add without a password and no terminal: usage error"
else fail "bmc add without password"; fi
(umask 022 && printf '%s\n' "$PW" > "$D/pw-loose")
op bmc add b1 127.30.0.1 --user admin --password-file "$D/pw-loose"
if [ $rc -eq 1 ] && err 'warning: .*pw-loose.*other users' &&
    err '^vcmctl: 409 conflict: '; then
	ok "bmc add: warning for a loose password file; duplicate: 409"
else fail "bmc add loose file warning / 409"; fi
op bmc add b5 127.30.1.3 --user admin --password-file "$D/pw" \
    --quirks +nosuchquirk
if [ $rc -eq 2 ] && err 'quirks'; then
	ok "bmc add --quirks with an unknown flag: usage error"
else fail "bmc add bad quirks"; fi

op bmc show "$B1"
if [ $rc -eq 0 ] && line '^name: b1$' && line '^health\.reachable: ' &&
    line '^health\.sessions_in_use: [0-9]+$' && line '^health\.console: '; then
	ok "bmc show: health as health.* lines"
else fail "bmc show with health"; fi
op bmc set "$B3" --name b3x --port 6231 --json
if [ $rc -eq 0 ] && js 'd["name"] == "b3x" and d["port"] == 6231'; then
	ok "bmc set --name --port"
else fail "bmc set --name --port"; fi
op bmc set "$B1" --site none --json
if [ $rc -eq 0 ] && js 'd["site_id"] is None'; then
	ok "bmc set --site none: site_id null"
else fail "bmc set --site none"; fi
op bmc set "$B1" --site "$SITE" --password-file "$D/pw" --json
if [ $rc -eq 0 ] && js "d['site_id'] == $SITE and 'password' not in d"; then
	ok "bmc set --site ID --password-file"
else fail "bmc set --site --password-file"; fi
op bmc set "$B1"
if [ $rc -eq 2 ] && err 'nothing to change'; then
	ok "bmc set without changes: usage error"
else fail "bmc set nothing"; fi

# ---- servers ---------------------------------------------------------------------
op server add --tenant "$T1" --bmc "$B1" srv1 --size 100x30 --json
S1=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js "d['tenant_id'] == $T1 and d['bmc_id'] == $B1 and
    d['cols'] == 100 and d['rows'] == 30"; then
	ok "server add --size 100x30"
else fail "server add --size"; fi
op server add --tenant "$T2" --bmc "$B2" srv2 --json
S2=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js 'd["cols"] == 80 and d["rows"] == 25'; then
	ok "server add: 80x25 by default"
else fail "server add default size"; fi
op server add --tenant "$T1" --bmc "$B1" srv3 --size 80x2
if [ $rc -eq 2 ]; then ok "server add --size 80x2: usage error"
else fail "server add bad size"; fi
op server list
if [ $rc -eq 0 ] && head -n 1 "$OUT" | grep -Eq '^ID +TENANT +BMC +NAME +SIZE' &&
    [ "$(rows)" -eq 2 ] && line ' srv1 +100x30 '; then
	ok "server list: SIZE column"
else fail "server list"; fi
op server list --tenant "$T1"
if [ $rc -eq 0 ] && [ "$(rows)" -eq 1 ] && line ' srv1 '; then
	ok "server list --tenant"
else fail "server list --tenant"; fi
op server show "$S2"
if [ $rc -eq 0 ] && line '^name: srv2$'; then ok "server show"
else fail "server show"; fi

# ---- keys ------------------------------------------------------------------------
op key create tk1 --tenant "$T1" --json
if [ $rc -eq 0 ] && js "d['token'].startswith('vcmk_') and d['role'] ==
    'tenant' and d['tenant_id'] == $T1" && err 'shown only this once'; then
	ok "key create --tenant --json: the token once, with a note"
else fail "key create --tenant"; fi
K1=$(jv 'd["id"]')
secret "$D/t1.key" "$(jv 'd["token"]')"
op key create tk2 --tenant "$T2"
if [ $rc -eq 0 ] && line '^token: vcmk_' && line '^role: tenant$'; then
	ok "key create: token in the key: value lines"
else fail "key create human"; fi
K2=$(sed -n 's/^id: //p' "$OUT")
secret "$D/t2.key" "$(sed -n 's/^token: //p' "$OUT")"
op key create ops2 --json
if [ $rc -eq 0 ] && js 'd["role"] == "operator" and d["tenant_id"] is None'
then
	ok "key create without --tenant: an operator key"
else fail "key create operator"; fi
op key list
if [ $rc -eq 0 ] && head -n 1 "$OUT" | grep -Eq '^ID +NAME +ROLE +TENANT' &&
    [ "$(rows)" -ge 4 ] && ! grep -q 'vcmk_' "$OUT"; then
	ok "key list: no token anywhere"
else fail "key list"; fi

# ---- a tenant key's scope ---------------------------------------------------------
as "$D/t1.key" server list
if [ $rc -eq 0 ] && [ "$(rows)" -eq 1 ] && line ' srv1 '; then
	ok "tenant key: server list shows its own server only"
else fail "tenant key server list"; fi
as "$D/t1.key" server show "$S2"
if [ $rc -eq 1 ] && err '^vcmctl: 404 not_found: '; then
	ok "tenant key: another tenant's server is 404"
else fail "tenant key other server"; fi
as "$D/t1.key" site list
if [ $rc -eq 1 ] && err '^vcmctl: 403 forbidden: '; then
	ok "tenant key: site list is 403"
else fail "tenant key site list 403"; fi
as "$D/t1.key" health
if [ $rc -eq 0 ] && line '^status: ok$' && err '/metrics: 403'; then
	ok "tenant key: health ok, /metrics refused with a note"
else fail "tenant key health"; fi

# ---- grants -------------------------------------------------------------------------
op grant create --server "$S1" --rights console-read,power --expires-in 90m \
    --source 127.0.0.0/8 --json
G1=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js 'd["token"].startswith("vcmg_") and
    d["state"] == "active" and d["rights"] == ["console-read", "power"] and
    d["sources"] == ["127.0.0.0/8"]' && err 'shown only this once'; then
	ok "grant create --rights --expires-in --source: active, token once"
else fail "grant create"; fi
secret "$D/g1.tok" "$(jv 'd["token"]')"
if js 'abs((__import__("datetime").datetime.fromisoformat(
    d["expires"].replace("Z", "+00:00")) - __import__("datetime").datetime.
    fromisoformat(d["created"].replace("Z", "+00:00"))).total_seconds()
    - 5400) <= 5'; then
	ok "grant create --expires-in 90m: expires 5400 s after creation"
else fail "grant expires-in 90m"; fi
as "$D/t1.key" grant create --server "$S1" --json
G2=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js 'sorted(d["rights"]) == ["console-read",
    "console-write", "power"]'; then
	ok "tenant key: grant create on its server, all rights by default"
else fail "tenant grant create"; fi
secret "$D/g2.tok" "$(jv 'd["token"]')"
as "$D/t1.key" grant create --server "$S2"
if [ $rc -eq 1 ] && err '^vcmctl: 404 not_found: '; then
	ok "tenant key: grant on another tenant's server is 404"
else fail "tenant grant other server"; fi
op grant create --server "$S1" --not-before "$(now_plus 3600)" \
    --expires-in 2h --json
GP=$(jv 'd["id"]')
if [ $rc -eq 0 ] && js 'd["state"] == "pending"'; then
	ok "grant create --not-before in an hour: pending"
else fail "grant create pending"; fi
secret "$D/gp.tok" "$(jv 'd["token"]')"
op grant create --server "$S1" --source 198.51.100.0/24 --json
GS=$(jv 'd["id"]')
secret "$D/gs.tok" "$(jv 'd["token"]')"
op grant create --server "$S1" --expires-in 2y
if [ $rc -eq 2 ]; then ok "grant create --expires-in 2y: usage error"
else fail "grant create bad duration"; fi
op grant create --server "$S1" --expires-in 30d
if [ $rc -eq 1 ] && err '^vcmctl: 400 bad_request: '; then
	ok "grant create beyond the operator maximum: 400"
else fail "grant beyond max: 400"; fi

op grant list
if [ $rc -eq 0 ] &&
    head -n 1 "$OUT" | grep -Eq '^ID +TENANT +SERVER +STATE +RIGHTS' &&
    [ "$(rows)" -eq 4 ] && line "^$G1 .* active +console-read,power "; then
	ok "grant list: 4 grants, states and rights"
else fail "grant list"; fi
op grant show "$GP"
if [ $rc -eq 0 ] && line '^state: pending$' && ! grep -q vcmg_ "$OUT"; then
	ok "grant show: no token"
else fail "grant show"; fi
op grant extend "$G1" --expires-in 2h --json
if [ $rc -eq 0 ] && js 'd["state"] == "active"' &&
    js 'abs((__import__("datetime").datetime.fromisoformat(
    d["expires"].replace("Z", "+00:00")) - __import__("datetime").datetime.
    now(__import__("datetime").timezone.utc)).total_seconds() - 7200) <= 30'
then
	ok "grant extend --expires-in 2h"
else fail "grant extend"; fi
op grant extend "$G1"
if [ $rc -eq 2 ]; then ok "grant extend without a time: usage error"
else fail "grant extend no time"; fi

run grant console "$G1" --url "$URL" --cacert "$CA" --token-file "$D/g1.tok"
if [ $rc -eq 0 ] && line '^https://.*/console/#ticket=vcmt_' &&
    [ "$(grep -c . "$OUT")" -eq 1 ]; then
	ok "grant console --token-file: one line, the one-time URL"
else fail "grant console --token-file"; fi
VCM_GRANT_TOKEN=$(cat "$D/g2.tok") run grant console "$G2" --url "$URL" \
    --cacert "$CA" --json
if [ $rc -eq 0 ] && js 'd["ticket"].startswith("vcmt_") and
    d["expires_in"] == 30 and d["ticket"] in d["url"]'; then
	ok "grant console with VCM_GRANT_TOKEN --json: url, ticket, expires_in"
else fail "grant console VCM_GRANT_TOKEN"; fi
op grant console "$G1"
if [ $rc -eq 0 ] && line '#ticket=vcmt_'; then
	ok "grant console with the operator key"
else fail "grant console operator key"; fi
run grant console "$GP" --url "$URL" --cacert "$CA" --token-file "$D/gp.tok"
if [ $rc -eq 1 ] && err '^vcmctl: 403 forbidden: '; then
	ok "grant console, grant not yet valid: 403"
else fail "grant console pending"; fi
run grant console "$GS" --url "$URL" --cacert "$CA" --token-file "$D/gs.tok"
if [ $rc -eq 1 ] && err '^vcmctl: 403 forbidden: '; then
	ok "grant console from outside the grant's sources: 403"
else fail "grant console wrong source"; fi
run grant console "$G2" --url "$URL" --cacert "$CA" --token-file "$D/g1.tok"
if [ $rc -eq 1 ] && err '^vcmctl: 40[134] '; then
	ok "grant console with another grant's token: refused"
else fail "grant console wrong token"; fi

op grant revoke "$G1" --json
if [ $rc -eq 0 ] && js 'd["state"] == "revoked" and d["revoked"]'; then
	ok "grant revoke: state revoked"
else fail "grant revoke"; fi
run grant console "$G1" --url "$URL" --cacert "$CA" --token-file "$D/g1.tok"
if [ $rc -eq 1 ] && err '^vcmctl: 410 gone: '; then
	ok "grant console after revoke: 410 gone"
else fail "grant console revoked: 410"; fi
op grant extend "$G1" --expires-in 1h
if [ $rc -eq 1 ] && err '^vcmctl: 410 gone: '; then
	ok "grant extend after revoke: 410 gone"
else fail "grant extend revoked: 410"; fi
op grant list --live --json
if [ $rc -eq 0 ] && js "$G1 not in [g['id'] for g in d['items']] and
    $G2 in [g['id'] for g in d['items']]"; then
	ok "grant list --live: the revoked grant is gone"
else fail "grant list --live"; fi
op grant list --server "$S1" --json
if [ $rc -eq 0 ] && js "len(d['items']) == 4 and
    all(g['server_id'] == $S1 for g in d['items']) and
    all('token' not in g for g in d['items'])"; then
	ok "grant list --server --json: no tokens"
else fail "grant list --server"; fi

# ---- power, confirmed on bmcsim -----------------------------------------------
sim_power() {
	simctl list "$1" 2>/dev/null | grep -q "power=$2"
}
op power status --server "$S1"
if [ $rc -eq 0 ] && line '^action: status$' && line '^result: on$'; then
	ok "power status: on"
else fail "power status"; fi
op power off --server "$S1" --json
if [ $rc -eq 0 ] && js 'd["result"] == "ok"' && sim_power 127.30.0.1 off
then
	ok "power off: ok, bmcsim says off"
else fail "power off"; fi
as "$D/t1.key" power on --server "$S1"
if [ $rc -eq 0 ] && sim_power 127.30.0.1 on; then
	ok "tenant key: power on its own server; bmcsim says on"
else fail "tenant power on"; fi
as "$D/t1.key" power cycle --server "$S2"
if [ $rc -eq 1 ] && err '^vcmctl: 404 not_found: ' &&
    sim_power 127.30.2.1 on; then
	ok "tenant key: power on another tenant's server is 404"
else fail "tenant power other server"; fi
op power bootdev-pxe --server "$S2"
if [ $rc -eq 0 ] && line '^result: ok$'; then ok "power bootdev-pxe"
else fail "power bootdev-pxe"; fi
op power explode --server "$S1"
if [ $rc -eq 2 ]; then ok "power with an unknown action: usage error"
else fail "power unknown action"; fi
op bmc list --json
if [ $rc -eq 0 ] && js "[b for b in d['items'] if b['id'] == $B1][0]
    ['health']['reachable'] is True" && js 'all("password" not in b and
    "kg" not in b for b in d["items"])'; then
	ok "bmc list --json: b1 reachable after power; no credentials"
else fail "bmc list --json health"; fi
op bmc list
if [ $rc -eq 0 ] && head -n 1 "$OUT" |
    grep -Eq '^ID +NAME +ADDRESS +VENDOR +SITE +POOL +REACHABLE +SESSIONS +CONSOLE +LAST-ERROR$' &&
    [ "$(rows)" -eq 3 ] && line "^$B1 +b1 +127\.30\.0\.1:623 .* yes "; then
	ok "bmc list: health columns, b1 reachable"
else fail "bmc list health columns"; fi

# ---- audit ---------------------------------------------------------------------------
op audit
if [ $rc -eq 0 ] && head -n 1 "$OUT" |
    grep -Eq '^ID +TIME +ACTOR +ACTION +TENANT +SERVER +GRANT +BMC +OUTCOME' &&
    [ "$(rows)" -ge 10 ]; then
	ok "audit: header and events"
else fail "audit"; fi
NAUDIT=$(rows)
op audit --page-size 3 --json
if [ $rc -eq 0 ] && js "len(d['items']) == $NAUDIT and
    d['next_cursor'] is None and len(set(e['id'] for e in d['items'])) ==
    $NAUDIT"; then
	ok "audit --page-size 3: every event once, across pages"
else fail "audit pagination"; fi
op audit --limit 2 --json
if [ $rc -eq 0 ] && js 'len(d["items"]) == 2 and d["next_cursor"]'; then
	ok "audit --limit 2"
else fail "audit --limit"; fi
op audit --server "$S1" --json
if [ $rc -eq 0 ] && js "len(d['items']) > 0 and
    all(e['server_id'] == $S1 for e in d['items'])"; then
	ok "audit --server"
else fail "audit --server"; fi
op audit --grant "$G1" --json
if [ $rc -eq 0 ] && js "len(d['items']) >= 2 and
    all(e['grant_id'] == $G1 for e in d['items'])"; then
	ok "audit --grant: its creation and revocation (and more)"
else fail "audit --grant"; fi
as "$D/t2.key" audit --json
if [ $rc -eq 0 ] && js "all(e['tenant_id'] == $T2 for e in d['items'])"; then
	ok "audit with a tenant key: its own events only"
else fail "audit tenant key"; fi
op audit --since "$(now_plus 3600)" --json
if [ $rc -eq 0 ] && js 'd["items"] == []'; then
	ok "audit --since in the future: none"
else fail "audit --since future"; fi
op audit --since 2000-01-01T00:00:00Z --until "$(now_plus 60)" --json
if [ $rc -eq 0 ] && js "len(d['items']) >= $NAUDIT"; then
	ok "audit --since --until around now: all"
else fail "audit --since --until"; fi

# ---- vault -----------------------------------------------------------------------------
op vault rotate --json
if [ $rc -eq 0 ] && js 'd["rotated"] == 3 and isinstance(d["key_id"], int)'
then
	ok "vault rotate: 3 credentials re-encrypted"
else fail "vault rotate"; fi
op power status --server "$S1"
if [ $rc -eq 0 ] && line '^result: on$'; then
	ok "power status after the rotation: the password still works"
else fail "power after vault rotate"; fi

# ---- revocation and removal ---------------------------------------------------------
op key revoke "$K2"
if [ $rc -eq 0 ]; then ok "key revoke"
else fail "key revoke"; fi
as "$D/t2.key" server list
if [ $rc -eq 1 ] && err '^vcmctl: 401 unauthorized: '; then
	ok "a revoked key: 401"
else fail "revoked key 401"; fi
op key list --json
if [ $rc -eq 0 ] && js "[k for k in d['items'] if k['id'] == $K2][0]
    ['revoked'] is not None and [k for k in d['items'] if k['id'] ==
    $K1][0]['revoked'] is None"; then
	ok "key list --json: revoked time set on the revoked key only"
else fail "key list revoked"; fi
op site rm "$SITE"
if [ $rc -eq 1 ] && err '^vcmctl: 409 conflict: '; then
	ok "site rm of a site in use: 409"
else fail "site rm in use"; fi
op site rm "$SITE2"
if [ $rc -eq 0 ] && line "^site $SITE2 deleted$"; then ok "site rm"
else fail "site rm"; fi
op site rm "$SITE3" --json
if [ $rc -eq 0 ] && [ ! -s "$OUT" ]; then
	ok "site rm --json: nothing printed for 204"
else fail "site rm --json"; fi
op server rm "$S2"
if [ $rc -eq 0 ] && line "^server $S2 deleted$"; then ok "server rm"
else fail "server rm"; fi
op server show "$S2"
if [ $rc -eq 1 ] && err '^vcmctl: 404 not_found: '; then
	ok "server show after rm: 404"
else fail "server show after rm"; fi
op bmc rm "$B2"
if [ $rc -eq 0 ]; then ok "bmc rm"; else fail "bmc rm"; fi
op tenant rm "$T2"
if [ $rc -eq 0 ]; then ok "tenant rm"; else fail "tenant rm"; fi
op pool rm "$POOL"
if [ $rc -eq 0 ] || { [ $rc -eq 1 ] && err '^vcmctl: 409 conflict: '; }; then
	ok "pool rm (exit $rc)"
else fail "pool rm"; fi

# ---- usage ----------------------------------------------------------------------------
op bmc frob
if [ $rc -eq 2 ] && err 'unknown command'; then
	ok "unknown verb: usage error"
else fail "unknown verb"; fi
run grant --help
if [ $rc -eq 0 ] && line '^usage: vcmctl grant create' &&
    line 'vcmctl grant console ID'; then
	ok "grant --help: usage on stdout, exit 0"
else fail "grant --help"; fi

# ---- secrets: never in any output or log ------------------------------------------
vcmd_stop
if [ "$VCMD_RC" = 0 ]; then ok "vcmd stops on SIGTERM with status 0"
else not_ok "vcmd stops on SIGTERM with status 0 (got $VCMD_RC)"; fi
leaks=
for s in "$PW" "$PW2" "$KG" "$(cat "$OPKEY")"; do
	for f in "$ALL" "$D/vcmd.log" "$D/vcmd.out"; do
		if grep -qF -- "$s" "$f"; then
			leaks="$leaks $(basename "$f"):${s%"${s#?????}"}..."
		fi
	done
done
if [ -z "$leaks" ]; then
	ok "no password, Kg or API key in vcmctl's output or vcmd's log"
else
	not_ok "secrets leaked:$leaks"
fi
leaks=
for f in "$D"/g1.tok "$D"/g2.tok "$D"/gp.tok "$D"/t1.key "$D"/t2.key; do
	if grep -qF -- "$(cat "$f")" "$D/vcmd.log" "$D/vcmd.out"; then
		leaks="$leaks $(basename "$f")"
	fi
done
if [ -z "$leaks" ]; then
	ok "no grant token or tenant key in vcmd's log"
else not_ok "tokens in vcmd's log:$leaks"; fi
if grep -E 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' \
    "$D/vcmd.log" "$ALL" > "$D/asan" 2>&1; then
	not_ok "no sanitizer report from vcmd or vcmctl"
	head -n 20 "$D/asan" | sed 's/^/# /'
else ok "no sanitizer report from vcmd or vcmctl"; fi
if simctl list all > "$D/sim" && ! grep -Eq 'sessions=[1-9]' "$D/sim"; then
	ok "bmcsim: no session left open after vcmd stopped"
else
	not_ok "bmcsim: no session left open after vcmd stopped"
	sed 's/^/# /' "$D/sim"
fi
