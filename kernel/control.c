// SPDX-License-Identifier: GPL-2.0
/*
 * Inner packets addressed to the relay: echo requests and control requests.
 * Process context (own worker), relay->lock held throughout.
 */
#include "control.h"
#include "ctrl_parse.h"
#include "noise.h"
#include "peer.h"
#include "relay.h"
#include "route.h"
#include "session.h"

#include <linux/bsearch.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <uapi/linux/wgx_ctrl.h>

/* A partial SET_SPOKES of one hub: chunks collected until all are in. */
struct wgx_ctrl_state {
	bool pending;
	u32 request_id;
	u32 total;
	u16 nchunks;
	u16 received;
	unsigned long *have;			/* nchunks bits */
	u8 (*keys)[NOISE_PUBLIC_KEY_LEN];	/* total keys */
	bool has_last;
	u32 last_request_id;
	u32 last_error;
	u32 last_applied;
};

static_assert(sizeof(struct wgx_ctrl_hdr) == 12);
static_assert(sizeof(struct wgx_keyq) == 64);
static_assert(sizeof(struct wgx_ctrl_set_spokes) == 24);
static_assert(sizeof(struct wgx_ctrl_set_spokes_reply) == 20);
static_assert(sizeof(struct wgx_ctrl_query) == 16);
static_assert(sizeof(struct wgx_ctrl_spoke) == 64);
static_assert(sizeof(struct wgx_ctrl_query_reply) == 32);

/* The largest answer: a query page. */
#define CTRL_REPLY_MAX (sizeof(struct wgx_ctrl_query_reply) + \
			WGX_CTRL_SPOKES_PER_REPLY * sizeof(struct wgx_ctrl_spoke))

static void pending_clear(struct wgx_ctrl_state *st)
{
	kvfree(st->keys);
	bitmap_free(st->have);
	st->keys = NULL;
	st->have = NULL;
	st->pending = false;
}

void wgx_ctrl_state_free(struct wgx_peer *peer)
{
	if (!peer->ctrl)
		return;
	pending_clear(peer->ctrl);
	kfree(peer->ctrl);
	peer->ctrl = NULL;
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, NOISE_PUBLIC_KEY_LEN);
}

/*
 * Replace @hub's whole set of spokes with @keys (sorted and deduplicated
 * here). All or nothing: every key is checked before anything changes, and
 * routes are added before any is removed, so a failure leaves the old set.
 */
static u32 apply_spokes(struct wgx_relay *relay, struct wgx_peer *hub,
			u8 (*keys)[NOISE_PUBLIC_KEY_LEN], u32 total, u32 *applied)
{
	struct wgx_route *route, *tmp, **added = NULL;
	u32 i, n = 0, nadded = 0;

	lockdep_assert_held(&relay->lock);
	sort(keys, total, NOISE_PUBLIC_KEY_LEN, key_cmp, NULL);
	for (i = 0; i < total; i++) {
		if (n && !memcmp(keys[n - 1], keys[i], NOISE_PUBLIC_KEY_LEN))
			continue;
		if (!memcmp(keys[i], hub->public_key, NOISE_PUBLIC_KEY_LEN) ||
		    !wgx_relay_key_allowed(relay, keys[i]))
			return WGX_CTRL_E_NOT_ALLOWED;
		if (n != i)
			memcpy(keys[n], keys[i], NOISE_PUBLIC_KEY_LEN);
		n++;
	}
	if (n) {
		added = kvmalloc_array(n, sizeof(*added), GFP_KERNEL);
		if (!added)
			return WGX_CTRL_E_NOMEM;
	}
	for (i = 0; i < n; i++) {
		struct wgx_peer *spoke = wgx_peer_lookup(relay, keys[i], true);

		if (!spoke)
			goto nomem;
		if (wgx_route_lookup(relay, hub, spoke))
			continue;
		if (wgx_route_add(relay, hub, spoke))
			goto nomem;
		added[nadded++] = wgx_route_lookup(relay, hub, spoke);
	}
	list_for_each_entry_safe(route, tmp, &hub->hub_routes, hub_entry) {
		if (!bsearch(route->spoke->public_key, keys, n,
			     NOISE_PUBLIC_KEY_LEN, key_cmp))
			wgx_route_del(relay, route);
	}
	kvfree(added);
	*applied = n;
	pr_debug("%s: hub %*phN declared %u spokes\n", relay->name, 8,
		 hub->public_key, n);
	return WGX_CTRL_E_OK;
nomem:
	while (nadded)
		wgx_route_del(relay, added[--nadded]);
	kvfree(added);
	return WGX_CTRL_E_NOMEM;
}

static size_t set_reply(void *out, u32 request_id, u32 error, u32 applied)
{
	struct wgx_ctrl_set_spokes_reply *r = out;

	memset(r, 0, sizeof(*r));
	r->hdr.magic = cpu_to_le32(WGX_CTRL_MAGIC);
	r->hdr.version = WGX_CTRL_VERSION;
	r->hdr.type = WGX_CTRL_SET_SPOKES_REPLY;
	r->hdr.request_id = cpu_to_le32(request_id);
	r->error = cpu_to_le32(error);
	r->applied = cpu_to_le32(applied);
	return sizeof(*r);
}

static size_t handle_set_spokes(struct wgx_relay *relay, struct wgx_peer *hub,
				const u8 *req, size_t len, void *out)
{
	struct wgx_ctrl_state *st = hub->ctrl;
	struct wgx_ctrl_chunk c;
	u32 id, total, chunk, nchunks, count;
	int err;

	if (len < sizeof(struct wgx_ctrl_set_spokes))
		return 0;	/* no request id to answer */
	err = wgx_ctrl_parse_set_spokes(req, len, &c);
	id = c.request_id;
	total = c.total;
	chunk = c.chunk;
	nchunks = c.nchunks;
	count = c.count;

	if (!st) {
		st = kzalloc(sizeof(*st), GFP_KERNEL);
		if (!st)
			return set_reply(out, id, WGX_CTRL_E_NOMEM, 0);
		hub->ctrl = st;
	}
	/* A repeat of the request already applied: the same answer. */
	if (st->has_last && st->last_request_id == id && !st->pending)
		return set_reply(out, id, st->last_error, st->last_applied);
	if (err)
		return set_reply(out, id, err, 0);

	if (st->pending && (st->request_id != id || st->total != total))
		pending_clear(st);
	if (!st->pending) {
		st->have = bitmap_zalloc(nchunks, GFP_KERNEL);
		st->keys = total ? kvmalloc_array(total, NOISE_PUBLIC_KEY_LEN,
						  GFP_KERNEL) : NULL;
		if (!st->have || (total && !st->keys)) {
			pending_clear(st);
			return set_reply(out, id, WGX_CTRL_E_NOMEM, 0);
		}
		st->pending = true;
		st->request_id = id;
		st->total = total;
		st->nchunks = nchunks;
		st->received = 0;
	}
	if (test_and_set_bit(chunk, st->have))
		return 0;	/* a duplicate chunk */
	if (count)
		memcpy(st->keys[chunk * WGX_CTRL_KEYS_PER_CHUNK], c.keys,
		       count * NOISE_PUBLIC_KEY_LEN);
	if (++st->received < st->nchunks)
		return 0;

	st->last_applied = 0;
	st->last_error = apply_spokes(relay, hub, st->keys, total,
				      &st->last_applied);
	st->last_request_id = id;
	st->has_last = true;
	pending_clear(st);
	return set_reply(out, id, st->last_error, st->last_applied);
}

static size_t handle_query(struct wgx_relay *relay, struct wgx_peer *hub,
			   const u8 *req, size_t len, void *out)
{
	struct wgx_ctrl_query_reply *r = out;
	struct wgx_route *route;
	u32 offset, pos = 0, n = 0;

	if (wgx_ctrl_parse_query(req, len, &offset))
		return 0;
	memset(r, 0, sizeof(*r));
	r->hdr.magic = cpu_to_le32(WGX_CTRL_MAGIC);
	r->hdr.version = WGX_CTRL_VERSION;
	r->hdr.type = WGX_CTRL_QUERY_REPLY;
	r->hdr.request_id = ((const struct wgx_ctrl_hdr *)req)->request_id;
	r->total = cpu_to_le32(hub->hub_route_count);
	r->offset = cpu_to_le32(offset);

	list_for_each_entry(route, &hub->hub_routes, hub_entry) {
		struct wgx_peer *spoke = route->spoke;
		struct wgx_ctrl_spoke *e;

		if (pos++ < offset)
			continue;
		if (n == WGX_CTRL_SPOKES_PER_REPLY)
			break;
		e = &r->spokes[n++];
		memset(e, 0, sizeof(*e));
		memcpy(e->key, spoke->public_key, NOISE_PUBLIC_KEY_LEN);
		e->last_handshake = cpu_to_le64(spoke->last_handshake_real);
		if (wgx_peer_online(spoke)) {
			e->flags = WGX_CTRL_SPOKE_F_ONLINE;
			read_lock_bh(&spoke->endpoint_lock);
			if (spoke->endpoint.addr.sa_family == AF_INET) {
				e->family = 4;
				memcpy(e->addr, &spoke->endpoint.addr4.sin_addr, 4);
			} else {
				e->family = 6;
				memcpy(e->addr, &spoke->endpoint.addr6.sin6_addr, 16);
			}
			e->port = spoke->endpoint.addr4.sin_port;
			read_unlock_bh(&spoke->endpoint_lock);
		}
	}
	r->count = cpu_to_le16(n);
	return sizeof(*r) + n * sizeof(struct wgx_ctrl_spoke);
}

/* A control request in @req; the answer, if any, in @out. */
static size_t handle_ctrl(struct wgx_relay *relay, struct wgx_peer *peer,
			  const u8 *req, size_t len, void *out)
{
	u32 request_id;
	u8 type;
	int err;

	err = wgx_ctrl_parse_hdr(req, len, &type, &request_id);
	if (err < 0)
		return 0;
	if (err)
		return set_reply(out, request_id, err, 0);
	switch (type) {
	case WGX_CTRL_SET_SPOKES:
		return handle_set_spokes(relay, peer, req, len, out);
	case WGX_CTRL_QUERY:
		return handle_query(relay, peer, req, len, out);
	}
	return 0;
}

/*
 * IPv4: echo requests and UDP to WGX_CTRL_PORT. The answer is built in place
 * of the request when it is an echo (same size), or in @out.
 */
static void receive4(struct wgx_relay *relay, struct wgx_peer *peer,
		     struct wgx_keypair *kp, u8 *pkt, size_t len, u8 *out)
{
	struct iphdr *ip = (void *)pkt;
	size_t ihl, tot;

	if (len < sizeof(*ip) || ip->ihl < 5)
		return;
	ihl = ip->ihl * 4;
	tot = ntohs(ip->tot_len);
	if (tot > len || tot < ihl || ip_fast_csum(pkt, ip->ihl) ||
	    (ip->frag_off & htons(IP_MF | IP_OFFSET)))
		return;

	if (ip->protocol == IPPROTO_ICMP && tot >= ihl + sizeof(struct icmphdr)) {
		struct icmphdr *icmp = (void *)(pkt + ihl);

		if (icmp->type != ICMP_ECHO || icmp->code ||
		    csum_fold(csum_partial(icmp, tot - ihl, 0)))
			return;
		swap(ip->saddr, ip->daddr);
		ip->ttl = 64;
		ip->check = 0;
		ip->check = ip_fast_csum(pkt, ip->ihl);
		icmp->type = ICMP_ECHOREPLY;
		icmp->checksum = 0;
		icmp->checksum = csum_fold(csum_partial(icmp, tot - ihl, 0));
		wgx_session_send(peer, kp, pkt, tot);
		return;
	}
	if (ip->protocol == IPPROTO_UDP && tot >= ihl + sizeof(struct udphdr)) {
		struct udphdr *udp = (void *)(pkt + ihl);
		size_t ulen = ntohs(udp->len), rlen;
		struct iphdr *rip = (void *)out;
		struct udphdr *rudp = (void *)(out + sizeof(*rip));

		if (udp->dest != htons(WGX_CTRL_PORT) || ulen < sizeof(*udp) ||
		    ulen > tot - ihl)
			return;
		rlen = handle_ctrl(relay, peer, (u8 *)(udp + 1),
				   ulen - sizeof(*udp), rudp + 1);
		if (!rlen)
			return;
		memset(rip, 0, sizeof(*rip));
		rip->version = 4;
		rip->ihl = 5;
		rip->tot_len = htons(sizeof(*rip) + sizeof(*rudp) + rlen);
		rip->ttl = 64;
		rip->protocol = IPPROTO_UDP;
		rip->saddr = ip->daddr;
		rip->daddr = ip->saddr;
		rip->check = ip_fast_csum(out, rip->ihl);
		rudp->source = udp->dest;
		rudp->dest = udp->source;
		rudp->len = htons(sizeof(*rudp) + rlen);
		rudp->check = 0;
		rudp->check = csum_tcpudp_magic(rip->saddr, rip->daddr,
						sizeof(*rudp) + rlen, IPPROTO_UDP,
						csum_partial(rudp, sizeof(*rudp) + rlen, 0));
		if (!rudp->check)
			rudp->check = CSUM_MANGLED_0;
		wgx_session_send(peer, kp, out, sizeof(*rip) + sizeof(*rudp) + rlen);
		wgx_stat_inc(relay, WGX_STAT_OWN_CONTROL);
	}
}

static void receive6(struct wgx_relay *relay, struct wgx_peer *peer,
		     struct wgx_keypair *kp, u8 *pkt, size_t len, u8 *out)
{
	struct ipv6hdr *ip6 = (void *)pkt;
	size_t plen;

	if (len < sizeof(*ip6))
		return;
	plen = ntohs(ip6->payload_len);
	if (plen > len - sizeof(*ip6))
		return;

	if (ip6->nexthdr == IPPROTO_ICMPV6 && plen >= sizeof(struct icmp6hdr)) {
		struct icmp6hdr *icmp = (void *)(ip6 + 1);

		if (icmp->icmp6_type != ICMPV6_ECHO_REQUEST || icmp->icmp6_code ||
		    csum_ipv6_magic(&ip6->saddr, &ip6->daddr, plen, IPPROTO_ICMPV6,
				    csum_partial(icmp, plen, 0)))
			return;
		swap(ip6->saddr, ip6->daddr);
		ip6->hop_limit = 64;
		icmp->icmp6_type = ICMPV6_ECHO_REPLY;
		icmp->icmp6_cksum = 0;
		icmp->icmp6_cksum = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, plen,
						    IPPROTO_ICMPV6,
						    csum_partial(icmp, plen, 0));
		wgx_session_send(peer, kp, pkt, sizeof(*ip6) + plen);
		return;
	}
	if (ip6->nexthdr == IPPROTO_UDP && plen >= sizeof(struct udphdr)) {
		struct udphdr *udp = (void *)(ip6 + 1);
		size_t ulen = ntohs(udp->len), rlen;
		struct ipv6hdr *rip = (void *)out;
		struct udphdr *rudp = (void *)(rip + 1);

		if (udp->dest != htons(WGX_CTRL_PORT) || ulen < sizeof(*udp) ||
		    ulen > plen)
			return;
		rlen = handle_ctrl(relay, peer, (u8 *)(udp + 1),
				   ulen - sizeof(*udp), rudp + 1);
		if (!rlen)
			return;
		memset(rip, 0, sizeof(*rip));
		rip->version = 6;
		rip->payload_len = htons(sizeof(*rudp) + rlen);
		rip->nexthdr = IPPROTO_UDP;
		rip->hop_limit = 64;
		rip->saddr = ip6->daddr;
		rip->daddr = ip6->saddr;
		rudp->source = udp->dest;
		rudp->dest = udp->source;
		rudp->len = htons(sizeof(*rudp) + rlen);
		rudp->check = 0;
		rudp->check = csum_ipv6_magic(&rip->saddr, &rip->daddr,
					      sizeof(*rudp) + rlen, IPPROTO_UDP,
					      csum_partial(rudp, sizeof(*rudp) + rlen, 0));
		if (!rudp->check)
			rudp->check = CSUM_MANGLED_0;
		wgx_session_send(peer, kp, out, sizeof(*rip) + sizeof(*rudp) + rlen);
		wgx_stat_inc(relay, WGX_STAT_OWN_CONTROL);
	}
}

void wgx_control_receive(struct wgx_relay *relay, struct wgx_peer *peer,
			 struct wgx_keypair *kp, u8 *pkt, size_t len)
{
	u8 *out;

	lockdep_assert_held(&relay->lock);
	out = kmalloc(sizeof(struct ipv6hdr) + sizeof(struct udphdr) +
		      CTRL_REPLY_MAX, GFP_KERNEL);
	if (!out)
		return;
	if ((pkt[0] >> 4) == 4)
		receive4(relay, peer, kp, pkt, len, out);
	else if ((pkt[0] >> 4) == 6)
		receive6(relay, peer, kp, pkt, len, out);
	kfree(out);
}
