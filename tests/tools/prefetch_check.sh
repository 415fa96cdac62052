#!/bin/sh
# tests/tools/prefetch_check.sh — the flow table's prefetch hints are in the binaries.
# GCC's link-time optimisation (ipa-pure-const) once compiled the calls behind
# pl_flow_table_prefetch_bucket() and _flow() to nothing: it took a function whose only
# effect is __builtin_prefetch for one without side effects. So bench_flow measured
# look-ups without those hints (3 prefetch instructions were left in it, 6 with every
# hint). portlabel's pipeline calls the hints directly and gets them inlined; were a hint no
# longer inlined, its call could go the same way. Counts the prefetch instructions in each
# BINARY and wants at least MIN. Only meaningful under link-time optimisation (without it no
# call is dropped): LTO is "lto" or "no-lto" (skipped). x86-64 with objdump only.
# Exit 77 = skipped.
# Usage: prefetch_check.sh LTO BINARY MIN [BINARY MIN ...]
set -u
lto=$1
shift
[ "$lto" = lto ] || { echo "prefetch_check: no link-time optimisation: skipped"; exit 77; }
command -v objdump >/dev/null 2>&1 || { echo "prefetch_check: no objdump: skipped"; exit 77; }
status=0
while [ $# -ge 2 ]; do
    bin=$1 min=$2
    shift 2
    case $(objdump -f "$bin" 2>/dev/null) in
    *x86-64*) ;;
    *) echo "prefetch_check: $bin is not an x86-64 binary: skipped"; exit 77 ;;
    esac
    n=$(objdump -d --no-show-raw-insn "$bin" |
        grep -cE '[[:space:]]prefetch(nta|t0|t1|t2|w|wt1)?[[:space:]]')
    if [ "$n" -lt "$min" ]; then
        echo "prefetch_check: $bin has $n prefetch instructions, want at least $min (hints dropped?)"
        status=1
    else
        echo "prefetch_check: $n prefetch instructions in $bin (at least $min)"
    fi
done
exit $status
