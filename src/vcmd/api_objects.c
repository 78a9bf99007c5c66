/*
 * API handlers for the inventory: sites, pools, tenants, BMCs, servers,
 * API keys, and the audit log. Grants, power and consoles are in
 * api_grants.c.
 *
 * BMC passwords and Kg arrive in a request body, are sealed by the
 * vault at once, wiped, and never leave vcmd again: no response, log
 * line or audit detail carries them.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "engine/engine.h"
#include "vcmd/api.h"
#include "vcmd/cidr.h"
#include "vcmd/token.h"
#include "vcmd/vcmd.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- JSON views ---------------------------------------------------------- */

static json_t *
site_json(const struct st_site *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "created", api_time(s->created));
	return o;
}

static json_t *
pool_json(const struct st_pool *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "site_id", json_integer(p->site_id));
	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "cidr", json_string(p->cidr));
	json_object_set_new(o, "created", api_time(p->created));
	return o;
}

static json_t *
tenant_json(const struct st_tenant *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "name", json_string(t->name));
	json_object_set_new(o, "created", api_time(t->created));
	return o;
}

static const char *
console_state_name(int s)
{
	static const char *const names[] = {
		[ENG_CON_S_IDLE] = "idle",
		[ENG_CON_S_WAITING] = "connecting",
		[ENG_CON_S_ACTIVATING] = "connecting",
		[ENG_CON_S_CHECKING] = "connecting",
		[ENG_CON_S_TAKING] = "connecting",
		[ENG_CON_S_LIVE] = "live",
		[ENG_CON_S_REFUSED] = "refused",
		[ENG_CON_S_DEACTIVATING] = "closing",
		[ENG_CON_S_VERIFYING] = "closing",
	};

	if (s < 0 || (size_t)s >= ARRAY_LEN(names) || names[s] == NULL)
		return "unknown";
	return names[s];
}

json_t *
bmc_json(struct vcmd *d, const struct st_bmc *b)
{
	json_t *o = json_object(), *h = json_object();
	struct vbmc *v = bmcs_get(d, b->id);

	json_object_set_new(o, "id", json_integer(b->id));
	json_object_set_new(o, "name", json_string(b->name));
	json_object_set_new(o, "address", json_string(b->addr));
	json_object_set_new(o, "port", json_integer(b->port));
	json_object_set_new(o, "user", json_string(b->user));
	json_object_set_new(o, "site_id", api_id(b->site_id));
	json_object_set_new(o, "pool_id", api_id(b->pool_id));
	json_object_set_new(o, "vendor", json_string(b->vendor));
	json_object_set_new(o, "max_sessions", json_integer(b->max_sessions));
	json_object_set_new(o, "quirks", json_string(b->quirks));
	json_object_set_new(o, "created", api_time(b->created));
	if (v == NULL || v->reachable < 0)
		json_object_set_new(h, "reachable", json_null());
	else
		json_object_set_new(h, "reachable",
		    json_boolean(v->reachable));
	json_object_set_new(h, "sessions_in_use", json_integer(v ?
	    (json_int_t)bmcs_sessions_in_use(d, v) : 0));
	json_object_set_new(h, "console", json_string(v ?
	    console_state_name(eng_console_state(d->eng, v->eng_id)) :
	    "idle"));
	json_object_set_new(h, "last_error", v && v->last_error[0] ?
	    json_string(v->last_error) : json_null());
	json_object_set_new(h, "last_ok", api_time(v ? v->last_ok : 0));
	json_object_set_new(o, "health", h);
	return o;
}

static json_t *
server_json(const struct st_server *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "tenant_id", json_integer(s->tenant_id));
	json_object_set_new(o, "bmc_id", json_integer(s->bmc_id));
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "cols", json_integer(s->cols));
	json_object_set_new(o, "rows", json_integer(s->rows));
	json_object_set_new(o, "created", api_time(s->created));
	return o;
}

static json_t *
key_json(const struct st_apikey *k)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(k->id));
	json_object_set_new(o, "name", json_string(k->name));
	json_object_set_new(o, "tenant_id", api_id(k->tenant_id));
	json_object_set_new(o, "role",
	    json_string(k->tenant_id ? "tenant" : "operator"));
	json_object_set_new(o, "created", api_time(k->created));
	json_object_set_new(o, "revoked", api_time(k->revoked));
	return o;
}

static json_t *
audit_json(const struct st_audit *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "time", api_time(a->time));
	json_object_set_new(o, "actor", json_string(a->actor));
	json_object_set_new(o, "action", json_string(a->action));
	json_object_set_new(o, "tenant_id", api_id(a->tenant_id));
	json_object_set_new(o, "server_id", api_id(a->server_id));
	json_object_set_new(o, "grant_id", api_id(a->grant_id));
	json_object_set_new(o, "bmc_id", api_id(a->bmc_id));
	json_object_set_new(o, "outcome", json_string(a->outcome));
	json_object_set_new(o, "detail", json_string(a->detail));
	return o;
}

/* ---- lists: one collector for every kind -------------------------------- */

struct collect {
	struct vcmd	*d;
	json_t		*items;
	int64_t		 last;
};

#define COLLECTOR(kind, type, view)					\
static int								\
collect_##kind(void *arg, const type *x)				\
{									\
	struct collect *k = arg;					\
									\
	json_array_append_new(k->items, view);				\
	k->last = x->id;						\
	return 0;							\
}
COLLECTOR(site, struct st_site, site_json(x))
COLLECTOR(pool, struct st_pool, pool_json(x))
COLLECTOR(tenant, struct st_tenant, tenant_json(x))
COLLECTOR(bmc, struct st_bmc, bmc_json(k->d, x))
COLLECTOR(server, struct st_server, server_json(x))
COLLECTOR(key, struct st_apikey, key_json(x))
COLLECTOR(audit, struct st_audit, audit_json(x))

/* Runs one store list call and replies. */
#define LIST_REPLY(c, fn, filter, kind) do {				\
	struct collect k = { (c)->d, json_array(), 0 };			\
	unsigned int limit;						\
	int64_t after;							\
	int rc;								\
									\
	if (api_page((c), &after, &limit) != 0) {			\
		json_decref(k.items);					\
		return;							\
	}								\
	rc = fn((c)->d->st, (filter), after, limit, collect_##kind, &k); \
	if (rc < 0) {							\
		json_decref(k.items);					\
		api_store_error((c), rc, #kind);			\
		return;							\
	}								\
	api_list_reply((c), k.items, limit, k.last);			\
} while (0)

/* ---- sites, pools, tenants ------------------------------------------------- */

void
api_site_create(struct api_ctx *c)
{
	struct st_site s;
	const struct jsonin_field f[] = {
		{ "name", JSONIN_STR, 1, s.name, sizeof(s.name), NULL },
	};
	int64_t id;

	memset(&s, 0, sizeof(s));
	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	if ((id = store_site_add(c->d->st, &s)) < 0) {
		api_store_error(c, (int)id, "site");
		return;
	}
	audit(c->d, c->actor, "site.create", 0, 0, 0, 0, "ok", s.name);
	api_json(c, 201, site_json(&s));
}

void
api_site_list(struct api_ctx *c)
{
	LIST_REPLY(c, store_site_list, NULL, site);
}

void
api_site_get(struct api_ctx *c)
{
	struct st_site s;
	int rc = store_site_get(c->d->st, c->ids[0], &s);

	if (rc != 0)
		api_store_error(c, rc, "site");
	else
		api_json(c, 200, site_json(&s));
}

void
api_site_delete(struct api_ctx *c)
{
	int rc = store_site_del(c->d->st, c->ids[0]);

	if (rc != 0) {
		api_store_error(c, rc, "site");
		return;
	}
	audit(c->d, c->actor, "site.delete", 0, 0, 0, 0, "ok", NULL);
	http_reply(c->txn, 204, "application/json", "", 0, NULL);
}

void
api_pool_create(struct api_ctx *c)
{
	struct st_pool p;
	struct cidr net;
	struct st_site s;
	const struct jsonin_field f[] = {
		{ "site_id", JSONIN_INT, 1, &p.site_id, 0, NULL },
		{ "name", JSONIN_STR, 1, p.name, sizeof(p.name), NULL },
		{ "cidr", JSONIN_STR, 1, p.cidr, sizeof(p.cidr), NULL },
	};
	int64_t id;

	memset(&p, 0, sizeof(p));
	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	if (cidr_parse(p.cidr, &net) != 0) {
		api_error(c, 400, "bad_request", "cidr is not a network");
		return;
	}
	if (store_site_get(c->d->st, p.site_id, &s) != 0) {
		api_error(c, 400, "bad_request", "no such site");
		return;
	}
	if ((id = store_pool_add(c->d->st, &p)) < 0) {
		api_store_error(c, (int)id, "pool");
		return;
	}
	audit(c->d, c->actor, "pool.create", 0, 0, 0, 0, "ok", p.cidr);
	api_json(c, 201, pool_json(&p));
}

void
api_pool_list(struct api_ctx *c)
{
	struct st_filter f;

	memset(&f, 0, sizeof(f));
	if (api_query_id(c, "site_id", &f.site_id) < 0)
		return;
	LIST_REPLY(c, store_pool_list, &f, pool);
}

void
api_pool_get(struct api_ctx *c)
{
	struct st_pool p;
	int rc = store_pool_get(c->d->st, c->ids[0], &p);

	if (rc != 0)
		api_store_error(c, rc, "pool");
	else
		api_json(c, 200, pool_json(&p));
}

void
api_pool_delete(struct api_ctx *c)
{
	int rc = store_pool_del(c->d->st, c->ids[0]);

	if (rc != 0) {
		api_store_error(c, rc, "pool");
		return;
	}
	audit(c->d, c->actor, "pool.delete", 0, 0, 0, 0, "ok", NULL);
	http_reply(c->txn, 204, "application/json", "", 0, NULL);
}

void
api_tenant_create(struct api_ctx *c)
{
	struct st_tenant t;
	const struct jsonin_field f[] = {
		{ "name", JSONIN_STR, 1, t.name, sizeof(t.name), NULL },
	};
	int64_t id;

	memset(&t, 0, sizeof(t));
	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	if ((id = store_tenant_add(c->d->st, &t)) < 0) {
		api_store_error(c, (int)id, "tenant");
		return;
	}
	audit(c->d, c->actor, "tenant.create", id, 0, 0, 0, "ok", t.name);
	api_json(c, 201, tenant_json(&t));
}

void
api_tenant_list(struct api_ctx *c)
{
	LIST_REPLY(c, store_tenant_list, NULL, tenant);
}

void
api_tenant_get(struct api_ctx *c)
{
	struct st_tenant t;
	int rc = store_tenant_get(c->d->st, c->ids[0], &t);

	if (rc != 0)
		api_store_error(c, rc, "tenant");
	else
		api_json(c, 200, tenant_json(&t));
}

void
api_tenant_delete(struct api_ctx *c)
{
	int rc = store_tenant_del(c->d->st, c->ids[0]);

	if (rc != 0) {
		api_store_error(c, rc, "tenant");
		return;
	}
	audit(c->d, c->actor, "tenant.delete", c->ids[0], 0, 0, 0, "ok", NULL);
	http_reply(c->txn, 204, "application/json", "", 0, NULL);
}

/* ---- BMCs ---------------------------------------------------------------- */

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
hex_decode(const char *hex, uint8_t *out, size_t outsz, size_t *len)
{
	size_t n = strlen(hex), i;
	int hi, lo;

	if (n % 2 != 0 || n / 2 > outsz)
		return VCM_EINVAL;
	for (i = 0; i < n / 2; i++) {
		if ((hi = hex_nibble(hex[2 * i])) < 0 ||
		    (lo = hex_nibble(hex[2 * i + 1])) < 0)
			return VCM_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

/* The fields of POST and PATCH /v1/bmcs, secrets kept apart. */
struct bmc_in {
	struct st_bmc	 b;
	int64_t		 port, max_sessions;
	char		 password[VCM_IPMI_KEY_MAX + 1];
	char		 kg_hex[2 * VCM_IPMI_KEY_MAX + 1];
	int		 has_name, has_addr, has_port, has_user, has_pw;
	int		 has_kg, has_site, has_pool, has_vendor, has_max;
	int		 has_quirks;
};

static int
bmc_read(struct api_ctx *c, struct bmc_in *in, int create)
{
	struct st_bmc *b = &in->b;
	const struct jsonin_field f[] = {
		{ "name", JSONIN_STR, create, b->name, sizeof(b->name),
		    &in->has_name },
		{ "address", JSONIN_STR, create, b->addr, sizeof(b->addr),
		    &in->has_addr },
		{ "port", JSONIN_INT, 0, &in->port, 0, &in->has_port },
		{ "user", JSONIN_STR, create, b->user, sizeof(b->user),
		    &in->has_user },
		{ "password", JSONIN_STR, create, in->password,
		    sizeof(in->password), &in->has_pw },
		{ "kg", JSONIN_STR, 0, in->kg_hex, sizeof(in->kg_hex),
		    &in->has_kg },
		/* null clears them (PATCH). */
		{ "site_id", JSONIN_INT | JSONIN_NULL_OK, 0, &b->site_id, 0,
		    &in->has_site },
		{ "pool_id", JSONIN_INT | JSONIN_NULL_OK, 0, &b->pool_id, 0,
		    &in->has_pool },
		{ "vendor", JSONIN_STR, 0, b->vendor, sizeof(b->vendor),
		    &in->has_vendor },
		{ "max_sessions", JSONIN_INT, 0, &in->max_sessions, 0,
		    &in->has_max },
		{ "quirks", JSONIN_STR, 0, b->quirks, sizeof(b->quirks),
		    &in->has_quirks },
	};
	struct in_addr ia;

	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return -1;
	if (in->has_addr && inet_pton(AF_INET, b->addr, &ia) != 1) {
		api_error(c, 400, "bad_request",
		    "address must be an IPv4 address");
		return -1;
	}
	if (in->has_port && (in->port < 1 || in->port > 65535)) {
		api_error(c, 400, "bad_request", "port must be 1..65535");
		return -1;
	}
	if (in->has_max && (in->max_sessions < 0 ||
	    in->max_sessions > VCM_BMC_SESSIONS_MAX)) {
		api_error(c, 400, "bad_request", "max_sessions must be 0..%d",
		    VCM_BMC_SESSIONS_MAX);
		return -1;
	}
	if (in->has_name && b->name[0] == '\0') {
		api_error(c, 400, "bad_request", "name must not be empty");
		return -1;
	}
	return 0;
}

/* Checks references: site, pool, and the address inside the pool. */
static int
bmc_check_refs(struct api_ctx *c, const struct st_bmc *b)
{
	struct st_site s;
	struct st_pool p;
	struct cidr net;

	if (b->site_id && store_site_get(c->d->st, b->site_id, &s) != 0) {
		api_error(c, 400, "bad_request", "no such site");
		return -1;
	}
	if (b->pool_id == 0)
		return 0;
	if (store_pool_get(c->d->st, b->pool_id, &p) != 0) {
		api_error(c, 400, "bad_request", "no such pool");
		return -1;
	}
	if (cidr_parse(p.cidr, &net) != 0 || !cidr_match(&net, b->addr)) {
		api_error(c, 400, "bad_request",
		    "address %s is not in pool %s (%s)", b->addr, p.name,
		    p.cidr);
		return -1;
	}
	return 0;
}

/* Seals the password and Kg into b->cred, bound to the BMC's id. */
static int
bmc_seal(struct vcmd *d, struct st_bmc *b, const char *pw, const uint8_t *kg,
    size_t kglen)
{
	char aad[32];
	int n;

	snprintf(aad, sizeof(aad), "bmc:%lld", (long long)b->id);
	n = vault_seal_cred(&d->keys.keys[0], aad, (const uint8_t *)pw, strlen(pw),
	    kg, kglen, b->cred, sizeof(b->cred));
	if (n < 0)
		return n;
	b->cred_len = (uint16_t)n;
	b->cred_key_id = d->keys.keys[0].id;
	return 0;
}

static void
bmc_in_wipe(struct bmc_in *in)
{
	vcm_wipe(in->password, sizeof(in->password));
	vcm_wipe(in->kg_hex, sizeof(in->kg_hex));
}

void
api_bmc_create(struct api_ctx *c)
{
	struct bmc_in in;
	struct st_bmc *b = &in.b;
	uint8_t kg[VCM_IPMI_KEY_MAX];
	size_t kglen = 0;
	int64_t id;
	int rc;

	memset(&in, 0, sizeof(in));
	if (bmc_read(c, &in, 1) != 0)
		goto out;
	if (in.has_kg && hex_decode(in.kg_hex, kg, sizeof(kg), &kglen) != 0) {
		api_error(c, 400, "bad_request",
		    "kg must be hex, at most %d bytes", VCM_IPMI_KEY_MAX);
		goto out;
	}
	b->port = in.has_port ? (uint16_t)in.port : 623;
	b->max_sessions = (uint8_t)in.max_sessions;
	if (bmc_check_refs(c, b) != 0)
		goto out;
	if ((rc = store_begin(c->d->st)) != 0) {
		api_store_error(c, rc, "bmc");
		goto out;
	}
	if ((id = store_bmc_add(c->d->st, b)) < 0) {
		store_rollback(c->d->st);
		api_store_error(c, (int)id, "bmc");
		goto out;
	}
	if ((rc = bmc_seal(c->d, b, in.password, kg, kglen)) != 0 ||
	    (rc = store_bmc_update(c->d->st, b)) != 0 ||
	    (rc = store_commit(c->d->st)) != 0) {
		store_rollback(c->d->st);
		api_store_error(c, rc, "bmc");
		goto out;
	}
	if ((rc = bmcs_sync(c->d, b->id)) != 0)
		vcm_log(VCM_LOG_WARN, "bmc_engine_add_failed", "bmc", b->name,
		    "error", vcm_strerror(rc), NULL);
	audit(c->d, c->actor, "bmc.create", 0, 0, 0, b->id, "ok", b->addr);
	api_json(c, 201, bmc_json(c->d, b));
out:
	vcm_wipe(kg, sizeof(kg));
	bmc_in_wipe(&in);
}

void
api_bmc_list(struct api_ctx *c)
{
	struct st_filter f;

	memset(&f, 0, sizeof(f));
	if (api_query_id(c, "site_id", &f.site_id) < 0)
		return;
	LIST_REPLY(c, store_bmc_list, &f, bmc);
}

void
api_bmc_get(struct api_ctx *c)
{
	struct st_bmc b;
	int rc = store_bmc_get(c->d->st, c->ids[0], &b);

	if (rc != 0)
		api_store_error(c, rc, "bmc");
	else
		api_json(c, 200, bmc_json(c->d, &b));
	vcm_wipe(&b, sizeof(b));
}

void
api_bmc_patch(struct api_ctx *c)
{
	struct bmc_in in;
	struct st_bmc cur;
	uint8_t kg[VCM_IPMI_KEY_MAX], okg[VCM_IPMI_KEY_MAX];
	uint8_t opw[VCM_IPMI_KEY_MAX + 1];
	size_t kglen = 0, okglen = 0, opwlen = 0;
	char aad[32];
	int rc;

	memset(&in, 0, sizeof(in));
	memset(opw, 0, sizeof(opw));
	if ((rc = store_bmc_get(c->d->st, c->ids[0], &cur)) != 0) {
		api_store_error(c, rc, "bmc");
		goto out;
	}
	if (bmc_read(c, &in, 0) != 0)
		goto out;
	if (in.has_kg && hex_decode(in.kg_hex, kg, sizeof(kg), &kglen) != 0) {
		api_error(c, 400, "bad_request",
		    "kg must be hex, at most %d bytes", VCM_IPMI_KEY_MAX);
		goto out;
	}
	if (in.has_name)
		memcpy(cur.name, in.b.name, sizeof(cur.name));
	if (in.has_addr)
		memcpy(cur.addr, in.b.addr, sizeof(cur.addr));
	if (in.has_port)
		cur.port = (uint16_t)in.port;
	if (in.has_user)
		memcpy(cur.user, in.b.user, sizeof(cur.user));
	if (in.has_site)
		cur.site_id = in.b.site_id;
	if (in.has_pool)
		cur.pool_id = in.b.pool_id;
	if (in.has_vendor)
		memcpy(cur.vendor, in.b.vendor, sizeof(cur.vendor));
	if (in.has_max)
		cur.max_sessions = (uint8_t)in.max_sessions;
	if (in.has_quirks)
		memcpy(cur.quirks, in.b.quirks, sizeof(cur.quirks));
	if (bmc_check_refs(c, &cur) != 0)
		goto out;
	if (in.has_pw || in.has_kg) {
		/* Keep whichever secret was not given. */
		snprintf(aad, sizeof(aad), "bmc:%lld", (long long)cur.id);
		rc = bmcs_open_cred(c->d, &cur, opw, &opwlen, okg, &okglen);
		if (rc != 0) {
			api_error(c, 500, "internal",
			    "stored credentials cannot be opened");
			goto out;
		}
		if (in.has_pw) {
			memset(opw, 0, sizeof(opw));
			snprintf((char *)opw, sizeof(opw), "%s", in.password);
		}
		if (!in.has_kg) {
			memcpy(kg, okg, okglen);
			kglen = okglen;
		}
		if ((rc = bmc_seal(c->d, &cur, (const char *)opw, kg,
		    kglen)) != 0) {
			api_error(c, 500, "internal", "sealing failed");
			goto out;
		}
	}
	if ((rc = store_bmc_update(c->d->st, &cur)) != 0) {
		api_store_error(c, rc, "bmc");
		goto out;
	}
	if ((rc = bmcs_sync(c->d, cur.id)) != 0)
		vcm_log(VCM_LOG_WARN, "bmc_engine_add_failed", "bmc", cur.name,
		    "error", vcm_strerror(rc), NULL);
	audit(c->d, c->actor, "bmc.update", 0, 0, 0, cur.id, "ok",
	    in.has_pw || in.has_kg ? "credentials changed" : NULL);
	api_json(c, 200, bmc_json(c->d, &cur));
out:
	vcm_wipe(kg, sizeof(kg));
	vcm_wipe(okg, sizeof(okg));
	vcm_wipe(opw, sizeof(opw));
	vcm_wipe(&cur, sizeof(cur));
	bmc_in_wipe(&in);
}

void
api_bmc_delete(struct api_ctx *c)
{
	int rc = store_bmc_del(c->d->st, c->ids[0]);

	if (rc != 0) {
		api_store_error(c, rc, "bmc");
		return;
	}
	bmcs_forget(c->d, c->ids[0]);
	audit(c->d, c->actor, "bmc.delete", 0, 0, 0, c->ids[0], "ok", NULL);
	http_reply(c->txn, 204, "application/json", "", 0, NULL);
}

/* ---- servers ---------------------------------------------------------------- */

void
api_server_create(struct api_ctx *c)
{
	struct st_server s;
	struct st_tenant t;
	struct st_bmc b;
	int64_t cols = 80, rows = 25, id;
	const struct jsonin_field f[] = {
		{ "tenant_id", JSONIN_INT, 1, &s.tenant_id, 0, NULL },
		{ "bmc_id", JSONIN_INT, 1, &s.bmc_id, 0, NULL },
		{ "name", JSONIN_STR, 1, s.name, sizeof(s.name), NULL },
		{ "cols", JSONIN_INT, 0, &cols, 0, NULL },
		{ "rows", JSONIN_INT, 0, &rows, 0, NULL },
	};

	memset(&s, 0, sizeof(s));
	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	if (cols < VCM_CONSOLE_COLS_MIN || cols > VCM_CONSOLE_COLS_MAX ||
	    rows < VCM_CONSOLE_ROWS_MIN || rows > VCM_CONSOLE_ROWS_MAX) {
		api_error(c, 400, "bad_request",
		    "console size must be %dx%d..%dx%d", VCM_CONSOLE_COLS_MIN,
		    VCM_CONSOLE_ROWS_MIN, VCM_CONSOLE_COLS_MAX,
		    VCM_CONSOLE_ROWS_MAX);
		return;
	}
	s.cols = (uint16_t)cols;
	s.rows = (uint16_t)rows;
	if (store_tenant_get(c->d->st, s.tenant_id, &t) != 0) {
		api_error(c, 400, "bad_request", "no such tenant");
		return;
	}
	if (store_bmc_get(c->d->st, s.bmc_id, &b) != 0) {
		api_error(c, 400, "bad_request", "no such bmc");
		return;
	}
	vcm_wipe(&b, sizeof(b));
	if ((id = store_server_add(c->d->st, &s)) < 0) {
		api_store_error(c, (int)id, "server");
		return;
	}
	audit(c->d, c->actor, "server.create", s.tenant_id, id, 0, s.bmc_id,
	    "ok", s.name);
	api_json(c, 201, server_json(&s));
}

void
api_server_list(struct api_ctx *c)
{
	struct st_filter f;

	memset(&f, 0, sizeof(f));
	if (api_query_id(c, "tenant_id", &f.tenant_id) < 0)
		return;
	if (c->who == API_WHO_TENANT)
		f.tenant_id = c->tenant_id;
	LIST_REPLY(c, store_server_list, &f, server);
}

/* The server in the path, if the caller may see it (404 otherwise). */
static int
server_visible(struct api_ctx *c, struct st_server *s)
{
	int rc = store_server_get(c->d->st, c->ids[0], s);

	if (rc == 0 && !api_sees_tenant(c, s->tenant_id))
		rc = VCM_ENOTFOUND;
	if (rc != 0)
		api_store_error(c, rc, "server");
	return rc;
}

void
api_server_get(struct api_ctx *c)
{
	struct st_server s;

	if (server_visible(c, &s) == 0)
		api_json(c, 200, server_json(&s));
}

static int
server_has_live_grant(struct vcmd *d, int64_t server_id)
{
	struct vgrant *vg;
	size_t pos = 0;

	/* Live grants are exactly those with a timer in d->grants. */
	while ((vg = idmap_next(&d->grants, &pos, NULL)) != NULL)
		if (vg->g.server_id == server_id && !vg->ending)
			return 1;
	return 0;
}

void
api_server_delete(struct api_ctx *c)
{
	struct st_server s;
	int rc;

	if (server_visible(c, &s) != 0)
		return;
	if (server_has_live_grant(c->d, s.id)) {
		api_error(c, 409, "conflict",
		    "the server has a live grant: revoke it first");
		return;
	}
	if ((rc = store_server_del(c->d->st, s.id)) != 0) {
		api_store_error(c, rc, "server");
		return;
	}
	audit(c->d, c->actor, "server.delete", s.tenant_id, s.id, 0, s.bmc_id,
	    "ok", NULL);
	http_reply(c->txn, 204, "application/json", "", 0, NULL);
}

void
api_server_power(struct api_ctx *c)
{
	struct st_server s;
	char action[24];
	const struct jsonin_field f[] = {
		{ "action", JSONIN_STR, 1, action, sizeof(action), NULL },
	};
	struct vbmc *v;

	if (server_visible(c, &s) != 0)
		return;
	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	if ((v = bmcs_get(c->d, s.bmc_id)) == NULL || v->eng_id == 0) {
		api_error(c, 503, "unavailable", "the BMC is not loaded");
		return;
	}
	bmcs_power(c->d, c->txn, v, action, 0, s.tenant_id, s.id, c->actor);
}

/* ---- API keys ---------------------------------------------------------------- */

void
api_key_create(struct api_ctx *c)
{
	struct st_apikey k;
	struct st_tenant t;
	char tok[VCM_TOKEN_STR_MAX + 1];
	const struct jsonin_field f[] = {
		{ "name", JSONIN_STR, 1, k.name, sizeof(k.name), NULL },
		{ "tenant_id", JSONIN_INT, 0, &k.tenant_id, 0, NULL },
	};
	json_t *o;
	int64_t id;
	int rc;

	memset(&k, 0, sizeof(k));
	if (api_fields(c, f, ARRAY_LEN(f)) != 0)
		return;
	if (k.tenant_id != 0 &&
	    store_tenant_get(c->d->st, k.tenant_id, &t) != 0) {
		api_error(c, 400, "bad_request", "no such tenant");
		return;
	}
	if ((rc = token_new(TOKEN_API, tok, sizeof(tok))) < 0) {
		api_error(c, 500, "internal", "no randomness");
		return;
	}
	token_hash(tok, k.hash);
	if ((id = store_apikey_add(c->d->st, &k)) < 0) {
		vcm_wipe(tok, sizeof(tok));
		api_store_error(c, (int)id, "key");
		return;
	}
	audit(c->d, c->actor, "key.create", k.tenant_id, 0, 0, 0, "ok", k.name);
	o = key_json(&k);
	json_object_set_new(o, "token", json_string(tok));
	vcm_wipe(tok, sizeof(tok));
	api_json(c, 201, o);
}

void
api_key_list(struct api_ctx *c)
{
	struct st_filter f;

	memset(&f, 0, sizeof(f));
	if (api_query_id(c, "tenant_id", &f.tenant_id) < 0)
		return;
	LIST_REPLY(c, store_apikey_list, &f, key);
}

void
api_key_delete(struct api_ctx *c)
{
	int rc = store_apikey_revoke(c->d->st, c->ids[0], vcmd_now_ms());

	if (rc != 0) {
		api_store_error(c, rc, "key");
		return;
	}
	audit(c->d, c->actor, "key.revoke", 0, 0, 0, 0, "ok", NULL);
	http_reply(c->txn, 204, "application/json", "", 0, NULL);
}

/* ---- audit ------------------------------------------------------------------ */

void
api_audit_list(struct api_ctx *c)
{
	struct st_filter f;

	memset(&f, 0, sizeof(f));
	if (api_query_id(c, "tenant_id", &f.tenant_id) < 0 ||
	    api_query_id(c, "server_id", &f.server_id) < 0 ||
	    api_query_id(c, "grant_id", &f.grant_id) < 0 ||
	    api_query_id(c, "bmc_id", &f.bmc_id) < 0 ||
	    api_query_time(c, "since", &f.since) < 0 ||
	    api_query_time(c, "until", &f.until) < 0)
		return;
	if (c->who == API_WHO_TENANT)
		f.tenant_id = c->tenant_id;
	LIST_REPLY(c, store_audit_list, &f, audit);
}
