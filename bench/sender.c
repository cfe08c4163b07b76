// SPDX-License-Identifier: GPL-2.0
/*
 * sender -- small-packet UDP flood for `make bench`.
 *
 *   sender HOST PORT SECS [RATE [SIZE [PROCS]]]
 *
 * Sends SIZE-byte (default 64) UDP datagrams to HOST:PORT for SECS seconds
 * with sendmmsg (64 a call), at most RATE a second in total (0 or absent: as
 * fast as possible), from PROCS processes (default 1), each with its own
 * socket. Prints "sent=N secs=S cpu=C": datagrams the kernel accepted, the
 * time taken and the CPU seconds the senders used.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t run(const struct sockaddr_in *to, double secs, double rate,
		    size_t size)
{
	static char bufs[BATCH][2048];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint64_t start, end, t, sent = 0;
	int fd, j;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	memset(msgs, 0, sizeof(msgs));
	for (j = 0; j < BATCH; j++) {
		memset(bufs[j], 0x5a, size);
		iov[j].iov_base = bufs[j];
		iov[j].iov_len = size;
		msgs[j].msg_hdr.msg_iov = &iov[j];
		msgs[j].msg_hdr.msg_iovlen = 1;
		msgs[j].msg_hdr.msg_name = (void *)to;
		msgs[j].msg_hdr.msg_namelen = sizeof(*to);
	}
	start = now_ns();
	end = start + (uint64_t)(secs * 1e9);
	while ((t = now_ns()) < end) {
		int got;

		if (rate > 0) {
			uint64_t due = start + (uint64_t)(sent / rate * 1e9);

			if (due > t) {
				struct timespec ts = { 0, (long)(due - t) };

				if (due - t >= 1000000000ULL)
					ts = (struct timespec){ 1, 0 };
				nanosleep(&ts, NULL);
				continue;
			}
		}
		for (j = 0; j < BATCH; j++)
			memcpy(bufs[j], &sent, sizeof(sent) < size ? sizeof(sent) : size);
		got = sendmmsg(fd, msgs, BATCH, 0);
		if (got < 0) {
			/* ENOBUFS: a full queue below (the WireGuard device's);
			 * the datagrams were not sent. */
			if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED) {
				perror("sendmmsg");
				exit(1);
			}
			continue;
		}
		sent += got;
	}
	close(fd);
	return sent;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	double secs, rate = 0, cpu;
	size_t size = 64;
	int procs = 1, p;
	uint64_t *counts, total = 0, start;
	struct rusage ru;

	if (argc < 4) {
		fprintf(stderr, "usage: sender HOST PORT SECS [RATE [SIZE [PROCS]]]\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "sender: bad address %s\n", argv[1]);
		return 2;
	}
	to.sin_port = htons(atoi(argv[2]));
	secs = atof(argv[3]);
	if (argc > 4)
		rate = atof(argv[4]);
	if (argc > 5)
		size = atoi(argv[5]);
	if (argc > 6)
		procs = atoi(argv[6]);
	if (size < 1 || size > 1472 || procs < 1 || procs > 64) {
		fprintf(stderr, "sender: bad size or process count\n");
		return 2;
	}
	counts = mmap(NULL, sizeof(*counts) * procs, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	start = now_ns();
	for (p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid) {
			counts[p] = run(&to, secs, rate / procs, size);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	for (p = 0; p < procs; p++)
		total += counts[p];
	getrusage(RUSAGE_CHILDREN, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("sent=%llu secs=%.3f cpu=%.3f\n", (unsigned long long)total,
	       (now_ns() - start) / 1e9, cpu);
	return 0;
}
