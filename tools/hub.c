// SPDX-License-Identifier: GPL-2.0
/*
 * wgx hub ...: what a hub tells the relay, over its WireGuard tunnel to it
 * (the in-tunnel control protocol, ctrl.c).
 */
#include "cli.h"
#include "cmds.h"
#include "ctrl.h"
#include "fmt.h"
#include "json.h"
#include "key.h"
#include "term.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_TIMEOUT_MS	10000
#define MAX_TIMEOUT_MS		3600000

static const struct option ctrl_opts[] = {
	{ "timeout", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* Seconds, fractions allowed, into milliseconds. */
static bool parse_timeout(const char *s, unsigned int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.001) || v * 1000 > MAX_TIMEOUT_MS)
		return false;
	*ms = (unsigned int)(v * 1000 + 0.5);
	return true;
}

/* Options common to both: --timeout, --json (when @json is not NULL). */
static int parse_ctrl_opts(const struct subcommand *self, int argc, char *argv[],
			   unsigned int *timeout_ms, bool *json)
{
	int ch;

	*timeout_ms = DEFAULT_TIMEOUT_MS;
	while ((ch = cli_getopt(self, argc, argv, "t:", ctrl_opts)) != -1) {
		switch (ch) {
		case 't':
			if (!parse_timeout(optarg, timeout_ms))
				return cli_usage(self, "--timeout: '%s' is not a number of seconds (at most 3600)",
						 optarg);
			break;
		case 'j':
			if (!json)
				return cli_usage(self, "no --json here");
			*json = true;
			break;
		default:
			return 1;
		}
	}
	return 0;
}

static int hub_set_peers(const struct subcommand *self, int argc, char *argv[])
{
	struct key_list keys = { 0 };
	struct ctrl_target target;
	struct ctrl_set_reply r;
	char err[CTRL_ERR_LEN];
	unsigned int timeout_ms;
	bool read_stdin = false;
	size_t dups;
	int ret = 1;

	if (parse_ctrl_opts(self, argc, argv, &timeout_ms, NULL))
		return 1;
	if (argc - optind < 2)
		return cli_usage(self, argc == optind ? "missing the relay's inner ADDRESS and the KEYs" :
				 "missing the KEYs (give '-' to read them from standard input)");
	if (!ctrl_parse_target(argv[optind], &target))
		return cli_usage(self, "'%s' is not ADDRESS[:PORT] with a numeric IPv4 or IPv6 address",
				 argv[optind]);
	for (int i = optind + 1; i < argc; i++) {
		uint8_t key[WGX_KEY_LEN];

		if (!strcmp(argv[i], "-")) {
			if (read_stdin) {
				cli_usage(self, "'-' given twice");
				goto out;
			}
			read_stdin = true;
			if (ctrl_read_keys(stdin, "stdin", &keys, err)) {
				die("%s", err);
				goto out;
			}
		} else if (!key_from_base64(key, argv[i])) {
			cli_usage(self, "'%s' is not a base64 public key", argv[i]);
			goto out;
		} else if (key_list_add(&keys, key)) {
			die("out of memory");
			goto out;
		}
	}
	dups = key_list_sort_unique(&keys);
	if (dups)
		fprintf(stderr, "%s: note: %zu repeated key%s sent once\n", prog_name,
			dups, fmt_plural(dups));
	if (keys.n > WGX_CTRL_MAX_SPOKES) {
		die("too many keys: %zu (the relay takes at most %u)", keys.n,
		    WGX_CTRL_MAX_SPOKES);
		goto out;
	}
	if (ctrl_set_spokes(&target, (const uint8_t (*)[32])keys.keys, keys.n,
			    timeout_ms, &r, err)) {
		die("%s", err);
		goto out;
	}
	if (r.error != WGX_CTRL_E_OK) {
		die("relay at %s refused the spokes: %s (%s)", target.text,
		    ctrl_error_name(r.error), ctrl_error_text(r.error));
		goto out;
	}
	if (r.applied != keys.n)
		printf("relay applied %u spoke%s (of %zu sent)\n", r.applied,
		       fmt_plural(r.applied), keys.n);
	else
		printf("relay applied %u spoke%s\n", r.applied, fmt_plural(r.applied));
	ret = fflush(stdout) ? die("cannot write the output: %m") : 0;
out:
	key_list_free(&keys);
	return ret;
}

static void print_status_human(const struct ctrl_target *t,
			       const struct ctrl_spoke *v, size_t n,
			       uint32_t total)
{
	time_t now = time(NULL);
	size_t online = 0;

	for (size_t i = 0; i < n; i++)
		online += !!(v[i].flags & WGX_CTRL_SPOKE_F_ONLINE);
	printf("%s%srelay%s: %s%s%s\n", term_bold(), term_green(), term_reset(),
	       term_green(), t->text, term_reset());
	term_field("spokes", "%u declared, %zu online", total, online);
	for (size_t i = 0; i < n; i++) {
		const struct ctrl_spoke *s = &v[i];
		bool on = s->flags & WGX_CTRL_SPOKE_F_ONLINE;
		char b64[WGX_KEY_B64_LEN], ep[FMT_ENDPOINT_LEN], ago[160];

		key_to_base64(b64, s->key);
		printf("\n%s%sspoke%s: %s%s%s\n", term_bold(), term_yellow(),
		       term_reset(), term_yellow(), b64, term_reset());
		term_field("status", "%s%s%s", on ? term_green() : term_red(),
			   on ? "online" : "offline", term_reset());
		if (s->family) {
			fmt_addr_port(ep, sizeof(ep), s->family, s->addr, s->port);
			term_field("endpoint", "%s", ep);
		}
		fmt_ago(ago, sizeof(ago), s->last_handshake, now, term_on());
		term_field("latest handshake", "%s", ago);
	}
}

static void print_status_json(const struct ctrl_target *t,
			      const struct ctrl_spoke *v, size_t n,
			      uint32_t total)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "relay", t->text);
	json_u64(&j, "total", total);
	json_array_begin(&j, "spokes");
	for (size_t i = 0; i < n; i++) {
		const struct ctrl_spoke *s = &v[i];
		char b64[WGX_KEY_B64_LEN], ep[FMT_ENDPOINT_LEN];

		json_object_begin(&j, NULL);
		key_to_base64(b64, s->key);
		json_string(&j, "public_key", b64);
		json_bool(&j, "online", s->flags & WGX_CTRL_SPOKE_F_ONLINE);
		if (s->family) {
			fmt_addr_port(ep, sizeof(ep), s->family, s->addr, s->port);
			json_string(&j, "endpoint", ep);
		} else {
			json_null(&j, "endpoint");
		}
		json_u64(&j, "latest_handshake", s->last_handshake / 1000000000ULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int hub_relay_status(const struct subcommand *self, int argc, char *argv[])
{
	struct ctrl_target target;
	struct ctrl_spoke *spokes;
	char err[CTRL_ERR_LEN];
	unsigned int timeout_ms;
	uint32_t total, relay_error;
	bool json = false;
	size_t n;

	if (parse_ctrl_opts(self, argc, argv, &timeout_ms, &json))
		return 1;
	if (argc == optind)
		return cli_usage(self, "missing the relay's inner ADDRESS");
	if (argc - optind > 1)
		return cli_usage(self, "unexpected argument '%s'", argv[optind + 1]);
	if (!ctrl_parse_target(argv[optind], &target))
		return cli_usage(self, "'%s' is not ADDRESS[:PORT] with a numeric IPv4 or IPv6 address",
				 argv[optind]);
	if (ctrl_query_all(&target, timeout_ms, &spokes, &n, &total,
			   &relay_error, err))
		return die("%s", err);
	if (json)
		print_status_json(&target, spokes, n, total);
	else
		print_status_human(&target, spokes, n, total);
	free(spokes);
	return fflush(stdout) ? die("cannot write the output: %m") : 0;
}

#define TIMEOUT_OPTION \
	"       -t, --timeout SECONDS\n" \
	"              How long to wait for the relay's answer (default 10; fractions\n" \
	"              allowed). Requests are resent after 0.2, 0.4, 0.8... seconds.\n\n"

#define ADDRESS_TEXT \
	"       ADDRESS is the relay's inner address, as in the AllowedIPs of the\n" \
	"       relay's [Peer] section on this hub (by default 10.120.0.2), with an\n" \
	"       optional :PORT (default 8787; IPv6 as [ADDRESS]:PORT). The request\n" \
	"       goes inside the hub's WireGuard tunnel to the relay, so the relay\n" \
	"       knows which hub sends it.\n\n"

static struct subcommand subcommands[] = {
	{ "set-peers", hub_set_peers, "Tell the relay the whole set of this hub's spokes",
	  "[--timeout SECONDS] ADDRESS[:PORT] KEY... | -",
	  "DESCRIPTION\n"
	  "       Replaces, at the relay, the set of spokes (base64 public keys) this\n"
	  "       hub talks to through it; '-' reads further keys from standard input,\n"
	  "       one per line ('#' comments and blank lines skipped). An empty set\n"
	  "       (e.g. '- </dev/null') removes every route of the hub. The keys go in\n"
	  "       chunks of 32 and are resent until the relay answers; prints \"relay\n"
	  "       applied N spokes\", or the relay's refusal, with a non-zero exit\n"
	  "       status on refusal or when no answer comes in time.\n\n"
	  ADDRESS_TEXT
	  "OPTIONS\n"
	  TIMEOUT_OPTION, NULL },
	{ "relay-status", hub_relay_status, "Show what the relay sees of this hub's spokes",
	  "[--timeout SECONDS] [--json] ADDRESS[:PORT]",
	  "DESCRIPTION\n"
	  "       Asks the relay, page by page, for the spokes this hub declared: for\n"
	  "       each its key, whether it is online, its endpoint and its latest\n"
	  "       handshake with the relay.\n\n"
	  ADDRESS_TEXT
	  "OPTIONS\n"
	  TIMEOUT_OPTION
	  "       --json\n"
	  "              Print JSON: {\"relay\", \"total\", \"spokes\": [{\"public_key\",\n"
	  "              \"online\", \"endpoint\" (or null), \"latest_handshake\" (seconds\n"
	  "              since the epoch, 0 = never)}]}.\n", NULL },
};

int hub_main(int argc, char *argv[])
{
	return cli_dispatch("hub",
			    "Configure a hub and declare its spokes to the relay.",
			    subcommands, sizeof(subcommands) / sizeof(subcommands[0]),
			    argc, argv);
}
