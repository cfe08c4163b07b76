/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peers: every public key the relay knows, because it authenticated with
 * the relay or because a hub declared it as a spoke.
 */
#ifndef _WGX_PEER_H
#define _WGX_PEER_H

#include "messages.h"

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <net/dst_cache.h>

struct wgx_relay;
struct wgx_keypair;
struct wgx_ctrl_state;

/* A UDP endpoint of a peer, with the local address it talks to. */
struct wgx_endpoint {
	union {
		struct sockaddr addr;
		struct sockaddr_in addr4;
		struct sockaddr_in6 addr6;
	};
	union {
		struct {
			struct in_addr src4;
			int src_if4;
		};
		struct in6_addr src6;
	};
};

/* The hash key of an endpoint: exact, without padding. */
struct wgx_endpoint_key {
	u8 addr[16];
	__be16 port;
	u16 family;
};

struct wgx_peer {
	struct wgx_relay *relay;
	u8 public_key[NOISE_PUBLIC_KEY_LEN];
	/* HASH(LABEL_MAC1 || public_key): mac1 of messages sent to it. */
	u8 mac1_key[NOISE_SYMMETRIC_KEY_LEN];
	struct rhash_head node;		/* relay->peers; relay->lock */
	struct list_head list;		/* relay->peer_list; relay->lock */

	/* The endpoint: written in process context under relay->ep_lock and
	 * @endpoint_lock; read under @endpoint_lock (any context). */
	rwlock_t endpoint_lock;
	struct wgx_endpoint endpoint;
	struct dst_cache endpoint_cache;
	struct rhash_head ep_node;	/* relay->endpoints; relay->ep_lock */
	struct wgx_endpoint_key ep_key;	/* relay->ep_lock */
	bool ep_hashed;			/* relay->ep_lock */
	/* boottime ns of the last authenticated packet (handshake or own
	 * transport data); 0 before any. READ_ONCE/WRITE_ONCE. */
	u64 last_auth;

	/* Responder handshake state: relay->lock. */
	u8 static_static[NOISE_PUBLIC_KEY_LEN];
	u8 latest_timestamp[NOISE_TIMESTAMP_LEN];
	u64 last_initiation;		/* boottime ns */
	u64 last_handshake_real;	/* real ns of the last handshake */

	/* Keypairs of the relay's sessions with this peer: written under
	 * relay->lock, read under RCU. Each slot owns its keypair's reference
	 * and its entry in relay->keypairs. */
	struct wgx_keypair __rcu *next_keypair;
	struct wgx_keypair __rcu *current_keypair;
	struct wgx_keypair __rcu *previous_keypair;

	/* Routes: changed under relay->lock, walked under RCU. */
	struct list_head hub_routes;	/* it is the hub; wgx_route.hub_entry */
	struct list_head spoke_routes;	/* it is the spoke; .spoke_entry */
	unsigned int hub_route_count;	/* relay->lock */
	unsigned int spoke_route_count;	/* relay->lock */

	struct wgx_ctrl_state *ctrl;	/* relay->lock */

	atomic64_t rx_bytes, tx_bytes, dropped;
	struct kref refcount;
	struct rcu_head rcu;
};

/* relay->lock held. Finds or (if @create) makes the peer of @pub. */
struct wgx_peer *wgx_peer_lookup(struct wgx_relay *relay,
				 const u8 pub[NOISE_PUBLIC_KEY_LEN], bool create);
/* RCU read side: the peer bound to an endpoint, if its binding is live. */
struct wgx_peer *wgx_peer_by_endpoint(struct wgx_relay *relay,
				      const struct wgx_endpoint *ep);
/* Process context: bind @peer to @ep after an authenticated packet. */
void wgx_peer_set_endpoint(struct wgx_peer *peer, const struct wgx_endpoint *ep);
void wgx_peer_clear_endpoint(struct wgx_peer *peer);
/* Whether the peer has a live endpoint (authenticated recently). */
bool wgx_peer_online(const struct wgx_peer *peer);
/* Keypairs; relay->lock held. add: @kp becomes next (unconfirmed) and is
 * hashed by its local index. confirm: a packet arrived on @kp; if it was
 * next, it becomes current. */
int wgx_peer_add_keypair(struct wgx_peer *peer, struct wgx_keypair *kp);
void wgx_peer_confirm_keypair(struct wgx_peer *peer, struct wgx_keypair *kp);
void wgx_peer_clear_keypairs(struct wgx_peer *peer);
/* relay->lock held: drop peers that are idle (no route, no session). */
void wgx_peer_gc(struct wgx_relay *relay, bool all);
/* relay->lock held: recompute static_static after a key change. */
void wgx_peer_rekey_all(struct wgx_relay *relay);

struct wgx_peer *wgx_peer_get(struct wgx_peer *peer);
void wgx_peer_put(struct wgx_peer *peer);

void wgx_endpoint_key(struct wgx_endpoint_key *key, const struct wgx_endpoint *ep);
bool wgx_endpoint_eq(const struct wgx_endpoint *a, const struct wgx_endpoint *b);

extern const struct rhashtable_params wgx_peer_params;
extern const struct rhashtable_params wgx_endpoint_params;

#endif /* _WGX_PEER_H */
