/*
 * The engine's session machine against an in-memory BMC built from the
 * server side of lib/ipmi (like tools/vcm-selfcheck.c's toy BMC), with
 * simulated time. The BMC has switches for the behaviours real ones
 * show: refusing suite 17, no free slot, a wrong password, going dark,
 * losing RAKP2, not answering Close Session, holding replies so the
 * test can forge, tamper with and replay them, and garbling replies
 * (random bytes in place of an answer, bmcsim's garbage fault).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <uv.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/vbuf.h"
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
#include "engine/engine.h"
#include "engine/session.h"
#include "test.h"

#define USER		"admin"
#define PASSWORD	"secret"
#define BMC_IANA	0x0002a2
#define QMAX		64
#define LOGMAX		512
#define EVMAX		64
#define TYPE_LAN15	0xff

struct pkt {
	uint8_t		 b[VCM_IPMI_DATAGRAM_MAX];
	size_t		 len;
};

struct held {
	uint8_t		 netfn, cmd, seq;
};

struct bmc {
	/* Behaviours. */
	int		 refuse17;
	uint8_t		 open_status;
	uint8_t		 rakp2_status;
	uint8_t		 setpriv_cc;
	int		 wrong_password;
	int		 dark;
	int		 drop_rakp2;
	int		 drop_rakp4;
	int		 no_close_reply;
	int		 hold;		/* record session requests, answer none */
	int		 bad_checksum;
	int		 garble;	/* replies replaced by random bytes */
	uint8_t		 garble_type;	/* only of this type (0: any) */
	uint8_t		 rakp1_again_status; /* to a repeated RAKP1 */
	/* State. */
	uint32_t	 sid_c, sid_m;
	struct ipmi_cipher_suite suite;
	struct ipmi_rakp_ctx rakp;
	struct ipmi_session_keys keys;
	struct ipmi_seqwin_out out;
	struct ipmi_seqwin in;
	uint8_t		 guid[16];
	/* What it saw. */
	int		 n_authcap, n_open, n_rakp1, n_rakp3, n_rq, n_close;
	int		 n_devid, n_sol, n_dropped;
	uint8_t		 open_priv, role, open_auth;
	int		 rakp1_seen;	/* RAKP1s since the Open Session */
	uint8_t		 rakp1_tags[16];
	int		 n_garbled;
	struct held	 held[64];
	int		 nheld;
	uint8_t		 sol_in[IPMI_SOL_PKT_MAX];
	size_t		 sol_in_len;
};

struct logent {
	uint64_t	 t;
	uint8_t		 type;
	uint32_t	 seq;
};

struct evrec {
	struct eng_event ev;
	uint64_t	 t;
	uint8_t		 data[VCM_IPMI_DATAGRAM_MAX];
};

struct h {
	struct eng_session s;
	struct bmc	 b;
	uint64_t	 now;
	uint32_t	 rng;
	struct pkt	 to_bmc[QMAX], to_con[QMAX];
	int		 nto_bmc, nto_con;
	struct logent	 log[LOGMAX];
	int		 nlog;
	size_t		 max_sent;
	struct evrec	 ev[EVMAX];
	int		 nev;
	int		 evcount[ENG_EV__COUNT];
};

static struct h H;

/* ---- deterministic randomness -------------------------------------- */

static uint32_t
xs(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void
fill(uint32_t *x, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)xs(x);
}

/* ---- the console's env ----------------------------------------------- */

static void
env_send(void *arg, const uint8_t *p, size_t len)
{
	struct h *h = arg;
	struct ipmi_lanplus_hdr lh;
	struct logent *l;

	if (len > h->max_sent)
		h->max_sent = len;
	if (h->nlog < LOGMAX) {
		l = &h->log[h->nlog++];
		l->t = h->now;
		l->type = TYPE_LAN15;
		l->seq = 0;
		if (ipmi_datagram_classify(p, len) == IPMI_DGRAM_LANPLUS &&
		    ipmi_lanplus_peek(p, len, &lh) == 0) {
			l->type = lh.payload_type;
			l->seq = lh.seq;
		}
	}
	if (h->nto_bmc < QMAX && len <= VCM_IPMI_DATAGRAM_MAX) {
		memcpy(h->to_bmc[h->nto_bmc].b, p, len);
		h->to_bmc[h->nto_bmc++].len = len;
	}
}

static int
env_random(void *arg, void *buf, size_t len)
{
	struct h *h = arg;

	fill(&h->rng, buf, len);
	return 0;
}

static void
env_event(void *arg, const struct eng_event *ev)
{
	struct h *h = arg;
	struct evrec *r;
	const uint8_t *d = NULL;
	size_t n = 0;

	if (ev->type < ENG_EV__COUNT)
		h->evcount[ev->type]++;
	if (h->nev >= EVMAX)
		return;
	r = &h->ev[h->nev++];
	r->ev = *ev;
	r->t = h->now;
	if (ev->type == ENG_EV_RESPONSE) {
		d = ev->u.response.data;
		n = ev->u.response.len;
		r->ev.u.response.data = r->data;
	} else if (ev->type == ENG_EV_SOL_PACKET) {
		d = ev->u.sol.data;
		n = ev->u.sol.len;
		r->ev.u.sol.data = r->data;
	}
	if (n > 0 && n <= sizeof(r->data))
		memcpy(r->data, d, n);
}

static const struct evrec *
last_ev(int type)
{
	int i;

	for (i = H.nev - 1; i >= 0; i--)
		if (H.ev[i].ev.type == type)
			return &H.ev[i];
	return NULL;
}

/* ---- the BMC ---------------------------------------------------------- */

static void
to_con(const uint8_t *p, size_t len)
{
	struct ipmi_lanplus_hdr h;
	uint8_t type = TYPE_LAN15;

	if (ipmi_datagram_classify(p, len) == IPMI_DGRAM_LANPLUS &&
	    ipmi_lanplus_peek(p, len, &h) == 0)
		type = h.payload_type;
	if (H.nto_con < QMAX) {
		memcpy(H.to_con[H.nto_con].b, p, len);
		H.to_con[H.nto_con].len = len;
		if (H.b.garble > 0 && (H.b.garble_type == 0 ||
		    H.b.garble_type == type)) {
			/* Random bytes, never a valid RMCP header. */
			fill(&H.rng, H.to_con[H.nto_con].b, len);
			H.to_con[H.nto_con].b[0] = 0xee;
			H.b.garble--;
			H.b.n_garbled++;
		}
		H.nto_con++;
	}
}

static void
bmc_presession(uint8_t type, const void *pl, size_t len)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;

	memset(&h, 0, sizeof(h));
	h.payload_type = type;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if (ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0)
		to_con(pkt, w.len);
}

static void
bmc_seal(uint8_t type, const void *pl, size_t len)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], iv[16];
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;

	memset(&h, 0, sizeof(h));
	h.payload_type = type;
	h.encrypted = h.authenticated = 1;
	h.session_id = H.b.sid_m;
	h.seq = ipmi_seqwin_out_next(&H.b.out);
	fill(&H.rng, iv, sizeof(iv));
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if (ipmi_lanplus_encode(&w, &h, &H.b.keys, iv, pl, len) == 0)
		to_con(pkt, w.len);
}

/* A response from the BMC to (netfn, cmd, seq) with data (cc first). */
static void
bmc_reply(uint8_t netfn, uint8_t cmd, uint8_t seq, const uint8_t *data,
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
	if (ipmi_msg_encode(&w, &rs) != 0)
		return;
	if (H.b.bad_checksum)
		body[w.len - 1] ^= 0x5a;
	bmc_seal(IPMI_PAYLOAD_IPMI, body, w.len);
}

static void
bmc_authcap(const uint8_t *pkt, size_t n)
{
	const struct ipmi_cmd *c = ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_GET_CHANNEL_AUTH_CAPS);
	struct ipmi_get_auth_caps_rs rs;
	struct ipmi_lan15_hdr h;
	struct ipmi_msg m, r;
	const uint8_t *msg;
	uint8_t data[64], body[64], out[VCM_IPMI_DATAGRAM_MAX];
	struct vbuf_wr w;
	size_t len;
	int dl;

	if (ipmi_lan15_decode(pkt, n, &h, &msg, &len) != 0 ||
	    ipmi_msg_decode(msg, len, 0, &m) != 0 ||
	    m.cmd != IPMI_CMD_GET_CHANNEL_AUTH_CAPS)
		return;
	H.b.n_authcap++;
	memset(&rs, 0, sizeof(rs));
	rs.channel = 1;
	rs.v20_ext = 1;
	rs.ipmi20 = 1;
	rs.non_null_users = 1;
	dl = ipmi_cmd_encode_rs(c, &rs, sizeof(rs), data, sizeof(data));
	if (dl < 0)
		return;
	ipmi_msg_response_to(&m, &r, data, (size_t)dl);
	vbuf_wr_init(&w, body, sizeof(body));
	ipmi_msg_encode(&w, &r);
	len = w.len;
	memset(&h, 0, sizeof(h));
	vbuf_wr_init(&w, out, sizeof(out));
	if (ipmi_lan15_encode(&w, &h, body, len) == 0)
		to_con(out, w.len);
}

static void
bmc_open(const uint8_t *pl, size_t n)
{
	struct ipmi_open_session_rq rq;
	struct ipmi_open_session_rs rs;
	uint8_t out[64];
	struct vbuf_wr w;

	if (ipmi_open_session_rq_decode(pl, n, &rq) != 0)
		return;
	H.b.n_open++;
	H.b.rakp1_seen = 0;
	H.b.open_priv = rq.max_priv;
	H.b.open_auth = rq.auth;
	memset(&rs, 0, sizeof(rs));
	rs.tag = rq.tag;
	rs.sid_m = rq.sid_m;
	if (H.b.open_status != 0)
		rs.status = H.b.open_status;
	else if (H.b.refuse17 && rq.auth == IPMI_AUTH_HMAC_SHA256)
		rs.status = IPMI_RMCPP_NO_CIPHER_MATCH;
	if (rs.status == 0) {
		rs.max_priv = rq.max_priv;
		rs.sid_c = H.b.sid_c = xs(&H.rng) | 1;
		H.b.sid_m = rq.sid_m;
		rs.auth = rq.auth;
		rs.integ = rq.integ;
		rs.conf = rq.conf;
		ipmi_cipher_suite_lookup(rq.auth == IPMI_AUTH_HMAC_SHA256 ?
		    17 : 3, &H.b.suite);
	}
	vbuf_wr_init(&w, out, sizeof(out));
	if (ipmi_open_session_rs_encode(&w, &rs) == 0)
		bmc_presession(IPMI_PAYLOAD_OPEN_SESSION_RS, out, w.len);
}

static void
bmc_rakp1(const uint8_t *pl, size_t n)
{
	const char *pw = H.b.wrong_password ? "guess" : PASSWORD;
	struct ipmi_rakp1 r1;
	struct ipmi_rakp2 r2;
	uint8_t out[128];
	struct vbuf_wr w;
	size_t len;

	if (ipmi_rakp1_decode(pl, n, &r1) != 0 || r1.sid_c != H.b.sid_c)
		return;
	H.b.n_rakp1++;
	if (H.b.rakp1_seen < (int)sizeof(H.b.rakp1_tags))
		H.b.rakp1_tags[H.b.rakp1_seen] = r1.tag;
	if (H.b.rakp1_seen++ > 0 && H.b.rakp1_again_status != 0) {
		/* A BMC that does not take RAKP1 twice. */
		memset(&r2, 0, sizeof(r2));
		r2.tag = r1.tag;
		r2.status = H.b.rakp1_again_status;
		r2.sid_m = H.b.sid_m;
		vbuf_wr_init(&w, out, sizeof(out));
		if (ipmi_rakp2_encode(&w, &r2) == 0)
			bmc_presession(IPMI_PAYLOAD_RAKP2, out, w.len);
		return;
	}
	H.b.role = r1.role;
	memset(&H.b.rakp, 0, sizeof(H.b.rakp));
	H.b.rakp.auth = H.b.suite.auth;
	H.b.rakp.sid_m = H.b.sid_m;
	H.b.rakp.sid_c = H.b.sid_c;
	memcpy(H.b.rakp.rm, r1.rm, 16);
	fill(&H.rng, H.b.rakp.rc, 16);
	memcpy(H.b.rakp.guid_c, H.b.guid, 16);
	H.b.rakp.role = r1.role;
	ipmi_rakp_ctx_set_creds(&H.b.rakp, USER, pw, strlen(pw), NULL, 0);
	if (H.b.drop_rakp2 > 0) {
		H.b.drop_rakp2--;
		return;
	}
	memset(&r2, 0, sizeof(r2));
	r2.tag = r1.tag;
	r2.status = H.b.rakp2_status;
	r2.sid_m = H.b.sid_m;
	if (r2.status == 0) {
		memcpy(r2.rc, H.b.rakp.rc, 16);
		memcpy(r2.guid_c, H.b.guid, 16);
		ipmi_rakp2_code(&H.b.rakp, r2.code, &len);
		r2.code_len = (uint8_t)len;
	}
	vbuf_wr_init(&w, out, sizeof(out));
	if (ipmi_rakp2_encode(&w, &r2) == 0)
		bmc_presession(IPMI_PAYLOAD_RAKP2, out, w.len);
}

static void
bmc_rakp3(const uint8_t *pl, size_t n)
{
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;
	uint8_t out[128];
	struct vbuf_wr w;
	size_t len;

	if (ipmi_rakp3_decode(pl, n, &r3) != 0 || r3.sid_c != H.b.sid_c)
		return;
	H.b.n_rakp3++;
	if (ipmi_rakp3_check(&H.b.rakp, r3.code, r3.code_len) != 0 ||
	    ipmi_keys_derive(&H.b.keys, &H.b.rakp, &H.b.suite) != 0)
		return;
	memset(&r4, 0, sizeof(r4));
	r4.tag = r3.tag;
	r4.sid_m = H.b.sid_m;
	ipmi_rakp4_icv(&H.b.rakp, H.b.keys.sik, r4.icv, &len);
	r4.icv_len = (uint8_t)len;
	ipmi_seqwin_out_init(&H.b.out);
	ipmi_seqwin_init(&H.b.in);
	vbuf_wr_init(&w, out, sizeof(out));
	if (H.b.drop_rakp4 > 0) {
		H.b.drop_rakp4--;
		return;
	}
	if (ipmi_rakp4_encode(&w, &r4) == 0)
		bmc_presession(IPMI_PAYLOAD_RAKP4, out, w.len);
}

static void
bmc_command(const struct ipmi_msg *m)
{
	const struct ipmi_cmd *c = ipmi_cmd_find(m->netfn, m->cmd);
	union {
		struct ipmi_set_session_priv_rq	priv;
		struct ipmi_close_session_rq	close;
		uint8_t				raw[256];
	} rq;
	union {
		struct ipmi_cc_rs		cc;
		struct ipmi_set_session_priv_rs	priv;
		struct ipmi_get_device_id_rs	devid;
		uint8_t				raw[256];
	} rs;
	uint8_t data[VCM_IPMI_MSG_DATA_MAX];
	int dl;

	H.b.n_rq++;
	if (m->cmd == IPMI_CMD_GET_DEVICE_ID && m->netfn == IPMI_NETFN_APP)
		H.b.n_devid++;
	if (m->cmd == IPMI_CMD_CLOSE_SESSION && m->netfn == IPMI_NETFN_APP)
		H.b.n_close++;
	if (H.b.hold) {
		if (H.b.nheld < 64) {
			H.b.held[H.b.nheld].netfn = m->netfn;
			H.b.held[H.b.nheld].cmd = m->cmd;
			H.b.held[H.b.nheld++].seq = m->seq;
		}
		return;
	}
	if (m->cmd == IPMI_CMD_CLOSE_SESSION && H.b.no_close_reply)
		return;
	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	if (c == NULL || ipmi_cmd_decode_rq(c, &rq, c->rq_size, m->data,
	    m->data_len) != 0) {
		data[0] = IPMI_CC_INVALID_CMD;
		bmc_reply(m->netfn, m->cmd, m->seq, data, 1);
		return;
	}
	switch (c->cmd | c->netfn << 8) {
	case IPMI_CMD_SET_SESSION_PRIV | IPMI_NETFN_APP << 8:
		rs.priv.cc = H.b.setpriv_cc;
		rs.priv.priv = rq.priv.priv;
		break;
	case IPMI_CMD_GET_DEVICE_ID | IPMI_NETFN_APP << 8:
		rs.devid.device_id = 0x20;
		rs.devid.fw_major = 2;
		rs.devid.ipmi_version = 0x02;
		rs.devid.manufacturer_id = BMC_IANA;
		rs.devid.product_id = 0x0100;
		break;
	case IPMI_CMD_CLOSE_SESSION | IPMI_NETFN_APP << 8:
		if (rq.close.session_id != H.b.sid_c)
			rs.cc.cc = 0x87;
		break;
	default:
		break;
	}
	dl = ipmi_cmd_encode_rs(c, &rs, c->rs_size, data, sizeof(data));
	if (dl > 0)
		bmc_reply(m->netfn, m->cmd, m->seq, data, (size_t)dl);
}

static void
bmc_recv(const uint8_t *pkt, size_t n)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct ipmi_msg m;
	size_t len;

	if (H.b.dark) {
		H.b.n_dropped++;
		return;
	}
	if (ipmi_datagram_classify(pkt, n) == IPMI_DGRAM_LAN15) {
		bmc_authcap(pkt, n);
		return;
	}
	if (ipmi_lanplus_peek(pkt, n, &h) != 0)
		return;
	if (h.session_id == 0) {
		if (ipmi_lanplus_decode(pkt, n, NULL, &h, pl, sizeof(pl),
		    &len) != 0)
			return;
		if (h.payload_type == IPMI_PAYLOAD_OPEN_SESSION_RQ)
			bmc_open(pl, len);
		else if (h.payload_type == IPMI_PAYLOAD_RAKP1)
			bmc_rakp1(pl, len);
		else if (h.payload_type == IPMI_PAYLOAD_RAKP3)
			bmc_rakp3(pl, len);
		return;
	}
	if (h.session_id != H.b.sid_c || ipmi_seqwin_check(&H.b.in,
	    h.seq) != 0 || ipmi_lanplus_decode(pkt, n, &H.b.keys, &h, pl,
	    sizeof(pl), &len) != 0 || ipmi_seqwin_accept(&H.b.in, h.seq) != 0)
		return;
	if (h.payload_type == IPMI_PAYLOAD_SOL) {
		H.b.n_sol++;
		memcpy(H.b.sol_in, pl, len < sizeof(H.b.sol_in) ? len :
		    sizeof(H.b.sol_in));
		H.b.sol_in_len = len;
		return;
	}
	if (ipmi_msg_decode(pl, len, 0, &m) == 0)
		bmc_command(&m);
}

/* ---- driving ---------------------------------------------------------- */

/* Delivers queued datagrams both ways until nothing moves. */
static void
pump(void)
{
	struct pkt p;
	int guard;

	for (guard = 0; guard < 1000; guard++) {
		if (H.nto_bmc > 0) {
			p = H.to_bmc[0];
			memmove(H.to_bmc, H.to_bmc + 1,
			    (size_t)--H.nto_bmc * sizeof(H.to_bmc[0]));
			bmc_recv(p.b, p.len);
		} else if (H.nto_con > 0) {
			p = H.to_con[0];
			memmove(H.to_con, H.to_con + 1,
			    (size_t)--H.nto_con * sizeof(H.to_con[0]));
			eng_session_input(&H.s, p.b, p.len, H.now);
		} else
			break;
	}
}

/* Runs timers and traffic up to time t. */
static void
run_until(uint64_t t)
{
	uint64_t n;
	int guard;

	pump();
	for (guard = 0; guard < 10000; guard++) {
		n = eng_session_next(&H.s);
		if (n > t)
			break;
		if (n > H.now)
			H.now = n;
		eng_session_tick(&H.s, H.now);
		pump();
	}
	if (H.now < t)
		H.now = t;
}

static void
default_config(struct eng_config *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->user, USER, strlen(USER));
	memcpy(c->password, PASSWORD, strlen(PASSWORD));
	c->password_len = (uint8_t)strlen(PASSWORD);
	c->priv = IPMI_PRIV_ADMIN;
}

static int
setup_cfg(const struct eng_config *c)
{
	struct eng_env env;

	memset(&H, 0, sizeof(H));
	H.rng = 0x12345678;
	H.now = 1000;
	fill(&H.rng, H.b.guid, 16);
	env.send = env_send;
	env.random = env_random;
	env.event = env_event;
	env.arg = &H;
	return eng_session_init(&H.s, c, &env);
}

static int
setup(void)
{
	struct eng_config c;

	default_config(&c);
	return setup_cfg(&c);
}

/* Start and run the handshake to its end (or 10 s). */
static void
bmc_connect(void)
{
	uint64_t n;
	int guard;

	if (eng_session_start(&H.s, H.now) != 0)
		return;
	pump();
	for (guard = 0; guard < 1000 && H.s.state >= ENG_S_AUTHCAP &&
	    H.s.state <= ENG_S_SETPRIV; guard++) {
		if ((n = eng_session_next(&H.s)) == ENG_NEVER)
			break;
		if (n > H.now)
			H.now = n;
		eng_session_tick(&H.s, H.now);
		pump();
	}
}

static int
established(void)
{
	int i;

	setup();
	bmc_connect();
	if (H.s.state != ENG_S_ACTIVE) {
		printf("#   handshake ended in %s; drops:",
		    eng_state_name(H.s.state));
		for (i = 0; i < ENG_DROP__COUNT; i++)
			printf(" %s=%u", eng_drop_name((unsigned int)i),
			    H.s.stats.drops[i]);
		printf("\n");
	}
	return H.s.state == ENG_S_ACTIVE;
}

static int
is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

static int
secrets_wiped(void)
{
	return is_zero(&H.s.keys, sizeof(H.s.keys)) &&
	    is_zero(&H.s.rakp, sizeof(H.s.rakp));
}

static int
sent_type(uint8_t type)
{
	int i, n = 0;

	for (i = 0; i < H.nlog; i++)
		if (H.log[i].type == type)
			n++;
	return n;
}

/* ---- cases -------------------------------------------------------------- */

static void
handshake_suite17(void)
{
	static const uint8_t want[] = { TYPE_LAN15,
	    IPMI_PAYLOAD_OPEN_SESSION_RQ, IPMI_PAYLOAD_RAKP1,
	    IPMI_PAYLOAD_RAKP3, IPMI_PAYLOAD_IPMI };
	const struct evrec *e;
	int i;

	REQUIRE(established());
	REQUIRE((e = last_ev(ENG_EV_ESTABLISHED)) != NULL);
	CHECK_INT(e->ev.u.established.suite, 17);
	CHECK_INT(e->ev.u.established.priv, IPMI_PRIV_ADMIN);
	CHECK(e->ev.u.established.sid_m != 0);
	CHECK_INT(e->ev.u.established.sid_c, H.b.sid_c);
	CHECK_INT(H.evcount[ENG_EV_ESTABLISHED], 1);
	/* Exact privilege in Open Session (opensesspriv), name-only role. */
	CHECK_INT(H.b.open_priv, IPMI_PRIV_ADMIN);
	CHECK_INT(H.b.role, IPMI_PRIV_ADMIN | IPMI_ROLE_NAME_ONLY);
	REQUIRE(H.nlog == (int)sizeof(want));
	for (i = 0; i < H.nlog; i++)
		CHECK_INT(H.log[i].type, want[i]);
	CHECK_INT(H.log[4].seq, 1);	/* first session packet carries 1 */
	/* The credentials are gone once the keys exist. */
	CHECK(is_zero(&H.s.rakp, sizeof(H.s.rakp)));
	CHECK(!is_zero(&H.s.keys, sizeof(H.s.keys)));
	CHECK_INT(eng_session_next(&H.s), H.now + VCM_ENG_KEEPALIVE_MS);
	CHECK_INT(H.s.stats.retransmits, 0);
}

static void
fallback_to_suite3(void)
{
	const struct evrec *e;

	setup();
	H.b.refuse17 = 1;
	bmc_connect();
	REQUIRE(H.s.state == ENG_S_ACTIVE);
	REQUIRE((e = last_ev(ENG_EV_ESTABLISHED)) != NULL);
	CHECK_INT(e->ev.u.established.suite, 3);
	CHECK_INT(H.b.n_open, 2);
	CHECK_INT(H.b.open_auth, IPMI_AUTH_HMAC_SHA1);
	CHECK_INT(H.s.stats.fallbacks, 1);
}

static void
suite_order_and_refusal(void)
{
	struct eng_config c;
	const struct evrec *e;

	default_config(&c);
	c.suites[0] = 0;
	c.suites[1] = 2;
	c.nsuites = 2;
	CHECK_INT(setup_cfg(&c), VCM_EINSECURE);
	/* Caller's order first (the suite that worked last time), 0 skipped. */
	c.suites[0] = 0;
	c.suites[1] = 3;
	c.suites[2] = 17;
	c.nsuites = 3;
	REQUIRE(setup_cfg(&c) == 0);
	bmc_connect();
	REQUIRE((e = last_ev(ENG_EV_ESTABLISHED)) != NULL);
	CHECK_INT(e->ev.u.established.suite, 3);
	CHECK_INT(H.b.n_open, 1);
	/* Only suite 17 offered, BMC refuses it: no usable suite. */
	c.suites[0] = 17;
	c.nsuites = 1;
	REQUIRE(setup_cfg(&c) == 0);
	H.b.refuse17 = 1;
	bmc_connect();
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_NO_SUITE);
	CHECK_INT(e->ev.u.failed.status, IPMI_RMCPP_NO_CIPHER_MATCH);
}

static void
no_slots(void)
{
	const struct evrec *e;

	setup();
	H.b.open_status = IPMI_RMCPP_NO_RESOURCES;
	bmc_connect();
	CHECK_INT(H.s.state, ENG_S_FAILED);
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_NO_SLOTS);
	CHECK_INT(e->ev.u.failed.has_status, 1);
	CHECK_INT(e->ev.u.failed.status, 0x01);
	CHECK_INT(e->ev.u.failed.step, ENG_S_OPEN);
	CHECK_INT(H.b.n_open, 1);	/* not retried: it is an answer */
	CHECK(secrets_wiped());
	CHECK(eng_session_next(&H.s) == ENG_NEVER);
	/* 0Bh (at the requested role) is the same answer. */
	setup();
	H.b.open_status = 0x0b;
	bmc_connect();
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_NO_SLOTS);
}

static void
wrong_password(void)
{
	const struct evrec *e;

	setup();
	H.b.wrong_password = 1;
	bmc_connect();
	CHECK_INT(H.s.state, ENG_S_FAILED);
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_BAD_PASSWORD);
	CHECK_INT(e->ev.u.failed.step, ENG_S_RAKP1);
	CHECK_INT(sent_type(IPMI_PAYLOAD_RAKP3), 0);
	CHECK_INT(H.b.n_rakp3, 0);
	CHECK(secrets_wiped());
}

static void
wrong_user(void)
{
	const struct evrec *e;

	setup();
	H.b.rakp2_status = 0x0d;
	bmc_connect();
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_BAD_USER);
	CHECK_INT(e->ev.u.failed.status, 0x0d);
	CHECK_INT(sent_type(IPMI_PAYLOAD_RAKP3), 0);
}

static void
dark_bmc(void)
{
	static const uint64_t want[] = { 0, 250, 750, 1750, 3750 };
	const struct evrec *e;
	uint64_t t0;
	int i;

	setup();
	H.b.dark = 1;
	t0 = H.now;
	REQUIRE(eng_session_start(&H.s, H.now) == 0);
	run_until(t0 + 60000);
	CHECK_INT(H.s.state, ENG_S_FAILED);
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_UNREACHABLE);
	CHECK_INT(e->ev.u.failed.step, ENG_S_AUTHCAP);
	CHECK_INT(e->t - t0, VCM_ENG_HANDSHAKE_MS);
	CHECK_INT(e->ev.u.failed.tries, 5);
	REQUIRE(H.nlog == 5);
	for (i = 0; i < H.nlog; i++) {
		CHECK_INT(H.log[i].t - t0, want[i]);
		CHECK_INT(H.log[i].type, TYPE_LAN15);
	}
	CHECK(eng_session_next(&H.s) == ENG_NEVER);
	CHECK_INT(H.evcount[ENG_EV_FAILED], 1);
}

static void
dark_after_open(void)
{
	const struct evrec *e;
	uint64_t t0;

	/* Answers Get Auth Caps and Open Session, then loses every RAKP2. */
	setup();
	H.b.drop_rakp2 = 1000;
	t0 = H.now;
	REQUIRE(eng_session_start(&H.s, H.now) == 0);
	run_until(t0 + 60000);
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_UNREACHABLE);
	CHECK(e->t - t0 <= VCM_ENG_HANDSHAKE_MS);
	CHECK(H.s.stats.restarts >= 1);
	CHECK(H.s.stats.restarts <= VCM_ENG_RESTARTS_MAX);
	CHECK(H.b.n_open <= VCM_ENG_RESTARTS_MAX + 1);
	/* RAKP1 resent before each restart, never more than its tries. */
	CHECK(H.b.n_rakp1 > H.b.n_open);
	CHECK(H.b.n_rakp1 <= H.b.n_open * VCM_ENG_RAKP1_TRIES);
}

/* A lost RAKP2: the same RAKP1 again under a new tag, no new Open
 * Session (that would leave the BMC a half-open session in a slot). */
static void
lost_rakp2_resends_rakp1(void)
{
	static const uint8_t want[] = { TYPE_LAN15,
	    IPMI_PAYLOAD_OPEN_SESSION_RQ, IPMI_PAYLOAD_RAKP1,
	    IPMI_PAYLOAD_RAKP1, IPMI_PAYLOAD_RAKP3, IPMI_PAYLOAD_IPMI };
	int i;

	setup();
	H.b.drop_rakp2 = 1;
	bmc_connect();
	REQUIRE(H.s.state == ENG_S_ACTIVE);
	CHECK_INT(H.s.stats.restarts, 0);
	CHECK_INT(H.b.n_open, 1);
	CHECK_INT(H.b.n_rakp1, 2);
	CHECK(H.b.rakp1_tags[0] != H.b.rakp1_tags[1]);
	REQUIRE(H.nlog == (int)sizeof(want));
	for (i = 0; i < H.nlog; i++)
		CHECK_INT(H.log[i].type, want[i]);
	CHECK_INT(H.log[3].t - H.log[2].t, VCM_ENG_RETRY_MS);
}

/* A BMC that answers a repeated RAKP1 with an error: the exchange is
 * lost, not refused; a restart from Open Session gets the session. */
static void
rakp1_again_refused_restarts(void)
{
	setup();
	H.b.drop_rakp2 = 1;
	H.b.rakp1_again_status = 0x02;	/* invalid session id */
	bmc_connect();
	REQUIRE(H.s.state == ENG_S_ACTIVE);
	CHECK_INT(H.s.stats.restarts, 1);
	CHECK_INT(H.b.n_open, 2);
	/* An unknown user stays a failure, repeated RAKP1 or not. */
	setup();
	H.b.drop_rakp2 = 1;
	H.b.rakp1_again_status = 0x0d;
	bmc_connect();
	CHECK_INT(H.s.state, ENG_S_FAILED);
	REQUIRE(last_ev(ENG_EV_FAILED) != NULL);
	CHECK_INT(last_ev(ENG_EV_FAILED)->ev.u.failed.reason,
	    ENG_FAIL_BAD_USER);
}

/*
 * Damaged answers (random bytes from the BMC) in every step of the
 * handshake: each is resent after VCM_ENG_DAMAGED_MS instead of the
 * backoff, with no try spent and no restart (the known failure of
 * issue 5: 20 % garbage missed a 5 s deadline about once in ten runs).
 */
static void
damaged_answers_resent_soon(void)
{
	static const uint8_t types[] = { TYPE_LAN15,
	    IPMI_PAYLOAD_OPEN_SESSION_RS, IPMI_PAYLOAD_RAKP2,
	    IPMI_PAYLOAD_RAKP4, IPMI_PAYLOAD_IPMI };
	const struct evrec *e;
	uint64_t t0;
	unsigned int i;

	for (i = 0; i < sizeof(types); i++) {
		setup();
		H.b.garble = 2;
		H.b.garble_type = types[i];
		t0 = H.now;
		bmc_connect();
		REQUIRE(H.s.state == ENG_S_ACTIVE);
		REQUIRE((e = last_ev(ENG_EV_ESTABLISHED)) != NULL);
		CHECK_INT(H.b.n_garbled, 2);
		CHECK_INT(H.s.stats.drops[ENG_DROP_KIND], 2);
		CHECK_INT(H.s.stats.restarts, 0);
		CHECK_INT(H.s.stats.retransmits, 2);
		/* Open Session resent as it was: the same console id. */
		CHECK_INT(H.b.n_open,
		    types[i] == IPMI_PAYLOAD_OPEN_SESSION_RS ? 3 : 1);
		/* Two damaged answers cost two short pauses, not the
		 * 250 + 500 ms of the backoff. */
		CHECK_INT(e->t - t0, 2 * VCM_ENG_DAMAGED_MS);
	}
	/* The same for a request of the session. */
	REQUIRE(established());
	H.b.garble = 3;
	t0 = H.now;
	REQUIRE(eng_session_request(&H.s, IPMI_NETFN_APP,
	    IPMI_CMD_GET_DEVICE_ID, NULL, 0, H.now + 5000, 7, H.now) == 0);
	run_until(t0 + 100);
	REQUIRE((e = last_ev(ENG_EV_RESPONSE)) != NULL);
	CHECK_INT(e->t - t0, 3 * VCM_ENG_DAMAGED_MS);
	CHECK_INT(H.s.stats.retransmits, 3);
}

/* A BMC that sends nothing but garbage: the damaged resends are bounded
 * per step, the deadline holds, nothing loops. */
static void
only_garbage_bounded(void)
{
	const struct evrec *e;
	uint64_t t0;

	setup();
	H.b.garble = 100000;
	t0 = H.now;
	REQUIRE(eng_session_start(&H.s, H.now) == 0);
	run_until(t0 + 60000);
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_UNREACHABLE);
	CHECK_INT(e->ev.u.failed.step, ENG_S_AUTHCAP);
	CHECK(e->t - t0 <= VCM_ENG_HANDSHAKE_MS);
	CHECK(H.b.n_authcap <= VCM_ENG_STEP_TRIES + VCM_ENG_DAMAGED_RESENDS);
	CHECK(H.b.n_authcap > VCM_ENG_DAMAGED_RESENDS);
	/* In a session: one request, resent at most that often more. */
	REQUIRE(established());
	H.b.garble = 100000;
	t0 = H.now;
	REQUIRE(eng_session_request(&H.s, IPMI_NETFN_APP,
	    IPMI_CMD_GET_DEVICE_ID, NULL, 0, H.now + 3000, 7, H.now) == 0);
	run_until(t0 + 3000);
	REQUIRE((e = last_ev(ENG_EV_REQUEST_FAILED)) != NULL);
	CHECK_INT(e->ev.u.request_failed.err, VCM_ETIMEDOUT);
	/* 0, 250, 750, 1750 by the backoff, plus the damaged ones. */
	CHECK(e->ev.u.request_failed.tries <= 4 + VCM_ENG_DAMAGED_RESENDS);
}

/* A lost RAKP4: the same RAKP3 again, no new Open Session (that would
 * leave the session the BMC activated on RAKP3 holding a slot). */
static void
lost_rakp4_resends_rakp3(void)
{
	setup();
	H.b.drop_rakp4 = 1;
	bmc_connect();
	REQUIRE(H.s.state == ENG_S_ACTIVE);
	CHECK_INT(H.s.stats.restarts, 0);
	CHECK_INT(H.b.n_open, 1);
	CHECK_INT(H.b.n_rakp3, 2);
}

/* Sends a user request; returns its rqSeq as the BMC saw it (hold mode). */
static int
held_request(uint8_t netfn, uint8_t cmd, uint64_t deadline, uint64_t cookie)
{
	int n = H.b.nheld;

	if (eng_session_request(&H.s, netfn, cmd, NULL, 0, deadline, cookie,
	    H.now) != 0)
		return -1;
	pump();
	return H.b.nheld == n + 1 ? H.b.held[n].seq : -1;
}

static void
request_response(void)
{
	struct ipmi_get_device_id_rs dev;
	uint8_t ctl = IPMI_CHASSIS_POWER_UP;
	const struct evrec *e;

	REQUIRE(established());
	REQUIRE(eng_session_request(&H.s, IPMI_NETFN_APP,
	    IPMI_CMD_GET_DEVICE_ID, NULL, 0, H.now + 5000, 42, H.now) == 0);
	pump();
	REQUIRE((e = last_ev(ENG_EV_RESPONSE)) != NULL);
	CHECK_INT(e->ev.u.response.cookie, 42);
	CHECK_INT(e->ev.u.response.cc, 0);
	CHECK_INT(e->ev.u.response.netfn, IPMI_NETFN_APP);
	CHECK_INT(e->ev.u.response.cmd, IPMI_CMD_GET_DEVICE_ID);
	/* The caller decodes the body (cc in front again for the codec). */
	{
		uint8_t buf[64];

		REQUIRE(e->ev.u.response.len < sizeof(buf));
		buf[0] = e->ev.u.response.cc;
		memcpy(buf + 1, e->ev.u.response.data, e->ev.u.response.len);
		CHECK_INT(ipmi_cmd_decode_rs(ipmi_cmd_find(IPMI_NETFN_APP,
		    IPMI_CMD_GET_DEVICE_ID), &dev, sizeof(dev), buf,
		    e->ev.u.response.len + 1), 0);
		CHECK_INT(dev.manufacturer_id, BMC_IANA);
	}
	REQUIRE(eng_session_request(&H.s, IPMI_NETFN_CHASSIS,
	    IPMI_CMD_CHASSIS_CONTROL, &ctl, 1, H.now + 5000, 43, H.now) == 0);
	pump();
	REQUIRE((e = last_ev(ENG_EV_RESPONSE)) != NULL);
	CHECK_INT(e->ev.u.response.cookie, 43);
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 2);
	CHECK_INT(H.s.stats.requests, 2);
	CHECK_INT(eng_session_request(&H.s, 0x07, 1, NULL, 0, H.now + 1, 1,
	    H.now), VCM_EINVAL);	/* a response netfn */
	CHECK_INT(eng_session_request(&H.s, 6, 1, "x", VCM_ENG_RQ_DATA_MAX + 1,
	    H.now + 1, 1, H.now), VCM_ERANGE);
}

static void
reply_mismatch_dropped(void)
{
	static const uint8_t ok[] = { 0x00, 0x20 };
	int seq;

	REQUIRE(established());
	H.b.hold = 1;
	REQUIRE((seq = held_request(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID,
	    H.now + 5000, 7)) >= 0);
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID,
	    (uint8_t)((seq + 1) & 0x3f), ok, sizeof(ok));
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_GUID, (uint8_t)seq, ok,
	    sizeof(ok));
	bmc_reply(IPMI_NETFN_CHASSIS, IPMI_CMD_GET_DEVICE_ID, (uint8_t)seq,
	    ok, sizeof(ok));
	pump();
	CHECK_INT(H.s.stats.drops[ENG_DROP_NOMATCH], 3);
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 0);
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, (uint8_t)seq, ok,
	    sizeof(ok));
	pump();
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 1);
	/* The same answer again (a new packet): no second completion. */
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, (uint8_t)seq, ok,
	    sizeof(ok));
	pump();
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 1);
	CHECK_INT(H.s.stats.drops[ENG_DROP_NOMATCH], 4);
}

static void
tampered_and_replayed(void)
{
	static const uint8_t ok[] = { 0x00, 0x20 };
	struct pkt good, bad;
	int seq;

	REQUIRE(established());
	H.b.hold = 1;
	REQUIRE((seq = held_request(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID,
	    H.now + 5000, 7)) >= 0);
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, (uint8_t)seq, ok,
	    sizeof(ok));
	REQUIRE(H.nto_con == 1);
	good = H.to_con[0];
	H.nto_con = 0;
	bad = good;
	bad.b[bad.len / 2] ^= 0x01;
	eng_session_input(&H.s, bad.b, bad.len, H.now);
	CHECK_INT(H.s.stats.drops[ENG_DROP_AUTH], 1);
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 0);
	eng_session_input(&H.s, good.b, good.len, H.now);
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 1);
	eng_session_input(&H.s, good.b, good.len, H.now);
	CHECK_INT(H.s.stats.drops[ENG_DROP_SEQ], 1);
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 1);
	/* Garbage and a truncated datagram. */
	eng_session_input(&H.s, good.b, 10, H.now);
	eng_session_input(&H.s, (const uint8_t *)"\x06\x00\xff\x07", 4,
	    H.now);
	CHECK_INT(H.s.stats.drops[ENG_DROP_KIND], 2);
	CHECK_INT(H.s.state, ENG_S_ACTIVE);
}

static void
deadline_fails_once(void)
{
	static const uint8_t ok[] = { 0x00 };
	const struct evrec *e;
	uint64_t t0;
	int seq, i, n0, seqs[8];

	REQUIRE(established());
	H.b.hold = 1;
	t0 = H.now;
	n0 = H.nlog;
	REQUIRE((seq = held_request(IPMI_NETFN_CHASSIS,
	    IPMI_CMD_GET_CHASSIS_STATUS, t0 + 1000, 99)) >= 0);
	run_until(t0 + 5000);
	CHECK_INT(H.evcount[ENG_EV_REQUEST_FAILED], 1);
	REQUIRE((e = last_ev(ENG_EV_REQUEST_FAILED)) != NULL);
	CHECK_INT(e->ev.u.request_failed.cookie, 99);
	CHECK_INT(e->ev.u.request_failed.err, VCM_ETIMEDOUT);
	CHECK_INT(e->t - t0, 1000);
	/* Sent at 0, 250, 750: each copy a new rqSeq and session seq. */
	REQUIRE(H.b.nheld >= 3);
	for (i = 0; i < 3; i++) {
		seqs[i] = H.b.held[i].seq;
		CHECK_INT(H.log[n0 + i].t - t0, i == 0 ? 0 : i == 1 ? 250 :
		    750);
		if (i > 0) {
			CHECK(seqs[i] != seqs[i - 1]);
			CHECK(H.log[n0 + i].seq > H.log[n0 + i - 1].seq);
		}
	}
	/* A late answer to any copy completes nothing. */
	bmc_reply(IPMI_NETFN_CHASSIS, IPMI_CMD_GET_CHASSIS_STATUS,
	    (uint8_t)seq, ok, sizeof(ok));
	pump();
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 0);
	CHECK_INT(H.evcount[ENG_EV_REQUEST_FAILED], 1);
}

static void
answer_to_earlier_copy(void)
{
	static const uint8_t ok[] = { 0x00 };
	uint64_t t0;
	int seq;

	/* A slow BMC answers the first copy after the retransmission. */
	REQUIRE(established());
	H.b.hold = 1;
	t0 = H.now;
	REQUIRE((seq = held_request(IPMI_NETFN_CHASSIS,
	    IPMI_CMD_GET_CHASSIS_STATUS, t0 + 5000, 5)) >= 0);
	run_until(t0 + 300);
	CHECK_INT(H.b.nheld, 2);
	bmc_reply(IPMI_NETFN_CHASSIS, IPMI_CMD_GET_CHASSIS_STATUS,
	    (uint8_t)seq, ok, sizeof(ok));
	pump();
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 1);
}

static void
duplicate_cc_ignored(void)
{
	static const uint8_t cf[] = { 0xcf }, ok[] = { 0x00, 0x01 };
	int seq;

	REQUIRE(established());
	H.b.hold = 1;
	REQUIRE((seq = held_request(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID,
	    H.now + 5000, 1)) >= 0);
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, (uint8_t)seq, cf,
	    sizeof(cf));
	pump();
	CHECK_INT(H.s.stats.drops[ENG_DROP_DUPLICATE], 1);
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 0);
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, (uint8_t)seq, ok,
	    sizeof(ok));
	pump();
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 1);
}

static void
table_full(void)
{
	int i;

	REQUIRE(established());
	H.b.hold = 1;
	for (i = 0; i < VCM_ENG_RQ_MAX; i++)
		CHECK_INT(eng_session_request(&H.s, IPMI_NETFN_APP,
		    IPMI_CMD_GET_DEVICE_ID, NULL, 0, H.now + 5000,
		    (uint64_t)i, H.now), 0);
	CHECK_INT(eng_session_request(&H.s, IPMI_NETFN_APP,
	    IPMI_CMD_GET_DEVICE_ID, NULL, 0, H.now + 5000, 9, H.now),
	    VCM_ENOSPC);
	pump();
	/* Outstanding rqSeqs are distinct. */
	REQUIRE(H.b.nheld == VCM_ENG_RQ_MAX);
	for (i = 1; i < VCM_ENG_RQ_MAX; i++)
		CHECK(H.b.held[i].seq != H.b.held[0].seq);
	/* Closing fails every one of them exactly once. */
	H.b.hold = 0;
	CHECK_INT(eng_session_close(&H.s, H.now), 0);
	CHECK_INT(H.evcount[ENG_EV_REQUEST_FAILED], VCM_ENG_RQ_MAX);
	run_until(H.now + 10000);
	CHECK_INT(H.evcount[ENG_EV_REQUEST_FAILED], VCM_ENG_RQ_MAX);
	CHECK_INT(H.evcount[ENG_EV_CLOSED], 1);
	CHECK_INT(eng_session_request(&H.s, IPMI_NETFN_APP,
	    IPMI_CMD_GET_DEVICE_ID, NULL, 0, H.now + 5000, 9, H.now),
	    VCM_ESTATE);
}

static void
keepalive_when_idle(void)
{
	uint64_t t0;

	REQUIRE(established());
	t0 = H.now;
	CHECK_INT(eng_session_next(&H.s), t0 + VCM_ENG_KEEPALIVE_MS);
	run_until(t0 + VCM_ENG_KEEPALIVE_MS - 1);
	CHECK_INT(H.b.n_devid, 0);
	run_until(t0 + VCM_ENG_KEEPALIVE_MS);
	CHECK_INT(H.b.n_devid, 1);
	CHECK_INT(H.s.stats.keepalives, 1);
	CHECK_INT(H.s.stats.requests, 0);
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 0);
	run_until(t0 + 10 * VCM_ENG_KEEPALIVE_MS);
	CHECK_INT(H.b.n_devid, 10);
	CHECK_INT(H.evcount[ENG_EV_UNREACHABLE], 0);
	/* A user request postpones the keepalive. */
	t0 = H.now;
	REQUIRE(eng_session_request(&H.s, IPMI_NETFN_APP,
	    IPMI_CMD_GET_DEVICE_ID, NULL, 0, H.now + 100, 1, H.now) == 0);
	pump();
	CHECK_INT(eng_session_next(&H.s), t0 + VCM_ENG_KEEPALIVE_MS);
}

/*
 * Keystrokes resent to a dark BMC must not postpone the keepalive that
 * finds it dark; SOL output alone must not stop the periodic IPMI
 * request that keeps the session alive on ipmi_sim.
 */
static void
sol_sends_do_not_hide_dark(void)
{
	uint64_t t0;
	int i;

	REQUIRE(established());
	t0 = H.now;
	H.b.dark = 1;
	for (i = 0; i < 15; i++) {
		(void)eng_session_send_sol(&H.s, "\x01\x00\x00\x00k", 5,
		    H.now);
		run_until(H.now + 400);
	}
	CHECK_INT(H.evcount[ENG_EV_UNREACHABLE], 1);
	CHECK(last_ev(ENG_EV_UNREACHABLE) != NULL &&
	    last_ev(ENG_EV_UNREACHABLE)->t - t0 <=
	    VCM_ENG_KEEPALIVE_MS + VCM_ENG_DEAD_MS + 400);
}

static void
sol_output_still_refreshes(void)
{
	static const uint8_t out[] = { 0x01, 0x00, 0x00, 0x00, 'x' };
	uint64_t t0;

	REQUIRE(established());
	t0 = H.now;
	/* The BMC streams output every 500 ms: no idle keepalive, but
	 * one IPMI request per VCM_ENG_REFRESH_MS. */
	while (H.now < t0 + VCM_ENG_REFRESH_MS + 600) {
		bmc_seal(IPMI_PAYLOAD_SOL, out, sizeof(out));
		pump();
		run_until(H.now + 500);
	}
	CHECK(H.b.n_devid >= 1 && H.b.n_devid <= 2);
	CHECK_INT(H.evcount[ENG_EV_UNREACHABLE], 0);
}

static void
dark_then_back(void)
{
	const struct evrec *e;
	uint64_t t0, t1;

	REQUIRE(established());
	t0 = H.now;
	H.b.dark = 1;
	run_until(t0 + VCM_ENG_KEEPALIVE_MS + VCM_ENG_DEAD_MS + 500);
	CHECK_INT(H.evcount[ENG_EV_UNREACHABLE], 1);
	REQUIRE((e = last_ev(ENG_EV_UNREACHABLE)) != NULL);
	/* The first keepalive went out at +1 s; dark dead_ms after it. */
	CHECK_INT(e->t - t0, VCM_ENG_KEEPALIVE_MS + VCM_ENG_DEAD_MS);
	CHECK(e->t - t0 <= 5000);
	CHECK_INT(e->ev.u.unreachable.silent_ms, e->t - t0);
	CHECK_INT(H.s.state, ENG_S_ACTIVE);
	/* Still retrying, at most once per cap. */
	run_until(t0 + 60000);
	CHECK_INT(H.evcount[ENG_EV_UNREACHABLE], 1);
	CHECK(H.b.n_dropped >= 25 && H.b.n_dropped <= 60 / 2 + 6);
	t1 = H.now;
	H.b.dark = 0;
	run_until(t1 + VCM_ENG_RETRY_CAP_MS);
	CHECK_INT(H.evcount[ENG_EV_REACHABLE], 1);
	REQUIRE((e = last_ev(ENG_EV_REACHABLE)) != NULL);
	CHECK(e->t - t1 <= VCM_ENG_RETRY_CAP_MS);
	/* And keepalives resume normally. */
	run_until(H.now + 5000);
	CHECK_INT(H.evcount[ENG_EV_UNREACHABLE], 1);
}

static void
close_confirmed(void)
{
	const struct evrec *e;

	REQUIRE(established());
	REQUIRE(eng_session_close(&H.s, H.now) == 0);
	run_until(H.now + 10000);
	CHECK_INT(H.s.state, ENG_S_CLOSED);
	REQUIRE((e = last_ev(ENG_EV_CLOSED)) != NULL);
	CHECK_INT(e->ev.u.closed.confirmed, 1);
	CHECK_INT(e->ev.u.closed.answered, 1);
	CHECK_INT(H.b.n_close, 1);
	CHECK(secrets_wiped());
	CHECK(eng_session_next(&H.s) == ENG_NEVER);
	CHECK_INT(eng_session_close(&H.s, H.now), VCM_ESTATE);
	CHECK_INT(H.evcount[ENG_EV_CLOSED], 1);
}

static void
close_lost(void)
{
	const struct evrec *e;
	uint64_t t0;

	REQUIRE(established());
	H.b.no_close_reply = 1;
	t0 = H.now;
	REQUIRE(eng_session_close(&H.s, H.now) == 0);
	run_until(H.now + 60000);
	CHECK_INT(H.s.state, ENG_S_CLOSED);
	REQUIRE((e = last_ev(ENG_EV_CLOSED)) != NULL);
	CHECK_INT(e->ev.u.closed.confirmed, 0);
	CHECK_INT(e->ev.u.closed.answered, 0);
	CHECK_INT(H.b.n_close, VCM_ENG_CLOSE_TRIES);
	CHECK(e->t - t0 <= VCM_ENG_CLOSE_MS);
	CHECK(secrets_wiped());
}

static void
setpriv_refused(void)
{
	const struct evrec *e;

	setup();
	H.b.setpriv_cc = 0x81;
	bmc_connect();
	CHECK_INT(H.s.state, ENG_S_FAILED);
	REQUIRE((e = last_ev(ENG_EV_FAILED)) != NULL);
	CHECK_INT(e->ev.u.failed.reason, ENG_FAIL_PRIV);
	CHECK_INT(e->ev.u.failed.status, 0x81);
	CHECK_INT(e->ev.u.failed.step, ENG_S_SETPRIV);
	CHECK_INT(e->ev.u.failed.bmc_closed, 1);
	CHECK_INT(H.b.n_close, 1);
	CHECK_INT(H.evcount[ENG_EV_ESTABLISHED], 0);
	CHECK(secrets_wiped());
}

static void
sol_both_ways(void)
{
	static const uint8_t sol[] = { 0x01, 0x00, 0x00, 0x00, 'l', 'o',
	    'g', 'i', 'n', ':' };
	const struct evrec *e;

	REQUIRE(established());
	bmc_seal(IPMI_PAYLOAD_SOL, sol, sizeof(sol));
	pump();
	REQUIRE((e = last_ev(ENG_EV_SOL_PACKET)) != NULL);
	CHECK_INT(e->ev.u.sol.len, sizeof(sol));
	CHECK_MEM(e->data, sol, sizeof(sol));
	CHECK_INT(eng_session_send_sol(&H.s, "\x01\x01\x0a\x00ok", 6, H.now),
	    0);
	pump();
	CHECK_INT(H.b.n_sol, 1);
	CHECK_INT(H.b.sol_in_len, 6);
	CHECK_MEM(H.b.sol_in, "\x01\x01\x0a\x00ok", 6);
	CHECK_INT(eng_session_send_sol(&H.s, sol, IPMI_SOL_PKT_MAX + 1,
	    H.now), VCM_ERANGE);
}

static void
nochecksum_quirk(void)
{
	struct eng_config c;
	static const uint8_t ok[] = { 0x00, 0x20 };
	int seq;

	REQUIRE(established());
	H.b.hold = 1;
	H.b.bad_checksum = 1;
	REQUIRE((seq = held_request(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID,
	    H.now + 5000, 1)) >= 0);
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, (uint8_t)seq, ok,
	    sizeof(ok));
	pump();
	CHECK_INT(H.s.stats.drops[ENG_DROP_MSG], 1);
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 0);

	default_config(&c);
	c.quirks = ENG_Q_NOCHECKSUM;
	REQUIRE(setup_cfg(&c) == 0);
	bmc_connect();
	REQUIRE(H.s.state == ENG_S_ACTIVE);
	H.b.hold = 1;
	H.b.bad_checksum = 1;
	REQUIRE((seq = held_request(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID,
	    H.now + 5000, 1)) >= 0);
	bmc_reply(IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, (uint8_t)seq, ok,
	    sizeof(ok));
	pump();
	CHECK_INT(H.evcount[ENG_EV_RESPONSE], 1);
}

static void
api_states(void)
{
	struct eng_config c;

	setup();
	CHECK_INT(eng_session_request(&H.s, 6, 1, NULL, 0, 5000, 1, H.now),
	    VCM_ESTATE);
	CHECK_INT(eng_session_send_sol(&H.s, "x", 1, H.now), VCM_ESTATE);
	CHECK(eng_session_next(&H.s) == ENG_NEVER);
	CHECK_INT(eng_session_start(&H.s, H.now), 0);
	CHECK_INT(eng_session_start(&H.s, H.now), VCM_ESTATE);
	/* Close during the handshake stops at once. */
	CHECK_INT(eng_session_close(&H.s, H.now), 0);
	CHECK_INT(H.s.state, ENG_S_CLOSED);
	CHECK_INT(H.evcount[ENG_EV_CLOSED], 1);
	CHECK(secrets_wiped());
	default_config(&c);
	c.priv = 0;	/* "highest" is never sent (opensesspriv) */
	CHECK_INT(setup_cfg(&c), VCM_EINVAL);
	default_config(&c);
	c.password_len = VCM_IPMI_KEY_MAX + 1;
	CHECK_INT(setup_cfg(&c), VCM_EINVAL);
	CHECK(ENG_S_VALID(ENG_S_FAILED) && !ENG_S_VALID(ENG_S__COUNT));
	CHECK(strcmp(eng_fail_name(ENG_FAIL_NO_SLOTS),
	    "no free session slot on the BMC") == 0);
	CHECK(strcmp(eng_state_name(99), "unknown") == 0);
}

static void
size_bound(void)
{
	printf("#   sizeof(struct eng_session) = %zu\n",
	    sizeof(struct eng_session));
	CHECK(sizeof(struct eng_session) <= ENG_SESSION_SIZE_MAX);
	CHECK(H.max_sent <= VCM_IPMI_DATAGRAM_MAX);
}


/*
 * ---- the engine's idle close, over real UDP ------------------------------
 *
 * The toy BMC above on a loopback socket (127.39.0.2, tests/README.md
 * has no row yet: 127.39.0.0/16 is this file's and engine-close.sh's),
 * the real engine (engine.c) on the same libuv loop with idle_ms 200:
 * one operation, then the idle close, whose Close Session the BMC
 * answers at once. The CLOSED event must say confirmed, and come long
 * before the close's own deadline. The bug: the closing session kept
 * its past idle_at, settle() put it on the heap due at once for ever,
 * libuv re-ran the timer without polling, and nothing was read until
 * the close timed out: every idle close "unconfirmed, answered=no".
 */
#define UE_BMC_ADDR	"127.39.0.2"
#define UE_ENG_ADDR	"127.39.0.1"
#define UE_IDLE_MS	200
#define UE_STOP_MS	1000	/* after the result: well before the
				   close's deadline, VCM_ENG_CLOSE_MS */
#define UE_BOUND_MS	10000

struct ue {
	uv_loop_t	 loop;
	uv_udp_t	 udp;		/* the toy BMC */
	uv_timer_t	 tick;
	struct eng	*e;
	uint64_t	 start, done_at, closed_at, stop_at;
	int		 stopped, results, status;
	int		 active, closed, confirmed, console;
	int		 sent_fail;
	int		 want_console;	/* open a viewer after the result */
	int64_t		 viewer;
	uint64_t	 viewer_at;	/* when it was opened */
	uint8_t		 rx[VCM_IPMI_DATAGRAM_MAX];
};
static struct ue U;

static void
ue_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	(void)h;
	(void)hint;
	buf->base = (char *)U.rx;
	buf->len = sizeof(U.rx);
}

/* A datagram for the toy BMC: answered to its sender at once. */
static void
ue_recv(uv_udp_t *h, ssize_t n, const uv_buf_t *buf,
    const struct sockaddr *from, unsigned flags)
{
	uv_buf_t out;
	int i;

	(void)flags;
	if (n <= 0 || from == NULL || (size_t)n > VCM_IPMI_DATAGRAM_MAX)
		return;
	H.nto_con = 0;
	bmc_recv((const uint8_t *)buf->base, (size_t)n);
	for (i = 0; i < H.nto_con; i++) {
		out = uv_buf_init((char *)H.to_con[i].b,
		    (unsigned int)H.to_con[i].len);
		if (uv_udp_try_send(h, &out, 1, from) < 0)
			U.sent_fail++;
	}
	H.nto_con = 0;
}

static void
ue_result(void *arg, const struct eng_result *r)
{
	(void)arg;
	U.results++;
	U.status = r->status;
	U.done_at = eng_now(U.e);
}

static void
ue_console(void *arg, const struct eng_con_event *ev)
{
	(void)arg;
	(void)ev;
}

static void
ue_session(void *arg, const struct eng_sess_event *ev)
{
	(void)arg;
	if (ev->console) {
		/* The console's own session: only counted. */
		U.console++;
		return;
	}
	if (ev->kind == ENG_SE_ACTIVE) {
		U.active++;
		return;
	}
	U.closed++;
	U.confirmed += ev->confirmed;
	U.closed_at = eng_now(U.e);
}

static void
ue_tick(uv_timer_t *t)
{
	struct eng_counters c;
	struct eng_con_request cr;
	uint64_t now = eng_now(U.e);

	if (U.want_console && U.results > 0 && U.viewer_at == 0) {
		memset(&cr, 0, sizeof(cr));
		cr.type = ENG_MSG_CONSOLE;
		cr.verb = ENG_CON_OPEN;
		cr.bmc = 1;
		U.viewer = eng_console_request(U.e, &cr);
		U.viewer_at = now;
	}
	if (!U.stopped && ((U.results > 0 && now >= U.done_at + UE_STOP_MS) ||
	    now >= U.start + UE_BOUND_MS)) {
		U.stopped = 1;
		U.stop_at = now;
		eng_stop(U.e);
	}
	eng_counters(U.e, &c);
	if (U.stopped && (c.sessions_now == 0 ||
	    now >= U.stop_at + UE_BOUND_MS)) {
		uv_timer_stop(t);
		uv_close((uv_handle_t *)t, NULL);
		uv_udp_recv_stop(&U.udp);
		uv_close((uv_handle_t *)&U.udp, NULL);
	}
}

/*
 * One operation, then either the idle close (idle_ms) or, with
 * want_console and a budget of one session, a console that makes room
 * by closing the warm operation session.
 */
static void
ue_run(uint32_t idle_ms, uint8_t max_sessions, int want_console)
{
	struct sockaddr_in sa;
	struct eng_opts o;
	struct eng_bmc_config bc;
	struct eng_request rq;
	struct eng_counters c;
	int len = sizeof(sa), err = 0;
	int64_t id;

	REQUIRE(setup() == 0);
	memset(&U, 0, sizeof(U));
	U.want_console = want_console;
	REQUIRE(uv_loop_init(&U.loop) == 0);
	REQUIRE(uv_udp_init(&U.loop, &U.udp) == 0);
	REQUIRE(uv_ip4_addr(UE_BMC_ADDR, 0, &sa) == 0);
	REQUIRE(uv_udp_bind(&U.udp, (const struct sockaddr *)&sa, 0) == 0);
	REQUIRE(uv_udp_getsockname(&U.udp, (struct sockaddr *)&sa,
	    &len) == 0);
	REQUIRE(uv_udp_recv_start(&U.udp, ue_alloc, ue_recv) == 0);
	memset(&o, 0, sizeof(o));
	o.bind_addr = UE_ENG_ADDR;
	o.nsockets = 1;
	o.idle_ms = idle_ms;
	o.session_cb = ue_session;
	o.console_cb = ue_console;
	REQUIRE((U.e = eng_new(&U.loop, &o, ue_result, NULL, &err)) != NULL);
	memset(&bc, 0, sizeof(bc));
	bc.addr = ntohl(sa.sin_addr.s_addr);
	bc.port = ntohs(sa.sin_port);
	memcpy(bc.user, USER, strlen(USER));
	memcpy(bc.password, PASSWORD, strlen(PASSWORD));
	bc.password_len = (uint8_t)strlen(PASSWORD);
	bc.max_sessions = max_sessions;
	if (max_sessions == 1)
		memcpy(bc.quirks_override, "sessions=1", 11);
	REQUIRE((id = eng_bmc_add(U.e, &bc)) > 0);
	U.start = eng_now(U.e);
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_OP;
	rq.op = ENG_OP_POWER_STATUS;
	rq.bmc = (uint32_t)id;
	rq.deadline = U.start + 5000;
	REQUIRE(eng_submit(U.e, &rq) == 0);
	REQUIRE(uv_timer_init(&U.loop, &U.tick) == 0);
	REQUIRE(uv_timer_start(&U.tick, ue_tick, 50, 50) == 0);
	(void)uv_run(&U.loop, UV_RUN_DEFAULT);
	eng_counters(U.e, &c);
	eng_free(U.e);
	CHECK_INT(uv_loop_close(&U.loop), 0);

	CHECK_INT(U.results, 1);
	CHECK_INT(U.status, 0);
	CHECK_INT(U.active, 1);
	CHECK_INT(U.closed, 1);
	printf("#   result at %llu ms, viewer at %llu ms, closed at %llu ms, "
	    "stop at %llu ms\n", (unsigned long long)(U.done_at - U.start),
	    (unsigned long long)(U.viewer_at ? U.viewer_at - U.start : 0),
	    (unsigned long long)(U.closed_at - U.start),
	    (unsigned long long)(U.stop_at - U.start));
	/* The operation session closed confirmed, before eng_stop(), and
	 * soon: not at the close's deadline. */
	CHECK_INT(U.confirmed, U.closed);
	CHECK(U.closed_at < U.stop_at);
	if (want_console) {
		CHECK(U.viewer >= 0);
		CHECK(U.closed_at >= U.viewer_at);
		CHECK(U.closed_at < U.viewer_at + 500);
	} else {
		CHECK(U.closed_at >= U.done_at + idle_ms);
		CHECK(U.closed_at < U.done_at + idle_ms + 500);
	}
	CHECK(H.b.n_close >= 1);
	CHECK(c.sessions_opened >= 1);
	CHECK_INT(c.sessions_closed, c.sessions_opened);
	if (!want_console)
		CHECK_INT(c.close_unconfirmed, 0);
	CHECK_INT(U.sent_fail, 0);
}

static void
engine_idle_close_confirmed(void)
{
	ue_run(UE_IDLE_MS, 0, 0);
}

static void
engine_console_room_close_confirmed(void)
{
	ue_run(30000, 1, 1);
}

static const struct test_case tests[] = {
	{ "handshake with suite 17", handshake_suite17 },
	{ "suite 17 refused (11h): fallback to 3", fallback_to_suite3 },
	{ "suite order from caller, unusable suites refused",
	    suite_order_and_refusal },
	{ "no free slot (01h/0Bh): FAILED(no slots)", no_slots },
	{ "wrong password: FAILED, no RAKP3 sent", wrong_password },
	{ "unknown user (0Dh): FAILED(bad user)", wrong_user },
	{ "dark BMC: FAILED(unreachable) at the deadline, backoff",
	    dark_bmc },
	{ "RAKP2 always lost: restarts bounded", dark_after_open },
	{ "lost RAKP2: RAKP1 resent (new tag), no restart",
	    lost_rakp2_resends_rakp1 },
	{ "repeated RAKP1 refused: restart", rakp1_again_refused_restarts },
	{ "damaged answers: resent soon, no backoff, no restart",
	    damaged_answers_resent_soon },
	{ "only garbage: damaged resends bounded", only_garbage_bounded },
	{ "lost RAKP4: RAKP3 resent, no restart", lost_rakp4_resends_rakp3 },
	{ "requests: response matched", request_response },
	{ "reply with wrong rqSeq/cmd/netfn dropped", reply_mismatch_dropped },
	{ "tampered and replayed packets dropped", tampered_and_replayed },
	{ "deadline: REQUEST_FAILED exactly once", deadline_fails_once },
	{ "answer to an earlier copy completes", answer_to_earlier_copy },
	{ "CFh duplicate request ignored", duplicate_cc_ignored },
	{ "table full: VCM_ENOSPC; close fails outstanding", table_full },
	{ "keepalive when idle", keepalive_when_idle },
	{ "sol sends do not hide a dark BMC", sol_sends_do_not_hide_dark },
	{ "sol output still refreshes the session",
	    sol_output_still_refreshes },
	{ "BMC dark: UNREACHABLE, back: REACHABLE", dark_then_back },
	{ "close confirmed", close_confirmed },
	{ "close reply lost", close_lost },
	{ "Set Session Privilege refused: closed, FAILED(priv)",
	    setpriv_refused },
	{ "SOL packets both ways", sol_both_ways },
	{ "ENG_Q_NOCHECKSUM", nochecksum_quirk },
	{ "API state checks", api_states },
	{ "sizeof(struct eng_session) bound", size_bound },
	{ "engine: idle close confirmed over UDP (no timer spin)",
	    engine_idle_close_confirmed },
	{ "engine: console makes room, the close is confirmed",
	    engine_console_room_close_confirmed },
};

TEST_MAIN(tests)
