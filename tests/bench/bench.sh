#!/usr/bin/env bash
# tests/bench/bench.sh — portlabel's reproducible benchmark (issue 5).
#
# Builds a Release tree, generates the workloads W1 (IMIX, 100k concurrent flows) and W2
# (64-byte frames, 1M concurrent flows) with tests/tools/gen_workload, then times portlabel
# and the bare libpcap read loop (tests/tools/pcap_floor) alternately, and checks that
# portlabel's flow and packet counts equal the generator's truth. The floor runs twice: as
# libpcap opens a file (stdio over read(2) with a 4 KiB buffer: the ratio of issue 5), and
# as portlabel reads saved files (--buffered: a 128 KiB stdio buffer and one
# pcap_dispatch(); the vs_buffered column). Optionally also a touch floor (--touch-floor), a
# baseline build (--baseline) and a pause before each memory-heavy run (--settle). Run with
# -h for options.
set -u -o pipefail

usage() {
    cat <<'EOF'
usage: tests/bench/bench.sh [options]

Times portlabel (-F json -o /dev/null) against the libpcap read loop alone on two generated
workloads, alternately, and checks portlabel's counts against the generator's truth.
  W1: 5,000,000 packets, 100,000 concurrent flows, IMIX-like sizes (about 1.6 GB)
  W2: 5,000,000 packets, 1,000,000 concurrent flows, 64-byte frames (about 0.4 GB)
Prints per workload the median and fastest wall time, median user and system time,
packets/s, peak RSS and the ratio of medians to the floor (pcap_open_offline's stdio; and
vs_buffered: the file read as portlabel reads saved files, with a 128 KiB stdio buffer and
one pcap_dispatch() instead of a pcap_next_ex() call per record), min_ratio (fastest run
over the floor's fastest: less sensitive to a slow floor median), plus the registry load
time. Failed runs are left out of the figures and counted.
Exit status: 0 ok, 1 counts differ or a tool failed, 2 usage error, 77 portlabel cannot
read files yet.

options:
  --build-dir DIR   Release build tree to (re)build and use (default: <repo>/build-bench);
                    gen_workload and pcap_floor are compiled into DIR/bench-tools
  --no-build        use the portlabel already built in the build tree
  --portlabel BIN   portlabel binary to time (skips the build)
  --gen BIN         gen_workload binary (default: from the build tree)
  --floor BIN       pcap_floor binary (default: from the build tree)
  --baseline BIN    another portlabel build (e.g. of an earlier commit) timed in the same
                    alternation, with its own row (timed only: its counts are not
                    checked): on a machine whose speed drifts, the only fair
                    before/after comparison. The two builds swap places every
                    round, since the second may find memory the first just freed
  --work-dir DIR    where workloads and results go (default: /tmp/portlabel-bench);
                    workload files are reused when their parameters match
  --runs N          timed runs per tool and workload (default: 5)
  --packets N       packets per workload (default: 5000000)
  --workloads LIST  comma-separated subset of w1,w2 (default: w1,w2)
  --small-run       CI mode: W1 with 200,000 packets and 10,000 concurrent flows,
                    1 run each, no peers
  --registry FILE   registry for portlabel -R (default: $PORTLABEL_REGISTRY, else
                    <repo>/../shared/registry/service-names-port-numbers.csv if present)
  --no-peers        do not time tshark / nfpcapd / softflowd / argus even if installed
  --peer-runs N     runs per peer tool (default: 1; they take minutes)
  --instructions    also count instructions per packet under callgrind (stable where wall
                    time is noisy) on reduced workloads: 500,000 packets, a tenth of the
                    concurrent flows; takes a few minutes
  --touch-floor     also time `pcap_floor --touch M`: the read loop, then M MiB of fresh
                    memory (M = portlabel's peak RSS) written once per 4 KiB page: the
                    floor plus what the machine charges for handing out that much
                    memory. Runs last in each round; use with --settle, or it finds
                    the memory portlabel has just freed
  --settle S        sleep S seconds before each memory-heavy run (portlabel, baseline,
                    touch floor; default 0), so that none starts on memory another has
                    just freed: on a VM that hands freed memory back to the host, a run
                    that reuses it is much faster than one that does not
  --keep-going      do not stop at the first count mismatch
  -h, --help        this text
EOF
}

die() { echo "bench: $*" >&2; exit 1; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=$REPO/build-bench
WORK=/tmp/portlabel-bench
RUNS=5
PACKETS=5000000
WORKLOADS=w1,w2
W1_FLOWS=100000
DO_BUILD=1
PEERS=1
PEER_RUNS=1
PORTLABEL='' GEN='' FLOOR='' BASELINE=''
REGISTRY=${PORTLABEL_REGISTRY:-}
KEEP_GOING=0
INSTR=0
TOUCH=0
SETTLE=0

need() { [ "$1" -ge 2 ] || { echo "bench: $2 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
    case $1 in
    --build-dir|--portlabel|--gen|--floor|--work-dir|--runs|--packets|--workloads|\
    --registry|--peer-runs|--baseline|--settle) need $# "$1" ;;
    esac
    case $1 in
    --build-dir) BUILD_DIR=$2; shift ;;
    --no-build) DO_BUILD=0 ;;
    --portlabel) PORTLABEL=$2; DO_BUILD=0; shift ;;
    --gen) GEN=$2; shift ;;
    --floor) FLOOR=$2; shift ;;
    --baseline) BASELINE=$2; shift ;;
    --work-dir) WORK=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --packets) PACKETS=$2; shift ;;
    --workloads) WORKLOADS=$2; shift ;;
    --small-run) PACKETS=200000; W1_FLOWS=10000; RUNS=1; WORKLOADS=w1; PEERS=0 ;;
    --registry) REGISTRY=$2; shift ;;
    --no-peers) PEERS=0 ;;
    --peer-runs) PEER_RUNS=$2; shift ;;
    --keep-going) KEEP_GOING=1 ;;
    --instructions) INSTR=1 ;;
    --touch-floor) TOUCH=1 ;;
    --settle) SETTLE=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
for n in "$RUNS" "$PACKETS" "$PEER_RUNS"; do
    case $n in ''|*[!0-9]*|0) echo "bench: not a positive number: $n" >&2; exit 2 ;; esac
done
case $SETTLE in ''|*[!0-9.]*|*.*.*) echo "bench: --settle: not a number of seconds: $SETTLE" >&2
    exit 2 ;; esac

[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || die "--baseline: not an executable: $BASELINE"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
if [ -z "$REGISTRY" ] && [ -f "$REPO/../shared/registry/service-names-port-numbers.csv" ]; then
    REGISTRY=$(cd "$REPO/../shared/registry" && pwd)/service-names-port-numbers.csv
fi

# ---- build -------------------------------------------------------------------------------
# portlabel comes from the project's own Release build (tests off: the timed binary does not
# depend on them); the two single-file tools are compiled directly with the same compiler.
if [ "$DO_BUILD" = 1 ]; then
    echo "== building $BUILD_DIR (Release)"
    mkdir -p "$BUILD_DIR" || die "cannot create $BUILD_DIR"
    LOG=$BUILD_DIR/bench-build.log
    cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
        >"$LOG" 2>&1 || { tail -30 "$LOG" >&2; die "cmake configure failed (see $LOG)"; }
    cmake --build "$BUILD_DIR" -j2 --target portlabel >>"$LOG" 2>&1 \
        || { tail -30 "$LOG" >&2; die "build failed (see $LOG)"; }
fi
if [ -z "$GEN" ] || [ -z "$FLOOR" ]; then
    CC=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null)
    PCAP_FLAGS=$(pkg-config --cflags --libs libpcap 2>/dev/null || echo -lpcap)
    mkdir -p "$BUILD_DIR/bench-tools" || die "cannot create $BUILD_DIR/bench-tools"
    for tool in gen_workload pcap_floor; do
        src=$REPO/tests/tools/$tool.c bin=$BUILD_DIR/bench-tools/$tool
        if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
            # shellcheck disable=SC2086 # PCAP_FLAGS is a word list
            "${CC:-cc}" -std=c11 -D_DEFAULT_SOURCE -O2 -o "$bin" "$src" $PCAP_FLAGS \
                || die "cannot compile $src"
        fi
    done
    # the registry helper's load-time tool, from the libraries just built (best effort)
    if [ -f "$BUILD_DIR/src/libpl_label.a" ] && [ -f "$REPO/tests/tools/bench_registry.c" ]; then
        # shellcheck disable=SC2046 # pkg-config prints a word list
        "${CC:-cc}" -std=c11 -D_DEFAULT_SOURCE -O2 -I"$REPO/include" -I"$REPO/src" \
            -o "$BUILD_DIR/bench-tools/bench_registry" "$REPO/tests/tools/bench_registry.c" \
            "$BUILD_DIR/src/libpl_label.a" "$BUILD_DIR/src/libpl_util.a" \
            $(pkg-config --libs expat 2>/dev/null || echo -lexpat) 2>/dev/null \
            || rm -f "$BUILD_DIR/bench-tools/bench_registry"
    fi
    : "${GEN:=$BUILD_DIR/bench-tools/gen_workload}"
    : "${FLOOR:=$BUILD_DIR/bench-tools/pcap_floor}"
fi
: "${PORTLABEL:=$BUILD_DIR/portlabel}"
for b in "$PORTLABEL" "$GEN" "$FLOOR"; do
    [ -x "$b" ] || die "not executable: $b (build it, or pass --portlabel/--gen/--floor)"
done
mkdir -p "$WORK" || die "cannot create $WORK"

# ---- helpers -----------------------------------------------------------------------------
# json_num FILE-OR-STRING KEY: the first "KEY": <number> in the text
json_num() { printf '%s\n' "$1" | sed -n "s/.*\"$2\": *\([0-9][0-9]*\).*/\1/p" | head -n 1; }
# json_obj TEXT KEY: the body of "KEY": {...} (flat objects only)
json_obj() { printf '%s\n' "$1" | sed -n "s/.*\"$2\": *{\([^}]*\)}.*/\1/p" | head -n 1; }

median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan";
    else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

now_ns() { date +%s%N; }

# settle: the pause before a memory-heavy run (--settle)
settle() { [ "$SETTLE" = 0 ] || sleep "$SETTLE"; }

# ok_col FILE N: column N of the successful runs in a .times file
ok_col() { awk -v c="$2" '$3 == 0 {print $c}' "$1"; }

# timed LOGFILE CMD...: run once, append "wall_s rss_kb rc user_s sys_s" to LOGFILE
timed() {
    local log=$1; shift
    local t0 t1 rc rss user sys
    t0=$(now_ns)
    /usr/bin/time -f '%M %U %S' -o "$WORK/.time" "$@" >/dev/null 2>"$WORK/.stderr"
    rc=$?
    t1=$(now_ns)
    read -r rss user sys < <(tail -n 1 "$WORK/.time")
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b-a)/1e9}') ${rss:-0} $rc" \
        "${user:-0} ${sys:-0}" >>"$log"
    if [ "$rc" != 0 ]; then
        echo "bench: failed (exit $rc): $*" >&2
        tail -n 5 "$WORK/.stderr" >&2
    fi
    return "$rc"
}

SRC_TAG=$( (sha1sum "$REPO/tests/tools/gen_workload.c" 2>/dev/null || echo x) | cut -c1-8)

# generate NAME [PACKETS FLOWS]: sets FILE and TRUTH, generating them unless present
generate() {
    local name=$1 packets=${2:-$PACKETS} flows seed extra
    case $name in
    w1) flows=$W1_FLOWS; seed=1; extra= ;;
    w2) flows=1000000; seed=2; extra=--small ;;
    *) die "unknown workload: $name" ;;
    esac
    flows=${3:-$flows}
    FILE=$WORK/$name-n$packets-f$flows-s$seed-$SRC_TAG.pcap
    TRUTH=${FILE%.pcap}.truth.json
    if [ -s "$FILE" ] && [ -s "$TRUTH" ]; then
        echo "== $name: reusing $FILE"
        return
    fi
    echo "== $name: generating $FILE"
    rm -f "$FILE" "$TRUTH"
    local t0 t1
    t0=$(now_ns)
    "$GEN" --packets "$packets" --flows "$flows" --seed "$seed" $extra \
        -o "$FILE.tmp" --truth "$TRUTH.tmp" || die "gen_workload failed"
    t1=$(now_ns)
    mv "$FILE.tmp" "$FILE" || die "cannot rename into $WORK"
    mv "$TRUTH.tmp" "$TRUTH" || die "cannot rename into $WORK"
    echo "   generated in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b-a)/1e9}') s"
}

# ---- count check -------------------------------------------------------------------------
STATUS=0

# verify NAME: run portlabel once, untimed, and compare its counts with the truth
verify() {
    local name=$1 truth summary rc
    truth=$(cat "$TRUTH")
    # Stream the flow lines through awk: per protocol, end reason, IPv6, VLAN, bytes.
    # (peak RSS kept: the touch floor maps as much)
    /usr/bin/time -f '%M' -o "$WORK/$name.verify.rss" \
        "$PORTLABEL" -r "$FILE" -F json "${PL_ARGS[@]}" 2>"$WORK/$name.verify.err" | awk '
        /"type": *"summary"/ { print "SUMMARY " $0; next }
        /"type": *"flow"/ {
            n++
            if (match($0, /"proto": *"[a-z]*"/)) { s = substr($0, RSTART, RLENGTH);
                sub(/.*: *"/, "", s); sub(/"/, "", s); proto[s]++ }
            if (match($0, /"end_reason": *"[a-z]*"/)) { s = substr($0, RSTART, RLENGTH);
                sub(/.*: *"/, "", s); sub(/"/, "", s); why[s]++ }
            if ($0 ~ /"ip_version": *6/) v6++
            if ($0 ~ /"vlan": *[0-9]/) vlan++
            if (match($0, /"bytes_fwd": *[0-9]+/)) { s = substr($0, RSTART, RLENGTH);
                sub(/.*: */, "", s); bytes += s }
            if (match($0, /"bytes_rev": *[0-9]+/)) { s = substr($0, RSTART, RLENGTH);
                sub(/.*: */, "", s); bytes += s }
        }
        END {
            printf "FLOWS %d\nV6 %d\nVLAN %d\nBYTES %.0f\n", n, v6, vlan, bytes
            for (p in proto) printf "PROTO %s %d\n", p, proto[p]
            for (w in why) printf "WHY %s %d\n", w, why[w]
        }' >"$WORK/$name.verify"
    rc=${PIPESTATUS[0]}
    summary=$(sed -n 's/^SUMMARY //p' "$WORK/$name.verify")
    if [ -z "$summary" ]; then
        if { [ "$rc" = 0 ] || [ "$rc" = 2 ]; } &&
            [ "$(grep -c '^PROTO' "$WORK/$name.verify")" = 0 ]; then
            echo "bench: portlabel cannot read files yet (exit $rc, no output): skipped" >&2
            sed -n 1,3p "$WORK/$name.verify.err" >&2
            exit 77
        fi
        echo "bench: $name: portlabel exit $rc and no summary line" >&2
        sed -n 1,5p "$WORK/$name.verify.err" >&2
        STATUS=1
        return 1
    fi
    [ "$rc" = 0 ] || { echo "bench: $name: portlabel exit $rc" >&2; STATUS=1; }

    local bad=0 key want got
    check() { # label want got
        if [ "$2" = "$3" ]; then
            printf '   %-30s %12s  ok\n' "$1" "$3"
        else
            printf '   %-30s %12s  MISMATCH (truth %s)\n' "$1" "${3:-?}" "$2"
            bad=1
        fi
    }
    echo "== $name: counts (portlabel vs generator truth)"
    for key in flows_total packets_in_flows packets_total; do
        check "summary.$key" "$(json_num "$truth" "$key")" "$(json_num "$summary" "$key")"
    done
    for key in malformed truncated non_ip fragment_unattributed unsupported_link; do
        got=$(json_num "$summary" "$key")
        [ -z "$got" ] || check "summary.$key" 0 "$got"
    done
    check "flow records" "$(json_num "$truth" flows_total)" \
        "$(sed -n 's/^FLOWS //p' "$WORK/$name.verify")"
    local by_proto by_why
    by_proto=$(json_obj "$truth" flows_by_proto)
    for key in tcp udp sctp dccp; do
        want=$(json_num "$by_proto" "$key")
        got=$(awk -v k="$key" '$1 == "PROTO" && $2 == k {print $3}' "$WORK/$name.verify")
        check "flows $key" "$want" "${got:-0}"
    done
    by_why=$(json_obj "$truth" end_reason)
    for key in closed eof; do
        want=$(json_num "$by_why" "$key")
        got=$(awk -v k="$key" '$1 == "WHY" && $2 == k {print $3}' "$WORK/$name.verify")
        check "end_reason $key" "$want" "${got:-0}"
    done
    check "flows ip_version 6" "$(json_num "$truth" flows_ipv6)" \
        "$(sed -n 's/^V6 //p' "$WORK/$name.verify")"
    check "flows with vlan" "$(json_num "$truth" flows_vlan)" \
        "$(sed -n 's/^VLAN //p' "$WORK/$name.verify")"
    check "bytes in flows" "$(json_num "$truth" bytes_total)" \
        "$(sed -n 's/^BYTES //p' "$WORK/$name.verify")"
    if [ "$bad" = 1 ]; then
        STATUS=1
        [ "$KEEP_GOING" = 1 ] || die "$name: portlabel's counts differ from the truth"
    fi
}

# ---- peers -------------------------------------------------------------------------------
# peer_cmds FILE OUTDIR: PEER_NAMES / PEER_CMDS for the peer tools that are installed
peer_cmds() {
    local f=$1 out=$2
    PEER_NAMES=() PEER_CMDS=()
    [ "$PEERS" = 1 ] || return 0
    if command -v tshark >/dev/null; then
        PEER_NAMES+=(tshark-conv); PEER_CMDS+=("tshark -n -r $f -q -z conv,tcp")
    fi
    if command -v nfpcapd >/dev/null; then
        PEER_NAMES+=(nfpcapd); PEER_CMDS+=("nfpcapd -r $f -w $out")
    fi
    if command -v softflowd >/dev/null; then
        PEER_NAMES+=(softflowd); PEER_CMDS+=("softflowd -r $f -m 2000000 -v 9 -n 127.0.0.1:9")
    fi
    if command -v argus >/dev/null; then
        PEER_NAMES+=(argus); PEER_CMDS+=("argus -r $f -w $out/argus.out")
    fi
}

# ---- run ---------------------------------------------------------------------------------
printf '== portlabel: %s\n' "$PORTLABEL"
printf '   registry: %s\n' "${REGISTRY:-portlabel default discovery}"
printf '   machine: %s, %s CPUs; runs: %s each, alternating\n' \
    "$(uname -m)" "$(nproc)" "$RUNS"

REPORT=$WORK/report.txt
: >"$REPORT"
for name in ${WORKLOADS//,/ }; do
    generate "$name"
    PL_ARGS=()
    [ -z "$REGISTRY" ] || PL_ARGS+=(-R "$REGISTRY")
    # Every flow stays in portlabel's table until the end (nothing times out within
    # seconds of packet time), so the table must hold them all or it evicts.
    truth_flows=$(json_num "$(cat "$TRUTH")" flows_total)
    if [ "$truth_flows" -gt 1000000 ]; then
        PL_ARGS+=(--max-flows "$(( (truth_flows + 99999) / 100000 * 100000 ))")
    fi
    verify "$name"
    # the touch floor: the read loop plus as much fresh memory as portlabel's peak RSS
    touch_mib=
    if [ "$TOUCH" = 1 ]; then
        touch_mib=$(tail -n 1 "$WORK/$name.verify.rss" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {
            print int(($1 + 1023) / 1024)}')
    fi

    peer_cmds "$FILE" "$WORK/peer-out"
    rm -rf "$WORK/peer-out"; mkdir -p "$WORK/peer-out"
    rm -f "$WORK/$name".*.times
    cat "$FILE" >/dev/null # page cache warm for everyone
    echo "== $name: timing (portlabel ${PL_ARGS[*]} -F json -o /dev/null)"
    for ((i = 1; i <= RUNS; i++)); do
        timed "$WORK/$name.floor.times" "$FLOOR" "$FILE" || STATUS=1
        timed "$WORK/$name.floor_buffered.times" "$FLOOR" --buffered "$FILE" || STATUS=1
        # with a baseline, the two builds swap places every round (the second may reuse
        # memory the first has just freed)
        order=portlabel
        [ -z "$BASELINE" ] || { [ $((i % 2)) = 1 ] && order="portlabel baseline" ||
            order="baseline portlabel"; }
        for tool in $order; do
            settle
            if [ "$tool" = portlabel ]; then
                timed "$WORK/$name.portlabel.times" "$PORTLABEL" -r "$FILE" -F json \
                    -o /dev/null "${PL_ARGS[@]}" || STATUS=1
            else
                timed "$WORK/$name.baseline.times" "$BASELINE" -r "$FILE" -F json \
                    -o /dev/null "${PL_ARGS[@]}" || STATUS=1
            fi
        done
        # last in the round: memory it frees could otherwise warm portlabel's at once
        if [ -n "$touch_mib" ]; then
            settle
            timed "$WORK/$name.floor_touch.times" "$FLOOR" --touch "$touch_mib" "$FILE" \
                || STATUS=1
        fi
        printf '   run %d: floor %s s, buffered floor %s s,%s portlabel %s s%s\n' "$i" \
            "$(tail -n 1 "$WORK/$name.floor.times" | cut -d' ' -f1)" \
            "$(tail -n 1 "$WORK/$name.floor_buffered.times" | cut -d' ' -f1)" \
            "$([ -z "$touch_mib" ] || printf ' touch floor %s s,' \
                "$(tail -n 1 "$WORK/$name.floor_touch.times" | cut -d' ' -f1)")" \
            "$(tail -n 1 "$WORK/$name.portlabel.times" | cut -d' ' -f1)" \
            "$([ -z "$BASELINE" ] || printf ', baseline %s s' \
                "$(tail -n 1 "$WORK/$name.baseline.times" | cut -d' ' -f1)")"
    done
    for ((p = 0; p < ${#PEER_NAMES[@]}; p++)); do
        for ((i = 1; i <= PEER_RUNS; i++)); do
            rm -rf "$WORK/peer-out"; mkdir -p "$WORK/peer-out"
            echo "   ${PEER_NAMES[p]}: ${PEER_CMDS[p]}"
            # shellcheck disable=SC2086 # the command is a word list on purpose
            timed "$WORK/$name.${PEER_NAMES[p]}.times" ${PEER_CMDS[p]} || true
        done
    done
    rm -rf "$WORK/peer-out"

    size=$(stat -c %s "$FILE")
    floor_s=$(ok_col "$WORK/$name.floor.times" 1 | median)
    floor_min=$(ok_col "$WORK/$name.floor.times" 1 | sort -g | head -n 1)
    {
        printf '\n%s: %s packets, %s concurrent flows, %s flows in all, %.2f GB%s\n' \
            "$(echo "$name" | tr "[:lower:]" "[:upper:]")" "$PACKETS" "$(json_num "$(cat "$TRUTH")" flows)" \
            "$truth_flows" "$(awk -v s="$size" 'BEGIN {print s/1e9}')" \
            "$(case $name in w2) echo ", 64-byte frames" ;; *) echo ", IMIX" ;; esac)"
        buffered_s=$(ok_col "$WORK/$name.floor_buffered.times" 1 | median)
        printf '  %-19s %5s %10s %8s %8s %8s %10s %12s %8s %10s %9s\n' tool runs median_s min_s \
            user_s sys_s Mpps peak_RSS_MiB ratio vs_buffered min_ratio
        for tool in floor floor_buffered floor_touch portlabel baseline "${PEER_NAMES[@]}"; do
            t=$WORK/$name.$tool.times
            [ -s "$t" ] || continue
            s=$(ok_col "$t" 1 | median)
            rss=$(ok_col "$t" 2 | median)
            min=$(ok_col "$t" 1 | sort -g | head -n 1)
            fails=$(awk '$3 != 0' "$t" | wc -l)
            printf '  %-19s %5s %10.3f %8.3f %8.2f %8.2f %10.2f %12.1f %7.2fx %9.2fx %8.2fx%s\n' \
                "$(case $tool in floor) echo pcap_floor ;; floor_buffered) echo pcap_floor_buffered ;;
                   floor_touch) echo "pcap_floor_touch" ;; *) echo "$tool" ;; esac)" \
                "$(ok_col "$t" 1 | wc -l)" "$s" "${min:-nan}" \
                "$(ok_col "$t" 4 | median)" \
                "$(ok_col "$t" 5 | median)" \
                "$(awk -v n="$PACKETS" -v s="$s" 'BEGIN {print n/s/1e6}')" \
                "$(awk -v k="$rss" 'BEGIN {print k/1024}')" \
                "$(awk -v a="$s" -v b="$floor_s" 'BEGIN {print a/b}')" \
                "$(awk -v a="$s" -v b="$buffered_s" 'BEGIN {print a/b}')" \
                "$(awk -v a="${min:-nan}" -v b="${floor_min:-nan}" 'BEGIN {print a/b}')" \
                "$([ "$fails" = 0 ] || echo "  ($fails runs failed)")"
        done
    } | tee -a "$REPORT"
done

# ---- instruction counts -------------------------------------------------------------------
# instr CMD...: instructions the command executes (callgrind's total)
instr() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

if [ "$INSTR" = 1 ]; then
    command -v valgrind >/dev/null || die "--instructions needs valgrind"
    for name in ${WORKLOADS//,/ }; do
        case $name in w1) f=$((W1_FLOWS / 10)) ;; *) f=100000 ;; esac
        n=500000
        generate "$name" "$n" "$f"
        PL_ARGS=()
        [ -z "$REGISTRY" ] || PL_ARGS+=(-R "$REGISTRY")
        fi_n=$(instr "$FLOOR" "$FILE")
        pl_n=$(instr "$PORTLABEL" -r "$FILE" -F json -o /dev/null "${PL_ARGS[@]}")
        reg_n=0
        [ -z "$REGISTRY" ] || reg_n=$(instr "$PORTLABEL" lookup -R "$REGISTRY" 80/tcp)
        flows_n=$(json_num "$(cat "$TRUTH")" flows_total)
        awk -v w="$name" -v n="$n" -v f="$f" -v fl="$flows_n" -v a="$fi_n" -v b="$pl_n" \
            -v r="$reg_n" 'BEGIN {
            printf "\n%s instructions (callgrind; %d packets, %d concurrent, %d flows):\n",
                toupper(w), n, f, fl
            printf "  pcap_floor %10.0f per packet\n", a / n
            printf "  portlabel  %10.0f per packet (%.0f without the registry load), ratio %.2fx\n",
                b / n, (b - r) / n, b / a
            printf "  registry load + lookup: %.1f M instructions\n", r / 1e6 }' | tee -a "$REPORT"
    done
fi

# ---- registry load time ------------------------------------------------------------------
{
    echo
    if [ -n "$REGISTRY" ]; then
        rm -f "$WORK/lookup.times"
        for ((i = 1; i <= (RUNS > 5 ? RUNS : 5); i++)); do
            timed "$WORK/lookup.times" "$PORTLABEL" lookup -R "$REGISTRY" 80/tcp || break
        done
        if awk '$3 != 0 {bad = 1} END {exit !bad}' "$WORK/lookup.times"; then
            echo "registry: 'portlabel lookup' failed"
        else
            printf 'registry: portlabel lookup -R %s 80/tcp: median %.1f ms (process start + load)\n' \
                "$(basename "$REGISTRY")" \
                "$(cut -d' ' -f1 "$WORK/lookup.times" | median | awk '{print $1*1000}')"
        fi
        for BR in "$BUILD_DIR/bench-tools/bench_registry" "$BUILD_DIR/tests/bench_registry"; do
            if [ -x "$BR" ]; then
                echo "registry: $(basename "$BR") $(basename "$REGISTRY") 20"
                "$BR" "$REGISTRY" 20 2>&1 | sed 's/^/  /'
                break
            fi
        done
    fi
} | tee -a "$REPORT"
echo
echo "report: $REPORT"
exit "$STATUS"
