// SPDX-License-Identifier: GPL-2.0
/*
 * The "wgx" generic netlink family: see include/uapi/linux/wgx.h for the ABI.
 */
#include "netlink.h"
#include "relay.h"

#include <net/genetlink.h>
#include <uapi/linux/wgx.h>

static struct genl_family wgx_genl_family;

static const struct nla_policy wgx_policy[WGX_A_MAX + 1] = {
	[WGX_A_RELAY_NAME]	= { .type = NLA_NUL_STRING,
				    .len = WGX_RELAY_NAME_MAX - 1 },
	[WGX_A_PRIVATE_KEY]	= NLA_POLICY_EXACT_LEN(WGX_KEY_LEN),
	[WGX_A_LISTEN_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[WGX_A_FWMARK]		= { .type = NLA_U32 },
	[WGX_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, __WGX_RELAY_F_ALL),
	[WGX_A_ALLOWED_KEYS]	= { .type = NLA_NESTED },
};

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

static const struct genl_ops wgx_genl_ops[] = {
	{
		.cmd = WGX_CMD_GET_INFO,
		.doit = wgx_get_info,
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
