/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A relay instance and the per network namespace state that holds relays.
 */
#ifndef _WGX_RELAY_H
#define _WGX_RELAY_H

#include "cookie.h"
#include "ratelimiter.h"

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <uapi/linux/wgx.h>

struct netlink_ext_ack;

/*
 * Per network namespace state. @lock serialises creation and deletion of the
 * namespace's relays; @relays is walked under @lock.
 */
struct wgx_net {
	struct net *net;
	struct mutex lock;
	struct list_head relays;	/* struct wgx_relay.list; lock */
	unsigned int relay_count;	/* lock */
};

/* The set of admitted keys, replaced as a whole (RCU), sorted. */
struct wgx_allowed {
	unsigned int count;
	struct rcu_head rcu;
	u8 keys[][NOISE_PUBLIC_KEY_LEN];
};

struct wgx_relay {
	struct list_head list;		/* wgx_net.relays; wn->lock */
	struct wgx_net *wn;
	struct net *net;
	char name[WGX_RELAY_NAME_MAX];

	/*
	 * @lock protects the relay's configuration (keys, port, allowed set),
	 * the peer list, routes, handshake state and control state. Taken in
	 * process context only (netlink, workers, GC).
	 */
	struct mutex lock;
	u8 static_private[NOISE_PUBLIC_KEY_LEN];	/* lock */
	u8 static_public[NOISE_PUBLIC_KEY_LEN];		/* lock */
	struct wgx_cookie_checker cookie_checker;
	u16 port;					/* lock */
	u32 fwmark;					/* READ_ONCE */
	bool allow_all;					/* lock */
	struct wgx_allowed __rcu *allowed;		/* lock / RCU */
	bool allowed_changed;	/* lock; the GC evicts peers no longer allowed */

	/* Sockets: replaced under @lock, used under RCU (bh). */
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;

	struct rhashtable peers;	/* by public key; writers: lock */
	struct list_head peer_list;	/* lock */
	unsigned int peer_count;	/* lock */
	struct rhashtable endpoints;	/* by endpoint; writers: ep_lock */
	spinlock_t ep_lock;
	struct rhashtable routes;	/* by (hub, spoke); writers: lock */
	unsigned int route_count;	/* lock */
	struct rhashtable indices;	/* forwarded; writers: route->lock */
	atomic_t index_count;
	struct rhashtable keypairs;	/* own, by local index; writers: lock */

	/* Packets for the relay itself, processed in process context. */
	struct workqueue_struct *wq;
	struct sk_buff_head handshake_queue;
	struct work_struct handshake_work;
	struct sk_buff_head own_queue;
	struct work_struct own_work;
	u64 last_under_load;		/* boottime ns; READ_ONCE */
	struct wgx_ratelimiter own_limiter;	/* own handshakes, per IP */
	/* Initiations from authenticated endpoints, per endpoint, before
	 * any mac1 is computed (see wgx_receive()). */
	struct wgx_ratelimiter peer_limiter;
	/* Under load: admission to the handshake queue, per source address,
	 * in softirq (one source cannot fill the queue; see wgx_receive()). */
	struct wgx_ratelimiter queue_limiter;
	struct delayed_work gc_work;
	bool dying;			/* no more work is queued */

	/* Recent initiations from authenticated endpoints, by mac1: a direct-
	 * mapped table of 64-bit tags (READ_ONCE/WRITE_ONCE, no lock; a lost
	 * update only forgets one). See wgx_initiation_seen(). */
	u64 *recent_init;
	siphash_key_t recent_key;

	u64 generation;			/* bumped on route/peer change; lock */
	u64 __percpu *stats;		/* [__WGX_STAT_COUNT] */
};

static inline void wgx_stat_add(struct wgx_relay *relay, enum wgx_stat s, u64 n)
{
	this_cpu_add(relay->stats[s], n);
}

static inline void wgx_stat_inc(struct wgx_relay *relay, enum wgx_stat s)
{
	this_cpu_inc(relay->stats[s]);
}

struct wgx_net *wgx_net(struct net *net);

/* Creation parameters; see WGX_CMD_NEW_RELAY. */
struct wgx_relay_config {
	const char *name;
	const u8 *private_key;		/* NULL: keep */
	u16 port;			/* 0: keep (or default on create) */
	bool has_fwmark;
	u32 fwmark;
	bool replace_allowed;
	bool allow_all;
	const u8 (*keys)[NOISE_PUBLIC_KEY_LEN];
	unsigned int nkeys;
};

/* Process context; wn->lock held. */
struct wgx_relay *wgx_relay_find(struct wgx_net *wn, const char *name);
int wgx_relay_create(struct wgx_net *wn, const struct wgx_relay_config *cfg,
		     struct netlink_ext_ack *extack);
int wgx_relay_change(struct wgx_relay *relay, const struct wgx_relay_config *cfg,
		     struct netlink_ext_ack *extack);
void wgx_relay_delete(struct wgx_relay *relay);
/* relay->lock or RCU held. */
bool wgx_relay_key_allowed(struct wgx_relay *relay,
			   const u8 key[NOISE_PUBLIC_KEY_LEN]);
void wgx_relay_stats(struct wgx_relay *relay, u64 out[__WGX_STAT_COUNT]);
/* Whether the relay's own handshake queue is, or recently was, long. */
bool wgx_relay_under_load(struct wgx_relay *relay);

int wgx_relay_pernet_init(void);
void wgx_relay_pernet_uninit(void);

#endif /* _WGX_RELAY_H */
