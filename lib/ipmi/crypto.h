/*
 * RMCP+ cryptography (IPMI 2.0 §13.28-13.32): cipher suites, the RAKP
 * authentication codes, session key derivation (SIK, K1, K2), message
 * integrity and AES-CBC-128 confidentiality.
 *
 * Names follow the specification: SIDm is the remote console's session
 * id, SIDc the managed system's (the BMC's); Rm/Rc their random numbers;
 * GUIDc the BMC's GUID; Kuid the user's password (20 bytes, zero
 * padded); Kg the BMC key (Kuid when no Kg is set).
 *
 * vcm runs cipher suites 3 and 17 only (HMAC-SHA1 / HMAC-SHA256 with
 * integrity and AES); every other suite can be parsed so audits can
 * report what a BMC offers. All compares of codes received from a peer
 * are constant-time. Random numbers and IVs come from the caller: this
 * library does no I/O.
 */
#ifndef IPMI_CRYPTO_H
#define IPMI_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"

enum ipmi_auth_alg {
	IPMI_AUTH_NONE = 0,
	IPMI_AUTH_HMAC_SHA1 = 1,
	IPMI_AUTH_HMAC_MD5 = 2,
	IPMI_AUTH_HMAC_SHA256 = 3,
};

enum ipmi_integ_alg {
	IPMI_INTEG_NONE = 0,
	IPMI_INTEG_HMAC_SHA1_96 = 1,
	IPMI_INTEG_HMAC_MD5_128 = 2,
	IPMI_INTEG_MD5_128 = 3,
	IPMI_INTEG_HMAC_SHA256_128 = 4,
};

enum ipmi_conf_alg {
	IPMI_CONF_NONE = 0,
	IPMI_CONF_AES_CBC_128 = 1,
	IPMI_CONF_XRC4_128 = 2,
	IPMI_CONF_XRC4_40 = 3,
};

#define IPMI_RANDOM_LEN		16	/* Rm, Rc */
#define IPMI_GUID_LEN		16
#define IPMI_AES_KEY_LEN	16

struct ipmi_cipher_suite {
	uint8_t	id;
	uint8_t	auth;		/* enum ipmi_auth_alg */
	uint8_t	integ;		/* enum ipmi_integ_alg */
	uint8_t	conf;		/* enum ipmi_conf_alg */
};

/* The standard suites 0..19 (IPMI 2.0 table 22-20); VCM_EUNSUPP otherwise. */
int	ipmi_cipher_suite_lookup(uint8_t id, struct ipmi_cipher_suite *);
/*
 * 0 if vcm may run this suite: an authentication algorithm we implement,
 * with integrity AND confidentiality. VCM_EINSECURE for suites without
 * them (0, 1, 2, 6, 7, 11, 15, 16), VCM_EUNSUPP for MD5 and xRC4.
 */
int	ipmi_cipher_suite_usable(const struct ipmi_cipher_suite *);

/* Length of the RAKP2/RAKP3 key exchange code, SIK, K1, K2 (0 for NONE). */
size_t	ipmi_auth_hash_len(uint8_t auth);
/* Length of the RAKP4 integrity check value (12 SHA1, 16 MD5/SHA256). */
size_t	ipmi_auth_icv_len(uint8_t auth);
/* Length of a message integrity AuthCode (12 or 16; 0 for NONE). */
size_t	ipmi_integ_mac_len(uint8_t integ);

/* What both sides know once RAKP2 has been received. */
struct ipmi_rakp_ctx {
	uint8_t		auth;			/* enum ipmi_auth_alg */
	uint32_t	sid_m;			/* remote console session id */
	uint32_t	sid_c;			/* managed system session id */
	uint8_t		rm[IPMI_RANDOM_LEN];
	uint8_t		rc[IPMI_RANDOM_LEN];
	uint8_t		guid_c[IPMI_GUID_LEN];
	uint8_t		role;			/* privilege | 0x10 name-only lookup */
	uint8_t		user_len;
	uint8_t		user[VCM_IPMI_USER_MAX];
	uint8_t		kuid[VCM_IPMI_KEY_MAX];	/* zero padded */
	uint8_t		kg[VCM_IPMI_KEY_MAX];
	int		have_kg;		/* 0: Kg = Kuid */
};

/* Sets user, password and Kg (NULL: none) with length checks. */
int	ipmi_rakp_ctx_set_creds(struct ipmi_rakp_ctx *, const char *user,
	    const void *password, size_t password_len, const void *kg,
	    size_t kg_len);
void	ipmi_rakp_ctx_wipe(struct ipmi_rakp_ctx *);

/* RAKP2 key exchange auth code: HMAC_Kuid(SIDm SIDc Rm Rc GUIDc ROLEm ULENm UNAMEm). */
int	ipmi_rakp2_code(const struct ipmi_rakp_ctx *, uint8_t *out, size_t *len);
/* RAKP3 key exchange auth code: HMAC_Kuid(Rc SIDm ROLEm ULENm UNAMEm). */
int	ipmi_rakp3_code(const struct ipmi_rakp_ctx *, uint8_t *out, size_t *len);
/* SIK = HMAC_Kg(Rm Rc ROLEm ULENm UNAMEm). */
int	ipmi_sik(const struct ipmi_rakp_ctx *, uint8_t *out, size_t *len);
/* RAKP4 ICV = HMAC_SIK(Rm SIDc GUIDc), truncated per algorithm. */
int	ipmi_rakp4_icv(const struct ipmi_rakp_ctx *, const uint8_t *sik,
	    uint8_t *out, size_t *len);

/*
 * Constant-time checks of codes received from the peer: 0 or VCM_EAUTH
 * (a length that differs from the algorithm's is VCM_EAUTH as well).
 */
int	ipmi_rakp2_check(const struct ipmi_rakp_ctx *, const uint8_t *, size_t);
int	ipmi_rakp3_check(const struct ipmi_rakp_ctx *, const uint8_t *, size_t);
int	ipmi_rakp4_check(const struct ipmi_rakp_ctx *, const uint8_t *sik,
	    const uint8_t *, size_t);

/* The keys of one established session; wiped when it ends. */
struct ipmi_session_keys {
	uint8_t	auth;
	uint8_t	integ;
	uint8_t	conf;
	uint8_t	hash_len;			/* of SIK, K1, K2 */
	uint8_t	sik[VCM_IPMI_HASH_MAX];
	uint8_t	k1[VCM_IPMI_HASH_MAX];		/* integrity key */
	uint8_t	k2[VCM_IPMI_HASH_MAX];		/* AES key = first 16 bytes */
};

/* Derives SIK, K1 = HMAC_SIK(0x01 x 20), K2 = HMAC_SIK(0x02 x 20). */
int	ipmi_keys_derive(struct ipmi_session_keys *,
	    const struct ipmi_rakp_ctx *, const struct ipmi_cipher_suite *);
void	ipmi_keys_wipe(struct ipmi_session_keys *);

/* HMAC over one buffer with the hash of an authentication algorithm. */
int	ipmi_hmac(uint8_t auth, const void *key, size_t key_len,
	    const void *data, size_t len, uint8_t *out, size_t *out_len);
/* Integrity AuthCode over data with K1; writes ipmi_integ_mac_len() bytes. */
int	ipmi_integrity_mac(const struct ipmi_session_keys *, const void *data,
	    size_t len, uint8_t *out);
/* Constant-time integrity check of a received AuthCode. */
int	ipmi_integrity_check(const struct ipmi_session_keys *,
	    const void *data, size_t len, const uint8_t *mac, size_t mac_len);
/* AES-CBC-128 without padding; len must be a multiple of 16. */
int	ipmi_aes_cbc(int encrypt, const uint8_t key[IPMI_AES_KEY_LEN],
	    const uint8_t iv[VCM_IPMI_AES_BLOCK], const uint8_t *in,
	    size_t len, uint8_t *out);
/* Constant-time compare: 0 if equal. */
int	ipmi_ct_compare(const void *, const void *, size_t);

#endif
