# SPDX-License-Identifier: GPL-2.0
#
# Diagnostics of network namespaces, sourced by tests/lib/topo.sh (saved at
# teardown, before the namespaces are deleted) and by tests/vm/vm-runner.sh
# (for whatever a scenario left behind).
#
#   wgx_diag_netns NS FILE   write the state of namespace NS ("" = the initial
#                            one) to FILE: addresses, links, routes, neighbours,
#                            sockets, WireGuard interfaces, nftables, conntrack
#   wgx_diag_netns_list DIR NS...
#                            the same for each NS ("" = initial) in parallel,
#                            into DIR/ns-NS.txt (DIR/ns-init.txt)
#   wgx_diag_all_netns DIR   the same for every namespace in `ip netns list`
#                            and the initial one
#
# WireGuard: `wg show all` in a namespace would also list the wireguard-go
# interfaces of every other namespace (their control sockets all live in the
# shared /run/wireguard), so each interface of the namespace is shown on its
# own instead: kernel ones (link kind wireguard) and tun devices that have a
# wireguard-go socket.

# The report itself, run inside the namespace (one `ip netns exec` for all
# the commands: each exec costs time in the VM).
wgx__diag_body() {
	local dev
	echo "##### namespace ${1:-<init>} at $(cut -d' ' -f1 /proc/uptime)s uptime"
	echo "### ip -d addr"
	ip -d addr
	echo "### ip route (v4)"
	ip route
	echo "### ip route (v6)"
	ip -6 route
	echo "### ip neigh"
	ip neigh
	echo "### ss -uanp"
	ss -uanp
	for dev in $(ip -d -o link show | awk -F': ' '/ wireguard / { sub(/@.*/, "", $2); print $2 }') \
		   $(ip -o link show type tun 2>/dev/null | awk -F': ' '{ print $2 }'); do
		# A tun device is a wireguard-go interface if it has a socket.
		[ -S "/run/wireguard/$dev.sock" ] || ip -d link show dev "$dev" | grep -qw wireguard || continue
		echo "### wg show $dev"
		wg show "$dev"
		echo "### wg show $dev dump"
		wg show "$dev" dump
	done
	# Only where the modules are loaded: nft and conntrack would otherwise
	# load them or (conntrack 1.4.7 without nfnetlink) crash.
	if [ -d /sys/module/nf_tables ]; then
		echo "### nft list ruleset"
		nft list ruleset
	fi
	if [ -d /sys/module/nf_conntrack_netlink ] && command -v conntrack >/dev/null; then
		echo "### conntrack -L (v4)"
		conntrack -L -f ipv4
		echo "### conntrack -L (v6)"
		conntrack -L -f ipv6
	fi
	# The relays of this namespace, when the module is loaded.
	if [ -d /sys/module/wgx ] && [ -x "${WGX_TOOL:-}" ]; then
		for what in status peers routes sessions; do
			echo "### wgx relay $what"
			"$WGX_TOOL" relay "$what" 2>&1
		done
	fi
}

wgx_diag_netns() {
	local ns=$1 file=$2
	if [ -n "$ns" ]; then
		ip netns exec "$ns" bash -c "$(declare -f wgx__diag_body); wgx__diag_body $ns"
	else
		wgx__diag_body ""
	fi >"$file" 2>&1
}

# wgx_diag_netns_list DIR NS...: the namespaces in parallel, into DIR/ns-NS.txt.
wgx_diag_netns_list() {
	local dir=$1 ns pids=()
	shift
	for ns in "$@"; do
		wgx_diag_netns "$ns" "$dir/ns-${ns:-init}.txt" &
		pids+=($!)
	done
	[ ${#pids[@]} = 0 ] || wait "${pids[@]}"
}

wgx_diag_all_netns() {
	# shellcheck disable=SC2046
	wgx_diag_netns_list "$1" "" $(ip netns list | awk '{ print $1 }')
}
