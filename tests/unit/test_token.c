/*
 * Secret tokens (src/vcmd/token.c): format, length, alphabet, randomness
 * (no two alike, every character position used), the strict format
 * check, SHA-256 known answers (from the openssl CLI) and the
 * constant-time compare.
 */
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcmd/token.h"
#include "test.h"

#define TOKENS_N	256

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
test_new_format(void)
{
	static const char *const prefixes[] = {
		TOKEN_API, TOKEN_GRANT, TOKEN_TICKET
	};
	char t[VCM_TOKEN_STR_MAX + 1];
	size_t i;
	int n;

	CHECK_INT(TOKEN_B64_LEN, 43);
	for (i = 0; i < 3; i++) {
		n = token_new(prefixes[i], t, sizeof(t));
		CHECK_INT(n, 48);
		CHECK_INT(strlen(t), 48);
		CHECK(strncmp(t, prefixes[i], 5) == 0);
		CHECK_INT(strspn(t + 5, b64url), 43);
		CHECK_INT(token_check_format(prefixes[i], t), 0);
		/* A token of one type is not one of another. */
		CHECK_INT(token_check_format(prefixes[(i + 1) % 3], t),
		    VCM_EINVAL);
	}
	/* Exactly big enough, one too small, no prefix. */
	CHECK_INT(token_new(TOKEN_API, t, 49), 48);
	CHECK_INT(token_new(TOKEN_API, t, 48), VCM_ENOSPC);
	CHECK_INT(token_new(NULL, t, sizeof(t)), VCM_EINVAL);
	CHECK_INT(token_new("a-prefix-far-too-long-for-a-token-string_", t,
	    sizeof(t)), VCM_EINVAL);
	CHECK_INT(token_new("", t, sizeof(t)), 43);
}

static void
test_unique_and_spread(void)
{
	static char t[TOKENS_N][VCM_TOKEN_STR_MAX + 1];
	char seen[64][64];
	size_t i, j, pos, distinct;
	const char *c;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < TOKENS_N; i++) {
		REQUIRE(token_new(TOKEN_GRANT, t[i], sizeof(t[i])) == 48);
		for (j = 0; j < i; j++)
			CHECK(strcmp(t[i], t[j]) != 0);
		for (pos = 0; pos < 42; pos++) {
			c = strchr(b64url, t[i][5 + pos]);
			REQUIRE(c != NULL);
			seen[pos][c - b64url] = 1;
		}
	}
	/*
	 * 256 draws of a uniform 64-way choice leave on average 1.2
	 * symbols unseen per position; 50 distinct is a loose floor that
	 * a constant or low-entropy source would miss.
	 */
	for (pos = 0; pos < 42; pos++) {
		for (distinct = 0, j = 0; j < 64; j++)
			distinct += (size_t)seen[pos][j];
		CHECK(distinct >= 50);
	}
	/* The last character holds 4 bits of 256: 16 symbols only. */
	for (i = 0; i < TOKENS_N; i++)
		CHECK(strchr("AEIMQUYcgkosw048", t[i][47]) != NULL);
}

static void
test_check_format(void)
{
	static const char ok[] = "vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	static const char *const bad[] = {
		"",
		"vcmk_",
		"vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	/* 42 */
		"vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	/* 44 */
		"vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",	/* pad */
		"vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",	/* b64 */
		"vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
		"vcmk_AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA",
		"vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
		"VCMK_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"vcmkAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		" vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3",
	};
	size_t i;

	CHECK_INT(token_check_format(TOKEN_API, ok), 0);
	CHECK_INT(token_check_format(TOKEN_API,
	    "vcmk_-_09azAZ-_09azAZ-_09azAZ-_09azAZ-_09azAZ-_0"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (token_check_format(TOKEN_API, bad[i]) != VCM_EINVAL)
			printf("#   accepted bad[%zu]\n", i);
		CHECK_INT(token_check_format(TOKEN_API, bad[i]), VCM_EINVAL);
	}
	CHECK_INT(token_check_format(TOKEN_API, NULL), VCM_EINVAL);
	CHECK_INT(token_check_format(NULL, ok), VCM_EINVAL);
}

/* Known answers: `printf %s TOKEN | openssl dgst -sha256`. */
static void
test_hash_known_answers(void)
{
	uint8_t h[VCM_TOKEN_HASH_LEN], want[VCM_TOKEN_HASH_LEN];

	token_hash("vcmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", h);
	REQUIRE(test_unhex("1ccbd7dc54f8aacf6dd038127f86d91d"
	    "2b3279e9e921600b19149f78591fe562", want, sizeof(want)) == 32);
	CHECK_MEM(h, want, 32);
	token_hash("", h);
	REQUIRE(test_unhex("e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", want, sizeof(want)) == 32);
	CHECK_MEM(h, want, 32);
}

static void
test_hash_eq(void)
{
	uint8_t a[VCM_TOKEN_HASH_LEN], b[VCM_TOKEN_HASH_LEN];
	char t[VCM_TOKEN_STR_MAX + 1];
	size_t i;

	REQUIRE(token_new(TOKEN_TICKET, t, sizeof(t)) > 0);
	token_hash(t, a);
	token_hash(t, b);
	CHECK_INT(token_hash_eq(a, b), 1);
	/* A difference anywhere, first or last byte, is seen. */
	for (i = 0; i < sizeof(b); i++) {
		b[i] ^= 0x80;
		CHECK_INT(token_hash_eq(a, b), 0);
		b[i] ^= 0x80;
	}
	/* One character more or less hashes differently. */
	t[47] = t[47] == 'A' ? 'B' : 'A';
	token_hash(t, b);
	CHECK_INT(token_hash_eq(a, b), 0);
}

static const struct test_case tests[] = {
	{ "new_format", test_new_format },
	{ "unique_and_spread", test_unique_and_spread },
	{ "check_format", test_check_format },
	{ "hash_known_answers", test_hash_known_answers },
	{ "hash_eq", test_hash_eq },
};

TEST_MAIN(tests)
