// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the netlink plumbing (nl.c) against the running kernel's own
 * generic netlink controller ("nlctrl"), which every kernel with generic
 * netlink has: a doit with its answer, a dump, an error, an error with an
 * extack message, and a request larger than a page. Skipped where no
 * generic netlink socket can be opened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int setup(void **state)
{
	struct wgx_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	nl->sock = nl_socket_alloc();
	nl->family = GENL_ID_CTRL;
	if (!nl->sock || genl_connect(nl->sock) < 0) {
		wgx_nl_close(nl);
		free(nl);
		*state = NULL;
		return 0;
	}
	/* As wgx_nl_open sets them. */
	setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	*state = nl;
	return 0;
}

static int teardown(void **state)
{
	struct wgx_nl *nl = *state;

	if (nl) {
		wgx_nl_close(nl);
		free(nl);
	}
	return 0;
}

static int count(struct nl_msg *msg, void *arg)
{
	(*(int *)arg)++;
	return NL_OK;
}

#define NEED_NL(nl) do { if (!(nl)) skip(); } while (0)

static void test_doit(void **state)
{
	struct wgx_nl *nl = *state;
	char extack[WGX_NL_EXTACK_LEN];
	struct nl_msg *msg;
	int n = 0;

	NEED_NL(nl);
	msg = wgx_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	assert_int_equal(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl"), 0);
	assert_int_equal(wgx_nl_request(nl, msg, count, &n, extack), 0);
	assert_int_equal(n, 1);
}

static void test_dump(void **state)
{
	struct wgx_nl *nl = *state;
	char extack[WGX_NL_EXTACK_LEN];
	int n = 0;

	NEED_NL(nl);
	assert_int_equal(wgx_nl_request(nl, wgx_nl_msg(nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP),
					count, &n, extack), 0);
	assert_true(n >= 1);
	/* The socket is in a clean state afterwards: another request works. */
	n = 0;
	assert_int_equal(wgx_nl_request(nl, wgx_nl_msg(nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP),
					count, &n, extack), 0);
	assert_true(n >= 1);
}

static void test_errors(void **state)
{
	struct wgx_nl *nl = *state;
	char extack[WGX_NL_EXTACK_LEN];
	struct nl_msg *msg;
	int n = 0;

	NEED_NL(nl);
	msg = wgx_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "no-such-family");
	assert_int_equal(wgx_nl_request(nl, msg, count, &n, extack), -ENOENT);
	assert_int_equal(n, 0);
	/* An unknown attribute to a strictly validated command: EINVAL with
	 * the kernel's message (kernels since 5.2). */
	msg = wgx_nl_msg(nl, CTRL_CMD_GETPOLICY, NLM_F_DUMP);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	nla_put_u32(msg, 100, 1);
	assert_int_equal(wgx_nl_request(nl, msg, count, &n, extack), -EINVAL);
	if (extack[0])
		assert_string_equal(extack, "Unknown attribute type");
}

static void test_large_request(void **state)
{
	struct wgx_nl *nl = *state;
	char extack[WGX_NL_EXTACK_LEN];
	static char big[1024 * 36];
	struct nl_msg *msg;
	int n = 0;

	NEED_NL(nl);
	/* As large as a SET_RELAY with WGX_MAX_KEYS_PER_MSG keys. */
	msg = wgx_nl_msg_size(nl, CTRL_CMD_GETFAMILY, 0, sizeof(big));
	assert_non_null(msg);
	assert_int_equal(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl"), 0);
	assert_int_equal(nla_put(msg, CTRL_ATTR_OP, sizeof(big), big), 0);
	assert_int_equal(wgx_nl_request(nl, msg, count, &n, extack), 0);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doit),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_large_request),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
