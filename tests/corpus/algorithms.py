"""Small classic algorithms: sorting, searching, graphs, dynamic
programming, number theory with big integers, and a priority queue."""

from collections import deque


def insertion_sort(items):
    items = list(items)
    for i in range(1, len(items)):
        key = items[i]
        j = i - 1
        while j >= 0 and items[j] > key:
            items[j + 1] = items[j]
            j -= 1
        items[j + 1] = key
    return items


def merge_sort(items):
    if len(items) <= 1:
        return list(items)
    mid = len(items) // 2
    left, right = merge_sort(items[:mid]), merge_sort(items[mid:])
    merged = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged


def quicksort(items):
    if len(items) < 2:
        return items
    pivot, *rest = items
    return (quicksort([x for x in rest if x < pivot]) + [pivot]
            + quicksort([x for x in rest if x >= pivot]))


def binary_search(sorted_items, target):
    lo, hi = 0, len(sorted_items) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if sorted_items[mid] == target:
            return mid
        elif sorted_items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -(lo + 1)


class MinHeap:
    def __init__(self):
        self._data = []

    def __len__(self):
        return len(self._data)

    def push(self, item):
        data = self._data
        data.append(item)
        i = len(data) - 1
        while i > 0:
            parent = (i - 1) >> 1
            if data[parent] <= data[i]:
                break
            data[parent], data[i] = data[i], data[parent]
            i = parent

    def pop(self):
        data = self._data
        if not data:
            raise IndexError("pop from empty heap")
        last = data.pop()
        if not data:
            return last
        top, data[0] = data[0], last
        i, n = 0, len(data)
        while True:
            smallest = i
            for child in (2 * i + 1, 2 * i + 2):
                if child < n and data[child] < data[smallest]:
                    smallest = child
            if smallest == i:
                return top
            data[i], data[smallest] = data[smallest], data[i]
            i = smallest


GRAPH = {
    "A": {"B": 4, "C": 2},
    "B": {"C": 5, "D": 10},
    "C": {"E": 3},
    "D": {"F": 11},
    "E": {"D": 4},
    "F": {},
}


def bfs_order(graph, start):
    seen = {start}
    order = []
    queue = deque([start])
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


def dfs_order(graph, start, seen=None):
    if seen is None:
        seen = []
    seen.append(start)
    for nxt in sorted(graph[start]):
        if nxt not in seen:
            dfs_order(graph, nxt, seen)
    return seen


def dijkstra(graph, source):
    dist = {node: float("inf") for node in graph}
    prev = {}
    dist[source] = 0
    heap = MinHeap()
    heap.push((0, source))
    while len(heap):
        d, node = heap.pop()
        if d > dist[node]:
            continue
        for nxt, weight in graph[node].items():
            nd = d + weight
            if nd < dist[nxt]:
                dist[nxt] = nd
                prev[nxt] = node
                heap.push((nd, nxt))
    return dist, prev


def path_to(prev, target):
    path = [target]
    while path[-1] in prev:
        path.append(prev[path[-1]])
    return path[::-1]


def topological_sort(graph):
    indegree = {n: 0 for n in graph}
    for edges in graph.values():
        for n in edges:
            indegree[n] += 1
    ready = sorted(n for n, d in indegree.items() if d == 0)
    order = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for n in sorted(graph[node]):
            indegree[n] -= 1
            if indegree[n] == 0:
                ready.append(n)
    if len(order) != len(graph):
        raise ValueError("graph has a cycle")
    return order


def lcs(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, ca in enumerate(a, 1):
        for j, cb in enumerate(b, 1):
            table[i][j] = table[i - 1][j - 1] + 1 if ca == cb else max(table[i - 1][j], table[i][j - 1])
    out = []
    i, j = len(a), len(b)
    while i and j:
        if a[i - 1] == b[j - 1]:
            out.append(a[i - 1])
            i, j = i - 1, j - 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return "".join(reversed(out))


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        prev = cur
    return prev[-1]


def knapsack(items, capacity):
    best = [0] * (capacity + 1)
    for weight, value in items:
        for c in range(capacity, weight - 1, -1):
            best[c] = max(best[c], best[c - weight] + value)
    return best[capacity]


def coin_change(coins, amount):
    ways = [1] + [0] * amount
    for coin in coins:
        for a in range(coin, amount + 1):
            ways[a] += ways[a - coin]
    return ways[amount]


def gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)


def mod_pow(base, exp, mod):
    result = 1
    base %= mod
    while exp > 0:
        if exp & 1:
            result = result * base % mod
        base = base * base % mod
        exp >>= 1
    return result


def is_probable_prime(n):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in (2, 3, 5, 7, 11, 13, 17):
        x = mod_pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def factorial(n):
    result = 1
    for k in range(2, n + 1):
        result *= k
    return result


def permutations(items):
    if len(items) <= 1:
        yield list(items)
        return
    for i, item in enumerate(items):
        for rest in permutations(items[:i] + items[i + 1:]):
            yield [item] + rest


def n_queens(n):
    solutions = 0
    cols, diag1, diag2 = set(), set(), set()

    def place(row):
        nonlocal solutions
        if row == n:
            solutions += 1
            return
        for col in range(n):
            if col in cols or row + col in diag1 or row - col in diag2:
                continue
            cols.add(col); diag1.add(row + col); diag2.add(row - col)
            place(row + 1)
            cols.remove(col); diag1.remove(row + col); diag2.remove(row - col)

    place(0)
    return solutions


def main():
    data = [38, 27, 43, 3, 9, 82, 10, 3, -5, 0]
    print(insertion_sort(data), merge_sort(data) == sorted(data), quicksort(data) == sorted(data))
    s = sorted(data)
    print(binary_search(s, 43), binary_search(s, 4))
    heap = MinHeap()
    for x in data:
        heap.push(x)
    print([heap.pop() for _ in range(len(heap))])
    print(bfs_order(GRAPH, "A"), dfs_order(GRAPH, "A"))
    dist, prev = dijkstra(GRAPH, "A")
    print(dist, path_to(prev, "F"))
    print(topological_sort(GRAPH))
    try:
        topological_sort({"x": {"y": 1}, "y": {"x": 1}})
    except ValueError as exc:
        print(exc)
    print(lcs("AGGTAB", "GXTXAYB"), edit_distance("kitten", "sitting"))
    print(knapsack([(1, 1), (3, 4), (4, 5), (5, 7)], 7), coin_change([1, 2, 5], 100))
    print(gcd(1071, 462), mod_pow(2, 10 ** 18, 10 ** 9 + 7))
    big = factorial(30)
    print(big, len(str(factorial(100))), big // 2 ** 20, -big % 1000, big.bit_length())
    print([n for n in range(90, 110) if is_probable_prime(n)], is_probable_prime(2 ** 61 - 1))
    print(list(permutations("abc")), sum(1 for _ in permutations(list(range(5)))))
    print([n_queens(n) for n in range(1, 8)])
    print(0xFF + 0o17 + 0b1010 + 1_000_000, 7 // -2, -7 % 3, divmod(-17, 5), 2 ** -1, 10 ** 20)


if __name__ == "__main__":
    main()
