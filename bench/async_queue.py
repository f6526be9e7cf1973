# pyish bench: async pipeline with asyncio.Queue.  Producers put items on
# a bounded queue, a stage of workers transforms them onto a second
# queue, a consumer sums the results; None markers end each stage.
import asyncio

ITEMS = 240000
PRODUCERS = 4
WORKERS = 3


async def producer(q, start, n):
    for i in range(start, start + n):
        await q.put(i)


async def worker(qin, qout):
    count = 0
    while True:
        x = await qin.get()
        if x is None:
            await qout.put(None)
            return count
        await qout.put((x * x + 7) % 10007)
        count += 1


async def consumer(q, nworkers):
    total = 0
    done = 0
    n = 0
    while done < nworkers:
        x = await q.get()
        if x is None:
            done += 1
            continue
        total = (total * 3 + x) % 1000000007 if n % 2 else total + x
        n += 1
    return n, total


async def main():
    q1 = asyncio.Queue(maxsize=16)
    q2 = asyncio.Queue(maxsize=16)
    per = ITEMS // PRODUCERS
    prods = [asyncio.create_task(producer(q1, k * per, per)) for k in range(PRODUCERS)]
    workers = [asyncio.create_task(worker(q1, q2)) for k in range(WORKERS)]
    cons = asyncio.create_task(consumer(q2, WORKERS))
    await asyncio.gather(*prods)
    for k in range(WORKERS):
        await q1.put(None)
    counts = await asyncio.gather(*workers)
    n, total = await cons
    print("async_queue", ITEMS, PRODUCERS, WORKERS)
    print(sum(counts), n, total)


asyncio.run(main())
