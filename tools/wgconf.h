/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hub.conf and spoke.conf: wg-quick files with wgx's own settings in
 * "# wgx: Key = Value" comment lines (config.h, CFG_PARSE_META), so that
 * `wg-quick up`, `wg-quick strip` and `wg setconf` (after stripping) read
 * them as they are. Schema, typed reading, the stripped text `wg setconf`
 * takes, tunnel address arithmetic, and the documents and spoke
 * configurations the hub and spoke commands write and print. No I/O beyond
 * reading the file: the interface layer is wgif.c.
 *
 *   # (comments above the first section are kept)
 *   [Interface]
 *   # wgx: Interface = wgx-hub          the interface name (default
 *                                       wgx-hub, wgx-spoke)
 *   # wgx: Userspace = no               yes: always wireguard-go
 *   # wgx: Lan = 192.168.1.0/24         hub: networks behind the hub that
 *                                       spokes reach (may repeat)
 *   PrivateKey = BASE64                 required
 *   Address = 10.120.0.1/16             the tunnel addresses (may repeat);
 *                                       required on a hub
 *   ListenPort = 51820                  optional
 *   FwMark = 0x0                        optional
 *   MTU = 1420                          optional
 *
 *   [Peer]
 *   # wgx: Role = relay                 relay | hub | spoke (the default)
 *   # wgx: Name = phone                 a spoke's name, unique
 *   PublicKey = BASE64                  required, unique
 *   PresharedKey = BASE64
 *   AllowedIPs = 10.120.0.2/32          may repeat
 *   Endpoint = HOST:PORT                IPv6 as [ADDRESS]:PORT
 *   PersistentKeepalive = 25            0..65535 or off
 *
 * A hub has exactly one relay peer, with an Endpoint and its inner address
 * (the first host address of its AllowedIPs: where the control protocol
 * goes); every other peer is a spoke. A spoke has one relay peer and at
 * most one hub peer.
 */
#ifndef _WGX_WGCONF_H
#define _WGX_WGCONF_H

#include "config.h"
#include "key.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HUB_CONF_DEFAULT	"/etc/wgx/hub.conf"
#define SPOKE_CONF_DEFAULT	"/etc/wgx/spoke.conf"
#define HUB_DEFAULT_IFNAME	"wgx-hub"
#define SPOKE_DEFAULT_IFNAME	"wgx-spoke"
#define HUB_DEFAULT_ADDRESS	"10.120.0.1/16"
#define HUB_DEFAULT_PORT	51820
#define WGC_RELAY_PORT		8787
#define WGC_KEEPALIVE		25
#define WGC_IFNAME_MAX		16	/* IFNAMSIZ */
#define WGC_NAME_MAX		33	/* a spoke's name: 1-32 characters */
#define WGC_ENDPOINT_MAX	300

enum wgc_kind {
	WGC_HUB,
	WGC_SPOKE,
};

enum wgc_role {
	WGC_ROLE_SPOKE,		/* the default */
	WGC_ROLE_RELAY,
	WGC_ROLE_HUB,
};

struct wgc_peer {
	struct cfg_section *sec;	/* in the document it was read from */
	enum wgc_role role;
	char name[WGC_NAME_MAX];	/* "" when none */
	uint8_t public_key[WGX_KEY_LEN];
	bool has_psk;
	uint8_t psk[WGX_KEY_LEN];
	struct cfg_cidr *allowed;
	size_t n_allowed;
	char endpoint[WGC_ENDPOINT_MAX];	/* as written, "" when none */
	uint16_t keepalive;		/* 0: off */
};

struct wgc {
	enum wgc_kind kind;
	char ifname[WGC_IFNAME_MAX];
	bool userspace;
	uint8_t private_key[WGX_KEY_LEN];
	uint8_t public_key[WGX_KEY_LEN];
	bool has_listen_port;
	uint16_t listen_port;
	bool has_fwmark;
	uint32_t fwmark;
	uint32_t mtu;			/* 0: the default */
	struct cfg_cidr *addrs;
	size_t n_addrs;
	struct cfg_cidr *lans;
	size_t n_lans;
	struct wgc_peer *peers;
	size_t n_peers;
	struct wgc_peer *relay;		/* into peers */
	struct wgc_peer *hub;		/* into peers, spoke only, or NULL */
};

extern const struct cfg_section_schema wgc_schema[];

/* Value checks, also for the command-line options. */
bool wgc_ifname_valid(const char *s);
bool wgc_name_valid(const char *s);
bool wgc_parse_bool(const char *s, bool *v);

/* Validate @doc (parsed with CFG_PARSE_META) and fill @c. 0, -EINVAL or
 * -ENOMEM with "file:line: what" in @err. */
int wgc_from_doc(const struct cfg_doc *doc, enum wgc_kind kind, struct wgc *c,
		 char err[CFG_ERR_LEN]);
/* cfg_load_opts + wgc_from_doc; *doc (when @doc is not NULL) stays for
 * changes. -ENOENT when the file is missing. */
int wgc_load(const char *path, enum wgc_kind kind, struct cfg_doc **doc,
	     struct wgc *c, char err[CFG_ERR_LEN]);
/* Frees and zeroes (keys). */
void wgc_free(struct wgc *c);

/* The peer with @key, or named @name, or NULL. */
struct wgc_peer *wgc_find_key(const struct wgc *c, const uint8_t key[WGX_KEY_LEN]);
struct wgc_peer *wgc_find_name(const struct wgc *c, const char *name);
/* The relay's inner address: the first /32 or /128 of its AllowedIPs
 * (IPv4 preferred); false when there is none. */
bool wgc_relay_address(const struct wgc *c, struct cfg_addr *a);
/* The hub's spokes' public keys (every peer that is not the relay), sorted. */
int wgc_spoke_keys(const struct wgc *c, struct key_list *l);

/* What `wg setconf` / `wg syncconf` take: [Interface] PrivateKey,
 * ListenPort, FwMark and each [Peer]'s PublicKey, PresharedKey,
 * AllowedIPs, Endpoint, PersistentKeepalive. Malloc'd, secrets inside:
 * zero before freeing. NULL when out of memory. */
char *wgc_strip(const struct wgc *c, size_t *len);

/* ---- addresses ------------------------------------------------------------ */

/* The network of @c (host bits cleared). */
void wgc_network(const struct cfg_cidr *c, struct cfg_cidr *net);
/* Whether @outer contains the whole of @inner (same family). */
bool wgc_cidr_covers(const struct cfg_cidr *outer, const struct cfg_cidr *inner);
/* @a + @n into @out; false on overflow of the address. */
bool wgc_addr_add(const struct cfg_addr *a, uint64_t n, struct cfg_addr *out);
/* Whether @a is a usable host address in @net (not, for IPv4 up to /30,
 * the network or broadcast address). */
bool wgc_host_usable(const struct cfg_cidr *net, const struct cfg_addr *a);
/* Whether any AllowedIPs of any peer, or an Address of @c, holds @a. */
bool wgc_addr_used(const struct wgc *c, const struct cfg_addr *a);
/* A free tunnel address for a new spoke in each of the hub's Address
 * networks (@out has room for c->n_addrs, each with the network's prefix):
 * the lowest host number free in all of them. 0, or -ENOSPC with a message. */
int wgc_alloc_spoke_addrs(const struct wgc *c, struct cfg_cidr *out,
			  char err[CFG_ERR_LEN]);

/* ---- documents ------------------------------------------------------------ */

struct wgc_relay_init {
	uint8_t public_key[WGX_KEY_LEN];
	char endpoint[WGC_ENDPOINT_MAX];	/* HOST:PORT */
	struct cfg_cidr *addrs;		/* the relay's inner addresses, host */
	size_t n_addrs;			/* prefixes; may be 0 on a spoke */
};

struct wgc_init {
	enum wgc_kind kind;
	const uint8_t *private_key;
	const char *ifname;		/* NULL: leave it out (the default) */
	bool userspace;
	const struct cfg_cidr *addrs;
	size_t n_addrs;
	const struct cfg_cidr *lans;
	size_t n_lans;
	uint16_t listen_port;		/* 0: none */
	struct wgc_relay_init relay;
};

/* A new hub.conf or spoke.conf: the header comment, [Interface] and the
 * relay's [Peer]. NULL when out of memory. */
struct cfg_doc *wgc_new_doc(const char *path, const struct wgc_init *init);
/* Replace the relay's [Peer] of @doc (typed in @c) by a new one. 0 or
 * -ENOMEM. */
int wgc_doc_set_relay(struct cfg_doc *doc, const struct wgc *c,
		      const struct wgc_relay_init *relay);
/* Append a spoke's [Peer] to a hub's document. 0 or -ENOMEM. */
int wgc_doc_add_spoke(struct cfg_doc *doc, const char *name,
		      const uint8_t public_key[WGX_KEY_LEN],
		      const uint8_t psk[WGX_KEY_LEN],
		      const struct cfg_cidr *addrs, size_t n_addrs);
/* Set a spoke document's hub [Peer] (replacing one there is). 0 or -ENOMEM. */
int wgc_doc_set_hub(struct cfg_doc *doc, const struct wgc *c,
		    const uint8_t public_key[WGX_KEY_LEN],
		    const uint8_t psk[WGX_KEY_LEN],
		    const struct cfg_cidr *allowed, size_t n_allowed,
		    const char *endpoint);

/* The standard WireGuard configuration of a spoke of hub @c: [Interface]
 * with @private_key (NULL: a comment saying the spoke has its own) and the
 * spoke's @addrs, the hub as [Peer] (the hub's networks and LANs, the
 * relay's endpoint, @psk, keepalive) and the relay as [Peer]. Text any
 * WireGuard implementation imports (wg-quick, the phone apps): no wgx
 * lines. Malloc'd, secrets inside. NULL when out of memory. */
char *wgc_spoke_text(const struct wgc *c, const uint8_t *private_key,
		     const uint8_t psk[WGX_KEY_LEN],
		     const struct cfg_cidr *addrs, size_t n_addrs, size_t *len);
/* The AllowedIPs a spoke gives its hub peer: the networks of the hub's
 * addresses, then its LANs, as a comma list into @buf. */
void wgc_hub_allowed_text(const struct wgc *c, char *buf, size_t len);
/* "a, b" from CIDRs (as given). */
void wgc_cidrs_text(const struct cfg_cidr *v, size_t n, char *buf, size_t len);

#endif /* _WGX_WGCONF_H */
