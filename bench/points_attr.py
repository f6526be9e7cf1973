# pyish bench (n): float arithmetic on points stored in instance attributes,
# method calls through attributes (a particle step and a centroid).
N = 2000
STEPS = 600

class Vec:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z
    def add(self, o):
        return Vec(self.x + o.x, self.y + o.y, self.z + o.z)
    def scale(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)
    def dot(self, o):
        return self.x * o.x + self.y * o.y + self.z * o.z

class Particle:
    def __init__(self, i):
        self.pos = Vec(i * 0.5, i * 0.25, -i * 0.125)
        self.vel = Vec(1.0 / (i + 1), 0.5, -0.25)
    def step(self, dt):
        self.pos = self.pos.add(self.vel.scale(dt))
        if self.pos.dot(self.pos) > 1e6:
            self.vel = self.vel.scale(-1.0)

ps = [Particle(i) for i in range(N)]
for s in range(STEPS):
    for p in ps:
        p.step(0.01)
c = Vec(0.0, 0.0, 0.0)
for p in ps:
    c = c.add(p.pos)
c = c.scale(1.0 / N)
print("points_attr: n=%d steps=%d centroid=%.6f %.6f %.6f" % (N, STEPS, c.x, c.y, c.z))
