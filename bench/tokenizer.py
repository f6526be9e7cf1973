# pyish bench (ah): a tokenizer and recursive-descent parser written in the
# language: an arithmetic/assignment language is tokenized character by
# character (str methods, slicing, dict keyword table), parsed into tuples
# and evaluated with a dict environment; many small strings and tuples.
N = 2400

KEYWORDS = {"let": "LET", "print": "PRINT", "if": "IF", "else": "ELSE"}
OPS = "+-*/%()=<>;{},"


def tokenize(src):
    toks = []
    i = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif c.isdigit():
            j = i
            while j < n and src[j].isdigit():
                j += 1
            toks.append(("NUM", int(src[i:j])))
            i = j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            word = src[i:j]
            toks.append((KEYWORDS.get(word, "NAME"), word))
            i = j
        elif c in OPS:
            if c in "<>=" and i + 1 < n and src[i + 1] == "=":
                toks.append(("OP", src[i:i + 2]))
                i += 2
            else:
                toks.append(("OP", c))
                i += 1
        else:
            raise SyntaxError("bad character %r" % c)
    toks.append(("EOF", None))
    return toks


class Parser:
    def __init__(self, toks):
        self.toks = toks
        self.pos = 0

    def peek(self):
        return self.toks[self.pos]

    def take(self, kind=None, val=None):
        t = self.toks[self.pos]
        if kind is not None and t[0] != kind:
            raise SyntaxError("expected %s, got %s" % (kind, t[0]))
        if val is not None and t[1] != val:
            raise SyntaxError("expected %s, got %s" % (val, t[1]))
        self.pos += 1
        return t

    def program(self):
        stmts = []
        while self.peek()[0] != "EOF":
            stmts.append(self.statement())
        return stmts

    def block(self):
        self.take("OP", "{")
        stmts = []
        while self.peek()[1] != "}":
            stmts.append(self.statement())
        self.take("OP", "}")
        return stmts

    def statement(self):
        kind = self.peek()[0]
        if kind == "LET":
            self.take()
            name = self.take("NAME")[1]
            self.take("OP", "=")
            e = self.expr()
            self.take("OP", ";")
            return ("let", name, e)
        if kind == "PRINT":
            self.take()
            e = self.expr()
            self.take("OP", ";")
            return ("print", e)
        if kind == "IF":
            self.take()
            cond = self.expr()
            then = self.block()
            other = []
            if self.peek()[0] == "ELSE":
                self.take()
                other = self.block()
            return ("if", cond, then, other)
        raise SyntaxError("unexpected %r" % (self.peek(),))

    def expr(self):
        left = self.arith()
        while self.peek()[1] in ("<", ">", "<=", ">=", "=="):
            op = self.take()[1]
            left = ("bin", op, left, self.arith())
        return left

    def arith(self):
        left = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            left = ("bin", op, left, self.term())
        return left

    def term(self):
        left = self.factor()
        while self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            left = ("bin", op, left, self.factor())
        return left

    def factor(self):
        t = self.take()
        if t[0] == "NUM":
            return ("num", t[1])
        if t[0] == "NAME":
            return ("var", t[1])
        if t[1] == "(":
            e = self.expr()
            self.take("OP", ")")
            return e
        if t[1] == "-":
            return ("neg", self.factor())
        raise SyntaxError("unexpected %r" % (t,))


def evaluate(e, env):
    kind = e[0]
    if kind == "num":
        return e[1]
    if kind == "var":
        return env[e[1]]
    if kind == "neg":
        return -evaluate(e[1], env)
    op = e[1]
    a = evaluate(e[2], env)
    b = evaluate(e[3], env)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a // b if b else 0
    if op == "%":
        return a % b if b else 0
    if op == "<":
        return int(a < b)
    if op == ">":
        return int(a > b)
    if op == "<=":
        return int(a <= b)
    if op == ">=":
        return int(a >= b)
    return int(a == b)


def execute(stmts, env, out):
    for s in stmts:
        if s[0] == "let":
            env[s[1]] = evaluate(s[2], env)
        elif s[0] == "print":
            out.append(evaluate(s[1], env))
        elif evaluate(s[1], env):
            execute(s[2], env, out)
        else:
            execute(s[3], env, out)


def make_source(seed):
    lines = ["let x0 = %d;" % (seed % 97)]
    for i in range(1, 40):
        a = (seed * 31 + i * 17) % 50
        lines.append("let x%d = (x%d * %d + %d) %% 1000 - -%d;" % (i, i - 1, a + 2, i, a))
        if i % 5 == 0:
            lines.append("if x%d > %d { print x%d * 2; } else { let x%d = x%d + 1; print x%d; }"
                         % (i, a * 10, i, i, i, i))
    lines.append("print x39 + x20 * (x10 - x5) / (x3 + 1);")
    return "\n".join(lines)


def main():
    total = 0
    ntoks = 0
    for seed in range(N):
        src = make_source(seed)
        toks = tokenize(src)
        ntoks += len(toks)
        prog = Parser(toks).program()
        out = []
        execute(prog, {}, out)
        for v in out:
            total = (total * 31 + v) % 1000000007
    print("tokenizer", N, ntoks)
    print(total)


main()
