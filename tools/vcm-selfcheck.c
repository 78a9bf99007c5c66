/*
 * vcm-selfcheck: both ends of complete RMCP+ sessions, in memory, with
 * the wire library alone. A console (what the engine will be) talks to
 * a tiny BMC (what bmcsim will be) through byte buffers: presence ping,
 * Get Channel Authentication Capabilities, Open Session, RAKP 1-4, an
 * encrypted command exchange, a tampered and a replayed packet, SOL in
 * both directions, Close Session and key wiping; for cipher suites 17
 * and 3. Every datagram crosses as bytes, so each step exercises the
 * encoder of one side and the decoder of the other.
 *
 * Output is TAP ("ok N - step"), so `make check` counts it; `make demo`
 * runs it until the daemon exists. Exit 0 only if every step passed.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/cmds.h"
#include "ipmi/codes.h"
#include "ipmi/crypto.h"
#include "ipmi/lan15.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"
#include "ipmi/seqwin.h"
#include "ipmi/sol.h"

#define BMC_USER	"admin"
#define BMC_PASSWORD	"secret"
#define BMC_IANA	0x0002a2	/* the BMC claims to be a Dell */

/* One end of a session: what it sends with and what it accepts. */
struct end {
	const char			*name;
	uint32_t			 my_sid;	/* id the peer sends to */
	uint32_t			 peer_sid;	/* id we send to */
	struct ipmi_session_keys	 keys;
	struct ipmi_seqwin_out		 out;
	struct ipmi_seqwin		 in;
	uint8_t				 rq_seq;
};

/* The toy BMC's state. */
struct bmc {
	struct end		 end;
	struct ipmi_rakp_ctx	 rakp;
	struct ipmi_cipher_suite suite;
	uint8_t			 guid[IPMI_GUID_LEN];
	int			 power_on;
	int			 sol_active;
	struct ipmi_sol_tx	 sol_tx;
	struct ipmi_sol_rx	 sol_rx;
	uint8_t			 serial_in[64];	/* what the host "received" */
	size_t			 serial_in_len;
};

static int steps, failures;

static void
step(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++steps);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void
random_bytes(void *p, size_t n)
{
	if (RAND_bytes(p, (int)n) != 1) {
		fprintf(stderr, "vcm-selfcheck: RAND_bytes failed\n");
		memset(p, 0x5a, n);
		failures++;
	}
}

static uint32_t
random_sid(void)
{
	uint32_t v = 0;

	while (v == 0)	/* session id 0 means "no session" */
		random_bytes(&v, sizeof(v));
	return v;
}

/* Seals a payload from one end into a datagram; returns its length. */
static long
seal(struct end *e, uint8_t type, const void *pl, size_t len, uint8_t *pkt,
    size_t cap)
{
	uint8_t iv[VCM_IPMI_AES_BLOCK];
	struct vbuf_wr w;

	random_bytes(iv, sizeof(iv));
	vbuf_wr_init(&w, pkt, cap);
	if (ipmi_lanplus_seal(&w, &e->keys, type, e->peer_sid,
	    ipmi_seqwin_out_next(&e->out), iv, pl, len) != 0)
		return -1;
	return (long)w.len;
}

/*
 * Opens a datagram addressed to end e with the fixed chain of checks:
 * headers, session id, sequence window (check only), integrity and
 * confidentiality, payload type, and only then the window moves.
 */
static int
unseal(struct end *e, uint8_t type, const uint8_t *pkt, size_t n,
    uint8_t *out, size_t cap, size_t *olen)
{
	struct ipmi_lanplus_hdr h;
	int r;

	if ((r = ipmi_lanplus_peek(pkt, n, &h)) != 0)
		return r;
	if (h.session_id != e->my_sid)
		return VCM_ESESSION;
	if ((r = ipmi_seqwin_check(&e->in, h.seq)) != 0)
		return r;
	if ((r = ipmi_lanplus_decode(pkt, n, &e->keys, &h, out, cap,
	    olen)) != 0)
		return r;
	if (h.payload_type != type)
		return VCM_EPAYLOAD;
	return ipmi_seqwin_accept(&e->in, h.seq);
}

/* Seals an IPMI request or response message (data already encoded). */
static long
seal_msg(struct end *e, const struct ipmi_msg *m, uint8_t *pkt, size_t cap)
{
	uint8_t body[VCM_IPMI_MSG_MAX];
	struct vbuf_wr w;

	vbuf_wr_init(&w, body, sizeof(body));
	if (ipmi_msg_encode(&w, m) != 0)
		return -1;
	return seal(e, IPMI_PAYLOAD_IPMI, body, w.len, pkt, cap);
}

/* The toy BMC answers one decoded request; fills rs data, returns its length. */
static int
bmc_handle(struct bmc *b, const struct ipmi_cmd *c, const struct ipmi_msg *m,
    uint8_t *data, size_t cap)
{
	union {
		struct ipmi_set_session_priv_rq	priv;
		struct ipmi_chassis_control_rq	ctl;
		struct ipmi_activate_payload_rq	act;
		struct ipmi_deactivate_payload_rq deact;
		struct ipmi_close_session_rq	close;
		uint8_t				raw[256];
	} rq;
	union {
		struct ipmi_cc_rs		cc;
		struct ipmi_set_session_priv_rs	priv;
		struct ipmi_get_device_id_rs	devid;
		struct ipmi_get_chassis_status_rs chassis;
		struct ipmi_activate_payload_rs	act;
		uint8_t				raw[256];
	} rs;
	int r;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	if ((r = ipmi_cmd_decode_rq(c, &rq, c->rq_size, m->data,
	    m->data_len)) != 0)
		return r;
	switch (c->cmd | c->netfn << 8) {
	case IPMI_CMD_SET_SESSION_PRIV | IPMI_NETFN_APP << 8:
		rs.priv.priv = rq.priv.priv;
		break;
	case IPMI_CMD_GET_DEVICE_ID | IPMI_NETFN_APP << 8:
		rs.devid.device_id = 0x20;
		rs.devid.fw_major = 2;
		rs.devid.fw_minor = 0x61;
		rs.devid.ipmi_version = 0x02;
		rs.devid.manufacturer_id = BMC_IANA;
		rs.devid.product_id = 0x0100;
		break;
	case IPMI_CMD_CHASSIS_CONTROL | IPMI_NETFN_CHASSIS << 8:
		if (rq.ctl.control == IPMI_CHASSIS_POWER_UP)
			b->power_on = 1;
		else if (rq.ctl.control == IPMI_CHASSIS_POWER_DOWN)
			b->power_on = 0;
		break;
	case IPMI_CMD_GET_CHASSIS_STATUS | IPMI_NETFN_CHASSIS << 8:
		rs.chassis.power_on = (uint8_t)b->power_on;
		rs.chassis.last_ipmi_on = (uint8_t)b->power_on;
		break;
	case IPMI_CMD_ACTIVATE_PAYLOAD | IPMI_NETFN_APP << 8:
		if (b->sol_active) {
			rs.cc.cc = 0x80;	/* already active */
			break;
		}
		b->sol_active = 1;
		ipmi_sol_tx_init(&b->sol_tx);
		ipmi_sol_rx_init(&b->sol_rx);
		rs.act.inbound_size = VCM_SOL_DATA_MAX;
		rs.act.outbound_size = VCM_SOL_DATA_MAX;
		rs.act.port = 623;
		rs.act.vlan = 0xffff;
		break;
	case IPMI_CMD_DEACTIVATE_PAYLOAD | IPMI_NETFN_APP << 8:
		if (!b->sol_active)
			rs.cc.cc = 0x80;	/* already deactivated */
		b->sol_active = 0;
		break;
	case IPMI_CMD_CLOSE_SESSION | IPMI_NETFN_APP << 8:
		if (rq.close.session_id != b->end.my_sid)
			rs.cc.cc = 0x87;	/* invalid session id */
		break;
	default:
		rs.cc.cc = 0xc1;		/* invalid command */
	}
	return ipmi_cmd_encode_rs(c, &rs, c->rs_size, data, cap);
}

/* The BMC opens a request datagram and seals its answer into pkt. */
static long
bmc_serve(struct bmc *b, uint8_t *pkt, size_t n, size_t cap)
{
	uint8_t body[VCM_IPMI_MSG_MAX], data[VCM_IPMI_MSG_DATA_MAX];
	const struct ipmi_cmd *c;
	struct ipmi_msg m, rs;
	size_t blen;
	int len;

	if (unseal(&b->end, IPMI_PAYLOAD_IPMI, pkt, n, body, sizeof(body),
	    &blen) != 0 || ipmi_msg_decode(body, blen, 0, &m) != 0)
		return -1;	/* dropped, as a BMC would */
	if ((c = ipmi_cmd_find(m.netfn, m.cmd)) == NULL)
		return -1;
	if ((len = bmc_handle(b, c, &m, data, sizeof(data))) < 0)
		return -1;
	ipmi_msg_response_to(&m, &rs, data, (size_t)len);
	return seal_msg(&b->end, &rs, pkt, cap);
}

/*
 * The console sends one request through the BMC and decodes the answer
 * into rs (a response struct of size rs_size). Returns 0 or VCM_E*.
 */
static int
transact(struct end *con, struct bmc *b, uint8_t netfn, uint8_t cmd,
    const void *rq, void *rs, size_t rs_size)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], data[VCM_IPMI_MSG_DATA_MAX];
	uint8_t body[VCM_IPMI_MSG_MAX];
	const struct ipmi_cmd *c = ipmi_cmd_find(netfn, cmd);
	struct ipmi_msg m, got;
	size_t blen;
	long n;
	int len, r;

	if (c == NULL)
		return VCM_ECMD;
	if ((len = ipmi_cmd_encode_rq(c, rq, c->rq_size, data,
	    sizeof(data))) < 0)
		return len;
	memset(&m, 0, sizeof(m));
	m.dst_addr = IPMI_BMC_SA;
	m.netfn = netfn;
	m.src_addr = IPMI_REMOTE_SWID;
	m.seq = con->rq_seq = (uint8_t)((con->rq_seq + 1) & IPMI_RQ_SEQ_MAX);
	m.cmd = cmd;
	m.data = data;
	m.data_len = (size_t)len;
	if ((n = seal_msg(con, &m, pkt, sizeof(pkt))) < 0)
		return VCM_EINVAL;
	if ((n = bmc_serve(b, pkt, (size_t)n, sizeof(pkt))) < 0)
		return VCM_ETIMEDOUT;	/* the BMC dropped it */
	if ((r = unseal(con, IPMI_PAYLOAD_IPMI, pkt, (size_t)n, body,
	    sizeof(body), &blen)) != 0)
		return r;
	if ((r = ipmi_msg_decode(body, blen, 0, &got)) != 0)
		return r;
	if (!ipmi_msg_matches(&m, &got))
		return VCM_ECMD;
	return ipmi_cmd_decode_rs(c, rs, rs_size, got.data, got.data_len);
}

/* Presence ping and the pre-session capability query (IPMI 1.5 form). */
static void
pre_session(void)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], data[64], body[64];
	const struct ipmi_cmd *c = ipmi_cmd_find(IPMI_NETFN_APP,
	    IPMI_CMD_GET_CHANNEL_AUTH_CAPS);
	struct ipmi_get_auth_caps_rq rq, brq;
	struct ipmi_get_auth_caps_rs rs;
	struct ipmi_asf_msg ping, got;
	struct ipmi_lan15_hdr h;
	struct ipmi_msg m, bm, rm;
	const uint8_t *msg;
	struct vbuf_wr w, bw;
	size_t len;
	int n, ok;

	memset(&ping, 0, sizeof(ping));
	ping.iana = IPMI_ASF_IANA;
	ping.type = IPMI_ASF_PING;
	ping.tag = 1;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ipmi_asf_encode(&w, &ping) == 0 &&
	    ipmi_datagram_classify(pkt, w.len) == IPMI_DGRAM_ASF &&
	    ipmi_asf_decode(pkt, w.len, &got) == 0 &&
	    got.type == IPMI_ASF_PING;
	got.type = IPMI_ASF_PONG;
	got.entities = IPMI_ASF_ENTITY_IPMI;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ok && ipmi_asf_encode(&w, &got) == 0 &&
	    ipmi_asf_decode(pkt, w.len, &got) == 0 &&
	    (got.entities & IPMI_ASF_ENTITY_IPMI) && got.tag == 1;
	step(ok, "ASF presence ping answered by a pong that says IPMI");

	/* Console: Get Channel Auth Caps, "this channel", v2.0 data, admin. */
	memset(&rq, 0, sizeof(rq));
	rq.channel = 0x0e;
	rq.v20_data = 1;
	rq.priv = IPMI_PRIV_ADMIN;
	n = ipmi_cmd_encode_rq(c, &rq, sizeof(rq), data, sizeof(data));
	memset(&m, 0, sizeof(m));
	m.dst_addr = IPMI_BMC_SA;
	m.netfn = IPMI_NETFN_APP;
	m.src_addr = IPMI_REMOTE_SWID;
	m.cmd = IPMI_CMD_GET_CHANNEL_AUTH_CAPS;
	m.data = data;
	m.data_len = n > 0 ? (size_t)n : 0;
	vbuf_wr_init(&bw, body, sizeof(body));
	memset(&h, 0, sizeof(h));
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = n > 0 && ipmi_msg_encode(&bw, &m) == 0 &&
	    ipmi_lan15_encode(&w, &h, body, bw.len) == 0;

	/* BMC: decode, answer "IPMI 2.0, non-null users, no 1.5 auth". */
	ok = ok && ipmi_datagram_classify(pkt, w.len) == IPMI_DGRAM_LAN15 &&
	    ipmi_lan15_decode(pkt, w.len, &h, &msg, &len) == 0 &&
	    ipmi_msg_decode(msg, len, 0, &bm) == 0 &&
	    ipmi_cmd_decode_rq(c, &brq, sizeof(brq), bm.data,
	    bm.data_len) == 0 && brq.v20_data == 1;
	memset(&rs, 0, sizeof(rs));
	rs.channel = 1;
	rs.v20_ext = 1;
	rs.ipmi20 = 1;
	rs.non_null_users = 1;
	n = ipmi_cmd_encode_rs(c, &rs, sizeof(rs), data, sizeof(data));
	ipmi_msg_response_to(&bm, &rm, data, n > 0 ? (size_t)n : 0);
	vbuf_wr_init(&bw, body, sizeof(body));
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ok && n > 0 && ipmi_msg_encode(&bw, &rm) == 0 &&
	    ipmi_lan15_encode(&w, &h, body, bw.len) == 0;

	/* Console: the reply must match the request and offer IPMI 2.0. */
	memset(&rs, 0, sizeof(rs));
	ok = ok && ipmi_lan15_decode(pkt, w.len, &h, &msg, &len) == 0 &&
	    ipmi_msg_decode(msg, len, 0, &rm) == 0 &&
	    ipmi_msg_matches(&m, &rm) &&
	    ipmi_cmd_decode_rs(c, &rs, sizeof(rs), rm.data, rm.data_len) == 0 &&
	    rs.cc == 0 && rs.ipmi20 && !rs.anon_login;
	step(ok, "Get Channel Authentication Capabilities: IPMI 2.0, "
	    "no anonymous login");
}

/* Open Session and RAKP 1-4 between a console and the BMC. */
static int
handshake(struct end *con, struct bmc *b, uint8_t suite_id)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], pl[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_open_session_rq orq;
	struct ipmi_open_session_rs ors;
	struct ipmi_rakp1 r1;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;
	struct ipmi_rakp_ctx ctx;
	struct ipmi_cipher_suite cs;
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;
	size_t len, n;
	int ok;

	ipmi_cipher_suite_lookup(suite_id, &cs);
	memset(&ctx, 0, sizeof(ctx));
	ctx.auth = cs.auth;
	ctx.sid_m = con->my_sid = random_sid();

	/* Open Session: exact privilege (opensesspriv), suite by algorithms. */
	memset(&orq, 0, sizeof(orq));
	orq.tag = 1;
	orq.max_priv = IPMI_PRIV_ADMIN;
	orq.sid_m = ctx.sid_m;
	orq.auth = cs.auth;
	orq.integ = cs.integ;
	orq.conf = cs.conf;
	memset(&h, 0, sizeof(h));
	h.payload_type = IPMI_PAYLOAD_OPEN_SESSION_RQ;
	vbuf_wr_init(&w, pl, sizeof(pl));
	ipmi_open_session_rq_encode(&w, &orq);
	len = w.len;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0;
	/* BMC side. */
	ok = ok && ipmi_lanplus_decode(pkt, w.len, NULL, &h, pl, sizeof(pl),
	    &n) == 0 && h.payload_type == IPMI_PAYLOAD_OPEN_SESSION_RQ &&
	    ipmi_open_session_rq_decode(pl, n, &orq) == 0;
	b->suite = cs;
	memset(&ors, 0, sizeof(ors));
	ors.tag = orq.tag;
	ors.max_priv = orq.max_priv;
	ors.sid_m = orq.sid_m;
	ors.sid_c = b->end.my_sid = random_sid();
	ors.auth = orq.auth;
	ors.integ = orq.integ;
	ors.conf = orq.conf;
	b->end.peer_sid = orq.sid_m;
	h.payload_type = IPMI_PAYLOAD_OPEN_SESSION_RS;
	vbuf_wr_init(&w, pl, sizeof(pl));
	ipmi_open_session_rs_encode(&w, &ors);
	len = w.len;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ok && ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0;
	/* Console: status 0 and the algorithms we asked for, echoed. */
	ok = ok && ipmi_lanplus_decode(pkt, w.len, NULL, &h, pl, sizeof(pl),
	    &n) == 0 && ipmi_open_session_rs_decode(pl, n, &ors) == 0 &&
	    ors.status == 0 && ors.sid_m == ctx.sid_m && ors.auth == cs.auth &&
	    ors.integ == cs.integ && ors.conf == cs.conf;
	ctx.sid_c = con->peer_sid = ors.sid_c;
	step(ok, "suite %u: Open Session accepted (console id %08x, BMC id "
	    "%08x)", suite_id, ctx.sid_m, ctx.sid_c);

	/* RAKP1 -> RAKP2. */
	random_bytes(ctx.rm, sizeof(ctx.rm));
	ctx.role = IPMI_PRIV_ADMIN | IPMI_ROLE_NAME_ONLY;
	ipmi_rakp_ctx_set_creds(&ctx, BMC_USER, BMC_PASSWORD,
	    strlen(BMC_PASSWORD), NULL, 0);
	memset(&r1, 0, sizeof(r1));
	r1.tag = 2;
	r1.sid_c = ctx.sid_c;
	memcpy(r1.rm, ctx.rm, sizeof(r1.rm));
	r1.role = ctx.role;
	r1.user_len = ctx.user_len;
	memcpy(r1.user, ctx.user, ctx.user_len);
	h.payload_type = IPMI_PAYLOAD_RAKP1;
	vbuf_wr_init(&w, pl, sizeof(pl));
	ipmi_rakp1_encode(&w, &r1);
	len = w.len;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0;
	/* BMC: the user exists; Rc, GUID, and the RAKP2 code with Kuid. */
	ok = ok && ipmi_lanplus_decode(pkt, w.len, NULL, &h, pl, sizeof(pl),
	    &n) == 0 && ipmi_rakp1_decode(pl, n, &r1) == 0 &&
	    r1.sid_c == b->end.my_sid && r1.user_len == strlen(BMC_USER) &&
	    memcmp(r1.user, BMC_USER, r1.user_len) == 0;
	memset(&b->rakp, 0, sizeof(b->rakp));
	b->rakp.auth = b->suite.auth;
	b->rakp.sid_m = b->end.peer_sid;
	b->rakp.sid_c = b->end.my_sid;
	memcpy(b->rakp.rm, r1.rm, sizeof(r1.rm));
	random_bytes(b->rakp.rc, sizeof(b->rakp.rc));
	memcpy(b->rakp.guid_c, b->guid, sizeof(b->guid));
	b->rakp.role = r1.role;
	ipmi_rakp_ctx_set_creds(&b->rakp, BMC_USER, BMC_PASSWORD,
	    strlen(BMC_PASSWORD), NULL, 0);
	memset(&r2, 0, sizeof(r2));
	r2.tag = r1.tag;
	r2.sid_m = b->rakp.sid_m;
	memcpy(r2.rc, b->rakp.rc, sizeof(r2.rc));
	memcpy(r2.guid_c, b->guid, sizeof(r2.guid_c));
	ok = ok && ipmi_rakp2_code(&b->rakp, r2.code, &n) == 0;
	r2.code_len = (uint8_t)n;
	h.payload_type = IPMI_PAYLOAD_RAKP2;
	vbuf_wr_init(&w, pl, sizeof(pl));
	ipmi_rakp2_encode(&w, &r2);
	len = w.len;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ok && ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0;
	/* Console: verify the BMC knows the password before going on. */
	ok = ok && ipmi_lanplus_decode(pkt, w.len, NULL, &h, pl, sizeof(pl),
	    &n) == 0 && ipmi_rakp2_decode(pl, n, &r2) == 0 && r2.status == 0 &&
	    r2.sid_m == ctx.sid_m;
	memcpy(ctx.rc, r2.rc, sizeof(ctx.rc));
	memcpy(ctx.guid_c, r2.guid_c, sizeof(ctx.guid_c));
	ok = ok && ipmi_rakp2_check(&ctx, r2.code, r2.code_len) == 0;
	step(ok, "suite %u: RAKP2 key exchange code verified (%u bytes, "
	    "constant-time compare)", suite_id, r2.code_len);

	/* RAKP3 -> RAKP4. */
	memset(&r3, 0, sizeof(r3));
	r3.tag = 3;
	r3.sid_c = ctx.sid_c;
	ok = ipmi_rakp3_code(&ctx, r3.code, &n) == 0;
	r3.code_len = (uint8_t)n;
	h.payload_type = IPMI_PAYLOAD_RAKP3;
	vbuf_wr_init(&w, pl, sizeof(pl));
	ipmi_rakp3_encode(&w, &r3);
	len = w.len;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ok && ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0;
	/* BMC: check RAKP3, derive SIK/K1/K2, answer with the ICV. */
	ok = ok && ipmi_lanplus_decode(pkt, w.len, NULL, &h, pl, sizeof(pl),
	    &n) == 0 && ipmi_rakp3_decode(pl, n, &r3) == 0 &&
	    ipmi_rakp3_check(&b->rakp, r3.code, r3.code_len) == 0 &&
	    ipmi_keys_derive(&b->end.keys, &b->rakp, &b->suite) == 0;
	memset(&r4, 0, sizeof(r4));
	r4.tag = r3.tag;
	r4.sid_m = b->rakp.sid_m;
	ok = ok && ipmi_rakp4_icv(&b->rakp, b->end.keys.sik, r4.icv, &n) == 0;
	r4.icv_len = (uint8_t)n;
	ipmi_rakp_ctx_wipe(&b->rakp);
	h.payload_type = IPMI_PAYLOAD_RAKP4;
	vbuf_wr_init(&w, pl, sizeof(pl));
	ipmi_rakp4_encode(&w, &r4);
	len = w.len;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	ok = ok && ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0;
	/* Console: derive the same keys and check the BMC's ICV. */
	ok = ok && ipmi_lanplus_decode(pkt, w.len, NULL, &h, pl, sizeof(pl),
	    &n) == 0 && ipmi_rakp4_decode(pl, n, &r4) == 0 &&
	    r4.status == 0 && ipmi_keys_derive(&con->keys, &ctx, &cs) == 0 &&
	    ipmi_rakp4_check(&ctx, con->keys.sik, r4.icv, r4.icv_len) == 0 &&
	    memcmp(con->keys.k1, b->end.keys.k1, con->keys.hash_len) == 0;
	ipmi_rakp_ctx_wipe(&ctx);
	step(ok, "suite %u: RAKP3 accepted, RAKP4 ICV verified, both ends "
	    "hold the same SIK/K1/K2", suite_id);
	ipmi_seqwin_out_init(&con->out);
	ipmi_seqwin_init(&con->in);
	ipmi_seqwin_out_init(&b->end.out);
	ipmi_seqwin_init(&b->end.in);
	return ok ? 0 : -1;
}

/* Commands over the established session, and hostile packets. */
static void
commands(struct end *con, struct bmc *b, uint8_t suite)
{
	struct ipmi_set_session_priv_rq prq = { IPMI_PRIV_ADMIN };
	struct ipmi_set_session_priv_rs prs;
	struct ipmi_no_data none = { 0 };
	struct ipmi_get_device_id_rs dev;
	struct ipmi_chassis_control_rq ctl = { IPMI_CHASSIS_POWER_UP };
	struct ipmi_cc_rs cc;
	struct ipmi_get_chassis_status_rs st;
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], copy[VCM_IPMI_DATAGRAM_MAX];
	uint8_t out[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_msg m;
	size_t olen;
	long n;
	int r;

	memset(&prs, 0, sizeof(prs));
	r = transact(con, b, IPMI_NETFN_APP, IPMI_CMD_SET_SESSION_PRIV, &prq,
	    &prs, sizeof(prs));
	step(r == 0 && prs.cc == 0 && prs.priv == IPMI_PRIV_ADMIN,
	    "suite %u: Set Session Privilege Level: administrator", suite);

	memset(&dev, 0, sizeof(dev));
	r = transact(con, b, IPMI_NETFN_APP, IPMI_CMD_GET_DEVICE_ID, &none,
	    &dev, sizeof(dev));
	step(r == 0 && dev.cc == 0 && dev.manufacturer_id == BMC_IANA &&
	    dev.ipmi_version == 0x02, "suite %u: Get Device ID (encrypted): "
	    "IANA %u, firmware %u.%02x, IPMI %u.%u", suite,
	    dev.manufacturer_id, dev.fw_major, dev.fw_minor,
	    dev.ipmi_version & 0xf, dev.ipmi_version >> 4);

	r = transact(con, b, IPMI_NETFN_CHASSIS, IPMI_CMD_CHASSIS_CONTROL,
	    &ctl, &cc, sizeof(cc));
	memset(&st, 0, sizeof(st));
	r = r ? r : transact(con, b, IPMI_NETFN_CHASSIS,
	    IPMI_CMD_GET_CHASSIS_STATUS, &none, &st, sizeof(st));
	step(r == 0 && cc.cc == 0 && st.power_on == 1, "suite %u: Chassis "
	    "Control power up, then Get Chassis Status says on", suite);

	/* A request with one flipped ciphertext bit is dropped by the BMC. */
	memset(&m, 0, sizeof(m));
	m.dst_addr = IPMI_BMC_SA;
	m.netfn = IPMI_NETFN_APP;
	m.src_addr = IPMI_REMOTE_SWID;
	m.cmd = IPMI_CMD_GET_DEVICE_ID;
	n = seal_msg(con, &m, pkt, sizeof(pkt));
	memcpy(copy, pkt, sizeof(copy));
	pkt[40] ^= 0x01;
	r = unseal(&b->end, IPMI_PAYLOAD_IPMI, pkt, (size_t)n, out,
	    sizeof(out), &olen);
	step(n > 0 && r == VCM_EAUTH, "suite %u: tampered packet rejected "
	    "(%s)", suite, vcm_strerror(r));
	/* The genuine packet opens once; the same bytes again are a replay. */
	r = unseal(&b->end, IPMI_PAYLOAD_IPMI, copy, (size_t)n, out,
	    sizeof(out), &olen);
	step(r == 0, "suite %u: the untampered packet is accepted", suite);
	r = unseal(&b->end, IPMI_PAYLOAD_IPMI, copy, (size_t)n, out,
	    sizeof(out), &olen);
	step(r == VCM_ESEQ, "suite %u: the same packet replayed is rejected "
	    "(%s)", suite, vcm_strerror(r));
}

/* SOL: activation, host output to the console, keystrokes to the host. */
static void
sol(struct end *con, struct bmc *b, uint8_t suite)
{
	static const char banner[] = "\r\nvcm-demo login: ";
	struct ipmi_activate_payload_rq act;
	struct ipmi_activate_payload_rs ars;
	struct ipmi_deactivate_payload_rq deact;
	struct ipmi_cc_rs cc;
	struct ipmi_sol_pkt p, got;
	struct ipmi_sol_rx rx;
	struct ipmi_sol_rx_res res;
	struct ipmi_sol_tx tx;
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], pl[IPMI_SOL_PKT_MAX];
	uint8_t screen[64];
	size_t n, screen_len = 0;
	uint8_t accepted = 0;
	long len;
	int r, ok;

	memset(&act, 0, sizeof(act));
	act.payload_type = IPMI_PAYLOAD_SOL;
	act.instance = 1;
	act.sol_encrypt = act.sol_auth = 1;
	memset(&ars, 0, sizeof(ars));
	r = transact(con, b, IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, &act,
	    &ars, sizeof(ars));
	step(r == 0 && ars.cc == 0 && b->sol_active, "suite %u: Activate "
	    "Payload SOL instance 1 (encrypted, authenticated)", suite);
	r = transact(con, b, IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, &act,
	    &ars, sizeof(ars));
	step(r == 0 && ars.cc == 0x80, "suite %u: a second activation gets "
	    "%02Xh (%s)", suite, ars.cc,
	    ipmi_cc_name_cmd(IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD, ars.cc));

	/* BMC -> console: the host's login prompt. */
	memset(&p, 0, sizeof(p));
	p.seq = (uint8_t)ipmi_sol_tx_send(&b->sol_tx, strlen(banner));
	p.data = (const uint8_t *)banner;
	p.len = strlen(banner);
	r = ipmi_sol_encode(&p, IPMI_SOL_TO_CONSOLE, pl, sizeof(pl));
	len = r > 0 ? seal(&b->end, IPMI_PAYLOAD_SOL, pl, (size_t)r, pkt,
	    sizeof(pkt)) : -1;
	ipmi_sol_rx_init(&rx);
	ok = len > 0 && unseal(con, IPMI_PAYLOAD_SOL, pkt, (size_t)len, pl,
	    sizeof(pl), &n) == 0 &&
	    ipmi_sol_decode(pl, n, IPMI_SOL_TO_CONSOLE, &got) == 0 &&
	    ipmi_sol_rx_packet(&rx, &got, sizeof(screen), &res) == 0 &&
	    res.kind == IPMI_SOL_RX_NEW && res.send_ack;
	if (ok) {
		memcpy(screen, got.data + res.off, res.len);
		screen_len = res.len;
	}
	/* Console -> BMC: ACK it together with the keystrokes "root\r". */
	ipmi_sol_tx_init(&tx);
	memset(&p, 0, sizeof(p));
	p.seq = (uint8_t)ipmi_sol_tx_send(&tx, 5);
	p.ack_seq = res.ack_seq;
	p.accepted = res.accepted;
	p.data = (const uint8_t *)"root\r";
	p.len = 5;
	r = ipmi_sol_encode(&p, IPMI_SOL_TO_BMC, pl, sizeof(pl));
	len = ok && r > 0 ? seal(con, IPMI_PAYLOAD_SOL, pl, (size_t)r, pkt,
	    sizeof(pkt)) : -1;
	ok = ok && len > 0 && unseal(&b->end, IPMI_PAYLOAD_SOL, pkt,
	    (size_t)len, pl, sizeof(pl), &n) == 0 &&
	    ipmi_sol_decode(pl, n, IPMI_SOL_TO_BMC, &got) == 0 &&
	    ipmi_sol_tx_ack(&b->sol_tx, &got, &accepted) == IPMI_SOL_TX_FULL &&
	    accepted == strlen(banner) &&
	    ipmi_sol_rx_packet(&b->sol_rx, &got, sizeof(b->serial_in),
	    &res) == 0 && res.len == 5;
	if (ok) {
		memcpy(b->serial_in, got.data + res.off, res.len);
		b->serial_in_len = res.len;
	}
	step(ok && screen_len == strlen(banner) &&
	    memcmp(screen, banner, screen_len) == 0 &&
	    b->serial_in_len == 5 && memcmp(b->serial_in, "root\r", 5) == 0,
	    "suite %u: SOL: console shows \"vcm-demo login: \", host received "
	    "\"root\\r\", both ACKed in full", suite);

	memset(&deact, 0, sizeof(deact));
	deact.payload_type = IPMI_PAYLOAD_SOL;
	deact.instance = 1;
	r = transact(con, b, IPMI_NETFN_APP, IPMI_CMD_DEACTIVATE_PAYLOAD,
	    &deact, &cc, sizeof(cc));
	step(r == 0 && cc.cc == 0 && !b->sol_active, "suite %u: Deactivate "
	    "Payload", suite);
}

static void
session(uint8_t suite)
{
	struct ipmi_close_session_rq close;
	struct ipmi_cc_rs cc;
	struct end con;
	struct bmc b;
	static const uint8_t zero[sizeof(struct ipmi_session_keys)];
	int r;

	memset(&con, 0, sizeof(con));
	con.name = "console";
	memset(&b, 0, sizeof(b));
	b.end.name = "bmc";
	random_bytes(b.guid, sizeof(b.guid));
	if (handshake(&con, &b, suite) != 0)
		return;
	commands(&con, &b, suite);
	sol(&con, &b, suite);
	memset(&close, 0, sizeof(close));
	close.session_id = b.end.my_sid;
	r = transact(&con, &b, IPMI_NETFN_APP, IPMI_CMD_CLOSE_SESSION, &close,
	    &cc, sizeof(cc));
	ipmi_keys_wipe(&con.keys);
	ipmi_keys_wipe(&b.end.keys);
	step(r == 0 && cc.cc == 0 && memcmp(&con.keys, zero, sizeof(zero)) == 0,
	    "suite %u: Close Session; session keys wiped on both ends", suite);
}

int
main(void)
{
	struct ipmi_cipher_suite cs;
	int id, refused = 0;

	printf("# vcm-selfcheck: a console and a BMC, both built from "
	    "lib/ipmi, talking through bytes in memory\n");
	for (id = 0; id < 20; id++) {
		ipmi_cipher_suite_lookup((uint8_t)id, &cs);
		if (ipmi_cipher_suite_usable(&cs) != 0)
			refused++;
	}
	ipmi_cipher_suite_lookup(0, &cs);
	step(refused == 18 && ipmi_cipher_suite_usable(&cs) == VCM_EINSECURE,
	    "cipher suites: 17 and 3 usable, the other 18 refused (suite 0: "
	    "%s)", vcm_strerror(ipmi_cipher_suite_usable(&cs)));
	pre_session();
	session(17);
	session(3);
	printf("1..%d\n", steps);
	printf("# %d steps, %d failed\n", steps, failures);
	return failures ? 1 : 0;
}
