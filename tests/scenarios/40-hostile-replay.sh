#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Issue 6, replays: every datagram a spoke sent (its handshakes and keepalives
# with the relay, its handshake with the hub, its data to the hub) is
# captured on the Internet side of its NAT and replayed at the relay twice:
# once from the attacker's own address, once with the spoke's public address
# and port forged. The relay drops every one itself -- a replay window on the
# cleartext counter of each relayed session, the index memory for handshake
# messages, the timestamp and window of its own sessions -- so no replay
# reaches the hub's site, even spoofed. Every replayed datagram is counted as
# a drop.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

wgx_relay_up
topo_attacker
topo_site spoke 2
topo_bg spoke-nat tcpdump -i wan0 -U -w "$TOPO_DIR/spoke.pcap" udp port 8787
capture=$TOPO_LAST_PID
sleep 1
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 kernel wg0 10.120.0.10
wgx_link_spoke hub wg0 spoke wg0 10.120.0.10
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)"
wgx_wait_ping spoke 10.120.0.1
ping_ok spoke 10.120.0.1 10
ping_ok spoke 10.120.0.2 3
kill "$capture"
wait "$capture" 2>/dev/null || true

spoke_pub=$(topo_pub4 spoke)
spoke_ep=$(wgx_in relay relay peers --json | python3 -c '
import json, sys
for p in json.load(sys.stdin)["peers"]:
    if p["public_key"] == sys.argv[1]:
        print(p["endpoint"])' "$(wgx_key spoke)")
echo "the spoke's authenticated endpoint: $spoke_ep"

# Quiet: no legitimate packet towards the hub during the replay.
wgx_quiet_spoke wg0 10.120.0.10

drops() {
	wgx_in relay relay status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]["stats"]
print(sum(v for k, v in s.items() if k.startswith("drop_")))'
}
to_hub() {
	wgx_in relay relay sessions --json | python3 -c '
import json, sys
print(sum(s["spoke_to_hub_packets"] for s in json.load(sys.stdin)["sessions"]))'
}
drops0=$(drops)
replay0=$(wgx_stat drop_replay)
site0=$(topo_nat_counter hub from_relay)
to_hub0=$(to_hub)
own_hs0=$(wgx_stat own_handshakes)

rp() { ip netns exec attacker python3 "$WGX_ROOT/tests/lib/wgpkt.py" send "$RELAY4" "$RELAY_PORT" \
	replay --pcap "$TOPO_DIR/spoke.pcap" --src "$spoke_pub" "$@"; }
n_own=$(rp)
n_spoofed=$(rp --spoof "$spoke_ep")
echo "replayed $n_own datagrams from the attacker's address and $n_spoofed as $spoke_ep"
sleep 3

ddrops=$(($(drops) - drops0))
dreplay=$(($(wgx_stat drop_replay) - replay0))
dsite=$(($(topo_nat_counter hub from_relay) - site0))
dto_hub=$(($(to_hub) - to_hub0))
down_hs=$(($(wgx_stat own_handshakes) - own_hs0))
echo "relay: $ddrops dropped ($dreplay as replays); towards the hub: $dto_hub; into the hub's site: $dsite (relay's own handshakes meanwhile: $down_hs)"
wgx_in relay relay status

assert_eq "$ddrops" $((n_own + n_spoofed)) "every replayed datagram is dropped"
assert_eq "$dto_hub" 0 "replayed packets forwarded towards the hub"
[ "$dsite" -le "$down_hs" ] || fail "$dsite packets from the relay reached the hub's site"
assert_ge "$dreplay" "$n_spoofed" "the spoofed replays are all recognised as replays"
ping_ok spoke 10.120.0.1 3
echo "the spoke still reaches the hub"
