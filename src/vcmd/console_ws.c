/*
 * Console WebSockets: one-time tickets, the hello that presents one,
 * and the bridge between a socket and the engine's viewer interface.
 *
 * A ticket (vcmt_...) is made by POST /v1/grants/{id}/console, is good
 * for one socket within VCM_TICKET_TTL_S, and only its hash is kept.
 * The page sends it in its first message, so it never sits in a URL
 * that reaches a server log (the console URL carries it in the
 * fragment, which browsers do not send).
 *
 * Protocol (docs/api/openapi.yaml, "Console WebSocket"): binary frames
 * are console bytes both ways; text frames are small JSON control
 * messages. When a socket's queue is full its engine viewer is paused
 * (the one chunk the socket refused is held) and resumed when the
 * socket drains; meanwhile the engine's bounded per-viewer queue fills,
 * and a viewer that stays slow is skipped ahead, then dropped (the page
 * is told each time). The BMC side and the other viewers never wait
 * for a slow browser, and nothing is buffered without bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "vcmd/api.h"
#include "vcmd/cidr.h"
#include "vcmd/recording.h"
#include "vcmd/timefmt.h"
#include "vcmd/token.h"
#include "vcmd/vcmd.h"

struct vticket {
	uint8_t		 hash[VCM_TOKEN_HASH_LEN];
	int64_t		 grant_id;
	int64_t		 expires;	/* ms, wall clock */
};

/* The map key of a ticket: its hash's first 8 bytes (never 0). */
static uint64_t
ticket_key(const uint8_t *h)
{
	uint64_t k = 0;
	int i;

	for (i = 0; i < 8; i++)
		k = k << 8 | h[i];
	return k ? k : 1;
}

static void
tickets_purge(struct vcmd *d, int64_t now)
{
	struct vticket *t;
	size_t pos = 0;
	uint64_t k;

	/* Deleting while iterating may skip an entry; the next purge
	 * gets it. */
	while ((t = idmap_next(&d->tickets, &pos, &k)) != NULL)
		if (t->expires <= now) {
			idmap_del(&d->tickets, k);
			vcm_wipe(t, sizeof(*t));
			free(t);
			pos = pos ? pos - 1 : 0;
		}
}

int
console_ticket_new(struct vcmd *d, int64_t grant_id, const char *peer,
    char *out, size_t outsz)
{
	struct vticket *t;
	int64_t now = vcmd_now_ms();
	int rc;

	(void)peer;
	if (d->tickets.len >= VCM_TICKETS_MAX)
		tickets_purge(d, now);
	if (d->tickets.len >= VCM_TICKETS_MAX)
		return VCM_ENOSPC;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return VCM_ENOMEM;
	if ((rc = token_new(TOKEN_TICKET, out, outsz)) < 0) {
		free(t);
		return rc;
	}
	token_hash(out, t->hash);
	t->grant_id = grant_id;
	t->expires = now + (int64_t)VCM_TICKET_TTL_S * 1000;
	if ((rc = idmap_put(&d->tickets, ticket_key(t->hash), t)) != 0) {
		free(t);
		return rc;
	}
	return 0;
}

/* Takes the ticket (one use); its grant id, or 0. */
static int64_t
ticket_take(struct vcmd *d, const char *tok)
{
	uint8_t h[VCM_TOKEN_HASH_LEN];
	struct vticket *t;
	int64_t gid = 0;

	if (token_check_format(TOKEN_TICKET, tok) != 0)
		return 0;
	token_hash(tok, h);
	t = idmap_get(&d->tickets, ticket_key(h));
	if (t != NULL && token_hash_eq(h, t->hash)) {
		idmap_del(&d->tickets, ticket_key(h));
		if (t->expires > vcmd_now_ms())
			gid = t->grant_id;
		vcm_wipe(t, sizeof(*t));
		free(t);
	}
	vcm_wipe(h, sizeof(h));
	return gid;
}

void
console_tickets_free(struct vcmd *d)
{
	struct vticket *t;
	uint64_t k;

	while ((t = idmap_first(&d->tickets, &k)) != NULL) {
		idmap_del(&d->tickets, k);
		vcm_wipe(t, sizeof(*t));
		free(t);
	}
	idmap_free(&d->tickets);
}

/* ---- sending ---------------------------------------------------------- */

static void
send_json(struct vconn *c, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	if (text == NULL || c->ws == NULL)
		goto out;
	/* Control messages are small; a socket too full for one is about
	 * to be dropped as slow anyway. */
	(void)http_ws_send(c->ws, 0, text, strlen(text));
out:
	free(text);
}

static void
send_state(struct vconn *c, const char *state, const char *reason)
{
	json_t *o = json_pack("{s:s,s:s}", "type", "state", "state", state);

	if (o && reason)
		json_object_set_new(o, "reason", json_string(reason));
	send_json(c, o);
}

static unsigned int
bmc_viewers(struct vcmd *d, const struct vbmc *b)
{
	struct vconn *c;
	size_t pos = 0;
	unsigned int n = 0;

	while ((c = idmap_next(&d->conns, &pos, NULL)) != NULL)
		if (c->bmc == b && c->viewer >= 0)
			n++;
	return n;
}

static void
broadcast_viewers(struct vcmd *d, const struct vbmc *b)
{
	struct vconn *c;
	size_t pos = 0;
	unsigned int n = bmc_viewers(d, b);

	while ((c = idmap_next(&d->conns, &pos, NULL)) != NULL)
		if (c->bmc == b && c->viewer >= 0)
			send_json(c, json_pack("{s:s,s:i}", "type", "viewers",
			    "count", (int)n));
}

void
console_conn_expiry(struct vconn *c)
{
	if (c->grant != NULL)
		send_json(c, json_pack("{s:s,s:o}", "type", "expiry",
		    "expires", api_time(c->grant->g.expires)));
}

/* ---- connection lifetime ------------------------------------------------ */

static void
hello_timer_closed(uv_handle_t *h)
{
	free(h);
}

static void
conn_stop_hello(struct vconn *c)
{
	if (c->hello_timer != NULL) {
		uv_timer_stop(c->hello_timer);
		uv_close((uv_handle_t *)c->hello_timer, hello_timer_closed);
		c->hello_timer = NULL;
	}
}

/* Leaves the grant's list and the engine; the socket may live on. */
static void
conn_detach(struct vconn *c)
{
	struct vcmd *d = c->d;
	struct vconn **pp;
	struct eng_con_request rq;
	struct vbmc *b = c->bmc;

	rec_close(c->rec);
	c->rec = NULL;
	if (c->grant != NULL) {
		for (pp = &c->grant->conns; *pp != NULL; pp = &(*pp)->next)
			if (*pp == c) {
				*pp = c->next;
				c->grant->nconns--;
				break;
			}
		audit(d, "vcmd", "console.close", c->grant->g.tenant_id,
		    c->grant->g.server_id, c->grant->g.id, b ? b->id : 0, "ok",
		    c->peer);
		c->grant = NULL;
	}
	if (c->viewer >= 0) {
		memset(&rq, 0, sizeof(rq));
		rq.type = ENG_MSG_CONSOLE;
		rq.verb = ENG_CON_DETACH;
		rq.viewer = c->viewer;
		(void)eng_console_request(d->eng, &rq);
		c->viewer = -1;
		if (b != NULL) {
			b->console_refs--;
			broadcast_viewers(d, b);
		}
	}
}

void
console_conn_end(struct vconn *c, uint16_t code, const char *reason)
{
	if (c->closing)
		return;
	c->closing = 1;
	conn_stop_hello(c);
	send_state(c, "ended", reason);
	conn_detach(c);
	c->d->conns_closed++;
	if (c->ws != NULL)
		http_ws_close(c->ws, code, reason);
}

void
console_conns_end_all(struct vcmd *d, uint16_t code, const char *reason)
{
	struct vconn *c;
	size_t pos = 0;

	while ((c = idmap_next(&d->conns, &pos, NULL)) != NULL)
		console_conn_end(c, code, reason);
}

static void
hello_timeout(uv_timer_t *t)
{
	struct vconn *c = t->data;

	console_conn_end(c, 4008, "no ticket");
}

/* 1 if origin is one of the configured ones. */
static int
origin_allowed(const struct vcmd *d, const char *origin)
{
	const char *p = d->cfg.allowed_origins, *e;
	size_t n = strlen(origin);

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		e = p;
		while (*e != '\0' && *e != ',' && *e != ' ')
			e++;
		if ((size_t)(e - p) == n && strncmp(p, origin, n) == 0)
			return 1;
		p = e;
	}
	return 0;
}

int
console_ws_open(void *arg, struct http_ws *ws, const struct http_request *rq)
{
	struct vcmd *d = arg;
	struct vconn *c;

	if (d->stopping)
		return 503;
	/* Browsers always send Origin; a page from elsewhere must not
	 * drive a tenant's console with the tenant's ticket. */
	if (rq->origin != NULL && !origin_allowed(d, rq->origin)) {
		vcm_log(VCM_LOG_WARN, "console_origin_refused", "origin",
		    rq->origin, "peer", rq->peer, NULL);
		return 403;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return 503;
	c->d = d;
	c->ws = ws;
	c->viewer = -1;
	c->id = vcmd_cookie(d);
	snprintf(c->peer, sizeof(c->peer), "%s", rq->peer);
	if ((c->hello_timer = malloc(sizeof(*c->hello_timer))) == NULL ||
	    uv_timer_init(d->loop, c->hello_timer) != 0 ||
	    idmap_put(&d->conns, c->id, c) != 0) {
		free(c->hello_timer);
		free(c);
		return 503;
	}
	c->hello_timer->data = c;
	uv_timer_start(c->hello_timer, hello_timeout, VCM_WS_HELLO_MS, 0);
	http_ws_set_data(ws, c);
	return 0;
}

static json_t *
info_json(struct vconn *c, const struct st_server *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string("info"));
	json_object_set_new(o, "server", json_string(s->name));
	json_object_set_new(o, "cols", json_integer(s->cols));
	json_object_set_new(o, "rows", json_integer(s->rows));
	json_object_set_new(o, "expires", api_time(c->grant->g.expires));
	json_object_set_new(o, "rights", grant_rights_json(c->rights));
	json_object_set_new(o, "writer", json_boolean(c->writer));
	json_object_set_new(o, "viewers",
	    json_integer(bmc_viewers(c->d, c->bmc)));
	return o;
}

/* The hello: the ticket, then the checks a grant needs, then attach. */
static void
conn_hello(struct vconn *c, const uint8_t *data, size_t len)
{
	struct vcmd *d = c->d;
	char ticket[VCM_TOKEN_STR_MAX + 1] = "", type[16] = "", err[128];
	const struct jsonin_field f[] = {
		{ "type", JSONIN_STR, 1, type, sizeof(type), NULL },
		{ "ticket", JSONIN_STR, 1, ticket, sizeof(ticket), NULL },
	};
	struct cidr nets[VCM_GRANT_SOURCES_MAX];
	struct eng_con_request rq;
	struct st_server s;
	struct vgrant *vg;
	json_t *o;
	int64_t gid, v;
	int n;

	o = jsonin_parse((const char *)data, len, err, sizeof(err));
	if (o == NULL || jsonin_read(o, f, 2, err, sizeof(err)) != 0 ||
	    strcmp(type, "hello") != 0) {
		json_decref(o);
		console_conn_end(c, 4000, "expected hello");
		return;
	}
	json_decref(o);
	gid = ticket_take(d, ticket);
	vcm_wipe(ticket, sizeof(ticket));
	if (gid == 0 || (vg = grants_get(d, gid)) == NULL || vg->ending) {
		console_conn_end(c, 4004, "invalid ticket");
		return;
	}
	if (strcmp(grant_state(&vg->g, vcmd_now_ms()), "active") != 0 ||
	    !(vg->g.rights & ST_RIGHT_CONSOLE_READ)) {
		console_conn_end(c, 4003, "grant not active");
		return;
	}
	n = cidr_list_parse(vg->g.sources, nets, VCM_GRANT_SOURCES_MAX);
	if (n < 0 || !cidr_list_match(nets, (size_t)n, c->peer)) {
		audit(d, "vcmd", "console.source_refused", vg->g.tenant_id,
		    vg->g.server_id, vg->g.id, 0, "refused", c->peer);
		console_conn_end(c, 4003, "source address not allowed");
		return;
	}
	if (vg->nconns >= VCM_GRANT_CONNS_MAX) {
		console_conn_end(c, 4029, "too many connections");
		return;
	}
	if (store_server_get(d->st, vg->g.server_id, &s) != 0 ||
	    (c->bmc = bmcs_get(d, s.bmc_id)) == NULL || c->bmc->eng_id == 0) {
		console_conn_end(c, 1011, "BMC not available");
		return;
	}
	conn_stop_hello(c);
	c->grant = vg;
	c->rights = vg->g.rights;
	c->next = vg->conns;
	vg->conns = c;
	vg->nconns++;
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.verb = ENG_CON_OPEN;
	rq.rights = (c->rights & ST_RIGHT_CONSOLE_WRITE) ? ENG_CON_V_WRITE : 0;
	rq.bmc = c->bmc->eng_id;
	rq.cookie = c->id;
	send_state(c, eng_console_state(d->eng, c->bmc->eng_id) ==
	    ENG_CON_S_LIVE ? "live" : "connecting", NULL);
	if ((v = eng_console_request(d->eng, &rq)) < 0) {
		console_conn_end(c, 1013, vcm_strerror((int)v));
		return;
	}
	c->viewer = v;
	c->writer = eng_console_is_writer(d->eng, v);
	c->bmc->console_refs++;
	c->rec = rec_open(d, &vg->g, &s, d->cfg.recording_input);
	audit(d, "vcmd", "console.open", vg->g.tenant_id, vg->g.server_id,
	    vg->g.id, c->bmc->id, "ok", c->peer);
	send_json(c, info_json(c, &s));
	broadcast_viewers(d, c->bmc);
}

static void
conn_control(struct vconn *c, const uint8_t *data, size_t len)
{
	struct vcmd *d = c->d;
	char type[16] = "", action[24] = "", err[128];
	int has_action = 0;
	const struct jsonin_field f[] = {
		{ "type", JSONIN_STR, 1, type, sizeof(type), NULL },
		{ "action", JSONIN_STR, 0, action, sizeof(action),
		    &has_action },
	};
	struct eng_con_request rq;
	json_t *o;
	int64_t rc;

	o = jsonin_parse((const char *)data, len, err, sizeof(err));
	if (o == NULL || jsonin_read(o, f, 2, err, sizeof(err)) != 0) {
		json_decref(o);
		send_json(c, json_pack("{s:s,s:s}", "type", "error",
		    "message", err));
		return;
	}
	json_decref(o);
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.viewer = c->viewer;
	if (strcmp(type, "break") == 0)
		rq.verb = ENG_CON_BREAK;
	else if (strcmp(type, "take_over") == 0)
		rq.verb = ENG_CON_TAKE_OVER;
	else if (strcmp(type, "power") == 0 && has_action) {
		if (!(c->rights & ST_RIGHT_POWER)) {
			send_json(c, json_pack("{s:s,s:s}", "type", "error",
			    "message", "the grant does not allow power"));
			return;
		}
		bmcs_power_ws(d, c, action);
		return;
	} else {
		send_json(c, json_pack("{s:s,s:s}", "type", "error",
		    "message", "unknown message type"));
		return;
	}
	if (!(c->rights & ST_RIGHT_CONSOLE_WRITE)) {
		send_json(c, json_pack("{s:s,s:s}", "type", "error",
		    "message", "read-only console"));
		return;
	}
	if ((rc = eng_console_request(d->eng, &rq)) < 0)
		send_json(c, json_pack("{s:s,s:s}", "type", "error",
		    "message", vcm_strerror((int)rc)));
}

void
console_ws_message(void *arg, struct http_ws *ws, void *data, int binary,
    const uint8_t *buf, size_t len)
{
	struct vconn *c = data;
	struct eng_con_request rq;
	int64_t n;

	(void)arg;
	(void)ws;
	if (c == NULL || c->closing)
		return;
	if (c->grant == NULL) {
		if (binary)
			console_conn_end(c, 4000, "expected hello");
		else
			conn_hello(c, buf, len);
		return;
	}
	if (!binary) {
		conn_control(c, buf, len);
		return;
	}
	if (!(c->rights & ST_RIGHT_CONSOLE_WRITE) || len == 0)
		return;
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.verb = ENG_CON_WRITE;
	rq.viewer = c->viewer;
	rq.data = buf;
	rq.len = len;
	/* Not the writer, or the SOL is down: keystrokes are dropped and
	 * the page shows read-only / connecting from the state messages. */
	if ((n = eng_console_request(c->d->eng, &rq)) > 0)
		rec_input(c->rec, buf, (size_t)n);
}

static void
viewer_pause(struct vconn *c, int on)
{
	struct eng_con_request rq;

	if (c->viewer < 0 || c->paused == on)
		return;
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.verb = on ? ENG_CON_PAUSE : ENG_CON_RESUME;
	rq.viewer = c->viewer;
	if (eng_console_request(c->d->eng, &rq) >= 0)
		c->paused = on;
}

/* Console bytes to the socket; a full socket pauses the viewer. */
static void
conn_output(struct vconn *c, const uint8_t *data, size_t len)
{
	if (c->ws == NULL || len == 0)
		return;
	if (c->held == NULL && http_ws_send(c->ws, 1, data, len) == 0)
		return;
	if (c->held != NULL) {
		/* Paused already: the engine should not deliver; if it
		 * does, these bytes are skipped like an overflow. */
		c->skipped += len;
		return;
	}
	if ((c->held = malloc(len)) == NULL) {
		c->skipped += len;
		return;
	}
	memcpy(c->held, data, len);
	c->held_len = len;
	viewer_pause(c, 1);
}

void
console_ws_drain(void *arg, struct http_ws *ws, void *data)
{
	struct vconn *c = data;

	(void)arg;
	(void)ws;
	if (c == NULL || c->closing)
		return;
	if (c->held != NULL) {
		if (http_ws_send(c->ws, 1, c->held, c->held_len) != 0)
			return;	/* still full: the next drain retries */
		free(c->held);
		c->held = NULL;
		c->held_len = 0;
	}
	if (c->skipped > 0) {
		send_json(c, json_pack("{s:s,s:I}", "type", "skipped",
		    "bytes", (json_int_t)c->skipped));
		c->skipped = 0;
	}
	viewer_pause(c, 0);
}

void
console_ws_closed(void *arg, struct http_ws *ws, void *data)
{
	struct vconn *c = data;

	(void)arg;
	(void)ws;
	if (c == NULL)
		return;
	c->ws = NULL;
	conn_stop_hello(c);
	if (!c->closing)
		c->d->conns_closed++;
	conn_detach(c);
	idmap_del(&c->d->conns, c->id);
	free(c->held);
	free(c);
}

/* ---- engine events ---------------------------------------------------- */

static const char *
why_name(uint8_t why)
{
	switch (why) {
	case ENG_CON_WHY_DEACTIVATED:
		return "the BMC closed SOL";
	case ENG_CON_WHY_UNREACHABLE:
		return "BMC unreachable";
	case ENG_CON_WHY_SESSION:
		return "session lost";
	case ENG_CON_WHY_NO_ACK:
		return "SOL taken by another client";
	case ENG_CON_WHY_GONE:
		return "SOL no longer active";
	case ENG_CON_WHY_ACTIVATE:
		return "activation failed";
	default:
		return "reconnecting";
	}
}

static const char *
outcome_name(uint8_t o)
{
	switch (o) {
	case ENG_CON_TD_NONE:
		return "ok:nothing active";
	case ENG_CON_TD_VERIFIED:
		return "ok:verified";
	case ENG_CON_TD_LIED:
		return "error:bmc lied about deactivation";
	default:
		return "error:unverifiable";
	}
}

/* One console-wide event for every connection on that BMC. */
static void
console_broadcast(struct vcmd *d, struct vbmc *b,
    const struct eng_con_event *e)
{
	struct vconn *c;
	size_t pos = 0;

	while ((c = idmap_next(&d->conns, &pos, NULL)) != NULL) {
		if (c->bmc != b || c->viewer < 0)
			continue;
		switch (e->kind) {
		case ENG_CON_EV_LIVE:
			send_state(c, e->ev.u.live.again ? "reconnected" :
			    "live", NULL);
			break;
		case ENG_CON_EV_RECONNECTING:
			send_state(c, "connecting",
			    why_name(e->ev.u.reconnecting.why));
			break;
		case ENG_CON_EV_UNREACHABLE:
			send_state(c, "unreachable",
			    "BMC unreachable, retrying");
			break;
		case ENG_CON_EV_REFUSED:
			send_state(c, "refused",
			    e->ev.u.refused.reason == ENG_CON_REF_IN_USE ?
			    "SOL in use by another session" :
			    "the BMC refused SOL");
			break;
		case ENG_CV_SESSION:
			send_state(c, "connecting", "session failed, retrying");
			break;
		case ENG_CON_EV_FLOW:
			/* Keystrokes held back by the BMC's flow control. */
			send_json(c, json_pack("{s:s,s:b}", "type", "flow",
			    "blocked", e->ev.u.flow.blocked));
			break;
		default:
			break;
		}
	}
}

void
console_engine_event(void *arg, const struct eng_con_event *e)
{
	struct vcmd *d = arg;
	struct vbmc *b = idmap_get(&d->bmcs_eng, e->bmc);
	struct vconn *c;

	if (b == NULL)
		return;
	if (e->viewer < 0) {
		switch (e->kind) {
		case ENG_CON_EV_TEARDOWN:
			audit(d, "vcmd", "console.teardown", 0, 0, 0, b->id,
			    outcome_name(e->ev.u.teardown.outcome), NULL);
			break;
		case ENG_CON_EV_STALE:
			audit(d, "vcmd", "console.stale_sol", 0, 0, 0, b->id,
			    e->ev.u.stale.decision == ENG_CONSOLE_TAKE ?
			    "ok:taken" : "refused", NULL);
			break;
		case ENG_CON_EV_UNREACHABLE:
			b->reachable = 0;
			snprintf(b->last_error, sizeof(b->last_error),
			    "unreachable (console)");
			break;
		case ENG_CON_EV_LIVE:
			b->reachable = 1;
			b->last_ok = vcmd_now_ms();
			break;
		default:
			break;
		}
		console_broadcast(d, b, e);
		return;
	}
	if ((c = idmap_get(&d->conns, e->cookie)) == NULL || c->closing)
		return;
	switch (e->kind) {
	case ENG_CV_OUTPUT:
		/* Recorded as the engine delivers it, once, whatever the
		 * socket does with it. */
		rec_output(c->rec, e->data, e->len);
		conn_output(c, e->data, e->len);
		break;
	case ENG_CON_EV_WRITER:
		c->writer = 1;
		send_json(c, json_pack("{s:s,s:b}", "type", "writer", "you", 1));
		break;
	case ENG_CON_EV_WRITER_LOST:
		c->writer = 0;
		send_json(c, json_pack("{s:s,s:b}", "type", "writer", "you", 0));
		break;
	case ENG_CON_EV_OVERFLOW:
		send_json(c, json_pack("{s:s,s:I}", "type", "skipped", "bytes",
		    (json_int_t)e->ev.u.overflow.skipped));
		break;
	case ENG_CON_EV_DROPPED:
		c->viewer = -1;	/* the engine detached it already */
		if (c->bmc != NULL)
			c->bmc->console_refs--;
		console_conn_end(c, 4002, "too slow");
		break;
	case ENG_CON_EV_LIVE:
		/* Console-wide kinds addressed to one viewer (a join while
		 * live, say) are sent the same way. */
		send_state(c, e->ev.u.live.again ? "reconnected" : "live",
		    NULL);
		break;
	case ENG_CON_EV_UNREACHABLE:
		send_state(c, "unreachable", "BMC unreachable, retrying");
		break;
	case ENG_CON_EV_RECONNECTING:
		send_state(c, "connecting", why_name(e->ev.u.reconnecting.why));
		break;
	case ENG_CON_EV_REFUSED:
		send_state(c, "refused", "SOL not available");
		break;
	default:
		break;
	}
}
