/*
 * RFC 3339 (src/vcmd/timefmt.c). Known answers from Python's datetime
 * (UTC): leap years and centuries, offsets, fractions, strict ranges,
 * the calendar's ends, and format/parse round trips over 800 years.
 */
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcmd/timefmt.h"
#include "test.h"

static void
check_ms(const char *s, int64_t want)
{
	int64_t ms = 0;
	int r;

	r = timefmt_parse(s, &ms);
	if (r != 0 || ms != want) {
		printf("#   %s: r=%d ms=%lld want %lld\n", s, r, (long long)ms,
		    (long long)want);
		test_failed = 1;
	}
}

static void
test_parse_known(void)
{
	check_ms("1970-01-01T00:00:00Z", 0);
	check_ms("2026-11-25T16:00:00Z", 1795622400000LL);
	check_ms("2026-11-25t16:00:00z", 1795622400000LL);
	check_ms("2000-02-29T00:00:00Z", 951782400000LL);
	check_ms("2400-02-29T12:00:00Z", 13574606400000LL);
	check_ms("1900-03-01T00:00:00Z", -2203891200000LL);
	check_ms("0001-01-01T00:00:00Z", -62135596800000LL);
	check_ms("0000-01-01T00:00:00Z", -62167219200000LL);
	check_ms("9999-12-31T23:59:59Z", 253402300799000LL);
	check_ms("1969-12-31T23:59:59Z", -1000);
	check_ms("1969-12-31T23:59:59.999Z", -1);
}

static void
test_offsets_and_fractions(void)
{
	/* 16:00 UTC in other zones. */
	check_ms("2026-11-25T17:00:00+01:00", 1795622400000LL);
	check_ms("2026-11-25T10:30:00-05:30", 1795622400000LL);
	check_ms("2026-11-26T01:45:00+09:45", 1795622400000LL);
	check_ms("2026-11-25T16:00:00+00:00", 1795622400000LL);
	check_ms("2026-11-25T16:00:00-00:00", 1795622400000LL);
	/* Across a day and a year boundary. */
	check_ms("2027-01-01T00:59:59+01:00", 1798761599000LL);
	check_ms("2026-12-31T23:59:59Z", 1798761599000LL);
	check_ms("1970-01-01T00:00:00+23:59", -86340000LL);
	/* Fractions: cut (never rounded) to milliseconds. */
	check_ms("2026-11-25T16:00:00.5Z", 1795622400500LL);
	check_ms("2026-11-25T16:00:00.05Z", 1795622400050LL);
	check_ms("2026-11-25T16:00:00.123Z", 1795622400123LL);
	check_ms("2026-11-25T16:00:00.123999999Z", 1795622400123LL);
	check_ms("2026-11-25T16:00:00.000Z", 1795622400000LL);
	check_ms("2026-11-25T17:00:00.250+01:00", 1795622400250LL);
}

static void
test_parse_bad(void)
{
	static const char *const bad[] = {
		"", "2026", "2026-11-25", "2026-11-25T16:00:00",
		"2026-11-25 16:00:00Z", "2026-11-25T16:00Z",
		"2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
		"2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z",
		"2026-01-32T00:00:00Z", "2026-11-25T24:00:00Z",
		"2026-11-25T23:60:00Z", "2026-12-31T23:59:60Z",
		"2026-11-25T16:00:00+24:00", "2026-11-25T16:00:00+01:60",
		"2026-11-25T16:00:00+0100", "2026-11-25T16:00:00+01",
		"2026-11-25T16:00:00 +01:00", "2026-11-25T16:00:00Z ",
		" 2026-11-25T16:00:00Z", "2026-11-25T16:00:00ZZ",
		"2026-11-25T16:00:00.Z", "2026-11-25T16:00:00.1234567890Z",
		"2026-11-25T16:00:00,5Z", "+2026-11-25T16:00:00Z",
		"20260-11-25T16:00:00Z", "2026-1-25T16:00:00Z",
		"2026-11-25T6:00:00Z", "2026-11-25T16:00:00UTC",
		"2026-11-25T16:00:00+01:00Z", "2026-11-25T16:00:00\n",
		"-001-01-01T00:00:00Z", "2026-11-25T1a:00:00Z",
		"2026-11-25T16:00:00.-1Z",
	};
	int64_t ms = 42;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (timefmt_parse(bad[i], &ms) != VCM_EINVAL) {
			printf("#   accepted '%s'\n", bad[i]);
			test_failed = 1;
		}
	CHECK_INT(ms, 42);
	CHECK_INT(timefmt_parse(NULL, &ms), VCM_EINVAL);
}

static void
test_format(void)
{
	char out[TIMEFMT_STR_SIZE + 8];

	CHECK_INT(timefmt_format(1795622400000LL, out, sizeof(out)), 20);
	CHECK(strcmp(out, "2026-11-25T16:00:00Z") == 0);
	/* Seconds precision, floored, also before 1970. */
	CHECK_INT(timefmt_format(1795622400999LL, out, sizeof(out)), 20);
	CHECK(strcmp(out, "2026-11-25T16:00:00Z") == 0);
	CHECK_INT(timefmt_format(-1, out, sizeof(out)), 20);
	CHECK(strcmp(out, "1969-12-31T23:59:59Z") == 0);
	CHECK_INT(timefmt_format(0, out, sizeof(out)), 20);
	CHECK(strcmp(out, "1970-01-01T00:00:00Z") == 0);
	CHECK_INT(timefmt_format(951782400000LL, out, sizeof(out)), 20);
	CHECK(strcmp(out, "2000-02-29T00:00:00Z") == 0);
	CHECK_INT(timefmt_format(253402300799000LL, out, sizeof(out)), 20);
	CHECK(strcmp(out, "9999-12-31T23:59:59Z") == 0);
	CHECK_INT(timefmt_format(-62167219200000LL, out, sizeof(out)), 20);
	CHECK(strcmp(out, "0000-01-01T00:00:00Z") == 0);
	/* Outside 0000..9999, or no room: 0 and an empty string. */
	CHECK_INT(timefmt_format(253402300800000LL, out, sizeof(out)), 0);
	CHECK_INT(out[0], '\0');
	CHECK_INT(timefmt_format(-62167219200001LL, out, sizeof(out)), 0);
	CHECK_INT(timefmt_format(INT64_MAX, out, sizeof(out)), 0);
	CHECK_INT(timefmt_format(INT64_MIN, out, sizeof(out)), 0);
	CHECK_INT(timefmt_format(0, out, TIMEFMT_STR_SIZE - 1), 0);
	CHECK_INT(out[0], '\0');
	CHECK_INT(timefmt_format(0, out, TIMEFMT_STR_SIZE), 20);
}

/* Every day of 1600..2400 at a varying time: format, parse, compare. */
static void
test_round_trip(void)
{
	char out[TIMEFMT_STR_SIZE];
	int64_t day, t, back, first, last;
	unsigned bad = 0;

	first = timefmt_days_from_civil(1600, 1, 1);
	last = timefmt_days_from_civil(2400, 12, 31);
	CHECK_INT(last - first + 1, 801 * 365 + 195);	/* leap days */
	for (day = first; day <= last; day++) {
		t = (day * 86400 + (day * 7919) % 86400) * 1000;
		if (timefmt_format(t, out, sizeof(out)) != 20 ||
		    timefmt_parse(out, &back) != 0 || back != t)
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(timefmt_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(timefmt_days_from_civil(1970, 3, 1), 59);
	CHECK_INT(timefmt_days_from_civil(2000, 3, 1) -
	    timefmt_days_from_civil(2000, 2, 28), 2);
}

static const struct test_case tests[] = {
	{ "parse_known", test_parse_known },
	{ "offsets_and_fractions", test_offsets_and_fractions },
	{ "parse_bad", test_parse_bad },
	{ "format", test_format },
	{ "round_trip", test_round_trip },
};

TEST_MAIN(tests)
