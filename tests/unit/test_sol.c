/* The SOL payload codec and its receive/send state machines. */
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/sol.h"
#include "test.h"

static void
roundtrip_to_bmc(void)
{
	static const uint8_t chars[] = "ls -l\r";
	struct ipmi_sol_pkt in, out;
	uint8_t buf[IPMI_SOL_PKT_MAX];
	int n;

	memset(&in, 0, sizeof(in));
	in.seq = 7;
	in.ack_seq = 4;
	in.accepted = 9;
	in.flags = IPMI_SOL_OP_BREAK | IPMI_SOL_OP_FLUSH_OUT;
	in.data = chars;
	in.len = 6;
	n = ipmi_sol_encode(&in, IPMI_SOL_TO_BMC, buf, sizeof(buf));
	CHECK_INT(n, 10);
	REQUIRE(n == 10);
	CHECK_INT(ipmi_sol_decode(buf, (size_t)n, IPMI_SOL_TO_BMC, &out), 0);
	CHECK_INT(out.seq, 7);
	CHECK_INT(out.ack_seq, 4);
	CHECK_INT(out.accepted, 9);
	CHECK_INT(out.flags, 0x11);
	CHECK_INT(out.len, 6);
	REQUIRE(out.data == buf + 4);
	CHECK_MEM(out.data, chars, 6);
}

static void
roundtrip_to_console(void)
{
	uint8_t chars[VCM_SOL_DATA_MAX];
	struct ipmi_sol_pkt in, out;
	uint8_t buf[IPMI_SOL_PKT_MAX];
	size_t i;
	int n;

	for (i = 0; i < sizeof(chars); i++)
		chars[i] = (uint8_t)(i * 7);
	memset(&in, 0, sizeof(in));
	in.seq = 15;
	in.ack_seq = 1;
	in.accepted = 255;
	in.flags = IPMI_SOL_ST_NACK | IPMI_SOL_ST_UNAVAIL |
	    IPMI_SOL_ST_DEACTIVATING | IPMI_SOL_ST_OVERRUN | IPMI_SOL_ST_BREAK;
	in.data = chars;
	in.len = sizeof(chars);
	n = ipmi_sol_encode(&in, IPMI_SOL_TO_CONSOLE, buf, sizeof(buf));
	CHECK_INT(n, 259);
	REQUIRE(n == 259);
	CHECK_INT(ipmi_sol_decode(buf, (size_t)n, IPMI_SOL_TO_CONSOLE, &out),
	    0);
	CHECK_INT(out.seq, 15);
	CHECK_INT(out.ack_seq, 1);
	CHECK_INT(out.accepted, 255);
	CHECK_INT(out.flags, 0x7c);
	CHECK_INT(out.len, 255);
	CHECK_MEM(out.data, chars, 255);
	/* Empty ACK-only packet. */
	memset(&in, 0, sizeof(in));
	in.ack_seq = 3;
	in.accepted = 2;
	n = ipmi_sol_encode(&in, IPMI_SOL_TO_CONSOLE, buf, sizeof(buf));
	CHECK_INT(n, 4);
	CHECK_INT(ipmi_sol_decode(buf, 4, IPMI_SOL_TO_CONSOLE, &out), 0);
	CHECK_INT(out.seq, 0);
	CHECK_INT(out.ack_seq, 3);
	CHECK_INT(out.accepted, 2);
	CHECK_INT(out.len, 0);
	CHECK(out.data == NULL);
}

static void
known_vectors(void)
{
	uint8_t want[16], buf[16];
	struct ipmi_sol_pkt p;
	long wn;
	int n;

	/* Console -> BMC: seq 3, no ACK, generate break, "ab". */
	wn = test_unhex("03 00 00 10 61 62", want, sizeof(want));
	memset(&p, 0, sizeof(p));
	p.seq = 3;
	p.flags = IPMI_SOL_OP_BREAK;
	p.data = (const uint8_t *)"ab";
	p.len = 2;
	n = ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf));
	CHECK_INT(n, wn);
	CHECK_MEM(buf, want, (size_t)wn);

	/* BMC -> console: seq 5, ACK of 2 with 4 taken, deactivating. */
	wn = test_unhex("05 02 04 10 68 69", want, sizeof(want));
	memset(&p, 0, sizeof(p));
	p.seq = 5;
	p.ack_seq = 2;
	p.accepted = 4;
	p.flags = IPMI_SOL_ST_DEACTIVATING;
	p.data = (const uint8_t *)"hi";
	p.len = 2;
	n = ipmi_sol_encode(&p, IPMI_SOL_TO_CONSOLE, buf, sizeof(buf));
	CHECK_INT(n, wn);
	CHECK_MEM(buf, want, (size_t)wn);

	/* Console ACK-only NACK of packet 9: "00 09 00 40". */
	wn = test_unhex("00 09 00 40", want, sizeof(want));
	memset(&p, 0, sizeof(p));
	p.ack_seq = 9;
	p.flags = IPMI_SOL_OP_NACK;
	n = ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf));
	CHECK_INT(n, wn);
	CHECK_MEM(buf, want, (size_t)wn);

	/* Decode of a BMC packet: seq 1, ACK 1 accepting 3, break detected. */
	wn = test_unhex("01 01 03 04 0d 0a", want, sizeof(want));
	CHECK_INT(ipmi_sol_decode(want, (size_t)wn, IPMI_SOL_TO_CONSOLE, &p),
	    0);
	CHECK_INT(p.seq, 1);
	CHECK_INT(p.ack_seq, 1);
	CHECK_INT(p.accepted, 3);
	CHECK_INT(p.flags, IPMI_SOL_ST_BREAK);
	CHECK_INT(p.len, 2);
	CHECK_MEM(p.data, "\r\n", 2);
}

static void
reserved_bits_ignored(void)
{
	uint8_t in[8], buf[8], want[8];
	struct ipmi_sol_pkt p;
	long n, wn;

	n = test_unhex("f3 e2 04 ff 41", in, sizeof(in));
	CHECK_INT(ipmi_sol_decode(in, (size_t)n, IPMI_SOL_TO_CONSOLE, &p), 0);
	CHECK_INT(p.seq, 3);
	CHECK_INT(p.ack_seq, 2);
	CHECK_INT(p.accepted, 4);
	CHECK_INT(p.flags, 0x7c);
	CHECK_INT(p.len, 1);
	/* Re-encoding writes the reserved bits as 0. */
	wn = test_unhex("03 02 04 7c 41", want, sizeof(want));
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_CONSOLE, buf, sizeof(buf)),
	    wn);
	CHECK_MEM(buf, want, (size_t)wn);
	/* The console -> BMC direction keeps bits 1:0, drops bit 7. */
	CHECK_INT(ipmi_sol_decode(in, (size_t)n, IPMI_SOL_TO_BMC, &p), 0);
	CHECK_INT(p.flags, 0x7f);
}

static void
every_header_truncation_fails(void)
{
	static const uint8_t in[4] = { 1, 2, 3, 4 };
	struct ipmi_sol_pkt p;
	size_t i;

	for (i = 0; i < 4; i++) {
		memset(&p, 0xaa, sizeof(p));
		CHECK_INT(ipmi_sol_decode(in, i, IPMI_SOL_TO_CONSOLE, &p),
		    VCM_ETRUNC);
		CHECK_INT(ipmi_sol_decode(in, i, IPMI_SOL_TO_BMC, &p),
		    VCM_ETRUNC);
		CHECK_INT(p.len, 0);
		CHECK(p.data == NULL);
	}
	CHECK_INT(ipmi_sol_decode(NULL, 10, IPMI_SOL_TO_BMC, &p), VCM_ETRUNC);
	CHECK_INT(ipmi_sol_decode(in, 4, IPMI_SOL_TO_BMC, &p), 0);
	CHECK_INT(ipmi_sol_decode(in, 4, (enum ipmi_sol_dir)7, &p),
	    VCM_EINVAL);
	CHECK_INT(ipmi_sol_decode(in, 4, IPMI_SOL_TO_BMC, NULL), VCM_EINVAL);
}

static void
data_longer_than_255_rejected(void)
{
	uint8_t buf[IPMI_SOL_PKT_MAX + 2];
	struct ipmi_sol_pkt p;

	memset(buf, 0x41, sizeof(buf));
	buf[0] = 1;
	buf[1] = 0;
	buf[2] = 0;
	buf[3] = 0;
	CHECK_INT(ipmi_sol_decode(buf, IPMI_SOL_PKT_MAX, IPMI_SOL_TO_CONSOLE,
	    &p), 0);
	CHECK_INT(p.len, 255);
	CHECK_INT(ipmi_sol_decode(buf, IPMI_SOL_PKT_MAX + 1,
	    IPMI_SOL_TO_CONSOLE, &p), VCM_ERANGE);
	CHECK_INT(ipmi_sol_decode(buf, 1024, IPMI_SOL_TO_BMC, &p), VCM_ERANGE);
	memset(&p, 0, sizeof(p));
	p.seq = 1;
	p.data = buf;
	p.len = 256;
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_ERANGE);
}

static void
encode_refuses_bad_packets(void)
{
	uint8_t buf[16];
	struct ipmi_sol_pkt p, base;

	memset(&base, 0, sizeof(base));
	base.seq = 2;
	base.data = (const uint8_t *)"xyz";
	base.len = 3;

	p = base;
	p.flags = 0x80;			/* reserved */
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_EINVAL);
	p.flags = IPMI_SOL_OP_FLUSH_IN;	/* reserved from the BMC */
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_CONSOLE, buf, sizeof(buf)),
	    VCM_EINVAL);
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)), 7);
	p = base;
	p.seq = 16;
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_EINVAL);
	p = base;
	p.ack_seq = 16;
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_EINVAL);
	p = base;
	p.seq = 0;			/* ACK-only with characters */
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_EINVAL);
	p = base;
	p.accepted = 1;			/* count without an ACK */
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_EINVAL);
	p = base;
	p.flags = IPMI_SOL_NACK;	/* NACK without an ACK number */
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_EINVAL);
	p = base;
	p.data = NULL;
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_EINVAL);
	p = base;
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, 6), VCM_ENOSPC);
	CHECK_INT(ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, buf, 3), VCM_ENOSPC);
	CHECK_INT(ipmi_sol_encode(&p, (enum ipmi_sol_dir)2, buf, sizeof(buf)),
	    VCM_EINVAL);
	CHECK_INT(ipmi_sol_encode(NULL, IPMI_SOL_TO_BMC, buf, sizeof(buf)),
	    VCM_EINVAL);
}

static void
seq_next_wraps_15_to_1(void)
{
	unsigned int i;

	CHECK_INT(ipmi_sol_seq_next(0), 1);
	CHECK_INT(ipmi_sol_seq_next(1), 2);
	CHECK_INT(ipmi_sol_seq_next(14), 15);
	CHECK_INT(ipmi_sol_seq_next(15), 1);
	for (i = 0; i < 256; i++) {
		CHECK(ipmi_sol_seq_next((uint8_t)i) >= 1);
		CHECK(ipmi_sol_seq_next((uint8_t)i) <= 15);
	}
}

/* A data packet from the BMC over a caller buffer. */
static struct ipmi_sol_pkt
bmc_pkt(uint8_t seq, const char *s, size_t len)
{
	struct ipmi_sol_pkt p;

	memset(&p, 0, sizeof(p));
	p.seq = seq;
	p.data = (const uint8_t *)s;
	p.len = len;
	return p;
}

static void
rx_new_packet(void)
{
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p;

	ipmi_sol_rx_init(&rx);
	CHECK_INT(rx.state, IPMI_SOL_RX_EMPTY);
	/* The first packet may carry any number: it is new. */
	p = bmc_pkt(9, "hello", 5);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 1000, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	CHECK_INT(r.off, 0);
	CHECK_INT(r.len, 5);
	CHECK_INT(r.send_ack, 1);
	CHECK_INT(r.ack_seq, 9);
	CHECK_INT(r.accepted, 5);
	CHECK_INT(r.nack, 0);
	CHECK_INT(rx.state, IPMI_SOL_RX_WHOLE);
	/* The next one. */
	p = bmc_pkt(10, "!", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 1000, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	CHECK_INT(r.len, 1);
	CHECK_INT(r.ack_seq, 10);
	CHECK_INT(r.accepted, 1);
	/* An empty data packet is ACKed with 0 and no NACK. */
	p = bmc_pkt(11, NULL, 0);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 1000, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	CHECK_INT(r.len, 0);
	CHECK_INT(r.send_ack, 1);
	CHECK_INT(r.ack_seq, 11);
	CHECK_INT(r.accepted, 0);
	CHECK_INT(r.nack, 0);
}

static void
rx_retransmission_delivers_only_extra(void)
{
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p;

	ipmi_sol_rx_init(&rx);
	p = bmc_pkt(4, "abc", 3);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.len, 3);
	/* Same number, our ACK was lost, the BMC added "de". */
	p = bmc_pkt(4, "abcde", 5);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_EXTRA);
	CHECK_INT(r.off, 3);
	CHECK_INT(r.len, 2);
	CHECK_MEM(p.data + r.off, "de", 2);
	/* The whole packet is ACKed. */
	CHECK_INT(r.send_ack, 1);
	CHECK_INT(r.ack_seq, 4);
	CHECK_INT(r.accepted, 5);
	CHECK_INT(r.nack, 0);
	CHECK_INT(rx.accepted, 5);
	CHECK_INT(rx.state, IPMI_SOL_RX_WHOLE);
}

static void
rx_duplicate_is_reacked(void)
{
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p;

	ipmi_sol_rx_init(&rx);
	p = bmc_pkt(2, "xyz", 3);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_DUP);
	CHECK_INT(r.len, 0);
	CHECK_INT(r.send_ack, 1);
	CHECK_INT(r.ack_seq, 2);
	CHECK_INT(r.accepted, 3);
	CHECK_INT(r.nack, 0);
	/* A shorter copy is a duplicate too, ACKed for its own length. */
	p = bmc_pkt(2, "xy", 2);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_DUP);
	CHECK_INT(r.len, 0);
	CHECK_INT(r.accepted, 2);
	CHECK_INT(rx.accepted, 3);
}

static void
rx_ack_only_is_neither_delivered_nor_acked(void)
{
	struct ipmi_sol_rx rx, before;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p;

	ipmi_sol_rx_init(&rx);
	p = bmc_pkt(6, "q", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	before = rx;
	p = bmc_pkt(0, NULL, 0);
	p.ack_seq = 3;
	p.accepted = 1;
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_ACKONLY);
	CHECK_INT(r.len, 0);
	CHECK_INT(r.send_ack, 0);
	CHECK_MEM(&rx, &before, sizeof(rx));
	/* Characters in an ACK-only packet are ignored. */
	p = bmc_pkt(0, "junk", 4);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_ACKONLY);
	CHECK_INT(r.len, 0);
	CHECK_INT(r.send_ack, 0);
	CHECK_MEM(&rx, &before, sizeof(rx));
}

static void
rx_sequence_wraps_15_to_1(void)
{
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p;

	ipmi_sol_rx_init(&rx);
	p = bmc_pkt(15, "a", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	p = bmc_pkt(1, "b", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	CHECK_INT(r.len, 1);
	CHECK_INT(r.ack_seq, 1);
	CHECK_INT(rx.last_seq, 1);
}

static void
rx_jump_is_taken_as_new(void)
{
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p;

	ipmi_sol_rx_init(&rx);
	p = bmc_pkt(3, "abc", 3);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	/* Neither 3 (last) nor 4 (next): a BMC that rebooted. */
	p = bmc_pkt(9, "boot", 4);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_JUMP);
	CHECK_INT(r.off, 0);
	CHECK_INT(r.len, 4);
	CHECK_INT(r.send_ack, 1);
	CHECK_INT(r.ack_seq, 9);
	CHECK_INT(r.accepted, 4);
	CHECK_INT(rx.last_seq, 9);
	/* 15 -> 1 is "next", 15 -> 2 is a jump. */
	p = bmc_pkt(15, "x", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_JUMP);
	p = bmc_pkt(2, "y", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 255, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_JUMP);
}

static void
rx_sink_takes_fewer(void)
{
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p;

	ipmi_sol_rx_init(&rx);
	/* The sink has room for 2 of 6: ACK 2, the rest is expected again. */
	p = bmc_pkt(5, "abcdef", 6);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 2, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	CHECK_INT(r.off, 0);
	CHECK_INT(r.len, 2);
	CHECK_INT(r.ack_seq, 5);
	CHECK_INT(r.accepted, 2);
	CHECK_INT(r.nack, 0);
	CHECK_INT(rx.state, IPMI_SOL_RX_PART);
	/* Resent whole while the sink is full: 2 were taken, so no NACK. */
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 0, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_EXTRA);
	CHECK_INT(r.len, 0);
	CHECK_INT(r.accepted, 2);
	CHECK_INT(r.nack, 0);
	/* Room again: only bytes 2..5 come out. */
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 100, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_EXTRA);
	CHECK_INT(r.off, 2);
	CHECK_INT(r.len, 4);
	CHECK_MEM(p.data + r.off, "cdef", 4);
	CHECK_INT(r.accepted, 6);
	CHECK_INT(rx.state, IPMI_SOL_RX_WHOLE);
	/* A full sink on a new packet: nothing taken, explicit NACK. */
	p = bmc_pkt(6, "gh", 2);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 0, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	CHECK_INT(r.len, 0);
	CHECK_INT(r.send_ack, 1);
	CHECK_INT(r.ack_seq, 6);
	CHECK_INT(r.accepted, 0);
	CHECK_INT(r.nack, 1);
	CHECK_INT(rx.state, IPMI_SOL_RX_PART);
	/* The BMC resends the rest as a new packet instead: all new. */
	p = bmc_pkt(7, "gh", 2);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 10, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	CHECK_INT(r.len, 2);
	CHECK_INT(r.accepted, 2);
}

static void
rx_refuses_bad_input(void)
{
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p;

	ipmi_sol_rx_init(&rx);
	p = bmc_pkt(16, "a", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 1, &r), VCM_EINVAL);
	p = bmc_pkt(1, NULL, 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 1, &r), VCM_EINVAL);
	p = bmc_pkt(1, "a", 256);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 1, &r), VCM_EINVAL);
	CHECK_INT(rx.state, IPMI_SOL_RX_EMPTY);
	rx.state = 9;
	p = bmc_pkt(1, "a", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 1, &r), VCM_ESTATE);
	CHECK_INT(r.len, 0);
	CHECK_INT(r.send_ack, 0);
	CHECK_INT(ipmi_sol_rx_packet(NULL, &p, 1, &r), VCM_EINVAL);
}

/* An ACK from the peer for sequence number seq. */
static struct ipmi_sol_pkt
ack_pkt(uint8_t seq, uint8_t accepted, uint8_t flags)
{
	struct ipmi_sol_pkt p;

	memset(&p, 0, sizeof(p));
	p.ack_seq = seq;
	p.accepted = accepted;
	p.flags = flags;
	return p;
}

static void
tx_full_ack(void)
{
	struct ipmi_sol_tx tx;
	struct ipmi_sol_pkt a;
	uint8_t acc = 99;

	ipmi_sol_tx_init(&tx);
	CHECK_INT(ipmi_sol_tx_send(&tx, 10), 1);
	CHECK_INT(tx.state, IPMI_SOL_TX_WAIT);
	CHECK_INT(tx.len, 10);
	a = ack_pkt(1, 10, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_FULL);
	CHECK_INT(acc, 10);
	CHECK_INT(tx.state, IPMI_SOL_TX_IDLE);
	CHECK_INT(ipmi_sol_tx_send(&tx, 1), 2);
	/* Numbers wrap 15 -> 1. */
	tx.seq = 15;
	tx.state = IPMI_SOL_TX_IDLE;
	CHECK_INT(ipmi_sol_tx_send(&tx, 1), 1);
}

static void
tx_partial_ack(void)
{
	struct ipmi_sol_tx tx;
	struct ipmi_sol_pkt a;
	uint8_t acc;

	ipmi_sol_tx_init(&tx);
	CHECK_INT(ipmi_sol_tx_send(&tx, 10), 1);
	a = ack_pkt(1, 4, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_PARTIAL);
	CHECK_INT(acc, 4);
	/* The rest (6) goes out in a new packet with the next number. */
	CHECK_INT(tx.state, IPMI_SOL_TX_IDLE);
	CHECK_INT(ipmi_sol_tx_send(&tx, 6), 2);
	a = ack_pkt(2, 0, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_PARTIAL);
	CHECK_INT(acc, 0);
}

static void
tx_overcount_is_clamped_and_flagged(void)
{
	struct ipmi_sol_tx tx;
	struct ipmi_sol_pkt a;
	uint8_t acc;

	ipmi_sol_tx_init(&tx);
	CHECK_INT(ipmi_sol_tx_send(&tx, 3), 1);
	a = ack_pkt(1, 200, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_OVERCOUNT);
	CHECK_INT(acc, 3);
	CHECK_INT(tx.state, IPMI_SOL_TX_IDLE);
	/* Even on an empty packet. */
	CHECK_INT(ipmi_sol_tx_send(&tx, 0), 2);
	a = ack_pkt(2, 1, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_OVERCOUNT);
	CHECK_INT(acc, 0);
}

static void
tx_stale_ack_ignored(void)
{
	struct ipmi_sol_tx tx, before;
	struct ipmi_sol_pkt a;
	uint8_t acc;

	ipmi_sol_tx_init(&tx);
	/* Nothing outstanding: any ACK is stale. */
	a = ack_pkt(1, 1, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_STALE);
	CHECK_INT(ipmi_sol_tx_send(&tx, 5), 1);
	before = tx;
	a = ack_pkt(2, 5, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_STALE);
	CHECK_INT(acc, 0);
	a = ack_pkt(0x11, 5, 0);	/* reserved bits: not our number */
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_STALE);
	/* No ACK at all. */
	a = ack_pkt(0, 5, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_NOACK);
	CHECK_MEM(&tx, &before, sizeof(tx));
}

static void
tx_nack_keeps_packet(void)
{
	struct ipmi_sol_tx tx, before;
	struct ipmi_sol_pkt a;
	uint8_t acc;

	ipmi_sol_tx_init(&tx);
	CHECK_INT(ipmi_sol_tx_send(&tx, 5), 1);
	before = tx;
	a = ack_pkt(1, 3, IPMI_SOL_ST_NACK | IPMI_SOL_ST_UNAVAIL);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_NACKED);
	CHECK_INT(acc, 0);
	CHECK_MEM(&tx, &before, sizeof(tx));
	CHECK_INT(ipmi_sol_tx_send(&tx, 1), VCM_ESTATE);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 4, 0), IPMI_SOL_TX_RESEND);
	CHECK_INT(tx.seq, 1);
	a = ack_pkt(1, 5, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_FULL);
	CHECK_INT(acc, 5);
}

static void
tx_retry_limit(void)
{
	struct ipmi_sol_tx tx;
	int i;

	ipmi_sol_tx_init(&tx);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 3, 0), IPMI_SOL_TX_NOTHING);
	CHECK_INT(ipmi_sol_tx_send(&tx, 5), 1);
	for (i = 1; i <= 3; i++) {
		CHECK_INT(ipmi_sol_tx_timeout(&tx, 3, 0), IPMI_SOL_TX_RESEND);
		CHECK_INT(tx.retries, i);
		CHECK_INT(tx.seq, 1);
	}
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 3, 0), IPMI_SOL_TX_GIVEUP);
	CHECK_INT(tx.state, IPMI_SOL_TX_FAILED);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 3, 0), IPMI_SOL_TX_GIVEUP);
	CHECK_INT(ipmi_sol_tx_send(&tx, 1), VCM_ESTATE);
	/* A limit of 0 gives up at once. */
	ipmi_sol_tx_init(&tx);
	CHECK_INT(ipmi_sol_tx_send(&tx, 5), 1);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 0, 0), IPMI_SOL_TX_GIVEUP);
	/* Bad state and arguments. */
	tx.state = 7;
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 3, 0), VCM_ESTATE);
	CHECK_INT(ipmi_sol_tx_send(&tx, 1), VCM_ESTATE);
	ipmi_sol_tx_init(&tx);
	CHECK_INT(ipmi_sol_tx_send(&tx, 256), VCM_ERANGE);
	CHECK_INT(tx.state, IPMI_SOL_TX_IDLE);
}

static void
tx_solpacketseq_bumps_once(void)
{
	struct ipmi_sol_tx tx;
	struct ipmi_sol_pkt a;
	uint8_t acc;

	ipmi_sol_tx_init(&tx);
	tx.seq = 14;
	CHECK_INT(ipmi_sol_tx_send(&tx, 5), 15);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 2, IPMI_SOL_TX_F_SEQBUMP),
	    IPMI_SOL_TX_RESEND);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 2, IPMI_SOL_TX_F_SEQBUMP),
	    IPMI_SOL_TX_RESEND);
	/* Budget spent: one bump, 15 -> 1, same data, count restarts. */
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 2, IPMI_SOL_TX_F_SEQBUMP),
	    IPMI_SOL_TX_BUMP);
	CHECK_INT(tx.seq, 1);
	CHECK_INT(tx.len, 5);
	CHECK_INT(tx.retries, 0);
	CHECK_INT(tx.state, IPMI_SOL_TX_WAIT);
	/* A late ACK for the old number is now stale. */
	a = ack_pkt(15, 5, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_STALE);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 2, IPMI_SOL_TX_F_SEQBUMP),
	    IPMI_SOL_TX_RESEND);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 2, IPMI_SOL_TX_F_SEQBUMP),
	    IPMI_SOL_TX_RESEND);
	/* Only once: then give up. */
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 2, IPMI_SOL_TX_F_SEQBUMP),
	    IPMI_SOL_TX_GIVEUP);
	CHECK_INT(tx.seq, 1);
	/* The ACK under the bumped number settles it, and re-arms the bump. */
	ipmi_sol_tx_init(&tx);
	CHECK_INT(ipmi_sol_tx_send(&tx, 2), 1);
	CHECK_INT(ipmi_sol_tx_timeout(&tx, 0, IPMI_SOL_TX_F_SEQBUMP),
	    IPMI_SOL_TX_BUMP);
	a = ack_pkt(2, 2, 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &a, &acc), IPMI_SOL_TX_FULL);
	CHECK_INT(ipmi_sol_tx_send(&tx, 2), 3);
	CHECK_INT(tx.bumped, 0);
}

/* The console's tx against a BMC's rx, over the wire encoding. */
static void
tx_rx_over_the_wire(void)
{
	struct ipmi_sol_tx tx;
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res r;
	struct ipmi_sol_pkt p, q, ack;
	uint8_t wire[IPMI_SOL_PKT_MAX], acc;
	int seq, n;

	ipmi_sol_tx_init(&tx);
	ipmi_sol_rx_init(&rx);
	seq = ipmi_sol_tx_send(&tx, 4);
	REQUIRE(seq == 1);
	p = bmc_pkt((uint8_t)seq, "date", 4);
	n = ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, wire, sizeof(wire));
	REQUIRE(n == 8);
	REQUIRE(ipmi_sol_decode(wire, (size_t)n, IPMI_SOL_TO_BMC, &q) == 0);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &q, 3, &r), 0);
	CHECK_INT(r.len, 3);
	memset(&ack, 0, sizeof(ack));
	ack.ack_seq = r.ack_seq;
	ack.accepted = r.accepted;
	ack.flags = r.nack ? IPMI_SOL_ST_NACK : 0;
	n = ipmi_sol_encode(&ack, IPMI_SOL_TO_CONSOLE, wire, sizeof(wire));
	REQUIRE(n == 4);
	REQUIRE(ipmi_sol_decode(wire, 4, IPMI_SOL_TO_CONSOLE, &q) == 0);
	CHECK_INT(ipmi_sol_tx_ack(&tx, &q, &acc), IPMI_SOL_TX_PARTIAL);
	CHECK_INT(acc, 3);
	/* The rest in the next packet. */
	CHECK_INT(ipmi_sol_tx_send(&tx, 1), 2);
	p = bmc_pkt(2, "e", 1);
	CHECK_INT(ipmi_sol_rx_packet(&rx, &p, 3, &r), 0);
	CHECK_INT(r.kind, IPMI_SOL_RX_NEW);
	CHECK_INT(r.len, 1);
}

static const struct test_case tests[] = {
	{ "roundtrip_to_bmc", roundtrip_to_bmc },
	{ "roundtrip_to_console", roundtrip_to_console },
	{ "known_vectors", known_vectors },
	{ "reserved_bits_ignored", reserved_bits_ignored },
	{ "every_header_truncation_fails", every_header_truncation_fails },
	{ "data_longer_than_255_rejected", data_longer_than_255_rejected },
	{ "encode_refuses_bad_packets", encode_refuses_bad_packets },
	{ "seq_next_wraps_15_to_1", seq_next_wraps_15_to_1 },
	{ "rx_new_packet", rx_new_packet },
	{ "rx_retransmission_delivers_only_extra",
	    rx_retransmission_delivers_only_extra },
	{ "rx_duplicate_is_reacked", rx_duplicate_is_reacked },
	{ "rx_ack_only_is_neither_delivered_nor_acked",
	    rx_ack_only_is_neither_delivered_nor_acked },
	{ "rx_sequence_wraps_15_to_1", rx_sequence_wraps_15_to_1 },
	{ "rx_jump_is_taken_as_new", rx_jump_is_taken_as_new },
	{ "rx_sink_takes_fewer", rx_sink_takes_fewer },
	{ "rx_refuses_bad_input", rx_refuses_bad_input },
	{ "tx_full_ack", tx_full_ack },
	{ "tx_partial_ack", tx_partial_ack },
	{ "tx_overcount_is_clamped_and_flagged",
	    tx_overcount_is_clamped_and_flagged },
	{ "tx_stale_ack_ignored", tx_stale_ack_ignored },
	{ "tx_nack_keeps_packet", tx_nack_keeps_packet },
	{ "tx_retry_limit", tx_retry_limit },
	{ "tx_solpacketseq_bumps_once", tx_solpacketseq_bumps_once },
	{ "tx_rx_over_the_wire", tx_rx_over_the_wire },
};

TEST_MAIN(tests)
