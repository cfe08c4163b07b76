// SPDX-License-Identifier: GPL-2.0
/*
 * wgx hub ...: a hub's configuration (/etc/wgx/hub.conf: its key, tunnel
 * address, the relay as a peer, its spokes), its WireGuard interface, and
 * what it tells the relay over its tunnel (the in-tunnel control protocol,
 * ctrl.c): the set of its spokes, kept in line by `wgx hub watch`.
 */
#include "cli.h"
#include "cmds.h"
#include "ctrl.h"
#include "fmt.h"
#include "json.h"
#include "key.h"
#include "node.h"
#include "qr.h"
#include "term.h"
#include "wgconf.h"
#include "wgif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS	10000
#define MAX_TIMEOUT_MS		3600000
#define QUERY_TIMEOUT_MS	5000
#define WATCH_INTERVAL_MS	30000

static const struct option ctrl_opts[] = {
	{ "timeout", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* Seconds, fractions allowed, into milliseconds. */
static bool parse_timeout(const char *s, unsigned int *ms)
{
	return node_parse_seconds(s, ms);
}

/* Options common to both: --timeout, --json (when @json is not NULL). */
static int parse_ctrl_opts(const struct subcommand *self, int argc, char *argv[],
			   unsigned int *timeout_ms, bool *json)
{
	int ch;

	*timeout_ms = DEFAULT_TIMEOUT_MS;
	while ((ch = cli_getopt(self, argc, argv, "t:", ctrl_opts)) != -1) {
		switch (ch) {
		case 't':
			if (!parse_timeout(optarg, timeout_ms))
				return cli_usage(self, "--timeout: '%s' is not a number of seconds (at most 3600)",
						 optarg);
			break;
		case 'j':
			if (!json)
				return cli_usage(self, "no --json here");
			*json = true;
			break;
		default:
			return 1;
		}
	}
	return 0;
}

static int hub_set_peers(const struct subcommand *self, int argc, char *argv[])
{
	struct key_list keys = { 0 };
	struct ctrl_target target;
	struct ctrl_set_reply r;
	char err[CTRL_ERR_LEN];
	unsigned int timeout_ms;
	bool read_stdin = false;
	size_t dups;
	int ret = 1;

	if (parse_ctrl_opts(self, argc, argv, &timeout_ms, NULL))
		return 1;
	if (argc - optind < 2)
		return cli_usage(self, argc == optind ? "missing the relay's inner ADDRESS and the KEYs" :
				 "missing the KEYs (give '-' to read them from standard input)");
	if (!ctrl_parse_target(argv[optind], &target))
		return cli_usage(self, "'%s' is not ADDRESS[:PORT] with a numeric IPv4 or IPv6 address",
				 argv[optind]);
	for (int i = optind + 1; i < argc; i++) {
		uint8_t key[WGX_KEY_LEN];

		if (!strcmp(argv[i], "-")) {
			if (read_stdin) {
				cli_usage(self, "'-' given twice");
				goto out;
			}
			read_stdin = true;
			if (ctrl_read_keys(stdin, "stdin", &keys, err)) {
				die("%s", err);
				goto out;
			}
		} else if (!key_from_base64(key, argv[i])) {
			cli_usage(self, "'%s' is not a base64 public key", argv[i]);
			goto out;
		} else if (key_list_add(&keys, key)) {
			die("out of memory");
			goto out;
		}
	}
	dups = key_list_sort_unique(&keys);
	if (dups)
		fprintf(stderr, "%s: note: %zu repeated key%s sent once\n", prog_name,
			dups, fmt_plural(dups));
	if (keys.n > WGX_CTRL_MAX_SPOKES) {
		die("too many keys: %zu (the relay takes at most %u)", keys.n,
		    WGX_CTRL_MAX_SPOKES);
		goto out;
	}
	if (ctrl_set_spokes(&target, (const uint8_t (*)[32])keys.keys, keys.n,
			    timeout_ms, &r, err)) {
		die("%s", err);
		goto out;
	}
	if (r.error != WGX_CTRL_E_OK) {
		die("relay at %s refused the spokes: %s (%s)", target.text,
		    ctrl_error_name(r.error), ctrl_error_text(r.error));
		goto out;
	}
	if (r.applied != keys.n)
		printf("relay applied %u spoke%s (of %zu sent)\n", r.applied,
		       fmt_plural(r.applied), keys.n);
	else
		printf("relay applied %u spoke%s\n", r.applied, fmt_plural(r.applied));
	ret = fflush(stdout) ? die("cannot write the output: %m") : 0;
out:
	key_list_free(&keys);
	return ret;
}

static void print_status_human(const struct ctrl_target *t,
			       const struct ctrl_spoke *v, size_t n,
			       uint32_t total)
{
	time_t now = time(NULL);
	size_t online = 0;

	for (size_t i = 0; i < n; i++)
		online += !!(v[i].flags & WGX_CTRL_SPOKE_F_ONLINE);
	printf("%s%srelay%s: %s%s%s\n", term_bold(), term_green(), term_reset(),
	       term_green(), t->text, term_reset());
	term_field("spokes", "%u declared, %zu online", total, online);
	for (size_t i = 0; i < n; i++) {
		const struct ctrl_spoke *s = &v[i];
		bool on = s->flags & WGX_CTRL_SPOKE_F_ONLINE;
		char b64[WGX_KEY_B64_LEN], ep[FMT_ENDPOINT_LEN], ago[160];

		key_to_base64(b64, s->key);
		printf("\n%s%sspoke%s: %s%s%s\n", term_bold(), term_yellow(),
		       term_reset(), term_yellow(), b64, term_reset());
		term_field("status", "%s%s%s", on ? term_green() : term_red(),
			   on ? "online" : "offline", term_reset());
		if (s->family) {
			fmt_addr_port(ep, sizeof(ep), s->family, s->addr, s->port);
			term_field("endpoint", "%s", ep);
		}
		fmt_ago(ago, sizeof(ago), s->last_handshake, now, term_on());
		term_field("latest handshake", "%s", ago);
	}
}

static void print_status_json(const struct ctrl_target *t,
			      const struct ctrl_spoke *v, size_t n,
			      uint32_t total)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "relay", t->text);
	json_u64(&j, "total", total);
	json_array_begin(&j, "spokes");
	for (size_t i = 0; i < n; i++) {
		const struct ctrl_spoke *s = &v[i];
		char b64[WGX_KEY_B64_LEN], ep[FMT_ENDPOINT_LEN];

		json_object_begin(&j, NULL);
		key_to_base64(b64, s->key);
		json_string(&j, "public_key", b64);
		json_bool(&j, "online", s->flags & WGX_CTRL_SPOKE_F_ONLINE);
		if (s->family) {
			fmt_addr_port(ep, sizeof(ep), s->family, s->addr, s->port);
			json_string(&j, "endpoint", ep);
		} else {
			json_null(&j, "endpoint");
		}
		json_u64(&j, "latest_handshake", s->last_handshake / 1000000000ULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int hub_relay_status(const struct subcommand *self, int argc, char *argv[])
{
	struct ctrl_target target;
	struct ctrl_spoke *spokes;
	char err[CTRL_ERR_LEN];
	unsigned int timeout_ms;
	uint32_t total, relay_error;
	bool json = false;
	size_t n;

	if (parse_ctrl_opts(self, argc, argv, &timeout_ms, &json))
		return 1;
	if (argc == optind)
		return cli_usage(self, "missing the relay's inner ADDRESS");
	if (argc - optind > 1)
		return cli_usage(self, "unexpected argument '%s'", argv[optind + 1]);
	if (!ctrl_parse_target(argv[optind], &target))
		return cli_usage(self, "'%s' is not ADDRESS[:PORT] with a numeric IPv4 or IPv6 address",
				 argv[optind]);
	if (ctrl_query_all(&target, timeout_ms, &spokes, &n, &total,
			   &relay_error, err))
		return die("%s", err);
	if (json)
		print_status_json(&target, spokes, n, total);
	else
		print_status_human(&target, spokes, n, total);
	free(spokes);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}


/* ---- hub.conf commands ---------------------------------------------------- */

enum {
	OPT_LAN = NODE_OPT_OWN,
	OPT_LISTEN_PORT,
	OPT_NAME,
	OPT_QR,
	OPT_INTERVAL,
};

/* The control target: the relay's inner address, port 8787. */
static void relay_target(const struct wgc *c, struct ctrl_target *t)
{
	char a[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 2];
	struct cfg_addr ra;

	wgc_relay_address(c, &ra);	/* checked when the file was read */
	inet_ntop(ra.family, ra.addr, a, sizeof(a));
	snprintf(text, sizeof(text), ra.family == AF_INET6 ? "[%s]" : "%s", a);
	ctrl_parse_target(text, t);
}

/* The whole set of spokes to the relay. 0 with the answer, or a negative
 * errno with a message (-EPROTO: the relay refused). */
static int send_spokes(const struct wgc *c, unsigned int timeout_ms,
		       struct ctrl_set_reply *r, size_t *sent,
		       char err[CTRL_ERR_LEN])
{
	struct key_list keys = { 0 };
	struct ctrl_target t;
	int ret;

	relay_target(c, &t);
	if (wgc_spoke_keys(c, &keys)) {
		snprintf(err, CTRL_ERR_LEN, "out of memory");
		return -ENOMEM;
	}
	*sent = keys.n;
	ret = ctrl_set_spokes(&t, (const uint8_t (*)[32])keys.keys, keys.n,
			      timeout_ms, r, err);
	if (!ret && r->error != WGX_CTRL_E_OK) {
		snprintf(err, CTRL_ERR_LEN, "relay at %s refused the spokes: %s (%s)",
			 t.text, ctrl_error_name(r->error), ctrl_error_text(r->error));
		ret = -EPROTO;
	}
	key_list_free(&keys);
	return ret;
}

static void print_applied(FILE *f, const struct ctrl_set_reply *r, size_t sent)
{
	if (r->applied != sent)
		fprintf(f, "relay applied %u spoke%s (of %zu sent)\n", r->applied,
			fmt_plural(r->applied), sent);
	else
		fprintf(f, "relay applied %u spoke%s\n", r->applied,
			fmt_plural(r->applied));
}

/* After start, add-spoke, remove-spoke, reload: the relay learns the set.
 * A relay that does not answer is a warning: the hub is configured, and
 * `wgx hub watch` or `wgx hub sync` sends the set later. */
static void sync_after(const struct wgc *c, unsigned int timeout_ms, FILE *f)
{
	struct ctrl_set_reply r;
	char err[CTRL_ERR_LEN];
	size_t sent;

	if (send_spokes(c, timeout_ms, &r, &sent, err)) {
		fprintf(stderr, "%s: warning: the relay was not told: %s; 'wgx hub sync' (or a running 'wgx hub watch') tells it\n",
			prog_name, err);
		return;
	}
	print_applied(f, &r, sent);
	fflush(f);
}

static bool same_cidrs(const struct cfg_cidr *a, size_t na,
		       const struct cfg_cidr *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].a.family != b[i].a.family || a[i].prefix != b[i].prefix ||
		    memcmp(a[i].a.addr, b[i].a.addr, 16))
			return false;
	return true;
}

static const struct option init_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "relay-public-key", required_argument, NULL, NODE_OPT_RELAY_KEY },
	{ "address", required_argument, NULL, NODE_OPT_ADDRESS },
	{ "interface", required_argument, NULL, NODE_OPT_INTERFACE },
	{ "lan", required_argument, NULL, OPT_LAN },
	{ "listen-port", required_argument, NULL, OPT_LISTEN_PORT },
	{ "relay-address", required_argument, NULL, NODE_OPT_RELAY_ADDRESS },
	{ "userspace", no_argument, NULL, NODE_OPT_USERSPACE },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

static int hub_init(const struct subcommand *self, int argc, char *argv[])
{
	struct node_init in;
	struct cfg_cidr *lans = NULL, def;
	size_t n_lans = 0;
	uint16_t listen_port = 0;
	char err[CFG_ERR_LEN];
	uint8_t pub[WGX_KEY_LEN];
	int ch, ret = 1;

	node_init_begin(&in, WGC_HUB);
	while ((ch = cli_getopt(self, argc, argv, "c:t:", init_opts)) != -1) {
		switch (ch) {
		case OPT_LAN:
			if (!node_add_cidrs(self, "--lan", optarg, &lans, &n_lans))
				goto out;
			break;
		case OPT_LISTEN_PORT:
			if (!cfg_parse_port(optarg, &listen_port)) {
				cli_usage(self, "--listen-port: '%s' is not a port (1-65535)", optarg);
				goto out;
			}
			break;
		default:
			if (node_init_option(self, ch, &in))
				goto out;
		}
	}
	if (node_init_operand(self, argc, argv, &in))
		goto out;
	for (size_t i = 0; i < in.n_raddrs; i++)
		in.raddrs[i].prefix = in.raddrs[i].a.family == AF_INET ? 32 : 128;

	if (node_init_open(&in))
		goto out;
	if (!in.n_addrs && in.have_old) {
		in.addrs = malloc(in.old.n_addrs * sizeof(*in.addrs));
		if (!in.addrs) {
			die("out of memory");
			goto out;
		}
		memcpy(in.addrs, in.old.addrs, in.old.n_addrs * sizeof(*in.addrs));
		in.n_addrs = in.old.n_addrs;
	}
	if (!in.n_addrs) {
		cfg_parse_cidr(HUB_DEFAULT_ADDRESS, &def);
		in.addrs = malloc(sizeof(*in.addrs));
		if (!in.addrs) {
			die("out of memory");
			goto out;
		}
		in.addrs[0] = def;
		in.n_addrs = 1;
	}
	/* The relay's inner address: kept when the hub's addresses are, else
	 * the next host after the hub's. */
	if (!in.n_raddrs && in.have_old && same_cidrs(in.addrs, in.n_addrs, in.old.addrs, in.old.n_addrs)) {
		in.raddrs = calloc(in.old.relay->n_allowed + 1, sizeof(*in.raddrs));
		if (!in.raddrs) {
			die("out of memory");
			goto out;
		}
		for (size_t i = 0; i < in.old.relay->n_allowed; i++) {
			const struct cfg_cidr *x = &in.old.relay->allowed[i];

			if (x->prefix == (x->a.family == AF_INET ? 32u : 128u))
				in.raddrs[in.n_raddrs++] = *x;
		}
	}
	if (!in.n_raddrs) {
		free(in.raddrs);
		in.raddrs = calloc(in.n_addrs, sizeof(*in.raddrs));
		if (!in.raddrs) {
			die("out of memory");
			goto out;
		}
		for (size_t i = 0; i < in.n_addrs; i++) {
			struct cfg_cidr net;
			char a[64];

			wgc_network(&in.addrs[i], &net);
			in.raddrs[i].prefix = in.addrs[i].a.family == AF_INET ? 32 : 128;
			if (!wgc_addr_add(&in.addrs[i].a, 1, &in.raddrs[i].a) ||
			    !wgc_host_usable(&net, &in.raddrs[i].a)) {
				cfg_format_cidr(&in.addrs[i], a, sizeof(a));
				die("no room for the relay's inner address after %s: give --relay-address ADDRESS",
				    a);
				goto out;
			}
		}
		in.n_raddrs = in.n_addrs;
	}
	for (size_t i = 0; i < in.n_raddrs; i++) {
		bool inside = false;

		for (size_t j = 0; j < in.n_addrs; j++) {
			struct cfg_cidr net;

			wgc_network(&in.addrs[j], &net);
			inside |= wgc_cidr_covers(&net, &in.raddrs[i]);
			if (!memcmp(in.addrs[j].a.addr, in.raddrs[i].a.addr, 16) &&
			    in.addrs[j].a.family == in.raddrs[i].a.family) {
				die("--relay-address: that is the hub's own address");
				goto out;
			}
		}
		if (!inside) {
			char a[64];

			cfg_format_cidr(&in.raddrs[i], a, sizeof(a));
			die("the relay's inner address %s is outside the hub's tunnel network: give --address or --relay-address to match",
			    a);
			goto out;
		}
	}
	if (in.have_old) {
		/* The spokes stay: they must fit the (new) networks. */
		for (size_t i = 0; i < in.old.n_peers; i++) {
			const struct wgc_peer *p = &in.old.peers[i];

			if (p == in.old.relay)
				continue;
			for (size_t j = 0; j < p->n_allowed; j++) {
				const struct cfg_cidr *x = &p->allowed[j];
				bool fits = false;

				for (size_t k = 0; k < in.n_addrs && !fits; k++) {
					struct cfg_cidr net;

					wgc_network(&in.addrs[k], &net);
					fits = wgc_cidr_covers(&net, x);
				}
				for (size_t k = 0; k < in.n_raddrs; k++)
					if (x->a.family == in.raddrs[k].a.family &&
					    wgc_cidr_covers(x, &in.raddrs[k])) {
						die("the relay's inner address would be spoke %s's: give --relay-address",
						    p->name[0] ? p->name : "(unnamed)");
						goto out;
					}
				if (!fits && !same_cidrs(in.addrs, in.n_addrs, in.old.addrs, in.old.n_addrs) &&
				    x->prefix == (x->a.family == AF_INET ? 32u : 128u)) {
					char a[64];

					cfg_format_cidr(x, a, sizeof(a));
					die("spoke %s has %s, outside the new --address: remove it first (wgx hub remove-spoke)",
					    p->name[0] ? p->name : "(unnamed)", a);
					goto out;
				}
			}
		}
	}
	if (node_init_relay(&in))
		goto out;
	if (in.have_old) {
		struct cfg_section *iface = cfg_section(in.doc, "Interface", 0);
		char text[4096];

		if (node_init_update(&in))
			goto nomem;
		if (n_lans) {
			cfg_remove(iface, "Lan");
			wgc_cidrs_text(lans, n_lans, text, sizeof(text));
			if (cfg_set_meta(iface, "Lan", text))
				goto nomem;
		}
		if (listen_port) {
			snprintf(text, sizeof(text), "%u", listen_port);
			if (cfg_set(iface, "ListenPort", text))
				goto nomem;
		}
		if (wgc_doc_set_relay(in.doc, &in.old, &in.relay))
			goto nomem;
	} else {
		struct wgc_init init = {
			.lans = lans,
			.n_lans = n_lans,
			.listen_port = listen_port ? listen_port : HUB_DEFAULT_PORT,
		};

		if (node_init_new(&in, &init))
			goto nomem;
	}
	if (node_write(in.doc, in.path, WGC_HUB))
		goto out;
	{
		struct wgc c;
		char b64[WGX_KEY_B64_LEN], text[4096], ra[64];
		struct cfg_addr a;
		size_t nspokes;

		if (wgc_load(in.path, WGC_HUB, NULL, &c, err)) {
			die("%s", err);
			goto out;
		}
		key_public_from_private(pub, in.priv);
		key_to_base64(b64, pub);
		nspokes = c.n_peers - 1;
		printf("wrote %s (%s)\n", in.path, in.have_old ?
		       "kept its private key and spokes" : "with a new private key");
		term_field("public key", "%s", b64);
		term_field("interface", "%s", c.ifname);
		wgc_cidrs_text(c.addrs, c.n_addrs, text, sizeof(text));
		term_field("address", "%s", text);
		if (c.n_lans) {
			wgc_cidrs_text(c.lans, c.n_lans, text, sizeof(text));
			term_field("lan", "%s", text);
		}
		wgc_relay_address(&c, &a);
		inet_ntop(a.family, a.addr, ra, sizeof(ra));
		key_to_base64(b64, c.relay->public_key);
		term_field("relay", "%s, inner address %s, key %s", c.relay->endpoint, ra, b64);
		term_field("spokes", "%zu", nspokes);
		if (wgif_exists(c.ifname))
			printf("%s is running: 'wgx hub reload' applies the change\n", c.ifname);
		else
			printf("next: 'wgx hub add-spoke' for each spoke, then 'wgx hub start'\n");
		wgc_free(&c);
	}
	ret = fflush(stdout) ? die("cannot write the output: %m") : 0;
	goto out;
nomem:
	die("out of memory");
out:
	node_init_end(&in);
	free(lans);
	return ret;
}

/* -c FILE only. */
static const struct option conf_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

static int print_public_key(const struct wgc *c, const struct node_opts *o)
{
	char b64[WGX_KEY_B64_LEN];

	key_to_base64(b64, c->public_key);
	printf("%s\n", b64);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}

static int hub_public_key(const struct subcommand *self, int argc, char *argv[])
{
	struct node_opts o = { .path = HUB_CONF_DEFAULT };

	if (node_parse_opts(self, argc, argv, "c:", conf_opts, 0, &o))
		return 1;
	return node_run(&o, WGC_HUB, print_public_key);
}

static const struct option add_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "qr", no_argument, NULL, OPT_QR },
	{ "output", required_argument, NULL, 'o' },
	{ "no-sync", no_argument, NULL, NODE_OPT_NO_SYNC },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

static int hub_add_spoke(const struct subcommand *self, int argc, char *argv[])
{
	const char *path = HUB_CONF_DEFAULT, *name = NULL, *output = NULL;
	unsigned int timeout_ms = DEFAULT_TIMEOUT_MS;
	bool qr = false, no_sync = false, have_key = false, output_made = false;
	uint8_t key[WGX_KEY_LEN], priv[WGX_KEY_LEN], psk[WGX_KEY_LEN];
	char gen_name[WGC_NAME_MAX], err[CFG_ERR_LEN], b64[WGX_KEY_B64_LEN];
	struct cfg_cidr addrs[8];
	struct cfg_doc *doc = NULL;
	struct wgc c, c2;
	bool have_c = false, have_c2 = false;
	char *text = NULL, *pic = NULL;
	size_t len = 0;
	int ch, ret = 1, lock = -1;

	while ((ch = cli_getopt(self, argc, argv, "c:o:t:", add_opts)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case OPT_NAME:
			if (!wgc_name_valid(optarg))
				return cli_usage(self, "--name: '%s' is not a name (1-32 of A-Z a-z 0-9 _ - . @)",
						 optarg);
			name = optarg;
			break;
		case OPT_QR:
			qr = true;
			break;
		case 'o':
			output = optarg;
			break;
		case NODE_OPT_NO_SYNC:
			no_sync = true;
			break;
		case 't':
			if (!node_parse_seconds(optarg, &timeout_ms))
				return cli_usage(self, "--timeout: '%s' is not a number of seconds", optarg);
			break;
		default:
			return 1;
		}
	}
	if (argc - optind > 1)
		return cli_usage(self, "unexpected argument '%s'", argv[optind + 1]);
	if (argc - optind == 1) {
		if (!key_from_base64(key, argv[optind]))
			return cli_usage(self, "'%s' is not a base64 public key (44 characters, as 'wgx spoke public-key' prints)",
					 argv[optind]);
		have_key = true;
	}
	lock = node_lock(path);
	if (lock == -1)
		return 1;
	if (node_load(path, WGC_HUB, &doc, &c))
		goto out;
	have_c = true;
	if (have_key) {
		const struct wgc_peer *p = wgc_find_key(&c, key);

		if (key_equal(key, c.public_key)) {
			die("that is the hub's own public key, not a spoke's");
			goto out;
		}
		if (p == c.relay) {
			die("that is the relay's public key, not a spoke's");
			goto out;
		}
		if (p) {
			char a[64] = "";

			if (p->n_allowed)
				cfg_format_cidr(&p->allowed[0], a, sizeof(a));
			die("that key is already spoke %s (%s) in %s: 'wgx hub remove-spoke' it first to add it anew",
			    p->name[0] ? p->name : "(unnamed)", a, path);
			goto out;
		}
	}
	if (name && wgc_find_name(&c, name)) {
		die("there is a spoke named '%s' already: choose another --name", name);
		goto out;
	}
	if (!name) {
		for (unsigned int i = 1;; i++) {
			snprintf(gen_name, sizeof(gen_name), "spoke%u", i);
			if (!wgc_find_name(&c, gen_name))
				break;
		}
		name = gen_name;
	}
	if (c.n_addrs > 8) {
		die("the hub has more than 8 addresses");
		goto out;
	}
	if (wgc_alloc_spoke_addrs(&c, addrs, err)) {
		die("%s", err);
		goto out;
	}
	if (!have_key) {
		key_generate_private(priv);
		key_public_from_private(key, priv);
	}
	key_generate_preshared(psk);
	if (wgc_doc_add_spoke(doc, name, key, psk, addrs, c.n_addrs)) {
		die("out of memory");
		goto out;
	}
	if (wgc_from_doc(doc, WGC_HUB, &c2, err)) {
		die("internal error: %s", err);
		goto out;
	}
	have_c2 = true;
	text = wgc_spoke_text(&c2, have_key ? NULL : priv, psk, addrs, c.n_addrs, &len);
	if (!text) {
		die("out of memory");
		goto out;
	}
	if (qr) {
		pic = qr_render(text, term_color(stdout));
		if (!pic) {
			die("cannot make a QR code of the configuration: %m");
			goto out;
		}
	}
	/* The spoke's file first: if hub.conf cannot be written then, the
	 * spoke's goes again; nothing half done stays. */
	if (output) {
		if (cfg_write_atomic(output, text, len, 0600, CFG_WRITE_NOREPLACE, err)) {
			die("%s", err);
			goto out;
		}
		output_made = true;
	}
	if (node_write(doc, path, WGC_HUB)) {
		if (output_made)
			unlink(output);
		goto out;
	}
	if (fputs(pic ? pic : text, stdout) == EOF || fflush(stdout)) {
		die("cannot write the output: %m");
		goto out;
	}
	{
		char a[512];

		key_to_base64(b64, key);
		wgc_cidrs_text(addrs, c.n_addrs, a, sizeof(a));
		fprintf(stderr, "%s: added spoke %s: address %s, public key %s%s%s\n",
			prog_name, name, a, b64, output ? ", configuration in " : "",
			output ? output : "");
		if (have_key) {
			char allowed[4096], hub[WGX_KEY_B64_LEN];

			wgc_hub_allowed_text(&c2, allowed, sizeof(allowed));
			for (char *s = allowed, *d = allowed;; s++) {
				if (*s != ' ')
					*d++ = *s;
				if (!*s)
					break;
			}
			key_to_base64(hub, c2.public_key);
			fprintf(stderr,
				"%s: on the spoke, with wgx: put the PresharedKey above in a file only root\n"
				"%s: reads (e.g. psk), then run\n"
				"%s:   wgx spoke add-hub %s psk --address %s --allowed-ips %s\n",
				prog_name, prog_name, prog_name, hub, a, allowed);
		}
	}
	ret = 0;
	if (no_sync)
		goto out;
	if (!wgif_exists(c2.ifname)) {
		fprintf(stderr, "%s: the hub is not running: 'wgx hub start' brings %s up with this spoke\n",
			prog_name, c2.ifname);
		goto out;
	}
	if (wgif_sync(&c2, err)) {
		fprintf(stderr, "%s: warning: %s was not updated: %s; run 'wgx hub reload'\n",
			prog_name, c2.ifname, err);
		goto out;
	}
	sync_after(&c2, timeout_ms, stderr);
out:
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
	if (pic) {
		sodium_memzero(pic, strlen(pic));
		free(pic);
	}
	sodium_memzero(priv, sizeof(priv));
	sodium_memzero(psk, sizeof(psk));
	if (have_c)
		wgc_free(&c);
	if (have_c2)
		wgc_free(&c2);
	cfg_free(doc);
	if (lock >= 0)
		close(lock);
	return ret;
}

static const struct option sync_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "no-sync", no_argument, NULL, NODE_OPT_NO_SYNC },
	{ "userspace", no_argument, NULL, NODE_OPT_USERSPACE },
	{ NULL, 0, NULL, 0 }
};

/* -c FILE, --timeout S, and what @takes has of --no-sync, --userspace. */
static int parse_sync_opts(const struct subcommand *self, int argc, char *argv[],
			   unsigned int takes, struct node_opts *o)
{
	*o = (struct node_opts){ .path = HUB_CONF_DEFAULT, .timeout_ms = DEFAULT_TIMEOUT_MS };
	return node_parse_opts(self, argc, argv, "c:t:", sync_opts, takes, o);
}

static int hub_remove_spoke(const struct subcommand *self, int argc, char *argv[])
{
	const char *path;
	struct node_opts o;
	struct cfg_doc *doc = NULL;
	struct wgc c, c2;
	const struct wgc_peer *p;
	uint8_t key[WGX_KEY_LEN];
	char err[CFG_ERR_LEN], b64[WGX_KEY_B64_LEN], label[WGC_NAME_MAX + 60];
	int ret = 1, lock;

	if (parse_sync_opts(self, argc, argv, NODE_TAKES_NO_SYNC | NODE_TAKES_OPERANDS, &o))
		return 1;
	path = o.path;
	if (argc - optind != 1)
		return cli_usage(self, argc == optind ? "missing the spoke's PUBLIC-KEY or NAME" :
				 "unexpected argument '%s'", argv[optind + 1]);
	lock = node_lock(path);
	if (lock == -1)
		return 1;
	if (node_load(path, WGC_HUB, &doc, &c))
		goto out_lock;
	p = key_from_base64(key, argv[optind]) ? wgc_find_key(&c, key) :
	    wgc_find_name(&c, argv[optind]);
	if (!p) {
		die("no spoke '%s' in %s (see 'wgx hub list')", argv[optind], path);
		goto out;
	}
	if (p == c.relay) {
		die("that is the relay's peer, not a spoke: 'wgx hub init' replaces the relay");
		goto out;
	}
	key_to_base64(b64, p->public_key);
	snprintf(label, sizeof(label), "%s (%s)", p->name[0] ? p->name : "(unnamed)", b64);
	cfg_remove_section(doc, p->sec);
	if (wgc_from_doc(doc, WGC_HUB, &c2, err)) {
		die("internal error: %s", err);
		goto out;
	}
	if (node_write(doc, path, WGC_HUB)) {
		wgc_free(&c2);
		goto out;
	}
	printf("removed spoke %s\n", label);
	fflush(stdout);
	ret = 0;
	if (!o.no_sync && wgif_exists(c2.ifname)) {
		if (wgif_sync(&c2, err))
			fprintf(stderr, "%s: warning: %s was not updated: %s; run 'wgx hub reload'\n",
				prog_name, c2.ifname, err);
		else
			sync_after(&c2, o.timeout_ms, stdout);
	}
	wgc_free(&c2);
out:
	wgc_free(&c);
	cfg_free(doc);
out_lock:
	if (lock >= 0)
		close(lock);
	return ret;
}

static int tell_relay(const struct wgc *c, const struct node_opts *o)
{
	struct ctrl_set_reply r;
	char err[CTRL_ERR_LEN];
	size_t sent;

	if (!wgif_exists(c->ifname))
		return node_not_running(c);
	if (send_spokes(c, o->timeout_ms, &r, &sent, err))
		return die("%s", err);
	print_applied(stdout, &r, sent);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}

/* After start and reload: the relay learns the set, unless --no-sync. */
static int synced(const struct wgc *c, const struct node_opts *o, int ret)
{
	if (!ret && !o->no_sync)
		sync_after(c, o->timeout_ms, stdout);
	return ret;
}

static int start(const struct wgc *c, const struct node_opts *o)
{
	return synced(c, o, node_start(c, o->userspace, true));
}

static int reload(const struct wgc *c, const struct node_opts *o)
{
	return synced(c, o, node_reload(c));
}

static int stop(const struct wgc *c, const struct node_opts *o)
{
	return node_stop(c);
}

/* Parse sync_opts (with @takes), load, run @fn. */
static int hub_run(const struct subcommand *self, int argc, char *argv[],
		   unsigned int takes,
		   int (*fn)(const struct wgc *c, const struct node_opts *o))
{
	struct node_opts o;

	if (parse_sync_opts(self, argc, argv, takes, &o))
		return 1;
	return node_run(&o, WGC_HUB, fn);
}

static int hub_sync(const struct subcommand *self, int argc, char *argv[])
{
	return hub_run(self, argc, argv, 0, tell_relay);
}

static int hub_start(const struct subcommand *self, int argc, char *argv[])
{
	return hub_run(self, argc, argv, NODE_TAKES_NO_SYNC | NODE_TAKES_USERSPACE, start);
}

static int hub_reload(const struct subcommand *self, int argc, char *argv[])
{
	return hub_run(self, argc, argv, NODE_TAKES_NO_SYNC, reload);
}

static int hub_stop(const struct subcommand *self, int argc, char *argv[])
{
	return hub_run(self, argc, argv, 0, stop);
}

/* ---- list and status --------------------------------------------------------- */

struct relay_view {
	bool asked, ok;
	char err[CTRL_ERR_LEN];
	struct ctrl_target target;
	struct ctrl_spoke *spokes;
	size_t n;
	uint32_t total;
};

static void relay_view_get(const struct wgc *c, unsigned int timeout_ms,
			   struct relay_view *v)
{
	uint32_t relay_error;

	memset(v, 0, sizeof(*v));
	relay_target(c, &v->target);
	if (!wgif_exists(c->ifname)) {
		snprintf(v->err, sizeof(v->err), "not asked: %s is not up", c->ifname);
		return;
	}
	v->asked = true;
	v->ok = !ctrl_query_all(&v->target, timeout_ms, &v->spokes, &v->n,
				&v->total, &relay_error, v->err);
}

static const struct ctrl_spoke *relay_view_find(const struct relay_view *v,
						const uint8_t key[WGX_KEY_LEN])
{
	for (size_t i = 0; v->ok && i < v->n; i++)
		if (key_equal(v->spokes[i].key, key))
			return &v->spokes[i];
	return NULL;
}

static const struct option list_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static int parse_list_opts(const struct subcommand *self, int argc, char *argv[],
			   struct node_opts *o)
{
	*o = (struct node_opts){ .path = HUB_CONF_DEFAULT, .timeout_ms = QUERY_TIMEOUT_MS };
	return node_parse_opts(self, argc, argv, "c:t:", list_opts, NODE_TAKES_JSON, o);
}

static void spoke_addrs_text(const struct wgc_peer *p, char *buf, size_t len)
{
	wgc_cidrs_text(p->allowed, p->n_allowed, buf, len);
	if (!p->n_allowed)
		snprintf(buf, len, "(none)");
}

static void list_human(const struct wgc *c, const struct relay_view *v,
		       const struct wgif_state *st, bool up)
{
	time_t now = time(NULL);
	size_t online = 0, nspokes = c->n_peers - 1;

	for (size_t i = 0; v->ok && i < v->n; i++)
		online += !!(v->spokes[i].flags & WGX_CTRL_SPOKE_F_ONLINE);
	printf("%s%shub%s: %s%s%s (%s)\n", term_bold(), term_green(), term_reset(),
	       term_green(), c->ifname, term_reset(), up ? "up" : "down");
	if (v->ok)
		term_field("relay", "%s: %u spoke%s declared (of %zu), %zu online",
			   v->target.text, v->total, fmt_plural(v->total), nspokes, online);
	else
		term_field("relay", "%s: %s", v->target.text, v->err);
	if (!nspokes)
		printf("\nno spokes: add one with 'wgx hub add-spoke'\n");
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct wgc_peer *p = &c->peers[i];
		const struct ctrl_spoke *s;
		const struct wgif_peer *w;
		char b64[WGX_KEY_B64_LEN], text[512], ago[160], ep[FMT_ENDPOINT_LEN];

		if (p == c->relay)
			continue;
		key_to_base64(b64, p->public_key);
		printf("\n%s%sspoke%s: %s%s%s\n", term_bold(), term_yellow(), term_reset(),
		       term_yellow(), p->name[0] ? p->name : "(unnamed)", term_reset());
		term_field("public key", "%s", b64);
		spoke_addrs_text(p, text, sizeof(text));
		term_field("address", "%s", text);
		s = relay_view_find(v, p->public_key);
		if (!v->ok) {
			term_field("relay", "unknown");
		} else if (!s) {
			term_field("relay", "%snot declared%s ('wgx hub sync' declares it)",
				   term_red(), term_reset());
		} else {
			bool on = s->flags & WGX_CTRL_SPOKE_F_ONLINE;

			fmt_ago(ago, sizeof(ago), s->last_handshake, now, term_on());
			if (s->family)
				fmt_addr_port(ep, sizeof(ep), s->family, s->addr, s->port);
			else
				snprintf(ep, sizeof(ep), "none");
			term_field("relay", "%s%s%s, endpoint %s, latest handshake %s",
				   on ? term_green() : term_red(), on ? "online" : "offline",
				   term_reset(), ep, ago);
		}
		w = st ? wgif_state_peer(st, p->public_key) : NULL;
		if (w) {
			char rx[64], tx[64];

			fmt_ago(ago, sizeof(ago), w->latest_handshake * 1000000000ULL, now,
				term_on());
			fmt_bytes(rx, sizeof(rx), w->rx_bytes, term_on());
			fmt_bytes(tx, sizeof(tx), w->tx_bytes, term_on());
			term_field("hub", "latest handshake %s, %s received, %s sent", ago, rx, tx);
		}
	}
}

static void list_json(const struct wgc *c, const struct relay_view *v,
		      const struct wgif_state *st, bool up)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "interface", c->ifname);
	json_bool(&j, "up", up);
	json_object_begin(&j, "relay");
	json_string(&j, "address", v->target.text);
	json_string(&j, "endpoint", c->relay->endpoint);
	json_bool(&j, "answered", v->ok);
	if (v->ok)
		json_u64(&j, "total", v->total);
	else
		json_string(&j, "error", v->err);
	json_object_end(&j);
	json_array_begin(&j, "spokes");
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct wgc_peer *p = &c->peers[i];
		const struct ctrl_spoke *s;
		const struct wgif_peer *w;
		char b64[WGX_KEY_B64_LEN], a[64], ep[FMT_ENDPOINT_LEN];

		if (p == c->relay)
			continue;
		json_object_begin(&j, NULL);
		if (p->name[0])
			json_string(&j, "name", p->name);
		else
			json_null(&j, "name");
		key_to_base64(b64, p->public_key);
		json_string(&j, "public_key", b64);
		json_array_begin(&j, "addresses");
		for (size_t k = 0; k < p->n_allowed; k++) {
			cfg_format_cidr(&p->allowed[k], a, sizeof(a));
			json_string(&j, NULL, a);
		}
		json_array_end(&j);
		s = relay_view_find(v, p->public_key);
		if (!v->ok) {
			json_null(&j, "relay");
		} else {
			json_object_begin(&j, "relay");
			json_bool(&j, "declared", s != NULL);
			json_bool(&j, "online", s && (s->flags & WGX_CTRL_SPOKE_F_ONLINE));
			if (s && s->family) {
				fmt_addr_port(ep, sizeof(ep), s->family, s->addr, s->port);
				json_string(&j, "endpoint", ep);
			} else {
				json_null(&j, "endpoint");
			}
			json_u64(&j, "latest_handshake", s ? s->last_handshake / 1000000000ULL : 0);
			json_object_end(&j);
		}
		w = st ? wgif_state_peer(st, p->public_key) : NULL;
		if (!w) {
			json_null(&j, "hub");
		} else {
			json_object_begin(&j, "hub");
			if (w->endpoint[0])
				json_string(&j, "endpoint", w->endpoint);
			else
				json_null(&j, "endpoint");
			json_u64(&j, "latest_handshake", w->latest_handshake);
			json_u64(&j, "rx_bytes", w->rx_bytes);
			json_u64(&j, "tx_bytes", w->tx_bytes);
			json_object_end(&j);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int hub_list(const struct subcommand *self, int argc, char *argv[])
{
	const char *path;
	unsigned int timeout_ms;
	struct relay_view v;
	struct wgif_state st;
	char err[WGIF_ERR_LEN];
	bool json, up, have_st = false;
	struct node_opts o;
	struct wgc c;

	if (parse_list_opts(self, argc, argv, &o))
		return 1;
	path = o.path;
	timeout_ms = o.timeout_ms;
	json = o.json;
	if (node_load(path, WGC_HUB, NULL, &c))
		return 1;
	up = wgif_exists(c.ifname);
	if (up) {
		have_st = !wgif_show(c.ifname, &st, err);
		if (!have_st)
			fprintf(stderr, "%s: warning: %s\n", prog_name, err);
	}
	relay_view_get(&c, timeout_ms, &v);
	if (json)
		list_json(&c, &v, have_st ? &st : NULL, up);
	else
		list_human(&c, &v, have_st ? &st : NULL, up);
	free(v.spokes);
	if (have_st)
		wgif_state_free(&st);
	wgc_free(&c);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}

static int hub_status(const struct subcommand *self, int argc, char *argv[])
{
	const char *path, *kind;
	unsigned int timeout_ms;
	struct relay_view v;
	struct wgif_state st;
	char err[WGIF_ERR_LEN], text[512], b64[WGX_KEY_B64_LEN], ago[160];
	bool json, up, have_st = false;
	size_t online = 0, handshaken = 0, nspokes;
	struct cfg_addr ra;
	struct node_opts o;
	struct wgc c;
	time_t now = time(NULL);
	const struct wgif_peer *rw = NULL;

	if (parse_list_opts(self, argc, argv, &o))
		return 1;
	path = o.path;
	timeout_ms = o.timeout_ms;
	json = o.json;
	if (node_load(path, WGC_HUB, NULL, &c))
		return 1;
	nspokes = c.n_peers - 1;
	kind = wgif_kind(c.ifname);
	up = wgif_exists(c.ifname);
	if (up) {
		have_st = !wgif_show(c.ifname, &st, err);
		if (!have_st)
			fprintf(stderr, "%s: warning: %s\n", prog_name, err);
	}
	relay_view_get(&c, timeout_ms, &v);
	for (size_t i = 0; v.ok && i < v.n; i++)
		online += !!(v.spokes[i].flags & WGX_CTRL_SPOKE_F_ONLINE);
	if (have_st) {
		rw = wgif_state_peer(&st, c.relay->public_key);
		for (size_t i = 0; i < c.n_peers; i++) {
			const struct wgif_peer *w = wgif_state_peer(&st, c.peers[i].public_key);

			handshaken += &c.peers[i] != c.relay && w && w->latest_handshake;
		}
	}
	wgc_relay_address(&c, &ra);
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
		key_to_base64(b64, c.public_key);
		json_string(&j, "public_key", b64);
		json_u64(&j, "spokes", nspokes);
		json_u64(&j, "spokes_with_handshake", handshaken);
		json_object_begin(&j, "relay");
		json_string(&j, "endpoint", c.relay->endpoint);
		json_string(&j, "address", v.target.text);
		json_u64(&j, "latest_handshake", rw ? rw->latest_handshake : 0);
		json_bool(&j, "answered", v.ok);
		if (v.ok) {
			json_u64(&j, "declared", v.total);
			json_u64(&j, "online", online);
		} else {
			json_string(&j, "error", v.err);
		}
		json_object_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		printf("%s%shub%s: %s%s%s\n", term_bold(), term_green(), term_reset(),
		       term_green(), c.ifname, term_reset());
		if (up)
			term_field("state", "%sup%s (%s)", term_green(), term_reset(),
				   kind && !strcmp(kind, "userspace") ? "wireguard-go" :
				   kind ? "kernel WireGuard" : "not a WireGuard interface?");
		else
			term_field("state", "%sdown%s ('wgx hub start' brings it up)",
				   term_red(), term_reset());
		term_field("config", "%s", path);
		key_to_base64(b64, c.public_key);
		term_field("public key", "%s", b64);
		wgc_cidrs_text(c.addrs, c.n_addrs, text, sizeof(text));
		term_field("address", "%s", text);
		if (c.n_lans) {
			wgc_cidrs_text(c.lans, c.n_lans, text, sizeof(text));
			term_field("lan", "%s", text);
		}
		if (have_st && st.listen_port)
			term_field("listening port", "%u", st.listen_port);
		term_field("spokes", "%zu configured, %zu with a handshake", nspokes, handshaken);
		printf("\n%s%srelay%s: %s%s%s\n", term_bold(), term_yellow(), term_reset(),
		       term_yellow(), c.relay->endpoint, term_reset());
		key_to_base64(b64, c.relay->public_key);
		term_field("public key", "%s", b64);
		term_field("inner address", "%s", v.target.text);
		if (rw) {
			fmt_ago(ago, sizeof(ago), rw->latest_handshake * 1000000000ULL, now,
				term_on());
			term_field("latest handshake", "%s", ago);
		}
		if (v.ok)
			term_field("spokes", "%u declared, %zu online%s", v.total, online,
				   v.total != nspokes ? " (not the configured set: 'wgx hub sync')" : "");
		else
			term_field("answer", "%s", v.err);
	}
	free(v.spokes);
	if (have_st)
		wgif_state_free(&st);
	wgc_free(&c);
	if (fflush(stdout))
		return die("cannot write the output: %m");
	return up ? 0 : 3;
}

/* ---- watch --------------------------------------------------------------------- */

static volatile sig_atomic_t watch_stop;

static void on_stop(int sig)
{
	watch_stop = sig;
}

static void watch_log(char *last, size_t lastlen, bool always, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A time-stamped line on stdout, unless it says what the last one said. */
static void watch_log(char *last, size_t lastlen, bool always, const char *fmt, ...)
{
	char msg[1024], stamp[32];
	time_t now = time(NULL);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!always && !strcmp(msg, last))
		return;
	snprintf(last, lastlen, "%s", msg);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
	printf("%s %s\n", stamp, msg);
	fflush(stdout);
}

/* Whether the relay has exactly the configured set. */
static bool relay_in_line(const struct key_list *want, const struct ctrl_spoke *v,
			  size_t n, uint32_t total)
{
	if (total != want->n || n != want->n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!key_list_contains(want, v[i].key))
			return false;
	return true;
}

static const struct option watch_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "timeout", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

static int hub_watch(const struct subcommand *self, int argc, char *argv[])
{
	const char *path = HUB_CONF_DEFAULT;
	unsigned int interval_ms = WATCH_INTERVAL_MS, timeout_ms = 0;
	struct sigaction sa = { .sa_handler = on_stop };
	char last[1024] = "";
	bool lost = true;
	int ch;

	while ((ch = cli_getopt(self, argc, argv, "c:t:", watch_opts)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case OPT_INTERVAL:
			if (!node_parse_seconds(optarg, &interval_ms) || interval_ms < 100)
				return cli_usage(self, "--interval: '%s' is not a number of seconds (at least 0.1)",
						 optarg);
			break;
		case 't':
			if (!node_parse_seconds(optarg, &timeout_ms))
				return cli_usage(self, "--timeout: '%s' is not a number of seconds", optarg);
			break;
		default:
			return 1;
		}
	}
	if (optind < argc)
		return cli_usage(self, "unexpected argument '%s'", argv[optind]);
	if (!timeout_ms)
		timeout_ms = interval_ms < QUERY_TIMEOUT_MS ? QUERY_TIMEOUT_MS :
			     interval_ms > DEFAULT_TIMEOUT_MS ? DEFAULT_TIMEOUT_MS : interval_ms;
	{
		/* A first read, so that a wrong path fails at once. */
		struct wgc c;

		if (node_load(path, WGC_HUB, NULL, &c))
			return 1;
		wgc_free(&c);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	watch_log(last, sizeof(last), true,
		  "watching the relay for %s every %.1f s (answer timeout %.1f s)",
		  path, interval_ms / 1000.0, timeout_ms / 1000.0);
	while (!watch_stop) {
		char err[CFG_ERR_LEN > CTRL_ERR_LEN ? CFG_ERR_LEN : CTRL_ERR_LEN];
		struct key_list want = { 0 };
		struct ctrl_target t;
		struct ctrl_spoke *spokes = NULL;
		struct ctrl_set_reply r;
		uint32_t total, relay_error;
		size_t n, sent;
		struct wgc c;

		if (wgc_load(path, WGC_HUB, NULL, &c, err)) {
			watch_log(last, sizeof(last), false, "cannot read the configuration: %s", err);
			goto sleep;
		}
		relay_target(&c, &t);
		if (!wgif_exists(c.ifname)) {
			watch_log(last, sizeof(last), false, "%s is not up: waiting for 'wgx hub start'",
				  c.ifname);
			lost = true;
			goto next;
		}
		if (wgc_spoke_keys(&c, &want)) {
			watch_log(last, sizeof(last), false, "out of memory");
			goto next;
		}
		if (ctrl_query_all(&t, timeout_ms, &spokes, &n, &total, &relay_error, err)) {
			watch_log(last, sizeof(last), false, "%s", err);
			lost = true;
			goto next;
		}
		if (!lost && relay_in_line(&want, spokes, n, total)) {
			size_t online = 0;

			for (size_t i = 0; i < n; i++)
				online += !!(spokes[i].flags & WGX_CTRL_SPOKE_F_ONLINE);
			watch_log(last, sizeof(last), false,
				  "relay %s has the %zu spoke%s, %zu online", t.text, want.n,
				  fmt_plural(want.n), online);
			goto next;
		}
		watch_log(last, sizeof(last), true,
			  "relay %s answers with %u of the %zu spoke%s%s: sending the set",
			  t.text, total, want.n, fmt_plural(want.n),
			  lost ? " (first answer since a start or a silence)" : "");
		if (send_spokes(&c, timeout_ms, &r, &sent, err)) {
			watch_log(last, sizeof(last), true, "%s", err);
			lost = true;
			goto next;
		}
		watch_log(last, sizeof(last), true, "relay applied %u spoke%s", r.applied,
			  fmt_plural(r.applied));
		lost = false;
next:
		free(spokes);
		key_list_free(&want);
		wgc_free(&c);
sleep:
		{
			struct timespec ts = { interval_ms / 1000, (long)(interval_ms % 1000) * 1000000L };

			while (!watch_stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
	watch_log(last, sizeof(last), true, "stopped (signal %d)", (int)watch_stop);
	return 0;
}
#define TIMEOUT_OPTION \
	"       -t, --timeout SECONDS\n" \
	"              How long to wait for the relay's answer (default 10; fractions\n" \
	"              allowed). Requests are resent after 0.2, 0.4, 0.8... seconds.\n\n"

#define ADDRESS_TEXT \
	"       ADDRESS is the relay's inner address, as in the AllowedIPs of the\n" \
	"       relay's [Peer] section on this hub (by default 10.120.0.2), with an\n" \
	"       optional :PORT (default 8787; IPv6 as [ADDRESS]:PORT). The request\n" \
	"       goes inside the hub's WireGuard tunnel to the relay, so the relay\n" \
	"       knows which hub sends it.\n\n"

#define CONFIG_OPTION \
	"       -c, --config FILE\n" \
	"              The hub's configuration (default /etc/wgx/hub.conf).\n\n"

#define SYNC_TEXT \
	"       Then, when the hub is running, the relay is told the new set of spokes\n" \
	"       (as 'wgx hub sync'). A relay that does not answer in time is a warning,\n" \
	"       not an error: the configuration is in place, and 'wgx hub sync' or a\n" \
	"       running 'wgx hub watch' tells the relay later.\n\n"

#define SYNC_OPTIONS \
	"       --no-sync\n" \
	"              Do not tell the relay.\n\n" \
	"       -t, --timeout SECONDS\n" \
	"              How long to wait for the relay's answer (default 10).\n\n"

static struct subcommand subcommands[] = {
	{ "init", hub_init, "Write hub.conf: a key, the tunnel address, the relay as a peer",
	  "[-c FILE] [--relay-public-key KEY] [--address CIDR] [--lan CIDR]\n"
	  "              [--interface NAME] [--listen-port N] [--relay-address ADDRESS]\n"
	  "              [--userspace] [--timeout SECONDS] IP[:PORT]",
	  "DESCRIPTION\n"
	  "       Creates the hub's configuration for the relay at IP[:PORT] (a name or an\n"
	  "       address, IPv6 as [ADDRESS]:PORT; the port defaults to 8787): a new\n"
	  "       private key, the hub's tunnel address (default 10.120.0.1/16), and the\n"
	  "       relay as a [Peer] with Endpoint IP:PORT, PersistentKeepalive 25 and, as\n"
	  "       AllowedIPs, its inner address: the next host after the hub's\n"
	  "       (10.120.0.2), where the control requests of 'wgx hub sync' go.\n\n"
	  "       Without --relay-public-key the relay's key is asked from the relay\n"
	  "       itself, over UDP outside any tunnel (wgx's key query, resent for up to\n"
	  "       --timeout seconds). That answer is not authenticated: this is trust on\n"
	  "       first use, and the key is shown so that it can be compared with what\n"
	  "       'wgx relay public-key' prints on the relay.\n\n"
	  "       When the file exists, its private key and spokes are kept: the relay is\n"
	  "       replaced, and the options given change the rest. The file is written\n"
	  "       atomically with mode 0600; on any error nothing is written.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       --relay-public-key KEY\n"
	  "              The relay's public key (wgx relay public-key), not asked for.\n\n"
	  "       --address CIDR[,CIDR]\n"
	  "              The hub's tunnel address(es); spokes get addresses in the same\n"
	  "              network(s).\n\n"
	  "       --lan CIDR[,CIDR]\n"
	  "              Networks behind the hub that spokes reach through it: they are\n"
	  "              in the AllowedIPs of the configurations add-spoke prints. The\n"
	  "              hub routes (start turns on IP forwarding); hosts there need a\n"
	  "              route back to the tunnel network via the hub (on their router),\n"
	  "              or the hub masquerades, e.g. 'nft add rule ip nat postrouting\n"
	  "              ip saddr 10.120.0.0/16 oifname eth0 masquerade'.\n\n"
	  "       --interface NAME\n"
	  "              The WireGuard interface (default wgx-hub).\n\n"
	  "       --listen-port N\n"
	  "              The hub's UDP port (default 51820).\n\n"
	  "       --relay-address ADDRESS[,ADDRESS]\n"
	  "              The relay's inner address(es) instead of the next host.\n\n"
	  "       --userspace\n"
	  "              Always run wireguard-go, even where the kernel has WireGuard.\n\n"
	  "       -t, --timeout SECONDS\n"
	  "              How long to wait for the relay's key (default 10).\n\n"
	  "CONFIGURATION FILE FORMAT\n"
	  "       wg-quick's: [Interface] PrivateKey, Address, ListenPort, FwMark, MTU;\n"
	  "       a [Peer] per peer with PublicKey, PresharedKey, AllowedIPs, Endpoint,\n"
	  "       PersistentKeepalive. wgx's own settings are comment lines\n"
	  "       \"# wgx: Key = Value\", so that wg-quick and 'wg-quick strip | wg\n"
	  "       setconf' take the file as it is: in [Interface], Interface = NAME,\n"
	  "       Userspace = yes|no, Lan = CIDR[,CIDR]; in a [Peer], Role = relay (the\n"
	  "       relay's peer; every other one is a spoke) and Name = NAME. Unknown\n"
	  "       keys, repeated single keys and bad values are refused with the line.\n\n"
	  "           [Interface]\n"
	  "           # wgx: Lan = 192.168.1.0/24\n"
	  "           PrivateKey = ...\n"
	  "           Address = 10.120.0.1/16\n"
	  "           ListenPort = 51820\n\n"
	  "           [Peer]\n"
	  "           # wgx: Role = relay\n"
	  "           PublicKey = ...\n"
	  "           AllowedIPs = 10.120.0.2/32\n"
	  "           Endpoint = 203.0.113.2:8787\n"
	  "           PersistentKeepalive = 25\n\n"
	  "           [Peer]\n"
	  "           # wgx: Name = phone\n"
	  "           PublicKey = ...\n"
	  "           PresharedKey = ...\n"
	  "           AllowedIPs = 10.120.0.3/32\n", NULL },
	{ "add-spoke", hub_add_spoke, "Add a spoke and print its WireGuard configuration",
	  "[-c FILE] [--name NAME] [--qr] [-o FILE] [--no-sync] [--timeout SECONDS]\n"
	  "              [PUBLIC-KEY]",
	  "DESCRIPTION\n"
	  "       Without PUBLIC-KEY, makes a key pair for a new spoke (a phone, a\n"
	  "       laptop with only WireGuard); with it, registers a spoke that has its\n"
	  "       own key ('wgx spoke public-key' prints it there). Either way a new\n"
	  "       preshared key, and the lowest free address in the hub's tunnel\n"
	  "       network(s). The spoke goes into hub.conf as a [Peer] (atomically; on\n"
	  "       any error nothing changes).\n\n"
	  "       Prints the spoke's complete standard WireGuard configuration on\n"
	  "       standard output: [Interface] with its private key and address; the hub\n"
	  "       as [Peer], reached at the relay's endpoint, with the preshared key,\n"
	  "       AllowedIPs the hub's network(s) and LANs, keepalive 25; the relay as\n"
	  "       [Peer]. wg-quick, wg setconf (after wg-quick strip) and the WireGuard\n"
	  "       apps import it as it is. For a registered key, the [Interface] has no\n"
	  "       private key, and the 'wgx spoke add-hub' command to run on the spoke is\n"
	  "       printed on standard error. The hub does not keep a spoke's private key:\n"
	  "       save the output now.\n\n"
	  SYNC_TEXT
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       --name NAME\n"
	  "              The spoke's name, for list and remove-spoke (default spoke1,\n"
	  "              spoke2, ...; 1-32 of A-Z a-z 0-9 _ - . @).\n\n"
	  "       --qr\n"
	  "              Print the configuration as a QR code (Unicode half blocks, for\n"
	  "              a terminal; the WireGuard apps scan it) instead of text.\n\n"
	  "       -o, --output FILE\n"
	  "              Also write the configuration to FILE (mode 0600; not over an\n"
	  "              existing file).\n\n"
	  SYNC_OPTIONS, NULL },
	{ "remove-spoke", hub_remove_spoke, "Remove a spoke: from hub.conf, the interface and the relay",
	  "[-c FILE] [--no-sync] [--timeout SECONDS] PUBLIC-KEY|NAME",
	  "DESCRIPTION\n"
	  "       Removes the spoke from hub.conf (atomically) and, when the hub is\n"
	  "       running, from its interface; the relay then gets the set without it,\n"
	  "       and forwards nothing more between the spoke and the hub.\n\n"
	  SYNC_TEXT
	  "OPTIONS\n"
	  CONFIG_OPTION
	  SYNC_OPTIONS, NULL },
	{ "list", hub_list, "List the spokes, with what the relay and the hub see of each",
	  "[-c FILE] [--timeout SECONDS] [--json]",
	  "DESCRIPTION\n"
	  "       For each spoke: its name, public key and address; what the relay\n"
	  "       reports of it (declared or not, online, its endpoint, its latest\n"
	  "       handshake with the relay), asked in the hub's tunnel; and the hub's own\n"
	  "       latest handshake and transfer with it (wg show).\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       -t, --timeout SECONDS\n"
	  "              How long to wait for the relay (default 5).\n\n"
	  "       --json\n"
	  "              Print JSON: {\"interface\", \"up\", \"relay\": {\"address\", \"endpoint\",\n"
	  "              \"answered\", \"total\" or \"error\"}, \"spokes\": [{\"name\",\n"
	  "              \"public_key\", \"addresses\", \"relay\": {\"declared\", \"online\",\n"
	  "              \"endpoint\", \"latest_handshake\"} or null, \"hub\": {\"endpoint\",\n"
	  "              \"latest_handshake\", \"rx_bytes\", \"tx_bytes\"} or null}]}.\n", NULL },
	{ "sync", hub_sync, "Send the set of spokes to the relay and print what it applied",
	  "[-c FILE] [--timeout SECONDS]",
	  "DESCRIPTION\n"
	  "       Sends every spoke's public key in hub.conf to the relay, inside the\n"
	  "       hub's tunnel (the in-tunnel control protocol, as 'wgx hub set-peers'),\n"
	  "       resending until the relay answers or the timeout passes, and prints\n"
	  "       \"relay applied N spokes\". Exit status 1 when the relay refuses or does\n"
	  "       not answer.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       -t, --timeout SECONDS\n"
	  "              How long to wait for the relay (default 10).\n", NULL },
	{ "status", hub_status, "Show the hub: interface, relay, spokes",
	  "[-c FILE] [--timeout SECONDS] [--json]",
	  "DESCRIPTION\n"
	  "       The interface (up or down, kernel WireGuard or wireguard-go), the\n"
	  "       hub's key and addresses, the relay (latest handshake, how many spokes\n"
	  "       it has declared and online) and how many spokes have a handshake with\n"
	  "       the hub. Exit status 0 when the hub is up, 3 when it is down.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       -t, --timeout SECONDS\n"
	  "              How long to wait for the relay (default 5).\n\n"
	  "       --json\n"
	  "              Print JSON.\n", NULL },
	{ "start", hub_start, "Bring the hub's WireGuard interface up and tell the relay",
	  "[-c FILE] [--userspace] [--no-sync] [--timeout SECONDS]",
	  "DESCRIPTION\n"
	  "       Creates the interface ('ip link add NAME type wireguard'; when the\n"
	  "       kernel has no WireGuard, or with --userspace, 'wireguard-go NAME', as\n"
	  "       wg-quick does, or what WG_QUICK_USERSPACE_IMPLEMENTATION names), gives\n"
	  "       it its key, port and peers ('wg setconf NAME /dev/stdin' with the\n"
	  "       configuration stripped of wg-quick's and wgx's lines, on a pipe: no\n"
	  "       secret goes to a file), its addresses, MTU and routes (ip), turns on\n"
	  "       IP forwarding (the hub routes between spokes and its LANs), then tells\n"
	  "       the relay the set of spokes. If any step fails, the interface is\n"
	  "       removed again.\n\n"
	  "       Why wg and ip rather than netlink from wgx itself: 'wg' is the\n"
	  "       reference implementation of WireGuard's configuration and speaks both\n"
	  "       the kernel's netlink API and wireguard-go's UAPI socket, so kernel and\n"
	  "       userspace interfaces take one code path, exactly as wg-quick configures\n"
	  "       them; wgx's own netlink code stays for the relay.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       --userspace\n"
	  "              Use wireguard-go even where the kernel has WireGuard.\n\n"
	  SYNC_OPTIONS, NULL },
	{ "stop", hub_stop, "Remove the hub's WireGuard interface",
	  "[-c FILE]",
	  "DESCRIPTION\n"
	  "       Removes the interface (wireguard-go exits with it). The relay keeps the\n"
	  "       declared spokes; 'wgx hub start' declares them again.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION, NULL },
	{ "reload", hub_reload, "Apply hub.conf to the running interface, sessions kept",
	  "[-c FILE] [--no-sync] [--timeout SECONDS]",
	  "DESCRIPTION\n"
	  "       Applies hub.conf to the running interface like 'wg syncconf': peers\n"
	  "       added, removed or changed without dropping the live sessions of the\n"
	  "       others; missing addresses added, routes brought in line. Then tells the\n"
	  "       relay the set of spokes.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  SYNC_OPTIONS, NULL },
	{ "watch", hub_watch, "Keep the relay's routes right: re-send the spokes when needed",
	  "[-c FILE] [--interval SECONDS] [--timeout SECONDS]",
	  "DESCRIPTION\n"
	  "       Runs in the foreground (for a systemd service, or '&') and every\n"
	  "       --interval seconds asks the relay, in the tunnel, which spokes it has\n"
	  "       for this hub. It sends the whole set again when the relay's set is not\n"
	  "       the configured one (a relay restarted, a change made while it was\n"
	  "       away, an answer lost), and when the relay answers again after a\n"
	  "       silence. hub.conf is read anew each time, so add-spoke and\n"
	  "       remove-spoke need nothing else. One line per change of state, with the\n"
	  "       time, on standard output. SIGINT or SIGTERM ends it (exit status 0).\n\n"
	  "       After the relay restarts, the hub's WireGuard makes a new handshake\n"
	  "       with it once its requests go unanswered (about 15 s), and the next\n"
	  "       round re-sends the set. A systemd unit:\n\n"
	  "           [Service]\n"
	  "           ExecStart=/usr/bin/wgx hub watch\n"
	  "           Restart=always\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       --interval SECONDS\n"
	  "              Between rounds (default 30).\n\n"
	  "       -t, --timeout SECONDS\n"
	  "              How long to wait for each answer (default: the interval, between\n"
	  "              5 and 10).\n", NULL },
	{ "public-key", hub_public_key, "Print the hub's public key",
	  "[-c FILE]",
	  "DESCRIPTION\n"
	  "       Prints the public key of hub.conf's PrivateKey (base64, as wg pubkey).\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION, NULL },
	{ "set-peers", hub_set_peers, "Tell the relay a set of spokes by hand (no hub.conf)",
	  "[--timeout SECONDS] ADDRESS[:PORT] KEY... | -",
	  "DESCRIPTION\n"
	  "       Replaces, at the relay, the set of spokes (base64 public keys) this\n"
	  "       hub talks to through it; '-' reads further keys from standard input,\n"
	  "       one per line ('#' comments and blank lines skipped). An empty set\n"
	  "       (e.g. '- </dev/null') removes every route of the hub. The keys go in\n"
	  "       chunks of 32 and are resent until the relay answers; prints \"relay\n"
	  "       applied N spokes\", or the relay's refusal, with a non-zero exit\n"
	  "       status on refusal or when no answer comes in time. 'wgx hub sync'\n"
	  "       does the same with the spokes of hub.conf.\n\n"
	  ADDRESS_TEXT
	  "OPTIONS\n"
	  TIMEOUT_OPTION, NULL },
	{ "relay-status", hub_relay_status, "Show what the relay sees of this hub's spokes (no hub.conf)",
	  "[--timeout SECONDS] [--json] ADDRESS[:PORT]",
	  "DESCRIPTION\n"
	  "       Asks the relay, page by page, for the spokes this hub declared: for\n"
	  "       each its key, whether it is online, its endpoint and its latest\n"
	  "       handshake with the relay. 'wgx hub list' shows the same with names.\n\n"
	  ADDRESS_TEXT
	  "OPTIONS\n"
	  TIMEOUT_OPTION
	  "       --json\n"
	  "              Print JSON: {\"relay\", \"total\", \"spokes\": [{\"public_key\",\n"
	  "              \"online\", \"endpoint\" (or null), \"latest_handshake\" (seconds\n"
	  "              since the epoch, 0 = never)}]}.\n", NULL },
};

int hub_main(int argc, char *argv[])
{
	return cli_dispatch("hub",
			    "Configure a hub (/etc/wgx/hub.conf, a wg-quick file), run its WireGuard\n"
			    "interface, and declare its spokes to the relay.",
			    subcommands, sizeof(subcommands) / sizeof(subcommands[0]),
			    argc, argv);
}
