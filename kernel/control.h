/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the relay answers inside its own tunnels: ICMP/ICMPv6 echo to any
 * inner address, and the control protocol of include/uapi/linux/wgx_ctrl.h.
 */
#ifndef _WGX_CONTROL_H
#define _WGX_CONTROL_H

#include <linux/types.h>

struct wgx_keypair;
struct wgx_peer;
struct wgx_relay;

/* relay->lock held. @pkt is a decrypted inner IP packet (maybe padded). */
void wgx_control_receive(struct wgx_relay *relay, struct wgx_peer *peer,
			 struct wgx_keypair *kp, u8 *pkt, size_t len);
/* relay->lock held: forget a peer's partial request. */
void wgx_ctrl_state_free(struct wgx_peer *peer);

#endif /* _WGX_CONTROL_H */
