#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# Issue 6, scale: 1,000 spokes behind one relay and one hub. The spokes are
# 1,000 distinct keys of the load generator (bench/wgload.c: WireGuard's
# Noise initiator, each key on its own UDP socket, i.e. its own endpoint) in
# a namespace on the Internet; the hub is real kernel WireGuard with the
# 1,000 spokes as peers. Scenario 16 covers the control plane at 10,000
# (declared routes, dumps); this one covers the data plane at 1,000: the hub
# declares all 1,000 in one sync (wgx hub set-peers, in-tunnel), every spoke
# completes a handshake with the relay (authenticated endpoint) and then a
# real one with the hub through the relay (forwarded by mac1, answered by
# index), sends transport data along its session and an encrypted keepalive
# that the hub's WireGuard accepts (the hub lists a handshake with all
# 1,000), and `wgx relay peers`,
# `routes` and `sessions` list all of them. Printed: the declaration time,
# handshake rates, and memory per declared spoke, per authenticated peer
# and per relayed session (the kernel's unreclaimable slab deltas over
# 1,000; the session step includes the hub's own WireGuard keypairs, which
# live in the same kernel).
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/wgload.sh"
topo_init

N=${WGX_SCALE_SPOKES:-1000}
SEED=0x47
wgload_build
wgx_relay_up
wgx_peer_site hub 1 kernel wg0 10.120.0.1
HUB=$(wgx_key hub)
# The spokes' namespace: a public address (203.0.113.66).
topo_attacker
wgload_pubkeys "$SEED" "$N" >"$TOPO_DIR/spokes.pub"
awk '{ printf "[Peer]\nPublicKey = %s\nAllowedIPs = 10.123.%d.%d/32\n\n", $1, int((NR - 1) / 250), (NR - 1) % 250 + 1 }' \
	"$TOPO_DIR/spokes.pub" >"$TOPO_DIR/hub-peers.conf"
ip netns exec hub wg addconf wg0 "$TOPO_DIR/hub-peers.conf"
wgx_wait_ping hub 10.120.0.2 >/dev/null
wgload_start spokes attacker "$SEED" "$N" 20000 env WGLOAD_BATCH=1
sleep 2
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

m0=$(wgx_mem)
t0=$(date +%s.%N)
wgx_in hub hub set-peers --timeout 120 10.120.0.2 - <"$TOPO_DIR/spokes.pub" | tee "$TOPO_DIR/applied"
t1=$(date +%s.%N)
grep -q "applied $N spokes" "$TOPO_DIR/applied" || fail "the relay did not apply $N spokes"
sleep 1
m1=$(wgx_mem)
echo "declared $N spokes in one sync in $(calc %.1f "$t1 - $t0") s"

out=$(wgload_cmd spokes auth "$RELAY_PUB" "$RELAY4" "$RELAY_PORT" 0 "$N" 32 300)
echo "handshakes with the relay: $out"
assert_eq "$(kv "$out" "done")" "$N" "spokes authenticated with the relay"
auth_rate=$(calc %.0f "$N / $(kv "$out" secs)")
sleep 1
m2=$(wgx_mem)

out=$(wgload_cmd spokes session "$HUB" "$RELAY4" "$RELAY_PORT" 0 "$N" 32 300)
echo "handshakes with the hub through the relay: $out"
assert_eq "$(kv "$out" "done")" "$N" "spokes with a session with the hub"
sess_rate=$(calc %.0f "$N / $(kv "$out" secs)")
sleep 1
m3=$(wgx_mem)
# Transport data along every session (the hub drops it: the generator does
# not encrypt it), 5 packets each.
out=$(wgload_cmd spokes flood data "$RELAY4" "$RELAY_PORT" 0 "$N" 10 $((N / 2)) 128)
echo "data: $out"
# A real encrypted keepalive in each session: the hub's WireGuard, the
# responder, counts a handshake as complete when it receives one.
out=$(wgload_cmd spokes keepalive "$RELAY4" "$RELAY_PORT" 0 "$N")
echo "keepalives: $out"
assert_eq "$(kv "$out" sent)" "$N" "keepalives sent"
hub_done() {
	HS=$(ip netns exec hub wg show wg0 latest-handshakes |
		awk 'NR == FNR { s[$1] = 1; next } ($1 in s) && $2 != 0' "$TOPO_DIR/spokes.pub" - | wc -l)
	[ "$HS" -ge "$N" ]
}
wait_until 60 hub_done

echo "memory: before $m0"
echo "        declared $m1"
echo "        authenticated $m2"
echo "        sessions $m3"

# Everything listed.
echo "the hub's WireGuard has $HS spokes with a completed handshake"
wgx_in relay relay peers --json >"$TOPO_DIR/peers.json"
wgx_in relay relay routes --json >"$TOPO_DIR/routes.json"
wgx_in relay relay sessions --json >"$TOPO_DIR/sessions.json"
python3 - "$TOPO_DIR" "$HUB" "$N" <<'PY'
import json, sys
d, hub, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
spokes = set(l.strip() for l in open(d + "/spokes.pub"))
peers = json.load(open(d + "/peers.json"))["peers"]
routes = json.load(open(d + "/routes.json"))
routes = routes["routes"] if isinstance(routes, dict) else routes
sessions = json.load(open(d + "/sessions.json"))["sessions"]
online = set(p["public_key"] for p in peers if p.get("online"))
assert spokes <= online, "%d spokes not online in relay peers" % len(spokes - online)
assert hub in online, "the hub is not online"
r = set(x["spoke"] for x in routes if x["hub"] == hub)
assert r == spokes, "routes: %d listed, %d missing" % (len(r), len(spokes - r))
s = [x for x in sessions if x["hub"] == hub and x["spoke"] in spokes]
assert len(s) == n, "sessions: %d of %d" % (len(s), n)
nodata = [x for x in s if not x["spoke_to_hub_packets"] or not x["hub_to_spoke_packets"]]
assert not nodata, "%d sessions without packets both ways: %r" % (len(nodata), nodata[:2])
print("relay lists %d peers online, %d routes, %d sessions with packets both ways" % (len(online), len(r), len(s)))
PY

per() {	# M0 M1 KEY: (M1 - M0) per spoke, in bytes
	calc %.0f "($(kv "$2" "$3") - $(kv "$1" "$3")) * 1024 / $N"
}
echo "relay handshake rate $auth_rate/s (first contact, 32 in flight); hub handshakes through the relay $sess_rate/s"
echo "slab per declared spoke $(per "$m0" "$m1" sunreclaim_kb) B, per authenticated peer $(per "$m1" "$m2" sunreclaim_kb) B," \
     "per relayed session $(per "$m2" "$m3" sunreclaim_kb) B (with the hub's WireGuard keypair)"
assert_eq "$(kv "$m3" peer_entries)" $((N + 1)) "peer entries"
assert_eq "$(kv "$m3" routes)" "$N" "routes"
assert_eq "$(kv "$m3" sessions)" "$N" "live sessions"
[ "$(kv "$m3" indices)" -ge $((2 * N)) ] && [ "$(kv "$m3" indices)" -le $((16 * N)) ] ||
	fail "indices $(kv "$m3" indices) for $N sessions"
