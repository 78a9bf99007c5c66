/*
 * The REST API: one route table, authentication, rate limits, and the
 * reply helpers every handler uses.
 *
 * Order of checks for a request, each cheap before the next:
 *	route (404/405) -> rate limit by source for anything without a
 *	valid key -> token format -> key or grant lookup (401) -> rate
 *	limit by key (429) -> scope (403) -> content type (415) -> body
 *	JSON, depth first (400) -> handler.
 * Unknown and revoked keys get the same 401 as malformed ones; objects
 * of another tenant are 404, never 403, so they cannot be probed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "vcmd/api.h"
#include "vcmd/query.h"
#include "vcmd/recording.h"
#include "vcmd/timefmt.h"
#include "vcmd/token.h"
#include "vcmd/vcmd.h"

struct route {
	enum http_method m;
	const char	*pattern;
	enum api_auth	 auth;
	api_handler	*fn;
};

static const struct route routes[] = {
	{ HTTP_M_GET, "/v1/health", API_AUTH_NONE, api_health },
	{ HTTP_M_GET, "/metrics", API_AUTH_OPERATOR, api_metrics },
	{ HTTP_M_POST, "/v1/sites", API_AUTH_OPERATOR, api_site_create },
	{ HTTP_M_GET, "/v1/sites", API_AUTH_OPERATOR, api_site_list },
	{ HTTP_M_GET, "/v1/sites/{id}", API_AUTH_OPERATOR, api_site_get },
	{ HTTP_M_DELETE, "/v1/sites/{id}", API_AUTH_OPERATOR, api_site_delete },
	{ HTTP_M_POST, "/v1/pools", API_AUTH_OPERATOR, api_pool_create },
	{ HTTP_M_GET, "/v1/pools", API_AUTH_OPERATOR, api_pool_list },
	{ HTTP_M_GET, "/v1/pools/{id}", API_AUTH_OPERATOR, api_pool_get },
	{ HTTP_M_DELETE, "/v1/pools/{id}", API_AUTH_OPERATOR, api_pool_delete },
	{ HTTP_M_POST, "/v1/tenants", API_AUTH_OPERATOR, api_tenant_create },
	{ HTTP_M_GET, "/v1/tenants", API_AUTH_OPERATOR, api_tenant_list },
	{ HTTP_M_GET, "/v1/tenants/{id}", API_AUTH_OPERATOR, api_tenant_get },
	{ HTTP_M_DELETE, "/v1/tenants/{id}", API_AUTH_OPERATOR,
	    api_tenant_delete },
	{ HTTP_M_POST, "/v1/bmcs", API_AUTH_OPERATOR, api_bmc_create },
	{ HTTP_M_GET, "/v1/bmcs", API_AUTH_OPERATOR, api_bmc_list },
	{ HTTP_M_GET, "/v1/bmcs/{id}", API_AUTH_OPERATOR, api_bmc_get },
	{ HTTP_M_PATCH, "/v1/bmcs/{id}", API_AUTH_OPERATOR, api_bmc_patch },
	{ HTTP_M_DELETE, "/v1/bmcs/{id}", API_AUTH_OPERATOR, api_bmc_delete },
	{ HTTP_M_POST, "/v1/servers", API_AUTH_OPERATOR, api_server_create },
	{ HTTP_M_GET, "/v1/servers", API_AUTH_KEY, api_server_list },
	{ HTTP_M_GET, "/v1/servers/{id}", API_AUTH_KEY, api_server_get },
	{ HTTP_M_DELETE, "/v1/servers/{id}", API_AUTH_OPERATOR,
	    api_server_delete },
	{ HTTP_M_POST, "/v1/servers/{id}/power", API_AUTH_KEY,
	    api_server_power },
	{ HTTP_M_POST, "/v1/keys", API_AUTH_OPERATOR, api_key_create },
	{ HTTP_M_GET, "/v1/keys", API_AUTH_OPERATOR, api_key_list },
	{ HTTP_M_DELETE, "/v1/keys/{id}", API_AUTH_OPERATOR, api_key_delete },
	{ HTTP_M_POST, "/v1/grants", API_AUTH_KEY, api_grant_create },
	{ HTTP_M_GET, "/v1/grants", API_AUTH_KEY, api_grant_list },
	{ HTTP_M_GET, "/v1/grants/{id}", API_AUTH_KEY, api_grant_get },
	{ HTTP_M_DELETE, "/v1/grants/{id}", API_AUTH_KEY, api_grant_revoke },
	{ HTTP_M_POST, "/v1/grants/{id}/extend", API_AUTH_KEY,
	    api_grant_extend },
	{ HTTP_M_POST, "/v1/grants/{id}/revoke", API_AUTH_KEY,
	    api_grant_revoke },
	{ HTTP_M_POST, "/v1/grants/{id}/console", API_AUTH_GRANT,
	    api_grant_console },
	{ HTTP_M_POST, "/v1/grants/{id}/power", API_AUTH_GRANT,
	    api_grant_power },
	{ HTTP_M_GET, "/v1/audit", API_AUTH_KEY, api_audit_list },
	{ HTTP_M_POST, "/v1/vault/rotate", API_AUTH_OPERATOR,
	    api_vault_rotate },
	{ HTTP_M_GET, "/v1/recordings", API_AUTH_KEY, api_recording_list },
	{ HTTP_M_GET, "/v1/recordings/{id}", API_AUTH_KEY, api_recording_get },
	{ HTTP_M_DELETE, "/v1/recordings/{id}", API_AUTH_OPERATOR,
	    api_recording_delete },
	{ HTTP_M_GET, "/v1/recordings/{id}/cast", API_AUTH_KEY_OR_TICKET,
	    api_recording_cast },
	{ HTTP_M_POST, "/v1/recordings/{id}/ticket", API_AUTH_KEY,
	    api_recording_ticket },
};

/* ---- replies ------------------------------------------------------------ */

void
api_json(struct api_ctx *c, int status, json_t *obj)
{
	char *text;

	text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	if (text == NULL) {
		http_reply_error(c->txn, 500, "internal", "out of memory");
		return;
	}
	http_reply(c->txn, status, "application/json", text, strlen(text),
	    NULL);
	free(text);
}

void
api_error(struct api_ctx *c, int status, const char *code, const char *fmt,
    ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->d->api_errors++;
	if (status == 401) {
		static const char *const hdr[] = {
			"WWW-Authenticate: Bearer", NULL
		};
		char *text;
		json_t *o = json_pack("{s:{s:s,s:s}}", "error", "code", code,
		    "message", msg);

		text = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (text != NULL) {
			http_reply(c->txn, 401, "application/json", text,
			    strlen(text), hdr);
			free(text);
			return;
		}
	}
	http_reply_error(c->txn, status, code, msg);
}

void
api_store_error(struct api_ctx *c, int rc, const char *what)
{
	switch (rc) {
	case VCM_ENOTFOUND:
		api_error(c, 404, "not_found", "no such %s", what);
		break;
	case VCM_ECONFLICT:
		api_error(c, 409, "conflict",
		    "%s already exists or is still in use", what);
		break;
	case VCM_EINVAL:
	case VCM_ERANGE:
		api_error(c, 400, "bad_request", "invalid %s", what);
		break;
	default:
		vcm_log(VCM_LOG_ERROR, "store_error", "what", what,
		    "error", store_errmsg(c->d->st), NULL);
		api_error(c, 500, "internal", "storage error");
		break;
	}
}

/* ---- helpers ------------------------------------------------------------ */

int
api_fields(struct api_ctx *c, const struct jsonin_field *f, size_t n)
{
	char err[160];

	if (c->body == NULL) {
		api_error(c, 400, "bad_request", "a JSON object is required");
		return -1;
	}
	if (jsonin_read(c->body, f, n, err, sizeof(err)) != 0) {
		api_error(c, 400, "bad_request", "%s", err);
		return -1;
	}
	return 0;
}

int
api_page(struct api_ctx *c, int64_t *after, unsigned int *limit)
{
	int64_t v;
	int rc;

	*after = 0;
	*limit = VCM_PAGE_DEFAULT;
	rc = query_get_i64(c->rq->query, "limit", &v);
	if (rc < 0 || (rc == 1 && (v < 1 || v > VCM_PAGE_MAX))) {
		api_error(c, 400, "bad_request", "limit must be 1..%d",
		    VCM_PAGE_MAX);
		return -1;
	}
	if (rc == 1)
		*limit = (unsigned int)v;
	rc = query_get_i64(c->rq->query, "cursor", &v);
	if (rc < 0 || (rc == 1 && v < 0)) {
		api_error(c, 400, "bad_request", "invalid cursor");
		return -1;
	}
	if (rc == 1)
		*after = v;
	return 0;
}

void
api_list_reply(struct api_ctx *c, json_t *items, unsigned int limit,
    int64_t last_id)
{
	json_t *o, *next = json_null();
	char cur[24];

	if (json_array_size(items) == limit && last_id > 0) {
		snprintf(cur, sizeof(cur), "%lld", (long long)last_id);
		next = json_string(cur);
	}
	o = json_object();
	json_object_set_new(o, "items", items);
	json_object_set_new(o, "next_cursor", next);
	api_json(c, 200, o);
}

json_t *
api_time(int64_t ms)
{
	char buf[40];

	if (ms == 0)
		return json_null();
	timefmt_format(ms, buf, sizeof(buf));
	return json_string(buf);
}

json_t *
api_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

int
api_sees_tenant(const struct api_ctx *c, int64_t tenant_id)
{
	if (c->who == API_WHO_OPERATOR)
		return 1;
	return c->tenant_id != 0 && c->tenant_id == tenant_id;
}

int
api_query_id(struct api_ctx *c, const char *name, int64_t *v)
{
	int rc = query_get_i64(c->rq->query, name, v);

	if (rc < 0 || (rc == 1 && *v <= 0)) {
		api_error(c, 400, "bad_request", "%s must be a positive id",
		    name);
		return -1;
	}
	return rc;
}

int
api_query_time(struct api_ctx *c, const char *name, int64_t *v)
{
	char buf[64];
	int rc = query_get(c->rq->query, name, buf, sizeof(buf));

	if (rc == 1 && timefmt_parse(buf, v) == 0)
		return 1;
	if (rc == 0)
		return 0;
	api_error(c, 400, "bad_request", "%s must be an RFC 3339 time", name);
	return -1;
}

/* ---- authentication ------------------------------------------------------ */

static int
rate_ok(struct api_ctx *c, const char *kind, const char *who)
{
	char k[VCM_ADDR_STR_MAX + 8];

	snprintf(k, sizeof(k), "%s:%s", kind, who);
	if (ratelimit_take(c->d->rate, k, (uint64_t)vcmd_now_ms()))
		return 1;
	c->d->api_limited++;
	{
		static const char *const hdr[] = { "Retry-After: 1", NULL };
		json_t *o = json_pack("{s:{s:s,s:s}}", "error", "code",
		    "rate_limited", "message", "too many requests");
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

		json_decref(o);
		if (text != NULL) {
			http_reply(c->txn, 429, "application/json", text,
			    strlen(text), hdr);
			free(text);
		} else
			http_reply_error(c->txn, 429, "rate_limited",
			    "too many requests");
	}
	return 0;
}

/* A grant token for the grant in the path: checked against its hash. */
static int
auth_grant_token(struct api_ctx *c, const char *tok)
{
	uint8_t h[VCM_TOKEN_HASH_LEN];
	struct st_grant g;
	int ok;

	if (store_grant_get(c->d->st, c->ids[0], &g) != 0)
		return 0;
	token_hash(tok, h);
	ok = token_hash_eq(h, g.token_hash);
	vcm_wipe(h, sizeof(h));
	if (!ok)
		return 0;
	c->who = API_WHO_GRANT;
	c->grant_id = g.id;
	c->tenant_id = g.tenant_id;
	snprintf(c->actor, sizeof(c->actor), "grant:%lld", (long long)g.id);
	return 1;
}

static int
auth_key(struct api_ctx *c, const char *tok)
{
	uint8_t h[VCM_TOKEN_HASH_LEN];
	int rc, ok;

	token_hash(tok, h);
	rc = store_apikey_find(c->d->st, h, &c->key);
	ok = rc == 0 && token_hash_eq(h, c->key.hash) && c->key.revoked == 0;
	vcm_wipe(h, sizeof(h));
	if (!ok)
		return 0;
	c->who = c->key.tenant_id ? API_WHO_TENANT : API_WHO_OPERATOR;
	c->tenant_id = c->key.tenant_id;
	snprintf(c->actor, sizeof(c->actor), "key:%lld",
	    (long long)c->key.id);
	return 1;
}

/* 0 when the caller may go on; otherwise a reply has been sent. */
static int
authenticate(struct api_ctx *c, enum api_auth need)
{
	const char *tok = c->rq->bearer;
	char who[24];
	int ok = 0;

	if (need == API_AUTH_NONE)
		return 0;
	/* A browser's download: no key, a one-time ticket the handler
	 * checks (c->who stays API_WHO_NONE). */
	if (need == API_AUTH_KEY_OR_TICKET && tok == NULL)
		return rate_ok(c, "a", c->rq->peer) ? 0 : -1;
	if (tok != NULL && need == API_AUTH_GRANT &&
	    token_check_format(TOKEN_GRANT, tok) == 0)
		ok = auth_grant_token(c, tok);
	else if (tok != NULL && token_check_format(TOKEN_API, tok) == 0)
		ok = auth_key(c, tok);
	if (!ok) {
		/* Failures are limited per source, so guessing keys from
		 * one address is slow and cannot starve other clients. */
		if (!rate_ok(c, "a", c->rq->peer))
			return -1;
		api_error(c, 401, "unauthorized",
		    tok ? "invalid or revoked credentials" :
		    "an Authorization: Bearer token is required");
		return -1;
	}
	if (c->who == API_WHO_GRANT)
		snprintf(who, sizeof(who), "g%lld", (long long)c->grant_id);
	else
		snprintf(who, sizeof(who), "%lld", (long long)c->key.id);
	if (!rate_ok(c, "k", who))
		return -1;
	if (need == API_AUTH_OPERATOR && c->who != API_WHO_OPERATOR) {
		api_error(c, 403, "forbidden", "an operator key is required");
		return -1;
	}
	return 0;
}

static int
body_parse(struct api_ctx *c)
{
	const struct http_request *rq = c->rq;
	char err[160];

	if (rq->method != HTTP_M_POST && rq->method != HTTP_M_PATCH &&
	    rq->method != HTTP_M_PUT)
		return 0;
	if (rq->body_len == 0)
		return 0;	/* handlers that need fields say so */
	if (rq->content_type == NULL ||
	    strncasecmp(rq->content_type, "application/json", 16) != 0 ||
	    (rq->content_type[16] != '\0' && rq->content_type[16] != ';')) {
		api_error(c, 415, "unsupported_media_type",
		    "the body must be application/json");
		return -1;
	}
	c->body = jsonin_parse((const char *)rq->body, rq->body_len, err,
	    sizeof(err));
	if (c->body == NULL) {
		api_error(c, 400, "bad_request", "%s", err);
		return -1;
	}
	return 0;
}

void
api_request(void *arg, struct http_txn *txn, const struct http_request *rq)
{
	struct vcmd *d = arg;
	struct api_ctx c;
	const struct route *r, *hit = NULL;
	int path_seen = 0, n;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.d = d;
	c.txn = txn;
	c.rq = rq;
	snprintf(c.actor, sizeof(c.actor), "anonymous");
	d->api_requests++;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		r = &routes[i];
		n = path_match(rq->path, r->pattern, c.ids, API_MAX_IDS);
		if (n < 0)
			continue;
		path_seen = 1;
		if (r->m == rq->method ||
		    (rq->method == HTTP_M_HEAD && r->m == HTTP_M_GET)) {
			hit = r;
			break;
		}
	}
	if (hit == NULL) {
		if (path_seen)
			api_error(&c, 405, "method_not_allowed",
			    "method not allowed on %s", rq->path);
		else
			api_error(&c, 404, "not_found", "no such endpoint");
		return;
	}
	if (d->stopping) {
		api_error(&c, 503, "unavailable", "vcmd is shutting down");
		return;
	}
	if (authenticate(&c, hit->auth) != 0)
		return;
	if (body_parse(&c) != 0)
		return;
	hit->fn(&c);
	json_decref(c.body);
	vcm_wipe(&c.key, sizeof(c.key));
}

void
api_txn_abort(void *arg, struct http_txn *txn, void *data)
{
	bmcs_txn_abort(arg, txn, data);
}
