/*
 * IPMI command codecs: one struct per request and per response, one
 * descriptor per command, each described by a field table (fields.h).
 * Both the vcm engine (client) and bmcsim (server) use these, so every
 * command encodes and decodes both directions.
 *
 * "Data" here is what follows the command byte of an IPMI message.
 * Response data starts with the completion code; when it is not 0x00 the
 * rest may be absent, and decoding stores only cc (see fields.h).
 * Every response struct has cc as its first member.
 *
 * Layouts follow the IPMI 2.0 specification (rev. 1.1); section numbers
 * are given per command in the .c files.
 */
#ifndef IPMI_CMDS_H
#define IPMI_CMDS_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"
#include "ipmi/defs.h"
#include "ipmi/fields.h"

/* Record data one Get Channel Cipher Suites response carries (22.15). */
#define IPMI_CIPHER_RECORD_CHUNK	16


/* App (netfn 0x06). */
#define IPMI_CMD_GET_DEVICE_ID		0x01
#define IPMI_CMD_GET_DEVICE_GUID	0x08
#define IPMI_CMD_GET_CHANNEL_INFO	0x42
#define IPMI_CMD_GET_SYSTEM_GUID	0x37
#define IPMI_CMD_GET_CHANNEL_AUTH_CAPS	0x38
#define IPMI_CMD_SET_SESSION_PRIV	0x3b
#define IPMI_CMD_CLOSE_SESSION		0x3c
#define IPMI_CMD_GET_SESSION_INFO	0x3d
#define IPMI_CMD_SET_USER_ACCESS	0x43
#define IPMI_CMD_GET_USER_ACCESS	0x44
#define IPMI_CMD_SET_USER_NAME		0x45
#define IPMI_CMD_GET_USER_NAME		0x46
#define IPMI_CMD_ACTIVATE_PAYLOAD	0x48
#define IPMI_CMD_DEACTIVATE_PAYLOAD	0x49
#define IPMI_CMD_GET_PAYLOAD_STATUS	0x4a
#define IPMI_CMD_GET_CHANNEL_PAYLOAD	0x4e
#define IPMI_CMD_GET_CHANNEL_CIPHERS	0x54

/* Chassis (netfn 0x00). */
#define IPMI_CMD_GET_CHASSIS_STATUS	0x01
#define IPMI_CMD_CHASSIS_CONTROL	0x02
#define IPMI_CMD_SET_BOOT_OPTIONS	0x08
#define IPMI_CMD_GET_BOOT_OPTIONS	0x09

/* Transport (netfn 0x0C). */
#define IPMI_CMD_SET_LAN_CONFIG		0x01
#define IPMI_CMD_GET_LAN_CONFIG		0x02
#define IPMI_CMD_SET_SOL_CONFIG		0x21
#define IPMI_CMD_GET_SOL_CONFIG		0x22

/* Chassis Control values (28.3). */
#define IPMI_CHASSIS_POWER_DOWN		0
#define IPMI_CHASSIS_POWER_UP		1
#define IPMI_CHASSIS_POWER_CYCLE	2
#define IPMI_CHASSIS_HARD_RESET		3
#define IPMI_CHASSIS_PULSE_DIAG		4
#define IPMI_CHASSIS_SOFT_SHUTDOWN	5

/* Get Session Info session index (22.20). */
#define IPMI_SESSION_INDEX_CURRENT	0x00
#define IPMI_SESSION_INDEX_HANDLE	0xfe
#define IPMI_SESSION_INDEX_ID		0xff

/* Requests that carry no data, and responses that carry only a cc. */
struct ipmi_no_data {
	uint8_t		unused;
};

struct ipmi_cc_rs {
	uint8_t		cc;
};

/* ---- App ------------------------------------------------------------ */

/* Get Device ID (20.1): request has no data. */
struct ipmi_get_device_id_rs {
	uint8_t		cc;
	uint8_t		device_id;
	uint8_t		device_rev;		/* 4 bits */
	uint8_t		provides_sdrs;
	uint8_t		fw_major;		/* 7 bits */
	uint8_t		update_in_progress;	/* "device available" bit */
	uint8_t		fw_minor;		/* BCD */
	uint8_t		ipmi_version;		/* BCD, 0x02 = 2.0 */
	uint8_t		dev_support;		/* additional support bitmap */
	uint32_t	manufacturer_id;	/* 20 bits, IANA */
	uint16_t	product_id;
	uint8_t		has_aux;
	uint8_t		aux_fw_rev[4];
};

/* Get System GUID (22.14): request has no data. */
struct ipmi_get_system_guid_rs {
	uint8_t		cc;
	uint8_t		guid[16];
};

/* Get Channel Info (22.24). */
struct ipmi_get_channel_info_rq {
	uint8_t		channel;		/* 4 bits, 0x0e = this one */
};

#define IPMI_MEDIUM_LAN			0x04	/* 802.3 LAN */
#define IPMI_PROTOCOL_IPMB		0x01
#define IPMI_SESSION_MULTI		0x2	/* multi-session channel */

struct ipmi_get_channel_info_rs {
	uint8_t		cc;
	uint8_t		channel;		/* 4 bits */
	uint8_t		medium;			/* 7 bits */
	uint8_t		protocol;		/* 5 bits */
	uint8_t		active_sessions;	/* 6 bits */
	uint8_t		session_support;	/* 2 bits */
	uint32_t	vendor_iana;		/* 24 bits, 7154 = IPMI forum */
	uint8_t		aux[2];
};

/* Get Channel Authentication Capabilities (22.13). */
struct ipmi_get_auth_caps_rq {
	uint8_t		channel;		/* 4 bits, 0x0e = this one */
	uint8_t		v20_data;		/* get v2.0 extended data */
	uint8_t		priv;			/* requested maximum */
};

struct ipmi_get_auth_caps_rs {
	uint8_t		cc;
	uint8_t		channel;
	uint8_t		auth_none;
	uint8_t		auth_md2;
	uint8_t		auth_md5;
	uint8_t		auth_password;
	uint8_t		auth_oem;
	uint8_t		v20_ext;		/* IPMI v2.0+ extended caps */
	uint8_t		anon_login;
	uint8_t		null_users;
	uint8_t		non_null_users;
	uint8_t		user_auth_disabled;
	uint8_t		per_msg_auth_disabled;
	uint8_t		kg_nonzero;		/* K_g status */
	uint8_t		ipmi15;			/* channel supports 1.5 */
	uint8_t		ipmi20;			/* channel supports 2.0 */
	uint32_t	oem_iana;		/* 24 bits */
	uint8_t		oem_aux;
};

/* Set Session Privilege Level (22.18). */
struct ipmi_set_session_priv_rq {
	uint8_t		priv;			/* 0 = no change, 1..5 */
};

struct ipmi_set_session_priv_rs {
	uint8_t		cc;
	uint8_t		priv;
};

/* Close Session (22.19): the handle only when session_id is 0. */
struct ipmi_close_session_rq {
	uint32_t	session_id;
	uint8_t		handle;
};

/* Get Session Info (22.20). */
struct ipmi_get_session_info_rq {
	uint8_t		index;			/* 0, N, 0xfe, 0xff */
	uint8_t		handle;			/* index 0xfe */
	uint32_t	session_id;		/* index 0xff */
};

struct ipmi_get_session_info_rs {
	uint8_t		cc;
	uint8_t		handle;
	uint8_t		slots;			/* 6 bits */
	uint8_t		active;			/* 6 bits */
	uint8_t		has_session;		/* per-session part present */
	uint8_t		user_id;		/* 6 bits */
	uint8_t		priv;			/* 4 bits */
	uint8_t		channel;		/* 4 bits */
	uint8_t		protocol;		/* 4 bits: 0 = 1.5, 1 = 2.0 */
	uint8_t		has_lan;		/* 802.3 LAN part present */
	uint8_t		ip[4];			/* MS byte first */
	uint8_t		mac[6];
	uint16_t	port;
};

/* Set User Access (22.26). */
struct ipmi_set_user_access_rq {
	uint8_t		channel;		/* 4 bits */
	uint8_t		ipmi_msg;
	uint8_t		link_auth;
	uint8_t		callback_only;
	uint8_t		change_bits;		/* apply the three above */
	uint8_t		user_id;		/* 6 bits */
	uint8_t		priv;			/* 4 bits, 0xf = no access */
	uint8_t		has_session_limit;
	uint8_t		session_limit;		/* 4 bits */
};

/* Get User Access (22.27). */
struct ipmi_get_user_access_rq {
	uint8_t		channel;
	uint8_t		user_id;
};

struct ipmi_get_user_access_rs {
	uint8_t		cc;
	uint8_t		max_users;		/* 6 bits */
	uint8_t		enabled_users;		/* 6 bits */
	uint8_t		enable_status;		/* 2 bits */
	uint8_t		fixed_names;		/* 6 bits */
	uint8_t		priv;			/* 4 bits */
	uint8_t		ipmi_msg;
	uint8_t		link_auth;
	uint8_t		callback_only;
};

/* Set User Name (22.28) and Get User Name (22.29). */
struct ipmi_set_user_name_rq {
	uint8_t		user_id;		/* 6 bits */
	uint8_t		name[VCM_IPMI_USER_MAX];
};

struct ipmi_get_user_name_rq {
	uint8_t		user_id;
};

struct ipmi_get_user_name_rs {
	uint8_t		cc;
	uint8_t		name[VCM_IPMI_USER_MAX];
};

/* Activate Payload (24.1); aux byte 1 as defined for SOL. */
struct ipmi_activate_payload_rq {
	uint8_t		payload_type;		/* 6 bits */
	uint8_t		instance;		/* 4 bits */
	uint8_t		sol_handshake;		/* bit 1: CTS/DCD control */
	uint8_t		sol_alert;		/* bits 3:2, serial alerts */
	uint8_t		sol_test_mode;		/* bit 5 */
	uint8_t		sol_auth;		/* bit 6 */
	uint8_t		sol_encrypt;		/* bit 7 */
};

struct ipmi_activate_payload_rs {
	uint8_t		cc;
	uint8_t		aux[4];
	uint16_t	inbound_size;
	uint16_t	outbound_size;
	uint16_t	port;
	uint16_t	vlan;
};

/* Deactivate Payload (24.2): aux bytes reserved for SOL. */
struct ipmi_deactivate_payload_rq {
	uint8_t		payload_type;
	uint8_t		instance;
};

/* Get Payload Activation Status (24.4). */
struct ipmi_get_payload_status_rq {
	uint8_t		payload_type;
};

struct ipmi_get_payload_status_rs {
	uint8_t		cc;
	uint8_t		capacity;		/* 4 bits */
	uint16_t	active;			/* bit n-1 = instance n */
};

/* Get Channel Payload Support (24.8). */
struct ipmi_get_channel_payload_rq {
	uint8_t		channel;
};

struct ipmi_get_channel_payload_rs {
	uint8_t		cc;
	uint16_t	standard;		/* bit n = payload type n */
	uint16_t	session_setup;		/* bit n = type 0x10 + n */
	uint16_t	oem;			/* bit n = type 0x20 + n */
};

/* Get Channel Cipher Suites (22.15). */
struct ipmi_get_channel_ciphers_rq {
	uint8_t		channel;		/* 4 bits */
	uint8_t		payload_type;
	uint8_t		list_index;		/* 6 bits */
	uint8_t		by_suite;		/* 1 = list by cipher suite */
};

struct ipmi_get_channel_ciphers_rs {
	uint8_t		cc;
	uint8_t		channel;
	uint16_t	data_len;
	uint8_t		data[IPMI_CIPHER_RECORD_CHUNK];
};

/*
 * One cipher suite as a BMC lists it in Get Channel Cipher Suites record
 * data (crypto.h's struct ipmi_cipher_suite is a suite vcm can run).
 */
struct ipmi_cipher_record {
	uint8_t		id;
	uint8_t		auth;			/* algorithm numbers, 6 bits */
	uint8_t		integ;			/* the first one listed */
	uint8_t		conf;			/* the first one listed */
	uint8_t		oem;			/* 1: from a 0xC1 record */
	uint32_t	oem_iana;
	uint64_t	integ_mask;		/* every one listed */
	uint64_t	conf_mask;
};

/*
 * Parses the record data of all Get Channel Cipher Suites calls (by
 * suite), concatenated, into out[0..cap). Returns the number of suites
 * stored: at most cap and VCM_IPMI_CIPHER_SUITES_MAX; later well-formed
 * records are checked but not stored. Errors: VCM_ETRUNC (a record runs
 * off the end), VCM_EBADMSG (unknown record tag, missing or misplaced
 * algorithm), VCM_ERANGE (more than VCM_IPMI_CIPHER_DATA_MAX bytes),
 * VCM_EINVAL.
 */
int	ipmi_cipher_suite_records_parse(const uint8_t *, size_t,
	    struct ipmi_cipher_record *, size_t);

/* ---- Chassis -------------------------------------------------------- */

/* Get Chassis Status (28.2): request has no data. */
struct ipmi_get_chassis_status_rs {
	uint8_t		cc;
	uint8_t		power_on;
	uint8_t		power_overload;
	uint8_t		interlock;
	uint8_t		power_fault;
	uint8_t		control_fault;
	uint8_t		restore_policy;		/* 2 bits */
	uint8_t		last_ac_failed;
	uint8_t		last_overload;
	uint8_t		last_interlock;
	uint8_t		last_power_fault;
	uint8_t		last_ipmi_on;		/* last power on by command */
	uint8_t		intrusion;
	uint8_t		panel_lockout;
	uint8_t		drive_fault;
	uint8_t		fan_fault;
	uint8_t		identify_state;		/* 2 bits */
	uint8_t		identify_supported;
	uint8_t		has_front_panel;
	uint8_t		front_panel;
};

/* Chassis Control (28.3). */
struct ipmi_chassis_control_rq {
	uint8_t		control;		/* IPMI_CHASSIS_* */
};

/* Set System Boot Options (28.12). */
struct ipmi_set_boot_options_rq {
	uint8_t		selector;		/* 7 bits */
	uint8_t		invalid;		/* mark parameter invalid */
	uint16_t	data_len;
	uint8_t		data[VCM_IPMI_PARAM_DATA_MAX];
};

/* Get System Boot Options (28.13). */
struct ipmi_get_boot_options_rq {
	uint8_t		selector;
	uint8_t		set;
	uint8_t		block;
};

struct ipmi_get_boot_options_rs {
	uint8_t		cc;
	uint8_t		version;		/* 4 bits, 1 */
	uint8_t		selector;
	uint8_t		invalid;
	uint16_t	data_len;
	uint8_t		data[VCM_IPMI_PARAM_DATA_MAX];
};

/* ---- Transport ------------------------------------------------------ */

/* Set LAN / SOL Configuration Parameters (23.1, 26.2). */
struct ipmi_set_config_rq {
	uint8_t		channel;		/* 4 bits */
	uint8_t		param;
	uint16_t	data_len;
	uint8_t		data[VCM_IPMI_PARAM_DATA_MAX];
};

/* Get LAN / SOL Configuration Parameters (23.2, 26.3). */
struct ipmi_get_config_rq {
	uint8_t		channel;		/* 4 bits */
	uint8_t		revision_only;
	uint8_t		param;
	uint8_t		set;
	uint8_t		block;
};

struct ipmi_get_config_rs {
	uint8_t		cc;
	uint8_t		revision;
	uint16_t	data_len;		/* 0 with revision_only */
	uint8_t		data[VCM_IPMI_PARAM_DATA_MAX];
};

/* ---- Command descriptors ------------------------------------------- */

struct ipmi_cmd {
	uint8_t			 netfn;		/* request netfn */
	uint8_t			 cmd;
	const char		*name;
	const struct ipmi_field	*rq;
	size_t			 rq_size;	/* sizeof the request struct */
	const struct ipmi_field	*rs;
	size_t			 rs_size;
};

extern const struct ipmi_cmd	ipmi_cmds_app[];
extern const size_t		ipmi_cmds_app_count;
extern const struct ipmi_cmd	ipmi_cmds_chassis[];
extern const size_t		ipmi_cmds_chassis_count;
extern const struct ipmi_cmd	ipmi_cmds_transport[];
extern const size_t		ipmi_cmds_transport_count;

/* Lookup by netfn (request or response) and command; NULL if unknown. */
const struct ipmi_cmd	*ipmi_cmd_find(uint8_t, uint8_t);
size_t			 ipmi_cmd_count(void);
const struct ipmi_cmd	*ipmi_cmd_at(size_t);

/*
 * The generic codecs. The size argument is sizeof the caller's struct
 * and must match the descriptor (else VCM_EINVAL). Encoders return the
 * length written; decoders return 0; all return negative VCM_E* codes.
 */
int	ipmi_cmd_encode_rq(const struct ipmi_cmd *, const void *, size_t,
	    uint8_t *, size_t);
int	ipmi_cmd_decode_rq(const struct ipmi_cmd *, void *, size_t,
	    const uint8_t *, size_t);
int	ipmi_cmd_encode_rs(const struct ipmi_cmd *, const void *, size_t,
	    uint8_t *, size_t);
int	ipmi_cmd_decode_rs(const struct ipmi_cmd *, void *, size_t,
	    const uint8_t *, size_t);

/* ---- Configuration parameters -------------------------------------- */

enum ipmi_param_group {
	IPMI_PARAM_BOOT = 1,	/* System Boot Options */
	IPMI_PARAM_LAN,		/* LAN Configuration Parameters */
	IPMI_PARAM_SOL		/* SOL Configuration Parameters */
};

struct ipmi_param {
	uint8_t			 group;		/* enum ipmi_param_group */
	uint8_t			 selector;
	const char		*name;
	const struct ipmi_field	*fields;
	size_t			 size;
};

extern const struct ipmi_param	ipmi_params_boot[];
extern const size_t		ipmi_params_boot_count;
extern const struct ipmi_param	ipmi_params_transport[];
extern const size_t		ipmi_params_transport_count;

/* Lookup by group and selector; NULL if we have no helper for it. */
const struct ipmi_param	*ipmi_param_find(int, uint8_t);
int	ipmi_param_decode(const struct ipmi_param *, void *, size_t,
	    const uint8_t *, size_t);
int	ipmi_param_encode(const struct ipmi_param *, const void *, size_t,
	    uint8_t *, size_t);

/* Boot option parameters (28.13, table 28-14). */
#define IPMI_BOOT_PARAM_IN_PROGRESS	0
#define IPMI_BOOT_PARAM_INFO_ACK	4
#define IPMI_BOOT_PARAM_FLAGS		5

/* Boot device selector: the 4-bit field (wire byte 2 bits 5:2). */
#define IPMI_BOOT_DEV_NONE		0x0	/* wire 0x00 */
#define IPMI_BOOT_DEV_PXE		0x1	/* wire 0x04 */
#define IPMI_BOOT_DEV_DISK		0x2	/* wire 0x08 */
#define IPMI_BOOT_DEV_DISK_SAFE		0x3	/* wire 0x0c */
#define IPMI_BOOT_DEV_DIAG		0x4	/* wire 0x10 */
#define IPMI_BOOT_DEV_CDROM		0x5	/* wire 0x14 */
#define IPMI_BOOT_DEV_BIOS		0x6	/* wire 0x18 */
#define IPMI_BOOT_DEV_REMOTE_FLOPPY	0x7	/* wire 0x1c */
#define IPMI_BOOT_DEV_REMOTE_CDROM	0x8	/* wire 0x20 */
#define IPMI_BOOT_DEV_REMOTE_DISK	0xb	/* wire 0x2c */
#define IPMI_BOOT_DEV_FLOPPY		0xf	/* wire 0x3c */

/* Set-in-progress states (boot, LAN and SOL parameter 0). */
#define IPMI_SET_COMPLETE		0
#define IPMI_SET_IN_PROGRESS		1
#define IPMI_SET_COMMIT_WRITE		2

struct ipmi_param_in_progress {
	uint8_t		state;			/* 2 bits */
};

struct ipmi_boot_info_ack {
	uint8_t		write_mask;
	uint8_t		ack;
};

struct ipmi_boot_flags {
	uint8_t		valid;
	uint8_t		persistent;		/* 0 = next boot only */
	uint8_t		efi;			/* 0 = PC compatible (legacy) */
	uint8_t		lock_reset;
	uint8_t		screen_blank;
	uint8_t		device;			/* IPMI_BOOT_DEV_* */
	uint8_t		lock_keyboard;
	uint8_t		cmos_clear;
	uint8_t		data3;			/* verbosity, redirection ... */
	uint8_t		data4;			/* BIOS mux / shared mode */
	uint8_t		instance;		/* 5 bits */
};

/* LAN parameters (23.2, table 23-4). */
#define IPMI_LAN_PARAM_IP		3
#define IPMI_LAN_PARAM_IP_SOURCE	4
#define IPMI_LAN_PARAM_NETMASK		6
#define IPMI_LAN_PARAM_GATEWAY		12
#define IPMI_LAN_PARAM_CS_SUPPORT	22
#define IPMI_LAN_PARAM_CS_ENTRIES	23
#define IPMI_LAN_PARAM_CS_PRIV		24

#define IPMI_IP_SOURCE_UNSPECIFIED	0
#define IPMI_IP_SOURCE_STATIC		1
#define IPMI_IP_SOURCE_DHCP		2
#define IPMI_IP_SOURCE_BIOS		3
#define IPMI_IP_SOURCE_OTHER		4

/* Cipher suite entries a LAN channel can list (parameters 22-24). */
#define IPMI_LAN_CS_ENTRIES_MAX		16

struct ipmi_lan_ip_source {
	uint8_t		source;			/* 4 bits */
};

struct ipmi_lan_ipv4 {				/* parameters 3, 6, 12 */
	uint8_t		addr[4];		/* MS byte first */
};

struct ipmi_lan_cs_support {
	uint8_t		count;			/* 0..16 */
};

struct ipmi_lan_cs_entries {
	uint16_t	count;
	uint8_t		ids[IPMI_LAN_CS_ENTRIES_MAX];
};

struct ipmi_lan_cs_priv {
	uint8_t		priv[IPMI_LAN_CS_ENTRIES_MAX];	/* 4 bits each */
};

/* SOL parameters (26.3, table 26-5); ipmitool and FreeIPMI agree. */
#define IPMI_SOL_PARAM_ENABLE		1
#define IPMI_SOL_PARAM_AUTH		2
#define IPMI_SOL_PARAM_ACCUMULATE	3
#define IPMI_SOL_PARAM_RETRY		4
#define IPMI_SOL_PARAM_NV_BIT_RATE	5
#define IPMI_SOL_PARAM_V_BIT_RATE	6
#define IPMI_SOL_PARAM_CHANNEL		7
#define IPMI_SOL_PARAM_PORT		8

#define IPMI_SOL_RATE_SERIAL		0x0	/* use the serial setting */
#define IPMI_SOL_RATE_9600		0x6
#define IPMI_SOL_RATE_19200		0x7
#define IPMI_SOL_RATE_38400		0x8
#define IPMI_SOL_RATE_57600		0x9
#define IPMI_SOL_RATE_115200		0xa

struct ipmi_sol_enable {
	uint8_t		enable;
};

struct ipmi_sol_auth {
	uint8_t		priv;			/* 4 bits */
	uint8_t		force_auth;
	uint8_t		force_encrypt;
};

struct ipmi_sol_accumulate {
	uint8_t		interval;		/* 5 ms units */
	uint8_t		threshold;		/* characters */
};

struct ipmi_sol_retry {
	uint8_t		count;			/* 3 bits */
	uint8_t		interval;		/* 10 ms units */
};

struct ipmi_sol_bit_rate {			/* parameters 5 and 6 */
	uint8_t		rate;			/* IPMI_SOL_RATE_* */
};

struct ipmi_sol_channel {
	uint8_t		channel;
};

struct ipmi_sol_port {
	uint16_t	port;
};

#endif
