# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/wgx.sh -- a relay with hubs and spokes, for VM scenarios.
# Sourced after topo.sh. Tunnel plan: 10.120.0.0/16, the hub 10.120.0.1,
# the relay's inner address 10.120.0.2, spokes from 10.120.0.10.
#
#   wgx_relay_up [ALLOWED]        load wgx, write $TOPO_DIR/relay.conf with a
#                                 new key and AllowedPublicKeys (default
#                                 all), `wgx relay up` in namespace relay;
#                                 sets RELAY_PUB and RELAY_PORT (8787).
#   wgx_peer_site NAME INDEX KIND IFNAME INNER [--symmetric]
#                                 a site NAME with a WireGuard host NAME
#                                 (KIND kernel or go) on IFNAME with inner
#                                 address INNER/16 and the relay as a peer
#                                 (endpoint RELAY_EP, keepalive 25); key in
#                                 $TOPO_DIR/NAME.key, public in KEY_<NAME>.
#   wgx_link_spoke HUB HUBIF SPOKE SPOKEIF SPOKE_INNER [--hub-endpoint]
#                                 the hub <-> spoke peers: the spoke points its
#                                 hub peer at the relay; with --hub-endpoint
#                                 the hub points the spoke at the relay too
#                                 and the spoke sends no keepalive to the hub.
#   wgx_stat NAME                 a relay counter from `wgx relay status --json`
#   relay_dmesg_clean             fail on any wgx warning in the log

RELAY_PORT=8787
RELAY_EP=$RELAY4:$RELAY_PORT

wgx_relay_up() {
	local allowed=${1:-all}
	wgx_load
	topo_relay
	wgx_in relay relay init -c "$TOPO_DIR/relay.conf" --allow "$allowed" >/dev/null
	wgx_in relay relay up -c "$TOPO_DIR/relay.conf"
	RELAY_PUB=$(wgx_in relay relay public-key -c "$TOPO_DIR/relay.conf")
	[ -n "$RELAY_PUB" ] || fail "no relay public key"
}

wgx_peer_site() {
	local name=$1 index=$2 kind=$3 ifname=$4 inner=$5
	shift 5
	topo_site "$name" "$index" "$@"
	topo_wg_keypair "$name"
	eval "KEY_${name//-/_}=\$(topo_wg_pubkey $name)"
	if [ "$kind" = go ]; then
		topo_wg_go "$name" "$ifname" "$TOPO_DIR/$name.key" 51820 "$inner/16"
	else
		topo_wg_kernel "$name" "$ifname" "$TOPO_DIR/$name.key" 51820 "$inner/16"
	fi
	topo_wg_peer "$name" "$ifname" "$RELAY_PUB" endpoint "${RELAY_EP6:-$RELAY_EP}" \
		allowed-ips 10.120.0.2/32 persistent-keepalive 25
}

wgx_key() {
	local v="KEY_${1//-/_}"
	echo "${!v}"
}

wgx_link_spoke() {
	local hub=$1 hubif=$2 spoke=$3 spokeif=$4 inner=$5 hubep=() ka=(persistent-keepalive 25)
	# With --hub-endpoint the spoke stays silent (no keepalive) so that the
	# hub makes the first handshake.
	[ "${6:-}" = --hub-endpoint ] && hubep=(endpoint "${RELAY_EP6:-$RELAY_EP}") && ka=()
	topo_wg_peer "$spoke" "$spokeif" "$(wgx_key "$hub")" endpoint "${RELAY_EP6:-$RELAY_EP}" \
		allowed-ips "10.120.0.1/32,$(topo_lan4 "$hub" 0)/24" "${ka[@]}"
	ip -n "$spoke" route replace "$(topo_lan4 "$hub" 0)/24" dev "$spokeif"
	topo_wg_peer "$hub" "$hubif" "$(wgx_key "$spoke")" allowed-ips "$inner/32" "${hubep[@]}"
}

wgx_stat() {
	wgx_in relay relay status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d[0] if isinstance(d, list) else d
print(r["stats"][sys.argv[1]])' "$1"
}
