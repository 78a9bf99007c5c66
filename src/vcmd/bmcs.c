/*
 * The BMCs in the engine: each store BMC is added to the engine with
 * its credentials opened from the vault (and wiped from our copy at
 * once: the engine keeps its own, wiped on removal), its health is
 * tracked from results and console events, and power actions wait for
 * the engine's result in struct vpower, keyed by cookie.
 *
 * A request whose client went away keeps its engine operation (a power
 * action cannot be taken back half-way); its result is audited and
 * dropped.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "vcmd/api.h"
#include "vcmd/vcmd.h"

struct vrecover;
static void	recover_result(struct vcmd *, struct vrecover *,
		    const struct eng_result *);

/* A power action waiting for the engine. */
struct vpower {
	uint64_t	 cookie;
	struct http_txn	*txn;		/* NULL: aborted, or a WebSocket's */
	uint64_t	 conn;		/* console connection cookie, or 0 */
	int64_t		 bmc_id, grant_id, tenant_id, server_id;
	char		 action[16];
	char		 actor[32];
};

static const struct {
	const char	*name;
	uint8_t		 op;
} actions[] = {
	{ "status", ENG_OP_POWER_STATUS },
	{ "on", ENG_OP_POWER_ON },
	{ "off", ENG_OP_POWER_OFF },
	{ "cycle", ENG_OP_POWER_CYCLE },
	{ "reset", ENG_OP_POWER_RESET },
	{ "soft", ENG_OP_POWER_SOFT },
	{ "bootdev-pxe", ENG_OP_BOOTDEV_PXE },
	{ "bootdev-bios", ENG_OP_BOOTDEV_BIOS },
	{ "bootdev-disk", ENG_OP_BOOTDEV_DISK },
};

struct vbmc *
bmcs_get(struct vcmd *d, int64_t id)
{
	return idmap_get(&d->bmcs, (uint64_t)id);
}

int
bmcs_open_cred(struct vcmd *d, const struct st_bmc *b, uint8_t *pw,
    size_t *pwlen, uint8_t *kg, size_t *kglen)
{
	const struct vault_key *k;
	char aad[32];
	int rc;

	if ((k = vault_keyring_find(&d->keys, b->cred_key_id)) == NULL)
		return VCM_ENOTFOUND;
	snprintf(aad, sizeof(aad), "bmc:%lld", (long long)b->id);
	rc = vault_open_cred(k, aad, b->cred, b->cred_len, pw, pwlen, kg,
	    kglen);
	if (rc == 0)
		pw[*pwlen] = '\0';
	return rc;
}

unsigned int
bmcs_sessions_in_use(struct vcmd *d, const struct vbmc *b)
{
	(void)d;
	return b->sessions;
}

/* Fills the engine's config from the store's row; secrets opened. */
static int
engine_config(struct vcmd *d, const struct st_bmc *b,
    struct eng_bmc_config *ec)
{
	struct in_addr ia;
	uint8_t pw[VCM_IPMI_KEY_MAX + 1];
	size_t pwlen = 0, kglen = 0;
	int rc;

	memset(ec, 0, sizeof(*ec));
	if (inet_pton(AF_INET, b->addr, &ia) != 1)
		return VCM_EINVAL;
	ec->addr = ntohl(ia.s_addr);
	ec->port = b->port;
	snprintf(ec->user, sizeof(ec->user), "%s", b->user);
	if ((rc = bmcs_open_cred(d, b, pw, &pwlen, ec->kg, &kglen)) != 0) {
		vcm_wipe(pw, sizeof(pw));
		return rc;
	}
	memcpy(ec->password, pw, pwlen);
	ec->password_len = (uint8_t)pwlen;
	ec->kg_len = (uint8_t)kglen;
	vcm_wipe(pw, sizeof(pw));
	ec->max_sessions = b->max_sessions;
	snprintf(ec->quirks_override, sizeof(ec->quirks_override), "%s",
	    b->quirks);
	return 0;
}

int
bmcs_sync(struct vcmd *d, int64_t id)
{
	struct st_bmc b;
	struct eng_bmc_config ec;
	struct vbmc *v = bmcs_get(d, id);
	int64_t eid;
	int rc;

	if ((rc = store_bmc_get(d->st, id, &b)) != 0)
		return rc;
	if (v == NULL) {
		if ((v = calloc(1, sizeof(*v))) == NULL) {
			rc = VCM_ENOMEM;
			goto out;
		}
		v->id = id;
		v->reachable = -1;
		if ((rc = idmap_put(&d->bmcs, (uint64_t)id, v)) != 0) {
			free(v);
			goto out;
		}
	} else if (v->eng_id != 0) {
		/* Changed: the engine takes a BMC's config once, so it is
		 * removed (sessions closed) and added again. */
		idmap_del(&d->bmcs_eng, v->eng_id);
		eng_bmc_remove(d->eng, v->eng_id);
		v->eng_id = 0;
		v->sessions = 0;
	}
	snprintf(v->addr, sizeof(v->addr), "%s", b.addr);
	v->port = b.port;
	if ((rc = engine_config(d, &b, &ec)) != 0)
		goto out;
	eid = eng_bmc_add(d->eng, &ec);
	vcm_wipe(&ec, sizeof(ec));
	if (eid < 0) {
		rc = (int)eid;
		snprintf(v->last_error, sizeof(v->last_error), "%s",
		    vcm_strerror(rc));
		goto out;
	}
	v->eng_id = (uint32_t)eid;
	if ((rc = idmap_put(&d->bmcs_eng, v->eng_id, v)) == 0)
		rc = idmap_put(&d->eng_store, v->eng_id,
		    (void *)(intptr_t)v->id);
out:
	vcm_wipe(&b, sizeof(b));
	return rc;
}

void
bmcs_forget(struct vcmd *d, int64_t id)
{
	struct vbmc *v = idmap_del(&d->bmcs, (uint64_t)id);

	if (v == NULL)
		return;
	if (v->eng_id != 0) {
		idmap_del(&d->bmcs_eng, v->eng_id);
		eng_bmc_remove(d->eng, v->eng_id);
	}
	free(v);
}

struct loader {
	struct vcmd	*d;
	int64_t		 last;
	size_t		 n, failed;
};

static int
load_one(void *arg, const struct st_bmc *b)
{
	struct loader *l = arg;
	int rc;

	l->last = b->id;
	l->n++;
	if ((rc = bmcs_sync(l->d, b->id)) != 0) {
		l->failed++;
		vcm_log(VCM_LOG_ERROR, "bmc_load_failed", "bmc", b->name,
		    "error", vcm_strerror(rc), NULL);
	}
	return 0;
}

int
bmcs_load(struct vcmd *d)
{
	struct loader l = { d, 0, 0, 0 };
	size_t before;
	char n[24], f[24];
	int rc;

	do {
		before = l.n;
		rc = store_bmc_list(d->st, NULL, l.last, VCM_PAGE_MAX,
		    load_one, &l);
		if (rc < 0)
			return rc;
	} while (l.n - before == VCM_PAGE_MAX);
	snprintf(n, sizeof(n), "%zu", l.n);
	snprintf(f, sizeof(f), "%zu", l.failed);
	vcm_log(VCM_LOG_INFO, "bmcs_loaded", "count", n, "failed", f, NULL);
	return 0;
}

void
bmcs_free_all(struct vcmd *d)
{
	struct vbmc *v;
	struct vpower *p;
	struct vrecover *r;
	uint64_t k;

	while ((v = idmap_first(&d->bmcs, &k)) != NULL) {
		idmap_del(&d->bmcs, k);
		free(v);
	}
	while ((p = idmap_first(&d->power_ops, &k)) != NULL) {
		idmap_del(&d->power_ops, k);
		free(p);
	}
	while ((r = idmap_first(&d->recovers, &k)) != NULL) {
		idmap_del(&d->recovers, k);
		free(r);
	}
	idmap_free(&d->recovers);
	idmap_free(&d->bmcs);
	idmap_free(&d->bmcs_eng);
	idmap_free(&d->eng_store);
	idmap_free(&d->power_ops);
}

/* ---- power ---------------------------------------------------------------- */

static int
power_start(struct vcmd *d, struct vbmc *v, const char *action,
    struct vpower **out)
{
	struct eng_request rq;
	struct vpower *p;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(action, actions[i].name) == 0)
			break;
	if (i == sizeof(actions) / sizeof(actions[0]))
		return VCM_EINVAL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return VCM_ENOMEM;
	p->cookie = vcmd_cookie(d);
	p->bmc_id = v->id;
	snprintf(p->action, sizeof(p->action), "%s", action);
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_OP;
	rq.op = actions[i].op;
	rq.bmc = v->eng_id;
	rq.deadline = eng_now(d->eng) + d->cfg.bmc_timeout_ms;
	rq.cookie = p->cookie;
	if ((rc = idmap_put(&d->power_ops, p->cookie, p)) != 0 ||
	    (rc = eng_submit(d->eng, &rq)) != 0) {
		idmap_del(&d->power_ops, p->cookie);
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void
bmcs_power(struct vcmd *d, struct http_txn *txn, struct vbmc *v,
    const char *action, int64_t grant_id, int64_t tenant_id,
    int64_t server_id, const char *actor)
{
	struct vpower *p;
	int rc;

	if ((rc = power_start(d, v, action, &p)) != 0) {
		if (rc == VCM_EINVAL)
			http_reply_error(txn, 400, "bad_request",
			    "action must be status, on, off, cycle, reset, "
			    "soft, bootdev-pxe, bootdev-bios or bootdev-disk");
		else
			http_reply_error(txn, 503, "unavailable",
			    vcm_strerror(rc));
		return;
	}
	p->txn = txn;
	p->grant_id = grant_id;
	p->tenant_id = tenant_id;
	p->server_id = server_id;
	snprintf(p->actor, sizeof(p->actor), "%s", actor);
	http_txn_set_data(txn, p);
}

void
bmcs_power_ws(struct vcmd *d, struct vconn *c, const char *action)
{
	struct vpower *p;
	json_t *o;
	char *text;
	int rc;

	if ((rc = power_start(d, c->bmc, action, &p)) != 0) {
		o = json_pack("{s:s,s:s,s:s}", "type", "power", "action",
		    action, "error", rc == VCM_EINVAL ? "unknown action" :
		    vcm_strerror(rc));
		if (o && (text = json_dumps(o, JSON_COMPACT)) != NULL) {
			(void)http_ws_send(c->ws, 0, text, strlen(text));
			free(text);
		}
		json_decref(o);
		return;
	}
	p->conn = c->id;
	p->grant_id = c->grant ? c->grant->g.id : 0;
	p->tenant_id = c->grant ? c->grant->g.tenant_id : 0;
	p->server_id = c->grant ? c->grant->g.server_id : 0;
	snprintf(p->actor, sizeof(p->actor), "grant:%lld",
	    (long long)p->grant_id);
}

void
bmcs_txn_abort(struct vcmd *d, struct http_txn *txn, void *data)
{
	struct vpower *p = data;

	(void)txn;
	if (p != NULL && idmap_get(&d->power_ops, p->cookie) == p)
		p->txn = NULL;
}

static void
health_update(struct vbmc *v, const struct eng_result *r, const char *text)
{
	if (r->status == 0 || r->reason == ENG_R_CC) {
		v->reachable = 1;
		v->last_ok = vcmd_now_ms();
		if (r->status == 0)
			v->last_error[0] = '\0';
	} else if (r->reason == ENG_R_SESSION || r->reason == ENG_R_TIMEOUT)
		v->reachable = 0;
	if (r->status != 0)
		snprintf(v->last_error, sizeof(v->last_error), "%s", text);
}

void
bmcs_engine_result(void *arg, const struct eng_result *r)
{
	struct vcmd *d = arg;
	struct vpower *p = idmap_del(&d->power_ops, r->cookie);
	struct vbmc *v = idmap_get(&d->bmcs_eng, r->bmc);
	struct vrecover *rec;
	struct vconn *c;
	char text[160], action[32];
	int status;
	json_t *o;
	char *s;

	if ((rec = idmap_del(&d->recovers, r->cookie)) != NULL) {
		recover_result(d, rec, r);
		free(rec);
		return;
	}
	eng_result_format(r, text, sizeof(text));
	if (v != NULL)
		health_update(v, r, text);
	if (p == NULL)
		return;
	snprintf(action, sizeof(action), "power.%s", p->action);
	audit(d, p->actor, action, p->tenant_id, p->server_id, p->grant_id,
	    p->bmc_id, r->status == 0 ? "ok" : "error", text);
	if (r->status == 0)
		o = json_pack("{s:s,s:s}", "action", p->action, "result",
		    text);
	else
		o = NULL;
	if (p->txn != NULL) {
		http_txn_set_data(p->txn, NULL);
		if (o != NULL) {
			s = json_dumps(o, JSON_COMPACT);
			if (s != NULL)
				http_reply(p->txn, 200, "application/json", s,
				    strlen(s), NULL);
			else
				http_reply_error(p->txn, 500, "internal",
				    "out of memory");
			free(s);
		} else {
			status = r->reason == ENG_R_CC ||
			    r->reason == ENG_R_BADRS ? 502 :
			    r->reason == ENG_R_BUSY ||
			    r->reason == ENG_R_STOPPING ? 503 : 504;
			http_reply_error(p->txn, status, status == 502 ?
			    "bmc_error" : status == 503 ? "unavailable" :
			    "bmc_timeout", text);
		}
	} else if (p->conn != 0 &&
	    (c = idmap_get(&d->conns, p->conn)) != NULL && c->ws != NULL) {
		json_decref(o);
		o = json_pack("{s:s,s:s}", "type", "power", "action",
		    p->action);
		json_object_set_new(o, r->status == 0 ? "result" : "error",
		    json_string(text));
		if ((s = json_dumps(o, JSON_COMPACT)) != NULL) {
			(void)http_ws_send(c->ws, 0, s, strlen(s));
			free(s);
		}
	}
	json_decref(o);
	free(p);
}

/* ---- crash recovery ------------------------------------------------------ */

/*
 * Every session the engine opens is recorded (bmc, the BMC's session id,
 * console or not) and removed when the BMC confirms its close. After a
 * crash the rows name exactly what the dead vcmd left open;
 * bmcs_recover() closes them by id with ENG_OP_CLOSE_STALE (and ends a
 * SOL left active), then removes the rows. A close the BMC did not
 * confirm is retried the same way at once.
 */
struct vrecover {
	uint64_t	 cookie;
	int64_t		 bmc_id;
	uint32_t	 sids[VCM_ENG_STALE_MAX];
	uint8_t		 n;
	uint8_t		 sol;
	int		 startup;	/* 1: left by a previous vcmd */
};

static int
recover_submit(struct vcmd *d, struct vbmc *v, const uint32_t *sids,
    size_t n, int sol, int startup)
{
	struct eng_request rq;
	struct vrecover *r;
	size_t i;
	int rc;

	if (v == NULL || v->eng_id == 0 || n == 0)
		return VCM_EINVAL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return VCM_ENOMEM;
	r->cookie = vcmd_cookie(d);
	r->bmc_id = v->id;
	r->sol = (uint8_t)sol;
	r->startup = startup;
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_OP;
	rq.op = ENG_OP_CLOSE_STALE;
	rq.bmc = v->eng_id;
	rq.deadline = eng_now(d->eng) + VCM_VCMD_RECOVER_MS;
	rq.cookie = r->cookie;
	for (i = 0; i < n && i < VCM_ENG_STALE_MAX; i++)
		r->sids[i] = rq.stale_sids[i] = sids[i];
	r->n = rq.nstale = (uint8_t)i;
	rq.stale_sol = (uint8_t)sol;
	if ((rc = idmap_put(&d->recovers, r->cookie, r)) != 0 ||
	    (rc = eng_submit(d->eng, &rq)) != 0) {
		idmap_del(&d->recovers, r->cookie);
		free(r);
	}
	return rc;
}

void
bmcs_session_event(void *arg, const struct eng_sess_event *e)
{
	struct vcmd *d = arg;
	struct vbmc *v = idmap_get(&d->bmcs_eng, e->bmc);
	int64_t id = (int64_t)(intptr_t)idmap_get(&d->eng_store, e->bmc);
	struct st_bmc_session s;

	if (id == 0)
		return;
	memset(&s, 0, sizeof(s));
	s.bmc_id = id;
	s.sid_bmc = e->sid_c;
	s.sol = e->console;
	s.opened = vcmd_now_ms();
	if (e->kind == ENG_SE_ACTIVE) {
		if (v != NULL)
			v->sessions++;
		if (store_bmc_session_add(d->st, &s) != 0)
			vcm_log(VCM_LOG_ERROR, "bmc_session_store_failed",
			    "error", store_errmsg(d->st), NULL);
		return;
	}
	if (v != NULL && v->sessions > 0)
		v->sessions--;
	if (e->confirmed || d->stopping || v == NULL) {
		/* Unconfirmed at shutdown or after the BMC left: the row
		 * stays for the next start, which closes it. */
		if (e->confirmed)
			(void)store_bmc_session_del(d->st, id, e->sid_c);
		return;
	}
	if (recover_submit(d, v, &e->sid_c, 1, 0, 0) != 0)
		vcm_log(VCM_LOG_WARN, "bmc_session_close_retry_failed", NULL);
}

/* The result of a CLOSE_STALE: rows of closed or gone sessions go. */
static void
recover_result(struct vcmd *d, struct vrecover *r, const struct eng_result *e)
{
	char detail[160], text[128];
	size_t i;

	eng_result_format(e, text, sizeof(text));
	if (e->status == 0)
		for (i = 0; i < r->n; i++)
			(void)store_bmc_session_del(d->st, r->bmc_id,
			    r->sids[i]);
	snprintf(detail, sizeof(detail), "%s%s", r->startup ?
	    "left by a previous vcmd: " : "close not confirmed: ", text);
	audit(d, "vcmd", "bmc.recover", 0, 0, 0, r->bmc_id,
	    e->status == 0 ? "ok" : "error", detail);
}

struct stale {
	struct vcmd	*d;
	int64_t		 bmc_id;
	uint32_t	 sids[VCM_ENG_STALE_MAX];
	size_t		 n;
	int		 sol;
	size_t		 submitted;
};

static void
stale_flush(struct stale *k)
{
	if (k->n > 0 && recover_submit(k->d, bmcs_get(k->d, k->bmc_id),
	    k->sids, k->n, k->sol, 1) == 0)
		k->submitted++;
	k->n = 0;
	k->sol = 0;
}

static int
stale_one(void *arg, const struct st_bmc_session *s)
{
	struct stale *k = arg;

	if (s->bmc_id != k->bmc_id || k->n == VCM_ENG_STALE_MAX)
		stale_flush(k);
	k->bmc_id = s->bmc_id;
	k->sids[k->n++] = s->sid_bmc;
	k->sol |= s->sol;
	return 0;
}

void
bmcs_recover(struct vcmd *d)
{
	struct stale k;
	char n[24];

	memset(&k, 0, sizeof(k));
	k.d = d;
	if (store_bmc_session_list(d->st, stale_one, &k) < 0)
		vcm_log(VCM_LOG_ERROR, "bmc_sessions_unreadable", "error",
		    store_errmsg(d->st), NULL);
	stale_flush(&k);
	snprintf(n, sizeof(n), "%zu", k.submitted);
	vcm_log(VCM_LOG_INFO, "bmc_recovery", "bmcs", n, NULL);
}
