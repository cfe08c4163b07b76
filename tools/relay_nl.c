// SPDX-License-Identifier: GPL-2.0
/*
 * The relay's netlink messages: request builders, answer parsers, and the
 * plan of a change to a running relay. See relay_nl.h.
 */
#include "relay_nl.h"
#include "fmt.h"
#include "nl.h"
#include "relay_conf.h"

#include <errno.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(RELAY_ENDPOINT_LEN >= FMT_ENDPOINT_LEN, "endpoint room");

/* ---- a growable array of fixed-size items ------------------------------- */

void *vec_push(struct vec *a)
{
	void *item;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		char *p = realloc(a->v, cap * a->size);

		if (!p) {
			a->nomem = true;
			return NULL;
		}
		a->v = p;
		a->cap = cap;
	}
	item = a->v + a->n++ * a->size;
	memset(item, 0, a->size);
	return item;
}

void vec_free(struct vec *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* ---- attributes, with their lengths checked ----------------------------- */

static bool get_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || nla_len(a) != sizeof(*v))
		return false;
	*v = nla_get_u16((struct nlattr *)a);
	return true;
}

static bool get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || nla_len(a) != sizeof(*v))
		return false;
	*v = nla_get_u32((struct nlattr *)a);
	return true;
}

static bool get_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || nla_len(a) != sizeof(*v))
		return false;
	memcpy(v, nla_data(a), sizeof(*v));
	return true;
}

static bool get_key(const struct nlattr *a, uint8_t key[WGX_KEY_LEN])
{
	if (!a || nla_len(a) != WGX_KEY_LEN)
		return false;
	memcpy(key, nla_data(a), WGX_KEY_LEN);
	return true;
}

static bool get_name(const struct nlattr *a, char name[WGX_RELAY_NAME_MAX])
{
	size_t n;

	if (!a || nla_len(a) < 1)
		return false;
	n = strnlen(nla_data(a), (size_t)nla_len(a));
	if (n == (size_t)nla_len(a) || !n || n >= WGX_RELAY_NAME_MAX)
		return false;
	memcpy(name, nla_data(a), n + 1);
	return true;
}

/* ---- answers ------------------------------------------------------------ */

int relay_nl_parse_relay(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[WGX_A_MAX + 1], *a;
	struct vec *out = arg;
	struct relay_info *r;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, WGX_A_MAX, NULL) < 0)
		return NL_SKIP;
	r = vec_push(out);
	if (!r)
		return NL_SKIP;
	if (!get_name(tb[WGX_A_RELAY_NAME], r->name)) {
		out->n--;
		return NL_SKIP;
	}
	r->has_public_key = get_key(tb[WGX_A_PUBLIC_KEY], r->public_key);
	get_u16(tb[WGX_A_LISTEN_PORT], &r->listen_port);
	get_u32(tb[WGX_A_FWMARK], &r->fwmark);
	get_u32(tb[WGX_A_FLAGS], &r->flags);
	get_u32(tb[WGX_A_ALLOWED_COUNT], &r->allowed);
	get_u32(tb[WGX_A_PEER_COUNT], &r->peers);
	get_u32(tb[WGX_A_ROUTE_COUNT], &r->routes);
	get_u32(tb[WGX_A_SESSION_COUNT], &r->sessions);
	get_u32(tb[WGX_A_PEER_ENTRIES], &r->peer_entries);
	get_u32(tb[WGX_A_INDEX_COUNT], &r->indices);
	get_u32(tb[WGX_A_KEYPAIR_COUNT], &r->keypairs);
	get_u32(tb[WGX_A_LIMITER_COUNT], &r->limiter);
	if (tb[WGX_A_STATS]) {
		/* Attribute type i + 1 is counter i. */
		nla_for_each_nested(a, tb[WGX_A_STATS], rem) {
			int type = nla_type(a);
			uint64_t v;

			if (type < 1 || type > RELAY_MAX_STATS || !get_u64(a, &v))
				continue;
			r->stats[type - 1] = v;
			if ((unsigned int)type > r->n_stats)
				r->n_stats = (unsigned int)type;
		}
	}
	return NL_OK;
}

int relay_nl_parse_allowed(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[WGX_A_MAX + 1];
	uint8_t *key;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, WGX_A_MAX, NULL) < 0)
		return NL_SKIP;
	key = vec_push(arg);
	if (key && !get_key(tb[WGX_A_PUBLIC_KEY], key))
		((struct vec *)arg)->n--;
	return NL_OK;
}

int relay_nl_parse_peer(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[WGX_A_MAX + 1], *pb[WGX_PEER_A_MAX + 1];
	struct vec *out = arg;
	struct peer_info *p;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, WGX_A_MAX, NULL) < 0 ||
	    !tb[WGX_A_PEER] ||
	    nla_parse_nested(pb, WGX_PEER_A_MAX, tb[WGX_A_PEER], NULL) < 0)
		return NL_SKIP;
	p = vec_push(out);
	if (!p)
		return NL_SKIP;
	if (!get_key(pb[WGX_PEER_A_PUBLIC_KEY], p->key)) {
		out->n--;
		return NL_SKIP;
	}
	if (pb[WGX_PEER_A_ENDPOINT] &&
	    !fmt_sockaddr(p->endpoint, sizeof(p->endpoint),
			  nla_data(pb[WGX_PEER_A_ENDPOINT]),
			  (size_t)nla_len(pb[WGX_PEER_A_ENDPOINT])))
		p->endpoint[0] = '\0';
	get_u64(pb[WGX_PEER_A_LAST_HANDSHAKE], &p->last_handshake);
	get_u64(pb[WGX_PEER_A_RX_BYTES], &p->rx);
	get_u64(pb[WGX_PEER_A_TX_BYTES], &p->tx);
	get_u64(pb[WGX_PEER_A_DROPPED], &p->dropped);
	get_u32(pb[WGX_PEER_A_FLAGS], &p->flags);
	return NL_OK;
}

int relay_nl_parse_route(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[WGX_A_MAX + 1], *rb[WGX_ROUTE_A_MAX + 1];
	struct vec *out = arg;
	struct route_info *r;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, WGX_A_MAX, NULL) < 0 ||
	    !tb[WGX_A_ROUTE] ||
	    nla_parse_nested(rb, WGX_ROUTE_A_MAX, tb[WGX_A_ROUTE], NULL) < 0)
		return NL_SKIP;
	r = vec_push(out);
	if (r && (!get_key(rb[WGX_ROUTE_A_HUB_KEY], r->hub) ||
		  !get_key(rb[WGX_ROUTE_A_SPOKE_KEY], r->spoke)))
		out->n--;
	return NL_OK;
}

int relay_nl_parse_session(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[WGX_A_MAX + 1], *sb[WGX_SESSION_A_MAX + 1];
	struct vec *out = arg;
	struct session_info *s;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, WGX_A_MAX, NULL) < 0 ||
	    !tb[WGX_A_SESSION] ||
	    nla_parse_nested(sb, WGX_SESSION_A_MAX, tb[WGX_A_SESSION], NULL) < 0)
		return NL_SKIP;
	s = vec_push(out);
	if (!s)
		return NL_SKIP;
	if (!get_key(sb[WGX_SESSION_A_HUB_KEY], s->hub) ||
	    !get_key(sb[WGX_SESSION_A_SPOKE_KEY], s->spoke)) {
		out->n--;
		return NL_SKIP;
	}
	get_u64(sb[WGX_SESSION_A_LAST_HANDSHAKE], &s->last_handshake);
	get_u64(sb[WGX_SESSION_A_HUB_TO_SPOKE_BYTES], &s->h2s_bytes);
	get_u64(sb[WGX_SESSION_A_SPOKE_TO_HUB_BYTES], &s->s2h_bytes);
	get_u64(sb[WGX_SESSION_A_HUB_TO_SPOKE_PACKETS], &s->h2s_packets);
	get_u64(sb[WGX_SESSION_A_SPOKE_TO_HUB_PACKETS], &s->s2h_packets);
	get_u32(sb[WGX_SESSION_A_ACTIVE], &s->active);
	return NL_OK;
}


/* ---- requests ----------------------------------------------------------- */

struct nl_msg *relay_nl_msg(const struct wgx_nl *nl, int cmd, const char *name,
			    size_t nkeys)
{
	struct nl_msg *msg = wgx_nl_msg_size(nl, cmd, 0,
					     nkeys * (NLA_HDRLEN + WGX_KEY_LEN));

	if (msg && nla_put_string(msg, WGX_A_RELAY_NAME, name) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int relay_nl_put_keys(struct nl_msg *msg, const struct key_list *l,
		      size_t from, size_t count)
{
	struct nlattr *nest;

	if (!count)
		return 0;
	/* Strict validation in the kernel wants the nested flag. */
	nest = nla_nest_start(msg, WGX_A_ALLOWED_KEYS | NLA_F_NESTED);
	if (!nest)
		return -ENOMEM;
	for (size_t i = from; i < from + count; i++)
		if (nla_put(msg, WGX_A_KEY, WGX_KEY_LEN, l->keys[i]) < 0)
			return -ENOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

void relay_nl_free(struct nl_msg *msg)
{
	if (!msg)
		return;
	sodium_memzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

struct nl_msg *relay_nl_new(const struct wgx_nl *nl, const struct relay_conf *rc,
			    size_t first)
{
	struct nl_msg *msg = relay_nl_msg(nl, WGX_CMD_NEW_RELAY, rc->name, first);

	if (!msg)
		return NULL;
	if (nla_put(msg, WGX_A_PRIVATE_KEY, WGX_KEY_LEN, rc->private_key) < 0 ||
	    nla_put_u16(msg, WGX_A_LISTEN_PORT, rc->listen_port) < 0 ||
	    (rc->has_fwmark && nla_put_u32(msg, WGX_A_FWMARK, rc->fwmark) < 0) ||
	    nla_put_u32(msg, WGX_A_FLAGS,
			rc->allow_all ? WGX_RELAY_F_ALLOW_ALL : 0) < 0 ||
	    relay_nl_put_keys(msg, &rc->allowed, 0, first)) {
		relay_nl_free(msg);
		return NULL;
	}
	return msg;
}

bool relay_plan_needs_keys(const struct relay_info *cur,
			   const struct relay_conf *rc)
{
	return !!(cur->flags & WGX_RELAY_F_ALLOW_ALL) == rc->allow_all;
}

int relay_plan_update(const struct relay_info *cur,
		      const struct key_list *cur_keys,
		      const struct relay_conf *rc, struct relay_plan *p)
{
	uint8_t pub[WGX_KEY_LEN];

	memset(p, 0, sizeof(*p));
	key_public_from_private(pub, rc->private_key);
	p->new_key = !cur->has_public_key || !key_equal(pub, cur->public_key);
	p->new_port = cur->listen_port != rc->listen_port;
	p->fwmark = rc->has_fwmark ? rc->fwmark : 0;
	p->new_mark = cur->fwmark != p->fwmark;
	p->replace = !relay_plan_needs_keys(cur, rc) || !cur_keys;
	for (size_t i = 0; !p->replace && i < cur_keys->n; i++)
		p->replace = !key_list_contains(&rc->allowed, cur_keys->keys[i]);
	for (size_t i = 0; i < rc->allowed.n; i++) {
		if (!p->replace && key_list_contains(cur_keys, rc->allowed.keys[i]))
			continue;
		if (key_list_add(&p->keys, rc->allowed.keys[i])) {
			relay_plan_free(p);
			return -ENOMEM;
		}
	}
	return 0;
}

bool relay_plan_empty(const struct relay_plan *p)
{
	return !p->new_key && !p->new_port && !p->new_mark && !p->replace &&
	       !p->keys.n;
}

void relay_plan_free(struct relay_plan *p)
{
	key_list_free(&p->keys);
}

struct nl_msg *relay_nl_set(const struct wgx_nl *nl, const struct relay_conf *rc,
			    const struct relay_plan *p, size_t first)
{
	struct nl_msg *msg = relay_nl_msg(nl, WGX_CMD_SET_RELAY, rc->name, first);

	if (!msg)
		return NULL;
	if ((p->new_key &&
	     nla_put(msg, WGX_A_PRIVATE_KEY, WGX_KEY_LEN, rc->private_key) < 0) ||
	    (p->new_port && nla_put_u16(msg, WGX_A_LISTEN_PORT, rc->listen_port) < 0) ||
	    (p->new_mark && nla_put_u32(msg, WGX_A_FWMARK, p->fwmark) < 0) ||
	    (p->replace &&
	     nla_put_u32(msg, WGX_A_FLAGS, WGX_RELAY_F_REPLACE_ALLOWED |
			 (rc->allow_all ? WGX_RELAY_F_ALLOW_ALL : 0)) < 0) ||
	    relay_nl_put_keys(msg, &p->keys, 0, first)) {
		relay_nl_free(msg);
		return NULL;
	}
	return msg;
}
