// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the relay's netlink messages (relay_nl.c): requests are
 * checked the way the module's strict policy checks them, answers are built
 * the way the module builds them, and `up`'s plan of changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "relay_conf.h"
#include "relay_nl.h"

#define FAMILY 0x1d

static const struct wgx_nl fake_nl = { .sock = NULL, .family = FAMILY };

static void make_key(uint8_t key[WGX_KEY_LEN], unsigned int i)
{
	memset(key, 0, WGX_KEY_LEN);
	key[0] = (uint8_t)(i >> 8);
	key[1] = (uint8_t)i;
	key[31] = 0x55;
}

static void conf(struct relay_conf *rc, size_t nkeys, unsigned int first_key)
{
	uint8_t k[WGX_KEY_LEN];

	memset(rc, 0, sizeof(*rc));
	snprintf(rc->name, sizeof(rc->name), "wgx0");
	key_generate_private(rc->private_key);
	rc->listen_port = 8787;
	for (size_t i = 0; i < nkeys; i++) {
		make_key(k, first_key + (unsigned int)i);
		assert_int_equal(key_list_add(&rc->allowed, k), 0);
	}
	key_list_sort_unique(&rc->allowed);
}

/* The module's policy (uapi/linux/wgx.h), checked as the kernel's strict
 * validation would: exact lengths, NLA_F_NESTED on nests, known types. */
struct request {
	uint8_t cmd;
	struct nlattr *tb[WGX_A_MAX + 1];
	size_t nkeys;
	const uint8_t *keys[WGX_MAX_KEYS_PER_MSG + 1];
};

static void check_request(struct nl_msg *msg, struct request *r)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *a;
	int rem;

	assert_int_equal(nlh->nlmsg_type, FAMILY);
	assert_int_equal(gh->version, WGX_GENL_VERSION);
	r->cmd = gh->cmd;
	memset(r->tb, 0, sizeof(r->tb));
	r->nkeys = 0;
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
		int type = nla_type(a);

		assert_true(type > WGX_A_UNSPEC && type <= WGX_A_MAX);
		assert_null(r->tb[type]);	/* no attribute twice */
		r->tb[type] = a;
		switch (type) {
		case WGX_A_RELAY_NAME: {
			size_t n = strnlen(nla_data(a), (size_t)nla_len(a));

			assert_true(n < (size_t)nla_len(a));	/* NUL inside */
			assert_true(n >= 1 && n <= WGX_RELAY_NAME_MAX - 1);
			break;
		}
		case WGX_A_PRIVATE_KEY:
			assert_int_equal(nla_len(a), WGX_KEY_LEN);
			break;
		case WGX_A_LISTEN_PORT:
			assert_int_equal(nla_len(a), 2);
			assert_true(nla_get_u16(a) >= 1);
			break;
		case WGX_A_FWMARK:
			assert_int_equal(nla_len(a), 4);
			break;
		case WGX_A_FLAGS:
			assert_int_equal(nla_len(a), 4);
			assert_int_equal(nla_get_u32(a) & ~(uint32_t)__WGX_RELAY_F_ALL, 0);
			break;
		case WGX_A_ALLOWED_KEYS: {
			struct nlattr *k;
			int krem;

			assert_true(a->nla_type & NLA_F_NESTED);
			nla_for_each_nested(k, a, krem) {
				assert_int_equal(nla_type(k), WGX_A_KEY);
				assert_int_equal(nla_len(k), WGX_KEY_LEN);
				assert_true(r->nkeys < WGX_MAX_KEYS_PER_MSG);
				r->keys[r->nkeys++] = nla_data(k);
			}
			assert_int_equal(krem, 0);
			break;
		}
		default:
			fail_msg("attribute %d in a request", type);
		}
	}
	assert_int_equal(rem, 0);
	assert_non_null(r->tb[WGX_A_RELAY_NAME]);
}

static void test_new_relay(void **state)
{
	struct relay_conf rc;
	struct request r;
	struct nl_msg *msg;

	conf(&rc, 3, 1);
	rc.has_fwmark = true;
	rc.fwmark = 0x51;
	msg = relay_nl_new(&fake_nl, &rc, 3);
	assert_non_null(msg);
	check_request(msg, &r);
	assert_int_equal(r.cmd, WGX_CMD_NEW_RELAY);
	assert_string_equal(nla_get_string(r.tb[WGX_A_RELAY_NAME]), "wgx0");
	assert_memory_equal(nla_data(r.tb[WGX_A_PRIVATE_KEY]), rc.private_key, 32);
	assert_int_equal(nla_get_u16(r.tb[WGX_A_LISTEN_PORT]), 8787);
	assert_int_equal(nla_get_u32(r.tb[WGX_A_FWMARK]), 0x51);
	assert_int_equal(nla_get_u32(r.tb[WGX_A_FLAGS]), 0);
	assert_int_equal(r.nkeys, 3);
	for (size_t i = 0; i < 3; i++)
		assert_memory_equal(r.keys[i], rc.allowed.keys[i], 32);
	relay_nl_free(msg);
	relay_conf_free(&rc);

	/* "all", no keys, no fwmark: no nest, no FWMARK. */
	conf(&rc, 0, 0);
	rc.allow_all = true;
	msg = relay_nl_new(&fake_nl, &rc, 0);
	check_request(msg, &r);
	assert_null(r.tb[WGX_A_ALLOWED_KEYS]);
	assert_null(r.tb[WGX_A_FWMARK]);
	assert_int_equal(nla_get_u32(r.tb[WGX_A_FLAGS]), WGX_RELAY_F_ALLOW_ALL);
	relay_nl_free(msg);
	relay_conf_free(&rc);
}

static void test_full_message(void **state)
{
	struct relay_conf rc;
	struct request r;
	struct nl_msg *msg;

	/* The largest message: WGX_MAX_KEYS_PER_MSG keys fit. */
	conf(&rc, 3000, 0);
	msg = relay_nl_new(&fake_nl, &rc, WGX_MAX_KEYS_PER_MSG);
	assert_non_null(msg);
	check_request(msg, &r);
	assert_int_equal(r.nkeys, WGX_MAX_KEYS_PER_MSG);
	assert_memory_equal(r.keys[WGX_MAX_KEYS_PER_MSG - 1],
			    rc.allowed.keys[WGX_MAX_KEYS_PER_MSG - 1], 32);
	relay_nl_free(msg);
	/* An append message: the name and the keys, nothing else. */
	msg = relay_nl_msg(&fake_nl, WGX_CMD_SET_RELAY, rc.name, WGX_MAX_KEYS_PER_MSG);
	assert_non_null(msg);
	assert_int_equal(relay_nl_put_keys(msg, &rc.allowed, 2048, 952), 0);
	check_request(msg, &r);
	assert_int_equal(r.cmd, WGX_CMD_SET_RELAY);
	assert_int_equal(r.nkeys, 952);
	assert_memory_equal(r.keys[0], rc.allowed.keys[2048], 32);
	assert_null(r.tb[WGX_A_FLAGS]);
	assert_null(r.tb[WGX_A_PRIVATE_KEY]);
	relay_nl_free(msg);
	relay_conf_free(&rc);
}

static void running(struct relay_info *ri, const struct relay_conf *rc)
{
	memset(ri, 0, sizeof(*ri));
	snprintf(ri->name, sizeof(ri->name), "%s", rc->name);
	key_public_from_private(ri->public_key, rc->private_key);
	ri->has_public_key = true;
	ri->listen_port = rc->listen_port;
	ri->fwmark = rc->has_fwmark ? rc->fwmark : 0;
	ri->flags = rc->allow_all ? WGX_RELAY_F_ALLOW_ALL : 0;
}

static void test_plan(void **state)
{
	struct relay_conf rc, old;
	struct relay_info ri;
	struct relay_plan p;
	struct request r;
	struct nl_msg *msg;

	/* Nothing changed. */
	conf(&rc, 10, 0);
	conf(&old, 10, 0);
	running(&ri, &rc);
	assert_true(relay_plan_needs_keys(&ri, &rc));
	assert_int_equal(relay_plan_update(&ri, &old.allowed, &rc, &p), 0);
	assert_true(relay_plan_empty(&p));
	relay_plan_free(&p);
	relay_conf_free(&old);

	/* Keys only added: append just those, no flags. */
	conf(&old, 7, 3);
	assert_int_equal(relay_plan_update(&ri, &old.allowed, &rc, &p), 0);
	assert_false(p.replace);
	assert_int_equal(p.keys.n, 3);
	msg = relay_nl_set(&fake_nl, &rc, &p, p.keys.n);
	check_request(msg, &r);
	assert_int_equal(r.cmd, WGX_CMD_SET_RELAY);
	assert_null(r.tb[WGX_A_FLAGS]);
	assert_null(r.tb[WGX_A_PRIVATE_KEY]);
	assert_null(r.tb[WGX_A_LISTEN_PORT]);
	assert_null(r.tb[WGX_A_FWMARK]);
	assert_int_equal(r.nkeys, 3);
	relay_nl_free(msg);
	relay_plan_free(&p);
	relay_conf_free(&old);

	/* A key removed: replace the whole set. */
	conf(&old, 11, 0);
	assert_int_equal(relay_plan_update(&ri, &old.allowed, &rc, &p), 0);
	assert_true(p.replace);
	assert_int_equal(p.keys.n, 10);
	msg = relay_nl_set(&fake_nl, &rc, &p, p.keys.n);
	check_request(msg, &r);
	assert_int_equal(nla_get_u32(r.tb[WGX_A_FLAGS]), WGX_RELAY_F_REPLACE_ALLOWED);
	assert_int_equal(r.nkeys, 10);
	relay_nl_free(msg);
	relay_plan_free(&p);
	relay_conf_free(&old);

	/* To "all": replace, the set is not even needed. */
	rc.allow_all = true;
	assert_false(relay_plan_needs_keys(&ri, &rc));
	assert_int_equal(relay_plan_update(&ri, NULL, &rc, &p), 0);
	assert_true(p.replace);
	msg = relay_nl_set(&fake_nl, &rc, &p, p.keys.n);
	check_request(msg, &r);
	assert_int_equal(nla_get_u32(r.tb[WGX_A_FLAGS]),
			 WGX_RELAY_F_REPLACE_ALLOWED | WGX_RELAY_F_ALLOW_ALL);
	relay_nl_free(msg);
	relay_plan_free(&p);
	rc.allow_all = false;

	/* New key, port and fwmark (removed from the file: back to 0). */
	ri.fwmark = 7;
	ri.listen_port = 1;
	ri.public_key[0] ^= 1;
	conf(&old, 10, 0);
	assert_int_equal(relay_plan_update(&ri, &old.allowed, &rc, &p), 0);
	assert_true(p.new_key && p.new_port && p.new_mark);
	assert_false(p.replace);
	assert_int_equal(p.keys.n, 0);
	msg = relay_nl_set(&fake_nl, &rc, &p, 0);
	check_request(msg, &r);
	assert_memory_equal(nla_data(r.tb[WGX_A_PRIVATE_KEY]), rc.private_key, 32);
	assert_int_equal(nla_get_u16(r.tb[WGX_A_LISTEN_PORT]), 8787);
	assert_int_equal(nla_get_u32(r.tb[WGX_A_FWMARK]), 0);
	assert_null(r.tb[WGX_A_ALLOWED_KEYS]);
	relay_nl_free(msg);
	relay_plan_free(&p);
	relay_conf_free(&old);
	relay_conf_free(&rc);
}

/* ---- answers as the module builds them ---------------------------------- */

static struct nl_msg *answer(int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 1, FAMILY, 0, NLM_F_MULTI, (uint8_t)cmd,
				    WGX_GENL_VERSION));
	return msg;
}

static void test_parse_relay(void **state)
{
	struct vec v = VEC(struct relay_info);
	struct nl_msg *msg = answer(WGX_CMD_GET_RELAY);
	struct relay_info *r;
	struct nlattr *nest;
	uint8_t key[32];

	make_key(key, 9);
	nla_put_string(msg, WGX_A_RELAY_NAME, "wgx0");
	nla_put(msg, WGX_A_PUBLIC_KEY, 32, key);
	nla_put_u16(msg, WGX_A_LISTEN_PORT, 8787);
	nla_put_u32(msg, WGX_A_FWMARK, 3);
	nla_put_u32(msg, WGX_A_FLAGS, WGX_RELAY_F_ALLOW_ALL);
	nla_put_u32(msg, WGX_A_ALLOWED_COUNT, 12);
	nla_put_u32(msg, WGX_A_PEER_COUNT, 4);
	nla_put_u32(msg, WGX_A_ROUTE_COUNT, 5);
	nla_put_u32(msg, WGX_A_SESSION_COUNT, 6);
	nest = nla_nest_start(msg, WGX_A_STATS | NLA_F_NESTED);
	for (int i = 0; i < __WGX_STAT_COUNT; i++)
		nla_put_u64(msg, i + 1, 1000 + (uint64_t)i);
	nla_put_u64(msg, 30, 77);		/* a newer module's counter */
	nla_put_u32(msg, 31, 1);		/* wrong size: ignored */
	nla_nest_end(msg, nest);
	assert_int_equal(relay_nl_parse_relay(msg, &v), NL_OK);
	nlmsg_free(msg);
	assert_int_equal(v.n, 1);
	r = VEC_AT(&v, struct relay_info, 0);
	assert_string_equal(r->name, "wgx0");
	assert_true(r->has_public_key);
	assert_memory_equal(r->public_key, key, 32);
	assert_int_equal(r->listen_port, 8787);
	assert_int_equal(r->fwmark, 3);
	assert_int_equal(r->flags, WGX_RELAY_F_ALLOW_ALL);
	assert_int_equal(r->allowed, 12);
	assert_int_equal(r->peers, 4);
	assert_int_equal(r->routes, 5);
	assert_int_equal(r->sessions, 6);
	assert_int_equal(r->stats[WGX_STAT_RX_PACKETS], 1000);
	assert_int_equal(r->stats[WGX_STAT_DROP_TX_ERROR], 1000 + WGX_STAT_DROP_TX_ERROR);
	assert_int_equal(r->stats[29], 77);
	assert_int_equal(r->n_stats, 30);

	/* No name, a name without its NUL, a name too long: skipped. */
	msg = answer(WGX_CMD_GET_RELAY);
	nla_put_u16(msg, WGX_A_LISTEN_PORT, 1);
	relay_nl_parse_relay(msg, &v);
	nlmsg_free(msg);
	msg = answer(WGX_CMD_GET_RELAY);
	nla_put(msg, WGX_A_RELAY_NAME, 4, "wgx0");
	relay_nl_parse_relay(msg, &v);
	nlmsg_free(msg);
	msg = answer(WGX_CMD_GET_RELAY);
	nla_put_string(msg, WGX_A_RELAY_NAME, "0123456789abcdef");
	relay_nl_parse_relay(msg, &v);
	nlmsg_free(msg);
	assert_int_equal(v.n, 1);
	/* A public key of the wrong size is not taken. */
	msg = answer(WGX_CMD_GET_RELAY);
	nla_put_string(msg, WGX_A_RELAY_NAME, "b");
	nla_put(msg, WGX_A_PUBLIC_KEY, 31, key);
	nla_put_u32(msg, WGX_A_LISTEN_PORT, 5);	/* wrong size too */
	relay_nl_parse_relay(msg, &v);
	nlmsg_free(msg);
	assert_int_equal(v.n, 2);
	r = VEC_AT(&v, struct relay_info, 1);
	assert_false(r->has_public_key);
	assert_int_equal(r->listen_port, 0);
	vec_free(&v);
}

static void test_parse_peer(void **state)
{
	struct vec v = VEC(struct peer_info);
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(51820) };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct peer_info *p;
	struct nl_msg *msg;
	struct nlattr *nest;
	uint8_t key[32];

	inet_pton(AF_INET6, "2001:db8::9", &sin6.sin6_addr);
	inet_pton(AF_INET, "198.51.100.1", &sin.sin_addr);
	for (int i = 0; i < 4; i++) {
		msg = answer(WGX_CMD_GET_PEERS);
		make_key(key, (unsigned int)i);
		nla_put_string(msg, WGX_A_RELAY_NAME, "wgx0");
		nest = nla_nest_start(msg, WGX_A_PEER | NLA_F_NESTED);
		nla_put(msg, WGX_PEER_A_PUBLIC_KEY, i == 3 ? 16 : 32, key);
		if (i == 0)
			nla_put(msg, WGX_PEER_A_ENDPOINT, sizeof(sin6), &sin6);
		else if (i == 1)
			nla_put(msg, WGX_PEER_A_ENDPOINT, sizeof(sin), &sin);
		else
			nla_put(msg, WGX_PEER_A_ENDPOINT, 3, "abc");
		nla_put_u64(msg, WGX_PEER_A_LAST_HANDSHAKE, 1700000000000000000ULL);
		nla_put_u64(msg, WGX_PEER_A_RX_BYTES, 100);
		nla_put_u64(msg, WGX_PEER_A_TX_BYTES, 200);
		nla_put_u64(msg, WGX_PEER_A_DROPPED, 3);
		nla_put_u32(msg, WGX_PEER_A_FLAGS, WGX_PEER_F_ONLINE | WGX_PEER_F_SPOKE);
		nla_nest_end(msg, nest);
		relay_nl_parse_peer(msg, &v);
		nlmsg_free(msg);
	}
	assert_int_equal(v.n, 3);	/* the one with a short key is skipped */
	p = VEC_AT(&v, struct peer_info, 0);
	assert_string_equal(p->endpoint, "[2001:db8::9]:51820");
	assert_int_equal(p->last_handshake, 1700000000000000000ULL);
	assert_int_equal(p->rx, 100);
	assert_int_equal(p->tx, 200);
	assert_int_equal(p->dropped, 3);
	assert_int_equal(p->flags, WGX_PEER_F_ONLINE | WGX_PEER_F_SPOKE);
	assert_string_equal(VEC_AT(&v, struct peer_info, 1)->endpoint, "198.51.100.1:9");
	assert_string_equal(VEC_AT(&v, struct peer_info, 2)->endpoint, "");
	vec_free(&v);
}

static void test_parse_route_session_allowed(void **state)
{
	struct vec routes = VEC(struct route_info), sessions = VEC(struct session_info);
	struct vec allowed = VEC(uint8_t[WGX_KEY_LEN]);
	struct session_info *s;
	struct nl_msg *msg;
	struct nlattr *nest;
	uint8_t hub[32], spoke[32];

	make_key(hub, 1);
	make_key(spoke, 2);
	msg = answer(WGX_CMD_GET_ROUTES);
	nla_put_string(msg, WGX_A_RELAY_NAME, "wgx0");
	nest = nla_nest_start(msg, WGX_A_ROUTE | NLA_F_NESTED);
	nla_put(msg, WGX_ROUTE_A_HUB_KEY, 32, hub);
	nla_put(msg, WGX_ROUTE_A_SPOKE_KEY, 32, spoke);
	nla_nest_end(msg, nest);
	relay_nl_parse_route(msg, &routes);
	nlmsg_free(msg);
	msg = answer(WGX_CMD_GET_ROUTES);	/* no spoke: skipped */
	nest = nla_nest_start(msg, WGX_A_ROUTE | NLA_F_NESTED);
	nla_put(msg, WGX_ROUTE_A_HUB_KEY, 32, hub);
	nla_nest_end(msg, nest);
	relay_nl_parse_route(msg, &routes);
	nlmsg_free(msg);
	assert_int_equal(routes.n, 1);
	assert_memory_equal(VEC_AT(&routes, struct route_info, 0)->spoke, spoke, 32);

	msg = answer(WGX_CMD_GET_SESSIONS);
	nla_put_string(msg, WGX_A_RELAY_NAME, "wgx0");
	nest = nla_nest_start(msg, WGX_A_SESSION | NLA_F_NESTED);
	nla_put(msg, WGX_SESSION_A_HUB_KEY, 32, hub);
	nla_put(msg, WGX_SESSION_A_SPOKE_KEY, 32, spoke);
	nla_put_u64(msg, WGX_SESSION_A_LAST_HANDSHAKE, 5000000000ULL);
	nla_put_u64(msg, WGX_SESSION_A_HUB_TO_SPOKE_BYTES, 1);
	nla_put_u64(msg, WGX_SESSION_A_SPOKE_TO_HUB_BYTES, 2);
	nla_put_u64(msg, WGX_SESSION_A_HUB_TO_SPOKE_PACKETS, 3);
	nla_put_u64(msg, WGX_SESSION_A_SPOKE_TO_HUB_PACKETS, 4);
	nla_put_u32(msg, WGX_SESSION_A_ACTIVE, 2);
	nla_nest_end(msg, nest);
	relay_nl_parse_session(msg, &sessions);
	nlmsg_free(msg);
	assert_int_equal(sessions.n, 1);
	s = VEC_AT(&sessions, struct session_info, 0);
	assert_memory_equal(s->hub, hub, 32);
	assert_int_equal(s->last_handshake, 5000000000ULL);
	assert_int_equal(s->h2s_bytes, 1);
	assert_int_equal(s->s2h_bytes, 2);
	assert_int_equal(s->h2s_packets, 3);
	assert_int_equal(s->s2h_packets, 4);
	assert_int_equal(s->active, 2);

	for (int i = 0; i < 3; i++) {
		msg = answer(WGX_CMD_GET_ALLOWED);
		nla_put_string(msg, WGX_A_RELAY_NAME, "wgx0");
		nla_put(msg, WGX_A_PUBLIC_KEY, i == 1 ? 33 : 32, i ? spoke : hub);
		relay_nl_parse_allowed(msg, &allowed);
		nlmsg_free(msg);
	}
	assert_int_equal(allowed.n, 2);
	assert_memory_equal(VEC_AT(&allowed, uint8_t, 0), hub, 32);
	assert_memory_equal(VEC_AT(&allowed, uint8_t, 1), spoke, 32);
	vec_free(&routes);
	vec_free(&sessions);
	vec_free(&allowed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_relay),
		cmocka_unit_test(test_full_message),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_parse_relay),
		cmocka_unit_test(test_parse_peer),
		cmocka_unit_test(test_parse_route_session_allowed),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
