/*
 * RMCP+ crypto and session packets. Independent known answers for the
 * IPMI-specific derivations live in test_kat_cs3.c (captured from
 * ipmitool and ipmi_sim) and tests/integration/kat-suite17.sh (openssl
 * CLI); here: the primitives against published vectors, round trips,
 * tampering, padding and truncation.
 */
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/crypto.h"
#include "ipmi/rakp.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"
#include "test.h"

static void
cipher_suite_table(void)
{
	struct ipmi_cipher_suite cs;
	int id, usable = 0;

	for (id = 0; id < 20; id++) {
		REQUIRE(ipmi_cipher_suite_lookup((uint8_t)id, &cs) == 0);
		CHECK_INT(cs.id, id);
		if (ipmi_cipher_suite_usable(&cs) == 0) {
			usable++;
			CHECK(id == 3 || id == 17);
		}
	}
	CHECK_INT(usable, 2);
	CHECK_INT(ipmi_cipher_suite_lookup(20, &cs), VCM_EUNSUPP);
	CHECK_INT(ipmi_cipher_suite_lookup(0xff, &cs), VCM_EUNSUPP);
	ipmi_cipher_suite_lookup(0, &cs);
	CHECK_INT(ipmi_cipher_suite_usable(&cs), VCM_EINSECURE);
	ipmi_cipher_suite_lookup(2, &cs);	/* no confidentiality */
	CHECK_INT(ipmi_cipher_suite_usable(&cs), VCM_EINSECURE);
	ipmi_cipher_suite_lookup(15, &cs);	/* no integrity */
	CHECK_INT(ipmi_cipher_suite_usable(&cs), VCM_EINSECURE);
	ipmi_cipher_suite_lookup(8, &cs);	/* MD5 */
	CHECK_INT(ipmi_cipher_suite_usable(&cs), VCM_EUNSUPP);
	ipmi_cipher_suite_lookup(17, &cs);
	CHECK_INT(cs.auth, IPMI_AUTH_HMAC_SHA256);
	CHECK_INT(cs.integ, IPMI_INTEG_HMAC_SHA256_128);
	CHECK_INT(cs.conf, IPMI_CONF_AES_CBC_128);
	CHECK_INT(ipmi_auth_hash_len(IPMI_AUTH_HMAC_SHA1), 20);
	CHECK_INT(ipmi_auth_hash_len(IPMI_AUTH_HMAC_SHA256), 32);
	CHECK_INT(ipmi_auth_icv_len(IPMI_AUTH_HMAC_SHA1), 12);
	CHECK_INT(ipmi_auth_icv_len(IPMI_AUTH_HMAC_SHA256), 16);
	CHECK_INT(ipmi_integ_mac_len(IPMI_INTEG_HMAC_SHA1_96), 12);
	CHECK_INT(ipmi_integ_mac_len(IPMI_INTEG_HMAC_SHA256_128), 16);
}

/* RFC 2202 and RFC 4231 test case 1. */
static void
hmac_published_vectors(void)
{
	uint8_t key[20], out[32], want[32];
	size_t n;

	memset(key, 0x0b, sizeof(key));
	REQUIRE(ipmi_hmac(IPMI_AUTH_HMAC_SHA1, key, 20, "Hi There", 8, out,
	    &n) == 0);
	CHECK_INT(n, 20);
	test_unhex("b617318655057264e28bc0b6fb378c8ef146be00", want, 20);
	CHECK_MEM(out, want, 20);
	REQUIRE(ipmi_hmac(IPMI_AUTH_HMAC_SHA256, key, 20, "Hi There", 8, out,
	    &n) == 0);
	CHECK_INT(n, 32);
	test_unhex("b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7", want, 32);
	CHECK_MEM(out, want, 32);
	CHECK_INT(ipmi_hmac(IPMI_AUTH_HMAC_MD5, key, 20, "x", 1, out, &n),
	    VCM_EUNSUPP);
	CHECK_INT(ipmi_hmac(IPMI_AUTH_HMAC_SHA1, key, 40, "x", 1, out, &n),
	    VCM_EINVAL);
}

/* NIST SP 800-38A F.2.1/F.2.2, CBC-AES128, first two blocks. */
static void
aes_cbc_published_vector(void)
{
	uint8_t key[16], iv[16], pt[32], ct[32], want[32], back[32];

	test_unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	test_unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	test_unhex("6bc1bee22e409f96e93d7e117393172a"
	    "ae2d8a571e03ac9c9eb76fac45af8e51", pt, 32);
	test_unhex("7649abac8119b246cee98e9b12e9197d"
	    "5086cb9b507219ee95db113a917678b2", want, 32);
	REQUIRE(ipmi_aes_cbc(1, key, iv, pt, 32, ct) == 0);
	CHECK_MEM(ct, want, 32);
	REQUIRE(ipmi_aes_cbc(0, key, iv, ct, 32, back) == 0);
	CHECK_MEM(back, pt, 32);
	CHECK_INT(ipmi_aes_cbc(1, key, iv, pt, 17, ct), VCM_EINVAL);
	CHECK_INT(ipmi_aes_cbc(1, key, iv, pt, 0, ct), 0);
}

/* A RAKP context both sides of a test session agree on. */
static void
make_ctx(struct ipmi_rakp_ctx *c, uint8_t auth)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->auth = auth;
	c->sid_m = 0xa0a2a3a4;
	c->sid_c = 0x00c0ffee;
	for (i = 0; i < 16; i++) {
		c->rm[i] = (uint8_t)(i * 7 + 1);
		c->rc[i] = (uint8_t)(i * 13 + 5);
		c->guid_c[i] = (uint8_t)(0xa0 + i);
	}
	c->role = IPMI_PRIV_ADMIN | IPMI_ROLE_NAME_ONLY;
	ipmi_rakp_ctx_set_creds(c, "admin", "secret", 6, NULL, 0);
}

static void
rakp_codes_agree_and_reject(void)
{
	struct ipmi_rakp_ctx c, other;
	uint8_t code[32], sik[32];
	size_t n, sn;
	uint8_t auths[2] = { IPMI_AUTH_HMAC_SHA1, IPMI_AUTH_HMAC_SHA256 };
	int a;

	for (a = 0; a < 2; a++) {
		make_ctx(&c, auths[a]);
		REQUIRE(ipmi_rakp2_code(&c, code, &n) == 0);
		CHECK_INT(n, ipmi_auth_hash_len(auths[a]));
		CHECK_INT(ipmi_rakp2_check(&c, code, n), 0);
		CHECK_INT(ipmi_rakp2_check(&c, code, n - 1), VCM_EAUTH);
		CHECK_INT(ipmi_rakp2_check(&c, NULL, n), VCM_EAUTH);
		code[n - 1] ^= 0x80;
		CHECK_INT(ipmi_rakp2_check(&c, code, n), VCM_EAUTH);
		/* A wrong password gives a different code. */
		code[n - 1] ^= 0x80;
		other = c;
		ipmi_rakp_ctx_set_creds(&other, "admin", "secreT", 6, NULL, 0);
		CHECK_INT(ipmi_rakp2_check(&other, code, n), VCM_EAUTH);
		REQUIRE(ipmi_rakp3_code(&c, code, &n) == 0);
		CHECK_INT(ipmi_rakp3_check(&c, code, n), 0);
		CHECK_INT(ipmi_rakp3_check(&other, code, n), VCM_EAUTH);
		REQUIRE(ipmi_sik(&c, sik, &sn) == 0);
		REQUIRE(ipmi_rakp4_icv(&c, sik, code, &n) == 0);
		CHECK_INT(n, ipmi_auth_icv_len(auths[a]));
		CHECK_INT(ipmi_rakp4_check(&c, sik, code, n), 0);
		sik[0] ^= 1;
		CHECK_INT(ipmi_rakp4_check(&c, sik, code, n), VCM_EAUTH);
		/* With a Kg the SIK changes, the RAKP codes do not. */
		other = c;
		ipmi_rakp_ctx_set_creds(&other, "admin", "secret", 6, "kgkg", 4);
		REQUIRE(ipmi_sik(&other, code, &n) == 0);
		sik[0] ^= 1;
		CHECK(memcmp(code, sik, n) != 0);
		REQUIRE(ipmi_rakp3_code(&other, code, &n) == 0);
		CHECK_INT(ipmi_rakp3_check(&c, code, n), 0);
	}
	CHECK_INT(ipmi_rakp_ctx_set_creds(&c, "seventeen-chars!!", "x", 1,
	    NULL, 0), VCM_ERANGE);
	CHECK_INT(ipmi_rakp_ctx_set_creds(&c, "a", "x", 21, NULL, 0),
	    VCM_ERANGE);
	make_ctx(&c, IPMI_AUTH_NONE);
	CHECK_INT(ipmi_rakp2_code(&c, code, &n), VCM_EUNSUPP);
}

static void
keys_derive_and_wipe(void)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_cipher_suite cs;
	struct ipmi_session_keys k;
	static const uint8_t zero[sizeof(k)];
	uint8_t sik[32];
	size_t n;

	make_ctx(&c, IPMI_AUTH_HMAC_SHA256);
	ipmi_cipher_suite_lookup(17, &cs);
	REQUIRE(ipmi_keys_derive(&k, &c, &cs) == 0);
	CHECK_INT(k.hash_len, 32);
	ipmi_sik(&c, sik, &n);
	CHECK_MEM(k.sik, sik, 32);
	CHECK(memcmp(k.k1, k.k2, 32) != 0);
	ipmi_keys_wipe(&k);
	CHECK_MEM(&k, zero, sizeof(k));
	/* Suites we must not run are refused before any key is made. */
	ipmi_cipher_suite_lookup(0, &cs);
	CHECK_INT(ipmi_keys_derive(&k, &c, &cs), VCM_EINSECURE);
	CHECK_MEM(&k, zero, sizeof(k));
	ipmi_cipher_suite_lookup(3, &cs);	/* SHA1 suite, SHA256 ctx */
	CHECK_INT(ipmi_keys_derive(&k, &c, &cs), VCM_EINVAL);
	ipmi_rakp_ctx_wipe(&c);
	CHECK_INT(c.kuid[0], 0);
	CHECK_INT(c.user_len, 0);
}

static void
session_keys(struct ipmi_session_keys *k, uint8_t suite)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_cipher_suite cs;

	ipmi_cipher_suite_lookup(suite, &cs);
	make_ctx(&c, cs.auth);
	ipmi_keys_derive(k, &c, &cs);
	ipmi_rakp_ctx_wipe(&c);
}

static long
seal(const struct ipmi_session_keys *k, uint8_t type, const uint8_t *pl,
    size_t len, uint8_t *out, size_t cap)
{
	static const uint8_t iv[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	    13, 14, 15, 16 };
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;

	memset(&h, 0, sizeof(h));
	h.payload_type = type;
	h.encrypted = h.authenticated = k != NULL;
	h.session_id = 0x00c0ffee;
	h.seq = 7;
	vbuf_wr_init(&w, out, cap);
	return ipmi_lanplus_encode(&w, &h, k, iv, pl, len) == 0 ?
	    (long)w.len : -1;
}

static void
packets_round_trip_every_pad(void)
{
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	uint8_t pl[64], pkt[256], out[256];
	size_t len, olen;
	long n;
	int s;
	uint8_t suites[2] = { 3, 17 };

	for (len = 0; len < sizeof(pl); len++)
		pl[len] = (uint8_t)(len * 3);
	for (s = 0; s < 2; s++) {
		session_keys(&k, suites[s]);
		for (len = 0; len <= 40; len++) {
			n = seal(&k, IPMI_PAYLOAD_IPMI, pl, len, pkt,
			    sizeof(pkt));
			REQUIRE(n > 0);
			/* auth type..next header is a multiple of 4 */
			CHECK_INT((n - 4 - (long)ipmi_integ_mac_len(k.integ)) % 4,
			    0);
			CHECK_INT(ipmi_datagram_classify(pkt, (size_t)n),
			    IPMI_DGRAM_LANPLUS);
			REQUIRE(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out,
			    sizeof(out), &olen) == 0);
			CHECK_INT(olen, len);
			CHECK_MEM(out, pl, len);
			CHECK(h.encrypted && h.authenticated);
			CHECK_INT(h.session_id, 0x00c0ffee);
			CHECK_INT(h.seq, 7);
			CHECK_INT(h.payload_len % 16, 0);
		}
		ipmi_keys_wipe(&k);
	}
}

static void
every_flipped_bit_is_rejected(void)
{
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	uint8_t pl[21], pkt[256], out[256];
	size_t olen, i;
	long n;
	int bit;

	memset(pl, 0x42, sizeof(pl));
	session_keys(&k, 17);
	n = seal(&k, IPMI_PAYLOAD_SOL, pl, sizeof(pl), pkt, sizeof(pkt));
	REQUIRE(n > 0);
	/*
	 * Bytes 1 and 2 of the RMCP header (reserved, RMCP sequence) are
	 * outside the MAC and carry no meaning for IPMI: they are ignored.
	 * Every other bit is covered by the class check or the MAC.
	 */
	for (i = 0; i < (size_t)n; i++) {
		if (i == 1 || i == 2)
			continue;
		for (bit = 0; bit < 8; bit++) {
			pkt[i] ^= (uint8_t)(1 << bit);
			if (ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out,
			    sizeof(out), &olen) == 0) {
				printf("#   flip at byte %zu bit %d accepted\n",
				    i, bit);
				test_failed = 1;
			}
			pkt[i] ^= (uint8_t)(1 << bit);
		}
	}
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out, sizeof(out),
	    &olen), 0);
	ipmi_keys_wipe(&k);
}

static void
truncated_and_extended_rejected(void)
{
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	uint8_t pl[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, pkt[256], out[256];
	size_t olen, i;
	long n;

	session_keys(&k, 3);
	n = seal(&k, IPMI_PAYLOAD_IPMI, pl, sizeof(pl), pkt, sizeof(pkt));
	REQUIRE(n > 0);
	for (i = 0; i < (size_t)n; i++)
		CHECK(ipmi_lanplus_decode(pkt, i, &k, &h, out, sizeof(out),
		    &olen) != 0);
	pkt[n] = 0;
	CHECK(ipmi_lanplus_decode(pkt, (size_t)n + 1, &k, &h, out, sizeof(out),
	    &olen) != 0);
	/* Output buffer too small for the plaintext. */
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out, 7, &olen),
	    VCM_ENOSPC);
	/* Pre-session packets: no keys, exact length. */
	n = seal(NULL, IPMI_PAYLOAD_RAKP1, pl, sizeof(pl), pkt, sizeof(pkt));
	REQUIRE(n == 16 + 8);
	REQUIRE(ipmi_lanplus_decode(pkt, (size_t)n, NULL, &h, out, sizeof(out),
	    &olen) == 0);
	CHECK_INT(h.payload_type, IPMI_PAYLOAD_RAKP1);
	CHECK_INT(olen, 8);
	for (i = 0; i < (size_t)n; i++)
		CHECK(ipmi_lanplus_decode(pkt, i, NULL, &h, out, sizeof(out),
		    &olen) != 0);
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n + 1, NULL, &h, out,
	    sizeof(out), &olen), VCM_ETRAILING);
	ipmi_keys_wipe(&k);
}

static void
security_bits_enforced(void)
{
	struct ipmi_session_keys k, wrong;
	struct ipmi_lanplus_hdr h;
	uint8_t pl[4] = { 0 }, pkt[256], out[256];
	size_t olen;
	long n;
	struct vbuf_wr w;

	session_keys(&k, 17);
	session_keys(&wrong, 3);
	/* A plaintext IPMI payload inside an established session. */
	n = seal(NULL, IPMI_PAYLOAD_IPMI, pl, sizeof(pl), pkt, sizeof(pkt));
	REQUIRE(n > 0);
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out, sizeof(out),
	    &olen), VCM_EAUTH);
	/* A sealed packet opened with the wrong keys, or with none. */
	n = seal(&k, IPMI_PAYLOAD_IPMI, pl, sizeof(pl), pkt, sizeof(pkt));
	REQUIRE(n > 0);
	CHECK(ipmi_lanplus_decode(pkt, (size_t)n, &wrong, &h, out,
	    sizeof(out), &olen) != 0);
	/* Same suite, other keys: the MAC does not verify. */
	wrong = k;
	wrong.k1[0] ^= 1;
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, &wrong, &h, out,
	    sizeof(out), &olen), VCM_EAUTH);
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, NULL, &h, out,
	    sizeof(out), &olen), VCM_EAUTH);
	/* Session-setup payloads are never sealed. */
	memset(&h, 0, sizeof(h));
	h.payload_type = IPMI_PAYLOAD_RAKP3;
	h.encrypted = h.authenticated = 1;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	CHECK_INT(ipmi_lanplus_encode(&w, &h, &k, pkt, pl, 4), VCM_EINVAL);
	/* Unknown payload types. */
	h.payload_type = 0x30;
	h.encrypted = h.authenticated = 0;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	CHECK_INT(ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, 4), VCM_EINVAL);
	ipmi_keys_wipe(&k);
	ipmi_keys_wipe(&wrong);
}

/* Re-MACs a tampered packet so only the pad check can catch it. */
static void
remac(const struct ipmi_session_keys *k, uint8_t *pkt, size_t n)
{
	size_t mac_len = ipmi_integ_mac_len(k->integ);

	ipmi_integrity_mac(k, pkt + 4, n - 4 - mac_len, pkt + n - mac_len);
}

static void
pad_checks_behind_valid_mac(void)
{
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	uint8_t pl[5] = { 1, 2, 3, 4, 5 }, pkt[256], out[256], plain[32];
	static const uint8_t iv[16];
	size_t olen, mac_len;
	long n;
	int i;

	session_keys(&k, 17);
	mac_len = ipmi_integ_mac_len(k.integ);
	n = seal(&k, IPMI_PAYLOAD_IPMI, pl, sizeof(pl), pkt, sizeof(pkt));
	REQUIRE(n > 0);
	/* Integrity pad: find pad length, corrupt a pad byte, re-MAC. */
	REQUIRE(pkt[n - mac_len - 1] == IPMI_NEXT_HEADER);
	if (pkt[n - mac_len - 2] > 0) {
		pkt[n - mac_len - 3] = 0xfe;
		remac(&k, pkt, (size_t)n);
		CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out,
		    sizeof(out), &olen), VCM_EPAD);
		pkt[n - mac_len - 3] = 0xff;
	}
	/* A next header other than 07h. */
	pkt[n - mac_len - 1] = 0x06;
	remac(&k, pkt, (size_t)n);
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out, sizeof(out),
	    &olen), VCM_EBADMSG);
	pkt[n - mac_len - 1] = IPMI_NEXT_HEADER;
	/* Confidentiality pad: a block whose pad bytes are not 1..N. */
	memset(plain, 0, sizeof(plain));
	memcpy(plain, pl, 5);
	for (i = 0; i < 10; i++)
		plain[5 + i] = (uint8_t)(i + 2);	/* 2..11, not 1..10 */
	plain[15] = 10;
	/* Payload starts after RMCP(4) + session header(12): IV, then data. */
	memcpy(pkt + 16, iv, 16);
	REQUIRE(ipmi_aes_cbc(1, k.k2, iv, plain, 16, pkt + 32) == 0);
	remac(&k, pkt, (size_t)n);
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out, sizeof(out),
	    &olen), VCM_EPAD);
	/* A pad length that cannot fit in the block. */
	plain[15] = 16;
	REQUIRE(ipmi_aes_cbc(1, k.k2, iv, plain, 16, pkt + 32) == 0);
	remac(&k, pkt, (size_t)n);
	CHECK_INT(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out, sizeof(out),
	    &olen), VCM_EPAD);
	/* And the correct pad opens. */
	for (i = 0; i < 10; i++)
		plain[5 + i] = (uint8_t)(i + 1);
	plain[15] = 10;
	REQUIRE(ipmi_aes_cbc(1, k.k2, iv, plain, 16, pkt + 32) == 0);
	remac(&k, pkt, (size_t)n);
	REQUIRE(ipmi_lanplus_decode(pkt, (size_t)n, &k, &h, out, sizeof(out),
	    &olen) == 0);
	CHECK_INT(olen, 5);
	CHECK_MEM(out, pl, 5);
	ipmi_keys_wipe(&k);
}

static void
oem_payload_header(void)
{
	struct ipmi_lanplus_hdr h, d;
	uint8_t pkt[64], out[64];
	size_t olen;
	struct vbuf_wr w;

	memset(&h, 0, sizeof(h));
	h.payload_type = IPMI_PAYLOAD_OEM;
	h.oem_iana = 0x0002a2;
	h.oem_payload_id = 0x1234;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	REQUIRE(ipmi_lanplus_encode(&w, &h, NULL, NULL, "ab", 2) == 0);
	CHECK_INT(w.len, 4 + 18 + 2);
	REQUIRE(ipmi_lanplus_peek(pkt, w.len, &d) == 0);
	CHECK_INT(d.oem_iana, 0x0002a2);
	CHECK_INT(d.oem_payload_id, 0x1234);
	REQUIRE(ipmi_lanplus_decode(pkt, w.len, NULL, &d, out, sizeof(out),
	    &olen) == 0);
	CHECK_INT(olen, 2);
	CHECK_INT(out[0], 'a');
}

/* The seal helper sets the security bits from the keys' suite. */
static void
seal_helper_round_trip(void)
{
	static const uint8_t iv[16] = { 7 };
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	uint8_t pkt[128], out[64];
	struct vbuf_wr w;
	size_t olen;

	session_keys(&k, 3);
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	REQUIRE(ipmi_lanplus_seal(&w, &k, IPMI_PAYLOAD_SOL, 0x1234, 9, iv,
	    "abc", 3) == 0);
	REQUIRE(ipmi_lanplus_decode(pkt, w.len, &k, &h, out, sizeof(out),
	    &olen) == 0);
	CHECK(h.encrypted && h.authenticated);
	CHECK_INT(h.payload_type, IPMI_PAYLOAD_SOL);
	CHECK_INT(h.session_id, 0x1234);
	CHECK_INT(h.seq, 9);
	CHECK_INT(olen, 3);
	CHECK_MEM(out, "abc", 3);
	ipmi_keys_wipe(&k);
}

static const struct test_case tests[] = {
	{ "cipher_suite_table", cipher_suite_table },
	{ "hmac_published_vectors", hmac_published_vectors },
	{ "aes_cbc_published_vector", aes_cbc_published_vector },
	{ "rakp_codes_agree_and_reject", rakp_codes_agree_and_reject },
	{ "keys_derive_and_wipe", keys_derive_and_wipe },
	{ "packets_round_trip_every_pad", packets_round_trip_every_pad },
	{ "every_flipped_bit_is_rejected", every_flipped_bit_is_rejected },
	{ "truncated_and_extended_rejected", truncated_and_extended_rejected },
	{ "security_bits_enforced", security_bits_enforced },
	{ "pad_checks_behind_valid_mac", pad_checks_behind_valid_mac },
	{ "oem_payload_header", oem_payload_header },
	{ "seal_helper_round_trip", seal_helper_round_trip },
};

TEST_MAIN(tests)
