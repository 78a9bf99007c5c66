/*
 * Concurrent consoles (issue 5, bench (b)): one engine, N BMCs of a
 * bmcsim fleet whose hosts print stamp lines (docs/bmcsim.md, "Stamp
 * lines"), one console per BMC with one in-process viewer attached
 * through the engine's viewer interface (eng_console_request, console_cb
 * events). Once every console is live and a short settle has passed, it
 * measures for D seconds:
 *	- this process's CPU (getrusage) and RSS growth (VmRSS now minus
 *	  VmRSS before the first console opened), per console;
 *	- the added latency of every stamp line received in the window:
 *	  receive time (CLOCK_MONOTONIC, taken when the output event comes)
 *	  minus the stamp bmcsim wrote when it built the SOL packet;
 *	- lines received against lines the hosts' rate allows;
 *	- optionally bmcsim's CPU over the same window (-P, /proc/PID/stat),
 *	  so the window is exactly the same for both processes.
 * Then it detaches every viewer and counts the teardowns the engine
 * reports verified. One result line on stdout; progress on stderr.
 *
 * Bounded: every phase has a deadline, latencies go into a fixed
 * histogram (1 µs buckets up to LAT_BUCKETS µs, then one overflow
 * bucket and the maximum), per-console state is a fixed struct.
 *
 * Usage: bench_consoles -n N -a FIRST_ADDR -d SECONDS [-r BYTES_PER_S]
 *	      [-u USER] [-p PASSWORD] [-P BMCSIM_PID] [-s SETTLE_S]
 * The BMCs are FIRST_ADDR + 0 .. N-1 (consecutive, as bmcsim serves a
 * group). -r is the hosts' output rate, for the expected line count.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "engine/engine.h"

#define N_MAX		VCM_ENG_BMCS_MAX
#define SECS_MAX	600
/* Latency histogram: 1 µs buckets up to 200 ms, then one more. */
#define LAT_BUCKETS	200000
/* A stamp line: "t=" + 19 digits + "\r\n" (docs/bmcsim.md). */
#define STAMP_DIGITS	19
#define STAMP_LINE_LEN	(2 + STAMP_DIGITS + 2)
#define LINE_MAX_KEEP	32
/* Consoles opened per tick: spreads the handshakes a little. */
#define OPEN_BATCH	250
#define TICK_MS		20
/* Deadlines of the phases around the window. */
#define LIVE_WAIT_MS	120000
#define TEARDOWN_WAIT_MS 60000

enum phase {
	PH_OPENING = 1,	/* opening consoles, waiting for all live */
	PH_SETTLE,	/* all live (or deadline): let queues settle */
	PH_MEASURE,	/* the window */
	PH_TEARDOWN,	/* viewers detached: waiting for teardowns */
	PH_STOPPING	/* eng_stop() called */
};

struct con {
	uint32_t	 bmc;
	int64_t		 viewer;	/* -1: not attached */
	uint8_t		 live;
	uint8_t		 torn;		/* teardown event seen */
	uint8_t		 skip;		/* discard to the next '\n' */
	uint8_t		 len;
	char		 line[LINE_MAX_KEEP];
};

struct bench {
	uv_loop_t	*loop;
	struct eng	*e;
	uv_timer_t	 timer;
	enum phase	 phase;
	uint64_t	 phase_ms;	/* when the phase began (loop clock) */
	uint32_t	 n, opened, live, live_max;
	uint32_t	 secs, settle_secs, rate;
	int		 sim_pid;
	struct con	*c;
	uint32_t	*by_bmc;	/* bmc id -> index + 1 */
	uint32_t	 max_bmc;
	/* window */
	int		 in_window;
	uint64_t	 win_start_ns, win_end_ns;
	struct rusage	 ru0, ru1;
	long		 rss_base_kib, rss_end_kib;
	uint64_t	 sim_ticks0, sim_ticks1;
	uint32_t	*hist;
	uint64_t	 over, lat_max_ns, lines, bad, early;
	uint64_t	 bytes;
	/* counted over the whole run */
	uint64_t	 reconnects, unreachable, overflows, dropped, refused;
	uint64_t	 sess_fail;
	uint32_t	 td_verified, td_other, torn;
	int		 failed;
};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* VmRSS of this process in KiB, -1 if unreadable. */
static long
rss_kib(void)
{
	char buf[4096], *p, *end;
	ssize_t n;
	long v;
	int fd;

	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nVmRSS:")) == NULL)
		return -1;
	p += 7;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno != 0 || end == p)
		return -1;
	return v;
}

/* utime + stime of a process in clock ticks (fields 14, 15). */
static uint64_t
proc_ticks(int pid)
{
	char path[64], buf[1024], *p, *end;
	unsigned long long ut, st;
	ssize_t n;
	int fd, field;

	if (pid <= 0)
		return 0;
	(void)snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces: count from its ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	p++;
	for (field = 3; field < 14 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL)
		return 0;
	ut = strtoull(p + 1, &end, 10);
	st = strtoull(end, NULL, 10);
	return ut + st;
}

static double
tv_sec(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static struct con *
con_of_bmc(struct bench *b, uint32_t bmc)
{
	if (bmc == 0 || bmc > b->max_bmc || b->by_bmc[bmc] == 0)
		return NULL;
	return &b->c[b->by_bmc[bmc] - 1];
}

/* One complete line of a console: a stamp, measured when in the window. */
static void
line_done(struct bench *b, struct con *c, uint64_t rx_ns)
{
	uint64_t stamp = 0, lat;
	int i;

	if (!b->in_window)
		return;
	if (c->len != STAMP_LINE_LEN - 1 || c->line[0] != 't' ||
	    c->line[1] != '=' || c->line[STAMP_LINE_LEN - 2] != '\r') {
		b->bad++;
		return;
	}
	for (i = 0; i < STAMP_DIGITS; i++) {
		if (c->line[2 + i] < '0' || c->line[2 + i] > '9') {
			b->bad++;
			return;
		}
		stamp = stamp * 10 + (uint64_t)(c->line[2 + i] - '0');
	}
	if (stamp > rx_ns) {
		b->early++;	/* clocks disagree: must never happen */
		return;
	}
	lat = rx_ns - stamp;
	b->lines++;
	if (lat > b->lat_max_ns)
		b->lat_max_ns = lat;
	if (lat / 1000 < LAT_BUCKETS)
		b->hist[lat / 1000]++;
	else
		b->over++;
}

/*
 * Output bytes of one viewer. Lines may be split over events: the
 * partial line waits in the console's buffer for its end.
 */
static void
output(struct bench *b, struct con *c, const uint8_t *p, size_t n)
{
	uint64_t rx_ns = mono_ns();
	size_t i;

	if (b->in_window)
		b->bytes += n;
	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if (!c->skip)
				line_done(b, c, rx_ns);
			else if (b->in_window)
				b->bad++;
			c->len = 0;
			c->skip = 0;
		} else if (c->skip) {
			continue;
		} else if (c->len < sizeof(c->line)) {
			c->line[c->len++] = (char)p[i];
		} else
			c->skip = 1;	/* not a stamp line */
	}
}

static void
on_console(void *arg, const struct eng_con_event *ev)
{
	struct bench *b = arg;
	struct con *c;

	if (ev->cookie != 0 && ev->cookie <= b->n)
		c = &b->c[ev->cookie - 1];
	else
		c = con_of_bmc(b, ev->bmc);
	if (c == NULL)
		return;
	switch (ev->kind) {
	case ENG_CV_OUTPUT:
		output(b, c, ev->data, ev->len);
		break;
	case ENG_CON_EV_LIVE:
		if (!c->live) {
			c->live = 1;
			b->live++;
		}
		break;
	case ENG_CON_EV_RECONNECTING:
		b->reconnects++;
		if (c->live) {
			c->live = 0;
			b->live--;
		}
		c->len = 0;
		c->skip = 1;	/* what follows may start mid-line */
		break;
	case ENG_CON_EV_UNREACHABLE:
		b->unreachable++;
		break;
	case ENG_CON_EV_OVERFLOW:
		b->overflows++;
		c->len = 0;
		c->skip = 1;
		break;
	case ENG_CON_EV_DROPPED:
		b->dropped++;
		c->viewer = -1;
		break;
	case ENG_CON_EV_REFUSED:
		b->refused++;
		break;
	case ENG_CV_SESSION:
		b->sess_fail++;
		break;
	case ENG_CON_EV_TEARDOWN:
		/* Only the teardown we asked for counts. */
		if (b->phase < PH_TEARDOWN || c->torn)
			break;
		c->torn = 1;
		b->torn++;
		if (ev->ev.u.teardown.outcome == ENG_CON_TD_VERIFIED)
			b->td_verified++;
		else
			b->td_other++;
		break;
	default:
		break;
	}
}

static void
on_result(void *arg, const struct eng_result *r)
{
	(void)arg;
	(void)r;
}

static void
set_phase(struct bench *b, enum phase ph)
{
	b->phase = ph;
	b->phase_ms = uv_now(b->loop);
}

static void
open_some(struct bench *b)
{
	struct eng_con_request rq;
	uint32_t k;
	int64_t v;

	for (k = 0; k < OPEN_BATCH && b->opened < b->n; k++, b->opened++) {
		memset(&rq, 0, sizeof(rq));
		rq.type = ENG_MSG_CONSOLE;
		rq.verb = ENG_CON_OPEN;
		rq.rights = 0;		/* a read-only viewer */
		rq.bmc = b->c[b->opened].bmc;
		rq.cookie = (uint64_t)b->opened + 1;
		if ((v = eng_console_request(b->e, &rq)) < 0) {
			fprintf(stderr, "bench_consoles: open %u: %s\n",
			    b->opened, vcm_strerror((int)v));
			b->failed = 1;
			continue;
		}
		b->c[b->opened].viewer = v;
	}
}

static void
window_begin(struct bench *b)
{
	getrusage(RUSAGE_SELF, &b->ru0);
	b->sim_ticks0 = proc_ticks(b->sim_pid);
	b->win_start_ns = mono_ns();
	b->in_window = 1;
	b->live_max = b->live;
}

static void
window_end(struct bench *b)
{
	b->in_window = 0;
	b->win_end_ns = mono_ns();
	b->sim_ticks1 = proc_ticks(b->sim_pid);
	getrusage(RUSAGE_SELF, &b->ru1);
	b->rss_end_kib = rss_kib();
}

static void
detach_all(struct bench *b)
{
	struct eng_con_request rq;
	uint32_t i;

	for (i = 0; i < b->n; i++) {
		if (b->c[i].viewer < 0)
			continue;
		memset(&rq, 0, sizeof(rq));
		rq.type = ENG_MSG_CONSOLE;
		rq.verb = ENG_CON_DETACH;
		rq.viewer = b->c[i].viewer;
		(void)eng_console_request(b->e, &rq);
		b->c[i].viewer = -1;
	}
}

static void
tick(uv_timer_t *t)
{
	struct bench *b = t->data;
	uint64_t now = uv_now(b->loop), in = now - b->phase_ms;

	switch (b->phase) {
	case PH_OPENING:
		if (b->opened < b->n) {
			open_some(b);
			return;
		}
		if (b->live == b->n || in >= LIVE_WAIT_MS) {
			fprintf(stderr, "bench_consoles: %u of %u live after "
			    "%.1f s\n", b->live, b->n, (double)in / 1000);
			set_phase(b, PH_SETTLE);
		}
		break;
	case PH_SETTLE:
		if (in >= (uint64_t)b->settle_secs * 1000) {
			window_begin(b);
			set_phase(b, PH_MEASURE);
		}
		break;
	case PH_MEASURE:
		if (in >= (uint64_t)b->secs * 1000) {
			window_end(b);
			detach_all(b);
			set_phase(b, PH_TEARDOWN);
		}
		break;
	case PH_TEARDOWN:
		if (b->torn == b->opened || in >= TEARDOWN_WAIT_MS) {
			/* eng_stop() is bounded (VCM_ENG_CLOSE_MS); once
			 * its handles close, uv_run() returns. */
			set_phase(b, PH_STOPPING);
			eng_stop(b->e);
			uv_timer_stop(t);
			uv_close((uv_handle_t *)t, NULL);
		}
		break;
	case PH_STOPPING:
		break;
	}
}

/* The latency (µs) below which a fraction q of the samples lie. */
static double
pct_us(const struct bench *b, double q)
{
	uint64_t total = b->lines, want, seen = 0;
	uint32_t i;

	if (total == 0)
		return -1;
	want = (uint64_t)(q * (double)total);
	if (want >= total)
		want = total - 1;
	for (i = 0; i < LAT_BUCKETS; i++) {
		seen += b->hist[i];
		if (seen > want)
			return (double)i + 0.5;
	}
	return (double)b->lat_max_ns / 1000;	/* in the overflow bucket */
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

static void
usage(void)
{
	fprintf(stderr, "usage: bench_consoles -n N -a FIRST_ADDR -d SECONDS "
	    "[-r BYTES_PER_S] [-u USER] [-p PASSWORD] [-P BMCSIM_PID] "
	    "[-s SETTLE_S]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct bench b;
	struct eng_bmc_config bc;
	struct eng_opts eo;
	struct in_addr ia;
	uv_loop_t loop;
	const char *user = "admin", *pass = "secret", *addr = NULL;
	unsigned long v;
	uint32_t i, first;
	int64_t id;
	double wall, cpu, sim_cpu, expected;
	long hz;
	int ch, r;

	b.n = 0;
	b.secs = 10;
	b.settle_secs = 2;
	b.rate = 200;
	while ((ch = getopt(argc, argv, "n:a:d:r:u:p:P:s:")) != -1) {
		switch (ch) {
		case 'n':
			if (num(optarg, 1, N_MAX, &v) != 0)
				usage();
			b.n = (uint32_t)v;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'd':
			if (num(optarg, 1, SECS_MAX, &v) != 0)
				usage();
			b.secs = (uint32_t)v;
			break;
		case 'r':
			if (num(optarg, 1, 1000000, &v) != 0)
				usage();
			b.rate = (uint32_t)v;
			break;
		case 's':
			if (num(optarg, 0, SECS_MAX, &v) != 0)
				usage();
			b.settle_secs = (uint32_t)v;
			break;
		case 'u':
			user = optarg;
			break;
		case 'p':
			pass = optarg;
			break;
		case 'P':
			if (num(optarg, 1, 1u << 30, &v) != 0)
				usage();
			b.sim_pid = (int)v;
			break;
		default:
			usage();
		}
	}
	if (b.n == 0 || addr == NULL || inet_pton(AF_INET, addr, &ia) != 1 ||
	    strlen(user) == 0 || strlen(user) > VCM_IPMI_USER_MAX ||
	    strlen(pass) > VCM_IPMI_KEY_MAX)
		usage();
	first = ntohl(ia.s_addr);
	/* Traffic only to loopback, and the range must not wrap out. */
	if ((first >> 24) != 127 || ((first + b.n - 1) >> 24) != 127) {
		fprintf(stderr, "bench_consoles: addresses must stay in "
		    "127.0.0.0/8\n");
		return 2;
	}
	b.c = calloc(b.n, sizeof(*b.c));
	b.hist = calloc(LAT_BUCKETS, sizeof(*b.hist));
	if (b.c == NULL || b.hist == NULL) {
		fprintf(stderr, "bench_consoles: out of memory\n");
		return 1;
	}
	vcm_log_set_level(VCM_LOG_ERROR);
	uv_loop_init(&loop);
	b.loop = &loop;
	memset(&eo, 0, sizeof(eo));
	eo.bind_addr = "127.0.0.1";
	eo.idle_ms = 0;
	eo.console_cb = on_console;
	eo.console_policy = ENG_CONSOLE_TAKE;
	/* The teardown phase should not wait out the page-reload linger. */
	eo.console_linger_ms = 1;
	if ((b.e = eng_new(&loop, &eo, on_result, &b, &r)) == NULL) {
		fprintf(stderr, "bench_consoles: engine: %s\n",
		    vcm_strerror(r));
		return 1;
	}
	memset(&bc, 0, sizeof(bc));
	memcpy(bc.user, user, strlen(user));
	memcpy(bc.password, pass, strlen(pass));
	bc.password_len = (uint8_t)strlen(pass);
	for (i = 0; i < b.n; i++) {
		bc.addr = first + i;
		if ((id = eng_bmc_add(b.e, &bc)) <= 0) {
			fprintf(stderr, "bench_consoles: bmc %u: %s\n", i,
			    vcm_strerror((int)id));
			return 1;
		}
		b.c[i].bmc = (uint32_t)id;
		b.c[i].viewer = -1;
		if ((uint32_t)id > b.max_bmc)
			b.max_bmc = (uint32_t)id;
	}
	if ((b.by_bmc = calloc((size_t)b.max_bmc + 1,
	    sizeof(*b.by_bmc))) == NULL)
		return 1;
	for (i = 0; i < b.n; i++)
		b.by_bmc[b.c[i].bmc] = i + 1;
	/* Touch the histogram now so its pages are in the base RSS. */
	memset(b.hist, 0, LAT_BUCKETS * sizeof(*b.hist));
	b.rss_base_kib = rss_kib();

	uv_timer_init(&loop, &b.timer);
	b.timer.data = &b;
	set_phase(&b, PH_OPENING);
	uv_timer_start(&b.timer, tick, TICK_MS, TICK_MS);
	(void)uv_run(&loop, UV_RUN_DEFAULT);
	eng_free(b.e);
	(void)uv_loop_close(&loop);

	wall = (double)(b.win_end_ns - b.win_start_ns) / 1e9;
	cpu = tv_sec(&b.ru1.ru_utime) - tv_sec(&b.ru0.ru_utime) +
	    tv_sec(&b.ru1.ru_stime) - tv_sec(&b.ru0.ru_stime);
	hz = sysconf(_SC_CLK_TCK);
	sim_cpu = b.sim_pid > 0 && hz > 0 && wall > 0 ?
	    (double)(b.sim_ticks1 - b.sim_ticks0) / (double)hz / wall * 100 :
	    -1;
	/* Lines the hosts may print in the window: rate / line length. */
	expected = (double)b.live_max * wall * b.rate / STAMP_LINE_LEN;
	printf("consoles n=%u live=%u/%u secs=%.2f cpu_pct=%.1f "
	    "cpu_us_per_console_s=%.1f rss_base_kib=%ld rss_kib=%ld "
	    "rss_per_console_kib=%.2f lines=%" PRIu64 " expected=%.0f "
	    "bad=%" PRIu64 " early=%" PRIu64 " bytes=%" PRIu64
	    " lat_p50_us=%.1f lat_p99_us=%.1f lat_max_us=%.1f "
	    "lat_over_200ms=%" PRIu64 " reconnects=%" PRIu64
	    " unreachable=%" PRIu64 " overflows=%" PRIu64
	    " dropped=%" PRIu64 " session_failures=%" PRIu64
	    " teardown_verified=%u/%u teardown_other=%u bmcsim_cpu_pct=%.1f\n",
	    b.n, b.live_max, b.n, wall, wall > 0 ? cpu / wall * 100 : 0,
	    wall > 0 ? cpu / wall * 1e6 / b.n : 0, b.rss_base_kib,
	    b.rss_end_kib, (double)(b.rss_end_kib - b.rss_base_kib) / b.n,
	    b.lines, expected, b.bad, b.early, b.bytes, pct_us(&b, 0.50),
	    pct_us(&b, 0.99), (double)b.lat_max_ns / 1000, b.over,
	    b.reconnects, b.unreachable, b.overflows, b.dropped, b.sess_fail,
	    b.td_verified, b.opened, b.td_other, sim_cpu);
	free(b.by_bmc);
	free(b.hist);
	free(b.c);
	return b.failed || b.live_max < b.n || b.td_verified < b.opened ? 1 : 0;
}
