# pickle_objects.py: the pickle module on instances of a program's classes,
# as pyperformance's pickle/unpickle benchmarks and a cache of model objects
# use it: a list of a few thousand small objects of three classes (a plain
# one with a __dict__, one with __slots__, one nesting the others and a
# list of tags), pickled and unpickled with protocols 2 and 4 (the
# default), each round trip checked; then copy.deepcopy of the same list.
# The checksum sums fields read back from the copies.
import copy
import pickle

N = 3000        # objects in the list
ROUNDS = 10


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Tag:
    __slots__ = ('name', 'weight')

    def __init__(self, name, weight):
        self.name = name
        self.weight = weight


class Item:
    def __init__(self, i):
        self.id = i
        self.name = 'item%05d' % i
        self.pos = Point(i % 100, i // 100)
        self.tags = [Tag('t%d' % (i % 7), i % 3), Tag('u%d' % (i % 5), 1)]
        self.price = i * 0.25
        self.parent = None


def make_items():
    items = [Item(i) for i in range(N)]
    for i in range(1, N, 3):
        items[i].parent = items[i - 1]
    return items


def checksum(items):
    total = 0
    for it in items:
        total += it.id + it.pos.x + it.pos.y + len(it.name)
        for t in it.tags:
            total += t.weight + len(t.name)
        if it.parent is not None:
            total += it.parent.id
        total += int(it.price)
    return total


def main():
    items = make_items()
    expect = checksum(items)
    total = 0
    for r in range(ROUNDS):
        proto = 4 if r % 3 else 2
        data = pickle.dumps(items, proto)
        back = pickle.loads(data)
        s = checksum(back)
        if s != expect or back[4].parent is not back[3]:
            raise SystemExit('round trip failed in round %d' % r)
        total += s
    for r in range(2):
        back = copy.deepcopy(items)
        s = checksum(back)
        if s != expect or back[4].parent is not back[3]:
            raise SystemExit('deepcopy failed')
        total += s
    print(total)


main()
