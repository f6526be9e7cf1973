# Memory per suspended task, sleep case (issue 11): N tasks each awaiting
# asyncio.sleep(1), gathered.  Usage: mem_sleep.py N  (N=0 gives start-up).
# bytes per task = (peak RSS(N) - peak RSS(0)) / N, e.g. with
#   /usr/bin/time -f %M pyish --virtual-clock bench/extra/mem_sleep.py 1000000
import asyncio
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000

async def sleeper(i):
    await asyncio.sleep(1)
    return i

async def main():
    res = await asyncio.gather(*[sleeper(i) for i in range(N)])
    assert len(res) == N and sum(res) == N * (N - 1) // 2
    print("mem_sleep: n=%d ok" % N)

asyncio.run(main())
