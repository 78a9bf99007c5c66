#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "log.h"

/*
 * Logging configuration is process state on purpose: one daemon, one log.
 * The codec library never logs, so this global never reaches lib/ipmi.
 */
static enum vcm_log_level	 log_level = VCM_LOG_INFO;
static vcm_log_sink		*log_sink;
static void			*log_sink_arg;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

/* Substrings of key names whose values are secrets. */
static const char *const secret_words[] = {
	"password", "passwd", "secret", "token", "kg", "key", "sik", NULL
};

/* Keys that contain a secret word but name no secret (an id, not a key). */
static const char *const public_keys[] = {
	"key_id", "api_key_id", NULL
};

void
vcm_log_set_level(enum vcm_log_level l)
{
	log_level = l;
}

void
vcm_log_set_sink(vcm_log_sink *sink, void *arg)
{
	log_sink = sink;
	log_sink_arg = arg;
}

int
vcm_log_key_is_secret(const char *key)
{
	size_t i, j, klen, wlen;

	for (i = 0; public_keys[i] != NULL; i++)
		if (strcmp(key, public_keys[i]) == 0)
			return 0;
	klen = strlen(key);
	for (i = 0; secret_words[i] != NULL; i++) {
		wlen = strlen(secret_words[i]);
		for (j = 0; j + wlen <= klen; j++)
			if (strncasecmp(key + j, secret_words[i], wlen) == 0)
				return 1;
	}
	return 0;
}

struct out {
	char	*p;
	size_t	 cap;
	size_t	 len;
};

static void
out_c(struct out *o, char c)
{
	/* Keep one byte for the NUL; silently cut what does not fit. */
	if (o->len + 1 < o->cap)
		o->p[o->len++] = c;
}

static void
out_s(struct out *o, const char *s)
{
	while (*s)
		out_c(o, *s++);
}

static int
needs_quotes(const char *v)
{
	const unsigned char *p;

	if (*v == '\0')
		return 1;
	for (p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' ||
		    *p >= 0x7f)
			return 1;
	return 0;
}

static void
out_value(struct out *o, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;

	if (!needs_quotes(v)) {
		out_s(o, v);
		return;
	}
	out_c(o, '"');
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\') {
			out_c(o, '\\');
			out_c(o, (char)*p);
		} else if (*p < ' ' || *p == 0x7f) {
			out_s(o, "\\x");
			out_c(o, hex[*p >> 4]);
			out_c(o, hex[*p & 15]);
		} else
			out_c(o, (char)*p);
	}
	out_c(o, '"');
}

size_t
vcm_log_format(char *buf, size_t cap, enum vcm_log_level level,
    const char *event, const char *const *kv, size_t nkv)
{
	struct out o = { buf, cap, 0 };
	size_t i;

	if (cap == 0)
		return 0;
	out_s(&o, "level=");
	out_s(&o, level_names[level <= VCM_LOG_ERROR ? level : VCM_LOG_ERROR]);
	out_s(&o, " event=");
	out_value(&o, event ? event : "");
	for (i = 0; i + 1 < nkv; i += 2) {
		out_c(&o, ' ');
		out_s(&o, kv[i]);
		out_c(&o, '=');
		if (vcm_log_key_is_secret(kv[i]))
			out_s(&o, "[redacted]");
		else
			out_value(&o, kv[i + 1] ? kv[i + 1] : "");
	}
	o.p[o.len] = '\0';
	return o.len;
}

void
vcm_log(enum vcm_log_level level, const char *event, ...)
{
	const char *kv[64];
	char line[VCM_LOG_LINE_MAX];
	size_t n = 0;
	const char *k;
	va_list ap;

	if (level < log_level)
		return;
	va_start(ap, event);
	while ((k = va_arg(ap, const char *)) != NULL &&
	    n + 2 <= sizeof(kv) / sizeof(kv[0])) {
		kv[n++] = k;
		kv[n++] = va_arg(ap, const char *);
	}
	va_end(ap);
	vcm_log_format(line, sizeof(line), level, event, kv, n);
	if (log_sink != NULL)
		log_sink(level, line, log_sink_arg);
	else
		fprintf(stderr, "%s\n", line);
}
