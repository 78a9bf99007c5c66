# Small helpers for the bmcsim quirk, fault and control tests
# (tests/integration/bmcsim-{quirks,faults,control}.sh); source this
# file after tests/lib/tap.sh. Every process started here is recorded by
# PID and stopped through `atexit`, also when a check fails.
#
#	bq_init NAME		scratch directory $BQ_DIR, helper scripts
#	bq_start ARGS...	start bmcsim ARGS --control $BQ_SOCK and wait
#				for "ready"; sets BQ_PID
#	bq_stop			SIGTERM, wait (≤ 10 s); exit status in BQ_RC
#	bq_ctl LINE...		one control connection, one command per
#				argument; prints every reply line; 0 if
#				every reply was "ok"
#	bq_ipmitool ADDR ARGS...	ipmitool -I lanplus -C 17, admin,
#				bounded by `timeout`
#	bq_sol_start NAME ADDR SECS [OPTS]	`ipmitool sol activate` on a
#				pty (script(1)) for at most SECS seconds;
#				output in $BQ_DIR/NAME.out, keystrokes
#				through bq_sol_type
#	bq_sol_type NAME TEXT	types TEXT (printf format) into it
#	bq_sol_stop NAME	stops it (by the PIDs recorded at start)
#	bq_sol_client_pid NAME	the PID of its ipmitool process
#	bq_wait_grep FILE RE SECS	polls until FILE matches RE
#
# The BMCs have one user, admin/secret. Port 623 as root, else 9623.

BQ_USER=admin
BQ_PASSWORD=secret
if [ "$(id -u)" -eq 0 ]; then BQ_PORT=${BQ_PORT:-623}; else BQ_PORT=${BQ_PORT:-9623}; fi
BQ_SIM=$VCM_BUILD/bin/bmcsim
BQ_PID=
BQ_RC=
BQ_SOLS=""

bq_init() {
	BQ_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vcm-$1.XXXXXX") || exit 1
	atexit "rm -rf '$BQ_DIR'"
	BQ_SOCK=$BQ_DIR/ctl.sock
	# The control client: one connection, one command per argument,
	# reads each reply up to its "ok" / "err" line (5 s bound each).
	cat > "$BQ_DIR/ctl.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
    f = s.makefile('rb')
    bad = 0
    for line in sys.argv[2:]:
        s.sendall(line.encode() + b'\n')
        while True:
            l = f.readline()
            if not l:
                sys.exit(3)
            sys.stdout.write(l.decode('utf-8', 'replace'))
            if l.startswith(b'ok'):
                break
            if l.startswith(b'err'):
                bad = 1
                break
    sys.exit(bad)
except BrokenPipeError:
    sys.exit(3)
except (OSError, socket.timeout) as e:
    sys.stderr.write('ctl: %s\n' % e)
    sys.exit(3)
EOF
}

bq_start() {
	"$BQ_SIM" "$@" --control "$BQ_SOCK" > "$BQ_DIR/sim.out" \
	    2> "$BQ_DIR/sim.err" &
	BQ_PID=$!
	atexit bq_stop
	_i=0
	while [ $_i -lt 100 ]; do
		grep -q '^ready ' "$BQ_DIR/sim.out" 2>/dev/null && return 0
		kill -0 "$BQ_PID" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	sed 's/^/# bmcsim: /' "$BQ_DIR/sim.err" | tail -n 20
	return 1
}

# Stops bmcsim once; later calls do nothing (no reused PID is hit).
bq_stop() {
	[ -n "$BQ_PID" ] || return 0
	kill -TERM "$BQ_PID" 2>/dev/null
	_i=0
	while kill -0 "$BQ_PID" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$BQ_PID" 2>/dev/null; then
		kill -KILL "$BQ_PID" 2>/dev/null
		wait "$BQ_PID" 2>/dev/null
		BQ_RC=timeout
	else
		wait "$BQ_PID" 2>/dev/null
		BQ_RC=$?
	fi
	BQ_PID=
}

bq_ctl() {
	timeout 10 python3 "$BQ_DIR/ctl.py" "$BQ_SOCK" "$@"
}

bq_ipmitool() {
	_a=$1
	shift
	timeout 20 ipmitool -I lanplus -C 17 -H "$_a" -p "$BQ_PORT" \
	    -U "$BQ_USER" -P "$BQ_PASSWORD" "$@"
}

bq_sol_start() {
	_n=$1 _a=$2 _s=$3
	shift 3
	rm -f "$BQ_DIR/$_n.in" "$BQ_DIR/$_n.out"
	mkfifo "$BQ_DIR/$_n.in" || return 1
	timeout "$_s" script -qfec "ipmitool -I lanplus -C 17 -H $_a \
-p $BQ_PORT -U $BQ_USER -P $BQ_PASSWORD $* sol activate" /dev/null \
	    < "$BQ_DIR/$_n.in" > "$BQ_DIR/$_n.out" 2>&1 &
	eval "BQ_SOL_$_n=$!"
	# Holds the fifo open so the console sees no EOF; bq_sol_type
	# writes through it as a second writer.
	sleep "$_s" > "$BQ_DIR/$_n.in" &
	eval "BQ_SOLW_$_n=$!"
	BQ_SOLS="$BQ_SOLS $_n"
	atexit "bq_sol_stop $_n"
}

bq_sol_type() {
	# Bounded: opening the fifo would block once its reader is gone.
	[ -p "$BQ_DIR/$1.in" ] || return 1
	timeout 2 sh -c 'printf "$1" > "$2"' sh "$2" "$BQ_DIR/$1.in"
}

bq_sol_stop() {
	eval "_p=\$BQ_SOL_$1 _w=\$BQ_SOLW_$1"
	[ -n "$_p" ] && kill "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
	[ -n "$_w" ] && kill "$_w" 2>/dev/null && wait "$_w" 2>/dev/null
	eval "BQ_SOL_$1= BQ_SOLW_$1="
	return 0
}

# The ipmitool under timeout -> script -> ipmitool.
bq_sol_client_pid() {
	eval "_p=\$BQ_SOL_$1"
	[ -n "$_p" ] || return 1
	_s=$(ps -o pid= --ppid "$_p" 2>/dev/null | head -n 1 | tr -d ' ')
	[ -n "$_s" ] || return 1
	ps -o pid= --ppid "$_s" 2>/dev/null | head -n 1 | tr -d ' '
}

bq_wait_grep() {
	_i=0
	while [ $_i -lt $(($3 * 10)) ]; do
		grep -aq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# bq_wait_ctl SECS RE LINE: repeats control command LINE until its
# reply matches RE (extended regex).
bq_wait_ctl() {
	_i=0
	while [ $_i -lt $(($1 * 10)) ]; do
		_r=$(bq_ctl "$3" 2>/dev/null)
		# printf, not echo: dash's echo expands the \r of escaped replies.
		printf '%s\n' "$_r" | grep -Eq -- "$2" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
