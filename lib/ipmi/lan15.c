#include <string.h>

#include "vcm/err.h"
#include "ipmi/lan15.h"
#include "ipmi/msg.h"
#include "ipmi/rmcp.h"

static int
authtype_valid(uint8_t t)
{
	return t == IPMI_AUTHTYPE_NONE || t == IPMI_AUTHTYPE_MD2 ||
	    t == IPMI_AUTHTYPE_MD5 || t == IPMI_AUTHTYPE_STRAIGHT ||
	    t == IPMI_AUTHTYPE_OEM;
}

int
ipmi_lan15_encode(struct vbuf_wr *w, const struct ipmi_lan15_hdr *h,
    const void *msg, size_t msg_len)
{
	if (!authtype_valid(h->auth_type) || msg_len > 0xff ||
	    (msg == NULL && msg_len != 0))
		return vbuf_wfail(w, VCM_EINVAL);
	ipmi_rmcp_hdr_encode(w, IPMI_RMCP_CLASS_IPMI);
	vbuf_put_u8(w, h->auth_type);
	vbuf_put_u32le(w, h->seq);
	vbuf_put_u32le(w, h->session_id);
	if (h->auth_type != IPMI_AUTHTYPE_NONE)
		vbuf_put_bytes(w, h->auth_code, sizeof(h->auth_code));
	vbuf_put_u8(w, (uint8_t)msg_len);
	vbuf_put_bytes(w, msg, msg_len);
	return vbuf_wr_error(w);
}

int
ipmi_lan15_decode(const void *p, size_t n, struct ipmi_lan15_hdr *h,
    const uint8_t **msg, size_t *msg_len)
{
	struct ipmi_rmcp_hdr rh;
	struct vbuf_rd r;
	uint8_t len;

	memset(h, 0, sizeof(*h));
	*msg = NULL;
	*msg_len = 0;
	vbuf_rd_init(&r, p, n);
	if (ipmi_rmcp_hdr_decode(&r, &rh) != 0)
		return r.err;
	if (rh.msg_class != IPMI_RMCP_CLASS_IPMI)
		return VCM_EBADMSG;
	h->auth_type = vbuf_get_u8(&r);
	if (r.err)
		return r.err;
	if (!authtype_valid(h->auth_type))
		return VCM_EBADMSG;
	h->seq = vbuf_get_u32le(&r);
	h->session_id = vbuf_get_u32le(&r);
	if (h->auth_type != IPMI_AUTHTYPE_NONE)
		vbuf_get_bytes(&r, h->auth_code, sizeof(h->auth_code));
	len = vbuf_get_u8(&r);
	*msg = vbuf_get_span(&r, len);
	/*
	 * Some BMCs pad 1.5 datagrams with a legacy trailing byte (the spec's
	 * "legacy PAD" for packets of certain lengths); accept exactly one
	 * such byte, reject anything longer.
	 */
	if (vbuf_left(&r) == 1)
		vbuf_skip(&r, 1);
	if (vbuf_end(&r) != 0) {
		*msg = NULL;
		return vbuf_end(&r);
	}
	if (len < IPMI_MSG_OVERHEAD) {
		*msg = NULL;
		return VCM_EBADMSG;
	}
	*msg_len = len;
	return 0;
}
