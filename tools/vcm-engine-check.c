/*
 * vcm-engine-check: the console fan-out of issue 5 proved through the
 * real engine, in one process, against one BMC (bmcsim in the tests):
 * three viewers on one shared SOL, the backlog replayed to a viewer who
 * joins late, the same live bytes to everyone, one writer at a time with
 * an explicit take-over, power and chassis operations on the same BMC
 * while the console is live, and a verified teardown when everyone has
 * left.
 *
 * Usage: vcm-engine-check -a ADDR [-p PORT] [-u USER] [-t TAG]
 *	      [-l LINGER_MS] [-T SECONDS]
 * The password comes from the environment (VCM_CHECK_PASSWORD), never
 * from argv, where every user of the machine could read it. ADDR must be
 * in 127.0.0.0/8: this program types into a host's console, which must
 * never be a real machine by accident.
 *
 * Output is TAP ("1..N", then "ok N - ..." / "not ok N - ...").
 * Host output it waits for is asked of whoever runs it (the shell test,
 * through bmcsim's control socket) with comment lines
 *	# inject TEXT
 * meaning "make the host print CR LF TEXT CR LF". What the viewers type
 * is derived from TAG so the caller can look for it in bmcsim's
 * serial-rx: viewer A types "a-TAG", viewer C "c-TAG" then CR, and the
 * read-only viewer B tries "b-TAG", which must never reach the host.
 * Exit 0 only if every check passed; every wait is bounded (the step
 * deadlines below and -T for the whole run).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "engine/engine.h"

#define NCHECKS		17
#define TICK_MS		20
/* Per-step bounds: activation may include a stale-SOL take. */
#define LIVE_MS		15000
#define WAIT_MS		5000
#define OP_MS		10000
/* Output of a viewer counts as settled after this much silence. */
#define QUIET_MS	300
#define TEARDOWN_MS	15000
#define TOTAL_S_DEF	60
#define TAG_MAX		40
/* Far more than the host prints here; bounded all the same. */
#define OUT_MAX		(4 * VCM_CONSOLE_BACKLOG_BYTES)

enum { VA = 0, VB, VC, NV };
static const char vname[NV] = { 'A', 'B', 'C' };

enum step {
	S_LIVE = 0,	/* A open, waiting for LIVE */
	S_M1,		/* M1 injected, waiting for A to see it */
	S_BACKLOG,	/* B open, waiting for its backlog with M1 */
	S_M2,		/* M2 injected, waiting for A and B */
	S_QUIET,	/* waiting for A and B to settle, then compare */
	S_ECHO_A,	/* A typed, waiting for the echo at A and B */
	S_TAKE,		/* C took over, waiting for WRITER_LOST / WRITER */
	S_ECHO_C,	/* C typed, waiting for the echo everywhere */
	S_OPS,		/* power and chassis status submitted */
	S_TEARDOWN,	/* everyone detached, waiting for the teardown */
	S_STOPPING	/* eng_stop() called */
};

struct viewer {
	int64_t		 id;		/* -1: not attached */
	uint8_t		 writer;	/* ENG_CON_EV_WRITER seen */
	uint8_t		 lost;		/* ENG_CON_EV_WRITER_LOST seen */
	int64_t		 lost_to;
	uint8_t		 trunc;		/* output beyond OUT_MAX */
	size_t		 len;
	uint64_t	 last_ms;	/* last output */
	uint8_t		 out[OUT_MAX];
};

struct check {
	uv_loop_t	*loop;
	struct eng	*e;
	uv_timer_t	 timer;
	uint32_t	 bmc;
	enum step	 step;
	uint64_t	 step_ms, end_ms;
	const char	*tag;
	char		 m1[TAG_MAX + 8], m2[TAG_MAX + 8];
	char		 ka[TAG_MAX + 8], kb[TAG_MAX + 8], kc[TAG_MAX + 8];
	struct viewer	 v[NV];
	/* Console-wide events over the whole run. */
	uint8_t		 live;
	uint32_t	 reconnects, unreachable, refused, sess_fail;
	uint32_t	 overflows, dropped;
	uint8_t		 torn, td_outcome, td_lies;
	/* Operations. */
	uint8_t		 ops_done;
	int		 power_status, chassis_status;
	uint8_t		 power_on;
	char		 power_text[96], chassis_text[256];
	int		 n, failed;
};

static void
tap(struct check *k, int good, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
tap(struct check *k, int good, const char *fmt, ...)
{
	va_list ap;

	k->n++;
	if (!good)
		k->failed++;
	printf("%sok %d - ", good ? "" : "not ", k->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	/* The shell test acts on our lines while we run. */
	fflush(stdout);
}

static void
diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int
has(const struct viewer *v, const char *s)
{
	return memmem(v->out, v->len, s, strlen(s)) != NULL;
}

/* Offset of s in v's output, or -1. */
static long
where(const struct viewer *v, const char *s)
{
	const uint8_t *p = memmem(v->out, v->len, s, strlen(s));

	return p == NULL ? -1 : (long)(p - v->out);
}

/* The last bytes of v's output, printable, for diagnostics. */
static void
show_tail(const struct viewer *v, char who)
{
	char buf[81];
	size_t i, from, n = 0;

	from = v->len > sizeof(buf) - 1 ? v->len - (sizeof(buf) - 1) : 0;
	for (i = from; i < v->len; i++)
		buf[n++] = v->out[i] >= 0x20 && v->out[i] < 0x7f ?
		    (char)v->out[i] : '.';
	buf[n] = '\0';
	diag("viewer %c has %zu bytes, ending \"%s\"", who, v->len, buf);
}

static struct viewer *
viewer_of(struct check *k, const struct eng_con_event *ev)
{
	if (ev->cookie >= 1 && ev->cookie <= NV)
		return &k->v[ev->cookie - 1];
	return NULL;
}

static void
on_console(void *arg, const struct eng_con_event *ev)
{
	struct check *k = arg;
	struct viewer *v = viewer_of(k, ev);
	size_t n;

	if (ev->bmc != k->bmc)
		return;
	switch (ev->kind) {
	case ENG_CV_OUTPUT:
		if (v == NULL)
			break;
		n = ev->len;
		if (n > OUT_MAX - v->len) {
			n = OUT_MAX - v->len;
			v->trunc = 1;
		}
		memcpy(v->out + v->len, ev->data, n);
		v->len += n;
		v->last_ms = uv_now(k->loop);
		break;
	case ENG_CON_EV_LIVE:
		k->live = 1;
		break;
	case ENG_CON_EV_RECONNECTING:
		k->live = 0;
		k->reconnects++;
		break;
	case ENG_CON_EV_UNREACHABLE:
		k->unreachable++;
		break;
	case ENG_CON_EV_REFUSED:
		k->refused++;
		break;
	case ENG_CV_SESSION:
		k->sess_fail++;
		break;
	case ENG_CON_EV_WRITER:
		if (v != NULL)
			v->writer = 1;
		break;
	case ENG_CON_EV_WRITER_LOST:
		if (v != NULL) {
			v->lost = 1;
			v->lost_to = ev->other;
			v->writer = 0;
		}
		break;
	case ENG_CON_EV_OVERFLOW:
		k->overflows++;
		break;
	case ENG_CON_EV_DROPPED:
		k->dropped++;
		if (v != NULL)
			v->id = -1;
		break;
	case ENG_CON_EV_TEARDOWN:
		/* Only the teardown after everyone left counts. */
		if (k->step != S_TEARDOWN || k->torn)
			break;
		k->torn = 1;
		k->td_outcome = ev->ev.u.teardown.outcome;
		k->td_lies = ev->ev.u.teardown.lies;
		break;
	default:
		break;
	}
}

static void
on_result(void *arg, const struct eng_result *r)
{
	struct check *k = arg;

	if (r->cookie == 1) {
		k->power_status = r->status;
		k->power_on = r->u.chassis.power_on;
		(void)eng_result_format(r, k->power_text,
		    sizeof(k->power_text));
		k->ops_done |= 1;
	} else if (r->cookie == 2) {
		k->chassis_status = r->status;
		(void)eng_result_format(r, k->chassis_text,
		    sizeof(k->chassis_text));
		k->ops_done |= 2;
	}
}

static int64_t
con_call(struct check *k, uint8_t verb, int w, uint8_t rights,
    const char *data)
{
	struct eng_con_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.verb = verb;
	rq.rights = rights;
	rq.bmc = k->bmc;
	rq.viewer = k->v[w].id;
	rq.cookie = (uint64_t)w + 1;
	if (data != NULL) {
		rq.data = data;
		rq.len = strlen(data);
	}
	return eng_console_request(k->e, &rq);
}

static int
viewer_open(struct check *k, int w, uint8_t rights)
{
	int64_t id;

	if ((id = con_call(k, ENG_CON_OPEN, w, rights, NULL)) < 0) {
		diag("open %c: %s", vname[w], vcm_strerror((int)id));
		return -1;
	}
	k->v[w].id = id;
	return 0;
}

static void
submit(struct check *k, uint8_t op, uint64_t cookie)
{
	struct eng_request rq;
	int r;

	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_OP;
	rq.op = op;
	rq.bmc = k->bmc;
	rq.deadline = eng_now(k->e) + OP_MS;
	rq.cookie = cookie;
	if ((r = eng_submit(k->e, &rq)) != 0)
		diag("submit %s: %s", eng_op_name(op), vcm_strerror(r));
}

static void
set_step(struct check *k, enum step s)
{
	k->step = s;
	k->step_ms = uv_now(k->loop);
}

static void
detach_all(struct check *k)
{
	int w;

	for (w = 0; w < NV; w++) {
		if (k->v[w].id < 0)
			continue;
		(void)con_call(k, ENG_CON_DETACH, w, 0, NULL);
		k->v[w].id = -1;
	}
}

/* Ends the run early: the checks not reached are never printed, which
 * the caller's plan counts as failures. */
static void
abandon(struct check *k, const char *why)
{
	int w;

	diag("abandoning the run: %s", why);
	for (w = 0; w < NV; w++)
		if (k->v[w].id >= 0)
			show_tail(&k->v[w], vname[w]);
	k->failed++;
	detach_all(k);
	set_step(k, S_TEARDOWN);
	/* The teardown still runs, but is not reported as a check. */
	k->torn = 1;
}

/* B's stream (backlog + live) must be the tail of A's: the same bytes. */
static int
same_stream(const struct viewer *a, const struct viewer *b)
{
	if (b->len == 0 || b->len > a->len)
		return 0;
	return memcmp(a->out + (a->len - b->len), b->out, b->len) == 0;
}

static void
stop(struct check *k)
{
	set_step(k, S_STOPPING);
	eng_stop(k->e);
	uv_timer_stop(&k->timer);
	uv_close((uv_handle_t *)&k->timer, NULL);
}

static void
tick(uv_timer_t *t)
{
	struct check *k = t->data;
	struct viewer *a = &k->v[VA], *b = &k->v[VB], *c = &k->v[VC];
	struct eng_counters ec;
	uint64_t now = uv_now(k->loop), in = now - k->step_ms;
	int64_t r;
	long o1, o2;
	int st;

	if (now >= k->end_ms && k->step < S_TEARDOWN)
		abandon(k, "overall time limit (-T) reached");
	switch (k->step) {
	case S_LIVE:
		/* No ENG_CON_EV_WRITER is sent when the first viewer with
		 * write rights attaches (eng_console_attach makes it the
		 * writer silently): A's write below is what proves it. */
		if (k->live) {
			tap(k, 1, "console live after %" PRIu64 " ms", in);
			printf("# inject %s\n", k->m1);
			fflush(stdout);
			set_step(k, S_M1);
		} else if (in >= LIVE_MS) {
			tap(k, 0, "console live (refused %u, session "
			    "failures %u)", k->refused, k->sess_fail);
			abandon(k, "console never live");
		}
		break;
	case S_M1:
		if (has(a, k->m1)) {
			tap(k, 1, "A receives live output (%s)", k->m1);
			if (viewer_open(k, VB, 0) != 0) {
				tap(k, 0, "B (read-only) attaches");
				abandon(k, "B could not attach");
				break;
			}
			set_step(k, S_BACKLOG);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "A receives live output (%s)", k->m1);
			abandon(k, "no live output");
		}
		break;
	case S_BACKLOG:
		/* Nothing new was injected since B joined: M1 at B can only
		 * come from the backlog. */
		if (has(b, k->m1)) {
			tap(k, 1, "B (read-only, joined late) first receives "
			    "the backlog with %s (%zu bytes)", k->m1, b->len);
			printf("# inject %s\n", k->m2);
			fflush(stdout);
			set_step(k, S_M2);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "B receives the backlog with %s", k->m1);
			abandon(k, "no backlog");
		}
		break;
	case S_M2:
		if (has(a, k->m2) && has(b, k->m2)) {
			o1 = where(b, k->m1);
			o2 = where(b, k->m2);
			tap(k, o1 >= 0 && o1 < o2, "A and B both receive new "
			    "live output (%s), B in order after the backlog",
			    k->m2);
			set_step(k, S_QUIET);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "A and B both receive %s (A %d, B %d)",
			    k->m2, has(a, k->m2), has(b, k->m2));
			abandon(k, "live output missing");
		}
		break;
	case S_QUIET:
		if ((now - a->last_ms >= QUIET_MS &&
		    now - b->last_ms >= QUIET_MS) || in >= WAIT_MS) {
			st = same_stream(a, b) && !a->trunc && !b->trunc;
			tap(k, st, "B's bytes (backlog + live, %zu) are exactly "
			    "the tail of A's (%zu)", b->len, a->len);
			if (!st) {
				show_tail(a, 'A');
				show_tail(b, 'B');
			}
			/* A read-only viewer may not type. */
			r = con_call(k, ENG_CON_WRITE, VB, 0, k->kb);
			tap(k, r == VCM_ESTATE, "B's write is refused (%s)",
			    r < 0 ? vcm_strerror((int)r) : "accepted!");
			r = con_call(k, ENG_CON_WRITE, VA, 0, k->ka);
			if (r != (int64_t)strlen(k->ka)) {
				tap(k, 0, "A's write is taken (%" PRId64 ")",
				    r);
				abandon(k, "A could not write");
				break;
			}
			set_step(k, S_ECHO_A);
		}
		break;
	case S_ECHO_A:
		/* The host echoes at its login prompt: the keystrokes made
		 * it to the host and back to every viewer. */
		if (has(a, k->ka) && has(b, k->ka)) {
			tap(k, 1, "A's keystrokes reach the host (echo of %s "
			    "at A and B)", k->ka);
			if (viewer_open(k, VC, ENG_CON_V_WRITE) != 0) {
				tap(k, 0, "C (write rights) attaches");
				abandon(k, "C could not attach");
				break;
			}
			r = con_call(k, ENG_CON_TAKE_OVER, VC, 0, NULL);
			if (r != 0) {
				tap(k, 0, "C takes over (%s)",
				    vcm_strerror((int)r));
				abandon(k, "take-over refused");
				break;
			}
			set_step(k, S_TAKE);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "A's keystrokes echoed (A %d, B %d)",
			    has(a, k->ka), has(b, k->ka));
			abandon(k, "no echo");
		}
		break;
	case S_TAKE:
		if (a->lost && c->writer) {
			tap(k, a->lost_to == c->id,
			    "C takes over: A is told WRITER_LOST (to %" PRId64
			    ", C is %" PRId64 "), C is told WRITER",
			    a->lost_to, c->id);
			r = con_call(k, ENG_CON_WRITE, VA, 0, k->ka);
			tap(k, r == VCM_ESTATE, "A's write after the take-over "
			    "is refused (%s)",
			    r < 0 ? vcm_strerror((int)r) : "accepted!");
			r = con_call(k, ENG_CON_WRITE, VC, 0, k->kc);
			if (r != (int64_t)strlen(k->kc)) {
				tap(k, 0, "C's write is taken (%" PRId64 ")",
				    r);
				abandon(k, "C could not write");
				break;
			}
			set_step(k, S_ECHO_C);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "take-over events (A lost %d, C writer %d)",
			    a->lost, c->writer);
			abandon(k, "no take-over events");
		}
		break;
	case S_ECHO_C:
		if (has(a, k->kc) && has(b, k->kc) && has(c, k->kc)) {
			tap(k, 1, "C's keystrokes reach the host (echo of %s "
			    "at A, B and C)", k->kc);
			submit(k, ENG_OP_POWER_STATUS, 1);
			submit(k, ENG_OP_CHASSIS_STATUS, 2);
			set_step(k, S_OPS);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "C's keystrokes echoed (A %d, B %d, C %d)",
			    has(a, k->kc), has(b, k->kc), has(c, k->kc));
			abandon(k, "no echo");
		}
		break;
	case S_OPS:
		if (k->ops_done == 3 || in >= OP_MS + 2000) {
			tap(k, (k->ops_done & 1) && k->power_status == 0,
			    "power status while the console is live: %s",
			    (k->ops_done & 1) ? k->power_text : "no result");
			tap(k, (k->ops_done & 2) && k->chassis_status == 0,
			    "chassis status while the console is live: %s",
			    (k->ops_done & 2) ? k->chassis_text : "no result");
			st = eng_console_state(k->e, k->bmc);
			tap(k, st == ENG_CON_S_LIVE && k->reconnects == 0 &&
			    k->unreachable == 0 && k->overflows == 0 &&
			    k->dropped == 0, "console stayed live throughout "
			    "(state %s, reconnects %u, unreachable %u, "
			    "overflows %u, dropped %u)",
			    eng_console_state_name((unsigned int)st),
			    k->reconnects, k->unreachable, k->overflows,
			    k->dropped);
			eng_counters(k->e, &ec);
			tap(k, ec.sessions_max <= 2, "the engine held at most "
			    "2 sessions to the BMC (max %u, opened %" PRIu64
			    ")", ec.sessions_max, ec.sessions_opened);
			detach_all(k);
			set_step(k, S_TEARDOWN);
		}
		break;
	case S_TEARDOWN:
		if (k->torn || in >= TEARDOWN_MS) {
			/* After abandon() it is no check of its own. */
			if (k->n == NCHECKS - 2)
				tap(k, k->torn &&
				    k->td_outcome == ENG_CON_TD_VERIFIED,
				    "everyone detached: teardown verified "
				    "(outcome %u, lies %u, after %" PRIu64
				    " ms)", k->td_outcome, k->td_lies, in);
			stop(k);
		}
		break;
	case S_STOPPING:
		break;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: vcm-engine-check -a ADDR [-p PORT] [-u USER] "
	    "[-t TAG] [-l LINGER_MS] [-T SECONDS]\n"
	    "       (password in the environment: VCM_CHECK_PASSWORD)\n");
	exit(2);
}

static int
num(const char *s, unsigned long lo, unsigned long hi, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *v < lo || *v > hi ?
	    -1 : 0;
}

/* Tags end up in the host's input and in control commands: keep them
 * to characters that need no escaping anywhere. */
static int
tag_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > TAG_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	static struct check k;
	static char deftag[32];
	struct eng_bmc_config bc;
	struct eng_counters ec;
	struct eng_opts eo;
	struct in_addr ia;
	uv_loop_t loop;
	const char *user = "admin", *addr = NULL, *pass;
	unsigned long port = 623, linger = 500, total = TOTAL_S_DEF;
	int64_t id;
	int ch, r, w;

	while ((ch = getopt(argc, argv, "a:p:u:t:l:T:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			if (num(optarg, 1, 65535, &port) != 0)
				usage();
			break;
		case 'u':
			user = optarg;
			break;
		case 't':
			if (!tag_ok(optarg))
				usage();
			k.tag = optarg;
			break;
		case 'l':
			if (num(optarg, 1, 60000, &linger) != 0)
				usage();
			break;
		case 'T':
			if (num(optarg, 5, 600, &total) != 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || addr == NULL ||
	    inet_pton(AF_INET, addr, &ia) != 1 || strlen(user) == 0 ||
	    strlen(user) > VCM_IPMI_USER_MAX)
		usage();
	if ((ntohl(ia.s_addr) >> 24) != 127) {
		fprintf(stderr, "vcm-engine-check: %s is not in 127.0.0.0/8\n",
		    addr);
		return 2;
	}
	if ((pass = getenv("VCM_CHECK_PASSWORD")) == NULL ||
	    strlen(pass) > VCM_IPMI_KEY_MAX) {
		fprintf(stderr, "vcm-engine-check: set VCM_CHECK_PASSWORD "
		    "(at most %d bytes)\n", VCM_IPMI_KEY_MAX);
		return 2;
	}
	if (k.tag == NULL) {
		(void)snprintf(deftag, sizeof(deftag), "%ld", (long)getpid());
		k.tag = deftag;
	}
	(void)snprintf(k.m1, sizeof(k.m1), "m1-%s", k.tag);
	(void)snprintf(k.m2, sizeof(k.m2), "m2-%s", k.tag);
	(void)snprintf(k.ka, sizeof(k.ka), "a-%s", k.tag);
	(void)snprintf(k.kb, sizeof(k.kb), "b-%s", k.tag);
	/* C's CR ends the login name, so the host moves on visibly. */
	(void)snprintf(k.kc, sizeof(k.kc), "c-%s\r", k.tag);
	for (w = 0; w < NV; w++)
		k.v[w].id = -1;

	printf("1..%d\n", NCHECKS);
	fflush(stdout);
	vcm_log_set_level(VCM_LOG_WARN);
	if (uv_loop_init(&loop) != 0)
		return 1;
	k.loop = &loop;
	memset(&eo, 0, sizeof(eo));
	eo.bind_addr = "127.0.0.1";
	/* Kept warm: the operations should share the BMC's budget with
	 * the console, not open and close sessions around it. */
	eo.idle_ms = 30000;
	eo.console_cb = on_console;
	eo.console_policy = ENG_CONSOLE_TAKE;
	/* Short, so the teardown check does not wait out the default. */
	eo.console_linger_ms = (uint32_t)linger;
	if ((k.e = eng_new(&loop, &eo, on_result, &k, &r)) == NULL) {
		tap(&k, 0, "engine starts: %s", vcm_strerror(r));
		return 1;
	}
	memset(&bc, 0, sizeof(bc));
	bc.addr = ntohl(ia.s_addr);
	bc.port = (uint16_t)port;
	memcpy(bc.user, user, strlen(user));
	memcpy(bc.password, pass, strlen(pass));
	bc.password_len = (uint8_t)strlen(pass);
	id = eng_bmc_add(k.e, &bc);
	/* The engine has its copy; ours goes. */
	memset(&bc, 0, sizeof(bc));
	if (id <= 0) {
		tap(&k, 0, "BMC %s:%lu added: %s", addr, port,
		    vcm_strerror((int)id));
		eng_stop(k.e);
		(void)uv_run(&loop, UV_RUN_DEFAULT);
		eng_free(k.e);
		return 1;
	}
	k.bmc = (uint32_t)id;
	if (viewer_open(&k, VA, ENG_CON_V_WRITE) != 0) {
		tap(&k, 0, "engine up, BMC %s:%lu added, A (write rights) "
		    "attached", addr, port);
		eng_stop(k.e);
		(void)uv_run(&loop, UV_RUN_DEFAULT);
		eng_free(k.e);
		return 1;
	}
	tap(&k, 1, "engine up, BMC %s:%lu added, A (write rights) attached",
	    addr, port);

	uv_timer_init(&loop, &k.timer);
	k.timer.data = &k;
	set_step(&k, S_LIVE);
	k.end_ms = uv_now(&loop) + total * 1000;
	uv_timer_start(&k.timer, tick, TICK_MS, TICK_MS);
	/* eng_stop() is bounded (VCM_ENG_CLOSE_MS): uv_run() returns. */
	(void)uv_run(&loop, UV_RUN_DEFAULT);
	eng_counters(k.e, &ec);
	eng_free(k.e);
	(void)uv_loop_close(&loop);
	if (k.n == NCHECKS - 1)
		tap(&k, ec.sessions_now == 0 && ec.close_unconfirmed == 0,
		    "engine stopped: sessions closed (now %u, opened %" PRIu64
		    ", closed %" PRIu64 ", close unconfirmed %" PRIu64 ")",
		    ec.sessions_now, ec.sessions_opened, ec.sessions_closed,
		    ec.close_unconfirmed);
	return k.failed == 0 && k.n == NCHECKS ? 0 : 1;
}
