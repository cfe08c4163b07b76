// SPDX-License-Identifier: GPL-2.0
/*
 * Keys: generation, base64 (constant time, through libsodium) and key files.
 */
#include "key.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void key_to_base64(char out[WGX_KEY_B64_LEN], const uint8_t key[WGX_KEY_LEN])
{
	sodium_bin2base64(out, WGX_KEY_B64_LEN, key, WGX_KEY_LEN,
			  sodium_base64_VARIANT_ORIGINAL);
}

bool key_from_base64(uint8_t key[WGX_KEY_LEN], const char *b64)
{
	size_t len = 0;

	if (strlen(b64) != WGX_KEY_B64_LEN - 1 || b64[WGX_KEY_B64_LEN - 2] != '=')
		return false;
	if (sodium_base642bin(key, WGX_KEY_LEN, b64, WGX_KEY_B64_LEN - 1, NULL,
			      &len, NULL, sodium_base64_VARIANT_ORIGINAL) ||
	    len != WGX_KEY_LEN)
		return false;
	return true;
}

void key_generate_preshared(uint8_t key[WGX_KEY_LEN])
{
	randombytes_buf(key, WGX_KEY_LEN);
}

void key_generate_private(uint8_t key[WGX_KEY_LEN])
{
	randombytes_buf(key, WGX_KEY_LEN);
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

bool key_public_from_private(uint8_t pub[WGX_KEY_LEN],
			     const uint8_t priv[WGX_KEY_LEN])
{
	return crypto_scalarmult_curve25519_base(pub, priv) == 0;
}

bool key_equal(const uint8_t a[WGX_KEY_LEN], const uint8_t b[WGX_KEY_LEN])
{
	return sodium_memcmp(a, b, WGX_KEY_LEN) == 0;
}

bool key_is_zero(const uint8_t key[WGX_KEY_LEN])
{
	return sodium_is_zero(key, WGX_KEY_LEN);
}

bool key_read_stream(uint8_t key[WGX_KEY_LEN], void *stdio_file)
{
	FILE *f = stdio_file;
	char buf[WGX_KEY_B64_LEN + 1];
	size_t n = 0;
	int c;
	bool ok;

	/* Skip leading white space, read at most one key, then only white
	 * space may follow. */
	while ((c = fgetc(f)) != EOF && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
		;
	while (c != EOF && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
		if (n == sizeof(buf) - 1) {
			sodium_memzero(buf, sizeof(buf));
			return false;
		}
		buf[n++] = (char)c;
		c = fgetc(f);
	}
	while (c != EOF && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
		c = fgetc(f);
	buf[n] = '\0';
	ok = c == EOF && key_from_base64(key, buf);
	sodium_memzero(buf, sizeof(buf));
	return ok;
}

int key_read_file(uint8_t key[WGX_KEY_LEN], const char *path)
{
	struct stat st;
	FILE *f;
	bool ok;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 0007)) {
		close(fd);
		return -EPERM;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	ok = key_read_stream(key, f);
	fclose(f);
	return ok ? 0 : -EINVAL;
}

int key_list_add(struct key_list *l, const uint8_t key[WGX_KEY_LEN])
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(l->keys, cap * WGX_KEY_LEN);

		if (!p)
			return -ENOMEM;
		l->keys = p;
		l->cap = cap;
	}
	memcpy(l->keys[l->n++], key, WGX_KEY_LEN);
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, WGX_KEY_LEN);
}

size_t key_list_sort_unique(struct key_list *l)
{
	size_t j = 0, dropped;

	if (!l->n)
		return 0;
	qsort(l->keys, l->n, WGX_KEY_LEN, cmp_key);
	for (size_t i = 1; i < l->n; i++)
		if (memcmp(l->keys[i], l->keys[j], WGX_KEY_LEN))
			memcpy(l->keys[++j], l->keys[i], WGX_KEY_LEN);
	dropped = l->n - (j + 1);
	l->n = j + 1;
	return dropped;
}

bool key_list_contains(const struct key_list *l, const uint8_t key[WGX_KEY_LEN])
{
	return l->n && bsearch(key, l->keys, l->n, WGX_KEY_LEN, cmp_key);
}

void key_list_free(struct key_list *l)
{
	free(l->keys);
	l->keys = NULL;
	l->n = l->cap = 0;
}
