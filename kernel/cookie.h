/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mac1, mac2 and cookie replies (whitepaper 5.4.4, 5.4.7).
 */
#ifndef _WGX_COOKIE_H
#define _WGX_COOKIE_H

#include "messages.h"

#include <linux/rwsem.h>

struct sk_buff;
struct wgx_endpoint;

/*
 * The relay's own cookie state. @secret rotates every COOKIE_SECRET_MAX_AGE;
 * @secret_lock protects @secret and @secret_birthdate. The two keys derive
 * from the relay's public key and change with it under relay->lock.
 */
struct wgx_cookie_checker {
	u8 secret[NOISE_HASH_LEN];
	u64 secret_birthdate;
	struct rw_semaphore secret_lock;
	u8 cookie_encryption_key[NOISE_SYMMETRIC_KEY_LEN];
	u8 message_mac1_key[NOISE_SYMMETRIC_KEY_LEN];
};

enum cookie_mac_state {
	INVALID_MAC,
	VALID_MAC_BUT_NO_COOKIE,
	VALID_MAC_WITH_COOKIE
};

/* HASH(LABEL_MAC1 || public key): the key of mac1 for messages to @pub. */
void wgx_mac1_key(u8 key[NOISE_SYMMETRIC_KEY_LEN],
		  const u8 pub[NOISE_PUBLIC_KEY_LEN]);
/* Whether the mac1 of handshake message @msg of @len bytes is keyed by
 * @mac1_key. Any context. */
bool wgx_mac1_check(const void *msg, size_t len,
		    const u8 mac1_key[NOISE_SYMMETRIC_KEY_LEN]);
/* Set mac1 (keyed to the receiver's @mac1_key) and a zero mac2. */
void wgx_macs_add(void *msg, size_t len,
		  const u8 mac1_key[NOISE_SYMMETRIC_KEY_LEN]);

void wgx_cookie_checker_init(struct wgx_cookie_checker *checker);
void wgx_cookie_checker_set_key(struct wgx_cookie_checker *checker,
				const u8 pub[NOISE_PUBLIC_KEY_LEN]);
/* Process context. mac1 is already known valid; checks mac2 against the
 * cookie of the packet's source. */
enum cookie_mac_state wgx_cookie_validate(struct wgx_cookie_checker *checker,
					  const void *msg, size_t len,
					  const struct wgx_endpoint *src);
/* A cookie reply to handshake message @msg (mac1 at @len - 32). */
void wgx_cookie_message_create(struct message_handshake_cookie *dst,
			       const void *msg, size_t len, __le32 index,
			       struct wgx_cookie_checker *checker,
			       const struct wgx_endpoint *src);

#endif /* _WGX_COOKIE_H */
