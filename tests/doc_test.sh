#!/usr/bin/env bash
# Checks the documents against the program they describe:
# - every README transcript of a demo script (a ```text block whose first
#   line is `$ [time] pyish [options] NAME.pyish`, NAME in samples/demo/) is
#   what pyish prints today, stdout and stderr together; the script runs in
#   a folder shown as /home/me/demo (tracebacks name it by absolute path),
#   and a `time` block's trailing `real ...` line is not compared;
# - the man page renders without groff warnings and with its parentheses
#   balanced in every paragraph.
# Usage: doc_test.sh PATH/TO/pyish [--update]  (--update rewrites the README
# transcripts from the real output instead of comparing).
set -u
pyish=${1:?usage: doc_test.sh PYISH [--update]}
update=${2:-}
[[ "$pyish" == /* ]] || pyish="$PWD/$pyish"
here=$(cd "$(dirname "$0")/.." && pwd)
readme=$here/README.md
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/demo" && cp "$here"/samples/demo/*.pyish "$tmp/demo/"
fails=0

# Prints the real transcript for the command line [$1] ("$ pyish x.pyish").
transcript() {
    local cmd=${1#\$ } timed=""
    [[ $cmd == time\ * ]] && { timed=1; cmd=${cmd#time }; }
    read -r -a words <<<"$cmd"
    words[0]=$pyish
    echo "$1"
    (cd "$tmp/demo" && timeout 10 "${words[@]}" 2>&1 </dev/null) | sed "s|$tmp/demo|/home/me/demo|g"
    [[ -n $timed ]] && printf '\nreal\t0m0.011s\n'
    return 0
}

# Walks the README: blocks to check are replaced by their real transcript
# in $tmp/README.new; their differences are reported.
in_block=0; block=""; first=""
: >"$tmp/README.new"
while IFS= read -r line || [[ -n $line ]]; do
    if [[ $in_block -eq 0 ]]; then
        echo "$line" >>"$tmp/README.new"
        [[ $line == '```text' ]] && { in_block=1; block=""; first=""; }
        continue
    fi
    if [[ $line == '```' ]]; then
        in_block=0
        if [[ $first =~ ^\$\ (time\ )?pyish\ .*\.pyish$ && -f $tmp/demo/${first##* } ]]; then
            real=$(transcript "$first")
            want=$block; got=$real
            if [[ $first == \$\ time\ * ]]; then
                want=$(printf '%s\n' "$block" | sed '/^real\t/,$d')
                got=$(printf '%s\n' "$real" | sed '/^real\t/,$d')
            fi
            if [[ "$want" != "$got" ]]; then
                echo "FAIL README transcript of '$first' is stale:"
                diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -20
                fails=$((fails + 1))
            fi
            printf '%s\n' "$real" >>"$tmp/README.new"
        else
            printf '%s\n' "$block" >>"$tmp/README.new"
        fi
        echo '```' >>"$tmp/README.new"
        continue
    fi
    [[ -z $block && -z $first ]] && first=$line
    block+=${block:+$'\n'}$line
done <"$readme"
if [[ $update == --update ]]; then
    cp "$tmp/README.new" "$readme"
    echo "README.md transcripts rewritten"
    exit 0
fi

# the man page
man=$here/doc/pyish.1
if command -v groff >/dev/null; then
    warn=$(groff -man -ww -z "$man" 2>&1)
    [[ -z $warn ]] || { echo "FAIL groff warnings on doc/pyish.1:"; echo "$warn"; fails=$((fails + 1)); }
    groff -man -Tutf8 -P-cbou "$man" 2>/dev/null >"$tmp/man.txt"
    awk 'BEGIN { RS = "" } {
             o = gsub(/\(/, "("); c = gsub(/\)/, ")")
             if (o != c) { print "FAIL unbalanced parentheses in doc/pyish.1:"; print; bad = 1 }
         } END { exit bad }' "$tmp/man.txt" || fails=$((fails + 1))
fi

[[ $fails -eq 0 ]] && exit 0
echo "$fails failure(s)"
exit 1
