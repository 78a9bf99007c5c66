/* Open Session and RAKP 1-4 message codecs, both directions. */
#include <string.h>

#include "vcm/err.h"
#include "ipmi/rakp.h"
#include "test.h"

/* Encodes with fn into buf; returns the length or -1. */
#define ENCODE(fn, m, buf) ({						\
	struct vbuf_wr _w;						\
	vbuf_wr_init(&_w, (buf), sizeof(buf));				\
	fn(&_w, (m)) == 0 ? (long)_w.len : -1L;				\
})

static void
open_session_rq(void)
{
	struct ipmi_open_session_rq m, d;
	static const char want_hex[] = "2a 04 0000 a4a3a2a0"
	    " 00 0000 08 03 000000  01 0000 08 04 000000  02 0000 08 01 000000";
	uint8_t buf[64], want[64];
	long n, wn = test_unhex(want_hex, want, sizeof(want));
	long i;

	/* memset first: the structs are compared whole, padding included. */
	memset(&m, 0, sizeof(m));
	m.tag = 0x2a;
	m.max_priv = IPMI_PRIV_ADMIN;
	m.sid_m = 0xa0a2a3a4;
	m.auth = 3;
	m.integ = 4;
	m.conf = 1;
	n = ENCODE(ipmi_open_session_rq_encode, &m, buf);
	REQUIRE(n == 32 && wn == 32);
	CHECK_MEM(buf, want, 32);
	REQUIRE(ipmi_open_session_rq_decode(buf, (size_t)n, &d) == 0);
	CHECK(memcmp(&m, &d, sizeof(m)) == 0);
	for (i = 0; i < n; i++)
		CHECK_INT(ipmi_open_session_rq_decode(buf, (size_t)i, &d),
		    VCM_ETRUNC);
	buf[n] = 0;
	CHECK_INT(ipmi_open_session_rq_decode(buf, (size_t)n + 1, &d),
	    VCM_ETRAILING);
	/* Algorithm payloads out of order or with a wrong length. */
	buf[8] = 0x01;
	CHECK_INT(ipmi_open_session_rq_decode(buf, (size_t)n, &d), VCM_EBADMSG);
	buf[8] = 0x00;
	buf[19] = 0x10;
	CHECK_INT(ipmi_open_session_rq_decode(buf, (size_t)n, &d), VCM_EBADMSG);
	buf[19] = 0x08;
	buf[1] = 0x07;			/* privilege beyond OEM */
	CHECK_INT(ipmi_open_session_rq_decode(buf, (size_t)n, &d), VCM_ERANGE);
	m.max_priv = 9;
	CHECK_INT(ENCODE(ipmi_open_session_rq_encode, &m, buf), -1);
}

static void
open_session_rs(void)
{
	struct ipmi_open_session_rs m, d;
	uint8_t buf[64];
	long n, i;

	memset(&m, 0, sizeof(m));
	m.tag = 0x2a;
	m.max_priv = IPMI_PRIV_ADMIN;
	m.sid_m = 0xa0a2a3a4;
	m.sid_c = 0x11223344;
	m.auth = m.integ = m.conf = 1;

	n = ENCODE(ipmi_open_session_rs_encode, &m, buf);
	REQUIRE(n == 36);
	REQUIRE(ipmi_open_session_rs_decode(buf, (size_t)n, &d) == 0);
	CHECK(memcmp(&m, &d, sizeof(m)) == 0);
	for (i = 0; i < n; i++)
		CHECK_INT(ipmi_open_session_rs_decode(buf, (size_t)i, &d),
		    VCM_ETRUNC);
	CHECK_INT(ipmi_open_session_rs_decode(buf, (size_t)n + 1, &d),
	    VCM_ETRAILING);
	/* An error response: 8 bytes, nothing after it trusted. */
	m.status = 0x11;		/* no matching cipher suite */
	n = ENCODE(ipmi_open_session_rs_encode, &m, buf);
	REQUIRE(n == 8);
	REQUIRE(ipmi_open_session_rs_decode(buf, (size_t)n, &d) == 0);
	CHECK_INT(d.status, 0x11);
	CHECK_INT(d.sid_m, 0xa0a2a3a4);
	CHECK_INT(d.sid_c, 0);
	CHECK_INT(d.auth, 0);
	CHECK_INT(ipmi_open_session_rs_decode(buf, 7, &d), VCM_ETRUNC);
}

static void
rakp1(void)
{
	struct ipmi_rakp1 m, d;
	uint8_t buf[64];
	long n, i;

	memset(&m, 0, sizeof(m));
	m.tag = 1;
	m.sid_c = 0x01020304;
	for (i = 0; i < 16; i++)
		m.rm[i] = (uint8_t)(0xf0 + i);
	m.role = IPMI_PRIV_ADMIN | IPMI_ROLE_NAME_ONLY;
	m.user_len = 5;
	memcpy(m.user, "admin", 5);
	n = ENCODE(ipmi_rakp1_encode, &m, buf);
	REQUIRE(n == 28 + 5);
	CHECK_INT(buf[4], 0x04);	/* session id little-endian */
	CHECK_INT(buf[24], 0x14);
	CHECK_INT(buf[27], 5);
	REQUIRE(ipmi_rakp1_decode(buf, (size_t)n, &d) == 0);
	CHECK(memcmp(&m, &d, sizeof(m)) == 0);
	for (i = 0; i < n; i++)
		CHECK_INT(ipmi_rakp1_decode(buf, (size_t)i, &d), VCM_ETRUNC);
	buf[n] = 'x';
	CHECK_INT(ipmi_rakp1_decode(buf, (size_t)n + 1, &d), VCM_ETRAILING);
	buf[27] = 17;			/* user name longer than IPMI allows */
	CHECK_INT(ipmi_rakp1_decode(buf, (size_t)n, &d), VCM_ERANGE);
	buf[27] = 5;
	buf[24] = 0x24;			/* reserved role bit */
	CHECK_INT(ipmi_rakp1_decode(buf, (size_t)n, &d), VCM_ERANGE);
	m.user_len = 17;
	CHECK_INT(ENCODE(ipmi_rakp1_encode, &m, buf), -1);
	/* An empty user name (anonymous login) is valid. */
	m.user_len = 0;
	n = ENCODE(ipmi_rakp1_encode, &m, buf);
	REQUIRE(n == 28);
	CHECK_INT(ipmi_rakp1_decode(buf, (size_t)n, &d), 0);
}

static void
rakp2(void)
{
	struct ipmi_rakp2 m, d;
	uint8_t buf[128];
	long n, i;

	memset(&m, 0, sizeof(m));
	m.tag = 1;
	m.sid_m = 0xa0a2a3a4;
	memset(m.rc, 0x11, 16);
	memset(m.guid_c, 0x22, 16);
	m.code_len = 32;
	memset(m.code, 0x33, 32);
	n = ENCODE(ipmi_rakp2_encode, &m, buf);
	REQUIRE(n == 40 + 32);
	REQUIRE(ipmi_rakp2_decode(buf, (size_t)n, &d) == 0);
	CHECK(memcmp(&m, &d, sizeof(m)) == 0);
	/* The code is the variable tail: shorter input gives a shorter code. */
	for (i = 0; i < 40; i++)
		CHECK_INT(ipmi_rakp2_decode(buf, (size_t)i, &d), VCM_ETRUNC);
	REQUIRE(ipmi_rakp2_decode(buf, 40 + 20, &d) == 0);
	CHECK_INT(d.code_len, 20);
	CHECK_INT(ipmi_rakp2_decode(buf, (size_t)n + 1, &d), VCM_ETRAILING);
	m.code_len = 33;
	CHECK_INT(ENCODE(ipmi_rakp2_encode, &m, buf), -1);
	m.status = 0x0d;		/* unauthorized name */
	n = ENCODE(ipmi_rakp2_encode, &m, buf);
	REQUIRE(n == 8);
	REQUIRE(ipmi_rakp2_decode(buf, (size_t)n, &d) == 0);
	CHECK_INT(d.status, 0x0d);
	CHECK_INT(d.code_len, 0);
}

static void
rakp3_and_rakp4(void)
{
	struct ipmi_rakp3 m3, d3;
	struct ipmi_rakp4 m4, d4;
	uint8_t buf[64];
	long n, i;

	memset(&m3, 0, sizeof(m3));
	m3.tag = 9;
	m3.sid_c = 0x55667788;
	m3.code_len = 20;
	memset(m3.code, 0xab, 20);
	n = ENCODE(ipmi_rakp3_encode, &m3, buf);
	REQUIRE(n == 28);
	REQUIRE(ipmi_rakp3_decode(buf, (size_t)n, &d3) == 0);
	CHECK(memcmp(&m3, &d3, sizeof(m3)) == 0);
	for (i = 0; i < 8; i++)
		CHECK_INT(ipmi_rakp3_decode(buf, (size_t)i, &d3), VCM_ETRUNC);
	m3.status = 0x02;
	n = ENCODE(ipmi_rakp3_encode, &m3, buf);
	REQUIRE(n == 8);

	memset(&m4, 0, sizeof(m4));
	m4.tag = 9;
	m4.sid_m = 0xa0a2a3a4;
	m4.icv_len = 12;
	memset(m4.icv, 0xcd, 12);
	n = ENCODE(ipmi_rakp4_encode, &m4, buf);
	REQUIRE(n == 20);
	REQUIRE(ipmi_rakp4_decode(buf, (size_t)n, &d4) == 0);
	CHECK(memcmp(&m4, &d4, sizeof(m4)) == 0);
	for (i = 0; i < 8; i++)
		CHECK_INT(ipmi_rakp4_decode(buf, (size_t)i, &d4), VCM_ETRUNC);
	memset(buf + 8, 0, 40);
	CHECK_INT(ipmi_rakp4_decode(buf, 8 + 33, &d4), VCM_ETRAILING);
}

static void
encoders_fail_on_small_buffers(void)
{
	struct ipmi_open_session_rq rq = { 1, IPMI_PRIV_ADMIN, 1, 1, 1, 1 };
	struct ipmi_rakp1 r1;
	uint8_t buf[64];
	struct vbuf_wr w;
	size_t i;

	memset(&r1, 0, sizeof(r1));
	r1.user_len = 4;
	for (i = 0; i < 32; i++) {
		vbuf_wr_init(&w, buf, i);
		CHECK_INT(ipmi_open_session_rq_encode(&w, &rq), VCM_ENOSPC);
	}
	for (i = 0; i < 32; i++) {
		vbuf_wr_init(&w, buf, i);
		CHECK_INT(ipmi_rakp1_encode(&w, &r1), VCM_ENOSPC);
	}
}

static const struct test_case tests[] = {
	{ "open_session_rq", open_session_rq },
	{ "open_session_rs", open_session_rs },
	{ "rakp1", rakp1 },
	{ "rakp2", rakp2 },
	{ "rakp3_and_rakp4", rakp3_and_rakp4 },
	{ "encoders_fail_on_small_buffers", encoders_fail_on_small_buffers },
};

TEST_MAIN(tests)
