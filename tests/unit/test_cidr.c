/*
 * Networks (src/vcmd/cidr.c): strict parsing (host bits, prefixes,
 * leading zeros, zones), canonical formatting, lists, and matching of
 * IPv4, IPv6 and IPv4-mapped addresses at prefix edges.
 */
#include <string.h>

#include "vcm/err.h"
#include "vcmd/cidr.h"
#include "test.h"

static void
check_canon(const char *in, const char *want, int fam, int prefix)
{
	struct cidr c;
	char out[VCM_CIDR_STR_MAX + 1];

	if (cidr_parse(in, &c) != 0) {
		printf("#   refused: %s\n", in);
		test_failed = 1;
		return;
	}
	CHECK_INT(c.family, fam);
	CHECK_INT(c.prefix, prefix);
	CHECK_INT(cidr_format(&c, out, sizeof(out)), strlen(want));
	if (strcmp(out, want) != 0) {
		printf("#   %s -> %s, want %s\n", in, out, want);
		test_failed = 1;
	}
}

static void
test_parse_good(void)
{
	check_canon("198.51.100.0/24", "198.51.100.0/24", 4, 24);
	check_canon("198.51.100.7", "198.51.100.7/32", 4, 32);
	check_canon("198.51.100.7/32", "198.51.100.7/32", 4, 32);
	check_canon("0.0.0.0/0", "0.0.0.0/0", 4, 0);
	check_canon("203.0.0.0/8", "203.0.0.0/8", 4, 8);
	check_canon("128.0.0.0/1", "128.0.0.0/1", 4, 1);
	check_canon("2001:db8::/32", "2001:db8::/32", 6, 32);
	check_canon("2001:DB8:0:0::/64", "2001:db8::/64", 6, 64);
	check_canon("::/0", "::/0", 6, 0);
	check_canon("::1", "::1/128", 6, 128);
	check_canon("fe80::/10", "fe80::/10", 6, 10);
	check_canon("::ffff:198.51.100.0/120", "::ffff:198.51.100.0/120", 6,
	    120);
	check_canon("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 6, 128);
}

static void
test_parse_bad(void)
{
	static const char *const bad[] = {
		"", "/", "/24", "198.51.100.0/", "198.51.100.0/33",
		"198.51.100.0/024", "198.51.100.0/+24", "198.51.100.0/-1",
		"198.51.100.0/24 ", " 198.51.100.0/24", "198.51.100.0/2 4",
		"198.51.100.0/24/8", "198.51.100/24", "198.51.100.0.0/24",
		"198.51.100.256/32", "198.051.100.0/24", "0x7f.0.0.1",
		"198.51.100.7/24",		/* host bits: strict */
		"198.51.100.1/31", "128.0.0.0/0", "203.0.0.1/8",
		"2001:db8::/129", "2001:db8::1/64", "2001:db8::/0",
		"::1/127", "fe80::1%eth0", "fe80::%eth0/64", "2001:db8:::/32",
		"2001:db8::/1000", "2001:db8::/99999999999999999999",
		"localhost", "example.com/24",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999/128",
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128xxxxx",
	};
	struct cidr c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cidr_parse(bad[i], &c) != VCM_EINVAL) {
			printf("#   accepted: '%s'\n", bad[i]);
			test_failed = 1;
		}
	CHECK_INT(cidr_parse(NULL, &c), VCM_EINVAL);
}

static void
test_format_space(void)
{
	struct cidr c;
	char out[32];

	REQUIRE(cidr_parse("198.51.100.0/24", &c) == 0);
	CHECK_INT(cidr_format(&c, out, 16), 15);
	CHECK_INT(cidr_format(&c, out, 15), VCM_ENOSPC);
	CHECK_INT(out[0], '\0');
	c.family = 5;
	CHECK_INT(cidr_format(&c, out, sizeof(out)), VCM_EINVAL);
}

static void
test_match_v4(void)
{
	struct cidr c;

	REQUIRE(cidr_parse("198.51.100.0/24", &c) == 0);
	CHECK_INT(cidr_match(&c, "198.51.100.0"), 1);
	CHECK_INT(cidr_match(&c, "198.51.100.7"), 1);
	CHECK_INT(cidr_match(&c, "198.51.100.255"), 1);
	CHECK_INT(cidr_match(&c, "198.51.101.0"), 0);
	CHECK_INT(cidr_match(&c, "198.51.99.255"), 0);
	/* The IPv4-mapped spelling of a dual-stack socket. */
	CHECK_INT(cidr_match(&c, "::ffff:198.51.100.7"), 1);
	CHECK_INT(cidr_match(&c, "::FFFF:c633:6407"), 1);
	CHECK_INT(cidr_match(&c, "::ffff:198.51.101.7"), 0);
	/* IPv4-compatible (deprecated) and NAT64 are other addresses. */
	CHECK_INT(cidr_match(&c, "::198.51.100.7"), 0);
	CHECK_INT(cidr_match(&c, "64:ff9b::198.51.100.7"), 0);
	CHECK_INT(cidr_match(&c, "2001:db8::1"), 0);
	/* Invalid addresses never match. */
	CHECK_INT(cidr_match(&c, ""), 0);
	CHECK_INT(cidr_match(&c, "198.51.100.7/32"), 0);
	CHECK_INT(cidr_match(&c, "198.51.100.07"), 0);
	CHECK_INT(cidr_match(&c, " 198.51.100.7"), 0);
	CHECK_INT(cidr_match(&c, "198.51.100.7:443"), 0);
	CHECK_INT(cidr_match(&c, NULL), 0);
	/* Odd prefixes: the edge bit decides. */
	REQUIRE(cidr_parse("198.51.100.128/25", &c) == 0);
	CHECK_INT(cidr_match(&c, "198.51.100.127"), 0);
	CHECK_INT(cidr_match(&c, "198.51.100.128"), 1);
	REQUIRE(cidr_parse("202.0.0.0/7", &c) == 0);
	CHECK_INT(cidr_match(&c, "203.255.255.255"), 1);
	CHECK_INT(cidr_match(&c, "204.0.0.0"), 0);
	CHECK_INT(cidr_match(&c, "201.255.255.255"), 0);
	REQUIRE(cidr_parse("0.0.0.0/0", &c) == 0);
	CHECK_INT(cidr_match(&c, "203.0.113.9"), 1);
	CHECK_INT(cidr_match(&c, "::ffff:203.0.113.9"), 1);
	CHECK_INT(cidr_match(&c, "2001:db8::1"), 0);
	REQUIRE(cidr_parse("127.0.0.1", &c) == 0);
	CHECK_INT(cidr_match(&c, "127.0.0.1"), 1);
	CHECK_INT(cidr_match(&c, "127.0.0.2"), 0);
}

static void
test_match_v6(void)
{
	struct cidr c;

	REQUIRE(cidr_parse("2001:db8::/32", &c) == 0);
	CHECK_INT(cidr_match(&c, "2001:db8::1"), 1);
	CHECK_INT(cidr_match(&c, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
	CHECK_INT(cidr_match(&c, "2001:db9::"), 0);
	CHECK_INT(cidr_match(&c, "2001:db7:ffff::"), 0);
	CHECK_INT(cidr_match(&c, "198.51.100.7"), 0);
	CHECK_INT(cidr_match(&c, "fe80::1%eth0"), 0);
	REQUIRE(cidr_parse("2001:db8:0:8000::/49", &c) == 0);
	CHECK_INT(cidr_match(&c, "2001:db8:0:8000::1"), 1);
	CHECK_INT(cidr_match(&c, "2001:db8:0:7fff::1"), 0);
	CHECK_INT(cidr_match(&c, "2001:db8:0:ffff::"), 1);
	REQUIRE(cidr_parse("::1", &c) == 0);
	CHECK_INT(cidr_match(&c, "::1"), 1);
	CHECK_INT(cidr_match(&c, "0:0:0:0:0:0:0:1"), 1);
	CHECK_INT(cidr_match(&c, "::2"), 0);
	/* An IPv6 network of mapped addresses holds IPv4 clients. */
	REQUIRE(cidr_parse("::ffff:198.51.100.0/120", &c) == 0);
	CHECK_INT(cidr_match(&c, "198.51.100.9"), 1);
	CHECK_INT(cidr_match(&c, "::ffff:198.51.100.9"), 1);
	CHECK_INT(cidr_match(&c, "198.51.101.9"), 0);
	/* ::/0 is every address, both spellings of IPv4 included. */
	REQUIRE(cidr_parse("::/0", &c) == 0);
	CHECK_INT(cidr_match(&c, "2001:db8::1"), 1);
	CHECK_INT(cidr_match(&c, "198.51.100.9"), 1);
}

static void
test_lists(void)
{
	struct cidr c[VCM_GRANT_SOURCES_MAX + 1];
	char out[VCM_GRANT_SOURCES_STR_MAX + 1], big[1024];
	size_t i;

	CHECK_INT(cidr_list_parse("", c, VCM_GRANT_SOURCES_MAX), 0);
	CHECK_INT(cidr_list_match(c, 0, "203.0.113.1"), 1);
	CHECK_INT(cidr_list_match(c, 0, "not an address"), 1);
	CHECK_INT(cidr_list_parse("198.51.100.0/24,2001:db8::/32,203.1.2.3", c,
	    VCM_GRANT_SOURCES_MAX), 3);
	CHECK_INT(cidr_list_match(c, 3, "198.51.100.4"), 1);
	CHECK_INT(cidr_list_match(c, 3, "2001:db8::4"), 1);
	CHECK_INT(cidr_list_match(c, 3, "203.1.2.3"), 1);
	CHECK_INT(cidr_list_match(c, 3, "::ffff:203.1.2.3"), 1);
	CHECK_INT(cidr_list_match(c, 3, "203.1.2.4"), 0);
	CHECK_INT(cidr_list_match(c, 3, "garbage"), 0);
	CHECK_INT(cidr_list_format(c, 3, out, sizeof(out)),
	    strlen("198.51.100.0/24,2001:db8::/32,203.1.2.3/32"));
	CHECK(strcmp(out, "198.51.100.0/24,2001:db8::/32,203.1.2.3/32") == 0);
	CHECK_INT(cidr_list_format(c, 3, out, 20), VCM_ENOSPC);
	CHECK_INT(cidr_list_format(c, 0, out, 1), 0);
	/* Empty elements, spaces, one bad element: the list is refused. */
	CHECK_INT(cidr_list_parse(",", c, 4), VCM_EINVAL);
	CHECK_INT(cidr_list_parse("203.0.0.0/8,", c, 4), VCM_EINVAL);
	CHECK_INT(cidr_list_parse(",203.0.0.0/8", c, 4), VCM_EINVAL);
	CHECK_INT(cidr_list_parse("203.0.0.0/8,,203.0.0.0/8", c, 4), VCM_EINVAL);
	CHECK_INT(cidr_list_parse("203.0.0.0/8, 11.0.0.0/8", c, 4), VCM_EINVAL);
	CHECK_INT(cidr_list_parse("203.0.0.0/8,203.0.0.1/8", c, 4), VCM_EINVAL);
	CHECK_INT(cidr_list_parse(NULL, c, 4), VCM_EINVAL);
	/* Exactly max, and one more. */
	big[0] = '\0';
	for (i = 0; i < VCM_GRANT_SOURCES_MAX; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%s203.%zu.0.0/16",
		    i > 0 ? "," : "", i);
	CHECK_INT(cidr_list_parse(big, c, VCM_GRANT_SOURCES_MAX),
	    VCM_GRANT_SOURCES_MAX);
	CHECK_INT(cidr_list_match(c, VCM_GRANT_SOURCES_MAX, "203.15.3.4"), 1);
	CHECK_INT(cidr_list_match(c, VCM_GRANT_SOURCES_MAX, "203.16.3.4"), 0);
	snprintf(big + strlen(big), sizeof(big) - strlen(big), ",203.99.0.0/16");
	CHECK_INT(cidr_list_parse(big, c, VCM_GRANT_SOURCES_MAX), VCM_ERANGE);
	CHECK_INT(cidr_list_parse("203.0.0.0/8", c, 0), VCM_ERANGE);
	/* The longest list formats within VCM_GRANT_SOURCES_STR_MAX. */
	for (i = 0; i < VCM_GRANT_SOURCES_MAX; i++)
		REQUIRE(cidr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		    &c[i]) == 0);
	CHECK(cidr_list_format(c, VCM_GRANT_SOURCES_MAX, out, sizeof(out)) > 0);
}

static const struct test_case tests[] = {
	{ "parse_good", test_parse_good },
	{ "parse_bad", test_parse_bad },
	{ "format_space", test_format_space },
	{ "match_v4", test_match_v4 },
	{ "match_v6", test_match_v6 },
	{ "lists", test_lists },
};

TEST_MAIN(tests)
