# pyish bench: board-filling puzzle solver.  Counts the ways to tile a
# rectangle with a set of polyomino shapes (every rotation and
# reflection, each shape usable any number of times): shapes are
# frozensets of (row, col) tuples, the board a set of free cells,
# placements found by recursion on the first free cell.
ROWS = 4
COLS = 7

SHAPES = {
    "I3": [(0, 0), (0, 1), (0, 2)],
    "L3": [(0, 0), (1, 0), (1, 1)],
    "O4": [(0, 0), (0, 1), (1, 0), (1, 1)],
    "T4": [(0, 0), (0, 1), (0, 2), (1, 1)],
}


def normalize(cells):
    mr = min([r for r, c in cells])
    mc = min([c for r, c in cells])
    return tuple(sorted([(r - mr, c - mc) for r, c in cells]))


def orientations(cells):
    seen = set()
    out = []
    cur = list(cells)
    for flip in range(2):
        for rot in range(4):
            cur = [(c, -r) for r, c in cur]
            n = normalize(cur)
            if n not in seen:
                seen.add(n)
                out.append(n)
        cur = [(r, -c) for r, c in cur]
    return out


def anchored(shapes):
    # each orientation shifted so that its first cell (in row-major
    # order) sits at (0, 0): that cell covers the board's first free cell
    res = []
    for name in sorted(shapes.keys()):
        for o in orientations(shapes[name]):
            r0, c0 = o[0]
            res.append((name, tuple([(r - r0, c - c0) for r, c in o])))
    return res


def solve(free, pieces, counts, rows, cols):
    if not free:
        return 1
    first = min(free)
    r0, c0 = first
    total = 0
    for name, cells in pieces:
        placed = []
        ok = True
        for dr, dc in cells:
            cell = (r0 + dr, c0 + dc)
            if cell not in free:
                ok = False
                break
            placed.append(cell)
        if ok:
            for cell in placed:
                free.remove(cell)
            counts[name] = counts.get(name, 0) + 1
            total += solve(free, pieces, counts, rows, cols)
            for cell in placed:
                free.add(cell)
    return total


def main():
    pieces = anchored(SHAPES)
    free = set()
    for r in range(ROWS):
        for c in range(COLS):
            free.add((r, c))
    counts = {}
    n = solve(free, pieces, counts, ROWS, COLS)
    print("puzzle", ROWS, COLS, len(pieces))
    print(n, len(free), sorted(counts.items()))


main()
