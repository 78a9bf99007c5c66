/*
 * lib/ipmi command codecs (cmds.h) and the field-table engine under them
 * (fields.h). Byte vectors marked "sim" were observed from OpenIPMI
 * ipmi_sim 2.0.33 through ipmitool 1.8.19 on 127.0.0.1 (IPMI-PEERS.md);
 * the others are written from the IPMI 2.0 layouts.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/fields.h"
#include "ipmi/cmds.h"
#include "test.h"

/* Big enough, and aligned enough, for any request or response struct. */
union anystruct {
	uint64_t	align;
	uint8_t		b[256];
};

struct vec {
	uint8_t		 netfn;
	uint8_t		 cmd;
	uint8_t		 rs;		/* 0 request, 1 response */
	const char	*hex;
	uint8_t		 full;		/* all optional parts present */
	uint8_t		 ok1, ok2;	/* shorter lengths that are valid */
	uint8_t		 tail_at;	/* offset of a variable tail, or 0 */
	const char	*origin;
};

#define A	IPMI_NETFN_APP
#define C	IPMI_NETFN_CHASSIS
#define T	IPMI_NETFN_TRANSPORT

static const struct vec vecs[] = {
	/* Get Device ID */
	{ A, 0x01, 0, "", 1, 0, 0, 0, "spec" },
	{ A, 0x01, 1, "00 20 81 02 05 02 bf 57 01 00 34 12 01 02 03 04",
	    1, 12, 0, 0, "spec" },
	{ A, 0x01, 1, "00 00 03 09 08 02 9f 91 12 00 02 0f 00 00 00 00",
	    1, 12, 0, 0, "sim" },
	{ A, 0x01, 1, "00 20 81 02 05 02 bf 57 01 00 34 12", 0, 0, 0, 0,
	    "spec" },
	/* Get Device GUID */
	{ A, 0x08, 0, "", 1, 0, 0, 0, "spec" },
	{ A, 0x08, 1, "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10",
	    1, 0, 0, 0, "spec" },
	/* Get Channel Info */
	{ A, 0x42, 0, "0e", 1, 0, 0, 0, "spec" },
	{ A, 0x42, 1, "00 01 04 01 82 f2 1b 00 00 00", 1, 0, 0, 0, "spec" },
	/* Get System GUID */
	{ A, 0x37, 0, "", 1, 0, 0, 0, "spec" },
	{ A, 0x37, 1, "00 a1 23 45 67 89 ab cd ef a1 23 45 67 89 ab cd ef",
	    1, 0, 0, 0, "sim" },
	/* Get Channel Authentication Capabilities */
	{ A, 0x38, 0, "8e 04", 1, 0, 0, 0, "sim" },
	{ A, 0x38, 1, "00 01 84 04 03 00 00 00 00", 1, 0, 0, 0, "sim" },
	{ A, 0x38, 1, "00 01 b7 2a 02 f2 1b 00 07", 1, 0, 0, 0, "spec" },
	/* Set Session Privilege Level */
	{ A, 0x3b, 0, "04", 1, 0, 0, 0, "spec" },
	{ A, 0x3b, 1, "00 04", 1, 0, 0, 0, "spec" },
	/* Close Session */
	{ A, 0x3c, 0, "78 56 34 12", 1, 0, 0, 0, "spec" },
	{ A, 0x3c, 0, "00 00 00 00 05", 1, 0, 0, 0, "spec" },
	{ A, 0x3c, 1, "00", 1, 0, 0, 0, "spec" },
	/* Get Session Info */
	{ A, 0x3d, 0, "00", 1, 0, 0, 0, "sim" },
	{ A, 0x3d, 0, "01", 1, 0, 0, 0, "sim" },
	{ A, 0x3d, 0, "fe 05", 1, 0, 0, 0, "sim" },
	{ A, 0x3d, 0, "ff 78 56 34 12", 1, 0, 0, 0, "spec" },
	{ A, 0x3d, 1, "00 01 3f 01 02 04 11", 0, 4, 0, 0, "sim" },
	{ A, 0x3d, 1, "00 02 3f 02 03 04 11 c0 a8 01 0a 00 11 22 33 44 55"
	    " 6f 02", 1, 4, 7, 0, "spec" },
	/* Set User Access */
	{ A, 0x43, 0, "91 02 04", 0, 0, 0, 0, "spec" },
	{ A, 0x43, 0, "f1 02 04 03", 1, 3, 0, 0, "spec" },
	{ A, 0x43, 1, "00", 1, 0, 0, 0, "spec" },
	/* Get User Access */
	{ A, 0x44, 0, "01 02", 1, 0, 0, 0, "sim" },
	{ A, 0x44, 1, "00 3f 01 00 14", 1, 0, 0, 0, "sim" },
	{ A, 0x44, 1, "00 0a 43 01 74", 1, 0, 0, 0, "spec" },
	/* Set User Name */
	{ A, 0x45, 0, "02 61 64 6d 69 6e 00 00 00 00 00 00 00 00 00 00 00",
	    1, 0, 0, 0, "spec" },
	{ A, 0x45, 1, "00", 1, 0, 0, 0, "spec" },
	/* Get User Name */
	{ A, 0x46, 0, "02", 1, 0, 0, 0, "sim" },
	{ A, 0x46, 1, "00 61 64 6d 69 6e 00 00 00 00 00 00 00 00 00 00 00",
	    1, 0, 0, 0, "sim" },
	/* Activate Payload */
	{ A, 0x48, 0, "01 01 c6 00 00 00", 1, 0, 0, 0, "ipmitool" },
	{ A, 0x48, 1, "00 00 00 00 00 20 00 00 40 6f 02 ff ff", 1, 0, 0, 0,
	    "spec" },
	/* Deactivate Payload */
	{ A, 0x49, 0, "01 01 00 00 00 00", 1, 0, 0, 0, "spec" },
	{ A, 0x49, 1, "00", 1, 0, 0, 0, "spec" },
	/* Get Payload Activation Status */
	{ A, 0x4a, 0, "01", 1, 0, 0, 0, "sim" },
	{ A, 0x4a, 1, "00 01 00 00", 1, 0, 0, 0, "sim" },
	{ A, 0x4a, 1, "00 01 01 00", 1, 0, 0, 0, "sim" },
	/* Get Channel Payload Support */
	{ A, 0x4e, 0, "01", 1, 0, 0, 0, "sim" },
	{ A, 0x4e, 1, "00 06 00 00 00 00 00 00 00", 1, 0, 0, 0, "sim" },
	/* Get Channel Cipher Suites */
	{ A, 0x54, 0, "01 00 80", 1, 0, 0, 0, "sim" },
	{ A, 0x54, 1, "00 01 c0 00 00 40 80 c0 01 01 40 80 c0 02 01 41 80"
	    " c0", 0, 0, 0, 2, "sim" },
	{ A, 0x54, 1, "00 01 81 c0 0d 02 43 82 c0 0e 02 43 83", 0, 0, 0, 2,
	    "sim" },
	{ A, 0x54, 1, "00 01", 0, 0, 0, 2, "sim" },
	/* Get Chassis Status */
	{ C, 0x01, 0, "", 1, 0, 0, 0, "spec" },
	{ C, 0x01, 1, "00 00 00 00", 0, 0, 0, 0, "sim" },
	{ C, 0x01, 1, "00 41 10 40 f0", 1, 4, 0, 0, "spec" },
	/* Chassis Control */
	{ C, 0x02, 0, "02", 1, 0, 0, 0, "spec" },
	{ C, 0x02, 1, "00", 1, 0, 0, 0, "spec" },
	/* Set System Boot Options */
	{ C, 0x08, 0, "05 a0 04 00 00 00", 0, 0, 0, 1, "spec" },
	{ C, 0x08, 0, "00 01", 0, 0, 0, 1, "spec" },
	{ C, 0x08, 1, "00", 1, 0, 0, 0, "spec" },
	/* Get System Boot Options */
	{ C, 0x09, 0, "05 00 00", 1, 0, 0, 0, "sim" },
	{ C, 0x09, 1, "00 01 05 a0 04 00 00 00", 0, 0, 0, 3, "spec" },
	{ C, 0x09, 1, "00 01 85", 0, 0, 0, 3, "spec" },
	/* Set LAN Configuration Parameters */
	{ T, 0x01, 0, "01 04 01", 0, 0, 0, 2, "spec" },
	{ T, 0x01, 1, "00", 1, 0, 0, 0, "spec" },
	/* Get LAN Configuration Parameters */
	{ T, 0x02, 0, "01 17 00 00", 1, 0, 0, 0, "sim" },
	{ T, 0x02, 0, "81 03 00 00", 1, 0, 0, 0, "sim" },
	{ T, 0x02, 1, "00 11 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e"
	    " 0f 10", 0, 0, 0, 2, "sim" },
	{ T, 0x02, 1, "00 11", 0, 0, 0, 2, "spec" },
	/* Set SOL Configuration Parameters */
	{ T, 0x21, 0, "01 01 01", 0, 0, 0, 2, "spec" },
	{ T, 0x21, 1, "00", 1, 0, 0, 0, "spec" },
	/* Get SOL Configuration Parameters */
	{ T, 0x22, 0, "01 01 00 00", 1, 0, 0, 0, "sim" },
	{ T, 0x22, 1, "00 11 01", 0, 0, 0, 2, "sim" },
};

#define NVECS	(sizeof(vecs) / sizeof(vecs[0]))

/* Decodes hex into buf; fails the test (returns -1) on bad hex. */
static long
unhex(const char *hex, uint8_t *buf, size_t cap)
{
	long n = test_unhex(hex, buf, cap);

	CHECK(n >= 0);
	return n;
}

/* Decodes a request or a response by the descriptor's own struct size. */
static int
vdecode(const struct ipmi_cmd *c, int rs, void *s, const uint8_t *p,
    size_t len)
{
	return rs ? ipmi_cmd_decode_rs(c, s, c->rs_size, p, len) :
	    ipmi_cmd_decode_rq(c, s, c->rq_size, p, len);
}

/* Encodes a request or a response by the descriptor's own struct size. */
static int
vencode(const struct ipmi_cmd *c, int rs, const void *s, uint8_t *p,
    size_t cap)
{
	return rs ? ipmi_cmd_encode_rs(c, s, c->rs_size, p, cap) :
	    ipmi_cmd_encode_rq(c, s, c->rq_size, p, cap);
}

/* Decodes a hex vector through the named command; returns the rc. */
static int
dec(uint8_t netfn, uint8_t cmd, int rs, const char *hex, void *s,
    size_t sz)
{
	const struct ipmi_cmd *c = ipmi_cmd_find(netfn, cmd);
	uint8_t buf[512];
	long n;

	if (c == NULL || (n = unhex(hex, buf, sizeof(buf))) < 0)
		return VCM_EINVAL;
	return rs ? ipmi_cmd_decode_rs(c, s, sz, buf, (size_t)n) :
	    ipmi_cmd_decode_rq(c, s, sz, buf, (size_t)n);
}

/* Encodes through the named command and compares with a hex vector. */
static void
enc_is(uint8_t netfn, uint8_t cmd, int rs, const void *s, size_t sz,
    const char *hex)
{
	const struct ipmi_cmd *c = ipmi_cmd_find(netfn, cmd);
	uint8_t want[512], got[512];
	long n;
	int rc;

	REQUIRE(c != NULL);
	n = unhex(hex, want, sizeof(want));
	REQUIRE(n >= 0);
	rc = rs ? ipmi_cmd_encode_rs(c, s, sz, got, sizeof(got)) :
	    ipmi_cmd_encode_rq(c, s, sz, got, sizeof(got));
	CHECK_INT(rc, n);
	if (rc == n)
		CHECK_MEM(got, want, (size_t)n);
}

/* Encodes through the named command and expects the error rc. */
static void
enc_rc(uint8_t netfn, uint8_t cmd, int rs, const void *s, size_t sz,
    int want)
{
	const struct ipmi_cmd *c = ipmi_cmd_find(netfn, cmd);
	uint8_t got[512];

	REQUIRE(c != NULL);
	CHECK_INT(rs ? ipmi_cmd_encode_rs(c, s, sz, got, sizeof(got)) :
	    ipmi_cmd_encode_rq(c, s, sz, got, sizeof(got)), want);
}

static void
tables_are_valid(void)
{
	const struct ipmi_cmd *c;
	const struct ipmi_param *p;
	size_t i;

	CHECK_INT(ipmi_cmd_count(), 25);
	for (i = 0; (c = ipmi_cmd_at(i)) != NULL; i++) {
		CHECK(c->name != NULL);
		CHECK(c->rq_size <= sizeof(union anystruct));
		CHECK(c->rs_size <= sizeof(union anystruct));
		CHECK_INT(ipmi_fields_validate(c->rq, c->rq_size), 0);
		CHECK_INT(ipmi_fields_validate(c->rs, c->rs_size), 0);
		/* Every response may be just its completion code. */
		CHECK_INT(ipmi_fields_min_len(c->rs), 1);
		CHECK(ipmi_fields_min_len(c->rq) <=
		    ipmi_fields_max_len(c->rq));
		CHECK(ipmi_fields_max_len(c->rs) <= 1 + VCM_IPMI_PARAM_DATA_MAX +
		    3);
		CHECK(ipmi_cmd_find(c->netfn, c->cmd) == c);
	}
	CHECK_INT(i, 25);
	for (i = 0; i < ipmi_params_boot_count; i++) {
		p = &ipmi_params_boot[i];
		CHECK_INT(ipmi_fields_validate(p->fields, p->size), 0);
		CHECK(ipmi_param_find(p->group, p->selector) == p);
	}
	for (i = 0; i < ipmi_params_transport_count; i++) {
		p = &ipmi_params_transport[i];
		CHECK_INT(ipmi_fields_validate(p->fields, p->size), 0);
		CHECK(ipmi_param_find(p->group, p->selector) == p);
		CHECK(ipmi_fields_max_len(p->fields) <= VCM_IPMI_PARAM_DATA_MAX);
	}
	CHECK_INT(ipmi_fields_max_len(ipmi_cmd_find(A, 0x01)->rs), 16);
	CHECK_INT(ipmi_fields_min_len(ipmi_cmd_find(A, 0x3c)->rq), 4);
	CHECK_INT(ipmi_fields_max_len(ipmi_cmd_find(A, 0x3c)->rq), 5);
}

static void
lookup(void)
{
	const struct ipmi_cmd *c;

	c = ipmi_cmd_find(IPMI_NETFN_APP, IPMI_CMD_ACTIVATE_PAYLOAD);
	REQUIRE(c != NULL);
	CHECK_INT(c->cmd, 0x48);
	CHECK(strcmp(c->name, "Activate Payload") == 0);
	/* A response netfn finds the same command. */
	CHECK(ipmi_cmd_find(0x07, 0x48) == c);
	CHECK(ipmi_cmd_find(0x0d, 0x22) ==
	    ipmi_cmd_find(IPMI_NETFN_TRANSPORT, IPMI_CMD_GET_SOL_CONFIG));
	CHECK(ipmi_cmd_find(0x06, 0x02) == NULL);
	CHECK(ipmi_cmd_find(0x0a, 0x01) == NULL);
	CHECK(ipmi_cmd_at(25) == NULL);
	CHECK(ipmi_param_find(IPMI_PARAM_BOOT, 7) == NULL);
	CHECK(ipmi_param_find(IPMI_PARAM_SOL, IPMI_LAN_PARAM_CS_PRIV) ==
	    NULL);
	CHECK(ipmi_param_find(IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_PRIV) !=
	    NULL);
}

/* Every command has at least one request and one response vector. */
static void
every_command_has_vectors(void)
{
	const struct ipmi_cmd *c;
	size_t i, j;
	int rq, rs;

	for (i = 0; (c = ipmi_cmd_at(i)) != NULL; i++) {
		rq = rs = 0;
		for (j = 0; j < NVECS; j++) {
			if (vecs[j].netfn != c->netfn || vecs[j].cmd != c->cmd)
				continue;
			if (vecs[j].rs)
				rs++;
			else
				rq++;
		}
		if (rq == 0 || rs == 0)
			printf("#   no vectors for %s\n", c->name);
		CHECK(rq > 0);
		CHECK(rs > 0);
	}
}

/* decode -> encode gives the same bytes; decode again the same struct. */
static void
vectors_round_trip(void)
{
	union anystruct s1, s2;
	uint8_t in[512], out[512];
	const struct ipmi_cmd *c;
	size_t i;
	long n;
	int rc;

	for (i = 0; i < NVECS; i++) {
		c = ipmi_cmd_find(vecs[i].netfn, vecs[i].cmd);
		REQUIRE(c != NULL);
		n = unhex(vecs[i].hex, in, sizeof(in));
		REQUIRE(n >= 0);
		rc = vdecode(c, vecs[i].rs, &s1, in, (size_t)n);
		if (rc != 0)
			printf("#   vector %zu (%s %s) rc %d\n", i, c->name,
			    vecs[i].origin, rc);
		CHECK_INT(rc, 0);
		rc = vencode(c, vecs[i].rs, &s1, out, sizeof(out));
		CHECK_INT(rc, n);
		if (rc == n)
			CHECK_MEM(out, in, (size_t)n);
		CHECK_INT(vdecode(c, vecs[i].rs, &s2, out, (size_t)n), 0);
		CHECK_MEM(s1.b, s2.b, vecs[i].rs ? c->rs_size : c->rq_size);
	}
}

/* Every shorter prefix is VCM_ETRUNC unless it is itself valid. */
static void
vectors_truncations(void)
{
	union anystruct s;
	uint8_t in[512];
	const struct ipmi_cmd *c;
	size_t i, len;
	long n;
	int rc, ok;

	for (i = 0; i < NVECS; i++) {
		c = ipmi_cmd_find(vecs[i].netfn, vecs[i].cmd);
		n = unhex(vecs[i].hex, in, sizeof(in));
		REQUIRE(c != NULL && n >= 0);
		for (len = 0; len < (size_t)n; len++) {
			ok = (vecs[i].tail_at && len >= vecs[i].tail_at) ||
			    (vecs[i].ok1 && len == vecs[i].ok1) ||
			    (vecs[i].ok2 && len == vecs[i].ok2);
			rc = vdecode(c, vecs[i].rs, &s, in, len);
			if (rc != (ok ? 0 : VCM_ETRUNC))
				printf("#   vector %zu (%s) len %zu\n", i,
				    c->name, len);
			CHECK_INT(rc, ok ? 0 : VCM_ETRUNC);
		}
	}
}

/* One more byte after a complete message is VCM_ETRAILING. */
static void
vectors_trailing(void)
{
	union anystruct s;
	uint8_t in[512];
	const struct ipmi_cmd *c;
	size_t i;
	long n;
	int tested = 0;

	for (i = 0; i < NVECS; i++) {
		if (!vecs[i].full || vecs[i].tail_at)
			continue;
		c = ipmi_cmd_find(vecs[i].netfn, vecs[i].cmd);
		n = unhex(vecs[i].hex, in, sizeof(in));
		REQUIRE(c != NULL && n >= 0);
		in[n] = 0x00;
		CHECK_INT(vdecode(c, vecs[i].rs, &s, in, (size_t)n + 1),
		    VCM_ETRAILING);
		in[n] = 0xff;
		CHECK_INT(vdecode(c, vecs[i].rs, &s, in, (size_t)n + 1),
		    VCM_ETRAILING);
		tested++;
	}
	CHECK(tested > 40);
}

/* A variable tail accepts exactly its maximum and refuses one more. */
static void
vectors_tail_max(void)
{
	union anystruct s;
	uint8_t in[512];
	const struct ipmi_cmd *c;
	const struct ipmi_field *f;
	size_t i, max;
	uint16_t got;
	long n;

	for (i = 0; i < NVECS; i++) {
		if (!vecs[i].tail_at)
			continue;
		c = ipmi_cmd_find(vecs[i].netfn, vecs[i].cmd);
		n = unhex(vecs[i].hex, in, sizeof(in));
		REQUIRE(c != NULL && n >= 0);
		for (f = vecs[i].rs ? c->rs : c->rq; f->kind != IPMI_F_TAIL;
		    f++)
			REQUIRE(f->kind != IPMI_F_END);
		max = f->len;
		memset(in + vecs[i].tail_at, 0x5a, max + 1);
		CHECK_INT(vdecode(c, vecs[i].rs, &s, in,
		    vecs[i].tail_at + max), 0);
		memcpy(&got, s.b + f->aux, sizeof(got));
		CHECK_INT(got, max);
		CHECK_INT(s.b[f->off + max - 1], 0x5a);
		CHECK_INT(vdecode(c, vecs[i].rs, &s, in,
		    vecs[i].tail_at + max + 1), VCM_ETRAILING);
	}
}

/* Encoding into every smaller buffer fails with VCM_ENOSPC. */
static void
vectors_enospc(void)
{
	union anystruct s;
	uint8_t in[512], out[512];
	const struct ipmi_cmd *c;
	size_t i, cap;
	long n;

	for (i = 0; i < NVECS; i++) {
		c = ipmi_cmd_find(vecs[i].netfn, vecs[i].cmd);
		n = unhex(vecs[i].hex, in, sizeof(in));
		REQUIRE(c != NULL && n >= 0);
		REQUIRE(vdecode(c, vecs[i].rs, &s, in, (size_t)n) == 0);
		for (cap = 0; cap < (size_t)n; cap++) {
			memset(out, 0xee, sizeof(out));
			CHECK_INT(vencode(c, vecs[i].rs, &s, out, cap),
			    VCM_ENOSPC);
			CHECK_INT(out[cap], 0xee);	/* nothing past cap */
		}
		CHECK_INT(vencode(c, vecs[i].rs, &s, out, (size_t)n), n);
	}
}

/* An error completion code alone decodes; no other field is read. */
static void
error_cc_only(void)
{
	union anystruct s, zero;
	const struct ipmi_cmd *c;
	uint8_t in[8] = { 0xc1, 0x01, 0x02, 0x03 }, out[64];
	size_t i;

	memset(&zero, 0, sizeof(zero));
	for (i = 0; (c = ipmi_cmd_at(i)) != NULL; i++) {
		memset(&s, 0x77, sizeof(s));
		CHECK_INT(ipmi_cmd_decode_rs(c, &s, c->rs_size, in, 1), 0);
		CHECK_INT(s.b[0], 0xc1);
		CHECK_MEM(s.b + 1, zero.b + 1, c->rs_size - 1);
		/* Bytes after an error code are ignored, never parsed. */
		CHECK_INT(ipmi_cmd_decode_rs(c, &s, c->rs_size, in, 4), 0);
		CHECK_INT(s.b[0], 0xc1);
		CHECK_MEM(s.b + 1, zero.b + 1, c->rs_size - 1);
		/* Encoding an error response writes only the code. */
		memset(&s, 0, sizeof(s));
		s.b[0] = 0xd5;
		CHECK_INT(ipmi_cmd_encode_rs(c, &s, c->rs_size, out,
		    sizeof(out)), 1);
		CHECK_INT(out[0], 0xd5);
		CHECK_INT(ipmi_cmd_encode_rs(c, &s, c->rs_size, out, 0),
		    VCM_ENOSPC);
		/* An empty response has not even a code. */
		CHECK_INT(ipmi_cmd_decode_rs(c, &s, c->rs_size, in, 0),
		    VCM_ETRUNC);
	}
	/* Observed: ipmi_sim answers Get Boot Options 5 with 0xCC only. */
	{
		struct ipmi_get_boot_options_rs rs;

		CHECK_INT(dec(C, 0x09, 1, "cc", &rs, sizeof(rs)), 0);
		CHECK_INT(rs.cc, 0xcc);
		CHECK_INT(rs.data_len, 0);
	}
}

static void
wrong_struct_size(void)
{
	const struct ipmi_cmd *c = ipmi_cmd_find(A, 0x01);
	struct ipmi_get_device_id_rs rs;
	uint8_t buf[32] = { 0 };

	REQUIRE(c != NULL);
	CHECK_INT(ipmi_cmd_decode_rs(c, &rs, sizeof(rs) - 1, buf, 1),
	    VCM_EINVAL);
	CHECK_INT(ipmi_cmd_encode_rs(c, &rs, sizeof(rs) + 1, buf, 32),
	    VCM_EINVAL);
	CHECK_INT(ipmi_cmd_decode_rq(NULL, &rs, sizeof(rs), buf, 1),
	    VCM_EINVAL);
	CHECK_INT(ipmi_cmd_decode_rs(c, &rs, sizeof(rs), NULL, 3),
	    VCM_EINVAL);
}

static void
get_device_id(void)
{
	struct ipmi_get_device_id_rs rs;

	CHECK_INT(dec(A, 0x01, 1,
	    "00 20 81 02 05 02 bf 57 01 00 34 12 01 02 03 04",
	    &rs, sizeof(rs)), 0);
	CHECK_INT(rs.cc, 0);
	CHECK_INT(rs.device_id, 0x20);
	CHECK_INT(rs.provides_sdrs, 1);
	CHECK_INT(rs.device_rev, 1);
	CHECK_INT(rs.fw_major, 2);
	CHECK_INT(rs.update_in_progress, 0);
	CHECK_INT(rs.fw_minor, 0x05);
	CHECK_INT(rs.ipmi_version, 0x02);
	CHECK_INT(rs.dev_support, 0xbf);
	CHECK_INT(rs.manufacturer_id, 343);	/* Intel */
	CHECK_INT(rs.product_id, 0x1234);
	CHECK_INT(rs.has_aux, 1);
	CHECK_MEM(rs.aux_fw_rev, "\x01\x02\x03\x04", 4);
	/* The aux revision is optional. */
	CHECK_INT(dec(A, 0x01, 1, "00 20 81 02 05 02 bf 57 01 00 34 12",
	    &rs, sizeof(rs)), 0);
	CHECK_INT(rs.has_aux, 0);
	CHECK_INT(rs.product_id, 0x1234);
	/* Partial aux revision is truncation. */
	CHECK_INT(dec(A, 0x01, 1, "00 20 81 02 05 02 bf 57 01 00 34 12 01 02",
	    &rs, sizeof(rs)), VCM_ETRUNC);
	/* ipmi_sim (mc_add ... 0x23 9 8 0x9f 0x1291 0xf02). */
	CHECK_INT(dec(A, 0x01, 1,
	    "00 00 03 09 08 02 9f 91 12 00 02 0f 00 00 00 00",
	    &rs, sizeof(rs)), 0);
	CHECK_INT(rs.device_rev, 3);
	CHECK_INT(rs.fw_major, 9);
	CHECK_INT(rs.fw_minor, 8);
	CHECK_INT(rs.manufacturer_id, 0x1291);
	CHECK_INT(rs.product_id, 0x0f02);
	CHECK_INT(rs.has_aux, 1);
	/* Manufacturer id bits 23:20 are reserved: masked on read... */
	CHECK_INT(dec(A, 0x01, 1, "00 20 81 02 05 02 bf 57 01 f0 34 12",
	    &rs, sizeof(rs)), 0);
	CHECK_INT(rs.manufacturer_id, 343);
	/* ... and refused on write. */
	rs.manufacturer_id = 0x100000;
	enc_rc(A, 0x01, 1, &rs, sizeof(rs), VCM_ERANGE);
	rs.manufacturer_id = 0xfffff;
	rs.update_in_progress = 1;
	rs.fw_major = 0x7f;
	enc_is(A, 0x01, 1, &rs, sizeof(rs),
	    "00 20 81 ff 05 02 bf ff ff 0f 34 12");
}

static void
get_system_guid(void)
{
	struct ipmi_get_system_guid_rs rs;
	struct ipmi_no_data rq;

	CHECK_INT(dec(A, 0x37, 1,
	    "00 a1 23 45 67 89 ab cd ef a1 23 45 67 89 ab cd ef",
	    &rs, sizeof(rs)), 0);
	CHECK_MEM(rs.guid, "\xa1\x23\x45\x67\x89\xab\xcd\xef"
	    "\xa1\x23\x45\x67\x89\xab\xcd\xef", 16);
	CHECK_INT(dec(A, 0x37, 0, "", &rq, sizeof(rq)), 0);
	CHECK_INT(dec(A, 0x37, 0, "00", &rq, sizeof(rq)), VCM_ETRAILING);
	enc_is(A, 0x37, 0, &rq, sizeof(rq), "");
}

/* Get Channel Info: a LAN channel with two of many sessions active. */
static void
get_channel_info(void)
{
	struct ipmi_get_channel_info_rq rq;
	struct ipmi_get_channel_info_rs rs;

	CHECK_INT(dec(A, 0x42, 0, "0e", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.channel, 0x0e);
	CHECK_INT(dec(A, 0x42, 0, "1e", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.channel, 0x0e);	/* reserved bits ignored */
	CHECK_INT(dec(A, 0x42, 1, "00 01 04 01 82 f2 1b 00 00 00", &rs,
	    sizeof(rs)), 0);
	CHECK_INT(rs.channel, 1);
	CHECK_INT(rs.medium, IPMI_MEDIUM_LAN);
	CHECK_INT(rs.protocol, IPMI_PROTOCOL_IPMB);
	CHECK_INT(rs.session_support, IPMI_SESSION_MULTI);
	CHECK_INT(rs.active_sessions, 2);
	CHECK_INT(rs.vendor_iana, 7154);
	enc_is(A, 0x42, 1, &rs, sizeof(rs), "00 01 04 01 82 f2 1b 00 00 00");
}

static void
get_auth_caps(void)
{
	struct ipmi_get_auth_caps_rq rq;
	struct ipmi_get_auth_caps_rs rs;

	memset(&rq, 0, sizeof(rq));
	rq.channel = 0x0e;
	rq.v20_data = 1;
	rq.priv = IPMI_PRIV_ADMIN;
	enc_is(A, 0x38, 0, &rq, sizeof(rq), "8e 04");	/* ipmitool */
	rq.channel = 0x10;
	enc_rc(A, 0x38, 0, &rq, sizeof(rq), VCM_ERANGE);	/* ERANGE */
	CHECK_INT(dec(A, 0x38, 0, "0e 04", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.v20_data, 0);
	CHECK_INT(rq.channel, 0x0e);
	/* ipmi_sim: channel 1, v2.0 ext + MD5, non-null users, 1.5+2.0. */
	CHECK_INT(dec(A, 0x38, 1, "00 01 84 04 03 00 00 00 00", &rs,
	    sizeof(rs)), 0);
	CHECK_INT(rs.channel, 1);
	CHECK_INT(rs.v20_ext, 1);
	CHECK_INT(rs.auth_md5, 1);
	CHECK_INT(rs.auth_none + rs.auth_md2 + rs.auth_password +
	    rs.auth_oem, 0);
	CHECK_INT(rs.non_null_users, 1);
	CHECK_INT(rs.null_users + rs.anon_login + rs.kg_nonzero +
	    rs.per_msg_auth_disabled + rs.user_auth_disabled, 0);
	CHECK_INT(rs.ipmi15, 1);
	CHECK_INT(rs.ipmi20, 1);
	/* Every bit. */
	CHECK_INT(dec(A, 0x38, 1, "00 01 b7 3f 03 f2 1b 00 07", &rs,
	    sizeof(rs)), 0);
	CHECK_INT(rs.auth_none && rs.auth_md2 && rs.auth_md5 &&
	    rs.auth_password && rs.auth_oem && rs.v20_ext, 1);
	CHECK_INT(rs.anon_login && rs.null_users && rs.non_null_users &&
	    rs.user_auth_disabled && rs.per_msg_auth_disabled &&
	    rs.kg_nonzero, 1);
	CHECK_INT(rs.oem_iana, 0x1bf2);
	CHECK_INT(rs.oem_aux, 7);
	CHECK_INT(dec(A, 0x38, 1, "00 01 b7 2a 02 f2 1b 00 07", &rs,
	    sizeof(rs)), 0);
	CHECK_INT(rs.kg_nonzero, 1);
	CHECK_INT(rs.per_msg_auth_disabled, 0);
	CHECK_INT(rs.user_auth_disabled, 1);
	CHECK_INT(rs.null_users, 1);
	CHECK_INT(rs.non_null_users, 0);
	CHECK_INT(rs.ipmi15, 0);
	CHECK_INT(rs.ipmi20, 1);
	/* Reserved bits are ignored on read. */
	CHECK_INT(dec(A, 0x38, 1, "00 01 48 c0 fc 00 00 00 00", &rs,
	    sizeof(rs)), 0);
	CHECK_INT(rs.auth_none + rs.auth_md2 + rs.auth_md5 +
	    rs.auth_password + rs.auth_oem + rs.v20_ext, 0);
	CHECK_INT(rs.ipmi15 + rs.ipmi20 + rs.kg_nonzero, 0);
}

static void
session_priv(void)
{
	struct ipmi_set_session_priv_rq rq;
	struct ipmi_set_session_priv_rs rs;

	CHECK_INT(dec(A, 0x3b, 0, "04", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.priv, IPMI_PRIV_ADMIN);
	CHECK_INT(dec(A, 0x3b, 0, "06", &rq, sizeof(rq)), VCM_ERANGE);
	CHECK_INT(dec(A, 0x3b, 0, "f3", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.priv, 3);
	rq.priv = 6;
	enc_rc(A, 0x3b, 0, &rq, sizeof(rq), VCM_ERANGE);
	CHECK_INT(dec(A, 0x3b, 1, "00 03", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.priv, IPMI_PRIV_OPERATOR);
	CHECK_INT(dec(A, 0x3b, 1, "81", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.cc, 0x81);
}

static void
close_session(void)
{
	struct ipmi_close_session_rq rq;

	CHECK_INT(dec(A, 0x3c, 0, "78 56 34 12", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.session_id, 0x12345678);
	CHECK_INT(rq.handle, 0);
	/* The handle form: only with a zero session id. */
	CHECK_INT(dec(A, 0x3c, 0, "00 00 00 00 05", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.session_id, 0);
	CHECK_INT(rq.handle, 5);
	CHECK_INT(dec(A, 0x3c, 0, "00 00 00 00", &rq, sizeof(rq)),
	    VCM_ETRUNC);
	CHECK_INT(dec(A, 0x3c, 0, "78 56 34 12 05", &rq, sizeof(rq)),
	    VCM_ETRAILING);
	memset(&rq, 0, sizeof(rq));
	rq.session_id = 0xa0a2a3a4;
	rq.handle = 9;			/* not sent with an id */
	enc_is(A, 0x3c, 0, &rq, sizeof(rq), "a4 a3 a2 a0");
	rq.session_id = 0;
	enc_is(A, 0x3c, 0, &rq, sizeof(rq), "00 00 00 00 09");
}

static void
session_info(void)
{
	struct ipmi_get_session_info_rq rq;
	struct ipmi_get_session_info_rs rs;

	CHECK_INT(dec(A, 0x3d, 0, "00", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.index, IPMI_SESSION_INDEX_CURRENT);
	CHECK_INT(dec(A, 0x3d, 0, "03", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.index, 3);
	CHECK_INT(dec(A, 0x3d, 0, "03 05", &rq, sizeof(rq)), VCM_ETRAILING);
	CHECK_INT(dec(A, 0x3d, 0, "fe 05", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.handle, 5);
	CHECK_INT(dec(A, 0x3d, 0, "fe", &rq, sizeof(rq)), VCM_ETRUNC);
	CHECK_INT(dec(A, 0x3d, 0, "ff 78 56 34 12", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.session_id, 0x12345678);
	CHECK_INT(rq.handle, 0);
	CHECK_INT(dec(A, 0x3d, 0, "ff 78 56 34", &rq, sizeof(rq)),
	    VCM_ETRUNC);
	memset(&rq, 0, sizeof(rq));
	rq.index = IPMI_SESSION_INDEX_ID;
	rq.session_id = 0x01020304;
	rq.handle = 7;
	enc_is(A, 0x3d, 0, &rq, sizeof(rq), "ff 04 03 02 01");
	/* ipmi_sim: no LAN part. */
	CHECK_INT(dec(A, 0x3d, 1, "00 01 3f 01 02 04 11", &rs, sizeof(rs)),
	    0);
	CHECK_INT(rs.handle, 1);
	CHECK_INT(rs.slots, 63);
	CHECK_INT(rs.active, 1);
	CHECK_INT(rs.has_session, 1);
	CHECK_INT(rs.user_id, 2);
	CHECK_INT(rs.priv, IPMI_PRIV_ADMIN);
	CHECK_INT(rs.channel, 1);
	CHECK_INT(rs.protocol, 1);
	CHECK_INT(rs.has_lan, 0);
	/* Empty slot: no per-session part. */
	CHECK_INT(dec(A, 0x3d, 1, "00 00 3f 01", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.has_session, 0);
	CHECK_INT(rs.user_id, 0);
	/* LAN part. */
	CHECK_INT(dec(A, 0x3d, 1, "00 02 3f 02 03 04 11 c0 a8 01 0a 00 11 22"
	    " 33 44 55 6f 02", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.has_lan, 1);
	CHECK_MEM(rs.ip, "\xc0\xa8\x01\x0a", 4);
	CHECK_MEM(rs.mac, "\x00\x11\x22\x33\x44\x55", 6);
	CHECK_INT(rs.port, 623);
	/* A part cut inside is truncation, not absence. */
	CHECK_INT(dec(A, 0x3d, 1, "00 02 3f 02 03 04", &rs, sizeof(rs)),
	    VCM_ETRUNC);
	CHECK_INT(dec(A, 0x3d, 1, "00 02 3f 02 03 04 11 c0 a8", &rs,
	    sizeof(rs)), VCM_ETRUNC);
	/* A present flag of 0 drops what follows on encode. */
	rs.has_session = 0;
	enc_is(A, 0x3d, 1, &rs, sizeof(rs), "00 02 3f 02");
}

static void
user_access(void)
{
	struct ipmi_set_user_access_rq srq;
	struct ipmi_get_user_access_rs rs;

	CHECK_INT(dec(A, 0x43, 0, "f1 02 04 03", &srq, sizeof(srq)), 0);
	CHECK_INT(srq.channel, 1);
	CHECK_INT(srq.change_bits, 1);
	CHECK_INT(srq.callback_only, 1);
	CHECK_INT(srq.link_auth, 1);
	CHECK_INT(srq.ipmi_msg, 1);
	CHECK_INT(srq.user_id, 2);
	CHECK_INT(srq.priv, 4);
	CHECK_INT(srq.has_session_limit, 1);
	CHECK_INT(srq.session_limit, 3);
	memset(&srq, 0, sizeof(srq));
	srq.channel = 1;
	srq.change_bits = 1;
	srq.ipmi_msg = 1;
	srq.user_id = 3;
	srq.priv = IPMI_PRIV_NO_ACCESS;
	enc_is(A, 0x43, 0, &srq, sizeof(srq), "91 03 0f");
	srq.user_id = 64;
	enc_rc(A, 0x43, 0, &srq, sizeof(srq), VCM_ERANGE);
	/* ipmi_sim: 63 users, 1 enabled, admin with IPMI messaging. */
	CHECK_INT(dec(A, 0x44, 1, "00 3f 01 00 14", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.max_users, 63);
	CHECK_INT(rs.enabled_users, 1);
	CHECK_INT(rs.enable_status, 0);
	CHECK_INT(rs.fixed_names, 0);
	CHECK_INT(rs.priv, 4);
	CHECK_INT(rs.ipmi_msg, 1);
	CHECK_INT(rs.link_auth, 0);
	CHECK_INT(rs.callback_only, 0);
	CHECK_INT(dec(A, 0x44, 1, "00 0a 43 01 74", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.max_users, 10);
	CHECK_INT(rs.enable_status, 1);
	CHECK_INT(rs.enabled_users, 3);
	CHECK_INT(rs.fixed_names, 1);
	CHECK_INT(rs.callback_only, 1);
	CHECK_INT(rs.link_auth, 1);
	CHECK_INT(rs.ipmi_msg, 1);
}

static void
user_name(void)
{
	struct ipmi_set_user_name_rq rq;
	struct ipmi_get_user_name_rs rs;

	memset(&rq, 0, sizeof(rq));
	rq.user_id = 2;
	memcpy(rq.name, "admin", 5);
	enc_is(A, 0x45, 0, &rq, sizeof(rq),
	    "02 61 64 6d 69 6e 00 00 00 00 00 00 00 00 00 00 00");
	CHECK_INT(dec(A, 0x46, 1,
	    "00 61 64 6d 69 6e 00 00 00 00 00 00 00 00 00 00 00",
	    &rs, sizeof(rs)), 0);
	CHECK(memcmp(rs.name, "admin\0", 6) == 0);
	/* A full 16-byte name has no terminator. */
	CHECK_INT(dec(A, 0x46, 1,
	    "00 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50",
	    &rs, sizeof(rs)), 0);
	CHECK_INT(rs.name[15], 'P');
}

static void
payloads(void)
{
	struct ipmi_activate_payload_rq rq;
	struct ipmi_activate_payload_rs rs;
	struct ipmi_deactivate_payload_rq drq;
	struct ipmi_get_payload_status_rs srs;
	struct ipmi_get_channel_payload_rs prs;

	/* What ipmitool sends: encrypt, authenticate, deferred alerts. */
	CHECK_INT(dec(A, 0x48, 0, "01 01 c6 00 00 00", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.payload_type, IPMI_PAYLOAD_SOL);
	CHECK_INT(rq.instance, 1);
	CHECK_INT(rq.sol_encrypt, 1);
	CHECK_INT(rq.sol_auth, 1);
	CHECK_INT(rq.sol_alert, 1);
	CHECK_INT(rq.sol_handshake, 1);
	CHECK_INT(rq.sol_test_mode, 0);
	memset(&rq, 0, sizeof(rq));
	rq.payload_type = IPMI_PAYLOAD_SOL;
	rq.instance = 2;
	rq.sol_test_mode = 1;
	rq.sol_alert = 2;
	enc_is(A, 0x48, 0, &rq, sizeof(rq), "01 02 28 00 00 00");
	rq.sol_alert = 4;
	enc_rc(A, 0x48, 0, &rq, sizeof(rq), VCM_ERANGE);
	/* Reserved aux bytes are ignored. */
	CHECK_INT(dec(A, 0x48, 0, "01 01 80 ff ff ff", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.sol_encrypt, 1);
	/* ipmi_sim's sizes: inbound 32, outbound 16384. */
	CHECK_INT(dec(A, 0x48, 1, "00 00 00 00 00 20 00 00 40 6f 02 ff ff",
	    &rs, sizeof(rs)), 0);
	CHECK_INT(rs.inbound_size, 32);
	CHECK_INT(rs.outbound_size, 16384);
	CHECK_INT(rs.port, 623);
	CHECK_INT(rs.vlan, 0xffff);
	CHECK_INT(dec(A, 0x48, 1, "80", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.cc, 0x80);
	CHECK_INT(rs.port, 0);
	CHECK_INT(dec(A, 0x49, 0, "01 01 00 00 00 00", &drq, sizeof(drq)),
	    0);
	CHECK_INT(drq.payload_type, 1);
	CHECK_INT(drq.instance, 1);
	/* Activation status, observed idle and with instance 1 active. */
	CHECK_INT(dec(A, 0x4a, 1, "00 01 00 00", &srs, sizeof(srs)), 0);
	CHECK_INT(srs.capacity, 1);
	CHECK_INT(srs.active, 0);
	CHECK_INT(dec(A, 0x4a, 1, "00 01 01 00", &srs, sizeof(srs)), 0);
	CHECK_INT(srs.active, 1);
	CHECK_INT(dec(A, 0x4a, 1, "00 0f 00 80", &srs, sizeof(srs)), 0);
	CHECK_INT(srs.capacity, 15);
	CHECK_INT(srs.active, 0x8000);		/* instance 16 */
	CHECK_INT(dec(A, 0x4e, 1, "00 06 00 00 00 00 00 00 00", &prs,
	    sizeof(prs)), 0);
	CHECK_INT(prs.standard, 0x0006);	/* bit 1 = SOL */
	CHECK_INT(dec(A, 0x4e, 1, "00 03 00 03 00 01 80 ff ff", &prs,
	    sizeof(prs)), 0);
	CHECK_INT(prs.standard, 0x0003);
	CHECK_INT(prs.session_setup, 0x0003);
	CHECK_INT(prs.oem, 0x8001);
}

static void
channel_ciphers(void)
{
	struct ipmi_get_channel_ciphers_rq rq;
	struct ipmi_get_channel_ciphers_rs rs;

	CHECK_INT(dec(A, 0x54, 0, "0e 00 80", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.channel, 0x0e);
	CHECK_INT(rq.payload_type, 0);
	CHECK_INT(rq.by_suite, 1);
	CHECK_INT(rq.list_index, 0);
	memset(&rq, 0, sizeof(rq));
	rq.channel = 1;
	rq.by_suite = 1;
	rq.list_index = 3;
	enc_is(A, 0x54, 0, &rq, sizeof(rq), "01 00 83");
	rq.list_index = 64;
	enc_rc(A, 0x54, 0, &rq, sizeof(rq), VCM_ERANGE);
	CHECK_INT(dec(A, 0x54, 1, "00 01 c0 00 00 40 80 c0 01 01 40 80 c0"
	    " 02 01 41 80 c0", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.channel, 1);
	CHECK_INT(rs.data_len, 16);
	CHECK_INT(rs.data[0], 0xc0);
	CHECK_INT(rs.data[15], 0xc0);
	CHECK_INT(dec(A, 0x54, 1, "00 01", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.data_len, 0);
	/* A tail longer than its cap is refused on encode. */
	rs.data_len = 17;
	enc_rc(A, 0x54, 1, &rs, sizeof(rs), VCM_ERANGE);
}

/* Concatenated records of ipmi_sim's six calls (suites 0..14). */
static const char sim_records[] =
    "c0 00 00 40 80 c0 01 01 40 80 c0 02 01 41 80 c0"
    "03 01 41 81 c0 04 01 41 82 c0 05 01 41 83 c0 06"
    "02 40 80 c0 07 02 42 80 c0 08 02 42 81 c0 09 02"
    "42 82 c0 0a 02 42 83 c0 0b 02 43 80 c0 0c 02 43"
    "81 c0 0d 02 43 82 c0 0e 02 43 83";

static int
parse_hex(const char *hex, struct ipmi_cipher_record *out, size_t cap)
{
	uint8_t buf[VCM_IPMI_CIPHER_DATA_MAX + 8];
	long n = unhex(hex, buf, sizeof(buf));

	if (n < 0)
		return VCM_EINVAL;
	return ipmi_cipher_suite_records_parse(buf, (size_t)n, out, cap);
}

static void
cipher_records(void)
{
	struct ipmi_cipher_record cs[VCM_IPMI_CIPHER_SUITES_MAX + 4];
	int i;

	CHECK_INT(parse_hex(sim_records, cs, 40), 15);
	for (i = 0; i < 15; i++) {
		CHECK_INT(cs[i].id, i);
		CHECK_INT(cs[i].oem, 0);
	}
	/* Suite 3: HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128. */
	CHECK_INT(cs[3].auth, 1);
	CHECK_INT(cs[3].integ, 1);
	CHECK_INT(cs[3].conf, 1);
	CHECK_INT(cs[3].integ_mask, 2);
	CHECK_INT(cs[3].conf_mask, 2);
	/* Suite 0: none. Suite 8: MD5, MD5-128, AES. Suite 14: xRC4-40. */
	CHECK_INT(cs[0].auth + cs[0].integ + cs[0].conf, 0);
	CHECK_INT(cs[0].conf_mask, 1);
	CHECK_INT(cs[8].auth, 2);
	CHECK_INT(cs[8].integ, 2);
	CHECK_INT(cs[8].conf, 1);
	CHECK_INT(cs[14].integ, 3);
	CHECK_INT(cs[14].conf, 3);
	/* The caller's capacity limits what is stored, not the check. */
	CHECK_INT(parse_hex(sim_records, cs, 2), 2);
	CHECK_INT(cs[1].id, 1);
	CHECK_INT(parse_hex(sim_records, NULL, 0), 0);
	CHECK_INT(parse_hex("", cs, 4), 0);
	/* OEM record with several integrity and confidentiality algs. */
	CHECK_INT(parse_hex("c1 80 57 01 00 03 41 42 81 80 c0 11 03 44 81",
	    cs, 4), 2);
	CHECK_INT(cs[0].oem, 1);
	CHECK_INT(cs[0].id, 0x80);
	CHECK_INT(cs[0].oem_iana, 343);
	CHECK_INT(cs[0].auth, 3);
	CHECK_INT(cs[0].integ, 1);
	CHECK_INT(cs[0].integ_mask, 6);
	CHECK_INT(cs[0].conf, 1);
	CHECK_INT(cs[0].conf_mask, 3);
	CHECK_INT(cs[1].id, 0x11);
	CHECK_INT(cs[1].auth, 3);
	CHECK_INT(cs[1].integ, 4);
	/* Records that run off the end. */
	CHECK_INT(parse_hex("c0", cs, 4), VCM_ETRUNC);
	CHECK_INT(parse_hex("c0 03", cs, 4), VCM_ETRUNC);
	CHECK_INT(parse_hex("c0 03 01 41", cs, 4), VCM_ETRUNC);
	CHECK_INT(parse_hex("c0 03 01 41 81 c1 05 57", cs, 4), VCM_ETRUNC);
	CHECK_INT(parse_hex("c0 03 01 41 81 c1 05 57 01 00", cs, 4),
	    VCM_ETRUNC);
	/* Malformed records. */
	CHECK_INT(parse_hex("00 c0 03 01 41 81", cs, 4), VCM_EBADMSG);
	CHECK_INT(parse_hex("c2 03 01 41 81", cs, 4), VCM_EBADMSG);
	CHECK_INT(parse_hex("c0 03 01 41 c0 04 01 41 81", cs, 4),
	    VCM_EBADMSG);
	CHECK_INT(parse_hex("c0 03 01 02 41 81", cs, 4), VCM_EBADMSG);
	CHECK_INT(parse_hex("c0 03 41 81 c0 04 01 41 81", cs, 4),
	    VCM_EBADMSG);
	CHECK_INT(ipmi_cipher_suite_records_parse(NULL, 3, cs, 4),
	    VCM_EINVAL);
}

static void
cipher_records_capped(void)
{
	struct ipmi_cipher_record cs[VCM_IPMI_CIPHER_SUITES_MAX + 8];
	uint8_t buf[VCM_IPMI_CIPHER_DATA_MAX + 1];
	size_t i, n = 0;

	/* 40 records: only VCM_IPMI_CIPHER_SUITES_MAX are kept. */
	for (i = 0; i < 40; i++) {
		buf[n++] = 0xc0;
		buf[n++] = (uint8_t)i;
		buf[n++] = 0x01;
		buf[n++] = 0x41;
		buf[n++] = 0x81;
	}
	memset(cs, 0, sizeof(cs));
	CHECK_INT(ipmi_cipher_suite_records_parse(buf, n, cs, 40),
	    VCM_IPMI_CIPHER_SUITES_MAX);
	CHECK_INT(cs[VCM_IPMI_CIPHER_SUITES_MAX - 1].id,
	    VCM_IPMI_CIPHER_SUITES_MAX - 1);
	CHECK_INT(cs[VCM_IPMI_CIPHER_SUITES_MAX].id, 0);	/* untouched */
	/* Data beyond VCM_IPMI_CIPHER_DATA_MAX is refused outright. */
	memset(buf, 0x41, sizeof(buf));
	CHECK_INT(ipmi_cipher_suite_records_parse(buf, sizeof(buf), cs, 4),
	    VCM_ERANGE);
}

static void
chassis(void)
{
	struct ipmi_get_chassis_status_rs rs;
	struct ipmi_chassis_control_rq rq;

	CHECK_INT(dec(C, 0x01, 1, "00 00 00 00", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.power_on, 0);
	CHECK_INT(rs.has_front_panel, 0);
	CHECK_INT(dec(C, 0x01, 1, "00 41 10 40 f0", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.power_on, 1);
	CHECK_INT(rs.restore_policy, 2);
	CHECK_INT(rs.power_overload + rs.interlock + rs.power_fault +
	    rs.control_fault, 0);
	CHECK_INT(rs.last_ipmi_on, 1);
	CHECK_INT(rs.identify_supported, 1);
	CHECK_INT(rs.identify_state, 0);
	CHECK_INT(rs.has_front_panel, 1);
	CHECK_INT(rs.front_panel, 0xf0);
	CHECK_INT(dec(C, 0x01, 1, "00 1e 0f 3f", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.power_overload && rs.interlock && rs.power_fault &&
	    rs.control_fault, 1);
	CHECK_INT(rs.last_ac_failed && rs.last_overload &&
	    rs.last_interlock && rs.last_power_fault, 1);
	CHECK_INT(rs.last_ipmi_on, 0);
	CHECK_INT(rs.intrusion && rs.panel_lockout && rs.drive_fault &&
	    rs.fan_fault, 1);
	CHECK_INT(rs.identify_state, 3);
	CHECK_INT(rs.identify_supported, 0);
	CHECK_INT(dec(C, 0x02, 0, "05", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.control, IPMI_CHASSIS_SOFT_SHUTDOWN);
	CHECK_INT(dec(C, 0x02, 0, "06", &rq, sizeof(rq)), VCM_ERANGE);
	CHECK_INT(dec(C, 0x02, 0, "0f", &rq, sizeof(rq)), VCM_ERANGE);
	rq.control = IPMI_CHASSIS_HARD_RESET;
	enc_is(C, 0x02, 0, &rq, sizeof(rq), "03");
	rq.control = 6;
	enc_rc(C, 0x02, 0, &rq, sizeof(rq), VCM_ERANGE);
}

static void
boot_options(void)
{
	const struct ipmi_param *p;
	struct ipmi_get_boot_options_rs rs;
	struct ipmi_set_boot_options_rq rq;
	struct ipmi_boot_flags bf;
	struct ipmi_param_in_progress ip;
	struct ipmi_boot_info_ack ack;
	uint8_t buf[16];
	size_t len;

	memset(buf, 0, sizeof(buf));
	CHECK_INT(dec(C, 0x09, 1, "00 01 05 a0 04 00 00 00", &rs,
	    sizeof(rs)), 0);
	CHECK_INT(rs.version, 1);
	CHECK_INT(rs.selector, IPMI_BOOT_PARAM_FLAGS);
	CHECK_INT(rs.invalid, 0);
	CHECK_INT(rs.data_len, 5);
	p = ipmi_param_find(IPMI_PARAM_BOOT, IPMI_BOOT_PARAM_FLAGS);
	REQUIRE(p != NULL);
	CHECK_INT(ipmi_param_decode(p, &bf, sizeof(bf), rs.data,
	    rs.data_len), 0);
	CHECK_INT(bf.valid, 1);
	CHECK_INT(bf.efi, 1);
	CHECK_INT(bf.persistent, 0);
	CHECK_INT(bf.device, IPMI_BOOT_DEV_PXE);
	CHECK_INT(dec(C, 0x09, 1, "00 01 85", &rs, sizeof(rs)), 0);
	CHECK_INT(rs.invalid, 1);
	CHECK_INT(rs.data_len, 0);
	/* Persistent boot into BIOS setup, legacy: c0 18 00 00 00. */
	memset(&bf, 0, sizeof(bf));
	bf.valid = 1;
	bf.persistent = 1;
	bf.device = IPMI_BOOT_DEV_BIOS;
	memset(&rq, 0, sizeof(rq));
	rq.selector = IPMI_BOOT_PARAM_FLAGS;
	CHECK_INT(ipmi_param_encode(p, &bf, sizeof(bf), rq.data,
	    sizeof(rq.data)), 5);
	rq.data_len = 5;
	enc_is(C, 0x08, 0, &rq, sizeof(rq), "05 c0 18 00 00 00");
	bf.device = IPMI_BOOT_DEV_DISK;
	bf.persistent = 0;
	bf.cmos_clear = 1;
	bf.instance = 0x1f;
	CHECK_INT(ipmi_param_encode(p, &bf, sizeof(bf), buf, sizeof(buf)),
	    5);
	CHECK_MEM(buf, "\x80\x88\x00\x00\x1f", 5);
	bf.device = 16;
	CHECK_INT(ipmi_param_encode(p, &bf, sizeof(bf), buf, sizeof(buf)),
	    VCM_ERANGE);
	bf.device = 0;
	for (len = 0; len < 5; len++)
		CHECK_INT(ipmi_param_encode(p, &bf, sizeof(bf), buf, len),
		    VCM_ENOSPC);
	CHECK_MEM(buf, "\x80\x80\x00\x00\x1f", 5);
	for (len = 0; len < 5; len++)
		CHECK_INT(ipmi_param_decode(p, &bf, sizeof(bf), buf, len),
		    VCM_ETRUNC);
	CHECK_INT(ipmi_param_decode(p, &bf, sizeof(bf), buf, 6),
	    VCM_ETRAILING);
	CHECK_INT(ipmi_param_decode(p, &bf, sizeof(bf) - 1, buf, 5),
	    VCM_EINVAL);
	/* Set in progress and boot info acknowledge. */
	p = ipmi_param_find(IPMI_PARAM_BOOT, IPMI_BOOT_PARAM_IN_PROGRESS);
	REQUIRE(p != NULL);
	CHECK_INT(ipmi_param_decode(p, &ip, sizeof(ip),
	    (const uint8_t *)"\x01", 1), 0);
	CHECK_INT(ip.state, IPMI_SET_IN_PROGRESS);
	CHECK_INT(ipmi_param_decode(p, &ip, sizeof(ip),
	    (const uint8_t *)"\x03", 1), VCM_ERANGE);
	ip.state = IPMI_SET_COMMIT_WRITE;
	CHECK_INT(ipmi_param_encode(p, &ip, sizeof(ip), buf, 1), 1);
	CHECK_INT(buf[0], 2);
	p = ipmi_param_find(IPMI_PARAM_BOOT, IPMI_BOOT_PARAM_INFO_ACK);
	REQUIRE(p != NULL);
	CHECK_INT(ipmi_param_decode(p, &ack, sizeof(ack),
	    (const uint8_t *)"\x01\xfe", 2), 0);
	CHECK_INT(ack.write_mask, 1);
	CHECK_INT(ack.ack, 0xfe);
	/* Set Boot Options with the "invalid" bit and no data. */
	CHECK_INT(dec(C, 0x08, 0, "85", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.invalid, 1);
	CHECK_INT(rq.selector, 5);
	CHECK_INT(rq.data_len, 0);
}

/* Decodes a Get LAN/SOL Configuration response, then its parameter. */
static int
config_param(int group, uint8_t sel, const char *rs_hex, void *s,
    size_t sz)
{
	struct ipmi_get_config_rs rs;
	const struct ipmi_param *p = ipmi_param_find(group, sel);
	int rc;

	if (p == NULL)
		return VCM_EINVAL;
	rc = dec(T, group == IPMI_PARAM_LAN ? 0x02 : 0x22, 1, rs_hex, &rs,
	    sizeof(rs));
	if (rc != 0)
		return rc;
	CHECK_INT(rs.revision, 0x11);
	return ipmi_param_decode(p, s, sz, rs.data, rs.data_len);
}

static void
lan_config(void)
{
	struct ipmi_get_config_rq rq;
	struct ipmi_lan_ip_source src;
	struct ipmi_lan_ipv4 ip;
	struct ipmi_lan_cs_support sup;
	struct ipmi_lan_cs_entries ent;
	struct ipmi_lan_cs_priv priv;
	const struct ipmi_param *p;
	uint8_t buf[32];
	int i;

	CHECK_INT(dec(T, 0x02, 0, "81 03 00 00", &rq, sizeof(rq)), 0);
	CHECK_INT(rq.revision_only, 1);
	CHECK_INT(rq.channel, 1);
	CHECK_INT(rq.param, IPMI_LAN_PARAM_IP);
	/* All observed from ipmi_sim. */
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_IP_SOURCE,
	    "00 11 00", &src, sizeof(src)), 0);
	CHECK_INT(src.source, IPMI_IP_SOURCE_UNSPECIFIED);
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_IP,
	    "00 11 00 00 00 00", &ip, sizeof(ip)), 0);
	CHECK_MEM(ip.addr, "\0\0\0\0", 4);
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_GATEWAY,
	    "00 11 0a 00 00 01", &ip, sizeof(ip)), 0);
	CHECK_MEM(ip.addr, "\x0a\x00\x00\x01", 4);
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_NETMASK,
	    "00 11 ff ff ff", &ip, sizeof(ip)), VCM_ETRUNC);
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_SUPPORT,
	    "00 11 0f", &sup, sizeof(sup)), 0);
	CHECK_INT(sup.count, 15);
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_SUPPORT,
	    "00 11 11", &sup, sizeof(sup)), VCM_ERANGE);
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_ENTRIES,
	    "00 11 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10",
	    &ent, sizeof(ent)), 0);
	CHECK_INT(ent.count, 16);
	CHECK_INT(ent.ids[0], 1);
	CHECK_INT(ent.ids[15], 16);
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_ENTRIES,
	    "00 11 00 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10",
	    &ent, sizeof(ent)), VCM_ETRAILING);
	/* ipmi_sim sets the reserved byte too (0x44); it is ignored. */
	CHECK_INT(config_param(IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_PRIV,
	    "00 11 44 44 44 44 44 44 44 44 44", &priv, sizeof(priv)), 0);
	for (i = 0; i < 16; i++)
		CHECK_INT(priv.priv[i], IPMI_PRIV_ADMIN);
	/* Suite n's privilege is nibble n, low nibble first. */
	p = ipmi_param_find(IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_PRIV);
	REQUIRE(p != NULL);
	for (i = 0; i < 16; i++)
		priv.priv[i] = (uint8_t)(i % 5);
	CHECK_INT(ipmi_param_encode(p, &priv, sizeof(priv), buf,
	    sizeof(buf)), 9);
	CHECK_MEM(buf, "\x00\x10\x32\x04\x21\x43\x10\x32\x04", 9);
	priv.priv[3] = 0x10;
	CHECK_INT(ipmi_param_encode(p, &priv, sizeof(priv), buf,
	    sizeof(buf)), VCM_ERANGE);
	/* Cipher suite entries written back with the reserved byte. */
	p = ipmi_param_find(IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_ENTRIES);
	REQUIRE(p != NULL);
	memset(&ent, 0, sizeof(ent));
	ent.count = 2;
	ent.ids[0] = 3;
	ent.ids[1] = 17;
	CHECK_INT(ipmi_param_encode(p, &ent, sizeof(ent), buf,
	    sizeof(buf)), 3);
	CHECK_MEM(buf, "\x00\x03\x11", 3);
	ent.count = 17;
	CHECK_INT(ipmi_param_encode(p, &ent, sizeof(ent), buf,
	    sizeof(buf)), VCM_ERANGE);
}

static void
sol_config(void)
{
	struct ipmi_set_config_rq rq;
	struct ipmi_sol_enable en;
	struct ipmi_sol_auth au;
	struct ipmi_sol_accumulate acc;
	struct ipmi_sol_retry rt;
	struct ipmi_sol_bit_rate br;
	struct ipmi_sol_channel ch;
	struct ipmi_sol_port po;
	const struct ipmi_param *p;

	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_ENABLE,
	    "00 11 01", &en, sizeof(en)), 0);
	CHECK_INT(en.enable, 1);
	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_AUTH,
	    "00 11 c4", &au, sizeof(au)), 0);
	CHECK_INT(au.force_encrypt, 1);
	CHECK_INT(au.force_auth, 1);
	CHECK_INT(au.priv, IPMI_PRIV_ADMIN);
	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_RETRY,
	    "00 11 07 32", &rt, sizeof(rt)), 0);
	CHECK_INT(rt.count, 7);
	CHECK_INT(rt.interval, 50);
	/* A one-byte retry parameter is short (both bytes are required). */
	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_RETRY,
	    "00 11 00", &rt, sizeof(rt)), VCM_ETRUNC);
	/* Parameter 3: interval 12 x 5 ms, send threshold 96 characters. */
	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_ACCUMULATE,
	    "00 11 0c 60", &acc, sizeof(acc)), 0);
	CHECK_INT(acc.interval, 12);
	CHECK_INT(acc.threshold, 96);
	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_NV_BIT_RATE,
	    "00 11 00", &br, sizeof(br)), 0);
	CHECK_INT(br.rate, IPMI_SOL_RATE_SERIAL);
	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_V_BIT_RATE,
	    "00 11 0a", &br, sizeof(br)), 0);
	CHECK_INT(br.rate, IPMI_SOL_RATE_115200);
	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_CHANNEL,
	    "00 11 01", &ch, sizeof(ch)), 0);
	CHECK_INT(ch.channel, 1);
	CHECK_INT(config_param(IPMI_PARAM_SOL, IPMI_SOL_PARAM_PORT,
	    "00 11 6f 02", &po, sizeof(po)), 0);
	CHECK_INT(po.port, 623);
	/* Set SOL volatile bit rate 115200 on channel 1. */
	p = ipmi_param_find(IPMI_PARAM_SOL, IPMI_SOL_PARAM_V_BIT_RATE);
	REQUIRE(p != NULL);
	memset(&rq, 0, sizeof(rq));
	rq.channel = 1;
	rq.param = IPMI_SOL_PARAM_V_BIT_RATE;
	br.rate = IPMI_SOL_RATE_115200;
	CHECK_INT(ipmi_param_encode(p, &br, sizeof(br), rq.data,
	    sizeof(rq.data)), 1);
	rq.data_len = 1;
	enc_is(T, 0x21, 0, &rq, sizeof(rq), "01 06 0a");
	rq.data_len = VCM_IPMI_PARAM_DATA_MAX + 1;
	enc_rc(T, 0x21, 0, &rq, sizeof(rq), VCM_ERANGE);
	p = ipmi_param_find(IPMI_PARAM_SOL, IPMI_SOL_PARAM_RETRY);
	REQUIRE(p != NULL);
	rt.count = 8;
	rt.interval = 0;
	CHECK_INT(ipmi_param_encode(p, &rt, sizeof(rt), rq.data, 2),
	    VCM_ERANGE);
}

struct bad_s {
	uint8_t		a, b, c;
	uint16_t	n;
	uint8_t		t[4];
};

/* The table checker refuses malformed tables. */
static void
fields_validate_rejects(void)
{
	static const struct ipmi_field overlap[] = {
		IPMI_FLD_BITS(bad_s, a, 0, 4),
		IPMI_FLD_BITSL(bad_s, b, 3, 2),
		IPMI_FLD_END
	};
	static const struct ipmi_field unclosed[] = {
		IPMI_FLD_BITS(bad_s, a, 0, 4),
		IPMI_FLD_U8(bad_s, b),
		IPMI_FLD_END
	};
	static const struct ipmi_field wide[] = {
		IPMI_FLD_BITSL(bad_s, a, 6, 3),
		IPMI_FLD_END
	};
	static const struct ipmi_field tail_not_last[] = {
		IPMI_FLD_TAIL(bad_s, t, n),
		IPMI_FLD_U8(bad_s, a),
		IPMI_FLD_END
	};
	static const struct ipmi_field when_past_end[] = {
		IPMI_FLD_U8(bad_s, a),
		IPMI_FLD_WHEN(bad_s, a, 1, 2),
		IPMI_FLD_U8(bad_s, b),
		IPMI_FLD_END
	};
	static const struct ipmi_field bad_range[] = {
		IPMI_FLD_BITSLR(bad_s, a, 0, 2, 0, 4),
		IPMI_FLD_END
	};
	static const struct ipmi_field good[] = {
		IPMI_FLD_BITS(bad_s, a, 0, 4),
		IPMI_FLD_BITSL(bad_s, b, 4, 4),
		IPMI_FLD_WHEN(bad_s, a, 1, 1),
		IPMI_FLD_U8(bad_s, c),
		IPMI_FLD_RSVD(2),
		IPMI_FLD_TAIL(bad_s, t, n),
		IPMI_FLD_END
	};
	struct bad_s s;
	uint8_t buf[16];

	CHECK_INT(ipmi_fields_validate(overlap, sizeof(s)), VCM_EINVAL);
	CHECK_INT(ipmi_fields_validate(unclosed, sizeof(s)), VCM_EINVAL);
	CHECK_INT(ipmi_fields_validate(wide, sizeof(s)), VCM_EINVAL);
	CHECK_INT(ipmi_fields_validate(tail_not_last, sizeof(s)),
	    VCM_EINVAL);
	CHECK_INT(ipmi_fields_validate(when_past_end, sizeof(s)),
	    VCM_EINVAL);
	CHECK_INT(ipmi_fields_validate(bad_range, sizeof(s)), VCM_EINVAL);
	CHECK_INT(ipmi_fields_validate(good, sizeof(s)), 0);
	CHECK_INT(ipmi_fields_validate(good, 4), VCM_EINVAL);
	CHECK_INT(ipmi_fields_min_len(good), 3);
	CHECK_INT(ipmi_fields_max_len(good), 8);
	/* WHEN true: c present; RSVD written as 0 and ignored on read. */
	CHECK_INT(ipmi_fields_decode(good, &s, sizeof(s),
	    (const uint8_t *)"\x21\x09\xff\xff\xaa", 5), 0);
	CHECK_INT(s.a, 1);
	CHECK_INT(s.b, 2);
	CHECK_INT(s.c, 9);
	CHECK_INT(s.n, 1);
	CHECK_INT(s.t[0], 0xaa);
	CHECK_INT(ipmi_fields_encode(good, &s, sizeof(s), buf, sizeof(buf)),
	    5);
	CHECK_MEM(buf, "\x21\x09\x00\x00\xaa", 5);
	/* WHEN false: c absent. */
	CHECK_INT(ipmi_fields_decode(good, &s, sizeof(s),
	    (const uint8_t *)"\x22\x00\x00", 3), 0);
	CHECK_INT(s.a, 2);
	CHECK_INT(s.c, 0);
	CHECK_INT(s.n, 0);
	CHECK_INT(ipmi_fields_decode(good, &s, sizeof(s),
	    (const uint8_t *)"\x21\x00\x00", 3), VCM_ETRUNC);
	CHECK_INT(ipmi_fields_decode(NULL, &s, sizeof(s), buf, 1),
	    VCM_EINVAL);
	CHECK_INT(ipmi_fields_encode(good, NULL, sizeof(s), buf, 1),
	    VCM_EINVAL);
}

static const struct test_case tests[] = {
	{ "tables_are_valid", tables_are_valid },
	{ "lookup", lookup },
	{ "every_command_has_vectors", every_command_has_vectors },
	{ "vectors_round_trip", vectors_round_trip },
	{ "vectors_truncations", vectors_truncations },
	{ "vectors_trailing", vectors_trailing },
	{ "vectors_tail_max", vectors_tail_max },
	{ "vectors_enospc", vectors_enospc },
	{ "error_cc_only", error_cc_only },
	{ "wrong_struct_size", wrong_struct_size },
	{ "get_device_id", get_device_id },
	{ "get_system_guid", get_system_guid },
	{ "get_channel_info", get_channel_info },
	{ "get_auth_caps", get_auth_caps },
	{ "session_priv", session_priv },
	{ "close_session", close_session },
	{ "session_info", session_info },
	{ "user_access", user_access },
	{ "user_name", user_name },
	{ "payloads", payloads },
	{ "channel_ciphers", channel_ciphers },
	{ "cipher_records", cipher_records },
	{ "cipher_records_capped", cipher_records_capped },
	{ "chassis", chassis },
	{ "boot_options", boot_options },
	{ "lan_config", lan_config },
	{ "sol_config", sol_config },
	{ "fields_validate_rejects", fields_validate_rejects },
};

TEST_MAIN(tests)
