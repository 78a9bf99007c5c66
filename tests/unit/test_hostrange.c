/* vcmctl's host list parser (src/vcmctl/hostrange.c). */
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcmctl/hostrange.h"
#include "test.h"

static struct hostrange_host H[VCM_CTL_HOSTS_MAX];
static char E[160];

static int
P(const char *s)
{
	memset(H, 0, sizeof(H));
	return hostrange_parse(s, H, VCM_CTL_HOSTS_MAX, E, sizeof(E));
}

#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			    (uint32_t)(c) << 8 | (uint32_t)(d))

static void
single_and_list(void)
{
	CHECK_INT(P("127.0.0.5"), 1);
	CHECK_INT(H[0].addr, IP(127, 0, 0, 5));
	CHECK_INT(H[0].port, 0);
	CHECK(strcmp(H[0].text, "127.0.0.5") == 0);
	CHECK_INT(P("127.0.0.5,192.0.2.3:6230,255.255.255.255:65535"), 3);
	CHECK_INT(H[1].addr, IP(192, 0, 2, 3));
	CHECK_INT(H[1].port, 6230);
	CHECK(strcmp(H[1].text, "192.0.2.3:6230") == 0);
	CHECK_INT(H[2].addr, 0xffffffffu);
	CHECK_INT(H[2].port, 65535);
	CHECK_INT(P("0.0.0.0"), 1);
}

static void
ranges(void)
{
	char want[32];
	int i;

	CHECK_INT(P("127.20.0.[1-3,7]"), 4);
	CHECK_INT(H[0].addr, IP(127, 20, 0, 1));
	CHECK_INT(H[2].addr, IP(127, 20, 0, 3));
	CHECK_INT(H[3].addr, IP(127, 20, 0, 7));
	CHECK(strcmp(H[3].text, "127.20.0.7") == 0);
	/* Two brackets: the first varies slowest. */
	CHECK_INT(P("127.20.[0-3].[1-250]"), 1000);
	CHECK_INT(H[0].addr, IP(127, 20, 0, 1));
	CHECK_INT(H[249].addr, IP(127, 20, 0, 250));
	CHECK_INT(H[250].addr, IP(127, 20, 1, 1));
	CHECK_INT(H[999].addr, IP(127, 20, 3, 250));
	for (i = 0; i < 1000; i++) {
		(void)snprintf(want, sizeof(want), "127.20.%d.%d", i / 250,
		    i % 250 + 1);
		if (strcmp(H[i].text, want) != 0) {
			CHECK(strcmp(H[i].text, want) == 0);
			break;
		}
	}
	/* Ranges and lists mixed with plain hosts, ports in brackets. */
	CHECK_INT(P("127.0.0.1,127.0.0.[2-3]:[6230-6231],127.0.0.9"), 6);
	CHECK_INT(H[1].port, 6230);
	CHECK_INT(H[2].port, 6231);
	CHECK_INT(H[3].addr, IP(127, 0, 0, 3));
	CHECK_INT(H[5].addr, IP(127, 0, 0, 9));
	/* Brackets glued to digits: 1[0-2] is 10, 11, 12. */
	CHECK_INT(P("127.0.0.1[0-2]"), 3);
	CHECK_INT(H[2].addr, IP(127, 0, 0, 12));
	/* A one-value range and a whole octet. */
	CHECK_INT(P("127.0.0.[5-5]"), 1);
	CHECK_INT(P("127.0.[0-1].[0-255]"), 512);
	CHECK_INT(P("[1-3].0.0.1:623"), 3);
	CHECK_INT(H[2].addr, IP(3, 0, 0, 1));
	CHECK_INT(H[2].port, 623);
}

static void
errors(void)
{
	static const struct {
		const char	*in;
		int		 err;
	} bad[] = {
		{ "", VCM_EINVAL },
		{ ",", VCM_EINVAL },
		{ "127.0.0.1,", VCM_EINVAL },
		{ "127.0.0.[1-3", VCM_EINVAL },		/* unbalanced */
		{ "127.0.0.1-3]", VCM_EINVAL },
		{ "127.0.[0.[1]]", VCM_EINVAL },		/* nested */
		{ "127.0.0.[]", VCM_EINVAL },
		{ "127.0.0.[3-1]", VCM_ERANGE },		/* reversed */
		{ "127.0.0.[1-]", VCM_EINVAL },
		{ "127.0.0.[a]", VCM_EINVAL },
		{ "127.0.0.[1;2]", VCM_EINVAL },
		{ "127.0.0.[999999]", VCM_EINVAL },
		{ "127.0.0.256", VCM_ERANGE },			/* bad octet */
		{ "127.0.0.[250-256]", VCM_ERANGE },
		{ "127.0.0.01", VCM_ERANGE },
		{ "127.0.0", VCM_EINVAL },
		{ "127.0.0.1.2", VCM_EINVAL },
		{ "bmc1.example.com", VCM_EINVAL },		/* a name */
		{ "127.0.0.1:0", VCM_ERANGE },			/* bad port */
		{ "127.0.0.1:65536", VCM_ERANGE },
		{ "127.0.0.1:", VCM_ERANGE },
		{ "127.0.0.1:x", VCM_ERANGE },
		{ "127.0.0.1:[0-1]", VCM_ERANGE },
		{ "127.0.0.1 ", VCM_EINVAL },
		{ "127.0.0.1,,127.0.0.2", VCM_EINVAL },
		{ "[1].[2].[3].[4]:[5].[6]", VCM_EINVAL },	/* 6 brackets */
	};
	size_t i;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = P(bad[i].in);
		if (r != bad[i].err)
			printf("#   \"%s\": %d (%s)\n", bad[i].in, r, E);
		CHECK_INT(r, bad[i].err);
		CHECK(E[0] != '\0');
	}
	CHECK_INT(hostrange_parse(NULL, H, 1, E, sizeof(E)), VCM_EINVAL);
}

static void
count_limit(void)
{
	char spec[64];

	/* 40 x 250 = 10,000 exactly: allowed. */
	CHECK_INT(P("127.[0-39].0.[1-250]"), VCM_CTL_HOSTS_MAX);
	CHECK_INT(P("127.[0-39].0.[1-251]"), VCM_ENOSPC);
	CHECK(strstr(E, "more than") != NULL);
	/* 16 M hosts fail before any is generated. */
	CHECK_INT(P("127.[0-255].[0-255].[0-255]"), VCM_ENOSPC);
	/* The limit counts across list items. */
	(void)snprintf(spec, sizeof(spec), "127.1.[0-38].[1-250],127.2.0.[1-251]");
	CHECK_INT(P(spec), VCM_ENOSPC);
	/* A smaller cap is honoured. */
	CHECK_INT(hostrange_parse("127.0.0.[1-5]", H, 4, E, sizeof(E)),
	    VCM_ENOSPC);
	CHECK_INT(hostrange_parse("127.0.0.[1-4]", H, 4, E, sizeof(E)), 4);
	/* Too many ranges in one bracket. */
	{
		char big[512];
		size_t n = 0;
		int i;

		n += (size_t)snprintf(big + n, sizeof(big) - n, "127.0.0.[");
		for (i = 0; i < VCM_CTL_RANGES_MAX + 1; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "%s%d",
			    i ? "," : "", i);
		(void)snprintf(big + n, sizeof(big) - n, "]");
		CHECK_INT(P(big), VCM_ERANGE);
	}
}

static const struct test_case tests[] = {
	{ "single_and_list", single_and_list },
	{ "ranges", ranges },
	{ "errors", errors },
	{ "count_limit", count_limit },
};

TEST_MAIN(tests)
