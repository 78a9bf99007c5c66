/*
 * Declarative field tables for IPMI message data.
 *
 * One table per message layout lists its fields in wire order; each entry
 * names a member of a plain C struct (by offsetof) and says how it is
 * carried. The same table drives decoding (bytes -> struct, through the
 * bounds-checked struct vbuf_rd) and encoding (struct -> bytes, through
 * struct vbuf_wr), so the two directions cannot disagree. The idea is
 * FreeIPMI's fiid templates; the design (C structs, no dynamic objects,
 * no allocation) is ours.
 *
 * Member types are fixed by the kind: U8 and BITS use uint8_t, U16LE and
 * U16BE uint16_t, U24LE and U32LE uint32_t, BYTES and TAIL uint8_t[]
 * (TAIL's length lives in a uint16_t member), OPT and WHEN selectors as
 * documented below. ipmi_fields_validate() checks a table's shape and is
 * run over every table by the unit tests.
 */
#ifndef IPMI_FIELDS_H
#define IPMI_FIELDS_H

#include <stddef.h>
#include <stdint.h>

enum ipmi_field_kind {
	IPMI_F_END = 0,	/* terminates a table */
	IPMI_F_U8,	/* one byte; width < 8 masks on read, checks on write */
	IPMI_F_U16LE,
	IPMI_F_U16BE,
	IPMI_F_U24LE,	/* three bytes into a uint32_t (IANA numbers) */
	IPMI_F_U32LE,
	IPMI_F_BYTES,	/* fixed array of len bytes */
	IPMI_F_BITS,	/* bits shift..shift+width-1 of a shared byte */
	IPMI_F_RSVD,	/* len reserved bytes: written as val, ignored */
	IPMI_F_OPT,	/* the message may end here; uint8_t at off = present */
	IPMI_F_WHEN,	/* next len fields exist iff member at off == val */
	IPMI_F_TAIL	/* 0..len bytes to the end; uint16_t length at aux */
};

/* Field flags. */
#define IPMI_FF_LAST	0x01	/* BITS: last field of its byte; advance */
#define IPMI_FF_RANGE	0x02	/* value must lie in lo..hi (both ways) */
#define IPMI_FF_CC	0x04	/* U8 completion code: non-zero ends data */

struct ipmi_field {
	const char	*name;
	uint8_t		 kind;
	uint8_t		 flags;
	uint8_t		 shift;	/* BITS: lowest bit */
	uint8_t		 width;	/* BITS, U8, U24LE: value bits, 0 = all */
	uint16_t	 off;	/* offsetof the member */
	uint16_t	 len;	/* BYTES, RSVD: size; TAIL: max; WHEN: fields */
	uint16_t	 aux;	/* TAIL: offsetof length; WHEN: selector size */
	uint32_t	 val;	/* WHEN: selector value; RSVD: fill byte */
	uint32_t	 lo;	/* IPMI_FF_RANGE bounds */
	uint32_t	 hi;
};

/* Table-building helpers: S is the struct tag, M the member. */
#define IPMI_FLD_OFF(S, M)	((uint16_t)offsetof(struct S, M))
#define IPMI_FLD_U8(S, M)						\
	{ .name = #M, .kind = IPMI_F_U8, .off = IPMI_FLD_OFF(S, M) }
#define IPMI_FLD_U8R(S, M, L, H)					\
	{ .name = #M, .kind = IPMI_F_U8, .flags = IPMI_FF_RANGE,	\
	  .off = IPMI_FLD_OFF(S, M), .lo = (L), .hi = (H) }
#define IPMI_FLD_CC(S, M)						\
	{ .name = #M, .kind = IPMI_F_U8, .flags = IPMI_FF_CC,		\
	  .off = IPMI_FLD_OFF(S, M) }
#define IPMI_FLD_U16LE(S, M)						\
	{ .name = #M, .kind = IPMI_F_U16LE, .off = IPMI_FLD_OFF(S, M) }
#define IPMI_FLD_U16BE(S, M)						\
	{ .name = #M, .kind = IPMI_F_U16BE, .off = IPMI_FLD_OFF(S, M) }
#define IPMI_FLD_U24LE(S, M, W)						\
	{ .name = #M, .kind = IPMI_F_U24LE, .width = (W),		\
	  .off = IPMI_FLD_OFF(S, M) }
#define IPMI_FLD_U32LE(S, M)						\
	{ .name = #M, .kind = IPMI_F_U32LE, .off = IPMI_FLD_OFF(S, M) }
#define IPMI_FLD_BYTES(S, M)						\
	{ .name = #M, .kind = IPMI_F_BYTES, .off = IPMI_FLD_OFF(S, M),	\
	  .len = (uint16_t)sizeof(((struct S *)0)->M) }
/* A bit field that shares its byte with the fields after it. */
#define IPMI_FLD_BITS(S, M, SH, W)					\
	{ .name = #M, .kind = IPMI_F_BITS, .shift = (SH), .width = (W),	\
	  .off = IPMI_FLD_OFF(S, M) }
/* The last bit field of a byte (the byte is then consumed). */
#define IPMI_FLD_BITSL(S, M, SH, W)					\
	{ .name = #M, .kind = IPMI_F_BITS, .flags = IPMI_FF_LAST,	\
	  .shift = (SH), .width = (W), .off = IPMI_FLD_OFF(S, M) }
#define IPMI_FLD_BITSLR(S, M, SH, W, L, H)				\
	{ .name = #M, .kind = IPMI_F_BITS,				\
	  .flags = IPMI_FF_LAST | IPMI_FF_RANGE, .shift = (SH),		\
	  .width = (W), .off = IPMI_FLD_OFF(S, M), .lo = (L), .hi = (H) }
#define IPMI_FLD_RSVD(N)						\
	{ .name = "reserved", .kind = IPMI_F_RSVD, .len = (N) }
/* From here on the message may end; S.M (uint8_t) records presence. */
#define IPMI_FLD_OPT(S, M)						\
	{ .name = #M, .kind = IPMI_F_OPT, .off = IPMI_FLD_OFF(S, M) }
/* The next N fields are carried only when S.M equals V. */
#define IPMI_FLD_WHEN(S, M, V, N)					\
	{ .name = #M, .kind = IPMI_F_WHEN, .off = IPMI_FLD_OFF(S, M),	\
	  .aux = (uint16_t)sizeof(((struct S *)0)->M), .val = (V),	\
	  .len = (N) }
/* S.M[] holds up to sizeof(S.M) trailing bytes, S.L their count. */
#define IPMI_FLD_TAIL(S, M, L)						\
	{ .name = #M, .kind = IPMI_F_TAIL, .off = IPMI_FLD_OFF(S, M),	\
	  .len = (uint16_t)sizeof(((struct S *)0)->M),			\
	  .aux = IPMI_FLD_OFF(S, L) }
#define IPMI_FLD_END	{ .name = NULL, .kind = IPMI_F_END }

/*
 * Decodes len bytes at p into the struct at s (of size ssize, zeroed
 * first) by the table. Returns 0, or VCM_ETRUNC, VCM_ETRAILING,
 * VCM_ERANGE (a field outside its declared range), VCM_EINVAL.
 * A non-zero IPMI_FF_CC field ends decoding: the bytes after it are not
 * read (a BMC may or may not send them with an error completion code).
 */
int	ipmi_fields_decode(const struct ipmi_field *, void *, size_t,
	    const uint8_t *, size_t);

/*
 * Encodes the struct at s into buf (cap bytes). Returns the length, or
 * VCM_ENOSPC, VCM_ERANGE (a value wider than its field or outside its
 * declared range; a tail longer than its maximum), VCM_EINVAL.
 */
int	ipmi_fields_encode(const struct ipmi_field *, const void *, size_t,
	    uint8_t *, size_t);

/* Fewest and most bytes a table's encoding can take. */
size_t	ipmi_fields_min_len(const struct ipmi_field *);
size_t	ipmi_fields_max_len(const struct ipmi_field *);

/*
 * Checks a table's shape against a struct of size ssize: members inside
 * the struct, bit fields within a byte, not overlapping and closed by a
 * LAST, WHEN spans inside the table, a TAIL only at the end. Returns 0 or
 * VCM_EINVAL. For tests and assertions; the codecs trust their tables.
 */
int	ipmi_fields_validate(const struct ipmi_field *, size_t);

#endif
