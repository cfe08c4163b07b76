// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of key handling: base64 round trip, refusal of malformed keys,
 * a fixed RFC 7748 vector for the public key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "key.h"

static void test_base64_round_trip(void **state)
{
	uint8_t key[WGX_KEY_LEN], back[WGX_KEY_LEN];
	char b64[WGX_KEY_B64_LEN];

	for (int i = 0; i < 100; i++) {
		key_generate_private(key);
		key_to_base64(b64, key);
		assert_int_equal(strlen(b64), 44);
		assert_true(key_from_base64(back, b64));
		assert_memory_equal(key, back, WGX_KEY_LEN);
	}
}

static void test_base64_refuses(void **state)
{
	uint8_t key[WGX_KEY_LEN];

	assert_false(key_from_base64(key, ""));
	assert_false(key_from_base64(key, "AAAA"));
	/* 43 characters, no padding */
	assert_false(key_from_base64(key, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk"));
	/* a character outside the alphabet */
	assert_false(key_from_base64(key, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBm*="));
	/* non-zero padding bits (last char must encode 4 bits then zeros) */
	assert_false(key_from_base64(key, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmn="));
	assert_true(key_from_base64(key, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="));
}

/* RFC 7748 section 6.1: Alice's private and public keys. */
static void test_public_key_vector(void **state)
{
	static const uint8_t priv[32] = {
		0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1,
		0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0,
		0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a };
	static const uint8_t pub[32] = {
		0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d,
		0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38,
		0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a };
	uint8_t out[32];

	assert_true(key_public_from_private(out, priv));
	assert_memory_equal(out, pub, 32);
}

static void test_generate_clamped(void **state)
{
	uint8_t key[WGX_KEY_LEN];

	for (int i = 0; i < 100; i++) {
		key_generate_private(key);
		assert_int_equal(key[0] & 7, 0);
		assert_int_equal(key[31] & 128, 0);
		assert_int_equal(key[31] & 64, 64);
	}
}

static void test_key_file(void **state)
{
	char path[] = "/tmp/wgx-test-key-XXXXXX";
	uint8_t key[WGX_KEY_LEN];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "  yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n\n", 48), 48);
	close(fd);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(key_read_file(key, path), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(key_read_file(key, path), -EPERM);
	unlink(path);
	assert_int_equal(key_read_file(key, path), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_round_trip),
		cmocka_unit_test(test_base64_refuses),
		cmocka_unit_test(test_public_key_vector),
		cmocka_unit_test(test_generate_clamped),
		cmocka_unit_test(test_key_file),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
