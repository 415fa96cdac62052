#!/usr/bin/env bash
# Command-line contract (SPEC §7): usage errors are one line and exit 2; `lookup` honours
# -o and refuses options that only make sense for reading packets; the no-unauthorized-data
# warning is on standard error in every format (SPEC §2); -Z works with -r (as root) and is
# ignored with a warning when not root; -o over an input is refused; seconds are decimals.
#   tests/cli/usage.sh PORTLABEL REGISTRY_CSV
set -u
bin=$1 reg=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # name, condition result
    if [ "$2" -eq 0 ]; then echo "PASS $1"; pass=$((pass + 1)); else echo "FAIL $1"; fail=$((fail + 1)); fi
}

for args in "-F bogus -r x.pcap" "--bogus" "-c abc -r x.pcap" "--max-flows 0 -r x.pcap" \
            "lookup 70000/tcp" "-r x.pcap lookup 80"; do
    # shellcheck disable=SC2086
    "$bin" -R "$reg" $args >/dev/null 2>"$tmp/err"
    rc=$?
    lines=$(grep -vc "^portlabel: warning:" "$tmp/err")  # registry warnings are not errors
    [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ]
    check "usage error '$args': exit 2 ($rc), one line ($lines)" $?
done

"$bin" -R "" -r x.pcap >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ]
check "an empty -R is a usage error, not a silent fallback" $?

"$bin" -R "$reg" -o "$tmp/out.txt" lookup 80/tcp >"$tmp/stdout" 2>/dev/null
rc=$?
[ "$rc" -eq 0 ] && grep -q http "$tmp/out.txt" && [ ! -s "$tmp/stdout" ]
check "lookup -o FILE writes the file, not standard output" $?

"$bin" lookup -R "$reg" -F json -o "$tmp/out.json" https >/dev/null 2>&1
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out.json"
check "lookup options after the word, JSON to -o" $?

"$bin" 2>"$tmp/err" >/dev/null
[ $? -eq 2 ] && [ "$(grep -o -- '--help' "$tmp/err" | wc -l)" -eq 1 ]
check "nothing to read: one pointer to --help" $?

# SPEC §2: a registry without unauthorized-use data is warned about on standard error, in
# every output format (the text summary, on standard output, repeats it).
printf 'http\t80/tcp\nhttps\t443/tcp\n' >"$tmp/services"
pcap=$(dirname "$0")/../../pcaps/sample.pcap
"$bin" -R "$reg" "$pcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "to read the file .*sample.pcap, give -r .*sample.pcap" "$tmp/err"
check "a capture given without -r: the usage error says -r" $?

for fmt in text json csv; do
    "$bin" -R "$tmp/services" -F $fmt -r "$pcap" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 0 ] && grep -q "^portlabel: warning: .*carries no unauthorized-use data" "$tmp/err"
    check "no unauthorized-use data: warned on stderr (-F $fmt)" $?
done

"$bin" -R "$reg" --duration 1 -r "$pcap" >/dev/null 2>&1
[ $? -eq 2 ]
check "--duration with -r is a usage error" $?

# -o naming an input would truncate it before it is read: a usage error, and the file is left
# as it was (by name, through a symbolic link, as standard input; the registry too).
cp "$pcap" "$tmp/in.pcap" && cp "$reg" "$tmp/reg.csv" && ln -s "$tmp/in.pcap" "$tmp/link.pcap"
sum_before=$(cat "$tmp/in.pcap" "$tmp/reg.csv" | md5sum)
for args in "-r $tmp/in.pcap -o $tmp/in.pcap" "-r $tmp/in.pcap -o $tmp/link.pcap" \
            "-r $pcap -r $tmp/in.pcap -o $tmp/in.pcap" "-R $tmp/reg.csv -r $pcap -o $tmp/reg.csv" \
            "-R $tmp/reg.csv -o $tmp/reg.csv lookup 80" "-r - -o $tmp/in.pcap"; do
    # shellcheck disable=SC2086
    "$bin" -R "$reg" $args <"$tmp/in.pcap" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] && [ "$(grep -vc "^portlabel: warning:" "$tmp/err")" -eq 1 ] &&
        grep -q "writing would destroy it" "$tmp/err" &&
        [ "$(cat "$tmp/in.pcap" "$tmp/reg.csv" | md5sum)" = "$sum_before" ]
    check "-o over an input refused, input intact: '${args//$tmp\//}' (exit $rc)" $?
done
rm -f "$tmp/new.json"
"$bin" -R "$reg" -F json -r "$pcap" -r "$tmp/new.json" -o "$tmp/new.json" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "is also the input .*new.json: it is not read" "$tmp/err" &&
    grep -q '"type":"summary"' "$tmp/new.json"
check "a later -r naming the new -o file is not read back (exit $rc)" $?
"$bin" -R "$reg" -F json -r "$tmp/in.pcap" -o "$tmp/out.json" 2>/dev/null &&
    "$bin" -R "$reg" -F json -r "$tmp/in.pcap" -o "$tmp/out.json" 2>/dev/null &&
    grep -q '"type":"summary"' "$tmp/out.json"
check "-o over an earlier output (not an input) is written again" $?

# Seconds are plain decimals, at least 1 us: no hex, exponent, inf or nan; nothing that rounds
# to 0 (--duration 0.0000001 would mean "no limit", an idle timeout of 0 end every flow).
for v in 0x10 1e3 inf nan -1 0 0.0000001 0.0000005 1.1234567 1000000000.000001 1.2.3 . ""; do
    "$bin" -R "$reg" --idle-timeout "$v" -r "$pcap" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] && grep -q "0.000001 to 1000000000, at most 6 decimals" "$tmp/err"
    check "--idle-timeout '$v' is a usage error naming the range (exit $rc)" $?
done
timeout 10 "$bin" -R "$reg" -i lo --duration 0.0000001 >/dev/null 2>&1
[ $? -eq 2 ]
check "--duration 0.0000001 is a usage error, not an endless capture" $?
for v in 0.000001 .5 2. 1800 1.0000000 1000000000; do
    "$bin" -R "$reg" --active-timeout "$v" -r "$pcap" >/dev/null 2>&1
    check "--active-timeout '$v' is accepted" $?
done

# -Z with -r, as tcpdump takes it: privileges drop once the first file is open, so a second
# file only root may read is refused (its flows so far are still written, exit 1).
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    mkdir -m 700 "$tmp/priv" && cp "$pcap" "$tmp/priv/second.pcap" && chmod 600 "$tmp/priv/second.pcap"
    "$bin" -R "$reg" -Z nobody -F json -r "$pcap" >"$tmp/z.json" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 0 ] && grep -q '"type":"flow"' "$tmp/z.json" && grep -q '"type":"summary"' "$tmp/z.json"
    check "-Z nobody -r FILE reads the file (exit $rc)" $?
    "$bin" -R "$reg" -F json -r "$pcap" -r "$tmp/priv/second.pcap" >/dev/null 2>&1
    check "as root, the second file is readable" $?
    "$bin" -R "$reg" -Z nobody -F json -r "$pcap" -r "$tmp/priv/second.pcap" >"$tmp/z.json" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 1 ] && grep -q "second.pcap" "$tmp/err" && grep -q '"type":"summary"' "$tmp/z.json"
    check "-Z nobody: the root-only second file is refused after the drop (exit $rc)" $?
fi
# Not root, -Z is ignored with a warning (as tcpdump ignores it): the run goes on.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    chmod 755 "$tmp" && chmod 644 "$tmp/in.pcap" "$tmp/reg.csv"
fi
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && ! su nobody -s /bin/sh -c "test -x '$bin'"; then
    echo "SKIP -Z when not root: user nobody cannot run $bin (a private build directory)"
elif [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    su nobody -s /bin/sh -c "'$bin' -R '$tmp/reg.csv' -Z daemon -F json -r '$tmp/in.pcap'" \
        >"$tmp/z.json" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 0 ] && grep -q "warning: -Z daemon ignored: changing user needs root" "$tmp/err" &&
        grep -q '"type":"summary"' "$tmp/z.json"
    check "not root: -Z another user warns and reads on (exit $rc)" $?
    su nobody -s /bin/sh -c "'$bin' -R '$tmp/reg.csv' -Z nobody -F json -r '$tmp/in.pcap'" \
        >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 0 ] && ! grep -q -- "-Z" "$tmp/err"
    check "not root: -Z naming oneself is quiet (exit $rc)" $?
    su nobody -s /bin/sh -c "'$bin' -R '$tmp/reg.csv' -Z pl_no_such_user -F json -r '$tmp/in.pcap'" \
        >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 0 ] && grep -q "warning: -Z pl_no_such_user ignored" "$tmp/err"
    check "not root: -Z with an unknown user is ignored too (exit $rc)" $?
fi
if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
    echo "SKIP -Z checks: need root and a user 'nobody'"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
