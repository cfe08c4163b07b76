/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Routes (hub, spoke) and the receiver indices learned from the handshakes
 * forwarded along them.
 */
#ifndef _WGX_ROUTE_H
#define _WGX_ROUTE_H

#include "messages.h"
#include "replay.h"

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>

struct wgx_peer;
struct wgx_relay;

enum wgx_route_dir {
	WGX_DIR_HUB_TO_SPOKE = 0,
	WGX_DIR_SPOKE_TO_HUB = 1,
};

/*
 * A route exists because the hub declared the spoke; it holds a reference
 * to both peers. Created and removed under relay->lock; freed after an RCU
 * grace period. @lock protects @indices, @nindices and @dead.
 */
struct wgx_route {
	struct wgx_peer *hub;
	struct wgx_peer *spoke;
	struct list_head hub_entry;	/* hub->hub_routes (RCU) */
	struct list_head spoke_entry;	/* spoke->spoke_routes (RCU) */
	struct rhash_head node;		/* relay->routes by (hub, spoke) */
	spinlock_t lock;
	struct list_head indices;	/* oldest first */
	unsigned int nindices;
	bool dead;
	/* Token bucket of initiations forwarded along the route (both
	 * directions); @lock. */
	u64 init_tokens, init_last;
	u64 last_handshake_real;	/* ns; WRITE_ONCE */
	atomic64_t bytes[2], packets[2];	/* by enum wgx_route_dir */
	struct rcu_head rcu;
};

struct wgx_route_key {
	struct wgx_peer *hub;
	struct wgx_peer *spoke;
};

/* Key of a forwarded index: packets that @from sends with receiver index
 * @index go to the index's @to. */
struct wgx_index_key {
	struct wgx_peer *from;
	__le32 index;
	u32 zero;			/* no padding in a hashed key */
};

/* How an index was learned: a response is taken only on an index that
 * awaits one, and a full route makes room by dropping unanswered ones. */
enum wgx_index_state {
	WGX_INDEX_PENDING,	/* from an initiation, not answered yet */
	WGX_INDEX_ANSWERED,	/* from an initiation, answered */
	WGX_INDEX_SESSION	/* from a response: a session's data index */
};

struct wgx_index {
	struct rhash_head node;		/* relay->indices */
	struct wgx_index_key key;
	struct wgx_peer *to;		/* the route holds the reference */
	struct wgx_route *route;
	enum wgx_route_dir dir;		/* direction of @from -> @to */
	u64 created;			/* boottime ns */
	int state;			/* enum wgx_index_state; cmpxchg */
	struct list_head route_entry;	/* route->indices; route->lock */
	spinlock_t replay_lock;		/* protects replay */
	struct wgx_replay replay;	/* counters of data sent with it */
	struct rcu_head rcu;
};

/* relay->lock held. */
struct wgx_route *wgx_route_lookup(struct wgx_relay *relay,
				   struct wgx_peer *hub, struct wgx_peer *spoke);
int wgx_route_add(struct wgx_relay *relay, struct wgx_peer *hub,
		  struct wgx_peer *spoke);
void wgx_route_del(struct wgx_relay *relay, struct wgx_route *route);
/* relay->lock held: drop expired indices of every route. */
void wgx_route_gc(struct wgx_relay *relay);

/* Softirq, RCU read side: learn that @from's packets with receiver index
 * @index go to @to along @route, in @state (WGX_INDEX_PENDING for an
 * initiation's sender index, WGX_INDEX_SESSION for a response's). Bounded
 * per route: the oldest unanswered index is evicted first, so initiations
 * that are never answered (forged from a spoke's or a hub's address) cannot
 * push out the indices of a live session; else the oldest.
 * Returns -EEXIST when that index is already known on this route: the
 * handshake message that carries it is a replay (WireGuard picks a new
 * random index for every handshake). */
int wgx_index_learn(struct wgx_relay *relay, struct wgx_route *route,
		     struct wgx_peer *from, __le32 index, struct wgx_peer *to,
		     enum wgx_route_dir dir, enum wgx_index_state state);
/* Softirq: whether one more initiation may be forwarded along @route
 * (ROUTE_INITIATIONS_PER_SECOND, burst ROUTE_INITIATIONS_BURST). */
bool wgx_route_allow_initiation(struct wgx_route *route);
/* Any context. Whether an initiation with this mac1 was seen before;
 * remembers it if not. */
bool wgx_initiation_seen(struct wgx_relay *relay, const u8 mac1[COOKIE_LEN]);

/* RCU read side. */
struct wgx_index *wgx_index_lookup(struct wgx_relay *relay,
				   struct wgx_peer *from, __le32 index);

extern const struct rhashtable_params wgx_route_params;
extern const struct rhashtable_params wgx_index_params;

#endif /* _WGX_ROUTE_H */
