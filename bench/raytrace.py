# pyish bench: float-heavy ray tracer on vector objects.  Vec instances keep
# their coordinates as floats in instance attributes; every operation
# allocates a new Vec.  Spheres and a plane, diffuse + specular shading,
# shadows and one reflection bounce.
WIDTH = 128
HEIGHT = 96
REPEAT = 6


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

    def mul(self, o):
        return Vec(self.x * o.x, self.y * o.y, self.z * o.z)

    def dot(self, o):
        return self.x * o.x + self.y * o.y + self.z * o.z

    def length(self):
        return self.dot(self) ** 0.5

    def norm(self):
        return self.scale(1.0 / self.length())


class Ray:
    def __init__(self, origin, direction):
        self.origin = origin
        self.direction = direction

    def at(self, t):
        return self.origin.add(self.direction.scale(t))


class Sphere:
    def __init__(self, center, radius, color, reflect):
        self.center = center
        self.radius = radius
        self.color = color
        self.reflect = reflect

    def intersect(self, ray):
        oc = ray.origin.sub(self.center)
        b = oc.dot(ray.direction)
        c = oc.dot(oc) - self.radius * self.radius
        disc = b * b - c
        if disc < 0.0:
            return -1.0
        s = disc ** 0.5
        t = -b - s
        if t > 1e-4:
            return t
        t = -b + s
        if t > 1e-4:
            return t
        return -1.0

    def normal(self, p):
        return p.sub(self.center).norm()


class Plane:
    def __init__(self, point, normal_vec, color, reflect):
        self.point = point
        self.n = normal_vec
        self.color = color
        self.reflect = reflect

    def intersect(self, ray):
        d = self.n.dot(ray.direction)
        if -1e-9 < d < 1e-9:
            return -1.0
        t = self.point.sub(ray.origin).dot(self.n) / d
        if t > 1e-4:
            return t
        return -1.0

    def normal(self, p):
        return self.n


class Scene:
    def __init__(self):
        self.objects = [
            Sphere(Vec(0.0, 1.0, 5.0), 1.0, Vec(0.9, 0.2, 0.2), 0.3),
            Sphere(Vec(-2.0, 0.7, 6.0), 0.7, Vec(0.2, 0.9, 0.2), 0.1),
            Sphere(Vec(2.0, 1.5, 7.0), 1.5, Vec(0.2, 0.3, 0.9), 0.5),
            Plane(Vec(0.0, 0.0, 0.0), Vec(0.0, 1.0, 0.0), Vec(0.8, 0.8, 0.8), 0.2),
        ]
        self.light = Vec(-5.0, 8.0, -2.0)
        self.ambient = 0.1

    def hit(self, ray):
        best = None
        best_t = 1e30
        for obj in self.objects:
            t = obj.intersect(ray)
            if t > 0.0 and t < best_t:
                best_t = t
                best = obj
        return best, best_t

    def trace(self, ray, depth):
        obj, t = self.hit(ray)
        if obj is None:
            k = 0.5 * (ray.direction.y + 1.0)
            return Vec(1.0, 1.0, 1.0).scale(1.0 - k).add(Vec(0.5, 0.7, 1.0).scale(k))
        p = ray.at(t)
        n = obj.normal(p)
        to_light = self.light.sub(p)
        dist = to_light.length()
        l = to_light.scale(1.0 / dist)
        shadow_obj, st = self.hit(Ray(p, l))
        lit = shadow_obj is None or st > dist
        color = obj.color.scale(self.ambient)
        if lit:
            diff = n.dot(l)
            if diff > 0.0:
                color = color.add(obj.color.scale(diff))
            h = l.sub(ray.direction).norm()
            spec = n.dot(h)
            if spec > 0.0:
                color = color.add(Vec(1.0, 1.0, 1.0).scale(spec ** 32))
        if depth < 2 and obj.reflect > 0.0:
            d = ray.direction
            r = d.sub(n.scale(2.0 * d.dot(n)))
            rc = self.trace(Ray(p, r.norm()), depth + 1)
            color = color.scale(1.0 - obj.reflect).add(rc.scale(obj.reflect))
        return color


def clamp(x):
    if x < 0.0:
        return 0
    if x > 1.0:
        return 255
    return int(x * 255.0)


def render(scene, w, h):
    eye = Vec(0.0, 1.5, -3.0)
    total = 0
    for j in range(h):
        for i in range(w):
            x = (i - w / 2.0) / w
            y = (h / 2.0 - j) / w
            d = Vec(x, y, 1.0).norm()
            c = scene.trace(Ray(eye, d), 0)
            total = (total * 7 + clamp(c.x) * 65536 + clamp(c.y) * 256 + clamp(c.z)) % 1000000007
    return total


def main():
    scene = Scene()
    s = 0
    for k in range(REPEAT):
        s = (s + render(scene, WIDTH, HEIGHT)) % 1000000007
    print("raytrace", WIDTH, HEIGHT)
    print(s)


main()
