// SPDX-License-Identifier: GPL-2.0
/*
 * UDP sockets of a relay: an IPv4 and an IPv6 kernel socket bound to the
 * listen port, with wgx_receive() as their encapsulation hook.
 */
#include "compat.h"
#include "peer.h"
#include "receive.h"
#include "relay.h"
#include "socket.h"

#include <linux/inetdevice.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

/*
 * A forwarded skb is sent on as it was received: make its head ours, with
 * room for the outer IP and UDP headers and for the link-layer header of the
 * device it leaves by. Only that much: a received packet usually has it
 * already (a NIC's NET_SKB_PAD, or what the sender reserved, before its own
 * Ethernet, IP and UDP headers), where WGX_SEND_HEADROOM, which is sized for
 * any device, would make a new head for nearly every packet.
 */
static int cow_head(struct sk_buff *skb, const struct dst_entry *dst,
		    unsigned int iphdr_len)
{
	return skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
				 iphdr_len + sizeof(struct udphdr));
}

static int send4(struct wgx_relay *relay, struct sk_buff *skb,
		 struct wgx_endpoint *ep, struct dst_cache *cache)
{
	struct flowi4 fl = {
		.saddr = ep->src4.s_addr,
		.daddr = ep->addr4.sin_addr.s_addr,
		.fl4_dport = ep->addr4.sin_port,
		.flowi4_mark = READ_ONCE(relay->fwmark),
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt = NULL;
	struct sock *sock;
	int ret = 0;

	skb_mark_not_on_list(skb);
	/* A forwarded skb still carries what its reception gave it: its
	 * input route (possibly refcounted), its conntrack entry, its receive
	 * timestamp (which sch_fq would take for a send time 10 s beyond its
	 * horizon and drop). None of it belongs to the packet going out. */
	skb_scrub_packet(skb, true);
	skb->dev = NULL;
	skb->mark = fl.flowi4_mark;

	rcu_read_lock_bh();
	sock = rcu_dereference_bh(relay->sock4);
	if (unlikely(!sock)) {
		ret = -ENONET;
		goto err;
	}
	fl.fl4_sport = inet_sk(sock)->inet_sport;
	if (cache)
		rt = dst_cache_get_ip4(cache, &fl.saddr);
	if (!rt) {
		security_sk_classify_flow(sock, flowi4_to_flowi_common(&fl));
		/* The local address the peer talked to may be gone. */
		if (fl.saddr && unlikely(!inet_confirm_addr(sock_net(sock), NULL, 0,
							    fl.saddr, RT_SCOPE_HOST)))
			fl.saddr = 0;
		rt = ip_route_output_flow(sock_net(sock), &fl, sock);
		if (unlikely(fl.saddr && IS_ERR(rt) && PTR_ERR(rt) == -EINVAL)) {
			fl.saddr = 0;
			rt = ip_route_output_flow(sock_net(sock), &fl, sock);
		}
		if (IS_ERR(rt)) {
			ret = PTR_ERR(rt);
			net_dbg_ratelimited("%s: no route to %pISpfsc: %d\n",
					    relay->name, &ep->addr, ret);
			goto err;
		}
		if (cache)
			dst_cache_set_ip4(cache, &rt->dst, fl.saddr);
	}
	if (unlikely(cow_head(skb, &rt->dst, sizeof(struct iphdr)))) {
		ip_rt_put(rt);
		ret = -ENOMEM;
		goto err;
	}
	skb->ignore_df = 1;
	wgx_udp_tunnel_xmit_skb(rt, sock, skb, fl.saddr, fl.daddr, 0,
				ip4_dst_hoplimit(&rt->dst), fl.fl4_sport,
				fl.fl4_dport);
	goto out;
err:
	kfree_skb(skb);
out:
	rcu_read_unlock_bh();
	return ret;
}

static int send6(struct wgx_relay *relay, struct sk_buff *skb,
		 struct wgx_endpoint *ep, struct dst_cache *cache)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct flowi6 fl = {
		.saddr = ep->src6,
		.daddr = ep->addr6.sin6_addr,
		.fl6_dport = ep->addr6.sin6_port,
		.flowi6_mark = READ_ONCE(relay->fwmark),
		.flowi6_oif = ep->addr6.sin6_scope_id,
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst = NULL;
	struct sock *sock;
	int ret = 0;

	skb_mark_not_on_list(skb);
	skb_scrub_packet(skb, true);	/* as in send4() */
	skb->dev = NULL;
	skb->mark = fl.flowi6_mark;

	rcu_read_lock_bh();
	sock = rcu_dereference_bh(relay->sock6);
	if (unlikely(!sock)) {
		ret = -ENONET;
		goto err;
	}
	fl.fl6_sport = inet_sk(sock)->inet_sport;
	if (cache)
		dst = dst_cache_get_ip6(cache, &fl.saddr);
	if (!dst) {
		security_sk_classify_flow(sock, flowi6_to_flowi_common(&fl));
		if (!ipv6_addr_any(&fl.saddr) &&
		    unlikely(!ipv6_chk_addr(sock_net(sock), &fl.saddr, NULL, 0)))
			fl.saddr = in6addr_any;
		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sock), sock, &fl,
						      NULL);
		if (IS_ERR(dst)) {
			ret = PTR_ERR(dst);
			net_dbg_ratelimited("%s: no route to %pISpfsc: %d\n",
					    relay->name, &ep->addr, ret);
			goto err;
		}
		if (cache)
			dst_cache_set_ip6(cache, dst, &fl.saddr);
	}
	if (unlikely(cow_head(skb, dst, sizeof(struct ipv6hdr)))) {
		dst_release(dst);
		ret = -ENOMEM;
		goto err;
	}
	skb->ignore_df = 1;
	wgx_udp_tunnel6_xmit_skb(dst, sock, skb, &fl.saddr, &fl.daddr,
				 ip6_dst_hoplimit(dst), fl.fl6_sport,
				 fl.fl6_dport);
	goto out;
err:
	kfree_skb(skb);
out:
	rcu_read_unlock_bh();
	return ret;
#else
	kfree_skb(skb);
	return -EAFNOSUPPORT;
#endif
}

static int send_to(struct wgx_relay *relay, struct sk_buff *skb,
		   struct wgx_endpoint *ep, struct dst_cache *cache)
{
	if (ep->addr.sa_family == AF_INET)
		return send4(relay, skb, ep, cache);
	if (ep->addr.sa_family == AF_INET6)
		return send6(relay, skb, ep, cache);
	kfree_skb(skb);
	return -EAFNOSUPPORT;
}

int wgx_socket_send_skb_to_peer(struct wgx_peer *peer, struct sk_buff *skb)
{
	struct wgx_endpoint ep;
	size_t len = skb->len;
	int ret;

	read_lock_bh(&peer->endpoint_lock);
	ep = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);
	ret = send_to(peer->relay, skb, &ep, &peer->endpoint_cache);
	if (likely(!ret))
		atomic64_add(len, &peer->tx_bytes);
	return ret;
}

int wgx_socket_send_skb_to_endpoint(struct wgx_relay *relay,
				    const struct wgx_endpoint *ep,
				    struct sk_buff *skb)
{
	struct wgx_endpoint copy = *ep;

	return send_to(relay, skb, &copy, NULL);
}

int wgx_socket_send_buffer_to_endpoint(struct wgx_relay *relay,
				       const struct wgx_endpoint *ep,
				       const void *buf, size_t len)
{
	struct sk_buff *skb = alloc_skb(WGX_SEND_HEADROOM + len, GFP_KERNEL);

	if (unlikely(!skb))
		return -ENOMEM;
	skb_reserve(skb, WGX_SEND_HEADROOM);
	skb_reset_inner_headers(skb);
	skb_put_data(skb, buf, len);
	return wgx_socket_send_skb_to_endpoint(relay, ep, skb);
}

void wgx_socket_endpoint_from_skb(struct wgx_endpoint *ep,
				  const struct sk_buff *skb)
{
	memset(ep, 0, sizeof(*ep));
	if (skb->protocol == htons(ETH_P_IP)) {
		ep->addr4.sin_family = AF_INET;
		ep->addr4.sin_port = udp_hdr(skb)->source;
		ep->addr4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		ep->src4.s_addr = ip_hdr(skb)->daddr;
		ep->src_if4 = skb->skb_iif;
	} else if (IS_ENABLED(CONFIG_IPV6) && skb->protocol == htons(ETH_P_IPV6)) {
		ep->addr6.sin6_family = AF_INET6;
		ep->addr6.sin6_port = udp_hdr(skb)->source;
		ep->addr6.sin6_addr = ipv6_hdr(skb)->saddr;
		ep->addr6.sin6_scope_id = ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr,
							      skb->skb_iif);
		ep->src6 = ipv6_hdr(skb)->daddr;
	}
}

static void set_sock_opts(struct socket *sock)
{
	sock->sk->sk_allocation = GFP_ATOMIC;
	sock->sk->sk_sndbuf = INT_MAX;
	sk_set_memalloc(sock->sk);
}

static int open_sock(struct wgx_relay *relay, int family, u16 port,
		     struct socket **out)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = relay,
		.encap_type = 1,
		.encap_rcv = wgx_receive,
	};
	struct udp_port_cfg port_cfg = {
		.family = family,
		.local_udp_port = htons(port),
		.use_udp_checksums = true,
	};
	int ret;

	if (family == AF_INET) {
		port_cfg.local_ip.s_addr = htonl(INADDR_ANY);
	} else {
		port_cfg.local_ip6 = in6addr_any;
		port_cfg.ipv6_v6only = true;
	}
	ret = udp_sock_create(relay->net, &port_cfg, out);
	if (ret)
		return ret;
	set_sock_opts(*out);
	setup_udp_tunnel_sock(relay->net, *out, &cfg);
	return 0;
}

static void close_sock(struct sock *sk)
{
	if (!sk)
		return;
	sk_clear_memalloc(sk);
	udp_tunnel_sock_release(sk->sk_socket);
}

int wgx_socket_init(struct wgx_relay *relay, u16 port)
{
	struct socket *new4 = NULL, *new6 = NULL;
	struct sock *old4, *old6;
	int ret;

	lockdep_assert_held(&relay->lock);
	ret = open_sock(relay, AF_INET, port, &new4);
	if (ret)
		return ret;
#if IS_ENABLED(CONFIG_IPV6)
	if (ipv6_mod_enabled()) {
		ret = open_sock(relay, AF_INET6, port, &new6);
		if (ret == -EAFNOSUPPORT) {
			new6 = NULL;	/* IPv6 disabled in this namespace */
		} else if (ret) {
			close_sock(new4->sk);
			return ret;
		}
	}
#endif
	old4 = rcu_dereference_protected(relay->sock4, lockdep_is_held(&relay->lock));
	old6 = rcu_dereference_protected(relay->sock6, lockdep_is_held(&relay->lock));
	rcu_assign_pointer(relay->sock4, new4->sk);
	rcu_assign_pointer(relay->sock6, new6 ? new6->sk : NULL);
	synchronize_net();
	close_sock(old4);
	close_sock(old6);
	relay->port = port;
	return 0;
}

void wgx_socket_uninit(struct wgx_relay *relay)
{
	struct sock *old4, *old6;

	lockdep_assert_held(&relay->lock);
	old4 = rcu_dereference_protected(relay->sock4, lockdep_is_held(&relay->lock));
	old6 = rcu_dereference_protected(relay->sock6, lockdep_is_held(&relay->lock));
	RCU_INIT_POINTER(relay->sock4, NULL);
	RCU_INIT_POINTER(relay->sock6, NULL);
	synchronize_net();
	close_sock(old4);
	close_sock(old6);
}
