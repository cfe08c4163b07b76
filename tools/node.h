/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `wgx hub` and `wgx spoke` share: reading their configuration with
 * one-line errors, a lock for read-modify-write, writing it (0600,
 * atomically), the relay's key on first use, and bringing the interface up,
 * in line and down. Messages go to stderr; each function returns 0 or 1
 * (the exit status) unless it says otherwise.
 */
#ifndef _WGX_NODE_H
#define _WGX_NODE_H

#include "wgconf.h"

#include <stdbool.h>
#include <stdint.h>

/* Seconds (fractions allowed, at most an hour) into milliseconds. */
bool node_parse_seconds(const char *s, unsigned int *ms);

/* Load @path as @kind: a missing file says which init makes it. With @doc,
 * the document stays for changes. */
int node_load(const char *path, enum wgc_kind kind, struct cfg_doc **doc,
	      struct wgc *c);
/* An exclusive lock on the configuration's folder for a read-modify-write
 * (two `wgx hub add-spoke` at once must not lose a spoke). Returns the fd
 * to close, or -1 after a message. */
int node_lock(const char *path);
/* Write @doc to @path with mode 0600, atomically, making its folder (0700)
 * if needed. @doc is checked against @kind first: nothing is written that
 * would not load. */
int node_write(const struct cfg_doc *doc, const char *path, enum wgc_kind kind);

/* The relay's public key: from @given (base64, checked) or fetched from
 * HOST:PORT outside any tunnel, with the trust-on-first-use warning. */
int node_relay_key(const char *given, const char *host, uint16_t port,
		   unsigned int timeout_ms, uint8_t key[WGX_KEY_LEN]);

/* Start / apply / stop @c's interface, with one line saying what was done. */
int node_start(const struct wgc *c, bool userspace, bool forward);
int node_reload(const struct wgc *c);
int node_stop(const struct wgc *c);

/* A message that the interface of @c is not there, with the command that
 * makes it. Returns 1. */
int node_not_running(const struct wgc *c);

#endif /* _WGX_NODE_H */
