/*
 * The BMC side of Serial-over-LAN: payload instance 1 of one BMC. Host
 * output waits in a bounded queue and leaves one packet at a time (the
 * send machine in lib/ipmi/sol.c decides retransmits); console packets
 * go through the receive machine, which hands the host only bytes it has
 * not seen and tells us what to ACK. Quirks bend this where real
 * firmware does.
 *
 * Flow control, for tests of consoles (docs/bmcsim.md, sol-nack and
 * sol-cts): for a window after each activation, or from a control
 * `set`, console data is NACKed (nothing accepted: the console must
 * resend it later, unchanged), and/or every packet to the console says
 * "character transfer unavailable" (CTS deasserted: the console should
 * hold its keystrokes; what it sends all the same is NACKed, with that
 * bit). A change of that state is announced at once with a status-only
 * packet (sequence 0), so a console that waits for it does not wait for
 * host output.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vcm/err.h"
#include "ipmi/rmcpplus.h"
#include "quirks.h"
#include "sim.h"

/* After a reboot a Tyan BMC's numbers jump (IPMI.md §1.2): by this much. */
#define SOL_SEQ_JUMP	7

/* The window a new activation (or a control `set`) starts. */
static uint32_t
flow_ms(const struct bmc *b, unsigned int which)
{
	if (which == SIM_FLOW_NACK)
		return (b->sol_flow_set & SIM_FLOW_NACK) ? b->sol_nack_ms :
		    b->prof->sol_nack_ms;
	return (b->sol_flow_set & SIM_FLOW_CTS) ? b->sol_cts_ms :
	    b->prof->sol_cts_ms;
}

static uint64_t
window(uint64_t now, uint32_t ms)
{
	return ms == 0 ? 0 : now + ms;
}

/* CTS deasserted now: "character transfer unavailable". */
static int
cts_off(const struct sim_sol *sol, uint64_t now)
{
	return sol->cts_until > now;
}

static struct sim_session *
owner(struct bmc *b)
{
	if (b->sol == NULL || b->sol->owner < 0 || b->sessions == NULL ||
	    b->sessions[b->sol->owner].state != SIM_SS_ACTIVE)
		return NULL;
	return &b->sessions[b->sol->owner];
}

int
sim_sol_activate(struct bmc *b, struct sim_session *s)
{
	struct sim_sol *sol;

	if (b->sol_active)
		return VCM_ESTATE;
	if ((sol = calloc(1, sizeof(*sol))) == NULL)
		return VCM_ENOMEM;
	sol->owner = sim_session_slot(b, s);
	ipmi_sol_tx_init(&sol->tx);
	ipmi_sol_rx_init(&sol->rx);
	/* The first tick (after the Activate answer has left) announces a
	 * CTS window: cts_said starts at "available". */
	sol->nack_until = window(sim_now(b->sim), flow_ms(b, SIM_FLOW_NACK));
	sol->cts_until = window(sim_now(b->sim), flow_ms(b, SIM_FLOW_CTS));
	b->sol = sol;
	b->sol_active = 1;
	b->sol_activations++;
	sim_busy(b);
	return 0;
}

int
sim_sol_deactivate(struct bmc *b)
{
	if (!b->sol_active)
		return VCM_ESTATE;
	free(b->sol);
	b->sol = NULL;
	b->sol_active = 0;
	return 0;
}

/*
 * The owner's session ended. A good BMC frees the payload with it; with
 * sol_stays_active the payload stays active with nobody behind it, and
 * every new Activate Payload gets 80h until someone deactivates it.
 */
void
sim_sol_session_gone(struct bmc *b, struct sim_session *s)
{
	if (b->sol == NULL || b->sol->owner != sim_session_slot(b, s))
		return;
	if (b->quirks & SIM_Q_SOL_STAYS_ACTIVE)
		b->sol->owner = -1;
	else
		sim_sol_deactivate(b);
}

/*
 * Stamp mode: how much of the queue's first n bytes to send. Only whole
 * lines, so that no placeholder is split over two packets and each one
 * is stamped when its packet is built; 0 while the first line is still
 * incomplete. A queue without any line end in a full chunk (overrun
 * debris) goes as it is.
 */
static size_t
stamp_cut(const uint8_t *q, size_t n, size_t queued)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (q[i - 1] == '\n')
			return i;
	return queued >= SIM_SOL_CHUNK ? n : 0;
}

/*
 * Writes the send time into every whole placeholder of a packet: one
 * CLOCK_MONOTONIC read per packet, system-wide, so a viewer in another
 * process can subtract it from its own receive time.
 */
static void
stamp_fill(uint8_t *p, size_t n)
{
	struct timespec ts;
	uint64_t ns, v;
	size_t i, k;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return;
	ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	for (i = 0; i + 2 + HOST_STAMP_DIGITS <= n; i++) {
		if (p[i] != 't' || p[i + 1] != '=')
			continue;
		for (k = 0; k < HOST_STAMP_DIGITS; k++)
			if (p[i + 2 + k] != HOST_STAMP_FILL)
				break;
		if (k < HOST_STAMP_DIGITS)
			continue;
		for (v = ns, k = HOST_STAMP_DIGITS; k > 0; k--, v /= 10)
			p[i + 1 + k] = (uint8_t)('0' + v % 10);
		i += 1 + HOST_STAMP_DIGITS;
	}
}

/* Sends what is due: new data when nothing is outstanding, and the ACK. */
static void
flush(struct bmc *b, int resend)
{
	struct sim_sol *sol = b->sol;
	struct sim_session *s = owner(b);
	uint8_t pkt[IPMI_SOL_PKT_MAX];
	struct ipmi_sol_pkt p;
	size_t n = 0;
	int r, cts, stamp = b->host.flood == HOST_FLOOD_STAMP;

	if (s == NULL)
		return;
	cts = cts_off(sol, sim_now(b->sim));
	memset(&p, 0, sizeof(p));
	if (!resend && sol->tx.state == IPMI_SOL_TX_IDLE && sol->outq_len > 0) {
		n = sol->outq_len < SIM_SOL_CHUNK ? sol->outq_len :
		    SIM_SOL_CHUNK;
		if (stamp)
			n = stamp_cut(sol->outq, n, sol->outq_len);
	}
	if (n > 0) {
		if ((r = ipmi_sol_tx_send(&sol->tx, n)) <= 0)
			return;
		memcpy(sol->inflight, sol->outq, n);
		if (stamp)
			stamp_fill(sol->inflight, n);
		sol->inflight_len = (uint8_t)n;
		memmove(sol->outq, sol->outq + n, sol->outq_len - n);
		sol->outq_len = (uint16_t)(sol->outq_len - n);
		b->sol_tx_bytes += n;
		resend = 1;
	}
	if (resend && sol->tx.state == IPMI_SOL_TX_WAIT) {
		p.seq = sol->tx.seq;
		p.data = sol->inflight;
		p.len = sol->inflight_len;
		sol->sent_ms = sim_now(b->sim);
	} else if (!sol->ack_due && cts == sol->cts_said)
		return;		/* nothing to say (a status change is) */
	if (cts)
		p.flags |= IPMI_SOL_ST_UNAVAIL;
	sol->cts_said = (uint8_t)cts;
	if (sol->ack_due) {
		p.ack_seq = sol->ack_seq;
		p.accepted = sol->ack_count;
		if (sol->ack_nack)
			p.flags |= IPMI_SOL_ST_NACK;
		sol->ack_due = 0;
	}
	if ((r = ipmi_sol_encode(&p, IPMI_SOL_TO_CONSOLE, pkt, sizeof(pkt))) > 0)
		(void)sim_seal(b, s, IPMI_PAYLOAD_SOL, pkt, (size_t)r);
}

/* Puts bytes the console did not accept back in front of the queue. */
static void
requeue(struct sim_sol *sol, const uint8_t *p, size_t n)
{
	if (n > sizeof(sol->outq) - sol->outq_len)
		n = sizeof(sol->outq) - sol->outq_len;
	memmove(sol->outq + n, sol->outq, sol->outq_len);
	memcpy(sol->outq, p, n);
	sol->outq_len = (uint16_t)(sol->outq_len + n);
}

void
sim_sol_packet(struct bmc *b, struct sim_session *s, const uint8_t *pl,
    size_t len)
{
	struct sim_sol *sol = b->sol;
	struct ipmi_sol_rx_res res;
	struct ipmi_sol_pkt p;
	uint64_t now = sim_now(b->sim);
	uint8_t accepted = 0;
	size_t room = VCM_HOST_LINE_MAX;
	int kind;

	if (sol == NULL || sol->owner != sim_session_slot(b, s))
		return;		/* not the session that holds the payload */
	if (ipmi_sol_decode(pl, len, IPMI_SOL_TO_BMC, &p) != 0)
		return;
	kind = ipmi_sol_tx_ack(&sol->tx, &p, &accepted);
	if (kind == IPMI_SOL_TX_FULL || kind == IPMI_SOL_TX_OVERCOUNT) {
		sol->inflight_len = 0;
	} else if (kind == IPMI_SOL_TX_PARTIAL) {
		requeue(sol, sol->inflight + accepted,
		    sol->inflight_len - accepted);
		sol->inflight_len = 0;
	}
	if (p.flags & IPMI_SOL_OP_BREAK)
		host_break(&b->host, sim_now(b->sim));
	/*
	 * NACK window, or CTS deasserted ("character transfer
	 * unavailable"): nothing of the packet is taken (room 0), so the
	 * receive machine NACKs it and takes the copy the console sends
	 * afterwards as new bytes. Data packets while CTS is off are
	 * counted, retransmits too: a console holding its keystrokes sends
	 * none, one that probes a few.
	 */
	if (sol->nack_until > now || cts_off(sol, now))
		room = 0;
	if (p.seq != 0 && p.len > 0 && cts_off(sol, now))
		b->sol_cts_data++;
	if (p.seq != 0 && ipmi_sol_rx_packet(&sol->rx, &p, room,
	    &res) == 0) {
		if (res.len > 0)
			host_serial_in(&b->host, p.data + res.off, res.len,
			    sim_now(b->sim));
		if (res.nack)
			b->sol_nacks++;
		if (res.send_ack) {
			sol->ack_due = 1;
			sol->ack_seq = res.ack_seq;
			sol->ack_count = res.accepted;
			sol->ack_nack = res.nack;
		}
	}
	sim_busy(b);
	flush(b, 0);
}

/* Host output: queued for the console, or lost when nobody listens. */
void
sim_sol_host_output(struct bmc *b, const uint8_t *p, size_t n)
{
	struct sim_sol *sol = b->sol;
	size_t room;

	if (sol == NULL || owner(b) == NULL)
		return;
	room = sizeof(sol->outq) - sol->outq_len;
	if (n > room) {
		/* A real UART overruns too: the newest bytes are lost. */
		b->sol_overrun += (uint32_t)(n - room);
		n = room;
	}
	memcpy(sol->outq + sol->outq_len, p, n);
	sol->outq_len = (uint16_t)(sol->outq_len + n);
	flush(b, 0);
}

/* Retransmits on time, gives up after the retry budget, sends new data. */
void
sim_sol_tick(struct bmc *b, uint64_t now)
{
	struct sim_sol *sol = b->sol;

	if (sol == NULL)
		return;
	if (sol->tx.state == IPMI_SOL_TX_WAIT &&
	    now - sol->sent_ms >= b->sol_retry_ms) {
		switch (ipmi_sol_tx_timeout(&sol->tx, b->sol_retries, 0)) {
		case IPMI_SOL_TX_RESEND:
			b->sol_resends++;
			flush(b, 1);
			return;
		case IPMI_SOL_TX_GIVEUP:
			/* The console is gone or deaf: drop the packet. */
			ipmi_sol_tx_init(&sol->tx);
			sol->inflight_len = 0;
			break;
		default:
			break;
		}
	}
	flush(b, 0);
}

/* The host rebooted: what firmware does to a running SOL then. */
void
sim_sol_reboot(struct bmc *b)
{
	uint8_t seq;

	if (b->sol == NULL)
		return;
	if (b->quirks & SIM_Q_SOL_DROP_ON_REBOOT) {
		sim_sol_deactivate(b);
		return;
	}
	if (b->quirks & SIM_Q_SOL_SEQ_JUMP) {
		seq = b->sol->tx.seq;
		seq = (uint8_t)((seq + SOL_SEQ_JUMP - 1) % IPMI_SOL_SEQ_MAX + 1);
		b->sol->tx.seq = seq;
	}
}

void
sim_sol_flow(struct bmc *b, unsigned int which, uint32_t nack_ms,
    uint32_t cts_ms)
{
	uint64_t now = sim_now(b->sim);

	if (which & SIM_FLOW_NACK) {
		b->sol_nack_ms = nack_ms;
		b->sol_flow_set |= SIM_FLOW_NACK;
		if (b->sol != NULL)
			b->sol->nack_until = window(now, nack_ms);
	}
	if (which & SIM_FLOW_CTS) {
		b->sol_cts_ms = cts_ms;
		b->sol_flow_set |= SIM_FLOW_CTS;
		if (b->sol != NULL)
			b->sol->cts_until = window(now, cts_ms);
	}
	if (b->sol != NULL) {
		/* Announces a CTS change now, not at the next tick. */
		flush(b, 0);
		sim_busy(b);
	}
}
