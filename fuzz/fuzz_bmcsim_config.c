/*
 * Fuzzes bmcsim's config file parser (tools/bmcsim/config.c) and the
 * value parsers it shares with the control protocol. A parsed fleet must
 * keep every promise sim_config_add_group() makes: only 127.0.0.0/8
 * addresses, no overlapping groups, a bounded total, users and suites
 * consistent; any broken promise aborts. The input is also fed, as one
 * NUL-terminated string, to the CIDR, quirk-list, duration and rate
 * parsers, whose results are checked against their ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/limits.h"
#include "bmcsim/config.h"
#include "bmcsim/quirks.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Big: keep it off the stack. */
static struct sim_config cfg;

static void
check_fleet(const struct sim_config *c)
{
	const struct sim_group *g, *h;
	const struct sim_profile *p;
	char qtext[SIM_QUIRKS_TEXT_MAX];
	uint32_t total = 0, addr, back;
	size_t i, j, u;
	int n;

	if (c->ngroups > VCM_SIM_GROUPS_MAX || c->total > VCM_SIM_BMCS_MAX ||
	    memchr(c->control, '\0', sizeof(c->control)) == NULL)
		abort();
	for (i = 0; i < c->ngroups; i++) {
		g = &c->groups[i];
		p = &g->prof;
		if (g->count == 0 || !SIM_IS_LOOPBACK(g->first) ||
		    !SIM_IS_LOOPBACK(g->first + (g->count - 1)) ||
		    g->first + (g->count - 1) < g->first)
			abort();
		for (j = 0; j < i; j++) {
			h = &c->groups[j];
			if (g->first <= h->first + (h->count - 1) &&
			    h->first <= g->first + (g->count - 1))
				abort();
		}
		if (p->nusers == 0 || p->nusers > VCM_SIM_USERS_MAX ||
		    p->slots == 0 || p->slots > VCM_SIM_SLOTS_MAX ||
		    p->session_timeout_ms == 0 ||
		    p->session_timeout_ms > VCM_SIM_TIMEOUT_MAX_MS ||
		    p->sol_retry_ms == 0 ||
		    p->sol_retry_ms > VCM_SIM_DELAY_MAX_MS ||
		    p->output_bps == 0 || p->output_bps > VCM_SIM_OUTPUT_BPS_MAX ||
		    p->faults.loss > SIM_PERMILLE_MAX ||
		    p->faults.dup > SIM_PERMILLE_MAX ||
		    p->faults.reorder > SIM_PERMILLE_MAX ||
		    p->faults.garbage > SIM_PERMILLE_MAX ||
		    p->faults.delay_ms > VCM_SIM_DELAY_MAX_MS ||
		    (p->quirks & ~SIM_Q_ALL) != 0 || p->suites == 0 ||
		    (p->suites >> (SIM_SUITE_MAX + 1)) != 0 ||
		    ((p->suites & 1) != 0) !=
		    ((p->quirks & SIM_Q_INSECURE_CS0) != 0) ||
		    memchr(p->vendor, '\0', sizeof(p->vendor)) == NULL ||
		    sim_vendor_find(p->vendor, strlen(p->vendor)) == NULL)
			abort();
		for (u = 0; u < p->nusers; u++) {
			size_t nl = strnlen(p->users[u].name,
			    sizeof(p->users[u].name));

			if (nl == 0 || nl > VCM_IPMI_USER_MAX ||
			    p->users[u].password_len > VCM_IPMI_KEY_MAX ||
			    p->users[u].priv < 2 || p->users[u].priv > 4)
				abort();
			for (j = 0; j < u; j++)
				if (strcmp(p->users[j].name,
				    p->users[u].name) == 0)
					abort();
		}
		n = sim_quirks_format(p->quirks, qtext, sizeof(qtext));
		if (n < 0 || sim_quirks_parse(qtext, (size_t)n, &back, NULL,
		    0) != 0 || back != p->quirks)
			abort();
		total += g->count;
	}
	if (total != c->total)
		abort();
	if (total > 0) {
		if (sim_config_addr(c, 0, &addr, &p) != 0 ||
		    addr != c->groups[0].first)
			abort();
		if (sim_config_addr(c, total - 1, &addr, &p) != 0 ||
		    p != &c->groups[c->ngroups - 1].prof)
			abort();
	}
	if (sim_config_addr(c, total, &addr, &p) == 0)
		abort();
}

static void
value_parsers(const uint8_t *data, size_t size)
{
	char s[64], err[128];
	uint32_t net, ms, set;
	unsigned int prefix;
	uint16_t pm;

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	if (sim_parse_cidr(s, &net, &prefix, err, sizeof(err)) == 0 &&
	    (!SIM_IS_LOOPBACK(net) || prefix < 8 || prefix > 30 ||
	    (net & ~(0xffffffffu << (32 - prefix))) != 0))
		abort();
	if (sim_parse_duration(s, 1, VCM_SIM_DELAY_MAX_MS, &ms) == 0 &&
	    ms > VCM_SIM_DELAY_MAX_MS)
		abort();
	if (sim_parse_rate(s, &pm) == 0 && pm > SIM_PERMILLE_MAX)
		abort();
	if (sim_quirks_parse(s, strlen(s), &set, err, sizeof(err)) == 0 &&
	    (set & ~SIM_Q_ALL) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	sim_config_init(&cfg);
	err[0] = '\0';
	if (sim_config_parse(&cfg, (const char *)data, size, "fuzz", err,
	    sizeof(err)) == 0)
		check_fleet(&cfg);
	else if (strncmp(err, "fuzz:", 5) != 0)
		abort();
	value_parsers(data, size);
	return 0;
}
