#include <string.h>

#include "vcm/err.h"
#include "ipmi/rmcp.h"

void
ipmi_rmcp_hdr_encode(struct vbuf_wr *w, uint8_t msg_class)
{
	vbuf_put_u8(w, IPMI_RMCP_VERSION);
	vbuf_put_u8(w, 0);			/* reserved */
	vbuf_put_u8(w, IPMI_RMCP_SEQ_NOACK);
	vbuf_put_u8(w, msg_class);
}

int
ipmi_rmcp_hdr_decode(struct vbuf_rd *r, struct ipmi_rmcp_hdr *h)
{
	uint8_t cls;

	h->version = vbuf_get_u8(r);
	(void)vbuf_get_u8(r);			/* reserved: ignored */
	h->seq = vbuf_get_u8(r);
	h->msg_class = vbuf_get_u8(r);
	if (r->err)
		return r->err;
	if (h->version != IPMI_RMCP_VERSION)
		return vbuf_fail(r, VCM_EBADMSG);
	/* An RMCP ACK carries nothing for us; we never ask for one. */
	if (h->msg_class & IPMI_RMCP_CLASS_ACK)
		return vbuf_fail(r, VCM_EBADMSG);
	/*
	 * The RMCP header is outside the integrity check, so nothing in it
	 * may matter beyond the class: reserved class bits must be zero, the
	 * reserved byte and the RMCP sequence number are ignored.
	 */
	cls = h->msg_class;
	if (cls != IPMI_RMCP_CLASS_ASF && cls != IPMI_RMCP_CLASS_IPMI)
		return vbuf_fail(r, VCM_EBADMSG);
	return 0;
}

int
ipmi_asf_encode(struct vbuf_wr *w, const struct ipmi_asf_msg *m)
{
	if (m->type != IPMI_ASF_PING && m->type != IPMI_ASF_PONG)
		return vbuf_wfail(w, VCM_EINVAL);
	ipmi_rmcp_hdr_encode(w, IPMI_RMCP_CLASS_ASF);
	vbuf_put_u32be(w, m->iana);
	vbuf_put_u8(w, m->type);
	vbuf_put_u8(w, m->tag);
	vbuf_put_u8(w, 0);			/* reserved */
	if (m->type == IPMI_ASF_PING) {
		vbuf_put_u8(w, 0);		/* data length */
	} else {
		vbuf_put_u8(w, IPMI_ASF_PONG_DATA_LEN);
		vbuf_put_u32be(w, m->oem_iana);
		vbuf_put_u32be(w, m->oem_defined);
		vbuf_put_u8(w, m->entities);
		vbuf_put_u8(w, m->interactions);
		vbuf_put_fill(w, 0, 6);		/* reserved */
	}
	return vbuf_wr_error(w);
}

int
ipmi_asf_decode(const void *p, size_t n, struct ipmi_asf_msg *m)
{
	struct ipmi_rmcp_hdr h;
	struct vbuf_rd r, data;
	uint8_t len;

	memset(m, 0, sizeof(*m));
	vbuf_rd_init(&r, p, n);
	if (ipmi_rmcp_hdr_decode(&r, &h) != 0)
		return r.err;
	if (h.msg_class != IPMI_RMCP_CLASS_ASF)
		return VCM_EBADMSG;
	m->iana = vbuf_get_u32be(&r);
	m->type = vbuf_get_u8(&r);
	m->tag = vbuf_get_u8(&r);
	(void)vbuf_get_u8(&r);			/* reserved */
	len = vbuf_get_u8(&r);
	vbuf_sub(&r, len, &data);
	if (r.err)
		return r.err;
	if (m->iana != IPMI_ASF_IANA)
		return VCM_EBADMSG;
	switch (m->type) {
	case IPMI_ASF_PING:
		if (len != 0)
			return VCM_EBADMSG;
		break;
	case IPMI_ASF_PONG:
		if (len != IPMI_ASF_PONG_DATA_LEN)
			return VCM_EBADMSG;
		m->oem_iana = vbuf_get_u32be(&data);
		m->oem_defined = vbuf_get_u32be(&data);
		m->entities = vbuf_get_u8(&data);
		m->interactions = vbuf_get_u8(&data);
		vbuf_skip(&data, 6);
		if (vbuf_end(&data) != 0)
			return vbuf_end(&data);
		break;
	default:
		return VCM_EBADMSG;
	}
	return vbuf_end(&r);
}

enum ipmi_datagram_kind
ipmi_datagram_classify(const void *p, size_t n)
{
	struct ipmi_rmcp_hdr h;
	struct vbuf_rd r;
	uint8_t auth;

	vbuf_rd_init(&r, p, n);
	if (ipmi_rmcp_hdr_decode(&r, &h) != 0)
		return IPMI_DGRAM_INVALID;
	if (h.msg_class == IPMI_RMCP_CLASS_ASF)
		return IPMI_DGRAM_ASF;
	auth = vbuf_get_u8(&r);
	if (r.err)
		return IPMI_DGRAM_INVALID;
	if (auth == 0x06)
		return IPMI_DGRAM_LANPLUS;
	if (auth <= 0x05 && auth != 0x03)	/* 3 is reserved */
		return IPMI_DGRAM_LAN15;
	return IPMI_DGRAM_INVALID;
}
