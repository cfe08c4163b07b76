/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the in-tunnel control protocol (include/uapi/linux/wgx_ctrl.h):
 * pure encoders and validating decoders, and a UDP client that sends a
 * hub's spokes to the relay and pages through what the relay sees.
 *
 * The wire layout is written with explicit byte offsets, not by casting to
 * the uapi structs: struct wgx_ctrl_query_reply has 4 bytes of implicit
 * padding before its entries on ABIs that align 64-bit integers to 8 bytes,
 * which this code takes to be the wire format (entries at offset 32).
 */
#ifndef _WGX_CTRL_H
#define _WGX_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <uapi/linux/wgx_ctrl.h>

#define CTRL_HDR_LEN		12
#define CTRL_SET_SPOKES_LEN	24	/* then count keys of 32 bytes */
#define CTRL_SET_REPLY_LEN	20
#define CTRL_QUERY_LEN		16
#define CTRL_QUERY_REPLY_LEN	32	/* then count entries */
#define CTRL_SPOKE_LEN		64
#define CTRL_CHUNK_MAX_LEN	(CTRL_SET_SPOKES_LEN + WGX_CTRL_KEYS_PER_CHUNK * 32)
#define CTRL_REPLY_MAX_LEN	(CTRL_QUERY_REPLY_LEN + \
				 WGX_CTRL_SPOKES_PER_REPLY * CTRL_SPOKE_LEN)

/* Chunks needed for @nkeys keys (1 for an empty set). */
size_t ctrl_nchunks(size_t nkeys);
/* Chunk @chunk of a SET_SPOKES request for @keys into @buf. Returns its
 * length, or 0 when @chunk is out of range, @nkeys is above
 * WGX_CTRL_MAX_SPOKES or @len is too small. */
size_t ctrl_encode_set_spokes(uint8_t *buf, size_t len, uint32_t request_id,
			      const uint8_t (*keys)[32], size_t nkeys,
			      size_t chunk);
/* A QUERY request; returns its length or 0 when @len is too small. */
size_t ctrl_encode_query(uint8_t *buf, size_t len, uint32_t request_id,
			 uint32_t offset);

struct ctrl_set_reply {
	uint32_t error;		/* WGX_CTRL_E_* */
	uint32_t applied;
};

struct ctrl_spoke {
	uint8_t key[32];
	uint64_t last_handshake;	/* ns since the epoch, 0 = never */
	int family;			/* 0 (no endpoint), AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint16_t port;			/* host order */
	uint8_t flags;			/* WGX_CTRL_SPOKE_F_* */
};

struct ctrl_query_reply {
	uint32_t error;
	uint32_t total;
	uint32_t offset;
	unsigned int count;
	struct ctrl_spoke spokes[WGX_CTRL_SPOKES_PER_REPLY];
};

/* Validate and decode a datagram as the answer to request @request_id.
 * Returns 0, or -EBADMSG for anything else: another request's answer, a
 * wrong magic, version, type or length, a count that does not match the
 * size, fields out of range. Nothing is trusted that fails. */
int ctrl_decode_set_reply(const uint8_t *buf, size_t len, uint32_t request_id,
			  struct ctrl_set_reply *r);
/* Likewise for a QUERY_REPLY to a query at @offset. */
int ctrl_decode_query_reply(const uint8_t *buf, size_t len,
			    uint32_t request_id, uint32_t offset,
			    struct ctrl_query_reply *r);

/* "not allowed", ... and a longer explanation. */
const char *ctrl_error_name(uint32_t error);
const char *ctrl_error_text(uint32_t error);

/* Where the relay's control service is: a numeric inner address. */
struct ctrl_target {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[80];		/* "10.120.0.2:8787", "[fd00::2]:8787" */
};
/* ADDRESS[:PORT] (IPv6 as [ADDRESS]:PORT or bare), numeric only; the port
 * defaults to WGX_CTRL_PORT. */
bool ctrl_parse_target(const char *s, struct ctrl_target *t);

#define CTRL_ERR_LEN 512

struct key_list;
/* Read public keys, one per line, from @f (named @name in messages) into
 * @l: blank lines and '#' comments are skipped. 0, -EINVAL with
 * "name:line: ..." in @err, or -ENOMEM. */
int ctrl_read_keys(FILE *f, const char *name, struct key_list *l,
		   char err[CTRL_ERR_LEN]);

/* Send the whole set of spokes and wait for the relay's answer, resending
 * every chunk with growing pauses until @timeout_ms. Returns 0 with the
 * answer in @r (which may carry a WGX_CTRL_E_* error), or a negative errno
 * with a one-line message in @err (-ETIMEDOUT when nothing came back). */
int ctrl_set_spokes(const struct ctrl_target *t, const uint8_t (*keys)[32],
		    size_t nkeys, unsigned int timeout_ms,
		    struct ctrl_set_reply *r, char err[CTRL_ERR_LEN]);
/* Page through the relay's view of the hub's spokes. On 0, *spokes (to be
 * freed) holds *n entries and *total is the relay's count; a reply with a
 * WGX_CTRL_E_* error gives -EPROTO with *relay_error set. */
int ctrl_query_all(const struct ctrl_target *t, unsigned int timeout_ms,
		   struct ctrl_spoke **spokes, size_t *n, uint32_t *total,
		   uint32_t *relay_error, char err[CTRL_ERR_LEN]);

/* ---- the relay's key, outside the tunnel (trust on first use) ---------- */

#define CTRL_KEYQ_LEN		64

/* A key query with @nonce; returns its length or 0 when @len is too small. */
size_t ctrl_encode_keyq(uint8_t *buf, size_t len, uint32_t nonce);
/* Validate and decode the answer to the query with @nonce: 0 with the
 * relay's public key in @key, or -EBADMSG (wrong size, magic or nonce,
 * non-zero padding, a zero key). */
int ctrl_decode_keyq_reply(const uint8_t *buf, size_t len, uint32_t nonce,
			   uint8_t key[32]);
/* Ask the relay at @host (a name or a numeric address, IPv6 without
 * brackets) and @port for its public key: each of the host's addresses in
 * turn, resending with growing pauses, until @timeout_ms in all. 0 with the
 * key (and, in @from, the "address:port" that answered), or a negative
 * errno with a one-line message in @err: -ENOENT (no such host),
 * -ETIMEDOUT (no answer: not a wgx relay, or a firewall). */
int ctrl_fetch_relay_key(const char *host, uint16_t port,
			 unsigned int timeout_ms, uint8_t key[32],
			 char from[80], char err[CTRL_ERR_LEN]);

#endif /* _WGX_CTRL_H */
