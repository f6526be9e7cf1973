#!/usr/bin/env bash
# samples/demo/shop.pyish under each of pyish's async debugging aids
# (README, "Debugging async code"): its plain output is python3's
# (shop.out), -X dev names the blocking call, the slow step with its lines,
# the forgotten await, the unretrieved task's creation site and the
# swallowed cancellation; a random schedule finds its race and prints the
# seed; --strict-tasks exits 1; --trace-file writes a valid trace with one
# track per task; SIGQUIT prints the task tree and the program goes on.
# Usage: shop_test.sh PYISH SOURCE_ROOT
set -u
pyish=${1:?usage: shop_test.sh PYISH SOURCE_ROOT}
root=${2:?usage: shop_test.sh PYISH SOURCE_ROOT}
[[ "$pyish" == /* ]] || pyish="$PWD/$pyish"
root=$(cd "$root" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$root"/samples/demo/shop.pyish "$tmp/"
cd "$tmp" || exit 1
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
has() { grep -qF -- "$2" <<<"$1" || fail "$3: lacks [$2]"; }

out=$("$pyish" shop.pyish 2>err) || fail "plain run: status $?"
[[ $out == "$(cat "$root"/samples/demo/shop.out)" ]] || fail "plain run: stdout [$out]"
has "$(cat err)" "shop.pyish:52: RuntimeWarning: coroutine 'audit' was never awaited" plain
has "$(cat err)" "ConnectionError: mail server down, ann not notified" plain

dev=$("$pyish" -X dev shop.pyish 2>&1) || fail "-X dev: status $?"
has "$dev" "blocking call time.sleep(0.15) in task 'auditor' at $tmp/shop.pyish:30: use await asyncio.sleep()" "-X dev"
has "$dev" "Executing <Task pending name='auditor' coro=<audit() running at $tmp/shop.pyish:31>" "-X dev"
has "$dev" "(step from $tmp/shop.pyish:29 in audit() to $tmp/shop.pyish:31 in audit())" "-X dev"
has "$dev" "future: <Task finished name='notifier' coro=<notify() done, defined at $tmp/shop.pyish:35> exception=ConnectionError('mail server down, ann not notified') created at $tmp/shop.pyish:51>" "-X dev"
has "$dev" "heartbeat swallowed CancelledError (cancel() called at $tmp/shop.pyish:57) and returned normally" "-X dev"

found=0
for seed in 1 2 3 4 5 6 7 8; do
    r=$("$pyish" --schedule=random:$seed shop.pyish 2>&1) && continue
    found=1
    has "$r" "AssertionError: oversold: {'apples': -1}" "seed $seed"
    has "$r" "pyish: schedule random:$seed (rerun with --schedule=random:$seed)" "seed $seed"
    break
done
[[ $found -eq 1 ]] || fail "no seed of 1..8 found the race"

"$pyish" --strict-tasks shop.pyish >/dev/null 2>err; st=$?
[[ $st -eq 1 ]] || fail "--strict-tasks: status $st"
has "$(cat err)" "pyish: --strict-tasks: a task exception was never retrieved; exiting with status 1" strict

"$pyish" --trace-file t.json shop.pyish >/dev/null 2>&1 || fail "--trace-file: status $?"
check=$(python3 "$root"/tests/debug/trace_check.py t.json) || fail "trace_check: $check"
for track in "auditor (audit)" "heartbeat (heartbeat)" "notifier (notify)" "Task-1 (main)"; do
    has "$(cat t.json)" "\"args\":{\"name\":\"$track\"}" trace
done

# the tree is sent while main() sleeps its 0.3 s, after the gather printed
# (job control on: bash starts background jobs with SIGQUIT ignored otherwise)
set -m
"$pyish" -u shop.pyish >out 2>err & pid=$!
for _ in $(seq 100); do grep -qs "bob: sold out" out && break; sleep 0.02; done
kill -QUIT $pid; wait $pid || fail "SIGQUIT: status $?"
has "$(cat err)" "  |   File '$tmp/shop.pyish', line 43, in async heartbeat()" SIGQUIT
[[ $(cat out) == "$(cat "$root"/samples/demo/shop.out)" ]] || fail "SIGQUIT: the program did not go on"

[[ $fails -eq 0 ]] && echo "ok shop_test"
exit $((fails > 0))
