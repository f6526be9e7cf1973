# pyish bench (al): the json module's C encoder and decoder on a big nested
# document (records with ints, floats, strings with escapes and non-ASCII
# text, lists, nested dicts, None/bools): json.dumps (compact, then
# indent + sort_keys) and json.loads, round trip checked each round.
import json

N = 6000
ROUNDS = 12


def make_doc(n):
    users = []
    for i in range(n):
        users.append({
            "id": i,
            "name": "user %d \"q\" caf\u00e9" % i,
            "score": i * 1.25 + 0.1,
            "tags": ["t%d" % (i % 7), "x\ny", "long tag text %d" % (i * 31 % 1000)],
            "active": i % 2 == 0,
            "parent": None if i % 3 else i // 3,
            "pos": {"x": i % 100, "y": -(i % 37), "z": [i, i * 2, i * 3]},
        })
    return {"users": users, "count": n, "version": "1.0"}


def main():
    doc = make_doc(N)
    total = 0
    for r in range(ROUNDS):
        text = json.dumps(doc)
        back = json.loads(text)
        if back != doc:
            raise SystemExit("round trip failed")
        pretty = json.dumps(back, indent=2, sort_keys=True)
        again = json.loads(pretty)
        if again["count"] != N:
            raise SystemExit("pretty round trip failed")
        total += len(text) + len(pretty) + len(again["users"][r]["tags"])
    print("json_dumps_loads", N, ROUNDS)
    print(total)


main()
