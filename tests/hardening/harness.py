"""Shared bits of the hardening tests: run portlabel, parse its JSON Lines, PASS/FAIL lines."""
import argparse
import json
import os
import subprocess
import sys
import time


class Checker:
    """Counts checks; each prints one PASS or FAIL line."""

    def __init__(self, name):
        self.name = name
        self.failed = 0
        self.passed = 0

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS %s: %s" % (self.name, what))
        else:
            self.failed += 1
            print("FAIL %s: %s%s" % (self.name, what, (" -- " + detail) if detail else ""))
        sys.stdout.flush()
        return ok

    def skip(self, what, why):
        print("SKIP %s: %s (%s)" % (self.name, what, why))

    def done(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        return 1 if self.failed else 0


def parse_args(extra=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--portlabel", required=True)
    ap.add_argument("--registry", help="default: a small clean CSV registry written here")
    ap.add_argument("--workdir", required=True)
    for args, kw in (extra or []):
        ap.add_argument(*args, **kw)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    if a.registry is None:
        a.registry = os.path.join(a.workdir, "registry.csv")
        with open(a.registry, "w", newline="") as f:
            f.write(REGISTRY_CSV)
    return a


REGISTRY_HEADER = ("Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
                   "Registration Date,Modification Date,Reference,Service Code,"
                   "Unauthorized Use Reported,Assignment Notes\r\n")
# A small registry without bad rows (so that standard error carries only what a test causes).
REGISTRY_CSV = REGISTRY_HEADER + (
    ",0,tcp,Reserved,,,,,,,,\r\n"
    "http,80,tcp,World Wide Web HTTP,,,,,,,,\r\n"
    "domain,53,udp,Domain Name Server,,,,,,,,\r\n"
    ",100,tcp,Unassigned,,,,,,,Known Unauthorized Use on 100,\r\n"
    "https,443,tcp,http protocol over TLS/SSL,,,,,,,,\r\n")


class Result:
    def __init__(self, rc, out, err, rss_kb=None, secs=None):
        self.rc = rc
        self.out = out
        self.err = err
        self.rss_kb = rss_kb
        self.secs = secs
        self.records = []
        self.bad_json = None
        for line in out.decode("utf-8", "replace").splitlines():
            if not line.strip():
                continue
            try:
                self.records.append(json.loads(line))
            except ValueError as e:
                self.bad_json = "%s: %r" % (e, line[:200])
                break

    @property
    def flows(self):
        return [r for r in self.records if r.get("type") == "flow"]

    @property
    def summary(self):
        if self.records and self.records[-1].get("type") == "summary":
            return self.records[-1]
        return None

    @property
    def err_lines(self):
        return [l for l in self.err.decode("utf-8", "replace").splitlines() if l.strip()]


def run(argv, stdin=None, input_bytes=None, timeout=120, **kw):
    """Run argv; returns Result with the child's peak RSS (ru_maxrss of this one child)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=stdin if input_bytes is None else subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    out, err = p.communicate(input_bytes, timeout=timeout)
    secs = time.monotonic() - t0
    return Result(p.returncode, out, err, None, secs)


def run_rss(argv, timeout=120, preexec_fn=None, stdin=None):
    """Run argv with its output in temporary files; reap it with wait4() so that .rss_kb is
    this one child's peak RSS (KiB). Killed after timeout seconds (rc then negative)."""
    import tempfile
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as tm:
        t0 = time.monotonic()
        argv, timed = timed_argv(argv, tm.name)
        p = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err, preexec_fn=preexec_fn)
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid != 0:
                break
            if time.monotonic() - t0 > timeout:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.02)
        p.returncode = os.waitstatus_to_exitcode(status)  # keeps Popen from reaping again
        secs = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        rss = timed_rss(tm.name) if timed else None
        return Result(p.returncode, out.read(), err.read(), rss or ru.ru_maxrss, secs)


TIME = "/usr/bin/time"


def timed_argv(argv, path):
    """Wrap argv in GNU time writing the peak RSS (KiB) to path, when GNU time is there.
    Why: a child forked from this Python process inherits Python's resident pages until it
    execs, and Linux keeps that high-water mark in ru_maxrss across exec. GNU time's own
    child starts from a tiny process, so %M is portlabel's own peak."""
    if os.access(TIME, os.X_OK):
        return [TIME, "-f", "%M", "-o", path] + list(argv), True
    return list(argv), False


def timed_rss(path):
    try:
        with open(path) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        return int(lines[-1])
    except (OSError, ValueError, IndexError):
        return None
