/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WireGuard's wire formats and protocol constants, as the relay sees them.
 * See the WireGuard whitepaper, sections 5.4 (messages) and 6 (timers).
 */
#ifndef _WGX_MESSAGES_H
#define _WGX_MESSAGES_H

#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/param.h>
#include <linux/types.h>

enum noise_lengths {
	NOISE_PUBLIC_KEY_LEN = CURVE25519_KEY_SIZE,
	NOISE_SYMMETRIC_KEY_LEN = CHACHA20POLY1305_KEY_SIZE,
	NOISE_TIMESTAMP_LEN = sizeof(u64) + sizeof(u32),
	NOISE_AUTHTAG_LEN = CHACHA20POLY1305_AUTHTAG_SIZE,
	NOISE_HASH_LEN = BLAKE2S_HASH_SIZE
};

#define noise_encrypted_len(plain_len) ((plain_len) + NOISE_AUTHTAG_LEN)

enum cookie_values {
	COOKIE_SECRET_MAX_AGE = 2 * 60,
	COOKIE_SECRET_LATENCY = 5,
	COOKIE_NONCE_LEN = XCHACHA20POLY1305_NONCE_SIZE,
	COOKIE_LEN = 16,
	COOKIE_KEY_LABEL_LEN = 8
};

enum counter_values {
	COUNTER_BITS_TOTAL = 2048,
	COUNTER_REDUNDANT_BITS = BITS_PER_LONG,
	COUNTER_WINDOW_SIZE = COUNTER_BITS_TOTAL - COUNTER_REDUNDANT_BITS
};

/* Timers of the protocol, whitepaper section 6.1, in seconds. */
enum limits {
	REKEY_AFTER_MESSAGES = 1ULL << 60,
	REJECT_AFTER_MESSAGES = U64_MAX - COUNTER_WINDOW_SIZE - 1,
	REKEY_TIMEOUT = 5,
	REKEY_AFTER_TIME = 120,
	REJECT_AFTER_TIME = 180,
	INITIATIONS_PER_SECOND = 50,
	KEEPALIVE_TIMEOUT = 10
};

enum message_type {
	MESSAGE_INVALID = 0,
	MESSAGE_HANDSHAKE_INITIATION = 1,
	MESSAGE_HANDSHAKE_RESPONSE = 2,
	MESSAGE_HANDSHAKE_COOKIE = 3,
	MESSAGE_DATA = 4
};

/* The type is one byte followed by three zero bytes: compare the whole le32. */
struct message_header {
	__le32 type;
};

struct message_macs {
	u8 mac1[COOKIE_LEN];
	u8 mac2[COOKIE_LEN];
};

struct message_handshake_initiation {
	struct message_header header;
	__le32 sender_index;
	u8 unencrypted_ephemeral[NOISE_PUBLIC_KEY_LEN];
	u8 encrypted_static[noise_encrypted_len(NOISE_PUBLIC_KEY_LEN)];
	u8 encrypted_timestamp[noise_encrypted_len(NOISE_TIMESTAMP_LEN)];
	struct message_macs macs;
};

struct message_handshake_response {
	struct message_header header;
	__le32 sender_index;
	__le32 receiver_index;
	u8 unencrypted_ephemeral[NOISE_PUBLIC_KEY_LEN];
	u8 encrypted_nothing[noise_encrypted_len(0)];
	struct message_macs macs;
};

struct message_handshake_cookie {
	struct message_header header;
	__le32 receiver_index;
	u8 nonce[COOKIE_NONCE_LEN];
	u8 encrypted_cookie[noise_encrypted_len(COOKIE_LEN)];
};

struct message_data {
	struct message_header header;
	__le32 key_idx;
	__le64 counter;
	u8 encrypted_data[];
};

static_assert(sizeof(struct message_handshake_initiation) == 148);
static_assert(sizeof(struct message_handshake_response) == 92);
static_assert(sizeof(struct message_handshake_cookie) == 64);
static_assert(sizeof(struct message_data) == 16);

#define message_data_len(plain_len) \
	(noise_encrypted_len(plain_len) + sizeof(struct message_data))

enum message_alignments {
	MESSAGE_PADDING_MULTIPLE = 16,
	MESSAGE_MINIMUM_LENGTH = message_data_len(0)
};

/* Queues and tables: the bounds that keep a flood from exhausting memory. */
enum wgx_bounds {
	MAX_QUEUED_INCOMING_HANDSHAKES = 4096,
	MAX_QUEUED_OWN_PACKETS = 1024,
	/* Indices a (hub, spoke) route may hold: WireGuard keeps at most three
	 * keypairs and one handshake per peer, so 4 per side; twice that
	 * leaves room for a rekey overlapping a retransmission. */
	MAX_INDICES_PER_ROUTE = 16,
	/* An index lives as long as the keypair made by its handshake may. */
	INDEX_LIFETIME = REJECT_AFTER_TIME + 2 * REKEY_TIMEOUT,
	/* An endpoint stays bound this long after its last authenticated
	 * packet (peers send keepalives every 25 s). */
	ENDPOINT_LIFETIME = REJECT_AFTER_TIME,
	/* Peers with no route and no session are forgotten after this. */
	PEER_IDLE_LIFETIME = 3 * REJECT_AFTER_TIME,
	GC_INTERVAL = 5,
	/* How far ahead of the highest counter seen a relayed data packet may
	 * jump: the relay sees every packet of a session, so only a loss of
	 * this many in a row is legitimate; a forged far-future counter (from
	 * a spoofed address) is refused instead of emptying the window. */
	MAX_COUNTER_JUMP = 1 << 16,
	/* Initiations forwarded along one (hub, spoke) route, both ways: a
	 * WireGuard peer sends at most one every REKEY_TIMEOUT to a peer, so a
	 * rogue spoke (or hub) cannot make the other end do more than this
	 * many Diffie-Hellman computations a second. */
	ROUTE_INITIATIONS_PER_SECOND = 2,
	ROUTE_INITIATIONS_BURST = 10,
	/* Initiations remembered to refuse their replays (a forwarded
	 * initiation is rate-limited per endpoint, so this covers minutes). */
	RECENT_INITIATIONS = 1 << 14
};

#endif /* _WGX_MESSAGES_H */
