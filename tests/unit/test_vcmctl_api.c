/*
 * vcmctl's API client and subcommands, the parts that need no server
 * (src/vcmctl/api_client.c, api_cmds.c, output.c): argument parsers,
 * URL and path building, the bounded response buffer, secret files,
 * tables and object output, the /metrics summary, the error line, and
 * the usage errors of vcmctl_api_main (exit 2 before any request).
 * tests/integration/vcmctl-api.sh drives the real vcmd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcmctl/api_client.h"
#include "vcmctl/api_cmds.h"
#include "vcmctl/output.h"
#include "test.h"

static uint32_t
dur(const char *s, int *rc)
{
	uint32_t v = 0xdeadbeef;

	*rc = vcmctl_parse_duration(s, VCM_GRANT_MAX_LIMIT_S, &v);
	return v;
}

static void
durations(void)
{
	int rc;

	CHECK_INT(dur("2h", &rc), 7200);
	CHECK_INT(rc, 0);
	CHECK_INT(dur("90m", &rc), 5400);
	CHECK_INT(rc, 0);
	CHECK_INT(dur("3600s", &rc), 3600);
	CHECK_INT(rc, 0);
	CHECK_INT(dur("1h30m", &rc), 5400);
	CHECK_INT(rc, 0);
	CHECK_INT(dur("1d2h3m4s", &rc), 86400 + 7200 + 180 + 4);
	CHECK_INT(rc, 0);
	CHECK_INT(dur("45", &rc), 45);		/* bare seconds */
	CHECK_INT(rc, 0);
	CHECK_INT(dur("30d", &rc), VCM_GRANT_MAX_LIMIT_S);
	CHECK_INT(rc, 0);
	/* Failures leave the result alone. */
	CHECK_INT(dur("31d", &rc), 0xdeadbeef);
	CHECK_INT(rc, VCM_ERANGE);
	(void)dur("2592001s", &rc);
	CHECK_INT(rc, VCM_ERANGE);
	(void)dur("0s", &rc);
	CHECK_INT(rc, VCM_ERANGE);
	(void)dur("0", &rc);
	CHECK_INT(rc, VCM_ERANGE);
	(void)dur("99999999999999999999999s", &rc);
	CHECK_INT(rc, VCM_ERANGE);
	(void)dur("", &rc);
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur("h", &rc);
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur("2x", &rc);
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur("2H", &rc);
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur("1m1h", &rc);			/* out of order */
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur("1h1h", &rc);			/* repeated */
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur("1h30", &rc);			/* bare number after a unit */
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur("-1h", &rc);
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur("2h ", &rc);
	CHECK_INT(rc, VCM_EINVAL);
	(void)dur(" 2h", &rc);
	CHECK_INT(rc, VCM_EINVAL);
}

static void
sizes(void)
{
	unsigned c = 0, r = 0;

	CHECK_INT(vcmctl_parse_size("80x25", &c, &r), 0);
	CHECK_INT(c, 80);
	CHECK_INT(r, 25);
	CHECK_INT(vcmctl_parse_size("320x120", &c, &r), 0);
	CHECK_INT(c, VCM_CONSOLE_COLS_MAX);
	CHECK_INT(r, VCM_CONSOLE_ROWS_MAX);
	CHECK_INT(vcmctl_parse_size("40x10", &c, &r), 0);
	CHECK_INT(vcmctl_parse_size("39x25", &c, &r), VCM_ERANGE);
	CHECK_INT(vcmctl_parse_size("321x25", &c, &r), VCM_ERANGE);
	CHECK_INT(vcmctl_parse_size("80x9", &c, &r), VCM_ERANGE);
	CHECK_INT(vcmctl_parse_size("80x121", &c, &r), VCM_ERANGE);
	CHECK_INT(vcmctl_parse_size("80X25", &c, &r), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_size("80x", &c, &r), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_size("x25", &c, &r), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_size("80x25x3", &c, &r), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_size("80 x25", &c, &r), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_size("+80x25", &c, &r), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_size("", &c, &r), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_size("8000000000000000000x25", &c, &r),
	    VCM_EINVAL);
	/* Unchanged by the failures. */
	CHECK_INT(c, 40);
	CHECK_INT(r, 10);
}

static void
rights(void)
{
	unsigned m = 0;
	json_t *a;
	char *s;

	CHECK_INT(vcmctl_parse_rights("console-read,power", &m), 0);
	CHECK_INT(m, VCMCTL_RIGHT_CONSOLE_READ | VCMCTL_RIGHT_POWER);
	CHECK_INT(vcmctl_parse_rights("console-write", &m), 0);
	CHECK_INT(m, VCMCTL_RIGHT_CONSOLE_WRITE);
	CHECK_INT(vcmctl_parse_rights("all", &m), 0);
	CHECK_INT(m, VCMCTL_RIGHTS_ALL);
	CHECK_INT(vcmctl_parse_rights("power,power", &m), 0);
	CHECK_INT(m, VCMCTL_RIGHT_POWER);
	m = 99;
	CHECK_INT(vcmctl_parse_rights("", &m), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_rights("power,", &m), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_rights(",power", &m), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_rights("Power", &m), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_rights("console", &m), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_rights("console-read,all", &m), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_rights("power ", &m), VCM_EINVAL);
	CHECK_INT(m, 99);
	/* The API's array, in the API's order whatever the input's. */
	REQUIRE((a = vcmctl_rights_json(VCMCTL_RIGHT_POWER |
	    VCMCTL_RIGHT_CONSOLE_READ)) != NULL);
	s = json_dumps(a, JSON_COMPACT);
	CHECK(s != NULL && strcmp(s, "[\"console-read\",\"power\"]") == 0);
	free(s);
	json_decref(a);
	a = vcmctl_rights_json(VCMCTL_RIGHTS_ALL);
	CHECK_INT(json_array_size(a), 3);
	json_decref(a);
}

static void
ids_and_numbers(void)
{
	int64_t id = 0;
	unsigned long v = 0;

	CHECK_INT(vcmctl_parse_id("1", &id), 0);
	CHECK_INT(id, 1);
	CHECK_INT(vcmctl_parse_id("9223372036854775807", &id), 0);
	CHECK(id == INT64_MAX);
	CHECK_INT(vcmctl_parse_id("9223372036854775808", &id), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_id("0", &id), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_id("01", &id), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_id("-1", &id), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_id("1x", &id), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_id("1/../2", &id), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_id("", &id), VCM_EINVAL);
	CHECK(id == INT64_MAX);
	CHECK_INT(vcmctl_parse_uint("623", 1, 65535, &v), 0);
	CHECK_INT(v, 623);
	CHECK_INT(vcmctl_parse_uint("0", 1, 65535, &v), VCM_ERANGE);
	CHECK_INT(vcmctl_parse_uint("65536", 1, 65535, &v), VCM_ERANGE);
	CHECK_INT(vcmctl_parse_uint("12a", 1, 65535, &v), VCM_EINVAL);
	CHECK_INT(vcmctl_parse_uint(" 1", 1, 65535, &v), VCM_EINVAL);
	CHECK_INT(v, 623);
}

static void
sources(void)
{
	const char *l[VCM_GRANT_SOURCES_MAX + 2];
	char a[] = "198.51.100.0/24,2001:db8::/32";
	char b[] = "198.51.100.0/8";
	char bad1[] = "198.51.100.0/8,", bad2[] = "198.51.100.0/8 ", bad3[] = "x/8";
	char many[VCM_GRANT_SOURCES_MAX * 12 + 16];
	size_t n = 0, i, off = 0;

	CHECK_INT(vcmctl_parse_sources(a, l, VCM_GRANT_SOURCES_MAX, &n), 0);
	CHECK_INT(vcmctl_parse_sources(b, l, VCM_GRANT_SOURCES_MAX, &n), 0);
	REQUIRE(n == 3);
	CHECK(strcmp(l[0], "198.51.100.0/24") == 0);
	CHECK(strcmp(l[1], "2001:db8::/32") == 0);
	CHECK(strcmp(l[2], "198.51.100.0/8") == 0);
	n = 0;
	CHECK_INT(vcmctl_parse_sources(bad1, l, VCM_GRANT_SOURCES_MAX, &n),
	    VCM_EINVAL);
	n = 0;
	CHECK_INT(vcmctl_parse_sources(bad2, l, VCM_GRANT_SOURCES_MAX, &n),
	    VCM_EINVAL);
	n = 0;
	CHECK_INT(vcmctl_parse_sources(bad3, l, VCM_GRANT_SOURCES_MAX, &n),
	    VCM_EINVAL);
	for (i = 0; i <= VCM_GRANT_SOURCES_MAX; i++)
		off += (size_t)snprintf(many + off, sizeof(many) - off,
		    "%s10.%zu.0.0/16", i ? "," : "", i);
	n = 0;
	CHECK_INT(vcmctl_parse_sources(many, l, VCM_GRANT_SOURCES_MAX, &n),
	    VCM_ENOSPC);
	CHECK_INT(n, VCM_GRANT_SOURCES_MAX);
}

static void
paths(void)
{
	char p[64];

	CHECK_INT(vcmctl_path(p, sizeof(p), "bmcs", 0, NULL), 0);
	CHECK(strcmp(p, "/v1/bmcs") == 0);
	CHECK_INT(vcmctl_path(p, sizeof(p), "bmcs", 3, NULL), 0);
	CHECK(strcmp(p, "/v1/bmcs/3") == 0);
	CHECK_INT(vcmctl_path(p, sizeof(p), "grants", INT64_MAX, "console"),
	    0);
	CHECK(strcmp(p, "/v1/grants/9223372036854775807/console") == 0);
	CHECK_INT(vcmctl_path(p, sizeof(p), "servers", 12, "power"), 0);
	CHECK(strcmp(p, "/v1/servers/12/power") == 0);
	CHECK_INT(vcmctl_path(p, sizeof(p), "grants", 0, "console"),
	    VCM_EINVAL);
	CHECK_INT(vcmctl_path(p, sizeof(p), "grants", 1, "../keys"),
	    VCM_EINVAL);
	CHECK_INT(vcmctl_path(p, sizeof(p), "a/b", 1, NULL), VCM_EINVAL);
	CHECK_INT(vcmctl_path(p, sizeof(p), "bmcs", -1, NULL), VCM_EINVAL);
	CHECK_INT(vcmctl_path(p, 12, "grants", 123456, "extend"),
	    VCM_ENOSPC);
}

/* A URL from the builder, "" on failure; rc in *rc. */
static char U[512];

static const char *
url(const char *base, const char *path, const struct vcmctl_param *p,
    size_t n, int *rc)
{
	char *u = NULL;

	U[0] = '\0';
	*rc = vcmctl_url_build(base, path, p, n, &u);
	if (u != NULL) {
		(void)snprintf(U, sizeof(U), "%s", u);
		free(u);
	}
	return U;
}

static void
urls(void)
{
	const struct vcmctl_param q[] = {
		{ "since", "2026-11-25T16:00:00+01:00" },
		{ "cursor", NULL },		/* left out */
		{ "tenant_id", "3" },
		{ "name", "a b&c=d/e?f#g%" },
	};
	int rc;

	CHECK(strcmp(url("https://127.0.0.1:8443", "/v1/bmcs/3", NULL, 0,
	    &rc), "https://127.0.0.1:8443/v1/bmcs/3") == 0);
	CHECK_INT(rc, 0);
	/* A trailing slash or a path prefix on the base. */
	CHECK(strcmp(url("https://127.0.0.1:8443/", "/v1/sites", NULL, 0,
	    &rc), "https://127.0.0.1:8443/v1/sites") == 0);
	CHECK(strcmp(url("https://vcm.example/api//", "/v1/sites", NULL, 0,
	    &rc), "https://vcm.example/api/v1/sites") == 0);
	CHECK(strcmp(url("HTTPS://[::1]:8443", "/v1/health", NULL, 0, &rc),
	    "https://[::1]:8443/v1/health") == 0);
	CHECK_INT(rc, 0);
	/* Every value percent-encoded; names and the '=' as they are. */
	url("https://127.0.0.1:8443", "/v1/audit", q, 4, &rc);
	CHECK_INT(rc, 0);
	printf("#   %s\n", U);
	CHECK(strcasecmp(U, "https://127.0.0.1:8443/v1/audit?"
	    "since=2026-11-25T16%3a00%3a00%2b01%3a00&tenant_id=3&"
	    "name=a+b%26c%3dd%2fe%3ff%23g%25") == 0);
	/* No clear text, no query or fragment in the base, a rooted path. */
	url("http://127.0.0.1:8080", "/v1/sites", NULL, 0, &rc);
	CHECK_INT(rc, VCM_EINVAL);
	CHECK(U[0] == '\0');
	url("ftp://127.0.0.1", "/v1/sites", NULL, 0, &rc);
	CHECK_INT(rc, VCM_EINVAL);
	url("127.0.0.1:8443", "/v1/sites", NULL, 0, &rc);
	CHECK_INT(rc, VCM_EINVAL);
	url("https://127.0.0.1:8443/?x=1", "/v1/sites", NULL, 0, &rc);
	CHECK_INT(rc, VCM_EINVAL);
	url("https://127.0.0.1:8443#f", "/v1/sites", NULL, 0, &rc);
	CHECK_INT(rc, VCM_EINVAL);
	url("https://127.0.0.1:8443", "v1/sites", NULL, 0, &rc);
	CHECK_INT(rc, VCM_EINVAL);
	url("https://127.0.0.1:8443", "/v1/sites?x=1", NULL, 0, &rc);
	CHECK_INT(rc, VCM_EINVAL);
	url("https://127.0.0.1:99999", "/v1/sites", NULL, 0, &rc);
	CHECK_INT(rc, VCM_EINVAL);
}

static void
tokens(void)
{
	char t[VCM_TOKEN_STR_MAX + 2];

	CHECK_INT(vcmctl_token_check("vcmk_0123456789abcdefghijABCDEFGHIJ-_"
	    "xyzXYZ0123"), 0);
	CHECK_INT(vcmctl_token_check(""), VCM_EINVAL);
	CHECK_INT(vcmctl_token_check("vcmk_abc\r\nX-Evil: 1"), VCM_EINVAL);
	CHECK_INT(vcmctl_token_check("vcmk_abc def"), VCM_EINVAL);
	CHECK_INT(vcmctl_token_check("vcmk_abc="), VCM_EINVAL);
	memset(t, 'a', VCM_TOKEN_STR_MAX);
	t[VCM_TOKEN_STR_MAX] = '\0';
	CHECK_INT(vcmctl_token_check(t), 0);
	t[VCM_TOKEN_STR_MAX] = 'a';
	t[VCM_TOKEN_STR_MAX + 1] = '\0';
	CHECK_INT(vcmctl_token_check(t), VCM_EINVAL);
}

/* The response buffer: the write callback's bound. */
static void
response_bound(void)
{
	struct vcmctl_buf b;
	char *chunk;

	vcmctl_buf_init(&b, 10);
	CHECK_INT(vcmctl_buf_append(&b, "012345", 6), 0);
	CHECK_INT(vcmctl_buf_append(&b, "6789", 4), 0);
	CHECK_INT(b.len, 10);
	CHECK(strcmp(b.p, "0123456789") == 0);
	/* One byte over: refused, what was there stays. */
	CHECK_INT(vcmctl_buf_append(&b, "x", 1), VCM_ENOSPC);
	CHECK_INT(b.len, 10);
	CHECK(strcmp(b.p, "0123456789") == 0);
	CHECK_INT(vcmctl_buf_append(&b, "", 0), 0);
	vcmctl_buf_free(&b);
	CHECK(b.p == NULL && b.len == 0 && b.max == 10);
	CHECK_INT(vcmctl_buf_append(&b, "0123456789a", 11), VCM_ENOSPC);
	CHECK_INT(vcmctl_buf_append(&b, "x", SIZE_MAX), VCM_ENOSPC);
	vcmctl_buf_free(&b);

	/* The real bound, in curl-sized pieces. */
	REQUIRE((chunk = malloc(16384)) != NULL);
	memset(chunk, 'j', 16384);
	vcmctl_buf_init(&b, VCM_CTL_RESPONSE_MAX);
	while (b.len + 16384 <= VCM_CTL_RESPONSE_MAX)
		if (vcmctl_buf_append(&b, chunk, 16384) != 0)
			break;
	CHECK_INT(b.len, VCM_CTL_RESPONSE_MAX);
	CHECK_INT(vcmctl_buf_append(&b, chunk, 1), VCM_ENOSPC);
	CHECK(b.alloc <= (size_t)VCM_CTL_RESPONSE_MAX + 1);
	CHECK(b.p[b.len] == '\0');
	vcmctl_buf_free(&b);
	free(chunk);
}

static void
reply_errors(void)
{
	struct vcmctl_reply r;
	char line[256];

	memset(&r, 0, sizeof(r));
	r.status = 404;
	r.json = json_loads("{\"error\":{\"code\":\"not_found\","
	    "\"message\":\"no such server\"}}", 0, NULL);
	vcmctl_reply_error(&r, line, sizeof(line));
	CHECK(strcmp(line, "404 not_found: no such server") == 0);
	json_decref(r.json);
	/* A hostile message cannot drive the terminal. */
	r.status = 504;
	r.json = json_loads("{\"error\":{\"code\":\"bmc_timeout\","
	    "\"message\":\"timeout in RAKP2\\u001b[2J\\nok 1\"}}", 0, NULL);
	vcmctl_reply_error(&r, line, sizeof(line));
	CHECK(strcmp(line, "504 bmc_timeout: timeout in RAKP2\\e[2J\\nok 1")
	    == 0);
	json_decref(r.json);
	/* No error document: the contract's code for the status. */
	r.status = 502;
	r.json = NULL;
	vcmctl_reply_error(&r, line, sizeof(line));
	CHECK(strcmp(line, "502 bmc_error: (no error document)") == 0);
	r.status = 418;
	vcmctl_reply_error(&r, line, sizeof(line));
	CHECK(strcmp(line, "418 http_error: (no error document)") == 0);
	r.status = 401;
	r.json = json_loads("{\"error\":\"flat\"}", 0, NULL);
	vcmctl_reply_error(&r, line, sizeof(line));
	CHECK(strcmp(line, "401 unauthorized: (no error document)") == 0);
	json_decref(r.json);
}

static void
cleaning(void)
{
	char o[64];

	CHECK_INT(vcmctl_clean("plain", o, sizeof(o)), 5);
	CHECK(strcmp(o, "plain") == 0);
	(void)vcmctl_clean("a\x1b[2Jb\r\n\t\x7f\x01\\", o, sizeof(o));
	CHECK(strcmp(o, "a\\e[2Jb\\r\\n\\t\\x7f\\x01\\\\") == 0);
	/* Cut to fit with a marker, never inside a UTF-8 character. */
	CHECK_INT(vcmctl_clean("abcdefghij", o, 8), 7);
	CHECK(strcmp(o, "abcd...") == 0);
	(void)vcmctl_clean("abc\xc3\xa9\xc3\xa9\xc3\xa9", o, 9);
	CHECK(strcmp(o, "abc\xc3\xa9...") == 0);
	(void)vcmctl_clean("abcd\x01", o, 8);	/* escape would overflow */
	CHECK(strcmp(o, "abcd...") == 0);
	(void)vcmctl_clean("abcdef", o, 7);	/* fits exactly */
	CHECK(strcmp(o, "abcdef") == 0);
	(void)vcmctl_clean("abc", o, 2);
	CHECK(strcmp(o, "a") == 0);
	CHECK_INT(vcmctl_clean("abc", o, 0), 0);
}

static void
values(void)
{
	static const struct {
		const char	*json;
		const char	*text;
	} tab[] = {
		{ "null", "-" }, { "true", "yes" }, { "false", "no" },
		{ "42", "42" }, { "-7", "-7" }, { "1.5", "1.5" },
		{ "\"idle\"", "idle" }, { "\"a\\nb\"", "a\\nb" },
		{ "\"\"", "-" },
		{ "[\"console-read\",\"power\"]", "console-read,power" },
		{ "[]", "-" }, { "[1,2]", "1,2" },
		{ "[{\"a\":1}]", "[{\"a\":1}]" },
		{ "{\"a\":[1]}", "{\"a\":[1]}" },
	};
	char o[128];
	json_t *v;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		v = json_loads(tab[i].json, JSON_DECODE_ANY, NULL);
		REQUIRE(v != NULL);
		(void)vcmctl_value_text(v, o, sizeof(o));
		if (strcmp(o, tab[i].text) != 0) {
			printf("#   %s -> \"%s\", want \"%s\"\n", tab[i].json,
			    o, tab[i].text);
			test_failed = 1;
		}
		json_decref(v);
	}
	(void)vcmctl_value_text(NULL, o, sizeof(o));
	CHECK(strcmp(o, "-") == 0);
}

/* What a printer wrote, via a memory stream. */
static char *M;
static size_t Mlen;

static FILE *
mem_open(void)
{
	free(M);
	M = NULL;
	Mlen = 0;
	return open_memstream(&M, &Mlen);
}

static void
tables(void)
{
	const char *h[] = { "ID", "NAME", "LAST-ERROR" };
	const char *r1[] = { "1", "a", "timeout in RAKP2" };
	const char *r2[] = { "22", "b\xc3\xa9", "" };
	const char *r3[] = { "333", "evil\x1b[31m", NULL };
	struct vcmctl_table *t;
	FILE *f;

	REQUIRE((t = vcmctl_table_new(3, h)) != NULL);
	CHECK_INT(vcmctl_table_rows(t), 0);
	CHECK_INT(vcmctl_table_add(t, r1), 0);
	CHECK_INT(vcmctl_table_add(t, r2), 0);
	CHECK_INT(vcmctl_table_add(t, r3), 0);
	CHECK_INT(vcmctl_table_rows(t), 3);
	REQUIRE((f = mem_open()) != NULL);
	vcmctl_table_print(t, f);
	fclose(f);
	/* Widths in characters (é is one), two blanks between columns,
	 * no trailing blanks, escapes cleaned. */
	REQUIRE(M != NULL);
	if (strcmp(M,
	    "ID   NAME        LAST-ERROR\n"
	    "1    a           timeout in RAKP2\n"
	    "22   b\xc3\xa9\n"
	    "333  evil\\e[31m\n") != 0) {
		printf("#   got:\n%s", M);
		test_failed = 1;
	}
	vcmctl_table_free(t);
	/* Many rows: the table grows. */
	REQUIRE((t = vcmctl_table_new(3, h)) != NULL);
	for (size_t i = 0; i < 1000; i++)
		CHECK_INT(vcmctl_table_add(t, r1), 0);
	CHECK_INT(vcmctl_table_rows(t), 1000);
	vcmctl_table_free(t);
	CHECK(vcmctl_table_new(0, h) == NULL);
}

static void
objects(void)
{
	const char *skip[] = { "token", NULL };
	json_t *o;
	FILE *f;

	o = json_loads("{\"id\":3,\"name\":\"bmc-1\",\"site_id\":null,"
	    "\"health\":{\"reachable\":true,\"sessions_in_use\":1,"
	    "\"last_error\":null},\"rights\":[\"power\"],\"token\":\"x\","
	    "\"empty\":{}}", 0, NULL);
	REQUIRE(o != NULL);
	REQUIRE((f = mem_open()) != NULL);
	vcmctl_print_object(o, f, skip);
	fclose(f);
	CHECK(strcmp(M, "id: 3\nname: bmc-1\nsite_id: -\n"
	    "health.reachable: yes\nhealth.sessions_in_use: 1\n"
	    "health.last_error: -\nrights: power\nempty: {}\n") == 0);
	REQUIRE((f = mem_open()) != NULL);
	vcmctl_print_json(o, f);
	fclose(f);
	json_decref(o);
	/* --json output parses back to the same document. */
	o = json_loads(M, 0, NULL);
	CHECK(o != NULL && json_is_string(json_object_get(o, "token")));
	CHECK(M[Mlen - 1] == '\n');
	json_decref(o);
}

static char Tdir[] = "/tmp/vcm-test-vcmctl.XXXXXX";

static const char *
tfile(const char *name, const void *data, size_t len, mode_t mode)
{
	static char path[256];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/%s", Tdir, name);
	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		printf("#   cannot write %s\n", path);
	if (fd >= 0)
		close(fd);
	(void)chmod(path, mode);
	return path;
}

static void
secret_files(void)
{
	char buf[VCM_TOKEN_STR_MAX + 1], big[VCM_CTL_SECRET_FILE_MAX + 1];
	const char *p;
	int loose = -1;

	REQUIRE(mkdtemp(Tdir) != NULL);
	p = tfile("key", "vcmk_abc\r\nsecond line\n", 21, 0600);
	CHECK_INT(vcmctl_secret_read(p, buf, sizeof(buf), &loose), 0);
	CHECK(strcmp(buf, "vcmk_abc") == 0);
	CHECK_INT(loose, 0);
	p = tfile("loose", "vcmk_abc", 8, 0644);
	CHECK_INT(vcmctl_secret_read(p, buf, sizeof(buf), &loose), 0);
	CHECK(strcmp(buf, "vcmk_abc") == 0);
	CHECK_INT(loose, 1);
	p = tfile("empty", "", 0, 0600);
	CHECK_INT(vcmctl_secret_read(p, buf, sizeof(buf), &loose), 0);
	CHECK(buf[0] == '\0');
	p = tfile("nul", "vcmk\0abc", 8, 0600);
	CHECK_INT(vcmctl_secret_read(p, buf, sizeof(buf), &loose), VCM_EINVAL);
	/* The first line must fit the buffer; the file the limit. */
	p = tfile("short", "0123456789", 10, 0600);
	CHECK_INT(vcmctl_secret_read(p, buf, 10, &loose), VCM_ENOSPC);
	CHECK_INT(vcmctl_secret_read(p, buf, 11, &loose), 0);
	memset(big, 'k', sizeof(big));
	big[0] = '\n';
	p = tfile("big", big, sizeof(big), 0600);
	CHECK_INT(vcmctl_secret_read(p, buf, sizeof(buf), &loose), VCM_ENOSPC);
	p = tfile("limit", big, sizeof(big) - 1, 0600);
	CHECK_INT(vcmctl_secret_read(p, buf, sizeof(buf), &loose), 0);
	CHECK(buf[0] == '\0');
	CHECK_INT(vcmctl_secret_read(Tdir, buf, sizeof(buf), &loose),
	    VCM_EINVAL);
	CHECK_INT(vcmctl_secret_read("/dev/null", buf, sizeof(buf), &loose),
	    VCM_EINVAL);
	errno = 0;
	CHECK_INT(vcmctl_secret_read("/nonexistent/vcm", buf, sizeof(buf),
	    &loose), VCM_EIO);
	CHECK_INT(errno, ENOENT);
	(void)snprintf(big, sizeof(big), "rm -rf '%s'", Tdir);
	CHECK_INT(system(big), 0);
}

static void
metrics(void)
{
	static const char text[] =
	    "# HELP vcm_bmcs BMCs known\n"
	    "# TYPE vcm_bmcs gauge\n"
	    "vcm_bmcs 3\n"
	    "vcm_bmc_reachable{bmc=\"1\",name=\"a\"} 1\n"
	    "vcm_bmc_reachable{bmc=\"2\",name=\"b}\\\"x\"} 1 1700000000000\n"
	    "vcm_bmc_reachable{bmc=\"3\"} 0\n"
	    "vcm_api_requests_total 1234567\n"
	    "vcm_latency_seconds 0.25\n"
	    "vcm_nan NaN\n"
	    "  \n"
	    "garbage line here\n"
	    "vcm_unterminated{a=\"1\" 5\n"
	    "9bad 1\n"
	    "vcm_novalue\n"
	    "vcm_last 7";
	json_t *o, *m;

	REQUIRE((o = json_object()) != NULL);
	CHECK_INT(vcmctl_metrics_summary(text, sizeof(text) - 1, o), 8);
	m = json_object_get(o, "vcm_bmcs");
	CHECK_INT(json_integer_value(json_object_get(m, "series")), 1);
	CHECK_INT(json_integer_value(json_object_get(m, "sum")), 3);
	m = json_object_get(o, "vcm_bmc_reachable");
	CHECK_INT(json_integer_value(json_object_get(m, "series")), 3);
	CHECK_INT(json_integer_value(json_object_get(m, "sum")), 2);
	m = json_object_get(o, "vcm_api_requests_total");
	CHECK_INT(json_integer_value(json_object_get(m, "sum")), 1234567);
	m = json_object_get(o, "vcm_latency_seconds");
	CHECK(json_is_real(json_object_get(m, "sum")) &&
	    json_real_value(json_object_get(m, "sum")) == 0.25);
	m = json_object_get(o, "vcm_nan");
	CHECK_INT(json_integer_value(json_object_get(m, "series")), 1);
	CHECK_INT(json_integer_value(json_object_get(m, "sum")), 0);
	CHECK(json_object_get(o, "vcm_last") != NULL);
	CHECK(json_object_get(o, "garbage") == NULL);
	CHECK(json_object_get(o, "vcm_unterminated") == NULL);
	CHECK(json_object_get(o, "vcm_novalue") == NULL);
	CHECK_INT(json_object_size(o), 6);
	json_decref(o);
}

/* vcmctl_api_main with a NULL-terminated argument list. */
static int
api_main(const char *first, ...)
{
	char *argv[32];
	const char *a;
	va_list ap;
	int argc = 0, rc;

	va_start(ap, first);
	for (a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = strdup(a);
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	rc = vcmctl_api_main(argc, argv);
	while (argc-- > 0)
		free(argv[argc]);
	fflush(stdout);
	return rc;
}

/* Usage errors exit 2 before anything is sent (no server runs here);
 * a refused connection exits 1 and names the URL. */
static void
usage_errors(void)
{
	const char *key;

	(void)unsetenv("VCM_URL");
	(void)unsetenv("VCM_API_KEY");
	(void)unsetenv("VCM_CACERT");
	CHECK(vcmctl_api_has("bmc") && vcmctl_api_has("health"));
	CHECK(!vcmctl_api_has("ipmi") && !vcmctl_api_has("bmcs"));
	CHECK_INT(api_main("bogus", NULL), VCMCTL_EXIT_USAGE);
	CHECK_INT(api_main("bmc", NULL), VCMCTL_EXIT_USAGE);
	CHECK_INT(api_main("bmc", "frob", NULL), VCMCTL_EXIT_USAGE);
	CHECK_INT(api_main("site", "--help", NULL), 0);
	CHECK_INT(api_main("site", "add", NULL), VCMCTL_EXIT_USAGE);
	CHECK_INT(api_main("site", "add", "a", "b", NULL), VCMCTL_EXIT_USAGE);
	CHECK_INT(api_main("site", "list", "--user", "x", NULL),
	    VCMCTL_EXIT_USAGE);
	/* The key is never a command-line argument. */
	CHECK_INT(api_main("site", "list", "--key", "vcmk_x", NULL),
	    VCMCTL_EXIT_USAGE);
	CHECK_INT(api_main("site", "list", "--api-key", "vcmk_x", NULL),
	    VCMCTL_EXIT_USAGE);
	CHECK_INT(api_main("site", "list", "--key=vcmk_x", NULL),
	    VCMCTL_EXIT_USAGE);
	/* An option's value may look like an option. */
	CHECK_INT(api_main("site", "list", "--url", "--json", NULL),
	    VCMCTL_EXIT_USAGE);
	CHECK_INT(api_main("bmc", "add", "n", "127.30.0.1", NULL),
	    VCMCTL_EXIT_USAGE);			/* --user missing */
	CHECK_INT(api_main("site", "list", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_URL", "http://127.30.255.254:1", 1);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("site", "list", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_URL", "https://127.30.255.254:1", 1);
	(void)setenv("VCM_API_KEY", "vcmk_bad key", 1);
	CHECK_INT(api_main("site", "list", NULL), VCMCTL_EXIT_USAGE);
	(void)unsetenv("VCM_API_KEY");
	CHECK_INT(api_main("site", "list", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("bmc", "show", "0", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("server", "list", "--tenant", "x", NULL),
	    VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("server", "add", "--tenant", "1", "--bmc", "2",
	    "--size", "80x5", "s", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("grant", "create", "--server", "1", "--rights",
	    "console", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("grant", "create", "--server", "1",
	    "--expires-in", "2y", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("grant", "extend", "4", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("power", "explode", "--server", "1", NULL),
	    VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("bmc", "add", "n", "127.30.0.1", "--user", "u",
	    "--password-env", "VCM_TEST_NO_SUCH_VAR", NULL),
	    VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	(void)setenv("VCM_TEST_PW", "012345678901234567890", 1);
	CHECK_INT(api_main("bmc", "add", "n", "127.30.0.1", "--user", "u",
	    "--password-env", "VCM_TEST_PW", NULL), VCMCTL_EXIT_USAGE);
	/* The environment's copy of the password is wiped after use. */
	key = getenv("VCM_TEST_PW");
	CHECK(key != NULL && key[0] == '\0');
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("bmc", "set", "3", NULL), VCMCTL_EXIT_USAGE);
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("bmc", "set", "3", "--quirks", "+nosuchquirk",
	    NULL), VCMCTL_EXIT_USAGE);

	/* Well-formed: the request is made and the refusal reported. */
	(void)setenv("VCM_API_KEY", "vcmk_test", 1);
	CHECK_INT(api_main("site", "list", NULL), VCMCTL_EXIT_FAIL);
	/* The key from the environment is wiped once read. */
	key = getenv("VCM_API_KEY");
	CHECK(key != NULL && key[0] == '\0');
	CHECK_INT(api_main("health", NULL), VCMCTL_EXIT_FAIL);
	(void)unsetenv("VCM_URL");
	(void)unsetenv("VCM_API_KEY");
	(void)unsetenv("VCM_TEST_PW");
}

static const struct test_case tests[] = {
	{ "durations: 2h 90m 3600s 1h30m, bounds, syntax", durations },
	{ "console sizes COLSxROWS within limits.h", sizes },
	{ "grant rights lists and their JSON", rights },
	{ "ids and bounded numbers", ids_and_numbers },
	{ "source CIDR lists, bounded", sources },
	{ "API paths with ids", paths },
	{ "URLs: base forms, https only, query escaping", urls },
	{ "bearer tokens: charset and length", tokens },
	{ "response size bound (write callback buffer)", response_bound },
	{ "error lines from error documents", reply_errors },
	{ "cleaning server text for the terminal", cleaning },
	{ "JSON values as cell text", values },
	{ "tables: widths, UTF-8, no trailing blanks", tables },
	{ "objects as key: value lines, --json", objects },
	{ "secret files: first line, permissions, bounds", secret_files },
	{ "/metrics summary", metrics },
	{ "vcmctl_api_main: usage errors, refused connection", usage_errors },
};

TEST_MAIN(tests)
