#!/bin/sh
# Power status of 1, 100 and 1,000 BMCs: vcm against the established
# tools, in one run on one bmcsim fleet (issue 5, bench (a)).
#
#	vcm cold	vcmctl ipmi ... power status: whole process, no
#			session open before (wall time, median of 5; the
#			default --fanout 256, which measured the same as
#			1024 at 1,000 BMCs)
#	vcm warm	vcmctl ipmi --repeat 6 --fanout 1024: rounds 2-6
#			run on the sessions round 1 opened (the "# round K:
#			... T ms" lines on stderr; median of the 5)
#	ipmipower	FreeIPMI ipmipower -D LAN_2_0 --fanout 1024 (its
#			largest) over the same hosts (median of 5)
#	ipmitool	ipmitool -I lanplus -C 17 power status, one host
#			after another, over a sample of 20 hosts: the
#			median per host times N, labelled "extrapolated"
#
# One release bmcsim serves 1,000 BMCs on 127.23.16.0/22 (inside the
# benchmarks' range 127.23.0.0/16); BMC k is the k-th address after
# the network address, and every host list below names exactly the
# first N of those (a list naming an unserved address would make every
# tool wait for its timeout). bmcsim runs on core 0, the clients on
# core 1 (taskset), so the simulator never competes with the client it
# is answering. Every client call runs under timeout; bmcsim is stopped
# by its PID on exit. Exit status 1 if any vcmctl run (or a peer) did
# not report every host "on".
set -eu
B=${VCM_BUILD:-build/rel}
RUNS=${BENCH_POWER_RUNS:-5}
SAMPLE=${BENCH_POWER_SAMPLE:-20}
NET=127.23.16.0/22
BMC_USER="admin"
BMC_PASS="secret"
# Per call: a cold sweep of 1,000 BMCs takes well under a second; 60 s
# only bounds a run that went wrong.
CALL_SECS=60

export IPMI_PASSWORD="$BMC_PASS"
dir=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-power.XXXXXX")
pid=""
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "bench/power.sh: $*" >&2
	exit 1
}

for p in bmcsim vcmctl; do
	[ -x "$B/bin/$p" ] || die "$B/bin/$p missing: make SANITIZE=0 all"
done
have_ipmipower=0
have_ipmitool=0
command -v ipmipower >/dev/null 2>&1 && have_ipmipower=1
command -v ipmitool >/dev/null 2>&1 && have_ipmitool=1

# Pinning: bmcsim on core 0, clients on core 1, when there are two.
SIM_PIN=""
CLI_PIN=""
if command -v taskset >/dev/null 2>&1 &&
    [ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ]; then
	SIM_PIN="taskset -c 0"
	CLI_PIN="taskset -c 1"
fi

# hosts N: the first N served addresses as a bracketed host list, one
# part per third octet: 127.23.16.[1-255],127.23.[17-18].[0-255],...
# vcmctl and FreeIPMI's hostrange both read this form.
hosts() {
	awk -v n="$1" 'BEGIN {
		out = ""; k = 0
		for (o = 16; o <= 19 && k < n; o++) {
			lo = (o == 16) ? 1 : 0
			hi = lo + (n - k) - 1
			if (hi > 255) hi = 255
			part = (lo == hi) ? "127.23." o "." lo : \
			    "127.23." o ".[" lo "-" hi "]"
			out = out (out == "" ? "" : ",") part
			k += hi - lo + 1
		}
		print out
	}'
}

# host K: the K-th served address (K from 1).
host() {
	awk -v k="$1" 'BEGIN { printf "127.23.%d.%d\n", 16 + int(k / 256), k % 256 }'
}

# expect_hosts N FILE: the exact list of the first N addresses, sorted.
expect_hosts() {
	awk -v n="$1" 'BEGIN { for (k = 1; k <= n; k++)
		printf "127.23.%d.%d\n", 16 + int(k / 256), k % 256 }' | sort
}

now_us() { echo $(( $(date +%s%N) / 1000 )); }

# median: of the numbers on stdin, one per line.
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# check_on N OUT WHAT: every one of the N hosts answered exactly "on"
# in every round of OUT ("HOST: on" lines); else the failures and exit.
check_on() {
	_n=$1 _f=$2 _w=$3
	expect_hosts "$_n" > "$dir/want"
	grep -v ': on$' "$_f" > "$dir/bad" || true
	sed -n 's/: on$//p' "$_f" | sort -u > "$dir/got"
	if [ -s "$dir/bad" ] || ! cmp -s "$dir/want" "$dir/got"; then
		echo "bench/power.sh: $_w: not every host answered on:" >&2
		head -n 20 "$dir/bad" >&2
		comm -23 "$dir/want" "$dir/got" | head -n 20 |
		    sed 's/$/: no "on" line/' >&2
		exit 1
	fi
}

# ---- the fleet -------------------------------------------------------------

$SIM_PIN "$B/bin/bmcsim" --addrs "$NET" --count 1000 --user "$BMC_USER" \
    --password "$BMC_PASS" > "$dir/sim.out" 2> "$dir/sim.err" &
pid=$!
i=0
until grep -qx 'ready 1000' "$dir/sim.out" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
		cat "$dir/sim.err" >&2
		die "bmcsim did not get ready with 1000 BMCs"
	fi
	sleep 0.1
done

echo "# bmcsim: 1000 BMCs on $NET (pid $pid${SIM_PIN:+, core 0});" \
    "clients${CLI_PIN:+ on core 1}"
echo "# vcmctl: $B/bin/vcmctl; ipmipower: $(ipmipower -V 2>/dev/null |
    head -n 1 || echo none); ipmitool: $(ipmitool -V 2>/dev/null || echo none)"

printf '%-6s %12s %12s %14s %26s\n' BMCs vcm_cold_ms vcm_warm_ms \
    ipmipower_ms "ipmitool_seq_ms"
: > "$dir/table"

for n in 1 100 1000; do
	H=$(hosts "$n")

	# (1) vcm cold: a fresh process, no session open anywhere.
	: > "$dir/cold"
	r=0
	while [ $r -lt "$RUNS" ]; do
		t0=$(now_us)
		rc=0
		timeout "$CALL_SECS" $CLI_PIN "$B/bin/vcmctl" ipmi -H "$H" \
		    -U "$BMC_USER" -E power status \
		    > "$dir/v.out" 2> "$dir/v.err" || rc=$?
		t1=$(now_us)
		[ $rc -eq 0 ] || { cat "$dir/v.err" >&2; }
		check_on "$n" "$dir/v.out" "vcm cold, $n BMCs, run $((r + 1)) (exit $rc)"
		echo $(( t1 - t0 )) >> "$dir/cold"
		r=$((r + 1))
	done
	cold=$(median < "$dir/cold" | awk '{ printf "%.1f", $1 / 1000 }')

	# (2) vcm warm: rounds 2-6 reuse the sessions of round 1.
	rc=0
	timeout "$CALL_SECS" $CLI_PIN "$B/bin/vcmctl" ipmi -H "$H" -U "$BMC_USER" \
	    -E --repeat 6 --fanout 1024 power status \
	    > "$dir/w.out" 2> "$dir/w.err" || rc=$?
	[ $rc -eq 0 ] || { cat "$dir/w.err" >&2; }
	check_on "$n" "$dir/w.out" "vcm warm, $n BMCs (exit $rc)"
	[ "$(grep -c ': on$' "$dir/w.out")" -eq $((6 * n)) ] ||
	    die "vcm warm, $n BMCs: expected $((6 * n)) \"on\" lines"
	sed -n 's/^# round \([2-6]\): .* in \([0-9]*\) ms$/\2/p' "$dir/w.err" \
	    > "$dir/warm"
	[ "$(wc -l < "$dir/warm")" -eq 5 ] ||
	    die "vcm warm, $n BMCs: no round 2-6 times in stderr"
	# vcmctl prints whole milliseconds: a median of 0 is "<1".
	warm=$(median < "$dir/warm" | awk '{ printf "%.1f", $1 }')
	warm_txt=$warm
	[ "$warm" != "0.0" ] || warm_txt="<1"
	warm_all=$(tr '\n' ' ' < "$dir/warm")

	# (3) FreeIPMI ipmipower, its largest fanout, same host list.
	ipp=nan
	if [ $have_ipmipower -eq 1 ]; then
		: > "$dir/ipp"
		r=0
		while [ $r -lt "$RUNS" ]; do
			t0=$(now_us)
			rc=0
			timeout "$CALL_SECS" $CLI_PIN ipmipower -D LAN_2_0 \
			    --fanout 1024 -h "$H" -u "$BMC_USER" -p "$BMC_PASS" \
			    --stat > "$dir/p.out" 2>&1 || rc=$?
			t1=$(now_us)
			check_on "$n" "$dir/p.out" \
			    "ipmipower, $n BMCs, run $((r + 1)) (exit $rc)"
			echo $(( t1 - t0 )) >> "$dir/ipp"
			r=$((r + 1))
		done
		ipp=$(median < "$dir/ipp" | awk '{ printf "%.1f", $1 / 1000 }')
	fi

	# (4) ipmitool, sequential: SAMPLE calls spread over the N hosts
	# (cycling when N < SAMPLE), per-call median times N.
	itl=nan
	label=""
	if [ $have_ipmitool -eq 1 ]; then
		: > "$dir/itl"
		s=0
		while [ $s -lt "$SAMPLE" ]; do
			k=$(( (s * n / SAMPLE) % n + 1 ))
			h=$(host "$k")
			t0=$(now_us)
			rc=0
			timeout "$CALL_SECS" $CLI_PIN ipmitool -I lanplus -C 17 \
			    -H "$h" -U "$BMC_USER" -E power status \
			    > "$dir/t.out" 2>&1 || rc=$?
			t1=$(now_us)
			grep -qx 'Chassis Power is on' "$dir/t.out" || {
				cat "$dir/t.out" >&2
				die "ipmitool $h: not \"Chassis Power is on\" (exit $rc)"
			}
			echo $(( t1 - t0 )) >> "$dir/itl"
			s=$((s + 1))
		done
		per=$(median < "$dir/itl")
		itl=$(awk -v p="$per" -v n="$n" 'BEGIN { printf "%.1f", p * n / 1000 }')
		if [ "$n" -eq 1 ]; then
			label="(median of $SAMPLE)"
		else
			label="(extrapolated, $(awk -v p="$per" \
			    'BEGIN { printf "%.1f", p / 1000 }') ms x $n)"
		fi
	fi

	printf '%-6s %12s %12s %14s %12s %s\n' "$n" "$cold" "$warm_txt" "$ipp" \
	    "$itl" "$label"
	echo "$n $cold $warm $ipp $itl" >> "$dir/table"
	echo "#   $n BMCs: cold runs (us): $(tr '\n' ' ' < "$dir/cold");" \
	    "warm rounds 2-6 (ms): $warm_all" >&2
done

echo
printf '%-6s %20s %20s %20s\n' BMCs ipmipower/vcm_cold ipmipower/vcm_warm \
    ipmitool/vcm_warm
awk '{
	r1 = ($2 > 0 && $4 != "nan") ? sprintf("%.1fx", $4 / $2) : "n/a"
	r2 = ($3 > 0 && $4 != "nan") ? sprintf("%.1fx", $4 / $3) : "n/a"
	r3 = ($3 > 0 && $5 != "nan") ? sprintf("%.1fx", $5 / $3) : "n/a"
	printf "%-6s %20s %20s %20s\n", $1, r1, r2, r3
}' "$dir/table"
awk '$1 == 1000 && $4 != "nan" {
	printf "\ntargets at 1,000 BMCs: warm >= 5x faster than ipmipower: %s (%.1fx); ", \
	    ($4 / $3 >= 5) ? "MET" : "NOT MET", $4 / $3
	printf "cold >= 1.5x: %s (%.1fx)\n", \
	    ($4 / $2 >= 1.5) ? "MET" : "NOT MET", $4 / $2
}' "$dir/table"
