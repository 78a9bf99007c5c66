/*
 * IPv4 and IPv6 networks: a grant's allowed source networks and a
 * pool's address range. Parsing is strict: "198.51.100.0/24",
 * "2001:db8::/32", or a bare address (a /32 or /128); the address part
 * goes through inet_pton (no "010.1.2.3", no zone "%eth0"), the prefix
 * is decimal without leading zeros, and a network with host bits set
 * ("198.51.100.7/24") is refused rather than silently widened, so what
 * the operator typed is what is enforced.
 *
 * Matching treats an IPv4-mapped IPv6 address ("::ffff:198.51.100.7",
 * what a dual-stack socket reports for an IPv4 client) as the IPv4
 * address, and an IPv4 address as its mapped form against an IPv6
 * network, so both spellings of one client always agree.
 */
#ifndef VCMD_CIDR_H
#define VCMD_CIDR_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"

struct cidr {
	uint8_t		family;		/* 4 or 6 */
	uint8_t		prefix;		/* 0..32 or 0..128 */
	uint8_t		addr[16];	/* network; IPv4 in the first 4 */
};

/* 0, or VCM_EINVAL (malformed, host bits set, longer than
 * VCM_CIDR_STR_MAX). */
int	cidr_parse(const char *s, struct cidr *);
/* Canonical text ("2001:db8::/32"); returns the length or VCM_ENOSPC.
 * VCM_CIDR_STR_MAX + 1 bytes always suffice. */
int	cidr_format(const struct cidr *, char *out, size_t outsz);
/*
 * Comma-separated list, no spaces, no empty elements. Returns the count
 * ("" gives 0), VCM_EINVAL naming nothing (any element bad) or
 * VCM_ERANGE (more than max).
 */
int	cidr_list_parse(const char *commalist, struct cidr *out, size_t max);
/* Canonical comma list of n networks; the length or VCM_ENOSPC. */
int	cidr_list_format(const struct cidr *, size_t n, char *out,
	    size_t outsz);
/* 1 if the textual address is inside the network; 0 if not or invalid. */
int	cidr_match(const struct cidr *, const char *addr_text);
/* 1 if inside any of them; n == 0 means "any address" and gives 1. */
int	cidr_list_match(const struct cidr *, size_t n, const char *addr_text);

#endif
