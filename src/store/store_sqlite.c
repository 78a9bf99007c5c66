/*
 * The store's SQLite backend (store.h).
 *
 * Every statement is prepared with placeholders and its values bound;
 * no value is ever formatted into SQL text. Fixed statements are
 * prepared once and kept (enum sq); list queries are assembled from
 * constant fragments for the filters in use, so that SQLite can pick
 * the index that fits.
 *
 * Rows are read through struct row, a sticky reader like vbuf: each
 * column must have the expected type, integers their range and text
 * and blobs their size, or the read fails with VCM_EBADMSG. The
 * database file is trusted no more than the network: a corrupt or
 * hostile file gives an error, never an overflow or a value cut short.
 *
 * Lists fetch one row per query (WHERE id > last ... LIMIT 1) and run
 * the caller's callback with no statement open, so a callback may call
 * any store function, writes and transactions included (vault rotation
 * updates each BMC from store_bmc_foreach's callback).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "store/migrations.h"
#include "store/store.h"

/* Defaults of store.h's structs, applied by *_add and store_bmc_update
 * when the field is 0. */
#define ST_IPMI_PORT		623	/* RMCP, IPMI 2.0 §13.1.1 */
#define ST_CONSOLE_COLS		80
#define ST_CONSOLE_ROWS		25

/* The database file holds sealed credentials and key hashes: owner
 * only. SQLite gives the -wal and -shm files the same mode. */
#define ST_FILE_MODE		0600

/* A backend message kept for store_errmsg(); longer ones are cut. */
#define ST_ERRMSG_MAX		256

/* A list query: the longest is the audit list with every filter. */
#define LQ_SQL_MAX		512
#define LQ_ARGS_MAX		8

/* ---- fixed statements ------------------------------------------------- */

#define SITE_COLS	"id, name, created"
#define POOL_COLS	"id, site_id, name, cidr, created"
#define TENANT_COLS	"id, name, created"
#define BMC_COLS	"id, site_id, pool_id, name, addr, port, ipmi_user, " \
			"cred, cred_key_id, vendor, max_sessions, quirks, created"
#define SERVER_COLS	"id, tenant_id, bmc_id, name, console_cols, " \
			"console_rows, created"
#define APIKEY_COLS	"id, tenant_id, name, hash, created, revoked"
#define GRANT_COLS	"id, tenant_id, server_id, rights, not_before, " \
			"expires, sources, token_hash, created, created_by, " \
			"revoked, ended"
#define AUDIT_COLS	"id, at, actor, action, tenant_id, server_id, " \
			"grant_id, bmc_id, outcome, detail"
#define BMCSESS_COLS	"bmc_id, sid_bmc, sol, opened"
#define REC_COLS	"id, grant_id, tenant_id, server_id, started, ended, " \
			"bytes, truncated, path"

enum sq {
	SQ_BEGIN,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_VERSION,
	SQ_VERSION_ADD,
	SQ_META_GET,
	SQ_META_SET,
	SQ_SITE_ADD,
	SQ_SITE_GET,
	SQ_SITE_DEL,
	SQ_POOL_ADD,
	SQ_POOL_GET,
	SQ_POOL_DEL,
	SQ_TENANT_ADD,
	SQ_TENANT_GET,
	SQ_TENANT_DEL,
	SQ_BMC_ADD,
	SQ_BMC_GET,
	SQ_BMC_UPDATE,
	SQ_BMC_DEL,
	SQ_BMC_NEXT,
	SQ_SERVER_ADD,
	SQ_SERVER_GET,
	SQ_SERVER_DEL,
	SQ_APIKEY_ADD,
	SQ_APIKEY_GET,
	SQ_APIKEY_FIND,
	SQ_APIKEY_REVOKE,
	SQ_GRANT_ADD,
	SQ_GRANT_GET,
	SQ_GRANT_EXPIRES,
	SQ_GRANT_EXISTS,
	SQ_GRANT_REVOKED,
	SQ_GRANT_ENDED,
	SQ_AUDIT_ADD,
	SQ_BMCSESS_ADD,
	SQ_BMCSESS_DEL,
	SQ_BMCSESS_NEXT,
	SQ_REC_ADD,
	SQ_REC_GET,
	SQ_REC_UPDATE,
	SQ_REC_DEL,
	SQ_COUNT
};

static const char *const sq_text[SQ_COUNT] = {
	[SQ_BEGIN] = "BEGIN IMMEDIATE",
	[SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
	[SQ_VERSION] = "SELECT MAX(version) FROM schema_version",
	[SQ_VERSION_ADD] =
	    "INSERT INTO schema_version (version, applied) VALUES (?, ?)",
	[SQ_META_GET] = "SELECT value FROM meta WHERE name = ?",
	[SQ_META_SET] = "INSERT INTO meta (name, value) VALUES (?, ?) "
	    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",

	[SQ_SITE_ADD] = "INSERT INTO sites (" SITE_COLS ") VALUES (?, ?, ?)",
	[SQ_SITE_GET] = "SELECT " SITE_COLS " FROM sites WHERE id = ?",
	[SQ_SITE_DEL] = "DELETE FROM sites WHERE id = ?",

	[SQ_POOL_ADD] = "INSERT INTO pools (" POOL_COLS ") "
	    "VALUES (?, ?, ?, ?, ?)",
	[SQ_POOL_GET] = "SELECT " POOL_COLS " FROM pools WHERE id = ?",
	[SQ_POOL_DEL] = "DELETE FROM pools WHERE id = ?",

	[SQ_TENANT_ADD] = "INSERT INTO tenants (" TENANT_COLS ") "
	    "VALUES (?, ?, ?)",
	[SQ_TENANT_GET] = "SELECT " TENANT_COLS " FROM tenants WHERE id = ?",
	[SQ_TENANT_DEL] = "DELETE FROM tenants WHERE id = ?",

	[SQ_BMC_ADD] = "INSERT INTO bmcs (" BMC_COLS ") "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQ_BMC_GET] = "SELECT " BMC_COLS " FROM bmcs WHERE id = ?",
	[SQ_BMC_UPDATE] = "UPDATE bmcs SET site_id = ?, pool_id = ?, "
	    "name = ?, addr = ?, port = ?, ipmi_user = ?, cred = ?, "
	    "cred_key_id = ?, vendor = ?, max_sessions = ?, quirks = ? "
	    "WHERE id = ?",
	[SQ_BMC_DEL] = "DELETE FROM bmcs WHERE id = ?",
	[SQ_BMC_NEXT] = "SELECT " BMC_COLS " FROM bmcs WHERE id > ? "
	    "ORDER BY id LIMIT 1",

	[SQ_SERVER_ADD] = "INSERT INTO servers (" SERVER_COLS ") "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[SQ_SERVER_GET] = "SELECT " SERVER_COLS " FROM servers WHERE id = ?",
	[SQ_SERVER_DEL] = "DELETE FROM servers WHERE id = ?",

	[SQ_APIKEY_ADD] = "INSERT INTO api_keys (" APIKEY_COLS ") "
	    "VALUES (?, ?, ?, ?, ?, ?)",
	[SQ_APIKEY_GET] = "SELECT " APIKEY_COLS " FROM api_keys WHERE id = ?",
	[SQ_APIKEY_FIND] = "SELECT " APIKEY_COLS " FROM api_keys "
	    "WHERE hash = ?",
	/* The first revocation's time stays. */
	[SQ_APIKEY_REVOKE] = "UPDATE api_keys SET revoked = "
	    "CASE WHEN revoked = 0 THEN ? ELSE revoked END WHERE id = ?",

	[SQ_GRANT_ADD] = "INSERT INTO grants (" GRANT_COLS ") "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQ_GRANT_GET] = "SELECT " GRANT_COLS " FROM grants WHERE id = ?",
	/* An ended or revoked grant is never brought back by an extend. */
	[SQ_GRANT_EXPIRES] = "UPDATE grants SET expires = ? "
	    "WHERE id = ? AND revoked = 0 AND ended = 0",
	[SQ_GRANT_EXISTS] = "SELECT 1 FROM grants WHERE id = ?",
	[SQ_GRANT_REVOKED] = "UPDATE grants SET revoked = "
	    "CASE WHEN revoked = 0 THEN ? ELSE revoked END WHERE id = ?",
	[SQ_GRANT_ENDED] = "UPDATE grants SET ended = "
	    "CASE WHEN ended = 0 THEN ? ELSE ended END WHERE id = ?",

	[SQ_AUDIT_ADD] = "INSERT INTO audit_events (" AUDIT_COLS ") "
	    "VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",

	[SQ_BMCSESS_ADD] = "INSERT INTO bmc_sessions (" BMCSESS_COLS ") "
	    "VALUES (?, ?, ?, ?)",
	[SQ_BMCSESS_DEL] = "DELETE FROM bmc_sessions "
	    "WHERE bmc_id = ? AND sid_bmc = ?",
	[SQ_BMCSESS_NEXT] = "SELECT " BMCSESS_COLS " FROM bmc_sessions "
	    "WHERE bmc_id > ?1 OR (bmc_id = ?1 AND sid_bmc > ?2) "
	    "ORDER BY bmc_id, sid_bmc LIMIT 1",

	[SQ_REC_ADD] = "INSERT INTO recordings (" REC_COLS ") "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[SQ_REC_GET] = "SELECT " REC_COLS " FROM recordings WHERE id = ?",
	[SQ_REC_UPDATE] = "UPDATE recordings SET ended = ?, bytes = ?, "
	    "truncated = ?, path = ? WHERE id = ?",
	[SQ_REC_DEL] = "DELETE FROM recordings WHERE id = ?",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[SQ_COUNT];
	int		 version;
	char		 errmsg[ST_ERRMSG_MAX];
};

/* What a failed statement was doing: a foreign key failure means a
 * missing referenced object on a write, a still-referenced one on a
 * delete. */
enum op {
	OP_READ,
	OP_WRITE,
	OP_DELETE,
};

/* ---- errors ----------------------------------------------------------- */

static void
set_errmsg(struct store *s, const char *what, const char *detail)
{
	snprintf(s->errmsg, sizeof(s->errmsg), "%s%s%s", what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

/* Maps a SQLite result code to VCM_E* and keeps its message. */
static int
fail(struct store *s, int rc, enum op op)
{
	set_errmsg(s, sqlite3_errmsg(s->db), NULL);
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return VCM_ECONFLICT;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return op == OP_DELETE ? VCM_ECONFLICT : VCM_ENOTFOUND;
	case SQLITE_CONSTRAINT_TRIGGER:
		/* ON DELETE RESTRICT runs as an internal trigger and is
		 * reported as one (the schema has no triggers). */
		if (op == OP_DELETE)
			return VCM_ECONFLICT;
		break;
	}
	switch (rc & 0xff) {
	case SQLITE_TOOBIG:
		/* Only a value in the file can be this big (inputs are
		 * bounded): a corrupt or hostile database. */
		return VCM_EBADMSG;
	case SQLITE_NOMEM:
		return VCM_ENOMEM;
	default:
		return VCM_EIO;
	}
}

/* ---- statements ------------------------------------------------------- */

static sqlite3_stmt *
sq(struct store *s, enum sq which)
{
	int rc;

	if (s->stmt[which] == NULL) {
		rc = sqlite3_prepare_v3(s->db, sq_text[which], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[which], NULL);
		if (rc != SQLITE_OK) {
			(void)fail(s, rc, OP_READ);
			sqlite3_finalize(s->stmt[which]);
			s->stmt[which] = NULL;
		}
	}
	return s->stmt[which];
}

/* Leaves a statement ready for its next use, holding no lock. */
static void
sq_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Sequential binding with a sticky error, so a call binds every value
 * and checks once. */
struct bind {
	sqlite3_stmt	*st;
	int		 i;
	int		 rc;
};

static void
b_start(struct bind *b, sqlite3_stmt *st)
{
	b->st = st;
	b->i = 0;
	b->rc = SQLITE_OK;
}

static void
b_int(struct bind *b, int64_t v)
{
	int rc = sqlite3_bind_int64(b->st, ++b->i, v);

	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* An optional reference: 0 is stored as NULL. */
static void
b_ref(struct bind *b, int64_t v)
{
	int rc;

	if (v == 0)
		rc = sqlite3_bind_null(b->st, ++b->i);
	else
		rc = sqlite3_bind_int64(b->st, ++b->i, v);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* The caller checked that the string ends inside its field. */
static void
b_text(struct bind *b, const char *v)
{
	int rc = sqlite3_bind_text(b->st, ++b->i, v, -1, SQLITE_STATIC);

	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* A blob, empty ones included (never NULL). */
static void
b_blob(struct bind *b, const void *v, size_t n)
{
	int rc;

	if (n == 0)
		rc = sqlite3_bind_zeroblob(b->st, ++b->i, 0);
	else
		rc = sqlite3_bind_blob(b->st, ++b->i, v, (int)n,
		    SQLITE_STATIC);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Runs a bound statement that returns no row; the number of rows it
 * changed, or an error. */
static int
run_change(struct store *s, struct bind *b, enum op op)
{
	int rc, ret;

	if (b->rc != SQLITE_OK)
		ret = fail(s, b->rc, op);
	else if ((rc = sqlite3_step(b->st)) != SQLITE_DONE)
		ret = fail(s, rc, op);
	else
		ret = sqlite3_changes(s->db);
	sq_done(b->st);
	return ret;
}

/* Runs a bound INSERT; the new row's id, or an error. */
static int64_t
run_insert(struct store *s, struct bind *b)
{
	int ret;

	if ((ret = run_change(s, b, OP_WRITE)) < 0)
		return ret;
	return sqlite3_last_insert_rowid(s->db);
}

/* UPDATE or DELETE of one row by id: VCM_ENOTFOUND if there was none. */
static int
run_one(struct store *s, struct bind *b, enum op op)
{
	int ret;

	if ((ret = run_change(s, b, op)) < 0)
		return ret;
	return ret == 0 ? VCM_ENOTFOUND : 0;
}

static int
del_by_id(struct store *s, enum sq which, int64_t id)
{
	sqlite3_stmt *st;
	struct bind b;

	if (s == NULL || id <= 0)
		return VCM_EINVAL;
	if ((st = sq(s, which)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, id);
	return run_one(s, &b, OP_DELETE);
}

/* ---- reading rows ----------------------------------------------------- */

/*
 * A sticky reader over the current row: columns are read in order,
 * the first bad one sets err (VCM_EBADMSG) and the message naming it;
 * later reads do nothing.
 */
struct row {
	struct store	*s;
	sqlite3_stmt	*st;
	const char	*table;
	int		 col;
	int		 err;
};

static void
row_start(struct row *r, struct store *s, sqlite3_stmt *st,
    const char *table)
{
	r->s = s;
	r->st = st;
	r->table = table;
	r->col = 0;
	r->err = 0;
}

static void
row_bad(struct row *r, const char *why)
{
	const char *name;

	if (r->err != 0)
		return;
	r->err = VCM_EBADMSG;
	name = sqlite3_column_name(r->st, r->col);
	snprintf(r->s->errmsg, sizeof(r->s->errmsg),
	    "bad value in the database: %s.%s %s", r->table,
	    name != NULL ? name : "?", why);
}

/* An integer within [min, max]; NULL reads as 0 when null_ok. */
static int64_t
row_int(struct row *r, int64_t min, int64_t max, int null_ok)
{
	int64_t v = 0;
	int type;

	if (r->err != 0)
		return 0;
	type = sqlite3_column_type(r->st, r->col);
	if (type == SQLITE_NULL && null_ok)
		v = 0;
	else if (type != SQLITE_INTEGER)
		row_bad(r, "is not an integer");
	else if ((v = sqlite3_column_int64(r->st, r->col)) < min || v > max) {
		row_bad(r, "is out of range");
		v = 0;
	}
	r->col++;
	return v;
}

static int64_t
row_id(struct row *r)
{
	return row_int(r, 1, INT64_MAX, 0);
}

/* An optional reference: NULL is 0. */
static int64_t
row_ref(struct row *r)
{
	return row_int(r, 1, INT64_MAX, 1);
}

static int64_t
row_time(struct row *r)
{
	return row_int(r, 0, INT64_MAX, 0);
}

/* Text into a field of cap bytes, NUL included; too long, holding a
 * NUL or not text at all is an error (never cut short). */
static void
row_text(struct row *r, char *dst, size_t cap)
{
	const unsigned char *p;
	size_t n;

	if (r->err != 0)
		return;
	if (sqlite3_column_type(r->st, r->col) != SQLITE_TEXT) {
		row_bad(r, "is not text");
		return;
	}
	p = sqlite3_column_text(r->st, r->col);
	n = (size_t)sqlite3_column_bytes(r->st, r->col);
	if (p == NULL) {
		r->err = VCM_ENOMEM;
		set_errmsg(r->s, "out of memory reading a row", NULL);
		return;
	}
	if (n >= cap)
		row_bad(r, "is too long");
	else if (memchr(p, '\0', n) != NULL)
		row_bad(r, "holds a NUL byte");
	else {
		memcpy(dst, p, n);
		dst[n] = '\0';
		r->col++;
	}
}

/* A blob of at most cap bytes (exact: of exactly cap bytes). */
static size_t
row_blob(struct row *r, uint8_t *dst, size_t cap, int exact)
{
	const void *p;
	size_t n;

	if (r->err != 0)
		return 0;
	if (sqlite3_column_type(r->st, r->col) != SQLITE_BLOB) {
		row_bad(r, "is not a blob");
		return 0;
	}
	p = sqlite3_column_blob(r->st, r->col);
	n = (size_t)sqlite3_column_bytes(r->st, r->col);
	if (n > cap || (exact && n != cap)) {
		row_bad(r, "has the wrong length");
		return 0;
	}
	if (n > 0) {
		if (p == NULL) {
			r->err = VCM_ENOMEM;
			set_errmsg(r->s, "out of memory reading a row", NULL);
			return 0;
		}
		memcpy(dst, p, n);
	}
	r->col++;
	return n;
}

static void
rd_site(struct row *r, void *out)
{
	struct st_site *o = out;

	o->id = row_id(r);
	row_text(r, o->name, sizeof(o->name));
	o->created = row_time(r);
}

static void
rd_pool(struct row *r, void *out)
{
	struct st_pool *o = out;

	o->id = row_id(r);
	o->site_id = row_id(r);
	row_text(r, o->name, sizeof(o->name));
	row_text(r, o->cidr, sizeof(o->cidr));
	o->created = row_time(r);
}

static void
rd_tenant(struct row *r, void *out)
{
	struct st_tenant *o = out;

	o->id = row_id(r);
	row_text(r, o->name, sizeof(o->name));
	o->created = row_time(r);
}

static void
rd_bmc(struct row *r, void *out)
{
	struct st_bmc *o = out;

	o->id = row_id(r);
	o->site_id = row_ref(r);
	o->pool_id = row_ref(r);
	row_text(r, o->name, sizeof(o->name));
	row_text(r, o->addr, sizeof(o->addr));
	o->port = (uint16_t)row_int(r, 1, UINT16_MAX, 0);
	row_text(r, o->user, sizeof(o->user));
	o->cred_len = (uint16_t)row_blob(r, o->cred, sizeof(o->cred), 0);
	o->cred_key_id = (uint32_t)row_int(r, 0, UINT32_MAX, 0);
	row_text(r, o->vendor, sizeof(o->vendor));
	o->max_sessions = (uint8_t)row_int(r, 0, VCM_BMC_SESSIONS_MAX, 0);
	row_text(r, o->quirks, sizeof(o->quirks));
	o->created = row_time(r);
}

static void
rd_server(struct row *r, void *out)
{
	struct st_server *o = out;

	o->id = row_id(r);
	o->tenant_id = row_id(r);
	o->bmc_id = row_id(r);
	row_text(r, o->name, sizeof(o->name));
	o->cols = (uint16_t)row_int(r, VCM_CONSOLE_COLS_MIN,
	    VCM_CONSOLE_COLS_MAX, 0);
	o->rows = (uint16_t)row_int(r, VCM_CONSOLE_ROWS_MIN,
	    VCM_CONSOLE_ROWS_MAX, 0);
	o->created = row_time(r);
}

static void
rd_apikey(struct row *r, void *out)
{
	struct st_apikey *o = out;

	o->id = row_id(r);
	o->tenant_id = row_ref(r);
	row_text(r, o->name, sizeof(o->name));
	(void)row_blob(r, o->hash, sizeof(o->hash), 1);
	o->created = row_time(r);
	o->revoked = row_time(r);
}

static void
rd_grant(struct row *r, void *out)
{
	struct st_grant *o = out;

	o->id = row_id(r);
	o->tenant_id = row_id(r);
	o->server_id = row_id(r);
	/* ST_RIGHTS_ALL is every bit: 1..ALL is any non-empty set. */
	o->rights = (uint32_t)row_int(r, 1, ST_RIGHTS_ALL, 0);
	o->not_before = row_time(r);
	o->expires = row_time(r);
	row_text(r, o->sources, sizeof(o->sources));
	(void)row_blob(r, o->token_hash, sizeof(o->token_hash), 1);
	o->created = row_time(r);
	o->created_by = row_ref(r);
	o->revoked = row_time(r);
	o->ended = row_time(r);
}

static void
rd_audit(struct row *r, void *out)
{
	struct st_audit *o = out;

	o->id = row_id(r);
	o->time = row_time(r);
	row_text(r, o->actor, sizeof(o->actor));
	row_text(r, o->action, sizeof(o->action));
	o->tenant_id = row_ref(r);
	o->server_id = row_ref(r);
	o->grant_id = row_ref(r);
	o->bmc_id = row_ref(r);
	row_text(r, o->outcome, sizeof(o->outcome));
	row_text(r, o->detail, sizeof(o->detail));
}

static void
rd_bmc_session(struct row *r, void *out)
{
	struct st_bmc_session *o = out;

	o->bmc_id = row_id(r);
	o->sid_bmc = (uint32_t)row_int(r, 0, UINT32_MAX, 0);
	o->sol = (uint8_t)row_int(r, 0, 1, 0);
	o->opened = row_time(r);
}

static void
rd_recording(struct row *r, void *out)
{
	struct st_recording *o = out;

	o->id = row_id(r);
	o->grant_id = row_id(r);
	o->tenant_id = row_id(r);
	o->server_id = row_id(r);
	o->started = row_time(r);
	o->ended = row_time(r);
	o->bytes = row_int(r, 0, INT64_MAX, 0);
	o->truncated = (uint8_t)row_int(r, 0, 1, 0);
	row_text(r, o->path, sizeof(o->path));
}

typedef void	row_reader(struct row *, void *);

/*
 * Steps a bound statement expected to give at most one row and reads
 * it into out (cleared first): 0, VCM_ENOTFOUND, or an error. The
 * statement is reset either way.
 */
static int
run_get(struct store *s, struct bind *b, const char *table,
    row_reader *rd, void *out, size_t outsz)
{
	struct row r;
	int rc, ret;

	memset(out, 0, outsz);
	if (b->rc != SQLITE_OK) {
		ret = fail(s, b->rc, OP_READ);
		goto out;
	}
	rc = sqlite3_step(b->st);
	if (rc == SQLITE_DONE) {
		ret = VCM_ENOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		ret = fail(s, rc, OP_READ);
		goto out;
	}
	row_start(&r, s, b->st, table);
	rd(&r, out);
	ret = r.err;
 out:
	sq_done(b->st);
	if (ret != 0)
		vcm_wipe(out, outsz);
	return ret;
}

static int
get_by_id(struct store *s, enum sq which, int64_t id, const char *table,
    row_reader *rd, void *out, size_t outsz)
{
	sqlite3_stmt *st;
	struct bind b;

	if (s == NULL || out == NULL || id <= 0)
		return VCM_EINVAL;
	if ((st = sq(s, which)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, id);
	return run_get(s, &b, table, rd, out, outsz);
}

/* ---- lists ------------------------------------------------------------ */

/* Filter fields a list accepts; any other set field is refused, so a
 * caller never believes a filter applied that did not. */
#define FL_TENANT	0x01u
#define FL_SERVER	0x02u
#define FL_GRANT	0x04u
#define FL_BMC		0x08u
#define FL_SITE		0x10u
#define FL_TIME		0x20u
#define FL_LIVE		0x40u
#define FL_OPERATOR	0x80u	/* tenant_id -1: tenant_id IS NULL */
#define FL_ENDED	0x100u	/* ended_before */

static int
filter_ok(const struct st_filter *f, unsigned int allow)
{
	if (f == NULL)
		return 1;
	if (f->tenant_id != 0 && !((allow & FL_TENANT) && f->tenant_id > 0) &&
	    !((allow & FL_OPERATOR) && f->tenant_id == -1))
		return 0;
	if (f->server_id != 0 && !((allow & FL_SERVER) && f->server_id > 0))
		return 0;
	if (f->grant_id != 0 && !((allow & FL_GRANT) && f->grant_id > 0))
		return 0;
	if (f->bmc_id != 0 && !((allow & FL_BMC) && f->bmc_id > 0))
		return 0;
	if (f->site_id != 0 && !((allow & FL_SITE) && f->site_id > 0))
		return 0;
	if ((f->since != 0 || f->until != 0) &&
	    (!(allow & FL_TIME) || f->since < 0 || f->until < 0))
		return 0;
	if (f->live_only != 0 && !(allow & FL_LIVE))
		return 0;
	if (f->ended_before != 0 &&
	    (!(allow & FL_ENDED) || f->ended_before < 0))
		return 0;
	return 1;
}

/* A list query assembled from constant fragments; values only ever go
 * into arg[] and are bound. */
struct lq {
	char		 sql[LQ_SQL_MAX];
	size_t		 len;
	int64_t		 arg[LQ_ARGS_MAX];
	int		 narg;
	int		 over;
};

static void
lq_cat(struct lq *q, const char *frag)
{
	size_t n = strlen(frag);

	if (q->over || n >= sizeof(q->sql) - q->len) {
		q->over = 1;
		return;
	}
	memcpy(q->sql + q->len, frag, n + 1);
	q->len += n;
}

static void
lq_start(struct lq *q, const char *select)
{
	q->len = 0;
	q->sql[0] = '\0';
	q->narg = 0;
	q->over = 0;
	lq_cat(q, select);
	lq_cat(q, " WHERE id > ?");
}

/* A condition with one '?' for v, when v is set. */
static void
lq_if(struct lq *q, int64_t v, const char *frag)
{
	if (v == 0)
		return;
	if (q->narg >= LQ_ARGS_MAX) {
		q->over = 1;
		return;
	}
	lq_cat(q, frag);
	q->arg[q->narg++] = v;
}

/* How list_run hands a row to the caller's typed callback. */
struct lister {
	const char	*table;
	row_reader	*rd;
	void		*obj;
	size_t		 objsz;
	int		(*emit)(const struct lister *, const void *);
	union {
		store_site_cb		*site;
		store_pool_cb		*pool;
		store_tenant_cb		*tenant;
		store_bmc_cb		*bmc;
		store_server_cb		*server;
		store_apikey_cb		*apikey;
		store_grant_cb		*grant;
		store_audit_cb		*audit;
		store_bmc_session_cb	*bmc_session;
		store_recording_cb	*recording;
	} cb;
	void		*arg;
};

static int
em_site(const struct lister *l, const void *o)
{
	return l->cb.site(l->arg, o);
}

static int
em_pool(const struct lister *l, const void *o)
{
	return l->cb.pool(l->arg, o);
}

static int
em_tenant(const struct lister *l, const void *o)
{
	return l->cb.tenant(l->arg, o);
}

static int
em_bmc(const struct lister *l, const void *o)
{
	return l->cb.bmc(l->arg, o);
}

static int
em_server(const struct lister *l, const void *o)
{
	return l->cb.server(l->arg, o);
}

static int
em_apikey(const struct lister *l, const void *o)
{
	return l->cb.apikey(l->arg, o);
}

static int
em_grant(const struct lister *l, const void *o)
{
	return l->cb.grant(l->arg, o);
}

static int
em_audit(const struct lister *l, const void *o)
{
	return l->cb.audit(l->arg, o);
}

static int
em_recording(const struct lister *l, const void *o)
{
	return l->cb.recording(l->arg, o);
}

/*
 * Fetches the next row after `after' from st (its first parameter is
 * the id to start after) into l->obj, and its first column (the id,
 * checked by the reader) into *id, and resets st: 1 with a row, 0 at
 * the end, or an error.
 */
static int
next_row(struct store *s, sqlite3_stmt *st, int64_t after,
    const struct lister *l, int64_t *id)
{
	struct row r;
	int rc, ret;

	memset(l->obj, 0, l->objsz);
	if ((rc = sqlite3_bind_int64(st, 1, after)) != SQLITE_OK)
		ret = fail(s, rc, OP_READ);
	else if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		ret = 0;
	else if (rc != SQLITE_ROW)
		ret = fail(s, rc, OP_READ);
	else {
		row_start(&r, s, st, l->table);
		l->rd(&r, l->obj);
		ret = r.err != 0 ? r.err : 1;
		*id = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return ret;
}

/* Runs a list query, one row per step, with no statement open while
 * the callback runs; the number of rows passed on, or an error. */
static int
list_run(struct store *s, struct lq *q, int64_t after_id,
    unsigned int limit, const struct lister *l)
{
	sqlite3_stmt *st = NULL;
	unsigned int n = 0;
	int64_t after = after_id;
	int i, rc, ret;

	lq_cat(q, " ORDER BY id LIMIT 1");
	if (q->over) {
		set_errmsg(s, "list query too long", NULL);
		return VCM_EIO;
	}
	if ((rc = sqlite3_prepare_v2(s->db, q->sql, -1, &st, NULL)) !=
	    SQLITE_OK) {
		ret = fail(s, rc, OP_READ);
		goto out;
	}
	for (i = 0; i < q->narg; i++)
		if ((rc = sqlite3_bind_int64(st, i + 2, q->arg[i])) !=
		    SQLITE_OK) {
			ret = fail(s, rc, OP_READ);
			goto out;
		}
	ret = 0;
	while (n < limit) {
		/* WHERE id > after: every step progresses. */
		if ((ret = next_row(s, st, after, l, &after)) <= 0)
			break;
		n++;
		if ((ret = l->emit(l, l->obj)) < 0)
			break;
	}
	if (ret >= 0)
		ret = (int)n;
 out:
	sqlite3_finalize(st);
	vcm_wipe(l->obj, l->objsz);
	return ret;
}

static int
page_ok(struct store *s, int64_t after_id, unsigned int limit, int has_cb)
{
	return s != NULL && has_cb && after_id >= 0 && limit >= 1 &&
	    limit <= VCM_PAGE_MAX;
}

/* ---- input checks ----------------------------------------------------- */

/* 1 if the field of cap bytes holds a NUL-terminated string (not empty
 * when need). */
static int
text_ok(const char *p, size_t cap, int need)
{
	return memchr(p, '\0', cap) != NULL && (!need || p[0] != '\0');
}

/* 1 if a caller's string is at most max bytes (and not empty). */
static int
str_ok(const char *p, size_t max)
{
	return p != NULL && p[0] != '\0' && strnlen(p, max + 1) <= max;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 1;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A caller's time or, for 0, now. */
static int64_t
time_or_now(int64_t t)
{
	return t != 0 ? t : now_ms();
}

/* ---- lifetime --------------------------------------------------------- */

/*
 * Creates the database file with mode 0600 before SQLite opens it (it
 * would use 0644 less the umask), or tightens an existing one: SQLite
 * then creates -wal and -shm with the same mode. Symbolic links are
 * refused here and by SQLITE_OPEN_NOFOLLOW.
 */
static int
prepare_file(const char *path, char *err, size_t errsz)
{
	struct stat sb;
	char mode[8];
	int fd, ret = VCM_EIO;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    ST_FILE_MODE);
	if (fd == -1) {
		snprintf(err, errsz, "open %s: %s", path, strerror(errno));
		return VCM_EIO;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errsz, "fstat %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		goto out;
	}
	if ((sb.st_mode & 07777) != ST_FILE_MODE) {
		if (fchmod(fd, ST_FILE_MODE) == -1) {
			snprintf(err, errsz, "chmod %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (sb.st_size > 0) {
			snprintf(mode, sizeof(mode), "%04o",
			    (unsigned int)(sb.st_mode & 07777));
			vcm_log(VCM_LOG_WARN, "store_mode_fixed", "path", path,
			    "was", mode, NULL);
		}
	}
	ret = 0;
 out:
	close(fd);
	return ret;
}

/* Runs one constant statement that may return rows (PRAGMA); the
 * first column of the first row, as text, into val. */
static int
pragma(struct store *s, const char *sql, char *val, size_t valsz)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *p;
	int rc, ret = 0;

	if (valsz > 0)
		val[0] = '\0';
	if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) !=
	    SQLITE_OK)
		return fail(s, rc, OP_READ);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (valsz > 0 && (p = sqlite3_column_text(st, 0)) != NULL)
			snprintf(val, valsz, "%s", (const char *)p);
		/* Settings answer with one row at most. */
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		ret = fail(s, rc, OP_READ);
	sqlite3_finalize(st);
	return ret;
}

/* Connection settings; file is 0 for ":memory:". */
static int
configure(struct store *s, int file)
{
	char v[32];
	int r;

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, VCM_STORE_BUSY_MS);
	sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, VCM_STORE_VALUE_MAX);
	/* A database file is input: no schema tricks, no functions called
	 * from views or triggers someone put into it. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if ((r = pragma(s, "PRAGMA foreign_keys = ON", NULL, 0)) != 0 ||
	    (r = pragma(s, "PRAGMA foreign_keys", v, sizeof(v))) != 0)
		return r;
	if (strcmp(v, "1") != 0) {
		set_errmsg(s, "SQLite without foreign keys", NULL);
		return VCM_EUNSUPP;
	}
	/* Freed pages are zeroed: a replaced or deleted sealed
	 * credential does not linger in the file. */
	if ((r = pragma(s, "PRAGMA secure_delete = ON", NULL, 0)) != 0)
		return r;
	if (!file)
		return 0;
	if ((r = pragma(s, "PRAGMA journal_mode = WAL", v, sizeof(v))) != 0)
		return r;
	if (strcmp(v, "wal") != 0) {
		set_errmsg(s, "journal_mode WAL refused, got", v);
		return VCM_EIO;
	}
	/* With WAL, NORMAL loses no consistency on a power cut, only the
	 * last transactions before it. */
	return pragma(s, "PRAGMA synchronous = NORMAL", NULL, 0);
}

/* The version recorded in the database (0: none yet). */
static int
read_version(struct store *s, int *version)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	int rc, ret = 0;

	if ((st = sq(s, SQ_VERSION)) == NULL)
		return VCM_EIO;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		ret = fail(s, rc, OP_READ);
	else if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		v = 0;
	else if (sqlite3_column_type(st, 0) != SQLITE_INTEGER ||
	    (v = sqlite3_column_int64(st, 0)) < 0 || v > INT32_MAX) {
		set_errmsg(s, "bad value in the database: schema_version",
		    NULL);
		ret = VCM_EBADMSG;
	}
	sq_done(st);
	*version = (int)v;
	return ret;
}

static int
step_fixed(struct store *s, enum sq which)
{
	sqlite3_stmt *st;
	struct bind b;

	if ((st = sq(s, which)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	return run_change(s, &b, OP_WRITE) < 0 ? VCM_EIO : 0;
}

/*
 * Applies one migration in its own transaction with the version it
 * reaches. The version is read again inside the transaction: another
 * process may have migrated meanwhile.
 */
static int
migrate_one(struct store *s, const struct store_migration *m)
{
	struct bind b;
	sqlite3_stmt *st;
	char *emsg = NULL, ver[16];
	int64_t id;
	int rc, v, ret;

	if ((ret = step_fixed(s, SQ_BEGIN)) != 0)
		return ret;
	if ((ret = read_version(s, &v)) != 0)
		goto fail;
	if (v >= m->version)
		return step_fixed(s, SQ_COMMIT);
	if ((rc = sqlite3_exec(s->db, m->sql, NULL, NULL, &emsg)) !=
	    SQLITE_OK) {
		set_errmsg(s, m->what, emsg != NULL ? emsg : "failed");
		sqlite3_free(emsg);
		ret = (rc & 0xff) == SQLITE_NOMEM ? VCM_ENOMEM : VCM_EIO;
		goto fail;
	}
	if ((st = sq(s, SQ_VERSION_ADD)) == NULL) {
		ret = VCM_EIO;
		goto fail;
	}
	b_start(&b, st);
	b_int(&b, m->version);
	b_int(&b, now_ms());
	if ((id = run_insert(s, &b)) < 0) {
		ret = (int)id;
		goto fail;
	}
	if ((ret = step_fixed(s, SQ_COMMIT)) != 0)
		goto fail;
	snprintf(ver, sizeof(ver), "%d", m->version);
	vcm_log(VCM_LOG_INFO, "store_migrated", "version", ver,
	    "what", m->what, NULL);
	return 0;
 fail:
	if (!sqlite3_get_autocommit(s->db))
		(void)step_fixed(s, SQ_ROLLBACK);
	return ret;
}

static int
migrate(struct store *s)
{
	size_t i;
	int r;

	if ((r = pragma(s, STORE_SCHEMA_VERSION_SQL, NULL, 0)) != 0)
		return r;
	if ((r = read_version(s, &s->version)) != 0)
		return r;
	if (s->version > (int)store_migration_count) {
		snprintf(s->errmsg, sizeof(s->errmsg),
		    "database schema version %d is newer than this "
		    "program's %zu", s->version, store_migration_count);
		return VCM_EUNSUPP;
	}
	for (i = (size_t)s->version; i < store_migration_count; i++) {
		if ((r = migrate_one(s, &store_migrations[i])) != 0)
			return r;
		s->version = store_migrations[i].version;
	}
	return 0;
}

int
store_open(const char *path, struct store **out)
{
	struct store *s;
	int file, rc, r;

	if (path == NULL || path[0] == '\0' || out == NULL)
		return VCM_EINVAL;
	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return VCM_ENOMEM;
	file = strcmp(path, ":memory:") != 0;
	if (file && (r = prepare_file(path, s->errmsg,
	    sizeof(s->errmsg))) != 0)
		goto fail;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW |
	    SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK) {
		r = s->db != NULL ? fail(s, rc, OP_READ) : VCM_ENOMEM;
		goto fail;
	}
	if ((r = configure(s, file)) != 0 || (r = migrate(s)) != 0)
		goto fail;
	*out = s;
	return 0;
 fail:
	vcm_log(VCM_LOG_ERROR, "store_open_failed", "path", path,
	    "error", s->errmsg, NULL);
	store_close(s);
	return r;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < SQ_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	/* Every statement is finalized, so this closes (rolling back an
	 * open transaction). */
	sqlite3_close(s->db);
	free(s);
}

int
store_schema_version(struct store *s)
{
	return s != NULL ? s->version : VCM_EINVAL;
}

const char *
store_errmsg(struct store *s)
{
	return s != NULL ? s->errmsg : "";
}

/* ---- transactions ----------------------------------------------------- */

int
store_begin(struct store *s)
{
	if (s == NULL)
		return VCM_EINVAL;
	if (!sqlite3_get_autocommit(s->db))
		return VCM_ESTATE;
	return step_fixed(s, SQ_BEGIN);
}

int
store_commit(struct store *s)
{
	if (s == NULL)
		return VCM_EINVAL;
	if (sqlite3_get_autocommit(s->db))
		return VCM_ESTATE;
	return step_fixed(s, SQ_COMMIT);
}

int
store_rollback(struct store *s)
{
	if (s == NULL)
		return VCM_EINVAL;
	if (sqlite3_get_autocommit(s->db))
		return VCM_ESTATE;
	return step_fixed(s, SQ_ROLLBACK);
}

/* ---- meta ------------------------------------------------------------- */

int
store_meta_get(struct store *s, const char *key, char *val, size_t valsz)
{
	char buf[VCM_STORE_META_VALUE_MAX + 1];
	sqlite3_stmt *st;
	struct bind b;
	struct row r;
	size_t n;
	int rc, ret;

	if (s == NULL || !str_ok(key, VCM_NAME_MAX) || val == NULL ||
	    valsz == 0)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_META_GET)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_text(&b, key);
	if (b.rc != SQLITE_OK)
		ret = fail(s, b.rc, OP_READ);
	else if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		ret = VCM_ENOTFOUND;
	else if (rc != SQLITE_ROW)
		ret = fail(s, rc, OP_READ);
	else {
		row_start(&r, s, st, "meta");
		row_text(&r, buf, sizeof(buf));
		if ((ret = r.err) == 0) {
			if ((n = strlen(buf)) >= valsz)
				ret = VCM_ENOSPC;
			else {
				memcpy(val, buf, n + 1);
				ret = (int)n;
			}
		}
	}
	sq_done(st);
	return ret;
}

int
store_meta_set(struct store *s, const char *key, const char *val)
{
	sqlite3_stmt *st;
	struct bind b;
	int ret;

	if (s == NULL || !str_ok(key, VCM_NAME_MAX) || val == NULL ||
	    strnlen(val, VCM_STORE_META_VALUE_MAX + 1) >
	    VCM_STORE_META_VALUE_MAX)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_META_SET)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_text(&b, key);
	b_text(&b, val);
	ret = run_change(s, &b, OP_WRITE);
	return ret < 0 ? ret : 0;
}

/* ---- sites ------------------------------------------------------------ */

int64_t
store_site_add(struct store *s, struct st_site *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, created;

	if (s == NULL || o == NULL || o->id < 0 || o->created < 0 ||
	    !text_ok(o->name, sizeof(o->name), 1))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_SITE_ADD)) == NULL)
		return VCM_EIO;
	created = time_or_now(o->created);
	b_start(&b, st);
	b_ref(&b, o->id);
	b_text(&b, o->name);
	b_int(&b, created);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->created = created;
	}
	return id;
}

int
store_site_get(struct store *s, int64_t id, struct st_site *o)
{
	return get_by_id(s, SQ_SITE_GET, id, "sites", rd_site, o,
	    sizeof(*o));
}

int
store_site_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_site_cb *cb, void *arg)
{
	struct st_site o;
	struct lister l = { "sites", rd_site, &o, sizeof(o), em_site,
	    { .site = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) || !filter_ok(f, 0))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " SITE_COLS " FROM sites");
	return list_run(s, &q, after_id, limit, &l);
}

int
store_site_del(struct store *s, int64_t id)
{
	return del_by_id(s, SQ_SITE_DEL, id);
}

/* ---- pools ------------------------------------------------------------ */

int64_t
store_pool_add(struct store *s, struct st_pool *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, created;

	if (s == NULL || o == NULL || o->id < 0 || o->created < 0 ||
	    o->site_id <= 0 || !text_ok(o->name, sizeof(o->name), 1) ||
	    !text_ok(o->cidr, sizeof(o->cidr), 1))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_POOL_ADD)) == NULL)
		return VCM_EIO;
	created = time_or_now(o->created);
	b_start(&b, st);
	b_ref(&b, o->id);
	b_int(&b, o->site_id);
	b_text(&b, o->name);
	b_text(&b, o->cidr);
	b_int(&b, created);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->created = created;
	}
	return id;
}

int
store_pool_get(struct store *s, int64_t id, struct st_pool *o)
{
	return get_by_id(s, SQ_POOL_GET, id, "pools", rd_pool, o,
	    sizeof(*o));
}

int
store_pool_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_pool_cb *cb, void *arg)
{
	struct st_pool o;
	struct lister l = { "pools", rd_pool, &o, sizeof(o), em_pool,
	    { .pool = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) || !filter_ok(f, FL_SITE))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " POOL_COLS " FROM pools");
	if (f != NULL)
		lq_if(&q, f->site_id, " AND site_id = ?");
	return list_run(s, &q, after_id, limit, &l);
}

int
store_pool_del(struct store *s, int64_t id)
{
	return del_by_id(s, SQ_POOL_DEL, id);
}

/* ---- tenants ---------------------------------------------------------- */

int64_t
store_tenant_add(struct store *s, struct st_tenant *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, created;

	if (s == NULL || o == NULL || o->id < 0 || o->created < 0 ||
	    !text_ok(o->name, sizeof(o->name), 1))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_TENANT_ADD)) == NULL)
		return VCM_EIO;
	created = time_or_now(o->created);
	b_start(&b, st);
	b_ref(&b, o->id);
	b_text(&b, o->name);
	b_int(&b, created);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->created = created;
	}
	return id;
}

int
store_tenant_get(struct store *s, int64_t id, struct st_tenant *o)
{
	return get_by_id(s, SQ_TENANT_GET, id, "tenants", rd_tenant, o,
	    sizeof(*o));
}

int
store_tenant_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_tenant_cb *cb, void *arg)
{
	struct st_tenant o;
	struct lister l = { "tenants", rd_tenant, &o, sizeof(o), em_tenant,
	    { .tenant = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) || !filter_ok(f, 0))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " TENANT_COLS " FROM tenants");
	return list_run(s, &q, after_id, limit, &l);
}

int
store_tenant_del(struct store *s, int64_t id)
{
	return del_by_id(s, SQ_TENANT_DEL, id);
}

/* ---- BMCs ------------------------------------------------------------- */

static int
bmc_ok(const struct st_bmc *o)
{
	return o->site_id >= 0 && o->pool_id >= 0 && o->created >= 0 &&
	    text_ok(o->name, sizeof(o->name), 1) &&
	    text_ok(o->addr, sizeof(o->addr), 1) &&
	    text_ok(o->user, sizeof(o->user), 0) &&
	    o->cred_len <= sizeof(o->cred) &&
	    text_ok(o->vendor, sizeof(o->vendor), 0) &&
	    o->max_sessions <= VCM_BMC_SESSIONS_MAX &&
	    text_ok(o->quirks, sizeof(o->quirks), 0);
}

/* The columns both add and update write, in SQ_BMC_UPDATE's order. */
static void
bmc_bind(struct bind *b, const struct st_bmc *o)
{
	b_ref(b, o->site_id);
	b_ref(b, o->pool_id);
	b_text(b, o->name);
	b_text(b, o->addr);
	b_int(b, o->port != 0 ? o->port : ST_IPMI_PORT);
	b_text(b, o->user);
	b_blob(b, o->cred, o->cred_len);
	b_int(b, o->cred_key_id);
	b_text(b, o->vendor);
	b_int(b, o->max_sessions);
	b_text(b, o->quirks);
}

int64_t
store_bmc_add(struct store *s, struct st_bmc *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, created;

	if (s == NULL || o == NULL || o->id < 0 || !bmc_ok(o))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_BMC_ADD)) == NULL)
		return VCM_EIO;
	created = time_or_now(o->created);
	b_start(&b, st);
	b_ref(&b, o->id);
	bmc_bind(&b, o);
	b_int(&b, created);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->created = created;
		if (o->port == 0)
			o->port = ST_IPMI_PORT;
	}
	return id;
}

int
store_bmc_get(struct store *s, int64_t id, struct st_bmc *o)
{
	return get_by_id(s, SQ_BMC_GET, id, "bmcs", rd_bmc, o, sizeof(*o));
}

int
store_bmc_update(struct store *s, const struct st_bmc *o)
{
	sqlite3_stmt *st;
	struct bind b;

	if (s == NULL || o == NULL || o->id <= 0 || !bmc_ok(o))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_BMC_UPDATE)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	bmc_bind(&b, o);
	b_int(&b, o->id);
	return run_one(s, &b, OP_WRITE);
}

int
store_bmc_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_bmc_cb *cb, void *arg)
{
	struct st_bmc o;
	struct lister l = { "bmcs", rd_bmc, &o, sizeof(o), em_bmc,
	    { .bmc = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) || !filter_ok(f, FL_SITE))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " BMC_COLS " FROM bmcs");
	if (f != NULL)
		lq_if(&q, f->site_id, " AND site_id = ?");
	return list_run(s, &q, after_id, limit, &l);
}

int
store_bmc_del(struct store *s, int64_t id)
{
	return del_by_id(s, SQ_BMC_DEL, id);
}

int
store_bmc_foreach(struct store *s, store_bmc_cb *cb, void *arg)
{
	struct st_bmc o;
	struct lister l = { "bmcs", rd_bmc, &o, sizeof(o), em_bmc,
	    { .bmc = cb }, arg };
	sqlite3_stmt *st;
	int64_t after = 0;
	int n = 0, ret;

	if (s == NULL || cb == NULL)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_BMC_NEXT)) == NULL)
		return VCM_EIO;
	while ((ret = next_row(s, st, after, &l, &after)) == 1) {
		n++;
		if ((ret = cb(arg, &o)) < 0)
			break;
	}
	sqlite3_clear_bindings(st);
	vcm_wipe(&o, sizeof(o));
	return ret < 0 ? ret : n;
}

/* ---- servers ---------------------------------------------------------- */

static int
console_size_ok(uint16_t v, uint16_t min, uint16_t max)
{
	return v == 0 || (v >= min && v <= max);
}

int64_t
store_server_add(struct store *s, struct st_server *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, created;
	uint16_t cols, rows;

	if (s == NULL || o == NULL || o->id < 0 || o->created < 0 ||
	    o->tenant_id <= 0 || o->bmc_id <= 0 ||
	    !text_ok(o->name, sizeof(o->name), 1) ||
	    !console_size_ok(o->cols, VCM_CONSOLE_COLS_MIN,
	    VCM_CONSOLE_COLS_MAX) ||
	    !console_size_ok(o->rows, VCM_CONSOLE_ROWS_MIN,
	    VCM_CONSOLE_ROWS_MAX))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_SERVER_ADD)) == NULL)
		return VCM_EIO;
	created = time_or_now(o->created);
	cols = o->cols != 0 ? o->cols : ST_CONSOLE_COLS;
	rows = o->rows != 0 ? o->rows : ST_CONSOLE_ROWS;
	b_start(&b, st);
	b_ref(&b, o->id);
	b_int(&b, o->tenant_id);
	b_int(&b, o->bmc_id);
	b_text(&b, o->name);
	b_int(&b, cols);
	b_int(&b, rows);
	b_int(&b, created);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->created = created;
		o->cols = cols;
		o->rows = rows;
	}
	return id;
}

int
store_server_get(struct store *s, int64_t id, struct st_server *o)
{
	return get_by_id(s, SQ_SERVER_GET, id, "servers", rd_server, o,
	    sizeof(*o));
}

int
store_server_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_server_cb *cb, void *arg)
{
	struct st_server o;
	struct lister l = { "servers", rd_server, &o, sizeof(o), em_server,
	    { .server = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) ||
	    !filter_ok(f, FL_TENANT | FL_BMC))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " SERVER_COLS " FROM servers");
	if (f != NULL) {
		lq_if(&q, f->tenant_id, " AND tenant_id = ?");
		lq_if(&q, f->bmc_id, " AND bmc_id = ?");
	}
	return list_run(s, &q, after_id, limit, &l);
}

int
store_server_del(struct store *s, int64_t id)
{
	return del_by_id(s, SQ_SERVER_DEL, id);
}

/* ---- API keys --------------------------------------------------------- */

int64_t
store_apikey_add(struct store *s, struct st_apikey *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, created;

	if (s == NULL || o == NULL || o->id < 0 || o->created < 0 ||
	    o->tenant_id < 0 || o->revoked < 0 ||
	    !text_ok(o->name, sizeof(o->name), 1))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_APIKEY_ADD)) == NULL)
		return VCM_EIO;
	created = time_or_now(o->created);
	b_start(&b, st);
	b_ref(&b, o->id);
	b_ref(&b, o->tenant_id);
	b_text(&b, o->name);
	b_blob(&b, o->hash, sizeof(o->hash));
	b_int(&b, created);
	b_int(&b, o->revoked);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->created = created;
	}
	return id;
}

int
store_apikey_get(struct store *s, int64_t id, struct st_apikey *o)
{
	return get_by_id(s, SQ_APIKEY_GET, id, "api_keys", rd_apikey, o,
	    sizeof(*o));
}

int
store_apikey_find(struct store *s, const uint8_t hash[VCM_TOKEN_HASH_LEN],
    struct st_apikey *o)
{
	sqlite3_stmt *st;
	struct bind b;

	if (s == NULL || hash == NULL || o == NULL)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_APIKEY_FIND)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_blob(&b, hash, VCM_TOKEN_HASH_LEN);
	return run_get(s, &b, "api_keys", rd_apikey, o, sizeof(*o));
}

int
store_apikey_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_apikey_cb *cb, void *arg)
{
	struct st_apikey o;
	struct lister l = { "api_keys", rd_apikey, &o, sizeof(o), em_apikey,
	    { .apikey = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) ||
	    !filter_ok(f, FL_TENANT | FL_OPERATOR))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " APIKEY_COLS " FROM api_keys");
	if (f != NULL && f->tenant_id == -1)
		lq_cat(&q, " AND tenant_id IS NULL");
	else if (f != NULL)
		lq_if(&q, f->tenant_id, " AND tenant_id = ?");
	return list_run(s, &q, after_id, limit, &l);
}

int
store_apikey_revoke(struct store *s, int64_t id, int64_t when)
{
	sqlite3_stmt *st;
	struct bind b;

	if (s == NULL || id <= 0 || when <= 0)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_APIKEY_REVOKE)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, when);
	b_int(&b, id);
	return run_one(s, &b, OP_WRITE);
}

/* ---- grants ----------------------------------------------------------- */

int64_t
store_grant_add(struct store *s, struct st_grant *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, created;

	if (s == NULL || o == NULL || o->id < 0 || o->created < 0 ||
	    o->tenant_id <= 0 || o->server_id <= 0 || o->rights == 0 ||
	    (o->rights & ~ST_RIGHTS_ALL) != 0 || o->not_before < 0 ||
	    o->expires <= 0 || o->created_by < 0 || o->revoked < 0 ||
	    o->ended < 0 || !text_ok(o->sources, sizeof(o->sources), 0))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_GRANT_ADD)) == NULL)
		return VCM_EIO;
	created = time_or_now(o->created);
	b_start(&b, st);
	b_ref(&b, o->id);
	b_int(&b, o->tenant_id);
	b_int(&b, o->server_id);
	b_int(&b, o->rights);
	b_int(&b, o->not_before);
	b_int(&b, o->expires);
	b_text(&b, o->sources);
	b_blob(&b, o->token_hash, sizeof(o->token_hash));
	b_int(&b, created);
	b_ref(&b, o->created_by);
	b_int(&b, o->revoked);
	b_int(&b, o->ended);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->created = created;
	}
	return id;
}

int
store_grant_get(struct store *s, int64_t id, struct st_grant *o)
{
	return get_by_id(s, SQ_GRANT_GET, id, "grants", rd_grant, o,
	    sizeof(*o));
}

int
store_grant_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_grant_cb *cb, void *arg)
{
	struct st_grant o;
	struct lister l = { "grants", rd_grant, &o, sizeof(o), em_grant,
	    { .grant = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) ||
	    !filter_ok(f, FL_TENANT | FL_SERVER | FL_LIVE))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " GRANT_COLS " FROM grants");
	if (f != NULL) {
		lq_if(&q, f->tenant_id, " AND tenant_id = ?");
		lq_if(&q, f->server_id, " AND server_id = ?");
		if (f->live_only)
			lq_cat(&q, " AND revoked = 0 AND ended = 0");
	}
	return list_run(s, &q, after_id, limit, &l);
}

int
store_grant_set_expires(struct store *s, int64_t id, int64_t expires)
{
	sqlite3_stmt *st;
	struct bind b;
	int ret;

	if (s == NULL || id <= 0 || expires <= 0)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_GRANT_EXPIRES)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, expires);
	b_int(&b, id);
	if ((ret = run_one(s, &b, OP_WRITE)) != VCM_ENOTFOUND)
		return ret;
	/* Not changed: missing, or revoked or ended. */
	if ((st = sq(s, SQ_GRANT_EXISTS)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, id);
	if (b.rc != SQLITE_OK)
		ret = fail(s, b.rc, OP_READ);
	else if ((ret = sqlite3_step(st)) == SQLITE_ROW)
		ret = VCM_EEXPIRED;
	else if (ret == SQLITE_DONE)
		ret = VCM_ENOTFOUND;
	else
		ret = fail(s, ret, OP_READ);
	sq_done(st);
	return ret;
}

static int
grant_set_time(struct store *s, enum sq which, int64_t id, int64_t when)
{
	sqlite3_stmt *st;
	struct bind b;

	if (s == NULL || id <= 0 || when <= 0)
		return VCM_EINVAL;
	if ((st = sq(s, which)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, when);
	b_int(&b, id);
	return run_one(s, &b, OP_WRITE);
}

int
store_grant_set_revoked(struct store *s, int64_t id, int64_t when)
{
	return grant_set_time(s, SQ_GRANT_REVOKED, id, when);
}

int
store_grant_set_ended(struct store *s, int64_t id, int64_t when)
{
	return grant_set_time(s, SQ_GRANT_ENDED, id, when);
}

/* ---- audit ------------------------------------------------------------ */

int64_t
store_audit_add(struct store *s, struct st_audit *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, t;

	/* Empty texts are accepted: an audit event is never lost over
	 * a missing word. */
	if (s == NULL || o == NULL || o->time < 0 || o->tenant_id < 0 ||
	    o->server_id < 0 || o->grant_id < 0 || o->bmc_id < 0 ||
	    !text_ok(o->actor, sizeof(o->actor), 0) ||
	    !text_ok(o->action, sizeof(o->action), 0) ||
	    !text_ok(o->outcome, sizeof(o->outcome), 0) ||
	    !text_ok(o->detail, sizeof(o->detail), 0))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_AUDIT_ADD)) == NULL)
		return VCM_EIO;
	t = time_or_now(o->time);
	b_start(&b, st);
	b_int(&b, t);
	b_text(&b, o->actor);
	b_text(&b, o->action);
	b_ref(&b, o->tenant_id);
	b_ref(&b, o->server_id);
	b_ref(&b, o->grant_id);
	b_ref(&b, o->bmc_id);
	b_text(&b, o->outcome);
	b_text(&b, o->detail);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->time = t;
	}
	return id;
}

int
store_audit_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_audit_cb *cb, void *arg)
{
	struct st_audit o;
	struct lister l = { "audit_events", rd_audit, &o, sizeof(o),
	    em_audit, { .audit = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) || !filter_ok(f,
	    FL_TENANT | FL_SERVER | FL_GRANT | FL_BMC | FL_TIME))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " AUDIT_COLS " FROM audit_events");
	if (f != NULL) {
		lq_if(&q, f->tenant_id, " AND tenant_id = ?");
		lq_if(&q, f->server_id, " AND server_id = ?");
		lq_if(&q, f->grant_id, " AND grant_id = ?");
		lq_if(&q, f->bmc_id, " AND bmc_id = ?");
		lq_if(&q, f->since, " AND at >= ?");
		lq_if(&q, f->until, " AND at <= ?");
	}
	return list_run(s, &q, after_id, limit, &l);
}

/* ---- BMC-side sessions ------------------------------------------------ */

int
store_bmc_session_add(struct store *s, const struct st_bmc_session *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int ret;

	if (s == NULL || o == NULL || o->bmc_id <= 0 || o->sol > 1 ||
	    o->opened < 0)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_BMCSESS_ADD)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, o->bmc_id);
	b_int(&b, o->sid_bmc);
	b_int(&b, o->sol);
	b_int(&b, time_or_now(o->opened));
	ret = run_change(s, &b, OP_WRITE);
	return ret < 0 ? ret : 0;
}

int
store_bmc_session_del(struct store *s, int64_t bmc_id, uint32_t sid_bmc)
{
	sqlite3_stmt *st;
	struct bind b;

	if (s == NULL || bmc_id <= 0)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_BMCSESS_DEL)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, bmc_id);
	b_int(&b, sid_bmc);
	return run_one(s, &b, OP_DELETE);
}

int
store_bmc_session_list(struct store *s, store_bmc_session_cb *cb,
    void *arg)
{
	struct st_bmc_session o;
	struct lister l = { "bmc_sessions", rd_bmc_session, &o, sizeof(o),
	    NULL, { .bmc_session = cb }, arg };
	sqlite3_stmt *st;
	int64_t bmc_id;
	int n = 0, rc, ret;

	if (s == NULL || cb == NULL)
		return VCM_EINVAL;
	if ((st = sq(s, SQ_BMCSESS_NEXT)) == NULL)
		return VCM_EIO;
	/* Keyset on (bmc_id, sid_bmc), which grows at every step. */
	o.bmc_id = 0;
	o.sid_bmc = 0;
	for (;;) {
		if ((rc = sqlite3_bind_int64(st, 2, o.sid_bmc)) != SQLITE_OK) {
			ret = fail(s, rc, OP_READ);
			break;
		}
		if ((ret = next_row(s, st, o.bmc_id, &l, &bmc_id)) != 1)
			break;
		n++;
		if ((ret = cb(arg, &o)) < 0)
			break;
	}
	sqlite3_clear_bindings(st);
	return ret < 0 ? ret : n;
}

/* ---- recordings ------------------------------------------------------- */

static int
recording_ok(const struct st_recording *o)
{
	return o->grant_id > 0 && o->tenant_id > 0 && o->server_id > 0 &&
	    o->started >= 0 && o->ended >= 0 && o->bytes >= 0 &&
	    o->truncated <= 1 && text_ok(o->path, sizeof(o->path), 0);
}

int64_t
store_recording_add(struct store *s, struct st_recording *o)
{
	sqlite3_stmt *st;
	struct bind b;
	int64_t id, started;

	if (s == NULL || o == NULL || o->id < 0 || !recording_ok(o))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_REC_ADD)) == NULL)
		return VCM_EIO;
	started = time_or_now(o->started);
	b_start(&b, st);
	b_ref(&b, o->id);
	b_int(&b, o->grant_id);
	b_int(&b, o->tenant_id);
	b_int(&b, o->server_id);
	b_int(&b, started);
	b_int(&b, o->ended);
	b_int(&b, o->bytes);
	b_int(&b, o->truncated);
	b_text(&b, o->path);
	if ((id = run_insert(s, &b)) > 0) {
		o->id = id;
		o->started = started;
	}
	return id;
}

int
store_recording_get(struct store *s, int64_t id, struct st_recording *o)
{
	return get_by_id(s, SQ_REC_GET, id, "recordings", rd_recording, o,
	    sizeof(*o));
}

int
store_recording_update(struct store *s, const struct st_recording *o)
{
	sqlite3_stmt *st;
	struct bind b;

	if (s == NULL || o == NULL || o->id <= 0 || !recording_ok(o))
		return VCM_EINVAL;
	if ((st = sq(s, SQ_REC_UPDATE)) == NULL)
		return VCM_EIO;
	b_start(&b, st);
	b_int(&b, o->ended);
	b_int(&b, o->bytes);
	b_int(&b, o->truncated);
	b_text(&b, o->path);
	b_int(&b, o->id);
	return run_one(s, &b, OP_WRITE);
}

int
store_recording_list(struct store *s, const struct st_filter *f,
    int64_t after_id, unsigned int limit, store_recording_cb *cb, void *arg)
{
	struct st_recording o;
	struct lister l = { "recordings", rd_recording, &o, sizeof(o),
	    em_recording, { .recording = cb }, arg };
	struct lq q;

	if (!page_ok(s, after_id, limit, cb != NULL) || !filter_ok(f,
	    FL_TENANT | FL_SERVER | FL_GRANT | FL_LIVE | FL_ENDED))
		return VCM_EINVAL;
	lq_start(&q, "SELECT " REC_COLS " FROM recordings");
	if (f != NULL) {
		lq_if(&q, f->tenant_id, " AND tenant_id = ?");
		lq_if(&q, f->server_id, " AND server_id = ?");
		lq_if(&q, f->grant_id, " AND grant_id = ?");
		if (f->live_only)
			lq_cat(&q, " AND ended = 0");
		lq_if(&q, f->ended_before, " AND ended > 0 AND ended < ?");
	}
	return list_run(s, &q, after_id, limit, &l);
}

int
store_recording_del(struct store *s, int64_t id)
{
	return del_by_id(s, SQ_REC_DEL, id);
}
