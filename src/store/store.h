/*
 * The store: vcmd's persistent objects behind a narrow interface.
 *
 * The embedded backend is SQLite (store_sqlite.c); a PostgreSQL backend
 * comes later, so nothing here names a SQLite type and the SQL the
 * backend runs stays standard (no SQLite-only syntax beyond what the
 * migrations need to create tables). Schema changes are versioned
 * migrations (migrations.c), applied in order at store_open() inside a
 * transaction each; the version reached is kept in the database.
 *
 * Objects are plain structs with fixed-size fields (limits.h), copied
 * in and out: no pointer into the backend outlives a call. Ids are
 * positive 64-bit integers, never reused. Times are milliseconds since
 * the Unix epoch (UTC); 0 means "not set".
 *
 * Error convention: 0 (or a count, or an id) on success, a negative
 * VCM_E* code otherwise: VCM_EINVAL for bad arguments, VCM_ENOTFOUND,
 * VCM_ECONFLICT for a uniqueness violation or a delete of something
 * still referenced, VCM_EIO for a backend failure (logged with the
 * backend's message, which never contains a credential).
 *
 * Threading: none; one caller (the loop thread).
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/err.h"
#include "vcm/limits.h"

struct store;

/* ---- objects ---------------------------------------------------------- */

struct st_site {
	int64_t		 id;
	char		 name[VCM_NAME_MAX + 1];
	int64_t		 created;
};

/* A CIDR of local BMC addresses at a site. */
struct st_pool {
	int64_t		 id;
	int64_t		 site_id;
	char		 name[VCM_NAME_MAX + 1];
	char		 cidr[VCM_CIDR_STR_MAX + 1];
	int64_t		 created;
};

struct st_tenant {
	int64_t		 id;
	char		 name[VCM_NAME_MAX + 1];
	int64_t		 created;
};

/*
 * A BMC. The password and Kg are never stored in clear: cred holds the
 * vault's sealed blob (vault.h), opaque to the store.
 */
struct st_bmc {
	int64_t		 id;
	int64_t		 site_id;	/* 0: none */
	int64_t		 pool_id;	/* 0: none */
	char		 name[VCM_NAME_MAX + 1];
	char		 addr[VCM_ADDR_STR_MAX + 1];	/* IPv4 literal */
	uint16_t	 port;		/* 623 unless set */
	char		 user[VCM_IPMI_USER_MAX + 1];
	uint8_t		 cred[VCM_VAULT_BLOB_MAX];
	uint16_t	 cred_len;
	uint32_t	 cred_key_id;	/* vault key that sealed cred */
	char		 vendor[VCM_NAME_MAX + 1];	/* profile hint, "" auto */
	uint8_t		 max_sessions;	/* 0: vendor/default */
	char		 quirks[VCM_ENG_QUIRK_SPEC_MAX + 1];	/* override */
	int64_t		 created;
};

/* A tenant's server; its console and power are those of one BMC. */
struct st_server {
	int64_t		 id;
	int64_t		 tenant_id;
	int64_t		 bmc_id;
	char		 name[VCM_NAME_MAX + 1];
	uint16_t	 cols, rows;	/* console size, 80x25 unless set */
	int64_t		 created;
};

/* An API key; only its hash is kept. tenant_id 0: an operator key. */
struct st_apikey {
	int64_t		 id;
	int64_t		 tenant_id;
	char		 name[VCM_NAME_MAX + 1];
	uint8_t		 hash[VCM_TOKEN_HASH_LEN];
	int64_t		 created;
	int64_t		 revoked;	/* 0: valid */
};

/* Rights of a grant (bit set). */
#define ST_RIGHT_CONSOLE_READ	0x01u
#define ST_RIGHT_CONSOLE_WRITE	0x02u
#define ST_RIGHT_POWER		0x04u
#define ST_RIGHTS_ALL		0x07u

struct st_grant {
	int64_t		 id;
	int64_t		 tenant_id;
	int64_t		 server_id;
	uint32_t	 rights;	/* ST_RIGHT_* */
	int64_t		 not_before;
	int64_t		 expires;
	/* Allowed source networks, comma-separated CIDRs; "" = any. */
	char		 sources[VCM_GRANT_SOURCES_STR_MAX + 1];
	uint8_t		 token_hash[VCM_TOKEN_HASH_LEN];
	int64_t		 created;
	int64_t		 created_by;	/* API key id */
	int64_t		 revoked;	/* 0: not revoked */
	/* When vcmd finished ending it (connections closed, BMC side torn
	 * down); 0 while it is live or its end is still being carried out. */
	int64_t		 ended;
};

struct st_audit {
	int64_t		 id;
	int64_t		 time;
	char		 actor[VCM_NAME_MAX + 1];	/* "key:12", "vcmd" */
	char		 action[VCM_NAME_MAX + 1];	/* "grant.create" */
	int64_t		 tenant_id, server_id, grant_id, bmc_id;	/* 0: n/a */
	char		 outcome[VCM_NAME_MAX + 1];	/* "ok", "error:..." */
	char		 detail[VCM_AUDIT_DETAIL_MAX + 1];
};

/*
 * A BMC-side IPMI session vcmd opened, recorded while it is open so
 * that after a crash vcmd can close it (with Close Session by id).
 */
struct st_bmc_session {
	int64_t		 bmc_id;
	uint32_t	 sid_bmc;	/* the BMC's session id (SIDc) */
	uint8_t		 sol;		/* 1: a SOL payload runs on it */
	int64_t		 opened;
};

/*
 * A console recording (asciicast v2, src/vcmd/recording.c): one file
 * per console connection under a grant. path is relative to vcmd's
 * state directory ("recordings/12.cast"); vcmd only ever opens the
 * path it makes from the id and checks this one against it, so a
 * hostile database cannot point a download at another file.
 * Recordings have no foreign keys, like the audit log: they outlive
 * their grant, server and tenant until the retention deletes them
 * (ids are never reused, so an old tenant_id never names a new tenant).
 */
struct st_recording {
	int64_t		 id;
	int64_t		 grant_id;
	int64_t		 tenant_id;
	int64_t		 server_id;
	int64_t		 started;
	int64_t		 ended;		/* 0 while recording */
	int64_t		 bytes;		/* file size when it ended */
	uint8_t		 truncated;	/* 1: stopped before the session did */
	char		 path[VCM_RECORDING_PATH_MAX + 1];
};

/* ---- listing ---------------------------------------------------------- */

/*
 * Filters for the list calls; a zero field does not filter. Lists are
 * ordered by id and paged by keyset: ids greater than after_id, at most
 * limit (1..VCM_PAGE_MAX) rows. The callback returns 0 to go on or a
 * negative code to stop (which the list call returns).
 *
 * A list call returns the number of rows it passed on (0..limit). A
 * filter field the list does not support (see each list) is refused
 * with VCM_EINVAL, never ignored. No statement is open while the
 * callback runs: it may call any store function, writes included.
 */
struct st_filter {
	int64_t		 tenant_id;
	int64_t		 server_id;
	int64_t		 grant_id;
	int64_t		 bmc_id;
	int64_t		 site_id;
	int64_t		 since, until;	/* audit: time range, inclusive */
	int		 live_only;	/* grants: revoked == 0 && ended == 0;
					   recordings: ended == 0 */
	int64_t		 ended_before;	/* recordings: 0 < ended < this */
};

typedef int	store_site_cb(void *, const struct st_site *);
typedef int	store_pool_cb(void *, const struct st_pool *);
typedef int	store_tenant_cb(void *, const struct st_tenant *);
typedef int	store_bmc_cb(void *, const struct st_bmc *);
typedef int	store_server_cb(void *, const struct st_server *);
typedef int	store_apikey_cb(void *, const struct st_apikey *);
typedef int	store_grant_cb(void *, const struct st_grant *);
typedef int	store_audit_cb(void *, const struct st_audit *);
typedef int	store_bmc_session_cb(void *, const struct st_bmc_session *);
typedef int	store_recording_cb(void *, const struct st_recording *);

/* ---- lifetime --------------------------------------------------------- */

/*
 * Opens (creating if needed) the database at path and applies pending
 * migrations. ":memory:" gives a private in-memory store (tests).
 * A database newer than this program (a higher schema version) is
 * refused with VCM_EUNSUPP.
 */
int	store_open(const char *path, struct store **);
void	store_close(struct store *);
/* The schema version reached (the number of the last migration). */
int	store_schema_version(struct store *);
/* The backend's last error text, for logs ("" if none). */
const char *store_errmsg(struct store *);

/* Transactions, for multi-row changes (vault rotation). Not nested:
 * store_begin inside one, or commit/rollback outside one, is
 * VCM_ESTATE. */
int	store_begin(struct store *);
int	store_commit(struct store *);
int	store_rollback(struct store *);

/* Small named settings ("schema", "operator_key_created", ...): keys
 * of 1..VCM_NAME_MAX bytes, values of at most VCM_STORE_META_VALUE_MAX.
 * store_meta_get returns the value's length, VCM_ENOSPC if it does not
 * fit the buffer with its NUL. */
int	store_meta_get(struct store *, const char *key, char *val, size_t);
int	store_meta_set(struct store *, const char *key, const char *val);

/* ---- objects ---------------------------------------------------------- */

/*
 * *_add: inserts (id and created, when 0, are filled in; created from
 * the caller's field if set) and returns the new id, or VCM_ECONFLICT
 * for a duplicate name (sites, tenants, pools per site, servers per
 * tenant, BMC names and BMC addr:port). Defaults are filled in too
 * (BMC port 623, console 80x25). A reference to a missing object (a
 * pool's site, a server's tenant or BMC, a grant's server of another
 * tenant) is VCM_ENOTFOUND.
 * *_get: fills the struct, or VCM_ENOTFOUND.
 * *_del: VCM_ENOTFOUND, or VCM_ECONFLICT while referenced (a site
 * with pools or BMCs, a pool with BMCs, a tenant with servers, a BMC
 * with a server). A tenant's API keys and a server's grants are
 * deleted with it; the audit log keeps their history, and the API
 * refuses to delete a server while one of its grants is live.
 */
int64_t	store_site_add(struct store *, struct st_site *);
int	store_site_get(struct store *, int64_t, struct st_site *);
int	store_site_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_site_cb *, void *);
int	store_site_del(struct store *, int64_t);

int64_t	store_pool_add(struct store *, struct st_pool *);
int	store_pool_get(struct store *, int64_t, struct st_pool *);
/* filter: site_id. (Sites and tenants: none.) */
int	store_pool_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_pool_cb *, void *);
int	store_pool_del(struct store *, int64_t);

int64_t	store_tenant_add(struct store *, struct st_tenant *);
int	store_tenant_get(struct store *, int64_t, struct st_tenant *);
int	store_tenant_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_tenant_cb *, void *);
int	store_tenant_del(struct store *, int64_t);

int64_t	store_bmc_add(struct store *, struct st_bmc *);
int	store_bmc_get(struct store *, int64_t, struct st_bmc *);
/* Replaces every field but id and created. */
int	store_bmc_update(struct store *, const struct st_bmc *);
/* Every BMC, any site (after_id/limit paging as the other lists);
 * filter: site_id. */
int	store_bmc_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_bmc_cb *, void *);
int	store_bmc_del(struct store *, int64_t);

int64_t	store_server_add(struct store *, struct st_server *);
int	store_server_get(struct store *, int64_t, struct st_server *);
/* filter: tenant_id, bmc_id. */
int	store_server_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_server_cb *, void *);
int	store_server_del(struct store *, int64_t);

int64_t	store_apikey_add(struct store *, struct st_apikey *);
int	store_apikey_get(struct store *, int64_t, struct st_apikey *);
/* By hash, revoked or not (the caller checks revoked). */
int	store_apikey_find(struct store *, const uint8_t hash[VCM_TOKEN_HASH_LEN],
	    struct st_apikey *);
/* filter: tenant_id (-1: operator keys only). */
int	store_apikey_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_apikey_cb *, void *);
/* Keeps the first revocation's time; revoking again returns 0. */
int	store_apikey_revoke(struct store *, int64_t, int64_t when);

int64_t	store_grant_add(struct store *, struct st_grant *);
int	store_grant_get(struct store *, int64_t, struct st_grant *);
/* filter: tenant_id, server_id, live_only. */
int	store_grant_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_grant_cb *, void *);
/* VCM_EEXPIRED for a revoked or ended grant (never brought back). */
int	store_grant_set_expires(struct store *, int64_t, int64_t expires);
/* These two keep the first time set; setting again returns 0. */
int	store_grant_set_revoked(struct store *, int64_t, int64_t when);
int	store_grant_set_ended(struct store *, int64_t, int64_t when);

/* Appends (id filled in; time, when 0, too); the audit log is never
 * updated or deleted. */
int64_t	store_audit_add(struct store *, struct st_audit *);
/* filter: tenant_id, server_id, grant_id, bmc_id, since, until. */
int	store_audit_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_audit_cb *, void *);

/* Open BMC-side sessions (crash recovery), deleted with their BMC.
 * The list is ordered by bmc_id, then sid_bmc, and returns a count. */
int	store_bmc_session_add(struct store *, const struct st_bmc_session *);
int	store_bmc_session_del(struct store *, int64_t bmc_id, uint32_t sid_bmc);
int	store_bmc_session_list(struct store *, store_bmc_session_cb *, void *);

/* Console recordings. add: id and started (when 0) filled in, path
 * may be "" until the file exists. update: replaces ended, bytes,
 * truncated and path (the rest never changes). */
int64_t	store_recording_add(struct store *, struct st_recording *);
int	store_recording_get(struct store *, int64_t, struct st_recording *);
int	store_recording_update(struct store *, const struct st_recording *);
/* filter: tenant_id, server_id, grant_id, live_only, ended_before. */
int	store_recording_list(struct store *, const struct st_filter *,
	    int64_t after_id, unsigned int limit, store_recording_cb *, void *);
int	store_recording_del(struct store *, int64_t);

/* Every sealed credential, for vault rotation (inside a transaction):
 * the callback gets each BMC and may call store_bmc_update(). */
int	store_bmc_foreach(struct store *, store_bmc_cb *, void *);

#endif
