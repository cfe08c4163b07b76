#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The netlink matrix of 43-hostile-netlink.sh: every command of the wgx
generic netlink family, as doit and as dump, with missing, wrong-typed,
over-long, out-of-range and malformed attributes, and every command with
valid attributes from a caller without CAP_NET_ADMIN.

    43-hostile-netlink.py admin|unprivileged|snapshot

admin:        every bad request of the table gets its error, with an extack
              message where the request reached the family's policy or code;
              the valid reads succeed.
unprivileged: (run under setpriv/unshare -U by the scenario) every changing
              command and every read of a relay, valid or not, gets EPERM;
              GET_INFO answers as for root.
snapshot:     print the relays' state as JSON (relays, allowed keys, peers,
              routes; not the counters, which live traffic moves).
Prints one line per request and a summary line; exits non-zero on the first
request whose answer is not the expected one.
"""
import base64
import errno
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.environ["WGX_ROOT"], "tests/lib"))
from genl import Genl, attr, nested, parse_attrs  # noqa: E402

# include/uapi/linux/wgx.h
(GET_INFO, NEW, SET, DEL, GET_RELAY, GET_ALLOWED, GET_PEERS, GET_ROUTES,
 GET_SESSIONS) = range(1, 10)
CMD_MAX = GET_SESSIONS
(A_VERSION, A_RELAY_COUNT, A_NAME, A_PRIV, A_PUB, A_PORT, A_FWMARK, A_FLAGS,
 A_ALLOWED, A_KEY, A_ALLOWED_COUNT, A_PEER_COUNT, A_ROUTE_COUNT,
 A_SESSION_COUNT, A_STATS, A_PEER, A_ROUTE, A_SESSION, A_PAD) = range(1, 20)
F_ALLOW_ALL, F_REPLACE = 1, 2
NLA_F_NESTED = 0x8000
CHANGES = (NEW, SET, DEL)
RELAY_READS = (GET_RELAY, GET_ALLOWED, GET_PEERS, GET_ROUTES, GET_SESSIONS)
NAMES = {GET_INFO: "GET_INFO", NEW: "NEW_RELAY", SET: "SET_RELAY",
         DEL: "DEL_RELAY", GET_RELAY: "GET_RELAY", GET_ALLOWED: "GET_ALLOWED",
         GET_PEERS: "GET_PEERS", GET_ROUTES: "GET_ROUTES",
         GET_SESSIONS: "GET_SESSIONS"}

RELAY = b"wgx0\0"          # the relay under test (port 8787)
OTHER_PORT = 8788          # the port of a second relay, "wgx1"


def u8(t, v): return attr(t, struct.pack("=B", v))
def u16(t, v): return attr(t, struct.pack("=H", v))
def u32(t, v): return attr(t, struct.pack("=I", v))
def u64(t, v): return attr(t, struct.pack("=Q", v))


def key():
    return os.urandom(32)


name = attr(A_NAME, RELAY)
priv = attr(A_PRIV, key())


def raw_attr(ln, t, payload):
    """An attribute whose header length need not match its payload."""
    return struct.pack("=HH", ln, t) + payload


def state(g):
    """The relays' state: everything a bad request could have changed."""
    err, relays = g.dump(GET_RELAY, [])
    assert err == 0, "GET_RELAY dump: %d" % err
    out = {}
    for r in relays:
        rname = r[A_NAME].rstrip(b"\0")
        n = rname + b"\0"
        entry = {
            "public_key": base64.b64encode(r[A_PUB]).decode(),
            "port": struct.unpack("=H", r[A_PORT][:2])[0],
            "fwmark": struct.unpack("=I", r[A_FWMARK])[0],
            "flags": struct.unpack("=I", r[A_FLAGS])[0],
            "allowed_count": struct.unpack("=I", r[A_ALLOWED_COUNT])[0],
            "route_count": struct.unpack("=I", r[A_ROUTE_COUNT])[0],
        }
        err, msgs = g.dump(GET_ALLOWED, [attr(A_NAME, n)])
        assert err == 0, "GET_ALLOWED dump: %d" % err
        entry["allowed"] = sorted(base64.b64encode(m[A_PUB]).decode() for m in msgs)
        err, msgs = g.dump(GET_PEERS, [attr(A_NAME, n)])
        assert err == 0, "GET_PEERS dump: %d" % err
        entry["peers"] = sorted(base64.b64encode(parse_attrs(m[A_PEER])[1]).decode()
                                for m in msgs)
        err, msgs = g.dump(GET_ROUTES, [attr(A_NAME, n)])
        assert err == 0, "GET_ROUTES dump: %d" % err
        entry["routes"] = sorted("%s>%s" % tuple(base64.b64encode(parse_attrs(m[A_ROUTE])[i]).decode()
                                                for i in (1, 2)) for m in msgs)
        out[rname.decode()] = entry
    err, _ = g.request(GET_INFO, [])
    assert err == 0
    return out


# ------------------------------------------------------------------ the table
# (what, command, dump?, attributes, expected errno)
# Names: wgx0 exists (port 8787), wgx1 exists (port 8788); no other relay may
# appear. "bad names" apply to every command that takes a name.
BAD_NAMES = [
    ("name missing", [], errno.EINVAL),
    ("name as u32", [u32(A_NAME, 0x30786777)], errno.EINVAL),   # "wgx0", no NUL
    ("name without NUL", [attr(A_NAME, b"wgx0")], errno.EINVAL),
    ("name empty", [attr(A_NAME, b"\0")], None),   # per command, below
    ("name of 16 bytes", [attr(A_NAME, b"wgx0123456789abc\0")], errno.EINVAL),
    ("name of 60000 bytes", [attr(A_NAME, b"w" * 60000 + b"\0")], errno.EINVAL),
    ("name flagged nested", [attr(A_NAME | NLA_F_NESTED, RELAY)], errno.EINVAL),
    ("name unknown", [attr(A_NAME, b"nosuch\0")], None),
    ("name a prefix", [attr(A_NAME, b"wgx\0")], None),
]

# Attribute variants for NEW and SET (with a valid name and, for NEW, key;
# the name of NEW is a fresh one so that only the bad attribute can refuse).
BAD_CONFIG = [
    ("key missing (NEW)", None, errno.EINVAL),
    ("key of 0 bytes", attr(A_PRIV, b""), errno.ERANGE),
    ("key of 31 bytes", attr(A_PRIV, os.urandom(31)), errno.ERANGE),
    ("key of 33 bytes", attr(A_PRIV, os.urandom(33)), errno.ERANGE),
    ("key of 4000 bytes", attr(A_PRIV, os.urandom(4000)), errno.ERANGE),
    ("key all zero", attr(A_PRIV, bytes(32)), errno.EINVAL),
    ("port as u8", u8(A_PORT, 9), errno.EINVAL),
    ("port as u32", u32(A_PORT, 9000), errno.EINVAL),
    ("port as u64", u64(A_PORT, 9000), errno.EINVAL),
    ("port 0", u16(A_PORT, 0), errno.ERANGE),
    ("port of wgx1 (in use)", u16(A_PORT, OTHER_PORT), errno.EADDRINUSE),
    ("fwmark as u16", u16(A_FWMARK, 1), errno.EINVAL),
    ("fwmark as u64", u64(A_FWMARK, 1), errno.EINVAL),
    ("flags bit 2", u32(A_FLAGS, 1 << 2), errno.EINVAL),
    ("flags bit 31", u32(A_FLAGS, 1 << 31), errno.EINVAL),
    ("flags as u16", u16(A_FLAGS, F_REPLACE), errno.EINVAL),
    ("allowed not nested", attr(A_ALLOWED, key()), errno.EINVAL),
    ("allowed without NLA_F_NESTED", raw_attr(4 + 36, A_ALLOWED, attr(A_KEY, key())), errno.EINVAL),
    ("allowed key of 16 bytes", nested(A_ALLOWED, [(A_KEY, os.urandom(16))]), errno.ERANGE),
    ("allowed key of 64 bytes", nested(A_ALLOWED, [(A_KEY, os.urandom(64))]), errno.ERANGE),
    ("allowed key after a good one", nested(A_ALLOWED, [(A_KEY, key()), (A_KEY, os.urandom(31))]), errno.ERANGE),
    ("allowed holding a name", nested(A_ALLOWED, [(A_NAME, b"x\0")]), errno.EINVAL),
    ("allowed holding type 0", nested(A_ALLOWED, [(0, key())]), errno.EINVAL),
    ("allowed of 1025 keys", nested(A_ALLOWED, [(A_KEY, key()) for _ in range(1025)]), errno.E2BIG),
    ("unknown attribute 200", attr(200, b"\0" * 4), errno.EINVAL),
    ("unknown attribute 0x3fff", attr(0x3FFF, b"\0" * 4), errno.EINVAL),
    ("attribute type 0", attr(0, b"\0" * 4), errno.EINVAL),
    ("reply-only PUBLIC_KEY", attr(A_PUB, key()), errno.EINVAL),
    ("reply-only STATS", nested(A_STATS, [(1, bytes(8))]), errno.EINVAL),
    ("attribute length past the end", raw_attr(200, A_FWMARK, struct.pack("=I", 1)), errno.EINVAL),
    ("attribute length below 4", raw_attr(2, A_FWMARK, b"\0\0"), errno.EINVAL),
]


# Refused by the netlink attribute parser itself, which says nothing (6.1).
NO_EXTACK = {"attribute length below 4"}


def table():
    rows = []
    for cmd in NAMES:
        takes_name = cmd not in (GET_INFO,)
        dumps = cmd in (GET_RELAY, GET_ALLOWED, GET_PEERS, GET_ROUTES, GET_SESSIONS)
        doits = cmd in (GET_INFO, NEW, SET, DEL, GET_RELAY)
        if takes_name:
            for what, attrs, want in BAD_NAMES:
                extra = []
                if cmd == NEW:
                    extra = [attr(A_PRIV, key()), u16(A_PORT, 8790)]
                if want is None:   # a well-formed name that names no relay
                    if cmd == NEW:
                        continue   # a valid NEW: not a bad request
                    want = errno.ENOENT
                if what == "name empty" and cmd in (NEW, SET):
                    want = errno.EINVAL
                if what == "name missing" and cmd == GET_RELAY:
                    rows.append((what, cmd, False, [], errno.EINVAL))
                    continue       # the dump without a name: every relay
                for dump in ([False] if doits else []) + ([True] if dumps else []):
                    w = want
                    if cmd == GET_RELAY and dump and w == errno.ENOENT:
                        w = 0      # the dump lists every relay, name or not
                    rows.append((what, cmd, dump, attrs + extra, w))
        for dump in ([False] if doits else []) + ([True] if dumps else []):
            if cmd in (NEW, SET):
                for what, bad, want in BAD_CONFIG:
                    if cmd == NEW:
                        base = [attr(A_NAME, b"hostile\0"), u16(A_PORT, 8790)]
                        attrs = base + ([attr(A_PRIV, key())] if not what.startswith("key") else [])
                    else:
                        if what == "key missing (NEW)":
                            continue
                        attrs = [name]
                    if bad is not None:
                        attrs = attrs + [bad]
                    if cmd == NEW and what.startswith("port"):
                        attrs = [a for a in attrs if a != u16(A_PORT, 8790)]
                    rows.append((what, cmd, dump, attrs, want))
            if cmd == NEW:
                rows.append(("name of an existing relay", cmd, dump,
                             [name, attr(A_PRIV, key()), u16(A_PORT, 8790)], errno.EEXIST))
                rows.append(("port of wgx0 (in use)", cmd, dump,
                             [attr(A_NAME, b"hostile\0"), attr(A_PRIV, key())], errno.EADDRINUSE))
            if cmd == SET:
                # Everything changes at once, and the port fails last: none of
                # it may stick (checked by the state comparison).
                rows.append(("new key+keys+fwmark, port in use", cmd, dump,
                             [name, attr(A_PRIV, key()), u32(A_FWMARK, 0x77),
                              u32(A_FLAGS, F_REPLACE | F_ALLOW_ALL),
                              nested(A_ALLOWED, [(A_KEY, key())]),
                              u16(A_PORT, OTHER_PORT)], errno.EADDRINUSE))
                rows.append(("new key+keys, bad key after good", cmd, dump,
                             [name, attr(A_PRIV, key()), u32(A_FLAGS, F_REPLACE),
                              nested(A_ALLOWED, [(A_KEY, key()), (A_KEY, bytes(20))])],
                             errno.ERANGE))
    rows.append(("unknown attribute 200", GET_INFO, False, [attr(200, bytes(4))], errno.EINVAL))
    rows.append(("key of 31 bytes", GET_INFO, False, [attr(A_PRIV, bytes(31))], errno.ERANGE))
    # Each command in the mode it does not have.
    for cmd in NAMES:
        dumps = cmd in (GET_RELAY, GET_ALLOWED, GET_PEERS, GET_ROUTES, GET_SESSIONS)
        doits = cmd in (GET_INFO, NEW, SET, DEL, GET_RELAY)
        if not dumps:
            rows.append(("no dump for this command", cmd, True, [name], errno.EOPNOTSUPP))
        if not doits:
            rows.append(("no doit for this command", cmd, False, [name], errno.EOPNOTSUPP))
    for cmd in (0, CMD_MAX + 1, 200, 255):
        for dump in (False, True):
            rows.append(("unknown command %d" % cmd, cmd, dump, [name], errno.EOPNOTSUPP))
    return rows


def run(g, rows, check_extack):
    counts = {}
    for what, cmd, dump, attrs, want in rows:
        if dump:
            err, _ = g.dump(cmd, attrs)
        else:
            err, _ = g.request(cmd, attrs)
        msg = g.extack
        cname = NAMES.get(cmd, "cmd %d" % cmd)
        line = "%-13s %-4s %-34s -> %-11s %s" % (
            cname, "dump" if dump else "do", what,
            errno.errorcode.get(-err, str(err)), msg)
        print(line)
        if err != -want:
            sys.exit("FAIL: %s %s %s: got %s, expected %s" % (
                cname, "dump" if dump else "do", what,
                errno.errorcode.get(-err, str(err)), errno.errorcode[want]))
        # Every error of the family's own (policy or handler) says why.
        if check_extack and want not in (0, errno.EOPNOTSUPP) and not msg \
                and what not in NO_EXTACK:
            sys.exit("FAIL: %s %s: no extack message" % (cname, what))
        counts[cname] = counts.get(cname, 0) + 1
    return counts


def valid_requests():
    """Every command once, with valid attributes (changes that would succeed
    for an administrator)."""
    return [
        ("valid", GET_INFO, False, [], 0),
        ("valid", NEW, False, [attr(A_NAME, b"hostile\0"), attr(A_PRIV, key()), u16(A_PORT, 8790)], 0),
        ("valid: new key, allow all", SET, False, [name, attr(A_PRIV, key()), u32(A_FLAGS, F_REPLACE | F_ALLOW_ALL)], 0),
        ("valid: port", SET, False, [name, u16(A_PORT, 8791)], 0),
        ("valid: add a key", SET, False, [name, nested(A_ALLOWED, [(A_KEY, key())])], 0),
        ("valid", DEL, False, [name], 0),
        ("valid", DEL, False, [attr(A_NAME, b"wgx1\0")], 0),
        ("valid", GET_RELAY, False, [name], 0),
        ("valid (every relay)", GET_RELAY, True, [], 0),
        ("valid", GET_ALLOWED, True, [name], 0),
        ("valid", GET_PEERS, True, [name], 0),
        ("valid", GET_ROUTES, True, [name], 0),
        ("valid", GET_SESSIONS, True, [name], 0),
    ]


def main():
    mode = sys.argv[1]
    g = Genl("wgx")
    if mode == "snapshot":
        print(json.dumps(state(g), sort_keys=True))
        return
    if mode == "admin":
        rows = table()
        # The valid reads succeed for an administrator too (the valid changes
        # are not sent: they would change the state).
        rows += [r for r in valid_requests() if r[1] not in CHANGES]
        counts = run(g, rows, True)
        print("summary: admin: %d requests (%s), all answered as expected" % (
            sum(counts.values()), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
        return
    if mode == "unprivileged":
        rows = []
        for what, cmd, dump, attrs, want in valid_requests() + table():
            if cmd in CHANGES and not dump:
                rows.append((what, cmd, dump, attrs, errno.EPERM))
            elif cmd in CHANGES:
                continue    # no dump: EOPNOTSUPP comes before the permission
            elif cmd in RELAY_READS:
                # Reading a relay needs CAP_NET_ADMIN too, checked before
                # anything else (even a doit of a dump-only command).
                rows.append((what, cmd, dump, attrs, errno.EPERM))
            else:           # GET_INFO and unknown commands: as for root
                rows.append((what, cmd, dump, attrs, want))
        counts = run(g, rows, False)
        changes = sum(1 for r in rows if r[1] in CHANGES)
        reads_refused = sum(1 for r in rows if r[1] not in CHANGES and r[4] == errno.EPERM)
        ok = sum(1 for r in rows if r[4] == 0)
        print("summary: unprivileged: %d changes refused (EPERM), %d relay reads refused (EPERM), %d GET_INFO/unsupported requests answered as for root (%d succeeded)" % (
            changes, reads_refused, len(rows) - changes - reads_refused, ok))
        return
    sys.exit("usage: 43-hostile-netlink.py admin|unprivileged|snapshot")


if __name__ == "__main__":
    main()
