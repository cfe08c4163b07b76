#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 450
#
# Issue 4, scenario 4: 'wgx hub add-spoke --qr' prints a QR code (Unicode
# half blocks, for a terminal) that decodes, with zbarimg, to exactly the
# configuration add-spoke writes as text (-o FILE, the same bytes as its
# text output without --qr) -- plain and with colours forced on. And the
# decoded configuration works: a "phone" (wireguard-go, no wgx) set up from
# the decoded text only reaches the hub and the hub's LAN through the relay.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/hubspoke.sh"
topo_init

command -v zbarimg >/dev/null || fail "zbarimg is not installed (apt-get install zbar-tools)"

wgx_relay_up
topo_site hub 1
topo_site phone 2
ip -n hub-lan route add 10.120.0.0/16 via "$(topo_lan4 hub 2)"
wgx_in hub hub init "$RELAY_EP" --lan "$(topo_lan4 hub 0)/24" >/dev/null 2>&1
wgx_in hub hub start

# decode FILE: the QR code drawn in FILE, decoded (zbarimg ends it with a
# newline of its own).
decode() {
	python3 "$WGX_ROOT/tests/lib/qr2pbm.py" <"$1" >"$1.pbm"
	zbarimg --raw -q "$1.pbm" 2>/dev/null >"$1.decoded" || fail "zbarimg found no QR code in $1"
	python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(d[:-1] if d.endswith(b"\n") else d)' "$1.decoded"
}

# Text without --qr and the -o file are the same bytes.
wgx_in hub hub add-spoke --name tablet -o "$TOPO_DIR/tablet.conf" >"$TOPO_DIR/tablet.txt" 2>/dev/null
cmp "$TOPO_DIR/tablet.txt" "$TOPO_DIR/tablet.conf" || fail "-o FILE differs from the text output"
assert_eq "$(stat -c %a "$TOPO_DIR/tablet.conf")" 600 "mode of the -o file"

echo "== hub: wgx hub add-spoke --name phone --qr -o phone.conf"
wgx_in hub hub add-spoke --name phone --qr -o "$TOPO_DIR/phone.conf" >"$TOPO_DIR/qr.txt"
cat "$TOPO_DIR/qr.txt"
echo "QR code: $(wc -l <"$TOPO_DIR/qr.txt") lines, $(head -n 1 "$TOPO_DIR/qr.txt" | python3 -c 'import sys; print(len(sys.stdin.readline().rstrip("\n")))') columns"
decode "$TOPO_DIR/qr.txt" >"$TOPO_DIR/phone.decoded.conf"
cmp "$TOPO_DIR/phone.decoded.conf" "$TOPO_DIR/phone.conf" || {
	diff "$TOPO_DIR/phone.decoded.conf" "$TOPO_DIR/phone.conf" >&2
	fail "the QR code does not decode to the configuration"
}
echo "the QR code decodes to the $(wc -c <"$TOPO_DIR/phone.conf") bytes of phone.conf, exactly"
grep -q '^PrivateKey = ' "$TOPO_DIR/phone.decoded.conf" || fail "no private key in the phone's configuration"

# With colours (as on a terminal): the same.
ip netns exec hub env WGX_COLOR_OUTPUT=always "$WGX_TOOL" hub add-spoke --name phone2 --qr \
	-o "$TOPO_DIR/phone2.conf" >"$TOPO_DIR/qr2.txt" 2>/dev/null
grep -q $'\x1b\\[' "$TOPO_DIR/qr2.txt" || fail "no colour codes with WGX_COLOR_OUTPUT=always"
decode "$TOPO_DIR/qr2.txt" >"$TOPO_DIR/phone2.decoded.conf"
cmp "$TOPO_DIR/phone2.decoded.conf" "$TOPO_DIR/phone2.conf" || fail "the coloured QR code does not decode to the configuration"
echo "the coloured QR code decodes to phone2.conf, exactly"

# The phone scans it: wireguard-go configured from the decoded text alone.
hs_quick_up phone wgo1 "$TOPO_DIR/phone.decoded.conf" --go
wgx_in hub hub sync
wgx_wait_ping phone 10.120.0.1 90
ping_ok phone 10.120.0.1 3
ping_ok phone "$(topo_lan4 hub 3)" 3
echo "the phone, configured from the QR code, reaches the hub and its LAN"
wgx_in hub hub list
