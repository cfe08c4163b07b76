/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The responder side of WireGuard's Noise_IKpsk2 handshake and the relay's
 * own transport keypairs.
 */
#ifndef _WGX_NOISE_H
#define _WGX_NOISE_H

#include "messages.h"
#include "replay.h"

#include <linux/kref.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>

struct wgx_peer;

/* A handshake in progress, on the stack of the handshake worker. */
struct wgx_handshake {
	u8 hash[NOISE_HASH_LEN];
	u8 chaining_key[NOISE_HASH_LEN];
	u8 key[NOISE_SYMMETRIC_KEY_LEN];
	u8 remote_static[NOISE_PUBLIC_KEY_LEN];
	u8 remote_ephemeral[NOISE_PUBLIC_KEY_LEN];
	u8 timestamp[NOISE_TIMESTAMP_LEN];
	__le32 remote_index;
};

/*
 * A session of the relay with one peer. Found by its local index in
 * relay->keypairs (RCU); owned by the peer's keypair slots; freed after an
 * RCU grace period when the last reference goes.
 */
struct wgx_keypair {
	struct rhash_head node;		/* relay->keypairs, by local_index */
	__le32 local_index;
	__le32 remote_index;
	struct wgx_peer *peer;		/* holds a reference */
	u8 sending_key[NOISE_SYMMETRIC_KEY_LEN];
	u8 receiving_key[NOISE_SYMMETRIC_KEY_LEN];
	atomic64_t sending_counter;
	spinlock_t replay_lock;		/* protects replay */
	struct wgx_replay replay;
	u64 birthdate;			/* ktime_get_coarse_boottime_ns() */
	bool hashed;			/* in relay->keypairs; relay->lock */
	struct kref refcount;
	struct rcu_head rcu;
};

extern const struct rhashtable_params wgx_keypair_params;

void wgx_noise_init(void);

/* Steps 1 and 2 of consuming an initiation addressed to the relay: the
 * ephemeral, the first DH and the static key. The caller then finds the
 * peer of hs->remote_static and calls wgx_noise_consume_timestamp(). */
bool wgx_noise_consume_static(struct wgx_handshake *hs,
			      const struct message_handshake_initiation *msg,
			      const u8 static_private[NOISE_PUBLIC_KEY_LEN],
			      const u8 static_public[NOISE_PUBLIC_KEY_LEN]);
bool wgx_noise_consume_timestamp(struct wgx_handshake *hs,
				 const struct message_handshake_initiation *msg,
				 const u8 static_static[NOISE_PUBLIC_KEY_LEN]);
/* The response (macs not yet set) and the new session keys; @kp gets its
 * keys, remote index and birthdate. False if a DH gave zero. */
bool wgx_noise_create_response(struct wgx_handshake *hs,
			       struct message_handshake_response *msg,
			       struct wgx_keypair *kp);
/* DH(static_private, public) for the static-static mix; false if zero. */
bool wgx_noise_precompute_static_static(u8 out[NOISE_PUBLIC_KEY_LEN],
					const u8 priv[NOISE_PUBLIC_KEY_LEN],
					const u8 pub[NOISE_PUBLIC_KEY_LEN]);

struct wgx_keypair *wgx_keypair_alloc(struct wgx_peer *peer);
void wgx_keypair_put(struct wgx_keypair *kp);
bool wgx_keypair_get(struct wgx_keypair *kp);
/* True while the keypair may still receive (REJECT_AFTER_TIME). */
bool wgx_keypair_usable(const struct wgx_keypair *kp);

#endif /* _WGX_NOISE_H */
