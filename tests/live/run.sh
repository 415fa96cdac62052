#!/usr/bin/env bash
# Live-capture tests (issue 4): real traffic over veth pairs between two network namespaces
# created for this run, captured with `portlabel -i`. Needs root and `ip netns`.
#   bash tests/live/run.sh PATH/TO/portlabel [CHECK-NAME-SUBSTRING...]
# Registry: $PORTLABEL_REGISTRY, else ../shared/registry/service-names-port-numbers.csv beside
# the source tree. Exits 77 (skipped) when root, `ip netns` or the registry is missing, 1 when
# any check fails. Namespaces and processes are removed on exit, failures included.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
    echo "usage: $0 PATH/TO/portlabel [CHECK...]" >&2
    exit 2
fi
bin=$1
shift
skip() { echo "live: SKIP: $*"; exit 77; }

[ -x "$bin" ] || { echo "live: $bin is not an executable" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, packet capture)"
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
registry=${PORTLABEL_REGISTRY:-$here/../../../shared/registry/service-names-port-numbers.csv}
[ -f "$registry" ] || skip "registry $registry is absent (set PORTLABEL_REGISTRY)"

tag=$$
ns_c=pl-live-$tag-c
ns_s=pl-live-$tag-s
cleanup() {
    local ns pid
    for ns in "$ns_c" "$ns_s"; do
        if ip netns list 2>/dev/null | grep -qw -- "$ns"; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill -KILL "$pid" 2>/dev/null
            done
            ip netns del "$ns" 2>/dev/null
        fi
    done
}
child=
stop_child() { [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child"; }
trap cleanup EXIT
trap 'stop_child; exit 130' INT
trap 'stop_child; exit 143' TERM

# Can this machine make a namespace at all (containers may forbid it)?
probe=pl-live-$tag-probe
if ! ip netns add "$probe" 2>/dev/null; then
    skip "cannot create a network namespace (ip netns add failed)"
fi
ip netns del "$probe"

# In the background so that a signal to this script reaches the trap at once (the driver
# cleans up on SIGTERM; the EXIT trap removes whatever is left).
python3 "$here/live_test.py" "$bin" "$registry" "$tag" "$@" &
child=$!
wait "$child"
rc=$?
child=
exit "$rc"
