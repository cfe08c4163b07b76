// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of hub.conf and spoke.conf (wgconf.c on top of config.c):
 * "# wgx:" lines, round trips, comments kept through edits, unknown and
 * duplicate keys, bad base64, IPv6 endpoints in brackets, the checks across
 * peers, address allocation, the text `wg setconf` gets and the spoke
 * configuration add-spoke prints; and the pure parts of the interface layer
 * (wgif.c: `wg show dump`, routes) and of the QR code renderer (qr.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "ctrl.h"
#include "qr.h"
#include "wgconf.h"
#include "wgif.h"

#define KEY1 "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
#define KEY2 "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
#define KEY3 "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="
#define KEY4 "kMPLqkxSnWhnpzcS5yyW3DxkjcSS0euImv8kh6o2Y2Y="
#define PSK1 "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE="

/* A hub: KEY1 is its private key, KEY2 the relay, KEY3 a spoke. */
#define HUB_TEXT \
	"# the hub\n" \
	"[Interface]\n" \
	"# wgx: Interface = hub0\n" \
	"# wgx: Lan = 192.168.1.0/24\n" \
	"PrivateKey = " KEY1 "\n" \
	"Address = 10.120.0.1/16\n" \
	"ListenPort = 51820 # fixed, for the NAT\n" \
	"\n" \
	"[Peer]\n" \
	"# wgx: Role = relay\n" \
	"PublicKey = " KEY2 "\n" \
	"AllowedIPs = 10.120.0.2/32\n" \
	"Endpoint = 203.0.113.2:8787\n" \
	"PersistentKeepalive = 25\n" \
	"\n" \
	"[Peer]\n" \
	"# wgx: Name = phone\n" \
	"# my phone\n" \
	"PublicKey = " KEY3 "\n" \
	"PresharedKey = " PSK1 "\n" \
	"AllowedIPs = 10.120.0.3/32\n"

static struct cfg_doc *parse_meta(const char *text)
{
	char err[CFG_ERR_LEN] = "";
	struct cfg_doc *doc;

	if (cfg_parse_opts(text, strlen(text), "hub.conf", CFG_PARSE_META, &doc, err))
		fail_msg("parse failed: %s", err);
	return doc;
}

/* Parse with "# wgx:" lines and read as @kind; expect exactly @msg. */
static void expect_error(const char *text, enum wgc_kind kind, const char *msg)
{
	char err[CFG_ERR_LEN] = "";
	struct cfg_doc *doc;
	struct wgc c;
	int ret = cfg_parse_opts(text, strlen(text), "hub.conf", CFG_PARSE_META, &doc, err);

	if (!ret) {
		ret = wgc_from_doc(doc, kind, &c, err);
		if (!ret)
			wgc_free(&c);
		cfg_free(doc);
	}
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(err, msg);
}

static void read_hub(const char *text, struct cfg_doc **doc, struct wgc *c)
{
	char err[CFG_ERR_LEN] = "";

	*doc = parse_meta(text);
	if (wgc_from_doc(*doc, WGC_HUB, c, err))
		fail_msg("wgc_from_doc: %s", err);
}

static void test_meta_lines(void **state)
{
	struct cfg_doc *doc = parse_meta(HUB_TEXT), *plain;
	const struct cfg_section *iface = cfg_section(doc, "Interface", 0);
	const struct cfg_entry *e = cfg_entry(iface, "Lan");
	char err[CFG_ERR_LEN];
	size_t len;
	char *out;

	assert_non_null(e);
	assert_true(e->meta);
	assert_string_equal(e->value, "192.168.1.0/24");
	assert_false(cfg_entry(iface, "PrivateKey")->meta);
	/* "# my phone" stays a comment. */
	assert_string_equal(cfg_get(cfg_section(doc, "Peer", 1), "Name"), "phone");
	/* Round trip, byte for byte. */
	out = cfg_format(doc, &len);
	assert_string_equal(out, HUB_TEXT);
	free(out);
	cfg_free(doc);

	/* Without CFG_PARSE_META they are plain comments. */
	assert_int_equal(cfg_parse(HUB_TEXT, strlen(HUB_TEXT), "x", &plain, err), 0);
	assert_null(cfg_entry(cfg_section(plain, "Interface", 0), "Lan"));
	cfg_free(plain);

	/* Malformed and misplaced ones. */
	assert_int_equal(cfg_parse_opts("[Interface]\n# wgx: no equals sign\n", 34, "h",
					CFG_PARSE_META, &doc, err), -EINVAL);
	assert_string_equal(err, "h:2: expected '# wgx: Key = Value', not '# wgx: no equals sign'");
	assert_int_equal(cfg_parse_opts("# wgx: Name = x\n[Peer]\n", 23, "h",
					CFG_PARSE_META, &doc, err), -EINVAL);
	assert_string_equal(err, "h:1: '# wgx:' line outside of any section");
	/* "#wgx:" without the space, any case, is one too. */
	doc = parse_meta("[Peer]\n#WGX:Name=x\n");
	assert_string_equal(cfg_get(cfg_section(doc, "Peer", 0), "Name"), "x");
	out = cfg_format(doc, &len);
	assert_string_equal(out, "[Peer]\n# wgx: Name = x\n");
	free(out);
	cfg_free(doc);
}

static void test_meta_edit(void **state)
{
	struct cfg_doc *doc = parse_meta(HUB_TEXT);
	struct cfg_section *iface = cfg_section(doc, "Interface", 0);
	size_t len;
	char *out;

	assert_int_equal(cfg_set_meta(iface, "Userspace", "yes"), 0);
	assert_int_equal(cfg_set_meta(iface, "Interface", "hub1"), 0);
	assert_int_equal(cfg_set(iface, "ListenPort", "51821"), 0);
	out = cfg_format(doc, &len);
	/* The new meta line goes after the others; comments stay. */
	assert_non_null(strstr(out,
		"[Interface]\n"
		"# wgx: Interface = hub1\n"
		"# wgx: Lan = 192.168.1.0/24\n"
		"# wgx: Userspace = yes\n"
		"PrivateKey = " KEY1 "\n"
		"Address = 10.120.0.1/16\n"
		"ListenPort = 51821 # fixed, for the NAT\n"));
	assert_non_null(strstr(out, "# my phone\n"));
	free(out);
	cfg_free(doc);
}

static void test_hub_read(void **state)
{
	struct cfg_doc *doc;
	struct wgc c;
	struct cfg_addr a;
	struct key_list keys = { 0 };
	uint8_t k3[32];
	char buf[256];

	read_hub(HUB_TEXT, &doc, &c);
	assert_string_equal(c.ifname, "hub0");
	assert_false(c.userspace);
	assert_int_equal(c.n_addrs, 1);
	assert_int_equal(c.n_lans, 1);
	assert_true(c.has_listen_port);
	assert_int_equal(c.listen_port, 51820);
	assert_int_equal(c.n_peers, 2);
	assert_ptr_equal(c.relay, &c.peers[0]);
	assert_null(c.hub);
	assert_string_equal(c.relay->endpoint, "203.0.113.2:8787");
	assert_int_equal(c.relay->keepalive, 25);
	assert_string_equal(c.peers[1].name, "phone");
	assert_true(c.peers[1].has_psk);
	assert_true(wgc_relay_address(&c, &a));
	inet_ntop(AF_INET, a.addr, buf, sizeof(buf));
	assert_string_equal(buf, "10.120.0.2");
	assert_ptr_equal(wgc_find_name(&c, "PHONE"), &c.peers[1]);
	key_from_base64(k3, KEY3);
	assert_ptr_equal(wgc_find_key(&c, k3), &c.peers[1]);
	assert_int_equal(wgc_spoke_keys(&c, &keys), 0);
	assert_int_equal(keys.n, 1);
	assert_memory_equal(keys.keys[0], k3, 32);
	key_list_free(&keys);
	wgc_hub_allowed_text(&c, buf, sizeof(buf));
	assert_string_equal(buf, "10.120.0.0/16, 192.168.1.0/24");
	wgc_free(&c);
	cfg_free(doc);
}

static void test_errors(void **state)
{
	static const char iface[] = "[Interface]\nPrivateKey = " KEY1 "\nAddress = 10.120.0.1/16\n";
	static const char relay[] = "[Peer]\n# wgx: Role = relay\nPublicKey = " KEY2
				    "\nAllowedIPs = 10.120.0.2/32\nEndpoint = 203.0.113.2:8787\n";

	/* Unknown keys and sections. */
	expect_error("[Interface]\nPrivateKey = " KEY1 "\nPostUp = iptables -A\n", WGC_HUB,
		     "hub.conf:3: unknown key 'PostUp' in [Interface]");
	expect_error("[Hub]\nRelay = x\n", WGC_HUB, "hub.conf:1: unknown section [Hub]");
	expect_error("[Interface]\n# wgx: Colour = red\nPrivateKey = " KEY1 "\n", WGC_HUB,
		     "hub.conf:2: unknown key '# wgx: Colour' in [Interface]");
	/* wgx's own keys only as "# wgx:" lines (wg would refuse them). */
	expect_error("[Interface]\nPrivateKey = " KEY1 "\n[Peer]\nName = x\nPublicKey = " KEY2 "\n",
		     WGC_HUB,
		     "hub.conf:4: 'Name' is wgx's own: write it as '# wgx: Name = ...' (so that wg-quick skips it)");
	/* ...and WireGuard's never as comments. */
	expect_error("[Interface]\n# wgx: PrivateKey = " KEY1 "\n", WGC_HUB,
		     "hub.conf:2: unknown key '# wgx: PrivateKey' in [Interface]");
	/* Duplicate keys and sections. */
	expect_error("[Interface]\nPrivateKey = " KEY1 "\nPrivateKey = " KEY2 "\n", WGC_HUB,
		     "hub.conf:3: duplicate key 'PrivateKey' in [Interface] (first on line 2)");
	expect_error("[Interface]\nPrivateKey = " KEY1 "\n[Interface]\nPrivateKey = " KEY2 "\n",
		     WGC_HUB, "hub.conf:3: duplicate section [Interface] (first on line 1)");
	expect_error("[Peer]\n# wgx: Name = a\n# wgx: Name = b\nPublicKey = " KEY2 "\n"
		     "[Interface]\nPrivateKey = " KEY1 "\n", WGC_HUB,
		     "hub.conf:3: duplicate key 'Name' in [Peer] (first on line 2)");
	/* Bad base64: wrong length, bad character, not padded. */
	expect_error("[Interface]\nPrivateKey = abc\n", WGC_HUB,
		     "hub.conf:2: invalid PrivateKey: not a base64 key of 32 bytes (44 characters)");
	expect_error("[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3f*mk=\n",
		     WGC_HUB,
		     "hub.conf:2: invalid PrivateKey: not a base64 key of 32 bytes (44 characters)");
	expect_error("[Interface]\nPrivateKey = " KEY1 "\n[Peer]\nPublicKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmkA\n",
		     WGC_HUB,
		     "hub.conf:4: invalid PublicKey: not a base64 key of 32 bytes (44 characters)");
	/* Endpoints: IPv6 in brackets only, with a port. */
	expect_error("[Interface]\nPrivateKey = " KEY1 "\n[Peer]\nPublicKey = " KEY2
		     "\nEndpoint = 2001:db8::2:8787\n", WGC_HUB,
		     "hub.conf:5: invalid Endpoint: '2001:db8::2:8787' is not HOST:PORT (IPv6 as [ADDRESS]:PORT)");
	expect_error("[Interface]\nPrivateKey = " KEY1 "\n[Peer]\nPublicKey = " KEY2
		     "\nEndpoint = [2001:db8::2]\n", WGC_HUB,
		     "hub.conf:5: invalid Endpoint: '[2001:db8::2]' is not HOST:PORT (IPv6 as [ADDRESS]:PORT)");
	/* Values. */
	expect_error("[Interface]\n# wgx: Userspace = maybe\nPrivateKey = " KEY1 "\n", WGC_HUB,
		     "hub.conf:2: invalid Userspace: 'maybe' is not yes or no");
	expect_error("[Interface]\n# wgx: Interface = much-too-long-name\nPrivateKey = " KEY1 "\n",
		     WGC_HUB,
		     "hub.conf:2: invalid Interface: 'much-too-long-name' is not an interface name (1-15 of A-Z a-z 0-9 _ - . = +)");
	expect_error("[Interface]\nPrivateKey = " KEY1 "\n[Peer]\n# wgx: Role = boss\nPublicKey = " KEY2 "\n",
		     WGC_HUB, "hub.conf:4: invalid Role: 'boss' is not relay, hub or spoke");
	/* Across peers. */
	{
		char t[2048];

		expect_error("[Interface]\nPrivateKey = " KEY1 "\n", WGC_HUB,
			     "hub.conf:1: [Interface] has no Address (the hub's tunnel address, e.g. 10.120.0.1/16)");
		expect_error(iface, WGC_HUB,
			     "hub.conf: no [Peer] with '# wgx: Role = relay' (run 'wgx hub init RELAY-IP[:PORT]')");
		snprintf(t, sizeof(t), "%s%s[Peer]\nPublicKey = " KEY3 "\n[Peer]\nPublicKey = " KEY3 "\n",
			 iface, relay);
		expect_error(t, WGC_HUB, "hub.conf:12: PublicKey repeated (first on line 10)");
		snprintf(t, sizeof(t), "%s%s[Peer]\n# wgx: Role = relay\nPublicKey = " KEY3 "\nEndpoint = a:1\n",
			 iface, relay);
		expect_error(t, WGC_HUB, "hub.conf:10: a second relay peer (the first is on line 4)");
		snprintf(t, sizeof(t), "%s%s[Peer]\nPublicKey = " KEY3 "\nAllowedIPs = 10.120.0.2/32\n",
			 iface, relay);
		expect_error(t, WGC_HUB,
			     "hub.conf:11: AllowedIPs 10.120.0.2/32 already belongs to the peer on line 4");
		snprintf(t, sizeof(t), "%s%s[Peer]\n# wgx: Name = a\nPublicKey = " KEY3
			 "\n[Peer]\n# wgx: Name = A\nPublicKey = " KEY4 "\n", iface, relay);
		expect_error(t, WGC_HUB, "hub.conf:13: name 'A' repeated (first on line 10)");
		/* The hub's own public key as a peer. */
		{
			uint8_t priv[32], pub[32];
			char b64[WGX_KEY_B64_LEN];

			key_from_base64(priv, KEY1);
			key_public_from_private(pub, priv);
			key_to_base64(b64, pub);
			snprintf(t, sizeof(t), "%s%s[Peer]\nPublicKey = %s\n", iface, relay, b64);
			expect_error(t, WGC_HUB, "hub.conf:10: the peer's PublicKey is this hub's own");
		}
		snprintf(t, sizeof(t), "%s%s[Peer]\n# wgx: Role = hub\nPublicKey = " KEY3 "\n",
			 iface, relay);
		expect_error(t, WGC_HUB, "hub.conf:10: a hub has no hub peer");
		snprintf(t, sizeof(t), "%s[Peer]\n# wgx: Role = relay\nPublicKey = " KEY2
			 "\nEndpoint = 203.0.113.2:8787\n", iface);
		expect_error(t, WGC_HUB,
			     "hub.conf:4: the relay's [Peer] has no inner address in AllowedIPs (e.g. 10.120.0.2/32)");
		snprintf(t, sizeof(t), "[Interface]\n# wgx: Lan = 10.0.0.0/8\nPrivateKey = " KEY1 "\n%s", relay);
		expect_error(t, WGC_SPOKE, "hub.conf:2: 'Lan' is for a hub");
	}
}

static void test_ipv6(void **state)
{
	static const char text[] =
		"[Interface]\n"
		"PrivateKey = " KEY1 "\n"
		"Address = 10.120.0.1/16, fd00:120::1/64\n"
		"[Peer]\n"
		"# wgx: Role = relay\n"
		"PublicKey = " KEY2 "\n"
		"AllowedIPs = fd00:120::2/128\n"
		"AllowedIPs = 10.120.0.2/32\n"
		"Endpoint = [2001:db8::2]:8787\n";
	struct cfg_doc *doc;
	struct cfg_cidr out[2];
	struct cfg_addr a;
	char err[CFG_ERR_LEN], buf[128], host[256];
	uint16_t port;
	struct wgc c;

	read_hub(text, &doc, &c);
	assert_string_equal(c.relay->endpoint, "[2001:db8::2]:8787");
	assert_int_equal(c.relay->n_allowed, 2);
	/* IPv4 first for the control protocol, whatever the order. */
	assert_true(wgc_relay_address(&c, &a));
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(wgc_alloc_spoke_addrs(&c, out, err), 0);
	wgc_cidrs_text(out, 2, buf, sizeof(buf));
	assert_string_equal(buf, "10.120.0.3/16, fd00:120::3/64");
	wgc_free(&c);
	cfg_free(doc);
	/* What hub init and spoke init take: the port is optional. */
	assert_true(cfg_parse_endpoint("[2001:db8::2]:9000", host, sizeof(host), &port, 8787));
	assert_string_equal(host, "2001:db8::2");
	assert_int_equal(port, 9000);
	assert_true(cfg_parse_endpoint("[2001:db8::2]", host, sizeof(host), &port, 8787));
	assert_int_equal(port, 8787);
	assert_true(cfg_parse_endpoint("2001:db8::2", host, sizeof(host), &port, 8787));
	assert_int_equal(port, 8787);
	assert_false(cfg_parse_endpoint("[2001:db8::2]:", host, sizeof(host), &port, 8787));
	assert_false(cfg_parse_endpoint("[2001:db8::2", host, sizeof(host), &port, 8787));
	assert_false(cfg_parse_endpoint("[10.0.0.1]:5", host, sizeof(host), &port, 8787));
	assert_false(cfg_parse_endpoint("203.0.113.2:99999", host, sizeof(host), &port, 8787));
}

static void test_addresses(void **state)
{
	struct cfg_cidr c, net, out[1];
	struct cfg_addr a;
	struct cfg_doc *doc;
	struct wgc w;
	char err[CFG_ERR_LEN], buf[64];

	cfg_parse_cidr("10.120.7.9/16", &c);
	wgc_network(&c, &net);
	cfg_format_cidr(&net, buf, sizeof(buf));
	assert_string_equal(buf, "10.120.0.0/16");
	cfg_parse_addr("10.0.0.255", &a);
	assert_true(wgc_addr_add(&a, 1, &a));
	inet_ntop(AF_INET, a.addr, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.1.0");
	cfg_parse_addr("255.255.255.255", &a);
	assert_false(wgc_addr_add(&a, 1, &a));
	cfg_parse_addr("fd00::ffff", &a);
	assert_true(wgc_addr_add(&a, 0x10001, &a));
	inet_ntop(AF_INET6, a.addr, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::2:0");
	/* Network and broadcast addresses are not hosts (IPv4 up to /30). */
	cfg_parse_cidr("10.0.0.0/30", &net);
	cfg_parse_addr("10.0.0.0", &a);
	assert_false(wgc_host_usable(&net, &a));
	cfg_parse_addr("10.0.0.3", &a);
	assert_false(wgc_host_usable(&net, &a));
	cfg_parse_addr("10.0.0.2", &a);
	assert_true(wgc_host_usable(&net, &a));
	cfg_parse_addr("10.0.0.4", &a);
	assert_false(wgc_host_usable(&net, &a));

	/* Allocation skips the hub, the relay and the spokes, and stops when
	 * the network is full. */
	read_hub("[Interface]\nPrivateKey = " KEY1 "\nAddress = 10.9.0.1/29\n"
		 "[Peer]\n# wgx: Role = relay\nPublicKey = " KEY2 "\nAllowedIPs = 10.9.0.2/32\n"
		 "Endpoint = r:1\n"
		 "[Peer]\nPublicKey = " KEY3 "\nAllowedIPs = 10.9.0.4/32\n", &doc, &w);
	assert_int_equal(wgc_alloc_spoke_addrs(&w, out, err), 0);
	cfg_format_cidr(&out[0], buf, sizeof(buf));
	assert_string_equal(buf, "10.9.0.3/29");
	assert_int_equal(wgc_doc_add_spoke(doc, "x", (uint8_t[32]){ 1 }, (uint8_t[32]){ 2 }, out, 1), 0);
	wgc_free(&w);
	assert_int_equal(wgc_from_doc(doc, WGC_HUB, &w, err), 0);
	assert_int_equal(wgc_alloc_spoke_addrs(&w, out, err), 0);
	cfg_format_cidr(&out[0], buf, sizeof(buf));
	assert_string_equal(buf, "10.9.0.5/29");
	for (int i = 0; i < 2; i++) {
		uint8_t k[32] = { 10 + i };

		assert_int_equal(wgc_doc_add_spoke(doc, NULL, k, k, out, 1), 0);
		wgc_free(&w);
		assert_int_equal(wgc_from_doc(doc, WGC_HUB, &w, err), 0);
		if (i == 0)
			assert_int_equal(wgc_alloc_spoke_addrs(&w, out, err), 0);
	}
	/* .1 hub, .2 relay, .3-.6 spokes, .7 broadcast. */
	assert_int_equal(wgc_alloc_spoke_addrs(&w, out, err), -ENOSPC);
	assert_string_equal(err, "no free tunnel address left in 10.9.0.1/29: remove a spoke, or give the hub a larger network (wgx hub init --address)");
	wgc_free(&w);
	cfg_free(doc);
}

static void test_strip_and_spoke_text(void **state)
{
	struct cfg_doc *doc;
	struct wgc c;
	struct cfg_cidr addr;
	uint8_t priv[32], psk[32], pub[32];
	char b64[WGX_KEY_B64_LEN], expect[2048];
	size_t len;
	char *t;

	read_hub(HUB_TEXT, &doc, &c);
	t = wgc_strip(&c, &len);
	assert_string_equal(t,
		"[Interface]\n"
		"PrivateKey = " KEY1 "\n"
		"ListenPort = 51820\n"
		"\n[Peer]\n"
		"PublicKey = " KEY2 "\n"
		"AllowedIPs = 10.120.0.2/32\n"
		"Endpoint = 203.0.113.2:8787\n"
		"PersistentKeepalive = 25\n"
		"\n[Peer]\n"
		"PublicKey = " KEY3 "\n"
		"PresharedKey = " PSK1 "\n"
		"AllowedIPs = 10.120.0.3/32\n");
	assert_int_equal(len, strlen(t));
	free(t);

	key_from_base64(priv, KEY4);
	key_from_base64(psk, PSK1);
	cfg_parse_cidr("10.120.0.4/16", &addr);
	t = wgc_spoke_text(&c, priv, psk, &addr, 1, &len);
	key_public_from_private(pub, c.private_key);
	key_to_base64(b64, pub);
	snprintf(expect, sizeof(expect),
		 "[Interface]\n"
		 "PrivateKey = " KEY4 "\n"
		 "Address = 10.120.0.4/16\n"
		 "\n[Peer]\n"
		 "PublicKey = %s\n"
		 "PresharedKey = " PSK1 "\n"
		 "AllowedIPs = 10.120.0.0/16, 192.168.1.0/24\n"
		 "Endpoint = 203.0.113.2:8787\n"
		 "PersistentKeepalive = 25\n"
		 "\n[Peer]\n"
		 "PublicKey = " KEY2 "\n"
		 "AllowedIPs = 10.120.0.2/32\n"
		 "Endpoint = 203.0.113.2:8787\n"
		 "PersistentKeepalive = 25\n", b64);
	assert_string_equal(t, expect);
	free(t);
	/* Without the private key: a comment in its place. */
	t = wgc_spoke_text(&c, NULL, psk, &addr, 1, &len);
	assert_non_null(strstr(t, "[Interface]\n# PrivateKey: the spoke's own"));
	free(t);
	wgc_free(&c);
	cfg_free(doc);
}

static void test_new_docs(void **state)
{
	uint8_t priv[32], rkey[32], hkey[32], psk[32];
	struct cfg_cidr addr, raddr, lan, allowed;
	struct wgc_init init;
	struct cfg_doc *doc, *again;
	struct wgc c;
	char err[CFG_ERR_LEN];
	size_t len;
	char *out;

	key_from_base64(priv, KEY1);
	key_from_base64(rkey, KEY2);
	cfg_parse_cidr("10.120.0.1/16", &addr);
	cfg_parse_cidr("10.120.0.2/32", &raddr);
	cfg_parse_cidr("192.168.1.0/24", &lan);
	memset(&init, 0, sizeof(init));
	init.kind = WGC_HUB;
	init.private_key = priv;
	init.addrs = &addr;
	init.n_addrs = 1;
	init.lans = &lan;
	init.n_lans = 1;
	init.listen_port = 51820;
	memcpy(init.relay.public_key, rkey, 32);
	snprintf(init.relay.endpoint, sizeof(init.relay.endpoint), "[2001:db8::2]:8787");
	init.relay.addrs = &raddr;
	init.relay.n_addrs = 1;
	doc = wgc_new_doc("hub.conf", &init);
	assert_non_null(doc);
	out = cfg_format(doc, &len);
	assert_non_null(strstr(out,
		"[Interface]\n"
		"# wgx: Lan = 192.168.1.0/24\n"
		"PrivateKey = " KEY1 "\n"
		"Address = 10.120.0.1/16\n"
		"ListenPort = 51820\n"
		"\n"
		"[Peer]\n"
		"# wgx: Role = relay\n"
		"PublicKey = " KEY2 "\n"
		"AllowedIPs = 10.120.0.2/32\n"
		"Endpoint = [2001:db8::2]:8787\n"
		"PersistentKeepalive = 25\n"));
	/* What was written reads back the same. */
	assert_int_equal(cfg_parse_opts(out, len, "hub.conf", CFG_PARSE_META, &again, err), 0);
	assert_int_equal(wgc_from_doc(again, WGC_HUB, &c, err), 0);
	assert_string_equal(c.ifname, HUB_DEFAULT_IFNAME);
	assert_string_equal(c.relay->endpoint, "[2001:db8::2]:8787");
	free(out);
	/* A new relay takes the old one's place, before the spokes. */
	assert_int_equal(wgc_doc_add_spoke(again, "s", (uint8_t[32]){ 7 }, (uint8_t[32]){ 8 }, &raddr, 0), 0);
	wgc_free(&c);
	assert_int_equal(wgc_from_doc(again, WGC_HUB, &c, err), 0);
	snprintf(init.relay.endpoint, sizeof(init.relay.endpoint), "relay.example.com:8787");
	assert_int_equal(wgc_doc_set_relay(again, &c, &init.relay), 0);
	wgc_free(&c);
	assert_int_equal(wgc_from_doc(again, WGC_HUB, &c, err), 0);
	assert_ptr_equal(c.relay, &c.peers[0]);
	assert_string_equal(c.relay->endpoint, "relay.example.com:8787");
	assert_string_equal(c.peers[1].name, "s");
	wgc_free(&c);
	cfg_free(again);
	cfg_free(doc);

	/* A spoke, then its hub. */
	init.kind = WGC_SPOKE;
	init.lans = NULL;
	init.n_lans = 0;
	init.n_addrs = 0;
	init.listen_port = 0;
	init.ifname = "wgs0";
	init.userspace = true;
	doc = wgc_new_doc("spoke.conf", &init);
	assert_int_equal(wgc_from_doc(doc, WGC_SPOKE, &c, err), 0);
	assert_string_equal(c.ifname, "wgs0");
	assert_true(c.userspace);
	assert_null(c.hub);
	key_from_base64(hkey, KEY3);
	key_from_base64(psk, PSK1);
	cfg_parse_cidr("10.120.0.0/16", &allowed);
	assert_int_equal(wgc_doc_set_hub(doc, &c, hkey, psk, &allowed, 1, c.relay->endpoint), 0);
	wgc_free(&c);
	assert_int_equal(wgc_from_doc(doc, WGC_SPOKE, &c, err), 0);
	assert_non_null(c.hub);
	assert_true(c.hub->has_psk);
	assert_string_equal(c.hub->endpoint, "relay.example.com:8787");
	assert_int_equal(c.hub->keepalive, 25);
	/* Again: replaced, not doubled. */
	assert_int_equal(wgc_doc_set_hub(doc, &c, hkey, psk, &allowed, 1, "h:1"), 0);
	wgc_free(&c);
	assert_int_equal(wgc_from_doc(doc, WGC_SPOKE, &c, err), 0);
	assert_int_equal(c.n_peers, 2);
	assert_string_equal(c.hub->endpoint, "h:1");
	wgc_free(&c);
	cfg_free(doc);
}

static void test_load_file(void **state)
{
	char dir[] = "/tmp/wgx-test-XXXXXX", path[64], err[CFG_ERR_LEN];
	struct cfg_doc *doc;
	struct stat st;
	struct wgc c;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hub.conf", dir);
	assert_int_equal(wgc_load(path, WGC_HUB, NULL, &c, err), -ENOENT);
	doc = parse_meta(HUB_TEXT);
	assert_int_equal(cfg_write(doc, path, 0600, 0, err), 0);
	cfg_free(doc);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(wgc_load(path, WGC_HUB, &doc, &c, err), 0);
	assert_int_equal(c.n_peers, 2);
	wgc_free(&c);
	cfg_free(doc);
	unlink(path);
	rmdir(dir);
}

static void test_wg_dump(void **state)
{
	static const char dump[] =
		"PRIVATE\t" KEY1 "\t51820\toff\n"
		KEY2 "\t(none)\t203.0.113.2:8787\t10.120.0.2/32\t1700000000\t92\t212\t25\n"
		KEY3 "\t" PSK1 "\t(none)\t10.120.0.3/32\t0\t0\t0\toff\n";
	struct wgif_state st;
	const struct wgif_peer *p;
	uint8_t k[32];

	assert_int_equal(wgif_parse_dump(dump, &st), 0);
	assert_int_equal(st.listen_port, 51820);
	assert_int_equal(st.n_peers, 2);
	key_from_base64(k, KEY2);
	p = wgif_state_peer(&st, k);
	assert_non_null(p);
	assert_string_equal(p->endpoint, "203.0.113.2:8787");
	assert_int_equal(p->latest_handshake, 1700000000);
	assert_int_equal(p->rx_bytes, 92);
	assert_int_equal(p->tx_bytes, 212);
	assert_int_equal(p->keepalive, 25);
	assert_string_equal(st.peers[1].endpoint, "");
	assert_int_equal(st.peers[1].keepalive, 0);
	wgif_state_free(&st);
	assert_int_equal(wgif_parse_dump("", &st), -EINVAL);
	assert_int_equal(wgif_parse_dump("a\tb\n", &st), -EINVAL);
	assert_int_equal(wgif_parse_dump("PRIVATE\t" KEY1 "\t1\toff\nshort\tline\n", &st), -EINVAL);
}

static void test_routes(void **state)
{
	struct cfg_doc *doc;
	struct wgc c;
	struct cfg_cidr *v;
	size_t n, skipped;
	char err[CFG_ERR_LEN], buf[256];

	doc = parse_meta("[Interface]\nPrivateKey = " KEY1 "\nAddress = 10.120.0.3/16\n"
			 "[Peer]\n# wgx: Role = relay\nPublicKey = " KEY2
			 "\nAllowedIPs = 10.120.0.2/32\nEndpoint = r:1\n"
			 "[Peer]\n# wgx: Role = hub\nPublicKey = " KEY3
			 "\nAllowedIPs = 10.120.0.0/16, 192.168.1.0/24, 192.168.1.128/25, 0.0.0.0/0\n"
			 "AllowedIPs = fd00:1::/64\n");
	assert_int_equal(wgc_from_doc(doc, WGC_SPOKE, &c, err), 0);
	assert_int_equal(wgif_routes(&c, &v, &n, &skipped), 0);
	/* The tunnel network is the interface's own; /25 is inside /24. */
	wgc_cidrs_text(v, n, buf, sizeof(buf));
	assert_string_equal(buf, "192.168.1.0/24, fd00:1::/64");
	assert_int_equal(skipped, 1);
	free(v);
	wgc_free(&c);
	cfg_free(doc);
}

static void test_run(void **state)
{
	const char *cat[] = { "cat", NULL };
	const char *no[] = { "wgx-no-such-program", NULL };
	const char *fail[] = { "sh", "-c", "echo oops >&2; exit 3", NULL };
	char err[WGIF_ERR_LEN], *out, *big;
	size_t n = 1 << 20;

	/* A megabyte through a program and back: no deadlock. */
	big = malloc(n);
	memset(big, 'x', n);
	assert_int_equal(wgif_run(cat, big, n, &out, err), 0);
	assert_int_equal(strlen(out), n);
	free(out);
	free(big);
	assert_int_equal(wgif_run(no, NULL, 0, NULL, err), -ENOENT);
	assert_string_equal(err, "cannot run 'wgx-no-such-program': not found in PATH: install it");
	assert_int_equal(wgif_run(fail, NULL, 0, NULL, err), -EIO);
	assert_string_equal(err, "'sh -c echo oops >&2; exit 3' failed: oops");
}

/* Decode the half blocks back into modules and compare with libqrencode's. */
static void test_qr(void **state)
{
	const char *text = "[Interface]\nPrivateKey = " KEY1 "\n";
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_L);
	char *pic = qr_render(text, false), *line, *save = NULL;
	int m = qr_margin(q->width), w = q->width + 2 * m, y = 0;

	assert_non_null(pic);
	for (line = strtok_r(pic, "\n", &save); line; line = strtok_r(NULL, "\n", &save), y += 2) {
		const char *p = line;

		for (int x = 0; x < w; x++) {
			bool top, bottom;

			if (!strncmp(p, "\xe2\x96\x88", 3)) {
				top = bottom = true;
				p += 3;
			} else if (!strncmp(p, "\xe2\x96\x80", 3)) {
				top = true;
				bottom = false;
				p += 3;
			} else if (!strncmp(p, "\xe2\x96\x84", 3)) {
				top = false;
				bottom = true;
				p += 3;
			} else {
				assert_int_equal(*p, ' ');
				top = bottom = false;
				p++;
			}
			for (int k = 0; k < 2; k++) {
				int mx = x - m, my = y + k - m;
				bool light = k ? bottom : top;
				bool want = mx < 0 || my < 0 || mx >= q->width || my >= q->width ||
					    !(q->data[my * q->width + mx] & 1);

				assert_int_equal(light, want);
			}
		}
		assert_int_equal(*p, '\0');
	}
	assert_int_equal(y, (w + 1) / 2 * 2);
	free(pic);
	QRcode_free(q);
	assert_int_equal(qr_margin(21), 2);
	assert_int_equal(qr_margin(77), 1);
	/* Colour wraps each line. */
	pic = qr_render("x", true);
	assert_int_equal(strncmp(pic, "\x1b[40;97m", 8), 0);
	assert_non_null(strstr(pic, "\x1b[0m\n"));
	free(pic);
}

static void test_keyq(void **state)
{
	uint8_t q[CTRL_KEYQ_LEN], r[CTRL_KEYQ_LEN], key[32], want[32];

	assert_int_equal(ctrl_encode_keyq(q, sizeof(q) - 1, 7), 0);
	assert_int_equal(ctrl_encode_keyq(q, sizeof(q), 0x01020304), CTRL_KEYQ_LEN);
	/* "WXKQ", the nonce, zeros. */
	assert_memory_equal(q, "WXKQ\x04\x03\x02\x01", 8);
	for (size_t i = 8; i < sizeof(q); i++)
		assert_int_equal(q[i], 0);
	memset(r, 0, sizeof(r));
	memcpy(r, "WXKR\x04\x03\x02\x01", 8);
	key_from_base64(want, KEY2);
	memcpy(r + 8, want, 32);
	assert_int_equal(ctrl_decode_keyq_reply(r, sizeof(r), 0x01020304, key), 0);
	assert_memory_equal(key, want, 32);
	/* Wrong nonce, size, magic, padding; a zero key. */
	assert_int_equal(ctrl_decode_keyq_reply(r, sizeof(r), 0x01020305, key), -EBADMSG);
	assert_int_equal(ctrl_decode_keyq_reply(r, sizeof(r) - 1, 0x01020304, key), -EBADMSG);
	r[3] = 'Q';
	assert_int_equal(ctrl_decode_keyq_reply(r, sizeof(r), 0x01020304, key), -EBADMSG);
	r[3] = 'R';
	r[63] = 1;
	assert_int_equal(ctrl_decode_keyq_reply(r, sizeof(r), 0x01020304, key), -EBADMSG);
	r[63] = 0;
	memset(r + 8, 0, 32);
	assert_int_equal(ctrl_decode_keyq_reply(r, sizeof(r), 0x01020304, key), -EBADMSG);
}

/* A fake relay on 127.0.0.1 that answers key queries (after ignoring the
 * first one, so the client must resend). */
static void test_fetch_relay_key(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t slen = sizeof(sin);
	uint8_t key[32], want[32];
	char err[CTRL_ERR_LEN], from[80];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	pid_t pid;

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	key_from_base64(want, KEY3);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 2; i++) {
			uint8_t b[128];
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);
			ssize_t n = recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&ss, &sl);

			if (n != CTRL_KEYQ_LEN)
				_exit(1);
			if (i == 0)
				continue;
			memcpy(b, "WXKR", 4);
			memcpy(b + 8, want, 32);
			sendto(fd, b, CTRL_KEYQ_LEN, 0, (struct sockaddr *)&ss, sl);
		}
		_exit(0);
	}
	assert_int_equal(ctrl_fetch_relay_key("127.0.0.1", ntohs(sin.sin_port), 3000, key,
					      from, err), 0);
	assert_memory_equal(key, want, 32);
	waitpid(pid, NULL, 0);
	close(fd);
	/* Nothing listens: a timeout, said in one line. */
	assert_int_equal(ctrl_fetch_relay_key("127.0.0.1", ntohs(sin.sin_port), 300, key,
					      from, err), -ETIMEDOUT);
	assert_non_null(strstr(err, "did not answer within 0.3 s"));
	assert_int_equal(ctrl_fetch_relay_key("no-such-host.invalid", 1, 300, key, from, err),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meta_lines),
		cmocka_unit_test(test_meta_edit),
		cmocka_unit_test(test_hub_read),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_strip_and_spoke_text),
		cmocka_unit_test(test_new_docs),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_wg_dump),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_qr),
		cmocka_unit_test(test_keyq),
		cmocka_unit_test(test_fetch_relay_key),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
