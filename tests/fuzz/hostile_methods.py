# hostile_methods.py: calls every method and dunder of every builtin type
# (and of the C modules' classes) with hostile arguments: wrong self types,
# the class itself, no arguments, too many, huge ints, NaN, self-containing
# containers. Runs under pyish or python3; any exit other than 0 is a crash.
# Usage: pyish hostile_methods.py [START [STOP]]  (a slice of the type list)
import sys, collections, asyncio

def gen():
    yield 1

async def coro():
    pass

selfl = []
selfl.append(selfl)
selfd = {}
selfd[1] = selfd
deq = collections.deque()
deq.append(deq)

class Liar:
    def __eq__(self, o): return True
    def __hash__(self): return 0
    def __len__(self): return -1
    def __index__(self): return 10**30
    def __iter__(self): return iter([1, 2])

POOL = [0, -1, 2**64, -2**100, 10**30, float("nan"), float("inf"), -0.0, 1.5,
        "", "abc", "\udcff", b"x" if False else "b", (), (1, 2), [], [1, "a"], {}, {1: 2},
        set(), frozenset([1]), None, True, object(), selfl, selfd, deq, Liar(),
        int, str, type, len, range(3), slice(1, 2), ...]

TYPES = [object, type, int, bool, float, str, tuple, list, dict, set, frozenset,
         range, slice, type(None), type(NotImplemented), type(...), type(len),
         type(gen), type(gen()), type(coro), BaseException, Exception, KeyError,
         StopIteration, OSError, property, staticmethod, classmethod, enumerate,
         zip, map, filter, reversed, type(iter([])), type(iter(())), type(iter("")),
         type(iter({})), type({}.keys()), type({}.values()), type({}.items()),
         type(iter(range(3))), type(int.__dict__), type(sys),
         collections.deque, collections.OrderedDict, collections.defaultdict,
         collections.Counter, asyncio.Future, asyncio.Task, asyncio.Event,
         asyncio.Queue, asyncio.Lock, asyncio.Semaphore, asyncio.Condition,
         type(asyncio.new_event_loop()), type(asyncio.sleep(0)),
         type(asyncio.new_event_loop().call_soon(len, ())),
         type(asyncio.new_event_loop().call_later(1, len, ())),
         type((lambda: 0).__code__), type([].append), type(object().__str__),
         type(print), super, type(reversed(range(3))), type(iter(range(3))),
         type(int | None), type(zip()), type(enumerate([])),
         collections.namedtuple("P", "x y"), StopAsyncIteration, SystemExit,
         UnicodeDecodeError, ExceptionGroup if hasattr(__builtins__, "ExceptionGroup") else KeyError]

def instances(t):
    out = [t]
    for make in (lambda: t(), lambda: t([1, 2]), lambda: t(1)):
        try:
            out.append(make())
        except BaseException:
            pass
    return out

def calls(f, selves):
    for s in selves:
        yield (s,)
        for a in POOL:
            yield (s, a)
        yield (s, 1, 2)
        for a in (2**64, -1, float("nan"), selfl, "ab", 10**30, -2**63):
            yield (s, a, a)
            yield (s, 0, a)
            yield (s, a, 0, a)
        yield (s, selfl, selfl, selfl)
    for a in POOL:
        yield (a,)
    yield ()

MODULES = ["builtins", "sys", "time", "math", "random", "collections", "_asyncio",
           "asyncio", "itertools", "functools", "operator", "heapq", "bisect", "copy",
           "string", "textwrap", "statistics", "fractions", "dataclasses", "typing",
           "types", "abc", "contextlib", "pprint", "queue", "warnings", "keyword", "io"]
SKIP = {"exit", "quit", "input", "sleep", "run", "run_until_complete", "run_forever",
        "setrecursionlimit", "_exit", "breakpoint", "help", "open", "print", "pprint",
        "_set_shutdown_asyncgens", "_set_run_in_executor", "set_event_loop", "repeat",
        "count", "cycle", "_run_until_complete", "stdin"}

def fuzz_module(name):
    try:
        mod = __import__(name)
    except BaseException:
        return 0
    n = 0
    for attr in sorted(dir(mod)):
        if attr in SKIP:
            continue
        f = getattr(mod, attr, None)
        if not callable(f) or isinstance(f, type):
            continue
        argsets = [()] + [(a,) for a in POOL] + [(a, b) for a in POOL[:12] for b in POOL[::3]]
        for args in argsets:
            if "-v" in sys.argv:
                print(name, attr, [type(a).__name__ for a in args], flush=True, file=sys.stderr)
            try:
                r = f(*args)
                if hasattr(r, "close") and type(r).__name__ in ("coroutine", "generator"):
                    r.close()
            except BaseException:
                pass
            n += 1
    return n

def main():
    if len(sys.argv) > 2 and sys.argv[1] == "mod":
        print("calls", fuzz_module(sys.argv[2]) >= 0)
        return
    start = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    stop = int(sys.argv[2]) if len(sys.argv) > 2 else len(TYPES)
    n = 0
    for t in TYPES[start:stop]:
        selves = instances(t)
        try:
            names = sorted(set(dir(t)))
        except BaseException:
            continue
        for name in names:
            if name in ("__del__", "__init_subclass__", "__subclasshook__"):
                continue
            try:
                f = getattr(t, name)
            except BaseException:
                continue
            if not callable(f):
                continue
            for args in calls(f, selves):
                if name in ("run_forever", "run_until_complete") :
                    continue
                if "-v" in sys.argv:
                    print(t.__name__, name, [type(a).__name__ for a in args], flush=True, file=sys.stderr)
                try:
                    f(*args)
                except BaseException:
                    pass
                try:
                    f(*args, x=1)
                except BaseException:
                    pass
                n += 1
        # T.__new__(X) for every X
        for u in TYPES:
            try:
                t.__new__(u)
            except BaseException:
                pass
            n += 1
    print("calls", n > 0)

main()
