// SPDX-License-Identifier: GPL-2.0
/*
 * Terminal output: colour decisions and error messages.
 */
#include "term.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *prog_name = "wgx";

bool term_color(FILE *f)
{
	const char *env = getenv("WGX_COLOR_OUTPUT");

	if (env && !strcmp(env, "always"))
		return true;
	if (env && !strcmp(env, "never"))
		return false;
	return isatty(fileno(f));
}

bool term_on(void)
{
	static int color = -1;

	if (color < 0)
		color = term_color(stdout);
	return color;
}

static const char *seq(const char *s)
{
	return term_on() ? s : "";
}

const char *term_bold(void) { return seq("\x1b[1m"); }
const char *term_green(void) { return seq("\x1b[32m"); }
const char *term_yellow(void) { return seq("\x1b[33m"); }
const char *term_red(void) { return seq("\x1b[31m"); }
const char *term_reset(void) { return seq("\x1b[0m"); }

void term_field(const char *label, const char *fmt, ...)
{
	va_list ap;

	printf("  %s%s%s: ", term_bold(), label, term_reset());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}
