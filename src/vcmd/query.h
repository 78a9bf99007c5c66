/*
 * URL query strings and path segments, both untrusted. query is the
 * raw text after '?' (not decoded by anyone yet): "name=value" pairs
 * separated by '&', values percent-decoded with '+' as a space (HTML
 * form encoding). The whole query must be well formed whatever name is
 * asked for: a bad "%xx", a "%00", or a raw byte outside printable
 * ASCII anywhere makes every lookup VCM_EINVAL, so two lookups never
 * disagree about one request.
 *
 * Paths are matched against patterns segment by segment, without any
 * decoding: "/v1/grants/{id}/console" matches "/v1/grants/12/console"
 * and captures 12. An {id} is a positive decimal without leading zeros
 * and at most INT64_MAX; everything else must be equal; no trailing
 * slash, no empty segment.
 */
#ifndef VCMD_QUERY_H
#define VCMD_QUERY_H

#include <stddef.h>
#include <stdint.h>

/*
 * First value of name, decoded into out (NUL-terminated). 1 found
 * ("name" without '=' gives ""), 0 absent (or query NULL), VCM_EINVAL
 * malformed, VCM_ENOSPC value longer than outsz - 1.
 */
int	query_get(const char *query, const char *name, char *out,
	    size_t outsz);
/* Decimal integer value: optional '-', digits without leading zeros,
 * in int64 range. 1 / 0 absent / VCM_EINVAL. */
int	query_get_i64(const char *query, const char *name, int64_t *v);
/* Number of ids captured (0 for a pattern without {id}), or -1. */
int	path_match(const char *path, const char *pattern, int64_t *ids,
	    size_t maxids);
/* A positive decimal id as in paths; 0 or VCM_EINVAL. */
int	query_parse_id(const char *s, size_t len, int64_t *id);

#endif
