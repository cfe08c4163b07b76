// SPDX-License-Identifier: GPL-2.0
/*
 * mac1 checks for the relay and for forwarded messages; mac2 and cookie
 * replies for the relay's own handshakes under load.
 */
#include "compat.h"
#include "cookie.h"
#include "peer.h"

#include <linux/random.h>
#include <linux/timekeeping.h>

static const u8 mac1_key_label[COOKIE_KEY_LABEL_LEN] = "mac1----";
static const u8 cookie_key_label[COOKIE_KEY_LABEL_LEN] = "cookie--";

static void precompute_key(u8 key[NOISE_SYMMETRIC_KEY_LEN],
			   const u8 pub[NOISE_PUBLIC_KEY_LEN],
			   const u8 label[COOKIE_KEY_LABEL_LEN])
{
	struct blake2s_state blake;

	blake2s_init(&blake, NOISE_SYMMETRIC_KEY_LEN);
	blake2s_update(&blake, label, COOKIE_KEY_LABEL_LEN);
	blake2s_update(&blake, pub, NOISE_PUBLIC_KEY_LEN);
	blake2s_final(&blake, key);
}

void wgx_mac1_key(u8 key[NOISE_SYMMETRIC_KEY_LEN],
		  const u8 pub[NOISE_PUBLIC_KEY_LEN])
{
	precompute_key(key, pub, mac1_key_label);
}

static void compute_mac1(u8 mac1[COOKIE_LEN], const void *msg, size_t len,
			 const u8 key[NOISE_SYMMETRIC_KEY_LEN])
{
	len -= sizeof(struct message_macs);
	blake2s(mac1, msg, key, COOKIE_LEN, len, NOISE_SYMMETRIC_KEY_LEN);
}

static void compute_mac2(u8 mac2[COOKIE_LEN], const void *msg, size_t len,
			 const u8 cookie[COOKIE_LEN])
{
	len -= sizeof(struct message_macs) / 2;
	blake2s(mac2, msg, cookie, COOKIE_LEN, len, COOKIE_LEN);
}

bool wgx_mac1_check(const void *msg, size_t len,
		    const u8 mac1_key[NOISE_SYMMETRIC_KEY_LEN])
{
	const struct message_macs *macs = msg + len - sizeof(*macs);
	u8 computed[COOKIE_LEN];
	bool ok;

	compute_mac1(computed, msg, len, mac1_key);
	ok = !crypto_memneq(computed, macs->mac1, COOKIE_LEN);
	memzero_explicit(computed, sizeof(computed));
	return ok;
}

void wgx_macs_add(void *msg, size_t len,
		  const u8 mac1_key[NOISE_SYMMETRIC_KEY_LEN])
{
	struct message_macs *macs = msg + len - sizeof(*macs);

	compute_mac1(macs->mac1, msg, len, mac1_key);
	memset(macs->mac2, 0, COOKIE_LEN);
}

void wgx_cookie_checker_init(struct wgx_cookie_checker *checker)
{
	init_rwsem(&checker->secret_lock);
	checker->secret_birthdate = ktime_get_coarse_boottime_ns();
	get_random_bytes(checker->secret, NOISE_HASH_LEN);
}

void wgx_cookie_checker_set_key(struct wgx_cookie_checker *checker,
				const u8 pub[NOISE_PUBLIC_KEY_LEN])
{
	precompute_key(checker->cookie_encryption_key, pub, cookie_key_label);
	precompute_key(checker->message_mac1_key, pub, mac1_key_label);
}

static bool expired(u64 birthdate, u64 seconds)
{
	return ktime_get_coarse_boottime_ns() - birthdate >
	       seconds * NSEC_PER_SEC;
}

/* cookie = MAC(secret, source address || source port) */
static void make_cookie(u8 cookie[COOKIE_LEN], const struct wgx_endpoint *src,
			struct wgx_cookie_checker *checker)
{
	struct blake2s_state state;

	if (expired(checker->secret_birthdate, COOKIE_SECRET_MAX_AGE)) {
		down_write(&checker->secret_lock);
		checker->secret_birthdate = ktime_get_coarse_boottime_ns();
		get_random_bytes(checker->secret, NOISE_HASH_LEN);
		up_write(&checker->secret_lock);
	}

	down_read(&checker->secret_lock);
	blake2s_init_key(&state, COOKIE_LEN, checker->secret, NOISE_HASH_LEN);
	if (src->addr.sa_family == AF_INET)
		blake2s_update(&state, (u8 *)&src->addr4.sin_addr,
			       sizeof(struct in_addr));
	else
		blake2s_update(&state, (u8 *)&src->addr6.sin6_addr,
			       sizeof(struct in6_addr));
	blake2s_update(&state, (u8 *)&src->addr4.sin_port, sizeof(__be16));
	blake2s_final(&state, cookie);
	up_read(&checker->secret_lock);
}

enum cookie_mac_state wgx_cookie_validate(struct wgx_cookie_checker *checker,
					  const void *msg, size_t len,
					  const struct wgx_endpoint *src)
{
	const struct message_macs *macs = msg + len - sizeof(*macs);
	u8 computed[COOKIE_LEN], cookie[COOKIE_LEN];
	enum cookie_mac_state ret = INVALID_MAC;

	if (!wgx_mac1_check(msg, len, checker->message_mac1_key))
		goto out;
	ret = VALID_MAC_BUT_NO_COOKIE;
	make_cookie(cookie, src, checker);
	compute_mac2(computed, msg, len, cookie);
	if (!crypto_memneq(computed, macs->mac2, COOKIE_LEN))
		ret = VALID_MAC_WITH_COOKIE;
out:
	memzero_explicit(cookie, sizeof(cookie));
	memzero_explicit(computed, sizeof(computed));
	return ret;
}

void wgx_cookie_message_create(struct message_handshake_cookie *dst,
			       const void *msg, size_t len, __le32 index,
			       struct wgx_cookie_checker *checker,
			       const struct wgx_endpoint *src)
{
	const struct message_macs *macs = msg + len - sizeof(*macs);
	u8 cookie[COOKIE_LEN];

	dst->header.type = cpu_to_le32(MESSAGE_HANDSHAKE_COOKIE);
	dst->receiver_index = index;
	get_random_bytes(dst->nonce, COOKIE_NONCE_LEN);
	make_cookie(cookie, src, checker);
	xchacha20poly1305_encrypt(dst->encrypted_cookie, cookie, COOKIE_LEN,
				  macs->mac1, COOKIE_LEN, dst->nonce,
				  checker->cookie_encryption_key);
	memzero_explicit(cookie, sizeof(cookie));
}
