/*
 * The engine: one libuv loop driving IPMI sessions to thousands of BMCs.
 *
 * Transport: a few shared UDP sockets (VCM_ENG_SOCKETS_DEFAULT), never
 * one per BMC. Replies are demultiplexed by our console session id
 * (SIDm, random, unique in the engine) for session packets and for the
 * pre-session replies that carry it (Open Session response, RAKP2,
 * RAKP4); by peer address and socket for those that do not (Get Channel
 * Auth Caps in 1.5 framing, short error replies). The sessions of one
 * BMC sit on distinct sockets, so a BMC that routes replies by address
 * and port (IPMI.md §1.4) never mixes them up.
 *
 * Timers: one uv_timer over a min-heap of deadlines (sessions'
 * eng_session_next(), idle closes, queued operations' deadlines).
 *
 * Interface: small typed messages, so that moving the engine into its
 * own process later is a change of transport. struct eng_request goes
 * in (eng_submit), struct eng_result comes out through the one
 * callback given to eng_new(). Every request ends in exactly one
 * result, by its deadline.
 *
 * Vendor quirks: after a BMC's first session is established the engine
 * asks Get Device ID once (at most VCM_ENG_DEVID_TRIES tries, alongside
 * the first operation), applies the vendor table's profile and the
 * operator's override (quirks.h), and logs "vendor_profile". Until then
 * it opens one session only, so a vendor's session cap holds from the
 * start.
 *
 * Per BMC: at most max_sessions sessions; operations queue and run on
 * an ACTIVE session (kept warm for the next one); a session idle for
 * idle_ms closes (0: as soon as the queue is empty); the cipher suite
 * that worked is tried first next time.
 *
 * Crash recovery: opts.session_cb hears of every BMC session that
 * becomes active and of its end (struct eng_sess_event: BMC id and the
 * BMC's session id), so a daemon can persist what it holds; after a
 * crash ENG_OP_CLOSE_STALE closes what the dead process left open (by
 * Close Session naming those ids, from a session of its own) and ends
 * a SOL it left active.
 *
 * Threading: none. Every call is made on the loop's thread; the result
 * callback may call eng_submit() and eng_bmc_remove().
 */
#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "vcm/limits.h"
#include "engine/session.h"
#include "engine/console.h"

struct eng;
struct eng_con_event;
struct eng_sess_event;

/* Console events and output for viewers (see "Consoles" below). */
typedef void	eng_console_cb(void *arg, const struct eng_con_event *);
/* BMC sessions opened and closed (see "Sessions" below). */
typedef void	eng_session_cb(void *arg, const struct eng_sess_event *);

struct eng_opts {
	const char	*bind_addr;	/* NULL: "0.0.0.0" */
	unsigned int	 nsockets;	/* 0: VCM_ENG_SOCKETS_DEFAULT */
	uint32_t	 idle_ms;	/* idle session lifetime; 0: close at once */
	/* Consoles: events go to console_cb (with eng_new's arg). */
	eng_console_cb	*console_cb;
	uint8_t		 console_policy;	/* enum eng_console_policy */
	uint32_t	 console_linger_ms;	/* 0: VCM_CONSOLE_LINGER_MS */
	/* Sessions: events go to session_cb (with eng_new's arg); NULL:
	 * none. */
	eng_session_cb	*session_cb;
};

/* One BMC. Credentials are copied; the copy is wiped on removal. */
struct eng_bmc_config {
	uint32_t	 addr;		/* IPv4, host byte order */
	uint16_t	 port;		/* 0: 623 */
	char		 user[VCM_IPMI_USER_MAX + 1];
	uint8_t		 password[VCM_IPMI_KEY_MAX];
	uint8_t		 password_len;
	uint8_t		 kg[VCM_IPMI_KEY_MAX];
	uint8_t		 kg_len;
	uint8_t		 priv;		/* 0: IPMI_PRIV_ADMIN */
	uint8_t		 suites[VCM_ENG_SUITES_MAX];
	uint8_t		 nsuites;	/* 0: {17, 3} */
	uint8_t		 max_sessions;	/* 0: VCM_BMC_SESSIONS_DEFAULT */
	uint32_t	 quirks;	/* ENG_Q_* */
	/*
	 * The operator's quirk override (quirks.h syntax, e.g.
	 * "+nochecksum,sessions=1"), "" for none. Applied from the first
	 * session on, and again on top of the vendor table's profile once
	 * Get Device ID has answered (eng_quirks_apply). One that does not
	 * parse makes eng_bmc_add() fail with VCM_EINVAL or VCM_ERANGE and
	 * log the parser's reason (eng_quirk_override_invalid).
	 */
	char		 quirks_override[VCM_ENG_QUIRK_SPEC_MAX + 1];
};

/* ---- Messages --------------------------------------------------------- */

enum eng_msg_type {
	ENG_MSG_OP = 1,		/* struct eng_request: run an operation */
	ENG_MSG_RESULT,		/* struct eng_result: its outcome */
	ENG_MSG_CONSOLE,	/* struct eng_con_request: a viewer's call */
	ENG_MSG_CONSOLE_EVENT,	/* struct eng_con_event: to viewers */
	ENG_MSG_SESSION_EVENT	/* struct eng_sess_event: sessions */
};

enum eng_op {
	ENG_OP_POWER_STATUS = 1,
	ENG_OP_POWER_ON,
	ENG_OP_POWER_OFF,
	ENG_OP_POWER_CYCLE,
	ENG_OP_POWER_RESET,
	ENG_OP_POWER_SOFT,
	ENG_OP_BOOTDEV_PXE,	/* next boot only, as ipmitool chassis bootdev */
	ENG_OP_BOOTDEV_BIOS,
	ENG_OP_BOOTDEV_DISK,
	ENG_OP_MC_INFO,		/* Get Device ID */
	ENG_OP_CHASSIS_STATUS,
	/*
	 * Crash recovery: Close Session for each of stale_sids (sessions a
	 * dead vcm process left open on the BMC; 87h "invalid session id"
	 * means already gone, a success), sent on one of the engine's own
	 * sessions, which needs the administrator privilege to close
	 * another session. Ids of the engine's own live sessions are
	 * skipped. Then, with stale_sol, the SOL payload the dead process
	 * had: Deactivate Payload and Get Payload Activation Status,
	 * VCM_CONSOLE_TEARDOWN_TRIES rounds (skipped while this engine's
	 * own console of the BMC is in use). Result in u.stale.
	 */
	ENG_OP_CLOSE_STALE,
	ENG_OP__COUNT
};

struct eng_request {
	uint8_t		 type;		/* ENG_MSG_OP */
	uint8_t		 op;		/* enum eng_op */
	uint32_t	 bmc;		/* from eng_bmc_add() */
	uint64_t	 deadline;	/* absolute, eng_now() clock */
	uint64_t	 cookie;	/* the caller's, echoed in the result */
	/* ENG_OP_CLOSE_STALE only: the BMC's session ids (SIDc, as in
	 * struct eng_sess_event), and 1 to end a SOL left active too. */
	uint32_t	 stale_sids[VCM_ENG_STALE_MAX];
	uint8_t		 nstale;
	uint8_t		 stale_sol;
};

/* Why an operation failed; ENG_R_SESSION carries an enum eng_fail. */
enum eng_reason {
	ENG_R_OK = 0,
	ENG_R_SESSION,		/* the session could not be set up */
	ENG_R_TIMEOUT,		/* the command got no answer by the deadline */
	ENG_R_QUEUED,		/* deadline passed waiting for a session */
	ENG_R_CC,		/* the BMC answered a completion code */
	ENG_R_BADRS,		/* the BMC answered something malformed */
	ENG_R_LOST,		/* the session ended under the command */
	ENG_R_INVALID,		/* bad request: unknown BMC or op */
	ENG_R_BUSY,		/* queue full */
	ENG_R_STOPPING,		/* engine stopping or BMC removed */
	ENG_R__COUNT
};

struct eng_devid {
	uint8_t		 device_id, device_rev;
	uint8_t		 fw_major, fw_minor;	/* fw_minor is BCD */
	uint8_t		 ipmi_version;		/* BCD, 0x02 = 2.0 */
	uint32_t	 manufacturer_id;	/* IANA */
	uint16_t	 product_id;
};

/* What ENG_OP_CLOSE_STALE did with the SOL (struct eng_stale.sol). */
enum eng_stale_sol {
	ENG_STALE_SOL_NONE = 0,		/* not asked (stale_sol 0) */
	ENG_STALE_SOL_INACTIVE,		/* was not active (verified) */
	ENG_STALE_SOL_DEACTIVATED,	/* was active, now inactive (verified) */
	ENG_STALE_SOL_ACTIVE,		/* still active after every round */
	ENG_STALE_SOL_UNKNOWN,		/* the BMC would not say */
	ENG_STALE_SOL_SKIPPED		/* this engine's console uses it */
};

struct eng_stale {
	uint8_t		 closed;	/* Close Session answered 00h */
	uint8_t		 gone;		/* 87h: no such session any more */
	uint8_t		 failed;	/* other answers (cc in the result) */
	uint8_t		 skipped;	/* 0, repeated or one of ours */
	uint8_t		 sol;		/* enum eng_stale_sol */
	uint8_t		 sol_rounds;	/* Deactivate Payload sends */
};

struct eng_chassis {
	uint8_t		 power_on;
	uint8_t		 power_overload, interlock, power_fault;
	uint8_t		 control_fault;
	uint8_t		 restore_policy;	/* 0 off, 1 previous, 2 on */
	uint8_t		 last_ipmi_on;
	uint8_t		 intrusion, drive_fault, fan_fault;
};

struct eng_result {
	uint8_t		 type;		/* ENG_MSG_RESULT */
	uint8_t		 op;
	uint32_t	 bmc;
	uint64_t	 cookie;
	int		 status;	/* 0 or a negative VCM_E* */
	uint8_t		 reason;	/* enum eng_reason */
	uint8_t		 fail;		/* enum eng_fail, ENG_R_SESSION */
	uint8_t		 step;		/* enum eng_state it failed in */
	uint8_t		 tries;		/* sends of that step */
	uint8_t		 has_status;	/* status_code below is set */
	uint8_t		 status_code;	/* RMCP+ status or completion code */
	uint8_t		 suite;		/* cipher suite used or tried */
	uint8_t		 cmd_netfn, cmd;	/* the command, ENG_R_TIMEOUT/CC */
	union {
		struct eng_chassis	 chassis;	/* POWER_STATUS too */
		struct eng_devid	 devid;
		struct eng_stale	 stale;		/* CLOSE_STALE */
	} u;
};

typedef void	eng_result_cb(void *arg, const struct eng_result *);

/*
 * ---- Consoles ----------------------------------------------------------
 *
 * One shared SOL per BMC (console.h): the engine binds it to one session
 * of the BMC's budget while it is needed (the others stay for power
 * operations), routes that session's events to it, runs its timers on
 * the engine's heap, keeps the session on console keepalive timings
 * (VCM_CONSOLE_KEEPALIVE_MS / _DEAD_MS) and closes it when the verified
 * teardown says so. Viewers call eng_console_request(); everything comes
 * back through opts.console_cb as struct eng_con_event, never from
 * inside eng_console_request() except its return value and the writer
 * change a TAKE_OVER causes (ENG_CON_EV_WRITER, _WRITER_LOST).
 *
 * Back-pressure: output is pushed (ENG_CV_OUTPUT) on every loop turn,
 * so a caller whose sink is full (a WebSocket's send queue, a terminal
 * that blocks) must not buffer it without bound: it sends ENG_CON_PAUSE
 * for that viewer and ENG_CON_RESUME when the sink has drained. While
 * paused the viewer's output waits in its console queue
 * (VCM_CONSOLE_VIEWER_QUEUE_BYTES); a full queue skips the viewer ahead
 * (ENG_CON_EV_OVERFLOW, u.overflow.skipped bytes lost), and a second
 * overflow before it ever drained drops it (ENG_CON_EV_DROPPED: it is
 * detached). The BMC and the other viewers never wait for it. After
 * RESUME what is queued comes from the loop, not from inside the call.
 *
 * Flow control from the BMC: ENG_CON_EV_FLOW (ev.u.flow) says when the
 * writer's keystrokes are held (blocked 1: the BMC NACKs our packet or
 * says "character transfer unavailable") and when they flow again
 * (blocked 0); viewer -1. Typing may go on meanwhile: WRITE takes what
 * fits in the input queue (VCM_CONSOLE_INPUT_BYTES).
 */
enum eng_con_verb {
	ENG_CON_OPEN = 1,	/* attach a viewer (rights); returns its id */
	ENG_CON_WRITE,		/* keystrokes (writer only): count taken */
	ENG_CON_BREAK,		/* a serial break (writer only) */
	ENG_CON_TAKE_OVER,	/* become the writer (write rights) */
	ENG_CON_DETACH,		/* leave; the last one starts the linger */
	ENG_CON_RETRY,		/* after ENG_CV_REFUSED: try again */
	ENG_CON_PAUSE,		/* the viewer's sink is full: hold output */
	ENG_CON_RESUME,		/* it drained: deliver again */
	ENG_CON__COUNT
};
/* ENG_CON_PAUSE and ENG_CON_RESUME exist (callers may test for them). */
#define ENG_CON_HAS_PAUSE	1

struct eng_con_request {
	uint8_t		 type;		/* ENG_MSG_CONSOLE */
	uint8_t		 verb;		/* enum eng_con_verb */
	uint8_t		 rights;	/* OPEN: ENG_CON_V_WRITE or 0 */
	uint32_t	 bmc;		/* OPEN, RETRY */
	int64_t		 viewer;	/* the others: from OPEN */
	uint64_t	 cookie;	/* OPEN: echoed in the viewer's events */
	const void	*data;		/* WRITE */
	size_t		 len;
};

/*
 * Kinds of struct eng_con_event: every ENG_CON_EV_* of console.h (in
 * .ev, with its meaning) but READABLE, which the engine turns into
 * ENG_CV_OUTPUT, plus the engine's own.
 */
#define ENG_CV_OUTPUT	64	/* console bytes for one viewer: data, len */
#define ENG_CV_SESSION	65	/* the console's session failed: fail, step,
				   tries (it is retried with a backoff) */

struct eng_con_event {
	uint8_t		 type;		/* ENG_MSG_CONSOLE_EVENT */
	uint8_t		 kind;		/* ENG_CON_EV_* or ENG_CV_* */
	uint32_t	 bmc;
	int64_t		 viewer;	/* -1: the whole console */
	uint64_t	 cookie;	/* the viewer's, 0 with viewer -1 */
	/*
	 * WRITER / WRITER_LOST: the other viewer, as an engine viewer id
	 * (-1: none). ev.u.writer.other is the console's internal handle.
	 */
	int64_t		 other;
	struct eng_console_event ev;	/* ENG_CON_EV_* kinds */
	const uint8_t	*data;		/* ENG_CV_OUTPUT: valid in the call */
	size_t		 len;
	uint8_t		 fail, step, tries;	/* ENG_CV_SESSION */
};

/*
 * ---- Sessions -----------------------------------------------------------
 *
 * For crash recovery (see the top): ACTIVE when a session to a BMC is
 * established (operations' and the console's alike), CLOSED when it has
 * ended, each exactly once per session. A CLOSED with confirmed 0 is a
 * session whose Close Session the BMC never confirmed: it may hold a
 * slot until the BMC's idle timeout (ENG_OP_CLOSE_STALE can end it; 87h
 * then says it is gone). Sessions still open when eng_free() runs
 * without eng_stop() get no CLOSED. Delivered from the loop, never from
 * inside an API call; the callback may call eng_submit().
 */
enum eng_sess_kind {
	ENG_SE_ACTIVE = 1,
	ENG_SE_CLOSED
};

struct eng_sess_event {
	uint8_t		 type;		/* ENG_MSG_SESSION_EVENT */
	uint8_t		 kind;		/* enum eng_sess_kind */
	uint8_t		 console;	/* the console's session */
	uint8_t		 confirmed;	/* CLOSED: the BMC confirmed it */
	uint32_t	 bmc;
	uint32_t	 sid_c;		/* the BMC's id: what Close Session
					   names (ENG_OP_CLOSE_STALE) */
	uint32_t	 sid_m;		/* ours */
};

/* ---- API ---------------------------------------------------------------- */

/* Creates the engine on loop; binds the sockets. NULL with *err set. */
struct eng	*eng_new(uv_loop_t *, const struct eng_opts *, eng_result_cb *,
		    void *arg, int *err);
/* Milliseconds on the engine's clock (the loop's, updated). */
uint64_t	 eng_now(struct eng *);
/* Adds a BMC; its id (> 0) or a negative VCM_E*: VCM_EINVAL for a bad
 * config, VCM_ESTATE when the address is already known, VCM_ENOSPC. */
int64_t		 eng_bmc_add(struct eng *, const struct eng_bmc_config *);
/* The id of the BMC at addr:port (host order), or 0. */
uint32_t	 eng_bmc_lookup(struct eng *, uint32_t addr, uint16_t port);
/* Fails its queued operations (ENG_R_STOPPING), tears its console down
 * and closes its sessions as eng_stop() does, then forgets it and wipes
 * its credentials. */
int		 eng_bmc_remove(struct eng *, uint32_t bmc);
/* Queues one operation. Its result always comes through the callback,
 * never from inside this call. */
int		 eng_submit(struct eng *, const struct eng_request *);
/*
 * A viewer's call. OPEN: the viewer id (>= 0; VCM_EINVAL for an unknown
 * BMC, VCM_ESTATE when stopping, VCM_ENOSPC when VCM_CONSOLE_VIEWERS_MAX
 * are attached); the backlog arrives as ENG_CV_OUTPUT. WRITE: bytes
 * taken (fewer when the input queue is full), VCM_ESTATE when the viewer
 * is not the writer or the SOL is not live. Others: 0 or a VCM_E*.
 */
int64_t		 eng_console_request(struct eng *,
		    const struct eng_con_request *);
/* 1 if the viewer holds the input. The first viewer with write rights
 * becomes the writer when it attaches, without an event (it is the
 * caller's own OPEN); later changes come as ENG_CON_EV_WRITER/_LOST. */
int		 eng_console_is_writer(struct eng *, int64_t viewer);
/* The state of a BMC's console (ENG_CON_S_*), ENG_CON_S_IDLE if none. */
int		 eng_console_state(struct eng *, uint32_t bmc);

/*
 * Stops: fails queued operations, tears every console down first (the
 * verified teardown: Deactivate Payload, Get Payload Activation Status;
 * viewers still attached get ENG_CON_EV_TEARDOWN, bounded by
 * VCM_ENG_STOP_CONSOLE_MS), closes every session (Close Session, bounded
 * by VCM_ENG_CLOSE_MS), then closes the sockets and the timer so
 * uv_run() returns. Call eng_free() after the loop has ended.
 */
void		 eng_stop(struct eng *);
void		 eng_free(struct eng *);

/* Counters for tests and benchmarks. */
struct eng_counters {
	uint64_t	 sessions_opened, sessions_closed, sessions_failed;
	uint64_t	 close_unconfirmed;	/* Close Session not confirmed */
	uint64_t	 ops_done, ops_failed;
	uint64_t	 rx, rx_unmatched, tx, tx_dropped;
	uint64_t	 rx_damaged;	/* not RMCP at all: resends sooner */
	uint32_t	 sessions_now, sessions_max;
};
void		 eng_counters(const struct eng *, struct eng_counters *);

/* Text for a result: "on", "off", "ok", "manufacturer 674 ...", or the
 * error ("timeout in RAKP2 after 3 tries"). Always NUL-terminated. */
size_t		 eng_result_format(const struct eng_result *, char *, size_t);
const char	*eng_op_name(unsigned int);
/* Human name of the handshake step a session state waits for. */
const char	*eng_step_name(unsigned int);

#endif
