#!/usr/bin/env bash
# Memory per suspended asyncio task (issue 11): runs a bench/extra/mem_*.py
# program with N tasks and with none, under --virtual-clock (no real
# waiting, so a loaded machine changes nothing), and checks that
# (peak RSS(N) - peak RSS(0)) / N stays under a bound in bytes. Needs
# /usr/bin/time (Debian package `time`); skipped (exit 0) without it.
# Usage: per_task.sh PATH/TO/pyish PATH/TO/mem_X.py N MAX_BYTES_PER_TASK
set -u
pyish=${1:?usage: per_task.sh PYISH PROGRAM N MAX_BYTES}
prog=${2:?usage: per_task.sh PYISH PROGRAM N MAX_BYTES}
n=${3:?usage: per_task.sh PYISH PROGRAM N MAX_BYTES}
max=${4:?usage: per_task.sh PYISH PROGRAM N MAX_BYTES}
if [[ ! -x /usr/bin/time ]]; then
    echo "SKIP: no /usr/bin/time"
    exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# peak RSS in KiB of a run with [1] tasks, or exits 1 saying why
peak() {
    /usr/bin/time -f '%M' -o "$tmp/peak" timeout 300 "$pyish" --virtual-clock "$prog" "$1" >"$tmp/out" 2>"$tmp/err" </dev/null
    local rc=$?
    if [[ $rc -ne 0 ]] || ! grep -q "n=$1 ok" "$tmp/out"; then
        echo "FAIL $prog $1: exit status $rc" >&2
        head -20 "$tmp/out" "$tmp/err" >&2
        exit 1
    fi
    tail -1 "$tmp/peak"
}
base=$(peak 0)
full=$(peak "$n")
per=$(( (full - base) * 1024 / n ))
echo "$(basename "$prog"): $n tasks: peak RSS $full KiB, start-up $base KiB: $per bytes per task (limit $max)"
if [[ $per -gt $max ]]; then
    echo "FAIL: $per bytes per task > $max"
    exit 1
fi
