"""A producer/consumer pipeline with asyncio queues, locks, semaphores,
events, async context managers, async iterators and async generators."""

import asyncio
import random
from collections import deque


class RateLimiter:
    """An async context manager that allows [limit] holders at once."""

    def __init__(self, limit):
        self._sem = asyncio.Semaphore(limit)
        self.active = 0
        self.peak = 0

    async def __aenter__(self):
        await self._sem.acquire()
        self.active += 1
        self.peak = max(self.peak, self.active)
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.active -= 1
        self._sem.release()
        return False


class Ticks:
    """An async iterator yielding [count] numbers, one per loop step."""

    def __init__(self, count):
        self.count = count
        self.current = 0

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.current >= self.count:
            raise StopAsyncIteration
        await asyncio.sleep(0)
        self.current += 1
        return self.current


async def numbers(limit, delay=0.001):
    for n in range(limit):
        await asyncio.sleep(delay)
        yield n


async def squares_of(source):
    async for n in source:
        if n % 2:
            continue
        yield n * n


class Stats:
    def __init__(self):
        self.lock = asyncio.Lock()
        self.processed = 0
        self.by_worker = {}

    async def record(self, worker):
        async with self.lock:
            current = self.processed
            await asyncio.sleep(0)
            self.processed = current + 1
            self.by_worker[worker] = self.by_worker.get(worker, 0) + 1


async def producer(queue, name, items):
    for item in items:
        await queue.put((name, item))
        await asyncio.sleep(random.random() / 1000)
    print(f"producer {name} done")


async def consumer(queue, worker, stats, limiter, results):
    while True:
        source, item = await queue.get()
        try:
            async with limiter:
                await asyncio.sleep(0.001)
                results.append((source, item * 2))
            await stats.record(worker)
        finally:
            queue.task_done()


async def pipeline():
    random.seed(7)
    queue = asyncio.Queue(maxsize=4)
    stats = Stats()
    limiter = RateLimiter(2)
    results = []
    consumers = [
        asyncio.create_task(consumer(queue, f"w{i}", stats, limiter, results))
        for i in range(3)
    ]
    producers = [producer(queue, name, range(start, start + 5))
                 for name, start in (("p", 0), ("q", 100))]
    await asyncio.gather(*producers)
    await queue.join()
    for task in consumers:
        task.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    print("processed", stats.processed, "peak", limiter.peak)
    print(sorted(results)[:3], "...", len(results))
    print(sum(stats.by_worker.values()))


async def waiter(event, name, log):
    log.append(f"{name} waiting")
    await event.wait()
    log.append(f"{name} released")


async def event_demo():
    event = asyncio.Event()
    log = []
    waiters = [asyncio.create_task(waiter(event, n, log)) for n in "abc"]
    await asyncio.sleep(0.01)
    log.append("setting event")
    event.set()
    await asyncio.gather(*waiters)
    print(log)


async def iteration_demo():
    seen = []
    async for tick in Ticks(3):
        seen.append(tick)
    print("ticks", seen)
    collected = []
    async for sq in squares_of(numbers(10)):
        collected.append(sq)
    print("even squares", collected)
    agen = numbers(5)
    first = await agen.__anext__()
    second = await agen.__anext__()
    await agen.aclose()
    print("first two", first, second)


class Connection:
    opened = deque(maxlen=3)

    def __init__(self, host):
        self.host = host
        self.is_open = False

    async def __aenter__(self):
        await asyncio.sleep(0.001)
        self.is_open = True
        Connection.opened.append(self.host)
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.is_open = False
        if exc_type is KeyError:
            print("suppressing", repr(exc))
            return True
        return None

    async def fetch(self, key):
        data = {"a": 1, "b": 2}
        await asyncio.sleep(0)
        return data[key]


async def connection_demo():
    async with Connection("alpha") as a, Connection("beta") as b:
        print(await a.fetch("a") + await b.fetch("b"), a.is_open, b.is_open)
    async with Connection("gamma") as c:
        await c.fetch("missing")
        print("not reached")
    print(list(Connection.opened), c.is_open)


async def main():
    await pipeline()
    await event_demo()
    await iteration_demo()
    await connection_demo()


if __name__ == "__main__":
    asyncio.run(main())
