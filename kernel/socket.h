/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay's UDP sockets: receive hook and sending to endpoints.
 */
#ifndef _WGX_SOCKET_H
#define _WGX_SOCKET_H

#include <linux/types.h>

struct sk_buff;
struct wgx_endpoint;
struct wgx_peer;
struct wgx_relay;

/* Headroom for the outer IP and UDP headers of everything the relay sends. */
#define WGX_SEND_HEADROOM (LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
			   sizeof(struct udphdr))

/* relay->lock held: open IPv4 and IPv6 sockets on @port (in relay->net),
 * replacing the current ones only on success. */
int wgx_socket_init(struct wgx_relay *relay, u16 port);
/* relay->lock held: close both sockets; waits for receivers to finish. */
void wgx_socket_uninit(struct wgx_relay *relay);

/* Any context. Consume @skb (UDP payload at skb->data) and send it. */
int wgx_socket_send_skb_to_peer(struct wgx_peer *peer, struct sk_buff *skb);
int wgx_socket_send_skb_to_endpoint(struct wgx_relay *relay,
				    const struct wgx_endpoint *ep,
				    struct sk_buff *skb);
/* Process context: copy @buf into a new packet to @ep. */
int wgx_socket_send_buffer_to_endpoint(struct wgx_relay *relay,
				       const struct wgx_endpoint *ep,
				       const void *buf, size_t len);
/* The source endpoint of a received packet, and the local address it was
 * sent to. */
void wgx_socket_endpoint_from_skb(struct wgx_endpoint *ep,
				  const struct sk_buff *skb);

#endif /* _WGX_SOCKET_H */
