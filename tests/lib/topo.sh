# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/topo.sh -- network topologies for the VM test scenarios.
#
# Sourced by a scenario (tests/scenarios/*.sh) that runs inside the test VM
# (tests/vm/run.sh) as root:
#
#   . "$WGX_ROOT/tests/lib/topo.sh"
#   topo_init
#
# Address plan ("the Internet" is one bridge, br0 in namespace inet):
#
#   inet       203.0.113.1/24     2001:db8::1/64     the Internet router (br0)
#   relay      203.0.113.2        2001:db8::2        $RELAY4 / $RELAY6
#   attacker   203.0.113.66       2001:db8::66       $ATTACKER4 / $ATTACKER6
#   NAME-nat   203.0.113.(10+I)   2001:db8::(10+I)   site I's NAT router (wan0)
#              192.168.I.1/24     fd00:I::1/64       its LAN side (bridge lan0)
#   NAME       192.168.I.2        fd00:I::2          site I's WireGuard host
#   NAME-lan   192.168.I.3        fd00:I::3          another host on site I's LAN
#
# Every namespace has lo up, eth0 (or wan0) with default routes via the
# router, and IPv6 duplicate address detection off (addresses are "nodad").
#
# Setup
#   topo_init
#       set -eE, load the kernel modules the topologies need, make $TOPO_DIR
#       (a scratch folder), register topo_teardown as the EXIT trap and an
#       ERR trap that names the failing command.  Call it first.
#   topo_internet
#       namespace inet with bridge br0 (203.0.113.1/24, 2001:db8::1/64),
#       forwarding on.  The other topo_ functions create it when missing.
#   topo_relay
#       namespace relay on br0, 203.0.113.2 and 2001:db8::2.
#   topo_attacker
#       namespace attacker on br0, 203.0.113.66 and 2001:db8::66.
#   topo_site NAME INDEX [--symmetric]
#       a site: NAT router NAME-nat (public wan0 on br0, LAN bridge lan0),
#       WireGuard host NAME and LAN host NAME-lan.  INDEX is 1..50.  LAN
#       traffic leaving wan0 is masqueraded, IPv4 and IPv6 (NAT66).  New
#       connections from the Internet to the LAN are dropped unless a port is
#       forwarded with topo_nat_forward.  Linux masquerade keeps a flow's
#       source port when it can, so the default is an endpoint-independent
#       mapping ("port-restricted cone").  --symmetric uses "masquerade
#       random": every new flow (other destination) gets a random source
#       port, i.e. an endpoint-dependent, symmetric-style mapping on which
#       port prediction from another peer's observations fails.
#   topo_nat_forward NAME PROTO PORT [HOSTNUM [TOPORT]]
#       forward PROTO (udp/tcp) PORT on NAME-nat's public addresses (v4 and
#       v6) to 192.168.I.HOSTNUM / fd00:I::HOSTNUM port TOPORT (default host
#       2, same port).
#   topo_nat_counter NAME [COUNTER [packets|bytes]]
#       print a named nft counter of NAME-nat (default: from_relay, packets).
#       Counters, all in table "inet site" of the NAT router:
#         from_relay   forwarded wan0 -> LAN packets with source RELAY4/6
#         to_relay     forwarded LAN -> wan0 packets to RELAY4/6
#         from_wan     all forwarded (accepted) wan0 -> LAN packets
#         wan_dropped  packets from wan0 dropped (no NAT state, no forward)
#
# Addresses
#   topo_pub4 NAME, topo_pub6 NAME          public address of NAME-nat
#   topo_lan4 NAME [HOSTNUM], topo_lan6 NAME [HOSTNUM]
#                                           LAN address (default host 2)
#
# WireGuard (reference implementations to test wgx against)
#   topo_wg_keypair NAME
#       write $TOPO_DIR/NAME.key and $TOPO_DIR/NAME.pub.
#   topo_wg_pubkey NAME
#       print the public key of topo_wg_keypair NAME.
#   topo_wg_kernel NS IFNAME PRIVKEYFILE PORT [ADDRESS/CIDR ...]
#       kernel WireGuard interface in NS with that key, listen port (0 or ""
#       = random) and addresses, set up.
#   topo_wg_go NS IFNAME PRIVKEYFILE PORT [ADDRESS/CIDR ...]
#       the same with wireguard-go.  Its control socket
#       /run/wireguard/IFNAME.sock is shared by all namespaces and `wg` prefers
#       it over a kernel interface of the same name in any namespace: give
#       every wireguard-go interface a name no other interface uses (wgo1,
#       wgo2, ...).  Its log is $WGX_LOGDIR/wireguard-go-IFNAME.log; it is
#       killed at teardown.
#   topo_wg_quick_conf NS IFNAME CONFFILE [--go]
#       create IFNAME (kernel, or wireguard-go with --go) from a wg-quick
#       style file: [Interface] Address and MTU are applied with ip, DNS,
#       Table, Pre/PostUp/Down and SaveConfig are ignored, the rest
#       (PrivateKey, ListenPort, FwMark, [Peer]s) goes to `wg setconf`.
#   topo_wg_peer NS IFNAME PUBKEY [wg set peer options ...]
#       wg set IFNAME peer PUBKEY options... in NS.
#   topo_wg_handshake NS IFNAME [PUBKEY]
#       print the latest handshake time (unix seconds, 0 = never) of the
#       peer (default: the first one).
#
# wgx
#   wgx_load [PARAM=VALUE ...]
#       load the crypto library modules (modprobe wireguard pulls them in),
#       then insmod $WGX_KO (default $WGX_ROOT/kernel/wgx.ko) with the params.
#   wgx_unload
#       rmmod wgx.
#   wgx_in NS ARGS...
#       run the wgx tool ($WGX_TOOL, default $WGX_ROOT/tools/wgx) in NS.
#
# Processes and teardown
#   topo_bg NS CMD [ARGS ...]
#       run CMD in NS in the background (output in $WGX_LOGDIR/bg-N-CMD.log),
#       killed at teardown; its PID is left in $TOPO_LAST_PID.
#   topo_cleanup_add CMD [ARGS ...]
#       run CMD at teardown (before diagnostics and namespace removal).
#   topo_teardown
#       run the cleanups, save diagnostics of every namespace to
#       $WGX_LOGDIR/ns-NAME.txt, kill background processes (wireguard-go,
#       iperf3, everything still running in a namespace), delete all
#       namespaces.  Runs at exit (topo_init sets the trap).
#
# Checks
#   fail MSG                     print "FAIL: MSG" and exit 1
#   assert_eq ACTUAL EXPECTED [MSG]
#   assert_ge ACTUAL MINIMUM [MSG]   (integers)
#   ping_ok NS ADDR [COUNT]      COUNT (default 3) pings from NS to ADDR, all
#                                must be answered (IPv6 when ADDR has a colon)
#   ping_fail NS ADDR            no ping from NS to ADDR is answered
#   wait_until SECONDS CMD [ARGS ...]
#                                retry CMD every 0.2 s until it succeeds;
#                                fail after SECONDS
#
# Environment set for scenarios: WGX_ROOT, WGX_LOGDIR, TOPO_DIR, RELAY4,
# RELAY6, ATTACKER4, ATTACKER6, WGX_KO, WGX_TOOL.

# shellcheck source=tests/lib/diag.sh
. "$(dirname "${BASH_SOURCE[0]}")/diag.sh"

: "${WGX_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export WGX_ROOT
: "${WGX_KO:=$WGX_ROOT/kernel/wgx.ko}"
: "${WGX_TOOL:=$WGX_ROOT/tools/wgx}"
export WGX_KO WGX_TOOL

export RELAY4=203.0.113.2 RELAY6=2001:db8::2
export ATTACKER4=203.0.113.66 ATTACKER6=2001:db8::66
TOPO_INET4=203.0.113.1
TOPO_INET6=2001:db8::1

TOPO_PIDS=()
TOPO_CLEANUP=()
TOPO_BG_COUNT=0
TOPO_DONE=0
declare -A TOPO_SITE_INDEX=()

# ---------------------------------------------------------------- checks

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-assert_eq}: got '$1', expected '$2'"
}

assert_ge() {
	[ "$1" -ge "$2" ] 2>/dev/null || fail "${3:-assert_ge}: got '$1', expected >= '$2'"
}

wait_until() {
	local secs=$1 end
	shift
	end=$(($(date +%s) + secs))
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || fail "wait_until: '$*' not true after ${secs}s"
		sleep 0.2
	done
}

# topo__ping NS COUNT DEADLINE ADDR: ping (busybox's where there is no ping
# binary) and print how many answers came back.
topo__ping() {
	local ns=$1 count=$2 deadline=$3 addr=$4 fam=-4 cmd=(ping) out
	command -v ping >/dev/null || cmd=(busybox ping)
	case $addr in *:*) fam=-6 ;; esac
	# -W: how long to wait for an answer after the last echo request.
	out=$(ip netns exec "$ns" "${cmd[@]}" $fam -c "$count" -i 0.2 -W 2 -w "$deadline" "$addr" 2>&1) || true
	echo "$out" >"$TOPO_DIR/ping.out"
	echo "$out" | sed -n 's/.* \([0-9]\+\) \(packets \)\{0,1\}received.*/\1/p' | grep . || echo 0
}

ping_ok() {
	local ns=$1 addr=$2 count=${3:-3} got
	got=$(topo__ping "$ns" "$count" $((count + 10)) "$addr")
	if [ "$got" != "$count" ]; then
		echo "ping_ok $ns -> $addr: $got/$count answered" >&2
		cat "$TOPO_DIR/ping.out" >&2
		ip netns exec "$ns" ip route get "$addr" >&2 || true
		return 1
	fi
}

ping_fail() {
	local ns=$1 addr=$2 got
	got=$(topo__ping "$ns" 2 2 "$addr")
	if [ "$got" != 0 ]; then
		echo "ping_fail $ns -> $addr: $got answered, expected none" >&2
		return 1
	fi
}

# ---------------------------------------------------------------- init

topo__on_err() {
	local rc=$1 src=$2 line=$3 command=${4%%$'\n'*} text
	text=$(sed -n "${line}p" "$src" 2>/dev/null | sed 's/^[[:space:]]*//')
	echo "FAIL: ${src##*/}:$line: ${text:-$command} (exit status $rc)" >&2
}

topo__on_exit() {
	local rc=$?
	topo_teardown
	exit $rc
}

topo_init() {
	local m
	set -eE
	trap 'topo__on_err $? "${BASH_SOURCE[0]}" $LINENO "$BASH_COMMAND"' ERR
	trap topo__on_exit EXIT
	# Turn signals into a normal exit so that the EXIT trap runs.
	trap 'exit 143' TERM
	trap 'exit 130' INT

	: "${WGX_LOGDIR:=$(mktemp -d /tmp/wgx-logs.XXXXXX)}"
	export WGX_LOGDIR
	TOPO_DIR=$(mktemp -d /tmp/topo.XXXXXX)
	export TOPO_DIR

	for m in veth bridge tun nf_tables nft_ct nft_nat nft_masq nft_chain_nat \
		 nf_conntrack nf_conntrack_netlink nfnetlink wireguard; do
		modprobe "$m" || fail "modprobe $m failed"
	done
	mkdir -p /run/wireguard
}

# ---------------------------------------------------------------- namespaces

# topo__ns NAME: a new namespace with lo up, no IPv6 DAD.
topo__ns() {
	local ns=$1
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
}

# topo__addr NS DEV ADDRESS/CIDR...: add addresses (IPv6 ones nodad).
topo__addr() {
	local ns=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$ns" addr add "$a" dev "$dev" nodad ;;
		*)   ip -n "$ns" addr add "$a" dev "$dev" ;;
		esac
	done
}

topo__forwarding() {
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

topo_internet() {
	topo__ns inet
	ip -n inet link add br0 type bridge
	topo__addr inet br0 "$TOPO_INET4/24" "$TOPO_INET6/64"
	ip -n inet link set br0 up
	topo__forwarding inet
}

topo__need_inet() {
	[ -e /run/netns/inet ] || topo_internet
}

# topo__public NS DEV N: connect NS to br0 with 203.0.113.N and 2001:db8::N,
# default routes via the Internet router.
topo__public() {
	local ns=$1 dev=$2 n=$3
	topo__need_inet
	topo__ns "$ns"
	ip link add "$dev" netns "$ns" type veth peer name "pub$n" netns inet
	ip -n inet link set "pub$n" master br0 up
	topo__addr "$ns" "$dev" "203.0.113.$n/24" "2001:db8::$n/64"
	ip -n "$ns" link set "$dev" up
	ip -n "$ns" route add default via "$TOPO_INET4"
	ip -n "$ns" -6 route add default via "$TOPO_INET6"
}

topo_relay() {
	topo__public relay eth0 2
}

topo_attacker() {
	topo__public attacker eth0 66
}

# ---------------------------------------------------------------- sites

topo__index() {
	local i=${TOPO_SITE_INDEX[$1]:-}
	[ -n "$i" ] || fail "no site '$1' (topo_site first)"
	echo "$i"
}

topo_pub4() { echo "203.0.113.$((10 + $(topo__index "$1")))"; }
topo_pub6() { echo "2001:db8::$((10 + $(topo__index "$1")))"; }
topo_lan4() { echo "192.168.$(topo__index "$1").${2:-2}"; }
topo_lan6() { echo "fd00:$(topo__index "$1")::${2:-2}"; }

topo_site() {
	local name=$1 i=$2 mode=${3:-} masq=masquerade nat=$1-nat h hns hnum hport
	[ $# -ge 2 ] || fail "usage: topo_site NAME INDEX [--symmetric]"
	if ! [[ $i =~ ^[0-9]+$ ]] || [ "$i" -lt 1 ] || [ "$i" -gt 50 ]; then
		fail "topo_site: INDEX must be 1..50"
	fi
	case $mode in
	"") ;;
	--symmetric) masq="masquerade random" ;;
	*) fail "topo_site: unknown option $mode" ;;
	esac
	TOPO_SITE_INDEX[$name]=$i

	# The NAT router: public side wan0, LAN bridge lan0.
	topo__public "$nat" wan0 $((10 + i))
	topo__forwarding "$nat"
	ip -n "$nat" link add lan0 type bridge
	topo__addr "$nat" lan0 "192.168.$i.1/24" "fd00:$i::1/64"
	ip -n "$nat" link set lan0 up

	# The WireGuard host (.2) and another LAN host (.3).
	for h in "$name:2:lanh" "$name-lan:3:lanl"; do
		IFS=: read -r hns hnum hport <<<"$h"
		topo__ns "$hns"
		ip link add eth0 netns "$hns" type veth peer name "$hport" netns "$nat"
		ip -n "$nat" link set "$hport" master lan0 up
		topo__addr "$hns" eth0 "192.168.$i.$hnum/24" "fd00:$i::$hnum/64"
		ip -n "$hns" link set eth0 up
		ip -n "$hns" route add default via "192.168.$i.1"
		ip -n "$hns" -6 route add default via "fd00:$i::1"
	done

	ip netns exec "$nat" nft -f - <<-EOF
	table inet site {
		counter from_relay { }
		counter to_relay { }
		counter from_wan { }
		counter wan_dropped { }

		# Port forwards (topo_nat_forward) go here.
		chain prerouting {
			type nat hook prerouting priority dstnat; policy accept;
		}

		chain postrouting {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "wan0" ip saddr 192.168.$i.0/24 $masq
			oifname "wan0" ip6 saddr fd00:$i::/64 $masq
		}

		# Like a home router: from the Internet only replies and
		# forwarded ports get in.
		chain forward {
			type filter hook forward priority filter; policy accept;
			iifname "wan0" ct state established,related goto from_wan
			iifname "wan0" ct status dnat goto from_wan
			iifname "wan0" counter name "wan_dropped" drop
			oifname "wan0" ip daddr $RELAY4 counter name "to_relay"
			oifname "wan0" ip6 daddr $RELAY6 counter name "to_relay"
		}

		chain from_wan {
			ip saddr $RELAY4 counter name "from_relay"
			ip6 saddr $RELAY6 counter name "from_relay"
			counter name "from_wan" accept
		}
	}
	EOF
}

topo_nat_forward() {
	local name=$1 proto=$2 port=$3 host=${4:-2} to=${5:-$3} i
	i=$(topo__index "$name")
	ip netns exec "$name-nat" nft add rule inet site prerouting \
		iifname wan0 meta nfproto ipv4 "$proto" dport "$port" \
		dnat ip to "192.168.$i.$host:$to"
	ip netns exec "$name-nat" nft add rule inet site prerouting \
		iifname wan0 meta nfproto ipv6 "$proto" dport "$port" \
		dnat ip6 to "[fd00:$i::$host]:$to"
}

topo_nat_counter() {
	local name=$1 counter=${2:-from_relay} what=${3:-packets}
	ip netns exec "$name-nat" nft list counter inet site "$counter" |
		sed -n "s/.*$what \([0-9]\+\).*/\1/p"
}

# ---------------------------------------------------------------- WireGuard

topo_wg_keypair() {
	(
		umask 077
		wg genkey >"$TOPO_DIR/$1.key"
		wg pubkey <"$TOPO_DIR/$1.key" >"$TOPO_DIR/$1.pub"
	)
}

topo_wg_pubkey() {
	cat "$TOPO_DIR/$1.pub"
}

# topo__wg_link NS IFNAME kernel|go: create the interface, without config.
topo__wg_link() {
	local ns=$1 dev=$2 kind=$3 pid i
	if [ "$kind" = kernel ]; then
		ip -n "$ns" link add "$dev" type wireguard
		return
	fi
	[ ! -e "/run/wireguard/$dev.sock" ] ||
		fail "topo_wg_go: /run/wireguard/$dev.sock exists: interface name $dev already used"
	# Foreground mode in the background: we know its PID and keep its log.
	ip netns exec "$ns" env LOG_LEVEL="$([ "${WGX_TEST_VERBOSE:-0}" = 1 ] && echo debug || echo error)" \
		wireguard-go -f "$dev" >"$WGX_LOGDIR/wireguard-go-$dev.log" 2>&1 &
	pid=$!
	TOPO_PIDS+=("$pid")
	for i in $(seq 100); do
		[ -S "/run/wireguard/$dev.sock" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$WGX_LOGDIR/wireguard-go-$dev.log" >&2
	fail "wireguard-go $dev did not start"
}

# topo__wg_new KIND NS IFNAME PRIVKEYFILE PORT [ADDRESS/CIDR ...]
topo__wg_new() {
	local kind=$1 ns=$2 dev=$3 key=$4 port=$5
	shift 5
	topo__wg_link "$ns" "$dev" "$kind"
	ip netns exec "$ns" wg set "$dev" private-key "$key" ${port:+listen-port "$port"}
	topo__addr "$ns" "$dev" "$@"
	ip -n "$ns" link set "$dev" up
}

topo_wg_kernel() {
	[ $# -ge 4 ] || fail "usage: topo_wg_kernel NS IFNAME PRIVKEYFILE PORT [ADDRESS/CIDR ...]"
	topo__wg_new kernel "$@"
}

topo_wg_go() {
	[ $# -ge 4 ] || fail "usage: topo_wg_go NS IFNAME PRIVKEYFILE PORT [ADDRESS/CIDR ...]"
	topo__wg_new go "$@"
}

topo_wg_quick_conf() {
	local ns=$1 dev=$2 conf=$3 kind=kernel stripped line mtu='' addrs=() more
	[ "${4:-}" = --go ] && kind=go
	[ -r "$conf" ] || fail "topo_wg_quick_conf: cannot read $conf"
	stripped=$TOPO_DIR/$dev.stripped.conf
	# "wg-quick strip": drop comments, blank lines and the [Interface]
	# keys that only wg-quick knows; print those we apply ourselves.
	while read -r line; do
		case $line in
		address\ *) read -ra more <<<"${line#address }"; addrs+=("${more[@]}") ;;
		mtu\ *) mtu=${line#mtu } ;;
		esac
	done < <(awk -v out="$stripped" '
		{ sub(/#.*/, ""); gsub(/^[ \t]+|[ \t]+$/, "") }
		$0 == "" { next }
		/^\[/ { sect = tolower($0); print > out; next }
		{
			key = tolower($0); sub(/[ \t]*=.*/, "", key)
			val = $0; sub(/^[^=]*=[ \t]*/, "", val)
			if (sect == "[interface]") {
				if (key == "address") { gsub(/,/, " ", val); print "address " val; next }
				if (key == "mtu") { print "mtu " val; next }
				if (key ~ /^(dns|table|preup|postup|predown|postdown|saveconfig)$/) next
			}
			print > out
		}' "$conf")
	topo__wg_link "$ns" "$dev" "$kind"
	ip netns exec "$ns" wg setconf "$dev" "$stripped"
	topo__addr "$ns" "$dev" "${addrs[@]}"
	[ -n "$mtu" ] && ip -n "$ns" link set "$dev" mtu "$mtu"
	ip -n "$ns" link set "$dev" up
}

topo_wg_peer() {
	local ns=$1 dev=$2 pub=$3
	shift 3
	ip netns exec "$ns" wg set "$dev" peer "$pub" "$@"
}

topo_wg_handshake() {
	local ns=$1 dev=$2 pub=${3:-}
	ip netns exec "$ns" wg show "$dev" latest-handshakes |
		awk -v p="$pub" 'p == "" || $1 == p { print $2; exit }'
}

# ---------------------------------------------------------------- wgx

wgx_load() {
	local m
	modprobe wireguard
	for m in libcurve25519 libchacha20poly1305 ip6_udp_tunnel udp_tunnel; do
		if modinfo "$m" >/dev/null 2>&1; then
			modprobe "$m"
		fi
	done
	[ -e "$WGX_KO" ] || fail "wgx_load: $WGX_KO not found (build it: make)"
	insmod "$WGX_KO" "$@"
}

wgx_unload() {
	rmmod wgx
}

wgx_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$WGX_TOOL" "$@"
}

# ---------------------------------------------------------------- processes

topo_bg() {
	local ns=$1 log
	shift
	TOPO_BG_COUNT=$((TOPO_BG_COUNT + 1))
	log=$WGX_LOGDIR/bg-$TOPO_BG_COUNT-$(basename "$1").log
	ip netns exec "$ns" "$@" >"$log" 2>&1 &
	TOPO_LAST_PID=$!
	TOPO_PIDS+=("$TOPO_LAST_PID")
}

topo_cleanup_add() {
	TOPO_CLEANUP+=("$(printf '%q ' "$@")")
}

topo__any_alive() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

topo_teardown() {
	local i ns pids
	[ "$TOPO_DONE" = 1 ] && return 0
	TOPO_DONE=1
	set +eE
	trap - ERR

	for ((i = ${#TOPO_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${TOPO_CLEANUP[$i]}"
	done

	# Diagnostics while everything is still there.
	if [ -d "${WGX_LOGDIR:-}" ]; then
		# shellcheck disable=SC2046
		wgx_diag_netns_list "$WGX_LOGDIR" $(ip netns list | awk '{ print $1 }')
	fi

	# Background processes, then everything else still running in a
	# namespace (e.g. an iperf3 -D).
	read -ra pids <<<"${TOPO_PIDS[*]} $(for ns in $(ip netns list | awk '{ print $1 }'); do
		ip netns pids "$ns"; done | tr '\n' ' ')"
	if [ ${#pids[@]} -gt 0 ]; then
		kill "${pids[@]}" 2>/dev/null
		for i in $(seq 20); do
			topo__any_alive "${pids[@]}" || break
			sleep 0.1
		done
		kill -9 "${pids[@]}" 2>/dev/null
		[ ${#TOPO_PIDS[@]} = 0 ] || wait "${TOPO_PIDS[@]}" 2>/dev/null
	fi

	for ns in $(ip netns list | awk '{ print $1 }'); do
		ip netns del "$ns"
	done
	[ -n "${TOPO_DIR:-}" ] && rm -rf "$TOPO_DIR"
	return 0
}
