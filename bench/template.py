# pyish bench: text/template renderer.  Templates with {{name}},
# {{obj.field}}, {{name|upper}} and {% for x in list %}...{% endfor %} are
# tokenized with str.find/split and rendered against nested dicts; str
# methods, % and str.format formatting, dict lookups, string joins.
ROWS = 50000

TEMPLATE = """<h1>{{title|upper}}</h1>
<ul>{% for item in items %}
  <li class="{{item.kind}}">{{item.name|title}}: {{item.price}} x {{item.qty}} = {{item.total}}</li>{% endfor %}
</ul>
<p>{{footer|strip}}</p>"""


def tokenize(src):
    out = []
    i = 0
    while i < len(src):
        a = src.find("{{", i)
        b = src.find("{%", i)
        if a < 0 and b < 0:
            out.append(("text", src[i:]))
            break
        if b < 0 or (a >= 0 and a < b):
            if a > i:
                out.append(("text", src[i:a]))
            end = src.find("}}", a)
            out.append(("var", src[a + 2:end].strip()))
            i = end + 2
        else:
            if b > i:
                out.append(("text", src[i:b]))
            end = src.find("%}", b)
            out.append(("tag", src[b + 2:end].strip()))
            i = end + 2
    return out


def parse(tokens, pos, stop):
    nodes = []
    while pos < len(tokens):
        kind, val = tokens[pos]
        if kind == "tag":
            words = val.split()
            if words[0] == stop:
                return nodes, pos + 1
            if words[0] == "for":
                body, pos = parse(tokens, pos + 1, "endfor")
                nodes.append(("for", words[1], words[3], body))
                continue
        nodes.append((kind, val))
        pos += 1
    return nodes, pos


FILTERS = {
    "upper": lambda s: s.upper(),
    "title": lambda s: s.title(),
    "strip": lambda s: s.strip(),
}


def lookup(ctx, expr):
    parts = expr.split("|")
    path = parts[0].split(".")
    v = ctx[path[0]]
    for p in path[1:]:
        v = v[p]
    if isinstance(v, float):
        v = "%.2f" % v
    else:
        v = str(v)
    for f in parts[1:]:
        v = FILTERS[f](v)
    return v


def render(nodes, ctx, out):
    for node in nodes:
        kind = node[0]
        if kind == "text":
            out.append(node[1])
        elif kind == "var":
            out.append(lookup(ctx, node[1]))
        else:
            name = node[1]
            for x in ctx[node[2]]:
                inner = dict(ctx)
                inner[name] = x
                render(node[3], inner, out)


def main():
    kinds = ["tool", "food", "toy"]
    items = []
    for i in range(ROWS):
        price = (i * 37 % 1000) / 8.0
        qty = i % 7 + 1
        items.append({"name": "item number %d of %s" % (i, kinds[i % 3]),
                      "kind": kinds[i % 3], "price": price, "qty": qty,
                      "total": "{:.2f}".format(price * qty)})
    total = 0
    for r in range(4):
        ctx = {"title": "catalogue %d" % r, "items": items[r:],
               "footer": "   {} items, page {}   ".format(len(items) - r, r + 1)}
        nodes, _ = parse(tokenize(TEMPLATE), 0, None)
        out = []
        render(nodes, ctx, out)
        text = "".join(out)
        lines = text.splitlines()
        total = (total * 131 + len(text) + len(lines) + text.count("Toy")) % 1000000007
    print("template", ROWS)
    print(total, lines[1].strip(), lines[-1])


main()
