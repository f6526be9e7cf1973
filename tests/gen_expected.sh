#!/usr/bin/env bash
# Regenerates NAME.out of language tests by running them under python3 (3.11),
# and checks their '# exit:' and '# stderr-contains:' headers against python3.
# Each test runs in a scratch folder holding a copy of it and, as .py files,
# the '_'-prefixed helper modules of its folder and the '_'-prefixed helper
# package folders (copied whole, every .pyish renamed .py: python3 won't
# import .pyish). Tests that print paths replace '.pyish' by '.py' in them.
# Addresses (0x...) in the output become <ADDR>, as run_one.sh normalises them.
# Skips '_'-prefixed files (helper modules) and files whose header has a
# '# pyish-only' (or '# pyish only') line: their .out is written by hand.
# Usage: gen_expected.sh [FILE.pyish ...]   (default: every tests/lang test)
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [[ $# -eq 0 ]]; then
    mapfile -t files < <(find "$here/lang" -name '*.pyish' | sort)
else
    files=("$@")
fi
bad=0
for src in "${files[@]}"; do
    base=$(basename "$src"); name=${base%.pyish}; dir=$(dirname "$src")
    [[ "$base" == _* ]] && continue
    case "${src#*/lang/}" in _*/* | */_*/*) continue ;; esac   # in a helper package
    grep -qE '^# pyish[- ]only' "$src" && continue
    tmp=$(mktemp -d)
    cp "$src" "$tmp/"
    for m in "$dir"/_*.pyish; do
        [[ -e "$m" ]] && cp "$m" "$tmp/$(basename "${m%.pyish}").py"
    done
    for d in "$dir"/_*/; do
        [[ -d "$d" ]] || continue
        cp -r "$d" "$tmp/"
        find "$tmp/$(basename "$d")" -name '*.pyish' -exec sh -c 'mv "$1" "${1%.pyish}.py"' _ {} \;
    done
    read -r -a args <<<"$(sed -n 's/^# args: *//p' "$src" | head -1)"
    (cd "$tmp" && timeout 60 /usr/bin/python3 "$base" "${args[@]}") >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    sed -E 's/0x[0-9a-fA-F]+/<ADDR>/g' "$tmp/out" >"$dir/$name.out"
    sed -i "s|$tmp/||g" "$tmp/err"   # python3 shows absolute paths, pyish the name
    want_exit=$(sed -n 's/^# exit: *//p' "$src" | head -1)
    if [[ $rc -ne ${want_exit:-0} ]]; then
        echo "$src: python3 exit $rc, header says ${want_exit:-0}"; head -20 "$tmp/err"; bad=1
    fi
    while IFS= read -r needle; do
        grep -qF -- "$needle" "$tmp/err" || { echo "$src: python3 stderr lacks: $needle"; bad=1; }
    done < <(sed -n 's/^# stderr-contains: *//p' "$src")
    rm -rf "$tmp"
done
exit $bad
