/*
 * Live grants: one timer per grant that has not ended, and the console
 * connections under it.
 *
 * Expiry is a timer, not a poll: when it fires (or on revocation) every
 * connection under the grant is told and closed by the server at once,
 * its engine viewer detached (the engine then tears the SOL down with a
 * verified teardown once no other grant needs it), and each step is an
 * audit event. Extending a grant re-arms the timer and keeps the
 * connections.
 *
 * After a restart grants_load() re-arms every live grant from the store
 * and ends those that expired while vcmd was down.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcmd/vcmd.h"

const char *
grant_state(const struct st_grant *g, int64_t now)
{
	if (g->revoked)
		return "revoked";
	if (now >= g->expires)
		return "expired";
	if (g->not_before > now)
		return "pending";
	return "active";
}

struct vgrant *
grants_get(struct vcmd *d, int64_t id)
{
	return idmap_get(&d->grants, (uint64_t)id);
}

static void
grant_timer_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
grant_free(struct vcmd *d, struct vgrant *vg)
{
	idmap_del(&d->grants, (uint64_t)vg->g.id);
	uv_timer_stop(&vg->timer);
	vg->timer.data = vg;
	uv_close((uv_handle_t *)&vg->timer, grant_timer_closed);
}

static void
grant_fire(uv_timer_t *t)
{
	struct vgrant *vg = t->data;
	int64_t now = vcmd_now_ms();

	if (now < vg->g.expires) {
		/* Extended meanwhile, or the loop's clock ran ahead of the
		 * wall clock: wait for the rest. */
		uv_timer_start(&vg->timer, grant_fire,
		    (uint64_t)(vg->g.expires - now), 0);
		return;
	}
	grants_end(vg->d, vg, "expired");
}

int
grants_arm(struct vcmd *d, const struct st_grant *g)
{
	struct vgrant *vg = grants_get(d, g->id);
	int64_t now = vcmd_now_ms(), wait;
	int rc;

	if (vg == NULL) {
		if ((vg = calloc(1, sizeof(*vg))) == NULL)
			return VCM_ENOMEM;
		vg->d = d;
		if ((rc = uv_timer_init(d->loop, &vg->timer)) != 0) {
			free(vg);
			return VCM_EIO;
		}
		vg->timer.data = vg;
		if ((rc = idmap_put(&d->grants, (uint64_t)g->id, vg)) != 0) {
			uv_close((uv_handle_t *)&vg->timer, grant_timer_closed);
			return rc;
		}
	}
	vg->g = *g;
	wait = g->expires - now;
	uv_timer_start(&vg->timer, grant_fire, wait > 0 ? (uint64_t)wait : 0,
	    0);
	return 0;
}

void
grants_extended(struct vcmd *d, struct vgrant *vg)
{
	struct vconn *c;

	(void)d;
	for (c = vg->conns; c != NULL; c = c->next)
		console_conn_expiry(c);
}

void
grants_end(struct vcmd *d, struct vgrant *vg, const char *why)
{
	struct vconn *c;
	int revoked = strcmp(why, "revoked") == 0;
	int64_t now = vcmd_now_ms();
	char detail[64];
	uint32_t n = 0;

	if (vg->ending)
		return;
	vg->ending = 1;
	uv_timer_stop(&vg->timer);
	/* Each connection leaves the list as it ends. */
	while ((c = vg->conns) != NULL) {
		console_conn_end(c, revoked ? 4003 : 4001, why);
		n++;
	}
	snprintf(detail, sizeof(detail), "%s; %u connection%s closed", why,
	    n, n == 1 ? "" : "s");
	audit(d, "vcmd", revoked ? "grant.revoked" : "grant.expired",
	    vg->g.tenant_id, vg->g.server_id, vg->g.id, 0, "ok", detail);
	if (store_grant_set_ended(d->st, vg->g.id, now) != 0)
		vcm_log(VCM_LOG_ERROR, "grant_end_store_failed", "error",
		    store_errmsg(d->st), NULL);
	d->grants_ended++;
	grant_free(d, vg);
}

struct load {
	struct vcmd	*d;
	int64_t		 last;
	size_t		 n;
	int64_t		*ended;		/* grants to end after the scan */
	size_t		 nended, cap;
};

static int
load_one(void *arg, const struct st_grant *g)
{
	struct load *l = arg;
	int64_t *p;

	l->last = g->id;
	l->n++;
	if (!g->revoked && g->expires > vcmd_now_ms())
		return grants_arm(l->d, g);
	if (l->nended == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		if ((p = realloc(l->ended, l->cap * sizeof(*p))) == NULL)
			return VCM_ENOMEM;
		l->ended = p;
	}
	l->ended[l->nended++] = g->id;
	return 0;
}

int
grants_load(struct vcmd *d)
{
	struct st_filter f;
	struct load l;
	struct st_grant g;
	size_t before, i;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&l, 0, sizeof(l));
	f.live_only = 1;
	l.d = d;
	do {
		before = l.n;
		rc = store_grant_list(d->st, &f, l.last, VCM_PAGE_MAX,
		    load_one, &l);
		if (rc < 0)
			goto out;
	} while (l.n - before == VCM_PAGE_MAX);
	/* Those that ran out (or were revoked) while vcmd was down. */
	for (i = 0; i < l.nended; i++) {
		if (store_grant_get(d->st, l.ended[i], &g) != 0)
			continue;
		audit(d, "vcmd", g.revoked ? "grant.revoked" : "grant.expired",
		    g.tenant_id, g.server_id, g.id, 0, "ok",
		    "ended while vcmd was down");
		store_grant_set_ended(d->st, g.id, vcmd_now_ms());
		d->grants_ended++;
	}
	{
		char live[24], ended[24];

		snprintf(live, sizeof(live), "%zu", d->grants.len);
		snprintf(ended, sizeof(ended), "%zu", l.nended);
		vcm_log(VCM_LOG_INFO, "grants_loaded", "live", live,
		    "ended_while_down", ended, NULL);
	}
	rc = 0;
out:
	free(l.ended);
	return rc;
}

void
grants_free_all(struct vcmd *d)
{
	struct vgrant *vg;
	uint64_t k;

	while ((vg = idmap_first(&d->grants, &k)) != NULL)
		grant_free(d, vg);
	idmap_free(&d->grants);
}
