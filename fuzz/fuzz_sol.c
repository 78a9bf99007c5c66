/*
 * libFuzzer target for the SOL codec, the SOL receive/send machines and
 * the RMCP+ session sequence window. Invariants are checked with abort()
 * so that a violation is a finding, not just a crash-free run.
 *
 * Input: the whole input is first decoded as one SOL packet in both
 * directions. Then it is replayed as a script:
 *   byte 0       config: bits 2:0 retry limit, bit 3 solpacketseq bump
 *   then steps:  h < 0x80: a packet of h bytes, preceded by a room byte
 *                (how much the sink takes) and fed to rx and to tx
 *                0x80..0xbf: tx sends a packet of (h & 0x3f) * 4 bytes
 *                0xc0..0xff: the tx retransmit timer fires
 * Finally it is read as a sequence-number script for the replay window:
 *   bytes 0..3 the first number, then one signed delta byte per step
 *   around the current highest (0x80: the next 4 bytes are a raw number).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/seqwin.h"
#include "ipmi/sol.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_SEQ_MAX	1024	/* numbers remembered per input */

/* Decode, then re-encode and compare with the input minus reserved bits. */
static void
fuzz_codec(const uint8_t *in, size_t len, enum ipmi_sol_dir dir)
{
	struct ipmi_sol_pkt p;
	uint8_t out[IPMI_SOL_PKT_MAX];
	uint8_t mask;
	int rc, n;

	rc = ipmi_sol_decode(in, len, dir, &p);
	if (len < IPMI_SOL_HDR_LEN) {
		if (rc != VCM_ETRUNC)
			abort();
		return;
	}
	if (len > IPMI_SOL_PKT_MAX) {
		if (rc != VCM_ERANGE)
			abort();
		return;
	}
	if (rc != 0)
		abort();
	mask = dir == IPMI_SOL_TO_BMC ? IPMI_SOL_OP_MASK : IPMI_SOL_ST_MASK;
	if (p.seq > 15 || p.ack_seq > 15 || (p.flags & ~mask) != 0 ||
	    p.len != len - IPMI_SOL_HDR_LEN || p.len > VCM_SOL_DATA_MAX)
		abort();
	if (p.len > 0 && p.data != in + IPMI_SOL_HDR_LEN)
		abort();
	n = ipmi_sol_encode(&p, dir, out, sizeof(out));
	if ((p.seq == 0 && p.len > 0) || (p.ack_seq == 0 &&
	    (p.accepted != 0 || (p.flags & IPMI_SOL_NACK) != 0))) {
		if (n != VCM_EINVAL)
			abort();
		return;
	}
	if (n != (int)len)
		abort();
	if (out[0] != (in[0] & 0x0f) || out[1] != (in[1] & 0x0f) ||
	    out[2] != in[2] || out[3] != (in[3] & mask) ||
	    memcmp(out + 4, in + 4, len - 4) != 0)
		abort();
	/* One byte short of room must fail cleanly. */
	if (ipmi_sol_encode(&p, dir, out, len - 1) != VCM_ENOSPC)
		abort();
}

/* Model of what the receiver has handed out for its current packet. */
struct rx_model {
	uint8_t		 seq;
	size_t		 delivered;	/* for the current sequence number */
	size_t		 total_in;	/* characters that arrived at all */
	size_t		 total_out;	/* characters delivered at all */
};

static void
step_rx(struct ipmi_sol_rx *rx, struct rx_model *m,
    const struct ipmi_sol_pkt *p, size_t room)
{
	struct ipmi_sol_rx before = *rx;
	struct ipmi_sol_rx_res r;

	if (ipmi_sol_rx_packet(rx, p, room, &r) != 0)
		abort();
	if (!IPMI_SOL_RX_STATE_VALID(rx->state) ||
	    !IPMI_SOL_RX_KIND_VALID(r.kind))
		abort();
	if ((size_t)r.off + r.len > p->len || r.len > room)
		abort();
	m->total_in += p->len;
	m->total_out += r.len;
	if (m->total_out > m->total_in)
		abort();
	if (p->seq == 0) {
		if (r.kind != IPMI_SOL_RX_ACKONLY || r.len != 0 ||
		    r.send_ack || memcmp(rx, &before, sizeof(before)) != 0)
			abort();
		return;
	}
	/* Every data packet is ACKed, for its own number, within its size. */
	if (!r.send_ack || r.ack_seq != p->seq || r.accepted > p->len)
		abort();
	if (r.nack && (r.accepted != 0 || p->len == 0))
		abort();
	switch (r.kind) {
	case IPMI_SOL_RX_NEW:
	case IPMI_SOL_RX_JUMP:
		if (before.state != IPMI_SOL_RX_EMPTY &&
		    before.last_seq == p->seq)
			abort();
		if ((r.kind == IPMI_SOL_RX_NEW) !=
		    (before.state == IPMI_SOL_RX_EMPTY ||
		    ipmi_sol_seq_next(before.last_seq) == p->seq))
			abort();
		if (r.off != 0)
			abort();
		m->seq = p->seq;
		m->delivered = r.len;
		break;
	case IPMI_SOL_RX_EXTRA:
		if (before.state == IPMI_SOL_RX_EMPTY || m->seq != p->seq)
			abort();
		/* Only bytes past what was already delivered. */
		if (r.off != m->delivered || p->len <= m->delivered)
			abort();
		m->delivered += r.len;
		break;
	case IPMI_SOL_RX_DUP:
		if (before.state == IPMI_SOL_RX_EMPTY || m->seq != p->seq ||
		    r.len != 0 || p->len > m->delivered ||
		    r.accepted != p->len)
			abort();
		break;
	default:
		abort();
	}
	if (rx->last_seq != p->seq || rx->accepted != m->delivered ||
	    m->delivered > VCM_SOL_DATA_MAX)
		abort();
	if (r.kind != IPMI_SOL_RX_DUP && r.accepted != m->delivered)
		abort();
}

static void
step_tx_ack(struct ipmi_sol_tx *tx, const struct ipmi_sol_pkt *p)
{
	struct ipmi_sol_tx before = *tx;
	uint8_t acc = 0xee;
	int k;

	k = ipmi_sol_tx_ack(tx, p, &acc);
	if (k < 0 || !IPMI_SOL_TX_ACK_KIND_VALID(k) ||
	    !IPMI_SOL_TX_STATE_VALID(tx->state))
		abort();
	/* Never report more accepted than was sent. */
	if (acc > before.len)
		abort();
	switch (k) {
	case IPMI_SOL_TX_NOACK:
	case IPMI_SOL_TX_STALE:
	case IPMI_SOL_TX_NACKED:
		if (acc != 0 || memcmp(tx, &before, sizeof(before)) != 0)
			abort();
		if (k == IPMI_SOL_TX_NOACK && p->ack_seq != 0)
			abort();
		if (k != IPMI_SOL_TX_NOACK &&
		    before.state == IPMI_SOL_TX_WAIT &&
		    p->ack_seq == before.seq && k != IPMI_SOL_TX_NACKED)
			abort();
		break;
	case IPMI_SOL_TX_FULL:
	case IPMI_SOL_TX_PARTIAL:
	case IPMI_SOL_TX_OVERCOUNT:
		if (before.state != IPMI_SOL_TX_WAIT ||
		    p->ack_seq != before.seq || tx->state != IPMI_SOL_TX_IDLE)
			abort();
		if (k == IPMI_SOL_TX_FULL && acc != before.len)
			abort();
		if (k == IPMI_SOL_TX_PARTIAL &&
		    (acc >= before.len || acc != p->accepted))
			abort();
		if (k == IPMI_SOL_TX_OVERCOUNT &&
		    (acc != before.len || p->accepted <= before.len))
			abort();
		break;
	default:
		abort();
	}
}

static void
step_tx_send(struct ipmi_sol_tx *tx, size_t len, int *bumps)
{
	struct ipmi_sol_tx before = *tx;
	int s;

	s = ipmi_sol_tx_send(tx, len);
	if (before.state != IPMI_SOL_TX_IDLE) {
		if (s != VCM_ESTATE || memcmp(tx, &before, sizeof(before)))
			abort();
		return;
	}
	if (s != ipmi_sol_seq_next(before.seq) || tx->state !=
	    IPMI_SOL_TX_WAIT || tx->len != len || tx->retries != 0)
		abort();
	*bumps = 0;
}

static void
step_tx_timeout(struct ipmi_sol_tx *tx, unsigned int max, unsigned int fl,
    int *bumps)
{
	struct ipmi_sol_tx before = *tx;
	int k;

	k = ipmi_sol_tx_timeout(tx, max, fl);
	if (!IPMI_SOL_TX_STATE_VALID(tx->state) || tx->retries > max)
		abort();
	switch (k) {
	case IPMI_SOL_TX_NOTHING:
		if (before.state != IPMI_SOL_TX_IDLE)
			abort();
		break;
	case IPMI_SOL_TX_RESEND:
		if (tx->seq != before.seq || tx->retries != before.retries + 1)
			abort();
		break;
	case IPMI_SOL_TX_BUMP:
		if ((fl & IPMI_SOL_TX_F_SEQBUMP) == 0 || ++*bumps > 1 ||
		    tx->seq != ipmi_sol_seq_next(before.seq) ||
		    tx->len != before.len)
			abort();
		break;
	case IPMI_SOL_TX_GIVEUP:
		if (tx->state != IPMI_SOL_TX_FAILED)
			abort();
		break;
	default:
		abort();
	}
}

static void
fuzz_machines(const uint8_t *in, size_t len)
{
	struct ipmi_sol_rx rx;
	struct ipmi_sol_tx tx;
	struct ipmi_sol_pkt p;
	struct rx_model m;
	unsigned int max, fl;
	size_t i, n, room;
	int bumps = 0;
	uint8_t h;

	if (len < 1)
		return;
	max = in[0] & 7;
	fl = (in[0] & 8) ? IPMI_SOL_TX_F_SEQBUMP : 0;
	ipmi_sol_rx_init(&rx);
	ipmi_sol_tx_init(&tx);
	memset(&m, 0, sizeof(m));
	for (i = 1; i < len;) {
		h = in[i++];
		if (h >= 0xc0) {
			step_tx_timeout(&tx, max, fl, &bumps);
			continue;
		}
		if (h >= 0x80) {
			step_tx_send(&tx, (size_t)(h & 0x3f) * 4, &bumps);
			continue;
		}
		if (i >= len)
			break;
		room = in[i++];
		n = h;
		if (n > len - i)
			n = len - i;
		if (ipmi_sol_decode(in + i, n, IPMI_SOL_TO_CONSOLE, &p) == 0) {
			step_rx(&rx, &m, &p, room);
			step_tx_ack(&tx, &p);
		}
		i += n;
	}
}

/* Independent model: index along 1..2^32-1, which the peer cycles. */
static int64_t
seq_dist(uint32_t from, uint32_t to)
{
	const int64_t ring = INT64_C(0xffffffff);
	int64_t d;

	d = ((int64_t)to - 1) - ((int64_t)from - 1);
	d %= ring;
	if (d < 0)
		d += ring;
	if (d > ring / 2)
		d -= ring;
	return d;
}

static void
fuzz_seqwin(const uint8_t *in, size_t len)
{
	uint32_t seen[FUZZ_SEQ_MAX];
	struct ipmi_seqwin w, before;
	size_t i, j, nseen = 0;
	uint32_t seq, high = 0;
	int64_t d;
	int c, a, dup;

	if (len < 4)
		return;
	ipmi_seqwin_init(&w);
	seq = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 |
	    (uint32_t)in[2] << 8 | in[3];
	for (i = 4;;) {
		before = w;
		c = ipmi_seqwin_check(&w, seq);
		if (before.state != w.state || before.high != w.high ||
		    before.seen != w.seen)
			abort();
		dup = 0;
		for (j = 0; j < nseen; j++)
			if (seen[j] == seq)
				dup = 1;
		a = ipmi_seqwin_accept(&w, seq);
		if (a != c || (a != 0 && a != VCM_ESEQ))
			abort();
		if (seq == 0 && a == 0)
			abort();
		if (a == 0) {
			/* Never the same number twice. */
			if (dup)
				abort();
			if (before.state == IPMI_SEQWIN_ACTIVE) {
				d = seq_dist(before.high, seq);
				if (d > VCM_IPMI_SEQ_AHEAD ||
				    d < -VCM_IPMI_SEQ_WINDOW || d == 0)
					abort();
				if (w.high != (d > 0 ? seq : before.high))
					abort();
			} else if (w.high != seq)
				abort();
			if (nseen < FUZZ_SEQ_MAX)
				seen[nseen++] = seq;
			high = w.high;
		} else if (w.state != before.state || w.high != before.high ||
		    w.seen != before.seen)
			abort();
		if ((w.seen & ~((UINT64_C(1) << (VCM_IPMI_SEQ_WINDOW + 1)) - 1))
		    != 0)
			abort();
		if (i >= len)
			break;
		if (in[i] == 0x80 && len - i >= 5) {
			seq = (uint32_t)in[i + 1] << 24 |
			    (uint32_t)in[i + 2] << 16 |
			    (uint32_t)in[i + 3] << 8 | in[i + 4];
			i += 5;
		} else {
			seq = high + (uint32_t)(int32_t)(int8_t)in[i];
			i++;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_codec(data, size, IPMI_SOL_TO_BMC);
	fuzz_codec(data, size, IPMI_SOL_TO_CONSOLE);
	fuzz_machines(data, size);
	fuzz_seqwin(data, size);
	return 0;
}
