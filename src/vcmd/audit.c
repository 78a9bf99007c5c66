/*
 * Audit events: who did what to which object, with what outcome. Each
 * one is appended to the store (never updated or deleted) and logged.
 * A store failure is logged and does not fail the action it records:
 * the action has already happened, and the log line keeps the record.
 */
#include <stdio.h>
#include <string.h>

#include "vcm/log.h"
#include "vcmd/vcmd.h"

static void
copy(char *dst, size_t dstsz, const char *src)
{
	snprintf(dst, dstsz, "%s", src ? src : "");
}

void
audit(struct vcmd *d, const char *actor, const char *action,
    int64_t tenant_id, int64_t server_id, int64_t grant_id, int64_t bmc_id,
    const char *outcome, const char *detail)
{
	struct st_audit a;
	char t[24], s[24], g[24], b[24];
	int64_t rc;

	memset(&a, 0, sizeof(a));
	a.time = vcmd_now_ms();
	copy(a.actor, sizeof(a.actor), actor);
	copy(a.action, sizeof(a.action), action);
	copy(a.outcome, sizeof(a.outcome), outcome ? outcome : "ok");
	copy(a.detail, sizeof(a.detail), detail);
	a.tenant_id = tenant_id;
	a.server_id = server_id;
	a.grant_id = grant_id;
	a.bmc_id = bmc_id;
	snprintf(t, sizeof(t), "%lld", (long long)tenant_id);
	snprintf(s, sizeof(s), "%lld", (long long)server_id);
	snprintf(g, sizeof(g), "%lld", (long long)grant_id);
	snprintf(b, sizeof(b), "%lld", (long long)bmc_id);
	vcm_log(VCM_LOG_INFO, "audit", "actor", a.actor, "action", a.action,
	    "tenant", t, "server", s, "grant", g, "bmc", b,
	    "outcome", a.outcome, "detail", a.detail, NULL);
	if ((rc = store_audit_add(d->st, &a)) < 0)
		vcm_log(VCM_LOG_ERROR, "audit_store_failed", "action", a.action,
		    "error", store_errmsg(d->st), NULL);
}
