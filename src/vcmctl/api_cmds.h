/*
 * vcmctl's subcommands over vcmd's REST API (every one but `ipmi`):
 * site, pool, tenant, bmc, server, key, grant, power, audit, vault,
 * health. The reference is docs/vcmctl.1; the API is
 * docs/api/openapi.yaml.
 *
 * Configuration: VCM_URL and VCM_API_KEY (or --url, --key-file), and
 * --cacert (or VCM_CACERT) for vcmd's self-signed certificate. The API
 * key and BMC passwords are never taken from the command line (ps shows
 * it to every user) and never printed; a token the API creates (key
 * create, grant create) is printed once, with a note saying so.
 *
 * Exit status: 0 success, 1 an API or connection error (the message on
 * stderr: "vcmctl: <status> <code>: <message>", or the URL and what
 * failed), 2 a usage error.
 *
 * The parsers below are pure and exported for the unit tests.
 */
#ifndef VCMCTL_API_CMDS_H
#define VCMCTL_API_CMDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define VCMCTL_EXIT_FAIL	1
#define VCMCTL_EXIT_USAGE	2

/*
 * Runs one subcommand; argv[0] is its name ("bmc"), the rest its verb,
 * arguments and options in any order. Returns the exit status.
 */
int	vcmctl_api_main(int argc, char **argv);

/* Every API subcommand's usage line, for `vcmctl --help`. */
void	vcmctl_api_usage(FILE *);

/* 1 if name is one of vcmctl_api_main's subcommands. */
int	vcmctl_api_has(const char *name);

/* ---- parsers (pure) ----------------------------------------------------- */

/* A decimal id, 1..INT64_MAX. 0 or VCM_EINVAL. */
int	vcmctl_parse_id(const char *, int64_t *);

/* A decimal integer min..max. 0, VCM_EINVAL (not a number), VCM_ERANGE. */
int	vcmctl_parse_uint(const char *, unsigned long min, unsigned long max,
	    unsigned long *);

/*
 * A duration: one or more NUMBER UNIT parts, units d, h, m, s ("2h",
 * "90m", "3600s", "1h30m"), or a bare number of seconds. Result in
 * seconds, 1..max. VCM_EINVAL for syntax (a unit twice or out of
 * order, an unknown unit), VCM_ERANGE for 0 or more than max.
 */
int	vcmctl_parse_duration(const char *, uint32_t max, uint32_t *secs);

/* "COLSxROWS" within VCM_CONSOLE_{COLS,ROWS}_{MIN,MAX}. */
int	vcmctl_parse_size(const char *, unsigned *cols, unsigned *rows);

/* Grant rights as bits, in the API's order. */
#define VCMCTL_RIGHT_CONSOLE_READ	0x01u
#define VCMCTL_RIGHT_CONSOLE_WRITE	0x02u
#define VCMCTL_RIGHT_POWER		0x04u
#define VCMCTL_RIGHTS_ALL		0x07u

/* "console-read,power" (or "all"): VCM_EINVAL names nothing known or
 * has an empty item. */
int	vcmctl_parse_rights(const char *, unsigned *mask);
/* The API's array of right names for a mask (new reference). */
json_t	*vcmctl_rights_json(unsigned mask);

/*
 * Appends comma-separated CIDRs of s to list (which holds *n of at most
 * max); each 1..VCM_CIDR_STR_MAX bytes of [0-9a-fA-F.:/]. VCM_EINVAL,
 * or VCM_ENOSPC beyond max. The pointers point into s (which is
 * modified: commas become NULs).
 */
int	vcmctl_parse_sources(char *s, const char **list, size_t max,
	    size_t *n);

/*
 * An API path: "/v1/" coll ["/" id ["/" sub]]; id 0 leaves it (and
 * sub) out. VCM_ENOSPC if it does not fit, VCM_EINVAL for a bad part.
 */
int	vcmctl_path(char *buf, size_t len, const char *coll, int64_t id,
	    const char *sub);

/*
 * The first line of a secret file (an API key, a grant token, a BMC
 * password, Kg), without its line end, into buf (wiped on failure).
 * The file must be a regular file of at most VCM_CTL_SECRET_FILE_MAX
 * bytes. *loose is set when group or others may read or write it.
 * 0, VCM_EIO (open/read, errno kept), VCM_EINVAL (not a regular file,
 * a NUL byte), VCM_ENOSPC (too long for buf or the limit).
 */
int	vcmctl_secret_read(const char *path, char *buf, size_t cap,
	    int *loose);

/*
 * Sums Prometheus text exposition by metric name: out gets one member
 * per name, {"series": N, "sum": X}. Comment and malformed lines are
 * skipped. Returns the number of samples read.
 */
size_t	vcmctl_metrics_summary(const char *text, size_t len, json_t *out);

#endif
