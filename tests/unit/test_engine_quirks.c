/* The engine's vendor quirk table, its lookup and the override parser. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/sol.h"
#include "engine/quirks.h"

/* Every flag once: distinct single bits, all inside ENG_Q_KNOWN, names
 * and aliases unique among themselves. */
static void
flag_table(void)
{
	uint32_t all = 0;
	size_t i, j;

	REQUIRE(eng_quirk_count > 0);
	for (i = 0; i < eng_quirk_count; i++) {
		const struct eng_quirk_info *a = &eng_quirk_table[i];

		CHECK(a->flag != 0 && (a->flag & (a->flag - 1)) == 0);
		CHECK((a->flag & ~ENG_Q_KNOWN) == 0);
		CHECK((all & a->flag) == 0);
		all |= a->flag;
		CHECK(a->name != NULL && a->name[0] != '\0');
		CHECK(a->what != NULL && a->what[0] != '\0');
		CHECK(a->used == 0 || a->used == 1);
		CHECK(eng_quirk_info(a->flag) == a);
		for (j = 0; j < eng_quirk_count; j++) {
			const struct eng_quirk_info *b = &eng_quirk_table[j];

			if (i != j)
				CHECK(strcmp(a->name, b->name) != 0);
			if (b->alias != NULL) {
				CHECK(strcmp(a->name, b->alias) != 0);
				if (i != j && a->alias != NULL)
					CHECK(strcmp(a->alias, b->alias) != 0);
			}
		}
	}
	CHECK_INT(all, ENG_Q_KNOWN);
	/* session.h's two are in the table, and read by the session. */
	REQUIRE(eng_quirk_info(ENG_Q_NOCHECKSUM) != NULL);
	REQUIRE(eng_quirk_info(ENG_Q_AUTHCAP) != NULL);
	CHECK_INT(eng_quirk_info(ENG_Q_NOCHECKSUM)->used, 1);
	CHECK_INT(eng_quirk_info(ENG_Q_AUTHCAP)->used, 1);
	CHECK(eng_quirk_info(0) == NULL);
	CHECK(eng_quirk_info(0x80000000u) == NULL);
}

/* 1 if some exact row has (iana, product). */
static int
has_exact(uint32_t iana, int32_t product)
{
	size_t i;

	for (i = 0; i < eng_quirk_profile_count; i++)
		if (eng_quirk_profiles[i].iana == iana &&
		    eng_quirk_profiles[i].product == product)
			return 1;
	return 0;
}

/* Rows are well formed and keyed uniquely. */
static void
profile_table_sane(void)
{
	size_t i, j, k;

	REQUIRE(eng_quirk_profile_count > 0);
	for (i = 0; i < eng_quirk_profile_count; i++) {
		const struct eng_quirk_profile *a = &eng_quirk_profiles[i];

		CHECK(a->iana <= 0xfffff);
		CHECK(a->product == ENG_QUIRK_ANY ||
		    (a->product >= 0 && a->product <= 0xffff));
		CHECK(a->name != NULL && a->name[0] != '\0');
		/* The comment naming the firmware and the source. */
		CHECK(a->firmware != NULL && strlen(a->firmware) > 10);
		CHECK((a->quirks & ~ENG_Q_KNOWN) == 0);
		CHECK(a->max_sessions <= VCM_BMC_SESSIONS_MAX);
		CHECK(a->nsuites <= VCM_ENG_SUITES_MAX);
		for (k = 0; k < a->nsuites; k++)
			CHECK(a->suites[k] == 3 || a->suites[k] == 17);
		if (a->quirks & ENG_Q_CS17ONLY)
			CHECK(a->nsuites == 1 && a->suites[0] == 17);
		for (j = i + 1; j < eng_quirk_profile_count; j++) {
			const struct eng_quirk_profile *b =
			    &eng_quirk_profiles[j];

			CHECK(!(a->iana == b->iana && a->product == b->product));
			CHECK(strcmp(a->name, b->name) != 0);
		}
	}
}

/* Every row is what lookup returns for its key. */
static void
every_entry_reachable(void)
{
	struct eng_quirk_profile p;
	size_t i;
	int32_t prod;
	int r;

	for (i = 0; i < eng_quirk_profile_count; i++) {
		const struct eng_quirk_profile *a = &eng_quirk_profiles[i];

		if (a->product != ENG_QUIRK_ANY) {
			r = eng_quirks_lookup(a->iana, (uint16_t)a->product,
			    &p);
			CHECK_INT(r, ENG_QUIRK_MATCH_EXACT);
		} else {
			/* A product no exact row of the vendor names. */
			for (prod = 0; prod <= 0xffff &&
			    has_exact(a->iana, prod); prod++)
				;
			REQUIRE(prod <= 0xffff);
			r = eng_quirks_lookup(a->iana, (uint16_t)prod, &p);
			CHECK_INT(r, ENG_QUIRK_MATCH_VENDOR);
		}
		if (strcmp(p.name, a->name) != 0) {
			printf("#   row %zu (%s) not reached: got %s\n", i,
			    a->name, p.name);
			test_failed = 1;
		}
		CHECK_INT(p.quirks, a->quirks);
		CHECK_INT(p.max_sessions, a->max_sessions);
		CHECK(p.firmware == a->firmware);
	}
}

/* Exact beats the vendor's wildcard; the wildcard beats the default;
 * nothing matches across vendors. */
static void
precedence(void)
{
	struct eng_quirk_profile p;

	/* Supermicro X9SCM-iiF: its row, not the vendor's. */
	CHECK_INT(eng_quirks_lookup(10876, 1600, &p), ENG_QUIRK_MATCH_EXACT);
	CHECK(strcmp(p.name, "supermicro-x9scm-iif") == 0);
	CHECK_INT(p.quirks, ENG_Q_NOCHECKSUM);
	/* bmcsim's "supermicro" identity (0x0907): the vendor row. */
	CHECK_INT(eng_quirks_lookup(10876, 0x0907, &p),
	    ENG_QUIRK_MATCH_VENDOR);
	CHECK(strcmp(p.name, "supermicro") == 0);
	CHECK_INT(p.quirks, 0);
	/* Quanta S99Q: exact, and it repeats the vendor's flag. */
	CHECK_INT(eng_quirks_lookup(7244, 21401, &p), ENG_QUIRK_MATCH_EXACT);
	CHECK_INT(p.quirks, ENG_Q_SOLPAYLOADSIZE | ENG_Q_SOLSTATUS);
	CHECK_INT(eng_quirks_lookup(7244, 21400, &p), ENG_QUIRK_MATCH_VENDOR);
	CHECK_INT(p.quirks, ENG_Q_SOLPAYLOADSIZE);
	/* Product 0xffff is a product, not the wildcard. */
	CHECK_INT(eng_quirks_lookup(47488, 0xffff, &p), ENG_QUIRK_MATCH_NONE);
	/* IANA 47488 has exact rows only. */
	CHECK_INT(eng_quirks_lookup(47488, 43707, &p), ENG_QUIRK_MATCH_EXACT);
	CHECK_INT(p.quirks, ENG_Q_SOLPAYLOADSIZE);
	CHECK_INT(eng_quirks_lookup(47488, 1600, &p), ENG_QUIRK_MATCH_NONE);
	/* Intel: only Windmill has a row. */
	CHECK_INT(eng_quirks_lookup(343, 2818, &p), ENG_QUIRK_MATCH_EXACT);
	CHECK_INT(eng_quirks_sol_flags(p.quirks), IPMI_SOL_TX_F_SEQBUMP);
	CHECK_INT(eng_quirks_lookup(343, 0x00b1, &p), ENG_QUIRK_MATCH_NONE);
	/* Dell (bmcsim's 0x0100 too) and Cisco: vendor rows. */
	CHECK_INT(eng_quirks_lookup(674, 0x0100, &p), ENG_QUIRK_MATCH_VENDOR);
	CHECK_INT(p.quirks, ENG_Q_SOLCAPACITY0 | ENG_Q_DEACTLIES);
	CHECK_INT(eng_quirks_lookup(5771, 0x0065, &p), ENG_QUIRK_MATCH_VENDOR);
	CHECK_INT(p.max_sessions, 2);
	CHECK(p.max_sessions <= VCM_BMC_SESSIONS_DEFAULT);
	/* Unknown vendor, generic (IANA 0), out-of-range IANA. */
	CHECK_INT(eng_quirks_lookup(49871, 0, &p), ENG_QUIRK_MATCH_NONE);
	CHECK(strcmp(p.name, "default") == 0);
	CHECK_INT(p.quirks, 0);
	CHECK_INT(p.max_sessions, 0);
	CHECK_INT(p.nsuites, 0);
	CHECK_INT(eng_quirks_lookup(0, 0, &p), ENG_QUIRK_MATCH_NONE);
	CHECK_INT(eng_quirks_lookup(0x100000u + 10876, 1600, &p),
	    ENG_QUIRK_MATCH_NONE);
}

static void
override_good(void)
{
	struct eng_quirk_profile p;
	char err[160];

	/* The example on Sun's row (authcap among its flags). */
	eng_quirks_lookup(42, 1, &p);
	REQUIRE(p.quirks & ENG_Q_AUTHCAP);
	REQUIRE(eng_quirks_override(&p, "+nochecksum,-authcap,sessions=1",
	    err, sizeof(err)) == 0);
	CHECK_INT(p.quirks, ENG_Q_NOCHECKSUM | ENG_Q_SOLPAYLOADSIZE |
	    ENG_Q_SOLCHANNELSUPPORT);
	CHECK_INT(p.max_sessions, 1);
	CHECK(strcmp(p.name, "sun") == 0);

	/* FreeIPMI aliases, a bare name, the top of the range. */
	eng_quirks_lookup(0, 0, &p);
	REQUIRE(eng_quirks_override(&p, "nochecksumcheck,+solpacketseq,"
	    "serialalertsdeferred,sessions=8", err, sizeof(err)) == 0);
	CHECK_INT(p.quirks, ENG_Q_NOCHECKSUM | ENG_Q_SOLSEQBUMP |
	    ENG_Q_SOLDEFERALERTS);
	CHECK_INT(p.max_sessions, VCM_BMC_SESSIONS_MAX);

	/* none clears first; an empty override changes nothing. */
	REQUIRE(eng_quirks_override(&p, "none,+deactlies", err,
	    sizeof(err)) == 0);
	CHECK_INT(p.quirks, ENG_Q_DEACTLIES);
	CHECK_INT(p.max_sessions, VCM_BMC_SESSIONS_MAX);
	REQUIRE(eng_quirks_override(&p, "", err, sizeof(err)) == 0);
	CHECK_INT(p.quirks, ENG_Q_DEACTLIES);
	REQUIRE(eng_quirks_override(&p, "none", err, sizeof(err)) == 0);
	CHECK_INT(p.quirks, 0);
	/* Removing a flag that is not set is fine. */
	REQUIRE(eng_quirks_override(&p, "-closelost", err, sizeof(err)) == 0);
	CHECK_INT(p.quirks, 0);

	/* Suite order. */
	REQUIRE(eng_quirks_override(&p, "suites=3:17", err, sizeof(err)) == 0);
	CHECK_INT(p.nsuites, 2);
	CHECK_INT(p.suites[0], 3);
	CHECK_INT(p.suites[1], 17);

	/* cs17only brings suites {17}; removing it restores the default. */
	REQUIRE(eng_quirks_override(&p, "+cs17only", err, sizeof(err)) == 0);
	CHECK_INT(p.quirks, ENG_Q_CS17ONLY);
	CHECK_INT(p.nsuites, 1);
	CHECK_INT(p.suites[0], 17);
	REQUIRE(eng_quirks_override(&p, "-cs17only", err, sizeof(err)) == 0);
	CHECK_INT(p.quirks, 0);
	CHECK_INT(p.nsuites, 0);
	REQUIRE(eng_quirks_override(&p, "+cs17only,suites=17", err,
	    sizeof(err)) == 0);
	CHECK_INT(p.nsuites, 1);
	/* Other flags leave the suites alone. */
	REQUIRE(eng_quirks_override(&p, "-cs17only,suites=17:3", err,
	    sizeof(err)) == 0);
	REQUIRE(eng_quirks_override(&p, "+solstatus", err, sizeof(err)) == 0);
	CHECK_INT(p.nsuites, 2);
	CHECK_INT(p.suites[0], 17);
	CHECK_INT(p.suites[1], 3);
}

/* A bad override: its return code, a message containing want, and the
 * profile untouched. */
static void
bad_one(const char *spec, int rc, const char *want)
{
	struct eng_quirk_profile p, before;
	char err[160];
	int r;

	eng_quirks_lookup(42, 1, &p);
	p.max_sessions = 3;
	before = p;
	memset(err, 0, sizeof(err));
	r = eng_quirks_override(&p, spec, err, sizeof(err));
	if (r != rc || strstr(err, want) == NULL ||
	    memcmp(&p, &before, sizeof(p)) != 0) {
		printf("#   spec \"%s\": rc %d (want %d), err \"%s\" (want "
		    "\"%s\")%s\n", spec, r, rc, err, want,
		    memcmp(&p, &before, sizeof(p)) != 0 ?
		    ", profile changed" : "");
		test_failed = 1;
	}
}

static void
override_bad(void)
{
	char longspec[VCM_ENG_QUIRK_SPEC_MAX + 8];
	struct eng_quirk_profile p;
	char err[160];
	size_t i;

	/* Unknown names are named. */
	bad_one("+nochecksum,+bogus", VCM_EINVAL, "unknown quirk \"bogus\"");
	bad_one("-solchannelassumption", VCM_EINVAL,
	    "unknown quirk \"solchannelassumption\"");
	bad_one("NOCHECKSUM", VCM_EINVAL, "unknown quirk \"NOCHECKSUM\"");
	bad_one("foo=1", VCM_EINVAL, "unknown key \"foo\"");
	bad_one("sessions", VCM_EINVAL, "unknown quirk \"sessions\"");
	/* sessions= */
	bad_one("sessions=0", VCM_ERANGE, "sessions must be 1..8");
	bad_one("sessions=9", VCM_ERANGE, "\"sessions=9\"");
	bad_one("sessions=01", VCM_ERANGE, "sessions must be");
	bad_one("sessions=-1", VCM_ERANGE, "sessions must be");
	bad_one("sessions=", VCM_ERANGE, "sessions must be");
	bad_one("sessions=99999999999", VCM_ERANGE, "sessions must be");
	bad_one("sessions=1,sessions=2", VCM_EINVAL, "given twice");
	/* suites= */
	bad_one("suites=0", VCM_ERANGE, "only 17 and 3");
	bad_one("suites=1", VCM_ERANGE, "suite \"1\"");
	bad_one("suites=", VCM_EINVAL, "at least one suite");
	bad_one("suites=17:", VCM_EINVAL, "suite \"\" is not a number");
	bad_one("suites=17:17", VCM_EINVAL, "given twice");
	bad_one("suites=x", VCM_EINVAL, "is not a number");
	bad_one("suites=3,suites=17", VCM_EINVAL, "suites= given twice");
	bad_one("+cs17only,suites=17:3", VCM_EINVAL, "cs17only allows only");
	/* Structure. */
	bad_one(",nochecksum", VCM_EINVAL, "empty item at byte 0");
	bad_one("nochecksum,,authcap", VCM_EINVAL, "empty item at byte 11");
	bad_one("nochecksum,", VCM_EINVAL, "trailing comma");
	bad_one("+", VCM_EINVAL, "sign without a quirk name");
	bad_one("-", VCM_EINVAL, "sign without a quirk name");
	bad_one("++nochecksum", VCM_EINVAL, "unknown quirk \"+nochecksum\"");
	bad_one("+nochecksum,-nochecksum", VCM_EINVAL,
	    "\"nochecksum\" both added and removed");
	bad_one("-authcap,+authcap", VCM_EINVAL, "both added and removed");
	bad_one("nochecksum,nochecksumcheck", VCM_EINVAL, "given twice");
	bad_one("authcap,none", VCM_EINVAL, "must be the first item");
	bad_one("+nochecksum, -authcap", VCM_EINVAL, "blank or control byte");
	bad_one("+no\x01" "check", VCM_EINVAL, "\"+no\\x01check\"");
	bad_one("+caf\xc3\xa9", VCM_EINVAL, "\\xc3\\xa9");
	/* Long items are cut in the message. */
	bad_one("+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", VCM_EINVAL,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
	/* Length bound. */
	for (i = 0; i < sizeof(longspec) - 1; i++)
		longspec[i] = i % 8 == 7 ? ',' : 'a';
	longspec[sizeof(longspec) - 1] = '\0';
	bad_one(longspec, VCM_ERANGE, "longer than 256 bytes");
	/* NULLs; a NULL or zero-length err buffer is allowed. */
	eng_quirks_lookup(0, 0, &p);
	CHECK_INT(eng_quirks_override(&p, NULL, err, sizeof(err)), VCM_EINVAL);
	CHECK_INT(eng_quirks_override(NULL, "", err, sizeof(err)), VCM_EINVAL);
	CHECK_INT(eng_quirks_override(&p, "bogus", NULL, 0), VCM_EINVAL);
	/* A short err buffer is cut, still terminated. */
	memset(err, 'x', sizeof(err));
	CHECK_INT(eng_quirks_override(&p, "bogus", err, 8), VCM_EINVAL);
	CHECK_INT(strlen(err), 7);
}

static void
format(void)
{
	struct eng_quirk_profile p;
	char buf[256];
	uint32_t q;
	int n;

	CHECK_INT(eng_quirks_format(0, buf, sizeof(buf)), 4);
	CHECK(strcmp(buf, "none") == 0);
	n = eng_quirks_format(ENG_Q_NOCHECKSUM | ENG_Q_AUTHCAP, buf,
	    sizeof(buf));
	CHECK_INT(n, (int)strlen("nochecksum,authcap"));
	CHECK(strcmp(buf, "nochecksum,authcap") == 0);
	CHECK(eng_quirks_format(ENG_Q_CLOSELOST | 0x80000000u, buf,
	    sizeof(buf)) > 0);
	CHECK(strcmp(buf, "closelost,0x80000000") == 0);
	CHECK(eng_quirks_format(0x40000000u, buf, sizeof(buf)) > 0);
	CHECK(strcmp(buf, "0x40000000") == 0);
	CHECK_INT(eng_quirks_format(ENG_Q_KNOWN, buf, 12), VCM_ENOSPC);
	CHECK(strlen(buf) < 12);
	CHECK_INT(eng_quirks_format(0, buf, 4), VCM_ENOSPC);
	CHECK_INT(eng_quirks_format(0, NULL, 0), VCM_ENOSPC);

	/* Every combination of known flags survives format -> override. */
	for (q = 0; q <= ENG_Q_KNOWN; q++) {
		char spec[300];

		REQUIRE(eng_quirks_format(q, buf, sizeof(buf)) > 0);
		(void)snprintf(spec, sizeof(spec), "none,%s", buf);
		eng_quirks_lookup(0, 0, &p);
		p.quirks = ENG_Q_KNOWN;
		if (q == 0)
			(void)snprintf(spec, sizeof(spec), "none");
		if (eng_quirks_override(&p, spec, buf, sizeof(buf)) != 0 ||
		    p.quirks != q) {
			printf("#   round trip of 0x%x failed: %s\n",
			    (unsigned int)q, buf);
			test_failed = 1;
			return;
		}
	}
}

static void
sol_flags(void)
{
	CHECK_INT(eng_quirks_sol_flags(0), 0);
	CHECK_INT(eng_quirks_sol_flags(ENG_Q_SOLSEQBUMP), IPMI_SOL_TX_F_SEQBUMP);
	CHECK_INT(eng_quirks_sol_flags(ENG_Q_KNOWN & ~ENG_Q_SOLSEQBUMP), 0);
}

/*
 * The console's flags (solstatus, deactlies, soldeferalerts) are read
 * now, and reach what the console is configured with (engine.c passes
 * eng_quirk_effect.quirks as eng_console_config.quirks) from the
 * boards' rows and from an operator's override alike. What each does
 * is tested in test_engine_console.c.
 */
static void
console_flags(void)
{
	static const struct {
		uint32_t	 iana;
		uint16_t	 product;
		uint32_t	 flag;
	} rows[] = {
		{ 47488, 1541, ENG_Q_SOLSTATUS },	/* Supermicro X8SIL-F */
		{ 7244, 21401, ENG_Q_SOLSTATUS },	/* Quanta S99Q */
		{ 10437, 1, ENG_Q_DEACTLIES },		/* Peppercon H8QME */
		{ 674, 0x100, ENG_Q_DEACTLIES },	/* Dell M-series */
		{ 343, 2818, ENG_Q_SOLDEFERALERTS },	/* Windmill */
	};
	struct eng_quirk_profile t;
	struct eng_quirk_effect r;
	char err[160];
	size_t i;

	CHECK_INT(eng_quirk_info(ENG_Q_SOLSTATUS)->used, 1);
	CHECK_INT(eng_quirk_info(ENG_Q_DEACTLIES)->used, 1);
	CHECK_INT(eng_quirk_info(ENG_Q_SOLDEFERALERTS)->used, 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CHECK(eng_quirks_lookup(rows[i].iana, rows[i].product, &t) !=
		    ENG_QUIRK_MATCH_NONE);
		REQUIRE(eng_quirks_apply(&t, 0, 0, NULL, 0, NULL, &r, err,
		    sizeof(err)) == 0);
		CHECK((r.quirks & rows[i].flag) != 0);
		/* And an operator can take it away again. */
		REQUIRE(eng_quirks_apply(&t, 0, 0, NULL, 0,
		    rows[i].flag == ENG_Q_SOLSTATUS ? "-solstatus" :
		    rows[i].flag == ENG_Q_DEACTLIES ? "-deactlies" :
		    "-serialalertsdeferred", &r, err, sizeof(err)) == 0);
		CHECK((r.quirks & rows[i].flag) == 0);
	}
	eng_quirks_lookup(0, 0, &t);
	REQUIRE(eng_quirks_apply(&t, 0, 0, NULL, 0,
	    "+solstatus,+deactlies,+soldeferalerts", &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.quirks, ENG_Q_SOLSTATUS | ENG_Q_DEACTLIES |
	    ENG_Q_SOLDEFERALERTS);
	/* None of them is a SOL send flag. */
	CHECK_INT(r.sol_flags, 0);
}

/* eng_quirks_apply: table, then the config, then the override. */
static void
apply(void)
{
	struct eng_quirk_profile t;
	struct eng_quirk_effect r, keep;
	const uint8_t c3[1] = { 3 }, c17_3[2] = { 17, 3 };
	char err[160];

	/* Default profile, nothing given: {17, 3}, the default budget. */
	eng_quirks_lookup(0, 0, &t);
	REQUIRE(eng_quirks_apply(&t, 0, 0, NULL, 0, NULL, &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.quirks, 0);
	CHECK_INT(r.sol_flags, 0);
	CHECK_INT(r.max_sessions, VCM_BMC_SESSIONS_DEFAULT);
	CHECK_INT(r.nsuites, 2);
	CHECK_INT(r.suites[0], 17);
	CHECK_INT(r.suites[1], 3);

	/* Cisco's cap (2) caps a larger config, not a smaller one. */
	CHECK_INT(eng_quirks_lookup(5771, 0x65, &t), ENG_QUIRK_MATCH_VENDOR);
	REQUIRE(eng_quirks_apply(&t, 0, 6, NULL, 0, "", &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.max_sessions, 2);
	CHECK(r.quirks & ENG_Q_CLOSELOST);
	REQUIRE(eng_quirks_apply(&t, 0, 1, NULL, 0, NULL, &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.max_sessions, 1);
	/* The operator's sessions= wins over the vendor cap. */
	REQUIRE(eng_quirks_apply(&t, 0, 0, NULL, 0, "sessions=4", &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.max_sessions, 4);
	/* And -closelost removes the table's flag. */
	REQUIRE(eng_quirks_apply(&t, 0, 0, NULL, 0, "-closelost", &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.quirks, 0);
	CHECK_INT(r.max_sessions, 2);

	/* Config quirks are added to the table's; SOL flags follow. */
	CHECK_INT(eng_quirks_lookup(343, 2818, &t), ENG_QUIRK_MATCH_EXACT);
	REQUIRE(eng_quirks_apply(&t, ENG_Q_NOCHECKSUM, 0, NULL, 0, NULL, &r,
	    err, sizeof(err)) == 0);
	CHECK(r.quirks & ENG_Q_NOCHECKSUM);
	CHECK(r.quirks & ENG_Q_SOLSEQBUMP);
	CHECK_INT(r.sol_flags, IPMI_SOL_TX_F_SEQBUMP);
	REQUIRE(eng_quirks_apply(&t, 0, 0, NULL, 0, "-solseqbump", &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.sol_flags, 0);

	/* The config's suites replace the default order ... */
	eng_quirks_lookup(0, 0, &t);
	REQUIRE(eng_quirks_apply(&t, 0, 0, c3, 1, NULL, &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.nsuites, 1);
	CHECK_INT(r.suites[0], 3);
	/* ... the override's win over the config's ... */
	REQUIRE(eng_quirks_apply(&t, 0, 0, c3, 1, "suites=17:3", &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.nsuites, 2);
	CHECK_INT(r.suites[0], 17);
	/* ... and cs17only, from anywhere, never keeps suite 3. */
	REQUIRE(eng_quirks_apply(&t, 0, 0, c17_3, 2, "cs17only", &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.nsuites, 1);
	CHECK_INT(r.suites[0], 17);
	REQUIRE(eng_quirks_apply(&t, ENG_Q_CS17ONLY, 0, c3, 1, NULL, &r, err,
	    sizeof(err)) == 0);
	CHECK_INT(r.nsuites, 1);
	CHECK_INT(r.suites[0], 17);

	/* A bad override: an error naming it, *out untouched. */
	memset(&r, 0xa5, sizeof(r));
	keep = r;
	CHECK_INT(eng_quirks_apply(&t, 0, 0, NULL, 0, "+bogus", &r, err,
	    sizeof(err)), VCM_EINVAL);
	CHECK(strstr(err, "bogus") != NULL);
	CHECK(memcmp(&r, &keep, sizeof(r)) == 0);
	CHECK_INT(eng_quirks_apply(&t, 0, 0, NULL, 0, "sessions=99", &r, err,
	    sizeof(err)), VCM_ERANGE);
	CHECK_INT(eng_quirks_apply(&t, 0, VCM_BMC_SESSIONS_MAX + 1, NULL, 0,
	    NULL, &r, err, sizeof(err)), VCM_EINVAL);
}

static const struct test_case tests[] = {
	{ "flag table: distinct bits, unique names and aliases", flag_table },
	{ "profile table: well formed, unique keys", profile_table_sane },
	{ "every table entry reachable by lookup", every_entry_reachable },
	{ "exact beats wildcard beats default", precedence },
	{ "override: good specs", override_good },
	{ "override: bad specs named, profile untouched", override_bad },
	{ "format and the format/override round trip", format },
	{ "SOL send flags", sol_flags },
	{ "apply: table, config, override", apply },
	{ "console flags read, from rows and overrides", console_flags },
};

TEST_MAIN(tests)
