/*
 * Command and parameter dispatch: finds a command's descriptor by netfn
 * and number and runs the field engine (fields.c) on its tables, which
 * live one file per network function (cmd_app.c, cmd_chassis.c,
 * cmd_transport.c).
 */
#include "vcm/err.h"
#include "ipmi/cmds.h"

/* Every command group's table, in lookup order. */
static const struct {
	const struct ipmi_cmd	*cmds;
	const size_t		*count;
} ipmi_cmd_groups[] = {
	{ ipmi_cmds_app, &ipmi_cmds_app_count },
	{ ipmi_cmds_chassis, &ipmi_cmds_chassis_count },
	{ ipmi_cmds_transport, &ipmi_cmds_transport_count },
};

#define IPMI_CMD_NGROUPS \
	(sizeof(ipmi_cmd_groups) / sizeof(ipmi_cmd_groups[0]))

/* Number of commands the codec knows, for iteration (tests, fuzzing). */
size_t
ipmi_cmd_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < IPMI_CMD_NGROUPS; i++)
		n += *ipmi_cmd_groups[i].count;
	return n;
}

/* The i-th known command, or NULL past the end. */
const struct ipmi_cmd *
ipmi_cmd_at(size_t i)
{
	size_t g;

	for (g = 0; g < IPMI_CMD_NGROUPS; g++) {
		if (i < *ipmi_cmd_groups[g].count)
			return &ipmi_cmd_groups[g].cmds[i];
		i -= *ipmi_cmd_groups[g].count;
	}
	return NULL;
}

/* Looks a command up by network function (even, request) and number. */
const struct ipmi_cmd *
ipmi_cmd_find(uint8_t netfn, uint8_t cmd)
{
	const struct ipmi_cmd *c;
	size_t i;

	netfn &= 0x3e;	/* a response netfn (odd) names the same command */
	for (i = 0; (c = ipmi_cmd_at(i)) != NULL; i++)
		if (c->netfn == netfn && c->cmd == cmd)
			return c;
	return NULL;
}

/* Encodes a request struct of size sz; returns the length or VCM_E*. */
int
ipmi_cmd_encode_rq(const struct ipmi_cmd *c, const void *rq, size_t sz,
    uint8_t *buf, size_t cap)
{
	if (c == NULL || sz != c->rq_size)
		return VCM_EINVAL;
	return ipmi_fields_encode(c->rq, rq, sz, buf, cap);
}

/* Decodes request data into a struct of size sz; 0 or VCM_E*. */
int
ipmi_cmd_decode_rq(const struct ipmi_cmd *c, void *rq, size_t sz,
    const uint8_t *p, size_t len)
{
	if (c == NULL || sz != c->rq_size)
		return VCM_EINVAL;
	return ipmi_fields_decode(c->rq, rq, sz, p, len);
}

/* Encodes a response (completion code first); length or VCM_E*. */
int
ipmi_cmd_encode_rs(const struct ipmi_cmd *c, const void *rs, size_t sz,
    uint8_t *buf, size_t cap)
{
	if (c == NULL || sz != c->rs_size)
		return VCM_EINVAL;
	return ipmi_fields_encode(c->rs, rs, sz, buf, cap);
}

/*
 * Decodes response data (completion code first). A non-zero completion
 * code is success here: the struct holds only that code, which the
 * caller reads from its cc member.
 */
int
ipmi_cmd_decode_rs(const struct ipmi_cmd *c, void *rs, size_t sz,
    const uint8_t *p, size_t len)
{
	if (c == NULL || sz != c->rs_size)
		return VCM_EINVAL;
	return ipmi_fields_decode(c->rs, rs, sz, p, len);
}

/* Decodes one configuration parameter's data by its descriptor. */
int
ipmi_param_decode(const struct ipmi_param *d, void *s, size_t sz,
    const uint8_t *p, size_t len)
{
	if (d == NULL || sz != d->size)
		return VCM_EINVAL;
	return ipmi_fields_decode(d->fields, s, sz, p, len);
}

/* Encodes one configuration parameter's data; length or VCM_E*. */
int
ipmi_param_encode(const struct ipmi_param *d, const void *s, size_t sz,
    uint8_t *buf, size_t cap)
{
	if (d == NULL || sz != d->size)
		return VCM_EINVAL;
	return ipmi_fields_encode(d->fields, s, sz, buf, cap);
}

/* Finds the helper descriptor for a parameter group and selector. */
const struct ipmi_param *
ipmi_param_find(int group, uint8_t selector)
{
	const struct ipmi_param *tab;
	size_t i, n;

	if (group == IPMI_PARAM_BOOT) {
		tab = ipmi_params_boot;
		n = ipmi_params_boot_count;
	} else {
		tab = ipmi_params_transport;
		n = ipmi_params_transport_count;
	}
	for (i = 0; i < n; i++)
		if (tab[i].group == group && tab[i].selector == selector)
			return &tab[i];
	return NULL;
}
