/*
 * RMCP+ session sequence numbers (IPMI.md §2.2).
 *
 * Outbound: a counter whose first packet carries 1 and which skips 0 on
 * wrap, because in IPMI 2.0 sequence number 0 is never valid.
 *
 * Inbound: a sliding replay window. A number is accepted once if it is
 * at most VCM_IPMI_SEQ_WINDOW behind the highest number accepted so far,
 * or at most VCM_IPMI_SEQ_AHEAD ahead of it; 0 is always refused.
 * Distances are counted along the sequence the peer really sends
 * (..., 0xfffffffe, 0xffffffff, 1, 2, ...), so the 2^32 wrap is seamless.
 *
 * Two phases, as in OpenIPMI, which moves the window only after
 * authentication "to prevent spoofing": ipmi_seqwin_check() never
 * changes state and runs before the packet's integrity check;
 * ipmi_seqwin_accept() commits once the packet proved authentic.
 */
#ifndef IPMI_SEQWIN_H
#define IPMI_SEQWIN_H

#include <stdint.h>

#include "vcm/limits.h"

struct ipmi_seqwin_out {
	uint32_t	 last;		/* number last sent; 0 = none yet */
};

void		 ipmi_seqwin_out_init(struct ipmi_seqwin_out *);
uint32_t	 ipmi_seqwin_out_next(struct ipmi_seqwin_out *);

enum ipmi_seqwin_state {
	IPMI_SEQWIN_EMPTY = 0,		/* no authenticated packet yet */
	IPMI_SEQWIN_ACTIVE = 1		/* high and seen are meaningful */
};
#define IPMI_SEQWIN_STATE_VALID(s)					\
	((s) == IPMI_SEQWIN_EMPTY || (s) == IPMI_SEQWIN_ACTIVE)

struct ipmi_seqwin {
	uint8_t		 state;		/* enum ipmi_seqwin_state */
	uint32_t	 high;		/* highest number accepted */
	/* Bit i set: the number i steps behind high was accepted (bit 0 is
	 * high itself). Bits above VCM_IPMI_SEQ_WINDOW are always clear. */
	uint64_t	 seen;
};

void	 ipmi_seqwin_init(struct ipmi_seqwin *);
int	 ipmi_seqwin_start(struct ipmi_seqwin *, uint32_t);
int	 ipmi_seqwin_check(const struct ipmi_seqwin *, uint32_t);
int	 ipmi_seqwin_accept(struct ipmi_seqwin *, uint32_t);

#endif
