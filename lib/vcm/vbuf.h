/*
 * The one bounds-checked reader and writer for all wire parsing.
 *
 * Errors are sticky (OpenSMTPD unpack_dns.c): once a read runs past the
 * end, every later read returns zero and the error stays set, so a decoder
 * reads all its fields and checks once at the end with vbuf_end(), which
 * also rejects trailing bytes. Nothing here allocates: a reader is a view
 * over the caller's bytes, a writer fills the caller's buffer.
 */
#ifndef VCM_VBUF_H
#define VCM_VBUF_H

#include <stddef.h>
#include <stdint.h>

struct vbuf_rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	int		 err;	/* 0 or a negative VCM_E* code */
};

struct vbuf_wr {
	uint8_t		*p;
	size_t		 cap;
	size_t		 len;
	int		 err;
};

void		 vbuf_rd_init(struct vbuf_rd *, const void *, size_t);
size_t		 vbuf_left(const struct vbuf_rd *);
/* Sets the sticky error (first one wins) and returns it. */
int		 vbuf_fail(struct vbuf_rd *, int);
uint8_t		 vbuf_get_u8(struct vbuf_rd *);
uint8_t		 vbuf_peek_u8(struct vbuf_rd *);
uint16_t	 vbuf_get_u16le(struct vbuf_rd *);
uint16_t	 vbuf_get_u16be(struct vbuf_rd *);
uint32_t	 vbuf_get_u32le(struct vbuf_rd *);
uint32_t	 vbuf_get_u32be(struct vbuf_rd *);
/* Copies n bytes out; on error the destination is zeroed. */
void		 vbuf_get_bytes(struct vbuf_rd *, void *, size_t);
/* Returns a pointer to the next n bytes and consumes them, or NULL. */
const uint8_t	*vbuf_get_span(struct vbuf_rd *, size_t);
/* Carves the next n bytes into a sub-reader and consumes them. */
void		 vbuf_sub(struct vbuf_rd *, size_t, struct vbuf_rd *);
/* Consumes everything left into a sub-reader. */
void		 vbuf_rest(struct vbuf_rd *, struct vbuf_rd *);
void		 vbuf_skip(struct vbuf_rd *, size_t);
/* 0 if every byte was read and no error occurred, else a VCM_E* code. */
int		 vbuf_end(const struct vbuf_rd *);

void		 vbuf_wr_init(struct vbuf_wr *, void *, size_t);
int		 vbuf_wfail(struct vbuf_wr *, int);
void		 vbuf_put_u8(struct vbuf_wr *, uint8_t);
void		 vbuf_put_u16le(struct vbuf_wr *, uint16_t);
void		 vbuf_put_u16be(struct vbuf_wr *, uint16_t);
void		 vbuf_put_u32le(struct vbuf_wr *, uint32_t);
void		 vbuf_put_u32be(struct vbuf_wr *, uint32_t);
void		 vbuf_put_bytes(struct vbuf_wr *, const void *, size_t);
void		 vbuf_put_fill(struct vbuf_wr *, uint8_t, size_t);
/* Reserves n bytes to be filled later; returns NULL on overflow. */
uint8_t		*vbuf_reserve(struct vbuf_wr *, size_t);
/* 0 or the sticky error. */
int		 vbuf_wr_error(const struct vbuf_wr *);

#endif
