/*
 * bmcsim's control protocol: the parser of one command line and the
 * escaping of bytes in replies. The socket I/O and the actions live
 * elsewhere (the lead's ctl server); docs/bmcsim.md is the reference.
 *
 * One command per line; a reply is zero or more data lines followed by
 * "ok" or "err <message>". Commands:
 *
 *	help | quit | list [<target>]
 *	show <target> | sessions <target> | serial-rx <target>
 *	quirk <target> <name>[,<name>...]|all on|off
 *	fault <target> [loss=R] [dup=R] [reorder=R] [garbage=R] [delay=D]
 *	dark <target> <duration>
 *	power <target> on|off|cycle|reset|soft
 *	inject <target> <C-escaped string to end of line>
 *	set <target> [session-timeout=D] [sol-retry=D] [sol-retries=N]
 *	    [output=N] [flood=on|off] [stamp=on|off] [sol-nack=D] [sol-cts=D]
 *	sol <target>
 *
 * <target> is a dotted 127.x.y.z address, a fleet index "#N" (from 0,
 * as `list` numbers them) or "all". Pure: no I/O, no allocation.
 */
#ifndef BMCSIM_CTL_H
#define BMCSIM_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"
#include "profile.h"

/*
 * Bytes one inject command can carry. Escapes only ever shrink (one
 * byte from 1..4 characters), so the line limit bounds the decoded
 * string too.
 */
#define CTL_INJECT_MAX		VCM_SIM_CTL_LINE_MAX

/* Output size ctl_escape() needs for n bytes, with the NUL. */
#define CTL_ESCAPE_SIZE(n)	((n) * 4 + 1)

enum ctl_verb {
	CTL_HELP,
	CTL_LIST,
	CTL_SHOW,
	CTL_SESSIONS,
	CTL_QUIRK,
	CTL_FAULT,
	CTL_DARK,
	CTL_POWER,
	CTL_INJECT,
	CTL_SERIAL_RX,
	CTL_SET,
	CTL_QUIT,
	CTL_SOL,		/* SOL state, flow control and counters */
};

enum ctl_target_kind {
	CTL_T_NONE,		/* the verb takes no target */
	CTL_T_ALL,
	CTL_T_ADDR,		/* addr: host order, inside 127.0.0.0/8 */
	CTL_T_INDEX,		/* index: fleet index < VCM_SIM_BMCS_MAX */
};

struct ctl_target {
	enum ctl_target_kind	kind;
	uint32_t		addr;
	uint32_t		index;
};

enum ctl_power {
	CTL_POWER_ON,
	CTL_POWER_OFF,
	CTL_POWER_CYCLE,
	CTL_POWER_RESET,
	CTL_POWER_SOFT,
};

/* Which fields of a fault command were given. */
#define CTL_FAULT_LOSS		0x01
#define CTL_FAULT_DUP		0x02
#define CTL_FAULT_REORDER	0x04
#define CTL_FAULT_GARBAGE	0x08
#define CTL_FAULT_DELAY		0x10

/* Which fields of a set command were given. */
#define CTL_SET_SESSION_TIMEOUT	0x01
#define CTL_SET_SOL_RETRY	0x02
#define CTL_SET_SOL_RETRIES	0x04
#define CTL_SET_OUTPUT		0x08
#define CTL_SET_FLOOD		0x10
#define CTL_SET_STAMP		0x20
#define CTL_SET_SOL_NACK	0x40
#define CTL_SET_SOL_CTS		0x80

struct ctl_cmd {
	enum ctl_verb		verb;
	struct ctl_target	target;	/* list without one: CTL_T_ALL */

	/* quirk */
	uint32_t		quirks;		/* enum sim_quirk bits */
	uint8_t			on;		/* quirk: 1 on, 0 off */

	/* fault: only the fields in fault_set were given */
	unsigned int		fault_set;	/* CTL_FAULT_* */
	struct sim_faults	faults;

	/* dark: 0 ends a dark period */
	uint32_t		dark_ms;

	/* power */
	enum ctl_power		power;

	/* inject: decoded bytes */
	uint8_t			data[CTL_INJECT_MAX];
	size_t			data_len;

	/* set: only the fields in set_mask were given */
	unsigned int		set_mask;	/* CTL_SET_* */
	uint32_t		session_timeout_ms;
	uint32_t		sol_retry_ms;
	uint8_t			sol_retries;
	uint32_t		output_bps;
	uint8_t			flood;
	uint8_t			stamp;
	uint32_t		sol_nack_ms;	/* 0: no window */
	uint32_t		sol_cts_ms;
};

/*
 * Parses one line (without or with its "\n" or "\r\n"; len counts what
 * is passed, newline included). Lines over VCM_SIM_CTL_LINE_MAX bytes
 * are refused before anything else is looked at. Returns 0, or a
 * negative VCM_E* code with a one-line message for "err <message>".
 */
int		 ctl_parse(const char *line, size_t len, struct ctl_cmd *,
		    char *err, size_t errlen);

/*
 * Escapes bytes for a reply line (and for inject): \\ \r \n \t \e, other
 * bytes below 0x20, 0x7f and above as \xHH, and a space at either end
 * as \x20 (so a line's edges never hide one). Writes a NUL-terminated
 * line; returns its length or VCM_ENOSPC (out needs
 * CTL_ESCAPE_SIZE(n) bytes at most).
 */
int		 ctl_escape(const uint8_t *p, size_t n, char *out,
		    size_t outlen);

/*
 * Decodes an escaped string (the inverse of ctl_escape) into out.
 * Returns the byte count, or VCM_EINVAL / VCM_ENOSPC with a message.
 */
int		 ctl_unescape(const char *s, size_t len, uint8_t *out,
		    size_t outlen, char *err, size_t errlen);

/* 1 if the BMC at fleet index / address is one the target names. */
int		 ctl_target_match(const struct ctl_target *, uint32_t index,
		    uint32_t addr);

/* The verb's name as typed ("serial-rx"). */
const char	*ctl_verb_name(enum ctl_verb);

/* The help text, one reply line each, NULL-terminated. */
extern const char *const ctl_help[];

#endif
