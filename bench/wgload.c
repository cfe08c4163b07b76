// SPDX-License-Identifier: GPL-2.0
/*
 * wgload -- WireGuard load generator for `make bench`.
 *
 *   wgload pubkeys SEED COUNT
 *       print the public keys of the COUNT keys made from SEED, one a line
 *   wgload run SEED COUNT BASEPORT
 *       make COUNT keys from SEED, key n on its own UDP socket bound to
 *       port BASEPORT + n (its endpoint as a peer), then read commands on
 *       standard input, one a line, and answer each with one line:
 *
 * auth PUB HOST PORT FIRST N WINDOW TIMEOUT
 *     handshake keys FIRST..FIRST+N-1 with the responder PUB (base64) at
 *     HOST:PORT, WINDOW initiations in flight, each key retried every 1 s
 *     until it has an answer or TIMEOUT seconds passed.
 *     -> "auth done=D of=N secs=S sent=X cookies=C"
 * session PUB HOST PORT FIRST N WINDOW TIMEOUT
 *     the same, processing the responses: the keys then hold transport keys
 *     and the responder's index (a hub's, when HOST:PORT is the relay).
 *     -> "session done=D of=N secs=S sent=X cookies=C"
 * hsrate PUB HOST PORT FIRST N WINDOW SECS
 *     closed loop for SECS seconds: WINDOW initiations in flight over the
 *     keys, a new one for each answer (or after 1 s without one).
 *     -> "hsrate sent=X recv=Y cookies=C secs=S"
 * flood KIND HOST PORT FIRST N SECS RATE SIZE [PUB]
 *     send for SECS seconds from the sockets of keys FIRST..FIRST+N-1 in
 *     turn, BATCH datagrams each (sendmmsg), at most RATE a second (0: as
 *     fast as possible). KIND:
 *       raw    SIZE random bytes
 *       data   transport data of SIZE bytes to each key's session index,
 *              with the session's next counters (the body is not
 *              encrypted: a relay that forwards by index cannot tell)
 *       init   initiations whose mac1 is keyed to PUB (body not valid)
 *       pool   the datagrams made by "precompute" (key FIRST only)
 *     -> "flood sent=X secs=S cpu=C" (C: this process's CPU seconds)
 * precompute KEY COUNT SRC DST DPORT PAYLOAD
 *     encrypt COUNT transport packets in KEY's session, each an IPv4/UDP
 *     packet SRC -> DST:DPORT with PAYLOAD bytes, for "flood pool".
 *     -> "precompute count=N secs=S"
 * keepalive HOST PORT FIRST N
 *     send one encrypted keepalive (transport data, empty) in the session
 *     of each key FIRST..FIRST+N-1 that has one: the responder confirms the
 *     session with it (WireGuard's responder counts the handshake as done
 *     only then).
 *     -> "keepalive sent=X"
 * quit
 *
 * Environment: WGLOAD_BATCH (default 32) datagrams per sendmmsg;
 * WGLOAD_INFLIGHT (default 4 MiB) the send buffer that a flood's sockets
 * share (each gets its part), which bounds what is queued towards the relay.
 */
#define _GNU_SOURCE
#include "noise.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESPONDERS 4
#define MAX_BATCH 256

struct key {
	uint8_t priv[32], pub[32];
	int fd;
	uint16_t port;
	/* One initiator state per responder (index into responders[]). */
	struct noise_initiator *ini[MAX_RESPONDERS];
	/* Handshake in flight. */
	uint64_t sent_at;	/* ns, 0 = none in flight */
	uint64_t last_sent;	/* ns */
	int done;
	int session_with;	/* responder whose session "data" floods use */
};

static struct key *keys;
static unsigned int nkeys;
static struct noise_responder responders[MAX_RESPONDERS];
static unsigned int nresponders;
static unsigned int batch = 32;
static uint8_t *pool;
static size_t pool_count, pool_len, pool_pos;
static int pool_fd = -1;
static uint32_t init_index = 0x80000000u;
/* Bytes in flight (not yet received by the relay) that a flood's sockets
 * may hold together: each socket's send buffer is this / their number, so
 * that 1,000 sockets load the receiving CPU's backlog no more than one does
 * (more would overflow it, and the drops, not the relay, would set the
 * rate). WGLOAD_INFLIGHT overrides it. */
static long inflight = 4L << 20;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *msg)
{
	perror(msg);
	exit(1);
}

static int parse_key(uint8_t out[32], const char *b64)
{
	size_t len;

	if (sodium_base642bin(out, 32, b64, strlen(b64), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) || len != 32)
		return -1;
	return 0;
}

static int responder_index(const char *b64)
{
	uint8_t pub[32];
	unsigned int r;

	if (parse_key(pub, b64))
		return -1;
	for (r = 0; r < nresponders; r++)
		if (!memcmp(responders[r].pub, pub, 32))
			return r;
	if (nresponders == MAX_RESPONDERS)
		return -1;
	noise_responder_init(&responders[nresponders], pub);
	return nresponders++;
}

static struct noise_initiator *initiator(struct key *k, int r)
{
	if (!k->ini[r]) {
		k->ini[r] = calloc(1, sizeof(*k->ini[r]));
		if (!k->ini[r])
			die("calloc");
		if (!noise_initiator_init(k->ini[r], k->priv, &responders[r])) {
			fprintf(stderr, "wgload: zero DH with responder %d\n", r);
			exit(1);
		}
	}
	return k->ini[r];
}

static int parse_dest(struct sockaddr_in *sa, const char *host, const char *port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(atoi(port));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static void setup_keys(uint64_t seed, unsigned int count, int base_port,
		       int with_sockets)
{
	unsigned int n;

	keys = calloc(count, sizeof(*keys));
	if (!keys)
		die("calloc");
	nkeys = count;
	for (n = 0; n < count; n++) {
		struct key *k = &keys[n];

		noise_key_from_seed(k->priv, seed, n);
		noise_pubkey(k->pub, k->priv);
		k->fd = -1;
		k->session_with = -1;
		if (with_sockets) {
			struct sockaddr_in sa = { .sin_family = AF_INET };
			int one = 1, buf = 4 << 20, sndbuf = 32 << 20;

			k->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
			if (k->fd < 0)
				die("socket");
			setsockopt(k->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			/* A send buffer larger than the receiving CPU's backlog
			 * (root may exceed wmem_max): one socket can then
			 * overload the relay as well as many, and the rate
			 * with 1 session compares with that of 1,000. */
			if (setsockopt(k->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
				setsockopt(k->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
			setsockopt(k->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
			k->port = base_port + n;
			sa.sin_port = htons(k->port);
			if (bind(k->fd, (struct sockaddr *)&sa, sizeof(sa)))
				die("bind");
		}
	}
}

/* ------------------------------------------------------------ handshakes */

enum hs_mode { HS_AUTH, HS_SESSION, HS_RATE };

struct hs_result {
	unsigned int done;
	uint64_t sent, recv, cookies;
	double secs;
};

static uint32_t next_index = 1;

static void send_initiation(struct key *k, int r, const struct sockaddr_in *to)
{
	uint8_t msg[MSG_INITIATION_LEN];
	struct noise_initiator *i = initiator(k, r);
	uint64_t t = now_ns();

	noise_create_initiation(i, &responders[r], next_index++, real_ns(), msg);
	if (sendto(k->fd, msg, sizeof(msg), 0, (const struct sockaddr *)to,
		   sizeof(*to)) < 0 && errno != EAGAIN && errno != ENOBUFS)
		perror("sendto");
	k->sent_at = t;
	k->last_sent = t;
}

/*
 * Handshakes with responder @r for keys [first, first + n). HS_AUTH and
 * HS_SESSION: until every key has an answer (or @limit seconds); HS_RATE:
 * for @limit seconds, again and again.
 */
static struct hs_result handshakes(enum hs_mode mode, int r,
				   const struct sockaddr_in *to,
				   unsigned int first, unsigned int n,
				   unsigned int window, double limit)
{
	/* A key may start another initiation 30 ms after its last one
	 * (responders take at most 50 a second from one key). */
	const uint64_t min_gap = 30000000ULL, retry = 1000000000ULL;
	struct hs_result res = { 0 };
	uint64_t start = now_ns(), end = start + (uint64_t)(limit * 1e9), t;
	unsigned int inflight = 0, cursor = 0, j;
	struct epoll_event ev, evs[64];
	int ep;

	ep = epoll_create1(0);
	if (ep < 0)
		die("epoll_create1");
	for (j = 0; j < n; j++) {
		struct key *k = &keys[first + j];

		k->sent_at = 0;
		k->done = 0;
		ev.events = EPOLLIN;
		ev.data.u32 = first + j;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, k->fd, &ev))
			die("epoll_ctl");
	}

	for (;;) {
		int nev, e;

		t = now_ns();
		if (t >= end)
			break;
		if (mode != HS_RATE && res.done == n)
			break;
		/* Time out lost initiations. */
		if (inflight) {
			for (j = 0; j < n; j++) {
				struct key *k = &keys[first + j];

				if (k->sent_at && t - k->sent_at > retry) {
					k->sent_at = 0;
					inflight--;
				}
			}
		}
		/* Fill the window. */
		for (j = 0; j < n && inflight < window; j++) {
			struct key *k = &keys[first + cursor];

			cursor = (cursor + 1) % n;
			if (k->sent_at || (mode != HS_RATE && k->done))
				continue;
			if (k->last_sent && t - k->last_sent < min_gap)
				continue;
			send_initiation(k, r, to);
			res.sent++;
			inflight++;
		}
		nev = epoll_wait(ep, evs, 64, 5);
		for (e = 0; e < nev; e++) {
			struct key *k = &keys[evs[e].data.u32];
			uint8_t buf[256];
			ssize_t len;

			while ((len = recv(k->fd, buf, sizeof(buf), 0)) > 0) {
				struct noise_initiator *i = initiator(k, r);
				uint32_t type = buf[0], ridx;

				if (len < 8)
					continue;
				memcpy(&ridx, buf + (type == MSG_RESPONSE ? 8 : 4), 4);
				if (!k->sent_at || ridx != i->sender_index)
					continue;
				if (type == MSG_COOKIE && len == MSG_COOKIE_LEN) {
					/* Retry at once with mac2. */
					if (noise_consume_cookie(i, &responders[r], buf,
								 real_ns()))
						res.cookies++;
					k->sent_at = 0;
					k->last_sent = 0;
					inflight--;
					continue;
				}
				if (type != MSG_RESPONSE || len != MSG_RESPONSE_LEN)
					continue;
				if (mode == HS_SESSION) {
					if (!noise_consume_response(i, buf))
						continue;
					k->session_with = r;
				}
				k->sent_at = 0;
				inflight--;
				res.recv++;
				if (!k->done) {
					k->done = 1;
					res.done++;
				}
			}
		}
	}
	close(ep);
	res.secs = (now_ns() - start) / 1e9;
	return res;
}

/* ---------------------------------------------------------------- floods */

enum flood_kind { FLOOD_RAW, FLOOD_DATA, FLOOD_INIT, FLOOD_POOL };

/* Fill @buf (@size bytes) with datagram number @seq of key @k. */
static size_t fill(enum flood_kind kind, struct key *k, int r, uint64_t seq,
		   uint8_t *buf, size_t size, const uint8_t *rnd)
{
	uint32_t v;

	switch (kind) {
	case FLOOD_RAW:
		memcpy(buf, rnd, size);
		memcpy(buf, &seq, sizeof(seq) < size ? sizeof(seq) : size);
		return size;
	case FLOOD_DATA: {
		struct noise_initiator *i = k->session_with >= 0 ?
			k->ini[k->session_with] : NULL;

		uint64_t counter = i ? i->send_counter++ : seq;

		memcpy(buf, rnd, size);
		v = MSG_DATA;
		memcpy(buf, &v, 4);
		v = i ? i->remote_index : 0;
		memcpy(buf + 4, &v, 4);
		/* Each session's own counter, never repeated: a relay may
		 * drop replayed counters (it can read them: they are clear). */
		memcpy(buf + 8, &counter, 8);
		return size;
	}
	case FLOOD_INIT:
		memcpy(buf, rnd, MSG_INITIATION_LEN);
		v = MSG_INITIATION;
		memcpy(buf, &v, 4);
		/* Sender indices of their own (top bit set) and never reused:
		 * a relay refuses a handshake whose index it already learned
		 * on the route (a replay), and the sessions' indices count up
		 * from 1. */
		v = init_index++;
		memcpy(buf + 4, &v, 4);
		noise_mac1(buf + 116, buf, 116, responders[r].mac1_key);
		memset(buf + 132, 0, 16);
		return MSG_INITIATION_LEN;
	case FLOOD_POOL:
		memcpy(buf, pool + seq * pool_len, pool_len);
		return pool_len;
	}
	return 0;
}

/* Connect the sockets a flood uses to @to, or back to none (@to NULL). */
static void connect_all(enum flood_kind kind, unsigned int first,
			unsigned int n, const struct sockaddr *to, socklen_t len)
{
	struct sockaddr none = { .sa_family = AF_UNSPEC };
	unsigned int j;

	for (j = 0; j < n; j++) {
		int fd = kind == FLOOD_POOL ? pool_fd : keys[first + j].fd;

		if (to ? connect(fd, to, len) : connect(fd, &none, sizeof(none)))
			die("connect");
		if (kind == FLOOD_POOL)
			break;
	}
}

/* Share the in-flight budget between the sockets a flood uses. */
static void set_sndbuf(enum flood_kind kind, unsigned int first, unsigned int n)
{
	unsigned int j, socks = kind == FLOOD_POOL ? 1 : n;
	int each = (int)(inflight / socks);

	for (j = 0; j < socks; j++) {
		int fd = kind == FLOOD_POOL ? pool_fd : keys[first + j].fd;

		/* SO_SNDBUF doubles the value and clamps it to wmem_max;
		 * root may set any size with SO_SNDBUFFORCE. */
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &(int){ each / 2 }, sizeof(int)))
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ each / 2 }, sizeof(int));
	}
}

static void flood(enum flood_kind kind, int r, const struct sockaddr_in *to,
		  unsigned int first, unsigned int n, double secs, double rate,
		  size_t size)
{
	static uint8_t bufs[MAX_BATCH][2048];
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	uint8_t rnd[2048];
	uint64_t start, end, t, sent = 0, seq = 0;
	double cpu0 = cpu_seconds();
	unsigned int cursor = 0, j;

	if (size > sizeof(rnd))
		size = sizeof(rnd);
	randombytes_buf(rnd, sizeof(rnd));
	memset(msgs, 0, sizeof(msgs));
	for (j = 0; j < batch; j++) {
		iov[j].iov_base = bufs[j];
		msgs[j].msg_hdr.msg_iov = &iov[j];
		msgs[j].msg_hdr.msg_iovlen = 1;
	}
	/* Connected sockets: the route is looked up once, not per datagram. */
	connect_all(kind, first, n, (const struct sockaddr *)to, sizeof(*to));
	set_sndbuf(kind, first, n);
	start = now_ns();
	end = start + (uint64_t)(secs * 1e9);
	for (;;) {
		struct key *k = &keys[first + cursor];
		int fd = kind == FLOOD_POOL ? pool_fd : k->fd, got;

		t = now_ns();
		if (t >= end)
			break;
		if (rate > 0) {
			uint64_t due = start + (uint64_t)(sent / rate * 1e9);

			if (due > t) {
				struct timespec ts = {
					.tv_sec = (due - t) / 1000000000ULL,
					.tv_nsec = (due - t) % 1000000000ULL,
				};

				nanosleep(&ts, NULL);
				continue;
			}
		}
		/* The pool is never resent: its counters would be replays. */
		if (kind == FLOOD_POOL && pool_pos + batch > pool_count)
			break;
		for (j = 0; j < batch; j++) {
			uint64_t s = kind == FLOOD_POOL ? pool_pos + j : seq + j;

			iov[j].iov_len = fill(kind, k, r, s, bufs[j], size, rnd);
		}
		got = sendmmsg(fd, msgs, batch, 0);
		if (got < 0) {
			if (errno != EAGAIN && errno != ENOBUFS && errno != ECONNREFUSED)
				die("sendmmsg");
			/* Socket buffer full: let the stack drain. */
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };

				poll(&p, 1, 10);
			}
			got = 0;
		}
		sent += got;
		seq += got;
		if (kind == FLOOD_POOL)
			pool_pos += got;
		cursor = (cursor + 1) % n;
	}
	connect_all(kind, first, n, NULL, 0);
	printf("flood sent=%llu secs=%.3f cpu=%.3f\n", (unsigned long long)sent,
	       (now_ns() - start) / 1e9, cpu_seconds() - cpu0);
}

/* ---------------------------------------------------------------- pool */

static uint16_t ip_checksum(const uint8_t *hdr, size_t len)
{
	uint32_t sum = 0;
	size_t j;

	for (j = 0; j < len; j += 2)
		sum += (uint32_t)hdr[j] << 8 | hdr[j + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void precompute(unsigned int key, size_t count, const char *src,
		       const char *dst, int dport, size_t payload)
{
	struct key *k = &keys[key];
	struct noise_initiator *i;
	uint8_t plain[2048];
	size_t inner = 20 + 8 + payload, padded = (inner + 15) & ~(size_t)15, c;
	struct in_addr s, d;
	uint64_t start = now_ns();
	uint16_t v;

	if (k->session_with < 0 || padded > 1500) {
		printf("precompute error=no-session\n");
		return;
	}
	i = k->ini[k->session_with];
	inet_pton(AF_INET, src, &s);
	inet_pton(AF_INET, dst, &d);
	memset(plain, 0, sizeof(plain));
	plain[0] = 0x45;
	v = htons(inner);
	memcpy(plain + 2, &v, 2);
	plain[8] = 64;
	plain[9] = IPPROTO_UDP;
	memcpy(plain + 12, &s, 4);
	memcpy(plain + 16, &d, 4);
	v = htons(ip_checksum(plain, 20));
	memcpy(plain + 10, &v, 2);
	v = htons(9999);
	memcpy(plain + 20, &v, 2);
	v = htons(dport);
	memcpy(plain + 22, &v, 2);
	v = htons(8 + payload);
	memcpy(plain + 24, &v, 2);	/* UDP checksum 0: none (IPv4) */

	free(pool);
	pool_len = MSG_DATA_HDR_LEN + padded + AUTHTAG_LEN;
	pool = malloc(pool_len * count);
	if (!pool)
		die("malloc");
	for (c = 0; c < count; c++)
		noise_encrypt_data(i, plain, padded, pool + c * pool_len);
	pool_count = count;
	pool_pos = 0;
	pool_fd = k->fd;
	printf("precompute count=%zu secs=%.3f\n", count, (now_ns() - start) / 1e9);
}

/* ---------------------------------------------------------------- main */

static void command(char *line)
{
	char *argv[16], *tok, *save = NULL;
	struct sockaddr_in to;
	int argc = 0, r = -1;

	for (tok = strtok_r(line, " \t\n", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	if (!argc)
		return;

	if ((!strcmp(argv[0], "auth") || !strcmp(argv[0], "session") ||
	     !strcmp(argv[0], "hsrate")) && argc == 8) {
		enum hs_mode mode = argv[0][0] == 'a' ? HS_AUTH :
				    argv[0][0] == 's' ? HS_SESSION : HS_RATE;
		unsigned int first = atoi(argv[4]), n = atoi(argv[5]);
		struct hs_result res;

		r = responder_index(argv[1]);
		if (r < 0 || parse_dest(&to, argv[2], argv[3]) ||
		    first + n > nkeys || !n) {
			printf("%s error=bad-arguments\n", argv[0]);
			return;
		}
		res = handshakes(mode, r, &to, first, n, atoi(argv[6]),
				 atof(argv[7]));
		if (mode == HS_RATE)
			printf("hsrate sent=%llu recv=%llu cookies=%llu secs=%.3f\n",
			       (unsigned long long)res.sent,
			       (unsigned long long)res.recv,
			       (unsigned long long)res.cookies, res.secs);
		else
			printf("%s done=%u of=%u secs=%.3f sent=%llu cookies=%llu\n",
			       argv[0], res.done, n, res.secs,
			       (unsigned long long)res.sent,
			       (unsigned long long)res.cookies);
	} else if (!strcmp(argv[0], "flood") && (argc == 9 || argc == 10)) {
		enum flood_kind kind;
		unsigned int first = atoi(argv[4]), n = atoi(argv[5]);

		if (!strcmp(argv[1], "raw"))
			kind = FLOOD_RAW;
		else if (!strcmp(argv[1], "data"))
			kind = FLOOD_DATA;
		else if (!strcmp(argv[1], "init"))
			kind = FLOOD_INIT;
		else if (!strcmp(argv[1], "pool"))
			kind = FLOOD_POOL;
		else
			kind = -1;
		if (kind == FLOOD_INIT)
			r = argc == 10 ? responder_index(argv[9]) : -1;
		if ((int)kind < 0 || (kind == FLOOD_INIT && r < 0) ||
		    (kind == FLOOD_POOL && !pool_count) ||
		    parse_dest(&to, argv[2], argv[3]) || first + n > nkeys || !n) {
			printf("flood error=bad-arguments\n");
			return;
		}
		flood(kind, r, &to, first, n, atof(argv[6]), atof(argv[7]),
		      atoi(argv[8]));
	} else if (!strcmp(argv[0], "precompute") && argc == 7) {
		unsigned int key = atoi(argv[1]);

		if (key >= nkeys) {
			printf("precompute error=bad-arguments\n");
			return;
		}
		precompute(key, strtoull(argv[2], NULL, 10), argv[3], argv[4],
			   atoi(argv[5]), atoi(argv[6]));
	} else if (!strcmp(argv[0], "keepalive") && argc == 5) {
		unsigned int first = atoi(argv[3]), n = atoi(argv[4]), j, sent = 0;

		if (parse_dest(&to, argv[1], argv[2]) || first + n > nkeys) {
			printf("keepalive error=bad-arguments\n");
			return;
		}
		for (j = first; j < first + n; j++) {
			struct key *k = &keys[j];
			uint8_t buf[64];
			size_t len;

			if (k->session_with < 0)
				continue;
			len = noise_encrypt_data(k->ini[k->session_with], NULL, 0, buf);
			if (sendto(k->fd, buf, len, 0, (struct sockaddr *)&to,
				   sizeof(to)) == (ssize_t)len)
				sent++;
		}
		printf("keepalive sent=%u\n", sent);
	} else if (!strcmp(argv[0], "quit")) {
		exit(0);
	} else {
		printf("error=unknown-command %s\n", argv[0]);
	}
}

int main(int argc, char **argv)
{
	char line[1024];
	const char *b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sodium_init() < 0)
		return 1;
	b = getenv("WGLOAD_INFLIGHT");
	if (b && atol(b) > 0)
		inflight = atol(b);
	b = getenv("WGLOAD_BATCH");
	if (b) {
		batch = atoi(b);
		if (batch < 1 || batch > MAX_BATCH)
			batch = 32;
	}
	if (argc == 4 && !strcmp(argv[1], "pubkeys")) {
		char b64[64];
		unsigned int n;

		setup_keys(strtoull(argv[2], NULL, 0), atoi(argv[3]), 0, 0);
		for (n = 0; n < nkeys; n++)
			printf("%s\n", sodium_bin2base64(b64, sizeof(b64), keys[n].pub, 32,
							 sodium_base64_VARIANT_ORIGINAL));
		return 0;
	}
	if (argc != 5 || strcmp(argv[1], "run")) {
		fprintf(stderr, "usage: wgload pubkeys SEED COUNT | run SEED COUNT BASEPORT\n");
		return 2;
	}
	setup_keys(strtoull(argv[2], NULL, 0), atoi(argv[3]), atoi(argv[4]), 1);
	printf("ready keys=%u\n", nkeys);
	while (fgets(line, sizeof(line), stdin))
		command(line);
	return 0;
}
