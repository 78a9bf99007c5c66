/*
 * The HTTPS and WebSocket front (http.h) over libwebsockets 4.1 and its
 * libuv event library, on the caller's loop ("foreign loop").
 *
 * Who does what. libwebsockets parses HTTP/1.1 and WebSocket frames,
 * does TLS through OpenSSL, answers pings and sends files. This module
 * owns the listening socket (so bind errors are reported cleanly, port
 * 0 works and http_stop() stops accepting at once), keeps one struct
 * conn per connection (lws's opaque user data, which survives the
 * protocol changes of an upgrade), collects bodies, enforces the
 * limits of limits.h and runs replies, which may come later than the
 * request (struct http_txn).
 *
 * Where lws 4.1 needs help:
 * - A request waiting for its (asynchronous) reply: lws would keep
 *   polling a socket it does not read in that state (a spin if the
 *   client sends more or closes), so the socket is paused (rx flow
 *   control) from dispatch until the reply is ready; a paused h1 socket
 *   is not written either, so the pause ends before the reply is
 *   written. A client that leaves meanwhile is noticed by the sweep
 *   below from the socket's TCP state.
 * - Time limits: lws resets its body timeout on every byte and has no
 *   callback when one fires, so a once-a-second sweep applies ours:
 *   silence (tcpi_last_data_recv) and total time per phase. lws's own
 *   timeouts stay as a later backstop.
 * - Request bodies: lws 4.1 has no chunked request bodies and waits for
 *   a body (100 MB) on a POST without Content-Length; we decode chunked
 *   bodies here and close those connections after the reply.
 * - The request target reaches us decoded (%XX, dot-segments); the
 *   query is re-encoded for the API layer (query_dup()).
 * - A refused upgrade is answered by hand (refuse_upgrade()), and a
 *   server-side WebSocket close is started with lws_set_timeout(), not
 *   by returning -1 from the writable callback, and bounded in time by
 *   a timer of ours (ws_writeable(), on_close_timer()).
 * - lws's header overflow (VCM_HTTP_HEADER_MAX) closes the connection
 *   without a reply or a callback: only lws's own log line tells.
 *
 * Every lws callback comes through lws_cb() at the end of the file.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libwebsockets.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <uv.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "vcmd/http.h"

/* The console's WebSocket subprotocol (api.md). */
#define HTTP_WS_PROTOCOL	"vcm.console.v1"
/* lws's name for the protocol of plain HTTP (and of WebSockets that
 * offer no subprotocol); never sent to a client. */
#define HTTP_PROTOCOL		"http"
#define HTTP_VHOST		"vcmd"
#define HTTP_SERVER_NAME	"vcmd"
/* lws's timeouts are a backstop behind the sweep's: they fire this many
 * seconds after ours would have. */
#define HTTP_LWS_BACKSTOP_S	2
/* Loop turns http_free() may take to finish a teardown the caller did
 * not run to its end: lws closes its handles in two or three turns. */
#define HTTP_FREE_TURNS_MAX	100
/* HSTS for a year (RFC 6797); vcmd speaks nothing but HTTPS. */
#define HTTP_HSTS_VALUE		"max-age=31536000"

enum conn_phase {
	PH_REQUEST,	/* TLS handshake, waiting for or reading headers */
	PH_BODY,	/* reading a request body */
	PH_HANDLER,	/* the request is with the handler, no reply yet */
	PH_REPLY,	/* writing a reply (ours, or a file through lws) */
	PH_LINGER,	/* refused: reply, then read and discard, then close */
	PH_WS		/* upgraded to a WebSocket */
};

enum body_mode {
	BODY_NONE,
	BODY_LENGTH,
	BODY_CHUNKED
};

/* The chunked-body decoder (RFC 9112 section 7.1), byte by byte. */
enum chunk_state {
	CK_SIZE,	/* hex digits of a chunk size */
	CK_EXT,		/* chunk extensions, ignored, up to CR */
	CK_SIZE_LF,
	CK_DATA,
	CK_DATA_CR,
	CK_DATA_LF,
	CK_TRAILER,	/* at the start of a trailer line (or the end) */
	CK_TRAILER_LINE,
	CK_TRAILER_LF,
	CK_END_LF,
	CK_DONE
};
#define CK_MORE		0
#define CK_COMPLETE	1
#define CK_BAD		(-1)
#define CK_BIG		(-2)

struct chunker {
	enum chunk_state st;
	uint64_t	 left;		/* size, then bytes left of a chunk */
	size_t		 line;		/* bytes of the size line */
	size_t		 trailer;	/* bytes of trailer lines */
	unsigned	 digits;
};

enum txn_state {
	TX_OPEN,	/* nobody has replied */
	TX_REPLIED	/* a reply is formatted and being written */
};

struct http_txn {
	struct conn		*c;
	void			*data;
	enum txn_state		 state;
	uint8_t			 internal;	/* a refusal of ours */
	enum http_method	 method;
	char			*path;
	char			*query;
	char			*bearer;
	char			*origin;
	char			*ctype;
	uint8_t			*body;
	size_t			 body_len;
	size_t			 body_cap;
	/* The reply: LWS_PRE spare bytes, headers, then the body. */
	uint8_t			*out;
	size_t			 out_hdr;
	size_t			 out_len;	/* headers and body */
	size_t			 out_off;	/* written so far */
};

struct ws_msg {
	TAILQ_ENTRY(ws_msg)	 link;
	size_t			 len;
	uint8_t			 binary;
	uint8_t			 buf[];		/* LWS_PRE, then len bytes */
};
TAILQ_HEAD(ws_msgq, ws_msg);

struct http_ws {
	struct conn		*c;
	void			*data;
	struct ws_msgq		 q;
	size_t			 queued;
	uint8_t			*rx;		/* message being joined */
	size_t			 rx_len;
	uint8_t			 rx_active;
	uint8_t			 rx_binary;
	uint8_t			 opened;	/* ws_open accepted it */
	uint8_t			 established;
	uint8_t			 closing;
	uint8_t			 close_sent;	/* lws has our close frame */
	uint8_t			 refused;	/* a send was refused */
	uint8_t			 reported;	/* ws_closed was called */
	uint16_t		 close_code;
	uint64_t		 close_by;	/* uv_now(): gone by then */
	size_t			 close_len;
	char			 close_reason[VCM_WS_CLOSE_REASON_MAX + 1];
	char			 peer[VCM_ADDR_STR_MAX];
};

struct conn {
	TAILQ_ENTRY(conn)	 link;
	TAILQ_ENTRY(conn)	 clink;		/* s->closing */
	struct http_server	*s;
	struct lws		*wsi;
	enum conn_phase		 phase;
	uint64_t		 phase_ms;	/* uv_now() at the phase's start */
	struct http_txn		*txn;
	struct http_ws		*ws;
	enum body_mode		 body_mode;
	struct chunker		 ck;
	uint8_t			 close_after;	/* no keep-alive after the reply */
	uint8_t			 rx_paused;
	uint8_t			 linger_replied;
	uint8_t			 linger_eof;	/* the refused body has ended */
	uint8_t			 killed;
	uint8_t			 in_closing;	/* on s->closing */
	uint8_t			 want_write;	/* see ws_want_write() */
	char			 peer[VCM_ADDR_STR_MAX];
};
TAILQ_HEAD(connq, conn);

/* Rejection logs: VCM_HTTP_REJECT_LOGS_PER_S lines a second at most. */
struct log_limit {
	uint64_t	 second;
	unsigned	 lines;
	uint64_t	 suppressed;
};

struct http_server {
	uv_loop_t		*loop;
	struct lws_context	*ctx;
	struct lws_vhost	*vh;
	struct http_handlers	 h;
	void			*arg;
	char			*ws_path;
	char			*static_dir;	/* realpath, no trailing slash */
	char			*static_prefix;
	unsigned		 idle_ms;
	unsigned		 request_ms;
	unsigned		 conns_max;
	int			 lfd;
	uint16_t		 port;
	uv_poll_t		 lpoll;
	uv_timer_t		 sweep;
	uv_timer_t		 stop_timer;
	uv_timer_t		 close_timer;	/* WebSocket closes' bound */
	uint8_t			 lpoll_open;
	uint8_t			 lpoll_paused;	/* out of descriptors */
	uint8_t			 timers_open;
	uint8_t			 stopping;	/* http_stop() was called */
	uint8_t			 destroying;	/* lws_context_destroy() begun */
	uint8_t			 write_kick;	/* lws_cancel_service() pending */
	unsigned		 in_lws;	/* depth of lws_cb() calls */
	struct connq		 conns;
	/* WebSockets being closed by us, by close_by (which is the order
	 * of http_ws_close() calls: the bound is the same for all). */
	struct connq		 closing;
	struct http_counters	 cnt;
	struct log_limit	 rl;
	char			 scratch[VCM_HTTP_HEADER_MAX + 1];
};

static int	lws_cb(struct lws *, enum lws_callback_reasons, void *, void *,
		    size_t);

static const struct lws_protocols http_protocols[] = {
	/* First: plain HTTP, and WebSockets that offer no subprotocol. */
	{ HTTP_PROTOCOL, lws_cb, 0, VCM_WS_RX_CHUNK, 0, NULL,
	    VCM_HTTP_WRITE_CHUNK },
	{ HTTP_WS_PROTOCOL, lws_cb, 0, VCM_WS_RX_CHUNK, 0, NULL,
	    VCM_HTTP_WRITE_CHUNK },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* Added by lws to every response it starts, ours and files alike. */
static const struct lws_protocol_vhost_options hdr_hsts = {
	NULL, NULL, "Strict-Transport-Security:", HTTP_HSTS_VALUE
};
static const struct lws_protocol_vhost_options http_vhost_headers = {
	&hdr_hsts, NULL, "X-Content-Type-Options:", "nosniff"
};

/* WebSocket liveness (only the validity fields matter to a server). */
static const lws_retry_bo_t ws_validity = {
	.secs_since_valid_ping = VCM_WS_PING_S,
	.secs_since_valid_hangup = VCM_WS_DEAD_S,
};

/* The console and replay pages' policy (see web/src/index.html). */
#define HTTP_PAGE_CSP	"default-src 'none'; script-src 'self'; " \
	"style-src 'self' 'unsafe-inline'; connect-src 'self'; " \
	"img-src 'self' data:; font-src 'self'; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'none'"

static const struct {
	const char	*ext;
	const char	*type;
} static_types[] = {
	/* First: the entry page's type (revalidated on every load). */
	{ ".html",	"text/html; charset=utf-8" },
	{ ".js",	"text/javascript; charset=utf-8" },
	{ ".css",	"text/css; charset=utf-8" },
	{ ".map",	"application/json" },
	{ ".json",	"application/json" },
	{ ".svg",	"image/svg+xml" },
	{ ".png",	"image/png" },
	{ ".ico",	"image/x-icon" },
	/* The licences shipped with xterm.js. */
	{ ".txt",	"text/plain; charset=utf-8" },
};

/* ---- logging ------------------------------------------------------ */

static uint64_t
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

/* Returns 1 if a line may be logged now; logs the count of lines
 * suppressed in the previous second when a new one begins. */
static int
log_allow(struct log_limit *l, const char *event)
{
	uint64_t now = mono_s();
	char n[24];

	if (now != l->second) {
		if (l->suppressed > 0) {
			snprintf(n, sizeof(n), "%llu",
			    (unsigned long long)l->suppressed);
			vcm_log(VCM_LOG_WARN, event, "suppressed", n, NULL);
		}
		l->second = now;
		l->lines = 0;
		l->suppressed = 0;
	}
	if (l->lines >= VCM_HTTP_REJECT_LOGS_PER_S) {
		l->suppressed++;
		return 0;
	}
	l->lines++;
	return 1;
}

/* One line per rejected request or connection; never header values
 * (Authorization, Cookie) nor bodies. */
static void
reject_log(struct http_server *s, const char *reason, const char *peer)
{
	if (log_allow(&s->rl, "http_reject"))
		vcm_log(VCM_LOG_WARN, "http_reject", "reason", reason,
		    "peer", peer != NULL ? peer : "-", NULL);
}

/* lws's own errors and warnings (process-wide, like lws's setting). */
static struct log_limit lws_log_limit;

static void
lws_log_emit(int level, const char *line)
{
	char buf[VCM_LOG_LINE_MAX];
	size_t n;

	if (!log_allow(&lws_log_limit, "lws"))
		return;
	n = strlen(line);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, line, n);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	vcm_log(VCM_LOG_WARN, "lws", "level", level == LLL_ERR ? "err" : "warn",
	    "msg", buf, NULL);
}

/* ---- connections, phases and the sweep ------------------------------ */

static void	sweep_arm(struct http_server *);

static void
conn_set_phase(struct conn *c, enum conn_phase ph)
{
	int pause = ph == PH_HANDLER;

	c->phase = ph;
	c->phase_ms = uv_now(c->s->loop);
	/* Reading stays off while a request is with the handler: lws 4.1
	 * would poll without reading on a client's next bytes or its
	 * close. (Paused, lws does not write an h1 socket either.) */
	if (pause != c->rx_paused && ph != PH_WS) {
		lws_rx_flow_control(c->wsi, pause ? 0 : 1);
		c->rx_paused = (uint8_t)pause;
	}
	if (ph != PH_WS)
		sweep_arm(c->s);
}

static void
conn_kill(struct conn *c, const char *reason, int count_timeout)
{
	struct http_server *s = c->s;

	if (c->killed)
		return;
	c->killed = 1;
	if (count_timeout) {
		s->cnt.timeouts++;
		reject_log(s, reason, c->peer);
	}
	/* Synchronous: called from the sweep, outside lws's service. An
	 * asynchronous kill could be overwritten by lws's own body timeout
	 * before it fires. */
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
}

/* Time since the client last sent a byte, from the kernel. */
static uint64_t
tcp_silence_ms(struct conn *c, uint64_t fallback)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int fd = lws_get_socket_fd(c->wsi);

	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return fallback;
	return ti.tcpi_last_data_recv;
}

/* 1 if the client closed or reset its side of the connection. */
static int
tcp_gone(struct conn *c)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int fd = lws_get_socket_fd(c->wsi);

	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return 1;
	return ti.tcpi_state != TCP_ESTABLISHED;
}

static void	stop_now(struct http_server *);
static void	on_accept(uv_poll_t *, int, int);

static void
on_sweep(uv_timer_t *t)
{
	struct http_server *s = t->data;
	struct conn *c;
	uint64_t now = uv_now(s->loop), age, silence;
	int watched = 0;

	TAILQ_FOREACH(c, &s->conns, link) {
		if (c->killed)
			continue;
		age = now - c->phase_ms;
		switch (c->phase) {
		case PH_REQUEST:
		case PH_BODY:
			watched = 1;
			/* Keep-alive: the idle clock starts with the phase,
			 * not at the previous request's last byte. */
			silence = tcp_silence_ms(c, age);
			if (silence > age)
				silence = age;
			if (silence >= s->idle_ms)
				conn_kill(c, c->phase == PH_BODY ?
				    "body_idle" : "idle", 1);
			else if (age >= s->request_ms)
				conn_kill(c, c->phase == PH_BODY ?
				    "body_too_slow" : "headers_too_slow", 1);
			break;
		case PH_HANDLER:
			watched = 1;
			/* lws's body timeout, re-armed after our last body
			 * callback, must not end a slow handler's request. */
			lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0);
			if (tcp_gone(c))
				conn_kill(c, "client_gone", 0);
			break;
		case PH_REPLY:
			watched = 1;
			lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0);
			if (age >= (uint64_t)VCM_HTTP_SEND_S * 1000)
				conn_kill(c, "reply_not_taken", 1);
			break;
		case PH_LINGER:
			watched = 1;
			if ((c->linger_replied && age >= VCM_HTTP_LINGER_MS) ||
			    age >= (uint64_t)VCM_HTTP_SEND_S * 1000)
				conn_kill(c, "linger", 0);
			break;
		case PH_WS:
			break;
		}
	}
	if (!watched)
		uv_timer_stop(&s->sweep);
	if (s->lpoll_paused && !s->stopping) {
		s->lpoll_paused = 0;
		uv_poll_start(&s->lpoll, UV_READABLE, on_accept);
	}
}

static void
sweep_arm(struct http_server *s)
{
	if (s->destroying || uv_is_active((uv_handle_t *)&s->sweep))
		return;
	uv_timer_start(&s->sweep, on_sweep, VCM_HTTP_SWEEP_MS,
	    VCM_HTTP_SWEEP_MS);
}

/* The client's address; an IPv4 client of an IPv6 socket as IPv4. */
static void
peer_name(struct lws *wsi, char *buf, size_t cap)
{
	static const char mapped[] = "::ffff:";
	size_t n = sizeof(mapped) - 1;

	if (lws_get_peer_simple(wsi, buf, cap) == NULL) {
		snprintf(buf, cap, "-");
		return;
	}
	buf[cap - 1] = '\0';
	if (strncasecmp(buf, mapped, n) == 0 && strchr(buf + n, '.') != NULL)
		memmove(buf, buf + n, strlen(buf + n) + 1);
}

static int
conn_new(struct http_server *s, struct lws *wsi)
{
	struct conn *c;
	int fd, one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->s = s;
	c->wsi = wsi;
	peer_name(wsi, c->peer, sizeof(c->peer));
	if ((fd = lws_get_socket_fd(wsi)) >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	lws_set_opaque_user_data(wsi, c);
	TAILQ_INSERT_TAIL(&s->conns, c, link);
	s->cnt.conns_now++;
	conn_set_phase(c, PH_REQUEST);
	return 0;
}

static void
txn_free(struct http_txn *t)
{
	if (t == NULL)
		return;
	/* The token and the body may be secrets (a BMC's password). */
	if (t->bearer != NULL)
		vcm_wipe(t->bearer, strlen(t->bearer));
	if (t->body != NULL)
		vcm_wipe(t->body, t->body_cap + 1);
	/* A reply may carry a secret shown once (a new key's token). */
	if (t->out != NULL)
		vcm_wipe(t->out, LWS_PRE + t->out_len);
	free(t->path);
	free(t->query);
	free(t->bearer);
	free(t->origin);
	free(t->ctype);
	free(t->body);
	free(t->out);
	free(t);
}

static void	ws_report_closed(struct http_ws *);
static void	ws_free(struct http_ws *);

/* The last callback for a connection (LWS_CALLBACK_WSI_DESTROY). */
static void
conn_free(struct conn *c)
{
	struct http_server *s = c->s;
	struct http_txn *t = c->txn;

	if (c->in_closing) {
		TAILQ_REMOVE(&s->closing, c, clink);
		c->in_closing = 0;
	}
	c->txn = NULL;
	if (t != NULL) {
		t->c = NULL;
		if (t->state == TX_OPEN && !t->internal &&
		    s->h.txn_abort != NULL)
			s->h.txn_abort(s->arg, t, t->data);
		txn_free(t);
	}
	if (c->ws != NULL) {
		ws_report_closed(c->ws);
		ws_free(c->ws);
		c->ws = NULL;
	}
	TAILQ_REMOVE(&s->conns, c, link);
	s->cnt.conns_now--;
	free(c);
}

/* ---- the listening socket --------------------------------------- */

static int
listen_open(struct http_server *s, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, one = 1, e;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		len = sizeof(*sin6);
	} else
		return VCM_EINVAL;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return VCM_EIO;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		e = errno;
		close(fd);
		vcm_log(VCM_LOG_ERROR, "http_listen_failed", "addr", addr,
		    "error", strerror(e), NULL);
		return e == EADDRINUSE ? VCM_ECONFLICT :
		    e == EADDRNOTAVAIL || e == EACCES ? VCM_EINVAL : VCM_EIO;
	}
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		close(fd);
		return VCM_EIO;
	}
	s->port = ntohs(ss.ss_family == AF_INET ? sin->sin_port :
	    sin6->sin6_port);
	s->lfd = fd;
	return 0;
}

/* New connections go to lws as adopted sockets, unless the limit is
 * reached (then they are closed at once) or we are stopping. */
static void
on_accept(uv_poll_t *p, int status, int events)
{
	struct http_server *s = p->data;
	struct sockaddr_storage ss;
	socklen_t len;
	char peer[VCM_ADDR_STR_MAX];
	int fd, i;

	if (status < 0 || s->stopping)
		return;
	for (i = 0; i < VCM_HTTP_ACCEPT_BATCH; i++) {
		len = sizeof(ss);
		fd = accept4(s->lfd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				/* Level-triggered: pause until the sweep's
				 * next tick rather than spin. */
				s->cnt.rejected_conns++;
				reject_log(s, "out_of_descriptors", NULL);
				uv_poll_stop(&s->lpoll);
				s->lpoll_paused = 1;
				sweep_arm(s);
			}
			return;
		}
		if (s->cnt.conns_now >= s->conns_max) {
			s->cnt.rejected_conns++;
			peer[0] = '\0';
			if (ss.ss_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)
				    ->sin_addr, peer, sizeof(peer));
			else if (ss.ss_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)
				    &ss)->sin6_addr, peer, sizeof(peer));
			reject_log(s, "too_many_connections", peer);
			close(fd);
			continue;
		}
		/* On failure lws has closed the descriptor. */
		if (lws_adopt_socket_vhost(s->vh, fd) == NULL)
			reject_log(s, "adopt_failed", NULL);
	}
}

static void
on_listener_closed(uv_handle_t *h)
{
	struct http_server *s = h->data;

	close(s->lfd);
	s->lfd = -1;
	s->lpoll_open = 0;
}

/* ---- requests ------------------------------------------------------ */

static enum http_method
method_of(struct lws *wsi)
{
	static const struct {
		enum lws_token_indexes	 tok;
		enum http_method	 m;
	} map[] = {
		{ WSI_TOKEN_GET_URI,	HTTP_M_GET },
		{ WSI_TOKEN_POST_URI,	HTTP_M_POST },
		{ WSI_TOKEN_PUT_URI,	HTTP_M_PUT },
		{ WSI_TOKEN_PATCH_URI,	HTTP_M_PATCH },
		{ WSI_TOKEN_DELETE_URI,	HTTP_M_DELETE },
		{ WSI_TOKEN_HEAD_URI,	HTTP_M_HEAD },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (lws_hdr_total_length(wsi, map[i].tok) > 0)
			return map[i].m;
	return HTTP_M_OTHER;
}

/* A copy of a header's value; NULL if absent or empty. */
static char *
hdr_dup(struct http_server *s, struct lws *wsi, enum lws_token_indexes tok)
{
	int n;

	if (lws_hdr_total_length(wsi, tok) <= 0)
		return NULL;
	n = lws_hdr_copy(wsi, s->scratch, sizeof(s->scratch), tok);
	if (n <= 0)
		return NULL;
	return strndup(s->scratch, (size_t)n);
}

/*
 * "Authorization: Bearer <token>": the scheme in any case, one space,
 * then a token of visible ASCII no longer than any of ours. Anything
 * else (another scheme, two spaces, a space inside) is no token.
 */
static char *
bearer_dup(struct http_server *s, struct lws *wsi)
{
	static const char scheme[] = "bearer ";
	size_t slen = sizeof(scheme) - 1, i, n;
	char *tok;
	int len;

	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) <= 0)
		return NULL;
	len = lws_hdr_copy(wsi, s->scratch, sizeof(s->scratch),
	    WSI_TOKEN_HTTP_AUTHORIZATION);
	tok = NULL;
	if (len <= 0)
		goto out;
	n = (size_t)len;
	if (n <= slen || n - slen > VCM_TOKEN_STR_MAX ||
	    strncasecmp(s->scratch, scheme, slen) != 0)
		goto out;
	for (i = slen; i < n; i++)
		if ((unsigned char)s->scratch[i] <= ' ' ||
		    (unsigned char)s->scratch[i] >= 0x7f)
			goto out;
	tok = strndup(s->scratch + slen, n - slen);
out:
	vcm_wipe(s->scratch, sizeof(s->scratch));
	return tok;
}

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/*
 * lws 4.1 hands the query over decoded and split at '&' (and ';'); put
 * it back together, encoded, so the API layer decodes it once: each
 * "name=value" with its first '=' literal and every byte outside the
 * unreserved set as %XX.
 */
static char *
query_dup(struct http_server *s, struct lws *wsi)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out;
	size_t cap, o = 0, k;
	int n, len, eq;

	len = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS);
	if (len <= 0)
		return strdup("");
	/* Every byte may triple, plus one '&' per fragment. */
	cap = (size_t)len * 4 + 1;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	for (n = 0; ; n++) {
		len = lws_hdr_copy_fragment(wsi, s->scratch,
		    sizeof(s->scratch), WSI_TOKEN_HTTP_URI_ARGS, n);
		if (len < 0)
			break;
		if (n > 0 && o + 1 < cap)
			out[o++] = '&';
		eq = 0;
		for (k = 0; k < (size_t)len && o + 3 < cap; k++) {
			unsigned char c = (unsigned char)s->scratch[k];

			if (is_unreserved(c) || (c == '=' && !eq)) {
				eq |= c == '=';
				out[o++] = (char)c;
			} else {
				out[o++] = '%';
				out[o++] = hex[c >> 4];
				out[o++] = hex[c & 15];
			}
		}
	}
	out[o] = '\0';
	return out;
}

/* Content-Length: digits only, no sign, no list ("5, 5"), no overflow. */
static int
content_length(struct http_server *s, struct lws *wsi, uint64_t *out)
{
	int n, i;
	uint64_t v = 0;

	n = lws_hdr_copy(wsi, s->scratch, sizeof(s->scratch),
	    WSI_TOKEN_HTTP_CONTENT_LENGTH);
	if (n <= 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s->scratch[i] < '0' || s->scratch[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s->scratch[i] - '0');
	}
	*out = v;
	return 0;
}

static int
hdr_equals(struct http_server *s, struct lws *wsi, enum lws_token_indexes tok,
    const char *want)
{
	int n;

	n = lws_hdr_copy(wsi, s->scratch, sizeof(s->scratch), tok);
	return n > 0 && strcasecmp(s->scratch, want) == 0;
}

/* Paths reach logs and handlers: no control bytes in them. */
static int
path_ok(const char *p)
{
	if (*p != '/')
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p == 0x7f)
			return 0;
	return 1;
}

static int
method_has_body(enum http_method m)
{
	return m == HTTP_M_POST || m == HTTP_M_PUT || m == HTTP_M_PATCH;
}

static struct http_txn *
txn_new(struct conn *c)
{
	struct http_txn *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->c = c;
	t->state = TX_OPEN;
	return t;
}

static void	reply_error_internal(struct http_txn *, int, const char *,
		    const char *, const char *const *);

/*
 * Refuses the request with an error reply of ours. If a body may still
 * be coming, the connection lingers (reads and discards) after the
 * reply, then closes: closing at once would reset the connection under
 * a client still sending and lose the reply.
 */
static int
refuse(struct conn *c, int status, const char *code, const char *msg,
    const char *reason, int body_pending, const char *const *extra)
{
	struct http_txn *t = c->txn;

	reject_log(c->s, reason, c->peer);
	t->internal = 1;
	if (body_pending) {
		c->close_after = 1;
		c->linger_replied = 0;
		c->linger_eof = 0;
		conn_set_phase(c, PH_LINGER);
	}
	reply_error_internal(t, status, code, msg, extra);
	return 0;
}

static int
dispatch(struct conn *c)
{
	struct http_server *s = c->s;
	struct http_txn *t = c->txn;
	struct http_request req;

	if (t->body == NULL && (t->body = calloc(1, 1)) == NULL)
		return -1;
	t->body[t->body_len] = '\0';
	conn_set_phase(c, PH_HANDLER);
	/* lws's body timeout is for reading; the sweep clears it again if
	 * lws re-arms it after this callback (chunked bodies). */
	lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0);

	memset(&req, 0, sizeof(req));
	req.method = t->method;
	req.path = t->path;
	req.query = t->query;
	req.bearer = t->bearer;
	req.origin = t->origin;
	req.content_type = t->ctype;
	req.peer = c->peer;
	req.body = t->body;
	req.body_len = t->body_len;
	s->h.request(s->arg, t, &req);
	return 0;
}

static int	static_serve(struct conn *);

static int
on_http(struct conn *c, const char *uri, size_t urilen)
{
	static const char *const allow[] = { "Allow: GET, HEAD", NULL };
	struct http_server *s = c->s;
	struct lws *wsi = c->wsi;
	struct http_txn *t;
	uint64_t cl = 0;
	size_t plen;
	int has_cl, has_te, body_pending;

	s->cnt.requests++;
	if (c->txn != NULL || (t = txn_new(c)) == NULL)
		return -1;
	c->txn = t;
	c->body_mode = BODY_NONE;
	c->close_after = 0;
	memset(&c->ck, 0, sizeof(c->ck));
	t->method = method_of(wsi);
	t->path = strndup(uri, urilen);
	t->query = query_dup(s, wsi);
	t->bearer = bearer_dup(s, wsi);
	t->origin = hdr_dup(s, wsi, WSI_TOKEN_ORIGIN);
	t->ctype = hdr_dup(s, wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
	if (t->path == NULL || t->query == NULL)
		return -1;

	has_cl = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0;
	has_te = lws_hdr_total_length(wsi,
	    WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
	/* Whether lws will read a body after this callback. */
	body_pending = has_cl || has_te || method_has_body(t->method);

	if (!path_ok(t->path))
		return refuse(c, 400, "bad_request", "malformed path",
		    "bad_path", body_pending, NULL);
	if (has_te) {
		if (has_cl || !method_has_body(t->method) ||
		    !hdr_equals(s, wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING,
		    "chunked"))
			return refuse(c, 400, "bad_request",
			    "unsupported Transfer-Encoding", "bad_framing", 1,
			    NULL);
		c->body_mode = BODY_CHUNKED;
		/* lws 4.1 counts the rest of the stream as body. */
		c->close_after = 1;
	} else if (has_cl) {
		if (content_length(s, wsi, &cl) != 0)
			return refuse(c, 400, "bad_request",
			    "malformed Content-Length", "bad_framing", 1, NULL);
		if (cl > VCM_HTTP_BODY_MAX) {
			s->cnt.rejected_size++;
			return refuse(c, 413, "payload_too_large",
			    "request body too large", "body_too_large", 1,
			    NULL);
		}
		if (cl > 0)
			c->body_mode = BODY_LENGTH;
	} else if (method_has_body(t->method)) {
		/* No length: no body (RFC 9112 6.3), but lws 4.1 waits
		 * for one, so this connection ends with the reply. */
		c->close_after = 1;
	}

	/* Whether lws reads (a body) after this request. */
	body_pending = c->body_mode != BODY_NONE || c->close_after;
	if (s->ws_path != NULL && strcmp(t->path, s->ws_path) == 0)
		return refuse(c, 400, "bad_request",
		    "WebSocket upgrade required", "ws_no_upgrade",
		    body_pending, NULL);
	if (s->static_prefix != NULL) {
		plen = strlen(s->static_prefix);
		if (strncmp(t->path, s->static_prefix, plen) == 0 ||
		    (strncmp(t->path, s->static_prefix, plen - 1) == 0 &&
		    t->path[plen - 1] == '\0')) {
			if (t->method != HTTP_M_GET && t->method != HTTP_M_HEAD)
				return refuse(c, 405, "method_not_allowed",
				    "static files are read with GET",
				    "static_method", body_pending, allow);
			if (body_pending)
				return refuse(c, 400, "bad_request",
				    "unexpected body", "static_body", 1, NULL);
			return static_serve(c);
		}
	}
	if (c->body_mode == BODY_NONE)
		return dispatch(c);

	if (c->body_mode == BODY_LENGTH) {
		if ((t->body = malloc((size_t)cl + 1)) == NULL)
			return -1;
		t->body_cap = (size_t)cl;
	}
	if (hdr_equals(s, wsi, WSI_TOKEN_HTTP_EXPECT, "100-continue")) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
		uint8_t buf[LWS_PRE + sizeof(cont)];

		memcpy(buf + LWS_PRE, cont, sizeof(cont) - 1);
		if (lws_write(wsi, buf + LWS_PRE, sizeof(cont) - 1,
		    LWS_WRITE_HTTP_HEADERS) < 0)
			return -1;
	}
	conn_set_phase(c, PH_BODY);
	return 0;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
body_append(struct http_txn *t, const uint8_t *p, size_t n)
{
	size_t cap;
	uint8_t *nb;

	if (t->body_len + n > t->body_cap) {
		cap = t->body_cap ? t->body_cap : VCM_HTTP_WRITE_CHUNK;
		while (cap < t->body_len + n)
			cap *= 2;
		if (cap > VCM_HTTP_BODY_MAX)
			cap = VCM_HTTP_BODY_MAX;
		if ((nb = malloc(cap + 1)) == NULL)
			return -1;
		if (t->body != NULL) {
			memcpy(nb, t->body, t->body_len);
			vcm_wipe(t->body, t->body_cap + 1);
			free(t->body);
		}
		t->body = nb;
		t->body_cap = cap;
	}
	memcpy(t->body + t->body_len, p, n);
	t->body_len += n;
	return 0;
}

/*
 * Feeds bytes of a chunked body. Data goes to the body; framing errors
 * and bodies past VCM_HTTP_BODY_MAX (detected from a chunk's size,
 * before its data) end the request. Bytes after the last chunk are
 * ignored: the connection closes after the reply.
 */
static int
chunk_feed(struct chunker *k, struct http_txn *t, const uint8_t *p, size_t n)
{
	size_t i, take;
	int v;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		switch (k->st) {
		case CK_SIZE:
			if (++k->line > VCM_HTTP_CHUNK_LINE_MAX)
				return CK_BAD;
			if ((v = hexval(c)) >= 0) {
				k->left = k->left * 16 + (uint64_t)v;
				if (++k->digits > 8 ||
				    k->left > VCM_HTTP_BODY_MAX)
					return CK_BIG;
				break;
			}
			if (k->digits == 0)
				return CK_BAD;
			if (c == ';' || c == ' ' || c == '\t')
				k->st = CK_EXT;
			else if (c == '\r')
				k->st = CK_SIZE_LF;
			else
				return CK_BAD;
			break;
		case CK_EXT:
			if (++k->line > VCM_HTTP_CHUNK_LINE_MAX)
				return CK_BAD;
			if (c == '\r')
				k->st = CK_SIZE_LF;
			else if ((c < ' ' && c != '\t') || c == 0x7f)
				return CK_BAD;
			break;
		case CK_SIZE_LF:
			if (c != '\n')
				return CK_BAD;
			if (k->left == 0) {
				k->st = CK_TRAILER;
				break;
			}
			if (t->body_len + k->left > VCM_HTTP_BODY_MAX)
				return CK_BIG;
			k->st = CK_DATA;
			break;
		case CK_DATA:
			take = n - i;
			if (take > k->left)
				take = (size_t)k->left;
			if (body_append(t, p + i, take) != 0)
				return CK_BAD;
			k->left -= take;
			i += take - 1;
			if (k->left == 0)
				k->st = CK_DATA_CR;
			break;
		case CK_DATA_CR:
			if (c != '\r')
				return CK_BAD;
			k->st = CK_DATA_LF;
			break;
		case CK_DATA_LF:
			if (c != '\n')
				return CK_BAD;
			k->st = CK_SIZE;
			k->line = 0;
			k->digits = 0;
			break;
		case CK_TRAILER:
			if (c == '\r') {
				k->st = CK_END_LF;
				break;
			}
			if (c == '\n' || ++k->trailer > VCM_HTTP_HEADER_MAX)
				return CK_BAD;
			k->st = CK_TRAILER_LINE;
			break;
		case CK_TRAILER_LINE:
			if (++k->trailer > VCM_HTTP_HEADER_MAX)
				return CK_BAD;
			if (c == '\r')
				k->st = CK_TRAILER_LF;
			else if (c == '\n')
				return CK_BAD;
			break;
		case CK_TRAILER_LF:
			if (c != '\n')
				return CK_BAD;
			k->st = CK_TRAILER;
			break;
		case CK_END_LF:
			if (c != '\n')
				return CK_BAD;
			k->st = CK_DONE;
			return CK_COMPLETE;
		case CK_DONE:
			return CK_COMPLETE;
		}
	}
	return k->st == CK_DONE ? CK_COMPLETE : CK_MORE;
}

static int
on_body(struct conn *c, const uint8_t *in, size_t len)
{
	struct http_txn *t = c->txn;
	int r;

	if (c->phase != PH_BODY)
		return 0;	/* lingering, or lws repeating itself */
	if (c->body_mode == BODY_LENGTH) {
		if (len > t->body_cap - t->body_len)
			return -1;
		memcpy(t->body + t->body_len, in, len);
		t->body_len += len;
		return 0;
	}
	r = chunk_feed(&c->ck, t, in, len);
	if (r == CK_BIG) {
		c->s->cnt.rejected_size++;
		return refuse(c, 413, "payload_too_large",
		    "request body too large", "chunked_too_large", 1, NULL);
	}
	if (r == CK_BAD)
		return refuse(c, 400, "bad_request", "malformed chunked body",
		    "bad_chunked", 1, NULL);
	if (r == CK_COMPLETE)
		return dispatch(c);
	return 0;
}

static int
on_body_done(struct conn *c)
{
	if (c->phase == PH_LINGER) {
		c->linger_eof = 1;
		return c->linger_replied ? -1 : 0;
	}
	if (c->phase != PH_BODY || c->body_mode != BODY_LENGTH)
		return 0;
	if (c->txn->body_len != c->txn->body_cap)
		return -1;
	return dispatch(c);
}

/* ---- replies ------------------------------------------------------- */

/* "Name: value" as lws wants it: name with its colon, value apart. */
static int
add_extra_header(struct lws *wsi, const char *h, unsigned char **p,
    unsigned char *end)
{
	char name[VCM_NAME_MAX + 2];
	const char *colon, *v, *q;
	size_t n;

	if ((colon = strchr(h, ':')) == NULL || colon == h)
		return -1;
	n = (size_t)(colon - h);
	if (n > VCM_NAME_MAX)
		return -1;
	for (q = h; q < colon; q++)
		if (!is_unreserved((unsigned char)*q) && *q != '!' &&
		    *q != '#' && *q != '$' && *q != '%' && *q != '&' &&
		    *q != '\'' && *q != '*' && *q != '+' && *q != '^' &&
		    *q != '`' && *q != '|')
			return -1;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (q = v; *q != '\0'; q++)
		if ((unsigned char)*q < ' ' && *q != '\t')
			return -1;
	memcpy(name, h, n + 1);
	name[n + 1] = '\0';
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
	    (const unsigned char *)v, (int)strlen(v), p, end) ? -2 : 0;
}

/*
 * Formats status line, headers and body into one buffer with LWS_PRE
 * spare bytes in front. Returns the buffer (hdr: header bytes, total:
 * headers and body) or NULL if the headers do not fit.
 */
static uint8_t *
reply_format(struct conn *c, int status, const char *ctype,
    const void *body, size_t len, const char *const *extra, int head,
    size_t *hdr, size_t *total)
{
	struct lws *wsi = c->wsi;
	unsigned char *buf, *p, *end;
	size_t i;
	int r;

	if ((buf = malloc(LWS_PRE + VCM_HTTP_REPLY_HEADER_MAX + len)) == NULL)
		return NULL;
	p = buf + LWS_PRE;
	end = p + VCM_HTTP_REPLY_HEADER_MAX;
	if (lws_add_http_header_status(wsi, (unsigned)status, &p, end) ||
	    (ctype != NULL && lws_add_http_header_by_token(wsi,
	    WSI_TOKEN_HTTP_CONTENT_TYPE, (const unsigned char *)ctype,
	    (int)strlen(ctype), &p, end)) ||
	    lws_add_http_header_content_length(wsi, len, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
	    (const unsigned char *)"no-store", 8, &p, end) ||
	    (c->close_after && lws_add_http_header_by_token(wsi,
	    WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5, &p, end)))
		goto overflow;
	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		r = add_extra_header(wsi, extra[i], &p, end);
		if (r == -2)
			goto overflow;
		if (r != 0 && log_allow(&c->s->rl, "http_bad_header"))
			vcm_log(VCM_LOG_ERROR, "http_bad_header", "status",
			    status >= 500 ? "5xx" : "other", NULL);
	}
	if (lws_finalize_http_header(wsi, &p, end))
		goto overflow;
	*hdr = (size_t)(p - (buf + LWS_PRE));
	if (!head && len > 0)
		memcpy(p, body, len);
	*total = *hdr + (head ? 0 : len);
	return buf;
overflow:
	free(buf);
	return NULL;
}

void
http_txn_set_data(struct http_txn *t, void *data)
{
	if (t != NULL)
		t->data = data;
}

void
http_reply(struct http_txn *t, int status, const char *content_type,
    const void *body, size_t len, const char *const *extra_headers)
{
	static const char fallback[] =
	    "{\"error\":{\"code\":\"internal\",\"message\":\"reply too large\"}}";
	struct conn *c;
	int head;

	if (t == NULL)
		return;
	c = t->c;
	if (t->state != TX_OPEN || c == NULL || c->s->destroying) {
		/* A second reply, or one from inside txn_abort. */
		if (t->state != TX_OPEN)
			vcm_log(VCM_LOG_ERROR, "http_reply_twice", NULL);
		return;
	}
	if (status < 100 || status > 599)
		status = 500;
	head = t->method == HTTP_M_HEAD;
	t->out = reply_format(c, status, content_type, body, len,
	    extra_headers, head, &t->out_hdr, &t->out_len);
	if (t->out == NULL)
		t->out = reply_format(c, 500, "application/json", fallback,
		    sizeof(fallback) - 1, NULL, head, &t->out_hdr,
		    &t->out_len);
	t->state = TX_REPLIED;
	if (t->out == NULL) {
		/* Out of memory: the connection cannot be answered. This
		 * may run inside an lws callback: kill asynchronously. */
		c->killed = 1;
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
		return;
	}
	t->out_off = 0;
	if (c->phase != PH_LINGER)
		conn_set_phase(c, PH_REPLY);
	lws_callback_on_writable(c->wsi);
}

static char *
error_doc(const char *code, const char *message)
{
	json_t *doc;
	char *s;

	doc = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
	    message != NULL ? message : code);
	if (doc == NULL)	/* a message that is not UTF-8 */
		doc = json_pack("{s:{s:s,s:s}}", "error", "code", code,
		    "message", code);
	if (doc == NULL)
		return NULL;
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

static void
reply_error_internal(struct http_txn *t, int status, const char *code,
    const char *message, const char *const *extra)
{
	static const char *const auth[] = { "WWW-Authenticate: Bearer", NULL };
	static const char *const retry[] = { "Retry-After: 1", NULL };
	char *doc;

	if (code == NULL)
		code = "internal";
	if (extra == NULL)
		extra = status == 401 ? auth : status == 429 ? retry : NULL;
	doc = error_doc(code, message);
	http_reply(t, status, "application/json", doc != NULL ? doc : "{}",
	    doc != NULL ? strlen(doc) : 2, extra);
	free(doc);
}

void
http_reply_error(struct http_txn *t, int status, const char *code,
    const char *message)
{
	reply_error_internal(t, status, code, message, NULL);
}

/* The reply is written: next request, close, or linger. */
static int
reply_finished(struct conn *c)
{
	txn_free(c->txn);
	c->txn = NULL;
	if (c->phase == PH_LINGER) {
		c->linger_replied = 1;
		c->phase_ms = uv_now(c->s->loop);
		return c->linger_eof ? -1 : 0;
	}
	if (c->close_after || lws_http_transaction_completed(c->wsi))
		return -1;
	c->body_mode = BODY_NONE;
	conn_set_phase(c, PH_REQUEST);
	return 0;
}

static int
on_http_writeable(struct conn *c)
{
	struct http_txn *t = c->txn;
	size_t n, chunk;
	int first;

	if (t == NULL || t->state != TX_REPLIED)
		return 0;
	/* Headers with the first piece of the body, then a piece per
	 * writable turn. */
	first = t->out_off == 0;
	chunk = first ? t->out_hdr + VCM_HTTP_WRITE_CHUNK : VCM_HTTP_WRITE_CHUNK;
	n = t->out_len - t->out_off;
	if (n > chunk)
		n = chunk;
	if (n > 0 && lws_write(c->wsi, t->out + LWS_PRE + t->out_off, n,
	    first ? LWS_WRITE_HTTP_HEADERS : LWS_WRITE_HTTP) < 0)
		return -1;
	t->out_off += n;
	if (t->out_off < t->out_len) {
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	return reply_finished(c);
}

/* ---- static files ------------------------------------------------- */

static const char *
static_type(const char *rel)
{
	const char *dot = strrchr(rel, '.');
	size_t i;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return NULL;
	for (i = 0; i < sizeof(static_types) / sizeof(static_types[0]); i++)
		if (strcmp(dot, static_types[i].ext) == 0)
			return static_types[i].type;
	return NULL;
}

/* A strict allow-list: letters, digits, '-', '_', '.', '/' between
 * segments, no empty segment, no segment starting with a dot (so no
 * "..", no hidden files), whatever lws decoded or resolved before. */
static int
static_rel_ok(const char *rel)
{
	const char *p;
	int seg_start = 1;

	if (*rel == '\0' || strlen(rel) > VCM_HTTP_STATIC_PATH_MAX)
		return 0;
	for (p = rel; *p != '\0'; p++) {
		if (*p == '/') {
			if (seg_start)
				return 0;
			seg_start = 1;
			continue;
		}
		if (seg_start && *p == '.')
			return 0;
		seg_start = 0;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return 0;
	}
	return !seg_start;
}

static int
static_serve(struct conn *c)
{
	struct http_server *s = c->s;
	struct http_txn *t = c->txn;
	char rel[VCM_HTTP_STATIC_PATH_MAX + sizeof("index.html")];
	char full[PATH_MAX], real[PATH_MAX];
	unsigned char hdrs[VCM_HTTP_REPLY_HEADER_MAX], *p, *end;
	const char *type, *cc;
	char ccbuf[64];
	size_t plen = strlen(s->static_prefix), rootlen, n;
	struct stat st;
	int r, head = t->method == HTTP_M_HEAD;

	if (t->path[plen - 1] == '\0') {
		/* "/console": relative links need the slash. */
		char loc[VCM_HTTP_STATIC_PATH_MAX + sizeof("Location: ")];
		const char *const where[] = { loc, NULL };

		snprintf(loc, sizeof(loc), "Location: %s", s->static_prefix);
		t->internal = 1;
		http_reply(t, 301, NULL, NULL, 0, where);
		return 0;
	}
	n = (size_t)snprintf(rel, sizeof(rel), "%s", t->path + plen);
	if (n >= sizeof(rel))
		goto not_found;
	if (n == 0 || rel[n - 1] == '/') {
		if (n + sizeof("index.html") > sizeof(rel))
			goto not_found;
		memcpy(rel + n, "index.html", sizeof("index.html"));
	}
	if (!static_rel_ok(rel) || (type = static_type(rel)) == NULL)
		goto refused;
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", s->static_dir, rel) >=
	    sizeof(full) || realpath(full, real) == NULL)
		goto not_found;
	/* Symbolic links may not lead out of the directory. */
	rootlen = strlen(s->static_dir);
	if (strncmp(real, s->static_dir, rootlen) != 0 ||
	    real[rootlen] != '/')
		goto refused;
	if (stat(real, &st) != 0 || !S_ISREG(st.st_mode))
		goto not_found;

	/* The entry page is revalidated, assets are cached a while. */
	if (strcmp(type, static_types[0].type) == 0)
		cc = "no-cache";
	else {
		snprintf(ccbuf, sizeof(ccbuf), "max-age=%d",
		    VCM_HTTP_STATIC_MAX_AGE_S);
		cc = ccbuf;
	}
	p = hdrs;
	end = hdrs + sizeof(hdrs);
	if (lws_add_http_header_by_token(c->wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
	    (const unsigned char *)cc, (int)strlen(cc), &p, end))
		return -1;
	/*
	 * Pages get their policy as a header too: frame-ancestors (no
	 * other site may frame a tenant's console) cannot be set by the
	 * page's <meta>. The rest matches web/src's pages.
	 */
	if (strcmp(type, static_types[0].type) == 0 &&
	    lws_add_http_header_by_name(c->wsi,
	    (const unsigned char *)"content-security-policy:",
	    (const unsigned char *)HTTP_PAGE_CSP, (int)strlen(HTTP_PAGE_CSP),
	    &p, end))
		return -1;
	txn_free(t);
	c->txn = NULL;
	conn_set_phase(c, PH_REPLY);
	r = lws_serve_http_file(c->wsi, real, type, (const char *)hdrs,
	    (int)(p - hdrs));
	if (r < 0)
		return -1;
	if (r > 0 || head) {
		/* lws answered (and, for HEAD, completed) by itself. */
		conn_set_phase(c, PH_REQUEST);
		if (r > 0 && lws_http_transaction_completed(c->wsi))
			return -1;
	}
	return 0;

refused:
	return refuse(c, 404, "not_found", "no such file", "static_refused",
	    0, NULL);
not_found:
	t->internal = 1;
	reply_error_internal(t, 404, "not_found", "no such file", NULL);
	return 0;
}

static int
on_file_done(struct conn *c)
{
	conn_set_phase(c, PH_REQUEST);
	return lws_http_transaction_completed(c->wsi) ? -1 : 0;
}

/* ---- WebSockets ---------------------------------------------------- */

static const char *
status_code_name(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 409: return "conflict";
	case 410: return "gone";
	case 429: return "rate_limited";
	case 503: return "unavailable";
	default: return status >= 500 ? "internal" : "bad_request";
	}
}

static const char *
status_phrase(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

/*
 * Refuses an upgrade with an error reply written at once: lws completes
 * the transaction as soon as LWS_CALLBACK_HTTP_CONFIRM_UPGRADE returns.
 * The reply is formatted here, not by lws's header helpers: lws 4.1 has
 * not read the request's HTTP version yet at this point and would
 * answer "HTTP/1.0", which WebSocket clients reject. The connection
 * closes after it (lws has not parsed Connection: either).
 * Returns 1 (replied) or -1 (hang up).
 */
static int
refuse_upgrade(struct conn *c, int status, const char *msg,
    const char *reason)
{
	uint8_t buf[LWS_PRE + VCM_HTTP_REPLY_HEADER_MAX];
	char *doc, *p = (char *)buf + LWS_PRE;
	int n;

	if (status < 400 || status > 599)
		status = 403;
	reject_log(c->s, reason, c->peer);
	if ((doc = error_doc(status_code_name(status), msg)) == NULL)
		return -1;
	n = snprintf(p, VCM_HTTP_REPLY_HEADER_MAX, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Strict-Transport-Security: " HTTP_HSTS_VALUE "\r\n"
	    "Server: " HTTP_SERVER_NAME "\r\n"
	    "Connection: close\r\n%s\r\n%s", status, status_phrase(status),
	    strlen(doc), status == 401 ? "WWW-Authenticate: Bearer\r\n" :
	    status == 429 ? "Retry-After: 1\r\n" : "", doc);
	free(doc);
	if (n < 0 || n >= VCM_HTTP_REPLY_HEADER_MAX)
		return -1;
	c->phase_ms = uv_now(c->s->loop);
	return lws_write(c->wsi, (unsigned char *)p, (size_t)n,
	    LWS_WRITE_HTTP_HEADERS) < 0 ? -1 : 1;
}

/* 1 if the offered subprotocols (a comma list) include ours. */
static int
offers_protocol(struct http_server *s, struct lws *wsi)
{
	char *p, *tok, *save = NULL;

	if (lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) <= 0)
		return 1;	/* none offered: tests and simple clients */
	if (lws_hdr_copy(wsi, s->scratch, sizeof(s->scratch),
	    WSI_TOKEN_PROTOCOL) <= 0)
		return 0;
	for (p = s->scratch; (tok = strtok_r(p, ", \t", &save)) != NULL;
	    p = NULL)
		if (strcmp(tok, HTTP_WS_PROTOCOL) == 0)
			return 1;
	return 0;
}

static void
ws_free(struct http_ws *ws)
{
	struct ws_msg *m;

	while ((m = TAILQ_FIRST(&ws->q)) != NULL) {
		TAILQ_REMOVE(&ws->q, m, link);
		free(m);
	}
	if (ws->rx != NULL)
		vcm_wipe(ws->rx, ws->rx_len);
	free(ws->rx);
	free(ws);
}

static void	stop_soon(struct http_server *);

static void
ws_report_closed(struct http_ws *ws)
{
	struct http_server *s = ws->c->s;

	if (!ws->opened || ws->reported)
		return;
	ws->reported = 1;
	ws->closing = 1;
	s->cnt.ws_closed++;
	s->cnt.ws_now--;
	if (s->h.ws_closed != NULL)
		s->h.ws_closed(s->arg, ws, ws->data);
	if (s->stopping && s->cnt.ws_now == 0)
		stop_soon(s);
}

static int
on_upgrade(struct conn *c, const char *what)
{
	struct http_server *s = c->s;
	struct lws *wsi = c->wsi;
	struct http_request req;
	struct http_ws *ws;
	char *path = NULL, *query = NULL, *bearer = NULL, *origin = NULL;
	int rc;

	s->cnt.requests++;
	if (strcasecmp(what, "websocket") != 0)
		return refuse_upgrade(c, 400, "unsupported upgrade",
		    "upgrade_unsupported");
	if (s->stopping)
		return refuse_upgrade(c, 503, "shutting down", "stopping");
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0 ||
	    s->ws_path == NULL || s->h.ws_open == NULL ||
	    (path = hdr_dup(s, wsi, WSI_TOKEN_GET_URI)) == NULL ||
	    strcmp(path, s->ws_path) != 0) {
		free(path);
		return refuse_upgrade(c, 404, "no WebSocket here",
		    "ws_bad_path");
	}
	if (!offers_protocol(s, wsi)) {
		free(path);
		return refuse_upgrade(c, 400, "subprotocol "
		    HTTP_WS_PROTOCOL " required", "ws_bad_protocol");
	}
	query = query_dup(s, wsi);
	bearer = bearer_dup(s, wsi);
	origin = hdr_dup(s, wsi, WSI_TOKEN_ORIGIN);
	if (query == NULL || (ws = calloc(1, sizeof(*ws))) == NULL) {
		rc = -1;
		goto out;
	}
	ws->c = c;
	TAILQ_INIT(&ws->q);
	snprintf(ws->peer, sizeof(ws->peer), "%s", c->peer);
	c->ws = ws;

	memset(&req, 0, sizeof(req));
	req.method = HTTP_M_GET;
	req.path = path;
	req.query = query;
	req.bearer = bearer;
	req.origin = origin;
	req.peer = c->peer;
	req.body = (const uint8_t *)"";
	rc = s->h.ws_open(s->arg, ws, &req);
	if (rc != 0) {
		if (c->in_closing) {	/* http_ws_close() in ws_open */
			TAILQ_REMOVE(&s->closing, c, clink);
			c->in_closing = 0;
		}
		c->ws = NULL;
		ws_free(ws);
		rc = refuse_upgrade(c, rc, "WebSocket refused", "ws_refused");
		goto out;
	}
	ws->opened = 1;
	s->cnt.ws_opened++;
	s->cnt.ws_now++;
	conn_set_phase(c, PH_WS);
out:
	if (bearer != NULL)
		vcm_wipe(bearer, strlen(bearer));
	free(path);
	free(query);
	free(bearer);
	free(origin);
	return rc;
}

static int
ws_established(struct conn *c)
{
	struct http_ws *ws = c->ws;

	if (ws == NULL)
		return -1;
	ws->established = 1;
	/* lws arms its ping timer on received data only: arm it now, so
	 * a client that never speaks is noticed too. */
	lws_validity_confirmed(c->wsi);
	if (!TAILQ_EMPTY(&ws->q) || ws->closing)
		lws_callback_on_writable(c->wsi);
	return 0;
}

static int
ws_receive(struct conn *c, const uint8_t *in, size_t len)
{
	struct http_server *s = c->s;
	struct http_ws *ws = c->ws;
	static const char big[] = "message too large";
	uint8_t *nb;

	if (ws == NULL)
		return -1;
	if (ws->closing)
		return 0;
	if (!ws->rx_active) {
		ws->rx_active = 1;
		ws->rx_binary = (uint8_t)lws_frame_is_binary(c->wsi);
		ws->rx_len = 0;
	}
	if (len > VCM_WS_MSG_MAX - ws->rx_len ||
	    lws_remaining_packet_payload(c->wsi) >
	    VCM_WS_MSG_MAX - ws->rx_len - len) {
		s->cnt.rejected_size++;
		reject_log(s, "ws_message_too_large", c->peer);
		if (ws->rx != NULL)
			vcm_wipe(ws->rx, ws->rx_len);
		free(ws->rx);
		ws->rx = NULL;
		ws->closing = 1;
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
		    (unsigned char *)(uintptr_t)big, sizeof(big) - 1);
		return -1;
	}
	if (len > 0) {
		/* Not realloc(): the old piece is wiped before it is freed. */
		if ((nb = malloc(ws->rx_len + len + 1)) == NULL)
			return -1;
		if (ws->rx != NULL) {
			memcpy(nb, ws->rx, ws->rx_len);
			vcm_wipe(ws->rx, ws->rx_len);
			free(ws->rx);
		}
		ws->rx = nb;
		memcpy(ws->rx + ws->rx_len, in, len);
		ws->rx_len += len;
	}
	if (!lws_is_final_fragment(c->wsi))
		return 0;
	ws->rx_active = 0;
	if (ws->rx == NULL && (ws->rx = malloc(1)) == NULL)
		return -1;
	ws->rx[ws->rx_len] = '\0';
	nb = ws->rx;
	ws->rx = NULL;
	if (s->h.ws_message != NULL)
		s->h.ws_message(s->arg, ws, ws->data, ws->rx_binary, nb,
		    ws->rx_len);
	/* Keystrokes: a password typed into a console is a secret. */
	vcm_wipe(nb, ws->rx_len + 1);
	free(nb);
	ws->rx_len = 0;
	return 0;
}

static int
ws_writeable(struct conn *c)
{
	struct http_server *s = c->s;
	struct http_ws *ws = c->ws;
	struct ws_msg *m;

	if (ws == NULL)
		return -1;
	if ((m = TAILQ_FIRST(&ws->q)) != NULL) {
		if (lws_write(c->wsi, m->buf + LWS_PRE, m->len,
		    m->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT) < 0)
			return -1;
		TAILQ_REMOVE(&ws->q, m, link);
		ws->queued -= m->len;
		free(m);
		if (ws->refused && ws->queued < VCM_WS_QUEUE_MAX / 2 &&
		    !ws->closing) {
			ws->refused = 0;
			if (s->h.ws_drain != NULL)
				s->h.ws_drain(s->arg, ws, ws->data);
		}
		if (!TAILQ_EMPTY(&ws->q) || ws->closing)
			lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (ws->closing && !ws->close_sent) {
		ws->close_sent = 1;
		lws_close_reason(c->wsi, (enum lws_close_status)ws->close_code,
		    (unsigned char *)ws->close_reason, ws->close_len);
		/*
		 * Not "return -1": Debian's lws 4.1.6 is built with _DEBUG,
		 * and its libuv build then closes a wsi a second time right
		 * after a callback asked for the close ("uv repeat test"),
		 * which turns the polite close (close frame, wait for the
		 * peer's) into a hang-up (1006 at the peer).
		 *
		 * Asking lws to close here, with a reason set, queues the
		 * close frame (it leaves on the next writable event, at once)
		 * and returns; lws closes the connection when the peer
		 * answers. This callback then comes once more (lws passes the
		 * writable event after the frame on to us): nothing to do
		 * then, as a second close would hang up at once, before the
		 * peer's answer arrives (and a reset would answer it).
		 * on_close_timer() bounds the wait.
		 */
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_SYNC);
	}
	return 0;
}

/*
 * The bound of a close of ours: the peer has neither taken what was
 * queued before it nor answered the close frame within VCM_WS_CLOSE_MS
 * of http_ws_close(). Hang up, whatever lws is doing with the socket
 * (waiting for the answer, or still writing to a peer that does not
 * read): shutdown() ends the connection for the peer now and makes
 * lws's next read or write fail, then lws is asked to close (outside
 * its service: this is our timer).
 */
static void
ws_close_hard(struct conn *c)
{
	int fd = lws_get_socket_fd(c->wsi);

	if (fd >= 0)
		(void)shutdown(fd, SHUT_RDWR);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
}

static void
on_close_timer(uv_timer_t *t)
{
	struct http_server *s = t->data;
	struct conn *c;
	uint64_t now = uv_now(s->loop);

	if (s->destroying)
		return;
	/* In order of close_by. A kill may call ws_closed, which may close
	 * other sockets (appended here): take the head each time. */
	while ((c = TAILQ_FIRST(&s->closing)) != NULL &&
	    c->ws->close_by <= now) {
		TAILQ_REMOVE(&s->closing, c, clink);
		c->in_closing = 0;
		ws_close_hard(c);
	}
	if (c != NULL && !s->destroying)
		uv_timer_start(&s->close_timer, on_close_timer,
		    c->ws->close_by - now, 0);
}

/*
 * A WebSocket has something to write (a message, the close frame).
 * Inside lws's service (a callback of ours) lws_callback_on_writable()
 * is enough. Outside it (a timer or any other event of the caller's
 * loop: a hello timeout, a grant's expiry) it is not reliable with lws
 * 4.1's libuv event library: under load the request was lost now and
 * then, the socket left without any poll, and the message and the
 * close frame never left (the peer saw 1006 when on_close_timer() cut
 * the connection). So from outside, the request is made from inside:
 * lws_cancel_service() wakes lws's service, which calls every protocol
 * with LWS_CALLBACK_EVENT_WAIT_CANCELLED, and ws_write_kicked() asks
 * for the writable callbacks there.
 */
static void
ws_want_write(struct conn *c)
{
	struct http_server *s = c->s;

	if (s->in_lws > 0) {
		lws_callback_on_writable(c->wsi);
		return;
	}
	c->want_write = 1;
	if (!s->write_kick) {
		s->write_kick = 1;
		lws_cancel_service(s->ctx);
	}
}

/* LWS_CALLBACK_EVENT_WAIT_CANCELLED: inside lws's service now. */
static void
ws_write_kicked(struct http_server *s)
{
	struct conn *c;

	if (!s->write_kick)
		return;
	s->write_kick = 0;
	TAILQ_FOREACH(c, &s->conns, link) {
		if (!c->want_write)
			continue;
		c->want_write = 0;
		if (!c->killed && c->ws != NULL && c->ws->established &&
		    !c->ws->reported)
			lws_callback_on_writable(c->wsi);
	}
}

void
http_ws_set_data(struct http_ws *ws, void *data)
{
	if (ws != NULL)
		ws->data = data;
}

const char *
http_ws_peer(const struct http_ws *ws)
{
	return ws != NULL ? ws->peer : "-";
}

size_t
http_ws_queued(const struct http_ws *ws)
{
	return ws != NULL ? ws->queued : 0;
}

int
http_ws_send(struct http_ws *ws, int binary, const void *data, size_t len)
{
	struct ws_msg *m;

	if (ws == NULL || (data == NULL && len > 0))
		return VCM_EINVAL;
	if (ws->closing || ws->reported || ws->c->s->destroying)
		return VCM_ESTATE;
	if (len > VCM_WS_QUEUE_MAX - ws->queued) {
		ws->refused = 1;
		return VCM_ENOSPC;
	}
	if ((m = malloc(sizeof(*m) + LWS_PRE + len)) == NULL)
		return VCM_ENOMEM;
	m->len = len;
	m->binary = binary != 0;
	if (len > 0)
		memcpy(m->buf + LWS_PRE, data, len);
	TAILQ_INSERT_TAIL(&ws->q, m, link);
	ws->queued += len;
	if (ws->established)
		ws_want_write(ws->c);
	return 0;
}

/* Codes a server may send (RFC 6455 7.4); 1000 otherwise. */
static uint16_t
close_code_ok(uint16_t code)
{
	if ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
	    (code >= 3000 && code <= 4999))
		return code;
	return LWS_CLOSE_STATUS_NORMAL;
}

void
http_ws_close(struct http_ws *ws, uint16_t code, const char *reason)
{
	struct http_server *s;
	struct conn *c;
	size_t n;

	if (ws == NULL || ws->closing || ws->reported)
		return;
	c = ws->c;
	s = c->s;
	ws->closing = 1;
	ws->close_code = close_code_ok(code);
	n = reason != NULL ? strlen(reason) : 0;
	if (n > VCM_WS_CLOSE_REASON_MAX) {
		n = VCM_WS_CLOSE_REASON_MAX;
		/* Never cut a UTF-8 sequence: the peer would fail 1007. */
		while (n > 0 && ((unsigned char)reason[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(ws->close_reason, reason, n);
	ws->close_reason[n] = '\0';
	ws->close_len = n;
	if (s->destroying)
		return;		/* lws is closing everything */
	/* The bound runs from now; the loop's clock may be behind if this
	 * turn of the loop has been long. */
	uv_update_time(s->loop);
	ws->close_by = uv_now(s->loop) + VCM_WS_CLOSE_MS;
	TAILQ_INSERT_TAIL(&s->closing, c, clink);
	c->in_closing = 1;
	if (!uv_is_active((uv_handle_t *)&s->close_timer))
		uv_timer_start(&s->close_timer, on_close_timer,
		    VCM_WS_CLOSE_MS, 0);
	if (ws->established)
		ws_want_write(c);
}

/* ---- life of the server ------------------------------------------- */

/* The certificate and key, read once before lws gets them: lws 4.1 on a
 * foreign loop cannot fail cleanly once its context exists. */
static int
tls_files_check(const char *cert, const char *key)
{
	SSL_CTX *ctx;
	int ok;

	if (access(cert, R_OK) != 0 || access(key, R_OK) != 0)
		return VCM_EIO;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return VCM_ECRYPTO;
	ok = SSL_CTX_use_certificate_chain_file(ctx, cert) == 1 &&
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 &&
	    SSL_CTX_check_private_key(ctx) == 1;
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 0 : VCM_ECRYPTO;
}

static int
opts_check(const struct http_opts *o, const struct http_handlers *h)
{
	size_t n;

	if (o == NULL || h == NULL || h->request == NULL ||
	    o->listen_addr == NULL || o->cert_file == NULL ||
	    o->key_file == NULL)
		return VCM_EINVAL;
	if (o->ws_path != NULL && (o->ws_path[0] != '/' ||
	    strlen(o->ws_path) > VCM_HTTP_STATIC_PATH_MAX))
		return VCM_EINVAL;
	if ((o->static_dir == NULL) != (o->static_prefix == NULL))
		return VCM_EINVAL;
	if (o->static_prefix != NULL) {
		n = strlen(o->static_prefix);
		if (n < 2 || n > VCM_HTTP_STATIC_PATH_MAX ||
		    o->static_prefix[0] != '/' ||
		    o->static_prefix[n - 1] != '/')
			return VCM_EINVAL;
	}
	return 0;
}

struct http_server *
http_new(uv_loop_t *loop, const struct http_opts *o,
    const struct http_handlers *h, void *arg, int *err)
{
	static int lws_logs_routed;
	struct lws_context_creation_info info;
	struct http_server *s = NULL;
	char real[PATH_MAX];
	void *loops[1];
	unsigned backstop;
	int rc = VCM_EINVAL;

	if (loop == NULL || (rc = opts_check(o, h)) != 0)
		goto fail;
	if ((rc = tls_files_check(o->cert_file, o->key_file)) != 0) {
		vcm_log(VCM_LOG_ERROR, "http_tls_files", "cert", o->cert_file,
		    "error", vcm_errname(rc), NULL);
		goto fail;
	}
	rc = VCM_ENOMEM;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto fail;
	s->lfd = -1;
	s->loop = loop;
	s->h = *h;
	s->arg = arg;
	TAILQ_INIT(&s->conns);
	TAILQ_INIT(&s->closing);
	s->idle_ms = (o->idle_s ? o->idle_s : VCM_HTTP_IDLE_S) * 1000u;
	s->request_ms = s->idle_ms * VCM_HTTP_REQUEST_FACTOR;
	s->conns_max = o->conns_max ? o->conns_max : VCM_HTTP_CONNS_MAX;
	if (o->ws_path != NULL && (s->ws_path = strdup(o->ws_path)) == NULL)
		goto fail;
	if (o->static_dir != NULL) {
		if (realpath(o->static_dir, real) == NULL) {
			rc = VCM_EINVAL;
			goto fail;
		}
		if ((s->static_dir = strdup(real)) == NULL ||
		    (s->static_prefix = strdup(o->static_prefix)) == NULL)
			goto fail;
	}
	if ((rc = listen_open(s, o->listen_addr, o->port)) != 0)
		goto fail;

	if (!lws_logs_routed) {
		lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);
		lws_logs_routed = 1;
	}
	backstop = s->request_ms / 1000 + HTTP_LWS_BACKSTOP_S;
	memset(&info, 0, sizeof(info));
	loops[0] = loop;
	info.foreign_loops = loops;
	info.options = LWS_SERVER_OPTION_LIBUV |
	    LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
	    LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
	    LWS_SERVER_OPTION_SKIP_SERVER_CANONICAL_NAME |
	    LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS |
	    LWS_SERVER_OPTION_VALIDATE_UTF8;
	info.user = s;
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = http_protocols;
	info.vhost_name = HTTP_VHOST;
	info.server_string = HTTP_SERVER_NAME;
	info.ssl_cert_filepath = o->cert_file;
	info.ssl_private_key_filepath = o->key_file;
	info.ssl_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
	    SSL_OP_NO_TLSv1_1;
	info.alpn = "http/1.1";
	info.headers = &http_vhost_headers;
	info.max_http_header_data = VCM_HTTP_HEADER_MAX;
	info.max_http_header_pool2 = s->conns_max;
	info.pt_serv_buf_size = VCM_HTTP_WRITE_CHUNK;
	info.timeout_secs = backstop;
	info.timeout_secs_ah_idle = backstop;
	info.keepalive_timeout = (int)backstop;
	info.retry_and_idle_policy = &ws_validity;
	info.count_threads = 1;
	info.uid = -1;
	info.gid = -1;

	rc = VCM_EIO;
	if ((s->ctx = lws_create_context(&info)) == NULL)
		goto fail;
	if ((s->vh = lws_create_vhost(s->ctx, &info)) == NULL) {
		/* The context has handles on the loop now; they go when the
		 * loop runs, but the context itself cannot be freed without
		 * that: leaked, on a start-up error. */
		vcm_log(VCM_LOG_ERROR, "http_vhost_failed", NULL);
		lws_context_destroy(s->ctx);
		s->ctx = NULL;
		goto fail;
	}
	uv_poll_init_socket(loop, &s->lpoll, s->lfd);
	s->lpoll.data = s;
	s->lpoll_open = 1;
	uv_poll_start(&s->lpoll, UV_READABLE, on_accept);
	uv_timer_init(loop, &s->sweep);
	uv_timer_init(loop, &s->stop_timer);
	uv_timer_init(loop, &s->close_timer);
	s->close_timer.data = s;
	s->sweep.data = s;
	s->stop_timer.data = s;
	s->timers_open = 1;
	{
		char port[8];

		snprintf(port, sizeof(port), "%u", s->port);
		vcm_log(VCM_LOG_INFO, "http_listening", "addr", o->listen_addr,
		    "port", port, NULL);
	}
	if (err != NULL)
		*err = 0;
	return s;
fail:
	if (s != NULL) {
		if (s->lfd >= 0)
			close(s->lfd);
		free(s->ws_path);
		free(s->static_dir);
		free(s->static_prefix);
		free(s);
	}
	if (err != NULL)
		*err = rc;
	return NULL;
}

uint16_t
http_port(const struct http_server *s)
{
	return s != NULL ? s->port : 0;
}

/* Outside any lws callback (from our timer): lws may tear down. */
static void
stop_now(struct http_server *s)
{
	if (s->destroying)
		return;
	s->destroying = 1;
	uv_timer_stop(&s->sweep);
	uv_timer_stop(&s->stop_timer);
	uv_timer_stop(&s->close_timer);
	uv_close((uv_handle_t *)&s->sweep, NULL);
	uv_close((uv_handle_t *)&s->stop_timer, NULL);
	uv_close((uv_handle_t *)&s->close_timer, NULL);
	/* Closes every connection (WSI_DESTROY: aborts and ws_closed
	 * follow as their handles close), then lws's own handles. */
	lws_context_destroy(s->ctx);
}

static void
on_stop_timer(uv_timer_t *t)
{
	stop_now(t->data);
}

static void
stop_soon(struct http_server *s)
{
	if (!s->destroying)
		uv_timer_start(&s->stop_timer, on_stop_timer, 0, 0);
}

void
http_stop(struct http_server *s)
{
	struct conn *c;

	if (s == NULL || s->stopping)
		return;
	s->stopping = 1;
	if (s->lpoll_open) {
		uv_poll_stop(&s->lpoll);
		uv_close((uv_handle_t *)&s->lpoll, on_listener_closed);
	}
	TAILQ_FOREACH(c, &s->conns, link)
		if (c->ws != NULL && c->ws->opened && !c->ws->reported)
			http_ws_close(c->ws, LWS_CLOSE_STATUS_GOINGAWAY,
			    "server shutting down");
	vcm_log(VCM_LOG_INFO, "http_stopping", NULL);
	uv_timer_start(&s->stop_timer, on_stop_timer,
	    s->cnt.ws_now > 0 ? VCM_HTTP_STOP_GRACE_MS : 0, 0);
}

struct handle_count {
	struct http_server	*s;
	unsigned		 n;
};

/* Ours, or one of lws's per-thread handles (whose data is the context:
 * LWS_UV_REFCOUNT_STATIC_HANDLE_NEW in lws 4.1's libuv event library). */
static void
count_handle(uv_handle_t *h, void *arg)
{
	struct handle_count *hc = arg;
	struct http_server *s = hc->s;

	if (h->data == (void *)s->ctx || h == (uv_handle_t *)&s->lpoll ||
	    h == (uv_handle_t *)&s->sweep ||
	    h == (uv_handle_t *)&s->stop_timer ||
	    h == (uv_handle_t *)&s->close_timer)
		hc->n++;
}

static unsigned
handles_left(struct http_server *s)
{
	struct handle_count hc = { s, 0 };

	uv_walk(s->loop, count_handle, &hc);
	return hc.n;
}

void
http_free(struct http_server *s)
{
	unsigned turns;

	if (s == NULL)
		return;
	/* Normally all is closed (the caller ran the loop to its end). An
	 * error path may call this early: then finish the teardown here,
	 * turning the loop until lws's handles and ours are gone, rather
	 * than free what closing handles still point to. */
	if (!s->stopping)
		http_stop(s);
	stop_now(s);
	for (turns = 0; handles_left(s) > 0 && turns < HTTP_FREE_TURNS_MAX;
	    turns++)
		uv_run(s->loop, UV_RUN_NOWAIT);
	if (handles_left(s) > 0) {
		vcm_log(VCM_LOG_ERROR, "http_free_handles_open", NULL);
		return;		/* leaked, never freed under the loop */
	}
	/* The second call finishes what stop_now() began, now that the
	 * loop has closed lws's handles. */
	lws_context_destroy(s->ctx);
	free(s->ws_path);
	free(s->static_dir);
	free(s->static_prefix);
	free(s);
}

void
http_counters(const struct http_server *s, struct http_counters *out)
{
	if (out == NULL)
		return;
	if (s == NULL) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = s->cnt;
}

/* ---- the lws callback ---------------------------------------------- */

static int	lws_cb_in(struct http_server *, struct lws *,
		    enum lws_callback_reasons, void *, void *, size_t);

/* Every lws callback: counted, so that ws_want_write() knows whether it
 * runs inside lws's service. */
static int
lws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct http_server *s = lws_context_user(lws_get_context(wsi));
	int rc;

	if (s == NULL)
		return lws_cb_in(s, wsi, reason, user, in, len);
	s->in_lws++;
	rc = lws_cb_in(s, wsi, reason, user, in, len);
	s->in_lws--;
	return rc;
}

static int
lws_cb_in(struct http_server *s, struct lws *wsi,
    enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct conn *c = lws_get_opaque_user_data(wsi);

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (s != NULL && !s->destroying)
			ws_write_kicked(s);
		return 0;
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
		/* user is the vhost's SSL_CTX: TLS 1.2 at least. */
		return SSL_CTX_set_min_proto_version(user, TLS1_2_VERSION) == 1 ?
		    0 : -1;
	case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
		return s != NULL && c == NULL ? conn_new(s, wsi) : 0;
	case LWS_CALLBACK_WSI_DESTROY:
		if (c != NULL) {
			lws_set_opaque_user_data(wsi, NULL);
			conn_free(c);
		}
		return 0;
	default:
		break;
	}
	if (c == NULL || c->killed)
		return reason == LWS_CALLBACK_HTTP ||
		    reason == LWS_CALLBACK_HTTP_CONFIRM_UPGRADE ? -1 : 0;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return on_http(c, in, len);
	case LWS_CALLBACK_HTTP_BODY:
		return on_body(c, in, len);
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return on_body_done(c);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return on_http_writeable(c);
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		return on_file_done(c);
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return on_upgrade(c, in);
	case LWS_CALLBACK_ESTABLISHED:
		return ws_established(c);
	case LWS_CALLBACK_RECEIVE:
		return ws_receive(c, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ws_writeable(c);
	case LWS_CALLBACK_CLOSED:
		if (c->ws != NULL)
			ws_report_closed(c->ws);
		return 0;
	default:
		return 0;
	}
}
