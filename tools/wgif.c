// SPDX-License-Identifier: GPL-2.0
/*
 * The WireGuard interface, through `ip`, `wg` and wireguard-go. See wgif.h.
 */
#include "wgif.h"
#include "wgconf.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void set_err(char err[WGIF_ERR_LEN], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(char err[WGIF_ERR_LEN], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, WGIF_ERR_LEN, fmt, ap);
	va_end(ap);
}

/* ---- running programs ------------------------------------------------------ */

static const char *install_hint(const char *prog)
{
	if (!strcmp(prog, "wg"))
		return "install wireguard-tools";
	if (!strcmp(prog, "ip"))
		return "install iproute2";
	if (!strcmp(prog, "wireguard-go"))
		return "install wireguard-go";
	return "install it";
}

/* "ip link add ..." for messages. */
static void join_argv(const char *const argv[], char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? " " : "", argv[i]);

		if (w < 0)
			return;
		off += (size_t)w;
	}
}

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_read(struct buf *b, int fd)
{
	char tmp[4096];
	ssize_t r = read(fd, tmp, sizeof(tmp));

	if (r <= 0)
		return r < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
	if (b->len + (size_t)r + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8192;
		char *np;

		while (cap < b->len + (size_t)r + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, tmp, (size_t)r);
	b->len += (size_t)r;
	b->p[b->len] = '\0';
	sodium_memzero(tmp, sizeof(tmp));
	return 1;
}

static void buf_free(struct buf *b)
{
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
	b->len = b->cap = 0;
}

/* The first non-empty line of @s, trimmed, into @line. */
static void first_line(const char *s, char *line, size_t len)
{
	const char *e;

	line[0] = '\0';
	if (!s)
		return;
	while (*s == '\n' || *s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = strchr(s, '\n');
	if (!e)
		e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t'))
		e--;
	snprintf(line, len, "%.*s", (int)(e - s), s);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int wgif_run(const char *const argv[], const void *in, size_t inlen,
	     char **out, char err[WGIF_ERR_LEN])
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int pexec[2] = { -1, -1 };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct buf bout = { 0 }, berr = { 0 };
	size_t written = 0;
	int status, exec_errno = 0, ret = 0;
	char cmd[256];
	pid_t pid;

	if (out)
		*out = NULL;
	join_argv(argv, cmd, sizeof(cmd));
	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) ||
	    pipe2(perr, O_CLOEXEC) || pipe2(pexec, O_CLOEXEC)) {
		set_err(err, "cannot run %s: %m", argv[0]);
		ret = -errno;
		goto out;
	}
	/* A program that exits without reading its input must not kill us. */
	sigaction(SIGPIPE, &ign, &old);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		set_err(err, "cannot run %s: %s", argv[0], strerror(-ret));
		sigaction(SIGPIPE, &old, NULL);
		goto out;
	}
	if (pid == 0) {
		int e;

		sigaction(SIGPIPE, &old, NULL);
		if (dup2(pin[0], 0) < 0 || dup2(out ? pout[1] : perr[1], 1) < 0 ||
		    dup2(perr[1], 2) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		e = errno;
		if (write(pexec[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close_fd(&pin[0]);
	close_fd(&pout[1]);
	close_fd(&perr[1]);
	close_fd(&pexec[1]);
	if (!out)
		close_fd(&pout[0]);
	if (!in || !inlen)
		close_fd(&pin[1]);
	else
		fcntl(pin[1], F_SETFL, O_NONBLOCK);
	/* Feed the input and drain both outputs at once: no deadlock when
	 * the program writes much before reading all of its input. */
	while (pin[1] >= 0 || pout[0] >= 0 || perr[0] >= 0) {
		struct pollfd pfd[3] = {
			{ .fd = pin[1], .events = POLLOUT },
			{ .fd = pout[0], .events = POLLIN },
			{ .fd = perr[0], .events = POLLIN },
		};

		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pin[1] >= 0 && pfd[0].revents) {
			ssize_t w = write(pin[1], (const char *)in + written, inlen - written);

			if (w > 0)
				written += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == inlen)
				close_fd(&pin[1]);
		}
		if (pout[0] >= 0 && pfd[1].revents) {
			int r = buf_read(&bout, pout[0]);

			if (r <= 0)
				close_fd(&pout[0]);
		}
		if (perr[0] >= 0 && pfd[2].revents) {
			int r = buf_read(&berr, perr[0]);

			if (r <= 0)
				close_fd(&perr[0]);
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old, NULL);
	if (read(pexec[0], &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno)) {
		ret = exec_errno == ENOENT ? -ENOENT : -exec_errno;
		if (exec_errno == ENOENT)
			set_err(err, "cannot run '%s': not found in PATH: %s",
				argv[0], install_hint(argv[0]));
		else
			set_err(err, "cannot run '%s': %s", argv[0], strerror(exec_errno));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char line[300];

		first_line(berr.p, line, sizeof(line));
		if (WIFEXITED(status))
			set_err(err, "'%s' failed%s%s", cmd, line[0] ? ": " : " (exit status ",
				line[0] ? line : "");
		else
			set_err(err, "'%s' was killed by signal %d", cmd, WTERMSIG(status));
		if (WIFEXITED(status) && !line[0]) {
			size_t n = strlen(err);

			snprintf(err + n, WGIF_ERR_LEN - n, "%d)", WEXITSTATUS(status));
		}
		ret = -EIO;
		goto out;
	}
	if (out) {
		if (!bout.p) {
			bout.p = strdup("");
			if (!bout.p) {
				set_err(err, "out of memory");
				ret = -ENOMEM;
				goto out;
			}
		}
		*out = bout.p;
		bout.p = NULL;
	}
out:
	close_fd(&pin[0]);
	close_fd(&pin[1]);
	close_fd(&pout[0]);
	close_fd(&pout[1]);
	close_fd(&perr[0]);
	close_fd(&perr[1]);
	close_fd(&pexec[0]);
	close_fd(&pexec[1]);
	buf_free(&bout);
	buf_free(&berr);
	return ret;
}

/* ---- links ----------------------------------------------------------------- */

bool wgif_exists(const char *ifname)
{
	return if_nametoindex(ifname) != 0;
}

const char *wgif_kind(const char *ifname)
{
	char path[128], buf[512];
	ssize_t n;
	int fd;

	if (!wgif_exists(ifname))
		return NULL;
	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", ifname);
	if (access(path, F_OK) == 0)
		return "userspace";
	snprintf(path, sizeof(path), "/sys/class/net/%s/uevent", ifname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strstr(buf, "DEVTYPE=wireguard") ? "kernel" : NULL;
}

static int run(char err[WGIF_ERR_LEN], const char *first, ...)
{
	const char *argv[32];
	size_t n = 0;
	va_list ap;

	argv[n++] = first;
	va_start(ap, first);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return wgif_run(argv, NULL, 0, NULL, err);
}

/* wireguard-go, or what WG_QUICK_USERSPACE_IMPLEMENTATION names (as for
 * wg-quick). It daemonizes once the tun device and its UAPI socket exist. */
static int start_userspace(const char *ifname, char err[WGIF_ERR_LEN])
{
	const char *impl = getenv("WG_QUICK_USERSPACE_IMPLEMENTATION");
	const char *argv[] = { impl && *impl ? impl : "wireguard-go", ifname, NULL };
	int ret;

	/* Its warning banner ("use the kernel module") would hide our own
	 * messages: its output is kept for errors only. With LOG_LEVEL set
	 * the daemon would keep writing to our pipe: let it have the
	 * terminal then. */
	if (getenv("LOG_LEVEL")) {
		pid_t pid = fork();
		int status;

		if (pid < 0) {
			set_err(err, "cannot run %s: %m", argv[0]);
			return -errno;
		}
		if (pid == 0) {
			execvp(argv[0], (char *const *)argv);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			set_err(err, "'%s %s' failed", argv[0], ifname);
			return -EIO;
		}
		return 0;
	}
	ret = wgif_run(argv, NULL, 0, NULL, err);
	if (ret)
		return ret;
	if (!wgif_exists(ifname)) {
		set_err(err, "'%s %s' made no interface", argv[0], ifname);
		return -EIO;
	}
	return 0;
}

static int create_link(const char *ifname, bool userspace, char err[WGIF_ERR_LEN])
{
	char kerr[WGIF_ERR_LEN];
	int ret;

	if (!userspace) {
		ret = run(kerr, "ip", "link", "add", ifname, "type", "wireguard", NULL);
		if (!ret || ret == -ENOENT) {
			if (ret)
				memcpy(err, kerr, WGIF_ERR_LEN);
			return ret;
		}
	}
	ret = start_userspace(ifname, err);
	if (ret == -ENOENT && !userspace)
		set_err(err, "no WireGuard here: the kernel has none (%s; try 'modprobe wireguard') and %s is not installed",
			kerr, getenv("WG_QUICK_USERSPACE_IMPLEMENTATION") &&
			*getenv("WG_QUICK_USERSPACE_IMPLEMENTATION") ?
			getenv("WG_QUICK_USERSPACE_IMPLEMENTATION") : "wireguard-go");
	return ret;
}

/* ---- addresses and routes --------------------------------------------------- */

int wgif_routes(const struct wgc *c, struct cfg_cidr **v, size_t *n,
		size_t *skipped)
{
	size_t cap = 8;

	*n = 0;
	*skipped = 0;
	*v = malloc(cap * sizeof(**v));
	if (!*v)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_peers; i++) {
		for (size_t j = 0; j < c->peers[i].n_allowed; j++) {
			struct cfg_cidr net;
			bool covered = false;

			wgc_network(&c->peers[i].allowed[j], &net);
			if (net.prefix == 0) {
				(*skipped)++;
				continue;
			}
			for (size_t k = 0; k < c->n_addrs && !covered; k++) {
				struct cfg_cidr own;

				wgc_network(&c->addrs[k], &own);
				covered = wgc_cidr_covers(&own, &net);
			}
			for (size_t k = 0; k < *n && !covered; k++)
				covered = wgc_cidr_covers(&(*v)[k], &net);
			if (covered)
				continue;
			if (*n == cap) {
				struct cfg_cidr *nv = realloc(*v, cap * 2 * sizeof(**v));

				if (!nv) {
					free(*v);
					*v = NULL;
					return -ENOMEM;
				}
				*v = nv;
				cap *= 2;
			}
			(*v)[(*n)++] = net;
		}
	}
	return 0;
}

static int add_addresses(const struct wgc *c, char err[WGIF_ERR_LEN])
{
	for (size_t i = 0; i < c->n_addrs; i++) {
		char a[64];
		int ret;

		cfg_format_cidr(&c->addrs[i], a, sizeof(a));
		/* replace: no error for one that is there already. */
		if (c->addrs[i].a.family == AF_INET6)
			ret = run(err, "ip", "-6", "address", "replace", a, "dev",
				  c->ifname, "nodad", NULL);
		else
			ret = run(err, "ip", "-4", "address", "replace", a, "dev",
				  c->ifname, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/* Our routes carry "proto static" so that a reload can find the stale
 * ones: those of the interface that the configuration no longer has. */
static int sync_routes(const struct wgc *c, char err[WGIF_ERR_LEN])
{
	struct cfg_cidr *v;
	size_t n, skipped;
	int ret = wgif_routes(c, &v, &n, &skipped);

	if (ret) {
		set_err(err, "out of memory");
		return ret;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		char r[64];

		cfg_format_cidr(&v[i], r, sizeof(r));
		ret = run(err, "ip", v[i].a.family == AF_INET6 ? "-6" : "-4",
			  "route", "replace", r, "dev", c->ifname, "proto",
			  "static", NULL);
	}
	for (int fam = 0; fam < 2 && !ret; fam++) {
		const char *argv[] = { "ip", fam ? "-6" : "-4", "-o", "route", "show",
				       "dev", c->ifname, "proto", "static", NULL };
		char *out, *line, *save = NULL;

		ret = wgif_run(argv, NULL, 0, &out, err);
		if (ret)
			break;
		for (line = strtok_r(out, "\n", &save); line && !ret;
		     line = strtok_r(NULL, "\n", &save)) {
			struct cfg_cidr x;
			char dst[64];
			bool keep = false;

			if (sscanf(line, "%63s", dst) != 1 || !cfg_parse_cidr(dst, &x))
				continue;
			for (size_t i = 0; i < n && !keep; i++)
				keep = v[i].a.family == x.a.family &&
				       v[i].prefix == x.prefix &&
				       !memcmp(v[i].a.addr, x.a.addr, 16);
			if (!keep)
				ret = run(err, "ip", fam ? "-6" : "-4", "route", "del",
					  dst, "dev", c->ifname, NULL);
		}
		free(out);
	}
	free(v);
	return ret;
}

static int set_forwarding(const struct wgc *c, char err[WGIF_ERR_LEN])
{
	bool v6 = false;

	for (size_t i = 0; i < c->n_addrs; i++)
		v6 |= c->addrs[i].a.family == AF_INET6;
	for (int fam = 0; fam < (v6 ? 2 : 1); fam++) {
		const char *path = fam ? "/proc/sys/net/ipv6/conf/all/forwarding" :
				   "/proc/sys/net/ipv4/ip_forward";
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "1\n", 2) != 2) {
			set_err(err, "cannot turn on IP forwarding (%s): %m", path);
			if (fd >= 0)
				close(fd);
			return -errno;
		}
		close(fd);
	}
	return 0;
}

/* `wg setconf|syncconf IFNAME /dev/stdin` with the stripped text. */
static int wg_conf(const struct wgc *c, const char *verb, char err[WGIF_ERR_LEN])
{
	const char *argv[] = { "wg", verb, c->ifname, "/dev/stdin", NULL };
	size_t len;
	char *text = wgc_strip(c, &len);
	int ret;

	if (!text) {
		set_err(err, "out of memory");
		return -ENOMEM;
	}
	ret = wgif_run(argv, text, len, NULL, err);
	sodium_memzero(text, len);
	free(text);
	return ret;
}

int wgif_up(const struct wgc *c, bool userspace, bool forward,
	    char err[WGIF_ERR_LEN])
{
	char derr[WGIF_ERR_LEN];
	int ret;

	if (wgif_exists(c->ifname)) {
		set_err(err, "interface %s exists already", c->ifname);
		return -EEXIST;
	}
	ret = create_link(c->ifname, userspace || c->userspace, err);
	if (ret)
		return ret;
	ret = wg_conf(c, "setconf", err);
	if (!ret)
		ret = add_addresses(c, err);
	if (!ret && c->mtu) {
		char mtu[16];

		snprintf(mtu, sizeof(mtu), "%u", c->mtu);
		ret = run(err, "ip", "link", "set", c->ifname, "mtu", mtu, NULL);
	}
	if (!ret)
		ret = run(err, "ip", "link", "set", c->ifname, "up", NULL);
	if (!ret)
		ret = sync_routes(c, err);
	if (!ret && forward)
		ret = set_forwarding(c, err);
	if (ret)
		wgif_down(c->ifname, derr);
	return ret;
}

int wgif_sync(const struct wgc *c, char err[WGIF_ERR_LEN])
{
	struct wgc keep = *c;
	int ret;

	if (!wgif_exists(c->ifname)) {
		set_err(err, "interface %s does not exist", c->ifname);
		return -ENODEV;
	}
	/* `wg syncconf` without a ListenPort sets port 0: a new random port,
	 * and the NAT mapping that the relay knows this host by is lost until
	 * the next keepalive re-binds it. Keep the running one. */
	if (!c->has_listen_port) {
		const char *argv[] = { "wg", "show", c->ifname, "listen-port", NULL };
		char *out;
		unsigned long port;

		ret = wgif_run(argv, NULL, 0, &out, err);
		if (ret)
			return ret;
		port = strtoul(out, NULL, 10);
		free(out);
		if (port > 0 && port <= 65535) {
			keep.has_listen_port = true;
			keep.listen_port = (uint16_t)port;
		}
	}
	ret = wg_conf(&keep, "syncconf", err);
	if (!ret)
		ret = add_addresses(c, err);
	if (!ret)
		ret = sync_routes(c, err);
	return ret;
}

int wgif_down(const char *ifname, char err[WGIF_ERR_LEN])
{
	if (!wgif_exists(ifname)) {
		set_err(err, "interface %s does not exist", ifname);
		return -ENODEV;
	}
	return run(err, "ip", "link", "del", ifname, NULL);
}

/* ---- wg show dump ------------------------------------------------------------ */

void wgif_state_free(struct wgif_state *st)
{
	free(st->peers);
	memset(st, 0, sizeof(*st));
}

/* Split @line at tabs into at most @max fields; returns how many. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *tab = strchr(line, '\t');

		f[n++] = line;
		if (!tab)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

int wgif_parse_dump(const char *text, struct wgif_state *st)
{
	char *copy = strdup(text), *line, *save = NULL;
	size_t cap = 0, lineno = 0;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save), lineno++) {
		char *f[9];
		size_t n = split_tabs(line, f, 9);
		uint64_t v;

		if (lineno == 0) {
			if (n != 4) {
				ret = -EINVAL;
				break;
			}
			if (strcmp(f[1], "(none)") && !key_from_base64(st->public_key, f[1]))
				ret = -EINVAL;
			if (parse_u64(f[2], &v) && v <= 65535)
				st->listen_port = (uint16_t)v;
			continue;
		}
		if (n != 8) {
			ret = -EINVAL;
			break;
		}
		if (st->n_peers == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct wgif_peer *np = realloc(st->peers, ncap * sizeof(*np));

			if (!np) {
				ret = -ENOMEM;
				break;
			}
			st->peers = np;
			cap = ncap;
		}
		{
			struct wgif_peer *p = &st->peers[st->n_peers];

			memset(p, 0, sizeof(*p));
			if (!key_from_base64(p->public_key, f[0])) {
				ret = -EINVAL;
				break;
			}
			if (strcmp(f[2], "(none)"))
				snprintf(p->endpoint, sizeof(p->endpoint), "%s", f[2]);
			if (!parse_u64(f[4], &p->latest_handshake) ||
			    !parse_u64(f[5], &p->rx_bytes) ||
			    !parse_u64(f[6], &p->tx_bytes)) {
				ret = -EINVAL;
				break;
			}
			if (parse_u64(f[7], &v) && v <= 65535)
				p->keepalive = (uint16_t)v;
			st->n_peers++;
		}
	}
	if (!ret && lineno == 0)
		ret = -EINVAL;
	sodium_memzero(copy, strlen(text));
	free(copy);
	if (ret)
		wgif_state_free(st);
	return ret;
}

int wgif_show(const char *ifname, struct wgif_state *st, char err[WGIF_ERR_LEN])
{
	const char *argv[] = { "wg", "show", ifname, "dump", NULL };
	char *out;
	int ret = wgif_run(argv, NULL, 0, &out, err);

	memset(st, 0, sizeof(*st));
	if (ret)
		return ret;
	ret = wgif_parse_dump(out, st);
	if (ret)
		set_err(err, "cannot read the output of 'wg show %s dump'", ifname);
	sodium_memzero(out, strlen(out));
	free(out);
	return ret;
}

const struct wgif_peer *wgif_state_peer(const struct wgif_state *st,
					 const uint8_t key[WGX_KEY_LEN])
{
	for (size_t i = 0; i < st->n_peers; i++)
		if (key_equal(st->peers[i].public_key, key))
			return &st->peers[i];
	return NULL;
}
