#!/usr/bin/env python3
"""Bounded resources under hostile traffic (issue 6). The traffic comes from pl_flood (C) or
pcapgen.py and is streamed into `portlabel -r -` through a pipe: no capture file is written.

  floods.py --portlabel BIN --flood PL_FLOOD --workdir DIR --case flows|lru|frags
            [--flows N] [--max-flows M] [--rss-mb MB]

flows: N (default 5,000,000) distinct TCP SYN flows with --max-flows M (default 100,000).
       flows_evicted must be N - M, every flow must be emitted once, and portlabel's peak RSS
       must stay under --rss-mb (default 128). Why 128 MB: M live flows at well under 1 KiB
       each, the fragment table (65,536 entries) and the registry need a few tens of MB
       (measured: about 31 MB); keeping all N flows instead would need at least
       N x 100 bytes = 500 MB, so a table that is not bounded cannot pass.
lru:   1,000 flows, --max-flows 100, earlier flows touched again at random: the flows emitted
       as `evicted` must be exactly those a reference LRU model evicts, in the model's order,
       with non-decreasing last_seen.
frags: 1,000,000 fragments: 500,000 IPv6 first fragments of one flow, each with a new
       identification, and 500,000 IPv4 later fragments with random identifications and
       addresses, within 20 s (all inside the 30 s window). The fragment table keeps
       65,536 entries: frags_dropped = 500,000 - 65,536, fragment_unattributed = 500,000,
       and RSS stays under --rss-mb."""
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checker, parse_args, run, timed_argv, timed_rss  # noqa: E402
import pcapgen as pg  # noqa: E402

a = parse_args([(("--flood",), {"required": True}),
                (("--case",), {"required": True, "choices": ["flows", "lru", "frags"]}),
                (("--flows",), {"type": int, "default": 5000000}),
                (("--max-flows",), {"type": int, "default": 100000}),
                (("--rss-mb",), {"type": int, "default": 128})])
c = Checker("flood_" + a.case)
FRAG_TABLE = 65536   # PL_FRAG_MAX_DEFAULT (include/portlabel/flow.h)


def stream(gen_argv, pl_args):
    """gen | portlabel -F json -r - ...: returns (rc, stderr, peak RSS KiB, seconds,
    number of lines, number of evicted records, last line)."""
    t0 = time.monotonic()
    tm = tempfile.NamedTemporaryFile(mode="r")
    gen = subprocess.Popen(gen_argv, stdout=subprocess.PIPE)
    argv, timed = timed_argv([a.portlabel, "-R", a.registry, "-F", "json", "-r", "-"]
                             + pl_args, tm.name)
    pl = subprocess.Popen(argv, stdin=gen.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    gen.stdout.close()
    lines = evicted = 0
    tail = b""
    needle = b'"end_reason":"evicted"}\n'
    while True:
        chunk = pl.stdout.read(1 << 20)
        if not chunk:
            break
        buf = tail + chunk
        lines += chunk.count(b"\n")
        evicted += buf.count(needle) - tail.count(needle)
        tail = buf[-4096:]
    err = pl.stderr.read()
    _, status, ru = os.wait4(pl.pid, 0)
    pl.returncode = os.waitstatus_to_exitcode(status)
    gen.wait()
    last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    rss = (timed_rss(tm.name) if timed else None) or ru.ru_maxrss
    tm.close()
    return pl.returncode, err, rss, time.monotonic() - t0, lines, evicted, last


if a.case == "flows":
    n, m = a.flows, a.max_flows
    rc, err, rss, secs, lines, evicted, last = stream([a.flood, "syn", str(n), "7"],
                                                       ["--max-flows", str(m)])
    print("measured: %d flows, --max-flows %d: peak RSS %.1f MB, %.1f s" %
          (n, m, rss / 1024.0, secs))
    c.check("exit 0, no error line", rc == 0 and err.strip() == b"", "rc=%d err=%r" % (rc, err))
    s = json.loads(last) if last.startswith(b"{") else {}
    c.check("summary: packets_total %d, flows_total %d" % (n, n),
            s.get("type") == "summary" and s.get("packets_total") == n
            and s.get("flows_total") == n, repr(s))
    c.check("summary: flows_evicted = %d - %d = %d" % (n, m, n - m),
            s.get("flows_evicted") == n - m, "flows_evicted=%r" % s.get("flows_evicted"))
    c.check("%d flow records written, %d of them evicted" % (n, n - m),
            lines == n + 1 and evicted == n - m, "lines=%d evicted=%d" % (lines, evicted))
    c.check("peak RSS %.1f MB < %d MB" % (rss / 1024.0, a.rss_mb), rss < a.rss_mb * 1024,
            "%d KiB" % rss)

elif a.case == "frags":
    n = 1000000
    rc, err, rss, secs, lines, evicted, last = stream([a.flood, "frag", str(n), "11"], [])
    print("measured: %d fragments: peak RSS %.1f MB, %.1f s" % (n, rss / 1024.0, secs))
    s = json.loads(last) if last.startswith(b"{") else {}
    c.check("exit 0, no error line", rc == 0 and err.strip() == b"", "rc=%d err=%r" % (rc, err))
    c.check("frags_dropped = %d - %d" % (n // 2, FRAG_TABLE),
            s.get("frags_dropped") == n // 2 - FRAG_TABLE, repr(s))
    c.check("fragment_unattributed = %d (later fragments matching nothing)" % (n // 2),
            s.get("fragment_unattributed") == n // 2, repr(s))
    c.check("the first fragments make one flow of %d packets" % (n // 2),
            s.get("flows_total") == 1 and s.get("packets_in_flows") == n // 2, repr(s))
    c.check("peak RSS %.1f MB < %d MB" % (rss / 1024.0, a.rss_mb), rss < a.rss_mb * 1024,
            "%d KiB" % rss)

else:  # lru
    rnd = random.Random(6)
    n, m = 1000, 100
    t = 1700000000000000
    frames = []
    keys = []                       # (src, sport) of flow i; dst 192.0.2.1:80
    live = {}                       # model: key -> last_seen, for live flows
    first = {}                      # model: key -> first_seen of the live record
    order = []                      # model: evicted records (src, first_seen, last_seen)

    def model_packet(key, ts):
        if key in live:
            live[key] = ts
            return
        if len(live) == m:
            victim = min(live, key=lambda k: (live[k], first[k]))
            order.append((victim[0], first[victim], live[victim]))
            del live[victim]
        live[key] = ts
        first[key] = ts

    for i in range(n):
        src = "10.1.%d.%d" % (i >> 8, i & 255)
        keys.append((src, 2000 + i))
        t += 1000
        frames.append((t, pg.tcp4(src, "192.0.2.1", 2000 + i, 80, 0x02)))
        model_packet(keys[-1], t)
        if i >= 10 and rnd.random() < 0.6:       # the server answers an earlier flow
            j = rnd.randrange(max(0, i - 150), i)
            t += 1000
            src, sport = keys[j]
            frames.append((t, pg.eth(pg.ipv4("192.0.2.1", src, 6,
                                              pg.tcp(80, sport, 0x12)))))
            model_packet(keys[j], t)
    r = run([a.portlabel, "-R", a.registry, "-F", "json", "-r", "-", "--max-flows", str(m)],
            input_bytes=pg.pcap(frames))
    c.check("exit 0", r.rc == 0, "rc=%d err=%r" % (r.rc, r.err_lines))
    got = [(f["src"], round(f["first_seen"] * 1e6), round(f["last_seen"] * 1e6))
           for f in r.flows if f["end_reason"] == "evicted"]
    print("measured: %d packets, %d evictions expected, %d flow records evicted"
          % (len(frames), len(order), len(got)))
    c.check("flows_evicted = %d (the model's count)" % len(order),
            (r.summary or {}).get("flows_evicted") == len(order), repr(r.summary))
    c.check("evicted records are the model's LRU victims, in the model's order", got == order,
            "first difference at %s" % next((k for k, (x, y) in enumerate(zip(got, order))
                                            if x != y), min(len(got), len(order))))
    c.check("evicted records come out with non-decreasing last_seen",
            all(got[k][2] <= got[k + 1][2] for k in range(len(got) - 1)))
    c.check("the model does evict out of creation order (the test can tell LRU from FIFO)",
            [x[1] for x in order] != sorted(x[1] for x in order))

sys.exit(c.done())
