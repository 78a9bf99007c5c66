/*
 * The store (src/store): every call, its errors, paging and filters,
 * migrations, file modes, and rows a hostile database file holds.
 * Most cases run on ":memory:"; those about files use a database under
 * /tmp (removed at the end of each case) and SQLite directly to plant
 * what the store must refuse.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "test.h"
#include "vcm/err.h"
#include "vcm/limits.h"
#include "store/migrations.h"
#include "store/store.h"

/* ---- helpers ---------------------------------------------------------- */

static char db_path[64];

static void	rm_db(void);

/* The temporary database's path; its files are removed at exit too,
 * so a case that stops early leaves nothing behind. */
static const char *
tmp_db(void)
{
	static int registered;

	snprintf(db_path, sizeof(db_path), "/tmp/vcm-test-store-%ld.db",
	    (long)getpid());
	if (!registered && atexit(rm_db) == 0)
		registered = 1;
	return db_path;
}

static void
rm_db(void)
{
	char p[80];

	snprintf(p, sizeof(p), "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db_path);
	unlink(p);
	unlink(db_path);
}

/* Runs SQL on the file behind the store's back; the SQLite code. */
static int
raw_exec(const char *sql)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		printf("#   raw_exec(%s): %s\n", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc;
}

/* The first column of the first row as an integer, or -1. */
static long long
raw_int(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static unsigned int
file_mode(const char *suffix)
{
	char p[80];
	struct stat sb;

	snprintf(p, sizeof(p), "%s%s", db_path, suffix);
	if (stat(p, &sb) != 0)
		return 0xffff;
	return (unsigned int)(sb.st_mode & 07777);
}

static struct store *
mem_store(void)
{
	struct store *s = NULL;

	if (store_open(":memory:", &s) != 0)
		return NULL;
	return s;
}

static int64_t
add_site(struct store *s, const char *name)
{
	struct st_site o;

	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "%s", name);
	return store_site_add(s, &o);
}

static int64_t
add_tenant(struct store *s, const char *name)
{
	struct st_tenant o;

	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "%s", name);
	return store_tenant_add(s, &o);
}

static void
fill_bmc(struct st_bmc *o, const char *name, const char *addr, uint16_t port)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->addr, sizeof(o->addr), "%s", addr);
	o->port = port;
	snprintf(o->user, sizeof(o->user), "admin");
	for (i = 0; i < 60; i++)
		o->cred[i] = (uint8_t)(i * 7 + 1);
	o->cred_len = 60;
	o->cred_key_id = 3;
}

static int64_t
add_bmc(struct store *s, const char *name, const char *addr)
{
	struct st_bmc o;

	fill_bmc(&o, name, addr, 0);
	return store_bmc_add(s, &o);
}

static int64_t
add_server(struct store *s, int64_t tenant, int64_t bmc, const char *name)
{
	struct st_server o;

	memset(&o, 0, sizeof(o));
	o.tenant_id = tenant;
	o.bmc_id = bmc;
	snprintf(o.name, sizeof(o.name), "%s", name);
	return store_server_add(s, &o);
}

static void
fill_grant(struct st_grant *g, int64_t tenant, int64_t server, uint8_t tag)
{
	memset(g, 0, sizeof(*g));
	g->tenant_id = tenant;
	g->server_id = server;
	g->rights = ST_RIGHTS_ALL;
	g->not_before = 1000;
	g->expires = 7201000;
	snprintf(g->sources, sizeof(g->sources), "198.51.100.0/24");
	memset(g->token_hash, tag, sizeof(g->token_hash));
}

static int64_t
add_grant(struct store *s, int64_t tenant, int64_t server, uint8_t tag)
{
	struct st_grant g;

	fill_grant(&g, tenant, server, tag);
	return store_grant_add(s, &g);
}

/* Collects the ids a list hands over; stops with `stop' after
 * stop_after rows when stop_after is set. */
struct seen {
	int64_t		 id[VCM_PAGE_MAX];
	int64_t		 tenant[VCM_PAGE_MAX];
	int		 n;
	int		 stop_after;
	int		 stop;
};

static int
seen_add(struct seen *c, int64_t id, int64_t tenant)
{
	if (c->n < VCM_PAGE_MAX) {
		c->id[c->n] = id;
		c->tenant[c->n] = tenant;
	}
	c->n++;
	if (c->stop_after != 0 && c->n >= c->stop_after)
		return c->stop;
	return 0;
}

static int
seen_site(void *arg, const struct st_site *o)
{
	return seen_add(arg, o->id, 0);
}

static int
seen_pool(void *arg, const struct st_pool *o)
{
	return seen_add(arg, o->id, o->site_id);
}

static int
seen_tenant(void *arg, const struct st_tenant *o)
{
	return seen_add(arg, o->id, 0);
}

static int
seen_bmc(void *arg, const struct st_bmc *o)
{
	return seen_add(arg, o->id, o->site_id);
}

static int
seen_server(void *arg, const struct st_server *o)
{
	return seen_add(arg, o->id, o->tenant_id);
}

static int
seen_apikey(void *arg, const struct st_apikey *o)
{
	return seen_add(arg, o->id, o->tenant_id);
}

static int
seen_grant(void *arg, const struct st_grant *o)
{
	return seen_add(arg, o->id, o->tenant_id);
}

static int
seen_audit(void *arg, const struct st_audit *o)
{
	return seen_add(arg, o->id, o->tenant_id);
}

static int
seen_bmc_session(void *arg, const struct st_bmc_session *o)
{
	return seen_add(arg, o->bmc_id * 1000000 + o->sid_bmc, o->sol);
}

static void
seen_reset(struct seen *c)
{
	memset(c, 0, sizeof(*c));
}

/* 1 if ids are strictly increasing and all greater than after. */
static int
seen_ascending(const struct seen *c, int64_t after)
{
	int i;

	for (i = 0; i < c->n && i < VCM_PAGE_MAX; i++) {
		if (c->id[i] <= after)
			return 0;
		after = c->id[i];
	}
	return 1;
}

/* ---- lifetime --------------------------------------------------------- */

static void
open_memory(void)
{
	struct store *s = NULL;
	size_t i;

	CHECK_INT(store_open(NULL, &s), VCM_EINVAL);
	CHECK_INT(store_open(":memory:", NULL), VCM_EINVAL);
	CHECK_INT(store_open("", &s), VCM_EINVAL);
	CHECK(s == NULL);
	REQUIRE(store_migration_count >= 1);
	for (i = 0; i < store_migration_count; i++) {
		CHECK_INT(store_migrations[i].version, (long long)i + 1);
		CHECK(store_migrations[i].sql != NULL);
		CHECK(store_migrations[i].what != NULL);
	}
	REQUIRE(store_open(":memory:", &s) == 0);
	REQUIRE(s != NULL);
	CHECK_INT(store_schema_version(s), store_migration_count);
	CHECK_INT(strlen(store_errmsg(s)), 0);
	CHECK_INT(store_schema_version(NULL), VCM_EINVAL);
	CHECK(store_errmsg(NULL) != NULL);
	store_close(s);
	store_close(NULL);
}

static void
meta(void)
{
	struct store *s = mem_store();
	char v[8], big[VCM_STORE_META_VALUE_MAX + 2], key[VCM_NAME_MAX + 2];

	REQUIRE(s != NULL);
	CHECK_INT(store_meta_get(s, "k", v, sizeof(v)), VCM_ENOTFOUND);
	CHECK_INT(store_meta_set(s, "k", "one"), 0);
	CHECK_INT(store_meta_get(s, "k", v, sizeof(v)), 3);
	CHECK(strcmp(v, "one") == 0);
	CHECK_INT(store_meta_set(s, "k", "second"), 0);
	CHECK_INT(store_meta_get(s, "k", v, sizeof(v)), 6);
	CHECK(strcmp(v, "second") == 0);
	/* Does not fit the caller's buffer: refused, not cut. */
	CHECK_INT(store_meta_get(s, "k", v, 6), VCM_ENOSPC);
	CHECK_INT(store_meta_set(s, "empty", ""), 0);
	CHECK_INT(store_meta_get(s, "empty", v, sizeof(v)), 0);
	CHECK_INT(v[0], 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(store_meta_set(s, "k", big), VCM_EINVAL);
	big[VCM_STORE_META_VALUE_MAX] = '\0';
	CHECK_INT(store_meta_set(s, "big", big), 0);
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	CHECK_INT(store_meta_set(s, key, "v"), VCM_EINVAL);
	CHECK_INT(store_meta_get(s, key, v, sizeof(v)), VCM_EINVAL);
	CHECK_INT(store_meta_set(s, "", "v"), VCM_EINVAL);
	CHECK_INT(store_meta_set(s, NULL, "v"), VCM_EINVAL);
	CHECK_INT(store_meta_set(s, "k", NULL), VCM_EINVAL);
	CHECK_INT(store_meta_get(s, "k", NULL, 4), VCM_EINVAL);
	CHECK_INT(store_meta_get(s, "k", v, 0), VCM_EINVAL);
	store_close(s);
}

static void
transactions(void)
{
	struct store *s = mem_store();
	struct st_site o;
	int64_t a, b;

	REQUIRE(s != NULL);
	CHECK_INT(store_commit(s), VCM_ESTATE);
	CHECK_INT(store_rollback(s), VCM_ESTATE);
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(store_begin(s), VCM_ESTATE);
	a = add_site(s, "rolled-back");
	CHECK(a > 0);
	CHECK_INT(store_site_get(s, a, &o), 0);
	CHECK_INT(store_rollback(s), 0);
	CHECK_INT(store_site_get(s, a, &o), VCM_ENOTFOUND);
	CHECK_INT(store_begin(s), 0);
	b = add_site(s, "committed");
	CHECK(b > 0);
	CHECK_INT(store_meta_set(s, "in-tx", "1"), 0);
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(store_site_get(s, b, &o), 0);
	CHECK(strcmp(o.name, "committed") == 0);
	CHECK_INT(store_commit(s), VCM_ESTATE);
	CHECK_INT(store_begin(NULL), VCM_EINVAL);
	/* A transaction left open is rolled back by close. */
	CHECK_INT(store_begin(s), 0);
	store_close(s);
}

/* ---- objects ---------------------------------------------------------- */

static void
sites(void)
{
	struct store *s = mem_store();
	struct st_site o, g;
	struct seen c;
	int64_t a, b, c2;

	REQUIRE(s != NULL);
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "paris");
	a = store_site_add(s, &o);
	CHECK(a > 0);
	CHECK_INT(o.id, a);
	CHECK(o.created > 0);
	CHECK_INT(store_site_get(s, a, &g), 0);
	CHECK_INT(g.id, a);
	CHECK(strcmp(g.name, "paris") == 0);
	CHECK_INT(g.created, o.created);
	/* Duplicate name. */
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "paris");
	CHECK_INT(store_site_add(s, &o), VCM_ECONFLICT);
	CHECK_INT(o.id, 0);
	CHECK(strlen(store_errmsg(s)) > 0);
	/* The caller's creation time is kept. */
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "lyon");
	o.created = 1234;
	b = store_site_add(s, &o);
	CHECK(b > a);
	CHECK_INT(store_site_get(s, b, &g), 0);
	CHECK_INT(g.created, 1234);
	/* Missing. */
	CHECK_INT(store_site_get(s, 999, &g), VCM_ENOTFOUND);
	CHECK_INT(store_site_del(s, 999), VCM_ENOTFOUND);
	CHECK_INT(store_site_get(s, 0, &g), VCM_EINVAL);
	CHECK_INT(store_site_get(s, -1, &g), VCM_EINVAL);
	CHECK_INT(store_site_get(s, a, NULL), VCM_EINVAL);
	/* Ids are never reused, even the highest one after its delete. */
	CHECK_INT(store_site_del(s, b), 0);
	CHECK_INT(store_site_get(s, b, &g), VCM_ENOTFOUND);
	c2 = add_site(s, "lyon");
	CHECK(c2 > b);
	/* Bad input. */
	memset(&o, 0, sizeof(o));
	CHECK_INT(store_site_add(s, &o), VCM_EINVAL);	/* empty name */
	memset(o.name, 'a', sizeof(o.name));		/* unterminated */
	CHECK_INT(store_site_add(s, &o), VCM_EINVAL);
	snprintf(o.name, sizeof(o.name), "ok");
	o.id = -5;
	CHECK_INT(store_site_add(s, &o), VCM_EINVAL);
	o.id = 0;
	o.created = -1;
	CHECK_INT(store_site_add(s, &o), VCM_EINVAL);
	CHECK_INT(store_site_add(s, NULL), VCM_EINVAL);
	CHECK_INT(store_site_add(NULL, &o), VCM_EINVAL);
	/* A name of exactly VCM_NAME_MAX bytes fits. */
	memset(&o, 0, sizeof(o));
	memset(o.name, 'n', VCM_NAME_MAX);
	a = store_site_add(s, &o);
	CHECK(a > 0);
	CHECK_INT(store_site_get(s, a, &g), 0);
	CHECK_INT(strlen(g.name), VCM_NAME_MAX);
	/* Values are bound, never SQL text: quotes are just bytes. */
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "o'brien\"; DROP TABLE sites;--");
	a = store_site_add(s, &o);
	CHECK(a > 0);
	CHECK_INT(store_site_get(s, a, &g), 0);
	CHECK(strcmp(g.name, o.name) == 0);
	/* An explicit id is used (imports); taken ids conflict. */
	memset(&o, 0, sizeof(o));
	o.id = 500;
	snprintf(o.name, sizeof(o.name), "explicit");
	CHECK_INT(store_site_add(s, &o), 500);
	o.id = 500;
	snprintf(o.name, sizeof(o.name), "explicit2");
	CHECK_INT(store_site_add(s, &o), VCM_ECONFLICT);
	CHECK(add_site(s, "after-explicit") > 500);
	seen_reset(&c);
	CHECK_INT(store_site_list(s, NULL, 0, 100, seen_site, &c), 6);
	CHECK_INT(c.n, 6);
	CHECK(seen_ascending(&c, 0));
	store_close(s);
}

static void
pools(void)
{
	struct store *s = mem_store();
	struct st_pool o, g;
	struct st_filter f;
	struct seen c;
	int64_t s1, s2, p1, p2, p3;

	REQUIRE(s != NULL);
	s1 = add_site(s, "s1");
	s2 = add_site(s, "s2");
	REQUIRE(s1 > 0 && s2 > 0);
	memset(&o, 0, sizeof(o));
	o.site_id = s1;
	snprintf(o.name, sizeof(o.name), "rack1");
	snprintf(o.cidr, sizeof(o.cidr), "198.51.100.0/24");
	p1 = store_pool_add(s, &o);
	CHECK(p1 > 0);
	CHECK_INT(store_pool_get(s, p1, &g), 0);
	CHECK_INT(g.site_id, s1);
	CHECK(strcmp(g.name, "rack1") == 0);
	CHECK(strcmp(g.cidr, "198.51.100.0/24") == 0);
	CHECK(g.created > 0);
	/* Pool names are unique per site. */
	o.id = 0;
	CHECK_INT(store_pool_add(s, &o), VCM_ECONFLICT);
	o.site_id = s2;
	p2 = store_pool_add(s, &o);
	CHECK(p2 > p1);
	o.id = 0;
	snprintf(o.name, sizeof(o.name), "rack2");
	p3 = store_pool_add(s, &o);
	CHECK(p3 > p2);
	/* A missing site. */
	o.id = 0;
	o.site_id = 999;
	CHECK_INT(store_pool_add(s, &o), VCM_ENOTFOUND);
	o.site_id = 0;
	CHECK_INT(store_pool_add(s, &o), VCM_EINVAL);
	o.site_id = s1;
	o.cidr[0] = '\0';
	CHECK_INT(store_pool_add(s, &o), VCM_EINVAL);
	/* Filter by site. */
	memset(&f, 0, sizeof(f));
	f.site_id = s2;
	seen_reset(&c);
	CHECK_INT(store_pool_list(s, &f, 0, 10, seen_pool, &c), 2);
	CHECK_INT(c.id[0], p2);
	CHECK_INT(c.id[1], p3);
	CHECK_INT(c.tenant[0], s2);
	seen_reset(&c);
	CHECK_INT(store_pool_list(s, NULL, 0, 10, seen_pool, &c), 3);
	f.site_id = 0;
	f.tenant_id = 1;	/* not a pool filter */
	CHECK_INT(store_pool_list(s, &f, 0, 10, seen_pool, &c), VCM_EINVAL);
	/* A site with pools stays. */
	CHECK_INT(store_site_del(s, s1), VCM_ECONFLICT);
	CHECK(strlen(store_errmsg(s)) > 0);
	CHECK_INT(store_pool_del(s, p1), 0);
	CHECK_INT(store_pool_del(s, p1), VCM_ENOTFOUND);
	CHECK_INT(store_pool_get(s, p1, &g), VCM_ENOTFOUND);
	CHECK_INT(store_site_del(s, s1), 0);
	store_close(s);
}

static void
tenants(void)
{
	struct store *s = mem_store();
	struct st_tenant o, g;
	struct seen c;
	int64_t a, b;

	REQUIRE(s != NULL);
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "acme");
	a = store_tenant_add(s, &o);
	CHECK(a > 0);
	CHECK_INT(store_tenant_get(s, a, &g), 0);
	CHECK(strcmp(g.name, "acme") == 0);
	CHECK_INT(g.created, o.created);
	o.id = 0;
	CHECK_INT(store_tenant_add(s, &o), VCM_ECONFLICT);
	b = add_tenant(s, "globex");
	CHECK(b > a);
	seen_reset(&c);
	CHECK_INT(store_tenant_list(s, NULL, 0, 10, seen_tenant, &c), 2);
	seen_reset(&c);
	CHECK_INT(store_tenant_list(s, NULL, a, 10, seen_tenant, &c), 1);
	CHECK_INT(c.id[0], b);
	CHECK_INT(store_tenant_get(s, 77, &g), VCM_ENOTFOUND);
	CHECK_INT(store_tenant_del(s, a), 0);
	CHECK_INT(store_tenant_del(s, a), VCM_ENOTFOUND);
	store_close(s);
}

static void
bmcs(void)
{
	struct store *s = mem_store();
	struct st_bmc o, g, u;
	struct st_filter f;
	struct seen c;
	int64_t site, pool, a, b, t, srv;
	struct st_pool p;

	REQUIRE(s != NULL);
	site = add_site(s, "dc1");
	memset(&p, 0, sizeof(p));
	p.site_id = site;
	snprintf(p.name, sizeof(p.name), "pool");
	snprintf(p.cidr, sizeof(p.cidr), "127.0.0.0/8");
	pool = store_pool_add(s, &p);
	REQUIRE(site > 0 && pool > 0);

	fill_bmc(&o, "bmc-a", "127.0.0.5", 0);
	o.site_id = site;
	o.pool_id = pool;
	snprintf(o.vendor, sizeof(o.vendor), "supermicro");
	o.max_sessions = 4;
	snprintf(o.quirks, sizeof(o.quirks), "+nochecksum,sessions=1");
	a = store_bmc_add(s, &o);
	REQUIRE(a > 0);
	CHECK_INT(o.port, 623);		/* default filled in */
	CHECK_INT(store_bmc_get(s, a, &g), 0);
	CHECK_INT(g.id, a);
	CHECK_INT(g.site_id, site);
	CHECK_INT(g.pool_id, pool);
	CHECK(strcmp(g.name, "bmc-a") == 0);
	CHECK(strcmp(g.addr, "127.0.0.5") == 0);
	CHECK_INT(g.port, 623);
	CHECK(strcmp(g.user, "admin") == 0);
	CHECK_INT(g.cred_len, 60);
	CHECK_MEM(g.cred, o.cred, 60);
	CHECK_INT(g.cred_key_id, 3);
	CHECK(strcmp(g.vendor, "supermicro") == 0);
	CHECK_INT(g.max_sessions, 4);
	CHECK(strcmp(g.quirks, "+nochecksum,sessions=1") == 0);
	CHECK_INT(g.created, o.created);

	/* No site or pool: NULL in the database, 0 here; empty user. */
	fill_bmc(&o, "bmc-b", "127.0.0.6", 6230);
	o.user[0] = '\0';
	o.cred_len = VCM_VAULT_BLOB_MAX;
	b = store_bmc_add(s, &o);
	REQUIRE(b > a);
	CHECK_INT(store_bmc_get(s, b, &g), 0);
	CHECK_INT(g.site_id, 0);
	CHECK_INT(g.pool_id, 0);
	CHECK_INT(g.port, 6230);
	CHECK_INT(g.user[0], 0);
	CHECK_INT(g.cred_len, VCM_VAULT_BLOB_MAX);
	/* An empty blob stays an empty blob. */
	CHECK_INT(store_bmc_get(s, b, &u), 0);
	u.cred_len = 0;
	CHECK_INT(store_bmc_update(s, &u), 0);
	CHECK_INT(store_bmc_get(s, b, &g), 0);
	CHECK_INT(g.cred_len, 0);

	/* Uniqueness: name, and address with port. */
	fill_bmc(&o, "bmc-a", "127.0.0.9", 0);
	CHECK_INT(store_bmc_add(s, &o), VCM_ECONFLICT);
	fill_bmc(&o, "bmc-c", "127.0.0.5", 623);
	CHECK_INT(store_bmc_add(s, &o), VCM_ECONFLICT);
	fill_bmc(&o, "bmc-c", "127.0.0.5", 624);
	CHECK(store_bmc_add(s, &o) > b);
	/* Missing site or pool. */
	fill_bmc(&o, "bmc-d", "127.0.0.10", 0);
	o.site_id = 999;
	CHECK_INT(store_bmc_add(s, &o), VCM_ENOTFOUND);
	o.site_id = 0;
	o.pool_id = 999;
	CHECK_INT(store_bmc_add(s, &o), VCM_ENOTFOUND);
	/* Bad input. */
	fill_bmc(&o, "bmc-d", "127.0.0.10", 0);
	o.cred_len = VCM_VAULT_BLOB_MAX + 1;
	CHECK_INT(store_bmc_add(s, &o), VCM_EINVAL);
	fill_bmc(&o, "bmc-d", "127.0.0.10", 0);
	o.max_sessions = VCM_BMC_SESSIONS_MAX + 1;
	CHECK_INT(store_bmc_add(s, &o), VCM_EINVAL);
	fill_bmc(&o, "bmc-d", "", 0);
	CHECK_INT(store_bmc_add(s, &o), VCM_EINVAL);
	fill_bmc(&o, "bmc-d", "127.0.0.10", 0);
	memset(o.user, 'u', sizeof(o.user));
	CHECK_INT(store_bmc_add(s, &o), VCM_EINVAL);
	fill_bmc(&o, "bmc-d", "127.0.0.10", 0);
	memset(o.quirks, 'q', sizeof(o.quirks));
	CHECK_INT(store_bmc_add(s, &o), VCM_EINVAL);
	fill_bmc(&o, "bmc-d", "127.0.0.10", 0);
	o.site_id = -1;
	CHECK_INT(store_bmc_add(s, &o), VCM_EINVAL);

	/* Update: every field but id and created. */
	CHECK_INT(store_bmc_get(s, a, &u), 0);
	u.site_id = 0;
	u.pool_id = 0;
	snprintf(u.name, sizeof(u.name), "bmc-a2");
	snprintf(u.addr, sizeof(u.addr), "127.0.0.50");
	u.port = 1623;
	snprintf(u.user, sizeof(u.user), "root");
	memset(u.cred, 0xab, 20);
	u.cred_len = 20;
	u.cred_key_id = 9;
	snprintf(u.vendor, sizeof(u.vendor), "dell");
	u.max_sessions = 2;
	u.quirks[0] = '\0';
	u.created = 5;			/* ignored */
	CHECK_INT(store_bmc_update(s, &u), 0);
	CHECK_INT(store_bmc_get(s, a, &g), 0);
	CHECK_INT(g.site_id, 0);
	CHECK_INT(g.pool_id, 0);
	CHECK(strcmp(g.name, "bmc-a2") == 0);
	CHECK(strcmp(g.addr, "127.0.0.50") == 0);
	CHECK_INT(g.port, 1623);
	CHECK(strcmp(g.user, "root") == 0);
	CHECK_INT(g.cred_len, 20);
	CHECK_MEM(g.cred, u.cred, 20);
	CHECK_INT(g.cred_key_id, 9);
	CHECK(strcmp(g.vendor, "dell") == 0);
	CHECK_INT(g.max_sessions, 2);
	CHECK_INT(g.quirks[0], 0);
	CHECK(g.created != 5 && g.created > 0);
	snprintf(u.name, sizeof(u.name), "bmc-b");
	CHECK_INT(store_bmc_update(s, &u), VCM_ECONFLICT);
	snprintf(u.name, sizeof(u.name), "bmc-a3");
	u.site_id = 999;
	CHECK_INT(store_bmc_update(s, &u), VCM_ENOTFOUND);
	u.site_id = site;
	u.id = 999;
	CHECK_INT(store_bmc_update(s, &u), VCM_ENOTFOUND);
	u.id = 0;
	CHECK_INT(store_bmc_update(s, &u), VCM_EINVAL);
	CHECK_INT(store_bmc_update(s, NULL), VCM_EINVAL);
	u.id = a;
	CHECK_INT(store_bmc_update(s, &u), 0);

	/* List, with and without the site filter. */
	seen_reset(&c);
	CHECK_INT(store_bmc_list(s, NULL, 0, 10, seen_bmc, &c), 3);
	CHECK(seen_ascending(&c, 0));
	memset(&f, 0, sizeof(f));
	f.site_id = site;
	seen_reset(&c);
	CHECK_INT(store_bmc_list(s, &f, 0, 10, seen_bmc, &c), 1);
	CHECK_INT(c.id[0], a);
	f.site_id = 0;
	f.live_only = 1;
	CHECK_INT(store_bmc_list(s, &f, 0, 10, seen_bmc, &c), VCM_EINVAL);

	/* References hold: site and pool with a BMC, BMC with a server. */
	u.pool_id = pool;
	CHECK_INT(store_bmc_update(s, &u), 0);
	CHECK_INT(store_pool_del(s, pool), VCM_ECONFLICT);
	CHECK_INT(store_site_del(s, site), VCM_ECONFLICT);
	t = add_tenant(s, "t");
	srv = add_server(s, t, a, "srv");
	REQUIRE(srv > 0);
	CHECK_INT(store_bmc_del(s, a), VCM_ECONFLICT);
	CHECK_INT(store_server_del(s, srv), 0);
	CHECK_INT(store_bmc_del(s, a), 0);
	CHECK_INT(store_bmc_del(s, a), VCM_ENOTFOUND);
	CHECK_INT(store_bmc_get(s, a, &g), VCM_ENOTFOUND);
	CHECK_INT(store_pool_del(s, pool), 0);
	CHECK_INT(store_site_del(s, site), 0);
	store_close(s);
}

static void
servers(void)
{
	struct store *s = mem_store();
	struct st_server o, g;
	struct st_filter f;
	struct seen c;
	int64_t t1, t2, b1, b2, a, b, d;

	REQUIRE(s != NULL);
	t1 = add_tenant(s, "t1");
	t2 = add_tenant(s, "t2");
	b1 = add_bmc(s, "b1", "127.0.0.1");
	b2 = add_bmc(s, "b2", "127.0.0.2");
	REQUIRE(t1 > 0 && t2 > 0 && b1 > 0 && b2 > 0);
	memset(&o, 0, sizeof(o));
	o.tenant_id = t1;
	o.bmc_id = b1;
	snprintf(o.name, sizeof(o.name), "web1");
	a = store_server_add(s, &o);
	REQUIRE(a > 0);
	CHECK_INT(o.cols, 80);
	CHECK_INT(o.rows, 25);
	CHECK_INT(store_server_get(s, a, &g), 0);
	CHECK_INT(g.tenant_id, t1);
	CHECK_INT(g.bmc_id, b1);
	CHECK(strcmp(g.name, "web1") == 0);
	CHECK_INT(g.cols, 80);
	CHECK_INT(g.rows, 25);
	CHECK_INT(g.created, o.created);
	/* Unique per tenant only. */
	o.id = 0;
	CHECK_INT(store_server_add(s, &o), VCM_ECONFLICT);
	o.id = 0;
	o.tenant_id = t2;
	o.bmc_id = b2;
	o.cols = 132;
	o.rows = 50;
	b = store_server_add(s, &o);
	REQUIRE(b > a);
	CHECK_INT(store_server_get(s, b, &g), 0);
	CHECK_INT(g.cols, 132);
	CHECK_INT(g.rows, 50);
	d = add_server(s, t1, b2, "db1");
	REQUIRE(d > b);
	/* Missing tenant or BMC; bad sizes. */
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "x");
	o.tenant_id = 999;
	o.bmc_id = b1;
	CHECK_INT(store_server_add(s, &o), VCM_ENOTFOUND);
	o.tenant_id = t1;
	o.bmc_id = 999;
	CHECK_INT(store_server_add(s, &o), VCM_ENOTFOUND);
	o.bmc_id = 0;
	CHECK_INT(store_server_add(s, &o), VCM_EINVAL);
	o.bmc_id = b1;
	o.cols = VCM_CONSOLE_COLS_MAX + 1;
	CHECK_INT(store_server_add(s, &o), VCM_EINVAL);
	o.cols = 0;
	o.rows = VCM_CONSOLE_ROWS_MIN - 1;
	CHECK_INT(store_server_add(s, &o), VCM_EINVAL);
	/* Filters: tenant, BMC, both. */
	memset(&f, 0, sizeof(f));
	f.tenant_id = t1;
	seen_reset(&c);
	CHECK_INT(store_server_list(s, &f, 0, 10, seen_server, &c), 2);
	CHECK_INT(c.id[0], a);
	CHECK_INT(c.id[1], d);
	f.bmc_id = b2;
	seen_reset(&c);
	CHECK_INT(store_server_list(s, &f, 0, 10, seen_server, &c), 1);
	CHECK_INT(c.id[0], d);
	f.tenant_id = 0;
	seen_reset(&c);
	CHECK_INT(store_server_list(s, &f, 0, 10, seen_server, &c), 2);
	f.server_id = 1;	/* not a server filter */
	CHECK_INT(store_server_list(s, &f, 0, 10, seen_server, &c),
	    VCM_EINVAL);
	/* A tenant with servers stays. */
	CHECK_INT(store_tenant_del(s, t2), VCM_ECONFLICT);
	CHECK_INT(store_server_del(s, b), 0);
	CHECK_INT(store_server_del(s, b), VCM_ENOTFOUND);
	CHECK_INT(store_tenant_del(s, t2), 0);
	CHECK_INT(store_server_get(s, b, &g), VCM_ENOTFOUND);
	store_close(s);
}

static void
apikeys(void)
{
	struct store *s = mem_store();
	struct st_apikey o, g;
	struct st_filter f;
	struct seen c;
	uint8_t h[VCM_TOKEN_HASH_LEN];
	int64_t t1, t2, op, k1, k2;

	REQUIRE(s != NULL);
	t1 = add_tenant(s, "t1");
	t2 = add_tenant(s, "t2");
	memset(&o, 0, sizeof(o));
	snprintf(o.name, sizeof(o.name), "operator");
	memset(o.hash, 0x11, sizeof(o.hash));
	op = store_apikey_add(s, &o);
	REQUIRE(op > 0);
	memset(&o, 0, sizeof(o));
	o.tenant_id = t1;
	snprintf(o.name, sizeof(o.name), "panel");
	memset(o.hash, 0x22, sizeof(o.hash));
	k1 = store_apikey_add(s, &o);
	REQUIRE(k1 > op);
	memset(&o, 0, sizeof(o));
	o.tenant_id = t2;
	snprintf(o.name, sizeof(o.name), "panel");
	memset(o.hash, 0x33, sizeof(o.hash));
	k2 = store_apikey_add(s, &o);
	REQUIRE(k2 > k1);
	/* Same hash twice. */
	o.id = 0;
	CHECK_INT(store_apikey_add(s, &o), VCM_ECONFLICT);
	o.id = 0;
	o.tenant_id = 999;
	memset(o.hash, 0x44, sizeof(o.hash));
	CHECK_INT(store_apikey_add(s, &o), VCM_ENOTFOUND);
	o.tenant_id = -1;
	CHECK_INT(store_apikey_add(s, &o), VCM_EINVAL);
	/* Get and find by hash. */
	CHECK_INT(store_apikey_get(s, op, &g), 0);
	CHECK_INT(g.tenant_id, 0);
	CHECK(strcmp(g.name, "operator") == 0);
	CHECK_INT(g.revoked, 0);
	memset(h, 0x22, sizeof(h));
	CHECK_INT(store_apikey_find(s, h, &g), 0);
	CHECK_INT(g.id, k1);
	CHECK_INT(g.tenant_id, t1);
	CHECK_MEM(g.hash, h, sizeof(h));
	memset(h, 0x55, sizeof(h));
	CHECK_INT(store_apikey_find(s, h, &g), VCM_ENOTFOUND);
	CHECK_INT(store_apikey_find(s, NULL, &g), VCM_EINVAL);
	CHECK_INT(store_apikey_get(s, 999, &g), VCM_ENOTFOUND);
	/* Revoked keys are still found; the first revocation time stays. */
	CHECK_INT(store_apikey_revoke(s, k1, 5000), 0);
	CHECK_INT(store_apikey_revoke(s, k1, 9000), 0);
	memset(h, 0x22, sizeof(h));
	CHECK_INT(store_apikey_find(s, h, &g), 0);
	CHECK_INT(g.revoked, 5000);
	CHECK_INT(store_apikey_revoke(s, 999, 5000), VCM_ENOTFOUND);
	CHECK_INT(store_apikey_revoke(s, k1, 0), VCM_EINVAL);
	/* Filters: all, operator only, one tenant. */
	seen_reset(&c);
	CHECK_INT(store_apikey_list(s, NULL, 0, 10, seen_apikey, &c), 3);
	memset(&f, 0, sizeof(f));
	f.tenant_id = -1;
	seen_reset(&c);
	CHECK_INT(store_apikey_list(s, &f, 0, 10, seen_apikey, &c), 1);
	CHECK_INT(c.id[0], op);
	CHECK_INT(c.tenant[0], 0);
	f.tenant_id = t2;
	seen_reset(&c);
	CHECK_INT(store_apikey_list(s, &f, 0, 10, seen_apikey, &c), 1);
	CHECK_INT(c.id[0], k2);
	f.tenant_id = -2;
	CHECK_INT(store_apikey_list(s, &f, 0, 10, seen_apikey, &c),
	    VCM_EINVAL);
	/* -1 means operator keys only for keys, nothing elsewhere. */
	f.tenant_id = -1;
	CHECK_INT(store_grant_list(s, &f, 0, 10, seen_grant, &c), VCM_EINVAL);
	/* A tenant's keys go with it. */
	CHECK_INT(store_tenant_del(s, t2), 0);
	CHECK_INT(store_apikey_get(s, k2, &o), VCM_ENOTFOUND);
	store_close(s);
}

static void
grants(void)
{
	struct store *s = mem_store();
	struct st_grant o, g;
	int64_t t1, t2, b1, s1, s2, key, a;
	struct st_apikey k;

	REQUIRE(s != NULL);
	t1 = add_tenant(s, "t1");
	t2 = add_tenant(s, "t2");
	b1 = add_bmc(s, "b1", "127.0.0.1");
	s1 = add_server(s, t1, b1, "s1");
	s2 = add_server(s, t2, b1, "s2");
	memset(&k, 0, sizeof(k));
	k.tenant_id = t1;
	snprintf(k.name, sizeof(k.name), "k");
	memset(k.hash, 1, sizeof(k.hash));
	key = store_apikey_add(s, &k);
	REQUIRE(s1 > 0 && s2 > 0 && key > 0);

	fill_grant(&o, t1, s1, 0x5a);
	o.rights = ST_RIGHT_CONSOLE_READ | ST_RIGHT_POWER;
	o.created_by = key;
	a = store_grant_add(s, &o);
	REQUIRE(a > 0);
	CHECK_INT(o.id, a);
	CHECK_INT(store_grant_get(s, a, &g), 0);
	CHECK_INT(g.id, a);
	CHECK_INT(g.tenant_id, t1);
	CHECK_INT(g.server_id, s1);
	CHECK_INT(g.rights, ST_RIGHT_CONSOLE_READ | ST_RIGHT_POWER);
	CHECK_INT(g.not_before, 1000);
	CHECK_INT(g.expires, 7201000);
	CHECK(strcmp(g.sources, "198.51.100.0/24") == 0);
	CHECK_MEM(g.token_hash, o.token_hash, sizeof(g.token_hash));
	CHECK_INT(g.created, o.created);
	CHECK_INT(g.created_by, key);
	CHECK_INT(g.revoked, 0);
	CHECK_INT(g.ended, 0);
	/* A grant may only name a server of its own tenant. */
	fill_grant(&o, t1, s2, 1);
	CHECK_INT(store_grant_add(s, &o), VCM_ENOTFOUND);
	fill_grant(&o, t1, 999, 1);
	CHECK_INT(store_grant_add(s, &o), VCM_ENOTFOUND);
	fill_grant(&o, t1, s1, 1);
	o.created_by = 999;
	CHECK_INT(store_grant_add(s, &o), VCM_ENOTFOUND);
	/* Bad input. */
	fill_grant(&o, t1, s1, 1);
	o.rights = 0;
	CHECK_INT(store_grant_add(s, &o), VCM_EINVAL);
	o.rights = 0x08;
	CHECK_INT(store_grant_add(s, &o), VCM_EINVAL);
	fill_grant(&o, t1, s1, 1);
	o.expires = 0;
	CHECK_INT(store_grant_add(s, &o), VCM_EINVAL);
	fill_grant(&o, t1, s1, 1);
	memset(o.sources, '1', sizeof(o.sources));
	CHECK_INT(store_grant_add(s, &o), VCM_EINVAL);
	fill_grant(&o, 0, s1, 1);
	CHECK_INT(store_grant_add(s, &o), VCM_EINVAL);
	/* Any source: "". */
	fill_grant(&o, t2, s2, 2);
	o.sources[0] = '\0';
	CHECK(store_grant_add(s, &o) > a);
	CHECK_INT(store_grant_get(s, o.id, &g), 0);
	CHECK_INT(g.sources[0], 0);
	CHECK_INT(g.created_by, 0);

	/* Extend, revoke (first time stays), end. */
	CHECK_INT(store_grant_set_expires(s, a, 9000000), 0);
	CHECK_INT(store_grant_get(s, a, &g), 0);
	CHECK_INT(g.expires, 9000000);
	CHECK_INT(store_grant_set_expires(s, 999, 9000000), VCM_ENOTFOUND);
	CHECK_INT(store_grant_set_expires(s, a, 0), VCM_EINVAL);
	CHECK_INT(store_grant_set_revoked(s, a, 4000), 0);
	CHECK_INT(store_grant_set_revoked(s, a, 6000), 0);
	CHECK_INT(store_grant_get(s, a, &g), 0);
	CHECK_INT(g.revoked, 4000);
	/* An ended or revoked grant is not extended. */
	CHECK_INT(store_grant_set_expires(s, a, 9500000), VCM_EEXPIRED);
	CHECK_INT(store_grant_get(s, a, &g), 0);
	CHECK_INT(g.expires, 9000000);
	CHECK_INT(store_grant_set_ended(s, a, 4100), 0);
	CHECK_INT(store_grant_set_ended(s, a, 4200), 0);
	CHECK_INT(store_grant_get(s, a, &g), 0);
	CHECK_INT(g.ended, 4100);
	CHECK_INT(store_grant_set_ended(s, o.id, 100), 0);
	CHECK_INT(store_grant_set_expires(s, o.id, 9500000), VCM_EEXPIRED);
	CHECK_INT(store_grant_set_revoked(s, 999, 1), VCM_ENOTFOUND);
	CHECK_INT(store_grant_set_ended(s, 999, 1), VCM_ENOTFOUND);
	CHECK_INT(store_grant_set_ended(s, a, -1), VCM_EINVAL);
	CHECK_INT(store_grant_get(s, 999, &g), VCM_ENOTFOUND);
	/* A server's grants go with it (the API refuses while one is
	 * live; the audit log is the history). */
	CHECK_INT(store_server_del(s, s1), 0);
	CHECK_INT(store_grant_get(s, a, &g), VCM_ENOTFOUND);
	store_close(s);
}

/* 250 grants across two tenants, read in pages of 100. */
static void
grant_paging(void)
{
	struct store *s = mem_store();
	struct st_filter f;
	struct seen c;
	int64_t t[2], srv[2][2], b, after, ids[250];
	int i, n, total, pages, ok;

	REQUIRE(s != NULL);
	t[0] = add_tenant(s, "ta");
	t[1] = add_tenant(s, "tb");
	b = add_bmc(s, "b", "127.0.0.1");
	srv[0][0] = add_server(s, t[0], b, "a0");
	srv[0][1] = add_server(s, t[0], b, "a1");
	srv[1][0] = add_server(s, t[1], b, "b0");
	srv[1][1] = add_server(s, t[1], b, "b1");
	REQUIRE(srv[1][1] > 0);
	/* Tenant a: i % 5 < 3 (150 grants), tenant b the other 100;
	 * servers alternate; every 10th is revoked, every 25th ended. */
	CHECK_INT(store_begin(s), 0);
	for (i = 0; i < 250; i++) {
		int ti = i % 5 < 3 ? 0 : 1;

		ids[i] = add_grant(s, t[ti], srv[ti][i % 2], (uint8_t)i);
		REQUIRE(ids[i] > 0);
		if (i % 10 == 0)
			CHECK_INT(store_grant_set_revoked(s, ids[i], 1), 0);
		if (i % 25 == 0)
			CHECK_INT(store_grant_set_ended(s, ids[i], 2), 0);
	}
	CHECK_INT(store_commit(s), 0);

	/* Everything: 100, 100, 50, then nothing. */
	total = 0;
	pages = 0;
	after = 0;
	ok = 1;
	for (;;) {
		seen_reset(&c);
		n = store_grant_list(s, NULL, after, 100, seen_grant, &c);
		REQUIRE(n >= 0);
		CHECK_INT(n, c.n);
		if (n == 0)
			break;
		ok &= seen_ascending(&c, after);
		for (i = 0; i < n; i++)
			ok &= c.id[i] == ids[total + i];
		total += n;
		after = c.id[n - 1];
		pages++;
		CHECK_INT(n, pages < 3 ? 100 : 50);
		REQUIRE(pages <= 3);
	}
	CHECK(ok);
	CHECK_INT(total, 250);
	CHECK_INT(pages, 3);

	/* Tenant a: 150 in pages of 100, 50; only its own. */
	memset(&f, 0, sizeof(f));
	f.tenant_id = t[0];
	total = 0;
	after = 0;
	ok = 1;
	for (pages = 0; pages < 5; pages++) {
		seen_reset(&c);
		n = store_grant_list(s, &f, after, 100, seen_grant, &c);
		REQUIRE(n >= 0);
		if (n == 0)
			break;
		CHECK_INT(n, pages == 0 ? 100 : 50);
		ok &= seen_ascending(&c, after);
		for (i = 0; i < n; i++)
			ok &= c.tenant[i] == t[0];
		total += n;
		after = c.id[n - 1];
	}
	CHECK(ok);
	CHECK_INT(total, 150);
	CHECK_INT(pages, 2);

	/* Tenant b, one server: 50. */
	f.tenant_id = t[1];
	f.server_id = srv[1][0];
	seen_reset(&c);
	CHECK_INT(store_grant_list(s, &f, 0, 100, seen_grant, &c), 50);
	/* Another tenant's server under tenant b: nothing. */
	f.server_id = srv[0][0];
	seen_reset(&c);
	CHECK_INT(store_grant_list(s, &f, 0, 100, seen_grant, &c), 0);

	/* Live: not revoked (i % 10) and not ended (i % 25). Revoked:
	 * 25; ended: 10, of which 5 (i % 50 == 0) are revoked too. */
	memset(&f, 0, sizeof(f));
	f.live_only = 1;
	total = 0;
	after = 0;
	ok = 1;
	for (pages = 0; pages < 5; pages++) {
		seen_reset(&c);
		n = store_grant_list(s, &f, after, 100, seen_grant, &c);
		REQUIRE(n >= 0);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			int64_t idx = c.id[i] - ids[0];

			ok &= idx % 10 != 0 && idx % 25 != 0;
		}
		total += n;
		after = c.id[n - 1];
	}
	CHECK(ok);
	CHECK_INT(total, 250 - 25 - 5);
	CHECK_INT(pages, 3);

	/* The callback stops the list with its own code. */
	seen_reset(&c);
	c.stop_after = 3;
	c.stop = -42;
	CHECK_INT(store_grant_list(s, NULL, 0, 100, seen_grant, &c), -42);
	CHECK_INT(c.n, 3);
	store_close(s);
}

static void
list_args(void)
{
	struct store *s = mem_store();
	struct st_filter f;
	struct seen c;

	REQUIRE(s != NULL);
	REQUIRE(add_site(s, "x") > 0);
	seen_reset(&c);
	CHECK_INT(store_site_list(s, NULL, 0, 0, seen_site, &c), VCM_EINVAL);
	CHECK_INT(store_site_list(s, NULL, 0, VCM_PAGE_MAX + 1, seen_site,
	    &c), VCM_EINVAL);
	CHECK_INT(store_site_list(s, NULL, 0, VCM_PAGE_MAX, seen_site, &c),
	    1);
	CHECK_INT(store_site_list(s, NULL, -1, 10, seen_site, &c),
	    VCM_EINVAL);
	CHECK_INT(store_site_list(s, NULL, 0, 10, NULL, &c), VCM_EINVAL);
	CHECK_INT(store_site_list(NULL, NULL, 0, 10, seen_site, &c),
	    VCM_EINVAL);
	/* A filter a list does not have is refused, never ignored. */
	memset(&f, 0, sizeof(f));
	f.tenant_id = 1;
	CHECK_INT(store_site_list(s, &f, 0, 10, seen_site, &c), VCM_EINVAL);
	CHECK_INT(store_tenant_list(s, &f, 0, 10, seen_tenant, &c),
	    VCM_EINVAL);
	memset(&f, 0, sizeof(f));
	f.since = 5;
	CHECK_INT(store_grant_list(s, &f, 0, 10, seen_grant, &c), VCM_EINVAL);
	memset(&f, 0, sizeof(f));
	f.server_id = -3;
	CHECK_INT(store_grant_list(s, &f, 0, 10, seen_grant, &c), VCM_EINVAL);
	memset(&f, 0, sizeof(f));
	f.live_only = 1;
	CHECK_INT(store_audit_list(s, &f, 0, 10, seen_audit, &c), VCM_EINVAL);
	memset(&f, 0, sizeof(f));
	f.since = -1;
	CHECK_INT(store_audit_list(s, &f, 0, 10, seen_audit, &c), VCM_EINVAL);
	/* An all-zero filter is no filter. */
	memset(&f, 0, sizeof(f));
	seen_reset(&c);
	CHECK_INT(store_site_list(s, &f, 0, 10, seen_site, &c), 1);
	store_close(s);
}

static void
audit(void)
{
	struct store *s = mem_store();
	struct st_audit a;
	struct st_filter f;
	struct seen c;
	int64_t id, first = 0;
	int i;

	REQUIRE(s != NULL);
	/* 20 events, times 1000..20000; tenants 1 and 2 alternate (no
	 * foreign keys: the audit log outlives what it names). */
	for (i = 0; i < 20; i++) {
		memset(&a, 0, sizeof(a));
		a.time = (i + 1) * 1000;
		snprintf(a.actor, sizeof(a.actor), "key:%d", i);
		snprintf(a.action, sizeof(a.action), "grant.create");
		a.tenant_id = 1 + i % 2;
		a.server_id = i < 10 ? 7 : 0;
		a.grant_id = i == 4 ? 99 : 0;
		a.bmc_id = i == 5 ? 3 : 0;
		snprintf(a.outcome, sizeof(a.outcome), "ok");
		snprintf(a.detail, sizeof(a.detail), "event %d", i);
		id = store_audit_add(s, &a);
		REQUIRE(id > 0);
		CHECK_INT(a.id, id);
		if (i == 0)
			first = id;
	}
	memset(&f, 0, sizeof(f));
	f.since = 5000;
	f.until = 9000;		/* inclusive: 5000..9000 */
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, 0, 100, seen_audit, &c), 5);
	CHECK_INT(c.id[0], first + 4);
	CHECK_INT(c.id[4], first + 8);
	f.tenant_id = 1;	/* i even: times 5000, 7000, 9000 */
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, 0, 100, seen_audit, &c), 3);
	CHECK_INT(c.tenant[0], 1);
	memset(&f, 0, sizeof(f));
	f.since = 15000;
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, 0, 100, seen_audit, &c), 6);
	memset(&f, 0, sizeof(f));
	f.until = 2000;
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, 0, 100, seen_audit, &c), 2);
	memset(&f, 0, sizeof(f));
	f.server_id = 7;
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, 0, 100, seen_audit, &c), 10);
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, first + 5, 3, seen_audit, &c), 3);
	CHECK_INT(c.id[0], first + 6);
	memset(&f, 0, sizeof(f));
	f.grant_id = 99;
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, 0, 100, seen_audit, &c), 1);
	CHECK_INT(c.id[0], first + 4);
	memset(&f, 0, sizeof(f));
	f.bmc_id = 3;
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, 0, 100, seen_audit, &c), 1);
	CHECK_INT(c.id[0], first + 5);
	memset(&f, 0, sizeof(f));
	f.since = 30000;
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, 0, 100, seen_audit, &c), 0);
	CHECK_INT(c.n, 0);

	/* Time 0 is now; empty texts are kept; NULL refs read 0. */
	memset(&a, 0, sizeof(a));
	id = store_audit_add(s, &a);
	REQUIRE(id > 0);
	CHECK(a.time > 1000000000000LL);
	memset(&f, 0, sizeof(f));
	seen_reset(&c);
	CHECK_INT(store_audit_list(s, &f, id - 1, 10, seen_audit, &c), 1);
	CHECK_INT(c.id[0], id);
	CHECK_INT(c.tenant[0], 0);
	/* Bad input. */
	memset(&a, 0, sizeof(a));
	memset(a.detail, 'd', sizeof(a.detail));
	CHECK_INT(store_audit_add(s, &a), VCM_EINVAL);
	memset(&a, 0, sizeof(a));
	a.grant_id = -1;
	CHECK_INT(store_audit_add(s, &a), VCM_EINVAL);
	store_close(s);
}

/* Deletes each session as the list hands it over. */
static int
del_each(void *arg, const struct st_bmc_session *o)
{
	struct store *s = arg;

	return store_bmc_session_del(s, o->bmc_id, o->sid_bmc) == 0 ? 0 : -99;
}

static void
bmc_sessions(void)
{
	struct store *s = mem_store();
	struct st_bmc_session o;
	struct seen c;
	int64_t b1, b2;

	REQUIRE(s != NULL);
	b1 = add_bmc(s, "b1", "127.0.0.1");
	b2 = add_bmc(s, "b2", "127.0.0.2");
	REQUIRE(b1 > 0 && b2 > 0);
	memset(&o, 0, sizeof(o));
	o.bmc_id = b2;
	o.sid_bmc = 0xffffffffu;
	o.sol = 1;
	o.opened = 77;
	CHECK_INT(store_bmc_session_add(s, &o), 0);
	CHECK_INT(store_bmc_session_add(s, &o), VCM_ECONFLICT);
	o.bmc_id = b1;
	o.sid_bmc = 0x200;
	o.sol = 0;
	CHECK_INT(store_bmc_session_add(s, &o), 0);
	o.sid_bmc = 0x100;
	CHECK_INT(store_bmc_session_add(s, &o), 0);
	o.bmc_id = 999;
	CHECK_INT(store_bmc_session_add(s, &o), VCM_ENOTFOUND);
	o.bmc_id = b1;
	o.sol = 2;
	CHECK_INT(store_bmc_session_add(s, &o), VCM_EINVAL);
	/* Ordered by BMC, then session id; every field back. */
	seen_reset(&c);
	CHECK_INT(store_bmc_session_list(s, seen_bmc_session, &c), 3);
	CHECK_INT(c.id[0], b1 * 1000000 + 0x100);
	CHECK_INT(c.id[1], b1 * 1000000 + 0x200);
	CHECK_INT(c.id[2], b2 * 1000000 + 0xffffffffLL);
	CHECK_INT(c.tenant[2], 1);	/* sol */
	CHECK_INT(store_bmc_session_del(s, b1, 0x100), 0);
	CHECK_INT(store_bmc_session_del(s, b1, 0x100), VCM_ENOTFOUND);
	CHECK_INT(store_bmc_session_del(s, 0, 0x100), VCM_EINVAL);
	/* Sessions go with their BMC. */
	CHECK_INT(store_bmc_del(s, b2), 0);
	seen_reset(&c);
	CHECK_INT(store_bmc_session_list(s, seen_bmc_session, &c), 1);
	CHECK_INT(c.id[0], b1 * 1000000 + 0x200);
	/* A callback may delete what it is handed (crash recovery). */
	o.bmc_id = b1;
	o.sol = 0;
	for (o.sid_bmc = 1; o.sid_bmc <= 5; o.sid_bmc++)
		CHECK_INT(store_bmc_session_add(s, &o), 0);
	CHECK_INT(store_bmc_session_list(s, del_each, s), 6);
	seen_reset(&c);
	CHECK_INT(store_bmc_session_list(s, seen_bmc_session, &c), 0);
	CHECK_INT(store_bmc_session_list(s, NULL, &c), VCM_EINVAL);
	store_close(s);
}

/* Vault rotation's pattern: re-seal every credential inside one
 * transaction from store_bmc_foreach's callback. */
struct rotate {
	struct store	*s;
	int		 n;
	int		 err;
};

static int
rotate_one(void *arg, const struct st_bmc *b)
{
	struct rotate *r = arg;
	struct st_bmc u = *b;
	int rc;

	memset(u.cred, 0xee, 32);
	u.cred_len = 32;
	u.cred_key_id = 2;
	if ((rc = store_bmc_update(r->s, &u)) != 0)
		r->err = rc;
	r->n++;
	return 0;
}

static int
stop_second(void *arg, const struct st_bmc *b)
{
	int *n = arg;

	(void)b;
	return ++*n == 2 ? -7 : 0;
}

static void
bmc_foreach(void)
{
	struct store *s = mem_store();
	struct rotate r;
	struct st_bmc g;
	int64_t ids[30];
	int i, n;
	uint8_t want[32];

	REQUIRE(s != NULL);
	for (i = 0; i < 30; i++) {
		char name[16], addr[16];

		snprintf(name, sizeof(name), "b%d", i);
		snprintf(addr, sizeof(addr), "127.0.1.%d", i + 1);
		ids[i] = add_bmc(s, name, addr);
		REQUIRE(ids[i] > 0);
	}
	CHECK_INT(store_bmc_del(s, ids[7]), 0);
	memset(&r, 0, sizeof(r));
	r.s = s;
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(store_bmc_foreach(s, rotate_one, &r), 29);
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(r.n, 29);
	CHECK_INT(r.err, 0);
	memset(want, 0xee, sizeof(want));
	for (i = 0; i < 30; i++) {
		if (i == 7) {
			CHECK_INT(store_bmc_get(s, ids[i], &g), VCM_ENOTFOUND);
			continue;
		}
		CHECK_INT(store_bmc_get(s, ids[i], &g), 0);
		CHECK_INT(g.cred_len, 32);
		CHECK_INT(g.cred_key_id, 2);
		CHECK_MEM(g.cred, want, sizeof(want));
	}
	n = 0;
	CHECK_INT(store_bmc_foreach(s, stop_second, &n), -7);
	CHECK_INT(n, 2);
	CHECK_INT(store_bmc_foreach(s, NULL, &n), VCM_EINVAL);
	store_close(s);
}

/* ---- recordings ---------------------------------------------------------- */

static int
seen_recording(void *arg, const struct st_recording *o)
{
	return seen_add(arg, o->id, o->tenant_id);
}

static int64_t
add_recording(struct store *s, int64_t tenant, int64_t server, int64_t grant,
    int64_t started, int64_t ended)
{
	struct st_recording o;

	memset(&o, 0, sizeof(o));
	o.tenant_id = tenant;
	o.server_id = server;
	o.grant_id = grant;
	o.started = started;
	o.ended = ended;
	return store_recording_add(s, &o);
}

static void
recordings(void)
{
	struct store *s = mem_store();
	struct st_recording o, g;
	struct st_filter f;
	struct seen c;
	int64_t id, ids[12];
	int i;

	REQUIRE(s != NULL);
	/* No foreign keys: the ids need not name live objects. */
	for (i = 0; i < 12; i++) {
		ids[i] = add_recording(s, 1 + i % 2, 10 + i % 3, 100 + i,
		    1000 * (i + 1), i < 10 ? 1000 * (i + 1) + 500 : 0);
		REQUIRE(ids[i] > 0);
	}
	CHECK_INT(store_recording_get(s, ids[0], &g), 0);
	CHECK_INT(g.tenant_id, 1);
	CHECK_INT(g.server_id, 10);
	CHECK_INT(g.grant_id, 100);
	CHECK_INT(g.started, 1000);
	CHECK_INT(g.ended, 1500);
	CHECK_INT(g.bytes, 0);
	CHECK_INT(g.truncated, 0);
	CHECK_INT(strlen(g.path), 0);
	/* started 0 is now. */
	id = add_recording(s, 1, 10, 99, 0, 0);
	REQUIRE(id > ids[11]);
	CHECK_INT(store_recording_get(s, id, &g), 0);
	CHECK(g.started > 1700000000000LL);
	CHECK_INT(store_recording_del(s, id), 0);
	CHECK_INT(store_recording_del(s, id), VCM_ENOTFOUND);
	CHECK_INT(store_recording_get(s, id, &g), VCM_ENOTFOUND);

	/* Update: end, size, flag, path; the rest stays. */
	memset(&o, 0, sizeof(o));
	o.id = ids[11];
	o.tenant_id = 9;	/* not updated */
	o.server_id = 9;
	o.grant_id = 9;
	o.ended = 99000;
	o.bytes = 123456789012LL;
	o.truncated = 1;
	snprintf(o.path, sizeof(o.path), "recordings/%lld.cast",
	    (long long)ids[11]);
	CHECK_INT(store_recording_update(s, &o), 0);
	CHECK_INT(store_recording_get(s, ids[11], &g), 0);
	CHECK_INT(g.tenant_id, 2);
	CHECK_INT(g.grant_id, 111);
	CHECK_INT(g.ended, 99000);
	CHECK_INT(g.bytes, 123456789012LL);
	CHECK_INT(g.truncated, 1);
	CHECK(strcmp(g.path, o.path) == 0);
	o.id = 999;
	CHECK_INT(store_recording_update(s, &o), VCM_ENOTFOUND);
	/* Bad fields. */
	o.id = ids[0];
	o.truncated = 2;
	CHECK_INT(store_recording_update(s, &o), VCM_EINVAL);
	o.truncated = 0;
	o.bytes = -1;
	CHECK_INT(store_recording_update(s, &o), VCM_EINVAL);
	o.bytes = 0;
	memset(o.path, 'p', sizeof(o.path));
	CHECK_INT(store_recording_update(s, &o), VCM_EINVAL);
	CHECK_INT(add_recording(s, 0, 1, 1, 0, 0), VCM_EINVAL);
	CHECK_INT(add_recording(s, 1, 0, 1, 0, 0), VCM_EINVAL);
	CHECK_INT(add_recording(s, 1, 1, 0, 0, 0), VCM_EINVAL);
	CHECK_INT(add_recording(s, 1, 1, 1, -5, 0), VCM_EINVAL);

	/* Filters. */
	memset(&f, 0, sizeof(f));
	seen_reset(&c);
	CHECK_INT(store_recording_list(s, &f, 0, 100, seen_recording, &c), 12);
	CHECK(seen_ascending(&c, 0));
	f.tenant_id = 2;
	seen_reset(&c);
	CHECK_INT(store_recording_list(s, &f, 0, 100, seen_recording, &c), 6);
	for (i = 0; i < c.n; i++)
		CHECK_INT(c.tenant[i], 2);
	f.server_id = 11;	/* i = 1, 7 */
	seen_reset(&c);
	CHECK_INT(store_recording_list(s, &f, 0, 100, seen_recording, &c), 2);
	memset(&f, 0, sizeof(f));
	f.grant_id = 104;
	seen_reset(&c);
	CHECK_INT(store_recording_list(s, &f, 0, 100, seen_recording, &c), 1);
	CHECK_INT(c.id[0], ids[4]);
	/* Running ones: ended 0 (ids[10]; ids[11] was ended above). */
	memset(&f, 0, sizeof(f));
	f.live_only = 1;
	seen_reset(&c);
	CHECK_INT(store_recording_list(s, &f, 0, 100, seen_recording, &c), 1);
	CHECK_INT(c.id[0], ids[10]);
	/* Ended before 4600: ids[0..3] (ended 1500..4500), never a
	 * running one. */
	memset(&f, 0, sizeof(f));
	f.ended_before = 4600;
	seen_reset(&c);
	CHECK_INT(store_recording_list(s, &f, 0, 100, seen_recording, &c), 4);
	CHECK_INT(c.id[3], ids[3]);
	f.ended_before = 4500;	/* strictly before */
	seen_reset(&c);
	CHECK_INT(store_recording_list(s, &f, 0, 100, seen_recording, &c), 3);
	/* Paging and deleting while listing. */
	memset(&f, 0, sizeof(f));
	seen_reset(&c);
	CHECK_INT(store_recording_list(s, &f, ids[5], 3, seen_recording, &c),
	    3);
	CHECK_INT(c.id[0], ids[6]);
	/* Filters it does not have, and ended_before elsewhere. */
	memset(&f, 0, sizeof(f));
	f.bmc_id = 1;
	CHECK_INT(store_recording_list(s, &f, 0, 10, seen_recording, &c),
	    VCM_EINVAL);
	memset(&f, 0, sizeof(f));
	f.since = 1;
	CHECK_INT(store_recording_list(s, &f, 0, 10, seen_recording, &c),
	    VCM_EINVAL);
	memset(&f, 0, sizeof(f));
	f.ended_before = -1;
	CHECK_INT(store_recording_list(s, &f, 0, 10, seen_recording, &c),
	    VCM_EINVAL);
	f.ended_before = 5;
	CHECK_INT(store_grant_list(s, &f, 0, 10, seen_grant, &c), VCM_EINVAL);
	CHECK_INT(store_audit_list(s, &f, 0, 10, seen_audit, &c), VCM_EINVAL);
	CHECK_INT(store_recording_list(s, NULL, 0, 10, NULL, &c), VCM_EINVAL);
	store_close(s);
}

/* ---- files ------------------------------------------------------------ */

static void
file_reopen(void)
{
	struct store *s = NULL;
	struct st_site g;
	struct st_apikey k, kg;
	char v[16];
	mode_t old;
	int64_t site;

	tmp_db();
	rm_db();
	/* The mode does not depend on the umask. */
	old = umask(0);
	CHECK_INT(store_open(db_path, &s), 0);
	umask(old);
	REQUIRE(s != NULL);
	site = add_site(s, "kept");
	REQUIRE(site > 0);
	memset(&k, 0, sizeof(k));
	snprintf(k.name, sizeof(k.name), "op");
	memset(k.hash, 9, sizeof(k.hash));
	REQUIRE(store_apikey_add(s, &k) > 0);
	CHECK_INT(store_meta_set(s, "operator_key_created", "1"), 0);
	/* While open in WAL mode the -wal and -shm files exist. */
	CHECK_INT(file_mode(""), 0600);
	CHECK_INT(file_mode("-wal"), 0600);
	CHECK_INT(file_mode("-shm"), 0600);
	store_close(s);

	/* What the file holds: WAL, one row per migration, NULL for an
	 * operator key's tenant. */
	CHECK_INT(raw_int("SELECT COUNT(*) FROM schema_version"),
	    store_migration_count);
	CHECK_INT(raw_int("SELECT COUNT(*) FROM api_keys "
	    "WHERE tenant_id IS NULL"), 1);
	CHECK_INT(raw_int("SELECT COUNT(*) FROM sqlite_master "
	    "WHERE name = 'api_keys_hash'"), 1);

	s = NULL;
	REQUIRE(store_open(db_path, &s) == 0);
	CHECK_INT(store_schema_version(s), store_migration_count);
	CHECK_INT(store_site_get(s, site, &g), 0);
	CHECK(strcmp(g.name, "kept") == 0);
	CHECK_INT(store_apikey_find(s, k.hash, &kg), 0);
	CHECK_INT(kg.id, k.id);
	CHECK_INT(store_meta_get(s, "operator_key_created", v, sizeof(v)),
	    1);
	/* Migrations are not applied twice. */
	CHECK_INT(raw_int("SELECT COUNT(*) FROM schema_version"),
	    store_migration_count);
	/* Ids are not reused across a reopen either. */
	CHECK_INT(store_site_del(s, site), 0);
	CHECK(add_site(s, "again") > site);
	store_close(s);
	rm_db();
}

static void
file_mode_existing(void)
{
	struct store *s = NULL;
	int fd;

	tmp_db();
	rm_db();
	/* An empty file made by someone else with a wide mode. */
	fd = open(db_path, O_CREAT | O_WRONLY, 0644);
	REQUIRE(fd >= 0);
	REQUIRE(fchmod(fd, 0644) == 0);
	close(fd);
	CHECK_INT(file_mode(""), 0644);
	CHECK_INT(store_open(db_path, &s), 0);
	CHECK_INT(file_mode(""), 0600);
	CHECK(add_site(s, "x") > 0);
	CHECK_INT(file_mode("-wal"), 0600);
	store_close(s);
	rm_db();
	/* A symbolic link is refused. */
	REQUIRE(symlink("/tmp/vcm-test-store-target", db_path) == 0);
	s = NULL;
	CHECK_INT(store_open(db_path, &s), VCM_EIO);
	CHECK(s == NULL);
	unlink("/tmp/vcm-test-store-target");
	rm_db();
}

static void
file_newer_version(void)
{
	struct store *s = NULL;

	tmp_db();
	rm_db();
	REQUIRE(store_open(db_path, &s) == 0);
	store_close(s);
	REQUIRE(raw_exec("INSERT INTO schema_version (version, applied) "
	    "VALUES (99, 0)") == SQLITE_OK);
	s = NULL;
	CHECK_INT(store_open(db_path, &s), VCM_EUNSUPP);
	CHECK(s == NULL);
	/* A version that is not a number is a bad file. */
	REQUIRE(raw_exec("DELETE FROM schema_version WHERE version = 99; "
	    "INSERT INTO schema_version (version, applied) "
	    "VALUES (-4, 0); DELETE FROM schema_version WHERE version > 0")
	    == SQLITE_OK);
	CHECK_INT(store_open(db_path, &s), VCM_EBADMSG);
	CHECK(s == NULL);
	rm_db();
}

/* A migration that fails leaves nothing: not its tables, not its
 * version. */
static void
file_failed_migration(void)
{
	struct store *s = NULL;

	tmp_db();
	rm_db();
	REQUIRE(close(open(db_path, O_CREAT | O_WRONLY, 0600)) == 0);
	REQUIRE(raw_exec("CREATE TABLE audit_events (x INTEGER)") ==
	    SQLITE_OK);
	CHECK_INT(store_open(db_path, &s), VCM_EIO);
	CHECK(s == NULL);
	CHECK_INT(raw_int("SELECT COUNT(*) FROM schema_version"), 0);
	CHECK_INT(raw_int("SELECT COUNT(*) FROM sqlite_master "
	    "WHERE name = 'sites'"), 0);
	/* Once the obstacle is gone it migrates. */
	REQUIRE(raw_exec("DROP TABLE audit_events") == SQLITE_OK);
	CHECK_INT(store_open(db_path, &s), 0);
	CHECK_INT(store_schema_version(s), store_migration_count);
	store_close(s);
	rm_db();
	/* Not a database at all. */
	{
		int fd = open(db_path, O_CREAT | O_WRONLY, 0600);
		char junk[4096];

		REQUIRE(fd >= 0);
		memset(junk, 'j', sizeof(junk));
		CHECK_INT(write(fd, junk, sizeof(junk)), sizeof(junk));
		close(fd);
	}
	s = NULL;
	CHECK_INT(store_open(db_path, &s), VCM_EIO);
	CHECK(s == NULL);
	rm_db();
}

/* Plants a bad value with raw SQL and checks get and list refuse the
 * row with VCM_EBADMSG and hand nothing over. */
static void
planted(const char *sql, const char *column)
{
	struct store *s = NULL;
	struct st_site site;
	struct st_bmc bmc;
	struct st_apikey key;
	struct st_grant grant;
	struct st_server srv;
	struct seen c;
	int rc;

	REQUIRE(raw_exec(sql) == SQLITE_OK);
	REQUIRE(store_open(db_path, &s) == 0);
	seen_reset(&c);
	if (strncmp(column, "sites.", 6) == 0) {
		CHECK_INT(store_site_get(s, 1, &site), VCM_EBADMSG);
		CHECK_INT(store_site_list(s, NULL, 0, 10, seen_site, &c),
		    VCM_EBADMSG);
	} else if (strncmp(column, "bmcs.", 5) == 0) {
		CHECK_INT(store_bmc_get(s, 1, &bmc), VCM_EBADMSG);
		CHECK_INT(store_bmc_list(s, NULL, 0, 10, seen_bmc, &c),
		    VCM_EBADMSG);
		CHECK_INT(store_bmc_foreach(s, seen_bmc, &c), VCM_EBADMSG);
	} else if (strncmp(column, "api_keys.", 9) == 0) {
		CHECK_INT(store_apikey_get(s, 1, &key), VCM_EBADMSG);
		CHECK_INT(store_apikey_list(s, NULL, 0, 10, seen_apikey, &c),
		    VCM_EBADMSG);
	} else if (strncmp(column, "servers.", 8) == 0) {
		CHECK_INT(store_server_get(s, 1, &srv), VCM_EBADMSG);
	} else {
		CHECK_INT(store_grant_get(s, 1, &grant), VCM_EBADMSG);
		CHECK_INT(store_grant_list(s, NULL, 0, 10, seen_grant, &c),
		    VCM_EBADMSG);
	}
	CHECK_INT(c.n, 0);
	rc = strstr(store_errmsg(s), column) != NULL ||
	    strstr(store_errmsg(s), "too big") != NULL;
	if (!rc)
		printf("#   errmsg: %s (want %s)\n", store_errmsg(s), column);
	CHECK(rc);
	store_close(s);
}

static void
file_hostile_values(void)
{
	struct store *s = NULL;
	char sql[512], *p;
	size_t n;
	int64_t t, b;

	tmp_db();
	rm_db();
	REQUIRE(store_open(db_path, &s) == 0);
	REQUIRE(add_site(s, "site") == 1);
	t = add_tenant(s, "t");
	b = add_bmc(s, "bmc", "127.0.0.1");
	REQUIRE(b == 1 && add_server(s, t, b, "srv") == 1);
	REQUIRE(add_grant(s, t, 1, 7) == 1);
	{
		struct st_apikey k;

		memset(&k, 0, sizeof(k));
		snprintf(k.name, sizeof(k.name), "k");
		REQUIRE(store_apikey_add(s, &k) == 1);
	}
	store_close(s);

	/* One byte over VCM_NAME_MAX. */
	snprintf(sql, sizeof(sql), "UPDATE sites SET name = "
	    "'%0*d' WHERE id = 1", VCM_NAME_MAX + 1, 0);
	planted(sql, "sites.name");
	/* Exactly VCM_NAME_MAX is fine. */
	snprintf(sql, sizeof(sql), "UPDATE sites SET name = "
	    "'%0*d' WHERE id = 1", VCM_NAME_MAX, 0);
	REQUIRE(raw_exec(sql) == SQLITE_OK);
	REQUIRE(store_open(db_path, &s) == 0);
	{
		struct st_site g;

		CHECK_INT(store_site_get(s, 1, &g), 0);
		CHECK_INT(strlen(g.name), VCM_NAME_MAX);
	}
	store_close(s);
	planted("UPDATE sites SET name = CAST(x'610062' AS TEXT)",
	    "sites.name");
	planted("UPDATE sites SET name = x'6162'", "sites.name");
	planted("UPDATE sites SET name = 'ok', created = 'soon'",
	    "sites.created");
	raw_exec("DELETE FROM sites");
	raw_exec("INSERT INTO sites (id, name, created) VALUES (1, 's', 0)");

	planted("UPDATE bmcs SET cred = zeroblob(129)", "bmcs.cred");
	planted("UPDATE bmcs SET cred = 'text'", "bmcs.cred");
	planted("UPDATE bmcs SET cred = zeroblob(8), port = 70000",
	    "bmcs.port");
	planted("UPDATE bmcs SET port = 623, max_sessions = 9",
	    "bmcs.max_sessions");
	planted("UPDATE bmcs SET max_sessions = 0, ipmi_user = "
	    "'seventeen-bytes-x'", "bmcs.ipmi_user");
	planted("UPDATE bmcs SET ipmi_user = '', site_id = 0",
	    "bmcs.site_id");
	raw_exec("UPDATE bmcs SET site_id = NULL");
	planted("UPDATE servers SET console_cols = 1", "servers.console_cols");
	raw_exec("UPDATE servers SET console_cols = 80");

	planted("UPDATE api_keys SET hash = zeroblob(31)", "api_keys.hash");
	planted("UPDATE api_keys SET hash = zeroblob(32), tenant_id = 'x'",
	    "api_keys.tenant_id");
	raw_exec("UPDATE api_keys SET tenant_id = NULL");

	planted("UPDATE grants SET rights = 8", "grants.rights");
	planted("UPDATE grants SET rights = 0", "grants.rights");
	planted("UPDATE grants SET rights = 7, token_hash = zeroblob(33)",
	    "grants.token_hash");
	/* A huge value: refused before it is read whole. */
	n = VCM_STORE_VALUE_MAX + 100;
	p = malloc(n + 128);
	REQUIRE(p != NULL);
	n = (size_t)snprintf(p, n + 128, "UPDATE grants SET token_hash = "
	    "zeroblob(32), sources = '");
	memset(p + n, 'a', VCM_STORE_VALUE_MAX + 1);
	snprintf(p + n + VCM_STORE_VALUE_MAX + 1, 8, "'");
	planted(p, "grants.sources");
	free(p);
	rm_db();
}

/* A database of schema version 1 (before recordings) is migrated to
 * the current version with its data; a migration 2 that fails leaves
 * version 1 and its data as they were. */
static void
file_upgrade_v1(void)
{
	struct store *s = NULL;
	struct st_site g;
	int64_t site;

	tmp_db();
	rm_db();
	REQUIRE(store_open(db_path, &s) == 0);
	site = add_site(s, "old");
	REQUIRE(site > 0);
	store_close(s);
	REQUIRE(raw_exec("DROP TABLE recordings; "
	    "DELETE FROM schema_version WHERE version > 1") == SQLITE_OK);
	/* Something in migration 2's way: it fails, nothing changes. */
	REQUIRE(raw_exec("CREATE TABLE recordings (x INTEGER)") ==
	    SQLITE_OK);
	s = NULL;
	CHECK_INT(store_open(db_path, &s), VCM_EIO);
	CHECK_INT(raw_int("SELECT MAX(version) FROM schema_version"), 1);
	CHECK_INT(raw_int("SELECT COUNT(*) FROM sqlite_master "
	    "WHERE name = 'recordings_ended'"), 0);
	REQUIRE(raw_exec("DROP TABLE recordings") == SQLITE_OK);
	CHECK_INT(store_open(db_path, &s), 0);
	REQUIRE(s != NULL);
	CHECK_INT(store_schema_version(s), 2);
	CHECK_INT(store_site_get(s, site, &g), 0);
	CHECK(strcmp(g.name, "old") == 0);
	CHECK(add_recording(s, 1, 1, 1, 0, 0) > 0);
	store_close(s);
	CHECK_INT(raw_int("SELECT COUNT(*) FROM recordings"), 1);
	rm_db();
}

/* Recording rows a hostile or corrupt file holds. */
static void
planted_recording(const char *sql, const char *column)
{
	struct store *s = NULL;
	struct st_recording r;
	struct seen c;

	REQUIRE(raw_exec(sql) == SQLITE_OK);
	REQUIRE(store_open(db_path, &s) == 0);
	seen_reset(&c);
	CHECK_INT(store_recording_get(s, 1, &r), VCM_EBADMSG);
	CHECK_INT(store_recording_list(s, NULL, 0, 10, seen_recording, &c),
	    VCM_EBADMSG);
	CHECK_INT(c.n, 0);
	if (strstr(store_errmsg(s), column) == NULL) {
		printf("#   errmsg: %s (want %s)\n", store_errmsg(s), column);
		test_failed = 1;
	}
	store_close(s);
}

static void
file_hostile_recordings(void)
{
	struct store *s = NULL;
	char sql[256];

	tmp_db();
	rm_db();
	REQUIRE(store_open(db_path, &s) == 0);
	REQUIRE(add_recording(s, 1, 2, 3, 0, 0) == 1);
	store_close(s);
	planted_recording("UPDATE recordings SET truncated = 2",
	    "recordings.truncated");
	planted_recording("UPDATE recordings SET truncated = 0, bytes = -1",
	    "recordings.bytes");
	planted_recording("UPDATE recordings SET bytes = 0, grant_id = 0",
	    "recordings.grant_id");
	planted_recording("UPDATE recordings SET grant_id = 3, ended = 'x'",
	    "recordings.ended");
	/* One byte over the path field. */
	snprintf(sql, sizeof(sql), "UPDATE recordings SET ended = 0, "
	    "path = '%0*d'", VCM_RECORDING_PATH_MAX + 1, 0);
	planted_recording(sql, "recordings.path");
	rm_db();
}

static const struct test_case tests[] = {
	{ "open in memory, migrations numbered", open_memory },
	{ "meta get/set", meta },
	{ "transactions commit, roll back, never nest", transactions },
	{ "sites", sites },
	{ "pools", pools },
	{ "tenants", tenants },
	{ "BMCs: fields, uniqueness, update, references", bmcs },
	{ "servers", servers },
	{ "API keys: find by hash, revoke, operator filter", apikeys },
	{ "grants: fields, tenant/server match, state changes", grants },
	{ "250 grants in pages of 100 with filters", grant_paging },
	{ "list arguments and unsupported filters", list_args },
	{ "audit events and time filters", audit },
	{ "BMC sessions, cascade, delete while listing", bmc_sessions },
	{ "foreach with updates in a transaction", bmc_foreach },
	{ "file: reopen keeps data and version, mode 0600", file_reopen },
	{ "file: existing file tightened, symlink refused",
	    file_mode_existing },
	{ "file: newer schema refused", file_newer_version },
	{ "file: failed migration leaves nothing; not a database",
	    file_failed_migration },
	{ "file: hostile values read as EBADMSG", file_hostile_values },
	{ "recordings: fields, update, filters, paging", recordings },
	{ "file: a version 1 database migrates to 2; a failed 2 leaves 1",
	    file_upgrade_v1 },
	{ "file: hostile recording rows read as EBADMSG",
	    file_hostile_recordings },
};

TEST_MAIN(tests)
