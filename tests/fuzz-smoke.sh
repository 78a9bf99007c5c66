#!/bin/sh
# Short libFuzzer runs of every target (part of `make check`): each
# target replays its seed corpus and then runs FUZZ_SMOKE_RUNS (default
# 20000) mutated inputs under ASan+UBSan. New inputs go to a scratch
# directory; the committed corpus is never written. The long runs
# (1,000,000 executions each) are `make fuzz` / `make check-long`.
. tests/lib/tap.sh

runs=${FUZZ_SMOKE_RUNS:-100000}
bins=$(ls build/fuzz/bin/fuzz_* 2>/dev/null)
if [ -z "$bins" ]; then
	tap_plan 1
	not_ok "no fuzz targets under build/fuzz/bin (make FUZZ=1 fuzz-build)"
	exit 1
fi
set -- $bins
tap_plan $#
work=$(mktemp -d)
atexit "rm -rf '$work'"
for b in "$@"; do
	t=$(basename "$b")
	mkdir -p "$work/$t"
	dict=""
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	if timeout -k 5 300 "$b" $dict -runs="$runs" -max_total_time=120 \
	    "$work/$t" "fuzz/corpus/$t" > "$work/$t.log" 2>&1; then
		ok "$t: $(grep -o 'Done [0-9]* runs' "$work/$t.log")"
	else
		not_ok "$t: fuzzer failed"
		tail -n 30 "$work/$t.log" | sed 's/^/# /'
	fi
done
