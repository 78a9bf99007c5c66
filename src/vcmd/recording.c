/*
 * Console recordings (recording.h): the asciicast v2 writer, the file
 * and row of each recording, and the retention.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "vcmd/recording.h"
#include "vcmd/vcmd.h"

/* The directory under the state directory, and the modes. */
#define REC_DIR			"recordings"
#define REC_DIR_MODE		0700
#define REC_FILE_MODE		0600

/* An event line's fixed part: '[', a time of at most 20 digits, '.',
 * 3 digits, ", \"o\", \"" and "\"]\n". */
#define REC_LINE_OVERHEAD	48
/* Input bytes per event line: the worst line fits the buffer. */
#define REC_SLICE \
	((VCM_REC_BUF_BYTES - REC_LINE_OVERHEAD - REC_JSON_MAX(0)) / 6)
/* Room kept below the size limit for the end lines (two events of
 * fixed text, checked where they are written). */
#define REC_TAIL_MAX		256
/* The header line: a title of a server name (VCM_NAME_MAX, 6 bytes
 * each at worst once escaped) and a grant id, and the numbers. */
#define REC_HEADER_MAX		768

_Static_assert(REC_SLICE >= 1024, "recording buffer too small");
_Static_assert(REC_HEADER_MAX + REC_TAIL_MAX <= VCM_REC_BUF_BYTES,
    "recording buffer too small for the header and the end");
_Static_assert(REC_HEADER_MAX + REC_TAIL_MAX <=
    VCM_REC_FILE_MAX - VCM_RECORDING_BYTES_MAX, "VCM_REC_FILE_MAX");

/* ---- UTF-8 to a JSON string --------------------------------------------- */

/* The length of a character led by b; 0 if b cannot lead one (a
 * continuation byte, C0/C1 overlongs, F5..FF beyond U+10FFFF). */
static unsigned int
utf8_len(uint8_t b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b >= 0xe0 && b <= 0xef)
		return 3;
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;
}

/* 1 if b may follow the have bytes of a character led by lead (the
 * Unicode standard's table 3-7: no overlongs, no surrogates, nothing
 * beyond U+10FFFF). */
static int
utf8_next_ok(uint8_t lead, unsigned int have, uint8_t b)
{
	uint8_t lo = 0x80, hi = 0xbf;

	if (have == 1) {
		if (lead == 0xe0)
			lo = 0xa0;
		else if (lead == 0xed)
			hi = 0x9f;
		else if (lead == 0xf0)
			lo = 0x90;
		else if (lead == 0xf4)
			hi = 0x8f;
	}
	return b >= lo && b <= hi;
}

static char *
put_fffd(char *o)
{
	memcpy(o, "\xef\xbf\xbd", 3);
	return o + 3;
}

/* One ASCII byte as JSON: quote, backslash and controls escaped. */
static char *
put_ascii(char *o, uint8_t b)
{
	static const char hex[] = "0123456789abcdef";

	switch (b) {
	case '"':
	case '\\':
		*o++ = '\\';
		*o++ = (char)b;
		return o;
	case '\n':
		memcpy(o, "\\n", 2);
		return o + 2;
	case '\r':
		memcpy(o, "\\r", 2);
		return o + 2;
	case '\t':
		memcpy(o, "\\t", 2);
		return o + 2;
	case '\b':
		memcpy(o, "\\b", 2);
		return o + 2;
	case '\f':
		memcpy(o, "\\f", 2);
		return o + 2;
	}
	if (b < 0x20 || b == 0x7f) {
		memcpy(o, "\\u00", 4);
		o[4] = hex[b >> 4];
		o[5] = hex[b & 0xf];
		return o + 6;
	}
	*o++ = (char)b;
	return o;
}

size_t
rec_utf8_json(struct rec_utf8 *u, const uint8_t *in, size_t n, int final,
    char *out)
{
	char *o = out;
	size_t i = 0;
	unsigned int len;
	uint8_t b;

	while (i < n) {
		b = in[i];
		if (u->need != 0) {
			if (!utf8_next_ok(u->pend[0], u->have, b)) {
				/* The begun character ends here, ill-formed:
				 * one U+FFFD, and b is read again. */
				o = put_fffd(o);
				u->need = u->have = 0;
				continue;
			}
			u->pend[u->have++] = b;
			i++;
			if (u->have == u->need) {
				memcpy(o, u->pend, u->need);
				o += u->need;
				u->need = u->have = 0;
			}
			continue;
		}
		i++;
		if ((len = utf8_len(b)) == 1)
			o = put_ascii(o, b);
		else if (len == 0)
			o = put_fffd(o);
		else {
			u->pend[0] = b;
			u->have = 1;
			u->need = (uint8_t)len;
		}
	}
	if (final && u->need != 0) {
		o = put_fffd(o);
		u->need = u->have = 0;
	}
	return (size_t)(o - out);
}

/* ---- the file format ------------------------------------------------------ */

void
rec_cast_init(struct rec_cast *c, int fd, uint64_t max_bytes,
    int record_input)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->max = max_bytes;
	c->input = record_input != 0;
}

int
rec_cast_flush(struct rec_cast *c)
{
	size_t off = 0;
	ssize_t w = 0;

	while (off < c->len) {
		w = write(c->fd, c->buf + off, c->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	c->written += c->len;
	c->len = 0;
	return 0;
fail:
	c->error = w < 0 ? errno : EIO;
	/* A part of a line may be on disk: cut back to the last whole
	 * one, so the file stays a valid recording of what it holds. */
	c->cut_failed = ftruncate(c->fd, (off_t)c->written) != 0;
	c->stopped = 1;
	c->truncated = 1;
	c->len = 0;
	c->size = c->written;
	return VCM_EIO;
}

int
rec_cast_header(struct rec_cast *c, unsigned int cols, unsigned int rows,
    int64_t unix_s, const char *title)
{
	json_t *o;
	char *text;
	size_t n;

	o = json_pack("{s:i,s:i,s:i,s:I,s:s}", "version", 2, "width",
	    (int)cols, "height", (int)rows, "timestamp", (json_int_t)unix_s,
	    "title", title);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL)
		return VCM_ENOMEM;
	n = strlen(text);
	if (n + 1 > REC_HEADER_MAX || c->len != 0) {
		free(text);
		return VCM_EINVAL;
	}
	memcpy(c->buf, text, n);
	c->buf[n] = '\n';
	free(text);
	c->len = n + 1;
	c->size += n + 1;
	return rec_cast_flush(c);
}

/* The end lines at the size limit: text the replay shows, a marker. */
static int
cast_stop_full(struct rec_cast *c, int64_t t)
{
	int n;

	if (VCM_REC_BUF_BYTES - c->len < REC_TAIL_MAX &&
	    rec_cast_flush(c) != 0)
		return VCM_EIO;
	n = snprintf(c->buf + c->len, REC_TAIL_MAX,
	    "[%lld.%03lld, \"o\", \"\\r\\n\\u001b[0m[vcm: recording stopped:"
	    " size limit reached]\\r\\n\"]\n"
	    "[%lld.%03lld, \"m\", \"recording truncated: size limit\"]\n",
	    (long long)(t / 1000), (long long)(t % 1000),
	    (long long)(t / 1000), (long long)(t % 1000));
	c->stopped = 1;
	c->truncated = 1;
	if (n > 0 && n < REC_TAIL_MAX) {
		c->len += (size_t)n;
		c->size += (size_t)n;
	}
	if (rec_cast_flush(c) != 0)
		return VCM_EIO;
	return VCM_ENOSPC;
}

/* One event line from n bytes (at most REC_SLICE). */
static int
cast_line(struct rec_cast *c, char type, struct rec_utf8 *u,
    const uint8_t *p, size_t n, int final, int64_t t)
{
	char *line;
	size_t len;
	int tl;

	if (VCM_REC_BUF_BYTES - c->len < REC_LINE_OVERHEAD + REC_JSON_MAX(n) &&
	    rec_cast_flush(c) != 0)
		return VCM_EIO;
	line = c->buf + c->len;
	tl = snprintf(line, REC_LINE_OVERHEAD, "[%lld.%03lld, \"%c\", \"",
	    (long long)(t / 1000), (long long)(t % 1000), type);
	if (tl <= 0 || tl >= REC_LINE_OVERHEAD - 3)
		return VCM_EINVAL;
	len = (size_t)tl + rec_utf8_json(u, p, n, final, line + tl);
	if (len == (size_t)tl)
		return 0;	/* only the first bytes of a character */
	memcpy(line + len, "\"]\n", 3);
	len += 3;
	if (c->size + len + REC_TAIL_MAX > c->max)
		return cast_stop_full(c, t);
	c->len += len;
	c->size += len;
	return 0;
}

int
rec_cast_event(struct rec_cast *c, char type, const uint8_t *p, size_t n,
    int64_t t_ms)
{
	struct rec_utf8 *u;
	size_t take;
	int rc;

	if (c->stopped)
		return VCM_ESTATE;
	if (type != 'o' && type != 'i')
		return VCM_EINVAL;
	if (type == 'i' && !c->input)
		return 0;
	u = type == 'i' ? &c->in_dec : &c->out_dec;
	/* The loop's clock never goes back; this keeps the file's times
	 * in order whatever the caller passes. */
	if (t_ms < c->last_ms)
		t_ms = c->last_ms;
	c->last_ms = t_ms;
	while (n > 0) {
		take = n < REC_SLICE ? n : REC_SLICE;
		if ((rc = cast_line(c, type, u, p, take, 0, t_ms)) != 0)
			return rc;
		p += take;
		n -= take;
	}
	return 0;
}

int
rec_cast_end(struct rec_cast *c, int64_t t_ms)
{
	int rc;

	if (c->stopped)
		return rec_cast_flush(c);
	if (t_ms < c->last_ms)
		t_ms = c->last_ms;
	if (c->out_dec.need != 0 &&
	    (rc = cast_line(c, 'o', &c->out_dec, NULL, 0, 1, t_ms)) != 0)
		return rc;
	if (c->input && c->in_dec.need != 0 &&
	    (rc = cast_line(c, 'i', &c->in_dec, NULL, 0, 1, t_ms)) != 0)
		return rc;
	return rec_cast_flush(c);
}

/* ---- files -------------------------------------------------------------- */

int
rec_path(int64_t id, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, REC_DIR "/%lld.cast", (long long)id);

	return n > 0 && (size_t)n < outsz && id > 0 ? 0 : VCM_ERANGE;
}

/* The recordings directory, created 0700 if missing, as a descriptor
 * (not a symbolic link; a wider mode is tightened). -1 on error. */
static int
dir_open(struct vcmd *d, int create)
{
	char path[VCM_CONFIG_PATH_SIZE + sizeof(REC_DIR) + 1];
	struct stat sb;
	int fd;

	if (snprintf(path, sizeof(path), "%s/" REC_DIR, d->cfg.state_dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (create && mkdir(path, REC_DIR_MODE) != 0 && errno != EEXIST)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return -1;
	}
	if ((sb.st_mode & 077) != 0 && fchmod(fd, REC_DIR_MODE) == 0)
		vcm_log(VCM_LOG_WARN, "recording_dir_mode_fixed", "path", path,
		    NULL);
	return fd;
}

/* "<id>.cast" for openat() in the directory. */
static void
file_name(int64_t id, char *out, size_t outsz)
{
	snprintf(out, outsz, "%lld.cast", (long long)id);
}

/* Logs a row whose path is not the one vcmd makes (a database edited
 * by hand, or worse); vcmd uses its own path regardless. */
static void
path_check(const struct st_recording *r)
{
	char want[VCM_RECORDING_PATH_MAX + 1], id[24];

	if (r->path[0] == '\0' ||
	    (rec_path(r->id, want, sizeof(want)) == 0 &&
	    strcmp(want, r->path) == 0))
		return;
	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	vcm_log(VCM_LOG_WARN, "recording_path_unexpected", "id", id,
	    "stored", r->path, "used", want, NULL);
}

int
rec_delete(struct vcmd *d, const struct st_recording *r)
{
	char name[32];
	int dfd, rc;

	path_check(r);
	file_name(r->id, name, sizeof(name));
	if ((dfd = dir_open(d, 0)) == -1 && errno != ENOENT)
		return VCM_EIO;
	if (dfd != -1) {
		rc = unlinkat(dfd, name, 0);
		if (rc != 0 && errno != ENOENT) {
			close(dfd);
			return VCM_EIO;
		}
		close(dfd);
	}
	rc = store_recording_del(d->st, r->id);
	return rc == VCM_ENOTFOUND ? 0 : rc;
}

int
rec_file_read(struct vcmd *d, const struct st_recording *r, char **buf,
    size_t *len)
{
	struct stat sb;
	char name[32], *p = NULL;
	size_t off = 0;
	ssize_t n;
	int dfd, fd = -1, ret = VCM_EIO;

	*buf = NULL;
	*len = 0;
	path_check(r);
	file_name(r->id, name, sizeof(name));
	if ((dfd = dir_open(d, 0)) == -1)
		return errno == ENOENT ? VCM_ENOTFOUND : VCM_EIO;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(dfd);
	if (fd == -1)
		return errno == ENOENT ? VCM_ENOTFOUND : VCM_EIO;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		goto out;
	if ((uint64_t)sb.st_size > VCM_REC_FILE_MAX) {
		ret = VCM_ERANGE;
		goto out;
	}
	/* The file does not grow meanwhile: its writes run on this
	 * thread. One byte more tells a file that grew anyway. */
	if ((p = malloc((size_t)sb.st_size + 1)) == NULL) {
		ret = VCM_ENOMEM;
		goto out;
	}
	while (off <= (size_t)sb.st_size) {
		n = read(fd, p + off, (size_t)sb.st_size + 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	if (off != (size_t)sb.st_size)
		goto out;
	*buf = p;
	*len = off;
	p = NULL;
	ret = 0;
out:
	free(p);
	close(fd);
	return ret;
}

/* ---- recordings ------------------------------------------------------------ */

struct recording {
	struct vcmd		*d;
	struct st_recording	 row;
	uint64_t		 t0;		/* loop ms at the start */
	int			 logged;	/* the stop was logged */
	uv_timer_t		 timer;		/* the flush */
	struct rec_cast		 cast;
};

static void
log_id(const struct recording *r, enum vcm_log_level level,
    const char *event, const char *k1, const char *v1)
{
	char id[24], g[24];

	snprintf(id, sizeof(id), "%lld", (long long)r->row.id);
	snprintf(g, sizeof(g), "%lld", (long long)r->row.grant_id);
	vcm_log(level, event, "id", id, "grant", g, k1, v1, NULL);
}

/* Keeps the row in step when the recording stops early, and says why
 * once. */
static void
rec_stopped(struct recording *r, int rc)
{
	char err[160];

	if (rc == 0 || rc == VCM_ESTATE || r->logged)
		return;
	r->logged = 1;
	if (rc == VCM_ENOSPC)
		log_id(r, VCM_LOG_INFO, "recording_truncated", "limit",
		    "size");
	else {
		snprintf(err, sizeof(err), "%s%s", strerror(r->cast.error ?
		    r->cast.error : EIO), r->cast.cut_failed ?
		    "; the last line may be cut" : "");
		log_id(r, VCM_LOG_ERROR, "recording_failed", "error", err);
	}
	r->row.bytes = (int64_t)r->cast.written;
	r->row.truncated = 1;
	if (store_recording_update(r->d->st, &r->row) != 0)
		vcm_log(VCM_LOG_ERROR, "recording_store_failed", "error",
		    store_errmsg(r->d->st), NULL);
}

static void
flush_fire(uv_timer_t *t)
{
	struct recording *r = t->data;

	rec_stopped(r, rec_cast_flush(&r->cast));
}

static void
after_event(struct recording *r, int rc)
{
	rec_stopped(r, rc);
	if (r->cast.len > 0 && !uv_is_active((uv_handle_t *)&r->timer))
		uv_timer_start(&r->timer, flush_fire, VCM_REC_FLUSH_MS, 0);
}

static int64_t
rec_time(const struct recording *r)
{
	return (int64_t)(uv_now(r->d->loop) - r->t0);
}

struct recording *
rec_open(struct vcmd *d, const struct st_grant *g, const struct st_server *s,
    int record_input)
{
	struct recording *r;
	char name[32], title[VCM_NAME_MAX + 32];
	char err[VCM_CONFIG_PATH_SIZE + 160];
	int64_t id;
	int dfd = -1, fd = -1, rc;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		vcm_log(VCM_LOG_ERROR, "recording_failed", "error",
		    "out of memory", NULL);
		return NULL;
	}
	r->d = d;
	r->row.grant_id = g->id;
	r->row.tenant_id = g->tenant_id;
	r->row.server_id = g->server_id;
	r->row.started = vcmd_now_ms();
	if ((dfd = dir_open(d, 1)) == -1) {
		snprintf(err, sizeof(err), "%s/" REC_DIR ": %s",
		    d->cfg.state_dir, strerror(errno));
		goto fail;
	}
	if ((id = store_recording_add(d->st, &r->row)) < 0) {
		snprintf(err, sizeof(err), "store: %s", store_errmsg(d->st));
		goto fail;
	}
	file_name(id, name, sizeof(name));
	/* A new file or nothing: never one planted there, never through
	 * a symbolic link. */
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, REC_FILE_MODE);
	if (fd == -1 || fchmod(fd, REC_FILE_MODE) != 0) {
		snprintf(err, sizeof(err), "%s: %s", name, strerror(errno));
		if (fd != -1)
			(void)unlinkat(dfd, name, 0);
		(void)store_recording_del(d->st, id);
		goto fail;
	}
	(void)rec_path(id, r->row.path, sizeof(r->row.path));
	if ((rc = store_recording_update(d->st, &r->row)) != 0) {
		snprintf(err, sizeof(err), "store: %s", store_errmsg(d->st));
		(void)unlinkat(dfd, name, 0);
		(void)store_recording_del(d->st, id);
		goto fail;
	}
	close(dfd);
	dfd = -1;
	rec_cast_init(&r->cast, fd, d->cfg.recording_max_bytes, record_input);
	snprintf(title, sizeof(title), "%s grant %lld", s->name,
	    (long long)g->id);
	if (rec_cast_header(&r->cast, s->cols, s->rows, r->row.started / 1000,
	    title) != 0) {
		/* No event may follow a missing header. */
		r->cast.stopped = 1;
		r->cast.truncated = 1;
		rec_stopped(r, VCM_EIO);
	}
	uv_timer_init(d->loop, &r->timer);
	r->timer.data = r;
	/* Never what keeps the loop running at shutdown. */
	uv_unref((uv_handle_t *)&r->timer);
	r->t0 = uv_now(d->loop);
	log_id(r, VCM_LOG_INFO, "recording_started", "path", r->row.path);
	return r;
fail:
	if (dfd != -1)
		close(dfd);
	if (fd != -1)
		close(fd);
	{
		char gid[24];

		snprintf(gid, sizeof(gid), "%lld", (long long)g->id);
		vcm_log(VCM_LOG_ERROR, "recording_failed", "grant", gid,
		    "error", err, NULL);
	}
	free(r);
	return NULL;
}

void
rec_output(struct recording *r, const uint8_t *p, size_t n)
{
	if (r != NULL && n > 0)
		after_event(r, rec_cast_event(&r->cast, 'o', p, n,
		    rec_time(r)));
}

void
rec_input(struct recording *r, const uint8_t *p, size_t n)
{
	if (r != NULL && n > 0 && r->cast.input)
		after_event(r, rec_cast_event(&r->cast, 'i', p, n,
		    rec_time(r)));
}

static void
rec_closed(uv_handle_t *h)
{
	struct recording *r = h->data;

	/* Console output can hold what a tenant would not share. */
	vcm_wipe(r->cast.buf, sizeof(r->cast.buf));
	free(r);
}

void
rec_close(struct recording *r)
{
	char bytes[24];
	int rc;

	if (r == NULL)
		return;
	uv_timer_stop(&r->timer);
	rec_stopped(r, rec_cast_end(&r->cast, rec_time(r)));
	if (close(r->cast.fd) != 0 && !r->cast.stopped) {
		r->cast.error = errno;
		r->cast.truncated = 1;
		rec_stopped(r, VCM_EIO);
	}
	r->row.ended = vcmd_now_ms();
	r->row.bytes = (int64_t)r->cast.written;
	r->row.truncated = r->cast.truncated;
	if ((rc = store_recording_update(r->d->st, &r->row)) != 0)
		vcm_log(VCM_LOG_ERROR, "recording_store_failed", "error",
		    store_errmsg(r->d->st), NULL);
	snprintf(bytes, sizeof(bytes), "%llu",
	    (unsigned long long)r->cast.written);
	log_id(r, VCM_LOG_INFO, "recording_closed", "bytes", bytes);
	uv_close((uv_handle_t *)&r->timer, rec_closed);
}

/* ---- restart and retention ------------------------------------------------ */

static uv_timer_t *retention_timer;

struct recover {
	struct vcmd	*d;
	int64_t		 last;
};

/* A row a crashed vcmd left running: its file cut to the last whole
 * line (a write may have been cut), the row closed as truncated. */
static int
recover_one(void *arg, const struct st_recording *row)
{
	struct recover *rv = arg;
	struct vcmd *d = rv->d;
	struct st_recording r = *row;
	char name[32], tail[VCM_REC_BUF_BYTES], id[24];
	struct stat sb;
	off_t from;
	ssize_t n;
	int dfd, fd = -1;

	rv->last = r.id;
	path_check(&r);
	file_name(r.id, name, sizeof(name));
	r.ended = r.started;
	r.bytes = 0;
	if ((dfd = dir_open(d, 0)) != -1) {
		fd = openat(dfd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
	}
	if (fd != -1 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		from = sb.st_size > (off_t)sizeof(tail) ?
		    sb.st_size - (off_t)sizeof(tail) : 0;
		n = pread(fd, tail, (size_t)(sb.st_size - from), from);
		while (n > 0 && tail[n - 1] != '\n')
			n--;
		/* Without a newline in the last buffer's worth there is
		 * no line to cut back to: left as it is. */
		if (n > 0 && from + n < sb.st_size &&
		    ftruncate(fd, from + n) == 0)
			sb.st_size = from + n;
		r.bytes = (int64_t)sb.st_size;
		r.ended = (int64_t)sb.st_mtim.tv_sec * 1000 +
		    sb.st_mtim.tv_nsec / 1000000;
		if (r.ended < r.started)
			r.ended = r.started;
	}
	if (fd != -1)
		close(fd);
	if (r.ended <= 0)
		r.ended = vcmd_now_ms();
	r.truncated = 1;
	snprintf(id, sizeof(id), "%lld", (long long)r.id);
	vcm_log(VCM_LOG_WARN, "recording_recovered", "id", id, "note",
	    "left running by a previous vcmd; closed as truncated", NULL);
	return store_recording_update(d->st, &r);
}

struct expire {
	struct vcmd	*d;
	unsigned int	 n;
	int64_t		 last;
};

static int
expire_one(void *arg, const struct st_recording *r)
{
	struct expire *x = arg;
	char detail[64];
	int rc;

	x->last = r->id;
	if ((rc = rec_delete(x->d, r)) != 0) {
		/* Kept for the next run; the others go on. */
		snprintf(detail, sizeof(detail), "%lld", (long long)r->id);
		vcm_log(VCM_LOG_ERROR, "recording_delete_failed", "id", detail,
		    "error", rc == VCM_EIO ? strerror(errno) :
		    store_errmsg(x->d->st), NULL);
		return 0;
	}
	snprintf(detail, sizeof(detail), "recording %lld",
	    (long long)r->id);
	audit(x->d, "vcmd", "recording.expire", r->tenant_id, r->server_id,
	    r->grant_id, 0, "ok", detail);
	x->n++;
	return 0;
}

int
rec_retention_run(struct vcmd *d)
{
	struct st_filter f;
	struct expire x;
	unsigned int want;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&x, 0, sizeof(x));
	x.d = d;
	f.ended_before = vcmd_now_ms() -
	    (int64_t)d->cfg.recording_retention_days * 86400 * 1000;
	if (f.ended_before <= 0)
		return 0;
	do {
		want = VCM_REC_RETENTION_BATCH - x.n;
		if (want > VCM_PAGE_MAX)
			want = VCM_PAGE_MAX;
		rc = store_recording_list(d->st, &f, x.last, want,
		    expire_one, &x);
		if (rc < 0)
			return rc;
	} while ((unsigned int)rc == want && x.n < VCM_REC_RETENTION_BATCH);
	if (x.n > 0) {
		char n[24];

		snprintf(n, sizeof(n), "%u", x.n);
		vcm_log(VCM_LOG_INFO, "recordings_expired", "count", n, NULL);
	}
	return (int)x.n;
}

static void
retention_fire(uv_timer_t *t)
{
	struct vcmd *d = t->data;
	int n = rec_retention_run(d);

	if (n < 0)
		vcm_log(VCM_LOG_ERROR, "recording_retention_failed", "error",
		    store_errmsg(d->st), NULL);
	uv_timer_start(t, retention_fire, n >= (int)VCM_REC_RETENTION_BATCH ?
	    VCM_REC_RETENTION_AGAIN_MS : VCM_REC_RETENTION_PERIOD_MS, 0);
}

int
rec_retention_start(struct vcmd *d)
{
	struct st_filter f;
	struct recover rv = { d, 0 };
	int rc;

	if (retention_timer != NULL)
		return VCM_ESTATE;
	/* Rows still running now are a crashed vcmd's: none of this
	 * process has opened yet. */
	memset(&f, 0, sizeof(f));
	f.live_only = 1;
	do {
		rc = store_recording_list(d->st, &f, rv.last, VCM_PAGE_MAX,
		    recover_one, &rv);
		if (rc < 0)
			return rc;
	} while (rc == VCM_PAGE_MAX);
	if ((retention_timer = malloc(sizeof(*retention_timer))) == NULL)
		return VCM_ENOMEM;
	uv_timer_init(d->loop, retention_timer);
	retention_timer->data = d;
	/* Never what keeps the loop running at shutdown. */
	uv_unref((uv_handle_t *)retention_timer);
	/* The first run is now, before the first console opens. */
	retention_fire(retention_timer);
	return 0;
}

static void
retention_closed(uv_handle_t *h)
{
	free(h);
}

void
rec_retention_stop(struct vcmd *d)
{
	(void)d;
	if (retention_timer == NULL)
		return;
	uv_timer_stop(retention_timer);
	uv_close((uv_handle_t *)retention_timer, retention_closed);
	retention_timer = NULL;
}
