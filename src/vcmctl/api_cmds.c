/*
 * vcmctl's subcommands over vcmd's REST API (api_cmds.h).
 *
 * One table (cmds[]) names every command: its noun and verb, how many
 * arguments it takes, which options apply and which are required, and
 * the function that runs it. Parsing is the same for all: GNU getopt
 * with permutation (options may come before or after the arguments),
 * then the table's checks, then the configuration (URL, key, CA), and
 * only then a request. Each run ends through one exit path that wipes
 * the key.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/wipe.h"
#include "engine/quirks.h"
#include "vcmctl/api_client.h"
#include "vcmctl/api_cmds.h"
#include "vcmctl/output.h"

/* One message line: a URL and curl's or the server's explanation. */
#define MSG_MAX			1024
/* An API path with an id and a sub-resource. */
#define PATH_MAX_LEN		128
/* A time as given on the command line (RFC 3339 is 20-35 bytes). */
#define TIME_ARG_MAX		64
/* Kg as hex on the wire: two digits per byte. */
#define KG_HEX_MAX		(2 * VCM_IPMI_KEY_MAX)
/* A metric name in /metrics (Prometheus names are short). */
#define METRIC_NAME_MAX		128
/* A sample value token ("1.5e+06", "+Inf"). */
#define METRIC_VALUE_MAX	64
/* Largest integer a double holds exactly (2^53). */
#define DOUBLE_INT_MAX		9007199254740992.0

/* ---- options ----------------------------------------------------------- */

enum opt {
	O_URL, O_KEY_FILE, O_CACERT, O_JSON, O_HELP, O_LIMIT, O_PAGE_SIZE,
	O_SITE, O_POOL, O_TENANT, O_BMC, O_SERVER, O_GRANT, O_USER,
	O_PASSWORD_FILE, O_PASSWORD_ENV, O_PASSWORD_PROMPT, O_KG_FILE, O_PORT,
	O_VENDOR, O_SESSIONS, O_QUIRKS, O_NAME, O_ADDRESS, O_SIZE, O_RIGHTS,
	O_EXPIRES_IN, O_EXPIRES, O_NOT_BEFORE, O_SOURCE, O_LIVE, O_TOKEN_FILE,
	O_SINCE, O_UNTIL,
	O__N
};

#define OB(o)		(UINT64_C(1) << (o))
/* getopt_long's value for option o (above every short option). */
#define OPT_VAL(o)	(0x100 + (o))

/* An option with a value, and a flag. */
#define OPT_ARG(n, o)	{ n, required_argument, NULL, OPT_VAL(o) }
#define OPT_FLAG(n, o)	{ n, no_argument, NULL, OPT_VAL(o) }

static const struct option lopts[] = {
	OPT_ARG("url", O_URL),
	OPT_ARG("key-file", O_KEY_FILE),
	OPT_ARG("cacert", O_CACERT),
	OPT_FLAG("json", O_JSON),
	OPT_FLAG("help", O_HELP),
	OPT_ARG("limit", O_LIMIT),
	OPT_ARG("page-size", O_PAGE_SIZE),
	OPT_ARG("site", O_SITE),
	OPT_ARG("pool", O_POOL),
	OPT_ARG("tenant", O_TENANT),
	OPT_ARG("bmc", O_BMC),
	OPT_ARG("server", O_SERVER),
	OPT_ARG("grant", O_GRANT),
	OPT_ARG("user", O_USER),
	OPT_ARG("password-file", O_PASSWORD_FILE),
	OPT_ARG("password-env", O_PASSWORD_ENV),
	OPT_FLAG("password-prompt", O_PASSWORD_PROMPT),
	OPT_ARG("kg-file", O_KG_FILE),
	OPT_ARG("port", O_PORT),
	OPT_ARG("vendor", O_VENDOR),
	OPT_ARG("sessions", O_SESSIONS),
	OPT_ARG("quirks", O_QUIRKS),
	OPT_ARG("name", O_NAME),
	OPT_ARG("address", O_ADDRESS),
	OPT_ARG("size", O_SIZE),
	OPT_ARG("rights", O_RIGHTS),
	OPT_ARG("expires-in", O_EXPIRES_IN),
	OPT_ARG("expires", O_EXPIRES),
	OPT_ARG("not-before", O_NOT_BEFORE),
	OPT_ARG("source", O_SOURCE),
	OPT_FLAG("live", O_LIVE),
	OPT_ARG("token-file", O_TOKEN_FILE),
	OPT_ARG("since", O_SINCE),
	OPT_ARG("until", O_UNTIL),
	{ NULL, 0, NULL, 0 }
};

/* Every command takes these. */
#define OPTS_COMMON	(OB(O_URL) | OB(O_KEY_FILE) | OB(O_CACERT) | \
			    OB(O_JSON) | OB(O_HELP))
#define OPTS_LIST	(OB(O_LIMIT) | OB(O_PAGE_SIZE))
#define OPTS_PASSWORD	(OB(O_PASSWORD_FILE) | OB(O_PASSWORD_ENV) | \
			    OB(O_PASSWORD_PROMPT))
#define OPTS_BMC	(OB(O_USER) | OPTS_PASSWORD | OB(O_KG_FILE) | \
			    OB(O_PORT) | OB(O_SITE) | OB(O_POOL) | \
			    OB(O_VENDOR) | OB(O_SESSIONS) | OB(O_QUIRKS))
/* Options whose value is an object id. */
#define OPTS_ID		(OB(O_SITE) | OB(O_POOL) | OB(O_TENANT) | \
			    OB(O_BMC) | OB(O_SERVER) | OB(O_GRANT))

static const char *
opt_name(int o)
{
	size_t i;

	for (i = 0; lopts[i].name != NULL; i++)
		if (lopts[i].val == OPT_VAL(o))
			return lopts[i].name;
	return "?";
}

/* ---- one run ------------------------------------------------------------ */

struct cmd;

struct run {
	const struct cmd	*cmd;
	struct vcmctl_http	*h;
	int			 json;
	const char		*opt[O__N];
	uint64_t		 given;
	char			**pos;		/* arguments after the verb */
	int			 npos;
	char			*src_args[VCM_GRANT_SOURCES_MAX];
	const char		*sources[VCM_GRANT_SOURCES_MAX];
	size_t			 nsrc_args, nsources;
	unsigned long		 limit;		/* 0: every item */
	unsigned long		 page;
	int			 have_key;
	char			 key[VCM_TOKEN_STR_MAX + 1];
};

enum cmd_auth {
	AUTH_KEY,		/* an API key is required */
	AUTH_OPTIONAL		/* used when there is one */
};

typedef int	cmd_fn(struct run *);

struct cmd {
	const char	*noun;
	const char	*verb;		/* NULL: the noun alone */
	int		 npos;		/* arguments after the verb */
	uint64_t	 opts;		/* allowed beyond OPTS_COMMON */
	uint64_t	 need;		/* required */
	enum cmd_auth	 auth;
	cmd_fn		*fn;
	const char	*usage;		/* after "vcmctl " */
};

/* A list column: a member (dotted path); with path2, "v1<sep>v2". */
struct col {
	const char	*head;
	const char	*path;
	const char	*path2;
	const char	*sep;
};

/* The nouns: their collection in the API and their list columns. */
struct noun {
	const char		*name;
	const char		*coll;
	const struct col	*cols;
	size_t			 ncols;
};

static const struct col site_cols[] = {
	{ "ID", "id", NULL, NULL }, { "NAME", "name", NULL, NULL },
	{ "CREATED", "created", NULL, NULL },
};
static const struct col pool_cols[] = {
	{ "ID", "id", NULL, NULL }, { "SITE", "site_id", NULL, NULL },
	{ "NAME", "name", NULL, NULL }, { "CIDR", "cidr", NULL, NULL },
	{ "CREATED", "created", NULL, NULL },
};
static const struct col bmc_cols[] = {
	{ "ID", "id", NULL, NULL }, { "NAME", "name", NULL, NULL },
	{ "ADDRESS", "address", "port", ":" },
	{ "VENDOR", "vendor", NULL, NULL }, { "SITE", "site_id", NULL, NULL },
	{ "POOL", "pool_id", NULL, NULL },
	{ "REACHABLE", "health.reachable", NULL, NULL },
	{ "SESSIONS", "health.sessions_in_use", NULL, NULL },
	{ "CONSOLE", "health.console", NULL, NULL },
	{ "LAST-ERROR", "health.last_error", NULL, NULL },
};
static const struct col server_cols[] = {
	{ "ID", "id", NULL, NULL }, { "TENANT", "tenant_id", NULL, NULL },
	{ "BMC", "bmc_id", NULL, NULL }, { "NAME", "name", NULL, NULL },
	{ "SIZE", "cols", "rows", "x" }, { "CREATED", "created", NULL, NULL },
};
static const struct col key_cols[] = {
	{ "ID", "id", NULL, NULL }, { "NAME", "name", NULL, NULL },
	{ "ROLE", "role", NULL, NULL }, { "TENANT", "tenant_id", NULL, NULL },
	{ "CREATED", "created", NULL, NULL },
	{ "REVOKED", "revoked", NULL, NULL },
};
static const struct col grant_cols[] = {
	{ "ID", "id", NULL, NULL }, { "TENANT", "tenant_id", NULL, NULL },
	{ "SERVER", "server_id", NULL, NULL }, { "STATE", "state", NULL, NULL },
	{ "RIGHTS", "rights", NULL, NULL },
	{ "NOT-BEFORE", "not_before", NULL, NULL },
	{ "EXPIRES", "expires", NULL, NULL },
	{ "SOURCES", "sources", NULL, NULL },
	{ "CONNS", "connections", NULL, NULL },
};
static const struct col audit_cols[] = {
	{ "ID", "id", NULL, NULL }, { "TIME", "time", NULL, NULL },
	{ "ACTOR", "actor", NULL, NULL }, { "ACTION", "action", NULL, NULL },
	{ "TENANT", "tenant_id", NULL, NULL },
	{ "SERVER", "server_id", NULL, NULL },
	{ "GRANT", "grant_id", NULL, NULL }, { "BMC", "bmc_id", NULL, NULL },
	{ "OUTCOME", "outcome", NULL, NULL },
	{ "DETAIL", "detail", NULL, NULL },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct noun nouns[] = {
	{ "site", "sites", site_cols, NELEM(site_cols) },
	{ "pool", "pools", pool_cols, NELEM(pool_cols) },
	{ "tenant", "tenants", site_cols, NELEM(site_cols) },
	{ "bmc", "bmcs", bmc_cols, NELEM(bmc_cols) },
	{ "server", "servers", server_cols, NELEM(server_cols) },
	{ "key", "keys", key_cols, NELEM(key_cols) },
	{ "grant", "grants", grant_cols, NELEM(grant_cols) },
	{ "audit", "audit", audit_cols, NELEM(audit_cols) },
	{ "power", "servers", NULL, 0 },
	{ "vault", "vault", NULL, 0 },
	{ "health", "health", NULL, 0 },
};

static cmd_fn cmd_add_named, cmd_list, cmd_show, cmd_rm, cmd_pool_add,
    cmd_bmc_add, cmd_bmc_set, cmd_server_add, cmd_key_create, cmd_key_revoke,
    cmd_grant_create, cmd_grant_extend, cmd_grant_revoke, cmd_grant_console,
    cmd_power, cmd_vault_rotate, cmd_health;

static const struct cmd cmds[] = {
	{ "site", "add", 1, 0, 0, AUTH_KEY, cmd_add_named,
	  "site add NAME" },
	{ "site", "list", 0, OPTS_LIST, 0, AUTH_KEY, cmd_list,
	  "site list [--limit N]" },
	{ "site", "show", 1, 0, 0, AUTH_KEY, cmd_show, "site show ID" },
	{ "site", "rm", 1, 0, 0, AUTH_KEY, cmd_rm, "site rm ID" },
	{ "pool", "add", 2, OB(O_SITE), OB(O_SITE), AUTH_KEY, cmd_pool_add,
	  "pool add --site ID NAME CIDR" },
	{ "pool", "list", 0, OPTS_LIST | OB(O_SITE), 0, AUTH_KEY, cmd_list,
	  "pool list [--site ID] [--limit N]" },
	{ "pool", "show", 1, 0, 0, AUTH_KEY, cmd_show, "pool show ID" },
	{ "pool", "rm", 1, 0, 0, AUTH_KEY, cmd_rm, "pool rm ID" },
	{ "tenant", "add", 1, 0, 0, AUTH_KEY, cmd_add_named,
	  "tenant add NAME" },
	{ "tenant", "list", 0, OPTS_LIST, 0, AUTH_KEY, cmd_list,
	  "tenant list [--limit N]" },
	{ "tenant", "show", 1, 0, 0, AUTH_KEY, cmd_show, "tenant show ID" },
	{ "tenant", "rm", 1, 0, 0, AUTH_KEY, cmd_rm, "tenant rm ID" },
	{ "bmc", "add", 2, OPTS_BMC, OB(O_USER), AUTH_KEY, cmd_bmc_add,
	  "bmc add NAME ADDRESS --user U [--password-file F | --password-env"
	  " VAR | --password-prompt]\n"
	  "        [--kg-file F] [--port N] [--site ID] [--pool ID]"
	  " [--vendor V] [--sessions N]\n"
	  "        [--quirks SPEC]" },
	{ "bmc", "list", 0, OPTS_LIST, 0, AUTH_KEY, cmd_list,
	  "bmc list [--limit N]" },
	{ "bmc", "show", 1, 0, 0, AUTH_KEY, cmd_show, "bmc show ID" },
	{ "bmc", "set", 1, OPTS_BMC | OB(O_NAME) | OB(O_ADDRESS), 0, AUTH_KEY,
	  cmd_bmc_set,
	  "bmc set ID [--name N] [--address A] [--user U] [--password-file F"
	  " |\n"
	  "        --password-env VAR | --password-prompt] [--kg-file F]"
	  " [--port N]\n"
	  "        [--site ID|none] [--pool ID|none] [--vendor V]"
	  " [--sessions N] [--quirks SPEC]" },
	{ "bmc", "rm", 1, 0, 0, AUTH_KEY, cmd_rm, "bmc rm ID" },
	{ "server", "add", 1, OB(O_TENANT) | OB(O_BMC) | OB(O_SIZE),
	  OB(O_TENANT) | OB(O_BMC), AUTH_KEY, cmd_server_add,
	  "server add --tenant ID --bmc ID NAME [--size COLSxROWS]" },
	{ "server", "list", 0, OPTS_LIST | OB(O_TENANT), 0, AUTH_KEY, cmd_list,
	  "server list [--tenant ID] [--limit N]" },
	{ "server", "show", 1, 0, 0, AUTH_KEY, cmd_show, "server show ID" },
	{ "server", "rm", 1, 0, 0, AUTH_KEY, cmd_rm, "server rm ID" },
	{ "key", "create", 1, OB(O_TENANT), 0, AUTH_KEY, cmd_key_create,
	  "key create NAME [--tenant ID]" },
	{ "key", "list", 0, OPTS_LIST, 0, AUTH_KEY, cmd_list,
	  "key list [--limit N]" },
	{ "key", "revoke", 1, 0, 0, AUTH_KEY, cmd_key_revoke,
	  "key revoke ID" },
	{ "grant", "create", 0, OB(O_SERVER) | OB(O_RIGHTS) |
	  OB(O_EXPIRES_IN) | OB(O_EXPIRES) | OB(O_NOT_BEFORE) | OB(O_SOURCE),
	  OB(O_SERVER), AUTH_KEY, cmd_grant_create,
	  "grant create --server ID [--rights LIST] [--expires-in D |"
	  " --expires TIME]\n"
	  "        [--not-before TIME] [--source CIDR ...]" },
	{ "grant", "list", 0, OPTS_LIST | OB(O_SERVER) | OB(O_LIVE), 0,
	  AUTH_KEY, cmd_list,
	  "grant list [--server ID] [--live] [--limit N]" },
	{ "grant", "show", 1, 0, 0, AUTH_KEY, cmd_show, "grant show ID" },
	{ "grant", "extend", 1, OB(O_EXPIRES_IN) | OB(O_EXPIRES), 0, AUTH_KEY,
	  cmd_grant_extend,
	  "grant extend ID (--expires-in D | --expires TIME)" },
	{ "grant", "revoke", 1, 0, 0, AUTH_KEY, cmd_grant_revoke,
	  "grant revoke ID" },
	{ "grant", "console", 1, OB(O_TOKEN_FILE), 0, AUTH_OPTIONAL,
	  cmd_grant_console, "grant console ID [--token-file F]" },
	{ "power", NULL, 1, OB(O_SERVER), OB(O_SERVER), AUTH_KEY, cmd_power,
	  "power status|on|off|cycle|reset|soft|bootdev-pxe|bootdev-bios|"
	  "bootdev-disk\n"
	  "        --server ID" },
	{ "audit", NULL, 0, OPTS_LIST | OB(O_TENANT) | OB(O_SERVER) |
	  OB(O_GRANT) | OB(O_SINCE) | OB(O_UNTIL), 0, AUTH_KEY, cmd_list,
	  "audit [--tenant ID] [--server ID] [--grant ID] [--since TIME]"
	  " [--until TIME]\n"
	  "        [--limit N]" },
	{ "vault", "rotate", 0, 0, 0, AUTH_KEY, cmd_vault_rotate,
	  "vault rotate" },
	{ "health", NULL, 0, 0, 0, AUTH_OPTIONAL, cmd_health, "health" },
};

static const struct noun *
noun_of(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(nouns); i++)
		if (strcmp(nouns[i].name, name) == 0)
			return &nouns[i];
	return NULL;
}

int
vcmctl_api_has(const char *name)
{
	return noun_of(name) != NULL;
}

static const char common_help[] =
"common options:\n"
"  --url URL        vcmd's API, https://HOST:PORT (default: $VCM_URL)\n"
"  --key-file FILE  the API key, first line of FILE (default: $VCM_API_KEY)\n"
"  --cacert FILE    CA or self-signed certificate of vcmd (default:"
" $VCM_CACERT)\n"
"  --json           print the server's JSON instead of text\n"
"  --limit N        lists: at most N items (default: all, following"
" cursors)\n"
"  --page-size N    lists: items per request, 1-%d (default %d)\n"
"  --help           this text\n";

static void
usage_noun(FILE *f, const char *noun)
{
	size_t i;
	int first = 1;

	for (i = 0; i < NELEM(cmds); i++) {
		if (noun != NULL && strcmp(cmds[i].noun, noun) != 0)
			continue;
		fprintf(f, "%s vcmctl %s\n", first ? "usage:" : "      ",
		    cmds[i].usage);
		first = 0;
	}
	fprintf(f, common_help, VCM_PAGE_MAX, VCM_PAGE_MAX);
	fprintf(f, "See vcmctl(1).\n");
}

void
vcmctl_api_usage(FILE *f)
{
	usage_noun(f, NULL);
}

/* ---- parsers ------------------------------------------------------------ */

int
vcmctl_parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *v)
{
	unsigned long x;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return VCM_EINVAL;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (*end != '\0')
		return VCM_EINVAL;
	if (errno != 0 || x < min || x > max)
		return VCM_ERANGE;
	*v = x;
	return 0;
}

int
vcmctl_parse_id(const char *s, int64_t *id)
{
	long long x;
	char *end;

	if (s == NULL || *s < '1' || *s > '9')
		return VCM_EINVAL;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < 1)
		return VCM_EINVAL;
	*id = (int64_t)x;
	return 0;
}

int
vcmctl_parse_duration(const char *s, uint32_t max, uint32_t *secs)
{
	static const struct {
		char		 unit;
		uint32_t	 secs;
	} units[] = {
		{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
	};
	uint64_t total = 0, n;
	size_t next = 0, u;
	int digits;

	if (s == NULL || *s == '\0')
		return VCM_EINVAL;
	while (*s != '\0') {
		n = 0;
		digits = 0;
		for (; *s >= '0' && *s <= '9'; s++) {
			n = n * 10 + (uint64_t)(*s - '0');
			if (n > max)
				return VCM_ERANGE;
			digits++;
		}
		if (digits == 0)
			return VCM_EINVAL;
		if (*s == '\0') {
			/* A bare number of seconds, alone. */
			if (next != 0)
				return VCM_EINVAL;
			total = n;
			break;
		}
		for (u = next; u < NELEM(units); u++)
			if (*s == units[u].unit)
				break;
		if (u == NELEM(units))
			/* Unknown, repeated or out of order. */
			return VCM_EINVAL;
		total += n * units[u].secs;
		if (total > max)
			return VCM_ERANGE;
		next = u + 1;
		s++;
	}
	if (total == 0 || total > max)
		return VCM_ERANGE;
	*secs = (uint32_t)total;
	return 0;
}

int
vcmctl_parse_size(const char *s, unsigned *cols, unsigned *rows)
{
	char buf[16], *x;
	unsigned long c, r;
	int rc;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return VCM_EINVAL;
	memcpy(buf, s, strlen(s) + 1);
	if ((x = strchr(buf, 'x')) == NULL)
		return VCM_EINVAL;
	*x = '\0';
	if ((rc = vcmctl_parse_uint(buf, VCM_CONSOLE_COLS_MIN,
	    VCM_CONSOLE_COLS_MAX, &c)) != 0 ||
	    (rc = vcmctl_parse_uint(x + 1, VCM_CONSOLE_ROWS_MIN,
	    VCM_CONSOLE_ROWS_MAX, &r)) != 0)
		return rc;
	*cols = (unsigned)c;
	*rows = (unsigned)r;
	return 0;
}

static const struct {
	const char	*name;
	unsigned	 bit;
} right_names[] = {
	{ "console-read", VCMCTL_RIGHT_CONSOLE_READ },
	{ "console-write", VCMCTL_RIGHT_CONSOLE_WRITE },
	{ "power", VCMCTL_RIGHT_POWER },
};

int
vcmctl_parse_rights(const char *s, unsigned *mask)
{
	unsigned m = 0;
	size_t len, i;

	if (s == NULL)
		return VCM_EINVAL;
	if (strcmp(s, "all") == 0) {
		*mask = VCMCTL_RIGHTS_ALL;
		return 0;
	}
	for (;;) {
		len = strcspn(s, ",");
		for (i = 0; i < NELEM(right_names); i++)
			if (strlen(right_names[i].name) == len &&
			    strncmp(s, right_names[i].name, len) == 0)
				break;
		if (i == NELEM(right_names))
			return VCM_EINVAL;	/* also an empty item */
		m |= right_names[i].bit;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	*mask = m;
	return 0;
}

json_t *
vcmctl_rights_json(unsigned mask)
{
	json_t *a;
	size_t i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < NELEM(right_names); i++)
		if (mask & right_names[i].bit)
			(void)json_array_append_new(a,
			    json_string(right_names[i].name));
	return a;
}

int
vcmctl_parse_sources(char *s, const char **list, size_t max, size_t *n)
{
	char *item, *comma;
	size_t len;

	for (item = s; item != NULL; item = comma) {
		if ((comma = strchr(item, ',')) != NULL)
			*comma++ = '\0';
		len = strlen(item);
		if (len == 0 || len > VCM_CIDR_STR_MAX ||
		    strspn(item, "0123456789abcdefABCDEF.:/") != len)
			return VCM_EINVAL;
		if (*n >= max)
			return VCM_ENOSPC;
		list[(*n)++] = item;
	}
	return 0;
}

int
vcmctl_path(char *buf, size_t len, const char *coll, int64_t id,
    const char *sub)
{
	int n;

	if (coll == NULL || coll[0] == '\0' || strpbrk(coll, "/?#%") ||
	    id < 0 || (sub != NULL && (id == 0 || strpbrk(sub, "/?#%"))))
		return VCM_EINVAL;
	if (id == 0)
		n = snprintf(buf, len, "/v1/%s", coll);
	else if (sub == NULL)
		n = snprintf(buf, len, "/v1/%s/%" PRId64, coll, id);
	else
		n = snprintf(buf, len, "/v1/%s/%" PRId64 "/%s", coll, id, sub);
	if (n < 0 || (size_t)n >= len)
		return VCM_ENOSPC;
	return 0;
}

int
vcmctl_secret_read(const char *path, char *buf, size_t cap, int *loose)
{
	char raw[VCM_CTL_SECRET_FILE_MAX + 1];
	struct stat st;
	size_t got = 0, line;
	ssize_t n;
	int fd, ret = VCM_EIO, saved;

	*loose = 0;
	if (cap > 0)
		buf[0] = '\0';
	/* O_NONBLOCK: a FIFO must not hang us before the S_ISREG check. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) < 0)
		return VCM_EIO;
	if (fstat(fd, &st) != 0)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		ret = VCM_EINVAL;
		goto out;
	}
	*loose = (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
	while (got < sizeof(raw)) {
		n = read(fd, raw + got, sizeof(raw) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > VCM_CTL_SECRET_FILE_MAX) {
		ret = VCM_ENOSPC;
		goto out;
	}
	if (memchr(raw, '\0', got) != NULL) {
		ret = VCM_EINVAL;
		goto out;
	}
	for (line = 0; line < got && raw[line] != '\n'; line++)
		;
	if (line > 0 && raw[line - 1] == '\r')
		line--;
	if (line >= cap) {
		ret = VCM_ENOSPC;
		goto out;
	}
	memcpy(buf, raw, line);
	buf[line] = '\0';
	ret = 0;
out:
	saved = errno;
	vcm_wipe(raw, sizeof(raw));
	(void)close(fd);
	errno = saved;
	return ret;
}

/* A metric sample line's name; returns what follows, NULL if bad. */
static const char *
metric_name(const char *p, const char *eol, char *name, size_t cap)
{
	size_t n = 0;

	while (p < eol && (*p == '_' || *p == ':' ||
	    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (n > 0 && *p >= '0' && *p <= '9'))) {
		if (n + 1 >= cap)
			return NULL;
		name[n++] = *p++;
	}
	name[n] = '\0';
	return n > 0 ? p : NULL;
}

/* Skips a label set "{a="x",b="y\"z"}"; NULL if it does not end. */
static const char *
skip_labels(const char *p, const char *eol)
{
	int quoted = 0;

	for (p++; p < eol; p++) {
		if (quoted && *p == '\\' && p + 1 < eol)
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '}')
			return p + 1;
	}
	return NULL;
}

size_t
vcmctl_metrics_summary(const char *text, size_t len, json_t *out)
{
	char name[METRIC_NAME_MAX], val[METRIC_VALUE_MAX], *end;
	const char *p = text, *e = text + len, *eol, *q;
	const char *k;
	json_t *m, *sum;
	size_t samples = 0, vlen;
	double v, s;

	for (; p < e; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(e - p))) == NULL)
			eol = e;
		for (q = p; q < eol && (*q == ' ' || *q == '\t'); q++)
			;
		if (q == eol || *q == '#')
			continue;
		if ((q = metric_name(q, eol, name, sizeof(name))) == NULL)
			continue;
		if (q < eol && *q == '{' &&
		    (q = skip_labels(q, eol)) == NULL)
			continue;
		if (q == eol || (*q != ' ' && *q != '\t'))
			continue;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		for (vlen = 0; q + vlen < eol && q[vlen] != ' ' &&
		    q[vlen] != '\t' && q[vlen] != '\r'; vlen++)
			;
		if (vlen == 0 || vlen >= sizeof(val))
			continue;
		memcpy(val, q, vlen);
		val[vlen] = '\0';
		v = strtod(val, &end);
		if (*end != '\0')
			continue;
		if ((m = json_object_get(out, name)) == NULL) {
			m = json_pack("{s:i,s:f}", "series", 0, "sum", 0.0);
			if (m == NULL || json_object_set_new(out, name, m) != 0)
				continue;
		}
		samples++;
		json_object_set_new(m, "series", json_integer(
		    json_integer_value(json_object_get(m, "series")) + 1));
		/* Non-finite samples (NaN, +Inf) count, but stay out of
		 * the sum (JSON cannot hold them). */
		s = json_real_value(json_object_get(m, "sum")) +
		    (isfinite(v) ? v : 0.0);
		if (isfinite(s))
			json_object_set_new(m, "sum", json_real(s));
	}
	/* Whole sums as integers: counters read better as 1234567. */
	json_object_foreach(out, k, m) {
		sum = json_object_get(m, "sum");
		s = json_real_value(sum);
		if (json_is_real(sum) && s == floor(s) &&
		    fabs(s) < DOUBLE_INT_MAX)
			json_object_set_new(m, "sum",
			    json_integer((json_int_t)s));
	}
	return samples;
}

/* ---- requests and replies ----------------------------------------------- */

/*
 * One request; 0 on a 2xx reply (rep filled: the caller frees it), else
 * the exit status after saying why on stderr.
 */
static int
call(struct run *r, const char *method, const char *path,
    const struct vcmctl_param *p, size_t np, const json_t *body,
    struct vcmctl_reply *rep)
{
	char err[MSG_MAX];

	if (vcmctl_http_call(r->h, method, path, p, np, body, rep, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "vcmctl: %s\n", err);
		return VCMCTL_EXIT_FAIL;
	}
	if (rep->status < 200 || rep->status > 299) {
		vcmctl_reply_error(rep, err, sizeof(err));
		fprintf(stderr, "vcmctl: %s\n", err);
		vcmctl_reply_free(rep);
		return VCMCTL_EXIT_FAIL;
	}
	return 0;
}

/*
 * Credentials the API must never return, dropped if a server ever did;
 * a token is kept only in the reply that created it.
 */
static void
scrub(json_t *o, int keep_token)
{
	if (!json_is_object(o))
		return;
	(void)json_object_del(o, "password");
	(void)json_object_del(o, "kg");
	if (!keep_token)
		(void)json_object_del(o, "token");
}

/* A 2xx reply that should carry one object. */
static int
print_reply_object(struct run *r, struct vcmctl_reply *rep, int keep_token)
{
	if (!json_is_object(rep->json)) {
		fprintf(stderr, "vcmctl: %s %s: the reply is not a JSON "
		    "object\n", r->cmd->noun, r->cmd->verb ? r->cmd->verb : "");
		return VCMCTL_EXIT_FAIL;
	}
	scrub(rep->json, keep_token);
	if (r->json)
		vcmctl_print_json(rep->json, stdout);
	else
		vcmctl_print_object(rep->json, stdout, NULL);
	return 0;
}

/* Request, then print the object it returns. */
static int
call_show(struct run *r, const char *method, const char *path,
    const json_t *body, int keep_token)
{
	struct vcmctl_reply rep;
	int rc;

	if ((rc = call(r, method, path, NULL, 0, body, &rep)) != 0)
		return rc;
	rc = print_reply_object(r, &rep, keep_token);
	vcmctl_reply_free(&rep);
	return rc;
}

static const struct noun *
run_noun(const struct run *r)
{
	return noun_of(r->cmd->noun);
}

/* The first argument as an id; else a usage error. */
static int
arg_id(struct run *r, int i, int64_t *id)
{
	if (vcmctl_parse_id(r->pos[i], id) != 0) {
		fprintf(stderr, "vcmctl: %s %s: \"%s\" is not an id (a "
		    "positive integer)\n", r->cmd->noun,
		    r->cmd->verb ? r->cmd->verb : "", r->pos[i]);
		return VCMCTL_EXIT_USAGE;
	}
	return 0;
}

/* An option already checked to be an id (check_options). */
static int64_t
opt_id(const struct run *r, int o)
{
	int64_t id = 0;

	(void)vcmctl_parse_id(r->opt[o], &id);
	return id;
}

/* A member by dotted path ("health.reachable"). */
static const json_t *
member(const json_t *o, const char *path)
{
	char part[METRIC_NAME_MAX];
	const char *dot;
	size_t n;

	while (o != NULL && (dot = strchr(path, '.')) != NULL) {
		n = (size_t)(dot - path);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		o = json_object_get(o, part);
		path = dot + 1;
	}
	return json_object_get(o, path);
}

static int
list_print(struct run *r, json_t *items, const struct col *cols,
    size_t ncols)
{
	char cell[2][MSG_MAX], joined[2 * MSG_MAX + 8];
	const char *heads[16], *cells[16];
	struct vcmctl_table *t;
	json_t *it;
	size_t i, c;
	int rc = 0;

	if (ncols > NELEM(heads))
		return VCMCTL_EXIT_FAIL;
	for (c = 0; c < ncols; c++)
		heads[c] = cols[c].head;
	if ((t = vcmctl_table_new(ncols, heads)) == NULL)
		return VCMCTL_EXIT_FAIL;
	json_array_foreach(items, i, it) {
		for (c = 0; c < ncols; c++) {
			(void)vcmctl_value_text(member(it, cols[c].path),
			    cell[0], sizeof(cell[0]));
			if (cols[c].path2 != NULL) {
				(void)vcmctl_value_text(member(it,
				    cols[c].path2), cell[1], sizeof(cell[1]));
				(void)snprintf(joined, sizeof(joined),
				    "%s%s%s", cell[0], cols[c].sep, cell[1]);
			} else
				(void)snprintf(joined, sizeof(joined), "%s",
				    cell[0]);
			if ((cells[c] = strdup(joined)) == NULL)
				rc = VCMCTL_EXIT_FAIL;
		}
		if (rc == 0 && vcmctl_table_add(t, cells) != 0)
			rc = VCMCTL_EXIT_FAIL;
		for (c = 0; c < ncols; c++)
			free((void *)(uintptr_t)cells[c]);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		vcmctl_table_print(t, stdout);
	vcmctl_table_free(t);
	return rc;
}

/*
 * A list: pages are followed by next_cursor until it is null, --limit
 * items were read or VCM_CTL_LIST_ITEMS_MAX (then a note says so).
 * Every page must make progress (items, a new cursor), so a wrong
 * server cannot keep us looping.
 */
static int
list_run(struct run *r, const char *path, const struct vcmctl_param *filt,
    size_t nfilt, const struct col *cols, size_t ncols)
{
	struct vcmctl_param p[16];
	struct vcmctl_reply rep;
	char limit[24], cursor[MSG_MAX] = "", resume[MSG_MAX] = "";
	json_t *all, *items, *it, *next, *doc;
	unsigned long want, max;
	size_t i, np, got = 0;
	int rc = 0, cut = 0, more = 1;

	if (nfilt + 2 > NELEM(p) || (all = json_array()) == NULL)
		return VCMCTL_EXIT_FAIL;
	max = r->limit != 0 ? r->limit : VCM_CTL_LIST_ITEMS_MAX;
	while (more) {
		want = max - got;
		if (want > r->page)
			want = r->page;
		(void)snprintf(limit, sizeof(limit), "%lu", want);
		memcpy(p, filt, nfilt * sizeof(*p));
		np = nfilt;
		p[np].name = "limit";
		p[np++].value = limit;
		if (cursor[0] != '\0') {
			p[np].name = "cursor";
			p[np++].value = cursor;
		}
		if ((rc = call(r, "GET", path, p, np, NULL, &rep)) != 0)
			break;
		items = json_object_get(rep.json, "items");
		next = json_object_get(rep.json, "next_cursor");
		if (!json_is_array(items) ||
		    (!json_is_null(next) && !json_is_string(next))) {
			fprintf(stderr, "vcmctl: %s: the reply is not a list "
			    "({\"items\":[...],\"next_cursor\":...})\n", path);
			vcmctl_reply_free(&rep);
			rc = VCMCTL_EXIT_FAIL;
			break;
		}
		json_array_foreach(items, i, it) {
			if (got == max) {
				cut = 1;
				break;
			}
			scrub(it, 0);
			(void)json_array_append(all, it);
			got++;
		}
		more = json_is_string(next) && got < max;
		/* Where --json says the rest starts: the server's cursor
		 * when the whole page was taken (it was asked for no more
		 * than was wanted, so only a wrong server sends more). */
		if (json_is_string(next) && got == max) {
			cut = 1;
			if (i == json_array_size(items))
				(void)snprintf(resume, sizeof(resume), "%s",
				    json_string_value(next));
		}
		if (more) {
			if (json_array_size(items) == 0 ||
			    strcmp(json_string_value(next), cursor) == 0 ||
			    strlen(json_string_value(next)) >= sizeof(cursor)) {
				fprintf(stderr, "vcmctl: %s: the server's "
				    "cursor makes no progress; stopped\n",
				    path);
				vcmctl_reply_free(&rep);
				rc = VCMCTL_EXIT_FAIL;
				break;
			}
			(void)snprintf(cursor, sizeof(cursor), "%s",
			    json_string_value(next));
		}
		vcmctl_reply_free(&rep);
	}
	if (rc == 0) {
		if (r->json) {
			doc = json_pack("{s:O,s:o}", "items", all,
			    "next_cursor", resume[0] != '\0' ?
			    json_string(resume) : json_null());
			if (doc != NULL)
				vcmctl_print_json(doc, stdout);
			json_decref(doc);
		} else
			rc = list_print(r, all, cols, ncols);
		if (cut && r->limit == 0)
			fprintf(stderr, "vcmctl: note: stopped after %d items; "
			    "narrow the list with filters or --limit\n",
			    VCM_CTL_LIST_ITEMS_MAX);
	}
	json_decref(all);
	return rc;
}

/* ---- secrets ------------------------------------------------------------ */

static volatile sig_atomic_t prompt_signal;

static void
prompt_on_signal(int sig)
{
	prompt_signal = sig;
}

/*
 * Reads a line from the terminal with echo off (readpassphrase(3)'s
 * way): a signal restores the terminal first, then is raised again.
 * VCM_ENOSPC if the line does not fit buf; VCM_EIO without a terminal.
 */
static int
tty_password(const char *prompt, char *buf, size_t cap)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
	    SIGTSTP };
	struct sigaction sa, saved[NELEM(sigs)];
	struct termios old, quiet;
	size_t len = 0, i;
	ssize_t n;
	int fd, over = 0, ret;
	char c = '\0';

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) < 0)
		return VCM_EIO;
	if (tcgetattr(fd, &old) != 0) {
		(void)close(fd);
		return VCM_EIO;
	}
	prompt_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = prompt_on_signal;	/* no SA_RESTART: read ends */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NELEM(sigs); i++)
		(void)sigaction(sigs[i], &sa, &saved[i]);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	/* A lost prompt is no failure: the terminal is there to read. */
	(void)!write(fd, prompt, strlen(prompt));
	(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	for (;;) {
		n = read(fd, &c, 1);
		if (n != 1 || prompt_signal != 0 || c == '\n' || c == '\r')
			break;
		if (len + 1 < cap)
			buf[len++] = c;
		else
			over = 1;
	}
	buf[len] = '\0';
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	(void)close(fd);
	for (i = 0; i < NELEM(sigs); i++)
		(void)sigaction(sigs[i], &saved[i], NULL);
	if (prompt_signal != 0) {
		vcm_wipe(buf, cap);
		(void)raise(prompt_signal);
		return VCM_EIO;
	}
	/* End of file before a newline (^D): no password was given. */
	if (n != 1)
		ret = VCM_EIO;
	else if (over)
		ret = VCM_ENOSPC;
	else
		ret = 0;
	vcm_wipe(&c, sizeof(c));
	if (ret != 0)
		vcm_wipe(buf, cap);
	return ret;
}

/* A secret file, with a message for each failure; a warning when other
 * users may read it. 0 or the exit status. */
static int
read_secret(const char *what, const char *path, char *buf, size_t cap)
{
	int loose, rc;

	rc = vcmctl_secret_read(path, buf, cap, &loose);
	if (rc == VCM_EIO && vcmctl_token_check(path) == 0 &&
	    strlen(path) > 5 && strncmp(path, "vcm", 3) == 0 &&
	    path[4] == '_') {
		/* A token where a file name belongs: never echo it. */
		fprintf(stderr, "vcmctl: %s: expects a file name; keys and "
		    "tokens are never taken on the command line\n", what);
		return VCMCTL_EXIT_USAGE;
	}
	if (rc == VCM_EIO) {
		fprintf(stderr, "vcmctl: %s %s: %s\n", what, path,
		    strerror(errno));
		return VCMCTL_EXIT_USAGE;
	}
	if (rc == VCM_EINVAL) {
		fprintf(stderr, "vcmctl: %s %s: not a regular text file\n",
		    what, path);
		return VCMCTL_EXIT_USAGE;
	}
	if (rc != 0) {
		fprintf(stderr, "vcmctl: %s %s: the first line is longer "
		    "than %zu bytes\n", what, path, cap - 1);
		return VCMCTL_EXIT_USAGE;
	}
	if (loose)
		fprintf(stderr, "vcmctl: warning: %s %s may be read or "
		    "written by other users (chmod 600 it)\n", what, path);
	return 0;
}

/* The API key: --key-file, else $VCM_API_KEY. 0 or the exit status. */
static int
load_key(struct run *r)
{
	char *env;
	int rc;

	if (r->opt[O_KEY_FILE] != NULL) {
		if ((rc = read_secret("--key-file", r->opt[O_KEY_FILE],
		    r->key, sizeof(r->key))) != 0)
			return rc;
	} else if ((env = getenv("VCM_API_KEY")) != NULL && *env != '\0') {
		if (strlen(env) >= sizeof(r->key)) {
			fprintf(stderr, "vcmctl: VCM_API_KEY: longer than an "
			    "API key (%d bytes)\n", VCM_TOKEN_STR_MAX);
			return VCMCTL_EXIT_USAGE;
		}
		memcpy(r->key, env, strlen(env) + 1);
		/* Gone from our memory (and /proc/PID/environ). */
		vcm_wipe(env, strlen(env));
	} else
		return 0;
	if (vcmctl_token_check(r->key) != 0) {
		vcm_wipe(r->key, sizeof(r->key));
		fprintf(stderr, "vcmctl: the API key is malformed (expected "
		    "vcmk_ and base64url characters)\n");
		return VCMCTL_EXIT_USAGE;
	}
	r->have_key = 1;
	return 0;
}

/*
 * The BMC password: --password-file, --password-env, --password-prompt,
 * or (when required and stdin is a terminal) a prompt. *have is 0 when
 * none was asked for (bmc set). 0 or the exit status.
 */
static int
bmc_password(struct run *r, const char *bmc, int required, char *pw,
    size_t cap, int *have)
{
	char prompt[MSG_MAX], clean[MSG_MAX / 2];
	char *env;
	int rc, n = 0;

	*have = 0;
	n += r->opt[O_PASSWORD_FILE] != NULL;
	n += r->opt[O_PASSWORD_ENV] != NULL;
	n += (r->given & OB(O_PASSWORD_PROMPT)) != 0;
	if (n > 1) {
		fprintf(stderr, "vcmctl: one of --password-file, "
		    "--password-env, --password-prompt\n");
		return VCMCTL_EXIT_USAGE;
	}
	if (r->opt[O_PASSWORD_FILE] != NULL) {
		if ((rc = read_secret("--password-file",
		    r->opt[O_PASSWORD_FILE], pw, cap)) != 0)
			return rc;
	} else if (r->opt[O_PASSWORD_ENV] != NULL) {
		if ((env = getenv(r->opt[O_PASSWORD_ENV])) == NULL) {
			fprintf(stderr, "vcmctl: --password-env: %s is not "
			    "set\n", r->opt[O_PASSWORD_ENV]);
			return VCMCTL_EXIT_USAGE;
		}
		if (strlen(env) >= cap) {
			fprintf(stderr, "vcmctl: --password-env: the password "
			    "is longer than %d bytes\n", VCM_IPMI_KEY_MAX);
			return VCMCTL_EXIT_USAGE;
		}
		memcpy(pw, env, strlen(env) + 1);
		vcm_wipe(env, strlen(env));
	} else if (n == 1 || (required && isatty(STDIN_FILENO))) {
		(void)vcmctl_clean(bmc, clean, sizeof(clean));
		(void)snprintf(prompt, sizeof(prompt), "IPMI password for "
		    "BMC %s: ", clean);
		rc = tty_password(prompt, pw, cap);
		if (rc == VCM_ENOSPC) {
			fprintf(stderr, "vcmctl: the password is longer than "
			    "%d bytes\n", VCM_IPMI_KEY_MAX);
			return VCMCTL_EXIT_USAGE;
		}
		if (rc != 0) {
			fprintf(stderr, "vcmctl: cannot read a password from "
			    "the terminal\n");
			return VCMCTL_EXIT_USAGE;
		}
	} else if (required) {
		fprintf(stderr, "vcmctl: bmc add: no password: use "
		    "--password-file F or --password-env VAR (or run on a "
		    "terminal to be asked)\n");
		return VCMCTL_EXIT_USAGE;
	} else
		return 0;
	if (strlen(pw) > VCM_IPMI_KEY_MAX) {
		vcm_wipe(pw, cap);
		fprintf(stderr, "vcmctl: the password is longer than %d "
		    "bytes (IPMI 2.0)\n", VCM_IPMI_KEY_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	*have = 1;
	return 0;
}

/* ---- commands ----------------------------------------------------------- */

/* A name argument: 1..VCM_NAME_MAX bytes. */
static int
check_name(const char *what, const char *s)
{
	if (s[0] == '\0' || strlen(s) > VCM_NAME_MAX) {
		fprintf(stderr, "vcmctl: %s: 1 to %d bytes\n", what,
		    VCM_NAME_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	return 0;
}

static int
coll_path(struct run *r, char *buf, size_t len, int64_t id, const char *sub)
{
	if (vcmctl_path(buf, len, run_noun(r)->coll, id, sub) != 0) {
		fprintf(stderr, "vcmctl: path too long\n");
		return VCMCTL_EXIT_FAIL;
	}
	return 0;
}

static int
cmd_add_named(struct run *r)
{
	char path[PATH_MAX_LEN];
	json_t *body;
	int rc;

	if ((rc = check_name("NAME", r->pos[0])) != 0 ||
	    (rc = coll_path(r, path, sizeof(path), 0, NULL)) != 0)
		return rc;
	if ((body = json_pack("{s:s}", "name", r->pos[0])) == NULL)
		return VCMCTL_EXIT_FAIL;
	rc = call_show(r, "POST", path, body, 0);
	json_decref(body);
	return rc;
}

static int
cmd_show(struct run *r)
{
	char path[PATH_MAX_LEN];
	int64_t id;
	int rc;

	if ((rc = arg_id(r, 0, &id)) != 0 ||
	    (rc = coll_path(r, path, sizeof(path), id, NULL)) != 0)
		return rc;
	return call_show(r, "GET", path, NULL, 0);
}

static int
cmd_rm(struct run *r)
{
	char path[PATH_MAX_LEN];
	struct vcmctl_reply rep;
	int64_t id;
	int rc;

	if ((rc = arg_id(r, 0, &id)) != 0 ||
	    (rc = coll_path(r, path, sizeof(path), id, NULL)) != 0)
		return rc;
	if ((rc = call(r, "DELETE", path, NULL, 0, NULL, &rep)) != 0)
		return rc;
	if (json_is_object(rep.json))
		rc = print_reply_object(r, &rep, 0);
	else if (!r->json)
		printf("%s %" PRId64 " deleted\n", r->cmd->noun, id);
	vcmctl_reply_free(&rep);
	return rc;
}

static int
cmd_list(struct run *r)
{
	static const struct {
		int		 opt;
		const char	*param;
	} filters[] = {
		{ O_SITE, "site_id" }, { O_TENANT, "tenant_id" },
		{ O_SERVER, "server_id" }, { O_GRANT, "grant_id" },
		{ O_SINCE, "since" }, { O_UNTIL, "until" },
	};
	const struct noun *n = run_noun(r);
	struct vcmctl_param p[NELEM(filters) + 1];
	char path[PATH_MAX_LEN];
	size_t i, np = 0;
	int rc;

	if ((rc = coll_path(r, path, sizeof(path), 0, NULL)) != 0)
		return rc;
	for (i = 0; i < NELEM(filters); i++)
		if (r->opt[filters[i].opt] != NULL) {
			p[np].name = filters[i].param;
			p[np++].value = r->opt[filters[i].opt];
		}
	if (r->given & OB(O_LIVE)) {
		p[np].name = "state";
		p[np++].value = "live";
	}
	return list_run(r, path, p, np, n->cols, n->ncols);
}

static int
cmd_pool_add(struct run *r)
{
	json_t *body;
	int rc;

	if ((rc = check_name("NAME", r->pos[0])) != 0)
		return rc;
	if (r->pos[1][0] == '\0' || strlen(r->pos[1]) > VCM_CIDR_STR_MAX) {
		fprintf(stderr, "vcmctl: CIDR: 1 to %d bytes\n",
		    VCM_CIDR_STR_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	body = json_pack("{s:I,s:s,s:s}", "site_id",
	    (json_int_t)opt_id(r, O_SITE), "name", r->pos[0], "cidr",
	    r->pos[1]);
	if (body == NULL)
		return VCMCTL_EXIT_FAIL;
	rc = call_show(r, "POST", "/v1/pools", body, 0);
	json_decref(body);
	return rc;
}

/* --site/--pool: an id, or (bmc set) "none" for null. */
static int
set_ref(json_t *o, const char *key, const char *v)
{
	int64_t id;

	if (v == NULL)
		return 0;
	if (strcmp(v, "none") == 0)
		return json_object_set_new(o, key, json_null());
	(void)vcmctl_parse_id(v, &id);
	return json_object_set_new(o, key, json_integer((json_int_t)id));
}

/*
 * The fields of bmc add and bmc set (each only when given). The
 * password and Kg go into o last, after every check, so a usage error
 * never leaves them in memory longer than needed (the jansson
 * allocator wipes o's copies when it is freed).
 */
static int
bmc_fields(struct run *r, json_t *o, const char *name, int creating)
{
	char pw[VCM_IPMI_KEY_MAX + 2], kg[KG_HEX_MAX + 2], err[MSG_MAX];
	struct eng_quirk_profile qp;
	struct eng_quirk_effect qe;
	unsigned long v;
	size_t kglen;
	int rc, have_pw = 0, bad = 0;

	memset(pw, 0, sizeof(pw));
	memset(kg, 0, sizeof(kg));
	if (r->opt[O_NAME] != NULL && (rc = check_name("--name",
	    r->opt[O_NAME])) != 0)
		return rc;
	if (r->opt[O_ADDRESS] != NULL && (r->opt[O_ADDRESS][0] == '\0' ||
	    strlen(r->opt[O_ADDRESS]) > VCM_ADDR_STR_MAX)) {
		fprintf(stderr, "vcmctl: ADDRESS: 1 to %d bytes\n",
		    VCM_ADDR_STR_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	if (r->opt[O_USER] != NULL && (r->opt[O_USER][0] == '\0' ||
	    strlen(r->opt[O_USER]) > VCM_IPMI_USER_MAX)) {
		fprintf(stderr, "vcmctl: --user: 1 to %d bytes (IPMI 2.0)\n",
		    VCM_IPMI_USER_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	if (r->opt[O_VENDOR] != NULL && (rc = check_name("--vendor",
	    r->opt[O_VENDOR])) != 0)
		return rc;
	if (r->opt[O_QUIRKS] != NULL) {
		/* vcmd checks it too; here the operator gets the parser's
		 * reason before anything is sent. */
		(void)eng_quirks_lookup(0, 0, &qp);
		if (strlen(r->opt[O_QUIRKS]) > VCM_ENG_QUIRK_SPEC_MAX ||
		    eng_quirks_apply(&qp, 0, 0, NULL, 0, r->opt[O_QUIRKS],
		    &qe, err, sizeof(err)) != 0) {
			fprintf(stderr, "vcmctl: --quirks: %s\n",
			    strlen(r->opt[O_QUIRKS]) > VCM_ENG_QUIRK_SPEC_MAX ?
			    "too long" : err);
			return VCMCTL_EXIT_USAGE;
		}
	}
	if (r->opt[O_PORT] != NULL && vcmctl_parse_uint(r->opt[O_PORT], 1,
	    UINT16_MAX, &v) != 0) {
		fprintf(stderr, "vcmctl: --port: 1-%d\n", UINT16_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	if (r->opt[O_SESSIONS] != NULL && vcmctl_parse_uint(
	    r->opt[O_SESSIONS], 1, VCM_BMC_SESSIONS_MAX, &v) != 0) {
		fprintf(stderr, "vcmctl: --sessions: 1-%d\n",
		    VCM_BMC_SESSIONS_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	if (r->opt[O_KG_FILE] != NULL) {
		if ((rc = read_secret("--kg-file", r->opt[O_KG_FILE], kg,
		    sizeof(kg))) != 0)
			goto out;
		kglen = strlen(kg);
		if (kglen == 0 || kglen > KG_HEX_MAX || kglen % 2 != 0 ||
		    strspn(kg, "0123456789abcdefABCDEF") != kglen) {
			fprintf(stderr, "vcmctl: --kg-file: Kg must be 2 to %d "
			    "hex digits (an even number)\n", KG_HEX_MAX);
			rc = VCMCTL_EXIT_USAGE;
			goto out;
		}
	}
	if ((rc = bmc_password(r, name, creating, pw, sizeof(pw),
	    &have_pw)) != 0)
		goto out;
	if (r->opt[O_NAME] != NULL)
		bad |= json_object_set_new(o, "name",
		    json_string(r->opt[O_NAME]));
	if (r->opt[O_ADDRESS] != NULL)
		bad |= json_object_set_new(o, "address",
		    json_string(r->opt[O_ADDRESS]));
	if (r->opt[O_PORT] != NULL) {
		(void)vcmctl_parse_uint(r->opt[O_PORT], 1, UINT16_MAX, &v);
		bad |= json_object_set_new(o, "port",
		    json_integer((json_int_t)v));
	}
	if (r->opt[O_USER] != NULL)
		bad |= json_object_set_new(o, "user",
		    json_string(r->opt[O_USER]));
	bad |= set_ref(o, "site_id", r->opt[O_SITE]);
	bad |= set_ref(o, "pool_id", r->opt[O_POOL]);
	if (r->opt[O_VENDOR] != NULL)
		bad |= json_object_set_new(o, "vendor",
		    json_string(r->opt[O_VENDOR]));
	if (r->opt[O_SESSIONS] != NULL) {
		(void)vcmctl_parse_uint(r->opt[O_SESSIONS], 1,
		    VCM_BMC_SESSIONS_MAX, &v);
		bad |= json_object_set_new(o, "max_sessions",
		    json_integer((json_int_t)v));
	}
	if (r->opt[O_QUIRKS] != NULL)
		bad |= json_object_set_new(o, "quirks",
		    json_string(r->opt[O_QUIRKS]));
	if (have_pw)
		bad |= json_object_set_new(o, "password", json_string(pw));
	if (kg[0] != '\0')
		bad |= json_object_set_new(o, "kg", json_string(kg));
	rc = bad ? VCMCTL_EXIT_FAIL : 0;
	if (!creating && rc == 0 && json_object_size(o) == 0) {
		fprintf(stderr, "vcmctl: bmc set: nothing to change\n");
		rc = VCMCTL_EXIT_USAGE;
	}
out:
	vcm_wipe(pw, sizeof(pw));
	vcm_wipe(kg, sizeof(kg));
	return rc;
}

static int
cmd_bmc_add(struct run *r)
{
	json_t *body;
	int rc;

	if ((rc = check_name("NAME", r->pos[0])) != 0)
		return rc;
	r->opt[O_NAME] = r->pos[0];
	r->opt[O_ADDRESS] = r->pos[1];
	if ((body = json_object()) == NULL)
		return VCMCTL_EXIT_FAIL;
	if ((rc = bmc_fields(r, body, r->pos[0], 1)) == 0)
		rc = call_show(r, "POST", "/v1/bmcs", body, 0);
	json_decref(body);
	return rc;
}

static int
cmd_bmc_set(struct run *r)
{
	char path[PATH_MAX_LEN];
	json_t *body;
	int64_t id;
	int rc;

	if ((rc = arg_id(r, 0, &id)) != 0 ||
	    (rc = coll_path(r, path, sizeof(path), id, NULL)) != 0)
		return rc;
	if ((body = json_object()) == NULL)
		return VCMCTL_EXIT_FAIL;
	if ((rc = bmc_fields(r, body, r->pos[0], 0)) == 0)
		rc = call_show(r, "PATCH", path, body, 0);
	json_decref(body);
	return rc;
}

static int
cmd_server_add(struct run *r)
{
	unsigned cols, rows;
	json_t *body;
	int rc;

	if ((rc = check_name("NAME", r->pos[0])) != 0)
		return rc;
	body = json_pack("{s:I,s:I,s:s}", "tenant_id",
	    (json_int_t)opt_id(r, O_TENANT), "bmc_id",
	    (json_int_t)opt_id(r, O_BMC), "name", r->pos[0]);
	if (body == NULL)
		return VCMCTL_EXIT_FAIL;
	if (r->opt[O_SIZE] != NULL) {
		if (vcmctl_parse_size(r->opt[O_SIZE], &cols, &rows) != 0) {
			fprintf(stderr, "vcmctl: --size: COLSxROWS, %d-%d "
			    "columns and %d-%d rows (e.g. 80x25)\n",
			    VCM_CONSOLE_COLS_MIN, VCM_CONSOLE_COLS_MAX,
			    VCM_CONSOLE_ROWS_MIN, VCM_CONSOLE_ROWS_MAX);
			json_decref(body);
			return VCMCTL_EXIT_USAGE;
		}
		(void)json_object_set_new(body, "cols", json_integer(cols));
		(void)json_object_set_new(body, "rows", json_integer(rows));
	}
	rc = call_show(r, "POST", "/v1/servers", body, 0);
	json_decref(body);
	return rc;
}

/* Printed after a token the API will never show again. */
static void
token_note(const char *what)
{
	fprintf(stderr, "vcmctl: note: the %s token above is shown only "
	    "this once; store it now, it cannot be retrieved again\n", what);
}

static int
cmd_key_create(struct run *r)
{
	json_t *body;
	int rc;

	if ((rc = check_name("NAME", r->pos[0])) != 0)
		return rc;
	if ((body = json_pack("{s:s}", "name", r->pos[0])) == NULL)
		return VCMCTL_EXIT_FAIL;
	if (r->opt[O_TENANT] != NULL)
		(void)json_object_set_new(body, "tenant_id",
		    json_integer((json_int_t)opt_id(r, O_TENANT)));
	rc = call_show(r, "POST", "/v1/keys", body, 1);
	json_decref(body);
	if (rc == 0)
		token_note("API key");
	return rc;
}

static int
cmd_key_revoke(struct run *r)
{
	char path[PATH_MAX_LEN];
	struct vcmctl_reply rep;
	int64_t id;
	int rc;

	if ((rc = arg_id(r, 0, &id)) != 0 ||
	    (rc = coll_path(r, path, sizeof(path), id, NULL)) != 0)
		return rc;
	if ((rc = call(r, "DELETE", path, NULL, 0, NULL, &rep)) != 0)
		return rc;
	if (json_is_object(rep.json))
		rc = print_reply_object(r, &rep, 0);
	else if (!r->json)
		printf("key %" PRId64 " revoked\n", id);
	vcmctl_reply_free(&rep);
	return rc;
}

/* --expires-in / --expires into body (one of them, or none). */
static int
expiry_fields(struct run *r, json_t *body, int required)
{
	uint32_t secs;

	if (r->opt[O_EXPIRES_IN] != NULL && r->opt[O_EXPIRES] != NULL) {
		fprintf(stderr, "vcmctl: --expires-in or --expires, not "
		    "both\n");
		return VCMCTL_EXIT_USAGE;
	}
	if (required && r->opt[O_EXPIRES_IN] == NULL &&
	    r->opt[O_EXPIRES] == NULL) {
		fprintf(stderr, "vcmctl: grant extend: --expires-in D or "
		    "--expires TIME\n");
		return VCMCTL_EXIT_USAGE;
	}
	if (r->opt[O_EXPIRES_IN] != NULL) {
		if (vcmctl_parse_duration(r->opt[O_EXPIRES_IN],
		    VCM_GRANT_MAX_LIMIT_S, &secs) != 0) {
			fprintf(stderr, "vcmctl: --expires-in: a duration such "
			    "as 2h, 90m, 3600s or 1h30m, at most %u days\n",
			    VCM_GRANT_MAX_LIMIT_S / 86400u);
			return VCMCTL_EXIT_USAGE;
		}
		(void)json_object_set_new(body, "expires_in",
		    json_integer(secs));
	}
	if (r->opt[O_EXPIRES] != NULL)
		(void)json_object_set_new(body, "expires",
		    json_string(r->opt[O_EXPIRES]));
	return 0;
}

static int
cmd_grant_create(struct run *r)
{
	json_t *body, *src;
	unsigned rights;
	size_t i;
	int rc;

	body = json_pack("{s:I}", "server_id",
	    (json_int_t)opt_id(r, O_SERVER));
	if (body == NULL)
		return VCMCTL_EXIT_FAIL;
	if (r->opt[O_RIGHTS] != NULL) {
		if (vcmctl_parse_rights(r->opt[O_RIGHTS], &rights) != 0) {
			fprintf(stderr, "vcmctl: --rights: a comma list of "
			    "console-read, console-write, power (or all)\n");
			rc = VCMCTL_EXIT_USAGE;
			goto out;
		}
		(void)json_object_set_new(body, "rights",
		    vcmctl_rights_json(rights));
	}
	if ((rc = expiry_fields(r, body, 0)) != 0)
		goto out;
	if (r->opt[O_NOT_BEFORE] != NULL)
		(void)json_object_set_new(body, "not_before",
		    json_string(r->opt[O_NOT_BEFORE]));
	if (r->nsources > 0) {
		if ((src = json_array()) == NULL) {
			rc = VCMCTL_EXIT_FAIL;
			goto out;
		}
		for (i = 0; i < r->nsources; i++)
			(void)json_array_append_new(src,
			    json_string(r->sources[i]));
		(void)json_object_set_new(body, "sources", src);
	}
	rc = call_show(r, "POST", "/v1/grants", body, 1);
	if (rc == 0)
		token_note("grant");
out:
	json_decref(body);
	return rc;
}

static int
cmd_grant_extend(struct run *r)
{
	char path[PATH_MAX_LEN];
	json_t *body;
	int64_t id;
	int rc;

	if ((rc = arg_id(r, 0, &id)) != 0 ||
	    (rc = coll_path(r, path, sizeof(path), id, "extend")) != 0)
		return rc;
	if ((body = json_object()) == NULL)
		return VCMCTL_EXIT_FAIL;
	if ((rc = expiry_fields(r, body, 1)) == 0)
		rc = call_show(r, "POST", path, body, 0);
	json_decref(body);
	return rc;
}

static int
cmd_grant_revoke(struct run *r)
{
	char path[PATH_MAX_LEN];
	int64_t id;
	int rc;

	if ((rc = arg_id(r, 0, &id)) != 0 ||
	    (rc = coll_path(r, path, sizeof(path), id, "revoke")) != 0)
		return rc;
	return call_show(r, "POST", path, NULL, 0);
}

/*
 * A one-time console URL. The grant token (--token-file, else
 * $VCM_GRANT_TOKEN) is the bearer; without one, the API key (an
 * operator's, or the grant's tenant's).
 */
static int
cmd_grant_console(struct run *r)
{
	char path[PATH_MAX_LEN], tok[VCM_TOKEN_STR_MAX + 1];
	struct vcmctl_reply rep;
	const json_t *url, *ttl;
	char *env;
	int64_t id;
	int rc;

	memset(tok, 0, sizeof(tok));
	if ((rc = arg_id(r, 0, &id)) != 0 ||
	    (rc = coll_path(r, path, sizeof(path), id, "console")) != 0)
		return rc;
	if (r->opt[O_TOKEN_FILE] != NULL) {
		if ((rc = read_secret("--token-file", r->opt[O_TOKEN_FILE],
		    tok, sizeof(tok))) != 0)
			return rc;
	} else if ((env = getenv("VCM_GRANT_TOKEN")) != NULL &&
	    *env != '\0') {
		if (strlen(env) >= sizeof(tok)) {
			fprintf(stderr, "vcmctl: VCM_GRANT_TOKEN: longer than "
			    "a token\n");
			return VCMCTL_EXIT_USAGE;
		}
		memcpy(tok, env, strlen(env) + 1);
		vcm_wipe(env, strlen(env));
	} else if (!r->have_key) {
		fprintf(stderr, "vcmctl: grant console: no grant token "
		    "(--token-file F or VCM_GRANT_TOKEN) and no API key\n");
		return VCMCTL_EXIT_USAGE;
	}
	if (tok[0] != '\0' && vcmctl_http_set_bearer(r->h, tok) != 0) {
		vcm_wipe(tok, sizeof(tok));
		fprintf(stderr, "vcmctl: the grant token is malformed\n");
		return VCMCTL_EXIT_USAGE;
	}
	vcm_wipe(tok, sizeof(tok));
	if ((rc = call(r, "POST", path, NULL, 0, NULL, &rep)) != 0)
		return rc;
	url = json_object_get(rep.json, "url");
	ttl = json_object_get(rep.json, "expires_in");
	if (!json_is_string(url)) {
		fprintf(stderr, "vcmctl: %s: the reply has no url\n", path);
		rc = VCMCTL_EXIT_FAIL;
	} else if (r->json)
		vcmctl_print_json(rep.json, stdout);
	else {
		/* The URL holds the ticket: one line, nothing else, so it
		 * can go straight to a browser. */
		char clean[MSG_MAX];

		(void)vcmctl_clean(json_string_value(url), clean,
		    sizeof(clean));
		printf("%s\n", clean);
		if (json_is_integer(ttl))
			fprintf(stderr, "vcmctl: note: the URL works once, "
			    "within %" JSON_INTEGER_FORMAT " s\n",
			    json_integer_value(ttl));
	}
	vcmctl_reply_free(&rep);
	return rc;
}

static int
cmd_power(struct run *r)
{
	static const char *const actions[] = { "status", "on", "off",
	    "cycle", "reset", "soft", "bootdev-pxe", "bootdev-bios",
	    "bootdev-disk" };
	char path[PATH_MAX_LEN];
	json_t *body;
	size_t i;
	int rc;

	for (i = 0; i < NELEM(actions); i++)
		if (strcmp(r->pos[0], actions[i]) == 0)
			break;
	if (i == NELEM(actions)) {
		fprintf(stderr, "vcmctl: power: unknown action \"%s\"\n",
		    r->pos[0]);
		usage_noun(stderr, "power");
		return VCMCTL_EXIT_USAGE;
	}
	if (vcmctl_path(path, sizeof(path), "servers", opt_id(r, O_SERVER),
	    "power") != 0)
		return VCMCTL_EXIT_FAIL;
	if ((body = json_pack("{s:s}", "action", actions[i])) == NULL)
		return VCMCTL_EXIT_FAIL;
	rc = call_show(r, "POST", path, body, 0);
	json_decref(body);
	return rc;
}

static int
cmd_vault_rotate(struct run *r)
{
	return call_show(r, "POST", "/v1/vault/rotate", NULL, 0);
}

/*
 * /v1/health (no key), and with a key a summary of /metrics: each
 * metric's value, or its sum over its series (per-BMC gauges). A
 * tenant key gets 403 for /metrics: said in a note, not an error.
 */
static int
cmd_health(struct run *r)
{
	char err[MSG_MAX], name[MSG_MAX], val[MSG_MAX];
	struct vcmctl_reply rep, met;
	json_t *doc, *sum, *m;
	const char *k;
	int rc;

	(void)vcmctl_http_set_bearer(r->h, NULL);
	if ((rc = call(r, "GET", "/v1/health", NULL, 0, NULL, &rep)) != 0)
		return rc;
	if (!json_is_object(rep.json)) {
		fprintf(stderr, "vcmctl: /v1/health: the reply is not a JSON "
		    "object\n");
		vcmctl_reply_free(&rep);
		return VCMCTL_EXIT_FAIL;
	}
	doc = json_incref(rep.json);
	vcmctl_reply_free(&rep);
	if (r->have_key) {
		(void)vcmctl_http_set_bearer(r->h, r->key);
		if (vcmctl_http_call(r->h, "GET", "/metrics", NULL, 0, NULL,
		    &met, err, sizeof(err)) != 0) {
			fprintf(stderr, "vcmctl: %s\n", err);
			rc = VCMCTL_EXIT_FAIL;
		} else if (met.status == 200) {
			if ((sum = json_object()) != NULL) {
				(void)vcmctl_metrics_summary(met.body.p,
				    met.body.len, sum);
				(void)json_object_set_new(doc, "metrics", sum);
			}
			vcmctl_reply_free(&met);
		} else {
			vcmctl_reply_error(&met, err, sizeof(err));
			fprintf(stderr, "vcmctl: /metrics: %s%s\n", err,
			    met.status == 403 ? " (it needs an operator key)" :
			    "");
			if (met.status != 403)
				rc = VCMCTL_EXIT_FAIL;
			vcmctl_reply_free(&met);
		}
	}
	if (r->json)
		vcmctl_print_json(doc, stdout);
	else {
		sum = json_object_get(doc, "metrics");
		json_incref(sum);
		(void)json_object_del(doc, "metrics");
		vcmctl_print_object(doc, stdout, NULL);
		json_object_foreach(sum, k, m) {
			(void)vcmctl_clean(k, name, sizeof(name));
			(void)vcmctl_value_text(json_object_get(m, "sum"), val,
			    sizeof(val));
			if (json_integer_value(json_object_get(m,
			    "series")) == 1)
				printf("metrics.%s: %s\n", name, val);
			else
				printf("metrics.%s: %s (sum over %"
				    JSON_INTEGER_FORMAT " series)\n", name, val,
				    json_integer_value(json_object_get(m,
				    "series")));
		}
		json_decref(sum);
	}
	json_decref(doc);
	return rc;
}

/* ---- the command line --------------------------------------------------- */

static const struct cmd *
find_cmd(const char *noun, const char *verb)
{
	size_t i;

	for (i = 0; i < NELEM(cmds); i++)
		if (strcmp(cmds[i].noun, noun) == 0 && (cmds[i].verb == NULL ||
		    (verb != NULL && strcmp(cmds[i].verb, verb) == 0)))
			return &cmds[i];
	return NULL;
}

/* Option values that must be ids, numbers or bounded text. */
static int
check_options(struct run *r)
{
	int64_t id;
	char *copy;
	int o, rc;

	for (o = 0; o < O__N; o++) {
		if (!(OPTS_ID & OB(o)) || r->opt[o] == NULL)
			continue;
		if ((o == O_SITE || o == O_POOL) &&
		    strcmp(r->opt[o], "none") == 0 &&
		    r->cmd->fn == cmd_bmc_set)
			continue;
		if (vcmctl_parse_id(r->opt[o], &id) != 0) {
			fprintf(stderr, "vcmctl: --%s: \"%s\" is not an id (a "
			    "positive integer)\n", opt_name(o), r->opt[o]);
			return VCMCTL_EXIT_USAGE;
		}
	}
	if (r->opt[O_LIMIT] != NULL && vcmctl_parse_uint(r->opt[O_LIMIT], 1,
	    VCM_CTL_LIST_ITEMS_MAX, &r->limit) != 0) {
		fprintf(stderr, "vcmctl: --limit: 1-%d\n",
		    VCM_CTL_LIST_ITEMS_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	r->page = VCM_PAGE_MAX;
	if (r->opt[O_PAGE_SIZE] != NULL && vcmctl_parse_uint(
	    r->opt[O_PAGE_SIZE], 1, VCM_PAGE_MAX, &r->page) != 0) {
		fprintf(stderr, "vcmctl: --page-size: 1-%d\n", VCM_PAGE_MAX);
		return VCMCTL_EXIT_USAGE;
	}
	for (o = O_SINCE; o <= O_UNTIL; o++)
		if (r->opt[o] != NULL && strlen(r->opt[o]) > TIME_ARG_MAX)
			goto long_time;
	if ((r->opt[O_EXPIRES] != NULL &&
	    strlen(r->opt[O_EXPIRES]) > TIME_ARG_MAX) ||
	    (r->opt[O_NOT_BEFORE] != NULL &&
	    strlen(r->opt[O_NOT_BEFORE]) > TIME_ARG_MAX))
		goto long_time;
	for (o = 0; (size_t)o < r->nsrc_args; o++) {
		copy = r->src_args[o];
		if ((rc = vcmctl_parse_sources(copy, r->sources,
		    VCM_GRANT_SOURCES_MAX, &r->nsources)) != 0) {
			fprintf(stderr, "vcmctl: --source: %s\n",
			    rc == VCM_ENOSPC ? "too many networks" :
			    "a CIDR such as 198.51.100.0/24 or 2001:db8::/32");
			return VCMCTL_EXIT_USAGE;
		}
	}
	return 0;
long_time:
	fprintf(stderr, "vcmctl: a time is at most %d bytes (RFC 3339, "
	    "e.g. 2026-11-25T16:00:00Z)\n", TIME_ARG_MAX);
	return VCMCTL_EXIT_USAGE;
}

/*
 * Whole option names only: GNU getopt would take "--key" for
 * "--key-file", so a key typed by mistake would become a file name and
 * be echoed in the error. A bad name is shown without its "=value".
 */
static int
exact_options(int argc, char **argv)
{
	const char *a;
	size_t len, j;
	int i;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strncmp(a, "--", 2) != 0)
			continue;
		len = strcspn(a + 2, "=");
		for (j = 0; lopts[j].name != NULL; j++)
			if (strlen(lopts[j].name) == len &&
			    strncmp(lopts[j].name, a + 2, len) == 0)
				break;
		if (lopts[j].name == NULL) {
			fprintf(stderr, "vcmctl: %s: unknown option --%.*s\n"
			    "Try: vcmctl %s --help\n", argv[0], (int)len,
			    a + 2, argv[0]);
			return VCMCTL_EXIT_USAGE;
		}
		if (lopts[j].has_arg == required_argument && a[2 + len] == '\0')
			i++;	/* its value, whatever it looks like */
	}
	return 0;
}

/* Options; the arguments are left in r->pos. 0, -1 (--help done), or
 * the exit status. */
static int
parse_args(struct run *r, int argc, char **argv)
{
	int ch, o;

	if ((ch = exact_options(argc, argv)) != 0)
		return ch;
	opterr = 0;
	optind = 0;	/* GNU: a full restart, main.c may have used it */
	while ((ch = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		if (ch == 'h')
			ch = OPT_VAL(O_HELP);
		if (ch < OPT_VAL(0) || ch >= OPT_VAL(O__N)) {
			if (optopt != 0 && optopt != '?')
				fprintf(stderr, "vcmctl: %s: unknown option "
				    "-%c\n", argv[0], optopt);
			else
				fprintf(stderr, "vcmctl: %s: unknown option "
				    "or missing value: %s\n", argv[0],
				    argv[optind - 1]);
			fprintf(stderr, "Try: vcmctl %s --help\n", argv[0]);
			return VCMCTL_EXIT_USAGE;
		}
		o = ch - OPT_VAL(0);
		if (o == O_SOURCE) {
			if (r->nsrc_args == VCM_GRANT_SOURCES_MAX) {
				fprintf(stderr, "vcmctl: --source: at most %d "
				    "networks\n", VCM_GRANT_SOURCES_MAX);
				return VCMCTL_EXIT_USAGE;
			}
			if ((r->src_args[r->nsrc_args] = strdup(optarg)) ==
			    NULL)
				return VCMCTL_EXIT_FAIL;
			r->nsrc_args++;
		} else if ((r->given & OB(o)) && optarg != NULL) {
			fprintf(stderr, "vcmctl: --%s given twice\n",
			    opt_name(o));
			return VCMCTL_EXIT_USAGE;
		} else
			r->opt[o] = optarg;
		r->given |= OB(o);
	}
	if (r->given & OB(O_HELP)) {
		usage_noun(stdout, argv[0]);
		return -1;
	}
	r->json = (r->given & OB(O_JSON)) != 0;
	r->pos = argv + optind;
	r->npos = argc - optind;
	return 0;
}

/* The table's checks for the command found. */
static int
check_cmd(struct run *r, const char *noun)
{
	const struct cmd *c;
	uint64_t extra, missing;
	const char *verb = r->npos > 0 ? r->pos[0] : NULL;
	int o;

	if ((c = find_cmd(noun, verb)) == NULL) {
		if (verb == NULL)
			fprintf(stderr, "vcmctl: %s: which one?\n", noun);
		else
			fprintf(stderr, "vcmctl: %s: unknown command \"%s\"\n",
			    noun, verb);
		usage_noun(stderr, noun);
		return VCMCTL_EXIT_USAGE;
	}
	r->cmd = c;
	if (c->verb != NULL) {
		r->pos++;
		r->npos--;
	}
	if (r->npos != c->npos) {
		fprintf(stderr, "vcmctl: %s%s%s: %s arguments\n", c->noun,
		    c->verb ? " " : "", c->verb ? c->verb : "",
		    r->npos < c->npos ? "missing" : "too many");
		fprintf(stderr, "usage: vcmctl %s\n", c->usage);
		return VCMCTL_EXIT_USAGE;
	}
	extra = r->given & ~(c->opts | OPTS_COMMON);
	missing = c->need & ~r->given;
	for (o = 0; o < O__N; o++) {
		if (extra & OB(o)) {
			fprintf(stderr, "vcmctl: --%s does not apply to "
			    "\"%s%s%s\"\n", opt_name(o), c->noun,
			    c->verb ? " " : "", c->verb ? c->verb : "");
			return VCMCTL_EXIT_USAGE;
		}
		if (missing & OB(o)) {
			fprintf(stderr, "vcmctl: --%s is required\nusage: "
			    "vcmctl %s\n", opt_name(o), c->usage);
			return VCMCTL_EXIT_USAGE;
		}
	}
	return 0;
}

/* The client: URL, CA, key. 0 or the exit status. */
static int
configure(struct run *r)
{
	char err[MSG_MAX];
	const char *url, *ca;
	int rc;

	url = r->opt[O_URL] != NULL ? r->opt[O_URL] : getenv("VCM_URL");
	ca = r->opt[O_CACERT] != NULL ? r->opt[O_CACERT] :
	    getenv("VCM_CACERT");
	if (url == NULL || *url == '\0') {
		fprintf(stderr, "vcmctl: no API URL: set VCM_URL or use "
		    "--url https://HOST:PORT\n");
		return VCMCTL_EXIT_USAGE;
	}
	if (ca != NULL && *ca == '\0')
		ca = NULL;
	if (ca != NULL && access(ca, R_OK) != 0) {
		fprintf(stderr, "vcmctl: --cacert %s: %s\n", ca,
		    strerror(errno));
		return VCMCTL_EXIT_USAGE;
	}
	if ((rc = load_key(r)) != 0)
		return rc;
	if (r->cmd->auth == AUTH_KEY && !r->have_key) {
		fprintf(stderr, "vcmctl: no API key: set VCM_API_KEY or use "
		    "--key-file FILE\n");
		return VCMCTL_EXIT_USAGE;
	}
	if ((r->h = vcmctl_http_new(url, ca, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vcmctl: --url: %s\n", err);
		return VCMCTL_EXIT_USAGE;
	}
	if (r->have_key)
		(void)vcmctl_http_set_bearer(r->h, r->key);
	return 0;
}

int
vcmctl_api_main(int argc, char **argv)
{
	struct run r;
	size_t i;
	int rc;

	if (argc < 1 || noun_of(argv[0]) == NULL) {
		fprintf(stderr, "vcmctl: unknown subcommand \"%s\"\n",
		    argc < 1 ? "" : argv[0]);
		return VCMCTL_EXIT_USAGE;
	}
	vcmctl_json_wipe_allocator();
	memset(&r, 0, sizeof(r));
	if ((rc = parse_args(&r, argc, argv)) != 0) {
		rc = rc < 0 ? 0 : rc;
		goto out;
	}
	if ((rc = check_cmd(&r, argv[0])) != 0 ||
	    (rc = check_options(&r)) != 0 || (rc = configure(&r)) != 0)
		goto out;
	rc = r.cmd->fn(&r);
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "vcmctl: stdout: %s\n", strerror(errno));
		rc = VCMCTL_EXIT_FAIL;
	}
out:
	vcmctl_http_free(r.h);
	vcm_wipe(r.key, sizeof(r.key));
	for (i = 0; i < r.nsrc_args; i++)
		free(r.src_args[i]);
	return rc;
}
