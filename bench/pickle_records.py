# pickle_records.py: the pickle module on builtin values, as a cache or a
# message queue uses it: dumps and loads of small records (dicts of str,
# int, float, bool, None, lists, tuples, bytes, a big int), one at a time
# and as a batch list, with protocols 2 and 4 (the default); every round
# trip is checked and the checksum sums fields (not pickle sizes: which
# equal str objects are shared, so memoized, differs between interpreters).
import pickle

N = 3000        # records
ROUNDS = 12


def make_record(i):
    return {
        'id': i,
        'name': 'user%05d' % i,
        'email': 'user%d@example.com' % i,
        'score': i * 0.75,
        'active': i % 3 != 0,
        'tags': ['t%d' % (i % 7), 't%d' % (i % 11)],
        'pos': (i % 100, i // 100),
        'parent': None if i % 5 else i - 1,
        'blob': b'\x00\x01' * (i % 9),
        'big': 10 ** 20 + i,
    }


def main():
    records = [make_record(i) for i in range(N)]
    total = 0
    for r in range(ROUNDS):
        proto = 4 if r % 3 else 2
        for rec in records:
            s = pickle.dumps(rec, proto)
            back = pickle.loads(s)
            if back != rec:
                raise SystemExit('round trip failed at %d' % rec['id'])
            total += len(back) + back['id'] + (len(s) > 40)
        batch = pickle.dumps(records[:500])
        back = pickle.loads(batch)
        if back != records[:500]:
            raise SystemExit('batch round trip failed')
        total += len(back) + (len(batch) > 1000)
    print(total)


main()
