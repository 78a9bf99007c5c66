/*
 * Console recordings (src/vcmd/recording.c): the UTF-8 decoder across
 * chunks and its replacement of ill-formed input, the JSON escaping,
 * the asciicast v2 file read back by a strict checker, the size limit,
 * keystrokes kept out by default, a failing disk, and the vcmd layer:
 * file and directory modes, the store row, a planted symbolic link,
 * the flush timer, restart recovery and retention.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "test.h"
#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "vcmd/recording.h"
#include "vcmd/vcmd.h"

/* ---- helpers ---------------------------------------------------------- */

/* Decodes in (chunks split at the given offsets, 0-terminated list)
 * and compares with want (a C string of the expected JSON text). */
static int
decode_eq(const char *in, size_t n, const size_t *cuts, int final,
    const char *want)
{
	struct rec_utf8 u;
	char out[4096];
	size_t o = 0, from = 0, to;
	int i;

	memset(&u, 0, sizeof(u));
	for (i = 0;; i++) {
		to = cuts != NULL && cuts[i] != 0 ? cuts[i] : n;
		o += rec_utf8_json(&u, (const uint8_t *)in + from, to - from,
		    to == n && final, out + o);
		from = to;
		if (to == n)
			break;
	}
	out[o] = '\0';
	if (strcmp(out, want) != 0) {
		test_hex("got", out, o);
		test_hex("want", want, strlen(want));
		return 0;
	}
	return 1;
}

#define FFFD	"\xef\xbf\xbd"

/* What a strict reader finds in a .cast file. */
struct cast_info {
	int		 ok;
	unsigned int	 width, height;
	char		 title[128];
	int		 events, o_events, i_events, m_events;
	char		 last_type;
	char		 last_text[256];
	char		*out;		/* every "o" text, joined */
	size_t		 out_len;
	char		*in;		/* every "i" text, joined */
	size_t		 in_len;
};

static void
info_free(struct cast_info *ci)
{
	free(ci->out);
	free(ci->in);
	memset(ci, 0, sizeof(*ci));
}

static void
append(char **buf, size_t *len, const char *p, size_t n)
{
	char *q = realloc(*buf, *len + n + 1);

	if (q == NULL)
		return;
	memcpy(q + *len, p, n);
	*len += n;
	q[*len] = '\0';
	*buf = q;
}

/*
 * Strict asciicast v2: every line ends with '\n'; the first is a JSON
 * object with version 2 and integer width and height; every other line
 * is a 3-element array [number >= 0, "o"|"i"|"m", string] with times
 * that never decrease. ci->ok is 1 only if all of that holds.
 */
static void
cast_read(const char *path, struct cast_info *ci)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	double last = 0;
	int first = 1;
	json_t *j, *t, *ty, *tx;
	json_error_t je;

	memset(ci, 0, sizeof(*ci));
	if (f == NULL) {
		printf("#   cannot open %s\n", path);
		return;
	}
	ci->ok = 1;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n') {
			printf("#   line without a newline\n");
			ci->ok = 0;
			break;
		}
		j = json_loadb(line, (size_t)n - 1,
		    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
		if (j == NULL) {
			printf("#   bad JSON line: %s: %.80s\n", je.text, line);
			ci->ok = 0;
			break;
		}
		if (first) {
			first = 0;
			if (!json_is_object(j) ||
			    json_integer_value(json_object_get(j, "version")) != 2 ||
			    !json_is_integer(json_object_get(j, "width")) ||
			    !json_is_integer(json_object_get(j, "height")) ||
			    !json_is_integer(json_object_get(j, "timestamp"))) {
				printf("#   bad header: %.200s\n", line);
				ci->ok = 0;
			}
			ci->width = (unsigned int)json_integer_value(
			    json_object_get(j, "width"));
			ci->height = (unsigned int)json_integer_value(
			    json_object_get(j, "height"));
			if (json_is_string(json_object_get(j, "title")))
				snprintf(ci->title, sizeof(ci->title), "%s",
				    json_string_value(json_object_get(j,
				    "title")));
			json_decref(j);
			continue;
		}
		if (!json_is_array(j) || json_array_size(j) != 3 ||
		    !json_is_number(t = json_array_get(j, 0)) ||
		    !json_is_string(ty = json_array_get(j, 1)) ||
		    !json_is_string(tx = json_array_get(j, 2)) ||
		    json_string_length(ty) != 1 ||
		    strchr("oim", json_string_value(ty)[0]) == NULL ||
		    json_number_value(t) < last) {
			printf("#   bad event: %.200s\n", line);
			ci->ok = 0;
			json_decref(j);
			break;
		}
		last = json_number_value(t);
		ci->events++;
		ci->last_type = json_string_value(ty)[0];
		snprintf(ci->last_text, sizeof(ci->last_text), "%s",
		    json_string_value(tx));
		switch (ci->last_type) {
		case 'o':
			ci->o_events++;
			append(&ci->out, &ci->out_len, json_string_value(tx),
			    json_string_length(tx));
			break;
		case 'i':
			ci->i_events++;
			append(&ci->in, &ci->in_len, json_string_value(tx),
			    json_string_length(tx));
			break;
		default:
			ci->m_events++;
		}
		json_decref(j);
	}
	if (first) {
		printf("#   no header\n");
		ci->ok = 0;
	}
	free(line);
	fclose(f);
}

static char tmp_dir[64];

static void
rm_tmp(void)
{
	char cmd[128];

	if (tmp_dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
		if (system(cmd) != 0)
			printf("#   could not remove %s\n", tmp_dir);
	}
}

static const char *
tmp_path(const char *name)
{
	static char p[128];
	static int registered;

	if (tmp_dir[0] == '\0') {
		snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/vcm-test-rec.XXXXXX");
		if (mkdtemp(tmp_dir) == NULL)
			return "/nonexistent";
		if (!registered && atexit(rm_tmp) == 0)
			registered = 1;
	}
	snprintf(p, sizeof(p), "%s/%s", tmp_dir, name);
	return p;
}

static long long
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

static unsigned int
file_mode(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 ? (unsigned int)(sb.st_mode & 07777) :
	    0xffff;
}

/* A cast file at path with a header; the descriptor. */
static int
cast_new(struct rec_cast *c, const char *path, uint64_t max, int input)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	rec_cast_init(c, fd, max, input);
	if (fd >= 0 && rec_cast_header(c, 80, 25, 1764086400, "srv grant 1"))
		return -1;
	return fd;
}

/* ---- UTF-8 and JSON ---------------------------------------------------- */

static void
utf8_split(void)
{
	static const char text[] = "a\xc3\xa9" "b\xe2\x82\xac" "c"
	    "\xf0\x9d\x84\x9e" "d";
	const char *want = text;	/* all valid, nothing to escape */
	size_t cut[2] = { 0, 0 }, n = sizeof(text) - 1, i;
	struct rec_utf8 u;
	char out[256];
	size_t o = 0;

	/* Every split point of every character gives the same text, no
	 * U+FFFD for a character cut in two. */
	for (i = 1; i < n; i++) {
		cut[0] = i;
		if (!decode_eq(text, n, cut, 1, want)) {
			printf("#   split at %zu\n", i);
			test_failed = 1;
		}
	}
	/* One byte at a time. */
	memset(&u, 0, sizeof(u));
	for (i = 0; i < n; i++)
		o += rec_utf8_json(&u, (const uint8_t *)text + i, 1, 0,
		    out + o);
	CHECK_INT(o, n);
	CHECK_MEM(out, text, n);
	CHECK_INT(u.need, 0);
	/* A character's first bytes alone produce nothing yet. */
	memset(&u, 0, sizeof(u));
	CHECK_INT(rec_utf8_json(&u, (const uint8_t *)"\xf0\x9d\x84", 3, 0,
	    out), 0);
	CHECK_INT(u.have, 3);
	CHECK_INT(rec_utf8_json(&u, (const uint8_t *)"\x9e", 1, 0, out), 4);
	CHECK_MEM(out, "\xf0\x9d\x84\x9e", 4);
}

static void
utf8_invalid(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		const char	*want;
	} t[] = {
		{ "\x80", 1, FFFD },
		{ "\xbf" "a", 2, FFFD "a" },
		{ "\xc0\x80", 2, FFFD FFFD },		/* overlong NUL */
		{ "\xc1\xbf", 2, FFFD FFFD },
		{ "\xe0\x80\x80", 3, FFFD FFFD FFFD },	/* overlong */
		{ "\xe0\x9f\xbf", 3, FFFD FFFD FFFD },
		{ "\xed\xa0\x80", 3, FFFD FFFD FFFD },	/* surrogate */
		{ "\xf0\x80\x80\x80", 4, FFFD FFFD FFFD FFFD },
		{ "\xf4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD }, /* > 10FFFF */
		{ "\xf5", 1, FFFD },
		{ "\xff\xfe", 2, FFFD FFFD },
		{ "\xe2\x82" "A", 3, FFFD "A" },	/* cut short */
		{ "\xf0\x9d\x84" "x", 4, FFFD "x" },
		{ "\xc3\xc3\xa9", 3, FFFD "\xc3\xa9" },
		{ "\xed\x9f\xbf", 3, "\xed\x9f\xbf" },	/* U+D7FF is fine */
		{ "\xf4\x8f\xbf\xbf", 4, "\xf4\x8f\xbf\xbf" }, /* U+10FFFF */
		/* The Unicode standard's example (chapter 3, U+FFFD
		 * substitution of maximal subparts). */
		{ "\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64", 13,
		  "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d" },
	};
	size_t i, cut[2] = { 0, 0 };

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!decode_eq(t[i].in, t[i].n, NULL, 1, t[i].want)) {
			printf("#   case %zu\n", i);
			test_failed = 1;
		}
	/* An ill-formed sequence split across chunks: the same answer. */
	cut[0] = 1;
	CHECK(decode_eq("\xe2\x82" "A", 3, cut, 1, FFFD "A"));
	cut[0] = 2;
	CHECK(decode_eq("\xe2\x82" "A", 3, cut, 1, FFFD "A"));
	/* Unfinished at the very end: U+FFFD only with final. */
	CHECK(decode_eq("ok\xe2\x82", 4, NULL, 0, "ok"));
	CHECK(decode_eq("ok\xe2\x82", 4, NULL, 1, "ok" FFFD));
}

static void
json_escaping(void)
{
	struct rec_utf8 u;
	uint8_t all[128];
	char out[REC_JSON_MAX(128) + 8], doc[REC_JSON_MAX(128) + 8];
	size_t n, i;
	json_t *j;
	json_error_t je;

	memset(&u, 0, sizeof(u));
	CHECK(decode_eq("\"\\\x1b[0m\r\n\t\x7f\x01", 11, NULL, 1,
	    "\\\"\\\\\\u001b[0m\\r\\n\\t\\u007f\\u0001"));
	/* Every ASCII byte, NUL included, reads back as itself. */
	for (i = 0; i < sizeof(all); i++)
		all[i] = (uint8_t)i;
	n = rec_utf8_json(&u, all, sizeof(all), 1, out);
	CHECK(n <= REC_JSON_MAX(sizeof(all)));
	doc[0] = '"';
	memcpy(doc + 1, out, n);
	doc[n + 1] = '"';
	j = json_loadb(doc, n + 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	REQUIRE(j != NULL);
	CHECK_INT(json_string_length(j), sizeof(all));
	CHECK_MEM(json_string_value(j), all, sizeof(all));
	json_decref(j);
	/* The worst case stays within REC_JSON_MAX: controls only, and a
	 * character begun in an earlier chunk. */
	memset(all, 0x01, sizeof(all));
	memset(&u, 0, sizeof(u));
	(void)rec_utf8_json(&u, (const uint8_t *)"\xf0\x9d\x84", 3, 0, out);
	n = rec_utf8_json(&u, all, sizeof(all), 1, out);
	CHECK_INT(n, 3 + 6 * sizeof(all));
	CHECK(n <= REC_JSON_MAX(sizeof(all)));
}

/* ---- the file format ----------------------------------------------------- */

static void
cast_format(void)
{
	struct rec_cast c;
	struct cast_info ci;
	const char *path = tmp_path("format.cast");
	uint8_t big[5000];
	size_t i;
	int fd;

	fd = cast_new(&c, path, 1 << 20, 0);
	REQUIRE(fd >= 0);
	CHECK_INT(file_size(path), c.written);	/* the header at once */
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"boot \xe2\x82", 7,
	    10), 0);
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"\xac ok\r\n", 6,
	    1500), 0);
	/* A time before the last one counts as the last. */
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"\x1b[1mX", 5, 900),
	    0);
	CHECK_INT(rec_cast_event(&c, 'x', (const uint8_t *)"?", 1, 2000),
	    VCM_EINVAL);
	/* A large chunk is split into several lines of one time. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i % 3 == 0 ? 0x1b : 'a' + i % 26);
	CHECK_INT(rec_cast_event(&c, 'o', big, sizeof(big), 2500), 0);
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"end\xe2", 4, 3000),
	    0);
	CHECK_INT(rec_cast_end(&c, 3100), 0);
	close(fd);
	CHECK_INT(file_size(path), c.written);
	CHECK_INT(c.size, c.written);
	CHECK_INT(c.truncated, 0);
	cast_read(path, &ci);
	CHECK(ci.ok);
	CHECK_INT(ci.width, 80);
	CHECK_INT(ci.height, 25);
	CHECK(strcmp(ci.title, "srv grant 1") == 0);
	CHECK_INT(ci.i_events, 0);
	CHECK_INT(ci.m_events, 0);
	CHECK(ci.o_events >= 5);	/* 3 + the big one in pieces + end */
	REQUIRE(ci.out != NULL);
	CHECK(strncmp(ci.out, "boot \xe2\x82\xac ok\r\n\x1b[1mX", 18) == 0);
	CHECK_INT(ci.out_len, 18 + sizeof(big) + 3 + 3);
	CHECK_MEM(ci.out + 18, big, sizeof(big));
	/* The unfinished character at the end became U+FFFD. */
	CHECK(strcmp(ci.last_text, FFFD) == 0);
	info_free(&ci);
}

static void
cast_size_limit(void)
{
	struct rec_cast c;
	struct cast_info ci;
	const char *path = tmp_path("limit.cast");
	char line[100];
	int fd, i, rc = 0;

	fd = cast_new(&c, path, 2048, 0);
	REQUIRE(fd >= 0);
	memset(line, 'x', sizeof(line));
	for (i = 0; i < 100 && rc == 0; i++)
		rc = rec_cast_event(&c, 'o', (const uint8_t *)line,
		    sizeof(line), i * 10);
	CHECK_INT(rc, VCM_ENOSPC);
	CHECK(i > 5 && i < 30);
	CHECK_INT(c.truncated, 1);
	CHECK_INT(c.stopped, 1);
	/* Later calls do nothing. */
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"y", 1, 5000),
	    VCM_ESTATE);
	CHECK_INT(rec_cast_end(&c, 5000), 0);
	close(fd);
	CHECK(file_size(path) <= 2048);
	CHECK_INT(file_size(path), c.written);
	cast_read(path, &ci);
	CHECK(ci.ok);
	CHECK_INT(ci.m_events, 1);
	CHECK_INT(ci.last_type, 'm');
	CHECK(strstr(ci.out, "size limit reached") != NULL);
	CHECK(strchr(ci.out, 'y') == NULL);
	info_free(&ci);

	/* A limit below the header: the header and the end, valid. */
	fd = cast_new(&c, path, 1, 0);
	REQUIRE(fd >= 0);
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"z", 1, 1),
	    VCM_ENOSPC);
	close(fd);
	cast_read(path, &ci);
	CHECK(ci.ok);
	CHECK_INT(ci.events, 2);
	CHECK_INT(ci.last_type, 'm');
	info_free(&ci);
}

static void
cast_input(void)
{
	struct rec_cast c;
	struct cast_info ci;
	const char *path = tmp_path("input.cast");
	int fd;

	/* By default keystrokes are not recorded. */
	fd = cast_new(&c, path, 1 << 20, 0);
	REQUIRE(fd >= 0);
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"Password: ", 10,
	    1), 0);
	CHECK_INT(rec_cast_event(&c, 'i', (const uint8_t *)"hunter2\r", 8, 2),
	    0);
	CHECK_INT(rec_cast_end(&c, 3), 0);
	close(fd);
	cast_read(path, &ci);
	CHECK(ci.ok);
	CHECK_INT(ci.i_events, 0);
	CHECK_INT(ci.o_events, 1);
	info_free(&ci);
	CHECK(file_size(path) > 0);
	{
		char buf[1024];
		int rfd = open(path, O_RDONLY);
		ssize_t n = read(rfd, buf, sizeof(buf) - 1);

		close(rfd);
		REQUIRE(n > 0);
		buf[n] = '\0';
		CHECK(strstr(buf, "hunter2") == NULL);
	}
	/* Enabled: "i" events, their own decoder. */
	fd = cast_new(&c, path, 1 << 20, 1);
	REQUIRE(fd >= 0);
	CHECK_INT(rec_cast_event(&c, 'i', (const uint8_t *)"ls\xc3", 3, 1), 0);
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"$ ", 2, 2), 0);
	CHECK_INT(rec_cast_event(&c, 'i', (const uint8_t *)"\xa9\r", 2, 3), 0);
	CHECK_INT(rec_cast_end(&c, 4), 0);
	close(fd);
	cast_read(path, &ci);
	CHECK(ci.ok);
	CHECK_INT(ci.i_events, 2);
	CHECK(ci.in != NULL && strcmp(ci.in, "ls\xc3\xa9\r") == 0);
	info_free(&ci);
}

static void
cast_disk_failure(void)
{
	struct rec_cast c;
	struct cast_info ci;
	struct rlimit old, lim;
	const char *path = tmp_path("fail.cast");
	char line[200];
	void (*oldsig)(int);
	int fd, i, rc = 0;

	/* A full disk from the start. */
	fd = open("/dev/full", O_WRONLY);
	REQUIRE(fd >= 0);
	rec_cast_init(&c, fd, 1 << 20, 0);
	CHECK_INT(rec_cast_header(&c, 80, 25, 1, "t"), VCM_EIO);
	CHECK_INT(c.error, ENOSPC);
	CHECK_INT(c.stopped, 1);
	CHECK_INT(rec_cast_event(&c, 'o', (const uint8_t *)"x", 1, 1),
	    VCM_ESTATE);
	close(fd);

	/* The disk fills up in the middle of a write: the file is cut
	 * back to its last whole line and stays valid. (RLIMIT_FSIZE
	 * makes write() fail with EFBIG past 3000 bytes.) */
	fd = cast_new(&c, path, 1 << 20, 0);
	REQUIRE(fd >= 0);
	REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
	lim = old;
	lim.rlim_cur = 3000;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	memset(line, 'q', sizeof(line));
	for (i = 0; i < 200 && rc == 0; i++) {
		rc = rec_cast_event(&c, 'o', (const uint8_t *)line,
		    sizeof(line), i);
		if (rc == 0)
			rc = rec_cast_flush(&c);
	}
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	CHECK_INT(rc, VCM_EIO);
	CHECK_INT(c.error, EFBIG);
	CHECK_INT(c.truncated, 1);
	CHECK_INT(c.cut_failed, 0);
	CHECK_INT(rec_cast_end(&c, 1000), 0);
	close(fd);
	CHECK(file_size(path) <= 3000);
	CHECK_INT(file_size(path), c.written);
	cast_read(path, &ci);
	CHECK(ci.ok);
	CHECK(ci.o_events > 5);
	info_free(&ci);
}

/* ---- vcmd's recordings ------------------------------------------------- */

static struct vcmd d;
static uv_loop_t loop;

static int
vcmd_fake(void)
{
	memset(&d, 0, sizeof(d));
	if (uv_loop_init(&loop) != 0)
		return -1;
	d.loop = &loop;
	snprintf(d.cfg.state_dir, sizeof(d.cfg.state_dir), "%s",
	    tmp_path("state"));
	if (mkdir(d.cfg.state_dir, 0700) != 0 && errno != EEXIST)
		return -1;
	d.cfg.recording_max_bytes = 1 << 20;
	d.cfg.recording_retention_days = 30;
	return store_open(":memory:", &d.st);
}

static void
vcmd_fake_end(void)
{
	rec_retention_stop(&d);
	uv_run(&loop, UV_RUN_NOWAIT);
	CHECK_INT(uv_loop_close(&loop), 0);
	store_close(d.st);
	d.st = NULL;
}

static void
fake_grant(struct st_grant *g, struct st_server *s, int64_t id)
{
	memset(g, 0, sizeof(*g));
	memset(s, 0, sizeof(*s));
	g->id = id;
	g->tenant_id = 3;
	g->server_id = 5;
	s->id = 5;
	s->tenant_id = 3;
	s->cols = 100;
	s->rows = 30;
	snprintf(s->name, sizeof(s->name), "web1");
}

static const char *
state_file(const char *rel)
{
	static char p[VCM_CONFIG_PATH_SIZE + 64];

	snprintf(p, sizeof(p), "%s/%s", d.cfg.state_dir, rel);
	return p;
}

static int
count_rows(void *arg, const struct st_recording *r)
{
	(void)r;
	++*(int *)arg;
	return 0;
}

static int
rows(const struct st_filter *f)
{
	int n = 0;

	return store_recording_list(d.st, f, 0, VCM_PAGE_MAX, count_rows,
	    &n) < 0 ? -1 : n;
}

static void
fire_later(uv_timer_t *t)
{
	(void)t;
}

static void
rec_lifecycle(void)
{
	struct st_grant g;
	struct st_server s;
	struct st_recording row;
	struct cast_info ci;
	struct recording *r;
	uv_timer_t wait;
	char *buf;
	size_t len;
	long long header;

	REQUIRE(vcmd_fake() == 0);
	fake_grant(&g, &s, 7);
	r = rec_open(&d, &g, &s, 0);
	REQUIRE(r != NULL);
	CHECK_INT(file_mode(state_file("recordings")), 0700);
	CHECK_INT(file_mode(state_file("recordings/1.cast")), 0600);
	CHECK_INT(store_recording_get(d.st, 1, &row), 0);
	CHECK_INT(row.grant_id, 7);
	CHECK_INT(row.tenant_id, 3);
	CHECK_INT(row.server_id, 5);
	CHECK_INT(row.ended, 0);
	CHECK(strcmp(row.path, "recordings/1.cast") == 0);
	header = file_size(state_file("recordings/1.cast"));
	CHECK(header > 20);
	/* Output waits in the buffer until the flush timer. */
	rec_output(r, (const uint8_t *)"BIOS v2.17\r\n", 12);
	rec_input(r, (const uint8_t *)"secret\r", 7);
	CHECK_INT(file_size(state_file("recordings/1.cast")), header);
	uv_timer_init(&loop, &wait);
	uv_timer_start(&wait, fire_later, VCM_REC_FLUSH_MS + 200, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	CHECK(file_size(state_file("recordings/1.cast")) > header);
	uv_close((uv_handle_t *)&wait, NULL);
	rec_output(r, (const uint8_t *)"login: ", 7);
	rec_close(r);
	uv_run(&loop, UV_RUN_NOWAIT);
	CHECK_INT(store_recording_get(d.st, 1, &row), 0);
	CHECK(row.ended >= row.started && row.ended > 0);
	CHECK_INT(row.bytes, file_size(state_file("recordings/1.cast")));
	CHECK_INT(row.truncated, 0);
	cast_read(state_file("recordings/1.cast"), &ci);
	CHECK(ci.ok);
	CHECK_INT(ci.width, 100);
	CHECK_INT(ci.height, 30);
	CHECK(strcmp(ci.title, "web1 grant 7") == 0);
	CHECK(ci.out != NULL && strcmp(ci.out, "BIOS v2.17\r\nlogin: ") == 0);
	CHECK_INT(ci.i_events, 0);
	info_free(&ci);
	/* The download reads back the same bytes. */
	CHECK_INT(rec_file_read(&d, &row, &buf, &len), 0);
	CHECK_INT(len, row.bytes);
	free(buf);
	/* Deleted: file and row. */
	CHECK_INT(rec_delete(&d, &row), 0);
	CHECK_INT(file_size(state_file("recordings/1.cast")), -1);
	CHECK_INT(store_recording_get(d.st, 1, &row), VCM_ENOTFOUND);
	row.id = 1;
	CHECK_INT(rec_file_read(&d, &row, &buf, &len), VCM_ENOTFOUND);
	/* NULL is ignored by every call the console makes. */
	rec_output(NULL, (const uint8_t *)"x", 1);
	rec_input(NULL, (const uint8_t *)"x", 1);
	rec_close(NULL);
	vcmd_fake_end();
}

static void
rec_symlink_and_limit(void)
{
	struct st_grant g;
	struct st_server s;
	struct st_recording row;
	struct st_filter f;
	struct recording *r;
	char big[512];
	int i;

	REQUIRE(vcmd_fake() == 0);
	REQUIRE(mkdir(state_file("recordings"), 0755) == 0 || errno == EEXIST);
	REQUIRE(chmod(state_file("recordings"), 0755) == 0);
	/* Someone plants the next recording's name as a link. */
	unlink(tmp_path("target"));
	REQUIRE(symlink(tmp_path("target"), state_file("recordings/1.cast"))
	    == 0);
	fake_grant(&g, &s, 9);
	CHECK(rec_open(&d, &g, &s, 0) == NULL);
	CHECK_INT(file_size(tmp_path("target")), -1);
	memset(&f, 0, sizeof(f));
	CHECK_INT(rows(&f), 0);
	/* The directory's mode was tightened on the way. */
	CHECK_INT(file_mode(state_file("recordings")), 0700);
	unlink(state_file("recordings/1.cast"));
	/* The next one gets a new id and works; the size limit marks the
	 * row truncated as soon as it is met. */
	d.cfg.recording_max_bytes = 1024;
	r = rec_open(&d, &g, &s, 0);
	REQUIRE(r != NULL);
	CHECK_INT(store_recording_get(d.st, 2, &row), 0);
	memset(big, 'b', sizeof(big));
	for (i = 0; i < 10; i++)
		rec_output(r, (const uint8_t *)big, sizeof(big));
	CHECK_INT(store_recording_get(d.st, 2, &row), 0);
	CHECK_INT(row.truncated, 1);
	CHECK_INT(row.ended, 0);
	rec_close(r);
	uv_run(&loop, UV_RUN_NOWAIT);
	CHECK_INT(store_recording_get(d.st, 2, &row), 0);
	CHECK_INT(row.truncated, 1);
	CHECK(row.bytes <= 1024);
	CHECK_INT(row.bytes, file_size(state_file("recordings/2.cast")));
	vcmd_fake_end();
}

/* A row and a file as a previous vcmd left them. */
static int64_t
plant(int64_t started, int64_t ended, const char *content)
{
	struct st_recording row;
	int64_t id;
	int fd;

	memset(&row, 0, sizeof(row));
	row.grant_id = 1;
	row.tenant_id = 2;
	row.server_id = 3;
	row.started = started;
	row.ended = ended;
	if ((id = store_recording_add(d.st, &row)) < 0)
		return id;
	(void)rec_path(id, row.path, sizeof(row.path));
	row.bytes = (int64_t)strlen(content);
	if (store_recording_update(d.st, &row) != 0)
		return -1;
	fd = open(state_file(row.path), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, content, strlen(content)) !=
	    (ssize_t)strlen(content))
		id = -1;
	close(fd);
	return id;
}

static int
count_audit(void *arg, const struct st_audit *a)
{
	if (strcmp(a->action, "recording.expire") == 0)
		++*(int *)arg;
	return 0;
}

static void
rec_recover_and_retention(void)
{
	static const char head[] = "{\"version\":2,\"width\":80,\"height\":25,"
	    "\"timestamp\":1}\n[0.100, \"o\", \"ok\"]\n";
	struct st_recording row;
	struct st_filter f;
	struct cast_info ci;
	int64_t now = vcmd_now_ms(), day = 86400000, old, recent, live;
	int n = 0;

	REQUIRE(vcmd_fake() == 0);
	REQUIRE(mkdir(state_file("recordings"), 0700) == 0 || errno == EEXIST);
	old = plant(now - 40 * day, now - 40 * day + 5000, head);
	recent = plant(now - 2 * day, now - 2 * day + 5000, head);
	/* Left running by a crash, the last line cut in the middle. */
	live = plant(now - 50 * day, 0, "{\"version\":2,\"width\":80,"
	    "\"height\":25,\"timestamp\":1}\n[0.100, \"o\", \"ok\"]\n"
	    "[0.200, \"o\", \"cut he");
	REQUIRE(old > 0 && recent > 0 && live > 0);
	CHECK_INT(rec_retention_start(&d), 0);
	CHECK_INT(rec_retention_start(&d), VCM_ESTATE);
	/* Recovered at once: closed, cut back, truncated. */
	CHECK_INT(store_recording_get(d.st, live, &row), 0);
	CHECK(row.ended > 0);
	CHECK_INT(row.truncated, 1);
	CHECK_INT(row.bytes, sizeof(head) - 1);
	CHECK_INT(file_size(state_file(row.path)), sizeof(head) - 1);
	cast_read(state_file(row.path), &ci);
	CHECK(ci.ok);
	info_free(&ci);
	/* The first retention run was part of the start. */
	CHECK_INT(store_recording_get(d.st, old, &row), VCM_ENOTFOUND);
	CHECK_INT(file_size(state_file("recordings/1.cast")), -1);
	CHECK_INT(store_recording_get(d.st, recent, &row), 0);
	CHECK(file_size(state_file(row.path)) > 0);
	/* The recovered one ended "now" (its file's time): kept. */
	CHECK_INT(store_recording_get(d.st, live, &row), 0);
	memset(&f, 0, sizeof(f));
	CHECK_INT(rows(&f), 2);
	CHECK_INT(store_audit_list(d.st, &f, 0, 100, count_audit, &n), 1);
	CHECK_INT(n, 1);
	/* A shorter retention takes the 2-day-old one; a running one is
	 * never taken. */
	d.cfg.recording_retention_days = 1;
	REQUIRE(plant(now - 9 * day, 0, head) > 0);
	CHECK_INT(rec_retention_run(&d), 1);
	CHECK_INT(store_recording_get(d.st, recent, &row), VCM_ENOTFOUND);
	CHECK_INT(rows(&f), 2);
	CHECK_INT(rec_retention_run(&d), 0);
	vcmd_fake_end();
}

static const struct test_case tests[] = {
	{ "UTF-8: characters split across chunks stay whole", utf8_split },
	{ "UTF-8: ill-formed input, one U+FFFD per maximal subpart",
	    utf8_invalid },
	{ "JSON escaping reads back byte for byte", json_escaping },
	{ "file format: strict asciicast v2, times in order", cast_format },
	{ "size limit: end marker, truncated, file within the limit",
	    cast_size_limit },
	{ "keystrokes only with recording_input", cast_input },
	{ "a failing disk stops the recording, file cut to whole lines",
	    cast_disk_failure },
	{ "rec_open/output/close: modes, row, flush timer, read, delete",
	    rec_lifecycle },
	{ "a planted symlink is refused; size limit flags the row",
	    rec_symlink_and_limit },
	{ "restart recovery and retention", rec_recover_and_retention },
};

TEST_MAIN(tests)
