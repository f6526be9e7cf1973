#!/bin/sh
# Checks that every corpus program is valid Python 3 (python3 -m py_compile),
# for whoever edits or regenerates the corpus. Not run by CI: the corpus is
# parsed and compiled by pyish in tests/unit/check_corpus.c.
# Usage: tests/corpus/check_with_python.sh [python3]
PY=${1:-python3}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "$dir"/*.py; do
    # The cache prefix keeps __pycache__ out of the source tree.
    if ! PYTHONPYCACHEPREFIX="$tmp" "$PY" -m py_compile "$f"; then
        echo "FAIL: $f" >&2
        status=1
    fi
done
[ $status -eq 0 ] && echo "all corpus files compile with $("$PY" --version 2>&1)"
exit $status
