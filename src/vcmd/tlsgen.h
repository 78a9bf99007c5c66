/*
 * A self-signed certificate for the demo and for tests: vcmd's front
 * door is HTTPS only (http.h), so a fresh install needs a certificate
 * before an operator brings a real one.
 *
 * The key is EC P-256 (short, fast, accepted by every browser); the
 * certificate is X.509 v3, valid for VCM_TLSGEN_DAYS from now, with a
 * random 159-bit serial and one subjectAltName entry per name (an IP
 * entry for an address such as "127.0.0.1" or "::1", a DNS entry for
 * anything else, e.g. "localhost"). The first name is also the
 * subject's common name.
 *
 * Both files are written atomically (a temporary file in the same
 * directory, fsync, rename): a crash leaves the old file or the new
 * one, never half of one. The key file is created 0600 and the key is
 * written before the certificate, so two files present means a
 * complete pair.
 */
#ifndef VCMD_TLSGEN_H
#define VCMD_TLSGEN_H

#include <stddef.h>

/*
 * Writes a new key and certificate unless both files already exist
 * (then it does nothing and returns 0). Returns 0, VCM_EINVAL (no name,
 * a name that is neither an address nor a DNS name), VCM_EIO (a file
 * could not be written) or VCM_ECRYPTO (OpenSSL failed).
 */
int	tlsgen_self_signed(const char *cert_path, const char *key_path,
	    const char *const *names, size_t nnames);
/* The same, by the name a daemon's start-up reads best. */
int	tlsgen_ensure(const char *cert_path, const char *key_path,
	    const char *const *names, size_t nnames);

#endif
