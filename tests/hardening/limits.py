#!/usr/bin/env python3
"""Hostile sizes (issue 6): lengths in capture headers, and registries that are huge.

  limits.py --portlabel BIN --workdir DIR --case lengths|registry|registry-endless [--no-rlimit]

lengths: a pcap whose file header claims a 2 GB or 4 GB snaplen reads normally (libpcap
         clamps it); a record claiming a 4 GB (or 262,145-byte) capture length is refused
         with one read-error line by libpcap (flows before it written, exit 1), and a record
         libpcap lets through above 262,144 bytes (USBPCAP) is refused alone by portlabel
         (bad_records); a 4 GB wire length is
         only a number; a pcapng packet claiming 4 GB likewise. Each run has its address space
         limited to 1 GiB (RLIMIT_AS) so that allocating the claimed length would fail, and
         its peak RSS must stay under 64 MB. --max-flows beyond the table's index limit
         (2^30) is a usage error.
registry: a 10 MB field (CSV quoted and unquoted, a 10 MB name, a services(5) line, XML), XML
         entity expansion (billion laughs) and an external entity, and
         a registry of 1,000,000 rows (CSV and XML): loaded, labels right, in bounded time
         and memory (30 s, 1 GB: measured about 6-9 s and 270-340 MB for the million rows).
registry-endless: -R /dev/zero (a registry that never ends) must be refused with one line
         before portlabel has read hundreds of MB (peak RSS under 256 MB, 1 GiB RLIMIT_AS)."""
import os
import resource
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REGISTRY_HEADER, Checker, parse_args, run_rss  # noqa: E402
import pcapgen as pg  # noqa: E402

a = parse_args([(("--case",), {"required": True,
                               "choices": ["lengths", "registry", "registry-endless"]}),
                (("--no-rlimit",), {"action": "store_true",
                                    "help": "sanitizer builds: no RLIMIT_AS (ASan maps TBs)"})])
c = Checker(a.case.replace("-", "_"))
W = a.workdir
AS_LIMIT = 1 << 30


def limited():
    if not a.no_rlimit:
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def pl(files, registry=None, extra=(), timeout=120):
    """Run portlabel -F json; Result with .rss_kb (this run's peak) and .secs."""
    argv = [a.portlabel, "-R", registry or a.registry, "-F", "json"]
    for f in files:
        argv += ["-r", f]
    return run_rss(argv + list(extra), timeout=timeout, preexec_fn=limited)


def write(name, data):
    p = os.path.join(W, name)
    with open(p, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return p


def one_error(r, name, why, label):
    lines = r.err_lines
    ok = (len(lines) == 1 and lines[0].startswith("portlabel: ") and lines[0].count(name) == 1
          and why.lower() in lines[0].lower())
    c.check("%s: one error line naming %s and '%s'" % (label, os.path.basename(name), why),
            ok, repr(lines[:5]))


FR = pg.syn_flows(4)
SRCS = ["10.0.0.%d" % i for i in range(4)]
T0 = 1700000000000000

if a.case == "lengths":
    rss_seen = []
    for snap in (0x80000000, 0xFFFFFFFF):
        f = write("snaplen-%x.pcap" % snap, pg.pcap(FR, snaplen=snap))
        r = pl([f])
        rss_seen.append(r.rss_kb)
        c.check("file header snaplen %#x: read normally (exit 0, 4 flows)" % snap,
                r.rc == 0 and [x["src"] for x in r.flows] == SRCS and r.err_lines == [],
                "rc=%r err=%r" % (r.rc, r.err_lines))
    for caplen, why in ((0xFFFFFFF0, "invalid packet capture length"),
                        (262145, "invalid packet capture length")):
        data = (pg.pcap_header(snaplen=0xFFFFFFFF) + pg.pcap_record(*FR[0])
                + pg.pcap_record(FR[1][0], FR[1][1] + b"\0" * 64, caplen=caplen,
                                 wirelen=caplen)
                + pg.pcap_record(*FR[2]))
        f = write("caplen-%d.pcap" % caplen, data)
        r = pl([f])
        rss_seen.append(r.rss_kb)
        c.check("record caplen %d: exit 1" % caplen, r.rc == 1, "rc=%r" % r.rc)
        one_error(r, f, why, "record caplen %d" % caplen)
        c.check("record caplen %d: the flow before it, then the summary" % caplen,
                [x["src"] for x in r.flows] == SRCS[:1] and r.summary is not None)
    big = pg.tcp4("10.9.9.9", "192.0.2.1", 5555, 80) + b"\0" * (262144 - 54)
    f = write("caplen-262144.pcap", pg.pcap_header() + pg.pcap_record(*FR[0])
              + pg.pcap_record(FR[1][0], big) + pg.pcap_record(*FR[2]))
    r = pl([f])
    rss_seen.append(r.rss_kb)
    c.check("record caplen 262144 (the cap itself): read, 3 flows, exit 0",
            r.rc == 0 and len(r.flows) == 3, "rc=%r err=%r" % (r.rc, r.err_lines))
    f = write("wirelen-4g.pcap", pg.pcap_header() + pg.pcap_record(*FR[0])
              + pg.pcap_record(FR[1][0], FR[1][1], wirelen=0xFFFFFFFF) + pg.pcap_record(*FR[2]))
    r = pl([f])
    rss_seen.append(r.rss_kb)
    fl = {x["src"]: x for x in r.flows}
    c.check("record wire length 4 GB: only a number (exit 0; bytes are the IP length, 40)",
            r.rc == 0 and fl.get("10.0.0.1", {}).get("bytes_fwd") == 40,
            "rc=%r %r" % (r.rc, fl.get("10.0.0.1")))
    body = struct.pack("<IIIII", 0, 0, 1, 0xFFFFFFF0, 0xFFFFFFF0) + FR[1][1]
    f = write("pcapng-caplen-4g.pcapng", pg.pcapng_shb() + pg.pcapng_idb(snaplen=0xFFFFFFFF)
              + pg.pcapng_epb(*FR[0]) + pg.pcapng_block(6, body) + pg.pcapng_epb(*FR[2]))
    r = pl([f])
    rss_seen.append(r.rss_kb)
    c.check("pcapng packet claiming 4 GB: exit 1", r.rc == 1, "rc=%r" % r.rc)
    one_error(r, f, "invalid packet capture length", "pcapng packet claiming 4 GB")
    c.check("pcapng packet claiming 4 GB: the flow before it, then the summary",
            [x["src"] for x in r.flows] == SRCS[:1] and r.summary is not None)
    # a link type libpcap allows records over 262,144 bytes for (USBPCAP, 249: up to 1 MB):
    # portlabel's own cap refuses the record alone, and reading goes on
    f = write("usbpcap-300000.pcap", pg.pcap_header(snaplen=0xFFFFFFFF, linktype=249)
              + pg.pcap_record(T0, b"\0" * 64) + pg.pcap_record(T0 + 1, b"\0" * 300000)
              + pg.pcap_record(T0 + 2, b"\0" * 64))
    r = pl([f])
    rss_seen.append(r.rss_kb)
    s = r.summary or {}
    c.check("a 300,000-byte record libpcap accepts: refused alone (bad_records 1, the other 2 "
            "read), exit 0", r.rc == 0 and s.get("bad_records") == 1
            and s.get("packets_total") == 3 and s.get("unsupported_link") == 2,
            "rc=%r %r err=%r" % (r.rc, s, r.err_lines[:2]))
    # --max-flows beyond what the table can index is a usage error, not a failed run
    f = write("four-flows.pcap", pg.pcap(FR))
    for v in ("1073741825", "4294967295", "99999999999", "0"):
        r = pl([f], extra=["--max-flows", v])
        c.check("--max-flows %s: usage error (exit 2) naming the option" % v,
                r.rc == 2 and r.out == b"" and any("--max-flows" in l for l in r.err_lines),
                "rc=%r err=%r" % (r.rc, r.err_lines[:2]))
    rss = max(rss_seen)
    print("measured: largest peak RSS of these runs %.1f MB" % (rss / 1024.0))
    c.check("no run's peak RSS reached 64 MB (nothing allocated for the claimed lengths)",
            rss < 64 * 1024, "%d KiB" % rss)

elif a.case == "registry":
    BIG = "x" * (10 * 1024 * 1024)
    flows = pg.pcap([(1700000000000000, pg.tcp4("10.0.0.1", "192.0.2.1", 40000, 80)),
                     (1700000000001000, pg.eth(pg.ipv4("10.0.0.1", "192.0.2.1", 17,
                                                       pg.udp(40001, 53))))])
    cap = write("two-flows.pcap", flows)

    def label_of(r, port):
        return next((x for x in r.flows if x["dport"] == port), {})

    cases = [
        ("field-10mb-quoted.csv", REGISTRY_HEADER + 'http,80,tcp,"' + BIG + '",,,,,,,,\r\n'
         "domain,53,udp,DNS,,,,,,,,\r\n", "description"),
        ("field-10mb-unquoted.csv", REGISTRY_HEADER + "http,80,tcp," + BIG + ",,,,,,,,\r\n"
         "domain,53,udp,DNS,,,,,,,,\r\n", "description"),
        ("name-10mb.csv", REGISTRY_HEADER + BIG + ",80,tcp,web,,,,,,,,\r\n"
         "domain,53,udp,DNS,,,,,,,,\r\n", "service"),
        ("alias-10mb.services", "http 80/tcp " + BIG + "\ndomain 53/udp\n", "aliases"),
        ("field-10mb.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<registry xmlns='
         '"http://www.iana.org/assignments" id="service-names-port-numbers">\n<record><name>'
         'http</name><protocol>tcp</protocol><number>80</number><description>' + BIG +
         '</description></record>\n<record><name>domain</name><protocol>udp</protocol>'
         '<number>53</number><description>DNS</description></record>\n</registry>\n',
         "description"),
    ]
    for name, text, field in cases:
        reg = write(name, text)
        r = pl([cap], registry=reg, timeout=60)
        http = label_of(r, 80)
        v = http.get(field)
        got = len(v[0]) if isinstance(v, list) and v else len(v or "")
        dns_ok = label_of(r, 53).get("service") == "domain"
        refused = r.rc == 1 and len(r.err_lines) == 1 and name in r.err_lines[0]
        handled = r.rc == 0 and got == len(BIG) and dns_ok
        print("measured: %s: rc %s, %.2f s, peak RSS %.1f MB" % (name, r.rc, r.secs,
                                                                r.rss_kb / 1024.0))
        c.check("%s: handled (the 10 MB %s comes out whole, other rows intact) or refused "
                "with one line" % (name, field), handled or refused,
                "rc=%r %s=%d err=%r" % (r.rc, field, got, r.err_lines[:3]))
        c.check("%s: within 20 s and 512 MB" % name, r.secs < 20 and r.rss_kb < 512 * 1024,
                "%.1f s %d KiB" % (r.secs, r.rss_kb))
    # XML entity tricks: exponential expansion ("billion laughs") and an external entity
    ents = ['<!ENTITY a0 "dosdosdosdosdosdos">'] + [
        '<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10) for i in range(1, 12)]
    xml_head = ('<registry xmlns="http://www.iana.org/assignments" '
                'id="service-names-port-numbers">\n<record><name>http</name><protocol>tcp'
                '</protocol><number>80</number><description>')
    xml_tail = ('</description></record>\n<record><name>domain</name><protocol>udp</protocol>'
                '<number>53</number><description>DNS</description></record>\n</registry>\n')
    reg = write("laughs.xml", '<?xml version="1.0"?>\n<!DOCTYPE registry [\n' + "\n".join(ents)
                + "\n]>\n" + xml_head + "&a11;" + xml_tail)
    r = pl([cap], registry=reg, timeout=60)
    print("measured: laughs.xml (10^11 expansion): rc %s, %.2f s, peak RSS %.1f MB, %r"
          % (r.rc, r.secs, r.rss_kb / 1024.0, r.err_lines[:1]))
    c.check("laughs.xml: refused with one line naming it (expat's amplification limit), or "
            "handled", (r.rc == 1 and len(r.err_lines) == 1 and "laughs.xml" in r.err_lines[0])
            or r.rc == 0, "rc=%r err=%r" % (r.rc, r.err_lines[:3]))
    c.check("laughs.xml: within 10 s and 256 MB", r.secs < 10 and r.rss_kb < 256 * 1024,
            "%.1f s %d KiB" % (r.secs, r.rss_kb))
    secret = write("secret.txt", "TOP-SECRET-TOKEN\n")
    reg = write("external-entity.xml", '<?xml version="1.0"?>\n<!DOCTYPE registry [\n'
                '<!ENTITY ext SYSTEM "file://%s">\n]>\n' % secret + xml_head + "&ext;"
                + xml_tail)
    r = pl([cap], registry=reg, timeout=60)
    c.check("external-entity.xml: the external file is never read into the output",
            r.rc in (0, 1) and b"TOP-SECRET" not in r.out and b"TOP-SECRET" not in r.err,
            "rc=%r" % r.rc)
    # a million rows, CSV and XML: row i is svc<i>, port i mod 65536, protocol by i div 65536
    protos = ("tcp", "udp", "sctp", "dccp")
    n = 1000000
    rows = ["svc%d,%d,%s,Service %d,,,,,,,,\r\n" % (i, i % 65536, protos[(i >> 16) % 4], i)
            for i in range(n)]
    csv_reg = write("million.csv", REGISTRY_HEADER + "".join(rows))
    recs = ["<record><name>svc%d</name><protocol>%s</protocol><number>%d</number>"
            "<description>Service %d</description></record>\n"
            % (i, protos[(i >> 16) % 4], i % 65536, i) for i in range(n)]
    xml_reg = write("million.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<registry xmlns='
                    '"http://www.iana.org/assignments" id="service-names-port-numbers">\n'
                    + "".join(recs) + "</registry>\n")
    del rows, recs
    for reg in (csv_reg, xml_reg):
        name = os.path.basename(reg)
        r = pl([cap], registry=reg, timeout=90)
        print("measured: %s (%d rows, %.0f MB): rc %s, %.2f s, peak RSS %.1f MB"
              % (name, n, os.path.getsize(reg) / 1e6, r.rc, r.secs, r.rss_kb / 1024.0))
        s = r.summary or {}
        # port 80/tcp: rows 80, 262224, 524368, 786512 -> first by precedence is svc80;
        # 53/udp: rows 65589, 327733, 589877, 851...: svc65589 first
        c.check("%s: loaded, rows = %d" % (name, n),
                r.rc == 0 and (s.get("registry") or {}).get("rows") == n,
                "rc=%r err=%r reg=%r" % (r.rc, r.err_lines[:3], s.get("registry")))
        c.check("%s: 80/tcp is svc80, 53/udp is svc65589" % name,
                label_of(r, 80).get("service") == "svc80"
                and label_of(r, 53).get("service") == "svc65589",
                "%r %r" % (label_of(r, 80).get("service"), label_of(r, 53).get("service")))
        c.check("%s: within 30 s and 1 GB" % name, r.secs < 30 and r.rss_kb < 1024 * 1024,
                "%.1f s %d KiB" % (r.secs, r.rss_kb))
        os.unlink(reg)

else:  # registry-endless
    cap = write("one-flow.pcap", pg.pcap(FR[:1]))
    r = pl([cap], registry="/dev/zero", timeout=60)
    print("measured: -R /dev/zero: rc %s, %.2f s, peak RSS %.1f MB, stderr %r"
          % (r.rc, r.secs, r.rss_kb / 1024.0, r.err_lines[:2]))
    c.check("-R /dev/zero: exit 1", r.rc == 1, "rc=%r" % r.rc)
    one_error(r, "/dev/zero", "", "-R /dev/zero")
    c.check("-R /dev/zero: refused before reading 256 MB (peak RSS %.0f MB)"
            % (r.rss_kb / 1024.0), r.rss_kb < 256 * 1024, "%d KiB" % r.rss_kb)

sys.exit(c.done())
