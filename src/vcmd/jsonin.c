/*
 * Strict JSON input (jsonin.h). jansson does the parsing; this file
 * bounds the nesting before it, and maps members to typed fields.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "jsonin.h"
#include "timefmt.h"

/* Characters of a client's field name repeated in a message. */
#define JSONIN_NAME_QUOTE	48

static void
set_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	/* jansson's texts quote the input: keep the message printable. */
	for (i = 0; err[i] != '\0'; i++)
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			err[i] = '?';
}

/* A client's name, printable and short, for a message. */
static void
quote_name(char *out, size_t outsz, const char *s)
{
	size_t i, n = 0;

	for (i = 0; s[i] != '\0' && n + 4 < outsz && i < JSONIN_NAME_QUOTE;
	    i++)
		out[n++] = (unsigned char)s[i] >= 0x20 &&
		    (unsigned char)s[i] < 0x7f && s[i] != '\'' ? s[i] : '?';
	if (s[i] != '\0') {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

int
jsonin_depth_ok(const char *text, size_t len, int maxdepth)
{
	size_t i;
	int depth = 0, in_str = 0, esc = 0;

	if (text == NULL)
		return len == 0;
	for (i = 0; i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{') {
			if (++depth > maxdepth)
				return 0;
		} else if ((c == ']' || c == '}') && depth > 0)
			depth--;
	}
	return 1;
}

json_t *
jsonin_parse(const char *text, size_t len, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *j;

	if (text == NULL || len == 0) {
		set_err(err, errsz, "empty body: a JSON object is required");
		return NULL;
	}
	if (!jsonin_depth_ok(text, len, VCM_JSON_DEPTH_MAX)) {
		set_err(err, errsz, "JSON nested deeper than %d levels",
		    VCM_JSON_DEPTH_MAX);
		return NULL;
	}
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		set_err(err, errsz, "invalid JSON at line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		set_err(err, errsz, "the body must be a JSON object");
		return NULL;
	}
	return j;
}

/* Joins an array of strings with ','. */
static int
read_strarr(json_t *v, const struct jsonin_field *f, char *err,
    size_t errsz)
{
	char *out = f->out;
	json_t *e;
	size_t i, n = 0, len;
	const char *s;

	if (f->outsz == 0)
		goto toolong;
	out[0] = '\0';
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			set_err(err, errsz, "field '%s' must be an array of "
			    "strings", f->name);
			return VCM_EINVAL;
		}
		s = json_string_value(e);
		len = json_string_length(e);
		if (len == 0 || memchr(s, ',', len) != NULL ||
		    strlen(s) != len) {
			set_err(err, errsz, "field '%s': elements must be "
			    "non-empty and without ','", f->name);
			return VCM_EINVAL;
		}
		if (n + (n > 0) + len + 1 > f->outsz)
			goto toolong;
		if (n > 0)
			out[n++] = ',';
		memcpy(out + n, s, len + 1);
		n += len;
	}
	return 0;
toolong:
	set_err(err, errsz, "field '%s' is too long (at most %zu characters "
	    "in all)", f->name, f->outsz > 0 ? f->outsz - 1 : 0);
	return VCM_EINVAL;
}

static int
read_field(json_t *v, const struct jsonin_field *f, char *err, size_t errsz)
{
	const char *s;
	size_t len;
	int64_t ms;

	switch (f->type & JSONIN_TYPE_MASK) {
	case JSONIN_STR:
		if (!json_is_string(v)) {
			set_err(err, errsz, "field '%s' must be a string",
			    f->name);
			return VCM_EINVAL;
		}
		s = json_string_value(v);
		len = json_string_length(v);
		if (f->outsz == 0 || len >= f->outsz) {
			set_err(err, errsz, "field '%s' is too long (at most "
			    "%zu characters)", f->name,
			    f->outsz > 0 ? f->outsz - 1 : 0);
			return VCM_EINVAL;
		}
		/* jansson refuses \u0000 unless asked; check anyway. */
		if (strlen(s) != len) {
			set_err(err, errsz, "field '%s' holds a NUL", f->name);
			return VCM_EINVAL;
		}
		memcpy(f->out, s, len + 1);
		return 0;
	case JSONIN_INT:
		if (!json_is_integer(v)) {
			set_err(err, errsz, "field '%s' must be an integer",
			    f->name);
			return VCM_EINVAL;
		}
		ms = (int64_t)json_integer_value(v);
		memcpy(f->out, &ms, sizeof(ms));
		return 0;
	case JSONIN_BOOL:
		if (!json_is_boolean(v)) {
			set_err(err, errsz, "field '%s' must be true or false",
			    f->name);
			return VCM_EINVAL;
		}
		*(int *)f->out = json_is_true(v);
		return 0;
	case JSONIN_STRARR:
		if (!json_is_array(v)) {
			set_err(err, errsz, "field '%s' must be an array of "
			    "strings", f->name);
			return VCM_EINVAL;
		}
		return read_strarr(v, f, err, errsz);
	case JSONIN_TIME:
		if (!json_is_string(v) ||
		    timefmt_parse(json_string_value(v), &ms) != 0) {
			set_err(err, errsz, "field '%s' must be an RFC 3339 "
			    "time like \"2026-11-25T16:00:00Z\"", f->name);
			return VCM_EINVAL;
		}
		memcpy(f->out, &ms, sizeof(ms));
		return 0;
	}
	set_err(err, errsz, "internal: field '%s' has no type", f->name);
	return VCM_EINVAL;
}

int
jsonin_read(json_t *obj, const struct jsonin_field *fields, size_t n,
    char *err, size_t errsz)
{
	char q[JSONIN_NAME_QUOTE + 8];
	const char *key;
	json_t *v;
	size_t i;
	int rc;

	if (!json_is_object(obj)) {
		set_err(err, errsz, "the body must be a JSON object");
		return VCM_EINVAL;
	}
	json_object_foreach(obj, key, v) {
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i == n) {
			quote_name(q, sizeof(q), key);
			set_err(err, errsz, "unknown field '%s'", q);
			return VCM_EINVAL;
		}
	}
	for (i = 0; i < n; i++) {
		const struct jsonin_field *f = &fields[i];

		if (f->present != NULL)
			*f->present = 0;
		v = json_object_get(obj, f->name);
		if (v == NULL) {
			if (f->required) {
				set_err(err, errsz, "field '%s' is required",
				    f->name);
				return VCM_EINVAL;
			}
			continue;
		}
		if (json_is_null(v) && (f->type & JSONIN_NULL_OK)) {
			if (f->required) {
				set_err(err, errsz, "field '%s' is required",
				    f->name);
				return VCM_EINVAL;
			}
			if (f->present != NULL)
				*f->present = JSONIN_PRESENT_NULL;
			continue;
		}
		if ((rc = read_field(v, f, err, errsz)) != 0)
			return rc;
		if (f->present != NULL)
			*f->present = 1;
	}
	return 0;
}
