/*
 * RMCP+ session establishment payloads (IPMI 2.0 §13.17-13.23): Open
 * Session request/response and RAKP messages 1-4. Each has encode and
 * decode, for the console side (vcm) and the BMC side (bmcsim) alike.
 *
 * A response whose status code is not 0 may stop after the session id
 * (8 bytes) or carry the whole body; decoders accept both and leave the
 * rest zeroed, so nothing from a failed response is trusted.
 */
#ifndef IPMI_RAKP_H
#define IPMI_RAKP_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"
#include "vcm/vbuf.h"
#include "ipmi/defs.h"

/* RAKP1 role bit: look the user up by name only, not name and privilege. */
#define IPMI_ROLE_NAME_ONLY	0x10

struct ipmi_open_session_rq {
	uint8_t		tag;
	uint8_t		max_priv;
	uint32_t	sid_m;		/* the console's id for the session */
	uint8_t		auth;
	uint8_t		integ;
	uint8_t		conf;
};

struct ipmi_open_session_rs {
	uint8_t		tag;
	uint8_t		status;		/* RMCP+ status code */
	uint8_t		max_priv;
	uint32_t	sid_m;
	uint32_t	sid_c;		/* the BMC's id for the session */
	uint8_t		auth;
	uint8_t		integ;
	uint8_t		conf;
};

struct ipmi_rakp1 {
	uint8_t		tag;
	uint32_t	sid_c;
	uint8_t		rm[16];
	uint8_t		role;
	uint8_t		user_len;
	uint8_t		user[VCM_IPMI_USER_MAX];
};

struct ipmi_rakp2 {
	uint8_t		tag;
	uint8_t		status;
	uint32_t	sid_m;
	uint8_t		rc[16];
	uint8_t		guid_c[16];
	uint8_t		code_len;	/* as received: the caller checks it */
	uint8_t		code[VCM_IPMI_HASH_MAX];
};

struct ipmi_rakp3 {
	uint8_t		tag;
	uint8_t		status;
	uint32_t	sid_c;
	uint8_t		code_len;
	uint8_t		code[VCM_IPMI_HASH_MAX];
};

struct ipmi_rakp4 {
	uint8_t		tag;
	uint8_t		status;
	uint32_t	sid_m;
	uint8_t		icv_len;
	uint8_t		icv[VCM_IPMI_HASH_MAX];
};

int	ipmi_open_session_rq_encode(struct vbuf_wr *,
	    const struct ipmi_open_session_rq *);
int	ipmi_open_session_rq_decode(const void *, size_t,
	    struct ipmi_open_session_rq *);
int	ipmi_open_session_rs_encode(struct vbuf_wr *,
	    const struct ipmi_open_session_rs *);
int	ipmi_open_session_rs_decode(const void *, size_t,
	    struct ipmi_open_session_rs *);
int	ipmi_rakp1_encode(struct vbuf_wr *, const struct ipmi_rakp1 *);
int	ipmi_rakp1_decode(const void *, size_t, struct ipmi_rakp1 *);
int	ipmi_rakp2_encode(struct vbuf_wr *, const struct ipmi_rakp2 *);
int	ipmi_rakp2_decode(const void *, size_t, struct ipmi_rakp2 *);
int	ipmi_rakp3_encode(struct vbuf_wr *, const struct ipmi_rakp3 *);
int	ipmi_rakp3_decode(const void *, size_t, struct ipmi_rakp3 *);
int	ipmi_rakp4_encode(struct vbuf_wr *, const struct ipmi_rakp4 *);
int	ipmi_rakp4_decode(const void *, size_t, struct ipmi_rakp4 *);

#endif
