# pyish bench (ak): json.dumps and json.loads of a nested document (dicts,
# lists, strings with escapes and non-ASCII text, ints, floats, booleans,
# None), compact and with sort_keys, round-trip checked.
import json

N = 60
ITEMS = 400


def make_doc(seed):
    items = []
    for i in range(ITEMS):
        k = seed * 1000 + i
        items.append({
            "id": k,
            "name": "item \"%d\" of\tgroup %d – café" % (i, seed),
            "price": (k % 977) / 7.0,
            "tags": ["t%d" % (k % 5), "u%d" % (k % 3)],
            "active": i % 3 == 0,
            "parent": None if i % 7 else {"id": k - 1, "ratio": 1.0 / (i + 1)},
        })
    return {"seed": seed, "items": items, "meta": {"count": ITEMS, "big": 2 ** 70}}


def main():
    total = 0
    size = 0
    for seed in range(N):
        doc = make_doc(seed)
        s1 = json.dumps(doc)
        s2 = json.dumps(doc, sort_keys=True, ensure_ascii=False)
        back = json.loads(s1)
        assert back == doc
        assert json.loads(s2) == doc
        size += len(s1) + len(s2)
        total = (total * 131 + len(s1) + s2.count("é") + len(back["items"])) % 1000000007
    print("json_codec", N, ITEMS, size)
    print(total)


main()
