#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
#
# Issue 3, netlink and scale: bad requests (a key of the wrong length, a
# missing key or name, port 0, unknown flags, a wrong-typed allowed set, an
# unknown relay, a port in use) get an error with an extack message and
# change nothing; 20,000 allowed keys go in through several messages and dump
# back complete; a hub declares 10,000 spokes in one in-tunnel request (313
# chunks, applied atomically), the routes dump resumes across netlink
# messages and lists all of them, relay-status pages through them, and a
# replacing set of 3 removes the rest.
. "$WGX_ROOT/tests/lib/topo.sh"
. "$WGX_ROOT/tests/lib/wgx.sh"
topo_init

wgx_relay_up
PYTHONPATH=$WGX_ROOT/tests/lib ip netns exec relay python3 - <<'PY'
import errno, os
from genl import Genl, attr, nested
NEW, SET, DEL, GET = 2, 3, 4, 5
NAME, PRIV, PORT, FLAGS, ALLOWED, KEY = 3, 4, 6, 8, 9, 10
g = Genl("wgx")
name = attr(NAME, b"bad0\0")
key = attr(PRIV, os.urandom(32))
cases = [
    ("key of 31 bytes", NEW, [name, attr(PRIV, os.urandom(31))], errno.ERANGE),
    ("key of 33 bytes", NEW, [name, attr(PRIV, os.urandom(33))], errno.ERANGE),
    ("no private key", NEW, [name], errno.EINVAL),
    ("no name", NEW, [key], errno.EINVAL),
    ("name too long", NEW, [attr(NAME, b"x" * 40 + b"\0"), key], errno.EINVAL),
    ("port 0", NEW, [name, key, attr(PORT, (0).to_bytes(2, "little"))], errno.ERANGE),
    ("port as u32", NEW, [name, key, attr(PORT, (9000).to_bytes(4, "little"))], errno.EINVAL),
    ("unknown flag", NEW, [name, key, attr(FLAGS, (1 << 7).to_bytes(4, "little"))], errno.EINVAL),
    ("allowed key of 16 bytes", NEW, [name, key, nested(ALLOWED, [(KEY, os.urandom(16))])], errno.ERANGE),
    ("allowed set holding a name", NEW, [name, key, nested(ALLOWED, [(NAME, b"x\0")])], errno.EINVAL),
    ("port in use", NEW, [name, key, attr(PORT, (8787).to_bytes(2, "little"))], errno.EADDRINUSE),
    ("set an unknown relay", SET, [attr(NAME, b"nosuch\0")], errno.ENOENT),
    ("delete without a name", DEL, [], errno.EINVAL),
    ("get an unknown relay", GET, [attr(NAME, b"nosuch\0")], errno.ENOENT),
    ("zero private key", NEW, [name, attr(PRIV, bytes(32))], errno.EINVAL),
]
for what, cmd, attrs, want in cases:
    err, msg = g.request(cmd, attrs)
    assert err == -want, "%s: got %d (%s), expected -%d" % (what, err, msg, want)
    assert msg, "%s: no extack message" % what
    print("%-28s -> %-11s %s" % (what, errno.errorcode[-err], msg))
PY
# Nothing was made by any of them.
assert_eq "$(wgx_in relay relay status --json | python3 -c 'import json,sys; print([r["name"] for r in json.load(sys.stdin)])')" "['wgx0']" "relays after bad requests"

# 20,000 allowed keys: one replacing message and 19 appending ones.
python3 -c '
import base64, os
print(", ".join(base64.b64encode(os.urandom(32)).decode() for _ in range(20000)))' >"$TOPO_DIR/keys"
{ echo "[Relay]"; echo "Name = big"; echo "ListenPort = 8788"
  echo "PrivateKey = $(wg genkey)"; echo "AllowedPublicKeys = $(cat "$TOPO_DIR/keys")"; } >"$TOPO_DIR/big.conf"
chmod 600 "$TOPO_DIR/big.conf"
t0=$(date +%s.%N)
wgx_in relay relay up -c "$TOPO_DIR/big.conf"
n=$(wgx_in relay relay status big --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["allowed_keys"])')
assert_eq "$n" 20000 "allowed keys in the kernel"
echo "20,000 allowed keys applied in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}") s"
wgx_in relay relay down big

# 10,000 spokes declared in-tunnel by one hub.
wgx_peer_site hub 1 kernel wg0 10.120.0.1
wgx_wait_ping hub 10.120.0.2
python3 -c '
import base64, os
for _ in range(10000): print(base64.b64encode(os.urandom(32)).decode())' >"$TOPO_DIR/spokes"
t0=$(date +%s.%N)
wgx_in hub hub set-peers --timeout 60 10.120.0.2 - <"$TOPO_DIR/spokes" | tee "$TOPO_DIR/applied"
echo "10,000 spokes declared in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}") s"
grep -q "applied 10000 spokes" "$TOPO_DIR/applied" || fail "the relay did not apply 10000 spokes"
t0=$(date +%s.%N)
wgx_in relay relay routes --json >"$TOPO_DIR/routes.json"
echo "routes dump of 10,000 in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}") s"
python3 - "$TOPO_DIR/routes.json" "$TOPO_DIR/spokes" <<'PY'
import json, sys
routes = json.load(open(sys.argv[1]))["routes"]
want = set(open(sys.argv[2]).read().split())
got = {r["spoke"] for r in routes}
assert len(routes) == 10000 and got == want, (len(routes), len(got & want))
print("routes dump: all 10000 declared spokes")
PY
total=$(wgx_in hub hub relay-status --json --timeout 60 10.120.0.2 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], len(d["spokes"]))')
assert_eq "$total" "10000 10000" "relay-status pages"
head -3 "$TOPO_DIR/spokes" >"$TOPO_DIR/three"
wgx_in hub hub set-peers 10.120.0.2 - <"$TOPO_DIR/three"
assert_eq "$(wgx_in relay relay routes --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["routes"]))')" 3 "routes after the replacing set"
