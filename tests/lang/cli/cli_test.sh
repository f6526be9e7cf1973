#!/usr/bin/env bash
# Command-line behaviour of pyish, as python3's: -c, -i, a program on
# standard input (no prompts), sys.argv, exit statuses (sys.exit forms,
# SystemExit from a task, errors, usage errors), Ctrl-C in a script (traceback,
# then killed by SIGINT: 130), a broken pipe on stdout (quiet), and --help
# matching the man page. Usage: cli_test.sh PATH/TO/pyish
set -u
pyish=${1:?usage: cli_test.sh PYISH}
here=$(cd "$(dirname "$0")" && pwd)
man=$here/../../../doc/pyish.1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0

# check NAME WANT_STATUS WANT_STDOUT WANT_STDERR_SUBSTRING -- COMMAND...
# (stdin of COMMAND comes from $tmp/in when it exists, else /dev/null)
check() {
    local name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 5
    local input=/dev/null
    [[ -f $tmp/in ]] && input=$tmp/in
    timeout 10 "$@" <"$input" >out 2>err
    local rc=$?
    rm -f "$tmp/in"
    local why=""
    [[ $rc -eq $want_rc ]] || why="status $rc, want $want_rc"
    [[ -z $why && "$(cat out)" != "$want_out" ]] && why="stdout differs: want [$want_out] got [$(cat out)]"
    [[ -z $why && -n $want_err ]] && ! grep -qF -- "$want_err" err && why="stderr lacks [$want_err]"
    [[ -z $why && -z $want_err && -s err ]] && why="stderr not empty"
    if [[ -n $why ]]; then
        echo "FAIL $name: $why"; echo "--- stderr:"; head -20 err
        fails=$((fails + 1))
    fi
}

check "-c" 0 "2" "" -- "$pyish" -c 'print(1 + 1)'
check "-c argv" 0 "['-c', 'a', 'b']" "" -- "$pyish" -c 'import sys; print(sys.argv)' a b
printf 'print("from stdin")\nx = 6\nprint(x * 7)\n' >in
check "stdin program, no prompts" 0 $'from stdin\n42' "" -- "$pyish"
printf 'import sys\nprint(sys.argv)\n' >in
check "- reads stdin" 0 "['-', 'z']" "" -- "$pyish" - z
printf 'print("script", __name__)\nv = 5\n' >s.pyish
printf 'v * 2\n' >in
check "-i script" 0 $'script __main__\n10' ">>> " -- "$pyish" -i s.pyish
printf 'w + 1\nimport sys\nsys.exit(3)\n' >in
check "-i -c then sys.exit" 3 "42" ">>> " -- "$pyish" -i -c 'w = 41'
printf 'w\n' >in
check "-i after an error" 0 "1" "ZeroDivisionError" -- "$pyish" -i -c 'w = 1; 1/0'

check "exit 0" 0 "" "" -- "$pyish" -c 'import sys; sys.exit()'
check "sys.exit(3)" 3 "" "" -- "$pyish" -c 'import sys; sys.exit(3)'
check "sys.exit(msg)" 1 "" "bye now" -- "$pyish" -c 'import sys; sys.exit("bye now")'
check "exit(-1)" 255 "" "" -- "$pyish" -c 'exit(-1)'
check "SystemExit(None)" 0 "" "" -- "$pyish" -c 'raise SystemExit(None)'
check "sys.exit(True)" 1 "" "" -- "$pyish" -c 'import sys; sys.exit(True)'
printf 'import asyncio\nasync def f():\n    raise SystemExit(7)\nasync def main():\n    asyncio.create_task(f())\n    await asyncio.sleep(1)\nasyncio.run(main())\n' >task_exit.pyish
check "SystemExit from a task" 7 "" "" -- "$pyish" task_exit.pyish
check "uncaught exception" 1 "" "ValueError: boom" -- "$pyish" -c 'raise ValueError("boom")'
check "SyntaxError" 1 "" "SyntaxError" -- "$pyish" -c 'x = = 1'
check "missing file" 2 "" "can't open file" -- "$pyish" no_such_file.pyish
check "unknown option" 2 "" "unknown option" -- "$pyish" --bogus
check "-c without code" 2 "" "Argument expected" -- "$pyish" -c
check "--version" 0 "pyish 0.1.0" "" -- "$pyish" --version

# Ctrl-C in a script: the traceback, then death by SIGINT (130 in a shell)
for prog in 'import time; time.sleep(10)' 'while True: pass'; do
    "$pyish" -c "$prog" >out 2>err &
    pid=$!
    sleep 0.3
    kill -INT $pid
    wait $pid
    rc=$?
    if [[ $rc -ne 130 ]] || ! grep -q '^KeyboardInterrupt$' err || ! grep -q 'Traceback' err; then
        echo "FAIL Ctrl-C in '$prog': status $rc (want 130)"; cat err; fails=$((fails + 1))
    fi
done

# a broken pipe on stdout ends the program quietly (no message)
"$pyish" -c 'for i in range(1000000): print(i)' 2>err | head -1 >out
rc=${PIPESTATUS[0]}
if [[ "$(cat out)" != 0 || -s err || ( $rc -ne 141 && $rc -ne 0 ) ]]; then
    echo "FAIL broken pipe: status $rc, stdout [$(cat out)]"; cat err; fails=$((fails + 1))
fi

# --help lists exactly what the man page documents
"$pyish" --help >help.txt
for word in $(grep -E '^  -' help.txt | grep -oE -- '(^| )-{1,2}[a-zA-Z][-a-zA-Z]*' | tr -d ' ') \
            $(grep -oE '^  [A-Z_]{6,}' help.txt); do
    grep -qF -- "$(printf '%s' "$word" | sed 's/-/\\-/g')" "$man" ||
        { echo "FAIL man page lacks $word"; fails=$((fails + 1)); }
done
for word in $(grep -oE '^\.B \\-[-a-zA-Z\\]+|^\.B [A-Z_]{6,}' "$man" | sed 's/^\.B //; s/\\-/-/g'); do
    grep -qF -- "$word" help.txt || { echo "FAIL --help lacks $word"; fails=$((fails + 1)); }
done

[[ $fails -eq 0 ]] && exit 0
echo "$fails failure(s)"
exit 1
