// SPDX-License-Identifier: GPL-2.0
/*
 * Classification of every datagram the relay receives, and forwarding of
 * hub <-> spoke messages without decrypting them. Softirq: lengths and types
 * first, then RCU lookups; packets for the relay itself go to its workers.
 */
#include "classify.h"
#include "cookie.h"
#include "noise.h"
#include "peer.h"
#include "receive.h"
#include "relay.h"
#include "route.h"
#include "socket.h"

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rhashtable.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <uapi/linux/wgx_ctrl.h>

/* Leave skb->data at the UDP payload; -EINVAL for a malformed datagram. */
static int prepare_skb_header(struct sk_buff *skb)
{
	size_t data_offset, data_len;
	struct udphdr *udp;

	if (unlikely((skb->protocol != htons(ETH_P_IP) &&
		      skb->protocol != htons(ETH_P_IPV6)) ||
		     skb_transport_header(skb) < skb->head ||
		     skb_transport_header(skb) + sizeof(struct udphdr) >
			     skb_tail_pointer(skb)))
		return -EINVAL;
	udp = udp_hdr(skb);
	data_offset = (u8 *)udp - skb->data;
	if (unlikely(data_offset > U16_MAX ||
		     data_offset + sizeof(struct udphdr) > skb->len))
		return -EINVAL;
	data_len = ntohs(udp->len);
	if (unlikely(data_len < sizeof(struct udphdr) ||
		     data_len > skb->len - data_offset))
		return -EINVAL;
	data_len -= sizeof(struct udphdr);
	data_offset = (u8 *)udp + sizeof(struct udphdr) - skb->data;
	if (unlikely(!pskb_may_pull(skb, data_offset + sizeof(struct message_header)) ||
		     pskb_trim(skb, data_len + data_offset) < 0))
		return -EINVAL;
	skb_pull(skb, data_offset);
	if (unlikely(skb->len != data_len))
		return -EINVAL;
	return 0;
}

static void drop(struct wgx_relay *relay, struct sk_buff *skb,
		 struct wgx_peer *peer, enum wgx_stat why)
{
	wgx_stat_inc(relay, why);
	if (peer)
		atomic64_inc(&peer->dropped);
	kfree_skb(skb);
}

/* The counter of why wgx_index_learn() refused. */
static enum wgx_stat learn_error(int err)
{
	if (err == -EEXIST)
		return WGX_STAT_DROP_REPLAY;
	if (err == -ENOENT)
		return WGX_STAT_DROP_NO_ROUTE;
	return WGX_STAT_DROP_RATELIMITED;	/* out of memory */
}

/* Send @skb from @from on to @to, along @route in direction @dir. */
static void forward(struct wgx_relay *relay, struct sk_buff *skb,
		    struct wgx_peer *from, struct wgx_peer *to,
		    struct wgx_route *route, enum wgx_route_dir dir)
{
	unsigned int len = skb->len;

	atomic64_add(len, &from->rx_bytes);
	atomic64_add(len, &route->bytes[dir]);
	atomic64_inc(&route->packets[dir]);
	if (unlikely(wgx_socket_send_skb_to_peer(to, skb))) {
		wgx_stat_inc(relay, WGX_STAT_DROP_TX_ERROR);
		return;
	}
	wgx_stat_inc(relay, WGX_STAT_FWD_PACKETS);
	wgx_stat_add(relay, WGX_STAT_FWD_BYTES, len);
}

/*
 * An initiation not keyed to the relay: the mac1 names its destination.
 * Only a key that the sender has a route to is tried, in both directions
 * (a spoke to its hubs, a hub to its spokes). The caller charged it to the
 * sender's endpoint.
 */
static void forward_initiation(struct wgx_relay *relay, struct sk_buff *skb,
			       struct wgx_peer *from)
{
	struct message_handshake_initiation *msg = (void *)skb->data;
	struct wgx_route *route, *found = NULL;
	enum wgx_route_dir dir = WGX_DIR_SPOKE_TO_HUB;
	struct wgx_peer *to = NULL;
	int err;

	/* Remembered whatever becomes of it: a replay of an initiation that
	 * was refused (say, before its route existed) must not pass later. */
	if (wgx_initiation_seen(relay, msg->macs.mac1)) {
		drop(relay, skb, from, WGX_STAT_DROP_REPLAY);
		return;
	}

	list_for_each_entry_rcu(route, &from->spoke_routes, spoke_entry) {
		if (wgx_mac1_check(msg, sizeof(*msg), route->hub->mac1_key)) {
			found = route;
			to = route->hub;
			dir = WGX_DIR_SPOKE_TO_HUB;
			break;
		}
	}
	if (!found) {
		list_for_each_entry_rcu(route, &from->hub_routes, hub_entry) {
			if (wgx_mac1_check(msg, sizeof(*msg),
					   route->spoke->mac1_key)) {
				found = route;
				to = route->spoke;
				dir = WGX_DIR_HUB_TO_SPOKE;
				break;
			}
		}
	}
	if (!found) {
		drop(relay, skb, from, WGX_STAT_DROP_NO_ROUTE);
		return;
	}
	if (!wgx_peer_online(to)) {
		drop(relay, skb, from, WGX_STAT_DROP_OFFLINE);
		return;
	}
	if (!wgx_route_allow_initiation(found)) {
		drop(relay, skb, from, WGX_STAT_DROP_RATELIMITED);
		return;
	}

	/* The answer comes from @to with our sender's index as receiver. */
	err = wgx_index_learn(relay, found, to, msg->sender_index, from, !dir,
			      WGX_INDEX_PENDING);
	if (err) {
		drop(relay, skb, from, learn_error(err));
		return;
	}
	wgx_stat_inc(relay, WGX_STAT_FWD_HANDSHAKES);
	forward(relay, skb, from, to, found, dir);
}

/* Responses, cookie replies and transport data: by (sender, index). @idx
 * is the lookup's result when the caller already made it. */
static void forward_by_index(struct wgx_relay *relay, struct sk_buff *skb,
			     struct wgx_peer *from, __le32 index, __le32 type,
			     struct wgx_index *idx)
{
	if (!idx)
		idx = wgx_index_lookup(relay, from, index);
	if (!idx) {
		drop(relay, skb, from, WGX_STAT_DROP_UNKNOWN_INDEX);
		return;
	}
	if (!wgx_peer_online(idx->to)) {
		drop(relay, skb, from, WGX_STAT_DROP_OFFLINE);
		return;
	}

	if (type == cpu_to_le32(MESSAGE_HANDSHAKE_RESPONSE)) {
		struct message_handshake_response *msg = (void *)skb->data;
		int err;

		/* A response carries mac1 keyed to the initiator we know. */
		if (!wgx_mac1_check(msg, sizeof(*msg), idx->to->mac1_key)) {
			drop(relay, skb, from, WGX_STAT_DROP_BAD_MAC);
			return;
		}
		/* One response per initiation, none on a session's index: any
		 * other is forged (or replayed) from a peer's address. */
		err = cmpxchg(&idx->state, WGX_INDEX_PENDING, WGX_INDEX_ANSWERED);
		if (err != WGX_INDEX_PENDING) {
			drop(relay, skb, from, err == WGX_INDEX_ANSWERED ?
			     WGX_STAT_DROP_REPLAY : WGX_STAT_DROP_UNKNOWN_INDEX);
			return;
		}
		err = wgx_index_learn(relay, idx->route, idx->to,
				      msg->sender_index, from, !idx->dir,
				      WGX_INDEX_SESSION);

		if (err) {
			drop(relay, skb, from, learn_error(err));
			return;
		}
		WRITE_ONCE(idx->route->last_handshake_real, ktime_get_real_ns());
		wgx_stat_inc(relay, WGX_STAT_FWD_HANDSHAKES);
	} else if (type == cpu_to_le32(MESSAGE_DATA)) {
		/* Replays stop here, even from a spoofed source: the cleartext
		 * counter of each relayed session through a sliding window. */
		u64 counter = le64_to_cpu(((struct message_data *)skb->data)->counter);
		bool fresh;

		spin_lock(&idx->replay_lock);
		fresh = wgx_replay_check_relayed(&idx->replay, counter);
		spin_unlock(&idx->replay_lock);
		if (!fresh) {
			drop(relay, skb, from, WGX_STAT_DROP_REPLAY);
			return;
		}
	}
	forward(relay, skb, from, idx->to, idx->route, idx->dir);
}

static void queue_own(struct wgx_relay *relay, struct sk_buff *skb,
		      struct sk_buff_head *queue, unsigned int max,
		      struct work_struct *work)
{
	unsigned int qlen = skb_queue_len(queue);

	if (queue == &relay->handshake_queue && qlen >= max / 8)
		WRITE_ONCE(relay->last_under_load, ktime_get_coarse_boottime_ns());
	if (unlikely(qlen >= max || READ_ONCE(relay->dying))) {
		drop(relay, skb, NULL, WGX_STAT_DROP_RATELIMITED);
		return;
	}
	skb_queue_tail(queue, skb);
	queue_work(relay->wq, work);
}

/*
 * Under load, whether an initiation from @src may go into the handshake
 * queue: a bounded rate per source address, so that one flooding source
 * cannot fill the queue (and keep the worker busy with cookie replies)
 * while other sources' handshakes wait in vain. A refused source keeps the
 * relay under load.
 */
static bool admit_handshake(struct wgx_relay *relay,
			    const struct wgx_endpoint *src)
{
	if (!wgx_relay_under_load(relay) ||
	    wgx_ratelimiter_allow(&relay->queue_limiter, src))
		return true;
	WRITE_ONCE(relay->last_under_load, ktime_get_coarse_boottime_ns());
	return false;
}

int wgx_receive(struct sock *sk, struct sk_buff *skb)
{
	struct wgx_relay *relay = rcu_dereference_sk_user_data(sk);
	enum wgx_msg_class class;
	struct wgx_endpoint src;
	struct wgx_peer *from;
	__le32 type;

	if (unlikely(!relay)) {
		kfree_skb(skb);
		return 0;
	}
	wgx_stat_inc(relay, WGX_STAT_RX_PACKETS);
	if (unlikely(prepare_skb_header(skb) < 0)) {
		drop(relay, skb, NULL, WGX_STAT_DROP_MALFORMED);
		return 0;
	}
	wgx_stat_add(relay, WGX_STAT_RX_BYTES, skb->len);
	wgx_socket_endpoint_from_skb(&src, skb);
	class = wgx_classify(skb->data, skb->len);
	type = ((struct message_header *)skb->data)->type;
	if (class != WGX_MSG_MALFORMED && class != WGX_MSG_DATA &&
	    !pskb_may_pull(skb, skb->len))
		class = WGX_MSG_MALFORMED;

	switch (class) {
	case WGX_MSG_INITIATION:
		from = wgx_peer_by_endpoint(relay, &src);
		/* Admission before any mac1 is computed. An authenticated
		 * endpoint's initiations, to the relay or to be forwarded,
		 * are charged to the endpoint (a peer sends one every 5 s at
		 * most): a rogue peer's flood costs a lookup per datagram, not
		 * a BLAKE2s. An unknown source can only handshake with the
		 * relay: under load, a bounded rate per source address. */
		if (from ? !wgx_ratelimiter_allow(&relay->peer_limiter, &src) :
			   !admit_handshake(relay, &src)) {
			drop(relay, skb, from, WGX_STAT_DROP_RATELIMITED);
			return 0;
		}
		if (wgx_mac1_check(skb->data, skb->len,
				   relay->cookie_checker.message_mac1_key)) {
			if (from && !admit_handshake(relay, &src)) {
				drop(relay, skb, from, WGX_STAT_DROP_RATELIMITED);
				return 0;
			}
			queue_own(relay, skb, &relay->handshake_queue,
				  MAX_QUEUED_INCOMING_HANDSHAKES,
				  &relay->handshake_work);
			return 0;
		}
		if (!from) {
			drop(relay, skb, NULL, WGX_STAT_DROP_UNKNOWN_ENDPOINT);
			return 0;
		}
		forward_initiation(relay, skb, from);
		return 0;

	case WGX_MSG_KEYQ:
		/* The relay's public key, asked for outside any tunnel: under
		 * load, a bounded rate per source, as initiations. */
		if (!admit_handshake(relay, &src)) {
			drop(relay, skb, NULL, WGX_STAT_DROP_RATELIMITED);
			return 0;
		}
		queue_own(relay, skb, &relay->handshake_queue,
			  MAX_QUEUED_INCOMING_HANDSHAKES, &relay->handshake_work);
		return 0;

	case WGX_MSG_RESPONSE:
	case WGX_MSG_COOKIE:
		from = wgx_peer_by_endpoint(relay, &src);
		if (!from) {
			drop(relay, skb, NULL, WGX_STAT_DROP_UNKNOWN_ENDPOINT);
			return 0;
		}
		forward_by_index(relay, skb, from, class == WGX_MSG_RESPONSE ?
				 ((struct message_handshake_response *)skb->data)->receiver_index :
				 ((struct message_handshake_cookie *)skb->data)->receiver_index,
				 type, NULL);
		return 0;

	case WGX_MSG_DATA: {
		struct wgx_index *idx;
		__le32 key_idx;

		if (!pskb_may_pull(skb, sizeof(struct message_data)))
			break;
		key_idx = ((struct message_data *)skb->data)->key_idx;
		from = wgx_peer_by_endpoint(relay, &src);
		idx = from ? wgx_index_lookup(relay, from, key_idx) : NULL;
		if (idx) {
			forward_by_index(relay, skb, from, key_idx, type, idx);
			return 0;
		}
		/* One of the relay's own sessions: it may have roamed, so the
		 * endpoint need not be known; decryption decides. */
		if (rhashtable_lookup(&relay->keypairs, &key_idx,
				      wgx_keypair_params)) {
			queue_own(relay, skb, &relay->own_queue,
				  MAX_QUEUED_OWN_PACKETS, &relay->own_work);
			return 0;
		}
		drop(relay, skb, from, from ? WGX_STAT_DROP_UNKNOWN_INDEX :
					      WGX_STAT_DROP_UNKNOWN_ENDPOINT);
		return 0;
	}
	case WGX_MSG_MALFORMED:
		break;
	}
	drop(relay, skb, NULL, WGX_STAT_DROP_MALFORMED);
	return 0;
}
