#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile WireGuard-shaped datagrams for the attacker scenarios.

  wgpkt.py send HOST PORT KIND [--count N] [--key BASE64] [--pcap FILE]
                [--sport PORT]

KIND is one of:
  random         random bytes, 1..1400 long
  truncated      every message type, each one byte short (and 4-byte stubs)
  oversized      every message type, each one byte long, plus a 60000-byte one
  initiation     a well-formed 148-byte initiation whose mac1 is keyed to
                 --key (e.g. the hub's public key), garbage inside
  data           transport data with random receiver indices
  replay         the UDP payloads of a pcap file (--pcap), as captured
Prints the number of datagrams sent; every one is counted by the caller.
--spoof ADDR:PORT sends them from that (forged) IPv4 source with a raw socket.
"""
import argparse
import base64
import hashlib
import os
import socket
import struct
import sys

SIZES = {1: 148, 2: 92, 3: 64}


def mac1(msg: bytes, pub: bytes) -> bytes:
    key = hashlib.blake2s(b"mac1----" + pub).digest()
    return hashlib.blake2s(msg, key=key, digest_size=16).digest()


def header(t: int) -> bytes:
    return struct.pack("<I", t)


def initiation(pub: bytes) -> bytes:
    body = header(1) + os.urandom(4 + 32 + 48 + 28)
    return body + mac1(body, pub) + bytes(16)


def pcap_payloads(path: str, src=None):
    """UDP payloads of an Ethernet or raw-IP pcap file (only those sent from
    IPv4 address @src, if given)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if linktype == 1:        # Ethernet
            pkt = pkt[14:]
        elif linktype == 113:    # Linux cooked
            pkt = pkt[16:]
        elif linktype == 276:    # Linux cooked v2
            pkt = pkt[20:]
        if not pkt:
            continue
        ver = pkt[0] >> 4
        if ver == 4:
            ihl = (pkt[0] & 15) * 4
            if pkt[9] != 17 or (src and socket.inet_ntoa(pkt[12:16]) != src):
                continue
            udp = pkt[ihl:]
        elif ver == 6:
            if pkt[6] != 17 or src:
                continue
            udp = pkt[40:]
        else:
            continue
        yield udp[8:struct.unpack("!H", udp[4:6])[0]]


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def spoofed(src: str, sport: int, dst: str, dport: int, payload: bytes) -> bytes:
    """An IPv4/UDP packet with a forged source, for an IPPROTO_RAW socket."""
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    ulen = 8 + len(payload)
    pseudo = s + d + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0, 64, 17, 0, s, d)
    return ip + udp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["send"])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("kind")
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--key")
    ap.add_argument("--pcap")
    ap.add_argument("--sport", type=int, default=0)
    ap.add_argument("--spoof", help="forged IPv4 source ADDR:PORT")
    ap.add_argument("--src", help="with replay: only packets the pcap shows sent from this IPv4 address")
    ap.add_argument("--type", type=int, default=0,
                    help="with replay: only messages of this type")
    a = ap.parse_args()

    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if a.sport:
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", a.sport))
    dst = (a.host, a.port)
    msgs = []
    if a.kind == "random":
        for _ in range(a.count):
            msgs.append(os.urandom(1 + int.from_bytes(os.urandom(2), "little") % 1400))
    elif a.kind == "truncated":
        for t, size in SIZES.items():
            msgs.append(header(t) + os.urandom(size - 5))
            msgs.append(header(t))
        msgs.append(header(4) + os.urandom(27))    # data below 32 bytes
        msgs.append(header(4))
        msgs.append(b"\x01")
    elif a.kind == "oversized":
        for t, size in SIZES.items():
            msgs.append(header(t) + os.urandom(size - 3))
            msgs.append(header(t) + os.urandom(1400))
        msgs.append(header(1) + os.urandom(60000))
        msgs.append(header(4) + os.urandom(60000))
        msgs.append(struct.pack("<I", 0x105) + os.urandom(144))   # reserved bits set
    elif a.kind == "initiation":
        pub = base64.b64decode(a.key)
        msgs = [initiation(pub) for _ in range(a.count)]
    elif a.kind == "data":
        for _ in range(a.count):
            msgs.append(header(4) + os.urandom(4) + struct.pack("<Q", 0) + os.urandom(48))
    elif a.kind == "replay":
        for p in pcap_payloads(a.pcap, a.src):
            if len(p) >= 4 and (not a.type or p[0] == a.type):
                msgs.append(p)
    else:
        sys.exit("unknown kind " + a.kind)
    if a.spoof:
        src, sport = a.spoof.rsplit(":", 1)
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        for m in msgs:
            raw.sendto(spoofed(src, int(sport), a.host, a.port, m), (a.host, 0))
    else:
        for m in msgs:
            s.sendto(m, dst)
    print(len(msgs))


if __name__ == "__main__":
    main()
