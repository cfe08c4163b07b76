#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A raw generic netlink client, to send the wgx family requests that the
wgx tool would never build (wrong lengths, types, missing attributes).

    import genl
    g = genl.Genl("wgx")
    err, msg = g.request(CMD, [(ATTR, b"bytes"), ...])   # err: 0 or -errno
    err, msgs = g.dump(CMD, [...])   # msgs: one attribute dict per message
"""
import os
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLM_F_DUMP = 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_ACK_TLVS = 0x200
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLA_F_NESTED = 0x8000


def attr(t: int, payload: bytes) -> bytes:
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + bytes((4 - len(a) % 4) % 4)


def nested(t: int, attrs) -> bytes:
    return attr(t | NLA_F_NESTED, b"".join(attr(x, p) for x, p in attrs))


def parse_attrs(data: bytes):
    out = {}
    while len(data) >= 4:
        ln, t = struct.unpack("=HH", data[:4])
        if ln < 4:
            break
        out[t & 0x3FFF] = data[4:ln]
        data = data[(ln + 3) & ~3:]
    return out


class Genl:
    def __init__(self, family: str):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.seq = 0
        err, msgs = self._talk(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
                               [attr(CTRL_ATTR_FAMILY_NAME, family.encode() + b"\0")])
        if err:
            raise OSError(-err, "family %s: %s" % (family, os.strerror(-err)))
        self.family = struct.unpack("=H", parse_attrs(msgs[0])[CTRL_ATTR_FAMILY_ID][:2])[0]

    def _talk(self, ftype, cmd, version, raw_attrs, flags=0):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + b"".join(raw_attrs)
        hdr = struct.pack("=IHHII", 16 + len(body), ftype,
                          NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0)
        self.s.send(hdr + body)
        replies = []
        while True:
            data = self.s.recv(1 << 20)
            while data:
                ln, t, flags, seq, _ = struct.unpack("=IHHII", data[:16])
                payload = data[16:ln]
                data = data[(ln + 3) & ~3:]
                if t == NLMSG_ERROR:
                    err = struct.unpack("=i", payload[:4])[0]
                    extack = ""
                    if flags & NLM_F_ACK_TLVS:
                        # the error, then the echoed request header (capped)
                        olen = struct.unpack("=I", payload[4:8])[0]
                        off = 4 + (16 if flags & 0x100 else olen)
                        a = parse_attrs(payload[off:])
                        if 1 in a:
                            extack = a[1].rstrip(b"\0").decode()
                    self.extack = extack
                    return err, replies
                if t == NLMSG_DONE:
                    # a dump's end: its error (e.g. from the first
                    # dumpit call), then extack attributes
                    err = struct.unpack("=i", payload[:4])[0] if len(payload) >= 4 else 0
                    a = parse_attrs(payload[4:]) if flags & NLM_F_ACK_TLVS else {}
                    self.extack = a[1].rstrip(b"\0").decode() if 1 in a else ""
                    return err, replies
                replies.append(payload[4:])

    def request(self, cmd, attrs):
        """attrs: raw attribute bytes (from attr()/nested()). Returns
        (0 or -errno, extack message)."""
        self.extack = ""
        err, _ = self._talk(self.family, cmd, 1, attrs)
        return err, self.extack

    def dump(self, cmd, attrs):
        """The same as a dump request (NLM_F_DUMP). Returns (0 or -errno,
        [attribute dict of each message])."""
        self.extack = ""
        err, msgs = self._talk(self.family, cmd, 1, attrs, NLM_F_DUMP)
        return err, [parse_attrs(m) for m in msgs]
