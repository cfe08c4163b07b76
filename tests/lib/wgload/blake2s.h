/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BLAKE2s (RFC 7693) for the benchmark's WireGuard load generator: libsodium
 * has BLAKE2b only, WireGuard's Noise uses BLAKE2s.
 */
#ifndef BENCH_BLAKE2S_H
#define BENCH_BLAKE2S_H

#include <stddef.h>
#include <stdint.h>

struct blake2s_state {
	uint32_t h[8];
	uint32_t t[2];
	uint32_t f[2];
	uint8_t buf[64];
	size_t buflen;
	size_t outlen;
};

void blake2s_init(struct blake2s_state *s, size_t outlen, const void *key,
		  size_t keylen);
void blake2s_update(struct blake2s_state *s, const void *in, size_t inlen);
void blake2s_final(struct blake2s_state *s, uint8_t *out);
/* One shot: out (outlen bytes) = BLAKE2s(in), keyed when keylen > 0. */
void blake2s(uint8_t *out, size_t outlen, const void *in, size_t inlen,
	     const void *key, size_t keylen);
/* HMAC-BLAKE2s (RFC 2104, 64-byte blocks, 32-byte output). */
void blake2s_hmac(uint8_t out[32], const void *in, size_t inlen,
		  const void *key, size_t keylen);

#endif
