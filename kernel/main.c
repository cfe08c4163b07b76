// SPDX-License-Identifier: GPL-2.0
/*
 * wgx: an authenticated WireGuard relay for hub-and-spoke networks.
 * Module init and exit: the order of everything else.
 */
#include "netlink.h"
#include "noise.h"
#include "relay.h"

#include <linux/init.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/wgx.h>

static int __init wgx_mod_init(void)
{
	int ret;

	wgx_noise_init();
	ret = wgx_relay_pernet_init();
	if (ret)
		goto err_pernet;
	ret = wgx_genetlink_init();
	if (ret)
		goto err_netlink;

	pr_info("wgx %s loaded\n", WGX_VERSION);
	return 0;

err_netlink:
	wgx_relay_pernet_uninit();
err_pernet:
	return ret;
}

static void __exit wgx_mod_exit(void)
{
	wgx_genetlink_uninit();
	wgx_relay_pernet_uninit();
	/* Peers are freed by RCU callbacks that route and keypair callbacks
	 * queue: wait for both generations before the code goes away. */
	rcu_barrier();
	rcu_barrier();
	pr_info("wgx %s unloaded\n", WGX_VERSION);
}

module_init(wgx_mod_init);
module_exit(wgx_mod_exit);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("Authenticated WireGuard relay for hub-and-spoke networks");
MODULE_AUTHOR("wgx developers");
MODULE_VERSION(WGX_VERSION);
MODULE_ALIAS_GENL_FAMILY(WGX_GENL_NAME);
