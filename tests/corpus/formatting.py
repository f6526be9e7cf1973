"""String formatting: f-strings with conversions and format specs,
str.format, the % operator, string methods, and a report table."""

products = [
    ("Widget", 4, 3.5),
    ("Gadget", 12, 12.25),
    ("Doohickey", 1, 199.99),
    ("Thingamajig", 100, 0.05),
]


def money(amount):
    return f"${amount:,.2f}"


def report(rows):
    header = f"{'Item':<12}|{'Qty':>5}|{'Price':>10}|{'Total':>12}"
    lines = [header, "-" * len(header)]
    grand = 0.0
    for name, qty, price in rows:
        total = qty * price
        grand += total
        lines.append(f"{name:<12}|{qty:>5d}|{price:>10.2f}|{money(total):>12}")
    lines.append("=" * len(header))
    lines.append(f"{'TOTAL':<12}|{'':>5}|{'':>10}|{money(grand):>12}")
    return "\n".join(lines)


def number_formats(n):
    return [
        f"{n:d}", f"{n:5d}", f"{n:<5d}|", f"{n:^7d}", f"{n:05d}", f"{n:+d}",
        f"{n:x}", f"{n:X}", f"{n:#x}", f"{n:o}", f"{n:#o}", f"{n:b}", f"{n:#b}",
        f"{n:,}", f"{n:_}", f"{n:e}", f"{n:.3e}", f"{n * 1.0:g}",
    ]


def float_formats(x):
    return [
        f"{x}", f"{x:.0f}", f"{x:.3f}", f"{x:10.2f}|", f"{x:<10.1f}|",
        f"{x:*^12.2f}", f"{x:%}", f"{x:.1%}", f"{x:g}", f"{x:.2g}", f"{x:e}",
        "%.2f" % x, "%8.3f|" % x, "%-8.1f|" % x, "%e" % x, "%g" % x,
    ]


def string_formats(s):
    width = 10
    return [
        f"[{s}]", f"[{s!r}]", f"[{s!s}]", f"[{s:>10}]", f"[{s:<10}]",
        f"[{s:^10}]", f"[{s:-^10}]", f"[{s:.3}]", f"[{s:>{width}}]",
        "[%s]" % s, "[%r]" % s, "[%10s]" % s, "[%-10s]" % s,
        "[{}]".format(s), "[{0}{0}]".format(s), "[{name}]".format(name=s),
        "[{:>8}]".format(s), "[{0!r:^12}]".format(s),
    ]


class Temperature:
    def __init__(self, celsius):
        self.celsius = celsius

    def __format__(self, spec):
        if spec.endswith("F"):
            value = self.celsius * 9 / 5 + 32
            return format(value, spec[:-1] or ".1f") + "°F"
        return format(self.celsius, spec or ".1f") + "°C"

    def __str__(self):
        return f"{self:.1f}"

    def __repr__(self):
        return f"Temperature({self.celsius!r})"


def string_methods():
    s = "  Hello, World! Hello, Python.  "
    t = s.strip()
    return {
        "strip": t,
        "lower": t.lower(),
        "upper": t.upper(),
        "title": "the old man and the sea".title(),
        "capitalize": "python".capitalize(),
        "swapcase": "PyIsh".swapcase(),
        "count": t.count("Hello"),
        "find": (t.find("World"), t.find("xyz"), t.rfind("Hello")),
        "index": t.index("Python"),
        "replace": t.replace("Hello", "Bye", 1),
        "split": t.split(", "),
        "rsplit": "a.b.c.d".rsplit(".", 1),
        "splitlines": "one\ntwo\r\nthree".splitlines(),
        "join": "-".join(["2024", "01", "15"]),
        "startswith": (t.startswith("Hello"), t.endswith(("?", "."))),
        "partition": "key=value=x".partition("="),
        "rpartition": "key=value=x".rpartition("="),
        "pad": ("42".zfill(5), "ab".center(6, "*"), "ab".ljust(4, "."), "ab".rjust(4)),
        "tests": ("123".isdigit(), "abc".isalpha(), "a1".isalnum(), "  ".isspace(),
                  "Title Case".istitle(), "lower".islower(), "UP".isupper()),
        "strip_chars": "xxhixx".strip("x") + "|" + "--a--".lstrip("-") + "|" + "--a--".rstrip("-"),
        "expandtabs": "a\tb".expandtabs(4),
        "encode_len": len("héllo"),
        "slicing": (t[:5], t[-7:], t[::-1][:6], t[7:12]),
    }


def escapes():
    return [
        "tab:\tend", "newline:\\n", 'single \'quoted\'', "double \"quoted\"",
        "hex: \x41\x42", "unicode: \u00e9\u00e8", "wide: \U0001F600",
        "octal: \101\102", "null: [\0]", r"raw: \n\t\d+", "bell-free \a".replace("\a", "!"),
        """triple "double" quotes""", '''triple 'single' quotes''',
        "implicit " "concatenation " 'of ' "literals",
        "backslash \
continued",
    ]


def main():
    print(report(products))
    print(number_formats(255))
    print(number_formats(-1234567))
    print(float_formats(3.14159))
    print(float_formats(-0.000123))
    print(string_formats("pyish"))
    t = Temperature(21.5)
    print(f"{t}", f"{t:.0f}", f"{t:F}", f"{t:.2F}", str(t), repr(t), format(t, ".3"))
    for key, value in string_methods().items():
        print(f"{key:>12}: {value!r}")
    for e in escapes():
        print(repr(e), len(e))
    name, age, ratio = "Ada", 36, 2 / 3
    print(f"{name} is {age} years old; ratio {ratio:.4f}")
    print("%s is %d years old; ratio %.4f" % (name, age, ratio))
    print("{} is {} years old; ratio {:.4f}".format(name, age, ratio))
    print("%(name)s/%(age)03d" % {"name": name, "age": age})
    print("{0[0]} {1[key]} {2.celsius}".format([1, 2], {"key": "v"}, t))
    print(f"{'nested ' + name.upper()}", f"{[x * 2 for x in range(3)]}", f"{ {'a': 1}['a'] }")
    print(f"{{literal braces}} {age // 10}{{}}")
    print(f"""multi
line {name!r:>8} f-string""")
    print(rf"raw f-string \d {name}", fr"\w{age}")
    print("%5.1f%%" % 99.5, "%c%c" % (72, "i"), "%x %o %X" % (255, 8, 3054))
    print(repr(1e16), repr(1.5e-7), repr(0.1 + 0.2), str(1 / 3), repr(-0.0), 10 / 4, 2 ** 0.5)
    print(str(123456789 ** 3), hex(2 ** 70), int("ff", 16), int("0b101", 0), float("1e3"))


if __name__ == "__main__":
    main()
