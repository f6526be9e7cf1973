# pyish bench: float arithmetic on instance attributes (3-D vectors as objects,
# a small particle system with new Vec objects per operation, like a ray tracer's
# vector code). Checks its result.
N = 50
STEPS = 12000

class Vec:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def add(self, o):
        return Vec(self.x + o.x, self.y + o.y, self.z + o.z)

    def sub(self, o):
        return Vec(self.x - o.x, self.y - o.y, self.z - o.z)

    def scale(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)

    def dot(self, o):
        return self.x * o.x + self.y * o.y + self.z * o.z

    def norm(self):
        return self.dot(self) ** 0.5


def run(n, steps):
    ps = [Vec(i * 0.5, -i * 0.25, 1.0 + i * 0.125) for i in range(n)]
    vs = [Vec(0.01 * i, 0.02, -0.015 * i) for i in range(n)]
    centre = Vec(0.0, 0.0, 0.0)
    dt = 0.01
    for _ in range(steps):
        for i in range(n):
            p = ps[i]
            d = centre.sub(p)
            r = d.norm() + 0.1
            a = d.scale(1.0 / (r * r * r))
            vs[i] = vs[i].add(a.scale(dt))
            ps[i] = p.add(vs[i].scale(dt))
    e = 0.0
    for v in vs:
        e += 0.5 * v.dot(v)
    return e


e = run(N, STEPS)
print("%.9f" % e)
