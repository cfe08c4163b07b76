/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `wgx hub` and `wgx spoke` share: reading their configuration with
 * one-line errors, a lock for read-modify-write, writing it (0600,
 * atomically), the relay's key on first use, and bringing the interface up,
 * in line and down. Messages go to stderr; each function returns 0 or 1
 * (the exit status) unless it says otherwise.
 */
#ifndef _WGX_NODE_H
#define _WGX_NODE_H

#include "cli.h"
#include "wgconf.h"

#include <stdbool.h>
#include <stdint.h>

/* How long `init` waits for the relay's key by default. */
#define NODE_FETCH_TIMEOUT_MS	10000

/* Long options that hub.c and spoke.c share (--json is 'j'); each file
 * numbers its own from NODE_OPT_OWN. */
enum {
	NODE_OPT_RELAY_KEY = 256,
	NODE_OPT_ADDRESS,
	NODE_OPT_INTERFACE,
	NODE_OPT_RELAY_ADDRESS,
	NODE_OPT_USERSPACE,
	NODE_OPT_NO_SYNC,
	NODE_OPT_OWN,
};

/* Seconds (fractions allowed, at most an hour) into milliseconds. */
bool node_parse_seconds(const char *s, unsigned int *ms);

/* The options of a command that reads the configuration: -c FILE, and
 * what its option table has of -t/--timeout, --no-sync, --userspace and
 * --json. Fill in the defaults (path, timeout_ms) before parsing. */
struct node_opts {
	const char *path;
	unsigned int timeout_ms;
	bool no_sync, userspace, json;
};

/* What a command takes beyond its option table (an option the table has
 * but @takes lacks is a usage error "no --X here"). */
#define NODE_TAKES_NO_SYNC	0x1
#define NODE_TAKES_USERSPACE	0x2
#define NODE_TAKES_JSON		0x4
#define NODE_TAKES_OPERANDS	0x8	/* else an operand is a usage error */

/* Parse argv into @o with cli_getopt(@shortopts, @longopts). 0, or 1
 * after a usage message. */
int node_parse_opts(const struct subcommand *self, int argc, char *argv[],
		    const char *shortopts, const struct option *longopts,
		    unsigned int takes, struct node_opts *o);

/* A CIDR list option (--address CIDR[,CIDR]...) added to *v / *n. false
 * after a message. */
bool node_add_cidrs(const struct subcommand *self, const char *opt,
		    const char *arg, struct cfg_cidr **v, size_t *n);

/* Load @o->path as @kind and run @fn on it. 1 when it does not load, else
 * what @fn returns. */
int node_run(const struct node_opts *o, enum wgc_kind kind,
	     int (*fn)(const struct wgc *c, const struct node_opts *o));

/* `wgx hub init` and `wgx spoke init`: the options they share, the
 * relay's IP[:PORT], the existing file (kept: its private key, and what
 * the options do not change), the relay's key. Start with
 * node_init_begin(), end with node_init_end(). */
struct node_init {
	enum wgc_kind kind;
	const char *path, *relay_key_arg, *ifname;
	struct cfg_cidr *addrs, *raddrs;	/* --address, --relay-address */
	size_t n_addrs, n_raddrs;
	unsigned int timeout_ms;
	bool userspace;
	bool replace_cidrs;	/* a repeated --address replaces, not adds */
	char host[256];		/* the relay's IP[:PORT] */
	uint16_t port;
	struct wgc_relay_init relay;	/* its key when given, its endpoint */
	int lock;
	struct cfg_doc *doc;	/* the existing file, when have_old */
	struct wgc old;
	bool have_old;
	uint8_t priv[WGX_KEY_LEN];
};

void node_init_begin(struct node_init *in, enum wgc_kind kind);
/* One option from cli_getopt: 0 when taken, 1 when it is not one of the
 * shared ones or is wrong (after a message). */
int node_init_option(const struct subcommand *self, int ch,
		     struct node_init *in);
/* The one operand, the relay's IP[:PORT], and --relay-public-key. */
int node_init_operand(const struct subcommand *self, int argc, char *argv[],
		      struct node_init *in);
/* Lock the folder and read the existing file, if any (have_old). */
int node_init_open(struct node_init *in);
/* The relay's key, asked from the relay when not given; the relay's inner
 * addresses into in->relay. */
int node_init_relay(struct node_init *in);
/* An existing file: its private key into in->priv, and in [Interface]
 * --address, --interface and --userspace when given. 0 or -ENOMEM. */
int node_init_update(struct node_init *in);
/* A new file: a new private key and @init (its kind's fields filled in)
 * with the shared fields. 0 or -ENOMEM. */
int node_init_new(struct node_init *in, struct wgc_init *init);
void node_init_end(struct node_init *in);

/* Load @path as @kind: a missing file says which init makes it. With @doc,
 * the document stays for changes. */
int node_load(const char *path, enum wgc_kind kind, struct cfg_doc **doc,
	      struct wgc *c);
/* An exclusive lock on the configuration's folder for a read-modify-write
 * (two `wgx hub add-spoke` at once must not lose a spoke). Returns the fd
 * to close, or -1 after a message. */
int node_lock(const char *path);
/* Write @doc to @path with mode 0600, atomically, making its folder (0700)
 * if needed. @doc is checked against @kind first: nothing is written that
 * would not load. */
int node_write(const struct cfg_doc *doc, const char *path, enum wgc_kind kind);

/* The relay's public key: from @given (base64, checked) or fetched from
 * HOST:PORT outside any tunnel, with the trust-on-first-use warning. */
int node_relay_key(const char *given, const char *host, uint16_t port,
		   unsigned int timeout_ms, uint8_t key[WGX_KEY_LEN]);

/* Start / apply / stop @c's interface, with one line saying what was done. */
int node_start(const struct wgc *c, bool userspace, bool forward);
int node_reload(const struct wgc *c);
int node_stop(const struct wgc *c);

/* A message that the interface of @c is not there, with the command that
 * makes it. Returns 1. */
int node_not_running(const struct wgc *c);

#endif /* _WGX_NODE_H */
