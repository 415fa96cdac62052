#!/usr/bin/env python3
"""Live-capture tests for portlabel (issue 4): real traffic over a veth pair between two
network namespaces made for this run, captured with `portlabel -i`.

  live_test.py PORTLABEL REGISTRY TAG [CHECK-NAME-SUBSTRING...]

Needs root, iproute2 (`ip netns`), python3 (standard library only); curl when installed.
Everything lives in two namespaces named after TAG (unique per run) and is removed at the
end, failed checks included. Addresses: 10.203.0.0/24, 10.203.1.0/24, fd00:203::/64 only.
Prints one PASS/FAIL line per check and "N passed, M failed"; exits 1 on any failure.
"""
import fcntl
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import peer  # noqa: E402  (frame builders: expected byte counts)

PY = sys.executable
C4, S4 = "10.203.0.1", "10.203.0.2"
C6, S6 = "fd00:203::1", "fd00:203::2"
D4C, D4S = "10.203.1.1", "10.203.1.2"  # second pair, taken down mid-capture

MAC_C, MAC_S = "02:20:03:00:00:01", "02:20:03:00:00:02"
UNASSIGNED_CANDIDATES = [5930, 5931, 5932, 5916, 4]


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


def run(argv, timeout=15, check_rc=True):
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, text=True)
    if check_rc and r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(argv), r.returncode, r.stderr.strip()))
    return r


class Net:
    """Two namespaces joined by two veth pairs; every process started in them."""

    def __init__(self, tag):
        self.tag = tag
        self.ns_c = "pl-live-%s-c" % tag
        self.ns_s = "pl-live-%s-s" % tag
        self.if_c = "plc%s" % tag      # capture side (client)
        self.if_s = "pls%s" % tag      # server side
        self.if_dc = "pld%s" % tag     # second pair: goes down mid-capture
        self.if_ds = "ple%s" % tag

        self.procs = []

    def ip(self, *args):
        return run(["ip"] + list(args))

    def setup(self):
        self.ip("netns", "add", self.ns_c)
        self.ip("netns", "add", self.ns_s)
        self.ip("link", "add", self.if_c, "netns", self.ns_c, "address", MAC_C, "type", "veth",
                "peer", "name", self.if_s, "netns", self.ns_s, "address", MAC_S)
        self.ip("link", "add", self.if_dc, "netns", self.ns_c, "type", "veth",
                "peer", "name", self.if_ds, "netns", self.ns_s)
        for ns, ifn, a4, a6 in ((self.ns_c, self.if_c, C4, C6), (self.ns_s, self.if_s, S4, S6)):
            self.ip("-n", ns, "addr", "add", a4 + "/24", "dev", ifn)
            self.ip("-n", ns, "addr", "add", a6 + "/64", "dev", ifn, "nodad")
            self.ip("-n", ns, "link", "set", ifn, "up")
            self.ip("-n", ns, "link", "set", "lo", "up")
        self.ip("-n", self.ns_c, "addr", "add", D4C + "/24", "dev", self.if_dc)
        self.ip("-n", self.ns_s, "addr", "add", D4S + "/24", "dev", self.if_ds)
        self.ip("-n", self.ns_c, "link", "set", self.if_dc, "up")

        self.ip("-n", self.ns_s, "link", "set", self.if_ds, "up")
        # Static neighbours: no ARP / ND exchange delays the first packet of a check.
        self.ip("-n", self.ns_c, "neigh", "replace", S4, "lladdr", MAC_S, "dev", self.if_c)
        self.ip("-n", self.ns_s, "neigh", "replace", C4, "lladdr", MAC_C, "dev", self.if_s)
        self.ip("-n", self.ns_c, "neigh", "replace", S6, "lladdr", MAC_S, "dev", self.if_c)
        self.ip("-n", self.ns_s, "neigh", "replace", C6, "lladdr", MAC_C, "dev", self.if_s)

    def popen(self, ns, argv, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(["ip", "netns", "exec", ns] + [str(a) for a in argv], **kw)
        self.procs.append(p)
        return p

    def exec(self, ns, argv, timeout=20):
        return run(["ip", "netns", "exec", ns] + argv, timeout=timeout)

    def peer(self, ns, *args, timeout=20):
        return self.exec(ns, [PY, os.path.join(HERE, "peer.py")] + [str(a) for a in args],
                         timeout=timeout)

    def server(self, ns, *args):
        p = self.popen(ns, [PY, os.path.join(HERE, "peer.py")] + [str(a) for a in args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError("server %s did not start: %s" % (args, p.stderr.read()))
        return p

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    p.kill()
                except OSError:
                    pass
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        for ns in (self.ns_c, self.ns_s):
            r = run(["ip", "netns", "pids", ns], check_rc=False)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
            run(["ip", "netns", "del", ns], check_rc=False)


class Portlabel:
    """A running `portlabel` in a namespace; standard output and error read line by line as
    they come (time-stamped), unless read_stdout is False (then nobody reads its stdout)."""

    def __init__(self, net, args, ns=None, stderr_tty=False, read_stdout=True,
                 pipe_size=None, stdout_tty=False, prefix=(), exe=None):
        self.net = net
        self.t0 = time.monotonic()
        self.out = []  # (wall-clock time read, line)
        self.err = []
        self.tty_master = None
        self.lock = threading.Lock()
        err_target = subprocess.PIPE
        if stderr_tty:
            self.tty_master, slave = pty.openpty()
            err_target = slave
        self.p = net.popen(ns or net.ns_c, list(prefix) + [exe or BIN] + args,
                           stdout=err_target if stdout_tty else subprocess.PIPE,
                           stderr=err_target)
        STARTED.append(self)
        if stderr_tty:
            os.close(slave)
        if pipe_size is not None:
            fcntl.fcntl(self.p.stdout.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), pipe_size)
        self.threads = []
        if read_stdout and not stdout_tty:
            self._reader(self.p.stdout, self.out)
        if stderr_tty:
            self._reader(os.fdopen(self.tty_master, "rb", buffering=0), self.err, raw=True)
        else:
            self._reader(self.p.stderr, self.err)

    def _reader(self, f, sink, raw=False):
        def loop():
            try:
                if raw:
                    while True:
                        b = f.read(4096)
                        if not b:
                            break
                        with self.lock:
                            sink.append((time.time(), b.decode("utf-8", "replace")))
                else:
                    for line in iter(f.readline, b""):
                        with self.lock:
                            sink.append((time.time(), line.decode("utf-8", "replace")))
            except OSError:  # pty closed (EIO)
                pass
        t = threading.Thread(target=loop, daemon=True)
        t.start()
        self.threads.append(t)

    def start_reading(self):
        """Start reading standard output (for read_stdout=False)."""
        self._reader(self.p.stdout, self.out)

    @property
    def pid(self):
        return self.p.pid

    def alive(self):
        return self.p.poll() is None

    def stderr_text(self):
        with self.lock:
            return "".join(line for _, line in self.err)

    def stderr_lines(self):
        return [l for l in self.stderr_text().splitlines() if l.strip()]

    def records(self):
        with self.lock:
            lines = list(self.out)
        recs = []
        for t, line in lines:
            line = line.strip()
            if not line:
                continue
            try:
                recs.append((t, json.loads(line)))
            except ValueError:
                recs.append((t, {"type": "unparsable", "line": line}))
        return recs

    def flows(self):
        return [r for _, r in self.records() if r.get("type") == "flow"]

    def summary(self):
        s = [r for _, r in self.records() if r.get("type") == "summary"]
        return s[-1] if s else None

    def wait_for(self, pred, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if pred():
                return
            time.sleep(0.05)
        if pred():
            return
        raise Fail("timed out after %.1fs waiting for %s" % (timeout, what))

    def wait_started(self, timeout=5.0):
        """Until the capture is open: the root warning (printed once the capture is open),
        or a short grace period when it is not expected (-Z)."""
        try:
            self.wait_for(lambda: "running as root" in self.stderr_text() or not self.alive(),
                          timeout, "the capture to open")
        except Fail:
            pass
        time.sleep(0.2)
        check(self.alive(), "portlabel exited early (rc %s): %s"
              % (self.p.returncode, self.stderr_text().strip()))

    def signal(self, sig):
        self.p.send_signal(sig)

    def finish(self, timeout=8.0):
        """Wait for exit; returns the exit code (None when it did not exit)."""
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        for t in self.threads:
            t.join(timeout=2)
        return rc

    def stop(self, timeout=8.0):
        if self.alive():
            self.signal(signal.SIGINT)
        rc = self.finish(timeout)
        if rc is None:
            self.p.kill()
            self.p.wait()
        return rc


def read_status(pid, into):
    """Fill `into` with /proc/PID/status (field name -> its words); False once the process
    has gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                into[k] = v.split()
    except OSError:
        return False
    return True


def render_terminal(text):
    """The screen lines a terminal shows for text: CR, LF and ESC [ K (erase to the end of
    the line) applied; other escape sequences dropped."""
    lines, row, col = [[]], 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if text.startswith("\x1b[K", i):
            del lines[row][col:]
            i += 3
            continue
        if ch == "\x1b":
            m = re.match(r"\x1b\[[0-9;?]*[A-Za-z]", text[i:])
            i += len(m.group(0)) if m else 1
            continue
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
            col = 0
            if row == len(lines):
                lines.append([])
        else:
            line = lines[row]
            if col < len(line):
                line[col] = ch
            else:
                line.extend(" " * (col - len(line)))
                line.append(ch)
            col += 1
        i += 1
    return ["".join(l) for l in lines]


def find_flow(flows, **want):
    for f in flows:
        if all(f.get(k) == v for k, v in want.items()):
            return f
    return None


def expect_fields(f, what, **want):
    check(f is not None, "no flow for %s" % what)
    bad = ["%s=%r (want %r)" % (k, f.get(k), v) for k, v in want.items() if f.get(k) != v]
    check(not bad, "%s: %s" % (what, ", ".join(bad)))


def describe(flows):
    return "; ".join("%s %s:%s>%s:%s %s %s" % (f.get("proto"), f.get("src"), f.get("sport"),
                                               f.get("dst"), f.get("dport"), f.get("service"),
                                               f.get("end_reason")) for f in flows)


# --- checks -----------------------------------------------------------------------------------

class Suite:
    def __init__(self, net, registry, only):
        self.net = net
        self.reg = registry
        self.only = only
        self.passed = 0
        self.failed = 0
        self.unassigned_port = None
        self.main_run = None   # flows of the big traffic check, shared by several checks
        self.main_flows = []
        self.main_summary = None

    def case(self, name, fn):
        if self.only and not any(o in name for o in self.only):
            return
        t = time.monotonic()
        del STARTED[:]
        try:
            fn()
            for pl in STARTED:
                if pl.alive():
                    pl.stop()
                text = pl.stderr_text()
                check(not re.search(r"runtime error:|Sanitizer", text),
                      "sanitizer report: %s" % text[-2000:])
        except Fail as e:
            self.failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
            return
        except Exception as e:  # a harness problem is a failure too
            self.failed += 1
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
            traceback.print_exc(file=sys.stdout)
            return
        self.passed += 1
        print("PASS %s (%.1fs)" % (name, time.monotonic() - t), flush=True)

    def pl(self, *args, **kw):
        return Portlabel(self.net, ["-R", self.reg] + list(args), **kw)

    # -- registry sanity: the ports the checks rely on say what the checks expect
    def pick_unassigned(self):
        for port in UNASSIGNED_CANDIDATES:
            r = run([BIN, "lookup", "-R", self.reg, "-F", "json", "%d/tcp" % port], check_rc=False)
            if r.returncode == 0 and '"unassigned"' in r.stdout:
                self.unassigned_port = port
                return
        raise Fail("none of %s is Unassigned for tcp in %s" % (UNASSIGNED_CANDIDATES, self.reg))

    # -- the big one: real servers and clients, SCTP/DCCP injection, idle expiry while running
    def traffic(self):
        net = self.net
        if self.unassigned_port is None:
            self.pick_unassigned()
        up = self.unassigned_port
        www = tempfile.mkdtemp(prefix="pl-live-www-")
        with open(os.path.join(www, "index.html"), "w") as f:
            f.write("<html><body>portlabel live test</body></html>\n")
        net.popen(net.ns_s, [PY, "-m", "http.server", "80", "--bind", S4, "--directory", www],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        net.popen(net.ns_s, [PY, "-m", "http.server", "8080", "--bind", S6, "--directory", www],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        net.server(net.ns_s, "udp-responder", S4, 53)
        net.server(net.ns_s, "udp-responder", S6, 123)
        net.server(net.ns_s, "tcp-server", S4, up)
        self.wait_http(S4, 80)
        self.wait_http("[%s]" % S6, 8080)
        time.sleep(0.3)  # the readiness probes' flows are over before the capture starts

        pl = self.pl("-i", net.if_c, "-F", "json", "--idle-timeout", "2")
        pl.wait_started()
        self.http_get(S4, 80, 45080)
        self.http_get("[%s]" % S6, 8080, 45081)
        net.peer(net.ns_c, "udp-client", C4, 50053, S4, 53, 2)
        net.peer(net.ns_c, "udp-client", C6, 50123, S6, 123, 3)
        net.peer(net.ns_c, "tcp-client", C4, 45930, S4, up)
        net.peer(net.ns_c, "udp-client", C4, 50435, S4, 33435, 1)
        net.peer(net.ns_c, "tcp-client", C4, 45100, S4, 100)  # nobody listens: RST
        for sc in ("sctp-diameter", "sctp-m3ua-initack-first", "dccp-rtp",
                   "dccp-discard-midstream"):
            net.peer(net.ns_s, "inject", net.if_s, MAC_S, MAC_C, sc)
        t_last = time.time()
        want = 11
        try:
            pl.wait_for(lambda: len(pl.flows()) >= want, 12,
                        "%d flows to end by idle timeout while running" % want)
        finally:
            still_running = pl.alive()
            self.main_idle_ok = still_running
            rc = pl.stop()
            self.main_rc = rc
            self.main_flows = pl.flows()
            self.main_summary = pl.summary()
            self.main_times = [(t - t_last, r) for t, r in pl.records() if r.get("type") == "flow"]
            self.main_t_last = t_last
            self.main_stderr = pl.stderr_text()
            shutil.rmtree(www, ignore_errors=True)
        if os.environ.get("PL_LIVE_VERBOSE"):
            for dt, r in self.main_times:
                print("  +%.2fs %s" % (dt, json.dumps(r, sort_keys=True)))
            print("  summary %s" % json.dumps(self.main_summary, sort_keys=True))
        check(still_running, "portlabel had exited before its flows went idle")

    def wait_http(self, host, port):
        end = time.monotonic() + 10
        while time.monotonic() < end:
            r = self.fetch(host, port, None, check_rc=False)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("HTTP server %s:%s did not come up" % (host, port))

    def fetch(self, host, port, lport, check_rc=True):
        url = "http://%s:%d/" % (host, port)
        if shutil.which("curl"):
            argv = ["curl", "-sS", "-o", "/dev/null", "--max-time", "5", url]
            if lport:
                argv[1:1] = ["--local-port", str(lport)]
        else:  # python urllib cannot pick the source port: a fixed-port socket does
            code = ("import socket,sys\n"
                    "h,p,l=sys.argv[1].strip('[]'),int(sys.argv[2]),int(sys.argv[3])\n"
                    "s=socket.socket(socket.AF_INET6 if ':' in h else socket.AF_INET)\n"
                    "l and s.bind(('',l))\ns.settimeout(5)\ns.connect((h,p))\n"
                    "s.sendall(b'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n')\n"
                    "d=b''\nwhile True:\n  b=s.recv(65536)\n  if not b: break\n  d+=b\n"
                    "sys.exit(0 if d.startswith(b'HTTP/1.0 200') else 1)\n")
            argv = [PY, "-c", code, host, str(port), str(lport or 0)]
        return run(["ip", "netns", "exec", self.net.ns_c] + argv, check_rc=check_rc)

    def http_get(self, host, port, lport):
        self.fetch(host, port, lport)

    def need_main(self):
        if self.main_run is None:  # the first traffic check runs it; the others read its flows
            self.main_run = True
            self.traffic()
        if not self.main_flows and self.main_summary is None:
            raise Fail("the traffic run produced no output")

    def flow(self, **key):
        f = find_flow(self.main_flows, **key)
        check(f is not None, "no flow with %s among: %s" % (key, describe(self.main_flows)))
        return f

    def c_http_v4(self):
        self.need_main()
        f = self.flow(proto="tcp", dport=80)
        expect_fields(f, "HTTP over IPv4", ip_version=4, src=C4, sport=45080, dst=S4,
                      service_port=80, service="http", basis="handshake", status="assigned",
                      port_class="system", unauthorized=None, vlan=None)
        check("www" in f.get("aliases", []), "http aliases %r lack www" % f.get("aliases"))
        check(f["pkts_fwd"] >= 4 and f["pkts_rev"] >= 4,
              "too few packets fwd %s rev %s" % (f["pkts_fwd"], f["pkts_rev"]))
        for side, need in (("tcp_flags_fwd", "SFA"), ("tcp_flags_rev", "SFA")):
            check(all(ch in (f.get(side) or "") for ch in need),
                  "%s=%r lacks %s" % (side, f.get(side), need))
        check(f["end_reason"] in ("idle", "closed"),
              "end_reason %r, want idle (2 s idle timeout)" % f["end_reason"])

    def c_http_v6(self):
        self.need_main()
        f = self.flow(proto="tcp", dport=8080)
        expect_fields(f, "HTTP over IPv6", ip_version=6, src=C6, sport=45081, dst=S6,
                      service="http-alt", basis="handshake", status="assigned",
                      port_class="user", unauthorized=None)

    def c_udp_registered(self):
        self.need_main()
        f = self.flow(proto="udp", dport=53)
        # 2 requests of 10 bytes (20+8+10) and 2 answers b"pong" (20+8+4)
        expect_fields(f, "UDP to 53", src=C4, sport=50053, dst=S4, service="domain",
                      basis="registry", status="assigned", pkts_fwd=2, bytes_fwd=76,
                      pkts_rev=2, bytes_rev=64, tcp_flags_fwd=None, end_reason="idle")
        f6 = self.flow(proto="udp", dport=123)
        expect_fields(f6, "UDP over IPv6 to 123", ip_version=6, src=C6, sport=50123, dst=S6,
                      service="ntp", basis="registry", pkts_fwd=3, bytes_fwd=3 * 58,
                      pkts_rev=3, bytes_rev=3 * 52, end_reason="idle")

    def c_tcp_unassigned(self):
        self.need_main()
        up = self.unassigned_port
        f = self.flow(proto="tcp", dport=up)
        expect_fields(f, "TCP to unassigned %d" % up, src=C4, sport=45930, dst=S4,
                      service_port=up, service=None, status="unassigned", basis="handshake",
                      unauthorized=None)
        f = self.flow(proto="tcp", dport=100)
        expect_fields(f, "TCP to 100 (refused)", src=C4, sport=45100, service=None,
                      status="unassigned", basis="handshake", pkts_fwd=1, pkts_rev=1)
        check(f.get("unauthorized") and "100" in f["unauthorized"],
              "port 100 not flagged: unauthorized=%r" % f.get("unauthorized"))
        check("R" in (f.get("tcp_flags_rev") or ""), "no RST seen: %r" % f.get("tcp_flags_rev"))

    def c_udp_mtrace_flagged(self):
        self.need_main()
        f = self.flow(proto="udp", dport=33435)
        expect_fields(f, "UDP to 33435", src=C4, sport=50435, dst=S4, service="mtrace",
                      basis="registry", pkts_fwd=1, pkts_rev=0, end_reason="idle")
        check(f.get("unauthorized") and "33435" in f["unauthorized"],
              "33435 not flagged: unauthorized=%r" % f.get("unauthorized"))
        s = self.main_summary
        check(s is not None, "no summary record")
        check(s.get("flows_unauthorized", 0) >= 2,
              "summary flows_unauthorized=%r, want >= 2" % s.get("flows_unauthorized"))

    def c_sctp(self):
        self.need_main()
        sc = peer.scenario("sctp-diameter")
        f = self.flow(proto="sctp", dport=3868)
        expect_fields(f, "SCTP diameter", src=C4, sport=40000, dst=S4, service="diameter",
                      basis="handshake", status="assigned", pkts_fwd=2, pkts_rev=1,
                      bytes_fwd=40 + len(sc[0][3]) + len(sc[2][3]), bytes_rev=20 + len(sc[1][3]),
                      tcp_flags_fwd=None)
        f = self.flow(proto="sctp", dport=2905)
        expect_fields(f, "SCTP m3ua, INIT-ACK first", src=C4, sport=40001, dst=S4,
                      service="m3ua", basis="handshake", pkts_fwd=1, pkts_rev=1)

    def c_dccp(self):
        self.need_main()
        f = self.flow(proto="dccp", dport=5004)
        expect_fields(f, "DCCP RTP", src=C4, sport=40002, dst=S4, service="avt-profile-1",
                      basis="handshake", pkts_fwd=2, pkts_rev=1)
        f = self.flow(proto="dccp", dport=9)
        expect_fields(f, "DCCP discard mid-stream", src=C4, sport=40003, service="discard",
                      basis="registry", pkts_fwd=2, pkts_rev=0)

    def c_idle_while_running(self):
        self.need_main()
        check(self.main_idle_ok, "portlabel was not running when its flows went idle")
        ends = self.main_times
        check(all(r.get("end_reason") == "idle" for _, r in ends),
              "flows not ended by idle: %s" % describe([r for _, r in ends]))
        # emitted --idle-timeout (2 s) after the flow's last packet, give or take the 250 ms
        # capture wait, the 1 s tick and a loaded machine; never before
        bad = [(r.get("proto"), r.get("dport"), round(dt + self.main_t_last - r["last_seen"], 2))
               for dt, r in ends if not 1.98 <= dt + self.main_t_last - r["last_seen"] <= 4.0]
        if os.environ.get("PL_LIVE_VERBOSE"):
            print("  idle emission delays: %s" % [round(dt + self.main_t_last - r["last_seen"], 3)
                                                 for dt, r in ends])
        check(not bad, "idle flows not emitted 2-4 s after their last packet "
                       "(proto, port, delay): %s" % bad)

    def c_sigint_summary(self):
        self.need_main()
        check(self.main_rc == 0, "exit %r after SIGINT, want 0" % self.main_rc)
        s = self.main_summary
        check(s is not None, "no summary after SIGINT")
        for k in ("ps_recv", "ps_drop", "ps_ifdrop", "packets_total", "flows_total", "registry"):
            check(k in s, "summary lacks %s: %s" % (k, sorted(s)))
        check(s["ps_recv"] >= s["packets_total"] > 0,
              "ps_recv %s < packets_total %s" % (s["ps_recv"], s["packets_total"]))
        check(s["flows_total"] >= len(self.main_flows), "flows_total %s < %d records"
              % (s["flows_total"], len(self.main_flows)))
        check(s["registry"].get("path") == self.reg, "registry path %r" % s["registry"])
        check("running as root" in self.main_stderr, "no root warning without -Z")

    def c_tcp_closed(self):
        net = self.net
        srv = net.server(net.ns_s, "tcp-server", S4, 8002)
        pl = self.pl("-i", net.if_c, "-F", "json", "--idle-timeout", "30",
                     "tcp and (port 8002 or port 7)")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "tcp-client", C4, 46002, S4, 8002)  # FIN both ways
            net.peer(net.ns_c, "tcp-client", C4, 46007, S4, 7)     # refused: RST
            pl.wait_for(lambda: len(pl.flows()) >= 2, 14, "two TCP flows to end as closed")
            check(pl.alive(), "portlabel exited")
            got = {r["dport"]: (t, r) for t, r in pl.records() if r.get("type") == "flow"}
            for port, what in ((8002, "FIN both ways"), (7, "RST")):
                check(port in got, "no flow to port %d" % port)
                t, r = got[port]
                expect_fields(r, "TCP %s" % what, end_reason="closed", src=C4, basis="handshake")
                lag = t - r["last_seen"]
                check(9.95 <= lag <= 12.5, "TCP %s: emitted %.2fs after its last packet, want "
                                           "10 s (the close timer)" % (what, lag))
        finally:
            pl.stop()
            srv.kill()

    def c_vlan_and_fragments(self):
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "udp or vlan or ip[6:2] & 0x1fff != 0 "
                     "or ip6[6] == 44")
        try:
            pl.wait_started()
            # the kernel here has no 802.1Q support: tagged frames are injected
            net.peer(net.ns_s, "inject", net.if_s, MAC_S, MAC_C, "udp-vlan100")
            net.peer(net.ns_c, "udp-client", C4, 50016, S4, 9, 1, 0, "f" * 3000)
            net.peer(net.ns_c, "udp-client", C6, 50017, S6, 9, 1, 0, "g" * 3000)
            time.sleep(0.3)
            rc = pl.stop()
            check(rc == 0, "exit %r" % rc)
            flows = pl.flows()
            f = find_flow(flows, sport=50015)
            expect_fields(f, "UDP over VLAN 100 (QinQ outer 100, inner 7)", vlan=100, src=C4,
                          dst=S4, dport=53, service="domain", pkts_fwd=1, pkts_rev=1,
                          bytes_fwd=38, bytes_rev=32)
            # 3008 bytes of UDP over a 1500-byte MTU: IPv4 fragments of 1480, 1480 and 48
            f = find_flow(flows, sport=50016)
            expect_fields(f, "fragmented UDP over IPv4", vlan=None, dport=9, pkts_fwd=3,
                          bytes_fwd=1500 + 1500 + 68)
            # IPv6: 1448-byte fragments (1500 - 40 - 8, a multiple of 8): 1448, 1448, 112
            f = find_flow(flows, sport=50017)
            expect_fields(f, "fragmented UDP over IPv6", ip_version=6, dport=9, pkts_fwd=3,
                          bytes_fwd=2 * (40 + 8 + 1448) + (40 + 8 + 112))
            s = pl.summary()
            check(s and s.get("fragment_unattributed") == 0,
                  "fragment_unattributed %r" % (s and s.get("fragment_unattributed")))
        finally:
            pl.stop()

    def c_active_timeout(self):
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "--active-timeout", "2", "--idle-timeout",
                     "30", "udp and port 9")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", C4, 50018, S4, 9, 1)
            pl.wait_for(lambda: pl.flows(), 5, "the active timeout without later packets")
            t, r = [(t, r) for t, r in pl.records() if r.get("type") == "flow"][0]
            expect_fields(r, "active-timeout record", end_reason="active", sport=50018,
                          pkts_fwd=1)
            lag = t - r["first_seen"]
            check(1.98 <= lag <= 4.0, "ended %.2fs after first_seen, want 2 s" % lag)
            net.peer(net.ns_c, "udp-client", C4, 50018, S4, 9, 1)
            time.sleep(0.3)
            rc = pl.stop()
            check(rc == 0, "exit %r" % rc)
            recs = pl.flows()
            check(len(recs) == 2, "want the active record and its continuation: %s"
                  % describe(recs))
            expect_fields(recs[1], "continuation", end_reason="shutdown", src=C4, sport=50018,
                          service_port=9, pkts_fwd=1)
        finally:
            pl.stop()

    def c_idle_no_split(self):
        """Packets 0.1 s inside the idle timeout keep one flow: the clock that expires flows
        on a quiet link must not run ahead of packets still buffered in the kernel."""
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "--idle-timeout", "1", "udp and port 9")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-stream", C4, 50020, S4, 9, 4.5, 0.97, timeout=20)
            time.sleep(0.3)
            rc = pl.stop()
            check(rc == 0, "exit %r" % rc)
            recs = [f for f in pl.flows() if f["sport"] == 50020]
            check(recs and sum(f["pkts_fwd"] for f in recs) >= 4, "flow records %s"
                  % [(f["pkts_fwd"], f["end_reason"]) for f in recs])
            # a split is right only where the sender really paused >= 1 s (a loaded machine)
            gaps = [round(b["first_seen"] - a["last_seen"], 3) for a, b in zip(recs, recs[1:])]
            check(all(g >= 1.0 for g in gaps),
                  "a datagram every 0.97 s with --idle-timeout 1 was split where the gap was "
                  "under 1 s: gaps %s, records %s"
                  % (gaps, [(f["pkts_fwd"], f["end_reason"]) for f in recs]))
        finally:
            pl.stop()

    def c_max_flows(self):
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "--max-flows", "5", "udp and port 9")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-spray", C4, 53000, 8, S4, 9)
            pl.wait_for(lambda: len(pl.flows()) >= 3, 4, "3 evicted flows while running")
            ev = pl.flows()
            check([f["end_reason"] for f in ev] == ["evicted"] * 3 and
                  [f["sport"] for f in ev] == [53000, 53001, 53002],
                  "want 53000-53002 evicted, in order: %s" % describe(ev))
            rc = pl.stop()
            check(rc == 0, "exit %r" % rc)
            rest = pl.flows()[3:]
            check(sorted(f["sport"] for f in rest) == list(range(53003, 53008)) and
                  all(f["end_reason"] == "shutdown" for f in rest),
                  "the other 5 at shutdown: %s" % describe(rest))
            s = pl.summary()
            check(s and s.get("flows_evicted") == 3, "flows_evicted %r"
                  % (s and s.get("flows_evicted")))
        finally:
            pl.stop()

    def c_drops_reported(self):
        """A stopped reader and a small kernel buffer (-B): the kernel drops, and the summary
        and SIGUSR1 say so; every packet is either counted or dropped."""
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "-B", "128", "udp and port 9")
        try:
            pl.wait_started()
            pl.signal(signal.SIGSTOP)
            net.peer(net.ns_c, "udp-spray", C4, 20000, 3000, S4, 9)
            pl.signal(signal.SIGCONT)
            time.sleep(1.0)
            n_err = len(pl.stderr_lines())
            pl.signal(signal.SIGUSR1)
            pl.wait_for(lambda: len(pl.stderr_lines()) > n_err, 3, "SIGUSR1 counters")
            usr1 = pl.stderr_lines()[n_err]
            rc = pl.stop()
            check(rc == 0, "exit %r" % rc)
            s = pl.summary()
            check(s is not None, "no summary")
            check(s["ps_drop"] > 0, "no kernel drops reported with a 128 KiB buffer: %s"
                  % {k: s[k] for k in ("ps_recv", "ps_drop", "packets_total")})
            check(s["packets_total"] + s["ps_drop"] == 3000 == s["ps_recv"],
                  "packets %d + dropped %d != 3000 sent (ps_recv %d)"
                  % (s["packets_total"], s["ps_drop"], s["ps_recv"]))
            m = re.search(r"(\d+) dropped", usr1)
            check(m and int(m.group(1)) == s["ps_drop"], "SIGUSR1 line %r vs ps_drop %d"
                  % (usr1, s["ps_drop"]))
        finally:
            pl.signal(signal.SIGCONT)
            pl.stop()

    # -- signals
    def c_sigint_shutdown_records(self):
        net = self.net
        net.server(net.ns_s, "udp-responder", S4, 5353)
        tcp = net.server(net.ns_s, "tcp-server", S4, 8001)
        pl = self.pl("-i", net.if_c, "-F", "json")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", C4, 50001, S4, 5353, 2)
            client = net.popen(net.ns_c, [PY, os.path.join(HERE, "peer.py"), "tcp-client", C4,
                                          46001, S4, 8001, 30], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            check(client.stdout.readline().strip() == "connected", "TCP client did not connect")
            time.sleep(0.5)
            check(pl.flows() == [], "flows before the signal: %s" % describe(pl.flows()))
            # SIGUSR1: counters on standard error, no stop
            n_err = len(pl.stderr_lines())
            pl.signal(signal.SIGUSR1)
            pl.wait_for(lambda: len(pl.stderr_lines()) > n_err, 3, "SIGUSR1 counters")
            line = pl.stderr_lines()[n_err]
            check(re.search(r"\d+ packets", line), "SIGUSR1 line has no packet count: %r" % line)
            time.sleep(0.3)
            check(pl.alive(), "SIGUSR1 stopped portlabel")
            check(pl.flows() == [] and pl.summary() is None, "SIGUSR1 flushed output")
            self.usr1_line = line
            pl.signal(signal.SIGINT)
            rc = pl.finish(8)
            check(rc == 0, "exit %r after SIGINT, want 0; stderr: %s" % (rc, pl.stderr_text()))
            flows = pl.flows()
            u = find_flow(flows, proto="udp", dport=5353)
            expect_fields(u, "UDP 5353 at SIGINT", end_reason="shutdown", pkts_fwd=2, pkts_rev=2,
                          service="mdns")
            t = find_flow(flows, proto="tcp", dport=8001)
            expect_fields(t, "open TCP connection at SIGINT", end_reason="shutdown", src=C4,
                          sport=46001, basis="handshake")
            recs = pl.records()
            check(recs and recs[-1][1].get("type") == "summary", "the summary is not last")
            s = recs[-1][1]
            for k in ("ps_recv", "ps_drop", "ps_ifdrop"):
                check(isinstance(s.get(k), int), "summary %s=%r" % (k, s.get(k)))
        finally:
            pl.stop()
            tcp.kill()

    def c_sigusr1(self):
        # run inside c_sigint_shutdown_records; reported on its own line
        check(getattr(self, "usr1_line", None), "SIGUSR1 was not checked (see the SIGINT check)")

    def c_sigterm_any(self):
        net = self.net
        pl = self.pl("-i", "any", "-F", "json")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", C4, 50002, S4, 5353, 1)
            net.peer(net.ns_c, "udp-client", "127.0.0.1", 50003, "127.0.0.1", 123, 1)
            time.sleep(0.3)
            pl.signal(signal.SIGTERM)
            rc = pl.finish(8)
            check(rc == 0, "exit %r after SIGTERM, want 0" % rc)
            flows = pl.flows()
            f = find_flow(flows, proto="udp", dport=5353)
            expect_fields(f, "-i any: UDP over the veth", src=C4, sport=50002, pkts_fwd=1,
                          end_reason="shutdown")
            f = find_flow(flows, proto="udp", dport=123, src="127.0.0.1")
            expect_fields(f, "-i any: UDP over lo", sport=50003, service="ntp",
                          end_reason="shutdown")
            check(pl.summary() is not None, "no summary after SIGTERM")
        finally:
            pl.stop()

    def c_sigint_while_output_blocked(self):
        """SIGINT while a write to a slow reader blocks: no record lost, no write error."""
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "--idle-timeout", "1", "udp and port 9",
                     read_stdout=False, pipe_size=4096)
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-spray", C4, 52000, 40, S4, 9)
            time.sleep(2.5)  # the 40 flows go idle; their records fill the pipe
            check(pl.alive(), "portlabel exited: %s" % pl.stderr_text())
            pl.signal(signal.SIGINT)
            time.sleep(0.5)
            pl.start_reading()
            rc = pl.finish(8)
            check(rc == 0, "exit %r, want 0; stderr %r" % (rc, pl.stderr_text()))
            got = sorted(f["sport"] for f in pl.flows())
            check(got == list(range(52000, 52040)), "%d of 40 flow records: %s"
                  % (len(got), got))
            check(pl.summary() is not None, "no summary")
        finally:
            pl.stop()

    def c_second_sigint(self):
        net = self.net
        # A 4 KiB pipe that nobody reads: the shutdown records block portlabel mid-flush.
        pl = self.pl("-i", net.if_c, "-F", "json", read_stdout=False, pipe_size=4096)
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-spray", C4, 51000, 40, S4, 9)
            time.sleep(0.3)
            pl.signal(signal.SIGINT)
            time.sleep(1.0)
            check(pl.alive(), "portlabel finished its flush into a full pipe (exit %r): "
                              "cannot test the second SIGINT" % pl.p.returncode)
            t = time.monotonic()
            pl.signal(signal.SIGINT)
            rc = pl.finish(3)
            check(rc is not None, "a second SIGINT did not end portlabel")
            check(rc != 0, "exit 0 after an interrupted flush")
            check(time.monotonic() - t < 2.0, "second SIGINT took %.1fs" % (time.monotonic() - t))
            check("again" in pl.stderr_text(), "no message on the second SIGINT: %r"
                  % pl.stderr_text())
        finally:
            pl.stop(2)

    # -- limits
    def c_count(self):
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "-c", "5", "udp and port 50005")
        try:
            pl.wait_started()
            sender = net.popen(net.ns_c, [PY, os.path.join(HERE, "peer.py"), "udp-stream", C4,
                                          50005, S4, 9, 5, 0.05],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rc = pl.finish(8)
            sender.kill()
            check(rc == 0, "exit %r with -c 5, want 0 (stderr %r)" % (rc, pl.stderr_text()))
            s = pl.summary()
            check(s is not None, "no summary with -c")
            check(s.get("packets_total") == 5, "packets_total %r, want 5" % s.get("packets_total"))
            f = find_flow(pl.flows(), proto="udp", sport=50005)
            expect_fields(f, "-c 5 flow", pkts_fwd=5, end_reason="shutdown")
        finally:
            pl.stop()

    def c_duration(self):
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "--duration", "1.25", "udp and port 9")
        try:
            rc = pl.finish(10)
            t_end = time.time()
            check(rc == 0, "exit %r, want 0" % rc)
            # from the capture being open (the root warning comes then) to the exit
            t_open = [t for t, l in pl.err if "running as root" in l]
            check(t_open, "no root warning: %r" % pl.stderr_text())
            dt = t_end - t_open[0]
            check(1.2 <= dt <= 1.8, "--duration 1.25 stopped after %.2fs" % dt)
            s = pl.summary()
            check(s is not None and s.get("packets_total") == 0,
                  "summary %r, want one with packets_total 0" % s)
            check(pl.flows() == [], "flows on a quiet link")
        finally:
            pl.stop()
        # and on a busy one: a datagram every 20 ms does not delay the stop
        sender = net.popen(net.ns_c, [PY, os.path.join(HERE, "peer.py"), "udp-stream", C4,
                                      50019, S4, 9, 8, 0.02],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.3)
            t = time.monotonic()
            pl = self.pl("-i", net.if_c, "-F", "json", "--duration", "2", "udp and port 9")
            rc = pl.finish(10)
            dt = time.monotonic() - t
            check(rc == 0, "busy link: exit %r, want 0" % rc)
            check(1.9 <= dt <= 3.5, "busy link: --duration 2 took %.2fs" % dt)
            f = find_flow(pl.flows(), sport=50019)
            expect_fields(f, "busy-link flow", end_reason="shutdown")
            check(f["pkts_fwd"] >= 40, "only %d packets in 2 s" % f["pkts_fwd"])
        finally:
            pl.stop()
            sender.kill()

    # -- privileges
    def c_drop_privileges(self):
        import pwd
        try:
            pw = pwd.getpwnam("nobody")
        except KeyError:
            raise Fail("no user nobody on this system")
        groups = set(os.getgrouplist("nobody", pw.pw_gid))
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "-Z", "nobody", "udp")
        try:
            status = {}

            def dropped():
                return (not read_status(pl.pid, status)
                        or status.get("Uid", [""])[0] == str(pw.pw_uid))
            pl.wait_for(dropped, 5, "uid %d in /proc/PID/status" % pw.pw_uid)
            check(pl.alive(), "portlabel -Z nobody exited: %s" % pl.stderr_text())
            with open("/proc/%d/comm" % pl.pid) as f:
                check(f.read().strip() == os.path.basename(BIN)[:15], "PID is not portlabel")
            check(status["Uid"] == [str(pw.pw_uid)] * 4, "Uid %s" % status["Uid"])
            check(status["Gid"] == [str(pw.pw_gid)] * 4, "Gid %s" % status["Gid"])
            got = set(int(g) for g in status.get("Groups", []))
            check(got <= groups and 0 not in got,
                  "supplementary groups %s, want a subset of %s" % (sorted(got), sorted(groups)))
            cap_eff = int(status["CapEff"][0], 16)
            check(cap_eff == 0, "effective capabilities %x after -Z" % cap_eff)
            check("running as root" not in pl.stderr_text(), "root warning despite -Z")
            net.peer(net.ns_c, "udp-client", C4, 50006, S4, 9, 3)
            time.sleep(0.3)
            pl.signal(signal.SIGINT)
            rc = pl.finish(8)
            check(rc == 0, "exit %r, want 0: %s" % (rc, pl.stderr_text()))
            f = find_flow(pl.flows(), proto="udp", sport=50006)
            expect_fields(f, "capture after -Z nobody", pkts_fwd=3, service="discard",
                          end_reason="shutdown")
            s = pl.summary()
            check(s is not None and "ps_recv" in s, "no summary with ps_recv after -Z")
        finally:
            pl.stop()

    def c_not_root_sheds_capabilities(self):
        """As an ordinary user whose copy of portlabel has CAP_NET_RAW (setcap): the capture
        opens, then no capability is left; -Z another user is ignored with a warning."""
        import pwd
        setcap = shutil.which("setcap")
        if setcap is None:
            print("  (setcap not installed: checked only that -Z is ignored when not root)")
        pw = pwd.getpwnam("nobody")
        d = tempfile.mkdtemp(prefix="pl-cap-")
        try:
            os.chmod(d, 0o755)
            exe = os.path.join(d, "portlabel")
            reg = os.path.join(d, "registry.csv")
            shutil.copy(BIN, exe)
            shutil.copy(self.reg, reg)
            os.chmod(reg, 0o644)
            if setcap is not None and os.statvfs(d).f_flag & os.ST_NOSUID:
                print("  (%s is mounted nosuid: file capabilities would be ignored; checked "
                      "only that -Z is ignored when not root)" % d)
                setcap = None
            if setcap is not None:
                run([setcap, "cap_net_raw+ep", exe])
            code = ("import os,sys\nos.setgroups([])\nos.setgid(%d)\nos.setuid(%d)\n"
                    "os.execv(sys.argv[1], sys.argv[1:])\n" % (pw.pw_gid, pw.pw_uid))
            net = self.net
            args = ["-R", reg, "-i", net.if_c, "-F", "json", "-Z", "daemon", "udp"]
            if setcap is None:
                args[3] = "lo"  # not root and no capability: only the warning can be checked
            pl = Portlabel(net, args, prefix=[PY, "-c", code], exe=exe)
            try:
                pl.wait_for(lambda: "ignored" in pl.stderr_text() or not pl.alive(), 5,
                            "the -Z warning")
                check("-Z daemon ignored: changing user needs root" in pl.stderr_text(),
                      "no warning that -Z needs root: %r" % pl.stderr_text())
                if setcap is None:
                    return
                status = {}

                def shed():
                    return (not read_status(pl.pid, status)
                            or status.get("CapPrm", ["x"])[0].strip("0") == "")
                pl.wait_for(shed, 5, "CapPrm 0 in /proc/PID/status")
                check(pl.alive(), "portlabel exited: %s" % pl.stderr_text())
                check(status["Uid"] == [str(pw.pw_uid)] * 4, "Uid %s" % status["Uid"])
                for k in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
                    check(int(status[k][0], 16) == 0, "%s %s after the capture opened"
                          % (k, status[k][0]))
                net.peer(net.ns_c, "udp-client", C4, 50031, S4, 9, 2)
                time.sleep(0.3)
                pl.signal(signal.SIGTERM)
                rc = pl.finish(8)
                check(rc == 0, "exit %r, want 0: %s" % (rc, pl.stderr_text()))
                f = find_flow(pl.flows(), proto="udp", sport=50031)
                expect_fields(f, "capture with CAP_NET_RAW shed", pkts_fwd=2,
                              end_reason="shutdown")
            finally:
                pl.stop()
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def stop_by(self, sport, pkts, sigs):
        """Capture UDP, send pkts packets from sport, stop with sigs sent back to back: the
        flow ends as shutdown, the summary follows, exit 0."""
        net = self.net
        what = "+".join(signal.Signals(s).name for s in sigs)
        pl = self.pl("-i", net.if_c, "-F", "json", "udp")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", C4, sport, S4, 5353, pkts)
            time.sleep(0.3)
            for s in sigs:
                pl.signal(s)
            rc = pl.finish(8)
            check(rc == 0, "exit %r after %s, want 0: %s" % (rc, what, pl.stderr_text()))
            f = find_flow(pl.flows(), proto="udp", sport=sport)
            expect_fields(f, "flow at %s" % what, pkts_fwd=pkts, end_reason="shutdown")
            check(pl.summary() is not None, "no summary after %s" % what)
        finally:
            pl.stop()

    def c_sighup(self):
        """A hang-up stops the capture like SIGTERM (flows, summary, exit 0); a hang-up while
        stopping changes nothing; under nohup (SIGHUP ignored) it changes nothing either."""
        net = self.net
        self.stop_by(50032, 2, [signal.SIGHUP])
        # systemd's stop: SIGTERM, then SIGHUP at once. The hang-up must not turn the stop
        # into the second signal's immediate exit (no flows, status 1).
        self.stop_by(50033, 1, [signal.SIGTERM, signal.SIGHUP])
        pl = Portlabel(net, ["-R", self.reg, "-i", net.if_c, "-F", "json", "udp"],
                       prefix=["nohup"])
        try:
            pl.wait_started()
            pl.signal(signal.SIGHUP)
            time.sleep(0.5)
            check(pl.alive(), "SIGHUP under nohup ended portlabel (rc %r)" % pl.p.returncode)
            pl.signal(signal.SIGTERM)
            check(pl.finish(8) == 0, "exit after SIGTERM under nohup")
            check(pl.summary() is not None, "no summary after SIGTERM under nohup")
        finally:
            pl.stop()

    def c_missing_user(self):
        user = "pl_no_such_user_%s" % self.net.tag
        r = run(["ip", "netns", "exec", self.net.ns_c, BIN, "-R", self.reg, "-i", self.net.if_c,
                 "-F", "json", "-Z", user], check_rc=False)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(r.returncode == 1, "exit %d, want 1" % r.returncode)
        check(len(lines) == 1 and user in lines[0], "want one error line naming the user: %r"
              % r.stderr)
        check(r.stdout == "", "output before the error: %r" % r.stdout[:200])

    # -- errors and options
    def c_missing_iface(self):
        name = "plnone%s" % self.net.tag
        r = run(["ip", "netns", "exec", self.net.ns_c, BIN, "-R", self.reg, "-i", name,
                 "-F", "json"], check_rc=False)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(r.returncode == 1, "exit %d, want 1" % r.returncode)
        check(len(lines) == 1 and name in lines[0],
              "want one error line naming the interface: %r" % r.stderr)
        check(r.stdout == "", "output: %r" % r.stdout[:200])

    def c_no_permission(self):
        import pwd
        pw = pwd.getpwnam("nobody")
        code = ("import os,sys\nos.setgroups([])\nos.setgid(%d)\nos.setuid(%d)\n"
                "os.execv(sys.argv[1], sys.argv[1:])\n" % (pw.pw_gid, pw.pw_uid))
        r = run(["ip", "netns", "exec", self.net.ns_c, PY, "-c", code, BIN, "-R", self.reg,
                 "-i", self.net.if_c, "-F", "json"], check_rc=False)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(r.returncode == 1, "exit %d, want 1: %r" % (r.returncode, r.stderr))
        check(len(lines) == 1 and self.net.if_c in lines[0] and "permission" in lines[0].lower(),
              "want one line naming the interface and the permission problem: %r" % r.stderr)
        check(r.stdout == "", "output: %r" % r.stdout[:200])

    def c_filter(self):
        net = self.net
        pl = self.pl("-i", net.if_c, "-F", "json", "-s", "128", "-p", "-B", "2048",
                     "--idle-timeout", "1", "udp", "and", "port", "9999")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", C4, 50007, S4, 53, 2)
            net.peer(net.ns_c, "tcp-client", C4, 45007, S4, 9999)
            net.peer(net.ns_c, "udp-client", C4, 50008, S4, 9999, 2, 0.05, "z" * 300)
            time.sleep(0.3)
            rc = pl.stop()
            check(rc == 0, "exit %r" % rc)
            flows = pl.flows()
            check(len(flows) == 1, "want only the UDP 9999 flow: %s" % describe(flows))
            # 2 x (20 + 8 + 300) bytes: the declared length, though -s 128 cut the capture
            expect_fields(flows[0], "filtered flow", proto="udp", sport=50008, dport=9999,
                          pkts_fwd=2, bytes_fwd=656)
            s = pl.summary()
            check(s and s.get("packets_total") == 2 and s.get("truncated") == 0,
                  "summary %s" % {k: s.get(k) for k in ("packets_total", "truncated")} if s else s)
        finally:
            pl.stop()

    def promiscuity(self):
        r = run(["ip", "-d", "-n", self.net.ns_c, "link", "show", "dev", self.net.if_c])
        m = re.search(r"promiscuity (\d+)", r.stdout)
        return int(m.group(1)) if m else None

    def c_promisc_and_snaplen(self):
        net = self.net
        for args, want in (([], 1), (["-p"], 0)):
            pl = self.pl("-i", net.if_c, "-F", "json", *args, "udp and port 9")
            try:
                pl.wait_started()
                got = self.promiscuity()
                check(got == want, "portlabel %s: interface promiscuity %r, want %d"
                      % (" ".join(args) or "(no -p)", got, want))
            finally:
                pl.stop()
        check(self.promiscuity() == 0, "promiscuous mode left on after exit")
        # -s 30 cuts the IPv4 header (14 + 20 bytes): every packet counts as truncated. No
        # filter: libpcap (tcpdump too) drops packets whose filter reads past the snaplen.
        pl = self.pl("-i", net.if_c, "-F", "json", "-s", "30")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-spray", C4, 54000, 3, S4, 9)
            time.sleep(0.3)
            rc = pl.stop()
            check(rc == 0, "exit %r" % rc)
            s = pl.summary()
            check(s and s.get("truncated") >= 3
                  and s.get("packets_total") == s.get("truncated") + s.get("non_ip")
                  and pl.flows() == [], "-s 30: summary %s, flows %s"
                  % (s and {k: s.get(k) for k in ("packets_total", "truncated")},
                     describe(pl.flows())))
        finally:
            pl.stop()

    def c_csv_file_streaming(self):
        net = self.net
        out = os.path.join(tempfile.mkdtemp(prefix="pl-live-"), "flows.csv")
        pl = self.pl("-i", net.if_c, "-F", "csv", "-o", out, "--idle-timeout", "1",
                     "udp and port 53")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", C4, 50009, S4, 53, 1)

            def rows():
                try:
                    with open(out) as f:
                        return f.read().splitlines()
                except OSError:
                    return []
            pl.wait_for(lambda: len(rows()) >= 2, 6, "a CSV row in %s while running" % out)
            check(pl.alive(), "portlabel exited")
            check(rows()[0].startswith("type,first_seen") or "src" in rows()[0],
                  "CSV header %r" % rows()[0])
            check(",50009," in rows()[1] and ",domain," in rows()[1], "CSV row %r" % rows()[1])
            check(rows()[1].rstrip().endswith("idle"), "CSV row end_reason: %r" % rows()[1])
        finally:
            pl.stop()
            shutil.rmtree(os.path.dirname(out), ignore_errors=True)

    def c_text_streaming(self):
        """Text format to a pipe: a row per flow as it ends, the unauthorized mark, then the
        summary with the capture counters."""
        net = self.net
        pl = self.pl("-i", net.if_c, "--idle-timeout", "1", "udp and port 33435")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", C4, 50021, S4, 33435, 1)
            pl.wait_for(lambda: any("50021" in l for _, l in pl.out), 5,
                        "a text row while running")
            check(pl.alive(), "portlabel exited")
            row = [l for _, l in pl.out if "50021" in l][0]
            check(row.startswith("!") and "mtrace" in row and "idle" in row,
                  "text row %r: want the ! mark, mtrace, idle" % row)
            rc = pl.stop()
            check(rc == 0, "exit %r" % rc)
            text = "".join(l for _, l in pl.out)
            for want in ("received by filter", "dropped by kernel", "33435"):
                check(want in text, "text output lacks %r" % want)
            check("\x1b" not in text and "\r" not in text, "terminal controls in piped text")
        finally:
            pl.stop()

    def c_list_interfaces(self):
        r = run(["ip", "netns", "exec", self.net.ns_c, BIN, "-D"], check_rc=False)
        check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stderr))
        names = re.findall(r"^\d+\.(\S+)", r.stdout, re.M)
        check(self.net.if_c in names, "%s not in -D output: %r" % (self.net.if_c, r.stdout))
        check("any" in names and "lo" in names, "-D lacks any/lo: %r" % r.stdout)

    def c_status_line_tty(self):
        net = self.net
        pl = self.pl("-i", net.if_c, "udp", stderr_tty=True)
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", C4, 50010, S4, 9, 2)
            pl.wait_for(lambda: "\r" in pl.stderr_text() and "packets" in pl.stderr_text(),
                        4, "a status line on the terminal")
            text = pl.stderr_text()
            check(re.search(r"\r[^\r\n]*\d+ packets[^\r\n]*\x1b\[K", text),
                  "status line not refreshed in place: %r" % text[-300:])
            time.sleep(1.2)
            check(re.search(r"\r[^\r\n]*2 packets", pl.stderr_text()),
                  "status line does not count the 2 packets: %r" % pl.stderr_text()[-300:])
        finally:
            pl.stop()
        # not a terminal: no status line
        pl = self.pl("-i", net.if_c, "udp")
        try:
            pl.wait_started()
            time.sleep(2.2)
        finally:
            pl.stop()
        check("\r" not in pl.stderr_text() and "\x1b[" not in pl.stderr_text(),
              "status line with standard error not a terminal: %r" % pl.stderr_text())
        # JSON on a terminal: no status line either (it is for text mode)
        pl = self.pl("-i", net.if_c, "-F", "json", "udp", stderr_tty=True)
        try:
            pl.wait_started()
            time.sleep(2.2)
        finally:
            pl.stop()
        check("\x1b[K" not in pl.stderr_text(), "status line in JSON mode: %r"
              % pl.stderr_text())

    def c_status_line_shared_tty(self):
        """Flows and the status line on one terminal (the plain `portlabel -i IFACE` case):
        a flow row must not be glued to the status line's text."""
        net = self.net
        pl = self.pl("-i", net.if_c, "--idle-timeout", "1", "udp", stderr_tty=True,
                     stdout_tty=True)
        try:
            pl.wait_started()
            time.sleep(1.2)  # a status line is on screen before the flow row comes
            net.peer(net.ns_c, "udp-client", C4, 50014, S4, 9, 1)
            pl.wait_for(lambda: "50014" in pl.stderr_text(), 5, "the flow row")
            time.sleep(1.2)
        finally:
            pl.stop()
        screen = render_terminal(pl.stderr_text())
        rows = [l for l in screen if "50014" in l]
        check(len(rows) == 1, "flow row not on the screen once: %r" % screen)
        check("portlabel:" not in rows[0], "flow row glued to the status line: %r" % rows[0])

    def c_iface_set_down(self):
        """`ip link set down` mid-capture: one error line, the flows so far, exit 1 (libpcap
        itself would wait for the interface to come back, as tcpdump does)."""
        net = self.net
        pl = self.pl("-i", net.if_dc, "-F", "json", "udp")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", D4C, 50012, D4S, 9, 1)
            time.sleep(0.3)
            net.ip("-n", net.ns_c, "link", "set", net.if_dc, "down")
            rc = pl.finish(4)
            check(rc is not None, "still running 4 s after its interface went down")
            errs = [l for l in pl.stderr_lines() if "running as root" not in l]
            if os.environ.get("PL_LIVE_VERBOSE"):
                print("  set down: rc %r, %r" % (rc, errs))
            check(rc == 1, "exit %r, want 1" % rc)
            check(len(errs) == 1 and net.if_dc in errs[0] and "down" in errs[0],
                  "want one error line naming %s and saying it went down: %r"
                  % (net.if_dc, errs))
            f = find_flow(pl.flows(), sport=50012)
            check(f is not None, "the flow seen before the interface went down not emitted")
            check(pl.summary() is not None, "no summary")
        finally:
            pl.stop()
            net.ip("-n", net.ns_c, "link", "set", net.if_dc, "up")

    def mac(self, ns, ifname):
        r = run(["ip", "-n", ns, "-o", "link", "show", "dev", ifname])
        return re.search(r"link/ether ([0-9a-f:]{17})", r.stdout).group(1)

    def c_iface_down(self):
        net = self.net
        pl = self.pl("-i", net.if_dc, "-F", "json")
        try:
            pl.wait_started()
            net.peer(net.ns_c, "udp-client", D4C, 50011, D4S, 9, 2)
            time.sleep(0.3)
            net.ip("-n", net.ns_c, "link", "del", net.if_dc)
            rc = pl.finish(6)
            check(rc is not None, "portlabel still running after its interface was removed")
            check(rc == 1, "exit %r after the interface went away, want 1" % rc)
            errs = [l for l in pl.stderr_lines() if "running as root" not in l]
            check(len(errs) == 1 and net.if_dc in errs[0],
                  "want one error line naming %s: %r" % (net.if_dc, errs))
            f = find_flow(pl.flows(), proto="udp", sport=50011)
            check(f is not None, "the flow seen before the error was not emitted")
            self.iface_down_reason = f.get("end_reason")
            if os.environ.get("PL_LIVE_VERBOSE"):
                print("  interface down: %r, end_reason %s" % (errs, f.get("end_reason")))
            check(pl.summary() is not None, "no summary after the error")
        finally:
            pl.stop()


def main():
    global BIN
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    BIN = os.path.abspath(sys.argv[1])
    registry = os.path.abspath(sys.argv[2])
    net = Net(sys.argv[3])
    suite = Suite(net, registry, sys.argv[4:])
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, f: sys.exit(128 + s))
    t0 = time.monotonic()
    try:
        net.setup()
        cases = [
            ("traffic: HTTP over IPv4 (http.server + curl)", suite.c_http_v4),
            ("traffic: HTTP over IPv6 to 8080", suite.c_http_v6),
            ("traffic: UDP exchanges on registered ports (53, 123 over IPv6)",
             suite.c_udp_registered),
            ("traffic: TCP to an unassigned port, refused TCP to 100 (flagged)",
             suite.c_tcp_unassigned),
            ("traffic: UDP to 33435 mtrace is flagged unauthorized", suite.c_udp_mtrace_flagged),
            ("traffic: injected SCTP INIT/INIT-ACK/DATA labelled", suite.c_sctp),
            ("traffic: injected DCCP Request/Response/Data labelled", suite.c_dccp),
            ("idle timeout expires flows on a quiet link while running",
             suite.c_idle_while_running),
            ("SIGINT after traffic: exit 0, summary with ps_recv/ps_drop/ps_ifdrop",
             suite.c_sigint_summary),
            ("TCP FIN/RST: flow ends closed 10 s later on a quiet link", suite.c_tcp_closed),
            ("QinQ VLAN tags (injected), IPv4/IPv6 fragments from the kernel",
             suite.c_vlan_and_fragments),
            ("--active-timeout ends a flow on time, continuation keeps its key",
             suite.c_active_timeout),
            ("idle expiry by the clock does not split a flow whose packets are buffered",
             suite.c_idle_no_split),
            ("--max-flows evicts the least recently seen while running", suite.c_max_flows),
            ("kernel drops (-B, stopped reader) reported in summary and SIGUSR1",
             suite.c_drops_reported),
            ("SIGINT flushes live flows as shutdown records", suite.c_sigint_shutdown_records),
            ("SIGUSR1 prints counters to stderr without stopping", suite.c_sigusr1),
            ("-i any (Linux cooked) and SIGTERM", suite.c_sigterm_any),
            ("SIGINT while output blocks on a slow reader loses nothing",
             suite.c_sigint_while_output_blocked),
            ("a second SIGINT exits at once", suite.c_second_sigint),
            ("-c COUNT stops after COUNT packets", suite.c_count),
            ("--duration stops on time on a quiet and a busy link", suite.c_duration),
            ("-Z nobody: uid, gid, groups dropped; capture still works", suite.c_drop_privileges),
            ("-Z with a missing user: one error line, exit 1", suite.c_missing_user),
            ("not root, with CAP_NET_RAW: capabilities shed once open; -Z warns",
             suite.c_not_root_sheds_capabilities),
            ("SIGHUP stops like SIGTERM, and not twice; ignored under nohup", suite.c_sighup),
            ("missing interface: one error line, exit 1", suite.c_missing_iface),
            ("no permission to capture: one error line, exit 1", suite.c_no_permission),
            ("BPF filter excludes other traffic (-s 128 -p -B 2048)", suite.c_filter),
            ("promiscuous mode unless -p; -s SNAPLEN cuts headers (truncated)",
             suite.c_promisc_and_snaplen),
            ("CSV to a file (-o) is streamed as flows end", suite.c_csv_file_streaming),
            ("text format streams rows (with the ! mark) to a pipe, then the summary",
             suite.c_text_streaming),
            ("-D lists the veth", suite.c_list_interfaces),
            ("status line on a terminal only, text mode only", suite.c_status_line_tty),
            ("status line and flow rows share a terminal cleanly", suite.c_status_line_shared_tty),
            ("interface set down mid-capture: one error line, flows emitted, exit 1",
             suite.c_iface_set_down),
            ("interface removed mid-capture: one error line, flows emitted, exit 1",
             suite.c_iface_down),
        ]
        for name, fn in cases:
            suite.case(name, fn)
    finally:
        net.cleanup()
    print("live: %.0fs" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (suite.passed, suite.failed), flush=True)
    sys.exit(1 if suite.failed else 0)


BIN = None
STARTED = []  # every Portlabel started by the current check

if __name__ == "__main__":
    main()
