/* RMCP+ session sequence numbers: outbound counter and replay window. */
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/seqwin.h"
#include "test.h"

/* Field by field: struct padding is not copied by assignment. */
static int
same_win(const struct ipmi_seqwin *a, const struct ipmi_seqwin *b)
{
	return a->state == b->state && a->high == b->high &&
	    a->seen == b->seen;
}

static void
out_starts_at_1_and_skips_0(void)
{
	struct ipmi_seqwin_out o;

	ipmi_seqwin_out_init(&o);
	CHECK_INT(ipmi_seqwin_out_next(&o), 1);
	CHECK_INT(ipmi_seqwin_out_next(&o), 2);
	o.last = UINT32_C(0xfffffffe);
	CHECK_INT(ipmi_seqwin_out_next(&o), UINT32_C(0xffffffff));
	CHECK_INT(ipmi_seqwin_out_next(&o), 1);
	CHECK_INT(ipmi_seqwin_out_next(&o), 2);
}

static void
first_packet_starts_window(void)
{
	struct ipmi_seqwin w;

	ipmi_seqwin_init(&w);
	CHECK_INT(w.state, IPMI_SEQWIN_EMPTY);
	/* Any non-zero number may start a session (Intel off-by-one). */
	CHECK_INT(ipmi_seqwin_check(&w, 1000), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 0), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_accept(&w, 1000), 0);
	CHECK_INT(w.state, IPMI_SEQWIN_ACTIVE);
	CHECK_INT(w.high, 1000);
	CHECK_INT(w.seen, 1);
	CHECK_INT(ipmi_seqwin_accept(&w, 1000), VCM_ESEQ);
	/* The explicit seed does the same. */
	ipmi_seqwin_init(&w);
	CHECK_INT(ipmi_seqwin_start(&w, 0), VCM_ESEQ);
	CHECK_INT(w.state, IPMI_SEQWIN_EMPTY);
	CHECK_INT(ipmi_seqwin_start(&w, 7), 0);
	CHECK_INT(w.high, 7);
	CHECK_INT(ipmi_seqwin_check(&w, 7), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, 8), 0);
}

static void
in_order(void)
{
	struct ipmi_seqwin w;
	uint32_t s;

	ipmi_seqwin_init(&w);
	for (s = 1; s <= 100; s++) {
		CHECK_INT(ipmi_seqwin_check(&w, s), 0);
		CHECK_INT(ipmi_seqwin_accept(&w, s), 0);
		CHECK_INT(w.high, s);
	}
	/* Every one of the last WINDOW is now a replay. */
	for (s = 100 - VCM_IPMI_SEQ_WINDOW; s <= 100; s++)
		CHECK_INT(ipmi_seqwin_check(&w, s), VCM_ESEQ);
}

static void
reorder_within_window(void)
{
	struct ipmi_seqwin w;

	ipmi_seqwin_init(&w);
	CHECK_INT(ipmi_seqwin_accept(&w, 10), 0);
	/* 12 arrives before 11. */
	CHECK_INT(ipmi_seqwin_accept(&w, 12), 0);
	CHECK_INT(w.high, 12);
	CHECK_INT(ipmi_seqwin_check(&w, 11), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, 11), 0);
	CHECK_INT(w.high, 12);
	CHECK_INT(w.seen, 0x7);
	/* Skipping numbers (ASRock: 1, 3, 5, ...) is fine too. */
	CHECK_INT(ipmi_seqwin_accept(&w, 14), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, 16), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 15), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 13), 0);
	/* Oldest still in the window. */
	CHECK_INT(ipmi_seqwin_check(&w, 16 - VCM_IPMI_SEQ_WINDOW), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, 16 - VCM_IPMI_SEQ_WINDOW), 0);
}

static void
replay_rejected(void)
{
	struct ipmi_seqwin w, before;

	ipmi_seqwin_init(&w);
	CHECK_INT(ipmi_seqwin_accept(&w, 50), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, 52), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, 51), 0);
	before = w;
	CHECK_INT(ipmi_seqwin_check(&w, 50), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, 51), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, 52), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_accept(&w, 51), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_accept(&w, 52), VCM_ESEQ);
	CHECK(same_win(&w, &before));
}

static void
too_old_rejected(void)
{
	struct ipmi_seqwin w;

	ipmi_seqwin_init(&w);
	CHECK_INT(ipmi_seqwin_accept(&w, 1000), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 1000 - VCM_IPMI_SEQ_WINDOW), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 1000 - VCM_IPMI_SEQ_WINDOW - 1),
	    VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_accept(&w, 1000 - VCM_IPMI_SEQ_WINDOW - 1),
	    VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, 1), VCM_ESEQ);
	/* A number that slid out of the window is not accepted again. */
	CHECK_INT(ipmi_seqwin_accept(&w, 1001), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 1000 - VCM_IPMI_SEQ_WINDOW),
	    VCM_ESEQ);
}

static void
too_far_ahead_rejected(void)
{
	struct ipmi_seqwin w;

	ipmi_seqwin_init(&w);
	CHECK_INT(ipmi_seqwin_accept(&w, 100), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 100 + VCM_IPMI_SEQ_AHEAD + 1),
	    VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_accept(&w, 100 + VCM_IPMI_SEQ_AHEAD + 1),
	    VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, UINT32_C(0x80000064)), VCM_ESEQ);
	CHECK_INT(w.high, 100);
	CHECK_INT(ipmi_seqwin_accept(&w, 100 + VCM_IPMI_SEQ_AHEAD), 0);
	CHECK_INT(w.high, 100 + VCM_IPMI_SEQ_AHEAD);
	/* The jump slid the window: only 100 is marked seen in it. */
	CHECK_INT(w.seen, (UINT64_C(1) << VCM_IPMI_SEQ_AHEAD) | 1);
	CHECK_INT(ipmi_seqwin_check(&w, 100), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, 101), 0);
}

static void
zero_always_rejected(void)
{
	struct ipmi_seqwin w;

	ipmi_seqwin_init(&w);
	CHECK_INT(ipmi_seqwin_accept(&w, 0), VCM_ESEQ);
	CHECK_INT(w.state, IPMI_SEQWIN_EMPTY);
	CHECK_INT(ipmi_seqwin_accept(&w, 1), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 0), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_accept(&w, UINT32_C(0xffffffff)), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 0), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_accept(&w, 0), VCM_ESEQ);
}

static void
wrap_at_2_32(void)
{
	struct ipmi_seqwin w;

	ipmi_seqwin_init(&w);
	CHECK_INT(ipmi_seqwin_accept(&w, UINT32_C(0xfffffffe)), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, UINT32_C(0xffffffff)), 0);
	/* The peer skips 0: 1 follows 0xffffffff directly. */
	CHECK_INT(ipmi_seqwin_accept(&w, 1), 0);
	CHECK_INT(w.high, 1);
	CHECK_INT(w.seen, 0x7);
	CHECK_INT(ipmi_seqwin_check(&w, UINT32_C(0xffffffff)), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, UINT32_C(0xfffffffe)), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, UINT32_C(0xfffffffd)), 0);
	/* The oldest in the window across the wrap: WINDOW steps back. */
	CHECK_INT(ipmi_seqwin_check(&w,
	    UINT32_C(0xffffffff) - (VCM_IPMI_SEQ_WINDOW - 1)), 0);
	CHECK_INT(ipmi_seqwin_check(&w,
	    UINT32_C(0xffffffff) - VCM_IPMI_SEQ_WINDOW), VCM_ESEQ);
	/* Ahead across the wrap. */
	ipmi_seqwin_init(&w);
	CHECK_INT(ipmi_seqwin_accept(&w, UINT32_C(0xfffffff0)), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 16), 0);	/* 31 steps */
	CHECK_INT(ipmi_seqwin_check(&w, 17), 0);	/* 32 steps */
	CHECK_INT(ipmi_seqwin_check(&w, 18), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_accept(&w, 17), 0);
	CHECK_INT(w.high, 17);
	CHECK_INT(ipmi_seqwin_check(&w, UINT32_C(0xfffffff0)), VCM_ESEQ);
	CHECK_INT(ipmi_seqwin_check(&w, UINT32_C(0xfffffff1)), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, UINT32_C(0xffffffff)), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, UINT32_C(0xffffffff)), VCM_ESEQ);
	CHECK_INT(w.high, 17);
}

static void
check_leaves_state_unchanged(void)
{
	struct ipmi_seqwin w, before;
	uint32_t s;

	ipmi_seqwin_init(&w);
	before = w;
	CHECK_INT(ipmi_seqwin_check(&w, 5), 0);
	CHECK(same_win(&w, &before));
	CHECK_INT(ipmi_seqwin_accept(&w, 5), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, 3), 0);
	before = w;
	for (s = 0; s < 200; s++)
		(void)ipmi_seqwin_check(&w, s);
	(void)ipmi_seqwin_check(&w, UINT32_C(0xffffffff));
	CHECK(same_win(&w, &before));
	/* A checked but never accepted number stays acceptable. */
	CHECK_INT(ipmi_seqwin_check(&w, 6), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 6), 0);
	CHECK_INT(ipmi_seqwin_accept(&w, 6), 0);
	CHECK_INT(ipmi_seqwin_check(&w, 6), VCM_ESEQ);
	/* Bad state and arguments. */
	w.state = 9;
	CHECK_INT(ipmi_seqwin_check(&w, 7), VCM_ESTATE);
	CHECK_INT(ipmi_seqwin_accept(&w, 7), VCM_ESTATE);
	CHECK_INT(ipmi_seqwin_check(NULL, 7), VCM_EINVAL);
	CHECK_INT(ipmi_seqwin_accept(NULL, 7), VCM_EINVAL);
}

static const struct test_case tests[] = {
	{ "out_starts_at_1_and_skips_0", out_starts_at_1_and_skips_0 },
	{ "first_packet_starts_window", first_packet_starts_window },
	{ "in_order", in_order },
	{ "reorder_within_window", reorder_within_window },
	{ "replay_rejected", replay_rejected },
	{ "too_old_rejected", too_old_rejected },
	{ "too_far_ahead_rejected", too_far_ahead_rejected },
	{ "zero_always_rejected", zero_always_rejected },
	{ "wrap_at_2_32", wrap_at_2_32 },
	{ "check_leaves_state_unchanged", check_leaves_state_unchanged },
};

TEST_MAIN(tests)
