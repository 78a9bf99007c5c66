/*
 * One error convention for all of vcm: functions return 0 (or a
 * non-negative count) on success and a negative VCM_E* code on failure.
 * The codes come from this one table so that vcm_strerror() can name
 * every one of them and no module invents its own.
 */
#ifndef VCM_ERR_H
#define VCM_ERR_H

#define VCM_ERR_MAP(XX)							\
	XX(EINVAL,	-1,  "invalid argument")			\
	XX(ETRUNC,	-2,  "input truncated")				\
	XX(ETRAILING,	-3,  "trailing bytes after message")		\
	XX(ENOSPC,	-4,  "output buffer too small")			\
	XX(ERANGE,	-5,  "value out of range")			\
	XX(EBADMSG,	-6,  "malformed or inconsistent message")	\
	XX(ECHECKSUM,	-7,  "checksum mismatch")			\
	XX(EAUTH,	-8,  "integrity or authentication code mismatch") \
	XX(EPAD,	-9,  "bad padding")				\
	XX(ESESSION,	-10, "unknown or wrong session id")		\
	XX(ESEQ,	-11, "sequence number outside window or replayed") \
	XX(EUNSUPP,	-12, "unsupported algorithm or feature")	\
	XX(ECRYPTO,	-13, "cryptographic library failure")		\
	XX(EPAYLOAD,	-14, "unexpected payload type")			\
	XX(ECMD,	-15, "unexpected netfn, command or sequence")	\
	XX(ENOMEM,	-16, "out of memory")				\
	XX(EIO,		-17, "input/output error")			\
	XX(ETIMEDOUT,	-18, "timed out")				\
	XX(EINSECURE,	-19, "refused: algorithm without integrity or confidentiality") \
	XX(ESTATE,	-20, "operation not valid in this state")	\
	XX(ENOTFOUND,	-21, "no such object")				\
	XX(ECONFLICT,	-22, "already exists or still in use")		\
	XX(EPERM,	-23, "not permitted")				\
	XX(EEXPIRED,	-24, "expired or revoked")

enum vcm_err {
	VCM_OK = 0,
#define VCM_ERR_ENUM(name, val, text) VCM_##name = (val),
	VCM_ERR_MAP(VCM_ERR_ENUM)
#undef VCM_ERR_ENUM
};

/* Returns a static, human-readable text for any return code. */
const char	*vcm_strerror(int);
/* Returns the symbolic name ("ETRUNC") or "OK"/"EUNKNOWN". */
const char	*vcm_errname(int);

#endif
