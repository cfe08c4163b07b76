#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Issue 3, scenarios 1 and 2: a hub (kernel WireGuard) and a spoke
# (wireguard-go), each behind its own NAT, talk through wgx.ko after the hub
# declared the spoke in-tunnel. Ping both ways, 50 MB with iperf3, the
# relay's sessions show the pair with bytes both ways, and its counters show
# the traffic was forwarded, not decrypted. Then a second spoke whose hub
# peer points at the relay, and the hub initiates the first handshake.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

wgx_relay_up
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 go wgo1 10.120.0.10
wgx_link_spoke hub wg0 spoke wgo1 10.120.0.10

# Both reach the relay itself: its inner address answers pings.
ping_ok hub 10.120.0.2
ping_ok spoke 10.120.0.2

# Before the hub declares the spoke, nothing gets through.
ping_fail spoke 10.120.0.1
nr=$(wgx_stat drop_no_route)
assert_ge "$nr" 1 "initiations to an undeclared hub are dropped as no-route"

wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)"
wgx_in relay relay routes
wgx_wait_ping spoke 10.120.0.1
ping_ok spoke 10.120.0.1 5
ping_ok hub 10.120.0.10 5
ping_ok spoke "$(topo_lan4 hub 2)" 3

# 50 MB spoke -> hub and hub -> spoke through the relay.
own_before=$(wgx_stat own_data)
topo_bg hub iperf3 -s -1 -B 10.120.0.1
sleep 1
ip netns exec spoke iperf3 -c 10.120.0.1 -n 50M -J >"$WGX_LOGDIR/iperf-up.json"
topo_bg hub iperf3 -s -1 -B 10.120.0.1
sleep 1
ip netns exec spoke iperf3 -c 10.120.0.1 -n 20M -R -J >"$WGX_LOGDIR/iperf-down.json"
for f in up down; do
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = d["end"]
print("iperf3 %s: %.1f Mbit/s, %d bytes" % (sys.argv[2], e["sum_received"]["bits_per_second"] / 1e6, e["sum_received"]["bytes"]))' \
		"$WGX_LOGDIR/iperf-$f.json" "$f"
done

wgx_in relay relay sessions
wgx_in relay relay status
sessions=$(wgx_in relay relay sessions --json)
echo "$sessions" | python3 -c '
import json, sys
hub, spoke = sys.argv[1], sys.argv[2]
d = json.load(sys.stdin)
ss = d["sessions"] if isinstance(d, dict) else d
m = [s for s in ss if s["hub"] == hub and s["spoke"] == spoke]
assert m, "no session for the pair: %r" % ss
s = m[0]
print("session hub->spoke %d bytes, spoke->hub %d bytes" % (s["hub_to_spoke_bytes"], s["spoke_to_hub_bytes"]))
assert s["spoke_to_hub_bytes"] > 50_000_000, s
assert s["hub_to_spoke_bytes"] > 20_000_000, s
' "$(wgx_key hub)" "$(wgx_key spoke)"

# Forwarded, not decrypted: the relay decrypted only keepalives and pings.
fwd=$(wgx_stat fwd_packets)
own=$(wgx_stat own_data)
echo "forwarded packets: $fwd, own data packets decrypted during iperf3: $((own - own_before))"
assert_ge "$fwd" 40000 "forwarded packets"
[ $((own - own_before)) -lt 100 ] || fail "the relay decrypted $((own - own_before)) packets during the transfer"

# Scenario 2: the hub initiates to a new spoke through the relay.
wgx_peer_site spoke2 3 kernel wg0 10.120.0.11
wgx_link_spoke hub wg0 spoke2 wg0 10.120.0.11 --hub-endpoint
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)" "$(wgx_key spoke2)"
# spoke2 has never sent a packet to the hub: the hub's ping makes the first
# handshake.
assert_eq "$(topo_wg_handshake spoke2 wg0 "$(wgx_key hub)")" 0 "spoke2 has no session yet"
ping_ok hub 10.120.0.11 3
assert_ge "$(topo_wg_handshake hub wg0 "$(wgx_key spoke2)")" 1 "hub-initiated handshake"
echo "hub-initiated handshake to spoke2 succeeded"

# Scenario 3: a relay host with sch_fq on its uplink (the usual BBR setup)
# and a socket that asks for receive timestamps (chrony does; it turns them
# on for every received packet). A forwarded packet must leave without its
# receive timestamp, which fq would take for a send time far beyond its
# horizon and drop (ip_forward clears it; wgx scrubs what it forwards).
if ! modprobe sch_fq; then
	# A debug kernel cached before sch_fq joined wgx-debug.config.
	case $(uname -r) in
	*wgx-debug*) echo "scenario 3 skipped: this debug kernel has no sch_fq (rebuild it)"; exit 0 ;;
	*) fail "modprobe sch_fq" ;;
	esac
fi
ip netns exec relay tc qdisc replace dev eth0 root fq
topo_bg relay python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)	# SO_TIMESTAMP (Python has no name for it)
s.bind(("127.0.0.1", 0))
print("timestamps on", flush=True)
time.sleep(1e6)'
sleep 1
kill -0 "$TOPO_LAST_PID" 2>/dev/null || fail "the timestamping socket is gone: $(cat "$WGX_LOGDIR"/bg-*-python3.log)"
fwd0=$(wgx_stat fwd_packets)
ping_ok spoke 10.120.0.1 5
ping_ok hub 10.120.0.11 5
fq=$(ip netns exec relay tc -s qdisc show dev eth0)
echo "$fq"
grep -q "^qdisc fq " <<<"$fq" || fail "no fq qdisc on the relay's eth0"
# tc prints horizon_drops only when there are some.
horizon=$(sed -n 's/.*horizon_drops \([0-9]*\).*/\1/p' <<<"$fq")
assert_eq "${horizon:-0}" 0 "packets fq dropped as beyond its horizon"
echo "with fq and receive timestamps on: $(($(wgx_stat fwd_packets) - fwd0)) packets forwarded, 0 horizon drops"
