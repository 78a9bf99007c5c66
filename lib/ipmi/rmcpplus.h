/*
 * RMCP+ (IPMI 2.0) session packets:
 *
 *	RMCP header | auth type 06h | payload type (bit 7 encrypted, bit 6
 *	authenticated) | [OEM IANA u32le, OEM payload id u16le] | session
 *	id u32le | session seq u32le | payload length u16le | payload |
 *	[integrity pad FFh.. | pad length | next header 07h | AuthCode]
 *
 * An encrypted payload (AES-CBC-128) is IV(16) | E(data | 01 02 .. N | N).
 * The AuthCode covers everything from the auth type through the next
 * header, padded with FFh to a multiple of four bytes.
 *
 * Decoding checks in a fixed order and stops at the first failure: RMCP
 * header, auth type, payload type, lengths, integrity AuthCode (constant
 * time, before anything else of the payload is looked at), integrity pad
 * and next header, then decryption and its pad. Session id and sequence
 * window are the caller's (it owns the session table and the window,
 * see seqwin.h), checked around this call.
 */
#ifndef IPMI_RMCPPLUS_H
#define IPMI_RMCPPLUS_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/vbuf.h"
#include "ipmi/crypto.h"
#include "ipmi/defs.h"

#define IPMI_PAYLOAD_F_ENCRYPTED	0x80
#define IPMI_PAYLOAD_F_AUTHENTICATED	0x40
#define IPMI_PAYLOAD_TYPE_MASK		0x3f
#define IPMI_NEXT_HEADER		0x07

struct ipmi_lanplus_hdr {
	uint8_t		payload_type;	/* IPMI_PAYLOAD_* (defs.h) */
	uint8_t		encrypted;
	uint8_t		authenticated;
	uint32_t	oem_iana;	/* OEM payloads only */
	uint16_t	oem_payload_id;
	uint32_t	session_id;	/* the receiver's id for the session */
	uint32_t	seq;
	uint16_t	payload_len;	/* on the wire (with IV and pad) */
};

/*
 * Writes a whole datagram. keys may be NULL for pre-session payloads
 * (Open Session, RAKP), which must then be neither encrypted nor
 * authenticated. iv (16 random bytes from the caller) is needed when
 * hdr->encrypted is set.
 */
int	ipmi_lanplus_encode(struct vbuf_wr *, const struct ipmi_lanplus_hdr *,
	    const struct ipmi_session_keys *, const uint8_t *iv,
	    const void *payload, size_t len);

/*
 * Writes a session payload under keys: authenticated and encrypted as the
 * keys' suite says (the common case of ipmi_lanplus_encode for both ends
 * of an established session). iv is needed when the suite encrypts.
 */
int	ipmi_lanplus_seal(struct vbuf_wr *, const struct ipmi_session_keys *,
	    uint8_t payload_type, uint32_t session_id, uint32_t seq,
	    const uint8_t *iv, const void *payload, size_t len);

/*
 * Parses the headers only (no keys needed), so a receiver can find the
 * session by id before it verifies anything.
 */
int	ipmi_lanplus_peek(const void *, size_t, struct ipmi_lanplus_hdr *);

/*
 * Verifies and opens a datagram. With keys (an established session) the
 * packet must be both authenticated and encrypted, unless the suite has
 * no confidentiality; without keys it must be neither. The plaintext
 * payload is written to out (at most cap bytes).
 */
int	ipmi_lanplus_decode(const void *, size_t,
	    const struct ipmi_session_keys *, struct ipmi_lanplus_hdr *,
	    uint8_t *out, size_t cap, size_t *out_len);

#endif
