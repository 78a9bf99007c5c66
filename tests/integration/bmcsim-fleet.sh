#!/bin/sh
# One bmcsim process with 1,000 BMCs answering FreeIPMI's ipmipower
# (issue 4): every BMC of 127.21.16.0/22 answers `--stat` with "on", each
# exactly once, in one sweep at ipmipower's default fanout (64). The
# sweep's duration is recorded as a diagnostic, never asserted (timings
# on shared machines are noise). Loopback only, in 127.21.0.0/16
# (tests/README.md). Every process is started here and stopped by its
# PID, also on failure.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

NET=127.21.16.0/22
NBMC=1000
# BMC k is the k-th address after 127.21.16.0: 127.21.16.1 ..
# 127.21.19.232 (1000 = 255 + 256 + 256 + 233).
RANGE="127.21.16.[1-255],127.21.17.[0-255],127.21.18.[0-255],127.21.19.[0-232]"

tap_plan 8

missing=
for t in ipmipower python3 timeout; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
bmcsim_have || missing="$missing $BMCSIM_BIN"
if [ -n "$missing" ]; then
	diag "missing:$missing (scripts/install-deps installs FreeIPMI;" \
	    "make SANITIZE=1 check-build builds bmcsim)"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

t0=$(date +%s)
s=$(date +%s%N)
if bmcsim_start $NET $NBMC; then
	ok "bmcsim serves $NBMC BMCs on $NET in one process (pid" \
	    "$BMCSIM_PID)"
else
	not_ok "bmcsim serves $NBMC BMCs on $NET"
	exit 1
fi
diag "bmcsim ready after $((($(date +%s%N) - s) / 1000000)) ms," \
    "RSS $(awk '/^VmRSS/ { print $2, $3 }' /proc/$BMCSIM_PID/status)"

# One UDP socket per BMC, all on port 623, each on its own address.
ss -lnuH 2>/dev/null | awk '{ print $4 }' |
    grep -E '^127\.21\.(1[6-9])\.[0-9]+:623$' | sort -u > "$BMCSIM_DIR/bound"
if [ "$(wc -l < "$BMCSIM_DIR/bound")" -eq $NBMC ] &&
    grep -qx '127.21.16.1:623' "$BMCSIM_DIR/bound" &&
    grep -qx '127.21.19.232:623' "$BMCSIM_DIR/bound" &&
    ! grep -qx '127.21.19.233:623' "$BMCSIM_DIR/bound"; then
	ok "$NBMC UDP sockets on port 623, 127.21.16.1 .. 127.21.19.232"
else
	diag "$(wc -l < "$BMCSIM_DIR/bound") sockets bound in $NET"
	not_ok "$NBMC UDP sockets on port 623, 127.21.16.1 .. 127.21.19.232"
fi

# The addresses the hostrange names, sorted.
i=0
while [ $i -lt $NBMC ]; do
	k=$((i + 1))
	echo "127.21.$((16 + k / 256)).$((k % 256))"
	i=$((i + 1))
done | sort > "$BMCSIM_DIR/expected"

simctl list all > "$BMCSIM_DIR/list"
if [ "$(wc -l < "$BMCSIM_DIR/list")" -eq $NBMC ] &&
    cut -d' ' -f2 "$BMCSIM_DIR/list" | sort | cmp -s - "$BMCSIM_DIR/expected"
then
	ok "control list: $NBMC BMCs at exactly the expected addresses"
else
	diag "control list: $(wc -l < "$BMCSIM_DIR/list") lines"
	not_ok "control list: $NBMC BMCs at the expected addresses"
fi

s=$(date +%s%N)
timeout 100 ipmipower -D LAN_2_0 -u "$BMCSIM_USER" -p "$BMCSIM_PASSWORD" \
    -h "$RANGE" --stat > "$BMCSIM_DIR/stat" 2>&1
rc=$?
ms=$((($(date +%s%N) - s) / 1000000))
diag "ipmipower --stat sweep of $NBMC BMCs (fanout 64): $ms ms" \
    "(exit $rc)"
n=$(wc -l < "$BMCSIM_DIR/stat")
non=$(grep -c '^127\.21\.1[6-9]\.[0-9]*: on$' "$BMCSIM_DIR/stat")
if [ $rc -eq 0 ] && [ "$n" -eq $NBMC ] && [ "$non" -eq $NBMC ]; then
	ok "ipmipower --stat: $NBMC lines, all on"
else
	diag "$n lines, $non on; others:"
	grep -v ': on$' "$BMCSIM_DIR/stat" | head -n 5 | sed 's/^/#   /'
	not_ok "ipmipower --stat: $NBMC lines, all on (exit $rc)"
fi
if sed 's/:.*//' "$BMCSIM_DIR/stat" | sort | cmp -s - "$BMCSIM_DIR/expected"
then
	ok "ipmipower --stat: every BMC answered exactly once"
else
	sed 's/:.*//' "$BMCSIM_DIR/stat" | sort | diff - "$BMCSIM_DIR/expected" |
	    head -n 5 | sed 's/^/#   /'
	not_ok "ipmipower --stat: every BMC answered exactly once"
fi

# Every session of the sweep was closed: no slot is left in use.
simctl list all > "$BMCSIM_DIR/list"
used=$(grep -vc ' sessions=0/' "$BMCSIM_DIR/list")
if [ "$(wc -l < "$BMCSIM_DIR/list")" -eq $NBMC ] && [ "$used" -eq 0 ]; then
	ok "after the sweep no BMC holds a session"
else
	grep -v ' sessions=0/' "$BMCSIM_DIR/list" | head -n 3 |
	    sed 's/^/#   /'
	not_ok "after the sweep no BMC holds a session ($used do)"
fi

if bmcsim_stop; then
	ok "bmcsim with $NBMC BMCs stops on SIGTERM with status 0, no" \
	    "sanitizer report"
else
	not_ok "bmcsim with $NBMC BMCs stops on SIGTERM with status 0, no" \
	    "sanitizer report"
fi
diag "bmcsim took $BMCSIM_STOP_MS ms to stop (LeakSanitizer included)"
diag "took $(($(date +%s) - t0)) s"
[ "$tap_failed" -eq 0 ]
