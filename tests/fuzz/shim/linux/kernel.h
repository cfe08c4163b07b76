/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thin compatibility layer that lets the module's pure parsing headers
 * (kernel/classify.h, kernel/ctrl_parse.h, kernel/replay.h) compile in
 * userspace for fuzzing and unit tests. Only what those headers use.
 */
#ifndef _WGX_FUZZ_SHIM_KERNEL_H
#define _WGX_FUZZ_SHIM_KERNEL_H

#include <endian.h>
#include <limits.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* The kernel's one-argument static_assert. */
#undef static_assert
#define static_assert(expr, ...) __wgx_static_assert(expr, ##__VA_ARGS__, #expr)
#define __wgx_static_assert(expr, msg, ...) _Static_assert(expr, msg)

#define U64_MAX UINT64_MAX
#define BITS_PER_LONG (sizeof(long) * 8)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ilog2(n) (63 - __builtin_clzll(n))
#define le16_to_cpu(x) le16toh(x)
#define le32_to_cpu(x) le32toh(x)
#define le64_to_cpu(x) le64toh(x)
#define cpu_to_le32(x) htole32(x)

static inline bool __test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	unsigned long mask = 1UL << (nr % BITS_PER_LONG);
	bool old = addr[nr / BITS_PER_LONG] & mask;

	addr[nr / BITS_PER_LONG] |= mask;
	return old;
}

#endif
