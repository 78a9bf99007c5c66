/*
 * vcmctl's human-readable output (output.h). Everything that came from
 * the server goes through vcmctl_clean() before it reaches a terminal:
 * a BMC's error text or an audit detail is tenant- or BMC-controlled,
 * and an escape sequence in it must not rewrite the operator's screen.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vcm/err.h"
#include "vcmctl/output.h"

/* Room for a cut marker: "..." and the NUL. */
#define CLEAN_CUT_MARK		"..."
#define CLEAN_CUT_ROOM		(sizeof(CLEAN_CUT_MARK))

/* One cell or value, cleaned: a long audit detail or JSON fragment. */
#define VALUE_TEXT_MAX		1024

/* A continuation byte of a UTF-8 sequence (10xxxxxx). */
#define UTF8_CONT(c)		(((unsigned char)(c) & 0xc0) == 0x80)

size_t
vcmctl_clean(const char *s, char *out, size_t cap)
{
	char piece[5];
	size_t pos = 0, fit = 0, n;
	unsigned char c;

	if (cap == 0)
		return 0;
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '\\')
			n = (size_t)snprintf(piece, sizeof(piece), "\\\\");
		else if (c == '\n')
			n = (size_t)snprintf(piece, sizeof(piece), "\\n");
		else if (c == '\r')
			n = (size_t)snprintf(piece, sizeof(piece), "\\r");
		else if (c == '\t')
			n = (size_t)snprintf(piece, sizeof(piece), "\\t");
		else if (c == 0x1b)
			n = (size_t)snprintf(piece, sizeof(piece), "\\e");
		else if (c < 0x20 || c == 0x7f)
			n = (size_t)snprintf(piece, sizeof(piece), "\\x%02x",
			    c);
		else {
			piece[0] = (char)c;
			n = 1;
		}
		/* A cut may fall before any piece that starts a character,
		 * never inside a UTF-8 sequence. */
		if (!UTF8_CONT(c) && pos + CLEAN_CUT_ROOM <= cap)
			fit = pos;
		if (pos + n >= cap) {
			if (cap < CLEAN_CUT_ROOM) {
				out[pos] = '\0';
				return pos;
			}
			memcpy(out + fit, CLEAN_CUT_MARK, CLEAN_CUT_ROOM);
			return fit + CLEAN_CUT_ROOM - 1;
		}
		memcpy(out + pos, piece, n);
		pos += n;
	}
	out[pos] = '\0';
	return pos;
}

/* A scalar as text (not cleaned); 0 if v is not a scalar. */
static int
scalar_text(const json_t *v, char *out, size_t cap)
{
	switch (json_typeof(v)) {
	case JSON_NULL:
		(void)snprintf(out, cap, "-");
		return 1;
	case JSON_TRUE:
		(void)snprintf(out, cap, "yes");
		return 1;
	case JSON_FALSE:
		(void)snprintf(out, cap, "no");
		return 1;
	case JSON_INTEGER:
		(void)snprintf(out, cap, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return 1;
	case JSON_REAL:
		(void)snprintf(out, cap, "%g", json_real_value(v));
		return 1;
	case JSON_STRING:
		/* An empty string would leave a hole in a table column. */
		(void)snprintf(out, cap, "%s", json_string_length(v) == 0 ?
		    "-" : json_string_value(v));
		return 1;
	default:
		return 0;
	}
}

size_t
vcmctl_value_text(const json_t *v, char *out, size_t cap)
{
	char raw[VALUE_TEXT_MAX], one[VALUE_TEXT_MAX];
	const json_t *e;
	size_t i, off = 0, n;
	char *dump;

	if (cap == 0)
		return 0;
	raw[0] = '\0';
	if (v == NULL)
		(void)snprintf(raw, sizeof(raw), "-");
	else if (scalar_text(v, raw, sizeof(raw)))
		;
	else if (json_is_array(v)) {
		if (json_array_size(v) == 0)
			(void)snprintf(raw, sizeof(raw), "-");
		json_array_foreach(v, i, e) {
			if (!scalar_text(e, one, sizeof(one)))
				break;
			n = strlen(one);
			if (off + n + 2 > sizeof(raw))
				break;
			if (off > 0)
				raw[off++] = ',';
			memcpy(raw + off, one, n + 1);
			off += n;
		}
		if (i < json_array_size(v))
			off = 0;	/* not all scalars: as JSON below */
		else
			goto done;
	}
	if ((json_is_array(v) || json_is_object(v)) &&
	    (dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL) {
		(void)snprintf(raw, sizeof(raw), "%s", dump);
		free(dump);
	}
done:
	return vcmctl_clean(raw, out, cap);
}

/* ---- tables ------------------------------------------------------------ */

struct vcmctl_table {
	size_t		 ncols;
	size_t		 nrows;		/* the header is row 0 */
	size_t		 alloc;		/* rows */
	char		**cells;	/* alloc * ncols */
};

/* Characters on screen: UTF-8 lead bytes and ASCII. */
static size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (!UTF8_CONT(*s))
			w++;
	return w;
}

struct vcmctl_table *
vcmctl_table_new(size_t ncols, const char *const *headers)
{
	struct vcmctl_table *t;

	if (ncols == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->ncols = ncols;
	if (vcmctl_table_add(t, headers) != 0) {
		free(t);
		return NULL;
	}
	return t;
}

int
vcmctl_table_add(struct vcmctl_table *t, const char *const *cells)
{
	char buf[VALUE_TEXT_MAX];
	char **grown;
	size_t i, na;

	if (t->nrows == t->alloc) {
		na = t->alloc ? t->alloc * 2 : 16;
		if (na > SIZE_MAX / t->ncols / sizeof(*grown))
			return VCM_ENOMEM;
		grown = realloc(t->cells, na * t->ncols * sizeof(*grown));
		if (grown == NULL)
			return VCM_ENOMEM;
		t->cells = grown;
		t->alloc = na;
	}
	for (i = 0; i < t->ncols; i++) {
		(void)vcmctl_clean(cells[i] ? cells[i] : "", buf, sizeof(buf));
		if ((t->cells[t->nrows * t->ncols + i] = strdup(buf)) == NULL) {
			while (i-- > 0)
				free(t->cells[t->nrows * t->ncols + i]);
			return VCM_ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

size_t
vcmctl_table_rows(const struct vcmctl_table *t)
{
	return t->nrows - 1;
}

void
vcmctl_table_print(const struct vcmctl_table *t, FILE *f)
{
	size_t *w, r, c, cw, end, pad;
	const char *cell;

	if ((w = calloc(t->ncols, sizeof(*w))) == NULL)
		return;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			cw = text_width(t->cells[r * t->ncols + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < t->nrows; r++) {
		/* The last non-empty cell ends the line: no trailing blanks. */
		end = t->ncols;
		while (end > 1 && t->cells[r * t->ncols + end - 1][0] == '\0')
			end--;
		for (c = 0; c < end; c++) {
			cell = t->cells[r * t->ncols + c];
			fputs(cell, f);
			if (c + 1 < end)
				for (pad = text_width(cell); pad < w[c] + 2;
				    pad++)
					fputc(' ', f);
		}
		fputc('\n', f);
	}
	free(w);
}

void
vcmctl_table_free(struct vcmctl_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

/* ---- objects ----------------------------------------------------------- */

static int
skipped(const char *key, const char *const *skip)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(key, *skip) == 0)
			return 1;
	return 0;
}

static void
print_members(const json_t *o, FILE *f, const char *prefix,
    const char *const *skip)
{
	char name[VALUE_TEXT_MAX], clean[VALUE_TEXT_MAX],
	    val[VALUE_TEXT_MAX], sub[VALUE_TEXT_MAX + 2];
	const char *k;
	json_t *v;

	/* jansson's iterator takes a non-const object; nothing is changed. */
	json_object_foreach((json_t *)(uintptr_t)o, k, v) {
		(void)snprintf(name, sizeof(name), "%s%s", prefix, k);
		if (skipped(name, skip))
			continue;
		if (json_is_object(v) && json_object_size(v) > 0) {
			(void)snprintf(sub, sizeof(sub), "%s.", name);
			print_members(v, f, sub, skip);
			continue;
		}
		(void)vcmctl_clean(name, clean, sizeof(clean));
		(void)vcmctl_value_text(v, val, sizeof(val));
		fprintf(f, "%s: %s\n", clean, val);
	}
}

void
vcmctl_print_object(const json_t *o, FILE *f, const char *const *skip)
{
	char val[VALUE_TEXT_MAX];

	if (!json_is_object(o)) {
		(void)vcmctl_value_text(o, val, sizeof(val));
		fprintf(f, "%s\n", val);
		return;
	}
	print_members(o, f, "", skip);
}

void
vcmctl_print_json(const json_t *v, FILE *f)
{
	(void)json_dumpf(v, f, JSON_INDENT(2) | JSON_ENCODE_ANY);
	fputc('\n', f);
}
