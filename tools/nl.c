// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing for the wgx family (libnl-genl-3).
 */
#include "nl.h"
#include "term.h"

#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <uapi/linux/wgx.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int wgx_nl_open(struct wgx_nl *nl, bool quiet)
{
	int one = 1, err;

	nl->sock = nl_socket_alloc();
	if (!nl->sock) {
		die("out of memory");
		return -ENOMEM;
	}
	err = genl_connect(nl->sock);
	if (err < 0) {
		if (!quiet)
			die("cannot open a generic netlink socket: %s",
			    nl_geterror(err));
		goto err;
	}
	/* Ask for the kernel's error messages (extack), and for errors that do
	 * not echo the request (which may hold a private key); harmless if
	 * refused. */
	setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sock, WGX_GENL_NAME);
	if (nl->family < 0) {
		if (!quiet)
			die("the wgx kernel module is not loaded (try: modprobe wgx)");
		err = -ENOENT;
		goto err;
	}
	return 0;
err:
	nl_socket_free(nl->sock);
	nl->sock = NULL;
	return err < 0 ? err : -EIO;
}

void wgx_nl_close(struct wgx_nl *nl)
{
	if (nl->sock)
		nl_socket_free(nl->sock);
	nl->sock = NULL;
}

struct nl_msg *wgx_nl_msg(const struct wgx_nl *nl, int cmd, int flags)
{
	return wgx_nl_msg_size(nl, cmd, flags, 0);
}

struct nl_msg *wgx_nl_msg_size(const struct wgx_nl *nl, int cmd, int flags,
			       size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(NLMSG_SPACE(GENL_HDRLEN) + size + 4096)
				  : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, WGX_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct talk_state {
	int err;		/* 1 until the final answer */
	bool intr;		/* a dump was interrupted by a change */
	char *extack;
	int (*cb)(struct nl_msg *, void *);
	void *arg;
};

/* The extack message in the TLVs at @attrs, up to the end of @nlh. */
static void read_extack(struct talk_state *st, struct nlmsghdr *nlh,
			struct nlattr *attrs)
{
	struct nlattr *a;
	int len, rem;

	len = (int)((char *)nlh + nlh->nlmsg_len - (char *)attrs);
	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG) {
			int n = (int)strnlen(nla_data(a), (size_t)nla_len(a));

			/* One line: the message ends at its first newline. */
			snprintf(st->extack, WGX_NL_EXTACK_LEN, "%.*s", n,
				 (const char *)nla_data(a));
			st->extack[strcspn(st->extack, "\n")] = '\0';
		}
	}
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct talk_state *st = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;

	st->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	/* The TLVs follow the echoed request (only its header if capped). */
	read_extack(st, nlh, (struct nlattr *)((char *)e + sizeof(*e) +
		    ((nlh->nlmsg_flags & NLM_F_CAPPED) ? 0 :
		     NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN)));
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct talk_state *st = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err = 0;

	st->err = 0;
	/* A dump that failed on the way ends with NLMSG_DONE carrying the
	 * error, and the extack message after it. */
	if (nlh->nlmsg_type == NLMSG_DONE &&
	    nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(err)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			st->err = err;
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
				read_extack(st, nlh, (struct nlattr *)
					    ((char *)nlmsg_data(nlh) + NLMSG_ALIGN(sizeof(err))));
		}
	}
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct talk_state *st = arg;

	/* Keep reading to the end of the dump; the caller starts again. */
	st->intr = true;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct talk_state *st = arg;

	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		st->intr = true;
	return st->cb ? st->cb(msg, st->arg) : NL_OK;
}

static void free_msg(struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	sodium_memzero(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

int wgx_nl_request(struct wgx_nl *nl, struct nl_msg *msg,
		   int (*cb)(struct nl_msg *, void *), void *arg,
		   char extack[WGX_NL_EXTACK_LEN])
{
	struct talk_state st = { .err = 1, .cb = cb, .arg = arg, .extack = extack };
	struct nl_cb *nlcb;
	int err;

	extack[0] = '\0';
	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		free_msg(msg);
		return -ENOMEM;
	}
	nl_cb_err(nlcb, NL_CB_CUSTOM, on_error, &st);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(nlcb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &st);

	err = nl_send_auto(nl->sock, msg);
	free_msg(msg);
	if (err < 0) {
		nl_cb_put(nlcb);
		snprintf(extack, WGX_NL_EXTACK_LEN, "netlink send failed: %s",
			 nl_geterror(err));
		return -EIO;
	}
	while (st.err > 0) {
		err = nl_recvmsgs(nl->sock, nlcb);
		if (err < 0 && st.err > 0) {
			snprintf(extack, WGX_NL_EXTACK_LEN, "netlink: %s",
				 nl_geterror(err));
			st.err = -EIO;
		}
	}
	nl_cb_put(nlcb);
	if (st.err == 0 && st.intr)
		return -EAGAIN;	/* the caller retries the dump */
	return st.err;
}

void wgx_nl_perror(const char *what, int err, const char *extack)
{
	if (extack && extack[0])
		die("%s: %s", what, extack);
	else if (err == -EPERM)
		die("%s: %s (it needs CAP_NET_ADMIN: run it as root)", what,
		    strerror(-err));
	else
		die("%s: %s", what, strerror(-err));
}

int wgx_nl_talk(struct wgx_nl *nl, struct nl_msg *msg,
		int (*cb)(struct nl_msg *, void *), void *arg, const char *what)
{
	char extack[WGX_NL_EXTACK_LEN];
	int err = wgx_nl_request(nl, msg, cb, arg, extack);

	if (err < 0 && err != -EAGAIN)
		wgx_nl_perror(what, err, extack);
	return err;
}

struct info {
	char *buf;
	size_t len;
	unsigned int relays;
};

static int parse_info(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[WGX_A_MAX + 1];
	struct info *info = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, WGX_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[WGX_A_VERSION])
		snprintf(info->buf, info->len, "%s", nla_get_string(tb[WGX_A_VERSION]));
	if (tb[WGX_A_RELAY_COUNT])
		info->relays = nla_get_u32(tb[WGX_A_RELAY_COUNT]);
	return NL_OK;
}

int wgx_nl_module_version(struct wgx_nl *nl, char *buf, size_t len,
			  unsigned int *relays)
{
	struct info info = { .buf = buf, .len = len };
	struct nl_msg *msg = wgx_nl_msg(nl, WGX_CMD_GET_INFO, 0);
	int err;

	if (!msg)
		return -ENOMEM;
	buf[0] = '\0';
	err = wgx_nl_talk(nl, msg, parse_info, &info, "module info");
	if (relays)
		*relays = info.relays;
	return err;
}
