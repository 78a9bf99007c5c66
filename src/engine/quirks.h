/*
 * The vendor quirk table (issue 5): named workaround flags keyed by the
 * IANA manufacturer id and product id a BMC reports in Get Device ID,
 * each entry with a comment naming the firmware it is for and where the
 * report comes from (the source keys of ../shared/notes/IPMI.md §1), and
 * a per-BMC override an operator writes as text
 * ("+nochecksum,-authcap,sessions=1").
 *
 * Pure: no allocation, no I/O, no globals written.
 *
 * Lookup is most specific first: an entry for the exact (IANA, product)
 * pair, else the vendor's wildcard entry (product ENG_QUIRK_ANY), else
 * the empty default profile. Entries do not merge: an exact entry lists
 * every flag its board needs, the vendor-wide ones included.
 *
 * Flags are the ENG_Q_* bits of struct eng_config.quirks (session.h
 * holds the two the session machine reads; the rest are defined here).
 * Not every flag is read by the engine yet: each says so below, and
 * eng_quirk_table[].used says it in code, so nothing pretends.
 *
 * Wiring (engine.c): after a BMC's first session is established the
 * engine asks Get Device ID once, looks the profile up, and
 * eng_quirks_apply() merges it with the caller's eng_bmc_config and the
 * operator's override (which also applies before the answer, from the
 * first session on): quirks go to later sessions (eng_config.quirks)
 * and to the console (eng_console_config.quirks), eng_quirks_sol_flags()
 * to the console's SOL sender (eng_console_config.sol_flags),
 * max_sessions and suites to the BMC. The match is logged as
 * "vendor_profile".
 */
#ifndef ENGINE_QUIRKS_H
#define ENGINE_QUIRKS_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"
#include "engine/session.h"	/* ENG_Q_NOCHECKSUM, ENG_Q_AUTHCAP */

/*
 * ---- Flags beyond session.h's two -------------------------------------
 *
 * FreeIPMI's name for the same workaround is given where there is one
 * (IPMI.md §1.1); the override parser accepts it as an alias.
 */

/*
 * The SOL payload sizes in the Activate Payload response are invalid
 * (FreeIPMI solpayloadsize; Asus, Intel SR1520ML, Inventec, Sun x4100,
 * Supermicro X8DTH/DTG/DTU, Quanta; an AMI BMC reported 1 KiB, §1.4):
 * ignore them and send at most VCM_SOL_DATA_MAX characters per packet.
 * NOT READ YET: console.c already never trusts the size (it clamps it to
 * 1..255 on every BMC), so today the flag only records the quirk.
 */
#define ENG_Q_SOLPAYLOADSIZE	0x00000004u

/*
 * Get Payload Activation Status is not implemented (CCh, Supermicro
 * X8SIL-F, FreeIPMI solstatus) or does not show an existing SOL (Quanta
 * S99Q, SOL#13): do not ask it; treat "80h already active" as stale
 * without the check, poll no status while live, and verify a teardown
 * another way: a second Deactivate Payload, whose "80h already
 * deactivated" says the payload is inactive (00h: it was still active,
 * another round).
 * Read by console.c (eng_console_config.quirks) from the first console
 * on, instead of learning it after VCM_CONSOLE_CONTRADICT_MAX
 * contradictions, and by ENG_OP_CLOSE_STALE's SOL check (engine.c).
 */
#define ENG_Q_SOLSTATUS		0x00000008u

/*
 * Get Channel Payload Support is not implemented (Intel/Wiwynn Windmill,
 * Quanta Winterfell, Sun 4100; FreeIPMI solchannelsupport), and on
 * OpenIPMI's ipmi_sim channel 0Eh crashes the BMC (IPMI-PEERS.md §8).
 * NOT READ YET, and nothing to skip: the engine never sends that
 * command. Kept so the table records it and no probe is ever added for
 * these boards without looking here.
 */
#define ENG_Q_SOLCHANNELSUPPORT	0x00000010u

/*
 * Payload instance capacity reported as 0 in Get Payload Activation
 * Status (Dell M-series, FreeIPMI SOL#16): read it as 1.
 * NOT READ YET: console.c reads 0 as 1 on every BMC (a capacity of 0 is
 * never valid), counting it in stats.capacity0.
 */
#define ENG_Q_SOLCAPACITY0	0x00000020u

/*
 * Deactivate Payload lies: answers 00h while SOL stays active (Supermicro
 * H8QME, SOL#5/#17) or 80h "already deactivated" while active (Dell
 * M605/M610/M915): verify harder (more Deactivate + Activation Status
 * rounds, and report the console as "may still be active").
 * Read by console.c: a Deactivate's answer is never the end (every BMC
 * gets the status check), and with the flag a teardown or a stale-SOL
 * take runs VCM_CONSOLE_LIAR_TRIES rounds instead of
 * VCM_CONSOLE_TEARDOWN_TRIES / VCM_CONSOLE_TAKE_TRIES; one still active
 * after them ends as ENG_CON_TD_LIED ("may still be active"). With
 * ENG_Q_SOLSTATUS too, the second Deactivate's 80h proves nothing
 * (Dell M says it while active): such a teardown ends unverifiable.
 * ENG_OP_CLOSE_STALE uses the same budget.
 */
#define ENG_Q_DEACTLIES		0x00000040u

/*
 * The BMC "gets stuck" on SOL: after the retransmit budget, send the
 * same data once more under a new SOL sequence number (FreeIPMI
 * solpacketseq; Windmill/Winterfell).
 * Mapped by eng_quirks_sol_flags() to IPMI_SOL_TX_F_SEQBUMP, which the
 * SOL send machine (lib/ipmi/sol.c) implements; the console takes it in
 * eng_console_config.sol_flags.
 */
#define ENG_Q_SOLSEQBUMP	0x00000080u

/*
 * Activate Payload fails unless serial alerts are deferred while SOL is
 * active (FreeIPMI serialalertsdeferred; Windmill/Winterfell): set aux
 * bits 3:2 to 01b.
 * Read by console.c: its Activate Payload carries 01b with the flag,
 * 00b (alerts proceed) without.
 */
#define ENG_Q_SOLDEFERALERTS	0x00000100u

/*
 * Only cipher suite 17 works; others get "insufficient resources"
 * (Intel M50CYP, FreeIPMI Auth#28), which the session would otherwise
 * report as "no free session slot". Never fall back to suite 3.
 * Applied by eng_quirks_override() and the table: the profile's suites
 * become {17} (the session reads eng_config.suites).
 */
#define ENG_Q_CS17ONLY		0x00000200u

/*
 * A lost Close Session reply leaks a session slot until the BMC's idle
 * kill (Cisco IMC: 4 slots, idle sessions killed after 60 s,
 * ipmitool#213): keep few sessions and report unconfirmed closes.
 * NOT READ YET as a flag: the engine retries Close Session on every BMC
 * (VCM_ENG_CLOSE_TRIES) and counts unconfirmed closes; the table pairs
 * it with a max_sessions cap, which the engine does honour.
 */
#define ENG_Q_CLOSELOST		0x00000400u

#define ENG_Q_KNOWN		0x000007ffu	/* every flag above */

/*
 * Firmware bugs of IPMI.md §1 with NO flag, because vcm handles them on
 * every BMC or never meets them:
 *	opensesspriv	Open Session always names the exact privilege
 *	sequence skips (ASRock MT-C224)	the 32-wide replay window
 *	SOL sequence jump after reboot (Tyan)	console.c takes the jump
 *	steal without "deactivating" (SOL#6), silent serial after reboot
 *	(Intel SR1520ML)	console.c's ACK timeout and status poll
 *	no Close Session reply after a reset (Intel Tiger4)	bounded close
 *	IPMI 1.5 only (idzero, unexpectedauth, forcepermsg, endianseq,
 *	noauthcodecheck), suite 0 (integritycheckvalue), in-band
 *	(assumeio), config and SDR tools (slow/veryslowcommit,
 *	assumemaxsdrrecordcount), ipmiping: vcm does none of these
 *	solport	vcm always uses the BMC's own port
 * Not supported (no workaround in the session machine yet): intel20,
 * supermicro20, sun20; such BMCs fail the handshake with a clear error.
 */

/* ---- The table ------------------------------------------------------- */

/* Product id wildcard: the entry covers every product of the vendor. */
#define ENG_QUIRK_ANY		(-1)

struct eng_quirk_profile {
	uint32_t	 iana;		/* 20-bit IANA manufacturer id */
	int32_t		 product;	/* 0..65535, or ENG_QUIRK_ANY */
	const char	*name;		/* for logs: "supermicro-x9scm-iif" */
	uint32_t	 quirks;	/* ENG_Q_* */
	/* Sessions vcm may open at once; 0: VCM_BMC_SESSIONS_DEFAULT. */
	uint8_t		 max_sessions;
	/* Cipher suite try order; nsuites 0: the engine's {17, 3}. */
	uint8_t		 suites[VCM_ENG_SUITES_MAX];
	uint8_t		 nsuites;
	/* The firmware it is for and the source key (IPMI.md §1). */
	const char	*firmware;
};

extern const struct eng_quirk_profile	eng_quirk_profiles[];
extern const size_t			eng_quirk_profile_count;

/* One flag: its override name, FreeIPMI's name, whether the engine
 * reads it yet (1) or it only records the quirk (0). */
struct eng_quirk_info {
	uint32_t	 flag;
	const char	*name;
	const char	*alias;		/* FreeIPMI -W name, or NULL */
	uint8_t		 used;
	const char	*what;
};

extern const struct eng_quirk_info	eng_quirk_table[];
extern const size_t			eng_quirk_count;

/* What eng_quirks_lookup() matched. */
enum eng_quirk_match {
	ENG_QUIRK_MATCH_NONE = 0,	/* no entry: the empty default */
	ENG_QUIRK_MATCH_VENDOR = 1,	/* the vendor's wildcard entry */
	ENG_QUIRK_MATCH_EXACT = 2	/* this (IANA, product) pair */
};

/*
 * Copies the most specific entry for (iana, product) into *out: the
 * exact pair, else the vendor's wildcard, else the empty default
 * profile (name "default", no flags). Returns enum eng_quirk_match.
 * The copy is the caller's to change (eng_quirks_override).
 */
int		 eng_quirks_lookup(uint32_t iana, uint16_t product,
		    struct eng_quirk_profile *out);

/*
 * Applies an operator's override to *p. The spec is a comma list of
 *	+NAME	add a flag (a bare NAME adds too)
 *	-NAME	remove a flag
 *	none	clear every flag first (only as the first item)
 *	sessions=N	max_sessions, 1..VCM_BMC_SESSIONS_MAX
 *	suites=A:B	the suite try order (3 and 17 only, at most
 *			VCM_ENG_SUITES_MAX, no repeats)
 * NAME is a flag name or its FreeIPMI alias (eng_quirk_table). No
 * blanks, no empty items, at most VCM_ENG_QUIRK_SPEC_MAX bytes; a flag
 * both added and removed, or a key given twice, is an error. Adding
 * cs17only sets the suites to {17} unless suites= is given; suites=
 * naming 3 together with cs17only is an error. Atomic: on error *p is
 * unchanged and err (when errlen > 0) names the offending item.
 * Returns 0 or VCM_EINVAL / VCM_ERANGE.
 */
int		 eng_quirks_override(struct eng_quirk_profile *p,
		    const char *spec, char *err, size_t errlen);

/*
 * What a BMC runs with. Built by eng_quirks_apply() from, in order:
 *	- the table's profile (eng_quirks_lookup; the empty default before
 *	  Get Device ID has answered),
 *	- the caller's config: its quirks are added; its max_sessions (0:
 *	  VCM_BMC_SESSIONS_DEFAULT) is capped by the profile's (a vendor
 *	  cap is a firmware limit, not a preference); its suites (nsuites >
 *	  0) replace the profile's order,
 *	- the operator's override (eng_quirks_override) on top of both:
 *	  its sessions= and suites= win over everything.
 * A result with cs17only never lists suite 3 (the flag's meaning: never
 * fall back), and always lists 17.
 */
struct eng_quirk_effect {
	uint32_t	 quirks;	/* ENG_Q_* */
	uint32_t	 sol_flags;	/* eng_quirks_sol_flags(quirks) */
	uint8_t		 max_sessions;	/* 1..VCM_BMC_SESSIONS_MAX */
	uint8_t		 suites[VCM_ENG_SUITES_MAX];
	uint8_t		 nsuites;	/* >= 1 */
};

/*
 * Pure. override may be NULL or "" (none). base_suites may be NULL
 * when base_nsuites is 0. Returns 0, or the parser's VCM_EINVAL /
 * VCM_ERANGE (err says why; *out is then unchanged).
 */
int		 eng_quirks_apply(const struct eng_quirk_profile *table,
		    uint32_t base_quirks, uint8_t base_max_sessions,
		    const uint8_t *base_suites, uint8_t base_nsuites,
		    const char *override, struct eng_quirk_effect *out,
		    char *err, size_t errlen);

/* "nochecksum,authcap" or "none"; unknown bits as "0x..". Returns the
 * length, or VCM_ENOSPC (buf then holds as much as fits, terminated). */
int		 eng_quirks_format(uint32_t quirks, char *buf, size_t len);

/* The IPMI_SOL_TX_F_* send options (lib/ipmi/sol.h) the flags ask for. */
uint32_t	 eng_quirks_sol_flags(uint32_t quirks);

/* The flag's table row, or NULL. */
const struct eng_quirk_info *eng_quirk_info(uint32_t flag);

#endif
