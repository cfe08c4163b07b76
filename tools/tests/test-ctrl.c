// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the control protocol client (ctrl.c): chunking, encoding,
 * validation of replies (truncated, oversized, garbage, another request's),
 * key lists, and the UDP client against a responder thread on loopback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctrl.h"
#include "key.h"

static uint8_t (*make_keys(size_t n))[32]
{
	uint8_t (*k)[32] = calloc(n ? n : 1, 32);

	for (size_t i = 0; i < n; i++) {
		memset(k[i], 0, 32);
		k[i][0] = (uint8_t)i;
		k[i][1] = (uint8_t)(i >> 8);
		k[i][31] = 0xaa;
	}
	return k;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void check_chunks(size_t nkeys, size_t expect_chunks)
{
	uint8_t (*keys)[32] = make_keys(nkeys);
	uint8_t buf[CTRL_CHUNK_MAX_LEN];
	size_t seen = 0;

	assert_int_equal(ctrl_nchunks(nkeys), expect_chunks);
	for (size_t c = 0; c < expect_chunks; c++) {
		size_t len = ctrl_encode_set_spokes(buf, sizeof(buf), 0x01020304, keys,
						    nkeys, c);
		size_t count = le16(buf + 20);

		assert_int_equal(le32(buf), WGX_CTRL_MAGIC);
		assert_memory_equal(buf, "WGXC", 4);
		assert_int_equal(buf[4], WGX_CTRL_VERSION);
		assert_int_equal(buf[5], WGX_CTRL_SET_SPOKES);
		assert_int_equal(le16(buf + 6), 0);
		assert_int_equal(le32(buf + 8), 0x01020304);
		assert_int_equal(le32(buf + 12), nkeys);
		assert_int_equal(le16(buf + 16), c);
		assert_int_equal(le16(buf + 18), expect_chunks);
		assert_int_equal(le16(buf + 22), 0);
		assert_true(count <= WGX_CTRL_KEYS_PER_CHUNK);
		if (c + 1 < expect_chunks)
			assert_int_equal(count, WGX_CTRL_KEYS_PER_CHUNK);
		assert_int_equal(len, CTRL_SET_SPOKES_LEN + count * 32);
		if (count)
			assert_memory_equal(buf + CTRL_SET_SPOKES_LEN, keys[seen], count * 32);
		seen += count;
	}
	assert_int_equal(seen, nkeys);
	/* Past the last chunk: nothing. */
	assert_int_equal(ctrl_encode_set_spokes(buf, sizeof(buf), 1, keys, nkeys,
						expect_chunks), 0);
	free(keys);
}

static void test_chunking(void **state)
{
	check_chunks(0, 1);
	check_chunks(1, 1);
	check_chunks(32, 1);
	check_chunks(33, 2);
	check_chunks(10000, 313);
	check_chunks(WGX_CTRL_MAX_SPOKES, WGX_CTRL_MAX_SPOKES / 32);
}

static void test_encode_limits(void **state)
{
	uint8_t (*keys)[32] = make_keys(40);
	uint8_t buf[CTRL_CHUNK_MAX_LEN];

	/* Too small a buffer for a full chunk, big enough for the short one. */
	assert_int_equal(ctrl_encode_set_spokes(buf, CTRL_SET_SPOKES_LEN + 32 * 31, 1,
						keys, 40, 0), 0);
	assert_int_equal(ctrl_encode_set_spokes(buf, CTRL_SET_SPOKES_LEN + 8 * 32, 1,
						keys, 40, 1), CTRL_SET_SPOKES_LEN + 8 * 32);
	/* Over the limit. */
	assert_int_equal(ctrl_encode_set_spokes(buf, sizeof(buf), 1, keys,
						WGX_CTRL_MAX_SPOKES + 1, 0), 0);
	assert_int_equal(ctrl_encode_query(buf, 15, 1, 0), 0);
	assert_int_equal(ctrl_encode_query(buf, 16, 0xdeadbeef, 40), 16);
	assert_int_equal(buf[5], WGX_CTRL_QUERY);
	assert_int_equal(le32(buf + 8), 0xdeadbeef);
	assert_int_equal(le32(buf + 12), 40);
	free(keys);
}

/* Reply builders, independent of the code under test. */
static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void hdr(uint8_t *p, uint8_t type, uint32_t id)
{
	put_le32(p, WGX_CTRL_MAGIC);
	p[4] = WGX_CTRL_VERSION;
	p[5] = type;
	put_le16(p + 6, 0);
	put_le32(p + 8, id);
}

static size_t set_reply(uint8_t *p, uint32_t id, uint32_t error, uint32_t applied)
{
	hdr(p, WGX_CTRL_SET_SPOKES_REPLY, id);
	put_le32(p + 12, error);
	put_le32(p + 16, applied);
	return 20;
}

static size_t query_reply(uint8_t *p, uint32_t id, uint32_t error, uint32_t total,
			  uint32_t offset, unsigned int count)
{
	hdr(p, WGX_CTRL_QUERY_REPLY, id);
	put_le32(p + 12, error);
	put_le32(p + 16, total);
	put_le32(p + 20, offset);
	put_le16(p + 24, (uint16_t)count);
	put_le16(p + 26, 0);
	put_le32(p + 28, 0);
	for (unsigned int i = 0; i < count; i++) {
		uint8_t *s = p + 32 + i * 64;
		uint64_t t = 1700000000ULL * 1000000000ULL + i;

		memset(s, 0, 64);
		memset(s, (int)(offset + i + 1), 32);
		for (int b = 0; b < 8; b++)
			s[32 + b] = (uint8_t)(t >> (8 * b));
		if (i % 3 == 0) {
			s[58] = 4;
			s[40] = 198; s[41] = 51; s[42] = 100; s[43] = (uint8_t)i;
		} else if (i % 3 == 1) {
			s[58] = 6;
			s[40] = 0x20; s[41] = 0x01; s[42] = 0x0d; s[43] = 0xb8; s[55] = 1;
		}
		s[56] = 0xca;	/* port 51820, network order */
		s[57] = 0x6c;
		s[59] = i % 2 ? WGX_CTRL_SPOKE_F_ONLINE : 0;
	}
	return 32 + count * 64;
}

static void test_decode_set_reply(void **state)
{
	uint8_t buf[64], junk[64];
	struct ctrl_set_reply r;
	size_t len = set_reply(buf, 7, WGX_CTRL_E_OK, 42);

	assert_int_equal(ctrl_decode_set_reply(buf, len, 7, &r), 0);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.applied, 42);
	/* Another request's answer, truncated, oversized, empty. */
	assert_int_equal(ctrl_decode_set_reply(buf, len, 8, &r), -EBADMSG);
	for (size_t l = 0; l < len; l++)
		assert_int_equal(ctrl_decode_set_reply(buf, l, 7, &r), -EBADMSG);
	assert_int_equal(ctrl_decode_set_reply(buf, len + 1, 7, &r), -EBADMSG);
	/* Each header field wrong in turn. */
	for (int field = 0; field < 3; field++) {
		uint8_t bad[64];

		memcpy(bad, buf, len);
		bad[field == 0 ? 0 : field == 1 ? 4 : 5] ^= 0x40;
		assert_int_equal(ctrl_decode_set_reply(bad, len, 7, &r), -EBADMSG);
	}
	/* A query reply is not a set reply. */
	len = query_reply(buf, 7, 0, 0, 0, 0);
	assert_int_equal(ctrl_decode_set_reply(buf, 20, 7, &r), -EBADMSG);
	/* An impossible count applied. */
	len = set_reply(buf, 7, WGX_CTRL_E_OK, WGX_CTRL_MAX_SPOKES + 1);
	assert_int_equal(ctrl_decode_set_reply(buf, len, 7, &r), -EBADMSG);
	/* An error answer. */
	len = set_reply(buf, 7, WGX_CTRL_E_NOT_ALLOWED, 0);
	assert_int_equal(ctrl_decode_set_reply(buf, len, 7, &r), 0);
	assert_int_equal(r.error, WGX_CTRL_E_NOT_ALLOWED);
	assert_string_equal(ctrl_error_name(r.error), "not allowed");
	assert_string_equal(ctrl_error_name(99), "unknown error");
	/* Garbage. */
	for (int i = 0; i < 1000; i++) {
		randombytes_buf(junk, sizeof(junk));
		assert_int_equal(ctrl_decode_set_reply(junk, 1 + (size_t)i % 64,
						       le32(junk + 8), &r), -EBADMSG);
	}
}

static void test_decode_query_reply(void **state)
{
	uint8_t buf[CTRL_REPLY_MAX_LEN + 64];
	struct ctrl_query_reply r;
	size_t len = query_reply(buf, 9, 0, 45, 20, 20);
	char a[INET6_ADDRSTRLEN];

	assert_int_equal(len, CTRL_REPLY_MAX_LEN);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 20, &r), 0);
	assert_int_equal(r.total, 45);
	assert_int_equal(r.count, 20);
	assert_int_equal(r.spokes[0].key[0], 21);
	assert_int_equal(r.spokes[0].family, AF_INET);
	inet_ntop(AF_INET, r.spokes[0].addr, a, sizeof(a));
	assert_string_equal(a, "198.51.100.0");
	assert_int_equal(r.spokes[0].port, 51820);
	assert_int_equal(r.spokes[1].family, AF_INET6);
	inet_ntop(AF_INET6, r.spokes[1].addr, a, sizeof(a));
	assert_string_equal(a, "2001:db8::1");
	assert_int_equal(r.spokes[1].flags, WGX_CTRL_SPOKE_F_ONLINE);
	assert_int_equal(r.spokes[2].family, 0);
	assert_int_equal(r.spokes[2].port, 0);
	assert_int_equal(r.spokes[5].last_handshake, 1700000000ULL * 1000000000ULL + 5);

	/* Wrong id, wrong offset, truncated, one byte more. */
	assert_int_equal(ctrl_decode_query_reply(buf, len, 10, 20, &r), -EBADMSG);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 0, &r), -EBADMSG);
	for (size_t l = 0; l < len; l += 7)
		assert_int_equal(ctrl_decode_query_reply(buf, l, 9, 20, &r), -EBADMSG);
	assert_int_equal(ctrl_decode_query_reply(buf, len + 1, 9, 20, &r), -EBADMSG);
	/* Count that does not match the size. */
	put_le16(buf + 24, 19);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 20, &r), -EBADMSG);
	/* Count above the page size, with a size to match. */
	len = query_reply(buf, 9, 0, 100, 0, 21);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 0, &r), -EBADMSG);
	/* More entries than the total admits. */
	len = query_reply(buf, 9, 0, 25, 20, 6);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 20, &r), -EBADMSG);
	len = query_reply(buf, 9, 0, 26, 20, 6);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 20, &r), 0);
	/* A total above the protocol's limit. */
	len = query_reply(buf, 9, 0, WGX_CTRL_MAX_SPOKES + 1, 0, 0);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 0, &r), -EBADMSG);
	/* A bad address family. */
	len = query_reply(buf, 9, 0, 1, 0, 1);
	buf[32 + 58] = 5;
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 0, &r), -EBADMSG);
	/* An error answer carries no entries. */
	len = query_reply(buf, 9, WGX_CTRL_E_VERSION, 0, 0, 0);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 0, &r), 0);
	assert_int_equal(r.error, WGX_CTRL_E_VERSION);
	len = query_reply(buf, 9, WGX_CTRL_E_MALFORMED, 5, 0, 1);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 0, &r), -EBADMSG);
	/* An empty set, and the end of a set that shrank. */
	len = query_reply(buf, 9, 0, 0, 0, 0);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 0, &r), 0);
	assert_int_equal(r.count, 0);
	len = query_reply(buf, 9, 0, 3, 20, 0);
	assert_int_equal(ctrl_decode_query_reply(buf, len, 9, 20, &r), 0);
	/* Garbage, sized like real answers. */
	for (int i = 0; i < 2000; i++) {
		size_t l = 32 + (size_t)(i % 21) * 64;

		randombytes_buf(buf, l);
		assert_int_equal(ctrl_decode_query_reply(buf, l, le32(buf + 8), 0, &r),
				 -EBADMSG);
	}
}

static void test_targets(void **state)
{
	struct ctrl_target t;

	assert_true(ctrl_parse_target("10.120.0.2", &t));
	assert_string_equal(t.text, "10.120.0.2:8787");
	assert_int_equal(t.ss.ss_family, AF_INET);
	assert_true(ctrl_parse_target("10.120.0.2:9", &t));
	assert_string_equal(t.text, "10.120.0.2:9");
	assert_true(ctrl_parse_target("[fd00::2]:1234", &t));
	assert_string_equal(t.text, "[fd00::2]:1234");
	assert_int_equal(t.ss.ss_family, AF_INET6);
	assert_true(ctrl_parse_target("fd00::2", &t));
	assert_string_equal(t.text, "[fd00::2]:8787");
	assert_false(ctrl_parse_target("relay.example.com", &t));
	assert_false(ctrl_parse_target("10.120.0.2:0", &t));
	assert_false(ctrl_parse_target("10.120.0.2:x", &t));
	assert_false(ctrl_parse_target("", &t));
}

static void test_read_keys(void **state)
{
	static const char good[] =
		"# spokes\n"
		"yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
		"\n"
		"  xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=  # laptop\r\n"
		"TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=";
	static const char bad[] =
		"yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
		"xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg= TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\n";
	struct key_list l = { 0 };
	char err[CTRL_ERR_LEN];
	FILE *f = fmemopen((void *)good, sizeof(good) - 1, "r");

	assert_int_equal(ctrl_read_keys(f, "stdin", &l, err), 0);
	fclose(f);
	assert_int_equal(l.n, 3);
	key_list_free(&l);
	f = fmemopen((void *)bad, sizeof(bad) - 1, "r");
	assert_int_equal(ctrl_read_keys(f, "stdin", &l, err), -EINVAL);
	fclose(f);
	assert_non_null(strstr(err, "stdin:2: "));
	key_list_free(&l);
	f = fmemopen((void *)"", 0, "r");
	if (f) {
		assert_int_equal(ctrl_read_keys(f, "stdin", &l, err), 0);
		assert_int_equal(l.n, 0);
		fclose(f);
	}
}

/* ---- the client against a responder thread ----------------------------- */

enum behaviour {
	ANSWER,			/* collect all chunks, then answer */
	DROP_FIRST_ROUND,	/* ignore every datagram of the first 0.3 s */
	NOISE_FIRST,		/* garbage, another id, then the answer */
	REFUSE,			/* answer with WGX_CTRL_E_NOT_ALLOWED */
	SILENT,			/* never answer */
};

struct responder {
	int fd;
	uint16_t port;
	enum behaviour how;
	uint32_t total_spokes;	/* for queries */
	size_t datagrams, answers;
	size_t chunks_seen;
	uint8_t *got;		/* keys collected, in chunk order */
	uint32_t got_total;
	bool stop;
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *respond(void *arg)
{
	struct responder *r = arg;
	uint8_t buf[2048], out[CTRL_REPLY_MAX_LEN + 1] = { 0 };
	bool *seen = NULL;
	uint32_t cur_id = 0;
	size_t nchunks = 0;
	double start = mono();

	while (!r->stop) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvfrom(r->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		if (n < 12)
			continue;
		r->datagrams++;
		if (r->how == SILENT)
			continue;
		if (r->how == DROP_FIRST_ROUND && mono() - start < 0.3)
			continue;
		if (buf[5] == WGX_CTRL_SET_SPOKES) {
			uint32_t id = le32(buf + 8), total = le32(buf + 12);
			uint16_t chunk = le16(buf + 16), nch = le16(buf + 18),
				 count = le16(buf + 20);

			if (id != cur_id) {
				free(seen);
				seen = calloc(nch, 1);
				free(r->got);
				r->got = calloc(total ? total : 1, 32);
				r->got_total = total;
				nchunks = nch;
				r->chunks_seen = 0;
				cur_id = id;
			}
			if (chunk < nchunks && !seen[chunk]) {
				seen[chunk] = true;
				r->chunks_seen++;
				memcpy(r->got + (size_t)chunk * 32 * 32, buf + 24, (size_t)count * 32);
			}
			if (r->chunks_seen == nchunks) {
				size_t len;

				if (r->how == NOISE_FIRST) {
					uint8_t junk[20];

					randombytes_buf(junk, sizeof(junk));
					sendto(r->fd, junk, sizeof(junk), 0, (struct sockaddr *)&from, flen);
					len = set_reply(out, id + 1, 0, total);
					sendto(r->fd, out, len, 0, (struct sockaddr *)&from, flen);
					len = set_reply(out, id, 0, total);
					sendto(r->fd, out, len + 1, 0, (struct sockaddr *)&from, flen);
				}
				len = set_reply(out, id, r->how == REFUSE ? WGX_CTRL_E_NOT_ALLOWED : 0,
						r->how == REFUSE ? 0 : total);
				sendto(r->fd, out, len, 0, (struct sockaddr *)&from, flen);
				r->answers++;
			}
		} else if (buf[5] == WGX_CTRL_QUERY) {
			uint32_t id = le32(buf + 8), off = le32(buf + 12);
			unsigned int count = off < r->total_spokes ?
				(r->total_spokes - off > 20 ? 20 : r->total_spokes - off) : 0;
			size_t len = query_reply(out, id, 0, r->total_spokes, off, count);

			if (r->how == NOISE_FIRST) {
				/* An answer for another offset first. */
				uint8_t other[CTRL_REPLY_MAX_LEN];
				size_t olen = query_reply(other, id, 0, r->total_spokes, off + 1, 0);

				sendto(r->fd, other, olen, 0, (struct sockaddr *)&from, flen);
			}
			sendto(r->fd, out, len, 0, (struct sockaddr *)&from, flen);
			r->answers++;
		}
	}
	free(seen);
	return NULL;
}

struct harness {
	struct responder r;
	pthread_t thread;
	struct ctrl_target t;
};

static void start(struct harness *h, enum behaviour how, int family)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	char text[64];

	memset(h, 0, sizeof(*h));
	h->r.how = how;
	h->r.fd = socket(family, SOCK_DGRAM, 0);
	assert_true(h->r.fd >= 0);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	assert_int_equal(bind(h->r.fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(getsockname(h->r.fd, (struct sockaddr *)&ss, &len), 0);
	h->r.port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
			  ((struct sockaddr_in6 *)&ss)->sin6_port);
	snprintf(text, sizeof(text), family == AF_INET ? "127.0.0.1:%u" : "[::1]:%u",
		 h->r.port);
	assert_true(ctrl_parse_target(text, &h->t));
	assert_int_equal(pthread_create(&h->thread, NULL, respond, &h->r), 0);
}

static void stop(struct harness *h)
{
	h->r.stop = true;
	pthread_join(h->thread, NULL);
	close(h->r.fd);
}

static void set_spokes_case(enum behaviour how, int family, size_t nkeys)
{
	struct harness h;
	struct ctrl_set_reply rep;
	char err[CTRL_ERR_LEN] = "";
	uint8_t (*keys)[32] = make_keys(nkeys);
	int ret;

	start(&h, how, family);
	ret = ctrl_set_spokes(&h.t, (const uint8_t (*)[32])keys, nkeys, 5000, &rep, err);
	stop(&h);
	if (ret)
		fail_msg("ctrl_set_spokes: %s", err);
	assert_int_equal(rep.error, how == REFUSE ? WGX_CTRL_E_NOT_ALLOWED : 0);
	if (how != REFUSE) {
		assert_int_equal(rep.applied, nkeys);
		assert_int_equal(h.r.got_total, nkeys);
		if (nkeys)
			assert_memory_equal(h.r.got, keys, nkeys * 32);
	}
	free(h.r.got);
	free(keys);
}

static void test_client_set_spokes(void **state)
{
	set_spokes_case(ANSWER, AF_INET, 0);
	set_spokes_case(ANSWER, AF_INET, 33);
	set_spokes_case(ANSWER, AF_INET6, 100);
	set_spokes_case(DROP_FIRST_ROUND, AF_INET, 64);
	set_spokes_case(NOISE_FIRST, AF_INET, 5);
	set_spokes_case(REFUSE, AF_INET, 1);
}

static void test_client_10000_keys(void **state)
{
	struct harness h;
	struct ctrl_set_reply rep;
	char err[CTRL_ERR_LEN] = "";
	uint8_t (*keys)[32] = make_keys(10000);

	start(&h, ANSWER, AF_INET);
	assert_int_equal(ctrl_set_spokes(&h.t, (const uint8_t (*)[32])keys, 10000, 10000,
					 &rep, err), 0);
	stop(&h);
	assert_int_equal(rep.applied, 10000);
	/* Every key arrived, each in its place. */
	assert_int_equal(h.r.got_total, 10000);
	assert_memory_equal(h.r.got, keys, 10000 * 32);
	free(h.r.got);
	free(keys);
}

static void test_client_timeout(void **state)
{
	struct harness h;
	struct ctrl_set_reply rep;
	char err[CTRL_ERR_LEN] = "", expect[CTRL_ERR_LEN];
	uint8_t (*keys)[32] = make_keys(3);
	double t0 = mono(), dt;

	start(&h, SILENT, AF_INET);
	assert_int_equal(ctrl_set_spokes(&h.t, (const uint8_t (*)[32])keys, 3, 1500,
					 &rep, err), -ETIMEDOUT);
	dt = mono() - t0;
	stop(&h);
	free(h.r.got);
	snprintf(expect, sizeof(expect),
		 "relay at 127.0.0.1:%u did not answer within 1.5 s: is the hub's tunnel to the relay up?",
		 h.r.port);
	assert_string_equal(err, expect);
	assert_true(dt >= 1.45 && dt < 2.5);
	/* Resent with backoff: rounds after 0.2, 0.4, 0.8 s. */
	assert_true(h.r.datagrams >= 3 && h.r.datagrams <= 5);
	free(keys);
}

static void test_client_refused_port(void **state)
{
	struct ctrl_target t;
	struct ctrl_set_reply rep;
	char err[CTRL_ERR_LEN] = "";
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	char text[64];

	/* A port nobody listens on: ICMP port unreachable comes back. */
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, len), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	snprintf(text, sizeof(text), "127.0.0.1:%u", ntohs(sin.sin_port));
	assert_true(ctrl_parse_target(text, &t));
	assert_int_equal(ctrl_set_spokes(&t, NULL, 0, 500, &rep, err), -ETIMEDOUT);
	assert_non_null(strstr(err, "within 0.5 s"));
	assert_non_null(strstr(err, "(last error: Connection refused)"));
}

static void test_client_query(void **state)
{
	static const uint32_t totals[] = { 0, 1, 20, 21, 45 };

	for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++) {
		for (int noise = 0; noise < 2; noise++) {
			struct harness h;
			struct ctrl_spoke *v;
			char err[CTRL_ERR_LEN] = "";
			uint32_t total, rerr;
			size_t n;

			start(&h, noise ? NOISE_FIRST : ANSWER, i % 2 ? AF_INET6 : AF_INET);
			h.r.total_spokes = totals[i];
			if (ctrl_query_all(&h.t, 3000, &v, &n, &total, &rerr, err))
				fail_msg("ctrl_query_all: %s", err);
			stop(&h);
			free(h.r.got);
			assert_int_equal(total, totals[i]);
			assert_int_equal(n, totals[i]);
			for (size_t k = 0; k < n; k++)
				assert_int_equal(v[k].key[0], (uint8_t)(k + 1));
			free(v);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunking),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_decode_set_reply),
		cmocka_unit_test(test_decode_query_reply),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_read_keys),
		cmocka_unit_test(test_client_set_spokes),
		cmocka_unit_test(test_client_10000_keys),
		cmocka_unit_test(test_client_timeout),
		cmocka_unit_test(test_client_refused_port),
		cmocka_unit_test(test_client_query),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
