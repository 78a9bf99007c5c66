/*
 * The host list parser of vcmctl -H (see hostrange.h). Two passes per
 * item: parse the pattern into literal text and brackets (counting the
 * hosts before generating any, so a huge range fails at once), then run
 * an odometer over the brackets and check each result as an IPv4
 * literal with an optional port.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcmctl/hostrange.h"

/* Longest expanded host text we build before checking it. */
#define HR_BUF_MAX	64
/* Largest number inside a bracket: a port. */
#define HR_NUM_MAX	65535u

struct hr_range {
	uint32_t	 lo, hi;
};

struct hr_bracket {
	size_t		 at;		/* offset in the literal text */
	struct hr_range	 r[VCM_CTL_RANGES_MAX];
	unsigned int	 nr;
	uint64_t	 count;
};

struct hr_item {
	char		 lit[HR_BUF_MAX];	/* text without brackets */
	size_t		 litlen;
	struct hr_bracket b[VCM_CTL_BRACKETS_MAX];
	unsigned int	 nb;
};

static int	errf(char *, size_t, int, const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));

static int
errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at *pp (at most 5), value <= HR_NUM_MAX. */
static int
num(const char **pp, const char *end, uint32_t *v)
{
	const char *p = *pp;
	uint32_t x = 0;
	int n = 0;

	while (p < end && isdig(*p) && n < 6) {
		x = x * 10 + (uint32_t)(*p - '0');
		p++;
		n++;
	}
	if (n == 0 || n > 5 || x > HR_NUM_MAX)
		return -1;
	*pp = p;
	*v = x;
	return 0;
}

/* Parses one bracket body [p, end) into b. */
static int
bracket(const char *p, const char *end, struct hr_bracket *b, char *err,
    size_t errlen)
{
	uint32_t lo, hi;
	unsigned int guard;

	b->nr = 0;
	b->count = 0;
	if (p == end)
		return errf(err, errlen, VCM_EINVAL, "empty brackets \"[]\"");
	for (guard = 0; guard <= VCM_CTL_RANGES_MAX; guard++) {
		if (num(&p, end, &lo) != 0)
			return errf(err, errlen, VCM_EINVAL, "brackets take "
			    "numbers 0-%u, ranges a-b and commas", HR_NUM_MAX);
		hi = lo;
		if (p < end && *p == '-') {
			p++;
			if (num(&p, end, &hi) != 0)
				return errf(err, errlen, VCM_EINVAL,
				    "range %u- has no valid end", lo);
			if (hi < lo)
				return errf(err, errlen, VCM_ERANGE,
				    "reversed range %u-%u", lo, hi);
		}
		if (b->nr >= VCM_CTL_RANGES_MAX)
			return errf(err, errlen, VCM_ERANGE, "more than %d "
			    "ranges in one bracket", VCM_CTL_RANGES_MAX);
		b->r[b->nr].lo = lo;
		b->r[b->nr].hi = hi;
		b->nr++;
		b->count += (uint64_t)hi - lo + 1;
		if (p == end)
			return 0;
		if (*p != ',')
			return errf(err, errlen, VCM_EINVAL, "unexpected '%c' "
			    "in brackets", *p);
		p++;
	}
	return errf(err, errlen, VCM_ERANGE, "more than %d ranges in one "
	    "bracket", VCM_CTL_RANGES_MAX);
}

static int
item_parse(const char *p, const char *end, struct hr_item *it, char *err,
    size_t errlen)
{
	const char *close;
	int r;

	memset(it, 0, sizeof(*it));
	if (p == end)
		return errf(err, errlen, VCM_EINVAL, "empty host in list");
	while (p < end) {
		if (*p == ']')
			return errf(err, errlen, VCM_EINVAL, "unbalanced ']'");
		if (*p != '[') {
			if (it->litlen + 1 >= sizeof(it->lit))
				return errf(err, errlen, VCM_EINVAL,
				    "host pattern too long");
			it->lit[it->litlen++] = *p++;
			continue;
		}
		for (close = p + 1; close < end && *close != ']' &&
		    *close != '['; close++)
			;
		if (close == end || *close != ']')
			return errf(err, errlen, VCM_EINVAL,
			    "unbalanced '[' (nested or not closed)");
		if (it->nb >= VCM_CTL_BRACKETS_MAX)
			return errf(err, errlen, VCM_EINVAL, "more than %d "
			    "bracketed parts in one host", VCM_CTL_BRACKETS_MAX);
		it->b[it->nb].at = it->litlen;
		if ((r = bracket(p + 1, close, &it->b[it->nb], err,
		    errlen)) != 0)
			return r;
		it->nb++;
		p = close + 1;
	}
	it->lit[it->litlen] = '\0';
	return 0;
}

/* One decimal field, no leading zeros, value <= max. */
static int
field(const char **pp, uint32_t max, uint32_t *v)
{
	const char *p = *pp;
	uint32_t x = 0;
	int n = 0;

	if (!isdig(*p))
		return -1;
	if (*p == '0' && isdig(p[1]))
		return -1;
	while (isdig(*p) && n < 6) {
		x = x * 10 + (uint32_t)(*p - '0');
		p++;
		n++;
	}
	if (n > 5 || x > max)
		return -1;
	*pp = p;
	*v = x;
	return 0;
}

static int
host_check(const char *s, struct hostrange_host *h, char *err, size_t errlen)
{
	const char *p = s;
	uint32_t v, a = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (field(&p, 255, &v) != 0) {
			if (!isdig(*p) && *p != '\0' && *p != ':' && *p != '.')
				return errf(err, errlen, VCM_EINVAL, "\"%s\" "
				    "is not an IPv4 address (names are not "
				    "resolved)", s);
			return errf(err, errlen, VCM_ERANGE, "\"%s\": bad "
			    "octet (0-255, no leading zeros)", s);
		}
		a = a << 8 | v;
		if (i < 3) {
			if (*p != '.')
				return errf(err, errlen, VCM_EINVAL, "\"%s\" "
				    "is not an IPv4 address", s);
			p++;
		}
	}
	h->addr = a;
	h->port = 0;
	if (*p == ':') {
		p++;
		if (field(&p, 65535, &v) != 0 || v == 0 || *p != '\0')
			return errf(err, errlen, VCM_ERANGE, "\"%s\": bad port "
			    "(1-65535)", s);
		h->port = (uint16_t)v;
	} else if (*p != '\0') {
		return errf(err, errlen, VCM_EINVAL, "\"%s\" is not an IPv4 "
		    "address", s);
	}
	/* A valid host is at most 21 bytes: it fits. */
	if (strlen(s) >= sizeof(h->text))
		return errf(err, errlen, VCM_EINVAL, "\"%s\" is too long", s);
	memcpy(h->text, s, strlen(s) + 1);
	return 0;
}

/* Generates every host of one item into out[*n..cap). */
static int
item_expand(const struct hr_item *it, struct hostrange_host *out,
    size_t *n, char *err, size_t errlen)
{
	uint32_t val[VCM_CTL_BRACKETS_MAX];
	unsigned int ri[VCM_CTL_BRACKETS_MAX];
	char buf[HR_BUF_MAX];
	uint64_t total = 1, k;
	size_t pos, lp;
	unsigned int i;
	int j, w, r;

	for (i = 0; i < it->nb; i++) {
		total *= it->b[i].count;
		ri[i] = 0;
		val[i] = it->b[i].r[0].lo;
	}
	for (k = 0; k < total; k++) {
		pos = 0;
		lp = 0;
		for (i = 0; i <= it->nb; i++) {
			size_t to = i < it->nb ? it->b[i].at : it->litlen;

			if (pos + (to - lp) >= sizeof(buf))
				return errf(err, errlen, VCM_EINVAL,
				    "host too long");
			memcpy(buf + pos, it->lit + lp, to - lp);
			pos += to - lp;
			lp = to;
			if (i < it->nb) {
				w = snprintf(buf + pos, sizeof(buf) - pos,
				    "%u", val[i]);
				if (w < 0 || (size_t)w >= sizeof(buf) - pos)
					return errf(err, errlen, VCM_EINVAL,
					    "host too long");
				pos += (size_t)w;
			}
		}
		buf[pos] = '\0';
		if ((r = host_check(buf, &out[*n], err, errlen)) != 0)
			return r;
		(*n)++;
		/* Odometer: the last bracket varies fastest. */
		for (j = (int)it->nb - 1; j >= 0; j--) {
			const struct hr_bracket *b = &it->b[j];

			if (val[j] < b->r[ri[j]].hi) {
				val[j]++;
				break;
			}
			if (ri[j] + 1 < b->nr) {
				ri[j]++;
				val[j] = b->r[ri[j]].lo;
				break;
			}
			ri[j] = 0;
			val[j] = b->r[0].lo;
		}
	}
	return 0;
}

int
hostrange_parse(const char *spec, struct hostrange_host *out, size_t cap,
    char *err, size_t errlen)
{
	struct hr_item it;
	const char *p, *q, *end;
	uint64_t count;
	size_t n = 0, len;
	unsigned int i;
	int depth, r;

	if (errlen > 0)
		err[0] = '\0';
	if (spec == NULL || out == NULL)
		return errf(err, errlen, VCM_EINVAL, "no hosts");
	if (cap > VCM_CTL_HOSTS_MAX)
		cap = VCM_CTL_HOSTS_MAX;
	len = strnlen(spec, VCM_CTL_HOSTSPEC_MAX + 1);
	if (len > VCM_CTL_HOSTSPEC_MAX)
		return errf(err, errlen, VCM_EINVAL, "host list longer than "
		    "%d bytes", VCM_CTL_HOSTSPEC_MAX);
	if (len == 0)
		return errf(err, errlen, VCM_EINVAL, "no hosts");
	end = spec + len;
	for (p = spec; p <= end; p = q + 1) {
		/* The item ends at a comma outside brackets. */
		depth = 0;
		for (q = p; q < end; q++) {
			if (*q == '[')
				depth++;
			else if (*q == ']')
				depth--;
			else if (*q == ',' && depth <= 0)
				break;
			if (depth < 0 || depth > 1)
				return errf(err, errlen, VCM_EINVAL,
				    depth < 0 ? "unbalanced ']'" :
				    "nested '['");
			if ((unsigned char)*q < 0x21 || (unsigned char)*q > 0x7e)
				return errf(err, errlen, VCM_EINVAL,
				    "blank or control byte in host list");
		}
		if (depth != 0)
			return errf(err, errlen, VCM_EINVAL, "unbalanced '['");
		if ((r = item_parse(p, q, &it, err, errlen)) != 0)
			return r;
		count = 1;
		for (i = 0; i < it.nb; i++) {
			count *= it.b[i].count;
			if (count > cap - n)
				return errf(err, errlen, VCM_ENOSPC, "more than "
				    "%zu hosts", cap);
		}
		if (count > cap - n)
			return errf(err, errlen, VCM_ENOSPC, "more than %zu "
			    "hosts", cap);
		if ((r = item_expand(&it, out, &n, err, errlen)) != 0)
			return r;
		if (q == end)
			break;
	}
	return (int)n;
}
