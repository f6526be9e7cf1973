# pyish bench (au): the sqlite3 module (as pyperformance's bm_sqlite_synth):
# an in-memory database, an execute per inserted row (cached statement,
# list parameters), a select through a Python function and a builtin one
# (create_function), an aggregate class (create_aggregate), fetchone.
import math
import sqlite3

N = 20000
ROUNDS = 8


class AvgLength(object):
    def __init__(self):
        self.sum = 0
        self.count = 0

    def step(self, x):
        if x is not None:
            self.sum += len(x)
            self.count += 1

    def finalize(self):
        return self.sum / float(self.count)


def scale(x):
    return x * 3 + 1


def run(n):
    conn = sqlite3.connect(":memory:")
    conn.execute("create table cos (x, y, z)")
    for i in range(n):
        conn.execute("insert into cos values (?, ?, ?)", [i, math.cos(i), str(i)])
    conn.create_function("cos", 1, math.cos)
    conn.create_function("scale", 1, scale)
    acc = 0
    for x, c1, c2, s in conn.execute("select x, cos(x), y, scale(x) from cos"):
        if not math.isclose(c1, c2):
            raise ValueError("cos")
        acc += s
    conn.create_aggregate("avglength", 1, AvgLength)
    avg, = conn.execute("select avglength(z) from cos").fetchone()
    cur = conn.cursor()
    for i in range(0, n, 7):
        cur.execute("select z from cos where rowid = ?", (i + 1,))
        acc += len(cur.fetchone()[0])
    conn.execute("delete from cos")
    conn.close()
    return acc, avg


acc = 0
avg = 0.0
for r in range(ROUNDS):
    a, avg = run(N)
    acc += a
print("sqlite_udf: acc=%d avg=%.6f" % (acc, avg))
