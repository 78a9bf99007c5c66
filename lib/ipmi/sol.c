/*
 * SOL payload codec and the receive/send state machines (IPMI.md §2.4).
 *
 * The rules follow FreeIPMI's libipmiconsole (the receive side) and
 * ipmitool's lanplus (partial ACKs on the send side). Every number the
 * peer sends us (sequence numbers, accepted counts) is compared with what
 * we sent or saw; none is used as a length or an index unchecked.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/vbuf.h"
#include "ipmi/sol.h"

/* The accepted count is one byte, so a packet can never say more. */
_Static_assert(VCM_SOL_DATA_MAX <= UINT8_MAX, "SOL data fits a count byte");

/*
 * Byte 3 means different things in each direction; the mask of bits
 * that are defined there is what we keep on decode and allow on encode.
 */
static uint8_t
flags_mask(enum ipmi_sol_dir dir)
{
	return dir == IPMI_SOL_TO_BMC ? IPMI_SOL_OP_MASK : IPMI_SOL_ST_MASK;
}

/*
 * Decodes one SOL payload. Reserved bits are dropped, not rejected,
 * because real BMCs set odd bits (IPMI.md §1.2) and they carry nothing
 * we act on. A payload with more than VCM_SOL_DATA_MAX characters is
 * refused: the accepted count is one byte, so such a packet can never be
 * acknowledged correctly (IPMI.md §2.4). An ACK-only packet (seq 0) that
 * carries characters is decoded as is; the receive machine ignores them.
 */
int
ipmi_sol_decode(const void *buf, size_t len, enum ipmi_sol_dir dir,
    struct ipmi_sol_pkt *p)
{
	struct vbuf_rd r;
	uint8_t b0, b1, b2, b3;
	size_t n;
	const uint8_t *data;
	int rc;

	if (p == NULL || !IPMI_SOL_DIR_VALID(dir))
		return VCM_EINVAL;
	memset(p, 0, sizeof(*p));
	vbuf_rd_init(&r, buf, len);
	b0 = vbuf_get_u8(&r);
	b1 = vbuf_get_u8(&r);
	b2 = vbuf_get_u8(&r);
	b3 = vbuf_get_u8(&r);
	if (r.err)
		return r.err;
	n = vbuf_left(&r);
	if (n > VCM_SOL_DATA_MAX)
		return VCM_ERANGE;
	data = vbuf_get_span(&r, n);
	if ((rc = vbuf_end(&r)) != 0)
		return rc;
	p->seq = b0 & IPMI_SOL_SEQ_MASK;
	p->ack_seq = b1 & IPMI_SOL_SEQ_MASK;
	p->accepted = b2;
	p->flags = b3 & flags_mask(dir);
	p->data = n > 0 ? data : NULL;
	p->len = n;
	return 0;
}

/*
 * Encodes one SOL payload and returns its length. We are strict about
 * what we send (the peer may not be): reserved bits, out-of-range
 * sequence numbers, characters in an ACK-only packet and an accepted
 * count or NACK without an ACK sequence number are caller bugs and are
 * refused rather than silently sent.
 */
int
ipmi_sol_encode(const struct ipmi_sol_pkt *p, enum ipmi_sol_dir dir,
    void *buf, size_t cap)
{
	struct vbuf_wr w;
	int rc;

	if (p == NULL || !IPMI_SOL_DIR_VALID(dir))
		return VCM_EINVAL;
	if (p->len > VCM_SOL_DATA_MAX)
		return VCM_ERANGE;
	if (p->seq > IPMI_SOL_SEQ_MAX || p->ack_seq > IPMI_SOL_SEQ_MAX)
		return VCM_EINVAL;
	if ((p->flags & ~flags_mask(dir)) != 0)
		return VCM_EINVAL;
	if (p->len > 0 && (p->data == NULL || p->seq == 0))
		return VCM_EINVAL;
	if (p->ack_seq == 0 &&
	    (p->accepted != 0 || (p->flags & IPMI_SOL_NACK) != 0))
		return VCM_EINVAL;
	vbuf_wr_init(&w, buf, cap);
	vbuf_put_u8(&w, p->seq);
	vbuf_put_u8(&w, p->ack_seq);
	vbuf_put_u8(&w, p->accepted);
	vbuf_put_u8(&w, p->flags);
	vbuf_put_bytes(&w, p->data, p->len);
	if ((rc = vbuf_wr_error(&w)) != 0)
		return rc;
	return (int)w.len;
}

/*
 * The sequence number after s: 1..15 and wrapping 15 -> 1, because 0
 * marks an ACK-only packet and is never a data packet's number. Any
 * input (even 0 or reserved high bits) yields a valid data number.
 */
uint8_t
ipmi_sol_seq_next(uint8_t s)
{
	return (uint8_t)((s & IPMI_SOL_SEQ_MASK) % IPMI_SOL_SEQ_MAX + 1);
}

/* ---- receive side --------------------------------------------------- */

/* A fresh receiver has seen no data packet, so any number is new. */
void
ipmi_sol_rx_init(struct ipmi_sol_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->state = IPMI_SOL_RX_EMPTY;
}

/*
 * Fills in the ACK for the packet numbered seq of len bytes of which
 * acc have now been accepted. NACK only when none of a non-empty packet
 * was taken: some consoles read an ACK with a zero count as "all taken"
 * (ipmitool intelplus, IPMI.md §1.3), so an explicit NACK is the only
 * unambiguous refusal; a partial count already asks for the rest.
 */
static void
rx_set_ack(struct ipmi_sol_rx_res *res, uint8_t seq, size_t len, size_t acc)
{
	res->send_ack = 1;
	res->ack_seq = seq;
	res->accepted = (uint8_t)acc;
	res->nack = (acc == 0 && len > 0) ? 1 : 0;
}

/*
 * Decides what to deliver from one incoming packet and what to ACK.
 * room is how many characters the caller's sink takes now; what it does
 * not take is not counted as accepted and the peer sends it again.
 *
 * Rules (IPMI.md §2.4, FreeIPMI libipmiconsole):
 * - seq 0 is ACK-only: "never retried or ACKed"; deliver nothing (any
 *   characters in it are ignored).
 * - a number other than the last one is a new packet: deliver from byte
 *   0 and ACK what was taken. If it is not the next number either (a
 *   "jump"), it is still taken as new, because BMCs' numbers jump after
 *   a reboot (IPMI.md §1.2, Tyan) and refusing would wedge the console
 *   forever (phosphor-net-ipmid#19); the kind tells the caller to log.
 * - the same number again is a retransmission, which "may carry extra
 *   data: pass on only the bytes past the previously accepted count but
 *   ACK the whole packet". With nothing new it is a duplicate: deliver
 *   nothing and ACK it again, since our first ACK was evidently lost.
 */
int
ipmi_sol_rx_packet(struct ipmi_sol_rx *rx, const struct ipmi_sol_pkt *p,
    size_t room, struct ipmi_sol_rx_res *res)
{
	size_t acc, take;

	if (rx == NULL || p == NULL || res == NULL)
		return VCM_EINVAL;
	memset(res, 0, sizeof(*res));
	if (!IPMI_SOL_RX_STATE_VALID(rx->state))
		return VCM_ESTATE;
	if (p->seq > IPMI_SOL_SEQ_MAX || p->len > VCM_SOL_DATA_MAX ||
	    (p->len > 0 && p->data == NULL))
		return VCM_EINVAL;

	if (p->seq == 0) {
		res->kind = IPMI_SOL_RX_ACKONLY;
		return 0;
	}

	if (rx->state != IPMI_SOL_RX_EMPTY && p->seq == rx->last_seq) {
		acc = rx->accepted;
		if (p->len <= acc) {
			/* All of this copy was taken before. */
			res->kind = IPMI_SOL_RX_DUP;
			rx->state = IPMI_SOL_RX_WHOLE;
			rx_set_ack(res, p->seq, p->len, p->len);
			return 0;
		}
		take = p->len - acc;
		if (take > room)
			take = room;
		res->kind = IPMI_SOL_RX_EXTRA;
		res->off = (uint8_t)acc;
		res->len = (uint8_t)take;
		acc += take;
		rx->accepted = (uint8_t)acc;
		rx->state = acc < p->len ? IPMI_SOL_RX_PART : IPMI_SOL_RX_WHOLE;
		rx_set_ack(res, p->seq, p->len, acc);
		return 0;
	}

	res->kind = (rx->state == IPMI_SOL_RX_EMPTY ||
	    p->seq == ipmi_sol_seq_next(rx->last_seq)) ?
	    IPMI_SOL_RX_NEW : IPMI_SOL_RX_JUMP;
	take = p->len < room ? p->len : room;
	res->off = 0;
	res->len = (uint8_t)take;
	rx->last_seq = p->seq;
	rx->accepted = (uint8_t)take;
	rx->state = take < p->len ? IPMI_SOL_RX_PART : IPMI_SOL_RX_WHOLE;
	rx_set_ack(res, p->seq, p->len, take);
	return 0;
}

/* ---- send side ------------------------------------------------------ */

/*
 * A fresh sender has nothing outstanding; its last number is 0 so the
 * first packet carries 1.
 */
void
ipmi_sol_tx_init(struct ipmi_sol_tx *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->state = IPMI_SOL_TX_IDLE;
}

/*
 * Records a new data packet of len characters and returns the sequence
 * number to send it with. SOL allows one packet in flight at a time, so
 * this refuses while one is outstanding (VCM_ESTATE); the caller keeps
 * the characters until the ACK says how many were taken.
 */
int
ipmi_sol_tx_send(struct ipmi_sol_tx *tx, size_t len)
{
	if (tx == NULL)
		return VCM_EINVAL;
	if (!IPMI_SOL_TX_STATE_VALID(tx->state) ||
	    tx->state != IPMI_SOL_TX_IDLE)
		return VCM_ESTATE;
	if (len > VCM_SOL_DATA_MAX)
		return VCM_ERANGE;
	tx->seq = ipmi_sol_seq_next(tx->seq);
	tx->len = (uint8_t)len;
	tx->retries = 0;
	tx->bumped = 0;
	tx->state = IPMI_SOL_TX_WAIT;
	return tx->seq;
}

/* The packet is settled: the next send takes the next number. */
static void
tx_settle(struct ipmi_sol_tx *tx)
{
	tx->state = IPMI_SOL_TX_IDLE;
	tx->len = 0;
	tx->retries = 0;
	tx->bumped = 0;
}

/*
 * Checks the ACK/NACK carried by an incoming packet against the one we
 * have outstanding; returns an enum ipmi_sol_tx_ack_kind and stores in
 * *accepted how many characters the caller may now drop from its queue.
 *
 * - ack_seq 0: the packet carries no ACK at all.
 * - an ACK for another number (or when nothing is outstanding) is stale,
 *   e.g. a late ACK for a packet we already settled; it is ignored.
 * - NACK: the peer could not take the packet (buffer full); nothing is
 *   dropped and the packet stays outstanding, to be resent on timeout.
 *   Its count is not trusted: resending is safe, losing is not.
 * - count == sent: settled in full.
 * - count < sent: a partial ACK; "the rest must be resent" (IPMI.md
 *   §2.4) in a NEW packet with the next number (ipmitool lanplus).
 * - count > sent: impossible from an honest peer; clamp it to what was
 *   sent ("clamp an accepted count larger than what was sent", FreeIPMI)
 *   and report it so the caller can count peer errors.
 */
int
ipmi_sol_tx_ack(struct ipmi_sol_tx *tx, const struct ipmi_sol_pkt *p,
    uint8_t *accepted)
{
	if (tx == NULL || p == NULL || accepted == NULL)
		return VCM_EINVAL;
	*accepted = 0;
	if (!IPMI_SOL_TX_STATE_VALID(tx->state))
		return VCM_ESTATE;
	if ((p->ack_seq & IPMI_SOL_SEQ_MASK) == 0)
		return IPMI_SOL_TX_NOACK;
	if (tx->state != IPMI_SOL_TX_WAIT || p->ack_seq != tx->seq)
		return IPMI_SOL_TX_STALE;
	if ((p->flags & IPMI_SOL_NACK) != 0)
		return IPMI_SOL_TX_NACKED;
	if (p->accepted > tx->len) {
		*accepted = tx->len;
		tx_settle(tx);
		return IPMI_SOL_TX_OVERCOUNT;
	}
	*accepted = p->accepted;
	if (p->accepted == tx->len) {
		tx_settle(tx);
		return IPMI_SOL_TX_FULL;
	}
	tx_settle(tx);
	return IPMI_SOL_TX_PARTIAL;
}

/*
 * The caller's retransmit timer fired; returns an enum
 * ipmi_sol_tx_timeout_kind. The caller owns the clock and the backoff.
 *
 * - fewer than max_retries retransmissions so far: resend the same
 *   packet with the SAME number, so the peer can tell it is a copy.
 *   The count is a byte, so a limit above 255 acts as 255.
 * - budget spent and IPMI_SOL_TX_F_SEQBUMP set (FreeIPMI "solpacketseq",
 *   Windmill/Winterfell, where "the BMC gets stuck" and a new number
 *   "seems to get it unstuck"): once per packet, move to the next number,
 *   restart the count and resend the same characters under it.
 * - otherwise give up. Per IPMI.md §2.4 the caller must then NOT
 *   deactivate the payload: the session was probably stolen, and
 *   deactivating would kill the new owner's SOL.
 */
int
ipmi_sol_tx_timeout(struct ipmi_sol_tx *tx, unsigned int max_retries,
    unsigned int flags)
{
	if (tx == NULL)
		return VCM_EINVAL;
	if (!IPMI_SOL_TX_STATE_VALID(tx->state))
		return VCM_ESTATE;
	if (tx->state == IPMI_SOL_TX_IDLE)
		return IPMI_SOL_TX_NOTHING;
	if (tx->state == IPMI_SOL_TX_FAILED)
		return IPMI_SOL_TX_GIVEUP;
	if (tx->retries < max_retries && tx->retries < UINT8_MAX) {
		tx->retries++;
		return IPMI_SOL_TX_RESEND;
	}
	if ((flags & IPMI_SOL_TX_F_SEQBUMP) != 0 && !tx->bumped) {
		tx->bumped = 1;
		tx->retries = 0;
		tx->seq = ipmi_sol_seq_next(tx->seq);
		return IPMI_SOL_TX_BUMP;
	}
	tx->state = IPMI_SOL_TX_FAILED;
	return IPMI_SOL_TX_GIVEUP;
}
