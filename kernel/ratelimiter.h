/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token buckets per source, in the spirit of WireGuard's ratelimiter.
 */
#ifndef _WGX_RATELIMITER_H
#define _WGX_RATELIMITER_H

#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct wgx_endpoint;

/*
 * @table is a fixed array of RCU hlists; @lock serialises insertion and
 * garbage collection, lookups are lockless (RCU), and each entry's bucket
 * has its own lock. At most @max entries exist.
 */
struct wgx_ratelimiter {
	struct hlist_head *table;
	unsigned int table_size;	/* a power of two */
	unsigned int count;		/* lock */
	unsigned int max;
	u64 packet_cost;		/* ns of budget one packet takes */
	u64 token_max;			/* burst * packet_cost */
	bool with_port;			/* key on address and port */
	siphash_key_t key;
	spinlock_t lock;
};

int wgx_ratelimiter_init(struct wgx_ratelimiter *rl, unsigned int per_second,
			 unsigned int burst, bool with_port);
void wgx_ratelimiter_uninit(struct wgx_ratelimiter *rl);
/* Any context. Whether a packet from @src may pass. IPv6 sources are keyed
 * by their /64 unless with_port. */
bool wgx_ratelimiter_allow(struct wgx_ratelimiter *rl,
			   const struct wgx_endpoint *src);
/* Process context: drop buckets idle for over a second. */
void wgx_ratelimiter_gc(struct wgx_ratelimiter *rl, bool all);

#endif /* _WGX_RATELIMITER_H */
