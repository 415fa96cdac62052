#!/usr/bin/env python3
"""The golden expectations, derived by hand from SPEC.md and the frames mkpcaps.c writes.

Every flow below was worked out from the capture (times, directions, IP-layer lengths) and
the SPEC rules, not copied from portlabel's output: the committed NAME.json / NAME.csv files
are written from these tables by `derive_expected.py` (no arguments) and are the specification
the golden tests hold portlabel to.  The label of a (protocol, port) comes from LABELS, which
restates tests/golden/registry.csv by hand.

Times are seconds after T0 = 2026-01-01T00:00:00Z; bytes are IP-layer bytes:
IPv4 TCP 40 + payload, IPv4 UDP 28 + payload, IPv6 TCP 60 + payload, IPv6 UDP 48 + payload.
tcp_session(req, resp) (mkpcaps.c) = fwd 5 packets, 200 + req bytes; rev 3, 120 + resp (IPv4),
flags "FSPA" both ways, FIN seen both ways 0.07 s after the SYN.
"""
import csv
import io
import json
import os

T0 = 1767225600
REGISTRY_ROWS = 39  # 40 data rows in registry.csv, one with port 99999 is skipped

# (proto, port) -> service, aliases, description, status, unauthorized; restated by hand.
LABELS = {
    ("tcp", 22): ("ssh", [], "Secure Shell login", "assigned", None),
    ("tcp", 80): ("http", ["www", "www-http"], "Hypertext transfer, plain", "assigned", None),
    ("tcp", 443): ("https", [], "Hypertext transfer over TLS", "assigned", None),
    ("tcp", 40001): (None, [], None, "unassigned", None),
    ("udp", 8): (None, [], "Unassigned", "unassigned", None),
    ("udp", 24): (None, [], "any private mail system", "unnamed", None),
    ("udp", 53): ("domain", [], "Domain name service", "assigned", None),
    ("udp", 100): (None, [], "Unassigned", "unassigned", "Known Unauthorized Use on port 100"),
    ("udp", 123): ("ntp", [], "Network time\n(fixture row whose description spans two lines)",
                   "assigned", None),
    ("udp", 1023): (None, [], "Reserved", "reserved", None),
    ("udp", 6005): ("x11", [], "X Window System", "assigned", None),
    ("udp", 7777): ("lampyris", [], 'Fixture service "without" a protocol', "assigned", None),
    ("udp", 33435): ("mtrace", [], "Multicast traceroute", "assigned",
                     "Known Unauthorized Use on port 33435 (traceroute probes)"),
    ("udp", 55000): (None, [], None, "unassigned", None),
    ("sctp", 2905): ("m3ua", [], "SS7 MTP3 user adaptation", "assigned", None),
    ("sctp", 3868): ("diameter", [], "Diameter base", "assigned", None),
    ("dccp", 9): ("discard", [], "Discard", "assigned", None),
    ("dccp", 5004): ("avt-profile-1", [], "RTP media", "assigned", None),
}

FIELDS = ["type", "first_seen", "last_seen", "ip_version", "proto", "vlan", "src", "sport",
          "dst", "dport", "pkts_fwd", "bytes_fwd", "pkts_rev", "bytes_rev", "tcp_flags_fwd",
          "tcp_flags_rev", "service_port", "basis", "service", "aliases", "description",
          "status", "port_class", "unauthorized", "end_reason"]


def ts(sec):
    us = round(sec * 1_000_000)
    return "%d.%06d" % (T0 + us // 1_000_000, us % 1_000_000)


def port_class(p):
    return "system" if p <= 1023 else "user" if p <= 49151 else "dynamic"


def F(first, last, proto, src, sport, dst, dport, fwd, rev, flags, sp, basis, end, vlan=None):
    """One flow: fwd/rev = (packets, bytes); flags = (fwd, rev) letters, TCP only."""
    ipv = 6 if ":" in src else 4
    svc, aliases, desc, status, unauth = LABELS[(proto, sp)]
    return {
        "type": "flow", "first_seen": ts(first), "last_seen": ts(last), "ip_version": ipv,
        "proto": proto, "vlan": vlan, "src": src, "sport": sport, "dst": dst, "dport": dport,
        "pkts_fwd": fwd[0], "bytes_fwd": fwd[1], "pkts_rev": rev[0], "bytes_rev": rev[1],
        "tcp_flags_fwd": flags[0] if proto == "tcp" else None,
        "tcp_flags_rev": flags[1] if proto == "tcp" else None,
        "service_port": sp, "basis": basis, "service": svc, "aliases": aliases,
        "description": desc, "status": status, "port_class": port_class(sp),
        "unauthorized": unauth, "end_reason": end,
    }


NOF = (None, None)


def summary(flows, packets, in_flows, non_ip=0, other_ip=None, malformed=0, truncated=0,
            frag_un=0):
    by = {"assigned": 0, "reserved": 0, "unassigned": 0, "unnamed": 0}
    for f in flows:
        by[f["status"]] += 1
    return {
        "type": "summary", "packets_total": packets, "packets_in_flows": in_flows,
        "non_ip": non_ip, "other_ip": other_ip or {}, "malformed": malformed,
        "truncated": truncated, "fragment_unattributed": frag_un, "unsupported_link": 0,
        "flows_total": len(flows),
        "flows_unauthorized": sum(1 for f in flows if f["unauthorized"]),
        "flows_by_status": by,
        "registry": {"path": "tests/golden/registry.csv", "rows": REGISTRY_ROWS,
                     "bad_rows": 1},  # the row with port 99999
    }


# ---- tcp-basics.pcap, default timeouts --------------------------------------------------
# A closes (FIN both ways) at 0.07, B at 1.07, C at 2.07; H by RST at 7.01.  At 8.0 a SYN on
# A's key ends A at once and opens A2 (RST from the client at 8.03).  At 20.0 the advance ends,
# in due order, B (11.07), C (12.07), H (17.01), A2 (18.03); then the ACK on B's key opens B2
# mid-stream.  End of input: D, E, F, G (eof) and B2 (closed: its RST was seen), by first packet.
A = F(0, 0.08, "tcp", "192.0.2.10", 50001, "198.51.100.80", 80, (5, 300), (3, 1120),
      ("FSPA", "FSPA"), 80, "handshake", "closed")
B = F(1, 1.08, "tcp", "192.0.2.10", 50002, "198.51.100.43", 443, (5, 400), (3, 1520),
      ("FSPA", "FSPA"), 443, "handshake", "closed")
C = F(2, 2.08, "tcp", "192.0.2.11", 50003, "198.51.100.22", 22, (5, 250), (3, 180),
      ("FSPA", "FSPA"), 22, "handshake", "closed")
H = F(7, 7.01, "tcp", "192.0.2.16", 50007, "198.51.100.80", 80, (1, 40), (1, 40), ("S", "RA"),
      80, "handshake", "closed")
A2 = F(8, 8.03, "tcp", "192.0.2.10", 50001, "198.51.100.80", 80, (3, 120), (1, 40),
       ("SRA", "SA"), 80, "handshake", "closed")
# D: first packet SYN+ACK from the server: its receiver initiates.
D = F(3, 3.03, "tcp", "192.0.2.12", 50004, "198.51.100.80", 80, (2, 160), (2, 580),
      ("PA", "SPA"), 80, "handshake", "eof")
E = F(4, 4.02, "tcp", "192.0.2.13", 50005, "198.51.100.43", 443, (2, 180), (1, 240),
      ("PA", "PA"), 443, "registry", "eof")
# F: the server speaks first mid-stream: it is the initiator, and its port is the service port.
Fm = F(5, 5.01, "tcp", "198.51.100.22", 22, "192.0.2.14", 50006, (1, 104), (1, 40), ("PA", "A"),
       22, "registry", "eof")
G = F(6, 6.01, "tcp", "192.0.2.15", 40001, "198.51.100.99", 45000, (1, 50), (1, 40),
      ("PA", "A"), 40001, "port-order", "eof")
B2 = F(20, 20.01, "tcp", "192.0.2.10", 50002, "198.51.100.43", 443, (1, 40), (1, 40),
       ("A", "RA"), 443, "registry", "closed")
TCP_BASICS = [A, B, C, H, A2, D, E, Fm, G, B2]
TCP_BASICS_SUM = summary(TCP_BASICS, 43, 43)

# ---- udp-services.pcap: no closes, no timeouts: all eof by first packet ------------------
U = [
    F(0, 0.02, "udp", "192.0.2.20", 50100, "198.51.100.53", 53, (1, 68), (1, 108), NOF, 53,
      "registry", "eof"),
    # 123 <-> 123: both assigned, so not "exactly one": port-order, equal ports.
    F(1, 1.03, "udp", "192.0.2.21", 123, "198.51.100.123", 123, (1, 76), (1, 76), NOF, 123,
      "port-order", "eof"),
    F(2, 3, "udp", "192.0.2.22", 50102, "203.0.113.5", 33435, (3, 144), (0, 0), NOF, 33435,
      "registry", "eof"),
    F(4, 4, "udp", "192.0.2.23", 50103, "203.0.113.6", 100, (1, 60), (0, 0), NOF, 100,
      "port-order", "eof"),
    F(5, 5, "udp", "192.0.2.24", 50104, "203.0.113.7", 8, (1, 48), (0, 0), NOF, 8,
      "port-order", "eof"),
    F(6, 6.3, "udp", "192.0.2.25", 55000, "203.0.113.8", 61000, (2, 120), (2, 120), NOF, 55000,
      "port-order", "eof"),
    F(7, 7, "udp", "192.0.2.26", 50106, "203.0.113.9", 1023, (1, 48), (0, 0), NOF, 1023,
      "port-order", "eof"),
    F(8, 8, "udp", "192.0.2.27", 50107, "203.0.113.10", 24, (1, 48), (0, 0), NOF, 24,
      "port-order", "eof"),
    F(9, 9.005, "udp", "192.0.2.28", 50108, "203.0.113.11", 7777, (1, 48), (1, 48), NOF, 7777,
      "registry", "eof"),
    F(10, 10, "udp", "192.0.2.29", 50109, "203.0.113.12", 6005, (1, 48), (0, 0), NOF, 6005,
      "registry", "eof"),
]
UDP_SUM = summary(U, 18, 18)
# --only-flagged keeps the flagged flows, those with unauthorized text (SPEC §5); the summary
# still counts every flow.
U_FLAGGED = [f for f in U if f["unauthorized"]]

# --max-flows 3: each new flow finds the table full and ends the flow with the smallest
# last_seen: U4 (4.0) evicts U1 (last 0.02), U5 U2 (1.03), U6 U3 (3.0), U7 U4, U8 U5,
# U9 U6 (6.3), U10 U7; U8, U9, U10 end at end of input.
U_EVICT = [dict(f, end_reason="evicted") for f in U[:7]] + U[7:]

# ---- sctp-dccp.pcap -----------------------------------------------------------------------
SD = [
    F(0, 0.05, "sctp", "192.0.2.30", 40000, "198.51.100.29", 2905, (3, 252), (3, 156), NOF,
      2905, "handshake", "eof"),
    # INIT-ACK first: its receiver initiates.
    F(1, 1.02, "sctp", "192.0.2.31", 40001, "198.51.100.38", 3868, (1, 52), (2, 108), NOF,
      3868, "handshake", "eof"),
    F(2, 2, "sctp", "192.0.2.32", 40002, "198.51.100.29", 2905, (1, 148), (0, 0), NOF, 2905,
      "registry", "eof"),
    F(3, 3.04, "dccp", "192.0.2.40", 50200, "198.51.100.50", 5004, (3, 220), (2, 92), NOF,
      5004, "handshake", "eof"),
    # Response first: its receiver initiates.
    F(4, 4.01, "dccp", "192.0.2.41", 50201, "198.51.100.9", 9, (1, 44), (1, 48), NOF, 9,
      "handshake", "eof"),
    F(5, 5, "dccp", "192.0.2.42", 50202, "198.51.100.50", 5004, (1, 82), (0, 0), NOF, 5004,
      "registry", "eof"),
]
SD_SUM = summary(SD, 18, 18)

# ---- ipv6-vlan.pcap: the two closes (0.07, 2.07) are not 10 s old at the last packet (6.01):
# everything ends at end of input, by first packet; the two sessions as closed.
V = [
    F(0, 0.08, "tcp", "2001:db8:1::10", 50300, "2001:db8:2::80", 443, (5, 400), (3, 680),
      ("FSPA", "FSPA"), 443, "handshake", "closed"),
    F(1, 1.01, "udp", "2001:db8:1::11", 50301, "2001:db8:2::53", 53, (1, 96), (1, 128), NOF, 53,
      "registry", "eof"),
    F(2, 2.08, "tcp", "192.0.2.50", 50310, "198.51.100.80", 80, (5, 210), (3, 140),
      ("FSPA", "FSPA"), 80, "handshake", "closed", vlan=100),
    F(3, 3.01, "udp", "192.0.2.51", 50311, "198.51.100.53", 53, (1, 68), (1, 108), NOF, 53,
      "registry", "eof", vlan=200),
    F(3.1, 3.11, "udp", "192.0.2.51", 50311, "198.51.100.53", 53, (1, 68), (1, 108), NOF, 53,
      "registry", "eof"),
    F(4, 4.01, "udp", "192.0.2.52", 50312, "198.51.100.123", 123, (1, 76), (1, 76), NOF, 123,
      "registry", "eof", vlan=300),
    F(5, 5, "udp", "192.0.2.53", 50313, "198.51.100.53", 53, (1, 68), (0, 0), NOF, 53,
      "registry", "eof", vlan=400),
    F(6, 6.01, "udp", "192.0.2.54", 50314, "198.51.100.53", 53, (1, 68), (1, 108), NOF, 53,
      "registry", "eof", vlan=0),
]
V_SUM = summary(V, 27, 27)

# ---- fragments.pcap -------------------------------------------------------------------------
# F2: the middle fragment at 31.0 is 30 s after the first (<= 30: counts, last_seen 31.0); the
# last at 31.000001 is not (fragment_unattributed); the orphan at 40 also.  ICMP fragments:
# other_ip "1": 2.
FR = [
    F(0, 0.01, "udp", "192.0.2.60", 50400, "198.51.100.53", 53, (2, 2048), (1, 128), NOF, 53,
      "registry", "eof"),
    F(1, 31, "udp", "192.0.2.61", 50401, "203.0.113.12", 6005, (2, 3000), (0, 0), NOF, 6005,
      "registry", "eof"),
    F(42, 42.001, "udp", "2001:db8:1::60", 50410, "2001:db8:2::53", 53, (2, 1528), (0, 0), NOF,
      53, "registry", "eof"),
]
FR_SUM = summary(FR, 11, 7, other_ip={"1": 2}, frag_un=2)

# ---- timeouts.pcap, default timeouts (idle 300, active 1800) ------------------------------
# I1 last 0.01; its key again at 300.01: 300.01 - 0.01 >= 300 -> I1 idle, I1b opens.  I1b
# (last 300.02) is ended idle by the advance at 600.5.  A1 (first 0.5) is ended active by the
# advance at 1800.5; that packet opens the continuation A1b (handshake kept), which closes.
I1 = F(0, 0.01, "udp", "192.0.2.70", 50500, "198.51.100.53", 53, (1, 68), (1, 108), NOF, 53,
       "registry", "idle")
I1b = F(300.01, 300.02, "udp", "192.0.2.70", 50500, "198.51.100.53", 53, (1, 68), (1, 108), NOF,
        53, "registry", "idle")
A1 = F(0.5, 1600.51, "tcp", "192.0.2.71", 50501, "198.51.100.22", 22, (10, 1200), (9, 360),
       ("SPA", "SA"), 22, "handshake", "active")
A1b = F(1800.5, 1900.02, "tcp", "192.0.2.71", 50501, "198.51.100.22", 22, (3, 220), (2, 80),
        ("FPA", "FA"), 22, "handshake", "closed")
TO = [I1, I1b, A1, A1b]
TO_SUM = summary(TO, 28, 28)

# ---- timeouts.pcap with --idle-timeout 250 --active-timeout 500 ---------------------------
# I1 idle-due 250.01: ended by the advance at 300.01 (then I1b opens).  A1 active-due 500.5 and
# I1b idle-due 550.02: both ended by the advance at 600.5, in due order.  A1's key is kept until
# 400.51 + 250; the push at 600.5 opens A1b (handshake kept), active-due 1100.5, ended at 1200.5
# whose push opens A1c, active-due 1700.5, ended at 1800.5, whose push opens A1d, closed.
TS_ = [
    F(0, 0.01, "udp", "192.0.2.70", 50500, "198.51.100.53", 53, (1, 68), (1, 108), NOF, 53,
      "registry", "idle"),
    F(0.5, 400.51, "tcp", "192.0.2.71", 50501, "198.51.100.22", 22, (4, 360), (3, 120),
      ("SPA", "SA"), 22, "handshake", "active"),
    F(300.01, 300.02, "udp", "192.0.2.70", 50500, "198.51.100.53", 53, (1, 68), (1, 108), NOF,
      53, "registry", "idle"),
    F(600.5, 1000.51, "tcp", "192.0.2.71", 50501, "198.51.100.22", 22, (3, 420), (3, 120),
      ("PA", "A"), 22, "handshake", "active"),
    F(1200.5, 1600.51, "tcp", "192.0.2.71", 50501, "198.51.100.22", 22, (3, 420), (3, 120),
      ("PA", "A"), 22, "handshake", "active"),
    F(1800.5, 1900.02, "tcp", "192.0.2.71", 50501, "198.51.100.22", 22, (3, 220), (2, 80),
      ("FPA", "FA"), 22, "handshake", "closed"),
]
TS_SUM = summary(TS_, 28, 28)

# ---- anomalies.pcap -----------------------------------------------------------------------
# ARP: non_ip.  ICMP x2: other_ip.  TCP cut at 10 bytes: truncated.  IHL 4, IPv4 length 30
# with TCP, IPv6 payload length 0, IPv4 EtherType with version 6: malformed (4).  The SYN cut
# after 14 TCP bytes counts with its declared 40 bytes; the TSO segment (total length 0) with
# its captured 240.  No packet back: rev flags "" (TCP, nothing seen).
AN = [
    F(5, 5, "tcp", "192.0.2.83", 50602, "198.51.100.80", 80, (1, 40), (0, 0), ("S", ""), 80,
      "handshake", "eof"),
    F(8, 8, "tcp", "192.0.2.86", 50605, "198.51.100.43", 443, (1, 240), (0, 0), ("PA", ""), 443,
      "registry", "eof"),
]
AN_SUM = summary(AN, 10, 2, non_ip=1, other_ip={"1": 2}, malformed=4, truncated=1)

# ---- sample.pcap --------------------------------------------------------------------------
# http closes at 1.07 (due 11.07): ended by the advance at 13.0.  web closes at 5.03 (due 15.03):
# ended at 18.0.  The rest at end of input, by first packet.
# web: fwd S 40, A 40, PA517 557, A 40, PA120 160, FA 40, A 40 = 7/917;
#      rev SA 40, 1440, 1440, 940, 740, FA 40 = 6/4640.
# ssh: fwd S, A, 6 x (40+36) = 8/536; rev SA, 6 x (40+52) = 7/592.
SAMPLE = [
    F(1, 1.08, "tcp", "192.168.1.20", 50702, "198.51.100.80", 80, (5, 520), (3, 1320),
      ("FSPA", "FSPA"), 80, "handshake", "closed"),
    F(0.05, 5.031, "tcp", "192.168.1.20", 50701, "203.0.113.20", 443, (7, 917), (6, 4640),
      ("FSPA", "FSPA"), 443, "handshake", "closed"),
    F(0, 0.015, "udp", "192.168.1.20", 50700, "192.168.1.1", 53, (1, 63), (1, 79), NOF, 53,
      "registry", "eof"),
    F(2, 28.0003, "tcp", "192.168.1.30", 50703, "192.168.1.5", 22, (8, 536), (7, 592),
      ("SPA", "SPA"), 22, "handshake", "eof"),
    F(4, 4.025, "udp", "192.168.1.20", 123, "203.0.113.123", 123, (1, 76), (1, 76), NOF, 123,
      "port-order", "eof"),
    F(10, 10.2, "udp", "192.168.1.20", 50704, "203.0.113.99", 33435, (3, 180), (0, 0), NOF,
      33435, "registry", "eof"),
    F(20, 20.012, "udp", "192.168.1.20", 50705, "192.168.1.1", 53, (1, 66), (1, 98), NOF, 53,
      "registry", "eof"),
]
SAMPLE_SUM = summary(SAMPLE, 45, 45)

# ---- split-1.pcap + split-2.pcap: one stream ----------------------------------------------
SPLIT = [
    F(0, 6.02, "tcp", "192.0.2.90", 50800, "198.51.100.80", 80, (5, 300), (3, 1120),
      ("FSPA", "FSPA"), 80, "handshake", "closed"),
    F(1, 1.01, "udp", "192.0.2.90", 50801, "198.51.100.53", 53, (1, 68), (1, 108), NOF, 53,
      "registry", "eof"),
    F(7, 7, "udp", "192.0.2.91", 50802, "203.0.113.6", 100, (1, 60), (0, 0), NOF, 100,
      "port-order", "eof"),
]
SPLIT_SUM = summary(SPLIT, 11, 11)


# ---- cut.pcap: the file ends inside the 11th record: the 10 packets read make the flows,
# emitted as at end of input (the session as closed), then the summary; exit 1.
CUT = [
    F(0, 0.08, "tcp", "192.0.2.95", 50900, "198.51.100.80", 80, (5, 300), (3, 1120),
      ("FSPA", "FSPA"), 80, "handshake", "closed"),
    F(1, 1.01, "udp", "192.0.2.95", 50901, "198.51.100.53", 53, (1, 68), (1, 108), NOF, 53,
      "registry", "eof"),
]
CUT_SUM = summary(CUT, 10, 10)


# ---- audit of sample.pcap: per (protocol, service port), by bytes descending ---------------
def audit(flows):
    rows = {}
    for f in flows:
        k = (f["proto"], f["service_port"])
        r = rows.setdefault(k, {"flows": 0, "packets": 0, "bytes": 0, "i": set(), "r": set(),
                                "u": 0})
        r["flows"] += 1
        r["packets"] += f["pkts_fwd"] + f["pkts_rev"]
        r["bytes"] += f["bytes_fwd"] + f["bytes_rev"]
        r["i"].add(f["src"])
        r["r"].add(f["dst"])
        r["u"] += 1 if f["unauthorized"] else 0
    out = []
    for (proto, port), r in sorted(rows.items(), key=lambda kv: -kv[1]["bytes"]):
        svc, aliases, desc, status, unauth = LABELS[(proto, port)]
        out.append({"type": "audit", "proto": proto, "service_port": port,
                    "flows": r["flows"], "packets": r["packets"], "bytes": r["bytes"],
                    "initiators": len(r["i"]), "responders": len(r["r"]), "service": svc,
                    "aliases": aliases, "description": desc, "status": status,
                    "port_class": port_class(port), "unauthorized": unauth,
                    "flows_unauthorized": r["u"]})
    return out


def json_lines(records):
    lines = []
    for r in records:
        s = json.dumps(r, ensure_ascii=False, separators=(",", ":"))
        for k in ("first_seen", "last_seen"):  # timestamps are numbers with 6 decimals
            s = s.replace(f'"{k}":"{r.get(k)}"', f'"{k}":{r.get(k)}')
        lines.append(s)
    return "\n".join(lines) + "\n"


def csv_text(flows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(FIELDS)
    for f in flows:
        row = []
        for k in FIELDS:
            v = f[k]
            row.append("" if v is None else ";".join(v) if isinstance(v, list) else str(v))
        w.writerow(row)
    return buf.getvalue()


CASES = {
    "tcp-basics": json_lines(TCP_BASICS + [TCP_BASICS_SUM]),
    "udp-services": json_lines(U + [UDP_SUM]),
    "udp-flagged": json_lines(U_FLAGGED + [UDP_SUM]),
    "udp-evict": json_lines(U_EVICT + [UDP_SUM]),
    "sctp-dccp": json_lines(SD + [SD_SUM]),
    "ipv6-vlan": json_lines(V + [V_SUM]),
    "fragments": json_lines(FR + [FR_SUM]),
    "timeouts": json_lines(TO + [TO_SUM]),
    "timeouts-short": json_lines(TS_ + [TS_SUM]),
    "anomalies": json_lines(AN + [AN_SUM]),
    "sample": json_lines(SAMPLE + [SAMPLE_SUM]),
    "split": json_lines(SPLIT + [SPLIT_SUM]),
    "cut": json_lines(CUT + [CUT_SUM]),
    # BPF filter "udp port 53": only the two lookups are read (packets_total counts what the
    # filter passes).
    "sample-filter": json_lines([SAMPLE[2], SAMPLE[6]] + [summary([SAMPLE[2], SAMPLE[6]], 4, 4)]),
    "sample-audit": json_lines(audit(SAMPLE) + [SAMPLE_SUM]),
}
CSV_CASES = {
    "udp-services-csv": csv_text(U),
    "tcp-basics-csv": csv_text(TCP_BASICS),
}

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for name, text in CASES.items():
        with open(os.path.join(here, name + ".json"), "w", encoding="utf-8") as f:
            f.write(text)
    for name, text in CSV_CASES.items():
        with open(os.path.join(here, name + ".csv"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    print(f"wrote {len(CASES)} JSON and {len(CSV_CASES)} CSV expected files")
