/*
 * Transport commands (netfn 0x0C): LAN and SOL configuration parameters
 * (IPMI 2.0 sections 23 and 26), with helpers for the parameters vcm and
 * bmcsim use. Each table lists the wire fields in order (fields.h).
 */
#include <stddef.h>

#include "ipmi/fields.h"
#include "ipmi/cmds.h"

static const struct ipmi_field ipmi_transport_cc_rs_tab[] = {
	IPMI_FLD_CC(ipmi_cc_rs, cc),
	IPMI_FLD_END
};

/* 23.1 Set LAN / 26.2 Set SOL Configuration Parameters. */
static const struct ipmi_field ipmi_set_config_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_set_config_rq, channel, 0, 4),
	IPMI_FLD_U8(ipmi_set_config_rq, param),
	IPMI_FLD_TAIL(ipmi_set_config_rq, data, data_len),
	IPMI_FLD_END
};

/* 23.2 Get LAN / 26.3 Get SOL Configuration Parameters. */
static const struct ipmi_field ipmi_get_config_rq_tab[] = {
	IPMI_FLD_BITS(ipmi_get_config_rq, channel, 0, 4),
	IPMI_FLD_BITSL(ipmi_get_config_rq, revision_only, 7, 1),
	IPMI_FLD_U8(ipmi_get_config_rq, param),
	IPMI_FLD_U8(ipmi_get_config_rq, set),
	IPMI_FLD_U8(ipmi_get_config_rq, block),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_config_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_config_rs, cc),
	IPMI_FLD_U8(ipmi_get_config_rs, revision),
	IPMI_FLD_TAIL(ipmi_get_config_rs, data, data_len),
	IPMI_FLD_END
};

#define IPMI_TRANSPORT_CMD(c, n, rqs, rqt, rss, rst)			\
	{ IPMI_NETFN_TRANSPORT, (c), (n), (rqt), sizeof(struct rqs),	\
	  (rst), sizeof(struct rss) }

const struct ipmi_cmd ipmi_cmds_transport[] = {
	IPMI_TRANSPORT_CMD(IPMI_CMD_SET_LAN_CONFIG,
	    "Set LAN Configuration Parameters",
	    ipmi_set_config_rq, ipmi_set_config_rq_tab,
	    ipmi_cc_rs, ipmi_transport_cc_rs_tab),
	IPMI_TRANSPORT_CMD(IPMI_CMD_GET_LAN_CONFIG,
	    "Get LAN Configuration Parameters",
	    ipmi_get_config_rq, ipmi_get_config_rq_tab,
	    ipmi_get_config_rs, ipmi_get_config_rs_tab),
	IPMI_TRANSPORT_CMD(IPMI_CMD_SET_SOL_CONFIG,
	    "Set SOL Configuration Parameters",
	    ipmi_set_config_rq, ipmi_set_config_rq_tab,
	    ipmi_cc_rs, ipmi_transport_cc_rs_tab),
	IPMI_TRANSPORT_CMD(IPMI_CMD_GET_SOL_CONFIG,
	    "Get SOL Configuration Parameters",
	    ipmi_get_config_rq, ipmi_get_config_rq_tab,
	    ipmi_get_config_rs, ipmi_get_config_rs_tab),
};

const size_t ipmi_cmds_transport_count =
    sizeof(ipmi_cmds_transport) / sizeof(ipmi_cmds_transport[0]);

/* Parameter 0 of both groups: set in progress. */
static const struct ipmi_field ipmi_config_in_progress_tab[] = {
	IPMI_FLD_BITSLR(ipmi_param_in_progress, state, 0, 2,
	    IPMI_SET_COMPLETE, IPMI_SET_COMMIT_WRITE),
	IPMI_FLD_END
};

/* LAN 4: IP address source. */
static const struct ipmi_field ipmi_lan_ip_source_tab[] = {
	IPMI_FLD_BITSL(ipmi_lan_ip_source, source, 0, 4),
	IPMI_FLD_END
};

/* LAN 3, 6, 12: an IPv4 address, MS byte first. */
static const struct ipmi_field ipmi_lan_ipv4_tab[] = {
	IPMI_FLD_BYTES(ipmi_lan_ipv4, addr),
	IPMI_FLD_END
};

/* LAN 22: cipher suite entry support, at most 16. */
static const struct ipmi_field ipmi_lan_cs_support_tab[] = {
	IPMI_FLD_BITSLR(ipmi_lan_cs_support, count, 0, 5,
	    0, IPMI_LAN_CS_ENTRIES_MAX),
	IPMI_FLD_END
};

/* LAN 23: a reserved byte, then one suite id per supported entry. */
static const struct ipmi_field ipmi_lan_cs_entries_tab[] = {
	IPMI_FLD_RSVD(1),
	IPMI_FLD_TAIL(ipmi_lan_cs_entries, ids, count),
	IPMI_FLD_END
};

/* LAN 24: a reserved byte, then 16 maximum privileges, two per byte. */
#define IPMI_CS_PRIV_PAIR(i)						\
	IPMI_FLD_BITS(ipmi_lan_cs_priv, priv[(i)], 0, 4),		\
	IPMI_FLD_BITSL(ipmi_lan_cs_priv, priv[(i) + 1], 4, 4)

static const struct ipmi_field ipmi_lan_cs_priv_tab[] = {
	IPMI_FLD_RSVD(1),
	IPMI_CS_PRIV_PAIR(0), IPMI_CS_PRIV_PAIR(2), IPMI_CS_PRIV_PAIR(4),
	IPMI_CS_PRIV_PAIR(6), IPMI_CS_PRIV_PAIR(8), IPMI_CS_PRIV_PAIR(10),
	IPMI_CS_PRIV_PAIR(12), IPMI_CS_PRIV_PAIR(14),
	IPMI_FLD_END
};

/* SOL 1: SOL enable. */
static const struct ipmi_field ipmi_sol_enable_tab[] = {
	IPMI_FLD_BITSL(ipmi_sol_enable, enable, 0, 1),
	IPMI_FLD_END
};

/* SOL 2: SOL authentication. */
static const struct ipmi_field ipmi_sol_auth_tab[] = {
	IPMI_FLD_BITS(ipmi_sol_auth, priv, 0, 4),
	IPMI_FLD_BITS(ipmi_sol_auth, force_auth, 6, 1),
	IPMI_FLD_BITSL(ipmi_sol_auth, force_encrypt, 7, 1),
	IPMI_FLD_END
};

/* SOL 5: retry count and interval. */
static const struct ipmi_field ipmi_sol_accumulate_tab[] = {
	IPMI_FLD_U8(ipmi_sol_accumulate, interval),
	IPMI_FLD_U8(ipmi_sol_accumulate, threshold),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_sol_retry_tab[] = {
	IPMI_FLD_BITSL(ipmi_sol_retry, count, 0, 3),
	IPMI_FLD_U8(ipmi_sol_retry, interval),
	IPMI_FLD_END
};

/* SOL 6 and 7: non-volatile and volatile bit rate. */
static const struct ipmi_field ipmi_sol_bit_rate_tab[] = {
	IPMI_FLD_BITSL(ipmi_sol_bit_rate, rate, 0, 4),
	IPMI_FLD_END
};

/* SOL 8: payload channel (read only). */
static const struct ipmi_field ipmi_sol_channel_tab[] = {
	IPMI_FLD_U8(ipmi_sol_channel, channel),
	IPMI_FLD_END
};

/* SOL 9: payload port number, LS byte first. */
static const struct ipmi_field ipmi_sol_port_tab[] = {
	IPMI_FLD_U16LE(ipmi_sol_port, port),
	IPMI_FLD_END
};

const struct ipmi_param ipmi_params_transport[] = {
	{ IPMI_PARAM_LAN, 0, "set in progress",
	  ipmi_config_in_progress_tab, sizeof(struct ipmi_param_in_progress) },
	{ IPMI_PARAM_LAN, IPMI_LAN_PARAM_IP, "IP address",
	  ipmi_lan_ipv4_tab, sizeof(struct ipmi_lan_ipv4) },
	{ IPMI_PARAM_LAN, IPMI_LAN_PARAM_IP_SOURCE, "IP address source",
	  ipmi_lan_ip_source_tab, sizeof(struct ipmi_lan_ip_source) },
	{ IPMI_PARAM_LAN, IPMI_LAN_PARAM_NETMASK, "subnet mask",
	  ipmi_lan_ipv4_tab, sizeof(struct ipmi_lan_ipv4) },
	{ IPMI_PARAM_LAN, IPMI_LAN_PARAM_GATEWAY, "default gateway address",
	  ipmi_lan_ipv4_tab, sizeof(struct ipmi_lan_ipv4) },
	{ IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_SUPPORT,
	  "cipher suite entry support",
	  ipmi_lan_cs_support_tab, sizeof(struct ipmi_lan_cs_support) },
	{ IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_ENTRIES, "cipher suite entries",
	  ipmi_lan_cs_entries_tab, sizeof(struct ipmi_lan_cs_entries) },
	{ IPMI_PARAM_LAN, IPMI_LAN_PARAM_CS_PRIV,
	  "RMCP+ messaging cipher suite privilege levels",
	  ipmi_lan_cs_priv_tab, sizeof(struct ipmi_lan_cs_priv) },
	{ IPMI_PARAM_SOL, 0, "set in progress",
	  ipmi_config_in_progress_tab, sizeof(struct ipmi_param_in_progress) },
	{ IPMI_PARAM_SOL, IPMI_SOL_PARAM_ENABLE, "SOL enable",
	  ipmi_sol_enable_tab, sizeof(struct ipmi_sol_enable) },
	{ IPMI_PARAM_SOL, IPMI_SOL_PARAM_AUTH, "SOL authentication",
	  ipmi_sol_auth_tab, sizeof(struct ipmi_sol_auth) },
	{ IPMI_PARAM_SOL, IPMI_SOL_PARAM_ACCUMULATE,
	  "SOL character accumulate interval and send threshold",
	  ipmi_sol_accumulate_tab, sizeof(struct ipmi_sol_accumulate) },
	{ IPMI_PARAM_SOL, IPMI_SOL_PARAM_RETRY, "SOL retry",
	  ipmi_sol_retry_tab, sizeof(struct ipmi_sol_retry) },
	{ IPMI_PARAM_SOL, IPMI_SOL_PARAM_NV_BIT_RATE,
	  "SOL non-volatile bit rate",
	  ipmi_sol_bit_rate_tab, sizeof(struct ipmi_sol_bit_rate) },
	{ IPMI_PARAM_SOL, IPMI_SOL_PARAM_V_BIT_RATE, "SOL volatile bit rate",
	  ipmi_sol_bit_rate_tab, sizeof(struct ipmi_sol_bit_rate) },
	{ IPMI_PARAM_SOL, IPMI_SOL_PARAM_CHANNEL, "SOL payload channel",
	  ipmi_sol_channel_tab, sizeof(struct ipmi_sol_channel) },
	{ IPMI_PARAM_SOL, IPMI_SOL_PARAM_PORT, "SOL payload port number",
	  ipmi_sol_port_tab, sizeof(struct ipmi_sol_port) },
};

const size_t ipmi_params_transport_count =
    sizeof(ipmi_params_transport) / sizeof(ipmi_params_transport[0]);
