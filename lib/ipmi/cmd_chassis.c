/*
 * Chassis commands (netfn 0x00): power state and control, and the
 * system boot options with helpers for the parameters we set (IPMI 2.0
 * chapter 28). Each table lists the wire fields in order (fields.h).
 */
#include <stddef.h>

#include "ipmi/fields.h"
#include "ipmi/cmds.h"

static const struct ipmi_field ipmi_chassis_no_data_tab[] = {
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_chassis_cc_rs_tab[] = {
	IPMI_FLD_CC(ipmi_cc_rs, cc),
	IPMI_FLD_END
};

/* 28.2 Get Chassis Status; the front panel byte is optional. */
static const struct ipmi_field ipmi_get_chassis_status_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_chassis_status_rs, cc),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, power_on, 0, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, power_overload, 1, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, interlock, 2, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, power_fault, 3, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, control_fault, 4, 1),
	IPMI_FLD_BITSL(ipmi_get_chassis_status_rs, restore_policy, 5, 2),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, last_ac_failed, 0, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, last_overload, 1, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, last_interlock, 2, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, last_power_fault, 3, 1),
	IPMI_FLD_BITSL(ipmi_get_chassis_status_rs, last_ipmi_on, 4, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, intrusion, 0, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, panel_lockout, 1, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, drive_fault, 2, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, fan_fault, 3, 1),
	IPMI_FLD_BITS(ipmi_get_chassis_status_rs, identify_state, 4, 2),
	IPMI_FLD_BITSL(ipmi_get_chassis_status_rs, identify_supported, 6, 1),
	IPMI_FLD_OPT(ipmi_get_chassis_status_rs, has_front_panel),
	IPMI_FLD_U8(ipmi_get_chassis_status_rs, front_panel),
	IPMI_FLD_END
};

/* 28.3 Chassis Control: values above 5 are reserved and refused. */
static const struct ipmi_field ipmi_chassis_control_rq_tab[] = {
	IPMI_FLD_BITSLR(ipmi_chassis_control_rq, control, 0, 4,
	    IPMI_CHASSIS_POWER_DOWN, IPMI_CHASSIS_SOFT_SHUTDOWN),
	IPMI_FLD_END
};

/* 28.12 Set System Boot Options: bit 7 marks the parameter invalid. */
static const struct ipmi_field ipmi_set_boot_options_rq_tab[] = {
	IPMI_FLD_BITS(ipmi_set_boot_options_rq, selector, 0, 7),
	IPMI_FLD_BITSL(ipmi_set_boot_options_rq, invalid, 7, 1),
	IPMI_FLD_TAIL(ipmi_set_boot_options_rq, data, data_len),
	IPMI_FLD_END
};

/* 28.13 Get System Boot Options. */
static const struct ipmi_field ipmi_get_boot_options_rq_tab[] = {
	IPMI_FLD_BITSL(ipmi_get_boot_options_rq, selector, 0, 7),
	IPMI_FLD_U8(ipmi_get_boot_options_rq, set),
	IPMI_FLD_U8(ipmi_get_boot_options_rq, block),
	IPMI_FLD_END
};

static const struct ipmi_field ipmi_get_boot_options_rs_tab[] = {
	IPMI_FLD_CC(ipmi_get_boot_options_rs, cc),
	IPMI_FLD_BITSL(ipmi_get_boot_options_rs, version, 0, 4),
	IPMI_FLD_BITS(ipmi_get_boot_options_rs, selector, 0, 7),
	IPMI_FLD_BITSL(ipmi_get_boot_options_rs, invalid, 7, 1),
	IPMI_FLD_TAIL(ipmi_get_boot_options_rs, data, data_len),
	IPMI_FLD_END
};

#define IPMI_CHASSIS_CMD(c, n, rqs, rqt, rss, rst)			\
	{ IPMI_NETFN_CHASSIS, (c), (n), (rqt), sizeof(struct rqs),	\
	  (rst), sizeof(struct rss) }

const struct ipmi_cmd ipmi_cmds_chassis[] = {
	IPMI_CHASSIS_CMD(IPMI_CMD_GET_CHASSIS_STATUS, "Get Chassis Status",
	    ipmi_no_data, ipmi_chassis_no_data_tab,
	    ipmi_get_chassis_status_rs, ipmi_get_chassis_status_rs_tab),
	IPMI_CHASSIS_CMD(IPMI_CMD_CHASSIS_CONTROL, "Chassis Control",
	    ipmi_chassis_control_rq, ipmi_chassis_control_rq_tab,
	    ipmi_cc_rs, ipmi_chassis_cc_rs_tab),
	IPMI_CHASSIS_CMD(IPMI_CMD_SET_BOOT_OPTIONS,
	    "Set System Boot Options",
	    ipmi_set_boot_options_rq, ipmi_set_boot_options_rq_tab,
	    ipmi_cc_rs, ipmi_chassis_cc_rs_tab),
	IPMI_CHASSIS_CMD(IPMI_CMD_GET_BOOT_OPTIONS,
	    "Get System Boot Options",
	    ipmi_get_boot_options_rq, ipmi_get_boot_options_rq_tab,
	    ipmi_get_boot_options_rs, ipmi_get_boot_options_rs_tab),
};

const size_t ipmi_cmds_chassis_count =
    sizeof(ipmi_cmds_chassis) / sizeof(ipmi_cmds_chassis[0]);

/* Boot parameter 0, set in progress (also used by LAN and SOL). */
static const struct ipmi_field ipmi_boot_in_progress_tab[] = {
	IPMI_FLD_BITSLR(ipmi_param_in_progress, state, 0, 2,
	    IPMI_SET_COMPLETE, IPMI_SET_COMMIT_WRITE),
	IPMI_FLD_END
};

/* Boot parameter 4, boot info acknowledge. */
static const struct ipmi_field ipmi_boot_info_ack_tab[] = {
	IPMI_FLD_U8(ipmi_boot_info_ack, write_mask),
	IPMI_FLD_U8(ipmi_boot_info_ack, ack),
	IPMI_FLD_END
};

/* Boot parameter 5, boot flags (table 28-14, 5 bytes). */
static const struct ipmi_field ipmi_boot_flags_tab[] = {
	IPMI_FLD_BITS(ipmi_boot_flags, efi, 5, 1),
	IPMI_FLD_BITS(ipmi_boot_flags, persistent, 6, 1),
	IPMI_FLD_BITSL(ipmi_boot_flags, valid, 7, 1),
	IPMI_FLD_BITS(ipmi_boot_flags, lock_reset, 0, 1),
	IPMI_FLD_BITS(ipmi_boot_flags, screen_blank, 1, 1),
	IPMI_FLD_BITS(ipmi_boot_flags, device, 2, 4),
	IPMI_FLD_BITS(ipmi_boot_flags, lock_keyboard, 6, 1),
	IPMI_FLD_BITSL(ipmi_boot_flags, cmos_clear, 7, 1),
	IPMI_FLD_U8(ipmi_boot_flags, data3),
	IPMI_FLD_U8(ipmi_boot_flags, data4),
	IPMI_FLD_BITSL(ipmi_boot_flags, instance, 0, 5),
	IPMI_FLD_END
};

const struct ipmi_param ipmi_params_boot[] = {
	{ IPMI_PARAM_BOOT, IPMI_BOOT_PARAM_IN_PROGRESS, "set in progress",
	  ipmi_boot_in_progress_tab, sizeof(struct ipmi_param_in_progress) },
	{ IPMI_PARAM_BOOT, IPMI_BOOT_PARAM_INFO_ACK, "boot info acknowledge",
	  ipmi_boot_info_ack_tab, sizeof(struct ipmi_boot_info_ack) },
	{ IPMI_PARAM_BOOT, IPMI_BOOT_PARAM_FLAGS, "boot flags",
	  ipmi_boot_flags_tab, sizeof(struct ipmi_boot_flags) },
};

const size_t ipmi_params_boot_count =
    sizeof(ipmi_params_boot) / sizeof(ipmi_params_boot[0]);
