/*
 * IPMI 1.5 session framing. vcm never runs a 1.5 session (its auth codes
 * are weak: IPMI.md §3); it uses this form for the pre-session Get
 * Channel Authentication Capabilities that starts every RMCP+ handshake
 * (auth type NONE, session 0), and audits use it to find BMCs that still
 * accept 1.5 logins.
 *
 *	RMCP header | auth type | seq (u32le) | session id (u32le) |
 *	[auth code, 16 bytes, unless auth type is NONE] | msg len | msg
 */
#ifndef IPMI_LAN15_H
#define IPMI_LAN15_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/vbuf.h"

#define IPMI_AUTHTYPE_NONE	0x00
#define IPMI_AUTHTYPE_MD2	0x01
#define IPMI_AUTHTYPE_MD5	0x02
#define IPMI_AUTHTYPE_STRAIGHT	0x04
#define IPMI_AUTHTYPE_OEM	0x05
#define IPMI_AUTHTYPE_RMCPP	0x06
#define IPMI_LAN15_AUTHCODE_LEN	16

struct ipmi_lan15_hdr {
	uint8_t		auth_type;
	uint32_t	seq;
	uint32_t	session_id;
	uint8_t		auth_code[IPMI_LAN15_AUTHCODE_LEN];
};

/* Writes RMCP + 1.5 session header + the message bytes. */
int	ipmi_lan15_encode(struct vbuf_wr *, const struct ipmi_lan15_hdr *,
	    const void *msg, size_t msg_len);
/* Parses a whole 1.5 datagram; *msg points into the input. */
int	ipmi_lan15_decode(const void *, size_t, struct ipmi_lan15_hdr *,
	    const uint8_t **msg, size_t *msg_len);

#endif
