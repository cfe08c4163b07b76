#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# A NAT mapping changes under a running relay session and traffic resumes
# within one keepalive interval (25 s). A hub (kernel WireGuard) and a spoke
# (wireguard-go) talk through wgx.ko; then the spoke's NAT router gets a new
# masquerade rule (source ports 40000-40100) and its conntrack table is
# flushed, so the spoke's next packets leave from a new public port that the
# relay has never seen: the relay drops them (unknown endpoint) until the
# spoke's keepalive to the relay, authenticated, binds the new endpoint.
# Measured: the seconds from the change to the first answered spoke->hub
# ping (every 0.5 s), in the worst case: the change comes right after the
# spoke sent a keepalive to the relay, so its next one is a full interval
# away. The same again for the hub's NAT, hub->spoke.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

KEEPALIVE=25
# The keepalive timer's own slack (kernel WireGuard's 25 s timer sits in a
# timer wheel level with 512-jiffy, 2 s at HZ=250, granularity: seen firing
# 26.6 s after the previous keepalive), a ping every 0.5 s, a slow VM.
MARGIN=4
PORT_MIN=40000
PORT_MAX=40100

wgx_relay_up
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 go wgo1 10.120.0.10
wgx_link_spoke hub wg0 spoke wgo1 10.120.0.10
# First handshakes can take a few seconds on a loaded VM: wait for them
# before counting answers (ping_ok gives the first answer 2 s).
wgx_ping_wait hub 10.120.0.2 60 >/dev/null
wgx_ping_wait spoke 10.120.0.2 60 >/dev/null
ping_ok hub 10.120.0.2
ping_ok spoke 10.120.0.2
wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)"
wgx_ping_wait spoke 10.120.0.1 60 >/dev/null
ping_ok spoke 10.120.0.1 5
ping_ok hub 10.120.0.10 3

# relay_tx NS IFNAME: bytes NS sent to its relay peer (keepalives, pings).
relay_tx() {
	ip netns exec "$1" wg show "$2" transfer | awk -v k="$RELAY_PUB" '$1 == k { print $3 }'
}

tx_changed() {
	[ "$(relay_tx "$1" "$2")" != "$3" ]
}

# rebind SITE IFNAME FROM_NS TO_ADDR: move SITE's NAT mapping to a new port and
# measure until FROM_NS reaches TO_ADDR through the relay again.
rebind() {
	local site=$1 ifname=$2 from=$3 to=$4 key i old new port t tx seen unknown0 unknown1 nat
	nat=$site-nat
	key=$(wgx_key "$site")
	i=$(topo__index "$site")
	old=$(wgx_peer_field "$key" endpoint)
	echo "== $site: the relay sees it at $old"
	# Linux masquerade kept the WireGuard port.
	assert_eq "$old" "$(topo_pub4 "$site"):51820" "$site's endpoint before the change"

	# The new masquerade rule applies to new flows only: the running one
	# keeps its mapping until the conntrack flush below.
	ip netns exec "$nat" nft -f - <<-EOF
	flush chain inet site postrouting
	add rule inet site postrouting oifname "wan0" ip saddr 192.168.$i.0/24 meta l4proto { tcp, udp } masquerade to :$PORT_MIN-$PORT_MAX
	add rule inet site postrouting oifname "wan0" ip saddr 192.168.$i.0/24 masquerade
	add rule inet site postrouting oifname "wan0" ip6 saddr fd00:$i::/64 meta l4proto { tcp, udp } masquerade to :$PORT_MIN-$PORT_MAX
	add rule inet site postrouting oifname "wan0" ip6 saddr fd00:$i::/64 masquerade
	EOF
	ping_ok "$from" "$to" 2
	assert_eq "$(wgx_peer_field "$key" endpoint)" "$old" "$site's endpoint with the new rule, before the flush"

	# The worst case: the mapping changes just after the site sent a
	# keepalive to the relay, so its next one is a whole interval away (the
	# relay sends nothing unasked: no passive keepalive comes earlier).
	unknown0=$(wgx_stat drop_unknown_endpoint)
	tx=$(relay_tx "$site" "$ifname")
	wait_until $((KEEPALIVE + 15)) tx_changed "$site" "$ifname" "$tx"
	seen=$(date +%s.%N)
	ip netns exec "$nat" conntrack -F 2>&1
	echo "$site: mapping changed $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $seen }")s after its keepalive to the relay was seen"
	t=$(wgx_ping_wait "$from" "$to" 90)
	echo "$site NAT rebind: $from -> $to answered again after ${t}s (keepalive interval ${KEEPALIVE}s)"

	new=$(wgx_peer_field "$key" endpoint)
	port=${new##*:}
	echo "$site: the relay now sees it at $new"
	assert_eq "${new%:*}" "$(topo_pub4 "$site")" "$site's new endpoint address"
	{ [ "$port" -ge $PORT_MIN ] && [ "$port" -le $PORT_MAX ]; } ||
		fail "$site's new endpoint port $port is not in $PORT_MIN-$PORT_MAX"
	# The NAT router agrees: its mapping to the relay uses that port.
	ip netns exec "$nat" conntrack -L -p udp --dst "$RELAY4" --dport 8787 2>/dev/null |
		tee "$TOPO_DIR/ct" | grep -q "dport=$port " ||
		fail "no conntrack entry to the relay with port $port: $(cat "$TOPO_DIR/ct")"
	unknown1=$(wgx_stat drop_unknown_endpoint)
	echo "$site: packets from the new port dropped before the rebind (unknown endpoint): $((unknown1 - unknown0))"
	assert_ge $((unknown1 - unknown0)) 1 "packets from the unbound new port are dropped"

	awk -v t="$t" -v max=$((KEEPALIVE + MARGIN)) 'BEGIN { exit !(t <= max) }' ||
		fail "$site: traffic resumed after ${t}s, more than ${KEEPALIVE}s + ${MARGIN}s"
	# Both ways, through the new mapping.
	ping_ok spoke 10.120.0.1 5
	ping_ok hub 10.120.0.10 5
	REBIND_TIME[$site]=$t
}

declare -A REBIND_TIME=()
rebind spoke wgo1 spoke 10.120.0.1
rebind hub wg0 hub 10.120.0.10

wgx_in relay relay peers
wgx_in relay relay status
echo "figures: spoke rebind ${REBIND_TIME[spoke]}s, hub rebind ${REBIND_TIME[hub]}s (limit $((KEEPALIVE + MARGIN))s)"
