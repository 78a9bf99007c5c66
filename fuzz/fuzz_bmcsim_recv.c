/*
 * Fuzzes bmcsim's receive path: everything a hostile console can send a
 * simulated BMC. The input is a list of datagrams (2-byte length prefix
 * each). Mode by the first byte:
 *  even: each datagram goes to sim_recv() as it is (pre-session
 *        messages, Open Session/RAKP, forged session packets);
 *  odd:  the harness opens a session with known keys first and seals
 *        each datagram's bytes as an IPMI (then SOL, alternating)
 *        payload, so command handlers and the SOL engine see hostile
 *        data behind a valid MAC.
 * The BMC has no socket here: its replies are built, then dropped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipmi/rakp.h"
#include "ipmi/rmcpplus.h"
#include "bmcsim/config.h"
#include "bmcsim/quirks.h"
#include "bmcsim/sim.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sim sim;
static struct sim_config cfg;
static struct sim_profile prof;

static void
setup(void)
{
	sim_profile_default(&prof);
	memcpy(prof.users[0].name, "admin", 6);
	memcpy(prof.users[0].password, "secret", 6);
	prof.users[0].password_len = 6;
	prof.users[0].priv = IPMI_PRIV_ADMIN;
	prof.users[0].enabled = 1;
	prof.nusers = 1;
	sim_config_init(&cfg);
	sim.loop = uv_default_loop();
	sim.cfg = &cfg;
	sim.nbmcs = 1;
	sim.bmcs = calloc(1, sizeof(*sim.bmcs));
	uv_timer_init(sim.loop, &sim.tick);
	sim.tick.data = &sim;
	sim.rng = 1;
}

/* A session as if RAKP had run, with keys the harness also holds. */
static struct sim_session *
open_session(struct bmc *b, struct ipmi_session_keys *k, uint8_t quirks)
{
	struct ipmi_cipher_suite cs;
	struct ipmi_rakp_ctx c;
	struct sim_session *s;

	b->sessions = calloc(b->nslots, sizeof(*b->sessions));
	s = &b->sessions[0];
	memset(&c, 0, sizeof(c));
	ipmi_cipher_suite_lookup(quirks & 1 ? 17 : 3, &cs);
	c.auth = cs.auth;
	c.sid_m = 0x11;
	c.sid_c = 0x22;
	ipmi_rakp_ctx_set_creds(&c, "admin", "secret", 6, NULL, 0);
	ipmi_keys_derive(&s->keys, &c, &cs);
	*k = s->keys;
	s->state = SIM_SS_ACTIVE;
	s->suite = cs.id;
	s->sid_m = 0x11;
	s->sid_c = 0x22;
	s->max_priv = s->priv = IPMI_PRIV_ADMIN;
	s->handle = 1;
	s->peer.sin_family = AF_INET;
	s->peer.sin_addr.s_addr = htonl(0x7f000001);
	ipmi_seqwin_init(&s->in);
	ipmi_seqwin_out_init(&s->out);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct ipmi_session_keys k;
	struct ipmi_lanplus_hdr h;
	struct sockaddr_in from;
	uint8_t pkt[VCM_IPMI_DATAGRAM_MAX], iv[16] = { 0 };
	struct vbuf_wr w;
	struct bmc *b;
	uint32_t seq = 1;
	size_t off = 1, len;
	uint8_t mode, k8;

	if (!init) {
		setup();
		init = 1;
	}
	if (size < 1)
		return 0;
	mode = data[0];
	b = &sim.bmcs[0];
	memset(b, 0, sizeof(*b));
	prof.quirks = (uint32_t)(mode >> 1) & SIM_Q_ALL;
	sim_bmc_init(&sim, b, 0, 0x7f150001, &prof);
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_addr.s_addr = htonl(0x7f000001);
	from.sin_port = htons(40000);
	if (mode & 1)
		open_session(b, &k, (uint8_t)(mode >> 1));
	for (k8 = 0; off + 2 <= size && k8 < 32; k8++) {
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		if (!(mode & 1)) {
			sim_recv(b, data + off, len, &from);
		} else {
			memset(&h, 0, sizeof(h));
			h.payload_type = (k8 & 1) ? IPMI_PAYLOAD_SOL :
			    IPMI_PAYLOAD_IPMI;
			h.encrypted = h.authenticated = 1;
			h.session_id = 0x22;
			h.seq = seq++;
			vbuf_wr_init(&w, pkt, sizeof(pkt));
			if (ipmi_lanplus_encode(&w, &h, &k, iv, data + off,
			    len) == 0)
				sim_recv(b, pkt, w.len, &from);
		}
		off += len;
		sim_bmc_tick(b, sim_now(&sim) + (uint64_t)k8 * 50);
	}
	/* Tear down what the BMC allocated, as at a session's end. */
	if (b->sessions != NULL) {
		for (k8 = 0; k8 < b->nslots; k8++)
			sim_session_close(b, &b->sessions[k8]);
		free(b->sessions);
	}
	free(b->sol);
	free(b->pending);
	if (b->busy) {
		sim.busy = NULL;
		b->busy = 0;
	}
	ipmi_keys_wipe(&k);
	return 0;
}
