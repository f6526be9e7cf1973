"""Comprehensions of every kind: list, set, dict, generator expressions,
nested loops and conditions, conditional expressions inside them, scoping
of the loop variable, and the walrus operator in conditions."""

words = """the quick brown fox jumps over the lazy dog and the dog
sleeps while the fox runs far away over the hills""".split()

squares = [n * n for n in range(10)]
even_squares = [n * n for n in range(10) if n % 2 == 0]
pairs = [(x, y) for x in range(3) for y in range(3) if x != y]
matrix = [[row * 3 + col for col in range(3)] for row in range(3)]
transposed = [[row[i] for row in matrix] for i in range(3)]
flat = [cell for row in matrix for cell in row]
labels = ["even" if n % 2 == 0 else "odd" for n in range(5)]
lengths = {w: len(w) for w in words}
by_length = {n: sorted({w for w in words if len(w) == n}) for n in set(lengths.values())}
first_letters = {w[0] for w in words}
inverted = {v: k for k, v in {"a": 1, "b": 2, "c": 3}.items()}
total_chars = sum(len(w) for w in words)
longest = max((len(w), w) for w in words)
has_long = any(len(w) > 5 for w in words)
all_lower = all(w == w.lower() for w in words)


def word_frequencies(text_words):
    freq = {}
    for w in text_words:
        freq[w] = freq.get(w, 0) + 1
    return {w: c for w, c in sorted(freq.items(), key=lambda item: (-item[1], item[0])) if c > 1}


def pythagorean_triples(limit):
    return [(a, b, c)
            for c in range(1, limit)
            for b in range(1, c)
            for a in range(1, b)
            if a * a + b * b == c * c]


def primes_below(n):
    sieve = [True] * n
    sieve[0:2] = [False, False]
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = [False] * len(range(i * i, n, i))
    return [i for i, is_prime in enumerate(sieve) if is_prime]


def grid_neighbours(width, height):
    return {
        (x, y): [(x + dx, y + dy)
                 for dx in (-1, 0, 1)
                 for dy in (-1, 0, 1)
                 if (dx or dy) and 0 <= x + dx < width and 0 <= y + dy < height]
        for x in range(width)
        for y in range(height)
    }


def normalized(values):
    if not values:
        return []
    lo, hi = min(values), max(values)
    span = hi - lo or 1
    return [round((v - lo) / span, 3) for v in values]


def filtered_lengths(items):
    # Walrus operator in the condition and the element, not the iterable.
    return [(item, n) for item in items if (n := len(item)) >= 4]


def closures_in_comprehensions():
    adders = [lambda x, k=k: x + k for k in range(3)]
    late = [lambda x: x + k for k in range(3)]
    return [f(10) for f in adders], [f(10) for f in late]


class Table:
    columns = ["name", "qty", "price"]
    rows = [("apple", 3, 0.5), ("pear", 0, 0.75), ("fig", 12, 0.2)]

    def as_dicts(self):
        return [dict(zip(self.columns, row)) for row in self.rows]

    def in_stock(self):
        return {r["name"]: r["qty"] * r["price"] for r in self.as_dicts() if r["qty"]}


def nested_generators():
    gen = (x * y for x in range(1, 4) for y in (x, -x))
    nested = ((i, (j for j in range(i))) for i in range(3))
    return list(gen), [(i, list(inner)) for i, inner in nested]


def dict_merge_and_unpack():
    defaults = {"color": "blue", "size": "M"}
    override = {"size": "L"}
    merged = {**defaults, **override, "extra": True}
    keys = [*merged, *"xy"]
    values = {*range(3), *[10, 11]}
    head, *middle, tail = range(6)
    return merged, keys, values, (head, middle, tail)


def main():
    print(squares, even_squares)
    print(pairs)
    print(matrix, transposed, flat)
    print(labels)
    print(sorted(by_length.items())[:3])
    print(sorted(first_letters))
    print(inverted, total_chars, longest, has_long, all_lower)
    print(word_frequencies(words))
    print(pythagorean_triples(21))
    print(primes_below(50))
    neighbours = grid_neighbours(3, 2)
    print(neighbours[(0, 0)], len(neighbours[(1, 1)]))
    print(normalized([3, 7, 5, 11]), normalized([2, 2]))
    print(filtered_lengths(["ab", "abcd", "abcdef", "xyz"]))
    print(closures_in_comprehensions())
    t = Table()
    print(t.as_dicts()[0], t.in_stock())
    print(nested_generators())
    print(dict_merge_and_unpack())
    x = "outer"
    _ = [x for x in range(3)]
    print("loop variable does not leak:", x)
    if (count := len(words)) > 10:
        print(f"{count} words")
    print({i: {j: i * j for j in range(1, 3)} for i in range(1, 3)})


if __name__ == "__main__":
    main()
