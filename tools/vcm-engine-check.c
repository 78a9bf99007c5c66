/*
 * vcm-engine-check: consoles of issue 5 proved through the real engine,
 * in one process, against one BMC (bmcsim in the tests). Three modes:
 *
 * fanout (default): three viewers on one shared SOL, the backlog
 * replayed to a viewer who joins late, the same live bytes to everyone,
 * one writer at a time with an explicit take-over, power and chassis
 * operations on the same BMC while the console is live, and a verified
 * teardown when everyone has left.
 *
 * flood (-m flood, needs -s): the host prints numbered flood lines, then
 * time-stamped lines, as fast as its output rate allows; viewer A reads
 * everything, viewer B stalls (stops reading). A must get every byte in
 * order without a gap and with a bounded latency, B must be told it
 * overflowed (skipped ahead) and then dropped, the BMC must never wait
 * (no overrun of its queue, no retransmit) and the engine's heap must
 * stay bounded.
 *
 * flow (-m flow, needs -s): SOL flow control from the BMC. Keystrokes
 * typed while the BMC NACKs every console packet (for longer than the
 * engine's retransmit budget) are held and arrive once, in order, when
 * it accepts again; keystrokes typed while the BMC says "character
 * transfer unavailable" (CTS deasserted) are not sent until it is
 * available again; the console never gives up or reconnects.
 *
 * ctslost (-m ctslost, needs -s): keystrokes held while CTS is
 * deasserted must still go out soon after it is asserted again when the
 * BMC's one packet saying so is lost (bmcsim drops every reply for a
 * moment around the window's end): the console must not wait for ever
 * for the next packet from the BMC.
 *
 * Usage: vcm-engine-check -a ADDR [-p PORT] [-u USER] [-t TAG]
 *	      [-l LINGER_MS] [-T SECONDS] [-m fanout|flood|flow|ctslost]
 *	      [-s BMCSIM_CONTROL_SOCKET]
 * The password comes from the environment (VCM_CHECK_PASSWORD), never
 * from argv, where every user of the machine could read it. ADDR must be
 * in 127.0.0.0/8: this program types into a host's console, which must
 * never be a real machine by accident.
 *
 * In the flood and flow modes the program drives bmcsim itself through
 * its control socket (-s): output rate and flood, sol-nack / sol-cts
 * windows, inject, and the `sol` counters it checks against. Each
 * command is one short blocking exchange on a local socket (bounded by
 * CTL_IO_MS), which the engine's timers tolerate.
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
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

/* Live heap bytes: the sanitizer's count under ASan, else glibc's. */
#if defined(__SANITIZE_ADDRESS__)
#define CHECK_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECK_ASAN	1
#endif
#endif
#ifdef CHECK_ASAN
/* From the ASan runtime (sanitizer/allocator_interface.h, which gcc's
 * packages do not always ship). */
size_t	__sanitizer_get_current_allocated_bytes(void);
#else
#include <malloc.h>
#endif

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "engine/engine.h"

/* Checks of each mode (the shell tests plan the same numbers). */
#define NCHECKS		17
#define NCHECKS_FLOOD	11
#define NCHECKS_FLOW	10
#define NCHECKS_CTSLOST	7
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

/* One control exchange with bmcsim: connect, line, reply. */
#define CTL_IO_MS	3000
#define CTL_REPLY_MAX	4096

/*
 * flood: the host's output rate (bytes/s) and how long each kind of line
 * runs. 30,000 bytes/s fills a viewer queue (VCM_CONSOLE_VIEWER_QUEUE_
 * BYTES) in about half a second, so a stalled viewer overflows twice
 * within the flood; bmcsim sends at most 400 bytes per 10 ms tick.
 */
#define FLOOD_BPS	30000
#define FLOOD_MS	4000
#define STAMP_MS	2000
/* A healthy viewer: never silent this long during the flood, and no
 * stamp line older than this when it arrives. */
#define LATENCY_MS	500
/* Heap growth allowed over the run: the stalled viewer's queue, the
 * backlog and the engine's buffers are far less. */
#define HEAP_SLACK	(256 * 1024)
/* Flood line number width in bmcsim's host (tools/bmcsim/host.c). */
#define FLOOD_DIGITS	8
#define STAMP_DIGITS	19
#define LINE_MAX_CHECK	160

/*
 * flow: a NACK window longer than the console's whole retransmit budget
 * (VCM_CONSOLE_SOL_RETRIES resends VCM_CONSOLE_SOL_RETRY_MS apart): a
 * console that spent its budget on NACKs would give up and reconnect.
 * Then a shorter CTS window. Keystrokes must arrive within FLOW_LATE_MS
 * of the window's end (one retransmit interval plus slack), and not
 * before it (FLOW_EARLY_MS of clock slack between the two processes).
 */
#define NACK_MS		((VCM_CONSOLE_SOL_RETRIES + 4) * VCM_CONSOLE_SOL_RETRY_MS)
#define CTS_MS		2000
#define FLOW_LATE_MS	1500
#define FLOW_EARLY_MS	250
#define KEY_GAP_MS	300
/*
 * ctslost: every reply dropped from LOSS_MARGIN_MS before the CTS
 * window's end to as long after it (bmcsim's 10 ms ticks announce the
 * end within it), then the keystrokes must be out within CTS_LOST_MS of
 * the end: several of the console's SOL retransmit intervals.
 */
#define LOSS_MARGIN_MS	300
#define CTS_LOST_MS	3000

enum { VA = 0, VB, VC, NV };
static const char vname[NV] = { 'A', 'B', 'C' };

enum mode { M_FANOUT = 0, M_FLOOD, M_FLOW, M_CTSLOST };

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
	S_STOPPING,	/* eng_stop() called */
	/* flood */
	S_FL_LIVE,	/* A and B open, waiting for LIVE */
	S_FL_FLOOD,	/* numbered flood lines running, B stalled */
	S_FL_STAMP,	/* time-stamped lines running */
	S_FL_SETTLE,	/* back to the prompt, waiting for quiet */
	/* flow */
	S_FW_LIVE,	/* A open, waiting for LIVE */
	S_FW_NACK,	/* NACK window: typing, waiting for the echo */
	S_FW_CLEAR1,	/* Ctrl-C, waiting for the login prompt */
	S_FW_CTS_MARK,	/* CTS window set, waiting for the marker */
	S_FW_CTS,	/* CTS window: typed, waiting for the echo */
	S_FW_CLEAR2,	/* Ctrl-C, waiting for the login prompt */
	/* ctslost */
	S_CL_LIVE,	/* A open, waiting for LIVE */
	S_CL_MARK,	/* CTS window set, waiting for the marker */
	S_CL_HELD,	/* typed; the announcement of the end is lost */
	S_CL_WAKE	/* never sent: host output, to show what wakes it */
};

/* The flood and stamp lines of one viewer's stream, parsed as they come. */
struct lines {
	char		 buf[LINE_MAX_CHECK];
	size_t		 n;
	uint8_t		 overlong;
	uint8_t		 in_flood;	/* a flood line was seen */
	uint8_t		 flood_done;	/* a cut line ended the flood */
	uint8_t		 stamp_done;	/* a non-stamp line ended stamps */
	uint32_t	 next;		/* next flood number expected */
	char		 host[32];	/* "server-N" of the flood lines */
	uint64_t	 flood_lines, stamp_lines;
	uint32_t	 errors;	/* gaps, reorders, damaged lines */
	char		 first_err[200];
	uint64_t	 lat_max_ns, lat_sum_ns;
};

struct viewer {
	int64_t		 id;		/* -1: not attached */
	uint8_t		 writer;	/* ENG_CON_EV_WRITER seen */
	uint8_t		 lost;		/* ENG_CON_EV_WRITER_LOST seen */
	int64_t		 lost_to;
	uint8_t		 trunc;		/* output beyond OUT_MAX */
	size_t		 len;
	uint64_t	 last_ms;	/* last output */
	uint64_t	 total;		/* bytes received, all of them */
	uint64_t	 gap_max_ms;	/* longest silence while flooding */
	uint32_t	 overflows, skipped;	/* ENG_CON_EV_OVERFLOW */
	uint8_t		 dropped;	/* ENG_CON_EV_DROPPED */
	uint8_t		 dropped_after_overflow;
	uint8_t		 stalled;	/* flood: not reading (paused) */
	struct lines	 ln;
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
	enum mode	 mode;
	int		 nchecks;
	const char	*addr;		/* ADDR as given, for bmcsim commands */
	const char	*sock;		/* bmcsim's control socket, or NULL */
	char		 m1[TAG_MAX + 8], m2[TAG_MAX + 8];
	char		 ka[TAG_MAX + 8], kb[TAG_MAX + 8], kc[TAG_MAX + 8];
	struct viewer	 v[NV];
	/* Console-wide events over the whole run. */
	uint8_t		 live;
	uint32_t	 reconnects, unreachable, refused, sess_fail;
	uint32_t	 overflows, dropped;
	uint32_t	 other_events;	/* kinds this program does not know */
	uint8_t		 torn, td_outcome, td_lies;
	/* flood */
	int		 stall_rc;	/* 0, or why B could not stall */
	/* bmcsim's counters before we came (a SOL of an earlier client) */
	int64_t		 tx0, over0, res0;
	size_t		 heap0, heap_max;
	uint8_t		 flooding;	/* gaps at A count */
	/* flow */
	char		 kn[3][TAG_MAX + 8], kcts[TAG_MAX + 8];
	char		 nack_echo[3 * (TAG_MAX + 8)], cts_mark[TAG_MAX + 8];
	uint64_t	 t_win, t_echo;
	uint32_t	 nacks0, ctsdata0;
	size_t		 mark;		/* A's output offset of a phase */
	uint8_t		 typed;		/* NACK keystrokes written so far */
	uint8_t		 loss;		/* ctslost: 0 before, 1 on, 2 over */
	char		 wake[TAG_MAX + 8];
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

/* Occurrences of s in v's output from offset from on. */
static unsigned int
count_from(const struct viewer *v, size_t from, const char *s)
{
	const uint8_t *p, *end = v->out + v->len;
	size_t n = strlen(s);
	unsigned int c = 0;

	if (from > v->len || n == 0)
		return 0;
	for (p = v->out + from; p < end &&
	    (p = memmem(p, (size_t)(end - p), s, n)) != NULL; p += n)
		c++;
	return c;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t
heap_now(void)
{
#ifdef CHECK_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks;
#endif
}

/* ---- flood and stamp lines (the host's formats, tools/bmcsim/host.c) --- */

static const char flood_tail[] =
    " ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\r";

static int
digits(const char *p, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		*v = *v * 10 + (uint64_t)(p[i] - '0');
	}
	return 1;
}

/* "server-N flood NNNNNNNN ABC...789\r": its number; the host part's
 * length in *hl. */
static int
flood_parse(const char *l, size_t n, uint32_t *num, size_t *hl)
{
	const char *p = memmem(l, n, " flood ", 7);
	size_t off;
	uint64_t v;

	if (p == NULL || n < 8 || memcmp(l, "server-", 7) != 0 ||
	    p == l + 7 || !digits(l + 7, (size_t)(p - l) - 7, &v))
		return 0;
	off = (size_t)(p - l) + 7;
	if (n != off + FLOOD_DIGITS + sizeof(flood_tail) - 1 ||
	    !digits(l + off, FLOOD_DIGITS, &v) ||
	    memcmp(l + off + FLOOD_DIGITS, flood_tail,
	    sizeof(flood_tail) - 1) != 0)
		return 0;
	*num = (uint32_t)v;
	*hl = (size_t)(p - l);
	return 1;
}

/* "t=NNNNNNNNNNNNNNNNNNN\r": its stamp (CLOCK_MONOTONIC ns). */
static int
stamp_line(const char *l, size_t n, uint64_t *st)
{
	return n == 2 + STAMP_DIGITS + 1 && l[0] == 't' && l[1] == '=' &&
	    l[n - 1] == '\r' && digits(l + 2, STAMP_DIGITS, st);
}

/* A stamp line arrived at now_ns: its age is the latency. */
static void
stamp_seen(struct lines *ln, uint64_t st, uint64_t now_ns)
{
	ln->stamp_lines++;
	if (now_ns > st) {
		ln->lat_sum_ns += now_ns - st;
		if (now_ns - st > ln->lat_max_ns)
			ln->lat_max_ns = now_ns - st;
	}
}

static void
line_err(struct lines *ln, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
line_err(struct lines *ln, const char *fmt, ...)
{
	va_list ap;

	if (ln->errors++ > 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(ln->first_err, sizeof(ln->first_err), fmt, ap);
	va_end(ap);
}

/*
 * One complete line (its \n removed). Before the flood: anything (the
 * login prompt). Then flood lines numbered from 0 without a gap, until
 * the switch to stamp lines cuts one (it must be the start of the line
 * expected next); then stamp lines, whose age is the latency, until a
 * line of another kind (the cut last one and the prompt) ends them.
 */
static void
line_done(struct lines *ln, const char *l, size_t n, uint64_t now_ns)
{
	char want[LINE_MAX_CHECK];
	const char *p;
	uint64_t st;
	uint32_t num;
	size_t hl;
	int wl;

	if (ln->overlong) {
		ln->overlong = 0;
		if (ln->in_flood && !ln->stamp_done)
			line_err(ln, "a line longer than %d bytes after flood "
			    "line %u", LINE_MAX_CHECK, ln->next);
		return;
	}
	if (!ln->in_flood) {
		/* The host may start its flood on a line that holds a
		 * prompt: the first flood line is the end of a line. */
		for (p = l + n; p > l && !flood_parse(p, n - (size_t)(p - l),
		    &num, &hl); p--)
			;
		if (!flood_parse(p, n - (size_t)(p - l), &num, &hl))
			return;
		l = p;
		ln->in_flood = 1;
		(void)snprintf(ln->host, sizeof(ln->host), "%.*s",
		    (int)hl, l);
		if (num != 0)
			line_err(ln, "the flood starts at line %u, not 0", num);
		ln->next = num + 1;
		ln->flood_lines++;
		return;
	}
	if (!ln->flood_done) {
		if (flood_parse(l, n, &num, &hl)) {
			if (num != ln->next)
				line_err(ln, "flood line %u after line %u%s",
				    num, ln->next - 1, num < ln->next ?
				    " (repeated or out of order)" :
				    " (lines missing)");
			ln->next = num + 1;
			ln->flood_lines++;
			return;
		}
		/* The flood was cut here: this line is the beginning of
		 * the one expected next (or empty), then the CR. A cut just
		 * before a line's own CR LF made a whole line of it: then
		 * this is already the first stamp line. */
		ln->flood_done = 1;
		if (stamp_line(l, n, &st)) {
			stamp_seen(ln, st, now_ns);
			return;
		}
		wl = snprintf(want, sizeof(want), "%s flood %0*u%s",
		    ln->host, FLOOD_DIGITS, ln->next, flood_tail);
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (wl < 1 || n > (size_t)wl || memcmp(l, want, n) != 0)
			line_err(ln, "damaged line where the flood was cut "
			    "(%zu bytes \"%.*s\", line %u expected)", n,
			    (int)(n < 100 ? n : 100), l, ln->next);
		return;
	}
	if (ln->stamp_done)
		return;
	if (stamp_line(l, n, &st)) {
		stamp_seen(ln, st, now_ns);
		return;
	}
	if (ln->stamp_lines == 0 && n <= 1)
		return;		/* the "\r\n" before the first stamp line */
	ln->stamp_done = 1;
	if (ln->stamp_lines == 0)
		line_err(ln, "no stamp line after the flood (%zu bytes)", n);
}

static void
lines_feed(struct lines *ln, const uint8_t *p, size_t n, uint64_t now_ns)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			line_done(ln, ln->buf, ln->n, now_ns);
			ln->n = 0;
			continue;
		}
		if (ln->n >= sizeof(ln->buf)) {
			ln->overlong = 1;
			continue;
		}
		ln->buf[ln->n++] = (char)p[i];
	}
}

/* ---- bmcsim's control socket -------------------------------------------- */

/*
 * Runs one control command; its data lines (without "ok") go to reply.
 * 0 on "ok", VCM_EIO otherwise (reason printed as a TAP comment).
 */
static int
sim_ctl(struct check *k, char *reply, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
sim_ctl(struct check *k, char *reply, size_t cap, const char *fmt, ...)
{
	struct sockaddr_un sa;
	struct timeval tv;
	char line[512], buf[CTL_REPLY_MAX], *nl, *l;
	size_t len = 0, off, rl = 0;
	ssize_t w;
	va_list ap;
	int fd, n, rc = VCM_EIO;

	if (reply != NULL && cap > 0)
		reply[0] = '\0';
	if (k->sock == NULL || strlen(k->sock) >= sizeof(sa.sun_path))
		return VCM_EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return VCM_ERANGE;
	line[n++] = '\n';
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return VCM_EIO;
	tv.tv_sec = CTL_IO_MS / 1000;
	tv.tv_usec = (CTL_IO_MS % 1000) * 1000;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, k->sock, strlen(k->sock));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		diag("bmcsim control %s: %s", k->sock, strerror(errno));
		goto out;
	}
	for (off = 0; off < (size_t)n; off += (size_t)w)
		if ((w = write(fd, line + off, (size_t)n - off)) <= 0) {
			diag("bmcsim control: write: %s", strerror(errno));
			goto out;
		}
	/* Lines until "ok" or "err ...", within the buffer and timeouts. */
	for (;;) {
		while ((nl = memchr(buf, '\n', len)) != NULL) {
			*nl = '\0';
			l = buf;
			if (strcmp(l, "ok") == 0) {
				rc = 0;
				goto out;
			}
			if (strncmp(l, "err", 3) == 0) {
				line[n - 1] = '\0';
				diag("bmcsim control \"%s\": %s", line, l);
				goto out;
			}
			if (reply != NULL && rl + strlen(l) + 2 <= cap) {
				memcpy(reply + rl, l, strlen(l));
				rl += strlen(l);
				reply[rl++] = '\n';
				reply[rl] = '\0';
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
		}
		if (len >= sizeof(buf) - 1) {
			diag("bmcsim control: reply line too long");
			goto out;
		}
		if ((w = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0) {
			diag("bmcsim control: %s", w == 0 ? "closed" :
			    strerror(errno));
			goto out;
		}
		len += (size_t)w;
	}
out:
	close(fd);
	return rc;
}

/* The value of " key=N" in a reply line, or -1. */
static int64_t
kv_num(const char *text, const char *key)
{
	char pat[40];
	const char *p;
	uint64_t v;
	size_t i;

	(void)snprintf(pat, sizeof(pat), " %s=", key);
	if ((p = strstr(text, pat)) == NULL)
		return -1;
	p += strlen(pat);
	for (i = 0; p[i] >= '0' && p[i] <= '9' && i < 19; i++)
		;
	if (i == 0 || !digits(p, i, &v))
		return -1;
	return (int64_t)v;
}

/* One of bmcsim's `sol` counters of our BMC, or -1. */
static int64_t
sim_sol(struct check *k, const char *key)
{
	char reply[1024];

	if (sim_ctl(k, reply, sizeof(reply), "sol %s", k->addr) != 0)
		return -1;
	return kv_num(reply, key);
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
	uint64_t now;
	size_t n;

	if (ev->bmc != k->bmc)
		return;
	switch (ev->kind) {
	case ENG_CV_OUTPUT:
		if (v == NULL)
			break;
		now = uv_now(k->loop);
		if (k->flooding && now - v->last_ms > v->gap_max_ms)
			v->gap_max_ms = now - v->last_ms;
		v->total += ev->len;
		if (k->mode == M_FLOOD) {
			lines_feed(&v->ln, ev->data, ev->len, mono_ns());
			v->last_ms = now;
			break;
		}
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
		if (v != NULL) {
			v->overflows++;
			v->skipped += ev->ev.u.overflow.skipped;
		}
		break;
	case ENG_CON_EV_DROPPED:
		k->dropped++;
		if (v != NULL) {
			v->id = -1;
			v->dropped = 1;
			v->dropped_after_overflow = v->overflows > 0;
		}
		break;
	case ENG_CON_EV_TEARDOWN:
		/* Only the teardown after everyone left counts. */
		if (k->step != S_TEARDOWN || k->torn)
			break;
		k->torn = 1;
		k->td_outcome = ev->ev.u.teardown.outcome;
		k->td_lies = ev->ev.u.teardown.lies;
		break;
	case ENG_CON_EV_STALE:
	case ENG_CON_EV_PEER_ERROR:
		break;
	default:
		/* A flow-control event, if the engine ever has one. */
		k->other_events++;
		diag("console event of kind %u", ev->kind);
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


/* ---- flood: a stalled viewer beside a healthy one ----------------------- */

/*
 * Stops B from reading: its output stays in its queue in the engine
 * (ENG_CON_PAUSE). An engine built without the verb (no
 * ENG_CON_HAS_PAUSE) drains every viewer's queue on each loop turn:
 * VCM_EUNSUPP then.
 */
static int
viewer_stall(struct check *k, int w)
{
#ifdef ENG_CON_HAS_PAUSE
	return (int)con_call(k, ENG_CON_PAUSE, w, 0, NULL);
#else
	(void)k;
	(void)w;
	return VCM_EUNSUPP;
#endif
}

static void
heap_sample(struct check *k)
{
	size_t h = heap_now();

	if (h > k->heap_max)
		k->heap_max = h;
}

static void
flood_report(struct check *k)
{
	struct viewer *a = &k->v[VA], *b = &k->v[VB];
	char reply[1024];
	int64_t tx = -1, over = -1, res = -1;
	uint64_t min_lines, min_stamps, lat_max, lat_avg;
	size_t grow;
	int st;

	if (sim_ctl(k, reply, sizeof(reply), "sol %s", k->addr) == 0) {
		tx = kv_num(reply, "tx-bytes");
		over = kv_num(reply, "overrun");
		res = kv_num(reply, "resends");
	}
	/* At least half of what the host's rate allows (88-byte lines,
	 * 23-byte stamps): a console the BMC waited for prints less. */
	min_lines = (uint64_t)FLOOD_BPS * FLOOD_MS / 1000 / 88 / 2;
	min_stamps = (uint64_t)FLOOD_BPS * STAMP_MS / 1000 / 23 / 2;
	tap(k, a->ln.errors == 0 && a->ln.flood_lines >= min_lines &&
	    a->ln.flood_done, "A: %" PRIu64 " flood lines, numbered from 0 "
	    "without a gap, a repeat or a damaged line (%u errors%s%s)",
	    a->ln.flood_lines, a->ln.errors, a->ln.errors ? ": " : "",
	    a->ln.first_err);
	lat_max = a->ln.lat_max_ns / 1000000;
	lat_avg = a->ln.stamp_lines ? a->ln.lat_sum_ns / a->ln.stamp_lines /
	    1000 : 0;
	tap(k, a->ln.stamp_lines >= min_stamps && lat_max <= LATENCY_MS &&
	    a->gap_max_ms <= LATENCY_MS, "A: bounded latency: %" PRIu64
	    " stamp lines, oldest %" PRIu64 " ms (mean %" PRIu64 " us), "
	    "longest silence %" PRIu64 " ms (bound %d ms)",
	    a->ln.stamp_lines, lat_max, lat_avg, a->gap_max_ms, LATENCY_MS);
	if (tx >= 0 && k->tx0 >= 0 && over >= 0 && k->over0 >= 0 &&
	    res >= 0 && k->res0 >= 0) {
		tx -= k->tx0;
		over -= k->over0;
		res -= k->res0;
	} else
		tx = over = res = -1;
	tap(k, tx >= 0 && (uint64_t)tx == a->total,
	    "A received every byte the BMC sent (%" PRIu64 " of %" PRId64
	    ")", a->total, tx);
	tap(k, over == 0 && res == 0, "the BMC never waited for the console "
	    "(its queue overran by %" PRId64 " bytes, %" PRId64
	    " retransmits)", over, res);
	if (k->stall_rc != 0) {
		diag("the engine has no way to make one viewer stop reading: "
		    "it drains every viewer's queue into ENG_CV_OUTPUT on each "
		    "loop turn and eng_con_verb has no pause (wanted: "
		    "ENG_CON_PAUSE / ENG_CON_RESUME, or a pull read), so a "
		    "stalled viewer cannot be expressed and its bounded queue "
		    "(VCM_CONSOLE_VIEWER_QUEUE_BYTES), OVERFLOW and DROPPED "
		    "are unreachable through the engine");
		diag("B therefore read everything: %" PRIu64 " bytes, %" PRIu64
		    " flood lines, %u errors", b->total, b->ln.flood_lines,
		    b->ln.errors);
	}
	tap(k, k->stall_rc == 0 && b->overflows >= 1 && b->skipped > 0 &&
	    b->dropped_after_overflow, "B (stalled: %s) is told it "
	    "overflowed (%u times, %u bytes skipped) and then dropped (%s)",
	    k->stall_rc == 0 ? "paused" : vcm_strerror(k->stall_rc),
	    b->overflows, b->skipped, b->dropped ? "yes" : "no");
	grow = k->heap_max > k->heap0 ? k->heap_max - k->heap0 : 0;
	tap(k, grow <= HEAP_SLACK, "the engine's heap stayed bounded: grew "
	    "by %zu bytes at most (bound %d) over %" PRIu64 " bytes of "
	    "output", grow, HEAP_SLACK, a->total);
	st = eng_console_state(k->e, k->bmc);
	tap(k, st == ENG_CON_S_LIVE && k->reconnects == 0 &&
	    k->unreachable == 0 && a->overflows == 0 && !a->dropped,
	    "console stayed live; A never overflowed (state %s, reconnects "
	    "%u, unreachable %u, A overflows %u)",
	    eng_console_state_name((unsigned int)st), k->reconnects,
	    k->unreachable, a->overflows);
}

static void
flood_tick(struct check *k, uint64_t now, uint64_t in)
{
	struct viewer *a = &k->v[VA], *b = &k->v[VB];

	switch (k->step) {
	case S_FL_LIVE:
		if (k->live) {
			tap(k, 1, "console live after %" PRIu64 " ms, A and "
			    "B attached", in);
			k->stall_rc = viewer_stall(k, VB);
			b->stalled = k->stall_rc == 0;
			k->heap0 = k->heap_max = heap_now();
			if (sim_ctl(k, NULL, 0, "set %s output=%d flood=on",
			    k->addr, FLOOD_BPS) != 0) {
				abandon(k, "bmcsim does not flood");
				break;
			}
			k->flooding = 1;
			a->last_ms = b->last_ms = uv_now(k->loop);
			set_step(k, S_FL_FLOOD);
		} else if (in >= LIVE_MS) {
			tap(k, 0, "console live (refused %u, session "
			    "failures %u)", k->refused, k->sess_fail);
			abandon(k, "console never live");
		}
		break;
	case S_FL_FLOOD:
		heap_sample(k);
		if (in >= FLOOD_MS) {
			if (sim_ctl(k, NULL, 0, "set %s stamp=on",
			    k->addr) != 0) {
				abandon(k, "bmcsim does not print stamps");
				break;
			}
			set_step(k, S_FL_STAMP);
		}
		break;
	case S_FL_STAMP:
		heap_sample(k);
		if (in >= STAMP_MS) {
			k->flooding = 0;
			if (sim_ctl(k, NULL, 0, "set %s stamp=off",
			    k->addr) != 0) {
				abandon(k, "bmcsim does not stop");
				break;
			}
			set_step(k, S_FL_SETTLE);
		}
		break;
	case S_FL_SETTLE:
		heap_sample(k);
		if ((in >= 2 * QUIET_MS && now - a->last_ms >= 2 * QUIET_MS) ||
		    in >= WAIT_MS) {
			flood_report(k);
			detach_all(k);
			set_step(k, S_TEARDOWN);
		}
		break;
	default:
		break;
	}
}

/* ---- flow: NACK and CTS from the BMC ------------------------------------ */

static int
type_in(struct check *k, const char *s)
{
	int64_t r = con_call(k, ENG_CON_WRITE, VA, 0, s);

	if (r != (int64_t)strlen(s)) {
		diag("A's write of %zu bytes: %" PRId64, strlen(s), r);
		return -1;
	}
	return 0;
}

static int
has_from(const struct viewer *v, size_t from, const char *s)
{
	return count_from(v, from, s) > 0;
}

static void
flow_tick(struct check *k, uint64_t now, uint64_t in)
{
	struct viewer *a = &k->v[VA];
	uint64_t late, win;
	int64_t nacks, ign;
	unsigned int once;
	int st;

	switch (k->step) {
	case S_FW_LIVE:
		if (k->live) {
			tap(k, 1, "console live after %" PRIu64 " ms", in);
			if ((nacks = sim_sol(k, "nacks")) < 0) {
				abandon(k, "no sol counters from bmcsim");
				break;
			}
			k->nacks0 = (uint32_t)nacks;
			if (sim_ctl(k, NULL, 0, "set %s sol-nack=%dms",
			    k->addr, NACK_MS) != 0) {
				abandon(k, "bmcsim does not NACK");
				break;
			}
			k->t_win = uv_now(k->loop);
			k->mark = a->len;
			if (type_in(k, k->kn[0]) != 0) {
				abandon(k, "A could not write");
				break;
			}
			k->typed = 1;
			set_step(k, S_FW_NACK);
		} else if (in >= LIVE_MS) {
			tap(k, 0, "console live (refused %u, session "
			    "failures %u)", k->refused, k->sess_fail);
			abandon(k, "console never live");
		}
		break;
	case S_FW_NACK:
		/* The rest typed a little later: queued behind the first
		 * packet, which the BMC keeps refusing. */
		if (k->typed < 3 && in >= (uint64_t)k->typed * KEY_GAP_MS) {
			if (type_in(k, k->kn[k->typed]) != 0) {
				abandon(k, "A could not write");
				break;
			}
			k->typed++;
		}
		if (k->typed == 3 && has_from(a, k->mark, k->nack_echo)) {
			win = now - k->t_win;
			tap(k, win + FLOW_EARLY_MS >= NACK_MS, "keystrokes "
			    "typed while the BMC NACKs are held: echoed %"
			    PRIu64 " ms after the %d ms NACK window opened",
			    win, NACK_MS);
			once = count_from(a, k->mark, k->kn[0]) == 1 &&
			    count_from(a, k->mark, k->kn[1]) == 1 &&
			    count_from(a, k->mark, k->kn[2]) == 1;
			late = win > NACK_MS ? win - NACK_MS : 0;
			tap(k, once && late <= FLOW_LATE_MS, "they arrive "
			    "once each, in order (%s), %" PRIu64 " ms after "
			    "the BMC accepts again (bound %d ms)",
			    once ? "no repeat" : "REPEATED", late,
			    FLOW_LATE_MS);
			nacks = sim_sol(k, "nacks");
			tap(k, nacks >= 0 && (uint64_t)nacks - k->nacks0 >=
			    NACK_MS / VCM_CONSOLE_SOL_RETRY_MS / 2 &&
			    k->reconnects == 0 && k->unreachable == 0 &&
			    eng_console_state(k->e, k->bmc) == ENG_CON_S_LIVE,
			    "the BMC NACKed %" PRId64 " times over %d ms, "
			    "beyond the %d-resend budget: the console neither "
			    "gave up nor reconnected (reconnects %u)",
			    nacks < 0 ? nacks : nacks - (int64_t)k->nacks0,
			    NACK_MS, VCM_CONSOLE_SOL_RETRIES, k->reconnects);
			k->mark = a->len;
			if (type_in(k, "\x03") != 0) {
				abandon(k, "A could not write");
				break;
			}
			set_step(k, S_FW_CLEAR1);
		} else if (in >= NACK_MS + FLOW_LATE_MS + WAIT_MS) {
			tap(k, 0, "keystrokes typed during the NACK window "
			    "echoed (reconnects %u)", k->reconnects);
			abandon(k, "no echo after the NACK window");
		}
		break;
	case S_FW_CLEAR1:
		if (has_from(a, k->mark, "login: ")) {
			if ((ign = sim_sol(k, "cts-data")) < 0) {
				abandon(k, "no sol counters from bmcsim");
				break;
			}
			k->ctsdata0 = (uint32_t)ign;
			if (sim_ctl(k, NULL, 0, "set %s sol-cts=%dms",
			    k->addr, CTS_MS) != 0) {
				abandon(k, "bmcsim does not deassert CTS");
				break;
			}
			k->t_win = uv_now(k->loop);
			k->mark = a->len;
			/* Host output after the change: its packet says
			 * "unavailable" too, so once A has it the console
			 * has been told. */
			if (sim_ctl(k, NULL, 0, "inject %s \\r\\n%s\\r\\n",
			    k->addr, k->cts_mark) != 0) {
				abandon(k, "bmcsim inject failed");
				break;
			}
			set_step(k, S_FW_CTS_MARK);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "login prompt after Ctrl-C");
			abandon(k, "no prompt after Ctrl-C");
		}
		break;
	case S_FW_CTS_MARK:
		if (has_from(a, k->mark, k->cts_mark)) {
			k->mark = a->len;
			if (type_in(k, k->kcts) != 0) {
				abandon(k, "A could not write");
				break;
			}
			set_step(k, S_FW_CTS);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "output while CTS is deasserted (%s)",
			    k->cts_mark);
			abandon(k, "no output while CTS is deasserted");
		}
		break;
	case S_FW_CTS:
		if (has_from(a, k->mark, k->kcts)) {
			win = now - k->t_win;
			/* Holding sends nothing; probing (the BMC NACKs)
			 * at most one packet per retransmit interval. */
			ign = sim_sol(k, "cts-data");
			if (ign >= 0)
				ign -= (int64_t)k->ctsdata0;
			tap(k, win + FLOW_EARLY_MS >= CTS_MS && ign >= 0 &&
			    ign <= CTS_MS / VCM_CONSOLE_SOL_RETRY_MS + 1,
			    "keystrokes typed while the BMC says \"character "
			    "transfer unavailable\" are held: echoed %" PRIu64
			    " ms after the %d ms window opened; data packets "
			    "sent meanwhile: %" PRId64 " (bound %d)", win,
			    CTS_MS, ign, CTS_MS / VCM_CONSOLE_SOL_RETRY_MS + 1);
			late = win > CTS_MS ? win - CTS_MS : 0;
			once = count_from(a, k->mark, k->kcts) == 1;
			tap(k, once && late <= FLOW_LATE_MS, "they are sent "
			    "once, %" PRIu64 " ms after CTS is asserted again "
			    "(bound %d ms)", late, FLOW_LATE_MS);
			k->mark = a->len;
			if (type_in(k, "\x03") != 0) {
				abandon(k, "A could not write");
				break;
			}
			set_step(k, S_FW_CLEAR2);
		} else if (in >= CTS_MS + FLOW_LATE_MS + WAIT_MS) {
			tap(k, 0, "keystrokes typed while CTS is deasserted "
			    "echoed (reconnects %u)", k->reconnects);
			abandon(k, "no echo after the CTS window");
		}
		break;
	case S_FW_CLEAR2:
		if (has_from(a, k->mark, "login: ") || in >= WAIT_MS) {
			st = eng_console_state(k->e, k->bmc);
			tap(k, st == ENG_CON_S_LIVE && k->reconnects == 0 &&
			    k->unreachable == 0 && k->refused == 0 &&
			    k->sess_fail == 0 && !a->lost && !a->trunc,
			    "console stayed live throughout (state %s, "
			    "reconnects %u, unreachable %u, session failures "
			    "%u)", eng_console_state_name((unsigned int)st),
			    k->reconnects, k->unreachable, k->sess_fail);
			if (k->other_events == 0)
				diag("the engine told the viewer nothing about "
				    "the NACKs or CTS (it has no flow-control "
				    "event)");
			detach_all(k);
			set_step(k, S_TEARDOWN);
		}
		break;
	default:
		break;
	}
}

/* ---- ctslost: the end of "unavailable" announced once, and lost -------- */

static int
loss_set(struct check *k, unsigned int permille)
{
	return sim_ctl(k, NULL, 0, "fault %s loss=%u", k->addr, permille);
}

static void
ctslost_done(struct check *k)
{
	struct viewer *a = &k->v[VA];
	int st = eng_console_state(k->e, k->bmc);

	tap(k, st == ENG_CON_S_LIVE && k->reconnects == 0 &&
	    k->refused == 0 && !a->lost && !a->trunc, "console stayed live "
	    "(state %s, reconnects %u, unreachable %u)",
	    eng_console_state_name((unsigned int)st), k->reconnects,
	    k->unreachable);
	detach_all(k);
	set_step(k, S_TEARDOWN);
}

static void
ctslost_tick(struct check *k, uint64_t now, uint64_t in)
{
	struct viewer *a = &k->v[VA];
	uint64_t win, end = CTS_MS;

	switch (k->step) {
	case S_CL_LIVE:
		if (k->live) {
			tap(k, 1, "console live after %" PRIu64 " ms", in);
			if (sim_ctl(k, NULL, 0, "set %s sol-cts=%dms",
			    k->addr, CTS_MS) != 0) {
				abandon(k, "bmcsim does not deassert CTS");
				break;
			}
			k->t_win = uv_now(k->loop);
			k->mark = a->len;
			if (sim_ctl(k, NULL, 0, "inject %s \\r\\n%s\\r\\n",
			    k->addr, k->cts_mark) != 0) {
				abandon(k, "bmcsim inject failed");
				break;
			}
			set_step(k, S_CL_MARK);
		} else if (in >= LIVE_MS) {
			tap(k, 0, "console live (refused %u, session "
			    "failures %u)", k->refused, k->sess_fail);
			abandon(k, "console never live");
		}
		break;
	case S_CL_MARK:
		if (has_from(a, k->mark, k->cts_mark)) {
			k->mark = a->len;
			if (type_in(k, k->kcts) != 0) {
				abandon(k, "A could not write");
				break;
			}
			set_step(k, S_CL_HELD);
		} else if (in >= WAIT_MS) {
			tap(k, 0, "output while CTS is deasserted (%s)",
			    k->cts_mark);
			abandon(k, "no output while CTS is deasserted");
		}
		break;
	case S_CL_HELD:
		win = now - k->t_win;
		if (k->loss == 0 && win + LOSS_MARGIN_MS >= end) {
			if (loss_set(k, 1000) != 0) {
				abandon(k, "bmcsim fault failed");
				break;
			}
			k->loss = 1;
		}
		if (k->loss == 1 && (win >= end + LOSS_MARGIN_MS ||
		    has_from(a, k->mark, k->kcts))) {
			if (loss_set(k, 0) != 0) {
				abandon(k, "bmcsim fault failed");
				break;
			}
			k->loss = 2;
		}
		if (has_from(a, k->mark, k->kcts)) {
			tap(k, win + FLOW_EARLY_MS >= end, "keystrokes typed "
			    "while the BMC says \"character transfer "
			    "unavailable\" are held (echoed %" PRIu64 " ms "
			    "after the %d ms window opened)", win, CTS_MS);
			tap(k, win <= end + CTS_LOST_MS, "they are sent %"
			    PRIu64 " ms after CTS is asserted again, although "
			    "the BMC's one packet saying so was lost (bound "
			    "%d ms)", win > end ? win - end : 0, CTS_LOST_MS);
			ctslost_done(k);
		} else if (k->loss == 2 && win >= end + CTS_LOST_MS) {
			tap(k, 1, "keystrokes typed while the BMC says "
			    "\"character transfer unavailable\" are held");
			tap(k, 0, "they are sent within %d ms after CTS is "
			    "asserted again although the BMC's one packet "
			    "saying so was lost: still not sent after %" PRIu64
			    " ms (the console waits for a packet from the BMC "
			    "without \"unavailable\")", CTS_LOST_MS, win - end);
			/* Host output wakes it: shows where it waited. */
			k->mark = a->len;
			k->t_echo = now;
			if (sim_ctl(k, NULL, 0, "inject %s \\r\\n%s\\r\\n",
			    k->addr, k->wake) != 0) {
				ctslost_done(k);
				break;
			}
			set_step(k, S_CL_WAKE);
		}
		break;
	case S_CL_WAKE:
		if (has_from(a, k->mark, k->kcts)) {
			diag("host output (%s) woke the console: the "
			    "keystrokes were sent %" PRIu64 " ms after it",
			    k->wake, now - k->t_echo);
			ctslost_done(k);
		} else if (in >= WAIT_MS) {
			diag("host output did not wake the console either");
			ctslost_done(k);
		}
		break;
	default:
		break;
	}
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

	if (now >= k->end_ms && k->step != S_TEARDOWN &&
	    k->step != S_STOPPING)
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
			if (k->n == k->nchecks - 2)
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
	default:
		if (k->mode == M_FLOOD)
			flood_tick(k, now, in);
		else if (k->mode == M_FLOW)
			flow_tick(k, now, in);
		else
			ctslost_tick(k, now, in);
		break;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: vcm-engine-check -a ADDR [-p PORT] [-u USER] "
	    "[-t TAG] [-l LINGER_MS] [-T SECONDS]\n"
	    "           [-m fanout|flood|flow|ctslost] "
	    "[-s BMCSIM_CONTROL_SOCKET]\n"
	    "       (password in the environment: VCM_CHECK_PASSWORD;\n"
	    "        flood, flow and ctslost need -s)\n");
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
	static char deftag[32], reply[1024];
	struct eng_bmc_config bc;
	struct eng_counters ec;
	struct eng_opts eo;
	struct in_addr ia;
	uv_loop_t loop;
	const char *user = "admin", *addr = NULL, *pass;
	unsigned long port = 623, linger = 500, total = TOTAL_S_DEF;
	int64_t id;
	int ch, r, w;

	while ((ch = getopt(argc, argv, "a:p:u:t:l:T:m:s:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "fanout") == 0)
				k.mode = M_FANOUT;
			else if (strcmp(optarg, "flood") == 0)
				k.mode = M_FLOOD;
			else if (strcmp(optarg, "flow") == 0)
				k.mode = M_FLOW;
			else if (strcmp(optarg, "ctslost") == 0)
				k.mode = M_CTSLOST;
			else
				usage();
			break;
		case 's':
			k.sock = optarg;
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
	    strlen(user) > VCM_IPMI_USER_MAX ||
	    (k.mode != M_FANOUT && k.sock == NULL))
		usage();
	k.addr = addr;
	k.nchecks = k.mode == M_FLOOD ? NCHECKS_FLOOD :
	    k.mode == M_FLOW ? NCHECKS_FLOW :
	    k.mode == M_CTSLOST ? NCHECKS_CTSLOST : NCHECKS;
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
	/* flow: what A types in each window (no CR: the login line just
	 * grows, echoed, until Ctrl-C), and the marker of the CTS one. */
	for (w = 0; w < 3; w++)
		(void)snprintf(k.kn[w], sizeof(k.kn[w]), "n%d-%s", w + 1,
		    k.tag);
	(void)snprintf(k.nack_echo, sizeof(k.nack_echo), "%s%s%s", k.kn[0],
	    k.kn[1], k.kn[2]);
	(void)snprintf(k.kcts, sizeof(k.kcts), "c1-%s", k.tag);
	(void)snprintf(k.cts_mark, sizeof(k.cts_mark), "cts-%s", k.tag);
	(void)snprintf(k.wake, sizeof(k.wake), "wake-%s", k.tag);
	for (w = 0; w < NV; w++)
		k.v[w].id = -1;

	printf("1..%d\n", k.nchecks);
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
	/* flood: what the BMC sent before this run (a SOL of an earlier
	 * client), so A's bytes compare with the rest. */
	k.tx0 = k.over0 = k.res0 = -1;
	if (k.mode == M_FLOOD && sim_ctl(&k, reply, sizeof(reply), "sol %s",
	    addr) == 0) {
		k.tx0 = kv_num(reply, "tx-bytes");
		k.over0 = kv_num(reply, "overrun");
		k.res0 = kv_num(reply, "resends");
	}
	/* flood: B (read-only) attaches at once too, so it gets every byte
	 * from the first on, as A does. */
	if (viewer_open(&k, VA, ENG_CON_V_WRITE) != 0 ||
	    (k.mode == M_FLOOD && viewer_open(&k, VB, 0) != 0)) {
		tap(&k, 0, "engine up, BMC %s:%lu added, A (write rights) "
		    "attached%s", addr, port, k.mode == M_FLOOD ?
		    ", B (read-only) attached" : "");
		eng_stop(k.e);
		(void)uv_run(&loop, UV_RUN_DEFAULT);
		eng_free(k.e);
		return 1;
	}
	tap(&k, 1, "engine up, BMC %s:%lu added, A (write rights) attached%s",
	    addr, port, k.mode == M_FLOOD ? ", B (read-only) attached" : "");

	uv_timer_init(&loop, &k.timer);
	k.timer.data = &k;
	set_step(&k, k.mode == M_FLOOD ? S_FL_LIVE : k.mode == M_FLOW ?
	    S_FW_LIVE : k.mode == M_CTSLOST ? S_CL_LIVE : S_LIVE);
	k.end_ms = uv_now(&loop) + total * 1000;
	uv_timer_start(&k.timer, tick, TICK_MS, TICK_MS);
	/* eng_stop() is bounded (the console's teardown by
	 * VCM_ENG_STOP_CONSOLE_MS, then Close Session by VCM_ENG_CLOSE_MS):
	 * uv_run() returns. */
	(void)uv_run(&loop, UV_RUN_DEFAULT);
	eng_counters(k.e, &ec);
	eng_free(k.e);
	(void)uv_loop_close(&loop);
	if (k.n == k.nchecks - 1)
		tap(&k, ec.sessions_now == 0 && ec.close_unconfirmed == 0,
		    "engine stopped: sessions closed (now %u, opened %" PRIu64
		    ", closed %" PRIu64 ", close unconfirmed %" PRIu64 ")",
		    ec.sessions_now, ec.sessions_opened, ec.sessions_closed,
		    ec.close_unconfirmed);
	return k.failed == 0 && k.n == k.nchecks ? 0 : 1;
}
