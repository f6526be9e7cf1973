#!/usr/bin/env bash
# Runs a pyish program and checks that its peak resident set size (VmHWM)
# stays under a bound, and that its stdout matches NAME.out when that file
# exists. Uses /usr/bin/time (Debian package `time`) when installed, else
# samples /proc/PID/status of the running program every 10 ms (VmHWM is a
# high-water mark, so the last sample before exit is the peak so far).
# Usage: peak_rss.sh PATH/TO/pyish PATH/TO/NAME.pyish LIMIT_KIB
# Exits 0 on success; else prints why and exits 1.
set -u
pyish=${1:?usage: peak_rss.sh PYISH FILE LIMIT_KIB}
src=${2:?usage: peak_rss.sh PYISH FILE LIMIT_KIB}
limit=${3:?usage: peak_rss.sh PYISH FILE LIMIT_KIB}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
out=${src%.pyish}.out

if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%M' -o "$tmp/peak" timeout 120 "$pyish" "$src" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    peak=$(tail -1 "$tmp/peak")
else
    "$pyish" "$src" >"$tmp/out" 2>"$tmp/err" </dev/null &
    pid=$!
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
        hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/"$pid"/status 2>/dev/null)
        [[ -n "$hwm" && "$hwm" -gt "$peak" ]] && peak=$hwm
        sleep 0.01
    done
    wait "$pid"
    rc=$?
fi

why=""
[[ $rc -eq 0 ]] || why="exit status $rc"
[[ -z "$why" && ! "$peak" =~ ^[1-9][0-9]*$ ]] && why="could not measure the peak RSS ('$peak')"
[[ -z "$why" && $peak -gt $limit ]] && why="peak RSS $peak KiB > limit $limit KiB"
[[ -z "$why" && -f "$out" ]] && ! cmp -s "$out" "$tmp/out" && why="stdout differs from $(basename "$out")"
echo "peak RSS: $peak KiB (limit $limit KiB)"
[[ -z "$why" ]] && exit 0
echo "FAIL $src: $why"
diff "$out" "$tmp/out" 2>/dev/null | head -20
head -20 "$tmp/err"
exit 1
