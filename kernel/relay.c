// SPDX-License-Identifier: GPL-2.0
/*
 * Relays: creation, change and deletion, and the per network namespace
 * state that holds them.
 */
#include "compat.h"
#include "noise.h"
#include "peer.h"
#include "receive.h"
#include "relay.h"
#include "route.h"
#include "socket.h"

#include <linux/bsearch.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/netns/generic.h>

/* Initiations per authenticated source endpoint (to the relay and to be
 * forwarded), charged before any mac1 is computed: generous for a hub that
 * (re)initiates to many spokes at once, still a hard ceiling on a flood. */
#define PEER_HANDSHAKES_PER_SECOND 100
#define PEER_HANDSHAKES_BURST 200
/* The relay's own handshakes under load, per source address. */
#define OWN_HANDSHAKES_PER_SECOND 20
#define OWN_HANDSHAKES_BURST 5
/* Under load, initiations keyed to the relay that one source address may
 * put in the handshake queue (each costs the worker a cookie reply or a
 * handshake; WireGuard sends at most one every REKEY_TIMEOUT per peer, and
 * many peers may share a NAT's address). */
#define QUEUED_HANDSHAKES_PER_SECOND 50
#define QUEUED_HANDSHAKES_BURST 50

static unsigned int wgx_net_id __read_mostly;

struct wgx_net *wgx_net(struct net *net)
{
	return net_generic(net, wgx_net_id);
}

struct wgx_relay *wgx_relay_find(struct wgx_net *wn, const char *name)
{
	struct wgx_relay *relay;

	lockdep_assert_held(&wn->lock);
	list_for_each_entry(relay, &wn->relays, list)
		if (!strcmp(relay->name, name))
			return relay;
	return NULL;
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, NOISE_PUBLIC_KEY_LEN);
}

bool wgx_relay_key_allowed(struct wgx_relay *relay,
			   const u8 key[NOISE_PUBLIC_KEY_LEN])
{
	struct wgx_allowed *allowed;
	bool ret;

	if (READ_ONCE(relay->allow_all))
		return true;
	rcu_read_lock();
	allowed = rcu_dereference(relay->allowed);
	ret = allowed && bsearch(key, allowed->keys, allowed->count,
				 NOISE_PUBLIC_KEY_LEN, key_cmp);
	rcu_read_unlock();
	return ret;
}

bool wgx_relay_under_load(struct wgx_relay *relay)
{
	u64 last = READ_ONCE(relay->last_under_load);

	if (skb_queue_len(&relay->handshake_queue) >=
	    MAX_QUEUED_INCOMING_HANDSHAKES / 8)
		return true;
	return last && ktime_get_coarse_boottime_ns() - last < NSEC_PER_SEC;
}

void wgx_relay_stats(struct wgx_relay *relay, u64 out[__WGX_STAT_COUNT])
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * __WGX_STAT_COUNT);
	for_each_possible_cpu(cpu) {
		u64 *s = per_cpu_ptr(relay->stats, cpu);

		for (i = 0; i < __WGX_STAT_COUNT; i++)
			out[i] += READ_ONCE(s[i]);
	}
}

/* relay->lock held: the new allowed set, from the old one and @cfg. */
static int set_allowed(struct wgx_relay *relay, const struct wgx_relay_config *cfg)
{
	struct wgx_allowed *old, *new;
	unsigned int keep, i, n;

	old = rcu_dereference_protected(relay->allowed,
					lockdep_is_held(&relay->lock));
	if (!cfg->replace_allowed && !cfg->nkeys)
		return 0;
	keep = (!cfg->replace_allowed && old) ? old->count : 0;
	new = kvmalloc(struct_size(new, keys, keep + cfg->nkeys), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	if (keep)
		memcpy(new->keys, old->keys, keep * NOISE_PUBLIC_KEY_LEN);
	memcpy(new->keys[keep], cfg->keys, cfg->nkeys * NOISE_PUBLIC_KEY_LEN);
	sort(new->keys, keep + cfg->nkeys, NOISE_PUBLIC_KEY_LEN, key_cmp, NULL);
	for (i = 0, n = 0; i < keep + cfg->nkeys; i++) {
		if (n && !memcmp(new->keys[n - 1], new->keys[i], NOISE_PUBLIC_KEY_LEN))
			continue;
		memmove(new->keys[n++], new->keys[i], NOISE_PUBLIC_KEY_LEN);
	}
	new->count = n;
	rcu_assign_pointer(relay->allowed, new);
	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

/*
 * relay->lock held: end the sessions of peers that are no longer allowed.
 * Run from the GC, not at the change itself: a large set arrives as one
 * replacing message followed by appending ones, and a peer whose key comes
 * in a later message must not lose its session in between.
 */
static void evict_disallowed(struct wgx_relay *relay)
{
	struct wgx_peer *peer;

	list_for_each_entry(peer, &relay->peer_list, list) {
		if (!READ_ONCE(peer->last_auth) ||
		    wgx_relay_key_allowed(relay, peer->public_key))
			continue;
		wgx_peer_clear_keypairs(peer);
		wgx_peer_clear_endpoint(peer);
		pr_debug("%s: peer %*phN no longer allowed\n", relay->name, 8,
			 peer->public_key);
	}
}

/* relay->lock held. False (and nothing changed) for a key whose public key
 * would be zero. */
static bool set_private_key(struct wgx_relay *relay, const u8 *key)
{
	u8 priv[NOISE_PUBLIC_KEY_LEN], pub[NOISE_PUBLIC_KEY_LEN];

	memcpy(priv, key, NOISE_PUBLIC_KEY_LEN);
	curve25519_clamp_secret(priv);
	if (!curve25519_generate_public(pub, priv)) {
		memzero_explicit(priv, sizeof(priv));
		return false;
	}
	memcpy(relay->static_private, priv, NOISE_PUBLIC_KEY_LEN);
	memcpy(relay->static_public, pub, NOISE_PUBLIC_KEY_LEN);
	wgx_cookie_checker_set_key(&relay->cookie_checker, relay->static_public);
	memzero_explicit(priv, sizeof(priv));
	return true;
}

static void gc_worker(struct work_struct *work)
{
	struct wgx_relay *relay = container_of(to_delayed_work(work),
					       struct wgx_relay, gc_work);

	mutex_lock(&relay->lock);
	if (relay->allowed_changed) {
		evict_disallowed(relay);
		relay->allowed_changed = false;
	}
	wgx_route_gc(relay);
	wgx_peer_gc(relay, false);
	mutex_unlock(&relay->lock);
	wgx_ratelimiter_gc(&relay->own_limiter, false);
	wgx_ratelimiter_gc(&relay->peer_limiter, false);
	wgx_ratelimiter_gc(&relay->queue_limiter, false);
	if (!READ_ONCE(relay->dying))
		queue_delayed_work(relay->wq, &relay->gc_work, GC_INTERVAL * HZ);
}

static void relay_free(struct wgx_relay *relay)
{
	if (relay->wq)
		destroy_workqueue(relay->wq);
	kvfree(relay->recent_init);
	wgx_ratelimiter_uninit(&relay->own_limiter);
	wgx_ratelimiter_uninit(&relay->peer_limiter);
	wgx_ratelimiter_uninit(&relay->queue_limiter);
	rhashtable_destroy(&relay->keypairs);
	rhashtable_destroy(&relay->indices);
	rhashtable_destroy(&relay->routes);
	rhashtable_destroy(&relay->endpoints);
	rhashtable_destroy(&relay->peers);
	kvfree(rcu_dereference_protected(relay->allowed, true));
	free_percpu(relay->stats);
	kfree_sensitive(relay);
}

int wgx_relay_create(struct wgx_net *wn, const struct wgx_relay_config *cfg,
		     struct netlink_ext_ack *extack)
{
	struct wgx_relay *relay;
	int ret = -ENOMEM;

	lockdep_assert_held(&wn->lock);
	if (wgx_relay_find(wn, cfg->name)) {
		NL_SET_ERR_MSG(extack, "a relay of that name exists");
		return -EEXIST;
	}
	relay = kzalloc(sizeof(*relay), GFP_KERNEL);
	if (!relay)
		return -ENOMEM;
	relay->wn = wn;
	relay->net = wn->net;
	/* Not 0: a dump's first sequence number 0 is never checked. */
	relay->generation = 1;
	strscpy(relay->name, cfg->name, sizeof(relay->name));
	mutex_init(&relay->lock);
	spin_lock_init(&relay->ep_lock);
	INIT_LIST_HEAD(&relay->peer_list);
	skb_queue_head_init(&relay->handshake_queue);
	skb_queue_head_init(&relay->own_queue);
	INIT_WORK(&relay->handshake_work, wgx_handshake_worker);
	INIT_WORK(&relay->own_work, wgx_own_worker);
	INIT_DELAYED_WORK(&relay->gc_work, gc_worker);
	atomic_set(&relay->index_count, 0);
	wgx_cookie_checker_init(&relay->cookie_checker);

	/* Each init is undone by relay_free() whatever its state. */
	relay->stats = __alloc_percpu(sizeof(u64) * __WGX_STAT_COUNT,
				      __alignof__(u64));
	if (!relay->stats ||
	    rhashtable_init(&relay->peers, &wgx_peer_params))
		goto err_free_early;
	if (rhashtable_init(&relay->endpoints, &wgx_endpoint_params))
		goto err_peers;
	if (rhashtable_init(&relay->routes, &wgx_route_params))
		goto err_endpoints;
	if (rhashtable_init(&relay->indices, &wgx_index_params))
		goto err_routes;
	if (rhashtable_init(&relay->keypairs, &wgx_keypair_params))
		goto err_indices;
	if (wgx_ratelimiter_init(&relay->own_limiter, OWN_HANDSHAKES_PER_SECOND,
				 OWN_HANDSHAKES_BURST, false) ||
	    wgx_ratelimiter_init(&relay->peer_limiter,
				 PEER_HANDSHAKES_PER_SECOND,
				 PEER_HANDSHAKES_BURST, true) ||
	    wgx_ratelimiter_init(&relay->queue_limiter,
				 QUEUED_HANDSHAKES_PER_SECOND,
				 QUEUED_HANDSHAKES_BURST, false))
		goto err_limiters;
	relay->recent_init = kvcalloc(RECENT_INITIATIONS, sizeof(u64), GFP_KERNEL);
	if (!relay->recent_init)
		goto err_limiters;
	get_random_bytes(&relay->recent_key, sizeof(relay->recent_key));
	relay->wq = alloc_workqueue("wgx-%s", WQ_UNBOUND | WQ_FREEZABLE, 1,
				    relay->name);
	if (!relay->wq)
		goto err_limiters;

	mutex_lock(&relay->lock);
	if (!set_private_key(relay, cfg->private_key)) {
		mutex_unlock(&relay->lock);
		NL_SET_ERR_MSG(extack, "the private key is not usable");
		relay_free(relay);
		return -EINVAL;
	}
	relay->fwmark = cfg->has_fwmark ? cfg->fwmark : 0;
	relay->allow_all = cfg->allow_all;
	ret = set_allowed(relay, cfg);
	if (!ret)
		ret = wgx_socket_init(relay, cfg->port ?: WGX_DEFAULT_PORT);
	mutex_unlock(&relay->lock);
	if (ret) {
		if (ret == -EADDRINUSE)
			NL_SET_ERR_MSG(extack, "the UDP port is in use");
		else
			NL_SET_ERR_MSG(extack, "cannot open the relay's sockets");
		relay_free(relay);
		return ret;
	}
	list_add_tail(&relay->list, &wn->relays);
	wn->relay_count++;
	queue_delayed_work(relay->wq, &relay->gc_work, GC_INTERVAL * HZ);
	pr_debug("relay %s created on port %u\n", relay->name, relay->port);
	return 0;

	/* rhashtable_destroy() needs an initialised table: unwind by hand. */
err_limiters:
	kvfree(relay->recent_init);
	wgx_ratelimiter_uninit(&relay->own_limiter);
	wgx_ratelimiter_uninit(&relay->peer_limiter);
	wgx_ratelimiter_uninit(&relay->queue_limiter);
	rhashtable_destroy(&relay->keypairs);
err_indices:
	rhashtable_destroy(&relay->indices);
err_routes:
	rhashtable_destroy(&relay->routes);
err_endpoints:
	rhashtable_destroy(&relay->endpoints);
err_peers:
	rhashtable_destroy(&relay->peers);
err_free_early:
	free_percpu(relay->stats);
	kfree(relay);
	return -ENOMEM;
}

int wgx_relay_change(struct wgx_relay *relay, const struct wgx_relay_config *cfg,
		     struct netlink_ext_ack *extack)
{
	int ret = 0;

	mutex_lock(&relay->lock);
	if (cfg->port && cfg->port != relay->port) {
		ret = wgx_socket_init(relay, cfg->port);
		if (ret == -EADDRINUSE)
			NL_SET_ERR_MSG(extack, "the UDP port is in use");
		else if (ret)
			NL_SET_ERR_MSG(extack, "cannot open the relay's sockets");
		if (ret)
			goto out;
	}
	if (cfg->replace_allowed || cfg->nkeys) {
		ret = set_allowed(relay, cfg);
		if (ret)
			goto out;
	}
	if (cfg->replace_allowed)
		WRITE_ONCE(relay->allow_all, cfg->allow_all);
	if (cfg->has_fwmark)
		WRITE_ONCE(relay->fwmark, cfg->fwmark);
	if (cfg->private_key) {
		u8 old[NOISE_PUBLIC_KEY_LEN];

		memcpy(old, relay->static_public, NOISE_PUBLIC_KEY_LEN);
		if (!set_private_key(relay, cfg->private_key)) {
			NL_SET_ERR_MSG(extack, "the private key is not usable");
			ret = -EINVAL;
			goto out;
		}
		if (memcmp(old, relay->static_public, NOISE_PUBLIC_KEY_LEN))
			wgx_peer_rekey_all(relay);
	}
	if (cfg->replace_allowed)
		relay->allowed_changed = true;
	relay->generation++;
out:
	mutex_unlock(&relay->lock);
	return ret;
}

void wgx_relay_delete(struct wgx_relay *relay)
{
	struct wgx_peer *peer;
	struct wgx_route *route, *tmp;

	lockdep_assert_held(&relay->wn->lock);
	list_del(&relay->list);
	relay->wn->relay_count--;

	/* No new work, no new packets, then no work in flight. A reader in
	 * softirq that found the relay through a socket before it was closed
	 * sees dying and queues nothing; the grace period after the close
	 * waits for every such reader. */
	mutex_lock(&relay->lock);
	WRITE_ONCE(relay->dying, true);
	wgx_socket_uninit(relay);
	mutex_unlock(&relay->lock);
	synchronize_net();
	cancel_delayed_work_sync(&relay->gc_work);
	flush_workqueue(relay->wq);
	skb_queue_purge(&relay->handshake_queue);
	skb_queue_purge(&relay->own_queue);

	mutex_lock(&relay->lock);
	list_for_each_entry(peer, &relay->peer_list, list)
		list_for_each_entry_safe(route, tmp, &peer->hub_routes, hub_entry)
			wgx_route_del(relay, route);
	wgx_peer_gc(relay, true);
	mutex_unlock(&relay->lock);
	WARN_ON(atomic_read(&relay->index_count));

	/* Let the RCU callbacks of routes, indices and peers run first. */
	rcu_barrier();
	pr_debug("relay %s deleted\n", relay->name);
	relay_free(relay);
}

static int __net_init wgx_net_init(struct net *net)
{
	struct wgx_net *wn = wgx_net(net);

	wn->net = net;
	mutex_init(&wn->lock);
	INIT_LIST_HEAD(&wn->relays);
	return 0;
}

static void __net_exit wgx_net_exit(struct net *net)
{
	struct wgx_net *wn = wgx_net(net);
	struct wgx_relay *relay, *tmp;

	mutex_lock(&wn->lock);
	list_for_each_entry_safe(relay, tmp, &wn->relays, list)
		wgx_relay_delete(relay);
	mutex_unlock(&wn->lock);
}

static struct pernet_operations wgx_net_ops = {
	.init = wgx_net_init,
	.exit = wgx_net_exit,
	.id = &wgx_net_id,
	.size = sizeof(struct wgx_net),
};

int wgx_relay_pernet_init(void)
{
	return register_pernet_subsys(&wgx_net_ops);
}

void wgx_relay_pernet_uninit(void)
{
	unregister_pernet_subsys(&wgx_net_ops);
}
