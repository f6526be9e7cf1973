# pyish bench: closures and keyword arguments.  Function factories build
# closures over cells (nonlocal counters), calls pass keyword arguments,
# defaults, *args and **kwargs, and composed closures call each other.
N = 900000


def make_counter(start=0, step=1):
    n = start

    def bump(times=1):
        nonlocal n
        n += step * times
        return n
    return bump


def make_affine(a, b):
    def f(x):
        return (a * x + b) % 10007
    return f


def compose(*fs):
    def run(x):
        for f in fs:
            x = f(x)
        return x
    return run


def configure(x, *, scale=1, shift=0, clip=None, **extra):
    y = x * scale + shift
    if clip is not None and y > clip:
        y = clip
    for k in extra:
        y += len(k) * extra[k]
    return y


def apply_all(fn, items, **kw):
    return [fn(v, **kw) for v in items]


def main():
    counter = make_counter(start=5, step=3)
    pipeline = compose(make_affine(3, 1), make_affine(5, 2), make_affine(7, 3))
    total = 0
    for i in range(N):
        c = counter(times=i % 3 + 1)
        p = pipeline(i)
        q = configure(i, scale=2, shift=c % 11, clip=150000)
        r = configure(p, shift=1, bonus=i % 5, penalty=-(i % 2))
        adder = make_affine(1, i % 13)
        total = (total + c + p + q + r + adder(x=i)) % 1000000007
    rows = apply_all(configure, list(range(200)), scale=3, clip=400, tag=1)
    print("closure_factory", N)
    print(total, sum(rows), counter())


main()
