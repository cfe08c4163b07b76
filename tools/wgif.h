/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The WireGuard interface of a hub or spoke, driven through the reference
 * tools: `ip` (iproute2) for the link, its addresses and routes, and `wg`
 * (wireguard-tools) for keys and peers, with the configuration handed over
 * on a pipe (`wg setconf IFNAME /dev/stdin`), never in a file. `wg` speaks
 * the kernel's WireGuard netlink API and wireguard-go's UAPI socket alike,
 * so one code path serves both; when `ip link add type wireguard` fails (no
 * kernel WireGuard) or when asked, `wireguard-go IFNAME` makes the
 * interface, as wg-quick does.
 *
 * The pure parts (parsing `wg show IFNAME dump`, which routes an interface
 * needs) are separate from the ones that run programs.
 */
#ifndef _WGX_WGIF_H
#define _WGX_WGIF_H

#include "config.h"
#include "key.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wgc;

#define WGIF_ERR_LEN 512

/* Run @argv (looked up in PATH) with @in (may be NULL) on its standard
 * input, its output into *out (malloc'd, NUL-terminated; NULL: not
 * captured) and its standard error kept for the message. Returns 0, or a
 * negative errno with a one-line message in @err: -ENOENT when the program
 * is not installed, -EIO when it failed (its first line of errors
 * quoted). */
int wgif_run(const char *const argv[], const void *in, size_t inlen,
	     char **out, char err[WGIF_ERR_LEN]);

/* Whether @ifname exists in this network namespace. */
bool wgif_exists(const char *ifname);
/* "kernel" (kernel WireGuard), "userspace" (a tun device: wireguard-go),
 * or NULL when it does not exist or is something else. */
const char *wgif_kind(const char *ifname);

/* The interface, configured and up: created (kernel WireGuard, else
 * wireguard-go unless @c->userspace or @userspace ask for it at once),
 * given @c's keys and peers, addresses, MTU and routes; with @forward, IP
 * forwarding is turned on. On failure the interface is removed again and
 * nothing is left changed. 0 or a negative errno with a message. */
int wgif_up(const struct wgc *c, bool userspace, bool forward,
	    char err[WGIF_ERR_LEN]);
/* Apply @c to the running interface without disturbing live sessions (`wg
 * syncconf`): peers added, removed and changed, missing addresses added,
 * routes brought in line. */
int wgif_sync(const struct wgc *c, char err[WGIF_ERR_LEN]);
/* Remove the interface (wireguard-go exits with it). */
int wgif_down(const char *ifname, char err[WGIF_ERR_LEN]);

/* What `wg show IFNAME dump` reports. */
struct wgif_peer {
	uint8_t public_key[WGX_KEY_LEN];
	char endpoint[80];		/* "" when none */
	uint64_t latest_handshake;	/* seconds since the epoch, 0 never */
	uint64_t rx_bytes, tx_bytes;
	uint16_t keepalive;
};

struct wgif_state {
	uint8_t public_key[WGX_KEY_LEN];
	uint16_t listen_port;
	struct wgif_peer *peers;
	size_t n_peers;
};

/* Parse the text of `wg show IFNAME dump` (the private and preshared keys
 * in it are skipped, never kept). 0, -EINVAL or -ENOMEM. */
int wgif_parse_dump(const char *text, struct wgif_state *st);
/* Run it and parse it. 0 or a negative errno with a message. */
int wgif_show(const char *ifname, struct wgif_state *st, char err[WGIF_ERR_LEN]);
void wgif_state_free(struct wgif_state *st);
const struct wgif_peer *wgif_state_peer(const struct wgif_state *st,
					 const uint8_t key[WGX_KEY_LEN]);

/* The routes @c needs besides the interface's own networks: every
 * AllowedIPs CIDR of every peer that no Address covers, each once, without
 * default routes (0.0.0.0/0, ::/0: *skipped counts them). Malloc'd into
 * *v; 0 or -ENOMEM. */
int wgif_routes(const struct wgc *c, struct cfg_cidr **v, size_t *n,
		size_t *skipped);

#endif /* _WGX_WGIF_H */
