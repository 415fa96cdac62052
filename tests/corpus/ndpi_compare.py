#!/usr/bin/env python3
"""Cross-check portlabel's flows against nDPI's (ndpiReader) on nDPI's own test captures.

For every capture in PL_SHARED_DIR/pcaps/ndpi with NAME.out (ndpiReader's output), parse
nDPI's TCP/UDP flow lines

    \\t7\\tTCP 192.168.1.13:55523 <-> 178.62.197.130:443 [VLAN: 7][proto: ...]...
        [51 pkts/4260 bytes <-> 58 pkts/69722 bytes]...

(IPv6 endpoints as [addr]:port), run `portlabel -F json` on the capture, and compare the
flows both tools define the same way: TCP and UDP, matched by their unordered endpoints
(nDPI's left side is not always portlabel's initiator), packets per direction compared as a
pair (not bytes: nDPI counts frame bytes, portlabel IP bytes).

Every flow key falls in one class:
  exact        one flow in each tool, same packets each way
  count-diff   one flow in each tool, different packet counts
  split        several records in one tool for one key (portlabel's idle/active/close rules or
               nDPI's own flow ending); compared on the sum of packets
  only-ndpi / only-portlabel
and every non-exact key gets a reason (tunnel decapsulated by nDPI, fragments, truncated or
unreadable capture, link type, timeouts...).  Prints a summary; exits 1 when the agreement
(exact + split-with-equal-totals, over keys both tools saw) falls below --min-agreement, 77
(CTest skip) when the corpus is absent.

Usage: ndpi_compare.py --portlabel BIN [--shared DIR] [--min-agreement PCT] [--verbose]
       [--only NAME ...] [--registry FILE]
"""

import argparse
import collections
import ipaddress
import json
import os
import re
import shutil
import struct
import subprocess
import sys

FLOW_RE = re.compile(
    r"^\t\d+\t(TCP|UDP) (\S+) (<->|->|<-) (\S+) (.*)$")
PKTS_RE = re.compile(r"\[(\d+) pkts/(\d+) bytes (<->|->|<-) (\d+) pkts/(\d+) bytes\]")
VLAN_RE = re.compile(r"\[VLAN: (\d+)\]")

# UDP ports of tunnels ndpiReader decapsulates (it reports the inner flows instead):
# GTP-U/GTP-C, VXLAN, CAPWAP data/control, TZSP, Teredo is not decapsulated.
TUNNEL_UDP_PORTS = {2152: "GTP", 2123: "GTP", 4789: "VXLAN", 5246: "CAPWAP", 5247: "CAPWAP",
                    37008: "TZSP"}
# IP protocols carrying tunnels nDPI may decapsulate or that hide inner flows from both tools.
TUNNEL_IP_PROTOS = {"4": "IP-in-IP", "41": "IPv6-in-IPv4", "47": "GRE"}

# Differences looked at by hand, one line per capture: what nDPI and portlabel do differently.
KNOWN = {
    "tls_invalid_reads.pcap": [
        ("192.168.10.101:3967", "IP total length 4096 bytes beyond the captured SYN+ACK: "
                                "portlabel counts it (SPEC §8), nDPI drops it")],
    "BGP_Cisco_hdlc_slarp.pcap": [
        ("", "Cisco HDLC frames in a DLT_PPP capture: nDPI decodes them, portlabel (like "
             "tcpdump) counts them non_ip")],
}

LINKTYPE_NAMES = {0: "NULL", 1: "EN10MB", 101: "RAW", 108: "LOOP", 113: "LINUX_SLL",
                  276: "LINUX_SLL2", 12: "RAW", 14: "RAW", 228: "IPV4", 229: "IPV6", 9: "PPP",
                  127: "IEEE802_11_RADIO", 105: "IEEE802_11", 119: "PRISM", 163: "AVS"}


def norm_endpoint(text):
    """'1.2.3.4:80' or '[2001:db8::1]:80' -> (address text, port)."""
    if text.startswith("["):
        addr, _, port = text[1:].rpartition("]:")
    else:
        addr, _, port = text.rpartition(":")
    try:
        addr = ipaddress.ip_address(addr).compressed
    except ValueError:
        pass
    return addr, int(port)


def parse_ndpi(path):
    flows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = FLOW_RE.match(line.rstrip("\n"))
            if not m:
                continue
            p = PKTS_RE.search(m.group(5))
            if not p:
                continue
            a = norm_endpoint(m.group(2))
            b = norm_endpoint(m.group(4))
            v = VLAN_RE.search(m.group(5))
            flows.append({"proto": m.group(1).lower(), "a": a, "b": b,
                          "pa": int(p.group(1)), "pb": int(p.group(4)),
                          "vlan": int(v.group(1)) if v else None})
    return flows


def linktype(path):
    """The capture's link type (first interface for pcapng), or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if len(head) < 24:
                return None
            magic = head[:4]
            if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
                return struct.unpack("<I", head[20:24])[0] & 0x0fffffff
            if magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
                return struct.unpack(">I", head[20:24])[0] & 0x0fffffff
            if magic == b"\x0a\x0d\x0d\x0a":  # pcapng: SHB, then the first IDB
                bom = head[8:12]
                end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
                shb_len = struct.unpack(end + "I", head[4:8])[0]
                f.seek(shb_len)
                idb = f.read(12)
                if len(idb) == 12 and struct.unpack(end + "I", idb[:4])[0] == 1:
                    return struct.unpack(end + "H", idb[8:10])[0]
    except OSError:
        pass
    return None


def count_snapped(path):
    """Records captured shorter than on the wire (snaplen), classic pcap and pcapng."""
    try:
        with open(path, "rb") as f:
            d = f.read()
    except OSError:
        return 0
    n = 0
    if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4",
                 b"\xa1\xb2\x3c\x4d"):
        end = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        off = 24
        while off + 16 <= len(d):
            cl, wl = struct.unpack(end + "II", d[off + 8:off + 16])
            n += cl < wl
            off += 16 + cl
    elif d[:4] == b"\x0a\x0d\x0d\x0a" and len(d) >= 12:
        end = "<" if d[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        off = 0
        while off + 12 <= len(d):
            btype, blen = struct.unpack(end + "II", d[off:off + 8])
            if blen < 12:
                break
            if btype == 6 and off + 28 <= len(d):  # enhanced packet block
                cl, wl = struct.unpack(end + "II", d[off + 20:off + 28])
                n += cl < wl
            off += blen
    return n


def count_fragments(path):
    """IPv4/IPv6 fragments in the capture (untagged frames), via tcpdump; None without it."""
    if shutil.which("tcpdump") is None:
        return None
    proc = subprocess.run(["tcpdump", "-nn", "-q", "-r", path,
                           "(ip and ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] = 44)"],
                          capture_output=True, timeout=120)
    return len(proc.stdout.splitlines())


def run_portlabel(portlabel, registry, path):
    cmd = [portlabel, "-F", "json", "-r", path]
    if registry:
        cmd[1:1] = ["-R", registry]
    proc = subprocess.run(cmd, capture_output=True, timeout=600)
    flows, summary = [], {}
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("type") == "flow":
            flows.append(rec)
        elif rec.get("type") == "summary":
            summary = rec
    return proc.returncode, proc.stderr.decode("utf-8", "replace").strip(), flows, summary


def valid_addr(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def key_of(proto, a, b):
    return (proto,) + tuple(sorted([a, b]))


def compare_capture(name, ndpi, pl_rc, pl_err, pl, summary, lt, nfrags, size, snapped):
    """Returns a list of (class, reason, detail) per key."""
    n_by = collections.defaultdict(list)
    for f in ndpi:
        n_by[key_of(f["proto"], f["a"], f["b"])].append(f)
    p_by = collections.defaultdict(list)
    for f in pl:
        if f["proto"] not in ("tcp", "udp"):
            continue
        a = (ipaddress.ip_address(f["src"]).compressed, f["sport"])
        b = (ipaddress.ip_address(f["dst"]).compressed, f["dport"])
        p_by[key_of(f["proto"], a, b)].append(f)

    # nDPI sometimes prints an IPv6 address that does not parse: match such a flow with a
    # portlabel-only key having the same protocol, the same other endpoint and the same port.
    for k in [k for k in n_by if k not in p_by]:
        bad = [i for i in (1, 2) if not valid_addr(k[i][0])]
        if len(bad) != 1:
            continue
        good = k[3 - bad[0]]
        port = k[bad[0]][1]
        cands = [pk for pk in p_by if pk not in n_by and pk[0] == k[0] and good in pk[1:]
                 and any(e != good and e[1] == port for e in pk[1:])]
        if len(cands) == 1:
            flows = n_by.pop(k)
            for f in flows:
                other = [e for e in cands[0][1:] if e != good][0]
                if f["a"] != good:
                    f["a"] = other
                if f["b"] != good:
                    f["b"] = other
            n_by[cands[0]] = flows

    tunnel_pl = {TUNNEL_UDP_PORTS[k[1][1]] for k in p_by if k[0] == "udp"
                 and k[1][1] in TUNNEL_UDP_PORTS}
    tunnel_pl |= {TUNNEL_UDP_PORTS[k[2][1]] for k in p_by if k[0] == "udp"
                  and k[2][1] in TUNNEL_UDP_PORTS}
    other_ip = summary.get("other_ip", {}) if summary else {}
    tunnel_ip = {TUNNEL_IP_PROTOS[p] for p in other_ip if p in TUNNEL_IP_PROTOS}
    frags = bool(nfrags) or (summary.get("fragment_unattributed", 0) if summary else 0) > 0
    damaged = pl_rc != 0 or (summary and (summary.get("truncated", 0) or
                                          summary.get("malformed", 0)))
    link = LINKTYPE_NAMES.get(lt, str(lt))

    def context_reason(default, desc=""):
        if size == 0:
            return "capture file is empty (0 bytes) in the corpus"
        for sub, why in KNOWN.get(name, []):
            if sub in desc:
                return why
        if pl_rc != 0:
            return f"portlabel exit {pl_rc} ({pl_err.splitlines()[-1][:80] if pl_err else ''})"
        if summary and summary.get("unsupported_link", 0):
            return f"link type {link} unsupported by portlabel"
        if tunnel_pl or tunnel_ip:
            return "tunnel decapsulated by nDPI (" + ",".join(sorted(tunnel_pl | tunnel_ip)) + ")"
        if summary and summary.get("packets_total") and \
                summary.get("non_ip") == summary.get("packets_total"):
            return f"portlabel finds no IP on link type {link}"
        if frags:
            return "IP fragments: portlabel counts later fragments (SPEC §3), nDPI does not"
        if snapped:
            return ("packets cut by the snaplen: portlabel counts them at their declared "
                    "length (SPEC §8), nDPI drops them")
        if damaged:
            return "truncated/malformed packets"
        return default

    out = []
    for k in sorted(set(n_by) | set(p_by), key=str):
        ns, ps = n_by.get(k, []), p_by.get(k, [])
        desc = f"{k[0]} {k[1][0]}:{k[1][1]} <-> {k[2][0]}:{k[2][1]}"
        if not ps:
            if any(f["b"][1] in TUNNEL_UDP_PORTS or f["a"][1] in TUNNEL_UDP_PORTS for f in ns):
                reason = "tunnel endpoint flow"
            else:
                reason = context_reason("not seen by portlabel", desc)
            out.append(("only-ndpi", reason, f"{desc} nDPI {[(f['pa'], f['pb']) for f in ns]}"))
            continue
        if not ns:
            port_tunnel = k[0] == "udp" and (k[1][1] in TUNNEL_UDP_PORTS or
                                            k[2][1] in TUNNEL_UDP_PORTS)
            reason = ("tunnel outer flow (nDPI reports the inner flows)" if port_tunnel
                      else context_reason("not listed by nDPI", desc))
            out.append(("only-portlabel", reason,
                        f"{desc} portlabel {[(f['pkts_fwd'], f['pkts_rev']) for f in ps]}"))
            continue

        def pl_pair(f, left):
            src = (ipaddress.ip_address(f["src"]).compressed, f["sport"])
            return (f["pkts_fwd"], f["pkts_rev"]) if src == left else (f["pkts_rev"], f["pkts_fwd"])

        left = ns[0]["a"]
        n_tot = (sum(f["pa"] if f["a"] == left else f["pb"] for f in ns),
                 sum(f["pb"] if f["a"] == left else f["pa"] for f in ns))
        p_tot = tuple(map(sum, zip(*[pl_pair(f, left) for f in ps])))
        detail = (f"{desc} nDPI {[(f['pa'], f['pb']) for f in ns]} portlabel "
                  f"{[(f['pkts_fwd'], f['pkts_rev'], f['end_reason']) for f in ps]}")
        if len(ns) == 1 and len(ps) == 1:
            if n_tot == p_tot:
                out.append(("exact", "", detail))
            else:
                out.append(("count-diff", classify_diff(n_tot, p_tot, desc, context_reason),
                            detail))
        else:
            ends = collections.Counter(f["end_reason"] for f in ps)
            who = "portlabel" if len(ps) > len(ns) else "nDPI"
            if n_tot == p_tot:
                reason = (f"{who} splits, totals equal (portlabel ends: "
                          f"{','.join(sorted(ends))})")
                out.append(("split-equal", reason, detail))
            else:
                out.append(("split-diff", f"{who} splits, totals differ "
                            f"({context_reason('counts', desc)})", detail))
    return out


# Reasons that explain nothing: a key classified so is a regression to look at.
UNEXPLAINED = {"not seen by portlabel", "not listed by nDPI", "portlabel counts fewer packets",
               "portlabel counts more packets", "direction swapped"}


def classify_diff(n, p, desc, context_reason):
    """Why one flow each side has different counts."""
    if sum(n) == sum(p) and n == (p[1], p[0]):
        return "direction swapped"
    ctx = context_reason("", desc)
    if ctx:
        return ctx
    if sum(p) < sum(n):
        return "portlabel counts fewer packets"
    return "portlabel counts more packets"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--portlabel", required=True)
    ap.add_argument("--shared", default=os.environ.get("PL_SHARED_DIR", ""))
    ap.add_argument("--registry", default=None,
                    help="registry for portlabel (labels do not matter here)")
    ap.add_argument("--min-agreement", type=float, default=0.0,
                    help="fail below this percentage of keys seen by both tools that agree")
    ap.add_argument("--max-unexplained", type=int, default=-1,
                    help="fail when more keys than this differ for no known reason (-1: off)")
    ap.add_argument("--verbose", action="store_true", help="list every non-exact key")
    ap.add_argument("--only", nargs="*", default=None)
    opt = ap.parse_args()

    corpus = os.path.join(opt.shared, "pcaps", "ndpi")
    if not opt.shared or not os.path.isdir(corpus):
        print(f"SKIP: nDPI corpus not found ({corpus or 'PL_SHARED_DIR unset'})")
        return 77
    caps = sorted(f[:-4] for f in os.listdir(corpus) if f.endswith(".out")
                  and os.path.exists(os.path.join(corpus, f[:-4])))
    if opt.only:
        caps = [c for c in caps if c in opt.only]

    totals = collections.Counter()
    reasons = collections.defaultdict(collections.Counter)
    examples = collections.defaultdict(list)
    per_cap_bad = []
    for cap in caps:
        path = os.path.join(corpus, cap)
        ndpi = parse_ndpi(path + ".out")
        rc, err, pl, summary = run_portlabel(opt.portlabel, opt.registry, path)
        if rc not in (0, 1) or "Sanitizer" in err or "runtime error:" in err:
            print(f"ERROR: portlabel exited {rc} on {cap}: {err[:200]}")
            totals["crash"] += 1
        res = compare_capture(cap, ndpi, rc, err, pl, summary, linktype(path),
                              count_fragments(path), os.path.getsize(path),
                              count_snapped(path))
        totals["captures"] += 1
        if ndpi or pl:
            totals["captures_with_flows"] += 1
        nonexact = 0
        for cls, reason, detail in res:
            totals[cls] += 1
            if cls != "exact":
                nonexact += 1
                reasons[cls][reason] += 1
                if len(examples[(cls, reason)]) < 3:
                    examples[(cls, reason)].append(f"{cap}: {detail}")
                if opt.verbose:
                    print(f"  {cap}: {cls}: {reason}: {detail}")
        if nonexact:
            per_cap_bad.append((nonexact, cap))

    both = (totals["exact"] + totals["count-diff"] + totals["split-equal"] +
            totals["split-diff"])
    agree = totals["exact"] + totals["split-equal"]
    pct = 100.0 * agree / both if both else 100.0
    print(f"nDPI cross-check: {totals['captures']} captures compared "
          f"({totals['captures_with_flows']} with TCP/UDP flows)")
    print(f"  flow keys in both tools      {both}")
    print(f"    exact packet counts         {totals['exact']}")
    print(f"    split, equal totals         {totals['split-equal']}")
    print(f"    one flow each, counts differ {totals['count-diff']}")
    print(f"    split, totals differ        {totals['split-diff']}")
    print(f"  only in nDPI                 {totals['only-ndpi']}")
    print(f"  only in portlabel            {totals['only-portlabel']}")
    print(f"  agreement                    {pct:.2f}% of keys in both "
          f"(threshold {opt.min_agreement:.2f}%)")
    for cls in ("count-diff", "split-equal", "split-diff", "only-ndpi", "only-portlabel"):
        if not reasons[cls]:
            continue
        print(f"  {cls} by reason:")
        for reason, n in reasons[cls].most_common():
            print(f"    {n:6d}  {reason}")
            for ex in examples[(cls, reason)][:2]:
                print(f"              e.g. {ex[:220]}")
    unexplained = sum(n for cls in reasons for r, n in reasons[cls].items()
                      if r in UNEXPLAINED or r.endswith("(counts)"))
    print(f"  unexplained differences      {unexplained}"
          + (f" (threshold {opt.max_unexplained})" if opt.max_unexplained >= 0 else ""))
    per_cap_bad.sort(reverse=True)
    if per_cap_bad:
        print("  captures with most non-exact keys: " +
              ", ".join(f"{c} ({n})" for n, c in per_cap_bad[:8]))
    if totals["crash"]:
        print(f"FAIL: portlabel crashed or failed unexpectedly on {totals['crash']} captures")
        return 1
    if 0 <= opt.max_unexplained < unexplained:
        print(f"FAIL: {unexplained} differences without a known reason (run with --verbose)")
        return 1
    if pct < opt.min_agreement:
        print(f"FAIL: agreement {pct:.2f}% below {opt.min_agreement:.2f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
