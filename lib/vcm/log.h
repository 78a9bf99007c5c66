/*
 * Structured logging: one line per event, "key=value" pairs after a
 * fixed prefix (level and event name), to stderr or a caller's sink.
 *
 *	vcm_log(VCM_LOG_INFO, "bmc_session_open",
 *	    "bmc", "127.0.0.5", "suite", "17", NULL);
 *
 * Values are quoted when they contain spaces, quotes or control bytes;
 * control bytes are escaped so a hostile BMC or tenant cannot forge log
 * lines. Keys that name secrets (password, kg, key, token, secret) have
 * their value replaced by "[redacted]" whatever the caller passes.
 */
#ifndef VCM_LOG_H
#define VCM_LOG_H

#include <stddef.h>

enum vcm_log_level {
	VCM_LOG_DEBUG,
	VCM_LOG_INFO,
	VCM_LOG_WARN,
	VCM_LOG_ERROR,
};

typedef void	vcm_log_sink(enum vcm_log_level, const char *line, void *arg);

/* Lines below this level are dropped. Default VCM_LOG_INFO. */
void	vcm_log_set_level(enum vcm_log_level);
/* NULL restores the default sink (stderr). */
void	vcm_log_set_sink(vcm_log_sink *, void *);
/* Key/value pairs end with a NULL key. */
void	vcm_log(enum vcm_log_level, const char *event, ...);
/* Formats into buf (always NUL-terminated); returns the length. */
size_t	vcm_log_format(char *buf, size_t, enum vcm_log_level,
	    const char *event, const char *const *kv, size_t nkv);
/* 1 if the key names a secret whose value must never be logged. */
int	vcm_log_key_is_secret(const char *);

#endif
