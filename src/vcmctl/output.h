/*
 * vcmctl's human-readable output: aligned tables with a header for
 * lists, "key: value" lines for one object, and the escaping that keeps
 * text from the server (a BMC's last error, an audit detail, names)
 * from moving the cursor or forging lines on the operator's terminal.
 *
 * Pure but for the FILE * the printers write to.
 */
#ifndef VCMCTL_OUTPUT_H
#define VCMCTL_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/*
 * Copies s into out (always NUL-terminated when cap > 0) with control
 * bytes (below 0x20, 0x7f) written as \n, \r, \t, \e or \xHH and a
 * backslash doubled; text cut to fit ends in "...". Returns the length
 * written.
 */
size_t	vcmctl_clean(const char *s, char *out, size_t cap);

/*
 * A JSON value as one line of text, cleaned: null and "" as "-",
 * booleans as "yes"/"no", numbers and strings as they are, an array of scalars
 * joined with ",", an empty array as "-", anything else as compact
 * JSON. Returns the length written.
 */
size_t	vcmctl_value_text(const json_t *, char *out, size_t cap);

/*
 * A table: ncols columns, rows added one at a time (the cells are
 * copied), printed with each column as wide as its widest cell (UTF-8
 * characters counted, not bytes), two spaces between columns, no
 * trailing blanks.
 */
struct vcmctl_table;

struct vcmctl_table *vcmctl_table_new(size_t ncols,
	    const char *const *headers);
/* 0, or VCM_ENOMEM. Cells are cleaned (vcmctl_clean) on the way in. */
int	vcmctl_table_add(struct vcmctl_table *, const char *const *cells);
size_t	vcmctl_table_rows(const struct vcmctl_table *);
void	vcmctl_table_print(const struct vcmctl_table *, FILE *);
void	vcmctl_table_free(struct vcmctl_table *);

/*
 * One object as "key: value" lines in the server's key order, nested
 * objects flattened with dots ("health.reachable: yes"). Keys listed in
 * skip (NULL-terminated, may be NULL) are left out.
 */
void	vcmctl_print_object(const json_t *, FILE *,
	    const char *const *skip);

/* The value as indented JSON and a newline (--json). */
void	vcmctl_print_json(const json_t *, FILE *);

#endif
