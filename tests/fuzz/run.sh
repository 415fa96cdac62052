#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for SECONDS, seeded from ../shared.
# Fails on any crash, leak, sanitizer report or timeout. Findings are left in
# build-fuzz/findings/ for a regression test.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
shift || true
shared=${PL_SHARED_DIR:-$PWD/../shared}
bdir=build-fuzz
CC=clang cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPL_FUZZ=ON \
    -DPL_SHARED_DIR="$shared" >/dev/null || exit 1
cmake --build "$bdir" -j2 >/dev/null || { cmake --build "$bdir" 2>&1 | tail -30; exit 1; }
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cd "$bdir/tests" && ls fuzz_* 2>/dev/null)
fi
[ "${#targets[@]}" -gt 0 ] || { echo "fuzz: no targets built" >&2; exit 1; }

seed_dir() { # target -> directory of seeds (made once)
    local t=$1 d="$bdir/seeds/$1"
    [ -d "$d" ] && { echo "$d"; return; }
    mkdir -p "$d"
    case $t in
    fuzz_pipeline)
        # mode byte 0 (json, default timeouts) + each small capture
        find "$shared/pcaps" -type f ! -name '*.out' -size -64k 2>/dev/null | sort | head -400 |
            while read -r f; do
                { printf '\000'; cat "$f"; } > "$d/$(basename "$f")"
            done
        for f in pcaps/*.pcap; do [ -f "$f" ] && { printf '\024'; cat "$f"; } > "$d/own-$(basename "$f")"; done
        ;;
    fuzz_registry)
        for f in "$shared"/registry/*.csv "$shared"/registry/*.xml; do
            [ -f "$f" ] && head -c 20000 "$f" > "$d/$(basename "$f").head"
        done
        [ -f /etc/services ] && cp /etc/services "$d/etc-services"
        ;;
    fuzz_decode)
        if [ -x "$bdir/tests/decode_corpus" ]; then
            "$bdir/tests/decode_corpus" --dump-seeds "$d" "$shared/pcaps" >/dev/null 2>&1 || true
        fi
        ;;
    esac
    echo "$d"
}

fail=0
mkdir -p "$bdir/findings" "$bdir/corpus"
for t in "${targets[@]}"; do
    seeds=$(seed_dir "$t")
    mkdir -p "$bdir/corpus/$t"
    echo "fuzz: $t for ${secs}s ($(ls "$seeds" | wc -l) seeds)"
    # UBSan aborts on its first report (the build has -fno-sanitize-recover=undefined); a
    # "runtime error" line in the log fails the target all the same.
    if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
            "$bdir/tests/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$bdir/findings/$t-" -print_final_stats=1 \
            "$bdir/corpus/$t" "$seeds" > "$bdir/$t.log" 2>&1 ||
        grep -q "runtime error" "$bdir/$t.log"; then
        echo "fuzz: $t FAILED"; grep -E 'ERROR|SUMMARY|artifact|Test unit written' "$bdir/$t.log" | head -20
        fail=$((fail + 1))
    else
        grep -E 'stat::number_of_executed_units|cov:' "$bdir/$t.log" | tail -2
    fi
done
echo "$(( ${#targets[@]} - fail )) passed, $fail failed"
[ "$fail" -eq 0 ]
