// SPDX-License-Identifier: GPL-2.0
/*
 * Human formatting of times, sizes and endpoints; address classification.
 */
#include "fmt.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

const char *fmt_plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void fmt_duration(char *buf, size_t len, uint64_t secs, bool color)
{
	static const struct {
		const char *name;
		uint64_t secs;
	} units[] = {
		{ "year", 365ULL * 24 * 3600 },
		{ "day", 24 * 3600 },
		{ "hour", 3600 },
		{ "minute", 60 },
		{ "second", 1 },
	};
	const char *on = color ? FMT_CYAN : "", *off = color ? FMT_RESET : "";
	size_t off_len = 0;
	bool any = false;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t n = secs / units[i].secs;
		int w;

		secs %= units[i].secs;
		if (!n)
			continue;
		w = snprintf(buf + off_len, len - off_len, "%s%llu %s%s%s%s",
			     any ? ", " : "", (unsigned long long)n, on,
			     units[i].name, fmt_plural(n), off);
		if (w < 0 || (size_t)w >= len - off_len)
			return;
		off_len += (size_t)w;
		any = true;
	}
	if (!any)
		snprintf(buf, len, "0 %sseconds%s", on, off);
}

void fmt_ago(char *buf, size_t len, uint64_t ns, time_t now, bool color)
{
	uint64_t secs = ns / 1000000000ULL;
	size_t n;

	if (!ns) {
		snprintf(buf, len, "never");
	} else if ((uint64_t)now == secs) {
		snprintf(buf, len, "Now");
	} else if ((uint64_t)now < secs) {
		snprintf(buf, len, "%s(in the future: the system clock went backwards)%s",
			 color ? FMT_RED : "", color ? FMT_RESET : "");
	} else {
		fmt_duration(buf, len, (uint64_t)now - secs, color);
		n = strlen(buf);
		snprintf(buf + n, len - n, " ago");
	}
}

void fmt_bytes(char *buf, size_t len, uint64_t b, bool color)
{
	const char *on = color ? FMT_CYAN : "", *off = color ? FMT_RESET : "";

	if (b < 1024ULL)
		snprintf(buf, len, "%u %sB%s", (unsigned int)b, on, off);
	else if (b < 1024ULL * 1024)
		snprintf(buf, len, "%.2f %sKiB%s", (double)b / 1024, on, off);
	else if (b < 1024ULL * 1024 * 1024)
		snprintf(buf, len, "%.2f %sMiB%s", (double)b / (1024 * 1024), on, off);
	else if (b < 1024ULL * 1024 * 1024 * 1024)
		snprintf(buf, len, "%.2f %sGiB%s",
			 (double)b / (1024.0 * 1024 * 1024), on, off);
	else
		snprintf(buf, len, "%.2f %sTiB%s",
			 (double)b / (1024.0 * 1024 * 1024 * 1024), on, off);
}

void fmt_addr_port(char *buf, size_t len, int family, const void *addr,
		   uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, a, sizeof(a))) {
		snprintf(buf, len, "(invalid)");
		return;
	}
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

void fmt_host_port(char *buf, size_t len, const char *host, uint16_t port)
{
	if (strchr(host, ':'))
		snprintf(buf, len, "[%s]:%u", host, port);
	else
		snprintf(buf, len, "%s:%u", host, port);
}

bool fmt_sockaddr(char *buf, size_t len, const void *sa, size_t salen)
{
	sa_family_t family;

	if (salen < sizeof(family))
		goto invalid;
	memcpy(&family, sa, sizeof(family));
	if (family == AF_INET && salen == sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, sa, sizeof(sin));
		fmt_addr_port(buf, len, AF_INET, &sin.sin_addr, ntohs(sin.sin_port));
		return true;
	}
	if (family == AF_INET6 && salen == sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;
		char a[INET6_ADDRSTRLEN], scope[IF_NAMESIZE + 12] = "";

		memcpy(&sin6, sa, sizeof(sin6));
		inet_ntop(AF_INET6, &sin6.sin6_addr, a, sizeof(a));
		if (sin6.sin6_scope_id)
			snprintf(scope, sizeof(scope), "%%%u", sin6.sin6_scope_id);
		snprintf(buf, len, "[%s%s]:%u", a, scope, ntohs(sin6.sin6_port));
		return true;
	}
invalid:
	snprintf(buf, len, "(invalid)");
	return false;
}

static bool v4_is_global(const uint8_t *a)
{
	uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		     (uint32_t)a[2] << 8 | a[3];
	static const struct {
		uint32_t net;
		unsigned int bits;
	} local[] = {
		{ 0x00000000, 8 },	/* "this" network */
		{ 0x0a000000, 8 },	/* RFC 1918 */
		{ 0x64400000, 10 },	/* shared address space (CGNAT) */
		{ 0x7f000000, 8 },	/* loopback */
		{ 0xa9fe0000, 16 },	/* link-local */
		{ 0xac100000, 12 },	/* RFC 1918 */
		{ 0xc0000000, 24 },	/* IETF protocol assignments */
		{ 0xc0a80000, 16 },	/* RFC 1918 */
		{ 0xc6120000, 15 },	/* benchmarking */
		{ 0xe0000000, 4 },	/* multicast */
		{ 0xf0000000, 4 },	/* reserved, broadcast */
	};

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if ((x >> (32 - local[i].bits)) == (local[i].net >> (32 - local[i].bits)))
			return false;
	return true;
}

bool addr_is_global(int family, const void *addr)
{
	const uint8_t *a = addr;

	if (family == AF_INET)
		return v4_is_global(a);
	if (family != AF_INET6)
		return false;
	/* Global unicast is 2000::/3; everything else (::, ::1, mapped,
	 * ULA fc00::/7, link-local fe80::/10, multicast ff00::/8) is not. */
	if ((a[0] & 0xe0) != 0x20)
		return false;
	/* Inside 2000::/3: 2001:db8::/32 is documentation but is treated as
	 * global (test networks use it), 2002::/16 (6to4) likewise. Teredo
	 * 2001::/32 and ORCHID are not reachable as such. */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00)
		return false;
	return true;
}
