#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
#
# Issue 2, the module skeleton: load, see the family, a relay per network
# namespace created and destroyed with its namespace, clean errors for a
# port in use and for a caller without CAP_NET_ADMIN, unload.
. "$WGX_ROOT/tests/lib/topo.sh"
topo_init

"$WGX_TOOL" --version | tee "$TOPO_DIR/v0"
grep -q "module not loaded" "$TOPO_DIR/v0" || fail "--version without the module"
if "$WGX_TOOL" relay status 2>"$TOPO_DIR/err"; then
	fail "relay status without the module succeeded"
fi
grep -q "not loaded" "$TOPO_DIR/err" || fail "no clear error without the module: $(cat "$TOPO_DIR/err")"

wgx_load dyndbg=+p
genl ctrl list | grep -A2 "Name: wgx" | tee "$TOPO_DIR/genl"
grep -q "Name: wgx" "$TOPO_DIR/genl" || fail "genl does not list the wgx family"
version=$(cat "$WGX_ROOT/VERSION")
"$WGX_TOOL" --version | tee "$TOPO_DIR/v1"
grep -q "module $version (loaded, 0 relays" "$TOPO_DIR/v1" || fail "--version does not show the module"

# A relay in its own namespace; the initial namespace sees none.
ip netns add t1
ip -n t1 link set lo up
ip netns exec t1 "$WGX_TOOL" relay init -c "$TOPO_DIR/t1.conf" --allow all >/dev/null
ip netns exec t1 "$WGX_TOOL" relay up -c "$TOPO_DIR/t1.conf"
ip netns exec t1 "$WGX_TOOL" relay status
assert_eq "$(ip netns exec t1 "$WGX_TOOL" relay status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1 "relays in t1"
assert_eq "$("$WGX_TOOL" relay status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 0 "relays in the initial namespace"
ip netns exec t1 ss -uln | grep -q ":8787 " || fail "no socket on 8787 in t1"

# A second relay on the same port: refused, with a message, nothing made.
sed 's|^PrivateKey.*|PrivateKey = '"$(wg genkey)"'|; s|^\[Relay\]|[Relay]\nName = wgx1|' \
	"$TOPO_DIR/t1.conf" >"$TOPO_DIR/t1b.conf"
if ip netns exec t1 "$WGX_TOOL" relay up -c "$TOPO_DIR/t1b.conf" 2>"$TOPO_DIR/err"; then
	fail "a second relay on a port in use was created"
fi
cat "$TOPO_DIR/err"
grep -qi "in use" "$TOPO_DIR/err" || fail "no 'port in use' message"
assert_eq "$(ip netns exec t1 "$WGX_TOOL" relay status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1 "relays after the refused one"

# Without CAP_NET_ADMIN: reading a relay (peers' endpoints) and changing it
# are refused, with a message that says why; the versions stay readable.
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
if ip netns exec t1 "${nobody[@]}" "$WGX_TOOL" relay status 2>"$TOPO_DIR/err"; then
	fail "an unprivileged caller read the relay"
fi
cat "$TOPO_DIR/err"
grep -q "CAP_NET_ADMIN" "$TOPO_DIR/err" || fail "no CAP_NET_ADMIN in the refusal"
ip netns exec t1 "${nobody[@]}" "$WGX_TOOL" --version | grep -q "^module $version" ||
	fail "wgx --version as nobody does not show the module"
if ip netns exec t1 "${nobody[@]}" "$WGX_TOOL" relay down wgx0 2>"$TOPO_DIR/err"; then
	fail "an unprivileged caller deleted the relay"
fi
cat "$TOPO_DIR/err"
assert_eq "$(ip netns exec t1 "$WGX_TOOL" relay status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1 "relay survives the unprivileged delete"

# Deleting the namespace deletes its relay (the pernet exit).
ip netns del t1
# (The namespace's cleanup runs later, in a workqueue: read dmesg afresh
# each time.)
wait_until 10 sh -c 'dmesg | grep -q "relay wgx0 deleted"'
dmesg | grep "wgx:" | tail -5

wgx_unload
dmesg | grep -q "wgx: wgx $version unloaded" || fail "no unload message"
