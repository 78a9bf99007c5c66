/*
 * The simulated host: power state machine, boot transcript, line-mode
 * shell. See host.h for the model; this file has the scripts (static
 * tables of timed text) and the code that plays them.
 */
#include <stdio.h>
#include <string.h>

#include "ipmi/cmds.h"
#include "vcm/err.h"
#include "host.h"

/* Input parser flags (in_flags). */
#define IN_LAST_CR	0x01	/* swallow the LF of a CR LF pair */
#define IN_ESC		0x02	/* after ESC: a sequence is starting */
#define IN_CSI		0x04	/* inside ESC [ ... up to the final byte */

/*
 * One step of a script: wait delay_ms after the previous step was due,
 * then print text. Tokens in text: $h host name, $d boot device, $m MAC,
 * $i client IP, $u kernel timestamp from the uptime, $$ a dollar sign.
 * A step with empty text only waits (before a segment's end action).
 */
struct host_step {
	uint16_t	 delay_ms;
	const char	*text;
};

/* What follows a segment: another segment or a resting state. */
enum host_seg_id {
	SEG_BIOS = 0,
	SEG_PXE,
	SEG_MEDIA,
	SEG_SETUP,
	SEG_DISK,
	SEG_SHUTDOWN,
	SEG_COUNT,
	SEG_NEXT_BY_DEVICE,	/* after the BIOS: depends on cur_dev */
	SEG_END_LOGIN,		/* OS up: login prompt */
	SEG_END_SETUP,		/* BIOS setup screen */
	SEG_END_OFF		/* power off */
};

struct host_seg {
	const struct host_step	*steps;
	uint8_t			 nsteps;
	uint8_t			 next;	/* enum host_seg_id */
};

/* Colours as BIOSes and systemd use them; plain text survives stripping. */
#define A_RST	"\x1b[0m"
#define A_OK	"[\x1b[0;32m  OK  \x1b[0m] "

static const struct host_step seg_bios[] = {
	{ 0, "\x1b[2J\x1b[H\x1b[1;37;44m vcm Virtual Platform BIOS v2.17.1249 "
	    A_RST "\r\nCopyright (C) 2024 vcm bmcsim. All rights reserved.\r\n"
	    "\r\n" },
	{ 150, "CPU: vcm Simulated Xeon(R) CPU @ 2.40GHz, 16 cores\r\n" },
	{ 200, "Memory Test: 65536 MB OK\r\n" },
	{ 150, "System: $h   BMC firmware 1.74\r\n" },
	{ 150, "Detecting drives... SATA0: VCM-SSD 480GB\r\n\r\n" },
	{ 200, "\x1b[1mPress <F2> to enter Setup, <F12> for Network Boot"
	    A_RST "\r\n\r\n" },
};

static const struct host_step seg_pxe[] = {
	{ 300, "PXE boot from NIC 1 (vcm virtio-net), MAC $m\r\n" },
	{ 200, "CLIENT MAC ADDR: $m\r\n" },
	{ 200, "DHCP.... DHCPDISCOVER sent\r\n" },
	{ 500, "DHCPOFFER from 198.51.100.1: CLIENT IP: $i  MASK: 255.255.255.0"
	    "  GATEWAY: 198.51.100.1\r\n" },
	{ 300, "PXE-E53: No boot filename received\r\n" },
	{ 200, "PXE-M0F: Exiting PXE ROM.\r\n\r\n" },
};

static const struct host_step seg_media[] = {
	{ 300, "Booting from $d ...\r\n" },
	{ 500, "No bootable medium found on $d. Trying next device.\r\n\r\n" },
};

static const struct host_step seg_setup[] = {
	{ 300, "Entering Setup...\r\n" },
	{ 400, "\x1b[2J\x1b[H\x1b[7m vcm Setup Utility - Copyright (C) 2024"
	    " vcm bmcsim " A_RST "\r\n"
	    "  Main  Advanced  Boot  Security  Save & Exit\r\n\r\n"
	    "  BIOS Version       2.17.1249\r\n"
	    "  System Name        $h\r\n"
	    "  Total Memory       65536 MB\r\n"
	    "  Boot Mode          UEFI\r\n\r\n"
	    "  F1: Help  F9: Defaults  F10: Save & Exit  ESC: Exit\r\n" },
};

static const struct host_step seg_disk[] = {
	{ 300, "Booting from Hard Disk...\r\n" },
	{ 200, "\x1b[2J\x1b[HGRUB loading.\r\nWelcome to GRUB!\r\n\r\n" },
	{ 300, "  Booting `Debian GNU/Linux'\r\n\r\n"
	    "Loading Linux 6.1.0-vcm-amd64 ...\r\n"
	    "Loading initial ramdisk ...\r\n" },
	{ 300, "[    0.000000] Linux version 6.1.0-vcm-amd64 (builder@vcm)"
	    " (gcc 12.2.0) #1 SMP PREEMPT_DYNAMIC\r\n"
	    "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz-6.1.0-vcm-amd64"
	    " root=/dev/sda1 ro console=ttyS1,115200n8\r\n" },
	{ 50, "[    0.004122] DMI: vcm Virtual Platform, BIOS 2.17.1249\r\n"
	    "[    0.012345] Memory: 65536000K/67108864K available\r\n" },
	{ 50, "[    0.101010] smpboot: Allowing 16 CPUs, 0 hotplug CPUs\r\n" },
	{ 80, "[    0.733001] Serial: 8250/16550 driver, 4 ports, IRQ sharing"
	    " enabled\r\n"
	    "[    0.734512] 00:05: ttyS1 at I/O 0x2f8 (irq = 3, base_baud ="
	    " 115200) is a 16550A\r\n" },
	{ 100, "[    1.402117] EXT4-fs (sda1): mounted filesystem with ordered"
	    " data mode.\r\n" },
	{ 100, "[    1.650000] systemd[1]: systemd 252 running in system"
	    " mode\r\n\r\nWelcome to \x1b[1mDebian GNU/Linux 12 (bookworm)"
	    A_RST "!\r\n\r\n" },
	{ 80, A_OK "Started Journal Service.\r\n" },
	{ 80, A_OK "Started Rule-based Manager for Device Events.\r\n" },
	{ 80, A_OK "Reached target Network.\r\n" },
	{ 80, A_OK "Started OpenBSD Secure Shell server.\r\n" },
	{ 80, A_OK "Started Serial Getty on ttyS1.\r\n" },
	{ 80, A_OK "Reached target Multi-User System.\r\n" },
	{ 150, "\r\nDebian GNU/Linux 12 $h ttyS1\r\n\r\n$h login: " },
};

static const struct host_step seg_shutdown[] = {
	{ 0, "\r\n         Stopping Session 1 of User root...\r\n" },
	{ 100, A_OK "Stopped target Multi-User System.\r\n" },
	{ 150, A_OK "Stopped OpenBSD Secure Shell server.\r\n" },
	{ 150, A_OK "Reached target System Power Off.\r\n" },
	{ 200, "$u reboot: Power down\r\n" },
	{ 400, "" },
};

#define NSTEPS(a)	((uint8_t)(sizeof(a) / sizeof((a)[0])))

static const struct host_seg host_segs[SEG_COUNT] = {
	[SEG_BIOS] =	 { seg_bios, NSTEPS(seg_bios), SEG_NEXT_BY_DEVICE },
	[SEG_PXE] =	 { seg_pxe, NSTEPS(seg_pxe), SEG_DISK },
	[SEG_MEDIA] =	 { seg_media, NSTEPS(seg_media), SEG_DISK },
	[SEG_SETUP] =	 { seg_setup, NSTEPS(seg_setup), SEG_END_SETUP },
	[SEG_DISK] =	 { seg_disk, NSTEPS(seg_disk), SEG_END_LOGIN },
	[SEG_SHUTDOWN] = { seg_shutdown, NSTEPS(seg_shutdown), SEG_END_OFF },
};

static const char host_motd[] =
    "Linux $h 6.1.0-vcm-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.0"
    " x86_64\r\n\r\n";

static const char host_help[] =
    "Commands: help echo hostname uname [-a|-r] uptime whoami ls cat"
    " reboot poweroff exit logout\r\n";

static const char host_os_release[] =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\r\n"
    "NAME=\"Debian GNU/Linux\"\r\n"
    "VERSION_ID=\"12\"\r\n"
    "VERSION=\"12 (bookworm)\"\r\n"
    "ID=debian\r\n"
    "VARIANT_ID=bmcsim\r\n";

static const char host_readme[] =
    "This host is simulated by bmcsim (vcm). Try: help\r\n";

static const char host_sysrq_help[] =
    "\r\n[  123.456789] sysrq: HELP : loglevel(0-9) reboot(b) crash(c)"
    " show-all-locks(d) terminate-all-tasks(e) memory-full-oom-kill(f)"
    " kill-all-tasks(i) sync(s) show-task-states(t) unmount(u)"
    " poweroff(o)\r\n";

static const char *const host_state_names[HOST_STATE_COUNT] = {
	"off", "cycling", "booting", "setup", "login", "password", "shell",
	"shutdown", "flood"
};

const char *
host_state_name(int s)
{
	return HOST_STATE_VALID(s) ? host_state_names[s] : "?";
}

/* Names the BIOS prints; NULL marks a selector it does not know. */
static const char *
host_dev_name(uint8_t dev)
{
	switch (dev) {
	case IPMI_BOOT_DEV_NONE:
	case IPMI_BOOT_DEV_DISK:
		return "Hard Disk";
	case IPMI_BOOT_DEV_PXE:
		return "PXE";
	case IPMI_BOOT_DEV_DISK_SAFE:
		return "Hard Disk (Safe Mode)";
	case IPMI_BOOT_DEV_DIAG:
		return "Diagnostic Partition";
	case IPMI_BOOT_DEV_CDROM:
		return "CD/DVD";
	case IPMI_BOOT_DEV_BIOS:
		return "Setup";
	case IPMI_BOOT_DEV_REMOTE_FLOPPY:
		return "Remote Floppy";
	case IPMI_BOOT_DEV_REMOTE_CDROM:
		return "Virtual CD/DVD";
	case IPMI_BOOT_DEV_REMOTE_DISK:
		return "Remote Disk";
	case IPMI_BOOT_DEV_FLOPPY:
		return "Floppy";
	default:
		return NULL;
	}
}

/* FNV-1a of the host name: a stable MAC and IP per host, no storage. */
static uint32_t
host_hash(const struct host *h)
{
	const char *p;
	uint32_t v = 2166136261u;

	for (p = h->hostname; *p != '\0'; p++) {
		v ^= (uint8_t)*p;
		v *= 16777619u;
	}
	return v;
}

/* ---- output ----------------------------------------------------------- */

/* Queues bytes; when full the newest are dropped (a UART FIFO overrun). */
static size_t
out_put(struct host *h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i, room, at;

	room = VCM_HOST_OUT_MAX - h->out_len;
	if (n > room) {
		h->overruns += (uint32_t)(n - room);
		n = room;
	}
	at = (h->out_head + h->out_len) % VCM_HOST_OUT_MAX;
	for (i = 0; i < n; i++) {
		h->out[at] = b[i];
		at = (at + 1) % VCM_HOST_OUT_MAX;
	}
	h->out_len += (uint16_t)n;
	return n;
}

static void
out_str(struct host *h, const char *s)
{
	out_put(h, s, strlen(s));
}

/* Appends s to buf (cap includes the NUL), cutting what does not fit. */
static size_t
app(char *buf, size_t len, size_t cap, const char *s)
{
	while (*s != '\0' && len + 1 < cap)
		buf[len++] = *s++;
	buf[len] = '\0';
	return len;
}

/* Expands the $ tokens of a script text (see struct host_step). */
static size_t
host_expand(const struct host *h, const char *t, char *buf, size_t cap)
{
	char tmp[32];
	uint32_t v;
	uint64_t up;
	size_t len = 0;
	const char *s;

	buf[0] = '\0';
	for (; *t != '\0'; t++) {
		if (*t != '$' || t[1] == '\0') {
			tmp[0] = *t;
			tmp[1] = '\0';
			len = app(buf, len, cap, tmp);
			continue;
		}
		t++;
		s = tmp;
		switch (*t) {
		case 'h':
			s = h->hostname;
			break;
		case 'd':
			s = host_dev_name(h->cur_dev);
			if (s == NULL)
				s = "?";
			break;
		case 'm':
			v = host_hash(h);
			(void)snprintf(tmp, sizeof(tmp),
			    "52:54:00:%02x:%02x:%02x", (unsigned)(v >> 16) &
			    0xff, (unsigned)(v >> 8) & 0xff, (unsigned)v & 0xff);
			break;
		case 'i':
			v = host_hash(h);
			/* A documentation address (RFC 5737): text only. */
			(void)snprintf(tmp, sizeof(tmp), "198.51.100.%u",
			    2 + (unsigned)(v & 0xff) % 252);
			break;
		case 'u':
			/* The step's due time, not now: a step printed
			 * over several ticks must expand the same way. */
			up = h->due - h->boot_ms;
			(void)snprintf(tmp, sizeof(tmp), "[%5u.%03u%03u]",
			    (unsigned)(up / 1000), (unsigned)(up % 1000),
			    (unsigned)((up * 7) % 1000));
			break;
		default:
			tmp[0] = *t;
			tmp[1] = '\0';
			break;
		}
		len = app(buf, len, cap, s);
	}
	return len;
}

/* ---- power and scripts ------------------------------------------------ */

static void
host_line_reset(struct host *h)
{
	h->line_len = 0;
	h->in_flags = 0;
}

static void
host_script_start(struct host *h, uint8_t seg, uint64_t due)
{
	h->seg = seg;
	h->step = 0;
	h->off = 0;
	h->due = due + host_segs[seg].steps[0].delay_ms;
}

/*
 * Where a host starts in its line. Plain flood lines start at their
 * beginning; stamp lines start at a point derived from the host name,
 * so the hosts of a fleet, started in the same instant, do not all
 * finish a line in the same tick (real consoles are not phase-locked;
 * a fleet that is would turn a benchmark's steady load into bursts).
 */
static uint16_t
flood_start(const struct host *h)
{
	uint32_t x = 2166136261u;	/* FNV-1a */
	const char *p;

	if (h->flood != HOST_FLOOD_STAMP)
		return 0;
	for (p = h->hostname; *p != '\0'; p++)
		x = (x ^ (uint8_t)*p) * 16777619u;
	return (uint16_t)(x % HOST_STAMP_LINE_LEN);
}

/* Starts a boot at time t (power on, reset or the end of a cycle). */
static void
host_boot(struct host *h, uint64_t t, int reset)
{
	h->boots++;
	h->events |= HOST_EV_BOOT | (reset ? HOST_EV_RESET : 0);
	h->boot_ms = t;
	h->cur_dev = h->boot_dev;
	if (!h->boot_persist)
		h->boot_dev = IPMI_BOOT_DEV_NONE;
	host_line_reset(h);
	h->user[0] = '\0';
	if (h->flood) {
		h->state = HOST_FLOOD;
		h->flood_line = 0;
		h->off = flood_start(h);
		return;
	}
	h->state = HOST_BOOTING;
	host_script_start(h, SEG_BIOS, t);
}

static void
host_off(struct host *h)
{
	h->state = HOST_OFF;
	h->events |= HOST_EV_OFF;
	/* A dead UART sends nothing more; injected text may refill it. */
	h->out_head = 0;
	h->out_len = 0;
	h->off = 0;
	host_line_reset(h);
	h->user[0] = '\0';
}

int
host_is_on(const struct host *h)
{
	return h->state != HOST_OFF && h->state != HOST_CYCLING;
}

int
host_power(struct host *h, int action, uint64_t now)
{
	switch (action) {
	case IPMI_CHASSIS_POWER_DOWN:
		if (h->state == HOST_CYCLING)
			h->state = HOST_OFF;	/* cancels the power-on */
		else if (host_is_on(h))
			host_off(h);
		return 0;
	case IPMI_CHASSIS_POWER_UP:
		if (!host_is_on(h))
			host_boot(h, now, 0);
		return 0;
	case IPMI_CHASSIS_POWER_CYCLE:
		/* IPMI 28.3: no action while off (the BMC answers D5h). */
		if (!host_is_on(h))
			return VCM_ESTATE;
		host_off(h);
		h->state = HOST_CYCLING;
		h->due = now + HOST_CYCLE_MS;
		return 0;
	case IPMI_CHASSIS_HARD_RESET:
		if (!host_is_on(h))
			return VCM_ESTATE;
		host_boot(h, now, 1);
		return 0;
	case IPMI_CHASSIS_SOFT_SHUTDOWN:
		if (!host_is_on(h))
			return VCM_ESTATE;
		if (h->state == HOST_SHUTDOWN)
			return 0;
		host_line_reset(h);
		h->state = HOST_SHUTDOWN;
		host_script_start(h, SEG_SHUTDOWN, now);
		return 0;
	case IPMI_CHASSIS_PULSE_DIAG:
		/* No NMI to deliver to a simulated OS. */
		return VCM_EUNSUPP;
	default:
		return VCM_EINVAL;
	}
}

int
host_set_boot_device(struct host *h, uint8_t dev, int persistent)
{
	if (host_dev_name(dev) == NULL)
		return VCM_EINVAL;
	h->boot_dev = dev;
	h->boot_persist = persistent != 0 && dev != IPMI_BOOT_DEV_NONE;
	return 0;
}

void
host_get_boot_device(const struct host *h, uint8_t *dev, int *persistent)
{
	*dev = h->boot_dev;
	*persistent = h->boot_persist;
}

static void
host_prompt(struct host *h)
{
	char buf[VCM_HOST_NAME_MAX_LEN + VCM_HOST_USER_MAX + 16];

	(void)snprintf(buf, sizeof(buf), "%s@%s:~%c ", h->user, h->hostname,
	    strcmp(h->user, "root") == 0 ? '#' : '$');
	out_str(h, buf);
}

static void
host_login_prompt(struct host *h)
{
	char buf[VCM_HOST_NAME_MAX_LEN + 16];

	h->state = HOST_LOGIN;
	h->user[0] = '\0';
	host_line_reset(h);
	(void)snprintf(buf, sizeof(buf), "\r\n%s login: ", h->hostname);
	out_str(h, buf);
}

void
host_set_flood(struct host *h, int on, uint64_t now)
{
	uint8_t was = h->flood;

	h->flood = on == HOST_FLOOD_STAMP ? HOST_FLOOD_STAMP : on != 0;
	if (!host_is_on(h) || h->state == HOST_SHUTDOWN)
		return;
	if (h->flood && h->state == HOST_FLOOD && h->flood != was) {
		/* Switching line kinds: start the new kind on a line. */
		out_str(h, "\r\n");
		h->off = 0;
	} else if (h->flood && h->state != HOST_FLOOD) {
		h->state = HOST_FLOOD;
		h->flood_line = 0;
		h->off = flood_start(h);
	} else if (!h->flood && h->state == HOST_FLOOD) {
		/* The prompt starts on a new line after the cut one. */
		h->off = 0;
		host_login_prompt(h);
	}
}

/* Moves the script on after its current step was printed in full. */
static void
host_script_next(struct host *h)
{
	const struct host_seg *sg = &host_segs[h->seg];
	uint8_t next;

	h->off = 0;
	if (++h->step < sg->nsteps) {
		h->due += sg->steps[h->step].delay_ms;
		return;
	}
	next = sg->next;
	if (next == SEG_NEXT_BY_DEVICE) {
		switch (h->cur_dev) {
		case IPMI_BOOT_DEV_PXE:
			next = SEG_PXE;
			break;
		case IPMI_BOOT_DEV_BIOS:
			next = SEG_SETUP;
			break;
		case IPMI_BOOT_DEV_NONE:
		case IPMI_BOOT_DEV_DISK:
		case IPMI_BOOT_DEV_DISK_SAFE:
			next = SEG_DISK;
			break;
		default:
			next = SEG_MEDIA;
			break;
		}
	}
	switch (next) {
	case SEG_END_LOGIN:
		/* The prompt was the last step; now the shell reads it. */
		h->state = HOST_LOGIN;
		h->user[0] = '\0';
		host_line_reset(h);
		break;
	case SEG_END_SETUP:
		h->state = HOST_SETUP;
		break;
	case SEG_END_OFF:
		host_off(h);
		break;
	default:
		host_script_start(h, next, h->due);
		break;
	}
}

/* Adds the credit earned since last_ms, up to HOST_BURST_MS worth. */
static uint32_t
host_credit_at(const struct host *h, uint64_t now)
{
	uint64_t dt, c, maxc;

	maxc = (uint64_t)h->bps * HOST_BURST_MS;
	if (maxc < 1000)
		maxc = 1000;	/* at least one byte, however slow */
	dt = now > h->last_ms ? now - h->last_ms : 0;
	if (dt > HOST_BURST_MS + 1000)
		dt = HOST_BURST_MS + 1000;	/* no overflow below */
	c = h->credit + dt * h->bps;
	return (uint32_t)(c > maxc ? maxc : c);
}

static int
host_script_running(const struct host *h)
{
	return h->state == HOST_BOOTING || h->state == HOST_SHUTDOWN;
}

uint64_t
host_tick(struct host *h, uint64_t now, uint8_t *out, size_t cap,
    size_t *outlen)
{
	char buf[VCM_HOST_STEP_MAX];
	size_t len = 0, n, room, blen;

	if (h->state == HOST_CYCLING && now >= h->due)
		host_boot(h, h->due, 0);
	h->credit = host_credit_at(h, now);
	if (now > h->last_ms)
		h->last_ms = now;

	for (;;) {
		room = h->credit / 1000;
		if (room > cap - len)
			room = cap - len;
		if (h->out_len > 0) {
			if (room == 0)
				break;
			n = h->out_len < room ? h->out_len : room;
			/* Two copies at most: the ring may wrap once. */
			blen = VCM_HOST_OUT_MAX - h->out_head;
			if (blen > n)
				blen = n;
			memcpy(out + len, h->out + h->out_head, blen);
			memcpy(out + len + blen, h->out, n - blen);
			h->out_head = (uint16_t)((h->out_head + n) %
			    VCM_HOST_OUT_MAX);
			h->out_len -= (uint16_t)n;
		} else if (host_script_running(h) && h->due <= now) {
			blen = host_expand(h,
			    host_segs[h->seg].steps[h->step].text, buf,
			    sizeof(buf));
			if (h->off >= blen) {
				host_script_next(h);
				continue;
			}
			if (room == 0)
				break;
			n = blen - h->off < room ? blen - h->off : room;
			memcpy(out + len, buf + h->off, n);
			h->off += (uint16_t)n;
		} else if (h->state == HOST_FLOOD) {
			if (room == 0)
				break;
			if (h->flood == HOST_FLOOD_STAMP) {
				/* Constant text: no formatting per tick. */
				blen = HOST_STAMP_LINE_LEN;
				memcpy(buf, HOST_STAMP_LINE, blen);
			} else {
				blen = (size_t)snprintf(buf, sizeof(buf),
				    "%s flood %08u ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789\r\n",
				    h->hostname, (unsigned)h->flood_line);
				if (blen >= sizeof(buf))
					blen = sizeof(buf) - 1;
			}
			n = blen - h->off < room ? blen - h->off : room;
			memcpy(out + len, buf + h->off, n);
			h->off += (uint16_t)n;
			if (h->off >= blen) {
				h->off = 0;
				h->flood_line++;
			}
		} else
			break;
		len += n;
		h->credit -= (uint32_t)n * 1000;
	}
	*outlen = len;
	return host_next_deadline(h, now);
}

uint64_t
host_next_deadline(const struct host *h, uint64_t now)
{
	uint64_t t, need;
	uint32_t c;

	if (h->out_len > 0 || h->state == HOST_FLOOD ||
	    (host_script_running(h) && h->due <= now)) {
		c = host_credit_at(h, now);
		if (c >= 1000)
			return now;
		/* Wait for one byte of credit, but batch small ones. */
		need = (1000 - h->credit + h->bps - 1) / h->bps;
		if (need < HOST_TICK_MS)
			need = HOST_TICK_MS;
		t = h->last_ms + need;
		return t > now ? t : now + 1;
	}
	if (host_script_running(h) || h->state == HOST_CYCLING)
		return h->due;
	return 0;
}

/* ---- shell ------------------------------------------------------------ */

static void
host_uptime(struct host *h, uint64_t now)
{
	char buf[96];
	uint64_t s = now > h->boot_ms ? (now - h->boot_ms) / 1000 : 0;
	unsigned days = (unsigned)(s / 86400), hh, mm;

	hh = (unsigned)(s % 86400 / 3600);
	mm = (unsigned)(s % 3600 / 60);
	if (days == 0 && hh == 0)
		(void)snprintf(buf, sizeof(buf), " up %u min", mm);
	else if (days == 0)
		(void)snprintf(buf, sizeof(buf), " up %2u:%02u", hh, mm);
	else
		(void)snprintf(buf, sizeof(buf), " up %u day%s, %2u:%02u",
		    days, days == 1 ? "" : "s", hh, mm);
	out_str(h, buf);
	out_str(h, ",  1 user,  load average: 0.00, 0.00, 0.00\r\n");
}

/* Runs one shell line; returns 1 if the shell is still there for a
 * prompt, 0 if the command left it (logout, reboot, poweroff). */
static int
host_run(struct host *h, uint64_t now)
{
	char buf[VCM_HOST_STEP_MAX];
	char *cmd, *args, *p;

	h->line[h->line_len] = '\0';
	for (cmd = h->line; *cmd == ' ' || *cmd == '\t'; cmd++)
		;
	for (p = cmd; *p != '\0' && *p != ' ' && *p != '\t'; p++)
		;
	args = p;
	if (*p != '\0') {
		*p = '\0';
		for (args = p + 1; *args == ' ' || *args == '\t'; args++)
			;
	}
	/* Trailing blanks are not part of the arguments. */
	for (p = args + strlen(args); p > args && (p[-1] == ' ' ||
	    p[-1] == '\t'); p--)
		p[-1] = '\0';

	if (*cmd == '\0')
		return 1;
	if (strcmp(cmd, "help") == 0)
		out_str(h, host_help);
	else if (strcmp(cmd, "echo") == 0) {
		out_str(h, args);
		out_str(h, "\r\n");
	} else if (strcmp(cmd, "hostname") == 0) {
		out_str(h, h->hostname);
		out_str(h, "\r\n");
	} else if (strcmp(cmd, "uname") == 0) {
		if (*args == '\0' || strcmp(args, "-s") == 0)
			out_str(h, "Linux\r\n");
		else if (strcmp(args, "-r") == 0)
			out_str(h, "6.1.0-vcm-amd64\r\n");
		else if (strcmp(args, "-a") == 0) {
			(void)snprintf(buf, sizeof(buf), "Linux %s "
			    "6.1.0-vcm-amd64 #1 SMP PREEMPT_DYNAMIC Debian "
			    "6.1.0 x86_64 GNU/Linux\r\n", h->hostname);
			out_str(h, buf);
		} else
			out_str(h, "uname: invalid option\r\n");
	} else if (strcmp(cmd, "uptime") == 0)
		host_uptime(h, now);
	else if (strcmp(cmd, "whoami") == 0) {
		out_str(h, h->user);
		out_str(h, "\r\n");
	} else if (strcmp(cmd, "ls") == 0) {
		if (strcmp(args, "/") == 0)
			out_str(h, "bin  boot  dev  etc  home  lib  proc  root"
			    "  run  sys  tmp  usr  var\r\n");
		else
			out_str(h, "README\r\n");
	} else if (strcmp(cmd, "cat") == 0) {
		if (strcmp(args, "/etc/os-release") == 0)
			out_str(h, host_os_release);
		else if (strcmp(args, "README") == 0)
			out_str(h, host_readme);
		else if (*args == '\0')
			out_str(h, "cat: missing file operand\r\n");
		else {
			(void)snprintf(buf, sizeof(buf), "cat: %s: No such "
			    "file or directory\r\n", args);
			out_str(h, buf);
		}
	} else if (strcmp(cmd, "reboot") == 0) {
		out_str(h, "Rebooting.\r\n");
		(void)host_power(h, IPMI_CHASSIS_HARD_RESET, now);
		return 0;
	} else if (strcmp(cmd, "poweroff") == 0) {
		(void)host_power(h, IPMI_CHASSIS_SOFT_SHUTDOWN, now);
		return 0;
	} else if (strcmp(cmd, "exit") == 0 || strcmp(cmd, "logout") == 0) {
		out_str(h, "logout\r\n");
		host_login_prompt(h);
		return 0;
	} else {
		(void)snprintf(buf, sizeof(buf), "%s: command not found\r\n",
		    cmd);
		out_str(h, buf);
	}
	return 1;
}

/* Enter in one of the three reading states. */
static void
host_enter(struct host *h, uint64_t now)
{
	char buf[VCM_HOST_STEP_MAX];
	size_t n;

	switch (h->state) {
	case HOST_LOGIN:
		if (h->line_len == 0) {
			host_login_prompt(h);
			return;
		}
		n = h->line_len < VCM_HOST_USER_MAX ? h->line_len : VCM_HOST_USER_MAX;
		memcpy(h->user, h->line, n);
		h->user[n] = '\0';
		h->line_len = 0;
		h->state = HOST_PASSWORD;
		out_str(h, "\r\nPassword: ");
		return;
	case HOST_PASSWORD:
		/* Any password will do; it is never stored. */
		h->state = HOST_SHELL;
		out_str(h, "\r\n");
		(void)host_expand(h, host_motd, buf, sizeof(buf));
		out_str(h, buf);
		host_prompt(h);
		return;
	case HOST_SHELL:
		out_str(h, "\r\n");
		if (host_run(h, now))
			host_prompt(h);
		h->line_len = 0;
		return;
	default:
		return;
	}
}

/* One keystroke while the login prompt or the shell reads a line. */
static void
host_key(struct host *h, uint8_t c, uint64_t now)
{
	int echo = h->state != HOST_PASSWORD;

	/* Swallow terminal escape sequences (arrow keys and the like). */
	if (h->in_flags & IN_ESC) {
		h->in_flags &= ~IN_ESC;
		if (c == '[')
			h->in_flags |= IN_CSI;
		return;
	}
	if (h->in_flags & IN_CSI) {
		if (c >= 0x40 && c <= 0x7e)
			h->in_flags &= ~IN_CSI;
		return;
	}
	if (c == '\n' && (h->in_flags & IN_LAST_CR)) {
		h->in_flags &= ~IN_LAST_CR;
		return;
	}
	h->in_flags &= ~IN_LAST_CR;

	switch (c) {
	case '\r':
		h->in_flags |= IN_LAST_CR;
		host_enter(h, now);
		return;
	case '\n':
		host_enter(h, now);
		return;
	case 0x1b:
		h->in_flags |= IN_ESC;
		return;
	case 0x03:	/* Ctrl-C: drop the line */
		out_str(h, "^C\r\n");
		h->line_len = 0;
		if (h->state == HOST_SHELL)
			host_prompt(h);
		else
			host_login_prompt(h);
		return;
	case 0x04:	/* Ctrl-D: end of input on an empty line */
		if (h->state == HOST_SHELL && h->line_len == 0) {
			out_str(h, "logout\r\n");
			host_login_prompt(h);
		}
		return;
	case 0x08:
	case 0x7f:
		if (h->line_len > 0) {
			h->line_len--;
			if (echo)
				out_str(h, "\b \b");
		}
		return;
	default:
		break;
	}
	if (c < 0x20 || c > 0x7e)
		return;
	if (h->state == HOST_PASSWORD)
		return;		/* not echoed, not kept */
	if (h->line_len >= VCM_HOST_LINE_MAX - 1) {
		out_str(h, "\a");	/* line full: ring the bell */
		return;
	}
	h->line[h->line_len++] = (char)c;
	out_put(h, &c, 1);
}

void
host_serial_in(struct host *h, const uint8_t *p, size_t n, uint64_t now)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h->rx[h->rx_total % VCM_HOST_RX_LOG_MAX] = p[i];
		h->rx_total++;
		if (h->state == HOST_LOGIN || h->state == HOST_PASSWORD ||
		    h->state == HOST_SHELL)
			host_key(h, p[i], now);
	}
}

int
host_break(struct host *h, uint64_t now)
{
	if (!host_is_on(h))
		return VCM_ESTATE;
	out_str(h, host_sysrq_help);
	return 0;
}

size_t
host_inject(struct host *h, const uint8_t *p, size_t n)
{
	return out_put(h, p, n);
}

/* ---- queries and setup -------------------------------------------------- */

uint32_t
host_boots(const struct host *h)
{
	return h->boots;
}

unsigned
host_events(struct host *h)
{
	unsigned ev = h->events;

	h->events = 0;
	return ev;
}

uint32_t
host_overruns(const struct host *h)
{
	return h->overruns;
}

uint32_t
host_rx_total(const struct host *h)
{
	return h->rx_total;
}

size_t
host_rx_read(const struct host *h, uint8_t *out, size_t cap)
{
	size_t n, i;
	uint32_t from;

	n = h->rx_total < VCM_HOST_RX_LOG_MAX ? h->rx_total : VCM_HOST_RX_LOG_MAX;
	if (n > cap)
		n = cap;
	from = h->rx_total - (uint32_t)n;
	for (i = 0; i < n; i++)
		out[i] = h->rx[(from + i) % VCM_HOST_RX_LOG_MAX];
	return n;
}

int
host_init(struct host *h, const char *hostname, uint32_t bps, int flood,
    uint64_t now, int powered_on)
{
	size_t n, i;

	memset(h, 0, sizeof(*h));
	if (hostname == NULL)
		return VCM_EINVAL;
	n = strlen(hostname);
	if (n == 0)
		return VCM_EINVAL;
	if (n > VCM_HOST_NAME_MAX_LEN)
		return VCM_ERANGE;
	/* The name is printed on the console: no control bytes. */
	for (i = 0; i < n; i++)
		if (hostname[i] < 0x21 || hostname[i] > 0x7e)
			return VCM_EINVAL;
	if (bps > VCM_HOST_BPS_MAX)
		return VCM_ERANGE;
	memcpy(h->hostname, hostname, n + 1);
	h->bps = bps != 0 ? bps : HOST_BPS_DEFAULT;
	h->flood = flood == HOST_FLOOD_STAMP ? HOST_FLOOD_STAMP : flood != 0;
	h->last_ms = now;
	h->boot_ms = now;
	h->state = HOST_OFF;
	h->boot_dev = IPMI_BOOT_DEV_NONE;
	if (powered_on) {
		/* Booted while nobody watched: quiet at the prompt. */
		h->state = h->flood ? HOST_FLOOD : HOST_LOGIN;
		h->off = h->flood ? flood_start(h) : 0;
	}
	return 0;
}
