#!/usr/bin/env bash
# Run `portlabel -F json` over every capture under DIR (pcap and pcapng; nDPI's *.out
# listings skipped). Passes when every run exits 0 (or 1 with one error line, for captures
# cut off mid-record), ends with a summary record, and no sanitizer reports anything.
#   tests/corpus/run_all.sh PORTLABEL DIR [JOBS]
set -uo pipefail
bin=$1 dir=$2 jobs=${3:-2}
if [ ! -d "$dir" ]; then
    echo "corpus: $dir is absent: skipped (needs ../shared/pcaps)"
    exit 77
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:exitcode=86
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}:halt_on_error=1:exitcode=87
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

check_one() {
    local f=$1 o=$2 rc
    local base
    base=$(echo "$f" | md5sum | cut -c1-16)
    "$bin" -F json -r "$f" -o "$o/$base.json" 2>"$o/$base.err"
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        echo "FAIL rc=$rc $f"; sed 's/^/    /' "$o/$base.err" | head -20; return 1
    fi
    if grep -q -e 'runtime error' -e 'AddressSanitizer' -e 'LeakSanitizer' "$o/$base.err"; then
        echo "FAIL sanitizer $f"; head -20 "$o/$base.err"; return 1
    fi
    if [ "$rc" -eq 0 ] && ! tail -n 1 "$o/$base.json" | grep -q '"type":"summary"'; then
        echo "FAIL no summary record $f"; return 1
    fi
    if [ "$rc" -eq 1 ] && [ "$(grep -c . "$o/$base.err")" -lt 1 ]; then
        echo "FAIL exit 1 without an error line $f"; return 1
    fi
    rm -f "$o/$base.json" "$o/$base.err"
    echo "ok $rc $f"
}
export -f check_one
export bin

find "$dir" -type f ! -name '*.out' ! -name '*.txt' ! -name '*.md' -print0 | sort -z |
    xargs -0 -n1 -P"$jobs" bash -c 'check_one "$1" "$0"' "$out" > "$out/results.log"
total=$(grep -c . "$out/results.log")
fail=$(grep -c '^FAIL' "$out/results.log")
exit1=$(grep -c '^ok 1 ' "$out/results.log")
grep -A20 '^FAIL' "$out/results.log" | head -200
echo "corpus: $total captures, $((total - fail)) clean ($exit1 of them exit 1 with an error line), $fail failed"
echo "$((total - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
