/*
 * The REST API's internals shared by api.c (routing, authentication,
 * rate limits, replies) and the handler files api_objects.c and
 * api_grants.c. The contract itself is docs/api/openapi.yaml.
 */
#ifndef VCMD_API_H
#define VCMD_API_H

#include <stdint.h>

#include <jansson.h>

#include "store/store.h"
#include "vcmd/http.h"
#include "vcmd/jsonin.h"

struct vcmd;

/* Who is calling. */
enum api_who {
	API_WHO_NONE = 0,
	API_WHO_OPERATOR,	/* an operator API key */
	API_WHO_TENANT,		/* a tenant API key */
	API_WHO_GRANT		/* a grant token (only on grant routes) */
};

/* What a route needs. */
enum api_auth {
	API_AUTH_NONE = 0,	/* health */
	API_AUTH_OPERATOR,	/* operator key */
	API_AUTH_KEY,		/* operator or tenant key */
	API_AUTH_GRANT,		/* grant token, or a key that sees the grant */
	API_AUTH_KEY_OR_TICKET	/* a key; or no Authorization at all, the
				   handler then checks a download ticket */
};

#define API_MAX_IDS	2

struct api_ctx {
	struct vcmd		*d;
	struct http_txn		*txn;
	const struct http_request *rq;
	enum api_who		 who;
	struct st_apikey	 key;		/* API_WHO_OPERATOR/TENANT */
	int64_t			 tenant_id;	/* tenant key: its tenant */
	int64_t			 grant_id;	/* API_WHO_GRANT: its grant */
	char			 actor[32];	/* "key:12", "grant:7" */
	int64_t			 ids[API_MAX_IDS];
	json_t			*body;		/* POST/PATCH: the object */
};

typedef void	api_handler(struct api_ctx *);

/* ---- replies (each ends the request) ---------------------------------- */
/* Takes ownership of obj. */
void	api_json(struct api_ctx *, int status, json_t *obj);
void	api_error(struct api_ctx *, int status, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A VCM_E* from the store as the right HTTP error. */
void	api_store_error(struct api_ctx *, int rc, const char *what);

/* ---- helpers ---------------------------------------------------------- */
/* Reads the body's fields; on error replies 400 and returns -1. */
int	api_fields(struct api_ctx *, const struct jsonin_field *, size_t);
/* limit and cursor of a list request; on error replies 400, -1. */
int	api_page(struct api_ctx *, int64_t *after, unsigned int *limit);
/* Finishes a list reply: {"items":items,"next_cursor":...}. */
void	api_list_reply(struct api_ctx *, json_t *items, unsigned int limit,
	    int64_t last_id);
/* A time for JSON: RFC 3339 string, or null for 0. */
json_t	*api_time(int64_t ms);
/* An id for JSON: integer, or null for 0. */
json_t	*api_id(int64_t);
/* 1 if the caller may see objects of this tenant. */
int	api_sees_tenant(const struct api_ctx *, int64_t tenant_id);
/* Optional query filters: 1 if present (value in *v), 0 if absent,
 * -1 after replying 400. */
int	api_query_id(struct api_ctx *, const char *name, int64_t *v);
int	api_query_time(struct api_ctx *, const char *name, int64_t *v);

/* A BMC with its health, as the API shows it (never credentials). */
json_t	*bmc_json(struct vcmd *, const struct st_bmc *);

/* ["console-read", ...] for ST_RIGHT_* bits. */
json_t	*grant_rights_json(uint32_t);

/* ---- handlers --------------------------------------------------------- */
/* api_objects.c */
void	api_site_create(struct api_ctx *);
void	api_site_list(struct api_ctx *);
void	api_site_get(struct api_ctx *);
void	api_site_delete(struct api_ctx *);
void	api_pool_create(struct api_ctx *);
void	api_pool_list(struct api_ctx *);
void	api_pool_get(struct api_ctx *);
void	api_pool_delete(struct api_ctx *);
void	api_tenant_create(struct api_ctx *);
void	api_tenant_list(struct api_ctx *);
void	api_tenant_get(struct api_ctx *);
void	api_tenant_delete(struct api_ctx *);
void	api_bmc_create(struct api_ctx *);
void	api_bmc_list(struct api_ctx *);
void	api_bmc_get(struct api_ctx *);
void	api_bmc_patch(struct api_ctx *);
void	api_bmc_delete(struct api_ctx *);
void	api_server_create(struct api_ctx *);
void	api_server_list(struct api_ctx *);
void	api_server_get(struct api_ctx *);
void	api_server_delete(struct api_ctx *);
void	api_server_power(struct api_ctx *);
void	api_key_create(struct api_ctx *);
void	api_key_list(struct api_ctx *);
void	api_key_delete(struct api_ctx *);
void	api_audit_list(struct api_ctx *);
/* api_grants.c */
void	api_grant_create(struct api_ctx *);
void	api_grant_list(struct api_ctx *);
void	api_grant_get(struct api_ctx *);
void	api_grant_extend(struct api_ctx *);
void	api_grant_revoke(struct api_ctx *);
void	api_grant_console(struct api_ctx *);
void	api_grant_power(struct api_ctx *);
void	api_vault_rotate(struct api_ctx *);
void	api_health(struct api_ctx *);
void	api_metrics(struct api_ctx *);

#endif
