#include <string.h>

#include "vcm/err.h"
#include "ipmi/rakp.h"

/* Open Session algorithm payload types, in the order they must appear. */
#define ALG_AUTH	0x00
#define ALG_INTEG	0x01
#define ALG_CONF	0x02
#define ALG_PAYLOAD_LEN	8
/* A failed response may end right after its session id field. */
#define ERROR_RS_LEN	8

static void
put_alg(struct vbuf_wr *w, uint8_t type, uint8_t alg)
{
	vbuf_put_u8(w, type);
	vbuf_put_u16le(w, 0);
	vbuf_put_u8(w, ALG_PAYLOAD_LEN);
	vbuf_put_u8(w, alg & 0x3f);
	vbuf_put_fill(w, 0, 3);
}

/* One 8-byte algorithm payload of the expected type. */
static uint8_t
get_alg(struct vbuf_rd *r, uint8_t type)
{
	uint8_t t, len, alg;

	t = vbuf_get_u8(r);
	(void)vbuf_get_u16le(r);
	len = vbuf_get_u8(r);
	alg = vbuf_get_u8(r) & 0x3f;
	vbuf_skip(r, 3);
	if (r->err == 0 && (t != type || len != ALG_PAYLOAD_LEN))
		vbuf_fail(r, VCM_EBADMSG);
	return alg;
}

int
ipmi_open_session_rq_encode(struct vbuf_wr *w,
    const struct ipmi_open_session_rq *m)
{
	if (m->max_priv > IPMI_PRIV_OEM || m->auth > 0x3f || m->integ > 0x3f ||
	    m->conf > 0x3f)
		return vbuf_wfail(w, VCM_EINVAL);
	vbuf_put_u8(w, m->tag);
	vbuf_put_u8(w, m->max_priv);
	vbuf_put_u16le(w, 0);
	vbuf_put_u32le(w, m->sid_m);
	put_alg(w, ALG_AUTH, m->auth);
	put_alg(w, ALG_INTEG, m->integ);
	put_alg(w, ALG_CONF, m->conf);
	return vbuf_wr_error(w);
}

int
ipmi_open_session_rq_decode(const void *p, size_t n,
    struct ipmi_open_session_rq *m)
{
	struct vbuf_rd r;

	memset(m, 0, sizeof(*m));
	vbuf_rd_init(&r, p, n);
	m->tag = vbuf_get_u8(&r);
	m->max_priv = vbuf_get_u8(&r) & 0x0f;
	(void)vbuf_get_u16le(&r);
	m->sid_m = vbuf_get_u32le(&r);
	m->auth = get_alg(&r, ALG_AUTH);
	m->integ = get_alg(&r, ALG_INTEG);
	m->conf = get_alg(&r, ALG_CONF);
	if (vbuf_end(&r) == 0 && m->max_priv > IPMI_PRIV_OEM)
		return VCM_ERANGE;
	return vbuf_end(&r);
}

int
ipmi_open_session_rs_encode(struct vbuf_wr *w,
    const struct ipmi_open_session_rs *m)
{
	vbuf_put_u8(w, m->tag);
	vbuf_put_u8(w, m->status);
	vbuf_put_u8(w, m->max_priv);
	vbuf_put_u8(w, 0);
	vbuf_put_u32le(w, m->sid_m);
	if (m->status != 0)
		return vbuf_wr_error(w);
	vbuf_put_u32le(w, m->sid_c);
	put_alg(w, ALG_AUTH, m->auth);
	put_alg(w, ALG_INTEG, m->integ);
	put_alg(w, ALG_CONF, m->conf);
	return vbuf_wr_error(w);
}

int
ipmi_open_session_rs_decode(const void *p, size_t n,
    struct ipmi_open_session_rs *m)
{
	struct vbuf_rd r;

	memset(m, 0, sizeof(*m));
	vbuf_rd_init(&r, p, n);
	m->tag = vbuf_get_u8(&r);
	m->status = vbuf_get_u8(&r);
	m->max_priv = vbuf_get_u8(&r) & 0x0f;
	(void)vbuf_get_u8(&r);
	m->sid_m = vbuf_get_u32le(&r);
	if (r.err == 0 && m->status != 0)
		return 0;	/* nothing after this is trusted */
	m->sid_c = vbuf_get_u32le(&r);
	m->auth = get_alg(&r, ALG_AUTH);
	m->integ = get_alg(&r, ALG_INTEG);
	m->conf = get_alg(&r, ALG_CONF);
	return vbuf_end(&r);
}

int
ipmi_rakp1_encode(struct vbuf_wr *w, const struct ipmi_rakp1 *m)
{
	if (m->user_len > VCM_IPMI_USER_MAX)
		return vbuf_wfail(w, VCM_EINVAL);
	vbuf_put_u8(w, m->tag);
	vbuf_put_fill(w, 0, 3);
	vbuf_put_u32le(w, m->sid_c);
	vbuf_put_bytes(w, m->rm, sizeof(m->rm));
	vbuf_put_u8(w, m->role);
	vbuf_put_u16le(w, 0);
	vbuf_put_u8(w, m->user_len);
	vbuf_put_bytes(w, m->user, m->user_len);
	return vbuf_wr_error(w);
}

int
ipmi_rakp1_decode(const void *p, size_t n, struct ipmi_rakp1 *m)
{
	struct vbuf_rd r;

	memset(m, 0, sizeof(*m));
	vbuf_rd_init(&r, p, n);
	m->tag = vbuf_get_u8(&r);
	vbuf_skip(&r, 3);
	m->sid_c = vbuf_get_u32le(&r);
	vbuf_get_bytes(&r, m->rm, sizeof(m->rm));
	m->role = vbuf_get_u8(&r);
	(void)vbuf_get_u16le(&r);
	m->user_len = vbuf_get_u8(&r);
	if (r.err == 0 && m->user_len > VCM_IPMI_USER_MAX)
		return VCM_ERANGE;
	vbuf_get_bytes(&r, m->user, m->user_len);
	if (vbuf_end(&r) == 0 && ((m->role & 0x0f) > IPMI_PRIV_OEM ||
	    (m->role & 0xe0) != 0))
		return VCM_ERANGE;
	return vbuf_end(&r);
}

/* Writes a trailing authentication code of the given length. */
static void
put_code(struct vbuf_wr *w, const uint8_t *code, uint8_t len)
{
	if (len > VCM_IPMI_HASH_MAX) {
		vbuf_wfail(w, VCM_EINVAL);
		return;
	}
	vbuf_put_bytes(w, code, len);
}

/* Takes the rest of a message as an authentication code (<= 32 bytes). */
static int
get_code(struct vbuf_rd *r, uint8_t *code, uint8_t *len)
{
	size_t n = vbuf_left(r);

	if (r->err)
		return r->err;
	if (n > VCM_IPMI_HASH_MAX)
		return VCM_ETRAILING;
	*len = (uint8_t)n;
	vbuf_get_bytes(r, code, n);
	return vbuf_end(r);
}

/* RAKP 2-4 start alike: tag, status, two reserved bytes, a session id. */
static void
put_rakp_hdr(struct vbuf_wr *w, uint8_t tag, uint8_t status, uint32_t sid)
{
	vbuf_put_u8(w, tag);
	vbuf_put_u8(w, status);
	vbuf_put_u16le(w, 0);
	vbuf_put_u32le(w, sid);
}

/*
 * Reads that common start. Returns 1 when the message ends there as far
 * as we are concerned: a failed status, after which nothing is trusted.
 */
static int
get_rakp_hdr(struct vbuf_rd *r, uint8_t *tag, uint8_t *status, uint32_t *sid)
{
	*tag = vbuf_get_u8(r);
	*status = vbuf_get_u8(r);
	(void)vbuf_get_u16le(r);
	*sid = vbuf_get_u32le(r);
	return r->err == 0 && *status != 0;
}

int
ipmi_rakp2_encode(struct vbuf_wr *w, const struct ipmi_rakp2 *m)
{
	put_rakp_hdr(w, m->tag, m->status, m->sid_m);
	if (m->status != 0)
		return vbuf_wr_error(w);
	vbuf_put_bytes(w, m->rc, sizeof(m->rc));
	vbuf_put_bytes(w, m->guid_c, sizeof(m->guid_c));
	put_code(w, m->code, m->code_len);
	return vbuf_wr_error(w);
}

int
ipmi_rakp2_decode(const void *p, size_t n, struct ipmi_rakp2 *m)
{
	struct vbuf_rd r;

	memset(m, 0, sizeof(*m));
	vbuf_rd_init(&r, p, n);
	if (get_rakp_hdr(&r, &m->tag, &m->status, &m->sid_m))
		return 0;
	vbuf_get_bytes(&r, m->rc, sizeof(m->rc));
	vbuf_get_bytes(&r, m->guid_c, sizeof(m->guid_c));
	return get_code(&r, m->code, &m->code_len);
}

int
ipmi_rakp3_encode(struct vbuf_wr *w, const struct ipmi_rakp3 *m)
{
	put_rakp_hdr(w, m->tag, m->status, m->sid_c);
	/* A console that rejects RAKP2 sends RAKP3 with a status, no code. */
	if (m->status == 0)
		put_code(w, m->code, m->code_len);
	return vbuf_wr_error(w);
}

int
ipmi_rakp3_decode(const void *p, size_t n, struct ipmi_rakp3 *m)
{
	struct vbuf_rd r;

	memset(m, 0, sizeof(*m));
	vbuf_rd_init(&r, p, n);
	if (get_rakp_hdr(&r, &m->tag, &m->status, &m->sid_c))
		return 0;
	return get_code(&r, m->code, &m->code_len);
}

int
ipmi_rakp4_encode(struct vbuf_wr *w, const struct ipmi_rakp4 *m)
{
	put_rakp_hdr(w, m->tag, m->status, m->sid_m);
	if (m->status == 0)
		put_code(w, m->icv, m->icv_len);
	return vbuf_wr_error(w);
}

int
ipmi_rakp4_decode(const void *p, size_t n, struct ipmi_rakp4 *m)
{
	struct vbuf_rd r;

	memset(m, 0, sizeof(*m));
	vbuf_rd_init(&r, p, n);
	if (get_rakp_hdr(&r, &m->tag, &m->status, &m->sid_m))
		return 0;
	return get_code(&r, m->icv, &m->icv_len);
}
