/*
 * bmcsim's quirk and vendor tables and the default profile.
 *
 * Each quirk is named after the behaviour of real firmware it imitates,
 * so a test that turns one on says which field report it reproduces.
 * Sources are the keys of ../shared/notes/IPMI.md §1 (FreeIPMI bug
 * list sections, ipmitool issues).
 */
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "quirks.h"

const struct sim_quirk_info sim_quirk_table[] = {
	{ SIM_Q_SOL_STAYS_ACTIVE, "sol_stays_active",
	    "SOL stays active after its session dies; the payload stays "
	    "busy (\"already active\") until someone deactivates it",
	    "Dell iDRAC6 after kill -9 of the client [NAB]" },
	{ SIM_Q_DEACT_LIES, "deactivate_lies",
	    "Deactivate Payload answers success but SOL stays active",
	    "Supermicro H8QME (FreeIPMI SOL#5, #17)" },
	{ SIM_Q_DEACT_SAYS_INACTIVE, "deactivate_says_inactive",
	    "Deactivate Payload answers 80h \"already deactivated\" while "
	    "SOL is active, and SOL stays active",
	    "Dell M605/M610/M915 (FreeIPMI SOL#5, #17)" },
	{ SIM_Q_CLOSE_LOST, "close_lost",
	    "Close Session is dropped unanswered and the session is not "
	    "freed: its slot leaks until the idle timeout",
	    "Cisco IMC, 4 slots, 60 s idle kill (ipmitool#213)" },
	{ SIM_Q_SOL_DROP_ON_REBOOT, "sol_drop_on_reboot",
	    "a host reset or power cycle ends SOL silently: no more data, "
	    "no deactivation notice",
	    "Intel SR1520ML (FreeIPMI SOL#8), ipmitool issues" },
	{ SIM_Q_SOL_SEQ_JUMP, "sol_seq_jump",
	    "SOL packet sequence numbers jump after a host reboot",
	    "Tyan (FreeIPMI SOL#7); phosphor-net-ipmid#19" },
	{ SIM_Q_CAPACITY_ZERO, "capacity_zero",
	    "payload instance capacity reported as 0 (FreeIPMI assumes 1)",
	    "Dell M-series blades (FreeIPMI SOL#16)" },
	{ SIM_Q_CS17_ONLY, "cs17_only",
	    "accepts only cipher suite 17; other suites get \"insufficient "
	    "resources\" in the Open Session response",
	    "Intel M50CYP (FreeIPMI Auth#28)" },
	{ SIM_Q_OPENSESSPRIV, "opensesspriv",
	    "derives session keys from the privilege in Open Session, not "
	    "the one in RAKP1",
	    "Sun ILOM, Supermicro X8DTH/X8DTG, Intel S5500WBV/S2600JF, "
	    "OpenIPMI ipmi_sim (FreeIPMI -W opensesspriv)" },
	{ SIM_Q_INSECURE_CS0, "insecure_cs0",
	    "offers cipher suite 0 (no authentication, integrity or "
	    "confidentiality), so tests can check that clients refuse it",
	    "old firmware with suite 0 enabled (Supermicro X8DTG/X8DTU, "
	    "Intel S5500WBV: FreeIPMI -W integritycheckvalue)" },
};
const size_t sim_quirk_count = sizeof(sim_quirk_table) /
    sizeof(sim_quirk_table[0]);

/*
 * Identities are representative of each vendor's BMCs (the IANA ids are
 * the registered ones; product ids and firmware revisions are plausible
 * values, enough for vendor recognition). Slots follow IPMI.md: Cisco
 * IMC 4, iDRAC 8; phosphor-net-ipmid allows 15.
 */
const struct sim_vendor sim_vendor_table[] = {
	{ "generic", 0, 0x0000, 1, 0x00, VCM_SIM_SLOTS_DEFAULT,
	    SIM_SUITES_DEFAULT, "a plain IPMI 2.0 BMC (the default)" },
	{ "dell", 674, 0x0100, 2, 0x50, 8, SIM_SUITES_DEFAULT,
	    "Dell iDRAC" },
	{ "supermicro", 10876, 0x0907, 3, 0x88, 4, SIM_SUITES_DEFAULT,
	    "Supermicro (ATEN/AMI firmware)" },
	{ "hpe", 11, 0x2000, 2, 0x70, 8, SIM_SUITES_DEFAULT,
	    "HPE iLO" },
	{ "lenovo", 19046, 0x0215, 1, 0x10, 4, SIM_SUITES_DEFAULT,
	    "Lenovo XClarity Controller" },
	{ "cisco", 5771, 0x0065, 4, 0x10, 4, SIM_SUITES_DEFAULT,
	    "Cisco IMC (4 session slots, ipmitool#213)" },
	{ "intel", 343, 0x00b1, 2, 0x37, 4, SIM_SUITES_DEFAULT,
	    "Intel server board (add cs17_only for the M50CYP)" },
	{ "openbmc", 49871, 0x0000, 2, 0x12, 15, SIM_SUITES_DEFAULT,
	    "OpenBMC phosphor-net-ipmid" },
};
const size_t sim_vendor_count = sizeof(sim_vendor_table) /
    sizeof(sim_vendor_table[0]);

/* Writes a message if the caller gave a buffer. */
static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

/* 1 if s[0..len) is exactly the NUL-terminated word w. */
static int
word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

uint32_t
sim_quirk_by_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sim_quirk_count; i++)
		if (word_is(name, len, sim_quirk_table[i].name))
			return sim_quirk_table[i].flag;
	return 0;
}

const struct sim_quirk_info *
sim_quirk_info(uint32_t flag)
{
	size_t i;

	for (i = 0; i < sim_quirk_count; i++)
		if (sim_quirk_table[i].flag == flag)
			return &sim_quirk_table[i];
	return NULL;
}

const char *
sim_quirk_name(uint32_t flag)
{
	const struct sim_quirk_info *q = sim_quirk_info(flag);

	return q != NULL ? q->name : NULL;
}

int
sim_quirks_format(uint32_t set, char *buf, size_t len)
{
	size_t i, off = 0, n;

	if (buf == NULL || len == 0)
		return VCM_ENOSPC;
	buf[0] = '\0';
	if ((set & SIM_Q_ALL) == 0) {
		if (len < sizeof("none"))
			return VCM_ENOSPC;
		memcpy(buf, "none", sizeof("none"));
		return (int)sizeof("none") - 1;
	}
	for (i = 0; i < sim_quirk_count; i++) {
		if ((set & sim_quirk_table[i].flag) == 0)
			continue;
		n = strlen(sim_quirk_table[i].name);
		/* A comma before all but the first, and room for the NUL. */
		if (off + (off > 0) + n + 1 > len)
			return VCM_ENOSPC;
		if (off > 0)
			buf[off++] = ',';
		memcpy(buf + off, sim_quirk_table[i].name, n);
		off += n;
		buf[off] = '\0';
	}
	return (int)off;
}

int
sim_quirks_parse(const char *s, size_t len, uint32_t *set, char *err,
    size_t errlen)
{
	const char *w, *end = s + len, *comma;
	uint32_t acc = 0, f;
	size_t wl;
	char msg[160];

	*set = 0;
	if (len == 0) {
		set_err(err, errlen, "empty quirk list (use \"none\")");
		return VCM_EINVAL;
	}
	if (word_is(s, len, "none"))
		return 0;
	if (word_is(s, len, "all")) {
		*set = SIM_Q_ALL;
		return 0;
	}
	for (w = s; w <= end; w = comma + 1) {
		comma = memchr(w, ',', (size_t)(end - w));
		if (comma == NULL)
			comma = end;
		wl = (size_t)(comma - w);
		if (wl == 0) {
			set_err(err, errlen, "empty name in quirk list");
			return VCM_EINVAL;
		}
		if (word_is(w, wl, "none") || word_is(w, wl, "all")) {
			set_err(err, errlen,
			    "\"none\" and \"all\" must stand alone");
			return VCM_EINVAL;
		}
		if ((f = sim_quirk_by_name(w, wl)) == 0) {
			/* Bounded: a hostile word is cut, never overflows. */
			snprintf(msg, sizeof(msg), "unknown quirk \"%.*s\"",
			    wl > 64 ? 64 : (int)wl, w);
			set_err(err, errlen, msg);
			return VCM_EINVAL;
		}
		acc |= f;
		if (comma == end)
			break;
	}
	*set = acc;
	return 0;
}

const struct sim_vendor *
sim_vendor_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sim_vendor_count; i++)
		if (word_is(name, len, sim_vendor_table[i].name))
			return &sim_vendor_table[i];
	return NULL;
}

void
sim_vendor_apply(struct sim_profile *p, const struct sim_vendor *v)
{
	memset(p->vendor, 0, sizeof(p->vendor));
	/* Table names are short literals; cut rather than overflow. */
	snprintf(p->vendor, sizeof(p->vendor), "%s", v->name);
	p->iana = v->iana;
	p->product_id = v->product_id;
	p->fw_major = v->fw_major;
	p->fw_minor = v->fw_minor;
	p->slots = v->slots;
	p->suites = v->suites;
}

void
sim_profile_default(struct sim_profile *p)
{
	memset(p, 0, sizeof(*p));
	sim_vendor_apply(p, &sim_vendor_table[0]);
	p->suites = SIM_SUITES_DEFAULT;
	p->slots = VCM_SIM_SLOTS_DEFAULT;
	p->session_timeout_ms = VCM_SIM_SESSION_TIMEOUT_MS;
	p->sol_retry_ms = VCM_SIM_SOL_RETRY_MS;
	p->sol_retries = VCM_SIM_SOL_RETRIES;
	p->output_bps = SIM_OUTPUT_BPS_DEFAULT;
}
