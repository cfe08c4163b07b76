/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions wgx builds against, in one place.
 */
#ifndef _WGX_COMPAT_H
#define _WGX_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <crypto/utils.h>		/* crypto_memneq() */
#else
#include <crypto/algapi.h>		/* crypto_memneq() */
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include <net/genetlink.h>
#include <net/udp_tunnel.h>

/* 6.2 moved a dump's parsed attributes into a struct genl_info. */
static inline struct nlattr **wgx_dumpit_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* 6.15 added the IP control block flags to udp_tunnel_xmit_skb(). */
static inline void wgx_udp_tunnel_xmit_skb(struct rtable *rt, struct sock *sk,
					   struct sk_buff *skb, __be32 src,
					   __be32 dst, __u8 tos, __u8 ttl,
					   __be16 src_port, __be16 dst_port)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, 0, src_port,
			    dst_port, false, false, 0);
#else
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, 0, src_port,
			    dst_port, false, false);
#endif
}

static inline void wgx_udp_tunnel6_xmit_skb(struct dst_entry *dst,
					    struct sock *sk, struct sk_buff *skb,
					    struct in6_addr *saddr,
					    struct in6_addr *daddr, __u8 ttl,
					    __be16 src_port, __be16 dst_port)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, saddr, daddr, 0, ttl, 0,
			     src_port, dst_port, false, 0);
#else
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, saddr, daddr, 0, ttl, 0,
			     src_port, dst_port, false);
#endif
}

#endif /* _WGX_COMPAT_H */
