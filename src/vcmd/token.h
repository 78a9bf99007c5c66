/*
 * Secret tokens: API keys, grant tokens and console tickets. A token is
 * a short type prefix and VCM_TOKEN_RAW_LEN random bytes (256 bits,
 * RAND_bytes) in base64url without padding (43 characters):
 *
 *	vcmk_0Jq1yXcS6H4bS9rYw0jKp3T3FqgT2c6x3c1cqD4m2hE
 *
 * The store keeps only token_hash() (SHA-256 of the whole string, prefix
 * included) and compares with token_hash_eq() in constant time. A token
 * that is not exactly prefix + 43 base64url characters is refused by
 * token_check_format() before it reaches the store. Callers wipe token
 * strings (vcm_wipe) once hashed or shown.
 */
#ifndef VCMD_TOKEN_H
#define VCMD_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"

#define TOKEN_API	"vcmk_"
#define TOKEN_GRANT	"vcmg_"
#define TOKEN_TICKET	"vcmt_"

/* Base64url characters of VCM_TOKEN_RAW_LEN bytes, without padding. */
#define TOKEN_B64_LEN	((VCM_TOKEN_RAW_LEN * 4 + 2) / 3)

/*
 * Writes prefix + base64url(random) + NUL into out; returns the length
 * (without the NUL), VCM_ENOSPC, VCM_EINVAL (prefix NULL or longer than
 * VCM_TOKEN_STR_MAX allows) or VCM_ECRYPTO.
 */
int	token_new(const char *prefix, char *out, size_t outsz);
/* 0 if tok is exactly prefix + TOKEN_B64_LEN base64url chars. */
int	token_check_format(const char *prefix, const char *tok);
/* SHA-256 of the whole NUL-terminated string. */
void	token_hash(const char *tok, uint8_t out[VCM_TOKEN_HASH_LEN]);
/* 1 if the two hashes are equal; constant time (CRYPTO_memcmp). */
int	token_hash_eq(const uint8_t *a, const uint8_t *b);

#endif
