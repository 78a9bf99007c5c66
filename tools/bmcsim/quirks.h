/*
 * bmcsim's tables: every quirk flag with its config/control name, what it
 * does and the real firmware it imitates (../shared/notes/IPMI.md §1);
 * the vendor profiles (Get Device ID identity, session slots, suites);
 * and the default profile. Pure: no I/O, no allocation, no globals that
 * change.
 */
#ifndef BMCSIM_QUIRKS_H
#define BMCSIM_QUIRKS_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/*
 * Longest text sim_quirks_format() writes: every name, a comma after
 * each, and the NUL. The names are short, so 256 covers all ten with
 * room for more; sim_quirks_format() reports VCM_ENOSPC rather than
 * overflow if a future table outgrows it.
 */
#define SIM_QUIRKS_TEXT_MAX	256

/* Suite bits every profile starts with: 3 and 17 (IPMI.md §2.3). */
#define SIM_SUITES_DEFAULT	((1u << 3) | (1u << 17))

/* Cipher suite ids 0..19 exist (IPMI 2.0 table 22-20 and errata). */
#define SIM_SUITE_MAX		19

/* Host serial output at 115200 baud, 8N1: 11520 bytes/s. */
#define SIM_OUTPUT_BPS_DEFAULT	11520

struct sim_quirk_info {
	uint32_t	 flag;		/* one enum sim_quirk bit */
	const char	*name;		/* config file and control name */
	const char	*desc;		/* what the simulated BMC does */
	const char	*firmware;	/* the real firmware it imitates */
};

struct sim_vendor {
	const char	*name;
	uint32_t	 iana;		/* IANA enterprise (manufacturer) id */
	uint16_t	 product_id;
	uint8_t		 fw_major;
	uint8_t		 fw_minor;	/* BCD, as Get Device ID carries it */
	uint8_t		 slots;		/* session slots */
	uint32_t	 suites;	/* bit n: suite n offered */
	const char	*desc;
};

extern const struct sim_quirk_info	sim_quirk_table[];
extern const size_t			sim_quirk_count;
extern const struct sim_vendor		sim_vendor_table[];
extern const size_t			sim_vendor_count;

/* The flag named name[0..len), or 0 if no quirk has that name. */
uint32_t	 sim_quirk_by_name(const char *name, size_t len);
/* The name of one flag, or NULL if it is not exactly one known flag. */
const char	*sim_quirk_name(uint32_t flag);
/* The table entry of one flag, or NULL. */
const struct sim_quirk_info *sim_quirk_info(uint32_t flag);
/*
 * Writes the set as "a,b,c" in table order ("none" if empty; bits
 * outside SIM_Q_ALL are ignored), always NUL-terminated. Returns the
 * length, or VCM_ENOSPC (the text is cut at a name boundary).
 */
int		 sim_quirks_format(uint32_t set, char *buf, size_t len);
/*
 * Parses "a,b,c", "none" or "all" (s[0..len), no spaces) into *set.
 * Returns 0, or VCM_EINVAL with a message naming the unknown word.
 */
int		 sim_quirks_parse(const char *s, size_t len, uint32_t *set,
		    char *err, size_t errlen);

/* The vendor named name[0..len), or NULL. */
const struct sim_vendor *sim_vendor_find(const char *name, size_t len);
/* Sets the profile's identity, slots and suites from the vendor. */
void		 sim_vendor_apply(struct sim_profile *,
		    const struct sim_vendor *);

/*
 * The default profile: vendor generic, suites 3 and 17, the default
 * slots, timeouts and output rate, no quirks, no faults and no users.
 */
void		 sim_profile_default(struct sim_profile *);

#endif
