#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/msg.h"

uint8_t
ipmi_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n-- > 0)
		sum += *p++;
	return (uint8_t)-sum;
}

int
ipmi_msg_encode(struct vbuf_wr *w, const struct ipmi_msg *m)
{
	uint8_t *hdr, *body;
	size_t start;

	if (m->netfn > 0x3f || m->dst_lun > 3 || m->src_lun > 3 ||
	    m->seq > IPMI_RQ_SEQ_MAX || m->data_len > VCM_IPMI_MSG_DATA_MAX ||
	    (m->data == NULL && m->data_len != 0))
		return vbuf_wfail(w, VCM_EINVAL);
	if ((hdr = vbuf_reserve(w, 3)) == NULL)
		return vbuf_wr_error(w);
	hdr[0] = m->dst_addr;
	hdr[1] = (uint8_t)(m->netfn << 2 | m->dst_lun);
	hdr[2] = ipmi_checksum(hdr, 2);
	start = w->len;
	vbuf_put_u8(w, m->src_addr);
	vbuf_put_u8(w, (uint8_t)(m->seq << 2 | m->src_lun));
	vbuf_put_u8(w, m->cmd);
	vbuf_put_bytes(w, m->data, m->data_len);
	if (vbuf_wr_error(w))
		return vbuf_wr_error(w);
	body = w->p + start;
	vbuf_put_u8(w, ipmi_checksum(body, w->len - start));
	return vbuf_wr_error(w);
}

int
ipmi_msg_decode(const void *p, size_t n, unsigned int flags,
    struct ipmi_msg *m)
{
	const uint8_t *b = p;
	struct vbuf_rd r;
	uint8_t v, chk1, chk2;

	memset(m, 0, sizeof(*m));
	if (n < IPMI_MSG_OVERHEAD)
		return VCM_ETRUNC;
	if (n > VCM_IPMI_MSG_MAX)
		return VCM_ERANGE;
	vbuf_rd_init(&r, p, n);
	m->dst_addr = vbuf_get_u8(&r);
	v = vbuf_get_u8(&r);
	m->netfn = v >> 2;
	m->dst_lun = v & 3;
	chk1 = vbuf_get_u8(&r);
	m->src_addr = vbuf_get_u8(&r);
	v = vbuf_get_u8(&r);
	m->seq = v >> 2;
	m->src_lun = v & 3;
	m->cmd = vbuf_get_u8(&r);
	m->data_len = vbuf_left(&r) - 1;
	m->data = vbuf_get_span(&r, m->data_len);
	chk2 = vbuf_get_u8(&r);
	if (vbuf_end(&r) != 0)
		return vbuf_end(&r);
	if (m->data_len == 0)
		m->data = NULL;
	if (!(flags & IPMI_MSG_F_NOCHECKSUM) &&
	    (chk1 != ipmi_checksum(b, 2) ||
	    chk2 != ipmi_checksum(b + 3, n - 4)))
		return VCM_ECHECKSUM;
	return 0;
}

void
ipmi_msg_response_to(const struct ipmi_msg *rq, struct ipmi_msg *rs,
    const uint8_t *data, size_t len)
{
	rs->dst_addr = rq->src_addr;
	rs->netfn = rq->netfn | 1;
	rs->dst_lun = rq->src_lun;
	rs->src_addr = rq->dst_addr;
	rs->seq = rq->seq;
	rs->src_lun = rq->dst_lun;
	rs->cmd = rq->cmd;
	rs->data = data;
	rs->data_len = len;
}

int
ipmi_msg_matches(const struct ipmi_msg *rq, const struct ipmi_msg *rs)
{
	return rs->netfn == (rq->netfn | 1) && rs->cmd == rq->cmd &&
	    rs->seq == rq->seq && rs->dst_addr == rq->src_addr &&
	    rs->src_addr == rq->dst_addr && rs->dst_lun == rq->src_lun &&
	    rs->src_lun == rq->dst_lun && rs->data_len >= 1;
}
