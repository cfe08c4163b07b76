/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * wgx in-tunnel control protocol
 * ==============================
 *
 * A hub talks to the relay with UDP datagrams sent INSIDE its WireGuard
 * tunnel to the relay: destination any inner address routed to the relay
 * peer, destination port WGX_CTRL_PORT (IPv4 or IPv6 inner packets). Because
 * the datagram arrives in the hub's authenticated session, the relay knows
 * which public key sent it; a peer can only ever declare routes for itself.
 * Answers go back in the same session, to the request's source address and
 * port. All integers are little endian, except ports (network order).
 *
 * Every message starts with struct wgx_ctrl_hdr. Requests:
 *
 *  WGX_CTRL_SET_SPOKES: atomically replace the sender's whole set of spokes.
 *    The set is sent in chunks of at most WGX_CTRL_KEYS_PER_CHUNK keys, all
 *    with the same request_id, total and nchunks; chunk numbers run
 *    0..nchunks-1. The relay collects the chunks of one request (in any
 *    order, duplicates ignored) and applies the set only when all have
 *    arrived; a chunk of a different request_id discards a partial one.
 *    When applied, or refused, the relay answers WGX_CTRL_SET_SPOKES_REPLY
 *    with the number of spokes applied and an error code; a repeated chunk
 *    of the last applied request gets the same answer again, so a sender
 *    simply resends all chunks until it has an answer. An empty set
 *    (total 0, nchunks 1, count 0) removes every route of the sender.
 *
 *  WGX_CTRL_QUERY: one page of what the relay sees of the sender's spokes,
 *    starting at entry offset (in the relay's order of the declared set).
 *    Answer: WGX_CTRL_QUERY_REPLY with total, offset and up to
 *    WGX_CTRL_SPOKES_PER_REPLY entries.
 *
 * Errors (wgx_ctrl_reply.error): WGX_CTRL_E_*.
 *
 * Outside the tunnel, one unauthenticated request: the relay's public key,
 * for trust on first use (`wgx hub init` without --relay-public-key). A UDP
 * datagram of exactly sizeof(struct wgx_keyq) bytes to the relay's listen
 * port with magic WGX_KEYQ_MAGIC, any nonce and zero key is answered, at
 * most a few times a second per source address, with a datagram of the same
 * size: WGX_KEYQ_REPLY_MAGIC, the same nonce and the relay's public key. The
 * answer is never larger than the question. The magics cannot be WireGuard
 * messages (their type's three high bytes are zero).
 */
#ifndef _UAPI_WGX_CTRL_H
#define _UAPI_WGX_CTRL_H

#include <linux/types.h>

#define WGX_CTRL_PORT			8787
#define WGX_CTRL_MAGIC			0x43584757U	/* "WGXC" */
#define WGX_CTRL_VERSION		1
#define WGX_CTRL_KEYS_PER_CHUNK		32
#define WGX_CTRL_SPOKES_PER_REPLY	20
#define WGX_CTRL_MAX_SPOKES		65536

enum wgx_ctrl_type {
	WGX_CTRL_SET_SPOKES		= 1,
	WGX_CTRL_SET_SPOKES_REPLY	= 2,
	WGX_CTRL_QUERY			= 3,
	WGX_CTRL_QUERY_REPLY		= 4,
};

enum wgx_ctrl_error {
	WGX_CTRL_E_OK			= 0,
	WGX_CTRL_E_VERSION		= 1,	/* unsupported version */
	WGX_CTRL_E_MALFORMED		= 2,	/* bad length or fields */
	WGX_CTRL_E_TOO_MANY		= 3,	/* total > WGX_CTRL_MAX_SPOKES */
	WGX_CTRL_E_NOT_ALLOWED		= 4,	/* a key not in AllowedPublicKeys,
						 * or the sender itself */
	WGX_CTRL_E_NOMEM		= 5,
};

struct wgx_ctrl_hdr {
	__le32 magic;
	__u8 version;
	__u8 type;
	__le16 reserved;		/* zero */
	__le32 request_id;
};

struct wgx_ctrl_set_spokes {
	struct wgx_ctrl_hdr hdr;
	__le32 total;			/* keys in the whole set */
	__le16 chunk;			/* this chunk's number */
	__le16 nchunks;
	__le16 count;			/* keys in this chunk */
	__le16 reserved;
	__u8 keys[][32];
};

struct wgx_ctrl_set_spokes_reply {
	struct wgx_ctrl_hdr hdr;
	__le32 error;
	__le32 applied;			/* keys in the set now in force */
};

struct wgx_ctrl_query {
	struct wgx_ctrl_hdr hdr;
	__le32 offset;
};

enum wgx_ctrl_spoke_flag {
	WGX_CTRL_SPOKE_F_ONLINE	= 1U << 0,	/* live session with the relay */
};

struct wgx_ctrl_spoke {
	__u8 key[32];
	__le64 last_handshake;		/* with the relay, ns since the epoch */
	__u8 addr[16];			/* IPv4 in the first 4 bytes */
	__be16 port;
	__u8 family;			/* 0 (none), 4 or 6 */
	__u8 flags;			/* WGX_CTRL_SPOKE_F_* */
	__u8 reserved[4];
};

struct wgx_ctrl_query_reply {
	struct wgx_ctrl_hdr hdr;
	__le32 error;
	__le32 total;
	__le32 offset;
	__le16 count;
	__le16 reserved;
	__le32 reserved2;		/* zero; aligns spokes[] to 8 */
	struct wgx_ctrl_spoke spokes[];
};

#define WGX_KEYQ_MAGIC		0x514b5857U	/* "WXKQ" */
#define WGX_KEYQ_REPLY_MAGIC	0x524b5857U	/* "WXKR" */

struct wgx_keyq {
	__le32 magic;
	__le32 nonce;
	__u8 key[32];			/* zero in the request */
	__u8 zero[24];
};

#endif /* _UAPI_WGX_CTRL_H */
