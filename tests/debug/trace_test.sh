#!/usr/bin/env bash
# pyish --trace-file: the trace of real programs passes trace_check.py (the
# Chrome trace event format's required fields, one named track per task,
# time order within a track, matched flows), with the expected number of
# task tracks; under --virtual-clock its timestamps are virtual time; a
# real-clock run with I/O has I/O instants and idle slices; and the
# program's own output does not change. Usage: trace_test.sh PYISH SOURCE_ROOT
set -u
pyish=${1:?usage: trace_test.sh PYISH SOURCE_ROOT}
root=${2:?usage: trace_test.sh PYISH SOURCE_ROOT}
[[ "$pyish" == /* ]] || pyish="$PWD/$pyish"
check=$(cd "$(dirname "$0")" && pwd)/trace_check.py
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# run NAME TASKS [pyish options...] -- PROGRAM: traces PROGRAM into
# $tmp/NAME.json (from the program's folder), checks it, and checks its
# stdout against the program's .out
run() {
    local name=$1 tasks=$2; shift 2
    local opts=()
    while [[ $1 != -- ]]; do opts+=("$1"); shift; done
    local prog=$2
    (cd "$(dirname "$prog")" && timeout 60 "$pyish" "${opts[@]}" --trace-file "$tmp/$name.json" \
        "$(basename "$prog")" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr" </dev/null) ||
        fail "$name: status $?"
    sed -E 's/0x[0-9a-fA-F]+/<ADDR>/g' "$tmp/$name.stdout" | cmp -s - "${prog%.pyish}.out" ||
        fail "$name: stdout differs from ${prog%.pyish}.out"
    python3 "$check" "$tmp/$name.json" --tasks "$tasks" || fail "$name: trace_check.py"
}

# a tutorial: gather() of three tasks sleeping 3, 1 and 1 s; main is Task-1
run gather 4 --virtual-clock -- "$root/samples/tutorial/18_gather.pyish"
python3 - "$tmp/gather.json" <<'PY' || fail "gather: trace content"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in ev if e["name"] == "thread_name"}
assert sorted(names.values()) == ["Task-1 (main)", "Task-2 (a)", "Task-3 (b)", "Task-4 (b)", "event loop"], names
steps = [e for e in ev if e["ph"] == "X" and e["cat"] == "step"]
first = {}
for e in steps:
    first.setdefault(names[e["tid"]], e["name"])
assert first["Task-1 (main)"] == "main 18_gather.pyish:12", first
assert first["Task-2 (a)"] == "a 18_gather.pyish:4", first
# virtual time: a's second step runs when its 3 s sleep ends (ts in us)
a_steps = [e for e in steps if names[e["tid"]] == "Task-2 (a)"]
assert len(a_steps) == 2 and abs(a_steps[1]["ts"] - 3e6) < 100, a_steps
idle = sum(e["dur"] for e in ev if e["ph"] == "X" and e["cat"] == "idle")
assert abs(idle - 3e6) < 100, idle
# main was created by nobody's step; a, b, b by main's first step (flows)
creates = [e for e in ev if e["ph"] == "f" and e["name"] == "create"]
assert sorted(names[e["tid"]] for e in creates) == ["Task-2 (a)", "Task-3 (b)", "Task-4 (b)"], creates
PY

# as_completed with a timeout, a Queue, cancellation, a gather cancelled
for t in as_completed_timeout queue_get_waits cancel_propagates_to_inner_await gather_cancel_outer; do
    f=$root/tests/lang/async/$t.pyish
    (cd "$(dirname "$f")" && timeout 60 "$pyish" --virtual-clock --trace-file "$tmp/$t.json" "$t.pyish" \
        >/dev/null 2>&1 </dev/null)
    python3 "$check" "$tmp/$t.json" || fail "$t: trace_check.py"
done

# real clock, I/O: a socketpair reader callback wakes main through an Event
# (tasks: main, and asyncio.run's shutdown_asyncgens and
# shutdown_default_executor, as in CPython's Runner.close)
run reader 3 -- "$root/tests/lang/net/loop_add_reader.pyish"
grep -q '"name":"I/O ready"' "$tmp/reader.json" || fail "reader: no I/O ready instant"
grep -q '"cat":"idle"' "$tmp/reader.json" || fail "reader: no idle slice"
grep -q '"clock":"real"' "$tmp/reader.json" || fail "reader: not on the real clock"

# no asyncio at all: still a valid (empty) trace
(cd "$tmp" && "$pyish" --trace-file plain.json -c 'print(1)' >/dev/null) || fail "plain: status"
python3 "$check" "$tmp/plain.json" --tasks 0 || fail "plain: trace_check.py"

[[ $fails -eq 0 ]] && exit 0
echo "$fails failure(s)"
exit 1
