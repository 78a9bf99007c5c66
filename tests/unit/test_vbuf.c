/* The bounds-checked reader/writer, the error table and log formatting. */
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "vcm/vbuf.h"
#include "vcm/wipe.h"
#include "test.h"

static void
reads_in_order(void)
{
	static const uint8_t in[] = { 1, 0x34, 0x12, 0x12, 0x34, 0x78, 0x56,
	    0x34, 0x12, 0x12, 0x34, 0x56, 0x78, 0xaa, 0xbb };
	struct vbuf_rd r;
	uint8_t two[2];

	vbuf_rd_init(&r, in, sizeof(in));
	CHECK_INT(vbuf_peek_u8(&r), 1);
	CHECK_INT(vbuf_get_u8(&r), 1);
	CHECK_INT(vbuf_get_u16le(&r), 0x1234);
	CHECK_INT(vbuf_get_u16be(&r), 0x1234);
	CHECK_INT(vbuf_get_u32le(&r), 0x12345678);
	CHECK_INT(vbuf_get_u32be(&r), 0x12345678);
	CHECK_INT(vbuf_left(&r), 2);
	vbuf_get_bytes(&r, two, 2);
	CHECK_INT(two[0], 0xaa);
	CHECK_INT(two[1], 0xbb);
	CHECK_INT(vbuf_end(&r), 0);
}

static void
truncation_is_sticky(void)
{
	static const uint8_t in[] = { 1, 2, 3 };
	struct vbuf_rd r;
	uint8_t out[4] = { 9, 9, 9, 9 };

	vbuf_rd_init(&r, in, sizeof(in));
	CHECK_INT(vbuf_get_u16le(&r), 0x0201);
	CHECK_INT(vbuf_get_u16le(&r), 0);	/* only one byte left */
	CHECK_INT(r.err, VCM_ETRUNC);
	/* Later reads fail even where bytes would remain. */
	CHECK_INT(vbuf_get_u8(&r), 0);
	CHECK_INT(vbuf_left(&r), 0);
	vbuf_get_bytes(&r, out, 4);
	CHECK_INT(out[0], 0);
	CHECK(vbuf_get_span(&r, 0) == NULL);
	CHECK_INT(vbuf_end(&r), VCM_ETRUNC);
}

static void
trailing_bytes_rejected(void)
{
	static const uint8_t in[] = { 1, 2, 3 };
	struct vbuf_rd r;

	vbuf_rd_init(&r, in, sizeof(in));
	(void)vbuf_get_u16le(&r);
	CHECK_INT(vbuf_end(&r), VCM_ETRAILING);
	vbuf_skip(&r, 1);
	CHECK_INT(vbuf_end(&r), 0);
	vbuf_skip(&r, 1);
	CHECK_INT(vbuf_end(&r), VCM_ETRUNC);
}

static void
sub_spans(void)
{
	static const uint8_t in[] = { 3, 0xa, 0xb, 0xc, 0xff };
	struct vbuf_rd r, s, bad;
	uint8_t n;

	vbuf_rd_init(&r, in, sizeof(in));
	n = vbuf_get_u8(&r);
	vbuf_sub(&r, n, &s);
	CHECK_INT(vbuf_get_u8(&s), 0xa);
	CHECK_INT(vbuf_get_u16be(&s), 0x0b0c);
	CHECK_INT(vbuf_end(&s), 0);
	/* Reading past a sub-span fails there, not in the parent. */
	CHECK_INT(vbuf_get_u8(&s), 0);
	CHECK_INT(vbuf_end(&s), VCM_ETRUNC);
	CHECK_INT(vbuf_get_u8(&r), 0xff);
	CHECK_INT(vbuf_end(&r), 0);
	/* A sub-span longer than what is left fails both. */
	vbuf_rd_init(&r, in, sizeof(in));
	vbuf_sub(&r, 6, &bad);
	CHECK_INT(vbuf_end(&r), VCM_ETRUNC);
	CHECK_INT(vbuf_end(&bad), VCM_ETRUNC);
	CHECK_INT(vbuf_left(&bad), 0);
	/* The rest of a reader. */
	vbuf_rd_init(&r, in, sizeof(in));
	vbuf_skip(&r, 2);
	vbuf_rest(&r, &s);
	CHECK_INT(vbuf_left(&s), 3);
	CHECK_INT(vbuf_end(&r), 0);
}

static void
huge_lengths_do_not_wrap(void)
{
	static const uint8_t in[] = { 1, 2, 3 };
	struct vbuf_rd r;
	struct vbuf_wr w;
	uint8_t out[4];

	vbuf_rd_init(&r, in, sizeof(in));
	vbuf_skip(&r, 1);
	CHECK(vbuf_get_span(&r, SIZE_MAX) == NULL);
	CHECK_INT(r.err, VCM_ETRUNC);
	vbuf_wr_init(&w, out, sizeof(out));
	vbuf_put_u8(&w, 1);
	CHECK(vbuf_reserve(&w, SIZE_MAX) == NULL);
	CHECK_INT(vbuf_wr_error(&w), VCM_ENOSPC);
}

static void
writer_overflow_is_sticky(void)
{
	uint8_t out[7];
	struct vbuf_wr w;
	static const uint8_t want[] = { 0x34, 0x12, 0x12, 0x34, 0x78, 0x56,
	    0x34 };

	memset(out, 0, sizeof(out));
	vbuf_wr_init(&w, out, sizeof(out));
	vbuf_put_u16le(&w, 0x1234);
	vbuf_put_u16be(&w, 0x1234);
	vbuf_put_u32le(&w, 0x12345678);	/* 4 > 3 left: nothing written */
	CHECK_INT(vbuf_wr_error(&w), VCM_ENOSPC);
	CHECK_INT(w.len, 4);
	vbuf_put_u8(&w, 1);		/* sticky: not written either */
	CHECK_INT(w.len, 4);
	CHECK_INT(out[4], 0);
	vbuf_wr_init(&w, out, sizeof(out));
	vbuf_put_u16le(&w, 0x1234);
	vbuf_put_u16be(&w, 0x1234);
	vbuf_put_u16le(&w, 0x5678);
	vbuf_put_fill(&w, 0x34, 1);
	CHECK_INT(vbuf_wr_error(&w), 0);
	CHECK_MEM(out, want, sizeof(want));
}

static void
writer_be32_and_bytes(void)
{
	uint8_t out[8];
	struct vbuf_wr w;
	static const uint8_t want[] = { 0x12, 0x34, 0x56, 0x78, 'a', 'b',
	    0, 0 };

	memset(out, 0, sizeof(out));
	vbuf_wr_init(&w, out, sizeof(out));
	vbuf_put_u32be(&w, 0x12345678);
	vbuf_put_bytes(&w, "ab", 2);
	vbuf_put_bytes(&w, NULL, 0);
	CHECK_INT(w.len, 6);
	CHECK_MEM(out, want, sizeof(want));
}

static void
error_table_names_every_code(void)
{
	int r;

	CHECK(strcmp(vcm_strerror(VCM_OK), "success") == 0);
	CHECK(strcmp(vcm_errname(VCM_ETRUNC), "ETRUNC") == 0);
	CHECK(strcmp(vcm_strerror(VCM_ETRAILING),
	    "trailing bytes after message") == 0);
	for (r = -1; r >= VCM_ESTATE; r--) {
		CHECK(strcmp(vcm_errname(r), "EUNKNOWN") != 0);
		CHECK(strcmp(vcm_strerror(r), "unknown error") != 0);
	}
	CHECK(strcmp(vcm_strerror(-1000), "unknown error") == 0);
	CHECK(strcmp(vcm_errname(-1000), "EUNKNOWN") == 0);
}

static void
log_quotes_and_redacts(void)
{
	char line[256];
	const char *kv[] = { "bmc", "127.0.0.5", "msg", "a \"b\"\n",
	    "password", "hunter2", "api_key", "abc", "key_id", "k1" };

	vcm_log_format(line, sizeof(line), VCM_LOG_WARN, "bmc_open", kv, 10);
	CHECK(strcmp(line, "level=warn event=bmc_open bmc=127.0.0.5 "
	    "msg=\"a \\\"b\\\"\\x0a\" password=[redacted] "
	    "api_key=[redacted] key_id=k1") == 0);
	CHECK(strstr(line, "hunter2") == NULL);
	CHECK(vcm_log_key_is_secret("bmc_password"));
	CHECK(vcm_log_key_is_secret("Kg"));
	CHECK(!vcm_log_key_is_secret("bmc"));
}

static void
log_line_is_bounded(void)
{
	char big[3000], line[64];
	const char *kv[2] = { "v", big };

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(vcm_log_format(line, sizeof(line), VCM_LOG_INFO, "e", kv, 2) ==
	    sizeof(line) - 1);
	CHECK(line[sizeof(line) - 1] == '\0');
}

static void
wipe_clears(void)
{
	uint8_t k[VCM_IPMI_KEY_MAX];
	uint8_t zero[VCM_IPMI_KEY_MAX] = { 0 };

	memset(k, 0x5a, sizeof(k));
	vcm_wipe(k, sizeof(k));
	CHECK_MEM(k, zero, sizeof(k));
	vcm_wipe(NULL, 5);
}

static const struct test_case tests[] = {
	{ "reads_in_order", reads_in_order },
	{ "truncation_is_sticky", truncation_is_sticky },
	{ "trailing_bytes_rejected", trailing_bytes_rejected },
	{ "sub_spans", sub_spans },
	{ "huge_lengths_do_not_wrap", huge_lengths_do_not_wrap },
	{ "writer_overflow_is_sticky", writer_overflow_is_sticky },
	{ "writer_be32_and_bytes", writer_be32_and_bytes },
	{ "error_table_names_every_code", error_table_names_every_code },
	{ "log_quotes_and_redacts", log_quotes_and_redacts },
	{ "log_line_is_bounded", log_line_is_bounded },
	{ "wipe_clears", wipe_clears },
};

TEST_MAIN(tests)
