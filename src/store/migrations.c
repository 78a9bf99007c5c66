/*
 * The schema, one migration per entry (migrations.h).
 *
 * The SQL stays close to the standard so that the PostgreSQL backend
 * can reuse it with small changes:
 *	INTEGER PRIMARY KEY AUTOINCREMENT
 *		-> BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY
 *	BLOB	-> BYTEA
 * Everything else (BIGINT, INTEGER, TEXT, UNIQUE, REFERENCES ... ON
 * DELETE, CREATE INDEX) reads the same in both. AUTOINCREMENT makes
 * SQLite never hand out an id again once it was used, even after the
 * row with the highest id is deleted (an identity column behaves so in
 * PostgreSQL): an id in an old audit event or log line never comes to
 * name a new object.
 *
 * Conventions of every table:
 *  - times are BIGINT milliseconds since the epoch, 0 = not set;
 *  - an optional reference (a BMC's site or pool, an operator key's
 *    tenant, the objects of an audit event) is NULL when absent, so
 *    that the foreign key does not apply to it; the store reads NULL
 *    back as 0;
 *  - ON DELETE RESTRICT everywhere an object is referenced: deleting a
 *    site with pools or BMCs, a tenant with servers or keys, a BMC with
 *    a server, a server with grants fails instead of orphaning them.
 *    Only bmc_sessions (crash-recovery records) go with their BMC;
 *  - audit_events has no foreign keys: the audit log outlives the
 *    objects it names and is only ever appended to.
 *
 * Names avoid words reserved in either database (user, grant, time,
 * rows): bmcs.ipmi_user, grants, audit_events.at, servers.console_rows.
 */
#include "store/migrations.h"

static const char m1_initial[] =
	"CREATE TABLE meta ("
	" name TEXT PRIMARY KEY,"
	" value TEXT NOT NULL);"

	"CREATE TABLE sites ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" name TEXT NOT NULL UNIQUE,"
	" created BIGINT NOT NULL);"

	/* Pool names are unique per site; the UNIQUE index also serves
	 * the foreign key check when a site is deleted. */
	"CREATE TABLE pools ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" site_id BIGINT NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,"
	" name TEXT NOT NULL,"
	" cidr TEXT NOT NULL,"
	" created BIGINT NOT NULL,"
	" UNIQUE (site_id, name));"

	"CREATE TABLE tenants ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" name TEXT NOT NULL UNIQUE,"
	" created BIGINT NOT NULL);"

	/* cred is the vault's sealed blob, never a clear password. One
	 * BMC per address and port: two rows for one BMC would give it
	 * two session budgets. */
	"CREATE TABLE bmcs ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" site_id BIGINT REFERENCES sites (id) ON DELETE RESTRICT,"
	" pool_id BIGINT REFERENCES pools (id) ON DELETE RESTRICT,"
	" name TEXT NOT NULL UNIQUE,"
	" addr TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" ipmi_user TEXT NOT NULL,"
	" cred BLOB NOT NULL,"
	" cred_key_id BIGINT NOT NULL,"
	" vendor TEXT NOT NULL,"
	" max_sessions INTEGER NOT NULL,"
	" quirks TEXT NOT NULL,"
	" created BIGINT NOT NULL,"
	" UNIQUE (addr, port));"
	"CREATE INDEX bmcs_site ON bmcs (site_id);"
	"CREATE INDEX bmcs_pool ON bmcs (pool_id);"

	/* Server names are unique per tenant. UNIQUE (id, tenant_id) is
	 * the parent key of grants' (server_id, tenant_id): a grant can
	 * only name a server of its own tenant, whatever a caller does. */
	"CREATE TABLE servers ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" tenant_id BIGINT NOT NULL REFERENCES tenants (id)"
	"  ON DELETE RESTRICT,"
	" bmc_id BIGINT NOT NULL REFERENCES bmcs (id) ON DELETE RESTRICT,"
	" name TEXT NOT NULL,"
	" console_cols INTEGER NOT NULL,"
	" console_rows INTEGER NOT NULL,"
	" created BIGINT NOT NULL,"
	" UNIQUE (tenant_id, name),"
	" UNIQUE (id, tenant_id));"
	"CREATE INDEX servers_bmc ON servers (bmc_id, id);"

	/* Only the key's hash is kept; tenant_id NULL: an operator key.
	 * Keys are revoked, never deleted, except with their tenant. */
	"CREATE TABLE api_keys ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" tenant_id BIGINT REFERENCES tenants (id) ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" hash BLOB NOT NULL,"
	" created BIGINT NOT NULL,"
	" revoked BIGINT NOT NULL);"
	"CREATE UNIQUE INDEX api_keys_hash ON api_keys (hash);"
	"CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);"

	"CREATE TABLE grants ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" tenant_id BIGINT NOT NULL,"
	" server_id BIGINT NOT NULL,"
	" rights INTEGER NOT NULL,"
	" not_before BIGINT NOT NULL,"
	" expires BIGINT NOT NULL,"
	" sources TEXT NOT NULL,"
	" token_hash BLOB NOT NULL,"
	" created BIGINT NOT NULL,"
	" created_by BIGINT REFERENCES api_keys (id) ON DELETE SET NULL,"
	" revoked BIGINT NOT NULL,"
	" ended BIGINT NOT NULL,"
	/* A server's grants go with it (the API refuses while one is
	 * live); the audit log keeps their history. */
	" FOREIGN KEY (server_id, tenant_id)"
	"  REFERENCES servers (id, tenant_id) ON DELETE CASCADE);"
	"CREATE INDEX grants_tenant ON grants (tenant_id, id);"
	"CREATE INDEX grants_server ON grants (server_id, id);"

	"CREATE TABLE audit_events ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" at BIGINT NOT NULL,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" tenant_id BIGINT,"
	" server_id BIGINT,"
	" grant_id BIGINT,"
	" bmc_id BIGINT,"
	" outcome TEXT NOT NULL,"
	" detail TEXT NOT NULL);"
	"CREATE INDEX audit_events_at ON audit_events (at);"
	"CREATE INDEX audit_events_tenant ON audit_events (tenant_id, id);"
	"CREATE INDEX audit_events_server ON audit_events (server_id, id);"
	"CREATE INDEX audit_events_grant ON audit_events (grant_id, id);"
	"CREATE INDEX audit_events_bmc ON audit_events (bmc_id, id);"

	/* BMC-side sessions left open, for crash recovery; they mean
	 * nothing once their BMC is gone. */
	"CREATE TABLE bmc_sessions ("
	" bmc_id BIGINT NOT NULL REFERENCES bmcs (id) ON DELETE CASCADE,"
	" sid_bmc BIGINT NOT NULL,"
	" sol INTEGER NOT NULL,"
	" opened BIGINT NOT NULL,"
	" PRIMARY KEY (bmc_id, sid_bmc));";

/*
 * Console recordings (issue 7). No foreign keys, like audit_events: a
 * recording is kept for its retention period after its grant, server
 * or tenant is gone. path is relative to the state directory. The
 * index on ended serves the retention's "ended before" scan.
 */
static const char m2_recordings[] =
	"CREATE TABLE recordings ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" grant_id BIGINT NOT NULL,"
	" tenant_id BIGINT NOT NULL,"
	" server_id BIGINT NOT NULL,"
	" started BIGINT NOT NULL,"
	" ended BIGINT NOT NULL,"
	" bytes BIGINT NOT NULL,"
	" truncated INTEGER NOT NULL,"
	" path TEXT NOT NULL);"
	"CREATE INDEX recordings_tenant ON recordings (tenant_id, id);"
	"CREATE INDEX recordings_server ON recordings (server_id, id);"
	"CREATE INDEX recordings_grant ON recordings (grant_id, id);"
	"CREATE INDEX recordings_ended ON recordings (ended, id);";

const struct store_migration store_migrations[] = {
	{ 1, "initial schema", m1_initial },
	{ 2, "console recordings", m2_recordings },
};
const size_t store_migration_count = sizeof(store_migrations) /
    sizeof(store_migrations[0]);
