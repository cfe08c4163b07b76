# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/wgload.sh -- the load generator (bench/wgload.c, shared with
# make bench: WireGuard's Noise initiator with many keys, floods) for VM
# scenarios. Sourced after topo.sh and wgx.sh.
#
#   wgload_build                 compile it into $TOPO_DIR/wgload (in the VM,
#                                gcc -O2, libsodium); sets WGLOAD.
#   wgload_pubkeys SEED COUNT    the public keys of keys 0..COUNT-1 of SEED.
#   wgload_start NAME NS SEED COUNT BASEPORT [WRAPPER ...]
#                                `wgload run` in NS (under WRAPPER, e.g.
#                                taskset -c 0), key n bound to BASEPORT + n;
#                                commands go to it with wgload_cmd NAME.
#                                Its stderr is $WGX_LOGDIR/wgload-NAME.err.
#   wgload_cmd NAME CMD ARGS...  send one command (see bench/
#                                wgload.c), print its one-line answer (also
#                                logged to $WGX_LOGDIR/wgload-NAME.log); fail
#                                when none comes within WGLOAD_TIMEOUT (600 s).
#   wgload_async NAME CMD ARGS...   send a command without waiting;
#   wgload_wait NAME             read the answer of the last wgload_async.
#   kv LINE KEY                  the value of KEY=VALUE in an answer line.

declare -A WGLOAD_IN=() WGLOAD_OUT=()

wgload_build() {
	local src=$WGX_ROOT/bench
	WGLOAD=$TOPO_DIR/wgload
	[ -x "$WGLOAD" ] && return 0
	gcc -O2 -w -o "$WGLOAD" "$src/wgload.c" "$src/noise.c" "$src/blake2s.c" -lsodium ||
		fail "cannot build the load generator (gcc, libsodium-dev)"
}

wgload_pubkeys() {
	"$WGLOAD" pubkeys "$1" "$2"
}

wgload_start() {
	local name=$1 ns=$2 seed=$3 count=$4 port=$5 in out fdin fdout line
	shift 5
	in=$TOPO_DIR/wgload-$name.in
	out=$TOPO_DIR/wgload-$name.out
	mkfifo "$in" "$out"
	ip netns exec "$ns" "$@" "$WGLOAD" run "$seed" "$count" "$port" \
		<"$in" >"$out" 2>>"$WGX_LOGDIR/wgload-$name.err" &
	TOPO_PIDS+=($!)
	exec {fdin}>"$in"
	exec {fdout}<"$out"
	WGLOAD_IN[$name]=$fdin
	WGLOAD_OUT[$name]=$fdout
	IFS= read -r -t 120 line <&"$fdout" || fail "wgload $name did not start"
	echo "wgload $name: $line"
}

wgload_async() {
	local name=$1
	shift
	echo "$*" >>"$WGX_LOGDIR/wgload-$name.log"
	echo "$*" >&"${WGLOAD_IN[$name]}"
}

wgload_wait() {
	local line
	IFS= read -r -t "${WGLOAD_TIMEOUT:-600}" line <&"${WGLOAD_OUT[$1]}" ||
		fail "wgload $1: no answer"
	echo "  -> $line" >>"$WGX_LOGDIR/wgload-$1.log"
	echo "$line"
}

wgload_cmd() {
	wgload_async "$@"
	wgload_wait "$1"
}

kv() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# wgx_mem: the relay's memory counters and the kernel's slab, one line of
# KEY=VALUE (peer_entries, indices, keypairs, limiter_entries, sessions,
# routes, slab_kb, sunreclaim_kb).
wgx_mem() {
	wgx_in relay relay status --json | python3 -c '
import json, sys
r = json.load(sys.stdin)[0]
m = dict(l.split(":", 1) for l in open("/proc/meminfo"))
kb = lambda k: int(m[k].split()[0])
print("peer_entries=%d indices=%d keypairs=%d limiter_entries=%d sessions=%d routes=%d slab_kb=%d sunreclaim_kb=%d" % (
    r["peer_entries"], r["indices"], r["keypairs"], r["limiter_entries"],
    r["sessions"], r["routes"], kb("Slab"), kb("SUnreclaim")))'
}
