#!/bin/sh
# registry/update.sh — download IANA's current Service Name and Transport Protocol Port
# Number Registry (RFC 6335) as CSV and XML into this directory.
#
# Both files are downloaded to temporary files beside their targets, checked, and only
# then moved into place (rename in one directory is atomic); on any failure nothing is
# replaced and one line on standard error says why. Exit status: 0 updated, 1 failed.
#
# Environment: PORTLABEL  path of a built portlabel binary; when set, each download must
#                         load with `portlabel lookup -R FILE 80/tcp` (the real reader);
#                         otherwise a header / root-element sanity check is made.
#              REGISTRY_URL_BASE  overrides the IANA URL prefix (tests, mirrors).
set -u

me=$(basename "$0")
dir=$(cd "$(dirname "$0")" && pwd) || exit 1
base=${REGISTRY_URL_BASE:-https://www.iana.org/assignments/service-names-port-numbers}
name=service-names-port-numbers
tmps=""

cleanup() {
    for t in $tmps; do rm -f "$t"; done
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

fail() {
    echo "$me: $*; existing registry copy left unchanged" >&2
    exit 1
}

# fetch URL FILE: download with a short connect timeout; one-line reason on failure.
fetch() {
    errf="$dir/.$name.err.tmp.$$"
    tmps="$tmps $errf"
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --connect-timeout 5 --max-time 120 -o "$2" "$1" 2>"$errf"
    elif command -v wget >/dev/null 2>&1; then
        wget -q --connect-timeout=5 --dns-timeout=5 --read-timeout=60 --tries=1 \
            -O "$2" "$1" 2>"$errf"
    else
        fail "neither curl nor wget is installed"
    fi
    rc=$?
    if [ "$rc" -ne 0 ]; then
        why=$(tr '\n' ' ' <"$errf" | sed 's/  *$//')
        fail "cannot download $1: ${why:-exit status $rc}"
    fi
}

# check FILE KIND: the download must parse as the registry.
check() {
    if [ -n "${PORTLABEL:-}" ]; then
        out=$("$PORTLABEL" lookup -R "$1" 80/tcp 2>&1 >/dev/null) ||
            fail "downloaded $2 does not load: $(echo "$out" | head -n 1)"
        return
    fi
    case $2 in
    csv)
        head -n 1 "$1" | grep -q 'Service Name,Port Number,Transport Protocol' ||
            fail "downloaded CSV has no IANA header"
        [ "$(wc -l <"$1")" -gt 1000 ] || fail "downloaded CSV is too short"
        ;;
    xml)
        grep -q '<registry[^>]*id="service-names-port-numbers"' "$1" ||
            fail "downloaded XML is not the service-names-port-numbers registry"
        [ "$(grep -c '<record' "$1")" -gt 1000 ] || fail "downloaded XML has too few records"
        ;;
    esac
}

for ext in csv xml; do
    tmp="$dir/$name.$ext.tmp.$$"
    tmps="$tmps $tmp"
    fetch "$base/$name.$ext" "$tmp"
    check "$tmp" "$ext"
done
for ext in csv xml; do
    mv -f "$dir/$name.$ext.tmp.$$" "$dir/$name.$ext" || fail "cannot replace $dir/$name.$ext"
done
echo "$me: updated $dir/$name.csv and $dir/$name.xml"
