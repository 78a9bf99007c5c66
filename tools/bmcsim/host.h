/*
 * The simulated host behind one simulated BMC: a chassis power state
 * machine, a boot transcript that is printed over time, and a tiny
 * line-mode shell on the serial port. The BMC's SOL code forwards what
 * host_tick() produces to SOL clients and passes keystrokes in with
 * host_serial_in().
 *
 * Pure and deterministic: no clock, no I/O, no allocation, no globals
 * written. Time comes in as now_ms arguments (any monotonic millisecond
 * count, never going backwards); output goes into caller buffers. The
 * same calls at the same times always give the same bytes, so tests
 * drive time by hand.
 *
 * Output path. The host has two sources of serial output:
 *  - a script (the boot transcript, the BIOS setup screen, the shutdown
 *    sequence) or, in flood mode, an endless stream of numbered lines;
 *    these are generated on demand and never buffered, so a slow line
 *    only makes them late, never lost;
 *  - a bounded pending buffer (VCM_HOST_OUT_MAX) for shell echo, command
 *    output, break and injected text. When it is full the NEWEST bytes
 *    are dropped and counted (host_overruns()), as a UART FIFO does:
 *    what is already queued keeps its order.
 * host_tick() sends the pending buffer first, then the script. Both are
 * paced by one token bucket of output_bps bytes per second that holds
 * at most HOST_BURST_MS worth of credit, so in any interval of T ms a
 * host sends at most T * output_bps / 1000 bytes plus that burst.
 *
 * Typical use by the BMC:
 *	host_init(&h, "node17", 11520, 0, now, 1);
 *	...
 *	next = host_tick(&h, now, buf, sizeof(buf), &n);   send n bytes
 *	host_serial_in(&h, keys, len, now);                 keystrokes
 *	next = host_next_deadline(&h, now);                 re-arm timer
 *	if (host_events(&h) & HOST_EV_BOOT) ...             reboot quirks
 */
#ifndef BMCSIM_HOST_H
#define BMCSIM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "vcm/limits.h"

/*
 * Buffer limits are in lib/vcm/limits.h (VCM_HOST_*): they keep struct
 * host under 1 KiB so 10,000 idle BMCs stay under 4 KiB RSS each. The
 * timing constants of the simulation follow.
 */
/* 115200 baud 8N1: the console speed of most servers. */
#define HOST_BPS_DEFAULT	11520
/* Credit an idle host may save up: echo after a pause is immediate,
 * yet the rate over any second stays within 5% of output_bps. */
#define HOST_BURST_MS		50
/* Least wait between paced ticks: batches output into SOL-sized
 * chunks instead of waking once per byte. */
#define HOST_TICK_MS		10
/*
 * Stamp mode (flood value HOST_FLOOD_STAMP): instead of the numbered
 * flood lines the host prints HOST_STAMP_LINE over and over. The host has
 * no clock, so the digits are placeholders; the BMC's SOL code writes the
 * CLOCK_MONOTONIC time into them when it puts the line into a packet
 * (solsrv.c), which is what latency benchmarks measure from.
 */
#define HOST_FLOOD_STAMP	2
#define HOST_STAMP_DIGITS	19	/* a uint64 of nanoseconds, zero-padded */
#define HOST_STAMP_FILL		'?'
#define HOST_STAMP_LINE		"t=???????????????????\r\n"
#define HOST_STAMP_LINE_LEN	(sizeof(HOST_STAMP_LINE) - 1)

/* Power cycle: off this long, then on (IPMI 28.3 asks for >= 1 s). */
#define HOST_CYCLE_MS		1000

/* Power/OS state. */
enum host_state {
	HOST_OFF = 0,		/* power off */
	HOST_CYCLING,		/* power off, on again at HOST_CYCLE_MS */
	HOST_BOOTING,		/* printing the boot transcript */
	HOST_SETUP,		/* BIOS setup screen, stays until reset */
	HOST_LOGIN,		/* "login: " prompt, reading a user name */
	HOST_PASSWORD,		/* "Password: ", not echoed */
	HOST_SHELL,		/* logged in, line-mode shell */
	HOST_SHUTDOWN,		/* OS shutting down, then power off */
	HOST_FLOOD,		/* load test: numbered lines without end */
	HOST_STATE_COUNT
};
#define HOST_STATE_VALID(s)	((unsigned)(s) < HOST_STATE_COUNT)

/* Event bits, returned and cleared by host_events(). */
#define HOST_EV_BOOT	0x01	/* a boot started (on, reset, cycle, reboot) */
#define HOST_EV_RESET	0x02	/* a boot without power loss (reset, reboot) */
#define HOST_EV_OFF	0x04	/* power went off (off, cycle, shutdown) */

struct host {
	uint64_t	due;		/* next script step / cycle power-on */
	uint64_t	boot_ms;	/* start of the current boot (uptime) */
	uint64_t	last_ms;	/* last credit update */
	uint32_t	bps;		/* output bytes per second */
	uint32_t	credit;		/* output credit, 1/1000 bytes */
	uint32_t	boots;		/* boots started since host_init() */
	uint32_t	overruns;	/* pending output bytes dropped */
	uint32_t	rx_total;	/* bytes ever received on serial in */
	uint32_t	flood_line;	/* next flood line number */
	uint16_t	out_head;	/* pending output ring: first byte */
	uint16_t	out_len;	/* pending output ring: bytes queued */
	uint16_t	off;		/* bytes of the current step sent */
	uint8_t		state;		/* enum host_state */
	uint8_t		seg;		/* script segment (host.c) */
	uint8_t		step;		/* step within the segment */
	uint8_t		flood;		/* flood mode: 0, 1, HOST_FLOOD_STAMP */
	uint8_t		boot_dev;	/* IPMI_BOOT_DEV_* for next boot */
	uint8_t		boot_persist;	/* boot_dev applies to every boot */
	uint8_t		cur_dev;	/* device of the current boot */
	uint8_t		events;		/* HOST_EV_* not yet polled */
	uint8_t		line_len;	/* bytes in line */
	uint8_t		in_flags;	/* input parser state (host.c) */
	char		hostname[VCM_HOST_NAME_MAX_LEN + 1];
	char		user[VCM_HOST_USER_MAX + 1];
	char		line[VCM_HOST_LINE_MAX];
	uint8_t		out[VCM_HOST_OUT_MAX];
	uint8_t		rx[VCM_HOST_RX_LOG_MAX];
};

/*
 * Sets up a host. hostname: printable ASCII, 1..VCM_HOST_NAME_MAX_LEN bytes.
 * output_bps 0 means HOST_BPS_DEFAULT. A host that starts powered on is
 * already at its login prompt (it booted while nobody was watching) and
 * prints nothing, or floods at once in flood mode. Returns 0, VCM_EINVAL
 * or VCM_ERANGE.
 */
int		host_init(struct host *, const char *, uint32_t, int, uint64_t,
		    int);

/*
 * Chassis Control (IPMI_CHASSIS_*): POWER_DOWN is immediate; POWER_UP
 * starts a boot; POWER_CYCLE is off, then on after HOST_CYCLE_MS;
 * HARD_RESET reboots now; SOFT_SHUTDOWN prints a shutdown sequence and
 * powers off about a second later. Down while off and up while on are
 * no-ops. Returns 0; VCM_ESTATE for cycle, reset or soft shutdown while
 * off; VCM_EUNSUPP for PULSE_DIAG; VCM_EINVAL for anything else.
 */
int		host_power(struct host *, int, uint64_t);

/*
 * Boot device for the next boot (IPMI_BOOT_DEV_*): persistent, or once
 * (cleared when a boot starts). NONE means the default (disk). Returns
 * 0 or VCM_EINVAL for a device the BIOS does not know.
 */
int		host_set_boot_device(struct host *, uint8_t, int);
/* The boot device still set, for Get System Boot Options. */
void		host_get_boot_device(const struct host *, uint8_t *, int *);

/* Turns flood mode on (1, or HOST_FLOOD_STAMP for stamp lines) or off
 * (0) at run time; a running host follows now (off: back to a fresh
 * login prompt). */
void		host_set_flood(struct host *, int, uint64_t);

/*
 * Keystrokes from SOL. Every byte goes to the receive log; the shell
 * (when the OS is up) echoes and runs lines. Output is queued for
 * host_tick(); call host_next_deadline() afterwards.
 */
void		host_serial_in(struct host *, const uint8_t *, size_t,
		    uint64_t);

/* Serial break: the kernel prints its SysRq help. VCM_ESTATE when off. */
int		host_break(struct host *, uint64_t);

/* Control interface: queue bytes as serial output, even when powered
 * off. Returns the bytes queued; the rest were dropped (overruns). */
size_t		host_inject(struct host *, const uint8_t *, size_t);

/*
 * Advances the host to now_ms and writes the output due by then into
 * out: at most cap bytes and never more than the rate allows; the rest
 * waits. *outlen gets the count. Returns the time at which the host
 * wants the next call (may be now_ms when cap was the limit), or 0 if
 * nothing is scheduled.
 */
uint64_t	host_tick(struct host *, uint64_t, uint8_t *, size_t,
		    size_t *);

/* The next deadline as host_tick() would return it, without output. */
uint64_t	host_next_deadline(const struct host *, uint64_t);

/* 1 if the chassis has power (any state but OFF and CYCLING). */
int		host_is_on(const struct host *);
/* Boots started since host_init() (power on, reset, cycle, reboot). */
uint32_t	host_boots(const struct host *);
/* Returns the HOST_EV_* bits set since the last call and clears them. */
unsigned	host_events(struct host *);
/* Pending output bytes dropped because the buffer was full. */
uint32_t	host_overruns(const struct host *);
/* Bytes ever received on the serial input (the log keeps the last
 * VCM_HOST_RX_LOG_MAX). */
uint32_t	host_rx_total(const struct host *);
/* Copies the newest min(kept, cap) received bytes, oldest first;
 * returns the count. */
size_t		host_rx_read(const struct host *, uint8_t *, size_t);
/* "off", "booting", ...; "?" for an invalid state. */
const char	*host_state_name(int);

#endif
