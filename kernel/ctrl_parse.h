/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of control requests (include/uapi/linux/wgx_ctrl.h). Pure code,
 * also compiled in userspace (fuzzed).
 */
#ifndef _WGX_CTRL_PARSE_H
#define _WGX_CTRL_PARSE_H

#include <linux/kernel.h>
#include <linux/string.h>
#include <uapi/linux/wgx_ctrl.h>

/* One valid chunk of a WGX_CTRL_SET_SPOKES request. */
struct wgx_ctrl_chunk {
	u32 request_id;
	u32 total;
	u32 chunk;
	u32 nchunks;
	u32 count;
	const u8 *keys;		/* count keys of 32 bytes, inside the request */
};

/*
 * The header of any request: 0 and its type and id, or -1 for a datagram
 * that is not ours (no answer), or WGX_CTRL_E_VERSION.
 */
static inline int wgx_ctrl_parse_hdr(const u8 *req, size_t len, u8 *type,
				     u32 *request_id)
{
	struct wgx_ctrl_hdr h;

	if (len < sizeof(h))
		return -1;
	memcpy(&h, req, sizeof(h));
	if (le32_to_cpu(h.magic) != WGX_CTRL_MAGIC)
		return -1;
	*type = h.type;
	*request_id = le32_to_cpu(h.request_id);
	return h.version == WGX_CTRL_VERSION ? 0 : WGX_CTRL_E_VERSION;
}

/* A SET_SPOKES chunk: WGX_CTRL_E_OK with @c filled, or the error. */
static inline int wgx_ctrl_parse_set_spokes(const u8 *req, size_t len,
					    struct wgx_ctrl_chunk *c)
{
	struct wgx_ctrl_set_spokes m;
	u32 expect, before;

	if (len < sizeof(m))
		return WGX_CTRL_E_MALFORMED;
	memcpy(&m, req, sizeof(m));
	c->request_id = le32_to_cpu(m.hdr.request_id);
	c->total = le32_to_cpu(m.total);
	c->chunk = le16_to_cpu(m.chunk);
	c->nchunks = le16_to_cpu(m.nchunks);
	c->count = le16_to_cpu(m.count);
	c->keys = req + sizeof(m);
	if (c->total > WGX_CTRL_MAX_SPOKES)
		return WGX_CTRL_E_TOO_MANY;
	expect = c->total ? DIV_ROUND_UP(c->total, WGX_CTRL_KEYS_PER_CHUNK) : 1;
	if (c->nchunks != expect || c->chunk >= c->nchunks)
		return WGX_CTRL_E_MALFORMED;
	before = c->chunk * WGX_CTRL_KEYS_PER_CHUNK;
	if (c->count != min_t(u32, WGX_CTRL_KEYS_PER_CHUNK,
			      c->total - min(c->total, before)) ||
	    len != sizeof(m) + (size_t)c->count * 32)
		return WGX_CTRL_E_MALFORMED;
	return WGX_CTRL_E_OK;
}

/* A QUERY: 0 and its offset, or WGX_CTRL_E_MALFORMED. */
static inline int wgx_ctrl_parse_query(const u8 *req, size_t len, u32 *offset)
{
	struct wgx_ctrl_query q;

	if (len != sizeof(q))
		return WGX_CTRL_E_MALFORMED;
	memcpy(&q, req, sizeof(q));
	*offset = le32_to_cpu(q.offset);
	return 0;
}

#endif /* _WGX_CTRL_PARSE_H */
