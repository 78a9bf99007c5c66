/*
 * A minimal unit-test harness. Each tests/unit/test_*.c is its own
 * program: it lists its cases in a table and ends with TEST_MAIN(table).
 * Output is TAP ("ok N - name" / "not ok N - name", diagnostics after
 * '#'), which tests/run-all adds up across every runner.
 */
#ifndef VCM_TEST_H
#define VCM_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_case {
	const char	*name;
	void		(*fn)(void);
};

static int test_failed;

static inline void
test_hex(const char *label, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	printf("#   %s (%zu):", label, n);
	for (i = 0; i < n && i < 64; i++)
		printf(" %02x", b[i]);
	printf("%s\n", n > 64 ? " ..." : "");
}

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: CHECK(%s) failed\n",			\
		    __FILE__, __LINE__, #cond);				\
		test_failed = 1;					\
	}								\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		printf("#   %s:%d: %s == %lld, expected %s == %lld\n",	\
		    __FILE__, __LINE__, #a, _a, #b, _b);		\
		test_failed = 1;					\
	}								\
} while (0)

#define CHECK_MEM(a, b, n) do {						\
	if (memcmp((a), (b), (n)) != 0) {				\
		printf("#   %s:%d: %s != %s\n", __FILE__, __LINE__, #a, #b); \
		test_hex("got", (a), (n));				\
		test_hex("want", (b), (n));				\
		test_failed = 1;					\
	}								\
} while (0)

/*
 * Stops the current case: later checks would only repeat the cause.
 * The condition is evaluated once (it often has side effects).
 */
#define REQUIRE(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: REQUIRE(%s) failed\n",		\
		    __FILE__, __LINE__, #cond);				\
		test_failed = 1;					\
		return;							\
	}								\
} while (0)

/* Parses hex (spaces allowed) into out; returns the length or -1. */
static inline long
test_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == ':')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -1;
		if (hi < 0)
			hi = v;
		else {
			if (n >= cap)
				return -1;
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (long)n : -1;
}

static inline int
test_run(const struct test_case *t, size_t n, const char *file)
{
	size_t i;
	int failed = 0;

	printf("1..%zu\n", n);
	for (i = 0; i < n; i++) {
		test_failed = 0;
		fflush(stdout);
		t[i].fn();
		printf("%s %zu - %s: %s\n", test_failed ? "not ok" : "ok",
		    i + 1, file, t[i].name);
		failed += test_failed;
	}
	return failed ? 1 : 0;
}

#define TEST_MAIN(table)						\
int main(void);								\
int									\
main(void)								\
{									\
	return test_run((table), sizeof(table) / sizeof((table)[0]),	\
	    __FILE__);							\
}

#endif
