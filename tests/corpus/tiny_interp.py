"""A tiny interpreter for a small expression language with variables,
functions, conditionals and closures: tokenizer, recursive-descent parser
producing node objects, and a tree-walking evaluator with environments."""


class Token:
    __slots__ = ("kind", "text", "pos")

    def __init__(self, kind, text, pos):
        self.kind = kind
        self.text = text
        self.pos = pos

    def __repr__(self):
        return f"Token({self.kind}, {self.text!r}, {self.pos})"


class LangError(Exception):
    def __init__(self, message, pos=None):
        super().__init__(message if pos is None else f"{message} at {pos}")
        self.pos = pos


KEYWORDS = {"let", "in", "if", "then", "else", "fun", "and", "or", "not", "true", "false"}
OPERATORS = ["==", "!=", "<=", ">=", "->", "+", "-", "*", "/", "%", "<", ">", "(", ")", ",", "="]


def tokenize(source):
    tokens = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            while i < n and source[i] != "\n":
                i += 1
        elif ch.isdigit():
            start = i
            while i < n and (source[i].isdigit() or source[i] == "."):
                i += 1
            tokens.append(Token("num", source[start:i], start))
        elif ch.isalpha() or ch == "_":
            start = i
            while i < n and (source[i].isalnum() or source[i] == "_"):
                i += 1
            word = source[start:i]
            tokens.append(Token("kw" if word in KEYWORDS else "name", word, start))
        elif ch == '"':
            start = i
            i += 1
            chars = []
            while i < n and source[i] != '"':
                if source[i] == "\\" and i + 1 < n:
                    i += 1
                    chars.append({"n": "\n", "t": "\t"}.get(source[i], source[i]))
                else:
                    chars.append(source[i])
                i += 1
            if i >= n:
                raise LangError("unterminated string", start)
            i += 1
            tokens.append(Token("str", "".join(chars), start))
        else:
            for op in OPERATORS:
                if source.startswith(op, i):
                    tokens.append(Token("op", op, i))
                    i += len(op)
                    break
            else:
                raise LangError(f"unexpected character {ch!r}", i)
    tokens.append(Token("eof", "", n))
    return tokens


class Node:
    fields = ()

    def __init__(self, *args):
        if len(args) != len(self.fields):
            raise TypeError(f"{type(self).__name__} takes {len(self.fields)} arguments")
        for name, value in zip(self.fields, args):
            setattr(self, name, value)

    def __repr__(self):
        inner = ", ".join(repr(getattr(self, f)) for f in self.fields)
        return f"{type(self).__name__}({inner})"


class Num(Node):
    fields = ("value",)


class Str(Node):
    fields = ("value",)


class Var(Node):
    fields = ("name",)


class BinOp(Node):
    fields = ("op", "left", "right")


class Unary(Node):
    fields = ("op", "operand")


class Let(Node):
    fields = ("name", "value", "body")


class If(Node):
    fields = ("cond", "then", "otherwise")


class Fun(Node):
    fields = ("params", "body")


class Call(Node):
    fields = ("func", "args")


class Parser:
    PRECEDENCE = [("or",), ("and",), ("==", "!=", "<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%")]

    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    @property
    def current(self):
        return self.tokens[self.pos]

    def advance(self):
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def check(self, text):
        tok = self.current
        return tok.kind in ("op", "kw") and tok.text == text

    def expect(self, text):
        if not self.check(text):
            raise LangError(f"expected {text!r}, found {self.current.text or 'end'!r}", self.current.pos)
        return self.advance()

    def parse(self):
        node = self.expression()
        if self.current.kind != "eof":
            raise LangError(f"unexpected {self.current.text!r}", self.current.pos)
        return node

    def expression(self):
        if self.check("let"):
            self.advance()
            name = self.advance()
            if name.kind != "name":
                raise LangError("expected a name after let", name.pos)
            self.expect("=")
            value = self.expression()
            self.expect("in")
            return Let(name.text, value, self.expression())
        if self.check("if"):
            self.advance()
            cond = self.expression()
            self.expect("then")
            then = self.expression()
            self.expect("else")
            return If(cond, then, self.expression())
        if self.check("fun"):
            self.advance()
            params = []
            while self.current.kind == "name":
                params.append(self.advance().text)
            self.expect("->")
            return Fun(tuple(params), self.expression())
        return self.binary(0)

    def binary(self, level):
        if level == len(self.PRECEDENCE):
            return self.unary()
        left = self.binary(level + 1)
        while self.current.text in self.PRECEDENCE[level] and self.current.kind in ("op", "kw"):
            op = self.advance().text
            left = BinOp(op, left, self.binary(level + 1))
        return left

    def unary(self):
        if self.check("-") or self.check("not"):
            op = self.advance().text
            return Unary(op, self.unary())
        return self.call()

    def call(self):
        node = self.primary()
        while self.check("("):
            self.advance()
            args = []
            if not self.check(")"):
                args.append(self.expression())
                while self.check(","):
                    self.advance()
                    args.append(self.expression())
            self.expect(")")
            node = Call(node, args)
        return node

    def primary(self):
        tok = self.advance()
        if tok.kind == "num":
            return Num(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "str":
            return Str(tok.text)
        if tok.kind == "name":
            return Var(tok.text)
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Num(tok.text == "true")
        if tok.kind == "op" and tok.text == "(":
            node = self.expression()
            self.expect(")")
            return node
        raise LangError(f"unexpected {tok.text or 'end of input'!r}", tok.pos)


class Env:
    def __init__(self, values=None, parent=None):
        self.values = dict(values or {})
        self.parent = parent

    def lookup(self, name):
        env = self
        while env is not None:
            if name in env.values:
                return env.values[name]
            env = env.parent
        raise LangError(f"undefined variable {name!r}")

    def child(self, values):
        return Env(values, self)


class Closure:
    def __init__(self, params, body, env):
        self.params = params
        self.body = body
        self.env = env

    def __repr__(self):
        return f"<fun/{len(self.params)}>"


BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if isinstance(a, float) or isinstance(b, float) else a // b,
    "%": lambda a, b: a % b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class Interpreter:
    def __init__(self):
        self.steps = 0
        self.globals = Env({
            "print": self.builtin_print,
            "len": len,
            "str": str,
            "max": max,
        })
        self.output = []

    def builtin_print(self, *args):
        self.output.append(" ".join(str(a) for a in args))
        return args[-1] if args else None

    def evaluate(self, node, env):
        self.steps += 1
        kind = type(node)
        if kind is Num or kind is Str:
            return node.value
        elif kind is Var:
            return env.lookup(node.name)
        elif kind is Unary:
            value = self.evaluate(node.operand, env)
            return -value if node.op == "-" else not value
        elif kind is BinOp:
            if node.op == "and":
                return self.evaluate(node.left, env) and self.evaluate(node.right, env)
            if node.op == "or":
                return self.evaluate(node.left, env) or self.evaluate(node.right, env)
            left = self.evaluate(node.left, env)
            right = self.evaluate(node.right, env)
            try:
                return BINARY[node.op](left, right)
            except ZeroDivisionError:
                raise LangError("division by zero") from None
            except TypeError as exc:
                raise LangError(f"bad operands for {node.op}: {exc}") from exc
        elif kind is Let:
            value = self.evaluate(node.value, env)
            inner = env.child({node.name: value})
            if isinstance(value, Closure) and isinstance(node.value, Fun):
                value.env = inner
            return self.evaluate(node.body, inner)
        elif kind is If:
            branch = node.then if self.evaluate(node.cond, env) else node.otherwise
            return self.evaluate(branch, env)
        elif kind is Fun:
            return Closure(node.params, node.body, env)
        elif kind is Call:
            func = self.evaluate(node.func, env)
            args = [self.evaluate(arg, env) for arg in node.args]
            if isinstance(func, Closure):
                if len(args) != len(func.params):
                    raise LangError(f"expected {len(func.params)} arguments, got {len(args)}")
                return self.evaluate(func.body, func.env.child(dict(zip(func.params, args))))
            if callable(func):
                return func(*args)
            raise LangError(f"{func!r} is not callable")
        raise LangError(f"unknown node {node!r}")

    def run(self, source):
        tree = Parser(tokenize(source)).parse()
        return self.evaluate(tree, self.globals)


PROGRAMS = [
    "1 + 2 * 3",
    "(1 + 2) * 3 - -4",
    "7 / 2 + 7.0 / 2",
    'let greeting = "hello" in greeting + ", " + "world"',
    "let x = 5 in let y = x * 2 in x + y",
    "if 3 > 2 and not false then 10 else 20",
    "let sq = fun n -> n * n in sq(12)",
    "let fact = fun n -> if n <= 1 then 1 else n * fact(n - 1) in fact(20)",
    "let fib = fun n -> if n < 2 then n else fib(n - 1) + fib(n - 2) in fib(15)",
    "let add = fun a -> fun b -> a + b in let add5 = add(5) in add5(10)",
    "let compose = fun f g -> fun x -> f(g(x)) in compose(fun x -> x + 1, fun x -> x * 2)(5)",
    'print("len", len("abcdef"), max(3, 9, 4))',
    "1 / 0",
    "undefined_name + 1",
    "let f = fun a b -> a in f(1)",
    "1 +",
    '"unterminated',
    "3 $ 4",
    '"a" - 1',
]


def main():
    interp = Interpreter()
    for source in PROGRAMS:
        try:
            result = interp.run(source)
            print(f"{source!r:70} => {result!r}")
        except LangError as exc:
            print(f"{source!r:70} !! {exc}")
    print(interp.output, interp.steps > 1000)
    print(Parser(tokenize("let a = 1 in a + 2")).parse())
    print(tokenize("f(x, 2.5)")[:3])


if __name__ == "__main__":
    main()
