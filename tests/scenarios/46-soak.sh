#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# Issue 6, soak: a hub (kernel WireGuard) and three spokes (kernel
# WireGuard, wireguard-go, kernel WireGuard behind a symmetric NAT), each
# behind its own NAT, with continuous traffic through the relay for
# WGX_SOAK_SECS seconds (default 150 in make check; `make soak` runs 480 and
# more: WireGuard rekeys every 120 s, the relay's own sessions with each peer
# renew, the relayed indices expire after 190 s and are learned anew).
# Traffic: each spoke pings the hub 5 times a second, the hub pings each
# spoke once a second, and spoke A sends a steady 2 Mbit/s TCP stream to
# the hub. Every 10 s: the relay still lists the 3 routes and 3 live
# sessions ("zero lost routes"), and the module's memory counters. At the
# end: ping loss < 1% on every path, every pair rekeyed as often as the
# time allows, the module's counters back within their bounds and no larger
# than their largest value over the run's first rekey period (no growth),
# and the kernel's unreclaimable slab grew less than 2 MiB.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/wgload.sh"
topo_init

SECS=${WGX_SOAK_SECS:-150}
wgx_relay_up
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke-a 2 kernel wg0 10.120.0.10
wgx_peer_site spoke-b 3 go wgo1 10.120.0.11
wgx_peer_site spoke-c 4 kernel wg0 10.120.0.12 --symmetric
wgx_link_spoke hub wg0 spoke-a wg0 10.120.0.10
wgx_link_spoke hub wg0 spoke-b wgo1 10.120.0.11
wgx_link_spoke hub wg0 spoke-c wg0 10.120.0.12
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke-a)" "$(wgx_key spoke-b)" "$(wgx_key spoke-c)"
for s in spoke-a spoke-b spoke-c; do wgx_wait_ping "$s" 10.120.0.1 >/dev/null; done
for a in 10.120.0.10 10.120.0.11 10.120.0.12; do wgx_wait_ping hub "$a" >/dev/null; done
echo "hub and 3 spokes up; soak for $SECS s"

PING=(ping)
command -v ping >/dev/null || PING=(busybox ping)
# ping_bg NAME NS ADDR INTERVAL: a ping for the whole soak, output in $TOPO_DIR/ping-NAME.
ping_bg() {
	local n
	n=$(awk -v s="$SECS" -v i="$4" 'BEGIN { printf "%d", s / i }')
	ip netns exec "$2" "${PING[@]}" -i "$4" -c "$n" -W 2 "$3" >"$TOPO_DIR/ping-$1" 2>&1 &
	TOPO_PIDS+=($!)
	PINGS+=("$1:$!")
}
PINGS=()
ping_bg a-hub spoke-a 10.120.0.1 0.2
ping_bg b-hub spoke-b 10.120.0.1 0.2
ping_bg c-hub spoke-c 10.120.0.1 0.2
ping_bg hub-a hub 10.120.0.10 1
ping_bg hub-b hub 10.120.0.11 1
ping_bg hub-c hub 10.120.0.12 1
topo_bg hub iperf3 -s -1 -B 10.120.0.1
sleep 1
ip netns exec spoke-a iperf3 -c 10.120.0.1 -b 2M -t "$SECS" -J >"$TOPO_DIR/iperf.json" 2>&1 &
IPERF=$!
TOPO_PIDS+=("$IPERF")

mem0=$(wgx_mem)
echo "start: $mem0"
start=$(date +%s)
: >"$TOPO_DIR/samples"
declare -A HS=()
# sample: routes, sessions and memory now; the hub's handshakes with each spoke.
sample() {
	local t line k v
	t=$(($(date +%s) - start))
	line="t=$t $(wgx_mem)"
	echo "$line" >>"$TOPO_DIR/samples"
	[ "$(kv "$line" routes)" = 3 ] || fail "at ${t}s the relay has $(kv "$line" routes) routes: $line"
	[ "$(kv "$line" sessions)" = 3 ] || fail "at ${t}s the relay has $(kv "$line" sessions) live sessions: $line"
	while read -r k v; do
		[ "$v" != 0 ] && HS[$k:$v]=1
	done < <(ip netns exec hub wg show wg0 latest-handshakes)
}
while [ $(($(date +%s) - start)) -lt "$SECS" ]; do
	sample
	sleep 10
done
sample
wait "$IPERF" || true
for p in "${PINGS[@]}"; do wait "${p#*:}" || true; done
mem1=$(wgx_mem)
echo "end:   $mem1"
wgx_in relay relay status
wgx_in relay relay sessions

# Ping loss on every path.
for p in "${PINGS[@]}"; do
	n=${p%%:*}
	read -r tx rx < <(sed -n 's/^\([0-9]\+\) packets transmitted, \([0-9]\+\) \(packets \)\{0,1\}received.*/\1 \2/p' "$TOPO_DIR/ping-$n")
	[ -n "$tx" ] && [ "$tx" -gt 0 ] || { cat "$TOPO_DIR/ping-$n"; fail "ping $n: no summary"; }
	loss=$(awk -v t="$tx" -v r="$rx" 'BEGIN { printf "%.2f", 100 * (t - r) / t }')
	echo "ping $n: $rx of $tx answered, loss $loss%"
	awk -v l="$loss" 'BEGIN { exit !(l < 1) }' || fail "ping $n: loss $loss% >= 1%"
done
python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["end"]; print("iperf3 spoke A -> hub: %.2f Mbit/s for %.0f s, %d retransmits" % (e["sum_received"]["bits_per_second"] / 1e6, e["sum_received"]["seconds"], e["sum_sent"].get("retransmits", 0)))' "$TOPO_DIR/iperf.json" ||
	{ cat "$TOPO_DIR/iperf.json"; fail "iperf3 failed"; }

# Rekeys: each spoke's handshakes with the hub that the samples saw (one
# every 120 s, plus the first).
want=$((SECS / 150 + 1))
for s in spoke-a spoke-b spoke-c; do
	k=$(wgx_key "$s")
	n=$(printf '%s\n' "${!HS[@]}" | grep -c "^$k:" || true)
	echo "$s: $n distinct handshakes with the hub seen"
	assert_ge "$n" "$want" "$s handshakes with the hub over ${SECS}s"
done

# Memory: the module's counters within their bounds, and no larger at the
# end than the largest value in the first rekey period plus the first
# index lifetime (t <= 200 s; the whole run when shorter).
python3 - "$TOPO_DIR/samples" <<'PY'
import sys
rows = [dict(w.split("=") for w in l.split()) for l in open(sys.argv[1])]
rows = [{k: int(v) for k, v in r.items()} for r in rows]
end = rows[-1]
early = [r for r in rows if r["t"] <= 200] or rows
for k in ("peer_entries", "indices", "keypairs", "limiter_entries"):
    print("%-16s start %5d  max %5d  end %5d" % (k, rows[0][k], max(r[k] for r in rows), end[k]))
assert end["peer_entries"] == 4, "peer entries: %r, expected the hub and 3 spokes" % end
assert end["indices"] <= 16 * 3, end
assert end["keypairs"] <= 3 * end["peer_entries"], end
for k in ("indices", "keypairs", "limiter_entries", "peer_entries"):
    assert end[k] <= max(r[k] for r in early), "%s grew: %d at the end, at most %d in the first 200 s" % (k, end[k], max(r[k] for r in early))
PY
g=$(($(kv "$mem1" sunreclaim_kb) - $(kv "$mem0" sunreclaim_kb)))
echo "unreclaimable slab: $(kv "$mem0" sunreclaim_kb) kB at the start, $(kv "$mem1" sunreclaim_kb) kB at the end ($g kB)"
[ "$g" -le 2048 ] || fail "unreclaimable slab grew by $g kB"
