/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay's own transport sessions: decrypting what peers send to the
 * relay itself and encrypting its answers.
 */
#ifndef _WGX_SESSION_H
#define _WGX_SESSION_H

#include <linux/types.h>

struct wgx_keypair;
struct wgx_peer;

/* relay->lock held. Encrypt @len bytes of @plain (an inner IP packet) in
 * @kp and send it to the peer. */
int wgx_session_send(struct wgx_peer *peer, struct wgx_keypair *kp,
		     const void *plain, size_t len);

#endif /* _WGX_SESSION_H */
