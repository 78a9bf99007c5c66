/*
 * vcmd's config (src/vcmd/config.c): defaults, the file syntax, errors
 * with line numbers, every type's checks, -o overrides, the derived
 * defaults and cross-option rules, print/parse round trip, and the
 * bounded file reader.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcm/err.h"
#include "vcm/log.h"
#include "vcmd/config.h"
#include "test.h"

static int
parse(struct vcmd_config *c, const char *text, char *err, size_t errsz)
{
	return vcmd_config_parse(c, text, strlen(text), err, errsz);
}

/* Parses text expecting an error that starts with want. */
static void
check_error(const char *text, const char *want)
{
	struct vcmd_config c, before;
	char err[256];

	vcmd_config_defaults(&c);
	before = c;
	memset(err, 0, sizeof(err));
	if (parse(&c, text, err, sizeof(err)) != VCM_EINVAL ||
	    strncmp(err, want, strlen(want)) != 0) {
		printf("#   text '%s'\n#   err  '%s'\n#   want '%s'\n", text, err,
		    want);
		test_failed = 1;
	}
	/* A failed parse changes nothing. */
	CHECK(memcmp(&c, &before, sizeof(c)) == 0);
}

static void
test_defaults(void)
{
	struct vcmd_config c;
	char err[256];

	vcmd_config_defaults(&c);
	CHECK(strcmp(c.listen, "127.0.0.1") == 0);
	CHECK_INT(c.port, 8443);
	CHECK(strcmp(c.state_dir, "/var/lib/vcm") == 0);
	CHECK(strcmp(c.db, "") == 0);
	CHECK(strcmp(c.engine_bind, "0.0.0.0") == 0);
	CHECK_INT(c.grant_default_s, VCM_GRANT_DEFAULT_S);
	CHECK_INT(c.grant_max_s, VCM_GRANT_MAX_DEFAULT_S);
	CHECK_INT(c.api_rate, VCM_API_RATE_PER_S);
	CHECK_INT(c.api_burst, VCM_API_RATE_BURST);
	CHECK_INT(c.console_policy, VCMD_CONSOLE_TAKE);
	CHECK_INT(c.console_linger_ms, 0);
	CHECK_INT(c.bmc_timeout_ms, 5000);
	CHECK_INT(c.log_level, VCM_LOG_INFO);
	CHECK_INT(c.recording_max_bytes, 16 * 1024 * 1024);
	CHECK_INT(c.recording_retention_days, 30);
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), 0);
	CHECK(strcmp(c.db, "/var/lib/vcm/vcm.db") == 0);
	CHECK(strcmp(c.vault_key, "/var/lib/vcm/vault.key") == 0);
	CHECK(strcmp(c.tls_cert, "/var/lib/vcm/tls/cert.pem") == 0);
	CHECK(strcmp(c.tls_key, "/var/lib/vcm/tls/key.pem") == 0);
	CHECK(strcmp(c.operator_key_file, "/var/lib/vcm/operator.key") == 0);
	CHECK(strcmp(c.public_url, "https://127.0.0.1:8443") == 0);
	CHECK(strcmp(c.allowed_origins, "https://127.0.0.1:8443") == 0);
	CHECK(strcmp(c.static_dir, VCMD_STATIC_DIR_DEFAULT) == 0);
}

static void
test_parse_file(void)
{
	static const char text[] =
	    "# vcmd test config\n"
	    "\n"
	    "listen = ::1\n"
	    "  port=9443  \r\n"
	    "\tstate_dir\t=\t/srv/vcm state/\n"
	    "db = /srv/db/vcm#1.db\n"
	    "   # indented comment\n"
	    "allowed_origins = https://a.example, http://localhost:3000\n"
	    "grant_default_s = 60\n"
	    "grant_max_s = 2592000\n"
	    "console_policy = refuse\n"
	    "log_level = debug\n"
	    "console_linger_ms = 0\n"
	    "recording_retention_days = 3650";	/* no final newline */
	struct vcmd_config c;
	char err[256] = "";

	vcmd_config_defaults(&c);
	CHECK_INT(parse(&c, text, err, sizeof(err)), 0);
	CHECK_INT(err[0], '\0');
	CHECK(strcmp(c.listen, "::1") == 0);
	CHECK_INT(c.port, 9443);
	CHECK(strcmp(c.state_dir, "/srv/vcm state/") == 0);
	CHECK(strcmp(c.db, "/srv/db/vcm#1.db") == 0);
	CHECK(strcmp(c.allowed_origins,
	    "https://a.example,http://localhost:3000") == 0);
	CHECK_INT(c.grant_default_s, 60);
	CHECK_INT(c.grant_max_s, VCM_GRANT_MAX_LIMIT_S);
	CHECK_INT(c.console_policy, VCMD_CONSOLE_REFUSE);
	CHECK_INT(c.log_level, VCM_LOG_DEBUG);
	CHECK_INT(c.recording_retention_days, 3650);
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), 0);
	/* IPv6 listen: bracketed in the URL; one slash after state_dir. */
	CHECK(strcmp(c.public_url, "https://[::1]:9443") == 0);
	CHECK(strcmp(c.vault_key, "/srv/vcm state/vault.key") == 0);
	CHECK(strcmp(c.db, "/srv/db/vcm#1.db") == 0);
	CHECK(strcmp(c.allowed_origins,
	    "https://a.example,http://localhost:3000") == 0);
	/* Empty text and comments only are fine. */
	CHECK_INT(parse(&c, "", err, sizeof(err)), 0);
	CHECK_INT(parse(&c, "#\n\n   \n\t\n", err, sizeof(err)), 0);
}

static void
test_errors_with_lines(void)
{
	check_error("listen = 127.0.0.1\n\nlisen = 1.2.3.4\n",
	    "line 3: unknown option 'lisen'");
	check_error("port = 8443\nport = 9443\n",
	    "line 2: option 'port' already set on line 1");
	check_error("# c\nport = 0\n", "line 2: port: bad value '0': must be "
	    "a number from 1 to 65535");
	check_error("port = 65536\n", "line 1: port: bad value '65536'");
	check_error("port = 8443 # https\n", "line 1: port: bad value");
	check_error("port = -1\n", "line 1: port: bad value");
	check_error("port = 0x20\n", "line 1: port: bad value");
	check_error("port = +80\n", "line 1: port: bad value");
	check_error("port =\n", "line 1: port: bad value ''");
	check_error("port = 99999999999999999999\n", "line 1: port: bad value");
	check_error("listen\n", "line 1: expected 'name = value'");
	check_error("\n\n\n\nlisten 127.0.0.1\n", "line 5: expected");
	check_error("= 5\n", "line 1: bad option name ''");
	check_error("Port = 5\n", "line 1: bad option name 'Port'");
	check_error("po rt = 5\n", "line 1: bad option name 'po rt'");
	check_error("listen = localhost\n", "line 1: listen: bad value "
	    "'localhost': must be a numeric IPv4 or IPv6 address");
	check_error("listen = 127.0.0.1:80\n", "line 1: listen: bad value");
	check_error("engine_bind = 256.0.0.1\n", "line 1: engine_bind: bad");
	check_error("state_dir =\n", "line 1: state_dir: bad value '': must "
	    "not be empty");
	check_error("console_policy = steal\n", "line 1: console_policy: bad "
	    "value 'steal': must be one of take, refuse");
	check_error("log_level = INFO\n", "line 1: log_level: bad value 'INFO'"
	    ": must be one of debug, info, warn, error");
	check_error("grant_max_s = 2592001\n", "line 1: grant_max_s: bad");
	check_error("grant_default_s = 0\n", "line 1: grant_default_s: bad");
	check_error("api_rate = 0\n", "line 1: api_rate: bad");
	check_error("api_burst = 100001\n", "line 1: api_burst: bad");
	check_error("bmc_timeout_ms = 99\n", "line 1: bmc_timeout_ms: bad");
	check_error("console_linger_ms = 600001\n", "line 1: console_linger");
	check_error("recording_max_bytes = 1073741825\n",
	    "line 1: recording_max_bytes: bad");
	check_error("recording_retention_days = 0\n", "line 1: recording_");
	check_error("public_url = http://vcm.example\n", "line 1: public_url: "
	    "bad value 'http://vcm.example': must be an https:// URL");
	check_error("public_url = https://\n", "line 1: public_url: bad");
	check_error("public_url = https://a b\n", "line 1: public_url: bad");
	check_error("public_url = https://u@vcm.example\n", "line 1: public_");
	check_error("public_url = https://vcm.example/x?y\n", "line 1: public");
	check_error("allowed_origins = https://a.example/\n",
	    "line 1: allowed_origins: bad");
	check_error("allowed_origins = *\n", "line 1: allowed_origins: bad");
	check_error("allowed_origins = https://a.example,,https://b\n",
	    "line 1: allowed_origins: bad");
	check_error("allowed_origins = ftp://a.example\n", "line 1: allowed_");
	check_error("db = /a\x01" "b\n", "line 1: control character 0x01");
	check_error("db = /a\x7f\n", "line 1: control character 0x7f");
	check_error("port = 1\nlisten = \xc3\xa9\n", "line 2: listen: bad "
	    "value '?" "?'");
}

static void
test_nul_and_long_lines(void)
{
	struct vcmd_config c;
	char err[256], *big;
	size_t n;

	vcmd_config_defaults(&c);
	CHECK_INT(vcmd_config_parse(&c, "port = 1\nport\0 = 2\n", 19, err,
	    sizeof(err)), VCM_EINVAL);
	CHECK(strcmp(err, "line 2: control character 0x00") == 0);
	CHECK_INT(c.port, 8443);
	/* A value of exactly VCM_CONFIG_VALUE_MAX is too long for a path. */
	n = VCM_CONFIG_VALUE_MAX + 200;
	big = malloc(n + 32);
	REQUIRE(big != NULL);
	memcpy(big, "db = /", 6);
	memset(big + 6, 'a', VCM_CONFIG_VALUE_MAX - 1);
	big[6 + VCM_CONFIG_VALUE_MAX - 1] = '\n';
	CHECK_INT(vcmd_config_parse(&c, big, 6 + VCM_CONFIG_VALUE_MAX, err,
	    sizeof(err)), VCM_EINVAL);
	CHECK(strncmp(err, "line 1: db: bad value '/aaaa", 28) == 0);
	CHECK(strstr(err, "...': must be a path of at most 255") != NULL);
	/* One byte more than a value: refused before the type check. */
	memset(big + 6, 'a', VCM_CONFIG_VALUE_MAX);
	CHECK_INT(vcmd_config_parse(&c, big, 6 + VCM_CONFIG_VALUE_MAX, err,
	    sizeof(err)), VCM_EINVAL);
	CHECK(strcmp(err, "line 1: db: value longer than 512 characters") ==
	    0);
	/* A line far too long. */
	memset(big, ' ', n);
	CHECK_INT(vcmd_config_parse(&c, big, n, err, sizeof(err)), VCM_EINVAL);
	CHECK(strncmp(err, "line 1: longer than", 19) == 0);
	free(big);
	CHECK_INT(vcmd_config_parse(&c, "x", VCM_CONFIG_FILE_MAX + 1, err,
	    sizeof(err)), VCM_EINVAL);
	CHECK(strncmp(err, "larger than", 11) == 0);
	/* A tiny error buffer is still terminated. */
	CHECK_INT(parse(&c, "lisen = 1\n", err, 8), VCM_EINVAL);
	CHECK(strcmp(err, "line 1:") == 0);
}

static void
test_set_and_finish(void)
{
	struct vcmd_config c, before;
	char err[256];

	vcmd_config_defaults(&c);
	CHECK_INT(vcmd_config_set(&c, "port", "10443", err, sizeof(err)), 0);
	CHECK_INT(c.port, 10443);
	CHECK_INT(vcmd_config_set_arg(&c, "listen=0.0.0.0", err, sizeof(err)),
	    0);
	CHECK_INT(vcmd_config_set_arg(&c, "state_dir = /tmp/x/", err,
	    sizeof(err)), 0);
	CHECK(strcmp(c.state_dir, "/tmp/x/") == 0);
	before = c;
	CHECK_INT(vcmd_config_set(&c, "prot", "1", err, sizeof(err)),
	    VCM_EINVAL);
	CHECK(strcmp(err, "unknown option 'prot'") == 0);
	CHECK_INT(vcmd_config_set(&c, "port", "70000", err, sizeof(err)),
	    VCM_EINVAL);
	CHECK(strcmp(err, "port: bad value '70000': must be a number from 1 "
	    "to 65535") == 0);
	CHECK_INT(vcmd_config_set_arg(&c, "port", err, sizeof(err)),
	    VCM_EINVAL);
	CHECK(strcmp(err, "expected name=value") == 0);
	CHECK(memcmp(&c, &before, sizeof(c)) == 0);
	/* -o may repeat (later wins); the file may not. */
	CHECK_INT(vcmd_config_set(&c, "port", "10444", err, sizeof(err)), 0);
	CHECK_INT(c.port, 10444);
	CHECK_INT(vcmd_config_set(&c, "public_url", "https://vcm.example/",
	    err, sizeof(err)), 0);
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), 0);
	CHECK(strcmp(c.public_url, "https://vcm.example") == 0);
	CHECK(strcmp(c.allowed_origins, "https://vcm.example") == 0);
	CHECK(strcmp(c.db, "/tmp/x/vcm.db") == 0);
	/* A public URL with a path: the origin is its scheme and host. */
	vcmd_config_defaults(&c);
	CHECK_INT(vcmd_config_set(&c, "public_url",
	    "https://vcm.example:4443/vcm/", err, sizeof(err)), 0);
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), 0);
	CHECK(strcmp(c.public_url, "https://vcm.example:4443/vcm") == 0);
	CHECK(strcmp(c.allowed_origins, "https://vcm.example:4443") == 0);
	/* Finish twice is harmless. */
	before = c;
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), 0);
	CHECK(memcmp(&c, &before, sizeof(c)) == 0);
	/* Cross-option rule. */
	vcmd_config_defaults(&c);
	CHECK_INT(vcmd_config_set(&c, "grant_default_s", "90000", err,
	    sizeof(err)), 0);
	before = c;
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), VCM_EINVAL);
	CHECK(strcmp(err, "grant_default_s (90000) is larger than "
	    "grant_max_s (86400)") == 0);
	CHECK(memcmp(&c, &before, sizeof(c)) == 0);
	CHECK_INT(vcmd_config_set(&c, "grant_max_s", "90000", err,
	    sizeof(err)), 0);
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), 0);
	/* Derived paths that would not fit. */
	vcmd_config_defaults(&c);
	memset(c.state_dir, 'd', sizeof(c.state_dir) - 1);
	c.state_dir[0] = '/';
	c.state_dir[sizeof(c.state_dir) - 1] = '\0';
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), VCM_EINVAL);
	CHECK(strcmp(err, "state_dir too long to derive db") == 0);
	CHECK_INT(vcmd_config_set(&c, "state_dir", "", err, sizeof(err)),
	    VCM_EINVAL);
}

static void
test_print_round_trip(void)
{
	struct vcmd_config c, back;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	vcmd_config_defaults(&c);
	REQUIRE(parse(&c, "listen = 2001:db8::5\nconsole_policy = refuse\n"
	    "log_level = warn\nallowed_origins = https://x , https://y:1\n"
	    "db = /var/db/a b#c\n", err, sizeof(err)) == 0);
	REQUIRE(vcmd_config_finish(&c, err, sizeof(err)) == 0);
	f = open_memstream(&buf, &len);
	REQUIRE(f != NULL);
	vcmd_config_print(&c, f);
	fclose(f);
	CHECK(strstr(buf, "listen = 2001:db8::5\n") != NULL);
	CHECK(strstr(buf, "port = 8443\n") != NULL);
	CHECK(strstr(buf, "console_policy = refuse\n") != NULL);
	CHECK(strstr(buf, "log_level = warn\n") != NULL);
	CHECK(strstr(buf, "public_url = https://[2001:db8::5]:8443\n") != NULL);
	CHECK(strstr(buf, "allowed_origins = https://x,https://y:1\n") != NULL);
	CHECK(strstr(buf, "db = /var/db/a b#c\n") != NULL);
	CHECK(strstr(buf, "recording_retention_days = 30\n") != NULL);
	/* The printed config is a valid file for the same config. */
	vcmd_config_defaults(&back);
	CHECK_INT(vcmd_config_parse(&back, buf, len, err, sizeof(err)), 0);
	CHECK(memcmp(&c, &back, sizeof(c)) == 0);
	free(buf);
	/* The usage text lists every option once. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	REQUIRE(f != NULL);
	vcmd_config_usage(f);
	fclose(f);
	CHECK(strstr(buf, "  port ") != NULL);
	CHECK(strstr(buf, "[1..65535, default 8443]") != NULL);
	CHECK(strstr(buf, "[take|refuse, default take]") != NULL);
	CHECK(strstr(buf, "recording_retention_days") != NULL);
	free(buf);
}

static void
test_load(void)
{
	struct vcmd_config c;
	char dir[] = "/tmp/vcm-test-config-XXXXXX", path[128], err[512];
	char *big;
	int fd;

	REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/vcmd.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd != -1);
	REQUIRE(write(fd, "port = 7443\nbogus = 1\n", 22) == 22);
	close(fd);
	vcmd_config_defaults(&c);
	CHECK_INT(vcmd_config_load(&c, path, err, sizeof(err)), VCM_EINVAL);
	CHECK(strncmp(err, path, strlen(path)) == 0);
	CHECK(strstr(err, ": line 2: unknown option 'bogus'") != NULL);
	CHECK_INT(c.port, 8443);
	fd = open(path, O_WRONLY | O_TRUNC);
	REQUIRE(fd != -1);
	REQUIRE(write(fd, "port = 7443\n", 12) == 12);
	close(fd);
	CHECK_INT(vcmd_config_load(&c, path, err, sizeof(err)), 0);
	CHECK_INT(c.port, 7443);
	/* Larger than VCM_CONFIG_FILE_MAX: refused after a bounded read. */
	big = malloc(VCM_CONFIG_FILE_MAX + 1);
	REQUIRE(big != NULL);
	memset(big, '\n', VCM_CONFIG_FILE_MAX + 1);
	fd = open(path, O_WRONLY | O_TRUNC);
	REQUIRE(fd != -1);
	REQUIRE(write(fd, big, VCM_CONFIG_FILE_MAX) == VCM_CONFIG_FILE_MAX);
	close(fd);
	CHECK_INT(vcmd_config_load(&c, path, err, sizeof(err)), 0);
	fd = open(path, O_WRONLY | O_APPEND);
	REQUIRE(fd != -1);
	REQUIRE(write(fd, big, 1) == 1);
	close(fd);
	CHECK_INT(vcmd_config_load(&c, path, err, sizeof(err)), VCM_ERANGE);
	CHECK(strstr(err, "larger than 65536 bytes") != NULL);
	free(big);
	CHECK_INT(vcmd_config_load(&c, dir, err, sizeof(err)), VCM_EIO);
	CHECK(strstr(err, "not a regular file") != NULL);
	unlink(path);
	CHECK_INT(vcmd_config_load(&c, path, err, sizeof(err)), VCM_EIO);
	CHECK(strstr(err, "No such file") != NULL);
	rmdir(dir);
}

/*
 * etc/vcmd.conf parses as shipped, and with every "#name = value" line
 * uncommented it sets each option of the table exactly once (so the
 * example documents them all, with values the parser takes).
 */
static void
test_example_config(void)
{
	struct vcmd_config c;
	char err[512], line[1024], *text = NULL, *printed = NULL;
	size_t tlen = 0, plen = 0, nset = 0, nopt = 0, i;
	FILE *in, *out;

	vcmd_config_defaults(&c);
	CHECK_INT(vcmd_config_load(&c, "etc/vcmd.conf", err, sizeof(err)), 0);
	in = fopen("etc/vcmd.conf", "r");
	REQUIRE(in != NULL);
	out = open_memstream(&text, &tlen);
	REQUIRE(out != NULL);
	while (fgets(line, sizeof(line), in) != NULL) {
		if (line[0] == '#' && line[1] >= 'a' && line[1] <= 'z' &&
		    strstr(line, " = ") != NULL) {
			fputs(line + 1, out);
			nset++;
		}
	}
	fclose(in);
	fclose(out);
	vcmd_config_defaults(&c);
	if (vcmd_config_parse(&c, text, tlen, err, sizeof(err)) != 0) {
		printf("#   uncommented etc/vcmd.conf: %s\n", err);
		test_failed = 1;
	}
	CHECK_INT(vcmd_config_finish(&c, err, sizeof(err)), 0);
	out = open_memstream(&printed, &plen);
	REQUIRE(out != NULL);
	vcmd_config_print(&c, out);
	fclose(out);
	for (i = 0; i < plen; i++)
		nopt += printed[i] == '\n';
	CHECK_INT(nset, nopt);
	free(text);
	free(printed);
}

static const struct test_case tests[] = {
	{ "defaults", test_defaults },
	{ "parse_file", test_parse_file },
	{ "errors_with_lines", test_errors_with_lines },
	{ "nul_and_long_lines", test_nul_and_long_lines },
	{ "set_and_finish", test_set_and_finish },
	{ "print_round_trip", test_print_round_trip },
	{ "load", test_load },
	{ "example_config", test_example_config },
};

TEST_MAIN(tests)
