/*
 * Fuzzes vcmctl's host list parser (src/vcmctl/hostrange.c). The input
 * is one -H argument. A success must return at most the cap, every host
 * a NUL-terminated text that parses again, alone, to the same address
 * and port; a failure must leave a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/limits.h"
#include "vcmctl/hostrange.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct hostrange_host hosts[VCM_CTL_HOSTS_MAX];
static char spec[VCM_CTL_HOSTSPEC_MAX + 1];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct hostrange_host one;
	char err[160];
	int n, i;

	if (len > VCM_CTL_HOSTSPEC_MAX)
		return 0;
	memcpy(spec, data, len);
	spec[len] = '\0';
	n = hostrange_parse(spec, hosts, VCM_CTL_HOSTS_MAX, err, sizeof(err));
	if (n < 0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (n == 0 || n > VCM_CTL_HOSTS_MAX)
		abort();
	/* Re-parse a sample (all would cost too much for big ranges). */
	for (i = 0; i < n; i += 1 + n / 16) {
		if (memchr(hosts[i].text, '\0', sizeof(hosts[i].text)) == NULL)
			abort();
		if (hostrange_parse(hosts[i].text, &one, 1, err,
		    sizeof(err)) != 1)
			abort();
		if (one.addr != hosts[i].addr || one.port != hosts[i].port)
			abort();
	}
	return 0;
}
