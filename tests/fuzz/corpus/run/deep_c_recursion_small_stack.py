import sys
sys.setrecursionlimit(100000)
class R:
    def __repr__(self):
        return repr(R())
class E:
    def __eq__(self, o):
        return E() == E()
def gen(n):
    yield from gen(n + 1)
for f in (lambda: repr(R()), lambda: E() == E(), lambda: list(gen(0)), lambda: [x for x in map(lambda v: repr(R()), [1])]):
    try:
        f()
    except RecursionError as e:
        pass
