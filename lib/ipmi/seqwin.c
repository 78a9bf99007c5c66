/*
 * RMCP+ session sequence numbers: the outbound counter and the inbound
 * replay window (IPMI.md §2.2). Pure: the caller owns every struct.
 */
#include <stdint.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/seqwin.h"

/* The bitmap holds high itself plus WINDOW numbers behind it. */
_Static_assert(VCM_IPMI_SEQ_WINDOW >= 1 && VCM_IPMI_SEQ_WINDOW < 63,
    "the replay window must fit the 64-bit bitmap");
/* Ahead and behind must never overlap in the 2^32 circle. */
_Static_assert(VCM_IPMI_SEQ_AHEAD >= 1 && VCM_IPMI_SEQ_AHEAD < (1 << 30),
    "look-ahead out of range");

#define SEQWIN_MASK	((UINT64_C(1) << (VCM_IPMI_SEQ_WINDOW + 1)) - 1)

/* The counter starts at 0 so that the first packet carries 1. */
void
ipmi_seqwin_out_init(struct ipmi_seqwin_out *o)
{
	o->last = 0;
}

/*
 * The number for the next outbound packet. The spec counter "goes up on
 * every packet, retries included" and 0 is never valid in IPMI 2.0, so
 * the wrap goes 0xffffffff -> 1 (FreeIPMI does the same).
 */
uint32_t
ipmi_seqwin_out_next(struct ipmi_seqwin_out *o)
{
	o->last++;
	if (o->last == 0)
		o->last = 1;
	return o->last;
}

/* An empty window: the first authenticated packet will seed it. */
void
ipmi_seqwin_init(struct ipmi_seqwin *w)
{
	memset(w, 0, sizeof(*w));
	w->state = IPMI_SEQWIN_EMPTY;
}

/*
 * Seeds the window from the first authenticated packet of a session.
 * Any non-zero number may start it: BMCs are off by one at the start
 * (IPMI.md §1.2, Intel) and we cannot know their initial counter.
 */
int
ipmi_seqwin_start(struct ipmi_seqwin *w, uint32_t seq)
{
	if (w == NULL)
		return VCM_EINVAL;
	if (seq == 0)
		return VCM_ESEQ;
	w->state = IPMI_SEQWIN_ACTIVE;
	w->high = seq;
	w->seen = 1;
	return 0;
}

/*
 * Steps from high to seq along the numbers a peer sends, which skip 0:
 * positive ahead, negative behind. Both are non-zero here, and the
 * shorter way round the circle wins, so a distance never exceeds 2^31.
 */
static int64_t
seqwin_pos(uint32_t high, uint32_t seq)
{
	uint32_t d;

	d = seq - high;
	if (d == 0)
		return 0;
	if (d < UINT32_C(0x80000000))
		return (int64_t)d - (seq < high ? 1 : 0);
	d = high - seq;
	return -((int64_t)d - (seq > high ? 1 : 0));
}

/*
 * Would seq be accepted now? Changes nothing, so it can run before the
 * packet is authenticated: a forged packet must not move the window
 * (OpenIPMI: "to prevent spoofing"). 0 or VCM_ESEQ: zero, a replay,
 * too old (more than WINDOW behind) or too far ahead (more than AHEAD).
 */
int
ipmi_seqwin_check(const struct ipmi_seqwin *w, uint32_t seq)
{
	int64_t pos;

	if (w == NULL)
		return VCM_EINVAL;
	if (!IPMI_SEQWIN_STATE_VALID(w->state))
		return VCM_ESTATE;
	if (seq == 0)
		return VCM_ESEQ;
	if (w->state == IPMI_SEQWIN_EMPTY)
		return 0;
	pos = seqwin_pos(w->high, seq);
	if (pos > 0)
		return pos <= VCM_IPMI_SEQ_AHEAD ? 0 : VCM_ESEQ;
	if (pos == 0 || -pos > VCM_IPMI_SEQ_WINDOW)
		return VCM_ESEQ;
	if ((w->seen >> -pos) & 1)
		return VCM_ESEQ;
	return 0;
}

/*
 * Commits seq after the packet's integrity check passed: marks it seen
 * and, when it is ahead, slides the window so it becomes the highest.
 * Re-checks first, so a caller that skipped the check cannot accept a
 * replay; on refusal nothing changes.
 */
int
ipmi_seqwin_accept(struct ipmi_seqwin *w, uint32_t seq)
{
	int64_t pos;
	int rc;

	if ((rc = ipmi_seqwin_check(w, seq)) != 0)
		return rc;
	if (w->state == IPMI_SEQWIN_EMPTY)
		return ipmi_seqwin_start(w, seq);
	pos = seqwin_pos(w->high, seq);
	if (pos > 0) {
		w->seen = pos >= 64 ? 0 : w->seen << pos;
		w->seen = (w->seen | 1) & SEQWIN_MASK;
		w->high = seq;
	} else
		w->seen |= UINT64_C(1) << -pos;
	return 0;
}
