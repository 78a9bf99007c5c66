/*
 * Fuzzes bmcsim's control protocol parser (tools/bmcsim/ctl.c). Every
 * input is one line. A parsed command must be within its ranges (target
 * in 127.0.0.0/8 or a fleet index below VCM_SIM_BMCS_MAX, rates per
 * mille, durations bounded); an inject command's bytes must survive
 * ctl_escape() and a second parse unchanged. The input bytes are also
 * escaped and unescaped on their own: that must be the identity.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/limits.h"
#include "bmcsim/config.h"
#include "bmcsim/ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct ctl_cmd cmd, cmd2;
static char esc[CTL_ESCAPE_SIZE(VCM_SIM_CTL_LINE_MAX) + 16];
static uint8_t back[VCM_SIM_CTL_LINE_MAX * 4];

static void
check_cmd(const struct ctl_cmd *c)
{
	switch (c->target.kind) {
	case CTL_T_ADDR:
		if (!SIM_IS_LOOPBACK(c->target.addr))
			abort();
		break;
	case CTL_T_INDEX:
		if (c->target.index >= VCM_SIM_BMCS_MAX)
			abort();
		break;
	case CTL_T_ALL:
		break;
	case CTL_T_NONE:
		if (c->verb != CTL_HELP && c->verb != CTL_QUIT)
			abort();
		break;
	default:
		abort();
	}
	if (c->faults.loss > SIM_PERMILLE_MAX ||
	    c->faults.dup > SIM_PERMILLE_MAX ||
	    c->faults.reorder > SIM_PERMILLE_MAX ||
	    c->faults.garbage > SIM_PERMILLE_MAX ||
	    c->faults.delay_ms > VCM_SIM_DELAY_MAX_MS ||
	    c->dark_ms > VCM_SIM_DELAY_MAX_MS ||
	    c->session_timeout_ms > VCM_SIM_TIMEOUT_MAX_MS ||
	    c->sol_retry_ms > VCM_SIM_DELAY_MAX_MS ||
	    c->output_bps > VCM_SIM_OUTPUT_BPS_MAX ||
	    c->data_len > CTL_INJECT_MAX ||
	    (c->quirks & ~SIM_Q_ALL) != 0 || c->on > 1 || c->flood > 1)
		abort();
	if (c->verb == CTL_INJECT && c->data_len == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	int n, m;

	err[0] = '\0';
	if (ctl_parse((const char *)data, size, &cmd, err, sizeof(err)) ==
	    0) {
		check_cmd(&cmd);
		if (cmd.verb == CTL_INJECT) {
			memcpy(esc, "inject all ", 11);
			n = ctl_escape(cmd.data, cmd.data_len, esc + 11,
			    sizeof(esc) - 11);
			if (n < 0)
				abort();
			/* Longer than a line is fine; else it must parse. */
			if (11 + (size_t)n <= VCM_SIM_CTL_LINE_MAX) {
				if (ctl_parse(esc, 11 + (size_t)n, &cmd2, err,
				    sizeof(err)) != 0 ||
				    cmd2.data_len != cmd.data_len ||
				    memcmp(cmd2.data, cmd.data,
				    cmd.data_len) != 0)
					abort();
			}
		}
	} else if (err[0] == '\0')
		abort();

	/* escape, then unescape, is the identity. */
	if (size <= VCM_SIM_CTL_LINE_MAX) {
		n = ctl_escape(data, size, esc, sizeof(esc));
		if (n < 0 || (size_t)n > size * 4)
			abort();
		m = ctl_unescape(esc, (size_t)n, back, sizeof(back), err,
		    sizeof(err));
		if (m < 0 || (size_t)m != size ||
		    (size > 0 && memcmp(back, data, size) != 0))
			abort();
	}
	return 0;
}
