/*
 * Strict JSON input (src/vcmd/jsonin.c): the depth pre-scan (brackets
 * inside strings and escapes), parse errors, duplicates, trailing
 * bytes, non-objects, and the field reader's messages for unknown,
 * missing, wrong-type and too-long fields, string arrays and times.
 */
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcmd/jsonin.h"
#include "test.h"

static json_t *
parse(const char *text, char *err, size_t errsz)
{
	return jsonin_parse(text, strlen(text), err, errsz);
}

static void
test_depth(void)
{
	char deep[64];
	size_t i;

	CHECK_INT(jsonin_depth_ok("{}", 2, 1), 1);
	CHECK_INT(jsonin_depth_ok("{\"a\":{}}", 8, 1), 0);
	CHECK_INT(jsonin_depth_ok("{\"a\":{}}", 8, 2), 1);
	/* Brackets inside strings, escaped quotes, do not count. */
	CHECK_INT(jsonin_depth_ok("{\"a\":\"[[[[{{{{\"}", 16, 1), 1);
	CHECK_INT(jsonin_depth_ok("{\"a\":\"\\\"[[[[\"}", 14, 1), 1);
	CHECK_INT(jsonin_depth_ok("{\"a\\\\\":[[1]]}", 13, 2), 0);
	/* Siblings do not add up. */
	CHECK_INT(jsonin_depth_ok("[[],[],[[]]]", 12, 3), 1);
	CHECK_INT(jsonin_depth_ok("[[],[],[[[]]]]", 14, 3), 0);
	/* Stray closers cannot buy depth. */
	CHECK_INT(jsonin_depth_ok("]]]]]]]][[[", 11, 2), 0);
	/* Only len bytes are read. */
	memset(deep, '[', sizeof(deep));
	CHECK_INT(jsonin_depth_ok(deep, 8, 8), 1);
	CHECK_INT(jsonin_depth_ok(deep, 9, 8), 0);
	CHECK_INT(jsonin_depth_ok(NULL, 0, 8), 1);
	for (i = 0; i < 16; i++)
		deep[i] = i < 8 ? '[' : ']';
	CHECK_INT(jsonin_depth_ok(deep, 16, VCM_JSON_DEPTH_MAX), 1);
}

static void
test_parse(void)
{
	char err[200], big[4096];
	json_t *j;
	size_t i, k;

	j = parse("{\"name\":\"a\",\"n\":1}", err, sizeof(err));
	REQUIRE(j != NULL);
	CHECK(json_is_object(j));
	json_decref(j);
	CHECK(parse("", err, sizeof(err)) == NULL);
	CHECK(strcmp(err, "empty body: a JSON object is required") == 0);
	CHECK(parse("[1,2]", err, sizeof(err)) == NULL);
	CHECK(strcmp(err, "the body must be a JSON object") == 0);
	/* jansson refuses a bare scalar itself. */
	CHECK(parse("\"x\"", err, sizeof(err)) == NULL);
	CHECK(strncmp(err, "invalid JSON", 12) == 0);
	CHECK(parse("{\"a\":1,\"a\":2}", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "duplicate object key") != NULL);
	CHECK(parse("{\"a\":1} x", err, sizeof(err)) == NULL);
	CHECK(strncmp(err, "invalid JSON at line 1", 22) == 0);
	CHECK(parse("{\"a\":1}{}", err, sizeof(err)) == NULL);
	CHECK(parse("{\"a\":}", err, sizeof(err)) == NULL);
	CHECK(parse("{'a':1}", err, sizeof(err)) == NULL);
	CHECK(parse("{\"a\":\"\\u0000\"}", err, sizeof(err)) == NULL);
	CHECK(parse("{\"a\":\"\xff\"}", err, sizeof(err)) == NULL);
	CHECK(strncmp(err, "invalid JSON", 12) == 0);
	/* Messages stay printable whatever the input held. */
	for (i = 0; err[i] != '\0'; i++)
		CHECK((unsigned char)err[i] >= 0x20 &&
		    (unsigned char)err[i] < 0x7f);
	/* A NUL byte inside the given length is an error, not an end. */
	CHECK(jsonin_parse("{}\0garbage", 10, err, sizeof(err)) == NULL);
	/* Depth: VCM_JSON_DEPTH_MAX is fine, one more is refused first. */
	for (i = 0; i < VCM_JSON_DEPTH_MAX - 1; i++)
		memcpy(big + 6 * i, "{\"a\": ", 6);
	big[6 * i] = '{';
	big[6 * i + 1] = '}';
	for (k = 0; k < VCM_JSON_DEPTH_MAX - 1; k++)
		big[6 * i + 2 + k] = '}';
	big[6 * i + 2 + VCM_JSON_DEPTH_MAX - 1] = '\0';
	j = parse(big, err, sizeof(err));
	CHECK(j != NULL);
	json_decref(j);
	memset(big, '[', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 1] = '\0';
	CHECK(parse(big, err, sizeof(err)) == NULL);
	CHECK(strcmp(err, "JSON nested deeper than 8 levels") == 0);
	memcpy(big, "{\"a\":", 5);
	for (i = 5; i < 5 + VCM_JSON_DEPTH_MAX; i++)
		big[i] = '[';
	big[i] = '\0';
	CHECK(parse(big, err, sizeof(err)) == NULL);
	CHECK(strcmp(err, "JSON nested deeper than 8 levels") == 0);
}

struct grant_req {
	int64_t		server_id;
	char		rights[64];
	int64_t		expires;
	int64_t		expires_in;
	char		name[8];
	int		flag;
	int		has_expires, has_expires_in, has_name, has_flag;
	int		has_rights;
};

static int
read_grant(const char *text, struct grant_req *g, char *err, size_t errsz)
{
	struct jsonin_field f[] = {
		{ "server_id", JSONIN_INT, 1, &g->server_id, 0, NULL },
		{ "rights", JSONIN_STRARR, 0, g->rights, sizeof(g->rights),
		  &g->has_rights },
		{ "expires", JSONIN_TIME, 0, &g->expires, 0, &g->has_expires },
		{ "expires_in", JSONIN_INT, 0, &g->expires_in, 0,
		  &g->has_expires_in },
		{ "name", JSONIN_STR | JSONIN_NULL_OK, 0, g->name,
		  sizeof(g->name), &g->has_name },
		{ "flag", JSONIN_BOOL, 0, &g->flag, 0, &g->has_flag },
	};
	json_t *j;
	int rc;

	memset(g, 0, sizeof(*g));
	if ((j = jsonin_parse(text, strlen(text), err, errsz)) == NULL)
		return -100;
	rc = jsonin_read(j, f, sizeof(f) / sizeof(f[0]), err, errsz);
	json_decref(j);
	return rc;
}

static void
check_read_err(const char *text, const char *want)
{
	struct grant_req g;
	char err[200] = "";

	if (read_grant(text, &g, err, sizeof(err)) != VCM_EINVAL ||
	    strcmp(err, want) != 0) {
		printf("#   %s\n#   err  '%s'\n#   want '%s'\n", text, err, want);
		test_failed = 1;
	}
}

static void
test_read_ok(void)
{
	struct grant_req g;
	char err[200];

	CHECK_INT(read_grant("{\"server_id\":7,\"rights\":[\"console-read\","
	    "\"power\"],\"expires\":\"2026-11-25T17:00:00+01:00\","
	    "\"name\":\"1234567\",\"flag\":true}", &g, err, sizeof(err)), 0);
	CHECK_INT(g.server_id, 7);
	CHECK(strcmp(g.rights, "console-read,power") == 0);
	CHECK_INT(g.has_rights, 1);
	CHECK_INT(g.expires, 1795622400000LL);
	CHECK_INT(g.has_expires, 1);
	CHECK_INT(g.has_expires_in, 0);
	CHECK(strcmp(g.name, "1234567") == 0);
	CHECK_INT(g.flag, 1);
	CHECK_INT(g.has_flag, 1);
	/* Optional fields absent; an empty array; null where allowed. */
	CHECK_INT(read_grant("{\"server_id\":-3,\"rights\":[],\"name\":null,"
	    "\"flag\":false}", &g, err, sizeof(err)), 0);
	CHECK_INT(g.server_id, -3);
	CHECK(strcmp(g.rights, "") == 0);
	CHECK_INT(g.has_rights, 1);
	CHECK_INT(g.has_name, JSONIN_PRESENT_NULL);
	CHECK_INT(g.has_flag, 1);
	CHECK_INT(g.flag, 0);
	CHECK_INT(g.has_expires, 0);
	/* Unicode passes through as UTF-8 (7 bytes fit in name[8]). */
	CHECK_INT(read_grant("{\"server_id\":1,\"name\":\"\\u00e9t\\u00e9x\"}",
	    &g, err, sizeof(err)), 0);
	CHECK(strcmp(g.name, "\xc3\xa9t\xc3\xa9x") == 0);
}

static void
test_read_errors(void)
{
	check_read_err("{}", "field 'server_id' is required");
	check_read_err("{\"server_id\":null}", "field 'server_id' must be an "
	    "integer");
	check_read_err("{\"server_id\":1,\"srever\":2}",
	    "unknown field 'srever'");
	check_read_err("{\"server_id\":1,\"\\u00e9\\n'x\":2}",
	    "unknown field '????x'");
	check_read_err("{\"server_id\":1,\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\":2}", "unknown field "
	    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
	check_read_err("{\"server_id\":\"7\"}", "field 'server_id' must be an "
	    "integer");
	check_read_err("{\"server_id\":7.0}", "field 'server_id' must be an "
	    "integer");
	check_read_err("{\"server_id\":true}", "field 'server_id' must be an "
	    "integer");
	check_read_err("{\"server_id\":1,\"name\":5}", "field 'name' must be "
	    "a string");
	check_read_err("{\"server_id\":1,\"name\":\"12345678\"}", "field 'name'"
	    " is too long (at most 7 characters)");
	check_read_err("{\"server_id\":1,\"flag\":1}", "field 'flag' must be "
	    "true or false");
	check_read_err("{\"server_id\":1,\"flag\":null}", "field 'flag' must "
	    "be true or false");
	check_read_err("{\"server_id\":1,\"rights\":\"power\"}", "field "
	    "'rights' must be an array of strings");
	check_read_err("{\"server_id\":1,\"rights\":[\"power\",1]}", "field "
	    "'rights' must be an array of strings");
	check_read_err("{\"server_id\":1,\"rights\":[[\"power\"]]}", "field "
	    "'rights' must be an array of strings");
	check_read_err("{\"server_id\":1,\"rights\":[\"a,b\"]}", "field "
	    "'rights': elements must be non-empty and without ','");
	check_read_err("{\"server_id\":1,\"rights\":[\"\"]}", "field "
	    "'rights': elements must be non-empty and without ','");
	check_read_err("{\"server_id\":1,\"rights\":[\"aaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaa\",\"bbbbbbbbbbbbbbbbbbbbbbbbbbb\"]}", "field 'rights' "
	    "is too long (at most 63 characters in all)");
	check_read_err("{\"server_id\":1,\"expires\":\"2026-02-30T00:00:00Z\"}",
	    "field 'expires' must be an RFC 3339 time like "
	    "\"2026-11-25T16:00:00Z\"");
	check_read_err("{\"server_id\":1,\"expires\":1795622400}", "field "
	    "'expires' must be an RFC 3339 time like \"2026-11-25T16:00:00Z\"");
	check_read_err("{\"server_id\":1,\"expires_in\":1e3}", "field "
	    "'expires_in' must be an integer");
}

static void
test_read_misc(void)
{
	struct jsonin_field f[] = {
		{ "a", 0, 0, NULL, 0, NULL },
	};
	char err[200], s[4];
	int present = 9;
	struct jsonin_field g[] = {
		{ "s", JSONIN_STR, 0, s, sizeof(s), &present },
	};
	json_t *j;

	/* A table entry without a type is a bug, reported, not a crash. */
	j = json_pack("{s:i}", "a", 1);
	REQUIRE(j != NULL);
	CHECK_INT(jsonin_read(j, f, 1, err, sizeof(err)), VCM_EINVAL);
	CHECK(strcmp(err, "internal: field 'a' has no type") == 0);
	json_decref(j);
	j = json_array();
	CHECK_INT(jsonin_read(j, f, 1, err, sizeof(err)), VCM_EINVAL);
	json_decref(j);
	CHECK_INT(jsonin_read(NULL, f, 1, err, sizeof(err)), VCM_EINVAL);
	/* present is cleared when absent. */
	j = json_object();
	CHECK_INT(jsonin_read(j, g, 1, err, sizeof(err)), 0);
	CHECK_INT(present, 0);
	json_decref(j);
	/* Exactly outsz - 1 fits. */
	j = json_pack("{s:s}", "s", "abc");
	CHECK_INT(jsonin_read(j, g, 1, err, sizeof(err)), 0);
	CHECK(strcmp(s, "abc") == 0);
	CHECK_INT(present, 1);
	json_decref(j);
	/* null without JSONIN_NULL_OK is a wrong type. */
	j = json_pack("{s:n}", "s");
	CHECK_INT(jsonin_read(j, g, 1, err, sizeof(err)), VCM_EINVAL);
	CHECK(strcmp(err, "field 's' must be a string") == 0);
	json_decref(j);
}

static const struct test_case tests[] = {
	{ "depth", test_depth },
	{ "parse", test_parse },
	{ "read_ok", test_read_ok },
	{ "read_errors", test_read_errors },
	{ "read_misc", test_read_misc },
};

TEST_MAIN(tests)
