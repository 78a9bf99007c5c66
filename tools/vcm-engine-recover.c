/*
 * vcm-engine-recover: the engine's crash-recovery support and its stop
 * with a live console, driven against one BMC (bmcsim in
 * tests/integration/engine-recover.sh). Three modes:
 *
 * hold: opens a console (one viewer) and operation sessions until two
 * BMC sessions are active and the SOL is live, prints every session the
 * engine reports (struct eng_sess_event) and then "ready", and waits to
 * be killed: a vcm process that dies holding sessions and a SOL.
 *
 * close-stale [-S] SID[,SID...]: one ENG_OP_CLOSE_STALE naming those
 * BMC session ids (hex with 0x, or decimal); -S ends a SOL left active
 * too. Prints the result; exit 0 only if the engine says OK.
 *
 * stop: opens a console, and once it is live calls eng_stop() with the
 * viewer still attached: the engine must tear the SOL down (verified)
 * before it closes the session. Exit 0 only if the teardown came, was
 * verified, and every session was closed.
 *
 * Usage: vcm-engine-recover -a ADDR [-p PORT] [-u USER] [-L PRIV]
 *	      [-T SECONDS] hold | stop | close-stale [-S] SID[,SID...]
 * PRIV is user, operator or admin (the default; Close Session naming
 * another session needs it).
 * The password comes from the environment (IPMI_PASSWORD, as vcmctl
 * -E), never from argv. ADDR must be in 127.0.0.0/8: a test driver that
 * opens consoles must never reach a real machine by accident. Every
 * wait is bounded by -T (default 60 s).
 *
 * Output, one line each (the shell test greps them):
 *	session active bmc=N sid_c=0x... console=0|1
 *	session closed bmc=N sid_c=0x... console=0|1 confirmed=0|1
 *	sol live
 *	teardown outcome=verified|lied|none|unverifiable deactivates=N
 *	ready
 *	result: TEXT		(close-stale: eng_result_format)
 *	stale closed=N gone=N failed=N skipped=N sol=N
 *	stopped: sessions now=N opened=N closed=N unconfirmed=N
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
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
#include "vcm/wipe.h"
#include "engine/engine.h"

#define TICK_MS		50
#define TOTAL_S_DEF	60
#define TOTAL_S_MAX	3600
/* One operation's deadline (hold's power status, close-stale). */
#define OP_MS		10000
/* Sessions hold mode waits for: the console's and an operation's. */
#define HOLD_SESSIONS	2

enum mode { M_HOLD = 1, M_STOP, M_STALE };

struct rec {
	uv_loop_t	*loop;
	struct eng	*e;
	uv_timer_t	 timer;
	uv_signal_t	 sig;
	int		 mode;
	uint32_t	 bmc;
	int64_t		 viewer;
	int		 live, ready, nactive, inflight, stopping;
	int		 teardown, td_outcome, rc, result_ok;
	uint64_t	 end_ms;
	uint32_t	 sids[VCM_ENG_STALE_MAX];
	uint8_t		 nsids;
	uint8_t		 sol;
};

static void
usage(void)
{
	fprintf(stderr, "usage: vcm-engine-recover -a ADDR [-p PORT] "
	    "[-u USER] [-L PRIV] [-T SECONDS]\n"
	    "           hold | stop | close-stale [-S] SID[,SID...]\n");
	exit(2);
}

static const char *
outcome_name(int o)
{
	switch (o) {
	case ENG_CON_TD_VERIFIED:
		return "verified";
	case ENG_CON_TD_LIED:
		return "lied";
	case ENG_CON_TD_NONE:
		return "none";
	default:
		return "unverifiable";
	}
}

static void	say(const char *, ...)
    __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Ends the run: the engine's stop is bounded, so uv_run() returns. */
static void
finish(struct rec *r, int rc)
{
	if (r->stopping)
		return;
	r->stopping = 1;
	r->rc = rc;
	uv_timer_stop(&r->timer);
	uv_close((uv_handle_t *)&r->timer, NULL);
	uv_signal_stop(&r->sig);
	uv_close((uv_handle_t *)&r->sig, NULL);
	eng_stop(r->e);
}

static void
on_session(void *arg, const struct eng_sess_event *ev)
{
	struct rec *r = arg;

	if (ev->kind == ENG_SE_ACTIVE) {
		r->nactive++;
		say("session active bmc=%" PRIu32 " sid_c=0x%08" PRIx32
		    " console=%u", ev->bmc, ev->sid_c, ev->console);
	} else {
		r->nactive--;
		say("session closed bmc=%" PRIu32 " sid_c=0x%08" PRIx32
		    " console=%u confirmed=%u", ev->bmc, ev->sid_c,
		    ev->console, ev->confirmed);
	}
}

static void
on_console(void *arg, const struct eng_con_event *ev)
{
	struct rec *r = arg;

	switch (ev->kind) {
	case ENG_CON_EV_LIVE:
		r->live = 1;
		say("sol live");
		break;
	case ENG_CON_EV_TEARDOWN:
		r->teardown = 1;
		r->td_outcome = ev->ev.u.teardown.outcome;
		say("teardown outcome=%s deactivates=%u",
		    outcome_name(ev->ev.u.teardown.outcome),
		    ev->ev.u.teardown.tries);
		break;
	case ENG_CON_EV_REFUSED:
		say("# console refused (reason %u, cc %02x)",
		    ev->ev.u.refused.reason, ev->ev.u.refused.cc);
		finish(r, 1);
		break;
	default:
		break;		/* output and the rest: not looked at */
	}
}

static void
on_result(void *arg, const struct eng_result *res)
{
	struct rec *r = arg;
	char text[256];

	eng_result_format(res, text, sizeof(text));
	if (r->inflight > 0)
		r->inflight--;
	if (res->op != ENG_OP_CLOSE_STALE) {
		say("# %s: %s", eng_op_name(res->op), text);
		return;
	}
	say("result: %s", text);
	say("stale closed=%u gone=%u failed=%u skipped=%u sol=%u",
	    res->u.stale.closed, res->u.stale.gone, res->u.stale.failed,
	    res->u.stale.skipped, res->u.stale.sol);
	r->result_ok = res->reason == ENG_R_OK;
	finish(r, r->result_ok ? 0 : 1);
}

static int
submit(struct rec *r, uint8_t op)
{
	struct eng_request rq;
	int e;

	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_OP;
	rq.op = op;
	rq.bmc = r->bmc;
	rq.deadline = eng_now(r->e) + OP_MS;
	if (op == ENG_OP_CLOSE_STALE) {
		memcpy(rq.stale_sids, r->sids, sizeof(rq.stale_sids));
		rq.nstale = r->nsids;
		rq.stale_sol = r->sol;
	}
	if ((e = eng_submit(r->e, &rq)) != 0) {
		say("# submit %s: %s", eng_op_name(op), vcm_strerror(e));
		return e;
	}
	r->inflight++;
	return 0;
}

static int
viewer_open(struct rec *r)
{
	struct eng_con_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.type = ENG_MSG_CONSOLE;
	rq.verb = ENG_CON_OPEN;
	rq.rights = ENG_CON_V_WRITE;
	rq.bmc = r->bmc;
	r->viewer = eng_console_request(r->e, &rq);
	if (r->viewer < 0) {
		say("# console open: %s", vcm_strerror((int)r->viewer));
		return -1;
	}
	return 0;
}

static void
tick(uv_timer_t *t)
{
	struct rec *r = t->data;

	if (r->stopping)
		return;
	if (eng_now(r->e) >= r->end_ms) {
		say("# time limit reached");
		finish(r, 1);
		return;
	}
	switch (r->mode) {
	case M_HOLD:
		/* A second session: operations beside the console (kept
		 * warm by idle_ms, so it stays open). */
		if (r->live && r->nactive < HOLD_SESSIONS && r->inflight == 0)
			(void)submit(r, ENG_OP_POWER_STATUS);
		if (!r->ready && r->live && r->nactive >= HOLD_SESSIONS &&
		    r->inflight == 0) {
			r->ready = 1;
			say("ready");
		}
		break;
	case M_STOP:
		if (r->live) {
			say("# eng_stop() with the viewer attached");
			finish(r, 0);
		}
		break;
	default:
		break;
	}
}

static void
on_signal(uv_signal_t *s, int signum)
{
	struct rec *r = s->data;

	say("# signal %d", signum);
	finish(r, 1);
}

/* "0x1a2b,17": at most VCM_ENG_STALE_MAX ids, each 32 bits. */
static int
parse_sids(struct rec *r, const char *arg)
{
	char buf[VCM_ENG_STALE_MAX * 12], *p, *tok, *end;
	unsigned long long v;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	memcpy(buf, arg, strlen(arg) + 1);
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		if (*tok == '\0' || r->nsids >= VCM_ENG_STALE_MAX)
			return -1;
		errno = 0;
		v = strtoull(tok, &end, 0);
		if (errno != 0 || *end != '\0' || v > UINT32_MAX)
			return -1;
		r->sids[r->nsids++] = (uint32_t)v;
	}
	return r->nsids > 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct eng_bmc_config bc;
	struct eng_counters ec;
	struct eng_opts eo;
	struct in_addr ia;
	struct rec r;
	uv_loop_t loop;
	const char *addr = NULL, *user = "admin", *pass, *m;
	unsigned long port = 623, total = TOTAL_S_DEF;
	uint8_t priv = 0;
	char *end;
	int64_t id;
	int ch, err;

	memset(&r, 0, sizeof(r));
	r.viewer = -1;
	while ((ch = getopt(argc, argv, "+a:p:u:L:T:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = strtoul(optarg, &end, 10);
			if (*end != '\0' || port == 0 || port > 65535)
				usage();
			break;
		case 'u':
			user = optarg;
			break;
		case 'L':
			/* IPMI privilege levels 2, 3, 4 (IPMI 2.0 §6.8). */
			if (strcmp(optarg, "user") == 0)
				priv = 2;
			else if (strcmp(optarg, "operator") == 0)
				priv = 3;
			else if (strcmp(optarg, "admin") == 0)
				priv = 4;
			else
				usage();
			break;
		case 'T':
			total = strtoul(optarg, &end, 10);
			if (*end != '\0' || total == 0 || total > TOTAL_S_MAX)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (addr == NULL || argc < 1)
		usage();
	m = argv[0];
	if (strcmp(m, "hold") == 0 && argc == 1)
		r.mode = M_HOLD;
	else if (strcmp(m, "stop") == 0 && argc == 1)
		r.mode = M_STOP;
	else if (strcmp(m, "close-stale") == 0) {
		r.mode = M_STALE;
		if (argc == 3 && strcmp(argv[1], "-S") == 0) {
			r.sol = 1;
			argv++;
			argc--;
		}
		if (argc != 2 || parse_sids(&r, argv[1]) != 0)
			usage();
	} else
		usage();
	if (inet_pton(AF_INET, addr, &ia) != 1 ||
	    (ntohl(ia.s_addr) >> 24) != 127) {
		fprintf(stderr, "vcm-engine-recover: %s: loopback (127/8) "
		    "addresses only\n", addr);
		return 2;
	}
	if ((pass = getenv("IPMI_PASSWORD")) == NULL ||
	    strlen(pass) > VCM_IPMI_KEY_MAX ||
	    strlen(user) > VCM_IPMI_USER_MAX) {
		fprintf(stderr, "vcm-engine-recover: IPMI_PASSWORD unset or "
		    "too long, or user too long\n");
		return 2;
	}
	vcm_log_set_level(VCM_LOG_WARN);
	if (uv_loop_init(&loop) != 0)
		return 1;
	r.loop = &loop;
	memset(&eo, 0, sizeof(eo));
	eo.bind_addr = "127.0.0.1";
	/* hold: the operation session stays open next to the console. */
	eo.idle_ms = 600000;
	eo.console_cb = on_console;
	eo.session_cb = on_session;
	eo.console_policy = ENG_CONSOLE_TAKE;
	if ((r.e = eng_new(&loop, &eo, on_result, &r, &err)) == NULL) {
		fprintf(stderr, "vcm-engine-recover: engine: %s\n",
		    vcm_strerror(err));
		return 1;
	}
	memset(&bc, 0, sizeof(bc));
	bc.addr = ntohl(ia.s_addr);
	bc.port = (uint16_t)port;
	memcpy(bc.user, user, strlen(user));
	memcpy(bc.password, pass, strlen(pass));
	bc.password_len = (uint8_t)strlen(pass);
	bc.priv = priv;
	id = eng_bmc_add(r.e, &bc);
	vcm_wipe(&bc, sizeof(bc));
	if (id <= 0) {
		fprintf(stderr, "vcm-engine-recover: BMC %s: %s\n", addr,
		    vcm_strerror((int)id));
		eng_stop(r.e);
		(void)uv_run(&loop, UV_RUN_DEFAULT);
		eng_free(r.e);
		return 1;
	}
	r.bmc = (uint32_t)id;
	uv_timer_init(&loop, &r.timer);
	r.timer.data = &r;
	uv_signal_init(&loop, &r.sig);
	r.sig.data = &r;
	uv_signal_start(&r.sig, on_signal, SIGTERM);
	r.end_ms = eng_now(r.e) + (uint64_t)total * 1000;
	uv_timer_start(&r.timer, tick, TICK_MS, TICK_MS);
	if (r.mode == M_STALE ? submit(&r, ENG_OP_CLOSE_STALE) != 0 :
	    viewer_open(&r) != 0)
		finish(&r, 1);
	(void)uv_run(&loop, UV_RUN_DEFAULT);
	eng_counters(r.e, &ec);
	eng_free(r.e);
	(void)uv_loop_close(&loop);
	say("stopped: sessions now=%u opened=%" PRIu64 " closed=%" PRIu64
	    " unconfirmed=%" PRIu64, ec.sessions_now, ec.sessions_opened,
	    ec.sessions_closed, ec.close_unconfirmed);
	if (r.mode == M_STOP && (!r.teardown ||
	    r.td_outcome != ENG_CON_TD_VERIFIED || ec.sessions_now != 0 ||
	    ec.close_unconfirmed != 0))
		r.rc = 1;
	return r.rc;
}
