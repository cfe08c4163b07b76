// SPDX-License-Identifier: GPL-2.0
/*
 * The "wgx" generic netlink family: see include/uapi/linux/wgx.h for the ABI.
 * All handlers run in process context under genl_mutex; they take wn->lock
 * and then relay->lock.
 */
#include "compat.h"
#include "netlink.h"
#include "noise.h"
#include "peer.h"
#include "relay.h"
#include "route.h"

#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/linux/wgx.h>

static struct genl_family wgx_genl_family;

static const struct nla_policy allowed_policy[WGX_A_MAX + 1] = {
	[WGX_A_KEY]		= NLA_POLICY_EXACT_LEN(WGX_KEY_LEN),
};

static const struct nla_policy wgx_policy[WGX_A_MAX + 1] = {
	[WGX_A_RELAY_NAME]	= { .type = NLA_NUL_STRING,
				    .len = WGX_RELAY_NAME_MAX - 1 },
	[WGX_A_PRIVATE_KEY]	= NLA_POLICY_EXACT_LEN(WGX_KEY_LEN),
	[WGX_A_LISTEN_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[WGX_A_FWMARK]		= { .type = NLA_U32 },
	[WGX_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, __WGX_RELAY_F_ALL),
	[WGX_A_ALLOWED_KEYS]	= NLA_POLICY_NESTED(allowed_policy),
};

static struct wgx_relay *lookup_relay(struct wgx_net *wn, struct nlattr **attrs,
				      struct netlink_ext_ack *extack)
{
	struct wgx_relay *relay;

	if (!attrs[WGX_A_RELAY_NAME]) {
		NL_SET_ERR_MSG(extack, "the relay name is missing");
		return ERR_PTR(-EINVAL);
	}
	relay = wgx_relay_find(wn, nla_data(attrs[WGX_A_RELAY_NAME]));
	if (!relay) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[WGX_A_RELAY_NAME],
				    "no relay of that name in this namespace");
		return ERR_PTR(-ENOENT);
	}
	return relay;
}

/* Fill @cfg from a NEW_RELAY or SET_RELAY request; keys are kmalloc'd. */
static int parse_config(struct wgx_relay_config *cfg, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct nlattr *attr;
	unsigned int n = 0;
	int rem;

	memset(cfg, 0, sizeof(*cfg));
	if (!attrs[WGX_A_RELAY_NAME] || !nla_len(attrs[WGX_A_RELAY_NAME]) ||
	    !*(char *)nla_data(attrs[WGX_A_RELAY_NAME])) {
		NL_SET_ERR_MSG(info->extack, "the relay name is missing");
		return -EINVAL;
	}
	cfg->name = nla_data(attrs[WGX_A_RELAY_NAME]);
	if (attrs[WGX_A_PRIVATE_KEY]) {
		static const u8 zero[WGX_KEY_LEN];

		cfg->private_key = nla_data(attrs[WGX_A_PRIVATE_KEY]);
		if (!memcmp(cfg->private_key, zero, WGX_KEY_LEN)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[WGX_A_PRIVATE_KEY],
					    "the private key is zero");
			return -EINVAL;
		}
	}
	if (attrs[WGX_A_LISTEN_PORT])
		cfg->port = nla_get_u16(attrs[WGX_A_LISTEN_PORT]);
	if (attrs[WGX_A_FWMARK]) {
		cfg->has_fwmark = true;
		cfg->fwmark = nla_get_u32(attrs[WGX_A_FWMARK]);
	}
	if (attrs[WGX_A_FLAGS]) {
		u32 flags = nla_get_u32(attrs[WGX_A_FLAGS]);

		cfg->allow_all = flags & WGX_RELAY_F_ALLOW_ALL;
		cfg->replace_allowed = flags & WGX_RELAY_F_REPLACE_ALLOWED;
	}
	if (!attrs[WGX_A_ALLOWED_KEYS])
		return 0;
	nla_for_each_nested(attr, attrs[WGX_A_ALLOWED_KEYS], rem) {
		if (nla_type(attr) != WGX_A_KEY) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "allowed keys hold only WGX_A_KEY");
			return -EINVAL;
		}
		n++;
	}
	if (n > WGX_MAX_KEYS_PER_MSG) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[WGX_A_ALLOWED_KEYS],
				    "too many keys in one message");
		return -E2BIG;
	}
	if (!n)
		return 0;
	cfg->keys = kmalloc_array(n, WGX_KEY_LEN, GFP_KERNEL);
	if (!cfg->keys)
		return -ENOMEM;
	n = 0;
	nla_for_each_nested(attr, attrs[WGX_A_ALLOWED_KEYS], rem)
		memcpy((u8 *)cfg->keys + WGX_KEY_LEN * n++, nla_data(attr),
		       WGX_KEY_LEN);
	cfg->nkeys = n;
	return 0;
}

static int wgx_new_relay(struct sk_buff *skb, struct genl_info *info)
{
	struct wgx_net *wn = wgx_net(genl_info_net(info));
	struct wgx_relay_config cfg;
	int ret;

	ret = parse_config(&cfg, info);
	if (ret)
		goto out;
	if (!cfg.private_key) {
		NL_SET_ERR_MSG(info->extack, "a new relay needs a private key");
		ret = -EINVAL;
		goto out;
	}
	cfg.replace_allowed = true;
	mutex_lock(&wn->lock);
	ret = wgx_relay_create(wn, &cfg, info->extack);
	mutex_unlock(&wn->lock);
out:
	kfree(cfg.keys);
	return ret;
}

static int wgx_set_relay(struct sk_buff *skb, struct genl_info *info)
{
	struct wgx_net *wn = wgx_net(genl_info_net(info));
	struct wgx_relay_config cfg;
	struct wgx_relay *relay;
	int ret;

	ret = parse_config(&cfg, info);
	if (ret)
		goto out;
	mutex_lock(&wn->lock);
	relay = lookup_relay(wn, info->attrs, info->extack);
	ret = IS_ERR(relay) ? PTR_ERR(relay) :
			      wgx_relay_change(relay, &cfg, info->extack);
	mutex_unlock(&wn->lock);
out:
	kfree(cfg.keys);
	return ret;
}

static int wgx_del_relay(struct sk_buff *skb, struct genl_info *info)
{
	struct wgx_net *wn = wgx_net(genl_info_net(info));
	struct wgx_relay *relay;
	int ret = 0;

	mutex_lock(&wn->lock);
	relay = lookup_relay(wn, info->attrs, info->extack);
	if (IS_ERR(relay))
		ret = PTR_ERR(relay);
	else
		wgx_relay_delete(relay);
	mutex_unlock(&wn->lock);
	return ret;
}

/* Process context; genl_mutex held. */
static int wgx_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct wgx_net *wn = wgx_net(genl_info_net(info));
	struct sk_buff *msg;
	unsigned int count;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &wgx_genl_family, 0,
				WGX_CMD_GET_INFO);
	if (!hdr)
		goto err;
	mutex_lock(&wn->lock);
	count = wn->relay_count;
	mutex_unlock(&wn->lock);
	if (nla_put_string(msg, WGX_A_VERSION, WGX_VERSION) ||
	    nla_put_u32(msg, WGX_A_RELAY_COUNT, count))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* relay->lock held: peers that completed a handshake (as GET_PEERS lists;
 * declared spokes that never did are not counted). */
static unsigned int authenticated_count(struct wgx_relay *relay)
{
	struct wgx_peer *peer;
	unsigned int n = 0;

	list_for_each_entry(peer, &relay->peer_list, list)
		n += peer->last_handshake_real != 0;
	return n;
}

/* relay->lock held. */
static unsigned int session_count(struct wgx_relay *relay)
{
	struct wgx_route *route;
	struct wgx_peer *peer;
	unsigned int n = 0;

	list_for_each_entry(peer, &relay->peer_list, list)
		list_for_each_entry(route, &peer->hub_routes, hub_entry)
			n += READ_ONCE(route->nindices) != 0;
	return n;
}

static int fill_relay(struct sk_buff *skb, struct wgx_relay *relay)
{
	u64 stats[__WGX_STAT_COUNT];
	struct wgx_allowed *allowed;
	struct nlattr *nest;
	int i;

	lockdep_assert_held(&relay->lock);
	allowed = rcu_dereference_protected(relay->allowed,
					    lockdep_is_held(&relay->lock));
	if (nla_put_string(skb, WGX_A_RELAY_NAME, relay->name) ||
	    nla_put(skb, WGX_A_PUBLIC_KEY, WGX_KEY_LEN, relay->static_public) ||
	    nla_put_u16(skb, WGX_A_LISTEN_PORT, relay->port) ||
	    nla_put_u32(skb, WGX_A_FWMARK, relay->fwmark) ||
	    nla_put_u32(skb, WGX_A_FLAGS,
			relay->allow_all ? WGX_RELAY_F_ALLOW_ALL : 0) ||
	    nla_put_u32(skb, WGX_A_ALLOWED_COUNT, allowed ? allowed->count : 0) ||
	    nla_put_u32(skb, WGX_A_PEER_COUNT, authenticated_count(relay)) ||
	    nla_put_u32(skb, WGX_A_ROUTE_COUNT, relay->route_count) ||
	    nla_put_u32(skb, WGX_A_SESSION_COUNT, session_count(relay)) ||
	    nla_put_u32(skb, WGX_A_PEER_ENTRIES, relay->peer_count) ||
	    nla_put_u32(skb, WGX_A_INDEX_COUNT, atomic_read(&relay->index_count)) ||
	    nla_put_u32(skb, WGX_A_KEYPAIR_COUNT,
			atomic_read(&relay->keypairs.nelems)) ||
	    nla_put_u32(skb, WGX_A_LIMITER_COUNT,
			READ_ONCE(relay->own_limiter.count) +
			READ_ONCE(relay->peer_limiter.count) +
			READ_ONCE(relay->queue_limiter.count)))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, WGX_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	wgx_relay_stats(relay, stats);
	for (i = 0; i < __WGX_STAT_COUNT; i++)
		if (nla_put_u64_64bit(skb, i + 1, stats[i], WGX_STAT_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_relay(struct sk_buff *skb, struct wgx_relay *relay, u32 portid,
		     u32 seq, int flags)
{
	void *hdr = genlmsg_put(skb, portid, seq, &wgx_genl_family, flags,
				WGX_CMD_GET_RELAY);
	int ret;

	if (!hdr)
		return -EMSGSIZE;
	mutex_lock(&relay->lock);
	ret = fill_relay(skb, relay);
	mutex_unlock(&relay->lock);
	if (ret) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int wgx_get_relay_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct wgx_net *wn = wgx_net(genl_info_net(info));
	struct wgx_relay *relay;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&wn->lock);
	relay = lookup_relay(wn, info->attrs, info->extack);
	ret = IS_ERR(relay) ? PTR_ERR(relay) :
			      put_relay(msg, relay, info->snd_portid,
					info->snd_seq, 0);
	mutex_unlock(&wn->lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* Dump state in cb->args: [0] the position of the next object to send. */
static int wgx_get_relay_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wgx_net *wn = wgx_net(sock_net(skb->sk));
	struct wgx_relay *relay;
	long pos = 0;

	mutex_lock(&wn->lock);
	list_for_each_entry(relay, &wn->relays, list) {
		if (pos++ < cb->args[0])
			continue;
		if (put_relay(skb, relay, NETLINK_CB(cb->skb).portid,
			      cb->nlh->nlmsg_seq, NLM_F_MULTI)) {
			pos--;
			break;
		}
	}
	mutex_unlock(&wn->lock);
	cb->args[0] = pos;
	return skb->len;
}

/*
 * The per-relay dumps: one object per message. @fill puts the object at
 * position args[0] onward; returns the new position.
 */
typedef int (*fill_fn)(struct sk_buff *skb, struct wgx_relay *relay,
		       struct netlink_callback *cb, long *pos);

static int dump_relay(struct sk_buff *skb, struct netlink_callback *cb,
		      fill_fn fill)
{
	struct wgx_net *wn = wgx_net(sock_net(skb->sk));
	struct wgx_relay *relay;
	long pos = 0;
	int ret;

	mutex_lock(&wn->lock);
	relay = lookup_relay(wn, wgx_dumpit_attrs(cb), cb->extack);
	if (IS_ERR(relay)) {
		mutex_unlock(&wn->lock);
		return PTR_ERR(relay);
	}
	mutex_lock(&relay->lock);
	cb->seq = relay->generation;
	ret = fill(skb, relay, cb, &pos);
	mutex_unlock(&relay->lock);
	mutex_unlock(&wn->lock);
	if (ret && ret != -EMSGSIZE)
		return ret;
	if (ret == -EMSGSIZE && pos == cb->args[0])
		return -EMSGSIZE;	/* one object is larger than a message */
	cb->args[0] = pos;
	return skb->len;
}

static void *dump_start(struct sk_buff *skb, struct netlink_callback *cb,
			struct wgx_relay *relay, int cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &wgx_genl_family,
				NLM_F_MULTI, cmd);

	if (!hdr)
		return NULL;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_string(skb, WGX_A_RELAY_NAME, relay->name)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

static int put_endpoint(struct sk_buff *skb, struct wgx_peer *peer)
{
	struct wgx_endpoint ep;

	read_lock_bh(&peer->endpoint_lock);
	ep = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);
	if (ep.addr.sa_family == AF_INET)
		return nla_put(skb, WGX_PEER_A_ENDPOINT, sizeof(ep.addr4), &ep.addr4);
	if (ep.addr.sa_family == AF_INET6)
		return nla_put(skb, WGX_PEER_A_ENDPOINT, sizeof(ep.addr6), &ep.addr6);
	return 0;
}

static int fill_peers(struct sk_buff *skb, struct wgx_relay *relay,
		      struct netlink_callback *cb, long *pos)
{
	struct wgx_peer *peer;

	list_for_each_entry(peer, &relay->peer_list, list) {
		struct nlattr *nest;
		u32 flags = 0;
		void *hdr;

		if (!peer->last_handshake_real || (*pos)++ < cb->args[0])
			continue;
		if (wgx_peer_online(peer))
			flags |= WGX_PEER_F_ONLINE;
		if (peer->hub_route_count)
			flags |= WGX_PEER_F_HUB;
		if (peer->spoke_route_count)
			flags |= WGX_PEER_F_SPOKE;
		hdr = dump_start(skb, cb, relay, WGX_CMD_GET_PEERS);
		if (!hdr)
			goto full;
		nest = nla_nest_start(skb, WGX_A_PEER);
		if (!nest ||
		    nla_put(skb, WGX_PEER_A_PUBLIC_KEY, WGX_KEY_LEN, peer->public_key) ||
		    put_endpoint(skb, peer) ||
		    nla_put_u64_64bit(skb, WGX_PEER_A_LAST_HANDSHAKE,
				      peer->last_handshake_real, WGX_PEER_A_PAD) ||
		    nla_put_u64_64bit(skb, WGX_PEER_A_RX_BYTES,
				      atomic64_read(&peer->rx_bytes), WGX_PEER_A_PAD) ||
		    nla_put_u64_64bit(skb, WGX_PEER_A_TX_BYTES,
				      atomic64_read(&peer->tx_bytes), WGX_PEER_A_PAD) ||
		    nla_put_u64_64bit(skb, WGX_PEER_A_DROPPED,
				      atomic64_read(&peer->dropped), WGX_PEER_A_PAD) ||
		    nla_put_u32(skb, WGX_PEER_A_FLAGS, flags)) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
	}
	return 0;
full:
	(*pos)--;
	return -EMSGSIZE;
}

static int fill_allowed(struct sk_buff *skb, struct wgx_relay *relay,
			struct netlink_callback *cb, long *pos)
{
	struct wgx_allowed *allowed;
	unsigned int i;

	allowed = rcu_dereference_protected(relay->allowed,
					    lockdep_is_held(&relay->lock));
	for (i = 0; allowed && i < allowed->count; i++) {
		void *hdr;

		if ((*pos)++ < cb->args[0])
			continue;
		hdr = dump_start(skb, cb, relay, WGX_CMD_GET_ALLOWED);
		if (!hdr)
			goto full;
		if (nla_put(skb, WGX_A_PUBLIC_KEY, WGX_KEY_LEN, allowed->keys[i])) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		genlmsg_end(skb, hdr);
	}
	return 0;
full:
	(*pos)--;
	return -EMSGSIZE;
}

/* Routes and sessions: the same walk, sessions only with a handshake. */
static int fill_routes_or_sessions(struct sk_buff *skb, struct wgx_relay *relay,
				   struct netlink_callback *cb, long *pos,
				   bool sessions)
{
	struct wgx_route *route;
	struct wgx_peer *peer;

	list_for_each_entry(peer, &relay->peer_list, list) {
		list_for_each_entry(route, &peer->hub_routes, hub_entry) {
			u64 hs = READ_ONCE(route->last_handshake_real);
			struct nlattr *nest;
			void *hdr;
			int err;

			if ((sessions && !hs) || (*pos)++ < cb->args[0])
				continue;
			hdr = dump_start(skb, cb, relay, sessions ?
					 WGX_CMD_GET_SESSIONS : WGX_CMD_GET_ROUTES);
			if (!hdr)
				goto full;
			nest = nla_nest_start(skb, sessions ? WGX_A_SESSION :
							      WGX_A_ROUTE);
			err = !nest ||
			      nla_put(skb, 1, WGX_KEY_LEN, route->hub->public_key) ||
			      nla_put(skb, 2, WGX_KEY_LEN, route->spoke->public_key);
			if (!err && sessions)
				err = nla_put_u64_64bit(skb, WGX_SESSION_A_LAST_HANDSHAKE,
							hs, WGX_SESSION_A_PAD) ||
				      nla_put_u64_64bit(skb, WGX_SESSION_A_HUB_TO_SPOKE_BYTES,
							atomic64_read(&route->bytes[WGX_DIR_HUB_TO_SPOKE]),
							WGX_SESSION_A_PAD) ||
				      nla_put_u64_64bit(skb, WGX_SESSION_A_SPOKE_TO_HUB_BYTES,
							atomic64_read(&route->bytes[WGX_DIR_SPOKE_TO_HUB]),
							WGX_SESSION_A_PAD) ||
				      nla_put_u64_64bit(skb, WGX_SESSION_A_HUB_TO_SPOKE_PACKETS,
							atomic64_read(&route->packets[WGX_DIR_HUB_TO_SPOKE]),
							WGX_SESSION_A_PAD) ||
				      nla_put_u64_64bit(skb, WGX_SESSION_A_SPOKE_TO_HUB_PACKETS,
							atomic64_read(&route->packets[WGX_DIR_SPOKE_TO_HUB]),
							WGX_SESSION_A_PAD) ||
				      nla_put_u32(skb, WGX_SESSION_A_ACTIVE,
						  READ_ONCE(route->nindices));
			if (err) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			nla_nest_end(skb, nest);
			genlmsg_end(skb, hdr);
		}
	}
	return 0;
full:
	(*pos)--;
	return -EMSGSIZE;
}

static_assert(WGX_ROUTE_A_HUB_KEY == 1 && WGX_ROUTE_A_SPOKE_KEY == 2);
static_assert(WGX_SESSION_A_HUB_KEY == 1 && WGX_SESSION_A_SPOKE_KEY == 2);

static int fill_routes(struct sk_buff *skb, struct wgx_relay *relay,
		       struct netlink_callback *cb, long *pos)
{
	return fill_routes_or_sessions(skb, relay, cb, pos, false);
}

static int fill_sessions(struct sk_buff *skb, struct wgx_relay *relay,
			 struct netlink_callback *cb, long *pos)
{
	return fill_routes_or_sessions(skb, relay, cb, pos, true);
}

static int wgx_get_peers(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump_relay(skb, cb, fill_peers);
}

static int wgx_get_allowed(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump_relay(skb, cb, fill_allowed);
}

static int wgx_get_routes(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump_relay(skb, cb, fill_routes);
}

static int wgx_get_sessions(struct sk_buff *skb, struct netlink_callback *cb)
{
	return dump_relay(skb, cb, fill_sessions);
}

/*
 * Only GET_INFO (the family's and the module's version, the number of relays)
 * is open to every caller. Changes, and reads of a relay (its public key,
 * its allowed keys, its peers' endpoints, routes and sessions), need
 * CAP_NET_ADMIN in the user namespace that owns the network namespace, as
 * WireGuard's own get_device does: peers' addresses are nobody else's business.
 */
static const struct genl_ops wgx_genl_ops[] = {
	{
		.cmd = WGX_CMD_GET_INFO,
		.doit = wgx_get_info,
	}, {
		.cmd = WGX_CMD_NEW_RELAY,
		.doit = wgx_new_relay,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WGX_CMD_SET_RELAY,
		.doit = wgx_set_relay,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WGX_CMD_DEL_RELAY,
		.doit = wgx_del_relay,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WGX_CMD_GET_RELAY,
		.doit = wgx_get_relay_doit,
		.dumpit = wgx_get_relay_dumpit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WGX_CMD_GET_ALLOWED,
		.dumpit = wgx_get_allowed,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WGX_CMD_GET_PEERS,
		.dumpit = wgx_get_peers,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WGX_CMD_GET_ROUTES,
		.dumpit = wgx_get_routes,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WGX_CMD_GET_SESSIONS,
		.dumpit = wgx_get_sessions,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family wgx_genl_family __ro_after_init = {
	.name = WGX_GENL_NAME,
	.version = WGX_GENL_VERSION,
	.maxattr = WGX_A_MAX,
	.policy = wgx_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = wgx_genl_ops,
	.n_ops = ARRAY_SIZE(wgx_genl_ops),
	.resv_start_op = WGX_CMD_MAX + 1,
};

int __init wgx_genetlink_init(void)
{
	return genl_register_family(&wgx_genl_family);
}

void wgx_genetlink_uninit(void)
{
	genl_unregister_family(&wgx_genl_family);
}
