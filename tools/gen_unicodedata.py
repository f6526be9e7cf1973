#!/usr/bin/env python3
# Writes runtime/unicodedata_tables.h from /usr/bin/python3's unicodedata
# (Unicode 14.0.0 in Python 3.11): per-code-point records (category,
# bidirectional class, combining class, east asian width, mirrored) as runs,
# decompositions, canonical composition pairs and numeric values, for
# runtime/mod_unicodedata.c. Run: python3 tools/gen_unicodedata.py
import sys
import unicodedata as u

assert u.unidata_version == '14.0.0', u.unidata_version
cats, bidis, eaws, recs, runs = [], [], [], {}, []

def idx(lst, v):
    if v not in lst:
        lst.append(v)
    return lst.index(v)

prev = None
for c in range(0x110000):
    ch = chr(c)
    r = (idx(cats, u.category(ch)), idx(bidis, u.bidirectional(ch)), u.combining(ch),
         idx(eaws, u.east_asian_width(ch)), u.mirrored(ch))
    ri = recs.setdefault(r, len(recs))
    if ri != prev:
        runs.append((c, ri))
        prev = ri

tags, decomp, pool = [''], [], []
for c in range(0x110000):
    d = u.decomposition(chr(c))
    if not d:
        continue
    parts = d.split()
    tag = parts[0] if parts[0].startswith('<') else ''
    cps = [int(p, 16) for p in (parts[1:] if tag else parts)]
    decomp.append((c, idx(tags, tag), len(pool), len(cps)))
    pool.extend(cps)

comp = []
for c, t, off, n in decomp:
    if t == 0 and n == 2 and u.normalize('NFC', chr(c)) == chr(c):
        comp.append((pool[off], pool[off + 1], c))
comp.sort()

nums = []
for c in range(0x110000):
    ch = chr(c)
    v = u.numeric(ch, None)
    if v is None:
        continue
    nums.append((c, repr(v), u.decimal(ch, -1), u.digit(ch, -1)))

o = []
w = o.append
w('// unicodedata_tables.h: Unicode 14.0.0 data for mod_unicodedata.c, written by')
w('// tools/gen_unicodedata.py from Python 3.11\'s unicodedata. Do not edit.')
w('#ifndef PYISH_UNICODEDATA_TABLES_H\n#define PYISH_UNICODEDATA_TABLES_H\n#include <stdint.h>\n')
w('static const char *const ud_cat_names[] = {%s};' % ', '.join('"%s"' % x for x in cats))
w('static const char *const ud_bidi_names[] = {%s};' % ', '.join('"%s"' % x for x in bidis))
w('static const char *const ud_eaw_names[] = {%s};' % ', '.join('"%s"' % x for x in eaws))
w('static const char *const ud_tag_names[] = {%s};' % ', '.join('"%s"' % x for x in tags))
w('typedef struct UdRec { uint8_t cat, bidi, ccc, eaw, mirrored; } UdRec;')
w('static const UdRec ud_recs[] = {')
for r, i in sorted(recs.items(), key=lambda kv: kv[1]):
    w('    {%d, %d, %d, %d, %d},' % r)
w('};')
w('// (first code point, record): the record holds up to the next run')
w('static const uint32_t ud_runs[][2] = {')
for i in range(0, len(runs), 6):
    w('    ' + ' '.join('{0x%x, %d},' % r for r in runs[i:i + 6]))
w('};')
w('// (code point, tag, offset in ud_decomp_pool, length)')
w('static const uint32_t ud_decomp[][4] = {')
for i in range(0, len(decomp), 4):
    w('    ' + ' '.join('{0x%x, %d, %d, %d},' % d for d in decomp[i:i + 4]))
w('};')
w('static const uint32_t ud_decomp_pool[] = {')
for i in range(0, len(pool), 10):
    w('    ' + ' '.join('0x%x,' % p for p in pool[i:i + 10]))
w('};')
w('// canonical composition: (first, second, composite), sorted')
w('static const uint32_t ud_comp[][3] = {')
for i in range(0, len(comp), 4):
    w('    ' + ' '.join('{0x%x, 0x%x, 0x%x},' % t for t in comp[i:i + 4]))
w('};')
w('typedef struct UdNum { uint32_t cp; double value; int8_t decimal, digit; } UdNum;')
w('static const UdNum ud_nums[] = {')
for i in range(0, len(nums), 3):
    w('    ' + ' '.join('{0x%x, %s, %d, %d},' % n for n in nums[i:i + 3]))
w('};\n#endif')
out = sys.argv[1] if len(sys.argv) > 1 else 'runtime/unicodedata_tables.h'
with open(out, 'w') as f:
    f.write('\n'.join(o) + '\n')
