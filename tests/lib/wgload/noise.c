// SPDX-License-Identifier: GPL-2.0
/* WireGuard Noise_IKpsk2 initiator; see noise.h. */
#include "noise.h"
#include "blake2s.h"

#include <sodium.h>
#include <string.h>

static const char construction[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const char identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void mix_hash(uint8_t h[32], const void *data, size_t len)
{
	struct blake2s_state s;

	blake2s_init(&s, 32, NULL, 0);
	blake2s_update(&s, h, 32);
	blake2s_update(&s, data, len);
	blake2s_final(&s, h);
}

/* HKDF with HMAC-BLAKE2s: up to three outputs from key @ck and @in. */
static void kdf(uint8_t *o1, uint8_t *o2, uint8_t *o3, const uint8_t ck[32],
		const void *in, size_t len)
{
	uint8_t prk[32], t[33];

	blake2s_hmac(prk, in, len, ck, 32);
	t[0] = 1;
	blake2s_hmac(t, t, 1, prk, 32);
	if (o1)
		memcpy(o1, t, 32);
	if (!o2)
		return;
	t[32] = 2;
	blake2s_hmac(t, t, 33, prk, 32);
	memcpy(o2, t, 32);
	if (!o3)
		return;
	t[32] = 3;
	blake2s_hmac(t, t, 33, prk, 32);
	memcpy(o3, t, 32);
}

static void aead_nonce(uint8_t nonce[12], uint64_t counter)
{
	memset(nonce, 0, 4);
	put_le64(nonce + 4, counter);
}

static void aead_encrypt(uint8_t *out, const uint8_t *in, size_t len,
			 const uint8_t *ad, size_t adlen, uint64_t counter,
			 const uint8_t key[32])
{
	uint8_t nonce[12];
	unsigned long long clen;

	aead_nonce(nonce, counter);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, in, len, ad,
						  adlen, NULL, nonce, key);
}

static bool aead_decrypt(uint8_t *out, const uint8_t *in, size_t len,
			 const uint8_t *ad, size_t adlen, uint64_t counter,
			 const uint8_t key[32])
{
	uint8_t nonce[12];
	unsigned long long mlen;

	aead_nonce(nonce, counter);
	return crypto_aead_chacha20poly1305_ietf_decrypt(out, &mlen, NULL, in,
							 len, ad, adlen, nonce,
							 key) == 0;
}

void noise_mac1(uint8_t out[16], const uint8_t *msg, size_t len,
		const uint8_t mac1_key[32])
{
	blake2s(out, 16, msg, len, mac1_key, 32);
}

static void label_key(uint8_t out[32], const char label[8],
		      const uint8_t pub[32])
{
	struct blake2s_state s;

	blake2s_init(&s, 32, NULL, 0);
	blake2s_update(&s, label, 8);
	blake2s_update(&s, pub, 32);
	blake2s_final(&s, out);
}

void noise_responder_init(struct noise_responder *r, const uint8_t pub[32])
{
	uint8_t ck[32];

	memcpy(r->pub, pub, 32);
	blake2s(ck, 32, construction, strlen(construction), NULL, 0);
	memcpy(r->h0, ck, 32);
	mix_hash(r->h0, identifier, strlen(identifier));
	mix_hash(r->h0, pub, 32);
	label_key(r->mac1_key, "mac1----", pub);
	label_key(r->cookie_key, "cookie--", pub);
}

static void clamp(uint8_t k[32])
{
	k[0] &= 248;
	k[31] = (k[31] & 127) | 64;
}

void noise_key_from_seed(uint8_t priv[32], uint64_t seed, uint32_t n)
{
	uint8_t in[12];

	put_le64(in, seed);
	put_le32(in + 8, n);
	blake2s(priv, 32, in, sizeof(in), "wgx-bench-key", 13);
	clamp(priv);
}

void noise_pubkey(uint8_t pub[32], const uint8_t priv[32])
{
	crypto_scalarmult_curve25519_base(pub, priv);
}

bool noise_initiator_init(struct noise_initiator *i, const uint8_t priv[32],
			  const struct noise_responder *r)
{
	uint8_t ck[32], h[32], k[32], dh[32];

	memset(i, 0, sizeof(*i));
	memcpy(i->priv, priv, 32);
	noise_pubkey(i->pub, priv);
	randombytes_buf(i->e_priv, 32);
	clamp(i->e_priv);
	noise_pubkey(i->e_pub, i->e_priv);

	blake2s(ck, 32, construction, strlen(construction), NULL, 0);
	memcpy(h, r->h0, 32);
	/* e */
	put_le32(i->tmpl, MSG_INITIATION);
	memcpy(i->tmpl + 8, i->e_pub, 32);
	kdf(ck, NULL, NULL, ck, i->e_pub, 32);
	mix_hash(h, i->e_pub, 32);
	/* es */
	if (crypto_scalarmult_curve25519(dh, i->e_priv, r->pub))
		return false;
	kdf(ck, k, NULL, ck, dh, 32);
	/* s */
	aead_encrypt(i->tmpl + 40, i->pub, 32, h, 32, 0, k);
	mix_hash(h, i->tmpl + 40, 32 + AUTHTAG_LEN);
	/* ss */
	if (crypto_scalarmult_curve25519(dh, i->priv, r->pub))
		return false;
	kdf(ck, k, NULL, ck, dh, 32);
	memcpy(i->ck_ss, ck, 32);
	memcpy(i->h_static, h, 32);
	memcpy(i->k_ts, k, 32);
	sodium_memzero(dh, sizeof(dh));
	return true;
}

static void tai64n(uint8_t out[12], uint64_t ns)
{
	uint64_t sec = 0x400000000000000aULL + ns / 1000000000ULL;
	uint32_t nsec = ns % 1000000000ULL;
	int j;

	for (j = 0; j < 8; j++)
		out[j] = sec >> (56 - 8 * j);
	for (j = 0; j < 4; j++)
		out[8 + j] = nsec >> (24 - 8 * j);
}

void noise_create_initiation(struct noise_initiator *i,
			     const struct noise_responder *r,
			     uint32_t sender_index, uint64_t now_ns,
			     uint8_t out[MSG_INITIATION_LEN])
{
	uint8_t ts[12];

	/* Timestamps must grow for each responder. */
	if (now_ns <= i->last_ts_ns)
		now_ns = i->last_ts_ns + 1;
	i->last_ts_ns = now_ns;
	tai64n(ts, now_ns);

	memcpy(out, i->tmpl, MSG_INITIATION_LEN);
	put_le32(out + 4, sender_index);
	memcpy(i->h, i->h_static, 32);
	aead_encrypt(out + 88, ts, 12, i->h, 32, 0, i->k_ts);
	mix_hash(i->h, out + 88, 12 + AUTHTAG_LEN);
	memcpy(i->ck, i->ck_ss, 32);
	noise_mac1(out + 116, out, 116, r->mac1_key);
	memcpy(i->last_mac1, out + 116, 16);
	/* A cookie lives two minutes (less a margin). */
	if (i->cookie_time && now_ns - i->cookie_time < 110ULL * 1000000000ULL)
		blake2s(out + 132, 16, out, 132, i->cookie, 16);
	else
		memset(out + 132, 0, 16);
	i->sender_index = sender_index;
	i->have_session = false;
}

bool noise_consume_response(struct noise_initiator *i,
			    const uint8_t msg[MSG_RESPONSE_LEN])
{
	uint8_t ck[32], h[32], k[32], tau[32], dh[32], psk[32] = { 0 };
	const uint8_t *e_r = msg + 12;

	if (get_le32(msg) != MSG_RESPONSE || get_le32(msg + 8) != i->sender_index)
		return false;
	memcpy(ck, i->ck, 32);
	memcpy(h, i->h, 32);
	kdf(ck, NULL, NULL, ck, e_r, 32);
	mix_hash(h, e_r, 32);
	if (crypto_scalarmult_curve25519(dh, i->e_priv, e_r))
		return false;
	kdf(ck, NULL, NULL, ck, dh, 32);
	if (crypto_scalarmult_curve25519(dh, i->priv, e_r))
		return false;
	kdf(ck, NULL, NULL, ck, dh, 32);
	kdf(ck, tau, k, ck, psk, 32);
	mix_hash(h, tau, 32);
	if (!aead_decrypt(NULL, msg + 44, AUTHTAG_LEN, h, 32, 0, k))
		return false;
	kdf(i->send_key, i->recv_key, NULL, ck, NULL, 0);
	i->remote_index = get_le32(msg + 4);
	i->send_counter = 0;
	i->have_session = true;
	sodium_memzero(dh, sizeof(dh));
	return true;
}

bool noise_consume_cookie(struct noise_initiator *i,
			  const struct noise_responder *r,
			  const uint8_t msg[MSG_COOKIE_LEN], uint64_t now_ns)
{
	unsigned long long mlen;

	if (get_le32(msg) != MSG_COOKIE || get_le32(msg + 4) != i->sender_index)
		return false;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(i->cookie, &mlen, NULL,
						       msg + 32, 32,
						       i->last_mac1, 16,
						       msg + 8, r->cookie_key))
		return false;
	i->cookie_time = now_ns;
	return true;
}

size_t noise_encrypt_data(struct noise_initiator *i, const uint8_t *plain,
			  size_t len, uint8_t *out)
{
	put_le32(out, MSG_DATA);
	put_le32(out + 4, i->remote_index);
	put_le64(out + 8, i->send_counter);
	aead_encrypt(out + MSG_DATA_HDR_LEN, plain, len, NULL, 0,
		     i->send_counter, i->send_key);
	i->send_counter++;
	return MSG_DATA_HDR_LEN + len + AUTHTAG_LEN;
}
