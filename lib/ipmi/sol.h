/*
 * The SOL payload (RMCP+ payload type 0x01) and the two small state
 * machines that run on top of it (IPMI.md §2.4).
 *
 * Wire layout, both directions:
 *   byte 0  packet sequence number, bits 3:0 (0 = ACK-only packet)
 *   byte 1  ACK/NACK sequence number, bits 3:0 (0 = no ACK in packet)
 *   byte 2  accepted character count
 *   byte 3  operation bits (console->BMC) or status bits (BMC->console)
 *   then 0..VCM_SOL_DATA_MAX character bytes.
 *
 * Reserved bits (bits 7:4 of bytes 0 and 1, bit 7 of byte 3 and, from
 * the BMC, bits 1:0 of byte 3) are IGNORED on decode, because real BMCs
 * set odd bits and rejecting them would cost a console for no safety
 * gain; the encoder refuses to set them, so we always write 0.
 *
 * Everything here is pure: no I/O, no clock, no allocation. The caller
 * owns every struct, the clock and the queues of characters.
 */
#ifndef IPMI_SOL_H
#define IPMI_SOL_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"

/* Fixed header before the character data. */
#define IPMI_SOL_HDR_LEN		4
/* Largest SOL payload: the header plus one byte-counted data block. */
#define IPMI_SOL_PKT_MAX		(IPMI_SOL_HDR_LEN + VCM_SOL_DATA_MAX)

/* Sequence numbers are 4 bits; 0 means "none" (ACK-only / no ACK). */
#define IPMI_SOL_SEQ_MASK		0x0f
#define IPMI_SOL_SEQ_MAX		15

/* Byte 3, console -> BMC: operation bits. */
#define IPMI_SOL_OP_NACK		0x40	/* packet not accepted */
#define IPMI_SOL_OP_RING		0x20	/* assert ring / WOR */
#define IPMI_SOL_OP_BREAK		0x10	/* generate a serial break */
#define IPMI_SOL_OP_PAUSE		0x08	/* deassert CTS */
#define IPMI_SOL_OP_DROP_DCD		0x04	/* drop DCD/DSR */
#define IPMI_SOL_OP_FLUSH_IN		0x02	/* flush inbound */
#define IPMI_SOL_OP_FLUSH_OUT		0x01	/* flush outbound */
#define IPMI_SOL_OP_MASK		0x7f

/* Byte 3, BMC -> console: status bits. */
#define IPMI_SOL_ST_NACK		0x40	/* packet not accepted */
#define IPMI_SOL_ST_UNAVAIL		0x20	/* char transfer unavailable */
#define IPMI_SOL_ST_DEACTIVATING	0x10	/* SOL deactivating */
#define IPMI_SOL_ST_OVERRUN		0x08	/* transmit overrun */
#define IPMI_SOL_ST_BREAK		0x04	/* break detected */
#define IPMI_SOL_ST_MASK		0x7c

/* The NACK bit sits at the same place in both directions. */
#define IPMI_SOL_NACK			0x40

/* Which way a packet travels: it decides what byte 3 means. */
enum ipmi_sol_dir {
	IPMI_SOL_TO_BMC = 0,		/* console -> BMC: operation bits */
	IPMI_SOL_TO_CONSOLE = 1		/* BMC -> console: status bits */
};
#define IPMI_SOL_DIR_VALID(d)						\
	((d) == IPMI_SOL_TO_BMC || (d) == IPMI_SOL_TO_CONSOLE)

/*
 * One decoded packet. data points into the caller's buffer (decode) or
 * at the caller's characters (encode); it is never owned.
 */
struct ipmi_sol_pkt {
	uint8_t		 seq;		/* 0..15, 0 = ACK-only */
	uint8_t		 ack_seq;	/* 0..15, 0 = no ACK */
	uint8_t		 accepted;	/* accepted character count */
	uint8_t		 flags;		/* IPMI_SOL_OP_* or IPMI_SOL_ST_* */
	const uint8_t	*data;
	size_t		 len;		/* 0..VCM_SOL_DATA_MAX */
};

int	 ipmi_sol_decode(const void *, size_t, enum ipmi_sol_dir,
	    struct ipmi_sol_pkt *);
int	 ipmi_sol_encode(const struct ipmi_sol_pkt *, enum ipmi_sol_dir,
	    void *, size_t);
uint8_t	 ipmi_sol_seq_next(uint8_t);

/* ---- receive side --------------------------------------------------- */

enum ipmi_sol_rx_state {
	IPMI_SOL_RX_EMPTY = 0,		/* no data packet seen yet */
	IPMI_SOL_RX_WHOLE = 1,		/* last packet accepted in full */
	IPMI_SOL_RX_PART = 2		/* last packet partly accepted */
};
#define IPMI_SOL_RX_STATE_VALID(s)					\
	((s) == IPMI_SOL_RX_EMPTY || (s) == IPMI_SOL_RX_WHOLE ||	\
	 (s) == IPMI_SOL_RX_PART)

struct ipmi_sol_rx {
	uint8_t		 state;		/* enum ipmi_sol_rx_state */
	uint8_t		 last_seq;	/* last data packet's number, or 0 */
	uint8_t		 accepted;	/* bytes of it accepted so far */
};

/* What an incoming packet turned out to be. */
enum ipmi_sol_rx_kind {
	IPMI_SOL_RX_ACKONLY = 0,	/* seq 0: nothing to deliver or ACK */
	IPMI_SOL_RX_NEW = 1,		/* the next packet (or the first) */
	IPMI_SOL_RX_JUMP = 2,	/* neither last nor next: taken as new */
	IPMI_SOL_RX_EXTRA = 3,		/* retransmission with new bytes */
	IPMI_SOL_RX_DUP = 4		/* retransmission, nothing new */
};
#define IPMI_SOL_RX_KIND_VALID(k)					\
	((k) >= IPMI_SOL_RX_ACKONLY && (k) <= IPMI_SOL_RX_DUP)

struct ipmi_sol_rx_res {
	uint8_t		 kind;		/* enum ipmi_sol_rx_kind */
	uint8_t		 off;		/* deliver data[off .. off + len) */
	uint8_t		 len;
	uint8_t		 send_ack;	/* 1: put the three fields below out */
	uint8_t		 ack_seq;
	uint8_t		 accepted;
	uint8_t		 nack;		/* 1: set the NACK bit */
};

void	 ipmi_sol_rx_init(struct ipmi_sol_rx *);
int	 ipmi_sol_rx_packet(struct ipmi_sol_rx *, const struct ipmi_sol_pkt *,
	    size_t, struct ipmi_sol_rx_res *);

/* ---- send side ------------------------------------------------------ */

enum ipmi_sol_tx_state {
	IPMI_SOL_TX_IDLE = 0,		/* nothing outstanding */
	IPMI_SOL_TX_WAIT = 1,		/* one packet sent, waiting for ACK */
	IPMI_SOL_TX_FAILED = 2		/* retry budget spent; re-init */
};
#define IPMI_SOL_TX_STATE_VALID(s)					\
	((s) == IPMI_SOL_TX_IDLE || (s) == IPMI_SOL_TX_WAIT ||		\
	 (s) == IPMI_SOL_TX_FAILED)

struct ipmi_sol_tx {
	uint8_t		 state;		/* enum ipmi_sol_tx_state */
	uint8_t		 seq;		/* outstanding (or last used) number */
	uint8_t		 len;	/* data bytes in the outstanding packet */
	uint8_t		 retries;	/* retransmissions of it so far */
	uint8_t		 bumped;	/* solpacketseq bump already done */
};

/* What an incoming ACK/NACK did to the outstanding packet. */
enum ipmi_sol_tx_ack_kind {
	IPMI_SOL_TX_NOACK = 0,		/* packet carries no ACK (ack_seq 0) */
	IPMI_SOL_TX_STALE = 1,		/* ACK for another packet: ignored */
	IPMI_SOL_TX_NACKED = 2,		/* peer refused: pause, retry later */
	IPMI_SOL_TX_FULL = 3,		/* every byte accepted */
	IPMI_SOL_TX_PARTIAL = 4,	/* some bytes accepted; resend rest */
	IPMI_SOL_TX_OVERCOUNT = 5	/* count > sent: clamped, peer error */
};
#define IPMI_SOL_TX_ACK_KIND_VALID(k)					\
	((k) >= IPMI_SOL_TX_NOACK && (k) <= IPMI_SOL_TX_OVERCOUNT)

/* What to do when the caller's retransmit timer fires. */
enum ipmi_sol_tx_timeout_kind {
	IPMI_SOL_TX_NOTHING = 0,	/* nothing outstanding */
	IPMI_SOL_TX_RESEND = 1,		/* resend the same packet, same seq */
	IPMI_SOL_TX_BUMP = 2,		/* solpacketseq: same data, new seq */
	IPMI_SOL_TX_GIVEUP = 3		/* budget spent; do not deactivate */
};

/* Send-side options the caller chooses per BMC model. */
#define IPMI_SOL_TX_F_SEQBUMP		0x01	/* FreeIPMI "solpacketseq" */

void	 ipmi_sol_tx_init(struct ipmi_sol_tx *);
int	 ipmi_sol_tx_send(struct ipmi_sol_tx *, size_t);
int	 ipmi_sol_tx_ack(struct ipmi_sol_tx *, const struct ipmi_sol_pkt *,
	    uint8_t *);
int	 ipmi_sol_tx_timeout(struct ipmi_sol_tx *, unsigned int, unsigned int);

#endif
