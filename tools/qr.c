// SPDX-License-Identifier: GPL-2.0
/*
 * QR codes drawn with half blocks. See qr.h.
 */
#include "qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define FULL	"\xe2\x96\x88"	/* U+2588 full block */
#define UPPER	"\xe2\x96\x80"	/* U+2580 upper half block */
#define LOWER	"\xe2\x96\x84"	/* U+2584 lower half block */
#define LIGHT_ON_DARK	"\x1b[40;97m"
#define RESET		"\x1b[0m"

/* Light (true) or dark at (x, y), the quiet zone included. */
static bool light(const QRcode *q, int margin, int x, int y)
{
	x -= margin;
	y -= margin;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return true;
	return !(q->data[y * q->width + x] & 1);
}

int qr_margin(int width)
{
	return width + 2 * QR_MARGIN <= QR_MAX_COLUMNS ? QR_MARGIN : 1;
}

char *qr_render(const char *text, bool color)
{
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_L);
	size_t size, off = 0;
	int w, margin;
	char *out;

	if (!q)
		return NULL;
	margin = qr_margin(q->width);
	w = q->width + 2 * margin;
	/* Per line: w cells of at most 3 bytes, colour codes, newline. */
	size = ((size_t)w / 2 + 1) * ((size_t)w * 3 + 16) + 1;
	out = malloc(size);
	if (!out) {
		QRcode_free(q);
		return NULL;
	}
	for (int y = 0; y < w; y += 2) {
		if (color) {
			memcpy(out + off, LIGHT_ON_DARK, strlen(LIGHT_ON_DARK));
			off += strlen(LIGHT_ON_DARK);
		}
		for (int x = 0; x < w; x++) {
			bool top = light(q, margin, x, y);
			bool bottom = y + 1 < w ? light(q, margin, x, y + 1) : true;
			const char *c = top && bottom ? FULL : top ? UPPER :
					bottom ? LOWER : " ";

			memcpy(out + off, c, strlen(c));
			off += strlen(c);
		}
		if (color) {
			memcpy(out + off, RESET, strlen(RESET));
			off += strlen(RESET);
		}
		out[off++] = '\n';
	}
	out[off] = '\0';
	QRcode_free(q);
	return out;
}
