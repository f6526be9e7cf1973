#!/bin/bash
# run_sample.sh EXE EXPECTED [INPUT]: runs an embedding sample and compares
# its stdout with EXPECTED. With INPUT, the sample reads INPUT's lines on
# stdin, then (0.5 s later, after its timers ran) the line "go".
exe=$1 expected=$2 input=$3
if [ -n "$input" ]; then
    out=$( (cat "$input"; sleep 0.5; echo go) | "$exe")
else
    out=$("$exe" </dev/null)
fi
status=$?
if [ $status -ne 0 ]; then
    echo "exit status $status"
    exit 1
fi
diff <(printf '%s\n' "$out") "$expected"
