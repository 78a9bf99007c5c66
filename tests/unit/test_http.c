/*
 * The HTTPS and WebSocket front (src/vcmd/http.c) and the self-signed
 * certificates it starts with (src/vcmd/tlsgen.c).
 *
 * Each case runs a real server on its own libuv loop (port 0 on
 * 127.0.0.1, a certificate from tlsgen) with handlers that echo, reply
 * late, hang or refuse, and a client in a second thread: libcurl for
 * ordinary requests, raw TLS sockets (OpenSSL) for what curl will not
 * send (trickled headers, oversized and chunked bodies, pipelining), and
 * tests/tools/ws-client.py (Debian's python3-websockets, a WebSocket
 * implementation independent of libwebsockets) for WebSockets. Checks
 * on what the server saw are made after the loop has ended. Every
 * client wait is bounded; a watchdog stops a case that hangs.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <uv.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "vcmd/http.h"
#include "vcmd/tlsgen.h"
#include "test.h"

#define WS_PATH		"/v1/console/ws"
#define STATIC_PREFIX	"/console/"
#define WATCHDOG_MS	90000
#define CLIENT_TMO_S	10L
#define IO_TMO_MS	10000
#define PY_TMO_MS	30000
#define RESP_MAX	(1024 * 1024)
#define BIG_REPLY	(300 * 1024)
#define HANG_MAX	8
#define KEEPALIVE_N	1000
#define SLOW_IDLE_S	2u
#define SECRET_TEXT	"top-secret-outside-the-static-dir"
/* A server-side close (a grant revoked) must reach the client promptly:
 * the product allows 1 s; the test asks for less than this. */
#define CLOSE_PROMPT_MS	300
#define REVOKE_RUNS	6
#define REVOKE_MAX	(3 * REVOKE_RUNS)
/* Timer-started closes (a hello timeout, a grant expiring): sockets at
 * once per round, and rounds. */
#define TCLOSE_SOCKS	8
#define TCLOSE_ROUNDS	25
#define TCLOSE_MS	150
#define HELLO_MAX	(2 * TCLOSE_SOCKS)
#define TCLOSE_TEXT	"{\"type\":\"state\",\"state\":\"ended\"}"

extern char **environ;

/* ---- the test's environment: a temporary directory -------------- */

static struct {
	int	 ready;
	char	 dir[64];
	char	 cert[128];
	char	 key[128];
	char	 statdir[128];
	char	 python[256];
	char	 tool[256];
} env;

static void
env_cleanup(void)
{
	char cmd[128];

	if (env.dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", env.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", env.dir);
	}
}

static int
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int
env_setup(void)
{
	static const char *const names[] = { "localhost", "127.0.0.1" };
	char path[256];
	const char *py;

	if (env.ready)
		return 0;
	signal(SIGPIPE, SIG_IGN);
	snprintf(env.dir, sizeof(env.dir), "/tmp/vcm-http-XXXXXX");
	if (mkdtemp(env.dir) == NULL)
		return -1;
	atexit(env_cleanup);
	snprintf(env.cert, sizeof(env.cert), "%s/cert.pem", env.dir);
	snprintf(env.key, sizeof(env.key), "%s/key.pem", env.dir);
	if (tlsgen_self_signed(env.cert, env.key, names, 2) != 0)
		return -1;
	snprintf(env.statdir, sizeof(env.statdir), "%s/static", env.dir);
	snprintf(path, sizeof(path), "%s/static/sub", env.dir);
	if (mkdir(env.statdir, 0755) != 0 || mkdir(path, 0755) != 0)
		return -1;
	if (write_file(env.statdir, "index.html", "<p>console</p>\n") ||
	    write_file(env.statdir, "app.js", "console.log(1);\n") ||
	    write_file(env.statdir, "style.css", "p{}\n") ||
	    write_file(env.statdir, "sub/icon.svg", "<svg/>\n") ||
	    write_file(env.statdir, ".hidden.js", "hidden\n") ||
	    write_file(env.statdir, "notes.bin", "no type\n") ||
	    write_file(env.dir, "secret.js", SECRET_TEXT "\n"))
		return -1;
	snprintf(path, sizeof(path), "%s/link.js", env.statdir);
	if (symlink("../secret.js", path) != 0)
		return -1;
	py = getenv("VCM_PYTHON");
	snprintf(env.python, sizeof(env.python), "%s",
	    py != NULL ? py : "/usr/bin/python3");
	snprintf(env.tool, sizeof(env.tool), "tests/tools/ws-client.py");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	env.ready = 1;
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- the server side: an app with handlers ------------------------- */

struct app {
	uv_loop_t		 loop;
	struct http_server	*srv;
	struct http_opts	 opts;
	uv_async_t		 wake;
	uv_timer_t		 watchdog;
	uv_timer_t		 late_timer;
	uv_timer_t		 revoke_timer;
	pthread_t		 th;
	void			(*client)(struct app *);
	uint16_t		 port;
	int			 stopped;
	int			 timed_out;
	struct http_counters	 cnt;
	/* Set by the client thread. */
	atomic_int		 stop_request;
	atomic_int		 done;
	/* Set on the loop thread, read by the client while it runs. */
	atomic_int		 nreq;
	atomic_int		 naborts;
	atomic_int		 nhang;
	atomic_int		 ws_opened;
	atomic_int		 ws_closed;
	/* "revoke": when http_ws_close() was called (CLOCK_MONOTONIC, ns),
	 * one per revoked socket, in order. */
	atomic_ullong		 revoke_ns[REVOKE_MAX];
	atomic_int		 nrevoked;
	atomic_ullong		 last_closed_ns;	/* the last ws_closed */
	atomic_ullong		 last_closed_queued;	/* and its queue */
	/* Loop thread only; checked after the loop has ended. */
	struct http_txn		*late;
	struct http_txn		*hang[HANG_MAX];
	int			 reply_in_abort;
	int			 ws_msgs;
	int			 ws_nul_ok;
	int			 flood_sent;
	int			 flood_rc;
	int			 drains;
	int			 send_after_close_rc;
	struct http_ws		*revoke_ws;
	size_t			 revoke_bytes;
	struct http_ws		*fill_ws;	/* "fill": kept full */
	/* "hello=MS" in the query: a timer of the loop, started at open,
	 * sends a text message and closes (4008), as vcmd's hello timeout
	 * does, outside any callback of the server. */
	struct hello {
		uv_timer_t	 t;
		struct app	*a;
		struct http_ws	*ws;
	}			 hello[HELLO_MAX];
	int			 hello_init;
	atomic_int		 hello_fired;
	size_t			 fill_left;
	char			 ws_origin[128];
	char			 ws_query[128];
	char			 ws_peer[64];
};

static void
reply_echo(struct http_txn *t, const struct http_request *r)
{
	static const char *const m[] = { "OTHER", "GET", "POST", "PUT",
	    "PATCH", "DELETE", "HEAD" };
	json_t *o;
	char *s;

	o = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s,s:s%,s:I}",
	    "method", m[r->method], "path", r->path, "query", r->query,
	    "bearer", r->bearer, "origin", r->origin,
	    "ctype", r->content_type, "peer", r->peer,
	    "body", (const char *)r->body, r->body_len,
	    "nul", (json_int_t)(r->body[r->body_len] == '\0'));
	s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (s == NULL) {
		http_reply_error(t, 500, "internal", "echo failed");
		return;
	}
	http_reply(t, 200, "application/json", s, strlen(s), NULL);
	free(s);
}

static void
on_late(uv_timer_t *tm)
{
	struct app *a = tm->data;

	if (a->late != NULL) {
		http_reply(a->late, 200, "text/plain", "late", 4, NULL);
		a->late = NULL;
	}
}

static void	revoke_now(struct app *, struct http_ws *);

static void
h_request(void *arg, struct http_txn *t, const struct http_request *r)
{
	static const char *const extra[] = { "X-Test: yes", "Broken header",
	    "X-Evil: a\r\nInjected: 1", NULL };
	struct app *a = arg;
	int i;

	atomic_fetch_add(&a->nreq, 1);
	if (strcmp(r->path, "/echo") == 0)
		reply_echo(t, r);
	else if (strcmp(r->path, "/async") == 0) {
		a->late = t;
		uv_timer_start(&a->late_timer, on_late,
		    (uint64_t)strtoul(r->query + 3, NULL, 10), 0);
	} else if (strcmp(r->path, "/hang") == 0) {
		for (i = 0; i < HANG_MAX && a->hang[i] != NULL; i++)
			;
		if (i == HANG_MAX) {
			http_reply_error(t, 503, "unavailable", "full");
			return;
		}
		a->hang[i] = t;
		http_txn_set_data(t, &a->hang[i]);
		atomic_fetch_add(&a->nhang, 1);
	} else if (strcmp(r->path, "/big") == 0) {
		char *b = malloc(BIG_REPLY);

		for (i = 0; i < BIG_REPLY; i++)
			b[i] = (char)('a' + i % 26);
		http_reply(t, 200, "text/plain", b, BIG_REPLY, NULL);
		free(b);
	} else if (strcmp(r->path, "/revoke") == 0) {
		/* The API's revoke of a grant: inside another connection's
		 * request. */
		if (a->revoke_ws != NULL) {
			a->revoke_bytes = strtoul(r->query, NULL, 10);
			revoke_now(a, a->revoke_ws);
		}
		http_reply(t, 204, NULL, NULL, 0, NULL);
	} else if (strcmp(r->path, "/err401") == 0)
		http_reply_error(t, 401, "unauthorized", "bad \"key\"\n");
	else if (strcmp(r->path, "/err429") == 0)
		http_reply_error(t, 429, "rate_limited", "slow down");
	else if (strcmp(r->path, "/extra") == 0) {
		http_reply(t, 204, NULL, NULL, 0, extra);
		/* A second reply is ignored. */
		http_reply(t, 200, "text/plain", "again", 5, NULL);
	} else
		http_reply_error(t, 404, "not_found", "no route");
}

static void
h_abort(void *arg, struct http_txn *t, void *data)
{
	struct app *a = arg;
	struct http_txn **slot = data;

	if (slot != NULL)
		*slot = NULL;
	if (a->late == t)
		a->late = NULL;
	/* The rule says no reply here; doing it anyway must be harmless. */
	http_reply(t, 200, "text/plain", "too late", 8, NULL);
	a->reply_in_abort++;
	atomic_fetch_add(&a->naborts, 1);
}

static void
on_hello_timeout(uv_timer_t *tm)
{
	struct hello *h = tm->data;
	struct http_ws *ws = h->ws;

	h->ws = NULL;
	if (ws == NULL)
		return;
	atomic_fetch_add(&h->a->hello_fired, 1);
	(void)http_ws_send(ws, 0, TCLOSE_TEXT, strlen(TCLOSE_TEXT));
	http_ws_close(ws, 4008, "no ticket");
}

static void
hello_start(struct app *a, struct http_ws *ws, unsigned long ms)
{
	int i;

	for (i = 0; i < HELLO_MAX; i++)
		if (a->hello[i].ws == NULL &&
		    !uv_is_active((uv_handle_t *)&a->hello[i].t))
			break;
	if (i == HELLO_MAX) {
		printf("#   no free hello timer\n");
		return;
	}
	a->hello[i].ws = ws;
	uv_timer_start(&a->hello[i].t, on_hello_timeout, ms, 0);
}

static int
h_ws_open(void *arg, struct http_ws *ws, const struct http_request *r)
{
	struct app *a = arg;
	const char *q;

	snprintf(a->ws_origin, sizeof(a->ws_origin), "%s",
	    r->origin != NULL ? r->origin : "(none)");
	snprintf(a->ws_query, sizeof(a->ws_query), "%s", r->query);
	snprintf(a->ws_peer, sizeof(a->ws_peer), "%s", http_ws_peer(ws));
	if (strstr(r->query, "deny=403") != NULL)
		return 403;
	if (strstr(r->query, "deny=429") != NULL)
		return 429;
	atomic_fetch_add(&a->ws_opened, 1);
	http_ws_set_data(ws, a);
	a->revoke_ws = ws;
	if ((q = strstr(r->query, "hello=")) != NULL)
		hello_start(a, ws, strtoul(q + 6, NULL, 10));
	return 0;
}

/* A grant revoked: queue revoke_bytes, then close (4003), from a timer
 * as vcmd's grant expiry does, outside any callback of the server. */
static void
revoke_now(struct app *a, struct http_ws *ws)
{
	uint8_t buf[4096];
	size_t left = a->revoke_bytes, n;
	int i;

	memset(buf, 'r', sizeof(buf));
	for (; left > 0; left -= n) {
		n = left < sizeof(buf) ? left : sizeof(buf);
		if (http_ws_send(ws, 1, buf, n) != 0)
			break;
	}
	i = atomic_load(&a->nrevoked);
	if (i < REVOKE_MAX) {
		atomic_store(&a->revoke_ns[i], now_ns());
		atomic_store(&a->nrevoked, i + 1);
	}
	http_ws_close(ws, 4003, "grant revoked");
}

/* "fill N": N bytes through the queue, topped up as it drains. */
static void
fill_more(struct app *a, struct http_ws *ws)
{
	uint8_t buf[4096];

	memset(buf, 'f', sizeof(buf));
	while (a->fill_left > 0 && http_ws_send(ws, 1, buf, sizeof(buf)) == 0)
		a->fill_left -= a->fill_left < sizeof(buf) ? a->fill_left :
		    sizeof(buf);
}

static void
on_revoke(uv_timer_t *tm)
{
	struct app *a = tm->data;

	if (a->revoke_ws != NULL)
		revoke_now(a, a->revoke_ws);
}

static void
h_ws_message(void *arg, struct http_ws *ws, void *data, int binary,
    const uint8_t *p, size_t n)
{
	struct app *a = arg;
	uint8_t buf[4096];
	int rc;

	a->ws_msgs++;
	if (data == a && p[n] == '\0')
		a->ws_nul_ok++;
	if (!binary && n == 5 && memcmp(p, "close", 5) == 0) {
		http_ws_close(ws, 4001, "expired");
		a->send_after_close_rc = http_ws_send(ws, 0, "x", 1);
		return;
	}
	if (!binary && n > 7 && memcmp(p, "revoke ", 7) == 0) {
		char *end;
		unsigned long ms = strtoul((const char *)p + 7, &end, 10);

		a->revoke_ws = ws;
		a->revoke_bytes = strtoul(end, NULL, 10);
		uv_timer_start(&a->revoke_timer, on_revoke, ms, 0);
		return;
	}
	if (!binary && n > 5 && memcmp(p, "fill ", 5) == 0) {
		a->fill_ws = ws;
		a->fill_left = strtoul((const char *)p + 5, NULL, 10);
		fill_more(a, ws);
		return;
	}
	if (!binary && n == 5 && memcmp(p, "flood", 5) == 0) {
		memset(buf, 'x', sizeof(buf));
		/* Bounded: the queue refuses after VCM_WS_QUEUE_MAX. */
		while ((rc = http_ws_send(ws, 1, buf, sizeof(buf))) == 0 &&
		    a->flood_sent < 10000)
			a->flood_sent++;
		a->flood_rc = rc;
		return;
	}
	(void)http_ws_send(ws, binary, p, n);
}

static void
h_ws_drain(void *arg, struct http_ws *ws, void *data)
{
	struct app *a = arg;
	char m[64];

	if (ws == a->fill_ws) {
		fill_more(a, ws);
		return;
	}
	a->drains++;
	snprintf(m, sizeof(m), "drained %d %zu", a->flood_sent,
	    http_ws_queued(ws));
	(void)http_ws_send(ws, 0, m, strlen(m));
}

static void
h_ws_closed(void *arg, struct http_ws *ws, void *data)
{
	struct app *a = arg;
	int i;

	if (a->revoke_ws == ws)
		a->revoke_ws = NULL;
	if (a->fill_ws == ws)
		a->fill_ws = NULL;
	for (i = 0; i < HELLO_MAX; i++)
		if (a->hello[i].ws == ws) {
			a->hello[i].ws = NULL;
			uv_timer_stop(&a->hello[i].t);
		}
	atomic_store(&a->last_closed_ns, now_ns());
	atomic_store(&a->last_closed_queued, http_ws_queued(ws));
	atomic_fetch_add(&a->ws_closed, 1);
}

static const struct http_handlers handlers = {
	h_request, h_abort, h_ws_open, h_ws_message, h_ws_drain, h_ws_closed
};

static void
app_stop(struct app *a)
{
	if (!a->stopped) {
		a->stopped = 1;
		http_stop(a->srv);
	}
}

static void
on_wake(uv_async_t *w)
{
	struct app *a = w->data;
	int i;

	if (atomic_load(&a->stop_request))
		app_stop(a);
	if (atomic_load(&a->done)) {
		app_stop(a);
		uv_close((uv_handle_t *)&a->wake, NULL);
		uv_close((uv_handle_t *)&a->watchdog, NULL);
		uv_close((uv_handle_t *)&a->late_timer, NULL);
		uv_close((uv_handle_t *)&a->revoke_timer, NULL);
		for (i = 0; i < HELLO_MAX; i++)
			uv_close((uv_handle_t *)&a->hello[i].t, NULL);
	}
}

static void
on_watchdog(uv_timer_t *t)
{
	struct app *a = t->data;

	a->timed_out = 1;
	printf("#   watchdog: the case did not end in %d ms\n", WATCHDOG_MS);
	app_stop(a);
}

static void *
client_main(void *arg)
{
	struct app *a = arg;

	a->client(a);
	atomic_store(&a->done, 1);
	uv_async_send(&a->wake);
	return NULL;
}

/* Asks the loop to stop the server now (the client keeps running). */
static void
request_stop(struct app *a)
{
	atomic_store(&a->stop_request, 1);
	uv_async_send(&a->wake);
}

static void
app_defaults(struct app *a)
{
	memset(a, 0, sizeof(*a));
	a->opts.listen_addr = "127.0.0.1";
	a->opts.cert_file = env.cert;
	a->opts.key_file = env.key;
	a->opts.ws_path = WS_PATH;
	a->opts.static_dir = env.statdir;
	a->opts.static_prefix = STATIC_PREFIX;
}

/* Runs the server until the client is done; 0 if it all went to plan. */
static int
app_run(struct app *a, void (*client)(struct app *))
{
	int err = 0, i;

	a->client = client;
	if (uv_loop_init(&a->loop) != 0)
		return -1;
	a->srv = http_new(&a->loop, &a->opts, &handlers, a, &err);
	if (a->srv == NULL) {
		printf("#   http_new: %s\n", vcm_errname(err));
		uv_loop_close(&a->loop);
		return -1;
	}
	a->port = http_port(a->srv);
	uv_async_init(&a->loop, &a->wake, on_wake);
	a->wake.data = a;
	uv_timer_init(&a->loop, &a->watchdog);
	a->watchdog.data = a;
	uv_timer_start(&a->watchdog, on_watchdog, WATCHDOG_MS, 0);
	uv_timer_init(&a->loop, &a->late_timer);
	a->late_timer.data = a;
	uv_timer_init(&a->loop, &a->revoke_timer);
	a->revoke_timer.data = a;
	for (i = 0; i < HELLO_MAX; i++) {
		uv_timer_init(&a->loop, &a->hello[i].t);
		a->hello[i].t.data = &a->hello[i];
		a->hello[i].a = a;
	}
	if (pthread_create(&a->th, NULL, client_main, a) != 0)
		return -1;
	uv_run(&a->loop, UV_RUN_DEFAULT);
	pthread_join(a->th, NULL);
	http_counters(a->srv, &a->cnt);
	http_free(a->srv);
	/* http_stop() left no handle behind: the loop closes cleanly. */
	CHECK_INT(uv_loop_close(&a->loop), 0);
	CHECK(!a->timed_out);
	return a->timed_out ? -1 : 0;
}

/* ---- the client side: libcurl ------------------------------------ */

struct resp {
	CURLcode	 rc;
	long		 status;
	long		 connects;
	char		*body;
	size_t		 len;
	char		 hdrs[8192];
	size_t		 hlen;
};

static size_t
on_body(char *p, size_t sz, size_t n, void *u)
{
	struct resp *r = u;
	size_t k = sz * n;
	char *nb;

	if (r->len + k > RESP_MAX || (nb = realloc(r->body, r->len + k + 1)) ==
	    NULL)
		return 0;
	r->body = nb;
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = '\0';
	return k;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *u)
{
	struct resp *r = u;
	size_t k = sz * n;

	if (r->hlen + k < sizeof(r->hdrs)) {
		memcpy(r->hdrs + r->hlen, p, k);
		r->hlen += k;
		r->hdrs[r->hlen] = '\0';
	}
	return k;
}

static void
resp_clear(struct resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* One request on handle h (a fresh one if NULL); body NULL: none. */
static void
req(struct app *a, CURL *h, const char *method, const char *path,
    const char *const *headers, const char *body, size_t blen,
    struct resp *r)
{
	struct curl_slist *sl = NULL;
	char url[512];
	CURL *own = NULL;
	size_t i;

	resp_clear(r);
	if (h == NULL && (h = own = curl_easy_init()) == NULL) {
		r->rc = CURLE_FAILED_INIT;
		return;
	}
	snprintf(url, sizeof(url), "https://127.0.0.1:%u%s", a->port, path);
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		sl = curl_slist_append(sl, headers[i]);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CAINFO, env.cert);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, CLIENT_TMO_S);
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, sl);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)blen);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0 &&
	    (body == NULL || strcmp(method, "POST") != 0))
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	r->rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &r->connects);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(sl);
	if (own != NULL)
		curl_easy_cleanup(own);
}

/* A header's value in a response, case-insensitive name. */
static int
has_header(const struct resp *r, const char *line)
{
	return strcasestr(r->hdrs, line) != NULL;
}

/* A string field of the echo handler's JSON, "(null)" if null. */
static void
echo_field(const struct resp *r, const char *name, char *out, size_t cap)
{
	json_t *o, *v;

	snprintf(out, cap, "(bad json)");
	if ((o = json_loads(r->body != NULL ? r->body : "", 0, NULL)) == NULL)
		return;
	v = json_object_get(o, name);
	if (json_is_string(v))
		snprintf(out, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
	else
		snprintf(out, cap, "(null)");
	json_decref(o);
}

/* ---- the client side: raw TLS ------------------------------------ */

struct tls {
	int	 fd;
	SSL_CTX	*ctx;
	SSL	*ssl;
	int	 eof;
};

static int
tls_wait(struct tls *t, int err, uint64_t deadline)
{
	struct pollfd pfd = { t->fd, 0, 0 };
	uint64_t now = now_ms();

	if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
		return -1;
	if (now >= deadline)
		return -1;
	pfd.events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
	return poll(&pfd, 1, (int)(deadline - now)) > 0 ? 0 : -1;
}

/*
 * A TLS connection limited to protocol versions [min, max] (0: the
 * library's choice), offering ALPN protocols alpn (wire format) if not
 * NULL. Security level 0 lets the client offer what the server must
 * refuse (TLS 1.0, 1.1).
 */
/* Set: the receive buffer of the next connections (a slow reader). */
static int tls_rcvbuf;

static int
tls_open_with(struct app *a, struct tls *t, int min, int max,
    const unsigned char *alpn, unsigned alpn_len)
{
	struct sockaddr_in sin;
	uint64_t deadline = now_ms() + IO_TMO_MS;
	int r;

	memset(t, 0, sizeof(*t));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(a->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((t->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (tls_rcvbuf > 0)
		(void)setsockopt(t->fd, SOL_SOCKET, SO_RCVBUF, &tls_rcvbuf,
		    sizeof(tls_rcvbuf));
	if (connect(t->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		goto fail;
	fcntl(t->fd, F_SETFL, O_NONBLOCK);
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_load_verify_locations(t->ctx, env.cert, NULL) != 1)
		goto fail;
	if (min != 0) {
		SSL_CTX_set_security_level(t->ctx, 0);
		if (SSL_CTX_set_cipher_list(t->ctx, "DEFAULT@SECLEVEL=0") != 1 ||
		    SSL_CTX_set_min_proto_version(t->ctx, min) != 1 ||
		    SSL_CTX_set_max_proto_version(t->ctx, max) != 1)
			goto fail;
	}
	if (alpn != NULL && SSL_CTX_set_alpn_protos(t->ctx, alpn, alpn_len))
		goto fail;
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	if ((t->ssl = SSL_new(t->ctx)) == NULL ||
	    SSL_set1_host(t->ssl, "127.0.0.1") != 1)
		goto fail;
	SSL_set_fd(t->ssl, t->fd);
	while ((r = SSL_connect(t->ssl)) != 1)
		if (tls_wait(t, SSL_get_error(t->ssl, r), deadline) != 0)
			goto fail;
	return 0;
fail:
	ERR_clear_error();
	if (t->ssl != NULL)
		SSL_free(t->ssl);
	if (t->ctx != NULL)
		SSL_CTX_free(t->ctx);
	close(t->fd);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	return -1;
}

static int
tls_open(struct app *a, struct tls *t)
{
	return tls_open_with(a, t, 0, 0, NULL, 0);
}

static int
tls_send(struct tls *t, const void *p, size_t n)
{
	uint64_t deadline = now_ms() + IO_TMO_MS;
	size_t off = 0;
	int r;

	while (off < n) {
		r = SSL_write(t->ssl, (const char *)p + off, (int)(n - off));
		if (r > 0) {
			off += (size_t)r;
			continue;
		}
		if (tls_wait(t, SSL_get_error(t->ssl, r), deadline) != 0) {
			ERR_clear_error();
			return -1;
		}
	}
	return 0;
}

static int
tls_sends(struct tls *t, const char *s)
{
	return tls_send(t, s, strlen(s));
}

/*
 * Reads until the peer closes (t->eof), cap is full, or ms pass; with
 * until != NULL, also stops once that text has arrived. Returns the
 * bytes read (buf is NUL-terminated).
 */
static size_t
tls_read(struct tls *t, char *buf, size_t cap, unsigned ms, const char *until)
{
	uint64_t deadline = now_ms() + ms;
	size_t len = 0;
	int r, e;

	buf[0] = '\0';
	while (len + 1 < cap) {
		r = SSL_read(t->ssl, buf + len, (int)(cap - 1 - len));
		if (r > 0) {
			len += (size_t)r;
			buf[len] = '\0';
			if (until != NULL && strstr(buf, until) != NULL)
				break;
			continue;
		}
		e = SSL_get_error(t->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (tls_wait(t, e, deadline) != 0)
				break;
			continue;
		}
		t->eof = 1;
		break;
	}
	ERR_clear_error();
	return len;
}

/* Milliseconds until the server closes the connection (or ms). */
static uint64_t
tls_until_closed(struct tls *t, unsigned ms)
{
	char buf[4096];
	uint64_t t0 = now_ms();

	while (!t->eof && now_ms() - t0 < ms)
		(void)tls_read(t, buf, sizeof(buf), 100, NULL);
	return now_ms() - t0;
}

static void
tls_close(struct tls *t)
{
	if (t->ssl == NULL)
		return;
	SSL_free(t->ssl);
	SSL_CTX_free(t->ctx);
	close(t->fd);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

/* ---- the client side: a WebSocket over raw TLS -------------------- */

/* Reads exactly n bytes before the deadline; -1 on EOF or timeout. */
static int
tls_read_exact(struct tls *t, void *p, size_t n, uint64_t deadline)
{
	size_t off = 0;
	int r, e;

	while (off < n) {
		r = SSL_read(t->ssl, (char *)p + off, (int)(n - off));
		if (r > 0) {
			off += (size_t)r;
			continue;
		}
		e = SSL_get_error(t->ssl, r);
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
		    tls_wait(t, e, deadline) != 0) {
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				t->eof = 1;
			ERR_clear_error();
			return -1;
		}
	}
	return 0;
}

/* A WebSocket (no subprotocol) on a raw TLS connection, query NULL or
 * the request target's query; 0 if open. */
static int
ws_raw_open_q(struct app *a, struct tls *t, const char *query)
{
	char buf[1024];
	size_t len = 0;
	uint64_t deadline = now_ms() + IO_TMO_MS;

	if (tls_open(a, t) != 0)
		return -1;
	snprintf(buf, sizeof(buf), "GET " WS_PATH "%s%s HTTP/1.1\r\n"
	    "Host: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n", query != NULL ? "?" : "",
	    query != NULL ? query : "");
	if (tls_sends(t, buf) != 0)
		return -1;
	/* Byte by byte: nothing of the first frame is read with it. */
	while (len + 1 < sizeof(buf) && (len < 4 ||
	    memcmp(buf + len - 4, "\r\n\r\n", 4) != 0))
		if (tls_read_exact(t, buf + len++, 1, deadline) != 0)
			return -1;
	buf[len] = '\0';
	return strncmp(buf, "HTTP/1.1 101 ", 13) == 0 ? 0 : -1;
}

static int
ws_raw_open(struct app *a, struct tls *t)
{
	return ws_raw_open_q(a, t, NULL);
}

/* Sends one masked frame of at most 125 bytes. */
static int
ws_raw_send(struct tls *t, int opcode, const void *p, size_t n)
{
	static const uint8_t key[4] = { 0x12, 0x34, 0x56, 0x78 };
	uint8_t f[2 + 4 + 125];
	size_t i;

	if (n > 125)
		return -1;
	f[0] = (uint8_t)(0x80 | opcode);
	f[1] = (uint8_t)(0x80 | n);
	memcpy(f + 2, key, 4);
	for (i = 0; i < n; i++)
		f[6 + i] = ((const uint8_t *)p)[i] ^ key[i % 4];
	return tls_send(t, f, 6 + n);
}

/* Reads one (unmasked, server) frame; its payload is cut at cap - 1 and
 * NUL-terminated. Returns the opcode, -1 on EOF or timeout. */
static int
ws_raw_frame(struct tls *t, unsigned ms, uint8_t *buf, size_t cap,
    size_t *len)
{
	uint64_t deadline = now_ms() + ms, n;
	uint8_t h[8], skip[1024];
	size_t take;
	int i, ext, op;

	if (tls_read_exact(t, h, 2, deadline) != 0)
		return -1;
	op = h[0] & 0x0f;
	n = h[1] & 0x7f;
	if (n == 126 || n == 127) {
		ext = n == 126 ? 2 : 8;
		if (tls_read_exact(t, h, ext, deadline) != 0)
			return -1;
		for (n = 0, i = 0; i < ext; i++)
			n = n << 8 | h[i];
	}
	*len = (size_t)n;
	take = n < cap - 1 ? (size_t)n : cap - 1;
	if (tls_read_exact(t, buf, take, deadline) != 0)
		return -1;
	buf[take] = '\0';
	for (n -= take; n > 0; n -= take) {
		take = n < sizeof(skip) ? (size_t)n : sizeof(skip);
		if (tls_read_exact(t, skip, take, deadline) != 0)
			return -1;
	}
	return op;
}

/* Waits (bounded) for an atomic counter on the server side. */
static int
wait_for(atomic_int *v, int want, unsigned ms)
{
	uint64_t t0 = now_ms();

	while (atomic_load(v) < want && now_ms() - t0 < ms)
		sleep_ms(20);
	return atomic_load(v) >= want;
}

/* ---- the client side: the Python WebSocket client ------------------ */

struct py {
	pid_t	 pid;
	int	 fd;
	char	 out[16384];
	size_t	 len;
};

static int
py_start(struct app *a, struct py *p, const char *const *args)
{
	char *argv[24];
	char port[8];
	posix_spawn_file_actions_t fa;
	int pfd[2], i = 0, rc;

	memset(p, 0, sizeof(*p));
	snprintf(port, sizeof(port), "%u", a->port);
	/* posix_spawn() takes char *const[]; nothing writes to them. */
#define ARG(s)	((char *)(uintptr_t)(s))
	argv[i++] = env.python;
	argv[i++] = env.tool;
	argv[i++] = ARG("--port");
	argv[i++] = port;
	argv[i++] = ARG("--cafile");
	argv[i++] = env.cert;
	while (*args != NULL && i < 23)
		argv[i++] = ARG(*args++);
#undef ARG
	argv[i] = NULL;
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	rc = posix_spawn(&p->pid, env.python, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return -1;
	}
	p->fd = pfd[0];
	return 0;
}

/* Reads the tool's output until "want" appears, it exits, or ms pass. */
static int
py_expect(struct py *p, const char *want, unsigned ms)
{
	uint64_t t0 = now_ms();
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	ssize_t n;

	while (want == NULL || strstr(p->out, want) == NULL) {
		uint64_t el = now_ms() - t0;

		if (el >= ms || poll(&pfd, 1, (int)(ms - el)) <= 0)
			return 0;
		n = read(p->fd, p->out + p->len, sizeof(p->out) - 1 - p->len);
		if (n <= 0)
			return want == NULL;
		p->len += (size_t)n;
		p->out[p->len] = '\0';
	}
	return 1;
}

/* Collects the rest of the output and the exit status (killed if it
 * overstays). */
static int
py_finish(struct py *p)
{
	uint64_t t0 = now_ms();
	int status = -1;

	(void)py_expect(p, NULL, PY_TMO_MS);
	close(p->fd);
	while (waitpid(p->pid, &status, WNOHANG) == 0) {
		if (now_ms() - t0 > PY_TMO_MS) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			break;
		}
		sleep_ms(20);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("#   ws-client: status %d, output:\n%s\n", status,
		    p->out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
py_run(struct app *a, const char *const *args, struct py *p)
{
	if (py_start(a, p, args) != 0) {
		printf("#   cannot run %s\n", env.python);
		return -1;
	}
	return py_finish(p);
}

/* ==== cases ======================================================= */

static void
test_tlsgen(void)
{
	static const char *const names[] = { "localhost", "127.0.0.1", "::1" };
	static const char *const bad[] = { "bad name!" };
	char cert[160], key[160];
	struct stat st, st2;
	GENERAL_NAMES *gens;
	const ASN1_TIME *na;
	EVP_PKEY *pk;
	X509 *x;
	FILE *f;
	int i, dns = 0, ip4 = 0, ip6 = 0, days = 0, secs = 0;

	REQUIRE(env_setup() == 0);
	snprintf(cert, sizeof(cert), "%s/t-cert.pem", env.dir);
	snprintf(key, sizeof(key), "%s/t-key.pem", env.dir);
	CHECK_INT(tlsgen_self_signed(cert, key, bad, 1), VCM_EINVAL);
	CHECK_INT(tlsgen_self_signed(cert, key, names, 0), VCM_EINVAL);
	CHECK(access(cert, F_OK) != 0);
	REQUIRE(tlsgen_self_signed(cert, key, names, 3) == 0);
	REQUIRE(stat(key, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	REQUIRE(stat(cert, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	/* Both present: nothing is rewritten. */
	sleep_ms(20);
	CHECK_INT(tlsgen_ensure(cert, key, names, 3), 0);
	REQUIRE(stat(cert, &st2) == 0);
	CHECK(st.st_mtim.tv_nsec == st2.st_mtim.tv_nsec &&
	    st.st_ino == st2.st_ino);

	REQUIRE((f = fopen(cert, "r")) != NULL);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	REQUIRE(x != NULL);
	CHECK_INT(X509_get_version(x), X509_VERSION_3);
	pk = X509_get0_pubkey(x);
	CHECK(pk != NULL && EVP_PKEY_is_a(pk, "EC"));
	CHECK_INT(EVP_PKEY_get_bits(pk), 256);
	CHECK_INT(X509_verify(x, pk), 1);	/* self-signed */
	CHECK_INT(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	CHECK_INT(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	CHECK_INT(X509_check_ip_asc(x, "::1", 0), 1);
	CHECK(X509_check_ip_asc(x, "127.0.0.2", 0) != 1);
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		dns += g->type == GEN_DNS;
		if (g->type == GEN_IPADD) {
			ip4 += g->d.iPAddress->length == 4;
			ip6 += g->d.iPAddress->length == 16;
		}
	}
	GENERAL_NAMES_free(gens);
	CHECK(dns == 1 && ip4 == 1 && ip6 == 1);
	CHECK(X509_get_extension_flags(x) & EXFLAG_BCONS);
	CHECK(!(X509_get_extension_flags(x) & EXFLAG_CA));
	na = X509_get0_notAfter(x);
	CHECK(ASN1_TIME_diff(&days, &secs, NULL, na) == 1);
	CHECK(days >= VCM_TLSGEN_DAYS - 1 && days <= VCM_TLSGEN_DAYS);
	CHECK(ASN1_INTEGER_get(X509_get0_serialNumber(x)) != 0 ||
	    X509_get0_serialNumber(x)->length == 20);
	X509_free(x);
	REQUIRE((f = fopen(key, "r")) != NULL);
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	CHECK(pk != NULL);
	EVP_PKEY_free(pk);
}

static void
test_http_new_errors(void)
{
	struct http_handlers h = handlers;
	struct http_opts o;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	char junk[160];
	uv_loop_t loop;
	int fd, err = 0;

	REQUIRE(env_setup() == 0);
	REQUIRE(uv_loop_init(&loop) == 0);
	memset(&o, 0, sizeof(o));
	o.listen_addr = "127.0.0.1";
	o.cert_file = env.cert;
	o.key_file = env.key;

	/* A port in use. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	REQUIRE(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	REQUIRE(listen(fd, 1) == 0);
	REQUIRE(getsockname(fd, (struct sockaddr *)&sin, &sl) == 0);
	o.port = ntohs(sin.sin_port);
	CHECK(http_new(&loop, &o, &h, NULL, &err) == NULL);
	CHECK_INT(err, VCM_ECONFLICT);
	close(fd);
	o.port = 0;

	o.listen_addr = "not-an-address";
	CHECK(http_new(&loop, &o, &h, NULL, &err) == NULL);
	CHECK_INT(err, VCM_EINVAL);
	o.listen_addr = "127.0.0.1";

	o.cert_file = "/nonexistent/cert.pem";
	CHECK(http_new(&loop, &o, &h, NULL, &err) == NULL);
	CHECK_INT(err, VCM_EIO);
	snprintf(junk, sizeof(junk), "%s/static/app.js", env.dir);
	o.cert_file = junk;
	CHECK(http_new(&loop, &o, &h, NULL, &err) == NULL);
	CHECK_INT(err, VCM_ECRYPTO);
	o.cert_file = env.cert;

	o.static_dir = env.statdir;
	o.static_prefix = "/console";	/* no trailing slash */
	CHECK(http_new(&loop, &o, &h, NULL, &err) == NULL);
	CHECK_INT(err, VCM_EINVAL);
	o.static_prefix = NULL;
	o.static_dir = NULL;
	h.request = NULL;
	CHECK(http_new(&loop, &o, &h, NULL, &err) == NULL);
	CHECK_INT(err, VCM_EINVAL);
	/* Nothing was left on the loop. */
	CHECK_INT(uv_loop_close(&loop), 0);
}

static void
c_roundtrip(struct app *a)
{
	static const char *const ct[] = { "Content-Type: application/json",
	    "Origin: https://panel.test", NULL };
	struct resp r = { 0 };
	char v[256];

	req(a, NULL, "GET", "/echo?a=1&b=x%20y&c=%26%3D", NULL, NULL, 0, &r);
	CHECK_INT(r.rc, CURLE_OK);
	CHECK_INT(r.status, 200);
	echo_field(&r, "method", v, sizeof(v));
	CHECK(strcmp(v, "GET") == 0);
	echo_field(&r, "path", v, sizeof(v));
	CHECK(strcmp(v, "/echo") == 0);
	echo_field(&r, "query", v, sizeof(v));
	CHECK(strcmp(v, "a=1&b=x%20y&c=%26%3D") == 0);
	if (strcmp(v, "a=1&b=x%20y&c=%26%3D") != 0)
		printf("#   query %s\n", v);
	echo_field(&r, "peer", v, sizeof(v));
	CHECK(strcmp(v, "127.0.0.1") == 0);
	echo_field(&r, "bearer", v, sizeof(v));
	CHECK(strcmp(v, "(null)") == 0);
	CHECK(has_header(&r, "Content-Type: application/json"));
	CHECK(has_header(&r, "Cache-Control: no-store"));
	CHECK(has_header(&r, "X-Content-Type-Options: nosniff"));
	CHECK(has_header(&r, "Strict-Transport-Security: max-age="));
	CHECK(has_header(&r, "Content-Length: "));

	req(a, NULL, "POST", "/echo", ct, "{\"name\":\"x\"}", 12, &r);
	CHECK_INT(r.status, 200);
	echo_field(&r, "body", v, sizeof(v));
	CHECK(strcmp(v, "{\"name\":\"x\"}") == 0);
	echo_field(&r, "nul", v, sizeof(v));
	CHECK(strcmp(v, "1") == 0);
	echo_field(&r, "ctype", v, sizeof(v));
	CHECK(strcmp(v, "application/json") == 0);
	echo_field(&r, "origin", v, sizeof(v));
	CHECK(strcmp(v, "https://panel.test") == 0);

	req(a, NULL, "PATCH", "/echo", ct, "[1]", 3, &r);
	echo_field(&r, "method", v, sizeof(v));
	CHECK(strcmp(v, "PATCH") == 0);
	echo_field(&r, "body", v, sizeof(v));
	CHECK(strcmp(v, "[1]") == 0);
	req(a, NULL, "DELETE", "/echo", NULL, NULL, 0, &r);
	echo_field(&r, "method", v, sizeof(v));
	CHECK(strcmp(v, "DELETE") == 0);
	req(a, NULL, "HEAD", "/echo", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	CHECK_INT(r.len, 0);

	/* A large reply, written in pieces. */
	req(a, NULL, "GET", "/big", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	CHECK_INT(r.len, BIG_REPLY);
	CHECK(r.len == BIG_REPLY && r.body[0] == 'a' &&
	    r.body[BIG_REPLY - 1] == (char)('a' + (BIG_REPLY - 1) % 26));

	/* Error documents. */
	req(a, NULL, "GET", "/err401", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 401);
	CHECK(has_header(&r, "WWW-Authenticate: Bearer"));
	CHECK(r.body != NULL && strcmp(r.body, "{\"error\":{\"code\":"
	    "\"unauthorized\",\"message\":\"bad \\\"key\\\"\\n\"}}") == 0);
	req(a, NULL, "GET", "/err429", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 429);
	CHECK(has_header(&r, "Retry-After: 1"));
	req(a, NULL, "GET", "/nowhere", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 404);
	CHECK(r.body != NULL && strstr(r.body, "\"not_found\"") != NULL);

	/* Extra headers: good ones kept, malformed ones left out; a
	 * second reply is ignored. */
	req(a, NULL, "GET", "/extra", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 204);
	CHECK(has_header(&r, "X-Test: yes"));
	CHECK(!has_header(&r, "Injected"));
	CHECK(!has_header(&r, "Broken"));
	resp_clear(&r);
}

static void
test_roundtrip(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_roundtrip) == 0);
	CHECK_INT(a.cnt.requests, 10);
	CHECK_INT(a.cnt.conns_now, 0);
	CHECK_INT(a.naborts, 0);
}

static void
c_async(struct app *a)
{
	struct resp r = { 0 };
	uint64_t t0 = now_ms(), el;

	req(a, NULL, "GET", "/async?ms=300", NULL, NULL, 0, &r);
	el = now_ms() - t0;
	CHECK_INT(r.status, 200);
	CHECK(r.body != NULL && strcmp(r.body, "late") == 0);
	CHECK(el >= 250);
	/* The connection stays usable for more after a late reply. */
	req(a, NULL, "GET", "/echo", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	resp_clear(&r);
}

static void
c_abort(struct app *a)
{
	struct tls t;
	char buf[512];

	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "GET /hang HTTP/1.1\r\nHost: t\r\n\r\n") == 0);
	CHECK(wait_for(&a->nhang, 1, 3000));
	/* No reply yet, and the server keeps waiting. */
	CHECK_INT(tls_read(&t, buf, sizeof(buf), 300, NULL), 0);
	tls_close(&t);
	/* The sweep notices within about a second. */
	CHECK(wait_for(&a->naborts, 1, 4000));

	/* Same with a late reply: the abort comes first, no reply after. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "GET /async?ms=3000 HTTP/1.1\r\nHost: t\r\n\r\n")
	    == 0);
	CHECK(wait_for(&a->nreq, 2, 3000));
	sleep_ms(100);
	tls_close(&t);
	CHECK(wait_for(&a->naborts, 2, 4000));
}

static void
test_async_and_abort(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_async) == 0);
	CHECK_INT(a.naborts, 0);

	app_defaults(&a);
	REQUIRE(app_run(&a, c_abort) == 0);
	CHECK_INT(a.naborts, 2);
	CHECK_INT(a.reply_in_abort, 2);
	CHECK(a.hang[0] == NULL);
	CHECK(a.late == NULL);
}

static void
c_bearer(struct app *a)
{
	static const struct {
		const char	*hdr;
		const char	*want;
	} cases[] = {
		{ "Authorization: Bearer vcmk_abc-DEF_123", "vcmk_abc-DEF_123" },
		{ "Authorization: bearer tok", "tok" },
		{ "Authorization: BEARER tok.x~y+/=", "tok.x~y+/=" },
		{ "Authorization: Bearer  two-spaces", "(null)" },
		{ "Authorization: Bearer a b", "(null)" },
		{ "Authorization: Bearer", "(null)" },
		{ "Authorization: Bearer ", "(null)" },
		{ "Authorization: Basic dXNlcjpwYXNz", "(null)" },
		{ "Authorization: Bearertok", "(null)" },
		{ "Authorization: Bearer t\xc3\xa9", "(null)" },
		{ NULL, "(null)" },
	};
	struct resp r = { 0 };
	char v[256], longtok[VCM_TOKEN_STR_MAX + 40];
	const char *h[2] = { NULL, NULL };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h[0] = cases[i].hdr;
		req(a, NULL, "GET", "/echo", h, NULL, 0, &r);
		CHECK_INT(r.status, 200);
		echo_field(&r, "bearer", v, sizeof(v));
		if (strcmp(v, cases[i].want) != 0) {
			printf("#   %s -> %s\n", cases[i].hdr, v);
			CHECK(0);
		}
	}
	/* Longer than any token of ours. */
	snprintf(longtok, sizeof(longtok), "Authorization: Bearer %0*d",
	    VCM_TOKEN_STR_MAX + 1, 7);
	h[0] = longtok;
	req(a, NULL, "GET", "/echo", h, NULL, 0, &r);
	echo_field(&r, "bearer", v, sizeof(v));
	CHECK(strcmp(v, "(null)") == 0);
	resp_clear(&r);
}

static void
test_bearer(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_bearer) == 0);
}

static void
c_sizes(struct app *a)
{
	struct resp r = { 0 };
	struct tls t;
	char *big, buf[4096], hdr[VCM_HTTP_HEADER_MAX + 64];
	const char *h[2] = { hdr, NULL };
	uint64_t el;
	int i;

	/* Content-Length over the limit: 413 before the body is read. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 1000000\r\n\r\n{\"a\":") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}}");
	CHECK(strncmp(buf, "HTTP/1.1 413", 12) == 0);
	CHECK(strstr(buf, "payload_too_large") != NULL);
	CHECK(strcasestr(buf, "connection: close") != NULL);
	el = tls_until_closed(&t, IO_TMO_MS);
	CHECK(t.eof);
	CHECK(el <= VCM_HTTP_LINGER_MS + 2 * VCM_HTTP_SWEEP_MS);
	tls_close(&t);

	/* The same through curl, with the body sent. */
	big = malloc(VCM_HTTP_BODY_MAX + 1000);
	memset(big, 'x', VCM_HTTP_BODY_MAX + 1000);
	req(a, NULL, "POST", "/echo", NULL, big, VCM_HTTP_BODY_MAX + 1000, &r);
	CHECK_INT(r.status, 413);
	/* At the limit is fine. */
	req(a, NULL, "POST", "/echo", NULL, big, VCM_HTTP_BODY_MAX, &r);
	CHECK_INT(r.status, 200);
	free(big);

	/* A chunked body: joined, extensions and trailers skipped. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n")
	    == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}");
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	CHECK(strstr(buf, "\"body\":\"hello world\"") != NULL);
	CHECK(strcasestr(buf, "connection: close") != NULL);
	(void)tls_until_closed(&t, IO_TMO_MS);
	CHECK(t.eof);
	tls_close(&t);

	/* A chunked body past the limit: 413 as soon as it passes. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n") == 0);
	memset(buf, 'y', sizeof(buf));
	for (i = 0; i < 2 * VCM_HTTP_BODY_MAX / 4096; i++)
		if (tls_sends(&t, "1000\r\n") != 0 ||
		    tls_send(&t, buf, 4096) != 0 || tls_sends(&t, "\r\n") != 0)
			break;
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}}");
	CHECK(strncmp(buf, "HTTP/1.1 413", 12) == 0);
	(void)tls_until_closed(&t, IO_TMO_MS);
	CHECK(t.eof);
	tls_close(&t);

	/* Malformed framing. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nzz\r\n") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}}");
	CHECK(strncmp(buf, "HTTP/1.1 400", 12) == 0);
	tls_close(&t);
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}}");
	CHECK(strncmp(buf, "HTTP/1.1 400", 12) == 0);
	tls_close(&t);
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n"
	    "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}}");
	CHECK(strncmp(buf, "HTTP/1.1 400", 12) == 0);
	tls_close(&t);
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n"
	    "Content-Length: 1x\r\n\r\n") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}}");
	CHECK(strncmp(buf, "HTTP/1.1 400", 12) == 0);
	tls_close(&t);

	/* A POST without a length has an empty body (and closes). */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n\r\n") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}");
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	CHECK(strstr(buf, "\"body\":\"\"") != NULL);
	(void)tls_until_closed(&t, IO_TMO_MS);
	CHECK(t.eof);
	tls_close(&t);

	/* A control byte in the (decoded) path. */
	req(a, NULL, "GET", "/a%01b", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 400);

	/* Headers past VCM_HTTP_HEADER_MAX: an error, never a request. */
	i = snprintf(hdr, sizeof(hdr), "X-Big: ");
	memset(hdr + i, 'h', VCM_HTTP_HEADER_MAX + 10 - (size_t)i);
	hdr[VCM_HTTP_HEADER_MAX + 10] = '\0';
	atomic_store(&a->nreq, 0);
	req(a, NULL, "GET", "/echo", h, NULL, 0, &r);
	CHECK(r.rc != CURLE_OK || r.status >= 400);
	CHECK_INT(atomic_load(&a->nreq), 0);
	/* And the server is still fine. */
	req(a, NULL, "GET", "/echo", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);

	/* Something lws does not serve: closed, no crash. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "CONNECT 127.0.0.1:22 HTTP/1.1\r\n"
	    "Host: t\r\n\r\n") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, NULL);
	CHECK(strstr(buf, "HTTP/1.1 2") == NULL);
	tls_close(&t);
	resp_clear(&r);
}

static void
test_sizes(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_sizes) == 0);
	CHECK(a.cnt.rejected_size >= 3);
	CHECK_INT(a.naborts, 0);
}

static void
c_slow(struct app *a)
{
	struct tls t;
	uint64_t el, t0, limit = (uint64_t)SLOW_IDLE_S * 1000;
	const char *trickle = "GET /echo HTTP/1.1\r\nHost: t\r\nX-Slow: "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	size_t i;

	/* Half a header, then silence. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "GET /echo HTTP/1.1\r\nHost:") == 0);
	el = tls_until_closed(&t, 4 * limit + 5000);
	CHECK(t.eof);
	CHECK(el + 500 >= limit);
	CHECK(el <= limit + 2000);
	printf("#   silent client dropped after %llu ms\n",
	    (unsigned long long)el);
	tls_close(&t);

	/* Headers trickled a byte every 300 ms: never silent for long,
	 * dropped by the total limit. */
	REQUIRE(tls_open(a, &t) == 0);
	t0 = now_ms();
	for (i = 0; trickle[i] != '\0' && now_ms() - t0 < 6 * limit; i++) {
		if (tls_send(&t, trickle + i, 1) != 0)
			break;
		(void)tls_read(&t, (char[64]){ 0 }, 64, 300, NULL);
		if (t.eof)
			break;
	}
	el = now_ms() - t0 + tls_until_closed(&t, 2000);
	CHECK(t.eof);
	CHECK(el <= VCM_HTTP_REQUEST_FACTOR * limit + 2000);
	printf("#   trickled headers dropped after %llu ms\n",
	    (unsigned long long)el);
	tls_close(&t);

	/* A body trickled the same way. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "POST /echo HTTP/1.1\r\nHost: t\r\n"
	    "Content-Length: 1000\r\n\r\n") == 0);
	t0 = now_ms();
	for (i = 0; i < 1000 && now_ms() - t0 < 6 * limit; i++) {
		if (tls_send(&t, "b", 1) != 0)
			break;
		(void)tls_read(&t, (char[64]){ 0 }, 64, 300, NULL);
		if (t.eof)
			break;
	}
	el = now_ms() - t0 + tls_until_closed(&t, 2000);
	CHECK(t.eof);
	CHECK(el <= VCM_HTTP_REQUEST_FACTOR * limit + 2000);
	printf("#   trickled body dropped after %llu ms\n",
	    (unsigned long long)el);
	tls_close(&t);

	/* An idle keep-alive connection goes the same way. */
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n") == 0);
	t0 = now_ms();
	el = tls_until_closed(&t, 4 * limit + 5000);
	CHECK(t.eof);
	CHECK(el <= limit + 2000);
	tls_close(&t);
	CHECK_INT(atomic_load(&a->nreq), 1);
}

static void
test_slow_loris(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	a.opts.idle_s = SLOW_IDLE_S;
	REQUIRE(app_run(&a, c_slow) == 0);
	CHECK(a.cnt.timeouts >= 4);
}

static void
c_static(struct app *a)
{
	static const char *const traversal[] = {
		"/console/../secret.js", "/console/%2e%2e/secret.js",
		"/console/..%2fsecret.js", "/console/sub/../../secret.js",
		"/console/link.js", "/console/.hidden.js", "/console/notes.bin",
		"/console/%2Ftmp/x.js", "/console/a%00b.js",
	};
	struct resp r = { 0 };
	size_t i;

	req(a, NULL, "GET", "/console/", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	CHECK(r.body != NULL && strcmp(r.body, "<p>console</p>\n") == 0);
	CHECK(has_header(&r, "Content-Type: text/html; charset=utf-8"));
	CHECK(has_header(&r, "Cache-Control: no-cache"));
	CHECK(has_header(&r, "X-Content-Type-Options: nosniff"));
	/* No other site may frame the console. */
	CHECK(has_header(&r, "content-security-policy: default-src 'none'; "
	    "script-src 'self'; style-src 'self' 'unsafe-inline'; "
	    "connect-src 'self'; img-src 'self' data:; font-src 'self'; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"));
	req(a, NULL, "GET", "/console/index.html", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	req(a, NULL, "GET", "/console/app.js", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	CHECK(has_header(&r, "Content-Type: text/javascript"));
	CHECK(has_header(&r, "Cache-Control: max-age=3600"));
	req(a, NULL, "GET", "/console/style.css", NULL, NULL, 0, &r);
	CHECK(has_header(&r, "Content-Type: text/css"));
	req(a, NULL, "GET", "/console/sub/icon.svg", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	CHECK(has_header(&r, "Content-Type: image/svg+xml"));
	req(a, NULL, "HEAD", "/console/app.js", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	CHECK(has_header(&r, "Content-Length: 16"));
	CHECK_INT(r.len, 0);
	req(a, NULL, "GET", "/console", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 301);
	CHECK(has_header(&r, "Location: /console/"));
	req(a, NULL, "POST", "/console/index.html", NULL, "x", 1, &r);
	CHECK_INT(r.status, 405);
	CHECK(has_header(&r, "Allow: GET, HEAD"));
	req(a, NULL, "GET", "/console/missing.js", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 404);
	for (i = 0; i < sizeof(traversal) / sizeof(traversal[0]); i++) {
		req(a, NULL, "GET", traversal[i], NULL, NULL, 0, &r);
		if (r.status == 200 || (r.body != NULL &&
		    strstr(r.body, SECRET_TEXT) != NULL)) {
			printf("#   %s: %ld\n", traversal[i], r.status);
			CHECK(0);
		}
	}

	/* Files, HEAD and API requests share a keep-alive connection. */
	{
		CURL *h = curl_easy_init();
		long connects = 0;

		REQUIRE(h != NULL);
		req(a, h, "GET", "/console/app.js", NULL, NULL, 0, &r);
		connects += r.connects;
		CHECK_INT(r.status, 200);
		req(a, h, "HEAD", "/console/style.css", NULL, NULL, 0, &r);
		connects += r.connects;
		CHECK_INT(r.status, 200);
		req(a, h, "GET", "/console/missing.js", NULL, NULL, 0, &r);
		connects += r.connects;
		CHECK_INT(r.status, 404);
		req(a, h, "GET", "/echo", NULL, NULL, 0, &r);
		connects += r.connects;
		CHECK_INT(r.status, 200);
		req(a, h, "GET", "/console/", NULL, NULL, 0, &r);
		connects += r.connects;
		CHECK(r.body != NULL && strcmp(r.body, "<p>console</p>\n") == 0);
		CHECK_INT(connects, 1);
		curl_easy_cleanup(h);
	}
	resp_clear(&r);
}

static void
test_static(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_static) == 0);
}

static void
c_pipelined(struct app *a)
{
	struct tls t;
	char buf[8192];
	char *p1, *p2;

	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t,
	    "GET /echo?n=1 HTTP/1.1\r\nHost: t\r\n\r\n"
	    "GET /async?ms=50 HTTP/1.1\r\nHost: t\r\n\r\n"
	    "GET /echo?n=3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
	    == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, NULL);
	CHECK(t.eof);
	p1 = strstr(buf, "\"query\":\"n=1\"");
	p2 = strstr(buf, "late");
	CHECK(p1 != NULL && p2 != NULL && p1 < p2 &&
	    strstr(p2, "\"query\":\"n=3\"") != NULL);
	tls_close(&t);
}

/*
 * Bytes in use on the heap: under ASan its allocator's count (freed
 * memory in its quarantine is not in use, though it stays resident),
 * otherwise glibc's.
 */
size_t	__sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi;

	if (__sanitizer_get_current_allocated_bytes != NULL)
		return __sanitizer_get_current_allocated_bytes();
	mi = mallinfo2();
	return mi.uordblks;
}

static void
c_keepalive(struct app *a)
{
	struct resp r = { 0 };
	CURL *h = curl_easy_init();
	long connects = 0;
	int i, bad = 0;
	char path[64];
	size_t heap0 = 0, heap1 = 0;

	REQUIRE(h != NULL);
	for (i = 0; i < KEEPALIVE_N; i++) {
		snprintf(path, sizeof(path), "/echo?i=%d", i);
		req(a, h, "GET", path, NULL, NULL, 0, &r);
		bad += r.status != 200;
		connects += r.connects;
		if (i == KEEPALIVE_N / 10)
			heap0 = heap_in_use();
	}
	heap1 = heap_in_use();
	CHECK_INT(bad, 0);
	CHECK_INT(connects, 1);
	printf("#   heap in use after %d requests: %zu KiB, after %d: %zu "
	    "KiB\n", KEEPALIVE_N / 10, heap0 / 1024, KEEPALIVE_N,
	    heap1 / 1024);
	/* Flat: 900 more requests, not even a kilobyte each. */
	CHECK(heap1 < heap0 + KEEPALIVE_N * 64);
	curl_easy_cleanup(h);
	resp_clear(&r);
}

static void
test_keepalive(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_pipelined) == 0);
	CHECK_INT(a.nreq, 3);

	app_defaults(&a);
	REQUIRE(app_run(&a, c_keepalive) == 0);
	CHECK_INT(a.nreq, KEEPALIVE_N);
	CHECK(a.cnt.requests >= KEEPALIVE_N);
}

static void
c_conns(struct app *a)
{
	struct tls t1, t2, t3;
	struct resp r = { 0 };

	REQUIRE(tls_open(a, &t1) == 0);
	REQUIRE(tls_open(a, &t2) == 0);
	/* The third is closed at once, before TLS. */
	CHECK(tls_open(a, &t3) != 0);
	tls_close(&t3);
	tls_close(&t1);
	sleep_ms(500);
	req(a, NULL, "GET", "/echo", NULL, NULL, 0, &r);
	CHECK_INT(r.status, 200);
	tls_close(&t2);
	resp_clear(&r);
}

static void
c_tls(struct app *a)
{
	static const unsigned char h2[] = "\x02h2\x08http/1.1";
	const unsigned char *sel = NULL;
	unsigned len = 0;
	struct tls t;
	char buf[1024];

	/* TLS 1.0 and 1.1 are refused (Debian's openssl.cnf says so too;
	 * the server sets it for systems whose default is laxer), 1.2
	 * and 1.3 work. */
	CHECK(tls_open_with(a, &t, TLS1_VERSION, TLS1_1_VERSION, NULL, 0) != 0);
	REQUIRE(tls_open_with(a, &t, TLS1_2_VERSION, TLS1_2_VERSION, NULL, 0)
	    == 0);
	CHECK_INT(SSL_version(t.ssl), TLS1_2_VERSION);
	tls_close(&t);
	REQUIRE(tls_open_with(a, &t, TLS1_3_VERSION, TLS1_3_VERSION, h2,
	    sizeof(h2) - 1) == 0);
	CHECK_INT(SSL_version(t.ssl), TLS1_3_VERSION);
	/* HTTP/2 is off: a client offering it gets HTTP/1.1. */
	SSL_get0_alpn_selected(t.ssl, &sel, &len);
	CHECK(len == 8 && memcmp(sel, "http/1.1", 8) == 0);
	REQUIRE(tls_sends(&t, "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, "}");
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	tls_close(&t);
}

static void
test_tls(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_tls) == 0);
}

static void
test_conns_limit(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	a.opts.conns_max = 2;
	REQUIRE(app_run(&a, c_conns) == 0);
	CHECK(a.cnt.rejected_conns >= 1);
}

static void
c_ws_echo(struct app *a)
{
	static const char *const args[] = { "--origin", "https://console.test",
	    "--query", "ticket=1&x=a%20b", "echo", NULL };
	static const char *const noproto[] = { "--no-subprotocol", "echo",
	    NULL };
	struct py p;

	CHECK_INT(py_run(a, args, &p), 0);
	CHECK(strstr(p.out, "subprotocol vcm.console.v1\n") != NULL);
	CHECK(strstr(p.out, "text hello\n") != NULL);
	CHECK(strstr(p.out, "binary 0001feff\n") != NULL);
	CHECK(strstr(p.out, "text fragmented\n") != NULL);
	CHECK(strstr(p.out, "close 4001 expired\n") != NULL);
	if (strstr(p.out, "close 4001 expired\n") == NULL)
		printf("#   %s", p.out);

	CHECK_INT(py_run(a, noproto, &p), 0);
	CHECK(strstr(p.out, "subprotocol none\n") != NULL);
	CHECK(strstr(p.out, "text hello\n") != NULL);
	CHECK(strstr(p.out, "close 4001 expired\n") != NULL);
	CHECK(wait_for(&a->ws_closed, 2, 3000));
}

static void
test_ws_echo(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_ws_echo) == 0);
	CHECK_INT(a.ws_opened, 2);
	CHECK_INT(a.ws_closed, 2);
	CHECK_INT(a.cnt.ws_opened, 2);
	CHECK_INT(a.cnt.ws_closed, 2);
	CHECK_INT(a.cnt.ws_now, 0);
	CHECK(strcmp(a.ws_origin, "(none)") == 0);	/* the last one */
	CHECK(strcmp(a.ws_peer, "127.0.0.1") == 0);
	CHECK_INT(a.ws_msgs, 8);
	CHECK_INT(a.ws_nul_ok, 8);
	CHECK_INT(a.send_after_close_rc, VCM_ESTATE);
}

static void
c_ws_limits(struct app *a)
{
	char n[16];
	const char *big[] = { "oversize", n, NULL };
	const char *bigfrag[] = { "oversize_frag", n, NULL };
	static const char *const okfrag[] = { "echo", NULL };
	static const char *const flood[] = { "flood", NULL };
	struct py p;

	snprintf(n, sizeof(n), "%d", VCM_WS_MSG_MAX + 1);
	CHECK_INT(py_run(a, big, &p), 0);
	CHECK(strstr(p.out, "close 1009") != NULL);
	CHECK_INT(py_run(a, bigfrag, &p), 0);
	CHECK(strstr(p.out, "close 1009") != NULL);
	/* The limit itself passes (as the echo of a smaller one). */
	CHECK_INT(py_run(a, okfrag, &p), 0);
	CHECK(strstr(p.out, "text fragmented") != NULL);

	CHECK_INT(py_run(a, flood, &p), 0);
	CHECK(strstr(p.out, "text drained ") != NULL);
	CHECK(strstr(p.out, "received ") != NULL);
	if (strstr(p.out, "text drained ") == NULL)
		printf("#   %s", p.out);
}

static void
test_ws_limits(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_ws_limits) == 0);
	CHECK(a.cnt.rejected_size >= 2);
	CHECK_INT(a.flood_rc, VCM_ENOSPC);
	CHECK_INT(a.flood_sent, VCM_WS_QUEUE_MAX / 4096);
	CHECK_INT(a.drains, 1);
	CHECK_INT(a.ws_closed, 4);
	CHECK_INT(a.cnt.ws_now, 0);
}

static void
c_ws_refused(struct app *a)
{
	static const char *const deny[] = { "--query", "deny=403", "refused",
	    NULL };
	static const char *const deny429[] = { "--query", "deny=429",
	    "refused", NULL };
	static const char *const path[] = { "--path", "/v1/other/ws",
	    "refused", NULL };
	static const char *const proto[] = { "--subprotocol", "chat",
	    "refused", NULL };
	struct resp r = { 0 };
	struct py p;
	struct tls t;
	char buf[4096];

	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "GET /v1/console/ws?deny=403 HTTP/1.1\r\nHost: t\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n") == 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, NULL);
	CHECK(strncmp(buf, "HTTP/1.1 403 Forbidden\r\n", 24) == 0);
	CHECK(strstr(buf, "\r\n\r\n{\"error\":{\"code\":\"forbidden\"") != NULL);
	CHECK(t.eof);
	tls_close(&t);
	CHECK_INT(py_run(a, deny, &p), 0);
	CHECK(strstr(p.out, "status 403") != NULL);
	CHECK_INT(py_run(a, deny429, &p), 0);
	CHECK(strstr(p.out, "status 429") != NULL);
	CHECK_INT(py_run(a, path, &p), 0);
	CHECK(strstr(p.out, "status 404") != NULL);
	CHECK_INT(py_run(a, proto, &p), 0);
	CHECK(strstr(p.out, "status 400") != NULL);
	/* A plain GET on the WebSocket path. */
	req(a, NULL, "GET", WS_PATH, NULL, NULL, 0, &r);
	CHECK_INT(r.status, 400);
	resp_clear(&r);
}

static void
test_ws_refused(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_ws_refused) == 0);
	CHECK_INT(a.ws_opened, 0);
	CHECK_INT(a.ws_closed, 0);
	CHECK_INT(a.cnt.ws_opened, 0);
	CHECK_INT(a.nreq, 0);
}

/* A decimal number at the start of s (the client's report lines). */
static int
parse_ull(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && end != s ? 0 : -1;
}

/* Milliseconds from the server's n-th revoke (its http_ws_close()) to
 * t_ns on the client's side; a large number if there was none. */
static double
revoke_ms(struct app *a, int n, uint64_t t_ns)
{
	uint64_t t0;

	if (atomic_load(&a->nrevoked) <= n)
		return 1e9;
	t0 = atomic_load(&a->revoke_ns[n]);
	return t_ns > t0 ? (double)(t_ns - t0) / 1e6 : 0;
}

/* A raw client asks for a revoke and reads the close frame; returns the
 * ms from http_ws_close() to the frame, or a large number. */
static double
raw_revoke(struct app *a, struct tls *t, int n)
{
	uint8_t buf[256];
	size_t len = 0;
	int op;

	if (ws_raw_open(a, t) != 0 ||
	    ws_raw_send(t, 1, "revoke 0 0", 10) != 0) {
		printf("#   raw WebSocket client failed\n");
		return 1e9;
	}
	op = ws_raw_frame(t, IO_TMO_MS, buf, sizeof(buf), &len);
	CHECK_INT(op, 8);
	CHECK(len == 15 && (buf[0] << 8 | buf[1]) == 4003 &&
	    memcmp(buf + 2, "grant revoked", 13) == 0);
	return op == 8 ? revoke_ms(a, n, now_ns()) : 1e9;
}

static void
c_ws_close_prompt(struct app *a)
{
	char bytes[16], want[64];
	const char *revoke[] = { "revoke", "20", bytes, NULL };
	static const char *const cclose[] = { "client_close", NULL };
	static const uint8_t answer[2] = { 4003 >> 8, 4003 & 0xff };
	unsigned long long ns;
	const char *q;
	struct tls t;
	struct py p;
	double ms;
	uint64_t t0, el;
	int i, k = 0;

	/* python3-websockets, end to end: it raises ConnectionClosed once
	 * the server has closed the TCP connection after the closing
	 * handshake. Every other time with 64 KiB queued before the close,
	 * which must arrive first. */
	for (i = 0; i < REVOKE_RUNS; i++, k++) {
		snprintf(bytes, sizeof(bytes), "%d", i % 2 ? 64 * 1024 : 0);
		CHECK_INT(py_run(a, revoke, &p), 0);
		CHECK(strstr(p.out, "close 4003 grant revoked\n") != NULL);
		snprintf(want, sizeof(want), "received %s\n", bytes);
		CHECK(strstr(p.out, want) != NULL);
		q = strstr(p.out, "closed_ns ");
		ms = q != NULL && parse_ull(q + strlen("closed_ns "), &ns) == 0 ?
		    revoke_ms(a, k, ns) : 1e9;
		printf("#   revoke %d (%s bytes queued): the client saw the "
		    "close %.1f ms after http_ws_close()\n", i, bytes, ms);
		CHECK(ms < CLOSE_PROMPT_MS);
		if (ms >= CLOSE_PROMPT_MS)
			printf("#   %s", p.out);
	}

	/* The same, revoked from inside another connection's request (as
	 * the API's revoke does). */
	for (i = 0; i < REVOKE_RUNS; i++, k++) {
		struct resp r = { 0 };
		static const char *const wait[] = { "wait_revoke", NULL };

		snprintf(bytes, sizeof(bytes), "%d", i % 2 ? 64 * 1024 : 0);
		REQUIRE(py_start(a, &p, wait) == 0);
		CHECK(py_expect(&p, "open\n", IO_TMO_MS));
		snprintf(want, sizeof(want), "/revoke?%s", bytes);
		req(a, NULL, "GET", want, NULL, NULL, 0, &r);
		CHECK_INT(r.status, 204);
		resp_clear(&r);
		CHECK_INT(py_finish(&p), 0);
		CHECK(strstr(p.out, "close 4003 grant revoked\n") != NULL);
		snprintf(want, sizeof(want), "received %s\n", bytes);
		CHECK(strstr(p.out, want) != NULL);
		q = strstr(p.out, "closed_ns ");
		ms = q != NULL && parse_ull(q + strlen("closed_ns "), &ns) == 0 ?
		    revoke_ms(a, k, ns) : 1e9;
		printf("#   revoke by request %d (%s bytes queued): the client "
		    "saw the close %.1f ms after http_ws_close()\n", i, bytes,
		    ms);
		CHECK(ms < CLOSE_PROMPT_MS);
		if (ms >= CLOSE_PROMPT_MS)
			printf("#   %s", p.out);
	}

	/* A raw client: the close frame at once, the TCP close as soon as
	 * the client answers it. */
	ms = raw_revoke(a, &t, k++);
	printf("#   raw: close frame %.1f ms after http_ws_close()\n", ms);
	CHECK(ms < CLOSE_PROMPT_MS);
	t0 = now_ms();
	CHECK(ws_raw_send(&t, 8, answer, sizeof(answer)) == 0);
	el = tls_until_closed(&t, IO_TMO_MS);
	printf("#   raw: TCP closed %llu ms after the answer\n",
	    (unsigned long long)(now_ms() - t0));
	CHECK(t.eof);
	CHECK(el < CLOSE_PROMPT_MS);
	tls_close(&t);

	/* A client that never answers: closed after VCM_WS_CLOSE_MS. */
	ms = raw_revoke(a, &t, k++);
	CHECK(ms < CLOSE_PROMPT_MS);
	el = tls_until_closed(&t, IO_TMO_MS);
	printf("#   raw, no answer: TCP closed %llu ms after the close "
	    "frame\n", (unsigned long long)el);
	CHECK(t.eof);
	CHECK(el + 50 >= VCM_WS_CLOSE_MS);
	CHECK(el < VCM_WS_CLOSE_MS + CLOSE_PROMPT_MS);
	tls_close(&t);

	/* A peer that has stopped reading (a hung tab) while output keeps
	 * coming: the kernel's buffers and the send queue are full when
	 * the grant is revoked (by a request). Cut at the bound. */
	{
		struct resp r = { 0 };
		int n = atomic_load(&a->ws_closed);
		char cmd[32];

		tls_rcvbuf = 4096;
		REQUIRE(ws_raw_open(a, &t) == 0);
		tls_rcvbuf = 0;
		snprintf(cmd, sizeof(cmd), "fill %d", 64 * 1024 * 1024);
		REQUIRE(ws_raw_send(&t, 1, cmd, strlen(cmd)) == 0);
		sleep_ms(500);
		req(a, NULL, "GET", "/revoke?0", NULL, NULL, 0, &r);
		CHECK_INT(r.status, 204);
		resp_clear(&r);
		CHECK(wait_for(&a->ws_closed, n + 1, IO_TMO_MS));
		ms = revoke_ms(a, k++, atomic_load(&a->last_closed_ns));
		printf("#   stalled peer: cut by the server %.1f ms after "
		    "http_ws_close(), %llu bytes still queued\n", ms,
		    (unsigned long long)atomic_load(&a->last_closed_queued));
		CHECK(atomic_load(&a->last_closed_queued) > 0);
		CHECK(ms + 50 >= VCM_WS_CLOSE_MS);
		CHECK(ms < VCM_WS_CLOSE_MS + CLOSE_PROMPT_MS);
		tls_close(&t);
	}

	/* The client closes (a browser tab): the server answers and closes
	 * the TCP connection at once. */
	CHECK_INT(py_run(a, cclose, &p), 0);
	CHECK(strstr(p.out, "close 4000 tab closed\n") != NULL);
	q = strstr(p.out, "close_ms ");
	ms = q != NULL && parse_ull(q + strlen("close_ms "), &ns) == 0 ? (double)ns :
	    1e9;
	printf("#   client close: done in %.0f ms\n", ms);
	CHECK(ms < CLOSE_PROMPT_MS);
	CHECK(wait_for(&a->ws_closed, 2 * REVOKE_RUNS + 4, 3000));
}

static void
test_ws_close_prompt(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_ws_close_prompt) == 0);
	CHECK_INT(a.ws_opened, 2 * REVOKE_RUNS + 4);
	CHECK_INT(a.ws_closed, 2 * REVOKE_RUNS + 4);
	CHECK_INT(a.nrevoked, 2 * REVOKE_RUNS + 3);
	CHECK_INT(a.cnt.ws_now, 0);
	CHECK_INT(a.cnt.conns_now, 0);
}

/*
 * Closes started by a timer of the loop, outside any callback of the
 * server (vcmd's hello timeout, a grant's expiry): a text message, then
 * http_ws_close(), on several sockets at once, round after round, while
 * another thread keeps other connections busy. Every client must get
 * the text and the close frame (4008), never a bare hang-up.
 */
struct busy {
	struct app	*a;
	atomic_int	 stop;
	int		 echoes;
	int		 requests;
	int		 errors;
};

static void *
busy_main(void *arg)
{
	struct busy *b = arg;
	struct resp r = { 0 };
	struct tls t;
	uint8_t buf[256];
	size_t len;
	int op;

	if (ws_raw_open(b->a, &t) != 0) {
		b->errors++;
		return NULL;
	}
	while (!atomic_load(&b->stop)) {
		if (ws_raw_send(&t, 1, "busy", 4) != 0 ||
		    (op = ws_raw_frame(&t, IO_TMO_MS, buf, sizeof(buf),
		    &len)) != 1) {
			b->errors++;
			break;
		}
		b->echoes++;
		if (b->echoes % 8 == 0) {
			req(b->a, NULL, "GET", "/echo", NULL, NULL, 0, &r);
			b->requests++;
			b->errors += r.status != 200;
		}
	}
	resp_clear(&r);
	tls_close(&t);
	return NULL;
}

static void
c_ws_timer_close(struct app *a)
{
	static const uint8_t answer[2] = { 4008 >> 8, 4008 & 0xff };
	struct tls t[TCLOSE_SOCKS];
	struct busy b;
	pthread_t th;
	uint8_t buf[256];
	char q[32];
	size_t len;
	uint64_t t0;
	int round, i, op, opened, bad = 0, good = 0, busy_ok;

	memset(&b, 0, sizeof(b));
	b.a = a;
	busy_ok = pthread_create(&th, NULL, busy_main, &b) == 0;
	CHECK(busy_ok);
	snprintf(q, sizeof(q), "hello=%d", TCLOSE_MS);
	for (round = 0; round < TCLOSE_ROUNDS; round++) {
		for (opened = 0; opened < TCLOSE_SOCKS; opened++)
			if (ws_raw_open_q(a, &t[opened], q) != 0) {
				printf("#   round %d: open %d failed\n", round,
				    opened);
				bad++;
				break;
			}
		for (i = 0; i < opened; i++) {
			t0 = now_ms();
			op = ws_raw_frame(&t[i], IO_TMO_MS, buf, sizeof(buf),
			    &len);
			if (op != 1 || strcmp((char *)buf, TCLOSE_TEXT) != 0) {
				printf("#   round %d socket %d: no text (op %d "
				    "after %llu ms)\n", round, i, op,
				    (unsigned long long)(now_ms() - t0));
				bad++;
				tls_close(&t[i]);
				continue;
			}
			op = ws_raw_frame(&t[i], IO_TMO_MS, buf, sizeof(buf),
			    &len);
			if (op != 8 || len != 11 ||
			    (buf[0] << 8 | buf[1]) != 4008 ||
			    memcmp(buf + 2, "no ticket", 9) != 0) {
				printf("#   round %d socket %d: no close 4008 "
				    "(op %d after %llu ms)\n", round, i, op,
				    (unsigned long long)(now_ms() - t0));
				bad++;
				tls_close(&t[i]);
				continue;
			}
			(void)ws_raw_send(&t[i], 8, answer, sizeof(answer));
			(void)tls_until_closed(&t[i], IO_TMO_MS);
			good += t[i].eof;
			tls_close(&t[i]);
		}
	}
	atomic_store(&b.stop, 1);
	if (busy_ok)
		pthread_join(th, NULL);
	printf("#   %d timer-started closes complete, %d failed; busy: %d "
	    "echoes, %d requests, %d errors\n", good, bad, b.echoes,
	    b.requests, b.errors);
	CHECK_INT(bad, 0);
	CHECK_INT(good, TCLOSE_SOCKS * TCLOSE_ROUNDS);
	CHECK_INT(b.errors, 0);
	CHECK(b.echoes > 0);
	CHECK(wait_for(&a->ws_closed, TCLOSE_SOCKS * TCLOSE_ROUNDS + 1, 3000));
}

static void
test_ws_timer_close(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_ws_timer_close) == 0);
	CHECK_INT(a.hello_fired, TCLOSE_SOCKS * TCLOSE_ROUNDS);
	CHECK_INT(a.ws_opened, TCLOSE_SOCKS * TCLOSE_ROUNDS + 1);
	CHECK_INT(a.ws_closed, TCLOSE_SOCKS * TCLOSE_ROUNDS + 1);
	CHECK_INT(a.cnt.ws_now, 0);
	CHECK_INT(a.cnt.conns_now, 0);
}

static void
c_stop(struct app *a)
{
	static const char *const wait[] = { "wait_close", NULL };
	struct tls t;
	struct py p;
	char buf[256];

	REQUIRE(py_start(a, &p, wait) == 0);
	CHECK(py_expect(&p, "open\n", IO_TMO_MS));
	REQUIRE(tls_open(a, &t) == 0);
	REQUIRE(tls_sends(&t, "GET /hang HTTP/1.1\r\nHost: t\r\n\r\n") == 0);
	CHECK(wait_for(&a->nhang, 1, 3000));
	request_stop(a);
	CHECK(py_expect(&p, "close 1001 server shutting down\n", IO_TMO_MS));
	CHECK_INT(py_finish(&p), 0);
	(void)tls_read(&t, buf, sizeof(buf), IO_TMO_MS, NULL);
	CHECK(t.eof);
	tls_close(&t);
	CHECK(wait_for(&a->naborts, 1, 3000));
	CHECK(wait_for(&a->ws_closed, 1, 3000));
}

static void
test_stop(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(app_run(&a, c_stop) == 0);
	CHECK_INT(a.naborts, 1);
	CHECK_INT(a.ws_closed, 1);
	CHECK_INT(a.cnt.conns_now, 0);
}

/* An error path: http_free() without http_stop() nor a loop run to its
 * end, with a request still with the handler. */
static void *
early_client(void *arg)
{
	struct app *a = arg;
	struct tls t;

	if (tls_open(a, &t) != 0)
		return NULL;
	if (tls_sends(&t, "GET /hang HTTP/1.1\r\nHost: t\r\n\r\n") == 0)
		(void)tls_until_closed(&t, IO_TMO_MS);
	atomic_store(&a->done, t.eof ? 1 : -1);
	tls_close(&t);
	return NULL;
}

static void
test_free_early(void)
{
	struct app a;
	uint64_t t0;
	int err = 0;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	REQUIRE(uv_loop_init(&a.loop) == 0);
	a.srv = http_new(&a.loop, &a.opts, &handlers, &a, &err);
	REQUIRE(a.srv != NULL);
	a.port = http_port(a.srv);
	REQUIRE(pthread_create(&a.th, NULL, early_client, &a) == 0);
	t0 = now_ms();
	while (atomic_load(&a.nhang) < 1 && now_ms() - t0 < IO_TMO_MS) {
		uv_run(&a.loop, UV_RUN_NOWAIT);
		sleep_ms(2);
	}
	CHECK_INT(atomic_load(&a.nhang), 1);
	http_free(a.srv);
	CHECK_INT(atomic_load(&a.naborts), 1);
	pthread_join(a.th, NULL);
	CHECK_INT(atomic_load(&a.done), 1);	/* the client saw the close */
	CHECK_INT(uv_loop_close(&a.loop), 0);
}

/* ---- logs: rate-limited, never a secret ----------------------------- */

static atomic_int log_rejects, log_summaries, log_secrets;

static void
log_sink(enum vcm_log_level level, const char *line, void *arg)
{
	if (strstr(line, "event=http_reject ") != NULL)
		atomic_fetch_add(&log_rejects, 1);
	if (strstr(line, "event=http_reject suppressed=") != NULL)
		atomic_fetch_add(&log_summaries, 1);
	if (strstr(line, "SECRET-TOKEN") != NULL ||
	    strstr(line, "PASSWORD-BODY") != NULL)
		atomic_fetch_add(&log_secrets, 1);
}

#define LOG_FLOOD	100

static void
c_logs(struct app *a)
{
	static const char *const auth[] = {
	    "Authorization: Bearer SECRET-TOKEN", "Cookie: s=SECRET-TOKEN",
	    NULL };
	struct resp r = { 0 };
	CURL *h = curl_easy_init();
	uint64_t t0 = now_ms(), el;
	int i, bad = 0;

	REQUIRE(h != NULL);
	for (i = 0; i < LOG_FLOOD; i++) {
		req(a, h, "GET", "/bad%01path", auth, NULL, 0, &r);
		bad += r.status != 400;
	}
	el = now_ms() - t0;
	CHECK_INT(bad, 0);
	/* A refused body is not logged either. */
	req(a, h, "POST", "/console/x.js", auth, "PASSWORD-BODY", 13, &r);
	CHECK_INT(r.status, 405);
	/* The next second's first line reports what was left out. */
	sleep_ms(1100);
	req(a, NULL, "GET", "/bad%01path", NULL, NULL, 0, &r);
	CHECK(atomic_load(&log_rejects) <=
	    (int)(VCM_HTTP_REJECT_LOGS_PER_S * (el / 1000 + 3)));
	CHECK(atomic_load(&log_rejects) < LOG_FLOOD);
	CHECK(atomic_load(&log_summaries) >= 1);
	curl_easy_cleanup(h);
	resp_clear(&r);
}

static void
test_logs(void)
{
	struct app a;

	REQUIRE(env_setup() == 0);
	app_defaults(&a);
	vcm_log_set_sink(log_sink, NULL);
	REQUIRE(app_run(&a, c_logs) == 0);
	vcm_log_set_sink(NULL, NULL);
	CHECK(atomic_load(&log_rejects) > 0);
	CHECK_INT(atomic_load(&log_secrets), 0);
}

static const struct test_case tests[] = {
	{ "tlsgen", test_tlsgen },
	{ "http_new errors", test_http_new_errors },
	{ "GET/POST round trip, replies, error documents", test_roundtrip },
	{ "asynchronous reply; client gone: txn_abort", test_async_and_abort },
	{ "Authorization: Bearer parsing", test_bearer },
	{ "body and header size limits, framing", test_sizes },
	{ "slow loris: idle and trickling clients dropped", test_slow_loris },
	{ "static files, no traversal", test_static },
	{ "pipelining; 1,000 keep-alive requests, memory flat",
	    test_keepalive },
	{ "TLS 1.2 and 1.3 only, HTTP/1.1 only", test_tls },
	{ "connection limit", test_conns_limit },
	{ "WebSocket: echo, fragments, server close", test_ws_echo },
	{ "WebSocket: 1009, send queue and drain", test_ws_limits },
	{ "WebSocket: refused upgrades", test_ws_refused },
	{ "WebSocket: a server close is prompt (revoke), client close",
	    test_ws_close_prompt },
	{ "WebSocket: closes started by a timer, many at once",
	    test_ws_timer_close },
	{ "http_stop with open connections", test_stop },
	{ "rejection logs: rate-limited, no secrets", test_logs },
	{ "http_free on an error path, loop not run out", test_free_early },
};

#ifdef TEST_HTTP_ONLY
/* Debugging one case: cc -DTEST_HTTP_ONLY=N ... */
static const struct test_case only[] = { tests[TEST_HTTP_ONLY] };
TEST_MAIN(only)
#else
TEST_MAIN(tests)
#endif
