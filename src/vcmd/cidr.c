/*
 * IPv4 and IPv6 networks (cidr.h). inet_pton and inet_ntop do the
 * address text; this file adds the prefix, the host-bit check and the
 * IPv4-mapped rules.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "cidr.h"

static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Parses an address; family 4 or 6, or 0 when it is not one. */
static int
addr_parse(const char *s, size_t len, uint8_t addr[16])
{
	char buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(addr, 0, 16);
	if (memchr(buf, ':', len) == NULL)
		return inet_pton(AF_INET, buf, addr) == 1 ? 4 : 0;
	return inet_pton(AF_INET6, buf, addr) == 1 ? 6 : 0;
}

/* 1 if the first prefix bits of a and b agree. */
static int
prefix_eq(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;
	uint8_t mask;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

/* 1 if any bit after the prefix is set. */
static int
host_bits(const uint8_t *a, unsigned prefix, unsigned bits)
{
	unsigned i;

	for (i = prefix; i < bits; i++)
		if (a[i / 8] & (0x80 >> (i % 8)))
			return 1;
	return 0;
}

int
cidr_parse(const char *s, struct cidr *c)
{
	const char *slash, *p;
	size_t len, alen;
	unsigned prefix, bits;
	int fam;

	if (s == NULL)
		return VCM_EINVAL;
	len = strnlen(s, VCM_CIDR_STR_MAX + 1);
	if (len > VCM_CIDR_STR_MAX)
		return VCM_EINVAL;
	slash = memchr(s, '/', len);
	alen = slash != NULL ? (size_t)(slash - s) : len;
	memset(c, 0, sizeof(*c));
	if ((fam = addr_parse(s, alen, c->addr)) == 0)
		return VCM_EINVAL;
	bits = fam == 4 ? 32 : 128;
	if (slash == NULL)
		prefix = bits;
	else {
		p = slash + 1;
		/* 1-3 digits, no leading zero (except "0" itself). */
		if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
			return VCM_EINVAL;
		for (prefix = 0; *p >= '0' && *p <= '9' && prefix <= bits; p++)
			prefix = prefix * 10 + (unsigned)(*p - '0');
		if (*p != '\0' || prefix > bits)
			return VCM_EINVAL;
	}
	if (host_bits(c->addr, prefix, bits)) {
		memset(c, 0, sizeof(*c));
		return VCM_EINVAL;
	}
	c->family = (uint8_t)fam;
	c->prefix = (uint8_t)prefix;
	return 0;
}

int
cidr_format(const struct cidr *c, char *out, size_t outsz)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (c->family != 4 && c->family != 6)
		return VCM_EINVAL;
	if (inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, a,
	    sizeof(a)) == NULL)
		return VCM_EINVAL;
	n = snprintf(out, outsz, "%s/%u", a, (unsigned)c->prefix);
	if (n < 0 || (size_t)n >= outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return VCM_ENOSPC;
	}
	return n;
}

int
cidr_list_parse(const char *list, struct cidr *out, size_t max)
{
	char one[VCM_CIDR_STR_MAX + 1];
	const char *p, *comma;
	size_t n = 0, len;

	if (list == NULL)
		return VCM_EINVAL;
	if (*list == '\0')
		return 0;
	for (p = list;; p = comma + 1) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len > VCM_CIDR_STR_MAX)
			return VCM_EINVAL;
		if (n == max)
			return VCM_ERANGE;
		memcpy(one, p, len);
		one[len] = '\0';
		if (cidr_parse(one, &out[n]) != 0)
			return VCM_EINVAL;
		n++;
		if (comma == NULL)
			break;
	}
	return (int)n;
}

int
cidr_list_format(const struct cidr *c, size_t n, char *out, size_t outsz)
{
	size_t i, used = 0;
	int r;

	if (outsz == 0)
		return VCM_ENOSPC;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0) {
			if (used + 1 >= outsz)
				goto nospc;
			out[used++] = ',';
			out[used] = '\0';
		}
		r = cidr_format(&c[i], out + used, outsz - used);
		if (r == VCM_ENOSPC)
			goto nospc;
		if (r < 0)
			return r;
		used += (size_t)r;
	}
	return (int)used;
nospc:
	out[0] = '\0';
	return VCM_ENOSPC;
}

int
cidr_match(const struct cidr *c, const char *addr_text)
{
	uint8_t a[16], m[16];
	size_t len;
	int fam;

	if (c == NULL || addr_text == NULL)
		return 0;
	len = strnlen(addr_text, VCM_ADDR_STR_MAX + 1);
	if (len > VCM_ADDR_STR_MAX || (fam = addr_parse(addr_text, len, a)) == 0)
		return 0;
	/* One spelling per client: mapped IPv6 is its IPv4 address. */
	if (fam == 6 && memcmp(a, v4mapped, sizeof(v4mapped)) == 0) {
		memmove(a, a + 12, 4);
		memset(a + 4, 0, 12);
		fam = 4;
	}
	if (c->family == 4)
		return fam == 4 && c->prefix <= 32 &&
		    prefix_eq(a, c->addr, c->prefix);
	if (c->family != 6 || c->prefix > 128)
		return 0;
	if (fam == 4) {
		memcpy(m, v4mapped, sizeof(v4mapped));
		memcpy(m + 12, a, 4);
		return prefix_eq(m, c->addr, c->prefix);
	}
	return prefix_eq(a, c->addr, c->prefix);
}

int
cidr_list_match(const struct cidr *c, size_t n, const char *addr_text)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (cidr_match(&c[i], addr_text))
			return 1;
	return 0;
}
