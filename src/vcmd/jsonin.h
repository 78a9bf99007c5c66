/*
 * Strict JSON input for the API, over jansson. A request body is
 * pre-scanned for nesting (an attacker's "[[[[..." never reaches the
 * parser's recursion), parsed with duplicate keys refused and no
 * trailing bytes allowed, and must be an object. Its members are then
 * read through a table of fields: an unknown field, a wrong type, a
 * missing required field or a string too long for its buffer is an
 * error whose message names the field, fit for a 400 response
 * ("unknown field 'x'", "field 'x' must be a string", "field 'x' is
 * required"). Messages are printable ASCII; names from the client are
 * cut and sanitised.
 */
#ifndef VCMD_JSONIN_H
#define VCMD_JSONIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Field types. 0 is invalid so a zeroed entry is caught. */
enum jsonin_type {
	JSONIN_STR = 1,	/* out: char[outsz], NUL-terminated */
	JSONIN_INT,	/* out: int64_t (a JSON integer, not 1.0) */
	JSONIN_BOOL,	/* out: int, 0 or 1 */
	JSONIN_STRARR,	/* out: char[outsz], elements joined with ','
			 * (each a non-empty string without ','); [] is "" */
	JSONIN_TIME	/* out: int64_t ms, from an RFC 3339 string */
};
/*
 * Or'ed into a type: JSON null is accepted (e.g. "site_id": null in a
 * PATCH clears it); *present is then JSONIN_PRESENT_NULL and out is
 * left alone. Without it null is a wrong type.
 */
#define JSONIN_NULL_OK		0x100
#define JSONIN_TYPE_MASK	0xff
#define JSONIN_PRESENT_NULL	2

struct jsonin_field {
	const char	*name;
	int		 type;		/* enum jsonin_type | JSONIN_NULL_OK */
	int		 required;
	void		*out;
	size_t		 outsz;		/* JSONIN_STR and JSONIN_STRARR */
	int		*present;	/* NULL, or 1 given / 0 absent */
};

/* 1 if no '[' or '{' outside strings nests deeper than maxdepth. */
int	jsonin_depth_ok(const char *text, size_t len, int maxdepth);
/* The object, or NULL with err set. The caller json_decref()s it. */
json_t	*jsonin_parse(const char *text, size_t len, char *err, size_t errsz);
/* 0, or VCM_EINVAL with err set (outputs then undefined). */
int	jsonin_read(json_t *obj, const struct jsonin_field *fields, size_t n,
	    char *err, size_t errsz);

#endif
