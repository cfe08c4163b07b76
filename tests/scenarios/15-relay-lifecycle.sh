#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# Relay delete, namespace delete and module unload, each during a running
# iperf3 through the relay: no leak, no warning. A hub (kernel WireGuard)
# and a spoke (wireguard-go) talk through wgx.ko (loaded with dyndbg=+p, so
# that dmesg shows every relay and peer created and freed). Three phases,
# each while iperf3 pushes spoke -> hub through the relay:
#   a. `wgx relay down`
#   b. `ip netns del relay` (the relay goes with its namespace)
#   c. `rmmod wgx` (the module unloads while packets arrive)
# After each, the relay is gone, every peer ever created has been freed, and
# then the relay comes back (same key), the hub and the spoke rejoin it, the
# hub declares the spoke again and the pair's own session resumes through
# it (a ping). At the end the relay is deleted once more: as many "peer
# freed" as "peer created" lines, no leak report. The harness fails the test
# on any kernel warning.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

echo "wgx-test: 15-relay-lifecycle starts" >/dev/kmsg

# Kernel log lines since the start of this scenario.
klog() {
	dmesg | sed -n '/wgx-test: 15-relay-lifecycle starts/,$p'
}

kcount() {
	klog | grep -cE "$1" || true
}

PEER_CREATED='wgx: [^ ]+: peer [0-9a-f]+ created'
PEER_FREED='wgx: peer [0-9a-f]+ freed'
RELAY_DELETED='wgx: relay wgx0 deleted'

relays_deleted_more_than() {
	[ "$(kcount "$RELAY_DELETED")" -gt "$1" ]
}

peers_all_freed() {
	[ "$(kcount "$PEER_CREATED")" = "$(kcount "$PEER_FREED")" ]
}

# check_no_leak WHAT: every peer created so far has been freed (the last
# ones by RCU callbacks that may run a moment after the relay is gone).
check_no_leak() {
	if ! wait_until 30 peers_all_freed 2>/dev/null; then
		klog | grep -E "$PEER_CREATED|$PEER_FREED" >&2
		fail "$1: $(kcount "$PEER_CREATED") peers created, $(kcount "$PEER_FREED") freed"
	fi
	echo "$1: $(kcount "$PEER_CREATED") peers created, $(kcount "$PEER_FREED") freed so far"
}

relay_count() {
	wgx_in relay relay status --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin) or []))'
}

# connect: the hub and the spoke (re)join the relay, the hub declares the
# spoke, the pair's session works through it.
connect() {
	local t
	# First handshakes can take a few seconds on a loaded VM: wait for them
	# before counting answers (ping_ok gives the first answer 2 s).
	wgx_ping_wait hub 10.120.0.2 60 >/dev/null
	wgx_ping_wait spoke 10.120.0.2 60 >/dev/null
	wgx_in hub hub set-peers 10.120.0.2 "$(wgx_key spoke)"
	# After a restart the relay knows none of the pair's indices: WireGuard
	# makes a new handshake through it once its data goes unanswered.
	t=$(wgx_ping_wait spoke 10.120.0.1 120)
	echo "spoke -> hub through the relay after ${t}s"
	ping_ok spoke 10.120.0.1 3
	ping_ok hub 10.120.0.10 3
}

# rejoin: a restarted relay has none of the sessions: the hub and the spoke
# handshake with it again at once.
rejoin() {
	wgx_rejoin hub wg0
	wgx_rejoin spoke wgo1
	connect
}

IPERF_PORT=5200
# phase NAME ACTION...: run ACTION while iperf3 pushes spoke -> hub.
phase() {
	local name=$1 server client fwd0 fwd1 fwd2 t1 t2 deleted0 end
	shift
	echo "== phase $name: $* during iperf3"
	echo "wgx-test: phase $name" >/dev/kmsg
	IPERF_PORT=$((IPERF_PORT + 1))
	topo_bg hub iperf3 -s -1 -B 10.120.0.1 -p $IPERF_PORT
	server=$TOPO_LAST_PID
	wait_until 20 ip netns exec hub sh -c "ss -ltn | grep -q ':$IPERF_PORT '"
	fwd0=$(wgx_stat fwd_bytes)
	# Longer than it takes to get to the action even on a slow VM: it is
	# stopped after the action.
	topo_bg spoke iperf3 -c 10.120.0.1 -p $IPERF_PORT -t 180 -i 1
	client=$TOPO_LAST_PID
	# The transfer is well under way: 2 MB forwarded since it started.
	end=$(($(date +%s) + 90))
	until [ $(($(wgx_stat fwd_bytes) - fwd0)) -ge 2000000 ]; do
		kill -0 "$client" 2>/dev/null || fail "iperf3 ended before the $name"
		[ "$(date +%s)" -lt $end ] || fail "iperf3 forwarded less than 2 MB in 90 s"
		sleep 0.2
	done
	# ... and still flowing right now.
	deleted0=$(kcount "$RELAY_DELETED")
	fwd1=$(wgx_stat fwd_bytes)
	t1=$(date +%s.%N)
	sleep 0.5
	fwd2=$(wgx_stat fwd_bytes)
	t2=$(date +%s.%N)
	[ "$fwd2" -gt "$fwd1" ] || fail "iperf3 stalled before the $name"
	kill -0 "$client" 2>/dev/null || fail "iperf3 ended before the $name"
	"$@"
	echo "$name: done with $((fwd2 - fwd0)) bytes forwarded by then, $((fwd2 - fwd1)) in the $(awk "BEGIN { printf \"%.1f\", $t2 - $t1 }") s before"
	wait_until 30 relays_deleted_more_than "$deleted0"
	# A moment more of packets to a relay that is no more, then stop.
	sleep 2
	kill -0 "$client" 2>/dev/null || fail "iperf3 ended on its own: the transfer did not run into the $name"
	kill "$client" "$server" 2>/dev/null || true
	wait "$client" "$server" 2>/dev/null || true
	tail -n 4 "$WGX_LOGDIR/bg-$((TOPO_BG_COUNT))-iperf3.log"
	check_no_leak "after the $name"
}

# ---- setup
wgx_load dyndbg=+p
wgx_relay_start
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 go wgo1 10.120.0.10
wgx_link_spoke hub wg0 spoke wgo1 10.120.0.10
connect
klog | grep -q "wgx: relay wgx0 created" || fail "no 'relay wgx0 created' in dmesg: dyndbg=+p not in effect"

# ---- a. relay delete
relay_down() {
	wgx_in relay relay down wgx0
	assert_eq "$(relay_count)" 0 "relays after relay down"
	! ip netns exec relay ss -uln | grep -q ':8787 ' || fail "port 8787 still open after relay down"
}
phase "relay delete" relay_down
wgx_relay_start
rejoin

# ---- b. namespace delete
pub_gone() {
	! ip -n inet link show pub2 >/dev/null 2>&1
}
netns_del() {
	ip netns del relay
	# The namespace (and its relay) goes away in the kernel's cleanup_net
	# work: wait for it before making a new one of the same name.
	wait_until 30 pub_gone
}
phase "namespace delete" netns_del
wgx_relay_start
rejoin

# ---- c. module unload
module_unload() {
	wgx_unload
	! grep -q '^wgx ' /proc/modules || fail "wgx is still loaded"
	klog | grep -q "wgx: wgx .* unloaded" || fail "no unload message"
}
phase "module unload" module_unload
wgx_load dyndbg=+p
wgx_relay_start
rejoin

# ---- the end: delete the relay, nothing left
wgx_in relay relay down wgx0
wait_until 30 relays_deleted_more_than 3
check_no_leak "at the end"
if klog | grep -iE 'kmemleak|leak'; then
	fail "a leak report in the kernel log"
fi
echo "figures: relays created $(kcount 'wgx: relay wgx0 created'), deleted $(kcount "$RELAY_DELETED"), peers created $(kcount "$PEER_CREATED"), freed $(kcount "$PEER_FREED")"
