/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WGX_NETLINK_H
#define _WGX_NETLINK_H

int wgx_genetlink_init(void);
void wgx_genetlink_uninit(void);

#endif /* _WGX_NETLINK_H */
