#!/bin/sh
# bmcsim against ipmitool, a client we did not write (issue 4): with
# cipher suites 17 and 3 each, mc info, chassis power and boot device,
# lan print, SOL (boot text after a reset from a second ipmitool, a login
# and an echoed command, the PXE boot after `bootdev pxe` and a cycle,
# deactivation from another session, activation again), and moving a BMC
# with `lan set 1 ipaddr`. Loopback only, 127.21.0.0/16 (tests/README.md).
# Every process is started here and stopped by its PID, also on failure.

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

NET=127.21.0.0/24
NBMC=8
# The vendor profile under test (docs/bmcsim.md, Vendors): its identity
# must come out of Get Device ID as ipmitool decodes it.
VENDOR=supermicro
IANA=10876
PRODUCT=2311		# 0x0907
FIRMWARE=3.88

tap_plan 58

missing=
for t in ipmitool python3 script timeout ss mkfifo; do
	command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
bmcsim_have || missing="$missing $BMCSIM_BIN"
if [ -n "$missing" ]; then
	diag "missing:$missing (scripts/install-deps installs ipmitool;" \
	    "make SANITIZE=1 check-build builds bmcsim)"
	not_ok "prerequisites present"
	exit 1
fi
ok "prerequisites present"

conf=$(mktemp "${TMPDIR:-/tmp}/vcm-bmcsim-ipmitool.XXXXXX") || exit 1
atexit "rm -f '$conf'"
cat > "$conf" <<EOF
group addrs=$NET count=$NBMC vendor=$VENDOR user=$BMCSIM_USER:$BMCSIM_PASSWORD:admin session-timeout=20s
EOF
t0=$(date +%s)
if bmcsim_start_config "$conf" $NBMC; then
	ok "bmcsim serves $NBMC $VENDOR BMCs on $NET (pid $BMCSIM_PID)"
else
	not_ok "bmcsim serves $NBMC BMCs on $NET"
	exit 1
fi

# it ADDR SUITE ARGS...: one ipmitool call, bounded; output in $out.
it() {
	_h=$1 _c=$2
	shift 2
	out=$(timeout 20 ipmitool -I lanplus -H "$_h" -U "$BMCSIM_USER" \
	    -P "$BMCSIM_PASSWORD" -C "$_c" "$@" 2>&1)
	rc=$?
}

# show: the last output as diagnostics (after a failure).
show() { echo "$out" | head -n 15 | sed 's/^/#   /'; }

# field NAME: the value of "NAME : value" in the last output.
field() {
	echo "$out" | sed -n "s/^ *$1 *: *//p" | head -n 1 | sed 's/ *$//'
}

# power_is ADDR SUITE STATE: chassis power status says STATE.
power_is() {
	it "$1" "$2" chassis power status
	[ $rc -eq 0 ] && [ "$out" = "Chassis Power is $3" ]
}

# power_becomes ADDR SUITE STATE N: polls the status until STATE, N
# times 0.3 s apart.
power_becomes() {
	_pi=0
	while [ $_pi -lt "$4" ]; do
		power_is "$1" "$2" "$3" && return 0
		sleep 0.3
		_pi=$((_pi + 1))
	done
	power_is "$1" "$2" "$3"
}

# ctl_field TARGET KEY: KEY=value from the control `list` line.
ctl_field() {
	simctl list "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# serial_rx_has TARGET TEXT: the host's serial input log holds TEXT.
serial_rx_has() {
	simctl serial-rx "$1" | grep -qF -- "$2"
}

suite_tests() {
	c=$1 idx=$2
	a=127.21.0.$((idx + 1))
	host=server-$((idx + 1))
	tag=vcm-$$-$c-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')

	# -- mc info: the profile's identity ------------------------------
	it $a $c mc info
	if [ $rc -eq 0 ] && [ "$(field 'Manufacturer ID')" = "$IANA" ] &&
	    [ "$(field 'Product ID')" = "$PRODUCT (0x0907)" ] &&
	    [ "$(field 'Firmware Revision')" = "$FIRMWARE" ] &&
	    [ "$(field 'IPMI Version')" = "2.0" ]; then
		ok "-C $c mc info: manufacturer $IANA, product $PRODUCT," \
		    "firmware $FIRMWARE, IPMI 2.0"
	else
		show
		not_ok "-C $c mc info shows the $VENDOR identity (exit $rc)"
	fi

	# -- chassis power ------------------------------------------------
	if power_is $a $c on; then
		ok "-C $c power status: on at start"
	else
		show
		not_ok "-C $c power status: on at start"
	fi
	it $a $c chassis power off
	if [ "$out" = "Chassis Power Control: Down/Off" ] &&
	    power_is $a $c off && [ "$(ctl_field $a power)" = off ]; then
		ok "-C $c power off: status off (control socket agrees)"
	else
		show
		not_ok "-C $c power off: status off"
	fi
	it $a $c chassis power on
	if [ "$out" = "Chassis Power Control: Up/On" ] &&
	    power_is $a $c on && [ "$(ctl_field $a power)" = on ]; then
		ok "-C $c power on: status on (control socket agrees)"
	else
		show
		not_ok "-C $c power on: status on"
	fi
	boots0=$(simctl show $a | sed -n 's/.* boots=\([0-9]*\).*/\1/p')
	it $a $c chassis power cycle
	if [ "$out" = "Chassis Power Control: Cycle" ] &&
	    power_becomes $a $c on 30; then
		boots1=$(simctl show $a |
		    sed -n 's/.* boots=\([0-9]*\).*/\1/p')
		if [ "$boots1" -gt "$boots0" ] 2>/dev/null; then
			ok "-C $c power cycle: ends on, host booted again" \
			    "(boots $boots0 -> $boots1)"
		else
			not_ok "-C $c power cycle: host booted again" \
			    "(boots $boots0 -> $boots1)"
		fi
	else
		show
		not_ok "-C $c power cycle ends on"
	fi

	# -- lan print ----------------------------------------------------
	it $a $c lan print 1
	if [ $rc -eq 0 ] && [ "$(field 'IP Address')" = "$a" ]; then
		ok "-C $c lan print 1: IP Address $a"
	else
		show
		not_ok "-C $c lan print 1: IP Address $a (exit $rc)"
	fi
	if [ "$(field 'RMCP+ Cipher Suites')" = "3,17" ] &&
	    [ "$(field 'IP Address Source')" = "Static Address" ]; then
		ok "-C $c lan print 1: cipher suites 3,17, static address"
	else
		show
		not_ok "-C $c lan print 1: cipher suites 3,17"
	fi

	# -- SOL: boot text after a reset from a second ipmitool ---------
	con_start 7 "ipmitool -I lanplus -H $a -U $BMCSIM_USER" \
	    "-P $BMCSIM_PASSWORD -C $c sol activate"
	if con_wait 7 'SOL Session operational' 10; then
		ok "-C $c sol activate: session operational"
	else
		con_out 7 | tail -n 5 | sed 's/^/#   /'
		not_ok "-C $c sol activate: session operational"
	fi
	if [ "$(ctl_field $a sol)" = active ]; then
		ok "-C $c control socket: SOL active while ipmitool runs"
	else
		simctl list $a | sed 's/^/#   /'
		not_ok "-C $c control socket: SOL active while ipmitool runs"
	fi
	con_mark 7
	it $a $c chassis power reset
	if [ "$out" = "Chassis Power Control: Reset" ]; then
		ok "-C $c power reset from a second ipmitool while SOL is up"
	else
		show
		not_ok "-C $c power reset from a second ipmitool (exit $rc)"
	fi
	if con_wait 7 'vcm Virtual Platform BIOS' 5 &&
	    con_wait 7 'Booting from Hard Disk' 8 &&
	    con_wait 7 'Linux version 6.1.0-vcm-amd64' 5 &&
	    con_wait 7 "^$host login: " 8; then
		ok "-C $c SOL shows the boot: BIOS banner, disk boot," \
		    "kernel, $host login prompt"
	else
		con_since 7 | tail -n 8 | sed 's/^/#   /'
		not_ok "-C $c SOL shows the simulated boot text after reset"
	fi

	# -- SOL: log in, an echoed command -------------------------------
	con_send 7 'root\r'
	con_wait 7 'Password:' 5
	con_mark 7
	con_send 7 'not-checked\r'
	if con_wait 7 "root@$host:~# " 5; then
		ok "-C $c SOL login as root: shell prompt root@$host"
	else
		con_out 7 | tail -n 5 | sed 's/^/#   /'
		not_ok "-C $c SOL login: shell prompt"
	fi
	con_mark 7
	con_send 7 "echo $tag\\r"
	# The typed line is echoed with its prompt; the command's output
	# is a line of its own: only the host's shell can have printed it.
	if con_wait 7 "^$tag\$" 5 && con_since 7 | grep -q "echo $tag\$"; then
		ok "-C $c SOL: typed 'echo $tag' echoed and answered"
	else
		con_since 7 | tail -n 5 | sed 's/^/#   /'
		not_ok "-C $c SOL: echoed command line and its output"
	fi
	if serial_rx_has $a "echo $tag\\r"; then
		ok "-C $c control serial-rx shows 'echo $tag\\r' typed"
	else
		simctl serial-rx $a | sed 's/^/#   /'
		not_ok "-C $c control serial-rx shows what was typed"
	fi

	# -- boot device PXE, then a power cycle under SOL -----------------
	it $a $c chassis bootdev pxe
	if [ "$out" = "Set Boot Device to pxe" ]; then
		it $a $c chassis bootparam get 5
		if echo "$out" | grep -q 'Boot Device Selector : Force PXE'; then
			ok "-C $c bootdev pxe: bootparam 5 says Force PXE"
		else
			show
			not_ok "-C $c bootdev pxe: bootparam 5 says Force PXE"
		fi
	else
		show
		not_ok "-C $c chassis bootdev pxe (exit $rc)"
	fi
	con_mark 7
	it $a $c chassis power cycle
	if [ "$out" = "Chassis Power Control: Cycle" ] &&
	    con_wait 7 'vcm Virtual Platform BIOS' 5 &&
	    con_wait 7 'PXE boot from NIC 1' 5 &&
	    con_wait 7 'PXE-M0F: Exiting PXE ROM' 5; then
		ok "-C $c power cycle under SOL: the BIOS boots from PXE"
	else
		show
		con_since 7 | tail -n 8 | sed 's/^/#   /'
		not_ok "-C $c power cycle under SOL shows the PXE boot"
	fi
	if con_wait 7 "^$host login: " 10 && power_is $a $c on; then
		ok "-C $c after the PXE attempt the disk boots to login, on"
	else
		con_since 7 | tail -n 5 | sed 's/^/#   /'
		not_ok "-C $c after the PXE attempt: login prompt, power on"
	fi
	# "Options apply to only next boot": the boot used them up.
	it $a $c chassis bootparam get 5
	if echo "$out" | grep -q -- '- Boot Flag Invalid'; then
		ok "-C $c bootparam 5 after the PXE boot: flags no longer valid"
	else
		show
		not_ok "-C $c bootparam 5 after the PXE boot: flags no longer" \
		    "valid"
	fi

	# -- sol deactivate from another session ---------------------------
	it $a $c sol deactivate
	if [ $rc -eq 0 ] && [ "$(ctl_field $a sol)" = inactive ]; then
		ok "-C $c sol deactivate from a second session: SOL inactive"
	else
		show
		not_ok "-C $c sol deactivate from a second session (exit $rc)"
	fi
	# The first client learns it on its next keystroke: no ACK comes.
	con_mark 7
	con_send 7 '\r'
	if con_exited 7 15 && con_since 7 | grep -q 'SOL session closed by BMC'
	then
		ok "-C $c first sol activate ends: 'SOL session closed by" \
		    "BMC' (exit $CON_RC)"
	else
		con_since 7 | tail -n 5 | sed 's/^/#   /'
		not_ok "-C $c first sol activate ends after the deactivate"
		con_kill 7
	fi
	it $a $c sol deactivate
	if echo "$out" | grep -q 'SOL payload already de-activated'; then
		ok "-C $c a second sol deactivate: already de-activated"
	else
		show
		not_ok "-C $c a second sol deactivate: already de-activated"
	fi

	# -- sol activate again ---------------------------------------------
	con_start 8 "ipmitool -I lanplus -H $a -U $BMCSIM_USER" \
	    "-P $BMCSIM_PASSWORD -C $c sol activate"
	if con_wait 8 'SOL Session operational' 10; then
		# The PXE cycle rebooted the host: log in again.
		con_mark 8
		con_send 8 '\r'
		con_wait 8 "^$host login: " 5
		con_send 8 'root\r'
		con_wait 8 'Password:' 5
		con_send 8 'x\r'
		con_wait 8 "root@$host:~# " 5
		con_mark 8
		con_send 8 "echo again-$tag\\r"
		if con_wait 8 "^again-$tag\$" 5; then
			ok "-C $c sol activate again: login prompt, log in, echo"
		else
			con_out 8 | tail -n 5 | sed 's/^/#   /'
			not_ok "-C $c sol activate again: login prompt, log in, echo"
		fi
	else
		con_out 8 | tail -n 5 | sed 's/^/#   /'
		not_ok "-C $c sol activate again: session operational"
	fi
	con_mark 8
	simctl inject $a '\r\nvcm injected line\r\n' > /dev/null
	if con_wait 8 '^vcm injected line$' 5; then
		ok "-C $c control inject: the text reaches the SOL client"
	else
		con_since 8 | tail -n 5 | sed 's/^/#   /'
		not_ok "-C $c control inject: the text reaches the SOL client"
	fi
	con_send 8 '~.'
	if con_exited 8 10 && [ "$CON_RC" -eq 0 ] &&
	    [ "$(ctl_field $a sol)" = inactive ]; then
		ok "-C $c escape ~. ends sol activate (exit 0), SOL inactive"
	else
		con_out 8 | tail -n 3 | sed 's/^/#   /'
		not_ok "-C $c escape ~. ends sol activate, SOL inactive"
		con_kill 8
	fi
}

suite_tests 17 0
suite_tests 3 1

# -- LAN address change -----------------------------------------------
# move SUITE IDX NEW: lan set 1 ipaddr NEW on BMC IDX.
move() {
	c=$1 idx=$2 new=$3
	old=127.21.0.$((idx + 1))
	# ipmitool then reads the parameter back until it matches, on the
	# old address, which no longer answers: stop that wait early.
	timeout 2 ipmitool -I lanplus -H $old -U "$BMCSIM_USER" \
	    -P "$BMCSIM_PASSWORD" -C $c -R 1 -N 1 lan set 1 ipaddr $new \
	    > /dev/null 2>&1
	if [ "$(simctl list "#$idx" | cut -d' ' -f2)" = "$new" ]; then
		ok "-C $c lan set 1 ipaddr $new: the control list shows it"
	else
		simctl list "#$idx" | sed 's/^/#   /'
		not_ok "-C $c lan set 1 ipaddr $new: the control list shows it"
	fi
	out=$(timeout 10 ipmitool -I lanplus -H $new -U "$BMCSIM_USER" \
	    -P "$BMCSIM_PASSWORD" -C $c -R 1 -N 1 lan print 1 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ "$(field 'IP Address')" = "$new" ]; then
		ok "-C $c the BMC answers on $new (lan print: IP Address $new)"
	else
		show
		not_ok "-C $c the BMC answers on $new (exit $rc)"
	fi
	out=$(timeout 10 ipmitool -I lanplus -H $old -U "$BMCSIM_USER" \
	    -P "$BMCSIM_PASSWORD" -C $c -R 1 -N 1 mc info 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && ! echo "$out" | grep -q 'Manufacturer ID' &&
	    ! ss -lnuH | awk '{ print $4 }' | grep -qx "$old:623" &&
	    ss -lnuH | awk '{ print $4 }' | grep -qx "$new:623"; then
		ok "-C $c nothing answers on $old any more (nor listens)"
	else
		show
		not_ok "-C $c nothing answers on $old any more (exit $rc)"
	fi
}
move 17 6 127.21.2.7
move 3 7 127.21.2.8

# The BMCs nobody moved still answer where they were.
it 127.21.0.6 17 mc info
if [ $rc -eq 0 ] && [ "$(field 'Manufacturer ID')" = "$IANA" ]; then
	ok "an unmoved neighbour (127.21.0.6) still answers"
else
	show
	not_ok "an unmoved neighbour (127.21.0.6) still answers"
fi

if bmcsim_stop; then
	ok "bmcsim stops on SIGTERM with status 0, no sanitizer report" \
	    "(${BMCSIM_STOP_MS} ms)"
else
	not_ok "bmcsim stops on SIGTERM with status 0, no sanitizer report"
fi
diag "took $(($(date +%s) - t0)) s"
[ "$tap_failed" -eq 0 ]
