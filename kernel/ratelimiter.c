// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source token buckets: refuse a source that sends more than its rate.
 */
#include "peer.h"
#include "ratelimiter.h"

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

struct rl_entry {
	struct hlist_node hash;
	u64 last_time_ns;		/* lock */
	u64 tokens;			/* lock */
	u8 addr[16];
	__be16 port;
	spinlock_t lock;
	struct rcu_head rcu;
};

int wgx_ratelimiter_init(struct wgx_ratelimiter *rl, unsigned int per_second,
			 unsigned int burst, bool with_port)
{
	rl->table_size = roundup_pow_of_two(max_t(unsigned long,
		8192, totalram_pages() / (1U << 14)));
	rl->table_size = min(rl->table_size, 1U << 16);
	rl->max = rl->table_size * 8;
	rl->count = 0;
	rl->packet_cost = NSEC_PER_SEC / per_second;
	rl->token_max = rl->packet_cost * burst;
	rl->with_port = with_port;
	get_random_bytes(&rl->key, sizeof(rl->key));
	spin_lock_init(&rl->lock);
	rl->table = kvcalloc(rl->table_size, sizeof(*rl->table), GFP_KERNEL);
	return rl->table ? 0 : -ENOMEM;
}

void wgx_ratelimiter_uninit(struct wgx_ratelimiter *rl)
{
	if (!rl->table)
		return;
	wgx_ratelimiter_gc(rl, true);
	/* Entries are freed by kfree_rcu: wait before freeing the table. */
	synchronize_rcu();
	kvfree(rl->table);
	rl->table = NULL;
}

static void source_key(const struct wgx_ratelimiter *rl,
		       const struct wgx_endpoint *src, u8 addr[16], __be16 *port)
{
	memset(addr, 0, 16);
	if (src->addr.sa_family == AF_INET) {
		memcpy(addr, &src->addr4.sin_addr, 4);
	} else {
		memcpy(addr, &src->addr6.sin6_addr, rl->with_port ? 16 : 8);
	}
	*port = rl->with_port ? src->addr4.sin_port : 0;
}

bool wgx_ratelimiter_allow(struct wgx_ratelimiter *rl,
			   const struct wgx_endpoint *src)
{
	struct hlist_head *bucket;
	struct rl_entry *entry;
	u8 addr[16];
	__be16 port;
	u64 now;

	source_key(rl, src, addr, &port);
	bucket = &rl->table[siphash_3u64(get_unaligned((u64 *)addr),
					 get_unaligned((u64 *)(addr + 8)),
					 (__force u64)port, &rl->key) &
			    (rl->table_size - 1)];

	rcu_read_lock();
	hlist_for_each_entry_rcu(entry, bucket, hash) {
		bool ret;

		if (memcmp(entry->addr, addr, 16) || entry->port != port)
			continue;
		spin_lock_bh(&entry->lock);
		now = ktime_get_coarse_boottime_ns();
		entry->tokens = min(rl->token_max,
				    entry->tokens + (now - entry->last_time_ns));
		entry->last_time_ns = now;
		ret = entry->tokens >= rl->packet_cost;
		if (ret)
			entry->tokens -= rl->packet_cost;
		spin_unlock_bh(&entry->lock);
		rcu_read_unlock();
		return ret;
	}
	rcu_read_unlock();

	spin_lock_bh(&rl->lock);
	if (rl->count >= rl->max)
		goto refuse;
	entry = kmalloc(sizeof(*entry), GFP_ATOMIC);
	if (!entry)
		goto refuse;
	rl->count++;
	memcpy(entry->addr, addr, 16);
	entry->port = port;
	entry->last_time_ns = ktime_get_coarse_boottime_ns();
	entry->tokens = rl->token_max - rl->packet_cost;
	spin_lock_init(&entry->lock);
	hlist_add_head_rcu(&entry->hash, bucket);
	spin_unlock_bh(&rl->lock);
	return true;
refuse:
	spin_unlock_bh(&rl->lock);
	return false;
}

void wgx_ratelimiter_gc(struct wgx_ratelimiter *rl, bool all)
{
	u64 now = ktime_get_coarse_boottime_ns();
	struct rl_entry *entry;
	struct hlist_node *tmp;
	unsigned int i;

	spin_lock_bh(&rl->lock);
	for (i = 0; i < rl->table_size; ++i) {
		hlist_for_each_entry_safe(entry, tmp, &rl->table[i], hash) {
			if (all || now - READ_ONCE(entry->last_time_ns) > NSEC_PER_SEC) {
				hlist_del_rcu(&entry->hash);
				rl->count--;
				kfree_rcu(entry, rcu);
			}
		}
	}
	spin_unlock_bh(&rl->lock);
}
