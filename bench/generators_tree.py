# pyish bench: pyperformance's `generators`: a binary tree of 2**DEPTH - 1
# nodes walked in order by recursive `yield from` generators, and the same
# tree walked by a generator that keeps an explicit stack.
DEPTH = 17
ROUNDS = 4


class Tree:
    def __init__(self, left, value, right):
        self.left = left
        self.value = value
        self.right = right

    def __iter__(self):
        if self.left:
            yield from self.left
        yield self.value
        if self.right:
            yield from self.right


def tree(lo, hi):
    if lo >= hi:
        return None
    mid = (lo + hi) // 2
    return Tree(tree(lo, mid), mid, tree(mid + 1, hi))


def walk_stack(t):
    stack = []
    node = t
    while stack or node is not None:
        if node is not None:
            stack.append(node)
            node = node.left
        else:
            node = stack.pop()
            yield node.value
            node = node.right


root = tree(0, 2 ** DEPTH - 1)
total = 0
for _ in range(ROUNDS):
    prev = -1
    for v in root:
        assert v == prev + 1
        prev = v
        total += v
    for v in walk_stack(root):
        total += v
print("generators_tree: depth=%d rounds=%d total=%d" % (DEPTH, ROUNDS, total))
