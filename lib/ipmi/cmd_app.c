/*
 * App commands (netfn 0x06): device identity, session management, user
 * accounts, payloads and cipher suites. Layouts are IPMI 2.0 sections as
 * noted; each table lists the wire fields in order (fields.h).
 */
#include <stddef.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/vbuf.h"
#include "ipmi/fields.h"
#include "ipmi/cmds.h"

static const struct ipmi_field ipmi_no_data_tab[] = {
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_cc_rs_tab[] = {
	IPMI_FLD_CC(ipmi_cc_rs, cc),
	IPMI_FLD_END
};

/* 20.1 Get Device ID. The aux firmware revision is optional. */
static const struct ipmi_field ipmi_get_device_id_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_device_id_rs, cc),
	IPMI_FLD_U8(ipmi_get_device_id_rs, device_id),
	IPMI_FLD_BITS(ipmi_get_device_id_rs, device_rev, 0, 4),
	IPMI_FLD_BITSL(ipmi_get_device_id_rs, provides_sdrs, 7, 1),
	IPMI_FLD_BITS(ipmi_get_device_id_rs, fw_major, 0, 7),
	IPMI_FLD_BITSL(ipmi_get_device_id_rs, update_in_progress, 7, 1),
	IPMI_FLD_U8(ipmi_get_device_id_rs, fw_minor),
	IPMI_FLD_U8(ipmi_get_device_id_rs, ipmi_version),
	IPMI_FLD_U8(ipmi_get_device_id_rs, dev_support),
	IPMI_FLD_U24LE(ipmi_get_device_id_rs, manufacturer_id, 20),
	IPMI_FLD_U16LE(ipmi_get_device_id_rs, product_id),
	IPMI_FLD_OPT(ipmi_get_device_id_rs, has_aux),
	IPMI_FLD_BYTES(ipmi_get_device_id_rs, aux_fw_rev),
	IPMI_FLD_END
};

/* 22.14 Get System GUID. */
static const struct ipmi_field ipmi_get_system_guid_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_system_guid_rs, cc),
	IPMI_FLD_BYTES(ipmi_get_system_guid_rs, guid),
	IPMI_FLD_END
};

/* 22.24 Get Channel Info. */
static const struct ipmi_field ipmi_get_channel_info_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_get_channel_info_rq, channel, 0, 4),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_channel_info_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_channel_info_rs, cc),
	IPMI_FLD_BITSL(ipmi_get_channel_info_rs, channel, 0, 4),
	IPMI_FLD_BITSL(ipmi_get_channel_info_rs, medium, 0, 7),
	IPMI_FLD_BITSL(ipmi_get_channel_info_rs, protocol, 0, 5),
	IPMI_FLD_BITS(ipmi_get_channel_info_rs, active_sessions, 0, 6),
	IPMI_FLD_BITSL(ipmi_get_channel_info_rs, session_support, 6, 2),
	IPMI_FLD_U24LE(ipmi_get_channel_info_rs, vendor_iana, 24),
	IPMI_FLD_BYTES(ipmi_get_channel_info_rs, aux),
	IPMI_FLD_END
};

/* 22.13 Get Channel Authentication Capabilities. */
static const struct ipmi_field ipmi_get_auth_caps_rq_tab[] = {
	IPMI_FLD_BITS(ipmi_get_auth_caps_rq, channel, 0, 4),
	IPMI_FLD_BITSL(ipmi_get_auth_caps_rq, v20_data, 7, 1),
	IPMI_FLD_BITSL(ipmi_get_auth_caps_rq, priv, 0, 4),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_auth_caps_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_auth_caps_rs, cc),
	IPMI_FLD_U8(ipmi_get_auth_caps_rs, channel),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, auth_none, 0, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, auth_md2, 1, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, auth_md5, 2, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, auth_password, 4, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, auth_oem, 5, 1),
	IPMI_FLD_BITSL(ipmi_get_auth_caps_rs, v20_ext, 7, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, anon_login, 0, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, null_users, 1, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, non_null_users, 2, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, user_auth_disabled, 3, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, per_msg_auth_disabled, 4, 1),
	IPMI_FLD_BITSL(ipmi_get_auth_caps_rs, kg_nonzero, 5, 1),
	IPMI_FLD_BITS(ipmi_get_auth_caps_rs, ipmi15, 0, 1),
	IPMI_FLD_BITSL(ipmi_get_auth_caps_rs, ipmi20, 1, 1),
	IPMI_FLD_U24LE(ipmi_get_auth_caps_rs, oem_iana, 24),
	IPMI_FLD_U8(ipmi_get_auth_caps_rs, oem_aux),
	IPMI_FLD_END
};

/* 22.18 Set Session Privilege Level: 0 (no change) through 5 (OEM). */
static const struct ipmi_field ipmi_set_session_priv_rq_tab[] = {
	IPMI_FLD_BITSLR(ipmi_set_session_priv_rq, priv, 0, 4,
	    IPMI_PRIV_NONE, IPMI_PRIV_OEM),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_set_session_priv_rs_tab[] = {
	IPMI_FLD_CC(ipmi_set_session_priv_rs, cc),
	IPMI_FLD_BITSL(ipmi_set_session_priv_rs, priv, 0, 4),
	IPMI_FLD_END
};

/* 22.19 Close Session: the handle follows only a zero session id. */
static const struct ipmi_field ipmi_close_session_rq_tab[] = {
	IPMI_FLD_U32LE(ipmi_close_session_rq, session_id),
	IPMI_FLD_WHEN(ipmi_close_session_rq, session_id, 0, 1),
	IPMI_FLD_U8(ipmi_close_session_rq, handle),
	IPMI_FLD_END
};

/* 22.20 Get Session Info. */
static const struct ipmi_field ipmi_get_session_info_rq_tab[] = {
	IPMI_FLD_U8(ipmi_get_session_info_rq, index),
	IPMI_FLD_WHEN(ipmi_get_session_info_rq, index,
	    IPMI_SESSION_INDEX_HANDLE, 1),
	IPMI_FLD_U8(ipmi_get_session_info_rq, handle),
	IPMI_FLD_WHEN(ipmi_get_session_info_rq, index,
	    IPMI_SESSION_INDEX_ID, 1),
	IPMI_FLD_U32LE(ipmi_get_session_info_rq, session_id),
	IPMI_FLD_END
};

/*
 * The per-session part is absent when the slot is empty; the LAN part
 * is present only for 802.3 channels (ipmi_sim omits it). Other channel
 * types' extra data is refused as trailing bytes.
 */
static const struct ipmi_field ipmi_get_session_info_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_session_info_rs, cc),
	IPMI_FLD_U8(ipmi_get_session_info_rs, handle),
	IPMI_FLD_BITSL(ipmi_get_session_info_rs, slots, 0, 6),
	IPMI_FLD_BITSL(ipmi_get_session_info_rs, active, 0, 6),
	IPMI_FLD_OPT(ipmi_get_session_info_rs, has_session),
	IPMI_FLD_BITSL(ipmi_get_session_info_rs, user_id, 0, 6),
	IPMI_FLD_BITSL(ipmi_get_session_info_rs, priv, 0, 4),
	IPMI_FLD_BITS(ipmi_get_session_info_rs, channel, 0, 4),
	IPMI_FLD_BITSL(ipmi_get_session_info_rs, protocol, 4, 4),
	IPMI_FLD_OPT(ipmi_get_session_info_rs, has_lan),
	IPMI_FLD_BYTES(ipmi_get_session_info_rs, ip),
	IPMI_FLD_BYTES(ipmi_get_session_info_rs, mac),
	IPMI_FLD_U16LE(ipmi_get_session_info_rs, port),
	IPMI_FLD_END
};

/* 22.26 Set User Access; the session limit byte is optional. */
static const struct ipmi_field ipmi_set_user_access_rq_tab[] = {
	IPMI_FLD_BITS(ipmi_set_user_access_rq, channel, 0, 4),
	IPMI_FLD_BITS(ipmi_set_user_access_rq, ipmi_msg, 4, 1),
	IPMI_FLD_BITS(ipmi_set_user_access_rq, link_auth, 5, 1),
	IPMI_FLD_BITS(ipmi_set_user_access_rq, callback_only, 6, 1),
	IPMI_FLD_BITSL(ipmi_set_user_access_rq, change_bits, 7, 1),
	IPMI_FLD_BITSL(ipmi_set_user_access_rq, user_id, 0, 6),
	IPMI_FLD_BITSL(ipmi_set_user_access_rq, priv, 0, 4),
	IPMI_FLD_OPT(ipmi_set_user_access_rq, has_session_limit),
	IPMI_FLD_BITSL(ipmi_set_user_access_rq, session_limit, 0, 4),
	IPMI_FLD_END
};

/* 22.27 Get User Access. */
static const struct ipmi_field ipmi_get_user_access_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_get_user_access_rq, channel, 0, 4),
	IPMI_FLD_BITSL(ipmi_get_user_access_rq, user_id, 0, 6),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_user_access_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_user_access_rs, cc),
	IPMI_FLD_BITSL(ipmi_get_user_access_rs, max_users, 0, 6),
	IPMI_FLD_BITS(ipmi_get_user_access_rs, enabled_users, 0, 6),
	IPMI_FLD_BITSL(ipmi_get_user_access_rs, enable_status, 6, 2),
	IPMI_FLD_BITSL(ipmi_get_user_access_rs, fixed_names, 0, 6),
	IPMI_FLD_BITS(ipmi_get_user_access_rs, priv, 0, 4),
	IPMI_FLD_BITS(ipmi_get_user_access_rs, ipmi_msg, 4, 1),
	IPMI_FLD_BITS(ipmi_get_user_access_rs, link_auth, 5, 1),
	IPMI_FLD_BITSL(ipmi_get_user_access_rs, callback_only, 6, 1),
	IPMI_FLD_END
};

/* 22.28 Set User Name. */
static const struct ipmi_field ipmi_set_user_name_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_set_user_name_rq, user_id, 0, 6),
	IPMI_FLD_BYTES(ipmi_set_user_name_rq, name),
	IPMI_FLD_END
};

/* 22.29 Get User Name. */
static const struct ipmi_field ipmi_get_user_name_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_get_user_name_rq, user_id, 0, 6),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_user_name_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_user_name_rs, cc),
	IPMI_FLD_BYTES(ipmi_get_user_name_rs, name),
	IPMI_FLD_END
};

/*
 * 24.1 Activate Payload. Aux byte 1 as table 24-2 defines it for SOL
 * (the layout ipmitool and FreeIPMI send); aux bytes 2..4 are reserved.
 */
static const struct ipmi_field ipmi_activate_payload_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_activate_payload_rq, payload_type, 0, 6),
	IPMI_FLD_BITSL(ipmi_activate_payload_rq, instance, 0, 4),
	IPMI_FLD_BITS(ipmi_activate_payload_rq, sol_handshake, 1, 1),
	IPMI_FLD_BITS(ipmi_activate_payload_rq, sol_alert, 2, 2),
	IPMI_FLD_BITS(ipmi_activate_payload_rq, sol_test_mode, 5, 1),
	IPMI_FLD_BITS(ipmi_activate_payload_rq, sol_auth, 6, 1),
	IPMI_FLD_BITSL(ipmi_activate_payload_rq, sol_encrypt, 7, 1),
	IPMI_FLD_RSVD(3),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_activate_payload_rs_tab[] = {
	IPMI_FLD_CC(ipmi_activate_payload_rs, cc),
	IPMI_FLD_BYTES(ipmi_activate_payload_rs, aux),
	IPMI_FLD_U16LE(ipmi_activate_payload_rs, inbound_size),
	IPMI_FLD_U16LE(ipmi_activate_payload_rs, outbound_size),
	IPMI_FLD_U16LE(ipmi_activate_payload_rs, port),
	IPMI_FLD_U16LE(ipmi_activate_payload_rs, vlan),
	IPMI_FLD_END
};

/* 24.2 Deactivate Payload. */
static const struct ipmi_field ipmi_deactivate_payload_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_deactivate_payload_rq, payload_type, 0, 6),
	IPMI_FLD_BITSL(ipmi_deactivate_payload_rq, instance, 0, 4),
	IPMI_FLD_RSVD(4),
	IPMI_FLD_END
};

/* 24.4 Get Payload Activation Status. */
static const struct ipmi_field ipmi_get_payload_status_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_get_payload_status_rq, payload_type, 0, 6),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_payload_status_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_payload_status_rs, cc),
	IPMI_FLD_BITSL(ipmi_get_payload_status_rs, capacity, 0, 4),
	IPMI_FLD_U16LE(ipmi_get_payload_status_rs, active),
	IPMI_FLD_END
};

/* 24.8 Get Channel Payload Support. */
static const struct ipmi_field ipmi_get_channel_payload_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_get_channel_payload_rq, channel, 0, 4),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_channel_payload_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_channel_payload_rs, cc),
	IPMI_FLD_U16LE(ipmi_get_channel_payload_rs, standard),
	IPMI_FLD_U16LE(ipmi_get_channel_payload_rs, session_setup),
	IPMI_FLD_U16LE(ipmi_get_channel_payload_rs, oem),
	IPMI_FLD_RSVD(2),
	IPMI_FLD_END
};

/* 22.15 Get Channel Cipher Suites: up to 16 bytes of record data. */
static const struct ipmi_field ipmi_get_channel_ciphers_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_get_channel_ciphers_rq, channel, 0, 4),
	IPMI_FLD_U8(ipmi_get_channel_ciphers_rq, payload_type),
	IPMI_FLD_BITS(ipmi_get_channel_ciphers_rq, list_index, 0, 6),
	IPMI_FLD_BITSL(ipmi_get_channel_ciphers_rq, by_suite, 7, 1),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_channel_ciphers_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_channel_ciphers_rs, cc),
	IPMI_FLD_U8(ipmi_get_channel_ciphers_rs, channel),
	IPMI_FLD_TAIL(ipmi_get_channel_ciphers_rs, data, data_len),
	IPMI_FLD_END
};

#define IPMI_APP_CMD(c, n, rqs, rqt, rss, rst)				\
	{ IPMI_NETFN_APP, (c), (n), (rqt), sizeof(struct rqs), (rst),	\
	  sizeof(struct rss) }

const struct ipmi_cmd ipmi_cmds_app[] = {
	IPMI_APP_CMD(IPMI_CMD_GET_DEVICE_ID, "Get Device ID",
	    ipmi_no_data, ipmi_no_data_tab,
	    ipmi_get_device_id_rs, ipmi_get_device_id_rs_tab),
	/* 20.8 Get Device GUID has the layout of Get System GUID. */
	IPMI_APP_CMD(IPMI_CMD_GET_DEVICE_GUID, "Get Device GUID",
	    ipmi_no_data, ipmi_no_data_tab,
	    ipmi_get_system_guid_rs, ipmi_get_system_guid_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_SYSTEM_GUID, "Get System GUID",
	    ipmi_no_data, ipmi_no_data_tab,
	    ipmi_get_system_guid_rs, ipmi_get_system_guid_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_CHANNEL_INFO, "Get Channel Info",
	    ipmi_get_channel_info_rq, ipmi_get_channel_info_rq_tab,
	    ipmi_get_channel_info_rs, ipmi_get_channel_info_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_CHANNEL_AUTH_CAPS,
	    "Get Channel Authentication Capabilities",
	    ipmi_get_auth_caps_rq, ipmi_get_auth_caps_rq_tab,
	    ipmi_get_auth_caps_rs, ipmi_get_auth_caps_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_SET_SESSION_PRIV, "Set Session Privilege Level",
	    ipmi_set_session_priv_rq, ipmi_set_session_priv_rq_tab,
	    ipmi_set_session_priv_rs, ipmi_set_session_priv_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_CLOSE_SESSION, "Close Session",
	    ipmi_close_session_rq, ipmi_close_session_rq_tab,
	    ipmi_cc_rs, ipmi_cc_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_SESSION_INFO, "Get Session Info",
	    ipmi_get_session_info_rq, ipmi_get_session_info_rq_tab,
	    ipmi_get_session_info_rs, ipmi_get_session_info_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_SET_USER_ACCESS, "Set User Access",
	    ipmi_set_user_access_rq, ipmi_set_user_access_rq_tab,
	    ipmi_cc_rs, ipmi_cc_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_USER_ACCESS, "Get User Access",
	    ipmi_get_user_access_rq, ipmi_get_user_access_rq_tab,
	    ipmi_get_user_access_rs, ipmi_get_user_access_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_SET_USER_NAME, "Set User Name",
	    ipmi_set_user_name_rq, ipmi_set_user_name_rq_tab,
	    ipmi_cc_rs, ipmi_cc_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_USER_NAME, "Get User Name",
	    ipmi_get_user_name_rq, ipmi_get_user_name_rq_tab,
	    ipmi_get_user_name_rs, ipmi_get_user_name_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_ACTIVATE_PAYLOAD, "Activate Payload",
	    ipmi_activate_payload_rq, ipmi_activate_payload_rq_tab,
	    ipmi_activate_payload_rs, ipmi_activate_payload_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_DEACTIVATE_PAYLOAD, "Deactivate Payload",
	    ipmi_deactivate_payload_rq, ipmi_deactivate_payload_rq_tab,
	    ipmi_cc_rs, ipmi_cc_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_PAYLOAD_STATUS,
	    "Get Payload Activation Status",
	    ipmi_get_payload_status_rq, ipmi_get_payload_status_rq_tab,
	    ipmi_get_payload_status_rs, ipmi_get_payload_status_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_CHANNEL_PAYLOAD,
	    "Get Channel Payload Support",
	    ipmi_get_channel_payload_rq, ipmi_get_channel_payload_rq_tab,
	    ipmi_get_channel_payload_rs, ipmi_get_channel_payload_rs_tab),
	IPMI_APP_CMD(IPMI_CMD_GET_CHANNEL_CIPHERS,
	    "Get Channel Cipher Suites",
	    ipmi_get_channel_ciphers_rq, ipmi_get_channel_ciphers_rq_tab,
	    ipmi_get_channel_ciphers_rs, ipmi_get_channel_ciphers_rs_tab),
};

const size_t ipmi_cmds_app_count =
    sizeof(ipmi_cmds_app) / sizeof(ipmi_cmds_app[0]);

/* Record tags and algorithm tags in cipher suite record data (22.15). */
#define IPMI_CS_REC_STD		0xc0
#define IPMI_CS_REC_OEM		0xc1
#define IPMI_CS_TAG_MASK	0xc0
#define IPMI_CS_TAG_AUTH	0x00
#define IPMI_CS_TAG_INTEG	0x40
#define IPMI_CS_TAG_CONF	0x80
#define IPMI_CS_ALG_MASK	0x3f

/*
 * Reads the algorithm bytes of one record (up to the next record tag or
 * the end) into cs. Exactly one authentication algorithm and at least
 * one integrity and one confidentiality algorithm must be listed; a
 * record cut short by the end of the data is VCM_ETRUNC, one followed
 * by another record without them VCM_EBADMSG.
 */
static int
ipmi_cs_algorithms(struct vbuf_rd *r, struct ipmi_cipher_record *cs)
{
	int auth = 0, integ = 0, conf = 0;
	uint8_t b, alg;

	while (vbuf_left(r) > 0 && vbuf_peek_u8(r) < IPMI_CS_REC_STD) {
		b = vbuf_get_u8(r);
		alg = b & IPMI_CS_ALG_MASK;
		switch (b & IPMI_CS_TAG_MASK) {
		case IPMI_CS_TAG_AUTH:
			if (auth++)
				return VCM_EBADMSG;
			cs->auth = alg;
			break;
		case IPMI_CS_TAG_INTEG:
			if (integ++ == 0)
				cs->integ = alg;
			cs->integ_mask |= (uint64_t)1 << alg;
			break;
		default:	/* IPMI_CS_TAG_CONF: 0xc0 and up end the loop */
			if (conf++ == 0)
				cs->conf = alg;
			cs->conf_mask |= (uint64_t)1 << alg;
			break;
		}
	}
	if (auth && integ && conf)
		return 0;
	return vbuf_left(r) == 0 ? VCM_ETRUNC : VCM_EBADMSG;
}

/* Parses concatenated cipher suite records; see cmds.h. */
int
ipmi_cipher_suite_records_parse(const uint8_t *p, size_t len,
    struct ipmi_cipher_record *out, size_t cap)
{
	struct ipmi_cipher_record cs;
	struct vbuf_rd r;
	uint8_t tag, iana[3];
	size_t n = 0;
	int rc;

	if ((p == NULL && len != 0) || (out == NULL && cap != 0))
		return VCM_EINVAL;
	if (len > VCM_IPMI_CIPHER_DATA_MAX)
		return VCM_ERANGE;
	if (cap > VCM_IPMI_CIPHER_SUITES_MAX)
		cap = VCM_IPMI_CIPHER_SUITES_MAX;
	vbuf_rd_init(&r, p, len);
	while (vbuf_left(&r) > 0) {
		memset(&cs, 0, sizeof(cs));
		tag = vbuf_get_u8(&r);
		if (tag != IPMI_CS_REC_STD && tag != IPMI_CS_REC_OEM)
			return VCM_EBADMSG;
		cs.id = vbuf_get_u8(&r);
		if (tag == IPMI_CS_REC_OEM) {
			cs.oem = 1;
			vbuf_get_bytes(&r, iana, sizeof(iana));
			cs.oem_iana = (uint32_t)iana[0] |
			    (uint32_t)iana[1] << 8 | (uint32_t)iana[2] << 16;
		}
		if (r.err)
			return r.err;
		if ((rc = ipmi_cs_algorithms(&r, &cs)) != 0)
			return rc;
		if (n < cap)
			out[n++] = cs;
	}
	if ((rc = vbuf_end(&r)) != 0)
		return rc;
	return (int)n;
}
