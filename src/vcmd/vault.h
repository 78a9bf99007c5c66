/*
 * The credential vault: BMC passwords and Kg encrypted at rest with
 * AES-256-GCM (OpenSSL EVP), under a key that lives in its own file,
 * outside the database. A stolen database (or a backup of it) is
 * worthless without the key file; a stolen key file is worthless
 * without the database.
 *
 * Key file: one line, mode 0600, owned by the user vcmd runs as (or
 * root):
 *
 *	vcm-vault-key v1 <key id: 8 lowercase hex> <key: 64 lowercase hex>
 *
 * Sealed blob (what the store keeps, at most VCM_VAULT_BLOB_MAX bytes):
 *
 *	u8 version (1) | u32be key id | 12-byte nonce | ciphertext | 16-byte tag
 *
 * The plaintext is "u8 pwlen | pw | u8 kglen | kg" (each at most
 * VCM_IPMI_KEY_MAX bytes). The GCM additional data is the blob's first
 * five bytes (version and key id) followed by the caller's context
 * string, e.g. "bmc:12": a blob copied to another row, or given another
 * key id, fails to open (VCM_EAUTH). The nonce is random per seal (96
 * bits; a key seals a few thousand credentials in its life, far below
 * the 2^32 messages NIST SP 800-38D allows per key with random nonces).
 *
 * Backup and restore. The key file is needed to read any credential,
 * and it is never in the database: back it up separately (and keep the
 * copy as secret as the file: whoever has it and a database copy has
 * every BMC password), e.g. `install -m 0600 vault.key /backup/`.
 * To restore, put it back at the configured vault_key path with mode
 * 0600, owned by vcmd's user, before vcmd starts; vcmd refuses a key
 * file that group or others may read or write, that is not a regular
 * file (symbolic links included) or that does not parse. A database
 * restored without its key: every credential must be entered again.
 *
 * Rotation (`vcmctl vault rotate`, POST /v1/vault/rotate):
 *  1. a new key is generated and saved to <path>.new (vault_key_save:
 *     never half written, never over an existing file);
 *  2. every credential is opened with the key it names and re-sealed
 *     under the new key, all in one store transaction;
 *  3. vault_key_promote(path): the current key is kept as <path>.old
 *     and <path>.new is renamed over <path>. The old key stays until
 *     the operator deletes <path>.old (after a backup of the new key).
 * A crash anywhere leaves every blob openable: on start vcmd loads
 * <path> and, if present, <path>.new and <path>.old
 * (vault_keyring_load) and opens each blob with the key whose id it
 * names (vault_keyring_find on vault_blob_key_id). A rotation that
 * failed before its commit leaves <path>.new behind, unused; the next
 * rotation must remove it first (vault_key_save refuses to overwrite).
 *
 * Secrets: every buffer that held key bytes or plaintext is wiped with
 * vcm_wipe(); callers wipe struct vault_key with vault_key_wipe().
 */
#ifndef VCMD_VAULT_H
#define VCMD_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"

/* AES-256. */
#define VAULT_KEY_LEN		32
#define VAULT_BLOB_VERSION	1
#define VAULT_NONCE_LEN		12
#define VAULT_TAG_LEN		16
/* version + key id + nonce, before the ciphertext. */
#define VAULT_HEADER_LEN	(1 + 4 + VAULT_NONCE_LEN)
/* The two length bytes of an empty password and an empty Kg. */
#define VAULT_BLOB_MIN		(VAULT_HEADER_LEN + 2 + VAULT_TAG_LEN)
/* "vcm-vault-key v1 " + 8 hex + " " + 64 hex + "\n". */
#define VAULT_KEY_FILE_LEN	(17 + 8 + 1 + 2 * VAULT_KEY_LEN + 1)
/* Suffixes of the rotation files (see above). */
#define VAULT_SUFFIX_NEW	".new"
#define VAULT_SUFFIX_OLD	".old"
/* <path>, <path>.new and <path>.old. */
#define VAULT_KEYRING_MAX	3
/* Longest key file path, suffix included (PATH_MAX would be larger
 * than any config value; the config bounds paths to 255). */
#define VAULT_PATH_MAX		512

struct vault_key {
	uint32_t	id;	/* never 0: 0 means "malformed" */
	uint8_t		key[VAULT_KEY_LEN];
};

/* The keys vcmd holds at once: current, plus a rotation's leftovers. */
struct vault_keyring {
	struct vault_key	keys[VAULT_KEYRING_MAX];
	size_t			n;
};

/* Random key and random nonzero id (RAND_bytes). 0 or VCM_ECRYPTO. */
int	vault_key_generate(struct vault_key *);
/*
 * Writes the key file: path.tmp created O_CREAT|O_EXCL|O_NOFOLLOW 0600,
 * written, fsync'd, renamed to path without replacing it, directory
 * fsync'd. VCM_ECONFLICT if path (or a stale path.tmp) exists, VCM_EIO
 * otherwise.
 */
int	vault_key_save(const char *path, const struct vault_key *);
/*
 * Reads and strictly parses a key file. VCM_ENOTFOUND if it does not
 * exist, VCM_EPERM if it is not a regular file, is a symbolic link, is
 * readable or writable by group or others, or is owned by another user
 * than root or us; VCM_EBADMSG if it does not parse; VCM_EIO otherwise.
 */
int	vault_key_load(const char *path, struct vault_key *);
void	vault_key_wipe(struct vault_key *);

/*
 * Seals a password and Kg (lengths <= VCM_IPMI_KEY_MAX) for the row
 * named by aad. Returns the blob length, VCM_EINVAL, VCM_ENOSPC or
 * VCM_ECRYPTO.
 */
int	vault_seal_cred(const struct vault_key *, const char *aad,
	    const uint8_t *pw, size_t pwlen, const uint8_t *kg, size_t kglen,
	    uint8_t *out, size_t outsz);
/*
 * Opens a blob into pw and kg (buffers of VCM_IPMI_KEY_MAX bytes).
 * 0, or VCM_EBADMSG (malformed), VCM_ENOTFOUND (sealed under another
 * key id), VCM_EAUTH (tampered, wrong aad or wrong key), VCM_ECRYPTO.
 * On failure the outputs are wiped and the lengths are 0.
 */
int	vault_open_cred(const struct vault_key *, const char *aad,
	    const uint8_t *blob, size_t len, uint8_t *pw, size_t *pwlen,
	    uint8_t *kg, size_t *kglen);
/* The key id a blob names; 0 if it is malformed. */
uint32_t vault_blob_key_id(const uint8_t *blob, size_t len);

/*
 * Rotation step 3: <path> is kept as <path>.old (replacing an older
 * .old) and <path>.new renamed over <path>; <path> exists at every
 * instant. Without a <path>, <path>.new simply becomes it.
 * VCM_ENOTFOUND if <path>.new is missing, VCM_EIO otherwise.
 */
int	vault_key_promote(const char *path);
/*
 * Loads <path> (required) and <path>.new, <path>.old when present.
 * keys[0] is <path>'s key. Errors as vault_key_load, for any file; two
 * files with the same id but different keys: VCM_ECONFLICT.
 */
int	vault_keyring_load(struct vault_keyring *, const char *path);
/* The key with this id, or NULL. */
const struct vault_key *vault_keyring_find(const struct vault_keyring *,
	    uint32_t id);
void	vault_keyring_wipe(struct vault_keyring *);

#endif
