#!/usr/bin/env python3
"""Hash flooding (issue 6, hostile packets): flows whose keys all share one hash value.

The flow table hashes the 40-byte key (struct pl_flow_key: addr_lo, addr_hi, ports, VLAN,
protocol, version) with a fixed, unkeyed multiply-xorshift (key_hash40 in src/flow/
flow_table.c). Each round is h = mix((h ^ word) * C); for a chosen value T, an attacker who
picks the IPv6 source address's second half as word3 = h3 ^ T (h3: the state after the first
three words, all known) makes every key's state equal from round four on: all flows land in
one bucket, and every packet walks the whole chain (quadratic in the flows). A keyed hash
(a secret per-run seed) stops this.

The test sends N such flows and N ordinary flows (same sizes, same packet layout) and
requires the colliding run to cost no more than --max-ratio times the ordinary one (plus a
0.5 s allowance for noise).

  hash_flood.py --portlabel BIN --workdir DIR [--flows N] [--max-ratio R]"""
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checker, parse_args, run_rss  # noqa: E402
import pcapgen as pg  # noqa: E402

a = parse_args([(("--flows",), {"type": int, "default": 40000}),
                (("--max-ratio",), {"type": float, "default": 4.0})])
c = Checker("hash_flood")
M64 = (1 << 64) - 1


def rounds(words):
    h = 0x9e3779b97f4a7c15
    for w in words:
        h = ((h ^ w) * 0xbf58476d1ce4e5b9) & M64
        h ^= h >> 31
    return h


def key_hash40(key):
    h = rounds(struct.unpack("<5Q", key))
    h = (h * 0x94d049bb133111eb) & M64
    h ^= h >> 32
    return h & 0xFFFFFFFF


LO = bytes.fromhex("20010db8000000000000000000000001")   # the server, 2001:db8::1 (key's lo)
SPORT, DPORT = 40000, 80
W4 = struct.pack("<HHHBB", DPORT, SPORT, 0, 6, 6)       # port_lo, port_hi, vlan, proto, version


def hi_addr(i, colliding, rnd):
    first = bytes([0xFE]) + struct.pack(">Q", i)[1:]       # fe00:...: above LO, so it is "hi"
    w0, w1 = struct.unpack("<2Q", LO)
    w2 = struct.unpack("<Q", first)[0]
    if colliding:
        w3 = rounds([w0, w1, w2]) ^ 0x0123456789ABCDEF       # state after word 3: a constant
    else:
        w3 = rnd.getrandbits(64)
    return first + struct.pack("<Q", w3)


def ipv6_syn(src, dst, sport, dport):
    seg = pg.tcp(sport, dport, 0x02)
    ip6 = struct.pack("!IHBB16s16s", 0x60000000, len(seg), 6, 64, src, dst)
    return pg.eth(ip6 + seg, 0x86DD)


def capture(colliding):
    rnd = random.Random(3)
    frames, hashes = [], set()
    for i in range(a.flows):
        hi = hi_addr(i, colliding, rnd)
        hashes.add(key_hash40(LO + hi + W4))
        frames.append((1700000000000000 + i, ipv6_syn(hi, LO, SPORT, DPORT)))
    path = os.path.join(a.workdir, "%s.pcap" % ("colliding" if colliding else "ordinary"))
    with open(path, "wb") as f:
        f.write(pg.pcap(frames))
    return path, len(hashes)


res = {}
for colliding in (False, True):
    path, distinct = capture(colliding)
    r = run_rss([a.portlabel, "-R", a.registry, "-F", "csv", "-o", "/dev/null", "-r", path],
                timeout=300)
    name = "colliding" if colliding else "ordinary"
    res[name] = r
    print("measured: %d %s flows (%d distinct hash values): rc %s, %.2f s"
          % (a.flows, name, distinct, r.rc, r.secs))
    c.check("%s: exit 0" % name, r.rc == 0, "rc=%r err=%r" % (r.rc, r.err_lines[:3]))
    if colliding:
        c.check("the crafted keys do share one hash value (the model of key_hash40 holds)",
                distinct == 1, "%d distinct" % distinct)
base, bad = res["ordinary"].secs, res["colliding"].secs
c.check("colliding flows cost at most %.0fx ordinary ones (%.2f s vs %.2f s)"
        % (a.max_ratio, bad, base), bad <= a.max_ratio * base + 0.5,
        "ratio %.1f" % (bad / base if base else float("inf")))
sys.exit(c.done())
