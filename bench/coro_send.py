# pyish bench: coroutine recursion driven by send().  A binary tree of
# generator-based coroutines: each node receives a value by send(),
# forwards transformed values to its two children with send() (so each
# send recurses down the tree), and yields back the combined result.
DEPTH = 8
SENDS = 15000


def leaf(k):
    acc = k
    x = yield 0
    while True:
        acc = (acc * 31 + x) % 1000003
        x = yield acc


def node(depth, k):
    if depth == 0:
        c = leaf(k)
    else:
        c = inner(depth, k)
    c.send(None)
    return c


def inner(depth, k):
    left = node(depth - 1, 2 * k)
    right = node(depth - 1, 2 * k + 1)
    total = 0
    x = yield 0
    while True:
        a = left.send(x + 1)
        b = right.send(x * 2 + k)
        total = (total + a * 3 + b) % 1000003
        x = yield total


def accumulate():
    # a plain consumer coroutine that keeps statistics of what it is sent
    count = 0
    s = 0
    hi = 0
    while True:
        v = yield (count, s, hi)
        count += 1
        s = (s + v) % 1000000007
        if v > hi:
            hi = v


def main():
    root = node(DEPTH, 1)
    acc = accumulate()
    acc.send(None)
    stats = None
    for i in range(SENDS):
        r = root.send(i % 1000)
        stats = acc.send(r)
    root.close()
    print("coro_send", DEPTH, SENDS)
    print(stats)


main()
