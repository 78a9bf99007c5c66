# vcmd, the daemon, for shell tests; source after tests/lib/tap.sh and
# set VCMD, work (a scratch directory), port and state first.
#
#	vcmd_start [-o name=value ...]
#				start vcmd on 127.0.0.1:$port with its state
#				in $state, short lingers and idle times for
#				tests, logs in $work/vcmd.{out,log}; wait for
#				"listening on"; sets VCMD_PID
#	vcmd_stop		SIGTERM by PID, SIGKILL after 15 s; fails
#				unless vcmd exits 0 (its log tail as diag)
#	status, body		the status line / the body of api()'s output
#	jget PATH, jx EXPR	a JSON field ('["id"]') / a Python expression
#				over the JSON document d, from stdin
#
# The caller registers `atexit vcmd_stop`.

VCMD_PID=
PY=${PY:-/usr/bin/python3}

vcmd_start() {
	: > "$work/vcmd.out"
	"$VCMD" -o listen=127.0.0.1 -o port="$port" -o state_dir="$state" \
	    -o engine_bind=127.0.0.1 -o console_linger_ms=300 \
	    -o session_idle_ms=1000 -o log_level=debug "$@" \
	    > "$work/vcmd.out" 2>> "$work/vcmd.log" &
	VCMD_PID=$!
	_i=0
	while [ $_i -lt 100 ]; do
		grep -q 'listening on' "$work/vcmd.out" 2> /dev/null && return 0
		kill -0 "$VCMD_PID" 2> /dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

vcmd_stop() {
	[ -n "$VCMD_PID" ] || return 0
	kill -TERM "$VCMD_PID" 2> /dev/null
	_i=0
	while kill -0 "$VCMD_PID" 2> /dev/null && [ $_i -lt 150 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$VCMD_PID" 2> /dev/null; then
		kill -KILL "$VCMD_PID"
		wait "$VCMD_PID" 2> /dev/null
		VCMD_PID=
		return 1
	fi
	wait "$VCMD_PID"
	_rc=$?
	VCMD_PID=
	[ $_rc = 0 ] || { diag "vcmd exited $_rc"; tail -n 15 "$work/vcmd.log" | sed 's/^/# /'; }
	return $_rc
}

status() { tail -n 1; }
body() { sed '$d'; }
jget() { $PY -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
jx() { $PY -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
