/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receive replay window of a WireGuard session (whitepaper 5.4.6; the
 * algorithm of RFC 6479): a bitmap of the COUNTER_WINDOW_SIZE counters below
 * the highest one seen. Pure code, also compiled in userspace for tests.
 * The relay keeps one for each of its own sessions and one for each index of
 * a relayed session (2048 bits: WireGuard keeps 8192, so a relayed packet
 * reordered by more than 1984 places is dropped at the relay).
 */
#ifndef _WGX_REPLAY_H
#define _WGX_REPLAY_H

#include "messages.h"

#include <linux/bitops.h>
#include <linux/log2.h>

struct wgx_replay {
	u64 counter;		/* one more than the highest counter seen */
	unsigned long backtrack[COUNTER_BITS_TOTAL / BITS_PER_LONG];
};

static inline void wgx_replay_init(struct wgx_replay *r)
{
	memset(r, 0, sizeof(*r));
}

/*
 * True when @their_counter is new and inside the window; it is then marked
 * as seen. The caller serialises calls on one window.
 */
static inline bool wgx_replay_check(struct wgx_replay *r, u64 their_counter)
{
	const unsigned long words = COUNTER_BITS_TOTAL / BITS_PER_LONG;
	unsigned long index, index_current, top, i;

	if (unlikely(r->counter >= REJECT_AFTER_MESSAGES + 1 ||
		     their_counter >= REJECT_AFTER_MESSAGES))
		return false;
	++their_counter;
	if (unlikely(their_counter + COUNTER_WINDOW_SIZE < r->counter))
		return false;	/* too old */
	index = their_counter >> ilog2(BITS_PER_LONG);
	if (likely(their_counter > r->counter)) {
		/* Slide: clear the words between the old top and the new. */
		index_current = r->counter >> ilog2(BITS_PER_LONG);
		top = min_t(unsigned long, index - index_current, words);
		for (i = 1; i <= top; ++i)
			r->backtrack[(i + index_current) & (words - 1)] = 0;
		r->counter = their_counter;
	}
	index &= words - 1;
	return !__test_and_set_bit(their_counter & (BITS_PER_LONG - 1),
				   &r->backtrack[index]);
}

/*
 * The same for a relayed session, whose packets the relay cannot
 * authenticate: a counter more than MAX_COUNTER_JUMP above the highest seen
 * (or, on a fresh index, above 0) is refused rather than allowed to move
 * the window.
 */
static inline bool wgx_replay_check_relayed(struct wgx_replay *r,
					    u64 their_counter)
{
	if (their_counter >= r->counter + MAX_COUNTER_JUMP)
		return false;
	return wgx_replay_check(r, their_counter);
}

#endif /* _WGX_REPLAY_H */
