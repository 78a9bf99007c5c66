/*
 * Console recordings in asciicast v2, the asciinema format: one file
 * per console connection under a grant, <state_dir>/recordings/<id>.cast
 * (directory 0700, file 0600), and one store row (struct st_recording).
 *
 * The file: a header line
 *	{"version":2,"width":80,"height":25,"timestamp":1764086400,
 *	 "title":"web1 grant 7"}
 * then one event per line, [t, "o", "text"]: t in seconds since the
 * start, never decreasing; the console's bytes decoded as UTF-8 and
 * escaped as a JSON string. The decoder keeps its state from one chunk
 * to the next, so a character split across two SOL packets stays one
 * character; each maximal ill-formed subsequence becomes one U+FFFD
 * (Unicode's recommended practice, as browsers' decoders do). What a
 * viewer types ("i" events) is recorded only when the operator enables
 * it (recording_input): tenants type passwords.
 *
 * Size: a file never passes recording_max_bytes. The event that would
 * is dropped and ends the recording with a line the replay shows and a
 * marker event ([t, "m", "..."]); the row is flagged truncated.
 *
 * Writes: events gather in a buffer of VCM_REC_BUF_BYTES per recording
 * and go out with plain write() when it is full, VCM_REC_FLUSH_MS after
 * the first waiting event, and at the end. A write to a local file
 * holds the loop only as long as the page cache takes to accept it. A
 * failing write (disk full, I/O error) stops that recording: the file
 * is cut back to its last whole line, the row flagged truncated, the
 * failure logged; the console goes on and is never slowed.
 *
 * Retention: recordings that ended more than recording_retention_days
 * ago are deleted (file, then row; audited) at start and once a day,
 * at most VCM_REC_RETENTION_BATCH per run. A recording still running is
 * never deleted; one a crashed vcmd left running is closed at the next
 * start (cut to its last whole line, flagged truncated).
 *
 * Two layers: struct rec_cast is the file format over a descriptor
 * (no vcmd, no store: unit-tested alone); struct recording adds the
 * file, the store row and the flush timer, for console_ws.c.
 *
 * The module keeps the retention timer and the download tickets as
 * module state: vcmd runs one loop in one process.
 */
#ifndef VCMD_RECORDING_H
#define VCMD_RECORDING_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"
#include "store/store.h"

struct vcmd;
struct api_ctx;

/* ---- the format (pure but for write()) ------------------------------- */

/* A UTF-8 decoder's state between chunks: a character begun. */
struct rec_utf8 {
	uint8_t		 pend[4];	/* its bytes so far */
	uint8_t		 have;		/* how many */
	uint8_t		 need;		/* its length (2..4); 0: none begun */
};

/* The most rec_utf8_json() writes for n bytes: 6 per byte (\u001b),
 * plus a U+FFFD or a finished character begun in an earlier chunk. */
#define REC_JSON_MAX(n)		(6 * (size_t)(n) + 8)

/*
 * Decodes n bytes (continuing u's state) into the inside of a JSON
 * string at out, which must hold REC_JSON_MAX(n) bytes; returns the
 * length written (no NUL). The bytes of a character not finished at
 * the end of in stay in u; with final they become one U+FFFD.
 */
size_t	rec_utf8_json(struct rec_utf8 *u, const uint8_t *in, size_t n,
	    int final, char *out);

struct rec_cast {
	int		 fd;
	uint64_t	 max;		/* bytes the file may hold */
	uint64_t	 size;		/* written + buffered */
	uint64_t	 written;	/* on disk, whole lines only */
	int64_t		 last_ms;	/* time of the last event */
	uint8_t		 input;		/* "i" events are recorded */
	uint8_t		 stopped;	/* size limit or write failure */
	uint8_t		 truncated;	/* stopped before the session did */
	uint8_t		 cut_failed;	/* a failed write's cut failed too */
	int		 error;		/* errno of the failed write, 0 */
	struct rec_utf8	 out_dec, in_dec;
	size_t		 len;		/* bytes in buf */
	char		 buf[VCM_REC_BUF_BYTES];
};

void	rec_cast_init(struct rec_cast *, int fd, uint64_t max_bytes,
	    int record_input);
/* The header line, written at once. 0 or VCM_EIO (write failed),
 * VCM_ENOMEM. */
int	rec_cast_header(struct rec_cast *, unsigned int cols,
	    unsigned int rows, int64_t unix_s, const char *title);
/*
 * One event of type 'o' or 'i' ('i' is ignored unless record_input) at
 * t_ms since the start (an earlier time than the last event's counts
 * as the last's). Returns 0 while the recording goes on; VCM_ENOSPC
 * when this event met the size limit (the end lines were written),
 * VCM_EIO when a write failed, VCM_ESTATE once stopped: the calls that
 * stop it return the cause once, later ones VCM_ESTATE.
 */
int	rec_cast_event(struct rec_cast *, char type, const uint8_t *,
	    size_t, int64_t t_ms);
/* Writes what is buffered: 0, or VCM_EIO (then stopped). */
int	rec_cast_flush(struct rec_cast *);
/* The end: a character left unfinished becomes U+FFFD; flushes. The
 * caller closes fd. 0, VCM_ENOSPC or VCM_EIO as rec_cast_event. */
int	rec_cast_end(struct rec_cast *, int64_t t_ms);

/* ---- recordings in vcmd ---------------------------------------------- */

struct recording;

/*
 * Starts recording a console connection of grant g on server s: the
 * row, the file (O_EXCL, O_NOFOLLOW), the header. NULL when it cannot
 * (logged): the console goes on without a recording.
 */
struct recording *rec_open(struct vcmd *, const struct st_grant *g,
	    const struct st_server *s, int record_input);
/* Console output for the connection; NULL is ignored. */
void	rec_output(struct recording *, const uint8_t *, size_t);
/* Keystrokes the console took; recorded only with record_input. */
void	rec_input(struct recording *, const uint8_t *, size_t);
/* Ends it: flush, close, the row's end, size and truncated flag; frees
 * it (the flush timer's close completes on the loop). NULL ignored. */
void	rec_close(struct recording *);

/* "recordings/<id>.cast", the only file vcmd uses for a row. */
int	rec_path(int64_t id, char *out, size_t outsz);
/* Deletes the file, then the row. 0, VCM_EIO (file kept: row kept). */
int	rec_delete(struct vcmd *, const struct st_recording *);
/* Reads the whole file (at most VCM_REC_FILE_MAX bytes) into *buf
 * (malloc'ed, the caller frees). VCM_ENOTFOUND if it is gone. */
int	rec_file_read(struct vcmd *, const struct st_recording *,
	    char **buf, size_t *len);

/*
 * At start, once the store is open and before consoles are accepted
 * (after grants_load): closes the rows a crashed vcmd left running,
 * runs the retention, and arms its daily timer. 0 or a VCM_E*.
 */
int	rec_retention_start(struct vcmd *);
/* One retention run: the number of recordings deleted, or a VCM_E*. */
int	rec_retention_run(struct vcmd *);
/* Shutdown: drops the timer (its close completes on the loop). */
void	rec_retention_stop(struct vcmd *);

/* ---- the API (api_recordings.c) -------------------------------------- */

void	api_recording_list(struct api_ctx *);
void	api_recording_get(struct api_ctx *);
/* A key that sees it, or (no Authorization) ?ticket= from
 * api_recording_ticket. */
void	api_recording_cast(struct api_ctx *);
void	api_recording_delete(struct api_ctx *);
void	api_recording_ticket(struct api_ctx *);
/* Forgets every download ticket (shutdown, tests). */
void	api_recording_tickets_free(void);

#endif
