// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the human formatting (fmt.c), the JSON writer (json.c) and
 * key lists (key.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "key.h"

static void test_duration(void **state)
{
	char buf[256];

	fmt_duration(buf, sizeof(buf), 0, false);
	assert_string_equal(buf, "0 seconds");
	fmt_duration(buf, sizeof(buf), 1, false);
	assert_string_equal(buf, "1 second");
	fmt_duration(buf, sizeof(buf), 63, false);
	assert_string_equal(buf, "1 minute, 3 seconds");
	fmt_duration(buf, sizeof(buf), 3600 * 2 + 1, false);
	assert_string_equal(buf, "2 hours, 1 second");
	fmt_duration(buf, sizeof(buf), 365ULL * 86400 + 86400 * 2 + 120, false);
	assert_string_equal(buf, "1 year, 2 days, 2 minutes");
	fmt_duration(buf, sizeof(buf), 60, true);
	assert_string_equal(buf, "1 " FMT_CYAN "minute" FMT_RESET);
	/* A small buffer is cut, never overrun. */
	fmt_duration(buf, 8, 63, false);
	assert_true(strlen(buf) < 8);
}

static void test_ago(void **state)
{
	char buf[256];
	uint64_t ns = 1700000000ULL * 1000000000ULL + 999999999ULL;

	fmt_ago(buf, sizeof(buf), 0, 1700000000, false);
	assert_string_equal(buf, "never");
	fmt_ago(buf, sizeof(buf), ns, 1700000000, false);
	assert_string_equal(buf, "Now");
	fmt_ago(buf, sizeof(buf), ns, 1700000063, false);
	assert_string_equal(buf, "1 minute, 3 seconds ago");
	fmt_ago(buf, sizeof(buf), ns, 1699999999, false);
	assert_non_null(strstr(buf, "future"));
}

static void test_bytes(void **state)
{
	char buf[64];

	fmt_bytes(buf, sizeof(buf), 0, false);
	assert_string_equal(buf, "0 B");
	fmt_bytes(buf, sizeof(buf), 1023, false);
	assert_string_equal(buf, "1023 B");
	fmt_bytes(buf, sizeof(buf), 1024, false);
	assert_string_equal(buf, "1.00 KiB");
	fmt_bytes(buf, sizeof(buf), (uint64_t)(1.2 * 1024 * 1024), false);
	assert_string_equal(buf, "1.20 MiB");
	fmt_bytes(buf, sizeof(buf), 3ULL << 30, false);
	assert_string_equal(buf, "3.00 GiB");
	fmt_bytes(buf, sizeof(buf), 5ULL << 40, false);
	assert_string_equal(buf, "5.00 TiB");
	fmt_bytes(buf, sizeof(buf), 5, true);
	assert_string_equal(buf, "5 " FMT_CYAN "B" FMT_RESET);
}

static void test_sockaddr(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(51820) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(1) };
	char buf[FMT_ENDPOINT_LEN];

	inet_pton(AF_INET, "198.51.100.7", &sin.sin_addr);
	assert_true(fmt_sockaddr(buf, sizeof(buf), &sin, sizeof(sin)));
	assert_string_equal(buf, "198.51.100.7:51820");
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	assert_true(fmt_sockaddr(buf, sizeof(buf), &sin6, sizeof(sin6)));
	assert_string_equal(buf, "[2001:db8::1]:1");
	sin6.sin6_scope_id = 3;
	inet_pton(AF_INET6, "fe80::1", &sin6.sin6_addr);
	assert_true(fmt_sockaddr(buf, sizeof(buf), &sin6, sizeof(sin6)));
	assert_string_equal(buf, "[fe80::1%3]:1");
	/* Wrong sizes and families. */
	assert_false(fmt_sockaddr(buf, sizeof(buf), &sin, sizeof(sin) - 1));
	assert_false(fmt_sockaddr(buf, sizeof(buf), &sin6, sizeof(sin)));
	assert_false(fmt_sockaddr(buf, sizeof(buf), &sin, 1));
	sin.sin_family = AF_UNIX;
	assert_false(fmt_sockaddr(buf, sizeof(buf), &sin, sizeof(sin)));
	assert_string_equal(buf, "(invalid)");
	fmt_host_port(buf, sizeof(buf), "2001:db8::2", 8787);
	assert_string_equal(buf, "[2001:db8::2]:8787");
	fmt_host_port(buf, sizeof(buf), "relay.example.com", 8787);
	assert_string_equal(buf, "relay.example.com:8787");
}

static bool global(const char *s)
{
	uint8_t a[16];
	int family = strchr(s, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, s, a), 1);
	return addr_is_global(family, a);
}

static void test_global(void **state)
{
	assert_true(global("8.8.8.8"));
	assert_true(global("203.0.113.5"));	/* documentation, kept */
	assert_true(global("192.0.2.2"));
	assert_true(global("172.32.0.1"));
	assert_false(global("0.0.0.0"));
	assert_false(global("10.1.2.3"));
	assert_false(global("100.64.0.1"));
	assert_false(global("100.127.255.255"));
	assert_true(global("100.128.0.1"));
	assert_false(global("127.0.0.1"));
	assert_false(global("169.254.1.1"));
	assert_false(global("172.16.0.1"));
	assert_false(global("172.31.255.255"));
	assert_false(global("192.168.1.1"));
	assert_false(global("224.0.0.1"));
	assert_false(global("255.255.255.255"));
	assert_true(global("2a01:4f8::1"));
	assert_true(global("2001:db8::5"));
	assert_false(global("2001::1"));	/* Teredo */
	assert_false(global("::1"));
	assert_false(global("::"));
	assert_false(global("::ffff:8.8.8.8"));
	assert_false(global("fe80::1"));
	assert_false(global("fd00::2"));
	assert_false(global("fc00::1"));
	assert_false(global("ff02::1"));
}

static void test_json(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_string(&j, "name", "a\"b\\c\n\t\x01/\xc3\xa9");
	json_u64(&j, "big", UINT64_MAX);
	json_bool(&j, "yes", true);
	json_null(&j, "none");
	json_array_begin(&j, "empty");
	json_array_end(&j);
	json_array_begin(&j, "list");
	json_u64(&j, NULL, 1);
	json_object_begin(&j, NULL);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
	fclose(f);
	assert_string_equal(buf,
		"{\n"
		"  \"name\": \"a\\\"b\\\\c\\n\\t\\u0001/\xc3\xa9\",\n"
		"  \"big\": 18446744073709551615,\n"
		"  \"yes\": true,\n"
		"  \"none\": null,\n"
		"  \"empty\": [],\n"
		"  \"list\": [\n"
		"    1,\n"
		"    {}\n"
		"  ]\n"
		"}\n");
	free(buf);

	f = open_memstream(&buf, &len);
	json_init(&j, f);
	json_array_begin(&j, NULL);
	json_array_end(&j);
	json_finish(&j);
	fclose(f);
	assert_string_equal(buf, "[]\n");
	free(buf);
}

static void test_key_list(void **state)
{
	struct key_list l = { 0 };
	uint8_t k[WGX_KEY_LEN];

	for (int i = 0; i < 1000; i++) {
		memset(k, 0, sizeof(k));
		k[0] = (uint8_t)(i % 300);
		k[1] = (uint8_t)((i % 300) >> 8);
		assert_int_equal(key_list_add(&l, k), 0);
	}
	assert_int_equal(key_list_sort_unique(&l), 700);
	assert_int_equal(l.n, 300);
	for (size_t i = 1; i < l.n; i++)
		assert_true(memcmp(l.keys[i - 1], l.keys[i], WGX_KEY_LEN) < 0);
	memset(k, 0, sizeof(k));
	k[0] = 43;	/* 299 */
	k[1] = 1;
	assert_true(key_list_contains(&l, k));
	k[0] = 44;	/* 300 */
	assert_false(key_list_contains(&l, k));
	key_list_free(&l);
	assert_false(key_list_contains(&l, k));
	assert_int_equal(key_list_sort_unique(&l), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_ago),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_sockaddr),
		cmocka_unit_test(test_global),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_key_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
