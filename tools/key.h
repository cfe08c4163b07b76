/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WGX_KEY_H
#define _WGX_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WGX_KEY_LEN 32
/* base64 of 32 bytes: 44 characters plus the terminating NUL */
#define WGX_KEY_B64_LEN 45

/* Encode a 32-byte key as standard base64 (as `wg` prints keys). */
void key_to_base64(char out[WGX_KEY_B64_LEN], const uint8_t key[WGX_KEY_LEN]);
/* Decode exactly one base64 key; false unless it is 44 valid characters. */
bool key_from_base64(uint8_t key[WGX_KEY_LEN], const char *b64);
/* A new Curve25519 private key, clamped as `wg genkey` does. */
void key_generate_private(uint8_t key[WGX_KEY_LEN]);
/* A new random preshared key. */
void key_generate_preshared(uint8_t key[WGX_KEY_LEN]);
/* The public key of a private key; false for a key that gives zero. */
bool key_public_from_private(uint8_t pub[WGX_KEY_LEN],
			     const uint8_t priv[WGX_KEY_LEN]);
/* Constant-time comparison. */
bool key_equal(const uint8_t a[WGX_KEY_LEN], const uint8_t b[WGX_KEY_LEN]);
bool key_is_zero(const uint8_t key[WGX_KEY_LEN]);
/* Read one base64 key from a stream (surrounding white space allowed). */
bool key_read_stream(uint8_t key[WGX_KEY_LEN], void *stdio_file);
/* Read a key file, refusing one that others may read (mode & 0007: world-readable or -writable) unless
 * it is a FIFO or a terminal. Returns 0 or a negative errno; -EPERM for a
 * world-readable file, -EINVAL for bad contents. */
int key_read_file(uint8_t key[WGX_KEY_LEN], const char *path);

/* A growable list of public keys. */
struct key_list {
	uint8_t (*keys)[WGX_KEY_LEN];
	size_t n, cap;
};

/* Append a key. 0 or -ENOMEM. */
int key_list_add(struct key_list *l, const uint8_t key[WGX_KEY_LEN]);
/* Sort (bytewise) and drop duplicates; returns how many were dropped. */
size_t key_list_sort_unique(struct key_list *l);
/* Whether @key is in a sorted list. */
bool key_list_contains(const struct key_list *l, const uint8_t key[WGX_KEY_LEN]);
void key_list_free(struct key_list *l);

#endif /* _WGX_KEY_H */
