#!/usr/bin/env bash
# Regression: `portlabel lookup` with options after the word `lookup` answered the query but
# also looked `lookup` itself up ("no registry entry for 'lookup'", exit 1): glibc's getopt
# kept the first pass's permutation state. Every option placement must give one answer, exit 0.
#   tests/live/lookup_cli.sh PATH/TO/portlabel REGISTRY
set -uo pipefail
bin=$1 reg=$2
[ -f "$reg" ] || { echo "lookup_cli: registry $reg is absent: skipped"; exit 77; }
fail=0
for args in "lookup 80/tcp -R $reg" "-R $reg lookup 80/tcp" "lookup -R $reg 80/tcp" \
            "lookup -R $reg -F json 80/tcp" "-F json lookup -R $reg 80/tcp"; do
    # shellcheck disable=SC2086
    out=$("$bin" $args 2>&1)
    rc=$?
    if [ "$rc" -ne 0 ] || ! grep -q 'http' <<<"$out" || grep -q "'lookup'" <<<"$out"; then
        echo "FAIL portlabel $args: exit $rc: $out"
        fail=1
    else
        echo "PASS portlabel $args"
    fi
done
exit $fail
