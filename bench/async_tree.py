# pyish bench: asyncio task tree.  Each coroutine gathers BRANCH recursive
# children until DEPTH, some levels awaiting asyncio.sleep(0) on the way,
# and combines their results.
import asyncio

DEPTH = 7
BRANCH = 4
ROUNDS = 3


async def tree(depth, k):
    if depth == 0:
        if k % 3 == 0:
            await asyncio.sleep(0)
        return k % 97
    if depth % 2 == 0:
        await asyncio.sleep(0)
    kids = [tree(depth - 1, k * BRANCH + i) for i in range(BRANCH)]
    res = await asyncio.gather(*kids)
    s = 0
    for r in res:
        s = (s * 31 + r) % 1000003
    return s


async def main():
    out = []
    for r in range(ROUNDS):
        out.append(await tree(DEPTH, r + 1))
    print("async_tree", DEPTH, BRANCH, ROUNDS)
    print(out)


asyncio.run(main())
