/*
 * The front door: HTTPS and WebSocket on vcmd's libuv loop, through
 * libwebsockets (its libuv event library). All HTTP and WebSocket
 * parsing stays inside libwebsockets; this module adds vcm's limits
 * (limits.h: header and body size, idle timeout, connection count,
 * WebSocket message size and send queue), collects a request's body,
 * and hands complete requests to the API layer as struct http_request.
 *
 * Replies may be asynchronous: a handler keeps the struct http_txn and
 * replies later (a power action waits for the engine). If the client
 * goes away first, handlers.txn_abort is called and the txn must not be
 * used again. Exactly one reply per txn.
 *
 * The txn rule, in full: a txn belongs to the handler from
 * handlers.request() until either it calls http_reply() or
 * http_reply_error() (once), or handlers.txn_abort() is called for it
 * (the client left, or http_stop() closed the connection). Both end
 * it: after http_reply() returns or txn_abort() returns, the pointer
 * is dead and the handler must drop it (inside txn_abort, replying is
 * ignored). A handler that may reply later therefore keeps the txn in
 * its own record, sets it with http_txn_set_data(), and forgets it in
 * txn_abort; then a reply after an abort cannot happen.
 *
 * Request fields: path is libwebsockets' view of the request target,
 * %XX already decoded and dot-segments and repeated slashes resolved
 * (".." can never climb above "/"); requests whose path holds control
 * bytes are refused (400) before any handler sees them. query is
 * re-encoded from the decoded arguments ('&'-joined "name=value",
 * bytes outside [A-Za-z0-9-._~] as %XX), so decoding it once gives
 * the values the client meant.
 *
 * Request bodies: Content-Length or chunked (chunked requests get
 * "Connection: close"); larger than VCM_HTTP_BODY_MAX → 413 before the
 * body is read (Content-Length) or as soon as it passes the limit
 * (chunked); the connection then closes after VCM_HTTP_LINGER_MS.
 * Limits in time: silence of idle_s (VCM_HTTP_IDLE_S) while a request
 * is due or arriving drops the connection, and the headers, then the
 * body, must each arrive within VCM_HTTP_REQUEST_FACTOR x idle_s.
 *
 * WebSockets: one path (opts.ws_path) upgrades; handlers.ws_open decides
 * (the API layer checks Origin there); text and binary messages arrive
 * whole (fragments are joined up to VCM_WS_MSG_MAX, a larger message
 * closes the socket with 1009). Sends are queued per socket up to
 * VCM_WS_QUEUE_MAX bytes; beyond that http_ws_send() refuses, so the
 * caller decides (skip ahead, tell the viewer) and the loop never
 * blocks. The upgrade must offer the subprotocol "vcm.console.v1" or
 * none (tests). ws_open sees path, query, origin, bearer and peer (no
 * body); if it refuses, the struct http_ws is dead when it returns.
 * Otherwise exactly one ws_closed follows, however the socket ends.
 * A message handed to ws_message has a NUL after its last byte.
 * Liveness: lws pings a socket silent for VCM_WS_PING_S and closes it
 * VCM_WS_DEAD_S after its last sign of life.
 *
 * Static files (the console page and xterm.js) are served from
 * opts.static_dir under opts.static_prefix when set.
 *
 * Threading: none; everything on the loop thread.
 */
#ifndef VCMD_HTTP_H
#define VCMD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

struct http_server;
struct http_txn;
struct http_ws;

enum http_method {
	HTTP_M_OTHER = 0,
	HTTP_M_GET,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_PATCH,
	HTTP_M_DELETE,
	HTTP_M_HEAD
};

/* Valid during the handler call only (copy what you keep). */
struct http_request {
	enum http_method method;
	const char	*path;		/* without the query, undecoded */
	const char	*query;		/* after '?', undecoded; "" if none */
	const char	*bearer;	/* token of "Authorization: Bearer",
					   NULL if absent or another scheme;
					   scheme in any case, one space,
					   then 1..VCM_TOKEN_STR_MAX visible
					   ASCII bytes, else NULL too */
	const char	*origin;	/* Origin header, NULL if absent */
	const char	*content_type;	/* NULL if absent */
	const char	*peer;		/* client address, "198.51.100.7" */
	const uint8_t	*body;		/* NUL-terminated copy, body_len long */
	size_t		 body_len;
};

struct http_handlers {
	/* A complete request (not the WebSocket path). */
	void	(*request)(void *arg, struct http_txn *,
		    const struct http_request *);
	/* The client went away before the reply; data from
	 * http_txn_set_data(). */
	void	(*txn_abort)(void *arg, struct http_txn *, void *data);
	/* An upgrade request on ws_path: 0 accepts, an HTTP status
	 * (403, 404, 429) refuses. */
	int	(*ws_open)(void *arg, struct http_ws *,
		    const struct http_request *);
	void	(*ws_message)(void *arg, struct http_ws *, void *data,
		    int binary, const uint8_t *, size_t);
	/* The socket's send queue has drained below half (after a refused
	 * http_ws_send): the caller may send again. May be NULL. */
	void	(*ws_drain)(void *arg, struct http_ws *, void *data);
	/* Closed, by either side; the last call for this socket. */
	void	(*ws_closed)(void *arg, struct http_ws *, void *data);
};

struct http_opts {
	const char	*listen_addr;	/* "127.0.0.1" */
	uint16_t	 port;		/* 0: pick one (tests), see http_port() */
	const char	*cert_file;	/* PEM; TLS is mandatory */
	const char	*key_file;
	const char	*ws_path;	/* "/v1/console/ws" */
	const char	*static_dir;	/* NULL: none */
	const char	*static_prefix;	/* "/console/" */
	unsigned	 idle_s;	/* 0: VCM_HTTP_IDLE_S (tests: 1-2) */
	unsigned	 conns_max;	/* 0: VCM_HTTP_CONNS_MAX */
};

struct http_server *http_new(uv_loop_t *, const struct http_opts *,
		    const struct http_handlers *, void *arg, int *err);
/* The port bound (useful with opts.port 0). */
uint16_t	 http_port(const struct http_server *);
/*
 * Stops accepting, closes every connection (WebSockets with 1001 after
 * their queued data, within VCM_HTTP_STOP_GRACE_MS), releases the
 * loop's handles so uv_run() can end. May be called from a handler.
 * Handlers still get txn_abort and ws_closed for what was open, while
 * the loop runs on; none after uv_run() returned.
 */
void		 http_stop(struct http_server *);
/*
 * Normally after http_stop() and after uv_run() has returned. Called
 * earlier (an error path), it stops the server itself and turns the
 * loop (UV_RUN_NOWAIT, bounded) until libwebsockets has closed its
 * handles, which takes a few turns. Never from a loop callback.
 */
void		 http_free(struct http_server *);

/* ---- replies ---------------------------------------------------------- */

void		 http_txn_set_data(struct http_txn *, void *);
/*
 * Sends the reply and ends the txn. Headers added for every reply:
 * Content-Type (unless content_type is NULL), Content-Length,
 * Cache-Control: no-store, X-Content-Type-Options: nosniff,
 * Strict-Transport-Security. extra_headers is NULL or a list of
 * "Name: value" strings ending with NULL (e.g. "Retry-After: 1"); one
 * that is malformed (no colon, CR or LF in it) is left out and logged.
 * The body is copied.
 */
void		 http_reply(struct http_txn *, int status,
		    const char *content_type, const void *body, size_t len,
		    const char *const *extra_headers);
/* The error document of the API: {"error":{"code":..,"message":..}}.
 * 401 adds "WWW-Authenticate: Bearer", 429 "Retry-After: 1". */
void		 http_reply_error(struct http_txn *, int status,
		    const char *code, const char *message);

/* ---- WebSockets ------------------------------------------------------- */

void		 http_ws_set_data(struct http_ws *, void *);
/* The peer address, as http_request.peer. */
const char	*http_ws_peer(const struct http_ws *);
/* Queues one message; VCM_ENOSPC when the queue would pass
 * VCM_WS_QUEUE_MAX, VCM_ESTATE once closing. */
int		 http_ws_send(struct http_ws *, int binary, const void *,
		    size_t);
size_t		 http_ws_queued(const struct http_ws *);
/* Sends what is queued, then a close frame (code, reason: at most
 * VCM_WS_CLOSE_REASON_MAX bytes, cut there); ws_closed follows. The
 * server side closes; pages never need to. After ws_closed returns the
 * struct http_ws is dead. */
/* The frame leaves within a turn of the loop (after the queue) and the
 * connection is closed when the peer answers it, VCM_WS_CLOSE_MS after
 * this call at the latest (what the peer has not taken by then is
 * dropped), so the bound holds for a stalled peer too. */
void		 http_ws_close(struct http_ws *, uint16_t code,
		    const char *reason);

/* Counters for /metrics. */
struct http_counters {
	uint64_t	 requests, ws_opened, ws_closed;
	uint64_t	 rejected_size, rejected_conns, timeouts;
	uint32_t	 conns_now, ws_now;
};
void		 http_counters(const struct http_server *,
		    struct http_counters *);

#endif
