/*
 * The field-table engine (see fields.h). Pure: no I/O, no allocation,
 * no state.
 */
#include <string.h>

#include "vcm/err.h"
#include "vcm/vbuf.h"
#include "ipmi/fields.h"

/* Bytes of the struct member a field of this kind stores into. */
static size_t
ipmi_fields_msize(uint8_t kind)
{
	switch (kind) {
	case IPMI_F_U8:
	case IPMI_F_BITS:
	case IPMI_F_OPT:
		return 1;
	case IPMI_F_U16LE:
	case IPMI_F_U16BE:
		return 2;
	case IPMI_F_U24LE:
	case IPMI_F_U32LE:
		return 4;
	default:
		return 0;
	}
}

/* All-ones mask of w bits (w = 0 means the whole 32-bit value). */
static uint32_t
ipmi_fields_mask(unsigned int w)
{
	return w == 0 || w >= 32 ? 0xffffffffU : (1U << w) - 1;
}

/* Reads an unsigned member of size 1, 2 or 4 without alignment games. */
static uint32_t
ipmi_fields_load(const uint8_t *base, size_t off, size_t size)
{
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;

	switch (size) {
	case 1:
		memcpy(&v8, base + off, 1);
		return v8;
	case 2:
		memcpy(&v16, base + off, 2);
		return v16;
	case 4:
		memcpy(&v32, base + off, 4);
		return v32;
	default:
		return 0;
	}
}

/* Stores v into an unsigned member of size 1, 2 or 4. */
static void
ipmi_fields_store(uint8_t *base, size_t off, size_t size, uint32_t v)
{
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;

	switch (size) {
	case 1:
		memcpy(base + off, &v8, 1);
		break;
	case 2:
		memcpy(base + off, &v16, 2);
		break;
	case 4:
		memcpy(base + off, &v, 4);
		break;
	default:
		break;
	}
}

/* Value bits a field carries: its width, or the member's full size. */
static unsigned int
ipmi_fields_width(const struct ipmi_field *f)
{
	if (f->width != 0)
		return f->width;
	return (unsigned int)ipmi_fields_msize(f->kind) * 8;
}

/*
 * Decodes by the table; see fields.h. Every read goes through the sticky
 * reader, so a short message stops at the first missing byte and the
 * final vbuf_end() also rejects bytes no field claimed.
 */
int
ipmi_fields_decode(const struct ipmi_field *t, void *s, size_t ssize,
    const uint8_t *p, size_t len)
{
	struct vbuf_rd r;
	const struct ipmi_field *f;
	uint8_t *base = s;
	uint8_t cur = 0, b[3];
	int have = 0;
	uint32_t v;
	size_t n;

	if (t == NULL || s == NULL || (p == NULL && len != 0))
		return VCM_EINVAL;
	memset(s, 0, ssize);
	vbuf_rd_init(&r, p, len);
	for (f = t; f->kind != IPMI_F_END; f++) {
		switch (f->kind) {
		case IPMI_F_U8:
			v = vbuf_get_u8(&r);
			break;
		case IPMI_F_U16LE:
			v = vbuf_get_u16le(&r);
			break;
		case IPMI_F_U16BE:
			v = vbuf_get_u16be(&r);
			break;
		case IPMI_F_U24LE:
			vbuf_get_bytes(&r, b, 3);
			v = (uint32_t)b[0] | (uint32_t)b[1] << 8 |
			    (uint32_t)b[2] << 16;
			break;
		case IPMI_F_U32LE:
			v = vbuf_get_u32le(&r);
			break;
		case IPMI_F_BITS:
			if (!have) {
				cur = vbuf_get_u8(&r);
				have = 1;
			}
			v = (uint32_t)cur >> f->shift;
			if (f->flags & IPMI_FF_LAST)
				have = 0;
			break;
		case IPMI_F_BYTES:
			vbuf_get_bytes(&r, base + f->off, f->len);
			continue;
		case IPMI_F_RSVD:
			vbuf_skip(&r, f->len);
			continue;
		case IPMI_F_OPT:
			if (r.err)
				return r.err;
			if (vbuf_left(&r) == 0)
				return 0;
			base[f->off] = 1;
			continue;
		case IPMI_F_WHEN:
			if (ipmi_fields_load(base, f->off, f->aux) != f->val)
				f += f->len;
			continue;
		case IPMI_F_TAIL:
			n = vbuf_left(&r);
			if (r.err)
				return r.err;
			if (n > f->len)
				return VCM_ETRAILING;
			vbuf_get_bytes(&r, base + f->off, n);
			ipmi_fields_store(base, f->aux, 2, (uint32_t)n);
			continue;
		default:
			return VCM_EINVAL;
		}
		if (r.err)
			return r.err;
		/* Bits outside the field are reserved: ignored on read. */
		v &= ipmi_fields_mask(ipmi_fields_width(f));
		if ((f->flags & IPMI_FF_RANGE) && (v < f->lo || v > f->hi))
			return VCM_ERANGE;
		ipmi_fields_store(base, f->off, ipmi_fields_msize(f->kind), v);
		if ((f->flags & IPMI_FF_CC) && v != 0)
			return 0;
	}
	return vbuf_end(&r);
}

/*
 * Encodes by the table; see fields.h. Values are range-checked before
 * they are written, so a struct that would not decode back the same is
 * refused rather than silently truncated.
 */
int
ipmi_fields_encode(const struct ipmi_field *t, const void *s, size_t ssize,
    uint8_t *buf, size_t cap)
{
	struct vbuf_wr w;
	const struct ipmi_field *f;
	const uint8_t *base = s;
	uint8_t cur = 0;
	uint32_t v;
	size_t n;

	if (t == NULL || s == NULL || ssize == 0 || (buf == NULL && cap != 0))
		return VCM_EINVAL;
	vbuf_wr_init(&w, buf, cap);
	for (f = t; f->kind != IPMI_F_END; f++) {
		switch (f->kind) {
		case IPMI_F_BYTES:
			vbuf_put_bytes(&w, base + f->off, f->len);
			continue;
		case IPMI_F_RSVD:
			vbuf_put_fill(&w, (uint8_t)f->val, f->len);
			continue;
		case IPMI_F_OPT:
			if (base[f->off] == 0)
				goto done;
			continue;
		case IPMI_F_WHEN:
			if (ipmi_fields_load(base, f->off, f->aux) != f->val)
				f += f->len;
			continue;
		case IPMI_F_TAIL:
			n = ipmi_fields_load(base, f->aux, 2);
			if (n > f->len)
				return VCM_ERANGE;
			vbuf_put_bytes(&w, base + f->off, n);
			continue;
		case IPMI_F_U8:
		case IPMI_F_U16LE:
		case IPMI_F_U16BE:
		case IPMI_F_U24LE:
		case IPMI_F_U32LE:
		case IPMI_F_BITS:
			break;
		default:
			return VCM_EINVAL;
		}
		v = ipmi_fields_load(base, f->off, ipmi_fields_msize(f->kind));
		if (v > ipmi_fields_mask(ipmi_fields_width(f)))
			return VCM_ERANGE;
		if ((f->flags & IPMI_FF_RANGE) && (v < f->lo || v > f->hi))
			return VCM_ERANGE;
		switch (f->kind) {
		case IPMI_F_U8:
			vbuf_put_u8(&w, (uint8_t)v);
			break;
		case IPMI_F_U16LE:
			vbuf_put_u16le(&w, (uint16_t)v);
			break;
		case IPMI_F_U16BE:
			vbuf_put_u16be(&w, (uint16_t)v);
			break;
		case IPMI_F_U24LE:
			vbuf_put_u8(&w, v & 0xff);
			vbuf_put_u16le(&w, (uint16_t)(v >> 8));
			break;
		case IPMI_F_U32LE:
			vbuf_put_u32le(&w, v);
			break;
		default:	/* IPMI_F_BITS */
			cur |= (uint8_t)(v << f->shift);
			if (f->flags & IPMI_FF_LAST) {
				vbuf_put_u8(&w, cur);
				cur = 0;
			}
			break;
		}
		if ((f->flags & IPMI_FF_CC) && v != 0)
			break;
	}
done:
	if (vbuf_wr_error(&w))
		return vbuf_wr_error(&w);
	return (int)w.len;
}

/* Wire bytes one non-structural field takes (TAIL: its maximum). */
static size_t
ipmi_fields_wire(const struct ipmi_field *f)
{
	switch (f->kind) {
	case IPMI_F_U8:
		return 1;
	case IPMI_F_U16LE:
	case IPMI_F_U16BE:
		return 2;
	case IPMI_F_U24LE:
		return 3;
	case IPMI_F_U32LE:
		return 4;
	case IPMI_F_BITS:
		return f->flags & IPMI_FF_LAST ? 1 : 0;
	case IPMI_F_BYTES:
	case IPMI_F_RSVD:
	case IPMI_F_TAIL:
		return f->len;
	default:
		return 0;
	}
}

/*
 * The shortest encoding: up to the first optional marker, without
 * conditional fields and tails, and only the completion code when the
 * table has one (an error response is just that byte).
 */
size_t
ipmi_fields_min_len(const struct ipmi_field *t)
{
	const struct ipmi_field *f;
	size_t n = 0;

	for (f = t; f->kind != IPMI_F_END; f++) {
		if (f->kind == IPMI_F_OPT)
			break;
		if (f->kind == IPMI_F_WHEN) {
			f += f->len;
			continue;
		}
		if (f->kind == IPMI_F_TAIL)
			continue;
		n += ipmi_fields_wire(f);
		if (f->flags & IPMI_FF_CC)
			break;
	}
	return n;
}

/* The longest encoding: every field, every branch, full tails. */
size_t
ipmi_fields_max_len(const struct ipmi_field *t)
{
	const struct ipmi_field *f;
	size_t n = 0;

	for (f = t; f->kind != IPMI_F_END; f++)
		n += ipmi_fields_wire(f);
	return n;
}

/* Checks one table's shape; see fields.h. */
int
ipmi_fields_validate(const struct ipmi_field *t, size_t ssize)
{
	const struct ipmi_field *f, *g;
	unsigned int bits = 0, m;
	int open = 0;
	size_t i;

	if (t == NULL)
		return VCM_EINVAL;
	for (f = t; f->kind != IPMI_F_END; f++) {
		if (f->name == NULL)
			return VCM_EINVAL;
		if (open && f->kind != IPMI_F_BITS)
			return VCM_EINVAL;
		switch (f->kind) {
		case IPMI_F_U8:
		case IPMI_F_U16LE:
		case IPMI_F_U16BE:
		case IPMI_F_U24LE:
		case IPMI_F_U32LE:
		case IPMI_F_BITS:
		case IPMI_F_OPT:
			if ((size_t)f->off + ipmi_fields_msize(f->kind) > ssize)
				return VCM_EINVAL;
			break;
		case IPMI_F_BYTES:
		case IPMI_F_TAIL:
			if ((size_t)f->off + f->len > ssize || f->len == 0)
				return VCM_EINVAL;
			break;
		case IPMI_F_RSVD:
			if (f->len == 0)
				return VCM_EINVAL;
			break;
		case IPMI_F_WHEN:
			if ((f->aux != 1 && f->aux != 2 && f->aux != 4) ||
			    (size_t)f->off + f->aux > ssize || f->len == 0)
				return VCM_EINVAL;
			for (i = 1, g = f + 1; i <= f->len; i++, g++)
				if (g->kind == IPMI_F_END ||
				    g->kind == IPMI_F_OPT ||
				    g->kind == IPMI_F_WHEN ||
				    g->kind == IPMI_F_TAIL)
					return VCM_EINVAL;
			break;
		default:
			return VCM_EINVAL;
		}
		if (f->width > ipmi_fields_msize(f->kind) * 8 ||
		    (f->width != 0 && f->kind != IPMI_F_U8 &&
		    f->kind != IPMI_F_U24LE && f->kind != IPMI_F_BITS))
			return VCM_EINVAL;
		if (f->flags & IPMI_FF_RANGE) {
			if (f->lo > f->hi ||
			    f->hi > ipmi_fields_mask(ipmi_fields_width(f)))
				return VCM_EINVAL;
		}
		if ((f->flags & IPMI_FF_CC) && f->kind != IPMI_F_U8)
			return VCM_EINVAL;
		if (f->kind == IPMI_F_TAIL) {
			if ((size_t)f->aux + 2 > ssize ||
			    f[1].kind != IPMI_F_END)
				return VCM_EINVAL;
		}
		if (f->kind == IPMI_F_BITS) {
			if (f->width == 0 || f->shift + f->width > 8)
				return VCM_EINVAL;
			m = ((1U << f->width) - 1) << f->shift;
			if (bits & m)
				return VCM_EINVAL;
			bits |= m;
			open = !(f->flags & IPMI_FF_LAST);
			if (!open)
				bits = 0;
		}
	}
	return open ? VCM_EINVAL : 0;
}
