#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 00-harness: proves the VM harness and tests/lib/topo.sh, without wgx.
#
# Internet + relay + two sites behind NAT: site a's host runs kernel
# WireGuard behind a NAT router that forwards its port, site b's host runs
# wireguard-go behind a symmetric-style NAT.  b connects to a's public
# address, first over IPv4, then over IPv6 (NAT66 on both sides), and pings
# through the tunnel.  Also checks the NAT routers' behaviour and counters.
#
# timeout: 180

. "$WGX_ROOT/tests/lib/topo.sh"
topo_init

topo_internet
topo_relay
topo_attacker
topo_site a 1
topo_site b 2 --symmetric

A_PUB4=$(topo_pub4 a)
A_PUB6=$(topo_pub6 a)
B_PUB4=$(topo_pub4 b)
B_PUB6=$(topo_pub6 b)

echo "== plain routing and NAT"
ping_ok a "$RELAY4"
ping_ok a "$RELAY6"
ping_ok b-lan "$RELAY4"
ping_ok b "$ATTACKER6"
# Replies from the relay were counted on a's NAT router (3 v4 + 3 v6).
assert_ge "$(topo_nat_counter a from_relay)" 6 "from_relay on a-nat"
# Nothing gets into a LAN unasked, even with a route to it.
ip -n attacker route add 192.168.1.0/24 via "$A_PUB4"
ping_fail attacker 192.168.1.2
assert_ge "$(topo_nat_counter a wan_dropped)" 2 "wan_dropped on a-nat"

echo "== WireGuard: a (kernel, port forwarded) <- b (wireguard-go)"
topo_wg_keypair a
topo_wg_keypair b
topo_wg_kernel a wg0 "$TOPO_DIR/a.key" 51820 10.99.0.1/24 fd99::1/64
topo_wg_go b wgo1 "$TOPO_DIR/b.key" 51821 10.99.0.2/24 fd99::2/64
topo_nat_forward a udp 51820
topo_wg_peer a wg0 "$(topo_wg_pubkey b)" allowed-ips 10.99.0.2/32,fd99::2/128
topo_wg_peer b wgo1 "$(topo_wg_pubkey a)" allowed-ips 10.99.0.1/32,fd99::1/128 \
	endpoint "$A_PUB4:51820" persistent-keepalive 25

echo "-- IPv4 outer"
ping_ok b 10.99.0.1 5
ping_ok b fd99::1 5
ping_ok a 10.99.0.2
hs_a=$(topo_wg_handshake a wg0)
hs_b=$(topo_wg_handshake b wgo1)
assert_ge "$hs_a" 1 "latest handshake on a"
assert_ge "$hs_b" 1 "latest handshake on b"
# a sees b behind b's NAT router, on a random port (symmetric NAT).
ep=$(ip netns exec a wg show wg0 endpoints | awk '{ print $2 }')
echo "a sees b at $ep"
assert_eq "${ep%:*}" "$B_PUB4" "b's endpoint seen by a"
[ "${ep##*:}" != 51821 ] || fail "b-nat kept the source port: not random"

echo "-- IPv6 outer"
topo_wg_peer b wgo1 "$(topo_wg_pubkey a)" endpoint "[$A_PUB6]:51820"
ping_ok b 10.99.0.1 5
ping_ok b fd99::1 5
ep=$(ip netns exec a wg show wg0 endpoints | awk '{ print $2 }')
echo "a sees b at $ep"
case $ep in "[$B_PUB6]:"*) ;; *) fail "b's endpoint seen by a is $ep, expected [$B_PUB6]:PORT" ;; esac

echo "== wg-quick style configs: relay (kernel) <-> attacker (wireguard-go)"
topo_wg_keypair relay
topo_wg_keypair attacker
cat >"$TOPO_DIR/relay.conf" <<EOF
[Interface]
# wg-quick only keys are applied (Address, MTU) or dropped (the rest)
PrivateKey = $(cat "$TOPO_DIR/relay.key")
ListenPort = 51830
Address = 10.98.0.1/24, fd98::1/64
MTU = 1380
DNS = 192.0.2.53
Table = off
PostUp = echo must not run

[Peer]
PublicKey = $(topo_wg_pubkey attacker)
AllowedIPs = 10.98.0.2/32, fd98::2/128
EOF
cat >"$TOPO_DIR/attacker.conf" <<EOF
[Interface]
PrivateKey = $(cat "$TOPO_DIR/attacker.key")
Address = 10.98.0.2/24
Address = fd98::2/64

[Peer]
PublicKey = $(topo_wg_pubkey relay)
AllowedIPs = 10.98.0.1/32, fd98::1/128
Endpoint = [$RELAY6]:51830
EOF
topo_wg_quick_conf relay wgq0 "$TOPO_DIR/relay.conf"
topo_wg_quick_conf attacker wgo2 "$TOPO_DIR/attacker.conf" --go
assert_eq "$(ip -n relay -o link show wgq0 | grep -o 'mtu [0-9]*')" "mtu 1380" "MTU from the config"
ping_ok attacker 10.98.0.1
ping_ok attacker fd98::1

echo "== iperf3 through the tunnel (2 s)"
topo_bg a iperf3 -s
wait_until 10 ip netns exec a sh -c 'ss -ltn | grep -q ":5201 "'
ip netns exec b iperf3 -c 10.99.0.1 -t 2 | tail -n 4

# Name the interface: a plain `wg show` in a would also list wgo1 (see the
# wireguard-go notes in topo.sh).
ip netns exec a wg show wg0
ip netns exec b wg show wgo1
echo "== all good"
