#!/bin/sh
# Console recordings end to end (issue 7): the real vcmd over HTTPS,
# a WebSocket console client (tests/tools/vcm-console.py) and bmcsim.
#
#	- a console session under a grant makes one asciicast v2 file that
#	  a strict reader accepts, holding the simulated boot text;
#	- what the tenant types is not recorded by default (the password
#	  typed at the login prompt is nowhere in the file), and is with
#	  recording_input = yes;
#	- list, get, download (key or one-time ticket), delete; a running
#	  recording cannot be deleted; tenant isolation (another tenant
#	  gets 404, a tenant key cannot delete); downloads and deletes are
#	  audited;
#	- the size limit truncates with an end marker;
#	- retention deletes an old recording (file and row) at start;
#	- a recording a killed vcmd left running is closed at the next start.
#
# Loopback only: bmcsim on 127.35.0.0/16 (tests/README.md), vcmd on
# 127.0.0.1 at a free port. Every process is started here and stopped by
# its PID (atexit); every client call is bounded by a timeout.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh
. tests/lib/vcmd.sh

VCMD=$VCM_BUILD/bin/vcmd
PY=/usr/bin/python3
CONSOLE="$PY tests/tools/vcm-console.py"
PW='Rk4-vcm-Bmc-pw9'
# Typed at the host's password prompt (not echoed): must never be
# recorded unless recording_input = yes.
TYPED='Tq8-typed-secret'

tap_plan 44

missing=
for t in curl timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
$PY -c 'import websockets, sqlite3' 2> /dev/null ||
    missing="$missing python3-websockets"
bmcsim_have || missing="$missing $BMCSIM_BIN"
[ -x "$VCMD" ] || missing="$missing $VCMD"
if [ -n "$missing" ]; then
	diag "missing:$missing"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

work=$(mktemp -d "${TMPDIR:-/tmp}/vcm-vcmd-rec.XXXXXX") || exit 1
atexit "rm -rf '$work'"
cat > "$work/fleet.conf" <<EOF
defaults user=admin:$PW:admin
group addrs=127.35.0.0/24 count=2
EOF
if bmcsim_start_config "$work/fleet.conf" 2; then
	ok "bmcsim serves 2 BMCs"
else
	not_ok "bmcsim serves 2 BMCs"
	exit 1
fi

# A strict asciicast v2 reader: prints "ok events=N o=N i=N m=N last=T"
# and writes the joined output ("o") and input ("i") texts next to the
# file, or prints the first problem.
cat > "$work/castcheck.py" <<'EOF'
import json, sys
path = sys.argv[1]
data = open(path, "rb").read()
if not data.endswith(b"\n"):
    print("bad: no final newline"); sys.exit(1)
lines = data.decode("utf-8").split("\n")[:-1]
h = json.loads(lines[0])
if not isinstance(h, dict) or h.get("version") != 2 or \
        not isinstance(h.get("width"), int) or \
        not isinstance(h.get("height"), int) or \
        not isinstance(h.get("timestamp"), int):
    print("bad header", lines[0][:200]); sys.exit(1)
last, counts, out, inp, lt = 0.0, {"o": 0, "i": 0, "m": 0}, [], [], ""
for n, l in enumerate(lines[1:], 2):
    e = json.loads(l)
    if not isinstance(e, list) or len(e) != 3 or \
            not isinstance(e[0], (int, float)) or isinstance(e[0], bool) or \
            e[1] not in counts or not isinstance(e[2], str) or e[0] < last:
        print("bad event on line", n, l[:200]); sys.exit(1)
    last, lt = e[0], e[1]
    counts[e[1]] += 1
    (out if e[1] == "o" else inp if e[1] == "i" else []).append(e[2])
open(path + ".out", "w").write("".join(out))
open(path + ".in", "w").write("".join(inp))
print("ok events=%d o=%d i=%d m=%d last=%s width=%d height=%d" % (
    len(lines) - 1, counts["o"], counts["i"], counts["m"], lt,
    h["width"], h["height"]))
EOF
castcheck() { $PY "$work/castcheck.py" "$1" 2>&1; }

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
OPKEY=$(cat "$keyfile")
BASE=https://127.0.0.1:$port
WSURL=wss://127.0.0.1:$port/v1/console/ws

# api KEY METHOD PATH [BODY]: the body, then the status on the last line.
api() {
	_k=$1 _m=$2 _p=$3
	shift 3
	if [ $# -gt 0 ]; then
		curl -sS --max-time 15 --cacert "$cert" -X "$_m" \
		    -H "Authorization: Bearer $_k" \
		    -H 'Content-Type: application/json' --data-binary "$1" \
		    -w '\n%{http_code}\n' "$BASE$_p"
	elif [ -n "$_k" ]; then
		curl -sS --max-time 15 --cacert "$cert" -X "$_m" \
		    -H "Authorization: Bearer $_k" \
		    -w '\n%{http_code}\n' "$BASE$_p"
	else
		curl -sS --max-time 15 --cacert "$cert" -X "$_m" \
		    -w '\n%{http_code}\n' "$BASE$_p"
	fi
}
# expect STATUS DESC KEY METHOD PATH [BODY]
expect() {
	_want=$1 _desc=$2
	shift 2
	_got=$(api "$@" | status)
	if [ "$_got" = "$_want" ]; then ok "$_desc ($_got)"; else
		not_ok "$_desc: got $_got, want $_want"; fi
}
# download KEY PATH FILE: the status; headers in FILE.h
download() {
	if [ -n "$1" ]; then
		curl -sS --max-time 15 --cacert "$cert" -H "Authorization: Bearer $1" \
		    -D "$3.h" -o "$3" -w '%{http_code}' "$BASE$2"
	else
		curl -sS --max-time 15 --cacert "$cert" \
		    -D "$3.h" -o "$3" -w '%{http_code}' "$BASE$2"
	fi
}
# wait_live LOG: until the console client logged the live state (10 s).
wait_live() {
	i=0
	while [ $i -lt 100 ] && ! grep -q '"state":"live"' "$1" 2> /dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '"state":"live"' "$1"
}
# rec_ended ID: until the recording's row has ended (5 s); prints it.
rec_ended() {
	i=0
	while [ $i -lt 50 ]; do
		_r=$(api "$OPKEY" GET "/v1/recordings/$1" | body)
		case $_r in *'"ended":null'*) ;; *'"ended"'*) echo "$_r"; return 0 ;; esac
		sleep 0.1
		i=$((i + 1))
	done
	echo "$_r"
	return 1
}

# ---- inventory --------------------------------------------------------------
site=$(api "$OPKEY" POST /v1/sites '{"name":"ams1"}' | body | jget '["id"]')
ta=$(api "$OPKEY" POST /v1/tenants '{"name":"alice"}' | body | jget '["id"]')
tb=$(api "$OPKEY" POST /v1/tenants '{"name":"bob"}' | body | jget '["id"]')
b1=$(api "$OPKEY" POST /v1/bmcs "{\"name\":\"bmc1\",\"address\":\"127.35.0.1\",\"user\":\"admin\",\"password\":\"$PW\",\"site_id\":$site}" | body | jget '["id"]')
b2=$(api "$OPKEY" POST /v1/bmcs "{\"name\":\"bmc2\",\"address\":\"127.35.0.2\",\"user\":\"admin\",\"password\":\"$PW\",\"site_id\":$site}" | body | jget '["id"]')
sa=$(api "$OPKEY" POST /v1/servers "{\"tenant_id\":$ta,\"bmc_id\":$b1,\"name\":\"web1\"}" | body | jget '["id"]')
sb=$(api "$OPKEY" POST /v1/servers "{\"tenant_id\":$tb,\"bmc_id\":$b2,\"name\":\"mail1\"}" | body | jget '["id"]')
KA=$(api "$OPKEY" POST /v1/keys "{\"name\":\"panel-a\",\"tenant_id\":$ta}" | body | jget '["token"]')
KB=$(api "$OPKEY" POST /v1/keys "{\"name\":\"panel-b\",\"tenant_id\":$tb}" | body | jget '["token"]')
ga=$(api "$KA" POST /v1/grants "{\"server_id\":$sa,\"expires_in\":3600}" | body | jget '["id"]')
gb=$(api "$KB" POST /v1/grants "{\"server_id\":$sb,\"expires_in\":3600}" | body | jget '["id"]')
if [ -n "$sa" ] && [ -n "$sb" ] && [ -n "$KA" ] && [ -n "$KB" ] &&
    [ -n "$ga" ] && [ -n "$gb" ]; then
	ok "inventory, tenant keys and grants created"
else
	not_ok "inventory created (sa=$sa sb=$sb ga=$ga gb=$gb)"
	exit 1
fi

# ---- one console session: boot, login with a password -----------------------
t1=$(api "$KA" POST "/v1/grants/$ga/console" | body | jget '["ticket"]')
timeout 40 $CONSOLE --url "$WSURL" --cacert "$cert" --ticket "$t1" \
    --out "$work/con1.bin" --wait-for 'login: $' --send "admin\\r$TYPED\\r" \
    --secs 14 > "$work/con1.log" 2>&1 &
cpid=$!
wait_live "$work/con1.log" || diag "console 1 not live"
api "$OPKEY" POST "/v1/servers/$sa/power" '{"action":"cycle"}' > /dev/null
wait "$cpid"
check "the console saw the boot and the login ($(wc -c < "$work/con1.bin") bytes)" \
    grep -q 'login:' "$work/con1.bin"
rl=$(api "$OPKEY" GET "/v1/recordings?grant_id=$ga" | body)
r1=$(echo "$rl" | jx 'd["items"][0]["id"] if len(d["items"]) == 1 else ""')
check "one recording listed for the grant (id $r1)" [ -n "$r1" ]
row=$(rec_ended "$r1")
check "its row: tenant, server, grant, ended, not truncated" sh -c "echo '$row' | $PY -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d[\"tenant_id\"] == $ta and d[\"server_id\"] == $sa and
    d[\"grant_id\"] == $ga and d[\"ended\"] and d[\"truncated\"] is False and
    d[\"bytes\"] > 1000 else 1)'"
st1=$(download "$KA" "/v1/recordings/$r1/cast" "$work/r1.cast")
check "alice downloads it (status $st1, application/x-asciicast)" sh -c \
    "[ '$st1' = 200 ] && grep -qi '^content-type: application/x-asciicast' '$work/r1.cast.h'"
bytes=$(echo "$row" | jget '["bytes"]')
check "the download is the whole file ($(wc -c < "$work/r1.cast") of $bytes bytes)" \
    [ "$(wc -c < "$work/r1.cast")" = "$bytes" ]
cc=$(castcheck "$work/r1.cast")
check "a strict asciicast v2 reader accepts it ($cc)" sh -c \
    "echo '$cc' | grep -q '^ok .* i=0 .*width=80 height=25'"
check "it holds the simulated boot (BIOS, memory test, kernel, login)" sh -c \
    "grep -q 'vcm Virtual Platform BIOS' '$work/r1.cast.out' &&
     grep -q 'Memory Test: 65536 MB OK' '$work/r1.cast.out' &&
     grep -q 'Linux version 6.1.0-vcm-amd64' '$work/r1.cast.out' &&
     grep -q 'login: ' '$work/r1.cast.out'"
check "the echoed login name is there, the typed password is not" sh -c \
    "grep -q 'login: admin' '$work/r1.cast.out' && grep -q 'Password:' '$work/r1.cast.out' &&
     ! grep -q -- '$TYPED' '$work/r1.cast' && ! grep -q -- '$TYPED' '$work/vcmd.log'"
f1=$state/recordings/$r1.cast
check "on disk: recordings/ 0700, $r1.cast 0600, same bytes" sh -c \
    "[ \"\$(stat -c %a '$state/recordings')\" = 700 ] &&
     [ \"\$(stat -c %a '$f1')\" = 600 ] && cmp -s '$f1' '$work/r1.cast'"

# ---- isolation and permissions ----------------------------------------------
bl=$(api "$KB" GET /v1/recordings | body | jx '[r["id"] for r in d["items"]]')
check "bob lists none of alice's recordings ($bl)" [ "$bl" = "[]" ]
al=$(api "$KA" GET /v1/recordings | body | jx '[r["id"] for r in d["items"]]')
check "alice lists hers ($al)" [ "$al" = "[$r1]" ]
iso=
for req in "GET /v1/recordings/$r1" "GET /v1/recordings/$r1/cast" \
    "POST /v1/recordings/$r1/ticket"; do
	set -- $req
	got=$(api "$KB" "$@" | status)
	[ "$got" = 404 ] || iso="$iso [$req -> $got]"
done
check "bob gets 404 for alice's recording everywhere$iso" [ -z "$iso" ]
expect 403 "a tenant key cannot delete a recording" "$KA" DELETE "/v1/recordings/$r1"
expect 401 "no key, no ticket: 401" "" GET "/v1/recordings/$r1/cast"
expect 400 "a bad filter is refused" "$OPKEY" GET "/v1/recordings?server_id=x"

# ---- one-time download ticket for the replay page ------------------------------
tj=$(api "$KA" POST "/v1/recordings/$r1/ticket" | body)
turl=$(echo "$tj" | jget '["url"]')
check "a ticket URL for the replay page ($(echo "$turl" | sed 's/ticket=.*/ticket=.../'))" sh -c \
    "echo '$turl' | grep -q '^$BASE/console/replay.html#url=/v1/recordings/$r1/cast?ticket=vcmt_'"
tpath=${turl#*#url=}
st=$(download "" "$tpath" "$work/r1t.cast")
check "the ticket downloads the same file without a key ($st)" sh -c \
    "[ '$st' = 200 ] && cmp -s '$work/r1.cast' '$work/r1t.cast'"
st=$(download "" "$tpath" "$work/r1t2.cast")
check "the ticket works once ($st)" [ "$st" = 401 ]
tk2=$(api "$OPKEY" POST "/v1/recordings/$r1/ticket" | body | jget '["ticket"]')
st=$(download "" "/v1/recordings/$((r1 + 1000))/cast?ticket=$tk2" "$work/x.cast")
check "a ticket opens only its own recording ($st)" [ "$st" = 401 ]
au=$(api "$OPKEY" GET "/v1/audit?grant_id=$ga&limit=1000" | body | jx '" ".join(sorted(set(a["action"] + "=" + a["actor"] for a in d["items"] if a["action"].startswith("recording."))))')
check "downloads and tickets are audited, a ticket's download as its maker's ($au)" sh -c \
    "echo '$au' | grep -q 'recording.download=key:' && echo '$au' | grep -q 'recording.ticket=key:' &&
     echo '$au' | grep -q 'recording.download=ticket/key:'"

# ---- keystrokes with recording_input = yes; a running one is not deleted ------
check "SIGTERM stops vcmd cleanly" vcmd_stop
if vcmd_start -o recording_input=yes; then ok "vcmd restarts with recording_input=yes"; else
	not_ok "vcmd restarts with recording_input=yes"; exit 1; fi
t2=$(api "$KA" POST "/v1/grants/$ga/console" | body | jget '["ticket"]')
timeout 30 $CONSOLE --url "$WSURL" --cacert "$cert" --ticket "$t2" \
    --send 'whoami\r' --secs 4 > "$work/con2.log" 2>&1 &
cpid=$!
wait_live "$work/con2.log" || diag "console 2 not live"
r2=$(api "$OPKEY" GET "/v1/recordings?grant_id=$ga" | body | jx 'max(r["id"] for r in d["items"])')
expect 409 "a running recording cannot be deleted" "$OPKEY" DELETE "/v1/recordings/$r2"
wait "$cpid"
rec_ended "$r2" > /dev/null
download "$OPKEY" "/v1/recordings/$r2/cast" "$work/r2.cast" > /dev/null
cc=$(castcheck "$work/r2.cast")
check "with recording_input=yes the keystrokes are \"i\" events ($cc)" sh -c \
    "echo '$cc' | grep -q '^ok .* i=[1-9]' && grep -q 'whoami' '$work/r2.cast.in'"

# ---- size limit; retention at start ----------------------------------------------
check "SIGTERM stops vcmd cleanly again" vcmd_stop
# Recording 1 ended three days ago, as far as vcmd can tell.
$PY - "$state/vcm.db" "$r1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE recordings SET started = started - 3 * 86400000,"
           " ended = ended - 3 * 86400000 WHERE id = ?", (int(sys.argv[2]),))
db.commit()
EOF
# The boot transcript alone records as about 2,200 bytes.
if vcmd_start -o recording_max_bytes=1500 -o recording_retention_days=2; then
	ok "vcmd restarts with a 1500-byte limit and 2 days' retention"
else
	not_ok "vcmd restarts with a 1500-byte limit"; exit 1
fi
expect 404 "the 3-day-old recording is gone at start" "$OPKEY" GET "/v1/recordings/$r1"
check "its file is gone too" [ ! -e "$f1" ]
expect 200 "the recent one is kept" "$OPKEY" GET "/v1/recordings/$r2"
check "the expiry is audited" sh -c \
    "curl -sS --cacert '$cert' -H 'Authorization: Bearer $OPKEY' '$BASE/v1/audit?grant_id=$ga&limit=1000' | grep -q 'recording.expire'"
t3=$(api "$KA" POST "/v1/grants/$ga/console" | body | jget '["ticket"]')
timeout 30 $CONSOLE --url "$WSURL" --cacert "$cert" --ticket "$t3" \
    --secs 6 > "$work/con3.log" 2>&1 &
cpid=$!
wait_live "$work/con3.log" || diag "console 3 not live"
api "$OPKEY" POST "/v1/servers/$sa/power" '{"action":"cycle"}' > /dev/null
wait "$cpid"
r3=$(api "$OPKEY" GET "/v1/recordings?grant_id=$ga" | body | jx 'max(r["id"] for r in d["items"])')
row3=$(rec_ended "$r3")
download "$OPKEY" "/v1/recordings/$r3/cast" "$work/r3.cast" > /dev/null
cc=$(castcheck "$work/r3.cast")
check "at the size limit: truncated, at most 1500 bytes, ends with a marker ($(wc -c < "$work/r3.cast") bytes; $cc)" sh -c \
    "echo '$row3' | grep -q '\"truncated\":true' && [ \$(wc -c < '$work/r3.cast') -le 1500 ] &&
     echo '$cc' | grep -q '^ok .* m=1 last=m' && grep -q 'size limit reached' '$work/r3.cast.out'"

# ---- delete ---------------------------------------------------------------------
expect 204 "the operator deletes a recording" "$OPKEY" DELETE "/v1/recordings/$r2"
expect 404 "then it is gone" "$OPKEY" GET "/v1/recordings/$r2"
check "with its file, and the delete is audited" sh -c \
    "[ ! -e '$state/recordings/$r2.cast' ] &&
     curl -sS --cacert '$cert' -H 'Authorization: Bearer $OPKEY' '$BASE/v1/audit?grant_id=$ga&limit=1000' | grep -q 'recording.delete'"

# ---- a recording left running by a killed vcmd --------------------------------
check "SIGTERM stops vcmd cleanly once more" vcmd_stop
if vcmd_start; then ok "vcmd restarts on its defaults"; else
	not_ok "vcmd restarts on its defaults"; exit 1; fi
t4=$(api "$KA" POST "/v1/grants/$ga/console" | body | jget '["ticket"]')
timeout 30 $CONSOLE --url "$WSURL" --cacert "$cert" --ticket "$t4" \
    --out "$work/con4.bin" --secs 20 > "$work/con4.log" 2>&1 &
cpid=$!
wait_live "$work/con4.log" || diag "console 4 not live"
r4=$(api "$OPKEY" GET "/v1/recordings?grant_id=$ga" | body | jx 'max(r["id"] for r in d["items"])')
# Output to record, then the kill while the boot still prints: the
# flush timer has written the first part.
api "$OPKEY" POST "/v1/servers/$sa/power" '{"action":"cycle"}' > /dev/null
i=0
while [ $i -lt 100 ] && ! grep -q 'Memory Test' "$work/con4.bin" 2> /dev/null; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1.5
kill -KILL "$VCMD_PID"
wait "$VCMD_PID" 2> /dev/null
VCMD_PID=
kill "$cpid" 2> /dev/null
wait "$cpid" 2> /dev/null
sleep 1
if vcmd_start; then ok "vcmd restarts after kill -9"; else not_ok "vcmd restarts after kill -9"; exit 1; fi
row4=$(api "$OPKEY" GET "/v1/recordings/$r4" | body)
download "$OPKEY" "/v1/recordings/$r4/cast" "$work/r4.cast" > /dev/null
cc=$(castcheck "$work/r4.cast")
check "the crashed one is closed: ended, truncated, size of its valid file ($cc)" sh -c \
    "echo '$row4' | $PY -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d[\"ended\"] and d[\"truncated\"] is True and
    d[\"bytes\"] == $(wc -c < "$work/r4.cast") else 1)' &&
     echo '$cc' | grep -q '^ok events=[1-9][0-9]* .* m=0'"

check "vcmd stops cleanly at the end" vcmd_stop
if grep -q 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer' "$work/vcmd.log"; then
	not_ok "no sanitizer report from vcmd"
	grep -A20 'Sanitizer\|runtime error' "$work/vcmd.log" | head -n 40 | sed 's/^/# /'
else
	ok "no sanitizer report from vcmd"
fi
