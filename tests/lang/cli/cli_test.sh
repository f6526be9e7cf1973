#!/usr/bin/env bash
# Command-line behaviour of pyish, as python3's: -c, -i, a program on
# standard input (no prompts), sys.argv, exit statuses (sys.exit forms,
# SystemExit from a task, errors, usage errors), Ctrl-C in a script (traceback,
# then killed by SIGINT: 130), and --help matching the man page (a broken
# pipe on stdout: broken_pipe_test.sh). Usage: cli_test.sh PATH/TO/pyish
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
printf 'import sys\nprint(__name__, sys.argv[0].endswith("/mmod.pyish"), sys.argv[1:])\n' >mmod.pyish
check "-m module" 0 "__main__ True ['x', '-y']" "" -- "$pyish" -m mmod x -y
mkdir -p mpkg && printf 'V = 5\n' >mpkg/helper.pyish && : >mpkg/__init__.pyish
printf 'from .helper import V\nprint(__name__, __package__, V)\n' >mpkg/run.pyish
cp mpkg/run.pyish mpkg/__main__.pyish
check "-m package.module: relative imports" 0 "__main__ mpkg 5" "" -- "$pyish" -m mpkg.run
check "-m package: its __main__" 0 "__main__ mpkg 5" "" -- "$pyish" -m mpkg
check "-m library module" 0 "" "" -- "$pyish" -m heapq
# a Python program's .py modules and packages run with -m as with python3 -m
printf 'import sys\nprint(__name__, sys.argv[0].endswith("/pymod.py"), sys.argv[1:])\n' >pymod.py
check "-m NAME.py" 0 "__main__ True ['q']" "" -- "$pyish" -m pymod q
mkdir -p pypkg && printf 'V = 7\n' >pypkg/helper.py && : >pypkg/__init__.py
printf 'from .helper import V\nprint(__name__, __package__, V)\n' >pypkg/__main__.py
check "-m package of .py files: its __main__.py" 0 "__main__ pypkg 7" "" -- "$pyish" -m pypkg
# __main__'s names: __annotations__ in every mode, __cached__ for a file or stdin
check "-c: __main__'s names" 0 "['__annotations__', '__builtins__', '__doc__', '__loader__', '__name__', '__package__', '__spec__']" "" -- "$pyish" -c 'print(dir())'
printf 'print(dir(), __cached__)\n' >dirmain.py
check "file: __main__'s names" 0 "['__annotations__', '__builtins__', '__cached__', '__doc__', '__file__', '__loader__', '__name__', '__package__', '__spec__'] None" "" -- "$pyish" dirmain.py
# an embedded library module's sys.argv[0] ends as CPython's path does, so
# argparse's usage line names it as python3 -m does ("usage: zipfile.py")
check "-m library module: argv[0]" 2 "" "usage: zipfile.py [-h]" -- "$pyish" -m zipfile
check "-m missing module" 1 "" "pyish: No module named nosuchmod" -- "$pyish" -m nosuchmod
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
# -i without a program off a terminal: the banner on stderr (python3 too),
# not with -q
printf 'x = 1\nx\n' >in
check "-i off a terminal: banner" 0 "1" $'Type "help", "exit()" or Ctrl-D to leave.\n>>> >>> >>> ' -- "$pyish" -i
printf 'x = 1\nx\n' >in
check "-q -i off a terminal: no banner" 0 "1" "" -- bash -c '"$0" -q -i 2>err2; [[ $(cat err2) == ">>> >>> >>> " ]]' "$pyish"

w='import warnings, sys; print(sys.warnoptions); warnings.warn("careful"); print("after")'
check "-W error" 1 "['error']" "UserWarning: careful" -- "$pyish" -W error -c "$w"
check "-Werror (joined)" 1 "['error']" "UserWarning: careful" -- "$pyish" -Werror -c "$w"
check "-W ignore" 0 $'[\'ignore\']\nafter' "" -- "$pyish" -W ignore -c "$w"
check "-W two filters" 0 $'[\'error\', \'ignore::UserWarning\']\nafter' "" -- "$pyish" -W error -W ignore::UserWarning -c "$w"
check "-W bad action" 0 $'[\'bogus\']\nafter' "Invalid -W option ignored: invalid action: 'bogus'" -- "$pyish" -W bogus -c "$w"
check "no -W: printed once with its line" 0 $'[]\nafter' "<string>:1: UserWarning: careful" -- "$pyish" -c "$w"
check "-W without its argument" 2 "" "Argument expected for the -W option" -- "$pyish" -W
printf 'import asyncio\nawait asyncio.sleep(0, result=3)\nx = 5\nx\n' >in
# off a terminal, as python3's console: prompts on stdout (input()), the
# banner and the farewell on stderr
check "-m asyncio: a REPL with top-level await" 0 $'>>> >>> 3\n>>> >>> 5\n>>> ' "exiting asyncio REPL..." -- "$pyish" -m asyncio
printf 'await asyncio.sleep(0, result=4)\n' >in
check "-m asyncio: asyncio is imported in the REPL's namespace" 0 $'>>> 4\n>>> ' '>>> import asyncio' -- "$pyish" -m asyncio
printf '{"b": [1, 2], "a": null}' >in
check "-m json.tool --sort-keys" 0 $'{\n    "a": null,\n    "b": [\n        1,\n        2\n    ]\n}' "" -- "$pyish" -m json.tool --sort-keys
printf '{bad' >in
check "-m json.tool: bad JSON" 1 "" "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)" -- "$pyish" -m json.tool
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
check "missing file" 2 "" "pyish: can't open file '$tmp/no_such_file.pyish': [Errno 2] No such file or directory" -- "$pyish" no_such_file.pyish
check "missing file, quote in name" 2 "" "pyish: can't open file \"$tmp/it's.pyish\": [Errno 2]" -- "$pyish" "it's.pyish"
mkdir -p adir
check "a directory" 1 "" "pyish: can't find '__main__' module in '$tmp/adir'" -- "$pyish" adir
printf 'print("secret")\n' >noread.pyish; chmod 000 noread.pyish
if [[ $(id -u) -ne 0 ]]; then
    check "unreadable file" 2 "" "[Errno 13] Permission denied" -- "$pyish" noread.pyish
elif command -v setpriv >/dev/null &&
     setpriv --reuid=65534 --regid=65534 --clear-groups "$pyish" -c pass 2>/dev/null; then
    check "unreadable file" 2 "" "pyish: can't open file '$tmp/noread.pyish': [Errno 13] Permission denied" -- \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$pyish" noread.pyish
fi
: >empty.pyish
check "empty file" 0 "" "" -- "$pyish" empty.pyish
printf 'print(1)' >nonl.pyish
check "no newline at the end" 0 "1" "" -- "$pyish" nonl.pyish
printf 'if True:\r\n    print(1)\r\nprint(2)\r\n' >crlf.pyish
check "CRLF line endings" 0 $'1\n2' "" -- "$pyish" crlf.pyish
printf '#!/usr/bin/env pyish\nprint(3)\n' >shebang.pyish
check "#! line" 0 "3" "" -- "$pyish" shebang.pyish
printf '\xef\xbb\xbfprint("bom")\n' >bom.pyish
check "UTF-8 BOM" 0 "bom" "" -- "$pyish" bom.pyish
printf 'print(__file__)\n1/0\n' >tb.pyish
check "__file__ and traceback: absolute" 1 "$tmp/tb.pyish" "  File \"$tmp/tb.pyish\", line 2, in <module>" -- "$pyish" tb.pyish
check "./ kept in the absolute name" 1 "$tmp/./tb.pyish" "  File \"$tmp/./tb.pyish\", line 2" -- "$pyish" ./tb.pyish
printf 'x = (\n' >se.pyish
check "SyntaxError header: absolute" 1 "" "  File \"$tmp/se.pyish\", line 1" -- "$pyish" se.pyish
check "--check: absolute" 1 "" "  File \"$tmp/se.pyish\", line 1" -- "$pyish" --check se.pyish
printf '1 + 1\n' >in
check "-i after a SyntaxError" 0 "2" "SyntaxError: invalid syntax" -- "$pyish" -i -c 'x = = 1'
# the whole report, as python3's: a compiler-stage error in -c source has no
# text line; a parser error has its text and caret
"$pyish" -c 'return 5' >/dev/null 2>err
printf '  File "<string>", line 1\nSyntaxError: %s\n' "'return' outside function" | cmp -s - err ||
    { echo "FAIL -c compile-stage SyntaxError report"; cat err; fails=$((fails + 1)); }
"$pyish" -c 'x = (1,
 2 3)' >/dev/null 2>err
printf '  File "<string>", line 2\n    2 3)\n    ^^^\nSyntaxError: invalid syntax. Perhaps you forgot a comma?\n' | cmp -s - err ||
    { echo "FAIL -c parser SyntaxError report"; cat err; fails=$((fails + 1)); }
printf 'async def f(): pass\nf()\n' >never.pyish
check "never awaited: absolute" 0 "" "$tmp/never.pyish:2: RuntimeWarning: coroutine 'f' was never awaited" -- "$pyish" never.pyish
printf 'print(__file__)\n' >in
check "__file__ of stdin" 0 "<stdin>" "" -- "$pyish" -

# the source must be UTF-8 without NUL bytes (comments and strings too)
utf8_err() { echo "SyntaxError: Non-UTF-8 code starting with '\\x$1' in file $tmp/$2 on line $3, but no encoding declared; see https://peps.python.org/pep-0263/ for details"; }
for case in 'ff:x = "\xff"\n:1' 'ff:x = 1  # \xff\n:1' 'ed:x = 1\ny = "\xed\xa0\x80"\n:2' \
            'c0:x = "\xc0\x80"\n:1' 'f4:x = "\xf4\x90\x80\x80"\n:1' 'e2:x = "\xe2\x82":1'; do
    IFS=: read -r byte text line <<<"$case"
    printf "$text" >bad.pyish
    check "not UTF-8: $text" 1 "" "$(utf8_err "$byte" bad.pyish "$line")" -- "$pyish" bad.pyish
done
printf 'x = 1\ny = "a\0b"\n' >nul.pyish
check "NUL in a string" 1 "" "SyntaxError: source code cannot contain null bytes" -- "$pyish" nul.pyish
grep -qF "  File \"$tmp/nul.pyish\", line 2" err || { echo "FAIL NUL: no File line"; fails=$((fails + 1)); }
check "-c not UTF-8" 1 "" "UnicodeEncodeError: 'utf-8' codec can't encode character '\udcff' in position 5: surrogates not allowed" -- \
    "$pyish" -c "$(printf 'x = "\xff"')"

# usage errors: python3's three-line shape
usage_line="usage: pyish [option] ... [FILE | -c CODE | -m MODULE | -] [ARG] ..."
try_line="Try \`pyish -h' for more information."
"$pyish" --bogus >out 2>err; rc=$?
[[ $rc -eq 2 && "$(cat err)" == "unknown option --bogus"$'\n'"$usage_line"$'\n'"$try_line" && ! -s out ]] ||
    { echo "FAIL unknown option: status $rc"; cat err; fails=$((fails + 1)); }
"$pyish" -c >out 2>err; rc=$?
[[ $rc -eq 2 && "$(cat err)" == "Argument expected for the -c option"$'\n'"$usage_line"$'\n'"$try_line" ]] ||
    { echo "FAIL -c without code: status $rc"; cat err; fails=$((fails + 1)); }
"$pyish" -h >out 2>err; rc=$?
"$pyish" --help >out2 2>&1
[[ $rc -eq 0 ]] && cmp -s out out2 && [[ $(grep -c -- '--check' out) -eq 1 ]] ||
    { echo "FAIL -h / --help (once each option)"; fails=$((fails + 1)); }
check "--version" 0 "pyish 0.1.0" "" -- "$pyish" --version

# Ctrl-C in a script: the traceback, then death by SIGINT (130 in a shell).
# (env --default-signal: a background job of a script starts with SIGINT
# ignored, which pyish, as python3, keeps.)
for prog in 'import time; time.sleep(10)' 'while True: pass'; do
    env --default-signal=INT "$pyish" -c "$prog" >out 2>err &
    pid=$!
    sleep 0.3
    kill -INT $pid
    wait $pid
    rc=$?
    if [[ $rc -ne 130 ]] || ! grep -q '^KeyboardInterrupt$' err || ! grep -q 'Traceback' err; then
        echo "FAIL Ctrl-C in '$prog': status $rc (want 130)"; cat err; fails=$((fails + 1))
    fi
done

# SIGINT ignored at start (a background job) stays ignored, as in python3
env --ignore-signal=INT "$pyish" -c 'import time; time.sleep(1); print("slept")' >out 2>err &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
if [[ $rc -ne 0 || "$(cat out)" != slept || -s err ]]; then
    echo "FAIL ignored SIGINT: status $rc, stdout [$(cat out)]"; cat err; fails=$((fails + 1))
fi

# Large generated programs compile in time linear in their names (issue 9:
# 60 000 globals took 18 s, a def with 100 000 parameters never finished):
# 60 000 globals, 50 000 parameters, locals and class attributes, each well
# within check's 10 s timeout (also in sanitizer builds).
awk 'BEGIN { for (i = 0; i < 60000; i++) print "v" i " = " i; print "print(v0 + v59999)" }' >globals.py
check "60000 globals" 0 "59999" "" -- "$pyish" globals.py
awk 'BEGIN { printf "def f("; for (i = 0; i < 50000; i++) printf "%sp%d", (i ? ", " : ""), i;
             print "):\n    return p0 + p49999"; printf "print(f(";
             for (i = 0; i < 50000; i++) printf "%s%d", (i ? ", " : ""), i; print "))" }' >params.py
check "50000 parameters" 0 "49999" "" -- "$pyish" params.py
awk 'BEGIN { print "def f():"; for (i = 0; i < 50000; i++) print "    l" i " = " i;
             print "    return l0 + l49999"; print "print(f())" }' >locals.py
check "50000 locals" 0 "49999" "" -- "$pyish" locals.py
awk 'BEGIN { print "class C:"; for (i = 0; i < 50000; i++) print "    a" i " = " i ".5";
             print "print(C.a49999)" }' >classattrs.py
check "50000 class attributes" 0 "49999.5" "" -- "$pyish" classattrs.py

# python3's one-letter flags: -u unbuffered (a line reaches a pipe before the
# program ends), -O drops asserts, flag groups, unknown letters
check "-O drops asserts" 0 "False 1" "" -- "$pyish" -O -c 'import sys; assert False; print(__debug__, sys.flags.optimize)'
check "-OO" 0 "2" "" -- "$pyish" -OO -c 'import sys; assert 0; print(sys.flags.optimize)'
# -OO also discards docstrings (python3 prints 'None None None 1'; -O keeps them)
doc_prog=$'"""m"""\ndef f():\n "d"\n return 1\nclass C:\n "c"\nprint(f.__doc__, C.__doc__, __doc__, f())'
check "-OO drops docstrings" 0 "None None None 1" "" -- "$pyish" -OO -c "$doc_prog"
check "-O keeps docstrings" 0 "d c m 1" "" -- "$pyish" -O -c "$doc_prog"
# PEP 538/540 (python3 prints the same): a C/POSIX locale turns UTF-8 mode on
# and exports LC_CTYPE=C.UTF-8 unless LC_ALL is set or PYTHONCOERCECLOCALE=0
# (env -i keeps the sanitizers' options: without detect_leaks=0 the ASan build fails)
loc_prog='import os, sys; print(os.environ.get("LC_CTYPE"), sys.flags.utf8_mode)'
san_env=()
[[ -n ${ASAN_OPTIONS:-} ]] && san_env+=("ASAN_OPTIONS=$ASAN_OPTIONS")
[[ -n ${UBSAN_OPTIONS:-} ]] && san_env+=("UBSAN_OPTIONS=$UBSAN_OPTIONS")
check "C locale coerced" 0 "C.UTF-8 1" "" -- env -i "${san_env[@]}" LANG=C "$pyish" -c "$loc_prog"
check "LC_ALL=C: UTF-8 mode only" 0 "None 1" "" -- env -i "${san_env[@]}" LC_ALL=C "$pyish" -c "$loc_prog"
check "PYTHONCOERCECLOCALE=0" 0 "None 1" "" -- env -i "${san_env[@]}" PYTHONCOERCECLOCALE=0 "$pyish" -c "$loc_prog"
check "C.UTF-8 locale untouched" 0 "None 0" "" -- env -i "${san_env[@]}" LANG=C.UTF-8 "$pyish" -c "$loc_prog"
check "PYTHONUTF8=0" 0 "C.UTF-8 0" "" -- env -i "${san_env[@]}" PYTHONUTF8=0 "$pyish" -c "$loc_prog"
check "-X utf8" 0 "None 1" "" -- env -i "${san_env[@]}" LANG=C.UTF-8 "$pyish" -X utf8 -c "$loc_prog"
check "flag group -uBc" 0 "['-c', 'x'] 1" "" -- "$pyish" -uBSc 'import sys; print(sys.argv, sys.flags.no_site)' x
check "-I -E -s flags" 0 "1 1 1" "" -- "$pyish" -I -E -s -c 'import sys; f = sys.flags; print(f.isolated, f.ignore_environment, f.no_user_site)'
check "-Xdev attached" 0 "True" "" -- "$pyish" -Xdev -c 'import sys; print(sys.flags.dev_mode)'
check "unknown letter in a group" 2 "" "Unknown option: -z" -- "$pyish" -uz -c 'print(1)'
check "-c without code in a group" 2 "" "Argument expected for the -c option" -- "$pyish" -Bc
# python3 prints the same: every -X option in sys._xoptions, -b/-bb's
# BytesWarning filter after the -W ones and PYTHONWARNINGS' before them
# (not under -E), -I and -P leave the script's folder (and '') out of sys.path
check "-X options in sys._xoptions" 0 "{'foo': 'bar', 'baz': True, 'dev': True, 'utf8': True}" "" -- "$pyish" -X foo=bar -Xbaz -X dev -X utf8 -c 'import sys; print(sys._xoptions)'
check "-b filter" 0 "['ignore::ImportWarning', 'error', 'default::BytesWarning'] 1" "" -- env PYTHONWARNINGS=ignore::ImportWarning "$pyish" -W error -b -c 'import sys; print(sys.warnoptions, sys.flags.bytes_warning)'
check "-bb filter" 0 "['error::BytesWarning'] 2" "" -- "$pyish" -bb -c 'import sys; print(sys.warnoptions, sys.flags.bytes_warning)'
check "-E ignores PYTHONWARNINGS" 0 "[]" "" -- env PYTHONWARNINGS=error "$pyish" -E -c 'import sys; print(sys.warnoptions)'
mkdir -p isodir && printf 'import os, sys\nprint(os.path.dirname(os.path.abspath(sys.argv[0])) in sys.path, "" in sys.path, sys.flags.safe_path)\n' >isodir/iso.py
check "script folder in sys.path" 0 "True False False" "" -- "$pyish" isodir/iso.py
check "-I: no script folder in sys.path" 0 "False False True" "" -- "$pyish" -I isodir/iso.py
check "-P: no script folder in sys.path" 0 "False False True" "" -- "$pyish" -P isodir/iso.py
check "-P -c: no ''" 0 "False True" "" -- "$pyish" -P -c 'import sys; print("" in sys.path, sys.flags.safe_path)'
check "-c: ''" 0 "True" "" -- "$pyish" -c 'import sys; print(sys.path[0] == "")'
for flag in -u ""; do     # (this machine's environment may set PYTHONUNBUFFERED)
    ( env -u PYTHONUNBUFFERED "$pyish" $flag -c 'import time; print("first"); time.sleep(5); print("second")' >pipe.out 2>&1 & )
    sleep 2
    got=$(cat pipe.out)
    want=""; [[ -n $flag ]] && want="first"
    if [[ "$got" != "$want" ]]; then
        echo "FAIL unbuffered '$flag': after 2 s the pipe holds [$got], want [$want]"; fails=$((fails + 1))
    fi
done
( PYTHONUNBUFFERED=1 "$pyish" -c 'import time; print("env first"); time.sleep(5)' >penv.out 2>&1 & )
sleep 2
[[ "$(cat penv.out)" == "env first" ]] || { echo "FAIL PYTHONUNBUFFERED: pipe holds [$(cat penv.out)]"; fails=$((fails + 1)); }

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
