# OpenIPMI's ipmi_sim as a software BMC for loopback tests; source this
# file after tests/lib/tap.sh (it registers the stop with `atexit`).
#
#	ipmisim_start DIR ADDR PORT	start one BMC listening on ADDR:PORT,
#					config and log in DIR; sets
#					IPMISIM_PID and IPMISIM_DIR
#	ipmisim_stop			stop it, by its PID only
#
# The BMC has one user, admin/secret (admin privilege), and a GUID: without
# a `guid` line ipmi_sim does not advertise IPMI 2.0 at all
# (shared/notes/IPMI-PEERS.md §2). `-n` because it runs without a console,
# `-p` so it writes no state anywhere. No SOL, power helper or console
# port: the KAT tests only need a session and Get Device ID.

IPMISIM_USER="admin"
IPMISIM_PASSWORD=secret
IPMISIM_GUID=a123456789abcdefa123456789abcdef
IPMISIM_PID=
IPMISIM_DIR=

# ipmisim_have: 0 if ipmi_sim is installed.
ipmisim_have() { command -v ipmi_sim > /dev/null 2>&1; }

# ipmisim_listening ADDR PORT: 0 if some socket is bound to UDP ADDR:PORT.
ipmisim_listening() {
	ss -lnuH 2>/dev/null | awk -v a="$1:$2" '$4 == a { f = 1 } END { exit !f }'
}

ipmisim_start() {
	_d=$1 _a=$2 _p=$3
	case $_a in
	127.*) ;;
	*) echo "ipmisim_start: refusing non-loopback address $_a" >&2
	   return 1 ;;
	esac
	mkdir -p "$_d" || return 1
	cat > "$_d/lan.conf" <<EOF
name "kat"
startlan 1
  addr $_a $_p
  priv_limit admin
  allowed_auths_user md5
  allowed_auths_operator md5
  allowed_auths_admin md5
  guid $IPMISIM_GUID
endlan
user 2 true "$IPMISIM_USER" "$IPMISIM_PASSWORD" admin 10
EOF
	# The smallest BMC that answers Get Device ID (mc info).
	cat > "$_d/bmc.emu" <<'EOF'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
mc_enable 0x20
EOF
	ipmi_sim -c "$_d/lan.conf" -f "$_d/bmc.emu" -n -p \
	    > "$_d/sim.log" 2>&1 &
	IPMISIM_PID=$!
	IPMISIM_DIR=$_d
	echo "$IPMISIM_PID" > "$_d/sim.pid"
	atexit ipmisim_stop
	# Bounded wait: 10 s in steps of 0.1 s.
	_i=0
	while [ $_i -lt 100 ]; do
		if ipmisim_listening "$_a" "$_p"; then
			return 0
		fi
		if ! kill -0 "$IPMISIM_PID" 2>/dev/null; then
			echo "ipmisim_start: ipmi_sim exited; log:" >&2
			sed 's/^/  /' "$_d/sim.log" >&2
			IPMISIM_PID=
			return 1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "ipmisim_start: ipmi_sim not listening on $_a:$_p after 10 s" >&2
	ipmisim_stop
	return 1
}

ipmisim_stop() {
	[ -n "$IPMISIM_PID" ] || return 0
	kill "$IPMISIM_PID" 2>/dev/null
	# Bounded: SIGKILL if it has not gone after 3 s.
	_i=0
	while kill -0 "$IPMISIM_PID" 2>/dev/null && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -9 "$IPMISIM_PID" 2>/dev/null
	wait "$IPMISIM_PID" 2>/dev/null
	IPMISIM_PID=
	return 0
}
