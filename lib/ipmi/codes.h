/*
 * Readable names for IPMI completion codes and RMCP+ status codes, for
 * logs and tool output. Every function returns a static string, never
 * NULL, whatever the value.
 */
#ifndef IPMI_CODES_H
#define IPMI_CODES_H

#include <stdint.h>

/* Generic completion codes (IPMI 2.0 table 5-2). */
#define IPMI_CC_OK			0x00
#define IPMI_CC_NODE_BUSY		0xc0
#define IPMI_CC_INVALID_CMD		0xc1
#define IPMI_CC_TIMEOUT			0xc3
#define IPMI_CC_OUT_OF_SPACE		0xc4
#define IPMI_CC_REQ_TRUNCATED		0xc6
#define IPMI_CC_REQ_LEN_INVALID		0xc7
#define IPMI_CC_PARAM_OUT_OF_RANGE	0xc9
#define IPMI_CC_INVALID_DATA		0xcc
#define IPMI_CC_INSUFFICIENT_PRIV	0xd4
#define IPMI_CC_NOT_SUPPORTED_NOW	0xd5
#define IPMI_CC_UNSPECIFIED		0xff

/* Command-specific completion codes we meet. */
#define IPMI_CC_PAYLOAD_ACTIVE		0x80	/* Activate Payload */
#define IPMI_CC_PAYLOAD_DISABLED	0x81
#define IPMI_CC_PAYLOAD_LIMIT		0x82
#define IPMI_CC_PAYLOAD_NO_ENCRYPTION	0x83
#define IPMI_CC_PAYLOAD_NEED_ENCRYPTION	0x84
#define IPMI_CC_PAYLOAD_INACTIVE	0x80	/* Deactivate Payload */
#define IPMI_CC_PARAM_NOT_SUPPORTED	0x80	/* LAN, SOL, boot params */
#define IPMI_CC_PARAM_SET_IN_PROGRESS	0x81
#define IPMI_CC_PARAM_READ_ONLY		0x82
#define IPMI_CC_PARAM_WRITE_ONLY	0x83

/* RMCP+ status codes (IPMI 2.0 table 13-15). */
#define IPMI_RMCPP_OK			0x00
#define IPMI_RMCPP_NO_RESOURCES		0x01
#define IPMI_RMCPP_NO_CIPHER_MATCH	0x11
#define IPMI_RMCPP_ILLEGAL_PARAM	0x12

/* The generic name of a completion code. */
const char	*ipmi_cc_name(uint8_t);
/* The name of a completion code as the given command defines it. */
const char	*ipmi_cc_name_cmd(uint8_t, uint8_t, uint8_t);
/* The name of an RMCP+ message status code. */
const char	*ipmi_rmcpplus_status_name(uint8_t);

#endif
