#!/usr/bin/env bash
# pyish --schedule and the other async debugging options on the command
# line: the same random seed replays the same schedule (two runs, same
# output), some seed changes the order of a race-y program, fifo is the
# default order, a failing run without a seed prints one that replays it,
# and bad command lines are usage errors (status 2, python3's three-line
# shape). Usage: schedule_test.sh PYISH SOURCE_ROOT
set -u
pyish=${1:?usage: schedule_test.sh PYISH SOURCE_ROOT}
root=${2:?usage: schedule_test.sh PYISH SOURCE_ROOT}
[[ "$pyish" == /* ]] || pyish="$PWD/$pyish"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$root"/tests/lang/debug/_race.pyish "$root"/tests/lang/debug/sched_fifo.pyish "$tmp/"
cd "$tmp" || exit 1
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
race() { "$pyish" "$@" sched_fifo.pyish 2>&1; }

fifo=$(race)
[[ $fifo == "$(race --schedule=fifo)" ]] || fail "--schedule=fifo is not the default order"
declare -A seen=()
differs=0
for seed in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
    a=$(race --schedule=random:$seed)
    b=$(race --schedule=random:$seed)
    [[ $a == "$b" ]] || fail "seed $seed: two runs differ: [$a] [$b]"
    seen[$a]=1
    [[ $a != "$fifo" ]] && differs=1
done
[[ ${#seen[@]} -ge 4 ]] || fail "16 seeds gave only ${#seen[@]} orders"
[[ $differs -eq 1 ]] || fail "no seed changed the order"
# the separate-argument form and a huge seed
[[ $(race --schedule random:3) == "$(race --schedule=random:3)" ]] || fail "--schedule random:3"
race --schedule=random:18446744073709551615 >/dev/null || fail "seed 2**64-1 rejected"

# a failing run without a seed prints the seed it used; that seed replays it
cat >fails.pyish <<'PY'
import _race
_race.main()
raise SystemExit(3)
PY
"$pyish" --schedule=random fails.pyish >out1 2>err1
rc=$?
seed=$(sed -n 's/^pyish: schedule random:\([0-9]*\) (rerun with --schedule=random:\1)$/\1/p' err1)
[[ $rc -eq 3 && -n $seed ]] || { fail "no seed printed (status $rc)"; cat err1; }
"$pyish" --schedule=random:$seed fails.pyish >out2 2>err2
cmp -s out1 out2 || fail "rerun with seed $seed differs: $(cat out1) / $(cat out2)"
# a run that succeeds prints nothing
"$pyish" --schedule=random sched_fifo.pyish >/dev/null 2>err3
[[ ! -s err3 ]] || fail "a successful run printed: $(cat err3)"

# usage errors
usage_line="usage: pyish [option] ... [FILE | -c CODE | -m MODULE | -] [ARG] ..."
try_line="Try \`pyish -h' for more information."
usage() {   # usage NAME FIRST_LINE ARGS...
    local name=$1 msg=$2; shift 2
    "$pyish" "$@" >out 2>err
    local rc=$?
    [[ $rc -eq 2 && "$(cat err)" == "$msg"$'\n'"$usage_line"$'\n'"$try_line" && ! -s out ]] ||
        { fail "$name: status $rc"; cat err; }
}
bad="pyish: --schedule: expected fifo, random or random:SEED (SEED a decimal number), not"
usage "--schedule=bogus" "$bad 'bogus'" --schedule=bogus -c 'print(1)'
usage "--schedule=random:x" "$bad 'random:x'" --schedule=random:x -c 'print(1)'
usage "--schedule=random:" "$bad 'random:'" --schedule=random: -c 'print(1)'
usage "--schedule=random:-1" "$bad 'random:-1'" --schedule=random:-1 -c 'print(1)'
usage "--schedule=random:2**64" "$bad 'random:18446744073709551616'" --schedule=random:18446744073709551616 -c 1
usage "--schedule alone" "Argument expected for the --schedule option" --schedule
usage "--trace-file alone" "Argument expected for the --trace-file option" --trace-file
usage "--trace-file=" "Argument expected for the --trace-file option" --trace-file= -c 'print(1)'
usage "--trace-file unwritable" \
    "pyish: --trace-file: cannot open '$tmp/no/such/dir/t.json': No such file or directory" \
    --trace-file "$tmp/no/such/dir/t.json" -c 'print(1)'
usage "--trace-file a directory" "pyish: --trace-file: cannot open '$tmp': Is a directory" \
    --trace-file "$tmp" -c 'print(1)'

[[ $fails -eq 0 ]] && exit 0
echo "$fails failure(s)"
exit 1
