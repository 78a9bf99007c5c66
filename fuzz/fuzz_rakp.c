/*
 * Fuzzes the RMCP+ session-setup decoders: Open Session request and
 * response, RAKP 1-4. The first byte picks the decoder. A message that
 * decodes is re-encoded and must decode to the same struct; RAKP2 and
 * RAKP4 codes are checked against fixed credentials so the compare paths
 * run on hostile lengths.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/limits.h"
#include "ipmi/crypto.h"
#include "ipmi/rakp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ROUND_TRIP(type, dec, enc, p, n) do {				\
	struct type a, b;						\
	uint8_t buf[256];						\
	struct vbuf_wr w;						\
	if (dec((p), (n), &a) == 0) {					\
		vbuf_wr_init(&w, buf, sizeof(buf));			\
		if (enc(&w, &a) != 0 || dec(buf, w.len, &b) != 0 ||	\
		    memcmp(&a, &b, sizeof(a)) != 0)			\
			abort();					\
	}								\
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipmi_rakp_ctx c;
	struct ipmi_rakp2 r2;
	struct ipmi_rakp4 r4;
	uint8_t sik[VCM_IPMI_HASH_MAX];

	if (size < 1)
		return 0;
	switch (data[0] % 6) {
	case 0:
		ROUND_TRIP(ipmi_open_session_rq, ipmi_open_session_rq_decode,
		    ipmi_open_session_rq_encode, data + 1, size - 1);
		break;
	case 1:
		ROUND_TRIP(ipmi_open_session_rs, ipmi_open_session_rs_decode,
		    ipmi_open_session_rs_encode, data + 1, size - 1);
		break;
	case 2:
		ROUND_TRIP(ipmi_rakp1, ipmi_rakp1_decode, ipmi_rakp1_encode,
		    data + 1, size - 1);
		break;
	case 3:
		ROUND_TRIP(ipmi_rakp2, ipmi_rakp2_decode, ipmi_rakp2_encode,
		    data + 1, size - 1);
		if (ipmi_rakp2_decode(data + 1, size - 1, &r2) == 0 &&
		    r2.status == 0) {
			memset(&c, 0, sizeof(c));
			c.auth = (data[0] & 0x80) ? IPMI_AUTH_HMAC_SHA256 :
			    IPMI_AUTH_HMAC_SHA1;
			memcpy(c.rc, r2.rc, sizeof(c.rc));
			memcpy(c.guid_c, r2.guid_c, sizeof(c.guid_c));
			ipmi_rakp_ctx_set_creds(&c, "admin", "secret", 6,
			    NULL, 0);
			/* A forged code must not pass (2^-96 chance). */
			if (ipmi_rakp2_check(&c, r2.code, r2.code_len) == 0)
				abort();
		}
		break;
	case 4:
		ROUND_TRIP(ipmi_rakp3, ipmi_rakp3_decode, ipmi_rakp3_encode,
		    data + 1, size - 1);
		break;
	case 5:
		ROUND_TRIP(ipmi_rakp4, ipmi_rakp4_decode, ipmi_rakp4_encode,
		    data + 1, size - 1);
		if (ipmi_rakp4_decode(data + 1, size - 1, &r4) == 0) {
			memset(&c, 0, sizeof(c));
			c.auth = IPMI_AUTH_HMAC_SHA256;
			memset(sik, 0x5a, sizeof(sik));
			if (ipmi_rakp4_check(&c, sik, r4.icv, r4.icv_len) == 0)
				abort();
		}
		break;
	}
	return 0;
}
