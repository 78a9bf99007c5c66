/*
 * vcmctl's client of vcmd's REST API (docs/api/openapi.yaml): HTTPS
 * through libcurl, JSON through jansson.
 *
 * One connection (a curl easy handle, kept alive between requests),
 * one request at a time, each bounded: VCM_CTL_HTTP_CONNECT_S to
 * connect, VCM_CTL_HTTP_TOTAL_S in all, VCM_CTL_RESPONSE_MAX bytes of
 * response body (checked as the bytes arrive, vcmctl_buf_append()).
 * Only https: URLs are accepted and redirects are never followed, so
 * the bearer token never leaves over clear text or to another host.
 *
 * Secrets (the bearer token, request bodies that carry a BMC password,
 * responses that carry a fresh token) are wiped before their memory is
 * freed: the token lives in a fixed buffer wiped by vcmctl_http_free(),
 * bodies in struct vcmctl_buf, wiped by vcmctl_buf_free(). jansson's
 * own copies are wiped by the allocator vcmctl_json_wipe_allocator()
 * installs.
 *
 * Threading: none.
 */
#ifndef VCMCTL_API_CLIENT_H
#define VCMCTL_API_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#include "vcm/limits.h"

/*
 * A growable byte buffer with a hard cap (curl DYNBUF's "toobig"): the
 * response body, kept NUL-terminated. Appending past max fails with
 * VCM_ENOSPC and leaves the buffer as it was.
 */
struct vcmctl_buf {
	char		*p;
	size_t		 len;
	size_t		 alloc;
	size_t		 max;
};

void	vcmctl_buf_init(struct vcmctl_buf *, size_t max);
int	vcmctl_buf_append(struct vcmctl_buf *, const void *, size_t);
/* Wipes, frees, and leaves the buffer empty (max kept). */
void	vcmctl_buf_free(struct vcmctl_buf *);

/* One query parameter; a NULL value leaves the parameter out. */
struct vcmctl_param {
	const char	*name;
	const char	*value;
};

/*
 * base ("https://host:port", an optional path prefix, an optional
 * trailing '/') + path ("/v1/bmcs/3") + "?name=value&..." with every
 * value percent-encoded (RFC 3986). *out is malloc'd. VCM_EINVAL for a
 * base that is not an https: URL (or has a query or fragment) or a path
 * that does not start with '/'; VCM_ENOMEM.
 */
int	vcmctl_url_build(const char *base, const char *path,
	    const struct vcmctl_param *, size_t nparam, char **out);

/* 0 if s is a plausible bearer token: 1..VCM_TOKEN_STR_MAX bytes of
 * base64url and '_' (nothing that could end or split a header line). */
int	vcmctl_token_check(const char *s);

/*
 * The reply to one request, whatever its status. json is the parsed
 * body when it was JSON (NULL otherwise); body holds the raw bytes.
 */
struct vcmctl_reply {
	long		 status;
	json_t		*json;
	struct vcmctl_buf body;
	char		 retry_after[16];	/* Retry-After, "" if none */
};

void	vcmctl_reply_free(struct vcmctl_reply *);

/*
 * "404 not_found: no such server": the API's error document
 * ({"error":{"code","message"}}) or, when the body is not one, the
 * status's code from the contract and "(no error document)". Control
 * bytes in the server's text are escaped.
 */
void	vcmctl_reply_error(const struct vcmctl_reply *, char *buf,
	    size_t len);

struct vcmctl_http;

/* err gets a reason on failure (NULL returned). */
struct vcmctl_http *vcmctl_http_new(const char *base, const char *cacert,
	    char *err, size_t errlen);
/* Copies the token (checked with vcmctl_token_check: VCM_EINVAL);
 * NULL clears it (requests then go without Authorization). */
int	vcmctl_http_set_bearer(struct vcmctl_http *, const char *token);
void	vcmctl_http_free(struct vcmctl_http *);

/*
 * One request. method "GET", "POST", "PATCH", "DELETE"; body NULL or a
 * JSON value sent as application/json (a POST without a body sends
 * "{}"). Returns 0 when an HTTP reply arrived, any status (r filled;
 * free it with vcmctl_reply_free), or a negative VCM_E* with err naming
 * the URL and what went wrong (connection refused, certificate,
 * timeout, response too large).
 */
int	vcmctl_http_call(struct vcmctl_http *, const char *method,
	    const char *path, const struct vcmctl_param *, size_t nparam,
	    const json_t *body, struct vcmctl_reply *r, char *err,
	    size_t errlen);

/*
 * Makes jansson wipe every block before freeing it (request bodies
 * carry BMC passwords, replies fresh tokens). Call once, before any
 * jansson use.
 */
void	vcmctl_json_wipe_allocator(void);

#endif
