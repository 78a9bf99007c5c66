/*
 * RMCP+ cryptography on top of OpenSSL's one-shot primitives. This file
 * calls no allocator itself; OpenSSL's HMAC() and EVP cipher calls
 * allocate and free their own contexts within a single call, so nothing
 * outlives a function here and no key material stays in OpenSSL.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vcm/err.h"
#include "vcm/vbuf.h"
#include "vcm/wipe.h"
#include "ipmi/crypto.h"

/* IPMI 2.0 table 22-20, suites 0..19. */
static const struct ipmi_cipher_suite suites[] = {
	{ 0, IPMI_AUTH_NONE, IPMI_INTEG_NONE, IPMI_CONF_NONE },
	{ 1, IPMI_AUTH_HMAC_SHA1, IPMI_INTEG_NONE, IPMI_CONF_NONE },
	{ 2, IPMI_AUTH_HMAC_SHA1, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_NONE },
	{ 3, IPMI_AUTH_HMAC_SHA1, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_AES_CBC_128 },
	{ 4, IPMI_AUTH_HMAC_SHA1, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_XRC4_128 },
	{ 5, IPMI_AUTH_HMAC_SHA1, IPMI_INTEG_HMAC_SHA1_96, IPMI_CONF_XRC4_40 },
	{ 6, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_NONE, IPMI_CONF_NONE },
	{ 7, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_HMAC_MD5_128, IPMI_CONF_NONE },
	{ 8, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_HMAC_MD5_128, IPMI_CONF_AES_CBC_128 },
	{ 9, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_HMAC_MD5_128, IPMI_CONF_XRC4_128 },
	{ 10, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_HMAC_MD5_128, IPMI_CONF_XRC4_40 },
	{ 11, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_MD5_128, IPMI_CONF_NONE },
	{ 12, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_MD5_128, IPMI_CONF_AES_CBC_128 },
	{ 13, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_MD5_128, IPMI_CONF_XRC4_128 },
	{ 14, IPMI_AUTH_HMAC_MD5, IPMI_INTEG_MD5_128, IPMI_CONF_XRC4_40 },
	{ 15, IPMI_AUTH_HMAC_SHA256, IPMI_INTEG_NONE, IPMI_CONF_NONE },
	{ 16, IPMI_AUTH_HMAC_SHA256, IPMI_INTEG_HMAC_SHA256_128, IPMI_CONF_NONE },
	{ 17, IPMI_AUTH_HMAC_SHA256, IPMI_INTEG_HMAC_SHA256_128,
	    IPMI_CONF_AES_CBC_128 },
	{ 18, IPMI_AUTH_HMAC_SHA256, IPMI_INTEG_HMAC_SHA256_128,
	    IPMI_CONF_XRC4_128 },
	{ 19, IPMI_AUTH_HMAC_SHA256, IPMI_INTEG_HMAC_SHA256_128,
	    IPMI_CONF_XRC4_40 },
};

/* K1 and K2 are HMACs of 20 constant bytes for every algorithm. */
#define KEY_CONST_LEN	20

int
ipmi_cipher_suite_lookup(uint8_t id, struct ipmi_cipher_suite *cs)
{
	if (id >= sizeof(suites) / sizeof(suites[0]))
		return VCM_EUNSUPP;
	*cs = suites[id];
	return 0;
}

int
ipmi_cipher_suite_usable(const struct ipmi_cipher_suite *cs)
{
	if (cs->auth == IPMI_AUTH_NONE || cs->integ == IPMI_INTEG_NONE ||
	    cs->conf == IPMI_CONF_NONE)
		return VCM_EINSECURE;
	if (cs->auth == IPMI_AUTH_HMAC_SHA1 &&
	    cs->integ == IPMI_INTEG_HMAC_SHA1_96 &&
	    cs->conf == IPMI_CONF_AES_CBC_128)
		return 0;
	if (cs->auth == IPMI_AUTH_HMAC_SHA256 &&
	    cs->integ == IPMI_INTEG_HMAC_SHA256_128 &&
	    cs->conf == IPMI_CONF_AES_CBC_128)
		return 0;
	return VCM_EUNSUPP;
}

size_t
ipmi_auth_hash_len(uint8_t auth)
{
	switch (auth) {
	case IPMI_AUTH_HMAC_SHA1:
		return 20;
	case IPMI_AUTH_HMAC_MD5:
		return 16;
	case IPMI_AUTH_HMAC_SHA256:
		return 32;
	default:
		return 0;
	}
}

size_t
ipmi_auth_icv_len(uint8_t auth)
{
	switch (auth) {
	case IPMI_AUTH_HMAC_SHA1:
		return 12;
	case IPMI_AUTH_HMAC_MD5:
	case IPMI_AUTH_HMAC_SHA256:
		return 16;
	default:
		return 0;
	}
}

size_t
ipmi_integ_mac_len(uint8_t integ)
{
	switch (integ) {
	case IPMI_INTEG_HMAC_SHA1_96:
		return 12;
	case IPMI_INTEG_HMAC_MD5_128:
	case IPMI_INTEG_MD5_128:
	case IPMI_INTEG_HMAC_SHA256_128:
		return 16;
	default:
		return 0;
	}
}

int
ipmi_ct_compare(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0 ? 0 : -1;
}

int
ipmi_hmac(uint8_t auth, const void *key, size_t key_len, const void *data,
    size_t len, uint8_t *out, size_t *out_len)
{
	const EVP_MD *md;
	unsigned int n = 0;

	switch (auth) {
	case IPMI_AUTH_HMAC_SHA1:
		md = EVP_sha1();
		break;
	case IPMI_AUTH_HMAC_SHA256:
		md = EVP_sha256();
		break;
	default:
		return VCM_EUNSUPP;
	}
	if (key_len > VCM_IPMI_HASH_MAX || len > VCM_IPMI_DATAGRAM_MAX)
		return VCM_EINVAL;
	if (HMAC(md, key, (int)key_len, data, len, out, &n) == NULL ||
	    n != ipmi_auth_hash_len(auth))
		return VCM_ECRYPTO;
	*out_len = n;
	return 0;
}

int
ipmi_rakp_ctx_set_creds(struct ipmi_rakp_ctx *c, const char *user,
    const void *password, size_t password_len, const void *kg, size_t kg_len)
{
	size_t ulen = user ? strlen(user) : 0;

	if (ulen > VCM_IPMI_USER_MAX || password_len > VCM_IPMI_KEY_MAX ||
	    kg_len > VCM_IPMI_KEY_MAX || (password == NULL && password_len))
		return VCM_ERANGE;
	memset(c->user, 0, sizeof(c->user));
	memcpy(c->user, user ? user : "", ulen);
	c->user_len = (uint8_t)ulen;
	vcm_wipe(c->kuid, sizeof(c->kuid));
	if (password_len)
		memcpy(c->kuid, password, password_len);
	vcm_wipe(c->kg, sizeof(c->kg));
	c->have_kg = kg != NULL && kg_len > 0;
	if (c->have_kg)
		memcpy(c->kg, kg, kg_len);
	return 0;
}

void
ipmi_rakp_ctx_wipe(struct ipmi_rakp_ctx *c)
{
	vcm_wipe(c, sizeof(*c));
}

/* The user fields every RAKP hash ends with: ROLEm ULENm UNAMEm. */
static void
put_user(struct vbuf_wr *w, const struct ipmi_rakp_ctx *c)
{
	vbuf_put_u8(w, c->role);
	vbuf_put_u8(w, c->user_len);
	vbuf_put_bytes(w, c->user, c->user_len);
}

/* Finishes a hash input in buf and computes HMAC(key) over it. */
static int
hmac_buf(const struct ipmi_rakp_ctx *c, const uint8_t *key, size_t key_len,
    struct vbuf_wr *w, uint8_t *out, size_t *len)
{
	int r;

	if (c->user_len > VCM_IPMI_USER_MAX)
		return VCM_ERANGE;
	if ((r = vbuf_wr_error(w)) != 0)
		return r;
	r = ipmi_hmac(c->auth, key, key_len, w->p, w->len, out, len);
	vcm_wipe(w->p, w->cap);
	return r;
}

int
ipmi_rakp2_code(const struct ipmi_rakp_ctx *c, uint8_t *out, size_t *len)
{
	uint8_t buf[128];
	struct vbuf_wr w;

	vbuf_wr_init(&w, buf, sizeof(buf));
	vbuf_put_u32le(&w, c->sid_m);
	vbuf_put_u32le(&w, c->sid_c);
	vbuf_put_bytes(&w, c->rm, sizeof(c->rm));
	vbuf_put_bytes(&w, c->rc, sizeof(c->rc));
	vbuf_put_bytes(&w, c->guid_c, sizeof(c->guid_c));
	put_user(&w, c);
	return hmac_buf(c, c->kuid, sizeof(c->kuid), &w, out, len);
}

int
ipmi_rakp3_code(const struct ipmi_rakp_ctx *c, uint8_t *out, size_t *len)
{
	uint8_t buf[128];
	struct vbuf_wr w;

	vbuf_wr_init(&w, buf, sizeof(buf));
	vbuf_put_bytes(&w, c->rc, sizeof(c->rc));
	vbuf_put_u32le(&w, c->sid_m);
	put_user(&w, c);
	return hmac_buf(c, c->kuid, sizeof(c->kuid), &w, out, len);
}

int
ipmi_sik(const struct ipmi_rakp_ctx *c, uint8_t *out, size_t *len)
{
	uint8_t buf[128];
	struct vbuf_wr w;

	vbuf_wr_init(&w, buf, sizeof(buf));
	vbuf_put_bytes(&w, c->rm, sizeof(c->rm));
	vbuf_put_bytes(&w, c->rc, sizeof(c->rc));
	put_user(&w, c);
	return hmac_buf(c, c->have_kg ? c->kg : c->kuid, VCM_IPMI_KEY_MAX, &w,
	    out, len);
}

int
ipmi_rakp4_icv(const struct ipmi_rakp_ctx *c, const uint8_t *sik,
    uint8_t *out, size_t *len)
{
	uint8_t buf[64];
	struct vbuf_wr w;
	int r;

	vbuf_wr_init(&w, buf, sizeof(buf));
	vbuf_put_bytes(&w, c->rm, sizeof(c->rm));
	vbuf_put_u32le(&w, c->sid_c);
	vbuf_put_bytes(&w, c->guid_c, sizeof(c->guid_c));
	if ((r = vbuf_wr_error(&w)) != 0)
		return r;
	r = ipmi_hmac(c->auth, sik, ipmi_auth_hash_len(c->auth), buf, w.len,
	    out, len);
	if (r == 0)
		*len = ipmi_auth_icv_len(c->auth);
	return r;
}

/* Compares a received code with the expected one in constant time. */
static int
check_code(int r, const uint8_t *want, size_t want_len, const uint8_t *got,
    size_t got_len)
{
	if (r != 0)
		return r;
	if (got_len != want_len || got == NULL)
		return VCM_EAUTH;
	return ipmi_ct_compare(want, got, want_len) == 0 ? 0 : VCM_EAUTH;
}

/* Computes the expected code with fn and compares it with the received one. */
static int
check_rakp(int (*fn)(const struct ipmi_rakp_ctx *, uint8_t *, size_t *),
    const struct ipmi_rakp_ctx *c, const uint8_t *code, size_t len)
{
	uint8_t want[VCM_IPMI_HASH_MAX];
	size_t n = 0;
	int r;

	r = fn(c, want, &n);
	r = check_code(r, want, n, code, len);
	vcm_wipe(want, sizeof(want));
	return r;
}

int
ipmi_rakp2_check(const struct ipmi_rakp_ctx *c, const uint8_t *code,
    size_t len)
{
	return check_rakp(ipmi_rakp2_code, c, code, len);
}

int
ipmi_rakp3_check(const struct ipmi_rakp_ctx *c, const uint8_t *code,
    size_t len)
{
	return check_rakp(ipmi_rakp3_code, c, code, len);
}

int
ipmi_rakp4_check(const struct ipmi_rakp_ctx *c, const uint8_t *sik,
    const uint8_t *code, size_t len)
{
	uint8_t want[VCM_IPMI_HASH_MAX];
	size_t n = 0;
	int r;

	r = ipmi_rakp4_icv(c, sik, want, &n);
	r = check_code(r, want, n, code, len);
	vcm_wipe(want, sizeof(want));
	return r;
}

int
ipmi_keys_derive(struct ipmi_session_keys *k, const struct ipmi_rakp_ctx *c,
    const struct ipmi_cipher_suite *cs)
{
	uint8_t konst[KEY_CONST_LEN];
	size_t n;
	int r;

	memset(k, 0, sizeof(*k));
	if ((r = ipmi_cipher_suite_usable(cs)) != 0)
		return r;
	if (cs->auth != c->auth)
		return VCM_EINVAL;
	k->auth = cs->auth;
	k->integ = cs->integ;
	k->conf = cs->conf;
	k->hash_len = (uint8_t)ipmi_auth_hash_len(cs->auth);
	if ((r = ipmi_sik(c, k->sik, &n)) != 0)
		goto fail;
	memset(konst, 0x01, sizeof(konst));
	if ((r = ipmi_hmac(k->auth, k->sik, k->hash_len, konst, sizeof(konst),
	    k->k1, &n)) != 0)
		goto fail;
	memset(konst, 0x02, sizeof(konst));
	if ((r = ipmi_hmac(k->auth, k->sik, k->hash_len, konst, sizeof(konst),
	    k->k2, &n)) != 0)
		goto fail;
	return 0;
fail:
	ipmi_keys_wipe(k);
	return r;
}

void
ipmi_keys_wipe(struct ipmi_session_keys *k)
{
	vcm_wipe(k, sizeof(*k));
}

int
ipmi_integrity_mac(const struct ipmi_session_keys *k, const void *data,
    size_t len, uint8_t *out)
{
	uint8_t full[VCM_IPMI_HASH_MAX];
	size_t n, want = ipmi_integ_mac_len(k->integ);
	uint8_t alg;
	int r;

	switch (k->integ) {
	case IPMI_INTEG_HMAC_SHA1_96:
		alg = IPMI_AUTH_HMAC_SHA1;
		break;
	case IPMI_INTEG_HMAC_SHA256_128:
		alg = IPMI_AUTH_HMAC_SHA256;
		break;
	default:
		return VCM_EUNSUPP;
	}
	if ((r = ipmi_hmac(alg, k->k1, k->hash_len, data, len, full, &n)) != 0)
		return r;
	memcpy(out, full, want);
	vcm_wipe(full, sizeof(full));
	return 0;
}

int
ipmi_integrity_check(const struct ipmi_session_keys *k, const void *data,
    size_t len, const uint8_t *mac, size_t mac_len)
{
	uint8_t want[VCM_IPMI_HASH_MAX];
	size_t n = ipmi_integ_mac_len(k->integ);
	int r;

	if (n == 0)
		return VCM_EUNSUPP;
	r = ipmi_integrity_mac(k, data, len, want);
	r = check_code(r, want, n, mac, mac_len);
	vcm_wipe(want, sizeof(want));
	return r;
}

int
ipmi_aes_cbc(int encrypt, const uint8_t key[IPMI_AES_KEY_LEN],
    const uint8_t iv[VCM_IPMI_AES_BLOCK], const uint8_t *in, size_t len,
    uint8_t *out)
{
	EVP_CIPHER_CTX *ctx;
	int n = 0, fin = 0, ok;

	if (len % VCM_IPMI_AES_BLOCK != 0 || len > VCM_IPMI_DATAGRAM_MAX)
		return VCM_EINVAL;
	if (len == 0)
		return 0;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return VCM_ECRYPTO;
	ok = EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv,
	    encrypt ? 1 : 0) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 &&
	    EVP_CipherFinal_ex(ctx, out + n, &fin) == 1 &&
	    (size_t)(n + fin) == len;
	EVP_CIPHER_CTX_free(ctx);	/* also wipes the expanded key */
	return ok ? 0 : VCM_ECRYPTO;
}
