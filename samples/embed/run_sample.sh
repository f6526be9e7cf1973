#!/bin/bash
# run_sample.sh EXE EXPECTED [INPUT]: runs an embedding sample and compares
# its stdout with EXPECTED. With INPUT, the sample reads INPUT's lines on
# stdin, then (1.5 s later, after its timers ran even in a slow sanitizer
# build on a busy machine) the line "go".
exe=$1 expected=$2 input=$3
if [ -n "$input" ]; then
    out=$( (cat "$input"; sleep 1.5; echo go) | "$exe")
else
    out=$("$exe" </dev/null)
fi
status=$?
if [ $status -ne 0 ]; then
    echo "exit status $status"
    exit 1
fi
diff <(printf '%s\n' "$out") "$expected"
