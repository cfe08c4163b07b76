// SPDX-License-Identifier: GPL-2.0
/* BLAKE2s, RFC 7693; see blake2s.h. */
#include "blake2s.h"

#include <string.h>

static const uint32_t iv[8] = {
	0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
	0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
};

static const uint8_t sigma[10][16] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
	{ 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
	{ 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
	{ 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
	{ 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
	{ 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
	{ 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
	{ 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
	{ 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
};

static inline uint32_t ror32(uint32_t w, unsigned int c)
{
	return (w >> c) | (w << (32 - c));
}

static inline uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void compress(struct blake2s_state *s, const uint8_t block[64])
{
	uint32_t m[16], v[16];
	int i, r;

	for (i = 0; i < 16; i++)
		m[i] = load32(block + 4 * i);
	for (i = 0; i < 8; i++) {
		v[i] = s->h[i];
		v[i + 8] = iv[i];
	}
	v[12] ^= s->t[0];
	v[13] ^= s->t[1];
	v[14] ^= s->f[0];
	v[15] ^= s->f[1];
#define G(a, b, c, d, x, y)                         \
	do {                                        \
		v[a] = v[a] + v[b] + (x);           \
		v[d] = ror32(v[d] ^ v[a], 16);      \
		v[c] = v[c] + v[d];                 \
		v[b] = ror32(v[b] ^ v[c], 12);      \
		v[a] = v[a] + v[b] + (y);           \
		v[d] = ror32(v[d] ^ v[a], 8);       \
		v[c] = v[c] + v[d];                 \
		v[b] = ror32(v[b] ^ v[c], 7);       \
	} while (0)
	for (r = 0; r < 10; r++) {
		const uint8_t *sg = sigma[r];

		G(0, 4, 8, 12, m[sg[0]], m[sg[1]]);
		G(1, 5, 9, 13, m[sg[2]], m[sg[3]]);
		G(2, 6, 10, 14, m[sg[4]], m[sg[5]]);
		G(3, 7, 11, 15, m[sg[6]], m[sg[7]]);
		G(0, 5, 10, 15, m[sg[8]], m[sg[9]]);
		G(1, 6, 11, 12, m[sg[10]], m[sg[11]]);
		G(2, 7, 8, 13, m[sg[12]], m[sg[13]]);
		G(3, 4, 9, 14, m[sg[14]], m[sg[15]]);
	}
#undef G
	for (i = 0; i < 8; i++)
		s->h[i] ^= v[i] ^ v[i + 8];
}

static void increment(struct blake2s_state *s, uint32_t inc)
{
	s->t[0] += inc;
	s->t[1] += s->t[0] < inc;
}

void blake2s_init(struct blake2s_state *s, size_t outlen, const void *key,
		  size_t keylen)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->h, iv, sizeof(iv));
	s->h[0] ^= 0x01010000 ^ (uint32_t)(keylen << 8) ^ (uint32_t)outlen;
	s->outlen = outlen;
	if (keylen) {
		uint8_t block[64] = { 0 };

		memcpy(block, key, keylen);
		blake2s_update(s, block, 64);
	}
}

void blake2s_update(struct blake2s_state *s, const void *in_, size_t inlen)
{
	const uint8_t *in = in_;

	while (inlen) {
		size_t n;

		/* Keep the last block for final(): compress only when more
		 * input follows a full buffer. */
		if (s->buflen == 64) {
			increment(s, 64);
			compress(s, s->buf);
			s->buflen = 0;
		}
		n = 64 - s->buflen;
		if (n > inlen)
			n = inlen;
		memcpy(s->buf + s->buflen, in, n);
		s->buflen += n;
		in += n;
		inlen -= n;
	}
}

void blake2s_final(struct blake2s_state *s, uint8_t *out)
{
	uint8_t full[32];
	int i;

	increment(s, (uint32_t)s->buflen);
	s->f[0] = 0xFFFFFFFF;
	memset(s->buf + s->buflen, 0, 64 - s->buflen);
	compress(s, s->buf);
	for (i = 0; i < 8; i++) {
		full[4 * i] = (uint8_t)s->h[i];
		full[4 * i + 1] = (uint8_t)(s->h[i] >> 8);
		full[4 * i + 2] = (uint8_t)(s->h[i] >> 16);
		full[4 * i + 3] = (uint8_t)(s->h[i] >> 24);
	}
	memcpy(out, full, s->outlen);
}

void blake2s(uint8_t *out, size_t outlen, const void *in, size_t inlen,
	     const void *key, size_t keylen)
{
	struct blake2s_state s;

	blake2s_init(&s, outlen, key, keylen);
	blake2s_update(&s, in, inlen);
	blake2s_final(&s, out);
}

void blake2s_hmac(uint8_t out[32], const void *in, size_t inlen,
		  const void *key, size_t keylen)
{
	uint8_t k[64] = { 0 }, pad[64], inner[32];
	struct blake2s_state s;
	int i;

	if (keylen > 64)
		blake2s(k, 32, key, keylen, NULL, 0);
	else
		memcpy(k, key, keylen);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	blake2s_init(&s, 32, NULL, 0);
	blake2s_update(&s, pad, 64);
	blake2s_update(&s, in, inlen);
	blake2s_final(&s, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	blake2s_init(&s, 32, NULL, 0);
	blake2s_update(&s, pad, 64);
	blake2s_update(&s, inner, 32);
	blake2s_final(&s, out);
}
