/*
 * vcmd: the daemon's shared state, one struct on one libuv loop.
 *
 * Modules and what they hold:
 *	main.c		command line, start-up order, signals, shutdown
 *	daemon.c	opening the store, the vault keys, the operator key,
 *			TLS material; restart recovery
 *	bmcs.c		the BMCs in the engine: loading from the store,
 *			credentials opened from the vault, health, power
 *			operations waiting for the engine, BMC sessions
 *			recorded for crash recovery
 *	grants.c	live grants: expiry timers, connections under each
 *			grant, ending a grant (close, tear down, audit)
 *	console_ws.c	console WebSockets: tickets, hello, the bridge to
 *			the engine's viewer interface
 *	api.c		routing, authentication, rate limits, JSON helpers
 *	api_objects.c	sites, pools, tenants, BMCs, servers, keys, audit
 *	api_grants.c	grants, power, console URLs, vault rotation
 *	recording.c	console recordings (asciicast v2), retention
 *	api_recordings.c	their API: list, show, download, delete
 *	audit.c		audit events
 *	idmap.c		id -> pointer hash map
 *
 * Everything runs on the loop thread; no locks.
 */
#ifndef VCMD_VCMD_H
#define VCMD_VCMD_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "vcm/limits.h"
#include "engine/engine.h"
#include "store/store.h"
#include "vcmd/config.h"
#include "vcmd/http.h"
#include "vcmd/idmap.h"
#include "vcmd/ratelimit.h"
#include "vcmd/vault.h"

#define VCMD_VERSION	"0.6.0"

struct vcmd;
struct vgrant;
struct vconn;
struct recording;

/* A BMC known to the engine. */
struct vbmc {
	int64_t		 id;		/* store id */
	uint32_t	 eng_id;	/* engine id, 0 if not loaded */
	char		 addr[VCM_ADDR_STR_MAX + 1];
	uint16_t	 port;
	/* Health, from the engine's results and console events. */
	int		 reachable;	/* -1 unknown, 0, 1 */
	int64_t		 last_ok;	/* ms since epoch, 0 never */
	char		 last_error[160];
	int		 console_state;	/* ENG_CON_S_* */
	uint32_t	 console_refs;	/* connections attached */
	uint32_t	 sessions;	/* IPMI sessions open now */
};

/* A console connection (a WebSocket) under a grant. */
struct vconn {
	struct vcmd	*d;
	struct http_ws	*ws;
	struct vgrant	*grant;		/* NULL until the ticket is checked */
	struct vconn	*next;		/* in the grant's list */
	struct vbmc	*bmc;
	int64_t		 viewer;	/* engine viewer id, -1 none */
	uint64_t	 id;		/* cookie for engine events */
	uint32_t	 rights;
	uint64_t	 skipped;	/* bytes the engine skipped for us */
	/* Output the socket refused: held while the engine viewer is
	 * paused, sent first when the socket drains. */
	uint8_t		*held;
	size_t		 held_len;
	int		 paused;
	int		 writer;
	int		 closing;
	uv_timer_t	*hello_timer;
	struct recording *rec;		/* NULL: not recorded */
	char		 peer[VCM_ADDR_STR_MAX + 1];
};

/* A grant that has not ended: its timer and connections. */
struct vgrant {
	struct vcmd	*d;
	struct st_grant	 g;
	uv_timer_t	 timer;		/* fires at not_before or expires */
	struct vconn	*conns;
	uint32_t	 nconns;
	int		 ending;
};

struct vcmd {
	uv_loop_t		*loop;
	struct vcmd_config	 cfg;
	struct store		*st;
	/* keys[0] seals new credentials; the others are a rotation's
	 * leftovers (<path>.new, <path>.old), used to open old blobs. */
	struct vault_keyring	 keys;
	struct eng		*eng;
	struct http_server	*http;
	struct ratelimit	*rate;
	uv_signal_t		 sig_term, sig_int, sig_hup;
	struct idmap		 bmcs;		/* store id -> struct vbmc */
	struct idmap		 bmcs_eng;	/* engine id -> struct vbmc */
	/* engine id -> store id (as a pointer-sized integer), kept after
	 * the BMC leaves the engine: its sessions' CLOSED events come
	 * later and their rows must still be found. */
	struct idmap		 eng_store;
	struct idmap		 grants;	/* id -> struct vgrant */
	struct idmap		 power_ops;	/* cookie -> struct vpower */
	struct idmap		 recovers;	/* cookie -> struct vrecover */
	struct idmap		 conns;		/* cookie -> struct vconn */
	struct idmap		 tickets;	/* slot -> struct vticket */
	uint64_t		 next_cookie;
	int			 stopping;
	int			 exit_status;
	/* Metrics */
	uint64_t		 api_requests, api_errors, api_limited;
	uint64_t		 grants_ended, conns_closed;
};

/* Milliseconds since the epoch (wall clock: grants are wall-time). */
int64_t		 vcmd_now_ms(void);
uint64_t	 vcmd_cookie(struct vcmd *);

/* ---- daemon.c --------------------------------------------------------- */
/* Opens the state: directory, vault keys, store, TLS, operator key. */
int		 daemon_open_state(struct vcmd *);
void		 daemon_close_state(struct vcmd *);

/* ---- bmcs.c ----------------------------------------------------------- */
int		 bmcs_load(struct vcmd *);
/* Adds or reloads one BMC in the engine after a store change. */
int		 bmcs_sync(struct vcmd *, int64_t bmc_id);
void		 bmcs_forget(struct vcmd *, int64_t bmc_id);
struct vbmc	*bmcs_get(struct vcmd *, int64_t bmc_id);
void		 bmcs_free_all(struct vcmd *);
/* Opens the BMC's sealed credentials with whichever vault key sealed
 * them; pw gets a NUL after pwlen bytes (buffer VCM_IPMI_KEY_MAX + 1). */
int		 bmcs_open_cred(struct vcmd *, const struct st_bmc *,
		    uint8_t *pw, size_t *pwlen, uint8_t *kg, size_t *kglen);
unsigned int	 bmcs_sessions_in_use(struct vcmd *, const struct vbmc *);
void		 bmcs_engine_result(void *, const struct eng_result *);
/* Runs a power action; reply goes to the txn (or is dropped on abort). */
void		 bmcs_power(struct vcmd *, struct http_txn *, struct vbmc *,
		    const char *action, int64_t grant_id, int64_t tenant_id,
		    int64_t server_id, const char *actor);
/* The same from a console's "power" message; the result goes back on
 * that socket as {"type":"power",...}. */
void		 bmcs_power_ws(struct vcmd *, struct vconn *,
		    const char *action);
void		 bmcs_txn_abort(struct vcmd *, struct http_txn *, void *);
/* Closes the BMC sessions and SOL a previous vcmd left open. */
void		 bmcs_recover(struct vcmd *);
/* The engine's session events: kept in the store while open, so that
 * bmcs_recover() can close them after a crash. */
void		 bmcs_session_event(void *, const struct eng_sess_event *);

/* ---- grants.c --------------------------------------------------------- */
int		 grants_load(struct vcmd *);
/* A new or changed grant (created, extended): (re)arm its timer. */
int		 grants_arm(struct vcmd *, const struct st_grant *);
struct vgrant	*grants_get(struct vcmd *, int64_t);
/* Ends it now: reason "expired" or "revoked". */
void		 grants_end(struct vcmd *, struct vgrant *, const char *why);
/* Tells its connections about a new expiry. */
void		 grants_extended(struct vcmd *, struct vgrant *);
void		 grants_free_all(struct vcmd *);
/* "pending", "active", "expired", "revoked" at time now. */
const char	*grant_state(const struct st_grant *, int64_t now);

/* ---- console_ws.c ----------------------------------------------------- */
/* A one-time ticket for grant; written to out (VCM_TOKEN_STR_MAX+1). */
int		 console_ticket_new(struct vcmd *, int64_t grant_id,
		    const char *peer, char *out, size_t outsz);
int		 console_ws_open(void *, struct http_ws *,
		    const struct http_request *);
void		 console_ws_message(void *, struct http_ws *, void *, int,
		    const uint8_t *, size_t);
void		 console_ws_drain(void *, struct http_ws *, void *);
void		 console_ws_closed(void *, struct http_ws *, void *);
void		 console_engine_event(void *, const struct eng_con_event *);
/* Closes one connection: a state message, then the close frame. */
void		 console_conn_end(struct vconn *, uint16_t code,
		    const char *state_reason);
/* Tells one connection the grant's new expiry. */
void		 console_conn_expiry(struct vconn *);
void		 console_tickets_free(struct vcmd *);
/* Ends every connection (shutdown). */
void		 console_conns_end_all(struct vcmd *, uint16_t code,
		    const char *reason);

/* ---- api.c ------------------------------------------------------------ */
void		 api_request(void *, struct http_txn *,
		    const struct http_request *);
void		 api_txn_abort(void *, struct http_txn *, void *);

/* ---- audit.c ---------------------------------------------------------- */
/* Records one event; logs it too. Fields 0 / NULL when not relevant. */
void		 audit(struct vcmd *, const char *actor, const char *action,
		    int64_t tenant_id, int64_t server_id, int64_t grant_id,
		    int64_t bmc_id, const char *outcome, const char *detail);

#endif
