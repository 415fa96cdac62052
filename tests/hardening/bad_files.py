#!/usr/bin/env python3
"""Bad input files (issue 6, SPEC §7): each gives one error line on standard error naming the
file and the reason, exit status 1, and every flow seen before the fault (then the summary).
Records refused one by one (capture length 0, or longer than the wire length) are counted as
bad_records and the run goes on (exit 0). All captures are generated here, in --workdir.

  bad_files.py --portlabel BIN --registry CSV --workdir DIR"""
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checker, parse_args, run  # noqa: E402
import pcapgen as pg  # noqa: E402

a = parse_args([(("--valgrind",), {"help": "valgrind binary: also check the read-error path "
                                              "for leaks (not for sanitizer builds)"})])
c = Checker("bad_files")
W = a.workdir
FRAMES = pg.syn_flows(5)                      # 5 flows, sources 10.0.0.0 .. 10.0.0.4
SRCS = ["10.0.0.%d" % i for i in range(5)]


def write(name, data):
    p = os.path.join(W, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def pl(*files, **kw):
    argv = [a.portlabel, "-R", a.registry, "-F", "json"]
    for f in files:
        argv += ["-r", f]
    return run(argv, **kw)


def one_error(r, name, why, label):
    """Exactly one error line on stderr, naming `name` once and saying `why`."""
    lines = r.err_lines
    ok = (len(lines) == 1 and lines[0].startswith("portlabel: ") and name in lines[0]
          and lines[0].count(name) == 1 and why.lower() in lines[0].lower())
    c.check("%s: one error line naming the file and '%s'" % (label, why), ok, repr(lines))


def flows_then_summary(r, srcs, label):
    ok = (r.bad_json is None and r.summary is not None
          and [f["src"] for f in r.flows] == srcs and len(r.records) == len(srcs) + 1)
    c.check("%s: %d flow(s) seen before the fault, then the summary" % (label, len(srcs)), ok,
            "records=%r bad_json=%r" % ([x.get("src", x.get("type")) for x in r.records],
                                        r.bad_json))


good = write("good.pcap", pg.pcap(FRAMES))

# --- empty file: alone (nothing to emit) and after a good file ---------------------------------
empty = write("empty.pcap", b"")
r = pl(empty)
c.check("empty file: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, empty, "empty (no pcap or pcapng header)", "empty file")
c.check("empty file alone: nothing on standard output", r.out == b"", repr(r.out[:200]))
r = pl(good, empty)
c.check("good + empty: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, empty, "empty (no pcap or pcapng header)", "good + empty")
flows_then_summary(r, SRCS, "good + empty")

# --- zero-length records: refused one by one, the run goes on ---------------------------------
data = (pg.pcap_header() + pg.pcap_record(*FRAMES[0])
        + pg.pcap_record(FRAMES[1][0], b"", caplen=0, wirelen=60)
        + pg.pcap_record(*FRAMES[2])
        + pg.pcap_record(FRAMES[3][0], b"", caplen=0, wirelen=0)
        + pg.pcap_record(*FRAMES[4]))
r = pl(write("zero-len.pcap", data))
c.check("zero-length records: exit 0, no error line", r.rc == 0 and r.err_lines == [],
        "rc=%d err=%r" % (r.rc, r.err_lines))
s = r.summary or {}
c.check("zero-length records: bad_records 2, packets_total 5, 3 flows",
        s.get("bad_records") == 2 and s.get("packets_total") == 5 and len(r.flows) == 3,
        repr(s))

# --- a record whose capture length exceeds its wire length: refused, run goes on ----------------
data = (pg.pcap_header() + pg.pcap_record(*FRAMES[0])
        + pg.pcap_record(FRAMES[1][0], FRAMES[1][1], wirelen=len(FRAMES[1][1]) - 10)
        + b"".join(pg.pcap_record(*f) for f in FRAMES[2:]))
r = pl(write("caplen-gt-len.pcap", data))
s = r.summary or {}
c.check("caplen > wire length: exit 0, bad_records 1, the 4 other flows",
        r.rc == 0 and s.get("bad_records") == 1 and len(r.flows) == 4 and r.err_lines == [],
        "rc=%d %r %r" % (r.rc, s, r.err_lines))

# --- truncated last record ---------------------------------------------------------------------
full = pg.pcap(FRAMES)
trunc = write("trunc.pcap", full[:-20])
r = pl(trunc)
c.check("truncated last record: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, trunc, "truncated", "truncated last record")
flows_then_summary(r, SRCS[:4], "truncated last record")
if a.valgrind:
    # every capture is closed on the read-error path too (it leaked the first file's handle)
    r = run([a.valgrind, "--quiet", "--error-exitcode=99", "--leak-check=full",
             "--errors-for-leak-kinds=definite,indirect", a.portlabel, "-R", a.registry,
             "-F", "json", "-r", trunc], timeout=120)
    c.check("truncated last record under valgrind: exit 1, no leak, no error",
            r.rc == 1 and len(r.err_lines) == 1, "rc=%d %r" % (r.rc, r.err_lines[:12]))
    r = run([a.valgrind, "--quiet", "--error-exitcode=99", "--leak-check=full",
             "--errors-for-leak-kinds=definite,indirect", a.portlabel, "-R", a.registry,
             "-F", "json", "-r", good, "-r", trunc], timeout=120)
    c.check("good + truncated under valgrind: exit 1, no leak, no error",
            r.rc == 1 and len(r.err_lines) == 1, "rc=%d %r" % (r.rc, r.err_lines[:12]))
else:
    c.skip("read-error path under valgrind", "no --valgrind (a sanitizer build checks it)")
trunc_hdr = write("trunc-hdr.pcap", full[:24 + 2 * (16 + 54) + 7])  # cut inside a record header
r = pl(trunc_hdr)
c.check("record header cut short: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, trunc_hdr, "truncated", "record header cut short")
flows_then_summary(r, SRCS[:2], "record header cut short")

# --- pcapng: an unknown block type is skipped (libpcap ignores it), flows still read -------------
unk = pg.pcapng_block(0x0BADB10C, b"not a block portlabel knows")
ng = write("unknown-block.pcapng", pg.pcapng(FRAMES, {0: unk, 2: unk}))
r = pl(ng)
c.check("pcapng with unknown blocks: exit 0, no error line", r.rc == 0 and r.err_lines == [],
        "rc=%d err=%r" % (r.rc, r.err_lines))
flows_then_summary(r, SRCS, "pcapng with unknown blocks")
# a block claiming 4 GB: refused as a read error, not allocated
ng_body = pg.pcapng(FRAMES[:2])
import struct  # noqa: E402
huge = struct.pack("<II", 0x0BADB10C, 0xFFFFFFF0) + b"\0" * 32
ngh = write("huge-block.pcapng", ng_body + huge)
r = pl(ngh)
c.check("pcapng block claiming 4 GB: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, ngh, "block", "pcapng block claiming 4 GB")
flows_then_summary(r, SRCS[:2], "pcapng block claiming 4 GB")
ngt = write("trunc.pcapng", pg.pcapng(FRAMES)[:-30])
r = pl(ngt)
c.check("pcapng cut in its last block: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, ngt, "truncated", "pcapng cut in its last block")
flows_then_summary(r, SRCS[:4], "pcapng cut in its last block")

# pcapng structure errors libpcap refuses mid-file: a packet on an interface never described,
# a second interface of another link type. A second section is read on.
F4 = FRAMES[:4]
bad_if = write("undescribed-interface.pcapng", pg.pcapng_shb() + pg.pcapng_idb()
               + pg.pcapng_epb(*F4[0]) + pg.pcapng_epb(F4[1][0], F4[1][1], iface=5)
               + pg.pcapng_epb(*F4[2]))
r = pl(bad_if)
c.check("pcapng packet on an undescribed interface: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, bad_if, "interface", "pcapng packet on an undescribed interface")
flows_then_summary(r, SRCS[:1], "pcapng packet on an undescribed interface")
two_link = write("two-linktypes.pcapng", pg.pcapng_shb() + pg.pcapng_idb() + pg.pcapng_epb(*F4[0])
                 + pg.pcapng_idb(linktype=101) + pg.pcapng_epb(*F4[2]))
r = pl(two_link)
c.check("pcapng with a second link type: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, two_link, "different from the type", "pcapng with a second link type")
flows_then_summary(r, SRCS[:1], "pcapng with a second link type")
two_sec = write("two-sections.pcapng", pg.pcapng_shb() + pg.pcapng_idb() + pg.pcapng_epb(*F4[0])
                + pg.pcapng_shb() + pg.pcapng_idb() + pg.pcapng_epb(*F4[2]))
r = pl(two_sec)
c.check("pcapng with two sections: exit 0, both read", r.rc == 0 and r.err_lines == []
        and [f["src"] for f in r.flows] == [SRCS[0], SRCS[2]],
        "rc=%d err=%r" % (r.rc, r.err_lines))

# --- not a capture -----------------------------------------------------------------------------
txt = write("notes.txt", b"These are meeting notes, not a capture.\n" * 10)
r = pl(txt)
c.check("text file: exit 1, nothing on standard output", r.rc == 1 and r.out == b"",
        "rc=%d" % r.rc)
one_error(r, txt, "unknown file format", "text file")
r = pl(good, txt)
c.check("good + text file: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, txt, "unknown file format", "good + text file")
flows_then_summary(r, SRCS, "good + text file")

# --- a directory -------------------------------------------------------------------------------
d = os.path.join(W, "a-directory")
os.makedirs(d, exist_ok=True)
r = pl(d)
c.check("directory: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, d, "is a directory", "directory")
r = pl(good, d)
c.check("good + directory: exit 1", r.rc == 1, "rc=%d" % r.rc)
flows_then_summary(r, SRCS, "good + directory")

# --- a missing file: named once (libpcap's own message starts with the path too) ----------------
missing = os.path.join(W, "no-such-file.pcap")
r = pl(missing)
c.check("missing file: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, missing, "no such file", "missing file")

# --- a FIFO: a capture through it works; closed without data is an error -------------------------
fifo = os.path.join(W, "capture.fifo")
if os.path.exists(fifo):
    os.unlink(fifo)
os.mkfifo(fifo)


def feed(data):
    with open(fifo, "wb") as f:   # blocks until portlabel opens the FIFO for reading
        f.write(data)


t = threading.Thread(target=feed, args=(full,))
t.start()
r = pl(fifo, timeout=30)
t.join()
c.check("FIFO carrying a pcap: exit 0, every flow", r.rc == 0 and len(r.flows) == 5
        and r.err_lines == [], "rc=%d flows=%d err=%r" % (r.rc, len(r.flows), r.err_lines))
t = threading.Thread(target=feed, args=(b"",))
t.start()
r = pl(fifo, timeout=30)
t.join()
c.check("FIFO closed without data: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, fifo, "empty (no pcap or pcapng header)", "FIFO closed without data")
t = threading.Thread(target=feed, args=(full[:-20],))
t.start()
r = pl(fifo, timeout=30)
t.join()
c.check("FIFO closed mid-record: exit 1", r.rc == 1, "rc=%d" % r.rc)
flows_then_summary(r, SRCS[:4], "FIFO closed mid-record")
os.unlink(fifo)

# --- an unreadable file ------------------------------------------------------------------------
if os.geteuid() != 0:
    unr = write("unreadable.pcap", full)
    os.chmod(unr, 0)
    r = pl(unr)
    c.check("unreadable file: exit 1", r.rc == 1, "rc=%d" % r.rc)
    one_error(r, unr, "permission denied", "unreadable file")
    os.chmod(unr, 0o600)
else:
    # root reads a mode-000 file anyway: run portlabel as `nobody` on a file in a
    # world-searchable temporary directory instead (skipped without runuser or nobody).
    runuser = shutil.which("runuser")
    tmp = tempfile.mkdtemp(prefix="pl-unreadable-")
    try:
        os.chmod(tmp, 0o755)
        unr = os.path.join(tmp, "unreadable.pcap")
        with open(unr, "wb") as f:
            f.write(full)
        os.chmod(unr, 0)
        probe = subprocess.run([runuser, "-u", "nobody", "--", a.portlabel, "--version"],
                               capture_output=True) if runuser else None
        if probe is None or probe.returncode != 0:
            c.skip("unreadable file", "running as root and cannot run portlabel as nobody "
                   "(runuser missing or the binary is not reachable for nobody)")
        else:
            r = run([runuser, "-u", "nobody", "--", a.portlabel, "-R", a.registry, "-F", "json",
                     "-r", unr])
            c.check("unreadable file (as nobody): exit 1", r.rc == 1, "rc=%d" % r.rc)
            one_error(r, unr, "permission denied", "unreadable file (as nobody)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

# --- standard input ----------------------------------------------------------------------------
r = pl("-", input_bytes=full)
c.check("-r - with a whole pcap: exit 0, every flow, no error line",
        r.rc == 0 and len(r.flows) == 5 and r.summary is not None and r.err_lines == [],
        "rc=%d err=%r" % (r.rc, r.err_lines))
cut = 24 + 2 * (16 + 54) + 30       # inside the third record
p = subprocess.run("head -c %d '%s' | '%s' -R '%s' -F json -r -" % (cut, good, a.portlabel,
                                                                    a.registry),
                   shell=True, capture_output=True)
from harness import Result  # noqa: E402
r = Result(p.returncode, p.stdout, p.stderr)
c.check("head -c N | portlabel -r -: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, "standard input", "truncated", "standard input closed early")
flows_then_summary(r, SRCS[:2], "standard input closed early")
r = pl("-", input_bytes=b"")
c.check("-r - with nothing on standard input: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, "standard input", "empty (no pcap or pcapng header)", "empty standard input")
r = pl("-", stdin=subprocess.DEVNULL)
c.check("-r - from /dev/null: exit 1", r.rc == 1, "rc=%d" % r.rc)
p = subprocess.run([a.portlabel, "-R", a.registry, "-F", "json", "-r", "-"],
                   stdin=subprocess.DEVNULL, capture_output=True, close_fds=True,
                   preexec_fn=lambda: os.close(0))
r = Result(p.returncode, p.stdout, p.stderr)
c.check("-r - with standard input closed: exit 1", r.rc == 1, "rc=%d" % r.rc)
one_error(r, "standard input", "", "standard input closed")

sys.exit(c.done())
