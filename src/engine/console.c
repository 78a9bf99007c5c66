/*
 * One SOL per BMC shared by every viewer (issue 5, PRODUCT.md pains 1-3,
 * 6 and 8): activation with the stale-SOL policy, data both ways through
 * the lib/ipmi/sol.c machines, fan-out with bounded per-viewer queues
 * and a backlog ring, one writer with explicit take-over, reconnection
 * by itself, and a teardown that verifies the BMC really let go.
 *
 * Pure: time is an argument, every output goes through the env, and the
 * only allocations are the backlog ring and the viewer queues, each of a
 * fixed size from lib/vcm/limits.h. Nothing the BMC sends is used as a
 * length or an index before it is checked against what we sent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/cmds.h"
#include "ipmi/defs.h"
#include "ipmi/sol.h"
#include "engine/session.h"
#include "engine/console.h"
#include "engine/quirks.h"

/* A joining viewer gets the whole backlog in its queue at once. */
_Static_assert(VCM_CONSOLE_VIEWER_QUEUE_BYTES >= VCM_CONSOLE_BACKLOG_BYTES,
    "a viewer queue holds a backlog replay");
/* One SOL packet always fits an empty viewer queue. */
_Static_assert(VCM_CONSOLE_VIEWER_QUEUE_BYTES >= VCM_SOL_DATA_MAX,
    "a viewer queue holds one packet");
/* Viewer handles are gen << 8 | slot. */
_Static_assert(VCM_CONSOLE_VIEWERS_MAX <= 256, "slot fits 8 bits");
_Static_assert(VCM_CONSOLE_TAKE_TRIES < UINT8_MAX &&
    VCM_CONSOLE_REACTIVATE_TRIES < UINT8_MAX &&
    VCM_CONSOLE_TEARDOWN_TRIES < UINT8_MAX &&
    VCM_CONSOLE_LIAR_TRIES < UINT8_MAX &&
    VCM_CONSOLE_CONTRADICT_MAX < UINT8_MAX, "tries fit a byte");
_Static_assert(VCM_CONSOLE_HOLDS_MAX <= UINT16_MAX, "holds fit 16 bits");

/* The console's requests; the kind is the low byte of the cookie. */
enum {
	RQ_NONE = 0,
	RQ_ACTIVATE,		/* Activate Payload */
	RQ_CHECK,		/* Activation Status after 80h */
	RQ_TAKE,		/* Deactivate a stale SOL */
	RQ_DEACT,		/* teardown Deactivate */
	RQ_VERIFY,		/* teardown Activation Status */
	RQ_POLL			/* silence: is our SOL still active? */
};

/* SOL payload instance 1: the only one vcm uses (IPMI.md §2.4). */
#define SOL_INSTANCE		1
/* Activate Payload, SOL auxiliary data bits 3:2 (IPMI 2.0 §24.1):
 * 01b, serial/modem alerts deferred while SOL is active. */
#define SOL_ALERTS_DEFERRED	0x01
#define GEN_MAX			0x7fffffu

static const char *const state_names[ENG_CON_S__COUNT] = {
	"idle", "waiting", "activating", "checking", "taking", "live",
	"refused", "deactivating", "verifying"
};

static const char *const why_names[ENG_CON_WHY__COUNT] = {
	"none", "sol-deactivated", "bmc-unreachable", "session-lost",
	"no-ack", "sol-gone", "activate-failed"
};

static void	 try_activate(struct eng_console *, uint64_t);
static void	 start_teardown(struct eng_console *, uint64_t);

/* ---- small helpers ---------------------------------------------------- */

/* Nobody needs the SOL of a stopping console, whoever is attached. */
static int
needed(const struct eng_console *c)
{
	return !c->stopping && (c->nviewers > 0 || c->holds > 0);
}

/*
 * Get Payload Activation Status is not believed: learned (contradictions)
 * or known from the vendor table (ENG_Q_SOLSTATUS: not implemented, or
 * blind to an existing SOL).
 */
static int
status_unreliable(const struct eng_console *c)
{
	return c->status_unreliable || (c->quirks & ENG_Q_SOLSTATUS);
}

/*
 * Deactivate rounds (teardown) and take rounds (stale SOL): more on a
 * board whose Deactivate Payload lies (ENG_Q_DEACTLIES, Supermicro
 * H8QME, Dell M-series): its "OK" is never the end of it.
 */
static uint8_t
deact_budget(const struct eng_console *c, int take)
{
	if (c->quirks & ENG_Q_DEACTLIES)
		return VCM_CONSOLE_LIAR_TRIES;
	return take ? VCM_CONSOLE_TAKE_TRIES : VCM_CONSOLE_TEARDOWN_TRIES;
}

static void
emit(struct eng_console *c, struct eng_console_event *ev)
{
	if (c->env.event != NULL)
		c->env.event(c->env.arg, ev);
}

static void
emit_simple(struct eng_console *c, uint8_t type, int32_t viewer)
{
	struct eng_console_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.viewer = viewer;
	emit(c, &ev);
}

/*
 * Keystrokes held by the BMC: our packet NACKed and not settled since,
 * or "character transfer unavailable". Viewers hear of each change once
 * (ENG_CON_EV_FLOW); called at the end of the entry points that can
 * change either (session events, timers, stop), never mid-way.
 */
static void
flow_update(struct eng_console *c)
{
	struct eng_console_event ev;
	uint8_t blocked = c->flow_nack || c->paused;

	if (blocked == c->flow_told)
		return;
	c->flow_told = blocked;
	if (blocked)
		c->stats.flow_blocks++;
	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_CON_EV_FLOW;
	ev.viewer = -1;
	ev.u.flow.blocked = blocked;
	ev.u.flow.unavailable = c->paused;
	ev.u.flow.nacked = c->flow_nack;
	emit(c, &ev);
}

static void
emit_peer(struct eng_console *c, uint8_t kind)
{
	struct eng_console_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_CON_EV_PEER_ERROR;
	ev.viewer = -1;
	ev.u.peer.kind = kind;
	emit(c, &ev);
}

static uint64_t
after(uint64_t now, uint32_t ms)
{
	return now > ENG_NEVER - ms - 1 ? ENG_NEVER - 1 : now + ms;
}

/* 250 ms doubling to 2 s: quick after a reboot drop, cheap when dark. */
static uint32_t
backoff(uint8_t tries)
{
	uint32_t ms = VCM_CONSOLE_BACKOFF_MS;
	unsigned int i;

	for (i = 1; i < tries && ms < VCM_CONSOLE_BACKOFF_CAP_MS; i++)
		ms *= 2;
	return ms > VCM_CONSOLE_BACKOFF_CAP_MS ? VCM_CONSOLE_BACKOFF_CAP_MS : ms;
}

/* Appends to a ring of cap bytes, dropping the oldest when full. */
static void
ring_put(uint8_t *buf, uint32_t cap, uint32_t *head, uint32_t *len,
    const uint8_t *data, size_t n)
{
	uint32_t tail, part, over;

	if (n >= cap) {
		data += n - cap;
		n = cap;
	}
	if (*len + n > cap) {
		over = (uint32_t)(*len + n - cap);
		*head = (*head + over) % cap;
		*len -= over;
	}
	while (n > 0) {
		tail = (*head + *len) % cap;
		part = cap - tail;
		if (part > n)
			part = (uint32_t)n;
		memcpy(buf + tail, data, part);
		*len += part;
		data += part;
		n -= part;
	}
}

/* Copies n <= len bytes from the ring's start (not consumed). */
static void
ring_peek(const uint8_t *buf, uint32_t cap, uint32_t head, uint32_t len,
    uint8_t *out, size_t n)
{
	uint32_t part;

	if (n > len)
		n = len;
	while (n > 0) {
		part = cap - head;
		if (part > n)
			part = (uint32_t)n;
		memcpy(out, buf + head, part);
		head = (head + part) % cap;
		out += part;
		n -= part;
	}
}

/* ---- viewers ------------------------------------------------------------ */

static struct eng_console_viewer *
viewer_get(struct eng_console *c, int h)
{
	struct eng_console_viewer *v;
	unsigned int slot;

	if (h < 0)
		return NULL;
	slot = (unsigned int)h & 0xff;
	if (slot >= VCM_CONSOLE_VIEWERS_MAX)
		return NULL;
	v = &c->viewers[slot];
	if (!v->used || v->gen != ((unsigned int)h >> 8))
		return NULL;
	return v;
}

static int
viewer_handle(const struct eng_console *c, const struct eng_console_viewer *v)
{
	return (int)(v->gen << 8 | (uint32_t)(v - c->viewers));
}

/* The last viewer or grant went away: teardown after the linger. */
static void
need_down(struct eng_console *c, uint64_t now)
{
	if (c->state != ENG_CON_S_IDLE)
		c->linger_at = after(now, c->linger_ms);
}

/* Someone needs the SOL again: cancel the linger, or start. */
static void
need_up(struct eng_console *c, uint64_t now)
{
	c->linger_at = ENG_NEVER;
	if (c->state == ENG_CON_S_IDLE) {
		c->state = ENG_CON_S_WAITING;
		c->tries = 0;
		c->takes = 0;
		c->contra = 0;
		c->retry_at = now;
		try_activate(c, now);
	}
}

static void
viewer_free(struct eng_console *c, struct eng_console_viewer *v, uint64_t now)
{
	int h = viewer_handle(c, v);

	free(v->q);
	c->mem -= VCM_CONSOLE_VIEWER_QUEUE_BYTES;
	v->q = NULL;
	v->used = 0;
	v->paused = 0;
	v->len = v->head = 0;
	c->nviewers--;
	if (c->writer == h)
		c->writer = -1;
	if (!needed(c))
		need_down(c, now);
}

/*
 * Queues output for one viewer. A viewer whose queue would overflow is
 * skipped ahead: what it had not read is dropped and it is told how
 * much; if it overflows again before it ever drained its queue, it is
 * stalled, not slow, and is dropped. Either way the BMC and the other
 * viewers never wait for it.
 */
static void
viewer_push(struct eng_console *c, int h, const uint8_t *data, size_t n,
    uint64_t now)
{
	struct eng_console_viewer *v;
	struct eng_console_event ev;
	uint32_t skipped = 0, was;
	int overflow = 0;

	if ((v = viewer_get(c, h)) == NULL)
		return;
	if (v->len + n > VCM_CONSOLE_VIEWER_QUEUE_BYTES) {
		if (v->overflowed) {
			c->stats.drops++;
			c->stats.skipped += v->len + n;
			viewer_free(c, v, now);
			emit_simple(c, ENG_CON_EV_DROPPED, h);
			return;
		}
		skipped = v->len;
		v->head = v->len = 0;
		v->overflowed = 1;
		overflow = 1;
		c->stats.overflows++;
		c->stats.skipped += skipped;
	}
	was = v->len;
	ring_put(v->q, VCM_CONSOLE_VIEWER_QUEUE_BYTES, &v->head, &v->len,
	    data, n);
	if (overflow) {
		memset(&ev, 0, sizeof(ev));
		ev.type = ENG_CON_EV_OVERFLOW;
		ev.viewer = h;
		ev.u.overflow.skipped = skipped;
		emit(c, &ev);
	}
	if (was == 0 && n > 0)
		emit_simple(c, ENG_CON_EV_READABLE, h);
}

/* New bytes from the BMC: into the backlog and every viewer's queue. */
static void
fanout(struct eng_console *c, const uint8_t *data, size_t n, uint64_t now)
{
	int hs[VCM_CONSOLE_VIEWERS_MAX];
	size_t i, nh = 0;

	if (n == 0)
		return;
	c->stats.rx_bytes += n;
	if (c->backlog == NULL &&
	    (c->backlog = malloc(VCM_CONSOLE_BACKLOG_BYTES)) != NULL)
		c->mem += VCM_CONSOLE_BACKLOG_BYTES;
	if (c->backlog != NULL)
		ring_put(c->backlog, VCM_CONSOLE_BACKLOG_BYTES, &c->bl_head,
		    &c->bl_len, data, n);
	/*
	 * Snapshot the handles: an event callback may attach a viewer
	 * (whose replayed backlog already holds these bytes) or detach one.
	 */
	for (i = 0; i < VCM_CONSOLE_VIEWERS_MAX; i++)
		if (c->viewers[i].used)
			hs[nh++] = viewer_handle(c, &c->viewers[i]);
	for (i = 0; i < nh; i++)
		viewer_push(c, hs[i], data, n, now);
}

/* ---- requests ------------------------------------------------------------ */

int
eng_console_cookie_ours(uint64_t cookie)
{
	return (cookie & ENG_CONSOLE_COOKIE_MASK) == ENG_CONSOLE_COOKIE_TAG;
}

static void	 rq_failed(struct eng_console *, uint8_t, uint64_t);

/*
 * Sends one console request. Only one is outstanding; the generation in
 * the cookie makes a late answer to an abandoned request harmless.
 * A request the session cannot take fails through rq_failed(), whose
 * every path ends at a timer or a terminal state, so it cannot recurse
 * without bound.
 */
static void
send_rq(struct eng_console *c, uint8_t kind, uint64_t now)
{
	union {
		struct ipmi_activate_payload_rq		act;
		struct ipmi_deactivate_payload_rq	deact;
		struct ipmi_get_payload_status_rq	status;
	} rq;
	uint8_t buf[16], cmd;
	const struct ipmi_cmd *d;
	uint64_t cookie;
	int len, r;

	memset(&rq, 0, sizeof(rq));
	/*
	 * No status to ask (ENG_Q_SOLSTATUS): a teardown verifies with a
	 * second Deactivate. "80h already deactivated" is the BMC saying
	 * the payload is inactive; 00h means it was still active
	 * (on_verify). The request stays RQ_VERIFY for the answer.
	 */
	switch (kind == RQ_VERIFY && (c->quirks & ENG_Q_SOLSTATUS) ?
	    RQ_DEACT : kind) {
	case RQ_ACTIVATE:
		cmd = IPMI_CMD_ACTIVATE_PAYLOAD;
		rq.act.payload_type = IPMI_PAYLOAD_SOL;
		rq.act.instance = SOL_INSTANCE;
		/* Encryption and authentication on: keystrokes carry
		 * passwords. */
		rq.act.sol_auth = 1;
		rq.act.sol_encrypt = 1;
		/* Serial alerts deferred while SOL is active (01b): some
		 * boards refuse Activate otherwise (ENG_Q_SOLDEFERALERTS). */
		if (c->quirks & ENG_Q_SOLDEFERALERTS)
			rq.act.sol_alert = SOL_ALERTS_DEFERRED;
		break;
	case RQ_TAKE:
	case RQ_DEACT:
		cmd = IPMI_CMD_DEACTIVATE_PAYLOAD;
		rq.deact.payload_type = IPMI_PAYLOAD_SOL;
		rq.deact.instance = SOL_INSTANCE;
		break;
	default:
		cmd = IPMI_CMD_GET_PAYLOAD_STATUS;
		rq.status.payload_type = IPMI_PAYLOAD_SOL;
		break;
	}
	c->rq_gen = c->rq_gen >= UINT32_MAX ? 1 : c->rq_gen + 1;
	c->rq_kind = kind;
	cookie = ENG_CONSOLE_COOKIE_TAG | (uint64_t)c->rq_gen << 8 | kind;
	d = ipmi_cmd_find(IPMI_NETFN_APP, cmd);
	len = d == NULL ? VCM_EINVAL : ipmi_cmd_encode_rq(d, &rq, d->rq_size,
	    buf, sizeof(buf));
	r = len < 0 ? len : c->env.request(c->env.arg, IPMI_NETFN_APP, cmd,
	    buf, (size_t)len, after(now, c->request_ms), cookie, now);
	if (r < 0) {
		c->rq_kind = RQ_NONE;
		rq_failed(c, kind, now);
	}
}

/* Decodes response data (after the cc) of an App command into out. */
static int
decode_rs(uint8_t cmd, uint8_t cc, const uint8_t *data, size_t len,
    void *out, size_t size)
{
	uint8_t buf[1 + VCM_IPMI_MSG_DATA_MAX];
	const struct ipmi_cmd *d;

	if (len > VCM_IPMI_MSG_DATA_MAX || (len > 0 && data == NULL))
		return VCM_ERANGE;
	if ((d = ipmi_cmd_find(IPMI_NETFN_APP, cmd)) == NULL)
		return VCM_EINVAL;
	buf[0] = cc;
	if (len > 0)
		memcpy(buf + 1, data, len);
	return ipmi_cmd_decode_rs(d, out, size, buf, len + 1);
}

/*
 * Reads Get Payload Activation Status: 1 active, 0 inactive, <0 unknown.
 * Dell M-series reports a capacity of 0; FreeIPMI assumes 1 (SOL#16),
 * and so do we: instance 1 is then still described by bit 0.
 */
static int
status_active(struct eng_console *c, uint8_t cc, const uint8_t *data,
    size_t len)
{
	struct ipmi_get_payload_status_rs rs;
	unsigned int cap;

	if (cc != 0)
		return VCM_EBADMSG;
	memset(&rs, 0, sizeof(rs));
	if (decode_rs(IPMI_CMD_GET_PAYLOAD_STATUS, cc, data, len, &rs,
	    sizeof(rs)) != 0)
		return VCM_EBADMSG;
	cap = rs.capacity & 0x0f;
	if (cap == 0) {
		c->stats.capacity0++;
		cap = 1;
	}
	if (SOL_INSTANCE > cap)
		return 0;
	return (rs.active & (1u << (SOL_INSTANCE - 1))) != 0;
}

/* ---- state changes ------------------------------------------------------ */

static void
refuse(struct eng_console *c, uint8_t reason, uint8_t cc)
{
	struct eng_console_event ev;

	c->state = ENG_CON_S_REFUSED;
	c->rq_kind = RQ_NONE;
	c->retry_at = ENG_NEVER;
	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_CON_EV_REFUSED;
	ev.viewer = -1;
	ev.u.refused.reason = reason;
	ev.u.refused.cc = cc;
	emit(c, &ev);
}

/* Forgets everything in flight to the BMC, keeping our packet number. */
static uint32_t
sol_reset(struct eng_console *c, int keep_seq)
{
	uint32_t dropped = c->in_len;
	uint8_t seq = c->tx.seq;

	ipmi_sol_tx_init(&c->tx);
	if (keep_seq)
		c->tx.seq = seq;
	c->stats.input_dropped += dropped;
	c->in_len = c->in_head = 0;
	c->break_pending = 0;
	c->ack_pending = 0;
	c->paused = c->nacked = c->flow_nack = 0;
	c->out_flags = 0;
	c->tx_at = c->cts_at = ENG_NEVER;
	return dropped;
}

static void
go_live(struct eng_console *c, int resume, uint64_t now)
{
	struct eng_console_event ev;

	c->state = ENG_CON_S_LIVE;
	c->rq_kind = RQ_NONE;
	c->sol_mine = 1;
	c->tries = 0;
	c->takes = 0;
	c->gone_check = 0;
	c->retry_at = ENG_NEVER;
	(void)sol_reset(c, resume);
	if (!resume)
		ipmi_sol_rx_init(&c->rx);
	c->last_rx = now;
	c->stats.activations++;
	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_CON_EV_LIVE;
	ev.viewer = -1;
	ev.u.live.again = c->was_live;
	c->was_live = 1;
	emit(c, &ev);
}

/*
 * The SOL is lost (or the BMC went dark): tell viewers and re-activate
 * after a backoff. Queued keystrokes are dropped and counted: typed-ahead
 * text must not land in whatever prompt a rebooted host shows next.
 */
static void
reconnect(struct eng_console *c, uint8_t why, uint64_t now)
{
	struct eng_console_event ev;
	uint32_t dropped;

	dropped = sol_reset(c, 1);
	c->state = ENG_CON_S_WAITING;
	c->rq_kind = RQ_NONE;
	c->stats.reconnects++;
	c->retry_at = after(now, backoff(c->tries));
	memset(&ev, 0, sizeof(ev));
	ev.viewer = -1;
	if (why == ENG_CON_WHY_UNREACHABLE)
		ev.type = ENG_CON_EV_UNREACHABLE;
	else {
		ev.type = ENG_CON_EV_RECONNECTING;
		ev.u.reconnecting.why = why;
		ev.u.reconnecting.dropped_input = dropped;
	}
	emit(c, &ev);
}

static void
try_activate(struct eng_console *c, uint64_t now)
{
	if (c->state != ENG_CON_S_WAITING || !c->session_ok ||
	    !c->reachable || !needed(c) || c->rq_kind != RQ_NONE)
		return;
	if (c->tries >= VCM_CONSOLE_REACTIVATE_TRIES) {
		refuse(c, ENG_CON_REF_GAVE_UP, 0);
		return;
	}
	c->tries++;
	c->retry_at = ENG_NEVER;
	c->state = ENG_CON_S_ACTIVATING;
	send_rq(c, RQ_ACTIVATE, now);
}

static void
wait_retry(struct eng_console *c, uint64_t now)
{
	c->state = ENG_CON_S_WAITING;
	c->rq_kind = RQ_NONE;
	c->retry_at = after(now, backoff(c->tries));
}

/* A stale SOL, left active by someone else: the policy decides. */
static void
stale(struct eng_console *c, uint64_t now)
{
	struct eng_console_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_CON_EV_STALE;
	ev.viewer = -1;
	ev.u.stale.decision = c->policy;
	ev.u.stale.tries = c->takes;
	if (c->policy == ENG_CONSOLE_REFUSE) {
		emit(c, &ev);
		refuse(c, ENG_CON_REF_IN_USE, 0x80);
		return;
	}
	if (c->takes >= deact_budget(c, 1)) {
		refuse(c, ENG_CON_REF_TAKE_FAILED, 0x80);
		return;
	}
	c->takes++;
	c->stats.takes++;
	ev.u.stale.tries = c->takes;
	emit(c, &ev);
	if (c->state != ENG_CON_S_CHECKING &&
	    c->state != ENG_CON_S_ACTIVATING)
		return;		/* the callback changed our course */
	c->state = ENG_CON_S_TAKING;
	send_rq(c, RQ_TAKE, now);
}

static void
finish_teardown(struct eng_console *c, uint8_t outcome, uint64_t now)
{
	struct eng_console_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_CON_EV_TEARDOWN;
	ev.viewer = -1;
	ev.u.teardown.outcome = outcome;
	ev.u.teardown.tries = c->td_tries;
	ev.u.teardown.lies = c->td_lies;
	ev.u.teardown.already = c->td_already;
	c->rq_kind = RQ_NONE;
	c->retry_at = ENG_NEVER;
	c->sol_mine = 0;
	c->was_live = 0;
	(void)sol_reset(c, 0);
	if (needed(c) && c->session_ok) {
		/* Someone came back while we verified: start over on the
		 * same session. */
		c->state = ENG_CON_S_WAITING;
		c->tries = c->takes = c->contra = 0;
		c->retry_at = now;
		ev.u.teardown.close_session = 0;
	} else {
		c->state = needed(c) ? ENG_CON_S_WAITING : ENG_CON_S_IDLE;
		c->retry_at = c->state == ENG_CON_S_WAITING ? now : ENG_NEVER;
		c->session_ok = 0;
		c->reachable = 1;
		ev.u.teardown.close_session = 1;
	}
	emit(c, &ev);
	if (c->state == ENG_CON_S_WAITING)
		try_activate(c, now);
}

static void
start_teardown(struct eng_console *c, uint64_t now)
{
	int maybe_active;

	c->linger_at = ENG_NEVER;
	c->td_tries = c->td_lies = c->td_already = c->td_said_ok = 0;
	/*
	 * Deactivate only what may be ours: after a give-up on our packets
	 * the SOL was probably stolen, and deactivating would kill the new
	 * owner's console (IPMI.md §2.4).
	 */
	maybe_active = c->sol_mine || c->state == ENG_CON_S_ACTIVATING ||
	    c->state == ENG_CON_S_TAKING;
	(void)sol_reset(c, 0);
	if (!maybe_active) {
		finish_teardown(c, ENG_CON_TD_NONE, now);
		return;
	}
	if (!c->session_ok) {
		finish_teardown(c, ENG_CON_TD_UNVERIFIABLE, now);
		return;
	}
	c->state = ENG_CON_S_DEACTIVATING;
	c->td_tries = 1;
	c->retry_at = ENG_NEVER;
	send_rq(c, RQ_DEACT, now);
}

/* One teardown round failed or the SOL is still active: again, or end. */
static void
teardown_again(struct eng_console *c, uint8_t outcome, uint64_t now)
{
	if (c->td_tries < deact_budget(c, 0) && c->session_ok) {
		c->state = ENG_CON_S_DEACTIVATING;
		c->rq_kind = RQ_NONE;
		c->retry_at = after(now, VCM_CONSOLE_TEARDOWN_RETRY_MS);
		return;
	}
	finish_teardown(c, outcome, now);
}

static void
rq_failed(struct eng_console *c, uint8_t kind, uint64_t now)
{
	switch (kind) {
	case RQ_ACTIVATE:
	case RQ_TAKE:
		if (c->state == ENG_CON_S_ACTIVATING ||
		    c->state == ENG_CON_S_TAKING)
			wait_retry(c, now);
		break;
	case RQ_CHECK:
		/* Activate said "active" and we cannot see otherwise. */
		if (c->state == ENG_CON_S_CHECKING)
			stale(c, now);
		break;
	case RQ_DEACT:
	case RQ_VERIFY:
		if (c->state == ENG_CON_S_DEACTIVATING ||
		    c->state == ENG_CON_S_VERIFYING)
			teardown_again(c, c->td_lies > 0 ? ENG_CON_TD_LIED :
			    ENG_CON_TD_UNVERIFIABLE, now);
		break;
	default:
		break;		/* a lost poll: the session's keepalive speaks */
	}
}

static void
on_activate(struct eng_console *c, uint8_t cc, const uint8_t *data,
    size_t len, uint64_t now)
{
	struct ipmi_activate_payload_rs rs;
	unsigned int max;

	if (c->state != ENG_CON_S_ACTIVATING)
		return;
	if (cc == 0x00) {
		/*
		 * Characters per packet: the BMC's inbound payload size less
		 * our 4-byte header, never above what a count byte can ACK
		 * (an AMI BMC reported 1 KiB, IPMI.md §1.4).
		 */
		max = VCM_SOL_DATA_MAX;
		memset(&rs, 0, sizeof(rs));
		if (decode_rs(IPMI_CMD_ACTIVATE_PAYLOAD, cc, data, len, &rs,
		    sizeof(rs)) == 0 && rs.inbound_size > IPMI_SOL_HDR_LEN &&
		    (unsigned int)rs.inbound_size - IPMI_SOL_HDR_LEN < max)
			max = (unsigned int)rs.inbound_size - IPMI_SOL_HDR_LEN;
		c->data_max = (uint8_t)max;
		go_live(c, 0, now);
		return;
	}
	if (cc == 0x80 || cc == 0x82) {
		/*
		 * "Already active" on the session that activated it and never
		 * saw it go: our own SOL survived a dark spell. Resume rather
		 * than deactivate our own console (or refuse it).
		 */
		if (c->sol_mine && cc == 0x80) {
			if (c->gone_check) {
				/* Status said gone, Activate says active. */
				c->stats.contradictions++;
				if (++c->contra >= VCM_CONSOLE_CONTRADICT_MAX)
					c->status_unreliable = 1;
			}
			go_live(c, 1, now);
			return;
		}
		if (c->quirks & ENG_Q_SOLSTATUS) {
			/* No status to ask (X8SIL-F answers CCh, Quanta
			 * S99Q never shows a SOL): 80h is taken as a
			 * stale SOL without the check. */
			stale(c, now);
			return;
		}
		c->state = ENG_CON_S_CHECKING;
		send_rq(c, RQ_CHECK, now);
		return;
	}
	/* 81h disabled, 83h/84h encryption rules, others: not ours to fix. */
	refuse(c, ENG_CON_REF_BMC, cc);
}

static void
on_check(struct eng_console *c, uint8_t cc, const uint8_t *data, size_t len,
    uint64_t now)
{
	int a;

	if (c->state != ENG_CON_S_CHECKING)
		return;
	a = status_unreliable(c) ? 1 : status_active(c, cc, data, len);
	if (a == 0) {
		/*
		 * "Activation Status says inactive, Activate says active"
		 * (Intel firmware, IPMI.md §2.4): try again a few times, then
		 * stop believing the status and treat the SOL as stale.
		 */
		c->stats.contradictions++;
		if (++c->contra < VCM_CONSOLE_CONTRADICT_MAX) {
			wait_retry(c, now);
			return;
		}
		c->status_unreliable = 1;
	}
	stale(c, now);
}

static void
on_deact(struct eng_console *c, uint8_t cc, uint64_t now)
{
	if (c->state != ENG_CON_S_DEACTIVATING)
		return;
	c->td_said_ok = cc == 0x00;
	if (cc == 0x80) {
		/* "Already deactivated" while active: Dell M605/M610/M915.
		 * Verify, as for any answer. */
		c->td_already++;
		c->stats.deact_already++;
	}
	c->state = ENG_CON_S_VERIFYING;
	send_rq(c, RQ_VERIFY, now);
}

static void
on_verify(struct eng_console *c, uint8_t cc, const uint8_t *data,
    size_t len, uint64_t now)
{
	int a;

	if (c->state != ENG_CON_S_VERIFYING)
		return;
	if (c->quirks & ENG_Q_SOLSTATUS) {
		/* The second Deactivate's answer (send_rq). */
		if (cc == 0x80 && !(c->quirks & ENG_Q_DEACTLIES)) {
			finish_teardown(c, ENG_CON_TD_VERIFIED, now);
			return;
		}
		if (cc == 0x80) {
			/* 80h is also what a lying board says while the SOL
			 * stays active (Dell M): nothing left to ask. */
			teardown_again(c, ENG_CON_TD_UNVERIFIABLE, now);
			return;
		}
		a = cc == 0x00 ? 1 : VCM_EBADMSG;
	} else
		a = status_active(c, cc, data, len);
	if (a == 0) {
		finish_teardown(c, ENG_CON_TD_VERIFIED, now);
		return;
	}
	if (a < 0) {
		teardown_again(c, c->td_lies > 0 ? ENG_CON_TD_LIED :
		    ENG_CON_TD_UNVERIFIABLE, now);
		return;
	}
	/* Still active. After an OK that is the Supermicro H8QME lie. */
	if (c->td_said_ok) {
		c->td_lies++;
		c->stats.deact_lies++;
	}
	teardown_again(c, ENG_CON_TD_LIED, now);
}

static void
on_poll(struct eng_console *c, uint8_t cc, const uint8_t *data, size_t len,
    uint64_t now)
{
	if (c->state != ENG_CON_S_LIVE)
		return;
	if (status_active(c, cc, data, len) == 0) {
		/* Dropped without the "deactivating" bit (Intel SR1520ML
		 * after a reboot). If the status lies instead (Quanta
		 * S99Q), Activate answers 80h and we resume. */
		c->gone_check = 1;
		reconnect(c, ENG_CON_WHY_GONE, now);
	}
}

static void
on_response(struct eng_console *c, const struct eng_event *e, uint64_t now)
{
	uint64_t cookie = e->u.response.cookie;
	uint8_t kind = (uint8_t)(cookie & 0xff);

	if (c->rq_kind == RQ_NONE || kind != c->rq_kind ||
	    (uint32_t)(cookie >> 8) != c->rq_gen)
		return;		/* a late answer to an abandoned request */
	c->rq_kind = RQ_NONE;
	switch (kind) {
	case RQ_ACTIVATE:
		on_activate(c, e->u.response.cc, e->u.response.data,
		    e->u.response.len, now);
		break;
	case RQ_CHECK:
		on_check(c, e->u.response.cc, e->u.response.data,
		    e->u.response.len, now);
		break;
	case RQ_TAKE:
		/* 00h, 80h/81h "already deactivated": activate again; a
		 * refusal shows in the Activate answer. */
		if (c->state == ENG_CON_S_TAKING) {
			c->state = ENG_CON_S_ACTIVATING;
			send_rq(c, RQ_ACTIVATE, now);
		}
		break;
	case RQ_DEACT:
		on_deact(c, e->u.response.cc, now);
		break;
	case RQ_VERIFY:
		on_verify(c, e->u.response.cc, e->u.response.data,
		    e->u.response.len, now);
		break;
	case RQ_POLL:
		on_poll(c, e->u.response.cc, e->u.response.data,
		    e->u.response.len, now);
		break;
	default:
		break;
	}
}

/* ---- SOL data ------------------------------------------------------------ */

/* Sends the outstanding packet (again), with any ACK we owe. */
static void
send_data(struct eng_console *c, uint64_t now)
{
	uint8_t data[VCM_SOL_DATA_MAX], pl[IPMI_SOL_PKT_MAX];
	struct ipmi_sol_pkt p;
	int n;

	memset(&p, 0, sizeof(p));
	p.seq = c->tx.seq;
	p.len = c->tx.len;
	ring_peek(c->in, VCM_CONSOLE_INPUT_BYTES, c->in_head, c->in_len,
	    data, p.len);
	p.data = p.len > 0 ? data : NULL;
	p.flags = c->out_flags;
	if (c->ack_pending) {
		p.ack_seq = c->ack_seq;
		p.accepted = c->ack_count;
		if (c->ack_nack)
			p.flags |= IPMI_SOL_OP_NACK;
		c->ack_pending = 0;
	}
	if ((n = ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, pl, sizeof(pl))) > 0)
		(void)c->env.send_sol(c->env.arg, pl, (size_t)n, now);
	/* While unavailable the next new packet waits as long (pump). */
	c->tx_at = c->cts_at = after(now, c->sol_retry_ms);
}

static void
send_ack(struct eng_console *c, uint64_t now)
{
	uint8_t pl[IPMI_SOL_HDR_LEN];
	struct ipmi_sol_pkt p;
	int n;

	memset(&p, 0, sizeof(p));
	p.ack_seq = c->ack_seq;
	p.accepted = c->ack_count;
	p.flags = c->ack_nack ? IPMI_SOL_OP_NACK : 0;
	c->ack_pending = 0;
	if ((n = ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, pl, sizeof(pl))) > 0)
		(void)c->env.send_sol(c->env.arg, pl, (size_t)n, now);
}

/* Input waits while the BMC says "character transfer unavailable". */
static int
cts_held(const struct eng_console *c)
{
	return c->paused && c->tx.state == IPMI_SOL_TX_IDLE &&
	    (c->in_len > 0 || c->break_pending);
}

/*
 * Sends what is due: a new data packet when none is outstanding, else
 * an ACK-only packet when one is owed. One packet in flight at a time
 * (SOL allows no more). While the BMC says "character transfer
 * unavailable" (CTS off) a data packet goes out only every
 * sol_retry_ms: the BMC NACKs it while unavailable, and once it takes
 * characters again the keystrokes flow even if its one packet saying
 * so was lost (it may never send another).
 */
static void
pump(struct eng_console *c, uint64_t now)
{
	size_t n;

	if (c->state != ENG_CON_S_LIVE)
		return;
	if (c->tx.state == IPMI_SOL_TX_IDLE &&
	    (c->in_len > 0 || c->break_pending) &&
	    (!c->paused || c->cts_at <= now)) {
		n = c->in_len < c->data_max ? c->in_len : c->data_max;
		if (ipmi_sol_tx_send(&c->tx, n) > 0) {
			if (c->paused)
				c->stats.cts_probes++;
			c->out_flags = c->break_pending ? IPMI_SOL_OP_BREAK : 0;
			c->break_pending = 0;
			c->nacked = 0;
			send_data(c, now);
			return;
		}
	}
	if (c->ack_pending)
		send_ack(c, now);
}

static void
in_consume(struct eng_console *c, size_t n)
{
	if (n > c->in_len)
		n = c->in_len;
	c->in_head = (uint32_t)((c->in_head + n) % VCM_CONSOLE_INPUT_BYTES);
	c->in_len -= (uint32_t)n;
	c->stats.tx_bytes += n;
}

static void
sol_packet(struct eng_console *c, const uint8_t *data, size_t len,
    uint64_t now)
{
	struct ipmi_sol_pkt p;
	struct ipmi_sol_rx_res res;
	uint8_t acc = 0, was;
	int k;

	if (c->state != ENG_CON_S_LIVE) {
		/* SOL before the Activate answer is not parsed as anything
		 * (ipmitool#254); FreeIPMI drops it too. */
		c->stats.early_packets++;
		return;
	}
	if (ipmi_sol_decode(data, len, IPMI_SOL_TO_CONSOLE, &p) != 0) {
		c->stats.bad_packets++;
		emit_peer(c, ENG_CON_PEER_BAD_PACKET);
		return;
	}
	c->stats.rx_packets++;
	c->last_rx = now;

	/* Their ACK of our packet: counts checked against what we sent. */
	k = ipmi_sol_tx_ack(&c->tx, &p, &acc);
	if (k == IPMI_SOL_TX_OVERCOUNT)
		c->stats.overcounts++;	/* clamped to what we sent */
	switch (k) {
	case IPMI_SOL_TX_OVERCOUNT:
	case IPMI_SOL_TX_FULL:
	case IPMI_SOL_TX_PARTIAL:
		in_consume(c, acc);
		if (c->out_flags & IPMI_SOL_OP_BREAK)
			c->stats.breaks++;
		c->out_flags = 0;
		c->nacked = c->flow_nack = 0;
		c->tx_at = ENG_NEVER;
		break;
	case IPMI_SOL_TX_NACKED:
		/* Flow control: the BMC's buffer is full (or characters are
		 * unavailable). Hold the packet and resend after a pause
		 * without spending the budget; the NACK shows the SOL is
		 * still ours, so resends lost before it are forgiven. */
		c->stats.nacks++;
		c->nacked = c->flow_nack = 1;
		c->tx.retries = 0;
		c->tx_at = after(now, c->sol_retry_ms);
		break;
	case IPMI_SOL_TX_STALE:
		c->stats.stale_acks++;
		break;
	default:
		break;
	}
	if (k == IPMI_SOL_TX_OVERCOUNT)
		emit_peer(c, ENG_CON_PEER_OVERCOUNT);
	if (c->state != ENG_CON_S_LIVE)
		return;
	was = c->paused;
	c->paused = (p.flags & IPMI_SOL_ST_UNAVAIL) != 0;
	if (c->paused && !was)
		c->cts_at = after(now, c->sol_retry_ms);	/* pump */

	/* Their characters: only new bytes go out, the ACK covers all. */
	if (p.seq != 0 &&
	    ipmi_sol_rx_packet(&c->rx, &p, VCM_SOL_DATA_MAX, &res) == 0) {
		if (res.kind == IPMI_SOL_RX_DUP)
			c->stats.dups++;
		else if (res.kind == IPMI_SOL_RX_EXTRA)
			c->stats.extras++;
		else if (res.kind == IPMI_SOL_RX_JUMP)
			c->stats.jumps++;
		if (res.send_ack) {
			c->ack_pending = 1;
			c->ack_seq = res.ack_seq;
			c->ack_count = res.accepted;
			c->ack_nack = res.nack;
		}
		if (res.kind == IPMI_SOL_RX_JUMP)
			emit_peer(c, ENG_CON_PEER_JUMP);
		if (res.len > 0 && (size_t)res.off + res.len <= p.len)
			fanout(c, p.data + res.off, res.len, now);
		if (c->state != ENG_CON_S_LIVE)
			return;
	}
	if (p.flags & IPMI_SOL_ST_DEACTIVATING) {
		/* The BMC ends SOL (host reboot on many boards): it is not
		 * ours any more; re-activate. */
		c->sol_mine = 0;
		reconnect(c, ENG_CON_WHY_DEACTIVATED, now);
		return;
	}
	pump(c, now);
}

static void
tx_timer(struct eng_console *c, uint64_t now)
{
	int k;

	if (c->tx.state != IPMI_SOL_TX_WAIT || now < c->tx_at)
		return;
	if (c->nacked) {
		c->nacked = 0;
		c->stats.resends++;
		send_data(c, now);
		return;
	}
	k = ipmi_sol_tx_timeout(&c->tx, VCM_CONSOLE_SOL_RETRIES,
	    c->sol_flags);
	if (k == IPMI_SOL_TX_RESEND || k == IPMI_SOL_TX_BUMP) {
		c->stats.resends++;
		send_data(c, now);
		return;
	}
	if (k == IPMI_SOL_TX_GIVEUP) {
		/* Never ACKed: probably stolen. Do NOT deactivate (it would
		 * kill the new owner's SOL, IPMI.md §2.4): re-activate and
		 * let the stale-SOL policy decide. */
		c->sol_mine = 0;
		reconnect(c, ENG_CON_WHY_NO_ACK, now);
		return;
	}
	c->tx_at = ENG_NEVER;
}

/* ---- API ------------------------------------------------------------- */

int
eng_console_init(struct eng_console *c, const struct eng_console_config *cf,
    const struct eng_console_env *env)
{
	if (c == NULL || env == NULL || env->request == NULL ||
	    env->send_sol == NULL)
		return VCM_EINVAL;
	if (cf != NULL && cf->policy != ENG_CONSOLE_TAKE &&
	    cf->policy != ENG_CONSOLE_REFUSE)
		return VCM_EINVAL;
	memset(c, 0, sizeof(*c));
	c->env = *env;
	c->state = ENG_CON_S_IDLE;
	c->policy = cf != NULL ? cf->policy : ENG_CONSOLE_TAKE;
	c->linger_ms = cf != NULL && cf->linger_ms ? cf->linger_ms :
	    VCM_CONSOLE_LINGER_MS;
	c->sol_retry_ms = cf != NULL && cf->sol_retry_ms ? cf->sol_retry_ms :
	    VCM_CONSOLE_SOL_RETRY_MS;
	c->request_ms = cf != NULL && cf->request_ms ? cf->request_ms :
	    VCM_CONSOLE_REQUEST_MS;
	c->silent_ms = cf != NULL && cf->silent_ms ? cf->silent_ms :
	    VCM_CONSOLE_SILENT_MS;
	c->sol_flags = cf != NULL ? cf->sol_flags : 0;
	c->quirks = cf != NULL ? cf->quirks : 0;
	c->reachable = 1;
	c->writer = -1;
	c->data_max = VCM_SOL_DATA_MAX;
	c->linger_at = c->retry_at = c->tx_at = c->cts_at = ENG_NEVER;
	ipmi_sol_rx_init(&c->rx);
	ipmi_sol_tx_init(&c->tx);
	return 0;
}

void
eng_console_free(struct eng_console *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < VCM_CONSOLE_VIEWERS_MAX; i++)
		free(c->viewers[i].q);
	free(c->backlog);
	memset(c, 0, sizeof(*c));
	c->writer = -1;
}

void
eng_console_session_event(struct eng_console *c, const struct eng_event *e,
    uint64_t now)
{
	uint8_t s;

	if (c == NULL || e == NULL)
		return;
	s = c->state;
	switch (e->type) {
	case ENG_EV_ESTABLISHED:
		c->session_ok = 1;
		c->reachable = 1;
		c->sol_mine = 0;	/* a new session owns nothing yet */
		c->tries = 0;
		if (s == ENG_CON_S_WAITING)
			try_activate(c, now);
		break;
	case ENG_EV_FAILED:
	case ENG_EV_CLOSED:
		c->session_ok = 0;
		c->sol_mine = 0;
		if (s == ENG_CON_S_DEACTIVATING || s == ENG_CON_S_VERIFYING) {
			c->rq_kind = RQ_NONE;
			finish_teardown(c, ENG_CON_TD_UNVERIFIABLE, now);
		} else if (s == ENG_CON_S_ACTIVATING ||
		    s == ENG_CON_S_CHECKING || s == ENG_CON_S_TAKING ||
		    s == ENG_CON_S_LIVE)
			reconnect(c, ENG_CON_WHY_SESSION, now);
		/* Its requests died with it (ESESSION events may follow). */
		c->rq_kind = RQ_NONE;
		break;
	case ENG_EV_UNREACHABLE:
		c->reachable = 0;
		/* The SOL is probably still ours on the BMC (sol_mine kept):
		 * when it answers again, 80h means "resume". */
		if (s == ENG_CON_S_ACTIVATING || s == ENG_CON_S_CHECKING ||
		    s == ENG_CON_S_TAKING || s == ENG_CON_S_LIVE)
			reconnect(c, ENG_CON_WHY_UNREACHABLE, now);
		else if (s == ENG_CON_S_WAITING && needed(c))
			emit_simple(c, ENG_CON_EV_UNREACHABLE, -1);
		break;
	case ENG_EV_REACHABLE:
		c->reachable = 1;
		c->tries = 0;
		if (s == ENG_CON_S_WAITING)
			try_activate(c, now);
		break;
	case ENG_EV_RESPONSE:
		if (eng_console_cookie_ours(e->u.response.cookie))
			on_response(c, e, now);
		break;
	case ENG_EV_REQUEST_FAILED: {
		uint64_t ck = e->u.request_failed.cookie;
		uint8_t kind = (uint8_t)(ck & 0xff);

		if (!eng_console_cookie_ours(ck) || c->rq_kind == RQ_NONE ||
		    kind != c->rq_kind || (uint32_t)(ck >> 8) != c->rq_gen)
			break;
		c->rq_kind = RQ_NONE;
		rq_failed(c, kind, now);
		break;
	}
	case ENG_EV_SOL_PACKET:
		sol_packet(c, e->u.sol.data, e->u.sol.len, now);
		break;
	default:
		break;
	}
	flow_update(c);
}

int
eng_console_stop(struct eng_console *c, uint64_t now)
{
	if (c == NULL)
		return VCM_EINVAL;
	c->stopping = 1;
	c->linger_at = ENG_NEVER;
	switch (c->state) {
	case ENG_CON_S_IDLE:
	case ENG_CON_S_DEACTIVATING:
	case ENG_CON_S_VERIFYING:
		break;		/* nothing to end, or already on its way */
	default:
		start_teardown(c, now);
		break;
	}
	flow_update(c);
	return 0;
}

int
eng_console_tearing_down(const struct eng_console *c)
{
	return c != NULL && (c->state == ENG_CON_S_DEACTIVATING ||
	    c->state == ENG_CON_S_VERIFYING);
}

int
eng_console_wants_session(const struct eng_console *c)
{
	return c != NULL && !c->session_ok && needed(c) &&
	    c->state == ENG_CON_S_WAITING;
}

void
eng_console_tick(struct eng_console *c, uint64_t now)
{
	if (c == NULL)
		return;
	if (c->linger_at <= now) {
		c->linger_at = ENG_NEVER;
		if (!needed(c) && c->state != ENG_CON_S_DEACTIVATING &&
		    c->state != ENG_CON_S_VERIFYING)
			start_teardown(c, now);
	}
	switch (c->state) {
	case ENG_CON_S_WAITING:
		if (c->retry_at <= now) {
			c->retry_at = ENG_NEVER;
			try_activate(c, now);
		}
		break;
	case ENG_CON_S_DEACTIVATING:
		if (c->retry_at <= now && c->rq_kind == RQ_NONE) {
			c->retry_at = ENG_NEVER;
			c->td_tries++;
			send_rq(c, RQ_DEACT, now);
		}
		break;
	case ENG_CON_S_LIVE:
		tx_timer(c, now);
		if (c->state == ENG_CON_S_LIVE && cts_held(c) &&
		    c->cts_at <= now)
			pump(c, now);
		if (c->state == ENG_CON_S_LIVE &&
		    c->silent_ms != ENG_CONSOLE_POLL_OFF &&
		    !status_unreliable(c) && c->rq_kind == RQ_NONE &&
		    c->session_ok && c->reachable &&
		    after(c->last_rx, c->silent_ms) <= now) {
			c->last_rx = now;	/* next poll a period later */
			send_rq(c, RQ_POLL, now);
		}
		break;
	default:
		break;
	}
	flow_update(c);
}

uint64_t
eng_console_next(const struct eng_console *c)
{
	uint64_t t = ENG_NEVER, p;

	if (c == NULL)
		return ENG_NEVER;
	if (c->linger_at < t)
		t = c->linger_at;
	if ((c->state == ENG_CON_S_WAITING ||
	    c->state == ENG_CON_S_DEACTIVATING) && c->retry_at < t)
		t = c->retry_at;
	if (c->state == ENG_CON_S_LIVE) {
		if (c->tx.state == IPMI_SOL_TX_WAIT && c->tx_at < t)
			t = c->tx_at;
		if (cts_held(c) && c->cts_at < t)
			t = c->cts_at;
		if (c->silent_ms != ENG_CONSOLE_POLL_OFF &&
		    !status_unreliable(c) && c->rq_kind == RQ_NONE &&
		    c->session_ok && c->reachable) {
			p = after(c->last_rx, c->silent_ms);
			if (p < t)
				t = p;
		}
	}
	return t;
}

int
eng_console_attach(struct eng_console *c, unsigned int rights, uint64_t now)
{
	struct eng_console_viewer *v = NULL;
	size_t i;
	int h, was;

	if (c == NULL || (rights & ~(unsigned int)ENG_CON_V_WRITE) != 0)
		return VCM_EINVAL;
	if (c->stopping)
		return VCM_ESTATE;
	for (i = 0; i < VCM_CONSOLE_VIEWERS_MAX; i++)
		if (!c->viewers[i].used) {
			v = &c->viewers[i];
			break;
		}
	if (v == NULL)
		return VCM_ENOSPC;
	if ((v->q = malloc(VCM_CONSOLE_VIEWER_QUEUE_BYTES)) == NULL)
		return VCM_ENOMEM;
	c->mem += VCM_CONSOLE_VIEWER_QUEUE_BYTES;
	v->used = 1;
	v->rights = (uint8_t)rights;
	v->overflowed = 0;
	v->paused = 0;
	v->gen = v->gen >= GEN_MAX ? 1 : v->gen + 1;
	v->head = 0;
	v->len = 0;
	v->delivered = 0;
	/* The backlog first, so a late joiner sees the recent screen. */
	if (c->backlog != NULL && c->bl_len > 0) {
		ring_peek(c->backlog, VCM_CONSOLE_BACKLOG_BYTES, c->bl_head,
		    c->bl_len, v->q, c->bl_len);
		v->len = c->bl_len;
	}
	h = viewer_handle(c, v);
	was = needed(c);
	c->nviewers++;
	if ((rights & ENG_CON_V_WRITE) && c->writer < 0)
		c->writer = h;
	if (!was)
		need_up(c, now);
	return h;
}

int
eng_console_detach(struct eng_console *c, int h, uint64_t now)
{
	struct eng_console_viewer *v;

	if (c == NULL || (v = viewer_get(c, h)) == NULL)
		return VCM_EINVAL;
	viewer_free(c, v, now);
	return 0;
}

long
eng_console_read(struct eng_console *c, int h, void *buf, size_t cap)
{
	struct eng_console_viewer *v;
	size_t n;

	if (c == NULL || (v = viewer_get(c, h)) == NULL ||
	    (buf == NULL && cap > 0))
		return VCM_EINVAL;
	n = cap < v->len ? cap : v->len;
	ring_peek(v->q, VCM_CONSOLE_VIEWER_QUEUE_BYTES, v->head, v->len, buf, n);
	v->head = (uint32_t)((v->head + n) % VCM_CONSOLE_VIEWER_QUEUE_BYTES);
	v->len -= (uint32_t)n;
	v->delivered += n;
	/* Caught up: the next overflow is a new episode, not a stall. */
	if (v->len == 0)
		v->overflowed = 0;
	return (long)n;
}

long
eng_console_queued(const struct eng_console *c, int h)
{
	struct eng_console_viewer *v;

	if (c == NULL ||
	    (v = viewer_get((struct eng_console *)(uintptr_t)c, h)) == NULL)
		return VCM_EINVAL;
	return (long)v->len;
}

int
eng_console_pause(struct eng_console *c, int h, int on)
{
	struct eng_console_viewer *v;

	if (c == NULL || (v = viewer_get(c, h)) == NULL)
		return VCM_EINVAL;
	if (on) {
		v->paused = 1;
		return 0;
	}
	if (!v->paused)
		return 0;
	v->paused = 0;
	/* What came meanwhile: the front takes it now. */
	if (v->len > 0)
		emit_simple(c, ENG_CON_EV_READABLE, h);
	return 0;
}

int
eng_console_paused(const struct eng_console *c, int h)
{
	struct eng_console_viewer *v;

	if (c == NULL ||
	    (v = viewer_get((struct eng_console *)(uintptr_t)c, h)) == NULL)
		return VCM_EINVAL;
	return v->paused;
}

long
eng_console_write(struct eng_console *c, int h, const void *data, size_t len,
    uint64_t now)
{
	size_t room, n;

	if (c == NULL || viewer_get(c, h) == NULL ||
	    (data == NULL && len > 0))
		return VCM_EINVAL;
	if (c->writer != h || c->state != ENG_CON_S_LIVE)
		return VCM_ESTATE;
	room = VCM_CONSOLE_INPUT_BYTES - c->in_len;
	n = len < room ? len : room;
	if (n < len)
		c->stats.input_refused += (uint32_t)(len - n);
	ring_put(c->in, VCM_CONSOLE_INPUT_BYTES, &c->in_head, &c->in_len,
	    data, n);
	pump(c, now);
	return (long)n;
}

int
eng_console_break(struct eng_console *c, int h, uint64_t now)
{
	if (c == NULL || viewer_get(c, h) == NULL)
		return VCM_EINVAL;
	if (c->writer != h || c->state != ENG_CON_S_LIVE)
		return VCM_ESTATE;
	c->break_pending = 1;
	pump(c, now);
	return 0;
}

int
eng_console_take_over(struct eng_console *c, int h)
{
	struct eng_console_viewer *v;
	struct eng_console_event ev;
	int prev;

	if (c == NULL || (v = viewer_get(c, h)) == NULL)
		return VCM_EINVAL;
	if (!(v->rights & ENG_CON_V_WRITE))
		return VCM_ESTATE;
	if (c->writer == h)
		return 0;
	prev = c->writer;
	c->writer = h;
	memset(&ev, 0, sizeof(ev));
	if (prev >= 0) {
		ev.type = ENG_CON_EV_WRITER_LOST;
		ev.viewer = prev;
		ev.u.writer.other = h;
		emit(c, &ev);
	}
	ev.type = ENG_CON_EV_WRITER;
	ev.viewer = h;
	ev.u.writer.other = prev;
	emit(c, &ev);
	return 0;
}

int
eng_console_writer(const struct eng_console *c)
{
	return c == NULL ? -1 : c->writer;
}

int
eng_console_hold(struct eng_console *c, uint64_t now)
{
	int was;

	if (c == NULL)
		return VCM_EINVAL;
	if (c->stopping)
		return VCM_ESTATE;
	if (c->holds >= VCM_CONSOLE_HOLDS_MAX)
		return VCM_ENOSPC;
	was = needed(c);
	c->holds++;
	if (!was)
		need_up(c, now);
	return 0;
}

int
eng_console_release(struct eng_console *c, uint64_t now)
{
	if (c == NULL)
		return VCM_EINVAL;
	if (c->holds == 0)
		return VCM_ESTATE;
	c->holds--;
	if (!needed(c))
		need_down(c, now);
	return 0;
}

int
eng_console_retry(struct eng_console *c, uint64_t now)
{
	if (c == NULL)
		return VCM_EINVAL;
	if (c->state != ENG_CON_S_REFUSED || c->stopping)
		return VCM_ESTATE;
	c->state = ENG_CON_S_WAITING;
	c->tries = c->takes = c->contra = 0;
	c->retry_at = now;
	try_activate(c, now);
	return 0;
}

size_t
eng_console_backlog(const struct eng_console *c, void *buf, size_t cap)
{
	size_t n;

	if (c == NULL || c->backlog == NULL || buf == NULL)
		return 0;
	n = cap < c->bl_len ? cap : c->bl_len;
	ring_peek(c->backlog, VCM_CONSOLE_BACKLOG_BYTES, c->bl_head,
	    c->bl_len, buf, n);
	return n;
}

size_t
eng_console_mem(const struct eng_console *c)
{
	return c == NULL ? 0 : c->mem;
}

const char *
eng_console_state_name(unsigned int s)
{
	return s < ENG_CON_S__COUNT ? state_names[s] : "unknown";
}

const char *
eng_console_why_name(unsigned int w)
{
	return w < ENG_CON_WHY__COUNT ? why_names[w] : "unknown";
}
