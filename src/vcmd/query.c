/*
 * Query strings and paths (query.h). No allocation: names are compared
 * while decoding, values decoded straight into the caller's buffer.
 */
#include <string.h>

#include "vcm/err.h"
#include "query.h"

/* Longest decimal int64 with its sign, and room to see it is longer. */
#define I64_TEXT_MAX	24

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes one byte at s[*i] (of a span of len), advancing *i; -1 if
 * malformed. "%00" is malformed: a NUL would cut the value short.
 */
static int
decode_byte(const char *s, size_t len, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	int hi, lo;

	if (c <= 0x20 || c >= 0x7f)
		return -1;
	if (c == '+') {
		(*i)++;
		return ' ';
	}
	if (c != '%') {
		(*i)++;
		return c;
	}
	if (*i + 2 >= len)
		return -1;
	hi = hexval((unsigned char)s[*i + 1]);
	lo = hexval((unsigned char)s[*i + 2]);
	if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
		return -1;
	*i += 3;
	return hi << 4 | lo;
}

/* 1 if the span decodes without error. */
static int
span_ok(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len)
		if (decode_byte(s, len, &i) < 0)
			return 0;
	return 1;
}

/* 1 if the span decodes to exactly name. Assumes span_ok(). */
static int
span_is(const char *s, size_t len, const char *name)
{
	size_t i = 0, j = 0;
	int c;

	while (i < len) {
		c = decode_byte(s, len, &i);
		if (name[j] == '\0' || (unsigned char)name[j] != c)
			return 0;
		j++;
	}
	return name[j] == '\0';
}

int
query_get(const char *query, const char *name, char *out, size_t outsz)
{
	const char *p, *amp, *eq, *found = NULL;
	size_t plen, klen, vlen = 0, i, n;
	int c;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (query == NULL)
		return 0;
	if (name == NULL || out == NULL || outsz == 0)
		return VCM_EINVAL;
	/* Check everything first: the answer must not depend on name. */
	for (p = query;; p = amp + 1) {
		amp = strchr(p, '&');
		plen = amp != NULL ? (size_t)(amp - p) : strlen(p);
		if (!span_ok(p, plen))
			return VCM_EINVAL;
		eq = memchr(p, '=', plen);
		klen = eq != NULL ? (size_t)(eq - p) : plen;
		if (found == NULL && plen > 0 && span_is(p, klen, name)) {
			found = eq != NULL ? eq + 1 : p + plen;
			vlen = eq != NULL ? plen - klen - 1 : 0;
		}
		if (amp == NULL)
			break;
	}
	if (found == NULL)
		return 0;
	for (i = 0, n = 0; i < vlen; n++) {
		c = decode_byte(found, vlen, &i);
		if (n + 1 >= outsz) {
			out[0] = '\0';
			return VCM_ENOSPC;
		}
		out[n] = (char)c;
	}
	out[n] = '\0';
	return 1;
}

/* Decimal int64: "-"? digits, no leading zeros ("0" alone is fine). */
static int
parse_i64(const char *s, int64_t *v)
{
	const char *p = s;
	uint64_t acc = 0, lim;
	int neg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9' || (p[0] == '0' && (p[1] != '\0' || neg)))
		return VCM_EINVAL;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return VCM_EINVAL;
		if (acc > (lim - (uint64_t)(*p - '0')) / 10)
			return VCM_EINVAL;
		acc = acc * 10 + (uint64_t)(*p - '0');
	}
	if (neg)
		*v = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
	else
		*v = (int64_t)acc;
	return 0;
}

int
query_get_i64(const char *query, const char *name, int64_t *v)
{
	char buf[I64_TEXT_MAX];
	int r;

	r = query_get(query, name, buf, sizeof(buf));
	if (r == VCM_ENOSPC)
		return VCM_EINVAL;
	if (r <= 0)
		return r;
	return parse_i64(buf, v) == 0 ? 1 : VCM_EINVAL;
}

int
query_parse_id(const char *s, size_t len, int64_t *id)
{
	uint64_t acc = 0;
	size_t i;

	if (len == 0 || s[0] < '1' || s[0] > '9')
		return VCM_EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return VCM_EINVAL;
		if (acc > ((uint64_t)INT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return VCM_EINVAL;
		acc = acc * 10 + (uint64_t)(s[i] - '0');
	}
	*id = (int64_t)acc;
	return 0;
}

int
path_match(const char *path, const char *pattern, int64_t *ids,
    size_t maxids)
{
	const char *p = path, *q = pattern, *pe, *qe;
	size_t pl, ql, n = 0;

	if (path == NULL || pattern == NULL || *p != '/' || *q != '/')
		return -1;
	while (*p == '/' && *q == '/') {
		p++;
		q++;
		pe = strchr(p, '/');
		qe = strchr(q, '/');
		pl = pe != NULL ? (size_t)(pe - p) : strlen(p);
		ql = qe != NULL ? (size_t)(qe - q) : strlen(q);
		if (pl == 0)
			return -1;
		if (ql == 4 && memcmp(q, "{id}", 4) == 0) {
			if (n >= maxids || query_parse_id(p, pl, &ids[n]) != 0)
				return -1;
			n++;
		} else if (pl != ql || memcmp(p, q, pl) != 0)
			return -1;
		p += pl;
		q += ql;
	}
	return *p == '\0' && *q == '\0' ? (int)n : -1;
}
