# pyish bench (n): many small objects of classes with __slots__ (a linked
# list of nodes, 3-field records): building them, then attribute reads and
# writes in loops. Holds N nodes at once: its peak RSS shows what a slotted
# object costs.
N = 300000
ROUNDS = 20


class Node:
    __slots__ = ('value', 'next')

    def __init__(self, value, next):
        self.value = value
        self.next = next


class Rec:
    __slots__ = ('a', 'b', 'c')

    def __init__(self, a, b, c):
        self.a = a
        self.b = b
        self.c = c

    def bump(self):
        self.a += 1
        self.c = self.a + self.b


head = None
for i in range(N):
    head = Node(i, head)
recs = [Rec(i, i * 2, 0) for i in range(N // 10)]

total = 0
for r in range(ROUNDS):
    node = head
    while node is not None:
        total += node.value
        node = node.next
    for rec in recs:
        rec.bump()
check = 0
for rec in recs:
    check += rec.c
print("slots_objects: n=%d rounds=%d total=%d check=%d" % (N, ROUNDS, total, check))
