/*
 * Token buckets (src/vcmd/ratelimit.c): burst, exact refill (also for
 * rates that do not divide 1000), the cap after a long sleep, a clock
 * going backwards, independent keys, LRU eviction in a full table, and
 * churn through many keys with a small table.
 */
#include <stdio.h>
#include <string.h>

#include "vcm/limits.h"
#include "vcmd/ratelimit.h"
#include "test.h"

/* Takes until limited (at most cap tries); returns how many passed. */
static unsigned
drain(struct ratelimit *rl, const char *key, uint64_t now, unsigned cap)
{
	unsigned n = 0;

	while (n < cap && ratelimit_take(rl, key, now))
		n++;
	return n;
}

static void
test_burst_then_refill(void)
{
	struct ratelimit *rl;

	rl = ratelimit_new(50, 100, 16);
	REQUIRE(rl != NULL);
	CHECK_INT(drain(rl, "k:1", 1000, 1000), 100);
	CHECK_INT(ratelimit_take(rl, "k:1", 1000), 0);
	/* 50/s is one token per 20 ms. */
	CHECK_INT(ratelimit_take(rl, "k:1", 1019), 0);
	CHECK_INT(ratelimit_take(rl, "k:1", 1020), 1);
	CHECK_INT(ratelimit_take(rl, "k:1", 1020), 0);
	/* One second: 50 more, not 51. */
	CHECK_INT(drain(rl, "k:1", 2020, 1000), 50);
	/* A long sleep refills to the burst, no more. */
	CHECK_INT(drain(rl, "k:1", 2020 + 86400000ull * 365, 1000), 100);
	ratelimit_free(rl);
}

static void
test_fractional_rate(void)
{
	struct ratelimit *rl;
	uint64_t t;
	unsigned got = 0;

	/*
	 * 3/s: a token every 333.3 ms, exact over ten seconds (burst 2 so
	 * the bucket never overflows between takes).
	 */
	rl = ratelimit_new(3, 2, 4);
	REQUIRE(rl != NULL);
	CHECK_INT(drain(rl, "a:198.51.100.7", 0, 10), 2);
	for (t = 1; t <= 10000; t++)
		got += (unsigned)ratelimit_take(rl, "a:198.51.100.7", t);
	CHECK_INT(got, 30);
	ratelimit_free(rl);
	/* With burst 1 the remainder above a full bucket is lost. */
	rl = ratelimit_new(3, 1, 4);
	REQUIRE(rl != NULL);
	CHECK_INT(ratelimit_take(rl, "k", 0), 1);
	CHECK_INT(ratelimit_take(rl, "k", 333), 0);
	CHECK_INT(ratelimit_take(rl, "k", 334), 1);
	CHECK_INT(ratelimit_take(rl, "k", 667), 0);
	CHECK_INT(ratelimit_take(rl, "k", 668), 1);
	ratelimit_free(rl);
}

static void
test_clock_backwards(void)
{
	struct ratelimit *rl;

	rl = ratelimit_new(10, 2, 4);
	REQUIRE(rl != NULL);
	CHECK_INT(drain(rl, "k", 5000, 10), 2);
	/* Earlier times refill nothing and do not move the clock back. */
	CHECK_INT(ratelimit_take(rl, "k", 1000), 0);
	CHECK_INT(ratelimit_take(rl, "k", 5099), 0);
	CHECK_INT(ratelimit_take(rl, "k", 5100), 1);
	ratelimit_free(rl);
}

static void
test_keys_independent(void)
{
	struct ratelimit *rl;

	rl = ratelimit_new(1, 3, 8);
	REQUIRE(rl != NULL);
	CHECK_INT(drain(rl, "k:1", 0, 10), 3);
	CHECK_INT(drain(rl, "k:2", 0, 10), 3);
	CHECK_INT(drain(rl, "a:198.51.100.7", 0, 10), 3);
	/* Prefix-related keys are distinct keys. */
	CHECK_INT(drain(rl, "k:12", 0, 10), 3);
	CHECK_INT(drain(rl, "k:1 ", 0, 10), 3);
	CHECK_INT(ratelimit_count(rl), 5);
	CHECK_INT(ratelimit_take(rl, "k:1", 999), 0);
	CHECK_INT(ratelimit_take(rl, "k:1", 1000), 1);
	ratelimit_free(rl);
}

static void
test_eviction_lru(void)
{
	struct ratelimit *rl;
	char key[32];
	int i;

	rl = ratelimit_new(1, 2, 4);
	REQUIRE(rl != NULL);
	/* Exhaust A, B, C, D (table full). */
	CHECK_INT(drain(rl, "A", 0, 10), 2);
	CHECK_INT(drain(rl, "B", 0, 10), 2);
	CHECK_INT(drain(rl, "C", 0, 10), 2);
	CHECK_INT(drain(rl, "D", 0, 10), 2);
	CHECK_INT(ratelimit_count(rl), 4);
	/* Touch A: B is now the least recently used. */
	CHECK_INT(ratelimit_take(rl, "A", 1), 0);
	CHECK_INT(ratelimit_take(rl, "E", 1), 1);
	CHECK_INT(ratelimit_count(rl), 4);
	/* A, C, D kept their empty buckets; B was forgotten (full again). */
	CHECK_INT(ratelimit_take(rl, "A", 2), 0);
	CHECK_INT(ratelimit_take(rl, "C", 2), 0);
	CHECK_INT(ratelimit_take(rl, "D", 2), 0);
	CHECK_INT(ratelimit_take(rl, "B", 2), 1);	/* evicts E */
	CHECK_INT(ratelimit_take(rl, "E", 2), 1);	/* evicts A */
	CHECK_INT(ratelimit_take(rl, "A", 3), 1);
	/* Churn: far more keys than slots, the table never grows. */
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "a:203.0.%d.%d", i / 256, i % 256);
		CHECK_INT(ratelimit_take(rl, key, 10), 1);
	}
	CHECK_INT(ratelimit_count(rl), 4);
	/* The last four are still there and remember their buckets. */
	CHECK_INT(ratelimit_take(rl, "a:203.0.39.15", 10), 1);
	CHECK_INT(ratelimit_take(rl, "a:203.0.39.15", 10), 0);
	ratelimit_free(rl);
}

static void
test_bounds(void)
{
	struct ratelimit *rl;
	char key[RATELIMIT_KEY_MAX + 2];

	CHECK(ratelimit_new(1, 1, 0) == NULL);
	CHECK(ratelimit_new(1, 1, (size_t)1 << 25) == NULL);
	rl = ratelimit_new(VCM_API_RATE_PER_S, VCM_API_RATE_BURST,
	    VCM_API_RATE_TABLE_MAX);
	REQUIRE(rl != NULL);
	memset(key, 'x', RATELIMIT_KEY_MAX);
	key[RATELIMIT_KEY_MAX] = '\0';
	CHECK_INT(ratelimit_take(rl, key, 0), 1);
	/* Longer keys and NULL are limited, never stored. */
	key[RATELIMIT_KEY_MAX] = 'x';
	key[RATELIMIT_KEY_MAX + 1] = '\0';
	CHECK_INT(ratelimit_take(rl, key, 0), 0);
	CHECK_INT(ratelimit_take(rl, NULL, 0), 0);
	CHECK_INT(ratelimit_take(NULL, "k", 0), 0);
	CHECK_INT(ratelimit_count(rl), 1);
	CHECK_INT(ratelimit_take(rl, "", 0), 1);
	ratelimit_free(rl);
	ratelimit_free(NULL);
	/* Burst 0 limits everything; rate 0 never refills. */
	rl = ratelimit_new(5, 0, 2);
	REQUIRE(rl != NULL);
	CHECK_INT(ratelimit_take(rl, "k", 0), 0);
	CHECK_INT(ratelimit_take(rl, "k", 100000), 0);
	ratelimit_free(rl);
	rl = ratelimit_new(0, 1, 2);
	REQUIRE(rl != NULL);
	CHECK_INT(ratelimit_take(rl, "k", 0), 1);
	CHECK_INT(ratelimit_take(rl, "k", UINT64_MAX), 0);
	ratelimit_free(rl);
	/* The largest rate and burst, after the longest sleep: no overflow. */
	rl = ratelimit_new(UINT32_MAX, UINT32_MAX, 2);
	REQUIRE(rl != NULL);
	CHECK_INT(ratelimit_take(rl, "k", 0), 1);
	CHECK_INT(ratelimit_take(rl, "k", UINT64_MAX), 1);
	ratelimit_free(rl);
}

static const struct test_case tests[] = {
	{ "burst_then_refill", test_burst_then_refill },
	{ "fractional_rate", test_fractional_rate },
	{ "clock_backwards", test_clock_backwards },
	{ "keys_independent", test_keys_independent },
	{ "eviction_lru", test_eviction_lru },
	{ "bounds", test_bounds },
};

TEST_MAIN(tests)
