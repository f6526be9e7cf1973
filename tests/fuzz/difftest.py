#!/usr/bin/python3
"""Differential tester: random, valid, deterministic programs under python3 and pyish.

Each program is generated from a seed (the same seed always gives the same program) and
exercises ints (huge, negative, //, %, **, bit ops, shifts), floats (repr, format, round,
int(), inf/nan), strings (f-strings with specs, % formatting, str methods, slicing),
containers and their methods, slicing with negative/big steps, comprehensions, control
flow (try/except/finally/break/continue/return in nested loops), closures/nonlocal,
classes with inheritance/super()/dunders/properties, generators (send/throw/close,
yield from) and async programs (asyncio.run, gather, create_task, sleep, Queue, Event,
Lock, TaskGroup, wait_for) whose output does not depend on timing.  Programs print
intermediate values, exceptions as `type(e).__name__, e`, and sets only sorted (pyish
iterates sets in insertion order by design).

Each program runs under /usr/bin/python3 and under pyish (--virtual-clock), with a
timeout.  A program is a difference when stdout, the last stderr line or the exit
status differ.  Differences are reduced (delta debugging over top-level statements,
then over single lines, keeping the candidate valid for python3 and the difference of
the same kind) and written to OUTDIR/seed-N.py with both outputs; OUTDIR/summary.txt
lists them.

Usage:
  tests/fuzz/difftest.py --count 200 --pyish build/pyish         # CI: exit 1 on a difference
  tests/fuzz/difftest.py --count 20000 -j2 --out /tmp/difftest   # long run, keeps cases
  tests/fuzz/difftest.py --show SEED                              # print one program
  tests/fuzz/difftest.py --seed-start N --count M ...             # another range of seeds
Options: --python PATH (default /usr/bin/python3), --timeout S (default 10),
--no-reduce (keep the differing programs unreduced), -j N (parallel jobs, default 1).
Exit status: 0 no difference, 1 differences found, 2 usage error.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

# ---------------------------------------------------------------------------
# Generation helpers


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0

    def name(self, p="v"):
        self.n += 1
        return "%s%d" % (p, self.n)

    def choice(self, xs):
        return self.r.choice(xs)

    def rint(self, a, b):
        return self.r.randint(a, b)

    def chance(self, p):
        return self.r.random() < p

    # --- literal values -------------------------------------------------
    def int_lit(self):
        k = self.rint(0, 9)
        if k < 4:
            v = self.rint(-20, 20)
        elif k < 6:
            v = self.rint(-10**6, 10**6)
        elif k < 8:
            v = self.r.choice([1, -1]) * self.r.getrandbits(self.rint(30, 200))
        else:
            v = self.choice([0, 1, -1, 2**31, -2**31, 2**63 - 1, -2**63, 2**64, 10**20, 255, 256])
        return "(%d)" % v if v < 0 else str(v)

    def float_lit(self):
        k = self.rint(0, 9)
        if k < 3:
            v = repr(round(self.r.uniform(-100, 100), self.rint(0, 6)))
        elif k < 5:
            v = repr(self.r.uniform(-1e6, 1e6))
        elif k < 6:
            v = repr(self.r.uniform(-1, 1) * 10 ** self.rint(-300, 300))
        elif k < 7:
            v = self.choice(["float('inf')", "float('-inf')", "float('nan')", "-0.0", "0.0"])
        else:
            v = self.choice(["0.5", "1.5", "2.5", "-2.5", "0.1", "0.2", "1e16", "1e-7",
                             "123456789.125", "1e22", "5e-324", "1.7976931348623157e308",
                             "0.3", "2.675", "1/3"])
        if v.startswith("-"):
            v = "(%s)" % v
        return v

    def str_lit(self):
        k = self.rint(0, 7)
        alpha = "abcXYZ  ,.-_:01\t"
        if k < 4:
            s = "".join(self.choice(alpha) for _ in range(self.rint(0, 12)))
        elif k < 5:
            s = self.choice(["hello world", "  padded  ", "a,b,,c", "Mississippi", "Title case words",
                             "tab\tsep", "line1\nline2\n", "ÄÖü ß", "日本語", "snake_case_name",
                             "CamelCase", "123", "-45", "3.14", "", "x"])
        elif k < 6:
            s = "".join(self.choice("ab") for _ in range(self.rint(0, 8)))
        else:
            s = self.choice(["é", "ﬁ", "İ", "σς", "\u00e9t\u00e9", "a\u0301", "€100", "\x00z"])
        return repr(s)

    def small_list(self, fn=None, lo=0, hi=7):
        fn = fn or (lambda: str(self.rint(-9, 9)))
        return "[" + ", ".join(fn() for _ in range(self.rint(lo, hi))) + "]"


def guard(body, indent=""):
    """Wrap body lines in try/except printing the exception."""
    out = [indent + "try:"]
    out += [indent + "    " + l for l in body]
    out += [indent + "except Exception as e:", indent + "    print(type(e).__name__, e)"]
    return out


# ---------------------------------------------------------------------------
# Generators of top-level chunks (each returns a list of lines, a valid statement group)


def g_ints(g):
    lines = []
    ops = ["+", "-", "*", "//", "%", "**", "&", "|", "^", "<<", ">>", "==", "<", ">=", "!="]
    for _ in range(g.rint(3, 8)):
        a, b = g.int_lit(), g.int_lit()
        op = g.choice(ops)
        if op == "**":
            b = str(g.rint(-3, 40))
            if b.startswith("-"):
                b = "(%s)" % b
        if op in ("<<", ">>"):
            b = str(g.rint(-2, 130))
            if b.startswith("-"):
                b = "(%s)" % b
        e = "%s %s %s" % (a, op, b)
        k = g.rint(0, 9)
        if k == 0:
            e = "divmod(%s, %s)" % (a, b)
        elif k == 1:
            e = "pow(%s, %d, %s)" % (a, g.rint(-2, 50), b)
        elif k == 2:
            e = g.choice(["abs(%s)", "-%s", "~%s", "hex(%s)", "oct(%s)", "bin(%s)", "(%s).bit_length()",
                          "str(%s)[-30:]", "int(str(%s))", "bool(%s)", "round(%s, -2)", "float(%s)", "%s / 7",
                          "int('%%d' %% %s)"]) % a
        elif k == 3:
            e = "int(%s, %d)" % (repr(g.choice(["ff", "-101", "0x1F", "z", "  42 ", "1_000", "0b11", "7", "1__0", ""])), g.choice([0, 2, 10, 16, 36]))
        lines += guard(["print(%r, %s)" % (e[:30], e)])
    return lines


def g_floats(g):
    lines = []
    for _ in range(g.rint(3, 8)):
        x = g.float_lit()
        k = g.rint(0, 12)
        if k == 0:
            e = "repr(%s)" % x
        elif k == 1:
            e = "round(%s, %d)" % (x, g.rint(-3, 6))
        elif k == 2:
            e = "round(%s)" % x
        elif k == 3:
            e = "int(%s)" % x
        elif k == 4:
            spec = g.choice([".2f", ".3e", "g", ".10g", "10.3f", "<12.2f", ">+12.4", "^15.1e", "%", ".1%",
                             ",.2f", "_.3f", "e", "E", "G", ".0f", "012.3f", "+.3g", " .2f", "", ".0e", "f", ".20g", "n"])
            e = "format(%s, %r)" % (x, spec)
        elif k == 5:
            op = g.choice(["+", "-", "*", "/", "//", "%", "**", "<", "==", ">="])
            if op == "**":
                x = "abs(%s)" % x  # a negative base gives a complex: pyish has no complex yet
            e = "%s %s %s" % (x, op, g.choice([g.float_lit(), g.int_lit()]))
        elif k == 6:
            e = "divmod(%s, %s)" % (x, g.float_lit())
        elif k == 7:
            e = "(%s).is_integer(), (%s).as_integer_ratio()" % (x, x)
        elif k == 8:
            e = "str(%s), float(str(%s))" % (x, x)
        elif k == 9:
            e = "'%%.3f|%%e|%%g|%%r' %% (%s, %s, %s, %s)" % (x, x, x, x)
        elif k == 10:
            e = "float(%r)" % g.choice(["1e5", " -3.5 ", "inf", "-Infinity", "nan", "1_0.5", "0x10", "1e400", "abc", "+.5", "5."])
        elif k == 11:
            e = "math.floor(%s), math.ceil(%s), math.trunc(%s)" % (x, x, x)
        else:
            # not hash(nan): it depends on object identity (address reuse) in CPython
            e = "hash(%s) == hash(float(repr(%s)))" % (x, x) if "nan" not in x else "hash(1.5)"
        lines += guard(["print(%r, %s)" % (e[:30], e)])
    return ["import math"] + lines


STR_METHODS = [
    "upper()", "lower()", "title()", "capitalize()", "swapcase()", "casefold()", "strip()",
    "strip('a ')", "lstrip()", "rstrip('.-')", "split()", "split(',')", "split(',', 1)",
    "rsplit(None, 1)", "rsplit('a', 2)", "splitlines()", "splitlines(True)", "partition(',')",
    "rpartition('a')", "find('a')", "rfind('a', 1)", "index('b')", "rindex('a')", "count('a')",
    "count('')", "replace('a', 'XY')", "replace('', '-')", "replace('a', '', 1)",
    "startswith(('a', 'b'))", "endswith('c')", "isdigit()", "isalpha()", "isalnum()",
    "isspace()", "isupper()", "islower()", "istitle()", "isidentifier()", "isdecimal()",
    "isnumeric()", "isprintable()", "center(15, '*')", "ljust(12)", "rjust(12, '0')", "zfill(10)",
    "expandtabs(4)", "join(['1', '2', '3'])", "removeprefix('a')",
    "removesuffix('c')", "format()", "ljust(3)", "split(maxsplit=1)", "partition('')",
    "find('', 100)", "count('a', -3)", "endswith('', 2, 1)", "center(4)",
]


def g_strings(g):
    lines = []
    for _ in range(g.rint(4, 10)):
        s = g.str_lit()
        k = g.rint(0, 8)
        if k <= 2:
            e = "%s.%s" % (s, g.choice(STR_METHODS))
        elif k == 3:
            a, b, c = (g.choice(["", str(g.rint(-12, 12)), "None"]) for _ in range(3))
            e = "%s[%s:%s:%s]" % (s, a, b, c if c != "0" else "1")
        elif k == 4:
            spec = g.choice(["", ">10", "<8", "^9", "*^11", ".3", "10.2", "!r", "!r:>12", "=^7", "!s:.2"])
            lines.append("sv = %s" % s)
            e = "f'[{sv:%s}]'" % spec if not spec.startswith("!") else "f'[{sv%s}]'" % spec
        elif k == 5:
            fmt = g.choice(["%s|%r", "%5s|%-5r", "%.2s|%a", "%10.3s|%s", "%c|%s"])
            e = "%r %% (%s, %s)" % (fmt, s, s) if "%c" not in fmt else "%r %% (%d, %s)" % (fmt, g.rint(32, 1000), s)
        elif k == 6:
            e = "'{0!r:^12}|{1:>5}|{0}'.format(%s, %s)" % (s, g.choice([g.int_lit(), g.str_lit()]))
        elif k == 7:
            e = "%s %s %s" % (s, g.choice(["<", "==", ">=", "+", "in", "not in"]), g.str_lit())
        else:
            e = "%s * %d" % (s, g.rint(-1, 4))
        lines += guard(["print(%r, repr(%s))" % (e[:40], e)])
    # numeric formatting
    for _ in range(g.rint(2, 6)):
        x = g.choice([g.int_lit(), g.float_lit()])
        spec = g.choice(["d", "5d", "+d", "x", "#x", "08b", "o", "#o", "X", ",", "_", ",d", "_x",
                         ">10", "<10", "^10", "=+10", "010", ".3f", "10.4e", "%", "c", "n", "e", "g"])
        e = "f'{%s:%s}'" % (x, spec)
        lines += guard(["print(%r, %s)" % (e[:40], e)])
        fmt = g.choice(["%d", "%5d", "%-6d|", "%+d", "%x", "%#x", "%o", "%#o", "%X", "%e", "%.2f",
                        "%g", "%10.3g", "%05d", "%i", "% d", "%.3d", "%s", "%r", "%*d"])
        if fmt == "%*d":
            e = "%r %% (%d, %s)" % (fmt, g.rint(-5, 8), x)
        else:
            e = "%r %% (%s,)" % (fmt, x)
        lines += guard(["print(%r, %s)" % (e[:40], e)])
    if g.chance(0.5):
        w, p = g.rint(0, 12), g.rint(0, 5)
        lines += guard(["w, p = %d, %d" % (w, p), "x = %s" % g.float_lit(),
                        "print(f'{x:{w}.{p}f}|{x!r:>{w}}|{w:#{p+3}x}|{\"s\":{\"*\"}^{w}}')"])
    return lines


def g_lists(g):
    v = g.name("L")
    lines = ["%s = %s" % (v, g.small_list())]
    meths = ["append(%d)", "extend([%d, 3])", "insert(%d, 7)", "pop()", "pop(%d)", "remove(%d)",
             "index(%d)", "count(%d)", "reverse()", "sort()", "sort(reverse=True)", "sort(key=abs)",
             "clear()", "copy()", "__len__()", "__contains__(%d)"]
    for _ in range(g.rint(3, 10)):
        m = g.choice(meths)
        if "%d" in m:
            m = m % g.rint(-5, 9)
        lines += guard(["r = %s.%s" % (v, m), "print(%r, r, %s)" % (m, v)])
    ops = ["%s[%s]" % (v, g.rint(-8, 8)), "%s[::%d]" % (v, g.choice([-1, 2, -3, 100, -100])),
           "%s[%d:%d:%d]" % (v, g.rint(-9, 9), g.rint(-9, 9), g.choice([1, -1, 2, -2, 7])),
           "%s + [1]" % v, "%s * 2" % v, "%s < [0, 1]" % v, "%s == sorted(%s)" % (v, v),
           "sorted(%s, key=lambda x: (x %% 3, -x))" % v, "min(%s, default=None)" % v, "max(%s, key=abs)" % v,
           "list(zip(%s, 'abcdef'))" % v, "list(enumerate(%s, 1))" % v, "list(map(str, %s))" % v,
           "list(filter(None, %s))" % v, "sum(%s)" % v, "tuple(%s).index(%d)" % (v, g.rint(-3, 3)),
           "tuple(%s).count(1)" % v, "list(reversed(%s))" % v, "any(%s), all(%s)" % (v, v),
           "%s > (1, 2)" % v, "tuple(%s) < (0,)" % v, "sorted(%s, reverse=True)" % v,
           "[x for x in %s if x %% 2 for y in range(2)]" % v, "%s.index(0, 1, -1)" % v]
    for _ in range(g.rint(2, 6)):
        e = g.choice(ops)
        lines += guard(["print(%r, %s)" % (e, e)])
    if g.chance(0.5):
        a, b, c = g.rint(-8, 8), g.rint(-8, 8), g.choice([1, -1, 2, -2, 3])
        lines += guard(["%s[%d:%d:%d] = %s" % (v, a, b, c, g.small_list(hi=4)), "print(%s)" % v])
        lines += guard(["del %s[%d:%d:%d]" % (v, g.rint(-8, 8), g.rint(-8, 8), c), "print(%s)" % v])
    return lines


def g_dicts(g):
    v = g.name("D")
    keys = lambda: g.choice([str(g.rint(-3, 6)), repr(g.choice("abcde")), "(%d, 'k')" % g.rint(0, 3), "True", "2.0"])
    lines = ["%s = {%s}" % (v, ", ".join("%s: %d" % (keys(), g.rint(0, 9)) for _ in range(g.rint(0, 6))))]
    lines.append("print(%s)" % v)
    meths = ["get(%s)", "get(%s, -1)", "pop(%s)", "pop(%s, None)", "setdefault(%s, 5)",
             "update({%s: 9})", "keys()", "values()", "items()", "copy()", "__contains__(%s)"]
    for _ in range(g.rint(3, 9)):
        m = g.choice(meths)
        if "%s" in m:
            m = m % keys()
        lines += guard(["r = %s.%s" % (v, m), "print(%r, r, %s, len(%s))" % (m, v, v)])
    e = g.choice(["{k: v for k, v in sorted(%s.items(), key=str)}" % v, "list(%s)" % v,
                  "dict(zip('abc', range(3)))", "%s == dict(%s)" % (v, v), "dict.fromkeys('aba', 0)",
                  "%s | {1: 'x'}" % v, "list(reversed(%s))" % v, "sorted(%s, key=repr)" % v])
    lines += guard(["print(%s)" % e])
    # sets (printed sorted)
    s, t = g.name("S"), g.name("S")
    lines.append("%s = set(%s)" % (s, g.small_list()))
    lines.append("%s = {%s}" % (t, ", ".join(str(g.rint(-5, 5)) for _ in range(g.rint(0, 5)))))
    for _ in range(g.rint(2, 6)):
        op = g.choice(["|", "&", "-", "^"])
        lines += guard(["print(%r, sorted(%s %s %s))" % (op, s, op, t)])
    for m in g.r.sample(["add(3)", "discard(1)", "remove(2)", "update([7, 8])",
                         "issubset(%s)" % t, "isdisjoint(%s)" % t, "issuperset([1])", "copy()"], 3):
        lines += guard(["r = %s.%s" % (s, m), "print(%r, r if not isinstance(r, set) else sorted(r), sorted(%s))" % (m, s)])
    lines += guard(["print(%s <= %s, %s == %s, len(%s), 1 in %s, frozenset(%s) == %s)" % (s, t, s, t, s, s, s, s)])
    return lines


def g_comprehensions(g):
    lines = []
    for _ in range(g.rint(2, 5)):
        n1, n2 = g.rint(0, 6), g.rint(0, 5)
        c1 = g.choice(["", " if x % 2", " if x > y", " if not x % 3"])
        c2 = g.choice(["", " if y", " if x != y"])
        expr = g.choice(["x * y", "(x, y)", "x - y", "str(x) + str(y)", "[x] * y"])
        kind = g.choice(["[%s]", "sorted({%s})", "list((%s))", "{%s}"])
        if kind == "{%s}":
            body = "x: y for x in range(%d) for y in range(x, %d)%s" % (n1, n2 + x_off(g), c2)
        elif kind == "sorted({%s})":
            body = "x * y for x in range(%d)%s for y in range(%d)%s" % (n1, "" if ">" in c1 else c1, n2, c2)
        else:
            body = "%s for x in range(%d) for y in range(%d)%s%s" % (expr, n1, n2, c2, c1 if ">" not in c1 else "")
        lines += guard(["print(%s)" % (kind % body)])
    lines += guard(["print([[i * j for j in range(i)] for i in range(%d)])" % g.rint(0, 5)])
    lines += guard(["print(sum(x for x in range(%d) if x %% %d))" % (g.rint(0, 50), g.rint(1, 5))])
    return lines


def x_off(g):
    return g.rint(0, 3)


FLOW_STMTS = ["break", "continue", "return i", "pass", "raise ValueError(i)", "log.append(i)",
              "raise KeyError('k')", "1 / 0"]


def g_flow(g):
    f = g.name("flow")
    depth_body = []

    def stmt():
        return g.choice(FLOW_STMTS)

    def block(ind, depth, in_loop):
        out = []
        for _ in range(g.rint(1, 3)):
            k = g.rint(0, 5)
            if k == 0 and depth < 3:
                v = "ijk"[depth]
                out.append(ind + "for %s in range(%d):" % (v, g.rint(0, 4)))
                out.append(ind + "    log.append(('%s', %s))" % (v, v))
                out += block(ind + "    ", depth + 1, True)
            elif k == 1 and depth < 3:
                out.append(ind + "try:")
                out += block(ind + "    ", depth + 1, in_loop)
                if g.chance(0.7):
                    exc = g.choice(["ValueError", "ZeroDivisionError", "Exception", "(KeyError, ValueError)", "ArithmeticError"])
                    out.append(ind + "except %s as e:" % exc)
                    out.append(ind + "    log.append(type(e).__name__)")
                    if g.chance(0.4):
                        out += block(ind + "    ", depth + 1, in_loop)
                if g.chance(0.3):
                    out.append(ind + "else:")
                    out.append(ind + "    log.append('else')")
                if g.chance(0.6) or out[-1].strip() == "try:" or "try:" in out[-1]:
                    out.append(ind + "finally:")
                    out.append(ind + "    log.append('fin')")
                    if g.chance(0.4):
                        out += block(ind + "    ", depth + 1, in_loop)
                # make sure try has a handler or finally
                if not any(l.startswith(ind + "except") or l.startswith(ind + "finally") for l in out[-50:]):
                    out.append(ind + "finally:")
                    out.append(ind + "    log.append('fin2')")
            elif k == 2 and depth < 3:
                out.append(ind + "if i %% %d == %d:" % (g.rint(1, 3), g.rint(0, 1)))
                out += block(ind + "    ", depth + 1, in_loop)
                if g.chance(0.5):
                    out.append(ind + "else:")
                    out += block(ind + "    ", depth + 1, in_loop)
            elif k == 3 and depth < 3:
                w = g.name("w")
                out.append(ind + "%s = 0" % w)
                out.append(ind + "while %s < %d:" % (w, g.rint(0, 5)))
                out.append(ind + "    %s += 1" % w)
                out += block(ind + "    ", depth + 1, True)
            else:
                s = stmt()
                while not in_loop and s in ("break", "continue"):
                    s = stmt()
                out.append(ind + s)
        return out

    body = ["def %s(log):" % f, "    i = 0"]
    body += block("    ", 0, False)
    body.append("    return 'end'")
    # re-generate try blocks lacking except/finally is handled above, verify by compiling
    src = "\n".join(body)
    lines = body  # gen_program retries a chunk that does not compile
    lines += ["log = []"]
    lines += guard(["print(%r, %s(log))" % (f, f)])
    lines += ["print(log)"]
    return lines


def g_closures(g):
    f = g.name("mk")
    n = g.rint(1, 5)
    lines = ["def %s(start):" % f,
             "    count = start",
             "    hist = []",
             "    def inc(step=1):",
             "        nonlocal count",
             "        count += step",
             "        hist.append(count)",
             "        return count",
             "    def get():",
             "        return count, list(hist)",
             "    return inc, get",
             "inc, get = %s(%s)" % (f, g.int_lit())]
    for _ in range(n):
        lines.append("print(inc(%d))" % g.rint(-3, 5))
    lines.append("print(get())")
    lines += ["fs = [lambda x, i=i: x * i for i in range(%d)]" % g.rint(0, 5),
              "print([h(3) for h in fs])",
              "gs = [lambda: i for i in range(3)]",
              "print([h() for h in gs])",
              "def outer():",
              "    x = 1",
              "    def mid():",
              "        def inner():",
              "            nonlocal x",
              "            x += %d" % g.rint(1, 9),
              "            return x",
              "        return inner",
              "    r = mid()()",
              "    return r, x",
              "print(outer())"]
    return lines


def g_classes(g):
    b, c = g.name("Base"), g.name("Child")
    lines = [
        "class %s:" % b,
        "    def __init__(self, *items):",
        "        self.items = list(items)",
        "    def __repr__(self):",
        "        return '%s(%%r)' %% (self.items,)" % b,
        "    def __len__(self):",
        "        return len(self.items)",
        "    def __iter__(self):",
        "        return iter(self.items)",
        "    def __getitem__(self, i):",
        "        return self.items[i]",
        "    def __contains__(self, x):",
        "        return x in self.items",
        "    def __eq__(self, other):",
        "        if not isinstance(other, %s):" % b,
        "            return NotImplemented",
        "        return self.items == other.items",
        "    def __lt__(self, other):",
        "        return sum(self.items) < sum(other.items)",
        "    def __hash__(self):",
        "        return hash(tuple(self.items))",
        "    def __add__(self, other):",
        "        if isinstance(other, int):",
        "            return type(self)(*[x + other for x in self.items])",
        "        return NotImplemented",
        "    def __radd__(self, other):",
        "        return ('radd', other, len(self))",
        "    def __bool__(self):",
        "        return %s" % g.choice(["bool(self.items)", "len(self.items) > 1", "True"]),
        "    @property",
        "    def total(self):",
        "        return sum(self.items)",
        "    @total.setter",
        "    def total(self, v):",
        "        self.items = [v]",
        "    def describe(self):",
        "        return 'base:' + str(len(self))",
        "class %s(%s):" % (c, b),
        "    def __init__(self, *items, tag='t'):",
        "        super().__init__(*items)",
        "        self.tag = tag",
        "    def describe(self):",
        "        return 'child:' + self.tag + '/' + super().describe()",
        "    def __str__(self):",
        "        return 'str-' + self.tag",
    ]
    mk = lambda: "%s(%s)" % (g.choice([b, c]), ", ".join(str(g.rint(-5, 9)) for _ in range(g.rint(0, 4))))
    exprs = ["%s", "repr(%s)", "str(%s)", "len(%s)", "list(%s)", "%s[0]", "%s[-1]", "3 in %s", "%s == %s2",
             "%s < %s2", "%s > %s2", "%s <= %s2", "%s + 1", "1 + %s", "'s' + %s", "bool(%s)",
             "%s.total", "%s.describe()", "sorted([%s, %s2])", "hash(%s) == hash(%s2)",
             "{%s, %s2} == {%s2, %s}", "max(%s, %s2)", "[x for x in %s]", "isinstance(%s, %s)" % ("%s", b),
             "type(%s).__mro__[0].__name__", "%s != %s2", "f'{%s!r:>5}'"]
    for _ in range(g.rint(4, 10)):
        e = g.choice(exprs)
        lines += guard(["o = %s" % mk(), "o2 = %s" % mk(), "print(%r, %s)" % (e, e.replace("%s2", "o2").replace("%s", "o"))])
    lines += guard(["o = %s" % mk(), "o.total = %d" % g.rint(0, 9), "print(o, o.total, o.items)"])
    return lines


def g_generators(g):
    f = g.name("gen")
    lines = ["def %s(n):" % f,
             "    total = 0",
             "    try:",
             "        for i in range(n):",
             "            try:",
             "                got = yield i * 10",
             "            except ValueError as e:",
             "                print('caught', e)",
             "                got = yield 'recovered'",
             "            total += got or 0",
             "            print('got', got)",
             "    finally:",
             "        print('cleanup', total)",
             "    return total",
             "def deleg(n):",
             "    r = yield from %s(n)" % f,
             "    print('sub returned', r)",
             "    yield 'after'",
             "    return r",
             ]
    ops = ["next(g)", "g.send(%d)", "g.throw(ValueError('boom'))", "g.close()", "g.throw(KeyError('k'))",
           "next(g, 'default')", "list(g)"]
    for _ in range(g.rint(1, 3)):
        lines.append("g = %s(%d)" % (g.choice([f, "deleg"]), g.rint(0, 4)))
        for _ in range(g.rint(2, 7)):
            op = g.choice(ops)
            if "%d" in op:
                op = op % g.rint(0, 9)
            lines += ["try:",
                      "    print(%r, %s)" % (op, op),
                      "except StopIteration as e:",
                      "    print('StopIteration', e.value)",
                      "except Exception as e:",
                      "    print(type(e).__name__, e)"]
        # close explicitly: CPython finalizes a dropped generator at once (refcounting),
        # pyish when the collector runs, so output would depend on the memory manager
        lines += ["g.close()"]
    lines += ["def chain(*its):",
              "    for it in its:",
              "        yield from it",
              "print(list(chain(range(%d), 'ab', [None], (x * x for x in range(%d)))))" % (g.rint(0, 4), g.rint(0, 4)),
              "print(sum(chain(range(%d), [1])))" % g.rint(0, 9)]
    return lines


def g_async(g):
    n = g.rint(1, 4)
    lines = ["import asyncio",
             "async def worker(name, q, results, lock, ev):",
             "    while True:",
             "        item = await q.get()",
             "        if item is None:",
             "            q.task_done()",
             "            break",
             "        async with lock:",
             "            results.append(item * 2)",
             "        await asyncio.sleep(0)",
             "        q.task_done()",
             "    ev.set()",
             "    return name",
             "async def slow(x):",
             "    await asyncio.sleep(%s)" % g.choice(["0", "0.001", "0.005"]),
             "    if x == %d:" % g.rint(0, 5),
             "        raise ValueError(x)",
             "    return x * x",
             "async def forever():",
             "    await asyncio.Event().wait()",
             "async def main():",
             "    q = asyncio.Queue()",
             "    results = []",
             "    lock = asyncio.Lock()",
             "    ev = asyncio.Event()",
             "    tasks = [asyncio.create_task(worker(i, q, results, lock, ev)) for i in range(%d)]" % n,
             "    for i in range(%d):" % g.rint(0, 8),
             "        await q.put(i)",
             "    for _ in tasks:",
             "        await q.put(None)",
             "    await q.join()",
             "    names = await asyncio.gather(*tasks)",
             "    print('names', names, 'results', sorted(results), ev.is_set())",
             "    r = await asyncio.gather(*[slow(i) for i in range(%d)], return_exceptions=True)" % g.rint(0, 6),
             "    print([x if not isinstance(x, Exception) else (type(x).__name__, str(x)) for x in r])",
             "    try:",
             "        await asyncio.wait_for(forever(), %s)" % g.choice(["0.01", "0.001"]),
             "    except asyncio.TimeoutError as e:",
             "        print('timeout', type(e).__name__)",
             "    print(await asyncio.wait_for(slow(7), 5))",
             "    try:",
             "        async with asyncio.TaskGroup() as tg:",
             "            ts = [tg.create_task(slow(i)) for i in range(%d)]" % g.rint(0, 4),
             "        print('tg', [t.result() for t in ts])",
             "    except Exception as eg:",
             "        print('eg', type(eg).__name__, sorted(str(e) for e in eg.exceptions))",
             "    t = asyncio.create_task(forever())",
             "    await asyncio.sleep(0)",
             "    t.cancel()",
             "    try:",
             "        await t",
             "    except asyncio.CancelledError:",
             "        print('cancelled', t.cancelled())",
             "    async def agen(k):",
             "        for i in range(k):",
             "            await asyncio.sleep(0)",
             "            yield i",
             "    print([x async for x in agen(%d)])" % g.rint(0, 5),
             "    return 'done'",
             "print(asyncio.run(main()))"]
    return lines


def g_misc(g):
    lines = []
    for _ in range(g.rint(2, 6)):
        e = g.choice([
            "list(range(%d, %d, %d))" % (g.rint(-10, 10), g.rint(-10, 10), g.choice([1, -1, 3, -2])),
            "sorted(['b', 'A', 'c', 'a'], key=str.lower)",
            "sorted([(1, 'b'), (1, 'a'), (0, 'z')], key=lambda t: t[1])",
            "list(zip(range(3), 'abcd', strict=False))",
            "dict(enumerate('xyz'))",
            "min([], default='empty'), max(3, 1, 2)",
            "'-'.join(map(str, filter(lambda x: x %% 2, range(%d))))" % g.rint(0, 12),
            "[*range(3), *'ab']",
            "{**{'a': 1}, 'b': 2}",
            "(lambda *a, **k: (a, sorted(k.items())))(1, 2, x=3)",
            "isinstance(True, int), bool.__mro__[1].__name__",
            "str(None), repr(...), repr(NotImplemented)",
            "divmod(-7, 2), -7 // 2, -7 % 2, 7 % -2",
            "[1, 2, 3][%d:%d]" % (g.rint(-5, 5), g.rint(-5, 5)),
            "'abcdefgh'[::%d]" % g.choice([-1, 2, -3, 10, -10]),
            "tuple('abcdef')[%d::%d]" % (g.rint(-7, 7), g.choice([1, -1, 2, -2, 5])),
            "repr([1.0, -0.0, 1e100, 'x', None, (1,), {}])",
            "ascii('héllo'), chr(%d), ord('€')" % g.rint(32, 0x3000),
            "abs(-2.5), round(-0.5), round(1.5), round(2.5)",
        ])
        lines += guard(["print(%s)" % e])
    return lines


CHUNKS = [g_ints, g_floats, g_strings, g_lists, g_dicts, g_comprehensions, g_flow, g_flow,
          g_closures, g_classes, g_generators, g_misc]


def gen_program(seed):
    g = Gen(seed)
    chunks = []
    kinds = [g.choice(CHUNKS) for _ in range(g.rint(2, 5))]
    if g.chance(0.15):
        kinds.append(g_async)
    for k in kinds:
        for _ in range(20):
            c = "\n".join(k(g))
            if valid(c):
                chunks.append(c)
                break
    return "\n".join(chunks) + "\n"


# ---------------------------------------------------------------------------
# Running and comparing

ADDR = re.compile(r"0x[0-9a-fA-F]+")


def run(cmd, src, timeout, workdir):
    fd, path = tempfile.mkstemp(suffix=".py", dir=workdir)
    with os.fdopen(fd, "w") as f:
        f.write(src)
    try:
        p = subprocess.run(cmd + [path], stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout, cwd=workdir)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out, err, rc = e.stdout or b"", b"TIMEOUT", "timeout"
    finally:
        os.unlink(path)
    out = ADDR.sub("<ADDR>", out.decode("utf-8", "replace"))
    lines = [l for l in err.decode("utf-8", "replace").splitlines() if l.strip()]
    last = ADDR.sub("<ADDR>", lines[-1]) if lines else ""
    return out, last, rc


def outcome(args, src):
    py = run([args.python], src, args.timeout, args.workdir)
    pi = run([args.pyish, "--virtual-clock"], src, args.timeout, args.workdir)
    return py, pi


def kind_of(py, pi):
    """A short signature of how the outcomes differ (kept the same while reducing)."""
    k = []
    if py[2] != pi[2]:
        k.append("rc:%s/%s" % (py[2], pi[2]))
    if py[1] != pi[1]:
        k.append("err")
    if py[0] != pi[0]:
        k.append("out")
    return ",".join(k)


def valid(src):
    try:
        compile(src, "<cand>", "exec")
        return True
    except (SyntaxError, ValueError):
        return False


def split_top(src):
    """Top-level statements: groups of lines starting at column 0."""
    groups = []
    for l in src.splitlines():
        if groups and (l.startswith((" ", "\t")) or l.startswith(("except", "finally", "else", "elif")) or not l.strip()):
            groups[-1].append(l)
        else:
            groups.append([l])
    return ["\n".join(gr) for gr in groups]


def ddmin(items, test):
    """Classic delta debugging: smallest sublist for which test holds."""
    n = 2
    while len(items) >= 2:
        chunk = max(1, len(items) // n)
        subsets = [items[i:i + chunk] for i in range(0, len(items), chunk)]
        reduced = False
        for i in range(len(subsets)):
            comp = [x for j, s in enumerate(subsets) if j != i for x in s]
            if comp and test(comp):
                items, n, reduced = comp, max(n - 1, 2), True
                break
        if not reduced:
            if n >= len(items):
                break
            n = min(len(items), n * 2)
    return items


def reduce(args, src, kind):
    budget = [args.reduce_budget]

    def still(cand):
        if budget[0] <= 0 or not valid(cand):
            return False
        budget[0] -= 1
        py, pi = outcome(args, cand)
        return kind_of(py, pi) == kind and "TIMEOUT" not in py[1]

    tops = ddmin(split_top(src), lambda xs: still("\n".join(xs) + "\n"))
    src = "\n".join(tops) + "\n"
    lines = ddmin(src.splitlines(), lambda xs: still("\n".join(xs) + "\n"))
    src = "\n".join(lines) + "\n"
    # one more single-line pass (ddmin granularity may leave removable lines)
    i = 0
    while i < len(lines):
        cand = lines[:i] + lines[i + 1:]
        if cand and still("\n".join(cand) + "\n"):
            lines = cand
        else:
            i += 1
    return "\n".join(lines) + "\n"


def check_seed(args, seed):
    src = gen_program(seed)
    py, pi = outcome(args, src)
    if "TIMEOUT" in py[1]:
        return seed, None  # python3 too slow: skip, not a difference
    k = kind_of(py, pi)
    if not k:
        return seed, None
    small = src if args.no_reduce else reduce(args, src, k)
    py, pi = outcome(args, small)
    return seed, (k, small, py, pi)


def main():
    ap = argparse.ArgumentParser(description="pyish vs python3 differential tester")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed-start", type=int, default=0)
    ap.add_argument("--pyish", default="build/pyish")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("-j", type=int, default=1)
    ap.add_argument("--out", default=None, help="folder for kept cases (default: none kept)")
    ap.add_argument("--no-reduce", action="store_true")
    ap.add_argument("--reduce-budget", type=int, default=400)
    ap.add_argument("--show", type=int, default=None, help="print the program of one seed")
    args = ap.parse_args()
    if args.show is not None:
        sys.stdout.write(gen_program(args.show))
        return 0
    args.pyish = os.path.abspath(args.pyish)
    if not os.access(args.pyish, os.X_OK):
        print("difftest: no pyish at %s" % args.pyish, file=sys.stderr)
        return 2
    tmp = tempfile.TemporaryDirectory(prefix="difftest-")
    args.workdir = tmp.name
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    found = []
    seeds = range(args.seed_start, args.seed_start + args.count)
    with ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        for seed, res in ex.map(lambda s: check_seed(args, s), seeds):
            if res is None:
                continue
            k, small, py, pi = res
            found.append((seed, k, small))
            print("seed %d: %s" % (seed, k), flush=True)
            if args.out:
                with open(os.path.join(args.out, "seed-%d.py" % seed), "w") as f:
                    f.write(small)
                with open(os.path.join(args.out, "seed-%d.txt" % seed), "w") as f:
                    f.write("kind: %s\n--- program\n%s--- python3 (rc %s, last stderr %r)\n%s--- pyish (rc %s, last stderr %r)\n%s"
                            % (k, small, py[2], py[1], py[0], pi[2], pi[1], pi[0]))
            else:
                sys.stdout.write(small + "--- python3: rc %s %r\n%s--- pyish: rc %s %r\n%s\n" % (py[2], py[1], py[0], pi[2], pi[1], pi[0]))
    dt = time.time() - t0
    msg = "%d programs (seeds %d..%d) in %.1f s (%.1f programs/s), %d differences" % (
        args.count, args.seed_start, args.seed_start + args.count - 1, dt, args.count / dt if dt else 0, len(found))
    print(msg)
    if args.out:
        with open(os.path.join(args.out, "summary.txt"), "a") as f:
            f.write(msg + "\n")
            for seed, k, small in found:
                f.write("seed %d: %s: %s\n" % (seed, k, small.strip().splitlines()[-1][:100]))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
