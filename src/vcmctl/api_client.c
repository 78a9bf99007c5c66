/*
 * vcmctl's client of vcmd's REST API over libcurl (api_client.h).
 *
 * One easy handle for the whole run: curl_easy_reset() between requests
 * keeps its connection and TLS session, so a list that follows ten
 * cursors costs one handshake. Every option is set again per request,
 * so nothing from an earlier request (a body, a method) leaks into the
 * next.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/wipe.h"
#include "vcmctl/api_client.h"
#include "vcmctl/output.h"

/* A buffer's first allocation; it doubles from there up to its max. */
#define BUF_FIRST_ALLOC		4096

/* "Authorization: Bearer " and a token. */
#define AUTH_HEADER_MAX		(32 + VCM_TOKEN_STR_MAX)

/* One "name=value" query parameter before encoding. */
#define PARAM_MAX		512

/* The error document's code and message as shown (cleaned). */
#define ERR_TEXT_MAX		512

struct vcmctl_http {
	CURL		*curl;
	char		*base;
	char		*cacert;
	int		 have_bearer;
	char		 bearer[VCM_TOKEN_STR_MAX + 1];
};

/* ---- buffers ----------------------------------------------------------- */

void
vcmctl_buf_init(struct vcmctl_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

int
vcmctl_buf_append(struct vcmctl_buf *b, const void *p, size_t n)
{
	size_t na;
	char *q;

	if (n > b->max || b->len > b->max - n)
		return VCM_ENOSPC;
	if (b->len + n + 1 > b->alloc) {
		na = b->alloc ? b->alloc : BUF_FIRST_ALLOC;
		while (na < b->len + n + 1)
			na *= 2;
		if (na > b->max + 1)
			na = b->max + 1;
		/* Not realloc: the old block may hold a token; wipe it. */
		if ((q = malloc(na)) == NULL)
			return VCM_ENOMEM;
		if (b->p != NULL) {
			memcpy(q, b->p, b->len);
			vcm_wipe(b->p, b->alloc);
			free(b->p);
		}
		b->p = q;
		b->alloc = na;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

void
vcmctl_buf_free(struct vcmctl_buf *b)
{
	if (b->p != NULL) {
		vcm_wipe(b->p, b->alloc);
		free(b->p);
	}
	b->p = NULL;
	b->len = 0;
	b->alloc = 0;
}

/* ---- URLs and tokens --------------------------------------------------- */

int
vcmctl_url_build(const char *base, const char *path,
    const struct vcmctl_param *params, size_t nparam, char **out)
{
	char pv[PARAM_MAX], *joined = NULL, *scheme = NULL, *url = NULL;
	size_t blen, i;
	CURLU *u = NULL;
	int ret = VCM_EINVAL;

	*out = NULL;
	if (base == NULL || path == NULL || path[0] != '/' ||
	    strpbrk(base, "?#") != NULL || strpbrk(path, "?#") != NULL)
		return VCM_EINVAL;
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	if (asprintf(&joined, "%.*s%s", (int)blen, base, path) < 0)
		return VCM_ENOMEM;
	if ((u = curl_url()) == NULL) {
		ret = VCM_ENOMEM;
		goto out;
	}
	if (curl_url_set(u, CURLUPART_URL, joined, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    strcasecmp(scheme, "https") != 0)
		goto out;
	for (i = 0; i < nparam; i++) {
		if (params[i].value == NULL)
			continue;
		if ((size_t)snprintf(pv, sizeof(pv), "%s=%s", params[i].name,
		    params[i].value) >= sizeof(pv))
			goto out;
		/* Only the value is encoded: the first '=' stays. */
		if (curl_url_set(u, CURLUPART_QUERY, pv,
		    CURLU_APPENDQUERY | CURLU_URLENCODE) != CURLUE_OK)
			goto out;
	}
	if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK)
		goto out;
	if ((*out = strdup(url)) == NULL) {
		ret = VCM_ENOMEM;
		goto out;
	}
	ret = 0;
out:
	curl_free(url);
	curl_free(scheme);
	curl_url_cleanup(u);
	free(joined);
	return ret;
}

int
vcmctl_token_check(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VCM_TOKEN_STR_MAX ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != n)
		return VCM_EINVAL;
	return 0;
}

/* ---- replies ----------------------------------------------------------- */

void
vcmctl_reply_free(struct vcmctl_reply *r)
{
	json_decref(r->json);
	r->json = NULL;
	vcmctl_buf_free(&r->body);
}

/* The contract's code for a status, when the body has none. */
static const char *
status_code(long status)
{
	static const struct {
		long		 status;
		const char	*code;
	} tab[] = {
		{ 400, "bad_request" }, { 401, "unauthorized" },
		{ 403, "forbidden" }, { 404, "not_found" },
		{ 405, "method_not_allowed" }, { 409, "conflict" },
		{ 410, "gone" }, { 413, "payload_too_large" },
		{ 415, "unsupported_media_type" }, { 429, "rate_limited" },
		{ 500, "internal" }, { 502, "bmc_error" },
		{ 503, "unavailable" }, { 504, "bmc_timeout" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].status == status)
			return tab[i].code;
	return "http_error";
}

void
vcmctl_reply_error(const struct vcmctl_reply *r, char *buf, size_t len)
{
	char code[ERR_TEXT_MAX], msg[ERR_TEXT_MAX];
	const json_t *e, *c, *m;

	e = json_object_get(r->json, "error");
	c = json_object_get(e, "code");
	m = json_object_get(e, "message");
	(void)vcmctl_clean(json_is_string(c) ? json_string_value(c) :
	    status_code(r->status), code, sizeof(code));
	(void)vcmctl_clean(json_is_string(m) ? json_string_value(m) :
	    "(no error document)", msg, sizeof(msg));
	(void)snprintf(buf, len, "%ld %s: %s", r->status, code, msg);
}

/* ---- requests ---------------------------------------------------------- */

struct vcmctl_http *
vcmctl_http_new(const char *base, const char *cacert, char *err,
    size_t errlen)
{
	static int global_done;
	struct vcmctl_http *h;
	char *probe = NULL;

	if (vcmctl_url_build(base, "/", NULL, 0, &probe) != 0) {
		(void)snprintf(err, errlen, "%s: not an https:// URL without "
		    "query", base);
		return NULL;
	}
	free(probe);
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			(void)snprintf(err, errlen, "libcurl: initialisation "
			    "failed");
			return NULL;
		}
		global_done = 1;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->base = strdup(base)) == NULL ||
	    (cacert != NULL && (h->cacert = strdup(cacert)) == NULL) ||
	    (h->curl = curl_easy_init()) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		vcmctl_http_free(h);
		return NULL;
	}
	return h;
}

int
vcmctl_http_set_bearer(struct vcmctl_http *h, const char *token)
{
	vcm_wipe(h->bearer, sizeof(h->bearer));
	h->have_bearer = 0;
	if (token == NULL)
		return 0;
	if (vcmctl_token_check(token) != 0)
		return VCM_EINVAL;
	memcpy(h->bearer, token, strlen(token) + 1);
	h->have_bearer = 1;
	return 0;
}

void
vcmctl_http_free(struct vcmctl_http *h)
{
	if (h == NULL)
		return;
	vcm_wipe(h->bearer, sizeof(h->bearer));
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h->base);
	free(h->cacert);
	free(h);
}

struct xfer {
	struct vcmctl_reply	*r;
	int			 too_big;
	int			 nomem;
};

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	int rc;

	if ((rc = vcmctl_buf_append(&x->r->body, p, n)) != 0) {
		if (rc == VCM_ENOSPC)
			x->too_big = 1;
		else
			x->nomem = 1;
		return 0;	/* curl aborts with CURLE_WRITE_ERROR */
	}
	return n;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	static const char name[] = "retry-after:";
	struct xfer *x = arg;
	size_t n = size * nmemb, vlen;
	const char *v;

	if (n > sizeof(name) - 1 && strncasecmp(p, name,
	    sizeof(name) - 1) == 0) {
		v = p + sizeof(name) - 1;
		vlen = n - (sizeof(name) - 1);
		while (vlen > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			vlen--;
		}
		while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'
		    || v[vlen - 1] == ' '))
			vlen--;
		if (vlen >= sizeof(x->r->retry_after))
			vlen = sizeof(x->r->retry_after) - 1;
		memcpy(x->r->retry_after, v, vlen);
		x->r->retry_after[vlen] = '\0';
	}
	return n;
}

/* The headers of one request; the Authorization line is wiped later. */
static struct curl_slist *
build_headers(struct vcmctl_http *h, int with_body)
{
	char auth[AUTH_HEADER_MAX];
	struct curl_slist *l = NULL, *n;

	if ((n = curl_slist_append(l, "Accept: application/json")) == NULL)
		return NULL;
	l = n;
	/* Bodies are small: no "Expect: 100-continue" round trip. */
	if ((n = curl_slist_append(l, "Expect:")) == NULL)
		goto fail;
	l = n;
	if (with_body) {
		if ((n = curl_slist_append(l,
		    "Content-Type: application/json")) == NULL)
			goto fail;
		l = n;
	}
	if (h->have_bearer) {
		(void)snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    h->bearer);
		n = curl_slist_append(l, auth);
		vcm_wipe(auth, sizeof(auth));
		if (n == NULL)
			goto fail;
		l = n;
	}
	return l;
fail:
	curl_slist_free_all(l);
	return NULL;
}

static void
free_headers(struct curl_slist *l)
{
	struct curl_slist *i;

	for (i = l; i != NULL; i = i->next)
		vcm_wipe(i->data, strlen(i->data));
	curl_slist_free_all(l);
}

int
vcmctl_http_call(struct vcmctl_http *h, const char *method,
    const char *path, const struct vcmctl_param *params, size_t nparam,
    const json_t *body, struct vcmctl_reply *r, char *err, size_t errlen)
{
	char ebuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	struct xfer x;
	char *url = NULL, *text = NULL;
	size_t tlen = 0;
	CURLcode cc;
	CURL *c = h->curl;
	int ret, with_body;

	memset(r, 0, sizeof(*r));
	vcmctl_buf_init(&r->body, VCM_CTL_RESPONSE_MAX);
	memset(&x, 0, sizeof(x));
	x.r = r;
	ebuf[0] = '\0';
	if ((ret = vcmctl_url_build(h->base, path, params, nparam,
	    &url)) != 0) {
		(void)snprintf(err, errlen, "%s%s: cannot build the URL",
		    h->base, path);
		return ret;
	}
	with_body = body != NULL || strcmp(method, "POST") == 0 ||
	    strcmp(method, "PATCH") == 0;
	if (with_body) {
		text = body != NULL ? json_dumps(body, JSON_COMPACT) :
		    strdup("{}");
		if (text == NULL) {
			(void)snprintf(err, errlen, "%s: out of memory", url);
			ret = VCM_ENOMEM;
			goto out;
		}
		tlen = strlen(text);
	}
	if ((hdrs = build_headers(h, with_body)) == NULL) {
		(void)snprintf(err, errlen, "%s: out of memory", url);
		ret = VCM_ENOMEM;
		goto out;
	}
	curl_easy_reset(c);
	(void)curl_easy_setopt(c, CURLOPT_URL, url);
	(void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	(void)curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	(void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	(void)curl_easy_setopt(c, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_2);
	if (h->cacert != NULL)
		(void)curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert);
	(void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    (long)VCM_CTL_HTTP_CONNECT_S);
	(void)curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)VCM_CTL_HTTP_TOTAL_S);
	/* Refused up front when the server announces a larger body; the
	 * write callback enforces it when it does not. */
	(void)curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)VCM_CTL_RESPONSE_MAX);
	(void)curl_easy_setopt(c, CURLOPT_USERAGENT, "vcmctl");
	(void)curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	(void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	(void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	(void)curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	(void)curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	(void)curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	if (strcmp(method, "GET") == 0)
		(void)curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else {
		if (with_body) {
			(void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
			(void)curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)tlen);
		}
		if (strcmp(method, "POST") != 0)
			(void)curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
			    method);
	}
	cc = curl_easy_perform(c);
	/* The handle keeps pointers to these until the next reset. */
	(void)curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	(void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	if (x.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		(void)snprintf(err, errlen, "%s: response larger than %d "
		    "bytes, refused", url, VCM_CTL_RESPONSE_MAX);
		ret = VCM_ENOSPC;
		goto out;
	}
	if (x.nomem) {
		(void)snprintf(err, errlen, "%s: out of memory", url);
		ret = VCM_ENOMEM;
		goto out;
	}
	if (cc != CURLE_OK) {
		(void)snprintf(err, errlen, "%s: %s", url, ebuf[0] != '\0' ?
		    ebuf : curl_easy_strerror(cc));
		ret = cc == CURLE_OPERATION_TIMEDOUT ? VCM_ETIMEDOUT :
		    VCM_EIO;
		goto out;
	}
	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->body.len > 0)
		r->json = json_loadb(r->body.p, r->body.len, 0, NULL);
	ret = 0;
out:
	free_headers(hdrs);
	if (text != NULL) {
		vcm_wipe(text, tlen);
		free(text);
	}
	free(url);
	if (ret != 0)
		vcmctl_reply_free(r);
	return ret;
}

/* ---- jansson's allocator ----------------------------------------------- */

static void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	vcm_wipe(p, malloc_usable_size(p));
	free(p);
}

void
vcmctl_json_wipe_allocator(void)
{
	json_set_alloc_funcs(malloc, wipe_free);
}
