/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WGX_TERM_H
#define _WGX_TERM_H

#include <stdbool.h>
#include <stdio.h>

/* Colour: only on a terminal, unless WGX_COLOR_OUTPUT=always|never says. */
bool term_color(FILE *f);
/* ANSI sequences, or "" when stdout has no colour. */
const char *term_bold(void);
const char *term_green(void);
const char *term_yellow(void);
const char *term_red(void);
const char *term_reset(void);
/* Whether stdout gets colour (for the formatters in fmt.h). */
bool term_on(void);
/* "  label: value" with the label in bold, as `wg show` prints fields. */
void term_field(const char *label, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "wgx: <msg>" on stderr. Always returns 1, the usual exit status. */
int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The program name used in messages. */
extern const char *prog_name;

#endif /* _WGX_TERM_H */
