#!/usr/bin/env bash
# Writing to stdout once its reader has gone, as python3 (SIGPIPE ignored):
# a write that fails raises BrokenPipeError (traceback, status 1); output
# still buffered at exit that cannot be flushed is reported as
# "Exception ignored in: <stdout>" with status 120. Each case's expected
# status and stderr were taken from CPython 3.11; when /usr/bin/python3 is
# there, it is run too and must agree. Usage: broken_pipe_test.sh PYISH
set -u
pyish=${1:?usage: broken_pipe_test.sh PYISH}
[[ "$pyish" == /* ]] || pyish="$PWD/$pyish"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
tb=$'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nBrokenPipeError: [Errno 32] Broken pipe'
ignored=$'Exception ignored in: <_io.TextIOWrapper name=\'<stdout>\' mode=\'w\' encoding=\'utf-8\'>\nBrokenPipeError: [Errno 32] Broken pipe'

# case NAME UNBUFFERED(0/1) READER WANT_STATUS WANT_STDERR CODE
case_() {
    local name=$1 unbuf=$2 reader=$3 want_rc=$4 want_err=$5 code=$6
    local pys=("$pyish")
    [[ -x /usr/bin/python3 ]] && pys+=(/usr/bin/python3)
    for py in "${pys[@]}"; do
        if [[ $unbuf == 1 ]]; then
            PYTHONUNBUFFERED=1 "$py" -c "$code" 2>err | $reader >out
        else
            env -u PYTHONUNBUFFERED "$py" -c "$code" 2>err | $reader >out
        fi
        local rc=${PIPESTATUS[0]}
        if [[ $rc -ne $want_rc || "$(cat err)" != "$want_err" ]]; then
            echo "FAIL $name ($py): status $rc (want $want_rc), stderr:"; cat err
            fails=$((fails + 1))
        fi
        if [[ $reader == "head -1" && "$(cat out)" != 0 ]]; then
            echo "FAIL $name ($py): stdout [$(cat out)], want [0]"; fails=$((fails + 1))
        fi
    done
}

case_ "print loop, buffered" 0 "head -1" 1 "$tb" 'for i in range(1000000): print(i)'
case_ "print loop, unbuffered" 1 "head -1" 1 "$tb" 'for i in range(1000000): print(i)'
case_ "flush at exit" 0 true 120 "$ignored" 'import time; time.sleep(0.3); print(1)'
case_ "flush at exit, sys imported" 0 true 120 "$ignored" 'import sys, time; time.sleep(0.3); sys.stdout.write("x")'
case_ "flush at exit after sys.exit" 0 true 120 "$ignored" 'import sys, time; time.sleep(0.3); print(1); sys.exit(3)'
case_ "unbuffered print" 1 true 1 "$tb" 'import time; time.sleep(0.3); print(1)'
case_ "caught" 1 true 0 "caught" 'import sys, time
time.sleep(0.3)
try:
    print(1)
except BrokenPipeError:
    sys.stderr.write("caught")'

[[ $fails -eq 0 ]] && exit 0
echo "$fails failure(s)"
exit 1
