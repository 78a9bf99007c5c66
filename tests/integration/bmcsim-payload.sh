#!/bin/sh
# Payload activation completion codes of a simulated BMC, as ipmitool
# sees them (issue 4: "Activate/Deactivate Payload with the real error
# codes"): 80h already active, 82h activation limit reached (a second
# instance while the only one runs), 80h already deactivated, and the
# status bitmap in between. Address range: 127.21.40.0/24 (of 127.21/16).
. tests/lib/tap.sh
. tests/lib/bmcsim.sh

tap_plan 6
for t in ipmitool script; do
	if ! command -v "$t" > /dev/null; then
		not_ok "$t missing (scripts/install-deps installs it)"
		exit 1
	fi
done
bmcsim_start 127.21.40.0/24 2 || { not_ok "bmcsim did not start"; exit 1; }
I="ipmitool -I lanplus -C 17 -H 127.21.40.1 -U admin -P secret -R 2 -N 1"
raw() { timeout 10 $I raw "$@" 2>&1; }

# Hold SOL instance 1 with a console that stays up while we probe.
con_start 7 "$I sol activate"
if con_wait 7 'SOL Session operational' 10; then
	ok "sol activate holds payload instance 1"
else
	not_ok "sol activate holds payload instance 1"
fi
out=$(raw 0x06 0x4a 0x01)
case $out in
*"01 01 00"*) ok "Get Payload Activation Status: capacity 1, instance 1 active ($out)" ;;
*) not_ok "Get Payload Activation Status while active: '$out'" ;;
esac
out=$(raw 0x06 0x48 0x01 0x01 0xc6 0x00 0x00 0x00)
case $out in
*"rsp=0x80"*) ok "Activate instance 1 again: 80h already active" ;;
*) not_ok "Activate instance 1 again: expected rsp=0x80, got '$out'" ;;
esac
out=$(raw 0x06 0x48 0x01 0x02 0xc6 0x00 0x00 0x00)
case $out in
*"rsp=0x82"*) ok "Activate instance 2 while 1 runs: 82h activation limit reached" ;;
*) not_ok "Activate instance 2: expected rsp=0x82, got '$out'" ;;
esac
con_send 7 "\r~."
con_end 7 10
out=$(raw 0x06 0x4a 0x01)
case $out in
*"01 00 00"*) ok "after ~. the payload is inactive ($out)" ;;
*) not_ok "status after the console ended: '$out'" ;;
esac
out=$(raw 0x06 0x49 0x01 0x01 0x00 0x00 0x00 0x00)
case $out in
*"rsp=0x80"*) ok "Deactivate an inactive payload: 80h already deactivated" ;;
*) not_ok "Deactivate inactive: expected rsp=0x80, got '$out'" ;;
esac
