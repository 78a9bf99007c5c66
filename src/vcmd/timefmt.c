/*
 * RFC 3339 (timefmt.h). The date conversions are Howard Hinnant's
 * days_from_civil / civil_from_days ("chrono-Compatible Low-Level Date
 * Algorithms"): exact over the whole proleptic Gregorian calendar with
 * integer arithmetic only.
 */
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "timefmt.h"

#define MS_PER_S	1000
#define S_PER_DAY	86400
#define YEAR_MAX	9999

int64_t
timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;				/* [0, 399] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Exactly n digits at *p, advancing it; -1 if any is not a digit. */
static int
digits(const char **p, int n)
{
	int v = 0;

	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

int
timefmt_parse(const char *s, int64_t *ms)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, frac = 0, nfrac, oh, om, sign;
	int64_t days, t;

	if (s == NULL)
		return VCM_EINVAL;
	if ((y = digits(&p, 4)) < 0 || *p++ != '-' ||
	    (mo = digits(&p, 2)) < 0 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 0 || (*p != 'T' && *p != 't'))
		return VCM_EINVAL;
	p++;
	if ((h = digits(&p, 2)) < 0 || *p++ != ':' ||
	    (mi = digits(&p, 2)) < 0 || *p++ != ':' ||
	    (sec = digits(&p, 2)) < 0)
		return VCM_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 ||
	    (unsigned)d > days_in_month(y, (unsigned)mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return VCM_EINVAL;
	if (*p == '.') {
		p++;
		for (nfrac = 0; *p >= '0' && *p <= '9'; p++, nfrac++) {
			if (nfrac >= TIMEFMT_FRAC_MAX)
				return VCM_EINVAL;
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
		}
		if (nfrac == 0)
			return VCM_EINVAL;
		for (; nfrac < 3; nfrac++)
			frac *= 10;
	}
	t = 0;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if ((oh = digits(&p, 2)) < 0 || *p++ != ':' ||
		    (om = digits(&p, 2)) < 0 || oh > 23 || om > 59)
			return VCM_EINVAL;
		/* Local time = UTC + offset, so UTC = local - offset. */
		t = -(int64_t)sign * ((int64_t)oh * 3600 + om * 60);
	} else
		return VCM_EINVAL;
	if (*p != '\0')
		return VCM_EINVAL;
	days = timefmt_days_from_civil(y, (unsigned)mo, (unsigned)d);
	t += days * S_PER_DAY + (int64_t)h * 3600 + mi * 60 + sec;
	*ms = t * MS_PER_S + frac;
	return 0;
}

size_t
timefmt_format(int64_t ms, char *out, size_t outsz)
{
	int64_t secs, days, rem, y;
	unsigned m, d;
	int n;

	if (out == NULL || outsz < TIMEFMT_STR_SIZE) {
		if (out != NULL && outsz > 0)
			out[0] = '\0';
		return 0;
	}
	/* Floor, not truncation: -1 ms is 1969-12-31T23:59:59Z. */
	secs = ms / MS_PER_S - (ms % MS_PER_S < 0);
	days = secs / S_PER_DAY - (secs % S_PER_DAY < 0);
	rem = secs - days * S_PER_DAY;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > YEAR_MAX) {
		out[0] = '\0';
		return 0;
	}
	n = snprintf(out, outsz, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m,
	    d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return n > 0 && (size_t)n < outsz ? (size_t)n : 0;
}
