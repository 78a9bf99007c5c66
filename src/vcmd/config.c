/*
 * vcmd's configuration (config.h): the option table and the code it
 * drives. Every value is checked by its type's parser (numbers in
 * range, addresses through inet_pton, paths and URLs without control
 * characters), so what vcmd runs with is what the operator wrote.
 */
#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "engine/console.h"
#include "config.h"

/* Option names are short words; longer is a typo or garbage. */
#define CFG_NAME_MAX	32
/* A line: a name, " = ", a value, and generous spacing. */
#define CFG_LINE_MAX	(VCM_CONFIG_VALUE_MAX + 128)
/* Characters of a bad value quoted back in a message. */
#define CFG_QUOTE_MAX	40

enum cfg_type {
	CFG_ADDR,	/* numeric IPv4 or IPv6 address */
	CFG_PATH,	/* a file or directory; "" means the derived one */
	CFG_URL,	/* "" or https://host[:port][/path] */
	CFG_ORIGINS,	/* "" or a comma list of scheme://host[:port] */
	CFG_U16,
	CFG_U32,
	CFG_ENUM	/* a word from names[], stored as its index (u8) */
};

struct cfg_option {
	const char		*name;
	enum cfg_type		 type;
	size_t			 off, size;
	uint32_t		 min, max;	/* numbers; CFG_PATH min 1: required */
	uint32_t		 def_num;
	const char		*def_str;
	const char *const	*names;		/* CFG_ENUM, NULL-terminated */
	const char		*help;
};

static const char *const policy_names[] = { "take", "refuse", NULL };
static const char *const yesno_names[] = { "no", "yes", NULL };
static const char *const level_names[] = {
	"debug", "info", "warn", "error", NULL
};

#define F(m)	offsetof(struct vcmd_config, m), \
		sizeof(((struct vcmd_config *)0)->m)

static const struct cfg_option options[] = {
	{ "listen", CFG_ADDR, F(listen), 0, 0, 0, "127.0.0.1", NULL,
	  "address the HTTPS API and consoles listen on" },
	{ "port", CFG_U16, F(port), 1, UINT16_MAX, VCM_VCMD_PORT_DEFAULT,
	  NULL, NULL, "TCP port of the HTTPS API" },
	{ "state_dir", CFG_PATH, F(state_dir), 1, 0, 0, "/var/lib/vcm", NULL,
	  "directory of the database, keys and certificate" },
	{ "db", CFG_PATH, F(db), 0, 0, 0, "", NULL,
	  "SQLite database (default <state_dir>/vcm.db)" },
	{ "vault_key", CFG_PATH, F(vault_key), 0, 0, 0, "", NULL,
	  "credential key file (default <state_dir>/vault.key)" },
	{ "tls_cert", CFG_PATH, F(tls_cert), 0, 0, 0, "", NULL,
	  "certificate, PEM (default <state_dir>/tls/cert.pem)" },
	{ "tls_key", CFG_PATH, F(tls_key), 0, 0, 0, "", NULL,
	  "private key, PEM (default <state_dir>/tls/key.pem)" },
	{ "operator_key_file", CFG_PATH, F(operator_key_file), 0, 0, 0, "",
	  NULL, "first operator API key (default <state_dir>/operator.key)" },
	{ "public_url", CFG_URL, F(public_url), 0, 0, 0, "", NULL,
	  "URL clients reach vcmd at (default https://<listen>:<port>)" },
	{ "allowed_origins", CFG_ORIGINS, F(allowed_origins), 0, 0, 0, "",
	  NULL, "WebSocket origins, comma list (default public_url's)" },
	{ "static_dir", CFG_PATH, F(static_dir), 0, 0, 0, "", NULL,
	  "web console files (default " VCMD_STATIC_DIR_DEFAULT ")" },
	{ "engine_bind", CFG_ADDR, F(engine_bind), 0, 0, 0, "0.0.0.0", NULL,
	  "address the BMC UDP sockets bind" },
	{ "grant_default_s", CFG_U32, F(grant_default_s), 1,
	  VCM_GRANT_MAX_LIMIT_S, VCM_GRANT_DEFAULT_S, NULL, NULL,
	  "grant lifetime when the request names none, seconds" },
	{ "grant_max_s", CFG_U32, F(grant_max_s), 1, VCM_GRANT_MAX_LIMIT_S,
	  VCM_GRANT_MAX_DEFAULT_S, NULL, NULL,
	  "longest grant lifetime, seconds" },
	{ "api_rate", CFG_U32, F(api_rate), 1, VCM_API_RATE_CFG_MAX,
	  VCM_API_RATE_PER_S, NULL, NULL,
	  "API requests per second per key or source address" },
	{ "api_burst", CFG_U32, F(api_burst), 1, VCM_API_RATE_CFG_MAX,
	  VCM_API_RATE_BURST, NULL, NULL,
	  "API requests allowed in a burst" },
	{ "console_policy", CFG_ENUM, F(console_policy), 0, 0,
	  ENG_CONSOLE_TAKE, NULL, policy_names,
	  "a stale SOL left by someone else: take or refuse" },
	{ "console_linger_ms", CFG_U32, F(console_linger_ms), 0,
	  VCM_VCMD_MS_CFG_MAX, 0, NULL, NULL,
	  "SOL kept after the last viewer, ms (0: engine default)" },
	{ "session_idle_ms", CFG_U32, F(session_idle_ms), 0,
	  VCM_VCMD_MS_CFG_MAX, VCM_VCMD_SESSION_IDLE_MS, NULL, NULL,
	  "an idle BMC session is closed after this, ms (0: at once)" },
	{ "bmc_timeout_ms", CFG_U32, F(bmc_timeout_ms), VCM_BMC_TIMEOUT_MIN_MS,
	  VCM_VCMD_MS_CFG_MAX, VCM_BMC_TIMEOUT_DEFAULT_MS, NULL, NULL,
	  "deadline of a power action, ms" },
	{ "log_level", CFG_ENUM, F(log_level), 0, 0, VCM_LOG_INFO, NULL,
	  level_names, "lowest level logged: debug, info, warn, error" },
	{ "recording_max_bytes", CFG_U32, F(recording_max_bytes), 1,
	  VCM_RECORDING_BYTES_MAX, VCM_RECORDING_BYTES_DEFAULT, NULL, NULL,
	  "largest console recording, bytes" },
	{ "recording_retention_days", CFG_U32, F(recording_retention_days), 1,
	  VCM_RECORDING_DAYS_MAX, VCM_RECORDING_DAYS_DEFAULT, NULL, NULL,
	  "days console recordings are kept" },
	{ "recording_input", CFG_ENUM, F(recording_input), 0, 0, 0, NULL,
	  yesno_names, "record what viewers type too: no or yes" },
};

#undef F

#define NOPTIONS	(sizeof(options) / sizeof(options[0]))

/* The enum values stored must be the engine's and the logger's. */
_Static_assert(ENG_CONSOLE_TAKE == VCMD_CONSOLE_TAKE &&
    ENG_CONSOLE_REFUSE == VCMD_CONSOLE_REFUSE, "console policy values");
_Static_assert(VCM_LOG_DEBUG == 0 && VCM_LOG_INFO == 1 &&
    VCM_LOG_WARN == 2 && VCM_LOG_ERROR == 3, "log level values");

static void
set_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* A value quoted in a message: printable ASCII, cut short. */
static void
quote(char *out, size_t outsz, const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 4 < outsz && i < CFG_QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		out[n++] = c >= 0x20 && c < 0x7f && c != '\'' ? (char)c : '?';
	}
	if (i < len && n + 4 <= outsz) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

static const struct cfg_option *
find_option(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (strlen(options[i].name) == len &&
		    memcmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

/* ---- value parsers ------------------------------------------------- */

/* Decimal digits only: strtoul alone takes spaces, signs and "0x". */
static int
parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (*s == '\0')
		return VCM_EINVAL;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return VCM_EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return VCM_EINVAL;
	}
	if (v < min || v > max)
		return VCM_EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Characters RFC 3986 allows unescaped in a URL's host and path. */
static int
url_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("\"<>\\^`{|}#?", c) == NULL;
}

/*
 * "scheme://authority[/path]": returns the authority's length (the
 * origin is s up to it) or -1. An origin may have no path.
 */
static int
url_check(const char *s, int https_only, int origin)
{
	const char *a, *p, *end;

	if (strncmp(s, "https://", 8) == 0)
		a = s + 8;
	else if (!https_only && strncmp(s, "http://", 7) == 0)
		a = s + 7;
	else
		return -1;
	for (p = a; *p != '\0' && *p != '/'; p++)
		if (!url_char_ok((unsigned char)*p) || *p == '@')
			return -1;
	if (p == a || (origin && *p != '\0'))
		return -1;
	for (end = p; *p != '\0'; p++)
		if (!url_char_ok((unsigned char)*p))
			return -1;
	return (int)(end - s);
}

/* Comma list of origins; spaces around the commas are dropped. */
static int
parse_origins(const char *s, char *out, size_t outsz)
{
	char one[VCM_CONFIG_VALUE_MAX + 1];
	const char *p = s, *end;
	size_t n = 0, len;

	out[0] = '\0';
	if (*s == '\0')
		return 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (end = p; *end != '\0' && *end != ','; end++)
			;
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(one))
			return VCM_EINVAL;
		memcpy(one, p, len);
		one[len] = '\0';
		if (url_check(one, 0, 1) < 0)
			return VCM_EINVAL;
		if (n + (n > 0) + len + 1 > outsz)
			return VCM_EINVAL;
		if (n > 0)
			out[n++] = ',';
		memcpy(out + n, one, len + 1);
		n += len;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

static int
addr_ok(const char *s)
{
	uint8_t a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/*
 * Checks value for option o and stores it in cfg. On error err says
 * why (without the option's name, which the caller adds).
 */
static int
apply(struct vcmd_config *cfg, const struct cfg_option *o, const char *v,
    char *err, size_t errsz)
{
	char *field = (char *)cfg + o->off;
	char tmp[VCM_CONFIG_VALUE_MAX + 1];
	uint32_t n;
	size_t i, len = strlen(v);

	switch (o->type) {
	case CFG_ADDR:
		if (len >= o->size || !addr_ok(v)) {
			set_err(err, errsz, "must be a numeric IPv4 or IPv6 "
			    "address");
			return VCM_EINVAL;
		}
		memcpy(field, v, len + 1);
		return 0;
	case CFG_PATH:
		if (len >= o->size || has_ctl(v)) {
			set_err(err, errsz, "must be a path of at most %zu "
			    "characters", o->size - 1);
			return VCM_EINVAL;
		}
		if (len == 0 && o->min > 0) {
			set_err(err, errsz, "must not be empty");
			return VCM_EINVAL;
		}
		memcpy(field, v, len + 1);
		return 0;
	case CFG_URL:
		if (len >= o->size || (len > 0 && url_check(v, 1, 0) < 0)) {
			set_err(err, errsz, "must be an https:// URL of at most "
			    "%zu characters", o->size - 1);
			return VCM_EINVAL;
		}
		memcpy(field, v, len + 1);
		return 0;
	case CFG_ORIGINS:
		if (parse_origins(v, tmp, o->size) != 0) {
			set_err(err, errsz, "must be a comma list of origins "
			    "like https://host:port (no path), at most %zu "
			    "characters", o->size - 1);
			return VCM_EINVAL;
		}
		memcpy(field, tmp, strlen(tmp) + 1);
		return 0;
	case CFG_U16:
	case CFG_U32:
		if (parse_u32(v, o->min, o->max, &n) != 0) {
			set_err(err, errsz, "must be a number from %u to %u",
			    (unsigned)o->min, (unsigned)o->max);
			return VCM_EINVAL;
		}
		if (o->type == CFG_U16) {
			uint16_t u = (uint16_t)n;

			memcpy(field, &u, sizeof(u));
		} else
			memcpy(field, &n, sizeof(n));
		return 0;
	case CFG_ENUM:
		for (i = 0; o->names[i] != NULL; i++)
			if (strcmp(o->names[i], v) == 0) {
				*(uint8_t *)field = (uint8_t)i;
				return 0;
			}
		set_err(err, errsz, "must be one of");
		for (i = 0; o->names[i] != NULL; i++) {
			size_t used = strnlen(err, errsz);

			if (err != NULL && used < errsz)
				set_err(err + used, errsz - used, "%s %s",
				    i == 0 ? "" : ",", o->names[i]);
		}
		return VCM_EINVAL;
	}
	set_err(err, errsz, "internal: unknown option type");
	return VCM_EINVAL;
}

/* The value of option o as text, as the parser takes it back. */
static void
format_value(const struct vcmd_config *cfg, const struct cfg_option *o,
    char *out, size_t outsz)
{
	const char *field = (const char *)cfg + o->off;
	uint32_t n;
	uint16_t u;
	uint8_t e;
	size_t i;

	switch (o->type) {
	case CFG_U16:
		memcpy(&u, field, sizeof(u));
		snprintf(out, outsz, "%u", (unsigned)u);
		return;
	case CFG_U32:
		memcpy(&n, field, sizeof(n));
		snprintf(out, outsz, "%u", (unsigned)n);
		return;
	case CFG_ENUM:
		e = *(const uint8_t *)field;
		for (i = 0; o->names[i] != NULL && i < e; i++)
			;
		snprintf(out, outsz, "%s",
		    o->names[i] != NULL ? o->names[i] : "?");
		return;
	case CFG_ADDR:
	case CFG_PATH:
	case CFG_URL:
	case CFG_ORIGINS:
		snprintf(out, outsz, "%.*s", (int)o->size, field);
		return;
	}
	out[0] = '\0';
}

/* ---- public -------------------------------------------------------- */

void
vcmd_config_defaults(struct vcmd_config *cfg)
{
	char num[16];
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NOPTIONS; i++) {
		const struct cfg_option *o = &options[i];

		switch (o->type) {
		case CFG_U16:
		case CFG_U32:
			snprintf(num, sizeof(num), "%u", (unsigned)o->def_num);
			(void)apply(cfg, o, num, NULL, 0);
			break;
		case CFG_ENUM:
			*((uint8_t *)cfg + o->off) = (uint8_t)o->def_num;
			break;
		default:
			(void)apply(cfg, o, o->def_str, NULL, 0);
			break;
		}
	}
}

/* Trims spaces and tabs at both ends of [*s, *s + *len). */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int
set_one(struct vcmd_config *cfg, const char *name, size_t nlen,
    const char *value, size_t vlen, const struct cfg_option **found,
    char *err, size_t errsz)
{
	char v[VCM_CONFIG_VALUE_MAX + 1], why[160], q[CFG_QUOTE_MAX + 8];
	const struct cfg_option *o;
	size_t i;

	*found = NULL;
	for (i = 0; i < nlen; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || name[i] == '_' ||
		    (name[i] >= '0' && name[i] <= '9')))
			break;
	if (nlen == 0 || i < nlen || nlen > CFG_NAME_MAX) {
		quote(q, sizeof(q), name, nlen);
		set_err(err, errsz, "bad option name '%s'", q);
		return VCM_EINVAL;
	}
	if ((o = find_option(name, nlen)) == NULL) {
		set_err(err, errsz, "unknown option '%.*s'", (int)nlen, name);
		return VCM_EINVAL;
	}
	*found = o;
	trim(&value, &vlen);
	if (vlen > VCM_CONFIG_VALUE_MAX) {
		set_err(err, errsz, "%s: value longer than %d characters",
		    o->name, VCM_CONFIG_VALUE_MAX);
		return VCM_EINVAL;
	}
	if (memchr(value, '\0', vlen) != NULL) {
		set_err(err, errsz, "%s: NUL byte in value", o->name);
		return VCM_EINVAL;
	}
	memcpy(v, value, vlen);
	v[vlen] = '\0';
	if (apply(cfg, o, v, why, sizeof(why)) != 0) {
		quote(q, sizeof(q), value, vlen);
		set_err(err, errsz, "%s: bad value '%s': %s", o->name, q, why);
		return VCM_EINVAL;
	}
	return 0;
}

int
vcmd_config_set(struct vcmd_config *cfg, const char *name, const char *value,
    char *err, size_t errsz)
{
	struct vcmd_config tmp;
	const struct cfg_option *o;
	int rc;

	if (name == NULL || value == NULL) {
		set_err(err, errsz, "option name and value required");
		return VCM_EINVAL;
	}
	tmp = *cfg;
	rc = set_one(&tmp, name, strnlen(name, CFG_NAME_MAX + 1), value,
	    strlen(value), &o, err, errsz);
	if (rc == 0)
		*cfg = tmp;
	return rc;
}

int
vcmd_config_set_arg(struct vcmd_config *cfg, const char *arg, char *err,
    size_t errsz)
{
	const char *eq;
	char name[CFG_NAME_MAX + 1];
	size_t nlen;

	if (arg == NULL || (eq = strchr(arg, '=')) == NULL) {
		set_err(err, errsz, "expected name=value");
		return VCM_EINVAL;
	}
	nlen = (size_t)(eq - arg);
	while (nlen > 0 && (arg[nlen - 1] == ' ' || arg[nlen - 1] == '\t'))
		nlen--;
	if (nlen > CFG_NAME_MAX) {
		set_err(err, errsz, "bad option name");
		return VCM_EINVAL;
	}
	memcpy(name, arg, nlen);
	name[nlen] = '\0';
	return vcmd_config_set(cfg, name, eq + 1, err, errsz);
}

int
vcmd_config_parse(struct vcmd_config *cfg, const char *text, size_t len,
    char *err, size_t errsz)
{
	struct vcmd_config tmp;
	unsigned seen[NOPTIONS];
	const struct cfg_option *o;
	const char *line, *nl, *name, *eq, *p;
	char why[300];
	size_t llen, nlen, i;
	unsigned lineno = 0;

	if (text == NULL && len > 0) {
		set_err(err, errsz, "no text");
		return VCM_EINVAL;
	}
	if (len > VCM_CONFIG_FILE_MAX) {
		set_err(err, errsz, "larger than %d bytes",
		    VCM_CONFIG_FILE_MAX);
		return VCM_EINVAL;
	}
	memset(seen, 0, sizeof(seen));
	tmp = *cfg;
	for (line = text; line < text + len; line = nl + 1) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (nl == NULL)
			nl = text + len;
		llen = (size_t)(nl - line);
		if (llen > 0 && line[llen - 1] == '\r')
			llen--;
		if (llen > CFG_LINE_MAX) {
			set_err(err, errsz, "line %u: longer than %d bytes",
			    lineno, CFG_LINE_MAX);
			return VCM_EINVAL;
		}
		for (i = 0; i < llen; i++)
			if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
			    line[i] == 0x7f) {
				set_err(err, errsz, "line %u: control character "
				    "0x%02x", lineno, (unsigned char)line[i]);
				return VCM_EINVAL;
			}
		p = line;
		trim(&p, &llen);
		if (llen == 0 || *p == '#')
			continue;
		if ((eq = memchr(p, '=', llen)) == NULL) {
			set_err(err, errsz, "line %u: expected 'name = value'",
			    lineno);
			return VCM_EINVAL;
		}
		name = p;
		nlen = (size_t)(eq - p);
		trim(&name, &nlen);
		if (set_one(&tmp, name, nlen, eq + 1,
		    (size_t)(p + llen - (eq + 1)), &o, why, sizeof(why)) != 0) {
			set_err(err, errsz, "line %u: %s", lineno, why);
			return VCM_EINVAL;
		}
		i = (size_t)(o - options);
		if (seen[i] != 0) {
			set_err(err, errsz, "line %u: option '%s' already set "
			    "on line %u", lineno, o->name, seen[i]);
			return VCM_EINVAL;
		}
		seen[i] = lineno;
	}
	*cfg = tmp;
	return 0;
}

int
vcmd_config_load(struct vcmd_config *cfg, const char *path, char *err,
    size_t errsz)
{
	char *buf, why[400];
	struct stat st;
	size_t len = 0;
	ssize_t n = 0;
	int fd, rc;

	if (path == NULL)
		return VCM_EINVAL;
	/* O_NONBLOCK: a FIFO given as the config must not hang us. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		set_err(err, errsz, "%s: %s", path, strerror(errno));
		return VCM_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		set_err(err, errsz, "%s: not a regular file", path);
		return VCM_EIO;
	}
	/* One byte more than the cap tells "too large" from "just fits". */
	if ((buf = malloc(VCM_CONFIG_FILE_MAX + 1)) == NULL) {
		close(fd);
		set_err(err, errsz, "%s: out of memory", path);
		return VCM_ENOMEM;
	}
	for (;;) {
		n = read(fd, buf + len, VCM_CONFIG_FILE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > VCM_CONFIG_FILE_MAX)
			break;
	}
	if (n == -1) {
		set_err(err, errsz, "%s: %s", path, strerror(errno));
		rc = VCM_EIO;
	} else if (len > VCM_CONFIG_FILE_MAX) {
		set_err(err, errsz, "%s: larger than %d bytes", path,
		    VCM_CONFIG_FILE_MAX);
		rc = VCM_ERANGE;
	} else if ((rc = vcmd_config_parse(cfg, buf, len, why,
	    sizeof(why))) != 0)
		set_err(err, errsz, "%s: %s", path, why);
	close(fd);
	free(buf);
	return rc;
}

/* dir + "/" + name into out (size VCM_CONFIG_PATH_SIZE). */
static int
derive_path(char *out, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	int n;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	n = snprintf(out, VCM_CONFIG_PATH_SIZE, "%.*s/%s", (int)dl, dir,
	    name);
	return n > 0 && n < VCM_CONFIG_PATH_SIZE ? 0 : VCM_EINVAL;
}

int
vcmd_config_finish(struct vcmd_config *cfg, char *err, size_t errsz)
{
	static const struct {
		size_t		 off;
		const char	*name, *file;
	} derived[] = {
		{ offsetof(struct vcmd_config, db), "db", "vcm.db" },
		{ offsetof(struct vcmd_config, vault_key), "vault_key",
		  "vault.key" },
		{ offsetof(struct vcmd_config, tls_cert), "tls_cert",
		  "tls/cert.pem" },
		{ offsetof(struct vcmd_config, tls_key), "tls_key",
		  "tls/key.pem" },
		{ offsetof(struct vcmd_config, operator_key_file),
		  "operator_key_file", "operator.key" },
	};
	struct vcmd_config tmp = *cfg;
	size_t i, ul;
	int n, ol;
	char *field;

	if (tmp.state_dir[0] == '\0') {
		set_err(err, errsz, "state_dir must be set");
		return VCM_EINVAL;
	}
	for (i = 0; i < sizeof(derived) / sizeof(derived[0]); i++) {
		field = (char *)&tmp + derived[i].off;
		if (field[0] == '\0' &&
		    derive_path(field, tmp.state_dir, derived[i].file) != 0) {
			set_err(err, errsz, "state_dir too long to derive %s",
			    derived[i].name);
			return VCM_EINVAL;
		}
	}
	if (tmp.public_url[0] == '\0') {
		/* An IPv6 literal needs brackets in a URL (RFC 3986 §3.2.2). */
		n = snprintf(tmp.public_url, sizeof(tmp.public_url),
		    strchr(tmp.listen, ':') != NULL ? "https://[%s]:%u" :
		    "https://%s:%u", tmp.listen, (unsigned)tmp.port);
		if (n < 0 || (size_t)n >= sizeof(tmp.public_url)) {
			set_err(err, errsz, "public_url too long");
			return VCM_EINVAL;
		}
	}
	/* "<public_url>/console/..." must not get a double slash. */
	ul = strlen(tmp.public_url);
	while (ul > 0 && tmp.public_url[ul - 1] == '/')
		tmp.public_url[--ul] = '\0';
	if ((ol = url_check(tmp.public_url, 1, 0)) < 0) {
		set_err(err, errsz, "public_url must be an https:// URL");
		return VCM_EINVAL;
	}
	if (tmp.allowed_origins[0] == '\0') {
		if ((size_t)ol >= sizeof(tmp.allowed_origins)) {
			set_err(err, errsz, "public_url's origin too long");
			return VCM_EINVAL;
		}
		memcpy(tmp.allowed_origins, tmp.public_url, (size_t)ol);
		tmp.allowed_origins[ol] = '\0';
	}
	if (tmp.static_dir[0] == '\0')
		snprintf(tmp.static_dir, sizeof(tmp.static_dir), "%s",
		    VCMD_STATIC_DIR_DEFAULT);
	if (tmp.grant_default_s > tmp.grant_max_s) {
		set_err(err, errsz, "grant_default_s (%u) is larger than "
		    "grant_max_s (%u)", (unsigned)tmp.grant_default_s,
		    (unsigned)tmp.grant_max_s);
		return VCM_EINVAL;
	}
	*cfg = tmp;
	return 0;
}

void
vcmd_config_print(const struct vcmd_config *cfg, FILE *f)
{
	char v[VCM_CONFIG_VALUE_MAX + 1];
	size_t i;

	for (i = 0; i < NOPTIONS; i++) {
		format_value(cfg, &options[i], v, sizeof(v));
		fprintf(f, "%s = %s\n", options[i].name, v);
	}
}

void
vcmd_config_usage(FILE *f)
{
	const struct cfg_option *o;
	size_t i, j;

	fprintf(f, "options (config file \"name = value\", or -o "
	    "name=value):\n");
	for (i = 0; i < NOPTIONS; i++) {
		o = &options[i];
		fprintf(f, "  %-26s %s", o->name, o->help);
		switch (o->type) {
		case CFG_U16:
		case CFG_U32:
			fprintf(f, " [%u..%u, default %u]\n",
			    (unsigned)o->min, (unsigned)o->max,
			    (unsigned)o->def_num);
			break;
		case CFG_ENUM:
			fprintf(f, " [");
			for (j = 0; o->names[j] != NULL; j++)
				fprintf(f, "%s%s", j > 0 ? "|" : "",
				    o->names[j]);
			fprintf(f, ", default %s]\n", o->names[o->def_num]);
			break;
		default:
			if (o->def_str[0] != '\0')
				fprintf(f, " [default %s]\n", o->def_str);
			else
				fprintf(f, "\n");
			break;
		}
	}
}
