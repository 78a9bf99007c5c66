/*
 * The credential vault (src/vcmd/vault.c). Known answers come from
 * outside our code: the GCM primitive against the AES-256 test case 16
 * of McGrew & Viega, "The Galois/Counter Mode of Operation" (the NIST
 * GCM submission), and a whole blob against Python's cryptography
 * package (AESGCM). The .c is included to reach the fixed-nonce sealer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcmd/vault.c"
#include "test.h"

static char dir[64];

static void
mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vcm-test-vault-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
}

/* Removes the directory and the files the cases leave in it. */
static void
rm_tmp(void)
{
	static const char *const names[] = {
		"k", "k.tmp", "k.new", "k.old", "k.old.tmp", "link", "fifo",
		"sub"
	};
	char p[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		if (unlink(p) != 0 && errno == EISDIR)
			(void)rmdir(p);
		(void)rmdir(p);
	}
	(void)rmdir(dir);
}

static void
path_of(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(1);
	}
	fchmod(fd, mode);
	close(fd);
}

static void
test_gcm_nist_case16(void)
{
	uint8_t k[32], p[60], a[20], iv[12], c[60], t[16], ct[60], tag[16];
	uint8_t back[60];

	REQUIRE(test_unhex("feffe9928665731c6d6a8f9467308308"
	    "feffe9928665731c6d6a8f9467308308", k, sizeof(k)) == 32);
	REQUIRE(test_unhex("d9313225f88406e5a55909c5aff5269a"
	    "86a7a9531534f7da2e4c303d8a318a72 1c3c0c95956809532fcf0e2449a6b525"
	    "b16aedf5aa0de657ba637b39", p, sizeof(p)) == 60);
	REQUIRE(test_unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", a,
	    sizeof(a)) == 20);
	REQUIRE(test_unhex("cafebabefacedbaddecaf888", iv, sizeof(iv)) == 12);
	REQUIRE(test_unhex("522dc1f099567d07f47f37a32a84427d"
	    "643a8cdcbfe5c0c97598a2bd2555d1aa 8cb08e48590dbb3da7b08b1056828838"
	    "c5f61e6393ba7a0abcc9f662", c, sizeof(c)) == 60);
	REQUIRE(test_unhex("76fc6ece0f4e1768cddf8853bb2d551b", t,
	    sizeof(t)) == 16);
	/* The AAD split in two parts gives the same as in one. */
	CHECK_INT(gcm_seal(k, iv, a, 7, a + 7, 13, p, 60, ct, tag), 0);
	CHECK_MEM(ct, c, 60);
	CHECK_MEM(tag, t, 16);
	CHECK_INT(gcm_open(k, iv, a, 20, NULL, 0, c, 60, t, back), 0);
	CHECK_MEM(back, p, 60);
	t[15] ^= 1;
	CHECK_INT(gcm_open(k, iv, a, 20, NULL, 0, c, 60, t, back), VCM_EAUTH);
}

/*
 * python3: AESGCM(bytes(range(32))).encrypt(bytes(range(0xa0, 0xac)),
 *   b"\x0bs3cret-pass\x14" + kg, b"\x01\x0a\x0b\x0c\x0d" + b"bmc:12")
 * with kg = 00112233445566778899aabbccddeeff00112233.
 */
static void
test_blob_known_answer(void)
{
	struct vault_key k;
	uint8_t nonce[12], kg[20], want[80], blob[VCM_VAULT_BLOB_MAX];
	uint8_t pw2[VCM_IPMI_KEY_MAX], kg2[VCM_IPMI_KEY_MAX];
	size_t pwlen, kglen, i;
	long wl;
	int n;

	k.id = 0x0a0b0c0d;
	for (i = 0; i < 32; i++)
		k.key[i] = (uint8_t)i;
	for (i = 0; i < 12; i++)
		nonce[i] = (uint8_t)(0xa0 + i);
	REQUIRE(test_unhex("00112233445566778899aabbccddeeff00112233", kg,
	    sizeof(kg)) == 20);
	wl = test_unhex("010a0b0c0da0a1a2a3a4a5a6a7a8a9aaabed6b4f4e37ae7692"
	    "1204f4a0137ad1fc43e80c76e53fdbc627c2fb6880ab6423e17e7db70f6e46"
	    "21699eeb1f17680d11f8", want, sizeof(want));
	REQUIRE(wl == 66);
	n = seal_cred_nonce(&k, "bmc:12", nonce, (const uint8_t *)"s3cret-pass",
	    11, kg, 20, blob, sizeof(blob));
	CHECK_INT(n, 66);
	CHECK_MEM(blob, want, 66);
	CHECK_INT(vault_blob_key_id(blob, 66), 0x0a0b0c0d);
	CHECK_INT(vault_open_cred(&k, "bmc:12", want, 66, pw2, &pwlen, kg2,
	    &kglen), 0);
	CHECK_INT(pwlen, 11);
	CHECK_MEM(pw2, "s3cret-pass", 11);
	CHECK_INT(kglen, 20);
	CHECK_MEM(kg2, kg, 20);
	/* Output too small by one byte. */
	CHECK_INT(seal_cred_nonce(&k, "bmc:12", nonce,
	    (const uint8_t *)"s3cret-pass", 11, kg, 20, blob, 65), VCM_ENOSPC);
}

static void
test_round_trip_and_limits(void)
{
	struct vault_key k;
	uint8_t pw[VCM_IPMI_KEY_MAX + 1], kg[VCM_IPMI_KEY_MAX + 1];
	uint8_t b1[VCM_VAULT_BLOB_MAX], b2[VCM_VAULT_BLOB_MAX];
	uint8_t pw2[VCM_IPMI_KEY_MAX], kg2[VCM_IPMI_KEY_MAX];
	size_t pwlen = 99, kglen = 99;
	int n1, n2;

	memset(pw, 'p', sizeof(pw));
	memset(kg, 0, sizeof(kg));
	REQUIRE(vault_key_generate(&k) == 0);
	CHECK(k.id != 0);
	/* Both empty: an IPMI null password and no Kg. */
	n1 = vault_seal_cred(&k, "bmc:1", NULL, 0, NULL, 0, b1, sizeof(b1));
	CHECK_INT(n1, VAULT_BLOB_MIN);
	CHECK_INT(vault_open_cred(&k, "bmc:1", b1, (size_t)n1, pw2, &pwlen,
	    kg2, &kglen), 0);
	CHECK_INT(pwlen, 0);
	CHECK_INT(kglen, 0);
	/* Both at the maximum; Kg with zero bytes inside. */
	n1 = vault_seal_cred(&k, "bmc:1", pw, VCM_IPMI_KEY_MAX, kg,
	    VCM_IPMI_KEY_MAX, b1, sizeof(b1));
	CHECK_INT(n1, VAULT_HEADER_LEN + 2 + 2 * VCM_IPMI_KEY_MAX +
	    VAULT_TAG_LEN);
	CHECK(n1 <= VCM_VAULT_BLOB_MAX);
	CHECK_INT(vault_open_cred(&k, "bmc:1", b1, (size_t)n1, pw2, &pwlen,
	    kg2, &kglen), 0);
	CHECK_INT(pwlen, VCM_IPMI_KEY_MAX);
	CHECK_INT(kglen, VCM_IPMI_KEY_MAX);
	CHECK_MEM(pw2, pw, VCM_IPMI_KEY_MAX);
	CHECK_MEM(kg2, kg, VCM_IPMI_KEY_MAX);
	/* Random nonce: the same input never seals to the same blob. */
	n2 = vault_seal_cred(&k, "bmc:1", pw, VCM_IPMI_KEY_MAX, kg,
	    VCM_IPMI_KEY_MAX, b2, sizeof(b2));
	CHECK_INT(n2, n1);
	CHECK(memcmp(b1 + 5, b2 + 5, VAULT_NONCE_LEN) != 0);
	CHECK(memcmp(b1, b2, (size_t)n1) != 0);
	/* Too long, missing buffers, bad aad, a key without id. */
	CHECK_INT(vault_seal_cred(&k, "bmc:1", pw, VCM_IPMI_KEY_MAX + 1, kg, 0,
	    b1, sizeof(b1)), VCM_EINVAL);
	CHECK_INT(vault_seal_cred(&k, "bmc:1", pw, 0, kg, VCM_IPMI_KEY_MAX + 1,
	    b1, sizeof(b1)), VCM_EINVAL);
	CHECK_INT(vault_seal_cred(&k, "bmc:1", NULL, 3, kg, 0, b1, sizeof(b1)),
	    VCM_EINVAL);
	CHECK_INT(vault_seal_cred(&k, NULL, pw, 3, kg, 0, b1, sizeof(b1)),
	    VCM_EINVAL);
	k.id = 0;
	CHECK_INT(vault_seal_cred(&k, "bmc:1", pw, 3, kg, 0, b1, sizeof(b1)),
	    VCM_EINVAL);
	vault_key_wipe(&k);
}

static void
test_tamper_every_byte(void)
{
	struct vault_key k;
	uint8_t blob[VCM_VAULT_BLOB_MAX], t[VCM_VAULT_BLOB_MAX];
	uint8_t pw[VCM_IPMI_KEY_MAX], kg[VCM_IPMI_KEY_MAX];
	size_t pwlen, kglen, i;
	int n, r, want;

	REQUIRE(vault_key_generate(&k) == 0);
	n = vault_seal_cred(&k, "bmc:7", (const uint8_t *)"admin", 5,
	    (const uint8_t *)"kg", 2, blob, sizeof(blob));
	REQUIRE(n > 0);
	for (i = 0; i < (size_t)n; i++) {
		memcpy(t, blob, (size_t)n);
		t[i] ^= 0x01;
		memset(pw, 0xee, sizeof(pw));
		pwlen = kglen = 77;
		r = vault_open_cred(&k, "bmc:7", t, (size_t)n, pw, &pwlen, kg,
		    &kglen);
		want = i == 0 ? VCM_EBADMSG : i < 5 ? VCM_ENOTFOUND : VCM_EAUTH;
		if (r != want)
			printf("#   byte %zu: %d\n", i, r);
		CHECK_INT(r, want);
		CHECK_INT(pwlen, 0);
		CHECK_INT(kglen, 0);
		CHECK_INT(pw[0], 0);
	}
	vault_key_wipe(&k);
}

static void
test_wrong_aad_key_and_id(void)
{
	struct vault_key k, other, sameid;
	uint8_t blob[VCM_VAULT_BLOB_MAX];
	uint8_t pw[VCM_IPMI_KEY_MAX], kg[VCM_IPMI_KEY_MAX];
	size_t pwlen, kglen;
	int n;

	REQUIRE(vault_key_generate(&k) == 0);
	REQUIRE(vault_key_generate(&other) == 0);
	n = vault_seal_cred(&k, "bmc:12", (const uint8_t *)"pw", 2, NULL, 0,
	    blob, sizeof(blob));
	REQUIRE(n > 0);
	/* Another row's context: the blob cannot be moved. */
	CHECK_INT(vault_open_cred(&k, "bmc:13", blob, (size_t)n, pw, &pwlen,
	    kg, &kglen), VCM_EAUTH);
	CHECK_INT(vault_open_cred(&k, "bmc:1", blob, (size_t)n, pw, &pwlen,
	    kg, &kglen), VCM_EAUTH);
	CHECK_INT(vault_open_cred(&k, "", blob, (size_t)n, pw, &pwlen,
	    kg, &kglen), VCM_EAUTH);
	/* Another key id: not ours to open. */
	if (other.id != k.id)
		CHECK_INT(vault_open_cred(&other, "bmc:12", blob, (size_t)n, pw,
		    &pwlen, kg, &kglen), VCM_ENOTFOUND);
	/* Same id, other key bytes (a wrong key file restored). */
	sameid = other;
	sameid.id = k.id;
	CHECK_INT(vault_open_cred(&sameid, "bmc:12", blob, (size_t)n, pw,
	    &pwlen, kg, &kglen), VCM_EAUTH);
	CHECK_INT(vault_open_cred(&k, "bmc:12", blob, (size_t)n, pw, &pwlen,
	    kg, &kglen), 0);
	CHECK_INT(pwlen, 2);
	CHECK_MEM(pw, "pw", 2);
	vault_key_wipe(&k);
	vault_key_wipe(&other);
	vault_key_wipe(&sameid);
	CHECK_INT(k.id, 0);
	CHECK_INT(k.key[0] | k.key[31], 0);
}

static void
test_truncated_and_malformed(void)
{
	struct vault_key k;
	uint8_t blob[VCM_VAULT_BLOB_MAX + 8], pw[VCM_IPMI_KEY_MAX];
	uint8_t kg[VCM_IPMI_KEY_MAX];
	size_t pwlen, kglen, len;
	int n, r;

	REQUIRE(vault_key_generate(&k) == 0);
	n = vault_seal_cred(&k, "bmc:3", (const uint8_t *)"password", 8,
	    (const uint8_t *)"kg", 2, blob, sizeof(blob));
	REQUIRE(n > 0);
	for (len = 0; len < (size_t)n; len++) {
		r = vault_open_cred(&k, "bmc:3", blob, len, pw, &pwlen, kg,
		    &kglen);
		CHECK(r == (len < VAULT_BLOB_MIN ? VCM_EBADMSG : VCM_EAUTH));
		CHECK_INT(vault_blob_key_id(blob, len),
		    len < VAULT_BLOB_MIN ? 0 : k.id);
	}
	/* Trailing bytes change the tag position: refused. */
	memset(blob + n, 0, 8);
	CHECK_INT(vault_open_cred(&k, "bmc:3", blob, (size_t)n + 1, pw, &pwlen,
	    kg, &kglen), VCM_EAUTH);
	CHECK_INT(vault_blob_key_id(blob, VCM_VAULT_BLOB_MAX + 1), 0);
	CHECK_INT(vault_blob_key_id(NULL, 40), 0);
	blob[0] = 2;
	CHECK_INT(vault_blob_key_id(blob, (size_t)n), 0);
	CHECK_INT(vault_open_cred(&k, "bmc:3", blob, (size_t)n, pw, &pwlen,
	    kg, &kglen), VCM_EBADMSG);
	vault_key_wipe(&k);
}

/* A blob whose (authentic) plaintext is inconsistent is refused. */
static void
test_authentic_but_inconsistent(void)
{
	struct vault_key k;
	uint8_t blob[VCM_VAULT_BLOB_MAX], nonce[12] = { 1 };
	uint8_t pt[8] = { 30, 'a', 'b', 0, 0, 0, 0, 0 };
	uint8_t pw[VCM_IPMI_KEY_MAX], kg[VCM_IPMI_KEY_MAX];
	size_t pwlen, kglen;

	REQUIRE(vault_key_generate(&k) == 0);
	blob[0] = VAULT_BLOB_VERSION;
	put_be32(blob + 1, k.id);
	memcpy(blob + 5, nonce, 12);
	REQUIRE(gcm_seal(k.key, nonce, blob, 5, (const uint8_t *)"x", 1, pt,
	    sizeof(pt), blob + VAULT_HEADER_LEN,
	    blob + VAULT_HEADER_LEN + sizeof(pt)) == 0);
	CHECK_INT(vault_open_cred(&k, "x", blob, VAULT_HEADER_LEN + sizeof(pt) +
	    VAULT_TAG_LEN, pw, &pwlen, kg, &kglen), VCM_EBADMSG);
	vault_key_wipe(&k);
}

static void
test_key_file_save_load(void)
{
	struct vault_key k, back;
	char path[128], tmp[128], buf[200];
	struct stat st;
	ssize_t n;
	int fd;

	mkdir_tmp();
	path_of(path, sizeof(path), "k");
	path_of(tmp, sizeof(tmp), "k.tmp");
	REQUIRE(vault_key_generate(&k) == 0);
	/* A stale tmp of ours (a crash during a save) does not block it. */
	write_file(tmp, "half", 0600);
	CHECK_INT(vault_key_save(path, &k), 0);
	CHECK(access(tmp, F_OK) != 0);
	REQUIRE(lstat(path, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK(S_ISREG(st.st_mode));
	fd = open(path, O_RDONLY);
	REQUIRE(fd != -1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK_INT(n, VAULT_KEY_FILE_LEN);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(buf, "vcm-vault-key v1 ", 17) == 0);
	CHECK(buf[25] == ' ' && buf[90] == '\n');
	CHECK(strspn(buf + 17, "0123456789abcdef") == 8);
	CHECK(strspn(buf + 26, "0123456789abcdef") == 64);
	CHECK_INT(vault_key_load(path, &back), 0);
	CHECK_INT(back.id, k.id);
	CHECK_MEM(back.key, k.key, 32);
	/* Never over an existing key. */
	CHECK_INT(vault_key_save(path, &k), VCM_ECONFLICT);
	CHECK_INT(vault_key_load(path, &back), 0);
	CHECK_MEM(back.key, k.key, 32);
	CHECK_INT(vault_key_save("", &k), VCM_EINVAL);
	vault_key_wipe(&k);
	vault_key_wipe(&back);
	rm_tmp();
}

static void
test_key_file_refused(void)
{
	static const char good[] = "vcm-vault-key v1 0000002a "
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
	static const char *const bad[] = {
		/* uppercase hex */
		"vcm-vault-key v1 0000002A "
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
		/* no newline */
		"vcm-vault-key v1 0000002a "
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		/* a second line */
		"vcm-vault-key v1 0000002a "
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n\n",
		/* id 0 */
		"vcm-vault-key v1 00000000 "
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
		/* short key */
		"vcm-vault-key v1 0000002a "
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e\n",
		/* other version */
		"vcm-vault-key v2 0000002a "
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
		/* two spaces */
		"vcm-vault-key v1  000002a "
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
		"",
	};
	struct vault_key k;
	char path[128], other[128];
	size_t i;

	mkdir_tmp();
	path_of(path, sizeof(path), "k");
	write_file(path, good, 0600);
	CHECK_INT(vault_key_load(path, &k), 0);
	CHECK_INT(k.id, 42);
	CHECK_INT(k.key[31], 0x1f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i], 0600);
		k.id = 5;
		CHECK_INT(vault_key_load(path, &k), VCM_EBADMSG);
		CHECK_INT(k.id, 0);
	}
	/* Group or others may read or write: refused. */
	write_file(path, good, 0640);
	CHECK_INT(vault_key_load(path, &k), VCM_EPERM);
	write_file(path, good, 0604);
	CHECK_INT(vault_key_load(path, &k), VCM_EPERM);
	write_file(path, good, 0620);
	CHECK_INT(vault_key_load(path, &k), VCM_EPERM);
	write_file(path, good, 0400);
	CHECK_INT(vault_key_load(path, &k), 0);
	/* Not a regular file: a symbolic link, a directory, a FIFO. */
	path_of(other, sizeof(other), "link");
	REQUIRE(symlink(path, other) == 0);
	CHECK_INT(vault_key_load(other, &k), VCM_EPERM);
	path_of(other, sizeof(other), "sub");
	REQUIRE(mkdir(other, 0700) == 0);
	CHECK_INT(vault_key_load(other, &k), VCM_EPERM);
	path_of(other, sizeof(other), "fifo");
	REQUIRE(mkfifo(other, 0600) == 0);
	CHECK_INT(vault_key_load(other, &k), VCM_EPERM);
	path_of(other, sizeof(other), "missing");
	CHECK_INT(vault_key_load(other, &k), VCM_ENOTFOUND);
	CHECK_INT(vault_key_load("", &k), VCM_EINVAL);
	/* A file far too long is refused after a bounded read. */
	{
		char big[4096];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		write_file(path, big, 0600);
		CHECK_INT(vault_key_load(path, &k), VCM_EBADMSG);
	}
	rm_tmp();
}

static void
test_rotation_promote_and_keyring(void)
{
	struct vault_key k1, k2, k;
	struct vault_keyring ring;
	const struct vault_key *f;
	char path[128], newp[128], oldp[128];
	uint8_t b1[VCM_VAULT_BLOB_MAX], b2[VCM_VAULT_BLOB_MAX];
	uint8_t pw[VCM_IPMI_KEY_MAX], kg[VCM_IPMI_KEY_MAX];
	size_t pwlen, kglen;
	int n1, n2;

	mkdir_tmp();
	path_of(path, sizeof(path), "k");
	path_of(newp, sizeof(newp), "k.new");
	path_of(oldp, sizeof(oldp), "k.old");
	REQUIRE(vault_key_generate(&k1) == 0);
	do
		REQUIRE(vault_key_generate(&k2) == 0);
	while (k2.id == k1.id);
	CHECK_INT(vault_keyring_load(&ring, path), VCM_ENOTFOUND);
	REQUIRE(vault_key_save(path, &k1) == 0);
	n1 = vault_seal_cred(&k1, "bmc:1", (const uint8_t *)"one", 3, NULL, 0,
	    b1, sizeof(b1));
	REQUIRE(n1 > 0);
	CHECK_INT(vault_key_promote(path), VCM_ENOTFOUND);
	/* Step 1: the new key beside the current one. */
	REQUIRE(vault_key_save(newp, &k2) == 0);
	CHECK_INT(vault_keyring_load(&ring, path), 0);
	CHECK_INT(ring.n, 2);
	CHECK_INT(ring.keys[0].id, k1.id);
	/* Step 2: re-sealed under the new key; both blobs open. */
	n2 = vault_seal_cred(&k2, "bmc:1", (const uint8_t *)"one", 3, NULL, 0,
	    b2, sizeof(b2));
	REQUIRE(n2 > 0);
	f = vault_keyring_find(&ring, vault_blob_key_id(b2, (size_t)n2));
	REQUIRE(f != NULL);
	CHECK_INT(vault_open_cred(f, "bmc:1", b2, (size_t)n2, pw, &pwlen, kg,
	    &kglen), 0);
	f = vault_keyring_find(&ring, vault_blob_key_id(b1, (size_t)n1));
	REQUIRE(f != NULL);
	CHECK_INT(vault_open_cred(f, "bmc:1", b1, (size_t)n1, pw, &pwlen, kg,
	    &kglen), 0);
	CHECK(vault_keyring_find(&ring, 0) == NULL);
	/* Step 3: promote. */
	CHECK_INT(vault_key_promote(path), 0);
	CHECK(access(newp, F_OK) != 0);
	CHECK_INT(vault_key_load(path, &k), 0);
	CHECK_INT(k.id, k2.id);
	CHECK_INT(vault_key_load(oldp, &k), 0);
	CHECK_INT(k.id, k1.id);
	CHECK_INT(vault_keyring_load(&ring, path), 0);
	CHECK_INT(ring.n, 2);
	CHECK_INT(ring.keys[0].id, k2.id);
	CHECK(vault_keyring_find(&ring, k1.id) != NULL);
	/* The crash between the two renames: path and .old are one key. */
	REQUIRE(unlink(oldp) == 0);
	REQUIRE(link(path, oldp) == 0);
	CHECK_INT(vault_keyring_load(&ring, path), 0);
	CHECK_INT(ring.n, 1);
	/* One id, two different keys: refused, never guessed. */
	REQUIRE(unlink(oldp) == 0);
	k = k1;
	k.id = k2.id;
	REQUIRE(vault_key_save(oldp, &k) == 0);
	CHECK_INT(vault_keyring_load(&ring, path), VCM_ECONFLICT);
	CHECK_INT(ring.n, 0);
	/* A readable .new is an error, not silently skipped. */
	REQUIRE(unlink(oldp) == 0);
	REQUIRE(vault_key_save(newp, &k1) == 0);
	REQUIRE(chmod(newp, 0644) == 0);
	CHECK_INT(vault_keyring_load(&ring, path), VCM_EPERM);
	/* No current key at all: .new just becomes it, no .old. */
	REQUIRE(unlink(path) == 0);
	REQUIRE(chmod(newp, 0600) == 0);
	CHECK_INT(vault_key_promote(path), 0);
	CHECK(access(oldp, F_OK) != 0);
	CHECK_INT(vault_key_load(path, &k), 0);
	CHECK_INT(k.id, k1.id);
	vault_keyring_wipe(&ring);
	vault_key_wipe(&k);
	vault_key_wipe(&k1);
	vault_key_wipe(&k2);
	rm_tmp();
}

static void
test_generate_ids_differ(void)
{
	struct vault_key a, b;

	REQUIRE(vault_key_generate(&a) == 0);
	REQUIRE(vault_key_generate(&b) == 0);
	CHECK(a.id != 0 && b.id != 0);
	CHECK(memcmp(a.key, b.key, sizeof(a.key)) != 0);
	vault_key_wipe(&a);
	vault_key_wipe(&b);
}

static const struct test_case tests[] = {
	{ "gcm_nist_case16", test_gcm_nist_case16 },
	{ "blob_known_answer", test_blob_known_answer },
	{ "round_trip_and_limits", test_round_trip_and_limits },
	{ "tamper_every_byte", test_tamper_every_byte },
	{ "wrong_aad_key_and_id", test_wrong_aad_key_and_id },
	{ "truncated_and_malformed", test_truncated_and_malformed },
	{ "authentic_but_inconsistent", test_authentic_but_inconsistent },
	{ "key_file_save_load", test_key_file_save_load },
	{ "key_file_refused", test_key_file_refused },
	{ "rotation_promote_and_keyring", test_rotation_promote_and_keyring },
	{ "generate_ids_differ", test_generate_ids_differ },
};

TEST_MAIN(tests)
