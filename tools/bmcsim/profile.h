/*
 * What one simulated BMC is configured with: users, identity, cipher
 * suites, session limits, timeouts, quirks and faults. The config file
 * parser (config.c) and the command line fill these; the fleet (sim.c)
 * copies one into every BMC it creates, and the control interface
 * changes quirks and faults at run time.
 */
#ifndef BMCSIM_PROFILE_H
#define BMCSIM_PROFILE_H

#include <stdint.h>

#include "vcm/limits.h"

/* Per-mille rates cap at 1000 (every packet). Limits: lib/vcm/limits.h. */
#define SIM_PERMILLE_MAX	1000

struct sim_user {
	char		name[VCM_IPMI_USER_MAX + 1];
	uint8_t		password[VCM_IPMI_KEY_MAX];
	uint8_t		password_len;
	uint8_t		priv;		/* IPMI_PRIV_USER..ADMIN */
	uint8_t		enabled;
};

/*
 * Quirks: the misbehaviour of real firmware, one flag each, named after
 * what it imitates (../shared/notes/IPMI.md §1). quirks.c has the table
 * of names, descriptions and the firmware each comes from.
 */
enum sim_quirk {
	SIM_Q_SOL_STAYS_ACTIVE	= 1u << 0,	/* SOL outlives its dead session */
	SIM_Q_DEACT_LIES	= 1u << 1,	/* Deactivate OK, SOL stays on */
	SIM_Q_DEACT_SAYS_INACTIVE = 1u << 2,	/* 80h "already deactivated" */
	SIM_Q_CLOSE_LOST	= 1u << 3,	/* Close Session dropped: slot leaks */
	SIM_Q_SOL_DROP_ON_REBOOT = 1u << 4,	/* reset/cycle ends SOL silently */
	SIM_Q_SOL_SEQ_JUMP	= 1u << 5,	/* SOL seq numbers jump on reboot */
	SIM_Q_CAPACITY_ZERO	= 1u << 6,	/* payload instance capacity 0 */
	SIM_Q_CS17_ONLY		= 1u << 7,	/* refuses every suite but 17 */
	SIM_Q_OPENSESSPRIV	= 1u << 8,	/* keys from Open Session priv */
	SIM_Q_INSECURE_CS0	= 1u << 9,	/* offers cipher suite 0 */
};

#define SIM_Q_ALL	((1u << 10) - 1)

/* Faults: network-level misbehaviour, all rates per mille. */
struct sim_faults {
	uint16_t	loss;		/* replies dropped */
	uint16_t	dup;		/* replies sent twice */
	uint16_t	reorder;	/* replies held back behind the next */
	uint16_t	garbage;	/* replies replaced by random bytes */
	uint32_t	delay_ms;	/* every reply delayed */
};

struct sim_profile {
	struct sim_user		users[VCM_SIM_USERS_MAX];
	uint8_t			nusers;
	/* Get Device ID identity, so vendor profiles can be recognised. */
	char			vendor[16];	/* name from the vendor table */
	uint32_t		iana;		/* 20-bit manufacturer id */
	uint16_t		product_id;
	uint8_t			fw_major;
	uint8_t			fw_minor;	/* BCD */
	uint32_t		suites;		/* bit n: suite n offered */
	uint8_t			slots;		/* session table size */
	uint32_t		session_timeout_ms;
	uint32_t		sol_retry_ms;
	uint8_t			sol_retries;
	uint32_t		output_bps;	/* host serial output rate, bytes/s */
	uint8_t			flood;		/* host prints without pause */
	uint8_t			stamp;		/* flood with time-stamp lines */
	uint32_t		quirks;		/* enum sim_quirk */
	struct sim_faults	faults;
	/*
	 * SOL flow control for the first milliseconds of every activation
	 * (0: none): console data NACKed, and "character transfer
	 * unavailable" (CTS deasserted) in every packet to the console.
	 */
	uint32_t		sol_nack_ms;
	uint32_t		sol_cts_ms;
};

#endif
