/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command groups: a dispatch table of subcommands, each with a one-line
 * summary for the group's list and a man-page-like --help.
 */
#ifndef _WGX_CLI_H
#define _WGX_CLI_H

#include <getopt.h>
#include <stdio.h>

struct subcommand {
	const char *name;
	int (*fn)(const struct subcommand *self, int argc, char *argv[]);
	const char *summary;	/* one line, for the group's list */
	const char *synopsis;	/* after "wgx GROUP NAME " */
	const char *help;	/* DESCRIPTION, OPTIONS... (each "NAME\n text") */
	const char *group;	/* "relay", "hub": filled by cli_dispatch */
};

/* Run the subcommand named by argv[1] from @cmds (argv[0] is the group's
 * name). No argument: the list on stderr, exit 1; --help: the list on
 * stdout. A subcommand whose arguments hold -h or --help gets its help
 * printed instead of running. */
int cli_dispatch(const char *group, const char *description,
		 struct subcommand *cmds, size_t n, int argc, char *argv[]);
/* Print @c's manual: NAME, SYNOPSIS, then its help text. */
void cli_help(const struct subcommand *c, FILE *f);
/* One line on stderr: "wgx GROUP NAME: <msg> (see 'wgx GROUP NAME
 * --help')". Returns 1. */
int cli_usage(const struct subcommand *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* getopt_long over argv with @shortopts (a leading ':' is added); reports
 * an unknown option or a missing value through cli_usage and returns -2
 * then, otherwise what getopt_long returns. Start with optind = 1 set by
 * cli_dispatch. */
int cli_getopt(const struct subcommand *c, int argc, char *argv[],
	       const char *shortopts, const struct option *longopts);

#endif /* _WGX_CLI_H */
