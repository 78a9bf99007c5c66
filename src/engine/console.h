/*
 * One Serial-over-LAN console per BMC, shared by every viewer, as a pure
 * state machine on top of one struct eng_session (session.h): no
 * sockets, no clock reads (time is an argument, ms on the caller's
 * monotonic clock), no globals. It allocates only, and boundedly, the
 * backlog ring (VCM_CONSOLE_BACKLOG_BYTES, on first output) and one
 * output queue per attached viewer (VCM_CONSOLE_VIEWER_QUEUE_BYTES).
 *
 * The caller wires it:
 *	- every event of the console's session goes to
 *	  eng_console_session_event() (RESPONSE / REQUEST_FAILED only for
 *	  cookies where eng_console_cookie_ours() is true);
 *	- env.request / env.send_sol call eng_session_request() /
 *	  eng_session_send_sol() on that session;
 *	- env.event receives struct eng_console_event for viewers and logs;
 *	- eng_console_tick() runs when eng_console_next() is due.
 *
 * States (ENG_CON_S_*):
 *
 *	IDLE --attach/hold--> WAITING --session usable--> ACTIVATING
 *	ACTIVATING --00h--> LIVE
 *	ACTIVATING --80h--> CHECKING (Get Payload Activation Status)
 *	CHECKING --active, TAKE--> TAKING (Deactivate) --> ACTIVATING
 *	CHECKING --active, REFUSE--> REFUSED
 *	LIVE --deactivating bit / unreachable / no ACK / SOL gone--> WAITING
 *	any --linger over, nobody needs it--> DEACTIVATING --> VERIFYING
 *	VERIFYING --inactive / tries spent--> IDLE (ENG_CON_EV_TEARDOWN)
 *
 * Flow control from the BMC: "character transfer unavailable" (CTS
 * off) holds keystrokes, but while input waits one packet goes out per
 * sol_retry_ms all the same (the BMC NACKs it while unavailable), so a
 * lost "available again" never leaves keys waiting for ever; a NACK
 * holds the packet and resends it sol_retry_ms later without spending
 * the retry budget. ENG_CON_EV_FLOW tells viewers when sending becomes
 * blocked (NACK or unavailable) and when it flows again.
 *
 * Viewers that cannot take output (a full socket) are paused
 * (eng_console_pause): their queue fills, then the overflow rules of
 * viewer_push apply (skip ahead once, drop when still not drained).
 *
 * Callbacks: env.event may call eng_console_read, _write, _break,
 * _take_over, _attach, _detach, _hold, _release, _pause; never _init or
 * _free.
 * Pointers in an event are valid only during the callback.
 */
#ifndef ENGINE_CONSOLE_H
#define ENGINE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"
#include "ipmi/sol.h"
#include "engine/session.h"

/* ---- Policy, states, events ------------------------------------------ */

/* What to do with a stale SOL left active by someone else (pain 1). */
enum eng_console_policy {
	ENG_CONSOLE_TAKE = 0,	/* Deactivate it, then Activate (logged) */
	ENG_CONSOLE_REFUSE = 1	/* "SOL in use by another session" */
};

enum eng_console_state {
	ENG_CON_S_IDLE = 0,	/* nobody needs the SOL; none active by us */
	ENG_CON_S_WAITING,	/* needed: waiting for a session or backoff */
	ENG_CON_S_ACTIVATING,	/* Activate Payload sent */
	ENG_CON_S_CHECKING,	/* 80h: Get Payload Activation Status sent */
	ENG_CON_S_TAKING,	/* stale SOL: Deactivate Payload sent */
	ENG_CON_S_LIVE,		/* SOL active: bytes flow */
	ENG_CON_S_REFUSED,	/* in use (REFUSE) or refused by the BMC */
	ENG_CON_S_DEACTIVATING,	/* teardown: Deactivate Payload sent */
	ENG_CON_S_VERIFYING,	/* teardown: Activation Status sent */
	ENG_CON_S__COUNT
};
#define ENG_CON_S_VALID(s)	((unsigned int)(s) < ENG_CON_S__COUNT)

/* Why the console reconnects (ENG_CON_EV_RECONNECTING). */
enum eng_console_why {
	ENG_CON_WHY_NONE = 0,
	ENG_CON_WHY_DEACTIVATED,	/* "SOL deactivating" status bit */
	ENG_CON_WHY_UNREACHABLE,	/* session says the BMC went dark */
	ENG_CON_WHY_SESSION,		/* session failed or closed */
	ENG_CON_WHY_NO_ACK,		/* our packet never ACKed: stolen? */
	ENG_CON_WHY_GONE,		/* status poll: SOL no longer active */
	ENG_CON_WHY_ACTIVATE,		/* Activate timed out or failed */
	ENG_CON_WHY__COUNT
};

/* Why the console refused (ENG_CON_EV_REFUSED). */
enum eng_console_refusal {
	ENG_CON_REF_IN_USE = 1,		/* "SOL in use by another session" */
	ENG_CON_REF_TAKE_FAILED,	/* TAKE tries spent, still in use */
	ENG_CON_REF_BMC,		/* Activate refused, cc in the event */
	ENG_CON_REF_GAVE_UP		/* re-activation tries spent */
};

/* Outcome of a teardown (ENG_CON_EV_TEARDOWN). */
enum eng_console_outcome {
	ENG_CON_TD_NONE = 0,		/* nothing of ours was active */
	ENG_CON_TD_VERIFIED,		/* status confirms: inactive */
	ENG_CON_TD_LIED,		/* "OK" but stays active (H8QME) */
	ENG_CON_TD_UNVERIFIABLE		/* no answer / no session */
};

/* Errors of the BMC's SOL (ENG_CON_EV_PEER_ERROR, also in stats). */
enum eng_console_peer {
	ENG_CON_PEER_OVERCOUNT = 1,	/* accepted > sent: clamped */
	ENG_CON_PEER_JUMP,		/* sequence jump (reboot): taken */
	ENG_CON_PEER_BAD_PACKET		/* undecodable SOL payload */
};

enum eng_console_event_type {
	ENG_CON_EV_LIVE = 1,	/* SOL active (u.live.again after a drop) */
	ENG_CON_EV_RECONNECTING, /* SOL lost: re-activating (u.reconnecting) */
	ENG_CON_EV_UNREACHABLE,	/* "BMC unreachable, retrying" */
	ENG_CON_EV_STALE,	/* stale SOL found; u.stale.decision */
	ENG_CON_EV_REFUSED,	/* no SOL (u.refused); retry to try again */
	ENG_CON_EV_WRITER,	/* viewer is now the writer (u.writer.other
				   lost it, or -1) */
	ENG_CON_EV_WRITER_LOST,	/* viewer lost write to u.writer.other */
	ENG_CON_EV_READABLE,	/* viewer's queue went from empty to not,
				   or a paused viewer resumed with bytes */
	ENG_CON_EV_OVERFLOW,	/* viewer too slow: u.overflow.skipped bytes
				   skipped; next overflow drops it */
	ENG_CON_EV_DROPPED,	/* viewer overflowed twice: detached */
	ENG_CON_EV_TEARDOWN,	/* SOL given back; u.teardown */
	ENG_CON_EV_PEER_ERROR,	/* the BMC broke a rule (u.peer.kind) */
	ENG_CON_EV_FLOW,	/* keystrokes blocked by the BMC, or flowing
				   again (u.flow), on each change */
	ENG_CON_EV__COUNT
};

struct eng_console_event {
	uint8_t		 type;		/* enum eng_console_event_type */
	int32_t		 viewer;	/* handle, or -1: every viewer */
	union {
		struct {
			uint8_t	 again;		/* after a reconnect */
		} live;
		struct {
			uint8_t	 why;		/* enum eng_console_why */
			uint32_t dropped_input;	/* keystrokes not sent */
		} reconnecting;
		struct {
			uint8_t	 decision;	/* enum eng_console_policy */
			uint8_t	 tries;		/* takes so far */
		} stale;
		struct {
			uint8_t	 reason;	/* enum eng_console_refusal */
			uint8_t	 cc;		/* of Activate, when REF_BMC */
		} refused;
		struct {
			int32_t	 other;		/* previous / new writer, -1 */
		} writer;
		struct {
			uint32_t skipped;	/* bytes the viewer missed */
		} overflow;
		struct {
			uint8_t	 outcome;	/* enum eng_console_outcome */
			uint8_t	 tries;		/* Deactivate sends */
			uint8_t	 lies;		/* OK answers, still active */
			uint8_t	 already;	/* 80h while active (Dell M) */
			uint8_t	 close_session;	/* 1: caller closes session */
		} teardown;
		struct {
			uint8_t	 kind;		/* enum eng_console_peer */
		} peer;
		struct {
			uint8_t	 blocked;	/* 1: held, 0: flowing again */
			uint8_t	 unavailable;	/* "char transfer unavailable" */
			uint8_t	 nacked;	/* our packet NACKed, unsettled */
		} flow;
	} u;
};

/*
 * request and send_sol return 0 or a negative VCM_E* (then the console
 * treats the request as failed, or the packet as lost).
 */
struct eng_console_env {
	int	(*request)(void *arg, uint8_t netfn, uint8_t cmd,
		    const void *data, size_t len, uint64_t deadline,
		    uint64_t cookie, uint64_t now);
	int	(*send_sol)(void *arg, const void *pl, size_t len,
		    uint64_t now);
	void	(*event)(void *arg, const struct eng_console_event *);
	void	 *arg;
};

struct eng_console_config {
	uint8_t		 policy;	/* enum eng_console_policy */
	/* Milliseconds; 0 = the VCM_CONSOLE_* default. */
	uint32_t	 linger_ms;
	uint32_t	 sol_retry_ms;
	uint32_t	 request_ms;
	uint32_t	 silent_ms;	/* ENG_CONSOLE_POLL_OFF: no status poll */
	uint32_t	 sol_flags;	/* IPMI_SOL_TX_F_* (per BMC model) */
	/*
	 * The BMC's ENG_Q_* (quirks.h); the console reads ENG_Q_SOLSTATUS
	 * (no Get Payload Activation Status: 80h is stale at once, the
	 * teardown verifies with a second Deactivate), ENG_Q_DEACTLIES
	 * (VCM_CONSOLE_LIAR_TRIES Deactivate rounds in a teardown or take)
	 * and ENG_Q_SOLDEFERALERTS (Activate with serial alerts deferred).
	 */
	uint32_t	 quirks;
};
#define ENG_CONSOLE_POLL_OFF	UINT32_MAX

/* Viewer rights (eng_console_attach). */
#define ENG_CON_V_WRITE		0x01	/* may write and take over */

/* Cookies of the console's requests: tag in the top 16 bits. */
#define ENG_CONSOLE_COOKIE_TAG	0x5c50000000000000ull
#define ENG_CONSOLE_COOKIE_MASK	0xffff000000000000ull

struct eng_console_stats {
	uint64_t	 rx_bytes;	/* new bytes from the BMC */
	uint64_t	 tx_bytes;	/* keystrokes the BMC accepted */
	uint64_t	 skipped;	/* bytes viewers missed (overflows) */
	uint32_t	 rx_packets, dups, extras, jumps, bad_packets;
	uint32_t	 early_packets;	/* SOL before activation: dropped */
	uint32_t	 overcounts, stale_acks, nacks, resends;
	uint32_t	 activations, reconnects, takes, contradictions;
	uint32_t	 deact_lies;	/* "deactivate_lies" (H8QME) */
	uint32_t	 deact_already;	/* 80h while active (Dell M) */
	uint32_t	 capacity0;	/* capacity 0 read as 1 (Dell M) */
	uint32_t	 overflows, drops, breaks;
	uint32_t	 input_refused;	/* keystrokes refused: queue full */
	uint32_t	 input_dropped;	/* keystrokes dropped on reconnect */
	uint32_t	 cts_probes;	/* data packets sent while unavailable */
	uint32_t	 flow_blocks;	/* ENG_CON_EV_FLOW with blocked 1 */
};

struct eng_console_viewer {
	uint8_t		 used;
	uint8_t		 rights;	/* ENG_CON_V_* */
	uint8_t		 overflowed;	/* since it last drained */
	uint8_t		 paused;	/* eng_console_pause(): not reading */
	uint32_t	 gen;		/* handle generation */
	uint32_t	 head, len;	/* ring in q */
	uint8_t		*q;		/* VCM_CONSOLE_VIEWER_QUEUE_BYTES */
	uint64_t	 delivered;	/* bytes read by the viewer */
};

struct eng_console {
	struct eng_console_env	 env;
	uint8_t		 state;		/* enum eng_console_state */
	uint8_t		 policy;
	uint8_t		 session_ok;	/* ESTABLISHED, not FAILED/CLOSED */
	uint8_t		 reachable;	/* no UNREACHABLE outstanding */
	uint8_t		 sol_mine;	/* we activated it on this session */
	uint8_t		 was_live;	/* LIVE before: next LIVE is "again" */
	uint8_t		 rq_kind;	/* outstanding request, 0 none */
	uint8_t		 tries;		/* activation tries (backoff) */
	uint8_t		 takes;		/* TAKE rounds */
	uint8_t		 td_tries;	/* teardown Deactivate sends */
	uint8_t		 td_lies, td_already, td_was_active;
	uint8_t		 status_unreliable; /* stopped believing status */
	uint8_t		 stopping;	/* eng_console_stop(): never again */
	uint8_t		 contra;	/* status/Activate contradictions */
	uint8_t		 gone_check;	/* reconnect because status said gone */
	uint8_t		 td_said_ok;	/* last Deactivate answered 00h */
	uint8_t		 paused;	/* CTS: char transfer unavailable */
	uint8_t		 nacked;	/* outstanding packet NACKed */
	uint8_t		 flow_nack;	/* NACKed, no ACK since (FLOW) */
	uint8_t		 flow_told;	/* blocked, as last told (FLOW) */
	uint8_t		 break_pending;
	uint8_t		 out_flags;	/* op bits of the outstanding packet */
	uint8_t		 ack_pending;	/* an ACK to send */
	uint8_t		 ack_seq, ack_count, ack_nack;
	uint8_t		 data_max;	/* characters per packet we send */
	uint8_t		 nviewers;
	int32_t		 writer;	/* viewer handle, or -1 */
	uint16_t	 holds;
	uint32_t	 rq_gen;
	uint32_t	 linger_ms, sol_retry_ms, request_ms, silent_ms;
	uint32_t	 sol_flags;
	uint32_t	 quirks;	/* ENG_Q_* of the BMC, see config */
	uint64_t	 linger_at;	/* teardown due, or ENG_NEVER */
	uint64_t	 retry_at;	/* WAITING/DEACTIVATING timer */
	uint64_t	 tx_at;		/* SOL retransmit timer */
	uint64_t	 cts_at;	/* unavailable: next data packet due */
	uint64_t	 last_rx;	/* last SOL packet from the BMC */
	struct ipmi_sol_rx	 rx;
	struct ipmi_sol_tx	 tx;
	uint32_t	 in_head, in_len;
	uint8_t		 in[VCM_CONSOLE_INPUT_BYTES];
	uint8_t		*backlog;	/* ring, VCM_CONSOLE_BACKLOG_BYTES */
	uint32_t	 bl_head, bl_len;
	size_t		 mem;		/* bytes allocated now */
	struct eng_console_viewer viewers[VCM_CONSOLE_VIEWERS_MAX];
	struct eng_console_stats stats;
};

/* Most memory one console can hold (struct + backlog + queues). */
#define ENG_CONSOLE_MEM_MAX						\
	(sizeof(struct eng_console) + VCM_CONSOLE_BACKLOG_BYTES +	\
	 VCM_CONSOLE_VIEWERS_MAX * (size_t)VCM_CONSOLE_VIEWER_QUEUE_BYTES)

/* ---- API -------------------------------------------------------------- */

/* IDLE, no session yet. VCM_EINVAL for a bad policy or env. */
int		 eng_console_init(struct eng_console *,
		    const struct eng_console_config *,
		    const struct eng_console_env *);
/* Frees the backlog and queues; the SOL is NOT deactivated (use
 * linger/teardown for that). */
void		 eng_console_free(struct eng_console *);

/* Every event of the console's session (see the wiring above). */
void		 eng_console_session_event(struct eng_console *,
		    const struct eng_event *, uint64_t now);
int		 eng_console_cookie_ours(uint64_t cookie);
/*
 * The engine stops or forgets the BMC: nobody needs the SOL any more,
 * whoever is still attached. The verified teardown starts at once (no
 * linger) unless it already runs; it ends with ENG_CON_EV_TEARDOWN
 * (close_session set) as always. Attach and retry are refused after.
 */
int		 eng_console_stop(struct eng_console *, uint64_t now);
/* True while the verified teardown waits for the BMC (DEACTIVATING,
 * VERIFYING). */
int		 eng_console_tearing_down(const struct eng_console *);
/* True when the console needs a session and has none usable: the
 * engine opens one and reports ENG_EV_ESTABLISHED. */
int		 eng_console_wants_session(const struct eng_console *);

void		 eng_console_tick(struct eng_console *, uint64_t now);
uint64_t	 eng_console_next(const struct eng_console *);

/* A viewer joins (rights ENG_CON_V_*): handle >= 0, the backlog is
 * already in its queue (no event: read eng_console_queued()).
 * VCM_ENOSPC when VCM_CONSOLE_VIEWERS_MAX are attached, VCM_ENOMEM. The first viewer with write rights becomes the
 * writer when there is none. */
int		 eng_console_attach(struct eng_console *, unsigned int rights,
		    uint64_t now);
int		 eng_console_detach(struct eng_console *, int viewer,
		    uint64_t now);
/* Copies up to cap queued bytes out; >= 0 or VCM_EINVAL (no viewer). */
long		 eng_console_read(struct eng_console *, int viewer, void *,
		    size_t cap);
long		 eng_console_queued(const struct eng_console *, int viewer);
/*
 * on 1: the viewer stops taking output (its sink is full); what comes
 * stays in its queue (eng_console_read still reads it), which overflows
 * as for any slow viewer: skipped ahead with ENG_CON_EV_OVERFLOW, then
 * dropped (ENG_CON_EV_DROPPED) if it overflows again before it drained.
 * on 0: it takes output again; ENG_CON_EV_READABLE at once when bytes
 * are queued. 0, or VCM_EINVAL (no such viewer).
 */
int		 eng_console_pause(struct eng_console *, int viewer, int on);
/* 1 paused, 0 not, VCM_EINVAL (no such viewer). */
int		 eng_console_paused(const struct eng_console *, int viewer);
/* Keystrokes from the writer: the count taken (less when the input
 * queue is full), VCM_ESTATE when viewer is not the writer or the SOL
 * is not live. */
long		 eng_console_write(struct eng_console *, int viewer,
		    const void *, size_t, uint64_t now);
/* A serial break from the writer (the ~B of a terminal). */
int		 eng_console_break(struct eng_console *, int viewer,
		    uint64_t now);
/* viewer (with write rights) becomes the writer; the previous one is
 * told. VCM_ESTATE without write rights. */
int		 eng_console_take_over(struct eng_console *, int viewer);
/* A console grant keeps the SOL wanted without a viewer. */
int		 eng_console_hold(struct eng_console *, uint64_t now);
int		 eng_console_release(struct eng_console *, uint64_t now);
/* The writer's handle, or -1. */
int		 eng_console_writer(const struct eng_console *);
/* After REFUSED: try activation again (e.g. an operator asked). */
int		 eng_console_retry(struct eng_console *, uint64_t now);

/* Backlog copy (oldest first): bytes copied. */
size_t		 eng_console_backlog(const struct eng_console *, void *,
		    size_t cap);
/* Bytes allocated now (backlog + viewer queues). */
size_t		 eng_console_mem(const struct eng_console *);

const char	*eng_console_state_name(unsigned int);
const char	*eng_console_why_name(unsigned int);

#endif
