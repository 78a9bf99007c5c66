/*
 * Fuzzes the shared SOL console (src/engine/console.c) through a fake
 * session env: the input is a list of operations, one byte each plus
 * arguments, that play the BMC (answers to the console's requests, SOL
 * packets raw or well-formed), the session (established, failed,
 * unreachable, reachable, closed), viewers (attach, detach, read,
 * write, break, take-over, pause), grants and time. The first byte is
 * the configuration: bit 0 the stale-SOL policy, bits 1-7 the BMC's
 * quirks (qbits below: the ones the console reads and some it must
 * ignore; ENG_Q_SOLSEQBUMP also sets IPMI_SOL_TX_F_SEQBUMP, as the
 * engine does). Then:
 *
 *	0 r		attach with rights r & 1
 *	1 i		detach viewer i
 *	2 i n		read up to n * 16 bytes from viewer i
 *	3 i n bytes	viewer i writes n bytes
 *	4 i		break from viewer i
 *	5 i		viewer i takes over
 *	6 t		a session event (established .. closed)
 *	7 cc n bytes	answer the pending request
 *	8		the pending request fails
 *	9 n bytes	a raw SOL payload
 *	10 s a c f n	a well-formed SOL packet with n bytes of data
 *	11 ms(2)	time passes, timers run
 *	12 b		hold (b & 1) or release
 *	13		retry
 *	14 b		a valid Activate (00h) or Status answer (active = b & 1)
 *	15 i b		viewer i pauses (b & 1) or resumes
 *
 * Invariants (abort on violation): the state is valid; the input queue,
 * the backlog and every viewer queue stay within their limits; memory
 * stays within ENG_CONSOLE_MEM_MAX; bytes delivered to viewers never
 * exceed bytes received plus nothing; the BMC never gets more
 * keystrokes than were written; every SOL payload sent decodes; the
 * writer is an attached viewer with write rights; events are valid;
 * ENG_CON_EV_FLOW alternates blocked 1 / 0 and matches its reasons;
 * while "character transfer unavailable" no data packet follows the
 * previous one sooner than the retry interval; only attached viewers
 * are paused.
 */
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

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz {
	struct eng_console	 c;
	uint64_t		 now;
	int			 pending;
	uint8_t			 rq_cmd;
	uint64_t		 rq_cookie;
	uint64_t		 fed;		/* SOL data bytes fed */
	uint64_t		 written;	/* keystrokes accepted */
	uint64_t		 last_data;	/* a data packet sent, or 0 */
	uint8_t			 blocked;	/* FLOW, as last told */
	int			 hs[8];
};

/* Configuration bits 1-7 of the first byte. */
static const uint32_t qbits[7] = {
	ENG_Q_SOLSTATUS, ENG_Q_DEACTLIES, ENG_Q_SOLDEFERALERTS,
	ENG_Q_SOLSEQBUMP, ENG_Q_SOLCAPACITY0, ENG_Q_SOLPAYLOADSIZE,
	ENG_Q_CLOSELOST
};

static struct fz F;

static void
fail(void)
{
	abort();
}

static int
f_request(void *arg, uint8_t netfn, uint8_t cmd, const void *data,
    size_t len, uint64_t deadline, uint64_t cookie, uint64_t now)
{
	(void)arg;
	(void)data;
	(void)deadline;
	(void)now;
	if (netfn != IPMI_NETFN_APP || len > 16 ||
	    !eng_console_cookie_ours(cookie))
		fail();
	if (F.pending && (F.now & 7) == 3)
		return VCM_ENOSPC;	/* sometimes the session is full */
	F.pending = 1;
	F.rq_cmd = cmd;
	F.rq_cookie = cookie;
	return 0;
}

static int
f_send_sol(void *arg, const void *pl, size_t len, uint64_t now)
{
	struct ipmi_sol_pkt p;

	(void)arg;
	if (len > IPMI_SOL_PKT_MAX ||
	    ipmi_sol_decode(pl, len, IPMI_SOL_TO_BMC, &p) != 0)
		fail();
	if (p.seq != 0) {
		/* Unavailable: at most one data packet per interval. */
		if (F.c.paused && F.last_data != 0 &&
		    now < F.last_data + F.c.sol_retry_ms)
			fail();
		F.last_data = now;
	}
	return 0;
}

static void
f_event(void *arg, const struct eng_console_event *ev)
{
	uint8_t buf[64];

	(void)arg;
	if (ev->type < ENG_CON_EV_LIVE || ev->type >= ENG_CON_EV__COUNT)
		fail();
	if (ev->type == ENG_CON_EV_FLOW) {
		if (ev->viewer != -1 || ev->u.flow.blocked > 1 ||
		    ev->u.flow.blocked == F.blocked ||
		    ev->u.flow.blocked !=
		    (ev->u.flow.unavailable || ev->u.flow.nacked))
			fail();
		F.blocked = ev->u.flow.blocked;
	}
	/* A viewer that reads a little whenever told, as a front would,
	 * unless it paused (as the engine delivers nothing then). */
	if (ev->type == ENG_CON_EV_READABLE && (F.now & 1) &&
	    eng_console_paused(&F.c, ev->viewer) == 0)
		(void)eng_console_read(&F.c, ev->viewer, buf, sizeof(buf));
}

static void
check(void)
{
	const struct eng_console *c = &F.c;
	size_t i, n = 0;
	uint64_t maxdel = 0;

	if (!ENG_CON_S_VALID(c->state) || c->in_len > VCM_CONSOLE_INPUT_BYTES ||
	    c->bl_len > VCM_CONSOLE_BACKLOG_BYTES ||
	    c->mem > ENG_CONSOLE_MEM_MAX ||
	    !IPMI_SOL_TX_STATE_VALID(c->tx.state) ||
	    !IPMI_SOL_RX_STATE_VALID(c->rx.state) ||
	    c->stats.rx_bytes > F.fed || c->stats.tx_bytes > F.written ||
	    c->data_max == 0 || c->tx.len > c->data_max ||
	    c->tx.len > c->in_len)
		fail();
	for (i = 0; i < VCM_CONSOLE_VIEWERS_MAX; i++) {
		const struct eng_console_viewer *v = &c->viewers[i];

		if (!v->used) {
			if (v->paused)
				fail();
			continue;
		}
		n++;
		if (v->len > VCM_CONSOLE_VIEWER_QUEUE_BYTES || v->q == NULL)
			fail();
		if (v->delivered > maxdel)
			maxdel = v->delivered;
	}
	if (n != c->nviewers || maxdel > c->stats.rx_bytes)
		fail();
	if (c->writer >= 0) {
		const struct eng_console_viewer *v =
		    &c->viewers[c->writer & 0xff];

		if (!v->used || !(v->rights & ENG_CON_V_WRITE) ||
		    (int)(v->gen << 8 | (uint32_t)(c->writer & 0xff)) !=
		    c->writer)
			fail();
	}
	if (c->mem != (c->backlog ? VCM_CONSOLE_BACKLOG_BYTES : 0) +
	    n * VCM_CONSOLE_VIEWER_QUEUE_BYTES)
		fail();
}

static void
respond(uint8_t cc, const uint8_t *d, size_t len)
{
	struct eng_event e;

	memset(&e, 0, sizeof(e));
	e.type = ENG_EV_RESPONSE;
	e.u.response.cookie = F.rq_cookie;
	e.u.response.netfn = IPMI_NETFN_APP;
	e.u.response.cmd = F.rq_cmd;
	e.u.response.cc = cc;
	e.u.response.data = len ? d : NULL;
	e.u.response.len = len;
	F.pending = 0;
	eng_console_session_event(&F.c, &e, F.now);
}

static void
sol_in(const uint8_t *pl, size_t len)
{
	struct eng_event e;
	struct ipmi_sol_pkt p;

	if (ipmi_sol_decode(pl, len, IPMI_SOL_TO_CONSOLE, &p) == 0 &&
	    p.seq != 0)
		F.fed += p.len;
	memset(&e, 0, sizeof(e));
	e.type = ENG_EV_SOL_PACKET;
	e.u.sol.data = pl;
	e.u.sol.len = len;
	eng_console_session_event(&F.c, &e, F.now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static const uint8_t sess_ev[] = { ENG_EV_ESTABLISHED, ENG_EV_FAILED,
	    ENG_EV_UNREACHABLE, ENG_EV_REACHABLE, ENG_EV_CLOSED };
	struct eng_console_env env;
	struct eng_console_config cf;
	struct eng_event e;
	uint8_t buf[1024], pl[IPMI_SOL_PKT_MAX], data[VCM_SOL_DATA_MAX];
	size_t i = 0, n, k;
	uint8_t op, a;
	int h, r;

	memset(&F, 0, sizeof(F));
	for (k = 0; k < 8; k++)
		F.hs[k] = -1;
	F.now = 1;
	memset(&env, 0, sizeof(env));
	env.request = f_request;
	env.send_sol = f_send_sol;
	env.event = f_event;
	memset(&cf, 0, sizeof(cf));
	cf.policy = size > 0 ? (in[0] & 1) : 0;
	for (k = 0; k < sizeof(qbits) / sizeof(qbits[0]); k++)
		if (size > 0 && (in[0] >> (k + 1)) & 1)
			cf.quirks |= qbits[k];
	if (cf.quirks & ENG_Q_SOLSEQBUMP)
		cf.sol_flags |= IPMI_SOL_TX_F_SEQBUMP;
	if (eng_console_init(&F.c, &cf, &env) != 0)
		fail();
	if (size > 0)
		i = 1;
#define NEXT()	(i < size ? in[i++] : 0)
	while (i < size) {
		op = NEXT() % 16;
		a = NEXT();
		h = F.hs[a & 7];
		switch (op) {
		case 0:
			r = eng_console_attach(&F.c, a & 1, F.now);
			if (r >= 0)
				F.hs[(a >> 1) & 7] = r;
			break;
		case 1:
			(void)eng_console_detach(&F.c, h, F.now);
			break;
		case 2:
			n = (size_t)NEXT() * 16;
			if (n > sizeof(buf))
				n = sizeof(buf);
			(void)eng_console_read(&F.c, h, buf, n);
			break;
		case 3: {
			long w;

			n = NEXT();
			if (n > size - i)
				n = size - i;
			w = eng_console_write(&F.c, h, in + i, n, F.now);
			if (w > (long)n)
				fail();
			if (w > 0)
				F.written += (uint64_t)w;
			i += n;
			break;
		}
		case 4:
			(void)eng_console_break(&F.c, h, F.now);
			break;
		case 5:
			(void)eng_console_take_over(&F.c, h);
			break;
		case 6:
			memset(&e, 0, sizeof(e));
			e.type = sess_ev[a % sizeof(sess_ev)];
			if (e.type == ENG_EV_ESTABLISHED || e.type ==
			    ENG_EV_FAILED || e.type == ENG_EV_CLOSED)
				F.pending = 0;
			eng_console_session_event(&F.c, &e, F.now);
			break;
		case 7:
			n = NEXT() % 16;
			if (n > size - i)
				n = size - i;
			respond(a, in + i, n);
			i += n;
			break;
		case 8:
			memset(&e, 0, sizeof(e));
			e.type = ENG_EV_REQUEST_FAILED;
			e.u.request_failed.cookie = F.rq_cookie;
			e.u.request_failed.err = VCM_ETIMEDOUT;
			F.pending = 0;
			eng_console_session_event(&F.c, &e, F.now);
			break;
		case 9:
			n = a;
			if (n > size - i)
				n = size - i;
			sol_in(in + i, n);
			i += n;
			break;
		case 10: {
			struct ipmi_sol_pkt p;

			memset(&p, 0, sizeof(p));
			p.seq = a & 0x0f;
			p.ack_seq = NEXT() & 0x0f;
			p.accepted = p.ack_seq ? NEXT() : 0;
			p.flags = NEXT() & IPMI_SOL_ST_MASK;
			if (p.ack_seq == 0)
				p.flags &= (uint8_t)~IPMI_SOL_NACK;
			p.len = p.seq ? NEXT() : 0;
			for (k = 0; k < p.len; k++)
				data[k] = (uint8_t)('A' + (k + F.now) % 26);
			p.data = data;
			r = ipmi_sol_encode(&p, IPMI_SOL_TO_CONSOLE, pl,
			    sizeof(pl));
			if (r > 0)
				sol_in(pl, (size_t)r);
			break;
		}
		case 11: {
			uint64_t end, t;
			int guard = 0;

			end = F.now + ((uint64_t)a << 8 | NEXT()) * 4;
			while ((t = eng_console_next(&F.c)) <= end &&
			    guard++ < 1000) {
				if (t > F.now)
					F.now = t;
				eng_console_tick(&F.c, F.now);
			}
			if (guard >= 1000)
				fail();		/* a timer that never moves */
			F.now = end;
			break;
		}
		case 12:
			if (a & 1)
				(void)eng_console_hold(&F.c, F.now);
			else
				(void)eng_console_release(&F.c, F.now);
			break;
		case 13:
			(void)eng_console_retry(&F.c, F.now);
			break;
		case 14: {
			const struct ipmi_cmd *d;

			if (!F.pending)
				break;
			memset(buf, 0, 32);
			if (F.rq_cmd == IPMI_CMD_ACTIVATE_PAYLOAD) {
				struct ipmi_activate_payload_rs rs;

				memset(&rs, 0, sizeof(rs));
				rs.inbound_size = (uint16_t)(a * 3);
				d = ipmi_cmd_find(IPMI_NETFN_APP, F.rq_cmd);
				r = ipmi_cmd_encode_rs(d, &rs, sizeof(rs), buf,
				    32);
			} else if (F.rq_cmd == IPMI_CMD_GET_PAYLOAD_STATUS) {
				struct ipmi_get_payload_status_rs rs;

				memset(&rs, 0, sizeof(rs));
				rs.capacity = (a >> 1) & 0x0f;
				rs.active = a & 1;
				d = ipmi_cmd_find(IPMI_NETFN_APP, F.rq_cmd);
				r = ipmi_cmd_encode_rs(d, &rs, sizeof(rs), buf,
				    32);
			} else
				r = 1;
			if (r >= 1)
				respond(0, buf + 1, (size_t)r - 1);
			break;
		}
		case 15:
			r = eng_console_pause(&F.c, h, NEXT() & 1);
			if (r != 0 && r != VCM_EINVAL)
				fail();
			break;
		}
		F.now++;
		check();
	}
#undef NEXT
	eng_console_free(&F.c);
	return 0;
}
