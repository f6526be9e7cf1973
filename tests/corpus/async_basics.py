"""asyncio basics: coroutines, tasks, gather, wait_for with timeouts,
cancellation, futures resolved by callbacks and awaitable classes."""

import asyncio
import time


async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)
    return what.upper()


async def compute(name, n):
    total = 0
    for i in range(n):
        total += i
        if i % 3 == 0:
            await asyncio.sleep(0)
    print(f"compute {name}: {total}")
    return total


async def fail_after(delay, message):
    await asyncio.sleep(delay)
    raise RuntimeError(message)


async def slow_operation(seconds):
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(f"slow_operation({seconds}) cancelled")
        raise
    return "finished"


class Ticker:
    """An awaitable object: awaiting it sleeps [n] short ticks."""

    def __init__(self, n):
        self.n = n

    def __await__(self):
        for _ in range(self.n):
            yield from asyncio.sleep(0.001).__await__()
        return self.n


async def nested(depth):
    if depth == 0:
        await asyncio.sleep(0.01)
        return 0
    return 1 + await nested(depth - 1)


async def with_timeout():
    try:
        result = await asyncio.wait_for(slow_operation(10), timeout=0.05)
    except asyncio.TimeoutError:
        print("timed out waiting for slow_operation")
        result = None
    return result


async def cancel_demo():
    task = asyncio.create_task(slow_operation(5))
    await asyncio.sleep(0.01)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("task is cancelled:", task.cancelled())


async def future_demo():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def set_it(value):
        if not fut.done():
            fut.set_result(value)

    loop.call_later(0.02, set_it, "from callback")
    loop.call_soon(print, "call_soon runs first")
    value = await fut
    print("future resolved:", value)

    done_names = []
    other = loop.create_future()
    other.add_done_callback(lambda f: done_names.append(f.result()))
    other.set_result(42)
    await asyncio.sleep(0)
    print("done callbacks saw", done_names)


async def gather_demo():
    results = await asyncio.gather(
        say_after(0.03, "world"),
        say_after(0.01, "hello"),
        compute("A", 10),
        compute("B", 7),
    )
    print("gather results:", results)

    outcomes = await asyncio.gather(
        say_after(0.01, "ok"),
        fail_after(0.02, "boom"),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            print("failed:", type(outcome).__name__, outcome)
        else:
            print("succeeded:", outcome)

    try:
        await asyncio.gather(fail_after(0.01, "first"), say_after(0.02, "late"))
    except RuntimeError as exc:
        print("gather raised", repr(exc))


async def tasks_demo():
    started = time.monotonic()
    t1 = asyncio.create_task(say_after(0.02, "task one"), name="one")
    t2 = asyncio.ensure_future(say_after(0.01, "task two"))
    print("tasks created, not yet run:", t1.done(), t2.done())
    r1 = await t1
    r2 = await t2
    elapsed = time.monotonic() - started
    print(r1, r2, "both within", "0.1s" if elapsed < 0.1 else "too long")

    pending = [asyncio.create_task(nested(d)) for d in range(4)]
    done, still = await asyncio.wait(pending)
    print(sorted(t.result() for t in done), len(still))

    print("ticker", await Ticker(3))


async def main():
    await gather_demo()
    await tasks_demo()
    print("timeout result:", await with_timeout())
    await cancel_demo()
    await future_demo()
    print("nested depth:", await nested(20))


if __name__ == "__main__":
    asyncio.run(main())
