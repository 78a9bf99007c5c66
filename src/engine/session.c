/*
 * The console side of one IPMI session: a pure state machine over the
 * wire library (see session.h for the states and the API).
 *
 * Two retransmission mechanisms:
 *  - Open Session, RAKP1 and RAKP3 keep their payload in hs_buf and are
 *    timed by hs_next. A timeout resends the step (RAKP1 under a new
 *    message tag, so that only the answer to the last copy is taken); a
 *    step still unanswered after its tries restarts from Open Session
 *    with a new console id and Rm, because the BMC's state has moved on
 *    (ipmitool, IPMI.md §1.3). Resending first matters: every restart
 *    leaves the BMC a half-open session holding one of its few slots
 *    until its own handshake timeout (bmcsim: 4 slots, 3 s).
 *  - Everything framed as an IPMI message (Get Channel Auth Caps before
 *    the session, Set Session Privilege, user requests, keepalives and
 *    Close Session) lives in the request table; every send takes a new
 *    rqSeq and, in a session, a new session sequence number (IPMI.md
 *    §2.2), and a reply to any of the last VCM_ENG_RQ_SEQ_KEEP copies
 *    completes the request.
 *
 * A damaged datagram from the BMC (not even a well-formed RMCP packet:
 * line noise, bmcsim's garbage fault) is not silence: the BMC answered
 * and the answer was lost on the way. The step or requests waiting for
 * it are resent after VCM_ENG_DAMAGED_MS, without raising the backoff
 * and without spending the tries that measure silence, at most
 * VCM_ENG_DAMAGED_RESENDS times each (a BMC sending only garbage cannot
 * make us spin). Before this, a garbage reply cost the whole backoff
 * interval and a try, and 20 % garbage made about one run in ten miss
 * a 5 s deadline.
 */
#include <string.h>

#include "vcm/err.h"
#include "vcm/vbuf.h"
#include "vcm/wipe.h"
#include "ipmi/cmds.h"
#include "ipmi/codes.h"
#include "ipmi/crypto.h"
#include "ipmi/defs.h"
#include "ipmi/lan15.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"
#include "ipmi/seqwin.h"
#include "ipmi/sol.h"
#include "engine/session.h"

/* Request kinds; only ENG_RQK_USER ever reaches the caller. */
enum {
	ENG_RQK_FREE = 0,
	ENG_RQK_USER,
	ENG_RQK_AUTHCAP,	/* Get Channel Auth Caps (1.5 framing) */
	ENG_RQK_SETPRIV,
	ENG_RQK_KEEPALIVE,	/* Get Device ID */
	ENG_RQK_CLOSE
};

/* Tries of kinds without a deadline of their own; 255 = until deadline. */
#define ENG_TRIES_UNBOUNDED	255

/* Channel "this one" in Get Channel Auth Caps. */
#define ENG_CHANNEL_THIS	0x0e

/* Set Session Privilege Level completion codes (IPMI 2.0 §22.18). */
#define ENG_CC_PRIV_UNAVAILABLE	0x80
#define ENG_CC_PRIV_EXCEEDS	0x81
/* "Duplicate request": ignored, as ipmitool does (IPMI.md §1.3). */
#define ENG_CC_DUPLICATE	0xcf

/* RMCP+ status codes (IPMI 2.0 table 13-15) beyond those in codes.h. */
#define ENG_ST_BAD_AUTH_ALG	0x04
#define ENG_ST_BAD_INTEG_ALG	0x05
#define ENG_ST_NO_AUTH_MATCH	0x06
#define ENG_ST_NO_INTEG_MATCH	0x07
#define ENG_ST_BAD_ROLE		0x09
#define ENG_ST_UNAUTH_ROLE	0x0a
#define ENG_ST_NO_RES_ROLE	0x0b
#define ENG_ST_UNAUTH_NAME	0x0d
#define ENG_ST_BAD_CONF_ALG	0x10

typedef char eng_rqseq_fits[(VCM_ENG_RQ_SLOTS * VCM_ENG_RQ_SEQ_KEEP <
    IPMI_RQ_SEQ_MAX) ? 1 : -1];

static void	rq_free(struct eng_rq *);
static void	close_finish(struct eng_session *, int, uint8_t);

/* ---- small helpers ---------------------------------------------------- */

static void
emit(struct eng_session *s, const struct eng_event *ev)
{
	if (s->env.event != NULL)
		s->env.event(s->env.arg, ev);
}

static int
rnd(struct eng_session *s, void *buf, size_t len)
{
	if (s->env.random == NULL)
		return VCM_EINVAL;
	return s->env.random(s->env.arg, buf, len) < 0 ? VCM_ECRYPTO : 0;
}

static void
xmit(struct eng_session *s, const uint8_t *p, size_t len)
{
	s->stats.sent++;
	if (s->env.send != NULL)
		s->env.send(s->env.arg, p, len);
}

static void
drop(struct eng_session *s, enum eng_drop why)
{
	s->stats.drops[why]++;
}

/* retry_ms doubled level times, capped; never 0 so timers always advance. */
static uint64_t
backoff(const struct eng_session *s, unsigned int level)
{
	uint64_t t = s->retry_ms;

	while (level-- > 0 && t < s->retry_cap_ms)
		t *= 2;
	if (t > s->retry_cap_ms)
		t = s->retry_cap_ms;
	return t ? t : 1;
}

static uint64_t
after(uint64_t now, uint64_t ms)
{
	return ENG_NEVER - now <= ms ? ENG_NEVER - 1 : now + ms;
}

static int
in_handshake(const struct eng_session *s)
{
	return s->state == ENG_S_OPEN || s->state == ENG_S_RAKP1 ||
	    s->state == ENG_S_RAKP3;
}

/* The states whose traffic is sealed with the session keys. */
static int
in_session(const struct eng_session *s)
{
	return s->state == ENG_S_SETPRIV || s->state == ENG_S_ACTIVE ||
	    s->state == ENG_S_CLOSING;
}

static int
rq_count(const struct eng_session *s, int user)
{
	int i, n = 0;

	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++)
		if (s->rq[i].kind != ENG_RQK_FREE &&
		    (!user || s->rq[i].kind == ENG_RQK_USER))
			n++;
	return n;
}

void
eng_session_wipe(struct eng_session *s)
{
	int i;

	ipmi_rakp_ctx_wipe(&s->rakp);
	ipmi_keys_wipe(&s->keys);
	vcm_wipe(s->hs_buf, sizeof(s->hs_buf));
	s->hs_len = 0;
	/* Requests may carry secrets (Set User Password). */
	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++)
		rq_free(&s->rq[i]);
}

/*
 * Ends every user request with REQUEST_FAILED(err). The table is cleared
 * before the first event so a callback sees a consistent session.
 */
static void
fail_requests(struct eng_session *s, int err)
{
	struct eng_event ev;
	uint64_t cookies[VCM_ENG_RQ_SLOTS];
	uint8_t tries[VCM_ENG_RQ_SLOTS];
	int i, n = 0;

	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++) {
		if (s->rq[i].kind == ENG_RQK_USER) {
			tries[n] = s->rq[i].tries;
			cookies[n++] = s->rq[i].cookie;
		}
		if (s->rq[i].kind != ENG_RQK_CLOSE)
			rq_free(&s->rq[i]);
	}
	for (i = 0; i < n; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = ENG_EV_REQUEST_FAILED;
		ev.u.request_failed.cookie = cookies[i];
		ev.u.request_failed.err = err;
		ev.u.request_failed.tries = tries[i];
		emit(s, &ev);
	}
}

static void
fail_full(struct eng_session *s, enum eng_fail reason, uint8_t step,
    unsigned int tries, int has_status, uint8_t status, int bmc_closed)
{
	struct eng_event ev;

	if (s->state == ENG_S_FAILED || s->state == ENG_S_CLOSED)
		return;
	s->state = ENG_S_FAILED;
	fail_requests(s, VCM_ESESSION);
	eng_session_wipe(s);
	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_EV_FAILED;
	ev.u.failed.reason = (uint8_t)reason;
	ev.u.failed.step = step;
	ev.u.failed.tries = (uint8_t)(tries > 255 ? 255 : tries);
	ev.u.failed.has_status = has_status ? 1 : 0;
	ev.u.failed.status = status;
	ev.u.failed.bmc_closed = bmc_closed ? 1 : 0;
	emit(s, &ev);
}

static void
fail(struct eng_session *s, enum eng_fail reason, int has_status,
    uint8_t status)
{
	fail_full(s, reason, s->state, s->hs_tries, has_status, status, 0);
}

/* ---- sending ---------------------------------------------------------- */

/* A pre-session payload (Open Session, RAKP): neither sealed nor MACed. */
static int
send_presession(struct eng_session *s, uint8_t type, const uint8_t *pl,
    size_t len)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;
	int r;

	memset(&h, 0, sizeof(h));
	h.payload_type = type;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if ((r = ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len)) != 0)
		return r;
	xmit(s, pkt, w.len);
	return 0;
}

/*
 * The session sequence number of the next packet. It goes up on every
 * packet, retransmissions included (IPMI.md §2.2), but a BMC accepts
 * only so far ahead of the last number it saw (OpenIPMI: +15), so while
 * the BMC is silent the numbers stop VCM_ENG_OUT_AHEAD past the last one
 * sent before its last answer and cycle among the top few, any of
 * which it has not seen yet. Without this a BMC that was dark for a
 * while would drop everything we send once it is back.
 */
static uint32_t
out_seq(struct eng_session *s)
{
	uint32_t seq = ipmi_seqwin_out_next(&s->out);

	if (seq - s->out_mark > VCM_ENG_OUT_AHEAD) {
		seq = s->out_mark + VCM_ENG_OUT_AHEAD - (s->out_rewind++ & 3u);
		if (seq == 0)
			seq = 1;
		s->out.last = seq;
	}
	return seq;
}

/* A session payload: MACed, and encrypted when the suite says so. */
static int
send_sealed(struct eng_session *s, uint8_t type, const uint8_t *pl,
    size_t len)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], iv[VCM_IPMI_AES_BLOCK];
	struct vbuf_wr w;
	int r;

	if (s->keys.conf != IPMI_CONF_NONE &&
	    (r = rnd(s, iv, sizeof(iv))) != 0)
		return r;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if ((r = ipmi_lanplus_seal(&w, &s->keys, type, s->sid_c, out_seq(s),
	    iv, pl, len)) != 0)
		return r;
	xmit(s, pkt, w.len);
	return 0;
}

/* ---- the request table ----------------------------------------------- */

static void
rq_free(struct eng_rq *q)
{
	vcm_wipe(q, sizeof(*q));
}

static int
seq_in_use(const struct eng_session *s, uint8_t seq)
{
	int i, j;

	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++)
		for (j = 0; j < s->rq[i].nseq; j++)
			if (s->rq[i].kind != ENG_RQK_FREE &&
			    s->rq[i].seq[j] == seq)
				return 1;
	return 0;
}

/* The next rqSeq that no outstanding request may still be answered with. */
static uint8_t
seq_alloc(struct eng_session *s)
{
	int n;

	for (n = 0; n <= IPMI_RQ_SEQ_MAX; n++) {
		s->rq_seq = (uint8_t)((s->rq_seq + 1) & IPMI_RQ_SEQ_MAX);
		if (!seq_in_use(s, s->rq_seq))
			break;
	}
	/* eng_rqseq_fits guarantees a free value was found. */
	return s->rq_seq;
}

/* Sends that met silence (the budget and backoff count only those); >= 1
 * once sent. */
static unsigned int
rq_quiet(const struct eng_rq *q)
{
	return q->tries > q->early ? (unsigned int)(q->tries - q->early) : 1;
}

static unsigned int
rq_max_tries(const struct eng_session *s, const struct eng_rq *q)
{
	switch (q->kind) {
	case ENG_RQK_AUTHCAP:
	case ENG_RQK_SETPRIV:
		return VCM_ENG_STEP_TRIES;
	case ENG_RQK_CLOSE:
		return VCM_ENG_CLOSE_TRIES;
	default:
		return ENG_TRIES_UNBOUNDED;
	}
}

/* Sends (or resends) a request with a fresh rqSeq and sequence number. */
static int
rq_send(struct eng_session *s, struct eng_rq *q, uint64_t now)
{
	uint8_t body[IPMI_MSG_OVERHEAD + VCM_ENG_RQ_DATA_MAX];
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lan15_hdr h15;
	struct ipmi_msg m;
	struct vbuf_wr w;
	size_t blen;
	int r;

	memset(&m, 0, sizeof(m));
	m.dst_addr = IPMI_BMC_SA;
	m.netfn = q->netfn;
	m.src_addr = IPMI_REMOTE_SWID;
	m.seq = seq_alloc(s);
	m.cmd = q->cmd;
	m.data = q->data;
	m.data_len = q->len;
	memmove(q->seq + 1, q->seq, sizeof(q->seq) - 1);
	q->seq[0] = m.seq;
	if (q->nseq < VCM_ENG_RQ_SEQ_KEEP)
		q->nseq++;
	vbuf_wr_init(&w, body, sizeof(body));
	if ((r = ipmi_msg_encode(&w, &m)) != 0)
		return r;
	blen = w.len;
	if (q->kind == ENG_RQK_AUTHCAP) {
		/* Session-less IPMI 1.5 framing: auth NONE, seq 0, id 0. */
		memset(&h15, 0, sizeof(h15));
		vbuf_wr_init(&w, pkt, sizeof(pkt));
		if ((r = ipmi_lan15_encode(&w, &h15, body, blen)) != 0)
			return r;
		xmit(s, pkt, w.len);
	} else if ((r = send_sealed(s, IPMI_PAYLOAD_IPMI, body, blen)) != 0)
		return r;
	if (q->tries > 0)
		s->stats.retransmits++;
	if (q->damaged && q->early < UINT8_MAX)
		q->early++;
	q->damaged = 0;
	if (q->tries < ENG_TRIES_UNBOUNDED)
		q->tries++;
	q->next_tx = after(now, backoff(s, rq_quiet(q) - 1u));
	if (q->kind != ENG_RQK_AUTHCAP && s->wait_since == ENG_NEVER)
		s->wait_since = now;
	s->last_cmd = now;
	return 0;
}

static struct eng_rq *
rq_add(struct eng_session *s, int kind, uint8_t netfn, uint8_t cmd,
    const void *data, size_t len, uint64_t deadline, uint64_t cookie)
{
	struct eng_rq *q;
	int i;

	if (len > VCM_ENG_RQ_DATA_MAX)
		return NULL;
	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++) {
		q = &s->rq[i];
		if (q->kind != ENG_RQK_FREE)
			continue;
		memset(q, 0, sizeof(*q));
		q->kind = (uint8_t)kind;
		q->netfn = netfn;
		q->cmd = cmd;
		q->len = (uint8_t)len;
		if (len > 0)
			memcpy(q->data, data, len);
		q->deadline = deadline;
		q->cookie = cookie;
		return q;
	}
	return NULL;
}

/* Queues and sends an internal request; fails the session on error. */
static int
rq_internal(struct eng_session *s, int kind, uint8_t netfn, uint8_t cmd,
    const void *data, size_t len, uint64_t deadline, uint64_t now)
{
	struct eng_rq *q;
	int r;

	if ((q = rq_add(s, kind, netfn, cmd, data, len, deadline, 0)) == NULL)
		return VCM_ENOSPC;
	if ((r = rq_send(s, q, now)) != 0)
		rq_free(q);
	return r;
}

/* ---- the handshake ---------------------------------------------------- */

static uint8_t
hs_payload_type(const struct eng_session *s)
{
	switch (s->state) {
	case ENG_S_OPEN:
		return IPMI_PAYLOAD_OPEN_SESSION_RQ;
	case ENG_S_RAKP1:
		return IPMI_PAYLOAD_RAKP1;
	default:
		return IPMI_PAYLOAD_RAKP3;
	}
}

static void
hs_send(struct eng_session *s, uint64_t now)
{
	if (send_presession(s, hs_payload_type(s), s->hs_buf,
	    s->hs_len) != 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	if (s->hs_tries > 0)
		s->stats.retransmits++;
	if (s->hs_tries < 255)
		s->hs_tries++;
	s->hs_next = after(now, backoff(s, s->hs_level));
}

/* Enters a step whose payload was just written to hs_buf. */
static void
hs_enter(struct eng_session *s, enum eng_state st, size_t len, uint64_t now)
{
	s->state = (uint8_t)st;
	s->hs_len = (uint8_t)len;
	s->hs_tries = 0;
	s->hs_early = 0;
	s->hs_damaged = 0;
	hs_send(s, now);
}

/* Open Session for suites[suite_ix], with a new console id. */
static void
open_session(struct eng_session *s, uint64_t now)
{
	struct ipmi_open_session_rq rq;
	struct vbuf_wr w;
	uint32_t sid = 0;
	int i;

	if (ipmi_cipher_suite_lookup(s->suites[s->suite_ix], &s->suite) != 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	/* Random and non-zero: 0 means "no session" (IPMI.md §2.1). */
	for (i = 0; i < 8 && sid == 0; i++)
		if (rnd(s, &sid, sizeof(sid)) != 0)
			break;
	if (sid == 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	s->sid_m = sid;
	s->sid_c = 0;
	s->tag++;
	memset(&rq, 0, sizeof(rq));
	rq.tag = s->tag;
	/* The exact privilege, never 0 "highest" (opensesspriv, IPMI.md §1.1). */
	rq.max_priv = s->priv;
	rq.sid_m = sid;
	rq.auth = s->suite.auth;
	rq.integ = s->suite.integ;
	rq.conf = s->suite.conf;
	vbuf_wr_init(&w, s->hs_buf, sizeof(s->hs_buf));
	if (ipmi_open_session_rq_encode(&w, &rq) != 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	hs_enter(s, ENG_S_OPEN, w.len, now);
}

/* Starts the handshake again from Open Session (new console id, Rm,
 * and backoff: a fresh exchange), within VCM_ENG_RESTARTS_MAX. */
static void
restart(struct eng_session *s, uint64_t now)
{
	if (s->restarts >= VCM_ENG_RESTARTS_MAX) {
		fail(s, ENG_FAIL_UNREACHABLE, 0, 0);
		return;
	}
	s->restarts++;
	s->stats.restarts++;
	s->hs_level = 0;
	open_session(s, now);
}

/* RAKP1 goes out again under a new tag: a BMC that answers a repeated
 * RAKP1 makes a new Rc, and only the RAKP2 echoing the newest tag
 * carries the Rc it will check RAKP3 against. */
static void
hs_resend(struct eng_session *s, uint64_t now)
{
	if (s->state == ENG_S_RAKP1 && s->hs_len > 0)
		s->hs_buf[0] = ++s->tag;
	hs_send(s, now);
}

static void
hs_timeout(struct eng_session *s, uint64_t now)
{
	unsigned int quiet;

	if (s->hs_damaged) {
		/* The BMC answered, damaged: the same step again, no
		 * backoff, no try spent (see the top of this file). */
		s->hs_damaged = 0;
		s->hs_early++;
		hs_resend(s, now);
		return;
	}
	if (s->hs_level < 16)
		s->hs_level++;
	quiet = s->hs_tries > s->hs_early ?
	    (unsigned int)(s->hs_tries - s->hs_early) : 0;
	if (s->state == ENG_S_OPEN) {
		if (quiet >= VCM_ENG_STEP_TRIES) {
			fail(s, ENG_FAIL_UNREACHABLE, 0, 0);
			return;
		}
		hs_send(s, now);
		return;
	}
	/*
	 * RAKP1: the BMC keeps the half-open session (and its slot) while
	 * it waits for RAKP3, and one that takes a repeated RAKP1 (bmcsim
	 * does) answers it: resend before restarting. One that refuses it
	 * answers an error status, which restarts (on_rakp2).
	 * RAKP3: the BMC made the session active when it took RAKP3, so a
	 * lost RAKP4 followed by a new Open Session would leave that
	 * session holding a slot until the BMC's idle kill (found with
	 * bmcsim garbage=20%). Resend the same RAKP3 first: BMCs answer a
	 * repeated one again (IPMI.md §1; bmcsim does).
	 */
	if ((s->state == ENG_S_RAKP1 && quiet < VCM_ENG_RAKP1_TRIES) ||
	    (s->state == ENG_S_RAKP3 && quiet < VCM_ENG_RAKP3_TRIES)) {
		hs_resend(s, now);
		return;
	}
	/* Still unanswered: the BMC has moved on; start again. */
	restart(s, now);
}

/* Is id a suite vcm can run (integrity and confidentiality)? */
static int
suite_ok(uint8_t id)
{
	struct ipmi_cipher_suite cs;

	return ipmi_cipher_suite_lookup(id, &cs) == 0 &&
	    ipmi_cipher_suite_usable(&cs) == 0;
}

/*
 * Open Session statuses that mean "not this suite". 12h and 0Ah come
 * from BMCs that answer a disabled suite wrongly (IPMI.md §1.2, Auth#15,
 * #19, #20); 0Ah/09h are also honest privilege refusals, told apart by
 * trying the remaining suites first.
 */
static int
status_suite_refused(uint8_t st)
{
	switch (st) {
	case ENG_ST_BAD_AUTH_ALG:
	case ENG_ST_BAD_INTEG_ALG:
	case ENG_ST_NO_AUTH_MATCH:
	case ENG_ST_NO_INTEG_MATCH:
	case ENG_ST_BAD_CONF_ALG:
	case IPMI_RMCPP_NO_CIPHER_MATCH:
	case IPMI_RMCPP_ILLEGAL_PARAM:
	case ENG_ST_BAD_ROLE:
	case ENG_ST_UNAUTH_ROLE:
		return 1;
	}
	return 0;
}

static int
status_no_slots(uint8_t st)
{
	/* FreeIPMI maps both "insufficient resources" to "BMC busy" (§2.1). */
	return st == IPMI_RMCPP_NO_RESOURCES || st == ENG_ST_NO_RES_ROLE;
}

static int
status_priv(uint8_t st)
{
	return st == ENG_ST_BAD_ROLE || st == ENG_ST_UNAUTH_ROLE;
}

/* A RAKP2/RAKP4 error status, mapped to what the caller must hear. */
static void
fail_status(struct eng_session *s, uint8_t st)
{
	if (status_no_slots(st))
		fail(s, ENG_FAIL_NO_SLOTS, 1, st);
	else if (st == ENG_ST_UNAUTH_NAME)
		fail(s, ENG_FAIL_BAD_USER, 1, st);
	else if (status_priv(st))
		fail(s, ENG_FAIL_PRIV, 1, st);
	else
		fail(s, ENG_FAIL_PROTOCOL, 1, st);
}

/*
 * The common front of the pre-session chain: datagram kind, session id
 * (0 before a session exists), integrity (none: must not be sealed),
 * payload type. The payload is left in out.
 */
static int
presession_open(struct eng_session *s, const uint8_t *pkt, size_t n,
    uint8_t type, uint8_t *out, size_t cap, size_t *len)
{
	struct ipmi_lanplus_hdr h;

	if (ipmi_datagram_classify(pkt, n) != IPMI_DGRAM_LANPLUS ||
	    ipmi_lanplus_peek(pkt, n, &h) != 0) {
		drop(s, ENG_DROP_KIND);
		return -1;
	}
	if (h.session_id != 0) {
		drop(s, ENG_DROP_SESSION);
		return -1;
	}
	if (ipmi_lanplus_decode(pkt, n, NULL, &h, out, cap, len) != 0) {
		drop(s, ENG_DROP_AUTH);
		return -1;
	}
	if (h.payload_type != type) {
		drop(s, ENG_DROP_PAYLOAD);
		return -1;
	}
	return 0;
}

static void
on_open_rs(struct eng_session *s, const uint8_t *pkt, size_t n, uint64_t now)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_open_session_rs rs;
	struct ipmi_rakp1 r1;
	struct vbuf_wr w;
	size_t len;

	if (presession_open(s, pkt, n, IPMI_PAYLOAD_OPEN_SESSION_RS, pl,
	    sizeof(pl), &len) != 0)
		return;
	if (ipmi_open_session_rs_decode(pl, len, &rs) != 0) {
		drop(s, ENG_DROP_LENGTH);
		return;
	}
	/* A late answer to an earlier attempt carries an older tag or id. */
	if (rs.tag != s->tag || rs.sid_m != s->sid_m) {
		drop(s, ENG_DROP_SESSION);
		return;
	}
	if (rs.status != IPMI_RMCPP_OK) {
		if (status_no_slots(rs.status)) {
			fail(s, ENG_FAIL_NO_SLOTS, 1, rs.status);
			return;
		}
		if (!status_suite_refused(rs.status)) {
			fail(s, ENG_FAIL_PROTOCOL, 1, rs.status);
			return;
		}
		s->stats.fallbacks++;
		while (++s->suite_ix < s->nsuites)
			if (suite_ok(s->suites[s->suite_ix]))
				break;
		if (s->suite_ix >= s->nsuites) {
			s->suite_ix = (uint8_t)(s->nsuites - 1);
			fail(s, status_priv(rs.status) ? ENG_FAIL_PRIV :
			    ENG_FAIL_NO_SUITE, 1, rs.status);
			return;
		}
		s->hs_level = 0;
		open_session(s, now);
		return;
	}
	/* The BMC must run exactly what we proposed (ipmitool checks too). */
	if (rs.auth != s->suite.auth || rs.integ != s->suite.integ ||
	    rs.conf != s->suite.conf || rs.sid_c == 0 ||
	    (rs.max_priv != 0 && rs.max_priv < s->priv)) {
		fail(s, rs.max_priv != 0 && rs.max_priv < s->priv ?
		    ENG_FAIL_PRIV : ENG_FAIL_PROTOCOL, 0, 0);
		return;
	}
	s->sid_c = rs.sid_c;
	s->rakp.auth = s->suite.auth;
	s->rakp.sid_m = s->sid_m;
	s->rakp.sid_c = s->sid_c;
	/* Name-only lookup: the user's privilege comes from its name. */
	s->rakp.role = (uint8_t)(s->priv | IPMI_ROLE_NAME_ONLY);
	if (rnd(s, s->rakp.rm, sizeof(s->rakp.rm)) != 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	memset(&r1, 0, sizeof(r1));
	r1.tag = ++s->tag;
	r1.sid_c = s->sid_c;
	memcpy(r1.rm, s->rakp.rm, sizeof(r1.rm));
	r1.role = s->rakp.role;
	r1.user_len = s->rakp.user_len;
	memcpy(r1.user, s->rakp.user, s->rakp.user_len);
	vbuf_wr_init(&w, s->hs_buf, sizeof(s->hs_buf));
	if (ipmi_rakp1_encode(&w, &r1) != 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	s->hs_level = 0;
	hs_enter(s, ENG_S_RAKP1, w.len, now);
}

static void
on_rakp2(struct eng_session *s, const uint8_t *pkt, size_t n, uint64_t now)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_rakp2 r2;
	struct ipmi_rakp3 r3;
	struct vbuf_wr w;
	size_t len;

	if (presession_open(s, pkt, n, IPMI_PAYLOAD_RAKP2, pl, sizeof(pl),
	    &len) != 0)
		return;
	if (ipmi_rakp2_decode(pl, len, &r2) != 0) {
		drop(s, ENG_DROP_LENGTH);
		return;
	}
	if (r2.tag != s->tag || r2.sid_m != s->sid_m) {
		drop(s, ENG_DROP_SESSION);
		return;
	}
	if (r2.status != IPMI_RMCPP_OK) {
		/*
		 * An error to a repeated RAKP1 that is not about the user
		 * (a BMC that does not take RAKP1 twice may answer "invalid
		 * session id"): the exchange is lost, not refused.
		 */
		if (s->hs_tries > 1 && !status_no_slots(r2.status) &&
		    r2.status != ENG_ST_UNAUTH_NAME && !status_priv(r2.status)) {
			restart(s, now);
			return;
		}
		fail_status(s, r2.status);
		return;
	}
	memcpy(s->rakp.rc, r2.rc, sizeof(s->rakp.rc));
	memcpy(s->rakp.guid_c, r2.guid_c, sizeof(s->rakp.guid_c));
	/* Proof that the BMC knows the password, before we prove ours. */
	if (ipmi_rakp2_check(&s->rakp, r2.code, r2.code_len) != 0) {
		fail(s, ENG_FAIL_BAD_PASSWORD, 0, 0);
		return;
	}
	memset(&r3, 0, sizeof(r3));
	r3.tag = ++s->tag;
	r3.sid_c = s->sid_c;
	if (ipmi_rakp3_code(&s->rakp, r3.code, &len) != 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	r3.code_len = (uint8_t)len;
	vbuf_wr_init(&w, s->hs_buf, sizeof(s->hs_buf));
	if (ipmi_rakp3_encode(&w, &r3) != 0) {
		vcm_wipe(&r3, sizeof(r3));
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	vcm_wipe(&r3, sizeof(r3));
	s->hs_level = 0;
	hs_enter(s, ENG_S_RAKP3, w.len, now);
}

static void
on_rakp4(struct eng_session *s, const uint8_t *pkt, size_t n, uint64_t now)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_set_session_priv_rq prq;
	uint8_t data[8];
	struct ipmi_rakp4 r4;
	size_t len;
	int dl;

	if (presession_open(s, pkt, n, IPMI_PAYLOAD_RAKP4, pl, sizeof(pl),
	    &len) != 0)
		return;
	if (ipmi_rakp4_decode(pl, len, &r4) != 0) {
		drop(s, ENG_DROP_LENGTH);
		return;
	}
	if (r4.tag != s->tag || r4.sid_m != s->sid_m) {
		drop(s, ENG_DROP_SESSION);
		return;
	}
	if (r4.status != IPMI_RMCPP_OK) {
		fail_status(s, r4.status);
		return;
	}
	if (ipmi_keys_derive(&s->keys, &s->rakp, &s->suite) != 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return;
	}
	if (ipmi_rakp4_check(&s->rakp, s->keys.sik, r4.icv,
	    r4.icv_len) != 0) {
		fail(s, ENG_FAIL_KEY_CONFIRM, 0, 0);
		return;
	}
	/* The credentials are not needed again: a new session is a new struct. */
	ipmi_rakp_ctx_wipe(&s->rakp);
	vcm_wipe(s->hs_buf, sizeof(s->hs_buf));
	s->hs_len = 0;
	ipmi_seqwin_out_init(&s->out);
	ipmi_seqwin_init(&s->in);
	s->out_mark = 0;
	s->state = ENG_S_SETPRIV;
	s->hs_level = 0;
	memset(&prq, 0, sizeof(prq));
	prq.priv = s->priv;
	dl = ipmi_cmd_encode_rq(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_SET_SESSION_PRIV), &prq, sizeof(prq), data, sizeof(data));
	if (dl < 0 || rq_internal(s, ENG_RQK_SETPRIV, IPMI_NETFN_APP,
	    IPMI_CMD_SET_SESSION_PRIV, data, (size_t)dl, s->hs_deadline,
	    now) != 0)
		fail(s, ENG_FAIL_LOCAL, 0, 0);
}

/* ---- replies to requests ----------------------------------------------- */

/* The request rs answers: netfn, cmd, addresses and one of its rqSeqs. */
static struct eng_rq *
rq_match(struct eng_session *s, const struct ipmi_msg *rs)
{
	struct ipmi_msg rq;
	struct eng_rq *q;
	int i, j;

	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++) {
		q = &s->rq[i];
		if (q->kind == ENG_RQK_FREE)
			continue;
		/* Get Channel Auth Caps is the only request before a session. */
		if ((q->kind == ENG_RQK_AUTHCAP) != (s->state == ENG_S_AUTHCAP))
			continue;
		for (j = 0; j < q->nseq; j++) {
			memset(&rq, 0, sizeof(rq));
			rq.dst_addr = IPMI_BMC_SA;
			rq.netfn = q->netfn;
			rq.src_addr = IPMI_REMOTE_SWID;
			rq.seq = q->seq[j];
			rq.cmd = q->cmd;
			if (ipmi_msg_matches(&rq, rs))
				return q;
		}
	}
	return NULL;
}

static void
on_authcap(struct eng_session *s, struct eng_rq *q, const struct ipmi_msg *m,
    uint64_t now)
{
	struct ipmi_get_auth_caps_rs rs;

	memset(&rs, 0, sizeof(rs));
	if (ipmi_cmd_decode_rs(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_GET_CHANNEL_AUTH_CAPS), &rs, sizeof(rs), m->data,
	    m->data_len) != 0) {
		drop(s, ENG_DROP_LENGTH);
		return;
	}
	rq_free(q);
	if (rs.cc != IPMI_CC_OK) {
		/* CCh: the channel refuses the v2.0 data bit. */
		fail(s, rs.cc == IPMI_CC_INVALID_DATA ? ENG_FAIL_NO_IPMI20 :
		    ENG_FAIL_PROTOCOL, 1, rs.cc);
		return;
	}
	if (!(s->quirks & ENG_Q_AUTHCAP) && (!rs.v20_ext || !rs.ipmi20)) {
		fail(s, ENG_FAIL_NO_IPMI20, 0, 0);
		return;
	}
	s->hs_level = 0;
	open_session(s, now);
}

static void
on_setpriv(struct eng_session *s, struct eng_rq *q, const struct ipmi_msg *m,
    uint64_t now)
{
	struct ipmi_set_session_priv_rs rs;
	struct ipmi_close_session_rq crq;
	struct eng_event ev;
	uint8_t data[8];
	int dl;

	memset(&rs, 0, sizeof(rs));
	if (ipmi_cmd_decode_rs(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_SET_SESSION_PRIV), &rs, sizeof(rs), m->data,
	    m->data_len) != 0) {
		drop(s, ENG_DROP_LENGTH);
		return;
	}
	rq_free(q);
	if (rs.cc != IPMI_CC_OK || rs.priv < s->priv) {
		/*
		 * The session is open on the BMC: give the slot back
		 * before reporting (close_finish turns this into FAILED).
		 */
		s->fail_reason = ENG_FAIL_PRIV;
		s->fail_step = ENG_S_SETPRIV;
		s->fail_has_status = rs.cc != IPMI_CC_OK;
		s->fail_status = rs.cc;
		s->state = ENG_S_CLOSING;
		memset(&crq, 0, sizeof(crq));
		crq.session_id = s->sid_c;
		dl = ipmi_cmd_encode_rq(ipmi_cmd_find(IPMI_NETFN_APP,
		    IPMI_CMD_CLOSE_SESSION), &crq, sizeof(crq), data,
		    sizeof(data));
		if (dl < 0 || rq_internal(s, ENG_RQK_CLOSE, IPMI_NETFN_APP,
		    IPMI_CMD_CLOSE_SESSION, data, (size_t)dl,
		    after(now, s->close_ms), now) != 0)
			close_finish(s, 0, 0);
		return;
	}
	s->state = ENG_S_ACTIVE;
	s->last_rx = s->last_tx = s->last_cmd = now;
	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_EV_ESTABLISHED;
	ev.u.established.suite = s->suite.id;
	ev.u.established.priv = s->priv;
	ev.u.established.sid_m = s->sid_m;
	ev.u.established.sid_c = s->sid_c;
	emit(s, &ev);
}

static void
on_reply(struct eng_session *s, const struct ipmi_msg *m, uint64_t now)
{
	struct eng_rq *q;
	struct eng_event ev;
	uint8_t cc;

	if ((q = rq_match(s, m)) == NULL) {
		drop(s, ENG_DROP_NOMATCH);
		return;
	}
	cc = m->data[0];	/* ipmi_msg_matches() wants a cc */
	if (cc == ENG_CC_DUPLICATE) {
		drop(s, ENG_DROP_DUPLICATE);
		return;
	}
	switch (q->kind) {
	case ENG_RQK_AUTHCAP:
		on_authcap(s, q, m, now);
		break;
	case ENG_RQK_SETPRIV:
		on_setpriv(s, q, m, now);
		break;
	case ENG_RQK_KEEPALIVE:
		rq_free(q);
		break;
	case ENG_RQK_CLOSE:
		rq_free(q);
		close_finish(s, 1, cc);
		break;
	case ENG_RQK_USER:
		memset(&ev, 0, sizeof(ev));
		ev.type = ENG_EV_RESPONSE;
		ev.u.response.cookie = q->cookie;
		ev.u.response.netfn = q->netfn;
		ev.u.response.cmd = q->cmd;
		ev.u.response.cc = cc;
		ev.u.response.data = m->data + 1;
		ev.u.response.len = m->data_len - 1;
		/* Freed first: the callback may queue the next request. */
		rq_free(q);
		emit(s, &ev);
		break;
	}
}

/* ---- input ------------------------------------------------------------ */

/* Not even a well-formed RMCP packet: noise, not an answer of any kind. */
static int
damaged_datagram(const uint8_t *pkt, size_t n)
{
	struct ipmi_lanplus_hdr h;
	struct ipmi_lan15_hdr h15;
	const uint8_t *msg;
	size_t len;

	switch (ipmi_datagram_classify(pkt, n)) {
	case IPMI_DGRAM_ASF:
		return 0;
	case IPMI_DGRAM_LANPLUS:
		return ipmi_lanplus_peek(pkt, n, &h) != 0;
	case IPMI_DGRAM_LAN15:
		return ipmi_lan15_decode(pkt, n, &h15, &msg, &len) != 0;
	default:
		return 1;
	}
}

/*
 * A damaged datagram came from the BMC: what waits for an answer is
 * resent soon (see the top of this file). Each step or request gets at
 * most VCM_ENG_DAMAGED_RESENDS such resends, one per copy sent.
 */
static void
damaged(struct eng_session *s, uint64_t now)
{
	uint64_t t = after(now, VCM_ENG_DAMAGED_MS);
	struct eng_rq *q;
	int i;

	if (in_handshake(s)) {
		if (s->hs_tries > 0 && !s->hs_damaged &&
		    s->hs_early < VCM_ENG_DAMAGED_RESENDS) {
			s->hs_damaged = 1;
			if (t < s->hs_next)
				s->hs_next = t;
		}
		return;
	}
	if (s->state != ENG_S_AUTHCAP && !in_session(s))
		return;
	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++) {
		q = &s->rq[i];
		if (q->kind == ENG_RQK_FREE || q->tries == 0 || q->damaged ||
		    q->early >= VCM_ENG_DAMAGED_RESENDS ||
		    (q->kind == ENG_RQK_AUTHCAP) != (s->state == ENG_S_AUTHCAP))
			continue;
		q->damaged = 1;
		if (t < q->next_tx)
			q->next_tx = t;
	}
}

static void
input_authcap(struct eng_session *s, const uint8_t *pkt, size_t n,
    uint64_t now)
{
	struct ipmi_lan15_hdr h;
	struct ipmi_msg m;
	const uint8_t *msg;
	size_t len;

	if (ipmi_datagram_classify(pkt, n) != IPMI_DGRAM_LAN15) {
		drop(s, ENG_DROP_KIND);
		return;
	}
	if (ipmi_lan15_decode(pkt, n, &h, &msg, &len) != 0) {
		drop(s, ENG_DROP_KIND);
		return;
	}
	if (h.session_id != 0) {
		drop(s, ENG_DROP_SESSION);
		return;
	}
	if (h.auth_type != IPMI_AUTHTYPE_NONE) {
		drop(s, ENG_DROP_AUTH);
		return;
	}
	if (ipmi_msg_decode(msg, len, (s->quirks & ENG_Q_NOCHECKSUM) ?
	    IPMI_MSG_F_NOCHECKSUM : 0, &m) != 0) {
		drop(s, ENG_DROP_MSG);
		return;
	}
	on_reply(s, &m, now);
}

/* Any authenticated packet proves the BMC alive. */
static void
alive(struct eng_session *s, uint64_t now)
{
	struct eng_event ev;

	s->last_rx = now;
	s->out_mark = s->out.last;
	/* Set again by input_session() if requests remain unanswered. */
	s->wait_since = ENG_NEVER;
	if (s->dark && s->state == ENG_S_ACTIVE) {
		s->dark = 0;
		memset(&ev, 0, sizeof(ev));
		ev.type = ENG_EV_REACHABLE;
		emit(s, &ev);
	}
}

/* Requests still unanswered after a packet: the silence counts from now. */
static void
rewait(struct eng_session *s, uint64_t now)
{
	if (in_session(s) && s->wait_since == ENG_NEVER && rq_count(s, 0) > 0)
		s->wait_since = now;
}

static void
input_session(struct eng_session *s, const uint8_t *pkt, size_t n,
    uint64_t now)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct ipmi_msg m;
	struct eng_event ev;
	size_t len;

	if (ipmi_datagram_classify(pkt, n) != IPMI_DGRAM_LANPLUS ||
	    ipmi_lanplus_peek(pkt, n, &h) != 0) {
		drop(s, ENG_DROP_KIND);
		return;
	}
	if (h.session_id != s->sid_m) {
		drop(s, ENG_DROP_SESSION);
		return;
	}
	/* Check only: the window moves once the packet proved authentic. */
	if (ipmi_seqwin_check(&s->in, h.seq) != 0) {
		drop(s, ENG_DROP_SEQ);
		return;
	}
	if (ipmi_lanplus_decode(pkt, n, &s->keys, &h, pl, sizeof(pl),
	    &len) != 0) {
		drop(s, ENG_DROP_AUTH);
		return;
	}
	if (ipmi_seqwin_accept(&s->in, h.seq) != 0) {
		drop(s, ENG_DROP_SEQ);
		return;
	}
	alive(s, now);
	if (h.payload_type == IPMI_PAYLOAD_SOL && s->state == ENG_S_ACTIVE) {
		memset(&ev, 0, sizeof(ev));
		ev.type = ENG_EV_SOL_PACKET;
		ev.u.sol.data = pl;
		ev.u.sol.len = len;
		emit(s, &ev);
		rewait(s, now);
		return;
	}
	if (h.payload_type != IPMI_PAYLOAD_IPMI) {
		drop(s, ENG_DROP_PAYLOAD);
		return;
	}
	if (ipmi_msg_decode(pl, len, (s->quirks & ENG_Q_NOCHECKSUM) ?
	    IPMI_MSG_F_NOCHECKSUM : 0, &m) != 0) {
		drop(s, ENG_DROP_MSG);
		return;
	}
	on_reply(s, &m, now);
	rewait(s, now);
}

void
eng_session_input(struct eng_session *s, const uint8_t *pkt, size_t n,
    uint64_t now)
{
	if (pkt == NULL || n == 0 || n > VCM_IPMI_DATAGRAM_MAX) {
		drop(s, ENG_DROP_KIND);
		return;
	}
	if (damaged_datagram(pkt, n)) {
		drop(s, ENG_DROP_KIND);
		damaged(s, now);
		return;
	}
	switch (s->state) {
	case ENG_S_AUTHCAP:
		input_authcap(s, pkt, n, now);
		break;
	case ENG_S_OPEN:
		on_open_rs(s, pkt, n, now);
		break;
	case ENG_S_RAKP1:
		on_rakp2(s, pkt, n, now);
		break;
	case ENG_S_RAKP3:
		on_rakp4(s, pkt, n, now);
		break;
	case ENG_S_SETPRIV:
	case ENG_S_ACTIVE:
	case ENG_S_CLOSING:
		input_session(s, pkt, n, now);
		break;
	default:
		drop(s, ENG_DROP_STATE);
		break;
	}
}

/* ---- timers ------------------------------------------------------------ */

static void
rq_expire(struct eng_session *s, struct eng_rq *q)
{
	struct eng_event ev;
	unsigned int tries = q->tries;
	uint8_t step = s->state;

	switch (q->kind) {
	case ENG_RQK_AUTHCAP:
	case ENG_RQK_SETPRIV:
		rq_free(q);
		fail_full(s, ENG_FAIL_UNREACHABLE, step, tries, 0, 0, 0);
		break;
	case ENG_RQK_CLOSE:
		rq_free(q);
		close_finish(s, 0, 0);
		break;
	case ENG_RQK_USER:
		memset(&ev, 0, sizeof(ev));
		ev.type = ENG_EV_REQUEST_FAILED;
		ev.u.request_failed.cookie = q->cookie;
		ev.u.request_failed.err = VCM_ETIMEDOUT;
		ev.u.request_failed.tries = (uint8_t)tries;
		rq_free(q);
		emit(s, &ev);
		break;
	default:
		rq_free(q);
		break;
	}
}

/* Handles the first due request; 1 if one was due. */
static int
rq_tick_one(struct eng_session *s, uint64_t now)
{
	struct eng_rq *q;
	int i;

	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++) {
		q = &s->rq[i];
		if (q->kind == ENG_RQK_FREE)
			continue;
		if (now >= q->deadline) {
			rq_expire(s, q);
			return 1;
		}
		if (now < q->next_tx)
			continue;
		/* A resend for a damaged answer is not limited by the
		 * tries, which count silence. */
		if (!q->damaged && rq_quiet(q) >= rq_max_tries(s, q)) {
			rq_expire(s, q);
			return 1;
		}
		if (rq_send(s, q, now) != 0) {
			/* Our side cannot encode: end it like a timeout. */
			q->next_tx = ENG_NEVER;
			q->deadline = now;
		}
		return 1;
	}
	return 0;
}

static uint64_t
keepalive_due(const struct eng_session *s)
{
	uint64_t base, r, t;

	if (s->state != ENG_S_ACTIVE || s->keepalive_ms == ENG_KEEPALIVE_OFF ||
	    rq_count(s, 0) > 0)
		return ENG_NEVER;
	base = s->last_rx > s->last_tx ? s->last_rx : s->last_tx;
	/*
	 * SOL traffic proves the BMC alive but does not refresh its
	 * session on every BMC (ipmi_sim times out after 30 s of no IPMI
	 * message, IPMI-PEERS.md §8.11): an IPMI request at least every
	 * VCM_ENG_REFRESH_MS, even while a console streams.
	 */
	r = after(s->last_cmd, VCM_ENG_REFRESH_MS);
	t = after(base, s->keepalive_ms);
	return r < t ? r : t;
}

static uint64_t
dark_due(const struct eng_session *s)
{
	if (s->state != ENG_S_ACTIVE || s->dark || s->wait_since == ENG_NEVER)
		return ENG_NEVER;
	return after(s->wait_since, s->dead_ms);
}

void
eng_session_tick(struct eng_session *s, uint64_t now)
{
	struct eng_event ev;
	int guard;

	if (in_handshake(s)) {
		if (now >= s->hs_deadline)
			fail(s, ENG_FAIL_UNREACHABLE, 0, 0);
		else if (now >= s->hs_next)
			hs_timeout(s, now);
		return;
	}
	/*
	 * Callbacks may queue requests that are due at once; the guard
	 * bounds one tick, and eng_session_next() reports the rest.
	 */
	for (guard = 0; guard < 4 * VCM_ENG_RQ_SLOTS; guard++)
		if (!rq_tick_one(s, now))
			break;
	if (s->state != ENG_S_ACTIVE)
		return;
	if (now >= dark_due(s)) {
		s->dark = 1;
		memset(&ev, 0, sizeof(ev));
		ev.type = ENG_EV_UNREACHABLE;
		ev.u.unreachable.silent_ms = now - s->last_rx;
		emit(s, &ev);
		if (s->state != ENG_S_ACTIVE)
			return;
	}
	if (now >= keepalive_due(s)) {
		/* A keepalive has no deadline: it retries (capped) until the
		 * BMC answers, which is how REACHABLE is noticed. */
		if (rq_internal(s, ENG_RQK_KEEPALIVE, IPMI_NETFN_APP,
		    IPMI_CMD_GET_DEVICE_ID, NULL, 0, ENG_NEVER, now) == 0)
			s->stats.keepalives++;
	}
}

uint64_t
eng_session_next(const struct eng_session *s)
{
	uint64_t t = ENG_NEVER, v;
	int i;

	if (in_handshake(s))
		return s->hs_next < s->hs_deadline ? s->hs_next :
		    s->hs_deadline;
	if (s->state != ENG_S_AUTHCAP && !in_session(s))
		return ENG_NEVER;
	if (s->state == ENG_S_AUTHCAP)
		t = s->hs_deadline;
	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++) {
		if (s->rq[i].kind == ENG_RQK_FREE)
			continue;
		if (s->rq[i].next_tx < t)
			t = s->rq[i].next_tx;
		if (s->rq[i].deadline < t)
			t = s->rq[i].deadline;
	}
	if ((v = keepalive_due(s)) < t)
		t = v;
	if ((v = dark_due(s)) < t)
		t = v;
	return t;
}

/* ---- API --------------------------------------------------------------- */

int
eng_session_init(struct eng_session *s, const struct eng_config *c,
    const struct eng_env *env)
{
	size_t ulen;
	int i, r;

	memset(s, 0, sizeof(*s));
	if (c == NULL || env == NULL)
		return VCM_EINVAL;
	ulen = strnlen(c->user, sizeof(c->user));
	if (ulen > VCM_IPMI_USER_MAX || c->password_len > VCM_IPMI_KEY_MAX ||
	    c->kg_len > VCM_IPMI_KEY_MAX || c->priv < IPMI_PRIV_CALLBACK ||
	    c->priv > IPMI_PRIV_OEM || c->nsuites > VCM_ENG_SUITES_MAX)
		return VCM_EINVAL;
	s->env = *env;
	s->priv = c->priv;
	if (c->nsuites == 0) {
		s->suites[0] = 17;
		s->suites[1] = 3;
		s->nsuites = 2;
	} else {
		for (i = 0; i < c->nsuites; i++)
			s->suites[i] = c->suites[i];
		s->nsuites = c->nsuites;
	}
	/* Start at the first usable suite; never 0 or one without integrity
	 * and confidentiality (IPMI.md §2.3). */
	while (s->suite_ix < s->nsuites && !suite_ok(s->suites[s->suite_ix]))
		s->suite_ix++;
	if (s->suite_ix >= s->nsuites) {
		memset(s, 0, sizeof(*s));
		return VCM_EINSECURE;
	}
	s->retry_ms = c->retry_ms ? c->retry_ms : VCM_ENG_RETRY_MS;
	s->retry_cap_ms = c->retry_cap_ms ? c->retry_cap_ms : VCM_ENG_RETRY_CAP_MS;
	if (s->retry_cap_ms < s->retry_ms)
		s->retry_cap_ms = s->retry_ms;
	s->handshake_ms = c->handshake_ms ? c->handshake_ms : VCM_ENG_HANDSHAKE_MS;
	s->keepalive_ms = c->keepalive_ms ? c->keepalive_ms : VCM_ENG_KEEPALIVE_MS;
	s->dead_ms = c->dead_ms ? c->dead_ms : VCM_ENG_DEAD_MS;
	s->close_ms = c->close_ms ? c->close_ms : VCM_ENG_CLOSE_MS;
	s->quirks = c->quirks;
	s->wait_since = ENG_NEVER;
	if ((r = ipmi_rakp_ctx_set_creds(&s->rakp, c->user, c->password,
	    c->password_len, c->kg_len ? c->kg : NULL, c->kg_len)) != 0) {
		eng_session_wipe(s);
		memset(s, 0, sizeof(*s));
		return r;
	}
	s->state = ENG_S_IDLE;
	return 0;
}

int
eng_session_start(struct eng_session *s, uint64_t now)
{
	struct ipmi_get_auth_caps_rq rq;
	uint8_t data[8];
	int dl;

	if (s->state != ENG_S_IDLE)
		return VCM_ESTATE;
	s->hs_deadline = after(now, s->handshake_ms);
	memset(&rq, 0, sizeof(rq));
	rq.channel = ENG_CHANNEL_THIS;
	rq.v20_data = 1;
	rq.priv = s->priv;
	dl = ipmi_cmd_encode_rq(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_GET_CHANNEL_AUTH_CAPS), &rq, sizeof(rq), data,
	    sizeof(data));
	s->state = ENG_S_AUTHCAP;
	if (dl < 0 || rq_internal(s, ENG_RQK_AUTHCAP, IPMI_NETFN_APP,
	    IPMI_CMD_GET_CHANNEL_AUTH_CAPS, data, (size_t)dl, s->hs_deadline,
	    now) != 0) {
		fail(s, ENG_FAIL_LOCAL, 0, 0);
		return VCM_EINVAL;
	}
	return 0;
}

int
eng_session_request(struct eng_session *s, uint8_t netfn, uint8_t cmd,
    const void *data, size_t len, uint64_t deadline, uint64_t cookie,
    uint64_t now)
{
	struct eng_rq *q;
	int r;

	if (s->state != ENG_S_ACTIVE)
		return VCM_ESTATE;
	if (len > VCM_ENG_RQ_DATA_MAX || (len > 0 && data == NULL) ||
	    netfn > 0x3f || IPMI_NETFN_IS_RESPONSE(netfn))
		return len > VCM_ENG_RQ_DATA_MAX ? VCM_ERANGE : VCM_EINVAL;
	if (deadline <= now)
		return VCM_ETIMEDOUT;
	if (rq_count(s, 1) >= VCM_ENG_RQ_MAX)
		return VCM_ENOSPC;
	if ((q = rq_add(s, ENG_RQK_USER, netfn, cmd, data, len, deadline,
	    cookie)) == NULL)
		return VCM_ENOSPC;
	if ((r = rq_send(s, q, now)) != 0) {
		rq_free(q);
		return r;
	}
	s->stats.requests++;
	s->last_tx = now;
	return 0;
}

int
eng_session_send_sol(struct eng_session *s, const void *pl, size_t len,
    uint64_t now)
{
	int r;

	if (s->state != ENG_S_ACTIVE)
		return VCM_ESTATE;
	if (pl == NULL || len == 0 || len > IPMI_SOL_PKT_MAX)
		return len > IPMI_SOL_PKT_MAX ? VCM_ERANGE : VCM_EINVAL;
	/*
	 * Not last_tx: a SOL send is not answered at the IPMI level, and
	 * keystrokes resent every 500 ms to a dark BMC would postpone the
	 * keepalive for ever, so the BMC would never be found dark (bug
	 * found wiring the console, test "sol sends do not hide a dark
	 * BMC").
	 */
	if ((r = send_sealed(s, IPMI_PAYLOAD_SOL, pl, len)) != 0)
		return r;
	(void)now;
	return 0;
}

static void
close_finish(struct eng_session *s, int answered, uint8_t cc)
{
	struct eng_event ev;

	if (s->fail_reason != ENG_FAIL_NONE) {
		fail_full(s, (enum eng_fail)s->fail_reason, s->fail_step, 1,
		    s->fail_has_status, s->fail_status,
		    answered && cc == IPMI_CC_OK);
		return;
	}
	s->state = ENG_S_CLOSED;
	fail_requests(s, VCM_ESESSION);
	eng_session_wipe(s);
	memset(&ev, 0, sizeof(ev));
	ev.type = ENG_EV_CLOSED;
	ev.u.closed.answered = answered ? 1 : 0;
	ev.u.closed.confirmed = answered && cc == IPMI_CC_OK;
	ev.u.closed.cc = cc;
	emit(s, &ev);
}

int
eng_session_close(struct eng_session *s, uint64_t now)
{
	struct ipmi_close_session_rq crq;
	uint8_t data[8];
	int dl, i;

	switch (s->state) {
	case ENG_S_SETPRIV:
	case ENG_S_ACTIVE:
		break;
	case ENG_S_IDLE:
	case ENG_S_AUTHCAP:
	case ENG_S_OPEN:
	case ENG_S_RAKP1:
	case ENG_S_RAKP3:
		/* No keys yet, so nothing can be closed on the BMC. */
		close_finish(s, 0, 0);
		return 0;
	default:
		return VCM_ESTATE;
	}
	s->state = ENG_S_CLOSING;
	fail_requests(s, VCM_ESESSION);
	if (s->state != ENG_S_CLOSING)
		return 0;	/* a callback ended it */
	for (i = 0; i < VCM_ENG_RQ_SLOTS; i++)
		rq_free(&s->rq[i]);
	memset(&crq, 0, sizeof(crq));
	crq.session_id = s->sid_c;
	dl = ipmi_cmd_encode_rq(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_CLOSE_SESSION), &crq, sizeof(crq), data, sizeof(data));
	if (dl < 0 || rq_internal(s, ENG_RQK_CLOSE, IPMI_NETFN_APP,
	    IPMI_CMD_CLOSE_SESSION, data, (size_t)dl, after(now, s->close_ms),
	    now) != 0)
		close_finish(s, 0, 0);
	return 0;
}

void
eng_session_set_keepalive(struct eng_session *s, uint32_t keepalive_ms,
    uint32_t dead_ms)
{
	s->keepalive_ms = keepalive_ms ? keepalive_ms : VCM_ENG_KEEPALIVE_MS;
	s->dead_ms = dead_ms ? dead_ms : VCM_ENG_DEAD_MS;
}

/* ---- names -------------------------------------------------------------- */

const char *
eng_state_name(unsigned int st)
{
	static const char *const names[ENG_S__COUNT] = {
		"idle", "authcap", "open-session", "rakp1", "rakp3",
		"set-privilege", "active", "closing", "closed", "failed",
	};

	return st < ENG_S__COUNT ? names[st] : "unknown";
}

const char *
eng_fail_name(unsigned int f)
{
	static const char *const names[ENG_FAIL__COUNT] = {
		"none", "BMC unreachable", "no free session slot on the BMC",
		"unknown user name", "wrong password",
		"key confirmation failed (wrong Kg?)",
		"privilege level not available", "no usable cipher suite",
		"channel does not support IPMI 2.0", "protocol error",
		"local error",
	};

	return f < ENG_FAIL__COUNT ? names[f] : "unknown";
}

const char *
eng_drop_name(unsigned int d)
{
	static const char *const names[ENG_DROP__COUNT] = {
		"kind", "session", "sequence", "integrity", "payload",
		"message", "nomatch", "duplicate", "length", "state",
	};

	return d < ENG_DROP__COUNT ? names[d] : "unknown";
}
