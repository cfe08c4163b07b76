// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the module's pure parsers, compiled in userspace --
 * classification of a datagram, control request validation, and the replay
 * window fed with counters from the input. Invariants are asserted.
 */
#include <assert.h>

#include "classify.h"
#include "ctrl_parse.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgx_ctrl_chunk c;
	struct wgx_replay r;
	enum wgx_msg_class cls;
	u32 id, offset;
	u8 type;
	size_t i;

	cls = wgx_classify(data, size);
	if (cls == WGX_MSG_INITIATION)
		assert(size == 148);
	if (cls == WGX_MSG_DATA)
		assert(size >= 32);

	if (wgx_ctrl_parse_hdr(data, size, &type, &id) == 0) {
		if (type == WGX_CTRL_SET_SPOKES &&
		    wgx_ctrl_parse_set_spokes(data, size, &c) == WGX_CTRL_E_OK) {
			/* The keys lie inside the request, the chunk inside the set. */
			assert(c.keys + (size_t)c.count * 32 == data + size);
			assert(c.chunk < c.nchunks && c.total <= WGX_CTRL_MAX_SPOKES);
			assert((size_t)c.chunk * WGX_CTRL_KEYS_PER_CHUNK + c.count <=
			       (c.total ? c.total : 0) || c.count == 0);
		}
		if (type == WGX_CTRL_QUERY)
			(void)wgx_ctrl_parse_query(data, size, &offset);
	}

	/* Counters: a fresh one is accepted once, never twice. */
	wgx_replay_init(&r);
	for (i = 0; i + 8 <= size; i += 8) {
		u64 n;

		memcpy(&n, data + i, 8);
		n %= 1u << 20;
		if (wgx_replay_check_relayed(&r, n))
			assert(!wgx_replay_check_relayed(&r, n));
	}
	return 0;
}
