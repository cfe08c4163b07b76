// SPDX-License-Identifier: GPL-2.0
/*
 * Peers, their endpoints and their keypairs.
 */
#include "control.h"
#include "cookie.h"
#include "noise.h"
#include "peer.h"
#include "relay.h"
#include "route.h"

#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ipv6.h>

const struct rhashtable_params wgx_peer_params = {
	.key_len = NOISE_PUBLIC_KEY_LEN,
	.key_offset = offsetof(struct wgx_peer, public_key),
	.head_offset = offsetof(struct wgx_peer, node),
	.automatic_shrinking = true,
};

const struct rhashtable_params wgx_endpoint_params = {
	.key_len = sizeof(struct wgx_endpoint_key),
	.key_offset = offsetof(struct wgx_peer, ep_key),
	.head_offset = offsetof(struct wgx_peer, ep_node),
	.automatic_shrinking = true,
};

void wgx_endpoint_key(struct wgx_endpoint_key *key, const struct wgx_endpoint *ep)
{
	memset(key, 0, sizeof(*key));
	key->family = ep->addr.sa_family;
	key->port = ep->addr4.sin_port;
	if (ep->addr.sa_family == AF_INET)
		memcpy(key->addr, &ep->addr4.sin_addr, sizeof(struct in_addr));
	else
		memcpy(key->addr, &ep->addr6.sin6_addr, sizeof(struct in6_addr));
}

bool wgx_endpoint_eq(const struct wgx_endpoint *a, const struct wgx_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr &&
		       a->src4.s_addr == b->src4.s_addr &&
		       a->src_if4 == b->src_if4;
	return a->addr6.sin6_port == b->addr6.sin6_port &&
	       ipv6_addr_equal(&a->addr6.sin6_addr, &b->addr6.sin6_addr) &&
	       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id &&
	       ipv6_addr_equal(&a->src6, &b->src6);
}

struct wgx_peer *wgx_peer_get(struct wgx_peer *peer)
{
	kref_get(&peer->refcount);
	return peer;
}

static void peer_free_rcu(struct rcu_head *rcu)
{
	struct wgx_peer *peer = container_of(rcu, struct wgx_peer, rcu);

	dst_cache_destroy(&peer->endpoint_cache);
	pr_debug("peer %*phN freed\n", 8, peer->public_key);
	kfree_sensitive(peer);
}

static void peer_release(struct kref *ref)
{
	struct wgx_peer *peer = container_of(ref, struct wgx_peer, refcount);

	call_rcu(&peer->rcu, peer_free_rcu);
}

void wgx_peer_put(struct wgx_peer *peer)
{
	if (peer)
		kref_put(&peer->refcount, peer_release);
}

struct wgx_peer *wgx_peer_lookup(struct wgx_relay *relay,
				 const u8 pub[NOISE_PUBLIC_KEY_LEN], bool create)
{
	struct wgx_peer *peer;
	int ret;

	lockdep_assert_held(&relay->lock);
	peer = rhashtable_lookup_fast(&relay->peers, pub, wgx_peer_params);
	if (peer || !create)
		return peer;

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return NULL;
	if (dst_cache_init(&peer->endpoint_cache, GFP_KERNEL)) {
		kfree(peer);
		return NULL;
	}
	peer->relay = relay;
	memcpy(peer->public_key, pub, NOISE_PUBLIC_KEY_LEN);
	wgx_mac1_key(peer->mac1_key, pub);
	wgx_noise_precompute_static_static(peer->static_static,
					   relay->static_private, pub);
	rwlock_init(&peer->endpoint_lock);
	INIT_LIST_HEAD(&peer->hub_routes);
	INIT_LIST_HEAD(&peer->spoke_routes);
	atomic64_set(&peer->rx_bytes, 0);
	atomic64_set(&peer->tx_bytes, 0);
	atomic64_set(&peer->dropped, 0);
	kref_init(&peer->refcount);

	ret = rhashtable_insert_fast(&relay->peers, &peer->node, wgx_peer_params);
	if (ret) {
		dst_cache_destroy(&peer->endpoint_cache);
		kfree(peer);
		return NULL;
	}
	list_add_tail(&peer->list, &relay->peer_list);
	relay->peer_count++;
	relay->generation++;
	pr_debug("%s: peer %*phN created\n", relay->name, 8, pub);
	return peer;
}

bool wgx_peer_online(const struct wgx_peer *peer)
{
	u64 last = READ_ONCE(peer->last_auth);

	return last && ktime_get_coarse_boottime_ns() - last <
		       (u64)ENDPOINT_LIFETIME * NSEC_PER_SEC;
}

struct wgx_peer *wgx_peer_by_endpoint(struct wgx_relay *relay,
				      const struct wgx_endpoint *ep)
{
	struct wgx_endpoint_key key;
	struct wgx_peer *peer;

	wgx_endpoint_key(&key, ep);
	peer = rhashtable_lookup(&relay->endpoints, &key, wgx_endpoint_params);
	if (peer && !wgx_peer_online(peer))
		return NULL;
	return peer;
}

static void unhash_endpoint(struct wgx_relay *relay, struct wgx_peer *peer)
{
	lockdep_assert_held(&relay->ep_lock);
	if (!peer->ep_hashed)
		return;
	rhashtable_remove_fast(&relay->endpoints, &peer->ep_node,
			       wgx_endpoint_params);
	peer->ep_hashed = false;
}

void wgx_peer_set_endpoint(struct wgx_peer *peer, const struct wgx_endpoint *ep)
{
	struct wgx_relay *relay = peer->relay;
	struct wgx_endpoint_key key;
	struct wgx_peer *other;

	wgx_endpoint_key(&key, ep);
	spin_lock_bh(&relay->ep_lock);
	if (!peer->ep_hashed || memcmp(&key, &peer->ep_key, sizeof(key))) {
		unhash_endpoint(relay, peer);
		/* The newest authenticated owner of an address wins. */
		other = rhashtable_lookup_fast(&relay->endpoints, &key,
					       wgx_endpoint_params);
		if (other)
			unhash_endpoint(relay, other);
		peer->ep_key = key;
		peer->ep_hashed = !rhashtable_insert_fast(&relay->endpoints,
							  &peer->ep_node,
							  wgx_endpoint_params);
	}
	if (!wgx_endpoint_eq(&peer->endpoint, ep)) {
		write_lock_bh(&peer->endpoint_lock);
		peer->endpoint = *ep;
		dst_cache_reset(&peer->endpoint_cache);
		write_unlock_bh(&peer->endpoint_lock);
	}
	spin_unlock_bh(&relay->ep_lock);
	WRITE_ONCE(peer->last_auth, ktime_get_coarse_boottime_ns());
}

void wgx_peer_clear_endpoint(struct wgx_peer *peer)
{
	struct wgx_relay *relay = peer->relay;

	spin_lock_bh(&relay->ep_lock);
	unhash_endpoint(relay, peer);
	spin_unlock_bh(&relay->ep_lock);
	WRITE_ONCE(peer->last_auth, 0);
}

#define keypair_slot(peer, slot) \
	rcu_dereference_protected((peer)->slot, \
				  lockdep_is_held(&(peer)->relay->lock))

static void keypair_drop(struct wgx_relay *relay, struct wgx_keypair *kp)
{
	if (!kp)
		return;
	if (kp->hashed) {
		rhashtable_remove_fast(&relay->keypairs, &kp->node,
				       wgx_keypair_params);
		kp->hashed = false;
	}
	wgx_keypair_put(kp);
}

int wgx_peer_add_keypair(struct wgx_peer *peer, struct wgx_keypair *kp)
{
	struct wgx_relay *relay = peer->relay;
	int tries, ret = -EEXIST;

	lockdep_assert_held(&relay->lock);
	/* A random local index not in use by another of our sessions. */
	for (tries = 0; tries < 8 && ret == -EEXIST; tries++) {
		kp->local_index = (__force __le32)get_random_u32();
		ret = rhashtable_lookup_insert_fast(&relay->keypairs, &kp->node,
						    wgx_keypair_params);
	}
	if (ret)
		return ret;
	kp->hashed = true;
	keypair_drop(relay, keypair_slot(peer, next_keypair));
	rcu_assign_pointer(peer->next_keypair, kp);
	return 0;
}

void wgx_peer_confirm_keypair(struct wgx_peer *peer, struct wgx_keypair *kp)
{
	struct wgx_relay *relay = peer->relay;

	lockdep_assert_held(&relay->lock);
	if (keypair_slot(peer, next_keypair) != kp)
		return;
	keypair_drop(relay, keypair_slot(peer, previous_keypair));
	rcu_assign_pointer(peer->previous_keypair,
			   keypair_slot(peer, current_keypair));
	rcu_assign_pointer(peer->current_keypair, kp);
	RCU_INIT_POINTER(peer->next_keypair, NULL);
}

void wgx_peer_clear_keypairs(struct wgx_peer *peer)
{
	struct wgx_relay *relay = peer->relay;
	struct wgx_keypair *next, *cur, *prev;

	lockdep_assert_held(&relay->lock);
	next = keypair_slot(peer, next_keypair);
	cur = keypair_slot(peer, current_keypair);
	prev = keypair_slot(peer, previous_keypair);
	RCU_INIT_POINTER(peer->next_keypair, NULL);
	RCU_INIT_POINTER(peer->current_keypair, NULL);
	RCU_INIT_POINTER(peer->previous_keypair, NULL);
	keypair_drop(relay, next);
	keypair_drop(relay, cur);
	keypair_drop(relay, prev);
}

/* Drop keypairs that can no longer receive. */
static bool expire_keypairs(struct wgx_peer *peer)
{
	struct wgx_relay *relay = peer->relay;
	struct wgx_keypair *kp;
	bool any = false;

#define EXPIRE(slot) do { \
	kp = keypair_slot(peer, slot); \
	if (kp && !wgx_keypair_usable(kp)) { \
		RCU_INIT_POINTER(peer->slot, NULL); \
		keypair_drop(relay, kp); \
	} else if (kp) { \
		any = true; \
	} \
} while (0)
	EXPIRE(next_keypair);
	EXPIRE(current_keypair);
	EXPIRE(previous_keypair);
#undef EXPIRE
	return any;
}

static void peer_remove(struct wgx_relay *relay, struct wgx_peer *peer)
{
	wgx_peer_clear_keypairs(peer);
	wgx_peer_clear_endpoint(peer);
	rhashtable_remove_fast(&relay->peers, &peer->node, wgx_peer_params);
	list_del(&peer->list);
	relay->peer_count--;
	relay->generation++;
	wgx_ctrl_state_free(peer);
	pr_debug("%s: peer %*phN removed\n", relay->name, 8, peer->public_key);
	wgx_peer_put(peer);
}

void wgx_peer_gc(struct wgx_relay *relay, bool all)
{
	u64 now = ktime_get_coarse_boottime_ns();
	struct wgx_peer *peer, *tmp;

	lockdep_assert_held(&relay->lock);
	list_for_each_entry_safe(peer, tmp, &relay->peer_list, list) {
		bool sessions;

		if (all) {
			peer_remove(relay, peer);
			continue;
		}
		sessions = expire_keypairs(peer);
		if (peer->ep_hashed && !wgx_peer_online(peer)) {
			spin_lock_bh(&relay->ep_lock);
			unhash_endpoint(relay, peer);
			spin_unlock_bh(&relay->ep_lock);
		}
		if (!sessions && !peer->hub_route_count &&
		    !peer->spoke_route_count &&
		    now - READ_ONCE(peer->last_auth) >
			    (u64)PEER_IDLE_LIFETIME * NSEC_PER_SEC)
			peer_remove(relay, peer);
	}
}

void wgx_peer_rekey_all(struct wgx_relay *relay)
{
	struct wgx_peer *peer;

	lockdep_assert_held(&relay->lock);
	list_for_each_entry(peer, &relay->peer_list, list) {
		wgx_peer_clear_keypairs(peer);
		memset(peer->latest_timestamp, 0, NOISE_TIMESTAMP_LEN);
		wgx_noise_precompute_static_static(peer->static_static,
						   relay->static_private,
						   peer->public_key);
	}
}
