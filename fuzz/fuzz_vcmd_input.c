/*
 * Fuzzes vcmd's parsers of untrusted text (src/vcmd): CIDRs and CIDR
 * lists, RFC 3339 times, query strings, path patterns, JSON bodies
 * through the field reader, and the config file.
 *
 * Input: byte 0 picks the parser ('c' cidr, 'l' cidr list, 't' time,
 * 'q' query, 'p' path, 'j' JSON, 'o' config; any other byte modulo 7),
 * the rest is its text.
 *
 * Invariants: what parses formats back to text that parses to the same
 * value (CIDR, list, time, config); a network matches its own address;
 * a query is malformed for every name or for none; a matched path is
 * its pattern with the captured ids written in; a JSON body that
 * parses passed the depth check; every error message is non-empty
 * printable ASCII and a failed config parse changes nothing.
 */
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcmd/cidr.h"
#include "vcmd/config.h"
#include "vcmd/jsonin.h"
#include "vcmd/query.h"
#include "vcmd/timefmt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Path segments and ids one fuzzed pattern may hold. */
#define FUZZ_IDS_MAX	4

static const char selectors[] = "cltqpjo";

static void
check_msg(const char *err)
{
	size_t i;

	if (err[0] == '\0')
		abort();
	for (i = 0; err[i] != '\0'; i++)
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			abort();
}

static void
fuzz_cidr(const char *s)
{
	struct cidr c, c2;
	char out[VCM_CIDR_STR_MAX + 1], a[INET6_ADDRSTRLEN];

	if (cidr_parse(s, &c) != 0)
		return;
	if ((c.family != 4 && c.family != 6) ||
	    c.prefix > (c.family == 4 ? 32 : 128))
		abort();
	if (cidr_format(&c, out, sizeof(out)) <= 0)
		abort();
	if (cidr_parse(out, &c2) != 0 || memcmp(&c, &c2, sizeof(c)) != 0)
		abort();
	if (inet_ntop(c.family == 4 ? AF_INET : AF_INET6, c.addr, a,
	    sizeof(a)) == NULL || cidr_match(&c, a) != 1)
		abort();
	(void)cidr_match(&c, s);
}

static void
fuzz_cidr_list(const char *s)
{
	struct cidr c[VCM_GRANT_SOURCES_MAX], c2[VCM_GRANT_SOURCES_MAX];
	char out[VCM_GRANT_SOURCES_STR_MAX + 1];
	int n, m;

	n = cidr_list_parse(s, c, VCM_GRANT_SOURCES_MAX);
	if (n < 0) {
		if (n != VCM_EINVAL && n != VCM_ERANGE)
			abort();
		return;
	}
	if (n > VCM_GRANT_SOURCES_MAX)
		abort();
	if (cidr_list_format(c, (size_t)n, out, sizeof(out)) < 0)
		abort();
	m = cidr_list_parse(out, c2, VCM_GRANT_SOURCES_MAX);
	if (m != n || memcmp(c, c2, (size_t)n * sizeof(c[0])) != 0)
		abort();
	if (n == 0 && cidr_list_match(c, 0, s) != 1)
		abort();
	(void)cidr_list_match(c, (size_t)n, s);
}

static void
fuzz_time(const char *s, const uint8_t *raw, size_t len)
{
	char out[TIMEFMT_STR_SIZE];
	int64_t ms, back, floor_ms, any = 0;
	size_t n;

	if (len >= sizeof(any)) {
		memcpy(&any, raw, sizeof(any));
		n = timefmt_format(any, out, sizeof(out));
		if (n != 0 && (n != 20 || timefmt_parse(out, &back) != 0 ||
		    back > any || any - back >= 1000))
			abort();
	}
	if (timefmt_parse(s, &ms) != 0)
		return;
	floor_ms = ms - ((ms % 1000) + 1000) % 1000;
	if (timefmt_format(ms, out, sizeof(out)) != 20 ||
	    timefmt_parse(out, &back) != 0 || back != floor_ms)
		abort();
}

static void
fuzz_query(const char *s)
{
	static const char *const names[] = {
		"a", "limit", "cursor", "state", "", "since"
	};
	char out[64];
	int64_t v;
	size_t i, l;
	int r, bad = -1;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(out, 'X', sizeof(out));
		r = query_get(s, names[i], out, sizeof(out));
		if (r != 1 && r != 0 && r != VCM_EINVAL && r != VCM_ENOSPC)
			abort();
		if (r == 1) {
			l = strnlen(out, sizeof(out));
			if (l >= sizeof(out))
				abort();
		} else if (out[0] != '\0')
			abort();
		/* Malformed is a property of the query, not the name. */
		if (bad == -1)
			bad = r == VCM_EINVAL;
		else if (bad != (r == VCM_EINVAL))
			abort();
		r = query_get_i64(s, names[i], &v);
		if (r != 1 && r != 0 && r != VCM_EINVAL)
			abort();
		if (bad && r != VCM_EINVAL)
			abort();
	}
}

static void
fuzz_path(const char *s)
{
	static const char *const patterns[] = {
		"/v1/grants/{id}/console", "/v1/grants/{id}", "/v1/health",
		"/v1/a/{id}/b/{id}", "/{id}"
	};
	char pat[256], rebuilt[600];
	const char *nl, *pattern, *p;
	int64_t ids[FUZZ_IDS_MAX];
	size_t i, k, used;
	int r;

	/* "path\npattern", or a path against the fixed patterns. */
	nl = strchr(s, '\n');
	for (i = 0; i <= sizeof(patterns) / sizeof(patterns[0]); i++) {
		if (i < sizeof(patterns) / sizeof(patterns[0]))
			pattern = patterns[i];
		else if (nl != NULL && strlen(nl + 1) < sizeof(pat)) {
			memcpy(pat, nl + 1, strlen(nl + 1) + 1);
			pattern = pat;
		} else
			break;
		r = path_match(s, pattern, ids, FUZZ_IDS_MAX);
		if (r < -1 || r > FUZZ_IDS_MAX)
			abort();
		if (r < 0)
			continue;
		/* The pattern with its ids written in is the path. */
		used = 0;
		k = 0;
		for (p = pattern; *p != '\0' && used + 24 < sizeof(rebuilt);) {
			if (strncmp(p, "{id}", 4) == 0) {
				if (ids[k] <= 0)
					abort();
				used += (size_t)snprintf(rebuilt + used,
				    sizeof(rebuilt) - used, "%lld",
				    (long long)ids[k++]);
				p += 4;
			} else
				rebuilt[used++] = *p++;
		}
		rebuilt[used] = '\0';
		if ((int)k != r || (*p == '\0' && strcmp(rebuilt, s) != 0))
			abort();
	}
}

static void
fuzz_json(const char *text, size_t len)
{
	char err[256], name[16], arr[64];
	int64_t id, when;
	int flag, pn, pa, pt;
	struct jsonin_field f[] = {
		{ "id", JSONIN_INT, 1, &id, 0, NULL },
		{ "name", JSONIN_STR | JSONIN_NULL_OK, 0, name, sizeof(name),
		  &pn },
		{ "rights", JSONIN_STRARR, 0, arr, sizeof(arr), &pa },
		{ "expires", JSONIN_TIME, 0, &when, 0, &pt },
		{ "flag", JSONIN_BOOL, 0, &flag, 0, NULL },
	};
	json_t *j;

	err[0] = '\0';
	j = jsonin_parse(text, len, err, sizeof(err));
	if (j == NULL) {
		check_msg(err);
		return;
	}
	if (!json_is_object(j) ||
	    !jsonin_depth_ok(text, len, VCM_JSON_DEPTH_MAX))
		abort();
	err[0] = '\0';
	if (jsonin_read(j, f, sizeof(f) / sizeof(f[0]), err, sizeof(err)) != 0)
		check_msg(err);
	else if ((pn == 1 && strlen(name) >= sizeof(name)) ||
	    (pa == 1 && strlen(arr) >= sizeof(arr)))
		abort();
	json_decref(j);
}

/* The config printed to a string (the caller frees it). */
static char *
print_config(const struct vcmd_config *c, size_t *len)
{
	char *buf = NULL;
	FILE *f;

	if ((f = open_memstream(&buf, len)) == NULL)
		abort();
	vcmd_config_print(c, f);
	if (fclose(f) != 0)
		abort();
	return buf;
}

static void
fuzz_config(const char *text, size_t len)
{
	struct vcmd_config c, before, back;
	char err[512], *p1, *p2;
	size_t l1, l2;

	vcmd_config_defaults(&c);
	before = c;
	err[0] = '\0';
	if (vcmd_config_parse(&c, text, len, err, sizeof(err)) != 0) {
		check_msg(err);
		if (memcmp(&c, &before, sizeof(c)) != 0)
			abort();
		return;
	}
	p1 = print_config(&c, &l1);
	vcmd_config_defaults(&back);
	if (vcmd_config_parse(&back, p1, l1, err, sizeof(err)) != 0)
		abort();
	p2 = print_config(&back, &l2);
	if (l1 != l2 || memcmp(p1, p2, l1) != 0)
		abort();
	free(p1);
	free(p2);
	err[0] = '\0';
	if (vcmd_config_finish(&c, err, sizeof(err)) != 0)
		check_msg(err);
	else if (c.db[0] == '\0' || c.public_url[0] == '\0' ||
	    c.allowed_origins[0] == '\0' ||
	    c.grant_default_s > c.grant_max_s)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *sel;
	char *s;
	size_t n;
	int which;

	if (len < 1 || len > VCM_CONFIG_FILE_MAX)
		return 0;
	sel = data[0] != 0 ? strchr(selectors, data[0]) : NULL;
	which = sel != NULL ? (int)(sel - selectors) : data[0] % 7;
	n = len - 1;
	/* NUL-terminated copy; the JSON and config parsers get the length. */
	if ((s = malloc(n + 1)) == NULL)
		return 0;
	memcpy(s, data + 1, n);
	s[n] = '\0';
	switch (which) {
	case 0:
		fuzz_cidr(s);
		break;
	case 1:
		fuzz_cidr_list(s);
		break;
	case 2:
		fuzz_time(s, data + 1, n);
		break;
	case 3:
		fuzz_query(s);
		break;
	case 4:
		fuzz_path(s);
		break;
	case 5:
		fuzz_json(s, n);
		break;
	default:
		fuzz_config(s, n);
		break;
	}
	free(s);
	return 0;
}
