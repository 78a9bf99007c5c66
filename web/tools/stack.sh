#!/bin/sh
# Manual checking of the console page: bmcsim (3 BMCs on 127.34.0.0/24)
# and vcmd (loopback, static_dir=build/web), inventory made through the
# API. Writes DIR/env (BASE, CERT, OPKEY, KEY, SERVER, BMCSIM_SOCK) for
# web/tools/check.mjs and stays in the foreground; Ctrl-C or SIGTERM
# stops both, by PID.
#
#	web/tools/stack.sh DIR [BUILD]	(BUILD default build/san)
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dir=$1
b=${2:-build/san}
PW='web-check-pw'
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rm -rf "$dir/state"

scripts/build-web > /dev/null

cat > "$dir/fleet.conf" <<EOF
defaults user=admin:$PW:admin
group addrs=127.34.0.0/24 count=3
EOF
"$b/bin/bmcsim" --config "$dir/fleet.conf" --control "$dir/ctl.sock" \
    > "$dir/bmcsim.out" 2> "$dir/bmcsim.err" &
sim=$!
vcmd=
stop() {
	trap - EXIT INT TERM
	if [ -n "$vcmd" ] && kill -TERM "$vcmd" 2> /dev/null; then
		wait "$vcmd" || :
	fi
	if kill -TERM "$sim" 2> /dev/null; then
		wait "$sim" || :
	fi
}
trap stop EXIT
trap 'exit 0' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$b/bin/vcmd" -o listen=127.0.0.1 -o port="$port" -o state_dir="$dir/state" \
    -o engine_bind=127.0.0.1 -o static_dir="$root/build/web" \
    -o grant_max_s=86400 > "$dir/vcmd.out" 2> "$dir/vcmd.log" &
vcmd=$!
i=0
until grep -q 'listening on' "$dir/vcmd.out" 2> /dev/null; do
	i=$((i + 1))
	if [ $i -ge 100 ] || ! kill -0 "$vcmd" 2> /dev/null; then
		echo "stack: vcmd did not start" >&2
		cat "$dir/vcmd.log" >&2
		exit 1
	fi
	sleep 0.1
done
i=0
until grep -q '^ready' "$dir/bmcsim.out" 2> /dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "stack: bmcsim not ready" >&2; exit 1; }
	sleep 0.1
done

BASE=https://127.0.0.1:$port
CERT=$dir/state/tls/cert.pem
OPKEY=$(cat "$dir/state/operator.key")
api() {
	curl -sS --max-time 15 --cacert "$CERT" -X "$2" \
	    -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
	    ${4:+--data-binary "$4"} "$BASE$3"
}
jget() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

site=$(api "$OPKEY" POST /v1/sites '{"name":"fra1"}' | jget id)
pool=$(api "$OPKEY" POST /v1/pools "{\"site_id\":$site,\"name\":\"bmc-net\",\"cidr\":\"127.34.0.0/24\"}" | jget id)
ten=$(api "$OPKEY" POST /v1/tenants '{"name":"alice"}' | jget id)
bmc=$(api "$OPKEY" POST /v1/bmcs "{\"name\":\"bmc1\",\"address\":\"127.34.0.1\",\"user\":\"admin\",\"password\":\"$PW\",\"site_id\":$site,\"pool_id\":$pool}" | jget id)
srv=$(api "$OPKEY" POST /v1/servers "{\"tenant_id\":$ten,\"bmc_id\":$bmc,\"name\":\"web1\"}" | jget id)
key=$(api "$OPKEY" POST /v1/keys "{\"name\":\"panel\",\"tenant_id\":$ten}" | jget token)

cat > "$dir/env" <<EOF
BASE=$BASE
CERT=$CERT
OPKEY=$OPKEY
KEY=$key
SERVER=$srv
BMCSIM_SOCK=$dir/ctl.sock
EOF
echo "stack: ready: $BASE (vcmd $vcmd, bmcsim $sim); env in $dir/env"
wait "$vcmd"
