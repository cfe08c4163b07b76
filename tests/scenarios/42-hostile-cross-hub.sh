#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Issue 6, two hubs on one relay: H1 with spoke S1, H2 with spoke S2, all
# four keys in AllowedPublicKeys (12-relay-declare covers one hub and its
# undeclared or removed spokes; this is the multi-hub case). Proven:
#   - a spoke of H1 that points a peer at H2 (endpoint the relay) reaches
#     nothing: its initiations are dropped as drop_no_route, H2 receives no
#     packet and the relay has no (H2, S1) session;
#   - H2 declaring H1's spoke S1, and H1 itself, as its own spokes, and then
#     initiating to them, redirects none of H1's traffic: S1's packets still
#     go to H1 only (the relay's per-session counters and H2's nft counters),
#     S1 and H1 never complete a handshake with H2, and H1's LAN is reached
#     only by S1; H2 cannot declare itself; removing the routes again leaves
#     H1 and S1 working.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

for n in h1 h2 s1 s2; do topo_wg_keypair "$n"; done
wgx_relay_up "$(topo_wg_pubkey h1),$(topo_wg_pubkey h2),$(topo_wg_pubkey s1),$(topo_wg_pubkey s2)"
wgx_peer_site h1 1 kernel wg0 10.120.0.1
wgx_peer_site h2 2 kernel wg0 10.120.0.5
wgx_peer_site s1 3 kernel wg0 10.120.0.10
wgx_peer_site s2 4 go wgo4 10.120.0.20
H1=$(wgx_key h1) H2=$(wgx_key h2) S1=$(wgx_key s1) S2=$(wgx_key s2)
wgx_link_spoke h1 wg0 s1 wg0 10.120.0.10
# H2 and S2 by hand (wgx_link_spoke knows one hub address, 10.120.0.1).
topo_wg_peer s2 wgo4 "$H2" endpoint "$RELAY_EP" allowed-ips "10.120.0.5/32,$(topo_lan4 h2 0)/24" \
	persistent-keepalive 25
topo_wg_peer h2 wg0 "$S2" allowed-ips 10.120.0.20/32
# H1 routes to its LAN.
ip netns exec h1 sysctl -qw net.ipv4.ip_forward=1
ip -n h1-lan route add 10.120.0.0/16 via "$(topo_lan4 h1)"
wgx_in h1 hub set-peers 10.120.0.2 "$S1"
wgx_in h2 hub set-peers 10.120.0.2 "$S2"
wgx_wait_ping s1 10.120.0.1
wgx_wait_ping s2 10.120.0.5
echo "H1 <-> S1 and H2 <-> S2 work"
# S2 falls silent towards H2: no keepalive, so no rekey initiation of its
# own reaches H2 while H2's counters are read (WireGuard rekeys a session
# that sends after 120 s).
topo_wg_peer s2 wgo4 "$H2" persistent-keepalive 0

# Counters. At H2: handshake initiations (148 bytes of payload) and cookie
# replies (64) that the relay sends it -- the relay itself never initiates
# and is not under load, so each would be another peer's, forwarded (a
# response or data of another peer needs a (H2, X) session, checked in the
# relay's sessions dump and H2's handshakes). At H1's LAN host: packets
# from the tunnel. At S1: initiations it sends to the relay.
ip netns exec h2 nft -f - <<NFT
table inet count {
	counter foreign { }
	chain input {
		type filter hook input priority -10;
		iifname "eth0" ip saddr $RELAY4 udp sport $RELAY_PORT udp length { 72, 156 } counter name foreign
	}
}
NFT
ip netns exec h1-lan nft -f - <<NFT
table inet count {
	counter from_tunnel { }
	chain input { type filter hook input priority -10; ip saddr 10.120.0.0/16 counter name from_tunnel; }
}
NFT
ip netns exec s1 nft -f - <<NFT
table inet count {
	counter initiations { }
	counter initiations_in { }
	chain output { type filter hook output priority -10; ip daddr $RELAY4 udp dport $RELAY_PORT udp length 156 counter name initiations; }
	chain input { type filter hook input priority -10; ip saddr $RELAY4 udp sport $RELAY_PORT udp length 156 counter name initiations_in; }
}
NFT
nftc() { ip netns exec "$1" nft list counter inet count "$2" | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
# session HUB SPOKE FIELD: a field of the relay's (HUB, SPOKE) session, or
# "none" when the relay has no such session.
session() {
	wgx_in relay relay sessions --json | python3 -c '
import json, sys
m = [s for s in json.load(sys.stdin)["sessions"] if s["hub"] == sys.argv[1] and s["spoke"] == sys.argv[2]]
print(m[0][sys.argv[3]] if m else "none")' "$1" "$2" "$3"
}
routes() {
	wgx_in relay relay routes --json | python3 -c '
import json, sys
n = {sys.argv[1]: "H1", sys.argv[2]: "H2", sys.argv[3]: "S1", sys.argv[4]: "S2"}
print(" ".join(sorted("%s>%s" % (n[r["hub"]], n[r["spoke"]]) for r in json.load(sys.stdin)["routes"])))' "$H1" "$H2" "$S1" "$S2"
}
handshake() { topo_wg_handshake "$1" "$2" "$3"; }
echo "routes: $(routes)"
assert_eq "$(routes)" "H1>S1 H2>S2" "routes"

# 1. S1 points a peer at H2, which never declared it.
foreign0=$(nftc h2 foreign)
noroute0=$(wgx_stat drop_no_route)
inits0=$(nftc s1 initiations)
s1relay0=$(handshake s1 wg0 "$RELAY_PUB")
topo_wg_peer s1 wg0 "$H2" endpoint "$RELAY_EP" allowed-ips 10.120.0.5/32
ping_fail s1 10.120.0.5
sleep 11	# WireGuard retries the initiation every 5 s
ping_fail s1 10.120.0.5
s1h2=$(handshake s1 wg0 "$H2")
# No more retries while the counters are read.
topo_wg_peer s1 wg0 "$H2" remove
sleep 1
d_inits=$(($(nftc s1 initiations) - inits0))
# One of them may be S1's own rekey with the relay.
[ "$(handshake s1 wg0 "$RELAY_PUB")" = "$s1relay0" ] || d_inits=$((d_inits - 1))
d_noroute=$(($(wgx_stat drop_no_route) - noroute0))
d_foreign=$(($(nftc h2 foreign) - foreign0))
echo "S1 -> H2 (undeclared): S1 sent $d_inits initiations, relay drop_no_route +$d_noroute, initiations arrived at H2: $d_foreign, (H2,S1) session: $(session "$H2" "$S1" spoke_to_hub_packets), S1-H2 handshake: $s1h2"
assert_ge "$d_inits" 2 "S1's initiations towards H2"
assert_eq "$d_noroute" "$d_inits" "S1's initiations towards H2 dropped as no-route"
assert_eq "$d_foreign" 0 "packets of S1 at H2"
assert_eq "$(session "$H2" "$S1" spoke_to_hub_packets)" none "a (H2, S1) session"
assert_eq "$s1h2" 0 "S1 handshook with H2"
ping_ok s1 10.120.0.1 3

# 2. H2 declares H1's spoke and H1 as its own spokes; it cannot declare
# itself.
if wgx_in h2 hub set-peers 10.120.0.2 "$S2" "$H2" 2>"$TOPO_DIR/err"; then
	fail "H2 declared itself as its own spoke"
fi
echo "H2 declaring itself: $(cat "$TOPO_DIR/err")"
assert_eq "$(routes)" "H1>S1 H2>S2" "routes after H2's refused set"
wgx_in h2 hub set-peers 10.120.0.2 "$S2" "$S1" "$H1"
echo "routes: $(routes)"
assert_eq "$(routes)" "H1>S1 H2>H1 H2>S1 H2>S2" "routes after H2's declaration"

# H2 tries to use them: peers S1 and H1 with the relay as endpoint (its
# initiations are forwarded -- H2 declared them -- and refused by S1's and
# H1's WireGuard, which do not know H2). Meanwhile S1 talks to H1 and its LAN.
topo_wg_peer h2 wg0 "$S1" endpoint "$RELAY_EP" allowed-ips 10.120.0.10/32 persistent-keepalive 1
topo_wg_peer h2 wg0 "$H1" endpoint "$RELAY_EP" allowed-ips 10.120.0.1/32 persistent-keepalive 1
foreign0=$(nftc h2 foreign)
s1in0=$(nftc s1 initiations_in)
lan0=$(nftc h1-lan from_tunnel)
s1h1_0=$(session "$H1" "$S1" spoke_to_hub_packets)
h1s1_0=$(session "$H1" "$S1" hub_to_spoke_packets)
# A fresh handshake of S1 with H1 while both hubs route S1: it goes to H1.
hs_h1=$(handshake h1 wg0 "$S1")
topo_wg_peer s1 wg0 "$H1" remove
wgx_link_spoke h1 wg0 s1 wg0 10.120.0.10
wgx_wait_ping s1 10.120.0.1
[ "$(handshake h1 wg0 "$S1")" != "$hs_h1" ] || fail "S1's new handshake did not reach H1"
echo "S1's new handshake reached H1"
ping_ok s1 10.120.0.1 10
ping_ok s1 "$(topo_lan4 h1 3)" 10
ping_ok h1 10.120.0.10 5
sleep 6	# H2's initiations: at least one retry
d_foreign=$(($(nftc h2 foreign) - foreign0))
d_s1in=$(($(nftc s1 initiations_in) - s1in0))
d_lan=$(($(nftc h1-lan from_tunnel) - lan0))
d_s1h1=$(($(session "$H1" "$S1" spoke_to_hub_packets) - s1h1_0))
d_h1s1=$(($(session "$H1" "$S1" hub_to_spoke_packets) - h1s1_0))
h2s1_fwd=$(session "$H2" "$S1" hub_to_spoke_packets)
h2h1_fwd=$(session "$H2" "$H1" hub_to_spoke_packets)
s1_to_h2=$(session "$H2" "$S1" spoke_to_hub_packets)
h1_to_h2=$(session "$H2" "$H1" spoke_to_hub_packets)
echo "S1 -> H1 during H2's attempts: $d_s1h1 packets relayed to H1, $d_h1s1 back; H1's LAN host got $d_lan from the tunnel"
echo "H2's initiations arrived at S1 (refused by its WireGuard): $d_s1in"
echo "H2's sessions (packets relayed): to S1 $h2s1_fwd, to H1 $h2h1_fwd; answers relayed to H2: from S1 $s1_to_h2, from H1 $h1_to_h2; handshake messages of others at H2: $d_foreign"
echo "handshakes with H2: S1 $(handshake s1 wg0 "$H2"), H1 $(handshake h1 wg0 "$H2"), H2's of S1 $(handshake h2 wg0 "$S1"), of H1 $(handshake h2 wg0 "$H1")"
assert_eq "$d_foreign" 0 "packets from S1 or H1 at H2"
assert_ge "$d_s1in" 1 "H2's initiations forwarded to S1 (declared by H2)"
# Sessions (H2, S1) / (H2, H1) exist only once a handshake message went
# through; none may carry a packet towards H2.
for v in "$s1_to_h2" "$h1_to_h2"; do
	case $v in none | 0) ;; *) fail "packets relayed to H2 on its declared routes: $v" ;; esac
done
assert_eq "$(handshake h2 wg0 "$S1")" 0 "H2 handshook with S1"
assert_eq "$(handshake h2 wg0 "$H1")" 0 "H2 handshook with H1"
assert_ge "$d_s1h1" 20 "S1's packets relayed to H1"
assert_ge "$d_h1s1" 20 "H1's packets relayed to S1"
assert_ge "$d_lan" 10 "S1's pings at H1's LAN host"

# 3. H2 gives up (its routes to S1 and H1 removed): H1 and S1 unaffected.
topo_wg_peer h2 wg0 "$S1" remove
topo_wg_peer h2 wg0 "$H1" remove
wgx_in h2 hub set-peers 10.120.0.2 "$S2"
assert_eq "$(routes)" "H1>S1 H2>S2" "routes after H2's removal"
ping_ok s1 10.120.0.1 3
ping_ok h1 10.120.0.10 3
ping_ok s2 10.120.0.5 3
echo "after H2's removal: H1 <-> S1 and H2 <-> S2 work"
