#!/usr/bin/env bash
# tests/bench/profile.sh — where portlabel's time goes on a benchmark workload.
#
# Uses `perf record` (cpu-clock sampling, which works without hardware counters) when it is
# usable, else `valgrind --tool=callgrind` (exact instruction counts; run it on a smaller
# workload, it is ~50x slower). Prints the top functions.
set -u -o pipefail

usage() {
    cat <<'EOF'
usage: tests/bench/profile.sh [--callgrind] [--top N] PORTLABEL FILE.pcap [portlabel args...]

Profiles `PORTLABEL -r FILE.pcap -F json -o /dev/null [args]` and prints the top N
functions (default 25) by self time (perf) or by instructions (callgrind). Outputs are
kept next to FILE.pcap (FILE.perf.data, FILE.callgrind.out).
  --callgrind   use callgrind even when perf works
EOF
}

TOOL=perf TOP=25
while [ $# -gt 0 ]; do
    case $1 in
    --callgrind) TOOL=callgrind ;;
    --top) [ $# -ge 2 ] || { usage >&2; exit 2; }; TOP=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) break ;;
    esac
    shift
done
[ $# -ge 2 ] || { usage >&2; exit 2; }
PL=$1 FILE=$2
shift 2

if [ "$TOOL" = perf ] && ! perf record -e cpu-clock -o /dev/null true >/dev/null 2>&1; then
    echo "profile: perf record does not work here; using callgrind" >&2
    TOOL=callgrind
fi

if [ "$TOOL" = perf ]; then
    OUT=${FILE%.pcap}.perf.data
    perf record -e cpu-clock -F 2000 -g -o "$OUT" \
        "$PL" -r "$FILE" -F json -o /dev/null "$@" >/dev/null 2>"$OUT.log" \
        || { tail "$OUT.log" >&2; exit 1; }
    echo "== self time by function (perf, cpu-clock)"
    perf report -i "$OUT" --stdio --no-children --sort symbol 2>/dev/null \
        | grep -E '^ +[0-9.]+%' | head -n "$TOP"
    echo "== by shared object"
    perf report -i "$OUT" --stdio --no-children --sort dso 2>/dev/null \
        | grep -E '^ +[0-9.]+%' | head -n 8
else
    command -v valgrind >/dev/null || { echo "profile: valgrind is not installed" >&2; exit 1; }
    OUT=${FILE%.pcap}.callgrind.out
    valgrind --tool=callgrind --callgrind-out-file="$OUT" \
        "$PL" -r "$FILE" -F json -o /dev/null "$@" >/dev/null 2>"$OUT.log" \
        || { tail "$OUT.log" >&2; exit 1; }
    grep -E 'Collected' "$OUT.log"
    echo "== instructions by function, self (callgrind)"
    callgrind_annotate "$OUT" 2>/dev/null | sed -n '/^Ir/,$p' | head -n "$((TOP + 2))"
    echo "== inclusive"
    callgrind_annotate --inclusive=yes "$OUT" 2>/dev/null | sed -n '/^Ir/,$p' \
        | head -n "$((TOP + 2))"
fi
