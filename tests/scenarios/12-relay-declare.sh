#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Issue 3, scenario 4: a spoke the hub did not declare cannot complete a
# handshake with the hub; after the hub declares it, it can; after the hub
# removes it, its traffic stops at once (its session's indices are dropped
# with the route) and it cannot handshake again. Also: a spoke cannot make
# routes for another hub (a peer declares routes only for itself), the hub
# sees its spokes with `wgx hub relay-status`, and the relay's public key can
# be fetched outside the tunnel (trust on first use) with a reply no larger
# than the question.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

wgx_relay_up
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site a 2 kernel wg0 10.120.0.10
wgx_peer_site b 3 go wgo3 10.120.0.11
wgx_link_spoke hub wg0 a wg0 10.120.0.10
wgx_link_spoke hub wg0 b wgo3 10.120.0.11

# The key query: 64 bytes in, 64 bytes out, the relay's key.
topo_attacker
ip netns exec attacker python3 - "$RELAY4" "$RELAY_PORT" "$RELAY_PUB" <<'PY'
import base64, os, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
nonce = os.urandom(4)
q = struct.pack("<I", 0x514b5857) + nonce + bytes(56)
s.sendto(q, (sys.argv[1], int(sys.argv[2])))
r, _ = s.recvfrom(2048)
assert len(r) == len(q) == 64, len(r)
assert struct.unpack("<I", r[:4])[0] == 0x524b5857 and r[4:8] == nonce
assert base64.b64encode(r[8:40]).decode() == sys.argv[3]
# A malformed query (non-zero key field) gets nothing.
s.sendto(q[:8] + b"\1" + bytes(55), (sys.argv[1], int(sys.argv[2])))
try:
    s.recvfrom(2048)
    raise SystemExit("answered a malformed key query")
except socket.timeout:
    pass
print("key query: the relay's public key, 64 bytes for 64")
PY

# Only a is declared: b's handshakes with the hub never complete.
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key a)"
wgx_wait_ping a 10.120.0.1
ping_fail b 10.120.0.1
sleep 6	# one handshake retry of b
ping_fail b 10.120.0.1
assert_eq "$(topo_wg_handshake hub wg0 "$(wgx_key b)")" 0 "b handshook with the hub undeclared"
echo "undeclared b: no handshake with the hub; relay dropped $(wgx_stat drop_no_route) initiations as no-route"

# b may not declare routes for itself towards another hub's spokes: a route
# is (declaring peer, spoke). b declaring a as its spoke does not let b
# reach a, since a's hub peer is the hub, not b (and a's mac1 names the hub).
wgx_in b hub set-peers 10.120.0.2 "$(wgx_key a)"
routes=$(wgx_in relay relay routes --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["routes"]))')
assert_eq "$routes" 2 "routes after b declared a"
wgx_in b hub set-peers 10.120.0.2 - </dev/null
assert_eq "$(wgx_in relay relay routes --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["routes"]))')" 1 "b's empty set removes only b's route"

# Declared: b reaches the hub.
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key a)" "$(wgx_key b)"
wgx_wait_ping b 10.120.0.1
ping_ok b 10.120.0.1 3
wgx_in hub hub relay-status 10.120.0.2
online=$(wgx_in hub hub relay-status --json 10.120.0.2 | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(1 for s in d["spokes"] if s["online"]), d["total"])')
assert_eq "$online" "2 2" "relay-status: spokes online, declared"

# Removed: b is cut off at once, though its session with the hub is live.
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key a)"
before=$(wgx_stat drop_unknown_index)
ping_fail b 10.120.0.1
after=$(wgx_stat drop_unknown_index)
assert_ge $((after - before)) 1 "b's packets on its old session are dropped as unknown-index"
echo "removed b: $((after - before)) packets of its live session dropped at the relay"
sleep 6
ping_fail b 10.120.0.1
ping_ok a 10.120.0.1 3
echo "a unaffected"
