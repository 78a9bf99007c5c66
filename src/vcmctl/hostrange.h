/*
 * FreeIPMI-style host lists for vcmctl -H, as a pure parser: no
 * allocation, no I/O, no DNS.
 *
 *	127.0.0.5			one host
 *	127.0.0.5,127.0.0.9:6230	a comma list; :port per host
 *	127.20.[0-3].[1-250]		bracketed parts, expanded left to
 *					right (the first bracket varies
 *					slowest), as FreeIPMI hostranges
 *	127.0.0.[1-3,7]:[6230-6231]	lists and ranges inside brackets;
 *					brackets may be in the port too
 *
 * Every expanded host must be an IPv4 literal (four decimal octets
 * 0-255, no leading zeros), optionally followed by :PORT (1-65535).
 * At most VCM_CTL_HOSTS_MAX hosts in all.
 */
#ifndef VCMCTL_HOSTRANGE_H
#define VCMCTL_HOSTRANGE_H

#include <stddef.h>
#include <stdint.h>

/* "255.255.255.255:65535" and its NUL, rounded up. */
#define HOSTRANGE_TEXT_MAX	24

struct hostrange_host {
	uint32_t	 addr;		/* host byte order */
	uint16_t	 port;		/* 0: none given */
	char		 text[HOSTRANGE_TEXT_MAX];	/* as printed */
};

/*
 * Expands spec into out[0..cap). Returns the number of hosts, or a
 * negative VCM_E* with a message naming the problem in err (always
 * NUL-terminated when errlen > 0): VCM_EINVAL for syntax, VCM_ERANGE for
 * a bad octet, port or reversed range, VCM_ENOSPC for too many hosts.
 */
int	hostrange_parse(const char *spec, struct hostrange_host *out,
	    size_t cap, char *err, size_t errlen);

#endif
