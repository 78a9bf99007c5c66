/*
 * The fleet description: the plain command line, the config file parser
 * (format in docs/bmcsim.md) and the value parsers the control protocol
 * shares. Everything is bounded: lines, names, passwords, users, groups
 * and the fleet size; every number is range-checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/wipe.h"
#include "ipmi/defs.h"
#include "config.h"
#include "quirks.h"

/* Suite ids 0..SIM_SUITE_MAX. */
#define SUITES_VALID	((1u << (SIM_SUITE_MAX + 1)) - 1)

/* Tokens one config line can hold: every other byte a separator. */
#define LINE_TOKENS_MAX	(VCM_SIM_CONFIG_LINE_MAX / 2)

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

/* ---- value parsers ------------------------------------------------ */

int
sim_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	const char *p;
	unsigned long v;
	char *end;

	/* strtoul alone would take spaces, signs and "0x". */
	if (*s == '\0')
		return VCM_EINVAL;
	for (p = s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return VCM_EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0')
		return VCM_EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return VCM_ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int
sim_parse_addr(const char *s, uint32_t *addr)
{
	uint32_t a = 0, v;
	int part, digits;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (*s != '.')
				return VCM_EINVAL;
			s++;
		}
		v = 0;
		for (digits = 0; *s >= '0' && *s <= '9'; digits++, s++) {
			/* No leading zeros: inet_aton would read octal. */
			if (digits == 1 && v == 0)
				return VCM_EINVAL;
			if (digits == 3)
				return VCM_EINVAL;
			v = v * 10 + (uint32_t)(*s - '0');
		}
		if (digits == 0 || v > 255)
			return VCM_EINVAL;
		a = a << 8 | v;
	}
	if (*s != '\0')
		return VCM_EINVAL;
	*addr = a;
	return 0;
}

void
sim_addr_format(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

int
sim_parse_cidr(const char *s, uint32_t *net, unsigned int *prefix,
    char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	char abuf[SIM_ADDR_TEXT_MAX], nbuf[SIM_ADDR_TEXT_MAX];
	uint32_t a, p, mask;
	size_t al;

	if (slash == NULL) {
		set_err(err, errlen, "address range must be a.b.c.d/prefix");
		return VCM_EINVAL;
	}
	al = (size_t)(slash - s);
	if (al >= sizeof(abuf)) {
		set_err(err, errlen, "bad network address");
		return VCM_EINVAL;
	}
	memcpy(abuf, s, al);
	abuf[al] = '\0';
	if (sim_parse_addr(abuf, &a) != 0) {
		set_err(err, errlen, "bad network address \"%s\"", abuf);
		return VCM_EINVAL;
	}
	if (sim_parse_u32(slash + 1, 0, 32, &p) != 0) {
		set_err(err, errlen, "bad prefix length (0..32)");
		return VCM_EINVAL;
	}
	if (!SIM_IS_LOOPBACK(a) || p < 8) {
		set_err(err, errlen, "%s/%u is not inside 127.0.0.0/8 "
		    "(bmcsim only uses loopback addresses)", abuf, p);
		return VCM_ERANGE;
	}
	if (p > 30) {
		set_err(err, errlen, "/%u has no usable address "
		    "(network and broadcast excluded): use /30 or wider", p);
		return VCM_ERANGE;
	}
	mask = 0xffffffffu << (32 - p);
	if ((a & ~mask) != 0) {
		sim_addr_format(a & mask, nbuf, sizeof(nbuf));
		set_err(err, errlen, "%s/%u has host bits set "
		    "(the network is %s/%u)", abuf, p, nbuf, p);
		return VCM_EINVAL;
	}
	*net = a;
	*prefix = p;
	return 0;
}

int
sim_parse_duration(const char *s, int bare_ms, uint32_t max, uint32_t *ms)
{
	char num[12];
	const char *u = s;
	uint64_t v, mult;
	uint32_t n;
	size_t nl;

	while (*u >= '0' && *u <= '9')
		u++;
	nl = (size_t)(u - s);
	if (nl == 0 || nl >= sizeof(num))
		return nl == 0 ? VCM_EINVAL : VCM_ERANGE;
	memcpy(num, s, nl);
	num[nl] = '\0';
	if (sim_parse_u32(num, 0, UINT32_MAX, &n) != 0)
		return VCM_ERANGE;
	if (strcmp(u, "ms") == 0)
		mult = 1;
	else if (strcmp(u, "s") == 0)
		mult = 1000;
	else if (strcmp(u, "m") == 0)
		mult = 60000;
	else if (*u == '\0' && (bare_ms || n == 0))
		mult = 1;
	else
		return VCM_EINVAL;
	v = (uint64_t)n * mult;
	if (v > max)
		return VCM_ERANGE;
	*ms = (uint32_t)v;
	return 0;
}

int
sim_parse_rate(const char *s, uint16_t *permille)
{
	char num[8];
	const char *dot, *pct;
	uint32_t whole, tenth = 0;
	size_t wl;

	pct = strchr(s, '%');
	if (pct == NULL) {
		if (sim_parse_u32(s, 0, SIM_PERMILLE_MAX, &whole) != 0)
			return VCM_ERANGE;
		*permille = (uint16_t)whole;
		return 0;
	}
	/* A percentage: "N%" or "N.D%", one decimal = one per mille. */
	if (pct[1] != '\0')
		return VCM_EINVAL;
	dot = strchr(s, '.');
	wl = (size_t)((dot != NULL ? dot : pct) - s);
	if (wl == 0 || wl >= sizeof(num))
		return VCM_EINVAL;
	memcpy(num, s, wl);
	num[wl] = '\0';
	if (sim_parse_u32(num, 0, 100, &whole) != 0)
		return VCM_ERANGE;
	if (dot != NULL) {
		if (pct - dot != 2 || dot[1] < '0' || dot[1] > '9')
			return VCM_EINVAL;
		tenth = (uint32_t)(dot[1] - '0');
	}
	if (whole * 10 + tenth > SIM_PERMILLE_MAX)
		return VCM_ERANGE;
	*permille = (uint16_t)(whole * 10 + tenth);
	return 0;
}

int
sim_parse_onoff(const char *s, uint8_t *on)
{
	if (strcmp(s, "on") == 0)
		*on = 1;
	else if (strcmp(s, "off") == 0)
		*on = 0;
	else
		return VCM_EINVAL;
	return 0;
}

/* Parses "3,17" into suite bits. */
static int
parse_suites(const char *s, uint32_t *bits)
{
	char num[4];
	const char *comma;
	uint32_t acc = 0, id;
	size_t n;

	for (;;) {
		comma = strchr(s, ',');
		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n == 0 || n >= sizeof(num))
			return VCM_EINVAL;
		memcpy(num, s, n);
		num[n] = '\0';
		if (sim_parse_u32(num, 0, SIM_SUITE_MAX, &id) != 0)
			return VCM_ERANGE;
		acc |= 1u << id;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	*bits = acc;
	return 0;
}

/*
 * "name:password:privilege". The password lies between the first and
 * the last colon, so it may contain colons itself. Messages never quote
 * the password.
 */
static int
parse_user(const char *s, struct sim_user *u, char *err, size_t errlen)
{
	const char *c1 = strchr(s, ':'), *c2 = strrchr(s, ':'), *priv;
	size_t nl, pl;

	if (c1 == NULL || c1 == c2) {
		set_err(err, errlen, "user must be name:password:privilege");
		return VCM_EINVAL;
	}
	nl = (size_t)(c1 - s);
	pl = (size_t)(c2 - c1 - 1);
	priv = c2 + 1;
	if (nl == 0 || nl > VCM_IPMI_USER_MAX) {
		set_err(err, errlen, "user name must be 1..%d bytes",
		    VCM_IPMI_USER_MAX);
		return VCM_ERANGE;
	}
	if (pl > VCM_IPMI_KEY_MAX) {
		set_err(err, errlen, "password of user \"%.*s\" is longer "
		    "than %d bytes", (int)nl, s, VCM_IPMI_KEY_MAX);
		return VCM_ERANGE;
	}
	memset(u, 0, sizeof(*u));
	if (strcmp(priv, "user") == 0)
		u->priv = IPMI_PRIV_USER;
	else if (strcmp(priv, "operator") == 0)
		u->priv = IPMI_PRIV_OPERATOR;
	else if (strcmp(priv, "admin") == 0)
		u->priv = IPMI_PRIV_ADMIN;
	else {
		set_err(err, errlen, "privilege of user \"%.*s\" must be "
		    "user, operator or admin", (int)nl, s);
		return VCM_EINVAL;
	}
	memcpy(u->name, s, nl);
	memcpy(u->password, c1 + 1, pl);
	u->password_len = (uint8_t)pl;
	u->enabled = 1;
	return 0;
}

/* Adds a user, refusing a duplicate name or one too many. */
static int
add_user(struct sim_profile *p, const struct sim_user *u, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < p->nusers; i++)
		if (strcmp(p->users[i].name, u->name) == 0) {
			set_err(err, errlen, "user \"%s\" given twice",
			    u->name);
			return VCM_EINVAL;
		}
	if (p->nusers >= VCM_SIM_USERS_MAX) {
		set_err(err, errlen, "more than %d users", VCM_SIM_USERS_MAX);
		return VCM_ERANGE;
	}
	p->users[p->nusers++] = *u;
	return 0;
}

/* ---- the fleet ---------------------------------------------------- */

void
sim_config_init(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = SIM_PORT_DEFAULT;
}

/* Usable addresses of a prefix: all but the network and broadcast. */
static uint32_t
prefix_usable(unsigned int prefix)
{
	return (uint32_t)((1ull << (32 - prefix)) - 2);
}

int
sim_config_add_group(struct sim_config *cfg, uint32_t first,
    uint32_t count, const struct sim_profile *prof, char *err,
    size_t errlen)
{
	char a1[SIM_ADDR_TEXT_MAX], a2[SIM_ADDR_TEXT_MAX];
	char b1[SIM_ADDR_TEXT_MAX], b2[SIM_ADDR_TEXT_MAX];
	struct sim_profile p = *prof;
	const struct sim_group *g;
	uint64_t last64 = (uint64_t)first + count - 1;
	uint32_t last;
	size_t i;

	if (count == 0) {
		set_err(err, errlen, "a group needs at least one BMC");
		return VCM_EINVAL;
	}
	if (cfg->ngroups >= VCM_SIM_GROUPS_MAX) {
		set_err(err, errlen, "more than %d groups",
		    VCM_SIM_GROUPS_MAX);
		return VCM_ERANGE;
	}
	if (!SIM_IS_LOOPBACK(first) || last64 > UINT32_MAX ||
	    !SIM_IS_LOOPBACK((uint32_t)last64)) {
		set_err(err, errlen, "addresses leave 127.0.0.0/8 "
		    "(bmcsim only uses loopback addresses)");
		return VCM_ERANGE;
	}
	last = (uint32_t)last64;
	if (count > VCM_SIM_BMCS_MAX - cfg->total) {
		set_err(err, errlen, "fleet of %llu BMCs exceeds %d",
		    (unsigned long long)cfg->total + count, VCM_SIM_BMCS_MAX);
		return VCM_ERANGE;
	}
	if (p.nusers == 0) {
		set_err(err, errlen, "no user (add user=name:password:"
		    "privilege here or on a defaults line)");
		return VCM_EINVAL;
	}
	if (p.nusers > VCM_SIM_USERS_MAX) {
		set_err(err, errlen, "more than %d users", VCM_SIM_USERS_MAX);
		return VCM_ERANGE;
	}
	if (p.slots < 1 || p.slots > VCM_SIM_SLOTS_MAX) {
		set_err(err, errlen, "slots must be 1..%d", VCM_SIM_SLOTS_MAX);
		return VCM_ERANGE;
	}
	if (p.session_timeout_ms == 0 || p.sol_retry_ms == 0 ||
	    p.output_bps == 0 || p.faults.delay_ms > VCM_SIM_DELAY_MAX_MS ||
	    p.sol_nack_ms > VCM_SIM_DELAY_MAX_MS ||
	    p.sol_cts_ms > VCM_SIM_DELAY_MAX_MS ||
	    p.faults.loss > SIM_PERMILLE_MAX ||
	    p.faults.dup > SIM_PERMILLE_MAX ||
	    p.faults.reorder > SIM_PERMILLE_MAX ||
	    p.faults.garbage > SIM_PERMILLE_MAX ||
	    (p.quirks & ~SIM_Q_ALL) != 0) {
		set_err(err, errlen, "profile value out of range");
		return VCM_ERANGE;
	}
	/* Suite 0 and the insecure_cs0 quirk go together, never alone. */
	if (p.quirks & SIM_Q_INSECURE_CS0)
		p.suites |= 1u;
	if ((p.suites & 1u) && !(p.quirks & SIM_Q_INSECURE_CS0)) {
		set_err(err, errlen, "cipher suite 0 needs \"insecure\"");
		return VCM_EINVAL;
	}
	if (p.suites == 0 || (p.suites & ~SUITES_VALID) != 0) {
		set_err(err, errlen, "suites must be ids 0..%d",
		    SIM_SUITE_MAX);
		return VCM_ERANGE;
	}
	if ((p.quirks & SIM_Q_CS17_ONLY) && !(p.suites & (1u << 17))) {
		set_err(err, errlen, "cs17_only needs suite 17 offered");
		return VCM_EINVAL;
	}
	for (i = 0; i < cfg->ngroups; i++) {
		g = &cfg->groups[i];
		if (first > g->first + (g->count - 1) || g->first > last)
			continue;
		sim_addr_format(first, a1, sizeof(a1));
		sim_addr_format(last, a2, sizeof(a2));
		sim_addr_format(g->first, b1, sizeof(b1));
		sim_addr_format(g->first + (g->count - 1), b2, sizeof(b2));
		set_err(err, errlen, "group %zu (%s-%s) overlaps group %zu "
		    "(%s-%s)", cfg->ngroups + 1, a1, a2, i + 1, b1, b2);
		return VCM_EINVAL;
	}
	cfg->groups[cfg->ngroups].first = first;
	cfg->groups[cfg->ngroups].count = count;
	cfg->groups[cfg->ngroups].prof = p;
	cfg->ngroups++;
	cfg->total += count;
	return 0;
}

int
sim_config_add_plain(struct sim_config *cfg, const char *cidr,
    uint32_t count, const char *user, const char *password, char *err,
    size_t errlen)
{
	struct sim_profile p;
	struct sim_user u;
	uint32_t net;
	unsigned int prefix;
	size_t nl, pl;
	int rc;

	if (cidr == NULL || user == NULL || password == NULL) {
		set_err(err, errlen, "--addrs, --user and --password "
		    "are required");
		return VCM_EINVAL;
	}
	if ((rc = sim_parse_cidr(cidr, &net, &prefix, err, errlen)) != 0)
		return rc;
	if (count == 0 || count > prefix_usable(prefix)) {
		set_err(err, errlen, "--count %u does not fit in %s "
		    "(1..%u addresses)", count, cidr, prefix_usable(prefix));
		return VCM_ERANGE;
	}
	nl = strlen(user);
	pl = strlen(password);
	if (nl == 0 || nl > VCM_IPMI_USER_MAX || strchr(user, ':') != NULL) {
		set_err(err, errlen, "--user must be 1..%d bytes without ':'",
		    VCM_IPMI_USER_MAX);
		return VCM_ERANGE;
	}
	if (pl > VCM_IPMI_KEY_MAX) {
		set_err(err, errlen, "--password is longer than %d bytes",
		    VCM_IPMI_KEY_MAX);
		return VCM_ERANGE;
	}
	sim_profile_default(&p);
	memset(&u, 0, sizeof(u));
	memcpy(u.name, user, nl);
	memcpy(u.password, password, pl);
	u.password_len = (uint8_t)pl;
	u.priv = IPMI_PRIV_ADMIN;
	u.enabled = 1;
	p.users[0] = u;
	p.nusers = 1;
	rc = sim_config_add_group(cfg, net + 1, count, &p, err, errlen);
	vcm_wipe(&u, sizeof(u));
	vcm_wipe(&p, sizeof(p));
	return rc;
}

int
sim_config_addr(const struct sim_config *cfg, uint32_t index,
    uint32_t *addr, const struct sim_profile **prof)
{
	size_t i;

	for (i = 0; i < cfg->ngroups; i++) {
		if (index < cfg->groups[i].count) {
			if (addr != NULL)
				*addr = cfg->groups[i].first + index;
			if (prof != NULL)
				*prof = &cfg->groups[i].prof;
			return 0;
		}
		index -= cfg->groups[i].count;
	}
	return VCM_ERANGE;
}

/* ---- the config file ---------------------------------------------- */

/* Keys seen on one line (each at most once, except user). */
enum {
	K_VENDOR = 1u << 0, K_TIMEOUT = 1u << 1, K_SOLRETRY = 1u << 2,
	K_SOLRETRIES = 1u << 3, K_SLOTS = 1u << 4, K_SUITES = 1u << 5,
	K_OUTPUT = 1u << 6, K_FLOOD = 1u << 7, K_QUIRKS = 1u << 8,
	K_LOSS = 1u << 9, K_DUP = 1u << 10, K_REORDER = 1u << 11,
	K_GARBAGE = 1u << 12, K_DELAY = 1u << 13, K_INSECURE = 1u << 14,
	K_ADDRS = 1u << 15, K_COUNT = 1u << 16, K_STAMP = 1u << 17,
	K_SOLNACK = 1u << 18, K_SOLCTS = 1u << 19,
};

static const struct {
	const char	*name;
	uint32_t	 bit;
} cfg_keys[] = {
	{ "vendor", K_VENDOR }, { "session-timeout", K_TIMEOUT },
	{ "sol-retry", K_SOLRETRY }, { "sol-retries", K_SOLRETRIES },
	{ "slots", K_SLOTS }, { "suites", K_SUITES },
	{ "output", K_OUTPUT }, { "flood", K_FLOOD },
	{ "quirks", K_QUIRKS }, { "loss", K_LOSS }, { "dup", K_DUP },
	{ "reorder", K_REORDER }, { "garbage", K_GARBAGE },
	{ "delay", K_DELAY }, { "insecure", K_INSECURE },
	{ "addrs", K_ADDRS }, { "count", K_COUNT }, { "stamp", K_STAMP },
	{ "sol-nack", K_SOLNACK }, { "sol-cts", K_SOLCTS },
};

struct cfg_parse {
	struct sim_config	*cfg;
	const char		*fname;
	unsigned int		 line;
	char			*err;
	size_t			 errlen;
	struct sim_profile	 dflt;		/* from defaults lines */
	uint32_t		 dflt_set;	/* K_SLOTS, K_SUITES seen */
	int			 seen_port;
	int			 seen_control;
};

static int
line_err(struct cfg_parse *cp, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "FILE:LINE: message"; returns code. */
static int
line_err(struct cfg_parse *cp, int code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_err(cp->err, cp->errlen, "%s:%u: %s", cp->fname, cp->line, msg);
	return code;
}

/* Why a value failed, for messages: ERANGE means "out of range". */
static const char *
why(int rc)
{
	return rc == VCM_ERANGE ? "out of range" : "malformed";
}

/*
 * Applies the key=value tokens of a defaults or group line to p. A
 * vendor goes first whatever its position, so the line's own keys win
 * over it; slots and suites from defaults lines win over a group's
 * vendor too (the user said them explicitly).
 */
static int
apply_keys(struct cfg_parse *cp, struct sim_profile *p, char **tok,
    size_t ntok, int is_group, uint32_t *seen, const char **addrs,
    uint32_t *count)
{
	const struct sim_vendor *v;
	struct sim_user u;
	char msg[200];
	const char *val;
	uint32_t bit, n, ms, saved_suites;
	uint8_t saved_slots, on, insecure = 0;
	uint16_t rate;
	size_t i, k, kl;
	int rc, users_reset = 0;

	*seen = 0;
	/* Pass 1: check every key once and find the vendor. */
	for (i = 0; i < ntok; i++) {
		val = strchr(tok[i], '=');
		kl = val != NULL ? (size_t)(val - tok[i]) : strlen(tok[i]);
		if (kl == 4 && memcmp(tok[i], "user", 4) == 0) {
			if (val == NULL)
				return line_err(cp, VCM_EINVAL,
				    "user needs =name:password:privilege");
			continue;
		}
		for (k = 0, bit = 0; k < sizeof(cfg_keys) / sizeof(cfg_keys[0]);
		    k++)
			if (strlen(cfg_keys[k].name) == kl &&
			    memcmp(cfg_keys[k].name, tok[i], kl) == 0)
				bit = cfg_keys[k].bit;
		if (bit == 0 || (!is_group && (bit & (K_ADDRS | K_COUNT))))
			return line_err(cp, VCM_EINVAL,
			    "unknown key \"%.*s\"%s", kl > 64 ? 64 : (int)kl, tok[i],
			    bit != 0 ? " on a defaults line" : "");
		if (val == NULL && bit != K_INSECURE)
			return line_err(cp, VCM_EINVAL, "%.*s needs a value",
			    (int)kl, tok[i]);
		if (*seen & bit)
			return line_err(cp, VCM_EINVAL, "%.*s given twice",
			    (int)kl, tok[i]);
		*seen |= bit;
		if (bit == K_VENDOR) {
			if ((v = sim_vendor_find(val + 1, strlen(val + 1))) ==
			    NULL)
				return line_err(cp, VCM_EINVAL,
				    "unknown vendor \"%.64s\"", val + 1);
			saved_slots = p->slots;
			saved_suites = p->suites;
			sim_vendor_apply(p, v);
			if (cp->dflt_set & K_SLOTS)
				p->slots = saved_slots;
			if (cp->dflt_set & K_SUITES)
				p->suites = saved_suites;
		}
	}

	/* Pass 2: the values. */
	for (i = 0; i < ntok; i++) {
		val = strchr(tok[i], '=');
		val = val != NULL ? val + 1 : NULL;
		if (strncmp(tok[i], "user=", 5) == 0) {
			if (parse_user(val, &u, msg, sizeof(msg)) != 0)
				return line_err(cp, VCM_EINVAL, "%s", msg);
			/* A line's users replace those it inherits. */
			if (!users_reset) {
				p->nusers = 0;
				users_reset = 1;
			}
			rc = add_user(p, &u, msg, sizeof(msg));
			vcm_wipe(&u, sizeof(u));
			if (rc != 0)
				return line_err(cp, rc, "%s", msg);
			continue;
		}
		kl = val != NULL ? (size_t)(val - 1 - tok[i]) : strlen(tok[i]);
#define KEY(s)	(kl == sizeof(s) - 1 && memcmp(tok[i], s, kl) == 0)
		if (KEY("vendor")) {
			continue;
		} else if (KEY("session-timeout")) {
			if ((rc = sim_parse_duration(val, 0, VCM_SIM_TIMEOUT_MAX_MS,
			    &ms)) != 0 || ms == 0)
				return line_err(cp, VCM_EINVAL,
				    "session-timeout must be a duration like 500ms, 2s or 1m, "
				    "1ms..%um", VCM_SIM_TIMEOUT_MAX_MS / 60000);
			p->session_timeout_ms = ms;
		} else if (KEY("sol-retry")) {
			if ((rc = sim_parse_duration(val, 0,
			    VCM_SIM_DELAY_MAX_MS, &ms)) != 0 || ms == 0)
				return line_err(cp, VCM_EINVAL,
				    "sol-retry must be a duration like 500ms or 1s, 1ms..%dms",
				    VCM_SIM_DELAY_MAX_MS);
			p->sol_retry_ms = ms;
		} else if (KEY("sol-retries")) {
			if ((rc = sim_parse_u32(val, 0, UINT8_MAX, &n)) != 0)
				return line_err(cp, rc, "sol-retries %s "
				    "(0..%d)", why(rc), UINT8_MAX);
			p->sol_retries = (uint8_t)n;
		} else if (KEY("slots")) {
			if ((rc = sim_parse_u32(val, 1, VCM_SIM_SLOTS_MAX,
			    &n)) != 0)
				return line_err(cp, rc, "slots %s (1..%d)",
				    why(rc), VCM_SIM_SLOTS_MAX);
			p->slots = (uint8_t)n;
			if (!is_group)
				cp->dflt_set |= K_SLOTS;
		} else if (KEY("suites")) {
			if ((rc = parse_suites(val, &n)) != 0)
				return line_err(cp, rc, "suites must be a list "
				    "of cipher suite ids 0..%d like 3,17",
				    SIM_SUITE_MAX);
			p->suites = n;
			if (!is_group)
				cp->dflt_set |= K_SUITES;
		} else if (KEY("output")) {
			if ((rc = sim_parse_u32(val, 1, VCM_SIM_OUTPUT_BPS_MAX,
			    &n)) != 0)
				return line_err(cp, rc, "output %s (1..%u "
				    "bytes/s)", why(rc), VCM_SIM_OUTPUT_BPS_MAX);
			p->output_bps = n;
		} else if (KEY("flood")) {
			if (sim_parse_onoff(val, &on) != 0)
				return line_err(cp, VCM_EINVAL,
				    "flood must be on or off");
			p->flood = on;
		} else if (KEY("stamp")) {
			if (sim_parse_onoff(val, &on) != 0)
				return line_err(cp, VCM_EINVAL,
				    "stamp must be on or off");
			p->stamp = on;
		} else if (KEY("quirks")) {
			if ((rc = sim_quirks_parse(val, strlen(val), &n, msg,
			    sizeof(msg))) != 0)
				return line_err(cp, rc, "%s", msg);
			p->quirks = n;
		} else if (KEY("loss") || KEY("dup") || KEY("reorder") ||
		    KEY("garbage")) {
			if ((rc = sim_parse_rate(val, &rate)) != 0)
				return line_err(cp, rc, "%.*s %s: a rate per "
				    "mille 0..%d or a percentage like 0.5%%",
				    (int)kl, tok[i], why(rc), SIM_PERMILLE_MAX);
			if (KEY("loss"))
				p->faults.loss = rate;
			else if (KEY("dup"))
				p->faults.dup = rate;
			else if (KEY("reorder"))
				p->faults.reorder = rate;
			else
				p->faults.garbage = rate;
		} else if (KEY("delay")) {
			if ((rc = sim_parse_duration(val, 0,
			    VCM_SIM_DELAY_MAX_MS, &ms)) != 0)
				return line_err(cp, rc, "delay must be a "
				    "duration like 20ms, at most %dms",
				    VCM_SIM_DELAY_MAX_MS);
			p->faults.delay_ms = ms;
		} else if (KEY("sol-nack") || KEY("sol-cts")) {
			if ((rc = sim_parse_duration(val, 0,
			    VCM_SIM_DELAY_MAX_MS, &ms)) != 0)
				return line_err(cp, rc, "%.*s must be a "
				    "duration like 500ms or 2s, at most %dms",
				    (int)kl, tok[i], VCM_SIM_DELAY_MAX_MS);
			if (KEY("sol-nack"))
				p->sol_nack_ms = ms;
			else
				p->sol_cts_ms = ms;
		} else if (KEY("insecure")) {
			on = 1;
			if (val != NULL && sim_parse_onoff(val, &on) != 0)
				return line_err(cp, VCM_EINVAL,
				    "insecure takes no value, or on/off");
			insecure = on ? 1 : 2;
		} else if (KEY("addrs")) {
			*addrs = val;
		} else if (KEY("count")) {
			if ((rc = sim_parse_u32(val, 1, VCM_SIM_BMCS_MAX,
			    &n)) != 0)
				return line_err(cp, rc, "count %s (1..%d)",
				    why(rc), VCM_SIM_BMCS_MAX);
			*count = n;
		}
#undef KEY
	}
	/* After quirks=, so "quirks=none insecure" keeps suite 0. */
	if (insecure == 1)
		p->quirks |= SIM_Q_INSECURE_CS0;
	else if (insecure == 2)
		p->quirks &= ~(uint32_t)SIM_Q_INSECURE_CS0;
	/*
	 * The quirk is what offers suite 0: it brings the suite along, and
	 * a suite 0 inherited from an insecure defaults line goes when this
	 * line drops the quirk. Only a suites= on this very line that
	 * lists 0 without the quirk is an error.
	 */
	if (p->quirks & SIM_Q_INSECURE_CS0)
		p->suites |= 1u;
	else if ((p->suites & 1u) && (*seen & K_SUITES))
		return line_err(cp, VCM_EINVAL, "cipher suite 0 needs "
		    "\"insecure\" on the line (it has no authentication, "
		    "integrity or confidentiality)");
	else
		p->suites &= ~1u;
	return 0;
}

static int
do_group(struct cfg_parse *cp, char **tok, size_t ntok)
{
	struct sim_profile p = cp->dflt;
	const char *addrs = NULL;
	char msg[256];
	uint32_t seen, count = 0, net;
	unsigned int prefix;
	int rc;

	if ((rc = apply_keys(cp, &p, tok, ntok, 1, &seen, &addrs,
	    &count)) != 0)
		goto out;
	if (addrs == NULL) {
		rc = line_err(cp, VCM_EINVAL,
		    "group needs addrs=a.b.c.d/prefix");
		goto out;
	}
	if ((rc = sim_parse_cidr(addrs, &net, &prefix, msg,
	    sizeof(msg))) != 0) {
		rc = line_err(cp, rc, "%s", msg);
		goto out;
	}
	/* Without count= the group fills its network. */
	if (!(seen & K_COUNT))
		count = prefix_usable(prefix);
	if (count > prefix_usable(prefix)) {
		rc = line_err(cp, VCM_ERANGE, "count %u does not fit in %s "
		    "(at most %u addresses)", count, addrs,
		    prefix_usable(prefix));
		goto out;
	}
	if ((rc = sim_config_add_group(cp->cfg, net + 1, count, &p, msg,
	    sizeof(msg))) != 0)
		rc = line_err(cp, rc, "%s", msg);
out:
	vcm_wipe(&p, sizeof(p));
	return rc;
}

static int
do_line(struct cfg_parse *cp, char **tok, size_t ntok)
{
	uint32_t seen, n;
	size_t l;
	int rc;

	if (strcmp(tok[0], "port") == 0) {
		if (ntok != 2)
			return line_err(cp, VCM_EINVAL,
			    "port takes one number");
		if (cp->seen_port)
			return line_err(cp, VCM_EINVAL, "port given twice");
		if ((rc = sim_parse_u32(tok[1], 1, UINT16_MAX, &n)) != 0)
			return line_err(cp, rc, "port %s (1..%d)", why(rc),
			    UINT16_MAX);
		cp->cfg->port = (uint16_t)n;
		cp->seen_port = 1;
		return 0;
	}
	if (strcmp(tok[0], "control") == 0) {
		if (ntok != 2)
			return line_err(cp, VCM_EINVAL,
			    "control takes one path");
		if (cp->seen_control)
			return line_err(cp, VCM_EINVAL, "control given twice");
		l = strlen(tok[1]);
		if (l >= sizeof(cp->cfg->control))
			return line_err(cp, VCM_ERANGE, "control path longer "
			    "than %zu bytes", sizeof(cp->cfg->control) - 1);
		memcpy(cp->cfg->control, tok[1], l + 1);
		cp->seen_control = 1;
		return 0;
	}
	if (strcmp(tok[0], "defaults") == 0) {
		if (ntok < 2)
			return line_err(cp, VCM_EINVAL,
			    "defaults needs key=value settings");
		return apply_keys(cp, &cp->dflt, tok + 1, ntok - 1, 0, &seen,
		    NULL, NULL);
	}
	if (strcmp(tok[0], "group") == 0)
		return do_group(cp, tok + 1, ntok - 1);
	return line_err(cp, VCM_EINVAL, "unknown directive \"%.64s\" "
	    "(port, control, defaults, group)", tok[0]);
}

int
sim_config_parse(struct sim_config *cfg, const char *text, size_t len,
    const char *fname, char *err, size_t errlen)
{
	struct cfg_parse cp;
	char buf[VCM_SIM_CONFIG_LINE_MAX];
	char *tok[LINE_TOKENS_MAX];
	const char *p = text, *end = text + len, *nl;
	size_t ll, i, ntok;
	int rc = 0;

	memset(&cp, 0, sizeof(cp));
	cp.cfg = cfg;
	cp.fname = fname != NULL ? fname : "config";
	cp.err = err;
	cp.errlen = errlen;
	sim_profile_default(&cp.dflt);
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	while (p < end && rc == 0) {
		cp.line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		ll = (size_t)((nl != NULL ? nl : end) - p);
		/* Tolerate CRLF files. */
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll >= sizeof(buf)) {
			rc = line_err(&cp, VCM_ERANGE, "line longer than %d "
			    "bytes", VCM_SIM_CONFIG_LINE_MAX - 1);
			break;
		}
		memcpy(buf, p, ll);
		buf[ll] = '\0';
		p = nl != NULL ? nl + 1 : end;

		/* Split on blanks; a word starting with '#' ends the line. */
		ntok = 0;
		for (i = 0; i < ll && rc == 0; i++) {
			unsigned char c = (unsigned char)buf[i];

			if (c == ' ' || c == '\t') {
				buf[i] = '\0';
				continue;
			}
			if (c < 0x20 || c == 0x7f) {
				rc = line_err(&cp, VCM_EINVAL,
				    "control byte 0x%02x", c);
				break;
			}
			if (i > 0 && buf[i - 1] != '\0')
				continue;
			if (c == '#')
				break;
			/* ll < LINE_MAX, so at most LINE_MAX/2 words. */
			tok[ntok++] = &buf[i];
		}
		if (rc == 0 && ntok > 0)
			rc = do_line(&cp, tok, ntok);
		/* The line may have held a password. */
		vcm_wipe(buf, sizeof(buf));
	}
	vcm_wipe(&cp.dflt, sizeof(cp.dflt));
	return rc;
}

int
sim_config_load(struct sim_config *cfg, const char *path, char *err,
    size_t errlen)
{
	char *buf;
	size_t len = 0;
	ssize_t n = 0;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return VCM_EIO;
	}
	/* One byte more than the cap tells "too large" from "just fits". */
	if ((buf = malloc(VCM_SIM_CONFIG_FILE_MAX + 1)) == NULL) {
		close(fd);
		set_err(err, errlen, "%s: out of memory", path);
		return VCM_ENOMEM;
	}
	for (;;) {
		n = read(fd, buf + len, VCM_SIM_CONFIG_FILE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > VCM_SIM_CONFIG_FILE_MAX)
			break;
	}
	if (n == -1) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		rc = VCM_EIO;
	} else if (len > VCM_SIM_CONFIG_FILE_MAX) {
		set_err(err, errlen, "%s: larger than %d bytes", path,
		    VCM_SIM_CONFIG_FILE_MAX);
		rc = VCM_ERANGE;
	} else
		rc = sim_config_parse(cfg, buf, len, path, err, errlen);
	close(fd);
	vcm_wipe(buf, len);
	free(buf);
	return rc;
}
