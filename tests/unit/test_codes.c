/* Completion code and RMCP+ status code names (lib/ipmi/codes.h). */
#include <stdint.h>
#include <string.h>

#include "ipmi/cmds.h"
#include "ipmi/codes.h"
#include "test.h"

static int
is(const char *got, const char *want)
{
	if (got != NULL && strcmp(got, want) == 0)
		return 1;
	printf("#   got \"%s\", want \"%s\"\n", got ? got : "(null)", want);
	return 0;
}

/* Every value of every function has a non-empty name. */
static void
never_null(void)
{
	const char *s;
	unsigned int v;

	for (v = 0; v < 256; v++) {
		s = ipmi_cc_name((uint8_t)v);
		CHECK(s != NULL && s[0] != '\0');
		s = ipmi_rmcpplus_status_name((uint8_t)v);
		CHECK(s != NULL && s[0] != '\0');
		s = ipmi_cc_name_cmd(IPMI_NETFN_APP,
		    IPMI_CMD_ACTIVATE_PAYLOAD, (uint8_t)v);
		CHECK(s != NULL && s[0] != '\0');
		s = ipmi_cc_name_cmd(0x3f, 0xff, (uint8_t)v);
		CHECK(s != NULL && s[0] != '\0');
	}
}

static void
generic_codes(void)
{
	unsigned int v;

	CHECK(is(ipmi_cc_name(0x00), "command completed normally"));
	CHECK(is(ipmi_cc_name(0xc0), "node busy"));
	CHECK(is(ipmi_cc_name(0xc1), "invalid command"));
	CHECK(is(ipmi_cc_name(0xc7), "request data length invalid"));
	CHECK(is(ipmi_cc_name(0xcc), "invalid data field in request"));
	CHECK(is(ipmi_cc_name(0xd4), "insufficient privilege level"));
	CHECK(is(ipmi_cc_name(0xd5),
	    "command not supported in present state"));
	CHECK(is(ipmi_cc_name(0xd6),
	    "command sub-function disabled or unavailable"));
	CHECK(is(ipmi_cc_name(0xff), "unspecified error"));
	CHECK(is(ipmi_cc_name(0x80), "command-specific 0x80-0xBE"));
	CHECK(is(ipmi_cc_name(0xbe), "command-specific 0x80-0xBE"));
	CHECK(is(ipmi_cc_name(0x01), "device-specific (OEM) 0x01-0x7E"));
	CHECK(is(ipmi_cc_name(0x7e), "device-specific (OEM) 0x01-0x7E"));
	CHECK(is(ipmi_cc_name(0x7f), "reserved completion code"));
	CHECK(is(ipmi_cc_name(0xbf), "reserved completion code"));
	CHECK(is(ipmi_cc_name(0xd7), "reserved completion code"));
	CHECK(is(ipmi_cc_name(0xfe), "reserved completion code"));
	/* The 0xC0-0xD6 names are all distinct. */
	for (v = 0xc0; v < 0xd6; v++)
		CHECK(strcmp(ipmi_cc_name((uint8_t)v),
		    ipmi_cc_name((uint8_t)(v + 1))) != 0);
}

static void
command_codes(void)
{
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x48, 0x80),
	    "payload already active on another session"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x48, 0x81),
	    "payload type is disabled"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x48, 0x82),
	    "payload activation limit reached"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x48, 0x83),
	    "cannot activate payload with encryption"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x48, 0x84),
	    "cannot activate payload without encryption"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x49, 0x80),
	    "payload already deactivated"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x49, 0x81),
	    "payload type is disabled"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x3b, 0x80),
	    "requested privilege level not available for this user"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x3b, 0x81),
	    "requested privilege level exceeds channel or user limit"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x3c, 0x87),
	    "invalid session ID in request"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x3c, 0x88),
	    "invalid session handle in request"));
	CHECK(is(ipmi_cc_name_cmd(0x0c, 0x01, 0x80),
	    "parameter not supported"));
	CHECK(is(ipmi_cc_name_cmd(0x0c, 0x01, 0x81),
	    "set already in progress"));
	CHECK(is(ipmi_cc_name_cmd(0x0c, 0x01, 0x82),
	    "attempt to write read-only parameter"));
	CHECK(is(ipmi_cc_name_cmd(0x0c, 0x02, 0x80),
	    "parameter not supported"));
	CHECK(is(ipmi_cc_name_cmd(0x0c, 0x22, 0x80),
	    "parameter not supported"));
	CHECK(is(ipmi_cc_name_cmd(0x00, 0x08, 0x82),
	    "attempt to write read-only parameter"));
	/* A response netfn names the same command. */
	CHECK(is(ipmi_cc_name_cmd(0x07, 0x48, 0x80),
	    "payload already active on another session"));
	CHECK(is(ipmi_cc_name_cmd(0x0d, 0x02, 0x80),
	    "parameter not supported"));
	/* Unknown command-specific codes and generic codes fall back. */
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x48, 0x85),
	    "command-specific 0x80-0xBE"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x01, 0x80),
	    "command-specific 0x80-0xBE"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x48, 0xc1), "invalid command"));
	CHECK(is(ipmi_cc_name_cmd(0x06, 0x3c, 0x00),
	    "command completed normally"));
	/* Same code, different commands, different meanings. */
	CHECK(strcmp(ipmi_cc_name_cmd(0x06, 0x48, 0x80),
	    ipmi_cc_name_cmd(0x06, 0x49, 0x80)) != 0);
}

static void
rmcpplus_status(void)
{
	unsigned int v;

	CHECK(is(ipmi_rmcpplus_status_name(0x00), "no errors"));
	CHECK(is(ipmi_rmcpplus_status_name(IPMI_RMCPP_NO_RESOURCES),
	    "insufficient resources to create a session"));
	CHECK(is(ipmi_rmcpplus_status_name(0x02), "invalid session ID"));
	CHECK(is(ipmi_rmcpplus_status_name(0x03), "invalid payload type"));
	CHECK(is(ipmi_rmcpplus_status_name(0x04),
	    "invalid authentication algorithm"));
	CHECK(is(ipmi_rmcpplus_status_name(0x08), "inactive session ID"));
	CHECK(is(ipmi_rmcpplus_status_name(0x09), "invalid role"));
	CHECK(is(ipmi_rmcpplus_status_name(0x0b),
	    "insufficient resources to create a session at the requested "
	    "role"));
	CHECK(is(ipmi_rmcpplus_status_name(0x0d), "unauthorized name"));
	CHECK(is(ipmi_rmcpplus_status_name(0x0f),
	    "invalid integrity check value"));
	CHECK(is(ipmi_rmcpplus_status_name(0x10),
	    "invalid confidentiality algorithm"));
	CHECK(is(ipmi_rmcpplus_status_name(IPMI_RMCPP_NO_CIPHER_MATCH),
	    "no cipher suite match with proposed security algorithms"));
	CHECK(is(ipmi_rmcpplus_status_name(IPMI_RMCPP_ILLEGAL_PARAM),
	    "illegal or unrecognized parameter"));
	CHECK(is(ipmi_rmcpplus_status_name(0x13),
	    "reserved RMCP+ status code"));
	CHECK(is(ipmi_rmcpplus_status_name(0xff),
	    "reserved RMCP+ status code"));
	/* 0x00-0x12 are all distinct. */
	for (v = 0; v < 0x12; v++)
		CHECK(strcmp(ipmi_rmcpplus_status_name((uint8_t)v),
		    ipmi_rmcpplus_status_name((uint8_t)(v + 1))) != 0);
}

static const struct test_case tests[] = {
	{ "never_null", never_null },
	{ "generic_codes", generic_codes },
	{ "command_codes", command_codes },
	{ "rmcpplus_status", rmcpplus_status },
};

TEST_MAIN(tests)
