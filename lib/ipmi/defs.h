/*
 * Protocol numbers that several codecs share: network functions,
 * privilege levels and RMCP+ payload types (IPMI 2.0 tables 5-1, 6-1,
 * 13-16). Each is defined here once.
 */
#ifndef IPMI_DEFS_H
#define IPMI_DEFS_H

/* Network functions (requests; a response is the odd number above). */
#define IPMI_NETFN_CHASSIS		0x00
#define IPMI_NETFN_APP			0x06
#define IPMI_NETFN_TRANSPORT		0x0c
#define IPMI_NETFN_IS_RESPONSE(n)	(((n) & 1) == 1)

/* Privilege levels. */
#define IPMI_PRIV_HIGHEST		0x0	/* Open Session: highest allowed */
#define IPMI_PRIV_NONE			0x0	/* Set Session Priv: no change */
#define IPMI_PRIV_CALLBACK		0x1
#define IPMI_PRIV_USER			0x2
#define IPMI_PRIV_OPERATOR		0x3
#define IPMI_PRIV_ADMIN			0x4
#define IPMI_PRIV_OEM			0x5
#define IPMI_PRIV_NO_ACCESS		0xf	/* user access: no access */

/* RMCP+ payload types (6 bits of the session header's payload byte). */
#define IPMI_PAYLOAD_IPMI		0x00
#define IPMI_PAYLOAD_SOL		0x01
#define IPMI_PAYLOAD_OEM		0x02
#define IPMI_PAYLOAD_OPEN_SESSION_RQ	0x10
#define IPMI_PAYLOAD_OPEN_SESSION_RS	0x11
#define IPMI_PAYLOAD_RAKP1		0x12
#define IPMI_PAYLOAD_RAKP2		0x13
#define IPMI_PAYLOAD_RAKP3		0x14
#define IPMI_PAYLOAD_RAKP4		0x15

#endif
