/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatting for the human views, in the manner of `wg show`, and address
 * helpers. Pure functions: no I/O, no global state.
 */
#ifndef _WGX_FMT_H
#define _WGX_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Colour sequences used by the formatters when @color is set. */
#define FMT_CYAN	"\x1b[36m"
#define FMT_RED		"\x1b[31m"
#define FMT_RESET	"\x1b[0m"

/* "1 year, 2 days, 3 hours, 1 minute, 3 seconds"; "0 seconds" for 0. */
void fmt_duration(char *buf, size_t len, uint64_t secs, bool color);
/* A time in ns since the epoch relative to @now: "Now", "1 minute, 3
 * seconds ago", "never" for 0, or a warning when it lies in the future. */
void fmt_ago(char *buf, size_t len, uint64_t ns, time_t now, bool color);
/* "123 B", "1.20 KiB", "3.40 MiB", "1.00 GiB", "2.00 TiB". */
void fmt_bytes(char *buf, size_t len, uint64_t bytes, bool color);
/* "s" when @n is not 1. */
const char *fmt_plural(uint64_t n);

/* Room for "[IPv6%scope]:port". */
#define FMT_ENDPOINT_LEN 80
/* A struct sockaddr_in or sockaddr_in6 of @salen bytes as "1.2.3.4:5" or
 * "[2001:db8::1]:5"; false (and "(invalid)") unless it is one. */
bool fmt_sockaddr(char *buf, size_t len, const void *sa, size_t salen);
/* @family AF_INET/AF_INET6, @addr 4 or 16 bytes, @port host order. */
void fmt_addr_port(char *buf, size_t len, int family, const void *addr,
		   uint16_t port);
/* HOST:PORT for a host name or address, bracketing IPv6 addresses. */
void fmt_host_port(char *buf, size_t len, const char *host, uint16_t port);

/* True for an address others can reach over the Internet: not
 * unspecified, loopback, private (RFC 1918, ULA), shared (100.64/10),
 * link-local, multicast, broadcast, IPv4-mapped or reserved (240/4). */
bool addr_is_global(int family, const void *addr);

#endif /* _WGX_FMT_H */
