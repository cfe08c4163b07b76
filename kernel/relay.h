/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WGX_RELAY_H
#define _WGX_RELAY_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <net/net_namespace.h>

/*
 * Per network namespace state. @lock serialises every change to the set of
 * relays of the namespace and to any relay's configuration (netlink and the
 * control work); @relays is walked under @lock, or under RCU for readers.
 */
struct wgx_net {
	struct net *net;
	struct mutex lock;
	struct list_head relays;	/* struct wgx_relay.list; lock / RCU */
	unsigned int relay_count;	/* lock */
	u64 generation;			/* bumped on any change; lock */
};

struct wgx_net *wgx_net(struct net *net);

int wgx_relay_pernet_init(void);
void wgx_relay_pernet_uninit(void);

#endif /* _WGX_RELAY_H */
