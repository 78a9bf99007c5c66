#!/bin/sh
# RSS and CPU of an idle bmcsim fleet: 1,000 and 10,000 BMCs (release
# build). Each fleet is started, left idle for a while, measured from
# /proc, and stopped by PID. Target (issue 4): < 4 KiB RSS per idle BMC.
set -eu
B=${VCM_BUILD:-build/rel}
IDLE=${BENCH_IDLE_SECONDS:-10}
dir=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

ticks=$(getconf CLK_TCK)
printf '%-8s %10s %12s %14s %12s\n' bmcs rss_kib rss_per_bmc cpu_ms_idle startup_ms
for n in 1000 10000; do
	# 127.23.0.0/16 is the benchmarks' range (tests/README.md).
	t0=$(date +%s%N)
	"$B/bin/bmcsim" --addrs 127.23.0.0/16 --count "$n" --user admin \
	    --password secret > "$dir/out" 2> "$dir/err" &
	pid=$!
	i=0
	until grep -q "^ready $n" "$dir/out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "bmcsim did not get ready with $n BMCs" >&2
			cat "$dir/err" >&2
			exit 1
		fi
		sleep 0.1
	done
	t1=$(date +%s%N)
	sleep 2
	c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	sleep "$IDLE"
	c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
	kill "$pid"
	wait "$pid" || true
	pid=""
	printf '%-8s %10s %12s %14s %12s\n' "$n" "$rss" \
	    "$(awk -v r="$rss" -v n="$n" 'BEGIN {printf "%.2f KiB", r / n}')" \
	    "$(( (c1 - c0) * 1000 / ticks )) in ${IDLE}s" \
	    "$(( (t1 - t0) / 1000000 ))"
done
