// SPDX-License-Identifier: GPL-2.0
/*
 * Routes declared by hubs, and the indices learned along them.
 */
#include "compat.h"
#include "peer.h"
#include "relay.h"
#include "route.h"

#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

const struct rhashtable_params wgx_route_params = {
	.key_len = sizeof(struct wgx_route_key),
	.key_offset = offsetof(struct wgx_route, hub),
	.head_offset = offsetof(struct wgx_route, node),
	.automatic_shrinking = true,
};

const struct rhashtable_params wgx_index_params = {
	.key_len = sizeof(struct wgx_index_key),
	.key_offset = offsetof(struct wgx_index, key),
	.head_offset = offsetof(struct wgx_index, node),
	.automatic_shrinking = true,
};

static_assert(offsetof(struct wgx_route, spoke) ==
	      offsetof(struct wgx_route, hub) + sizeof(struct wgx_peer *));

struct wgx_route *wgx_route_lookup(struct wgx_relay *relay,
				   struct wgx_peer *hub, struct wgx_peer *spoke)
{
	struct wgx_route_key key = { .hub = hub, .spoke = spoke };

	lockdep_assert_held(&relay->lock);
	return rhashtable_lookup_fast(&relay->routes, &key, wgx_route_params);
}

int wgx_route_add(struct wgx_relay *relay, struct wgx_peer *hub,
		  struct wgx_peer *spoke)
{
	struct wgx_route *route;
	int ret;

	lockdep_assert_held(&relay->lock);
	route = kzalloc(sizeof(*route), GFP_KERNEL);
	if (!route)
		return -ENOMEM;
	route->hub = wgx_peer_get(hub);
	route->spoke = wgx_peer_get(spoke);
	spin_lock_init(&route->lock);
	INIT_LIST_HEAD(&route->indices);
	route->init_tokens = (u64)ROUTE_INITIATIONS_BURST * NSEC_PER_SEC /
			     ROUTE_INITIATIONS_PER_SECOND;
	route->init_last = ktime_get_coarse_boottime_ns();
	ret = rhashtable_lookup_insert_fast(&relay->routes, &route->node,
					    wgx_route_params);
	if (ret) {
		wgx_peer_put(route->hub);
		wgx_peer_put(route->spoke);
		kfree(route);
		return ret;
	}
	list_add_tail_rcu(&route->hub_entry, &hub->hub_routes);
	list_add_tail_rcu(&route->spoke_entry, &spoke->spoke_routes);
	hub->hub_route_count++;
	spoke->spoke_route_count++;
	relay->route_count++;
	relay->generation++;
	return 0;
}

static void route_free_rcu(struct rcu_head *rcu)
{
	struct wgx_route *route = container_of(rcu, struct wgx_route, rcu);

	wgx_peer_put(route->hub);
	wgx_peer_put(route->spoke);
	kfree(route);
}

/* route->lock held. */
static void index_del(struct wgx_relay *relay, struct wgx_route *route,
		      struct wgx_index *idx)
{
	rhashtable_remove_fast(&relay->indices, &idx->node, wgx_index_params);
	list_del(&idx->route_entry);
	route->nindices--;
	atomic_dec(&relay->index_count);
	kfree_rcu(idx, rcu);
}

void wgx_route_del(struct wgx_relay *relay, struct wgx_route *route)
{
	struct wgx_index *idx, *tmp;

	lockdep_assert_held(&relay->lock);
	rhashtable_remove_fast(&relay->routes, &route->node, wgx_route_params);
	list_del_rcu(&route->hub_entry);
	list_del_rcu(&route->spoke_entry);
	route->hub->hub_route_count--;
	route->spoke->spoke_route_count--;
	relay->route_count--;
	relay->generation++;

	spin_lock_bh(&route->lock);
	route->dead = true;
	list_for_each_entry_safe(idx, tmp, &route->indices, route_entry)
		index_del(relay, route, idx);
	spin_unlock_bh(&route->lock);
	call_rcu(&route->rcu, route_free_rcu);
}

static bool index_expired(const struct wgx_index *idx, u64 now)
{
	return now - idx->created > (u64)INDEX_LIFETIME * NSEC_PER_SEC;
}

void wgx_route_gc(struct wgx_relay *relay)
{
	u64 now = ktime_get_coarse_boottime_ns();
	struct wgx_index *idx, *tmp;
	struct wgx_peer *peer;
	struct wgx_route *route;

	lockdep_assert_held(&relay->lock);
	list_for_each_entry(peer, &relay->peer_list, list) {
		list_for_each_entry(route, &peer->hub_routes, hub_entry) {
			spin_lock_bh(&route->lock);
			list_for_each_entry_safe(idx, tmp, &route->indices,
						 route_entry) {
				if (!index_expired(idx, now))
					break;	/* oldest first */
				index_del(relay, route, idx);
			}
			spin_unlock_bh(&route->lock);
		}
	}
}

/* route->lock held, the route full: the index to make room with. */
static struct wgx_index *index_to_evict(struct wgx_route *route)
{
	struct wgx_index *idx;

	list_for_each_entry(idx, &route->indices, route_entry)
		if (READ_ONCE(idx->state) == WGX_INDEX_PENDING)
			return idx;
	return list_first_entry(&route->indices, struct wgx_index, route_entry);
}

int wgx_index_learn(struct wgx_relay *relay, struct wgx_route *route,
		    struct wgx_peer *from, __le32 index, struct wgx_peer *to,
		    enum wgx_route_dir dir, enum wgx_index_state state)
{
	struct wgx_index *idx, *old;
	int ret = 0;

	idx = kmalloc(sizeof(*idx), GFP_ATOMIC);
	if (!idx)
		return -ENOMEM;
	spin_lock_init(&idx->replay_lock);
	wgx_replay_init(&idx->replay);
	memset(&idx->key, 0, sizeof(idx->key));
	idx->key.from = from;
	idx->key.index = index;
	idx->to = to;
	idx->route = route;
	idx->dir = dir;
	idx->state = state;
	idx->created = ktime_get_coarse_boottime_ns();

	spin_lock_bh(&route->lock);
	if (route->dead) {
		ret = -ENOENT;
		goto free;
	}
	/* The same index again: a replayed handshake message. */
	old = rhashtable_lookup(&relay->indices, &idx->key, wgx_index_params);
	if (old) {
		ret = -EEXIST;
		goto free;
	}
	if (route->nindices >= MAX_INDICES_PER_ROUTE)
		index_del(relay, route, index_to_evict(route));
	ret = rhashtable_lookup_insert_fast(&relay->indices, &idx->node,
					    wgx_index_params);
	if (ret)
		goto free;
	list_add_tail(&idx->route_entry, &route->indices);
	route->nindices++;
	atomic_inc(&relay->index_count);
	spin_unlock_bh(&route->lock);
	return 0;
free:
	spin_unlock_bh(&route->lock);
	kfree(idx);
	return ret;
}

struct wgx_index *wgx_index_lookup(struct wgx_relay *relay,
				   struct wgx_peer *from, __le32 index)
{
	struct wgx_index_key key = { .from = from, .index = index, .zero = 0 };
	struct wgx_index *idx;

	idx = rhashtable_lookup(&relay->indices, &key, wgx_index_params);
	if (idx && index_expired(idx, ktime_get_coarse_boottime_ns()))
		return NULL;
	return idx;
}

bool wgx_route_allow_initiation(struct wgx_route *route)
{
	const u64 cost = NSEC_PER_SEC / ROUTE_INITIATIONS_PER_SECOND;
	u64 now = ktime_get_coarse_boottime_ns();
	bool ret;

	spin_lock_bh(&route->lock);
	route->init_tokens = min_t(u64, cost * ROUTE_INITIATIONS_BURST,
				   route->init_tokens + (now - route->init_last));
	route->init_last = now;
	ret = route->init_tokens >= cost;
	if (ret)
		route->init_tokens -= cost;
	spin_unlock_bh(&route->lock);
	return ret;
}

bool wgx_initiation_seen(struct wgx_relay *relay, const u8 mac1[COOKIE_LEN])
{
	u64 a = get_unaligned_le64(mac1), b = get_unaligned_le64(mac1 + 8);
	u64 *slot = &relay->recent_init[siphash_2u64(a, b, &relay->recent_key) &
					(RECENT_INITIATIONS - 1)];
	u64 tag = b | 1;	/* never the empty value 0 */

	if (READ_ONCE(*slot) == tag)
		return true;
	WRITE_ONCE(*slot, tag);
	return false;
}
