"""Odd corners of ordinary syntax: line continuation, semicolons,
annotations, chained comparisons, star unpacking, keyword-only
parameters, global/nonlocal, del, while/else, lambdas and literals."""

import math as m, sys
from collections import deque as Deque, defaultdict
from math import *

counter: int = 0
names: list
THRESHOLDS = (0, 10, 100,
              1_000, 10_000)
BIG = 0xDEAD_BEEF + 0o7_7 + 0b1111_0000 + 1_0.5e1_0
SMALL = .5 + 5. + 1e-3 + 2E+2
NOTHING = None


def bump(n: int = 1) -> int:
    global counter
    counter += n
    return counter


def classify(x):
    if x < 0:
        return "negative"
    elif 0 <= x < 10:
        return "small"
    elif 10 <= x < 100 != x:
        return "medium"
    elif x in THRESHOLDS or x not in range(0, 10_000):
        return "special"
    else:
        return "large"


def kwonly(a, b=2, *, scale=1, offset: float = 0.0, **extra) -> float:
    return (a + b) * scale + offset + sum(extra.values())


def varargs(first, *rest, sep=", "):
    return sep.join(str(x) for x in (first,) + rest)


def unpacking():
    a, b, *c = range(5)
    *d, e = "xyz"
    (f, g), h = (1, 2), 3
    [i, j] = [4, 5]
    k = l = [0]
    k.append(1)
    first, *_, last = [10, 20, 30, 40]
    for idx, (key, *vals) in enumerate([("a", 1, 2), ("b",)]):
        print(idx, key, vals)
    return a, b, c, d, e, f, g, h, i, j, l, first, last


def swap_and_aug():
    x, y = 1, 2
    x, y = y, x
    z = 7
    z += 3; z -= 1; z *= 2; z //= 4; z **= 3; z %= 50
    z <<= 2; z >>= 1; z |= 1; z &= 0xFF; z ^= 0b101
    s = "ab"
    s *= 3
    lst = [1]
    lst += [2, 3]
    lst *= 2
    return x, y, z, s, lst


def outer_nonlocal():
    total = 0
    history = []

    def add(n):
        nonlocal total
        total += n
        history.append(total)

    def sub_scope():
        def deeper():
            nonlocal total
            total *= 10
        deeper()

    for n in (1, 2, 3):
        add(n)
    sub_scope()
    return total, history


def deletions():
    data = {"a": 1, "b": 2, "c": 3}
    items = list(range(10))
    del data["a"], items[0]
    del items[::2]
    del items[-1]

    class Box:
        pass

    box = Box()
    box.attr = 1
    del box.attr
    temp = 5
    del temp
    try:
        temp
    except NameError as exc:
        err = str(exc)
    return data, items, hasattr(box, "attr"), err


def loops_with_else(limit):
    n = 0
    while n < limit:
        n += 1
        if n == 13:
            break
    else:
        return f"no break, n={n}"
    return f"broke at {n}"


def lambdas():
    add = lambda x, y=1: x + y
    star = lambda *args, **kw: (args, sorted(kw))
    nested = lambda x: lambda y: x * y
    key_by_second = sorted([(1, "b"), (2, "a")], key=lambda p: p[1])
    conditional = (lambda: "yes") if add(1) == 2 else (lambda: "no")
    return add(2), add(2, 3), star(1, 2, z=3, a=4), nested(3)(4), key_by_second, conditional()


def long_expressions(values):
    total = values[0] + \
        values[1] + \
        values[2]
    ok = (total > 5 and
          total < 100 or
          not values)
    result = [
        v
        for v in values
        if v
    ]
    call = max(
        *values,
        0,
    )
    return total, ok, result, call


def not_keywords():
    # 'match', 'case', 'type' and 'print' are ordinary names.
    match = {"case": 1}
    case = match["case"]
    type_ = type(case).__name__
    async_ok = "async"
    return match, case, type_, async_ok


def truthiness():
    values = [0, 0.0, "", [], (), {}, set(), None, False, 1, "0", [0], -1]
    return [bool(v) for v in values], [v for v in values if not v].__len__()


def identity_and_membership():
    a = [1, 2]
    b = a
    c = [1, 2]
    return (a is b, a is not c, a == c, 2 in a, 3 not in a,
            None is NOTHING, not (a is c), "b" in "abc", "ab" in {"ab": 1})


class Annotated:
    count: int = 0
    label: str

    def __init__(self, label: str) -> None:
        self.label: str = label
        self.tags: "list[str]" = []
        Annotated.count += 1


def main():
    print(bump(), bump(5), counter)
    print([classify(x) for x in (-1, 5, 50, 100, 1000, 5000, 20000)])
    print(kwonly(1), kwonly(1, 3, scale=2), kwonly(1, offset=0.5, bonus=10, more=1))
    print(varargs(1), varargs(1, 2, 3), varargs(*"abc", sep="-"), varargs(*[1], *(2, 3)))
    args, kwargs = (5,), {"scale": 3}
    print(kwonly(*args, **kwargs), kwonly(**{"a": 1, "b": 1}))
    print(unpacking())
    print(swap_and_aug())
    print(outer_nonlocal())
    print(deletions())
    print(loops_with_else(10), loops_with_else(20))
    print(lambdas())
    print(long_expressions([1, 2, 3, 0]))
    print(not_keywords())
    print(truthiness())
    print(identity_and_membership())
    print(Annotated("x").label, Annotated.count, m.floor(2.7), floor(-2.5), pi > e)
    print(BIG, SMALL, 1 if BIG > SMALL else 0, sys.maxsize > 2 ** 31)
    dq = Deque([1, 2, 3], maxlen=3)
    dq.append(4)
    dd = defaultdict(list)
    dd["k"].append(1)
    print(list(dq), dict(dd))
    x = 5; y = 6; print(x * y)
    if x: pass
    for _ in range(2): x += 1
    while x > 10: x -= 1
    print(x, -2 ** 2, (-2) ** 2, 2 ** 3 ** 2, not 1 + 1 == 3, ~5, 5 & 3 | 2 ^ 1 << 2 >> 1)
    print(1 < 2 < 3 > 2 >= 2 <= 2 == 2 != 3, [] or {} or "fallback", 0 and 1, 3 and 4)
    print(((1, 2),), (1,), (), [[]], {()}, {1: {2: {3: 4}}}[1][2][3])
    print("a" "b" 'c', "x" * 3, [0] * 2, -(-3), +-+1)


if __name__ == "__main__":
    main()
