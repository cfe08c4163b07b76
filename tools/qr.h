/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QR codes (libqrencode) for the configurations `wgx hub add-spoke --qr`
 * prints for phones, drawn with Unicode half blocks: two rows of modules a
 * line, as `qrencode -t UTF8` does (light modules drawn, dark ones left as
 * the background: meant for a dark terminal; with colour, the light and dark
 * colours are set explicitly, as `qrencode -t ANSIUTF8` does).
 */
#ifndef _WGX_QR_H
#define _WGX_QR_H

#include <stdbool.h>
#include <stddef.h>

/* The quiet zone around the symbol, in modules: 2, or 1 when that keeps
 * the picture within 80 columns (a typical configuration with its keys is
 * a version 15 symbol, 77 modules wide). */
#define QR_MARGIN 2
#define QR_MAX_COLUMNS 80
int qr_margin(int width);

/* The symbol for @text (8-bit, error correction level L) as lines of text,
 * malloc'd; NULL with errno set when @text does not fit in a QR code
 * (EINVAL/ERANGE) or out of memory. */
char *qr_render(const char *text, bool color);

#endif /* _WGX_QR_H */
