// SPDX-License-Identifier: GPL-2.0
/*
 * wgx spoke ...: configure a spoke.
 */
#include "cmds.h"
#include "term.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s spoke <subcommand> [<args>]\n", prog_name);
}

int spoke_main(int argc, char *argv[])
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 1;
}
