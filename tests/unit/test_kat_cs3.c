/*
 * Cipher suite 3 known answers from a real session: ipmitool 1.8.19 and
 * OpenIPMI 2.0.33's ipmi_sim on loopback, captured by
 * tests/tools/udp-relay.py into tests/data/kat/cs3-ipmitool-ipmisim.cap
 * (the header there records versions, date and command). Every code and
 * every packet below was computed by those two programs, not by vcm, so
 * our RAKP checks, key derivation, integrity and AES agree with the
 * peers only if each of them is right. User admin, password secret, no
 * Kg; GUID a123456789abcdefa123456789abcdef from lan.conf.
 *
 * The SIK/K1/K2 constants were also computed with Python's hmac module
 * (not our code); that they open every packet proves them.
 */
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/crypto.h"
#include "ipmi/lan15.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"
#include "test.h"

struct cap_dgram {
	int		 to_bmc;	/* 1: ipmitool -> ipmi_sim */
	const char	*hex;
};

/* The capture, in order (file lines 16..37). */
static const struct cap_dgram cap[] = {
	/*  0 */ { 1, "0600ff07000000000000000000092018c88100388e04b5" },
	/*  1 */ { 0,
	    "0600ff0700000000000000000010811c632000380001840403000000"
	    "001c" },
	/*  2 */ { 1,
	    "0600ff0706100000000000000000200000000000a4a3a2a000000008"
	    "0100000001000008010000000200000801000000" },
	/*  3 */ { 0,
	    "0600ff0706110000000000000000240000000000a4a3a2a002000000"
	    "000000080100000001000008010000000200000801000000" },
	/*  4 */ { 1,
	    "0600ff07061200000000000000002100000000000200000005313b85"
	    "47ca471232b8c01ec767817d1400000561646d696e" },
	/*  5 */ { 0,
	    "0600ff07061300000000000000003c0000000000a4a3a2a079f1a94c"
	    "b2b6cb66a0c58b23429f4e69a123456789abcdefa123456789abcdef"
	    "5343636ca2d061064185a3d2762942c8e9d4b3ee" },
	/*  6 */ { 1,
	    "0600ff07061400000000000000001c0000000000020000000962396f"
	    "e45941aec8602d69759f91fe8733936b" },
	/*  7 */ { 0,
	    "0600ff0706150000000000000000140000000000a4a3a2a0e2c9dc67"
	    "e5fe4eb6391b758b" },
	/*  8 */ { 1,
	    "0600ff0706c0020000000300000020001a9ccbab1aac462b2ea88ee6"
	    "eb5a5ed1073329a68d70aac5601b4bb8d9f6b89effff02079d78fce1"
	    "4371a80b309ded40" },
	/*  9 */ { 0,
	    "0600ff0706c0a4a3a2a00100000020009a97a742b748c87b0b4cbad4"
	    "d41732070042da2af974fc61f83051019868b972ffff0207771a56f6"
	    "ce80ebd00af8bf71" },
	/* 10 */ { 1,
	    "0600ff0706c00200000004000000200068f375469313cbe54bc341f0"
	    "62a16aa9206bbcb364e81292c714c7bc20f2c9f5ffff020740ee5e18"
	    "fe44230daafc8154" },
	/* 11 */ { 0,
	    "0600ff0706c0a4a3a2a00200000020003b4af3f1965d79f0ca4c9acc"
	    "ace3d68111afd210d68a7daf2230542d2330a595ffff0207427c323f"
	    "27dd5c34eeb8921d" },
	/* 12 */ { 1,
	    "0600ff0706c002000000050000002000c13c09be5271f3d29d72f921"
	    "deed090046a83f37a136b3a11cc21f18c19473f4ffff0207eb3e1ff4"
	    "2a2bdf11d394a1bc" },
	/* 13 */ { 0,
	    "0600ff0706c0a4a3a2a0030000003000312def427d623bfedeadfdc4"
	    "063cf25d1bf3f3018053f0e604fd71dca474ffc944c45083a21f6261"
	    "207ffa5cbe74c91fffff0207914d63dd07007c50f85538a1" },
	/* 14 */ { 1,
	    "0600ff0706c002000000060000002000c32f40421f8af0234b519c9b"
	    "794e43d058aef84d7eea01f6e4d0dec051e78343ffff02077447fb3b"
	    "27b6b8dccc483992" },
	/* 15 */ { 0,
	    "0600ff0706c0a4a3a2a0040000002000451a96f219fe967acf5b4e42"
	    "a8269ac83e275b95351c24a907e632510c3a848affff020785272596"
	    "71b5c4c5f777fa82" },
	/* 16 */ { 1,
	    "0600ff0706c002000000070000002000331cb1a9554699d04983252b"
	    "57793d65bbc39887126984bae8e4f808a4386b0affff020752e39b99"
	    "f3e4e39fbf07d62c" },
	/* 17 */ { 0,
	    "0600ff0706c0a4a3a2a00500000020005951274053f73b758279ec6e"
	    "c805cfea8df1aca4b16554bfb1b0864ac07cd887ffff0207427d20a8"
	    "a116f5ed180666b9" },
	/* 18 */ { 1,
	    "0600ff0706c0020000000800000020005d473cbb75851420c7eb3435"
	    "809f24da90ad4d93582d00c3993158df3ff9e0f6ffff0207e4b642b9"
	    "46229639382f7848" },
	/* 19 */ { 0,
	    "0600ff0706c0a4a3a2a006000000300093faf34446b558f23264488b"
	    "c6a4acf48e12c919793492a46cd3ec063ca39f896c1fc17efae998e5"
	    "f4227a697d6958d3ffff02075440bc64bddf9d69b09f4e3e" },
	/* 20 */ { 1,
	    "0600ff0706c002000000090000002000ba7b9dc2c61e925108a01422"
	    "4316fcaa42f1a07ca745da677f8f24cb536865a1ffff0207ac7a874d"
	    "982c9d575f100778" },
	/* 21 */ { 0,
	    "0600ff0706c0a4a3a2a00700000020004cbdfad2a7c6474f1222f396"
	    "1d61d7bfcc188590cae3151569df536f66601698ffff0207821f2a58"
	    "aaf235480eebb9cf" },
};
#define NCAP		(sizeof(cap) / sizeof(cap[0]))
/* Indices of the session-setup messages and the first session packet. */
#define I_GETAUTH_RQ	0
#define I_GETAUTH_RS	1
#define I_OSRQ		2
#define I_OSRS		3
#define I_RAKP1		4
#define I_RAKP2		5
#define I_RAKP3		6
#define I_RAKP4		7
#define I_FIRST		8

/*
 * The plaintext IPMI message in each session packet (I_FIRST on), as
 * ipmi_sim and ipmitool sent it: Set Session Privilege (admin), two
 * PICMG/DCMI probes ipmi_sim refuses (CC C1h), Get Device ID, another
 * probe pair, Get Device ID again, Close Session (SIDc 2).
 */
static const char *const plain_hex[] = {
	"2018c881043b043c",
	"811c6320043b00049d",
	"20b03081083e000237",
	"81b4cb20083ec1d9",
	"2018c8810c0172",
	"811c63200c010000030908029f911200020f000000006a",
	"20b030811000006f",
	"81b4cb201000c10f",
	"20b0308114000368",
	"81b4cb201400c10b",
	"2018c881180166",
	"811c632018010000030908029f911200020f000000005e",
	"2018c8811c3c0200000025",
	"811c63201c3c0088",
};

#define SIDM		0xa0a2a3a4u	/* ipmitool's id */
#define SIDC		0x00000002u	/* ipmi_sim's id */
#define SIK_HEX		"26b015a1cc1518f23cdc12363553db2978a556ee"
#define K1_HEX		"c62b945ce22493bc738b755309b90ccd2334d449"
#define K2_HEX		"5763ab320becc9c4e24e4f66dbb9dce490cf66c3"

/* Get Device ID response data (after the completion code) ipmitool showed. */
static const uint8_t devid[] = {
	0x00,			/* device id 0 */
	0x03,			/* device revision 3 */
	0x09, 0x08,		/* firmware 9.08 */
	0x02,			/* IPMI 2.0 */
	0x9f,			/* sensor, SDR, SEL, FRU, IPMB receiver, chassis */
	0x91, 0x12, 0x00,	/* manufacturer 4753 (MontaVista) */
	0x02, 0x0f,		/* product 0x0f02 */
	0x00, 0x00, 0x00, 0x00,	/* aux firmware revision */
};

static size_t
dgram(size_t i, uint8_t *out, size_t cap_len)
{
	long n = test_unhex(cap[i].hex, out, cap_len);

	if (n < 0) {
		printf("#   bad hex in cap[%zu]\n", i);
		test_failed = 1;
		return 0;
	}
	return (size_t)n;
}

/* Opens a pre-session packet i and returns its payload. */
static size_t
setup_payload(size_t i, uint8_t type, uint8_t *out, size_t cap_len)
{
	uint8_t b[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	size_t n = dgram(i, b, sizeof(b)), len = 0;

	CHECK_INT(ipmi_lanplus_decode(b, n, NULL, &h, out, cap_len, &len), 0);
	CHECK_INT(h.payload_type, type);
	CHECK_INT(h.session_id, 0);
	return len;
}

/*
 * Fills the RAKP context from the capture the way a console would:
 * algorithms and SIDc from Open Session, Rm and role from RAKP1, Rc and
 * GUID from RAKP2; credentials are the caller's.
 */
static void
load_ctx(struct ipmi_rakp_ctx *c, const char *password,
    struct ipmi_rakp2 *r2, struct ipmi_rakp3 *r3, struct ipmi_rakp4 *r4)
{
	uint8_t p[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_open_session_rq osrq;
	struct ipmi_open_session_rs osrs;
	struct ipmi_rakp1 r1;
	size_t n;

	memset(c, 0, sizeof(*c));
	n = setup_payload(I_OSRQ, IPMI_PAYLOAD_OPEN_SESSION_RQ, p, sizeof(p));
	CHECK_INT(ipmi_open_session_rq_decode(p, n, &osrq), 0);
	n = setup_payload(I_OSRS, IPMI_PAYLOAD_OPEN_SESSION_RS, p, sizeof(p));
	CHECK_INT(ipmi_open_session_rs_decode(p, n, &osrs), 0);
	n = setup_payload(I_RAKP1, IPMI_PAYLOAD_RAKP1, p, sizeof(p));
	CHECK_INT(ipmi_rakp1_decode(p, n, &r1), 0);
	n = setup_payload(I_RAKP2, IPMI_PAYLOAD_RAKP2, p, sizeof(p));
	CHECK_INT(ipmi_rakp2_decode(p, n, r2), 0);
	n = setup_payload(I_RAKP3, IPMI_PAYLOAD_RAKP3, p, sizeof(p));
	CHECK_INT(ipmi_rakp3_decode(p, n, r3), 0);
	n = setup_payload(I_RAKP4, IPMI_PAYLOAD_RAKP4, p, sizeof(p));
	CHECK_INT(ipmi_rakp4_decode(p, n, r4), 0);

	CHECK_INT(ipmi_rakp_ctx_set_creds(c, "admin", password,
	    strlen(password), NULL, 0), 0);
	c->auth = osrs.auth;
	c->sid_m = osrq.sid_m;
	c->sid_c = osrs.sid_c;
	memcpy(c->rm, r1.rm, sizeof(c->rm));
	memcpy(c->rc, r2->rc, sizeof(c->rc));
	memcpy(c->guid_c, r2->guid_c, sizeof(c->guid_c));
	/* The whole role byte, name-only bit (0x10) included. */
	c->role = r1.role;
}

/* Derives the session keys for the captured session. */
static int
load_keys(struct ipmi_session_keys *k, const char *password)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_cipher_suite cs;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;
	int r;

	load_ctx(&c, password, &r2, &r3, &r4);
	CHECK_INT(ipmi_cipher_suite_lookup(3, &cs), 0);
	r = ipmi_keys_derive(k, &c, &cs);
	ipmi_rakp_ctx_wipe(&c);
	return r;
}

static void
setup_messages(void)
{
	uint8_t p[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_open_session_rq osrq;
	struct ipmi_open_session_rs osrs;
	struct ipmi_rakp1 r1;
	const uint8_t *m;
	struct ipmi_lan15_hdr h15;
	struct ipmi_msg msg;
	size_t n, mlen;

	/* Get Channel Auth Caps, IPMI 1.5 framing, before any session. */
	n = dgram(I_GETAUTH_RQ, p, sizeof(p));
	CHECK_INT(ipmi_datagram_classify(p, n), IPMI_DGRAM_LAN15);
	REQUIRE(ipmi_lan15_decode(p, n, &h15, &m, &mlen) == 0);
	REQUIRE(ipmi_msg_decode(m, mlen, 0, &msg) == 0);
	CHECK_INT(msg.netfn, IPMI_NETFN_APP);
	CHECK_INT(msg.cmd, 0x38);
	n = dgram(I_GETAUTH_RS, p, sizeof(p));
	REQUIRE(ipmi_lan15_decode(p, n, &h15, &m, &mlen) == 0);
	REQUIRE(ipmi_msg_decode(m, mlen, 0, &msg) == 0);
	CHECK_INT(msg.cmd, 0x38);
	REQUIRE(msg.data_len >= 3);
	CHECK_INT(msg.data[0], 0);
	CHECK(msg.data[2] & 0x80);	/* IPMI 2.0 extended capabilities */

	n = setup_payload(I_OSRQ, IPMI_PAYLOAD_OPEN_SESSION_RQ, p, sizeof(p));
	REQUIRE(ipmi_open_session_rq_decode(p, n, &osrq) == 0);
	CHECK_INT(osrq.sid_m, SIDM);
	/* ipmitool 1.8.19 asks for "highest" (0), not admin, here. */
	CHECK_INT(osrq.max_priv, IPMI_PRIV_HIGHEST);
	CHECK_INT(osrq.auth, IPMI_AUTH_HMAC_SHA1);
	CHECK_INT(osrq.integ, IPMI_INTEG_HMAC_SHA1_96);
	CHECK_INT(osrq.conf, IPMI_CONF_AES_CBC_128);
	n = setup_payload(I_OSRS, IPMI_PAYLOAD_OPEN_SESSION_RS, p, sizeof(p));
	REQUIRE(ipmi_open_session_rs_decode(p, n, &osrs) == 0);
	CHECK_INT(osrs.status, 0);
	CHECK_INT(osrs.sid_m, SIDM);
	CHECK_INT(osrs.sid_c, SIDC);
	CHECK_INT(osrs.auth, IPMI_AUTH_HMAC_SHA1);
	CHECK_INT(osrs.integ, IPMI_INTEG_HMAC_SHA1_96);
	CHECK_INT(osrs.conf, IPMI_CONF_AES_CBC_128);
	n = setup_payload(I_RAKP1, IPMI_PAYLOAD_RAKP1, p, sizeof(p));
	REQUIRE(ipmi_rakp1_decode(p, n, &r1) == 0);
	CHECK_INT(r1.sid_c, SIDC);
	CHECK_INT(r1.role, IPMI_PRIV_ADMIN | IPMI_ROLE_NAME_ONLY);
	CHECK_INT(r1.user_len, 5);
	CHECK_MEM(r1.user, "admin", 5);
}

static void
rakp2_from_bmc(void)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;
	uint8_t code[VCM_IPMI_HASH_MAX];
	size_t n = 0;

	load_ctx(&c, "secret", &r2, &r3, &r4);
	CHECK_INT(r2.status, 0);
	CHECK_INT(r2.sid_m, SIDM);
	CHECK_INT(r2.code_len, 20);
	REQUIRE(ipmi_rakp2_code(&c, code, &n) == 0);
	CHECK_INT(n, 20);
	CHECK_MEM(code, r2.code, 20);
	CHECK_INT(ipmi_rakp2_check(&c, r2.code, r2.code_len), 0);
	ipmi_rakp_ctx_wipe(&c);
}

static void
rakp3_from_console(void)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;
	uint8_t code[VCM_IPMI_HASH_MAX];
	size_t n = 0;

	load_ctx(&c, "secret", &r2, &r3, &r4);
	CHECK_INT(r3.status, 0);
	CHECK_INT(r3.sid_c, SIDC);
	CHECK_INT(r3.code_len, 20);
	REQUIRE(ipmi_rakp3_code(&c, code, &n) == 0);
	CHECK_INT(n, 20);
	CHECK_MEM(code, r3.code, 20);
	CHECK_INT(ipmi_rakp3_check(&c, r3.code, r3.code_len), 0);
	ipmi_rakp_ctx_wipe(&c);
}

static void
keys_and_rakp4(void)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_cipher_suite cs;
	struct ipmi_session_keys k;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;
	uint8_t want[20], icv[VCM_IPMI_HASH_MAX];
	size_t n = 0;

	load_ctx(&c, "secret", &r2, &r3, &r4);
	REQUIRE(ipmi_cipher_suite_lookup(3, &cs) == 0);
	REQUIRE(ipmi_keys_derive(&k, &c, &cs) == 0);
	CHECK_INT(k.hash_len, 20);
	REQUIRE(test_unhex(SIK_HEX, want, sizeof(want)) == 20);
	CHECK_MEM(k.sik, want, 20);
	REQUIRE(test_unhex(K1_HEX, want, sizeof(want)) == 20);
	CHECK_MEM(k.k1, want, 20);
	REQUIRE(test_unhex(K2_HEX, want, sizeof(want)) == 20);
	CHECK_MEM(k.k2, want, 20);
	CHECK_INT(r4.status, 0);
	CHECK_INT(r4.sid_m, SIDM);
	CHECK_INT(r4.icv_len, 12);
	REQUIRE(ipmi_rakp4_icv(&c, k.sik, icv, &n) == 0);
	CHECK_INT(n, 12);
	CHECK_MEM(icv, r4.icv, 12);
	CHECK_INT(ipmi_rakp4_check(&c, k.sik, r4.icv, r4.icv_len), 0);
	ipmi_keys_wipe(&k);
	ipmi_rakp_ctx_wipe(&c);
}

/* Every session packet, both directions: integrity, AES, IPMI message. */
static void
open_every_packet(void)
{
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	struct ipmi_msg m, rq;
	uint8_t b[VCM_IPMI_DATAGRAM_MAX], out[VCM_IPMI_DATAGRAM_MAX];
	uint8_t want[VCM_IPMI_DATAGRAM_MAX];
	size_t i, n, len;
	long wn;
	int nrq = 0, nrs = 0, ndevid = 0;

	REQUIRE(sizeof(plain_hex) / sizeof(plain_hex[0]) == NCAP - I_FIRST);
	REQUIRE(load_keys(&k, "secret") == 0);
	memset(&rq, 0, sizeof(rq));
	for (i = I_FIRST; i < NCAP; i++) {
		n = dgram(i, b, sizeof(b));
		len = 0;
		CHECK_INT(ipmi_lanplus_decode(b, n, &k, &h, out, sizeof(out),
		    &len), 0);
		CHECK(h.encrypted && h.authenticated);
		CHECK_INT(h.payload_type, IPMI_PAYLOAD_IPMI);
		/* Addressed with the receiver's id. */
		CHECK_INT(h.session_id, cap[i].to_bmc ? SIDC : SIDM);
		wn = test_unhex(plain_hex[i - I_FIRST], want, sizeof(want));
		REQUIRE(wn > 0);
		CHECK_INT(len, wn);
		CHECK_MEM(out, want, (size_t)wn);
		REQUIRE(ipmi_msg_decode(out, len, 0, &m) == 0);
		if (cap[i].to_bmc) {
			CHECK_INT(m.dst_addr, IPMI_BMC_SA);
			CHECK_INT(m.src_addr, IPMI_REMOTE_SWID);
			rq = m;
			nrq++;
			continue;
		}
		CHECK(ipmi_msg_matches(&rq, &m));
		nrs++;
		if (m.netfn == IPMI_NETFN_APP + 1 && m.cmd == 0x01) {
			REQUIRE(m.data_len == 1 + sizeof(devid));
			CHECK_INT(m.data[0], 0);
			CHECK_MEM(m.data + 1, devid, sizeof(devid));
			ndevid++;
		}
	}
	CHECK_INT(nrq, 7);
	CHECK_INT(nrs, 7);
	CHECK_INT(ndevid, 2);
	ipmi_keys_wipe(&k);
}

/* Byte offset of the payload (IV first) in a non-OEM RMCP+ datagram. */
#define PAYLOAD_OFF	(IPMI_RMCP_HDR_LEN + 12)

static void
flipped_mac_rejected(void)
{
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	uint8_t b[VCM_IPMI_DATAGRAM_MAX], out[VCM_IPMI_DATAGRAM_MAX];
	size_t n, len;

	REQUIRE(load_keys(&k, "secret") == 0);
	n = dgram(I_FIRST + 5, b, sizeof(b));	/* Get Device ID response */
	b[n - 1] ^= 0x01;
	CHECK_INT(ipmi_lanplus_decode(b, n, &k, &h, out, sizeof(out), &len),
	    VCM_EAUTH);
	CHECK_INT(len, 0);
	b[n - 1] ^= 0x01;
	b[n - 12] ^= 0x80;			/* first AuthCode byte */
	CHECK_INT(ipmi_lanplus_decode(b, n, &k, &h, out, sizeof(out), &len),
	    VCM_EAUTH);
	ipmi_keys_wipe(&k);
}

/* Re-signs a modified packet with K1, as an attacker who had K1 could. */
static void
resign(const struct ipmi_session_keys *k, uint8_t *b, size_t n)
{
	CHECK_INT(ipmi_integrity_mac(k, b + IPMI_RMCP_HDR_LEN,
	    n - IPMI_RMCP_HDR_LEN - 12, b + n - 12), 0);
}

static void
flipped_ciphertext_rejected(void)
{
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	struct ipmi_msg m;
	uint8_t b[VCM_IPMI_DATAGRAM_MAX], out[VCM_IPMI_DATAGRAM_MAX];
	size_t n, len;

	REQUIRE(load_keys(&k, "secret") == 0);
	/* The MAC covers the ciphertext: a flip there fails integrity. */
	n = dgram(I_FIRST + 5, b, sizeof(b));
	b[PAYLOAD_OFF + 16] ^= 0x04;
	CHECK_INT(ipmi_lanplus_decode(b, n, &k, &h, out, sizeof(out), &len),
	    VCM_EAUTH);

	/*
	 * Past a valid MAC, the decryption checks still hold: a flip in the
	 * last ciphertext block garbles the confidentiality pad...
	 */
	n = dgram(I_FIRST + 5, b, sizeof(b));
	b[PAYLOAD_OFF + 16 + 16] ^= 0x04;	/* 2nd (last) block of 2 */
	resign(&k, b, n);
	CHECK_INT(ipmi_lanplus_decode(b, n, &k, &h, out, sizeof(out), &len),
	    VCM_EPAD);
	/* ...and a flip in the IV flips one plaintext bit: a bad checksum. */
	n = dgram(I_FIRST + 5, b, sizeof(b));
	b[PAYLOAD_OFF + 3] ^= 0x01;		/* src address: chk2 fails */
	resign(&k, b, n);
	REQUIRE(ipmi_lanplus_decode(b, n, &k, &h, out, sizeof(out), &len) == 0);
	CHECK_INT(ipmi_msg_decode(out, len, 0, &m), VCM_ECHECKSUM);
	ipmi_keys_wipe(&k);
}

static void
flipped_rakp_codes_rejected(void)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_cipher_suite cs;
	struct ipmi_session_keys k;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;

	load_ctx(&c, "secret", &r2, &r3, &r4);
	r2.code[7] ^= 0x10;
	CHECK_INT(ipmi_rakp2_check(&c, r2.code, r2.code_len), VCM_EAUTH);
	r2.code[7] ^= 0x10;
	/* A truncated code is a mismatch too, not a shorter compare. */
	CHECK_INT(ipmi_rakp2_check(&c, r2.code, r2.code_len - 1), VCM_EAUTH);
	r3.code[19] ^= 0x01;
	CHECK_INT(ipmi_rakp3_check(&c, r3.code, r3.code_len), VCM_EAUTH);
	REQUIRE(ipmi_cipher_suite_lookup(3, &cs) == 0);
	REQUIRE(ipmi_keys_derive(&k, &c, &cs) == 0);
	r4.icv[0] ^= 0x01;
	CHECK_INT(ipmi_rakp4_check(&c, k.sik, r4.icv, r4.icv_len), VCM_EAUTH);
	ipmi_keys_wipe(&k);
	ipmi_rakp_ctx_wipe(&c);
}

static void
wrong_password_rejected(void)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_cipher_suite cs;
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp3 r3;
	struct ipmi_rakp4 r4;
	uint8_t b[VCM_IPMI_DATAGRAM_MAX], out[VCM_IPMI_DATAGRAM_MAX];
	size_t n, len;

	/* "secreT": one bit away from the real password. */
	load_ctx(&c, "secreT", &r2, &r3, &r4);
	CHECK_INT(ipmi_rakp2_check(&c, r2.code, r2.code_len), VCM_EAUTH);
	CHECK_INT(ipmi_rakp3_check(&c, r3.code, r3.code_len), VCM_EAUTH);
	REQUIRE(ipmi_cipher_suite_lookup(3, &cs) == 0);
	REQUIRE(ipmi_keys_derive(&k, &c, &cs) == 0);
	CHECK_INT(ipmi_rakp4_check(&c, k.sik, r4.icv, r4.icv_len), VCM_EAUTH);
	n = dgram(I_FIRST, b, sizeof(b));
	CHECK_INT(ipmi_lanplus_decode(b, n, &k, &h, out, sizeof(out), &len),
	    VCM_EAUTH);
	ipmi_keys_wipe(&k);
	ipmi_rakp_ctx_wipe(&c);
}

static const struct test_case tests[] = {
	{ "pre-session and setup messages decode", setup_messages },
	{ "RAKP2 code from ipmi_sim", rakp2_from_bmc },
	{ "RAKP3 code from ipmitool", rakp3_from_console },
	{ "SIK/K1/K2 and RAKP4 ICV from ipmi_sim", keys_and_rakp4 },
	{ "every session packet opens, both directions", open_every_packet },
	{ "flipped MAC bit rejected", flipped_mac_rejected },
	{ "flipped ciphertext/IV bit rejected", flipped_ciphertext_rejected },
	{ "flipped RAKP2/3/4 bits rejected", flipped_rakp_codes_rejected },
	{ "wrong password rejected", wrong_password_rejected },
};

TEST_MAIN(tests)
