#!/usr/bin/env bash
# Runs a pyish program with its address space limited to LIMIT_KIB
# (`ulimit -v`) so that memory really runs out, and checks that it exits 0
# with the stdout of NAME.out (no "pyish: out of memory" abort).
# Usage: exhaust.sh PATH/TO/pyish PATH/TO/NAME.pyish LIMIT_KIB
set -u
pyish=${1:?usage: exhaust.sh PYISH FILE LIMIT_KIB}
src=${2:?usage: exhaust.sh PYISH FILE LIMIT_KIB}
limit=${3:?usage: exhaust.sh PYISH FILE LIMIT_KIB}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(ulimit -v "$limit"; timeout 120 "$pyish" "$src") >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
why=""
[[ $rc -eq 0 ]] || why="exit status $rc"
[[ -z "$why" ]] && ! cmp -s "${src%.pyish}.out" "$tmp/out" && why="stdout differs"
[[ -z "$why" ]] && exit 0
echo "FAIL $src: $why"
diff "${src%.pyish}.out" "$tmp/out" | head -20
head -20 "$tmp/err"
exit 1
