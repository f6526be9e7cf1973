#!/usr/bin/env bash
# Runs CPython 3.11.7's own asyncio unit tests (test/test_asyncio/test_*.py,
# see README.md) under pyish with pyish's unittest, one file per process
# (`pyish -m unittest -v test.test_asyncio.test_NAME`, from this folder, so
# that the stub `test` package and `concurrent` stub come first), two files at
# a time, each with a time limit; prints a table of per-file counts and exits
# 1 if the pass rate passed / (run - skipped) is below THRESHOLD percent.
# Usage: run.sh PYISH [THRESHOLD=90]
#   FILES="locks queues" run.sh PYISH   runs only those files
#   KEEP=DIR run.sh PYISH               keeps each file's output in DIR
#   PACKAGE=test run.sh PYISH           runs test.test_NAME (run_core.sh)
set -u
pyish=${1:?usage: run.sh PYISH [THRESHOLD]}
threshold=${2:-90}
[[ "$pyish" == /* ]] || pyish="$PWD/$pyish"
here=$(cd "$(dirname "$0")" && pwd)
# test_sock_lowlevel, test_subprocess and test_unix_events are copied but not
# run: they need asyncio.SelectorEventLoop/proactor_events or asyncio's
# unix_events child watchers, which pyish's C loop does not have (README.md)
files=${FILES:-"locks queues timeouts taskgroups waitfor pep492 protocols transports context runners futures tasks streams sslproto server ssl"}
limit=${TIMEOUT:-40}
package=${PACKAGE:-test.test_asyncio}
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$out"' EXIT

run_file() {  # NAME: runs one test file, output in $out/NAME.log, status in $out/NAME.rc
    (cd "$here" && PYISHPATH="$here" timeout "$limit" "$pyish" -m unittest -v "$package.test_$1") \
        >"$out/$1.log" 2>&1 </dev/null
    echo $? >"$out/$1.rc"
}
export -f run_file
export here pyish limit out package
printf '%s\n' $files | xargs -P 2 -I{} bash -c 'run_file {}'

printf '%-12s %5s %6s %6s %6s %7s  %s\n' file run passed failed errors skipped status
tot_run=0 tot_pass=0 tot_fail=0 tot_err=0 tot_skip=0 crashed=0
for f in $files; do
    log="$out/$f.log"; rc=$(cat "$out/$f.rc")
    # unittest -v prints one "name (id) ... RESULT" per test; the RESULT may
    # come on a later line when the test printed something, so the totals
    # come from the summary ("Ran N tests", "FAILED (failures=F, errors=E,
    # skipped=S, ...)" or "OK (skipped=S, ...)").
    ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$log" | tail -1)
    summary=$(grep -aE '^(OK|FAILED)( \(|$)' "$log" | tail -1)
    num() { sed -n "s/.*[(, ]$1=\([0-9]*\).*/\1/p" <<<"$summary"; }
    status=ok
    if [[ -z "$ran" ]]; then
        # no summary: the process died or timed out; every test started
        # counts, the unfinished one as an error
        [[ $rc == 124 ]] && status="timeout (${limit}s)" || { status="crashed (exit $rc)"; crashed=1; }
        ran=$(grep -ac ' \.\.\. ' "$log")
        fails=$(grep -acE ' \.\.\. (FAIL|unexpected success)$|^(FAIL|unexpected success)$' "$log")
        errs=$(( $(grep -acE ' \.\.\. ERROR$|^ERROR$' "$log") + 1 ))
        skips=$(grep -acE " \.\.\. skipped |^skipped '" "$log")
        (( ran == 0 )) && ran=1
    else
        fails=$(num failures); errs=$(num errors); skips=$(num skipped)
        uxs=$(num 'unexpected successes')     # counted as failures
        fails=$(( ${fails:-0} + ${uxs:-0} )); errs=${errs:-0}; skips=${skips:-0}
        [[ $rc != 0 && $fails == 0 && $errs == 0 ]] && status="exit $rc"
        [[ $fails != 0 || $errs != 0 ]] && status=FAILED
    fi
    pass=$(( ran - fails - errs - skips ))
    (( pass < 0 )) && pass=0
    printf '%-12s %5d %6d %6d %6d %7d  %s\n' "$f" "$ran" "$pass" "$fails" "$errs" "$skips" "$status"
    tot_run=$((tot_run + ran)); tot_pass=$((tot_pass + pass)); tot_fail=$((tot_fail + fails))
    tot_err=$((tot_err + errs)); tot_skip=$((tot_skip + skips))
done
printf '%-12s %5d %6d %6d %6d %7d\n' total $tot_run $tot_pass $tot_fail $tot_err $tot_skip
den=$((tot_run - tot_skip))
(( den > 0 )) || { echo "no test ran"; exit 1; }
rate=$(( 1000 * tot_pass / den ))
printf 'pass rate: %d/%d = %d.%d%% (threshold %s%%)\n' $tot_pass $den $((rate / 10)) $((rate % 10)) "$threshold"
if (( crashed )); then
    echo "FAIL: pyish crashed (no input may crash the interpreter)"
    exit 1
fi
if (( tot_pass * 100 < threshold * den )); then
    echo "FAIL: pass rate below ${threshold}%"
    exit 1
fi
