/* The id -> pointer map (idmap.h). */
#include <stdlib.h>

#include "vcm/err.h"
#include "vcmd/idmap.h"

#define IDMAP_MIN_CAP	16

static size_t
slot_of(uint64_t key, size_t cap)
{
	/* Fibonacci hashing: sequential ids spread over the table. */
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

static int
grow(struct idmap *m)
{
	struct idmap_slot *old = m->slots, *s;
	size_t oldcap = m->cap, cap, i, j;

	cap = oldcap ? oldcap * 2 : IDMAP_MIN_CAP;
	if (cap < oldcap)
		return VCM_ENOMEM;
	s = calloc(cap, sizeof(*s));
	if (s == NULL)
		return VCM_ENOMEM;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == 0)
			continue;
		j = slot_of(old[i].key, cap);
		while (s[j].key != 0)
			j = (j + 1) & (cap - 1);
		s[j] = old[i];
	}
	free(old);
	m->slots = s;
	m->cap = cap;
	return 0;
}

int
idmap_put(struct idmap *m, uint64_t key, void *val)
{
	size_t i;
	int rc;

	if (key == 0)
		return VCM_EINVAL;
	if ((m->len + 1) * 2 > m->cap && (rc = grow(m)) != 0)
		return rc;
	i = slot_of(key, m->cap);
	while (m->slots[i].key != 0 && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	if (m->slots[i].key == 0)
		m->len++;
	m->slots[i].key = key;
	m->slots[i].val = val;
	return 0;
}

static struct idmap_slot *
find(const struct idmap *m, uint64_t key)
{
	size_t i;

	if (m->cap == 0 || key == 0)
		return NULL;
	i = slot_of(key, m->cap);
	while (m->slots[i].key != 0) {
		if (m->slots[i].key == key)
			return &m->slots[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

void *
idmap_get(const struct idmap *m, uint64_t key)
{
	struct idmap_slot *s = find(m, key);

	return s ? s->val : NULL;
}

void *
idmap_del(struct idmap *m, uint64_t key)
{
	struct idmap_slot *s = find(m, key);
	size_t i, j, home;
	void *val;

	if (s == NULL)
		return NULL;
	val = s->val;
	i = (size_t)(s - m->slots);
	/* Backward shift: move later entries of the probe run into the
	 * hole when their home slot is not between the hole and them. */
	j = i;
	for (;;) {
		j = (j + 1) & (m->cap - 1);
		if (m->slots[j].key == 0)
			break;
		home = slot_of(m->slots[j].key, m->cap);
		if (((j - home) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = 0;
	m->slots[i].val = NULL;
	m->len--;
	return val;
}

void *
idmap_next(const struct idmap *m, size_t *pos, uint64_t *key)
{
	while (*pos < m->cap) {
		const struct idmap_slot *s = &m->slots[(*pos)++];

		if (s->key != 0) {
			if (key != NULL)
				*key = s->key;
			return s->val;
		}
	}
	return NULL;
}

void *
idmap_first(const struct idmap *m, uint64_t *key)
{
	size_t pos = 0;

	return idmap_next(m, &pos, key);
}

void
idmap_free(struct idmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}
