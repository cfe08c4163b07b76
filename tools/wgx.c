// SPDX-License-Identifier: GPL-2.0
/*
 * wgx: command-line tool of the wgx WireGuard relay. Dispatches to one
 * command group per source file.
 */
#include "cmds.h"
#include "nl.h"
#include "term.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *description;
} commands[] = {
	{ "relay", relay_main, "Run and inspect the relay (kernel module wgx)" },
	{ "hub", hub_main, "Configure a hub and declare its spokes to the relay" },
	{ "spoke", spoke_main, "Configure a spoke that reaches its hub through the relay" },
	{ "export", export_main, "Print the relay's [Peer] section (same as 'relay export')" },
	{ "genkey", genkey_main, "Generate a new private key and write it to stdout" },
	{ "genpsk", genkey_main, "Generate a new preshared key and write it to stdout" },
	{ "pubkey", pubkey_main, "Read a private key from stdin and write its public key" },
};

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: %s <cmd> [<args>]\n\n", prog_name);
	fprintf(f, "wgx relays WireGuard traffic between a hub and its spokes behind NATs,\n"
		   "without decrypting it. Available subcommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].description);
	fprintf(f, "\nRun '%s <cmd> --help' for a command's options, 'man wgx' for all of it.\n"
		   "  --version  print the tool's version and the loaded module's\n",
		prog_name);
}

static int show_version(void)
{
	struct wgx_nl nl;
	char modver[64];
	unsigned int relays;

	printf("wgx %s\n", WGX_VERSION);
	/* A missing module is not an error for --version. */
	if (wgx_nl_open(&nl, true) == 0) {
		if (wgx_nl_module_version(&nl, modver, sizeof(modver), &relays) == 0)
			printf("module %s (loaded, %u relay%s in this namespace)\n",
			       modver, relays, relays == 1 ? "" : "s");
		wgx_nl_close(&nl);
	} else {
		printf("module not loaded\n");
	}
	return 0;
}

int main(int argc, char *argv[])
{
	if (sodium_init() < 0)
		return die("cannot initialise libsodium");
	if (argc < 2) {
		show_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		show_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v") ||
	    !strcmp(argv[1], "version"))
		return show_version();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "%s: invalid subcommand '%s'\n", prog_name, argv[1]);
	show_usage(stderr);
	return 1;
}
