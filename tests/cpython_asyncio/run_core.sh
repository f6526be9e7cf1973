#!/usr/bin/env bash
# Runs CPython 3.11.7's own tests of the core language and builtin types
# (test/test_grammar.py, test_list.py, ...: copies, see README.md) under
# pyish with pyish's unittest, through run.sh (same table, time limit, crash
# check and pass-rate threshold), one `pyish -m unittest -v test.test_NAME`
# per file. RESULTS.md's "Core language" section has the numbers.
# Usage: run_core.sh PYISH [THRESHOLD=90]; FILES="grammar list" to pick files.
here=$(cd "$(dirname "$0")" && pwd)
export PACKAGE=test
user_files=${FILES:-}
export FILES=${FILES:-"grammar string_literals fstring unpack_ex scope with contextlib exceptions class list tuple dict set bool int float format augassign keywordonlyarg positional_only_arg generators coroutines types property enum functools itertools collections textwrap string pprint bisect heapq operator statistics fractions sys_settrace syntax genexps listcomps setcomps dictcomps patma exception_group except_star raise baseexception opcodes global decorators unpack named_expressions yield_from asyncgen contextlib_async super descr"}
# builtin types and builtins (compat33b; copies of Debian 3.11.2's files, see README.md)
[[ -z $user_files ]] && FILES+=" builtin unicode bytes math long complex range slice sort userdict userlist userstring ordered_dict defaultdict deque random print isinstance iter compare richcmp hash memoryview"
export TIMEOUT=${TIMEOUT:-60}
exec bash "$here/run.sh" "$@"
