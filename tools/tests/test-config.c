// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the INI parser and writer (config.c) and of relay.conf
 * (relay_conf.c): round trips, comments, unknown and duplicate keys, bad
 * keys, endpoints, CIDRs, lists, CRLF, missing files, atomic writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "relay_conf.h"

#define KEY1 "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
#define KEY2 "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
#define KEY3 "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="

static struct cfg_doc *parse_ok(const char *text)
{
	char err[CFG_ERR_LEN] = "";
	struct cfg_doc *doc;
	int ret = cfg_parse(text, strlen(text), "test.conf", &doc, err);

	if (ret)
		fail_msg("parse failed: %s", err);
	return doc;
}

/* Parse (and validate against relay.conf's schema when @relay); expect an
 * error whose message is exactly @msg. */
static void expect_error(const char *text, bool relay, const char *msg)
{
	char err[CFG_ERR_LEN] = "";
	struct cfg_doc *doc;
	int ret = cfg_parse(text, strlen(text), "relay.conf", &doc, err);

	if (!ret && relay) {
		struct relay_conf rc;

		ret = relay_conf_from_doc(doc, &rc, err);
		if (!ret)
			relay_conf_free(&rc);
	}
	cfg_free(doc);
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(err, msg);
}

static void test_sections_and_keys(void **state)
{
	struct cfg_doc *doc = parse_ok(
		"# top comment\n"
		"[Interface]\n"
		"  PrivateKey=" KEY1 "  \n"
		"\tListenPort = 51820 # trailing\n"
		"\n"
		"[Peer]\n"
		"PublicKey = " KEY2 "\n"
		"AllowedIPs = 10.0.0.2/32, fd00::2/128\n"
		"[peer]\n"
		"publickey = " KEY3 "\n"
		"Empty =\n");
	const struct cfg_section *sec;
	const struct cfg_entry *e;

	assert_int_equal(doc->n_sections, 4);	/* prelude + 3 */
	assert_null(doc->sections[0]->name);
	assert_int_equal(cfg_section_count(doc, "PEER"), 2);
	sec = cfg_section(doc, "interface", 0);
	assert_non_null(sec);
	assert_string_equal(cfg_get(sec, "privatekey"), KEY1);
	e = cfg_entry(sec, "LISTENPORT");
	assert_non_null(e);
	assert_string_equal(e->value, "51820");
	assert_string_equal(e->comment, "# trailing");
	assert_int_equal(e->line, 4);
	sec = cfg_section(doc, "Peer", 1);
	assert_string_equal(cfg_get(sec, "PublicKey"), KEY3);
	assert_string_equal(cfg_get(sec, "empty"), "");
	assert_null(cfg_get(sec, "AllowedIPs"));
	assert_null(cfg_section(doc, "Peer", 2));
	cfg_free(doc);
}

static void test_round_trip(void **state)
{
	static const char text[] =
		"# wgx relay configuration\n"
		"\n"
		"[Relay] # the relay\n"
		"PrivateKey = " KEY1 "\n"
		"# allowed ones\n"
		"AllowedPublicKeys = " KEY2 ", " KEY3 " # two\n"
		"ListenPort = 8787\n"
		"\n"
		"[Other]\n"
		"Foo = bar\n";
	struct cfg_doc *doc = parse_ok(text), *again;
	size_t len;
	char *out = cfg_format(doc, &len);

	/* Canonical input comes back byte for byte. */
	assert_non_null(out);
	assert_int_equal(len, strlen(text));
	assert_string_equal(out, text);
	again = parse_ok(out);
	assert_int_equal(again->n_sections, doc->n_sections);
	free(out);
	cfg_free(again);

	/* Edits: set, add, remove, a new section. */
	struct cfg_section *sec = cfg_section(doc, "Relay", 0);

	assert_int_equal(cfg_set(sec, "listenport", "9000"), 0);
	assert_int_equal(cfg_add(sec, "AllowedPublicKeys", KEY1), 0);
	assert_int_equal(cfg_count(sec, "AllowedPublicKeys"), 2);
	assert_int_equal(cfg_set(sec, "AllowedPublicKeys", "all"), 0);
	assert_int_equal(cfg_count(sec, "AllowedPublicKeys"), 1);
	assert_int_equal(cfg_remove(sec, "Nothing"), 0);
	cfg_remove_section(doc, cfg_section(doc, "Other", 0));
	sec = cfg_add_section(doc, "Peer");
	assert_non_null(sec);
	assert_int_equal(cfg_add(sec, "PublicKey", KEY2), 0);
	out = cfg_format(doc, &len);
	assert_string_equal(out,
		"# wgx relay configuration\n"
		"\n"
		"[Relay] # the relay\n"
		"PrivateKey = " KEY1 "\n"
		"# allowed ones\n"
		"AllowedPublicKeys = all # two\n"
		"ListenPort = 9000\n"
		"\n"
		"[Peer]\n"
		"PublicKey = " KEY2 "\n");
	free(out);
	cfg_free(doc);
}

static void test_crlf_and_no_final_newline(void **state)
{
	struct cfg_doc *doc = parse_ok("[Relay]\r\nPrivateKey = " KEY1 "\r\n"
				       "ListenPort = 1234\r\nName = x");
	const struct cfg_section *sec = cfg_section(doc, "Relay", 0);

	assert_string_equal(cfg_get(sec, "PrivateKey"), KEY1);
	assert_string_equal(cfg_get(sec, "ListenPort"), "1234");
	assert_string_equal(cfg_get(sec, "Name"), "x");
	assert_int_equal(cfg_entry(sec, "Name")->line, 4);
	cfg_free(doc);
}

static void test_syntax_errors(void **state)
{
	expect_error("[Relay]\nPrivateKey\n", false,
		     "relay.conf:2: expected 'Key = Value' or '[Section]', not 'PrivateKey'");
	expect_error("PrivateKey = x\n", false,
		     "relay.conf:1: 'PrivateKey' is outside of any section");
	expect_error("# c\n\n[Relay\n", false,
		     "relay.conf:3: a section header must be '[Name]'");
	expect_error("[Re lay]\n", false, "relay.conf:1: invalid section name '[Re lay]'");
	expect_error("[]\n", false, "relay.conf:1: invalid section name '[]'");
	expect_error("[Relay]\n= x\n", false, "relay.conf:2: missing key before '='");
	expect_error("[Relay]\nA B = x\n", false, "relay.conf:2: invalid key 'A B'");

	char err[CFG_ERR_LEN];
	struct cfg_doc *doc;
	static const char nul[] = "[Relay]\nName = a\0b\n";

	assert_int_equal(cfg_parse(nul, sizeof(nul) - 1, "relay.conf", &doc, err), -EINVAL);
	assert_string_equal(err, "relay.conf:2: contains a NUL byte");
}

static void test_relay_schema_errors(void **state)
{
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nFoo = 1\n", true,
		     "relay.conf:3: unknown key 'Foo' in [Relay]");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nListenPort = 1\nlistenport = 2\n", true,
		     "relay.conf:4: duplicate key 'ListenPort' in [Relay] (first on line 3)");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\n[Relay]\n", true,
		     "relay.conf:3: duplicate section [Relay] (first on line 1)");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\n[Peer]\n", true,
		     "relay.conf:3: unknown section [Peer]");
	expect_error("# nothing\n", true, "relay.conf: no [Relay] section");
	expect_error("[Relay]\nListenPort = 1\n", true, "relay.conf:1: [Relay] has no PrivateKey");
	/* A bad key: the message must not echo the secret. */
	expect_error("[Relay]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBm*=\n", true,
		     "relay.conf:2: invalid PrivateKey: not a base64 key of 32 bytes (44 characters)");
	expect_error("[Relay]\nPrivateKey = " KEY1 "x\n", true,
		     "relay.conf:2: invalid PrivateKey: not a base64 key of 32 bytes (44 characters)");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nListenPort = 65536\n", true,
		     "relay.conf:3: invalid ListenPort: '65536' is not a port (1-65535)");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nListenPort = 0\n", true,
		     "relay.conf:3: invalid ListenPort: '0' is not a port (1-65535)");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nAllowedPublicKeys = " KEY2 ", nope\n", true,
		     "relay.conf:3: invalid AllowedPublicKeys: 'nope' is not a base64 public key (or \"all\")");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nAllowedPublicKeys = " KEY2 ",\n", true,
		     "relay.conf:3: invalid AllowedPublicKeys: empty item in the list");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nName = this-name-is-too-long\n", true,
		     "relay.conf:3: invalid Name: 'this-name-is-too-long' is not 1-15 letters, digits, '_', '-' or '.'");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nEndpoint = [2001:db8::1\n", true,
		     "relay.conf:3: invalid Endpoint: '[2001:db8::1' is not HOST[:PORT] (IPv6 as [ADDRESS]:PORT)");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nEndpoint =\n", true,
		     "relay.conf:3: invalid Endpoint: empty: give HOST[:PORT]");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nFwMark = 0xfffffffff\n", true,
		     "relay.conf:3: invalid FwMark: '0xfffffffff' is not a 32-bit number");
	expect_error("[Relay]\nPrivateKey = " KEY1 "\nAddress = 10.120.0.2/32\n", true,
		     "relay.conf:3: invalid Address: '10.120.0.2/32' is not an IPv4 or IPv6 address");
}

static void test_relay_conf(void **state)
{
	struct cfg_doc *doc = parse_ok(
		"[Relay]\n"
		"PrivateKey = " KEY1 "\n"
		"AllowedPublicKeys = " KEY3 ", " KEY2 "\n"
		"AllowedPublicKeys = # none on this line\n"
		"AllowedPublicKeys = " KEY2 "\n"
		"FwMark = 0x10\n"
		"Name = relay-1\n"
		"Endpoint = relay.example.com, [2001:db8::7]:9000\n"
		"Endpoint = 203.0.113.5:1\n"
		"Address = fd00::2\n");
	char err[CFG_ERR_LEN] = "";
	struct relay_conf rc;
	uint8_t k2[32], k3[32];

	assert_int_equal(relay_conf_from_doc(doc, &rc, err), 0);
	cfg_free(doc);
	assert_string_equal(rc.name, "relay-1");
	assert_int_equal(rc.listen_port, 8787);
	assert_true(rc.has_fwmark);
	assert_int_equal(rc.fwmark, 16);
	assert_false(rc.allow_all);
	assert_int_equal(rc.allowed.n, 2);
	assert_int_equal(rc.allowed_duplicates, 1);
	assert_true(cfg_parse_key(KEY2, k2));
	assert_true(cfg_parse_key(KEY3, k3));
	assert_true(key_list_contains(&rc.allowed, k2));
	assert_true(key_list_contains(&rc.allowed, k3));
	assert_int_equal(rc.n_endpoints, 3);
	assert_string_equal(rc.endpoints[0].host, "relay.example.com");
	assert_int_equal(rc.endpoints[0].port, 0);
	assert_string_equal(rc.endpoints[1].host, "2001:db8::7");
	assert_int_equal(rc.endpoints[1].port, 9000);
	assert_int_equal(rc.endpoints[2].port, 1);
	assert_true(rc.has_address);
	assert_int_equal(rc.address.family, AF_INET6);
	relay_conf_free(&rc);

	doc = parse_ok("[Relay]\nPrivateKey = " KEY1 "\nAllowedPublicKeys = ALL\nListenPort=9\n");
	assert_int_equal(relay_conf_from_doc(doc, &rc, err), 0);
	cfg_free(doc);
	assert_true(rc.allow_all);
	assert_int_equal(rc.allowed.n, 0);
	assert_int_equal(rc.listen_port, 9);
	assert_string_equal(rc.name, "wgx0");
	assert_false(rc.has_fwmark);
	relay_conf_free(&rc);
}

static void test_endpoints(void **state)
{
	char host[256];
	uint16_t port;

	assert_true(cfg_parse_endpoint("1.2.3.4:51820", host, sizeof(host), &port, 0));
	assert_string_equal(host, "1.2.3.4");
	assert_int_equal(port, 51820);
	assert_true(cfg_parse_endpoint("[2001:db8::1]:443", host, sizeof(host), &port, 0));
	assert_string_equal(host, "2001:db8::1");
	assert_int_equal(port, 443);
	assert_true(cfg_parse_endpoint("[fe80::1]", host, sizeof(host), &port, 8787));
	assert_string_equal(host, "fe80::1");
	assert_int_equal(port, 8787);
	assert_true(cfg_parse_endpoint("fd00::2", host, sizeof(host), &port, 8787));
	assert_string_equal(host, "fd00::2");
	assert_true(cfg_parse_endpoint("relay.example.com:1", host, sizeof(host), &port, 0));
	assert_string_equal(host, "relay.example.com");
	assert_int_equal(port, 1);
	assert_true(cfg_parse_endpoint("relay", host, sizeof(host), &port, 5));
	assert_int_equal(port, 5);

	assert_false(cfg_parse_endpoint("relay", host, sizeof(host), &port, 0));
	assert_false(cfg_parse_endpoint("1.2.3.4:0", host, sizeof(host), &port, 0));
	assert_false(cfg_parse_endpoint("1.2.3.4:65536", host, sizeof(host), &port, 0));
	assert_false(cfg_parse_endpoint("1.2.3.4:", host, sizeof(host), &port, 1));
	assert_false(cfg_parse_endpoint(":80", host, sizeof(host), &port, 0));
	assert_false(cfg_parse_endpoint("[2001:db8::1", host, sizeof(host), &port, 1));
	assert_false(cfg_parse_endpoint("[2001:db8::1]x", host, sizeof(host), &port, 1));
	assert_false(cfg_parse_endpoint("[1.2.3.4]:80", host, sizeof(host), &port, 0));
	assert_false(cfg_parse_endpoint("[zz::1]:80", host, sizeof(host), &port, 0));
	assert_false(cfg_parse_endpoint("2001:db8::zz", host, sizeof(host), &port, 1));
	assert_false(cfg_parse_endpoint("a b:80", host, sizeof(host), &port, 0));
	assert_false(cfg_parse_endpoint("1.2.3.4:+80", host, sizeof(host), &port, 0));
	assert_false(cfg_parse_endpoint("", host, sizeof(host), &port, 1));
}

static void test_numbers(void **state)
{
	uint16_t port;
	uint32_t v;

	assert_true(cfg_parse_port("1", &port));
	assert_true(cfg_parse_port("65535", &port));
	assert_int_equal(port, 65535);
	assert_false(cfg_parse_port("0", &port));
	assert_false(cfg_parse_port("-1", &port));
	assert_false(cfg_parse_port(" 1", &port));
	assert_false(cfg_parse_port("1x", &port));
	assert_false(cfg_parse_port("", &port));
	assert_false(cfg_parse_port("99999999999999999999999", &port));
	assert_true(cfg_parse_u32("off", &v));
	assert_int_equal(v, 0);
	assert_true(cfg_parse_u32("0xffffffff", &v));
	assert_int_equal(v, 0xffffffffU);
	assert_true(cfg_parse_u32("4294967295", &v));
	assert_false(cfg_parse_u32("4294967296", &v));
	assert_false(cfg_parse_u32("0x", &v));
	assert_false(cfg_parse_u32("0x-1", &v));
	assert_false(cfg_parse_u32("12a", &v));
}

static void test_cidrs_and_lists(void **state)
{
	struct cfg_cidr *c;
	char why[128], buf[64], **items;
	size_t n;

	assert_int_equal(cfg_parse_cidr_list(" 10.0.0.1/16 ,fd00::1, 192.168.1.0/24", &c, &n,
					     why, sizeof(why)), 0);
	assert_int_equal(n, 3);
	cfg_format_cidr(&c[0], buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1/16");
	cfg_format_cidr(&c[1], buf, sizeof(buf));
	assert_string_equal(buf, "fd00::1/128");
	assert_int_equal(c[2].prefix, 24);
	free(c);
	assert_int_equal(cfg_parse_cidr_list("", &c, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
	free(c);
	assert_int_equal(cfg_parse_cidr_list("10.0.0.1/33", &c, &n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "'10.0.0.1/33' is not an address/prefix");
	assert_int_equal(cfg_parse_cidr_list("fd00::/129", &c, &n, why, sizeof(why)), -EINVAL);
	assert_int_equal(cfg_parse_cidr_list("10.0.0.1/", &c, &n, why, sizeof(why)), -EINVAL);
	assert_int_equal(cfg_parse_cidr_list("10.0.0.1,,x", &c, &n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "empty item in the list");

	assert_int_equal(cfg_split_list("a, b ,c", &items, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(items[1], "b");
	cfg_free_list(items, n);
	assert_int_equal(cfg_split_list("   ", &items, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cfg_split_list("a,", &items, &n), -EINVAL);
	assert_int_equal(cfg_split_list(",a", &items, &n), -EINVAL);
}

static char tmpdir[64];

static int setup_dir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wgx-test-config-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_missing_file(void **state)
{
	char path[128], err[CFG_ERR_LEN];
	struct cfg_doc *doc;
	struct relay_conf rc;

	snprintf(path, sizeof(path), "%s/none.conf", tmpdir);
	assert_int_equal(cfg_load(path, &doc, err), -ENOENT);
	assert_null(doc);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(relay_conf_load(path, &rc, err), -ENOENT);
	assert_int_equal(cfg_load(tmpdir, &doc, err), -EISDIR);
}

static void test_atomic_write(void **state)
{
	char path[128], sub[160], err[CFG_ERR_LEN];
	struct cfg_doc *doc;
	struct stat st;
	struct relay_conf rc;
	uint8_t priv[32];

	snprintf(sub, sizeof(sub), "%s/a/b/relay.conf", tmpdir);
	assert_int_equal(cfg_mkdir_parents(sub, 0700, err), 0);
	snprintf(path, sizeof(path), "%s/a/b", tmpdir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);

	key_generate_private(priv);
	doc = relay_conf_new_doc(sub, priv, 9999, KEY1 ", " KEY2);
	assert_non_null(doc);
	assert_int_equal(cfg_write(doc, sub, 0600, CFG_WRITE_NOREPLACE, err), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Never replaced without being asked to. */
	assert_int_equal(cfg_write(doc, sub, 0600, CFG_WRITE_NOREPLACE, err), -EEXIST);
	assert_int_equal(cfg_write(doc, sub, 0600, 0, err), 0);
	cfg_free(doc);

	/* What init writes reads back as written. */
	assert_int_equal(relay_conf_load(sub, &rc, err), 0);
	assert_memory_equal(rc.private_key, priv, 32);
	assert_int_equal(rc.listen_port, 9999);
	assert_int_equal(rc.allowed.n, 2);
	assert_false(rc.allow_all);
	relay_conf_free(&rc);

	/* No temporary file is left behind. */
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s/a/b' | wc -l) -eq 1", tmpdir);
		assert_int_equal(system(cmd), 0);
	}
	/* A directory that does not exist: an error, nothing written. */
	snprintf(path, sizeof(path), "%s/nodir/x.conf", tmpdir);
	assert_int_equal(cfg_write_atomic(path, "x", 1, 0600, 0, err), -ENOENT);
}

static void test_export_text(void **state)
{
	uint8_t pub[32];
	struct cfg_addr a;
	const char *eps[] = { "203.0.113.5:8787", "[2001:db8::5]:8787" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_true(cfg_parse_key(KEY1, pub));
	assert_true(cfg_parse_addr("10.120.0.2", &a));
	relay_export_print(f, pub, eps, 2, &a);
	fclose(f);
	assert_string_equal(buf,
		"[Peer]\n"
		"# wgx relay\n"
		"PublicKey = " KEY1 "\n"
		"Endpoint = 203.0.113.5:8787\n"
		"# Endpoint = [2001:db8::5]:8787\n"
		"PersistentKeepalive = 25\n"
		"AllowedIPs = 10.120.0.2/32\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_and_keys),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_relay_schema_errors),
		cmocka_unit_test(test_relay_conf),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_cidrs_and_lists),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_export_text),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
