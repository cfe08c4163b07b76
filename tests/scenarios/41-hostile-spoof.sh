#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Issue 6, spoofing: an attacker on the Internet forges the source of an
# authenticated spoke (its NAT's public address and port, raw socket) and
# sends novel packets: transport data with the spoke's real session index
# (as an observer of its traffic sees it) and fresh counters, handshake
# initiations whose mac1 names the hub, and handshake responses on the
# session's index. The relay cannot tell them from the spoke's own (the
# inherent limit of an unauthenticated forwarder), so it forwards them; what
# is proven is where they stop:
#   - forged initiations are rate-limited per source at the relay (100/s,
#     burst 200: drop_ratelimited), and cannot push the live session's
#     indices out of the relay;
#   - the hub's WireGuard authenticates none of them: its spoke peer's
#     received bytes, the packets that come out of its wg0 and what it
#     routes to its LAN do not move, while the forged datagrams are counted
#     arriving at its UDP port;
#   - nothing reaches the hub's LAN host (nft counters there stay at 0);
#   - the legitimate spoke keeps reaching the hub and its LAN at once.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

topo_wg_keypair hub
topo_wg_keypair spoke
wgx_relay_up "$(topo_wg_pubkey hub),$(topo_wg_pubkey spoke)"
topo_attacker

# What an observer of the spoke's traffic sees: the session's receiver index
# and counters, in the clear.
topo_site spoke 2
topo_bg spoke-nat tcpdump -i wan0 -U -w "$TOPO_DIR/spoke.pcap" udp port 8787
capture=$TOPO_LAST_PID
sleep 1
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 kernel wg0 10.120.0.10
wgx_link_spoke hub wg0 spoke wg0 10.120.0.10
# The hub routes between the tunnel and its LAN.
ip netns exec hub sysctl -qw net.ipv4.ip_forward=1
ip -n hub-lan route add 10.120.0.0/16 via "$(topo_lan4 hub)"
hub_lan=$(topo_lan4 hub 3)
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)"

# Counters: forged datagrams arriving at the hub's WireGuard port (data:
# 216 bytes of UDP, used by nothing legitimate here; initiations: 156, the
# relay itself never initiates and the spoke is quiet), what comes
# out of the hub's wg0 (input and forwarded), what its LAN host receives
# from the tunnel.
ip netns exec hub nft -f - <<NFT
table inet count {
	counter forged_in { }
	counter init_in { }
	counter wg_in { }
	counter wg_fwd { }
	chain input {
		type filter hook input priority -10;
		iifname "eth0" ip saddr $RELAY4 udp sport $RELAY_PORT udp length 216 counter name forged_in
		iifname "eth0" ip saddr $RELAY4 udp sport $RELAY_PORT udp length 156 counter name init_in
		iifname "wg0" counter name wg_in
	}
	chain forward {
		type filter hook forward priority -10;
		iifname "wg0" counter name wg_fwd
	}
}
NFT
ip netns exec hub-lan nft -f - <<NFT
table inet count {
	counter from_tunnel { }
	chain input {
		type filter hook input priority -10;
		ip saddr 10.120.0.0/16 counter name from_tunnel
	}
}
NFT
nftc() { ip netns exec "$1" nft list counter inet count "$2" | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }

wgx_wait_ping spoke 10.120.0.1
ping_ok spoke "$hub_lan" 3
lan0=$(nftc hub-lan from_tunnel)
assert_ge "$lan0" 3 "the spoke's pings counted on the hub's LAN host"
echo "legitimate: the spoke reaches the hub and its LAN host ($lan0 packets counted there)"

# Quiet: no legitimate packet from the spoke towards the hub during the
# attack (no keepalive; the hub pings last so that the spoke's last packet
# is its reply and it owes no passive keepalive).
ip netns exec spoke wg set wg0 peer "$(wgx_key hub)" persistent-keepalive 0
ping_ok hub 10.120.0.10 1
sleep 1
kill "$capture"
wait "$capture" 2>/dev/null || true

spoke_pub=$(topo_pub4 spoke)
spoke_ep=$(wgx_peer_field "$(wgx_key spoke)" endpoint)
# The spoke's data to the hub: its transport packets with a payload (to the
# relay it sends only keepalives, 32 bytes); the last one's session.
read -r sidx scounter < <(PYTHONPATH=$WGX_ROOT/tests/lib python3 - "$TOPO_DIR/spoke.pcap" "$spoke_pub" <<'PY'
import struct, sys
from wgpkt import pcap_payloads
top, idx = {}, None
for p in pcap_payloads(sys.argv[1], sys.argv[2]):
    if len(p) > 32 and p[0] == 4:
        idx, ctr = struct.unpack("<IQ", p[4:16])
        top[idx] = max(ctr, top.get(idx, 0))
assert idx is not None, "no data from the spoke in the capture"
print(idx, top[idx])   # the session in use last
PY
)
echo "observed: the spoke ($spoke_ep) sends the hub data with index $sidx, counter up to $scounter"

# The attacker's forging tool: raw IPv4/UDP from the spoke's endpoint.
cat >"$TOPO_DIR/forge.py" <<'PY'
import base64, os, struct, sys, time
sys.path.insert(0, os.environ["WGX_ROOT"] + "/tests/lib")
from wgpkt import mac1, spoofed
import socket
relay, port, src, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sip, sport = src.rsplit(":", 1)
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
msgs = []
if kind == "data":            # INDEX FIRST_COUNTER COUNT: 208-byte transport data
    idx, first, n = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    for i in range(n):
        msgs.append(struct.pack("<IIQ", 4, idx, first + i) + os.urandom(192))
elif kind == "initiation":    # KEY SECONDS: mac1 keyed to KEY, garbage inside
    pub, secs = base64.b64decode(sys.argv[5]), float(sys.argv[6])
    t0, n = time.monotonic(), 0
    while time.monotonic() - t0 < secs:
        for _ in range(50):
            body = struct.pack("<I", 1) + os.urandom(4 + 32 + 48 + 28)
            m = body + mac1(body, pub) + bytes(16)
            raw.sendto(spoofed(sip, int(sport), relay, port, m), (relay, 0))
            n += 1
    print(n, "%.2f" % (time.monotonic() - t0))
    sys.exit(0)
elif kind == "response":      # KEY INDEX COUNT: responses on the index, mac1 keyed to KEY
    pub, idx, n = base64.b64decode(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    for _ in range(n):
        body = struct.pack("<I", 2) + os.urandom(4) + struct.pack("<I", idx) + os.urandom(32 + 16)
        msgs.append(body + mac1(body, pub) + bytes(16))
t0 = time.monotonic()
for m in msgs:
    raw.sendto(spoofed(sip, int(sport), relay, port, m), (relay, 0))
print(len(msgs), "%.2f" % (time.monotonic() - t0))
PY
forge() { ip netns exec attacker python3 "$TOPO_DIR/forge.py" "$RELAY4" "$RELAY_PORT" "$spoke_ep" "$@"; }

stats=(fwd_packets fwd_handshakes drop_ratelimited drop_unknown_index drop_replay drop_bad_mac
       drop_no_route drop_unknown_endpoint drop_malformed drop_offline drop_tx_error)
declare -A s0 s1
# relay_stats ARRAY: every relay counter into the associative ARRAY.
relay_stats() {
	local k v
	while read -r k v; do
		eval "$1[\$k]=\$v"
	done < <(wgx_in relay relay status --json | python3 -c '
import json, sys
for k, v in json.load(sys.stdin)[0]["stats"].items():
    print(k, v)')
}
# Packets the relay forwarded from the spoke towards the hub.
to_hub() {
	wgx_in relay relay sessions --json | python3 -c '
import json, sys
print(sum(s["spoke_to_hub_packets"] for s in json.load(sys.stdin)["sessions"]))'
}
snap() {
	relay_stats s0
	rx0=$(ip netns exec hub wg show wg0 transfer | awk -v k="$(wgx_key spoke)" '$1 == k { print $2 }')
	hs0=$(topo_wg_handshake hub wg0 "$(wgx_key spoke)")
	tohub0=$(to_hub)
	in0=$(nftc hub forged_in); init0=$(nftc hub init_in); wgin0=$(nftc hub wg_in); wgfwd0=$(nftc hub wg_fwd)
	lan0=$(nftc hub-lan from_tunnel)
}
# report WHAT SENT: print the figures of the attack since snap; sets d_*.
report() {
	local s line=""
	relay_stats s1
	for s in "${stats[@]}"; do
		eval "d_$s=$((s1[$s] - s0[$s]))"
		line+=" $s=+$((s1[$s] - s0[$s]))"
	done
	d_tohub=$(($(to_hub) - tohub0))
	d_rx=$(($(ip netns exec hub wg show wg0 transfer | awk -v k="$(wgx_key spoke)" '$1 == k { print $2 }') - rx0))
	d_in=$(($(nftc hub forged_in) - in0))
	d_init=$(($(nftc hub init_in) - init0))
	d_wgin=$(($(nftc hub wg_in) - wgin0))
	d_wgfwd=$(($(nftc hub wg_fwd) - wgfwd0))
	d_lan=$(($(nftc hub-lan from_tunnel) - lan0))
	d_hs=$([ "$(topo_wg_handshake hub wg0 "$(wgx_key spoke)")" = "$hs0" ] && echo 0 || echo 1)
	echo "[$(cut -d' ' -f1 /proc/uptime)] $1: $2 sent as $spoke_ep"
	echo "  relay:$line"
	echo "  relay: forwarded from the spoke's address towards the hub: $d_tohub"
	echo "  hub: forged data arrived $d_in, initiations $d_init, spoke peer rx bytes +$d_rx, new handshake $d_hs, out of wg0: input $d_wgin forwarded $d_wgfwd"
	echo "  hub LAN host: from the tunnel $d_lan"
	ip -n hub -s link show wg0 | sed -n '/RX:/{n;s/^ */  hub wg0 RX (bytes packets errors dropped ...): /p}'
}
# Nothing authenticated at the hub, nothing out of wg0, nothing on the LAN.
hub_clean() {
	assert_eq "$d_rx" 0 "$1: bytes the hub's WireGuard accepted from the spoke"
	assert_eq "$d_hs" 0 "$1: a handshake of the hub with the spoke"
	assert_eq "$d_wgin" 0 "$1: packets out of the hub's wg0 (input)"
	assert_eq "$d_wgfwd" 0 "$1: packets out of the hub's wg0 (forwarded)"
	assert_eq "$d_lan" 0 "$1: packets from the tunnel at the hub's LAN host"
}

# 1. Transport data on the live session's index, counters just ahead of
# the spoke's own (each fresh; far enough ahead not to take the counters the
# spoke uses next). The relay forwards every one; the hub authenticates none.
snap
read -r n secs < <(forge data "$sidx" $((scounter + 1000)) 500)
sleep 2
report "forged data" "$n"
assert_eq "$d_tohub" "$n" "forged data forwarded towards the hub (the relay cannot tell them apart)"
assert_eq "$d_in" "$n" "forged data arriving at the hub's port"
hub_clean "forged data"
ping_ok spoke 10.120.0.1 3
ping_ok spoke "$hub_lan" 3
echo "  the spoke still reaches the hub and its LAN"

# 2. Handshake initiations naming the hub, as fast as the attacker can for
# 4 s: the per-source limiter passes a burst of 200 then 100/s. Each one the
# relay forwards makes it learn an index on the (hub, spoke) route, which
# holds 16: unanswered ones must make room among themselves, not push out
# the live session's.
ip netns exec spoke wg set wg0 peer "$(wgx_key hub)" persistent-keepalive 0
ping_ok hub 10.120.0.10 1
sleep 1
snap
echo "[$(cut -d' ' -f1 /proc/uptime)] forging initiations for 4 s"
read -r n secs < <(forge initiation "$(wgx_key hub)" 4)
sleep 2
# The sender's own measure of its window, rounded up, and a second more.
elapsed=$(awk "BEGIN { printf \"%d\", $secs + 1.999 }")
report "forged initiations" "$n (in ${secs}s)"
assert_eq $((d_fwd_handshakes + d_drop_ratelimited)) "$n" "forged initiations forwarded or rate-limited"
assert_eq "$d_init" "$d_fwd_handshakes" "forwarded initiations arriving at the hub"
# At most the burst and 100/s over the sending window.
limit=$((200 + 100 * elapsed))
[ "$d_fwd_handshakes" -le "$limit" ] ||
	fail "$d_fwd_handshakes forged initiations forwarded in ${elapsed}s, the limiter allows $limit"
assert_ge "$d_drop_ratelimited" $((n - limit)) "forged initiations rate-limited"
hub_clean "forged initiations"
echo "  rate limit: $d_fwd_handshakes forwarded (<= $limit allowed in ${elapsed}s), $d_drop_ratelimited dropped"
ping_ok spoke 10.120.0.1 3
ping_ok spoke "$hub_lan" 3
echo "  the spoke still reaches the hub and its LAN"

# 3. Handshake responses on the session's data index (mac1 keyed to the
# hub, as a response from the spoke would be): the hub has no handshake for
# them; the relay takes none as a new session.
ip netns exec spoke wg set wg0 peer "$(wgx_key hub)" persistent-keepalive 0
ping_ok hub 10.120.0.10 1
sleep 1
snap
read -r n secs < <(forge response "$(wgx_key hub)" "$sidx" 50)
sleep 2
report "forged responses" "$n"
assert_eq $((d_fwd_handshakes + d_drop_ratelimited + d_drop_replay + d_drop_unknown_index + d_drop_bad_mac)) "$n" \
	"forged responses accounted for"
hub_clean "forged responses"
ping_ok spoke 10.120.0.1 3
ping_ok spoke "$hub_lan" 3
echo "  the spoke still reaches the hub and its LAN"
