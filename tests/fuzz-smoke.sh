#!/bin/sh
# The short fuzz runs of `make check`: FUZZ_SMOKE_RUNS (default 100,000)
# executions of every libFuzzer target under ASan+UBSan, at most two
# minutes each. The long runs (1,000,000 each) are `make fuzz`.
FUZZ_RUNS=${FUZZ_SMOKE_RUNS:-100000} FUZZ_MAX_SECONDS=120 \
    exec sh tests/fuzz-run.sh
