# pyish bench (q): closures, keyword arguments, defaults, *args and **kwargs.
N = 200000

def make_adder(n, *, scale=1):
    def add(x, y=0, **kw):
        return (x + y + n) * scale + len(kw)
    return add

def compose(*fs):
    def run(x, **opts):
        for f in fs:
            x = f(x, **opts)
        return x
    return run

def main(m):
    adders = [make_adder(i, scale=2) for i in range(10)]
    chain = compose(*[make_adder(i) for i in range(5)])
    t = 0
    for i in range(m):
        for f in adders:
            t += f(i, y=1) + f(i, z=3)
        t += chain(i % 100, y=2) + chain(x=i % 7)
        t %= 1000000007
    return t

print("closures_kw: n=%d result=%d" % (N, main(N)))
