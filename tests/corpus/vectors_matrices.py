"""Operator overloading: a 2-D vector, a matrix with tuple subscripts and
slices, a fraction type with full arithmetic and comparisons, and a
sparse grid keyed by (x, y) tuples."""

import math


class Vector:
    __slots__ = ("x", "y")

    def __init__(self, x=0.0, y=0.0):
        self.x = x
        self.y = y

    def __repr__(self):
        return f"Vector({self.x!r}, {self.y!r})"

    def __iter__(self):
        yield self.x
        yield self.y

    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y)

    def __sub__(self, other):
        return Vector(self.x - other.x, self.y - other.y)

    def __mul__(self, k):
        if isinstance(k, Vector):
            return self.x * k.x + self.y * k.y
        return Vector(self.x * k, self.y * k)

    __rmul__ = __mul__

    def __truediv__(self, k):
        return Vector(self.x / k, self.y / k)

    def __neg__(self):
        return Vector(-self.x, -self.y)

    def __pos__(self):
        return self

    def __abs__(self):
        return math.hypot(self.x, self.y)

    def __bool__(self):
        return bool(self.x or self.y)

    def __eq__(self, other):
        return isinstance(other, Vector) and tuple(self) == tuple(other)

    def __hash__(self):
        return hash((self.x, self.y))

    def angle(self):
        return math.degrees(math.atan2(self.y, self.x))

    def normalized(self):
        length = abs(self)
        if not length:
            raise ZeroDivisionError("cannot normalize the zero vector")
        return self / length


class Matrix:
    def __init__(self, rows):
        self.rows = [list(row) for row in rows]
        self.n = len(self.rows)
        self.m = len(self.rows[0]) if self.rows else 0
        if any(len(row) != self.m for row in self.rows):
            raise ValueError("ragged matrix")

    @classmethod
    def identity(cls, n):
        return cls([[1 if i == j else 0 for j in range(n)] for i in range(n)])

    @classmethod
    def zeros(cls, n, m):
        return cls([[0] * m for _ in range(n)])

    def __getitem__(self, index):
        if isinstance(index, tuple):
            i, j = index
            if isinstance(i, slice) or isinstance(j, slice):
                rows = self.rows[i] if isinstance(i, slice) else [self.rows[i]]
                return Matrix([row[j] if isinstance(j, slice) else [row[j]] for row in rows])
            return self.rows[i][j]
        return self.rows[index]

    def __setitem__(self, index, value):
        i, j = index
        self.rows[i][j] = value

    def __matmul_impl(self, other):
        if self.m != other.n:
            raise ValueError(f"shape mismatch: {self.shape} x {other.shape}")
        cols = list(zip(*other.rows))
        return Matrix([[sum(a * b for a, b in zip(row, col)) for col in cols] for row in self.rows])

    def __mul__(self, other):
        if isinstance(other, Matrix):
            return self.__matmul_impl(other)
        return Matrix([[x * other for x in row] for row in self.rows])

    def __rmul__(self, k):
        return self * k

    def __add__(self, other):
        return Matrix([[a + b for a, b in zip(r1, r2)] for r1, r2 in zip(self.rows, other.rows)])

    def __pow__(self, exponent):
        result = Matrix.identity(self.n)
        base = self
        while exponent:
            if exponent % 2:
                result = result * base
            base = base * base
            exponent //= 2
        return result

    def __eq__(self, other):
        return isinstance(other, Matrix) and self.rows == other.rows

    @property
    def shape(self):
        return (self.n, self.m)

    @property
    def T(self):
        return Matrix(zip(*self.rows))

    def determinant(self):
        if self.n != self.m:
            raise ValueError("not square")
        if self.n == 1:
            return self.rows[0][0]
        if self.n == 2:
            (a, b), (c, d) = self.rows
            return a * d - b * c
        total = 0
        for j in range(self.m):
            minor = Matrix([row[:j] + row[j + 1:] for row in self.rows[1:]])
            total += (-1) ** j * self.rows[0][j] * minor.determinant()
        return total

    def __str__(self):
        width = max(len(str(x)) for row in self.rows for x in row)
        return "\n".join("[" + " ".join(str(x).rjust(width) for x in row) + "]" for row in self.rows)


class Fraction:
    def __init__(self, num, den=1):
        if den == 0:
            raise ZeroDivisionError("Fraction(%s, 0)" % num)
        g = math.gcd(num, den)
        sign = -1 if den < 0 else 1
        self.num = sign * num // g
        self.den = sign * den // g

    @staticmethod
    def _coerce(other):
        return other if isinstance(other, Fraction) else Fraction(other)

    def __add__(self, other):
        other = self._coerce(other)
        return Fraction(self.num * other.den + other.num * self.den, self.den * other.den)

    __radd__ = __add__

    def __sub__(self, other):
        return self + -self._coerce(other)

    def __rsub__(self, other):
        return self._coerce(other) - self

    def __mul__(self, other):
        other = self._coerce(other)
        return Fraction(self.num * other.num, self.den * other.den)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = self._coerce(other)
        return Fraction(self.num * other.den, self.den * other.num)

    def __neg__(self):
        return Fraction(-self.num, self.den)

    def __eq__(self, other):
        other = self._coerce(other)
        return (self.num, self.den) == (other.num, other.den)

    def __lt__(self, other):
        other = self._coerce(other)
        return self.num * other.den < other.num * self.den

    def __le__(self, other):
        return self == other or self < other

    def __gt__(self, other):
        return not self <= other

    def __ge__(self, other):
        return not self < other

    def __hash__(self):
        return hash((self.num, self.den))

    def __float__(self):
        return self.num / self.den

    def __int__(self):
        return int(self.num / self.den)

    def __repr__(self):
        return f"Fraction({self.num}, {self.den})"

    def __str__(self):
        return str(self.num) if self.den == 1 else f"{self.num}/{self.den}"


class Grid:
    def __init__(self, default="."):
        self.cells = {}
        self.default = default

    def __getitem__(self, pos):
        return self.cells.get(pos, self.default)

    def __setitem__(self, pos, value):
        self.cells[pos] = value

    def __contains__(self, pos):
        return pos in self.cells

    def bounds(self):
        xs = [x for x, _ in self.cells]
        ys = [y for _, y in self.cells]
        return min(xs), min(ys), max(xs), max(ys)

    def render(self):
        x0, y0, x1, y1 = self.bounds()
        return "\n".join("".join(self[x, y] for x in range(x0, x1 + 1)) for y in range(y0, y1 + 1))


def main():
    a, b = Vector(3, 4), Vector(1, -2)
    print(a + b, a - b, a * 2, 3 * b, a * b, -a, +a, abs(a), bool(Vector()))
    print(a / 2, a.normalized(), round(b.angle(), 3), a == Vector(3, 4), len({a, Vector(3, 4)}))
    x, y = a
    print(x, y, list(b), max(a, b, key=abs))
    try:
        Vector().normalized()
    except ZeroDivisionError as exc:
        print(exc)

    m = Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 10]])
    print(m[1, 2], m[0], m[0:2, 1:], m[:, 0].rows, m[::2, ::2].rows)
    m[2, 2] = 9
    print(m.determinant(), m.shape, m.T.rows[0])
    m[2, 2] = 10
    print(m.determinant(), (m * Matrix.identity(3)) == m)
    print(m * m)
    print((2 * Matrix.identity(2) + Matrix([[0, 1], [1, 0]])).rows)
    fib = Matrix([[1, 1], [1, 0]]) ** 90
    print(fib[0, 1])
    try:
        m * Matrix.zeros(2, 2)
    except ValueError as exc:
        print(exc)

    h = Fraction(1, 2)
    t = Fraction(1, 3)
    print(h + t, h - t, h * t, h / t, 1 - h, 2 * t, h + 1, -t, repr(Fraction(6, -8)))
    print(h > t, h <= t, sorted([h, t, Fraction(1, 6)]), float(t), int(Fraction(7, 2)))
    print(sum((Fraction(1, n) for n in range(1, 11)), Fraction(0)))

    grid = Grid()
    for i in range(5):
        grid[i, i] = "\\"
        grid[4 - i, i] = "/"
    grid[2, 2] = "X"
    print(grid.render())
    print((2, 2) in grid, (0, 1) in grid, grid[10, 10])


if __name__ == "__main__":
    main()
