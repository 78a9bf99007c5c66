/*
 * API handlers for grants (create, list, show, extend, revoke), what a
 * grant allows (console URLs, power), vault rotation, health and
 * metrics.
 *
 * A grant's token is shown once, in the creation response; only its
 * SHA-256 is stored and compared in constant time (api.c). A console
 * URL carries a one-time ticket (console_ws.c), never the grant token.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "vcmd/api.h"
#include "vcmd/cidr.h"
#include "vcmd/query.h"
#include "vcmd/token.h"
#include "vcmd/vcmd.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	uint32_t	 bit;
	const char	*name;
} rights_names[] = {
	{ ST_RIGHT_CONSOLE_READ, "console-read" },
	{ ST_RIGHT_CONSOLE_WRITE, "console-write" },
	{ ST_RIGHT_POWER, "power" },
};

json_t *
grant_rights_json(uint32_t rights)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < ARRAY_LEN(rights_names); i++)
		if (rights & rights_names[i].bit)
			json_array_append_new(a,
			    json_string(rights_names[i].name));
	return a;
}

/* "console-read,power" -> bits; VCM_EINVAL for an unknown right. */
static int
rights_parse(const char *list, uint32_t *out)
{
	char buf[128], *p, *tok, *save = NULL;
	size_t i;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		for (i = 0; i < ARRAY_LEN(rights_names); i++)
			if (strcmp(tok, rights_names[i].name) == 0)
				break;
		if (i == ARRAY_LEN(rights_names))
			return VCM_EINVAL;
		*out |= rights_names[i].bit;
	}
	/* Writing to a console one cannot read makes no sense. */
	if (*out & ST_RIGHT_CONSOLE_WRITE)
		*out |= ST_RIGHT_CONSOLE_READ;
	return *out ? 0 : VCM_EINVAL;
}

static json_t *
grant_json(struct vcmd *d, const struct st_grant *g)
{
	json_t *o = json_object(), *src = json_array();
	struct vgrant *vg = grants_get(d, g->id);
	char buf[sizeof(g->sources)], *p, *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", g->sources);
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL)
		json_array_append_new(src, json_string(tok));
	json_object_set_new(o, "id", json_integer(g->id));
	json_object_set_new(o, "tenant_id", json_integer(g->tenant_id));
	json_object_set_new(o, "server_id", json_integer(g->server_id));
	json_object_set_new(o, "rights", grant_rights_json(g->rights));
	json_object_set_new(o, "not_before", api_time(g->not_before));
	json_object_set_new(o, "expires", api_time(g->expires));
	json_object_set_new(o, "sources", src);
	json_object_set_new(o, "created", api_time(g->created));
	json_object_set_new(o, "revoked", api_time(g->revoked));
	json_object_set_new(o, "state",
	    json_string(grant_state(g, vcmd_now_ms())));
	json_object_set_new(o, "connections",
	    json_integer(vg ? vg->nconns : 0));
	return o;
}

/* The grant in the path, if the caller may see it (404 otherwise). */
static int
grant_visible(struct api_ctx *c, struct st_grant *g)
{
	int rc = store_grant_get(c->d->st, c->ids[0], g);

	if (rc == 0 && c->who == API_WHO_GRANT && c->grant_id != g->id)
		rc = VCM_ENOTFOUND;
	if (rc == 0 && c->who != API_WHO_GRANT &&
	    !api_sees_tenant(c, g->tenant_id))
		rc = VCM_ENOTFOUND;
	if (rc != 0)
		api_store_error(c, rc, "grant");
	return rc;
}

/* Expiry from "expires_in" (seconds) or "expires" (time); the longest
 * the operator allows counts from max(now, not_before). */
static int
expiry_pick(struct api_ctx *c, int has_in, int64_t in_s, int has_at,
    int64_t at, int64_t from, int64_t *out)
{
	int64_t max_ms = (int64_t)c->d->cfg.grant_max_s * 1000;

	if (has_in && has_at) {
		api_error(c, 400, "bad_request",
		    "give expires_in or expires, not both");
		return -1;
	}
	if (has_in) {
		if (in_s <= 0 || in_s > (int64_t)c->d->cfg.grant_max_s) {
			api_error(c, 400, "bad_request",
			    "expires_in must be 1..%u seconds",
			    c->d->cfg.grant_max_s);
			return -1;
		}
		*out = from + in_s * 1000;
	} else if (has_at)
		*out = at;
	else
		*out = from + (int64_t)c->d->cfg.grant_default_s * 1000;
	if (*out <= vcmd_now_ms() || *out <= from) {
		api_error(c, 400, "bad_request", "expiry is in the past");
		return -1;
	}
	if (*out - from > max_ms) {
		api_error(c, 400, "bad_request",
		    "a grant may last at most %u seconds",
		    c->d->cfg.grant_max_s);
		return -1;
	}
	return 0;
}

void
api_grant_create(struct api_ctx *c)
{
	struct st_grant g;
	struct st_server s;
	char rights[128] = "", tok[VCM_TOKEN_STR_MAX + 1];
	struct cidr nets[VCM_GRANT_SOURCES_MAX];
	int64_t in_s = 0, at = 0, now = vcmd_now_ms(), id;
	int has_rights = 0, has_in = 0, has_at = 0, has_nb = 0, rc;
	const struct jsonin_field f[] = {
		{ "server_id", JSONIN_INT, 1, &g.server_id, 0, NULL },
		{ "rights", JSONIN_STRARR, 0, rights, sizeof(rights),
		    &has_rights },
		{ "expires_in", JSONIN_INT, 0, &in_s, 0, &has_in },
		{ "expires", JSONIN_TIME, 0, &at, 0, &has_at },
		{ "not_before", JSONIN_TIME, 0, &g.not_before, 0, &has_nb },
		{ "sources", JSONIN_STRARR, 0, g.sources, sizeof(g.sources),
		    NULL },
	};
	json_t *o;

	memset(&g, 0, sizeof(g));
	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	if ((rc = store_server_get(c->d->st, g.server_id, &s)) == 0 &&
	    !api_sees_tenant(c, s.tenant_id))
		rc = VCM_ENOTFOUND;
	if (rc != 0) {
		api_error(c, rc == VCM_ENOTFOUND ? 404 : 500,
		    rc == VCM_ENOTFOUND ? "not_found" : "internal",
		    "no such server");
		return;
	}
	if (has_rights ? rights_parse(rights, &g.rights) != 0 :
	    (g.rights = ST_RIGHTS_ALL, 0)) {
		api_error(c, 400, "bad_request",
		    "rights are console-read, console-write, power");
		return;
	}
	if (cidr_list_parse(g.sources, nets, ARRAY_LEN(nets)) < 0) {
		api_error(c, 400, "bad_request",
		    "sources must be at most %d networks (CIDR)",
		    VCM_GRANT_SOURCES_MAX);
		return;
	}
	if (!has_nb || g.not_before < now)
		g.not_before = has_nb ? g.not_before : 0;
	if (expiry_pick(c, has_in, in_s, has_at, at,
	    g.not_before > now ? g.not_before : now, &g.expires) != 0)
		return;
	g.tenant_id = s.tenant_id;
	g.created_by = c->who == API_WHO_GRANT ? 0 : c->key.id;
	if (token_new(TOKEN_GRANT, tok, sizeof(tok)) < 0) {
		api_error(c, 500, "internal", "no randomness");
		return;
	}
	token_hash(tok, g.token_hash);
	if ((id = store_grant_add(c->d->st, &g)) < 0) {
		vcm_wipe(tok, sizeof(tok));
		api_store_error(c, (int)id, "grant");
		return;
	}
	if ((rc = grants_arm(c->d, &g)) != 0)
		vcm_log(VCM_LOG_ERROR, "grant_arm_failed", "error",
		    vcm_strerror(rc), NULL);
	audit(c->d, c->actor, "grant.create", g.tenant_id, g.server_id, g.id,
	    s.bmc_id, "ok", rights[0] ? rights : "all");
	o = grant_json(c->d, &g);
	json_object_set_new(o, "token", json_string(tok));
	vcm_wipe(tok, sizeof(tok));
	api_json(c, 201, o);
}

struct gcollect {
	struct vcmd	*d;
	json_t		*items;
	int64_t		 last;
};

static int
collect_grant(void *arg, const struct st_grant *g)
{
	struct gcollect *k = arg;

	json_array_append_new(k->items, grant_json(k->d, g));
	k->last = g->id;
	return 0;
}

void
api_grant_list(struct api_ctx *c)
{
	struct gcollect k = { c->d, NULL, 0 };
	struct st_filter f;
	char state[16];
	unsigned int limit;
	int64_t after;
	int rc;

	memset(&f, 0, sizeof(f));
	if (api_query_id(c, "server_id", &f.server_id) < 0 ||
	    api_query_id(c, "tenant_id", &f.tenant_id) < 0 ||
	    api_page(c, &after, &limit) != 0)
		return;
	rc = query_get(c->rq->query, "state", state, sizeof(state));
	if (rc < 0 || (rc == 1 && strcmp(state, "live") != 0)) {
		api_error(c, 400, "bad_request", "state may only be \"live\"");
		return;
	}
	f.live_only = rc == 1;
	if (c->who == API_WHO_TENANT)
		f.tenant_id = c->tenant_id;
	k.items = json_array();
	if ((rc = store_grant_list(c->d->st, &f, after, limit, collect_grant,
	    &k)) < 0) {
		json_decref(k.items);
		api_store_error(c, rc, "grant");
		return;
	}
	api_list_reply(c, k.items, limit, k.last);
}

void
api_grant_get(struct api_ctx *c)
{
	struct st_grant g;

	if (grant_visible(c, &g) == 0)
		api_json(c, 200, grant_json(c->d, &g));
}

/* 0 if the grant has not ended; replies 410 otherwise. */
static int
grant_not_ended(struct api_ctx *c, const struct st_grant *g)
{
	const char *st = grant_state(g, vcmd_now_ms());

	if (strcmp(st, "expired") == 0 || strcmp(st, "revoked") == 0) {
		api_error(c, 410, "gone", "the grant has %s", st);
		return -1;
	}
	return 0;
}

void
api_grant_extend(struct api_ctx *c)
{
	struct st_grant g;
	struct vgrant *vg;
	int64_t in_s = 0, at = 0, now = vcmd_now_ms(), exp;
	int has_in = 0, has_at = 0, rc;
	const struct jsonin_field f[] = {
		{ "expires_in", JSONIN_INT, 0, &in_s, 0, &has_in },
		{ "expires", JSONIN_TIME, 0, &at, 0, &has_at },
	};

	if (grant_visible(c, &g) != 0 || grant_not_ended(c, &g) != 0)
		return;
	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	if (!has_in && !has_at) {
		api_error(c, 400, "bad_request",
		    "expires_in or expires is required");
		return;
	}
	if (expiry_pick(c, has_in, in_s, has_at, at,
	    g.not_before > now ? g.not_before : now, &exp) != 0)
		return;
	if ((rc = store_grant_set_expires(c->d->st, g.id, exp)) != 0) {
		api_store_error(c, rc, "grant");
		return;
	}
	g.expires = exp;
	if ((rc = grants_arm(c->d, &g)) != 0)
		vcm_log(VCM_LOG_ERROR, "grant_arm_failed", "error",
		    vcm_strerror(rc), NULL);
	if ((vg = grants_get(c->d, g.id)) != NULL)
		grants_extended(c->d, vg);
	audit(c->d, c->actor, "grant.extend", g.tenant_id, g.server_id, g.id,
	    0, "ok", NULL);
	api_json(c, 200, grant_json(c->d, &g));
}

void
api_grant_revoke(struct api_ctx *c)
{
	struct st_grant g;
	struct vgrant *vg;
	int rc;

	if (grant_visible(c, &g) != 0 || grant_not_ended(c, &g) != 0)
		return;
	g.revoked = vcmd_now_ms();
	if ((rc = store_grant_set_revoked(c->d->st, g.id, g.revoked)) != 0) {
		api_store_error(c, rc, "grant");
		return;
	}
	audit(c->d, c->actor, "grant.revoke", g.tenant_id, g.server_id, g.id,
	    0, "ok", NULL);
	if ((vg = grants_get(c->d, g.id)) != NULL) {
		vg->g.revoked = g.revoked;
		grants_end(c->d, vg, "revoked");
	}
	api_json(c, 200, grant_json(c->d, &g));
}

/*
 * What every use of a grant checks: it is active now, has the right,
 * and the caller's address is inside its networks. 0, or -1 after
 * replying.
 */
static int
grant_usable(struct api_ctx *c, const struct st_grant *g, uint32_t need)
{
	struct cidr nets[VCM_GRANT_SOURCES_MAX];
	const char *st = grant_state(g, vcmd_now_ms());
	int n;

	if (strcmp(st, "expired") == 0 || strcmp(st, "revoked") == 0) {
		api_error(c, 410, "gone", "the grant has %s", st);
		return -1;
	}
	if (strcmp(st, "pending") == 0) {
		api_error(c, 403, "forbidden", "the grant is not valid yet");
		return -1;
	}
	if ((g->rights & need) == 0) {
		api_error(c, 403, "forbidden",
		    "the grant does not allow this");
		return -1;
	}
	n = cidr_list_parse(g->sources, nets, ARRAY_LEN(nets));
	if (n < 0 || !cidr_list_match(nets, (size_t)n, c->rq->peer)) {
		audit(c->d, c->actor, "grant.source_refused", g->tenant_id,
		    g->server_id, g->id, 0, "refused", c->rq->peer);
		api_error(c, 403, "forbidden",
		    "this address may not use the grant");
		return -1;
	}
	return 0;
}

void
api_grant_console(struct api_ctx *c)
{
	struct st_grant g;
	char ticket[VCM_TOKEN_STR_MAX + 1], url[512];
	json_t *o;
	int rc;

	if (grant_visible(c, &g) != 0 ||
	    grant_usable(c, &g, ST_RIGHT_CONSOLE_READ) != 0)
		return;
	rc = console_ticket_new(c->d, g.id, c->rq->peer, ticket,
	    sizeof(ticket));
	if (rc != 0) {
		api_error(c, 503, "unavailable", "too many open tickets");
		return;
	}
	snprintf(url, sizeof(url), "%s/console/#ticket=%s",
	    c->d->cfg.public_url, ticket);
	audit(c->d, c->actor, "console.ticket", g.tenant_id, g.server_id,
	    g.id, 0, "ok", c->rq->peer);
	o = json_object();
	json_object_set_new(o, "url", json_string(url));
	json_object_set_new(o, "ticket", json_string(ticket));
	json_object_set_new(o, "expires_in", json_integer(VCM_TICKET_TTL_S));
	vcm_wipe(ticket, sizeof(ticket));
	vcm_wipe(url, sizeof(url));
	api_json(c, 201, o);
}

void
api_grant_power(struct api_ctx *c)
{
	struct st_grant g;
	struct st_server s;
	char action[24];
	const struct jsonin_field f[] = {
		{ "action", JSONIN_STR, 1, action, sizeof(action), NULL },
	};
	struct vbmc *v;
	uint32_t need;

	if (grant_visible(c, &g) != 0 || api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	/* Reading the power state is part of watching the console. */
	need = strcmp(action, "status") == 0 ?
	    ST_RIGHT_POWER | ST_RIGHT_CONSOLE_READ : ST_RIGHT_POWER;
	if (grant_usable(c, &g, need) != 0)
		return;
	if (store_server_get(c->d->st, g.server_id, &s) != 0 ||
	    (v = bmcs_get(c->d, s.bmc_id)) == NULL || v->eng_id == 0) {
		api_error(c, 503, "unavailable", "the BMC is not loaded");
		return;
	}
	bmcs_power(c->d, c->txn, v, action, g.id, g.tenant_id, g.server_id,
	    c->actor);
}

/* ---- vault rotation ------------------------------------------------------ */

struct idlist {
	int64_t		*ids;
	size_t		 n, cap;
};

static int
collect_id(void *arg, const struct st_bmc *b)
{
	struct idlist *l = arg;
	int64_t *p;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((p = realloc(l->ids, l->cap * sizeof(*p))) == NULL)
			return VCM_ENOMEM;
		l->ids = p;
	}
	l->ids[l->n++] = b->id;
	return 0;
}

/*
 * New key to <path>.new; every credential re-sealed in one transaction;
 * then <path> becomes <path>.old and <path>.new becomes <path>. A crash
 * at any point leaves every blob openable: vcmd loads all three files
 * and each blob names the key that sealed it.
 */
void
api_vault_rotate(struct api_ctx *c)
{
	struct vcmd *d = c->d;
	struct vault_key nk;
	struct idlist l = { NULL, 0, 0 };
	struct st_bmc b;
	uint8_t pw[VCM_IPMI_KEY_MAX + 1], kg[VCM_IPMI_KEY_MAX];
	size_t pwlen, kglen, i;
	char pnew[300], aad[32], msg[64];
	int64_t after = 0;
	int rc, n;
	json_t *o;

	memset(&b, 0, sizeof(b));
	snprintf(pnew, sizeof(pnew), "%s.new", d->cfg.vault_key);
	/* A .new left by a rotation that failed before its commit:
	 * nothing uses it yet, but the operator should look first. */
	if (access(pnew, F_OK) == 0) {
		api_error(c, 409, "conflict", "a previous rotation left %s; "
		    "remove it once checked", pnew);
		return;
	}
	do {
		size_t before = l.n;

		rc = store_bmc_list(d->st, NULL, after, VCM_PAGE_MAX,
		    collect_id, &l);
		if (rc < 0)
			goto fail_list;
		if (l.n == before)
			break;
		after = l.ids[l.n - 1];
	} while (l.n % VCM_PAGE_MAX == 0);
	if ((rc = vault_key_generate(&nk)) != 0 ||
	    (rc = vault_key_save(pnew, &nk)) != 0) {
		api_error(c, 500, "internal", "cannot write %s: %s", pnew,
		    vcm_strerror(rc));
		free(l.ids);
		return;
	}
	if ((rc = store_begin(d->st)) != 0)
		goto fail;
	for (i = 0; i < l.n; i++) {
		if ((rc = store_bmc_get(d->st, l.ids[i], &b)) != 0 ||
		    (rc = bmcs_open_cred(d, &b, pw, &pwlen, kg, &kglen)) != 0)
			goto fail_tx;
		snprintf(aad, sizeof(aad), "bmc:%lld", (long long)b.id);
		n = vault_seal_cred(&nk, aad, pw, pwlen, kg, kglen, b.cred,
		    sizeof(b.cred));
		vcm_wipe(pw, sizeof(pw));
		vcm_wipe(kg, sizeof(kg));
		if (n < 0) {
			rc = n;
			goto fail_tx;
		}
		b.cred_len = (uint16_t)n;
		b.cred_key_id = nk.id;
		if ((rc = store_bmc_update(d->st, &b)) != 0)
			goto fail_tx;
	}
	if ((rc = store_commit(d->st)) != 0)
		goto fail_tx;
	if ((rc = vault_key_promote(d->cfg.vault_key)) != 0)
		/* The store already uses the new key; <path>.new stays and
		 * is loaded at the next start. */
		vcm_log(VCM_LOG_ERROR, "vault_promote_failed", "error",
		    vcm_strerror(rc), NULL);
	vault_keyring_wipe(&d->keys);
	if ((rc = vault_keyring_load(&d->keys, d->cfg.vault_key)) != 0)
		vcm_log(VCM_LOG_ERROR, "vault_reload_failed", "error",
		    vcm_strerror(rc), NULL);
	vcm_wipe(&b, sizeof(b));
	snprintf(msg, sizeof(msg), "%zu credentials, key %08x", l.n, nk.id);
	audit(d, c->actor, "vault.rotate", 0, 0, 0, 0, "ok", msg);
	o = json_object();
	json_object_set_new(o, "rotated", json_integer((json_int_t)l.n));
	json_object_set_new(o, "key_id", json_integer(nk.id));
	vcm_wipe(&nk, sizeof(nk));
	free(l.ids);
	api_json(c, 200, o);
	return;
fail_tx:
	store_rollback(d->st);
fail:
	unlink(pnew);
	vcm_wipe(&nk, sizeof(nk));
	vcm_wipe(&b, sizeof(b));
	audit(d, c->actor, "vault.rotate", 0, 0, 0, 0, "error",
	    vcm_strerror(rc));
fail_list:
	free(l.ids);
	api_error(c, 500, "internal", "rotation failed: %s; nothing changed",
	    vcm_strerror(rc));
}

/* ---- health and metrics ---------------------------------------------------- */

void
api_health(struct api_ctx *c)
{
	api_json(c, 200, json_pack("{s:s,s:s}", "status", "ok", "version",
	    VCMD_VERSION));
}

/* A growing text buffer for the metrics page. */
struct mbuf {
	char	*p;
	size_t	 len, cap;
	int	 err;
};

static void __attribute__((format(printf, 2, 3)))
mprintf(struct mbuf *m, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *q;

	if (m->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(m->p ? m->p + m->len : NULL,
		    m->p ? m->cap - m->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			m->err = 1;
			return;
		}
		if (m->p && (size_t)n < m->cap - m->len) {
			m->len += (size_t)n;
			return;
		}
		m->cap = (m->cap ? m->cap * 2 : 4096) + (size_t)n;
		if ((q = realloc(m->p, m->cap)) == NULL) {
			m->err = 1;
			return;
		}
		m->p = q;
	}
}

void
api_metrics(struct api_ctx *c)
{
	struct vcmd *d = c->d;
	struct eng_counters ec;
	struct http_counters hc;
	struct mbuf m = { NULL, 0, 0, 0 };
	struct vbmc *v;
	size_t pos = 0;
	uint64_t conns = 0;
	struct vgrant *vg;

	eng_counters(d->eng, &ec);
	http_counters(d->http, &hc);
	while ((vg = idmap_next(&d->grants, &pos, NULL)) != NULL)
		conns += vg->nconns;
	mprintf(&m, "# TYPE vcm_api_requests_total counter\n"
	    "vcm_api_requests_total %llu\n", (unsigned long long)d->api_requests);
	mprintf(&m, "# TYPE vcm_api_errors_total counter\n"
	    "vcm_api_errors_total %llu\n", (unsigned long long)d->api_errors);
	mprintf(&m, "# TYPE vcm_api_rate_limited_total counter\n"
	    "vcm_api_rate_limited_total %llu\n",
	    (unsigned long long)d->api_limited);
	mprintf(&m, "# TYPE vcm_grants_live gauge\nvcm_grants_live %zu\n",
	    d->grants.len);
	mprintf(&m, "# TYPE vcm_grants_ended_total counter\n"
	    "vcm_grants_ended_total %llu\n",
	    (unsigned long long)d->grants_ended);
	mprintf(&m, "# TYPE vcm_console_connections gauge\n"
	    "vcm_console_connections %llu\n", (unsigned long long)conns);
	mprintf(&m, "# TYPE vcm_http_connections gauge\n"
	    "vcm_http_connections %u\n", hc.conns_now);
	mprintf(&m, "# TYPE vcm_http_rejected_total counter\n"
	    "vcm_http_rejected_total{reason=\"size\"} %llu\n"
	    "vcm_http_rejected_total{reason=\"connections\"} %llu\n"
	    "vcm_http_rejected_total{reason=\"timeout\"} %llu\n",
	    (unsigned long long)hc.rejected_size,
	    (unsigned long long)hc.rejected_conns,
	    (unsigned long long)hc.timeouts);
	mprintf(&m, "# TYPE vcm_ipmi_sessions gauge\nvcm_ipmi_sessions %u\n",
	    ec.sessions_now);
	mprintf(&m, "# TYPE vcm_ipmi_sessions_opened_total counter\n"
	    "vcm_ipmi_sessions_opened_total %llu\n"
	    "# TYPE vcm_ipmi_sessions_failed_total counter\n"
	    "vcm_ipmi_sessions_failed_total %llu\n"
	    "# TYPE vcm_ipmi_close_unconfirmed_total counter\n"
	    "vcm_ipmi_close_unconfirmed_total %llu\n",
	    (unsigned long long)ec.sessions_opened,
	    (unsigned long long)ec.sessions_failed,
	    (unsigned long long)ec.close_unconfirmed);
	mprintf(&m, "# TYPE vcm_bmc_reachable gauge\n"
	    "# TYPE vcm_bmc_sessions_in_use gauge\n"
	    "# TYPE vcm_bmc_console_live gauge\n");
	pos = 0;
	while ((v = idmap_next(&d->bmcs, &pos, NULL)) != NULL) {
		mprintf(&m, "vcm_bmc_reachable{bmc=\"%lld\",address=\"%s\"} "
		    "%d\n", (long long)v->id, v->addr,
		    v->reachable < 0 ? 0 : v->reachable);
		mprintf(&m, "vcm_bmc_sessions_in_use{bmc=\"%lld\"} %u\n",
		    (long long)v->id, bmcs_sessions_in_use(d, v));
		mprintf(&m, "vcm_bmc_console_live{bmc=\"%lld\"} %d\n",
		    (long long)v->id, eng_console_state(d->eng, v->eng_id) ==
		    ENG_CON_S_LIVE);
	}
	if (m.err) {
		free(m.p);
		api_error(c, 500, "internal", "out of memory");
		return;
	}
	http_reply(c->txn, 200, "text/plain; version=0.0.4", m.p, m.len,
	    NULL);
	free(m.p);
}
