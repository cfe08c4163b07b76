/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initiator side of WireGuard's Noise_IKpsk2 handshake (no PSK), enough
 * for a load generator: initiations with mac1 (and mac2 from a cookie
 * reply), response processing into transport keys, transport data.
 * X25519 and ChaCha20-Poly1305 from libsodium, BLAKE2s from blake2s.c.
 *
 * A generator reuses one ephemeral key per (initiator, responder) pair so
 * that an initiation costs two AEADs and a few hashes, not two X25519s: the
 * responder cannot tell, and does all its own work (the figure measured).
 */
#ifndef BENCH_NOISE_H
#define BENCH_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOISE_KEY_LEN 32
#define MSG_INITIATION_LEN 148
#define MSG_RESPONSE_LEN 92
#define MSG_COOKIE_LEN 64
#define MSG_DATA_HDR_LEN 16
#define AUTHTAG_LEN 16

enum { MSG_INITIATION = 1, MSG_RESPONSE = 2, MSG_COOKIE = 3, MSG_DATA = 4 };

/* What an initiator knows of a responder: its key and derived constants. */
struct noise_responder {
	uint8_t pub[32];
	uint8_t h0[32];		/* hash after mixing the responder's key */
	uint8_t mac1_key[32];
	uint8_t cookie_key[32];
};

/* One initiator's state towards one responder. */
struct noise_initiator {
	uint8_t priv[32], pub[32];
	uint8_t e_priv[32], e_pub[32];
	/* Constant part of the initiation (fixed ephemeral): the message up
	 * to the encrypted static, and the chaining key / hash / key after
	 * it, from which only the timestamp part is computed per message. */
	uint8_t tmpl[MSG_INITIATION_LEN];
	uint8_t ck_ss[32], h_static[32], k_ts[32];
	/* After the last initiation sent. */
	uint8_t ck[32], h[32];
	uint8_t last_mac1[16];
	uint64_t last_ts_ns;
	uint32_t sender_index;
	/* Cookie from a cookie reply, for mac2, and when it came (ns). */
	uint8_t cookie[16];
	uint64_t cookie_time;
	/* Transport keys after a processed response. */
	bool have_session;
	uint32_t remote_index;
	uint8_t send_key[32], recv_key[32];
	uint64_t send_counter;
};

void noise_responder_init(struct noise_responder *r, const uint8_t pub[32]);
/* Precompute everything of @i towards @r: the ephemeral and both DHs.
 * Returns false when a DH is zero. */
bool noise_initiator_init(struct noise_initiator *i, const uint8_t priv[32],
			  const struct noise_responder *r);
/* Write an initiation with @sender_index into @out (148 bytes). */
void noise_create_initiation(struct noise_initiator *i,
			     const struct noise_responder *r,
			     uint32_t sender_index, uint64_t now_ns,
			     uint8_t out[MSG_INITIATION_LEN]);
/* Process a response to the last initiation: false if it does not
 * authenticate. On success the transport keys are set. */
bool noise_consume_response(struct noise_initiator *i,
			    const uint8_t msg[MSG_RESPONSE_LEN]);
/* Decrypt a cookie reply for the last initiation; sets i->cookie. */
bool noise_consume_cookie(struct noise_initiator *i,
			  const struct noise_responder *r,
			  const uint8_t msg[MSG_COOKIE_LEN], uint64_t now_ns);
/* Transport data: encrypt @len bytes of @plain (already padded) into @out,
 * which gets MSG_DATA_HDR_LEN + len + AUTHTAG_LEN bytes. */
size_t noise_encrypt_data(struct noise_initiator *i, const uint8_t *plain,
			  size_t len, uint8_t *out);

/* mac1 of a message keyed for a responder key, over its first @len bytes. */
void noise_mac1(uint8_t out[16], const uint8_t *msg, size_t len,
		const uint8_t mac1_key[32]);
void noise_key_from_seed(uint8_t priv[32], uint64_t seed, uint32_t n);
void noise_pubkey(uint8_t pub[32], const uint8_t priv[32]);

#endif
