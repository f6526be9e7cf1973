"""An asyncio simulation of an elevator bank and a web crawler: tasks that
loop forever until cancelled, timeouts, shared state, as_completed,
async generators feeding async comprehensions, and old-style
generator-based coroutines driven with 'yield from'."""

import asyncio
import random


class Elevator:
    def __init__(self, name, floors):
        self.name = name
        self.floors = floors
        self.floor = 0
        self.requests = asyncio.Queue()
        self.trips = []

    async def run(self):
        try:
            while True:
                target, rider = await self.requests.get()
                await self.move_to(target)
                self.trips.append((rider, target))
                self.requests.task_done()
        except asyncio.CancelledError:
            return self.trips

    async def move_to(self, target):
        step = 1 if target > self.floor else -1
        while self.floor != target:
            await asyncio.sleep(0.001)
            self.floor += step


class Dispatcher:
    def __init__(self, elevators):
        self.elevators = elevators

    def choose(self, floor):
        def cost(e):
            return abs(e.floor - floor) + e.requests.qsize() * 2, e.name
        return min(self.elevators, key=cost)

    async def request(self, rider, floor):
        elevator = self.choose(floor)
        await elevator.requests.put((floor, rider))
        return elevator.name


async def elevator_demo():
    elevators = [Elevator(n, 10) for n in ("A", "B")]
    runners = [asyncio.create_task(e.run()) for e in elevators]
    dispatcher = Dispatcher(elevators)
    assignments = {}
    for rider, floor in [("ann", 5), ("bob", 2), ("cy", 9), ("di", 1), ("ed", 7)]:
        assignments[rider] = await dispatcher.request(rider, floor)
        await asyncio.sleep(0.002)
    await asyncio.gather(*(e.requests.join() for e in elevators))
    for task in runners:
        task.cancel()
    trips = await asyncio.gather(*runners)
    print("assignments", assignments)
    print("trips", trips)
    print("floors", [e.floor for e in elevators])


PAGES = {
    "/": ["/about", "/blog", "/shop"],
    "/about": ["/", "/team"],
    "/blog": ["/blog/1", "/blog/2", "/about"],
    "/blog/1": ["/blog/2"],
    "/blog/2": ["/blog/1", "/missing"],
    "/shop": ["/shop/cart"],
    "/shop/cart": ["/shop"],
    "/team": [],
}


async def fetch(url, rng):
    await asyncio.sleep(rng.random() / 200)
    if url not in PAGES:
        raise LookupError(f"404 {url}")
    return PAGES[url]


async def crawl(start, max_concurrency=3):
    rng = random.Random(3)
    seen = {start}
    errors = []
    sem = asyncio.Semaphore(max_concurrency)
    frontier = [start]
    depth = 0
    while frontier:
        async def visit(url):
            async with sem:
                try:
                    return url, await fetch(url, rng)
                except LookupError as exc:
                    errors.append(str(exc))
                    return url, []
        results = await asyncio.gather(*[visit(u) for u in frontier])
        frontier = []
        for url, links in results:
            for link in links:
                if link not in seen:
                    seen.add(link)
                    frontier.append(link)
        depth += 1
    return sorted(seen), errors, depth


async def countdown(name, n, delay):
    for i in range(n, 0, -1):
        await asyncio.sleep(delay)
        yield f"{name}:{i}"


async def comprehension_demo():
    ticks = [t async for t in countdown("x", 3, 0.001)]
    evens = [t.upper() async for t in countdown("y", 4, 0.001) if int(t[-1]) % 2 == 0]
    doubled = {t: await double_later(int(t[-1])) for t in ticks}
    print(ticks, evens, doubled)


async def double_later(n):
    await asyncio.sleep(0)
    return 2 * n


async def completion_order():
    async def job(n):
        await asyncio.sleep(0.001 * (5 - n))
        return n
    order = []
    for fut in asyncio.as_completed([job(n) for n in range(5)]):
        order.append(await fut)
    print("completion order", order)


async def heartbeat(log, interval):
    beats = 0
    try:
        while True:
            await asyncio.sleep(interval)
            beats += 1
            log.append(beats)
    finally:
        log.append("stopped")


async def timeout_demo():
    log = []
    beat = asyncio.create_task(heartbeat(log, 0.01))
    try:
        await asyncio.wait_for(asyncio.sleep(1), timeout=0.035)
    except asyncio.TimeoutError:
        log.append("timeout")
    beat.cancel()
    try:
        await beat
    except asyncio.CancelledError:
        pass
    print("heartbeat log ends with", log[-2:], "beats >= 2:", len(log) >= 4)


def legacy_coroutine(n):
    total = 0
    for i in range(n):
        yield
        total += i
    return total


async def uses_legacy():
    def driver():
        result = yield from legacy_coroutine(4)
        return result * 10
    gen = driver()
    try:
        while True:
            next(gen)
            await asyncio.sleep(0)
    except StopIteration as stop:
        return stop.value


async def main():
    await elevator_demo()
    pages, errors, depth = await crawl("/")
    print(len(pages), pages[:3], errors, depth)
    await comprehension_demo()
    await completion_order()
    await timeout_demo()
    print("legacy", await uses_legacy())


if __name__ == "__main__":
    asyncio.run(main())
