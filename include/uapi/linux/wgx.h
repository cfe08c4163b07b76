/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * wgx: an authenticated WireGuard relay for hub-and-spoke networks.
 *
 * Generic netlink ABI of the "wgx" family
 * ========================================
 *
 * Relays are named objects that live in the network namespace that created
 * them. Every command below that names a relay carries WGX_A_RELAY_NAME.
 * Every command but WGX_CMD_GET_INFO needs CAP_NET_ADMIN in the user
 * namespace that owns the network namespace (GENL_UNS_ADMIN_PERM): the
 * reading ones too, since what a relay reports (peers' endpoints, keys,
 * routes) is its users' private data.
 * Every error carries an extack message that says what was wrong.
 *
 * WGX_CMD_GET_INFO (doit, anyone)
 *   request:  (nothing)
 *   reply:    WGX_A_VERSION             NLA_NUL_STRING   module version
 *             WGX_A_RELAY_COUNT         NLA_U32          relays in this netns
 *
 * WGX_CMD_NEW_RELAY (doit, admin): create a relay.
 *   request:  WGX_A_RELAY_NAME          NLA_NUL_STRING   1..WGX_RELAY_NAME_MAX-1
 *                                                        bytes, required
 *             WGX_A_PRIVATE_KEY         binary, exactly WGX_KEY_LEN, required
 *             WGX_A_LISTEN_PORT         NLA_U16 (host order), optional,
 *                                       default WGX_DEFAULT_PORT; 0 is refused
 *             WGX_A_FWMARK              NLA_U32, optional
 *             WGX_A_FLAGS               NLA_U32, WGX_RELAY_F_*, optional
 *             WGX_A_ALLOWED_KEYS        NLA_NESTED, optional:
 *               WGX_A_KEY               binary, exactly WGX_KEY_LEN, repeated
 *   errors:   EEXIST (a relay of that name exists), EADDRINUSE (the port is
 *             taken), EINVAL/ERANGE (bad attribute). Nothing is created on
 *             any error.
 *
 * WGX_CMD_SET_RELAY (doit, admin): change an existing relay. Same attributes
 *   as NEW_RELAY, all optional except the name. Keys in WGX_A_ALLOWED_KEYS are
 *   added to the allowed set; with WGX_RELAY_F_REPLACE_ALLOWED in WGX_A_FLAGS
 *   the set is first emptied, and WGX_RELAY_F_ALLOW_ALL then says whether any
 *   key is admitted. A large set is sent as one SET_RELAY with
 *   WGX_RELAY_F_REPLACE_ALLOWED followed by further SET_RELAYs that append,
 *   each message at most WGX_MAX_KEYS_PER_MSG keys. Peers whose keys are no
 *   longer allowed lose their sessions with the relay within 5 seconds of the
 *   change (so that the messages of one large set can all arrive first), and
 *   can no longer handshake from the change on. A new listen port or
 *   fwmark rebinds the sockets; on EADDRINUSE the old sockets are kept.
 *   A new private key drops every session the relay holds (not its routes).
 *
 * WGX_CMD_DEL_RELAY (doit, admin)
 *   request:  WGX_A_RELAY_NAME
 *   errors:   ENOENT
 *
 * WGX_CMD_GET_RELAY (doit with WGX_A_RELAY_NAME, or dumpit for every relay)
 *   reply:    WGX_A_RELAY_NAME, WGX_A_PUBLIC_KEY, WGX_A_LISTEN_PORT,
 *             WGX_A_FWMARK, WGX_A_FLAGS (WGX_RELAY_F_ALLOW_ALL),
 *             WGX_A_ALLOWED_COUNT       NLA_U32
 *             WGX_A_PEER_COUNT          NLA_U32  authenticated peers
 *             WGX_A_ROUTE_COUNT         NLA_U32
 *             WGX_A_SESSION_COUNT       NLA_U32  relayed (hub, spoke) pairs
 *                                                with a live index
 *             WGX_A_STATS               NLA_NESTED: attribute type i + 1
 *                                       is the NLA_U64 counter enum wgx_stat i;
 *                                       type WGX_STAT_A_PAD is padding
 *             What the relay holds in memory (each bounded; see
 *             kernel/messages.h), NLA_U32:
 *             WGX_A_PEER_ENTRIES        peer entries: authenticated or
 *                                       declared by a hub
 *             WGX_A_INDEX_COUNT         receiver indices learned from
 *                                       forwarded handshakes
 *             WGX_A_KEYPAIR_COUNT       the relay's own session keypairs
 *             WGX_A_LIMITER_COUNT       rate-limiter entries (sources seen
 *                                       in the last second or so)
 *   The private key is never returned.
 *
 * WGX_CMD_GET_ALLOWED (dumpit): the allowed keys of one relay.
 *   request:  WGX_A_RELAY_NAME
 *   reply:    one message per key: WGX_A_RELAY_NAME, WGX_A_PUBLIC_KEY
 *
 * WGX_CMD_GET_PEERS (dumpit): peers that completed a handshake with the relay.
 *   request:  WGX_A_RELAY_NAME
 *   reply:    one message per peer, WGX_A_RELAY_NAME and
 *             WGX_A_PEER            NLA_NESTED:
 *               WGX_PEER_A_PUBLIC_KEY      binary WGX_KEY_LEN
 *               WGX_PEER_A_ENDPOINT        struct sockaddr_in or sockaddr_in6
 *               WGX_PEER_A_LAST_HANDSHAKE  NLA_U64, ns since the UNIX epoch
 *               WGX_PEER_A_RX_BYTES        NLA_U64 UDP payload bytes from it
 *               WGX_PEER_A_TX_BYTES        NLA_U64 UDP payload bytes to it
 *               WGX_PEER_A_DROPPED         NLA_U64 its packets dropped
 *               WGX_PEER_A_FLAGS           NLA_U32 WGX_PEER_F_*
 *
 * WGX_CMD_GET_ROUTES (dumpit): declared (hub, spoke) routes.
 *   request:  WGX_A_RELAY_NAME
 *   reply:    one message per route: WGX_A_RELAY_NAME and WGX_A_ROUTE
 *             NLA_NESTED: WGX_ROUTE_A_HUB_KEY, WGX_ROUTE_A_SPOKE_KEY
 *
 * WGX_CMD_GET_SESSIONS (dumpit): relayed sessions, one per route that has
 *   carried a handshake.
 *   request:  WGX_A_RELAY_NAME
 *   reply:    WGX_A_RELAY_NAME and WGX_A_SESSION NLA_NESTED:
 *               WGX_SESSION_A_HUB_KEY, WGX_SESSION_A_SPOKE_KEY (binary 32)
 *               WGX_SESSION_A_LAST_HANDSHAKE  NLA_U64 ns since the epoch
 *               WGX_SESSION_A_HUB_TO_SPOKE_BYTES, ..._SPOKE_TO_HUB_BYTES,
 *               WGX_SESSION_A_HUB_TO_SPOKE_PACKETS, ..._SPOKE_TO_HUB_PACKETS
 *                                             NLA_U64
 *               WGX_SESSION_A_ACTIVE          NLA_U32 live indices
 *
 * Dumps are resumable: one netlink message carries one object, and a dump
 * that does not fit in one skb continues where it stopped. A change to the
 * dumped table during the dump sets NLM_F_DUMP_INTR on the next message
 * (generation counters); the caller should retry.
 */
#ifndef _UAPI_WGX_H
#define _UAPI_WGX_H

#define WGX_GENL_NAME		"wgx"
#define WGX_GENL_VERSION	1

#define WGX_KEY_LEN		32
#define WGX_RELAY_NAME_MAX	16	/* including the terminating NUL */
#define WGX_DEFAULT_PORT	8787
#define WGX_MAX_KEYS_PER_MSG	1024

enum wgx_cmd {
	WGX_CMD_UNSPEC,
	WGX_CMD_GET_INFO,
	WGX_CMD_NEW_RELAY,
	WGX_CMD_SET_RELAY,
	WGX_CMD_DEL_RELAY,
	WGX_CMD_GET_RELAY,
	WGX_CMD_GET_ALLOWED,
	WGX_CMD_GET_PEERS,
	WGX_CMD_GET_ROUTES,
	WGX_CMD_GET_SESSIONS,
	__WGX_CMD_MAX
};
#define WGX_CMD_MAX (__WGX_CMD_MAX - 1)

enum wgx_relay_flag {
	WGX_RELAY_F_ALLOW_ALL		= 1U << 0,
	WGX_RELAY_F_REPLACE_ALLOWED	= 1U << 1,
	__WGX_RELAY_F_ALL = WGX_RELAY_F_ALLOW_ALL | WGX_RELAY_F_REPLACE_ALLOWED
};

enum wgx_attr {
	WGX_A_UNSPEC,
	WGX_A_VERSION,
	WGX_A_RELAY_COUNT,
	WGX_A_RELAY_NAME,
	WGX_A_PRIVATE_KEY,
	WGX_A_PUBLIC_KEY,
	WGX_A_LISTEN_PORT,
	WGX_A_FWMARK,
	WGX_A_FLAGS,
	WGX_A_ALLOWED_KEYS,
	WGX_A_KEY,
	WGX_A_ALLOWED_COUNT,
	WGX_A_PEER_COUNT,
	WGX_A_ROUTE_COUNT,
	WGX_A_SESSION_COUNT,
	WGX_A_STATS,
	WGX_A_PEER,
	WGX_A_ROUTE,
	WGX_A_SESSION,
	WGX_A_PAD,
	WGX_A_PEER_ENTRIES,
	WGX_A_INDEX_COUNT,
	WGX_A_KEYPAIR_COUNT,
	WGX_A_LIMITER_COUNT,
	__WGX_A_LAST
};
#define WGX_A_MAX (__WGX_A_LAST - 1)

enum wgx_peer_flag {
	WGX_PEER_F_ONLINE	= 1U << 0,	/* a live session with the relay */
	WGX_PEER_F_HUB		= 1U << 1,	/* has declared routes */
	WGX_PEER_F_SPOKE	= 1U << 2,	/* is declared by a hub */
	__WGX_PEER_F_ALL = WGX_PEER_F_ONLINE | WGX_PEER_F_HUB | WGX_PEER_F_SPOKE
};

enum wgx_peer_attr {
	WGX_PEER_A_UNSPEC,
	WGX_PEER_A_PUBLIC_KEY,
	WGX_PEER_A_ENDPOINT,
	WGX_PEER_A_LAST_HANDSHAKE,
	WGX_PEER_A_RX_BYTES,
	WGX_PEER_A_TX_BYTES,
	WGX_PEER_A_DROPPED,
	WGX_PEER_A_FLAGS,
	WGX_PEER_A_PAD,
	__WGX_PEER_A_LAST
};
#define WGX_PEER_A_MAX (__WGX_PEER_A_LAST - 1)

enum wgx_route_attr {
	WGX_ROUTE_A_UNSPEC,
	WGX_ROUTE_A_HUB_KEY,
	WGX_ROUTE_A_SPOKE_KEY,
	__WGX_ROUTE_A_LAST
};
#define WGX_ROUTE_A_MAX (__WGX_ROUTE_A_LAST - 1)

enum wgx_session_attr {
	WGX_SESSION_A_UNSPEC,
	WGX_SESSION_A_HUB_KEY,
	WGX_SESSION_A_SPOKE_KEY,
	WGX_SESSION_A_LAST_HANDSHAKE,
	WGX_SESSION_A_HUB_TO_SPOKE_BYTES,
	WGX_SESSION_A_SPOKE_TO_HUB_BYTES,
	WGX_SESSION_A_HUB_TO_SPOKE_PACKETS,
	WGX_SESSION_A_SPOKE_TO_HUB_PACKETS,
	WGX_SESSION_A_ACTIVE,
	WGX_SESSION_A_PAD,
	__WGX_SESSION_A_LAST
};
#define WGX_SESSION_A_MAX (__WGX_SESSION_A_LAST - 1)

/*
 * Relay counters, WGX_A_STATS. "Own" packets are those of the relay's own
 * WireGuard sessions with hubs and spokes; "forwarded" ones pass through
 * without being decrypted. Every received datagram ends in exactly one of
 * WGX_STAT_OWN_*, WGX_STAT_FWD_PACKETS or a WGX_STAT_DROP_* counter.
 */
enum wgx_stat {
	WGX_STAT_RX_PACKETS,		/* every datagram received */
	WGX_STAT_RX_BYTES,
	WGX_STAT_FWD_PACKETS,		/* forwarded without decryption */
	WGX_STAT_FWD_BYTES,
	WGX_STAT_FWD_HANDSHAKES,	/* initiations and responses forwarded */
	WGX_STAT_OWN_HANDSHAKES,	/* handshakes completed with the relay */
	WGX_STAT_OWN_DATA,		/* own transport packets decrypted */
	WGX_STAT_OWN_CONTROL,		/* control requests answered */
	WGX_STAT_COOKIES_SENT,		/* cookie replies sent under load */
	WGX_STAT_DROP_MALFORMED,	/* bad length or type */
	WGX_STAT_DROP_UNKNOWN_ENDPOINT,	/* source not an authenticated peer */
	WGX_STAT_DROP_UNKNOWN_KEY,	/* handshake from a key not allowed */
	WGX_STAT_DROP_NO_ROUTE,		/* mac1 names no key the sender reaches */
	WGX_STAT_DROP_BAD_MAC,		/* mac1/mac2 or AEAD check failed */
	WGX_STAT_DROP_UNKNOWN_INDEX,	/* receiver index not known */
	WGX_STAT_DROP_RATELIMITED,	/* per-source rate limit or full queue */
	WGX_STAT_DROP_REPLAY,		/* counter or timestamp seen before */
	WGX_STAT_DROP_OFFLINE,		/* destination has no endpoint */
	WGX_STAT_DROP_TX_ERROR,		/* could not be sent on */
	__WGX_STAT_COUNT
};
/* The padding attribute inside WGX_A_STATS, after every counter's type. */
#define WGX_STAT_A_PAD (__WGX_STAT_COUNT + 1)

#endif /* _UAPI_WGX_H */
