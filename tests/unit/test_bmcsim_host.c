/* The simulated host: power, boot transcript, shell, pacing, logs. */
#include <string.h>

#include "ipmi/cmds.h"
#include "vcm/err.h"
#include "bmcsim/host.h"
#include "test.h"

#define CAP_BIG		65536

/* Everything the host printed in one run, and the time it took. */
static uint8_t	got[CAP_BIG];
static size_t	got_len;
static size_t	got_total;	/* bytes of the last run(), uncut */
static int	rate_ok;

/*
 * Ticks every step ms from *now up to until, cap bytes per call, and
 * appends the output to got. Checks every call against the rate: no
 * more than the bytes earned since the previous call plus the burst.
 */
static void
run(struct host *h, uint64_t *now, uint64_t until, unsigned step,
    size_t cap)
{
	uint8_t buf[CAP_BIG];
	uint64_t prev = *now;
	size_t n, allow;

	rate_ok = 1;
	got_total = 0;
	for (;;) {
		(void)host_tick(h, *now, buf, cap, &n);
		allow = (size_t)((*now - prev) * h->bps / 1000) +
		    (size_t)h->bps * HOST_BURST_MS / 1000 + 1;
		if (n > cap || n > allow)
			rate_ok = 0;
		if (got_len + n <= sizeof(got)) {
			memcpy(got + got_len, buf, n);
			got_len += n;
		}
		got_total += n;
		prev = *now;
		if (*now >= until)
			break;
		*now += step;
		if (*now > until)
			*now = until;
	}
}

/* Runs until the host is quiet: nothing pending, nothing scheduled. */
static uint64_t
run_idle(struct host *h, uint64_t *now, uint64_t limit)
{
	uint8_t buf[512];
	uint64_t next;
	size_t n;

	for (;;) {
		next = host_tick(h, *now, buf, sizeof(buf), &n);
		if (got_len + n <= sizeof(got)) {
			memcpy(got + got_len, buf, n);
			got_len += n;
		}
		if (next == 0 || *now >= limit)
			return *now;
		*now = next > *now ? next : *now + 1;
	}
}

static void
got_reset(void)
{
	got_len = 0;
}

/* The output with ANSI CSI sequences removed, NUL-terminated. */
static char plain[CAP_BIG + 1];

static const char *
got_plain(void)
{
	size_t i, j = 0;

	for (i = 0; i < got_len; i++) {
		if (got[i] == 0x1b && i + 1 < got_len && got[i + 1] == '[') {
			for (i += 2; i < got_len && (got[i] < 0x40 ||
			    got[i] > 0x7e); i++)
				;
			continue;
		}
		plain[j++] = (char)got[i];
	}
	plain[j] = '\0';
	return plain;
}

static int
got_has(const char *s)
{
	return memmem(got, got_len, s, strlen(s)) != NULL;
}

static int
plain_has(const char *s)
{
	return strstr(got_plain(), s) != NULL;
}

static int
got_ends(const char *s)
{
	size_t n = strlen(s);

	return got_len >= n && memcmp(got + got_len - n, s, n) == 0;
}

static void
type(struct host *h, uint64_t *now, const char *s)
{
	host_serial_in(h, (const uint8_t *)s, strlen(s), *now);
	got_reset();
	(void)run_idle(h, now, *now + 10000);
}

/* A host at its shell prompt, logged in as root. */
static void
shell_host(struct host *h, uint64_t *now)
{
	*now = 1000;
	REQUIRE(host_init(h, "node1", 0, 0, *now, 1) == 0);
	type(h, now, "root\r");
	type(h, now, "pw\r");
	REQUIRE(h->state == HOST_SHELL);
}

static void
struct_is_small(void)
{
	printf("# sizeof(struct host) = %zu\n", sizeof(struct host));
	CHECK(sizeof(struct host) <= 1024);
}

static void
init_rejects(void)
{
	struct host h;
	char longname[VCM_HOST_NAME_MAX_LEN + 2];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK_INT(host_init(&h, NULL, 0, 0, 0, 0), VCM_EINVAL);
	CHECK_INT(host_init(&h, "", 0, 0, 0, 0), VCM_EINVAL);
	CHECK_INT(host_init(&h, "a b", 0, 0, 0, 0), VCM_EINVAL);
	CHECK_INT(host_init(&h, "a\033b", 0, 0, 0, 0), VCM_EINVAL);
	CHECK_INT(host_init(&h, longname, 0, 0, 0, 0), VCM_ERANGE);
	longname[VCM_HOST_NAME_MAX_LEN] = '\0';
	CHECK_INT(host_init(&h, longname, 0, 0, 0, 0), 0);
	CHECK_INT(host_init(&h, "x", VCM_HOST_BPS_MAX + 1, 0, 0, 0), VCM_ERANGE);
	CHECK_INT(host_init(&h, "x", 0, 0, 0, 0), 0);
	CHECK_INT(h.bps, HOST_BPS_DEFAULT);
	CHECK(!host_is_on(&h));
	CHECK_INT(host_next_deadline(&h, 0), 0);
	CHECK(strcmp(host_state_name(HOST_SHELL), "shell") == 0);
	CHECK(strcmp(host_state_name(HOST_STATE_COUNT), "?") == 0);
	CHECK(!HOST_STATE_VALID(HOST_STATE_COUNT));
}

static void
starts_on_quiet(void)
{
	struct host h;
	uint64_t now = 5000;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 1) == 0);
	CHECK(host_is_on(&h));
	CHECK_INT(h.state, HOST_LOGIN);
	CHECK_INT(host_next_deadline(&h, now), 0);
	got_reset();
	run(&h, &now, 60000, 1000, 512);
	CHECK_INT(got_len, 0);
	CHECK_INT(host_boots(&h), 0);
	CHECK_INT(host_events(&h), 0);
}

static void
boot_transcript(void)
{
	struct host h;
	uint64_t now = 0, t;
	const char *p, *q, *prev;
	double last = -1, ts;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 0) == 0);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_UP, now), 0);
	CHECK_INT(host_boots(&h), 1);
	CHECK_INT(host_events(&h), HOST_EV_BOOT);
	CHECK_INT(h.state, HOST_BOOTING);
	got_reset();
	/* Over time, not at once: half a second in, BIOS only. */
	run(&h, &now, 500, 10, 512);
	CHECK(plain_has("vcm Virtual Platform BIOS"));
	CHECK(!got_has("GRUB"));
	CHECK(!got_has("login:"));
	/* The prompt comes after 2 to 4 simulated seconds. */
	for (t = 500; h.state == HOST_BOOTING && t < 10000; t += 10)
		run(&h, &now, t, 10, 512);
	printf("# login prompt at %llu ms, %zu bytes\n",
	    (unsigned long long)now, got_len);
	CHECK(now >= 2000 && now <= 4000);
	CHECK_INT(h.state, HOST_LOGIN);
	CHECK(got_ends("\r\nnode1 login: "));
	p = got_plain();
	CHECK(strstr(p, "Memory Test: 65536 MB OK\r\n") != NULL);
	CHECK(strstr(p, "System: node1") != NULL);
	CHECK(strstr(p, "Welcome to GRUB!") != NULL);
	CHECK(strstr(p, "[    0.000000] Linux version 6.1.0") != NULL);
	CHECK(strstr(p, "[  OK  ] Started Journal Service.\r\n") != NULL);
	CHECK(strstr(p, "[  OK  ] Reached target Multi-User System.") != NULL);
	CHECK(strstr(p, "PXE") == NULL);
	/* ANSI is used, as BIOSes do. */
	CHECK(got_has("\x1b[2J"));
	/* Order: BIOS, loader, kernel, systemd, prompt. */
	CHECK(strstr(p, "BIOS") < strstr(p, "GRUB"));
	CHECK(strstr(p, "GRUB") < strstr(p, "Linux version"));
	CHECK(strstr(p, "Linux version") < strstr(p, "[  OK  ]"));
	/* Kernel timestamps never go backwards. */
	prev = p;
	while ((q = strstr(prev, "\n[    ")) != NULL) {
		ts = strtod(q + 2, NULL);
		CHECK(ts >= last);
		last = ts;
		prev = q + 1;
	}
	CHECK(last > 1.0);
	/* Lines end in CR LF. */
	for (q = p; (q = strchr(q, '\n')) != NULL; q++)
		CHECK(q > p && q[-1] == '\r');
	CHECK_INT(host_next_deadline(&h, now), 0);
}

static void
same_text_any_pacing(void)
{
	static uint8_t fast[CAP_BIG];
	size_t fast_len;
	struct host h;
	uint64_t now = 0;

	REQUIRE(host_init(&h, "node1", VCM_HOST_BPS_MAX, 0, now, 0) == 0);
	(void)host_power(&h, IPMI_CHASSIS_POWER_UP, now);
	got_reset();
	run(&h, &now, 10000, 5, 4096);
	CHECK(rate_ok);
	memcpy(fast, got, got_len);
	fast_len = got_len;

	/* 9600 baud, 17 bytes per call: slower, same bytes. */
	now = 0;
	REQUIRE(host_init(&h, "node1", 960, 0, now, 0) == 0);
	(void)host_power(&h, IPMI_CHASSIS_POWER_UP, now);
	got_reset();
	run(&h, &now, 20000, 7, 17);
	CHECK(rate_ok);
	CHECK_INT(got_len, fast_len);
	CHECK_MEM(got, fast, fast_len);
	CHECK_INT(h.state, HOST_LOGIN);
}

static void
rate_limited(void)
{
	struct host h;
	uint64_t now = 0, w;
	size_t before, per;

	/* 200 B/s: the 1.6 KB transcript takes longer than its 3 s
	 * schedule, so from 3 s on the host is backlogged. */
	REQUIRE(host_init(&h, "node1", 200, 0, now, 0) == 0);
	(void)host_power(&h, IPMI_CHASSIS_POWER_UP, now);
	got_reset();
	for (w = 1000; w <= 7000; w += 1000) {
		before = got_len;
		run(&h, &now, w, 10, 4096);
		CHECK(rate_ok);
		per = got_len - before;
		CHECK(per <= 200 + 200 * HOST_BURST_MS / 1000 + 1);
		if (w > 3000)
			CHECK(per >= 195);
	}
	CHECK_INT(h.state, HOST_BOOTING);
	/* Nothing lost: the slow line only makes the boot late. */
	run(&h, &now, 60000, 10, 4096);
	CHECK(got_ends("node1 login: "));
	CHECK_INT(host_overruns(&h), 0);
}

static void
login_flow(void)
{
	struct host h;
	uint64_t now = 0;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 1) == 0);
	type(&h, &now, "root\r");
	CHECK_INT(got_len, strlen("root\r\nPassword: "));
	CHECK(got_ends("root\r\nPassword: "));
	CHECK_INT(h.state, HOST_PASSWORD);
	type(&h, &now, "s3cret\r");
	CHECK(!got_has("s3cret"));
	CHECK(!got_has("s3"));
	CHECK(got_has("Linux node1 6.1.0-vcm-amd64"));
	CHECK(got_ends("\r\nroot@node1:~# "));
	CHECK_INT(h.state, HOST_SHELL);
	/* The password is not kept anywhere but the receive log. */
	CHECK(memmem(&h, offsetof(struct host, rx), "s3cret", 6) == NULL);

	/* Another user, an empty name first. */
	type(&h, &now, "exit\r");
	CHECK(got_has("logout\r\n"));
	CHECK(got_ends("\r\nnode1 login: "));
	type(&h, &now, "\r");
	CHECK(got_ends("\r\nnode1 login: "));
	CHECK_INT(h.state, HOST_LOGIN);
	type(&h, &now, "alice\r\r");
	CHECK(got_ends("alice@node1:~$ "));
	type(&h, &now, "whoami\r");
	CHECK(got_has("\r\nalice\r\n"));
	/* Ctrl-C at the password prompt goes back to login. */
	type(&h, &now, "logout\r");
	type(&h, &now, "bob\rxx\003");
	CHECK(got_ends("^C\r\n\r\nnode1 login: "));
	CHECK(!got_has("xx"));
	CHECK_INT(h.state, HOST_LOGIN);
}

/* Runs one command; the output between echo and prompt goes to out. */
static void
command(struct host *h, uint64_t *now, const char *line, const char *want)
{
	char in[256];
	const char *prompt = "root@node1:~# ";
	size_t lw = strlen(line), ww = strlen(want), pw = strlen(prompt);

	(void)snprintf(in, sizeof(in), "%s\r", line);
	type(h, now, in);
	if (got_len != lw + 2 + ww + pw ||
	    memcmp(got, line, lw) != 0 || memcmp(got + lw, "\r\n", 2) != 0 ||
	    memcmp(got + lw + 2, want, ww) != 0 || !got_ends(prompt)) {
		printf("#   command '%s' gave '%.*s'\n", line,
		    (int)got_len, (const char *)got);
		test_failed = 1;
	}
}

static void
shell_commands(void)
{
	struct host h;
	uint64_t now;

	shell_host(&h, &now);
	command(&h, &now, "help", "Commands: help echo hostname uname "
	    "[-a|-r] uptime whoami ls cat reboot poweroff exit logout\r\n");
	command(&h, &now, "echo hello   world ", "hello   world\r\n");
	command(&h, &now, "echo", "\r\n");
	command(&h, &now, "hostname", "node1\r\n");
	command(&h, &now, "uname", "Linux\r\n");
	command(&h, &now, "uname -r", "6.1.0-vcm-amd64\r\n");
	command(&h, &now, "uname -a", "Linux node1 6.1.0-vcm-amd64 #1 SMP "
	    "PREEMPT_DYNAMIC Debian 6.1.0 x86_64 GNU/Linux\r\n");
	command(&h, &now, "uname -z", "uname: invalid option\r\n");
	command(&h, &now, "whoami", "root\r\n");
	command(&h, &now, "ls", "README\r\n");
	command(&h, &now, "ls /", "bin  boot  dev  etc  home  lib  proc  root"
	    "  run  sys  tmp  usr  var\r\n");
	command(&h, &now, "cat /etc/os-release",
	    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\r\n"
	    "NAME=\"Debian GNU/Linux\"\r\n"
	    "VERSION_ID=\"12\"\r\n"
	    "VERSION=\"12 (bookworm)\"\r\n"
	    "ID=debian\r\n"
	    "VARIANT_ID=bmcsim\r\n");
	command(&h, &now, "cat /nope", "cat: /nope: No such file or "
	    "directory\r\n");
	command(&h, &now, "cat", "cat: missing file operand\r\n");
	command(&h, &now, "frobnicate --now", "frobnicate: command not "
	    "found\r\n");
	command(&h, &now, "   ", "");
	/* Booted (by init) at 1000 ms. */
	now = 1000 + 125000;
	command(&h, &now, "uptime", " up 2 min,  1 user,  load average: "
	    "0.00, 0.00, 0.00\r\n");
	now = 1000 + 2 * 3600000 + 5 * 60000;
	command(&h, &now, "uptime", " up  2:05,  1 user,  load average: "
	    "0.00, 0.00, 0.00\r\n");
	now = 1000 + 86400000ull + 3600000;
	command(&h, &now, "uptime", " up 1 day,  1:00,  1 user,  load "
	    "average: 0.00, 0.00, 0.00\r\n");
	CHECK_INT(host_overruns(&h), 0);
}

static void
line_editing(void)
{
	struct host h;
	uint64_t now;
	char buf[300];

	shell_host(&h, &now);
	/* Backspace and DEL erase on the screen and in the line. */
	type(&h, &now, "ecx\x7fho hi\b\bho\r");
	CHECK(got_has("ecx\b \bho hi\b \b\b \bho\r\nho\r\n"));
	type(&h, &now, "\b");
	CHECK_INT(got_len, 0);		/* nothing to erase */
	/* Ctrl-C drops the line. */
	type(&h, &now, "echo abc\003");
	CHECK(got_ends("echo abc^C\r\nroot@node1:~# "));
	type(&h, &now, "\r");
	CHECK_INT(got_len, strlen("\r\nroot@node1:~# "));
	/* CR LF is one Enter; LF alone is one too. */
	type(&h, &now, "echo a\r\necho b\n");
	CHECK(got_has("a\r\nroot@node1:~# echo b\r\nb\r\nroot@node1:~# "));
	CHECK_INT(got_len, strlen("echo a\r\na\r\nroot@node1:~# "
	    "echo b\r\nb\r\nroot@node1:~# "));
	/* Arrow keys are swallowed. */
	type(&h, &now, "\x1b[A\x1b[1;5Decho z\r");
	CHECK(got_has("echo z\r\nz\r\n"));
	CHECK(!got_has("[A"));
	/* Control bytes and 8-bit bytes are ignored. */
	type(&h, &now, "\001\t\x80x\r");
	CHECK(got_has("x\r\nx: command not found"));
	/* Overflow: 127 bytes are kept, the rest ring the bell. */
	memset(buf, 'a', 200);
	buf[200] = '\0';
	type(&h, &now, buf);
	CHECK_INT(h.line_len, VCM_HOST_LINE_MAX - 1);
	CHECK_INT(got_len, 200);
	CHECK(got[VCM_HOST_LINE_MAX - 2] == 'a');
	CHECK(got[VCM_HOST_LINE_MAX - 1] == '\a');
	CHECK(got[199] == '\a');
	type(&h, &now, "\r");
	CHECK(got_has(": command not found"));
	/* Ctrl-D on a non-empty line does nothing, on an empty one logs out. */
	type(&h, &now, "ab\004");
	CHECK_INT(got_len, 2);
	CHECK_INT(h.state, HOST_SHELL);
	type(&h, &now, "\003\004");
	CHECK(got_ends("logout\r\n\r\nnode1 login: "));
	CHECK_INT(h.state, HOST_LOGIN);
	CHECK_INT(host_overruns(&h), 0);
}

static void
reboot_from_shell(void)
{
	struct host h;
	uint64_t now;

	shell_host(&h, &now);
	(void)host_events(&h);
	CHECK_INT(host_boots(&h), 0);
	host_serial_in(&h, (const uint8_t *)"reboot\r", 7, now);
	CHECK_INT(host_boots(&h), 1);
	CHECK_INT(host_events(&h), HOST_EV_BOOT | HOST_EV_RESET);
	CHECK_INT(h.state, HOST_BOOTING);
	CHECK(host_is_on(&h));
	got_reset();
	run(&h, &now, now + 5000, 10, 512);
	CHECK(got_has("reboot\r\nRebooting.\r\n"));
	CHECK(plain_has("Linux version"));
	CHECK(got_ends("node1 login: "));
	CHECK_INT(h.state, HOST_LOGIN);
	/* And again through host_power. */
	CHECK_INT(host_power(&h, IPMI_CHASSIS_HARD_RESET, now), 0);
	CHECK_INT(host_boots(&h), 2);
}

static void
power_actions(void)
{
	struct host h;
	uint64_t now = 0, t0;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 0) == 0);
	/* Invalid or refused actions. */
	CHECK_INT(host_power(&h, IPMI_CHASSIS_PULSE_DIAG, now), VCM_EUNSUPP);
	CHECK_INT(host_power(&h, 6, now), VCM_EINVAL);
	CHECK_INT(host_power(&h, -1, now), VCM_EINVAL);
	CHECK_INT(host_power(&h, 255, now), VCM_EINVAL);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_CYCLE, now), VCM_ESTATE);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_HARD_RESET, now), VCM_ESTATE);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_SOFT_SHUTDOWN, now),
	    VCM_ESTATE);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_DOWN, now), 0);
	CHECK_INT(host_events(&h), 0);
	CHECK_INT(host_boots(&h), 0);

	/* On while on is a no-op. */
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_UP, now), 0);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_UP, now), 0);
	CHECK_INT(host_boots(&h), 1);

	/* Off is immediate and silences the host. */
	now = 1500;
	got_reset();
	run(&h, &now, 1500, 10, 512);
	CHECK(got_len > 0);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_DOWN, now), 0);
	CHECK(!host_is_on(&h));
	CHECK_INT(host_events(&h), HOST_EV_BOOT | HOST_EV_OFF);
	CHECK_INT(host_next_deadline(&h, now), 0);
	got_reset();
	run(&h, &now, 10000, 10, 512);
	CHECK_INT(got_len, 0);

	/* Cycle: off for HOST_CYCLE_MS, then a boot. */
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_UP, now), 0);
	run(&h, &now, now + 5000, 10, 512);
	CHECK_INT(h.state, HOST_LOGIN);
	(void)host_events(&h);
	t0 = now;
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_CYCLE, now), 0);
	CHECK(!host_is_on(&h));
	CHECK_INT(h.state, HOST_CYCLING);
	CHECK_INT(host_events(&h), HOST_EV_OFF);
	CHECK_INT(host_next_deadline(&h, now), t0 + HOST_CYCLE_MS);
	/* A cycle while the power is off is refused, as IPMI asks. */
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_CYCLE, now), VCM_ESTATE);
	got_reset();
	run(&h, &now, t0 + HOST_CYCLE_MS - 1, 10, 512);
	CHECK(!host_is_on(&h));
	CHECK_INT(got_len, 0);
	run(&h, &now, t0 + HOST_CYCLE_MS, 10, 512);
	CHECK(host_is_on(&h));
	CHECK_INT(host_boots(&h), 3);
	CHECK_INT(host_events(&h), HOST_EV_BOOT);
	CHECK_INT(h.boot_ms, t0 + HOST_CYCLE_MS);

	/* Power down during the pause cancels the power-on. */
	run(&h, &now, now + 5000, 10, 512);
	t0 = now;
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_CYCLE, now), 0);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_DOWN, now), 0);
	run(&h, &now, now + 5000, 10, 512);
	CHECK(!host_is_on(&h));
	CHECK_INT(host_boots(&h), 3);
	/* Up during the pause powers on at once. */
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_UP, now), 0);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_CYCLE, now), 0);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_POWER_UP, now + 10), 0);
	CHECK(host_is_on(&h));
	CHECK_INT(host_boots(&h), 5);

	/* Reset: a new boot now, power stays on. */
	run(&h, &now, now + 5000, 10, 512);
	(void)host_events(&h);
	CHECK_INT(host_power(&h, IPMI_CHASSIS_HARD_RESET, now), 0);
	CHECK_INT(h.state, HOST_BOOTING);
	CHECK_INT(h.boot_ms, now);
	CHECK_INT(host_events(&h), HOST_EV_BOOT | HOST_EV_RESET);
	CHECK_INT(host_boots(&h), 6);
}

static void
soft_shutdown(void)
{
	struct host h;
	uint64_t now, t0;

	shell_host(&h, &now);
	t0 = now;
	CHECK_INT(host_power(&h, IPMI_CHASSIS_SOFT_SHUTDOWN, now), 0);
	CHECK_INT(h.state, HOST_SHUTDOWN);
	/* Twice is fine: it is already going down. */
	CHECK_INT(host_power(&h, IPMI_CHASSIS_SOFT_SHUTDOWN, now + 5), 0);
	got_reset();
	run(&h, &now, t0 + 900, 10, 512);
	CHECK(host_is_on(&h));
	CHECK(plain_has("[  OK  ] Reached target System Power Off.\r\n"));
	CHECK(plain_has("reboot: Power down\r\n"));
	run(&h, &now, t0 + 1000, 10, 512);
	CHECK(!host_is_on(&h));
	CHECK(host_events(&h) & HOST_EV_OFF);
	CHECK_INT(host_next_deadline(&h, now), 0);
	/* Typing while shutting down runs nothing. */
	shell_host(&h, &now);
	type(&h, &now, "poweroff\r");
	CHECK(got_has("poweroff\r\n"));
	CHECK(plain_has("Stopped target Multi-User System"));
	CHECK(!host_is_on(&h));
	/* poweroff took about a second of simulated time. */
	CHECK(now >= 2000 && now <= 2300);
}

static void
boot_once_pxe(void)
{
	struct host h;
	uint64_t now = 0;
	uint8_t dev;
	int pers;
	const char *p;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 0) == 0);
	CHECK_INT(host_set_boot_device(&h, IPMI_BOOT_DEV_PXE, 0), 0);
	host_get_boot_device(&h, &dev, &pers);
	CHECK_INT(dev, IPMI_BOOT_DEV_PXE);
	CHECK_INT(pers, 0);
	(void)host_power(&h, IPMI_CHASSIS_POWER_UP, now);
	/* Used by this boot, so cleared at once. */
	host_get_boot_device(&h, &dev, &pers);
	CHECK_INT(dev, IPMI_BOOT_DEV_NONE);
	got_reset();
	run(&h, &now, 10000, 10, 512);
	p = got_plain();
	CHECK(strstr(p, "PXE boot from NIC 1") != NULL);
	CHECK(strstr(p, "DHCPDISCOVER") != NULL);
	CHECK(strstr(p, "No boot filename received") != NULL);
	CHECK(strstr(p, "No boot filename") < strstr(p, "Booting from Hard"));
	CHECK(strstr(p, "MAC 52:54:00:") != NULL);
	CHECK(got_ends("node1 login: "));
	/* The next boot goes to disk. */
	(void)host_power(&h, IPMI_CHASSIS_HARD_RESET, now);
	got_reset();
	run(&h, &now, now + 10000, 10, 512);
	CHECK(!got_has("PXE"));
	CHECK(got_has("Booting from Hard Disk"));
	CHECK(got_ends("node1 login: "));
}

static void
boot_persistent(void)
{
	struct host h;
	uint64_t now = 0;
	uint8_t dev;
	int pers, i;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 0) == 0);
	CHECK_INT(host_set_boot_device(&h, IPMI_BOOT_DEV_PXE, 1), 0);
	(void)host_power(&h, IPMI_CHASSIS_POWER_UP, now);
	for (i = 0; i < 2; i++) {
		got_reset();
		run(&h, &now, now + 10000, 10, 512);
		CHECK(got_has("PXE boot from"));
		CHECK(got_ends("node1 login: "));
		host_get_boot_device(&h, &dev, &pers);
		CHECK_INT(dev, IPMI_BOOT_DEV_PXE);
		CHECK_INT(pers, 1);
		(void)host_power(&h, IPMI_CHASSIS_HARD_RESET, now);
	}
	/* Other devices: no medium, then the disk. */
	CHECK_INT(host_set_boot_device(&h, IPMI_BOOT_DEV_CDROM, 0), 0);
	(void)host_power(&h, IPMI_CHASSIS_HARD_RESET, now);
	got_reset();
	run(&h, &now, now + 10000, 10, 512);
	CHECK(got_has("No bootable medium found on CD/DVD"));
	CHECK(got_ends("node1 login: "));
	/* Unknown selectors are refused and change nothing. */
	CHECK_INT(host_set_boot_device(&h, 0x9, 0), VCM_EINVAL);
	CHECK_INT(host_set_boot_device(&h, 0x10, 1), VCM_EINVAL);
	host_get_boot_device(&h, &dev, &pers);
	CHECK_INT(dev, IPMI_BOOT_DEV_NONE);
}

static void
bios_setup(void)
{
	struct host h;
	uint64_t now = 0;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 0) == 0);
	CHECK_INT(host_set_boot_device(&h, IPMI_BOOT_DEV_BIOS, 0), 0);
	(void)host_power(&h, IPMI_CHASSIS_POWER_UP, now);
	got_reset();
	run(&h, &now, 30000, 10, 512);
	CHECK(plain_has("vcm Setup Utility"));
	CHECK(plain_has("System Name        node1"));
	CHECK(!got_has("login:"));
	CHECK(!got_has("GRUB"));
	CHECK_INT(h.state, HOST_SETUP);
	CHECK_INT(host_next_deadline(&h, now), 0);
	/* Keys do nothing there but are received. */
	type(&h, &now, "root\r");
	CHECK_INT(got_len, 0);
	CHECK_INT(host_rx_total(&h), 5);
	/* Until a reset. */
	(void)host_power(&h, IPMI_CHASSIS_HARD_RESET, now);
	got_reset();
	run(&h, &now, now + 10000, 10, 512);
	CHECK(got_ends("node1 login: "));
}

static void
serial_break(void)
{
	struct host h;
	uint64_t now;

	shell_host(&h, &now);
	CHECK_INT(host_break(&h, now), 0);
	got_reset();
	run(&h, &now, now + 100, 10, 512);
	CHECK(got_has("sysrq: HELP : loglevel(0-9) reboot(b)"));
	(void)host_power(&h, IPMI_CHASSIS_POWER_DOWN, now);
	CHECK_INT(host_break(&h, now), VCM_ESTATE);
}

static void
injection(void)
{
	struct host h;
	uint64_t now = 0;
	uint8_t big[500];

	REQUIRE(host_init(&h, "node1", 0, 0, now, 1) == 0);
	CHECK_INT(host_inject(&h, (const uint8_t *)"hello\r\n", 7), 7);
	CHECK_INT(host_next_deadline(&h, now), HOST_TICK_MS);
	got_reset();
	run(&h, &now, 100, 10, 512);
	CHECK_INT(got_len, 7);
	CHECK_MEM(got, "hello\r\n", 7);
	/* Full buffer: the newest bytes are dropped and counted. */
	memset(big, 'x', sizeof(big));
	big[0] = 'A';
	big[VCM_HOST_OUT_MAX - 1] = 'Z';
	CHECK_INT(host_inject(&h, big, sizeof(big)), VCM_HOST_OUT_MAX);
	CHECK_INT(host_overruns(&h), sizeof(big) - VCM_HOST_OUT_MAX);
	got_reset();
	run(&h, &now, 2000, 10, 512);
	CHECK_INT(got_len, VCM_HOST_OUT_MAX);
	CHECK(got[0] == 'A' && got[VCM_HOST_OUT_MAX - 1] == 'Z');
	/* Works while off too (the control interface writes the line). */
	(void)host_power(&h, IPMI_CHASSIS_POWER_DOWN, now);
	CHECK_INT(host_inject(&h, (const uint8_t *)"x", 1), 1);
	got_reset();
	run(&h, &now, now + 100, 10, 512);
	CHECK_INT(got_len, 1);
}

static void
rx_log(void)
{
	struct host h;
	uint64_t now = 0;
	uint8_t in[300], out[300];
	size_t i;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 0) == 0);
	CHECK_INT(host_rx_read(&h, out, sizeof(out)), 0);
	host_serial_in(&h, (const uint8_t *)"ab", 2, now);
	CHECK_INT(host_rx_read(&h, out, sizeof(out)), 2);
	CHECK_MEM(out, "ab", 2);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	host_serial_in(&h, in, sizeof(in), now);
	CHECK_INT(host_rx_total(&h), 302);
	CHECK_INT(host_rx_read(&h, out, sizeof(out)), VCM_HOST_RX_LOG_MAX);
	CHECK_MEM(out, in + sizeof(in) - VCM_HOST_RX_LOG_MAX, VCM_HOST_RX_LOG_MAX);
	/* A short buffer gets the newest bytes. */
	CHECK_INT(host_rx_read(&h, out, 3), 3);
	CHECK_MEM(out, in + sizeof(in) - 3, 3);
	/* Received while off: nothing printed. */
	CHECK_INT(host_next_deadline(&h, now), 0);
}

static void
flood_mode(void)
{
	struct host h;
	uint64_t now = 0, w;
	size_t before, per, i;
	char want[32];
	const char *p;

	REQUIRE(host_init(&h, "node1", 5000, 1, now, 1) == 0);
	CHECK_INT(h.state, HOST_FLOOD);
	got_reset();
	for (w = 1000; w <= 5000; w += 1000) {
		before = got_len;
		run(&h, &now, w, 10, 255);
		CHECK(rate_ok);
		per = got_len - before;
		CHECK(per <= 5000 + 5000 * HOST_BURST_MS / 1000 + 1);
		if (w > 1000)
			CHECK(per >= 4950);
	}
	/* Numbered lines, in order, none missing. */
	p = got_plain();
	for (i = 0; i < 200; i++) {
		(void)snprintf(want, sizeof(want), "node1 flood %08zu ", i);
		CHECK(strstr(p, want) != NULL);
		if (i > 0)
			CHECK(strstr(p, want) > p);
		p = strstr(p, want) != NULL ? strstr(p, want) : p;
	}
	/* A reboot starts counting again; off stops the flood. */
	(void)host_power(&h, IPMI_CHASSIS_HARD_RESET, now);
	got_reset();
	run(&h, &now, now + 100, 10, 255);
	CHECK(got_has("node1 flood 00000000 "));
	(void)host_power(&h, IPMI_CHASSIS_POWER_DOWN, now);
	got_reset();
	run(&h, &now, now + 1000, 10, 255);
	CHECK_INT(got_len, 0);
	/* At run time: off returns to a login prompt. */
	(void)host_power(&h, IPMI_CHASSIS_POWER_UP, now);
	host_set_flood(&h, 0, now);
	CHECK_INT(h.state, HOST_LOGIN);
	got_reset();
	run(&h, &now, now + 1000, 10, 255);
	CHECK(got_ends("\r\nnode1 login: "));
	host_set_flood(&h, 1, now);
	CHECK_INT(h.state, HOST_FLOOD);
	/* A fast flood is paced by cap and rate alike. */
	REQUIRE(host_init(&h, "node1", VCM_HOST_BPS_MAX, 1, now, 1) == 0);
	got_reset();
	run(&h, &now, now + 1000, 1, 255);
	CHECK(rate_ok);
	CHECK(got_total >= 255 * 1000);
}

static void
deadlines(void)
{
	struct host h;
	uint64_t now = 0, next;
	uint8_t buf[64];
	size_t n;

	REQUIRE(host_init(&h, "node1", 0, 0, now, 0) == 0);
	(void)host_power(&h, IPMI_CHASSIS_POWER_UP, now);
	/* No credit yet: the first byte waits one tick. */
	next = host_tick(&h, now, buf, sizeof(buf), &n);
	CHECK_INT(n, 0);
	CHECK_INT(next, HOST_TICK_MS);
	/* cap the limit: call again at once. */
	next = host_tick(&h, 10, buf, 8, &n);
	CHECK_INT(n, 8);
	CHECK_INT(next, 10);
	/* Between steps: the next step's time. */
	now = 10;
	while ((next = host_tick(&h, now, buf, sizeof(buf), &n)) <= now + 10)
		now = next > now ? next : now + 1;
	CHECK_INT(next, 150);	/* the BIOS's second line */
	CHECK_INT(host_next_deadline(&h, now), 150);
}

static const struct test_case tests[] = {
	{ "struct host is at most 1 KiB", struct_is_small },
	{ "host_init rejects bad names and rates", init_rejects },
	{ "a host that starts on is quiet at its prompt", starts_on_quiet },
	{ "power on prints the boot transcript to the login prompt",
	    boot_transcript },
	{ "the transcript is the same at any pacing", same_text_any_pacing },
	{ "output never exceeds output_bps", rate_limited },
	{ "login: any user, password not echoed", login_flow },
	{ "shell commands and their output", shell_commands },
	{ "backspace, Ctrl-C, Ctrl-D, escapes, line overflow", line_editing },
	{ "reboot from the shell boots again", reboot_from_shell },
	{ "power off, on, cycle, reset and refused actions", power_actions },
	{ "soft shutdown and poweroff take about a second", soft_shutdown },
	{ "boot once from PXE, then from disk", boot_once_pxe },
	{ "persistent boot device, CD and bad selectors", boot_persistent },
	{ "BIOS setup stays until reset", bios_setup },
	{ "serial break prints the SysRq help", serial_break },
	{ "injected output, overrun drops the newest", injection },
	{ "receive log keeps the newest bytes", rx_log },
	{ "flood mode: numbered lines at the configured rate", flood_mode },
	{ "deadlines", deadlines },
};

TEST_MAIN(tests)
