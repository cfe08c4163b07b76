#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# Issue 4: 'wgx hub reload' and 'wgx spoke reload' apply a hand-edited
# configuration to the running interface like 'wg syncconf': a peer added
# and a route for new AllowedIPs appear, a removed one and its route go, and
# the sessions of the peers that stay are not dropped (same latest handshake,
# traffic goes on, the listening port stays). The hub's reload also tells
# the relay the new set.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/hubspoke.sh"
topo_init

hs_network
hs_wait_all 90

hs_a=$(topo_wg_handshake hub wgx-hub "$KEY_A")
hs_b=$(topo_wg_handshake hub wgx-hub "$KEY_B")
cp /etc/wgx/hub.conf "$TOPO_DIR/hub.conf.orig"

# By hand: spoke A's LAN behind it, and a new spoke C.
topo_wg_keypair c
python3 - "$KEY_A" "$(topo_wg_pubkey c)" <<'EOF'
import sys
key_a, key_c = sys.argv[1:3]
lines = open("/etc/wgx/hub.conf").read().splitlines()
out = []
for l in lines:
    out.append(l)
    if l.replace(" ", "") == "PublicKey=" + key_a:
        out.append("AllowedIPs = 192.168.2.0/24 # A's LAN, by hand")
out += ["", "[Peer]", "# wgx: Name = c", "PublicKey = " + key_c, "AllowedIPs = 10.120.0.50/32"]
open("/etc/wgx/hub.conf", "w").write("\n".join(out) + "\n")
EOF
echo "== hub: wgx hub reload (A's LAN and a spoke c added by hand)"
out=$(wgx_in hub hub reload)
echo "$out"
echo "$out" | grep -qx "relay applied 3 spokes" || fail "reload did not tell the relay"
ip -n hub route show 192.168.2.0/24 | grep -q "dev wgx-hub proto static" || fail "no route for A's LAN"
ip netns exec hub wg show wgx-hub allowed-ips | grep "^$KEY_A" | grep -q 192.168.2.0/24 ||
	fail "A's AllowedIPs not updated"
ip netns exec hub wg show wgx-hub peers | grep -qx "$(topo_wg_pubkey c)" || fail "spoke c not added"
assert_eq "$(topo_wg_handshake hub wgx-hub "$KEY_A")" "$hs_a" "A's session kept"
assert_eq "$(topo_wg_handshake hub wgx-hub "$KEY_B")" "$hs_b" "B's session kept"
ping_ok spoke-a 10.120.0.1 3
ping_ok spoke-b 10.120.0.1 3
assert_eq "$(topo_wg_handshake hub wgx-hub "$KEY_A")" "$hs_a" "A's session still the same after traffic"
echo "peer and route added; A's and B's sessions kept (handshakes at $hs_a, $hs_b)"

echo "== hub: wgx hub reload (back to the original file)"
cp "$TOPO_DIR/hub.conf.orig" /etc/wgx/hub.conf
out=$(wgx_in hub hub reload)
echo "$out"
echo "$out" | grep -qx "relay applied 2 spokes" || fail "reload did not tell the relay"
[ -z "$(ip -n hub route show 192.168.2.0/24)" ] || fail "the stale route for A's LAN is still there"
ip netns exec hub wg show wgx-hub peers | grep -qx "$(topo_wg_pubkey c)" && fail "spoke c is still there"
assert_eq "$(topo_wg_handshake hub wgx-hub "$KEY_A")" "$hs_a" "A's session kept"
ping_ok spoke-a 10.120.0.1 3
echo "peer and route removed; A's session kept"

echo "== spoke A: wgx spoke reload (a network behind the hub added by hand)"
hs_spoke=$(topo_wg_handshake spoke-a wgx-spoke "$HUB_KEY")
port=$(ip netns exec spoke-a wg show wgx-spoke listen-port)
sed -i "s|^AllowedIPs = 10.120.0.0/16, 192.168.1.0/24|AllowedIPs = 10.120.0.0/16, 192.168.1.0/24, 172.16.9.0/24|" /etc/wgx/spoke.conf
wgx_in spoke-a spoke reload
ip -n spoke-a route show 172.16.9.0/24 | grep -q "dev wgx-spoke" || fail "no route on spoke A"
assert_eq "$(topo_wg_handshake spoke-a wgx-spoke "$HUB_KEY")" "$hs_spoke" "spoke A's session with the hub kept"
# No ListenPort in spoke.conf: the running (random) port stays, or the
# relay would see the spoke at a new NAT port it does not know.
assert_eq "$(ip netns exec spoke-a wg show wgx-spoke listen-port)" "$port" "spoke A's port"
ping_ok spoke-a "$HUB_LAN" 3
wgx_in spoke-a spoke status
