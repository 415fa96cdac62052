#!/usr/bin/env bash
# valgrind memcheck over a deterministic sample of N captures: no error, no leak.
#   tests/corpus/valgrind_sample.sh PORTLABEL DIR N
set -uo pipefail
bin=$1 dir=$2 n=${3:-50}
if [ ! -d "$dir" ]; then
    echo "valgrind: $dir is absent: skipped"
    exit 77
fi
command -v valgrind >/dev/null || { echo "valgrind: not installed" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mapfile -t files < <(find "$dir" -type f ! -name '*.out' -print | sort | awk -v n="$n" '
    { f[NR] = $0 } END { step = NR / n; if (step < 1) step = 1;
      for (i = 1; i <= NR && c < n; i += step) { print f[int(i)]; c++ } }')
fail=0
for f in "${files[@]}"; do
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        "$bin" -F json -o /dev/null -r "$f" 2>"$log" >/dev/null
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        echo "FAIL rc=$rc $f"; head -30 "$log"; fail=$((fail + 1))
    fi
done
echo "valgrind: ${#files[@]} captures, $fail with errors or leaks"
echo "$(( ${#files[@]} - fail )) passed, $fail failed"
[ "$fail" -eq 0 ]
