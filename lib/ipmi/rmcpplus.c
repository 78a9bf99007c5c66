#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/wipe.h"
#include "ipmi/lan15.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"

static int
payload_type_valid(uint8_t t)
{
	return t <= IPMI_PAYLOAD_OEM || (t >= IPMI_PAYLOAD_OPEN_SESSION_RQ &&
	    t <= IPMI_PAYLOAD_RAKP4) || (t >= 0x20 && t <= 0x27);
}

static int
is_session_setup(uint8_t t)
{
	return t >= IPMI_PAYLOAD_OPEN_SESSION_RQ && t <= IPMI_PAYLOAD_RAKP4;
}

/* Checks the security bits a packet must carry for the keys in use. */
static int
security_matches(const struct ipmi_lanplus_hdr *h,
    const struct ipmi_session_keys *k)
{
	if (k == NULL || is_session_setup(h->payload_type))
		return !h->encrypted && !h->authenticated;
	if (k->integ != IPMI_INTEG_NONE && !h->authenticated)
		return 0;
	if (k->conf != IPMI_CONF_NONE && !h->encrypted)
		return 0;
	if (h->authenticated && k->integ == IPMI_INTEG_NONE)
		return 0;
	if (h->encrypted && k->conf == IPMI_CONF_NONE)
		return 0;
	return 1;
}

int
ipmi_lanplus_encode(struct vbuf_wr *w, const struct ipmi_lanplus_hdr *h,
    const struct ipmi_session_keys *k, const uint8_t *iv, const void *payload,
    size_t len)
{
	uint8_t plain[VCM_IPMI_DATAGRAM_MAX];
	uint8_t *ct, *mac;
	size_t start, wire_len, padn, i, blk = VCM_IPMI_AES_BLOCK;
	int r;

	if (!payload_type_valid(h->payload_type) || !security_matches(h, k) ||
	    (payload == NULL && len != 0) || (h->encrypted && iv == NULL))
		return vbuf_wfail(w, VCM_EINVAL);
	if (h->encrypted && k->conf != IPMI_CONF_AES_CBC_128)
		return vbuf_wfail(w, VCM_EUNSUPP);
	/* Confidentiality pad: 1..N then N, to a multiple of 16 bytes. */
	padn = h->encrypted ? (blk - (len + 1) % blk) % blk : 0;
	wire_len = h->encrypted ? blk + len + padn + 1 : len;
	if (wire_len > VCM_IPMI_DATAGRAM_MAX - 64)
		return vbuf_wfail(w, VCM_ERANGE);

	ipmi_rmcp_hdr_encode(w, IPMI_RMCP_CLASS_IPMI);
	start = w->len;
	vbuf_put_u8(w, IPMI_AUTHTYPE_RMCPP);
	vbuf_put_u8(w, (uint8_t)(h->payload_type |
	    (h->encrypted ? IPMI_PAYLOAD_F_ENCRYPTED : 0) |
	    (h->authenticated ? IPMI_PAYLOAD_F_AUTHENTICATED : 0)));
	if (h->payload_type == IPMI_PAYLOAD_OEM) {
		vbuf_put_u32le(w, h->oem_iana);
		vbuf_put_u16le(w, h->oem_payload_id);
	}
	vbuf_put_u32le(w, h->session_id);
	vbuf_put_u32le(w, h->seq);
	vbuf_put_u16le(w, (uint16_t)wire_len);
	if (!h->encrypted) {
		vbuf_put_bytes(w, payload, len);
	} else {
		vbuf_put_bytes(w, iv, blk);
		memcpy(plain, payload, len);
		for (i = 0; i < padn; i++)
			plain[len + i] = (uint8_t)(i + 1);
		plain[len + padn] = (uint8_t)padn;
		if ((ct = vbuf_reserve(w, len + padn + 1)) != NULL &&
		    (r = ipmi_aes_cbc(1, k->k2, iv, plain, len + padn + 1,
		    ct)) != 0) {
			vcm_wipe(plain, sizeof(plain));
			return vbuf_wfail(w, r);
		}
		vcm_wipe(plain, sizeof(plain));
	}
	if (h->authenticated) {
		if ((r = vbuf_wr_error(w)) != 0)
			return r;
		/* Integrity pad so auth type..next header is a multiple of 4. */
		padn = (4 - (w->len - start + 2) % 4) % 4;
		vbuf_put_fill(w, 0xff, padn);
		vbuf_put_u8(w, (uint8_t)padn);
		vbuf_put_u8(w, IPMI_NEXT_HEADER);
		if ((mac = vbuf_reserve(w, ipmi_integ_mac_len(k->integ))) == NULL)
			return vbuf_wr_error(w);
		if ((r = ipmi_integrity_mac(k, w->p + start,
		    (size_t)(mac - (w->p + start)), mac)) != 0)
			return vbuf_wfail(w, r);
	}
	return vbuf_wr_error(w);
}

int
ipmi_lanplus_seal(struct vbuf_wr *w, const struct ipmi_session_keys *k,
    uint8_t type, uint32_t session_id, uint32_t seq, const uint8_t *iv,
    const void *payload, size_t len)
{
	struct ipmi_lanplus_hdr h;

	memset(&h, 0, sizeof(h));
	h.payload_type = type;
	h.authenticated = k->integ != IPMI_INTEG_NONE;
	h.encrypted = k->conf != IPMI_CONF_NONE;
	h.session_id = session_id;
	h.seq = seq;
	return ipmi_lanplus_encode(w, &h, k, iv, payload, len);
}

/* Parses RMCP and session headers; leaves r at the payload. */
static int
parse_hdr(struct vbuf_rd *r, struct ipmi_lanplus_hdr *h)
{
	struct ipmi_rmcp_hdr rh;
	uint8_t v;

	memset(h, 0, sizeof(*h));
	if (ipmi_rmcp_hdr_decode(r, &rh) != 0)
		return r->err;
	if (rh.msg_class != IPMI_RMCP_CLASS_IPMI)
		return VCM_EBADMSG;
	if (vbuf_get_u8(r) != IPMI_AUTHTYPE_RMCPP)
		return r->err ? r->err : VCM_EBADMSG;
	v = vbuf_get_u8(r);
	h->payload_type = v & IPMI_PAYLOAD_TYPE_MASK;
	h->encrypted = (v & IPMI_PAYLOAD_F_ENCRYPTED) != 0;
	h->authenticated = (v & IPMI_PAYLOAD_F_AUTHENTICATED) != 0;
	if (h->payload_type == IPMI_PAYLOAD_OEM) {
		h->oem_iana = vbuf_get_u32le(r);
		h->oem_payload_id = vbuf_get_u16le(r);
	}
	h->session_id = vbuf_get_u32le(r);
	h->seq = vbuf_get_u32le(r);
	h->payload_len = vbuf_get_u16le(r);
	if (r->err)
		return r->err;
	if (!payload_type_valid(h->payload_type))
		return VCM_EPAYLOAD;
	if (h->payload_len > vbuf_left(r))
		return VCM_ETRUNC;
	if (!h->authenticated && h->payload_len != vbuf_left(r))
		return VCM_ETRAILING;
	return 0;
}

int
ipmi_lanplus_peek(const void *p, size_t n, struct ipmi_lanplus_hdr *h)
{
	struct vbuf_rd r;

	if (n > VCM_IPMI_DATAGRAM_MAX)
		return VCM_ERANGE;
	vbuf_rd_init(&r, p, n);
	return parse_hdr(&r, h);
}

/* Checks the integrity trailer of an authenticated packet. */
static int
check_trailer(const uint8_t *pkt, size_t n, const uint8_t *start,
    struct vbuf_rd *r, const struct ipmi_lanplus_hdr *h,
    const struct ipmi_session_keys *k)
{
	size_t mac_len = ipmi_integ_mac_len(k->integ), covered, trail, padn, i;
	const uint8_t *t, *end = pkt + n;
	int ret;

	/* Trailer = pad + pad length + next header + AuthCode. */
	trail = vbuf_left(r) - h->payload_len;
	if (trail < 2 + mac_len || trail - 2 - mac_len > 3)
		return VCM_EBADMSG;
	covered = (size_t)(end - mac_len - start);
	if (covered % 4 != 0)
		return VCM_EPAD;
	/* Verify the MAC before any byte it protects is interpreted. */
	if ((ret = ipmi_integrity_check(k, start, covered, end - mac_len,
	    mac_len)) != 0)
		return ret;
	t = start + covered;
	if (t[-1] != IPMI_NEXT_HEADER)
		return VCM_EBADMSG;
	padn = t[-2];
	if (padn != trail - 2 - mac_len)
		return VCM_EPAD;
	for (i = 0; i < padn; i++)
		if (t[-3 - (ptrdiff_t)i] != 0xff)
			return VCM_EPAD;
	return 0;
}

int
ipmi_lanplus_decode(const void *p, size_t n, const struct ipmi_session_keys *k,
    struct ipmi_lanplus_hdr *h, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t plain[VCM_IPMI_DATAGRAM_MAX];
	const uint8_t *pkt = p, *payload, *iv;
	struct vbuf_rd r;
	size_t blk = VCM_IPMI_AES_BLOCK, len, padn, i;
	int ret;

	*out_len = 0;
	if (n > VCM_IPMI_DATAGRAM_MAX)
		return VCM_ERANGE;
	vbuf_rd_init(&r, p, n);
	if ((ret = parse_hdr(&r, h)) != 0)
		return ret;
	if (!security_matches(h, k))
		return VCM_EAUTH;
	if (h->authenticated && (ret = check_trailer(pkt, n, pkt +
	    IPMI_RMCP_HDR_LEN, &r, h, k)) != 0)
		return ret;
	payload = vbuf_get_span(&r, h->payload_len);
	if (!h->encrypted) {
		if (h->payload_len > cap)
			return VCM_ENOSPC;
		if (h->payload_len)
			memcpy(out, payload, h->payload_len);
		*out_len = h->payload_len;
		return 0;
	}
	/* IV, then at least one block holding the pad length. */
	if (h->payload_len < 2 * blk || h->payload_len % blk != 0)
		return VCM_EPAD;
	iv = payload;
	len = h->payload_len - blk;
	if ((ret = ipmi_aes_cbc(0, k->k2, iv, payload + blk, len, plain)) != 0)
		return ret;
	padn = plain[len - 1];
	ret = 0;
	if (padn >= blk)
		ret = VCM_EPAD;
	else {
		for (i = 0; i < padn; i++)
			if (plain[len - 1 - padn + i] != (uint8_t)(i + 1))
				ret = VCM_EPAD;
	}
	if (ret == 0 && len - 1 - padn > cap)
		ret = VCM_ENOSPC;
	if (ret == 0) {
		memcpy(out, plain, len - 1 - padn);
		*out_len = len - 1 - padn;
	}
	vcm_wipe(plain, sizeof(plain));
	return ret;
}
