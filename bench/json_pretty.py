# pyish bench (ai): a JSON-like pretty printer and reader written in the
# language: nested dicts/lists/strings/floats are serialized with
# indentation, escapes and sorted keys (recursion, isinstance dispatch,
# str.join, repr of floats), then read back by a small recursive parser.
N = 150
ITEMS = 300


def dump(v, indent, level, out):
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(repr(v))
    elif isinstance(v, str):
        out.append(quote(v))
    elif isinstance(v, list):
        if not v:
            out.append("[]")
            return
        pad = "\n" + " " * (indent * (level + 1))
        out.append("[")
        first = True
        for x in v:
            if not first:
                out.append(",")
            first = False
            out.append(pad)
            dump(x, indent, level + 1, out)
        out.append("\n" + " " * (indent * level) + "]")
    elif isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        pad = "\n" + " " * (indent * (level + 1))
        out.append("{")
        first = True
        for k in sorted(v):
            if not first:
                out.append(",")
            first = False
            out.append(pad)
            out.append(quote(k))
            out.append(": ")
            dump(v[k], indent, level + 1, out)
        out.append("\n" + " " * (indent * level) + "}")
    else:
        raise TypeError("cannot serialize %r" % (v,))


ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def quote(s):
    parts = ['"']
    for c in s:
        e = ESC.get(c)
        if e is not None:
            parts.append(e)
        elif c < " ":
            parts.append("\\u%04x" % ord(c))
        else:
            parts.append(c)
    parts.append('"')
    return "".join(parts)


class Reader:
    def __init__(self, text):
        self.s = text
        self.i = 0

    def ws(self):
        s = self.s
        i = self.i
        while s[i] in " \n\t\r":
            i += 1
        self.i = i

    def value(self):
        self.ws()
        c = self.s[self.i]
        if c == "{":
            self.i += 1
            d = {}
            self.ws()
            if self.s[self.i] == "}":
                self.i += 1
                return d
            while True:
                self.ws()
                k = self.string()
                self.ws()
                self.i += 1  # ':'
                d[k] = self.value()
                self.ws()
                c = self.s[self.i]
                self.i += 1
                if c == "}":
                    return d
        if c == "[":
            self.i += 1
            lst = []
            self.ws()
            if self.s[self.i] == "]":
                self.i += 1
                return lst
            while True:
                lst.append(self.value())
                self.ws()
                c = self.s[self.i]
                self.i += 1
                if c == "]":
                    return lst
        if c == '"':
            return self.string()
        if self.s.startswith("null", self.i):
            self.i += 4
            return None
        if self.s.startswith("true", self.i):
            self.i += 4
            return True
        if self.s.startswith("false", self.i):
            self.i += 5
            return False
        j = self.i
        while self.s[j] in "+-0123456789.eE":
            j += 1
        tok = self.s[self.i:j]
        self.i = j
        if "." in tok or "e" in tok or "E" in tok:
            return float(tok)
        return int(tok)

    def string(self):
        s = self.s
        i = self.i + 1
        parts = []
        while True:
            c = s[i]
            if c == '"':
                break
            if c == "\\":
                n = s[i + 1]
                if n == "u":
                    parts.append(chr(int(s[i + 2:i + 6], 16)))
                    i += 6
                    continue
                parts.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}[n])
                i += 2
                continue
            parts.append(c)
            i += 1
        self.i = i + 1
        return "".join(parts)


def make_doc(seed):
    items = []
    for i in range(ITEMS):
        k = seed * 1000 + i
        items.append({
            "id": k,
            "name": "item \"%d\"\tof\n%d" % (i, seed),
            "price": (k % 977) / 7.0,
            "tags": ["t%d" % (k % 5), "u%d" % (k % 3)] if i % 4 else [],
            "active": i % 3 == 0,
            "parent": None if i % 7 else {"id": k - 1, "ratio": 1.0 / (i + 1)},
        })
    return {"seed": seed, "items": items, "meta": {"count": ITEMS, "ctl": "\x01\x1f"}}


def main():
    total = 0
    size = 0
    for seed in range(N):
        doc = make_doc(seed)
        out = []
        dump(doc, 2, 0, out)
        text = "".join(out)
        size += len(text)
        back = Reader(text).value()
        assert back == doc
        total = (total * 131 + len(text) + text.count("\n") + len(back["items"])) % 1000000007
    print("json_pretty", N, ITEMS, size)
    print(total)


main()
