/*
 * Query strings and paths (src/vcmd/query.c): percent and '+' decoding,
 * first value wins, malformed anywhere is malformed everywhere, %00,
 * raw bytes, buffer sizes, integer edges, and path patterns with ids.
 */
#include <stdint.h>
#include <string.h>

#include "vcm/err.h"
#include "vcmd/query.h"
#include "test.h"

static void
check_get(const char *q, const char *name, int want, const char *val)
{
	char out[64];
	int r;

	memset(out, 'X', sizeof(out));
	r = query_get(q, name, out, sizeof(out));
	if (r != want || (want == 1 && strcmp(out, val) != 0)) {
		printf("#   query_get('%s', '%s') = %d '%s', want %d '%s'\n",
		    q != NULL ? q : "(null)", name, r, r == 1 ? out : "",
		    want, val);
		test_failed = 1;
	}
	if (want != 1)
		CHECK_INT(out[0], '\0');
}

static void
test_decode(void)
{
	check_get("limit=10&cursor=5", "limit", 1, "10");
	check_get("limit=10&cursor=5", "cursor", 1, "5");
	check_get("limit=10&cursor=5", "state", 0, "");
	check_get("a=hello+world", "a", 1, "hello world");
	check_get("a=%41%62%2B%2b%26%3d%25", "a", 1, "Ab++&=%");
	check_get("a=%c3%a9", "a", 1, "\xc3\xa9");
	check_get("a=1=2", "a", 1, "1=2");
	check_get("a=", "a", 1, "");
	check_get("a", "a", 1, "");
	check_get("a&b=2", "b", 1, "2");
	/* The first of repeated names wins. */
	check_get("a=1&a=2", "a", 1, "1");
	/* Names are decoded too, and compared whole. */
	check_get("st%61te=live", "state", 1, "live");
	check_get("state_x=1&state=2", "state", 1, "2");
	check_get("stat=1", "state", 0, "");
	check_get("STATE=1", "state", 0, "");
	check_get("=5", "", 1, "5");
	/* Empty pairs are skipped; "" is no query. */
	check_get("&&a=1&", "a", 1, "1");
	check_get("", "a", 0, "");
	check_get(NULL, "a", 0, "");
}

static void
test_malformed(void)
{
	/* Malformed anywhere: every lookup says so. */
	check_get("a=1&b=%zz", "a", VCM_EINVAL, "");
	check_get("a=%4", "a", VCM_EINVAL, "");
	check_get("a=%", "a", VCM_EINVAL, "");
	check_get("a=1&b=%", "x", VCM_EINVAL, "");
	check_get("a=%00", "a", VCM_EINVAL, "");
	check_get("a%00b=1", "a", VCM_EINVAL, "");
	check_get("a=1 2", "a", VCM_EINVAL, "");
	check_get("a=1\t", "a", VCM_EINVAL, "");
	check_get("a=\x7f", "a", VCM_EINVAL, "");
	check_get("a=\xc3\xa9", "a", VCM_EINVAL, "");
	check_get("a=1\n", "a", VCM_EINVAL, "");
	check_get("a=%-1", "a", VCM_EINVAL, "");
	check_get("a=%+1", "a", VCM_EINVAL, "");
}

static void
test_sizes(void)
{
	char out[4];

	CHECK_INT(query_get("a=abc", "a", out, 4), 1);
	CHECK(strcmp(out, "abc") == 0);
	CHECK_INT(query_get("a=abcd", "a", out, 4), VCM_ENOSPC);
	CHECK_INT(out[0], '\0');
	/* Three escaped bytes decode to three: they fit. */
	CHECK_INT(query_get("a=%41%42%43", "a", out, 4), 1);
	CHECK(strcmp(out, "ABC") == 0);
	CHECK_INT(query_get("a=", "a", out, 1), 1);
	CHECK_INT(query_get("a=x", "a", out, 1), VCM_ENOSPC);
	CHECK_INT(query_get("a=x", "a", out, 0), VCM_EINVAL);
	CHECK_INT(query_get("a=x", NULL, out, 4), VCM_EINVAL);
}

static void
test_i64(void)
{
	int64_t v = 7;

	CHECK_INT(query_get_i64("limit=100", "limit", &v), 1);
	CHECK_INT(v, 100);
	CHECK_INT(query_get_i64("limit=0", "limit", &v), 1);
	CHECK_INT(v, 0);
	CHECK_INT(query_get_i64("since=-5", "since", &v), 1);
	CHECK_INT(v, -5);
	CHECK_INT(query_get_i64("c=9223372036854775807", "c", &v), 1);
	CHECK(v == INT64_MAX);
	CHECK_INT(query_get_i64("c=-9223372036854775808", "c", &v), 1);
	CHECK(v == INT64_MIN);
	CHECK_INT(query_get_i64("c=%31%32", "c", &v), 1);
	CHECK_INT(v, 12);
	v = 7;
	CHECK_INT(query_get_i64("other=1", "c", &v), 0);
	CHECK_INT(v, 7);
	CHECK_INT(query_get_i64("c=9223372036854775808", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=-9223372036854775809", "c", &v),
	    VCM_EINVAL);
	CHECK_INT(query_get_i64("c=99999999999999999999999999", "c", &v),
	    VCM_EINVAL);
	CHECK_INT(query_get_i64("c=", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=-", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=+5", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=%2B5", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=05", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=-0", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=0x10", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=1e3", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=1+", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=+1", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=1.0", "c", &v), VCM_EINVAL);
	CHECK_INT(query_get_i64("c=1&d=%zz", "c", &v), VCM_EINVAL);
	CHECK_INT(v, 7);
}

static void
test_path_match(void)
{
	int64_t ids[4] = { 0 };

	CHECK_INT(path_match("/v1/health", "/v1/health", ids, 4), 0);
	CHECK_INT(path_match("/v1/grants/12/console",
	    "/v1/grants/{id}/console", ids, 4), 1);
	CHECK_INT(ids[0], 12);
	CHECK_INT(path_match("/v1/a/1/b/9223372036854775807", "/v1/a/{id}/b/{id}",
	    ids, 4), 2);
	CHECK_INT(ids[0], 1);
	CHECK(ids[1] == INT64_MAX);
	CHECK_INT(path_match("/v1/grants/12", "/v1/grants/{id}", ids, 4), 1);
	/* Not ids: zero, leading zeros, signs, too big, letters, empty. */
	CHECK_INT(path_match("/v1/grants/0", "/v1/grants/{id}", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/012", "/v1/grants/{id}", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/-1", "/v1/grants/{id}", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/+1", "/v1/grants/{id}", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/9223372036854775808",
	    "/v1/grants/{id}", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/99999999999999999999999",
	    "/v1/grants/{id}", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/1a", "/v1/grants/{id}", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/%31", "/v1/grants/{id}", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/", "/v1/grants/{id}", ids, 4), -1);
	/* Segments: exact, no trailing slash, no doubled slash, no extra. */
	CHECK_INT(path_match("/v1/grants/12/console/",
	    "/v1/grants/{id}/console", ids, 4), -1);
	CHECK_INT(path_match("/v1/health/", "/v1/health", ids, 4), -1);
	CHECK_INT(path_match("/v1//health", "/v1/health", ids, 4), -1);
	CHECK_INT(path_match("//v1/health", "/v1/health", ids, 4), -1);
	CHECK_INT(path_match("/v1/healthz", "/v1/health", ids, 4), -1);
	CHECK_INT(path_match("/v1/Health", "/v1/health", ids, 4), -1);
	CHECK_INT(path_match("/v1", "/v1/health", ids, 4), -1);
	CHECK_INT(path_match("/v1/health/x", "/v1/health", ids, 4), -1);
	CHECK_INT(path_match("v1/health", "v1/health", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/12/console",
	    "/v1/grants/{id}/power", ids, 4), -1);
	CHECK_INT(path_match("/v1/grants/{id}", "/v1/grants/{id}", ids, 4),
	    -1);
	CHECK_INT(path_match("/", "/", ids, 4), -1);
	CHECK_INT(path_match("", "/v1", ids, 4), -1);
	CHECK_INT(path_match(NULL, "/v1", ids, 4), -1);
	/* More ids than room: no match, never an overflow. */
	CHECK_INT(path_match("/a/1/b/2", "/a/{id}/b/{id}", ids, 1), -1);
	CHECK_INT(path_match("/a/1", "/a/{id}", NULL, 0), -1);
}

static void
test_parse_id(void)
{
	int64_t id = 0;

	CHECK_INT(query_parse_id("42", 2, &id), 0);
	CHECK_INT(id, 42);
	CHECK_INT(query_parse_id("421", 2, &id), 0);
	CHECK_INT(id, 42);
	CHECK_INT(query_parse_id("", 0, &id), VCM_EINVAL);
	CHECK_INT(query_parse_id("0", 1, &id), VCM_EINVAL);
	CHECK_INT(query_parse_id("4x", 2, &id), VCM_EINVAL);
}

static const struct test_case tests[] = {
	{ "decode", test_decode },
	{ "malformed", test_malformed },
	{ "sizes", test_sizes },
	{ "i64", test_i64 },
	{ "path_match", test_path_match },
	{ "parse_id", test_parse_id },
};

TEST_MAIN(tests)
