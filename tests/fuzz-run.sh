#!/bin/sh
# Runs every libFuzzer target under build/fuzz/bin for FUZZ_RUNS
# executions (default 1,000,000), each bounded by FUZZ_MAX_SECONDS
# (default 1200), and reports how many executions each really ran; fewer
# than asked is a failure. New inputs go to build/fuzz/work/<target>, so
# the committed corpus is never written; findings (crash-*, leak-*,
# timeout-*) and logs go to build/fuzz/findings/.
. tests/lib/tap.sh

runs=${FUZZ_RUNS:-1000000}
secs=${FUZZ_MAX_SECONDS:-1200}
bins=$(ls build/fuzz/bin/fuzz_* 2>/dev/null)
if [ -z "$bins" ]; then
	tap_plan 1
	not_ok "no fuzz targets under build/fuzz/bin (make FUZZ=1 fuzz-build)"
	exit 1
fi
set -- $bins
tap_plan $#
mkdir -p build/fuzz/findings
for b in "$@"; do
	t=$(basename "$b")
	work=build/fuzz/work/$t
	mkdir -p "$work"
	dict=""
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	# libFuzzer does not read .options files itself; pass max_len on.
	maxlen=$(sed -n 's/^max_len *= *\([0-9]*\).*/\1/p' \
	    "fuzz/$t.options" 2>/dev/null)
	[ -n "$maxlen" ] && dict="$dict -max_len=$maxlen"
	log=build/fuzz/findings/$t.log
	if timeout -k 10 $((secs + 60)) "$b" $dict -runs="$runs" \
	    -max_total_time="$secs" -artifact_prefix=build/fuzz/findings/ \
	    "$work" "fuzz/corpus/$t" > "$log" 2>&1; then
		done_line=$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log")
		n=$(echo "$done_line" | awk '{print $2}')
		if [ "${n:-0}" -ge "$runs" ]; then
			ok "$t: $done_line"
		else
			not_ok "$t: only $done_line (time limit ${secs}s)"
		fi
	else
		not_ok "$t: finding or failure, see $log"
		tail -n 30 "$log" | sed 's/^/# /'
	fi
done
