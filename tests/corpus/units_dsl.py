"""Physical quantities with a metaclass registry, complex impedances and
pattern matching over expression trees."""
import cmath
import math


class UnitMeta(type):
    registry: dict[str, "UnitMeta"] = {}

    def __new__(mcls, name, bases, ns, symbol=None):
        cls = super().__new__(mcls, name, bases, ns)
        if symbol is not None:
            mcls.registry[symbol] = cls
            cls.symbol = symbol
        return cls

    def __getitem__(cls, value):
        return cls(value)

    def __repr__(cls):
        return f"<unit {getattr(cls, 'symbol', cls.__name__)}>"


class Quantity(metaclass=UnitMeta):
    __match_args__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __add__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(self.value + other.value)

    def __repr__(self):
        v = self.value
        if isinstance(v, complex):
            return f"{v.real:g}{v.imag:+g}j {self.symbol}"
        return f"{v:g} {self.symbol}"


class Ohm(Quantity, symbol="ohm"):
    pass


class Volt(Quantity, symbol="V"):
    pass


class Ampere(Quantity, symbol="A"):
    pass


def impedance(r: float, l: float, c: float, freq: float) -> Ohm:
    w = 2 * math.pi * freq
    return Ohm[complex(r, w * l - 1 / (w * c))]


def evaluate(expr):
    match expr:
        case ("+", a, b):
            return evaluate(a) + evaluate(b)
        case ("/", Volt(v), Ohm(z)):
            return Ampere[v / z]
        case ("/", a, b):
            return evaluate(("/", evaluate(a), evaluate(b)))
        case Quantity() as q:
            return q
        case [*items]:
            raise TypeError(f"cannot evaluate a list of {len(items)}")
        case _:
            raise TypeError(f"cannot evaluate {expr!r}")


def main():
    print(UnitMeta.registry)
    z = impedance(50.0, 0.1, 1e-5, 60.0)
    print("Z =", z, "|Z| =", round(abs(z.value), 3), "phase =", round(math.degrees(cmath.phase(z.value)), 2))
    i = evaluate(("/", Volt[120.0], ("+", Ohm[30.0], Ohm[10.0])))
    print("I =", i)
    for bad in ([1, 2], "x"):
        try:
            evaluate(bad)
        except TypeError as e:
            print("TypeError:", e)
    print(complex("1+2j") * 1j, (-8) ** 0.5 == complex(0, 8) ** 0.5 or "principal root", abs(3 + 4j))


main()
