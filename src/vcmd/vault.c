/*
 * The credential vault (vault.h): key files written atomically and read
 * strictly, AES-256-GCM sealing of one password and Kg per blob.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "vcm/err.h"
#include "vcm/wipe.h"
#include "vault.h"

/* Longest context string: "bmc:" and a 19-digit id, with room. */
#define VAULT_AAD_MAX		64
/* Plaintext: two length bytes and at most two credentials. */
#define VAULT_PT_MAX		(2 + 2 * VCM_IPMI_KEY_MAX)
/* A random nonzero key id: 2^-32 chance of 0 per try. */
#define VAULT_ID_TRIES		8

static const char key_magic[] = "vcm-vault-key v1 ";

static const char hexdig[] = "0123456789abcdef";

/* ---- AES-256-GCM ------------------------------------------------------- */

/*
 * One GCM encryption. The additional data comes in two parts (the
 * blob header and the caller's context) so neither needs copying.
 */
static int
gcm_seal(const uint8_t key[VAULT_KEY_LEN], const uint8_t *nonce,
    const uint8_t *aad1, size_t aad1len, const uint8_t *aad2, size_t aad2len,
    const uint8_t *pt, size_t ptlen, uint8_t *ct, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx;
	int outl, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return VCM_ECRYPTO;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, VAULT_NONCE_LEN,
	    NULL) == 1 &&
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) == 1;
	if (ok && aad1len > 0)
		ok = EVP_EncryptUpdate(ctx, NULL, &outl, aad1, (int)aad1len) == 1;
	if (ok && aad2len > 0)
		ok = EVP_EncryptUpdate(ctx, NULL, &outl, aad2, (int)aad2len) == 1;
	if (ok && ptlen > 0)
		ok = EVP_EncryptUpdate(ctx, ct, &outl, pt, (int)ptlen) == 1 &&
		    (size_t)outl == ptlen;
	ok = ok && EVP_EncryptFinal_ex(ctx, ct + ptlen, &outl) == 1 &&
	    outl == 0 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, VAULT_TAG_LEN,
	    tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : VCM_ECRYPTO;
}

/* The inverse; VCM_EAUTH when the tag does not verify. */
static int
gcm_open(const uint8_t key[VAULT_KEY_LEN], const uint8_t *nonce,
    const uint8_t *aad1, size_t aad1len, const uint8_t *aad2, size_t aad2len,
    const uint8_t *ct, size_t ctlen, const uint8_t *tag, uint8_t *pt)
{
	EVP_CIPHER_CTX *ctx;
	uint8_t tagcopy[VAULT_TAG_LEN];
	int outl, ok, rc;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return VCM_ECRYPTO;
	/* SET_TAG takes a non-const pointer. */
	memcpy(tagcopy, tag, sizeof(tagcopy));
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, VAULT_NONCE_LEN,
	    NULL) == 1 &&
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) == 1;
	if (ok && aad1len > 0)
		ok = EVP_DecryptUpdate(ctx, NULL, &outl, aad1, (int)aad1len) == 1;
	if (ok && aad2len > 0)
		ok = EVP_DecryptUpdate(ctx, NULL, &outl, aad2, (int)aad2len) == 1;
	if (ok && ctlen > 0)
		ok = EVP_DecryptUpdate(ctx, pt, &outl, ct, (int)ctlen) == 1 &&
		    (size_t)outl == ctlen;
	ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
	    VAULT_TAG_LEN, tagcopy) == 1;
	if (!ok)
		rc = VCM_ECRYPTO;
	else if (EVP_DecryptFinal_ex(ctx, pt + ctlen, &outl) != 1)
		rc = VCM_EAUTH;
	else
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* ---- sealed credentials ------------------------------------------------ */

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
aad_len(const char *aad, size_t *len)
{
	if (aad == NULL)
		return VCM_EINVAL;
	*len = strnlen(aad, VAULT_AAD_MAX + 1);
	return *len > VAULT_AAD_MAX ? VCM_EINVAL : 0;
}

/* vault_seal_cred() with the nonce given: the known-answer tests. */
static int
seal_cred_nonce(const struct vault_key *k, const char *aad,
    const uint8_t nonce[VAULT_NONCE_LEN], const uint8_t *pw, size_t pwlen,
    const uint8_t *kg, size_t kglen, uint8_t *out, size_t outsz)
{
	uint8_t pt[VAULT_PT_MAX];
	size_t alen, ptlen, total;
	int rc;

	if (k == NULL || k->id == 0 || aad_len(aad, &alen) != 0 ||
	    pwlen > VCM_IPMI_KEY_MAX || kglen > VCM_IPMI_KEY_MAX ||
	    (pwlen > 0 && pw == NULL) || (kglen > 0 && kg == NULL))
		return VCM_EINVAL;
	ptlen = 2 + pwlen + kglen;
	total = VAULT_HEADER_LEN + ptlen + VAULT_TAG_LEN;
	if (total > outsz || total > VCM_VAULT_BLOB_MAX)
		return VCM_ENOSPC;
	pt[0] = (uint8_t)pwlen;
	if (pwlen > 0)
		memcpy(pt + 1, pw, pwlen);
	pt[1 + pwlen] = (uint8_t)kglen;
	if (kglen > 0)
		memcpy(pt + 2 + pwlen, kg, kglen);
	out[0] = VAULT_BLOB_VERSION;
	put_be32(out + 1, k->id);
	memcpy(out + 5, nonce, VAULT_NONCE_LEN);
	/* The header (version, key id) is authenticated with the context. */
	rc = gcm_seal(k->key, nonce, out, 5, (const uint8_t *)aad, alen,
	    pt, ptlen, out + VAULT_HEADER_LEN,
	    out + VAULT_HEADER_LEN + ptlen);
	vcm_wipe(pt, sizeof(pt));
	if (rc != 0) {
		vcm_wipe(out, total);
		return rc;
	}
	return (int)total;
}

int
vault_seal_cred(const struct vault_key *k, const char *aad,
    const uint8_t *pw, size_t pwlen, const uint8_t *kg, size_t kglen,
    uint8_t *out, size_t outsz)
{
	uint8_t nonce[VAULT_NONCE_LEN];

	if (RAND_bytes(nonce, sizeof(nonce)) != 1)
		return VCM_ECRYPTO;
	return seal_cred_nonce(k, aad, nonce, pw, pwlen, kg, kglen, out,
	    outsz);
}

uint32_t
vault_blob_key_id(const uint8_t *blob, size_t len)
{
	if (blob == NULL || len < VAULT_BLOB_MIN || len > VCM_VAULT_BLOB_MAX ||
	    blob[0] != VAULT_BLOB_VERSION)
		return 0;
	return get_be32(blob + 1);
}

int
vault_open_cred(const struct vault_key *k, const char *aad,
    const uint8_t *blob, size_t len, uint8_t *pw, size_t *pwlen,
    uint8_t *kg, size_t *kglen)
{
	uint8_t pt[VCM_VAULT_BLOB_MAX];
	size_t alen, ctlen, p, kl;
	uint32_t id;
	int rc;

	*pwlen = 0;
	*kglen = 0;
	vcm_wipe(pw, VCM_IPMI_KEY_MAX);
	vcm_wipe(kg, VCM_IPMI_KEY_MAX);
	if (k == NULL || aad_len(aad, &alen) != 0)
		return VCM_EINVAL;
	if ((id = vault_blob_key_id(blob, len)) == 0)
		return VCM_EBADMSG;
	if (id != k->id)
		return VCM_ENOTFOUND;
	ctlen = len - VAULT_HEADER_LEN - VAULT_TAG_LEN;
	rc = gcm_open(k->key, blob + 5, blob, 5, (const uint8_t *)aad, alen,
	    blob + VAULT_HEADER_LEN, ctlen, blob + len - VAULT_TAG_LEN, pt);
	if (rc != 0)
		goto out;
	/* Authentic, so we sealed it; check anyway, nothing is trusted. */
	rc = VCM_EBADMSG;
	p = pt[0];
	if (p > VCM_IPMI_KEY_MAX || 1 + p >= ctlen)
		goto out;
	kl = pt[1 + p];
	if (kl > VCM_IPMI_KEY_MAX || 2 + p + kl != ctlen)
		goto out;
	memcpy(pw, pt + 1, p);
	memcpy(kg, pt + 2 + p, kl);
	*pwlen = p;
	*kglen = kl;
	rc = 0;
out:
	vcm_wipe(pt, sizeof(pt));
	return rc;
}

/* ---- keys -------------------------------------------------------------- */

int
vault_key_generate(struct vault_key *k)
{
	uint8_t idb[4];
	int i;

	k->id = 0;
	if (RAND_bytes(k->key, sizeof(k->key)) != 1)
		goto fail;
	for (i = 0; i < VAULT_ID_TRIES && k->id == 0; i++) {
		if (RAND_bytes(idb, sizeof(idb)) != 1)
			goto fail;
		k->id = get_be32(idb);
	}
	if (k->id != 0)
		return 0;
fail:
	vault_key_wipe(k);
	return VCM_ECRYPTO;
}

void
vault_key_wipe(struct vault_key *k)
{
	if (k != NULL)
		vcm_wipe(k, sizeof(*k));
}

static int
path_suffix(char *out, size_t outsz, const char *path, const char *suffix)
{
	int n;

	if (path == NULL || path[0] == '\0')
		return VCM_EINVAL;
	n = snprintf(out, outsz, "%s%s", path, suffix);
	return n < 0 || (size_t)n >= outsz ? VCM_EINVAL : 0;
}

/* Makes a rename or link in path's directory durable. */
static int
sync_dir(const char *path)
{
	char dir[VAULT_PATH_MAX];
	const char *slash;
	size_t n;
	int fd, rc;

	slash = strrchr(path, '/');
	if (slash == NULL)
		memcpy(dir, ".", 2);
	else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return VCM_EIO;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return VCM_EIO;
	rc = fsync(fd) == 0 ? 0 : VCM_EIO;
	close(fd);
	return rc;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return VCM_EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Moves tmp to path unless path exists, atomically. Filesystems without
 * RENAME_NOREPLACE get link(2), which fails on an existing name too.
 */
static int
rename_noreplace(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST)
		return VCM_ECONFLICT;
	if (errno != EINVAL && errno != ENOSYS)
		return VCM_EIO;
	if (link(tmp, path) == -1)
		return errno == EEXIST ? VCM_ECONFLICT : VCM_EIO;
	(void)unlink(tmp);
	return 0;
}

int
vault_key_save(const char *path, const struct vault_key *k)
{
	char tmp[VAULT_PATH_MAX], line[VAULT_KEY_FILE_LEN + 1];
	struct stat st;
	size_t i, n;
	int fd, rc;

	if (k == NULL || k->id == 0 ||
	    path_suffix(tmp, sizeof(tmp), path, ".tmp") != 0)
		return VCM_EINVAL;
	if (lstat(path, &st) == 0)
		return VCM_ECONFLICT;
	/*
	 * A path.tmp of ours is what a crash during an earlier save left:
	 * the key it held was never used (the rename never happened).
	 */
	if (lstat(tmp, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid())
		(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return errno == EEXIST ? VCM_ECONFLICT : VCM_EIO;
	memcpy(line, key_magic, sizeof(key_magic) - 1);
	n = sizeof(key_magic) - 1;
	for (i = 0; i < 8; i++)
		line[n++] = hexdig[(k->id >> (28 - 4 * i)) & 0xf];
	line[n++] = ' ';
	for (i = 0; i < VAULT_KEY_LEN; i++) {
		line[n++] = hexdig[k->key[i] >> 4];
		line[n++] = hexdig[k->key[i] & 0xf];
	}
	line[n++] = '\n';
	/* A umask could have left it wider or narrower: exactly 0600. */
	rc = fchmod(fd, 0600) == 0 ? 0 : VCM_EIO;
	if (rc == 0)
		rc = write_all(fd, line, n);
	if (rc == 0 && fsync(fd) != 0)
		rc = VCM_EIO;
	vcm_wipe(line, sizeof(line));
	if (close(fd) != 0 && rc == 0)
		rc = VCM_EIO;
	if (rc == 0)
		rc = rename_noreplace(tmp, path);
	if (rc != 0) {
		(void)unlink(tmp);
		return rc;
	}
	return sync_dir(path);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly one line of the documented form, lowercase hex, id not 0. */
static int
parse_key_line(const char *buf, size_t len, struct vault_key *k)
{
	const char *p;
	uint32_t id = 0;
	size_t i;
	int hi, lo;

	if (len != VAULT_KEY_FILE_LEN ||
	    memcmp(buf, key_magic, sizeof(key_magic) - 1) != 0)
		return VCM_EBADMSG;
	p = buf + sizeof(key_magic) - 1;
	for (i = 0; i < 8; i++) {
		if ((hi = hexval(*p++)) < 0)
			return VCM_EBADMSG;
		id = id << 4 | (uint32_t)hi;
	}
	if (*p++ != ' ' || id == 0)
		return VCM_EBADMSG;
	for (i = 0; i < VAULT_KEY_LEN; i++) {
		hi = hexval(*p++);
		lo = hexval(*p++);
		if (hi < 0 || lo < 0)
			return VCM_EBADMSG;
		k->key[i] = (uint8_t)(hi << 4 | lo);
	}
	if (*p != '\n')
		return VCM_EBADMSG;
	k->id = id;
	return 0;
}

int
vault_key_load(const char *path, struct vault_key *k)
{
	char buf[VAULT_KEY_FILE_LEN + 1];
	struct stat st;
	size_t len = 0;
	ssize_t n = 0;
	int fd, rc;

	vault_key_wipe(k);
	if (path == NULL || path[0] == '\0')
		return VCM_EINVAL;
	/* O_NONBLOCK: a FIFO put in its place must not hang us. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return VCM_ENOTFOUND;
		return errno == ELOOP ? VCM_EPERM : VCM_EIO;
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		return VCM_EIO;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		close(fd);
		return VCM_EPERM;
	}
	/* One byte more than a key file tells "too long" from "exact". */
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n == -1)
		rc = VCM_EIO;
	else
		rc = parse_key_line(buf, len, k);
	vcm_wipe(buf, sizeof(buf));
	if (rc != 0)
		vault_key_wipe(k);
	return rc;
}

/* ---- rotation ---------------------------------------------------------- */

int
vault_key_promote(const char *path)
{
	char newp[VAULT_PATH_MAX], oldp[VAULT_PATH_MAX], oldtmp[VAULT_PATH_MAX];
	struct stat st;

	if (path_suffix(newp, sizeof(newp), path, VAULT_SUFFIX_NEW) != 0 ||
	    path_suffix(oldp, sizeof(oldp), path, VAULT_SUFFIX_OLD) != 0 ||
	    path_suffix(oldtmp, sizeof(oldtmp), path,
	    VAULT_SUFFIX_OLD ".tmp") != 0)
		return VCM_EINVAL;
	if (lstat(newp, &st) != 0)
		return errno == ENOENT ? VCM_ENOTFOUND : VCM_EIO;
	/*
	 * The current key gets a second name first (path stays), so the
	 * old key and the new one are on disk at every instant.
	 */
	if (unlink(oldtmp) != 0 && errno != ENOENT)
		return VCM_EIO;
	if (link(path, oldtmp) != 0) {
		/* No current key (it was never made): nothing to keep. */
		if (errno != ENOENT)
			return VCM_EIO;
	} else if (rename(oldtmp, oldp) != 0) {
		(void)unlink(oldtmp);
		return VCM_EIO;
	}
	if (rename(newp, path) != 0)
		return VCM_EIO;
	return sync_dir(path);
}

int
vault_keyring_load(struct vault_keyring *r, const char *path)
{
	static const char *const suffixes[] = {
		VAULT_SUFFIX_NEW, VAULT_SUFFIX_OLD
	};
	char p[VAULT_PATH_MAX];
	struct vault_key k;
	const struct vault_key *same;
	size_t i;
	int rc;

	vault_keyring_wipe(r);
	if ((rc = vault_key_load(path, &r->keys[0])) != 0)
		return rc;
	r->n = 1;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (path_suffix(p, sizeof(p), path, suffixes[i]) != 0) {
			rc = VCM_EINVAL;
			goto fail;
		}
		rc = vault_key_load(p, &k);
		if (rc == VCM_ENOTFOUND)
			continue;
		if (rc != 0)
			goto fail;
		/* After a crash in promote, path and .old are one key. */
		if ((same = vault_keyring_find(r, k.id)) != NULL) {
			rc = CRYPTO_memcmp(same->key, k.key, sizeof(k.key));
			vault_key_wipe(&k);
			if (rc != 0) {
				rc = VCM_ECONFLICT;
				goto fail;
			}
			continue;
		}
		r->keys[r->n++] = k;
		vault_key_wipe(&k);
	}
	return 0;
fail:
	vault_keyring_wipe(r);
	return rc;
}

const struct vault_key *
vault_keyring_find(const struct vault_keyring *r, uint32_t id)
{
	size_t i;

	if (id == 0)
		return NULL;
	for (i = 0; i < r->n && i < VAULT_KEYRING_MAX; i++)
		if (r->keys[i].id == id)
			return &r->keys[i];
	return NULL;
}

void
vault_keyring_wipe(struct vault_keyring *r)
{
	if (r != NULL)
		vcm_wipe(r, sizeof(*r));
}
