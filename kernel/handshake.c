// SPDX-License-Identifier: GPL-2.0
/*
 * The relay's own handshakes: initiations from hubs and spokes that are
 * keyed to the relay, answered in process context (handshake worker).
 */
#include "compat.h"
#include "cookie.h"
#include "noise.h"
#include "peer.h"
#include "receive.h"
#include "relay.h"
#include "socket.h"

#include <linux/timekeeping.h>
#include <uapi/linux/wgx_ctrl.h>

/* relay->lock held. Every path ends in exactly one counter. */
static void consume_initiation(struct wgx_relay *relay, struct sk_buff *skb)
{
	const struct message_handshake_initiation *msg = (void *)skb->data;
	u8 static_static[NOISE_PUBLIC_KEY_LEN];
	struct message_handshake_response resp;
	struct message_handshake_cookie cookie;
	struct wgx_handshake hs;
	struct wgx_endpoint src;
	struct wgx_keypair *kp;
	struct wgx_peer *peer;
	enum wgx_stat why;
	u64 now;

	wgx_socket_endpoint_from_skb(&src, skb);
	if (wgx_relay_under_load(relay)) {
		enum cookie_mac_state state =
			wgx_cookie_validate(&relay->cookie_checker, msg,
					    sizeof(*msg), &src);

		if (state == INVALID_MAC) {
			why = WGX_STAT_DROP_BAD_MAC;
			goto drop;
		}
		if (state == VALID_MAC_BUT_NO_COOKIE) {
			/* 64 bytes answer 148: never an amplifier. */
			wgx_cookie_message_create(&cookie, msg, sizeof(*msg),
						  msg->sender_index,
						  &relay->cookie_checker, &src);
			wgx_socket_send_buffer_to_endpoint(relay, &src, &cookie,
							   sizeof(cookie));
			wgx_stat_inc(relay, WGX_STAT_COOKIES_SENT);
			return;
		}
		if (!wgx_ratelimiter_allow(&relay->own_limiter, &src)) {
			why = WGX_STAT_DROP_RATELIMITED;
			goto drop;
		}
	}

	why = WGX_STAT_DROP_BAD_MAC;
	if (!wgx_noise_consume_static(&hs, msg, relay->static_private,
				      relay->static_public))
		goto drop_hs;
	if (!wgx_relay_key_allowed(relay, hs.remote_static)) {
		net_dbg_ratelimited("%s: handshake from a key not allowed, %pISpfsc\n",
				    relay->name, &src.addr);
		why = WGX_STAT_DROP_UNKNOWN_KEY;
		goto drop_hs;
	}
	/* Make no peer before the sender proved that it holds the key. */
	peer = wgx_peer_lookup(relay, hs.remote_static, false);
	if (peer)
		memcpy(static_static, peer->static_static, sizeof(static_static));
	else if (!wgx_noise_precompute_static_static(static_static,
						     relay->static_private,
						     hs.remote_static))
		goto drop_hs;
	if (!wgx_noise_consume_timestamp(&hs, msg, static_static))
		goto drop_hs;
	if (!peer) {
		peer = wgx_peer_lookup(relay, hs.remote_static, true);
		if (!peer) {
			why = WGX_STAT_DROP_RATELIMITED;
			goto drop_hs;
		}
	}
	now = ktime_get_coarse_boottime_ns();
	if (memcmp(hs.timestamp, peer->latest_timestamp, NOISE_TIMESTAMP_LEN) <= 0) {
		why = WGX_STAT_DROP_REPLAY;
		goto drop_hs;
	}
	if (peer->last_initiation &&
	    now - peer->last_initiation < NSEC_PER_SEC / INITIATIONS_PER_SECOND) {
		why = WGX_STAT_DROP_RATELIMITED;
		goto drop_hs;
	}
	memcpy(peer->latest_timestamp, hs.timestamp, NOISE_TIMESTAMP_LEN);
	peer->last_initiation = now;

	why = WGX_STAT_DROP_TX_ERROR;
	kp = wgx_keypair_alloc(peer);
	if (!kp)
		goto drop_hs;
	if (!wgx_noise_create_response(&hs, &resp, kp) ||
	    wgx_peer_add_keypair(peer, kp)) {
		wgx_keypair_put(kp);
		goto drop_hs;
	}
	resp.sender_index = kp->local_index;
	wgx_macs_add(&resp, sizeof(resp), peer->mac1_key);

	wgx_peer_set_endpoint(peer, &src);
	peer->last_handshake_real = ktime_get_real_ns();
	atomic64_add(skb->len, &peer->rx_bytes);
	relay->generation++;
	if (wgx_socket_send_buffer_to_endpoint(relay, &src, &resp, sizeof(resp)))
		goto drop_hs;
	atomic64_add(sizeof(resp), &peer->tx_bytes);
	wgx_stat_inc(relay, WGX_STAT_OWN_HANDSHAKES);
	pr_debug("%s: handshake with %*phN at %pISpfsc\n", relay->name, 8,
		 peer->public_key, &src.addr);
	memzero_explicit(&hs, sizeof(hs));
	memzero_explicit(static_static, sizeof(static_static));
	return;

drop_hs:
	memzero_explicit(&hs, sizeof(hs));
	memzero_explicit(static_static, sizeof(static_static));
drop:
	wgx_stat_inc(relay, why);
}

/* relay->lock held. The public key, to a rate-limited source, in a reply no
 * larger than the request. */
static void answer_key_query(struct wgx_relay *relay, struct sk_buff *skb)
{
	const struct wgx_keyq *q = (void *)skb->data;
	struct wgx_endpoint src;
	struct wgx_keyq reply;

	wgx_socket_endpoint_from_skb(&src, skb);
	if (memchr_inv(q->key, 0, sizeof(q->key)) ||
	    memchr_inv(q->zero, 0, sizeof(q->zero))) {
		wgx_stat_inc(relay, WGX_STAT_DROP_MALFORMED);
		return;
	}
	if (!wgx_ratelimiter_allow(&relay->own_limiter, &src)) {
		wgx_stat_inc(relay, WGX_STAT_DROP_RATELIMITED);
		return;
	}
	memset(&reply, 0, sizeof(reply));
	reply.magic = cpu_to_le32(WGX_KEYQ_REPLY_MAGIC);
	reply.nonce = q->nonce;
	memcpy(reply.key, relay->static_public, sizeof(reply.key));
	if (wgx_socket_send_buffer_to_endpoint(relay, &src, &reply, sizeof(reply)))
		wgx_stat_inc(relay, WGX_STAT_DROP_TX_ERROR);
	else
		wgx_stat_inc(relay, WGX_STAT_OWN_CONTROL);
}

void wgx_handshake_worker(struct work_struct *work)
{
	struct wgx_relay *relay = container_of(work, struct wgx_relay,
					       handshake_work);
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&relay->handshake_queue)) != NULL) {
		mutex_lock(&relay->lock);
		if (*(__le32 *)skb->data == cpu_to_le32(WGX_KEYQ_MAGIC))
			answer_key_query(relay, skb);
		else
			consume_initiation(relay, skb);
		mutex_unlock(&relay->lock);
		consume_skb(skb);
		cond_resched();
	}
}
