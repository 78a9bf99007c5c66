/*
 * Token buckets in a fixed table (ratelimit.h): one allocation at
 * creation, a chained hash over entry indices, and a doubly linked
 * list in recency order for eviction. Tokens are counted in thousandths
 * so the refill is exact integer arithmetic: rate tokens per second is
 * rate thousandths per millisecond.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "ratelimit.h"

#define MILLI		1000u
#define NIL		UINT32_MAX
/* Largest table: indices are 32-bit and 16 M keys is far beyond use. */
#define TABLE_MAX	(1u << 24)

struct rl_entry {
	uint64_t	tokens;		/* thousandths of a token */
	uint64_t	last_ms;
	uint32_t	hnext;		/* next in the hash chain */
	uint32_t	prev, next;	/* recency list, most recent first */
	uint8_t		klen;
	char		key[RATELIMIT_KEY_MAX];
};

struct ratelimit {
	uint64_t	 rate;		/* thousandths of a token per ms */
	uint64_t	 cap;		/* burst in thousandths */
	uint64_t	 fill_ms;	/* time to refill from empty */
	uint64_t	 seed;
	struct rl_entry	*e;
	uint32_t	*bucket;
	uint32_t	 nbuckets;	/* power of two */
	uint32_t	 max, used;
	uint32_t	 head, tail;	/* most and least recently used */
};

/*
 * FNV-1a with a random seed and a final avalanche: attackers choose
 * source addresses, so the chains must not be predictable.
 */
static uint32_t
rl_hash(const struct ratelimit *rl, const char *key, size_t len)
{
	uint64_t h = rl->seed ^ 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h & (rl->nbuckets - 1);
}

struct ratelimit *
ratelimit_new(uint32_t rate_per_s, uint32_t burst, size_t max_entries)
{
	struct ratelimit *rl;
	uint32_t nb;

	if (max_entries == 0 || max_entries > TABLE_MAX)
		return NULL;
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	for (nb = 1; nb < 2 * max_entries; nb <<= 1)
		;
	rl->e = calloc(max_entries, sizeof(*rl->e));
	rl->bucket = malloc(nb * sizeof(*rl->bucket));
	if (rl->e == NULL || rl->bucket == NULL ||
	    RAND_bytes((unsigned char *)&rl->seed, sizeof(rl->seed)) != 1) {
		ratelimit_free(rl);
		return NULL;
	}
	memset(rl->bucket, 0xff, nb * sizeof(*rl->bucket));	/* NIL */
	rl->nbuckets = nb;
	rl->max = (uint32_t)max_entries;
	rl->rate = rate_per_s;
	rl->cap = (uint64_t)burst * MILLI;
	/* Bounds elapsed * rate: no overflow however long a key slept. */
	rl->fill_ms = rate_per_s > 0 ? rl->cap / rate_per_s + 1 : 0;
	rl->head = rl->tail = NIL;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	free(rl->e);
	free(rl->bucket);
	free(rl);
}

size_t
ratelimit_count(const struct ratelimit *rl)
{
	return rl->used;
}

static void
lru_unlink(struct ratelimit *rl, uint32_t i)
{
	struct rl_entry *e = &rl->e[i];

	if (e->prev != NIL)
		rl->e[e->prev].next = e->next;
	else
		rl->head = e->next;
	if (e->next != NIL)
		rl->e[e->next].prev = e->prev;
	else
		rl->tail = e->prev;
	e->prev = e->next = NIL;
}

static void
lru_push_front(struct ratelimit *rl, uint32_t i)
{
	struct rl_entry *e = &rl->e[i];

	e->prev = NIL;
	e->next = rl->head;
	if (rl->head != NIL)
		rl->e[rl->head].prev = i;
	rl->head = i;
	if (rl->tail == NIL)
		rl->tail = i;
}

static void
hash_remove(struct ratelimit *rl, uint32_t i)
{
	uint32_t *pp;

	pp = &rl->bucket[rl_hash(rl, rl->e[i].key, rl->e[i].klen)];
	while (*pp != NIL && *pp != i)
		pp = &rl->e[*pp].hnext;
	if (*pp == i)
		*pp = rl->e[i].hnext;
}

/* A slot for a new key: a free one, else the least recently used. */
static uint32_t
take_slot(struct ratelimit *rl)
{
	uint32_t i;

	if (rl->used < rl->max)
		return rl->used++;
	i = rl->tail;
	lru_unlink(rl, i);
	hash_remove(rl, i);
	return i;
}

int
ratelimit_take(struct ratelimit *rl, const char *key, uint64_t now_ms)
{
	struct rl_entry *e;
	uint64_t elapsed;
	uint32_t h, i;
	size_t len;

	if (rl == NULL || key == NULL)
		return 0;
	len = strnlen(key, RATELIMIT_KEY_MAX + 1);
	if (len > RATELIMIT_KEY_MAX)
		return 0;
	h = rl_hash(rl, key, len);
	for (i = rl->bucket[h]; i != NIL; i = rl->e[i].hnext)
		if (rl->e[i].klen == len && memcmp(rl->e[i].key, key, len) == 0)
			break;
	if (i == NIL) {
		i = take_slot(rl);
		e = &rl->e[i];
		memcpy(e->key, key, len);
		e->klen = (uint8_t)len;
		e->tokens = rl->cap;
		e->last_ms = now_ms;
		/* The eviction may have emptied this chain: reread it. */
		e->hnext = rl->bucket[h];
		rl->bucket[h] = i;
	} else {
		e = &rl->e[i];
		lru_unlink(rl, i);
		if (now_ms > e->last_ms) {
			elapsed = now_ms - e->last_ms;
			if (elapsed > rl->fill_ms)
				elapsed = rl->fill_ms;
			e->tokens += elapsed * rl->rate;
			if (e->tokens > rl->cap)
				e->tokens = rl->cap;
			e->last_ms = now_ms;
		}
	}
	lru_push_front(rl, i);
	if (e->tokens < MILLI)
		return 0;
	e->tokens -= MILLI;
	return 1;
}
