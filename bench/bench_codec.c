/*
 * Codec cost: how long the wire library takes to seal and open RMCP+
 * packets and to run the RAKP key exchange, per cipher suite. This is
 * the CPU floor under every BMC conversation the engine will have;
 * `make bench` runs it on a build without sanitizers.
 *
 * Usage: bench_codec [seconds-per-case]   (default 1, at most 30)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vcm/limits.h"
#include "ipmi/crypto.h"
#include "ipmi/rmcpplus.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
make_ctx(struct ipmi_rakp_ctx *c, uint8_t auth)
{
	memset(c, 0, sizeof(*c));
	c->auth = auth;
	c->sid_m = 1;
	c->sid_c = 2;
	c->role = 0x14;
	ipmi_rakp_ctx_set_creds(c, "admin", "secret", 6, NULL, 0);
}

/* One console-side handshake's crypto: check RAKP2, RAKP3, keys, RAKP4. */
static int
handshake(uint8_t suite)
{
	struct ipmi_cipher_suite cs;
	struct ipmi_rakp_ctx c;
	struct ipmi_session_keys k;
	uint8_t code[VCM_IPMI_HASH_MAX];
	size_t n;
	int r;

	ipmi_cipher_suite_lookup(suite, &cs);
	make_ctx(&c, cs.auth);
	r = ipmi_rakp2_code(&c, code, &n) || ipmi_rakp2_check(&c, code, n) ||
	    ipmi_rakp3_code(&c, code, &n) || ipmi_keys_derive(&k, &c, &cs) ||
	    ipmi_rakp4_icv(&c, k.sik, code, &n);
	ipmi_keys_wipe(&k);
	ipmi_rakp_ctx_wipe(&c);
	return r;
}

static int
seal_open(const struct ipmi_session_keys *k, size_t len)
{
	static const uint8_t iv[16] = { 1 };
	uint8_t pl[VCM_SOL_DATA_MAX + 4], pkt[VCM_IPMI_DATAGRAM_MAX];
	uint8_t out[VCM_IPMI_DATAGRAM_MAX];
	struct ipmi_lanplus_hdr h;
	struct vbuf_wr w;
	size_t olen;

	memset(pl, 'x', sizeof(pl));
	memset(&h, 0, sizeof(h));
	h.payload_type = IPMI_PAYLOAD_SOL;
	h.encrypted = h.authenticated = 1;
	h.session_id = 2;
	h.seq = 1;
	vbuf_wr_init(&w, pkt, sizeof(pkt));
	if (ipmi_lanplus_encode(&w, &h, k, iv, pl, len) != 0)
		return -1;
	return ipmi_lanplus_decode(pkt, w.len, k, &h, out, sizeof(out), &olen);
}

int
main(int argc, char **argv)
{
	static const uint8_t suites[] = { 3, 17 };
	static const size_t lens[] = { 16, VCM_SOL_DATA_MAX };
	struct ipmi_cipher_suite cs;
	struct ipmi_rakp_ctx c;
	struct ipmi_session_keys k;
	double secs = 1, t0, t;
	unsigned long ops;
	size_t s, l;
	char *end;

	if (argc > 1) {
		secs = strtod(argv[1], &end);
		if (*end != '\0' || secs <= 0 || secs > 30) {
			fprintf(stderr, "usage: bench_codec [seconds 0..30]\n");
			return 2;
		}
	}
	printf("%-34s %12s %12s\n", "case", "ops/s", "us/op");
	for (s = 0; s < sizeof(suites); s++) {
		t0 = now();
		for (ops = 0; (t = now()) - t0 < secs; ops++)
			if (handshake(suites[s]) != 0)
				return 1;
		printf("suite %-2u RAKP crypto (console side) %12.0f %12.2f\n",
		    suites[s], ops / (t - t0), (t - t0) * 1e6 / ops);
		ipmi_cipher_suite_lookup(suites[s], &cs);
		make_ctx(&c, cs.auth);
		ipmi_keys_derive(&k, &c, &cs);
		for (l = 0; l < 2; l++) {
			t0 = now();
			for (ops = 0; (t = now()) - t0 < secs; ops++)
				if (seal_open(&k, lens[l]) != 0)
					return 1;
			printf("suite %-2u seal+open %3zu-byte payload %12.0f "
			    "%12.2f\n", suites[s], lens[l], ops / (t - t0),
			    (t - t0) * 1e6 / ops);
		}
		ipmi_keys_wipe(&k);
	}
	return 0;
}
