/*
 * The console side of one IPMI 2.0 / RMCP+ session, as a pure state
 * machine: no sockets, no clock reads, no allocation, no globals. The
 * engine owns one struct eng_session per BMC session and drives it with
 * three inputs:
 *
 *	eng_session_input()	a datagram for this session (already
 *				demultiplexed by peer address and id)
 *	eng_session_tick()	the time has reached eng_session_next()
 *	the API calls		start, request, send_sol, close
 *
 * Every output goes through the caller's struct eng_env: send() for
 * datagrams to the BMC, random() for Rm, IVs and the console session id
 * (RAND_bytes in production, deterministic in tests), event() for
 * results. Time is an argument everywhere: milliseconds on any monotonic
 * clock the caller likes, never 0..UINT64_MAX wrap-around.
 *
 * States (ENG_S_*):
 *
 *	IDLE --start--> AUTHCAP --> OPEN --> RAKP1 --> RAKP3 --> SETPRIV
 *	  --> ACTIVE --close--> CLOSING --> CLOSED
 *
 * AUTHCAP sends Get Channel Authentication Capabilities in the IPMI 1.5
 * session-less form ipmitool and FreeIPMI send, and checks that the
 * channel speaks IPMI 2.0. OPEN proposes one cipher suite (17, then 3,
 * in the configured order); an "invalid algorithm" or "no cipher suite
 * match" status moves on to the next suite. RAKP1 waits for RAKP2,
 * whose key exchange code is checked (constant time) before RAKP3 is
 * sent. RAKP3 waits for RAKP4, whose ICV is checked with the derived
 * SIK. SETPRIV is the first authenticated exchange. Any state can end
 * in FAILED (with an ENG_FAIL_* reason); SETPRIV refused and a close
 * requested during SETPRIV go through CLOSING first, so the BMC's slot
 * is given back before FAILED or CLOSED is reported.
 *
 * A reply is accepted only when every check of a fixed chain passes;
 * otherwise it is dropped (no state change) and counted by reason in
 * struct eng_stats: datagram kind, session id, sequence window (checked
 * before, committed after authentication), integrity + pad + decryption,
 * payload type, message checksums, netfn/cmd/rqSeq, completion code,
 * expected lengths. Nothing a BMC sends can assert or abort.
 *
 * Callbacks: event() may call eng_session_request(), _send_sol() and
 * _close() on the same session; it must not call eng_session_init().
 * Pointers in an event are valid only during the callback.
 */
#ifndef ENGINE_SESSION_H
#define ENGINE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"
#include "ipmi/crypto.h"
#include "ipmi/seqwin.h"

/* Limits (requests, retries, keepalive) are in lib/vcm/limits.h. */

/* "No deadline": eng_session_next() when nothing is armed. */
#define ENG_NEVER		UINT64_MAX

/* ---- States, reasons ------------------------------------------------- */

enum eng_state {
	ENG_S_IDLE = 0,
	ENG_S_AUTHCAP,		/* Get Channel Auth Caps sent */
	ENG_S_OPEN,		/* Open Session sent */
	ENG_S_RAKP1,		/* RAKP1 sent, waiting for RAKP2 */
	ENG_S_RAKP3,		/* RAKP3 sent, waiting for RAKP4 */
	ENG_S_SETPRIV,		/* Set Session Privilege Level sent */
	ENG_S_ACTIVE,
	ENG_S_CLOSING,		/* Close Session sent */
	ENG_S_CLOSED,
	ENG_S_FAILED,
	ENG_S__COUNT
};
#define ENG_S_VALID(s)		((unsigned int)(s) < ENG_S__COUNT)

/* Why a session failed (ENG_EV_FAILED). */
enum eng_fail {
	ENG_FAIL_NONE = 0,
	ENG_FAIL_UNREACHABLE,	/* no answer by the handshake deadline */
	ENG_FAIL_NO_SLOTS,	/* RMCP+ status 01h/0Bh: BMC has no free slot */
	ENG_FAIL_BAD_USER,	/* RMCP+ status 0Dh: unknown user name */
	ENG_FAIL_BAD_PASSWORD,	/* RAKP2 key exchange code mismatch */
	ENG_FAIL_KEY_CONFIRM,	/* RAKP4 ICV mismatch: wrong Kg? */
	ENG_FAIL_PRIV,		/* privilege level not available */
	ENG_FAIL_NO_SUITE,	/* no configured cipher suite accepted */
	ENG_FAIL_NO_IPMI20,	/* channel does not speak IPMI 2.0 */
	ENG_FAIL_PROTOCOL,	/* BMC answered something impossible */
	ENG_FAIL_LOCAL,		/* our side: random() or encoding failed */
	ENG_FAIL__COUNT
};

/* Why a datagram was dropped (struct eng_stats). */
enum eng_drop {
	ENG_DROP_KIND = 0,	/* not the datagram kind this state expects */
	ENG_DROP_SESSION,	/* wrong session id, tag or console id */
	ENG_DROP_SEQ,		/* outside the window or replayed */
	ENG_DROP_AUTH,		/* integrity, pad or decryption failed */
	ENG_DROP_PAYLOAD,	/* unexpected payload type */
	ENG_DROP_MSG,		/* malformed IPMI message or checksum */
	ENG_DROP_NOMATCH,	/* netfn/cmd/rqSeq match no request */
	ENG_DROP_DUPLICATE,	/* CFh "duplicate request" reply */
	ENG_DROP_LENGTH,	/* response body malformed or too short */
	ENG_DROP_STATE,		/* nothing expected in this state */
	ENG_DROP__COUNT
};

/* Quirk flags. The engine takes them from the vendor table (quirks.h)
 * keyed by the IANA manufacturer and product id of Get Device ID, asked
 * once after a BMC's first session is up, with the operator's per-BMC
 * override on top (applied from the first session on); sessions opened
 * after that get them here in struct eng_config. */
/* Supermicro X9: wrong IPMI message checksums (FreeIPMI nochecksumcheck). */
#define ENG_Q_NOCHECKSUM	0x00000001u
/* Capability bits of Get Channel Auth Caps are wrong (FreeIPMI authcap):
 * do not require the IPMI 2.0 bit. */
#define ENG_Q_AUTHCAP		0x00000002u

/* ---- Configuration, environment, events ------------------------------- */

struct eng_config {
	char		 user[VCM_IPMI_USER_MAX + 1];	/* NUL-terminated */
	uint8_t		 password[VCM_IPMI_KEY_MAX];
	uint8_t		 password_len;
	uint8_t		 kg[VCM_IPMI_KEY_MAX];
	uint8_t		 kg_len;			/* 0: no Kg */
	uint8_t		 priv;		/* IPMI_PRIV_USER..IPMI_PRIV_ADMIN */
	/* Try order; 0 entries = {17, 3}. Unusable suites are refused. */
	uint8_t		 suites[VCM_ENG_SUITES_MAX];
	uint8_t		 nsuites;
	/* Milliseconds; 0 = the ENG_* default. */
	uint32_t	 retry_ms;
	uint32_t	 retry_cap_ms;
	uint32_t	 handshake_ms;
	uint32_t	 keepalive_ms;	/* ENG_KEEPALIVE_OFF: none */
	uint32_t	 dead_ms;
	uint32_t	 close_ms;
	uint32_t	 quirks;	/* ENG_Q_* */
};
#define ENG_KEEPALIVE_OFF	UINT32_MAX

enum eng_event_type {
	ENG_EV_ESTABLISHED = 1,	/* session ACTIVE */
	ENG_EV_FAILED,		/* session FAILED; keys wiped */
	ENG_EV_RESPONSE,	/* a request completed with a reply */
	ENG_EV_REQUEST_FAILED,	/* a request completed without one */
	ENG_EV_UNREACHABLE,	/* the BMC stopped answering (still retrying) */
	ENG_EV_REACHABLE,	/* it answers again */
	ENG_EV_CLOSED,		/* session CLOSED; keys wiped */
	ENG_EV_SOL_PACKET,	/* an authenticated SOL payload arrived */
	ENG_EV__COUNT
};

struct eng_event {
	uint8_t		 type;		/* enum eng_event_type */
	union {
		struct {
			uint8_t		 suite;		/* that worked */
			uint8_t		 priv;
			uint32_t	 sid_m, sid_c;
		} established;
		struct {
			uint8_t		 reason;	/* enum eng_fail */
			uint8_t		 step;		/* state it failed in */
			uint8_t		 tries;		/* sends of that step */
			uint8_t		 has_status;	/* status below is set */
			uint8_t		 status;	/* RMCP+ status or cc */
			uint8_t		 bmc_closed;	/* Close Session confirmed */
		} failed;
		struct {
			uint64_t	 cookie;
			uint8_t		 netfn, cmd;	/* of the request */
			uint8_t		 cc;
			const uint8_t	*data;		/* after the cc */
			size_t		 len;
		} response;
		struct {
			uint64_t	 cookie;
			int		 err;	/* VCM_ETIMEDOUT, VCM_ESESSION */
			uint8_t		 tries;	/* sends of the request */
		} request_failed;
		struct {
			uint64_t	 silent_ms;	/* since the last packet */
		} unreachable;
		struct {
			uint8_t		 confirmed;	/* BMC answered cc 00h */
			uint8_t		 answered;	/* any reply at all */
			uint8_t		 cc;
		} closed;
		struct {
			const uint8_t	*data;		/* raw SOL payload */
			size_t		 len;
		} sol;
	} u;
};

struct eng_env {
	void	(*send)(void *arg, const uint8_t *, size_t);
	/* Fills buf with len random bytes; 0 or a negative VCM_E*. */
	int	(*random)(void *arg, void *buf, size_t len);
	void	(*event)(void *arg, const struct eng_event *);
	void	 *arg;
};

struct eng_stats {
	uint32_t	 drops[ENG_DROP__COUNT];
	uint32_t	 sent;		/* datagrams */
	uint32_t	 retransmits;
	uint32_t	 restarts;	/* handshake restarts from Open Session */
	uint32_t	 fallbacks;	/* cipher suites refused by the BMC */
	uint32_t	 keepalives;	/* Get Device ID sent as keepalive */
	uint32_t	 requests;	/* user requests accepted */
};

/* ---- The session ------------------------------------------------------ */

/* One outstanding request; kind ENG_RQK_*, 0 = free. */
struct eng_rq {
	uint8_t		 kind;
	uint8_t		 netfn;
	uint8_t		 cmd;
	uint8_t		 len;
	uint8_t		 tries;			/* sends, all kinds */
	uint8_t		 early;			/* of them for damaged answers */
	uint8_t		 damaged;		/* next send answers damage */
	uint8_t		 nseq;			/* entries used in seq[] */
	uint8_t		 seq[VCM_ENG_RQ_SEQ_KEEP];	/* newest at [0] */
	uint64_t	 cookie;
	uint64_t	 deadline;
	uint64_t	 next_tx;
	uint8_t		 data[VCM_ENG_RQ_DATA_MAX];
};

struct eng_session {
	struct eng_env		 env;
	uint8_t			 state;		/* enum eng_state */
	uint8_t			 priv;
	uint8_t			 suites[VCM_ENG_SUITES_MAX];
	uint8_t			 nsuites;
	uint8_t			 suite_ix;	/* suites[] index in use */
	uint8_t			 tag;		/* RMCP+ message tag */
	uint8_t			 rq_seq;	/* last rqSeq given out */
	uint8_t			 hs_tries;	/* sends of this step */
	uint8_t			 hs_early;	/* of them for damaged answers */
	uint8_t			 hs_damaged;	/* next send answers damage */
	uint8_t			 hs_level;	/* backoff exponent */
	uint8_t			 restarts;
	uint8_t			 dark;		/* UNREACHABLE reported */
	uint8_t			 fail_reason;	/* failure after CLOSING */
	uint8_t			 fail_status;
	uint8_t			 fail_has_status;
	uint8_t			 fail_step;
	uint8_t			 hs_len;	/* bytes in hs_buf */
	uint8_t			 hs_buf[64];	/* step payload to resend */
	uint32_t		 retry_ms, retry_cap_ms, handshake_ms;
	uint32_t		 keepalive_ms, dead_ms, close_ms;
	uint32_t		 quirks;
	uint32_t		 sid_m;		/* ours: the BMC sends to it */
	uint32_t		 sid_c;		/* the BMC's: we send to it */
	uint32_t		 out_mark;	/* out.last at the last answer */
	uint32_t		 out_rewind;	/* cycles the top numbers */
	uint64_t		 hs_deadline;	/* whole handshake */
	uint64_t		 hs_next;	/* step retransmit / timeout */
	uint64_t		 last_rx;	/* last authenticated packet */
	uint64_t		 last_tx;	/* last user request */
	uint64_t		 last_cmd;	/* last IPMI request sent */
	uint64_t		 wait_since;	/* first unanswered send, or NEVER */
	struct ipmi_cipher_suite suite;
	struct ipmi_rakp_ctx	 rakp;		/* creds until RAKP4 */
	struct ipmi_session_keys keys;
	struct ipmi_seqwin_out	 out;
	struct ipmi_seqwin	 in;
	struct eng_rq		 rq[VCM_ENG_RQ_SLOTS];
	struct eng_stats	 stats;
};

/* Budget for sizeof(struct eng_session), checked by the unit test. */
#define ENG_SESSION_SIZE_MAX	2048

/*
 * Copies the configuration (credentials go into the session and may be
 * wiped by the caller afterwards) and the env. IDLE afterwards.
 * VCM_EINVAL for a bad privilege, user or password length; VCM_EINSECURE
 * when no configured suite is usable.
 */
int		 eng_session_init(struct eng_session *, const struct eng_config *,
		    const struct eng_env *);
/* Starts the handshake (IDLE only, else VCM_ESTATE). */
int		 eng_session_start(struct eng_session *, uint64_t now);
/* A datagram from the BMC for this session. Never fails: bad ones are
 * counted in stats and dropped. */
void		 eng_session_input(struct eng_session *, const uint8_t *,
		    size_t, uint64_t now);
/* Runs every timer due at now. */
void		 eng_session_tick(struct eng_session *, uint64_t now);
/* When eng_session_tick() must run next, or ENG_NEVER. */
uint64_t	 eng_session_next(const struct eng_session *);
/*
 * Queues an IPMI request (ACTIVE only, else VCM_ESTATE) and sends it.
 * It completes exactly once: ENG_EV_RESPONSE, or ENG_EV_REQUEST_FAILED
 * when deadline (absolute ms) passes or the session ends. VCM_ENOSPC
 * when VCM_ENG_RQ_MAX are outstanding, VCM_ERANGE when len is too large.
 */
int		 eng_session_request(struct eng_session *, uint8_t netfn,
		    uint8_t cmd, const void *data, size_t len,
		    uint64_t deadline, uint64_t cookie, uint64_t now);
/* Seals and sends one SOL payload (ACTIVE only). Not retransmitted:
 * the SOL layer has its own ACK/retry machine (lib/ipmi/sol.h). */
int		 eng_session_send_sol(struct eng_session *, const void *,
		    size_t, uint64_t now);
/*
 * Ends the session. From SETPRIV or ACTIVE: Close Session, retried,
 * then ENG_EV_CLOSED saying whether the BMC confirmed it. From the
 * handshake: stops at once (CLOSED, not confirmed). Outstanding
 * requests fail with VCM_ESESSION. VCM_ESTATE when already ending.
 */
int		 eng_session_close(struct eng_session *, uint64_t now);
/* Keepalive period and dark threshold, e.g. faster while a console is
 * attached; ENG_KEEPALIVE_OFF stops keepalives. */
void		 eng_session_set_keepalive(struct eng_session *, uint32_t,
		    uint32_t);
/* Wipes everything secret (also done on CLOSED and FAILED). */
void		 eng_session_wipe(struct eng_session *);

const char	*eng_state_name(unsigned int);
const char	*eng_fail_name(unsigned int);
const char	*eng_drop_name(unsigned int);

#endif
