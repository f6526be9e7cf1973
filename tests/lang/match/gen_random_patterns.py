# Writes random_patterns.pyish (run: python3 gen_random_patterns.py); its .out
# comes from python3 as for every test.
import random
random.seed(1234)
NAMES = list("abcdefgh")
LITS = ["0", "1", "2", "-1", "'x'", "'y'", "None", "True", "False", "1.5", "2j", "b'z'"]
def anyval(d=0):
    r = random.random()
    if d > 2 or r < 0.5:
        return random.choice(LITS + ["'xy'", "3"])
    if r < 0.7:
        return "[" + ", ".join(anyval(d+1) for _ in range(random.randint(0, 3))) + "]"
    if r < 0.85:
        return "{" + ", ".join(f"{k}: {anyval(d+1)}" for k in random.sample(["'k1'", "'k2'", "1"], random.randint(0, 2))) + "}"
    return f"P({anyval(d+1)}, {anyval(d+1)})"
class Gen:
    def __init__(self):
        self.used = set()
    def name(self):
        free = [n for n in NAMES if n not in self.used]
        if not free:
            return "_"
        n = random.choice(free)
        self.used.add(n)
        return n
    # returns (pattern, a value it matches)
    def pat(self, depth=0, names=True):
        r = random.random()
        if depth > 2 or r < 0.3:
            c = random.random()
            if c < 0.5:
                l = random.choice(LITS)
                return l, l
            if c < 0.8 and names:
                return self.name(), anyval(depth)
            return "_", anyval(depth)
        if r < 0.5:
            items, vals, star = [], [], False
            for _ in range(random.randint(0, 4)):
                if not star and random.random() < 0.2:
                    star = True
                    items.append("*" + (self.name() if names and random.random() < 0.6 else "_"))
                    vals.extend(anyval(depth+1) for _ in range(random.randint(0, 2)))
                else:
                    p, v = self.pat(depth+1, names)
                    items.append(p); vals.append(v)
            seq = "[" + ", ".join(items) + "]" if random.random() < 0.5 else "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
            val = "[" + ", ".join(vals) + "]" if random.random() < 0.5 else "(" + ", ".join(vals) + ("," if len(vals) == 1 else "") + ")"
            return seq, val
        if r < 0.65:
            keys = random.sample(["'k1'", "'k2'", "'k3'", "1"], random.randint(0, 3))
            body, vb = [], []
            for k in keys:
                p, v = self.pat(depth+1, names)
                body.append(f"{k}: {p}"); vb.append(f"{k}: {v}")
            if random.random() < 0.4:
                vb.append(f"'extra': {anyval(depth+1)}")
            if names and random.random() < 0.3:
                n = self.name()
                if n != "_":
                    body.append("**" + n)
            return "{" + ", ".join(body) + "}", "{" + ", ".join(vb) + "}"
        if r < 0.8:
            p1, v1 = self.pat(depth+1, names)
            if random.random() < 0.5:
                p2, v2 = self.pat(depth+1, names)
                return f"P({p1}, {p2})", f"P({v1}, {v2})"
            return f"P(y={p1})", f"P({anyval(depth+1)}, {v1})"
        if r < 0.9:
            alts = [self.pat(depth+1, False) for _ in range(random.randint(2, 3))]
            k = random.randrange(len(alts))
            return "(" + " | ".join(a for a, _ in alts) + ")", alts[k][1]
        p, v = self.pat(depth+1, names)
        if names:
            n = self.name()
            if n != "_":
                return f"({p} as {n})", v
        return p, v

out = ["# generated with random.seed(1234) (random patterns, random and matching",
       "# subjects); the expected output is CPython's",
       "class P:", "    __match_args__ = ('x', 'y')", "    def __init__(self, x, y):", "        self.x, self.y = x, y",
       "    def __repr__(self):", "        return f'P({self.x!r}, {self.y!r})'", ""]
for i in range(150):
    cases = []
    subjects = []
    for _ in range(random.randint(1, 5)):
        g = Gen()
        p, v = g.pat()
        cases.append((p, sorted(g.used)))
        subjects.append(v)
    subjects += [anyval() for _ in range(2)]
    fn = f"f{i}"
    while True:
        lines = [f"def {fn}(v):", "    match v:"]
        for j, (p, names) in enumerate(cases):
            lines.append(f"        case {p}:")
            lines.append(f"            return ({j}, {{{', '.join(repr(n) + ': ' + n for n in names)}}})")
        lines.append("    return None")
        try:
            compile("\n".join(lines), "t", "exec")
            break
        except SyntaxError:
            cases = cases[1:] or [("0", [])]
    out.extend(lines)
    out.append(f"for v in [{', '.join(subjects)}]:")
    out.append(f"    print({i}, repr(v), {fn}(v))")
open("random_patterns.pyish", "w").write("\n".join(out) + "\n")
