"""Generators: lazy pipelines, send/throw/close, yield from delegation
and return values, infinite sequences and a coroutine-style accumulator."""


def count_up(start=0, step=1):
    n = start
    while True:
        yield n
        n += step


def take(n, iterable):
    if n <= 0:
        return
    for i, item in enumerate(iterable):
        yield item
        if i + 1 >= n:
            break


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


def chunks(seq, size):
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def flatten(nested):
    for item in nested:
        if isinstance(item, (list, tuple)):
            yield from flatten(item)
        else:
            yield item


def read_lines(text):
    for lineno, line in enumerate(text.splitlines(), 1):
        yield lineno, line


def strip_comments(lines):
    for lineno, line in lines:
        code = line.split("#", 1)[0].rstrip()
        if code:
            yield lineno, code


def parse_pairs(lines):
    for lineno, code in lines:
        key, sep, value = code.partition("=")
        if not sep:
            raise SyntaxError(f"line {lineno}: expected key = value")
        yield key.strip(), value.strip()


def averager():
    """A coroutine: send numbers, receive the running average."""
    total = 0.0
    count = 0
    average = None
    while True:
        value = yield average
        if value is None:
            break
        total += value
        count += 1
        average = total / count
    return (count, average)


def delegating(results, key):
    while True:
        results[key] = yield from averager()


def grouper():
    results = {}
    data = {"girls;kg": [40.9, 38.5, 44.3], "boys;m": [1.38, 1.5, 1.32, 1.25]}
    for key, values in data.items():
        group = delegating(results, key)
        next(group)
        for value in values:
            group.send(value)
        group.send(None)
    return results


class Resource:
    log = []

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        Resource.log.append("open " + self.name)
        return self

    def __exit__(self, *exc_info):
        Resource.log.append("close " + self.name)
        return False


def guarded_stream(name, items):
    with Resource(name):
        try:
            for item in items:
                try:
                    yield item
                except ValueError as exc:
                    Resource.log.append(f"recovered from {exc}")
                    yield "recovered"
        finally:
            Resource.log.append("finally " + name)


def tree_walk(tree, depth=0):
    """Yields (depth, label) for a (label, [children]) tree."""
    label, children = tree
    yield depth, label
    for child in children:
        yield from tree_walk(child, depth + 1)


def inner_with_return():
    x = yield 1
    y = yield x * 10
    return x + y


def outer():
    result = yield from inner_with_return()
    yield "inner returned %d" % result


class Countdown:
    """An iterable class whose __iter__ is a generator."""

    def __init__(self, start):
        self.start = start

    def __iter__(self):
        n = self.start
        while n > 0:
            yield n
            n -= 1

    def __reversed__(self):
        return iter(range(1, self.start + 1))


def primes():
    composites = {}
    n = 2
    while True:
        if n not in composites:
            yield n
            composites[n * n] = [n]
        else:
            for p in composites.pop(n):
                composites.setdefault(p + n, []).append(p)
        n += 1


def running_sum(iterable):
    total = 0
    for x in iterable:
        total += x
        yield total


def main():
    print(list(take(5, count_up(10, 5))))
    print(list(take(10, fib())))
    print(list(chunks("abcdefghij", 3)))
    print(list(flatten([1, [2, [3, (4, 5)], 6], [[7]]])))

    config = """
    # server settings
    host = example.org
    port = 8080   # default
    debug = false
    """
    settings = dict(parse_pairs(strip_comments(read_lines(config))))
    print(settings)
    try:
        dict(parse_pairs(strip_comments(read_lines("a = 1\nbroken"))))
    except SyntaxError as exc:
        print("config error:", exc)

    avg = averager()
    next(avg)
    for v in (10, 20, 30, 40):
        print("avg", avg.send(v))
    try:
        avg.send(None)
    except StopIteration as stop:
        print("done:", stop.value)

    for key, (count, average) in sorted(grouper().items()):
        group, unit = key.split(";")
        print(f"{count:2} {group:5} averaging {average:.2f}{unit}")

    stream = guarded_stream("db", ["a", "b", "c"])
    print(next(stream))
    print(stream.throw(ValueError("bad value")))
    print(next(stream))
    stream.close()
    print(Resource.log)

    tree = ("root", [("a", [("a1", []), ("a2", [])]), ("b", [("b1", [("b1x", [])])])])
    for depth, label in tree_walk(tree):
        print("  " * depth + label)

    gen = outer()
    print(next(gen), gen.send(4), gen.send(5))

    print(list(Countdown(4)), list(reversed(Countdown(4))))
    print(list(take(12, primes())))
    print(list(running_sum(x * x for x in range(1, 6))))
    squares = (n * n for n in range(10))
    print(sum(squares), sum(squares))
    evens = filter(lambda n: n % 2 == 0, count_up())
    print([next(evens) for _ in range(4)])

    def closed_early():
        try:
            yield 1
            yield 2
        except GeneratorExit:
            print("generator closed")
            raise

    g = closed_early()
    next(g)
    g.close()
    g.close()


if __name__ == "__main__":
    main()
