# bmcsim, our simulated BMC fleet, as a peer for shell tests; source this
# file after tests/lib/tap.sh (it registers its cleanups with `atexit`).
#
#	bmcsim_start ADDRS COUNT [ARGS...]
#				start `bmcsim --addrs ADDRS --count COUNT
#				--user admin --password secret` plus ARGS,
#				with a control socket, and wait for "ready
#				COUNT"; sets BMCSIM_PID, BMCSIM_DIR (scratch),
#				BMCSIM_SOCK
#	bmcsim_start_config FILE COUNT [ARGS...]
#				the same for `bmcsim --config FILE`
#	bmcsim_stop		SIGTERM by PID; fails unless bmcsim exits 0
#				in time and its stderr has no sanitizer report
#	simctl CMD...		one control-protocol command; prints the
#				data lines, fails (message on stderr) on err
#	con_start N CMD		run CMD (a SOL client) under script(1) with
#				a FIFO as its keyboard on fd N (7 or 8)
#	con_send N TEXT		type TEXT (printf %b escapes: \r, \n)
#	con_mark N		remember how much output console N has shown
#	con_wait N RE SECS	wait until a line of the output after the
#				mark matches the grep RE (CR removed)
#	con_end N SECS		close the keyboard, wait for the client to
#				exit (SIGTERM after SECS); its status in
#				CON_RC
#
# Only processes started here are stopped, by their PID; bmcsim runs as
# one process (the build's bmcsim, ASan in build/san), so its PID is the
# program's own. Everything waits with a bound in count and time.

BMCSIM_USER=admin
BMCSIM_PASSWORD=secret
BMCSIM_PID=
BMCSIM_DIR=
BMCSIM_SOCK=
BMCSIM_BIN=${VCM_BUILD:-build/san}/bin/bmcsim
# Seconds bmcsim may take to start (bind COUNT sockets) and to stop
# (close them, then LeakSanitizer's scan at exit under ASan).
BMCSIM_START_SECS=${BMCSIM_START_SECS:-30}
BMCSIM_STOP_SECS=${BMCSIM_STOP_SECS:-30}

# bmcsim_have: 0 if the program is built.
bmcsim_have() { [ -x "$BMCSIM_BIN" ]; }

bmcsim_start() {
	_ba=$1 _bn=$2
	shift 2
	case $_ba in
	127.*) ;;
	*) echo "bmcsim_start: refusing non-loopback range $_ba" >&2
	   return 1 ;;
	esac
	_bmcsim_run "$_bn" --addrs "$_ba" --count "$_bn" \
	    --user "$BMCSIM_USER" --password "$BMCSIM_PASSWORD" "$@"
}

bmcsim_start_config() {
	_bf=$1 _bn=$2
	shift 2
	_bmcsim_run "$_bn" --config "$_bf" "$@"
}

# _bmcsim_run COUNT ARGS...: the common start.
_bmcsim_run() {
	_bn=$1
	shift
	if [ -n "$BMCSIM_PID" ]; then
		echo "bmcsim_start: one bmcsim per test script" >&2
		return 1
	fi
	BMCSIM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bmcsim.XXXXXX") ||
	    return 1
	# Registered first, so it runs after bmcsim_stop (atexit prepends).
	atexit "rm -rf '$BMCSIM_DIR'"
	BMCSIM_SOCK=$BMCSIM_DIR/ctl.sock
	"$BMCSIM_BIN" "$@" --control "$BMCSIM_SOCK" \
	    > "$BMCSIM_DIR/stdout" 2> "$BMCSIM_DIR/stderr" &
	BMCSIM_PID=$!
	atexit bmcsim_stop
	# Bounded wait: BMCSIM_START_SECS in steps of 0.1 s.
	_bi=0
	while [ $_bi -lt $((BMCSIM_START_SECS * 10)) ]; do
		if grep -qx "ready $_bn" "$BMCSIM_DIR/stdout" 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$BMCSIM_PID" 2>/dev/null; then
			wait "$BMCSIM_PID"
			echo "bmcsim_start: bmcsim exited ($?) before ready;" \
			    "stderr:" >&2
			sed 's/^/  /' "$BMCSIM_DIR/stderr" >&2
			BMCSIM_PID=
			return 1
		fi
		sleep 0.1
		_bi=$((_bi + 1))
	done
	echo "bmcsim_start: no \"ready $_bn\" after $BMCSIM_START_SECS s" >&2
	bmcsim_stop
	return 1
}

# bmcsim_sanitizer_report: 0 (and the report on stdout as # lines) if the
# sanitizers said anything in bmcsim's stderr.
bmcsim_sanitizer_report() {
	grep -E -A 12 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer' \
	    "$BMCSIM_DIR/stderr" 2>/dev/null | head -n 40 | sed 's/^/# asan: /' |
	    grep . 
}

bmcsim_stop() {
	[ -n "$BMCSIM_PID" ] || return 0
	_bp=$BMCSIM_PID
	BMCSIM_PID=
	_brc=0
	kill -TERM "$_bp" 2>/dev/null
	_bi=0
	while kill -0 "$_bp" 2>/dev/null &&
	    [ $_bi -lt $((BMCSIM_STOP_SECS * 10)) ]; do
		sleep 0.1
		_bi=$((_bi + 1))
	done
	BMCSIM_STOP_MS=$((_bi * 100))
	if kill -0 "$_bp" 2>/dev/null; then
		echo "# bmcsim $_bp still running $BMCSIM_STOP_SECS s after" \
		    "SIGTERM: SIGKILL"
		kill -KILL "$_bp" 2>/dev/null
		_brc=1
	fi
	wait "$_bp"
	_bst=$?
	if [ $_bst -ne 0 ]; then
		echo "# bmcsim exited with status $_bst after SIGTERM"
		tail -n 5 "$BMCSIM_DIR/stderr" | sed 's/^/# stderr: /'
		_brc=1
	fi
	if bmcsim_sanitizer_report; then
		_brc=1
	fi
	return $_brc
}

# simctl CMD...: the words joined by blanks make one line.
simctl() {
	timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(8)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
buf = b""
while True:
    nl = buf.find(b"\n")
    if nl < 0:
        d = s.recv(65536)
        if not d:
            sys.exit("simctl: connection closed before ok/err")
        buf += d
        continue
    line, buf = buf[:nl].rstrip(b"\r").decode("utf-8", "replace"), buf[nl + 1:]
    if line == "ok":
        sys.exit(0)
    if line.startswith("err"):
        sys.exit("simctl: " + line)
    print(line, flush=True)
' "$BMCSIM_SOCK" "$*"
}

# ---- SOL clients under script(1) -------------------------------------

con_start() {
	_cn=$1
	shift
	case $_cn in
	7|8) ;;
	*) echo "con_start: console fd must be 7 or 8" >&2; return 1 ;;
	esac
	_cd=$BMCSIM_DIR/con$_cn
	rm -f "$_cd.in" "$_cd.out"
	mkfifo "$_cd.in" || return 1
	: > "$_cd.out"
	eval "con_mark_$_cn=0"
	# 90 s at most, whatever happens; -e: script exits with CMD's status.
	timeout 90 script -qfec "$*" /dev/null < "$_cd.in" > "$_cd.out" 2>&1 &
	eval "con_pid_$_cn=$!"
	# Opens once the background job has opened the FIFO for reading.
	eval "exec $_cn> '$_cd.in'"
	atexit "con_kill $_cn"
}

con_send() {
	case $1 in
	7) printf '%b' "$2" >&7 ;;
	8) printf '%b' "$2" >&8 ;;
	esac
}

con_out() { tr -d '\r' < "$BMCSIM_DIR/con$1.out"; }

con_mark() {
	eval "con_mark_$1=$(wc -c < "$BMCSIM_DIR/con$1.out")"
}

# con_since N: the output after the mark, CR removed.
con_since() {
	eval "_cm=\$con_mark_$1"
	tail -c +$((_cm + 1)) "$BMCSIM_DIR/con$1.out" | tr -d '\r'
}

con_wait() {
	_cw=0
	while [ $_cw -lt $(($3 * 10)) ]; do
		if con_since "$1" | grep -q -- "$2"; then
			return 0
		fi
		sleep 0.1
		_cw=$((_cw + 1))
	done
	con_since "$1" | grep -q -- "$2"
}

# con_running N: 0 while the client still runs.
con_running() {
	eval "_cp=\$con_pid_$1"
	[ -n "$_cp" ] && kill -0 "$_cp" 2>/dev/null
}

# con_exited N SECS: waits up to SECS for the client to exit by itself;
# its status in CON_RC.
con_exited() {
	eval "_cp=\$con_pid_$1"
	[ -n "$_cp" ] || return 1
	_cw=0
	while kill -0 "$_cp" 2>/dev/null && [ $_cw -lt $(($2 * 10)) ]; do
		sleep 0.1
		_cw=$((_cw + 1))
	done
	kill -0 "$_cp" 2>/dev/null && return 1
	wait "$_cp"
	CON_RC=$?
	eval "con_pid_$1="
	eval "exec $1>&-"
	return 0
}

con_end() {
	eval "exec $1>&-"
	con_exited "$1" "$2" && return 0
	con_kill "$1"
	return 1
}

con_kill() {
	eval "_cp=\$con_pid_$1"
	[ -n "$_cp" ] || return 0
	eval "exec $1>&-"
	kill -TERM "$_cp" 2>/dev/null
	_cw=0
	while kill -0 "$_cp" 2>/dev/null && [ $_cw -lt 30 ]; do
		sleep 0.1
		_cw=$((_cw + 1))
	done
	kill -KILL "$_cp" 2>/dev/null
	wait "$_cp"
	CON_RC=$?
	eval "con_pid_$1="
}
