/*
 * The BMC side of RMCP+: presence pings, session-less messages, Open
 * Session and RAKP 1-4, the session table, and the fixed chain of checks
 * every session packet passes before anything in it is used: session id,
 * peer address, sequence window (check only), integrity and pad,
 * decryption, payload type, and only then the window moves.
 */
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/wipe.h"
#include "ipmi/cmds.h"
#include "ipmi/lan15.h"
#include "ipmi/rakp.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"
#include "quirks.h"
#include "sim.h"

/* RMCP+ status codes we answer with (IPMI 2.0 table 13-15). */
#define ST_NO_RESOURCES		0x01
#define ST_INVALID_SID		0x02
#define ST_INVALID_ROLE		0x09
#define ST_UNAUTH_ROLE		0x0a
#define ST_UNAUTH_NAME		0x0d
#define ST_INVALID_ICV		0x0f
#define ST_NO_SUITE		0x11

int
sim_session_slot(const struct bmc *b, const struct sim_session *s)
{
	return (int)(s - b->sessions);
}

int
sim_session_count(const struct bmc *b)
{
	int i, n = 0;

	if (b->sessions == NULL)
		return 0;
	for (i = 0; i < b->nslots; i++)
		if (b->sessions[i].state != SIM_SS_FREE)
			n++;
	return n;
}

/* Frees a slot: SOL first (it may outlive us by quirk), then the keys. */
void
sim_session_close(struct bmc *b, struct sim_session *s)
{
	if (s->state == SIM_SS_FREE)
		return;
	sim_sol_session_gone(b, s);
	if (s->rakp != NULL) {
		ipmi_rakp_ctx_wipe(s->rakp);
		free(s->rakp);
	}
	ipmi_keys_wipe(&s->keys);
	memset(s, 0, sizeof(*s));
}

/* Ends sessions whose handshake stalled or that went idle. */
void
sim_session_tick(struct bmc *b, uint64_t now)
{
	struct sim_session *s;
	uint64_t limit;
	int i;

	if (b->sessions == NULL)
		return;
	for (i = 0; i < b->nslots; i++) {
		s = &b->sessions[i];
		if (s->state == SIM_SS_FREE)
			continue;
		limit = s->state == SIM_SS_ACTIVE ? b->session_timeout_ms :
		    (b->session_timeout_ms < SIM_SETUP_TIMEOUT_MS ?
		    b->session_timeout_ms : SIM_SETUP_TIMEOUT_MS);
		if (now - s->last_ms >= limit)
			sim_session_close(b, s);
	}
}

static struct sim_session *
find_session(struct bmc *b, uint32_t sid_c)
{
	int i;

	if (b->sessions == NULL || sid_c == 0)
		return NULL;
	for (i = 0; i < b->nslots; i++)
		if (b->sessions[i].state != SIM_SS_FREE &&
		    b->sessions[i].sid_c == sid_c)
			return &b->sessions[i];
	return NULL;
}

static struct sim_session *
new_session(struct bmc *b)
{
	uint32_t sid;
	int i;

	if (b->sessions == NULL &&
	    (b->sessions = calloc(b->nslots, sizeof(*b->sessions))) == NULL)
		return NULL;
	for (i = 0; i < b->nslots; i++) {
		if (b->sessions[i].state != SIM_SS_FREE)
			continue;
		do {
			sim_random_bytes(&sid, sizeof(sid));
		} while (sid == 0 || find_session(b, sid) != NULL);
		b->sessions[i].sid_c = sid;
		b->sessions[i].handle = (uint8_t)(i + 1);
		return &b->sessions[i];
	}
	return NULL;
}

/* Sends a pre-session payload (Open Session response, RAKP 2 and 4). */
static void
send_setup(struct bmc *b, const struct sockaddr_in *to, uint8_t type,
    const uint8_t *pl, size_t len)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;

	memset(&h, 0, sizeof(h));
	h.payload_type = type;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if (ipmi_lanplus_encode(&w, &h, NULL, NULL, pl, len) == 0)
		sim_send(b, to, pkt, w.len);
}

/* Seals a payload into a session packet and sends it to the session's peer. */
int
sim_seal(struct bmc *b, struct sim_session *s, uint8_t type,
    const uint8_t *pl, size_t len)
{
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], iv[VCM_IPMI_AES_BLOCK];
	struct vbuf_wr w;
	int r;

	if (s->keys.conf != IPMI_CONF_NONE)
		sim_random_bytes(iv, sizeof(iv));
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if ((r = ipmi_lanplus_seal(&w, &s->keys, type, s->sid_m,
	    ipmi_seqwin_out_next(&s->out), iv, pl, len)) != 0)
		return r;
	sim_send(b, &s->peer, pkt, w.len);
	return 0;
}

/* Is suite id offered by this BMC right now? */
static int
suite_offered(const struct bmc *b, uint8_t id)
{
	if (id == 0)
		return (b->quirks & SIM_Q_INSECURE_CS0) != 0;
	if (id != 3 && id != 17)
		return 0;	/* the only suites we can run */
	return (b->prof->suites >> id) & 1;
}

/* Finds the offered suite whose algorithms the console proposed. */
static int
pick_suite(const struct bmc *b, const struct ipmi_open_session_rq *rq,
    uint8_t *id)
{
	struct ipmi_cipher_suite cs;
	uint8_t i;

	for (i = 0; i < 20; i++) {
		if (!suite_offered(b, i) ||
		    ipmi_cipher_suite_lookup(i, &cs) != 0)
			continue;
		if (cs.auth == rq->auth && cs.integ == rq->integ &&
		    cs.conf == rq->conf) {
			*id = i;
			return 0;
		}
	}
	return -1;
}

/* A session still in setup that this console socket asked for with this id. */
static struct sim_session *
find_opening(struct bmc *b, uint32_t sid_m, const struct sockaddr_in *from)
{
	int i;

	if (b->sessions == NULL)
		return NULL;
	for (i = 0; i < b->nslots; i++)
		/*
		 * The same socket, not just the same host: ipmitool gives
		 * every session the console id a0a2a3a4, so concurrent
		 * clients on one host differ only by their port.
		 */
		if (b->sessions[i].state == SIM_SS_OPEN &&
		    b->sessions[i].sid_m == sid_m &&
		    b->sessions[i].peer.sin_addr.s_addr ==
		    from->sin_addr.s_addr &&
		    b->sessions[i].peer.sin_port == from->sin_port)
			return &b->sessions[i];
	return NULL;
}

static void
open_session(struct bmc *b, const uint8_t *pl, size_t len,
    const struct sockaddr_in *from)
{
	struct ipmi_open_session_rq rq;
	struct ipmi_open_session_rs rs;
	struct sim_session *s = NULL;
	uint8_t out[64], suite = 0;
	struct vbuf_wr w;

	if (ipmi_open_session_rq_decode(pl, len, &rq) != 0)
		return;
	memset(&rs, 0, sizeof(rs));
	rs.tag = rq.tag;
	rs.sid_m = rq.sid_m;
	/* "Highest" is answered with the level it means here. */
	rs.max_priv = rq.max_priv == IPMI_PRIV_HIGHEST ? IPMI_PRIV_ADMIN :
	    rq.max_priv;
	if (pick_suite(b, &rq, &suite) != 0)
		rs.status = ST_NO_SUITE;
	else if ((b->quirks & SIM_Q_CS17_ONLY) && suite != 17)
		rs.status = ST_NO_RESOURCES;	/* what Intel M50CYP says */
	else if (rq.sid_m == 0)
		rs.status = ST_INVALID_SID;
	/*
	 * A retransmitted request (our response was lost) gets the same
	 * session again, not a second slot.
	 */
	else if ((s = find_opening(b, rq.sid_m, from)) == NULL &&
	    (s = new_session(b)) == NULL)
		rs.status = ST_NO_RESOURCES;
	if (rs.status == 0) {
		s->state = SIM_SS_OPEN;
		s->suite = suite;
		s->open_priv = rq.max_priv;
		s->sid_m = rq.sid_m;
		s->peer = *from;
		s->last_ms = sim_now(b->sim);
		rs.sid_c = s->sid_c;
		rs.auth = rq.auth;
		rs.integ = rq.integ;
		rs.conf = rq.conf;
		sim_busy(b);
	}
	vbuf_wr_init(&w, out, sizeof(out));
	if (ipmi_open_session_rs_encode(&w, &rs) == 0)
		send_setup(b, from, IPMI_PAYLOAD_OPEN_SESSION_RS, out, w.len);
}

/* The user a RAKP1 names: by name only, or by name and privilege. */
static int
find_user(const struct bmc *b, const struct ipmi_rakp1 *r1)
{
	const struct sim_user *u;
	uint8_t priv = r1->role & 0x0f;
	int i;

	for (i = 0; i < b->prof->nusers; i++) {
		u = &b->prof->users[i];
		if (!u->enabled || strlen(u->name) != r1->user_len ||
		    memcmp(u->name, r1->user, r1->user_len) != 0)
			continue;
		if (!(r1->role & IPMI_ROLE_NAME_ONLY) && priv > u->priv)
			continue;
		return i;
	}
	return -1;
}

static void
rakp1(struct bmc *b, const uint8_t *pl, size_t len,
    const struct sockaddr_in *from)
{
	struct ipmi_cipher_suite cs;
	struct ipmi_rakp1 r1;
	struct ipmi_rakp2 r2;
	struct sim_session *s;
	const struct sim_user *u;
	struct ipmi_rakp_ctx *c;
	uint8_t out[96], priv;
	struct vbuf_wr w;
	size_t n = 0;
	int ui;

	if (ipmi_rakp1_decode(pl, len, &r1) != 0)
		return;
	if ((s = find_session(b, r1.sid_c)) == NULL ||
	    (s->state != SIM_SS_OPEN && s->state != SIM_SS_RAKP2))
		return;		/* unknown session: drop, as BMCs do */
	memset(&r2, 0, sizeof(r2));
	r2.tag = r1.tag;
	r2.sid_m = s->sid_m;
	priv = r1.role & 0x0f;
	ui = find_user(b, &r1);
	if (priv < IPMI_PRIV_CALLBACK || priv > IPMI_PRIV_OEM)
		r2.status = ST_INVALID_ROLE;
	else if (ui < 0)
		r2.status = ST_UNAUTH_NAME;
	else if (priv > b->prof->users[ui].priv)
		r2.status = ST_UNAUTH_ROLE;
	if (r2.status != 0) {
		vbuf_wr_init(&w, out, sizeof(out));
		if (ipmi_rakp2_encode(&w, &r2) == 0)
			send_setup(b, from, IPMI_PAYLOAD_RAKP2, out, w.len);
		sim_session_close(b, s);
		return;
	}
	u = &b->prof->users[ui];
	if (s->rakp == NULL && (s->rakp = calloc(1, sizeof(*s->rakp))) == NULL)
		return;
	c = s->rakp;
	ipmi_cipher_suite_lookup(s->suite, &cs);
	c->auth = cs.auth;
	c->sid_m = s->sid_m;
	c->sid_c = s->sid_c;
	memcpy(c->rm, r1.rm, sizeof(c->rm));
	sim_random_bytes(c->rc, sizeof(c->rc));
	memcpy(c->guid_c, b->guid, sizeof(c->guid_c));
	c->role = r1.role;
	if (b->quirks & SIM_Q_OPENSESSPRIV) {
		/*
		 * Sun ILOM, Supermicro X8, ipmi_sim: the keys use the Open
		 * Session privilege ("highest" meaning administrator), not
		 * RAKP1's. A console that asks for less without sending the
		 * exact level in Open Session fails its RAKP2 check.
		 */
		c->role = (uint8_t)((r1.role & IPMI_ROLE_NAME_ONLY) |
		    (s->open_priv == 0 ? IPMI_PRIV_ADMIN : s->open_priv));
	}
	ipmi_rakp_ctx_set_creds(c, u->name, u->password, u->password_len,
	    NULL, 0);
	memcpy(r2.rc, c->rc, sizeof(r2.rc));
	memcpy(r2.guid_c, b->guid, sizeof(r2.guid_c));
	if (cs.auth != IPMI_AUTH_NONE &&
	    ipmi_rakp2_code(c, r2.code, &n) != 0)
		return;
	r2.code_len = (uint8_t)n;
	s->user = (uint8_t)ui;
	s->max_priv = priv;
	s->state = SIM_SS_RAKP2;
	s->peer = *from;
	s->last_ms = sim_now(b->sim);
	vbuf_wr_init(&w, out, sizeof(out));
	if (ipmi_rakp2_encode(&w, &r2) == 0)
		send_setup(b, from, IPMI_PAYLOAD_RAKP2, out, w.len);
}

static void
rakp3(struct bmc *b, const uint8_t *pl, size_t len,
    const struct sockaddr_in *from)
{
	struct ipmi_cipher_suite cs;
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;
	struct sim_session *s;
	uint8_t out[64];
	struct vbuf_wr w;
	size_t n = 0;
	int ok;

	if (ipmi_rakp3_decode(pl, len, &r3) != 0)
		return;
	if ((s = find_session(b, r3.sid_c)) == NULL)
		return;
	/*
	 * A repeated RAKP3 means our RAKP4 was lost: send it again, as long
	 * as the console has not used the session yet (FreeIPMI retransmits
	 * RAKP3 and never restarts the handshake).
	 */
	if (s->state == SIM_SS_ACTIVE && s->rakp4_len > 0 &&
	    s->in.state == IPMI_SEQWIN_EMPTY) {
		/* Each retransmission has its own message tag to echo. */
		s->rakp4[0] = r3.tag;
		send_setup(b, from, IPMI_PAYLOAD_RAKP4, s->rakp4, s->rakp4_len);
		return;
	}
	if (s->state != SIM_SS_RAKP2 || s->rakp == NULL)
		return;
	if (r3.status != 0) {		/* the console refused our RAKP2 */
		sim_session_close(b, s);
		return;
	}
	memset(&r4, 0, sizeof(r4));
	r4.tag = r3.tag;
	r4.sid_m = s->sid_m;
	ipmi_cipher_suite_lookup(s->suite, &cs);
	if (cs.auth == IPMI_AUTH_NONE) {
		/* Suite 0: no proof of the password at all (CVE-2013-4782). */
		ok = 1;
		memset(&s->keys, 0, sizeof(s->keys));
	} else {
		ok = ipmi_rakp3_check(s->rakp, r3.code, r3.code_len) == 0 &&
		    ipmi_keys_derive(&s->keys, s->rakp, &cs) == 0 &&
		    ipmi_rakp4_icv(s->rakp, s->keys.sik, r4.icv, &n) == 0;
	}
	if (!ok) {
		r4.status = ST_INVALID_ICV;
		vbuf_wr_init(&w, out, sizeof(out));
		if (ipmi_rakp4_encode(&w, &r4) == 0)
			send_setup(b, from, IPMI_PAYLOAD_RAKP4, out, w.len);
		sim_session_close(b, s);
		return;
	}
	r4.icv_len = (uint8_t)n;
	ipmi_rakp_ctx_wipe(s->rakp);
	free(s->rakp);
	s->rakp = NULL;
	s->state = SIM_SS_ACTIVE;
	/* A session starts at User level until Set Session Privilege. */
	s->priv = s->max_priv < IPMI_PRIV_USER ? s->max_priv : IPMI_PRIV_USER;
	s->last_ms = sim_now(b->sim);
	ipmi_seqwin_init(&s->in);
	ipmi_seqwin_out_init(&s->out);
	vbuf_wr_init(&w, out, sizeof(out));
	if (ipmi_rakp4_encode(&w, &r4) == 0 && w.len <= sizeof(s->rakp4)) {
		memcpy(s->rakp4, out, w.len);
		s->rakp4_len = (uint8_t)w.len;
		send_setup(b, from, IPMI_PAYLOAD_RAKP4, out, w.len);
	}
}

/* An ASF presence ping gets a pong that says "IPMI supported". */
static void
asf(struct bmc *b, const uint8_t *p, size_t n, const struct sockaddr_in *from)
{
	struct ipmi_asf_msg m;
	uint8_t out[64];
	struct vbuf_wr w;

	if (ipmi_asf_decode(p, n, &m) != 0 || m.type != IPMI_ASF_PING)
		return;
	m.type = IPMI_ASF_PONG;
	m.oem_iana = 0;
	m.oem_defined = 0;
	m.entities = IPMI_ASF_ENTITY_IPMI | 0x01;	/* IPMI, ASF 1.0 */
	m.interactions = 0;
	vbuf_wr_init(&w, out, sizeof(out));
	if (ipmi_asf_encode(&w, &m) == 0)
		sim_send(b, from, out, w.len);
}

/* Answers a session-less IPMI message; returns the response message length. */
static int
sessionless_reply(struct bmc *b, const uint8_t *msg, size_t len,
    uint8_t *out, size_t cap)
{
	uint8_t data[VCM_IPMI_MSG_DATA_MAX];
	struct ipmi_msg m, rs;
	struct vbuf_wr w;
	int n;

	if (ipmi_msg_decode(msg, len, 0, &m) != 0 ||
	    IPMI_NETFN_IS_RESPONSE(m.netfn))
		return -1;
	if ((n = sim_cmd_sessionless(b, &m, data, sizeof(data))) < 0)
		return -1;
	ipmi_msg_response_to(&m, &rs, data, (size_t)n);
	vbuf_wr_init(&w, out, cap);
	if (ipmi_msg_encode(&w, &rs) != 0)
		return -1;
	return (int)w.len;
}

/* IPMI 1.5 framing: only session-less messages (no 1.5 logins here). */
static void
lan15(struct bmc *b, const uint8_t *p, size_t n, const struct sockaddr_in *from)
{
	uint8_t msg[VCM_IPMI_MSG_MAX], pkt[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lan15_hdr h;
	const uint8_t *in;
	struct vbuf_wr w;
	size_t len;
	int r;

	if (ipmi_lan15_decode(p, n, &h, &in, &len) != 0 ||
	    h.auth_type != IPMI_AUTHTYPE_NONE || h.session_id != 0)
		return;
	if ((r = sessionless_reply(b, in, len, msg, sizeof(msg))) < 0)
		return;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if (ipmi_lan15_encode(&w, &h, msg, (size_t)r) == 0)
		sim_send(b, from, pkt, w.len);
}

/* A packet of an established session, through the chain of checks. */
static void
session_packet(struct bmc *b, const struct ipmi_lanplus_hdr *peek,
    const uint8_t *p, size_t n, const struct sockaddr_in *from)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct sim_session *s;
	struct ipmi_msg m;
	size_t len;

	if ((s = find_session(b, peek->session_id)) == NULL ||
	    s->state != SIM_SS_ACTIVE)
		goto drop;
	if (from->sin_addr.s_addr != s->peer.sin_addr.s_addr)
		goto drop;
	if (ipmi_seqwin_check(&s->in, peek->seq) != 0)
		goto drop;
	if (ipmi_lanplus_decode(p, n, &s->keys, &h, pl, sizeof(pl),
	    &len) != 0)
		goto drop;
	if (h.payload_type != IPMI_PAYLOAD_IPMI &&
	    h.payload_type != IPMI_PAYLOAD_SOL)
		goto drop;
	if (ipmi_seqwin_accept(&s->in, h.seq) != 0)
		goto drop;
	/* Replies go where the console is now (FreeIPMI changes ports). */
	s->peer = *from;
	s->last_ms = sim_now(b->sim);
	if (h.payload_type == IPMI_PAYLOAD_SOL) {
		sim_sol_packet(b, s, pl, len);
		return;
	}
	if (ipmi_msg_decode(pl, len, 0, &m) != 0 ||
	    IPMI_NETFN_IS_RESPONSE(m.netfn))
		goto drop;
	sim_cmd_dispatch(b, s, &m);
	return;
drop:
	b->sim->dropped++;
}

static void
lanplus(struct bmc *b, const uint8_t *p, size_t n,
    const struct sockaddr_in *from)
{
	uint8_t pl[VCM_IPMI_DATAGRAM_MAX], msg[VCM_IPMI_MSG_MAX];
	struct ipmi_lanplus_hdr h;
	size_t len;
	int r;

	if (ipmi_lanplus_peek(p, n, &h) != 0)
		return;
	if (h.session_id != 0) {
		session_packet(b, &h, p, n, from);
		return;
	}
	if (ipmi_lanplus_decode(p, n, NULL, &h, pl, sizeof(pl), &len) != 0)
		return;
	switch (h.payload_type) {
	case IPMI_PAYLOAD_OPEN_SESSION_RQ:
		open_session(b, pl, len, from);
		break;
	case IPMI_PAYLOAD_RAKP1:
		rakp1(b, pl, len, from);
		break;
	case IPMI_PAYLOAD_RAKP3:
		rakp3(b, pl, len, from);
		break;
	case IPMI_PAYLOAD_IPMI:
		/* Session-less RMCP+ (Get Channel Cipher Suites before login). */
		if ((r = sessionless_reply(b, pl, len, msg, sizeof(msg))) >= 0)
			send_setup(b, from, IPMI_PAYLOAD_IPMI, msg, (size_t)r);
		break;
	default:
		break;
	}
}

void
sim_recv(struct bmc *b, const uint8_t *p, size_t n,
    const struct sockaddr_in *from)
{
	switch (ipmi_datagram_classify(p, n)) {
	case IPMI_DGRAM_ASF:
		asf(b, p, n, from);
		break;
	case IPMI_DGRAM_LAN15:
		lan15(b, p, n, from);
		break;
	case IPMI_DGRAM_LANPLUS:
		lanplus(b, p, n, from);
		break;
	default:
		b->sim->dropped++;
		break;
	}
}
