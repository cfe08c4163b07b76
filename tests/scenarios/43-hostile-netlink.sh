#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Issue 6, netlink: the whole wgx generic netlink family, systematically
# (tests/scenarios/43-hostile-netlink.py holds the table): every command, as
# doit and as dump, with missing, wrong-typed, over-long, out-of-range and
# malformed attributes, unknown commands and attributes, and changes that
# would succeed but for one bad part (a port in use after a new key, new
# allowed keys and a fwmark). Every request gets its exact errno, with an
# extack message for every error of the family's policy and handlers. Then
# every command again from callers without CAP_NET_ADMIN over the relay's
# namespace -- nobody, root without CAP_NET_ADMIN, the root of a new user
# namespace (unshare -Ur: every capability, in its own user namespace
# only) -- changes and reads of a relay (GET_RELAY, the allowed, peers,
# routes and sessions dumps) refused with EPERM, as WireGuard's get_device
# is; GET_INFO (versions, relay count) answered as for root.
# Proven: the relays' state (keys, port, fwmark, flags, allowed set, peers,
# routes) is the same before and after, and the hub still reaches the relay.
# Finally a user namespace with its own network namespace (unshare -Urn) may
# run its own relay there, invisible to and without effect on this one.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

topo_wg_keypair hub
s1=$(wg genkey | wg pubkey)
s2=$(wg genkey | wg pubkey)
wgx_relay_up "$(topo_wg_pubkey hub),$s1,$s2"
# A second relay: its port is the one "in use" in the table.
{ echo "[Relay]"; echo "Name = wgx1"; echo "ListenPort = 8788"
  echo "PrivateKey = $(wg genkey)"; echo "AllowedPublicKeys = all"; } >"$TOPO_DIR/wgx1.conf"
chmod 600 "$TOPO_DIR/wgx1.conf"
wgx_in relay relay up -c "$TOPO_DIR/wgx1.conf"
# A hub with a session and two declared spokes: peers and routes to dump.
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_wait_ping hub 10.120.0.2
wgx_in hub hub set-peers 10.120.0.2 "$s1" "$s2"

# matrix MODE [PREFIX COMMAND...]: the table, run under PREFIX (setpriv ...)
matrix() {
	local mode=$1
	shift
	ip netns exec relay "$@" python3 "$WGX_ROOT/tests/scenarios/43-hostile-netlink.py" "$mode"
}
snapshot() { matrix snapshot; }
snapshot >"$TOPO_DIR/before.json"
python3 -m json.tool "$TOPO_DIR/before.json"
python3 - "$TOPO_DIR/before.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert sorted(s) == ["wgx0", "wgx1"], s
assert len(s["wgx0"]["allowed"]) == 3 and len(s["wgx0"]["peers"]) == 1 \
    and len(s["wgx0"]["routes"]) == 2, s["wgx0"]
PY

echo "== as root (CAP_NET_ADMIN)"
matrix admin >"$TOPO_DIR/admin.txt" || { cat "$TOPO_DIR/admin.txt"; fail "admin matrix"; }
cat "$TOPO_DIR/admin.txt"

declare -A callers=(
	[nobody]="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all"
	[root-without-net-admin]="setpriv --inh-caps=-all --bounding-set=-net_admin"
	[userns-root]="unshare -U --map-root-user"
)
summaries=()
for who in nobody root-without-net-admin userns-root; do
	echo "== as $who (${callers[$who]})"
	# shellcheck disable=SC2086
	caps=$(ip netns exec relay ${callers[$who]} sh -c 'id -u; grep CapEff /proc/self/status')
	echo "$caps" | tr '\n' ' '; echo
	# shellcheck disable=SC2086
	matrix unprivileged ${callers[$who]} >"$TOPO_DIR/$who.txt" ||
		{ cat "$TOPO_DIR/$who.txt"; fail "unprivileged matrix as $who"; }
	tail -n 1 "$TOPO_DIR/$who.txt"
	summaries+=("$who: $(tail -n 1 "$TOPO_DIR/$who.txt" | sed 's/^summary: unprivileged: //')")
done

snapshot >"$TOPO_DIR/after.json"
if ! cmp -s "$TOPO_DIR/before.json" "$TOPO_DIR/after.json"; then
	diff <(python3 -m json.tool "$TOPO_DIR/before.json") <(python3 -m json.tool "$TOPO_DIR/after.json") || true
	fail "the relays' state changed"
fi
echo "relays' state unchanged: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(", ".join("%s: port %d, %d allowed, %d peers, %d routes" % (k, v["port"], len(v["allowed"]), len(v["peers"]), len(v["routes"])) for k, v in sorted(s.items())))' "$TOPO_DIR/after.json")"
ping_ok hub 10.120.0.2 3
echo "the hub still reaches the relay"

# A user namespace that owns its own network namespace is an administrator
# there: its relay lives and dies with that namespace, and is not seen here.
ip netns exec relay unshare -Urn python3 - <<'PY'
import os, struct, sys
sys.path.insert(0, os.path.join(os.environ["WGX_ROOT"], "tests/lib"))
from genl import Genl, attr, parse_attrs
g = Genl("wgx")
err, _ = g.request(2, [attr(3, b"wgx0\0"), attr(4, os.urandom(32))])
assert err == 0, "NEW_RELAY in an own netns: %d %s" % (err, g.extack)
err, msgs = g.dump(5, [])
assert err == 0 and len(msgs) == 1, (err, msgs)
print("unshare -Urn: its own relay wgx0 on port %d in its own namespace" %
      struct.unpack("=H", msgs[0][6][:2])[0])
PY
snapshot >"$TOPO_DIR/after2.json"
cmp -s "$TOPO_DIR/before.json" "$TOPO_DIR/after2.json" || fail "a relay in another namespace changed this one's state"
ping_ok hub 10.120.0.2 3

echo "summary: $(grep '^summary' "$TOPO_DIR/admin.txt" | sed 's/^summary: //')"
printf 'summary: %s\n' "${summaries[@]}"
echo "summary: relays' state unchanged after $(($(grep -c ' -> ' "$TOPO_DIR/admin.txt") + $(cat "$TOPO_DIR"/{nobody,root-without-net-admin,userns-root}.txt | grep -c ' -> '))) requests"
