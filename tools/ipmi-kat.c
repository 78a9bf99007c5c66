/*
 * ipmi-kat: known-answer checks of vcm's RMCP+ crypto against values
 * computed by someone else.
 *
 *	ipmi-kat verify FILE --user U --password P [--kg HEX]
 *	ipmi-kat derive --suite 3|17 --sidm HEX --sidc HEX --rm HEX --rc HEX
 *	    --guid HEX --role HEX --user U --password P [--kg HEX]
 *	    [--msg HEX] [--iv HEX] [--plain HEX]
 *
 * verify reads a capture of a real session between two other programs
 * (tests/data/kat/NAME.cap, written by tests/tools/udp-relay.py) and checks
 * with our library every code the peers exchanged: RAKP2 (the BMC's),
 * RAKP3 (the console's), RAKP4 (the BMC's, under our SIK), and then
 * opens every session packet in both directions. The peers computed all
 * of it themselves, so a pass means our formulas agree with theirs.
 *
 * derive prints our values for given inputs, so a script can compare
 * them with the openssl command line (tests/integration/kat-suite17.sh).
 *
 * Exit status: 0 all checks passed, 1 a check failed, 2 bad usage/input.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcm/err.h"
#include "vcm/limits.h"
#include "vcm/wipe.h"
#include "ipmi/crypto.h"
#include "ipmi/lan15.h"
#include "ipmi/msg.h"
#include "ipmi/rakp.h"
#include "ipmi/rmcp.h"
#include "ipmi/rmcpplus.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* A session is a few dozen datagrams; this bounds a hostile file. */
#define CAP_DGRAMS_MAX	512
/* "C>B " + two hex digits a byte + newline + NUL, with room to spare. */
#define CAP_LINE_MAX	(8 + 2 * VCM_IPMI_DATAGRAM_MAX + 8)
/* Largest --msg / --plain: what one datagram could carry. */
#define ARG_DATA_MAX	VCM_IPMI_DATAGRAM_MAX

struct dgram {
	int		to_bmc;		/* C>B (1) or B>C (0) */
	unsigned int	line;
	size_t		len;
	uint8_t		b[VCM_IPMI_DATAGRAM_MAX];
};

static struct dgram	dgrams[CAP_DGRAMS_MAX];
static size_t		ndgrams;
static int		nfail;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ipmi-kat verify FILE --user U --password P [--kg HEX]\n"
	    "       ipmi-kat derive --suite 3|17 --sidm HEX --sidc HEX "
	    "--rm HEX --rc HEX\n"
	    "           --guid HEX --role HEX --user U --password P "
	    "[--kg HEX]\n"
	    "           [--msg HEX] [--iv HEX] [--plain HEX]\n");
	exit(EXIT_USAGE);
}

static void __attribute__((format(printf, 1, 2), noreturn))
die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("ipmi-kat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parses an even number of hex digits (nothing else) into at most cap
 * bytes. Returns 0, or -1 on a bad digit, odd length or overflow.
 */
static int
parse_hex(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *len)
{
	size_t i, n;
	int hi, lo;

	if (slen % 2 != 0 || slen / 2 > cap)
		return -1;
	n = slen / 2;
	for (i = 0; i < n; i++) {
		if ((hi = hexval((unsigned char)s[2 * i])) < 0 ||
		    (lo = hexval((unsigned char)s[2 * i + 1])) < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n;
	return 0;
}

/* An option value of exactly want bytes of hex. */
static void
arg_hex_exact(const char *name, const char *s, uint8_t *out, size_t want)
{
	size_t n;

	if (parse_hex(s, strlen(s), out, want, &n) != 0 || n != want)
		die_usage("%s: want exactly %zu bytes of hex, got \"%s\"",
		    name, want, s);
}

/* A 32-bit number in hex ("a0a2a3a4", optional 0x), as the BMC prints it. */
static uint32_t
arg_u32(const char *name, const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	/* strtoul would also take a sign or blanks; a hex digit must lead. */
	if (hexval((unsigned char)s[0]) < 0)
		die_usage("%s: not a hex number: \"%s\"", name, s);
	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno != 0 || *end != '\0' || v > max)
		die_usage("%s: not a hex number <= %#lx: \"%s\"", name, max, s);
	return (uint32_t)v;
}

static void
print_hex(const char *label, const uint8_t *p, size_t n)
{
	size_t i;

	printf("%s=", label);
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

/* One verify step: "ok WHAT" or "FAIL WHAT: reason". */
static int
step(int r, const char *what)
{
	if (r == 0)
		printf("ok %s\n", what);
	else {
		printf("FAIL %s: %s (%s)\n", what, vcm_strerror(r),
		    vcm_errname(r));
		nfail++;
	}
	return r;
}

/* A verify step that is not a library call (a field the peers disagree on). */
static int
expect(int cond, const char *what)
{
	if (cond)
		printf("ok %s\n", what);
	else {
		printf("FAIL %s: unexpected value\n", what);
		nfail++;
	}
	return cond ? 0 : VCM_EBADMSG;
}

/*
 * A second, separate step beside each ipmi_rakp*_check: compute the code
 * and compare it here. It never replaces the check (both must pass); it
 * tells a wrong formula apart from a broken check when one fails. The
 * caller calls the code function first, in its own statement, and then
 * passes the length it wrote: an argument list would not order the two.
 */
static void
recompute(int r, const uint8_t *mine, size_t mine_len, const uint8_t *peer,
    size_t peer_len, const char *what)
{
	if (r == 0 && (mine_len != peer_len ||
	    ipmi_ct_compare(mine, peer, peer_len) != 0))
		r = VCM_EAUTH;
	if (r != 0)
		print_hex("mine", mine, mine_len);
	step(r, what);
}

/* ---- capture file -------------------------------------------------- */

static void
read_capture(const char *path)
{
	char line[CAP_LINE_MAX];
	unsigned int lineno = 0;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		die_usage("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f))
			die_usage("%s:%u: line too long", path, lineno);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (n < 5 || (strncmp(line, "C>B ", 4) != 0 &&
		    strncmp(line, "B>C ", 4) != 0))
			die_usage("%s:%u: want \"C>B <hex>\" or \"B>C <hex>\"",
			    path, lineno);
		if (ndgrams == CAP_DGRAMS_MAX)
			die_usage("%s: more than %d datagrams", path,
			    CAP_DGRAMS_MAX);
		dgrams[ndgrams].to_bmc = line[0] == 'C';
		dgrams[ndgrams].line = lineno;
		if (parse_hex(line + 4, n - 4, dgrams[ndgrams].b,
		    sizeof(dgrams[ndgrams].b), &dgrams[ndgrams].len) != 0)
			die_usage("%s:%u: bad hex or datagram over %d bytes",
			    path, lineno, VCM_IPMI_DATAGRAM_MAX);
		ndgrams++;
	}
	if (ferror(f))
		die_usage("%s: read error", path);
	fclose(f);
}

/* ---- verify -------------------------------------------------------- */

/* The session-setup messages found in the capture (the last of each). */
struct setup {
	int				have_osrq, have_osrs;
	int				have_r1, have_r2, have_r3, have_r4;
	size_t				last;	/* index of RAKP4 */
	struct ipmi_open_session_rq	osrq;
	struct ipmi_open_session_rs	osrs;
	struct ipmi_rakp1		r1;
	struct ipmi_rakp2		r2;
	struct ipmi_rakp3		r3;
	struct ipmi_rakp4		r4;
};

/* Pre-session IPMI 1.5 message (Get Channel Auth Caps): framing only. */
static void
check_lan15(const struct dgram *d)
{
	struct ipmi_lan15_hdr h;
	struct ipmi_msg m;
	const uint8_t *msg;
	size_t mlen;
	char what[96];
	int r;

	r = ipmi_lan15_decode(d->b, d->len, &h, &msg, &mlen);
	if (r == 0)
		r = ipmi_msg_decode(msg, mlen, 0, &m);
	snprintf(what, sizeof(what), "line %u %s ipmi 1.5 netfn %#x cmd %#x",
	    d->line, d->to_bmc ? "C>B" : "B>C", r == 0 ? m.netfn : 0,
	    r == 0 ? m.cmd : 0);
	step(r, what);
}

/* Decodes one session-setup payload into st (a retry replaces the first). */
static void
take_setup(struct setup *st, const struct dgram *d, size_t idx,
    const struct ipmi_lanplus_hdr *h, const uint8_t *p, size_t n)
{
	char what[96];
	const char *name = "?";
	int r = VCM_EPAYLOAD;

	switch (h->payload_type) {
	case IPMI_PAYLOAD_OPEN_SESSION_RQ:
		name = "open session rq";
		if ((r = ipmi_open_session_rq_decode(p, n, &st->osrq)) == 0)
			st->have_osrq = 1;
		break;
	case IPMI_PAYLOAD_OPEN_SESSION_RS:
		name = "open session rs";
		if ((r = ipmi_open_session_rs_decode(p, n, &st->osrs)) == 0)
			st->have_osrs = 1;
		break;
	case IPMI_PAYLOAD_RAKP1:
		name = "rakp1";
		if ((r = ipmi_rakp1_decode(p, n, &st->r1)) == 0)
			st->have_r1 = 1;
		break;
	case IPMI_PAYLOAD_RAKP2:
		name = "rakp2";
		if ((r = ipmi_rakp2_decode(p, n, &st->r2)) == 0)
			st->have_r2 = 1;
		break;
	case IPMI_PAYLOAD_RAKP3:
		name = "rakp3";
		if ((r = ipmi_rakp3_decode(p, n, &st->r3)) == 0)
			st->have_r3 = 1;
		break;
	case IPMI_PAYLOAD_RAKP4:
		name = "rakp4";
		if ((r = ipmi_rakp4_decode(p, n, &st->r4)) == 0) {
			st->have_r4 = 1;
			st->last = idx;
		}
		break;
	}
	snprintf(what, sizeof(what), "line %u %s decode %s", d->line,
	    d->to_bmc ? "C>B" : "B>C", name);
	step(r, what);
}

/* The standard suite with these algorithms (what Open Session agreed). */
static int
find_suite(uint8_t auth, uint8_t integ, uint8_t conf,
    struct ipmi_cipher_suite *cs)
{
	uint8_t id;

	for (id = 0; ipmi_cipher_suite_lookup(id, cs) == 0; id++)
		if (cs->auth == auth && cs->integ == integ && cs->conf == conf)
			return 0;
	return VCM_EUNSUPP;
}

static int
verify(int argc, char **argv)
{
	const char *file = NULL, *user = NULL, *password = NULL, *kghex = NULL;
	struct ipmi_rakp_ctx ctx;
	struct ipmi_session_keys keys;
	struct ipmi_cipher_suite cs;
	struct ipmi_lanplus_hdr h;
	struct ipmi_msg m, rq;
	struct setup st;
	uint8_t out[VCM_IPMI_DATAGRAM_MAX], kg[VCM_IPMI_KEY_MAX];
	uint8_t code[VCM_IPMI_HASH_MAX];
	size_t i, n, kglen = 0, nrq = 0, nrs = 0;
	char what[160], cc[8];
	int r, i_arg, have_rq = 0, have_keys = 0;

	for (i_arg = 0; i_arg < argc; i_arg++) {
		if (strcmp(argv[i_arg], "--user") == 0 && i_arg + 1 < argc)
			user = argv[++i_arg];
		else if (strcmp(argv[i_arg], "--password") == 0 &&
		    i_arg + 1 < argc)
			password = argv[++i_arg];
		else if (strcmp(argv[i_arg], "--kg") == 0 && i_arg + 1 < argc)
			kghex = argv[++i_arg];
		else if (argv[i_arg][0] != '-' && file == NULL)
			file = argv[i_arg];
		else
			usage();
	}
	if (file == NULL || user == NULL || password == NULL)
		usage();
	if (kghex != NULL && (parse_hex(kghex, strlen(kghex), kg, sizeof(kg),
	    &kglen) != 0 || kglen == 0))
		die_usage("--kg: want 1..%d bytes of hex", VCM_IPMI_KEY_MAX);
	memset(&ctx, 0, sizeof(ctx));
	if (ipmi_rakp_ctx_set_creds(&ctx, user, password, strlen(password),
	    kghex ? kg : NULL, kglen) != 0)
		die_usage("user over %d or password over %d bytes",
		    VCM_IPMI_USER_MAX, VCM_IPMI_KEY_MAX);
	read_capture(file);

	/* Pass 1: everything up to and including RAKP4. */
	memset(&st, 0, sizeof(st));
	for (i = 0; i < ndgrams && !st.have_r4; i++) {
		const struct dgram *d = &dgrams[i];

		switch (ipmi_datagram_classify(d->b, d->len)) {
		case IPMI_DGRAM_LAN15:
			check_lan15(d);
			continue;
		case IPMI_DGRAM_ASF:
			printf("note line %u: ASF ping/pong skipped\n", d->line);
			continue;
		case IPMI_DGRAM_LANPLUS:
			break;
		default:
			snprintf(what, sizeof(what), "line %u classify",
			    d->line);
			step(VCM_EBADMSG, what);
			continue;
		}
		r = ipmi_lanplus_decode(d->b, d->len, NULL, &h, out,
		    sizeof(out), &n);
		snprintf(what, sizeof(what), "line %u %s open pre-session "
		    "packet", d->line, d->to_bmc ? "C>B" : "B>C");
		if (step(r, what) != 0)
			continue;
		take_setup(&st, d, i, &h, out, n);
	}
	if (expect(st.have_osrq && st.have_osrs && st.have_r1 && st.have_r2 &&
	    st.have_r3 && st.have_r4, "found open session rq/rs and rakp1-4")
	    != 0)
		goto done;
	expect(st.osrs.status == 0 && st.r2.status == 0 &&
	    st.r3.status == 0 && st.r4.status == 0, "all status codes 0");
	expect(st.osrs.sid_m == st.osrq.sid_m && st.r2.sid_m == st.osrq.sid_m &&
	    st.r4.sid_m == st.osrq.sid_m, "SIDm echoed by the BMC");
	expect(st.r1.sid_c == st.osrs.sid_c && st.r3.sid_c == st.osrs.sid_c,
	    "SIDc echoed by the console");
	expect(st.r1.user_len == ctx.user_len &&
	    memcmp(st.r1.user, ctx.user, ctx.user_len) == 0,
	    "rakp1 user name is --user");
	printf("note open session rq max_priv=%#x rs max_priv=%#x "
	    "rakp1 role=%#x\n", st.osrq.max_priv, st.osrs.max_priv,
	    st.r1.role);
	if (step(find_suite(st.osrs.auth, st.osrs.integ, st.osrs.conf, &cs),
	    "algorithms agreed form a standard cipher suite") != 0)
		goto done;
	printf("cipher_suite=%u\n", cs.id);
	printf("sidm=%08x\nsidc=%08x\n", (unsigned int)st.osrq.sid_m,
	    (unsigned int)st.osrs.sid_c);

	ctx.auth = st.osrs.auth;
	ctx.sid_m = st.osrq.sid_m;
	ctx.sid_c = st.osrs.sid_c;
	memcpy(ctx.rm, st.r1.rm, sizeof(ctx.rm));
	memcpy(ctx.rc, st.r2.rc, sizeof(ctx.rc));
	memcpy(ctx.guid_c, st.r2.guid_c, sizeof(ctx.guid_c));
	/* The whole RAKP1 role byte, name-only bit included, enters every hash. */
	ctx.role = st.r1.role;
	print_hex("rm", ctx.rm, sizeof(ctx.rm));
	print_hex("rc", ctx.rc, sizeof(ctx.rc));
	print_hex("guid", ctx.guid_c, sizeof(ctx.guid_c));
	printf("role=%02x\n", ctx.role);

	print_hex("rakp2", st.r2.code, st.r2.code_len);
	step(ipmi_rakp2_check(&ctx, st.r2.code, st.r2.code_len),
	    "rakp2 key exchange code sent by the BMC");
	n = 0;
	r = ipmi_rakp2_code(&ctx, code, &n);
	recompute(r, code, n, st.r2.code, st.r2.code_len,
	    "rakp2 recomputed with ipmi_rakp2_code");
	print_hex("rakp3", st.r3.code, st.r3.code_len);
	step(ipmi_rakp3_check(&ctx, st.r3.code, st.r3.code_len),
	    "rakp3 key exchange code sent by the console");
	n = 0;
	r = ipmi_rakp3_code(&ctx, code, &n);
	recompute(r, code, n, st.r3.code, st.r3.code_len,
	    "rakp3 recomputed with ipmi_rakp3_code");
	if (step(ipmi_keys_derive(&keys, &ctx, &cs), "derive SIK, K1, K2") != 0)
		goto done;
	have_keys = 1;
	print_hex("sik", keys.sik, keys.hash_len);
	print_hex("k1", keys.k1, keys.hash_len);
	print_hex("k2", keys.k2, keys.hash_len);
	print_hex("rakp4", st.r4.icv, st.r4.icv_len);
	step(ipmi_rakp4_check(&ctx, keys.sik, st.r4.icv, st.r4.icv_len),
	    "rakp4 integrity check value sent by the BMC");
	n = 0;
	r = ipmi_rakp4_icv(&ctx, keys.sik, code, &n);
	recompute(r, code, n, st.r4.icv, st.r4.icv_len,
	    "rakp4 recomputed with ipmi_rakp4_icv");

	/* Pass 2: every session packet after RAKP4, both directions. */
	for (i = st.last + 1; i < ndgrams; i++) {
		const struct dgram *d = &dgrams[i];
		const char *dir = d->to_bmc ? "C>B" : "B>C";
		/* Each side addresses packets with the receiver's id. */
		uint32_t want_sid = d->to_bmc ? ctx.sid_c : ctx.sid_m;

		if (ipmi_datagram_classify(d->b, d->len) != IPMI_DGRAM_LANPLUS) {
			snprintf(what, sizeof(what), "line %u %s is RMCP+",
			    d->line, dir);
			step(VCM_EBADMSG, what);
			continue;
		}
		r = ipmi_lanplus_decode(d->b, d->len, &keys, &h, out,
		    sizeof(out), &n);
		snprintf(what, sizeof(what), "line %u %s seq %u open "
		    "(integrity %s, %s)", d->line, dir, (unsigned int)h.seq,
		    h.authenticated ? "checked" : "none",
		    h.encrypted ? "decrypted" : "plain");
		if (step(r, what) != 0)
			continue;
		snprintf(what, sizeof(what), "line %u %s session id %08x",
		    d->line, dir, (unsigned int)h.session_id);
		expect(h.session_id == want_sid, what);
		print_hex("plain", out, n);
		if (h.payload_type != IPMI_PAYLOAD_IPMI) {
			printf("note line %u: payload type %#x not decoded\n",
			    d->line, h.payload_type);
			continue;
		}
		r = ipmi_msg_decode(out, n, 0, &m);
		if (r == 0 && !d->to_bmc && m.data_len > 0)
			snprintf(cc, sizeof(cc), " cc %02x", m.data[0]);
		else
			cc[0] = '\0';
		snprintf(what, sizeof(what), "line %u %s ipmi message "
		    "netfn %#x cmd %#x%s", d->line, dir, r == 0 ? m.netfn : 0,
		    r == 0 ? m.cmd : 0, cc);
		if (step(r, what) != 0)
			continue;
		if (d->to_bmc) {
			rq = m;
			have_rq = 1;
			if (h.encrypted && h.authenticated)
				nrq++;
		} else {
			snprintf(what, sizeof(what), "line %u response "
			    "matches its request", d->line);
			expect(have_rq && ipmi_msg_matches(&rq, &m), what);
			if (h.encrypted && h.authenticated)
				nrs++;
		}
	}
	printf("opened %zu encrypted requests, %zu encrypted responses\n",
	    nrq, nrs);
	expect(nrq > 0 && nrs > 0,
	    "at least one encrypted request and response opened");
done:
	if (have_keys)
		ipmi_keys_wipe(&keys);
	ipmi_rakp_ctx_wipe(&ctx);
	vcm_wipe(kg, sizeof(kg));
	printf("%s: %d failed\n", nfail ? "FAIL" : "PASS", nfail);
	return nfail ? EXIT_FAIL : 0;
}

/* ---- derive -------------------------------------------------------- */

static int
derive(int argc, char **argv)
{
	const char *suite = NULL, *sidm = NULL, *sidc = NULL, *rm = NULL;
	const char *rc = NULL, *guid = NULL, *role = NULL, *user = NULL;
	const char *password = NULL, *kghex = NULL, *msghex = NULL;
	const char *ivhex = NULL, *plainhex = NULL;
	static uint8_t msg[ARG_DATA_MAX], plain[ARG_DATA_MAX];
	static uint8_t ct[ARG_DATA_MAX];
	uint8_t kg[VCM_IPMI_KEY_MAX], iv[VCM_IPMI_AES_BLOCK];
	uint8_t code[VCM_IPMI_HASH_MAX];
	struct ipmi_rakp_ctx ctx;
	struct ipmi_session_keys keys;
	struct ipmi_cipher_suite cs;
	size_t n, kglen = 0, msglen = 0, plainlen = 0;
	int i, r;

	for (i = 0; i < argc; i++) {
		const char *o = argv[i], **slot = NULL;

		if (strcmp(o, "--suite") == 0)
			slot = &suite;
		else if (strcmp(o, "--sidm") == 0)
			slot = &sidm;
		else if (strcmp(o, "--sidc") == 0)
			slot = &sidc;
		else if (strcmp(o, "--rm") == 0)
			slot = &rm;
		else if (strcmp(o, "--rc") == 0)
			slot = &rc;
		else if (strcmp(o, "--guid") == 0)
			slot = &guid;
		else if (strcmp(o, "--role") == 0)
			slot = &role;
		else if (strcmp(o, "--user") == 0)
			slot = &user;
		else if (strcmp(o, "--password") == 0)
			slot = &password;
		else if (strcmp(o, "--kg") == 0)
			slot = &kghex;
		else if (strcmp(o, "--msg") == 0)
			slot = &msghex;
		else if (strcmp(o, "--iv") == 0)
			slot = &ivhex;
		else if (strcmp(o, "--plain") == 0)
			slot = &plainhex;
		if (slot == NULL)
			die_usage("derive: unknown option \"%s\"", o);
		if (i + 1 >= argc)
			die_usage("derive: %s needs a value", o);
		if (*slot != NULL)
			die_usage("derive: %s given twice", o);
		*slot = argv[++i];
	}
	if (!suite || !sidm || !sidc || !rm || !rc || !guid || !role || !user ||
	    !password)
		usage();
	if ((plainhex == NULL) != (ivhex == NULL))
		die_usage("derive: --plain and --iv go together");

	memset(&ctx, 0, sizeof(ctx));
	if (strcmp(suite, "3") != 0 && strcmp(suite, "17") != 0)
		die_usage("--suite: 3 or 17, not \"%s\"", suite);
	if (ipmi_cipher_suite_lookup(suite[1] ? 17 : 3, &cs) != 0)
		die_usage("--suite: unknown");
	ctx.auth = cs.auth;
	ctx.sid_m = arg_u32("--sidm", sidm, 0xffffffffUL);
	ctx.sid_c = arg_u32("--sidc", sidc, 0xffffffffUL);
	arg_hex_exact("--rm", rm, ctx.rm, sizeof(ctx.rm));
	arg_hex_exact("--rc", rc, ctx.rc, sizeof(ctx.rc));
	arg_hex_exact("--guid", guid, ctx.guid_c, sizeof(ctx.guid_c));
	ctx.role = (uint8_t)arg_u32("--role", role, 0xff);
	if (kghex != NULL && (parse_hex(kghex, strlen(kghex), kg, sizeof(kg),
	    &kglen) != 0 || kglen == 0))
		die_usage("--kg: want 1..%d bytes of hex", VCM_IPMI_KEY_MAX);
	if (msghex != NULL && parse_hex(msghex, strlen(msghex), msg,
	    sizeof(msg), &msglen) != 0)
		die_usage("--msg: want at most %d bytes of hex", ARG_DATA_MAX);
	if (ivhex != NULL)
		arg_hex_exact("--iv", ivhex, iv, sizeof(iv));
	if (plainhex != NULL && (parse_hex(plainhex, strlen(plainhex), plain,
	    sizeof(plain), &plainlen) != 0 || plainlen == 0 ||
	    plainlen % VCM_IPMI_AES_BLOCK != 0))
		die_usage("--plain: want a multiple of %d bytes of hex, at "
		    "most %d", VCM_IPMI_AES_BLOCK, ARG_DATA_MAX);
	if (ipmi_rakp_ctx_set_creds(&ctx, user, password, strlen(password),
	    kghex ? kg : NULL, kglen) != 0)
		die_usage("user over %d or password over %d bytes",
		    VCM_IPMI_USER_MAX, VCM_IPMI_KEY_MAX);

	if ((r = ipmi_rakp2_code(&ctx, code, &n)) != 0)
		goto fail;
	print_hex("rakp2", code, n);
	if ((r = ipmi_rakp3_code(&ctx, code, &n)) != 0)
		goto fail;
	print_hex("rakp3", code, n);
	if ((r = ipmi_keys_derive(&keys, &ctx, &cs)) != 0)
		goto fail;
	print_hex("sik", keys.sik, keys.hash_len);
	print_hex("k1", keys.k1, keys.hash_len);
	print_hex("k2", keys.k2, keys.hash_len);
	if ((r = ipmi_rakp4_icv(&ctx, keys.sik, code, &n)) != 0)
		goto fail_keys;
	print_hex("rakp4", code, n);
	if (msghex != NULL) {
		if ((r = ipmi_integrity_mac(&keys, msg, msglen, code)) != 0)
			goto fail_keys;
		print_hex("integrity", code, ipmi_integ_mac_len(keys.integ));
	}
	if (plainhex != NULL) {
		if ((r = ipmi_aes_cbc(1, keys.k2, iv, plain, plainlen, ct)) != 0)
			goto fail_keys;
		print_hex("aes", ct, plainlen);
	}
	ipmi_keys_wipe(&keys);
	ipmi_rakp_ctx_wipe(&ctx);
	vcm_wipe(kg, sizeof(kg));
	return 0;
fail_keys:
	ipmi_keys_wipe(&keys);
fail:
	ipmi_rakp_ctx_wipe(&ctx);
	vcm_wipe(kg, sizeof(kg));
	fprintf(stderr, "ipmi-kat: derive: %s\n", vcm_strerror(r));
	return EXIT_FAIL;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "verify") == 0)
		return verify(argc - 2, argv + 2);
	if (strcmp(argv[1], "derive") == 0)
		return derive(argc - 2, argv + 2);
	usage();
}
