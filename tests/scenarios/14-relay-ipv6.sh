#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# The relay over IPv6. A hub (kernel WireGuard) and a spoke (wireguard-go),
# each behind its own NAT66 router, reach the relay at [2001:db8::2]:8787
# only: their relay peer and the spoke's hub peer use that endpoint. The hub
# declares the spoke in-tunnel; ping both ways, iperf3 5 MB each way, the
# relay's sessions show at least the bytes iperf3 received each way and its peers list shows both
# at their IPv6 public addresses. Then a mixed pair: a second spoke (kernel
# WireGuard) reaches the relay over IPv4 while the hub stays on IPv6, so the
# relay forwards between address families.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

# iperf_run NAME CLIENT_NS SERVER_ADDR BYTES [-R]: BYTES of TCP through the
# tunnel, CLIENT_NS to the iperf3 server on the hub (-R: the other way).
# Sets IPERF_RECEIVED to the bytes the receiving end got (with -n, iperf3
# ends the test when the sender has written BYTES, so a part of them may
# still be in flight and is not counted).
iperf_run() {
	local name=$1 ns=$2 addr=$3 bytes=$4
	shift 4
	topo_bg hub iperf3 -s -1 -B "$addr"
	wait_until 20 ip netns exec hub sh -c 'ss -ltn | grep -q ":5201 "'
	ip netns exec "$ns" iperf3 -c "$addr" -n "$bytes" "$@" -J >"$WGX_LOGDIR/iperf-$name.json"
	wait "$TOPO_LAST_PID" || true
	python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print("iperf3 %s: %.1f Mbit/s, %d bytes received" % (sys.argv[2], e["sum_received"]["bits_per_second"] / 1e6, e["sum_received"]["bytes"]))' \
		"$WGX_LOGDIR/iperf-$name.json" "$name"
	IPERF_RECEIVED=$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"])' "$WGX_LOGDIR/iperf-$name.json")
	assert_ge "$IPERF_RECEIVED" 1000000 "iperf3 $name: bytes received"
}

# check_session HUB SPOKE MIN_H2S MIN_S2H: the relay's session for the pair
# has at least these many bytes each way.
check_session() {
	wgx_in relay relay sessions --json | python3 -c '
import json, sys
hub, spoke, h2s, s2h = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ss = json.load(sys.stdin)["sessions"]
m = [s for s in ss if s["hub"] == hub and s["spoke"] == spoke]
assert m, "no session for the pair: %r" % ss
s = m[0]
print("session %s..-%s..: hub->spoke %d bytes, spoke->hub %d bytes" %
      (hub[:8], spoke[:8], s["hub_to_spoke_bytes"], s["spoke_to_hub_bytes"]))
assert s["hub_to_spoke_bytes"] >= h2s, s
assert s["spoke_to_hub_bytes"] >= s2h, s
' "$(wgx_key "$1")" "$(wgx_key "$2")" "$3" "$4"
}

# check_endpoint SITE EXPECTED: the relay has SITE's peer at EXPECTED.
check_endpoint() {
	local ep
	ep=$(wgx_peer_field "$(wgx_key "$1")" endpoint)
	echo "the relay sees $1 at $ep"
	assert_eq "$ep" "$2" "$1's endpoint at the relay"
}

echo "== hub and spoke on IPv6"
RELAY_EP6="[$RELAY6]:$RELAY_PORT"
wgx_relay_up
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 go wgo1 10.120.0.10
wgx_link_spoke hub wg0 spoke wgo1 10.120.0.10
assert_eq "$(ip netns exec spoke wg show wgo1 endpoints | awk -v k="$(wgx_key hub)" '$1 == k { print $2 }')" \
	"$RELAY_EP6" "the spoke's hub peer endpoint"

# First handshakes can take a few seconds on a loaded VM: wait for them
# before counting answers (ping_ok gives the first answer 2 s).
wgx_ping_wait hub 10.120.0.2 60 >/dev/null
wgx_ping_wait spoke 10.120.0.2 60 >/dev/null
ping_ok hub 10.120.0.2
ping_ok spoke 10.120.0.2
check_endpoint hub "[$(topo_pub6 hub)]:51820"
check_endpoint spoke "[$(topo_pub6 spoke)]:51820"

wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)"
wgx_ping_wait spoke 10.120.0.1 60 >/dev/null
ping_ok spoke 10.120.0.1 5
ping_ok hub 10.120.0.10 5
ping_ok spoke "$(topo_lan4 hub 2)" 3

iperf_run v6-up spoke 10.120.0.1 5M
up=$IPERF_RECEIVED
iperf_run v6-down spoke 10.120.0.1 5M -R
# Every byte iperf3 received went through the relay's session.
check_session hub spoke "$IPERF_RECEIVED" "$up"
# Nothing went over IPv4: the relay's peers are still at their IPv6
# addresses and the spoke's NAT router has no IPv4 flow to the relay.
check_endpoint hub "[$(topo_pub6 hub)]:51820"
check_endpoint spoke "[$(topo_pub6 spoke)]:51820"
ip netns exec spoke-nat conntrack -L -p udp --dst "$RELAY4" 2>/dev/null | tee "$TOPO_DIR/ct4"
[ ! -s "$TOPO_DIR/ct4" ] || fail "the spoke talked to the relay over IPv4"
fwd_v6=$(wgx_stat fwd_packets)
echo "forwarded packets over IPv6: $fwd_v6"
assert_ge "$fwd_v6" 7000 "forwarded packets"

echo "== mixed: spoke2 on IPv4, the hub on IPv6"
unset RELAY_EP6
wgx_peer_site spoke2 3 kernel wg0 10.120.0.11
wgx_link_spoke hub wg0 spoke2 wg0 10.120.0.11
wgx_ping_wait spoke2 10.120.0.2 60 >/dev/null
ping_ok spoke2 10.120.0.2
check_endpoint spoke2 "$(topo_pub4 spoke2):51820"
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)" "$(wgx_key spoke2)"
wgx_ping_wait spoke2 10.120.0.1 60 >/dev/null
ping_ok spoke2 10.120.0.1 5
ping_ok hub 10.120.0.11 5
iperf_run mixed-up spoke2 10.120.0.1 5M
up=$IPERF_RECEIVED
iperf_run mixed-down spoke2 10.120.0.1 5M -R
check_session hub spoke2 "$IPERF_RECEIVED" "$up"
check_endpoint hub "[$(topo_pub6 hub)]:51820"
check_endpoint spoke2 "$(topo_pub4 spoke2):51820"
# The IPv6 pair still works next to it.
ping_ok spoke 10.120.0.1 3
ping_ok hub 10.120.0.10 3

wgx_in relay relay peers
wgx_in relay relay sessions
wgx_in relay relay status
echo "forwarded packets: $(wgx_stat fwd_packets) ($fwd_v6 in the IPv6-only part)"
