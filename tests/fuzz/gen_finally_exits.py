#!/usr/bin/env python3
"""Generates random valid Python programs exercising every exit path of
try/finally/except/with/async with/for/while/async for under return, break,
continue and exceptions, nested up to 3 deep, in functions, generators and
coroutines. Usage: gen.py SEED [N] -> writes N programs to stdout separated
by '#====' lines."""
import random, sys

PRELUDE = '''
class CM:
    def __init__(self, n, sup=False):
        self.n = n; self.sup = sup
    def __enter__(self):
        print('enter', self.n); return self.n
    def __exit__(self, t, v, tb):
        print('exit', self.n, t.__name__ if t else None); return self.sup
class ACM(CM):
    async def __aenter__(self):
        await Yield(); print('aenter', self.n); return self.n
    async def __aexit__(self, t, v, tb):
        await Yield(); print('aexit', self.n, t.__name__ if t else None); return self.sup
class Yield:
    def __await__(self):
        yield 'tick'
class AIt:
    def __init__(self, n): self.i = 0; self.n = n
    def __aiter__(self): return self
    async def __anext__(self):
        await Yield()
        if self.i >= self.n: raise StopAsyncIteration
        self.i += 1; return self.i
def drive(co):
    n = 0
    try:
        while True:
            co.send(None); n += 1
    except StopIteration as e:
        print('co ->', e.value, n)
    except Exception as e:
        print('co exc', type(e).__name__, e)
'''

CLOSE = 'for _ in range(20):\n    try:\n        g.close(); break\n    except BaseException as e:\n        print("close exc", type(e).__name__, e)'

class G:
    def __init__(self, rnd, kind):
        self.r = rnd; self.kind = kind; self.lines = []; self.n = 0
    def tok(self):
        self.n += 1; return self.n
    def emit(self, ind, s):
        self.lines.append('    ' * ind + s)
    def leaf(self, ind, loop, fin):
        r = self.r; t = self.tok()
        ch = ['print', 'return', 'raise']
        if loop: ch += ['break', 'continue'] * 2
        if self.kind == 'gen': ch += ['yield'] * 2
        if self.kind == 'co': ch += ['await']
        c = r.choice(ch)
        self.emit(ind, "print('s%d')" % t)
        if c == 'print': pass
        elif c == 'return': self.emit(ind, 'return %d' % t)
        elif c == 'raise': self.emit(ind, "raise %s('e%d')" % (r.choice(['ValueError', 'KeyError', 'TypeError']), t))
        elif c == 'yield': self.emit(ind, "x = yield %d" % t); self.emit(ind, "print('got', x)")
        elif c == 'await': self.emit(ind, "await Yield()")
        else:
            # guard so that code after stays reachable sometimes
            if r.random() < 0.5: self.emit(ind, c)
            else: self.emit(ind, 'if v%d: %s' % (r.randint(0, 1), c))
    def block(self, ind, depth, loop, fin, n=None):
        r = self.r
        for _ in range(n or r.randint(1, 2)):
            if depth <= 0 or r.random() < 0.35:
                self.leaf(ind, loop, fin)
            else:
                self.stmt(ind, depth - 1, loop, fin)
    def stmt(self, ind, depth, loop, fin):
        r = self.r; t = self.tok()
        kinds = ['for', 'while', 'tryfin', 'tryexc', 'tryexcfin', 'with']
        if self.kind == 'co': kinds += ['awith', 'afor']
        k = r.choice(kinds)
        if k == 'for':
            self.emit(ind, 'for i%d in range(%d):' % (t, r.randint(0, 3)))
            self.emit(ind + 1, "print('it%d', i%d)" % (t, t))
            self.block(ind + 1, depth, True, fin)
            if r.random() < 0.4:
                self.emit(ind, 'else:'); self.emit(ind + 1, "print('forelse%d')" % t)
        elif k == 'afor':
            self.emit(ind, 'async for i%d in AIt(%d):' % (t, r.randint(0, 3)))
            self.emit(ind + 1, "print('ait%d', i%d)" % (t, t))
            self.block(ind + 1, depth, True, fin)
            if r.random() < 0.4:
                self.emit(ind, 'else:'); self.emit(ind + 1, "print('aforelse%d')" % t)
        elif k == 'while':
            self.emit(ind, 'w%d = 0' % t)
            self.emit(ind, 'while w%d < %d:' % (t, r.randint(0, 3)))
            self.emit(ind + 1, 'w%d += 1' % t)
            self.emit(ind + 1, "print('wh%d', w%d)" % (t, t))
            self.block(ind + 1, depth, True, fin)
            if r.random() < 0.4:
                self.emit(ind, 'else:'); self.emit(ind + 1, "print('whelse%d')" % t)
        elif k in ('tryfin', 'tryexc', 'tryexcfin'):
            self.emit(ind, 'try:')
            self.block(ind + 1, depth, loop, fin)
            if k != 'tryfin':
                e = r.choice(['ValueError', 'KeyError', 'Exception', 'LookupError'])
                self.emit(ind, 'except %s as ex%d:' % (e, t))
                self.emit(ind + 1, "print('caught%d', repr(ex%d))" % (t, t))
                self.block(ind + 1, depth, loop, fin)
                if r.random() < 0.3:
                    self.emit(ind, 'else:')
                    self.block(ind + 1, depth, loop, fin)
            if k != 'tryexc':
                self.emit(ind, 'finally:')
                self.emit(ind + 1, "print('fin%d')" % t)
                self.block(ind + 1, depth, loop, True)
        elif k in ('with', 'awith'):
            sup = r.random() < 0.4
            self.emit(ind, '%swith %sCM(%d, %s) as c%d:' % ('async ' if k == 'awith' else '', 'A' if k == 'awith' else '', t, sup, t))
            self.block(ind + 1, depth, loop, fin)
    def program(self):
        r = self.r
        hdr = {'fn': 'def f(v0, v1):', 'gen': 'def f(v0, v1):', 'co': 'async def f(v0, v1):'}[self.kind]
        self.emit(0, hdr)
        self.block(1, r.randint(2, 3), False, False, n=r.randint(1, 3))
        if self.kind == 'gen': self.emit(1, 'yield -1')
        self.emit(1, "return 'end'")
        for a in (0, 1):
            for b in (0, 1):
                self.emit(0, "print('== call', %d, %d)" % (a, b))
                if self.kind == 'fn':
                    self.emit(0, 'try:\n    print(f(%d, %d))\nexcept Exception as e:\n    print("exc", type(e).__name__, e)' % (a, b))
                elif self.kind == 'gen':
                    self.emit(0, 'g = f(%d, %d)' % (a, b))
                    self.emit(0, 'try:\n    print(next(g)); print(g.send(%d)); print(list(g))\nexcept StopIteration as e:\n    print("stop", e.value)\nexcept Exception as e:\n    print("exc", type(e).__name__, e)' % a)
                    self.emit(0, CLOSE)
                    self.emit(0, 'g = f(%d, %d)' % (a, b))
                    m = r.choice(['close()', 'throw(KeyError("t"))', 'throw(GeneratorExit)'])
                    self.emit(0, 'try:\n    print(next(g)); print(g.%s)\nexcept StopIteration as e:\n    print("stop", e.value)\nexcept BaseException as e:\n    print("exc", type(e).__name__, e)' % m)
                    self.emit(0, CLOSE)
                else:
                    self.emit(0, 'drive(f(%d, %d))' % (a, b))
        return PRELUDE + '\n'.join(self.lines) + '\n'

def main():
    seed = int(sys.argv[1]); n = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    out = []
    for i in range(n):
        rnd = random.Random(seed * 100003 + i)
        out.append(G(rnd, rnd.choice(['fn', 'gen', 'co'])).program())
    sys.stdout.write('#====\n'.join(out))

if __name__ == '__main__':
    main()
