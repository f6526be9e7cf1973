"""Decorators (plain, with arguments, stacked, on methods and classes),
closures with nonlocal state, memoization and a tiny event bus."""

import time


def wraps(original):
    """A small stand-in for functools.wraps."""
    def decorate(wrapper):
        wrapper.__name__ = original.__name__
        wrapper.__doc__ = original.__doc__
        wrapper.__wrapped__ = original
        return wrapper
    return decorate


def trace(func):
    depth = 0

    @wraps(func)
    def wrapper(*args, **kwargs):
        nonlocal depth
        indent = "  " * depth
        shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
        print(f"{indent}-> {func.__name__}({', '.join(shown)})")
        depth += 1
        try:
            result = func(*args, **kwargs)
        finally:
            depth -= 1
        print(f"{indent}<- {result!r}")
        return result
    return wrapper


def memoize(func):
    cache = {}

    @wraps(func)
    def wrapper(*args):
        if args not in cache:
            cache[args] = func(*args)
        return cache[args]
    wrapper.cache = cache
    wrapper.clear = cache.clear
    return wrapper


def retry(times=3, exceptions=(Exception,), log=None):
    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            last = None
            for attempt in range(1, times + 1):
                try:
                    return func(*args, **kwargs)
                except exceptions as exc:
                    last = exc
                    if log is not None:
                        log.append(f"attempt {attempt} failed: {exc}")
            raise RuntimeError(f"{func.__name__} failed {times} times") from last
        return wrapper
    return decorator


def timed(label=None):
    def decorator(func):
        name = label or func.__name__

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                wrapper.elapsed = time.perf_counter() - start
                wrapper.calls += 1
        wrapper.calls = 0
        wrapper.elapsed = 0.0
        wrapper.label = name
        return wrapper
    return decorator


def validate(**checks):
    def decorator(func):
        def wrapper(**kwargs):
            for key, check in checks.items():
                if key in kwargs and not check(kwargs[key]):
                    raise ValueError(f"invalid {key}: {kwargs[key]!r}")
            return func(**kwargs)
        return wrapper
    return decorator


@trace
def factorial(n):
    """Recursive factorial."""
    return 1 if n <= 1 else n * factorial(n - 1)


@memoize
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@memoize
def ways_to_climb(n, steps=(1, 2)):
    if n == 0:
        return 1
    return sum(ways_to_climb(n - s, steps) for s in steps if s <= n)


attempt_log = []
flaky_state = {"calls": 0}


@retry(times=4, exceptions=(ConnectionError, TimeoutError), log=attempt_log)
def flaky_fetch(url):
    flaky_state["calls"] += 1
    if flaky_state["calls"] < 3:
        raise ConnectionError(f"cannot reach {url}")
    return f"<html from {url}>"


@retry(times=2, log=attempt_log)
def always_fails():
    raise KeyError("nope")


@timed()
@validate(age=lambda a: 0 <= a < 150, name=lambda n: bool(n.strip()))
def register(name="", age=0):
    return {"name": name, "age": age}


def make_counter(start=0):
    count = start

    def increment(by=1):
        nonlocal count
        count += by
        return count

    def reset():
        nonlocal count
        count = start

    def value():
        return count

    return increment, reset, value


def make_accumulators():
    totals = []
    for i in range(3):
        def acc(x, i=i):
            return x + i
        totals.append(acc)
    return totals


def singleton(cls):
    instances = {}

    def get_instance(*args, **kwargs):
        if cls not in instances:
            instances[cls] = cls(*args, **kwargs)
        return instances[cls]
    get_instance.wrapped_class = cls
    return get_instance


def add_repr(cls):
    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{cls.__name__}({fields})"
    cls.__repr__ = __repr__
    return cls


@singleton
class Config:
    def __init__(self, env="dev"):
        self.env = env
        self.values = {}


@add_repr
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class EventBus:
    def __init__(self):
        self.handlers = {}

    def on(self, event):
        def register_handler(func):
            self.handlers.setdefault(event, []).append(func)
            return func
        return register_handler

    def emit(self, event, *args):
        return [handler(*args) for handler in self.handlers.get(event, [])]


bus = EventBus()


@bus.on("greet")
def greet_loud(name):
    return name.upper() + "!"


@bus.on("greet")
def greet_polite(name):
    return "Good day, " + name


class Account:
    def __init__(self, owner):
        self.owner = owner
        self._balance = 0

    def _require_positive(method):
        def wrapper(self, amount):
            if amount <= 0:
                raise ValueError("amount must be positive")
            return method(self, amount)
        return wrapper

    @_require_positive
    def deposit(self, amount):
        self._balance += amount
        return self._balance

    @_require_positive
    def withdraw(self, amount):
        if amount > self._balance:
            raise ValueError("insufficient funds")
        self._balance -= amount
        return self._balance

    del _require_positive


def compose(*funcs):
    def composed(x):
        for f in reversed(funcs):
            x = f(x)
        return x
    return composed


def main():
    print(factorial(4), factorial.__name__, factorial.__doc__)
    print(fib(60), len(fib.cache))
    fib.clear()
    print(len(fib.cache), ways_to_climb(10), ways_to_climb(10, (1, 3, 5)))
    print(flaky_fetch("example.org"))
    try:
        always_fails()
    except RuntimeError as exc:
        print(exc, "caused by", repr(exc.__cause__))
    print(attempt_log)
    print(register(name="Ada", age=36), register.calls, register.label)
    try:
        register(name="  ", age=3)
    except ValueError as exc:
        print(exc)
    inc, reset, value = make_counter(10)
    inc()
    inc(5)
    print(value())
    reset()
    print(value(), [f(100) for f in make_accumulators()])
    print(Config("prod") is Config(), Config().env, Config.wrapped_class.__name__)
    print(Point(1, y=2))
    print(bus.emit("greet", "Grace"), bus.emit("unknown"))
    acct = Account("ann")
    acct.deposit(50)
    for amount in (20, -5, 100):
        try:
            print("balance", acct.withdraw(amount))
        except ValueError as exc:
            print("refused:", exc)
    inc_then_double = compose(lambda x: x * 2, lambda x: x + 1)
    print(inc_then_double(5), compose()(7))


if __name__ == "__main__":
    main()
