/*
 * IPMI message framing: the LAN form of an IPMI request or response,
 *
 *	dst_addr | netfn<<2 | dst_lun | chk1 | src_addr | seq<<2 | src_lun |
 *	cmd | data... | chk2
 *
 * chk1 covers the first two bytes and chk2 everything from src_addr to
 * the end of the data; each is the two's complement of the byte sum.
 * Requests and responses share the layout: in a request dst is the
 * responder (the BMC, 0x20) and src the requester (remote console
 * software id 0x81); a response swaps them and carries an odd netfn and
 * the completion code as its first data byte.
 */
#ifndef IPMI_MSG_H
#define IPMI_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/vbuf.h"
#include "ipmi/defs.h"

#define IPMI_BMC_SA		0x20	/* BMC slave address */
#define IPMI_REMOTE_SWID	0x81	/* remote console software id */
#define IPMI_MSG_OVERHEAD	7	/* header, command and both checksums */
#define IPMI_RQ_SEQ_MAX		0x3f	/* rqSeq is 6 bits */

/* Quirk: Supermicro X9 boards send wrong checksums (FreeIPMI nochecksumcheck). */
#define IPMI_MSG_F_NOCHECKSUM	0x01

struct ipmi_msg {
	uint8_t		 dst_addr;
	uint8_t		 netfn;		/* 6 bits */
	uint8_t		 dst_lun;	/* 2 bits */
	uint8_t		 src_addr;
	uint8_t		 seq;		/* rqSeq, 6 bits */
	uint8_t		 src_lun;	/* 2 bits */
	uint8_t		 cmd;
	const uint8_t	*data;		/* response: data[0] is the completion code */
	size_t		 data_len;
};

/* The two's-complement checksum IPMI uses for chk1 and chk2. */
uint8_t	ipmi_checksum(const uint8_t *, size_t);
int	ipmi_msg_encode(struct vbuf_wr *, const struct ipmi_msg *);
/*
 * Parses a whole message; msg->data points into the input. Fails with
 * VCM_ECHECKSUM on a bad checksum unless IPMI_MSG_F_NOCHECKSUM is given.
 */
int	ipmi_msg_decode(const void *, size_t, unsigned int flags,
	    struct ipmi_msg *);
/* Fills the response header that answers rq (addresses swapped, netfn+1). */
void	ipmi_msg_response_to(const struct ipmi_msg *rq, struct ipmi_msg *rs,
	    const uint8_t *data, size_t len);
/*
 * 1 if rs answers rq: netfn+1, same command and rqSeq, addresses and LUNs
 * mirrored, and at least a completion code. A reply that fails any of
 * these is dropped, not trusted.
 */
int	ipmi_msg_matches(const struct ipmi_msg *rq, const struct ipmi_msg *rs);

#endif
