// SPDX-License-Identifier: GPL-2.0
/*
 * wgx relay ...: write the relay's configuration, start, change and stop the
 * relay in the kernel module (generic netlink family "wgx"), and show what
 * it does.
 */
#include "cli.h"
#include "cmds.h"
#include "config.h"
#include "fmt.h"
#include "json.h"
#include "key.h"
#include "nl.h"
#include "relay_conf.h"
#include "relay_nl.h"
#include "term.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uapi/linux/wgx.h>

/* Dumps interrupted by a change are started again this often. */
#define DUMP_TRIES	5

/* GET_* for @name (all relays for GET_RELAY without a name), into @out.
 * Dumps that a change interrupts are read again. Prints nothing. */
static int query(struct wgx_nl *nl, int cmd, const char *name,
		 int (*cb)(struct nl_msg *, void *), struct vec *out,
		 char extack[WGX_NL_EXTACK_LEN])
{
	bool dump = cmd != WGX_CMD_GET_RELAY || !name;
	int err = -EAGAIN;

	for (int i = 0; i < DUMP_TRIES && err == -EAGAIN; i++) {
		struct nl_msg *msg = wgx_nl_msg(nl, cmd, dump ? NLM_F_DUMP : 0);

		if (!msg)
			return -ENOMEM;
		if (name && nla_put_string(msg, WGX_A_RELAY_NAME, name) < 0) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		out->n = 0;
		out->nomem = false;
		err = wgx_nl_request(nl, msg, cb, out, extack);
	}
	if (err == -EAGAIN)
		snprintf(extack, WGX_NL_EXTACK_LEN,
			 "the relay kept changing while it was read; try again");
	if (!err && out->nomem) {
		err = -ENOMEM;
		snprintf(extack, WGX_NL_EXTACK_LEN, "out of memory");
	}
	return err;
}

/* Print a failed request about relay @name; always 1. */
static int relay_error(const char *what, const char *name, int err,
		       const char *extack)
{
	if (err == -ENOENT && name)
		return die("%s: no relay named %s is running (see 'wgx relay status')",
			   what, name);
	wgx_nl_perror(what, err, extack);
	return 1;
}

/* The relay a command is about: @given, or the only one running. Returns 0
 * with the name in @name, or 1 after printing why not. */
static int pick_relay(struct wgx_nl *nl, const char *given,
		      char name[WGX_RELAY_NAME_MAX])
{
	char extack[WGX_NL_EXTACK_LEN];
	struct vec relays = VEC(struct relay_info);
	int err, ret = 1;

	if (given) {
		if (!relay_name_valid(given))
			return die("'%s' is not a relay name (1-%d of A-Z a-z 0-9 _ - .)",
				   given, WGX_RELAY_NAME_MAX - 1);
		snprintf(name, WGX_RELAY_NAME_MAX, "%s", given);
		return 0;
	}
	err = query(nl, WGX_CMD_GET_RELAY, NULL, relay_nl_parse_relay, &relays, extack);
	if (err) {
		wgx_nl_perror("cannot list the relays", err, extack);
	} else if (relays.n == 0) {
		die("no relay is running: start one with 'wgx relay up'");
	} else if (relays.n > 1) {
		char list[256] = "";
		size_t off = 0;

		for (size_t i = 0; i < relays.n && off < sizeof(list); i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						i ? ", " : "",
						VEC_AT(&relays, struct relay_info, i)->name);
		die("%zu relays are running (%s): name one", relays.n, list);
	} else {
		memcpy(name, VEC_AT(&relays, struct relay_info, 0)->name,
		       WGX_RELAY_NAME_MAX);
		ret = 0;
	}
	vec_free(&relays);
	return ret;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* SET_RELAYs that add the keys of @l from @from on, at most
 * WGX_MAX_KEYS_PER_MSG in each. Prints the error; 0 or negative. */
static int append_keys(struct wgx_nl *nl, const char *name,
		       const struct key_list *l, size_t from)
{
	char extack[WGX_NL_EXTACK_LEN], what[96];

	while (from < l->n) {
		size_t count = min_size(l->n - from, WGX_MAX_KEYS_PER_MSG);
		struct nl_msg *msg = relay_nl_msg(nl, WGX_CMD_SET_RELAY, name, count);
		int err;

		if (!msg || relay_nl_put_keys(msg, l, from, count)) {
			relay_nl_free(msg);
			die("out of memory");
			return -ENOMEM;
		}
		err = wgx_nl_request(nl, msg, NULL, NULL, extack);
		if (err) {
			snprintf(what, sizeof(what), "cannot add allowed keys %zu-%zu to relay %s",
				 from + 1, from + count, name);
			relay_error(what, name, err, extack);
			return err;
		}
		from += count;
	}
	return 0;
}

static void describe_allowed(char *buf, size_t len, bool all, size_t n)
{
	if (all)
		snprintf(buf, len, "any key allowed");
	else if (!n)
		snprintf(buf, len, "no key allowed");
	else
		snprintf(buf, len, "%zu allowed key%s", n, fmt_plural(n));
}

/* NEW_RELAY. 0 when created, -EEXIST when a relay of that name exists
 * (nothing printed), 1 on any other error (printed). */
static int relay_create(struct wgx_nl *nl, const struct relay_conf *rc)
{
	size_t first = min_size(rc->allowed.n, WGX_MAX_KEYS_PER_MSG);
	struct nl_msg *msg = relay_nl_new(nl, rc, first);
	char extack[WGX_NL_EXTACK_LEN], what[64], allowed[48];
	char b64[WGX_KEY_B64_LEN];
	uint8_t pub[WGX_KEY_LEN];
	int err;

	if (!msg)
		return die("out of memory");
	err = wgx_nl_request(nl, msg, NULL, NULL, extack);
	if (err == -EEXIST)
		return -EEXIST;
	if (err) {
		snprintf(what, sizeof(what), "cannot create relay %s", rc->name);
		wgx_nl_perror(what, err, extack);
		return 1;
	}
	if (append_keys(nl, rc->name, &rc->allowed, first)) {
		/* Nothing half-made: take the new relay away again. */
		msg = relay_nl_msg(nl, WGX_CMD_DEL_RELAY, rc->name, 0);
		if (msg)
			wgx_nl_request(nl, msg, NULL, NULL, extack);
		return die("relay %s was not created", rc->name);
	}
	key_public_from_private(pub, rc->private_key);
	key_to_base64(b64, pub);
	describe_allowed(allowed, sizeof(allowed), rc->allow_all, rc->allowed.n);
	printf("relay %s is up: port %u, %s, public key %s\n", rc->name,
	       rc->listen_port, allowed, b64);
	return 0;
}

/* SET_RELAY for an existing relay: only what differs is sent (see
 * relay_plan_update). 0, or 1 after printing the error. */
static int relay_update(struct wgx_nl *nl, const struct relay_conf *rc)
{
	struct vec relays = VEC(struct relay_info), cur = VEC(uint8_t[WGX_KEY_LEN]);
	struct key_list current = { 0 };
	struct relay_plan plan = { 0 };
	const struct relay_info *ri;
	char extack[WGX_NL_EXTACK_LEN], what[64], changes[256] = "", allowed[48];
	struct nl_msg *msg;
	size_t first, off = 0;
	int err, ret = 1;

	snprintf(what, sizeof(what), "cannot update relay %s", rc->name);
	err = query(nl, WGX_CMD_GET_RELAY, rc->name, relay_nl_parse_relay, &relays,
		    extack);
	if (err || relays.n != 1) {
		relay_error(what, rc->name, err ? err : -ENOENT, extack);
		goto out;
	}
	ri = VEC_AT(&relays, struct relay_info, 0);
	if (relay_plan_needs_keys(ri, rc)) {
		err = query(nl, WGX_CMD_GET_ALLOWED, rc->name, relay_nl_parse_allowed,
			    &cur, extack);
		if (err) {
			relay_error(what, rc->name, err, extack);
			goto out;
		}
		for (size_t i = 0; i < cur.n; i++)
			if (key_list_add(&current, VEC_AT(&cur, uint8_t, i)))
				goto nomem;
		key_list_sort_unique(&current);
	}
	if (relay_plan_update(ri, relay_plan_needs_keys(ri, rc) ? &current : NULL,
			      rc, &plan))
		goto nomem;
	describe_allowed(allowed, sizeof(allowed), rc->allow_all, rc->allowed.n);
	if (relay_plan_empty(&plan)) {
		printf("relay %s is up to date: port %u, %s\n", rc->name,
		       rc->listen_port, allowed);
		ret = 0;
		goto out;
	}
	first = min_size(plan.keys.n, WGX_MAX_KEYS_PER_MSG);
	msg = relay_nl_set(nl, rc, &plan, first);
	if (!msg)
		goto nomem;
	err = wgx_nl_request(nl, msg, NULL, NULL, extack);
	if (err) {
		relay_error(what, rc->name, err, extack);
		goto out;
	}
	if (append_keys(nl, rc->name, &plan.keys, first)) {
		die("relay %s is only partly updated: run 'wgx relay up' again", rc->name);
		goto out;
	}
	if (plan.new_key)
		off += (size_t)snprintf(changes + off, sizeof(changes) - off,
					", new private key (its sessions restart)");
	if (plan.new_port)
		off += (size_t)snprintf(changes + off, sizeof(changes) - off,
					", port %u -> %u", ri->listen_port, rc->listen_port);
	if (plan.new_mark)
		off += (size_t)snprintf(changes + off, sizeof(changes) - off,
					", fwmark 0x%x -> 0x%x", ri->fwmark, plan.fwmark);
	if (plan.replace)
		off += (size_t)snprintf(changes + off, sizeof(changes) - off,
					", allowed keys replaced");
	else if (plan.keys.n)
		off += (size_t)snprintf(changes + off, sizeof(changes) - off,
					", %zu allowed key%s added", plan.keys.n,
					fmt_plural(plan.keys.n));
	printf("relay %s updated%s; now port %u, %s\n", rc->name, changes,
	       rc->listen_port, allowed);
	ret = 0;
	goto out;
nomem:
	die("out of memory");
out:
	relay_plan_free(&plan);
	key_list_free(&current);
	vec_free(&cur);
	vec_free(&relays);
	return ret;
}

/* ---- options shared by the subcommands ---------------------------------- */

static const struct option config_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* A relay.conf that could not be read, for `wgx relay up`. */
static int conf_missing(const char *path)
{
	if (strcmp(path, RELAY_CONF_DEFAULT))
		return die("%s does not exist: create it with 'wgx relay init -c %s'",
			   path, path);
	return die("%s does not exist: create it with 'wgx relay init'", path);
}

/* ---- init --------------------------------------------------------------- */

static int relay_init(const struct subcommand *self, int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "allow", required_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = RELAY_CONF_DEFAULT, *allow = NULL;
	uint16_t port = WGX_DEFAULT_PORT;
	char err[CFG_ERR_LEN], why[CFG_ERR_LEN], b64[WGX_KEY_B64_LEN];
	uint8_t priv[WGX_KEY_LEN], pub[WGX_KEY_LEN];
	struct cfg_doc *doc;
	bool force = false;
	struct stat st;
	int ch, ret;

	while ((ch = cli_getopt(self, argc, argv, "c:p:a:f", opts)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'p':
			if (!cfg_parse_port(optarg, &port))
				return cli_usage(self, "'%s' is not a port (1-65535)", optarg);
			break;
		case 'a':
			if (!relay_check_allowed(optarg, why, sizeof(why)))
				return cli_usage(self, "--allow: %s", why);
			allow = optarg;
			break;
		case 'f':
			force = true;
			break;
		default:
			return 1;
		}
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument '%s'", argv[optind]);
	if (!force && lstat(path, &st) == 0)
		return die("%s already exists: use --force to replace it (the relay gets a new private key)",
			   path);
	if (cfg_mkdir_parents(path, 0700, err))
		return die("%s", err);
	key_generate_private(priv);
	key_public_from_private(pub, priv);
	doc = relay_conf_new_doc(path, priv, port, allow);
	sodium_memzero(priv, sizeof(priv));
	if (!doc)
		return die("out of memory");
	ret = cfg_write(doc, path, 0600, force ? 0 : CFG_WRITE_NOREPLACE, err);
	cfg_free(doc);
	if (ret == -EEXIST)
		return die("%s already exists: use --force to replace it (the relay gets a new private key)",
			   path);
	if (ret)
		return die("%s", err);
	key_to_base64(b64, pub);
	printf("wrote %s\npublic key: %s\n", path, b64);
	if (!allow)
		fprintf(stderr, "next: list the hub's and spokes' public keys in AllowedPublicKeys (or \"all\"), then run 'wgx relay up%s%s'\n",
			strcmp(path, RELAY_CONF_DEFAULT) ? " -c " : "",
			strcmp(path, RELAY_CONF_DEFAULT) ? path : "");
	return 0;
}

/* ---- up, down ----------------------------------------------------------- */

static int relay_up(const struct subcommand *self, int argc, char *argv[])
{
	const char *path = RELAY_CONF_DEFAULT;
	char err[CFG_ERR_LEN];
	struct relay_conf rc;
	struct wgx_nl nl;
	int ch, ret;

	while ((ch = cli_getopt(self, argc, argv, "c:", config_opts)) != -1) {
		if (ch != 'c')
			return ch == 'j' ? cli_usage(self, "no --json here") : 1;
		path = optarg;
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument '%s'", argv[optind]);
	ret = relay_conf_load(path, &rc, err);
	if (ret == -ENOENT)
		return conf_missing(path);
	if (ret)
		return die("%s", err);
	if (!rc.allow_all && !rc.allowed.n)
		fprintf(stderr, "%s: warning: %s allows no public key: the relay will admit no peer (set AllowedPublicKeys)\n",
			prog_name, path);
	if (rc.allowed_duplicates)
		fprintf(stderr, "%s: note: %zu repeated key%s in AllowedPublicKeys counted once\n",
			prog_name, rc.allowed_duplicates, fmt_plural(rc.allowed_duplicates));
	if (wgx_nl_open(&nl, false)) {
		relay_conf_free(&rc);
		return 1;
	}
	ret = relay_create(&nl, &rc);
	if (ret == -EEXIST)
		ret = relay_update(&nl, &rc);
	wgx_nl_close(&nl);
	relay_conf_free(&rc);
	return ret ? 1 : 0;
}

static int relay_down(const struct subcommand *self, int argc, char *argv[])
{
	const char *path = NULL, *given = NULL;
	char err[CFG_ERR_LEN], extack[WGX_NL_EXTACK_LEN], name[WGX_RELAY_NAME_MAX];
	char conf_name[WGX_RELAY_NAME_MAX];
	struct relay_conf rc;
	struct nl_msg *msg;
	struct wgx_nl nl;
	int ch, ret;

	while ((ch = cli_getopt(self, argc, argv, "c:", config_opts)) != -1) {
		if (ch != 'c')
			return ch == 'j' ? cli_usage(self, "no --json here") : 1;
		path = optarg;
	}
	if (argc - optind > 1)
		return cli_usage(self, "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc)
		given = argv[optind];
	if (given && path)
		return cli_usage(self, "give either NAME or -c FILE, not both");
	/* Without either, the relay of the default file, or the only one. */
	if (!given) {
		ret = relay_conf_load(path ? path : RELAY_CONF_DEFAULT, &rc, err);
		if (!ret) {
			snprintf(conf_name, sizeof(conf_name), "%s", rc.name);
			given = conf_name;
			relay_conf_free(&rc);
		} else if (path || ret != -ENOENT) {
			return die("%s", err);
		}
	}
	if (wgx_nl_open(&nl, false))
		return 1;
	ret = pick_relay(&nl, given, name);
	if (!ret) {
		msg = relay_nl_msg(&nl, WGX_CMD_DEL_RELAY, name, 0);
		if (!msg) {
			ret = die("out of memory");
		} else {
			ret = wgx_nl_request(&nl, msg, NULL, NULL, extack);
			if (ret)
				ret = relay_error("cannot remove the relay", name, ret, extack);
			else
				printf("relay %s removed\n", name);
		}
	}
	wgx_nl_close(&nl);
	return ret ? 1 : 0;
}

/* ---- status ------------------------------------------------------------- */

static const struct {
	const char *json, *human;
} stat_names[__WGX_STAT_COUNT] = {
	[WGX_STAT_RX_PACKETS]		  = { "rx_packets", "received packets" },
	[WGX_STAT_RX_BYTES]		  = { "rx_bytes", "received bytes" },
	[WGX_STAT_FWD_PACKETS]		  = { "fwd_packets", "forwarded packets" },
	[WGX_STAT_FWD_BYTES]		  = { "fwd_bytes", "forwarded bytes" },
	[WGX_STAT_FWD_HANDSHAKES]	  = { "fwd_handshakes", "forwarded handshakes" },
	[WGX_STAT_OWN_HANDSHAKES]	  = { "own_handshakes", "handshakes with the relay" },
	[WGX_STAT_OWN_DATA]		  = { "own_data", "data packets to the relay" },
	[WGX_STAT_OWN_CONTROL]		  = { "own_control", "control requests" },
	[WGX_STAT_COOKIES_SENT]		  = { "cookies_sent", "cookies sent" },
	[WGX_STAT_DROP_MALFORMED]	  = { "drop_malformed", "malformed" },
	[WGX_STAT_DROP_UNKNOWN_ENDPOINT]  = { "drop_unknown_endpoint", "unknown endpoint" },
	[WGX_STAT_DROP_UNKNOWN_KEY]	  = { "drop_unknown_key", "key not allowed" },
	[WGX_STAT_DROP_NO_ROUTE]	  = { "drop_no_route", "no route" },
	[WGX_STAT_DROP_BAD_MAC]		  = { "drop_bad_mac", "bad mac or authentication" },
	[WGX_STAT_DROP_UNKNOWN_INDEX]	  = { "drop_unknown_index", "unknown index" },
	[WGX_STAT_DROP_RATELIMITED]	  = { "drop_ratelimited", "rate-limited" },
	[WGX_STAT_DROP_REPLAY]		  = { "drop_replay", "replayed" },
	[WGX_STAT_DROP_OFFLINE]		  = { "drop_offline", "destination offline" },
	[WGX_STAT_DROP_TX_ERROR]	  = { "drop_tx_error", "send error" },
};

static bool stat_is_drop(unsigned int i)
{
	return i >= WGX_STAT_DROP_MALFORMED && i <= WGX_STAT_DROP_TX_ERROR;
}

static void print_relay_header(const char *name)
{
	printf("%s%srelay%s: %s%s%s\n", term_bold(), term_green(), term_reset(),
	       term_green(), name, term_reset());
}

static void print_relay_human(const struct relay_info *r)
{
	char b64[WGX_KEY_B64_LEN], b1[64];
	uint64_t dropped = 0;
	const uint64_t *s = r->stats;

	print_relay_header(r->name);
	if (r->has_public_key) {
		key_to_base64(b64, r->public_key);
		term_field("public key", "%s", b64);
	}
	term_field("listening port", "%u", r->listen_port);
	if (r->fwmark)
		term_field("fwmark", "0x%x", r->fwmark);
	if (r->flags & WGX_RELAY_F_ALLOW_ALL)
		term_field("allowed keys", "all");
	else
		term_field("allowed keys", "%u", r->allowed);
	term_field("peers", "%u", r->peers);
	term_field("routes", "%u", r->routes);
	term_field("sessions", "%u", r->sessions);
	term_field("memory", "%u peer entries, %u relayed indices, %u own keypairs, %u rate-limiter entries",
		   r->peer_entries, r->indices, r->keypairs, r->limiter);
	fmt_bytes(b1, sizeof(b1), s[WGX_STAT_RX_BYTES], term_on());
	term_field("received", "%llu packet%s, %s",
		   (unsigned long long)s[WGX_STAT_RX_PACKETS],
		   fmt_plural(s[WGX_STAT_RX_PACKETS]), b1);
	fmt_bytes(b1, sizeof(b1), s[WGX_STAT_FWD_BYTES], term_on());
	term_field("forwarded", "%llu packet%s, %s, %llu handshake message%s",
		   (unsigned long long)s[WGX_STAT_FWD_PACKETS],
		   fmt_plural(s[WGX_STAT_FWD_PACKETS]), b1,
		   (unsigned long long)s[WGX_STAT_FWD_HANDSHAKES],
		   fmt_plural(s[WGX_STAT_FWD_HANDSHAKES]));
	term_field("own", "%llu handshake%s, %llu data packet%s, %llu control request%s",
		   (unsigned long long)s[WGX_STAT_OWN_HANDSHAKES],
		   fmt_plural(s[WGX_STAT_OWN_HANDSHAKES]),
		   (unsigned long long)s[WGX_STAT_OWN_DATA],
		   fmt_plural(s[WGX_STAT_OWN_DATA]),
		   (unsigned long long)s[WGX_STAT_OWN_CONTROL],
		   fmt_plural(s[WGX_STAT_OWN_CONTROL]));
	term_field("cookies sent", "%llu",
		   (unsigned long long)s[WGX_STAT_COOKIES_SENT]);
	for (unsigned int i = 0; i < __WGX_STAT_COUNT; i++)
		if (stat_is_drop(i))
			dropped += s[i];
	term_field("dropped", "%llu packet%s", (unsigned long long)dropped,
		   fmt_plural(dropped));
	for (unsigned int i = 0; i < __WGX_STAT_COUNT; i++)
		if (stat_is_drop(i) && s[i])
			printf("    %s: %s%llu%s\n", stat_names[i].human, term_red(),
			       (unsigned long long)s[i], term_reset());
	/* Counters of a newer module. */
	for (unsigned int i = __WGX_STAT_COUNT; i < r->n_stats; i++)
		term_field("counter", "%u: %llu", i, (unsigned long long)s[i]);
}

static void print_relay_json(struct json *j, const struct relay_info *r)
{
	char b64[WGX_KEY_B64_LEN], name[32];

	json_object_begin(j, NULL);
	json_string(j, "name", r->name);
	if (r->has_public_key) {
		key_to_base64(b64, r->public_key);
		json_string(j, "public_key", b64);
	} else {
		json_null(j, "public_key");
	}
	json_u64(j, "listen_port", r->listen_port);
	json_u64(j, "fwmark", r->fwmark);
	json_bool(j, "allow_all", r->flags & WGX_RELAY_F_ALLOW_ALL);
	json_u64(j, "allowed_keys", r->allowed);
	json_u64(j, "peers", r->peers);
	json_u64(j, "routes", r->routes);
	json_u64(j, "sessions", r->sessions);
	json_u64(j, "peer_entries", r->peer_entries);
	json_u64(j, "indices", r->indices);
	json_u64(j, "keypairs", r->keypairs);
	json_u64(j, "limiter_entries", r->limiter);
	json_object_begin(j, "stats");
	for (unsigned int i = 0; i < __WGX_STAT_COUNT || i < r->n_stats; i++) {
		if (i < __WGX_STAT_COUNT) {
			json_u64(j, stat_names[i].json, r->stats[i]);
		} else {
			snprintf(name, sizeof(name), "stat_%u", i);
			json_u64(j, name, r->stats[i]);
		}
	}
	json_object_end(j);
	json_object_end(j);
}

/* [NAME] [--json] */
static int parse_name_json(const struct subcommand *self, int argc, char *argv[],
			   const char **name, bool *json)
{
	int ch;

	*name = NULL;
	*json = false;
	while ((ch = cli_getopt(self, argc, argv, "", config_opts)) != -1) {
		if (ch != 'j')
			return ch == 'c' ? cli_usage(self, "no -c here: give the relay's NAME") : 1;
		*json = true;
	}
	if (argc - optind > 1)
		return cli_usage(self, "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc)
		*name = argv[optind];
	if (*name && !relay_name_valid(*name))
		return die("'%s' is not a relay name", *name);
	return 0;
}

static int relay_status(const struct subcommand *self, int argc, char *argv[])
{
	struct vec relays = VEC(struct relay_info);
	char extack[WGX_NL_EXTACK_LEN];
	const char *name;
	struct wgx_nl nl;
	bool json;
	int err;

	if (parse_name_json(self, argc, argv, &name, &json))
		return 1;
	if (wgx_nl_open(&nl, false))
		return 1;
	err = query(&nl, WGX_CMD_GET_RELAY, name, relay_nl_parse_relay, &relays, extack);
	wgx_nl_close(&nl);
	if (err) {
		vec_free(&relays);
		return relay_error("cannot read the relays", name, err, extack);
	}
	if (json) {
		struct json j;

		json_init(&j, stdout);
		if (!name)
			json_array_begin(&j, NULL);
		for (size_t i = 0; i < relays.n; i++)
			print_relay_json(&j, VEC_AT(&relays, struct relay_info, i));
		if (!name)
			json_array_end(&j);
		else if (!relays.n)
			json_null(&j, NULL);
		json_finish(&j);
	} else {
		if (!relays.n)
			printf("no relay is running (start one with 'wgx relay up')\n");
		for (size_t i = 0; i < relays.n; i++) {
			if (i)
				putchar('\n');
			print_relay_human(VEC_AT(&relays, struct relay_info, i));
		}
	}
	vec_free(&relays);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}

/* ---- peers, routes, sessions -------------------------------------------- */

static int cmp_peer(const void *a, const void *b)
{
	const struct peer_info *x = a, *y = b;
	bool xo = x->flags & WGX_PEER_F_ONLINE, yo = y->flags & WGX_PEER_F_ONLINE;

	if (xo != yo)
		return xo ? -1 : 1;
	if (x->last_handshake != y->last_handshake)
		return x->last_handshake > y->last_handshake ? -1 : 1;
	return memcmp(x->key, y->key, WGX_KEY_LEN);
}

static int cmp_route(const void *a, const void *b)
{
	const struct route_info *x = a, *y = b;
	int d = memcmp(x->hub, y->hub, WGX_KEY_LEN);

	return d ? d : memcmp(x->spoke, y->spoke, WGX_KEY_LEN);
}

static int cmp_session(const void *a, const void *b)
{
	const struct session_info *x = a, *y = b;

	if (x->last_handshake != y->last_handshake)
		return x->last_handshake > y->last_handshake ? -1 : 1;
	return cmp_route(a, b);	/* hub and spoke lead both structs */
}

static void peer_role(char *buf, size_t len, uint32_t flags)
{
	snprintf(buf, len, "%s%s%s",
		 flags & WGX_PEER_F_HUB ? "hub" : "",
		 (flags & WGX_PEER_F_HUB) && (flags & WGX_PEER_F_SPOKE) ? ", " : "",
		 flags & WGX_PEER_F_SPOKE ? "spoke" : "");
	if (!buf[0])
		snprintf(buf, len, "none (no routes)");
}

static void print_peers(const struct vec *v, time_t now)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct peer_info *p = VEC_AT(v, struct peer_info, i);
		char b64[WGX_KEY_B64_LEN], t[160], rx[48], tx[48], role[32];
		bool online = p->flags & WGX_PEER_F_ONLINE;

		key_to_base64(b64, p->key);
		printf("\n%s%speer%s: %s%s%s\n", term_bold(), term_yellow(), term_reset(),
		       term_yellow(), b64, term_reset());
		term_field("status", "%s%s%s", online ? term_green() : term_red(),
			   online ? "online" : "offline", term_reset());
		peer_role(role, sizeof(role), p->flags);
		term_field("role", "%s", role);
		if (p->endpoint[0])
			term_field("endpoint", "%s", p->endpoint);
		if (p->last_handshake) {
			fmt_ago(t, sizeof(t), p->last_handshake, now, term_on());
			term_field("latest handshake", "%s", t);
		}
		fmt_bytes(rx, sizeof(rx), p->rx, term_on());
		fmt_bytes(tx, sizeof(tx), p->tx, term_on());
		term_field("transfer", "%s received, %s sent", rx, tx);
		if (p->dropped)
			term_field("dropped", "%llu packet%s",
				   (unsigned long long)p->dropped, fmt_plural(p->dropped));
	}
}

static void json_time(struct json *j, const char *key, uint64_t ns)
{
	json_u64(j, key, ns / 1000000000ULL);
}

static void json_key(struct json *j, const char *name, const uint8_t key[WGX_KEY_LEN])
{
	char b64[WGX_KEY_B64_LEN];

	key_to_base64(b64, key);
	json_string(j, name, b64);
}

static void json_peers(struct json *j, const struct vec *v)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct peer_info *p = VEC_AT(v, struct peer_info, i);

		json_object_begin(j, NULL);
		json_key(j, "public_key", p->key);
		if (p->endpoint[0])
			json_string(j, "endpoint", p->endpoint);
		else
			json_null(j, "endpoint");
		json_time(j, "latest_handshake", p->last_handshake);
		json_u64(j, "rx_bytes", p->rx);
		json_u64(j, "tx_bytes", p->tx);
		json_u64(j, "dropped", p->dropped);
		json_bool(j, "online", p->flags & WGX_PEER_F_ONLINE);
		json_bool(j, "hub", p->flags & WGX_PEER_F_HUB);
		json_bool(j, "spoke", p->flags & WGX_PEER_F_SPOKE);
		json_object_end(j);
	}
}

static void print_routes(const struct vec *v, time_t now)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct route_info *r = VEC_AT(v, struct route_info, i);
		char b64[WGX_KEY_B64_LEN];

		if (!i || memcmp(r->hub, VEC_AT(v, struct route_info, i - 1)->hub,
				 WGX_KEY_LEN)) {
			key_to_base64(b64, r->hub);
			printf("\n%s%shub%s: %s%s%s\n", term_bold(), term_yellow(), term_reset(),
			       term_yellow(), b64, term_reset());
		}
		key_to_base64(b64, r->spoke);
		term_field("spoke", "%s", b64);
	}
}

static void json_routes(struct json *j, const struct vec *v)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct route_info *r = VEC_AT(v, struct route_info, i);

		json_object_begin(j, NULL);
		json_key(j, "hub", r->hub);
		json_key(j, "spoke", r->spoke);
		json_object_end(j);
	}
}

static void print_sessions(const struct vec *v, time_t now)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct session_info *s = VEC_AT(v, struct session_info, i);
		char b64[WGX_KEY_B64_LEN], t[160], h2s[48], s2h[48];

		key_to_base64(b64, s->hub);
		printf("\n%s%shub%s: %s%s%s\n", term_bold(), term_yellow(), term_reset(),
		       term_yellow(), b64, term_reset());
		key_to_base64(b64, s->spoke);
		term_field("spoke", "%s", b64);
		term_field("active", "%s%s%s (%u live %s)",
			   s->active ? term_green() : "", s->active ? "yes" : "no",
			   s->active ? term_reset() : "", s->active,
			   s->active == 1 ? "index" : "indices");
		if (s->last_handshake) {
			fmt_ago(t, sizeof(t), s->last_handshake, now, term_on());
			term_field("latest handshake", "%s", t);
		}
		fmt_bytes(h2s, sizeof(h2s), s->h2s_bytes, term_on());
		fmt_bytes(s2h, sizeof(s2h), s->s2h_bytes, term_on());
		term_field("transfer", "%s hub to spoke, %s spoke to hub", h2s, s2h);
		term_field("packets", "%llu hub to spoke, %llu spoke to hub",
			   (unsigned long long)s->h2s_packets,
			   (unsigned long long)s->s2h_packets);
	}
}

static void json_sessions(struct json *j, const struct vec *v)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct session_info *s = VEC_AT(v, struct session_info, i);

		json_object_begin(j, NULL);
		json_key(j, "hub", s->hub);
		json_key(j, "spoke", s->spoke);
		json_time(j, "latest_handshake", s->last_handshake);
		json_u64(j, "hub_to_spoke_bytes", s->h2s_bytes);
		json_u64(j, "spoke_to_hub_bytes", s->s2h_bytes);
		json_u64(j, "hub_to_spoke_packets", s->h2s_packets);
		json_u64(j, "spoke_to_hub_packets", s->s2h_packets);
		json_u64(j, "active", s->active);
		json_object_end(j);
	}
}

struct listing {
	int cmd;
	const char *what;	/* "peers": the JSON member and the message */
	size_t size;
	int (*parse)(struct nl_msg *, void *);
	int (*cmp)(const void *, const void *);
	void (*human)(const struct vec *, time_t);
	void (*json)(struct json *, const struct vec *);
};

static int relay_list(const struct subcommand *self, int argc, char *argv[],
		      const struct listing *l)
{
	char extack[WGX_NL_EXTACK_LEN], name[WGX_RELAY_NAME_MAX], what[64];
	struct vec items = { .size = l->size };
	const char *given;
	struct wgx_nl nl;
	bool json;
	int err;

	if (parse_name_json(self, argc, argv, &given, &json))
		return 1;
	if (wgx_nl_open(&nl, false))
		return 1;
	if (pick_relay(&nl, given, name)) {
		wgx_nl_close(&nl);
		return 1;
	}
	err = query(&nl, l->cmd, name, l->parse, &items, extack);
	wgx_nl_close(&nl);
	if (err) {
		vec_free(&items);
		snprintf(what, sizeof(what), "cannot read the %s", l->what);
		return relay_error(what, name, err, extack);
	}
	if (items.n)
		qsort(items.v, items.n, items.size, l->cmp);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "relay", name);
		json_array_begin(&j, l->what);
		l->json(&j, &items);
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		print_relay_header(name);
		if (!items.n)
			printf("  (no %s)\n", l->what);
		l->human(&items, time(NULL));
	}
	vec_free(&items);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}

static int relay_peers(const struct subcommand *self, int argc, char *argv[])
{
	static const struct listing l = {
		WGX_CMD_GET_PEERS, "peers", sizeof(struct peer_info),
		relay_nl_parse_peer, cmp_peer, print_peers, json_peers
	};

	return relay_list(self, argc, argv, &l);
}

static int relay_routes(const struct subcommand *self, int argc, char *argv[])
{
	static const struct listing l = {
		WGX_CMD_GET_ROUTES, "routes", sizeof(struct route_info),
		relay_nl_parse_route, cmp_route, print_routes, json_routes
	};

	return relay_list(self, argc, argv, &l);
}

static int relay_sessions(const struct subcommand *self, int argc, char *argv[])
{
	static const struct listing l = {
		WGX_CMD_GET_SESSIONS, "sessions", sizeof(struct session_info),
		relay_nl_parse_session, cmp_session, print_sessions, json_sessions
	};

	return relay_list(self, argc, argv, &l);
}

/* ---- public-key, export ------------------------------------------------- */

/* Who the relay is: the running one of the file's name if there is one,
 * else what the file says. */
struct identity {
	char name[WGX_RELAY_NAME_MAX];
	uint8_t public_key[WGX_KEY_LEN];
	uint16_t port;
	bool have_conf;
	struct relay_conf rc;
};

static int identify(const char *path, struct identity *id)
{
	struct vec relays = VEC(struct relay_info);
	char err[CFG_ERR_LEN], extack[WGX_NL_EXTACK_LEN];
	uint8_t conf_pub[WGX_KEY_LEN];
	bool running = false;
	struct wgx_nl nl;
	int ret;

	memset(id, 0, sizeof(*id));
	ret = relay_conf_load(path, &id->rc, err);
	if (!ret)
		id->have_conf = true;
	else if (ret != -ENOENT && ret != -EACCES && ret != -EPERM)
		return die("%s", err);
	snprintf(id->name, sizeof(id->name), "%s",
		 id->have_conf ? id->rc.name : RELAY_DEFAULT_NAME);
	if (wgx_nl_open(&nl, true) == 0) {
		if (query(&nl, WGX_CMD_GET_RELAY, id->name, relay_nl_parse_relay, &relays,
			  extack) == 0 && relays.n == 1 &&
		    VEC_AT(&relays, struct relay_info, 0)->has_public_key) {
			const struct relay_info *ri = VEC_AT(&relays, struct relay_info, 0);

			running = true;
			memcpy(id->public_key, ri->public_key, WGX_KEY_LEN);
			id->port = ri->listen_port;
		}
		wgx_nl_close(&nl);
	}
	vec_free(&relays);
	if (!running && !id->have_conf)
		return die("%s, and no relay named %s is running: create one with 'wgx relay init' and 'wgx relay up'",
			   err, id->name);
	if (id->have_conf && !key_public_from_private(conf_pub, id->rc.private_key)) {
		relay_conf_free(&id->rc);
		return die("%s: the private key gives no public key: make a new one with 'wgx genkey'",
			   path);
	}
	if (!running) {
		memcpy(id->public_key, conf_pub, WGX_KEY_LEN);
		id->port = id->rc.listen_port;
	} else if (id->have_conf && !key_equal(conf_pub, id->public_key)) {
		fprintf(stderr, "%s: warning: relay %s runs with another key than %s has; this is the running relay's (apply the file with 'wgx relay up')\n",
			prog_name, id->name, path);
	}
	return 0;
}

static int relay_public_key(const struct subcommand *self, int argc, char *argv[])
{
	const char *path = RELAY_CONF_DEFAULT;
	char b64[WGX_KEY_B64_LEN];
	struct identity id;
	int ch;

	while ((ch = cli_getopt(self, argc, argv, "c:", config_opts)) != -1) {
		if (ch != 'c')
			return ch == 'j' ? cli_usage(self, "no --json here") : 1;
		path = optarg;
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument '%s'", argv[optind]);
	if (identify(path, &id))
		return 1;
	key_to_base64(b64, id.public_key);
	puts(b64);
	if (id.have_conf)
		relay_conf_free(&id.rc);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}

struct host_addr {
	char ifname[IF_NAMESIZE];
	int family;
	uint8_t addr[16];
};

/* The global addresses of the host's interfaces that are up, IPv4 first. */
static int host_addresses(struct vec *out)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (int pass = 0; pass < 2; pass++) {
		int family = pass ? AF_INET6 : AF_INET;

		for (i = ifa; i; i = i->ifa_next) {
			struct host_addr *h;
			const void *a;
			bool dup = false;

			if (!i->ifa_addr || i->ifa_addr->sa_family != family ||
			    !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
				continue;
			a = family == AF_INET ?
				(const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr :
				(const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			if (!addr_is_global(family, a))
				continue;
			for (size_t k = 0; k < out->n && !dup; k++) {
				h = VEC_AT(out, struct host_addr, k);
				dup = h->family == family &&
				      !memcmp(h->addr, a, family == AF_INET ? 4 : 16);
			}
			if (dup)
				continue;
			h = vec_push(out);
			if (!h)
				break;
			h->family = family;
			memcpy(h->addr, a, family == AF_INET ? 4 : 16);
			snprintf(h->ifname, sizeof(h->ifname), "%s", i->ifa_name);
		}
	}
	freeifaddrs(ifa);
	return out->nomem ? -ENOMEM : 0;
}

static int relay_export(const struct subcommand *self, int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "relay-address", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = RELAY_CONF_DEFAULT, *address = NULL;
	struct vec given = VEC(struct relay_endpoint), found = VEC(struct host_addr);
	const struct relay_endpoint *eps;
	char (*text)[FMT_ENDPOINT_LEN + 200] = NULL;
	const char **lines = NULL;
	struct cfg_addr relay_addr;
	struct identity id;
	size_t n = 0;
	int ch, ret = 1;

	while ((ch = cli_getopt(self, argc, argv, "c:e:", opts)) != -1) {
		struct relay_endpoint *e;

		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'e':
			e = vec_push(&given);
			if (!e) {
				vec_free(&given);
				return die("out of memory");
			}
			if (!relay_parse_endpoint(optarg, e)) {
				vec_free(&given);
				return cli_usage(self, "--endpoint: '%s' is not HOST[:PORT] (IPv6 as [ADDRESS]:PORT)",
						 optarg);
			}
			break;
		case 'a':
			address = optarg;
			break;
		default:
			vec_free(&given);
			return 1;
		}
	}
	if (optind != argc) {
		vec_free(&given);
		return cli_usage(self, "unexpected argument '%s'", argv[optind]);
	}
	if (address && !cfg_parse_addr(address, &relay_addr)) {
		vec_free(&given);
		return cli_usage(self, "--relay-address: '%s' is not an IPv4 or IPv6 address",
				 address);
	}
	if (identify(path, &id)) {
		vec_free(&given);
		return 1;
	}
	if (!address) {
		if (id.have_conf && id.rc.has_address)
			relay_addr = id.rc.address;
		else
			cfg_parse_addr(RELAY_DEFAULT_ADDRESS, &relay_addr);
	}
	if (given.n) {
		eps = (const struct relay_endpoint *)given.v;
		n = given.n;
	} else if (id.have_conf && id.rc.n_endpoints) {
		eps = id.rc.endpoints;
		n = id.rc.n_endpoints;
	} else {
		eps = NULL;
		ret = host_addresses(&found);
		if (ret) {
			die("cannot list the host's addresses: %s", strerror(-ret));
			ret = 1;
			goto out;
		}
		ret = 1;
		if (!found.n) {
			die("no public address on this host's interfaces: give --endpoint HOST[:PORT], or set Endpoint in %s (behind NAT, the public address that forwards UDP port %u here)",
			    path, id.port);
			goto out;
		}
		n = found.n;
	}
	text = calloc(n, sizeof(*text));
	lines = calloc(n, sizeof(*lines));
	if (!text || !lines) {
		die("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (eps) {
			fmt_host_port(text[i], sizeof(text[i]), eps[i].host,
				      eps[i].port ? eps[i].port : id.port);
		} else {
			const struct host_addr *h = VEC_AT(&found, struct host_addr, i);

			fmt_addr_port(text[i], sizeof(text[i]), h->family, h->addr, id.port);
		}
		lines[i] = text[i];
	}
	if (!eps) {
		/* Say which address was picked, and from where. */
		fprintf(stderr, "%s: no Endpoint configured: using %s (%s)",
			prog_name, text[0], VEC_AT(&found, struct host_addr, 0)->ifname);
		for (size_t i = 1; i < n; i++)
			fprintf(stderr, "%s%s (%s)", i == 1 ? "; also found " : ", ",
				text[i], VEC_AT(&found, struct host_addr, i)->ifname);
		fprintf(stderr, "\n");
	}
	relay_export_print(stdout, id.public_key, lines, n, &relay_addr);
	ret = fflush(stdout) ? die("cannot write the output: %m") : 0;
out:
	free(text);
	free(lines);
	vec_free(&found);
	vec_free(&given);
	if (id.have_conf)
		relay_conf_free(&id.rc);
	return ret;
}

/* ---- the table ---------------------------------------------------------- */

#define CONFIG_OPTION \
	"       -c, --config FILE\n" \
	"              The relay's configuration file (default " RELAY_CONF_DEFAULT ").\n\n"

static struct subcommand subcommands[] = {
	{ "init", relay_init, "Write a new relay.conf with a fresh private key",
	  "[-c FILE] [--port N] [--allow all|KEY,...] [--force]",
	  "DESCRIPTION\n"
	  "       Writes a new configuration file with a [Relay] section: a new private\n"
	  "       key, the listen port and the allowed public keys. The file is written\n"
	  "       atomically with mode 0600; a missing directory is created with mode\n"
	  "       0700. An existing file is never replaced without --force. Prints the\n"
	  "       file's name and the relay's public key.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       -p, --port N\n"
	  "              UDP port the relay listens on (default 8787).\n\n"
	  "       -a, --allow all|KEY,...\n"
	  "              Public keys (base64) of the hubs and spokes that may use the\n"
	  "              relay, or \"all\" to admit any key. Without it the file allows\n"
	  "              none: edit AllowedPublicKeys before 'wgx relay up'.\n\n"
	  "       -f, --force\n"
	  "              Replace an existing file (the relay gets a new key).\n", NULL },
	{ "up", relay_up, "Create the relay from relay.conf, or apply its changes",
	  "[-c FILE]",
	  "DESCRIPTION\n"
	  "       Reads the configuration file and creates the relay in the kernel\n"
	  "       module; if a relay of that Name already runs, applies what differs:\n"
	  "       private key, port, fwmark and allowed keys. Keys only added to\n"
	  "       AllowedPublicKeys are appended; a removed key or a change to or from\n"
	  "       \"all\" replaces the whole set. Needs CAP_NET_ADMIN.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION, NULL },
	{ "down", relay_down, "Remove the relay from the kernel",
	  "[NAME | -c FILE]",
	  "DESCRIPTION\n"
	  "       Removes the relay NAME, or the one named in FILE. Without either, the\n"
	  "       relay named in " RELAY_CONF_DEFAULT " if that file exists, else the only\n"
	  "       running relay. Its peers, routes and sessions go with it.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION, NULL },
	{ "status", relay_status, "Show the relays, their counts and counters",
	  "[NAME] [--json]",
	  "DESCRIPTION\n"
	  "       Shows every relay in this network namespace, or NAME: public key,\n"
	  "       listen port, allowed keys (a count, or \"all\"), peers, routes,\n"
	  "       sessions and the counters: received, forwarded, the relay's own\n"
	  "       traffic, cookies, and the dropped packets by reason.\n\n"
	  "OPTIONS\n"
	  "       --json\n"
	  "              Print JSON instead: an array of relays, or one object for\n"
	  "              NAME, with the counters under \"stats\".\n", NULL },
	{ "peers", relay_peers, "Show the peers that completed a handshake",
	  "[NAME] [--json]",
	  "DESCRIPTION\n"
	  "       Shows the hubs and spokes that have a session with the relay: role,\n"
	  "       endpoint, latest handshake, bytes received from and sent to each,\n"
	  "       dropped packets. NAME may be left out when one relay runs.\n\n"
	  "OPTIONS\n"
	  "       --json\n"
	  "              Print JSON: {\"relay\": NAME, \"peers\": [...]}, keys in base64,\n"
	  "              times in seconds since the epoch (0 = never).\n", NULL },
	{ "routes", relay_routes, "Show the (hub, spoke) routes the hubs declared",
	  "[NAME] [--json]",
	  "DESCRIPTION\n"
	  "       Shows, for each hub, the spokes it declared with 'wgx hub set-peers'.\n\n"
	  "OPTIONS\n"
	  "       --json\n"
	  "              Print JSON: {\"relay\": NAME, \"routes\": [{\"hub\", \"spoke\"}...]}.\n", NULL },
	{ "sessions", relay_sessions, "Show the relayed hub-spoke sessions",
	  "[NAME] [--json]",
	  "DESCRIPTION\n"
	  "       Shows each route that has carried a handshake: whether it is active,\n"
	  "       its latest handshake, bytes and packets in each direction.\n\n"
	  "OPTIONS\n"
	  "       --json\n"
	  "              Print JSON: {\"relay\": NAME, \"sessions\": [...]}.\n", NULL },
	{ "public-key", relay_public_key, "Print the relay's public key",
	  "[-c FILE]",
	  "DESCRIPTION\n"
	  "       Prints the public key of the running relay named in FILE (or wgx0),\n"
	  "       or, when it does not run, the key computed from FILE's PrivateKey.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION, NULL },
	{ "export", relay_export, "Print the [Peer] section for hubs and spokes",
	  "[-c FILE] [--endpoint HOST[:PORT]]... [--relay-address IP]",
	  "DESCRIPTION\n"
	  "       Prints the [Peer] section that adds the relay to a hub's or spoke's\n"
	  "       WireGuard configuration: PublicKey, Endpoint, PersistentKeepalive = 25\n"
	  "       and AllowedIPs = the relay's inner address. The endpoint is the first\n"
	  "       --endpoint, else the first Endpoint of FILE, else the first global\n"
	  "       address of this host's interfaces (IPv4 first; the choice is told on\n"
	  "       stderr); other candidates are listed as comments. The port defaults\n"
	  "       to the relay's listen port. 'wgx export' is the same command.\n\n"
	  "OPTIONS\n"
	  CONFIG_OPTION
	  "       -e, --endpoint HOST[:PORT]\n"
	  "              The relay's public address; may be repeated.\n\n"
	  "       --relay-address IP\n"
	  "              The relay's inner address for AllowedIPs (default: Address of\n"
	  "              FILE, else " RELAY_DEFAULT_ADDRESS ", the host after the hub's 10.120.0.1).\n", NULL },
};

int relay_main(int argc, char *argv[])
{
	return cli_dispatch("relay",
			    "Configure, run and inspect the relay (kernel module wgx).",
			    subcommands, sizeof(subcommands) / sizeof(subcommands[0]),
			    argc, argv);
}

int export_main(int argc, char *argv[])
{
	char **args = calloc((size_t)argc + 2, sizeof(*args));
	int ret;

	if (!args)
		return die("out of memory");
	args[0] = "relay";
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	args[1] = "export";
	ret = relay_main(argc + 1, args);
	free(args);
	return ret;
}
