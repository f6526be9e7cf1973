# pyish bench: brute-force n-queens.  Generates every permutation of the
# columns with a recursive generator and keeps those whose diagonals are
# all distinct (set sizes); then a second, pruned solver that carries
# the used columns and diagonals in sets.
N = 9
PRUNED_N = 10


def permutations(items):
    if len(items) <= 1:
        yield items[:]
        return
    for i in range(len(items)):
        rest = items[:i] + items[i + 1:]
        for p in permutations(rest):
            p.append(items[i])
            yield p


def brute(n):
    cols = list(range(n))
    found = []
    for vec in permutations(cols):
        if n == len(set(vec[i] + i for i in cols)) == len(set(vec[i] - i for i in cols)):
            found.append(tuple(vec))
    return found


def pruned(n, row, cols, d1, d2):
    if row == n:
        yield ()
        return
    for c in range(n):
        if c in cols or (row + c) in d1 or (row - c) in d2:
            continue
        cols.add(c)
        d1.add(row + c)
        d2.add(row - c)
        for rest in pruned(n, row + 1, cols, d1, d2):
            yield (c,) + rest
        cols.discard(c)
        d1.discard(row + c)
        d2.discard(row - c)


def main():
    sols = brute(N)
    sols.sort()
    more = list(pruned(PRUNED_N, 0, set(), set(), set()))
    print("nqueens", N, PRUNED_N)
    print(len(sols), sols[0], sols[-1], len(more), more[0], more[-1])


main()
