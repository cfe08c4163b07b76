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
#   wgx_relay_start [ALLOWED]     the same without loading wgx (it must be
#                                 loaded): makes namespace relay if it is
#                                 missing, reuses $TOPO_DIR/relay.conf (same
#                                 key, ALLOWED ignored) if it exists; for a
#                                 relay brought back after a relay down, a
#                                 namespace delete or a module reload.
#   wgx_rejoin NAME IFNAME        remove and re-add the relay peer on NAME's
#                                 IFNAME (endpoint RELAY_EP6 or RELAY_EP,
#                                 keepalive 25): a fresh handshake with a
#                                 restarted relay at once, not after the
#                                 session's 2 minutes.
#   wgx_ping_wait NS ADDR SECS    ping ADDR from NS every 0.5 s until the
#                                 first answer; print the seconds (0.1 s
#                                 precision) it took; fail after SECS.
#   wgx_peer_field KEY FIELD      a field of the peer KEY in `wgx relay peers
#                                 --json` (endpoint, rx_bytes, online, ...);
#                                 "null" for no value, "none" for no peer.
#   wgx_peer_site NAME INDEX KIND IFNAME INNER [--symmetric]
#                                 a site NAME with a WireGuard host NAME
#                                 (KIND kernel or go) on IFNAME with inner
#                                 address INNER/16 and the relay as a peer
#                                 (endpoint RELAY_EP, keepalive 25); key in
#                                 $TOPO_DIR/NAME.key, public in KEY_<NAME>.
#                                 An existing site or key of NAME is reused.
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
	wgx_load
	wgx_relay_start "$@"
}

wgx_relay_start() {
	local allowed=${1:-all}
	[ -e /run/netns/relay ] || topo_relay
	[ -e "$TOPO_DIR/relay.conf" ] ||
		wgx_in relay relay init -c "$TOPO_DIR/relay.conf" --allow "$allowed" >/dev/null
	wgx_in relay relay up -c "$TOPO_DIR/relay.conf"
	RELAY_PUB=$(wgx_in relay relay public-key -c "$TOPO_DIR/relay.conf")
	[ -n "$RELAY_PUB" ] || fail "no relay public key"
}

wgx_rejoin() {
	local name=$1 ifname=$2
	topo_wg_peer "$name" "$ifname" "$RELAY_PUB" remove
	topo_wg_peer "$name" "$ifname" "$RELAY_PUB" endpoint "${RELAY_EP6:-$RELAY_EP}" \
		allowed-ips 10.120.0.2/32 persistent-keepalive 25
}

wgx_ping_wait() {
	local ns=$1 addr=$2 secs=$3 fam=-4 cmd=(ping) log pid start now
	command -v ping >/dev/null || cmd=(busybox ping)
	case $addr in *:*) fam=-6 ;; esac
	log=$(mktemp "$TOPO_DIR/ping-wait.XXXXXX")
	start=$(date +%s.%N)
	ip netns exec "$ns" "${cmd[@]}" $fam -i 0.5 -w "$secs" "$addr" >"$log" 2>&1 &
	pid=$!
	until grep -q 'bytes from' "$log"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			grep -q 'bytes from' "$log" && break
			cat "$log" >&2
			fail "wgx_ping_wait: no answer from $addr in $ns after ${secs}s"
		fi
		sleep 0.1
	done
	now=$(date +%s.%N)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	grep 'bytes from' "$log" | head -n 1 >&2
	awk "BEGIN { printf \"%.1f\n\", $now - $start }"
}

wgx_peer_field() {
	wgx_in relay relay peers --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = [p for p in d["peers"] if p["public_key"] == sys.argv[1]]
v = m[0][sys.argv[2]] if m else "none"
print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)' "$1" "$2"
}

wgx_peer_site() {
	local name=$1 index=$2 kind=$3 ifname=$4 inner=$5
	shift 5
	# A site or key made beforehand (to capture its traffic, or to list the
	# key in AllowedPublicKeys) is kept.
	[ -e "/run/netns/$name-nat" ] || topo_site "$name" "$index" "$@"
	[ -e "$TOPO_DIR/$name.key" ] || topo_wg_keypair "$name"
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

# wgx_wait_ping NS ADDR [SECONDS]: wgx_ping_wait with a default of 30 s (a
# handshake dropped before a declaration is retried by WireGuard after
# REKEY_TIMEOUT, 5 s).
wgx_wait_ping() {
	wgx_ping_wait "$1" "$2" "${3:-30}"
}

# wgx_quiet_spoke SPOKE_IF SPOKE_ADDR: stop all legitimate traffic
# from the spoke (namespace "spoke", WireGuard interface SPOKE_IF) towards
# the hub (namespace "hub"), for a window that must see none.
# - Its persistent keepalive to the hub goes off.
# - Its last ping left it with a reply received and nothing sent: its
#   WireGuard would send the hub a passive keepalive 10 s later. A ping from
#   the hub ends the exchange with a packet the spoke sends, which cancels
#   that timer (the hub's own keepalive to the spoke is not traffic towards
#   the hub).
# - That reply may also start a rekey of the spoke's session with the hub
#   (the spoke initiates when it sends on a key older than 120 s, likely on
#   a loaded host): wait until nothing has reached the hub's site for 3 s.
wgx_quiet_spoke() {
	local ifname=$1 prev=-1 cur
	ip netns exec spoke wg set "$ifname" peer "$(wgx_key hub)" persistent-keepalive 0
	ping_ok hub "$2" 1
	for _ in $(seq 20); do
		cur=$(topo_nat_counter hub from_relay)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 3
	done
}
