# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/hubspoke.sh -- a hub-and-spoke network set up with `wgx hub` and
# `wgx spoke`, as a user would (the overview's flow), for VM scenarios.
# Sourced after topo.sh and wgx.sh.
#
#   hs_network [HUB-INIT-OPTIONS...]
#       the relay (wgx_relay_up: AllowedPublicKeys all), three sites: hub (1),
#       spoke-a (2), spoke-b (3), each behind its own NAT; then on the hub
#       'wgx hub init RELAY --lan 192.168.1.0/24', spoke A's
#       'wgx spoke init RELAY', 'wgx hub add-spoke KEY_A --name a' (its
#       output in $TOPO_DIR/a.conf, its stderr, with the add-hub command to
#       run on the spoke, in a.err), 'wgx hub add-spoke --name b' (a phone:
#       the whole configuration in b.conf), 'wgx hub start'; on spoke A the
#       add-hub command that add-spoke printed, then 'wgx spoke start'
#       (kernel WireGuard, interface wgx-spoke); spoke B is wireguard-go on
#       wgo1, configured from b.conf only (hs_quick_up, no wgx). hub-lan
#       (192.168.1.3) gets a route to the tunnel network via the hub.
#       Sets HUB_KEY, KEY_A, KEY_B, ADDR_A, ADDR_B (without prefix), HUB_LAN.
#   hs_quick_up NS IFNAME CONF [--go]
#       what wg-quick up does with CONF, by hand (ip and wg only):
#       topo_wg_quick_conf, then a route for each AllowedIPs CIDR that no
#       route of IFNAME covers yet (wg-quick's test: ip route show dev IFNAME
#       match CIDR).
#   hs_conf_value FILE SECTION KEY [N]
#       the value of KEY in the N-th (default 1st) [SECTION] of FILE
#       (comments and "# wgx:" lines ignored).
#   hs_wait_all SECONDS
#       wait until spoke A and spoke B each answer a ping through the hub
#       and reach the hub; print how long it took.

hs_conf_value() {
	awk -v s="[$(echo "$2" | tr 'A-Z' 'a-z')]" -v k="$(echo "$3" | tr 'A-Z' 'a-z')" -v n="${4:-1}" '
		{ sub(/#.*/, ""); gsub(/^[ \t]+|[ \t]+$/, "") }
		/^\[/ { if (tolower($0) == s) i++; in_s = (tolower($0) == s && i == n); next }
		in_s {
			key = tolower($0); sub(/[ \t]*=.*/, "", key)
			val = $0; sub(/^[^=]*=[ \t]*/, "", val)
			if (key == k) { print val; exit }
		}' "$1"
}

hs_quick_up() {
	local ns=$1 dev=$2 conf=$3 cidr
	topo_wg_quick_conf "$ns" "$dev" "$conf" ${4:-}
	for cidr in $(awk '
		{ sub(/#.*/, "") }
		tolower($0) ~ /^[ \t]*allowedips[ \t]*=/ { sub(/^[^=]*=/, ""); gsub(/,/, " "); print }' "$conf"); do
		[ -n "$(ip -n "$ns" route show dev "$dev" match "$cidr")" ] ||
			ip -n "$ns" route add "$cidr" dev "$dev"
	done
}

hs_network() {
	local hint
	wgx_relay_up
	topo_site hub 1
	topo_site spoke-a 2
	topo_site spoke-b 3
	HUB_LAN=$(topo_lan4 hub 3)
	# The LAN host answers the tunnel network through the hub (its default
	# route goes to the NAT router, which knows nothing of the tunnel).
	ip -n hub-lan route add 10.120.0.0/16 via "$(topo_lan4 hub 2)"

	echo "== hub: wgx hub init $RELAY_EP --lan $(topo_lan4 hub 0)/24 $*"
	wgx_in hub hub init "$RELAY_EP" --lan "$(topo_lan4 hub 0)/24" "$@"
	echo "== spoke A: wgx spoke init $RELAY_EP"
	wgx_in spoke-a spoke init "$RELAY_EP"
	KEY_A=$(wgx_in spoke-a spoke public-key)
	echo "== hub: wgx hub add-spoke $KEY_A --name a"
	wgx_in hub hub add-spoke "$KEY_A" --name a >"$TOPO_DIR/a.conf" 2>"$TOPO_DIR/a.err"
	cat "$TOPO_DIR/a.conf" "$TOPO_DIR/a.err"
	echo "== hub: wgx hub add-spoke --name b"
	wgx_in hub hub add-spoke --name b >"$TOPO_DIR/b.conf"
	sed 's/^\(PrivateKey = \).*/\1(secret)/' "$TOPO_DIR/b.conf"
	echo "== hub: wgx hub start"
	wgx_in hub hub start
	HUB_KEY=$(wgx_in hub hub public-key)
	KEY_B=$(hs_conf_value "$TOPO_DIR/b.conf" Interface PrivateKey | wg pubkey)
	ADDR_A=$(hs_conf_value "$TOPO_DIR/a.conf" Interface Address)
	ADDR_A=${ADDR_A%/*}
	ADDR_B=$(hs_conf_value "$TOPO_DIR/b.conf" Interface Address)
	ADDR_B=${ADDR_B%/*}

	# Spoke A: what add-spoke told us to run there, word for word.
	hint=$(sed -n 's/^wgx:   wgx spoke add-hub /spoke add-hub /p' "$TOPO_DIR/a.err")
	[ -n "$hint" ] || fail "add-spoke printed no 'wgx spoke add-hub' command"
	(umask 077; hs_conf_value "$TOPO_DIR/a.conf" Peer PresharedKey >"$TOPO_DIR/psk")
	echo "== spoke A: wgx $hint"
	# shellcheck disable=SC2086
	(cd "$TOPO_DIR" && wgx_in spoke-a $hint)
	echo "== spoke A: wgx spoke start"
	wgx_in spoke-a spoke start

	# Spoke B: no wgx, only the text add-spoke printed.
	echo "== spoke B: wireguard-go wgo1 from b.conf (ip and wg, as wg-quick does)"
	hs_quick_up spoke-b wgo1 "$TOPO_DIR/b.conf" --go
}

hs_wait_all() {
	local secs=$1 start
	start=$(date +%s.%N)
	wait_until "$secs" ping_ok spoke-a 10.120.0.1 1 2>/dev/null
	wait_until "$secs" ping_ok spoke-b 10.120.0.1 1 2>/dev/null
	awk "BEGIN { printf \"both spokes reached the hub after %.1f s\n\", $(date +%s.%N) - $start }"
}
