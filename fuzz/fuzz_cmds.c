/*
 * Fuzz target for the lib/ipmi command codecs (cmds.h, fields.h).
 *
 * Input: byte 0 picks a command (or parameter helper), byte 1 the mode:
 * bit 0 = response (else request), bit 1 = configuration parameter
 * helper instead of a command. The rest is the data to decode. When it
 * decodes, it must re-encode to the same length (or to the completion
 * code alone) and decode back to the same struct; any difference aborts.
 * The whole input is also run through the cipher suite record parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/cmds.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

union fuzz_struct {
	uint64_t	align;
	uint8_t		b[256];
};

/* decode -> encode -> decode must be the identity on the struct. */
static void
fuzz_round_trip(const struct ipmi_field *t, size_t sz, int rs,
    const uint8_t *p, size_t n)
{
	union fuzz_struct s1, s2;
	uint8_t out[VCM_IPMI_MSG_DATA_MAX];
	int len;

	if (sz > sizeof(s1.b))
		abort();
	if (ipmi_fields_decode(t, &s1, sz, p, n) != 0)
		return;
	len = ipmi_fields_encode(t, &s1, sz, out, sizeof(out));
	if (len < 0)
		abort();
	if (rs && s1.b[0] != 0) {
		if (len != 1 || out[0] != s1.b[0])
			abort();
	} else if ((size_t)len != n)
		abort();
	if (ipmi_fields_decode(t, &s2, sz, out, (size_t)len) != 0)
		abort();
	if (memcmp(s1.b, s2.b, sz) != 0)
		abort();
	/* Too small a buffer never succeeds. */
	if (len > 0 && ipmi_fields_encode(t, &s1, sz, out, (size_t)len - 1) !=
	    VCM_ENOSPC)
		abort();
}

/* Commands go through the public codec, which checks the struct size. */
static void
fuzz_cmd(const struct ipmi_cmd *c, int rs, const uint8_t *p, size_t n)
{
	union fuzz_struct s1, s2;
	uint8_t out[VCM_IPMI_MSG_DATA_MAX];
	size_t sz = rs ? c->rs_size : c->rq_size;
	int len, rc;

	rc = rs ? ipmi_cmd_decode_rs(c, &s1, sz, p, n) :
	    ipmi_cmd_decode_rq(c, &s1, sz, p, n);
	if (rc != 0)
		return;
	len = rs ? ipmi_cmd_encode_rs(c, &s1, sz, out, sizeof(out)) :
	    ipmi_cmd_encode_rq(c, &s1, sz, out, sizeof(out));
	if (len < 0)
		abort();
	rc = rs ? ipmi_cmd_decode_rs(c, &s2, sz, out, (size_t)len) :
	    ipmi_cmd_decode_rq(c, &s2, sz, out, (size_t)len);
	if (rc != 0 || memcmp(s1.b, s2.b, sz) != 0)
		abort();
	fuzz_round_trip(rs ? c->rs : c->rq, sz, rs, p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipmi_cipher_record cs[VCM_IPMI_CIPHER_SUITES_MAX + 1];
	const struct ipmi_param *pp;
	size_t np, i;
	int rc;

	rc = ipmi_cipher_suite_records_parse(data, size, cs,
	    VCM_IPMI_CIPHER_SUITES_MAX + 1);
	if (rc > VCM_IPMI_CIPHER_SUITES_MAX)
		abort();
	for (i = 0; rc > 0 && i < (size_t)rc; i++)
		if (cs[i].auth > 0x3f || cs[i].integ > 0x3f ||
		    cs[i].conf > 0x3f || cs[i].oem_iana > 0xffffff ||
		    (cs[i].integ_mask & ((uint64_t)1 << cs[i].integ)) == 0)
			abort();
	if (rc >= 0 && ipmi_cipher_suite_records_parse(data, size, cs, 1) !=
	    (rc > 0 ? 1 : 0))
		abort();
	if (size < 2)
		return 0;
	if (data[1] & 2) {
		np = ipmi_params_boot_count + ipmi_params_transport_count;
		i = data[0] % np;
		pp = i < ipmi_params_boot_count ? &ipmi_params_boot[i] :
		    &ipmi_params_transport[i - ipmi_params_boot_count];
		fuzz_round_trip(pp->fields, pp->size, 0, data + 2, size - 2);
		return 0;
	}
	fuzz_cmd(ipmi_cmd_at(data[0] % ipmi_cmd_count()), data[1] & 1,
	    data + 2, size - 2);
	return 0;
}
