#!/bin/bash
# run_sample.sh EXE EXPECTED [INPUT]: runs an embedding sample and compares
# its stdout with EXPECTED. With INPUT, the sample reads INPUT's lines on
# stdin, then the line "go" once every task it started has printed that it
# waits for the gate (a fixed delay failed in a sanitizer build on a busy
# machine, whose start-up alone took longer: "go" came with the first read).
exe=$1 expected=$2 input=$3
if [ -n "$input" ]; then
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    mkfifo "$tmp/in"
    "$exe" <"$tmp/in" >"$tmp/out" &
    pid=$!
    exec 3>"$tmp/in"
    cat "$input" >&3
    want=$(grep -c . "$input")
    for _ in $(seq 600); do     # at most 60 s
        [ "$(grep -c 'waiting for the gate' "$tmp/out")" -ge "$want" ] && break
        sleep 0.1
    done
    echo go >&3
    exec 3>&-
    wait $pid
    status=$?
    out=$(cat "$tmp/out")
else
    out=$("$exe" </dev/null)
    status=$?
fi
if [ $status -ne 0 ]; then
    echo "exit status $status"
    exit 1
fi
diff <(printf '%s\n' "$out") "$expected"
