/*
 * vcmd's state on disk, opened at start in an order where each step
 * needs only the ones before it:
 *
 *	state directory (0700) -> vault keys (created on first start) ->
 *	store (migrations) -> TLS certificate (self-signed when absent) ->
 *	operator API key (first start only: written to a root-only file,
 *	whose path is printed; the key itself is never printed or logged)
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcm/wipe.h"
#include "vcmd/tlsgen.h"
#include "vcmd/token.h"
#include "vcmd/vcmd.h"

int64_t
vcmd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
vcmd_cookie(struct vcmd *d)
{
	return ++d->next_cookie;
}

/* mkdir -p with mode for the last component and its parents. */
static int
mkdirs(const char *path, mode_t mode)
{
	char buf[VCM_CONFIG_PATH_SIZE], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return VCM_ERANGE;
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return VCM_EIO;
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return VCM_EIO;
	return 0;
}

static int
dir_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL) {
		snprintf(out, outsz, ".");
		return 0;
	}
	n = (size_t)(slash - path);
	if (n >= outsz)
		return VCM_ERANGE;
	memcpy(out, path, n);
	out[n] = '\0';
	return 0;
}

static int
vault_open(struct vcmd *d)
{
	struct vault_key k;
	char dir[VCM_CONFIG_PATH_SIZE];
	int rc;

	rc = vault_keyring_load(&d->keys, d->cfg.vault_key);
	if (rc != VCM_ENOTFOUND)
		return rc;
	/* A rotation may have stopped between its two renames. */
	if (vault_key_promote(d->cfg.vault_key) == 0)
		return vault_keyring_load(&d->keys, d->cfg.vault_key);
	if ((rc = dir_of(d->cfg.vault_key, dir, sizeof(dir))) != 0 ||
	    (rc = mkdirs(dir, 0700)) != 0)
		return rc;
	if ((rc = vault_key_generate(&k)) != 0 ||
	    (rc = vault_key_save(d->cfg.vault_key, &k)) != 0) {
		vault_key_wipe(&k);
		return rc;
	}
	vault_key_wipe(&k);
	vcm_log(VCM_LOG_WARN, "vault_key_created", "path", d->cfg.vault_key,
	    "note", "back this file up: without it the BMC credentials "
	    "cannot be opened", NULL);
	return vault_keyring_load(&d->keys, d->cfg.vault_key);
}

/* Writes the new operator key to a file only root (we) can read. */
static int
operator_key_write(const char *path, const char *tok)
{
	char dir[VCM_CONFIG_PATH_SIZE];
	size_t n = strlen(tok);
	int fd, rc;

	if ((rc = dir_of(path, dir, sizeof(dir))) != 0 ||
	    (rc = mkdirs(dir, 0700)) != 0)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return errno == EEXIST ? VCM_ECONFLICT : VCM_EIO;
	if (write(fd, tok, n) != (ssize_t)n || write(fd, "\n", 1) != 1 ||
	    fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return VCM_EIO;
	}
	return close(fd) == 0 ? 0 : VCM_EIO;
}

static int
operator_key(struct vcmd *d)
{
	struct st_apikey k;
	char tok[VCM_TOKEN_STR_MAX + 1], flag[8];
	int64_t id;
	int rc;

	if (store_meta_get(d->st, "operator_key_created", flag,
	    sizeof(flag)) >= 0)
		return 0;
	memset(&k, 0, sizeof(k));
	snprintf(k.name, sizeof(k.name), "operator");
	if ((rc = token_new(TOKEN_API, tok, sizeof(tok))) < 0)
		return rc;
	token_hash(tok, k.hash);
	rc = operator_key_write(d->cfg.operator_key_file, tok);
	vcm_wipe(tok, sizeof(tok));
	if (rc != 0) {
		vcm_log(VCM_LOG_ERROR, "operator_key_write_failed", "path",
		    d->cfg.operator_key_file, "error", vcm_strerror(rc), NULL);
		return rc;
	}
	if ((id = store_apikey_add(d->st, &k)) < 0)
		return (int)id;
	if ((rc = store_meta_set(d->st, "operator_key_created", "1")) != 0)
		return rc;
	audit(d, "vcmd", "key.create", 0, 0, 0, 0, "ok", "first operator key");
	printf("vcmd: operator API key written to %s\n",
	    d->cfg.operator_key_file);
	fflush(stdout);
	return 0;
}

int
daemon_open_state(struct vcmd *d)
{
	const char *names[3] = { "localhost", d->cfg.listen, NULL };
	char dir[VCM_CONFIG_PATH_SIZE];
	int rc;

	umask(077);
	if ((rc = mkdirs(d->cfg.state_dir, 0700)) != 0) {
		fprintf(stderr, "vcmd: cannot create %s: %s\n",
		    d->cfg.state_dir, strerror(errno));
		return rc;
	}
	if ((rc = vault_open(d)) != 0) {
		fprintf(stderr, "vcmd: vault key %s: %s\n", d->cfg.vault_key,
		    vcm_strerror(rc));
		return rc;
	}
	if ((rc = store_open(d->cfg.db, &d->st)) != 0) {
		fprintf(stderr, "vcmd: store %s: %s\n", d->cfg.db,
		    vcm_strerror(rc));
		return rc;
	}
	if ((rc = dir_of(d->cfg.tls_cert, dir, sizeof(dir))) != 0 ||
	    (rc = mkdirs(dir, 0700)) != 0 ||
	    (rc = tlsgen_ensure(d->cfg.tls_cert, d->cfg.tls_key, names,
	    strcmp(d->cfg.listen, "localhost") == 0 ? 1 : 2)) != 0) {
		fprintf(stderr, "vcmd: TLS certificate %s: %s\n",
		    d->cfg.tls_cert, vcm_strerror(rc));
		return rc;
	}
	if ((rc = operator_key(d)) != 0) {
		fprintf(stderr, "vcmd: operator key %s: %s\n",
		    d->cfg.operator_key_file, vcm_strerror(rc));
		return rc;
	}
	return 0;
}

void
daemon_close_state(struct vcmd *d)
{
	if (d->st != NULL)
		store_close(d->st);
	d->st = NULL;
	vault_keyring_wipe(&d->keys);
}
