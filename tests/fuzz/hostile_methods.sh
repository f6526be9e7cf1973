#!/usr/bin/env bash
# tests/fuzz/hostile_methods.sh PYISH: runs hostile_methods.py over every
# builtin type, then over each module's functions, each in its own process;
# any exit status other than 0 (a crash, an abort, a sanitizer report)
# fails, naming the pass. Registered as the ctest fuzz/hostile_methods.
set -u
pyish=$1
here=$(dirname "$0")
fail=0
run() {
    out=$("$pyish" "$here/hostile_methods.py" "$@" 2>&1 >/dev/null)
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "hostile_methods.py $*: exit $rc"
        printf '%s\n' "$out" | tail -n 5
        fail=1
    fi
}
run
for m in builtins sys time math random collections _asyncio asyncio itertools functools \
         operator heapq bisect copy string textwrap statistics fractions dataclasses typing \
         types abc contextlib pprint queue warnings keyword io; do
    run mod "$m"
done
exit $fail
