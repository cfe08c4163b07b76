// SPDX-License-Identifier: GPL-2.0
/*
 * Relays and the per network namespace state that holds them.
 */
#include "relay.h"

#include <linux/slab.h>
#include <net/netns/generic.h>

static unsigned int wgx_net_id __read_mostly;

struct wgx_net *wgx_net(struct net *net)
{
	return net_generic(net, wgx_net_id);
}

static int __net_init wgx_net_init(struct net *net)
{
	struct wgx_net *wn = wgx_net(net);

	wn->net = net;
	mutex_init(&wn->lock);
	INIT_LIST_HEAD(&wn->relays);
	pr_debug("netns %u: state created\n", net->ns.inum);
	return 0;
}

static void __net_exit wgx_net_exit(struct net *net)
{
	struct wgx_net *wn = wgx_net(net);

	WARN_ON(!list_empty(&wn->relays));
	pr_debug("netns %u: state destroyed\n", net->ns.inum);
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
