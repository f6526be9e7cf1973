# pyish bench: cost of one resume at yield-from / await delegation depth 1, 10
# and 30 (ns per resume), to compare pyish and python3 (DESIGN §3: resuming
# at depth N must not cost N resumes at depth 1). Not part of run.sh's table.
import time
def leaf(n):
    for i in range(n):
        yield i
def chain(d, n):
    if d == 0:
        yield from leaf(n)
    else:
        yield from chain(d - 1, n)
class Tick:
    def __await__(self):
        yield
async def aleaf(n):
    for i in range(n):
        await Tick()
async def achain(d, n):
    if d == 0:
        await aleaf(n)
    else:
        await achain(d - 1, n)
N = 200000
res = []
for d in (1, 10, 30):
    t = time.perf_counter()
    for x in chain(d - 1, N):
        pass
    g = (time.perf_counter() - t) / N * 1e9
    c = achain(d - 1, N)
    t = time.perf_counter()
    try:
        while True:
            c.send(None)
    except StopIteration:
        pass
    a = (time.perf_counter() - t) / N * 1e9
    res.append((d, g, a))
for d, g, a in res:
    print("depth %2d: yield from %6.0f ns/resume, await %6.0f ns/resume" % (d, g, a))
