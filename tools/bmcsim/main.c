/*
 * bmcsim: a fleet of simulated IPMI BMCs in one process, for tests and
 * benchmarks. See docs/bmcsim.md.
 *
 *	bmcsim --addrs 127.20.0.0/22 --count 1000 --user admin \
 *	    --password secret [--port 623] [--control PATH]
 *	bmcsim --config FILE
 *
 * Stays in the foreground, logs to stderr, prints "ready N" on stdout
 * once every BMC listens, and stops cleanly on SIGTERM or SIGINT.
 */
#include <sys/resource.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "ipmi/rakp.h"
#include "quirks.h"
#include "sim.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: bmcsim --addrs CIDR --count N --user NAME --password PW\n"
	    "              [--port PORT] [--control PATH] [--verbose]\n"
	    "       bmcsim --config FILE [--port PORT] [--control PATH]\n"
	    "BMC k (1..N) listens on the k-th address after the network\n"
	    "address of CIDR (loopback only). See docs/bmcsim.md.\n");
}

static void
on_signal(uv_signal_t *sig, int signum)
{
	struct sim *sim = sig->data;
	char name[16];

	snprintf(name, sizeof(name), "%d", signum);
	vcm_log(VCM_LOG_INFO, "stopping", "signal", name, NULL);
	sim_control_stop(sim);
	sim_net_stop(sim);
	uv_stop(sim->loop);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "addrs", required_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' },
		{ "control", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sim_config cfg;
	struct sim sim;
	uv_signal_t sigterm, sigint;
	const char *addrs = NULL, *user = NULL, *password = NULL;
	const char *config = NULL, *control = NULL;
	const struct sim_profile *prof;
	uint32_t count = 0, port = 0, i, addr;
	char err[256], n[16];
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': addrs = optarg; break;
		case 'u': user = optarg; break;
		case 'p': password = optarg; break;
		case 'c': control = optarg; break;
		case 'f': config = optarg; break;
		case 'v': vcm_log_set_level(VCM_LOG_DEBUG); break;
		case 'n':
			if (sim_parse_u32(optarg, 1, VCM_SIM_BMCS_MAX,
			    &count) != 0) {
				fprintf(stderr, "bmcsim: --count must be 1..%u\n",
				    VCM_SIM_BMCS_MAX);
				return 2;
			}
			break;
		case 'P':
			if (sim_parse_u32(optarg, 1, 65535, &port) != 0) {
				fprintf(stderr, "bmcsim: --port must be "
				    "1..65535\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (config == NULL) == (addrs == NULL)) {
		usage(stderr);
		return 2;
	}
	sim_config_init(&cfg);
	if (config != NULL) {
		if (sim_config_load(&cfg, config, err, sizeof(err)) != 0) {
			fprintf(stderr, "bmcsim: %s\n", err);
			return 2;
		}
	} else {
		if (count == 0 || user == NULL || password == NULL) {
			fprintf(stderr, "bmcsim: --addrs needs --count, --user "
			    "and --password\n");
			return 2;
		}
		if (sim_config_add_plain(&cfg, addrs, count, user, password,
		    err, sizeof(err)) != 0) {
			fprintf(stderr, "bmcsim: %s\n", err);
			return 2;
		}
	}
	if (port != 0)
		cfg.port = (uint16_t)port;
	if (control != NULL) {
		if (strlen(control) >= sizeof(cfg.control)) {
			fprintf(stderr, "bmcsim: --control path too long\n");
			return 2;
		}
		memcpy(cfg.control, control, strlen(control) + 1);
	}

	/*
	 * One socket per BMC: raise the soft open-file limit to the hard
	 * one, and say clearly when even that cannot hold the fleet.
	 */
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
			if (rl.rlim_cur != RLIM_INFINITY &&
			    rl.rlim_cur < (rlim_t)cfg.total + 64) {
				fprintf(stderr, "bmcsim: %u BMCs need %u open "
				    "files; the limit is %llu\n", cfg.total,
				    cfg.total + 64,
				    (unsigned long long)rl.rlim_cur);
				return 1;
			}
		}
	}
	memset(&sim, 0, sizeof(sim));
	sim.loop = uv_default_loop();
	sim.cfg = &cfg;
	sim.nbmcs = cfg.total;
	if ((sim.bmcs = calloc(sim.nbmcs, sizeof(*sim.bmcs))) == NULL) {
		fprintf(stderr, "bmcsim: out of memory for %u BMCs\n",
		    sim.nbmcs);
		return 1;
	}
	for (i = 0; i < sim.nbmcs; i++) {
		if (sim_config_addr(&cfg, i, &addr, &prof) != 0)
			return 1;
		sim_bmc_init(&sim, &sim.bmcs[i], i, addr, prof);
	}
	if (sim_net_start(&sim) != 0) {
		fprintf(stderr, "bmcsim: could not bind every BMC "
		    "(see the log above; the open-file limit?)\n");
		return 1;
	}
	if (cfg.control[0] != '\0' &&
	    sim_control_start(&sim, cfg.control) != 0) {
		fprintf(stderr, "bmcsim: cannot listen on %s\n", cfg.control);
		return 1;
	}
	uv_signal_init(sim.loop, &sigterm);
	uv_signal_init(sim.loop, &sigint);
	sigterm.data = sigint.data = &sim;
	uv_signal_start(&sigterm, on_signal, SIGTERM);
	uv_signal_start(&sigint, on_signal, SIGINT);
	signal(SIGPIPE, SIG_IGN);

	snprintf(n, sizeof(n), "%u", sim.nbmcs);
	vcm_log(VCM_LOG_INFO, "ready", "bmcs", n, NULL);
	printf("ready %u\n", sim.nbmcs);
	fflush(stdout);

	uv_run(sim.loop, UV_RUN_DEFAULT);
	/* Let every close callback run, then free what they released. */
	uv_close((uv_handle_t *)&sigterm, NULL);
	uv_close((uv_handle_t *)&sigint, NULL);
	uv_run(sim.loop, UV_RUN_DEFAULT);
	for (i = 0; i < sim.nbmcs; i++) {
		struct bmc *b = &sim.bmcs[i];
		uint8_t k;

		for (k = 0; b->sessions != NULL && k < b->nslots; k++)
			sim_session_close(b, &b->sessions[k]);
		free(b->sessions);
		free(b->sol);
		free(b->pending);
	}
	free(sim.bmcs);
	uv_loop_close(sim.loop);
	return 0;
}
