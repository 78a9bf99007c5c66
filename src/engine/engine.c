/*
 * The engine: sessions to many BMCs on one libuv loop (see engine.h).
 *
 * Ownership and re-entrancy. Session events (struct eng_env.event) come
 * from inside eng_session_*() calls, so the event handler only records:
 * it completes operations (the result callback may submit more or
 * remove a BMC) and marks the BMC dirty. Sessions are started, given
 * requests, closed and freed only by pump(), which runs for each dirty
 * BMC at the end of every loop callback (flush()). A session is freed
 * only by settle(), after the call that ended it has returned.
 *
 * Consoles (console.h). A BMC's struct eng_console lives from the first
 * viewer until its teardown is over and nobody needs it. It is bound to
 * at most one session of the BMC's budget (con_sess, marked con), which
 * is never given operations nor closed for idleness; its events go to
 * the console first. The console's requests and SOL packets go straight
 * to that session; its timer is part of the BMC's heap node, so pump()
 * runs eng_console_tick(). A TEARDOWN asking for the session to be
 * closed, output to drain and a session to open are recorded by the
 * console's callbacks and done by pump().
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>
#include <uv.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "ipmi/cmds.h"
#include "ipmi/codes.h"
#include "ipmi/defs.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"
#include "engine/engine.h"
#include "engine/quirks.h"

#define ENG_PORT_DEFAULT	623

/* Cookie of the engine's own Get Device ID (vendor table): a tag in
 * the top 16 bits no operation id (a counter) or console cookie
 * (ENG_CONSOLE_COOKIE_TAG) has, the BMC id beneath. */
#define ENG_DEVID_COOKIE_TAG	0xde1d000000000000ull
#define ENG_DEVID_COOKIE_MASK	0xffff000000000000ull

/* Where a BMC is with Get Device ID (struct eng_bmc.devid_state). */
#define DEVID_NONE	0	/* not asked yet (or asked and lost) */
#define DEVID_ASKING	1	/* outstanding on one session */
#define DEVID_DONE	2	/* profile applied (or tries spent) */

/* Heap node kinds. */
#define TN_SESS		1
#define TN_BMC		2

struct eng_tnode {
	uint64_t		 when;
	size_t			 hix;		/* heap index, or HIX_NONE */
	uint8_t			 kind;
};
#define HIX_NONE	SIZE_MAX

struct eng_qop {
	TAILQ_ENTRY(eng_qop)	 link;
	struct eng_request	 rq;
	uint64_t		 id;		/* session request cookie */
	/* ENG_OP_CLOSE_STALE: where it is (STALE_*), what it found. */
	uint8_t			 stage;
	uint8_t			 ix;		/* next of rq.stale_sids */
	uint8_t			 deact_cc;	/* last Deactivate answer */
	uint8_t			 has_cc, last_cc;	/* a refusal */
	uint8_t			 last_cmd;	/* of that refusal */
	struct eng_stale	 st;
};
TAILQ_HEAD(eng_opq, eng_qop);

struct eng_bmc;

struct eng_sess {
	struct eng_tnode	 t;		/* first: the heap's handle */
	struct eng_session	 s;
	struct eng		*e;
	struct eng_bmc		*b;
	TAILQ_ENTRY(eng_sess)	 link;
	struct eng_qop		*op;		/* in flight, at most one */
	uint64_t		 idle_at;	/* ENG_NEVER: not idle */
	uint32_t		 key;		/* SIDm in the table, 0: none */
	uint8_t			 sock;
	uint8_t			 slot;
	uint8_t			 dead;		/* FAILED or CLOSED seen */
	uint8_t			 was_active;
	uint8_t			 suite;		/* first suite tried */
	uint8_t			 con;		/* bound to the BMC's console */
	uint8_t			 devid;		/* Get Device ID outstanding */
	uint8_t			 reported;	/* ENG_SE_ACTIVE delivered */
	uint32_t		 sid_c;		/* the BMC's id, once active */
};
TAILQ_HEAD(eng_sessq, eng_sess);

struct eng_bmc {
	struct eng_tnode	 t;		/* first: queued deadlines */
	struct eng		*e;
	uint32_t		 id;
	struct sockaddr_in	 sa;
	struct eng_config	 cfg;		/* with the credentials */
	uint8_t			 max_sessions;
	uint8_t			 good_suite;	/* 0: none yet */
	uint8_t			 nsess;
	uint8_t			 removing;
	uint8_t			 dirty;
	/* The vendor table (quirks.h): what the caller configured, the
	 * operator's override, and where Get Device ID is. cfg's quirks
	 * and suites and max_sessions above are the applied result. */
	uint8_t			 devid_state;	/* DEVID_* */
	uint8_t			 devid_tries;
	uint8_t			 base_max;
	uint8_t			 base_suites[VCM_ENG_SUITES_MAX];
	uint8_t			 base_nsuites;
	uint32_t		 base_quirks;
	uint32_t		 sol_flags;	/* to the console */
	char			 override[VCM_ENG_QUIRK_SPEC_MAX + 1];
	struct eng_sessq	 sessions;
	struct eng_opq		 queue;
	unsigned int		 nqueue;
	TAILQ_ENTRY(eng_bmc)	 dlink;
	struct eng_console	*con;		/* NULL: no console */
	struct eng_sess		*con_sess;	/* its session, or NULL */
	uint64_t		 con_retry_at;	/* no new console session before */
	uint8_t			 con_fails;	/* console sessions failed in a row */
	uint8_t			 con_close;	/* TEARDOWN: close con_sess */
	uint8_t			 con_drain;	/* viewer output to deliver */
	uint8_t			 con_stopping;	/* eng_console_stop() called */
	uint64_t		 con_stop_by;	/* its teardown's bound */
	uint8_t			 vused[VCM_CONSOLE_VIEWERS_MAX];
	int32_t			 vh[VCM_CONSOLE_VIEWERS_MAX];	/* console's */
	uint64_t		 vcookie[VCM_CONSOLE_VIEWERS_MAX];
};

struct eng_sock {
	uv_udp_t		 h;
	struct eng		*e;
	unsigned int		 ix;
};

/* Open addressing, linear probing, backward-shift deletion. */
struct htab {
	uint64_t		*keys;
	void			**vals;		/* NULL: empty */
	size_t			 cap, n;
};

struct eng {
	uv_loop_t		*loop;
	uv_timer_t		 timer;
	struct eng_sock		 socks[VCM_ENG_SOCKETS_MAX];
	unsigned int		 nsock;
	unsigned int		 nopen;		/* handles not yet closed */
	uint32_t		 idle_ms;
	eng_result_cb		*cb;
	eng_console_cb		*con_cb;
	eng_session_cb		*sess_cb;
	void			*arg;
	struct eng_console_config con_cfg;
	struct eng_bmc		**bmcs;		/* by id - 1; NULL: removed */
	size_t			 nbmcs, capbmcs;
	struct htab		 sids, peers;
	struct eng_tnode	**heap;
	size_t			 nheap, capheap;
	TAILQ_HEAD(, eng_bmc)	 dirty;
	uint64_t		 next_opid;
	unsigned int		 nsess;
	uint8_t			 stopping;
	uint8_t			 handles_closing;
	struct eng_counters	 c;
	uint8_t			 rxbuf[VCM_IPMI_DATAGRAM_MAX + 1];
	/* One viewer's queue at a time on its way to console_cb. */
	uint8_t			 conbuf[VCM_CONSOLE_VIEWER_QUEUE_BYTES];
};

static void	flush(struct eng *, uint64_t);
static void	rearm(struct eng *);
static void	settle(struct eng_sess *, uint64_t);
static void	mark_dirty(struct eng_bmc *);
static void	con_session_event(struct eng_sess *, const struct eng_event *);

/* ---- hash table ---------------------------------------------------------- */

static size_t
hmix(uint64_t k)
{
	/* splitmix64's finaliser: SIDm are random, peers are not. */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return (size_t)k;
}

static void *
htab_get(const struct htab *t, uint64_t k)
{
	size_t i, m, probes;

	if (t->cap == 0)
		return NULL;
	m = t->cap - 1;
	for (i = hmix(k) & m, probes = 0; probes < t->cap;
	    i = (i + 1) & m, probes++) {
		if (t->vals[i] == NULL)
			return NULL;
		if (t->keys[i] == k)
			return t->vals[i];
	}
	return NULL;
}

static int
htab_grow(struct htab *t)
{
	struct htab nt;
	size_t i, j, m, probes;

	nt.cap = t->cap ? t->cap * 2 : 64;
	nt.n = t->n;
	if ((nt.keys = calloc(nt.cap, sizeof(*nt.keys))) == NULL)
		return VCM_ENOMEM;
	if ((nt.vals = calloc(nt.cap, sizeof(*nt.vals))) == NULL) {
		free(nt.keys);
		return VCM_ENOMEM;
	}
	m = nt.cap - 1;
	for (i = 0; i < t->cap; i++) {
		if (t->vals[i] == NULL)
			continue;
		for (j = hmix(t->keys[i]) & m, probes = 0;
		    nt.vals[j] != NULL && probes < nt.cap;
		    j = (j + 1) & m, probes++)
			;
		nt.keys[j] = t->keys[i];
		nt.vals[j] = t->vals[i];
	}
	free(t->keys);
	free(t->vals);
	*t = nt;
	return 0;
}

/* Inserts or replaces. */
static int
htab_put(struct htab *t, uint64_t k, void *v)
{
	size_t i, m, probes;
	int r;

	if ((t->n + 1) * 2 > t->cap && (r = htab_grow(t)) != 0)
		return r;
	m = t->cap - 1;
	for (i = hmix(k) & m, probes = 0; probes < t->cap;
	    i = (i + 1) & m, probes++) {
		if (t->vals[i] == NULL) {
			t->keys[i] = k;
			t->vals[i] = v;
			t->n++;
			return 0;
		}
		if (t->keys[i] == k) {
			t->vals[i] = v;
			return 0;
		}
	}
	return VCM_ENOSPC;
}

static void
htab_del(struct htab *t, uint64_t k)
{
	size_t i, j, h, m, probes;

	if (t->cap == 0)
		return;
	m = t->cap - 1;
	for (i = hmix(k) & m, probes = 0; probes < t->cap;
	    i = (i + 1) & m, probes++) {
		if (t->vals[i] == NULL)
			return;
		if (t->keys[i] == k)
			break;
	}
	if (probes >= t->cap)
		return;
	t->vals[i] = NULL;
	t->n--;
	/* Shift back the entries of the cluster that probed past i. */
	for (j = (i + 1) & m, probes = 0; t->vals[j] != NULL &&
	    probes < t->cap; j = (j + 1) & m, probes++) {
		h = hmix(t->keys[j]) & m;
		/* Entry j may move to i if its home is not in (i, j]. */
		if ((i < j) ? (h <= i || h > j) : (h <= i && h > j)) {
			t->keys[i] = t->keys[j];
			t->vals[i] = t->vals[j];
			t->vals[j] = NULL;
			i = j;
		}
	}
}

static void
htab_free(struct htab *t)
{
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

static uint64_t
peer_key(uint32_t addr, uint16_t port)
{
	return ((uint64_t)addr << 16) | port;
}

/* ---- timer heap ------------------------------------------------------------ */

static void
heap_swap(struct eng *e, size_t a, size_t b)
{
	struct eng_tnode *t = e->heap[a];

	e->heap[a] = e->heap[b];
	e->heap[b] = t;
	e->heap[a]->hix = a;
	e->heap[b]->hix = b;
}

static void
heap_up(struct eng *e, size_t i)
{
	while (i > 0 && e->heap[(i - 1) / 2]->when > e->heap[i]->when) {
		heap_swap(e, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(struct eng *e, size_t i)
{
	size_t l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < e->nheap && e->heap[l]->when < e->heap[m]->when)
			m = l;
		if (r < e->nheap && e->heap[r]->when < e->heap[m]->when)
			m = r;
		if (m == i)
			return;
		heap_swap(e, i, m);
		i = m;
	}
}

static void
heap_remove(struct eng *e, struct eng_tnode *t)
{
	size_t i = t->hix;

	if (i == HIX_NONE || i >= e->nheap)
		return;
	e->nheap--;
	if (i != e->nheap) {
		e->heap[i] = e->heap[e->nheap];
		e->heap[i]->hix = i;
		heap_down(e, i);
		heap_up(e, i);
	}
	t->hix = HIX_NONE;
}

/* Arms (or moves, or with ENG_NEVER removes) a node. */
static void
heap_set(struct eng *e, struct eng_tnode *t, uint64_t when)
{
	struct eng_tnode **nh;
	size_t ncap;

	if (when == ENG_NEVER) {
		heap_remove(e, t);
		t->when = when;
		return;
	}
	if (t->hix != HIX_NONE) {
		t->when = when;
		heap_down(e, t->hix);
		heap_up(e, t->hix);
		return;
	}
	if (e->nheap == e->capheap) {
		ncap = e->capheap ? e->capheap * 2 : 256;
		if ((nh = realloc(e->heap, ncap * sizeof(*nh))) == NULL) {
			/* Out of memory: the node is not armed; the caller's
			 * deadline is lost, so log it loudly. */
			vcm_log(VCM_LOG_ERROR, "eng_heap_nomem", NULL);
			return;
		}
		e->heap = nh;
		e->capheap = ncap;
	}
	t->when = when;
	t->hix = e->nheap;
	e->heap[e->nheap++] = t;
	heap_up(e, t->hix);
}

/* ---- small helpers ----------------------------------------------------- */

uint64_t
eng_now(struct eng *e)
{
	uv_update_time(e->loop);
	return uv_now(e->loop);
}

static struct eng_bmc *
bmc_get(struct eng *e, uint32_t id)
{
	if (id == 0 || id > e->nbmcs)
		return NULL;
	return e->bmcs[id - 1];
}

static void
mark_dirty(struct eng_bmc *b)
{
	if (b->dirty)
		return;
	b->dirty = 1;
	TAILQ_INSERT_TAIL(&b->e->dirty, b, dlink);
}

/* Makes the BMC run pump() from the timer soon, outside the caller. */
static void
poke(struct eng_bmc *b)
{
	heap_set(b->e, &b->t, 0);
}

static int
pre_session(uint8_t st)
{
	return st == ENG_S_IDLE || st == ENG_S_AUTHCAP || st == ENG_S_OPEN ||
	    st == ENG_S_RAKP1 || st == ENG_S_RAKP3 || st == ENG_S_SETPRIV;
}

/* Sends of the step a session is in (for "after N tries"). */
static uint8_t
step_tries(const struct eng_sess *x)
{
	uint8_t t = 0;
	int i;

	if (x->s.state == ENG_S_OPEN || x->s.state == ENG_S_RAKP1 ||
	    x->s.state == ENG_S_RAKP3)
		return x->s.hs_tries;
	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++)
		if (x->s.rq[i].kind != 0 && x->s.rq[i].tries > t)
			t = x->s.rq[i].tries;
	return t;
}

/* ---- results ------------------------------------------------------------- */

static void
result_init(struct eng_result *r, const struct eng_qop *op)
{
	memset(r, 0, sizeof(*r));
	r->type = ENG_MSG_RESULT;
	r->op = op->rq.op;
	r->bmc = op->rq.bmc;
	r->cookie = op->rq.cookie;
}

/* Delivers a result and frees the operation. */
static void
complete(struct eng *e, struct eng_qop *op, struct eng_result *r)
{
	free(op);
	if (r->reason == ENG_R_OK)
		e->c.ops_done++;
	else
		e->c.ops_failed++;
	if (e->cb != NULL)
		e->cb(e->arg, r);
}

static void
fail_op(struct eng *e, struct eng_qop *op, uint8_t reason, int status)
{
	struct eng_result r;

	result_init(&r, op);
	r.reason = reason;
	r.status = status;
	complete(e, op, &r);
}

/*
 * Fails every queued operation of b like tmpl. The queue is taken out
 * first: callbacks may queue new operations, which stay queued.
 */
static void
fail_queue(struct eng_bmc *b, const struct eng_result *tmpl)
{
	struct eng_opq q;
	struct eng_qop *op;
	struct eng_result r;
	unsigned int guard;

	TAILQ_INIT(&q);
	TAILQ_CONCAT(&q, &b->queue, link);
	b->nqueue = 0;
	for (guard = 0; guard <= VCM_ENG_BMC_QUEUE_MAX &&
	    (op = TAILQ_FIRST(&q)) != NULL; guard++) {
		TAILQ_REMOVE(&q, op, link);
		r = *tmpl;
		r.type = ENG_MSG_RESULT;
		r.op = op->rq.op;
		r.bmc = op->rq.bmc;
		r.cookie = op->rq.cookie;
		complete(b->e, op, &r);
	}
}

/* ---- operations ------------------------------------------------------------ */

static int
op_encode(const struct eng_qop *op, uint8_t *netfn, uint8_t *cmd,
    uint8_t *data, size_t cap, size_t *len)
{
	struct ipmi_chassis_control_rq cc;
	struct ipmi_set_boot_options_rq sb;
	struct ipmi_boot_flags bf;
	const struct ipmi_cmd *c;
	int n;

	*len = 0;
	switch (op->rq.op) {
	case ENG_OP_POWER_STATUS:
	case ENG_OP_CHASSIS_STATUS:
		*netfn = IPMI_NETFN_CHASSIS;
		*cmd = IPMI_CMD_GET_CHASSIS_STATUS;
		return 0;
	case ENG_OP_MC_INFO:
		*netfn = IPMI_NETFN_APP;
		*cmd = IPMI_CMD_GET_DEVICE_ID;
		return 0;
	case ENG_OP_POWER_ON:
	case ENG_OP_POWER_OFF:
	case ENG_OP_POWER_CYCLE:
	case ENG_OP_POWER_RESET:
	case ENG_OP_POWER_SOFT:
		memset(&cc, 0, sizeof(cc));
		cc.control = op->rq.op == ENG_OP_POWER_ON ?
		    IPMI_CHASSIS_POWER_UP : op->rq.op == ENG_OP_POWER_OFF ?
		    IPMI_CHASSIS_POWER_DOWN : op->rq.op == ENG_OP_POWER_CYCLE ?
		    IPMI_CHASSIS_POWER_CYCLE : op->rq.op == ENG_OP_POWER_RESET ?
		    IPMI_CHASSIS_HARD_RESET : IPMI_CHASSIS_SOFT_SHUTDOWN;
		*netfn = IPMI_NETFN_CHASSIS;
		*cmd = IPMI_CMD_CHASSIS_CONTROL;
		c = ipmi_cmd_find(*netfn, *cmd);
		n = ipmi_cmd_encode_rq(c, &cc, sizeof(cc), data, cap);
		break;
	case ENG_OP_BOOTDEV_PXE:
	case ENG_OP_BOOTDEV_BIOS:
	case ENG_OP_BOOTDEV_DISK:
		/* Boot flags (parameter 5), valid, next boot only, legacy
		 * BIOS: what `ipmitool chassis bootdev X` sends. */
		memset(&bf, 0, sizeof(bf));
		bf.valid = 1;
		bf.persistent = 0;
		bf.device = op->rq.op == ENG_OP_BOOTDEV_PXE ? IPMI_BOOT_DEV_PXE :
		    op->rq.op == ENG_OP_BOOTDEV_BIOS ? IPMI_BOOT_DEV_BIOS :
		    IPMI_BOOT_DEV_DISK;
		memset(&sb, 0, sizeof(sb));
		sb.selector = IPMI_BOOT_PARAM_FLAGS;
		n = ipmi_param_encode(ipmi_param_find(IPMI_PARAM_BOOT,
		    IPMI_BOOT_PARAM_FLAGS), &bf, sizeof(bf), sb.data,
		    sizeof(sb.data));
		if (n < 0)
			return n;
		sb.data_len = (uint16_t)n;
		*netfn = IPMI_NETFN_CHASSIS;
		*cmd = IPMI_CMD_SET_BOOT_OPTIONS;
		c = ipmi_cmd_find(*netfn, *cmd);
		n = ipmi_cmd_encode_rq(c, &sb, sizeof(sb), data, cap);
		break;
	default:
		return VCM_EINVAL;
	}
	if (n < 0)
		return n;
	*len = (size_t)n;
	return 0;
}

/* A reply to the operation's command: decode it into the result. */
static void
op_response(struct eng *e, struct eng_qop *op, const struct eng_event *ev)
{
	struct ipmi_get_chassis_status_rs cs;
	struct ipmi_get_device_id_rs di;
	struct eng_result r;
	uint8_t buf[1 + VCM_IPMI_MSG_DATA_MAX];
	const struct ipmi_cmd *c;
	size_t len = ev->u.response.len;

	result_init(&r, op);
	r.cmd_netfn = ev->u.response.netfn;
	r.cmd = ev->u.response.cmd;
	if (ev->u.response.cc != IPMI_CC_OK) {
		r.reason = ENG_R_CC;
		r.status = VCM_ECMD;
		r.has_status = 1;
		r.status_code = ev->u.response.cc;
		complete(e, op, &r);
		return;
	}
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	buf[0] = IPMI_CC_OK;
	if (len > 0)
		memcpy(buf + 1, ev->u.response.data, len);
	c = ipmi_cmd_find(r.cmd_netfn, r.cmd);
	switch (op->rq.op) {
	case ENG_OP_POWER_STATUS:
	case ENG_OP_CHASSIS_STATUS:
		if (ipmi_cmd_decode_rs(c, &cs, sizeof(cs), buf, len + 1) != 0)
			goto bad;
		r.u.chassis.power_on = cs.power_on;
		r.u.chassis.power_overload = cs.power_overload;
		r.u.chassis.interlock = cs.interlock;
		r.u.chassis.power_fault = cs.power_fault;
		r.u.chassis.control_fault = cs.control_fault;
		r.u.chassis.restore_policy = cs.restore_policy;
		r.u.chassis.last_ipmi_on = cs.last_ipmi_on;
		r.u.chassis.intrusion = cs.intrusion;
		r.u.chassis.drive_fault = cs.drive_fault;
		r.u.chassis.fan_fault = cs.fan_fault;
		break;
	case ENG_OP_MC_INFO:
		if (ipmi_cmd_decode_rs(c, &di, sizeof(di), buf, len + 1) != 0)
			goto bad;
		r.u.devid.device_id = di.device_id;
		r.u.devid.device_rev = di.device_rev;
		r.u.devid.fw_major = di.fw_major;
		r.u.devid.fw_minor = di.fw_minor;
		r.u.devid.ipmi_version = di.ipmi_version;
		r.u.devid.manufacturer_id = di.manufacturer_id;
		r.u.devid.product_id = di.product_id;
		break;
	default:
		break;
	}
	complete(e, op, &r);
	return;
bad:
	r.reason = ENG_R_BADRS;
	r.status = VCM_EBADMSG;
	complete(e, op, &r);
}

/* ---- crash recovery: ENG_OP_CLOSE_STALE ---------------------------------- */

/* Its steps (struct eng_qop.stage). */
#define STALE_CLOSE	0	/* Close Session naming each stale id */
#define STALE_DEACT	1	/* Deactivate Payload, SOL instance 1 */
#define STALE_VERIFY	2	/* Get Payload Activation Status */
#define STALE_DONE	3

/* Close Session: "invalid session ID" (IPMI 2.0 §22.19): already gone. */
#define ENG_CC_BAD_SESSION_ID	0x87
/* Deactivate Payload: "payload already deactivated" (§24.2). */
#define ENG_CC_ALREADY_INACTIVE	0x80
#define ENG_SOL_INSTANCE	1

/* sid names a live session of this engine to b: never close it. */
static int
stale_ours(const struct eng_bmc *b, uint32_t sid)
{
	const struct eng_sess *o;

	TAILQ_FOREACH(o, &b->sessions, link)
		if (!o->dead && (o->sid_c == sid || o->s.sid_c == sid))
			return 1;
	return 0;
}

static int
stale_repeated(const struct eng_qop *op, unsigned int ix)
{
	unsigned int i;

	for (i = 0; i < ix; i++)
		if (op->rq.stale_sids[i] == op->rq.stale_sids[ix])
			return 1;
	return 0;
}

/* The command of the stage the operation is in. */
static uint8_t
stale_cmd(const struct eng_bmc *b, const struct eng_qop *op)
{
	switch (op->stage) {
	case STALE_CLOSE:
		return IPMI_CMD_CLOSE_SESSION;
	case STALE_DEACT:
		return IPMI_CMD_DEACTIVATE_PAYLOAD;
	default:
		/* No status on such boards: a second Deactivate verifies
		 * (80h: inactive), as the console does (console.c). */
		return (b->cfg.quirks & ENG_Q_SOLSTATUS) ?
		    IPMI_CMD_DEACTIVATE_PAYLOAD : IPMI_CMD_GET_PAYLOAD_STATUS;
	}
}

/* Completes it with what it found. OK only when every id is closed or
 * gone and no SOL is left active or in doubt. */
static void
stale_done(struct eng_sess *x, struct eng_qop *op, uint8_t reason,
    int status)
{
	struct eng_result r;

	x->op = NULL;
	result_init(&r, op);
	r.u.stale = op->st;
	r.reason = reason;
	r.status = status;
	r.cmd_netfn = IPMI_NETFN_APP;
	r.cmd = reason == ENG_R_OK && op->has_cc ? op->last_cmd :
	    stale_cmd(x->b, op);
	if (reason == ENG_R_OK && (op->st.failed > 0 ||
	    op->st.sol == ENG_STALE_SOL_ACTIVE ||
	    op->st.sol == ENG_STALE_SOL_UNKNOWN)) {
		r.reason = ENG_R_CC;
		r.status = VCM_ECMD;
		r.has_status = op->has_cc;
		r.status_code = op->last_cc;
	}
	if (r.reason == ENG_R_TIMEOUT)
		r.step = ENG_S_ACTIVE;
	complete(x->e, op, &r);
}

/* Sends the operation's next request on x, or completes it. */
static void
stale_next(struct eng_sess *x, struct eng_qop *op, uint64_t now)
{
	struct eng_bmc *b = x->b;
	union {
		struct ipmi_close_session_rq		close;
		struct ipmi_deactivate_payload_rq	deact;
		struct ipmi_get_payload_status_rq	status;
	} rq;
	const struct ipmi_cmd *c;
	uint8_t data[16], cmd;
	unsigned int guard;
	uint32_t sid;
	int n, rc;

	memset(&rq, 0, sizeof(rq));
	for (guard = 0; guard <= VCM_ENG_STALE_MAX + 2; guard++) {
		if (op->stage == STALE_CLOSE && op->ix >= op->rq.nstale) {
			op->stage = op->rq.stale_sol ? STALE_DEACT :
			    STALE_DONE;
			/* Our own console of this BMC uses the SOL now:
			 * whatever is active is not stale. */
			if (op->stage == STALE_DEACT && b->con != NULL &&
			    b->con->state != ENG_CON_S_IDLE) {
				op->st.sol = ENG_STALE_SOL_SKIPPED;
				op->stage = STALE_DONE;
			}
			continue;
		}
		if (op->stage != STALE_CLOSE)
			break;
		sid = op->rq.stale_sids[op->ix];
		if (sid != 0 && !stale_repeated(op, op->ix) &&
		    !stale_ours(b, sid))
			break;
		op->st.skipped++;
		op->ix++;
	}
	switch (op->stage) {
	case STALE_CLOSE:
		rq.close.session_id = op->rq.stale_sids[op->ix];
		break;
	case STALE_DEACT:
		rq.deact.payload_type = IPMI_PAYLOAD_SOL;
		rq.deact.instance = ENG_SOL_INSTANCE;
		break;
	case STALE_VERIFY:
		if (stale_cmd(b, op) == IPMI_CMD_DEACTIVATE_PAYLOAD) {
			rq.deact.payload_type = IPMI_PAYLOAD_SOL;
			rq.deact.instance = ENG_SOL_INSTANCE;
		} else
			rq.status.payload_type = IPMI_PAYLOAD_SOL;
		break;
	default:
		stale_done(x, op, ENG_R_OK, 0);
		return;
	}
	cmd = stale_cmd(b, op);
	c = ipmi_cmd_find(IPMI_NETFN_APP, cmd);
	n = c == NULL ? VCM_EINVAL : ipmi_cmd_encode_rq(c, &rq, c->rq_size,
	    data, sizeof(data));
	rc = n < 0 ? n : eng_session_request(&x->s, IPMI_NETFN_APP, cmd,
	    data, (size_t)n, op->rq.deadline, op->id, now);
	if (rc != 0)
		stale_done(x, op, rc == VCM_ETIMEDOUT ? ENG_R_TIMEOUT :
		    ENG_R_INVALID, rc);
}

/* Get Payload Activation Status: 1 SOL active, 0 not, -1 unknown. */
static int
stale_sol_active(const struct eng_event *ev)
{
	struct ipmi_get_payload_status_rs rs;
	uint8_t buf[1 + VCM_IPMI_MSG_DATA_MAX];
	unsigned int cap;
	size_t len = ev->u.response.len;

	if (ev->u.response.cc != IPMI_CC_OK)
		return -1;
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	buf[0] = IPMI_CC_OK;
	if (len > 0)
		memcpy(buf + 1, ev->u.response.data, len);
	memset(&rs, 0, sizeof(rs));
	if (ipmi_cmd_decode_rs(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_GET_PAYLOAD_STATUS), &rs, sizeof(rs), buf, len + 1) != 0)
		return -1;
	/* A capacity of 0 means 1 (Dell M-series, console.c). */
	cap = rs.capacity & 0x0f;
	if (cap == 0)
		cap = 1;
	if (ENG_SOL_INSTANCE > cap)
		return 0;
	return (rs.active & (1u << (ENG_SOL_INSTANCE - 1))) != 0;
}

static void
stale_response(struct eng_sess *x, struct eng_qop *op,
    const struct eng_event *ev, uint64_t now)
{
	struct eng_bmc *b = x->b;
	uint8_t cc = ev->u.response.cc;
	unsigned int budget;
	int a;

	switch (op->stage) {
	case STALE_CLOSE:
		if (cc == IPMI_CC_OK)
			op->st.closed++;
		else if (cc == ENG_CC_BAD_SESSION_ID)
			op->st.gone++;
		else {
			/* D4h: not an administrator; the id stays open. */
			op->st.failed++;
			op->has_cc = 1;
			op->last_cc = cc;
			op->last_cmd = IPMI_CMD_CLOSE_SESSION;
		}
		op->ix++;
		break;
	case STALE_DEACT:
		/* 00h, or 80h "already deactivated": either way the status
		 * decides (a Deactivate may lie, quirks.h). */
		op->deact_cc = cc;
		if (op->st.sol_rounds < UINT8_MAX)
			op->st.sol_rounds++;
		if (cc == IPMI_CC_OK)
			op->st.sol = ENG_STALE_SOL_DEACTIVATED;
		op->stage = STALE_VERIFY;
		break;
	case STALE_VERIFY:
		if (stale_cmd(b, op) == IPMI_CMD_DEACTIVATE_PAYLOAD)
			a = cc == ENG_CC_ALREADY_INACTIVE &&
			    !(b->cfg.quirks & ENG_Q_DEACTLIES) ? 0 :
			    cc == IPMI_CC_OK ? 1 : -1;
		else
			a = stale_sol_active(ev);
		budget = (b->cfg.quirks & ENG_Q_DEACTLIES) ?
		    VCM_CONSOLE_LIAR_TRIES : VCM_CONSOLE_TEARDOWN_TRIES;
		if (a == 0) {
			/* DEACTIVATED when a Deactivate said 00h. */
			if (op->st.sol != ENG_STALE_SOL_DEACTIVATED)
				op->st.sol = ENG_STALE_SOL_INACTIVE;
			op->stage = STALE_DONE;
		} else if (a > 0 && op->st.sol_rounds < budget) {
			op->stage = STALE_DEACT;
		} else {
			op->st.sol = a > 0 ? ENG_STALE_SOL_ACTIVE :
			    ENG_STALE_SOL_UNKNOWN;
			if (cc != IPMI_CC_OK) {
				op->has_cc = 1;
				op->last_cc = cc;
				op->last_cmd = stale_cmd(b, op);
			}
			op->stage = STALE_DONE;
		}
		break;
	default:
		break;
	}
	stale_next(x, op, now);
}

/* Gives the operation to an ACTIVE session. */
static void
op_start(struct eng_sess *x, struct eng_qop *op, uint64_t now)
{
	struct eng_result r;
	uint8_t data[VCM_ENG_RQ_DATA_MAX];
	uint8_t netfn = 0, cmd = 0;
	size_t len;
	int rc;

	if (op->rq.op == ENG_OP_CLOSE_STALE) {
		/* Several requests, one after the other, on this session. */
		x->op = op;
		x->idle_at = ENG_NEVER;
		stale_next(x, op, now);
		return;
	}
	if ((rc = op_encode(op, &netfn, &cmd, data, sizeof(data), &len)) == 0)
		rc = eng_session_request(&x->s, netfn, cmd, data, len,
		    op->rq.deadline, op->id, now);
	if (rc != 0) {
		result_init(&r, op);
		r.reason = rc == VCM_ETIMEDOUT ? ENG_R_QUEUED : ENG_R_INVALID;
		r.status = rc;
		r.cmd_netfn = netfn;
		r.cmd = cmd;
		complete(x->e, op, &r);
		return;
	}
	x->op = op;
	x->idle_at = ENG_NEVER;
}

/* ---- vendor table ---------------------------------------------------------- */

/* Sessions the BMC may hold now: one until its vendor is known, so that
 * a vendor's cap (Cisco IMC: 2 of 4 slots) holds from the first round. */
static unsigned int
bmc_budget(const struct eng_bmc *b)
{
	return b->devid_state == DEVID_DONE ? b->max_sessions : 1;
}

/* Later sessions take quirks and suites from cfg; the console reads its
 * sol_flags at its next SOL retransmit decision, its quirks (SOL status,
 * Deactivate lies, deferred alerts) at its next request. */
static void
bmc_effect(struct eng_bmc *b, const struct eng_quirk_effect *f)
{
	b->cfg.quirks = f->quirks;
	memset(b->cfg.suites, 0, sizeof(b->cfg.suites));
	memcpy(b->cfg.suites, f->suites, f->nsuites);
	b->cfg.nsuites = f->nsuites;
	b->max_sessions = f->max_sessions;
	b->sol_flags = f->sol_flags;
	if (b->con != NULL) {
		b->con->sol_flags = f->sol_flags;
		b->con->quirks = f->quirks;
	}
}

/*
 * Get Device ID answered (have) or will not: the table's profile (the
 * empty default without an answer) with the caller's config and the
 * operator's override on top, applied and logged. Asked once: a BMC
 * that refuses the command runs with the default profile.
 */
static void
devid_done(struct eng_bmc *b, int have, uint32_t iana, uint16_t product,
    const char *why)
{
	struct eng_quirk_profile prof;
	struct eng_quirk_effect f;
	char addr[INET_ADDRSTRLEN], qs[160], err[160], man[16], prod[16];
	char ms[8], su[4 * VCM_ENG_SUITES_MAX + 1];
	size_t off = 0;
	int m, i;

	b->devid_state = DEVID_DONE;
	inet_ntop(AF_INET, &b->sa.sin_addr, addr, sizeof(addr));
	m = eng_quirks_lookup(have ? iana : 0, have ? product : 0, &prof);
	if (!have)
		m = ENG_QUIRK_MATCH_NONE;
	if (eng_quirks_apply(&prof, b->base_quirks, b->base_max,
	    b->base_suites, b->base_nsuites, b->override, &f, err,
	    sizeof(err)) != 0) {
		/* eng_bmc_add() parsed the same override: cannot happen. */
		vcm_log(VCM_LOG_ERROR, "vendor_profile", "bmc", addr,
		    "error", err, NULL);
		return;
	}
	bmc_effect(b, &f);
	if (eng_quirks_format(f.quirks, qs, sizeof(qs)) < 0)
		(void)snprintf(qs, sizeof(qs), "0x%x", (unsigned int)f.quirks);
	(void)snprintf(man, sizeof(man), "%" PRIu32, iana);
	(void)snprintf(prod, sizeof(prod), "0x%04x", (unsigned int)product);
	(void)snprintf(ms, sizeof(ms), "%u", (unsigned int)f.max_sessions);
	su[0] = '\0';
	for (i = 0; i < f.nsuites && off < sizeof(su); i++)
		off += (size_t)snprintf(su + off, sizeof(su) - off, "%s%u",
		    i ? ":" : "", (unsigned int)f.suites[i]);
	vcm_log(VCM_LOG_INFO, "vendor_profile", "bmc", addr, "name",
	    prof.name, "match", m == ENG_QUIRK_MATCH_EXACT ? "exact" :
	    m == ENG_QUIRK_MATCH_VENDOR ? "vendor" : "none",
	    "manufacturer", have ? man : "unknown", "product",
	    have ? prod : "unknown", "quirks", qs, "max_sessions", ms,
	    "suites", su, "override", b->override[0] ? b->override : "none",
	    "devid", have ? "ok" : why, NULL);
}

/* The request is gone without an answer: another session tries again,
 * VCM_ENG_DEVID_TRIES in all. */
static void
devid_lost(struct eng_bmc *b, const char *why)
{
	if (b->devid_state != DEVID_ASKING)
		return;
	if (b->e->stopping || b->removing)
		b->devid_state = DEVID_NONE;
	else if (b->devid_tries >= VCM_ENG_DEVID_TRIES)
		devid_done(b, 0, 0, 0, why);
	else
		b->devid_state = DEVID_NONE;
}

/* Asks on an ACTIVE session (an operation's first, else the console's),
 * alongside whatever it carries: the first operation is not delayed. */
static void
devid_ask(struct eng_bmc *b, uint64_t now)
{
	struct eng_sess *x, *pick = NULL;

	if (b->devid_state != DEVID_NONE)
		return;
	TAILQ_FOREACH(x, &b->sessions, link)
		if (!x->dead && x->s.state == ENG_S_ACTIVE &&
		    (pick == NULL || (pick->con && !x->con)))
			pick = x;
	if (pick == NULL)
		return;
	b->devid_tries++;
	if (eng_session_request(&pick->s, IPMI_NETFN_APP,
	    IPMI_CMD_GET_DEVICE_ID, NULL, 0, now + VCM_ENG_DEVID_MS,
	    ENG_DEVID_COOKIE_TAG | b->id, now) != 0) {
		/* No request slot: the next pump tries, within the bound. */
		if (b->devid_tries >= VCM_ENG_DEVID_TRIES)
			devid_done(b, 0, 0, 0, "not sent");
		return;
	}
	pick->devid = 1;
	b->devid_state = DEVID_ASKING;
}

static int
devid_cookie(const struct eng_event *ev)
{
	uint64_t c;

	if (ev->type == ENG_EV_RESPONSE)
		c = ev->u.response.cookie;
	else if (ev->type == ENG_EV_REQUEST_FAILED)
		c = ev->u.request_failed.cookie;
	else
		return 0;
	return (c & ENG_DEVID_COOKIE_MASK) == ENG_DEVID_COOKIE_TAG;
}

static void
devid_event(struct eng_sess *x, const struct eng_event *ev)
{
	struct eng_bmc *b = x->b;
	struct ipmi_get_device_id_rs di;
	uint8_t buf[1 + VCM_IPMI_MSG_DATA_MAX];
	size_t len;

	if (!x->devid)
		return;		/* not ours (any more) */
	x->devid = 0;
	if (ev->type == ENG_EV_REQUEST_FAILED) {
		devid_lost(b, "no answer");
		return;
	}
	if (ev->u.response.cc != IPMI_CC_OK) {
		/* Refused (C1h on some firmware): asking again won't help. */
		devid_done(b, 0, 0, 0, "refused");
		return;
	}
	len = ev->u.response.len;
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	buf[0] = IPMI_CC_OK;
	if (len > 0)
		memcpy(buf + 1, ev->u.response.data, len);
	if (ipmi_cmd_decode_rs(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_GET_DEVICE_ID), &di, sizeof(di), buf, len + 1) != 0) {
		devid_done(b, 0, 0, 0, "malformed");
		return;
	}
	devid_done(b, 1, di.manufacturer_id, di.product_id, NULL);
}

/* ---- session environment ------------------------------------------------- */

static void
sess_send(void *arg, const uint8_t *p, size_t len)
{
	struct eng_sess *x = arg;
	struct eng *e = x->e;
	uv_buf_t buf;
	int r;

	if (e->handles_closing) {
		e->c.tx_dropped++;
		return;
	}
	buf = uv_buf_init((char *)(uintptr_t)p, (unsigned int)len);
	r = uv_udp_try_send(&e->socks[x->sock].h, &buf, 1,
	    (const struct sockaddr *)&x->b->sa);
	/* A full send buffer is a lost packet: the retransmit covers it. */
	if (r < 0)
		e->c.tx_dropped++;
	else
		e->c.tx++;
}

/*
 * Random bytes. The session asks for exactly 4 bytes only for its
 * console session id (SIDm); those are also made unique in the engine
 * so that the SIDm table never has two sessions under one key.
 */
static int
sess_random(void *arg, void *buf, size_t len)
{
	struct eng_sess *x = arg;
	uint32_t v;
	int i;

	if (len > INT32_MAX)
		return VCM_EINVAL;
	if (len != sizeof(uint32_t))
		return RAND_bytes(buf, (int)len) == 1 ? 0 : VCM_ECRYPTO;
	for (i = 0; i < 16; i++) {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return VCM_ECRYPTO;
		if (v != 0 && htab_get(&x->e->sids, v) == NULL) {
			memcpy(buf, &v, sizeof(v));
			return 0;
		}
	}
	return VCM_ECRYPTO;
}

/*
 * Tells opts.session_cb that x became active (the BMC holds a session
 * named sid_c for us) or that it ended, once each (engine.h,
 * "Sessions"). Called from session events, which the callback may
 * follow with eng_submit() only: that queues and pokes.
 */
static void
sess_report(struct eng_sess *x, uint8_t kind, int confirmed)
{
	struct eng *e = x->e;
	struct eng_sess_event ev;

	if (kind == ENG_SE_ACTIVE) {
		if (x->reported)
			return;
		x->reported = 1;
	} else {
		if (x->reported != 1)
			return;
		x->reported = 2;
	}
	if (e->sess_cb == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_MSG_SESSION_EVENT;
	ev.kind = kind;
	ev.console = x->con;
	ev.confirmed = confirmed ? 1 : 0;
	ev.bmc = x->b->id;
	ev.sid_c = x->sid_c;
	ev.sid_m = x->s.sid_m;
	e->sess_cb(e->arg, &ev);
}

/* The session events every session gets, the console's too. */
static void
sess_track(struct eng_sess *x, const struct eng_event *ev)
{
	switch (ev->type) {
	case ENG_EV_ESTABLISHED:
		x->sid_c = ev->u.established.sid_c;
		sess_report(x, ENG_SE_ACTIVE, 0);
		break;
	case ENG_EV_CLOSED:
		sess_report(x, ENG_SE_CLOSED, ev->u.closed.confirmed);
		break;
	case ENG_EV_FAILED:
		sess_report(x, ENG_SE_CLOSED, ev->u.failed.bmc_closed);
		break;
	default:
		break;
	}
}

static int
bmc_other_live(const struct eng_bmc *b, const struct eng_sess *self)
{
	const struct eng_sess *o;

	TAILQ_FOREACH(o, &b->sessions, link)
		if (o != self && !o->dead && o->s.state != ENG_S_CLOSING)
			return 1;
	return 0;
}

static void
sess_event(void *arg, const struct eng_event *ev)
{
	struct eng_sess *x = arg;
	struct eng *e = x->e;
	struct eng_bmc *b = x->b;
	struct eng_qop *op;
	struct eng_result r;
	char addr[INET_ADDRSTRLEN], num[16];

	if (devid_cookie(ev)) {
		/* The engine's own Get Device ID, on any session. */
		devid_event(x, ev);
		mark_dirty(b);
		return;
	}
	sess_track(x, ev);
	if (x->con && b->con_sess == x) {
		/* The console's session: its events are the console's; it
		 * never carries operations. */
		con_session_event(x, ev);
		mark_dirty(b);
		return;
	}
	/* Only for the logs below: not on the per-packet console path. */
	inet_ntop(AF_INET, &b->sa.sin_addr, addr, sizeof(addr));
	switch (ev->type) {
	case ENG_EV_ESTABLISHED:
		b->good_suite = ev->u.established.suite;
		x->was_active = 1;
		e->c.sessions_opened++;
		break;
	case ENG_EV_FAILED:
		x->dead = 1;
		e->c.sessions_failed++;
		memset(&r, 0, sizeof(r));
		r.reason = ENG_R_SESSION;
		r.status = VCM_ESESSION;
		r.fail = ev->u.failed.reason;
		r.step = ev->u.failed.step;
		r.tries = ev->u.failed.tries;
		r.has_status = ev->u.failed.has_status;
		r.status_code = ev->u.failed.status;
		r.suite = x->s.suites[x->s.suite_ix < x->s.nsuites ?
		    x->s.suite_ix : 0];
		vcm_log(VCM_LOG_INFO, "eng_session_failed", "bmc", addr,
		    "reason", eng_fail_name(r.fail), "step",
		    eng_state_name(r.step), NULL);
		if ((op = x->op) != NULL) {
			x->op = NULL;
			r.type = ENG_MSG_RESULT;
			r.op = op->rq.op;
			r.bmc = op->rq.bmc;
			r.cookie = op->rq.cookie;
			r.reason = ENG_R_LOST;
			if (op->rq.op == ENG_OP_CLOSE_STALE)
				r.u.stale = op->st;
			complete(e, op, &r);
			r.reason = ENG_R_SESSION;
			memset(&r.u, 0, sizeof(r.u));
		}
		/* A failed handshake fails the queue unless another session
		 * of this BMC may still serve it. */
		if (!x->was_active && !bmc_other_live(b, x))
			fail_queue(b, &r);
		break;
	case ENG_EV_CLOSED:
		x->dead = 1;
		e->c.sessions_closed++;
		if (x->was_active && !ev->u.closed.confirmed) {
			e->c.close_unconfirmed++;
			(void)snprintf(num, sizeof(num), "%u",
			    ev->u.closed.cc);
			vcm_log(VCM_LOG_WARN, "eng_close_unconfirmed", "bmc",
			    addr, "answered", ev->u.closed.answered ? "yes" :
			    "no", "cc", num, NULL);
		}
		if ((op = x->op) != NULL) {
			if (op->rq.op == ENG_OP_CLOSE_STALE)
				stale_done(x, op, ENG_R_LOST, VCM_ESESSION);
			else {
				x->op = NULL;
				fail_op(e, op, ENG_R_LOST, VCM_ESESSION);
			}
		}
		break;
	case ENG_EV_RESPONSE:
		if ((op = x->op) != NULL && op->id == ev->u.response.cookie) {
			if (op->rq.op == ENG_OP_CLOSE_STALE) {
				stale_response(x, op, ev, uv_now(e->loop));
				break;
			}
			x->op = NULL;
			op_response(e, op, ev);
		}
		break;
	case ENG_EV_REQUEST_FAILED:
		if ((op = x->op) != NULL &&
		    op->id == ev->u.request_failed.cookie &&
		    op->rq.op == ENG_OP_CLOSE_STALE) {
			stale_done(x, op, ev->u.request_failed.err ==
			    VCM_ETIMEDOUT ? ENG_R_TIMEOUT : ENG_R_LOST,
			    ev->u.request_failed.err);
		} else if ((op = x->op) != NULL &&
		    op->id == ev->u.request_failed.cookie) {
			x->op = NULL;
			result_init(&r, op);
			r.reason = ev->u.request_failed.err == VCM_ETIMEDOUT ?
			    ENG_R_TIMEOUT : ENG_R_LOST;
			r.status = ev->u.request_failed.err;
			r.step = ENG_S_ACTIVE;
			r.tries = ev->u.request_failed.tries;
			(void)op_encode(op, &r.cmd_netfn, &r.cmd, NULL, 0,
			    &(size_t){ 0 });
			complete(e, op, &r);
		}
		break;
	case ENG_EV_UNREACHABLE:
		vcm_log(VCM_LOG_WARN, "eng_bmc_unreachable", "bmc", addr,
		    NULL);
		break;
	case ENG_EV_REACHABLE:
		vcm_log(VCM_LOG_INFO, "eng_bmc_reachable", "bmc", addr, NULL);
		break;
	default:
		/* SOL comes with the console slice. */
		break;
	}
	mark_dirty(b);
}

/* ---- consoles ------------------------------------------------------------ */

static void	sess_new(struct eng_bmc *, uint64_t, int);

/* 250 ms doubling to 2 s between console sessions that failed. */
static uint64_t
con_backoff(uint8_t fails)
{
	uint64_t ms = VCM_CONSOLE_SESSION_BACKOFF_MS;
	unsigned int i;

	for (i = 1; i < fails && ms < VCM_CONSOLE_SESSION_BACKOFF_CAP_MS; i++)
		ms *= 2;
	return ms > VCM_CONSOLE_SESSION_BACKOFF_CAP_MS ?
	    VCM_CONSOLE_SESSION_BACKOFF_CAP_MS : ms;
}

/* The engine's id of a console viewer: BMC id above, console handle
 * (gen << 8 | slot, below 2^31) beneath. */
static int64_t
viewer_id(const struct eng_bmc *b, int h)
{
	return (int64_t)((uint64_t)b->id << 32 | (uint32_t)h);
}

static void
con_deliver(struct eng_bmc *b, struct eng_con_event *ev)
{
	struct eng *e = b->e;

	ev->type = ENG_MSG_CONSOLE_EVENT;
	ev->bmc = b->id;
	if (e->con_cb != NULL)
		e->con_cb(e->arg, ev);
}

/* An event of the console's session: to the console, and a failure to
 * the viewers (a wrong password never heals by itself). */
static void
con_session_event(struct eng_sess *x, const struct eng_event *ev)
{
	struct eng_bmc *b = x->b;
	struct eng *e = x->e;
	struct eng_con_event ce;
	char addr[INET_ADDRSTRLEN];

	switch (ev->type) {
	case ENG_EV_ESTABLISHED:
		b->good_suite = ev->u.established.suite;
		x->was_active = 1;
		b->con_fails = 0;
		e->c.sessions_opened++;
		break;
	case ENG_EV_FAILED:
		x->dead = 1;
		e->c.sessions_failed++;
		if (b->con_fails < UINT8_MAX)
			b->con_fails++;
		break;
	case ENG_EV_CLOSED:
		x->dead = 1;
		e->c.sessions_closed++;
		if (x->was_active && !ev->u.closed.confirmed)
			e->c.close_unconfirmed++;
		break;
	default:
		break;
	}
	if (b->con != NULL)
		eng_console_session_event(b->con, ev, uv_now(e->loop));
	if (ev->type == ENG_EV_FAILED && b->con_sess == x) {
		inet_ntop(AF_INET, &b->sa.sin_addr, addr, sizeof(addr));
		vcm_log(VCM_LOG_INFO, "eng_console_session_failed", "bmc",
		    addr, "reason", eng_fail_name(ev->u.failed.reason),
		    "step", eng_state_name(ev->u.failed.step), NULL);
		memset(&ce, 0, sizeof(ce));
		ce.kind = ENG_CV_SESSION;
		ce.viewer = -1;
		ce.fail = ev->u.failed.reason;
		ce.step = ev->u.failed.step;
		ce.tries = ev->u.failed.tries;
		con_deliver(b, &ce);
	}
}

/* struct eng_console_env: requests and SOL on the console's session. */
static int
con_request(void *arg, uint8_t netfn, uint8_t cmd, const void *data,
    size_t len, uint64_t deadline, uint64_t cookie, uint64_t now)
{
	struct eng_bmc *b = arg;
	struct eng_sess *x = b->con_sess;

	if (x == NULL || x->dead || x->s.state != ENG_S_ACTIVE)
		return VCM_ESTATE;
	/* pump() settles the session (its timer moved). */
	mark_dirty(b);
	return eng_session_request(&x->s, netfn, cmd, data, len, deadline,
	    cookie, now);
}

static int
con_send_sol(void *arg, const void *pl, size_t len, uint64_t now)
{
	struct eng_bmc *b = arg;
	struct eng_sess *x = b->con_sess;

	if (x == NULL || x->dead || x->s.state != ENG_S_ACTIVE)
		return VCM_ESTATE;
	return eng_session_send_sol(&x->s, pl, len, now);
}

static void
con_event(void *arg, const struct eng_console_event *cev)
{
	struct eng_bmc *b = arg;
	struct eng_con_event ev;
	char addr[INET_ADDRSTRLEN], num[16];
	unsigned int slot = 0;

	mark_dirty(b);
	if (cev->type == ENG_CON_EV_READABLE) {
		/* pump() reads it out: one delivery per loop turn. */
		b->con_drain = 1;
		return;
	}
	/* Only for the logs below: READABLE comes with every packet. */
	inet_ntop(AF_INET, &b->sa.sin_addr, addr, sizeof(addr));
	switch (cev->type) {
	case ENG_CON_EV_STALE:
		/* Issue 5: the decision on a stale SOL is logged. */
		(void)snprintf(num, sizeof(num), "%u", cev->u.stale.tries);
		vcm_log(VCM_LOG_WARN, "eng_console_stale", "bmc", addr,
		    "decision", cev->u.stale.decision == ENG_CONSOLE_TAKE ?
		    "take" : "refuse", "tries", num, NULL);
		break;
	case ENG_CON_EV_TEARDOWN:
		if (cev->u.teardown.close_session)
			b->con_close = 1;
		(void)snprintf(num, sizeof(num), "%u", cev->u.teardown.tries);
		vcm_log(cev->u.teardown.outcome == ENG_CON_TD_LIED ?
		    VCM_LOG_WARN : VCM_LOG_INFO, "eng_console_teardown",
		    "bmc", addr, "outcome",
		    cev->u.teardown.outcome == ENG_CON_TD_VERIFIED ?
		    "verified" : cev->u.teardown.outcome == ENG_CON_TD_LIED ?
		    "lied" : cev->u.teardown.outcome == ENG_CON_TD_NONE ?
		    "none" : "unverifiable", "deactivates", num, "stopping",
		    b->con_stopping ? "yes" : "no", NULL);
		break;
	case ENG_CON_EV_UNREACHABLE:
		vcm_log(VCM_LOG_WARN, "eng_console_unreachable", "bmc", addr,
		    NULL);
		break;
	default:
		break;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = cev->type;
	ev.viewer = -1;
	ev.other = -1;
	ev.ev = *cev;
	if ((cev->type == ENG_CON_EV_WRITER ||
	    cev->type == ENG_CON_EV_WRITER_LOST) && cev->u.writer.other >= 0)
		ev.other = viewer_id(b, cev->u.writer.other);
	if (cev->viewer >= 0) {
		slot = (unsigned int)cev->viewer & 0xff;
		if (slot >= VCM_CONSOLE_VIEWERS_MAX || !b->vused[slot] ||
		    b->vh[slot] != cev->viewer)
			return;
		ev.viewer = viewer_id(b, cev->viewer);
		ev.cookie = b->vcookie[slot];
		/* The console already forgot it. */
		if (cev->type == ENG_CON_EV_DROPPED)
			b->vused[slot] = 0;
	}
	con_deliver(b, &ev);
}

/*
 * Delivers every viewer's queued output, but a paused viewer's
 * (ENG_CON_PAUSE): that stays in its console queue, bounded, until
 * ENG_CON_RESUME (the console's READABLE brings us back here).
 */
static void
con_drain(struct eng_bmc *b)
{
	uint8_t *buf = b->e->conbuf;
	struct eng_con_event ev;
	unsigned int i, guard;
	long n;

	b->con_drain = 0;
	for (i = 0; i < VCM_CONSOLE_VIEWERS_MAX; i++) {
		for (guard = 0; guard < 4 && b->con != NULL && b->vused[i] &&
		    eng_console_paused(b->con, b->vh[i]) == 0; guard++) {
			n = eng_console_read(b->con, b->vh[i], buf,
			    sizeof(b->e->conbuf));
			if (n <= 0)
				break;
			memset(&ev, 0, sizeof(ev));
			ev.kind = ENG_CV_OUTPUT;
			ev.viewer = viewer_id(b, b->vh[i]);
			ev.cookie = b->vcookie[i];
			ev.data = buf;
			ev.len = (size_t)n;
			con_deliver(b, &ev);
		}
	}
}

static void
con_pump(struct eng_bmc *b, uint64_t now)
{
	struct eng_console *c = b->con;
	struct eng_sess *x;

	if (c == NULL)
		return;
	if (b->con_close) {
		/* The verified teardown is over: give the slot back. */
		b->con_close = 0;
		if ((x = b->con_sess) != NULL) {
			b->con_sess = NULL;
			x->con = 0;
			if (!x->dead && x->s.state != ENG_S_CLOSING)
				(void)eng_session_close(&x->s, now);
		}
	}
	if (eng_console_next(c) <= now)
		eng_console_tick(c, now);
	if (eng_console_wants_session(c) && b->con_sess == NULL &&
	    now >= b->con_retry_at) {
		if (b->nsess < bmc_budget(b)) {
			sess_new(b, now, 1);
		} else {
			/* Budget full: an idle operation session makes room
			 * (its operations reopen one when they need it). */
			TAILQ_FOREACH(x, &b->sessions, link)
				if (!x->dead && !x->con && x->op == NULL &&
				    !x->devid && x->s.state == ENG_S_ACTIVE &&
				    b->nqueue == 0) {
					(void)eng_session_close(&x->s, now);
					break;
				}
		}
	}
	if (b->con_drain)
		con_drain(b);
	if (b->con != NULL && b->con->state == ENG_CON_S_IDLE &&
	    b->con->nviewers == 0 && b->con->holds == 0 &&
	    b->con_sess == NULL && !b->con_close) {
		/* Nobody needs it and the SOL was given back. */
		eng_console_free(b->con);
		free(b->con);
		b->con = NULL;
		memset(b->vused, 0, sizeof(b->vused));
	}
}

/* ---- sessions ---------------------------------------------------------- */

static void
sess_free(struct eng_sess *x)
{
	struct eng *e = x->e;
	struct eng_bmc *b = x->b;

	if (x->key != 0 && htab_get(&e->sids, x->key) == x)
		htab_del(&e->sids, x->key);
	if (b->con_sess == x) {
		/* Died under the console: a new one after a backoff. */
		b->con_sess = NULL;
		b->con_retry_at = uv_now(e->loop) +
		    con_backoff(b->con_fails);
	}
	heap_remove(e, &x->t);
	TAILQ_REMOVE(&b->sessions, x, link);
	b->nsess--;
	e->nsess--;
	e->c.sessions_now = e->nsess;
	if (x->devid) {
		/* Ended before the answer (its REQUEST_FAILED came first
		 * when the session said so). */
		x->devid = 0;
		devid_lost(b, "session ended");
	}
	if (x->op != NULL) {
		/* Cannot happen: the FAILED/CLOSED event ended it. */
		fail_op(e, x->op, ENG_R_LOST, VCM_ESESSION);
		x->op = NULL;
	}
	eng_session_wipe(&x->s);
	vcm_wipe(x, sizeof(*x));
	free(x);
	mark_dirty(b);
}

/* After every call into a session: table key, timer, or free. */
static void
settle(struct eng_sess *x, uint64_t now)
{
	struct eng *e = x->e;
	uint64_t when;

	if (x->dead || x->s.state == ENG_S_FAILED ||
	    x->s.state == ENG_S_CLOSED) {
		sess_free(x);
		return;
	}
	/*
	 * Only an ACTIVE session can be idle. One that is closing (the idle
	 * close itself, a console making room, a stop) must not keep its
	 * idle_at: once past, it put the node on the heap due at once on
	 * every settle, on_timer() never cleared it (it only wakes pump()
	 * for ACTIVE sessions), and libuv runs a timer re-armed at 0 from
	 * its own callback again without polling. The loop spun without
	 * reading a socket until the Close Session's deadline, so every
	 * idle close ended unconfirmed although the BMC had answered
	 * (eng_close_unconfirmed answered=no, vcmd's bmc.recover retries).
	 */
	if (x->s.state != ENG_S_ACTIVE)
		x->idle_at = ENG_NEVER;
	if (x->s.sid_m != x->key) {
		if (x->key != 0 && htab_get(&e->sids, x->key) == x)
			htab_del(&e->sids, x->key);
		x->key = 0;
		if (x->s.sid_m != 0 && htab_put(&e->sids, x->s.sid_m, x) == 0)
			x->key = x->s.sid_m;
	}
	when = eng_session_next(&x->s);
	if (x->idle_at < when)
		when = x->idle_at;
	(void)now;
	/*
	 * A later deadline leaves the node where it is: it fires early and
	 * on_timer() settles the session again. Every SOL packet pushes the
	 * keepalive out, and sifting the node down the heap on each one was
	 * the engine's largest own cost per packet (docs/BENCHMARKS.md,
	 * concurrent consoles); this way it moves about once a second.
	 */
	if (x->t.hix != HIX_NONE && when != ENG_NEVER && when >= x->t.when)
		return;
	heap_set(e, &x->t, when);
}

static uint64_t
queue_min_deadline(const struct eng_bmc *b)
{
	const struct eng_qop *op;
	uint64_t t = ENG_NEVER;

	TAILQ_FOREACH(op, &b->queue, link)
		if (op->rq.deadline < t)
			t = op->rq.deadline;
	return t;
}

static void
sess_new(struct eng_bmc *b, uint64_t now, int con)
{
	struct eng *e = b->e;
	struct eng_sess *x, *o;
	struct eng_config cfg;
	struct eng_env env;
	uint64_t dl, room;
	unsigned int used = 0, slot;
	int i, j, r;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		vcm_log(VCM_LOG_ERROR, "eng_session_nomem", NULL);
		return;
	}
	/* The lowest slot no live session of this BMC holds: its socket
	 * differs from theirs whenever there are enough sockets. */
	TAILQ_FOREACH(o, &b->sessions, link)
		used |= 1u << o->slot;
	for (slot = 0; slot < VCM_BMC_SESSIONS_MAX && (used & (1u << slot));
	    slot++)
		;
	x->e = e;
	x->b = b;
	x->t.kind = TN_SESS;
	x->t.hix = HIX_NONE;
	x->t.when = ENG_NEVER;
	x->idle_at = ENG_NEVER;
	x->slot = (uint8_t)slot;
	x->sock = (uint8_t)((b->id + slot) % e->nsock);
	x->con = (uint8_t)(con != 0);
	cfg = b->cfg;
	/* The suite that worked last time goes first. */
	if (b->good_suite != 0) {
		for (i = 0; i < cfg.nsuites; i++)
			if (cfg.suites[i] == b->good_suite)
				break;
		if (i < cfg.nsuites) {
			for (j = i; j > 0; j--)
				cfg.suites[j] = cfg.suites[j - 1];
			cfg.suites[0] = b->good_suite;
		}
	}
	/* The handshake may use the time to the earliest queued deadline:
	 * the caller's deadline, not a fixed 5 s, bounds it (a lossy link
	 * needs RAKP restarts). */
	dl = queue_min_deadline(b);
	room = dl > now ? dl - now : 1;
	cfg.handshake_ms = room < VCM_CTL_TIMEOUT_MAX_MS ? (uint32_t)room :
	    VCM_CTL_TIMEOUT_MAX_MS;
	if (con) {
		/* No caller's deadline: the default handshake bound, then
		 * the console backoff (a dark BMC is retried). */
		cfg.handshake_ms = 0;
		cfg.keepalive_ms = VCM_CONSOLE_KEEPALIVE_MS;
		cfg.dead_ms = VCM_CONSOLE_DEAD_MS;
		b->con_sess = x;
	}
	env.send = sess_send;
	env.random = sess_random;
	env.event = sess_event;
	env.arg = x;
	r = eng_session_init(&x->s, &cfg, &env);
	vcm_wipe(&cfg, sizeof(cfg));
	TAILQ_INSERT_TAIL(&b->sessions, x, link);
	b->nsess++;
	e->nsess++;
	e->c.sessions_now = e->nsess;
	if (e->nsess > e->c.sessions_max)
		e->c.sessions_max = e->nsess;
	x->suite = x->s.suites[0];
	if (r == 0)
		r = eng_session_start(&x->s, now);
	if (r != 0 && !x->dead && con) {
		b->con_fails = b->con_fails < UINT8_MAX ? b->con_fails + 1 :
		    UINT8_MAX;
		x->dead = 1;
	} else if (r != 0 && !x->dead) {
		struct eng_result fr;

		memset(&fr, 0, sizeof(fr));
		fr.reason = ENG_R_SESSION;
		fr.status = r;
		fr.fail = ENG_FAIL_LOCAL;
		x->dead = 1;
		if (!bmc_other_live(b, x))
			fail_queue(b, &fr);
	}
	settle(x, now);
}

/* ---- the per-BMC scheduler ------------------------------------------------ */

static void
bmc_free(struct eng_bmc *b)
{
	struct eng *e = b->e;

	heap_remove(e, &b->t);
	if (b->dirty)
		TAILQ_REMOVE(&e->dirty, b, dlink);
	htab_del(&e->peers, peer_key(ntohl(b->sa.sin_addr.s_addr),
	    ntohs(b->sa.sin_port)));
	e->bmcs[b->id - 1] = NULL;
	vcm_wipe(&b->cfg, sizeof(b->cfg));
	if (b->con != NULL) {
		eng_console_free(b->con);
		free(b->con);
	}
	free(b);
}

static void
expire_queue(struct eng_bmc *b, uint64_t now)
{
	struct eng_qop *op, *next;
	struct eng_sess *x, *hs = NULL;
	struct eng_result r;
	unsigned int guard = 0;

	TAILQ_FOREACH(x, &b->sessions, link)
		if (!x->dead && !x->con && pre_session(x->s.state))
			hs = x;
	for (op = TAILQ_FIRST(&b->queue); op != NULL &&
	    guard++ <= VCM_ENG_BMC_QUEUE_MAX; op = next) {
		next = TAILQ_NEXT(op, link);
		if (op->rq.deadline > now)
			continue;
		TAILQ_REMOVE(&b->queue, op, link);
		b->nqueue--;
		result_init(&r, op);
		r.status = VCM_ETIMEDOUT;
		if (hs != NULL) {
			/* Waiting on a handshake: name its step. */
			r.reason = ENG_R_SESSION;
			r.fail = ENG_FAIL_UNREACHABLE;
			r.step = hs->s.state;
			r.tries = step_tries(hs);
		} else {
			r.reason = ENG_R_QUEUED;
		}
		complete(b->e, op, &r);
		/* complete() may have queued more; next stays valid because
		 * new operations go to the tail after it. */
		if (next == NULL)
			break;
	}
}

/*
 * Stopping (eng_stop, eng_bmc_remove): the console's verified teardown
 * runs on its session first, so the SOL is given back before the
 * session that owns it goes. Returns 1 while that session must stay
 * (the teardown waits for the BMC, within VCM_ENG_STOP_CONSOLE_MS).
 */
static int
con_stop(struct eng_bmc *b, uint64_t now)
{
	struct eng_console *c = b->con;
	struct eng_sess *x = b->con_sess;

	if (c == NULL)
		return 0;
	if (!b->con_stopping) {
		b->con_stopping = 1;
		b->con_stop_by = now + VCM_ENG_STOP_CONSOLE_MS;
		(void)eng_console_stop(c, now);
	}
	if (b->con_close) {
		/* TEARDOWN came: the session goes with the others. */
		b->con_close = 0;
		return 0;
	}
	if (now >= b->con_stop_by || x == NULL || x->dead ||
	    x->s.state != ENG_S_ACTIVE)
		return 0;
	if (eng_console_next(c) <= now)
		eng_console_tick(c, now);
	if (b->con_close) {
		b->con_close = 0;
		return 0;
	}
	return eng_console_tearing_down(c);
}

static void
pump(struct eng_bmc *b, uint64_t now)
{
	struct eng *e = b->e;
	struct eng_sess *x, *nx;
	struct eng_sess *list[VCM_BMC_SESSIONS_MAX + 1];
	struct eng_result r;
	struct eng_qop *op;
	unsigned int hs, n, i, guard;
	uint64_t when, t;
	int keep;

	if (b->removing || e->stopping) {
		memset(&r, 0, sizeof(r));
		r.reason = ENG_R_STOPPING;
		r.status = VCM_ESTATE;
		fail_queue(b, &r);
		keep = con_stop(b, now);
		n = 0;
		TAILQ_FOREACH(x, &b->sessions, link)
			if (n < VCM_BMC_SESSIONS_MAX + 1)
				list[n++] = x;
		for (i = 0; i < n; i++) {
			x = list[i];
			if (!x->dead && x->s.state != ENG_S_CLOSING &&
			    !(keep && x == b->con_sess))
				(void)eng_session_close(&x->s, now);
			settle(x, now);
		}
		if (b->nsess == 0 && b->removing)
			bmc_free(b);
		else if (keep) {
			/* The teardown's timers, and its bound. */
			when = eng_console_next(b->con);
			heap_set(e, &b->t, when < b->con_stop_by ? when :
			    b->con_stop_by);
		} else
			heap_set(e, &b->t, ENG_NEVER);
		return;
	}
	expire_queue(b, now);

	/* Hand queued operations to idle ACTIVE sessions. */
	for (x = TAILQ_FIRST(&b->sessions); x != NULL; x = nx) {
		nx = TAILQ_NEXT(x, link);
		if (x->dead || x->con || x->s.state != ENG_S_ACTIVE ||
		    x->op != NULL)
			continue;
		if ((op = TAILQ_FIRST(&b->queue)) == NULL)
			break;
		TAILQ_REMOVE(&b->queue, op, link);
		b->nqueue--;
		op_start(x, op, now);
	}

	/* The vendor table: Get Device ID once a session is up. */
	devid_ask(b, now);

	/* Open sessions for what is still queued, within the budget. */
	hs = 0;
	TAILQ_FOREACH(x, &b->sessions, link)
		if (!x->dead && !x->con && pre_session(x->s.state))
			hs++;
	for (guard = 0; guard < VCM_BMC_SESSIONS_MAX && b->nqueue > hs &&
	    b->nsess < bmc_budget(b); guard++) {
		sess_new(b, now, 0);
		hs++;
	}

	/* The console: its timers, its session, its viewers' output. */
	con_pump(b, now);

	/* Idle sessions: close now, or arm the idle timer. */
	n = 0;
	TAILQ_FOREACH(x, &b->sessions, link)
		if (n < VCM_BMC_SESSIONS_MAX + 1)
			list[n++] = x;
	for (i = 0; i < n; i++) {
		x = list[i];
		if (!x->dead && !x->con && x->s.state == ENG_S_ACTIVE &&
		    x->op == NULL && !x->devid && b->nqueue == 0) {
			if (e->idle_ms == 0 || now >= x->idle_at) {
				x->idle_at = ENG_NEVER;
				(void)eng_session_close(&x->s, now);
			}
			else if (x->idle_at == ENG_NEVER)
				x->idle_at = now + e->idle_ms;
		} else if (x->idle_at != ENG_NEVER)
			/*
			 * Busy again (an operation, Get Device ID, the
			 * console): not idle. A past idle_at left on the heap
			 * would re-arm the timer at 0 on every pass, and
			 * libuv runs such a timer again without polling: the
			 * loop would spin until the busy spell ended.
			 */
			x->idle_at = ENG_NEVER;
		settle(x, now);
	}
	when = b->nqueue > 0 ? queue_min_deadline(b) : ENG_NEVER;
	if (b->con != NULL) {
		if ((t = eng_console_next(b->con)) < when)
			when = t;
		/*
		 * A console waiting for a session: at its backoff's end, or,
		 * once that is over and the budget is full (con_pump() asked
		 * an idle session to close, or every one is busy), soon again:
		 * the closing session's end and finished operations wake
		 * pump() themselves. Never at a past con_retry_at: that put
		 * the BMC on the heap due at once on every pass, libuv ran
		 * the timer again without polling, and the loop spun without
		 * reading the Close Session reply it waited for (closed
		 * unconfirmed at its deadline).
		 */
		if (eng_console_wants_session(b->con) && b->con_sess == NULL) {
			t = b->con_retry_at > now ? b->con_retry_at :
			    now + VCM_CONSOLE_SESSION_BACKOFF_MS;
			if (t < when)
				when = t;
		}
	}
	heap_set(e, &b->t, when);
}

static void
close_handles(struct eng *e)
{
	unsigned int i;

	if (e->handles_closing)
		return;
	e->handles_closing = 1;
	uv_timer_stop(&e->timer);
	uv_close((uv_handle_t *)&e->timer, NULL);
	for (i = 0; i < e->nsock; i++) {
		uv_udp_recv_stop(&e->socks[i].h);
		uv_close((uv_handle_t *)&e->socks[i].h, NULL);
	}
}

static void
flush(struct eng *e, uint64_t now)
{
	struct eng_bmc *b;
	size_t guard, limit;

	/* Each pump may dirty a BMC again (callbacks); bound the rounds and
	 * leave the rest to the next timer run. */
	limit = 4 * (e->nbmcs + 16);
	for (guard = 0; guard < limit && (b = TAILQ_FIRST(&e->dirty)) != NULL;
	    guard++) {
		TAILQ_REMOVE(&e->dirty, b, dlink);
		b->dirty = 0;
		pump(b, now);
	}
	while ((b = TAILQ_FIRST(&e->dirty)) != NULL) {
		TAILQ_REMOVE(&e->dirty, b, dlink);
		b->dirty = 0;
		poke(b);
	}
	if (e->stopping && e->nsess == 0)
		close_handles(e);
}

static void on_timer(uv_timer_t *);

static void
rearm(struct eng *e)
{
	uint64_t now, when;

	if (e->handles_closing)
		return;
	if (e->nheap == 0) {
		uv_timer_stop(&e->timer);
		return;
	}
	now = uv_now(e->loop);
	when = e->heap[0]->when;
	uv_timer_start(&e->timer, on_timer, when > now ? when - now : 0, 0);
}

static void
on_timer(uv_timer_t *t)
{
	struct eng *e = t->data;
	struct eng_tnode *n;
	struct eng_sess *x;
	size_t guard, limit;
	uint64_t now = eng_now(e);

	limit = e->nheap + 16;
	for (guard = 0; guard < limit && e->nheap > 0 &&
	    e->heap[0]->when <= now; guard++) {
		n = e->heap[0];
		heap_remove(e, n);
		if (n->kind == TN_BMC) {
			mark_dirty((struct eng_bmc *)(void *)n);
			continue;
		}
		x = (struct eng_sess *)(void *)n;
		if (x->idle_at <= now && x->op == NULL &&
		    x->s.state == ENG_S_ACTIVE) {
			/* Idle too long: pump() closes it. */
			mark_dirty(x->b);
		}
		if (eng_session_next(&x->s) <= now)
			eng_session_tick(&x->s, now);
		settle(x, now);
	}
	flush(e, now);
	rearm(e);
}

/* ---- receive and demultiplex ------------------------------------------ */

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct eng_sock *sk = h->data;

	buf->base = (char *)sk->e->rxbuf;
	buf->len = sizeof(sk->e->rxbuf);
}

static void
deliver(struct eng_sess *x, const uint8_t *p, size_t n, uint64_t now)
{
	x->b->e->c.rx++;
	eng_session_input(&x->s, p, n, now);
	settle(x, now);
}

/* Offers a datagram without a usable SIDm to every session of b on this
 * socket still in the handshake: each checks tag, SIDm or rqSeq. */
static void
offer(struct eng_bmc *b, unsigned int sock, const uint8_t *p, size_t n,
    uint64_t now, int authcap)
{
	struct eng_sess *list[VCM_BMC_SESSIONS_MAX + 1], *x;
	unsigned int i, cnt = 0;

	TAILQ_FOREACH(x, &b->sessions, link) {
		if (x->dead || x->sock != sock || cnt > VCM_BMC_SESSIONS_MAX)
			continue;
		if (authcap ? x->s.state == ENG_S_AUTHCAP :
		    (x->s.state == ENG_S_OPEN || x->s.state == ENG_S_RAKP1 ||
		    x->s.state == ENG_S_RAKP3))
			list[cnt++] = x;
	}
	if (cnt == 0)
		b->e->c.rx_unmatched++;
	for (i = 0; i < cnt; i++)
		deliver(list[i], p, n, now);
}

/*
 * A datagram from b that is not even a well-formed RMCP packet: carries
 * no session id, so every live session of b on this socket hears of it
 * (one, as the sessions of a BMC sit on distinct sockets); each resends
 * what it waits for (session.c, "damaged").
 */
static void
damaged(struct eng_bmc *b, unsigned int sock, const uint8_t *p, size_t n,
    uint64_t now)
{
	struct eng_sess *list[VCM_BMC_SESSIONS_MAX + 1], *x;
	unsigned int i, cnt = 0;

	b->e->c.rx_damaged++;
	TAILQ_FOREACH(x, &b->sessions, link)
		if (!x->dead && x->sock == sock && cnt <= VCM_BMC_SESSIONS_MAX)
			list[cnt++] = x;
	for (i = 0; i < cnt; i++)
		deliver(list[i], p, n, now);
}

static void
on_datagram(struct eng *e, unsigned int sock, const uint8_t *p, size_t n,
    const struct sockaddr_in *from, uint64_t now)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct eng_bmc *b;
	struct eng_sess *x;
	size_t len;
	uint32_t sid;

	b = htab_get(&e->peers, peer_key(ntohl(from->sin_addr.s_addr),
	    ntohs(from->sin_port)));
	if (b == NULL) {
		e->c.rx_unmatched++;
		return;
	}
	switch (ipmi_datagram_classify(p, n)) {
	case IPMI_DGRAM_LANPLUS:
		if (ipmi_lanplus_peek(p, n, &h) != 0) {
			damaged(b, sock, p, n, now);
			return;
		}
		if (h.session_id != 0) {
			x = htab_get(&e->sids, h.session_id);
			if (x == NULL || x->b != b || x->sock != sock)
				break;
			deliver(x, p, n, now);
			return;
		}
		/* Open Session response, RAKP2 and RAKP4 carry SIDm at
		 * offset 4 of their payload. */
		if (ipmi_lanplus_decode(p, n, NULL, &h, pl, sizeof(pl),
		    &len) == 0 && len >= 8 &&
		    (h.payload_type == IPMI_PAYLOAD_OPEN_SESSION_RS ||
		    h.payload_type == IPMI_PAYLOAD_RAKP2 ||
		    h.payload_type == IPMI_PAYLOAD_RAKP4)) {
			sid = (uint32_t)pl[4] | (uint32_t)pl[5] << 8 |
			    (uint32_t)pl[6] << 16 | (uint32_t)pl[7] << 24;
			x = htab_get(&e->sids, sid);
			if (x != NULL && x->b == b && x->sock == sock) {
				deliver(x, p, n, now);
				return;
			}
		}
		/* A short error reply (no SIDm): the handshakes decide. */
		offer(b, sock, p, n, now, 0);
		return;
	case IPMI_DGRAM_LAN15:
		offer(b, sock, p, n, now, 1);
		return;
	case IPMI_DGRAM_ASF:
		break;		/* a pong: vcm sends no ping */
	default:
		damaged(b, sock, p, n, now);
		return;
	}
	e->c.rx_unmatched++;
}

static void
on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
    const struct sockaddr *addr, unsigned flags)
{
	struct eng_sock *sk = h->data;
	struct eng *e = sk->e;
	uint64_t now;

	if (nread <= 0 || addr == NULL || addr->sa_family != AF_INET ||
	    (flags & UV_UDP_PARTIAL) || (size_t)nread > VCM_IPMI_DATAGRAM_MAX)
		return;
	now = eng_now(e);
	on_datagram(e, sk->ix, (const uint8_t *)buf->base, (size_t)nread,
	    (const struct sockaddr_in *)(const void *)addr, now);
	flush(e, now);
	rearm(e);
}

/* ---- API ---------------------------------------------------------------- */

struct eng *
eng_new(uv_loop_t *loop, const struct eng_opts *o, eng_result_cb *cb,
    void *arg, int *err)
{
	struct sockaddr_in sa;
	struct eng *e;
	unsigned int i;
	int r, sz;

	*err = 0;
	if (loop == NULL || o == NULL || o->nsockets > VCM_ENG_SOCKETS_MAX) {
		*err = VCM_EINVAL;
		return NULL;
	}
	memset(&sa, 0, sizeof(sa));
	if (uv_ip4_addr(o->bind_addr ? o->bind_addr : "0.0.0.0", 0, &sa) != 0) {
		*err = VCM_EINVAL;
		return NULL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		*err = VCM_ENOMEM;
		return NULL;
	}
	e->loop = loop;
	if (o->console_policy != ENG_CONSOLE_TAKE &&
	    o->console_policy != ENG_CONSOLE_REFUSE) {
		free(e);
		*err = VCM_EINVAL;
		return NULL;
	}
	e->cb = cb;
	e->con_cb = o->console_cb;
	e->sess_cb = o->session_cb;
	e->arg = arg;
	e->idle_ms = o->idle_ms;
	e->con_cfg.policy = o->console_policy;
	e->con_cfg.linger_ms = o->console_linger_ms;
	e->nsock = o->nsockets ? o->nsockets : VCM_ENG_SOCKETS_DEFAULT;
	TAILQ_INIT(&e->dirty);
	uv_timer_init(loop, &e->timer);
	e->timer.data = e;
	for (i = 0; i < e->nsock; i++) {
		e->socks[i].e = e;
		e->socks[i].ix = i;
		uv_udp_init(loop, &e->socks[i].h);
		e->socks[i].h.data = &e->socks[i];
		r = uv_udp_bind(&e->socks[i].h, (const struct sockaddr *)&sa, 0);
		if (r == 0) {
			sz = VCM_ENG_RCVBUF_BYTES;
			/* Best effort: the kernel caps it at rmem_max. */
			(void)uv_recv_buffer_size((uv_handle_t *)&e->socks[i].h,
			    &sz);
			r = uv_udp_recv_start(&e->socks[i].h, on_alloc,
			    on_recv);
		}
		if (r != 0) {
			vcm_log(VCM_LOG_ERROR, "eng_bind", "addr",
			    o->bind_addr ? o->bind_addr : "0.0.0.0", "error",
			    uv_strerror(r), NULL);
			e->nsock = i + 1;
			e->stopping = 1;
			close_handles(e);
			*err = VCM_EIO;
			/* The handles close on the loop; free after it runs. */
			(void)uv_run(loop, UV_RUN_NOWAIT);
			free(e);
			return NULL;
		}
	}
	return e;
}

int64_t
eng_bmc_add(struct eng *e, const struct eng_bmc_config *c)
{
	struct eng_quirk_profile prof;
	struct eng_quirk_effect f;
	struct eng_bmc *b, **nb;
	char err[160], addr[INET_ADDRSTRLEN];
	uint16_t port;
	size_t ncap, ulen, olen;
	int i, r;

	if (c == NULL || e->stopping)
		return VCM_EINVAL;
	ulen = strnlen(c->user, sizeof(c->user));
	olen = strnlen(c->quirks_override, sizeof(c->quirks_override));
	if (ulen > VCM_IPMI_USER_MAX || olen > VCM_ENG_QUIRK_SPEC_MAX || c->password_len > VCM_IPMI_KEY_MAX ||
	    c->kg_len > VCM_IPMI_KEY_MAX || c->nsuites > VCM_ENG_SUITES_MAX ||
	    c->max_sessions > VCM_BMC_SESSIONS_MAX ||
	    (c->priv != 0 && (c->priv < IPMI_PRIV_USER ||
	    c->priv > IPMI_PRIV_ADMIN)))
		return VCM_EINVAL;
	port = c->port ? c->port : ENG_PORT_DEFAULT;
	if (htab_get(&e->peers, peer_key(c->addr, port)) != NULL)
		return VCM_ESTATE;
	if (e->nbmcs >= VCM_ENG_BMCS_MAX)
		return VCM_ENOSPC;
	if (e->nbmcs == e->capbmcs) {
		ncap = e->capbmcs ? e->capbmcs * 2 : 64;
		if ((nb = realloc(e->bmcs, ncap * sizeof(*nb))) == NULL)
			return VCM_ENOMEM;
		e->bmcs = nb;
		e->capbmcs = ncap;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return VCM_ENOMEM;
	b->e = e;
	b->t.kind = TN_BMC;
	b->t.hix = HIX_NONE;
	b->t.when = ENG_NEVER;
	b->sa.sin_family = AF_INET;
	b->sa.sin_addr.s_addr = htonl(c->addr);
	b->sa.sin_port = htons(port);
	memcpy(b->cfg.user, c->user, ulen);
	memcpy(b->cfg.password, c->password, c->password_len);
	b->cfg.password_len = c->password_len;
	memcpy(b->cfg.kg, c->kg, c->kg_len);
	b->cfg.kg_len = c->kg_len;
	b->cfg.priv = c->priv ? c->priv : IPMI_PRIV_ADMIN;
	for (i = 0; i < c->nsuites; i++)
		b->base_suites[i] = c->suites[i];
	b->base_nsuites = c->nsuites;
	b->base_quirks = c->quirks;
	b->base_max = c->max_sessions;
	memcpy(b->override, c->quirks_override, olen);
	/* Until Get Device ID names the vendor: the default profile with
	 * the config and the override (a cs17only must hold from the
	 * first handshake on). */
	(void)eng_quirks_lookup(0, 0, &prof);
	if ((r = eng_quirks_apply(&prof, b->base_quirks, b->base_max,
	    b->base_suites, b->base_nsuites, b->override, &f, err,
	    sizeof(err))) != 0) {
		inet_ntop(AF_INET, &b->sa.sin_addr, addr, sizeof(addr));
		vcm_log(VCM_LOG_ERROR, "eng_quirk_override_invalid", "bmc",
		    addr, "error", err, NULL);
		vcm_wipe(b, sizeof(*b));
		free(b);
		return r;
	}
	bmc_effect(b, &f);
	TAILQ_INIT(&b->sessions);
	TAILQ_INIT(&b->queue);
	if (htab_put(&e->peers, peer_key(c->addr, port), b) != 0) {
		vcm_wipe(b, sizeof(*b));
		free(b);
		return VCM_ENOMEM;
	}
	e->bmcs[e->nbmcs++] = b;
	b->id = (uint32_t)e->nbmcs;
	return b->id;
}

uint32_t
eng_bmc_lookup(struct eng *e, uint32_t addr, uint16_t port)
{
	struct eng_bmc *b;

	b = htab_get(&e->peers, peer_key(addr, port ? port :
	    ENG_PORT_DEFAULT));
	return b ? b->id : 0;
}

int
eng_bmc_remove(struct eng *e, uint32_t id)
{
	struct eng_bmc *b;

	if ((b = bmc_get(e, id)) == NULL)
		return VCM_EINVAL;
	b->removing = 1;
	poke(b);
	rearm(e);
	return 0;
}

int
eng_submit(struct eng *e, const struct eng_request *rq)
{
	struct eng_bmc *b;
	struct eng_qop *op;

	if (rq == NULL || rq->type != ENG_MSG_OP || rq->op == 0 ||
	    rq->op >= ENG_OP__COUNT)
		return VCM_EINVAL;
	if (rq->op == ENG_OP_CLOSE_STALE && (rq->nstale > VCM_ENG_STALE_MAX ||
	    (rq->nstale == 0 && !rq->stale_sol)))
		return VCM_EINVAL;
	if ((b = bmc_get(e, rq->bmc)) == NULL)
		return VCM_EINVAL;
	if (e->stopping || b->removing)
		return VCM_ESTATE;
	if (b->nqueue >= VCM_ENG_BMC_QUEUE_MAX)
		return VCM_ENOSPC;
	if ((op = calloc(1, sizeof(*op))) == NULL)
		return VCM_ENOMEM;
	op->rq = *rq;
	op->id = ++e->next_opid;
	TAILQ_INSERT_TAIL(&b->queue, op, link);
	b->nqueue++;
	/* Never complete inside the caller: the timer runs pump(). */
	poke(b);
	rearm(e);
	return 0;
}

int64_t
eng_console_request(struct eng *e, const struct eng_con_request *rq)
{
	struct eng_console_env env;
	struct eng_console_config cc;
	struct eng_bmc *b;
	unsigned int slot = 0;
	uint64_t now;
	uint32_t bid;
	int64_t r;
	int h = -1;

	if (e == NULL || rq == NULL || rq->type != ENG_MSG_CONSOLE ||
	    rq->verb == 0 || rq->verb >= ENG_CON__COUNT)
		return VCM_EINVAL;
	if (rq->verb == ENG_CON_OPEN || rq->verb == ENG_CON_RETRY)
		bid = rq->bmc;
	else {
		if (rq->viewer < 0)
			return VCM_EINVAL;
		bid = (uint32_t)((uint64_t)rq->viewer >> 32);
		h = (int)(rq->viewer & INT32_MAX);
	}
	if ((b = bmc_get(e, bid)) == NULL)
		return VCM_EINVAL;
	now = eng_now(e);
	if (rq->verb == ENG_CON_OPEN) {
		if (e->stopping || b->removing)
			return VCM_ESTATE;
		if (b->con == NULL) {
			if ((b->con = calloc(1, sizeof(*b->con))) == NULL)
				return VCM_ENOMEM;
			env.request = con_request;
			env.send_sol = con_send_sol;
			env.event = con_event;
			env.arg = b;
			/* The engine's policy, this BMC's SOL quirks. */
			cc = e->con_cfg;
			cc.sol_flags = b->sol_flags;
			cc.quirks = b->cfg.quirks;
			if ((r = eng_console_init(b->con, &cc, &env)) != 0) {
				free(b->con);
				b->con = NULL;
				return r;
			}
		}
		if ((h = eng_console_attach(b->con, rq->rights, now)) < 0) {
			r = h;		/* pump() frees an unused console */
		} else {
			slot = (unsigned int)h & 0xff;
			b->vused[slot] = 1;
			b->vh[slot] = h;
			b->vcookie[slot] = rq->cookie;
			/* The backlog replay goes out from pump(). */
			if (eng_console_queued(b->con, h) > 0)
				b->con_drain = 1;
			r = viewer_id(b, h);
		}
		poke(b);
		rearm(e);
		return r;
	}
	if (b->con == NULL)
		return rq->verb == ENG_CON_RETRY ? VCM_ESTATE : VCM_EINVAL;
	if (rq->verb != ENG_CON_RETRY) {
		slot = (unsigned int)h & 0xff;
		if (slot >= VCM_CONSOLE_VIEWERS_MAX || !b->vused[slot] ||
		    b->vh[slot] != h)
			return VCM_EINVAL;
	}
	switch (rq->verb) {
	case ENG_CON_WRITE:
		r = eng_console_write(b->con, h, rq->data, rq->len, now);
		break;
	case ENG_CON_BREAK:
		r = eng_console_break(b->con, h, now);
		break;
	case ENG_CON_TAKE_OVER:
		r = eng_console_take_over(b->con, h);
		break;
	case ENG_CON_PAUSE:
	case ENG_CON_RESUME:
		/* RESUME with bytes queued: READABLE sets con_drain, and
		 * pump() delivers them from the loop, not from here. */
		r = eng_console_pause(b->con, h, rq->verb == ENG_CON_PAUSE);
		break;
	case ENG_CON_DETACH:
		if ((r = eng_console_detach(b->con, h, now)) == 0)
			b->vused[slot] = 0;
		break;
	default:
		r = eng_console_retry(b->con, now);
		break;
	}
	/* Timers moved (SOL retransmit, linger): pump() rearms them. */
	poke(b);
	rearm(e);
	return r;
}

int
eng_console_is_writer(struct eng *e, int64_t viewer)
{
	struct eng_bmc *b;

	if (e == NULL || viewer < 0 ||
	    (b = bmc_get(e, (uint32_t)((uint64_t)viewer >> 32))) == NULL ||
	    b->con == NULL)
		return 0;
	return eng_console_writer(b->con) == (int)(viewer & INT32_MAX);
}

int
eng_console_state(struct eng *e, uint32_t bmc)
{
	struct eng_bmc *b = bmc_get(e, bmc);

	return b == NULL || b->con == NULL ? ENG_CON_S_IDLE : b->con->state;
}

void
eng_stop(struct eng *e)
{
	size_t i;

	if (e->stopping)
		return;
	e->stopping = 1;
	for (i = 0; i < e->nbmcs; i++)
		if (e->bmcs[i] != NULL && (e->bmcs[i]->nqueue > 0 ||
		    e->bmcs[i]->nsess > 0 || e->bmcs[i]->con != NULL))
			poke(e->bmcs[i]);
	if (e->nsess == 0 && e->nheap == 0) {
		close_handles(e);
		return;
	}
	rearm(e);
}

void
eng_free(struct eng *e)
{
	struct eng_bmc *b;
	struct eng_sess *x;
	struct eng_qop *op;
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nbmcs; i++) {
		if ((b = e->bmcs[i]) == NULL)
			continue;
		while ((x = TAILQ_FIRST(&b->sessions)) != NULL) {
			TAILQ_REMOVE(&b->sessions, x, link);
			eng_session_wipe(&x->s);
			free(x->op);
			vcm_wipe(x, sizeof(*x));
			free(x);
		}
		while ((op = TAILQ_FIRST(&b->queue)) != NULL) {
			TAILQ_REMOVE(&b->queue, op, link);
			free(op);
		}
		vcm_wipe(&b->cfg, sizeof(b->cfg));
		if (b->con != NULL) {
			eng_console_free(b->con);
			free(b->con);
		}
		free(b);
	}
	free(e->bmcs);
	free(e->heap);
	htab_free(&e->sids);
	htab_free(&e->peers);
	free(e);
}

void
eng_counters(const struct eng *e, struct eng_counters *c)
{
	*c = e->c;
	c->sessions_now = e->nsess;
}

/* ---- names and text ----------------------------------------------------- */

const char *
eng_op_name(unsigned int op)
{
	static const char *const names[ENG_OP__COUNT] = {
		[ENG_OP_POWER_STATUS] = "power status",
		[ENG_OP_POWER_ON] = "power on",
		[ENG_OP_POWER_OFF] = "power off",
		[ENG_OP_POWER_CYCLE] = "power cycle",
		[ENG_OP_POWER_RESET] = "power reset",
		[ENG_OP_POWER_SOFT] = "power soft",
		[ENG_OP_BOOTDEV_PXE] = "bootdev pxe",
		[ENG_OP_BOOTDEV_BIOS] = "bootdev bios",
		[ENG_OP_BOOTDEV_DISK] = "bootdev disk",
		[ENG_OP_MC_INFO] = "mc info",
		[ENG_OP_CHASSIS_STATUS] = "chassis status",
		[ENG_OP_CLOSE_STALE] = "close stale",
	};

	return op < ENG_OP__COUNT && names[op] ? names[op] : "unknown";
}

const char *
eng_step_name(unsigned int st)
{
	switch (st) {
	case ENG_S_IDLE:
	case ENG_S_AUTHCAP:
		return "Get Channel Auth Caps";
	case ENG_S_OPEN:
		return "Open Session";
	case ENG_S_RAKP1:
		return "RAKP2";		/* RAKP1 sent, waiting for RAKP2 */
	case ENG_S_RAKP3:
		return "RAKP4";
	case ENG_S_SETPRIV:
		return "Set Session Privilege";
	case ENG_S_ACTIVE:
		return "the command";
	case ENG_S_CLOSING:
		return "Close Session";
	default:
		return "the session";
	}
}

static const char *
cmd_text(const struct eng_result *r)
{
	const struct ipmi_cmd *c = ipmi_cmd_find(r->cmd_netfn, r->cmd);

	return c != NULL && c->name != NULL ? c->name : "the command";
}

static const char *
restore_text(uint8_t p)
{
	return p == 0 ? "always-off" : p == 1 ? "previous" :
	    p == 2 ? "always-on" : "unknown";
}

static const char *
stale_sol_text(uint8_t sol)
{
	static const char *const names[] = {
		[ENG_STALE_SOL_NONE] = "not asked",
		[ENG_STALE_SOL_INACTIVE] = "inactive",
		[ENG_STALE_SOL_DEACTIVATED] = "deactivated (verified)",
		[ENG_STALE_SOL_ACTIVE] = "STILL ACTIVE",
		[ENG_STALE_SOL_UNKNOWN] = "unknown (the BMC would not say)",
		[ENG_STALE_SOL_SKIPPED] = "skipped (our console uses it)",
	};

	return sol < sizeof(names) / sizeof(names[0]) && names[sol] ?
	    names[sol] : "unknown";
}

/* ENG_OP_CLOSE_STALE: the counts, then why it is not OK if it is not. */
static int
stale_format(const struct eng_result *r, char *buf, size_t cap)
{
	const struct eng_stale *st = &r->u.stale;
	char why[96];
	int n;

	why[0] = '\0';
	if (r->reason == ENG_R_CC && r->has_status)
		(void)snprintf(why, sizeof(why), "; %s answered %02Xh",
		    cmd_text(r), r->status_code);
	else if (r->reason == ENG_R_TIMEOUT)
		(void)snprintf(why, sizeof(why), "; timeout in %s",
		    cmd_text(r));
	else if (r->reason == ENG_R_LOST)
		(void)snprintf(why, sizeof(why), "; session lost");
	n = snprintf(buf, cap, "closed %u, already gone %u, failed %u, "
	    "skipped %u; sol %s%s", st->closed, st->gone, st->failed,
	    st->skipped, stale_sol_text(st->sol), why);
	return n;
}

size_t
eng_result_format(const struct eng_result *r, char *buf, size_t cap)
{
	const char *st;
	int n = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (r->op == ENG_OP_CLOSE_STALE && (r->reason == ENG_R_OK ||
	    r->reason == ENG_R_CC || r->reason == ENG_R_TIMEOUT ||
	    r->reason == ENG_R_LOST)) {
		n = stale_format(r, buf, cap);
		goto out;
	}
	switch (r->reason) {
	case ENG_R_OK:
		switch (r->op) {
		case ENG_OP_POWER_STATUS:
			n = snprintf(buf, cap, "%s",
			    r->u.chassis.power_on ? "on" : "off");
			break;
		case ENG_OP_CHASSIS_STATUS:
			n = snprintf(buf, cap, "power=%s restore=%s "
			    "last-on-by-ipmi=%s overload=%s interlock=%s "
			    "power-fault=%s control-fault=%s intrusion=%s "
			    "drive-fault=%s fan-fault=%s",
			    r->u.chassis.power_on ? "on" : "off",
			    restore_text(r->u.chassis.restore_policy),
			    r->u.chassis.last_ipmi_on ? "yes" : "no",
			    r->u.chassis.power_overload ? "yes" : "no",
			    r->u.chassis.interlock ? "yes" : "no",
			    r->u.chassis.power_fault ? "yes" : "no",
			    r->u.chassis.control_fault ? "yes" : "no",
			    r->u.chassis.intrusion ? "yes" : "no",
			    r->u.chassis.drive_fault ? "yes" : "no",
			    r->u.chassis.fan_fault ? "yes" : "no");
			break;
		case ENG_OP_MC_INFO:
			n = snprintf(buf, cap, "manufacturer=%" PRIu32
			    " product=0x%04x device=%u firmware=%u.%02x "
			    "ipmi=%u.%u", r->u.devid.manufacturer_id,
			    r->u.devid.product_id, r->u.devid.device_id,
			    r->u.devid.fw_major, r->u.devid.fw_minor,
			    r->u.devid.ipmi_version & 0x0f,
			    r->u.devid.ipmi_version >> 4);
			break;
		default:
			n = snprintf(buf, cap, "ok");
			break;
		}
		break;
	case ENG_R_SESSION:
		switch (r->fail) {
		case ENG_FAIL_UNREACHABLE:
			n = snprintf(buf, cap, "timeout in %s after %u tries",
			    eng_step_name(r->step), r->tries);
			break;
		case ENG_FAIL_NO_SLOTS:
			if (r->suite == 17)
				n = snprintf(buf, cap, "no free session slot "
				    "on the BMC (RMCP+ status %02Xh)",
				    r->status_code);
			else
				/* Intel M50CYP answers 01h to suite 3
				 * (IPMI.md, FreeIPMI Auth#28). */
				n = snprintf(buf, cap, "no free session slot "
				    "on the BMC (RMCP+ status %02Xh) with "
				    "cipher suite %u; some BMCs answer this "
				    "to a suite they refuse (try -C 17)",
				    r->status_code, r->suite);
			break;
		case ENG_FAIL_BAD_USER:
			n = snprintf(buf, cap, "unknown user name (RMCP+ "
			    "status %02Xh)", r->status_code);
			break;
		case ENG_FAIL_BAD_PASSWORD:
			n = snprintf(buf, cap, "wrong password (RAKP2 key "
			    "exchange code mismatch)");
			break;
		case ENG_FAIL_KEY_CONFIRM:
			n = snprintf(buf, cap, "RAKP4 integrity check "
			    "mismatch (wrong Kg?)");
			break;
		case ENG_FAIL_PRIV:
			n = snprintf(buf, cap, "privilege level not available "
			    "to this user in %s", eng_step_name(r->step));
			break;
		case ENG_FAIL_NO_SUITE:
			n = snprintf(buf, cap, "no cipher suite accepted by "
			    "the BMC (last tried %u)", r->suite);
			break;
		case ENG_FAIL_NO_IPMI20:
			n = snprintf(buf, cap, "the BMC does not offer IPMI 2.0"
			    " (RMCP+)");
			break;
		case ENG_FAIL_PROTOCOL:
			st = r->has_status ?
			    ipmi_rmcpplus_status_name(r->status_code) : NULL;
			n = snprintf(buf, cap, "protocol error in %s%s%s",
			    eng_step_name(r->step), st ? ": " : "",
			    st ? st : "");
			break;
		default:
			n = snprintf(buf, cap, "session failed in %s (%s)",
			    eng_step_name(r->step), eng_fail_name(r->fail));
			break;
		}
		break;
	case ENG_R_TIMEOUT:
		n = snprintf(buf, cap, "timeout in %s after %u tries",
		    cmd_text(r), r->tries);
		break;
	case ENG_R_QUEUED:
		n = snprintf(buf, cap, "timeout waiting for a free session "
		    "to the BMC");
		break;
	case ENG_R_CC:
		st = ipmi_cc_name_cmd(r->cmd_netfn, r->cmd, r->status_code);
		n = snprintf(buf, cap, "%s failed: completion code %02Xh%s%s%s",
		    cmd_text(r), r->status_code, st ? " (" : "",
		    st ? st : "", st ? ")" : "");
		break;
	case ENG_R_BADRS:
		n = snprintf(buf, cap, "malformed reply to %s", cmd_text(r));
		break;
	case ENG_R_LOST:
		n = snprintf(buf, cap, "session lost during %s", cmd_text(r));
		break;
	case ENG_R_STOPPING:
		n = snprintf(buf, cap, "cancelled: engine stopping");
		break;
	default:
		n = snprintf(buf, cap, "failed: %s", vcm_strerror(r->status));
		break;
	}
out:
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n < cap ? (size_t)n : cap - 1;
}
