/*
 * The control protocol's parser: one line in, one struct ctl_cmd out,
 * or a message for "err <message>". The line comes from a local test
 * driver, but it is parsed as if hostile anyway: bounded first, control
 * bytes refused, every number range-checked (and fuzzed).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "config.h"
#include "ctl.h"
#include "quirks.h"

/* Words one line can hold: every other byte a separator. */
#define CTL_TOKENS_MAX	(VCM_SIM_CTL_LINE_MAX / 2 + 1)

const char *const ctl_help[] = {
	"help                          this text",
	"list [<target>]               "
	    "index addr power sol sessions/slots quirks",
	"show <target>                 one BMC's profile and state",
	"sessions <target>             the session table",
	"quirk <target> <name>[,<name>...]|all on|off",
	"fault <target> [loss=R] [dup=R] [reorder=R] [garbage=R] [delay=D]",
	"dark <target> <duration>      stop answering; 0 ends it",
	"power <target> on|off|cycle|reset|soft",
	"inject <target> <string>      "
	    "serial output, C escapes \\r \\n \\t \\\\ \\e \\xHH",
	"serial-rx <target>            what the host received (escaped)",
	"set <target> [session-timeout=D] [sol-retry=D] [sol-retries=N] "
	    "[output=N] [flood=on|off] [stamp=on|off] [sol-nack=D] "
	    "[sol-cts=D]",
	"sol <target>                  "
	    "SOL state, flow control and counters",
	"quit                          close this connection",
	"<target>: 127.a.b.c, #N (fleet index from 0) or all; "
	    "R: per mille or N.N%; D: 500ms, 2s, 1m (bare = ms)",
	NULL
};

static const struct {
	const char	*name;
	enum ctl_verb	 verb;
	const char	*usage;
} verbs[] = {
	{ "help", CTL_HELP, "help" },
	{ "list", CTL_LIST, "list [<target>]" },
	{ "show", CTL_SHOW, "show <target>" },
	{ "sessions", CTL_SESSIONS, "sessions <target>" },
	{ "quirk", CTL_QUIRK, "quirk <target> <name>[,<name>...] on|off" },
	{ "fault", CTL_FAULT, "fault <target> loss=R dup=R reorder=R "
	    "garbage=R delay=D (any of them)" },
	{ "dark", CTL_DARK, "dark <target> <duration>" },
	{ "power", CTL_POWER, "power <target> on|off|cycle|reset|soft" },
	{ "inject", CTL_INJECT, "inject <target> <string>" },
	{ "serial-rx", CTL_SERIAL_RX, "serial-rx <target>" },
	{ "set", CTL_SET, "set <target> session-timeout=D sol-retry=D "
	    "sol-retries=N output=N flood=on|off stamp=on|off sol-nack=D "
	    "sol-cts=D (any of them)" },
	{ "quit", CTL_QUIT, "quit" },
	{ "sol", CTL_SOL, "sol <target>" },
};
#define NVERBS	(sizeof(verbs) / sizeof(verbs[0]))

static const char *const power_words[] = {
	[CTL_POWER_ON] = "on", [CTL_POWER_OFF] = "off",
	[CTL_POWER_CYCLE] = "cycle", [CTL_POWER_RESET] = "reset",
	[CTL_POWER_SOFT] = "soft",
};

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *
ctl_verb_name(enum ctl_verb v)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (verbs[i].verb == v)
			return verbs[i].name;
	return "?";
}

int
ctl_target_match(const struct ctl_target *t, uint32_t index, uint32_t addr)
{
	switch (t->kind) {
	case CTL_T_ALL:
		return 1;
	case CTL_T_ADDR:
		return t->addr == addr;
	case CTL_T_INDEX:
		return t->index == index;
	case CTL_T_NONE:
		break;
	}
	return 0;
}

int
ctl_escape(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	char e[4];
	size_t i, o = 0, el;
	uint8_t b;

	if (out == NULL || outlen == 0)
		return VCM_ENOSPC;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		b = p[i];
		el = 2;
		e[0] = '\\';
		switch (b) {
		case '\\':
			e[1] = '\\';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\t':
			e[1] = 't';
			break;
		case 0x1b:
			e[1] = 'e';
			break;
		default:
			/* Edge spaces would vanish in a trimmed line. */
			if (b < 0x20 || b >= 0x7f ||
			    (b == ' ' && (i == 0 || i == n - 1))) {
				e[1] = 'x';
				e[2] = hex[b >> 4];
				e[3] = hex[b & 0xf];
				el = 4;
			} else {
				e[0] = (char)b;
				el = 1;
			}
			break;
		}
		if (o + el + 1 > outlen)
			return VCM_ENOSPC;
		memcpy(out + o, e, el);
		o += el;
		out[o] = '\0';
	}
	return (int)o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ctl_unescape(const char *s, size_t len, uint8_t *out, size_t outlen,
    char *err, size_t errlen)
{
	size_t i, o = 0;
	int hi, lo;
	uint8_t b;

	for (i = 0; i < len; i++) {
		b = (uint8_t)s[i];
		if (b == '\\') {
			if (++i >= len) {
				set_err(err, errlen, "string ends in a lone "
				    "backslash");
				return VCM_EINVAL;
			}
			switch (s[i]) {
			case '\\':
				b = '\\';
				break;
			case 'r':
				b = '\r';
				break;
			case 'n':
				b = '\n';
				break;
			case 't':
				b = '\t';
				break;
			case 'e':
				b = 0x1b;
				break;
			case 'x':
				if (i + 2 >= len ||
				    (hi = hexval(s[i + 1])) < 0 ||
				    (lo = hexval(s[i + 2])) < 0) {
					set_err(err, errlen, "\\x needs two "
					    "hex digits");
					return VCM_EINVAL;
				}
				b = (uint8_t)(hi << 4 | lo);
				i += 2;
				break;
			default:
				if ((uint8_t)s[i] > 0x20 &&
				    (uint8_t)s[i] < 0x7f)
					set_err(err, errlen, "unknown escape "
					    "\\%c (use \\r \\n \\t \\\\ \\e "
					    "\\xHH)", s[i]);
				else
					set_err(err, errlen, "unknown escape "
					    "\\x%02x", (uint8_t)s[i]);
				return VCM_EINVAL;
			}
		}
		if (o >= outlen) {
			set_err(err, errlen, "string longer than %zu bytes",
			    outlen);
			return VCM_ENOSPC;
		}
		out[o++] = b;
	}
	return (int)o;
}

/* The words of a line: NUL-terminated copies and their offsets. */
struct words {
	char		 buf[VCM_SIM_CTL_LINE_MAX + 1];
	const char	*w[CTL_TOKENS_MAX];
	size_t		 off[CTL_TOKENS_MAX];
	size_t		 n;
};

static int
parse_target(const char *s, struct ctl_target *t, char *err, size_t errlen)
{
	int rc;

	memset(t, 0, sizeof(*t));
	if (strcmp(s, "all") == 0) {
		t->kind = CTL_T_ALL;
		return 0;
	}
	if (s[0] == '#') {
		if ((rc = sim_parse_u32(s + 1, 0, VCM_SIM_BMCS_MAX - 1,
		    &t->index)) != 0) {
			set_err(err, errlen, "bad fleet index \"%.32s\" "
			    "(#0..#%d)", s, VCM_SIM_BMCS_MAX - 1);
			return rc;
		}
		t->kind = CTL_T_INDEX;
		return 0;
	}
	if (sim_parse_addr(s, &t->addr) != 0) {
		set_err(err, errlen, "bad target \"%.32s\" (127.a.b.c, #N "
		    "or all)", s);
		return VCM_EINVAL;
	}
	if (!SIM_IS_LOOPBACK(t->addr)) {
		set_err(err, errlen, "target %s is not in 127.0.0.0/8", s);
		return VCM_ERANGE;
	}
	t->kind = CTL_T_ADDR;
	return 0;
}

/* Splits "key=value" into the key (NUL-cut in place) and the value. */
static const char *
key_value(const char *w, char *key, size_t keylen)
{
	const char *eq = strchr(w, '=');
	size_t kl;

	if (eq == NULL || eq == w || (size_t)(eq - w) >= keylen)
		return NULL;
	kl = (size_t)(eq - w);
	memcpy(key, w, kl);
	key[kl] = '\0';
	return eq + 1;
}

static int
parse_fault(const struct words *wd, struct ctl_cmd *c, char *err,
    size_t errlen)
{
	char key[16];
	const char *val;
	unsigned int bit;
	uint16_t rate;
	size_t i;
	int rc;

	for (i = 2; i < wd->n; i++) {
		if ((val = key_value(wd->w[i], key, sizeof(key))) == NULL) {
			set_err(err, errlen, "fault: expected key=value, "
			    "got \"%.32s\"", wd->w[i]);
			return VCM_EINVAL;
		}
		if (strcmp(key, "loss") == 0)
			bit = CTL_FAULT_LOSS;
		else if (strcmp(key, "dup") == 0)
			bit = CTL_FAULT_DUP;
		else if (strcmp(key, "reorder") == 0)
			bit = CTL_FAULT_REORDER;
		else if (strcmp(key, "garbage") == 0)
			bit = CTL_FAULT_GARBAGE;
		else if (strcmp(key, "delay") == 0)
			bit = CTL_FAULT_DELAY;
		else {
			set_err(err, errlen, "fault: unknown key \"%s\" "
			    "(loss, dup, reorder, garbage, delay)", key);
			return VCM_EINVAL;
		}
		if (c->fault_set & bit) {
			set_err(err, errlen, "fault: %s given twice", key);
			return VCM_EINVAL;
		}
		c->fault_set |= bit;
		if (bit == CTL_FAULT_DELAY) {
			if ((rc = sim_parse_duration(val, 1,
			    VCM_SIM_DELAY_MAX_MS, &c->faults.delay_ms)) != 0) {
				set_err(err, errlen, "fault: delay must be "
				    "0..%d ms (or 2s, 1m)",
				    VCM_SIM_DELAY_MAX_MS);
				return rc;
			}
			continue;
		}
		if ((rc = sim_parse_rate(val, &rate)) != 0) {
			set_err(err, errlen, "fault: %s must be per mille "
			    "0..%d or a percentage like 0.5%%", key,
			    SIM_PERMILLE_MAX);
			return rc;
		}
		if (bit == CTL_FAULT_LOSS)
			c->faults.loss = rate;
		else if (bit == CTL_FAULT_DUP)
			c->faults.dup = rate;
		else if (bit == CTL_FAULT_REORDER)
			c->faults.reorder = rate;
		else
			c->faults.garbage = rate;
	}
	return 0;
}

static int
parse_set(const struct words *wd, struct ctl_cmd *c, char *err,
    size_t errlen)
{
	char key[24];
	const char *val;
	unsigned int bit;
	uint32_t n = 0;
	size_t i;
	int rc = 0;

	for (i = 2; i < wd->n; i++) {
		if ((val = key_value(wd->w[i], key, sizeof(key))) == NULL) {
			set_err(err, errlen, "set: expected key=value, "
			    "got \"%.32s\"", wd->w[i]);
			return VCM_EINVAL;
		}
		if (strcmp(key, "session-timeout") == 0)
			bit = CTL_SET_SESSION_TIMEOUT;
		else if (strcmp(key, "sol-retry") == 0)
			bit = CTL_SET_SOL_RETRY;
		else if (strcmp(key, "sol-retries") == 0)
			bit = CTL_SET_SOL_RETRIES;
		else if (strcmp(key, "output") == 0)
			bit = CTL_SET_OUTPUT;
		else if (strcmp(key, "flood") == 0)
			bit = CTL_SET_FLOOD;
		else if (strcmp(key, "stamp") == 0)
			bit = CTL_SET_STAMP;
		else if (strcmp(key, "sol-nack") == 0)
			bit = CTL_SET_SOL_NACK;
		else if (strcmp(key, "sol-cts") == 0)
			bit = CTL_SET_SOL_CTS;
		else {
			set_err(err, errlen, "set: unknown key \"%s\" "
			    "(session-timeout, sol-retry, sol-retries, "
			    "output, flood, stamp, sol-nack, sol-cts)", key);
			return VCM_EINVAL;
		}
		if (c->set_mask & bit) {
			set_err(err, errlen, "set: %s given twice", key);
			return VCM_EINVAL;
		}
		c->set_mask |= bit;
		switch (bit) {
		case CTL_SET_SESSION_TIMEOUT:
			rc = sim_parse_duration(val, 1, VCM_SIM_TIMEOUT_MAX_MS, &n);
			if (rc == 0 && n == 0)
				rc = VCM_ERANGE;
			if (rc != 0)
				set_err(err, errlen, "set: session-timeout "
				    "must be 1..%u ms (or 2s, 1m)",
				    VCM_SIM_TIMEOUT_MAX_MS);
			c->session_timeout_ms = n;
			break;
		case CTL_SET_SOL_RETRY:
			rc = sim_parse_duration(val, 1, VCM_SIM_DELAY_MAX_MS,
			    &n);
			if (rc == 0 && n == 0)
				rc = VCM_ERANGE;
			if (rc != 0)
				set_err(err, errlen, "set: sol-retry must be "
				    "1..%d ms (or 2s)", VCM_SIM_DELAY_MAX_MS);
			c->sol_retry_ms = n;
			break;
		case CTL_SET_SOL_RETRIES:
			if ((rc = sim_parse_u32(val, 0, UINT8_MAX, &n)) != 0)
				set_err(err, errlen, "set: sol-retries must be "
				    "0..%d", UINT8_MAX);
			c->sol_retries = (uint8_t)n;
			break;
		case CTL_SET_OUTPUT:
			if ((rc = sim_parse_u32(val, 1, VCM_SIM_OUTPUT_BPS_MAX,
			    &n)) != 0)
				set_err(err, errlen, "set: output must be "
				    "1..%u bytes/s", VCM_SIM_OUTPUT_BPS_MAX);
			c->output_bps = n;
			break;
		case CTL_SET_FLOOD:
			if ((rc = sim_parse_onoff(val, &c->flood)) != 0)
				set_err(err, errlen, "set: flood must be on "
				    "or off");
			break;
		case CTL_SET_STAMP:
			if ((rc = sim_parse_onoff(val, &c->stamp)) != 0)
				set_err(err, errlen, "set: stamp must be on "
				    "or off");
			break;
		case CTL_SET_SOL_NACK:
		case CTL_SET_SOL_CTS:
			/* 0 ends a window. */
			if ((rc = sim_parse_duration(val, 1,
			    VCM_SIM_DELAY_MAX_MS, &n)) != 0)
				set_err(err, errlen, "set: %s must be 0..%d ms "
				    "(or 2s, 1m)", key, VCM_SIM_DELAY_MAX_MS);
			if (bit == CTL_SET_SOL_NACK)
				c->sol_nack_ms = n;
			else
				c->sol_cts_ms = n;
			break;
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
ctl_parse(const char *line, size_t len, struct ctl_cmd *c, char *err,
    size_t errlen)
{
	struct words wd;
	const char *usage;
	size_t i, nargs_min, nargs_max;
	uint32_t n;
	int rc;

	memset(c, 0, sizeof(*c));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	/* Bounded first: nothing of an over-long line is looked at. */
	if (len > VCM_SIM_CTL_LINE_MAX) {
		set_err(err, errlen, "line longer than %d bytes",
		    VCM_SIM_CTL_LINE_MAX);
		return VCM_ERANGE;
	}
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++) {
		uint8_t b = (uint8_t)line[i];

		if ((b < 0x20 && b != '\t') || b == 0x7f) {
			set_err(err, errlen, "control byte 0x%02x in line "
			    "(escape it)", b);
			return VCM_EINVAL;
		}
	}

	memset(&wd, 0, sizeof(wd));
	memcpy(wd.buf, line, len);
	wd.buf[len] = '\0';
	for (i = 0; i < len; i++) {
		if (wd.buf[i] == ' ' || wd.buf[i] == '\t') {
			wd.buf[i] = '\0';
			continue;
		}
		if (i == 0 || wd.buf[i - 1] == '\0') {
			wd.off[wd.n] = i;
			wd.w[wd.n++] = &wd.buf[i];
		}
	}
	if (wd.n == 0) {
		set_err(err, errlen, "empty line (try help)");
		return VCM_EINVAL;
	}
	for (i = 0; i < NVERBS; i++)
		if (strcmp(wd.w[0], verbs[i].name) == 0)
			break;
	if (i == NVERBS) {
		set_err(err, errlen, "unknown command \"%.32s\" (try help)",
		    wd.w[0]);
		return VCM_EINVAL;
	}
	c->verb = verbs[i].verb;
	usage = verbs[i].usage;

	/* Arguments after the verb: how many each verb takes. */
	switch (c->verb) {
	case CTL_HELP:
	case CTL_QUIT:
		nargs_min = 0, nargs_max = 0;
		break;
	case CTL_LIST:
		nargs_min = 0, nargs_max = 1;
		break;
	case CTL_SHOW:
	case CTL_SESSIONS:
	case CTL_SERIAL_RX:
	case CTL_SOL:
		nargs_min = 1, nargs_max = 1;
		break;
	case CTL_DARK:
	case CTL_POWER:
		nargs_min = 2, nargs_max = 2;
		break;
	case CTL_QUIRK:
		nargs_min = 3, nargs_max = 3;
		break;
	case CTL_FAULT:
	case CTL_SET:
		nargs_min = 2, nargs_max = CTL_TOKENS_MAX;
		break;
	case CTL_INJECT:
	default:
		/* The string runs to the end of the line, blanks and all. */
		nargs_min = 2, nargs_max = CTL_TOKENS_MAX;
		break;
	}
	if (wd.n - 1 < nargs_min) {
		set_err(err, errlen, "missing argument: %s", usage);
		return VCM_EINVAL;
	}
	if (wd.n - 1 > nargs_max) {
		set_err(err, errlen, "too many arguments: %s", usage);
		return VCM_EINVAL;
	}
	if (wd.n >= 2) {
		if ((rc = parse_target(wd.w[1], &c->target, err,
		    errlen)) != 0)
			return rc;
	} else if (c->verb == CTL_LIST)
		c->target.kind = CTL_T_ALL;

	switch (c->verb) {
	case CTL_QUIRK:
		if ((rc = sim_quirks_parse(wd.w[2], strlen(wd.w[2]),
		    &c->quirks, err, errlen)) != 0)
			return rc;
		if ((rc = sim_parse_onoff(wd.w[3], &c->on)) != 0) {
			set_err(err, errlen, "quirk: expected on or off, got "
			    "\"%.32s\"", wd.w[3]);
			return rc;
		}
		break;
	case CTL_FAULT:
		return parse_fault(&wd, c, err, errlen);
	case CTL_SET:
		return parse_set(&wd, c, err, errlen);
	case CTL_DARK:
		if ((rc = sim_parse_duration(wd.w[2], 1, VCM_SIM_DELAY_MAX_MS,
		    &n)) != 0) {
			set_err(err, errlen, "dark: duration must be 0..%d ms "
			    "(or 2s, 1m)", VCM_SIM_DELAY_MAX_MS);
			return rc;
		}
		c->dark_ms = n;
		break;
	case CTL_POWER:
		for (i = 0; i < sizeof(power_words) / sizeof(power_words[0]);
		    i++)
			if (strcmp(wd.w[2], power_words[i]) == 0)
				break;
		if (i == sizeof(power_words) / sizeof(power_words[0])) {
			set_err(err, errlen, "power: expected on, off, cycle, "
			    "reset or soft, got \"%.32s\"", wd.w[2]);
			return VCM_EINVAL;
		}
		c->power = (enum ctl_power)i;
		break;
	case CTL_INJECT:
		rc = ctl_unescape(line + wd.off[2], len - wd.off[2], c->data,
		    sizeof(c->data), err, errlen);
		if (rc < 0)
			return rc;
		c->data_len = (size_t)rc;
		break;
	default:
		break;
	}
	return 0;
}
