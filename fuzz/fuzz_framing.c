/*
 * Fuzzes the datagram-level decoders a BMC's first bytes reach: RMCP
 * classification, ASF ping/pong, the IPMI 1.5 session header and IPMI
 * message framing. Decoded messages are re-encoded and must decode to
 * the same thing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/limits.h"
#include "ipmi/lan15.h"
#include "ipmi/msg.h"
#include "ipmi/rmcp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
msg_round_trip(const uint8_t *p, size_t n, unsigned int flags)
{
	struct ipmi_msg m, m2;
	uint8_t buf[VCM_IPMI_DATAGRAM_MAX];
	struct vbuf_wr w;

	if (ipmi_msg_decode(p, n, flags, &m) != 0)
		return;
	if (m.data_len > VCM_IPMI_MSG_DATA_MAX)
		abort();
	vbuf_wr_init(&w, buf, sizeof(buf));
	if (ipmi_msg_encode(&w, &m) != 0)
		abort();
	if (ipmi_msg_decode(buf, w.len, 0, &m2) != 0)
		abort();
	if (m.netfn != m2.netfn || m.cmd != m2.cmd || m.seq != m2.seq ||
	    m.data_len != m2.data_len ||
	    (m.data_len && memcmp(m.data, m2.data, m.data_len) != 0))
		abort();
	/* Without the quirk flag the checksums were right, so bytes match. */
	if (flags == 0 && (w.len != n || memcmp(buf, p, n) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipmi_asf_msg asf, asf2;
	struct ipmi_lan15_hdr h;
	const uint8_t *msg;
	size_t len;
	uint8_t buf[VCM_IPMI_DATAGRAM_MAX];
	struct vbuf_wr w;

	switch (ipmi_datagram_classify(data, size)) {
	case IPMI_DGRAM_ASF:
		if (ipmi_asf_decode(data, size, &asf) == 0) {
			vbuf_wr_init(&w, buf, sizeof(buf));
			if (ipmi_asf_encode(&w, &asf) != 0 ||
			    ipmi_asf_decode(buf, w.len, &asf2) != 0 ||
			    memcmp(&asf, &asf2, sizeof(asf)) != 0)
				abort();
		}
		break;
	case IPMI_DGRAM_LAN15:
		if (ipmi_lan15_decode(data, size, &h, &msg, &len) == 0) {
			if (msg < data || msg + len > data + size)
				abort();
			msg_round_trip(msg, len, 0);
			msg_round_trip(msg, len, IPMI_MSG_F_NOCHECKSUM);
		}
		break;
	default:
		break;
	}
	/* Also treat the whole input as a bare IPMI message. */
	msg_round_trip(data, size, 0);
	msg_round_trip(data, size, IPMI_MSG_F_NOCHECKSUM);
	return 0;
}
