/*
 * vcmd: the Virtual Console Manager daemon.
 *
 *	vcmd [-nv] [-f config] [-o name=value ...]
 *
 * One process, one libuv loop running the engine (BMC side), the HTTPS
 * API and the console WebSockets. -n checks the configuration and
 * exits (-v prints the effective configuration). SIGTERM and SIGINT
 * stop it cleanly: consoles are told and closed, the engine tears SOL
 * down and closes every BMC session (verified), bounded by
 * VCM_VCMD_STOP_MS. Logs go to stderr (journald under systemd).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcmd/recording.h"
#include "vcmd/vcmd.h"

#define VCMD_CONFIG_DEFAULT	"/etc/vcm/vcmd.conf"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: vcmd [-nv] [-f config] [-o name=value ...]\n"
	    "  -f config      configuration file (default %s, if present)\n"
	    "  -o name=value  set one option (after the file; repeatable)\n"
	    "  -n             check the configuration and exit\n"
	    "  -v             with -n: print the effective configuration\n"
	    "options (see vcmd(8)):\n", VCMD_CONFIG_DEFAULT);
	vcmd_config_usage(stderr);
	exit(2);
}

static void
stop_deadline(uv_timer_t *t)
{
	struct vcmd *d = t->data;

	vcm_log(VCM_LOG_WARN, "vcmd_stop_deadline", NULL);
	d->exit_status = 1;
	uv_stop(d->loop);
}

static void
handle_closed(uv_handle_t *h)
{
	(void)h;
}

static void
http_stop_later(uv_timer_t *t)
{
	struct vcmd *d = t->data;

	/* The close frames have had their chance to leave. */
	http_stop(d->http);
	uv_close((uv_handle_t *)t, handle_closed);
}

static uv_timer_t stop_timer, http_timer;

static void
on_signal(uv_signal_t *s, int signum)
{
	struct vcmd *d = s->data;

	if (signum == SIGHUP) {
		vcm_log(VCM_LOG_INFO, "sighup_ignored", "note",
		    "restart vcmd to reload its configuration", NULL);
		return;
	}
	if (d->stopping) {
		vcm_log(VCM_LOG_WARN, "vcmd_stop_forced", NULL);
		d->exit_status = 1;
		uv_stop(d->loop);
		return;
	}
	d->stopping = 1;
	vcm_log(VCM_LOG_INFO, "vcmd_stopping", "signal", strsignal(signum),
	    NULL);
	console_conns_end_all(d, 1001, "vcmd stopping");
	/* Grants do not end because vcmd stops: their timers go, and the
	 * next start re-arms them from the store. */
	grants_free_all(d);
	rec_retention_stop(d);
	eng_stop(d->eng);
	uv_timer_init(d->loop, &http_timer);
	http_timer.data = d;
	uv_timer_start(&http_timer, http_stop_later, 200, 0);
	uv_timer_init(d->loop, &stop_timer);
	stop_timer.data = d;
	uv_timer_start(&stop_timer, stop_deadline, VCM_VCMD_STOP_MS, 0);
	uv_unref((uv_handle_t *)&stop_timer);
	uv_close((uv_handle_t *)&d->sig_term, handle_closed);
	uv_close((uv_handle_t *)&d->sig_int, handle_closed);
	uv_close((uv_handle_t *)&d->sig_hup, handle_closed);
}

static int
config_read(struct vcmd_config *cfg, int argc, char **argv, int *check,
    int *verbose)
{
	const char *file = NULL;
	char err[256];
	int ch, i, nset = 0;
	char **sets;

	vcmd_config_defaults(cfg);
	if ((sets = calloc((size_t)argc + 1, sizeof(*sets))) == NULL)
		return -1;
	while ((ch = getopt(argc, argv, "f:no:v")) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case 'n':
			*check = 1;
			break;
		case 'o':
			sets[nset++] = optarg;
			break;
		case 'v':
			*verbose = 1;
			break;
		default:
			free(sets);
			usage();
		}
	}
	if (optind != argc) {
		free(sets);
		usage();
	}
	if (file == NULL && access(VCMD_CONFIG_DEFAULT, F_OK) == 0)
		file = VCMD_CONFIG_DEFAULT;
	if (file != NULL && vcmd_config_load(cfg, file, err, sizeof(err))) {
		fprintf(stderr, "vcmd: %s: %s\n", file, err);
		free(sets);
		return -1;
	}
	for (i = 0; i < nset; i++)
		if (vcmd_config_set_arg(cfg, sets[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "vcmd: -o %s: %s\n", sets[i], err);
			free(sets);
			return -1;
		}
	free(sets);
	if (vcmd_config_finish(cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "vcmd: %s\n", err);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct vcmd d;
	struct eng_opts eo;
	struct http_opts ho;
	struct http_handlers hh = {
		.request = api_request,
		.txn_abort = api_txn_abort,
		.ws_open = console_ws_open,
		.ws_message = console_ws_message,
		.ws_drain = console_ws_drain,
		.ws_closed = console_ws_closed,
	};
	int check = 0, verbose = 0, err = 0;

	signal(SIGPIPE, SIG_IGN);
	if (config_read(&d.cfg, argc, argv, &check, &verbose) != 0)
		return 1;
	if (check) {
		if (verbose)
			vcmd_config_print(&d.cfg, stdout);
		printf("vcmd: configuration OK\n");
		return 0;
	}
	vcm_log_set_level((enum vcm_log_level)d.cfg.log_level);
	if (daemon_open_state(&d) != 0) {
		daemon_close_state(&d);
		return 1;
	}
	d.loop = uv_default_loop();
	d.rate = ratelimit_new(d.cfg.api_rate, d.cfg.api_burst,
	    VCM_API_RATE_TABLE_MAX);
	memset(&eo, 0, sizeof(eo));
	eo.bind_addr = d.cfg.engine_bind;
	eo.idle_ms = d.cfg.session_idle_ms;
	eo.console_cb = console_engine_event;
	eo.session_cb = bmcs_session_event;
	eo.console_policy = d.cfg.console_policy;
	eo.console_linger_ms = d.cfg.console_linger_ms;
	d.eng = eng_new(d.loop, &eo, bmcs_engine_result, &d, &err);
	if (d.rate == NULL || d.eng == NULL) {
		fprintf(stderr, "vcmd: engine: %s\n", vcm_strerror(err));
		goto fail;
	}
	memset(&ho, 0, sizeof(ho));
	ho.listen_addr = d.cfg.listen;
	ho.port = d.cfg.port;
	ho.cert_file = d.cfg.tls_cert;
	ho.key_file = d.cfg.tls_key;
	ho.ws_path = "/v1/console/ws";
	/* The console page (issue 7) is served when it is installed. */
	if (access(d.cfg.static_dir, R_OK) == 0) {
		ho.static_dir = d.cfg.static_dir;
		ho.static_prefix = "/console/";
	}
	d.http = http_new(d.loop, &ho, &hh, &d, &err);
	if (d.http == NULL) {
		fprintf(stderr, "vcmd: https on %s:%u: %s\n", d.cfg.listen,
		    d.cfg.port, vcm_strerror(err));
		goto fail;
	}
	if (bmcs_load(&d) != 0 || grants_load(&d) != 0) {
		fprintf(stderr, "vcmd: loading state: %s\n",
		    store_errmsg(d.st));
		goto fail;
	}
	bmcs_recover(&d);
	if (rec_retention_start(&d) != 0)
		vcm_log(VCM_LOG_ERROR, "recording_retention_failed", "error",
		    store_errmsg(d.st), NULL);
	uv_signal_init(d.loop, &d.sig_term);
	uv_signal_init(d.loop, &d.sig_int);
	uv_signal_init(d.loop, &d.sig_hup);
	d.sig_term.data = d.sig_int.data = d.sig_hup.data = &d;
	uv_signal_start(&d.sig_term, on_signal, SIGTERM);
	uv_signal_start(&d.sig_int, on_signal, SIGINT);
	uv_signal_start(&d.sig_hup, on_signal, SIGHUP);
	printf("vcmd: listening on https://%s:%u\n", d.cfg.listen,
	    http_port(d.http));
	fflush(stdout);
	vcm_log(VCM_LOG_INFO, "vcmd_started", "version", VCMD_VERSION,
	    "listen", d.cfg.listen, NULL);
	uv_run(d.loop, UV_RUN_DEFAULT);
	vcm_log(VCM_LOG_INFO, "vcmd_stopped", NULL);
	grants_free_all(&d);
	console_tickets_free(&d);
	rec_retention_stop(&d);
	api_recording_tickets_free();
	idmap_free(&d.conns);
	if (!uv_is_closing((uv_handle_t *)&stop_timer) && d.stopping)
		uv_close((uv_handle_t *)&stop_timer, handle_closed);
	uv_run(d.loop, UV_RUN_NOWAIT);
	http_free(d.http);
	eng_free(d.eng);
	bmcs_free_all(&d);
	ratelimit_free(d.rate);
	daemon_close_state(&d);
	uv_loop_close(d.loop);
	return d.exit_status;
fail:
	if (d.http != NULL) {
		http_stop(d.http);
		uv_run(d.loop, UV_RUN_NOWAIT);
		http_free(d.http);
	}
	if (d.eng != NULL) {
		eng_stop(d.eng);
		uv_run(d.loop, UV_RUN_DEFAULT);
		eng_free(d.eng);
	}
	bmcs_free_all(&d);
	ratelimit_free(d.rate);
	daemon_close_state(&d);
	return 1;
}
