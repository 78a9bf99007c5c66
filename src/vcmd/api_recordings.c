/*
 * API handlers for console recordings (recording.h):
 *
 *	GET    /v1/recordings			T  list (a tenant: its own)
 *	GET    /v1/recordings/{id}		T
 *	GET    /v1/recordings/{id}/cast		T, or a download ticket
 *	DELETE /v1/recordings/{id}		O
 *	POST   /v1/recordings/{id}/ticket	T  one-time download ticket
 *
 * A browser has no API key, so the replay page gets the file with a
 * one-time ticket (vcmt_..., VCM_TICKET_TTL_S) made for one recording
 * by a caller that may see it: the URL the API returns puts the ticket
 * in the page's fragment, and the page sends it back as ?ticket= on
 * its one download. Only the ticket's hash is kept; it is spent by
 * that download (or by any presentation of it for another recording).
 * Another tenant's recording is 404, as everywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "vcmd/api.h"
#include "vcmd/query.h"
#include "vcmd/recording.h"
#include "vcmd/token.h"
#include "vcmd/vcmd.h"

#define CAST_TYPE	"application/x-asciicast"

/* ---- download tickets --------------------------------------------------- */

struct rec_ticket {
	uint8_t		 hash[VCM_TOKEN_HASH_LEN];
	int64_t		 rec_id;
	int64_t		 expires;	/* ms, wall clock; 0: free slot */
	char		 actor[24];	/* who asked for it, "key:12" */
};

static struct rec_ticket tickets[VCM_REC_TICKETS_MAX];

static void
ticket_free(struct rec_ticket *t)
{
	vcm_wipe(t, sizeof(*t));
}

static int
ticket_new(int64_t rec_id, const char *actor, char *out, size_t outsz)
{
	struct rec_ticket *t = NULL;
	int64_t now = vcmd_now_ms();
	size_t i;
	int rc;

	for (i = 0; i < VCM_REC_TICKETS_MAX; i++)
		if (tickets[i].expires <= now) {
			ticket_free(&tickets[i]);
			if (t == NULL)
				t = &tickets[i];
		}
	if (t == NULL)
		return VCM_ENOSPC;
	if ((rc = token_new(TOKEN_TICKET, out, outsz)) < 0)
		return rc;
	token_hash(out, t->hash);
	t->rec_id = rec_id;
	t->expires = now + (int64_t)VCM_TICKET_TTL_S * 1000;
	/* "key:" and an id of at most 19 digits. */
	snprintf(t->actor, sizeof(t->actor), "%.23s", actor);
	return 0;
}

/* Spends the ticket; the recording it was made for, or 0, and who
 * asked for it into actor. Every slot is compared (in constant time),
 * found or not. */
static int64_t
ticket_take(const char *tok, char *actor, size_t actorsz)
{
	uint8_t h[VCM_TOKEN_HASH_LEN];
	int64_t now = vcmd_now_ms(), id = 0;
	size_t i;

	if (token_check_format(TOKEN_TICKET, tok) != 0)
		return 0;
	token_hash(tok, h);
	for (i = 0; i < VCM_REC_TICKETS_MAX; i++)
		if (tickets[i].expires != 0 &&
		    token_hash_eq(h, tickets[i].hash)) {
			if (tickets[i].expires > now) {
				id = tickets[i].rec_id;
				snprintf(actor, actorsz, "ticket/%s",
				    tickets[i].actor);
			}
			ticket_free(&tickets[i]);
		}
	vcm_wipe(h, sizeof(h));
	return id;
}

void
api_recording_tickets_free(void)
{
	vcm_wipe(tickets, sizeof(tickets));
}

/* ---- JSON ------------------------------------------------------------------- */

static json_t *
recording_json(const struct st_recording *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "tenant_id", json_integer(r->tenant_id));
	json_object_set_new(o, "server_id", json_integer(r->server_id));
	json_object_set_new(o, "grant_id", json_integer(r->grant_id));
	json_object_set_new(o, "started", api_time(r->started));
	json_object_set_new(o, "ended", api_time(r->ended));
	json_object_set_new(o, "bytes", json_integer(r->bytes));
	json_object_set_new(o, "truncated", json_boolean(r->truncated));
	return o;
}

/* The recording in the path, if the caller may see it (404 otherwise,
 * replied). */
static int
recording_visible(struct api_ctx *c, struct st_recording *r)
{
	int rc = store_recording_get(c->d->st, c->ids[0], r);

	if (rc == 0 && !api_sees_tenant(c, r->tenant_id))
		rc = VCM_ENOTFOUND;
	if (rc != 0)
		api_store_error(c, rc, "recording");
	return rc;
}

/* ---- handlers ------------------------------------------------------------- */

struct collect {
	json_t		*items;
	int64_t		 last;
};

static int
collect_one(void *arg, const struct st_recording *r)
{
	struct collect *k = arg;

	json_array_append_new(k->items, recording_json(r));
	k->last = r->id;
	return 0;
}

void
api_recording_list(struct api_ctx *c)
{
	struct st_filter f;
	struct collect k = { NULL, 0 };
	unsigned int limit;
	int64_t after;
	int rc;

	memset(&f, 0, sizeof(f));
	if (api_query_id(c, "tenant_id", &f.tenant_id) < 0 ||
	    api_query_id(c, "server_id", &f.server_id) < 0 ||
	    api_query_id(c, "grant_id", &f.grant_id) < 0 ||
	    api_page(c, &after, &limit) != 0)
		return;
	if (c->who != API_WHO_OPERATOR)
		f.tenant_id = c->tenant_id;
	if (f.tenant_id <= 0 && c->who != API_WHO_OPERATOR) {
		api_error(c, 403, "forbidden", "an API key is required");
		return;
	}
	k.items = json_array();
	rc = store_recording_list(c->d->st, &f, after, limit, collect_one,
	    &k);
	if (rc < 0) {
		json_decref(k.items);
		api_store_error(c, rc, "recording");
		return;
	}
	api_list_reply(c, k.items, limit, k.last);
}

void
api_recording_get(struct api_ctx *c)
{
	struct st_recording r;

	if (recording_visible(c, &r) == 0)
		api_json(c, 200, recording_json(&r));
}

void
api_recording_cast(struct api_ctx *c)
{
	struct st_recording r;
	char tok[VCM_TOKEN_STR_MAX + 1], disp[96], detail[64];
	const char *hdr[2] = { disp, NULL };
	char *buf;
	size_t len;
	int rc;

	if (c->who == API_WHO_OPERATOR || c->who == API_WHO_TENANT) {
		if (recording_visible(c, &r) != 0)
			return;
	} else {
		/* No key: a download ticket for this recording. */
		/* The download's actor is the ticket's maker. */
		rc = query_get(c->rq->query, "ticket", tok, sizeof(tok));
		if (rc != 1 || ticket_take(tok, c->actor, sizeof(c->actor)) !=
		    c->ids[0]) {
			vcm_wipe(tok, sizeof(tok));
			api_error(c, 401, "unauthorized",
			    "an API key or a valid download ticket is "
			    "required");
			return;
		}
		vcm_wipe(tok, sizeof(tok));
		if ((rc = store_recording_get(c->d->st, c->ids[0], &r)) != 0) {
			api_store_error(c, rc, "recording");
			return;
		}
	}
	rc = rec_file_read(c->d, &r, &buf, &len);
	if (rc == VCM_ENOTFOUND) {
		api_error(c, 404, "not_found", "the recording's file is gone");
		return;
	}
	if (rc != 0) {
		vcm_log(VCM_LOG_ERROR, "recording_read_failed", "path", r.path,
		    "error", vcm_strerror(rc), NULL);
		api_error(c, 500, "internal", "cannot read the recording");
		return;
	}
	snprintf(detail, sizeof(detail), "recording %lld, %zu bytes",
	    (long long)r.id, len);
	audit(c->d, c->actor, "recording.download", r.tenant_id, r.server_id,
	    r.grant_id, 0, "ok", detail);
	snprintf(disp, sizeof(disp), "Content-Disposition: attachment; "
	    "filename=\"vcm-recording-%lld.cast\"", (long long)r.id);
	http_reply(c->txn, 200, CAST_TYPE, buf, len, hdr);
	free(buf);
}

void
api_recording_delete(struct api_ctx *c)
{
	struct st_recording r;
	char detail[64];
	int rc;

	if (recording_visible(c, &r) != 0)
		return;
	if (r.ended == 0) {
		api_error(c, 409, "conflict",
		    "the recording is still running (its console is open)");
		return;
	}
	if ((rc = rec_delete(c->d, &r)) != 0) {
		vcm_log(VCM_LOG_ERROR, "recording_delete_failed", "path",
		    r.path, "error", vcm_strerror(rc), NULL);
		api_error(c, 500, "internal", "cannot delete the recording");
		return;
	}
	snprintf(detail, sizeof(detail), "recording %lld", (long long)r.id);
	audit(c->d, c->actor, "recording.delete", r.tenant_id, r.server_id,
	    r.grant_id, 0, "ok", detail);
	http_reply(c->txn, 204, "application/json", "", 0, NULL);
}

void
api_recording_ticket(struct api_ctx *c)
{
	struct st_recording r;
	char ticket[VCM_TOKEN_STR_MAX + 1], url[VCM_CONFIG_PATH_SIZE + 160];
	char detail[64];
	json_t *o;

	if (recording_visible(c, &r) != 0)
		return;
	if (ticket_new(r.id, c->actor, ticket, sizeof(ticket)) != 0) {
		api_error(c, 503, "unavailable", "too many open tickets");
		return;
	}
	snprintf(url, sizeof(url),
	    "%s/console/replay.html#url=/v1/recordings/%lld/cast?ticket=%s",
	    c->d->cfg.public_url, (long long)r.id, ticket);
	snprintf(detail, sizeof(detail), "recording %lld", (long long)r.id);
	audit(c->d, c->actor, "recording.ticket", r.tenant_id, r.server_id,
	    r.grant_id, 0, "ok", detail);
	o = json_object();
	json_object_set_new(o, "url", json_string(url));
	json_object_set_new(o, "ticket", json_string(ticket));
	json_object_set_new(o, "expires_in", json_integer(VCM_TICKET_TTL_S));
	vcm_wipe(ticket, sizeof(ticket));
	vcm_wipe(url, sizeof(url));
	api_json(c, 201, o);
}
