// SPDX-License-Identifier: GPL-2.0
/*
 * wgx spoke ...: a spoke's configuration (/etc/wgx/spoke.conf: its key, the
 * relay as a peer, the hub as a peer reached at the relay's endpoint) and
 * its WireGuard interface.
 */
#include "cli.h"
#include "cmds.h"
#include "fmt.h"
#include "json.h"
#include "key.h"
#include "node.h"
#include "term.h"
#include "wgconf.h"
#include "wgif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_RELAY_ADDRESS	"10.120.0.2"

enum {
	OPT_ALLOWED_IPS = NODE_OPT_OWN,
	OPT_ENDPOINT,
};

/* A spoke's CIDR list option replaces what an earlier one gave. */
static bool parse_cidrs(const struct subcommand *self, const char *opt,
			const char *arg, struct cfg_cidr **v, size_t *n)
{
	free(*v);
	*v = NULL;
	*n = 0;
	return node_add_cidrs(self, opt, arg, v, n);
}

static const struct option init_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "relay-public-key", required_argument, NULL, NODE_OPT_RELAY_KEY },
	{ "relay-address", required_argument, NULL, NODE_OPT_RELAY_ADDRESS },
	{ "address", required_argument, NULL, NODE_OPT_ADDRESS },
	{ "interface", required_argument, NULL, NODE_OPT_INTERFACE },
	{ "userspace", no_argument, NULL, NODE_OPT_USERSPACE },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

static int spoke_init(const struct subcommand *self, int argc, char *argv[])
{
	struct node_init in;
	char err[CFG_ERR_LEN];
	int ch, ret = 1;

	node_init_begin(&in, WGC_SPOKE);
	in.replace_cidrs = true;
	while ((ch = cli_getopt(self, argc, argv, "c:t:", init_opts)) != -1)
		if (node_init_option(self, ch, &in))
			goto out;
	if (node_init_operand(self, argc, argv, &in))
		goto out;
	/* The relay's inner address: given, or the hub's default plan (the
	 * hub first, the relay next: network + 2). */
	if (!in.n_raddrs) {
		in.raddrs = calloc(in.n_addrs ? in.n_addrs : 1, sizeof(*in.raddrs));
		if (!in.raddrs) {
			die("out of memory");
			goto out;
		}
		if (!in.n_addrs) {
			cfg_parse_cidr(DEFAULT_RELAY_ADDRESS, &in.raddrs[0]);
			in.n_raddrs = 1;
		}
		for (size_t i = 0; i < in.n_addrs; i++) {
			struct cfg_cidr net;

			wgc_network(&in.addrs[i], &net);
			if (!wgc_addr_add(&net.a, 2, &in.raddrs[in.n_raddrs].a) ||
			    !wgc_host_usable(&net, &in.raddrs[in.n_raddrs].a))
				continue;
			in.n_raddrs++;
		}
	}
	for (size_t i = 0; i < in.n_raddrs; i++)
		in.raddrs[i].prefix = in.raddrs[i].a.family == AF_INET ? 32 : 128;

	if (node_init_open(&in) || node_init_relay(&in))
		goto out;
	if (in.have_old) {
		if (node_init_update(&in) ||
		    wgc_doc_set_relay(in.doc, &in.old, &in.relay))
			goto nomem;
		/* The hub is reached at the relay: follow it. */
		if (in.old.hub && cfg_set(in.old.hub->sec, "Endpoint", in.relay.endpoint))
			goto nomem;
	} else {
		struct wgc_init init = { 0 };

		if (node_init_new(&in, &init))
			goto nomem;
	}
	if (node_write(in.doc, in.path, WGC_SPOKE))
		goto out;
	{
		struct wgc c;
		char b64[WGX_KEY_B64_LEN], text[4096];

		if (wgc_load(in.path, WGC_SPOKE, NULL, &c, err)) {
			die("%s", err);
			goto out;
		}
		key_to_base64(b64, c.public_key);
		printf("wrote %s (%s)\n", in.path, in.have_old ? "kept its private key" :
		       "with a new private key");
		term_field("public key", "%s", b64);
		term_field("interface", "%s", c.ifname);
		wgc_cidrs_text(c.addrs, c.n_addrs, text, sizeof(text));
		term_field("address", "%s", c.n_addrs ? text : "(none yet: add-hub --address gives it)");
		key_to_base64(b64, c.relay->public_key);
		term_field("relay", "%s, key %s", c.relay->endpoint, b64);
		if (!c.hub)
			printf("next: on the hub, 'wgx hub add-spoke %s'; then here 'wgx spoke add-hub' as it says, and 'wgx spoke start'\n",
			       (key_to_base64(b64, c.public_key), b64));
		wgc_free(&c);
	}
	ret = fflush(stdout) ? die("cannot write the output: %m") : 0;
	goto out;
nomem:
	die("out of memory");
out:
	node_init_end(&in);
	return ret;
}

static const struct option conf_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "userspace", no_argument, NULL, NODE_OPT_USERSPACE },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* -c FILE, and --userspace / --json where @takes has them. */
static int parse_conf_opts(const struct subcommand *self, int argc, char *argv[],
			   unsigned int takes, struct node_opts *o)
{
	*o = (struct node_opts){ .path = SPOKE_CONF_DEFAULT };
	return node_parse_opts(self, argc, argv, "c:", conf_opts, takes, o);
}

/* Parse conf_opts (with @takes), load, run @fn. */
static int spoke_run(const struct subcommand *self, int argc, char *argv[],
		     unsigned int takes,
		     int (*fn)(const struct wgc *c, const struct node_opts *o))
{
	struct node_opts o;

	if (parse_conf_opts(self, argc, argv, takes, &o))
		return 1;
	return node_run(&o, WGC_SPOKE, fn);
}

static int print_public_key(const struct wgc *c, const struct node_opts *o)
{
	char b64[WGX_KEY_B64_LEN];

	key_to_base64(b64, c->public_key);
	printf("%s\n", b64);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}

static int spoke_public_key(const struct subcommand *self, int argc, char *argv[])
{
	return spoke_run(self, argc, argv, 0, print_public_key);
}

static const struct option add_hub_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "address", required_argument, NULL, NODE_OPT_ADDRESS },
	{ "allowed-ips", required_argument, NULL, OPT_ALLOWED_IPS },
	{ "endpoint", required_argument, NULL, OPT_ENDPOINT },
	{ NULL, 0, NULL, 0 }
};

static int spoke_add_hub(const struct subcommand *self, int argc, char *argv[])
{
	const char *path = SPOKE_CONF_DEFAULT, *endpoint = NULL;
	struct cfg_cidr *addrs = NULL, *allowed = NULL;
	size_t n_addrs = 0, n_allowed = 0;
	uint8_t key[WGX_KEY_LEN], psk[WGX_KEY_LEN];
	struct cfg_doc *doc = NULL;
	bool have_c = false;
	struct wgc c;
	char err[CFG_ERR_LEN];
	int ch, ret = 1, lock = -1, r;

	while ((ch = cli_getopt(self, argc, argv, "c:", add_hub_opts)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case NODE_OPT_ADDRESS:
			if (!parse_cidrs(self, "--address", optarg, &addrs, &n_addrs))
				goto out;
			break;
		case OPT_ALLOWED_IPS:
			if (!parse_cidrs(self, "--allowed-ips", optarg, &allowed, &n_allowed))
				goto out;
			break;
		case OPT_ENDPOINT: {
			char host[256];
			uint16_t port;

			if (!cfg_parse_endpoint(optarg, host, sizeof(host), &port, 0)) {
				cli_usage(self, "--endpoint: '%s' is not HOST:PORT (IPv6 as [ADDRESS]:PORT)",
					  optarg);
				goto out;
			}
			endpoint = optarg;
			break;
		}
		default:
			goto out;
		}
	}
	if (argc - optind != 2) {
		cli_usage(self, argc - optind < 2 ? "give the hub's PUBLIC-KEY and a PRESHARED-KEY-FILE" :
			  "unexpected argument '%s'", argv[optind + 2]);
		goto out;
	}
	if (!key_from_base64(key, argv[optind])) {
		cli_usage(self, "'%s' is not a base64 public key (44 characters, as 'wgx hub public-key' prints)",
			  argv[optind]);
		goto out;
	}
	r = key_read_file(psk, argv[optind + 1]);
	if (r == -EPERM) {
		die("%s is readable by others: 'chmod 600 %s', and make a new preshared key if others read it",
		    argv[optind + 1], argv[optind + 1]);
		goto out;
	}
	if (r == -EINVAL) {
		die("%s does not hold one base64 preshared key (44 characters, the PresharedKey 'wgx hub add-spoke' printed)",
		    argv[optind + 1]);
		goto out;
	}
	if (r) {
		die("cannot read the preshared key file %s: %s", argv[optind + 1], strerror(-r));
		goto out;
	}
	lock = node_lock(path);
	if (lock == -1)
		goto out;
	if (node_load(path, WGC_SPOKE, &doc, &c))
		goto out;
	have_c = true;
	if (key_equal(key, c.public_key)) {
		die("that is this spoke's own public key: give the hub's ('wgx hub public-key' on the hub)");
		goto out;
	}
	if (key_equal(key, c.relay->public_key)) {
		die("that is the relay's public key: give the hub's ('wgx hub public-key' on the hub)");
		goto out;
	}
	if (!n_addrs && !c.n_addrs) {
		die("this spoke has no tunnel address yet: give --address (the Address 'wgx hub add-spoke' printed for it)");
		goto out;
	}
	if (n_addrs) {
		char text[4096];

		wgc_cidrs_text(addrs, n_addrs, text, sizeof(text));
		if (cfg_set(cfg_section(doc, "Interface", 0), "Address", text)) {
			die("out of memory");
			goto out;
		}
	} else {
		n_addrs = c.n_addrs;
		addrs = malloc(n_addrs * sizeof(*addrs));
		if (!addrs) {
			die("out of memory");
			goto out;
		}
		memcpy(addrs, c.addrs, n_addrs * sizeof(*addrs));
	}
	if (!n_allowed) {
		/* The tunnel network(s) of the spoke's own address. */
		allowed = calloc(n_addrs, sizeof(*allowed));
		if (!allowed) {
			die("out of memory");
			goto out;
		}
		for (size_t i = 0; i < n_addrs; i++)
			wgc_network(&addrs[i], &allowed[i]);
		n_allowed = n_addrs;
	}
	if (wgc_doc_set_hub(doc, &c, key, psk, allowed, n_allowed,
			    endpoint ? endpoint : c.relay->endpoint)) {
		die("out of memory");
		goto out;
	}
	{
		struct wgc c2;

		/* Checked before writing: e.g. AllowedIPs that the relay's
		 * peer has too. */
		if (wgc_from_doc(doc, WGC_SPOKE, &c2, err)) {
			die("%s", err);
			goto out;
		}
		wgc_free(&c2);
	}
	if (node_write(doc, path, WGC_SPOKE))
		goto out;
	{
		char b64[WGX_KEY_B64_LEN], text[4096];

		key_to_base64(b64, key);
		wgc_cidrs_text(allowed, n_allowed, text, sizeof(text));
		printf("hub %s added: reached at %s (the relay), AllowedIPs %s\n", b64,
		       endpoint ? endpoint : c.relay->endpoint, text);
	}
	fflush(stdout);
	ret = 0;
	if (wgif_exists(c.ifname)) {
		struct wgc c2;

		if (node_load(path, WGC_SPOKE, NULL, &c2))
			ret = 1;
		else {
			ret = node_reload(&c2);
			wgc_free(&c2);
		}
	} else {
		printf("next: 'wgx spoke start'\n");
	}
out:
	sodium_memzero(psk, sizeof(psk));
	if (have_c)
		wgc_free(&c);
	cfg_free(doc);
	free(addrs);
	free(allowed);
	if (lock >= 0)
		close(lock);
	return ret;
}

static int start(const struct wgc *c, const struct node_opts *o)
{
	if (!c->n_addrs)
		return die("%s has no Address yet: 'wgx spoke add-hub ... --address' gives it", o->path);
	if (!c->hub)
		return die("%s has no hub yet: 'wgx spoke add-hub' adds it", o->path);
	return node_start(c, o->userspace, false);
}

static int stop(const struct wgc *c, const struct node_opts *o)
{
	return node_stop(c);
}

static int reload(const struct wgc *c, const struct node_opts *o)
{
	return node_reload(c);
}

static int spoke_start(const struct subcommand *self, int argc, char *argv[])
{
	return spoke_run(self, argc, argv, NODE_TAKES_USERSPACE, start);
}

static int spoke_stop(const struct subcommand *self, int argc, char *argv[])
{
	return spoke_run(self, argc, argv, 0, stop);
}

static int spoke_reload(const struct subcommand *self, int argc, char *argv[])
{
	return spoke_run(self, argc, argv, 0, reload);
}

static void peer_fields(const char *what, const struct wgc_peer *p,
			const struct wgif_state *st, bool json, struct json *j)
{
	const struct wgif_peer *w = st ? wgif_state_peer(st, p->public_key) : NULL;
	char b64[WGX_KEY_B64_LEN], text[1024], ago[160], rx[64], tx[64];
	time_t now = time(NULL);

	key_to_base64(b64, p->public_key);
	wgc_cidrs_text(p->allowed, p->n_allowed, text, sizeof(text));
	if (json) {
		json_object_begin(j, what);
		json_string(j, "public_key", b64);
		json_string(j, "endpoint", p->endpoint);
		json_u64(j, "latest_handshake", w ? w->latest_handshake : 0);
		json_u64(j, "rx_bytes", w ? w->rx_bytes : 0);
		json_u64(j, "tx_bytes", w ? w->tx_bytes : 0);
		json_object_end(j);
		return;
	}
	printf("\n%s%s%s%s: %s%s%s\n", term_bold(), term_yellow(), what, term_reset(),
	       term_yellow(), b64, term_reset());
	term_field("endpoint", "%s%s", p->endpoint,
		   p->role == WGC_ROLE_HUB ? " (the relay)" : "");
	term_field("allowed ips", "%s", p->n_allowed ? text : "(none)");
	if (w) {
		fmt_ago(ago, sizeof(ago), w->latest_handshake * 1000000000ULL, now, term_on());
		term_field("latest handshake", "%s", ago);
		fmt_bytes(rx, sizeof(rx), w->rx_bytes, term_on());
		fmt_bytes(tx, sizeof(tx), w->tx_bytes, term_on());
		term_field("transfer", "%s received, %s sent", rx, tx);
	}
}

static int spoke_status(const struct subcommand *self, int argc, char *argv[])
{
	const char *path, *kind;
	struct wgif_state st;
	char err[WGIF_ERR_LEN], text[1024], b64[WGX_KEY_B64_LEN];
	bool json, up, have_st = false;
	struct node_opts o;
	struct wgc c;

	if (parse_conf_opts(self, argc, argv, NODE_TAKES_JSON, &o))
		return 1;
	path = o.path;
	json = o.json;
	if (node_load(path, WGC_SPOKE, NULL, &c))
		return 1;
	up = wgif_exists(c.ifname);
	kind = wgif_kind(c.ifname);
	if (up) {
		have_st = !wgif_show(c.ifname, &st, err);
		if (!have_st)
			fprintf(stderr, "%s: warning: %s\n", prog_name, err);
	}
	key_to_base64(b64, c.public_key);
	wgc_cidrs_text(c.addrs, c.n_addrs, text, sizeof(text));
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "interface", c.ifname);
		json_bool(&j, "up", up);
		if (up)
			json_string(&j, "kind", kind ? kind : "other");
		else
			json_null(&j, "kind");
		json_string(&j, "config", path);
		json_string(&j, "public_key", b64);
		json_string(&j, "address", text);
		if (c.hub)
			peer_fields("hub", c.hub, have_st ? &st : NULL, true, &j);
		else
			json_null(&j, "hub");
		peer_fields("relay", c.relay, have_st ? &st : NULL, true, &j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		printf("%s%sspoke%s: %s%s%s\n", term_bold(), term_green(), term_reset(),
		       term_green(), c.ifname, term_reset());
		if (up)
			term_field("state", "%sup%s (%s)", term_green(), term_reset(),
				   kind && !strcmp(kind, "userspace") ? "wireguard-go" :
				   kind ? "kernel WireGuard" : "not a WireGuard interface?");
		else
			term_field("state", "%sdown%s ('wgx spoke start' brings it up)",
				   term_red(), term_reset());
		term_field("config", "%s", path);
		term_field("public key", "%s", b64);
		term_field("address", "%s", c.n_addrs ? text : "(none)");
		if (c.hub)
			peer_fields("hub", c.hub, have_st ? &st : NULL, false, NULL);
		else
			printf("\nno hub yet: 'wgx spoke add-hub' adds it\n");
		peer_fields("relay", c.relay, have_st ? &st : NULL, false, NULL);
	}
	if (have_st)
		wgif_state_free(&st);
	wgc_free(&c);
	if (fflush(stdout))
		return die("cannot write the output: %m");
	return up ? 0 : 3;
}

#define CONFIG_OPTION \
	"       -c, --config FILE\n" \
	"              The spoke's configuration (default /etc/wgx/spoke.conf).\n\n"

static struct subcommand subcommands[] = {
	{ "init", spoke_init, "Write spoke.conf: a key and the relay as a peer",
	  "[-c FILE] [--relay-public-key KEY] [--address CIDR] [--relay-address ADDRESS]\n"
	  "              [--interface NAME] [--userspace] [--timeout SECONDS] IP[:PORT]",
	  "DESCRIPTION\n"
	  "       Creates the spoke's configuration for the relay at IP[:PORT] (a name or\n"
	  "       an address, IPv6 as [ADDRESS]:PORT; port 8787 by default): a new private\n"
	  "       key and the relay as a [Peer] (Endpoint IP:PORT, PersistentKeepalive\n"
	  "       25, AllowedIPs its inner address, 10.120.0.2 by default). Its handshakes\n"
	  "       with the relay open this spoke's NAT and tell the relay where it is.\n"
	  "       Without --relay-public-key the relay's key is asked from the relay, as\n"
	  "       for 'wgx hub init': trust on first use, shown for comparison with\n"
	  "       'wgx relay public-key'. An existing file keeps its private key and hub.\n\n"
	  "       Next, 'wgx spoke public-key' gives the key to register on the hub\n"
	  "       ('wgx hub add-spoke KEY'), which answers with this spoke's address and\n"
	  "       the preshared key for 'wgx spoke add-hub'.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       --relay-public-key KEY\n"
	  "              The relay's public key, not asked for.\n\n"
	  "       --address CIDR[,CIDR]\n"
	  "              This spoke's tunnel address, when already known.\n\n"
	  "       --relay-address ADDRESS[,ADDRESS]\n"
	  "              The relay's inner address (default: the second host of\n"
	  "              --address's network, else 10.120.0.2).\n\n"
	  "       --interface NAME\n"
	  "              The WireGuard interface (default wgx-spoke).\n\n"
	  "       --userspace\n"
	  "              Always run wireguard-go.\n\n"
	  "       -t, --timeout SECONDS\n"
	  "              How long to wait for the relay's key (default 10).\n", NULL },
	{ "public-key", spoke_public_key, "Print the spoke's public key",
	  "[-c FILE]",
	  "DESCRIPTION\n"
	  "       Prints the public key of spoke.conf's PrivateKey, for 'wgx hub\n"
	  "       add-spoke KEY' on the hub.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION, NULL },
	{ "add-hub", spoke_add_hub, "Add the hub, reached through the relay",
	  "[-c FILE] [--address CIDR] [--allowed-ips CIDR,...] [--endpoint HOST:PORT]\n"
	  "              PUBLIC-KEY PRESHARED-KEY-FILE",
	  "DESCRIPTION\n"
	  "       Adds the hub (its base64 PUBLIC-KEY, 'wgx hub public-key') as a [Peer]\n"
	  "       whose Endpoint is the relay's: the relay forwards this spoke's packets\n"
	  "       to the hub without decrypting them. PRESHARED-KEY-FILE holds the\n"
	  "       PresharedKey 'wgx hub add-spoke' printed for this spoke (a file others\n"
	  "       cannot read). AllowedIPs: the network of this spoke's address, or\n"
	  "       --allowed-ips (add the hub's LANs there). A hub already there is\n"
	  "       replaced; a running spoke is updated at once (as reload).\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       --address CIDR[,CIDR]\n"
	  "              This spoke's tunnel address, as 'wgx hub add-spoke' printed it.\n\n"
	  "       --allowed-ips CIDR[,CIDR]\n"
	  "              What goes to the hub (default: the tunnel network).\n\n"
	  "       --endpoint HOST:PORT\n"
	  "              Where the hub is reached (default: the relay's endpoint).\n", NULL },
	{ "start", spoke_start, "Bring the spoke's WireGuard interface up",
	  "[-c FILE] [--userspace]",
	  "DESCRIPTION\n"
	  "       Creates the interface (kernel WireGuard; wireguard-go when the kernel\n"
	  "       has none, or with --userspace), gives it its keys and peers ('wg\n"
	  "       setconf' on a pipe), addresses and routes (ip) for the hub's AllowedIPs,\n"
	  "       as wg-quick does; see 'wgx hub start --help'. On failure the interface\n"
	  "       is removed again.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       --userspace\n"
	  "              Use wireguard-go even where the kernel has WireGuard.\n", NULL },
	{ "stop", spoke_stop, "Remove the spoke's WireGuard interface",
	  "[-c FILE]",
	  "DESCRIPTION\n"
	  "       Removes the interface (wireguard-go exits with it).\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION, NULL },
	{ "reload", spoke_reload, "Apply spoke.conf to the running interface, sessions kept",
	  "[-c FILE]",
	  "DESCRIPTION\n"
	  "       Like 'wg syncconf': peers changed without dropping live sessions,\n"
	  "       missing addresses added, routes brought in line.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION, NULL },
	{ "status", spoke_status, "Show the spoke: interface, hub and relay",
	  "[-c FILE] [--json]",
	  "DESCRIPTION\n"
	  "       The interface (up or down, kernel WireGuard or wireguard-go), the\n"
	  "       spoke's key and address, and for the hub and the relay: endpoint,\n"
	  "       latest handshake, transfer. Exit status 0 when up, 3 when down.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       --json\n"
	  "              Print JSON.\n", NULL },
};

int spoke_main(int argc, char *argv[])
{
	return cli_dispatch("spoke",
			    "Configure a spoke (/etc/wgx/spoke.conf, a wg-quick file) that reaches its\n"
			    "hub through the relay, and run its WireGuard interface.",
			    subcommands, sizeof(subcommands) / sizeof(subcommands[0]),
			    argc, argv);
}
