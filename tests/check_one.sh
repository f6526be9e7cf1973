#!/usr/bin/env bash
# Runs `pyish --check FILE`: a valid file gives no output and status 0; a file
# with '# exit: 1' must fail with status 1 and show every '# stderr-contains:'
# line of its header (tutorial 24: line 10, 'await' outside function).
set -u
pyish=${1:?usage: check_one.sh PYISH FILE}
src=${2:?usage: check_one.sh PYISH FILE}
out=$("$pyish" --check "$src" 2>&1)
rc=$?
want=$(sed -n 's/^# exit: *//p' "$src" | head -1)
if [[ "${want:-0}" == 0 ]]; then
    [[ $rc -eq 0 && -z "$out" ]] && exit 0
    echo "FAIL: --check $src: status $rc, output: $out"
    exit 1
fi
[[ $rc -eq $want ]] || { echo "FAIL: --check $src: status $rc, want $want"; exit 1; }
while IFS= read -r needle; do
    grep -qF -- "$needle" <<<"$out" || { echo "FAIL: --check $src lacks: $needle"; echo "$out"; exit 1; }
done < <(sed -n 's/^# stderr-contains: *//p' "$src")
exit 0
