#!/usr/bin/env bash
# Runs one pyish test program and checks it against its expectations, as
# ../../shared/tutorial/run.sh does for the tutorials:
#   NAME.out                 exact stdout (<ADDR> stands for any 0x... address)
#   '# exit: N'              expected exit status (default 0)
#   '# stderr-contains: S'   a line of stderr must contain S (may repeat)
#   '# virtual-time: T'      the virtual clock at exit is T s (+-0.01)
#   '# args: A B ...'        extra command-line arguments after the file
#   '# options: O ...'       pyish options before the file (--schedule=random:7)
# The program runs as `pyish --virtual-clock --clock-report [OPTIONS] NAME.pyish` from its
# own folder (tracebacks name it by its absolute path, as python3 does, so
# stderr-contains lines match "/NAME.pyish", line N), stdin from /dev/null, 20 s max
# (RUN_ONE_TIMEOUT seconds: the GC-stress build allows 60).
# Usage: run_one.sh PATH/TO/pyish PATH/TO/NAME.pyish
# Exits 0 on success; else prints why (stdout diff, stderr head) and exits 1.
set -u
pyish=${1:?usage: run_one.sh PYISH FILE}
src=${2:?usage: run_one.sh PYISH FILE}
[[ "$pyish" == /* ]] || pyish="$PWD/$pyish"
dir=$(dirname "$src"); base=$(basename "$src"); name=${base%.pyish}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

want_exit=$(sed -n 's/^# exit: *//p' "$src" | head -1); want_exit=${want_exit:-0}
want_time=$(sed -n 's/^# virtual-time: *//p' "$src" | head -1)
read -r -a args <<<"$(sed -n 's/^# args: *//p' "$src" | head -1)"
read -r -a opts <<<"$(sed -n 's/^# options: *//p' "$src" | head -1)"

(cd "$dir" && timeout "${RUN_ONE_TIMEOUT:-20}" "$pyish" --virtual-clock --clock-report "${opts[@]}" "$base" "${args[@]}") \
    >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
sed -E 's/0x[0-9a-fA-F]+/<ADDR>/g' "$tmp/out" >"$tmp/out.norm"

why=""
[[ $rc -eq $want_exit ]] || why="exit $rc, want $want_exit"
[[ -z "$why" ]] && ! cmp -s "$dir/$name.out" "$tmp/out.norm" && why="stdout differs"
while IFS= read -r needle; do
    [[ -z "$why" ]] && ! grep -qF -- "$needle" "$tmp/err" && why="stderr lacks: $needle"
done < <(sed -n 's/^# stderr-contains: *//p' "$src")
if [[ -z "$why" && -n "$want_time" ]]; then
    got=$(sed -n 's/^pyish: clock at exit: \([0-9.]*\) s$/\1/p' "$tmp/err" | tail -1)
    if [[ -z "$got" ]]; then
        why="no 'pyish: clock at exit: T s' line on stderr"
    elif ! awk -v g="$got" -v w="$want_time" 'BEGIN{d=g-w; if(d<0)d=-d; exit !(d<=0.01)}'; then
        why="virtual clock at exit $got s, want $want_time s"
    fi
fi

[[ -z "$why" ]] && exit 0
echo "FAIL $src: $why"
echo "--- stdout diff (expected vs got):"
diff "$dir/$name.out" "$tmp/out.norm" | head -40
echo "--- stderr (first 30 lines):"
head -30 "$tmp/err"
exit 1
