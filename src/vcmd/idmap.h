/*
 * A hash map from a 64-bit id (store id, engine id, cookie) to a
 * pointer: open addressing with linear probing and backward-shift
 * deletion, so lookups stay short without tombstones. Grows by
 * doubling at 50 % load. Key 0 is reserved (ids and cookies start at 1).
 */
#ifndef VCMD_IDMAP_H
#define VCMD_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap_slot {
	uint64_t	 key;
	void		*val;
};

struct idmap {
	struct idmap_slot *slots;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 len;
};

/* 0, VCM_EINVAL for key 0, VCM_ENOMEM. An existing key is replaced. */
int	 idmap_put(struct idmap *, uint64_t key, void *);
void	*idmap_get(const struct idmap *, uint64_t key);
/* Removes and returns the value, NULL if absent. */
void	*idmap_del(struct idmap *, uint64_t key);
/*
 * Iteration: *pos starts at 0; returns the next value or NULL at the
 * end. Deleting the returned entry while iterating can make another
 * entry move behind *pos and be skipped; to delete everything, call
 * idmap_first() in a loop instead.
 */
void	*idmap_next(const struct idmap *, size_t *pos, uint64_t *key);
void	*idmap_first(const struct idmap *, uint64_t *key);
void	 idmap_free(struct idmap *);

#endif
