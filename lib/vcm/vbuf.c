#include <string.h>

#include "err.h"
#include "vbuf.h"

void
vbuf_rd_init(struct vbuf_rd *b, const void *p, size_t len)
{
	b->p = p;
	b->len = p == NULL ? 0 : len;
	b->off = 0;
	b->err = 0;
}

size_t
vbuf_left(const struct vbuf_rd *b)
{
	return b->err ? 0 : b->len - b->off;
}

int
vbuf_fail(struct vbuf_rd *b, int err)
{
	if (b->err == 0)
		b->err = err;
	return b->err;
}

/* Consumes n bytes and returns where they start, or NULL (sticky). */
static const uint8_t *
take(struct vbuf_rd *b, size_t n)
{
	const uint8_t *q;

	if (b->err)
		return NULL;
	if (n > b->len - b->off) {
		b->err = VCM_ETRUNC;
		return NULL;
	}
	q = b->p + b->off;
	b->off += n;
	return q;
}

uint8_t
vbuf_get_u8(struct vbuf_rd *b)
{
	const uint8_t *q = take(b, 1);

	return q ? q[0] : 0;
}

uint8_t
vbuf_peek_u8(struct vbuf_rd *b)
{
	if (b->err || b->off >= b->len)
		return 0;
	return b->p[b->off];
}

uint16_t
vbuf_get_u16le(struct vbuf_rd *b)
{
	const uint8_t *q = take(b, 2);

	return q ? (uint16_t)(q[0] | q[1] << 8) : 0;
}

uint16_t
vbuf_get_u16be(struct vbuf_rd *b)
{
	const uint8_t *q = take(b, 2);

	return q ? (uint16_t)(q[0] << 8 | q[1]) : 0;
}

uint32_t
vbuf_get_u32le(struct vbuf_rd *b)
{
	const uint8_t *q = take(b, 4);

	return q ? (uint32_t)q[0] | (uint32_t)q[1] << 8 |
	    (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24 : 0;
}

uint32_t
vbuf_get_u32be(struct vbuf_rd *b)
{
	const uint8_t *q = take(b, 4);

	return q ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
	    (uint32_t)q[2] << 8 | (uint32_t)q[3] : 0;
}

void
vbuf_get_bytes(struct vbuf_rd *b, void *out, size_t n)
{
	const uint8_t *q = take(b, n);

	if (n == 0)
		return;
	if (q)
		memcpy(out, q, n);
	else
		memset(out, 0, n);
}

const uint8_t *
vbuf_get_span(struct vbuf_rd *b, size_t n)
{
	return take(b, n);
}

void
vbuf_sub(struct vbuf_rd *b, size_t n, struct vbuf_rd *sub)
{
	const uint8_t *q = take(b, n);

	vbuf_rd_init(sub, q, q ? n : 0);
	if (q == NULL)
		sub->err = b->err;
}

void
vbuf_rest(struct vbuf_rd *b, struct vbuf_rd *sub)
{
	vbuf_sub(b, vbuf_left(b), sub);
}

void
vbuf_skip(struct vbuf_rd *b, size_t n)
{
	(void)take(b, n);
}

int
vbuf_end(const struct vbuf_rd *b)
{
	if (b->err)
		return b->err;
	return b->off == b->len ? 0 : VCM_ETRAILING;
}

void
vbuf_wr_init(struct vbuf_wr *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = p == NULL ? 0 : cap;
	w->len = 0;
	w->err = 0;
}

int
vbuf_wfail(struct vbuf_wr *w, int err)
{
	if (w->err == 0)
		w->err = err;
	return w->err;
}

uint8_t *
vbuf_reserve(struct vbuf_wr *w, size_t n)
{
	uint8_t *q;

	if (w->err)
		return NULL;
	if (n > w->cap - w->len) {
		w->err = VCM_ENOSPC;
		return NULL;
	}
	q = w->p + w->len;
	w->len += n;
	return q;
}

void
vbuf_put_u8(struct vbuf_wr *w, uint8_t v)
{
	uint8_t *q = vbuf_reserve(w, 1);

	if (q)
		q[0] = v;
}

void
vbuf_put_u16le(struct vbuf_wr *w, uint16_t v)
{
	uint8_t *q = vbuf_reserve(w, 2);

	if (q) {
		q[0] = v & 0xff;
		q[1] = v >> 8;
	}
}

void
vbuf_put_u16be(struct vbuf_wr *w, uint16_t v)
{
	uint8_t *q = vbuf_reserve(w, 2);

	if (q) {
		q[0] = v >> 8;
		q[1] = v & 0xff;
	}
}

void
vbuf_put_u32le(struct vbuf_wr *w, uint32_t v)
{
	uint8_t *q = vbuf_reserve(w, 4);

	if (q) {
		q[0] = v & 0xff;
		q[1] = (v >> 8) & 0xff;
		q[2] = (v >> 16) & 0xff;
		q[3] = v >> 24;
	}
}

void
vbuf_put_u32be(struct vbuf_wr *w, uint32_t v)
{
	uint8_t *q = vbuf_reserve(w, 4);

	if (q) {
		q[0] = v >> 24;
		q[1] = (v >> 16) & 0xff;
		q[2] = (v >> 8) & 0xff;
		q[3] = v & 0xff;
	}
}

void
vbuf_put_bytes(struct vbuf_wr *w, const void *src, size_t n)
{
	uint8_t *q;

	if (n == 0)
		return;
	if ((q = vbuf_reserve(w, n)) != NULL)
		memcpy(q, src, n);
}

void
vbuf_put_fill(struct vbuf_wr *w, uint8_t v, size_t n)
{
	uint8_t *q;

	if (n == 0)
		return;
	if ((q = vbuf_reserve(w, n)) != NULL)
		memset(q, v, n);
}

int
vbuf_wr_error(const struct vbuf_wr *w)
{
	return w->err;
}
