/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WGX_NL_H
#define _WGX_NL_H

#include <netlink/genl/genl.h>
#include <stdbool.h>

/* A connected generic netlink socket with the wgx family resolved. */
struct wgx_nl {
	struct nl_sock *sock;
	int family;
};

/* Connect and resolve the family. Returns 0, or a negative errno with a
 * one-line message on stderr unless @quiet: -ENOENT when the module is not
 * loaded. */
int wgx_nl_open(struct wgx_nl *nl, bool quiet);
void wgx_nl_close(struct wgx_nl *nl);
/* A message for command @cmd of the family, with @flags (NLM_F_DUMP...). */
struct nl_msg *wgx_nl_msg(const struct wgx_nl *nl, int cmd, int flags);
/* The same with room for @size bytes of attributes (the default is a page). */
struct nl_msg *wgx_nl_msg_size(const struct wgx_nl *nl, int cmd, int flags,
			       size_t size);
/* Room for the kernel's extack message. */
#define WGX_NL_EXTACK_LEN 256

/* Send @msg (consumed; its bytes are zeroed before it is freed, as it may
 * carry a private key) and feed each answer to @cb(msg, arg). Returns 0, a
 * negative errno with the kernel's extack message (or "") in @extack, or
 * -EAGAIN when a dump was interrupted by a change (the caller starts it
 * again). Prints nothing. */
int wgx_nl_request(struct wgx_nl *nl, struct nl_msg *msg,
		   int (*cb)(struct nl_msg *, void *), void *arg,
		   char extack[WGX_NL_EXTACK_LEN]);
/* One line on stderr for a failed request: "@what: <extack or strerror>". */
void wgx_nl_perror(const char *what, int err, const char *extack);
/* wgx_nl_request that prints its error (but not -EAGAIN) prefixed by @what. */
int wgx_nl_talk(struct wgx_nl *nl, struct nl_msg *msg,
		int (*cb)(struct nl_msg *, void *), void *arg, const char *what);
/* The module's version string (GET_INFO) into @buf; 0 or negative errno. */
int wgx_nl_module_version(struct wgx_nl *nl, char *buf, size_t len,
			  unsigned int *relays);

#endif /* _WGX_NL_H */
