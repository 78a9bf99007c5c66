/*
 * RMCP (ASF 2.0) framing: the 4-byte header in front of every IPMI LAN
 * datagram, and the ASF presence ping/pong used to find out whether a
 * BMC is alive before any session exists.
 */
#ifndef IPMI_RMCP_H
#define IPMI_RMCP_H

#include <stdint.h>

#include "vcm/vbuf.h"

#define IPMI_RMCP_VERSION	0x06
#define IPMI_RMCP_SEQ_NOACK	0xff	/* IPMI traffic never asks for RMCP ACKs */
#define IPMI_RMCP_CLASS_ASF	0x06
#define IPMI_RMCP_CLASS_IPMI	0x07
#define IPMI_RMCP_CLASS_ACK	0x80	/* bit 7: this is an RMCP ACK */
#define IPMI_RMCP_HDR_LEN	4

#define IPMI_ASF_IANA		4542	/* 0x000011be, big-endian on the wire */
#define IPMI_ASF_PING		0x80
#define IPMI_ASF_PONG		0x40
#define IPMI_ASF_PONG_DATA_LEN	16
/* Supported-entities bit 7 of a pong: the BMC speaks IPMI. */
#define IPMI_ASF_ENTITY_IPMI	0x80

struct ipmi_rmcp_hdr {
	uint8_t	version;
	uint8_t	seq;
	uint8_t	msg_class;	/* low 5 bits: class; bit 7: ACK */
};

struct ipmi_asf_msg {
	uint32_t	iana;
	uint8_t		type;		/* IPMI_ASF_PING or _PONG */
	uint8_t		tag;		/* echoed by the pong; 0xff = no RMCP ACK */
	/* Pong only. */
	uint32_t	oem_iana;
	uint32_t	oem_defined;
	uint8_t		entities;
	uint8_t		interactions;
};

void	ipmi_rmcp_hdr_encode(struct vbuf_wr *, uint8_t msg_class);
/* Reads and checks the header: version 6, not an ACK, class ASF or IPMI. */
int	ipmi_rmcp_hdr_decode(struct vbuf_rd *, struct ipmi_rmcp_hdr *);

/* Whole datagrams: RMCP header plus ASF message. */
int	ipmi_asf_encode(struct vbuf_wr *, const struct ipmi_asf_msg *);
int	ipmi_asf_decode(const void *, size_t, struct ipmi_asf_msg *);

/* What a datagram carries, from its RMCP class and session auth type. */
enum ipmi_datagram_kind {
	IPMI_DGRAM_INVALID,
	IPMI_DGRAM_ASF,		/* presence ping/pong */
	IPMI_DGRAM_LAN15,	/* IPMI 1.5 session (auth type 0..5) */
	IPMI_DGRAM_LANPLUS,	/* IPMI 2.0 RMCP+ session (auth type 6) */
};

enum ipmi_datagram_kind	ipmi_datagram_classify(const void *, size_t);

#endif
