#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# `make demo`: the whole wgx network in one VM, for a newcomer. A relay on
# the "Internet" (203.0.113.2), a hub behind its own NAT with a LAN host,
# spoke A (kernel WireGuard, set up with wgx spoke) and spoke B (wireguard-go
# configured only from the text 'wgx hub add-spoke' printed, as a phone
# would). Shows what each side sees: wgx relay status and sessions, wgx hub
# list, wg show on the hub and the spokes, a ping and a short iperf3 through
# the relay -- which forwards the hub's and spokes' packets without ever
# decrypting them.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/hubspoke.sh"
topo_init

step() {
	printf '\n######## %s\n\n' "$*"
}

# run NS CMD...: show the command as typed on that machine, then run it.
run() {
	local ns=$1 shown
	shift
	shown="$*"
	[ "$1" = "$WGX_TOOL" ] && shown="wgx ${*:2}"
	echo "$ns# $shown"
	ip netns exec "$ns" "$@"
}

PING=(ping)
command -v ping >/dev/null || PING=(busybox ping)

step "1. The network: a relay with a public address, a hub and two spokes, each behind its own NAT"
cat <<'EOF'
        relay 203.0.113.2:8787  (wgx.ko)
       /            |            \
  hub-nat        spoke-a-nat    spoke-b-nat        ("the Internet", 203.0.113.0/24)
     |              |              |
    hub           spoke-a        spoke-b
  10.120.0.1     10.120.0.3     10.120.0.4         (the WireGuard network)
  LAN 192.168.1.0/24 with hub-lan 192.168.1.3
EOF

step "2. Set up as the overview says: relay up; hub init, add-spoke, start; spokes"
hs_network
echo "== hub: wgx hub sync"
wgx_in hub hub sync

step "3. First contact through the relay"
hs_wait_all 90
wgx_wait_ping spoke-a "$ADDR_B" 30 >/dev/null

step "4. The relay: wgx relay status"
run relay "$WGX_TOOL" relay status

step "5. The hub: wgx hub list (its spokes, as the relay and the hub see them)"
run hub "$WGX_TOOL" hub list

step "6. Ping: spoke A -> the hub, the hub's LAN host, spoke B (all through the relay)"
run spoke-a "${PING[@]}" -c 3 -i 0.3 10.120.0.1
run spoke-a "${PING[@]}" -c 3 -i 0.3 "$HUB_LAN"
run spoke-b "${PING[@]}" -c 3 -i 0.3 "$ADDR_A"

step "7. iperf3: spoke A -> hub, 5 seconds"
topo_bg hub iperf3 -s -1 -B 10.120.0.1
sleep 1
ip netns exec spoke-a iperf3 -c 10.120.0.1 -t 5 -J >"$TOPO_DIR/iperf.json"
python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print("  spoke A -> hub: %.1f Mbit/s, %.1f MB in %.1f s (through the relay, not decrypted there)" % (
    e["sum_received"]["bits_per_second"] / 1e6, e["sum_received"]["bytes"] / 1e6,
    e["sum_received"]["seconds"]))' "$TOPO_DIR/iperf.json"

step "8. The relay: wgx relay sessions (hub<->spoke pairs it forwards)"
run relay "$WGX_TOOL" relay sessions

step "9. WireGuard on each side: wg show"
run hub wg show wgx-hub
run spoke-a wg show wgx-spoke
run spoke-b wg show wgo1

step "10. The relay's counters: forwarded, not decrypted"
fwd=$(wgx_stat fwd_packets)
own=$(wgx_stat own_data)
echo "  packets forwarded between hub and spokes: $fwd"
echo "  packets the relay decrypted (only its own keepalives and control requests): $own"
echo
echo "Done: wgx works. The same commands on real machines: see README.md and 'wgx hub --help'."
