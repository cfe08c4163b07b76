// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by `wgx hub` and `wgx spoke`. See node.h.
 */
#include "node.h"
#include "ctrl.h"
#include "term.h"
#include "wgif.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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
