/*
 * The control socket: a line protocol on a Unix socket for tests (see
 * docs/bmcsim.md). ctl.c parses each line; this file reads lines with a
 * bound, runs them against the fleet and writes the replies: zero or
 * more data lines, then "ok" or "err <message>".
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "ipmi/cmds.h"
#include "ctl.h"
#include "quirks.h"
#include "sim.h"

/* Connections at once: a test needs one or two. */
#define CTL_CONNS_MAX	16

struct ctl_conn {
	uv_pipe_t	 pipe;
	struct ctl_srv	*srv;
	char		 line[VCM_SIM_CTL_LINE_MAX + 1];
	size_t		 len;
	int		 overlong;	/* discarding until the next newline */
	int		 closing;
};

struct ctl_srv {
	struct sim	*sim;
	uv_pipe_t	 listen;
	char		 path[108];
	struct ctl_conn	*conns[CTL_CONNS_MAX];
};

/* A growing reply; on allocation failure the reply is cut short. */
struct reply {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};

static void	rprintf(struct reply *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
rprintf(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	size_t need;
	char *np;
	int n;

	if (r->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	need = r->len + (size_t)n + 1;
	if (need > r->cap) {
		if ((np = realloc(r->p, need * 2)) == NULL) {
			r->failed = 1;
			return;
		}
		r->p = np;
		r->cap = need * 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->p + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	r->len += (size_t)n;
}

static void
write_done(uv_write_t *req, int status)
{
	free(req->data);
	free(req);
}

static void
conn_closed(uv_handle_t *h)
{
	struct ctl_conn *c = h->data;
	int i;

	for (i = 0; i < CTL_CONNS_MAX; i++)
		if (c->srv->conns[i] == c)
			c->srv->conns[i] = NULL;
	free(c);
}

static void
conn_close(struct ctl_conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_close((uv_handle_t *)&c->pipe, conn_closed);
}

static void
send_reply(struct ctl_conn *c, struct reply *r)
{
	uv_write_t *req;
	uv_buf_t buf;

	if (r->failed) {
		free(r->p);
		r->p = NULL;
		r->len = r->cap = 0;
		r->failed = 0;
		rprintf(r, "err out of memory\n");
	}
	if (r->p == NULL || c->closing ||
	    (req = calloc(1, sizeof(*req))) == NULL) {
		free(r->p);
		return;
	}
	req->data = r->p;
	buf = uv_buf_init(r->p, (unsigned int)r->len);
	if (uv_write(req, (uv_stream_t *)&c->pipe, &buf, 1, write_done) != 0) {
		free(r->p);
		free(req);
		conn_close(c);
	}
}

static const char *
power_name(const struct bmc *b)
{
	return host_is_on(&b->host) ? "on" : "off";
}

static const char *
sol_name(const struct bmc *b)
{
	if (!b->sol_active)
		return "inactive";
	return b->sol != NULL && b->sol->owner >= 0 ? "active" : "orphaned";
}

static void
list_line(struct reply *r, const struct bmc *b)
{
	char addr[INET_ADDRSTRLEN], q[SIM_QUIRKS_TEXT_MAX];

	sim_addr_str(b->addr, addr, sizeof(addr));
	if (sim_quirks_format(b->quirks, q, sizeof(q)) < 0)
		q[0] = '\0';
	rprintf(r, "%u %s power=%s sol=%s sessions=%d/%u quirks=%s\n",
	    b->index, addr, power_name(b), sol_name(b), sim_session_count(b),
	    b->nslots, q[0] ? q : "none");
}

static void
show(struct reply *r, const struct bmc *b)
{
	char q[SIM_QUIRKS_TEXT_MAX];

	list_line(r, b);
	if (sim_quirks_format(b->quirks, q, sizeof(q)) < 0)
		q[0] = '\0';
	rprintf(r, "vendor=%s iana=%u product=0x%04x host=%s boots=%u "
	    "session-timeout=%ums sol-retry=%ums sol-retries=%u "
	    "loss=%u dup=%u reorder=%u garbage=%u delay=%ums dark=%s\n",
	    b->prof->vendor[0] ? b->prof->vendor : "generic", b->prof->iana,
	    b->prof->product_id, host_state_name(b->host.state),
	    host_boots(&b->host), b->session_timeout_ms, b->sol_retry_ms,
	    b->sol_retries, b->faults.loss, b->faults.dup, b->faults.reorder,
	    b->faults.garbage, b->faults.delay_ms,
	    b->dark_until_ms > sim_now(b->sim) ? "yes" : "no");
}

/* Milliseconds left of a flow control window, 0 when none runs. */
static unsigned long long
left(const struct bmc *b, uint64_t until)
{
	uint64_t now = sim_now(b->sim);

	return until > now ? (unsigned long long)(until - now) : 0;
}

static void
sol_line(struct reply *r, const struct bmc *b)
{
	const struct sim_sol *sol = b->sol;
	char addr[INET_ADDRSTRLEN];

	sim_addr_str(b->addr, addr, sizeof(addr));
	rprintf(r, "%u %s sol=%s owner=%d nack-left=%llums cts=%s "
	    "cts-left=%llums outq=%u sol-nack=%ums sol-cts=%ums "
	    "activations=%u tx-bytes=%llu overrun=%u resends=%u nacks=%u "
	    "cts-data=%u\n", b->index, addr, sol_name(b),
	    sol != NULL ? sol->owner : -1,
	    sol != NULL ? left(b, sol->nack_until) : 0,
	    sol != NULL && sol->cts_until > sim_now(b->sim) ? "off" : "on",
	    sol != NULL ? left(b, sol->cts_until) : 0,
	    sol != NULL ? sol->outq_len : 0,
	    (b->sol_flow_set & SIM_FLOW_NACK) ? b->sol_nack_ms :
	    b->prof->sol_nack_ms,
	    (b->sol_flow_set & SIM_FLOW_CTS) ? b->sol_cts_ms :
	    b->prof->sol_cts_ms, b->sol_activations,
	    (unsigned long long)b->sol_tx_bytes, b->sol_overrun,
	    b->sol_resends, b->sol_nacks, b->sol_cts_data);
}

static void
sessions(struct reply *r, const struct bmc *b)
{
	static const char *const names[] = { "free", "open", "rakp2",
	    "active" };
	const struct sim_session *s;
	char peer[INET_ADDRSTRLEN];
	uint64_t now = sim_now(b->sim);
	int i;

	for (i = 0; b->sessions != NULL && i < b->nslots; i++) {
		s = &b->sessions[i];
		if (s->state == SIM_SS_FREE)
			continue;
		sim_addr_str(ntohl(s->peer.sin_addr.s_addr), peer,
		    sizeof(peer));
		rprintf(r, "slot=%d state=%s id=%08x console-id=%08x suite=%u "
		    "user=%s priv=%u peer=%s:%u idle=%llums sol=%s\n", i,
		    SIM_SS_VALID(s->state) ? names[s->state] : "?", s->sid_c,
		    s->sid_m, s->suite, b->prof->users[s->user].name, s->priv,
		    peer, ntohs(s->peer.sin_port),
		    (unsigned long long)(now - s->last_ms),
		    b->sol != NULL && b->sol->owner == i ? "yes" : "no");
	}
}

static int
power(struct bmc *b, enum ctl_power p)
{
	static const int action[] = {
		[CTL_POWER_ON] = IPMI_CHASSIS_POWER_UP,
		[CTL_POWER_OFF] = IPMI_CHASSIS_POWER_DOWN,
		[CTL_POWER_CYCLE] = IPMI_CHASSIS_POWER_CYCLE,
		[CTL_POWER_RESET] = IPMI_CHASSIS_HARD_RESET,
		[CTL_POWER_SOFT] = IPMI_CHASSIS_SOFT_SHUTDOWN,
	};
	int r;

	if ((r = host_power(&b->host, action[p], sim_now(b->sim))) == 0)
		sim_busy(b);
	return r;
}

/* Runs one parsed command on one BMC; data lines go to r. */
static int
apply(struct reply *r, struct bmc *b, const struct ctl_cmd *cmd)
{
	uint8_t buf[VCM_HOST_RX_LOG_MAX];
	char esc[CTL_ESCAPE_SIZE(VCM_HOST_RX_LOG_MAX)];
	size_t n;

	switch (cmd->verb) {
	case CTL_LIST:
		list_line(r, b);
		break;
	case CTL_SHOW:
		show(r, b);
		break;
	case CTL_SESSIONS:
		sessions(r, b);
		break;
	case CTL_SOL:
		sol_line(r, b);
		break;
	case CTL_QUIRK:
		if (cmd->on)
			b->quirks |= cmd->quirks;
		else
			b->quirks &= ~cmd->quirks;
		break;
	case CTL_FAULT:
		if (cmd->fault_set & CTL_FAULT_LOSS)
			b->faults.loss = cmd->faults.loss;
		if (cmd->fault_set & CTL_FAULT_DUP)
			b->faults.dup = cmd->faults.dup;
		if (cmd->fault_set & CTL_FAULT_REORDER)
			b->faults.reorder = cmd->faults.reorder;
		if (cmd->fault_set & CTL_FAULT_GARBAGE)
			b->faults.garbage = cmd->faults.garbage;
		if (cmd->fault_set & CTL_FAULT_DELAY)
			b->faults.delay_ms = cmd->faults.delay_ms;
		break;
	case CTL_DARK:
		b->dark_until_ms = cmd->dark_ms == 0 ? 0 :
		    sim_now(b->sim) + cmd->dark_ms;
		break;
	case CTL_POWER:
		return power(b, cmd->power);
	case CTL_INJECT:
		host_inject(&b->host, cmd->data, cmd->data_len);
		sim_busy(b);
		break;
	case CTL_SERIAL_RX:
		n = host_rx_read(&b->host, buf, sizeof(buf));
		if (ctl_escape(buf, n, esc, sizeof(esc)) < 0)
			return VCM_ENOSPC;
		rprintf(r, "%s\n", esc);
		break;
	case CTL_SET:
		if (cmd->set_mask & CTL_SET_SESSION_TIMEOUT)
			b->session_timeout_ms = cmd->session_timeout_ms;
		if (cmd->set_mask & CTL_SET_SOL_RETRY)
			b->sol_retry_ms = cmd->sol_retry_ms;
		if (cmd->set_mask & CTL_SET_SOL_RETRIES)
			b->sol_retries = cmd->sol_retries;
		if (cmd->set_mask & CTL_SET_OUTPUT)
			b->host.bps = cmd->output_bps;
		if (cmd->set_mask & CTL_SET_FLOOD) {
			host_set_flood(&b->host, cmd->flood, sim_now(b->sim));
			sim_busy(b);
		}
		/* Stamp lines are a kind of flood: on starts it, off ends
		 * it only when it is the stamp kind that runs. */
		if (cmd->set_mask & CTL_SET_STAMP) {
			if (cmd->stamp)
				host_set_flood(&b->host, HOST_FLOOD_STAMP,
				    sim_now(b->sim));
			else if (b->host.flood == HOST_FLOOD_STAMP)
				host_set_flood(&b->host, 0, sim_now(b->sim));
			sim_busy(b);
		}
		if (cmd->set_mask & (CTL_SET_SOL_NACK | CTL_SET_SOL_CTS))
			sim_sol_flow(b, ((cmd->set_mask & CTL_SET_SOL_NACK) ?
			    SIM_FLOW_NACK : 0u) |
			    ((cmd->set_mask & CTL_SET_SOL_CTS) ?
			    SIM_FLOW_CTS : 0u), cmd->sol_nack_ms,
			    cmd->sol_cts_ms);
		break;
	default:
		break;
	}
	return 0;
}

static void
run_line(struct ctl_conn *c, const char *line, size_t len)
{
	struct sim *sim = c->srv->sim;
	struct reply r = { NULL, 0, 0, 0 };
	struct ctl_cmd *cmd;
	char err[256];
	uint32_t i, hits = 0;
	int rc, failed = 0;

	if ((cmd = calloc(1, sizeof(*cmd))) == NULL) {
		conn_close(c);
		return;
	}
	if (ctl_parse(line, len, cmd, err, sizeof(err)) != 0) {
		rprintf(&r, "err %s\n", err);
		goto out;
	}
	switch (cmd->verb) {
	case CTL_HELP:
		for (i = 0; ctl_help[i] != NULL; i++)
			rprintf(&r, "%s\n", ctl_help[i]);
		rprintf(&r, "ok\n");
		goto out;
	case CTL_QUIT:
		rprintf(&r, "ok\n");
		send_reply(c, &r);
		free(cmd);
		conn_close(c);
		return;
	default:
		break;
	}
	for (i = 0; i < sim->nbmcs; i++) {
		if (!ctl_target_match(&cmd->target, i, sim->bmcs[i].addr))
			continue;
		hits++;
		if ((rc = apply(&r, &sim->bmcs[i], cmd)) != 0 && !failed) {
			failed = 1;
			snprintf(err, sizeof(err), "#%u: %s", i,
			    vcm_strerror(rc));
		}
	}
	if (hits == 0)
		rprintf(&r, "err no such BMC\n");
	else if (failed)
		rprintf(&r, "err %s\n", err);
	else
		rprintf(&r, "ok\n");
out:
	free(cmd);
	send_reply(c, &r);
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char chunk[4096];	/* one loop, one read at a time */

	buf->base = chunk;
	buf->len = sizeof(chunk);
}

static void
read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct ctl_conn *c = s->data;
	ssize_t i;
	char ch;

	if (nread < 0) {
		conn_close(c);
		return;
	}
	for (i = 0; i < nread && !c->closing; i++) {
		ch = buf->base[i];
		if (ch == '\n') {
			if (c->overlong) {
				struct reply r = { NULL, 0, 0, 0 };

				rprintf(&r, "err line longer than %d bytes\n",
				    VCM_SIM_CTL_LINE_MAX);
				send_reply(c, &r);
			} else {
				if (c->len > 0 && c->line[c->len - 1] == '\r')
					c->len--;
				c->line[c->len] = '\0';
				run_line(c, c->line, c->len);
			}
			c->len = 0;
			c->overlong = 0;
			continue;
		}
		/* Reject an over-long line before its newline arrives. */
		if (c->len >= VCM_SIM_CTL_LINE_MAX) {
			c->overlong = 1;
			continue;
		}
		if (!c->overlong)
			c->line[c->len++] = ch;
	}
}

/* Frees a connection that never joined the table. */
static void
conn_free_cb(uv_handle_t *h)
{
	free(h->data);
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct ctl_srv *srv = server->data;
	struct ctl_conn *c;
	int i;

	if (status < 0)
		return;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->srv = srv;
	uv_pipe_init(srv->sim->loop, &c->pipe, 0);
	c->pipe.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0) {
		uv_close((uv_handle_t *)&c->pipe, conn_free_cb);
		return;
	}
	for (i = 0; i < CTL_CONNS_MAX && srv->conns[i] != NULL; i++)
		;
	if (i == CTL_CONNS_MAX) {
		c->closing = 1;
		uv_close((uv_handle_t *)&c->pipe, conn_free_cb);
		return;
	}
	srv->conns[i] = c;
	uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb);
}

static void
srv_closed(uv_handle_t *h)
{
	free(h->data);
}

int
sim_control_start(struct sim *sim, const char *path)
{
	struct ctl_srv *srv;
	int r;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return VCM_ENOMEM;
	srv->sim = sim;
	snprintf(srv->path, sizeof(srv->path), "%s", path);
	(void)unlink(path);	/* a stale socket from an earlier run */
	uv_pipe_init(sim->loop, &srv->listen, 0);
	srv->listen.data = srv;
	if ((r = uv_pipe_bind(&srv->listen, path)) != 0 ||
	    (r = uv_listen((uv_stream_t *)&srv->listen, 8,
	    on_connection)) != 0) {
		vcm_log(VCM_LOG_ERROR, "control_failed", "path", path,
		    "error", uv_strerror(r), NULL);
		uv_close((uv_handle_t *)&srv->listen, srv_closed);
		sim->control = NULL;
		return VCM_EIO;
	}
	sim->control = srv;
	vcm_log(VCM_LOG_INFO, "control_listening", "path", path, NULL);
	return 0;
}

void
sim_control_stop(struct sim *sim)
{
	struct ctl_srv *srv = sim->control;
	int i;

	if (srv == NULL)
		return;
	for (i = 0; i < CTL_CONNS_MAX; i++)
		if (srv->conns[i] != NULL)
			conn_close(srv->conns[i]);
	(void)unlink(srv->path);
	uv_close((uv_handle_t *)&srv->listen, srv_closed);
	sim->control = NULL;
}
