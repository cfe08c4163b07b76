#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# Issue 4, scenario 3: 'wgx hub remove-spoke' cuts that spoke off at the
# relay with the one sync it makes (the relay drops the pair's route and
# forwards none of the spoke's packets), while the other spoke keeps its
# session with the hub (the change is applied like wg syncconf). Then every
# kind of bad input -- a bad key, a missing configuration file, a bad
# endpoint, an unreachable relay, a world-readable preshared key file, a
# missing WireGuard -- gets a clear one-line error, a non-zero exit, and
# leaves every file, interface, route and the relay's routes as they were.
# And hub.conf and spoke.conf pass through wg-quick strip into wg setconf.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
. "$WGX_ROOT/tests/lib/hubspoke.sh"
topo_init

hs_network
hs_wait_all 90
ping_ok spoke-a "$ADDR_B" 3

# ---- wg-quick strip reads both files as they are
ip netns add scratch
for f in /etc/wgx/hub.conf /etc/wgx/spoke.conf; do
	ip -n scratch link add wgs type wireguard
	wg-quick strip "$f" >"$TOPO_DIR/stripped.conf"
	ip netns exec scratch wg setconf wgs "$TOPO_DIR/stripped.conf"
	n=$(ip netns exec scratch wg show wgs peers | wc -l)
	echo "wg-quick strip $f | wg setconf: accepted, $n peers"
	ip -n scratch link del wgs
done
assert_eq "$n" 2 "spoke.conf's peers after wg-quick strip"

# ---- remove-spoke
pair() {
	wgx_in relay relay sessions --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
ss = d["sessions"] if isinstance(d, dict) else d
m = [s for s in ss if s["hub"] == sys.argv[1] and s["spoke"] == sys.argv[2]]
print("%d %d" % (m[0]["spoke_to_hub_packets"], m[0]["active"]) if m else "none")' "$HUB_KEY" "$1"
}
# All the relay's drops, whatever the reason.
relay_drops() {
	wgx_in relay relay status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d[0] if isinstance(d, list) else d
print(sum(v for k, v in r["stats"].items() if k.startswith("drop_")))'
}
hs_a=$(topo_wg_handshake hub wgx-hub "$KEY_A")
echo "== hub: wgx hub remove-spoke b"
out=$(wgx_in hub hub remove-spoke b)
echo "$out"
echo "$out" | grep -qx "relay applied 1 spoke" || fail "remove-spoke did not sync the relay"
wgx_in relay relay routes
routes=$(wgx_in relay relay routes --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted(r["spoke"] for r in d["routes"])))')
assert_eq "$routes" "$KEY_A" "the relay's routes after remove-spoke"
grep -q "$KEY_B" /etc/wgx/hub.conf && fail "spoke b is still in hub.conf"
ip netns exec hub wg show wgx-hub peers | grep -qx "$KEY_B" && fail "spoke b is still on wgx-hub"
# B keeps trying (its side still has the hub): the relay forwards nothing
# of it.
before=$(pair "$KEY_B")
drops_before=$(relay_drops)
ping_fail spoke-b 10.120.0.1
ping_fail spoke-b "$HUB_LAN"
after=$(pair "$KEY_B")
drops_after=$(relay_drops)
echo "relay session hub<->B (spoke-to-hub packets, live indices): before $before, after $after; relay drops: $drops_before -> $drops_after"
case $after in
none) ;;
*) [ "${after% *}" = "${before% *}" ] || fail "the relay forwarded B's packets after remove-spoke"
   [ "${after#* }" = 0 ] || fail "the relay keeps live indices for hub<->B" ;;
esac
assert_ge "$drops_after" $((drops_before + 1)) "B's packets dropped at the relay"
# A goes on, in the same session: the change was applied like syncconf.
ping_ok spoke-a 10.120.0.1 3
ping_ok spoke-a "$HUB_LAN" 3
assert_eq "$(topo_wg_handshake hub wgx-hub "$KEY_A")" "$hs_a" "A's session with the hub was kept"
echo "spoke A still reaches the hub in the same session (handshake at $hs_a)"
wgx_in hub hub list

# ---- errors: one line, non-zero, nothing changed
# Everything a failed command must leave as it was: the files (contents and
# modes), the interfaces, addresses and routes of the hub and spoke A, their
# WireGuard configuration, wireguard-go sockets, the relay's routes. One
# exec per namespace: each costs time in the VM.
snapshot() {
	sha256sum /etc/wgx/hub.conf /etc/wgx/spoke.conf
	stat -c '%n %a %s' /etc/wgx/* "$TOPO_DIR/psk"
	ls -a /etc/wgx /run/wireguard
	ip netns exec hub sh -c 'ip -o link show; ip -o addr show; ip route show table all;
		wg showconf wgx-hub 2>&1' | sed 's/ *$//'
	ip netns exec spoke-a sh -c 'ip -o link show; ip -o addr show; ip route show table all;
		wg showconf wgx-spoke 2>&1' | sed 's/ *$//'
	wgx_in relay relay routes 2>&1 || true
}

# expect_fail NS WANT CMD...: CMD fails, its last line of errors says WANT,
# it printed at most one other line (what it was doing), and nothing changed
# since the last snapshot ($BASE).
expect_fail() {
	local ns=$1 want=$2 out rc=0 now shown
	shift 2
	out=$(cd "$TOPO_DIR" && ip netns exec "$ns" "$@" 2>&1 >/dev/null) || rc=$?
	shown="$*"
	shown=${shown//"$WGX_TOOL"/wgx}
	[ $rc != 0 ] || fail "'$shown' succeeded"
	[ "$(printf '%s\n' "$out" | wc -l)" -le 2 ] || fail "'$shown': more than one line of error: $out"
	case $(printf '%s\n' "$out" | tail -n 1) in
	"wgx"*"$want"*) ;;
	*) fail "'$shown': '$out' does not say '$want'" ;;
	esac
	now=$(snapshot)
	[ "$now" = "$BASE" ] || {
		diff <(echo "$BASE") <(echo "$now") >&2
		fail "'$shown' changed something"
	}
	echo "refused (exit $rc), nothing changed: $shown -> $(printf '%s\n' "$out" | tail -n 1)"
}

BASE=$(snapshot)
W=$WGX_TOOL
BAD_B64=yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3f*mk=
expect_fail hub "is not a base64 public key" $W hub add-spoke "$BAD_B64"
expect_fail hub "already spoke a" $W hub add-spoke "$KEY_A"
expect_fail hub "the hub's own public key" $W hub add-spoke "$HUB_KEY"
expect_fail hub "does not exist: create it with 'wgx hub init -c /etc/wgx/missing.conf" \
	$W hub add-spoke -c /etc/wgx/missing.conf
expect_fail hub "does not exist" $W hub start -c /etc/wgx/missing.conf
expect_fail hub "no spoke 'nobody'" $W hub remove-spoke nobody
expect_fail hub "is not the relay's IP[:PORT]" $W hub init 203.0.113.2:99999
expect_fail hub "is not the relay's IP[:PORT]" $W hub init '[2001:db8::2'
expect_fail hub "--relay-public-key" $W hub init --relay-public-key "$BAD_B64" "$RELAY_EP"
expect_fail hub "did not answer within 2 s" $W hub init --timeout 2 203.0.113.99:8787
expect_fail hub "already up" $W hub start
expect_fail spoke-a "is not a base64 public key" $W spoke add-hub "$BAD_B64" psk
expect_fail spoke-a "cannot read the preshared key file" $W spoke add-hub "$HUB_KEY" /nonexistent/psk
cp "$TOPO_DIR/psk" "$TOPO_DIR/open.psk"
chmod 644 "$TOPO_DIR/open.psk"
expect_fail spoke-a "is readable by others" $W spoke add-hub "$HUB_KEY" open.psk
expect_fail spoke-a "does not exist: create it with 'wgx spoke init" $W spoke start -c /etc/wgx/missing.conf
# A hub.conf with a mistake: the line is named, nothing is done.
cp /etc/wgx/hub.conf "$TOPO_DIR/broken.conf"
sed -i 's/^PrivateKey = .*/PrivateKey = abc/' "$TOPO_DIR/broken.conf"
expect_fail hub "broken.conf:7: invalid PrivateKey" $W hub reload -c "$TOPO_DIR/broken.conf"

# The relay gone: sync says so after its retries; nothing else changes.
wgx_in relay relay down
BASE=$(snapshot)
expect_fail hub "did not answer within 2 s" $W hub sync --timeout 2
wgx_relay_start
wait_until 60 wgx_in hub hub sync --timeout 5 >/dev/null

# ---- no WireGuard at all: no kernel module (and none to load), no
# wireguard-go. Then the fallback to wireguard-go when only the kernel's is
# missing.
wgx_in hub hub stop
wgx_in spoke-a spoke stop
ip -n spoke-b link del wgo1
wait_until 10 test ! -e /run/wireguard/wgo1.sock
modprobe_was=$(cat /proc/sys/kernel/modprobe)
topo_cleanup_add sh -c "echo $modprobe_was >/proc/sys/kernel/modprobe"
echo /bin/false >/proc/sys/kernel/modprobe
if rmmod wireguard 2>/dev/null; then
	BASE=$(snapshot)
	expect_fail hub "no WireGuard here" env WG_QUICK_USERSPACE_IMPLEMENTATION=no-such-wireguard-go $W hub start
	wgx_in hub hub start
	assert_eq "$(wgx_in hub hub status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["kind"])')" \
		userspace "without kernel WireGuard the hub runs wireguard-go"
	wgx_in hub hub stop
	wait_until 10 test ! -e /run/wireguard/wgx-hub.sock
	echo /sbin/modprobe >/proc/sys/kernel/modprobe
	modprobe wireguard
else
	echo "(wireguard is built in or busy: the missing-module case is not tested)"
fi
echo "$modprobe_was" >/proc/sys/kernel/modprobe
wgx_in hub hub start
wgx_in spoke-a spoke start
wgx_wait_ping spoke-a 10.120.0.1 60
