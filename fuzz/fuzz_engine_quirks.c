/*
 * Fuzzes the per-BMC quirk override parser and the table lookup
 * (src/engine/quirks.c). The input is one override string, applied to
 * a table row chosen by its length; its first six bytes are also used
 * as an (IANA, product) key for the lookup.
 *
 * Invariants: an error leaves the profile unchanged and a message of
 * printable ASCII; a success leaves only known flags, sessions and
 * suites in range, cs17only with suites {17}, and flags that survive
 * eng_quirks_format() -> eng_quirks_override("none,...") unchanged.
 * A lookup returns a row whose key really matches, or the default.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/limits.h"
#include "engine/quirks.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_lookup(const uint8_t *data, size_t len)
{
	struct eng_quirk_profile p;
	uint32_t iana;
	uint16_t product;
	int r;

	if (len < 6)
		return;
	iana = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
	    (uint32_t)(data[2] & 0x0f) << 16;
	product = (uint16_t)(data[4] | data[5] << 8);
	r = eng_quirks_lookup(iana, product, &p);
	if (r == ENG_QUIRK_MATCH_EXACT &&
	    (p.iana != iana || p.product != (int32_t)product))
		abort();
	if (r == ENG_QUIRK_MATCH_VENDOR &&
	    (p.iana != iana || p.product != ENG_QUIRK_ANY))
		abort();
	if (r == ENG_QUIRK_MATCH_NONE && (p.quirks != 0 || p.nsuites != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct eng_quirk_profile p, before, again;
	char spec[VCM_ENG_QUIRK_SPEC_MAX + 16], err[160], fmt[300];
	char spec2[320];
	size_t i, row;
	int r;

	check_lookup(data, len);
	if (len > VCM_ENG_QUIRK_SPEC_MAX + 8)
		return 0;
	memcpy(spec, data, len);
	spec[len] = '\0';

	row = len % (eng_quirk_profile_count + 1);
	if (row < eng_quirk_profile_count)
		p = eng_quirk_profiles[row];
	else
		(void)eng_quirks_lookup(0, 0, &p);
	before = p;
	memset(err, 0, sizeof(err));
	r = eng_quirks_override(&p, spec, err, sizeof(err));
	if (r != 0) {
		if (r >= 0 || err[0] == '\0' ||
		    memcmp(&p, &before, sizeof(p)) != 0)
			abort();
		for (i = 0; err[i] != '\0'; i++)
			if ((unsigned char)err[i] < 0x20 ||
			    (unsigned char)err[i] >= 0x7f)
				abort();
		return 0;
	}
	if ((p.quirks & ~ENG_Q_KNOWN) != 0 ||
	    p.max_sessions > VCM_BMC_SESSIONS_MAX ||
	    p.nsuites > VCM_ENG_SUITES_MAX)
		abort();
	for (i = 0; i < p.nsuites; i++)
		if (p.suites[i] != 3 && p.suites[i] != 17)
			abort();
	if ((p.quirks & ENG_Q_CS17ONLY) &&
	    (p.nsuites == 0 || p.suites[0] != 17 || p.nsuites != 1))
		abort();
	/* The flags, formatted, parse back to themselves. */
	if (eng_quirks_format(p.quirks, fmt, sizeof(fmt)) <= 0)
		abort();
	(void)eng_quirks_lookup(0, 0, &again);
	again.quirks = ENG_Q_KNOWN;
	if (p.quirks == 0)
		memcpy(spec2, "none", sizeof("none"));
	else {
		memcpy(spec2, "none,", 5);
		memcpy(spec2 + 5, fmt, strlen(fmt) + 1);
	}
	if (eng_quirks_override(&again, spec2, err, sizeof(err)) != 0 ||
	    again.quirks != p.quirks)
		abort();
	return 0;
}
