// SPDX-License-Identifier: GPL-2.0
/*
 * Command groups: dispatch, --help, usage errors.
 */
#include "cli.h"
#include "term.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

void cli_help(const struct subcommand *c, FILE *f)
{
	fprintf(f, "NAME\n       %s %s %s - %s\n\n", prog_name, c->group,
		c->name, c->summary);
	fprintf(f, "SYNOPSIS\n       %s %s %s%s%s\n\n", prog_name, c->group,
		c->name, c->synopsis[0] ? " " : "", c->synopsis);
	fputs(c->help, f);
}

int cli_usage(const struct subcommand *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s %s: ", prog_name, c->group, c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s %s %s --help')\n", prog_name, c->group, c->name);
	return 1;
}

int cli_getopt(const struct subcommand *c, int argc, char *argv[],
	       const char *shortopts, const struct option *longopts)
{
	char opts[64];
	int ch;

	snprintf(opts, sizeof(opts), ":%s", shortopts);
	opterr = 0;
	ch = getopt_long(argc, argv, opts, longopts, NULL);
	if (ch == '?') {
		if (optopt)
			cli_usage(c, "unknown option '-%c'", optopt);
		else
			cli_usage(c, "unknown option '%s'", argv[optind - 1]);
		return -2;
	}
	if (ch == ':') {
		cli_usage(c, "option '%s' needs a value", argv[optind - 1]);
		return -2;
	}
	return ch;
}

static void group_usage(const char *group, const char *description,
			const struct subcommand *cmds, size_t n, FILE *f)
{
	fprintf(f, "Usage: %s %s <subcommand> [<args>]\n\n%s\n\n", prog_name,
		group, description);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-13s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nRun '%s %s <subcommand> --help' for its options.\n",
		prog_name, group);
}

static bool wants_help(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

int cli_dispatch(const char *group, const char *description,
		 struct subcommand *cmds, size_t n, int argc, char *argv[])
{
	if (argc < 2) {
		group_usage(group, description, cmds, n, stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		group_usage(group, description, cmds, n, stdout);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		cmds[i].group = group;
		if (wants_help(argc - 1, argv + 1)) {
			cli_help(&cmds[i], stdout);
			return 0;
		}
		optind = 0;
		return cmds[i].fn(&cmds[i], argc - 1, argv + 1);
	}
	fprintf(stderr, "%s %s: invalid subcommand '%s' (see '%s %s --help')\n",
		prog_name, group, argv[1], prog_name, group);
	return 1;
}
