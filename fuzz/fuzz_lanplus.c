/*
 * Fuzzes RMCP+ session packet opening. Mode by the first byte:
 *  0: the input is a datagram, opened without keys and with fixed suite
 *     3 and suite 17 keys (header parsing, trailer and MAC paths);
 *  1: the input (after a header byte) is a ciphertext *plaintext* that we
 *     encrypt and MAC ourselves into an otherwise valid packet, so the
 *     paths behind the MAC (confidentiality pad checks) see hostile data;
 *  2: the input is a payload sealed and opened again (round trip).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/limits.h"
#include "ipmi/crypto.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
make_keys(struct ipmi_session_keys *k, uint8_t suite)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_cipher_suite cs;

	memset(&c, 0, sizeof(c));
	ipmi_cipher_suite_lookup(suite, &cs);
	c.auth = cs.auth;
	c.sid_m = 1;
	c.sid_c = 2;
	ipmi_rakp_ctx_set_creds(&c, "admin", "secret", 6, NULL, 0);
	if (ipmi_keys_derive(k, &c, &cs) != 0)
		abort();
}

static void
open_all(const uint8_t *p, size_t n, const struct ipmi_session_keys *k3,
    const struct ipmi_session_keys *k17)
{
	struct ipmi_lanplus_hdr h;
	uint8_t out[VCM_IPMI_DATAGRAM_MAX];
	size_t olen;

	(void)ipmi_datagram_classify(p, n);
	(void)ipmi_lanplus_peek(p, n, &h);
	if (ipmi_lanplus_decode(p, n, NULL, &h, out, sizeof(out), &olen) == 0 &&
	    (olen > n || h.encrypted || h.authenticated))
		abort();
	if (ipmi_lanplus_decode(p, n, k3, &h, out, sizeof(out), &olen) == 0 &&
	    olen > n)
		abort();
	if (ipmi_lanplus_decode(p, n, k17, &h, out, sizeof(out), &olen) == 0 &&
	    olen > n)
		abort();
}

/* Builds a packet around arbitrary plaintext blocks, with a valid MAC. */
static void
behind_the_mac(const uint8_t *p, size_t n, const struct ipmi_session_keys *k)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], iv[16] = { 0 };
	struct ipmi_lanplus_hdr h;
	uint8_t out[VCM_IPMI_DATAGRAM_MAX];
	size_t blocks = n / 16, len, pad, mac_len, olen, i;
	struct vbuf_wr w;

	if (blocks == 0 || blocks > 32)
		return;
	len = 16 + blocks * 16;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	vbuf_put_bytes(&w, "\x06\x00\xff\x07\x06\xc0", 6);
	vbuf_put_u32le(&w, 2);
	vbuf_put_u32le(&w, 1);
	vbuf_put_u16le(&w, (uint16_t)len);
	vbuf_put_bytes(&w, iv, 16);
	if (ipmi_aes_cbc(1, k->k2, iv, p, blocks * 16,
	    vbuf_reserve(&w, blocks * 16)) != 0)
		abort();
	pad = (4 - (w.len - 4 + 2) % 4) % 4;
	for (i = 0; i < pad; i++)
		vbuf_put_u8(&w, 0xff);
	vbuf_put_u8(&w, (uint8_t)pad);
	vbuf_put_u8(&w, 0x07);
	mac_len = ipmi_integ_mac_len(k->integ);
	if (ipmi_integrity_mac(k, pkt + 4, w.len - 4,
	    vbuf_reserve(&w, mac_len)) != 0 || vbuf_wr_error(&w))
		abort();
	if (ipmi_lanplus_decode(pkt, w.len, k, &h, out, sizeof(out),
	    &olen) == 0) {
		/* Only a well-formed pad opens: 1..N then N, N < 16. */
		uint8_t last = p[blocks * 16 - 1];
		if (last >= 16 || olen != blocks * 16 - 1 - last ||
		    memcmp(out, p, olen) != 0)
			abort();
		for (i = 0; i < last; i++)
			if (p[olen + i] != i + 1)
				abort();
	}
}

static void
round_trip(const uint8_t *p, size_t n, const struct ipmi_session_keys *k)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], out[VCM_IPMI_DATAGRAM_MAX];
	static const uint8_t iv[16] = { 9 };
	struct ipmi_lanplus_hdr h, d;
	struct vbuf_wr w;
	size_t olen;

	memset(&h, 0, sizeof(h));
	h.payload_type = IPMI_PAYLOAD_SOL;
	h.encrypted = h.authenticated = 1;
	h.session_id = 2;
	h.seq = 1;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if (ipmi_lanplus_encode(&w, &h, k, iv, p, n) != 0)
		return;	/* too long */
	if (ipmi_lanplus_decode(pkt, w.len, k, &d, out, sizeof(out),
	    &olen) != 0 || olen != n || (n && memcmp(out, p, n) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ipmi_session_keys k3, k17;
	static int init;

	if (!init) {
		make_keys(&k3, 3);
		make_keys(&k17, 17);
		init = 1;
	}
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		open_all(data + 1, size - 1, &k3, &k17);
		break;
	case 1:
		behind_the_mac(data + 1, size - 1,
		    (data[0] & 0x80) ? &k17 : &k3);
		break;
	case 2:
		round_trip(data + 1, size - 1, (data[0] & 0x80) ? &k17 : &k3);
		break;
	}
	return 0;
}
