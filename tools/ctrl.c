// SPDX-License-Identifier: GPL-2.0
/*
 * The in-tunnel control protocol: encoders, validating decoders and the UDP
 * client used by `wgx hub set-peers` and `wgx hub relay-status`.
 */
#include "ctrl.h"
#include "config.h"
#include "fmt.h"
#include "key.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The uapi structs agree with the offsets used here on this build's ABI. */
_Static_assert(sizeof(struct wgx_ctrl_hdr) == CTRL_HDR_LEN, "hdr");
_Static_assert(sizeof(struct wgx_ctrl_set_spokes) == CTRL_SET_SPOKES_LEN, "set");
_Static_assert(sizeof(struct wgx_ctrl_set_spokes_reply) == CTRL_SET_REPLY_LEN, "reply");
_Static_assert(sizeof(struct wgx_ctrl_query) == CTRL_QUERY_LEN, "query");
_Static_assert(sizeof(struct wgx_ctrl_spoke) == CTRL_SPOKE_LEN, "spoke");
_Static_assert(sizeof(struct wgx_keyq) == CTRL_KEYQ_LEN, "keyq");

/* Chunks sent back to back before a short pause, and the pause: 16 chunks
 * (17 KiB) at a time keeps both the local socket buffer and WireGuard's
 * queue of packets waiting for a handshake (128) far from full. */
#define BURST_CHUNKS	16
#define BURST_GAP_MS	10
/* First wait for an answer after a full round, doubled up to the cap. */
#define FIRST_WAIT_MS	200
#define MAX_WAIT_MS	3200

/* ---- little-endian helpers ---------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put_hdr(uint8_t *p, uint8_t type, uint32_t request_id)
{
	put32(p, WGX_CTRL_MAGIC);
	p[4] = WGX_CTRL_VERSION;
	p[5] = type;
	put16(p + 6, 0);
	put32(p + 8, request_id);
}

static bool check_hdr(const uint8_t *p, size_t len, uint8_t type,
		      uint32_t request_id)
{
	return len >= CTRL_HDR_LEN && get32(p) == WGX_CTRL_MAGIC &&
	       p[4] == WGX_CTRL_VERSION && p[5] == type &&
	       get32(p + 8) == request_id;
}

/* ---- encoders and decoders ---------------------------------------------- */

size_t ctrl_nchunks(size_t nkeys)
{
	return nkeys ? (nkeys + WGX_CTRL_KEYS_PER_CHUNK - 1) / WGX_CTRL_KEYS_PER_CHUNK : 1;
}

size_t ctrl_encode_set_spokes(uint8_t *buf, size_t len, uint32_t request_id,
			      const uint8_t (*keys)[32], size_t nkeys,
			      size_t chunk)
{
	size_t nchunks = ctrl_nchunks(nkeys), first, count, size;

	if (nkeys > WGX_CTRL_MAX_SPOKES || chunk >= nchunks)
		return 0;
	first = chunk * WGX_CTRL_KEYS_PER_CHUNK;
	count = nkeys - first < WGX_CTRL_KEYS_PER_CHUNK ?
		nkeys - first : WGX_CTRL_KEYS_PER_CHUNK;
	size = CTRL_SET_SPOKES_LEN + count * 32;
	if (len < size)
		return 0;
	put_hdr(buf, WGX_CTRL_SET_SPOKES, request_id);
	put32(buf + 12, (uint32_t)nkeys);
	put16(buf + 16, (uint16_t)chunk);
	put16(buf + 18, (uint16_t)nchunks);
	put16(buf + 20, (uint16_t)count);
	put16(buf + 22, 0);
	if (count)
		memcpy(buf + CTRL_SET_SPOKES_LEN, keys[first], count * 32);
	return size;
}

size_t ctrl_encode_query(uint8_t *buf, size_t len, uint32_t request_id,
			 uint32_t offset)
{
	if (len < CTRL_QUERY_LEN)
		return 0;
	put_hdr(buf, WGX_CTRL_QUERY, request_id);
	put32(buf + 12, offset);
	return CTRL_QUERY_LEN;
}

int ctrl_decode_set_reply(const uint8_t *buf, size_t len, uint32_t request_id,
			  struct ctrl_set_reply *r)
{
	if (len != CTRL_SET_REPLY_LEN ||
	    !check_hdr(buf, len, WGX_CTRL_SET_SPOKES_REPLY, request_id))
		return -EBADMSG;
	r->error = get32(buf + 12);
	r->applied = get32(buf + 16);
	if (r->applied > WGX_CTRL_MAX_SPOKES)
		return -EBADMSG;
	return 0;
}

int ctrl_decode_query_reply(const uint8_t *buf, size_t len,
			    uint32_t request_id, uint32_t offset,
			    struct ctrl_query_reply *r)
{
	unsigned int count;

	if (len < CTRL_QUERY_REPLY_LEN ||
	    !check_hdr(buf, len, WGX_CTRL_QUERY_REPLY, request_id))
		return -EBADMSG;
	count = get16(buf + 24);
	if (count > WGX_CTRL_SPOKES_PER_REPLY ||
	    len != CTRL_QUERY_REPLY_LEN + (size_t)count * CTRL_SPOKE_LEN)
		return -EBADMSG;
	r->error = get32(buf + 12);
	r->total = get32(buf + 16);
	r->offset = get32(buf + 20);
	r->count = count;
	if (r->error != WGX_CTRL_E_OK)
		return count ? -EBADMSG : 0;
	if (r->offset != offset || r->total > WGX_CTRL_MAX_SPOKES ||
	    (count && (uint64_t)r->offset + count > r->total))
		return -EBADMSG;
	for (unsigned int i = 0; i < count; i++) {
		const uint8_t *p = buf + CTRL_QUERY_REPLY_LEN + i * CTRL_SPOKE_LEN;
		struct ctrl_spoke *s = &r->spokes[i];

		memset(s, 0, sizeof(*s));
		memcpy(s->key, p, 32);
		s->last_handshake = get64(p + 32);
		switch (p[58]) {
		case 0:
			s->family = 0;
			break;
		case 4:
			s->family = AF_INET;
			memcpy(s->addr, p + 40, 4);
			break;
		case 6:
			s->family = AF_INET6;
			memcpy(s->addr, p + 40, 16);
			break;
		default:
			return -EBADMSG;
		}
		if (s->family)
			s->port = (uint16_t)(p[56] << 8 | p[57]);
		s->flags = p[59];
	}
	return 0;
}

size_t ctrl_encode_keyq(uint8_t *buf, size_t len, uint32_t nonce)
{
	if (len < CTRL_KEYQ_LEN)
		return 0;
	memset(buf, 0, CTRL_KEYQ_LEN);
	put32(buf, WGX_KEYQ_MAGIC);
	put32(buf + 4, nonce);
	return CTRL_KEYQ_LEN;
}

int ctrl_decode_keyq_reply(const uint8_t *buf, size_t len, uint32_t nonce,
			   uint8_t key[32])
{
	if (len != CTRL_KEYQ_LEN || get32(buf) != WGX_KEYQ_REPLY_MAGIC ||
	    get32(buf + 4) != nonce || !sodium_is_zero(buf + 40, 24) ||
	    sodium_is_zero(buf + 8, 32))
		return -EBADMSG;
	memcpy(key, buf + 8, 32);
	return 0;
}

const char *ctrl_error_name(uint32_t error)
{
	switch (error) {
	case WGX_CTRL_E_OK:
		return "ok";
	case WGX_CTRL_E_VERSION:
		return "unsupported version";
	case WGX_CTRL_E_MALFORMED:
		return "malformed request";
	case WGX_CTRL_E_TOO_MANY:
		return "too many spokes";
	case WGX_CTRL_E_NOT_ALLOWED:
		return "not allowed";
	case WGX_CTRL_E_NOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}

const char *ctrl_error_text(uint32_t error)
{
	switch (error) {
	case WGX_CTRL_E_OK:
		return "the request was applied";
	case WGX_CTRL_E_VERSION:
		return "the relay speaks another version of the control protocol; update wgx on one side";
	case WGX_CTRL_E_MALFORMED:
		return "the relay could not read the request";
	case WGX_CTRL_E_TOO_MANY:
		return "more spokes than the relay takes (65536 at most)";
	case WGX_CTRL_E_NOT_ALLOWED:
		return "a key is not in the relay's AllowedPublicKeys, or is the hub's own key";
	case WGX_CTRL_E_NOMEM:
		return "the relay ran out of memory";
	default:
		return "the relay answered with an error this wgx does not know";
	}
}

bool ctrl_parse_target(const char *s, struct ctrl_target *t)
{
	char host[INET6_ADDRSTRLEN + 1];
	struct cfg_addr a;
	uint16_t port;

	memset(t, 0, sizeof(*t));
	if (!cfg_parse_endpoint(s, host, sizeof(host), &port, WGX_CTRL_PORT) ||
	    !cfg_parse_addr(host, &a))
		return false;
	if (a.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&t->ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a.addr, 4);
		t->len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&t->ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a.addr, 16);
		t->len = sizeof(*sin6);
	}
	fmt_addr_port(t->text, sizeof(t->text), a.family, a.addr, port);
	return true;
}

int ctrl_read_keys(FILE *f, const char *name, struct key_list *l,
		   char err[CTRL_ERR_LEN])
{
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	ssize_t len;
	int ret = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		char *b = line, *e;
		uint8_t key[32];

		lineno++;
		e = memchr(line, '#', (size_t)len);
		if (!e)
			e = line + len;
		while (b < e && (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
			e--;
		if (b == e)
			continue;
		*e = '\0';
		if (!key_from_base64(key, b)) {
			snprintf(err, CTRL_ERR_LEN, "%s:%u: '%.60s' is not a base64 public key",
				 name, lineno, b);
			ret = -EINVAL;
			break;
		}
		if (key_list_add(l, key)) {
			snprintf(err, CTRL_ERR_LEN, "out of memory");
			ret = -ENOMEM;
			break;
		}
	}
	if (!ret && ferror(f)) {
		snprintf(err, CTRL_ERR_LEN, "cannot read %s: %s", name, strerror(errno));
		ret = -EIO;
	}
	free(line);
	return ret;
}

/* ---- the UDP client ----------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct session {
	const struct ctrl_target *t;
	bool outer;		/* a key query, not in the hub's tunnel */
	int fd;
	int last_err;		/* a transient error seen, for the message */
	char *err;
};

/* An error that will not go away by waiting: give up at once. Outside the
 * tunnel, ICMP errors (a relay host still booting, a route coming up) are
 * waited out too, until the timeout, and named in its message. */
static bool fatal_errno(const struct session *s, int e)
{
	if (s->outer && (e == EHOSTUNREACH || e == ENETUNREACH ||
			 e == EHOSTDOWN || e == ENETDOWN))
		return false;
	return e != EINTR && e != EAGAIN && e != EWOULDBLOCK &&
	       e != ENOBUFS && e != ECONNREFUSED && e != ENOMEM;
}

static int fatal(struct session *s, int e)
{
	if (s->outer)
		snprintf(s->err, CTRL_ERR_LEN, "cannot reach the relay at %s: %s",
			 s->t->text, strerror(e));
	else if (e == EHOSTUNREACH || e == ENETUNREACH || e == ENOKEY ||
	    e == EDESTADDRREQ)
		snprintf(s->err, CTRL_ERR_LEN,
			 "cannot reach the relay at %s: %s: is the hub's tunnel to the relay up, with the relay's address in its AllowedIPs?",
			 s->t->text, strerror(e));
	else
		snprintf(s->err, CTRL_ERR_LEN, "cannot talk to the relay at %s: %s",
			 s->t->text, strerror(e));
	return -e;
}

static int open_session(struct session *s, const struct ctrl_target *t,
			char *err)
{
	s->t = t;
	s->err = err;
	s->last_err = 0;
	s->outer = false;
	s->fd = socket(t->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return fatal(s, errno);
	/* Connected: only the relay's address and port can answer, and ICMP
	 * errors come back to us. The relay answers from the address the
	 * request went to (the only source WireGuard on the hub accepts). */
	if (connect(s->fd, (const struct sockaddr *)&t->ss, t->len) < 0) {
		int e = errno;

		close(s->fd);
		s->fd = -1;
		return fatal(s, e);
	}
	return 0;
}

static void close_session(struct session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* 0 sent or dropped for now (a transient error), negative on a fatal one. */
static int send_one(struct session *s, const uint8_t *buf, size_t len)
{
	for (;;) {
		if (send(s->fd, buf, len, 0) >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (fatal_errno(s, errno))
			return fatal(s, errno);
		s->last_err = errno;
		return 0;
	}
}

/* Wait until @until (ms, monotonic) for a datagram that @accept takes.
 * Returns 1 when one was accepted, 0 at the deadline, negative on a fatal
 * error. */
static int wait_reply(struct session *s, uint64_t until,
		      bool (*accept)(const uint8_t *, size_t, void *), void *arg)
{
	/* One more byte than any valid answer, so a longer one shows. */
	uint8_t buf[CTRL_REPLY_MAX_LEN + 1];

	for (;;) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		uint64_t now = now_ms();
		ssize_t r;
		int p;

		if (now >= until)
			return 0;
		p = poll(&pfd, 1, (int)(until - now));
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			return fatal(s, errno);
		if (p == 0)
			return 0;
		r = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (fatal_errno(s, errno))
				return fatal(s, errno);
			s->last_err = errno;
			continue;
		}
		if ((size_t)r > sizeof(buf))
			continue;	/* truncated: too long to be an answer */
		if (accept(buf, (size_t)r, arg))
			return 1;
	}
}

static int timed_out(struct session *s, unsigned int timeout_ms)
{
	char last[96] = "", secs[32];

	if (s->last_err)
		snprintf(last, sizeof(last), " (last error: %s)",
			 strerror(s->last_err));
	if (timeout_ms % 1000)
		snprintf(secs, sizeof(secs), "%.1f", timeout_ms / 1000.0);
	else
		snprintf(secs, sizeof(secs), "%u", timeout_ms / 1000);
	if (s->outer)
		snprintf(s->err, CTRL_ERR_LEN,
			 "relay at %s did not answer within %s s: is it a wgx relay (wgx relay up), at that address and port, with UDP open?%s",
			 s->t->text, secs, last);
	else
		snprintf(s->err, CTRL_ERR_LEN,
			 "relay at %s did not answer within %s s: is the hub's tunnel to the relay up?%s",
			 s->t->text, secs, last);
	return -ETIMEDOUT;
}

static uint32_t new_request_id(void)
{
	uint32_t id;

	do
		id = randombytes_random();
	while (!id);
	return id;
}

struct set_wait {
	uint32_t id;
	struct ctrl_set_reply *r;
};

static bool accept_set_reply(const uint8_t *buf, size_t len, void *arg)
{
	struct set_wait *w = arg;

	return ctrl_decode_set_reply(buf, len, w->id, w->r) == 0;
}

int ctrl_set_spokes(const struct ctrl_target *t, const uint8_t (*keys)[32],
		    size_t nkeys, unsigned int timeout_ms,
		    struct ctrl_set_reply *r, char err[CTRL_ERR_LEN])
{
	struct set_wait w = { .id = new_request_id(), .r = r };
	size_t nchunks = ctrl_nchunks(nkeys);
	uint64_t deadline = now_ms() + timeout_ms;
	unsigned int wait = FIRST_WAIT_MS;
	struct session s;
	uint8_t buf[CTRL_CHUNK_MAX_LEN];
	int ret;

	if (nkeys > WGX_CTRL_MAX_SPOKES) {
		snprintf(err, CTRL_ERR_LEN, "too many spokes: %zu (at most %u)",
			 nkeys, WGX_CTRL_MAX_SPOKES);
		return -E2BIG;
	}
	ret = open_session(&s, t, err);
	if (ret)
		return ret;
	for (;;) {
		for (size_t c = 0; c < nchunks; c++) {
			size_t len = ctrl_encode_set_spokes(buf, sizeof(buf), w.id,
							    keys, nkeys, c);

			ret = send_one(&s, buf, len);
			if (ret)
				goto out;
			if ((c + 1) % BURST_CHUNKS == 0 && c + 1 < nchunks) {
				/* Pause, listening: an answer may already come. */
				uint64_t until = now_ms() + BURST_GAP_MS;

				ret = wait_reply(&s, until < deadline ? until : deadline,
						 accept_set_reply, &w);
				if (ret)
					goto out;
			}
		}
		{
			uint64_t until = now_ms() + wait;

			ret = wait_reply(&s, until < deadline ? until : deadline,
					 accept_set_reply, &w);
			if (ret)
				goto out;
		}
		if (now_ms() >= deadline) {
			ret = timed_out(&s, timeout_ms);
			goto out;
		}
		wait = wait * 2 > MAX_WAIT_MS ? MAX_WAIT_MS : wait * 2;
	}
out:
	close_session(&s);
	sodium_memzero(buf, sizeof(buf));
	return ret > 0 ? 0 : ret;
}

struct query_wait {
	uint32_t id, offset;
	struct ctrl_query_reply *r;
};

static bool accept_query_reply(const uint8_t *buf, size_t len, void *arg)
{
	struct query_wait *w = arg;

	return ctrl_decode_query_reply(buf, len, w->id, w->offset, w->r) == 0;
}

static int query_page(struct session *s, uint32_t offset,
		      unsigned int timeout_ms, struct ctrl_query_reply *r)
{
	struct query_wait w = { .id = new_request_id(), .offset = offset, .r = r };
	uint64_t deadline = now_ms() + timeout_ms;
	unsigned int wait = FIRST_WAIT_MS;
	uint8_t buf[CTRL_QUERY_LEN];
	size_t len = ctrl_encode_query(buf, sizeof(buf), w.id, offset);
	int ret;

	for (;;) {
		uint64_t until = now_ms() + wait;

		ret = send_one(s, buf, len);
		if (ret)
			return ret;
		ret = wait_reply(s, until < deadline ? until : deadline,
				 accept_query_reply, &w);
		if (ret)
			return ret > 0 ? 0 : ret;
		if (now_ms() >= deadline)
			return timed_out(s, timeout_ms);
		wait = wait * 2 > MAX_WAIT_MS ? MAX_WAIT_MS : wait * 2;
	}
}

int ctrl_query_all(const struct ctrl_target *t, unsigned int timeout_ms,
		   struct ctrl_spoke **spokes, size_t *n, uint32_t *total,
		   uint32_t *relay_error, char err[CTRL_ERR_LEN])
{
	struct ctrl_query_reply *r = malloc(sizeof(*r));
	struct ctrl_spoke *v = NULL;
	size_t count = 0, cap = 0;
	uint32_t offset = 0;
	struct session s;
	int ret;

	*spokes = NULL;
	*n = 0;
	*total = 0;
	*relay_error = WGX_CTRL_E_OK;
	if (!r) {
		snprintf(err, CTRL_ERR_LEN, "out of memory");
		return -ENOMEM;
	}
	ret = open_session(&s, t, err);
	if (ret) {
		free(r);
		return ret;
	}
	/* Bounded: at most as many pages as the largest set needs. */
	for (unsigned int page = 0;
	     page <= WGX_CTRL_MAX_SPOKES / WGX_CTRL_SPOKES_PER_REPLY; page++) {
		ret = query_page(&s, offset, timeout_ms, r);
		if (ret)
			goto out;
		if (r->error != WGX_CTRL_E_OK) {
			*relay_error = r->error;
			snprintf(err, CTRL_ERR_LEN, "the relay at %s refused the query: %s (%s)",
				 t->text, ctrl_error_name(r->error),
				 ctrl_error_text(r->error));
			ret = -EPROTO;
			goto out;
		}
		*total = r->total;
		if (count + r->count > cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct ctrl_spoke *nv;

			while (ncap < count + r->count)
				ncap *= 2;
			nv = realloc(v, ncap * sizeof(*v));
			if (!nv) {
				snprintf(err, CTRL_ERR_LEN, "out of memory");
				ret = -ENOMEM;
				goto out;
			}
			v = nv;
			cap = ncap;
		}
		memcpy(v + count, r->spokes, r->count * sizeof(*v));
		count += r->count;
		offset += r->count;
		/* The set may change between pages: stop at its end or at an
		 * empty page. */
		if (!r->count || offset >= r->total)
			break;
	}
	*spokes = v;
	*n = count;
	v = NULL;
out:
	free(v);
	free(r);
	close_session(&s);
	return ret;
}

/* ---- the relay's key ----------------------------------------------------- */

struct keyq_wait {
	uint32_t nonce;
	uint8_t *key;
};

static bool accept_keyq_reply(const uint8_t *buf, size_t len, void *arg)
{
	struct keyq_wait *w = arg;

	return ctrl_decode_keyq_reply(buf, len, w->nonce, w->key) == 0;
}

/* One address: resend until @deadline. 1 answered, 0 timed out, negative
 * on a fatal error (message in @err). */
static int keyq_one(const struct ctrl_target *t, uint64_t deadline,
		    unsigned int timeout_ms, uint8_t key[32], char *err)
{
	struct keyq_wait w = { .nonce = randombytes_random(), .key = key };
	unsigned int wait = FIRST_WAIT_MS;
	uint8_t buf[CTRL_KEYQ_LEN];
	size_t len = ctrl_encode_keyq(buf, sizeof(buf), w.nonce);
	struct session s;
	int ret;

	ret = open_session(&s, t, err);
	s.outer = true;
	if (ret)
		return fatal(&s, -ret);
	for (;;) {
		uint64_t until = now_ms() + wait;

		ret = send_one(&s, buf, len);
		if (ret)
			break;
		ret = wait_reply(&s, until < deadline ? until : deadline,
				 accept_keyq_reply, &w);
		if (ret)
			break;
		if (now_ms() >= deadline) {
			timed_out(&s, timeout_ms);
			break;
		}
		wait = wait * 2 > MAX_WAIT_MS ? MAX_WAIT_MS : wait * 2;
	}
	close_session(&s);
	return ret;
}

int ctrl_fetch_relay_key(const char *host, uint16_t port,
			 unsigned int timeout_ms, uint8_t key[32],
			 char from[80], char err[CTRL_ERR_LEN])
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res, *ai;
	uint64_t start = now_ms();
	unsigned int naddr = 0, i = 0;
	int ret, gai;

	gai = getaddrinfo(host, NULL, &hints, &res);
	if (gai) {
		snprintf(err, CTRL_ERR_LEN, "cannot resolve the relay's host '%s': %s",
			 host, gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
		return -ENOENT;
	}
	for (ai = res; ai; ai = ai->ai_next)
		naddr += ai->ai_family == AF_INET || ai->ai_family == AF_INET6;
	ret = -ENOENT;
	snprintf(err, CTRL_ERR_LEN, "'%s' has no IPv4 or IPv6 address", host);
	/* Each address gets an equal share of what time is left. */
	for (ai = res; ai; ai = ai->ai_next) {
		struct ctrl_target t;
		uint64_t left, share;

		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		memset(&t, 0, sizeof(t));
		memcpy(&t.ss, ai->ai_addr, ai->ai_addrlen);
		t.len = ai->ai_addrlen;
		if (ai->ai_family == AF_INET)
			((struct sockaddr_in *)&t.ss)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)&t.ss)->sin6_port = htons(port);
		fmt_sockaddr(t.text, sizeof(t.text), &t.ss, t.len);
		left = start + timeout_ms > now_ms() ? start + timeout_ms - now_ms() : 0;
		share = left / (naddr - i);
		i++;
		if (share < 1)
			break;
		ret = keyq_one(&t, now_ms() + share, timeout_ms, key, err);
		if (ret > 0) {
			snprintf(from, 80, "%s", t.text);
			ret = 0;
			break;
		}
		if (ret == 0)
			ret = -ETIMEDOUT;
	}
	freeaddrinfo(res);
	return ret;
}
