#!/usr/bin/env python3
"""Timestamps out of order (issue 6, hostile files): cost must stay about linear.

The flow table keeps its timer lists (lru by last_seen, act by first_seen) sorted by walking
back from the newest entry (src/flow/flow_table.c, lru_insert/act_insert). A flow whose first
packet is older than the flows already live is inserted after a walk over all of them, so a
capture whose timestamps jump around at random (a hostile file, or badly merged captures)
costs time quadratic in the live flows: measured 20,000 flows 6.8 s, 200,000 flows with
--max-flows 10000 71 s, against 0.3 s in order.

The test runs N flows with timestamps in order and the same N flows with random timestamps
within 100 s, and requires the disordered run to cost at most --max-ratio times the ordered
one, plus 0.5 s for noise.

  time_disorder.py --portlabel BIN --workdir DIR [--flows N] [--max-ratio R]"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checker, parse_args, run_rss  # noqa: E402
import pcapgen as pg  # noqa: E402

a = parse_args([(("--flows",), {"type": int, "default": 20000}),
                (("--max-ratio",), {"type": float, "default": 4.0})])
c = Checker("time_disorder")
T0 = 1700000000000000


def capture(disordered):
    rnd = random.Random(5)
    out = [pg.pcap_header()]
    for i in range(a.flows):
        src = "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
        ts = T0 + (rnd.randrange(0, 100000000) if disordered else i * (100000000 // a.flows))
        out.append(pg.pcap_record(ts, pg.tcp4(src, "192.0.2.1", 1024 + i % 60000, 80)))
    path = os.path.join(a.workdir, "%s.pcap" % ("disordered" if disordered else "ordered"))
    with open(path, "wb") as f:
        f.write(b"".join(out))
    return path


secs = {}
for disordered in (False, True):
    name = "disordered" if disordered else "ordered"
    r = run_rss([a.portlabel, "-R", a.registry, "-F", "csv", "-o", "/dev/null", "-r",
                 capture(disordered)], timeout=300)
    secs[name] = r.secs
    print("measured: %d flows, timestamps %s: rc %s, %.2f s" % (a.flows, name, r.rc, r.secs))
    c.check("%s: exit 0" % name, r.rc == 0, "rc=%r err=%r" % (r.rc, r.err_lines[:3]))
c.check("random timestamps cost at most %.0fx ordered ones (%.2f s vs %.2f s)"
        % (a.max_ratio, secs["disordered"], secs["ordered"]),
        secs["disordered"] <= a.max_ratio * secs["ordered"] + 0.5,
        "ratio %.1f" % (secs["disordered"] / max(secs["ordered"], 1e-3)))
sys.exit(c.done())
