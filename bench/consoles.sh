#!/bin/sh
# Concurrent consoles (issue 5, bench (b)): 1,000 and 5,000 consoles,
# each host printing 200 bytes/s, one in-process viewer per console.
#
# For each N: one release bmcsim serves N BMCs on 127.23.32.0/19 (the
# benchmarks' range; BMC k is the k-th address after the network
# address, so the fleet is 127.23.32.1 .. first + N - 1) whose hosts
# print stamp lines at output=200 (docs/bmcsim.md, "Stamp lines");
# bench_consoles opens one console per BMC, waits until all are live,
# settles, measures for BENCH_CONSOLES_SECONDS, then tears every
# console down and counts the verified teardowns. bmcsim runs on core
# 0, bench_consoles on core 1 (taskset). bmcsim's CPU over the measured
# window is read from /proc/<bmcsim pid>/stat by bench_consoles itself
# at the window's two edges (-P), so both processes are measured over
# exactly the same interval. Everything runs under timeout; bmcsim is
# stopped by its PID on exit. Exit status 1 if any run failed (not all
# live, or a teardown not verified).
set -eu
B=${VCM_BUILD:-build/rel}
NS=${BENCH_CONSOLES_N:-"1000 5000"}
SECS=${BENCH_CONSOLES_SECONDS:-20}
SETTLE=${BENCH_CONSOLES_SETTLE:-3}
RATE=200
NET=127.23.32.0/19
FIRST=127.23.32.1
# A /19 holds 8,190 BMCs; bmcsim's own limit is 10,000.
N_MAX=8190
BMC_USER=admin
BMC_PASS=secret
# Opening 5,000 consoles and tearing them down take seconds; this only
# bounds a run that went wrong.
CALL_SECS=$((SECS + SETTLE + 300))

dir=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-consoles.XXXXXX")
pid=""
stop_sim() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
	fi
}
cleanup() {
	stop_sim
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "bench/consoles.sh: $*" >&2
	exit 1
}

for p in bin/bmcsim bench/bench_consoles; do
	[ -x "$B/$p" ] || die "$B/$p missing: make SANITIZE=0 all $B/$p"
done

SIM_PIN=""
CLI_PIN=""
if command -v taskset >/dev/null 2>&1 &&
    [ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ]; then
	SIM_PIN="taskset -c 0"
	CLI_PIN="taskset -c 1"
fi

# bmcsim holds one UDP socket per BMC; vcm a handful.
need=$((N_MAX + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
	ulimit -n "$need" 2>/dev/null ||
	    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi

# last N: the dotted address of the N-th BMC (FIRST + N - 1).
last() {
	awk -v n="$1" 'BEGIN {
		a = 127 * 16777216 + 23 * 65536 + 32 * 256 + 1 + n - 1
		printf "%d.%d.%d.%d\n", int(a / 16777216) % 256,
		    int(a / 65536) % 256, int(a / 256) % 256, a % 256
	}'
}

# field NAME LINE: the value of NAME=... in a result line.
field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# Control: the machine's own cross-core wake-up latency (no vcm), so
# the latencies below can be read against what a bare UDP datagram
# from core 0 to core 1 costs here (bench/udp_floor.py).
floor=""
if command -v python3 >/dev/null 2>&1; then
	floor=$(timeout 60 python3 bench/udp_floor.py 2000 0.002 || true)
	echo "$floor"
fi

rc=0
results=""
for n in $NS; do
	[ "$n" -ge 1 ] && [ "$n" -le "$N_MAX" ] || die "N $n out of 1..$N_MAX"
	cat > "$dir/fleet.conf" <<EOF
group addrs=$NET count=$n user=$BMC_USER:$BMC_PASS:admin output=$RATE stamp=on
EOF
	: > "$dir/sim.out"
	$SIM_PIN "$B/bin/bmcsim" --config "$dir/fleet.conf" \
	    > "$dir/sim.out" 2> "$dir/sim.err" &
	pid=$!
	i=0
	while ! grep -q "^ready $n\$" "$dir/sim.out" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
			cat "$dir/sim.err" >&2
			die "bmcsim did not get ready with $n BMCs"
		fi
		sleep 0.1
	done
	echo "== $n consoles: $FIRST .. $(last "$n"), ${SECS} s window" \
	    "after ${SETTLE} s settle" >&2
	echo "   $SIM_PIN $B/bin/bmcsim --config FILE  # $(cat "$dir/fleet.conf")" >&2
	echo "   timeout $CALL_SECS $CLI_PIN $B/bench/bench_consoles -n $n" \
	    "-a $FIRST -d $SECS -s $SETTLE -r $RATE -u $BMC_USER" \
	    "-p $BMC_PASS -P $pid" >&2
	line=$(timeout "$CALL_SECS" $CLI_PIN "$B/bench/bench_consoles" \
	    -n "$n" -a "$FIRST" -d "$SECS" -s "$SETTLE" -r "$RATE" \
	    -u "$BMC_USER" -p "$BMC_PASS" -P "$pid") || rc=1
	stop_sim
	echo "$line"
	results="$results$line
"
done

echo
echo "| N | live | vcm CPU | vcm CPU / console | vcm RSS / console | p50 | p99 | max | lines / expected | teardowns verified | bmcsim CPU |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
echo "$results" | while IFS= read -r line; do
	[ -n "$line" ] || continue
	printf '| %s | %s | %s %% | %s µs/s | %s KiB | %s µs | %s µs | %s µs | %s / %s | %s | %s %% |\n' \
	    "$(field n "$line")" "$(field live "$line")" \
	    "$(field cpu_pct "$line")" \
	    "$(field cpu_us_per_console_s "$line")" \
	    "$(field rss_per_console_kib "$line")" \
	    "$(field lat_p50_us "$line")" "$(field lat_p99_us "$line")" \
	    "$(field lat_max_us "$line")" "$(field lines "$line")" \
	    "$(field expected "$line")" "$(field teardown_verified "$line")" \
	    "$(field bmcsim_cpu_pct "$line")"
done
[ -z "$floor" ] || echo "control, bare UDP core 0 -> core 1 every 2 ms:" \
    "p50 $(field p50_us "$floor") µs, p99 $(field p99_us "$floor") µs," \
    "max $(field max_us "$floor") µs"
exit "$rc"
