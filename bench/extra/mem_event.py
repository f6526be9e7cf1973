# Memory per suspended task, Event case (issue 11): N tasks each awaiting one
# shared asyncio.Event's wait(), gathered.  Usage: mem_event.py N.
# bytes per task = (peak RSS(N) - peak RSS(0)) / N, e.g. with
#   /usr/bin/time -f %M pyish --virtual-clock bench/extra/mem_event.py 1000000
import asyncio
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000

async def waiter(ev, i):
    await ev.wait()
    return i

async def main():
    ev = asyncio.Event()
    g = asyncio.gather(*[waiter(ev, i) for i in range(N)])
    await asyncio.sleep(0)
    ev.set()
    res = await g
    assert len(res) == N and sum(res) == N * (N - 1) // 2
    print("mem_event: n=%d ok" % N)

asyncio.run(main())
