# pyish bench: object-heavy constraint solver.  A network of Variable and
# Constraint objects (equality, scale-and-offset, sum) is planned and
# re-propagated by local propagation: many small objects, method calls
# through attributes, lists of objects, inheritance with overrides.
N = 60
ROUNDS = 480


class Variable:
    def __init__(self, name, value):
        self.name = name
        self.value = value
        self.constraints = []
        self.determined_by = None
        self.stamp = 0

    def add_constraint(self, c):
        self.constraints.append(c)


class Constraint:
    def __init__(self, strength):
        self.strength = strength
        self.satisfied = False

    def inputs(self):
        return []

    def output(self):
        return None

    def execute(self):
        pass

    def attach(self):
        for v in self.inputs():
            v.add_constraint(self)
        self.output().add_constraint(self)

    def is_input_of(self, v):
        for w in self.inputs():
            if w is v:
                return True
        return False


class Equal(Constraint):
    def __init__(self, src, dst, strength):
        Constraint.__init__(self, strength)
        self.src = src
        self.dst = dst
        self.attach()

    def inputs(self):
        return [self.src]

    def output(self):
        return self.dst

    def execute(self):
        self.dst.value = self.src.value


class Scale(Constraint):
    def __init__(self, src, scale, offset, dst, strength):
        Constraint.__init__(self, strength)
        self.src = src
        self.scale = scale
        self.offset = offset
        self.dst = dst
        self.attach()

    def inputs(self):
        return [self.src, self.scale, self.offset]

    def output(self):
        return self.dst

    def execute(self):
        self.dst.value = self.src.value * self.scale.value + self.offset.value


class Sum(Constraint):
    def __init__(self, a, b, dst, strength):
        Constraint.__init__(self, strength)
        self.a = a
        self.b = b
        self.dst = dst
        self.attach()

    def inputs(self):
        return [self.a, self.b]

    def output(self):
        return self.dst

    def execute(self):
        self.dst.value = (self.a.value + self.b.value) % 1000003


class Planner:
    def __init__(self):
        self.stamp = 0
        self.constraints = []

    def add(self, c):
        self.constraints.append(c)

    def plan_from(self, sources):
        # breadth-first walk downstream from the changed variables; each
        # constraint fires once all its inputs are fresh in this round
        self.stamp += 1
        stamp = self.stamp
        todo = []
        for v in sources:
            v.stamp = stamp
            todo.append(v)
        plan = []
        i = 0
        while i < len(todo):
            v = todo[i]
            i += 1
            for c in v.constraints:
                out = c.output()
                if out is v or out.stamp == stamp:
                    continue
                ready = True
                for w in c.inputs():
                    if w.stamp != stamp and w.determined_by is not None:
                        ready = False
                        break
                if ready:
                    out.stamp = stamp
                    out.determined_by = c
                    c.satisfied = True
                    plan.append(c)
                    todo.append(out)
        return plan

    def run(self, plan):
        for c in plan:
            c.execute()


def build(n):
    planner = Planner()
    scale = Variable("scale", 3)
    offset = Variable("offset", 7)
    chain = [Variable("v0", 1)]
    for i in range(1, n):
        chain.append(Variable("v%d" % i, 0))
    for i in range(1, n):
        prev = chain[i - 1]
        cur = chain[i]
        if i % 3 == 0:
            mid = Variable("m%d" % i, 0)
            planner.add(Scale(prev, scale, offset, mid, 2))
            planner.add(Equal(mid, cur, 1))
        elif i % 3 == 1:
            planner.add(Equal(prev, cur, 1))
        else:
            planner.add(Sum(prev, chain[i // 2], cur, 1))
    for c in planner.constraints:
        c.output().determined_by = c
    return planner, chain, scale, offset


def main():
    total = 0
    for r in range(ROUNDS):
        planner, chain, scale, offset = build(N)
        for k in range(40):
            chain[0].value = (r * 40 + k) % 97
            scale.value = 1 + k % 5
            plan = planner.plan_from([chain[0], scale, offset])
            planner.run(plan)
            total = (total * 31 + chain[-1].value + len(plan)) % 1000000007
    print("constraints", N, ROUNDS)
    print(total)


main()
