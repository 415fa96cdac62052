#!/bin/sh
# tests/tools/registry_update_check.sh — registry/update.sh behaviour, run from CTest:
#   offline: fails within seconds, exactly one line on stderr, old copy untouched;
#   online (a file:// mirror of the shared registry): both files replaced, no temp left.
# Usage: registry_update_check.sh SOURCE_DIR SHARED_DIR [PORTLABEL]. Exit 77 = skipped.
set -u
src=$1
shared=$2
bin=${3:-}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cp "$src/registry/update.sh" "$work/update.sh" || exit 1

# 1. offline: nothing listens on port 9 (discard) of the loopback address
echo "old copy" >"$work/service-names-port-numbers.csv"
start=$(date +%s)
REGISTRY_URL_BASE=http://127.0.0.1:9/x "$work/update.sh" >"$work/out" 2>"$work/err"
rc=$?
took=$(($(date +%s) - start))
[ "$rc" -ne 0 ] || { echo "FAIL: offline run exited 0"; exit 1; }
[ "$took" -le 10 ] || { echo "FAIL: offline run took ${took}s"; exit 1; }
[ "$(wc -l <"$work/err")" -eq 1 ] || { echo "FAIL: stderr is not one line:"; cat "$work/err"; exit 1; }
[ "$(cat "$work/service-names-port-numbers.csv")" = "old copy" ] ||
    { echo "FAIL: old copy was touched"; exit 1; }
ls "$work" | grep -q tmp && { echo "FAIL: temporary file left"; exit 1; }
echo "offline: exit $rc in ${took}s: $(cat "$work/err")"

# 2. a mirror of the shared registry
[ -r "$shared/registry/service-names-port-numbers.csv" ] ||
    { echo "SKIP: $shared/registry is absent"; exit 77; }
PORTLABEL=$bin REGISTRY_URL_BASE="file://$shared/registry" "$work/update.sh" ||
    { echo "FAIL: update from the mirror"; exit 1; }
cmp -s "$work/service-names-port-numbers.csv" "$shared/registry/service-names-port-numbers.csv" ||
    { echo "FAIL: CSV not replaced"; exit 1; }
cmp -s "$work/service-names-port-numbers.xml" "$shared/registry/service-names-port-numbers.xml" ||
    { echo "FAIL: XML not replaced"; exit 1; }
ls "$work" | grep -q tmp && { echo "FAIL: temporary file left"; exit 1; }
echo "mirror: both files replaced"
