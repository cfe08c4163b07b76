/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay's netlink messages (include/uapi/linux/wgx.h): builders of
 * NEW_RELAY / SET_RELAY / DEL_RELAY, parsers of the GET_* answers, and the
 * plan of what `wgx relay up` changes in a running relay. No I/O here: the
 * requests go through nl.c.
 */
#ifndef _WGX_RELAY_NL_H
#define _WGX_RELAY_NL_H

#include "key.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>
#include <uapi/linux/wgx.h>

struct relay_conf;
struct wgx_nl;

/* Counters kept from WGX_A_STATS, known ones or a newer module's. */
#define RELAY_MAX_STATS 64
/* Room for "[IPv6%scope]:port". */
#define RELAY_ENDPOINT_LEN 80

/* A growable array of fixed-size items, filled by the parsers. */
struct vec {
	char *v;
	size_t n, cap, size;
	bool nomem;
};

#define VEC(type) { .size = sizeof(type) }
#define VEC_AT(vec, type, i) ((type *)((vec)->v + (i) * (vec)->size))

/* A new zeroed item at the end; NULL (and ->nomem) when out of memory. */
void *vec_push(struct vec *a);
void vec_free(struct vec *a);

struct relay_info {
	char name[WGX_RELAY_NAME_MAX];
	uint8_t public_key[WGX_KEY_LEN];
	bool has_public_key;
	uint16_t listen_port;
	uint32_t fwmark, flags, allowed, peers, routes, sessions;
	/* Memory the relay holds (a newer module's attributes: 0 otherwise). */
	uint32_t peer_entries, indices, keypairs, limiter;
	uint64_t stats[RELAY_MAX_STATS];
	unsigned int n_stats;	/* highest counter seen + 1 */
};

struct peer_info {
	uint8_t key[WGX_KEY_LEN];
	char endpoint[RELAY_ENDPOINT_LEN];	/* "" when none */
	uint64_t last_handshake, rx, tx, dropped;
	uint32_t flags;
};

/* Both start with the hub's and the spoke's keys. */
struct route_info {
	uint8_t hub[WGX_KEY_LEN], spoke[WGX_KEY_LEN];
};

struct session_info {
	uint8_t hub[WGX_KEY_LEN], spoke[WGX_KEY_LEN];
	uint64_t last_handshake, h2s_bytes, s2h_bytes, h2s_packets, s2h_packets;
	uint32_t active;
};

/* Answer callbacks for wgx_nl_request: each appends one item to the
 * struct vec @arg (of the matching item type), or skips a message that
 * lacks a required attribute or has one of the wrong length. */
int relay_nl_parse_relay(struct nl_msg *msg, void *arg);
int relay_nl_parse_allowed(struct nl_msg *msg, void *arg);	/* uint8_t[32] */
int relay_nl_parse_peer(struct nl_msg *msg, void *arg);
int relay_nl_parse_route(struct nl_msg *msg, void *arg);
int relay_nl_parse_session(struct nl_msg *msg, void *arg);

/* A request for @cmd naming relay @name, with room for @nkeys keys. */
struct nl_msg *relay_nl_msg(const struct wgx_nl *nl, int cmd, const char *name,
			    size_t nkeys);
/* WGX_A_ALLOWED_KEYS (NLA_F_NESTED) with @count keys of @l from @from;
 * nothing for 0 keys. 0 or -ENOMEM. */
int relay_nl_put_keys(struct nl_msg *msg, const struct key_list *l,
		      size_t from, size_t count);
/* Free a request that may hold a private key, zeroing it first. */
void relay_nl_free(struct nl_msg *msg);

/* NEW_RELAY for @rc with its first @first allowed keys; NULL when out of
 * memory. */
struct nl_msg *relay_nl_new(const struct wgx_nl *nl, const struct relay_conf *rc,
			    size_t first);

/* What `up` changes in a running relay. Allowed keys: when the running set
 * is a subset of the file's and "all" is unchanged, only the new keys are
 * appended; otherwise the set is replaced (WGX_RELAY_F_REPLACE_ALLOWED). */
struct relay_plan {
	bool new_key, new_port, new_mark, replace;
	uint32_t fwmark;
	struct key_list keys;	/* to send: the new ones, or all if replace */
};

/* Whether the running set of allowed keys is needed to plan (it is not
 * when "all" changes: the set is replaced anyway). */
bool relay_plan_needs_keys(const struct relay_info *cur,
			   const struct relay_conf *rc);
/* Plan from the running relay @cur and its sorted allowed keys @cur_keys
 * (NULL when not needed). 0 or -ENOMEM. */
int relay_plan_update(const struct relay_info *cur,
		      const struct key_list *cur_keys,
		      const struct relay_conf *rc, struct relay_plan *p);
bool relay_plan_empty(const struct relay_plan *p);
void relay_plan_free(struct relay_plan *p);
/* The first SET_RELAY of a plan, with its first @first keys. */
struct nl_msg *relay_nl_set(const struct wgx_nl *nl, const struct relay_conf *rc,
			    const struct relay_plan *p, size_t first);

#endif /* _WGX_RELAY_NL_H */
