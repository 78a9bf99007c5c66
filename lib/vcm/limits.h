/*
 * Every limit in vcm, in one place, each with the reason for its value
 * (SQLite sqliteLimit.h). Code never writes one of these numbers inline.
 * Protocol maxima come from the IPMI 2.0 specification; the rest are
 * choices that bound what a hostile tenant, browser or BMC can cost us.
 */
#ifndef VCM_LIMITS_H
#define VCM_LIMITS_H

/* ---- IPMI wire ---------------------------------------------------- */

/*
 * Largest UDP datagram we send or accept from a BMC. RMCP+ messages are
 * small (an encrypted SOL packet with 255 data bytes, headers, IV, pad
 * and a 16-byte MAC stays under 350 bytes); 1024 leaves room for BMCs
 * that report oversized SOL payloads (IPMI.md §1.4: a 1 KiB report) while
 * keeping per-packet buffers on the stack.
 */
#define VCM_IPMI_DATAGRAM_MAX		1024

/* Largest IPMI message (rsAddr..chk2) inside a session payload. */
#define VCM_IPMI_MSG_MAX		(VCM_IPMI_DATAGRAM_MAX - 64)

/*
 * Largest data part of an IPMI request or response (after the command):
 * the message less its 7 bytes of addresses, netfn/LUNs, rqSeq, command
 * and two checksums, so that every message a decoder accepts can be
 * encoded again.
 */
#define VCM_IPMI_MSG_DATA_MAX		(VCM_IPMI_MSG_MAX - 7)

/* IPMI 2.0 user names are at most 16 bytes (RAKP1 User Name Length). */
#define VCM_IPMI_USER_MAX		16

/* IPMI 2.0 passwords and Kg are at most 20 bytes. */
#define VCM_IPMI_KEY_MAX		20

/* Largest HMAC output we use (SHA-256). */
#define VCM_IPMI_HASH_MAX		32

/* AES-CBC-128 block and key size. */
#define VCM_IPMI_AES_BLOCK		16

/*
 * Session sequence replay window: packets up to this many numbers behind
 * the highest seen are accepted once each. OpenIPMI accepts 16 behind;
 * 32 absorbs BMCs that skip every other number (ASRock MT-C224, IPMI.md
 * §1.2) without letting old packets be replayed.
 */
#define VCM_IPMI_SEQ_WINDOW		32

/* How far ahead of the highest seen number a packet may jump. */
#define VCM_IPMI_SEQ_AHEAD		32

/*
 * SOL data per packet. The accepted-character count is one byte, so a
 * packet can never carry more than 255 characters (IPMI.md §2.4).
 */
#define VCM_SOL_DATA_MAX		255

/*
 * Configuration parameter data (boot options, LAN and SOL parameters) in
 * one message. The largest we use is LAN parameter 23 (17 bytes); 64
 * covers boot parameter 7 and IPv6 LAN parameters and keeps every
 * parameter struct on the stack.
 */
#define VCM_IPMI_PARAM_DATA_MAX		64

/* Cipher suite records we keep from Get Channel Cipher Suites. */
#define VCM_IPMI_CIPHER_SUITES_MAX	32

/* Bytes of cipher-suite record data a BMC may return in all (16 per call). */
#define VCM_IPMI_CIPHER_DATA_MAX	(16 * 64)

/* ---- Engine (per BMC) -------------------------------------------- */

/*
 * IPMI sessions vcm keeps open to one BMC at once. BMCs have few slots
 * (4 on Cisco IMC, 8 on iDRAC); two lets a power action run beside a
 * console without starving other managers. Vendor profiles may lower it.
 */
#define VCM_BMC_SESSIONS_DEFAULT	2

/* ---- Consoles ------------------------------------------------------ */

/* Viewers attached to one console at once (one SOL fans out to all). */
#define VCM_CONSOLE_VIEWERS_MAX		32

/* Console output kept for replay to a viewer who joins. */
#define VCM_CONSOLE_BACKLOG_BYTES	(64 * 1024)

/* ---- bmcsim (the simulated BMC fleet) ------------------------------ */

/* Users per simulated BMC: IPMI user ids 1..15 on most boards. */
#define VCM_SIM_USERS_MAX		8

/*
 * Session slots per simulated BMC. Real BMCs have 4 (Cisco IMC) to 63
 * (ipmi_sim); the default 4 makes slot exhaustion easy to provoke.
 */
#define VCM_SIM_SLOTS_DEFAULT		4
#define VCM_SIM_SLOTS_MAX		16

/*
 * BMCs in one bmcsim process: one UDP socket each, and 10,000 leaves
 * room under the 20,000 open files a process may have here.
 */
#define VCM_SIM_BMCS_MAX		10000

/* Fleet groups (address range + profile) in one config file. */
#define VCM_SIM_GROUPS_MAX		64

/* Timeout defaults in milliseconds; every one is configurable. */
#define VCM_SIM_SESSION_TIMEOUT_MS	60000	/* the common BMC default */
#define VCM_SIM_SOL_RETRY_MS		1000	/* SOL retransmit interval */
#define VCM_SIM_SOL_RETRIES		7	/* SOL retransmits, then give up */

/* A configured delay or dark period longer than this is an error. */
#define VCM_SIM_DELAY_MAX_MS		600000

/* One control-protocol line (commands and replies). */
#define VCM_SIM_CTL_LINE_MAX		1024

/* One config file line. */
#define VCM_SIM_CONFIG_LINE_MAX		1024

/* ---- Logging ------------------------------------------------------- */

/* One log line; longer values are cut, never overflow. */
#define VCM_LOG_LINE_MAX		1024

#endif
