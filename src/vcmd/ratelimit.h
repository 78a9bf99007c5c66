/*
 * Request rate limits: one token bucket per key ("k:12" for an API key
 * id, "a:198.51.100.7" for a source address), rate and burst from the
 * caller. A key seen for the first time starts with a full bucket. The
 * table holds at most max_entries keys (VCM_API_RATE_TABLE_MAX for the
 * API); a new key in a full table evicts the least recently used one,
 * which forgets that key's history (it starts full again): an attacker
 * cycling through addresses can only flush idle keys, never grow memory.
 *
 * Time is an argument (milliseconds, monotonic), so the module is pure
 * and testable; a clock that goes backwards refills nothing.
 */
#ifndef VCMD_RATELIMIT_H
#define VCMD_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"

/* "a:" and an IPv6 address; keys longer than this are always limited. */
#define RATELIMIT_KEY_MAX	(2 + VCM_ADDR_STR_MAX)

struct ratelimit;

/* NULL on allocation failure or max_entries 0 or above 2^24. */
struct ratelimit *ratelimit_new(uint32_t rate_per_s, uint32_t burst,
	    size_t max_entries);
/* 1: allowed (one token taken); 0: limited (or key NULL/too long). */
int	ratelimit_take(struct ratelimit *, const char *key, uint64_t now_ms);
/* Keys in the table now. */
size_t	ratelimit_count(const struct ratelimit *);
void	ratelimit_free(struct ratelimit *);

#endif
