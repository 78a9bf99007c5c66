/*
 * Secret tokens (token.h): random bytes from OpenSSL, base64 from
 * OpenSSL's encoder turned into base64url, SHA-256 through EVP.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "vcm/err.h"
#include "vcm/wipe.h"
#include "token.h"

/* EVP_EncodeBlock's output for VCM_TOKEN_RAW_LEN bytes, with its NUL. */
#define TOKEN_B64_PADDED	(4 * ((VCM_TOKEN_RAW_LEN + 2) / 3) + 1)

static int
is_b64url(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
token_new(const char *prefix, char *out, size_t outsz)
{
	uint8_t raw[VCM_TOKEN_RAW_LEN];
	unsigned char b64[TOKEN_B64_PADDED];
	size_t plen, i;
	int rc;

	if (prefix == NULL)
		return VCM_EINVAL;
	plen = strnlen(prefix, VCM_TOKEN_STR_MAX + 1);
	if (plen + TOKEN_B64_LEN > VCM_TOKEN_STR_MAX)
		return VCM_EINVAL;
	if (out == NULL || outsz < plen + TOKEN_B64_LEN + 1)
		return VCM_ENOSPC;
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return VCM_ECRYPTO;
	rc = EVP_EncodeBlock(b64, raw, sizeof(raw));
	vcm_wipe(raw, sizeof(raw));
	if (rc < TOKEN_B64_LEN) {
		vcm_wipe(b64, sizeof(b64));
		return VCM_ECRYPTO;
	}
	/* RFC 4648 §5: '+' -> '-', '/' -> '_', no '=' padding. */
	for (i = 0; i < TOKEN_B64_LEN; i++)
		b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	memcpy(out, prefix, plen);
	memcpy(out + plen, b64, TOKEN_B64_LEN);
	out[plen + TOKEN_B64_LEN] = '\0';
	vcm_wipe(b64, sizeof(b64));
	return (int)(plen + TOKEN_B64_LEN);
}

int
token_check_format(const char *prefix, const char *tok)
{
	size_t plen, i;

	if (prefix == NULL || tok == NULL)
		return VCM_EINVAL;
	plen = strlen(prefix);
	if (strncmp(tok, prefix, plen) != 0)
		return VCM_EINVAL;
	tok += plen;
	for (i = 0; i < TOKEN_B64_LEN; i++)
		if (!is_b64url((unsigned char)tok[i]))
			return VCM_EINVAL;
	return tok[i] == '\0' ? 0 : VCM_EINVAL;
}

void
token_hash(const char *tok, uint8_t out[VCM_TOKEN_HASH_LEN])
{
	unsigned int n = 0;

	/*
	 * Cannot fail short of a broken OpenSSL; a hash left unset could
	 * match another, so stop rather than return something.
	 */
	if (EVP_Digest(tok, strlen(tok), out, &n, EVP_sha256(), NULL) != 1 ||
	    n != VCM_TOKEN_HASH_LEN)
		abort();
}

int
token_hash_eq(const uint8_t *a, const uint8_t *b)
{
	return CRYPTO_memcmp(a, b, VCM_TOKEN_HASH_LEN) == 0;
}
