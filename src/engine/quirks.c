/*
 * The vendor quirk table, its lookup and the per-BMC override parser
 * (quirks.h). Sources are the keys of ../shared/notes/IPMI.md §1
 * ([F-WC], [F-W20], [F-CON], [F-BUGS] sections, ipmitool issues); product
 * ids are FreeIPMI's (libfreeipmi/include/freeipmi/spec/
 * ipmi-product-id-spec.h, "[F-PID]" below), IANA ids the registered ones.
 *
 * Boards of IPMI.md §1 whose product id we do not know get a vendor
 * wildcard only when the workaround is harmless on a correct BMC of that
 * vendor; otherwise they are left to the per-BMC override:
 *	Intel SR1520ML/X38ML (authcap, solpayloadsize), Intel M50CYP
 *	(cs17only), Supermicro X9DRFR (nochecksum), Supermicro X8DTH-iF
 *	(solport: vcm never uses the alternate port anyway).
 */
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/sol.h"
#include "engine/quirks.h"

/* IANA enterprise numbers (enterprise-numbers.txt). */
#define IANA_SUN		42
#define IANA_INTEL		343
#define IANA_DELL		674
#define IANA_ASUS		2623
#define IANA_CISCO		5771
#define IANA_QUANTA		7244
#define IANA_PEPPERCON		10437
#define IANA_SUPERMICRO		10876
#define IANA_INVENTEC		20569
/* Registered to Nedam, but reported by Supermicro X8/X9 boards; FreeIPMI
 * calls it IPMI_IANA_ENTERPRISE_ID_SUPERMICRO_WORKAROUND. */
#define IANA_SUPERMICRO_ALT	47488

const struct eng_quirk_info eng_quirk_table[] = {
	{ ENG_Q_NOCHECKSUM, "nochecksum", "nochecksumcheck", 1,
	    "accept IPMI messages with wrong checksums (the RMCP+ MAC still "
	    "protects them)" },
	{ ENG_Q_AUTHCAP, "authcap", NULL, 1,
	    "do not require the IPMI 2.0 bit in Get Channel Auth Caps" },
	{ ENG_Q_SOLPAYLOADSIZE, "solpayloadsize", NULL, 0,
	    "ignore the SOL payload sizes of Activate Payload" },
	{ ENG_Q_SOLSTATUS, "solstatus", NULL, 1,
	    "do not use Get Payload Activation Status (a second Deactivate "
	    "verifies a teardown)" },
	{ ENG_Q_SOLCHANNELSUPPORT, "solchannelsupport", NULL, 0,
	    "never send Get Channel Payload Support" },
	{ ENG_Q_SOLCAPACITY0, "solcapacity0", NULL, 0,
	    "read a payload instance capacity of 0 as 1" },
	{ ENG_Q_DEACTLIES, "deactlies", NULL, 1,
	    "Deactivate Payload may lie: verify teardown harder" },
	{ ENG_Q_SOLSEQBUMP, "solseqbump", "solpacketseq", 1,
	    "after the SOL retransmit budget, resend once with a new "
	    "sequence number" },
	{ ENG_Q_SOLDEFERALERTS, "soldeferalerts", "serialalertsdeferred", 1,
	    "activate SOL with serial alerts deferred" },
	{ ENG_Q_CS17ONLY, "cs17only", NULL, 1,
	    "cipher suite 17 only: never fall back to suite 3" },
	{ ENG_Q_CLOSELOST, "closelost", NULL, 0,
	    "a lost Close Session reply leaks a slot: keep few sessions" },
};
const size_t eng_quirk_count = sizeof(eng_quirk_table) /
    sizeof(eng_quirk_table[0]);

/*
 * One row per board or vendor. Entries do not merge: an exact entry
 * repeats its vendor's flags. Comments: the firmware, then the source.
 */
const struct eng_quirk_profile eng_quirk_profiles[] = {
	/* ---- Supermicro ---- */
	/* Vendor row: no flag applies to the whole line; it names the
	 * vendor in logs. The exact rows below carry the known bugs. */
	{ IANA_SUPERMICRO, ENG_QUIRK_ANY, "supermicro", 0, 0, { 0 }, 0,
	    "Supermicro, any board without a row of its own" },
	/* X9SCM-iiF, product 1600 [F-PID]: wrong IPMI message
	 * checksums [F-WC]. */
	{ IANA_SUPERMICRO, 1600, "supermicro-x9scm-iif", ENG_Q_NOCHECKSUM,
	    0, { 0 }, 0,
	    "Supermicro X9SCM-iiF: bad message checksums [F-WC]" },
	/* X9DRi-F, product 1576 [F-PID]: same firmware bug [F-WC]. */
	{ IANA_SUPERMICRO, 1576, "supermicro-x9dri-f", ENG_Q_NOCHECKSUM,
	    0, { 0 }, 0,
	    "Supermicro X9DRi-F: bad message checksums [F-WC]" },
	/* X9SCM/X9SCL, product 1572, seen with IANA 47488 [F-PID]. */
	{ IANA_SUPERMICRO_ALT, 1572, "supermicro-x9scm", ENG_Q_NOCHECKSUM,
	    0, { 0 }, 0,
	    "Supermicro X9SCM (IANA 47488): bad message checksums [F-WC]" },
	/* X8DTH/X8DTG/X8DTU family, product 43707 with IANA 47488
	 * [F-PID]: invalid SOL payload sizes [F-CON]; also opensesspriv
	 * and integritycheckvalue [F-W20], which vcm needs no flag for. */
	{ IANA_SUPERMICRO_ALT, 43707, "supermicro-x8dt", ENG_Q_SOLPAYLOADSIZE,
	    0, { 0 }, 0,
	    "Supermicro X8DTH/X8DTG/X8DTU: bad SOL payload sizes [F-CON]" },
	/* X8SIL-F, product 1541 with IANA 47488 [F-PID]: Get Payload
	 * Activation Status answers CCh [F-CON][F-BUGS SOL#11]. */
	{ IANA_SUPERMICRO_ALT, 1541, "supermicro-x8sil-f", ENG_Q_SOLSTATUS,
	    0, { 0 }, 0,
	    "Supermicro X8SIL-F: Activation Status not implemented "
	    "[F-CON][F-BUGS SOL#11]" },
	/* H8QME + SIMSO card, Peppercon firmware: Deactivate Payload
	 * answers OK and SOL stays active [F-BUGS SOL#5, #17]. Its product
	 * id is not known; verifying harder is harmless on any Peppercon
	 * BMC, so the row covers the vendor. */
	{ IANA_PEPPERCON, ENG_QUIRK_ANY, "peppercon", ENG_Q_DEACTLIES, 0,
	    { 0 }, 0,
	    "Supermicro H8QME (Peppercon firmware): Deactivate lies "
	    "[F-BUGS SOL#5, #17]" },

	/* ---- Intel ---- */
	/* Windmill (Intel/Wiwynn) and Quanta Winterfell report Intel's id
	 * with product 2818 [F-PID]: no Get Channel Payload Support, SOL
	 * activation needs alerts deferred, SOL gets stuck [F-CON][F-IPR]
	 * [F-BUGS SOL#4]. */
	{ IANA_INTEL, 2818, "intel-windmill",
	    ENG_Q_SOLCHANNELSUPPORT | ENG_Q_SOLDEFERALERTS | ENG_Q_SOLSEQBUMP,
	    0, { 0 }, 0,
	    "Intel/Wiwynn Windmill, Quanta Winterfell: solchannelsupport, "
	    "serialalertsdeferred, solpacketseq [F-CON][F-BUGS SOL#4]" },

	/* ---- Dell ---- */
	/* M605/M610/M915 blades: payload capacity 0 [F-BUGS SOL#16] and
	 * Deactivate answering 80h while active [F-BUGS SOL#5, #17]. Blade
	 * product ids are not known; reading 0 as 1 and verifying harder
	 * are harmless on any Dell, so the row covers the vendor. */
	{ IANA_DELL, ENG_QUIRK_ANY, "dell",
	    ENG_Q_SOLCAPACITY0 | ENG_Q_DEACTLIES, 0, { 0 }, 0,
	    "Dell M605/M610/M915 (iDRAC/CMC): capacity 0, Deactivate 80h "
	    "while active [F-BUGS SOL#16, #5, #17]" },

	/* ---- Inventec, Quanta ---- */
	/* Inventec boards, among them Dell Xanadu II/III (products 51/52
	 * [F-PID]): invalid SOL payload sizes [F-CON]. */
	{ IANA_INVENTEC, ENG_QUIRK_ANY, "inventec", ENG_Q_SOLPAYLOADSIZE, 0,
	    { 0 }, 0,
	    "Inventec (Dell Xanadu II/III): bad SOL payload sizes [F-CON]" },
	/* Quanta: invalid SOL payload sizes [F-CON]. */
	{ IANA_QUANTA, ENG_QUIRK_ANY, "quanta", ENG_Q_SOLPAYLOADSIZE, 0,
	    { 0 }, 0, "Quanta: bad SOL payload sizes [F-CON]" },
	/* S99Q = Dell FS12-TY, product 21401 [F-PID]: Activation Status
	 * does not show an existing SOL [F-BUGS SOL#13]; plus Quanta's. */
	{ IANA_QUANTA, 21401, "quanta-s99q",
	    ENG_Q_SOLPAYLOADSIZE | ENG_Q_SOLSTATUS, 0, { 0 }, 0,
	    "Quanta S99Q / Dell FS12-TY: Activation Status blind to an "
	    "existing SOL [F-BUGS SOL#13], bad SOL sizes [F-CON]" },

	/* ---- Sun, Asus ---- */
	/* Sun Fire x4100 ILOM: bad SOL sizes, no Get Channel Payload
	 * Support [F-CON][F-BUGS SOL#4]; Sun Fire 2200/4150/4450 ELOM:
	 * wrong Auth Caps bits [F-WC]. Product ids not known; all three
	 * only skip a check or a probe, so the row covers the vendor.
	 * (sun20 key derivation bugs are not supported, see quirks.h.) */
	{ IANA_SUN, ENG_QUIRK_ANY, "sun",
	    ENG_Q_AUTHCAP | ENG_Q_SOLPAYLOADSIZE | ENG_Q_SOLCHANNELSUPPORT,
	    0, { 0 }, 0,
	    "Sun Fire x4100 ILOM, 2200/4150/4450 ELOM: authcap, "
	    "solpayloadsize, solchannelsupport [F-WC][F-CON]" },
	/* Asus P5M2/P5MT-R/RS162-E4/RX4: wrong Auth Caps bits [F-WC], bad
	 * SOL sizes [F-CON]. */
	{ IANA_ASUS, ENG_QUIRK_ANY, "asus",
	    ENG_Q_AUTHCAP | ENG_Q_SOLPAYLOADSIZE, 0, { 0 }, 0,
	    "Asus P5M2/P5MT-R/RS162-E4/RX4: authcap, solpayloadsize "
	    "[F-WC][F-CON]" },

	/* ---- Cisco ---- */
	/* Cisco IMC: 4 session slots, idle ones killed after 60 s, and a
	 * lost Close Session reply leaks one (ipmitool#213). vcm holds at
	 * most 2, half the table, whatever the global default becomes. */
	{ IANA_CISCO, ENG_QUIRK_ANY, "cisco-imc", ENG_Q_CLOSELOST, 2, { 0 },
	    0, "Cisco IMC: 4 slots, lost Close leaks one (ipmitool#213)" },
};
const size_t eng_quirk_profile_count = sizeof(eng_quirk_profiles) /
    sizeof(eng_quirk_profiles[0]);

/* No row: a BMC that follows the specification. */
static const struct eng_quirk_profile default_profile = {
	0, ENG_QUIRK_ANY, "default", 0, 0, { 0 }, 0,
	"no entry: no known quirk"
};

int
eng_quirks_lookup(uint32_t iana, uint16_t product,
    struct eng_quirk_profile *out)
{
	const struct eng_quirk_profile *vendor = NULL;
	size_t i;

	for (i = 0; i < eng_quirk_profile_count; i++) {
		if (eng_quirk_profiles[i].iana != iana)
			continue;
		if (eng_quirk_profiles[i].product == (int32_t)product) {
			*out = eng_quirk_profiles[i];
			return ENG_QUIRK_MATCH_EXACT;
		}
		if (eng_quirk_profiles[i].product == ENG_QUIRK_ANY &&
		    vendor == NULL)
			vendor = &eng_quirk_profiles[i];
	}
	if (vendor != NULL) {
		*out = *vendor;
		return ENG_QUIRK_MATCH_VENDOR;
	}
	*out = default_profile;
	return ENG_QUIRK_MATCH_NONE;
}

const struct eng_quirk_info *
eng_quirk_info(uint32_t flag)
{
	size_t i;

	for (i = 0; i < eng_quirk_count; i++)
		if (eng_quirk_table[i].flag == flag)
			return &eng_quirk_table[i];
	return NULL;
}

uint32_t
eng_quirks_sol_flags(uint32_t quirks)
{
	uint32_t f = 0;

	if (quirks & ENG_Q_SOLSEQBUMP)
		f |= IPMI_SOL_TX_F_SEQBUMP;
	return f;
}

int
eng_quirks_format(uint32_t quirks, char *buf, size_t len)
{
	size_t i, off = 0;
	uint32_t left = quirks;
	int n;

	if (buf == NULL || len == 0)
		return VCM_ENOSPC;
	buf[0] = '\0';
	if (quirks == 0) {
		n = snprintf(buf, len, "none");
		return (size_t)n < len ? n : VCM_ENOSPC;
	}
	for (i = 0; i <= eng_quirk_count; i++) {
		if (i < eng_quirk_count) {
			if ((quirks & eng_quirk_table[i].flag) == 0)
				continue;
			left &= ~eng_quirk_table[i].flag;
			n = snprintf(buf + off, len - off, "%s%s",
			    off ? "," : "", eng_quirk_table[i].name);
		} else if (left != 0) {
			/* Bits no name knows: shown, never dropped. */
			n = snprintf(buf + off, len - off, "%s0x%x",
			    off ? "," : "", (unsigned int)left);
		} else
			break;
		if (n < 0 || (size_t)n >= len - off)
			return VCM_ENOSPC;
		off += (size_t)n;
	}
	return (int)off;
}

/* ---- The override parser --------------------------------------------- */

/* Longest item quoted back in an error; the rest is cut with "...". */
#define QUOTE_MAX	32

/*
 * err = prefix "item" suffix, the item escaped (a config line may hold
 * any byte; the message must not carry control bytes to a terminal).
 */
static int
bad(char *err, size_t errlen, int rc, const char *prefix, const char *s,
    size_t len, const char *suffix)
{
	char q[QUOTE_MAX * 4 + 4];
	size_t i, o = 0;
	unsigned char ch;

	for (i = 0; i < len && i < QUOTE_MAX; i++) {
		ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			q[o++] = (char)ch;
		else {
			(void)snprintf(q + o, sizeof(q) - o, "\\x%02x", ch);
			o += 4;
		}
	}
	if (len > QUOTE_MAX) {
		memcpy(q + o, "...", 3);
		o += 3;
	}
	q[o] = '\0';
	if (err != NULL && errlen > 0)
		(void)snprintf(err, errlen, "quirk override: %s\"%s\"%s",
		    prefix, q, suffix);
	return rc;
}

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		(void)snprintf(err, errlen, "quirk override: %s", msg);
}

/* 1 if s[0..len) is exactly the NUL-terminated word w. */
static int
word_is(const char *s, size_t len, const char *w)
{
	return w != NULL && strlen(w) == len && memcmp(s, w, len) == 0;
}

static uint32_t
flag_by_name(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < eng_quirk_count; i++)
		if (word_is(s, len, eng_quirk_table[i].name) ||
		    word_is(s, len, eng_quirk_table[i].alias))
			return eng_quirk_table[i].flag;
	return 0;
}

/* Decimal digits only, no sign, no leading zeros beyond "0", <= max. */
static int
parse_num(const char *s, size_t len, unsigned int max, unsigned int *v)
{
	unsigned int x = 0;
	size_t i;

	if (len == 0 || len > 5 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (unsigned int)(s[i] - '0');
	}
	if (x > max)
		return -1;
	*v = x;
	return 0;
}

/* suites=A:B...: 3 and 17 only (the suites vcm runs), no repeats. */
static int
parse_suites(const char *s, size_t len, uint8_t *out, uint8_t *n,
    char *err, size_t errlen)
{
	size_t i = 0, j;
	unsigned int v;
	uint8_t k = 0, m;

	if (len == 0) {
		set_err(err, errlen, "suites= needs at least one suite");
		return VCM_EINVAL;
	}
	while (i <= len) {
		j = i;
		while (j < len && s[j] != ':')
			j++;
		if (parse_num(s + i, j - i, 255, &v) != 0)
			return bad(err, errlen, VCM_EINVAL, "suite ", s + i,
			    j - i, " is not a number");
		if (v != 3 && v != 17)
			return bad(err, errlen, VCM_ERANGE, "suite ", s + i,
			    j - i, ": only 17 and 3 (never 0 or a suite "
			    "without integrity and confidentiality)");
		for (m = 0; m < k; m++)
			if (out[m] == v)
				return bad(err, errlen, VCM_EINVAL, "suite ",
				    s + i, j - i, " given twice");
		if (k == VCM_ENG_SUITES_MAX)
			return bad(err, errlen, VCM_ERANGE, "too many suites "
			    "in ", s, len, "");
		out[k++] = (uint8_t)v;
		i = j + 1;
	}
	*n = k;
	return 0;
}

int
eng_quirks_override(struct eng_quirk_profile *p, const char *spec,
    char *err, size_t errlen)
{
	uint32_t add = 0, rm = 0, f, q;
	uint8_t suites[VCM_ENG_SUITES_MAX], nsuites = 0, m;
	unsigned int sessions = 0, v;
	size_t len, i = 0, j, nl, k;
	const char *it, *name;
	int have_sessions = 0, have_suites = 0, none = 0, rc, sign;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (p == NULL || spec == NULL) {
		set_err(err, errlen, "no profile or no spec");
		return VCM_EINVAL;
	}
	len = strnlen(spec, VCM_ENG_QUIRK_SPEC_MAX + 1);
	if (len > VCM_ENG_QUIRK_SPEC_MAX) {
		set_err(err, errlen, "longer than 256 bytes");
		return VCM_ERANGE;
	}
	memset(suites, 0, sizeof(suites));
	/* An empty override changes nothing. */
	while (len > 0 && i <= len) {
		j = i;
		while (j < len && spec[j] != ',')
			j++;
		it = spec + i;
		nl = j - i;
		if (nl == 0) {
			if (err != NULL && errlen > 0)
				(void)snprintf(err, errlen, "quirk override: "
				    "empty item at byte %zu%s", i, i == len ?
				    " (trailing comma)" :
				    " (two commas, or a leading one)");
			return VCM_EINVAL;
		}
		for (k = 0; k < nl; k++)
			if ((unsigned char)it[k] <= 0x20 ||
			    (unsigned char)it[k] >= 0x7f)
				return bad(err, errlen, VCM_EINVAL,
				    "blank or control byte in ", it, nl, "");
		if (nl >= 9 && memcmp(it, "sessions=", 9) == 0) {
			if (have_sessions++)
				return bad(err, errlen, VCM_EINVAL, "",
				    it, nl, ": sessions= given twice");
			if (parse_num(it + 9, nl - 9, 65535, &v) != 0 ||
			    v < 1 || v > VCM_BMC_SESSIONS_MAX) {
				char tail[48];

				(void)snprintf(tail, sizeof(tail), ": sessions "
				    "must be 1..%d", VCM_BMC_SESSIONS_MAX);
				return bad(err, errlen, VCM_ERANGE, "", it, nl,
				    tail);
			}
			sessions = v;
		} else if (nl >= 7 && memcmp(it, "suites=", 7) == 0) {
			if (have_suites++)
				return bad(err, errlen, VCM_EINVAL, "",
				    it, nl, ": suites= given twice");
			if ((rc = parse_suites(it + 7, nl - 7, suites,
			    &nsuites, err, errlen)) != 0)
				return rc;
		} else if (memchr(it, '=', nl) != NULL) {
			return bad(err, errlen, VCM_EINVAL, "unknown key ", it,
			    (size_t)((const char *)memchr(it, '=', nl) - it),
			    " (sessions= or suites=)");
		} else if (word_is(it, nl, "none")) {
			if (i != 0)
				return bad(err, errlen, VCM_EINVAL, "", it, nl,
				    " must be the first item");
			none = 1;
		} else {
			sign = '+';
			name = it;
			if (it[0] == '+' || it[0] == '-') {
				sign = it[0];
				name = it + 1;
			}
			k = nl - (size_t)(name - it);
			if (k == 0)
				return bad(err, errlen, VCM_EINVAL, "sign "
				    "without a quirk name: ", it, nl, "");
			if ((f = flag_by_name(name, k)) == 0)
				return bad(err, errlen, VCM_EINVAL,
				    "unknown quirk ", name, k, "");
			if ((add | rm) & f)
				return bad(err, errlen, VCM_EINVAL, "quirk ",
				    name, k, ((sign == '+' ? rm : add) & f) ?
				    " both added and removed" :
				    " given twice");
			if (sign == '+')
				add |= f;
			else
				rm |= f;
		}
		i = j + 1;
	}

	q = ((none ? 0 : p->quirks) & ~rm) | add;
	if (q & ENG_Q_CS17ONLY) {
		if (have_suites) {
			for (m = 0; m < nsuites; m++)
				if (suites[m] != 17) {
					set_err(err, errlen, "suites= names "
					    "suite 3, but cs17only allows "
					    "only 17");
					return VCM_EINVAL;
				}
		} else {
			suites[0] = 17;
			nsuites = 1;
			have_suites = 1;
		}
	} else if ((p->quirks & ENG_Q_CS17ONLY) && !have_suites) {
		/* cs17only removed: back to the engine's {17, 3}. */
		nsuites = 0;
		have_suites = 1;
	}

	/* Commit: nothing above touched *p. */
	p->quirks = q;
	if (have_sessions)
		p->max_sessions = (uint8_t)sessions;
	if (have_suites) {
		memset(p->suites, 0, sizeof(p->suites));
		memcpy(p->suites, suites, nsuites);
		p->nsuites = nsuites;
	}
	return 0;
}

/* ---- What a BMC runs with -------------------------------------------- */

int
eng_quirks_apply(const struct eng_quirk_profile *table, uint32_t base_quirks,
    uint8_t base_max_sessions, const uint8_t *base_suites,
    uint8_t base_nsuites, const char *override, struct eng_quirk_effect *out,
    char *err, size_t errlen)
{
	struct eng_quirk_profile p, ov;
	struct eng_quirk_effect r;
	uint8_t m, k;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (table == NULL || out == NULL ||
	    base_nsuites > VCM_ENG_SUITES_MAX ||
	    (base_nsuites > 0 && base_suites == NULL) ||
	    base_max_sessions > VCM_BMC_SESSIONS_MAX) {
		set_err(err, errlen, "bad arguments");
		return VCM_EINVAL;
	}
	memset(&r, 0, sizeof(r));
	p = *table;
	p.quirks |= base_quirks;
	/*
	 * The override applied to an empty profile says which keys the
	 * operator set (sessions=, suites= or cs17only): those win over the
	 * table and the config; the parser alone cannot tell.
	 */
	memset(&ov, 0, sizeof(ov));
	if (override != NULL && override[0] != '\0') {
		if ((rc = eng_quirks_override(&ov, override, err,
		    errlen)) != 0)
			return rc;
		if ((rc = eng_quirks_override(&p, override, err,
		    errlen)) != 0)
			return rc;
	}
	r.quirks = p.quirks;
	r.sol_flags = eng_quirks_sol_flags(r.quirks);

	if (ov.max_sessions != 0)
		r.max_sessions = ov.max_sessions;
	else {
		r.max_sessions = base_max_sessions != 0 ? base_max_sessions :
		    VCM_BMC_SESSIONS_DEFAULT;
		if (table->max_sessions != 0 &&
		    table->max_sessions < r.max_sessions)
			r.max_sessions = table->max_sessions;
	}

	if (ov.nsuites != 0) {
		memcpy(r.suites, ov.suites, ov.nsuites);
		r.nsuites = ov.nsuites;
	} else if (base_nsuites != 0) {
		memcpy(r.suites, base_suites, base_nsuites);
		r.nsuites = base_nsuites;
	} else if (table->nsuites != 0 &&
	    table->nsuites <= VCM_ENG_SUITES_MAX) {
		memcpy(r.suites, table->suites, table->nsuites);
		r.nsuites = table->nsuites;
	} else {
		r.suites[0] = 17;
		r.suites[1] = 3;
		r.nsuites = 2;
	}
	if (r.quirks & ENG_Q_CS17ONLY) {
		/* Never fall back: whatever the config listed, 17 alone. */
		for (m = 0, k = 0; m < r.nsuites; m++)
			if (r.suites[m] == 17)
				r.suites[k++] = 17;
		if (k == 0)
			r.suites[k++] = 17;
		r.nsuites = k;
	}
	*out = r;
	return 0;
}
