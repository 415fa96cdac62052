#!/bin/sh
# tests/tools/prefetch_check.sh — the flow table's prefetch hints are in the binary.
# GCC's link-time optimisation (ipa-pure-const) once compiled the calls to
# pl_flow_table_prefetch_bucket() and _flow() to nothing: it took a function whose only
# effect is __builtin_prefetch for one without side effects. So bench_flow measured
# look-ups without those hints: 3 prefetch instructions were left in it, against 6 with
# every hint. Counts them in BINARY (bench_flow, which calls all three hint entry points).
# Only meaningful under link-time optimisation (without it no call is dropped, and an
# unoptimised build has every one anyway): LTO is "lto" or "no-lto" (skipped). x86-64 with
# objdump only. Exit 77 = skipped.
# Usage: prefetch_check.sh BINARY LTO
set -u
bin=$1
lto=${2:-no-lto}
[ "$lto" = lto ] || { echo "prefetch_check: no link-time optimisation: skipped"; exit 77; }
command -v objdump >/dev/null 2>&1 || { echo "prefetch_check: no objdump: skipped"; exit 77; }
case $(objdump -f "$bin" 2>/dev/null) in
*x86-64*) ;;
*) echo "prefetch_check: not an x86-64 binary: skipped"; exit 77 ;;
esac
n=$(objdump -d --no-show-raw-insn "$bin" |
    grep -cE '[[:space:]]prefetch(nta|t0|t1|t2|w|wt1)?[[:space:]]')
# bucket (1) + flow node (2) + LRU neighbours (2) + a new key's chain head (1)
if [ "$n" -lt 6 ]; then
    echo "prefetch_check: $bin has $n prefetch instructions, want at least 6 (hints dropped?)"
    exit 1
fi
echo "prefetch_check: $n prefetch instructions in $bin"
