/*
 * The store's schema as an ordered list of migrations (migrations.c).
 * Migration N takes a database from version N-1 to N; the backend runs
 * each one inside its own transaction and records N in schema_version
 * in that same transaction, so a failed migration leaves nothing
 * behind. A migration, once released, is never edited: a change to the
 * schema is a new entry at the end.
 */
#ifndef STORE_MIGRATIONS_H
#define STORE_MIGRATIONS_H

#include <stddef.h>

struct store_migration {
	int		 version;	/* 1, 2, ... in order */
	const char	*what;		/* for logs */
	const char	*sql;		/* statements separated by ';' */
};

extern const struct store_migration	store_migrations[];
extern const size_t			store_migration_count;

/*
 * The table holding the versions reached, one row per migration
 * applied. It exists before migration 1 (the runner creates it), so
 * its shape never changes.
 */
#define STORE_SCHEMA_VERSION_SQL					\
	"CREATE TABLE IF NOT EXISTS schema_version ("			\
	" version INTEGER PRIMARY KEY,"					\
	" applied BIGINT NOT NULL)"

#endif
