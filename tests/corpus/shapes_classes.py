"""Shapes and a small class hierarchy: inheritance, super(), properties,
class and static methods, dunder methods and name mangling."""

import math


class Shape:
    """Base class of every shape; counts instances per class."""

    registry = {}
    _next_id = 1

    def __init__(self, name):
        self.name = name
        self.__id = Shape._next_id
        Shape._next_id += 1
        Shape.registry.setdefault(type(self).__name__, []).append(self)

    @property
    def ident(self):
        return self.__id

    def area(self):
        raise NotImplementedError("area() must be defined by subclasses")

    def perimeter(self):
        raise NotImplementedError

    def describe(self):
        return "%s #%d: area=%.2f perimeter=%.2f" % (
            self.name, self.ident, self.area(), self.perimeter())

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"

    def __lt__(self, other):
        if not isinstance(other, Shape):
            return NotImplemented
        return self.area() < other.area()

    def __eq__(self, other):
        if not isinstance(other, Shape):
            return NotImplemented
        return type(self) is type(other) and self.area() == other.area()

    def __hash__(self):
        return hash((type(self).__name__, round(self.area(), 6)))

    @classmethod
    def count(cls):
        return len(cls.registry.get(cls.__name__, ()))

    @staticmethod
    def unit_name():
        return "cm"


class Rectangle(Shape):
    def __init__(self, width, height, name="rectangle"):
        super().__init__(name)
        self._width = width
        self._height = height

    @property
    def width(self):
        return self._width

    @width.setter
    def width(self, value):
        if value <= 0:
            raise ValueError(f"width must be positive, got {value}")
        self._width = value

    @property
    def height(self):
        return self._height

    def area(self):
        return self._width * self._height

    def perimeter(self):
        return 2 * (self._width + self._height)

    def scaled(self, factor):
        return type(self)(self._width * factor, self._height * factor)


class Square(Rectangle):
    def __init__(self, side, name="square"):
        super(Square, self).__init__(side, side, name)

    def scaled(self, factor):
        return Square(self.width * factor)

    @Rectangle.width.setter
    def width(self, value):
        Rectangle.width.fset(self, value)
        self._height = value


class Circle(Shape):
    PI = math.pi

    def __init__(self, radius):
        super().__init__("circle")
        self.radius = radius

    def area(self):
        return self.PI * self.radius ** 2

    def perimeter(self):
        return 2 * self.PI * self.radius

    def __repr__(self):
        return "Circle(r=%g)" % self.radius


class Triangle(Shape):
    def __init__(self, a, b, c):
        sides = sorted((a, b, c))
        if sides[0] + sides[1] <= sides[2]:
            raise ValueError("not a triangle: %r" % (sides,))
        super().__init__("triangle")
        self.a, self.b, self.c = a, b, c

    def perimeter(self):
        return self.a + self.b + self.c

    def area(self):
        s = self.perimeter() / 2
        return math.sqrt(s * (s - self.a) * (s - self.b) * (s - self.c))


# Multiple inheritance and the C3 method resolution order.

class Named:
    def label(self):
        return "Named(" + self.name + ")"

    def hello(self):
        return ["Named"]


class Colored:
    color = "black"

    def label(self):
        return f"{self.color} {super().label()}"

    def hello(self):
        return ["Colored"] + super().hello()


class Bordered(Named):
    border = 1

    def hello(self):
        return ["Bordered"] + super().hello()


class FancyBox(Colored, Bordered, Rectangle):
    color = "red"

    def __init__(self, w, h):
        Rectangle.__init__(self, w, h, name="fancy")

    def hello(self):
        return ["FancyBox"] + super().hello()


class Counter:
    """A counter with arithmetic and container dunders."""

    def __init__(self, items=()):
        self._counts = {}
        for item in items:
            self._counts[item] = self._counts.get(item, 0) + 1

    def __getitem__(self, key):
        return self._counts.get(key, 0)

    def __setitem__(self, key, value):
        if value:
            self._counts[key] = value
        else:
            self._counts.pop(key, None)

    def __delitem__(self, key):
        del self._counts[key]

    def __contains__(self, key):
        return key in self._counts

    def __len__(self):
        return len(self._counts)

    def __iter__(self):
        return iter(self._counts)

    def __bool__(self):
        return bool(self._counts)

    def __add__(self, other):
        result = Counter()
        for key in list(self) + [k for k in other if k not in self]:
            result[key] = self[key] + other[key]
        return result

    def __iadd__(self, other):
        for key in other:
            self[key] = self[key] + other[key]
        return self

    def most_common(self, n=None):
        ordered = sorted(self._counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ordered if n is None else ordered[:n]

    def __repr__(self):
        inner = ", ".join(f"{k!r}: {v}" for k, v in self.most_common())
        return "Counter({" + inner + "})"


def main():
    shapes = [Rectangle(3, 4), Square(2), Circle(1.5), Triangle(3, 4, 5)]
    for shape in sorted(shapes):
        print(shape.describe())
    print("largest:", max(shapes))
    print("squares:", Square.count(), "rectangles:", Rectangle.count())
    print("unit:", Shape.unit_name())

    sq = Square(3)
    sq.width = 5
    print(sq.width, sq.height, sq.area())
    try:
        sq.width = -1
    except ValueError as exc:
        print("error:", exc)

    try:
        Triangle(1, 2, 10)
    except ValueError as exc:
        print("error:", exc)

    box = FancyBox(2, 3)
    print(box.label(), box.hello(), box.area())
    print([cls.__name__ for cls in FancyBox.__mro__])
    print(hasattr(box, "_Shape__id"), hasattr(box, "__id"))

    c = Counter("mississippi")
    c += Counter("misty")
    print(c, len(c), "s" in c, c["z"])
    del c["y"]
    print(c.most_common(2), bool(Counter()))
    print(Rectangle(2, 2) == Square(2), Square(2) == Square(2))
    print(len({Square(2), Square(2), Circle(1)}))


if __name__ == "__main__":
    main()
