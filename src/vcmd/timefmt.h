/*
 * RFC 3339 times, the API's only time format. Parsing accepts
 * "2026-11-25T16:00:00Z", lowercase 't'/'z', fractional seconds (up to
 * TIMEFMT_FRAC_MAX digits, cut to milliseconds) and numeric offsets
 * ("+01:00", "-00:00"). Ranges are strict: no February 30th, no hour
 * 24, no leap second 60 (POSIX time has none to map it to). Output is
 * always UTC with seconds: "2026-11-25T16:00:00Z".
 *
 * The calendar arithmetic is our own (proleptic Gregorian, days from a
 * civil date): no locale, no strptime, no timegm, nothing that reads TZ.
 */
#ifndef VCMD_TIMEFMT_H
#define VCMD_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Nanosecond precision is the most any client sends. */
#define TIMEFMT_FRAC_MAX	9
/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define TIMEFMT_STR_SIZE	21

/* Milliseconds since the Unix epoch; 0 or VCM_EINVAL. */
int	timefmt_parse(const char *s, int64_t *ms);
/*
 * Formats ms (floored to the second) as UTC; returns the length (20),
 * or 0 if out is too small or the year is outside 0000..9999.
 */
size_t	timefmt_format(int64_t ms, char *out, size_t outsz);
/* Days since 1970-01-01 of a proleptic Gregorian date (no checks). */
int64_t	timefmt_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
