/*
 * bmcsim's network side: one UDP socket per BMC on its own loopback
 * address, one shared receive buffer, faults applied to replies on the
 * way out, and one tick timer that runs only while some BMC is busy (a
 * session, a SOL, a booting host, a delayed reply), so an idle fleet
 * costs no CPU.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "sim.h"

uint64_t
sim_now(const struct sim *sim)
{
	return uv_now(sim->loop);
}

/* xorshift64*: the dice for faults, never for anything secret. */
uint32_t
sim_random(struct sim *sim)
{
	uint64_t x = sim->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	sim->rng = x;
	return (uint32_t)((x * UINT64_C(2685821657736338717)) >> 32);
}

/* Session ids, Rc and IVs: from OpenSSL's generator. */
void
sim_random_bytes(void *p, size_t n)
{
	if (RAND_bytes(p, (int)n) != 1) {
		/* Without randomness a BMC must not open sessions at all. */
		vcm_log(VCM_LOG_ERROR, "rand_failed", NULL);
		abort();
	}
}

void
sim_addr_str(uint32_t a, char *buf, size_t len)
{
	struct in_addr in;

	in.s_addr = htonl(a);
	if (inet_ntop(AF_INET, &in, buf, (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
}

/* Sets one BMC up from its profile; nothing is bound yet. */
void
sim_bmc_init(struct sim *sim, struct bmc *b, uint32_t index, uint32_t addr,
    const struct sim_profile *prof)
{
	char host[32];

	b->sim = sim;
	b->index = index;
	b->addr = addr;
	b->prof = prof;
	b->quirks = prof->quirks;
	b->faults = prof->faults;
	b->session_timeout_ms = prof->session_timeout_ms;
	b->sol_retry_ms = prof->sol_retry_ms;
	b->sol_retries = prof->sol_retries;
	b->nslots = prof->slots;
	b->ip_source = 1;			/* static */
	b->netmask = 0xff000000;		/* loopback is a /8 */
	sim_random_bytes(b->guid, sizeof(b->guid));
	snprintf(host, sizeof(host), "server-%u", index + 1);
	host_init(&b->host, host, prof->output_bps,
	    prof->stamp ? HOST_FLOOD_STAMP : prof->flood, uv_now(sim->loop), 1);
}

static void tick_cb(uv_timer_t *);

/* Puts a BMC on the busy list and makes sure the tick runs. */
void
sim_busy(struct bmc *b)
{
	struct sim *sim = b->sim;

	if (!b->busy) {
		b->busy = 1;
		b->busy_prev = NULL;
		b->busy_next = sim->busy;
		if (sim->busy != NULL)
			sim->busy->busy_prev = b;
		sim->busy = b;
	}
	if (!sim->ticking) {
		sim->ticking = 1;
		uv_timer_start(&sim->tick, tick_cb, SIM_TICK_MS, SIM_TICK_MS);
	}
}

static void
unbusy(struct bmc *b)
{
	struct sim *sim = b->sim;

	if (!b->busy)
		return;
	if (b->busy_prev != NULL)
		b->busy_prev->busy_next = b->busy_next;
	else
		sim->busy = b->busy_next;
	if (b->busy_next != NULL)
		b->busy_next->busy_prev = b->busy_prev;
	b->busy = 0;
	b->busy_next = b->busy_prev = NULL;
}

static void
raw_send(struct bmc *b, const struct sockaddr_in *to, const uint8_t *p,
    size_t n)
{
	uv_buf_t buf = uv_buf_init((char *)(uintptr_t)p, (unsigned int)n);

	/* UDP on loopback: the kernel copies now; no request to keep. */
	if (b->udp != NULL &&
	    uv_udp_try_send(b->udp, &buf, 1, (const struct sockaddr *)to) >= 0)
		b->sim->tx_packets++;
}

/* Holds a reply back (delay or reorder); full queue: send it now. */
static int
hold(struct bmc *b, const struct sockaddr_in *to, const uint8_t *p, size_t n,
    uint64_t due)
{
	struct sim_pending *q;

	if (b->pending == NULL &&
	    (b->pending = calloc(SIM_PENDING_MAX, sizeof(*b->pending))) == NULL)
		return -1;
	if (b->npending >= SIM_PENDING_MAX || n > sizeof(q->data))
		return -1;
	q = &b->pending[b->npending++];
	q->due_ms = due;
	q->to = *to;
	q->len = (uint16_t)n;
	memcpy(q->data, p, n);
	sim_busy(b);
	return 0;
}

static int
roll(struct sim *sim, uint16_t permille)
{
	return permille > 0 && sim_random(sim) % SIM_PERMILLE_MAX < permille;
}

/*
 * Sends a reply through the BMC's faults: loss, garbage, duplication,
 * delay and reordering. Never more than two datagrams per reply (a
 * duplicate), so the simulator cannot amplify traffic.
 */
void
sim_send(struct bmc *b, const struct sockaddr_in *to, const uint8_t *p,
    size_t n)
{
	const struct sim_faults *f = &b->faults;
	struct sim *sim = b->sim;
	uint8_t junk[VCM_IPMI_DATAGRAM_MAX];
	uint64_t due = sim_now(sim) + f->delay_ms;
	size_t i;

	if (roll(sim, f->loss)) {
		sim->dropped++;
		return;
	}
	if (roll(sim, f->garbage)) {
		for (i = 0; i < n && i < sizeof(junk); i++)
			junk[i] = (uint8_t)sim_random(sim);
		p = junk;
	}
	if (roll(sim, f->reorder))
		due += SIM_TICK_MS * 2;	/* lets the next reply overtake it */
	if (due > sim_now(sim) && hold(b, to, p, n, due) == 0) {
		if (roll(sim, f->dup))
			(void)hold(b, to, p, n, due);
		return;
	}
	raw_send(b, to, p, n);
	if (roll(sim, f->dup))
		raw_send(b, to, p, n);
}

static void
flush_pending(struct bmc *b, uint64_t now)
{
	uint8_t i = 0;

	while (i < b->npending) {
		if (b->pending[i].due_ms > now) {
			i++;
			continue;
		}
		raw_send(b, &b->pending[i].to, b->pending[i].data,
		    b->pending[i].len);
		b->pending[i] = b->pending[--b->npending];
	}
}

/* One BMC's periodic work; off the busy list when nothing is left. */
void
sim_bmc_tick(struct bmc *b, uint64_t now)
{
	uint8_t out[SIM_SOL_CHUNK * 2];
	size_t n = 0;
	unsigned ev;

	(void)host_tick(&b->host, now, out, sizeof(out), &n);
	ev = host_events(&b->host);
	if (ev & HOST_EV_BOOT)
		sim_sol_reboot(b);
	if (n > 0)
		sim_sol_host_output(b, out, n);
	sim_sol_tick(b, now);
	sim_session_tick(b, now);
	if (b->npending > 0)
		flush_pending(b, now);
	if (sim_session_count(b) == 0 && !b->sol_active &&
	    host_next_deadline(&b->host, now) == 0 && b->npending == 0)
		unbusy(b);
}

static void
tick_cb(uv_timer_t *t)
{
	struct sim *sim = t->data;
	uint64_t now = sim_now(sim);
	struct bmc *b, *next;

	for (b = sim->busy; b != NULL; b = next) {
		next = b->busy_next;
		sim_bmc_tick(b, now);
	}
	if (sim->busy == NULL) {
		uv_timer_stop(&sim->tick);
		sim->ticking = 0;
	}
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct bmc *b = h->data;

	/* One buffer for the whole fleet: callbacks never overlap. */
	buf->base = (char *)b->sim->rxbuf;
	buf->len = sizeof(b->sim->rxbuf);
}

static void
recv_cb(uv_udp_t *u, ssize_t nread, const uv_buf_t *buf,
    const struct sockaddr *from, unsigned flags)
{
	struct bmc *b = u->data;
	struct sim *sim = b->sim;

	if (nread <= 0 || from == NULL || from->sa_family != AF_INET)
		return;
	sim->rx_packets++;
	if ((flags & UV_UDP_PARTIAL) || (size_t)nread > VCM_IPMI_DATAGRAM_MAX) {
		sim->dropped++;		/* oversized: no BMC message is */
		return;
	}
	if (b->dark_until_ms != 0) {
		if (sim_now(sim) < b->dark_until_ms) {
			sim->dropped++;
			return;
		}
		b->dark_until_ms = 0;
	}
	sim_recv(b, (const uint8_t *)buf->base, (size_t)nread,
	    (const struct sockaddr_in *)(const void *)from);
}

static void
close_free_cb(uv_handle_t *h)
{
	free(h);
}

/*
 * Binds (or moves) a BMC's socket to addr:port. Moving is how a LAN
 * configuration change takes effect: the old address stops answering.
 */
int
sim_bmc_bind(struct bmc *b, uint32_t addr)
{
	struct sockaddr_in sa;
	uv_udp_t *u;
	char a[INET_ADDRSTRLEN], old[INET_ADDRSTRLEN];
	int r;

	if ((addr >> 24) != 127)
		return VCM_EINVAL;	/* never anything but loopback */
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return VCM_ENOMEM;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(b->sim->cfg->port);
	sa.sin_addr.s_addr = htonl(addr);
	sim_addr_str(addr, a, sizeof(a));
	if ((r = uv_udp_init(b->sim->loop, u)) != 0) {
		free(u);
		return VCM_EIO;
	}
	u->data = b;
	if ((r = uv_udp_bind(u, (const struct sockaddr *)&sa, 0)) != 0 ||
	    (r = uv_udp_recv_start(u, alloc_cb, recv_cb)) != 0) {
		vcm_log(VCM_LOG_ERROR, "bind_failed", "addr", a,
		    "error", uv_strerror(r), NULL);
		uv_close((uv_handle_t *)u, close_free_cb);
		return VCM_EIO;
	}
	if (b->udp != NULL) {
		sim_addr_str(b->addr, old, sizeof(old));
		vcm_log(VCM_LOG_INFO, "bmc_moved", "from", old, "to", a, NULL);
		uv_close((uv_handle_t *)b->udp, close_free_cb);
	}
	b->udp = u;
	b->addr = addr;
	return 0;
}

int
sim_net_start(struct sim *sim)
{
	uint32_t i;
	int r;

	if (uv_timer_init(sim->loop, &sim->tick) != 0)
		return VCM_EIO;
	sim->tick.data = sim;
	sim_random_bytes(&sim->rng, sizeof(sim->rng));
	sim->rng |= 1;
	for (i = 0; i < sim->nbmcs; i++)
		if ((r = sim_bmc_bind(&sim->bmcs[i], sim->bmcs[i].addr)) != 0)
			return r;
	return 0;
}

void
sim_net_stop(struct sim *sim)
{
	uint32_t i;

	for (i = 0; i < sim->nbmcs; i++) {
		if (sim->bmcs[i].udp != NULL) {
			uv_close((uv_handle_t *)sim->bmcs[i].udp,
			    close_free_cb);
			sim->bmcs[i].udp = NULL;
		}
	}
	uv_timer_stop(&sim->tick);
	uv_close((uv_handle_t *)&sim->tick, NULL);
}
