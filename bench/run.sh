#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 3600
#
# `make bench`, the part that runs inside the test VM (tests/vm/run.sh
# bench/run.sh; bench/bench.sh runs it and makes the report). It measures, in
# one VM and one topology, four ways for a spoke and a hub behind two NATs to
# reach each other, and writes raw figures to $WGX_LOGDIR/bench.tsv
# ("FIGURE<TAB>PATH<TAB>VALUE" lines, "meta" lines first).
#
# Paths (kernel WireGuard on hub and spoke, inner 10.120.0.0/16):
#   direct  the hub's NAT forwards UDP 51820 to the hub; the spoke's hub peer
#           points at it
#   wgx     the spoke's hub peer points at wgx.ko on the relay (8787)
#   dnat    the relay forwards UDP 51821 to the hub's forwarded port with
#           nftables DNAT + masquerade (table loaded only for this path, so
#           that conntrack never runs in the relay namespace for the others)
#   bounce  a kernel WireGuard interface on the relay (51822, 10.121.0.2/16)
#           that hub and spoke both peer with (their interfaces "wgb",
#           10.121.0.1 and .10); it decrypts and re-encrypts every packet
#
# The host's other load comes and goes (a shared machine): every figure is
# measured in ROUNDS rounds, the paths interleaved (end to end: each round
# visits the four paths, starting with a different one; relay-bound: wgx and
# DNAT alternate, in turn first), and each round's figures are recorded;
# the report shows the median and compares wgx with DNAT round by round.
#
# End to end (spoke -> hub through the path, the real WireGuard peers):
#   iperf3 TCP both ways, 1 and 4 streams; ping RTT median and 99th
#   percentile; 64-byte UDP datagrams (bench/sender, sendmmsg) to a counting
#   nft rule on the hub: at full speed (bounded by the spoke's and hub's
#   WireGuard crypto under emulation) and at one fixed rate for all paths.
#
# Relay-bound (the load generator bench/wgload, namespace "attacker" on the
# Internet, pinned to CPU 0; RPS hands what it emits to CPU 1 at the
# Internet bridge, so the relay's work, and what follows it, has a CPU of
# its own): while the hub's NAT drops everything the relay sends to the hub
# (an nft rule at priority raw, counted), the generator floods the relay
# with 128-byte datagrams (the size of a WireGuard packet carrying a 64-byte
# UDP payload):
#   wgx     transport data from authenticated spoke keys, to the hub index of
#           a real relayed session, with the session's next counters (the
#           relay forwards by (endpoint, index) without decrypting, and drops
#           replayed counters), with 1, 100 and 1,000 sessions established
#           and all used in turn
#   dnat    the same datagrams to the DNAT port, from 1, 100, 1,000 sources
# (the generator's sockets share one send buffer budget, WGLOAD_INFLIGHT,
# so that 1,000 of them queue no more towards the relay than one: the
# receiving CPU's backlog never overflows, and the relay, not the drops,
# sets the rate)
#   bounce  valid transport data in one session with the bounce server
#           (encrypted before the timed window), which it decrypts, routes
#           and encrypts to the hub
# Rate = packets the relay sent on (its own count: wgx fwd_packets, an nft
# counter in the forward hook for DNAT, wgb0's tx_packets for the bounce
# server) / time; the hub's NAT's count is in the details.
# CPU per forwarded packet: CPU 1 does all the work from the Internet bridge
# on (the relay, and the bridge and the drop at the hub's NAT, the same for
# every path), so where the relay was the bottleneck (CPU 1 saturated) its
# time per packet is 1 / rate (a floor for the bounce server, whose crypto
# workers run on CPU 0 too). /proc/stat's CPU 1 ticks per packet at the
# fixed rate are recorded too, but ticks go missing under TCG. A figure is
# generator-bound when the generator was busy all the time and what it sent
# got through (a saturated relay makes it wait or drops its packets).
# Where wgx's time goes: ftrace function_graph over wgx_receive, and over
# the socket send of a forwarded packet (send4), during a data flood at the
# fixed rate (perf samples only the idle loop under TCG).
# Handshakes: the relay's own (closed loop, 32 in flight, over 1,000 keys;
# wgx vs the bounce server's kernel WireGuard), and forwarded initiations
# (1,000 authenticated spoke keys to the hub, dropped at the hub's NAT).
#
# Environment (all optional): WGX_BENCH_SECS (5) seconds per measurement,
# WGX_BENCH_ROUNDS (3), WGX_BENCH_PINGS (300, over all rounds),
# WGX_BENCH_SESSIONS (1000) the largest session count, WGX_BENCH_FLAT_PAIRS
# (4) pairs of 1-session and NSESS-session floods, WGX_BENCH_PROFILE (1)
# the ftrace breakdowns, WGX_BENCH_PARTS ("e2e relay hs profile") the parts
# to run, for development.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

B=$WGX_ROOT/bench
SECS=${WGX_BENCH_SECS:-5}
ROUNDS=${WGX_BENCH_ROUNDS:-3}
PINGS=${WGX_BENCH_PINGS:-300}
NSESS=${WGX_BENCH_SESSIONS:-1000}
PROFILE=${WGX_BENCH_PROFILE:-1}
FLAT_PAIRS=${WGX_BENCH_FLAT_PAIRS:-4}
PARTS=${WGX_BENCH_PARTS:-e2e relay hs profile}
TSV=$WGX_LOGDIR/bench.tsv
SEED=0x5eed
GENPORT=20000
LG=attacker
: >"$TSV"
[ -x "$B/wgload" ] && [ -x "$B/sender" ] || fail "bench/wgload and bench/sender missing: make -C bench"
ulimit -n 16384
STEPS=$(printf '%s\n' 1 100 "$NSESS" | awk -v m="$NSESS" '$1 <= m && !seen[$1]++' | tr '\n' ' ')

part() { [[ " $PARTS " == *" $1 "* ]]; }
log() { echo "== $(date +%T) $*"; }
rec() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$TSV"
	printf '   %-16s %-7s %s\n' "$1" "$2" "$3"
}
meta() { rec meta "$1" "$2"; }
# kv LINE KEY: the value of KEY=VALUE in LINE.
kv() { sed -n "s/.*\<$2=\([^ ]*\).*/\1/p" <<<"$1"; }
calc() { awk "BEGIN { printf \"$1\n\", $2 }"; }
nft_counter() {
	ip netns exec "$1" nft list counter inet "$2" "$3" | sed -n 's/.*packets \([0-9]\+\).*/\1/p'
}
wgx_stats() {
	wgx_in relay relay status --json | tr -d ' \n' | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2
}
# Busy and total ticks of each CPU, "busy0 total0 busy1 total1 ...", and the
# busy share of each between two such readings ("cpu0 87% cpu1 45%"): where
# the end-to-end work runs (ticks go missing under TCG: shares only).
cpu_ticks() { awk '$1 ~ /^cpu[0-9]+$/ { b = $2 + $3 + $4 + $7 + $8 + $9; printf "%d %d ", b, b + $5 + $6 }' /proc/stat; }
# user + nice + system + irq + softirq + steal ticks (1/100 s) of CPU 1.
cpu1_ticks() { local t; read -ra t <<<"$(cpu_ticks)"; echo "${t[2]}"; }
cpu_shares() {
	awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i < n; i += 2) { t = y[i + 1] - x[i + 1]
			printf "%scpu%d %d%%", (i > 1 ? " " : ""), (i - 1) / 2, (t > 0 ? 100 * (y[i] - x[i]) / t : 0) } }'
}
# All wgx counters as "name=value ...", and the non-zero differences of two.
wgx_allstats() {
	wgx_in relay relay status --json | tr -d ' \n' | grep -o '"stats":{[^}]*}' |
		sed 's/"stats":{//; s/}//; s/"//g; s/:/=/g; s/,/ /g'
}
stats_diff() {
	awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) { split(x[i], p, "="); split(y[i], q, "=")
			if (q[2] - p[2]) printf "%s+%d ", p[1], q[2] - p[2] } }'
}

meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta kernel "$(uname -r)"
meta vm_cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
meta vm_cpus "$(nproc)"
meta accel "${WGX_VM_ACCEL:-tcg}"
meta vm_mem "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
meta secs "$SECS"
meta rounds "$ROUNDS"
meta sessions "$NSESS"
meta wgx_version "$(cat "$WGX_ROOT/VERSION")"
[ "$(nproc)" -ge 2 ] || fail "the relay-bound figures need 2 CPUs (WGX_VM_SMP)"

# ------------------------------------------------------------ topology
log "topology"
wgx_relay_up
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_peer_site spoke 2 kernel wg0 10.120.0.10
wgx_link_spoke hub wg0 spoke wg0 10.120.0.10
topo_nat_forward hub udp 51820
topo_attacker
HUBKEY=$(wgx_key hub)
HUBPUB4=$(topo_pub4 hub)
ip netns exec relay sysctl -qw net.ipv4.ip_forward=1

# The generator's keys: 0..NSESS-1 are spokes of the hub through wgx (and
# peers of the bounce server, for its handshake rate); key NSESS is the
# bounce server's peer for the relay-bound bounce flood.
NGEN=$((NSESS + 1))
"$B/wgload" pubkeys "$SEED" "$NGEN" >"$TOPO_DIR/gen.pub"
gen_peers() {	# PREFIX: a wg conf fragment, key n -> PREFIX.(n/250).(n%250+1)/32
	awk -v p="$1" '{ printf "[Peer]\nPublicKey = %s\nAllowedIPs = %s.%d.%d/32\n\n", $1, p, int((NR - 1) / 250), (NR - 1) % 250 + 1 }'
}
head -n "$NSESS" "$TOPO_DIR/gen.pub" | gen_peers 10.123 >"$TOPO_DIR/hub-gen.conf"
ip netns exec hub wg addconf wg0 "$TOPO_DIR/hub-gen.conf"
{ wgx_key spoke; head -n "$NSESS" "$TOPO_DIR/gen.pub"; } |
	wgx_in hub hub set-peers --timeout 60 10.120.0.2 -

# The bounce server.
for k in bounce hubb spokeb; do topo_wg_keypair $k; done
BOUNCE_PUB=$(topo_wg_pubkey bounce)
topo_wg_kernel relay wgb0 "$TOPO_DIR/bounce.key" 51822 10.121.0.2/16
topo_wg_peer relay wgb0 "$(topo_wg_pubkey hubb)" allowed-ips 10.121.0.1/32
topo_wg_peer relay wgb0 "$(topo_wg_pubkey spokeb)" allowed-ips 10.121.0.10/32
gen_peers 10.122 <"$TOPO_DIR/gen.pub" >"$TOPO_DIR/bounce-gen.conf"
ip netns exec relay wg addconf wgb0 "$TOPO_DIR/bounce-gen.conf"
BOUNCE_GEN_SRC=10.122.$((NSESS / 250)).$((NSESS % 250 + 1))
topo_wg_kernel hub wgb "$TOPO_DIR/hubb.key" 51830 10.121.0.1/16
topo_wg_kernel spoke wgb "$TOPO_DIR/spokeb.key" 51830 10.121.0.10/16
for s in hub spoke; do
	topo_wg_peer $s wgb "$BOUNCE_PUB" endpoint "$RELAY4:51822" \
		allowed-ips 10.121.0.0/16 persistent-keepalive 25
done

# The hub: iperf3 server, and a counting sink for the small datagrams.
topo_bg hub iperf3 -s
ip netns exec hub nft -f - <<-EOF
table inet bench {
	counter sink { }
	chain input {
		type filter hook input priority filter; policy accept;
		udp dport 9999 counter name sink drop
	}
}
EOF

dnat_on() {
	ip netns exec relay nft -f - <<-EOF
	table inet benchdnat {
		counter relayed { }
		chain prerouting {
			type nat hook prerouting priority dstnat; policy accept;
			iifname "eth0" meta nfproto ipv4 udp dport 51821 dnat ip to $HUBPUB4:51820
		}
		chain postrouting {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "eth0" ct status dnat masquerade
		}
		chain forward {
			type filter hook forward priority filter; policy accept;
			ct status dnat ip daddr $HUBPUB4 counter name relayed
		}
	}
	EOF
}
dnat_off() { ip netns exec relay nft delete table inet benchdnat; }
bounce_on() {
	ip netns exec relay nft -f - <<-EOF
	table inet benchbounce {
		counter relayed { }
		chain forward {
			type filter hook forward priority filter; policy accept;
			iifname "wgb0" oifname "wgb0" ip daddr 10.121.0.1 counter name relayed
		}
	}
	EOF
}
bounce_off() { ip netns exec relay nft delete table inet benchbounce; }
path_on() { case $1 in dnat) dnat_on ;; bounce) bounce_on ;; esac; }
path_off() { case $1 in dnat) dnat_off ;; bounce) bounce_off ;; esac; }
# Packets the relay forwarded towards the hub, by its own count.
path_counter() {
	case $1 in
	wgx) wgx_stats fwd_packets ;;
	dnat) nft_counter relay benchdnat relayed ;;
	bounce) ip netns exec relay cat /sys/class/net/wgb0/statistics/tx_packets ;;
	*) echo 0 ;;
	esac
}

# set_path PATH: point the spoke's hub peer at PATH (a fresh handshake along
# it) and set TARGET and SPOKEIF.
set_path() {
	local ep
	TARGET=10.120.0.1 SPOKEIF=wg0
	case $1 in
	direct) ep=$HUBPUB4:51820 ;;
	wgx) ep=$RELAY_EP ;;
	dnat) ep=$RELAY4:51821 ;;
	bounce) TARGET=10.121.0.1 SPOKEIF=wgb ;;
	esac
	if [ -n "${ep:-}" ]; then
		topo_wg_peer spoke wg0 "$HUBKEY" remove
		topo_wg_peer spoke wg0 "$HUBKEY" endpoint "$ep" \
			allowed-ips "10.120.0.1/32,$(topo_lan4 hub 0)/24" persistent-keepalive 25
	fi
	wgx_wait_ping spoke "$TARGET" 60
}

# ------------------------------------------------------------ end to end
ping_rtt() {
	local path=$1 times
	times=$(ip netns exec spoke busybox ping -c "$PINGS" -i 0.02 -W 2 "$TARGET" |
		sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -n)
	[ -n "$times" ] || fail "ping $TARGET ($path): no answer"
	rec rtt_med "$path" "$(awk '{ a[NR] = $1 } END { printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }' <<<"$times")"
	rec rtt_p99 "$path" "$(awk '{ a[NR] = $1 } END { i = int(NR * 0.99 + 0.999); printf "%.3f", a[i] }' <<<"$times")"
	rec rtt_answered "$path" "$(wc -l <<<"$times")/$PINGS"
}

iperf() {
	local path=$1 dir=$2 n=$3 args f c0 shares
	args=(-c "$TARGET" -t "$SECS" -O 1 -P "$n" -J --connect-timeout 5000)
	[ "$dir" = down ] && args+=(-R)
	f=$WGX_LOGDIR/iperf-$path-$dir-$n-r$round.json
	c0=$(cpu_ticks)
	ip netns exec spoke iperf3 "${args[@]}" >"$f" || { cat "$f"; fail "iperf3 $path $dir -P $n"; }
	shares=$(cpu_shares "$c0" "$(cpu_ticks)")
	echo "   tcp $dir -P $n $path: $shares busy"
	rec "tcp_${dir}_${n}_cpus" "$path" "$shares"
	rec "tcp_${dir}_$n" "$path" "$(python3 -c '
import json, sys
print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$f")"
}

wg_tx() { ip netns exec spoke cat "/sys/class/net/$SPOKEIF/statistics/tx_packets"; }

# small PATH FIGURE RATE: 64-byte datagrams spoke -> hub for SECS seconds.
small() {
	local path=$1 fig=$2 rate=$3 s0 t0 f0 s1 t1 f1 out sent secs rx
	s0=$(nft_counter hub bench sink) t0=$(wg_tx) f0=$(path_counter "$path")
	out=$(ip netns exec spoke "$B/sender" "$TARGET" 9999 "$SECS" "$rate" 64 1)
	sleep 1
	s1=$(nft_counter hub bench sink) t1=$(wg_tx) f1=$(path_counter "$path")
	sent=$(kv "$out" sent) secs=$(kv "$out" secs) rx=$((s1 - s0))
	echo "   $fig $path: sent $sent, encrypted by the spoke $((t1 - t0)), relay forwarded $((f1 - f0)), hub received $rx in ${secs}s"
	rec "${fig}_pps" "$path" "$(calc %.0f "$rx / $secs")"
	rec "${fig}_loss" "$path" "$(calc %.2f "($sent > 0 ? 100 * (1 - $rx / $sent) : 0)")"
	rec "${fig}_detail" "$path" "sent=$sent enc=$((t1 - t0)) fwd=$((f1 - f0)) rx=$rx secs=$secs"
}

# rotate N WORDS...: the words, starting with the (N mod count)-th.
rotate() {
	local n=$1
	shift
	local a=("$@")
	local i
	for ((i = 0; i < ${#a[@]}; i++)); do
		printf '%s ' "${a[(i + n) % ${#a[@]}]}"
	done
}

if part e2e; then
PATHS=(direct wgx dnat bounce)
PINGS=$(( (PINGS + ROUNDS - 1) / ROUNDS ))
for ((round = 1; round <= ROUNDS; round++)); do
for path in $(rotate $((round - 1)) "${PATHS[@]}"); do
	log "end to end, round $round/$ROUNDS: $path"
	path_on $path
	set_path $path
	st0=$(wgx_allstats)
	ping_rtt $path
	for dir in up down; do
		for n in 1 4; do iperf $path $dir $n; done
	done
	small $path e2e 0
	echo "   wgx counters during this phase: $(stats_diff "$st0" "$(wgx_allstats)")"
	path_off $path
done
done

# Loss at one rate for all: 80% of the slowest path's full-speed rate
# (its lowest round).
E2E_RATE=$(awk -F'\t' '$1 == "e2e_pps" { if (m == "" || $3 < m) m = $3 } END { printf "%d", m * 0.8 }' "$TSV")
meta e2e_fixed_rate "$E2E_RATE"
round=1
for path in direct wgx dnat bounce; do
	log "end to end at $E2E_RATE/s: $path"
	path_on $path
	set_path $path
	small $path fixed "$E2E_RATE"
	path_off $path
done
fi

# ------------------------------------------------------------ relay-bound
log "relay-bound: load generator"
# Room for bursts: a vCPU is not always running when its backlog fills.
sysctl -qw net.core.netdev_max_backlog=10000
# What the generator sends is handled on CPU 1 from the Internet bridge on:
# the relay's work, and what follows it, has a CPU of its own.
ip netns exec inet sh -c 'echo 2 >/sys/class/net/pub66/queues/rx-0/rps_cpus'
# SCHED_IDLE: the generator gets CPU 0 only when nothing else wants it, so
# that the softirq work it causes there (the IPIs that hand its packets to
# CPU 1, in ksoftirqd when it gets busy) is never starved by it; otherwise
# CPU 1 waits for work while its queue overflows.
coproc GEN { exec ip netns exec "$LG" taskset -c 0 chrt --idle 0 "$B/wgload" run "$SEED" "$NGEN" "$GENPORT" 2>>"$WGX_LOGDIR/wgload.err"; }
gen() {
	local line
	echo "$*" >&"${GEN[1]}"
	IFS= read -r -t 900 line <&"${GEN[0]}" || fail "wgload: no answer to '$*'"
	echo "$line" >>"$WGX_LOGDIR/wgload.log"
	echo "$line"
}
IFS= read -r -t 60 line <&"${GEN[0]}" || fail "wgload did not start"
# gen_soft SECS COMMAND...: gen, but no answer within SECS seconds is not
# fatal (the profiles: tracing may slow the VM to a crawl); the generator
# is then left alone (GEN_LOST).
GEN_LOST=0
gen_soft() {
	local t=$1 line
	shift
	[ "$GEN_LOST" = 0 ] || return 1
	echo "$*" >&"${GEN[1]}"
	if ! IFS= read -r -t "$t" line <&"${GEN[0]}"; then
		echo "   wgload: no answer to '$*' within ${t}s: profiles skipped"
		GEN_LOST=1
		return 1
	fi
	echo "$line" >>"$WGX_LOGDIR/wgload.log"
}
echo "   wgload: $line"

drop_on() {
	ip netns exec hub-nat nft -f - <<-EOF
	table inet benchdrop {
		counter hits { }
		chain prerouting {
			type filter hook prerouting priority raw; policy accept;
			iifname "wan0" ip saddr $RELAY4 counter name hits drop
		}
	}
	EOF
}
drop_off() { ip netns exec hub-nat nft delete table inet benchdrop; }

# relay_flood PATH FIGURE WARMUP WGLOAD-FLOOD-ARGS...: one measured flood
# (after WARMUP seconds of the same, unmeasured) with the hub's NAT dropping
# what the relay forwards; records FIGURE (packets/s the relay sent on),
# FIGURE_bound (generator or relay), FIGURE_us (1e6 / rate) and FIGURE_ticks
# (/proc/stat CPU 1 time per packet, in microseconds).
relay_flood() {
	local path=$1 fig=$2 warm=$3 f0 f1 h0 h1 w0 w1 out sent secs cpu fwd ticks bound extra=""
	shift 3
	drop_on
	if [ "$warm" != 0 ]; then
		local w=("$@")
		w[5]=$warm
		gen flood "${w[@]}" >/dev/null
	fi
	f0=$(path_counter "$path")
	h0=$(nft_counter hub-nat benchdrop hits)
	if [ "$path" = wgx ]; then extra=$(wgx_allstats); fi
	w0=$(cpu1_ticks)
	out=$(gen flood "$@")
	w1=$(cpu1_ticks)
	sleep 0.5
	h1=$(nft_counter hub-nat benchdrop hits)
	f1=$(path_counter "$path")
	if [ "$path" = wgx ]; then extra="wgx: $(stats_diff "$extra" "$(wgx_allstats)")"; fi
	drop_off
	sent=$(kv "$out" sent) secs=$(kv "$out" secs) cpu=$(kv "$out" cpu)
	fwd=$((f1 - f0)) ticks=$((w1 - w0))
	[ "$fwd" -gt 0 ] || fail "relay_flood $path $fig: the relay forwarded nothing ($out)"
	# The generator set the pace if it was busy all the time and what it
	# sent got through; when the relay is the bottleneck, the generator
	# waits (its socket buffer is full) or its packets are dropped.
	bound=$(awk -v s="$sent" -v f="$fwd" -v c="$cpu" -v t="$secs" \
		'BEGIN { print (f >= 0.97 * s && c >= 0.9 * t ? "generator" : "relay") }')
	echo "   $fig $path: sent $sent, relay forwarded $fwd, hub NAT got $((h1 - h0)) in ${secs}s; CPU 1 busy $ticks ticks; generator ${cpu}s: $bound-bound; $extra"
	RATE=$(calc %.0f "$fwd / $secs")
	rec "$fig" "$path" "$RATE"
	rec "${fig}_bound" "$path" "$bound"
	# CPU 1 does all the work from the Internet bridge on: when it was the
	# bottleneck, its time per forwarded packet is 1 / rate.
	rec "${fig}_us" "$path" "$(calc %.2f "1e6 / $RATE")"
	# /proc/stat: user + system + irq + softirq ticks of CPU 1 per packet
	# (ticks go missing under TCG: low, compare only within a run).
	rec "${fig}_ticks" "$path" "$(calc %.2f "$ticks * 1e4 / $fwd")"
	rec "${fig}_detail" "$path" "sent=$sent relay=$fwd hubnat=$((h1 - h0)) secs=$secs cpu1_ticks=$ticks gencpu=$cpu $extra"
}

# profile_wgx NAME FUNCTION DEPTH WGLOAD-FLOOD-ARGS...: where wgx's time
# goes. perf samples nothing but the idle loop under TCG, so: ftrace's
# function_graph over FUNCTION (DEPTH levels) during a flood, and the mean
# time per call of FUNCTION and of what it calls (inclusive; tracing slows
# everything, so the shares, not the absolute times, are what counts), in
# profile-NAME.txt.
profile_wgx() {
	local T=/sys/kernel/tracing name=$1 func=$2 depth=$3
	shift 3
	[ -e $T/current_tracer ] || mount -t tracefs nodev $T 2>/dev/null || return 0
	[ -e $T/set_graph_function ] || return 0
	echo 0 >$T/tracing_on
	echo 16384 >$T/buffer_size_kb
	echo function_graph >$T/current_tracer
	# A function the compiler inlined cannot be traced: no profile.
	if ! echo "$func" 2>/dev/null >$T/set_graph_function; then
		echo "   $func cannot be traced (inlined?): no profile-$name.txt"
		echo nop >$T/current_tracer
		return 0
	fi
	echo "$depth" >$T/max_graph_depth
	echo 1 >$T/options/funcgraph-tail
	echo 0 >$T/options/funcgraph-irqs
	echo >$T/trace
	drop_on
	echo 1 >$T/tracing_on
	if ! gen_soft 240 flood "$@"; then
		echo 0 >$T/tracing_on
		echo nop >$T/current_tracer
		echo >$T/set_graph_function
		drop_off
		return 0
	fi
	echo 0 >$T/tracing_on
	drop_off
	awk -F'|' '
	NF >= 2 && match($1, /[0-9]+\.[0-9]+ us/) {
		d = substr($1, RSTART, RLENGTH - 3) + 0
		r = $2
		if (match(r, /\/\* [^*]* \*\//)) name = substr(r, RSTART + 3, RLENGTH - 6)
		else if (match(r, /[A-Za-z0-9_.]+( \[[a-z0-9_]+\])?\(\);/)) name = substr(r, RSTART, RLENGTH - 3)
		else next
		match(r, /^ */); depth = int(RLENGTH / 2)
		k = depth "\t" name; n[k]++; t[k] += d
		if (depth == 1) total += d
	}
	END {
		printf "%-5s %-45s %9s %10s %8s\n", "depth", "function", "calls", "mean us", "share"
		for (k in n) { split(k, p, "\t")
			printf "%-5s %-45s %9d %10.2f %7.1f%%\n", p[1], p[2], n[k], t[k] / n[k], 100 * t[k] / total }
	}' $T/trace | sort -k1,1n -k5,5nr >"$WGX_LOGDIR/profile-$name.txt"
	echo nop >$T/current_tracer
	echo >$T/set_graph_function
	echo "   where $func's time goes ($WGX_LOGDIR/profile-$name.txt):"
	head -n 30 "$WGX_LOGDIR/profile-$name.txt" | sed 's/^/     /'
}

if part relay; then
# wgx: spoke keys authenticate with the relay (its own handshakes, first
# contact: the relay makes a peer for each), then relayed sessions with the
# hub, 1, 100, 1,000 of them.
log "relay-bound: wgx, first contact of $NSESS keys"
out=$(gen auth "$RELAY_PUB" "$RELAY4" 8787 0 "$NSESS" 32 300)
echo "   $out"
[ "$(kv "$out" done)" = "$NSESS" ] || fail "not every generator key could handshake with wgx: $out"
rec hs_first wgx "$(calc %.0f "$(kv "$out" done) / $(kv "$out" secs)")"
WGX_RATE=0 DNAT_RATE=0
# wgx_sessions K: the generator's first K keys authenticate with the relay
# and make relayed sessions with the hub. The relay forgets an endpoint
# ENDPOINT_LIFETIME (180 s) after its last handshake, and a relayed index
# 190 s after it was learned, while the generator sends no keepalives: made
# again when older than 90 s (rounds take minutes on a loaded host).
SESS_AT=0
wgx_sessions() {
	local k=$1 out
	[ $(($(date +%s) - SESS_AT)) -ge 90 ] || [ "${SESS_K:-}" != "$k" ] || return 0
	out=$(gen auth "$RELAY_PUB" "$RELAY4" 8787 0 "$k" 32 300)
	[ "$(kv "$out" done)" = "$k" ] || fail "wgx auth: $out"
	out=$(gen session "$HUBKEY" "$RELAY4" 8787 0 "$k" 32 300)
	echo "   relayed handshakes with the hub: $out"
	[ "$(kv "$out" done)" = "$k" ] || fail "relayed sessions with the hub: $out"
	SESS_AT=$(date +%s) SESS_K=$k
}
# path_flood PATH FIGURE K: one measured flood of K sessions (wgx: they
# must exist) or sources (DNAT), recorded as FIGURE.
path_flood() {
	if [ "$1" = wgx ]; then
		relay_flood wgx "$2" 1 data "$RELAY4" 8787 0 "$3" "$SECS" 0 128
	else
		dnat_on
		relay_flood dnat "$2" 2 raw "$RELAY4" 51821 0 "$3" "$SECS" 0 128
		dnat_off
	fi
}
# flood_step PATH K: the step's flood of K sessions or sources; the best
# 1-session rate of each path sets the pool and fixed rates below.
flood_step() {
	[ "$1" = wgx ] && wgx_sessions "$2"
	path_flood "$1" "sess_$2" "$2"
	[ "$2" = 1 ] || return 0
	if [ "$1" = wgx ]; then
		[ "$RATE" -le "$WGX_RATE" ] || WGX_RATE=$RATE
	else
		[ "$RATE" -le "$DNAT_RATE" ] || DNAT_RATE=$RATE
	fi
}
for k in $STEPS; do
	log "relay-bound: $k sessions"
	SESS_AT=0
	wgx_sessions "$k"
	echo "   relay: $(wgx_in relay relay status | grep -iE 'sessions|peers|routes' | tr -s ' \n' ' ')"
	for ((round = 1; round <= ROUNDS; round++)); do
		for path in $(rotate $((round - 1)) wgx dnat); do
			flood_step "$path" "$k"
		done
	done
done

# Flatness: the rates of 1 and of NSESS sessions measured back to back,
# FLAT_PAIRS times for each path (the order alternating), so that the
# host's load, which drifts over the minutes between the steps above,
# weighs on both figures of a pair alike. All NSESS sessions exist, and the
# 1-session flood uses the first of them.
log "relay-bound: flatness, 1 and $NSESS sessions in $FLAT_PAIRS pairs"
for ((pair = 1; pair <= FLAT_PAIRS; pair++)); do
	for path in $(rotate $((pair - 1)) wgx dnat); do
		if ((pair % 2)); then ks="1 $NSESS"; else ks="$NSESS 1"; fi
		[ "$path" != wgx ] || wgx_sessions "$NSESS"
		for k in $ks; do path_flood "$path" "flatpair_$k" "$k"; done
	done
done

log "relay-bound: bounce"
bounce_on
out=$(gen session "$BOUNCE_PUB" "$RELAY4" 51822 "$NSESS" 1 1 60)
[ "$(kv "$out" done)" = 1 ] || fail "no session with the bounce server: $out"
# Enough packets for the flood at wgx's rate, the fixed-rate one and a
# warm-up; fewer if that is more than 3 million (384 MB).
POOL=$(calc %.0f "($WGX_RATE * 1.2 + $DNAT_RATE * 0.7) * ($SECS + 1) + 100000")
[ "$POOL" -le 3000000 ] || POOL=3000000
out=$(gen precompute "$NSESS" "$POOL" "$BOUNCE_GEN_SRC" 10.121.0.1 9999 64)
echo "   $out"
relay_flood bounce sess_1 0 pool "$RELAY4" 51822 "$NSESS" 1 "$SECS" 0 0
BOUNCE_RATE=$RATE
bounce_off

# CPU per forwarded packet at one rate below every path's limit.
FIXED=$(printf '%s\n' "$WGX_RATE" "$DNAT_RATE" "$BOUNCE_RATE" | sort -n | head -n 1)
FIXED=$(calc %.0f "0.7 * $FIXED")
meta relay_fixed_rate "$FIXED"
log "relay-bound: CPU at $FIXED/s"
out=$(gen auth "$RELAY_PUB" "$RELAY4" 8787 0 1 32 60)
out=$(gen session "$HUBKEY" "$RELAY4" 8787 0 1 32 60)
relay_flood wgx fixed 0 data "$RELAY4" 8787 0 1 "$SECS" "$FIXED" 128
dnat_on
relay_flood dnat fixed 0 raw "$RELAY4" 51821 0 1 "$SECS" "$FIXED" 128
dnat_off
bounce_on
relay_flood bounce fixed 0 pool "$RELAY4" 51822 "$NSESS" 1 "$SECS" "$FIXED" 0
bounce_off
fi

# ------------------------------------------------------------ handshakes
if part hs; then
log "handshakes: the relay's own"
h0=$(wgx_stats own_handshakes)
out=$(gen hsrate "$RELAY_PUB" "$RELAY4" 8787 0 "$NSESS" 32 "$SECS")
h1=$(wgx_stats own_handshakes)
echo "   wgx: $out, relay counted $((h1 - h0)), cookies sent $(wgx_stats cookies_sent), rate-limited $(wgx_stats drop_ratelimited)"
rec hs_own wgx "$(calc %.0f "$(kv "$out" recv) / $(kv "$out" secs)")"
out=$(gen auth "$BOUNCE_PUB" "$RELAY4" 51822 0 "$NSESS" 32 300)
echo "   bounce first contact: $out"
rec hs_first bounce "$(calc %.0f "$(kv "$out" done) / $(kv "$out" secs)")"
out=$(gen hsrate "$BOUNCE_PUB" "$RELAY4" 51822 0 "$NSESS" 32 "$SECS")
echo "   bounce: $out"
rec hs_own bounce "$(calc %.0f "$(kv "$out" recv) / $(kv "$out" secs)")"

log "handshakes: forwarded"
out=$(gen auth "$RELAY_PUB" "$RELAY4" 8787 0 "$NSESS" 32 300)
[ "$(kv "$out" done)" = "$NSESS" ] || fail "wgx auth: $out"
r0=$(wgx_stats drop_ratelimited)
relay_flood wgx hs_fwd 0 init "$RELAY4" 8787 0 "$NSESS" "$SECS" 0 148 "$HUBKEY"
echo "   rate-limited: $(($(wgx_stats drop_ratelimited) - r0))"
dnat_on
relay_flood dnat hs_fwd 0 init "$RELAY4" 51821 0 "$NSESS" "$SECS" 0 148 "$HUBKEY"
dnat_off
fi

# ------------------------------------------------------------ profiles
if [ "$PROFILE" = 1 ] && part profile; then
	log "profiles of wgx"
	PRATE=${FIXED:-5000}
	out=$(gen auth "$RELAY_PUB" "$RELAY4" 8787 0 1 32 60)
	out=$(gen session "$HUBKEY" "$RELAY4" 8787 0 1 32 60)
	profile_wgx wgx wgx_receive 3 data "$RELAY4" 8787 0 1 3 "$PRATE" 128
	# send4 (socket.c): the send of a forwarded packet, one level down.
	profile_wgx wgx-send send4 2 data "$RELAY4" 8787 0 1 3 "$PRATE" 128
	# No third one: under TCG, switching function_graph on again has hung
	# the VM (soft lockup in text_poke_bp_batch, waiting for the other CPU).
fi

[ "$GEN_LOST" = 1 ] || echo quit >&"${GEN[1]}" || true
log "relay counters"
wgx_in relay relay status
wgx_in relay relay peers >"$WGX_LOGDIR/relay-peers.txt"
head -n 40 "$WGX_LOGDIR/relay-peers.txt"
log "done"
