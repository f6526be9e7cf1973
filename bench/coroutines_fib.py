# pyish bench: pyperformance's `coroutines`: a recursive coroutine
# (fibonacci(25), ~243 000 coroutine creations and awaits) driven by one
# send(None), the result read from StopIteration.value.
N = 25
ROUNDS = 10


async def fibonacci(n):
    if n <= 1:
        return n
    return await fibonacci(n - 1) + await fibonacci(n - 2)


def run(n):
    coro = fibonacci(n)
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        return e.value


total = 0
for _ in range(ROUNDS):
    total += run(N)
assert total == ROUNDS * 75025, total
print("coroutines_fib: n=%d rounds=%d total=%d" % (N, ROUNDS, total))
