// SPDX-License-Identifier: GPL-2.0
/*
 * Transport data of the relay's own sessions (whitepaper 5.4.6).
 */
#include "control.h"
#include "noise.h"
#include "peer.h"
#include "receive.h"
#include "relay.h"
#include "session.h"
#include "socket.h"

#include <linux/rhashtable.h>
#include <linux/skbuff.h>

int wgx_session_send(struct wgx_peer *peer, struct wgx_keypair *kp,
		     const void *plain, size_t len)
{
	size_t padded = ALIGN(len, MESSAGE_PADDING_MULTIPLE);
	struct message_data *msg;
	struct sk_buff *skb;
	u64 counter;
	u8 *data;

	lockdep_assert_held(&peer->relay->lock);
	if (!wgx_keypair_usable(kp))
		return -EKEYEXPIRED;
	counter = atomic64_inc_return(&kp->sending_counter) - 1;
	if (counter >= REJECT_AFTER_MESSAGES)
		return -EKEYEXPIRED;

	skb = alloc_skb(WGX_SEND_HEADROOM + message_data_len(padded), GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, WGX_SEND_HEADROOM);
	skb_reset_inner_headers(skb);
	msg = skb_put(skb, sizeof(*msg));
	msg->header.type = cpu_to_le32(MESSAGE_DATA);
	msg->key_idx = kp->remote_index;
	msg->counter = cpu_to_le64(counter);
	data = skb_put(skb, noise_encrypted_len(padded));
	memcpy(data, plain, len);
	memset(data + len, 0, padded - len);
	chacha20poly1305_encrypt(data, data, padded, NULL, 0, counter,
				 kp->sending_key);
	return wgx_socket_send_skb_to_peer(peer, skb);
}

/* relay->lock held. Every path ends in exactly one counter. */
static void receive_data(struct wgx_relay *relay, struct sk_buff *skb)
{
	struct message_data *msg;
	struct wgx_endpoint src;
	struct wgx_keypair *kp;
	struct wgx_peer *peer;
	size_t len;
	u64 counter;
	bool fresh;

	if (skb_linearize(skb)) {
		wgx_stat_inc(relay, WGX_STAT_DROP_TX_ERROR);
		return;
	}
	msg = (void *)skb->data;
	kp = rhashtable_lookup_fast(&relay->keypairs, &msg->key_idx,
				    wgx_keypair_params);
	if (!kp || !wgx_keypair_usable(kp)) {
		wgx_stat_inc(relay, WGX_STAT_DROP_UNKNOWN_INDEX);
		return;
	}
	peer = kp->peer;
	counter = le64_to_cpu(msg->counter);
	len = skb->len - sizeof(*msg);
	if (!chacha20poly1305_decrypt(msg->encrypted_data, msg->encrypted_data,
				      len, NULL, 0, counter, kp->receiving_key)) {
		wgx_stat_inc(relay, WGX_STAT_DROP_BAD_MAC);
		atomic64_inc(&peer->dropped);
		return;
	}
	spin_lock_bh(&kp->replay_lock);
	fresh = wgx_replay_check(&kp->replay, counter);
	spin_unlock_bh(&kp->replay_lock);
	if (!fresh) {
		wgx_stat_inc(relay, WGX_STAT_DROP_REPLAY);
		atomic64_inc(&peer->dropped);
		return;
	}

	/* Authenticated: confirm the session and follow roaming. */
	wgx_peer_confirm_keypair(peer, kp);
	wgx_socket_endpoint_from_skb(&src, skb);
	wgx_peer_set_endpoint(peer, &src);
	atomic64_add(skb->len, &peer->rx_bytes);
	wgx_stat_inc(relay, WGX_STAT_OWN_DATA);

	len -= NOISE_AUTHTAG_LEN;
	if (len)
		wgx_control_receive(relay, peer, kp, msg->encrypted_data, len);
}

void wgx_own_worker(struct work_struct *work)
{
	struct wgx_relay *relay = container_of(work, struct wgx_relay, own_work);
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&relay->own_queue)) != NULL) {
		mutex_lock(&relay->lock);
		receive_data(relay, skb);
		mutex_unlock(&relay->lock);
		consume_skb(skb);
		cond_resched();
	}
}
