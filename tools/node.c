// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by `wgx hub` and `wgx spoke`. See node.h.
 */
#include "node.h"
#include "ctrl.h"
#include "fmt.h"
#include "term.h"
#include "wgif.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *kind_name(enum wgc_kind kind)
{
	return kind == WGC_HUB ? "hub" : "spoke";
}

bool node_parse_seconds(const char *s, unsigned int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.001) || v > 3600)
		return false;
	*ms = (unsigned int)(v * 1000 + 0.5);
	return true;
}

int node_parse_opts(const struct subcommand *self, int argc, char *argv[],
		    const char *shortopts, const struct option *longopts,
		    unsigned int takes, struct node_opts *o)
{
	int ch;

	while ((ch = cli_getopt(self, argc, argv, shortopts, longopts)) != -1) {
		switch (ch) {
		case 'c':
			o->path = optarg;
			break;
		case 't':
			if (!node_parse_seconds(optarg, &o->timeout_ms))
				return cli_usage(self, "--timeout: '%s' is not a number of seconds", optarg);
			break;
		case NODE_OPT_NO_SYNC:
			if (!(takes & NODE_TAKES_NO_SYNC))
				return cli_usage(self, "no --no-sync here");
			o->no_sync = true;
			break;
		case NODE_OPT_USERSPACE:
			if (!(takes & NODE_TAKES_USERSPACE))
				return cli_usage(self, "no --userspace here");
			o->userspace = true;
			break;
		case 'j':
			if (!(takes & NODE_TAKES_JSON))
				return cli_usage(self, "no --json here");
			o->json = true;
			break;
		default:
			return 1;
		}
	}
	if (!(takes & NODE_TAKES_OPERANDS) && optind < argc)
		return cli_usage(self, "unexpected argument '%s'", argv[optind]);
	return 0;
}

bool node_add_cidrs(const struct subcommand *self, const char *opt,
		    const char *arg, struct cfg_cidr **v, size_t *n)
{
	struct cfg_cidr *c, *nv;
	char why[256];
	size_t k;

	if (cfg_parse_cidr_list(arg, &c, &k, why, sizeof(why)) || !k) {
		free(c);
		cli_usage(self, "%s: %s", opt, k ? why : "give ADDRESS/PREFIX[,...]");
		return false;
	}
	nv = realloc(*v, (*n + k) * sizeof(*nv));
	if (!nv) {
		free(c);
		die("out of memory");
		return false;
	}
	*v = nv;
	memcpy(*v + *n, c, k * sizeof(*c));
	*n += k;
	free(c);
	return true;
}

int node_run(const struct node_opts *o, enum wgc_kind kind,
	     int (*fn)(const struct wgc *c, const struct node_opts *o))
{
	struct wgc c;
	int ret;

	if (node_load(o->path, kind, NULL, &c))
		return 1;
	ret = fn(&c, o);
	wgc_free(&c);
	return ret;
}

void node_init_begin(struct node_init *in, enum wgc_kind kind)
{
	memset(in, 0, sizeof(*in));
	in->kind = kind;
	in->path = kind == WGC_HUB ? HUB_CONF_DEFAULT : SPOKE_CONF_DEFAULT;
	in->timeout_ms = NODE_FETCH_TIMEOUT_MS;
	in->lock = -1;
}

static bool init_cidrs(const struct subcommand *self, const struct node_init *in,
		       const char *opt, const char *arg, struct cfg_cidr **v,
		       size_t *n)
{
	if (in->replace_cidrs) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return node_add_cidrs(self, opt, arg, v, n);
}

int node_init_option(const struct subcommand *self, int ch,
		     struct node_init *in)
{
	switch (ch) {
	case 'c':
		in->path = optarg;
		return 0;
	case 't':
		if (!node_parse_seconds(optarg, &in->timeout_ms))
			return cli_usage(self, "--timeout: '%s' is not a number of seconds", optarg);
		return 0;
	case NODE_OPT_RELAY_KEY:
		in->relay_key_arg = optarg;
		return 0;
	case NODE_OPT_ADDRESS:
		return !init_cidrs(self, in, "--address", optarg, &in->addrs,
				   &in->n_addrs);
	case NODE_OPT_RELAY_ADDRESS:
		return !init_cidrs(self, in, "--relay-address", optarg,
				   &in->raddrs, &in->n_raddrs);
	case NODE_OPT_INTERFACE:
		if (!wgc_ifname_valid(optarg))
			return cli_usage(self, "--interface: '%s' is not an interface name (1-15 of A-Z a-z 0-9 _ - . = +)",
					 optarg);
		in->ifname = optarg;
		return 0;
	case NODE_OPT_USERSPACE:
		in->userspace = true;
		return 0;
	default:
		return 1;
	}
}

int node_init_operand(const struct subcommand *self, int argc, char *argv[],
		      struct node_init *in)
{
	if (argc - optind != 1)
		return cli_usage(self, argc == optind ? "missing the relay's IP[:PORT]" :
				 "unexpected argument '%s'", argv[optind + 1]);
	if (!cfg_parse_endpoint(argv[optind], in->host, sizeof(in->host), &in->port,
				WGC_RELAY_PORT))
		return cli_usage(self, "'%s' is not the relay's IP[:PORT] (IPv6 as [ADDRESS]:PORT)",
				 argv[optind]);
	fmt_host_port(in->relay.endpoint, sizeof(in->relay.endpoint), in->host,
		      in->port);
	if (in->relay_key_arg && !key_from_base64(in->relay.public_key, in->relay_key_arg))
		return cli_usage(self, "--relay-public-key: '%s' is not a base64 public key",
				 in->relay_key_arg);
	return 0;
}

int node_init_open(struct node_init *in)
{
	char err[CFG_ERR_LEN];
	int ret;

	in->lock = node_lock(in->path);
	if (in->lock == -1)
		return 1;
	ret = wgc_load(in->path, in->kind, &in->doc, &in->old, err);
	if (ret && ret != -ENOENT)
		return die("%s: fix it, or remove the file to start over", err);
	in->have_old = !ret;
	return 0;
}

int node_init_relay(struct node_init *in)
{
	if (!in->relay_key_arg &&
	    node_relay_key(NULL, in->host, in->port, in->timeout_ms, in->relay.public_key))
		return 1;
	in->relay.addrs = in->raddrs;
	in->relay.n_addrs = in->n_raddrs;
	return 0;
}

int node_init_update(struct node_init *in)
{
	struct cfg_section *iface = cfg_section(in->doc, "Interface", 0);
	char text[4096];

	memcpy(in->priv, in->old.private_key, sizeof(in->priv));
	if (in->n_addrs) {
		wgc_cidrs_text(in->addrs, in->n_addrs, text, sizeof(text));
		if (cfg_set(iface, "Address", text))
			return -ENOMEM;
	}
	if ((in->ifname && cfg_set_meta(iface, "Interface", in->ifname)) ||
	    (in->userspace && cfg_set_meta(iface, "Userspace", "yes")))
		return -ENOMEM;
	return 0;
}

int node_init_new(struct node_init *in, struct wgc_init *init)
{
	init->kind = in->kind;
	init->private_key = in->priv;
	init->ifname = in->ifname;
	init->userspace = in->userspace;
	init->addrs = in->addrs;
	init->n_addrs = in->n_addrs;
	init->relay = in->relay;
	key_generate_private(in->priv);
	in->doc = wgc_new_doc(in->path, init);
	return in->doc ? 0 : -ENOMEM;
}

void node_init_end(struct node_init *in)
{
	if (in->have_old)
		wgc_free(&in->old);
	cfg_free(in->doc);
	free(in->addrs);
	free(in->raddrs);
	sodium_memzero(in->priv, sizeof(in->priv));
	if (in->lock >= 0)
		close(in->lock);
}

static bool is_default(const char *path, enum wgc_kind kind)
{
	return !strcmp(path, kind == WGC_HUB ? HUB_CONF_DEFAULT : SPOKE_CONF_DEFAULT);
}

int node_load(const char *path, enum wgc_kind kind, struct cfg_doc **doc,
	      struct wgc *c)
{
	char err[CFG_ERR_LEN];
	int ret = wgc_load(path, kind, doc, c, err);

	if (ret == -ENOENT) {
		if (is_default(path, kind))
			return die("%s does not exist: create it with 'wgx %s init RELAY-IP[:PORT]'",
				   path, kind_name(kind));
		return die("%s does not exist: create it with 'wgx %s init -c %s RELAY-IP[:PORT]'",
			   path, kind_name(kind), path);
	}
	if (ret)
		return die("%s", err);
	return 0;
}

int node_lock(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -2;	/* nothing to lock: the caller says why */
		die("cannot open %s: %m", dir);
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			die("cannot lock %s: %m", dir);
			close(fd);
			return -1;
		}
	}
	return fd;
}

int node_write(const struct cfg_doc *doc, const char *path, enum wgc_kind kind)
{
	char err[CFG_ERR_LEN];
	struct wgc check;

	if (wgc_from_doc(doc, kind, &check, err))
		return die("internal error: the new %s would not load: %s", path, err);
	wgc_free(&check);
	if (cfg_mkdir_parents(path, 0700, err) ||
	    cfg_write(doc, path, 0600, 0, err))
		return die("%s", err);
	return 0;
}

int node_relay_key(const char *given, const char *host, uint16_t port,
		   unsigned int timeout_ms, uint8_t key[WGX_KEY_LEN])
{
	char err[CTRL_ERR_LEN], from[80], b64[WGX_KEY_B64_LEN];

	if (given)
		return key_from_base64(key, given) ? 0 :
		       die("--relay-public-key: '%s' is not a base64 public key (44 characters, as 'wgx relay public-key' prints)",
			   given);
	fprintf(stderr, "%s: asking the relay at %s port %u for its public key...\n",
		prog_name, host, port);
	if (ctrl_fetch_relay_key(host, port, timeout_ms, key, from, err))
		return die("%s; or give the key with --relay-public-key KEY", err);
	key_to_base64(b64, key);
	fprintf(stderr,
		"%s: the relay at %s sent its public key over the network, unauthenticated:\n"
		"\n    %s\n\n"
		"  Trust on first use: compare it with what 'wgx relay public-key' prints on the\n"
		"  relay. If they differ, someone in between answered: run this again with\n"
		"  --relay-public-key KEY.\n",
		prog_name, from, b64);
	return 0;
}

/* "2 spokes and the relay", "the hub and the relay". */
static const char *peers_text(const struct wgc *c, char *buf, size_t len)
{
	size_t others = c->n_peers - 1 - (c->hub ? 1 : 0);

	if (c->kind == WGC_HUB)
		snprintf(buf, len, "%zu spoke%s and the relay", others,
			 others == 1 ? "" : "s");
	else if (!others)
		snprintf(buf, len, "%sthe relay", c->hub ? "the hub and " : "");
	else
		snprintf(buf, len, "%sthe relay and %zu other peer%s",
			 c->hub ? "the hub, " : "", others, others == 1 ? "" : "s");
	return buf;
}

int node_start(const struct wgc *c, bool userspace, bool forward)
{
	char err[WGIF_ERR_LEN], addrs[512], peers[64];
	const char *kind;

	if (wgif_exists(c->ifname))
		return die("%s is already up: 'wgx %s reload' applies the configuration to it, 'wgx %s stop' removes it",
			   c->ifname, kind_name(c->kind), kind_name(c->kind));
	if (wgif_up(c, userspace, forward, err))
		return die("cannot start %s: %s (nothing was left changed)", c->ifname, err);
	kind = wgif_kind(c->ifname);
	wgc_cidrs_text(c->addrs, c->n_addrs, addrs, sizeof(addrs));
	printf("%s is up (%s), address %s, %s%s\n", c->ifname,
	       kind && !strcmp(kind, "userspace") ? "wireguard-go" : "kernel WireGuard",
	       addrs[0] ? addrs : "none", peers_text(c, peers, sizeof(peers)),
	       forward ? ", IP forwarding on" : "");
	fflush(stdout);
	return 0;
}

int node_reload(const struct wgc *c)
{
	char err[WGIF_ERR_LEN], peers[64];

	if (!wgif_exists(c->ifname))
		return node_not_running(c);
	if (wgif_sync(c, err))
		return die("cannot apply the configuration to %s: %s", c->ifname, err);
	printf("%s: configuration applied (%s), sessions kept\n", c->ifname,
	       peers_text(c, peers, sizeof(peers)));
	fflush(stdout);
	return 0;
}

int node_stop(const struct wgc *c)
{
	char err[WGIF_ERR_LEN];

	if (!wgif_exists(c->ifname))
		return die("%s is not up: nothing to stop", c->ifname);
	if (wgif_down(c->ifname, err))
		return die("cannot remove %s: %s", c->ifname, err);
	printf("%s removed\n", c->ifname);
	return 0;
}

int node_not_running(const struct wgc *c)
{
	return die("%s is not up: start it with 'wgx %s start'", c->ifname,
		   kind_name(c->kind));
}
