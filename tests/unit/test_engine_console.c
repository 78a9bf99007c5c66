/*
 * The shared SOL console (src/engine/console.c) against a fake session
 * env: the test plays the BMC at the SOL / IPMI-request level, answering
 * the console's requests with completion codes and feeding it SOL
 * packets, with simulated time.
 */
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/cmds.h"
#include "ipmi/defs.h"
#include "ipmi/sol.h"
#include "engine/session.h"
#include "engine/console.h"
#include "engine/quirks.h"
#include "engine/engine.h"
#include "test.h"

#define EVMAX		512
#define SENTMAX		256
#define VMAX		4
#define VBUF		(64 * 1024)

struct sent {
	struct ipmi_sol_pkt	 p;
	uint8_t			 data[VCM_SOL_DATA_MAX];
};

struct fake {
	struct eng_console	 c;
	uint64_t		 now;
	/* Requests: the newest, and how many of each command. */
	int			 nrq;
	int			 pending;
	uint8_t			 rq_cmd;
	uint8_t			 rq_data[16];
	size_t			 rq_len;
	uint64_t		 rq_cookie;
	int			 n_act, n_deact, n_status;
	int			 refuse_rq;	/* request() fails */
	/* SOL payloads the console sent. */
	struct sent		 sent[SENTMAX];
	int			 nsent;
	/* Events. */
	struct eng_console_event ev[EVMAX];
	int			 nev;
	/* Viewers drained on READABLE (auto[i] set), and what they got. */
	int			 vh[VMAX];
	int			 autoread[VMAX];
	uint8_t			 got[VMAX][VBUF];
	size_t			 ngot[VMAX];
	uint8_t			 bmc_seq;
};

static struct fake F;

static int
f_request(void *arg, uint8_t netfn, uint8_t cmd, const void *data,
    size_t len, uint64_t deadline, uint64_t cookie, uint64_t now)
{
	struct fake *f = arg;

	(void)deadline;
	(void)now;
	if (f->refuse_rq)
		return VCM_ENOSPC;
	if (netfn != IPMI_NETFN_APP || len > sizeof(f->rq_data))
		return VCM_EINVAL;
	f->nrq++;
	f->pending = 1;
	f->rq_cmd = cmd;
	memcpy(f->rq_data, data, len);
	f->rq_len = len;
	f->rq_cookie = cookie;
	if (cmd == IPMI_CMD_ACTIVATE_PAYLOAD)
		f->n_act++;
	else if (cmd == IPMI_CMD_DEACTIVATE_PAYLOAD)
		f->n_deact++;
	else if (cmd == IPMI_CMD_GET_PAYLOAD_STATUS)
		f->n_status++;
	return 0;
}

static int
f_send_sol(void *arg, const void *pl, size_t len, uint64_t now)
{
	struct fake *f = arg;
	struct sent *s;

	(void)now;
	if (f->nsent >= SENTMAX)
		f->nsent = 0;	/* tests that flood look at counts only */
	s = &f->sent[f->nsent];
	if (ipmi_sol_decode(pl, len, IPMI_SOL_TO_BMC, &s->p) != 0)
		return VCM_EBADMSG;
	if (s->p.len > 0)
		memcpy(s->data, s->p.data, s->p.len);
	s->p.data = s->data;
	f->nsent++;
	return 0;
}

static int
vix(struct fake *f, int h)
{
	int i;

	for (i = 0; i < VMAX; i++)
		if (f->vh[i] == h)
			return i;
	return -1;
}

static void
f_event(void *arg, const struct eng_console_event *ev)
{
	struct fake *f = arg;
	long n;
	int i;

	if (f->nev < EVMAX)
		f->ev[f->nev++] = *ev;
	if (ev->type == ENG_CON_EV_READABLE && (i = vix(f, ev->viewer)) >= 0 &&
	    f->autoread[i]) {
		n = eng_console_read(&f->c, ev->viewer, f->got[i] + f->ngot[i],
		    VBUF - f->ngot[i]);
		if (n > 0)
			f->ngot[i] += (size_t)n;
	}
}

static void
setup_q(uint8_t policy, uint32_t quirks)
{
	struct eng_console_config cf;
	struct eng_console_env env;
	int i;

	eng_console_free(&F.c);
	memset(&F, 0, sizeof(F));
	for (i = 0; i < VMAX; i++)
		F.vh[i] = -1;
	F.now = 1000;
	memset(&cf, 0, sizeof(cf));
	cf.policy = policy;
	cf.quirks = quirks;
	memset(&env, 0, sizeof(env));
	env.request = f_request;
	env.send_sol = f_send_sol;
	env.event = f_event;
	env.arg = &F;
	(void)eng_console_init(&F.c, &cf, &env);
}

static void
setup(uint8_t policy)
{
	setup_q(policy, 0);
}

static int
count(uint8_t type)
{
	int i, n = 0;

	for (i = 0; i < F.nev; i++)
		n += F.ev[i].type == type;
	return n;
}

static const struct eng_console_event *
last(uint8_t type)
{
	int i;

	for (i = F.nev - 1; i >= 0; i--)
		if (F.ev[i].type == type)
			return &F.ev[i];
	return NULL;
}

static void
sess(uint8_t type)
{
	struct eng_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	eng_console_session_event(&F.c, &e, F.now);
}

static void
answer(uint8_t cc, const uint8_t *data, size_t len)
{
	struct eng_event e;

	memset(&e, 0, sizeof(e));
	e.type = ENG_EV_RESPONSE;
	e.u.response.cookie = F.rq_cookie;
	e.u.response.netfn = IPMI_NETFN_APP;
	e.u.response.cmd = F.rq_cmd;
	e.u.response.cc = cc;
	e.u.response.data = data;
	e.u.response.len = len;
	F.pending = 0;
	eng_console_session_event(&F.c, &e, F.now);
}

static void
answer_fail(void)
{
	struct eng_event e;

	memset(&e, 0, sizeof(e));
	e.type = ENG_EV_REQUEST_FAILED;
	e.u.request_failed.cookie = F.rq_cookie;
	e.u.request_failed.err = VCM_ETIMEDOUT;
	F.pending = 0;
	eng_console_session_event(&F.c, &e, F.now);
}

static void
answer_activate_ok(void)
{
	struct ipmi_activate_payload_rs rs;
	uint8_t buf[32];
	int n;

	memset(&rs, 0, sizeof(rs));
	rs.inbound_size = VCM_SOL_DATA_MAX + IPMI_SOL_HDR_LEN;
	rs.outbound_size = VCM_SOL_DATA_MAX;
	rs.port = 623;
	rs.vlan = 0xffff;
	n = ipmi_cmd_encode_rs(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_ACTIVATE_PAYLOAD), &rs, sizeof(rs), buf, sizeof(buf));
	CHECK(n > 1);
	answer(0, buf + 1, (size_t)n - 1);
}

static void
answer_status(uint8_t capacity, int active)
{
	struct ipmi_get_payload_status_rs rs;
	uint8_t buf[16];
	int n;

	memset(&rs, 0, sizeof(rs));
	rs.capacity = capacity;
	rs.active = active ? 1 : 0;
	n = ipmi_cmd_encode_rs(ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_GET_PAYLOAD_STATUS), &rs, sizeof(rs), buf, sizeof(buf));
	CHECK(n > 1);
	answer(0, buf + 1, (size_t)n - 1);
}

/* The BMC sends one SOL payload. */
static void
bmc_sol(uint8_t seq, uint8_t ack, uint8_t acc, uint8_t flags,
    const void *data, size_t len)
{
	struct ipmi_sol_pkt p;
	struct eng_event e;
	uint8_t pl[IPMI_SOL_PKT_MAX];
	int n;

	memset(&p, 0, sizeof(p));
	p.seq = seq;
	p.ack_seq = ack;
	p.accepted = acc;
	p.flags = flags;
	p.data = data;
	p.len = len;
	n = ipmi_sol_encode(&p, IPMI_SOL_TO_CONSOLE, pl, sizeof(pl));
	CHECK(n > 0);
	memset(&e, 0, sizeof(e));
	e.type = ENG_EV_SOL_PACKET;
	e.u.sol.data = pl;
	e.u.sol.len = (size_t)n;
	eng_console_session_event(&F.c, &e, F.now);
}

/* Host output as the next data packet. */
static void
host_out(const char *s)
{
	F.bmc_seq = ipmi_sol_seq_next(F.bmc_seq);
	bmc_sol(F.bmc_seq, 0, 0, 0, s, strlen(s));
}

static int
add_viewer(unsigned int rights, int autoread)
{
	int h, i;

	h = eng_console_attach(&F.c, rights, F.now);
	for (i = 0; i < VMAX; i++)
		if (F.vh[i] < 0) {
			F.vh[i] = h;
			F.autoread[i] = autoread;
			if (autoread && h >= 0) {
				long n = eng_console_read(&F.c, h, F.got[i],
				    VBUF);
				F.ngot[i] = n > 0 ? (size_t)n : 0;
			}
			return h;
		}
	return h;
}

static void
advance(uint64_t ms)
{
	uint64_t end = F.now + ms, t;

	for (;;) {
		t = eng_console_next(&F.c);
		if (t > end)
			break;
		F.now = t > F.now ? t : F.now;
		eng_console_tick(&F.c, F.now);
	}
	F.now = end;
}

/* One viewer (writer, auto-read), session up, SOL activated. */
static int
live_q(uint8_t policy, uint32_t quirks)
{
	int h;

	setup_q(policy, quirks);
	h = add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	answer_activate_ok();
	return h;
}

static int
live(uint8_t policy)
{
	int h;

	setup(policy);
	h = add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	answer_activate_ok();
	return h;
}

static const struct sent *
last_sent(void)
{
	return F.nsent > 0 ? &F.sent[F.nsent - 1] : NULL;
}

/* ---- cases ---------------------------------------------------------- */

static void
t_activation(void)
{
	int h;

	setup(ENG_CONSOLE_TAKE);
	CHECK_INT(F.c.state, ENG_CON_S_IDLE);
	CHECK(!eng_console_wants_session(&F.c));
	h = add_viewer(ENG_CON_V_WRITE, 1);
	REQUIRE(h >= 0);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	CHECK(eng_console_wants_session(&F.c));
	CHECK_INT(F.nrq, 0);
	sess(ENG_EV_ESTABLISHED);
	CHECK_INT(F.c.state, ENG_CON_S_ACTIVATING);
	REQUIRE(F.rq_cmd == IPMI_CMD_ACTIVATE_PAYLOAD);
	CHECK(eng_console_cookie_ours(F.rq_cookie));
	/* type SOL, instance 1, aux byte 1 with encryption + auth. */
	REQUIRE(F.rq_len >= 3);
	CHECK_INT(F.rq_data[0], IPMI_PAYLOAD_SOL);
	CHECK_INT(F.rq_data[1] & 0x0f, 1);
	CHECK_INT(F.rq_data[2] & 0xc0, 0xc0);
	/* SOL before the answer is dropped, not parsed (ipmitool#254). */
	host_out("early");
	CHECK_INT(F.c.stats.early_packets, 1);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	CHECK_INT(count(ENG_CON_EV_LIVE), 1);
	CHECK_INT(last(ENG_CON_EV_LIVE)->u.live.again, 0);
	CHECK_INT(eng_console_writer(&F.c), h);
	CHECK_INT(F.c.data_max, VCM_SOL_DATA_MAX);
	CHECK(ENG_CON_S_VALID(F.c.state));
	CHECK(strcmp(eng_console_state_name(F.c.state), "live") == 0);
}

static void
t_stale_take(void)
{
	const struct eng_console_event *ev;

	setup(ENG_CONSOLE_TAKE);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	answer(0x80, NULL, 0);			/* already active */
	CHECK_INT(F.c.state, ENG_CON_S_CHECKING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_GET_PAYLOAD_STATUS);
	answer_status(1, 1);			/* yes: someone else's */
	CHECK_INT(F.c.state, ENG_CON_S_TAKING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_DEACTIVATE_PAYLOAD);
	REQUIRE((ev = last(ENG_CON_EV_STALE)) != NULL);
	CHECK_INT(ev->u.stale.decision, ENG_CONSOLE_TAKE);
	CHECK_INT(ev->u.stale.tries, 1);
	answer(0, NULL, 0);
	CHECK_INT(F.c.state, ENG_CON_S_ACTIVATING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_ACTIVATE_PAYLOAD);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	CHECK_INT(F.c.stats.takes, 1);
	CHECK_INT(F.n_act, 2);
	CHECK_INT(F.n_deact, 1);

	/* A fighter that re-takes it every time: bounded. */
	setup(ENG_CONSOLE_TAKE);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	while (F.c.state == ENG_CON_S_ACTIVATING ||
	    F.c.state == ENG_CON_S_CHECKING ||
	    F.c.state == ENG_CON_S_TAKING) {
		if (F.rq_cmd == IPMI_CMD_ACTIVATE_PAYLOAD)
			answer(0x80, NULL, 0);
		else if (F.rq_cmd == IPMI_CMD_GET_PAYLOAD_STATUS)
			answer_status(1, 1);
		else
			answer(0, NULL, 0);
		REQUIRE(F.nrq < 50);
	}
	CHECK_INT(F.c.state, ENG_CON_S_REFUSED);
	CHECK_INT(F.n_deact, VCM_CONSOLE_TAKE_TRIES);
	CHECK_INT(last(ENG_CON_EV_REFUSED)->u.refused.reason,
	    ENG_CON_REF_TAKE_FAILED);
}

static void
t_stale_refuse(void)
{
	const struct eng_console_event *ev;

	setup(ENG_CONSOLE_REFUSE);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	answer(0x80, NULL, 0);
	answer_status(1, 1);
	CHECK_INT(F.c.state, ENG_CON_S_REFUSED);
	CHECK_INT(F.n_deact, 0);		/* never kills theirs */
	REQUIRE((ev = last(ENG_CON_EV_STALE)) != NULL);
	CHECK_INT(ev->u.stale.decision, ENG_CONSOLE_REFUSE);
	REQUIRE((ev = last(ENG_CON_EV_REFUSED)) != NULL);
	CHECK_INT(ev->u.refused.reason, ENG_CON_REF_IN_USE);
	/* An operator retries once the other session is gone. */
	CHECK_INT(eng_console_retry(&F.c, F.now), 0);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);

	/* A different refusal names the BMC's code. */
	setup(ENG_CONSOLE_REFUSE);
	add_viewer(0, 1);
	sess(ENG_EV_ESTABLISHED);
	answer(0x81, NULL, 0);			/* payload disabled */
	CHECK_INT(F.c.state, ENG_CON_S_REFUSED);
	CHECK_INT(last(ENG_CON_EV_REFUSED)->u.refused.reason, ENG_CON_REF_BMC);
	CHECK_INT(last(ENG_CON_EV_REFUSED)->u.refused.cc, 0x81);
}

/* "Status says inactive, Activate says active" (Intel): capped. */
static void
t_contradiction_cap(void)
{
	setup(ENG_CONSOLE_REFUSE);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	while (F.c.state != ENG_CON_S_REFUSED && F.nrq < 100) {
		if (!F.pending)
			advance(VCM_CONSOLE_BACKOFF_CAP_MS);
		else if (F.rq_cmd == IPMI_CMD_ACTIVATE_PAYLOAD)
			answer(0x80, NULL, 0);
		else
			answer_status(1, 0);
	}
	CHECK_INT(F.c.state, ENG_CON_S_REFUSED);
	CHECK_INT(F.c.stats.contradictions, VCM_CONSOLE_CONTRADICT_MAX);
	CHECK_INT(F.n_act, VCM_CONSOLE_CONTRADICT_MAX);
	CHECK(F.c.status_unreliable);
}

static void
t_fanout(void)
{
	int a, b, c;

	setup(ENG_CONSOLE_TAKE);
	a = add_viewer(ENG_CON_V_WRITE, 1);
	b = add_viewer(0, 1);
	c = add_viewer(0, 1);
	REQUIRE(a >= 0 && b >= 0 && c >= 0 && a != b && b != c);
	sess(ENG_EV_ESTABLISHED);
	answer_activate_ok();
	host_out("hello ");
	host_out("world\r\n");
	CHECK_INT(F.ngot[0], 13);
	CHECK_INT(F.ngot[1], 13);
	CHECK_INT(F.ngot[2], 13);
	CHECK_MEM(F.got[1], "hello world\r\n", 13);
	CHECK_MEM(F.got[2], "hello world\r\n", 13);
	/* Each packet ACKed in full. */
	REQUIRE(last_sent() != NULL);
	CHECK_INT(last_sent()->p.seq, 0);
	CHECK_INT(last_sent()->p.ack_seq, F.bmc_seq);
	CHECK_INT(last_sent()->p.accepted, 7);
	CHECK_INT(F.c.stats.rx_bytes, 13);
	CHECK_INT(eng_console_writer(&F.c), a);
}

static void
t_late_joiner(void)
{
	uint8_t buf[64];
	long n;
	int late;

	live(ENG_CONSOLE_TAKE);
	host_out("boot messages\r\n");
	host_out("login: ");
	late = add_viewer(0, 0);
	REQUIRE(late >= 0);
	CHECK_INT(eng_console_queued(&F.c, late), 22);
	host_out("root");
	n = eng_console_read(&F.c, late, buf, sizeof(buf));
	CHECK_INT(n, 26);
	CHECK_MEM(buf, "boot messages\r\nlogin: root", 26);
	/* The backlog keeps only the last VCM_CONSOLE_BACKLOG_BYTES. */
	{
		static char chunk[201];
		int i;

		memset(chunk, 'x', 200);
		for (i = 0; i < 200; i++)
			host_out(chunk);
		CHECK_INT(F.c.bl_len, VCM_CONSOLE_BACKLOG_BYTES);
	}
}

static void
t_extra_data(void)
{
	live(ENG_CONSOLE_TAKE);
	bmc_sol(1, 0, 0, 0, "abc", 3);
	/* The same packet again with more: only "de" is new. */
	bmc_sol(1, 0, 0, 0, "abcde", 5);
	CHECK_INT(F.ngot[0], 5);
	CHECK_MEM(F.got[0], "abcde", 5);
	CHECK_INT(F.c.stats.extras, 1);
	CHECK_INT(last_sent()->p.ack_seq, 1);
	CHECK_INT(last_sent()->p.accepted, 5);
	/* A plain duplicate delivers nothing and is ACKed again. */
	bmc_sol(1, 0, 0, 0, "abcde", 5);
	CHECK_INT(F.ngot[0], 5);
	CHECK_INT(F.c.stats.dups, 1);
	CHECK_INT(last_sent()->p.accepted, 5);
}

static void
t_overcount(void)
{
	const struct sent *s;
	int h;

	h = live(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_write(&F.c, h, "ls\r", 3, F.now), 3);
	REQUIRE((s = last_sent()) != NULL);
	CHECK_INT(s->p.len, 3);
	/* The BMC claims 200 characters of a 3-character packet. */
	bmc_sol(0, s->p.seq, 200, 0, NULL, 0);
	CHECK_INT(F.c.stats.overcounts, 1);
	CHECK_INT(F.c.stats.tx_bytes, 3);	/* clamped, not 200 */
	CHECK_INT(F.c.in_len, 0);
	CHECK_INT(last(ENG_CON_EV_PEER_ERROR)->u.peer.kind,
	    ENG_CON_PEER_OVERCOUNT);
	/* An ACK for a packet never sent is ignored. */
	bmc_sol(0, 9, 3, 0, NULL, 0);
	CHECK_INT(F.c.stats.stale_acks, 1);
}

static void
t_writer_keys(void)
{
	const struct sent *s;
	int w, ro, n0;

	w = live(ENG_CONSOLE_TAKE);
	ro = add_viewer(0, 1);
	CHECK_INT(eng_console_write(&F.c, ro, "rm", 2, F.now), VCM_ESTATE);
	CHECK_INT(eng_console_break(&F.c, ro, F.now), VCM_ESTATE);
	CHECK_INT(eng_console_take_over(&F.c, ro), VCM_ESTATE);
	CHECK_INT(eng_console_write(&F.c, w, "root\r", 5, F.now), 5);
	REQUIRE((s = last_sent()) != NULL);
	CHECK_INT(s->p.len, 5);
	CHECK_MEM(s->data, "root\r", 5);
	CHECK(s->p.seq != 0);
	/* One packet in flight: more keys wait for the ACK. */
	n0 = F.nsent;
	CHECK_INT(eng_console_write(&F.c, w, "pw\r", 3, F.now), 3);
	CHECK_INT(F.nsent, n0);
	/* Partial ACK: 2 of 5; the rest goes in a new packet with "pw\r". */
	bmc_sol(0, s->p.seq, 2, 0, NULL, 0);
	REQUIRE((s = last_sent()) != NULL);
	CHECK_INT(s->p.len, 6);
	CHECK_MEM(s->data, "ot\rpw\r", 6);
	/* No ACK: resent with the same number after the retry time. */
	n0 = F.nsent;
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_INT(F.nsent, n0 + 1);
	CHECK_INT(last_sent()->p.seq, s->p.seq);
	CHECK_MEM(last_sent()->data, "ot\rpw\r", 6);
	bmc_sol(0, s->p.seq, 6, 0, NULL, 0);
	CHECK_INT(F.c.stats.tx_bytes, 8);
	CHECK_INT(F.c.in_len, 0);
	/* The input queue is bounded: a huge paste is cut. */
	{
		static uint8_t big[VCM_CONSOLE_INPUT_BYTES * 2];

		memset(big, 'a', sizeof(big));
		CHECK_INT(eng_console_write(&F.c, w, big, sizeof(big), F.now),
		    VCM_CONSOLE_INPUT_BYTES);
		CHECK_INT(F.c.stats.input_refused, VCM_CONSOLE_INPUT_BYTES);
	}
}

static void
t_takeover(void)
{
	const struct eng_console_event *ev;
	int a, b;

	a = live(ENG_CONSOLE_TAKE);
	b = add_viewer(ENG_CON_V_WRITE, 1);
	CHECK_INT(eng_console_writer(&F.c), a);	/* no silent change */
	CHECK_INT(eng_console_write(&F.c, b, "x", 1, F.now), VCM_ESTATE);
	CHECK_INT(eng_console_take_over(&F.c, b), 0);
	CHECK_INT(eng_console_writer(&F.c), b);
	REQUIRE((ev = last(ENG_CON_EV_WRITER_LOST)) != NULL);
	CHECK_INT(ev->viewer, a);
	CHECK_INT(ev->u.writer.other, b);
	REQUIRE((ev = last(ENG_CON_EV_WRITER)) != NULL);
	CHECK_INT(ev->viewer, b);
	CHECK_INT(ev->u.writer.other, a);
	CHECK_INT(eng_console_write(&F.c, a, "x", 1, F.now), VCM_ESTATE);
	CHECK_INT(eng_console_write(&F.c, b, "x", 1, F.now), 1);
	/* The writer leaving leaves no writer: taking over is explicit. */
	CHECK_INT(eng_console_detach(&F.c, b, F.now), 0);
	CHECK_INT(eng_console_writer(&F.c), -1);
	CHECK_INT(eng_console_write(&F.c, b, "x", 1, F.now), VCM_EINVAL);
}

static void
t_break(void)
{
	const struct sent *s;
	int w;

	w = live(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_break(&F.c, w, F.now), 0);
	REQUIRE((s = last_sent()) != NULL);
	CHECK(s->p.seq != 0);
	CHECK_INT(s->p.len, 0);
	CHECK(s->p.flags & IPMI_SOL_OP_BREAK);
	bmc_sol(0, s->p.seq, 0, 0, NULL, 0);
	CHECK_INT(F.c.stats.breaks, 1);
	CHECK_INT(eng_console_write(&F.c, w, "a", 1, F.now), 1);
	CHECK(!(last_sent()->p.flags & IPMI_SOL_OP_BREAK));
}

/* NACK and "character transfer unavailable" pause sending. */
static void
t_flow_control(void)
{
	const struct sent *s;
	int w, n0;

	w = live(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_write(&F.c, w, "abc", 3, F.now), 3);
	s = last_sent();
	bmc_sol(0, s->p.seq, 0, IPMI_SOL_NACK, NULL, 0);
	CHECK_INT(F.c.stats.nacks, 1);
	CHECK_INT(F.c.in_len, 3);
	n0 = F.nsent;
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_INT(F.nsent, n0 + 1);
	CHECK_MEM(last_sent()->data, "abc", 3);
	/* Many NACKs never spend the retry budget (no reconnect). */
	{
		int i;

		for (i = 0; i < 20; i++) {
			bmc_sol(0, s->p.seq, 0, IPMI_SOL_NACK, NULL, 0);
			advance(VCM_CONSOLE_SOL_RETRY_MS);
		}
		CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	}
	/* ACK, but the BMC cannot take more characters now. */
	bmc_sol(0, s->p.seq, 3, IPMI_SOL_ST_UNAVAIL, NULL, 0);
	n0 = F.nsent;
	CHECK_INT(eng_console_write(&F.c, w, "d", 1, F.now), 1);
	CHECK_INT(F.nsent, n0);
	host_out("x");				/* no UNAVAIL bit: go on */
	CHECK(F.nsent > n0);
	CHECK_INT(F.sent[F.nsent - 1].p.len, 1);
	CHECK_MEM(F.sent[F.nsent - 1].data, "d", 1);
}

/* Data packets the console sent since sent index from (counts only). */
static int
data_sent_since(int from)
{
	int i, n = 0;

	for (i = from; i < F.nsent && i < SENTMAX; i++)
		n += F.sent[i].p.seq != 0 && F.sent[i].p.len > 0;
	return n;
}

/*
 * "Character transfer unavailable" and the one packet announcing its end
 * lost: the keystrokes go out anyway, one packet per retry interval
 * (the BMC NACKs it while unavailable), and reach the BMC once.
 */
static void
t_cts_lost(void)
{
	const struct sent *s;
	int w, n0, i;
	uint64_t t0;

	w = live(ENG_CONSOLE_TAKE);
	/* CTS off, announced by a status-only packet. */
	bmc_sol(0, 0, 0, IPMI_SOL_ST_UNAVAIL, NULL, 0);
	CHECK(F.c.paused);
	n0 = F.nsent;
	t0 = F.now;
	CHECK_INT(eng_console_write(&F.c, w, "key", 3, F.now), 3);
	CHECK_INT(F.nsent, n0);			/* held */
	CHECK_INT(eng_console_next(&F.c), t0 + VCM_CONSOLE_SOL_RETRY_MS);
	advance(VCM_CONSOLE_SOL_RETRY_MS - 1);
	CHECK_INT(F.nsent, n0);
	advance(1);				/* one probe */
	REQUIRE(F.nsent == n0 + 1);
	s = last_sent();
	CHECK_INT(s->p.len, 3);
	CHECK_MEM(s->data, "key", 3);
	CHECK_INT(F.c.stats.cts_probes, 1);
	/* Still unavailable: NACKed, with the bit. 2 s of that: at most
	 * one data packet per interval, no give-up. */
	for (i = 0; i < 4; i++) {
		bmc_sol(0, last_sent()->p.seq, 0,
		    IPMI_SOL_NACK | IPMI_SOL_ST_UNAVAIL, NULL, 0);
		advance(VCM_CONSOLE_SOL_RETRY_MS);
	}
	CHECK_INT(data_sent_since(n0), 5);
	CHECK_INT(F.c.in_len, 3);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	/* CTS back on; its packet is lost. The next resend is ACKed. */
	bmc_sol(0, last_sent()->p.seq, 3, 0, NULL, 0);
	CHECK_INT(F.c.in_len, 0);
	CHECK_INT(F.c.stats.tx_bytes, 3);
	CHECK(!F.c.paused);
	n0 = F.nsent;
	CHECK_INT(eng_console_write(&F.c, w, "more", 4, F.now), 4);
	CHECK_INT(F.nsent, n0 + 1);		/* at once again */

	/* An ACK while the bit stays: the next packet still waits its
	 * interval after the last one sent. */
	w = live(ENG_CONSOLE_TAKE);
	bmc_sol(0, 0, 0, IPMI_SOL_ST_UNAVAIL, NULL, 0);
	CHECK_INT(eng_console_write(&F.c, w, "ab", 2, F.now), 2);
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	REQUIRE(data_sent_since(0) == 1);
	s = last_sent();
	t0 = F.now;
	bmc_sol(0, s->p.seq, 1, IPMI_SOL_ST_UNAVAIL, NULL, 0);	/* partial */
	CHECK_INT(F.c.in_len, 1);
	n0 = F.nsent;
	advance(VCM_CONSOLE_SOL_RETRY_MS - 1);
	CHECK_INT(data_sent_since(n0), 0);
	advance(1);
	CHECK_INT(data_sent_since(n0), 1);
	CHECK_INT(F.now, t0 + VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_MEM(last_sent()->data, "b", 1);

	/* A break waits the same way. */
	w = live(ENG_CONSOLE_TAKE);
	bmc_sol(0, 0, 0, IPMI_SOL_ST_UNAVAIL, NULL, 0);
	n0 = F.nsent;
	CHECK_INT(eng_console_break(&F.c, w, F.now), 0);
	CHECK_INT(F.nsent, n0);
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	REQUIRE(F.nsent == n0 + 1);
	CHECK(last_sent()->p.flags & IPMI_SOL_OP_BREAK);

	/* Nothing typed: nothing sent, no timer. */
	live(ENG_CONSOLE_TAKE);
	bmc_sol(0, 0, 0, IPMI_SOL_ST_UNAVAIL, NULL, 0);
	n0 = F.nsent;
	advance(10 * VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_INT(data_sent_since(n0), 0);
}

/* A NACK proves the SOL is ours: resends lost before it are forgiven. */
static void
t_nack_refunds(void)
{
	int w;

	w = live(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_write(&F.c, w, "x", 1, F.now), 1);
	/* All but one resend of the budget lost... */
	advance((VCM_CONSOLE_SOL_RETRIES - 1) * VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_INT(F.c.stats.resends, VCM_CONSOLE_SOL_RETRIES - 1);
	/* ...then a NACK: resent an interval later, and the budget starts
	 * again (without the refund it would be spent one interval after
	 * that resend). */
	bmc_sol(0, last_sent()->p.seq, 0, IPMI_SOL_NACK, NULL, 0);
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_INT(F.c.stats.resends, VCM_CONSOLE_SOL_RETRIES);
	advance(VCM_CONSOLE_SOL_RETRIES * VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_INT(F.c.stats.resends, 2 * VCM_CONSOLE_SOL_RETRIES);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	CHECK_INT(count(ENG_CON_EV_RECONNECTING), 0);
	/* Silence for the whole budget still ends it. */
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	REQUIRE(last(ENG_CON_EV_RECONNECTING) != NULL);
	CHECK_INT(last(ENG_CON_EV_RECONNECTING)->u.reconnecting.why,
	    ENG_CON_WHY_NO_ACK);
}

/* ENG_CON_EV_FLOW: once per change of "keystrokes held by the BMC". */
static void
t_flow_events(void)
{
	const struct eng_console_event *ev;
	int w;

	/* A NACK blocks, the ACK releases; repeats say nothing. */
	w = live(ENG_CONSOLE_TAKE);
	CHECK_INT(count(ENG_CON_EV_FLOW), 0);
	CHECK_INT(eng_console_write(&F.c, w, "abc", 3, F.now), 3);
	bmc_sol(0, last_sent()->p.seq, 0, IPMI_SOL_NACK, NULL, 0);
	REQUIRE(count(ENG_CON_EV_FLOW) == 1);
	ev = last(ENG_CON_EV_FLOW);
	CHECK_INT(ev->viewer, -1);
	CHECK_INT(ev->u.flow.blocked, 1);
	CHECK_INT(ev->u.flow.nacked, 1);
	CHECK_INT(ev->u.flow.unavailable, 0);
	advance(VCM_CONSOLE_SOL_RETRY_MS);	/* resent */
	bmc_sol(0, last_sent()->p.seq, 0, IPMI_SOL_NACK, NULL, 0);
	host_out("x");
	CHECK_INT(count(ENG_CON_EV_FLOW), 1);
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	bmc_sol(0, last_sent()->p.seq, 3, 0, NULL, 0);
	REQUIRE(count(ENG_CON_EV_FLOW) == 2);
	ev = last(ENG_CON_EV_FLOW);
	CHECK_INT(ev->u.flow.blocked, 0);
	CHECK_INT(ev->u.flow.nacked, 0);
	CHECK_INT(F.c.stats.flow_blocks, 1);

	/* CTS off blocks (typing or not); a NACK meanwhile adds nothing;
	 * the end of it releases. */
	w = live(ENG_CONSOLE_TAKE);
	bmc_sol(0, 0, 0, IPMI_SOL_ST_UNAVAIL, NULL, 0);
	REQUIRE(count(ENG_CON_EV_FLOW) == 1);
	ev = last(ENG_CON_EV_FLOW);
	CHECK_INT(ev->u.flow.blocked, 1);
	CHECK_INT(ev->u.flow.unavailable, 1);
	CHECK_INT(eng_console_write(&F.c, w, "k", 1, F.now), 1);
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	bmc_sol(0, last_sent()->p.seq, 0,
	    IPMI_SOL_NACK | IPMI_SOL_ST_UNAVAIL, NULL, 0);
	CHECK_INT(count(ENG_CON_EV_FLOW), 1);
	/* Available again, but our packet is still NACKed: held. */
	F.bmc_seq = ipmi_sol_seq_next(F.bmc_seq);
	bmc_sol(F.bmc_seq, 0, 0, 0, "y", 1);
	CHECK_INT(count(ENG_CON_EV_FLOW), 1);
	advance(VCM_CONSOLE_SOL_RETRY_MS);
	bmc_sol(0, last_sent()->p.seq, 1, 0, NULL, 0);
	REQUIRE(count(ENG_CON_EV_FLOW) == 2);
	CHECK_INT(last(ENG_CON_EV_FLOW)->u.flow.blocked, 0);

	/* Blocked when the SOL drops: released with the reconnect. */
	live(ENG_CONSOLE_TAKE);
	bmc_sol(0, 0, 0, IPMI_SOL_ST_UNAVAIL, NULL, 0);
	CHECK_INT(count(ENG_CON_EV_FLOW), 1);
	sess(ENG_EV_UNREACHABLE);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	REQUIRE(count(ENG_CON_EV_FLOW) == 2);
	CHECK_INT(last(ENG_CON_EV_FLOW)->u.flow.blocked, 0);
	/* ... and by a stop. */
	live(ENG_CONSOLE_TAKE);
	bmc_sol(0, 0, 0, IPMI_SOL_ST_UNAVAIL, NULL, 0);
	CHECK_INT(eng_console_stop(&F.c, F.now), 0);
	REQUIRE(count(ENG_CON_EV_FLOW) == 2);
	CHECK_INT(last(ENG_CON_EV_FLOW)->u.flow.blocked, 0);
}

/*
 * A paused viewer (its sink is full) keeps its output in its queue:
 * the overflow rules apply (skipped ahead, then dropped), the others
 * are not affected; resumed, it is told to read.
 */
static void
t_pause(void)
{
	static char chunk[VCM_SOL_DATA_MAX + 1];
	const struct eng_console_event *ev;
	uint8_t buf[512];
	int fast, p, i, r0;

	fast = live(ENG_CONSOLE_TAKE);
	p = add_viewer(0, 1);			/* would read, but paused */
	REQUIRE(p >= 0);
	CHECK_INT(eng_console_paused(&F.c, p), 0);
	CHECK_INT(eng_console_pause(&F.c, p, 1), 0);
	CHECK_INT(eng_console_pause(&F.c, p, 1), 0);	/* idempotent */
	CHECK_INT(eng_console_paused(&F.c, p), 1);
	CHECK_INT(eng_console_paused(&F.c, fast), 0);
	CHECK_INT(eng_console_pause(&F.c, -1, 1), VCM_EINVAL);
	CHECK_INT(eng_console_pause(&F.c, p + 256, 0), VCM_EINVAL);
	CHECK_INT(eng_console_paused(&F.c, p + 256), VCM_EINVAL);
	F.autoread[1] = 0;	/* as the engine: no delivery while paused */
	host_out("hello");
	CHECK_INT(eng_console_queued(&F.c, p), 5);
	/* Resumed: READABLE at once, since bytes are queued. */
	r0 = count(ENG_CON_EV_READABLE);
	CHECK_INT(eng_console_pause(&F.c, p, 0), 0);
	CHECK_INT(count(ENG_CON_EV_READABLE), r0 + 1);
	CHECK_INT(last(ENG_CON_EV_READABLE)->viewer, p);
	CHECK_INT(eng_console_pause(&F.c, p, 0), 0);	/* no news */
	CHECK_INT(count(ENG_CON_EV_READABLE), r0 + 1);
	/* A pull read works paused or not. */
	CHECK_INT(eng_console_pause(&F.c, p, 1), 0);
	CHECK_INT(eng_console_read(&F.c, p, buf, sizeof(buf)), 5);
	CHECK_MEM(buf, "hello", 5);
	/* Resumed with nothing queued: no event. */
	r0 = count(ENG_CON_EV_READABLE);
	CHECK_INT(eng_console_pause(&F.c, p, 0), 0);
	CHECK_INT(count(ENG_CON_EV_READABLE), r0);

	/* Paused for good: skipped ahead once, then dropped. */
	CHECK_INT(eng_console_pause(&F.c, p, 1), 0);
	memset(chunk, 'z', VCM_SOL_DATA_MAX);
	for (i = 0; i < 3 * VCM_CONSOLE_VIEWER_QUEUE_BYTES / VCM_SOL_DATA_MAX;
	    i++) {
		host_out(chunk);
		REQUIRE(eng_console_queued(&F.c, fast) == 0);
		if (F.ngot[0] > VBUF / 2)
			F.ngot[0] = 0;
	}
	CHECK_INT(count(ENG_CON_EV_OVERFLOW), 1);
	REQUIRE((ev = last(ENG_CON_EV_OVERFLOW)) != NULL);
	CHECK_INT(ev->viewer, p);
	CHECK(ev->u.overflow.skipped > 0);
	CHECK_INT(count(ENG_CON_EV_DROPPED), 1);
	CHECK_INT(last(ENG_CON_EV_DROPPED)->viewer, p);
	CHECK_INT(eng_console_paused(&F.c, p), VCM_EINVAL);
	CHECK_INT(F.c.nviewers, 1);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	/* Every packet ACKed in full: the BMC never waited. */
	CHECK_INT(last_sent()->p.accepted, VCM_SOL_DATA_MAX);

	/* Paused, then resumed before the second overflow: only skipped. */
	fast = live(ENG_CONSOLE_TAKE);
	p = add_viewer(0, 0);
	CHECK_INT(eng_console_pause(&F.c, p, 1), 0);
	for (i = 0; i < VCM_CONSOLE_VIEWER_QUEUE_BYTES / VCM_SOL_DATA_MAX + 2;
	    i++)
		host_out(chunk);
	CHECK_INT(count(ENG_CON_EV_OVERFLOW), 1);
	CHECK_INT(eng_console_pause(&F.c, p, 0), 0);
	while (eng_console_read(&F.c, p, buf, sizeof(buf)) > 0)
		;
	for (i = 0; i < VCM_CONSOLE_VIEWER_QUEUE_BYTES / VCM_SOL_DATA_MAX + 2;
	    i++)
		host_out(chunk);
	CHECK_INT(count(ENG_CON_EV_DROPPED), 0);
	/* A new viewer in a reused slot starts unpaused. */
	CHECK_INT(eng_console_detach(&F.c, p, F.now), 0);
	p = add_viewer(0, 0);
	REQUIRE(p >= 0);
	CHECK_INT(eng_console_paused(&F.c, p), 0);
	(void)fast;
}

/* The engine's verbs: PAUSE / RESUME for a viewer, checked like the
 * others. No BMC answers; nothing is awaited. */
static int	eng_pause_results;

static void
eng_pause_result(void *arg, const struct eng_result *r)
{
	(void)arg;
	(void)r;
	eng_pause_results++;
}

static void
t_engine_pause_verbs(void)
{
	struct eng_opts o;
	struct eng_bmc_config bc;
	struct eng_con_request rq;
	struct eng *e;
	uv_loop_t loop;
	int64_t bmc, v;
	int err = 0;

	CHECK_INT(ENG_CON_HAS_PAUSE, 1);
	REQUIRE(uv_loop_init(&loop) == 0);
	memset(&o, 0, sizeof(o));
	o.bind_addr = "127.0.0.1";
	o.nsockets = 1;
	e = eng_new(&loop, &o, eng_pause_result, NULL, &err);
	REQUIRE(e != NULL);
	memset(&bc, 0, sizeof(bc));
	bc.addr = 0x7f1dff01;		/* 127.29.255.1: nobody */
	bc.port = 9;
	memcpy(bc.user, "u", 1);
	bc.password[0] = 'p';
	bc.password_len = 1;
	bmc = eng_bmc_add(e, &bc);
	REQUIRE(bmc > 0);
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.verb = ENG_CON_OPEN;
	rq.bmc = (uint32_t)bmc;
	v = eng_console_request(e, &rq);
	CHECK(v >= 0);
	rq.viewer = v;
	rq.verb = ENG_CON_PAUSE;
	CHECK_INT(eng_console_request(e, &rq), 0);
	rq.verb = ENG_CON_RESUME;
	CHECK_INT(eng_console_request(e, &rq), 0);
	CHECK_INT(eng_console_request(e, &rq), 0);
	rq.viewer = v + 1;		/* no such viewer */
	rq.verb = ENG_CON_PAUSE;
	CHECK_INT(eng_console_request(e, &rq), VCM_EINVAL);
	rq.viewer = -1;
	CHECK_INT(eng_console_request(e, &rq), VCM_EINVAL);
	rq.viewer = v;
	rq.verb = ENG_CON__COUNT;
	CHECK_INT(eng_console_request(e, &rq), VCM_EINVAL);
	rq.verb = ENG_CON_DETACH;
	CHECK_INT(eng_console_request(e, &rq), 0);
	rq.verb = ENG_CON_RESUME;	/* detached */
	CHECK_INT(eng_console_request(e, &rq), VCM_EINVAL);
	eng_stop(e);
	CHECK_INT(uv_run(&loop, UV_RUN_DEFAULT), 0);
	eng_free(e);
	CHECK_INT(uv_loop_close(&loop), 0);
	CHECK_INT(eng_pause_results, 0);
}

static void
t_slow_viewer(void)
{
	static char chunk[VCM_SOL_DATA_MAX + 1];
	const struct eng_console_event *ev;
	int fast, slow, stalled, i, dropped_at = -1;
	size_t total = 0, maxmem = 0;
	uint8_t buf[512];

	live(ENG_CONSOLE_TAKE);
	fast = F.vh[0];
	slow = add_viewer(0, 0);
	stalled = add_viewer(0, 0);
	REQUIRE(slow >= 0 && stalled >= 0);
	memset(chunk, 'y', VCM_SOL_DATA_MAX);
	/* 10 MB flood. The slow viewer reads 512 bytes per 20 packets;
	 * the stalled one never reads. */
	for (i = 0; total < 10u * 1000 * 1000; i++) {
		host_out(chunk);
		total += VCM_SOL_DATA_MAX;
		if (i % 20 == 0)
			(void)eng_console_read(&F.c, slow, buf, sizeof(buf));
		if (eng_console_mem(&F.c) > maxmem)
			maxmem = eng_console_mem(&F.c);
		if (dropped_at < 0 && count(ENG_CON_EV_DROPPED) > 0)
			dropped_at = i;
		if (F.ngot[0] > VBUF / 2)
			F.ngot[0] = 0;	/* the fast viewer's sink */
		REQUIRE(eng_console_queued(&F.c, fast) == 0);
	}
	CHECK_INT(F.c.stats.rx_bytes, total);
	/* The stalled viewer: told once, then dropped on the second. */
	REQUIRE((ev = last(ENG_CON_EV_OVERFLOW)) != NULL);
	CHECK(count(ENG_CON_EV_OVERFLOW) >= 1);
	CHECK(dropped_at > 0);
	CHECK(eng_console_queued(&F.c, stalled) == VCM_EINVAL);
	for (i = 0; i < F.nev; i++)
		if (F.ev[i].type == ENG_CON_EV_DROPPED)
			CHECK(F.ev[i].viewer == stalled || F.ev[i].viewer == slow);
	/* Memory: backlog + the queues attached, never more. */
	CHECK(maxmem <= VCM_CONSOLE_BACKLOG_BYTES +
	    3 * (size_t)VCM_CONSOLE_VIEWER_QUEUE_BYTES);
	CHECK(F.c.bl_len <= VCM_CONSOLE_BACKLOG_BYTES);
	CHECK(eng_console_queued(&F.c, fast) == 0);
	/* Every packet was ACKed: the BMC was never held back. */
	CHECK_INT(last_sent()->p.accepted, VCM_SOL_DATA_MAX);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);

	/* A viewer that is slow but catches up is only skipped ahead. */
	live(ENG_CONSOLE_TAKE);
	slow = add_viewer(0, 0);
	for (i = 0; i < 100; i++)
		host_out(chunk);
	CHECK_INT(count(ENG_CON_EV_OVERFLOW), 1);
	REQUIRE((ev = last(ENG_CON_EV_OVERFLOW)) != NULL);
	CHECK_INT(ev->viewer, slow);
	CHECK(ev->u.overflow.skipped > 0);
	while (eng_console_read(&F.c, slow, buf, sizeof(buf)) > 0)
		;
	for (i = 0; i < 100; i++)
		host_out(chunk);
	CHECK_INT(count(ENG_CON_EV_OVERFLOW), 2);
	CHECK_INT(count(ENG_CON_EV_DROPPED), 0);
	CHECK(eng_console_queued(&F.c, slow) > 0);
}

/* Host reboot: the BMC ends SOL, vcm re-activates by itself. */
static void
t_deactivating_bit(void)
{
	const struct eng_console_event *ev;
	int w;

	w = live(ENG_CONSOLE_TAKE);
	host_out("reboot: Restarting system\r\n");
	CHECK_INT(eng_console_write(&F.c, w, "x", 1, F.now), 1);
	bmc_sol(0, 0, 0, IPMI_SOL_ST_DEACTIVATING, NULL, 0);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	REQUIRE((ev = last(ENG_CON_EV_RECONNECTING)) != NULL);
	CHECK_INT(ev->u.reconnecting.why, ENG_CON_WHY_DEACTIVATED);
	CHECK_INT(ev->u.reconnecting.dropped_input, 1);
	CHECK_INT(eng_console_write(&F.c, w, "y", 1, F.now), VCM_ESTATE);
	F.nrq = 0;
	advance(VCM_CONSOLE_BACKOFF_MS);
	CHECK_INT(F.c.state, ENG_CON_S_ACTIVATING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_ACTIVATE_PAYLOAD);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	REQUIRE((ev = last(ENG_CON_EV_LIVE)) != NULL);
	CHECK_INT(ev->u.live.again, 1);
	/* After the reboot the BMC's numbers jump: taken as new. */
	bmc_sol(7, 0, 0, 0, "BIOS", 4);
	bmc_sol(3, 0, 0, 0, " POST", 5);	/* neither last nor next */
	CHECK_INT(F.c.stats.jumps, 1);
	CHECK(F.ngot[0] >= 9);
	CHECK_MEM(F.got[0] + F.ngot[0] - 9, "BIOS POST", 9);
}

static void
t_unreachable(void)
{
	int w;

	w = live(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_write(&F.c, w, "x", 1, F.now), 1);
	sess(ENG_EV_UNREACHABLE);
	CHECK_INT(count(ENG_CON_EV_UNREACHABLE), 1);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	F.nrq = 0;
	advance(10000);			/* dark: no activation attempts */
	CHECK_INT(F.nrq, 0);
	sess(ENG_EV_REACHABLE);
	CHECK_INT(F.c.state, ENG_CON_S_ACTIVATING);
	/* Our own SOL survived the dark spell: 80h means resume. */
	answer(0x80, NULL, 0);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	CHECK_INT(F.n_deact, 0);
	CHECK_INT(last(ENG_CON_EV_LIVE)->u.live.again, 1);

	/* Session lost altogether: a new one is wanted, then used. */
	sess(ENG_EV_FAILED);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	CHECK_INT(last(ENG_CON_EV_RECONNECTING)->u.reconnecting.why,
	    ENG_CON_WHY_SESSION);
	CHECK(eng_console_wants_session(&F.c));
	sess(ENG_EV_ESTABLISHED);
	CHECK_INT(F.rq_cmd, IPMI_CMD_ACTIVATE_PAYLOAD);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);

	/* Activation timing out retries with backoff, bounded. */
	sess(ENG_EV_FAILED);
	sess(ENG_EV_ESTABLISHED);
	while (F.c.state != ENG_CON_S_REFUSED && F.n_act < 100) {
		if (F.pending)
			answer_fail();
		else
			advance(VCM_CONSOLE_BACKOFF_CAP_MS);
	}
	CHECK_INT(F.c.state, ENG_CON_S_REFUSED);
	CHECK_INT(last(ENG_CON_EV_REFUSED)->u.refused.reason,
	    ENG_CON_REF_GAVE_UP);
}

/* Keystrokes never ACKed: reconnect, and never deactivate. */
static void
t_no_ack(void)
{
	int w;

	w = live(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_write(&F.c, w, "x", 1, F.now), 1);
	advance((VCM_CONSOLE_SOL_RETRIES + 1) * VCM_CONSOLE_SOL_RETRY_MS);
	CHECK_INT(F.c.stats.resends, VCM_CONSOLE_SOL_RETRIES);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	CHECK_INT(last(ENG_CON_EV_RECONNECTING)->u.reconnecting.why,
	    ENG_CON_WHY_NO_ACK);
	CHECK_INT(F.n_deact, 0);
	CHECK(!F.c.sol_mine);
}

static void
t_teardown_verified(void)
{
	const struct eng_console_event *ev;
	int h;

	h = live(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_detach(&F.c, h, F.now), 0);
	advance(VCM_CONSOLE_LINGER_MS - 1);
	CHECK_INT(F.n_deact, 0);
	advance(1);
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_DEACTIVATE_PAYLOAD);
	answer(0, NULL, 0);
	CHECK_INT(F.c.state, ENG_CON_S_VERIFYING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_GET_PAYLOAD_STATUS);
	answer_status(1, 0);
	CHECK_INT(F.c.state, ENG_CON_S_IDLE);
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_VERIFIED);
	CHECK_INT(ev->u.teardown.close_session, 1);
	CHECK_INT(ev->u.teardown.lies, 0);
	CHECK(!eng_console_wants_session(&F.c));
	CHECK_INT(eng_console_next(&F.c), ENG_NEVER);
	CHECK_INT(eng_console_mem(&F.c), VCM_CONSOLE_BACKLOG_BYTES * 0 +
	    (F.c.backlog ? VCM_CONSOLE_BACKLOG_BYTES : 0));

	/* A grant alone keeps it up; its release starts the linger. */
	setup(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_hold(&F.c, F.now), 0);
	sess(ENG_EV_ESTABLISHED);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	advance(VCM_CONSOLE_LINGER_MS * 2);
	CHECK_INT(F.n_deact, 0);
	CHECK_INT(eng_console_release(&F.c, F.now), 0);
	CHECK_INT(eng_console_release(&F.c, F.now), VCM_ESTATE);
	advance(VCM_CONSOLE_LINGER_MS);
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);
}

/* Supermicro H8QME: "OK" and still active. */
static void
t_teardown_lies(void)
{
	const struct eng_console_event *ev;
	int h;

	h = live(ENG_CONSOLE_TAKE);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	while (F.c.state == ENG_CON_S_DEACTIVATING ||
	    F.c.state == ENG_CON_S_VERIFYING) {
		if (!F.pending)
			advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
		else if (F.rq_cmd == IPMI_CMD_DEACTIVATE_PAYLOAD)
			answer(0, NULL, 0);
		else
			answer_status(1, 1);
		REQUIRE(F.nrq < 50);
	}
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_LIED);
	CHECK_INT(ev->u.teardown.lies, VCM_CONSOLE_TEARDOWN_TRIES);
	CHECK_INT(ev->u.teardown.tries, VCM_CONSOLE_TEARDOWN_TRIES);
	CHECK_INT(F.n_deact, VCM_CONSOLE_TEARDOWN_TRIES);
	CHECK_INT(F.c.stats.deact_lies, VCM_CONSOLE_TEARDOWN_TRIES);
	CHECK_INT(F.c.state, ENG_CON_S_IDLE);

	/* Lies once, then really goes: verified, lie still counted. */
	h = live(ENG_CONSOLE_TAKE);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	answer(0, NULL, 0);
	answer_status(1, 1);
	advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
	answer(0, NULL, 0);
	answer_status(1, 0);
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_VERIFIED);
	CHECK_INT(ev->u.teardown.lies, 1);

	/* No answers at all: unverifiable, bounded. */
	h = live(ENG_CONSOLE_TAKE);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	while (F.c.state != ENG_CON_S_IDLE && F.nrq < 50) {
		if (F.pending)
			answer_fail();
		else
			advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
	}
	CHECK_INT(last(ENG_CON_EV_TEARDOWN)->u.teardown.outcome,
	    ENG_CON_TD_UNVERIFIABLE);
	CHECK_INT(F.n_deact, VCM_CONSOLE_TEARDOWN_TRIES);
}

/* Dell M-series: 80h "already deactivated" while active; verify. */
static void
t_teardown_80h(void)
{
	const struct eng_console_event *ev;
	int h;

	h = live(ENG_CONSOLE_TAKE);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	answer(0x80, NULL, 0);
	CHECK_INT(F.c.state, ENG_CON_S_VERIFYING);	/* not trusted */
	answer_status(1, 1);				/* still active */
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);
	advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
	answer(0, NULL, 0);
	answer_status(1, 0);
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_VERIFIED);
	CHECK_INT(ev->u.teardown.already, 1);
	CHECK_INT(ev->u.teardown.tries, 2);
	CHECK_INT(F.c.stats.deact_already, 1);
}

/* Dell M-series: capacity 0 is read as 1. */
static void
t_capacity0(void)
{
	const struct eng_console_event *ev;
	int h;

	h = live(ENG_CONSOLE_TAKE);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	answer(0, NULL, 0);
	answer_status(0, 1);		/* capacity 0, instance 1 active */
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);
	CHECK_INT(F.c.stats.capacity0, 1);
	advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
	answer(0, NULL, 0);
	answer_status(0, 0);
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_VERIFIED);
	CHECK_INT(F.c.stats.capacity0, 2);
}

/* A page reload: detach + attach within the linger keeps the SOL. */
static void
t_linger(void)
{
	int h;

	h = live(ENG_CONSOLE_TAKE);
	host_out("prompt$ ");
	CHECK_INT(eng_console_detach(&F.c, h, F.now), 0);
	advance(VCM_CONSOLE_LINGER_MS / 2);
	host_out("more");		/* still live, still kept */
	h = add_viewer(ENG_CON_V_WRITE, 0);
	REQUIRE(h >= 0);
	CHECK_INT(eng_console_queued(&F.c, h), 12);
	advance(VCM_CONSOLE_LINGER_MS * 3);
	CHECK_INT(F.n_deact, 0);
	CHECK_INT(F.n_act, 1);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	CHECK_INT(eng_console_writer(&F.c), h);

	/* Back during the teardown: verified, then activated again on
	 * the same session (not closed). */
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);
	h = add_viewer(0, 0);
	answer(0, NULL, 0);
	answer_status(1, 0);
	CHECK_INT(last(ENG_CON_EV_TEARDOWN)->u.teardown.close_session, 0);
	CHECK_INT(F.c.state, ENG_CON_S_ACTIVATING);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
}

/* SOL gone silently (no deactivating bit): the status poll finds it. */
static void
t_silent_drop(void)
{
	live(ENG_CONSOLE_TAKE);
	F.nrq = 0;
	advance(VCM_CONSOLE_SILENT_MS);
	CHECK_INT(F.rq_cmd, IPMI_CMD_GET_PAYLOAD_STATUS);
	answer_status(1, 0);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	CHECK_INT(last(ENG_CON_EV_RECONNECTING)->u.reconnecting.why,
	    ENG_CON_WHY_GONE);
	advance(VCM_CONSOLE_BACKOFF_MS);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);

	/* Quanta S99Q: the status never shows our SOL. Activate's 80h
	 * says it is ours; after a few rounds the poll stops. */
	while (!F.c.status_unreliable && F.nrq < 100) {
		if (F.pending && F.rq_cmd == IPMI_CMD_GET_PAYLOAD_STATUS)
			answer_status(1, 0);
		else if (F.pending)
			answer(0x80, NULL, 0);
		else
			advance(VCM_CONSOLE_SILENT_MS);
	}
	CHECK(F.c.status_unreliable);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	CHECK_INT(F.n_deact, 0);
	F.nrq = 0;
	advance(VCM_CONSOLE_SILENT_MS * 3);
	CHECK_INT(F.nrq, 0);
}

static void
t_viewer_limits(void)
{
	int i, h, hs[VCM_CONSOLE_VIEWERS_MAX];

	setup(ENG_CONSOLE_TAKE);
	for (i = 0; i < VCM_CONSOLE_VIEWERS_MAX; i++) {
		hs[i] = eng_console_attach(&F.c, 0, F.now);
		CHECK(hs[i] >= 0);
	}
	CHECK_INT(eng_console_attach(&F.c, 0, F.now), VCM_ENOSPC);
	CHECK_INT(eng_console_attach(&F.c, 0x80, F.now), VCM_EINVAL);
	h = hs[3];
	CHECK_INT(eng_console_detach(&F.c, h, F.now), 0);
	CHECK_INT(eng_console_detach(&F.c, h, F.now), VCM_EINVAL);
	i = eng_console_attach(&F.c, 0, F.now);
	CHECK(i >= 0 && i != h);		/* same slot, new handle */
	CHECK_INT(eng_console_queued(&F.c, h), VCM_EINVAL);
	CHECK(eng_console_mem(&F.c) <= ENG_CONSOLE_MEM_MAX);
	CHECK(sizeof(struct eng_console) < 8 * 1024);
	CHECK_INT(eng_console_read(&F.c, -1, NULL, 0), VCM_EINVAL);
}

static void
t_stale_response(void)
{
	uint64_t old;

	setup(ENG_CONSOLE_TAKE);
	add_viewer(0, 1);
	sess(ENG_EV_ESTABLISHED);
	old = F.rq_cookie;
	answer_fail();				/* activation timed out */
	advance(VCM_CONSOLE_BACKOFF_CAP_MS);
	CHECK(F.rq_cookie != old);
	/* The old request's late answer changes nothing. */
	{
		uint64_t cur = F.rq_cookie;

		F.rq_cookie = old;
		answer(0, NULL, 0);
		F.rq_cookie = cur;
	}
	CHECK_INT(F.c.state, ENG_CON_S_ACTIVATING);
	CHECK(!eng_console_cookie_ours(1));
	/* request() refusing (session full) goes through the backoff. */
	F.refuse_rq = 1;
	answer_fail();
	advance(VCM_CONSOLE_BACKOFF_CAP_MS);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	F.refuse_rq = 0;
	advance(VCM_CONSOLE_BACKOFF_CAP_MS);
	CHECK_INT(F.c.state, ENG_CON_S_ACTIVATING);
}

/*
 * ENG_Q_DEACTLIES (Supermicro H8QME, Dell M): the teardown and the take
 * run VCM_CONSOLE_LIAR_TRIES rounds, so a board that lies four times
 * is still torn down verified where the default budget gives up.
 */
static void
t_quirk_deactlies(void)
{
	const struct eng_console_event *ev;
	int h, round;

	/* Lies every time: the larger budget, then "may still be active". */
	h = live_q(ENG_CONSOLE_TAKE, ENG_Q_DEACTLIES);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	while (F.c.state == ENG_CON_S_DEACTIVATING ||
	    F.c.state == ENG_CON_S_VERIFYING) {
		if (!F.pending)
			advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
		else if (F.rq_cmd == IPMI_CMD_DEACTIVATE_PAYLOAD)
			answer(0, NULL, 0);
		else
			answer_status(1, 1);
		REQUIRE(F.nrq < 50);
	}
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_LIED);
	CHECK_INT(F.n_deact, VCM_CONSOLE_LIAR_TRIES);
	CHECK_INT(ev->u.teardown.lies, VCM_CONSOLE_LIAR_TRIES);
	CHECK(VCM_CONSOLE_LIAR_TRIES > VCM_CONSOLE_TEARDOWN_TRIES);

	/* Lies VCM_CONSOLE_TEARDOWN_TRIES times, then goes: verified with
	 * the flag (the default budget would have ended in LIED). */
	h = live_q(ENG_CONSOLE_TAKE, ENG_Q_DEACTLIES);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	for (round = 0; round <= VCM_CONSOLE_TEARDOWN_TRIES; round++) {
		REQUIRE(F.pending && F.rq_cmd == IPMI_CMD_DEACTIVATE_PAYLOAD);
		answer(0, NULL, 0);
		answer_status(1, round < VCM_CONSOLE_TEARDOWN_TRIES);
		if (F.c.state == ENG_CON_S_DEACTIVATING)
			advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
	}
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_VERIFIED);
	CHECK_INT(ev->u.teardown.lies, VCM_CONSOLE_TEARDOWN_TRIES);
	CHECK_INT(F.n_status, VCM_CONSOLE_TEARDOWN_TRIES + 1);

	/* A stale SOL whose Deactivate lies: more takes before REFUSED. */
	setup_q(ENG_CONSOLE_TAKE, ENG_Q_DEACTLIES);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	while (F.c.state == ENG_CON_S_ACTIVATING ||
	    F.c.state == ENG_CON_S_CHECKING ||
	    F.c.state == ENG_CON_S_TAKING) {
		if (F.rq_cmd == IPMI_CMD_ACTIVATE_PAYLOAD)
			answer(0x80, NULL, 0);
		else if (F.rq_cmd == IPMI_CMD_GET_PAYLOAD_STATUS)
			answer_status(1, 1);
		else
			answer(0, NULL, 0);
		REQUIRE(F.nrq < 80);
	}
	CHECK_INT(F.c.state, ENG_CON_S_REFUSED);
	CHECK_INT(F.n_deact, VCM_CONSOLE_LIAR_TRIES);
}

/*
 * ENG_Q_SOLSTATUS (Supermicro X8SIL-F: CCh; Quanta S99Q: blind): Get
 * Payload Activation Status is never sent. 80h is stale at once, no
 * silence poll, and a second Deactivate verifies a teardown.
 */
static void
t_quirk_solstatus(void)
{
	const struct eng_console_event *ev;
	int h;

	/* 80h: taken as stale without the check. */
	setup_q(ENG_CONSOLE_TAKE, ENG_Q_SOLSTATUS);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	answer(0x80, NULL, 0);
	CHECK_INT(F.c.state, ENG_CON_S_TAKING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_DEACTIVATE_PAYLOAD);
	REQUIRE(last(ENG_CON_EV_STALE) != NULL);
	answer(0, NULL, 0);
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	/* Silence: no status poll. */
	advance(3 * VCM_CONSOLE_SILENT_MS);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	CHECK_INT(F.n_status, 0);

	/* Teardown: Deactivate, then Deactivate again says 80h. */
	eng_console_detach(&F.c, F.vh[0], F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);
	answer(0, NULL, 0);
	CHECK_INT(F.c.state, ENG_CON_S_VERIFYING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_DEACTIVATE_PAYLOAD);
	answer(0x80, NULL, 0);
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_VERIFIED);
	CHECK_INT(ev->u.teardown.close_session, 1);
	CHECK_INT(F.n_status, 0);

	/* The second Deactivate says 00h: it was still active; the next
	 * round's pair says 80h, 80h: verified, the lie counted. */
	h = live_q(ENG_CONSOLE_TAKE, ENG_Q_SOLSTATUS);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	answer(0, NULL, 0);
	answer(0, NULL, 0);
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);
	advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
	answer(0x80, NULL, 0);
	answer(0x80, NULL, 0);
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_VERIFIED);
	CHECK_INT(ev->u.teardown.lies, 1);
	CHECK_INT(F.n_deact, 4);
	CHECK_INT(F.n_status, 0);

	/* With deactlies too, 80h proves nothing (Dell M says it while
	 * active): bounded, and not called verified. */
	h = live_q(ENG_CONSOLE_TAKE, ENG_Q_SOLSTATUS | ENG_Q_DEACTLIES);
	eng_console_detach(&F.c, h, F.now);
	advance(VCM_CONSOLE_LINGER_MS);
	while (F.c.state == ENG_CON_S_DEACTIVATING ||
	    F.c.state == ENG_CON_S_VERIFYING) {
		if (!F.pending)
			advance(VCM_CONSOLE_TEARDOWN_RETRY_MS);
		else
			answer(0x80, NULL, 0);
		REQUIRE(F.nrq < 50);
	}
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_UNVERIFIABLE);
	CHECK_INT(F.n_deact, 2 * VCM_CONSOLE_LIAR_TRIES);
	CHECK_INT(F.n_status, 0);
}

/* ENG_Q_SOLDEFERALERTS (Windmill/Winterfell): aux bits 3:2 = 01b. */
static void
t_quirk_soldeferalerts(void)
{
	setup(ENG_CONSOLE_TAKE);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	REQUIRE(F.rq_cmd == IPMI_CMD_ACTIVATE_PAYLOAD && F.rq_len >= 3);
	CHECK_INT(F.rq_data[2] & 0x0c, 0x00);	/* alerts proceed */
	CHECK_INT(F.rq_data[2] & 0xc0, 0xc0);

	setup_q(ENG_CONSOLE_TAKE, ENG_Q_SOLDEFERALERTS);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	REQUIRE(F.rq_cmd == IPMI_CMD_ACTIVATE_PAYLOAD && F.rq_len >= 3);
	CHECK_INT(F.rq_data[2] & 0x0c, 0x04);	/* deferred */
	CHECK_INT(F.rq_data[2] & 0xc0, 0xc0);	/* still encrypted */
	answer_activate_ok();
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	/* A re-activation after a drop asks the same. */
	bmc_sol(0, 0, 0, IPMI_SOL_ST_DEACTIVATING, NULL, 0);
	advance(VCM_CONSOLE_BACKOFF_CAP_MS);
	REQUIRE(F.rq_cmd == IPMI_CMD_ACTIVATE_PAYLOAD && F.rq_len >= 3);
	CHECK_INT(F.rq_data[2] & 0x0c, 0x04);
}

/*
 * eng_console_stop() (eng_stop, eng_bmc_remove): the verified teardown
 * at once, with viewers still attached, no linger; nothing new after.
 */
static void
t_stop(void)
{
	const struct eng_console_event *ev;
	int n;

	live(ENG_CONSOLE_TAKE);
	CHECK_INT(eng_console_stop(&F.c, F.now), 0);
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);
	CHECK_INT(F.rq_cmd, IPMI_CMD_DEACTIVATE_PAYLOAD);
	CHECK(eng_console_tearing_down(&F.c));
	CHECK_INT(eng_console_attach(&F.c, ENG_CON_V_WRITE, F.now),
	    VCM_ESTATE);
	CHECK_INT(eng_console_hold(&F.c, F.now), VCM_ESTATE);
	/* A second stop changes nothing. */
	n = F.nrq;
	CHECK_INT(eng_console_stop(&F.c, F.now), 0);
	CHECK_INT(F.nrq, n);
	answer(0, NULL, 0);
	CHECK_INT(F.rq_cmd, IPMI_CMD_GET_PAYLOAD_STATUS);
	answer_status(1, 0);
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_VERIFIED);
	CHECK_INT(ev->u.teardown.close_session, 1);
	/* The viewer is still attached, but nothing starts again. */
	CHECK_INT(F.c.nviewers, 1);
	CHECK_INT(F.c.state, ENG_CON_S_IDLE);
	CHECK(!eng_console_tearing_down(&F.c));
	CHECK(!eng_console_wants_session(&F.c));
	advance(60000);
	CHECK_INT(F.c.state, ENG_CON_S_IDLE);
	CHECK_INT(F.n_act, 1);

	/* Lingering: the teardown starts now, not at the linger's end. */
	n = live(ENG_CONSOLE_TAKE);
	eng_console_detach(&F.c, n, F.now);
	advance(1000);
	CHECK_INT(F.c.state, ENG_CON_S_LIVE);
	eng_console_stop(&F.c, F.now);
	CHECK_INT(F.c.state, ENG_CON_S_DEACTIVATING);

	/* No session yet: nothing of ours can be active. */
	setup(ENG_CONSOLE_TAKE);
	add_viewer(ENG_CON_V_WRITE, 1);
	CHECK_INT(F.c.state, ENG_CON_S_WAITING);
	eng_console_stop(&F.c, F.now);
	CHECK_INT(F.c.state, ENG_CON_S_IDLE);
	REQUIRE((ev = last(ENG_CON_EV_TEARDOWN)) != NULL);
	CHECK_INT(ev->u.teardown.outcome, ENG_CON_TD_NONE);
	CHECK_INT(ev->u.teardown.close_session, 1);
	CHECK_INT(F.nrq, 0);

	/* Activating when stopped: the Activate may have taken, so the
	 * teardown deactivates; a REFUSED console cannot be retried. */
	setup(ENG_CONSOLE_TAKE);
	add_viewer(ENG_CON_V_WRITE, 1);
	sess(ENG_EV_ESTABLISHED);
	CHECK_INT(F.c.state, ENG_CON_S_ACTIVATING);
	eng_console_stop(&F.c, F.now);
	CHECK_INT(F.rq_cmd, IPMI_CMD_DEACTIVATE_PAYLOAD);
	CHECK_INT(eng_console_retry(&F.c, F.now), VCM_ESTATE);
}

static void
t_cleanup(void)
{
	eng_console_free(&F.c);
	CHECK_INT(eng_console_mem(&F.c), 0);
}

static const struct test_case tests[] = {
	{ "activation: Activate Payload SOL 1, encrypted; early SOL dropped",
	    t_activation },
	{ "stale SOL + TAKE: deactivate, activate; bounded", t_stale_take },
	{ "stale SOL + REFUSE: \"in use\", retry; BMC refusal cc",
	    t_stale_refuse },
	{ "status inactive / activate active loop is capped",
	    t_contradiction_cap },
	{ "bytes fan out to 3 viewers, ACKed", t_fanout },
	{ "late joiner gets the backlog, then live bytes", t_late_joiner },
	{ "retransmission with extra data delivers only the extra",
	    t_extra_data },
	{ "over-count ACK clamped and flagged; stale ACK ignored",
	    t_overcount },
	{ "writer's keys reach the BMC (partial ACK, resend); read-only "
	    "refused", t_writer_keys },
	{ "take-over: previous writer told", t_takeover },
	{ "break sets the break bit", t_break },
	{ "NACK and CTS pause sending", t_flow_control },
	{ "CTS off, its end lost: keys sent anyway, one packet per interval",
	    t_cts_lost },
	{ "a NACK forgives resends lost before it", t_nack_refunds },
	{ "ENG_CON_EV_FLOW on each change: NACK, CTS, reconnect, stop",
	    t_flow_events },
	{ "paused viewer: queue fills, skipped, dropped; resume reads",
	    t_pause },
	{ "engine: ENG_CON_PAUSE / ENG_CON_RESUME verbs",
	    t_engine_pause_verbs },
	{ "slow viewer skipped, stalled dropped, 10 MB flood bounded",
	    t_slow_viewer },
	{ "SOL deactivating bit: reconnect, live again; sequence jump",
	    t_deactivating_bit },
	{ "UNREACHABLE / REACHABLE / session lost / activation gives up",
	    t_unreachable },
	{ "keys never ACKed: reconnect without deactivating", t_no_ack },
	{ "teardown after linger, verified; grants", t_teardown_verified },
	{ "lying deactivate detected; unverifiable bounded",
	    t_teardown_lies },
	{ "80h while active (Dell M): verified via status", t_teardown_80h },
	{ "capacity 0 read as 1", t_capacity0 },
	{ "linger: reattach keeps the SOL; return during teardown",
	    t_linger },
	{ "silent drop found by the status poll; lying status capped",
	    t_silent_drop },
	{ "viewer limits and handles", t_viewer_limits },
	{ "late answers to abandoned requests ignored", t_stale_response },
	{ "quirk deactlies: larger teardown and take budget",
	    t_quirk_deactlies },
	{ "quirk solstatus: no status; 80h stale; Deactivate verifies",
	    t_quirk_solstatus },
	{ "quirk soldeferalerts: Activate defers serial alerts",
	    t_quirk_soldeferalerts },
	{ "stop: verified teardown now, viewers or not; nothing after",
	    t_stop },
	{ "cleanup", t_cleanup },
};

TEST_MAIN(tests)
