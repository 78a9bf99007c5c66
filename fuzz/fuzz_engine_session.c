/*
 * Fuzzes the engine's session machine (src/engine/session.c). The first
 * byte picks the start: bit 0 clear runs the handshake from IDLE with
 * every BMC reply taken from the input; bit 0 set starts from an ACTIVE
 * session reached once by a correct handshake against the small
 * in-memory BMC below (deterministic random env, so the snapshot is
 * always the same). Then the input is a list of operations:
 *
 *	0 len(2) bytes	a raw datagram for the session
 *	1 len(2) bytes	bytes sealed by the BMC as an IPMI payload (valid
 *			session id, sequence number, MAC and encryption), so
 *			the fuzzer reaches the message checks and matching
 *	2 len(1) bytes	the same as a SOL payload
 *	3 ms(2)		time advances, timers run
 *	4 netfn cmd dl(1)	a user request with a deadline
 *	5		close
 *	6 len(1)	send a SOL payload
 *	7 seq		a valid IPMI response to the newest rqSeq sent
 *
 * Invariants (abort on violation): the state is valid; events are
 * well-formed; every request completes at most once and only if it was
 * queued; no datagram sent is larger than VCM_IPMI_DATAGRAM_MAX; after
 * CLOSED or FAILED the keys are wiped and no timer is armed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/vbuf.h"
#include "ipmi/cmds.h"
#include "ipmi/crypto.h"
#include "ipmi/defs.h"
#include "ipmi/lan15.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"
#include "ipmi/seqwin.h"
#include "engine/session.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define COOKIES		256

struct fz {
	struct eng_session	 s;
	uint64_t		 now;
	uint32_t		 rng;
	/* Last datagram the console sent (the handshake BMC answers it). */
	uint8_t			 last[VCM_IPMI_DATAGRAM_MAX];
	size_t			 last_len;
	int			 nsent;
	uint8_t			 last_rqseq;
	/* BMC side of the session. */
	uint32_t		 sid_c, sid_m;
	struct ipmi_cipher_suite suite;
	struct ipmi_rakp_ctx	 rakp;
	struct ipmi_session_keys keys;
	struct ipmi_seqwin_out	 out;
	/* Request bookkeeping: 1 queued, 2 completed. */
	uint8_t			 cookie[COOKIES];
	int			 ncookie;
	int			 ended;
};

static struct fz F, snap;
static int snap_ok = -1;

static uint32_t
xs(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void
fill(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)xs(&F.rng);
}

static void
env_send(void *arg, const uint8_t *p, size_t len)
{
	struct ipmi_lanplus_hdr h;
	struct ipmi_msg m;
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX];
	size_t n;

	(void)arg;
	if (len == 0 || len > VCM_IPMI_DATAGRAM_MAX)
		abort();
	memcpy(F.last, p, len);
	F.last_len = len;
	F.nsent++;
	/* Remember the rqSeq of a sealed request (for op 7). */
	if (F.sid_c != 0 && ipmi_lanplus_peek(p, len, &h) == 0 &&
	    h.session_id == F.sid_c && h.payload_type == IPMI_PAYLOAD_IPMI &&
	    ipmi_lanplus_decode(p, len, &F.keys, &h, pl, sizeof(pl),
	    &n) == 0 && ipmi_msg_decode(pl, n, 0, &m) == 0)
		F.last_rqseq = m.seq;
}

static int
env_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	fill(buf, len);
	return 0;
}

static void
env_event(void *arg, const struct eng_event *ev)
{
	uint64_t c;

	(void)arg;
	switch (ev->type) {
	case ENG_EV_RESPONSE:
	case ENG_EV_REQUEST_FAILED:
		c = ev->type == ENG_EV_RESPONSE ? ev->u.response.cookie :
		    ev->u.request_failed.cookie;
		if (c >= COOKIES || F.cookie[c] != 1)
			abort();	/* unknown or completed twice */
		F.cookie[c] = 2;
		if (ev->type == ENG_EV_RESPONSE &&
		    ev->u.response.len > VCM_IPMI_MSG_DATA_MAX)
			abort();
		if (ev->type == ENG_EV_REQUEST_FAILED &&
		    ev->u.request_failed.err >= 0)
			abort();
		break;
	case ENG_EV_FAILED:
		if (ev->u.failed.reason == ENG_FAIL_NONE ||
		    ev->u.failed.reason >= ENG_FAIL__COUNT ||
		    !ENG_S_VALID(ev->u.failed.step) || F.ended++)
			abort();
		break;
	case ENG_EV_CLOSED:
		if (F.ended++)
			abort();
		break;
	case ENG_EV_SOL_PACKET:
		if (ev->u.sol.len > VCM_IPMI_DATAGRAM_MAX ||
		    (ev->u.sol.len > 0 && ev->u.sol.data == NULL))
			abort();
		break;
	case ENG_EV_ESTABLISHED:
		if (ev->u.established.suite != 17 &&
		    ev->u.established.suite != 3)
			abort();
		break;
	case ENG_EV_UNREACHABLE:
	case ENG_EV_REACHABLE:
		break;
	default:
		abort();
	}
}

/* ---- the handshake BMC (only used to build the ACTIVE snapshot) -------- */

static void
bmc_presession(uint8_t type, const uint8_t *pl, size_t len)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;

	memset(&h, 0, sizeof(h));
	h.payload_type = type;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if (ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0)
		eng_session_input(&F.s, pkt, w.len, F.now);
}

static void
bmc_seal(uint8_t type, const uint8_t *pl, size_t len)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], iv[16];
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;

	memset(&h, 0, sizeof(h));
	h.payload_type = type;
	h.encrypted = h.authenticated = 1;
	h.session_id = F.sid_m;
	h.seq = ipmi_seqwin_out_next(&F.out);
	memset(iv, 0x11, sizeof(iv));
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if (ipmi_lanplus_encode(&w, &h, &F.keys, iv, pl, len) == 0)
		eng_session_input(&F.s, pkt, w.len, F.now);
}

static void
bmc_reply_msg(uint8_t netfn, uint8_t cmd, uint8_t seq, const uint8_t *data,
    size_t len)
{
	uint8_t body[VCM_IPMI_MSG_MAX];
	struct ipmi_msg rq, rs;
	struct vbuf_wr w;

	memset(&rq, 0, sizeof(rq));
	rq.dst_addr = IPMI_BMC_SA;
	rq.netfn = netfn;
	rq.src_addr = IPMI_REMOTE_SWID;
	rq.seq = seq;
	rq.cmd = cmd;
	ipmi_msg_response_to(&rq, &rs, data, len);
	vbuf_wr_init(&w, body, sizeof(body));
	if (ipmi_msg_encode(&w, &rs) == 0)
		bmc_seal(IPMI_PAYLOAD_IPMI, body, w.len);
}

/* Answers the console's last datagram, whatever step it is. */
static void
bmc_answer(void)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX], out[256], data[64], body[64];
	struct ipmi_lanplus_hdr h;
	struct ipmi_lan15_hdr h15;
	struct ipmi_open_session_rq orq;
	struct ipmi_open_session_rs ors;
	struct ipmi_rakp1 r1;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp4 r4;
	struct ipmi_get_auth_caps_rs caps;
	struct ipmi_msg m, r;
	const uint8_t *msg;
	struct vbuf_wr w;
	size_t n;
	int dl;

	if (ipmi_datagram_classify(F.last, F.last_len) == IPMI_DGRAM_LAN15) {
		if (ipmi_lan15_decode(F.last, F.last_len, &h15, &msg, &n) != 0 ||
		    ipmi_msg_decode(msg, n, 0, &m) != 0)
			return;
		memset(&caps, 0, sizeof(caps));
		caps.v20_ext = caps.ipmi20 = caps.non_null_users = 1;
		dl = ipmi_cmd_encode_rs(ipmi_cmd_find(IPMI_NETFN_APP,
		    IPMI_CMD_GET_CHANNEL_AUTH_CAPS), &caps, sizeof(caps), data,
		    sizeof(data));
		if (dl < 0)
			return;
		ipmi_msg_response_to(&m, &r, data, (size_t)dl);
		vbuf_wr_init(&w, body, sizeof(body));
		ipmi_msg_encode(&w, &r);
		n = w.len;
		memset(&h15, 0, sizeof(h15));
		vbuf_wr_init(&w, out, sizeof(out));
		if (ipmi_lan15_encode(&w, &h15, body, n) == 0)
			eng_session_input(&F.s, out, w.len, F.now);
		return;
	}
	if (ipmi_lanplus_peek(F.last, F.last_len, &h) != 0)
		return;
	if (h.session_id != 0) {
		/* Set Session Privilege. */
		if (ipmi_lanplus_decode(F.last, F.last_len, &F.keys, &h, pl,
		    sizeof(pl), &n) != 0 || ipmi_msg_decode(pl, n, 0, &m) != 0)
			return;
		data[0] = 0;
		data[1] = IPMI_PRIV_ADMIN;
		bmc_reply_msg(m.netfn, m.cmd, m.seq, data, 2);
		return;
	}
	if (ipmi_lanplus_decode(F.last, F.last_len, NULL, &h, pl, sizeof(pl),
	    &n) != 0)
		return;
	vbuf_wr_init(&w, out, sizeof(out));
	switch (h.payload_type) {
	case IPMI_PAYLOAD_OPEN_SESSION_RQ:
		if (ipmi_open_session_rq_decode(pl, n, &orq) != 0)
			return;
		memset(&ors, 0, sizeof(ors));
		ors.tag = orq.tag;
		ors.max_priv = orq.max_priv;
		ors.sid_m = F.sid_m = orq.sid_m;
		ors.sid_c = F.sid_c = 0x0badcafe;
		ors.auth = orq.auth;
		ors.integ = orq.integ;
		ors.conf = orq.conf;
		ipmi_cipher_suite_lookup(17, &F.suite);
		ipmi_open_session_rs_encode(&w, &ors);
		bmc_presession(IPMI_PAYLOAD_OPEN_SESSION_RS, out, w.len);
		break;
	case IPMI_PAYLOAD_RAKP1:
		if (ipmi_rakp1_decode(pl, n, &r1) != 0)
			return;
		memset(&F.rakp, 0, sizeof(F.rakp));
		F.rakp.auth = F.suite.auth;
		F.rakp.sid_m = F.sid_m;
		F.rakp.sid_c = F.sid_c;
		memcpy(F.rakp.rm, r1.rm, 16);
		memset(F.rakp.rc, 0x22, 16);
		memset(F.rakp.guid_c, 0x33, 16);
		F.rakp.role = r1.role;
		ipmi_rakp_ctx_set_creds(&F.rakp, "admin", "secret", 6, NULL, 0);
		memset(&r2, 0, sizeof(r2));
		r2.tag = r1.tag;
		r2.sid_m = F.sid_m;
		memcpy(r2.rc, F.rakp.rc, 16);
		memcpy(r2.guid_c, F.rakp.guid_c, 16);
		ipmi_rakp2_code(&F.rakp, r2.code, &n);
		r2.code_len = (uint8_t)n;
		ipmi_rakp2_encode(&w, &r2);
		bmc_presession(IPMI_PAYLOAD_RAKP2, out, w.len);
		break;
	case IPMI_PAYLOAD_RAKP3:
		ipmi_keys_derive(&F.keys, &F.rakp, &F.suite);
		memset(&r4, 0, sizeof(r4));
		r4.tag = pl[0];
		r4.sid_m = F.sid_m;
		ipmi_rakp4_icv(&F.rakp, F.keys.sik, r4.icv, &n);
		r4.icv_len = (uint8_t)n;
		ipmi_seqwin_out_init(&F.out);
		ipmi_rakp4_encode(&w, &r4);
		bmc_presession(IPMI_PAYLOAD_RAKP4, out, w.len);
		break;
	}
}

static void
init_env(void)
{
	struct eng_config c;
	struct eng_env env;

	memset(&F, 0, sizeof(F));
	F.rng = 0x9e3779b9;
	F.now = 1000;
	memset(&c, 0, sizeof(c));
	memcpy(c.user, "admin", 5);
	memcpy(c.password, "secret", 6);
	c.password_len = 6;
	c.priv = IPMI_PRIV_ADMIN;
	env.send = env_send;
	env.random = env_random;
	env.event = env_event;
	env.arg = NULL;
	if (eng_session_init(&F.s, &c, &env) != 0)
		abort();
}

static void
make_snapshot(void)
{
	int i;

	init_env();
	eng_session_start(&F.s, F.now);
	for (i = 0; i < 8 && F.s.state != ENG_S_ACTIVE; i++)
		bmc_answer();
	snap_ok = F.s.state == ENG_S_ACTIVE;
	if (!snap_ok)
		abort();	/* the harness itself is broken */
	snap = F;
}

static void
check(void)
{
	static const uint8_t zero[sizeof(struct ipmi_session_keys)];

	if (!ENG_S_VALID(F.s.state))
		abort();
	if (F.s.state == ENG_S_CLOSED || F.s.state == ENG_S_FAILED) {
		if (memcmp(&F.s.keys, zero, sizeof(zero)) != 0 ||
		    eng_session_next(&F.s) != ENG_NEVER || F.ended != 1)
			abort();
	}
}

/* Runs every timer up to now, as the caller would; a hang aborts. */
static void
run_timers(void)
{
	int n;

	for (n = 0; eng_session_next(&F.s) <= F.now; n++) {
		if (n > 1000)
			abort();	/* a timer that never clears */
		eng_session_tick(&F.s, F.now);
		check();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vbuf_rd r;
	const uint8_t *p;
	uint8_t buf[VCM_IPMI_DATAGRAM_MAX], op, netfn, cmd;
	size_t len;
	int ops;

	if (size < 1)
		return 0;
	if (snap_ok < 0)
		make_snapshot();
	if (data[0] & 1) {
		F = snap;
	} else {
		init_env();
		eng_session_start(&F.s, F.now);
	}
	vbuf_rd_init(&r, data + 1, size - 1);
	for (ops = 0; ops < 256 && vbuf_left(&r) > 0; ops++) {
		op = vbuf_get_u8(&r);
		switch (op % 8) {
		case 0:
			len = vbuf_get_u16le(&r) % (VCM_IPMI_DATAGRAM_MAX + 1);
			if ((p = vbuf_get_span(&r, len)) != NULL)
				eng_session_input(&F.s, p, len, F.now);
			break;
		case 1:
		case 2:
			len = op % 8 == 1 ? vbuf_get_u16le(&r) % 512 :
			    vbuf_get_u8(&r);
			if ((p = vbuf_get_span(&r, len)) != NULL &&
			    F.sid_m != 0)
				bmc_seal(op % 8 == 1 ? IPMI_PAYLOAD_IPMI :
				    IPMI_PAYLOAD_SOL, p, len);
			break;
		case 3:
			F.now += vbuf_get_u16le(&r);
			run_timers();
			break;
		case 4:
			netfn = vbuf_get_u8(&r);
			cmd = vbuf_get_u8(&r);
			len = vbuf_get_u8(&r);
			if (F.ncookie >= COOKIES)
				break;
			if (eng_session_request(&F.s, netfn & 0x3e, cmd, NULL, 0,
			    F.now + 1 + len * 40u, (uint64_t)F.ncookie,
			    F.now) == 0)
				F.cookie[F.ncookie] = 1;
			F.ncookie++;
			break;
		case 5:
			eng_session_close(&F.s, F.now);
			break;
		case 6:
			len = vbuf_get_u8(&r);
			memset(buf, 'x', len);
			eng_session_send_sol(&F.s, buf, len, F.now);
			break;
		case 7:
			netfn = vbuf_get_u8(&r);
			cmd = vbuf_get_u8(&r);
			buf[0] = vbuf_get_u8(&r);	/* cc */
			buf[1] = 0;
			if (F.sid_m != 0)
				bmc_reply_msg(netfn & 0x3e, cmd, F.last_rqseq,
				    buf, 2);
			break;
		}
		check();
	}
	/* Drain: every queued request must complete by its deadline. */
	F.now += 3600 * 1000;
	run_timers();
	check();
	for (ops = 0; ops < F.ncookie && ops < COOKIES; ops++)
		if (F.cookie[ops] == 1)
			abort();	/* never completed */
	return 0;
}
