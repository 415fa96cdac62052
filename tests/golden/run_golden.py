#!/usr/bin/env python3
"""Golden end-to-end tests for portlabel (STYLE §9, tier 3).

tests/golden/TESTLIST holds one test a line:   NAME PCAP ARGS...
  PCAP is relative to pcaps/; several captures joined with '+' become several -r options
  (one stream).  ARGS are passed to portlabel as they are, except a first ARG `exit=N`: the
  exit status expected (default 0; a non-zero one must come with a message on stderr).
The test runs, from the source directory,
    portlabel -R tests/golden/registry.csv -r pcaps/PCAP [-r ...] ARGS
and compares standard output with tests/golden/NAME.json, NAME.csv or NAME.txt, chosen by
the -F/--format in ARGS (text when none):
  json  line by line, field by field (flow records: exactly the same fields; the summary:
        the fields the expected file lists; registry.path by file name);  timestamps must be
        written with exactly 6 decimals;
  csv   parsed rows, cell by cell, named by the header;
  text  exactly.
A missing expected file fails.  PL_UPDATE_GOLDEN=1 writes the expected file from the actual
output instead of comparing: only on purpose, and review every changed line against SPEC.md.

Usage: run_golden.py --portlabel BIN [--source DIR] [NAME ...]   (no NAME: every test)
"""

import argparse
import csv
import decimal
import difflib
import io
import json
import os
import re
import subprocess
import sys

REGISTRY = "tests/golden/registry.csv"
TS_RE = re.compile(r'"(first_seen|last_seen)"\s*:\s*(-?[0-9.eE+-]+)')


def read_testlist(source):
    tests = {}
    with open(os.path.join(source, "tests", "golden", "TESTLIST"), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split()
            if len(words) < 2:
                raise SystemExit(f"TESTLIST:{lineno}: need NAME PCAP [ARGS...]")
            tests[words[0]] = (words[1], words[2:])
    return tests


def fmt_of(args):
    for i, a in enumerate(args):
        if a in ("-F", "--format") and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--format="):
            return a.split("=", 1)[1]
        if a.startswith("-F") and len(a) > 2:
            return a[2:]
    return "text"


def ext_of(fmt):
    return {"json": "json", "csv": "csv", "text": "txt"}[fmt]


def describe(rec):
    if rec.get("type") == "flow":
        return "flow {} {}:{} -> {}:{} vlan {} first_seen {}".format(
            rec.get("proto"), rec.get("src"), rec.get("sport"), rec.get("dst"),
            rec.get("dport"), rec.get("vlan"), rec.get("first_seen"))
    return "record type {}".format(rec.get("type"))


def same(a, b):
    # JSON true/false must not equal 1/0; numbers compare by value (Decimal vs int).
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, decimal.Decimal)) and isinstance(b, (int, decimal.Decimal)):
        return decimal.Decimal(a) == decimal.Decimal(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def compare_summary(exp, act, where, errors):
    for key, want in exp.items():
        if key not in act:
            errors.append(f"{where}: field '{key}' missing (expected {json.dumps(want, default=str)})")
            continue
        got = act[key]
        if key == "registry" and isinstance(want, dict) and isinstance(got, dict):
            for k, w in want.items():
                g = got.get(k)
                if k == "path" and isinstance(g, str) and isinstance(w, str):
                    ok = os.path.basename(g) == os.path.basename(w)
                else:
                    ok = same(w, g)
                if not ok:
                    errors.append(f"{where}: field 'registry.{k}': expected {w!r}, got {g!r}")
            continue
        if not same(want, got):
            errors.append(f"{where}: field '{key}': expected {json.dumps(want, default=str)}, "
                          f"got {json.dumps(got, default=str)}")


def compare_json(expected, actual):
    errors = []
    exp_lines = [l for l in expected.splitlines() if l.strip()]
    act_lines = [l for l in actual.splitlines() if l.strip()]
    act = []
    for n, line in enumerate(act_lines, 1):
        try:
            act.append(json.loads(line, parse_float=decimal.Decimal))
        except ValueError as e:
            return [f"actual line {n} is not JSON ({e}): {line[:200]}"]
        for m in TS_RE.finditer(line):
            if not re.fullmatch(r"[0-9]+\.[0-9]{6}", m.group(2)):
                errors.append(f"actual line {n}: {m.group(1)} {m.group(2)} is not written with "
                              "6 decimals")
    exp = [json.loads(l, parse_float=decimal.Decimal) for l in exp_lines]
    for i, (e, a) in enumerate(zip(exp, act), 1):
        where = f"record {i} ({describe(e)})"
        if e.get("type") != a.get("type"):
            errors.append(f"{where}: expected type {e.get('type')!r}, got {describe(a)}")
            break
        if e.get("type") == "summary":
            compare_summary(e, a, where, errors)
            continue
        for key in e:
            if key not in a:
                errors.append(f"{where}: field '{key}' missing")
            elif not same(e[key], a[key]):
                errors.append(f"{where}: field '{key}': expected "
                              f"{json.dumps(e[key], default=str)}, got "
                              f"{json.dumps(a[key], default=str)}")
        for key in a:
            if key not in e:
                errors.append(f"{where}: unexpected field '{key}'")
        if errors:
            break  # the first differing record is the useful one; later ones often shift
    if not errors and len(exp) != len(act):
        errors.append(f"expected {len(exp)} records, got {len(act)}")
        for a in act[len(exp):][:5]:
            errors.append(f"  extra: {describe(a)}")
        for e in exp[len(act):][:5]:
            errors.append(f"  missing: {describe(e)}")
    return errors


def compare_csv(expected, actual):
    exp = list(csv.reader(io.StringIO(expected, newline="")))
    act = list(csv.reader(io.StringIO(actual, newline="")))
    if not exp or not act:
        return [f"empty CSV (expected {len(exp)} rows, got {len(act)})"]
    if exp[0] != act[0]:
        return [f"header differs:\n  expected {exp[0]}\n  got      {act[0]}"]
    header = exp[0]
    for r, (e, a) in enumerate(zip(exp[1:], act[1:]), 2):
        if len(e) != len(a):
            return [f"row {r}: expected {len(e)} cells, got {len(a)}"]
        for name, x, y in zip(header, e, a):
            if x != y:
                return [f"row {r} ({e[:8]}): column '{name}': expected {x!r}, got {y!r}"]
    if len(exp) != len(act):
        return [f"expected {len(exp) - 1} data rows, got {len(act) - 1}"]
    return []


def compare_text(expected, actual):
    if expected == actual:
        return []
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "expected",
                                "actual", lineterm="", n=1)
    return ["text differs:"] + list(diff)[:40]


def run_one(name, pcap, args, portlabel, source, update):
    want_rc = 0
    if args and args[0].startswith("exit="):
        want_rc = int(args[0][5:])
        args = args[1:]
    cmd = [portlabel, "-R", REGISTRY]
    for p in pcap.split("+"):
        cmd += ["-r", os.path.join("pcaps", p)]
    cmd += args
    fmt = fmt_of(args)
    exp_path = os.path.join(source, "tests", "golden", f"{name}.{ext_of(fmt)}")
    proc = subprocess.run(cmd, cwd=source, capture_output=True, timeout=120)
    actual = proc.stdout.decode("utf-8", "replace")
    shown = " ".join(cmd)
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != want_rc:
        print(f"FAIL {name}: `{shown}` exited {proc.returncode}, expected {want_rc}\n"
              f"stderr: {stderr[:2000]}")
        return False
    if "Sanitizer" in stderr or "runtime error:" in stderr:
        print(f"FAIL {name}: `{shown}`: sanitizer report\n{stderr[:3000]}")
        return False
    if want_rc != 0 and not stderr:
        print(f"FAIL {name}: `{shown}` exited {want_rc} without a message on stderr")
        return False
    if update:
        with open(exp_path, "w", encoding="utf-8", newline="") as f:
            f.write(actual)
        print(f"UPDATED {exp_path}: review every line against SPEC.md before committing")
        return True
    if not os.path.exists(exp_path):
        print(f"FAIL {name}: expected file {exp_path} is missing (write it by hand from SPEC.md, "
              "or PL_UPDATE_GOLDEN=1 and review)")
        return False
    with open(exp_path, encoding="utf-8", newline="") as f:
        expected = f.read()
    compare = {"json": compare_json, "csv": compare_csv}.get(fmt, compare_text)
    errors = compare(expected, actual)
    if errors:
        print(f"FAIL {name}: `{shown}` differs from {os.path.relpath(exp_path, source)}")
        for e in errors[:20]:
            print("  " + e)
        return False
    print(f"ok   {name}")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--portlabel", required=True)
    ap.add_argument("--source", default=os.path.normpath(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")))
    ap.add_argument("names", nargs="*")
    opt = ap.parse_args()
    tests = read_testlist(opt.source)
    names = opt.names or list(tests)
    update = os.environ.get("PL_UPDATE_GOLDEN") == "1"
    portlabel = os.path.abspath(opt.portlabel)
    failed = 0
    for name in names:
        if name not in tests:
            print(f"FAIL {name}: not in TESTLIST")
            failed += 1
            continue
        pcap, args = tests[name]
        if not run_one(name, pcap, args, portlabel, opt.source, update):
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
