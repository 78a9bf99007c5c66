/*
 * Completion code and RMCP+ status code names (codes.h): const tables
 * only, no state.
 */
#include <stddef.h>
#include <stdint.h>

#include "ipmi/cmds.h"
#include "ipmi/codes.h"

/* Generic completion codes 0xC0-0xD6 (IPMI 2.0 table 5-2). */
static const char *const ipmi_cc_generic[] = {
	"node busy",						/* c0 */
	"invalid command",					/* c1 */
	"command invalid for given LUN",			/* c2 */
	"timeout while processing command",			/* c3 */
	"out of space",						/* c4 */
	"reservation canceled or invalid reservation ID",	/* c5 */
	"request data truncated",				/* c6 */
	"request data length invalid",				/* c7 */
	"request data field length limit exceeded",		/* c8 */
	"parameter out of range",				/* c9 */
	"cannot return number of requested data bytes",		/* ca */
	"requested sensor, data, or record not present",	/* cb */
	"invalid data field in request",			/* cc */
	"command illegal for specified sensor or record type",	/* cd */
	"command response could not be provided",		/* ce */
	"cannot execute duplicated request",			/* cf */
	"SDR repository in update mode",			/* d0 */
	"device in firmware update mode",			/* d1 */
	"BMC initialization in progress",			/* d2 */
	"destination unavailable",				/* d3 */
	"insufficient privilege level",				/* d4 */
	"command not supported in present state",		/* d5 */
	"command sub-function disabled or unavailable",		/* d6 */
};

/* Names the generic completion codes and the ranges around them. */
const char *
ipmi_cc_name(uint8_t cc)
{
	if (cc == IPMI_CC_OK)
		return "command completed normally";
	if (cc >= 0xc0 && cc <= 0xd6)
		return ipmi_cc_generic[cc - 0xc0];
	if (cc == IPMI_CC_UNSPECIFIED)
		return "unspecified error";
	if (cc >= 0x80 && cc <= 0xbe)
		return "command-specific 0x80-0xBE";
	if (cc >= 0x01 && cc <= 0x7e)
		return "device-specific (OEM) 0x01-0x7E";
	return "reserved completion code";
}

/* One command-specific completion code; netfn is the request netfn. */
struct ipmi_cc_cmd {
	uint8_t		 netfn;
	uint8_t		 cmd;
	uint8_t		 cc;
	const char	*name;
};

static const struct ipmi_cc_cmd ipmi_cc_cmds[] = {
	{ IPMI_NETFN_APP, IPMI_CMD_SET_SESSION_PRIV, 0x80,
	  "requested privilege level not available for this user" },
	{ IPMI_NETFN_APP, IPMI_CMD_SET_SESSION_PRIV, 0x81,
	  "requested privilege level exceeds channel or user limit" },
	{ IPMI_NETFN_APP, IPMI_CMD_SET_SESSION_PRIV, 0x82,
	  "cannot disable user level authentication" },
	{ IPMI_NETFN_APP, IPMI_CMD_CLOSE_SESSION, 0x87,
	  "invalid session ID in request" },
	{ IPMI_NETFN_APP, IPMI_CMD_CLOSE_SESSION, 0x88,
	  "invalid session handle in request" },
	{ IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, 0x80,
	  "payload already active on another session" },
	{ IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, 0x81,
	  "payload type is disabled" },
	{ IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, 0x82,
	  "payload activation limit reached" },
	{ IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, 0x83,
	  "cannot activate payload with encryption" },
	{ IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, 0x84,
	  "cannot activate payload without encryption" },
	{ IPMI_NETFN_APP, IPMI_CMD_DEACTIVATE_PAYLOAD, 0x80,
	  "payload already deactivated" },
	{ IPMI_NETFN_APP, IPMI_CMD_DEACTIVATE_PAYLOAD, 0x81,
	  "payload type is disabled" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_LAN_CONFIG, 0x80,
	  "parameter not supported" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_LAN_CONFIG, 0x81,
	  "set already in progress" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_LAN_CONFIG, 0x82,
	  "attempt to write read-only parameter" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_LAN_CONFIG, 0x83,
	  "attempt to read write-only parameter" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_GET_LAN_CONFIG, 0x80,
	  "parameter not supported" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_SOL_CONFIG, 0x80,
	  "parameter not supported" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_SOL_CONFIG, 0x81,
	  "set already in progress" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_SOL_CONFIG, 0x82,
	  "attempt to write read-only parameter" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_SET_SOL_CONFIG, 0x83,
	  "attempt to read write-only parameter" },
	{ IPMI_NETFN_TRANSPORT, IPMI_CMD_GET_SOL_CONFIG, 0x80,
	  "parameter not supported" },
	{ IPMI_NETFN_CHASSIS, IPMI_CMD_SET_BOOT_OPTIONS, 0x80,
	  "parameter not supported" },
	{ IPMI_NETFN_CHASSIS, IPMI_CMD_SET_BOOT_OPTIONS, 0x81,
	  "set already in progress" },
	{ IPMI_NETFN_CHASSIS, IPMI_CMD_SET_BOOT_OPTIONS, 0x82,
	  "attempt to write read-only parameter" },
	{ IPMI_NETFN_CHASSIS, IPMI_CMD_GET_BOOT_OPTIONS, 0x80,
	  "parameter not supported" },
};

/*
 * Names a completion code in the context of one command: the command's
 * own meaning of a 0x80-0xBE code when we know it, else the generic
 * name. A response netfn (odd) is accepted for the request's.
 */
const char *
ipmi_cc_name_cmd(uint8_t netfn, uint8_t cmd, uint8_t cc)
{
	size_t i;

	netfn &= 0x3e;
	for (i = 0; i < sizeof(ipmi_cc_cmds) / sizeof(ipmi_cc_cmds[0]); i++)
		if (ipmi_cc_cmds[i].netfn == netfn &&
		    ipmi_cc_cmds[i].cmd == cmd && ipmi_cc_cmds[i].cc == cc)
			return ipmi_cc_cmds[i].name;
	return ipmi_cc_name(cc);
}

/* RMCP+ status codes 0x00-0x12 (IPMI 2.0 table 13-15). */
static const char *const ipmi_rmcpp_status[] = {
	"no errors",						/* 00 */
	"insufficient resources to create a session",		/* 01 */
	"invalid session ID",					/* 02 */
	"invalid payload type",					/* 03 */
	"invalid authentication algorithm",			/* 04 */
	"invalid integrity algorithm",				/* 05 */
	"no matching authentication payload",			/* 06 */
	"no matching integrity payload",			/* 07 */
	"inactive session ID",					/* 08 */
	"invalid role",						/* 09 */
	"unauthorized role or privilege level requested",	/* 0a */
	/* 0b */
	"insufficient resources to create a session at the requested role",
	"invalid name length",					/* 0c */
	"unauthorized name",					/* 0d */
	"unauthorized GUID",					/* 0e */
	"invalid integrity check value",			/* 0f */
	"invalid confidentiality algorithm",			/* 10 */
	/* 11 */
	"no cipher suite match with proposed security algorithms",
	"illegal or unrecognized parameter",			/* 12 */
};

/* Names an RMCP+ Open Session / RAKP status code. */
const char *
ipmi_rmcpplus_status_name(uint8_t status)
{
	if (status < sizeof(ipmi_rmcpp_status) / sizeof(ipmi_rmcpp_status[0]))
		return ipmi_rmcpp_status[status];
	return "reserved RMCP+ status code";
}
