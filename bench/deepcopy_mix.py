# pyish bench (aq): copy.deepcopy as pyperformance's bm_deepcopy: an
# instance holding a str, ints, lists, a dict of str -> tuples and nested
# containers; a class copied through __reduce__; and a memo dict passed in;
# the copies are checked equal and unshared.
import copy

N = 3000


class A(object):
    def __init__(self, seed):
        self.string = "s" * (seed % 7 + 1)
        self.int = seed
        self.float = seed / 3.0
        self.list = [seed, seed + 1, "two", None, True]
        self.dict = {"k%d" % i: (i, "v", i * 2.5) for i in range(6)}
        self.tuple = (1, 2, (3, "four"))
        self.nested = [[1, 2], {"z": [5, 6]}, ("t", [7])]


class B(object):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __reduce__(self):
        return (B, (self.x, self.y))


def main():
    total = 0
    a = A(7)
    b = {"list": [1, 2, 3, 43], "t": (1, 2, 3), "str": "hello", "subdict": {"a": True}}
    mix = {"objs": [A(i) for i in range(4)], "b": b, "same": [b, b]}
    for i in range(N):
        c = copy.deepcopy(a)
        assert c.dict == a.dict and c.nested is not a.nested and c.nested[2][1] is not a.nested[2][1]
        d = copy.deepcopy(mix)
        assert d["same"][0] is d["same"][1] and d["b"] is d["same"][0] and d["b"] is not b
        e = copy.deepcopy(B([i], "y"))
        memo = {}
        f = copy.deepcopy(b, memo)
        g = copy.deepcopy(b, memo)
        assert f is g and f == b
        total = (total * 31 + len(c.list) + c.int + len(d["objs"]) + e.x[0] + len(memo)) % 1000000007
    print("deepcopy_mix", N)
    print(total)


main()
