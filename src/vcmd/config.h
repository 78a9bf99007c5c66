/*
 * vcmd's configuration: one table of options (name, type, range,
 * default, help text) in config.c drives the file parser, the -o
 * override, the defaults, the printer and the usage text, so an option
 * is added in one place (and documented in docs/vcmd.8 and
 * etc/vcmd.conf).
 *
 * File syntax: "name = value" lines; '#' starts a comment only at the
 * start of a line (so values may hold '#'); blank lines; spaces and
 * tabs around names and values are ignored; a trailing CR is ignored.
 * An unknown option, a bad value or an option set twice is an error
 * that names the line: "line 3: unknown option 'lisen'". The file is
 * at most VCM_CONFIG_FILE_MAX bytes, a value VCM_CONFIG_VALUE_MAX.
 *
 * Order: vcmd_config_defaults(), vcmd_config_load() (optional), any
 * vcmd_config_set() (-o name=value; later ones win), then
 * vcmd_config_finish(), which fills the derived defaults (the "" paths
 * and URLs) and checks the rules between options. Everything but
 * vcmd_config_load() is pure. The config holds no secret.
 *
 * Errors: 0 or VCM_EINVAL (VCM_EIO, VCM_ERANGE, VCM_ENOMEM for load),
 * with a human message in err (always NUL-terminated, printable ASCII).
 * A failed call leaves the config unchanged.
 */
#ifndef VCMD_CONFIG_H
#define VCMD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vcm/limits.h"

/* Where the web console's files are installed, unless static_dir says. */
#ifndef VCMD_STATIC_DIR_DEFAULT
#define VCMD_STATIC_DIR_DEFAULT	"/usr/share/vcm/web"
#endif

/* console_policy values (those of enum eng_console_policy). */
#define VCMD_CONSOLE_TAKE	0
#define VCMD_CONSOLE_REFUSE	1

struct vcmd_config {
	char		listen[VCM_ADDR_STR_MAX + 1];	/* "127.0.0.1" */
	uint16_t	port;				/* 8443 */
	char		state_dir[VCM_CONFIG_PATH_SIZE]; /* "/var/lib/vcm" */
	char		db[VCM_CONFIG_PATH_SIZE];	/* <state_dir>/vcm.db */
	char		vault_key[VCM_CONFIG_PATH_SIZE]; /* <state_dir>/vault.key */
	char		tls_cert[VCM_CONFIG_PATH_SIZE];	/* <state_dir>/tls/cert.pem */
	char		tls_key[VCM_CONFIG_PATH_SIZE];	/* <state_dir>/tls/key.pem */
	char		operator_key_file[VCM_CONFIG_PATH_SIZE];
							/* <state_dir>/operator.key */
	char		public_url[VCM_CONFIG_PATH_SIZE]; /* https://<listen>:<port> */
	char		allowed_origins[VCM_CONFIG_ORIGINS_SIZE];
					/* comma list; the public URL's origin */
	char		static_dir[VCM_CONFIG_PATH_SIZE]; /* VCMD_STATIC_DIR_DEFAULT */
	char		engine_bind[VCM_ADDR_STR_MAX + 1]; /* "0.0.0.0" */
	uint32_t	grant_default_s;	/* VCM_GRANT_DEFAULT_S */
	uint32_t	grant_max_s;		/* VCM_GRANT_MAX_DEFAULT_S */
	uint32_t	api_rate;		/* VCM_API_RATE_PER_S */
	uint32_t	api_burst;		/* VCM_API_RATE_BURST */
	uint8_t		console_policy;		/* VCMD_CONSOLE_TAKE */
	uint32_t	console_linger_ms;	/* 0: engine default */
	uint32_t	session_idle_ms;	/* VCM_VCMD_SESSION_IDLE_MS */
	uint32_t	bmc_timeout_ms;		/* VCM_BMC_TIMEOUT_DEFAULT_MS */
	uint8_t		log_level;		/* enum vcm_log_level */
	uint32_t	recording_max_bytes;	/* VCM_RECORDING_BYTES_DEFAULT */
	uint32_t	recording_retention_days; /* VCM_RECORDING_DAYS_DEFAULT */
	uint8_t		recording_input;	/* 0: no (keystrokes not recorded) */
};

void	vcmd_config_defaults(struct vcmd_config *);
/* Parses a file's text (need not be NUL-terminated). Pure. */
int	vcmd_config_parse(struct vcmd_config *, const char *text, size_t len,
	    char *err, size_t errsz);
/* Reads path (a regular file, at most VCM_CONFIG_FILE_MAX bytes) and
 * parses it; messages start with the path. */
int	vcmd_config_load(struct vcmd_config *, const char *path, char *err,
	    size_t errsz);
/* One option, e.g. from -o name=value. */
int	vcmd_config_set(struct vcmd_config *, const char *name,
	    const char *value, char *err, size_t errsz);
/* Splits "name=value" and calls vcmd_config_set(). */
int	vcmd_config_set_arg(struct vcmd_config *, const char *arg, char *err,
	    size_t errsz);
/* Derived defaults and cross-option rules (grant_default_s <= max). */
int	vcmd_config_finish(struct vcmd_config *, char *err, size_t errsz);
/* The effective config, "name = value" per line, in table order; the
 * output parses back to the same config. */
void	vcmd_config_print(const struct vcmd_config *, FILE *);
/* Every option with its range, default and help text (vcmd -h). */
void	vcmd_config_usage(FILE *);

#endif
