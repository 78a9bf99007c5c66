/*
 * vcmctl: the command-line client of vcm. For now only `vcmctl ipmi`,
 * the one part that links the engine and talks to BMCs directly (for
 * operators' diagnostics, tests and benchmarks); the other subcommands
 * come with vcmd's API.
 *
 *	vcmctl ipmi -H HOSTS -U USER (-P PASS | -E | -f FILE) [-C 17|3]
 *	    [-p PORT] [-L PRIV] [--timeout MS] [--fanout N] [--repeat N]
 *	    COMMAND
 *
 * One line per host in input order; exit status 0 only when every host
 * succeeded (in every round).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "ipmi/defs.h"
#include "engine/engine.h"
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
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: vcmctl ipmi -H HOSTS -U USER (-P PASS | -E | -f FILE) [-C 17|3]\n"
"           [-p PORT] [-L user|operator|admin] [--timeout MS] [--fanout N]\n"
"           [--repeat N] COMMAND\n"
"\n"
"  HOSTS    127.0.0.5 | a,b,c | 127.20.[0-3].[1-250] | host:port (IPv4 only)\n"
"  COMMAND  power status|on|off|cycle|reset|soft\n"
"           bootdev pxe|bios|disk      (next boot only)\n"
"           mc info | chassis status\n"
"           sol activate               (not yet: comes with consoles)\n"
"  -E       password from IPMI_PASSWORD;  -f FILE: its first line\n"
"  -P       password on the command line (visible to other users)\n"
"\n"
"Other vcmctl subcommands come with vcmd's API.\n");
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

static int
cmd_ipmi(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "fanout", required_argument, NULL, 'F' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct eng_bmc_config bc;
	struct eng_opts eo;
	struct ctl c;
	char pw[256], err[160];
	const char *hosts = NULL, *user = NULL, *pwfile = NULL, *env;
	const char *bind = "0.0.0.0";
	unsigned long v, port = 0, suite = 0, priv = IPMI_PRIV_ADMIN;
	size_t i, pwlen;
	int ch, have_pw = 0, r, n;
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
		fprintf(stderr, "vcmctl: sol activate: not yet implemented "
		    "(it comes with the console slice of the engine)\n");
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_USAGE;
	}
	if (parse_command(argc, argv, &c.op) != 0) {
		fprintf(stderr, "vcmctl: unknown or missing COMMAND\n");
		usage(stderr);
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_USAGE;
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
	if ((c.st = calloc(c.nhosts, sizeof(*c.st))) == NULL) {
		free(c.hosts);
		vcm_wipe(pw, sizeof(pw));
		return CTL_EXIT_FAIL;
	}
	vcm_log_set_level(VCM_LOG_ERROR);
	if (getenv("VCMCTL_DEBUG") != NULL)
		vcm_log_set_level(VCM_LOG_DEBUG);
	uv_loop_init(&loop);
	memset(&eo, 0, sizeof(eo));
	eo.bind_addr = bind;
	/* One-shot: close at once; --repeat: keep sessions warm. */
	eo.idle_ms = c.rounds > 1 ? VCM_CTL_IDLE_MS : 0;
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
	round_start(&c);
	(void)uv_run(&loop, UV_RUN_DEFAULT);
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
	fprintf(stderr, "vcmctl: unknown subcommand \"%s\" (only \"ipmi\" "
	    "for now; the others come with vcmd's API)\n", argv[1]);
	return CTL_EXIT_USAGE;
}
