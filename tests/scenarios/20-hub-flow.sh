#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# Issue 4, scenario 1: the overview's flow, literally. The relay up; on the
# hub 'wgx hub init RELAY', 'wgx hub add-spoke' (twice: spoke A registered by
# its key, spoke B a phone-like spoke whose whole configuration add-spoke
# prints), 'wgx hub start'; spoke A with 'wgx spoke init', 'wgx spoke
# add-hub', 'wgx spoke start' (kernel WireGuard); spoke B (wireguard-go, no
# wgx) from add-spoke's text with ip and wg only; 'wgx hub sync'. Then A and
# B each ping the hub and a host on the hub's LAN, and A and B reach each
# other through the hub. The files are 0600 and wgx's status views agree.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/hubspoke.sh"
topo_init

hs_network

for f in /etc/wgx/hub.conf /etc/wgx/spoke.conf; do
	assert_eq "$(stat -c %a "$f")" 600 "mode of $f"
done
assert_eq "$(wgx_in hub hub status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["kind"])')" \
	kernel "the hub runs kernel WireGuard"
assert_eq "$(ip netns exec spoke-a "$WGX_TOOL" spoke status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["kind"])')" \
	kernel "spoke A runs kernel WireGuard"
[ -S /run/wireguard/wgo1.sock ] || fail "spoke B is not wireguard-go"

echo "== hub: wgx hub sync"
out=$(wgx_in hub hub sync)
echo "$out"
assert_eq "$out" "relay applied 2 spokes" "hub sync"

hs_wait_all 90
for s in spoke-a spoke-b; do
	ping_ok "$s" 10.120.0.1 3
	ping_ok "$s" "$HUB_LAN" 3
done
echo "A and B reach the hub (10.120.0.1) and the hub's LAN host ($HUB_LAN)"
wgx_wait_ping spoke-a "$ADDR_B" 30
ping_ok spoke-a "$ADDR_B" 3
ping_ok spoke-b "$ADDR_A" 3
echo "A ($ADDR_A) and B ($ADDR_B) reach each other through the hub"

echo "== hub: wgx hub list"
wgx_in hub hub list
wgx_in hub hub list --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["up"] and d["relay"]["answered"] and d["relay"]["total"] == 2, d["relay"]
names = {s["name"]: s for s in d["spokes"]}
assert set(names) == {"a", "b"}, names
for n, s in names.items():
    assert s["relay"]["declared"] and s["relay"]["online"], (n, s)
    assert s["hub"]["latest_handshake"] > 0, (n, s)
print("hub list: both spokes declared and online at the relay, with a handshake with the hub")'
echo "== hub: wgx hub status"
wgx_in hub hub status
echo "== spoke A: wgx spoke status"
wgx_in spoke-a spoke status
echo "== relay: wgx relay sessions"
wgx_in relay relay sessions
# The relay forwarded both pairs without decrypting them.
wgx_in relay relay sessions --json | python3 -c '
import json, sys
hub, a, b = sys.argv[1:4]
d = json.load(sys.stdin)
ss = d["sessions"] if isinstance(d, dict) else d
for k in (a, b):
    m = [s for s in ss if s["hub"] == hub and s["spoke"] == k]
    assert m and m[0]["hub_to_spoke_bytes"] > 0 and m[0]["spoke_to_hub_bytes"] > 0, (k, ss)
print("relay sessions: hub<->A and hub<->B, bytes both ways")' "$HUB_KEY" "$KEY_A" "$KEY_B"
