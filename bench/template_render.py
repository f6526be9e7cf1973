# pyish bench (u): a text template renderer: parsing {{ name }} / {% for %}
# tags with str methods, rendering with dicts, f-strings and joins.
N = 40000

TEMPLATE = """<h1>{{ title }}</h1>
<ul>
{% for item in items %}  <li class="{{ item.kind }}">{{ item.name }}: {{ item.price }}</li>
{% endfor %}</ul>
<p>Total: {{ total }} ({{ count }} items)</p>
"""

def tokenize(src):
    out = []
    i = 0
    while i < len(src):
        j = src.find("{", i)
        if j < 0 or j + 1 >= len(src):
            out.append(("text", src[i:]))
            break
        if src[j + 1] in "{%":
            if j > i:
                out.append(("text", src[i:j]))
            close = "}}" if src[j + 1] == "{" else "%}"
            k = src.find(close, j + 2)
            kind = "var" if src[j + 1] == "{" else "tag"
            out.append((kind, src[j + 2:k].strip()))
            i = k + 2
        else:
            out.append(("text", src[i:j + 1]))
            i = j + 1
    return out

def lookup(ctx, path):
    v = ctx
    for part in path.split("."):
        v = v[part]
    return v

def render(tokens, ctx):
    out = []
    i = 0
    while i < len(tokens):
        kind, val = tokens[i]
        if kind == "text":
            out.append(val)
        elif kind == "var":
            out.append(str(lookup(ctx, val)))
        elif val.startswith("for "):
            _, name, _, seq = val.split()
            depth, j = 1, i + 1
            while depth:
                k2, v2 = tokens[j]
                if k2 == "tag" and v2.startswith("for "):
                    depth += 1
                elif k2 == "tag" and v2 == "endfor":
                    depth -= 1
                j += 1
            body = tokens[i + 1:j - 1]
            for x in lookup(ctx, seq):
                inner = dict(ctx)
                inner[name] = x
                out.append(render(body, inner))
            i = j
            continue
        i += 1
    return "".join(out)

tokens = tokenize(TEMPLATE)
h = 0
for n in range(N):
    items = [{"name": f"item{k}", "kind": "odd" if k % 2 else "even", "price": f"{k * 1.25:.2f}"}
             for k in range(n % 10 + 1)]
    ctx = {"title": f"Page {n}".upper(), "items": items, "count": len(items),
           "total": f"{sum(float(x['price']) for x in items):.2f}"}
    page = render(tokens, ctx)
    h = (h * 31 + len(page) + page.count("li")) % 1000000007
print("template_render: n=%d hash=%d" % (N, h))
