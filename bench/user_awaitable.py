# pyish bench (s): awaiting user awaitables (__await__ generators) in a
# coroutine driven by send(), and awaiting nested coroutines.
N = 3000000

class Tick:
    def __await__(self):
        v = yield
        return v

async def leaf(n):
    s = 0
    for i in range(n):
        s += await Tick()
    return s

async def outer(n):
    return await leaf(n)

def run(n):
    c = outer(n)
    c.send(None)
    i = 0
    try:
        while True:
            i += 1
            c.send(i % 7)
    except StopIteration as e:
        return e.value

print("user_awaitable: n=%d result=%d" % (N, run(N)))
