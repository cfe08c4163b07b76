#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/qr2pbm.py -- turn a QR code drawn with Unicode half blocks (as
# `wgx hub add-spoke --qr` and `qrencode -t UTF8` print it: light modules
# drawn, dark ones blank, two rows a line, ANSI colour codes allowed) into a
# PBM image that zbarimg reads: stdin to stdout, each module SCALE pixels
# (default 4), with a 4-module quiet zone added.
import re
import sys

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 4
cells = {"\u2588": (1, 1), "\u2580": (1, 0), "\u2584": (0, 1), " ": (0, 0)}
rows = []
for line in sys.stdin.read().splitlines():
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if not line:
        continue
    top, bottom = [], []
    for ch in line:
        if ch not in cells:
            sys.exit("qr2pbm: unexpected character %r" % ch)
        t, b = cells[ch]
        top.append(t)
        bottom.append(b)
    rows += [top, bottom]
if not rows:
    sys.exit("qr2pbm: no QR code on stdin")
width = max(len(r) for r in rows)
margin = 4
light = [[1] * (width + 2 * margin) for _ in range(margin)]
img = light + [[1] * margin + r + [1] * (width - len(r) + margin) for r in rows] + light
out = ["P1", "%d %d" % (len(img[0]) * scale, len(img) * scale)]
for r in img:
    # PBM: 1 is black, i.e. a dark module.
    line = " ".join(("0" if v else "1") for v in r for _ in range(scale))
    out += [line] * scale
sys.stdout.write("\n".join(out) + "\n")
