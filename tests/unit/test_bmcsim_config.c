/* bmcsim: quirk and vendor tables, the fleet description, the config file. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "ipmi/defs.h"
#include "bmcsim/config.h"
#include "bmcsim/quirks.h"
#include "test.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

static struct sim_config cfg;
static char err[512];

static int
parse(const char *text)
{
	sim_config_init(&cfg);
	err[0] = '\0';
	return sim_config_parse(&cfg, text, strlen(text), "t.conf", err,
	    sizeof(err));
}

/* Parse must fail and the message must contain want. */
#define CHECK_BAD(text, want) do {					\
	int _rc = parse(text);						\
	CHECK(_rc < 0);							\
	if (strstr(err, (want)) == NULL) {				\
		printf("#   %s:%d: err \"%s\" lacks \"%s\"\n",		\
		    __FILE__, __LINE__, err, (want));			\
		test_failed = 1;					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	if (strcmp((a), (b)) != 0) {					\
		printf("#   %s:%d: \"%s\" != \"%s\"\n", __FILE__,	\
		    __LINE__, (a), (b));				\
		test_failed = 1;					\
	}								\
} while (0)

static void
plain_command_line(void)
{
	const struct sim_profile *p;
	uint32_t a;

	sim_config_init(&cfg);
	CHECK_INT(cfg.port, 623);
	CHECK_STR(cfg.control, "");
	REQUIRE(sim_config_add_plain(&cfg, "127.20.0.0/22", 1000, "admin",
	    "secret", err, sizeof(err)) == 0);
	CHECK_INT(cfg.ngroups, 1);
	CHECK_INT(cfg.total, 1000);
	CHECK_INT(cfg.groups[0].first, A(127, 20, 0, 1));
	CHECK_INT(cfg.groups[0].count, 1000);
	REQUIRE(sim_config_addr(&cfg, 0, &a, &p) == 0);
	CHECK_INT(a, A(127, 20, 0, 1));
	CHECK(p == &cfg.groups[0].prof);
	REQUIRE(sim_config_addr(&cfg, 999, &a, &p) == 0);
	CHECK_INT(a, A(127, 20, 3, 232));
	CHECK_INT(sim_config_addr(&cfg, 1000, &a, &p), VCM_ERANGE);
	CHECK_INT(p->nusers, 1);
	CHECK_STR(p->users[0].name, "admin");
	CHECK_INT(p->users[0].password_len, 6);
	CHECK_MEM(p->users[0].password, "secret", 6);
	CHECK_INT(p->users[0].priv, IPMI_PRIV_ADMIN);
	CHECK_INT(p->users[0].enabled, 1);
	CHECK_INT(p->suites, (1u << 3) | (1u << 17));
	CHECK_INT(p->slots, VCM_SIM_SLOTS_DEFAULT);
	CHECK_INT(p->session_timeout_ms, VCM_SIM_SESSION_TIMEOUT_MS);
	CHECK_INT(p->sol_retry_ms, VCM_SIM_SOL_RETRY_MS);
	CHECK_INT(p->sol_retries, VCM_SIM_SOL_RETRIES);
	CHECK_INT(p->output_bps, 11520);
	CHECK_INT(p->quirks, 0);
	CHECK_INT(p->faults.loss + p->faults.dup + p->faults.reorder +
	    p->faults.garbage + p->faults.delay_ms, 0);
	CHECK_STR(p->vendor, "generic");
	CHECK_INT(p->iana, 0);
}

static void
plain_count_limits(void)
{
	static const struct {
		const char	*cidr;
		uint32_t	 count;
		int		 ok;
	} t[] = {
		{ "127.20.0.0/22", 1022, 1 },	/* .1 .. 3.254 */
		{ "127.20.0.0/22", 1023, 0 },	/* would be the broadcast */
		{ "127.20.0.0/22", 0, 0 },
		{ "127.20.0.0/24", 254, 1 },
		{ "127.20.0.0/24", 255, 0 },
		{ "127.20.0.0/30", 2, 1 },
		{ "127.20.0.0/30", 3, 0 },
		{ "127.20.0.0/31", 1, 0 },
		{ "127.20.0.0/32", 1, 0 },
		{ "127.0.0.0/8", 10000, 1 },
		{ "127.0.0.0/8", 10001, 0 },	/* VCM_SIM_BMCS_MAX */
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sim_config_init(&cfg);
		rc = sim_config_add_plain(&cfg, t[i].cidr, t[i].count, "u",
		    "p", err, sizeof(err));
		if ((rc == 0) != t[i].ok) {
			printf("#   %s count %u: rc %d (%s)\n", t[i].cidr,
			    t[i].count, rc, err);
			test_failed = 1;
		}
	}
	sim_config_init(&cfg);
	CHECK(sim_config_add_plain(&cfg, "127.20.0.0/22", 1023, "u", "p",
	    err, sizeof(err)) == VCM_ERANGE);
	CHECK(strstr(err, "1..1022") != NULL);
	/* The last usable address of /30 is net + 2. */
	sim_config_init(&cfg);
	REQUIRE(sim_config_add_plain(&cfg, "127.9.9.4/30", 2, "u", "p",
	    err, sizeof(err)) == 0);
	CHECK_INT(cfg.groups[0].first, A(127, 9, 9, 5));
}

static void
plain_refuses_non_loopback(void)
{
	static const char *const bad[] = {
		"192.0.2.0/24", "128.0.0.0/24", "0.0.0.0/8", "126.255.255.0/24",
		"127.0.0.0/7", "255.255.255.0/24",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sim_config_init(&cfg);
		CHECK_INT(sim_config_add_plain(&cfg, bad[i], 1, "u", "p",
		    err, sizeof(err)), VCM_ERANGE);
		CHECK(strstr(err, "127.0.0.0/8") != NULL);
		CHECK_INT(cfg.ngroups, 0);
	}
}

static void
cidr_syntax(void)
{
	static const char *const bad[] = {
		"127.20.0.0", "127.20.0.0/", "127.20.0/22", "127.20.0.0.0/22",
		"127.020.0.0/22", "127.20.0.256/24", " 127.20.0.0/22",
		"127.20.0.0/22 ", "127.20.0.0/+22", "127.20.0.0/33",
		"127.20.0.0/-1", "127.20.0.0/0x16", "/22", "", "127..0.0/22",
		"1234.0.0.0/8", "127.20.0.0/22/1",
	};
	uint32_t net;
	unsigned int prefix;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sim_parse_cidr(bad[i], &net, &prefix, err,
		    sizeof(err)) == 0) {
			printf("#   accepted \"%s\"\n", bad[i]);
			test_failed = 1;
		}
	CHECK_INT(sim_parse_cidr("127.20.0.1/22", &net, &prefix, err,
	    sizeof(err)), VCM_EINVAL);
	CHECK(strstr(err, "host bits") != NULL);
	CHECK(strstr(err, "127.20.0.0/22") != NULL);
	CHECK_INT(sim_parse_cidr("127.0.0.0/8", &net, &prefix, err,
	    sizeof(err)), 0);
	CHECK_INT(net, A(127, 0, 0, 0));
	CHECK_INT(prefix, 8);
	CHECK_INT(sim_parse_cidr("127.255.255.252/30", &net, &prefix, err,
	    sizeof(err)), 0);
	CHECK_INT(net, A(127, 255, 255, 252));
	CHECK_INT(prefix, 30);
}

static void
plain_user_bounds(void)
{
	sim_config_init(&cfg);
	CHECK_INT(sim_config_add_plain(&cfg, "127.1.0.0/24", 1,
	    "abcdefghijklmnopq", "p", err, sizeof(err)), VCM_ERANGE);
	CHECK_INT(sim_config_add_plain(&cfg, "127.1.0.0/24", 1, "", "p",
	    err, sizeof(err)), VCM_ERANGE);
	CHECK_INT(sim_config_add_plain(&cfg, "127.1.0.0/24", 1, "a:b", "p",
	    err, sizeof(err)), VCM_ERANGE);
	CHECK_INT(sim_config_add_plain(&cfg, "127.1.0.0/24", 1, "u",
	    "123456789012345678901", err, sizeof(err)), VCM_ERANGE);
	CHECK(strstr(err, "password") != NULL);
	CHECK(strstr(err, "12345") == NULL);	/* never echoed */
	CHECK_INT(sim_config_add_plain(&cfg, "127.1.0.0/24", 1, NULL, "p",
	    err, sizeof(err)), VCM_EINVAL);
	CHECK_INT(cfg.ngroups, 0);
	REQUIRE(sim_config_add_plain(&cfg, "127.1.0.0/24", 1,
	    "abcdefghijklmnop", "12345678901234567890", err,
	    sizeof(err)) == 0);
	CHECK_STR(cfg.groups[0].prof.users[0].name, "abcdefghijklmnop");
	CHECK_INT(cfg.groups[0].prof.users[0].password_len, 20);
}

static void
groups_must_not_overlap(void)
{
	uint32_t a;

	sim_config_init(&cfg);
	REQUIRE(sim_config_add_plain(&cfg, "127.20.0.0/24", 10, "u", "p",
	    err, sizeof(err)) == 0);
	CHECK_INT(sim_config_add_plain(&cfg, "127.20.0.0/28", 5, "u", "p",
	    err, sizeof(err)), VCM_EINVAL);
	CHECK(strstr(err, "group 2 (127.20.0.1-127.20.0.5)") != NULL);
	CHECK(strstr(err, "group 1 (127.20.0.1-127.20.0.10)") != NULL);
	/* Touching the last address overlaps too. */
	CHECK_INT(sim_config_add_plain(&cfg, "127.20.0.8/29", 1, "u", "p",
	    err, sizeof(err)), VCM_EINVAL);
	CHECK(strstr(err, "group 2 (127.20.0.9-127.20.0.9)") != NULL);
	CHECK_INT(sim_config_add_plain(&cfg, "127.20.0.16/29", 1, "u", "p",
	    err, sizeof(err)), 0);
	CHECK_INT(cfg.groups[1].first, A(127, 20, 0, 17));
	CHECK_INT(sim_config_add_plain(&cfg, "127.20.0.16/29", 1, "u", "p",
	    err, sizeof(err)), VCM_EINVAL);
	CHECK(strstr(err, "group 3 (127.20.0.17-127.20.0.17) overlaps "
	    "group 2 (127.20.0.17-127.20.0.17)") != NULL);
	CHECK_INT(sim_config_add_plain(&cfg, "127.20.0.0/23", 254, "u", "p",
	    err, sizeof(err)), VCM_EINVAL);
	/* Right after it is fine, and indices continue group by group. */
	REQUIRE(sim_config_add_plain(&cfg, "127.20.1.0/24", 3, "u", "p",
	    err, sizeof(err)) == 0);
	CHECK_INT(cfg.ngroups, 3);
	CHECK_INT(cfg.total, 14);
	REQUIRE(sim_config_addr(&cfg, 10, &a, NULL) == 0);
	CHECK_INT(a, A(127, 20, 0, 17));
	REQUIRE(sim_config_addr(&cfg, 11, &a, NULL) == 0);
	CHECK_INT(a, A(127, 20, 1, 1));
	REQUIRE(sim_config_addr(&cfg, 13, &a, NULL) == 0);
	CHECK_INT(a, A(127, 20, 1, 3));
	CHECK_INT(sim_config_addr(&cfg, 14, &a, NULL), VCM_ERANGE);
}

static void
add_group_checks(void)
{
	struct sim_profile p;
	int i;

	sim_profile_default(&p);
	sim_config_init(&cfg);
	/* No user. */
	CHECK_INT(sim_config_add_group(&cfg, A(127, 0, 0, 1), 1, &p, err,
	    sizeof(err)), VCM_EINVAL);
	p.nusers = 1;
	memcpy(p.users[0].name, "a", 2);
	CHECK_INT(sim_config_add_group(&cfg, A(127, 0, 0, 1), 0, &p, err,
	    sizeof(err)), VCM_EINVAL);
	/* Leaving 127/8 at either end. */
	CHECK_INT(sim_config_add_group(&cfg, A(126, 255, 255, 255), 2, &p,
	    err, sizeof(err)), VCM_ERANGE);
	CHECK_INT(sim_config_add_group(&cfg, A(127, 255, 255, 255), 2, &p,
	    err, sizeof(err)), VCM_ERANGE);
	CHECK_INT(sim_config_add_group(&cfg, 0xffffffffu, 2, &p,
	    err, sizeof(err)), VCM_ERANGE);
	/* Suite 0 needs the quirk, and the quirk brings suite 0. */
	p.suites |= 1;
	CHECK_INT(sim_config_add_group(&cfg, A(127, 0, 0, 1), 1, &p, err,
	    sizeof(err)), VCM_EINVAL);
	p.suites = SIM_SUITES_DEFAULT;
	p.quirks = SIM_Q_INSECURE_CS0;
	REQUIRE(sim_config_add_group(&cfg, A(127, 0, 0, 1), 1, &p, err,
	    sizeof(err)) == 0);
	CHECK_INT(cfg.groups[0].prof.suites, SIM_SUITES_DEFAULT | 1);
	p.quirks = 0;
	p.slots = 0;
	CHECK_INT(sim_config_add_group(&cfg, A(127, 0, 0, 2), 1, &p, err,
	    sizeof(err)), VCM_ERANGE);
	p.slots = 4;
	/* Up to VCM_SIM_GROUPS_MAX groups. */
	for (i = 1; i < VCM_SIM_GROUPS_MAX; i++)
		REQUIRE(sim_config_add_group(&cfg, A(127, 1, 0, i), 1, &p, err,
		    sizeof(err)) == 0);
	CHECK_INT(sim_config_add_group(&cfg, A(127, 2, 0, 1), 1, &p, err,
	    sizeof(err)), VCM_ERANGE);
	CHECK(strstr(err, "more than 64 groups") != NULL);
}

static const char example[] =
    "# a mixed fleet\n"
    "port 6230\n"
    "control /tmp/bmcsim.sock\n"
    "defaults user=admin:secret:admin session-timeout=60s sol-retry=1s "
    "sol-retries=7 slots=4 suites=3,17 output=11520\n"
    "\n"
    "group addrs=127.20.0.0/24 count=200 vendor=dell "
    "quirks=deactivate_lies,sol_stays_active loss=5 delay=20ms  # dells\n"
    "group addrs=127.20.1.0/24 count=10 vendor=supermicro "
    "user=ADMIN:ADMIN:admin user=op:pw:operator flood=on\n"
    "\tgroup\taddrs=127.20.2.0/29 vendor=cisco insecure "
    "session-timeout=500ms dup=0.5% reorder=1% garbage=100% "
    "sol-retry=250ms\n";

static void
config_full_example(void)
{
	const struct sim_profile *p;
	uint32_t a;

	REQUIRE(parse(example) == 0);
	CHECK_INT(cfg.port, 6230);
	CHECK_STR(cfg.control, "/tmp/bmcsim.sock");
	CHECK_INT(cfg.ngroups, 3);
	CHECK_INT(cfg.total, 216);

	p = &cfg.groups[0].prof;
	CHECK_INT(cfg.groups[0].first, A(127, 20, 0, 1));
	CHECK_INT(cfg.groups[0].count, 200);
	CHECK_STR(p->vendor, "dell");
	CHECK_INT(p->iana, 674);
	CHECK_INT(p->slots, 4);		/* defaults' slots= beat the vendor */
	CHECK_INT(p->quirks, SIM_Q_DEACT_LIES | SIM_Q_SOL_STAYS_ACTIVE);
	CHECK_INT(p->faults.loss, 5);
	CHECK_INT(p->faults.delay_ms, 20);
	CHECK_INT(p->session_timeout_ms, 60000);
	CHECK_INT(p->sol_retry_ms, 1000);
	CHECK_INT(p->sol_retries, 7);
	CHECK_INT(p->output_bps, 11520);
	CHECK_INT(p->nusers, 1);
	CHECK_STR(p->users[0].name, "admin");
	CHECK_INT(p->flood, 0);

	p = &cfg.groups[1].prof;
	CHECK_INT(cfg.groups[1].first, A(127, 20, 1, 1));
	CHECK_STR(p->vendor, "supermicro");
	CHECK_INT(p->iana, 10876);
	CHECK_INT(p->nusers, 2);	/* the group's users replace admin */
	CHECK_STR(p->users[0].name, "ADMIN");
	CHECK_MEM(p->users[0].password, "ADMIN", 5);
	CHECK_STR(p->users[1].name, "op");
	CHECK_INT(p->users[1].priv, IPMI_PRIV_OPERATOR);
	CHECK_INT(p->users[1].password_len, 2);
	CHECK_INT(p->flood, 1);
	CHECK_INT(p->quirks, 0);
	CHECK_INT(p->faults.loss, 0);

	p = &cfg.groups[2].prof;
	CHECK_INT(cfg.groups[2].first, A(127, 20, 2, 1));
	CHECK_INT(cfg.groups[2].count, 6);	/* fills the /29 */
	CHECK_INT(p->iana, 5771);
	CHECK_INT(p->quirks, SIM_Q_INSECURE_CS0);
	CHECK_INT(p->suites, (1u << 0) | (1u << 3) | (1u << 17));
	CHECK_INT(p->session_timeout_ms, 500);
	CHECK_INT(p->sol_retry_ms, 250);
	CHECK_INT(p->faults.dup, 5);
	CHECK_INT(p->faults.reorder, 10);
	CHECK_INT(p->faults.garbage, 1000);

	REQUIRE(sim_config_addr(&cfg, 200, &a, &p) == 0);
	CHECK_INT(a, A(127, 20, 1, 1));
	CHECK(p == &cfg.groups[1].prof);
	REQUIRE(sim_config_addr(&cfg, 215, &a, &p) == 0);
	CHECK_INT(a, A(127, 20, 2, 6));
}

static void
config_keys_good(void)
{
	const struct sim_profile *p = &cfg.groups[0].prof;

	REQUIRE(parse("group addrs=127.1.0.0/24 count=1 user=a::user "
	    "slots=16 suites=17 output=1048576 sol-retries=0 "
	    "session-timeout=60m sol-retry=10m delay=10m flood=off "
	    "quirks=all loss=1000 dup=100% reorder=0 garbage=0.1%\n") == 0);
	CHECK_INT(p->users[0].password_len, 0);
	CHECK_INT(p->users[0].priv, IPMI_PRIV_USER);
	CHECK_INT(p->slots, 16);
	CHECK_INT(p->suites, (1u << 17) | 1u);	/* all includes insecure */
	CHECK_INT(p->output_bps, 1048576);
	CHECK_INT(p->sol_retries, 0);
	CHECK_INT(p->session_timeout_ms, 3600000);
	CHECK_INT(p->sol_retry_ms, 600000);
	CHECK_INT(p->faults.delay_ms, 600000);
	CHECK_INT(p->quirks, SIM_Q_ALL);
	CHECK_INT(p->faults.loss, 1000);
	CHECK_INT(p->faults.dup, 1000);
	CHECK_INT(p->faults.reorder, 0);
	CHECK_INT(p->faults.garbage, 1);

	/* Passwords may hold colons; only the first and last one split. */
	REQUIRE(parse("group addrs=127.1.0.0/30 user=u:a:b:c:admin\n") == 0);
	CHECK_INT(p->users[0].password_len, 5);
	CHECK_MEM(p->users[0].password, "a:b:c", 5);
	/* CRLF, blank and comment-only lines, trailing comments. */
	REQUIRE(parse("# x\r\n\r\n   \r\n  # y\r\nport 1 # z\r\n"
	    "defaults user=a:b:admin # c\r\ngroup addrs=127.1.0.0/30") == 0);
	CHECK_INT(cfg.port, 1);
	CHECK_INT(cfg.total, 2);
	/* insecure=off undoes quirks=all's insecure_cs0. */
	REQUIRE(parse("group addrs=127.1.0.0/30 user=a:b:admin quirks=all "
	    "insecure=off\n") == 0);
	CHECK_INT(p->quirks, SIM_Q_ALL & ~SIM_Q_INSECURE_CS0);
	CHECK_INT(p->suites, SIM_SUITES_DEFAULT);
	/* An insecure default is dropped with the quirk on a group. */
	REQUIRE(parse("defaults user=a:b:admin insecure\n"
	    "group addrs=127.1.0.0/30\n"
	    "group addrs=127.1.1.0/30 insecure=off\n"
	    "group addrs=127.1.2.0/30 quirks=close_lost\n"
	    "group addrs=127.1.3.0/30 suites=17\n") == 0);
	CHECK_INT(cfg.groups[0].prof.suites, SIM_SUITES_DEFAULT | 1);
	CHECK_INT(cfg.groups[0].prof.quirks, SIM_Q_INSECURE_CS0);
	CHECK_INT(cfg.groups[1].prof.suites, SIM_SUITES_DEFAULT);
	CHECK_INT(cfg.groups[1].prof.quirks, 0);
	CHECK_INT(cfg.groups[2].prof.suites, SIM_SUITES_DEFAULT);
	CHECK_INT(cfg.groups[2].prof.quirks, SIM_Q_CLOSE_LOST);
	CHECK_INT(cfg.groups[3].prof.suites, (1u << 17) | 1);
	CHECK_BAD("defaults user=a:b:admin insecure\n"
	    "group addrs=127.1.0.0/30 insecure=off suites=0,17\n",
	    "t.conf:2: cipher suite 0 needs \"insecure\"");
	/* An empty file is an empty fleet (the caller decides). */
	CHECK_INT(parse(""), 0);
	CHECK_INT(cfg.ngroups, 0);
}

/* SOL flow control windows: sol-nack= and sol-cts= (docs/bmcsim.md). */
static void
config_sol_flow(void)
{
	struct sim_profile dflt;

	/* Off by default, on the plain command line too. */
	sim_profile_default(&dflt);
	CHECK_INT(dflt.sol_nack_ms, 0);
	CHECK_INT(dflt.sol_cts_ms, 0);
	REQUIRE(parse("group addrs=127.1.0.0/30 user=a:b:admin\n") == 0);
	CHECK_INT(cfg.groups[0].prof.sol_nack_ms, 0);
	CHECK_INT(cfg.groups[0].prof.sol_cts_ms, 0);
	/* Defaults carry to the groups after them; a group line wins;
	 * 0 turns a window off; the maximum is 10 m. */
	REQUIRE(parse("defaults user=a:b:admin sol-nack=2s sol-cts=500ms\n"
	    "group addrs=127.1.0.0/30\n"
	    "group addrs=127.1.1.0/30 sol-nack=0 sol-cts=10m\n"
	    "group addrs=127.1.2.0/30 sol-cts=1m\n"
	    "defaults sol-nack=250ms\n"
	    "group addrs=127.1.3.0/30\n") == 0);
	REQUIRE(cfg.ngroups == 4);
	CHECK_INT(cfg.groups[0].prof.sol_nack_ms, 2000);
	CHECK_INT(cfg.groups[0].prof.sol_cts_ms, 500);
	CHECK_INT(cfg.groups[1].prof.sol_nack_ms, 0);
	CHECK_INT(cfg.groups[1].prof.sol_cts_ms, 600000);
	CHECK_INT(cfg.groups[2].prof.sol_nack_ms, 2000);
	CHECK_INT(cfg.groups[2].prof.sol_cts_ms, 60000);
	CHECK_INT(cfg.groups[3].prof.sol_nack_ms, 250);
	CHECK_INT(cfg.groups[3].prof.sol_cts_ms, 500);
	/* Durations need a unit (a bare 2000 is not 2000 ms by accident),
	 * stay within 10 m, and each key comes once per line. */
	CHECK_BAD("defaults sol-nack=2000\n",
	    "t.conf:1: sol-nack must be a duration like 500ms or 2s, at most "
	    "600000ms");
	CHECK_BAD("defaults sol-cts=11m\n",
	    "t.conf:1: sol-cts must be a duration");
	CHECK_BAD("defaults sol-cts=-1s\n", "sol-cts must be a duration");
	CHECK_BAD("defaults sol-nack=1s sol-nack=2s\n",
	    "t.conf:1: sol-nack given twice");
	CHECK_BAD("defaults sol-nack\n", "t.conf:1: sol-nack needs a value");
	CHECK_BAD("defaults solnack=1s\n", "unknown key \"solnack\"");
	/* add_group refuses a profile beyond the bound too. */
	sim_config_init(&cfg);
	sim_profile_default(&dflt);
	dflt.nusers = 1;
	memcpy(dflt.users[0].name, "a", 2);
	dflt.users[0].priv = IPMI_PRIV_ADMIN;
	dflt.users[0].enabled = 1;
	dflt.sol_cts_ms = VCM_SIM_DELAY_MAX_MS + 1;
	CHECK_INT(sim_config_add_group(&cfg, A(127, 1, 0, 1), 1, &dflt, err,
	    sizeof(err)), VCM_ERANGE);
	dflt.sol_cts_ms = VCM_SIM_DELAY_MAX_MS;
	CHECK_INT(sim_config_add_group(&cfg, A(127, 1, 0, 1), 1, &dflt, err,
	    sizeof(err)), 0);
}

static void
config_keys_bad(void)
{
	static const struct {
		const char	*text;
		const char	*want;
	} t[] = {
		{ "port 0\n", "t.conf:1: port out of range (1..65535)" },
		{ "port 65536\n", "port out of range" },
		{ "port x\n", "port malformed" },
		{ "port\n", "port takes one number" },
		{ "port 1 2\n", "port takes one number" },
		{ "port 1\nport 2\n", "t.conf:2: port given twice" },
		{ "control\n", "control takes one path" },
		{ "control /a\ncontrol /b\n", "control given twice" },
		{ "bogus 1\n", "unknown directive \"bogus\"" },
		{ "defaults\n", "defaults needs key=value" },
		{ "defaults addrs=127.1.0.0/24\n",
		    "unknown key \"addrs\" on a defaults line" },
		{ "defaults count=1\n", "on a defaults line" },
		{ "defaults colour=red\n", "unknown key \"colour\"" },
		{ "defaults slots\n", "slots needs a value" },
		{ "defaults slots=0\n", "slots out of range (1..16)" },
		{ "defaults slots=17\n", "slots out of range" },
		{ "defaults slots=4 slots=5\n", "slots given twice" },
		{ "defaults slots=-1\n", "slots malformed" },
		{ "defaults slots= 4\n", "unknown key \"4\"" },
		{ "defaults slots=\n", "slots malformed" },
		{ "defaults suites=\n", "suites must be a list" },
		{ "defaults suites=3,,17\n", "suites must be a list" },
		{ "defaults suites=20\n", "suites must be a list" },
		{ "defaults suites=0,3\n", "needs \"insecure\"" },
		{ "defaults session-timeout=60\n", "session-timeout must be" },
		{ "defaults session-timeout=0\n", "session-timeout must be" },
		{ "defaults session-timeout=61m\n", "session-timeout must be" },
		{ "defaults session-timeout=1h\n", "session-timeout must be" },
		{ "defaults sol-retry=11m\n", "sol-retry must be" },
		{ "defaults sol-retry=0ms\n", "sol-retry must be" },
		{ "defaults sol-retries=256\n", "sol-retries out of range" },
		{ "defaults output=0\n", "output out of range" },
		{ "defaults output=1048577\n", "output out of range" },
		{ "defaults flood=yes\n", "flood must be on or off" },
		{ "defaults quirks=fast_boot\n",
		    "unknown quirk \"fast_boot\"" },
		{ "defaults quirks=close_lost,nope\n",
		    "unknown quirk \"nope\"" },
		{ "defaults quirks=\n", "empty quirk list" },
		{ "defaults quirks=all,close_lost\n", "must stand alone" },
		{ "defaults quirks=close_lost,\n", "empty name" },
		{ "defaults loss=1001\n", "loss out of range" },
		{ "defaults dup=100.1%\n", "dup out of range" },
		{ "defaults reorder=0.05%\n", "reorder malformed" },
		{ "defaults garbage=5%%\n", "garbage malformed" },
		{ "defaults loss=.5%\n", "loss malformed" },
		{ "defaults loss=101%\n", "loss out of range" },
		{ "defaults delay=20\n", "delay must be a duration" },
		{ "defaults delay=11m\n", "delay must be a duration" },
		{ "defaults delay=20us\n", "delay must be a duration" },
		{ "defaults delay=4294967296ms\n", "delay must be" },
		{ "defaults insecure=maybe\n", "insecure takes no value" },
		{ "defaults vendor=acme\n", "unknown vendor \"acme\"" },
		{ "defaults user\n", "user needs =name:password:privilege" },
		{ "defaults user=admin\n", "name:password:privilege" },
		{ "defaults user=admin:pw\n", "name:password:privilege" },
		{ "defaults user=:pw:admin\n", "user name must be 1..16" },
		{ "defaults user=abcdefghijklmnopq:pw:admin\n",
		    "user name must be 1..16" },
		{ "defaults user=a:123456789012345678901:admin\n",
		    "password of user \"a\" is longer than 20" },
		{ "defaults user=a:pw:root\n",
		    "privilege of user \"a\" must be user, operator or admin" },
		{ "defaults user=a:pw:admin user=a:x:user\n",
		    "user \"a\" given twice" },
		{ "defaults user=a:p:user user=b:p:user user=c:p:user "
		    "user=d:p:user user=e:p:user user=f:p:user user=g:p:user "
		    "user=h:p:user user=i:p:user\n", "more than 8 users" },
		{ "defaults user=a:b:admin\ngroup count=1\n",
		    "t.conf:2: group needs addrs=" },
		{ "group addrs=127.1.0.0/24\n", "t.conf:1: no user" },
		{ "defaults user=a:b:admin\ngroup addrs=198.51.100.0/24\n",
		    "t.conf:2: 198.51.100.0/24 is not inside 127.0.0.0/8" },
		{ "defaults user=a:b:admin\ngroup addrs=127.1.0.0/24 "
		    "count=255\n", "count 255 does not fit in 127.1.0.0/24 "
		    "(at most 254" },
		{ "defaults user=a:b:admin\ngroup addrs=127.1.0.0/24 "
		    "count=0\n", "count out of range" },
		{ "defaults user=a:b:admin\ngroup addrs=127.0.0.0/8 "
		    "count=10001\n", "count out of range (1..10000)" },
		{ "defaults user=a:b:admin\ngroup addrs=127.0.0.0/8 "
		    "count=6000\ngroup addrs=127.1.0.0/16 count=5000\n",
		    "t.conf:3: fleet of 11000 BMCs exceeds 10000" },
		{ "defaults user=a:b:admin\n# two\ngroup addrs=127.1.0.0/24\n"
		    "group addrs=127.1.0.128/25\n",
		    "t.conf:4: group 2 (127.1.0.129-127.1.0.254) overlaps "
		    "group 1 (127.1.0.1-127.1.0.254)" },
		{ "defaults user=a:b:admin\ngroup addrs=127.1.0.0/24 "
		    "quirks=cs17_only suites=3\n", "cs17_only needs suite 17" },
		{ "port 1\x01\n", "control byte 0x01" },
		{ "port 1\x7f\n", "control byte 0x7f" },
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = parse(t[i].text);
		if (rc >= 0 || strstr(err, t[i].want) == NULL ||
		    strncmp(err, "t.conf:", 7) != 0) {
			printf("#   case %zu rc %d err \"%s\", want \"%s\"\n",
			    i, rc, err, t[i].want);
			test_failed = 1;
		}
	}
	/* A NUL byte in the text. */
	sim_config_init(&cfg);
	CHECK(sim_config_parse(&cfg, "port 1\0\n", 8, "n.conf", err,
	    sizeof(err)) == VCM_EINVAL);
	CHECK(strstr(err, "n.conf:1: control byte 0x00") != NULL);
	/* A password is never quoted in a message. */
	CHECK_BAD("defaults user=bob:hunter2hunter2hunter2x:admin\n",
	    "longer than 20");
	CHECK(strstr(err, "hunter2") == NULL);
	CHECK_BAD("defaults user=bob:hunter2:god\n", "privilege");
	CHECK(strstr(err, "hunter2") == NULL);
}

static void
config_line_numbers_and_length(void)
{
	char big[VCM_SIM_CONFIG_LINE_MAX + 64];
	size_t n;

	CHECK_BAD("# 1\n\nport 2\n# 4\n  slots=1\n", "t.conf:5: unknown "
	    "directive \"slots=1\"");
	/* The longest line fits; one byte more does not. */
	memset(big, 0, sizeof(big));
	memcpy(big, "port 5", 6);
	n = VCM_SIM_CONFIG_LINE_MAX - 1;
	memset(big + 6, ' ', n - 6);
	big[n] = '\n';
	CHECK_INT(parse(big), 0);
	CHECK_INT(cfg.port, 5);
	memset(big, 0, sizeof(big));
	memcpy(big, "# x\nport 5", 10);
	memset(big + 10, ' ', n + 1 - 6);
	CHECK_BAD(big, "t.conf:2: line longer than 1023 bytes");
	/* A last line without a newline counts too. */
	CHECK_BAD("port 1\nport 2", "t.conf:2: port given twice");
	/* Without a file name the messages say "config". */
	sim_config_init(&cfg);
	CHECK(sim_config_parse(&cfg, "x\n", 2, NULL, err, sizeof(err)) < 0);
	CHECK(strncmp(err, "config:1: ", 10) == 0);
	/* A tiny or absent err buffer is never overrun. */
	sim_config_init(&cfg);
	CHECK(sim_config_parse(&cfg, "x\n", 2, NULL, err, 4) < 0);
	CHECK_STR(err, "con");
	CHECK(sim_config_parse(&cfg, "x\n", 2, NULL, NULL, 0) < 0);
}

static void
config_users_and_defaults(void)
{
	const struct sim_profile *p;

	REQUIRE(parse("defaults user=a:1:admin user=b:2:user\n"
	    "group addrs=127.1.0.0/30 count=1\n"
	    "defaults user=c:3:operator slots=2\n"
	    "group addrs=127.1.1.0/30 count=1\n"
	    "group addrs=127.1.2.0/30 count=1 user=d:4:admin user=e:5:user\n")
	    == 0);
	p = &cfg.groups[0].prof;
	CHECK_INT(p->nusers, 2);
	CHECK_STR(p->users[1].name, "b");
	CHECK_INT(p->users[1].priv, IPMI_PRIV_USER);
	CHECK_INT(p->slots, 4);
	p = &cfg.groups[1].prof;
	CHECK_INT(p->nusers, 1);
	CHECK_STR(p->users[0].name, "c");
	CHECK_INT(p->slots, 2);
	p = &cfg.groups[2].prof;
	CHECK_INT(p->nusers, 2);
	CHECK_STR(p->users[0].name, "d");
	CHECK_STR(p->users[1].name, "e");
	CHECK_INT(p->slots, 2);
	/* Eight users is the limit, not an error. */
	REQUIRE(parse("group addrs=127.1.0.0/30 user=a:p:user user=b:p:user "
	    "user=c:p:user user=d:p:user user=e:p:user user=f:p:user "
	    "user=g:p:user user=h:p:admin\n") == 0);
	CHECK_INT(cfg.groups[0].prof.nusers, 8);
	CHECK_INT(cfg.groups[0].prof.users[7].priv, IPMI_PRIV_ADMIN);
}

static void
vendors(void)
{
	static const struct {
		const char	*name;
		uint32_t	 iana;
		uint8_t		 slots;
	} t[] = {
		{ "generic", 0, 4 }, { "dell", 674, 8 },
		{ "supermicro", 10876, 4 }, { "hpe", 11, 8 },
		{ "lenovo", 19046, 4 }, { "cisco", 5771, 4 },
		{ "intel", 343, 4 }, { "openbmc", 49871, 15 },
	};
	const struct sim_vendor *v;
	const struct sim_profile *p = &cfg.groups[0].prof;
	char text[160];
	size_t i;

	CHECK_INT(sim_vendor_count, sizeof(t) / sizeof(t[0]));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = sim_vendor_find(t[i].name, strlen(t[i].name));
		REQUIRE(v != NULL);
		CHECK_INT(v->iana, t[i].iana);
		CHECK_INT(v->slots, t[i].slots);
		CHECK_INT(v->suites, SIM_SUITES_DEFAULT);
		snprintf(text, sizeof(text), "group addrs=127.1.0.0/30 "
		    "user=a:b:admin vendor=%s\n", t[i].name);
		REQUIRE(parse(text) == 0);
		CHECK_STR(p->vendor, t[i].name);
		CHECK_INT(p->iana, t[i].iana);
		CHECK_INT(p->product_id, v->product_id);
		CHECK_INT(p->fw_major, v->fw_major);
		CHECK_INT(p->fw_minor, v->fw_minor);
		CHECK_INT(p->slots, t[i].slots);
		/* Quirks never come with a vendor. */
		CHECK_INT(p->quirks, 0);
	}
	CHECK(sim_vendor_find("del", 3) == NULL);
	CHECK(sim_vendor_find("dellx", 5) == NULL);
	CHECK(sim_vendor_find("DELL", 4) == NULL);
	/* Explicit slots win over a vendor wherever they are written. */
	REQUIRE(parse("group addrs=127.1.0.0/30 user=a:b:admin slots=2 "
	    "vendor=dell\n") == 0);
	CHECK_INT(p->slots, 2);
	CHECK_INT(p->iana, 674);
	REQUIRE(parse("defaults slots=6 suites=17\ngroup addrs=127.1.0.0/30 "
	    "user=a:b:admin vendor=openbmc\n") == 0);
	CHECK_INT(p->slots, 6);
	CHECK_INT(p->suites, 1u << 17);
	CHECK_INT(p->iana, 49871);
	/* A vendor on the defaults line is inherited; a group's replaces it. */
	REQUIRE(parse("defaults vendor=cisco user=a:b:admin\n"
	    "group addrs=127.1.0.0/30\ngroup addrs=127.1.1.0/30 vendor=dell\n")
	    == 0);
	CHECK_INT(cfg.groups[0].prof.iana, 5771);
	CHECK_INT(cfg.groups[0].prof.slots, 4);
	CHECK_INT(cfg.groups[1].prof.iana, 674);
	CHECK_INT(cfg.groups[1].prof.slots, 8);
}

static void
quirk_table(void)
{
	uint32_t bit, seen = 0;
	size_t i;

	CHECK_INT(sim_quirk_count, 10);
	for (i = 0; i < sim_quirk_count; i++) {
		const struct sim_quirk_info *q = &sim_quirk_table[i];

		CHECK(q->name != NULL && q->desc != NULL &&
		    q->firmware != NULL);
		CHECK(strlen(q->desc) > 10 && strlen(q->firmware) > 3);
		CHECK((seen & q->flag) == 0);
		seen |= q->flag;
		CHECK_INT(sim_quirk_by_name(q->name, strlen(q->name)),
		    q->flag);
		CHECK(strcmp(sim_quirk_name(q->flag), q->name) == 0);
		CHECK(sim_quirk_info(q->flag) == q);
	}
	CHECK_INT(seen, SIM_Q_ALL);
	for (bit = 1; bit != 0; bit <<= 1)
		if (!(bit & SIM_Q_ALL))
			CHECK(sim_quirk_name(bit) == NULL);
	CHECK(sim_quirk_name(SIM_Q_CLOSE_LOST | SIM_Q_CS17_ONLY) == NULL);
	CHECK_STR(sim_quirk_name(SIM_Q_SOL_STAYS_ACTIVE), "sol_stays_active");
	CHECK_STR(sim_quirk_name(SIM_Q_DEACT_LIES), "deactivate_lies");
	CHECK_STR(sim_quirk_name(SIM_Q_DEACT_SAYS_INACTIVE),
	    "deactivate_says_inactive");
	CHECK_STR(sim_quirk_name(SIM_Q_CLOSE_LOST), "close_lost");
	CHECK_STR(sim_quirk_name(SIM_Q_SOL_DROP_ON_REBOOT),
	    "sol_drop_on_reboot");
	CHECK_STR(sim_quirk_name(SIM_Q_SOL_SEQ_JUMP), "sol_seq_jump");
	CHECK_STR(sim_quirk_name(SIM_Q_CAPACITY_ZERO), "capacity_zero");
	CHECK_STR(sim_quirk_name(SIM_Q_CS17_ONLY), "cs17_only");
	CHECK_STR(sim_quirk_name(SIM_Q_OPENSESSPRIV), "opensesspriv");
	CHECK_STR(sim_quirk_name(SIM_Q_INSECURE_CS0), "insecure_cs0");
	CHECK(strstr(sim_quirk_info(SIM_Q_DEACT_LIES)->firmware, "H8QME"));
	CHECK(strstr(sim_quirk_info(SIM_Q_CLOSE_LOST)->firmware, "#213"));
	CHECK(strstr(sim_quirk_info(SIM_Q_CS17_ONLY)->firmware, "M50CYP"));
	CHECK_INT(sim_quirk_by_name("close_lo", 8), 0);
	CHECK_INT(sim_quirk_by_name("close_lostx", 11), 0);
	CHECK_INT(sim_quirk_by_name("", 0), 0);
}

static void
quirk_lists(void)
{
	char buf[SIM_QUIRKS_TEXT_MAX], small[12];
	uint32_t set;
	int n;

	CHECK_INT(sim_quirks_parse("close_lost,cs17_only", 20, &set, err,
	    sizeof(err)), 0);
	CHECK_INT(set, SIM_Q_CLOSE_LOST | SIM_Q_CS17_ONLY);
	CHECK_INT(sim_quirks_parse("none", 4, &set, err, sizeof(err)), 0);
	CHECK_INT(set, 0);
	CHECK_INT(sim_quirks_parse("all", 3, &set, err, sizeof(err)), 0);
	CHECK_INT(set, SIM_Q_ALL);
	/* Only len bytes are read. */
	CHECK_INT(sim_quirks_parse("close_lost,zzz", 10, &set, err,
	    sizeof(err)), 0);
	CHECK_INT(set, SIM_Q_CLOSE_LOST);
	CHECK_INT(sim_quirks_parse("close_lost,warp_drive", 21, &set, err,
	    sizeof(err)), VCM_EINVAL);
	CHECK_STR(err, "unknown quirk \"warp_drive\"");
	CHECK_INT(set, 0);
	CHECK_INT(sim_quirks_parse(",close_lost", 11, &set, err,
	    sizeof(err)), VCM_EINVAL);
	CHECK_INT(sim_quirks_parse("", 0, &set, err, sizeof(err)),
	    VCM_EINVAL);
	CHECK_INT(sim_quirks_parse("close_lost,none", 15, &set, err,
	    sizeof(err)), VCM_EINVAL);

	n = sim_quirks_format(0, buf, sizeof(buf));
	CHECK_INT(n, 4);
	CHECK_STR(buf, "none");
	n = sim_quirks_format(SIM_Q_CS17_ONLY | SIM_Q_SOL_STAYS_ACTIVE |
	    (1u << 31), buf, sizeof(buf));
	CHECK_STR(buf, "sol_stays_active,cs17_only");
	CHECK_INT(n, (int)strlen("sol_stays_active,cs17_only"));
	/* Every set formats and parses back to itself. */
	for (set = 0; set <= SIM_Q_ALL; set++) {
		uint32_t back;

		n = sim_quirks_format(set, buf, sizeof(buf));
		REQUIRE(n > 0);
		REQUIRE(sim_quirks_parse(buf, (size_t)n, &back, err,
		    sizeof(err)) == 0);
		CHECK_INT(back, set);
	}
	/* Too small: cut at a name, still terminated. */
	n = sim_quirks_format(SIM_Q_CLOSE_LOST | SIM_Q_CS17_ONLY, small,
	    sizeof(small));
	CHECK_INT(n, VCM_ENOSPC);
	CHECK_STR(small, "close_lost");
	CHECK_INT(sim_quirks_format(0, small, 4), VCM_ENOSPC);
	CHECK_INT(sim_quirks_format(SIM_Q_ALL, buf, 0), VCM_ENOSPC);
}

static void
value_parsers(void)
{
	static const struct {
		const char	*s;
		int		 bare_ms;
		int		 rc;
		uint32_t	 ms;
	} d[] = {
		{ "500ms", 0, 0, 500 }, { "2s", 0, 0, 2000 },
		{ "1m", 0, 0, 60000 }, { "0", 0, 0, 0 }, { "0s", 0, 0, 0 },
		{ "10m", 0, 0, 600000 }, { "600001ms", 0, VCM_ERANGE, 0 },
		{ "11m", 0, VCM_ERANGE, 0 }, { "60", 0, VCM_EINVAL, 0 },
		{ "60", 1, 0, 60 }, { "", 1, VCM_EINVAL, 0 },
		{ "s", 1, VCM_EINVAL, 0 }, { "1h", 1, VCM_EINVAL, 0 },
		{ "1.5s", 1, VCM_EINVAL, 0 }, { "-1", 1, VCM_EINVAL, 0 },
		{ "1 s", 1, VCM_EINVAL, 0 }, { "1S", 1, VCM_EINVAL, 0 },
		{ "99999999999", 1, VCM_ERANGE, 0 },
		{ "4294967295s", 1, VCM_ERANGE, 0 },
	};
	static const struct {
		const char	*s;
		int		 rc;
		uint16_t	 pm;
	} r[] = {
		{ "0", 0, 0 }, { "5", 0, 5 }, { "1000", 0, 1000 },
		{ "1001", VCM_ERANGE, 0 }, { "0.5%", 0, 5 }, { "5%", 0, 50 },
		{ "100%", 0, 1000 }, { "100.0%", 0, 1000 },
		{ "100.1%", VCM_ERANGE, 0 }, { "0.05%", VCM_EINVAL, 0 },
		{ "%", VCM_EINVAL, 0 }, { "5%x", VCM_EINVAL, 0 },
		{ "5.%", VCM_EINVAL, 0 }, { "-5", VCM_ERANGE, 0 },
		{ "", VCM_ERANGE, 0 }, { "0x10", VCM_ERANGE, 0 },
		{ "12.5%", 0, 125 }, { "1e3", VCM_ERANGE, 0 },
	};
	uint32_t ms, v, a;
	uint16_t pm;
	uint8_t on;
	char buf[SIM_ADDR_TEXT_MAX];
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		ms = 12345;
		CHECK_INT(sim_parse_duration(d[i].s, d[i].bare_ms,
		    VCM_SIM_DELAY_MAX_MS, &ms), d[i].rc);
		if (d[i].rc == 0 && ms != d[i].ms) {
			printf("#   \"%s\" -> %u, want %u\n", d[i].s, ms,
			    d[i].ms);
			test_failed = 1;
		}
	}
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		pm = 999;
		if (sim_parse_rate(r[i].s, &pm) != r[i].rc ||
		    (r[i].rc == 0 && pm != r[i].pm)) {
			printf("#   rate \"%s\" -> %u\n", r[i].s, pm);
			test_failed = 1;
		}
	}
	CHECK_INT(sim_parse_u32("4294967295", 0, UINT32_MAX, &v), 0);
	CHECK_INT(v, UINT32_MAX);
	CHECK_INT(sim_parse_u32("4294967296", 0, UINT32_MAX, &v),
	    VCM_ERANGE);
	CHECK_INT(sim_parse_u32("18446744073709551616", 0, UINT32_MAX, &v),
	    VCM_ERANGE);
	CHECK_INT(sim_parse_u32("+1", 0, 9, &v), VCM_EINVAL);
	CHECK_INT(sim_parse_u32(" 1", 0, 9, &v), VCM_EINVAL);
	CHECK_INT(sim_parse_u32("", 0, 9, &v), VCM_EINVAL);
	CHECK_INT(sim_parse_u32("007", 0, 9, &v), 0);
	CHECK_INT(v, 7);
	CHECK_INT(sim_parse_onoff("on", &on), 0);
	CHECK_INT(on, 1);
	CHECK_INT(sim_parse_onoff("off", &on), 0);
	CHECK_INT(on, 0);
	CHECK_INT(sim_parse_onoff("ON", &on), VCM_EINVAL);
	CHECK_INT(sim_parse_addr("127.0.0.1", &a), 0);
	CHECK_INT(a, A(127, 0, 0, 1));
	CHECK_INT(sim_parse_addr("255.255.255.255", &a), 0);
	CHECK_INT(a, 0xffffffffu);
	CHECK_INT(sim_parse_addr("127.0.0.01", &a), VCM_EINVAL);
	CHECK_INT(sim_parse_addr("127.0.0", &a), VCM_EINVAL);
	CHECK_INT(sim_parse_addr("127.0.0.1.", &a), VCM_EINVAL);
	CHECK_INT(sim_parse_addr("127.0.0.1000", &a), VCM_EINVAL);
	sim_addr_format(A(127, 20, 3, 232), buf, sizeof(buf));
	CHECK_STR(buf, "127.20.3.232");
	sim_addr_format(0xffffffffu, buf, sizeof(buf));
	CHECK_STR(buf, "255.255.255.255");
}

static void
load_file(void)
{
	char path[] = "/tmp/test_bmcsim_config.XXXXXX";
	static char big[VCM_SIM_CONFIG_FILE_MAX + 2];
	FILE *f;
	int fd;

	fd = mkstemp(path);
	REQUIRE(fd >= 0);
	f = fdopen(fd, "w");
	REQUIRE(f != NULL);
	fputs(example, f);
	fclose(f);
	sim_config_init(&cfg);
	CHECK_INT(sim_config_load(&cfg, path, err, sizeof(err)), 0);
	CHECK_INT(cfg.total, 216);
	/* Messages name the file. */
	f = fopen(path, "w");
	REQUIRE(f != NULL);
	fputs("# one\nport 99999\n", f);
	fclose(f);
	sim_config_init(&cfg);
	CHECK(sim_config_load(&cfg, path, err, sizeof(err)) < 0);
	CHECK(strncmp(err, path, strlen(path)) == 0);
	CHECK(strstr(err, ":2: port out of range") != NULL);
	/* Exactly the cap is read; one byte more is refused. */
	memset(big, '#', sizeof(big));
	memset(big, '\n', VCM_SIM_CONFIG_FILE_MAX);
	f = fopen(path, "w");
	REQUIRE(f != NULL);
	fwrite(big, 1, VCM_SIM_CONFIG_FILE_MAX, f);
	fclose(f);
	sim_config_init(&cfg);
	CHECK_INT(sim_config_load(&cfg, path, err, sizeof(err)), 0);
	f = fopen(path, "w");
	REQUIRE(f != NULL);
	fwrite(big, 1, VCM_SIM_CONFIG_FILE_MAX + 1, f);
	fclose(f);
	CHECK_INT(sim_config_load(&cfg, path, err, sizeof(err)), VCM_ERANGE);
	CHECK(strstr(err, "larger than") != NULL);
	unlink(path);
	CHECK_INT(sim_config_load(&cfg, path, err, sizeof(err)), VCM_EIO);
	CHECK(strstr(err, "No such file") != NULL);
}

static const struct test_case tests[] = {
	{ "plain command line: 127.20.0.0/22 x1000", plain_command_line },
	{ "plain command line: count limits", plain_count_limits },
	{ "plain command line: only 127.0.0.0/8", plain_refuses_non_loopback },
	{ "CIDR syntax", cidr_syntax },
	{ "plain command line: user and password bounds", plain_user_bounds },
	{ "groups must not overlap; index to address", groups_must_not_overlap },
	{ "add_group checks", add_group_checks },
	{ "config: full example", config_full_example },
	{ "config: every key, good values", config_keys_good },
	{ "config: every key, bad values", config_keys_bad },
	{ "config: sol-nack and sol-cts", config_sol_flow },
	{ "config: line numbers and line length", config_line_numbers_and_length },
	{ "config: users and defaults", config_users_and_defaults },
	{ "vendors", vendors },
	{ "quirk table", quirk_table },
	{ "quirk lists", quirk_lists },
	{ "durations, rates, numbers, addresses", value_parsers },
	{ "load a file", load_file },
};

TEST_MAIN(tests)
