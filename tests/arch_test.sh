#!/usr/bin/env bash
# Checks the layering rules of DESIGN §1 on the source tree:
# - runtime/ (objects, asyncio) includes no header of src/: it reaches the
#   VM only through runtime/vmapi.h, which src/ implements;
# - src/ includes asyncio only through its API header(s) (ASYNCIO_API);
# - no .c file holds a file-scope prototype or extern declaration (each
#   belongs in the one header of the file that defines it), nor a weak
#   symbol;
# - no function is declared in two headers (or twice in one).
# Usage: arch_test.sh [SOURCE_ROOT]  (default: the tree this script is in).
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
ASYNCIO_API="asyncio/asyncio.h"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# 1. runtime/ -> src/ includes
src_headers=$(cd src && ls *.h *.def)
for f in runtime/*.[ch] runtime/asyncio/*.[ch]; do
    while IFS= read -r line; do
        inc=${line#*\"}; inc=${inc%%\"*}
        base=${inc##*/}
        case "$inc" in
            */src/*|../*) fail "$f includes $inc (a src/ header)"; continue ;;
        esac
        if [[ ! -e runtime/$inc && ! -e $(dirname "$f")/$inc ]] && grep -qx -- "$base" <<<"$src_headers"; then
            fail "$f includes \"$inc\" from src/ (use runtime/vmapi.h or a runtime header)"
        fi
    done < <(grep -E '^\s*#\s*include\s+"' "$f")
done

# 2. src/ -> asyncio only through its API header
for f in src/*.[ch]; do
    while IFS= read -r line; do
        inc=${line#*\"}; inc=${inc%%\"*}
        if [[ $inc == asyncio/* || $inc == */asyncio/* ]] && ! grep -qw -- "$inc" <<<"$ASYNCIO_API"; then
            fail "$f includes $inc (src/ may include only: $ASYNCIO_API)"
        fi
    done < <(grep -E '^\s*#\s*include\s+"' "$f")
done

# 3. local prototypes, extern declarations and weak symbols in .c files:
# a file-scope statement (starting in column 0, not static/typedef/a
# preprocessor line) that has a parameter list and ends with ';' before any
# '{' is a prototype.
c_files=$(ls src/*.c runtime/*.c runtime/asyncio/*.c tests/unit/*.c tests/fuzz/*.c samples/*/*.c 2>/dev/null)
for f in $c_files; do
    awk -v file="$f" '
        function report(what) { printf "FAIL: %s:%d: %s: %s\n", file, start, what, stmt; bad++ }
        /__attribute__ *\(\( *weak/ { start = NR; stmt = $0; report("weak symbol") }
        collecting {
            stmt = stmt " " $0
            if ($0 ~ /\{/) { collecting = 0; next }
            if ($0 ~ /;[ \t]*(\/\/.*)?$/) { collecting = 0; if (stmt ~ /\(/) report("local prototype") }
            next
        }
        /^extern[ \t]/ { start = NR; stmt = $0; report("extern declaration in a .c file"); next }
        /^[A-Z_0-9]+\(/ { next }   # a macro invocation (EXC_LIST(X), START_TEST(t))
        /^[A-Za-z_]/ && !/^(static|typedef|struct|union|enum|const|_Static_assert)[ \t(]/ {
            start = NR; stmt = $0
            if ($0 ~ /\{/ || $0 !~ /\(/) { next }
            if ($0 ~ /\);[ \t]*(\/\/.*)?$/) { report("local prototype"); next }
            if ($0 !~ /;/) { collecting = 1 }
        }
        END { exit bad > 100 ? 100 : bad }
    ' "$f"
    fails=$((fails + $?))
done

# 4. every function declared in exactly one header
dups=$(for h in src/*.h runtime/*.h runtime/asyncio/*.h include/*.h; do
           [[ -e $h ]] || continue
           grep -HE '^[A-Za-z_][A-Za-z_0-9 ]*[ *]+[A-Za-z_][A-Za-z_0-9]*\(' "$h" |
               grep -vE ':(static|typedef|return|#)' |
               sed -E 's/^([^:]*):[^(]*[ *]([A-Za-z_][A-Za-z_0-9]*)\(.*/\2 \1/'
       done | sort | awk '{ n[$1]++; where[$1] = where[$1] " " $2 }
                          END { for (k in n) if (n[k] > 1) print k ":" where[k] }')
if [[ -n $dups ]]; then
    while IFS= read -r d; do fail "declared more than once: $d"; done <<<"$dups"
fi

if ((fails)); then
    echo "$fails layering problem(s)"
    exit 1
fi
echo "layering ok"
