/* bmcsim: the control protocol's parser and escaping. */
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "bmcsim/ctl.h"
#include "bmcsim/quirks.h"
#include "test.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

static struct ctl_cmd cmd;
static char err[256];

static int
parse(const char *line)
{
	err[0] = '\0';
	return ctl_parse(line, strlen(line), &cmd, err, sizeof(err));
}

/* Parse must fail with a message containing want. */
#define CHECK_BAD(line, want) do {					\
	int _rc = parse(line);						\
	if (_rc >= 0 || strstr(err, (want)) == NULL) {			\
		printf("#   %s:%d: \"%s\" -> rc %d err \"%s\", want "	\
		    "\"%s\"\n", __FILE__, __LINE__, (line), _rc, err,	\
		    (want));						\
		test_failed = 1;					\
	}								\
} while (0)

static void
no_target_verbs(void)
{
	REQUIRE(parse("help") == 0);
	CHECK_INT(cmd.verb, CTL_HELP);
	CHECK_INT(cmd.target.kind, CTL_T_NONE);
	REQUIRE(parse("help\n") == 0);
	REQUIRE(parse("  help \t\r\n") == 0);
	CHECK_INT(cmd.verb, CTL_HELP);
	REQUIRE(parse("quit") == 0);
	CHECK_INT(cmd.verb, CTL_QUIT);
	CHECK_BAD("help me", "too many arguments: help");
	CHECK_BAD("quit now", "too many arguments: quit");
	REQUIRE(parse("list") == 0);
	CHECK_INT(cmd.verb, CTL_LIST);
	CHECK_INT(cmd.target.kind, CTL_T_ALL);
	REQUIRE(parse("list #7") == 0);
	CHECK_INT(cmd.target.kind, CTL_T_INDEX);
	CHECK_INT(cmd.target.index, 7);
	CHECK_BAD("list #1 #2", "too many arguments: list [<target>]");
	CHECK_BAD("HELP", "unknown command \"HELP\" (try help)");
	CHECK_BAD("reboot #1", "unknown command \"reboot\"");
	CHECK_BAD("", "empty line");
	CHECK_BAD(" \t \r\n", "empty line");
	CHECK_BAD("\n", "empty line");
}

static void
targets(void)
{
	REQUIRE(parse("show #0") == 0);
	CHECK_INT(cmd.verb, CTL_SHOW);
	CHECK_INT(cmd.target.kind, CTL_T_INDEX);
	CHECK_INT(cmd.target.index, 0);
	REQUIRE(parse("show #9999") == 0);
	CHECK_INT(cmd.target.index, 9999);
	REQUIRE(parse("show 127.20.3.232") == 0);
	CHECK_INT(cmd.target.kind, CTL_T_ADDR);
	CHECK_INT(cmd.target.addr, A(127, 20, 3, 232));
	REQUIRE(parse("show all") == 0);
	CHECK_INT(cmd.target.kind, CTL_T_ALL);
	CHECK_BAD("show #10000", "bad fleet index \"#10000\" (#0..#9999)");
	CHECK_BAD("show #", "bad fleet index");
	CHECK_BAD("show #-1", "bad fleet index");
	CHECK_BAD("show #1x", "bad fleet index");
	CHECK_BAD("show #99999999999999999999", "bad fleet index");
	CHECK_BAD("show 192.0.2.1", "target 192.0.2.1 is not in 127.0.0.0/8");
	CHECK_BAD("show 128.0.0.1", "not in 127.0.0.0/8");
	CHECK_BAD("show 127.0.0.256", "bad target \"127.0.0.256\"");
	CHECK_BAD("show 127.0.0", "bad target");
	CHECK_BAD("show ALL", "bad target \"ALL\"");
	CHECK_BAD("show localhost", "bad target");
	CHECK_BAD("show", "missing argument: show <target>");
	CHECK_BAD("show #1 #2", "too many arguments");
}

static void
read_verbs(void)
{
	REQUIRE(parse("sessions 127.0.0.9") == 0);
	CHECK_INT(cmd.verb, CTL_SESSIONS);
	CHECK_INT(cmd.target.addr, A(127, 0, 0, 9));
	REQUIRE(parse("serial-rx #4") == 0);
	CHECK_INT(cmd.verb, CTL_SERIAL_RX);
	CHECK_INT(cmd.target.index, 4);
	CHECK_BAD("sessions", "missing argument: sessions <target>");
	CHECK_BAD("serial-rx", "missing argument: serial-rx <target>");
	CHECK_BAD("serial-rx #1 10", "too many arguments");
	CHECK_BAD("serial_rx #1", "unknown command");
}

static void
quirk_verb(void)
{
	REQUIRE(parse("quirk #1 close_lost,cs17_only on") == 0);
	CHECK_INT(cmd.verb, CTL_QUIRK);
	CHECK_INT(cmd.target.index, 1);
	CHECK_INT(cmd.quirks, SIM_Q_CLOSE_LOST | SIM_Q_CS17_ONLY);
	CHECK_INT(cmd.on, 1);
	REQUIRE(parse("quirk all all off") == 0);
	CHECK_INT(cmd.target.kind, CTL_T_ALL);
	CHECK_INT(cmd.quirks, SIM_Q_ALL);
	CHECK_INT(cmd.on, 0);
	REQUIRE(parse("quirk 127.1.2.3 deactivate_says_inactive on") == 0);
	CHECK_INT(cmd.quirks, SIM_Q_DEACT_SAYS_INACTIVE);
	CHECK_BAD("quirk #1 close_lost,warp on", "unknown quirk \"warp\"");
	CHECK_BAD("quirk #1 close_lost yes",
	    "quirk: expected on or off, got \"yes\"");
	CHECK_BAD("quirk #1 close_lost", "missing argument: quirk <target>");
	CHECK_BAD("quirk #1 close_lost on now", "too many arguments");
	CHECK_BAD("quirk #1 close_lost, on", "empty name");
	CHECK_BAD("quirk #x close_lost on", "bad fleet index");
}

static void
fault_verb(void)
{
	REQUIRE(parse("fault #2 loss=5 dup=0.5% reorder=1000 garbage=100% "
	    "delay=2s") == 0);
	CHECK_INT(cmd.verb, CTL_FAULT);
	CHECK_INT(cmd.fault_set, CTL_FAULT_LOSS | CTL_FAULT_DUP |
	    CTL_FAULT_REORDER | CTL_FAULT_GARBAGE | CTL_FAULT_DELAY);
	CHECK_INT(cmd.faults.loss, 5);
	CHECK_INT(cmd.faults.dup, 5);
	CHECK_INT(cmd.faults.reorder, 1000);
	CHECK_INT(cmd.faults.garbage, 1000);
	CHECK_INT(cmd.faults.delay_ms, 2000);
	REQUIRE(parse("fault all delay=20") == 0);
	CHECK_INT(cmd.fault_set, CTL_FAULT_DELAY);
	CHECK_INT(cmd.faults.delay_ms, 20);
	REQUIRE(parse("fault #0 loss=0") == 0);
	CHECK_INT(cmd.fault_set, CTL_FAULT_LOSS);
	CHECK_INT(cmd.faults.loss, 0);
	CHECK_BAD("fault #0", "missing argument: fault <target>");
	CHECK_BAD("fault #0 loss", "fault: expected key=value, got \"loss\"");
	CHECK_BAD("fault #0 =5", "expected key=value");
	CHECK_BAD("fault #0 jitter=5", "fault: unknown key \"jitter\"");
	CHECK_BAD("fault #0 loss=1 loss=2", "fault: loss given twice");
	CHECK_BAD("fault #0 loss=1001", "fault: loss must be per mille");
	CHECK_BAD("fault #0 dup=-1", "fault: dup must be");
	CHECK_BAD("fault #0 reorder=0.01%", "fault: reorder must be");
	CHECK_BAD("fault #0 garbage=", "fault: garbage must be");
	CHECK_BAD("fault #0 delay=600001", "fault: delay must be 0..600000");
	CHECK_BAD("fault #0 delay=1h", "fault: delay must be");
}

static void
dark_and_power(void)
{
	static const struct {
		const char	*word;
		enum ctl_power	 p;
	} pw[] = {
		{ "on", CTL_POWER_ON }, { "off", CTL_POWER_OFF },
		{ "cycle", CTL_POWER_CYCLE }, { "reset", CTL_POWER_RESET },
		{ "soft", CTL_POWER_SOFT },
	};
	char line[64];
	size_t i;

	REQUIRE(parse("dark #3 5s") == 0);
	CHECK_INT(cmd.verb, CTL_DARK);
	CHECK_INT(cmd.dark_ms, 5000);
	REQUIRE(parse("dark #3 0") == 0);
	CHECK_INT(cmd.dark_ms, 0);
	REQUIRE(parse("dark #3 250") == 0);
	CHECK_INT(cmd.dark_ms, 250);
	REQUIRE(parse("dark all 10m") == 0);
	CHECK_INT(cmd.dark_ms, 600000);
	CHECK_BAD("dark #3 11m", "dark: duration must be 0..600000");
	CHECK_BAD("dark #3 soon", "dark: duration must be");
	CHECK_BAD("dark #3", "missing argument: dark <target> <duration>");
	CHECK_BAD("dark #3 1s 2s", "too many arguments");
	for (i = 0; i < sizeof(pw) / sizeof(pw[0]); i++) {
		snprintf(line, sizeof(line), "power 127.0.0.2 %s", pw[i].word);
		REQUIRE(parse(line) == 0);
		CHECK_INT(cmd.verb, CTL_POWER);
		CHECK_INT(cmd.power, pw[i].p);
		CHECK_INT(cmd.target.addr, A(127, 0, 0, 2));
	}
	CHECK_BAD("power #1 up", "power: expected on, off, cycle, reset or "
	    "soft, got \"up\"");
	CHECK_BAD("power #1", "missing argument: power <target>");
	CHECK_BAD("power #1 on off", "too many arguments");
}

static void
inject_verb(void)
{
	REQUIRE(parse("inject #0 login: root\\r\\n") == 0);
	CHECK_INT(cmd.verb, CTL_INJECT);
	CHECK_INT(cmd.target.index, 0);
	CHECK_INT(cmd.data_len, 13);
	CHECK_MEM(cmd.data, "login: root\r\n", 13);
	/* Inner and trailing blanks are data; the line's newline is not. */
	REQUIRE(parse("inject all a  b\tc \r\n") == 0);
	CHECK_INT(cmd.data_len, 7);
	CHECK_MEM(cmd.data, "a  b\tc ", 7);
	REQUIRE(parse("inject #1 \\x41\\e[0m\\t\\\\\\x00\\xfF") == 0);
	CHECK_INT(cmd.data_len, 9);
	CHECK_MEM(cmd.data, "A\x1b[0m\t\\\0\xff", 9);
	/* Bytes above 0x7f may be written raw (UTF-8). */
	REQUIRE(parse("inject #1 caf\xc3\xa9") == 0);
	CHECK_INT(cmd.data_len, 5);
	CHECK_MEM(cmd.data, "caf\xc3\xa9", 5);
	CHECK_BAD("inject #0", "missing argument: inject <target> <string>");
	CHECK_BAD("inject #0   ", "missing argument");
	CHECK_BAD("inject #0 a\\q", "unknown escape \\q");
	CHECK_BAD("inject #0 a\\", "lone backslash");
	CHECK_BAD("inject #0 \\x4", "\\x needs two hex digits");
	CHECK_BAD("inject #0 \\x4g", "\\x needs two hex digits");
	CHECK_BAD("inject #0 \\xg4", "\\x needs two hex digits");
	CHECK_BAD("inject #0 \\\xc3", "unknown escape \\xc3");
	CHECK_BAD("inject #0 a\x01", "control byte 0x01 in line");
	CHECK_BAD("inject 192.0.2.1 x", "not in 127.0.0.0/8");
}

static void
set_verb(void)
{
	REQUIRE(parse("set #5 session-timeout=2s sol-retry=100 "
	    "sol-retries=3 output=115200 flood=on") == 0);
	CHECK_INT(cmd.verb, CTL_SET);
	CHECK_INT(cmd.set_mask, CTL_SET_SESSION_TIMEOUT | CTL_SET_SOL_RETRY |
	    CTL_SET_SOL_RETRIES | CTL_SET_OUTPUT | CTL_SET_FLOOD);
	CHECK_INT(cmd.session_timeout_ms, 2000);
	CHECK_INT(cmd.sol_retry_ms, 100);
	CHECK_INT(cmd.sol_retries, 3);
	CHECK_INT(cmd.output_bps, 115200);
	CHECK_INT(cmd.flood, 1);
	REQUIRE(parse("set all flood=off") == 0);
	CHECK_INT(cmd.set_mask, CTL_SET_FLOOD);
	CHECK_INT(cmd.flood, 0);
	REQUIRE(parse("set all session-timeout=60m") == 0);
	CHECK_INT(cmd.session_timeout_ms, 3600000);
	CHECK_BAD("set all", "missing argument: set <target>");
	CHECK_BAD("set all flood", "set: expected key=value");
	CHECK_BAD("set all slots=2", "set: unknown key \"slots\"");
	CHECK_BAD("set all flood=on flood=off", "set: flood given twice");
	CHECK_BAD("set all flood=1", "set: flood must be on or off");
	CHECK_BAD("set all session-timeout=0", "set: session-timeout must");
	CHECK_BAD("set all session-timeout=61m", "set: session-timeout must");
	CHECK_BAD("set all sol-retry=0", "set: sol-retry must be");
	CHECK_BAD("set all sol-retry=11m", "set: sol-retry must be");
	CHECK_BAD("set all sol-retries=256", "set: sol-retries must be 0..255");
	CHECK_BAD("set all output=0", "set: output must be");
	CHECK_BAD("set all output=1048577", "set: output must be");
	CHECK_BAD("set all an-extraordinarily-long-key-name=1",
	    "set: expected key=value");

	/* SOL flow control windows: a duration (bare = ms), 0 ends one. */
	REQUIRE(parse("set #1 sol-nack=5s sol-cts=250") == 0);
	CHECK_INT(cmd.set_mask, CTL_SET_SOL_NACK | CTL_SET_SOL_CTS);
	CHECK_INT(cmd.sol_nack_ms, 5000);
	CHECK_INT(cmd.sol_cts_ms, 250);
	REQUIRE(parse("set 127.0.0.9 sol-cts=0") == 0);
	CHECK_INT(cmd.set_mask, CTL_SET_SOL_CTS);
	CHECK_INT(cmd.sol_cts_ms, 0);
	CHECK_INT(cmd.sol_nack_ms, 0);
	REQUIRE(parse("set all sol-nack=10m output=100") == 0);
	CHECK_INT(cmd.set_mask, CTL_SET_SOL_NACK | CTL_SET_OUTPUT);
	CHECK_INT(cmd.sol_nack_ms, 600000);
	CHECK_BAD("set all sol-nack=11m", "set: sol-nack must be 0..600000 ms");
	CHECK_BAD("set all sol-cts=1h", "set: sol-cts must be 0..600000 ms");
	CHECK_BAD("set all sol-cts=", "set: sol-cts must be");
	CHECK_BAD("set all sol-nack=1s sol-nack=2s", "set: sol-nack given twice");
	CHECK_BAD("set all solnack=1s", "set: unknown key \"solnack\"");
}

static void
sol_verb(void)
{
	REQUIRE(parse("sol #3") == 0);
	CHECK_INT(cmd.verb, CTL_SOL);
	CHECK_INT(cmd.target.kind, CTL_T_INDEX);
	CHECK_INT(cmd.target.index, 3);
	REQUIRE(parse("sol all") == 0);
	CHECK_INT(cmd.target.kind, CTL_T_ALL);
	CHECK_BAD("sol", "missing argument: sol <target>");
	CHECK_BAD("sol #1 #2", "too many arguments: sol <target>");
	CHECK_BAD("sol 192.0.2.1", "not in 127.0.0.0/8");
	CHECK(strcmp(ctl_verb_name(CTL_SOL), "sol") == 0);
}

static void
line_limits(void)
{
	static char line[VCM_SIM_CTL_LINE_MAX + 16];
	size_t n;

	/* Exactly the limit, newline included, is accepted. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "inject #0 ", 10);
	line[VCM_SIM_CTL_LINE_MAX - 1] = '\n';
	n = VCM_SIM_CTL_LINE_MAX;
	REQUIRE(ctl_parse(line, n, &cmd, err, sizeof(err)) == 0);
	CHECK_INT(cmd.data_len, VCM_SIM_CTL_LINE_MAX - 11);
	/* One byte more is refused before anything else is read. */
	line[VCM_SIM_CTL_LINE_MAX - 1] = 'x';
	line[VCM_SIM_CTL_LINE_MAX] = '\n';
	CHECK_INT(ctl_parse(line, n + 1, &cmd, err, sizeof(err)),
	    VCM_ERANGE);
	CHECK(strcmp(err, "line longer than 1024 bytes") == 0);
	memset(line, 0, sizeof(line));
	CHECK_INT(ctl_parse(line, n + 1, &cmd, err, sizeof(err)),
	    VCM_ERANGE);
	CHECK(strcmp(err, "line longer than 1024 bytes") == 0);
	/* NUL and other control bytes anywhere are refused. */
	CHECK_INT(ctl_parse("help\0x", 6, &cmd, err, sizeof(err)),
	    VCM_EINVAL);
	CHECK(strstr(err, "control byte 0x00") != NULL);
	CHECK_BAD("he\x7flp", "control byte 0x7f");
	CHECK_BAD("help\r\r\n", "control byte 0x0d");
	CHECK_BAD("help\n\n", "control byte 0x0a");
	/* Every byte of the line counts (only len bytes are read). */
	REQUIRE(ctl_parse("help me", 4, &cmd, err, sizeof(err)) == 0);
	/* Small and absent err buffers. */
	CHECK(ctl_parse("nope", 4, &cmd, err, 5) < 0);
	CHECK(strcmp(err, "unkn") == 0);
	CHECK(ctl_parse("nope", 4, &cmd, NULL, 0) < 0);
	/* The most words a line can hold. */
	memset(line, 0, sizeof(line));
	memcpy(line, "fault", 5);
	for (n = 5; n + 2 <= VCM_SIM_CTL_LINE_MAX; n += 2)
		memcpy(line + n, " x", 2);
	CHECK_BAD(line, "bad target \"x\"");
}

static void
escape_outputs(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		const char	*out;
	} t[] = {
		{ "plain text", 10, "plain text" },
		{ " edge ", 6, "\\x20edge\\x20" },
		{ " ", 1, "\\x20" },
		{ "\r\n\t\\\x1b", 5, "\\r\\n\\t\\\\\\e" },
		{ "\0\x01\x1f\x7f\x80\xff", 6, "\\x00\\x01\\x1f\\x7f\\x80\\xff" },
		{ "login: ", 7, "login:\\x20" },
		{ "\"'#", 3, "\"'#" },
		{ "", 0, "" },
	};
	char out[64], small[5];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_INT(ctl_escape((const uint8_t *)t[i].in, t[i].n, out,
		    sizeof(out)), (int)strlen(t[i].out));
		if (strcmp(out, t[i].out) != 0) {
			printf("#   escape %zu: \"%s\" want \"%s\"\n", i, out,
			    t[i].out);
			test_failed = 1;
		}
	}
	/* Never overruns; stops before an escape that does not fit. */
	CHECK_INT(ctl_escape((const uint8_t *)"ab\n", 3, small,
	    sizeof(small)), 4);
	CHECK(strcmp(small, "ab\\n") == 0);
	CHECK_INT(ctl_escape((const uint8_t *)"abc\n", 4, small,
	    sizeof(small)), VCM_ENOSPC);
	CHECK(strcmp(small, "abc") == 0);
	CHECK_INT(ctl_escape((const uint8_t *)"abcd", 4, small,
	    sizeof(small)), 4);
	CHECK_INT(ctl_escape((const uint8_t *)"abcde", 5, small,
	    sizeof(small)), VCM_ENOSPC);
	CHECK_INT(ctl_escape((const uint8_t *)"a", 1, small, 0), VCM_ENOSPC);
}

/* escape → "inject #0 <escaped>" → parse gives the bytes back. */
static int
round_trip(const uint8_t *p, size_t n)
{
	char line[16 + CTL_ESCAPE_SIZE(256)];
	int el;

	memcpy(line, "inject #0 ", 10);
	el = ctl_escape(p, n, line + 10, sizeof(line) - 10);
	if (el < 0)
		return 0;
	if (ctl_parse(line, 10 + (size_t)el, &cmd, err, sizeof(err)) != 0) {
		printf("#   %s: %s\n", line, err);
		return 0;
	}
	return cmd.data_len == n && memcmp(cmd.data, p, n) == 0;
}

static void
escape_round_trip(void)
{
	uint8_t all[256], two[3];
	size_t i;

	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	CHECK(round_trip(all, sizeof(all)));
	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)(255 - i);
	CHECK(round_trip(all, sizeof(all)));
	/* Every byte alone and between two others (edges differ). */
	for (i = 0; i < 256; i++) {
		two[0] = 'a';
		two[1] = (uint8_t)i;
		two[2] = 'z';
		if (!round_trip(&two[1], 1) || !round_trip(two, 3)) {
			printf("#   byte 0x%02zx\n", i);
			test_failed = 1;
		}
	}
	/* ctl_unescape alone, with a too-small output. */
	CHECK_INT(ctl_unescape("ab\\n", 4, two, 3, err, sizeof(err)), 3);
	CHECK_MEM(two, "ab\n", 3);
	CHECK_INT(ctl_unescape("abcd", 4, two, 3, err, sizeof(err)),
	    VCM_ENOSPC);
}

static void
helpers(void)
{
	struct ctl_target t;
	size_t i;

	memset(&t, 0, sizeof(t));
	t.kind = CTL_T_ALL;
	CHECK(ctl_target_match(&t, 5, A(127, 0, 0, 6)));
	t.kind = CTL_T_INDEX;
	t.index = 5;
	CHECK(ctl_target_match(&t, 5, A(127, 0, 0, 6)));
	CHECK(!ctl_target_match(&t, 4, A(127, 0, 0, 6)));
	t.kind = CTL_T_ADDR;
	t.addr = A(127, 0, 0, 6);
	CHECK(ctl_target_match(&t, 0, A(127, 0, 0, 6)));
	CHECK(!ctl_target_match(&t, 5, A(127, 0, 0, 7)));
	t.kind = CTL_T_NONE;
	CHECK(!ctl_target_match(&t, 5, A(127, 0, 0, 6)));
	CHECK(strcmp(ctl_verb_name(CTL_SERIAL_RX), "serial-rx") == 0);
	CHECK(strcmp(ctl_verb_name(CTL_QUIT), "quit") == 0);
	for (i = 0; ctl_help[i] != NULL; i++)
		CHECK(strlen(ctl_help[i]) > 0 &&
		    strlen(ctl_help[i]) < VCM_SIM_CTL_LINE_MAX);
	CHECK(i >= 12);
}

static const struct test_case tests[] = {
	{ "help, quit, list, unknown and empty lines", no_target_verbs },
	{ "targets: address, #index, all", targets },
	{ "sessions, serial-rx", read_verbs },
	{ "quirk", quirk_verb },
	{ "fault", fault_verb },
	{ "dark and power", dark_and_power },
	{ "inject and its escapes", inject_verb },
	{ "set", set_verb },
	{ "sol", sol_verb },
	{ "line length and control bytes", line_limits },
	{ "ctl_escape outputs", escape_outputs },
	{ "escape round trip of all 256 bytes", escape_round_trip },
	{ "target match, verb names, help", helpers },
};

TEST_MAIN(tests)
