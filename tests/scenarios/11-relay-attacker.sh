#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Issue 3, scenario 3: an attacker on the Internet sends random bytes,
# truncated and oversized messages of every type, a replay of a spoke's
# captured initiations from its own address, well-formed initiations whose
# mac1 names the hub, data with guessed indices, and runs a real WireGuard
# peer whose key is not in AllowedPublicKeys. Proven: the relay forwards none
# of it (zero packets from the relay reach the hub's site beyond its own
# session's), its drop counters account for every attacker packet, and the
# legitimate hub and spoke keep working.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

# The keys first: the relay admits exactly the hub and the spoke.
topo_wg_keypair hub
topo_wg_keypair spoke
wgx_relay_up "$(topo_wg_pubkey hub),$(topo_wg_pubkey spoke)"
topo_attacker

# Record what the spoke's NAT sends to the relay: its initiations, to replay.
topo_site spoke 2
topo_bg spoke-nat tcpdump -i wan0 -U -w "$TOPO_DIR/spoke.pcap" udp port 8787
capture=$TOPO_LAST_PID
sleep 1
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 go wgo1 10.120.0.10
wgx_link_spoke hub wg0 spoke wgo1 10.120.0.10
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)"
wgx_wait_ping spoke 10.120.0.1
kill "$capture"
wait "$capture" 2>/dev/null || true

# Quiet the legitimate traffic between hub and spoke during the attack: no
# keepalive is then forwarded, and every packet the relay sends to the hub's
# site must be the relay's own answer to the hub.
wgx_quiet_spoke wgo1 10.120.0.10

# A real WireGuard peer with a key the relay does not admit.
topo_wg_keypair stranger
topo_wg_kernel attacker wg9 "$TOPO_DIR/stranger.key" 0 10.120.9.9/16
ip netns exec attacker nft -f - <<NFT
table inet count {
	counter to_relay { }
	chain out { type filter hook output priority 0; ip daddr $RELAY4 udp dport $RELAY_PORT counter name to_relay; }
}
NFT

declare -A before
for s in fwd_packets own_handshakes drop_malformed drop_unknown_endpoint drop_unknown_key \
	drop_no_route drop_bad_mac drop_unknown_index drop_ratelimited drop_replay drop_offline \
	drop_tx_error; do
	before[$s]=$(wgx_stat "$s")
done
hub_site_before=$(topo_nat_counter hub from_relay)
to_hub() {
	wgx_in relay relay sessions --json | python3 -c '
import json, sys
print(sum(s["spoke_to_hub_packets"] for s in json.load(sys.stdin)["sessions"]))'
}
to_hub_before=$(to_hub)

atk() { ip netns exec attacker python3 "$WGX_ROOT/tests/lib/wgpkt.py" send "$RELAY4" "$RELAY_PORT" "$@"; }
sent=0
for k in "random --count 50" "truncated" "oversized" "data --count 50" \
	"initiation --count 20 --key $(wgx_key hub)" "initiation --count 5 --key $RELAY_PUB" \
	"replay --pcap $TOPO_DIR/spoke.pcap --type 1" "replay --pcap $TOPO_DIR/spoke.pcap"; do
	# shellcheck disable=SC2086
	n=$(atk $k)
	echo "attacker: $k: $n datagrams"
	sent=$((sent + n))
done
# The stranger's handshakes: a few rounds of its retries.
topo_wg_peer attacker wg9 "$RELAY_PUB" endpoint "$RELAY_EP" allowed-ips 10.120.0.2/32 persistent-keepalive 1
sleep 12
stranger_hs=$(topo_wg_handshake attacker wg9 "$RELAY_PUB")
ip netns exec attacker wg set wg9 peer "$RELAY_PUB" remove
sleep 2
total=$(ip netns exec attacker nft list counter inet count to_relay | sed -n 's/.*packets \([0-9]*\).*/\1/p')
echo "attacker sent $total datagrams to the relay ($sent crafted, $((total - sent)) from its WireGuard)"

declare -A delta
drops=0
for s in "${!before[@]}"; do
	delta[$s]=$(($(wgx_stat "$s") - ${before[$s]}))
	case $s in drop_*) drops=$((drops + ${delta[$s]})) ;; esac
done
for s in $(printf '%s\n' "${!delta[@]}" | sort); do
	echo "  relay $s: +${delta[$s]}"
done
hub_site=$(($(topo_nat_counter hub from_relay) - hub_site_before))
echo "packets from the relay into the hub's site during the attack: $hub_site (relay's own handshakes: ${delta[own_handshakes]})"

# The hub may send the spoke a passive keepalive (10 s after the last ping):
# that is the only traffic forwarded, and none of it towards the hub.
to_hub_delta=$(($(to_hub) - to_hub_before))
echo "forwarded towards the hub during the attack: $to_hub_delta packets (all directions: ${delta[fwd_packets]})"
assert_eq "$to_hub_delta" 0 "packets forwarded towards the hub during the attack"
assert_eq "$drops" "$total" "relay drops account for every attacker datagram"
[ "$hub_site" -le "${delta[own_handshakes]}" ] ||
	fail "$hub_site packets from the relay reached the hub's site, only ${delta[own_handshakes]} were the relay's own"
assert_ge "${delta[drop_unknown_key]}" 1 "the stranger's handshakes are refused"
assert_ge "${delta[drop_replay]}" 1 "replayed initiations to the relay are refused"
assert_ge "${delta[drop_unknown_endpoint]}" 20 "initiations naming the hub from an unknown endpoint"
assert_ge "${delta[drop_malformed]}" 18 "truncated and oversized messages"
assert_eq "$stranger_hs" 0 "the stranger never completed a handshake"

# The legitimate pair still works.
ping_ok spoke 10.120.0.1 3
ping_ok hub 10.120.0.10 3
echo "hub and spoke unaffected"
