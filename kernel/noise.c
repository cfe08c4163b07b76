// SPDX-License-Identifier: GPL-2.0
/*
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, responder side (whitepaper 5.4.2
 * and 5.4.3). The relay never initiates: peers always handshake with it.
 */
#include "compat.h"
#include "noise.h"
#include "peer.h"

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

static const u8 handshake_name[37] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const u8 identifier_name[34] = "WireGuard v1 zx2c4 Jason@zx2c4.com";
static u8 handshake_init_hash[NOISE_HASH_LEN] __ro_after_init;
static u8 handshake_init_chaining_key[NOISE_HASH_LEN] __ro_after_init;

void __init wgx_noise_init(void)
{
	struct blake2s_state blake;

	blake2s(handshake_init_chaining_key, handshake_name, NULL,
		NOISE_HASH_LEN, sizeof(handshake_name), 0);
	blake2s_init(&blake, NOISE_HASH_LEN);
	blake2s_update(&blake, handshake_init_chaining_key, NOISE_HASH_LEN);
	blake2s_update(&blake, identifier_name, sizeof(identifier_name));
	blake2s_final(&blake, handshake_init_hash);
}

/* HMAC-BLAKE2s (RFC 2104 with a 64-byte block). */
static void hmac(u8 *out, const u8 *in, const u8 *key, size_t inlen,
		 size_t keylen)
{
	u8 x_key[BLAKE2S_BLOCK_SIZE] __aligned(__alignof__(u32)) = { 0 };
	u8 i_hash[BLAKE2S_HASH_SIZE] __aligned(__alignof__(u32));
	struct blake2s_state state;
	int i;

	if (keylen > BLAKE2S_BLOCK_SIZE)
		blake2s(x_key, key, NULL, BLAKE2S_HASH_SIZE, keylen, 0);
	else
		memcpy(x_key, key, keylen);

	for (i = 0; i < BLAKE2S_BLOCK_SIZE; ++i)
		x_key[i] ^= 0x36;
	blake2s_init(&state, BLAKE2S_HASH_SIZE);
	blake2s_update(&state, x_key, BLAKE2S_BLOCK_SIZE);
	blake2s_update(&state, in, inlen);
	blake2s_final(&state, i_hash);

	for (i = 0; i < BLAKE2S_BLOCK_SIZE; ++i)
		x_key[i] ^= 0x5c ^ 0x36;
	blake2s_init(&state, BLAKE2S_HASH_SIZE);
	blake2s_update(&state, x_key, BLAKE2S_BLOCK_SIZE);
	blake2s_update(&state, i_hash, BLAKE2S_HASH_SIZE);
	blake2s_final(&state, i_hash);

	memcpy(out, i_hash, BLAKE2S_HASH_SIZE);
	memzero_explicit(x_key, sizeof(x_key));
	memzero_explicit(i_hash, sizeof(i_hash));
}

/*
 * HKDF over HMAC-BLAKE2s: up to three 32-byte outputs from @data keyed by
 * @chaining_key. Any output may be NULL (the later ones then must be too).
 */
static void kdf(u8 *first, u8 *second, u8 *third, const u8 *data,
		size_t data_len, const u8 chaining_key[NOISE_HASH_LEN])
{
	u8 output[BLAKE2S_HASH_SIZE + 1];
	u8 secret[BLAKE2S_HASH_SIZE];

	hmac(secret, data, chaining_key, data_len, NOISE_HASH_LEN);
	if (!first)
		goto out;
	output[0] = 1;
	hmac(output, output, secret, 1, BLAKE2S_HASH_SIZE);
	memcpy(first, output, BLAKE2S_HASH_SIZE);
	if (!second)
		goto out;
	output[BLAKE2S_HASH_SIZE] = 2;
	hmac(output, output, secret, BLAKE2S_HASH_SIZE + 1, BLAKE2S_HASH_SIZE);
	memcpy(second, output, BLAKE2S_HASH_SIZE);
	if (!third)
		goto out;
	output[BLAKE2S_HASH_SIZE] = 3;
	hmac(output, output, secret, BLAKE2S_HASH_SIZE + 1, BLAKE2S_HASH_SIZE);
	memcpy(third, output, BLAKE2S_HASH_SIZE);
out:
	memzero_explicit(secret, sizeof(secret));
	memzero_explicit(output, sizeof(output));
}

static void mix_hash(u8 hash[NOISE_HASH_LEN], const u8 *src, size_t len)
{
	struct blake2s_state blake;

	blake2s_init(&blake, NOISE_HASH_LEN);
	blake2s_update(&blake, hash, NOISE_HASH_LEN);
	blake2s_update(&blake, src, len);
	blake2s_final(&blake, hash);
}

/* ck, key = KDF2(ck, DH(priv, pub)) */
static bool __must_check mix_dh(u8 chaining_key[NOISE_HASH_LEN],
				u8 key[NOISE_SYMMETRIC_KEY_LEN],
				const u8 priv[NOISE_PUBLIC_KEY_LEN],
				const u8 pub[NOISE_PUBLIC_KEY_LEN])
{
	u8 dh[NOISE_PUBLIC_KEY_LEN];

	if (unlikely(!curve25519(dh, priv, pub)))
		return false;
	kdf(chaining_key, key, NULL, dh, NOISE_PUBLIC_KEY_LEN, chaining_key);
	memzero_explicit(dh, sizeof(dh));
	return true;
}

static bool __must_check mix_precomputed_dh(u8 chaining_key[NOISE_HASH_LEN],
					    u8 key[NOISE_SYMMETRIC_KEY_LEN],
					    const u8 precomputed[NOISE_PUBLIC_KEY_LEN])
{
	static const u8 zero[NOISE_PUBLIC_KEY_LEN] = { 0 };

	if (unlikely(!crypto_memneq(precomputed, zero, NOISE_PUBLIC_KEY_LEN)))
		return false;
	kdf(chaining_key, key, NULL, precomputed, NOISE_PUBLIC_KEY_LEN,
	    chaining_key);
	return true;
}

/* ck, t, key = KDF3(ck, psk); h = HASH(h || t). The relay's peers have no
 * preshared key with it: psk is zero. */
static void mix_zero_psk(u8 chaining_key[NOISE_HASH_LEN], u8 hash[NOISE_HASH_LEN],
			 u8 key[NOISE_SYMMETRIC_KEY_LEN])
{
	static const u8 psk[NOISE_SYMMETRIC_KEY_LEN] = { 0 };
	u8 temp_hash[NOISE_HASH_LEN];

	kdf(chaining_key, temp_hash, key, psk, NOISE_SYMMETRIC_KEY_LEN,
	    chaining_key);
	mix_hash(hash, temp_hash, NOISE_HASH_LEN);
	memzero_explicit(temp_hash, sizeof(temp_hash));
}

/* ck = KDF1(ck, e); h = HASH(h || e) */
static void mix_ephemeral(u8 chaining_key[NOISE_HASH_LEN], u8 hash[NOISE_HASH_LEN],
			  const u8 ephemeral[NOISE_PUBLIC_KEY_LEN])
{
	mix_hash(hash, ephemeral, NOISE_PUBLIC_KEY_LEN);
	kdf(chaining_key, NULL, NULL, ephemeral, NOISE_PUBLIC_KEY_LEN,
	    chaining_key);
}

static bool __must_check decrypt_and_hash(u8 *dst, const u8 *src,
					  size_t src_len,
					  const u8 key[NOISE_SYMMETRIC_KEY_LEN],
					  u8 hash[NOISE_HASH_LEN])
{
	if (!chacha20poly1305_decrypt(dst, src, src_len, hash, NOISE_HASH_LEN,
				      0, key))
		return false;
	mix_hash(hash, src, src_len);
	return true;
}

static void encrypt_and_hash(u8 *dst, const u8 *src, size_t src_len,
			     const u8 key[NOISE_SYMMETRIC_KEY_LEN],
			     u8 hash[NOISE_HASH_LEN])
{
	chacha20poly1305_encrypt(dst, src, src_len, hash, NOISE_HASH_LEN, 0,
				 key);
	mix_hash(hash, dst, noise_encrypted_len(src_len));
}

bool wgx_noise_precompute_static_static(u8 out[NOISE_PUBLIC_KEY_LEN],
					const u8 priv[NOISE_PUBLIC_KEY_LEN],
					const u8 pub[NOISE_PUBLIC_KEY_LEN])
{
	if (curve25519(out, priv, pub))
		return true;
	memset(out, 0, NOISE_PUBLIC_KEY_LEN);
	return false;
}

/* Process context (handshake worker). */
bool wgx_noise_consume_static(struct wgx_handshake *hs,
			      const struct message_handshake_initiation *msg,
			      const u8 static_private[NOISE_PUBLIC_KEY_LEN],
			      const u8 static_public[NOISE_PUBLIC_KEY_LEN])
{
	memcpy(hs->chaining_key, handshake_init_chaining_key, NOISE_HASH_LEN);
	memcpy(hs->hash, handshake_init_hash, NOISE_HASH_LEN);
	mix_hash(hs->hash, static_public, NOISE_PUBLIC_KEY_LEN);

	/* e */
	memcpy(hs->remote_ephemeral, msg->unencrypted_ephemeral,
	       NOISE_PUBLIC_KEY_LEN);
	mix_ephemeral(hs->chaining_key, hs->hash, hs->remote_ephemeral);
	/* es */
	if (!mix_dh(hs->chaining_key, hs->key, static_private,
		    hs->remote_ephemeral))
		return false;
	/* s */
	if (!decrypt_and_hash(hs->remote_static, msg->encrypted_static,
			      sizeof(msg->encrypted_static), hs->key, hs->hash))
		return false;
	hs->remote_index = msg->sender_index;
	return true;
}

bool wgx_noise_consume_timestamp(struct wgx_handshake *hs,
				 const struct message_handshake_initiation *msg,
				 const u8 static_static[NOISE_PUBLIC_KEY_LEN])
{
	/* ss */
	if (!mix_precomputed_dh(hs->chaining_key, hs->key, static_static))
		return false;
	/* {t} */
	return decrypt_and_hash(hs->timestamp, msg->encrypted_timestamp,
				sizeof(msg->encrypted_timestamp), hs->key,
				hs->hash);
}

bool wgx_noise_create_response(struct wgx_handshake *hs,
			       struct message_handshake_response *msg,
			       struct wgx_keypair *kp)
{
	u8 e_priv[NOISE_PUBLIC_KEY_LEN], e_pub[NOISE_PUBLIC_KEY_LEN];
	bool ret = false;

	msg->header.type = cpu_to_le32(MESSAGE_HANDSHAKE_RESPONSE);
	msg->receiver_index = hs->remote_index;
	msg->sender_index = kp->local_index;

	/* e */
	curve25519_generate_secret(e_priv);
	if (!curve25519_generate_public(e_pub, e_priv))
		goto out;
	memcpy(msg->unencrypted_ephemeral, e_pub, NOISE_PUBLIC_KEY_LEN);
	mix_ephemeral(hs->chaining_key, hs->hash, e_pub);
	/* ee */
	if (!mix_dh(hs->chaining_key, NULL, e_priv, hs->remote_ephemeral))
		goto out;
	/* se */
	if (!mix_dh(hs->chaining_key, NULL, e_priv, hs->remote_static))
		goto out;
	/* psk */
	mix_zero_psk(hs->chaining_key, hs->hash, hs->key);
	/* {} */
	encrypt_and_hash(msg->encrypted_nothing, NULL, 0, hs->key, hs->hash);

	/* The initiator's sending key is our receiving key. */
	kdf(kp->receiving_key, kp->sending_key, NULL, NULL, 0,
	    hs->chaining_key);
	kp->remote_index = hs->remote_index;
	kp->birthdate = ktime_get_coarse_boottime_ns();
	ret = true;
out:
	memzero_explicit(e_priv, sizeof(e_priv));
	return ret;
}

const struct rhashtable_params wgx_keypair_params = {
	.key_len = sizeof(__le32),
	.key_offset = offsetof(struct wgx_keypair, local_index),
	.head_offset = offsetof(struct wgx_keypair, node),
	.automatic_shrinking = true,
};

struct wgx_keypair *wgx_keypair_alloc(struct wgx_peer *peer)
{
	struct wgx_keypair *kp = kzalloc(sizeof(*kp), GFP_KERNEL);

	if (!kp)
		return NULL;
	kref_init(&kp->refcount);
	spin_lock_init(&kp->replay_lock);
	wgx_replay_init(&kp->replay);
	kp->peer = wgx_peer_get(peer);
	return kp;
}

static void keypair_free_rcu(struct rcu_head *rcu)
{
	struct wgx_keypair *kp = container_of(rcu, struct wgx_keypair, rcu);

	wgx_peer_put(kp->peer);
	kfree_sensitive(kp);
}

static void keypair_release(struct kref *ref)
{
	struct wgx_keypair *kp = container_of(ref, struct wgx_keypair, refcount);

	call_rcu(&kp->rcu, keypair_free_rcu);
}

void wgx_keypair_put(struct wgx_keypair *kp)
{
	if (kp)
		kref_put(&kp->refcount, keypair_release);
}

bool wgx_keypair_get(struct wgx_keypair *kp)
{
	return kref_get_unless_zero(&kp->refcount);
}

bool wgx_keypair_usable(const struct wgx_keypair *kp)
{
	return ktime_get_coarse_boottime_ns() - kp->birthdate <
	       (u64)REJECT_AFTER_TIME * NSEC_PER_SEC;
}
