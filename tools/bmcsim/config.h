/*
 * The fleet description: groups of BMCs on consecutive loopback
 * addresses, each group with one profile. Filled from the plain command
 * line (sim_config_add_plain) or a config file (sim_config_load);
 * docs/bmcsim.md documents the file format. Everything here is pure
 * except sim_config_load(), which reads one file.
 *
 * Errors: functions return 0 or a negative VCM_E* code and write a
 * human message into err (always NUL-terminated when errlen > 0);
 * config file errors read "FILE:LINE: message".
 */
#ifndef BMCSIM_CONFIG_H
#define BMCSIM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"
#include "profile.h"




/* The RMCP/IPMI-over-LAN UDP port (ASF-RMCP, IPMI 2.0 §13.1). */
#define SIM_PORT_DEFAULT	623

/* Dotted-quad text of an IPv4 address, with its NUL. */
#define SIM_ADDR_TEXT_MAX	16

/* Every BMC address lies in 127.0.0.0/8 (tests only send to loopback). */
#define SIM_LOOPBACK_NET	0x7f000000u
#define SIM_LOOPBACK_MASK	0xff000000u
#define SIM_IS_LOOPBACK(a)	(((a) & SIM_LOOPBACK_MASK) == SIM_LOOPBACK_NET)

struct sim_group {
	uint32_t		first;	/* host-order address of the group's first BMC */
	uint32_t		count;
	struct sim_profile	prof;
};

struct sim_config {
	struct sim_group	groups[VCM_SIM_GROUPS_MAX];
	size_t			ngroups;
	uint16_t		port;		/* default 623 */
	char			control[108];	/* Unix socket path, "" = none */
	uint32_t		total;		/* BMCs in all groups */
};

/* Empty fleet, port 623, no control socket. */
void	sim_config_init(struct sim_config *);

/*
 * Parses a config file's text (need not be NUL-terminated) and appends
 * its groups to cfg; fname only names the file in messages. On error
 * cfg may hold part of the file: discard it.
 */
int	sim_config_parse(struct sim_config *, const char *text, size_t len,
	    const char *fname, char *err, size_t errlen);

/* Reads path (at most VCM_SIM_CONFIG_FILE_MAX bytes) and parses it. */
int	sim_config_load(struct sim_config *, const char *path, char *err,
	    size_t errlen);

/*
 * The plain command line: count BMCs from the first address after the
 * network address of cidr, default profile, one admin user.
 */
int	sim_config_add_plain(struct sim_config *, const char *cidr,
	    uint32_t count, const char *user, const char *password,
	    char *err, size_t errlen);

/*
 * Appends a group after checking it: at least one BMC and one user,
 * every address in 127.0.0.0/8, no overlap with another group, the fleet
 * total within VCM_SIM_BMCS_MAX, suite 0 only with insecure_cs0 (which
 * also turns suite 0 on).
 */
int	sim_config_add_group(struct sim_config *, uint32_t first,
	    uint32_t count, const struct sim_profile *, char *err,
	    size_t errlen);

/*
 * Maps fleet index 0..total-1 (groups in order) to the BMC's address
 * (host order) and profile. VCM_ERANGE past the end.
 */
int	sim_config_addr(const struct sim_config *, uint32_t index,
	    uint32_t *addr, const struct sim_profile **prof);

/* ---- value parsers shared with the control protocol (ctl.c) ---- */

/*
 * "a.b.c.d/p": net in host order, host bits clear, inside 127.0.0.0/8,
 * prefix 8..30 (so at least one usable address).
 */
int	sim_parse_cidr(const char *s, uint32_t *net, unsigned int *prefix,
	    char *err, size_t errlen);
/* Strict dotted quad (no leading zeros, no spaces) to host order. */
int	sim_parse_addr(const char *s, uint32_t *addr);
/* Formats a host-order address; buf has SIM_ADDR_TEXT_MAX bytes. */
void	sim_addr_format(uint32_t addr, char *buf, size_t len);
/* Decimal digits only, min..max. VCM_EINVAL or VCM_ERANGE. */
int	sim_parse_u32(const char *s, uint32_t min, uint32_t max,
	    uint32_t *out);
/*
 * "500ms", "2s", "1m" (and "0"); with bare_ms, a bare number is
 * milliseconds, else it needs a unit. Result ≤ max.
 */
int	sim_parse_duration(const char *s, int bare_ms, uint32_t max,
	    uint32_t *ms);
/* Per mille: "5" (0..1000) or a percentage with one decimal, "0.5%". */
int	sim_parse_rate(const char *s, uint16_t *permille);
/* "on" → 1, "off" → 0. */
int	sim_parse_onoff(const char *s, uint8_t *on);

#endif
