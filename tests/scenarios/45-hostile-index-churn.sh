#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
#
# Issue 6, index churn: peers send initiations with ever-new sender indices,
# tens of thousands of them, and the relay's memory stays bounded. The
# relay admits a list of keys (the hub, the spoke, 32 attacker keys "A");
# 32 more attacker keys ("N") are not admitted. Each round, from the
# attacker's namespace (bench/wgload.c):
#   own-admitted   A keys handshake with the relay again and again (valid
#                  initiations, a new index each): at most 3 keypairs a peer
#   own-refused    N keys do the same: refused after the DH, no state at all
#   fwd-declared   A keys (authenticated, and declared by the hub: a rogue
#                  spoke) flood initiations keyed to the hub, a new index
#                  each: forwarded ones are capped per endpoint (100/s, burst
#                  200) and each route keeps at most 16 indices
#   fwd-stranger   N keys (never authenticated) flood initiations keyed to
#                  the hub: dropped as unknown endpoints
# The module's own counters (wgx relay status --json: peer_entries, indices,
# keypairs, limiter_entries) are asserted against their bounds after each
# round, the kernel's unreclaimable slab must not grow from the end of round
# 1 to the end of round 2 (as many initiations again) by more than 1 MiB,
# the rate-limiter entries go away once the flood stops, and the spoke
# still reaches the hub.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/wgload.sh"
topo_init

SEED=0x45
NA=32
wgload_build
wgload_pubkeys "$SEED" $((2 * NA)) >"$TOPO_DIR/att.pub"
head -n $NA "$TOPO_DIR/att.pub" >"$TOPO_DIR/admitted.pub"
topo_wg_keypair hub
topo_wg_keypair spoke
wgx_relay_up "$(topo_wg_pubkey hub),$(topo_wg_pubkey spoke),$(paste -sd, "$TOPO_DIR/admitted.pub")"
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 kernel wg0 10.120.0.10
wgx_link_spoke hub wg0 spoke wg0 10.120.0.10
topo_attacker
HUB=$(wgx_key hub)
wgload_start att attacker "$SEED" $((2 * NA)) 30000

# The A keys authenticate; the hub declares the spoke and them.
out=$(wgload_cmd att auth "$RELAY_PUB" "$RELAY4" "$RELAY_PORT" 0 $NA 8 120)
echo "A keys authenticated with the relay: $out"
assert_eq "$(kv "$out" "done")" $NA "A keys authenticated"
out=$(wgload_cmd att auth "$RELAY_PUB" "$RELAY4" "$RELAY_PORT" $NA $NA 8 3)
assert_eq "$(kv "$out" "done")" 0 "N keys (not admitted) authenticated"
{ wgx_key spoke; cat "$TOPO_DIR/admitted.pub"; } | wgx_in hub hub set-peers 10.120.0.2 -
wgx_wait_ping spoke 10.120.0.1
ROUTES=$((NA + 1))

echo "before:  $(wgx_mem)"
declare -A END
for round in 1 2; do
	s0=$(wgx_in relay relay status --json)
	a=$(wgload_cmd att hsrate "$RELAY_PUB" "$RELAY4" "$RELAY_PORT" 0 $NA 16 6)
	b=$(wgload_cmd att hsrate "$RELAY_PUB" "$RELAY4" "$RELAY_PORT" $NA $NA 16 6)
	c=$(wgload_cmd att flood init "$RELAY4" "$RELAY_PORT" 0 $NA 8 0 148 "$HUB")
	d=$(wgload_cmd att flood init "$RELAY4" "$RELAY_PORT" $NA $NA 3 0 148 "$HUB")
	# What the hub answered (cookie replies) waits in the generator's
	# sockets: read it, so that the slab shows the relay, not them.
	wgload_cmd att auth "$RELAY_PUB" "$RELAY4" "$RELAY_PORT" 0 $((2 * NA)) 0 1 >/dev/null
	m=$(wgx_mem)
	python3 - "$s0" "$(wgx_in relay relay status --json)" "$a" "$b" "$c" "$d" "$round" <<'PY'
import json, sys
s0, s1 = (json.loads(x)[0]["stats"] for x in sys.argv[1:3])
d = {k: s1[k] - s0[k] for k in s1}
kv = lambda l: dict(w.split("=") for w in l.split()[1:])
a, b, c, e = (kv(x) for x in sys.argv[3:7])
total = int(a["sent"]) + int(b["sent"]) + int(c["sent"]) + int(e["sent"])
print("round %s: %d initiations with new indices: own-admitted %s (%s answered), own-refused %s, fwd-declared %s, fwd-stranger %s"
      % (sys.argv[7], total, a["sent"], a["recv"], b["sent"], c["sent"], e["sent"]))
print("  relay: own handshakes %d, forwarded handshakes %d, unknown key %d, unknown endpoint %d, rate-limited %d, replay %d, cookies %d"
      % (d["own_handshakes"], d["fwd_handshakes"], d["drop_unknown_key"], d["drop_unknown_endpoint"],
         d["drop_ratelimited"], d["drop_replay"], d["cookies_sent"]))
PY
	echo "  memory: $m"
	# The bounds (kernel/messages.h).
	peers=$(kv "$m" peer_entries)
	assert_eq "$peers" $((NA + 2)) "peer entries: the hub, the spoke and the admitted keys only"
	[ "$(kv "$m" indices)" -le $((16 * ROUTES)) ] ||
		fail "indices $(kv "$m" indices) > 16 per route ($ROUTES routes)"
	[ "$(kv "$m" keypairs)" -le $((3 * peers)) ] ||
		fail "keypairs $(kv "$m" keypairs) > 3 per peer"
	[ "$(kv "$m" limiter_entries)" -le $((4 * NA + 8)) ] ||
		fail "rate-limiter entries $(kv "$m" limiter_entries) for $((2 * NA + 3)) sources"
	END[$round]=$(kv "$m" sunreclaim_kb)
done
growth=$((END[2] - END[1]))
echo "unreclaimable slab: ${END[1]} kB after round 1, ${END[2]} kB after round 2 (growth $growth kB)"
[ "$growth" -le 1024 ] || fail "slab grew by $growth kB in round 2"

# Idle sources are forgotten: rate-limiter entries after a second, indices
# stay bounded by the routes.
limiter_idle() { [ "$(kv "$(wgx_mem)" limiter_entries)" -le 3 ]; }
wait_until 30 limiter_idle
echo "after idle: $(wgx_mem)"
ping_ok spoke 10.120.0.1 5
echo "the spoke still reaches the hub"
