# pyish bench (r): coroutine recursion driven by send(): a binary tree of
# generators delegating with yield from, fed values from outside.
DEPTH = 8
N = 6000

def tree(depth):
    if depth == 0:
        x = yield 1
        return x
    a = yield from tree(depth - 1)
    b = yield from tree(depth - 1)
    return a + b

def drive(n):
    total = 0
    for _ in range(n):
        g = tree(DEPTH)
        v = g.send(None)
        try:
            while True:
                v = g.send(v + 1)
        except StopIteration as e:
            total += e.value
    return total

print("send_recursion: depth=%d n=%d total=%d" % (DEPTH, N, drive(N)))
