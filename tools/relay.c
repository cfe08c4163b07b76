// SPDX-License-Identifier: GPL-2.0
/*
 * wgx relay ...: drive and inspect the relay in the kernel module.
 */
#include "cmds.h"
#include "nl.h"
#include "term.h"

#include <stdio.h>
#include <string.h>

static int relay_status(int argc, char *argv[])
{
	struct wgx_nl nl;
	char ver[64];
	unsigned int relays;
	int err;

	if (wgx_nl_open(&nl, false))
		return 1;
	err = wgx_nl_module_version(&nl, ver, sizeof(ver), &relays);
	wgx_nl_close(&nl);
	if (err)
		return 1;
	printf("%smodule%s: wgx %s\n%srelays%s: %u\n", term_bold(), term_reset(),
	       ver, term_bold(), term_reset(), relays);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *description;
} subcommands[] = {
	{ "status", relay_status, "Show the module and its relays" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s relay <subcommand> [<args>]\n\n", prog_name);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].description);
}

int relay_main(int argc, char *argv[])
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s relay: invalid subcommand '%s'\n", prog_name, argv[1]);
	usage(stderr);
	return 1;
}

int export_main(int argc, char *argv[])
{
	return die("export: no relay is configured yet (see 'wgx relay --help')");
}
