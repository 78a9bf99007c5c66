/*
 * vcmctl: the command-line client of vcm. For now only `vcmctl ipmi`,
 * the one part that links the engine and talks to BMCs directly (for
 * operators' diagnostics, tests and benchmarks); the other subcommands
 * come with vcmd's API.
 *
 *	vcmctl ipmi -H HOSTS -U USER (-P PASS | -E | -f FILE) [-C 17|3]
 *	    [-p PORT] [-L PRIV] [--timeout MS] [--fanout N] [--repeat N]
 *	    [--sessions N] [--quirks SPEC] COMMAND
 *	vcmctl ipmi -H ONE_HOST ... [--sol-seconds N] [--sol-policy P]
 *	    sol activate
 *	--log FILE (any command): the engine's structured log lines, info
 *	and above, appended to FILE (else only errors, on stderr).
 *
 * One line per host in input order; exit status 0 only when every host
 * succeeded (in every round). `sol activate` is interactive (see the
 * sol section below).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "ipmi/defs.h"
#include "engine/engine.h"
#include "engine/quirks.h"
#include "vcmctl/api_cmds.h"
#include "vcmctl/hostrange.h"

#define CTL_EXIT_FAIL	1
#define CTL_EXIT_USAGE	2

struct ctl_host {
	uint32_t		 bmc;
	uint8_t			 done;
	uint8_t			 ok;
	char			 line[160];
};

struct ctl {
	struct eng		*e;
	struct hostrange_host	*hosts;
	struct ctl_host		*st;
	size_t			 nhosts;
	size_t			 next;		/* next host to submit */
	size_t			 inflight;
	size_t			 done;
	size_t			 fanout;
	uint32_t		 timeout_ms;
	uint8_t			 op;
	unsigned int		 round, rounds;
	uint64_t		 t0;
	int			 failed;
	struct sol		*sol;		/* sol activate, else NULL */
};

/* Every quirk flag's override name, for the usage text. */
static const char *
quirk_names(void)
{
	static char buf[512];
	size_t i, off = 0;
	int n;

	if (buf[0] != '\0')
		return buf;
	for (i = 0; i < eng_quirk_count; i++) {
		n = snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    i ? (i % 5 ? ", " : ",\n           ") : "",
		    eng_quirk_table[i].name);
		if (n < 0 || (size_t)n >= sizeof(buf) - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: vcmctl ipmi -H HOSTS -U USER (-P PASS | -E | -f FILE) [-C 17|3]\n"
"           [-p PORT] [-L user|operator|admin] [--timeout MS] [--fanout N]\n"
"           [--repeat N] [--sessions N] [--quirks SPEC] COMMAND\n"
"\n"
"  HOSTS    127.0.0.5 | a,b,c | 127.20.[0-3].[1-250] | host:port (IPv4 only)\n"
"  COMMAND  power status|on|off|cycle|reset|soft\n"
"           bootdev pxe|bios|disk      (next boot only)\n"
"           mc info | chassis status\n"
"           sol activate               (one host; ~. ends, ~B break, ~~ a ~)\n"
"  -E       password from IPMI_PASSWORD;  -f FILE: its first line\n"
"  -P       password on the command line (visible to other users)\n"
"  --sessions N  sessions per BMC at once (default %d; a vendor's cap\n"
"           from the quirk table still applies)\n"
"  --quirks SPEC  per-BMC quirk override on top of the vendor table,\n"
"           e.g. +nochecksum,-authcap,cs17only,sessions=1,suites=17:3\n"
"           (none first clears the table's flags); names:\n"
"           %s\n"
"  --log FILE  the engine's log lines (info and above) appended to FILE\n"
"  sol activate: --sol-policy take|refuse (a stale SOL; default take)\n"
"           --sol-seconds N: end cleanly after N s (tests; stdin may end\n"
"           earlier); without it a non-terminal stdin ends the session\n"
"           1 s after its EOF. Status lines go to stderr as [vcm: ...].\n"
"\n",
	    VCM_BMC_SESSIONS_DEFAULT, quirk_names());
	vcmctl_api_usage(f);
}

static int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *v)
{
	char *end;
	unsigned long x;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

static int
parse_command(int argc, char **argv, uint8_t *op)
{
	const char *a = argc > 0 ? argv[0] : "", *b = argc > 1 ? argv[1] : "";
	static const struct {
		const char	*a, *b;
		uint8_t		 op;
	} tab[] = {
		{ "power", "status", ENG_OP_POWER_STATUS },
		{ "power", "on", ENG_OP_POWER_ON },
		{ "power", "off", ENG_OP_POWER_OFF },
		{ "power", "cycle", ENG_OP_POWER_CYCLE },
		{ "power", "reset", ENG_OP_POWER_RESET },
		{ "power", "soft", ENG_OP_POWER_SOFT },
		{ "bootdev", "pxe", ENG_OP_BOOTDEV_PXE },
		{ "bootdev", "bios", ENG_OP_BOOTDEV_BIOS },
		{ "bootdev", "disk", ENG_OP_BOOTDEV_DISK },
		{ "mc", "info", ENG_OP_MC_INFO },
		{ "chassis", "status", ENG_OP_CHASSIS_STATUS },
	};
	size_t i;

	if (argc != 2)
		return -1;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(a, tab[i].a) == 0 && strcmp(b, tab[i].b) == 0) {
			*op = tab[i].op;
			return 0;
		}
	return -1;
}

/* The first line of a file, without its newline. */
static int
read_password_file(const char *path, char *buf, size_t cap)
{
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "vcmctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fgets(buf, (int)cap, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return 0;
}

static void submit_more(struct ctl *);

static void
round_start(struct ctl *c)
{
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		c->st[i].done = 0;
	c->next = 0;
	c->done = 0;
	c->inflight = 0;
	c->t0 = eng_now(c->e);
	submit_more(c);
}

static void
round_end(struct ctl *c)
{
	uint64_t ms = eng_now(c->e) - c->t0;
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		printf("%s: %s\n", c->hosts[i].text, c->st[i].line);
	fflush(stdout);
	if (c->rounds > 1)
		fprintf(stderr, "# round %u: %zu hosts in %" PRIu64 " ms\n",
		    c->round + 1, c->nhosts, ms);
	c->round++;
	if (c->round < c->rounds)
		round_start(c);
	else
		eng_stop(c->e);
}

static void
on_result(void *arg, const struct eng_result *r)
{
	struct ctl *c = arg;
	struct ctl_host *h;
	size_t i = (size_t)r->cookie;

	if (i >= c->nhosts)
		return;
	h = &c->st[i];
	if (h->done)
		return;
	h->done = 1;
	h->ok = r->reason == ENG_R_OK;
	if (!h->ok)
		c->failed = 1;
	eng_result_format(r, h->line, sizeof(h->line));
	c->inflight--;
	c->done++;
	if (c->done == c->nhosts)
		round_end(c);
	else
		submit_more(c);
}

static void
submit_more(struct ctl *c)
{
	struct eng_request rq;
	struct eng_result r;
	uint64_t now = eng_now(c->e);
	int rc;

	while (c->inflight < c->fanout && c->next < c->nhosts) {
		memset(&rq, 0, sizeof(rq));
		rq.type = ENG_MSG_OP;
		rq.op = c->op;
		rq.bmc = c->st[c->next].bmc;
		rq.deadline = now + c->timeout_ms;
		rq.cookie = c->next;
		c->next++;
		c->inflight++;
		if ((rc = eng_submit(c->e, &rq)) != 0) {
			/* Same host twice in the list: its queue is busy;
			 * report it as a result so the round still ends. */
			memset(&r, 0, sizeof(r));
			r.type = ENG_MSG_RESULT;
			r.op = rq.op;
			r.bmc = rq.bmc;
			r.cookie = rq.cookie;
			r.reason = rc == VCM_ENOSPC ? ENG_R_BUSY :
			    ENG_R_INVALID;
			r.status = rc;
			on_result(c, &r);
			return;
		}
	}
}

/* ---- sol activate ------------------------------------------------------- */

/*
 * `vcmctl ipmi -H ONE_HOST ... sol activate`: one viewer with write
 * rights on the engine's console of that BMC. stdin goes to the console
 * (raw terminal when it is one), console output to stdout, status to
 * stderr in brackets so stdout stays the console stream. Escapes at the
 * start of a line, as ssh and ipmitool: `~.` ends (verified teardown,
 * then exit), `~B` sends a break, `~~` a literal `~`.
 */
struct sol {
	struct eng		*e;
	uv_loop_t		*loop;
	uv_poll_t		 in;
	uv_timer_t		 timer;
	uv_signal_t		 sigs[3];
	uint32_t		 bmc;
	int64_t			 viewer;	/* -1: not attached */
	int			 in_poll;	/* uv_poll_t initialised */
	int			 in_reading;
	int			 in_eof;
	int			 in_file;	/* stdin not pollable */
	int			 crlf;		/* stderr is a terminal */
	int			 line_start, tilde;
	int			 live, ever_live, said_dark;
	int			 ending, finished;
	int			 rc;
	size_t			 npend;
	size_t			 brk_at;	/* break after this many, or SIZE_MAX */
	uint64_t		 t0, eof_at, end_by;
	uint32_t		 timeout_ms;
	uint32_t		 seconds;	/* --sol-seconds, 0: none */
	const char		*host;
	uint8_t			 pend[VCM_CTL_SOL_PENDING_BYTES];
};

/* The terminal as found, restored on every way out (atexit, signals). */
static struct termios	 sol_tio;
static volatile sig_atomic_t sol_tio_saved;

static void
sol_tty_restore(void)
{
	if (sol_tio_saved) {
		(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &sol_tio);
		sol_tio_saved = 0;
	}
}

/* A crash must not leave the operator's terminal raw. */
static void
sol_fatal(int sig)
{
	if (sol_tio_saved)
		(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &sol_tio);
	(void)raise(sig);	/* SA_RESETHAND: the default action now */
}

static int
sol_tty_raw(void)
{
	struct termios t;
	struct sigaction sa;
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
	    SIGILL };
	size_t i;

	if (tcgetattr(STDIN_FILENO, &sol_tio) != 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sol_fatal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		(void)sigaction(fatal[i], &sa, NULL);
	sol_tio_saved = 1;
	atexit(sol_tty_restore);
	t = sol_tio;
	cfmakeraw(&t);
	/* TCSADRAIN, not FLUSH: keys typed early are not thrown away. */
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) != 0) {
		sol_tio_saved = 0;
		return -1;
	}
	return 0;
}

static void
sol_say(struct sol *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A status line on stderr; \r\n while the terminal is raw. */
static void
sol_say(struct sol *s, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s[vcm: %s]%s", s->crlf ? "\r\n" : "", line,
	    s->crlf ? "\r\n" : "\n");
	fflush(stderr);
}

static void
sol_write_out(const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;		/* stdout gone: nothing to show to */
		p += w;
		n -= (size_t)w;
	}
}

static int64_t
sol_call(struct sol *s, uint8_t verb, const void *data, size_t len)
{
	struct eng_con_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.verb = verb;
	rq.bmc = s->bmc;
	rq.viewer = s->viewer;
	rq.data = data;
	rq.len = len;
	return eng_console_request(s->e, &rq);
}

static void	sol_in_resume(struct sol *);
static void	sol_on_stdin(uv_poll_t *, int, int);

/* Gives pending keystrokes (and a break in their midst) to the console. */
static void
sol_flush_input(struct sol *s)
{
	size_t n;
	int64_t r;

	while (s->live && !s->ending && s->viewer >= 0) {
		n = s->brk_at < s->npend ? s->brk_at : s->npend;
		if (n == 0 && s->brk_at == 0) {
			if (sol_call(s, ENG_CON_BREAK, NULL, 0) != 0)
				break;
			s->brk_at = SIZE_MAX;
			continue;
		}
		if (n == 0)
			break;
		if ((r = sol_call(s, ENG_CON_WRITE, s->pend, n)) <= 0)
			break;
		memmove(s->pend, s->pend + r, s->npend - (size_t)r);
		s->npend -= (size_t)r;
		if (s->brk_at != SIZE_MAX)
			s->brk_at -= (size_t)r;
	}
	sol_in_resume(s);
}

static void
sol_finish(struct sol *s)
{
	size_t i;

	if (s->finished)
		return;
	s->finished = 1;
	sol_tty_restore();
	if (s->in_poll) {
		uv_poll_stop(&s->in);
		uv_close((uv_handle_t *)&s->in, NULL);
	}
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, NULL);
	for (i = 0; i < sizeof(s->sigs) / sizeof(s->sigs[0]); i++) {
		uv_signal_stop(&s->sigs[i]);
		uv_close((uv_handle_t *)&s->sigs[i], NULL);
	}
	/* Closes the console's session (and any other) before returning. */
	eng_stop(s->e);
}

/* Leaves: detach, so the engine tears the SOL down (verified) and
 * reports it; sol_finish() when it has, or by VCM_CTL_SOL_END_MS. */
static void
sol_end(struct sol *s, int rc)
{
	if (s->ending)
		return;
	s->ending = 1;
	s->rc = rc;
	if (s->in_reading) {
		uv_poll_stop(&s->in);
		s->in_reading = 0;
	}
	s->end_by = eng_now(s->e) + VCM_CTL_SOL_END_MS;
	if (s->viewer >= 0) {
		(void)sol_call(s, ENG_CON_DETACH, NULL, 0);
		s->viewer = -1;
	}
	if (eng_console_state(s->e, s->bmc) == ENG_CON_S_IDLE &&
	    !s->ever_live)
		sol_finish(s);
}

/* One byte typed: escapes at the start of a line, else pending. */
static int
sol_key(struct sol *s, uint8_t ch)
{
	if (s->tilde) {
		s->tilde = 0;
		if (ch == '.') {
			sol_end(s, 0);
			return -1;
		}
		if (ch == 'B') {
			/* Break after what was typed before it. */
			if (s->brk_at == SIZE_MAX)
				s->brk_at = s->npend;
			return 0;
		}
		if (s->npend < sizeof(s->pend))
			s->pend[s->npend++] = '~';
		if (ch == '~')
			return 0;
	} else if (s->line_start && ch == '~') {
		s->tilde = 1;
		return 0;
	}
	if (s->npend < sizeof(s->pend))
		s->pend[s->npend++] = ch;
	s->line_start = ch == '\r' || ch == '\n';
	return 0;
}

static void
sol_in_resume(struct sol *s)
{
	/* Read only while the pending buffer has room: backpressure. */
	if (!s->in_poll || s->in_eof || s->ending)
		return;
	if (!s->in_reading && s->npend + 512 <= sizeof(s->pend)) {
		s->in_reading = 1;
		(void)uv_poll_start(&s->in, UV_READABLE, sol_on_stdin);
	}
}

static void
sol_on_stdin(uv_poll_t *h, int status, int events)
{
	struct sol *s = h->data;
	uint8_t buf[512];
	ssize_t n;
	size_t i;

	(void)events;
	if (s->ending)
		return;
	n = status < 0 ? 0 : read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		s->in_eof = 1;
		s->eof_at = eng_now(s->e);
		uv_poll_stop(&s->in);
		s->in_reading = 0;
		return;
	}
	for (i = 0; i < (size_t)n; i++)
		if (sol_key(s, buf[i]) != 0)
			return;
	if (s->npend + 512 > sizeof(s->pend)) {
		uv_poll_stop(&s->in);
		s->in_reading = 0;
	}
	sol_flush_input(s);
}

/* 50 ms housekeeping: leftovers, deadlines. */
static void
sol_on_timer(uv_timer_t *t)
{
	struct sol *s = t->data;
	uint64_t now = eng_now(s->e);

	if (s->finished)
		return;
	if (s->ending) {
		if (now >= s->end_by) {
			sol_say(s, "ended: no teardown report within %u ms",
			    VCM_CTL_SOL_END_MS);
			s->rc = CTL_EXIT_FAIL;
			sol_finish(s);
		}
		return;
	}
	sol_flush_input(s);
	if (s->ending)
		return;
	if (!s->ever_live && now >= s->t0 + s->timeout_ms) {
		sol_say(s, "ended: no SOL from %s within %u ms", s->host,
		    s->timeout_ms);
		sol_end(s, CTL_EXIT_FAIL);
		return;
	}
	if (s->seconds != 0) {
		if (now >= s->t0 + (uint64_t)s->seconds * 1000)
			sol_end(s, 0);
		return;
	}
	/* stdin ended (a pipe or file): what it held is sent, then the
	 * console is shown a little longer, then a clean end. */
	if (s->in_eof && s->npend == 0 && s->brk_at == SIZE_MAX &&
	    s->ever_live && now >= s->eof_at + VCM_CTL_SOL_DRAIN_MS)
		sol_end(s, 0);
}

static void
sol_on_signal(uv_signal_t *h, int sig)
{
	struct sol *s = h->data;

	sol_say(s, "signal %d: ending", sig);
	sol_end(s, CTL_EXIT_FAIL);
}

static const char *
sol_refusal(uint8_t reason)
{
	switch (reason) {
	case ENG_CON_REF_IN_USE:
		return "SOL in use by another session (policy: refuse)";
	case ENG_CON_REF_TAKE_FAILED:
		return "SOL in use by another session; taking it over failed";
	case ENG_CON_REF_BMC:
		return "the BMC refused to activate SOL";
	default:
		return "gave up re-activating SOL";
	}
}

static void
sol_on_event(void *arg, const struct eng_con_event *ev)
{
	struct ctl *c = arg;
	struct sol *s = c->sol;
	const struct eng_console_event *ce = &ev->ev;
	struct eng_result r;
	char text[160];

	if (s == NULL || ev->bmc != s->bmc)
		return;
	switch (ev->kind) {
	case ENG_CV_OUTPUT:
		sol_write_out(ev->data, ev->len);
		break;
	case ENG_CON_EV_LIVE:
		s->live = 1;
		s->said_dark = 0;
		sol_say(s, "%s", s->ever_live ? "reconnected" : "SOL live");
		s->ever_live = 1;
		sol_flush_input(s);
		break;
	case ENG_CON_EV_RECONNECTING:
		s->live = 0;
		if (ce->u.reconnecting.dropped_input > 0)
			sol_say(s, "SOL lost (%s), reconnecting; %u typed "
			    "bytes not sent", eng_console_why_name(
			    ce->u.reconnecting.why),
			    ce->u.reconnecting.dropped_input);
		else
			sol_say(s, "SOL lost (%s), reconnecting",
			    eng_console_why_name(ce->u.reconnecting.why));
		break;
	case ENG_CON_EV_UNREACHABLE:
		s->live = 0;
		s->said_dark = 1;
		sol_say(s, "BMC unreachable, retrying");
		break;
	case ENG_CON_EV_STALE:
		if (ce->u.stale.decision == ENG_CONSOLE_TAKE)
			sol_say(s, "stale SOL active on another session: "
			    "taking it over (deactivate, activate), try %u",
			    ce->u.stale.tries);
		else
			sol_say(s, "stale SOL active on another session: "
			    "refused by policy");
		break;
	case ENG_CON_EV_REFUSED:
		/* Names the host: the one line a script or a person needs. */
		s->live = 0;
		if (ce->u.refused.reason == ENG_CON_REF_BMC)
			sol_say(s, "ended: %s: %s (completion code %02Xh)",
			    s->host, sol_refusal(ce->u.refused.reason),
			    ce->u.refused.cc);
		else
			sol_say(s, "ended: %s: %s", s->host,
			    sol_refusal(ce->u.refused.reason));
		sol_end(s, CTL_EXIT_FAIL);
		break;
	case ENG_CON_EV_WRITER:
		if (ce->u.writer.other >= 0)
			sol_say(s, "you are the writer now");
		break;
	case ENG_CON_EV_WRITER_LOST:
		sol_say(s, "another viewer took over writing");
		break;
	case ENG_CON_EV_OVERFLOW:
		sol_say(s, "output too fast: %u bytes skipped",
		    ce->u.overflow.skipped);
		break;
	case ENG_CON_EV_DROPPED:
		s->viewer = -1;
		sol_say(s, "ended: dropped, output not read in time");
		sol_end(s, CTL_EXIT_FAIL);
		break;
	case ENG_CON_EV_PEER_ERROR:
		sol_say(s, "BMC SOL error: %s", ce->u.peer.kind ==
		    ENG_CON_PEER_OVERCOUNT ? "accepted more than sent "
		    "(clamped)" : ce->u.peer.kind == ENG_CON_PEER_JUMP ?
		    "sequence jump (reboot?), followed" : "bad packet dropped");
		break;
	case ENG_CON_EV_TEARDOWN:
		if (!s->ending)
			break;	/* not ours: someone came back */
		switch (ce->u.teardown.outcome) {
		case ENG_CON_TD_VERIFIED:
			sol_say(s, "ended: SOL deactivated (verified)%s",
			    ce->u.teardown.already ? "; the BMC said "
			    "\"already deactivated\" while active" : "");
			break;
		case ENG_CON_TD_NONE:
			/* After a failure the reason was said already. */
			if (s->rc == 0)
				sol_say(s, "ended: no SOL of ours was active");
			break;
		case ENG_CON_TD_LIED:
			sol_say(s, "ended: teardown NOT verified: the BMC "
			    "answered Deactivate with success %u time(s) but "
			    "SOL stays active (deactivate lies)",
			    ce->u.teardown.lies);
			s->rc = CTL_EXIT_FAIL;
			break;
		default:
			sol_say(s, "ended: teardown unverifiable (no answer "
			    "from the BMC)");
			s->rc = CTL_EXIT_FAIL;
			break;
		}
		sol_finish(s);
		break;
	case ENG_CV_SESSION:
		if (ev->fail == ENG_FAIL_UNREACHABLE) {
			if (!s->said_dark)
				sol_say(s, "BMC unreachable, retrying");
			s->said_dark = 1;
			break;
		}
		memset(&r, 0, sizeof(r));
		r.reason = ENG_R_SESSION;
		r.fail = ev->fail;
		r.step = ev->step;
		r.tries = ev->tries;
		eng_result_format(&r, text, sizeof(text));
		sol_say(s, "ended: %s: %s", s->host, text);
		sol_end(s, CTL_EXIT_FAIL);
		break;
	default:
		break;
	}
}

static int
sol_run(struct ctl *c, uv_loop_t *loop, uint32_t seconds)
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	struct sol *s;
	struct eng_con_request rq;
	int64_t v;
	size_t i;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CTL_EXIT_FAIL;
	c->sol = s;
	s->e = c->e;
	s->loop = loop;
	s->bmc = c->st[0].bmc;
	s->host = c->hosts[0].text;
	s->viewer = -1;
	s->line_start = 1;
	s->brk_at = SIZE_MAX;
	s->timeout_ms = c->timeout_ms;
	s->seconds = seconds;
	s->t0 = eng_now(c->e);
	if (s->bmc == 0) {
		free(s);
		c->sol = NULL;
		return CTL_EXIT_FAIL;
	}
	if (isatty(STDIN_FILENO) && sol_tty_raw() == 0)
		s->crlf = isatty(STDERR_FILENO);
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	uv_timer_start(&s->timer, sol_on_timer, 50, 50);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		uv_signal_init(loop, &s->sigs[i]);
		s->sigs[i].data = s;
		uv_signal_start(&s->sigs[i], sol_on_signal, sigs[i]);
	}
	/* stdin: a terminal or a pipe is polled; a file or /dev/null
	 * (epoll refuses them) is read at once. */
	if (uv_poll_init(loop, &s->in, STDIN_FILENO) == 0) {
		s->in.data = s;
		s->in_poll = 1;
		sol_in_resume(s);
	} else {
		uint8_t buf[512];
		ssize_t n;

		s->in_file = 1;
		while (!s->ending && s->npend + sizeof(buf) <= sizeof(s->pend) &&
		    (n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
			for (i = 0; i < (size_t)n && !s->ending; i++)
				(void)sol_key(s, buf[i]);
		s->in_eof = 1;
		s->eof_at = s->t0;
	}
	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.verb = ENG_CON_OPEN;
	rq.bmc = s->bmc;
	rq.rights = ENG_CON_V_WRITE;
	if ((v = eng_console_request(c->e, &rq)) < 0) {
		sol_say(s, "ended: %s: console: %s", s->host,
		    vcm_strerror((int)v));
		s->rc = CTL_EXIT_FAIL;
		sol_finish(s);
	} else
		s->viewer = v;
	(void)uv_run(loop, UV_RUN_DEFAULT);
	sol_tty_restore();
	rc = s->rc;
	c->sol = NULL;
	free(s);
	return rc;
}

/* --log FILE: one engine log line per write, appended. */
static void
log_to_file(enum vcm_log_level level, const char *line, void *arg)
{
	int fd = *(int *)arg;
	size_t n = strlen(line);
	char buf[VCM_LOG_LINE_MAX + 1];

	(void)level;
	/* One write per line, so lines of concurrent writers never mix. */
	if (n > sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	memcpy(buf, line, n);
	buf[n++] = '\n';
	(void)!write(fd, buf, n);
}

/*
 * A Close Session the BMC never confirmed may leave its slot taken
 * until the BMC's idle timeout (Cisco IMC: 60 s): the next run could
 * meet "no free session slot", so say why now.
 */
static void
warn_unconfirmed(struct eng *e)
{
	struct eng_counters k;

	eng_counters(e, &k);
	if (k.close_unconfirmed > 0)
		fprintf(stderr, "vcmctl: warning: %" PRIu64 " Close Session "
		    "request(s) not confirmed by the BMC; their session "
		    "slots may stay in use until the BMC's idle timeout\n",
		    k.close_unconfirmed);
}

static int
cmd_ipmi(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "fanout", required_argument, NULL, 'F' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "sol-seconds", required_argument, NULL, 'S' },
		{ "sol-policy", required_argument, NULL, 'Y' },
		{ "quirks", required_argument, NULL, 'Q' },
		{ "sessions", required_argument, NULL, 'M' },
		{ "log", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct eng_bmc_config bc;
	struct eng_opts eo;
	struct ctl c;
	char pw[256], err[160];
	const char *hosts = NULL, *user = NULL, *pwfile = NULL, *env;
	const char *bind = "0.0.0.0", *quirks = NULL, *logfile = NULL;
	unsigned long v, port = 0, suite = 0, priv = IPMI_PRIV_ADMIN;
	unsigned long sessions = 0;
	size_t i, pwlen;
	int ch, have_pw = 0, r, n, sol = 0;
	static int logfd = -1;
	uint32_t sol_seconds = 0;
	uint8_t policy = ENG_CONSOLE_TAKE;
	uv_loop_t loop;

	memset(&c, 0, sizeof(c));
	memset(pw, 0, sizeof(pw));
	c.fanout = VCM_CTL_FANOUT_DEFAULT;
	c.timeout_ms = VCM_CTL_TIMEOUT_MS;
	c.rounds = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+H:U:P:Ef:C:p:L:b:h", lopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'H':
			hosts = optarg;
			break;
		case 'U':
			user = optarg;
			break;
		case 'P':
			fprintf(stderr, "vcmctl: warning: a password given "
			    "with -P is visible to other users (ps); use -E "
			    "or -f\n");
			(void)snprintf(pw, sizeof(pw), "%s", optarg);
			/* Hide it from ps where we can. */
			vcm_wipe(optarg, strlen(optarg));
			have_pw = 1;
			break;
		case 'E':
			if ((env = getenv("IPMI_PASSWORD")) == NULL) {
				fprintf(stderr, "vcmctl: -E: IPMI_PASSWORD is "
				    "not set\n");
				return CTL_EXIT_USAGE;
			}
			(void)snprintf(pw, sizeof(pw), "%s", env);
			have_pw = 1;
			break;
		case 'f':
			pwfile = optarg;
			break;
		case 'C':
			if (parse_uint(optarg, 0, 255, &suite) != 0 ||
			    (suite != 3 && suite != 17)) {
				fprintf(stderr, "vcmctl: -C: cipher suite 17 "
				    "or 3\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'p':
			if (parse_uint(optarg, 1, 65535, &port) != 0) {
				fprintf(stderr, "vcmctl: -p: port 1-65535\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'L':
			if (strcasecmp(optarg, "user") == 0)
				priv = IPMI_PRIV_USER;
			else if (strcasecmp(optarg, "operator") == 0)
				priv = IPMI_PRIV_OPERATOR;
			else if (strcasecmp(optarg, "admin") == 0 ||
			    strcasecmp(optarg, "administrator") == 0)
				priv = IPMI_PRIV_ADMIN;
			else {
				fprintf(stderr, "vcmctl: -L: user, operator "
				    "or admin\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'b':
			bind = optarg;
			break;
		case 't':
			if (parse_uint(optarg, 1, VCM_CTL_TIMEOUT_MAX_MS,
			    &v) != 0) {
				fprintf(stderr, "vcmctl: --timeout: 1-%d ms\n",
				    VCM_CTL_TIMEOUT_MAX_MS);
				return CTL_EXIT_USAGE;
			}
			c.timeout_ms = (uint32_t)v;
			break;
		case 'F':
			if (parse_uint(optarg, 1, VCM_CTL_FANOUT_MAX, &v) != 0) {
				fprintf(stderr, "vcmctl: --fanout: 1-%d\n",
				    VCM_CTL_FANOUT_MAX);
				return CTL_EXIT_USAGE;
			}
			c.fanout = v;
			break;
		case 'R':
			if (parse_uint(optarg, 1, VCM_CTL_REPEAT_MAX, &v) != 0) {
				fprintf(stderr, "vcmctl: --repeat: 1-%d\n",
				    VCM_CTL_REPEAT_MAX);
				return CTL_EXIT_USAGE;
			}
			c.rounds = (unsigned int)v;
			break;
		case 'S':
			if (parse_uint(optarg, 1, VCM_CTL_SOL_SECONDS_MAX,
			    &v) != 0) {
				fprintf(stderr, "vcmctl: --sol-seconds: 1-%d\n",
				    VCM_CTL_SOL_SECONDS_MAX);
				return CTL_EXIT_USAGE;
			}
			sol_seconds = (uint32_t)v;
			break;
		case 'Y':
			if (strcmp(optarg, "take") == 0)
				policy = ENG_CONSOLE_TAKE;
			else if (strcmp(optarg, "refuse") == 0)
				policy = ENG_CONSOLE_REFUSE;
			else {
				fprintf(stderr, "vcmctl: --sol-policy: take "
				    "or refuse\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'Q':
			quirks = optarg;
			break;
		case 'G':
			logfile = optarg;
			break;
		case 'M':
			if (parse_uint(optarg, 1, VCM_BMC_SESSIONS_MAX,
			    &sessions) != 0) {
				fprintf(stderr, "vcmctl: --sessions: 1-%d\n",
				    VCM_BMC_SESSIONS_MAX);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 2 && strcmp(argv[0], "sol") == 0 &&
	    strcmp(argv[1], "activate") == 0) {
		sol = 1;
		if (c.rounds > 1) {
			fprintf(stderr, "vcmctl: sol activate: no --repeat\n");
			vcm_wipe(pw, sizeof(pw));
			return CTL_EXIT_USAGE;
		}
	} else if (parse_command(argc, argv, &c.op) != 0) {
		fprintf(stderr, "vcmctl: unknown or missing COMMAND\n");
		usage(stderr);
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_USAGE;
	}
	if (quirks != NULL) {
		struct eng_quirk_profile qp;
		struct eng_quirk_effect qe;

		/* The engine checks it too; here the operator gets the
		 * parser's reason and a usage exit before any traffic. */
		(void)eng_quirks_lookup(0, 0, &qp);
		if (eng_quirks_apply(&qp, 0, 0, NULL, 0, quirks, &qe, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "vcmctl: --quirks: %s\n", err);
			vcm_wipe(pw, sizeof(pw));
			return CTL_EXIT_USAGE;
		}
	}
	if (pwfile != NULL) {
		if (read_password_file(pwfile, pw, sizeof(pw)) != 0)
			return CTL_EXIT_USAGE;
		have_pw = 1;
	}
	if (hosts == NULL || user == NULL || !have_pw) {
		fprintf(stderr, "vcmctl: -H, -U and one of -P, -E, -f are "
		    "required\n");
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_USAGE;
	}
	pwlen = strlen(pw);
	if (strlen(user) > VCM_IPMI_USER_MAX || pwlen > VCM_IPMI_KEY_MAX) {
		fprintf(stderr, "vcmctl: user name at most %d bytes, password "
		    "at most %d\n", VCM_IPMI_USER_MAX, VCM_IPMI_KEY_MAX);
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_USAGE;
	}
	c.hosts = calloc(VCM_CTL_HOSTS_MAX, sizeof(*c.hosts));
	if (c.hosts == NULL) {
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_FAIL;
	}
	n = hostrange_parse(hosts, c.hosts, VCM_CTL_HOSTS_MAX, err,
	    sizeof(err));
	if (n <= 0) {
		fprintf(stderr, "vcmctl: -H: %s\n", err);
		free(c.hosts);
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_USAGE;
	}
	c.nhosts = (size_t)n;
	if (sol && c.nhosts != 1) {
		fprintf(stderr, "vcmctl: sol activate: one host only (-H "
		    "gave %zu)\n", c.nhosts);
		free(c.hosts);
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_USAGE;
	}
	if ((c.st = calloc(c.nhosts, sizeof(*c.st))) == NULL) {
		free(c.hosts);
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_FAIL;
	}
	vcm_log_set_level(logfile != NULL ? VCM_LOG_INFO : VCM_LOG_ERROR);
	if (getenv("VCMCTL_DEBUG") != NULL)
		vcm_log_set_level(VCM_LOG_DEBUG);
	if (logfile != NULL) {
		/* The engine's decisions (a stale SOL taken or refused, a
		 * lying teardown) as key=value lines, for the operator. */
		if ((logfd = open(logfile, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0600)) < 0) {
			fprintf(stderr, "vcmctl: --log %s: %s\n", logfile,
			    strerror(errno));
			free(c.st);
			free(c.hosts);
			vcm_wipe(pw, sizeof(pw));
			return CTL_EXIT_USAGE;
		}
		vcm_log_set_sink(log_to_file, &logfd);
	}
	uv_loop_init(&loop);
	memset(&eo, 0, sizeof(eo));
	eo.bind_addr = bind;
	/* One-shot: close at once; --repeat: keep sessions warm. */
	eo.idle_ms = c.rounds > 1 ? VCM_CTL_IDLE_MS : 0;
	eo.console_cb = sol_on_event;
	eo.console_policy = policy;
	/* `~.` means now: no linger for a page reload (there is none). */
	eo.console_linger_ms = 1;
	if ((c.e = eng_new(&loop, &eo, on_result, &c, &r)) == NULL) {
		fprintf(stderr, "vcmctl: engine: %s\n", vcm_strerror(r));
		free(c.st);
		free(c.hosts);
		vcm_wipe(pw, sizeof(pw));
		uv_loop_close(&loop);
		return CTL_EXIT_FAIL;
	}
	memset(&bc, 0, sizeof(bc));
	memcpy(bc.user, user, strlen(user));
	memcpy(bc.password, pw, pwlen);
	bc.password_len = (uint8_t)pwlen;
	vcm_wipe(pw, sizeof(pw));
	bc.priv = (uint8_t)priv;
	bc.max_sessions = (uint8_t)sessions;
	if (quirks != NULL)
		(void)snprintf(bc.quirks_override,
		    sizeof(bc.quirks_override), "%s", quirks);
	if (suite != 0) {
		bc.suites[0] = (uint8_t)suite;
		bc.nsuites = 1;
	}
	for (i = 0; i < c.nhosts; i++) {
		int64_t id;

		bc.addr = c.hosts[i].addr;
		bc.port = c.hosts[i].port ? c.hosts[i].port : (uint16_t)port;
		id = eng_bmc_add(c.e, &bc);
		if (id == VCM_ESTATE)
			id = eng_bmc_lookup(c.e, bc.addr, bc.port);
		if (id <= 0) {
			fprintf(stderr, "vcmctl: %s: %s\n", c.hosts[i].text,
			    vcm_strerror((int)id));
			c.failed = 1;
			id = 0;
		}
		c.st[i].bmc = (uint32_t)id;
	}
	vcm_wipe(&bc, sizeof(bc));
	if (sol) {
		r = c.failed ? CTL_EXIT_FAIL : sol_run(&c, &loop, sol_seconds);
		if (c.failed)
			eng_stop(c.e);
		(void)uv_run(&loop, UV_RUN_DEFAULT);
		warn_unconfirmed(c.e);
		eng_free(c.e);
		(void)uv_loop_close(&loop);
		free(c.st);
		free(c.hosts);
		return r;
	}
	round_start(&c);
	(void)uv_run(&loop, UV_RUN_DEFAULT);
	warn_unconfirmed(c.e);
	eng_free(c.e);
	(void)uv_loop_close(&loop);
	free(c.st);
	free(c.hosts);
	return c.failed ? CTL_EXIT_FAIL : 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CTL_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "ipmi") == 0)
		return cmd_ipmi(argc - 1, argv + 1);
	if (vcmctl_api_has(argv[1]))
		return vcmctl_api_main(argc - 1, argv + 1);
	fprintf(stderr, "vcmctl: unknown subcommand \"%s\" (vcmctl --help "
	    "lists them)\n", argv[1]);
	return CTL_EXIT_USAGE;
}
