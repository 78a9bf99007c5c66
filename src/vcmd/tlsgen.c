/*
 * Self-signed certificates (tlsgen.h), with OpenSSL 3's API only: no
 * configuration file, no command line tool, nothing parsed from text
 * except the names the caller gives, which are checked first.
 */
#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "vcmd/tlsgen.h"

/* The curve: P-256 is what every TLS client supports. */
#define TLSGEN_CURVE		"P-256"
/* Serial numbers are positive and at most 20 octets (RFC 5280 4.1.2.2):
 * 20 random octets with the top bit cleared. */
#define TLSGEN_SERIAL_LEN	20
/* notBefore lies this far in the past, so a client whose clock is a few
 * minutes behind still accepts a certificate made a second ago. */
#define TLSGEN_BACKDATE_S	300
/* The common name is at most 64 characters (RFC 5280 ub-common-name);
 * a longer first name leaves the subject with this one. */
#define TLSGEN_CN_MAX		64
#define TLSGEN_CN_FALLBACK	"vcmd"
/* Certificates are public; keys readable by the owner only. */
#define TLSGEN_CERT_MODE	0644
#define TLSGEN_KEY_MODE		0600

static int
is_address(const char *name)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, name, buf) == 1 ||
	    inet_pton(AF_INET6, name, buf) == 1;
}

/* A host name as RFC 1123 allows it: labels of letters, digits and
 * inner hyphens, 1 to 63 characters, 253 in all. */
static int
is_dns_name(const char *name)
{
	size_t len = strlen(name), label = 0, i;
	char c;

	if (len == 0 || len > VCM_DNS_NAME_MAX)
		return 0;
	for (i = 0; i <= len; i++) {
		c = name[i];
		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || name[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '-' && label > 0)))
			return 0;
		label++;
	}
	return 1;
}

static int
add_ext_text(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (ext == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int
add_san(X509 *x, const char *const *names, size_t n)
{
	GENERAL_NAMES *gens;
	GENERAL_NAME *g;
	ASN1_OCTET_STRING *ip;
	ASN1_IA5STRING *dns;
	size_t i;
	int ok = 0;

	if ((gens = sk_GENERAL_NAME_new_null()) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if ((g = GENERAL_NAME_new()) == NULL)
			goto out;
		if (is_address(names[i])) {
			if ((ip = a2i_IPADDRESS(names[i])) == NULL) {
				GENERAL_NAME_free(g);
				goto out;
			}
			GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
		} else {
			if ((dns = ASN1_IA5STRING_new()) == NULL ||
			    !ASN1_STRING_set(dns, names[i], -1)) {
				ASN1_IA5STRING_free(dns);
				GENERAL_NAME_free(g);
				goto out;
			}
			GENERAL_NAME_set0_value(g, GEN_DNS, dns);
		}
		if (!sk_GENERAL_NAME_push(gens, g)) {
			GENERAL_NAME_free(g);
			goto out;
		}
	}
	ok = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT) == 1;
out:
	GENERAL_NAMES_free(gens);
	return ok;
}

static int
set_serial(X509 *x)
{
	unsigned char raw[TLSGEN_SERIAL_LEN];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return 0;
	raw[0] &= 0x7f;
	raw[0] |= 0x40;		/* never zero, always 20 octets */
	if ((bn = BN_bin2bn(raw, sizeof(raw), NULL)) == NULL)
		return 0;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

static X509 *
make_cert(EVP_PKEY *key, const char *const *names, size_t n)
{
	X509 *x;
	X509_NAME *subj;
	const char *cn;

	if ((x = X509_new()) == NULL)
		return NULL;
	cn = strlen(names[0]) <= TLSGEN_CN_MAX ? names[0] : TLSGEN_CN_FALLBACK;
	subj = X509_get_subject_name(x);
	if (X509_set_version(x, X509_VERSION_3) != 1 || !set_serial(x) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -TLSGEN_BACKDATE_S) ==
	    NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), VCM_TLSGEN_DAYS, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(x, key) != 1 ||
	    X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, subj) != 1 ||
	    !add_ext_text(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext_text(x, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext_text(x, NID_ext_key_usage, "serverAuth") ||
	    !add_ext_text(x, NID_subject_key_identifier, "hash") ||
	    !add_san(x, names, n) ||
	    X509_sign(x, key, EVP_sha256()) == 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int
emit_key(BIO *b, void *arg)
{
	return PEM_write_bio_PrivateKey(b, arg, NULL, NULL, 0, NULL, NULL);
}

static int
emit_cert(BIO *b, void *arg)
{
	return PEM_write_bio_X509(b, arg);
}

/* fsync of the directory makes the rename itself durable. */
static void
sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	(void)fsync(fd);
	close(fd);
}

static int
write_atomic(const char *path, mode_t mode, int (*emit)(BIO *, void *),
    void *arg)
{
	char tmp[PATH_MAX];
	BIO *b;
	int fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return VCM_EINVAL;
	/* mkstemp creates the file 0600: the key is never readable by
	 * others, not even for a moment. */
	if ((fd = mkstemp(tmp)) < 0)
		return VCM_EIO;
	if (fchmod(fd, mode) != 0 ||
	    (b = BIO_new_fd(fd, BIO_NOCLOSE)) == NULL) {
		close(fd);
		unlink(tmp);
		return VCM_EIO;
	}
	ok = emit(b, arg) == 1 && BIO_flush(b) == 1;
	BIO_free(b);
	if (!ok || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		return ok ? VCM_EIO : VCM_ECRYPTO;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return VCM_EIO;
	}
	sync_dir(path);
	return 0;
}

int
tlsgen_self_signed(const char *cert_path, const char *key_path,
    const char *const *names, size_t nnames)
{
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	size_t i;
	int rc;

	if (cert_path == NULL || key_path == NULL || names == NULL ||
	    nnames == 0 || nnames > VCM_TLSGEN_NAMES_MAX)
		return VCM_EINVAL;
	for (i = 0; i < nnames; i++)
		if (names[i] == NULL ||
		    (!is_address(names[i]) && !is_dns_name(names[i])))
			return VCM_EINVAL;
	if (access(cert_path, F_OK) == 0 && access(key_path, F_OK) == 0)
		return 0;

	rc = VCM_ECRYPTO;
	if ((key = EVP_EC_gen(TLSGEN_CURVE)) == NULL ||
	    (x = make_cert(key, names, nnames)) == NULL)
		goto out;
	/* The key first: a certificate on disk implies its key is too. */
	if ((rc = write_atomic(key_path, TLSGEN_KEY_MODE, emit_key, key)) != 0)
		goto out;
	rc = write_atomic(cert_path, TLSGEN_CERT_MODE, emit_cert, x);
out:
	if (rc != 0) {
		ERR_clear_error();
		vcm_log(VCM_LOG_ERROR, "tlsgen_failed", "cert", cert_path,
		    "error", vcm_errname(rc), NULL);
	} else
		vcm_log(VCM_LOG_INFO, "tlsgen_created", "cert", cert_path,
		    "name", names[0], NULL);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

int
tlsgen_ensure(const char *cert_path, const char *key_path,
    const char *const *names, size_t nnames)
{
	return tlsgen_self_signed(cert_path, key_path, names, nnames);
}
