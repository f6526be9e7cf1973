"""Object protocols: custom iterators, sequence classes iterated through
__getitem__, callables, __getattr__ proxies, a linked list, an LRU cache
and a bank ledger with class-level state and inheritance."""

from collections import deque


class Range3:
    """A reimplementation of a stepping range with __iter__/__next__."""

    def __init__(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        if step == 0:
            raise ValueError("step must not be zero")
        self.start, self.stop, self.step = start, stop, step

    def __iter__(self):
        return Range3Iterator(self)

    def __len__(self):
        span = (self.stop - self.start + self.step - (1 if self.step > 0 else -1)) // self.step
        return max(0, span)

    def __repr__(self):
        return f"Range3({self.start}, {self.stop}, {self.step})"


class Range3Iterator:
    def __init__(self, r):
        self.r = r
        self.current = r.start

    def __iter__(self):
        return self

    def __next__(self):
        r = self.r
        if (r.step > 0 and self.current >= r.stop) or (r.step < 0 and self.current <= r.stop):
            raise StopIteration
        value = self.current
        self.current += r.step
        return value


class Squares:
    """Iterable only through the old __getitem__ protocol."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return i * i


class Polynomial:
    def __init__(self, *coefficients):
        self.coefficients = list(coefficients)

    def __call__(self, x):
        result = 0
        for c in reversed(self.coefficients):
            result = result * x + c
        return result

    def __repr__(self):
        terms = []
        for power, c in enumerate(self.coefficients):
            if c:
                terms.append(f"{c}" if power == 0 else f"{c}x" if power == 1 else f"{c}x^{power}")
        return " + ".join(reversed(terms)) or "0"


class Proxy:
    def __init__(self, target):
        self._target = target
        self._calls = []

    def __getattr__(self, name):
        attr = getattr(self._target, name)
        if callable(attr):
            def logged(*args, **kwargs):
                self._calls.append(name)
                return attr(*args, **kwargs)
            return logged
        return attr


class Node:
    __slots__ = ("value", "next")

    def __init__(self, value, next=None):
        self.value = value
        self.next = next


class LinkedList:
    def __init__(self, iterable=()):
        self.head = None
        self.size = 0
        for value in reversed(list(iterable)):
            self.push(value)

    def push(self, value):
        self.head = Node(value, self.head)
        self.size += 1

    def pop(self):
        if self.head is None:
            raise IndexError("pop from empty list")
        node, self.head = self.head, self.head.next
        self.size -= 1
        return node.value

    def __iter__(self):
        node = self.head
        while node:
            yield node.value
            node = node.next

    def __len__(self):
        return self.size

    def __contains__(self, value):
        return any(v == value for v in self)

    def __getitem__(self, index):
        if index < 0:
            index += self.size
        for i, value in enumerate(self):
            if i == index:
                return value
        raise IndexError("list index out of range")

    def reverse(self):
        prev, node = None, self.head
        while node:
            node.next, prev, node = prev, node, node.next
        self.head = prev

    def __repr__(self):
        return "LinkedList([" + ", ".join(map(repr, self)) + "])"


class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.data = {}
        self.hits = self.misses = 0

    def get(self, key, default=None):
        if key in self.data:
            self.hits += 1
            value = self.data.pop(key)
            self.data[key] = value
            return value
        self.misses += 1
        return default

    def put(self, key, value):
        self.data.pop(key, None)
        self.data[key] = value
        while len(self.data) > self.capacity:
            oldest = next(iter(self.data))
            del self.data[oldest]

    def __repr__(self):
        return f"LRUCache({list(self.data)}, hits={self.hits}, misses={self.misses})"


class InsufficientFunds(Exception):
    pass


class Account:
    interest_rate = 0.0
    _accounts = {}

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.history = deque(maxlen=5)
        Account._accounts[owner] = self

    def deposit(self, amount):
        self.balance += amount
        self.history.append(("deposit", amount))

    def withdraw(self, amount):
        if amount > self.available():
            raise InsufficientFunds(f"{self.owner}: cannot withdraw {amount}, available {self.available()}")
        self.balance -= amount
        self.history.append(("withdraw", amount))

    def available(self):
        return self.balance

    def month_end(self):
        self.balance = round(self.balance * (1 + self.interest_rate / 12), 2)

    @classmethod
    def find(cls, owner):
        return cls._accounts[owner]

    @classmethod
    def transfer(cls, src, dst, amount):
        a, b = cls.find(src), cls.find(dst)
        a.withdraw(amount)
        b.deposit(amount)


class Savings(Account):
    interest_rate = 0.06


class Checking(Account):
    def __init__(self, owner, balance=0, overdraft=100):
        super().__init__(owner, balance)
        self.overdraft = overdraft

    def available(self):
        return self.balance + self.overdraft


def main():
    r = Range3(10, 0, -3)
    print(list(r), len(r), list(Range3(4)), len(Range3(4)), len(Range3(5, 1)))
    it = iter(Range3(2))
    print(next(it), next(it), next(it, "exhausted"))
    print(list(Squares(5)), 9 in Squares(5), sorted(Squares(4), reverse=True))
    p = Polynomial(1, 0, -2, 3)
    print(p, [p(x) for x in range(-2, 3)], list(map(Polynomial(0, 1), [7, 8])))
    proxied = Proxy([3, 1, 2])
    proxied.append(0)
    proxied.sort()
    print(proxied._target, proxied._calls, proxied.__len__())
    ll = LinkedList("abcd")
    ll.push("z")
    print(ll, len(ll), "c" in ll, ll[-1], ll.pop())
    ll.reverse()
    print(ll, list(zip(ll, range(10))))
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    print(cache.get("b", "gone"), cache.get("c"), cache)
    Savings("sam", 1000)
    Checking("cat", 50)
    Account.transfer("sam", "cat", 200)
    Account.transfer("cat", "sam", 320)
    try:
        Account.transfer("cat", "sam", 100)
    except InsufficientFunds as exc:
        print("refused:", exc)
    for owner in ("sam", "cat"):
        acct = Account.find(owner)
        acct.month_end()
        print(owner, type(acct).__name__, acct.balance, list(acct.history))


if __name__ == "__main__":
    main()
