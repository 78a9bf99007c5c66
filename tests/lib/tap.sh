# TAP helpers for shell tests; source this file. Every test script
# prints "1..N" (plan) and one "ok"/"not ok" line per check, which
# tests/run-all adds up. Cleanup: register commands with `atexit`;
# they run on exit, also when a check fails or the script is killed.

tap_n=0
tap_failed=0
tap_cleanups=""

tap_plan() { echo "1..$1"; }

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check DESC CMD...: runs CMD, ok if it exits 0.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

diag() { echo "# $*"; }

atexit() { tap_cleanups="$*; $tap_cleanups"; }

tap_cleanup() {
	trap - EXIT INT TERM
	eval "$tap_cleanups" 2>/dev/null
}
trap 'tap_cleanup' EXIT
trap 'tap_cleanup; exit 1' INT TERM

# The build directory of the variant under test (set by make).
VCM_BUILD=${VCM_BUILD:-build/san}
