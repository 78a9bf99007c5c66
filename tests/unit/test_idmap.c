/* The id -> pointer map: puts, gets, deletes against a plain array. */
#include <stdint.h>

#include "test.h"
#include "vcm/err.h"
#include "vcmd/idmap.h"

#define N	5000

static void
put_get_del(void)
{
	static int present[N + 1];
	struct idmap m = { 0 };
	uint64_t k, rng = 7;
	size_t pos, seen;
	int i, v;

	CHECK_INT(idmap_put(&m, 0, &m), VCM_EINVAL);
	CHECK(idmap_get(&m, 1) == NULL);
	CHECK(idmap_del(&m, 1) == NULL);
	for (i = 0; i < 200000; i++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (rng >> 33) % N + 1;
		if ((rng >> 20) & 1) {
			CHECK_INT(idmap_put(&m, k, &present[k]), 0);
			present[k] = 1;
		} else {
			void *p = idmap_del(&m, k);

			CHECK(p == (present[k] ? &present[k] : NULL));
			present[k] = 0;
		}
	}
	seen = 0;
	for (k = 1; k <= N; k++) {
		CHECK(idmap_get(&m, k) == (present[k] ? &present[k] : NULL));
		seen += present[k];
	}
	CHECK_INT(m.len, seen);
	pos = 0;
	v = 0;
	while (idmap_next(&m, &pos, &k) != NULL) {
		CHECK(present[k]);
		v++;
	}
	CHECK_INT(v, seen);
	while (idmap_first(&m, &k) != NULL)
		CHECK(idmap_del(&m, k) == &present[k]);
	CHECK_INT(m.len, 0);
	idmap_free(&m);
}

static void
replace(void)
{
	struct idmap m = { 0 };
	int a, b;

	CHECK_INT(idmap_put(&m, 42, &a), 0);
	CHECK_INT(idmap_put(&m, 42, &b), 0);
	CHECK_INT(m.len, 1);
	CHECK(idmap_get(&m, 42) == &b);
	idmap_free(&m);
}

static const struct test_case cases[] = {
	{ "put_get_del", put_get_del },
	{ "replace", replace },
};

TEST_MAIN(cases)
