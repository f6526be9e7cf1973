// set.c: set and frozenset. Their table is CPython's (setobject.c's
// algorithm: a probe looks at LINEAR_PROBES neighbouring slots before
// jumping with the perturbed hash, deletions leave dummies, the table grows
// at 60% fill), and every method and operator does CPython's table
// operations in CPython's order, so that a set of ints, floats or tuples of
// them iterates, prints and pops in CPython's order. CPython's order for
// str, bytes, None and plain objects depends on a per-run hash seed or on
// addresses, so no program can rely on it; for sets holding such elements
// pyish keeps insertion order, what such programs mostly saw when their
// expected output was recorded (objects made one after another sit in
// neighbouring slots). The slots therefore hold indexes into an array of
// entries in insertion order (ObjSet in object.h). Holds the table, the
// methods, the operators | & - ^ (and their in-place forms), the subset
// comparisons, frozenset's hash and the set iterator.
#include "containers.h"
#include "runtime.h"
#include "gc.h"


#define LINEAR_PROBES 9
#define PERTURB_SHIFT 5
#define MINSIZE 8
#define SLOT_UNUSED (-1)
#define SLOT_DUMMY (-2)

// ---- the table

// The slot mask (a set that never held anything acts as 8 unused slots).
static inline size_t smask(const ObjSet *s) {
    return s->slots ? s->mask : MINSIZE - 1;
}

static size_t cap_for(size_t size) {
    return size * 3 / 5 + 1;    // the most live slots before a resize
}

static void *alloc_array(size_t n, size_t elem) {
    size_t bytes;
    if (!mem_size(n, elem, 0, &bytes)) {
        return NULL;
    }
    return mem_try_alloc(bytes);
}

// A table is one block: [size] slots (all unused here), then room for
// [cap] entries. False: MemoryError.
static bool block_new(size_t size, size_t cap, int32_t **slots, SetEntry **entries) {
    size_t bytes;
    if (!mem_size(cap, sizeof(SetEntry), size * sizeof(int32_t), &bytes)) {
        return false;
    }
    char *p = mem_try_alloc(bytes);
    if (!p) {
        return false;
    }
    memset(p, 0xff, size * sizeof(int32_t));
    *slots = (int32_t *)p;
    *entries = (SetEntry *)(p + size * sizeof(int32_t));
    return true;
}

static void block_free(int32_t *slots, size_t size, size_t cap) {
    mem_free(slots, size * sizeof(int32_t) + cap * sizeof(SetEntry));
}

// Frees the table: [s] is empty, back to its never-filled state.
static void table_release(ObjSet *s) {
    if (s->slots) {
        block_free(s->slots, (size_t)s->mask + 1, s->cap);
    }
    s->slots = NULL;
    s->entries = NULL;
    s->fill = s->used = s->nentries = s->cap = 0;
    s->mask = MINSIZE - 1;
    s->ordered = false;
}

// Gives a never-filled set its MINSIZE slots; false: MemoryError.
static bool table_ensure(ObjSet *s) {
    if (s->slots) {
        return true;
    }
    size_t cap = cap_for(MINSIZE);
    if (!block_new(MINSIZE, cap, &s->slots, &s->entries)) {
        return false;
    }
    s->mask = MINSIZE - 1;
    s->cap = (uint32_t)cap;
    s->nentries = 0;
    return true;
}

// Puts entry [ix], known to be absent, into the first unused slot of its
// probe sequence in slots without dummies (resize, merge into an empty set).
static void insert_clean(int32_t *slots, size_t mask, int64_t hash, int32_t ix) {
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        if (slots[i] == SLOT_UNUSED) {
            slots[i] = ix;
            return;
        }
        if (i + LINEAR_PROBES <= mask) {
            for (size_t j = i + 1; j <= i + LINEAR_PROBES; j++) {
                if (slots[j] == SLOT_UNUSED) {
                    slots[j] = ix;
                    return;
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

// The renumbering of entries when deleted ones are dropped (map[old] =
// new); a small one lives on the C stack.
typedef struct IxMap {
    int32_t *map;
    size_t n;
    int32_t small[128];
} IxMap;

static bool ixmap_init(IxMap *m, size_t n) {
    m->n = n;
    m->map = n <= 128 ? m->small : alloc_array(n, sizeof(int32_t));
    return m->map != NULL;
}

static void ixmap_free(IxMap *m) {
    if (m->map != m->small) {
        mem_free(m->map, m->n * sizeof(int32_t));
    }
}

// Copies the live entries of [src] (in insertion order) into [dst], an
// array of at least src->used entries, filling map[old] = new; returns
// the count.
static uint32_t compact_into(const ObjSet *src, SetEntry *dst, int32_t *map) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < src->nentries; i++) {
        if (src->entries[i].key) {
            dst[n] = src->entries[i];
            map[i] = (int32_t)n++;
        } else {
            map[i] = SLOT_UNUSED;
        }
    }
    return n;
}

// Rebuilds [s] with [size] slots and room for [cap] entries: the live
// entries keep their order, and are placed into the new slots in the order
// of the old slots, as CPython's resize does; -1 MemoryError ([s] unchanged).
static int rebuild(ObjSet *s, size_t size, size_t cap) {
    int32_t *slots;
    SetEntry *entries;
    IxMap m;
    if (!block_new(size, cap, &slots, &entries)) {
        return -1;
    }
    if (!ixmap_init(&m, s->nentries)) {
        block_free(slots, size, cap);
        return -1;
    }
    int32_t *map = m.map;
    uint32_t n = compact_into(s, entries, map);
    if (s->slots) {
        for (size_t i = 0; i <= s->mask; i++) {
            int32_t ix = s->slots[i];
            if (ix >= 0) {
                insert_clean(slots, size - 1, entries[map[ix]].hash, map[ix]);
            }
        }
    }
    ixmap_free(&m);
    bool ordered = s->ordered;
    uint32_t used = s->used;
    table_release(s);
    s->slots = slots;
    s->entries = entries;
    s->mask = (uint32_t)(size - 1);
    s->cap = (uint32_t)cap;
    s->nentries = n;
    s->fill = s->used = used;
    s->ordered = ordered;
    return 0;
}

// CPython's set_table_resize: the smallest power of two above [minused]
// slots, without dummies; -1 MemoryError (the set unchanged).
static int table_resize(ObjSet *s, size_t minused) {
    size_t size = MINSIZE;
    while (size <= minused) {
        size <<= 1;
    }
    if (size > ((size_t)1 << 31)) {
        exc_raise_nomem();
        return -1;
    }
    if (s->slots && size == MINSIZE && s->mask == MINSIZE - 1 && s->fill == s->used) {
        return 0;   // a small table without dummies: nothing to do
    }
    size_t cap = cap_for(size);
    return rebuild(s, size, cap > s->used ? cap : s->used);
}

// Appends an entry, compacting or growing the array when full (the slots
// keep their places); its number, or -1 MemoryError.
static int32_t entry_append(ObjSet *s, Value key, int64_t hash) {
    if (s->nentries == s->cap) {
        // a new block: the same slots, renumbered; the entries compacted
        size_t cap = s->used * 2 < s->cap ? s->cap : (size_t)s->cap * 2, size = (size_t)s->mask + 1;
        int32_t *slots;
        SetEntry *entries;
        IxMap m;
        if (!block_new(size, cap, &slots, &entries)) {
            return -1;
        }
        if (!ixmap_init(&m, s->nentries)) {
            block_free(slots, size, cap);
            return -1;
        }
        uint32_t n = compact_into(s, entries, m.map);
        for (size_t i = 0; i < size; i++) {
            slots[i] = s->slots[i] >= 0 ? m.map[s->slots[i]] : s->slots[i];
        }
        ixmap_free(&m);
        block_free(s->slots, size, s->cap);
        s->slots = slots;
        s->entries = entries;
        s->cap = (uint32_t)cap;
        s->nentries = n;
    }
    s->entries[s->nentries] = (SetEntry){key, hash};
    return (int32_t)s->nentries++;
}

// Whether CPython's hash of [key] is the same in every run (so CPython's
// order of a set of such keys is the one to follow): numbers, and tuples
// and frozensets of such keys.
static bool stable_hash(Value key, int depth) {
    if (IS_SMALL(key) || IS_FLOAT(key) || IS_BIGINT(key)) {
        return true;
    }
    if (!IS_OBJ(key) || depth > 8) {
        return false;
    }
    ObjClass *c = AS_OBJ(key)->cls;
    if (c == cls_bool || c == cls_int || c == cls_float || c == cls_complex) {
        return true;
    }
    if (c == cls_frozenset) {
        return !AS_SET(key)->ordered;
    }
    if (c == cls_tuple) {
        ObjTuple *t = AS_TUPLE(key);
        for (size_t i = 0; i < t->len; i++) {
            if (!stable_hash(t->items[i], depth + 1)) {
                return false;
            }
        }
        return true;
    }
    return false;
}

// Compares the key of entry [ix] with [key] (equal hashes): 1 equal, 0 not,
// -1 error, 2 the table changed under a user __eq__ (probe again).
static int entry_eq(ObjSet *s, int32_t ix, Value key) {
    Value sk = s->entries[ix].key;
    int q = obj_eq_quick(sk, key);
    if (q != OBJ_EQ_UNKNOWN) {
        return q;
    }
    int32_t *slots = s->slots;
    SetEntry *entries = s->entries;
    gc_push_root(sk);
    int eq = obj_eq(sk, key);
    gc_pop_root(1);
    if (eq < 0) {
        return -1;
    }
    if (s->slots != slots || s->entries != entries || s->entries[ix].key != sk) {
        return 2;
    }
    return eq;
}

// Finds [key]: 1 (*slot = its slot), 0 absent, -1 error.
static int set_lookkey(ObjSet *s, Value key, int64_t hash, size_t *slot) {
restart:
    if (!s->slots) {
        return 0;
    }
    size_t mask = s->mask;
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        size_t j = i;
        int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
        do {
            int32_t ix = s->slots[j];
            if (ix == SLOT_UNUSED) {
                return 0;
            }
            if (ix >= 0 && s->entries[ix].hash == hash) {
                if (s->entries[ix].key == key) {    // (the common case, inline)
                    *slot = j;
                    return 1;
                }
                int r = entry_eq(s, ix, key);
                if (r == 2) {
                    goto restart;
                }
                if (r) {
                    *slot = j;
                    return r;
                }
                mask = s->mask;
            }
            j++;
        } while (probes--);
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

// set_lookkey with its most common outcomes inline: the key's first slot
// unused, or holding the very key (small ints in a set of them).
static inline __attribute__((always_inline)) int lookkey_quick(ObjSet *s, Value key, int64_t hash,
                                                               size_t *slot) {
    if (s->slots) {
        size_t i = (size_t)hash & s->mask;
        int32_t ix = s->slots[i];
        if (ix == SLOT_UNUSED) {
            return 0;
        }
        if (ix >= 0 && s->entries[ix].key == key) {
            *slot = i;
            return 1;
        }
    }
    return set_lookkey(s, key, hash, slot);
}

// Adds [key] with [hash] (CPython's set_add_entry): 0 ok, -1 error. A new
// key takes the last dummy its probe passed, else the unused slot that
// ended it. [quick]: returns 1 instead when telling [key] from an entry
// would run Python code (an __eq__), with the set unchanged.
static inline __attribute__((always_inline)) int add_entry_(ObjSet *s, Value key, int64_t hash, bool quick) {
restart:
    if (!table_ensure(s)) {
        return -1;
    }
    size_t mask = s->mask;
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask, j;
    size_t freeslot = SIZE_MAX;
    for (;;) {
        j = i;
        int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
        do {
            int32_t ix = s->slots[j];
            if (ix == SLOT_UNUSED) {
                goto found_unused;
            }
            if (ix >= 0) {
                if (s->entries[ix].hash == hash) {
                    if (quick && obj_eq_quick(s->entries[ix].key, key) == OBJ_EQ_UNKNOWN) {
                        return 1;
                    }
                    int r = entry_eq(s, ix, key);
                    if (r == 2) {
                        goto restart;
                    }
                    if (r) {
                        return r < 0 ? -1 : 0;
                    }
                    mask = s->mask;
                }
            } else {
                freeslot = j;
            }
            j++;
        } while (probes--);
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
found_unused:;
    int32_t ix = entry_append(s, key, hash);
    if (ix < 0) {
        return -1;
    }
    if (!s->ordered && !stable_hash(key, 0)) {
        s->ordered = true;
    }
    s->used++;
    if (freeslot != SIZE_MAX) {
        s->slots[freeslot] = ix;
        return 0;
    }
    s->fill++;
    s->slots[j] = ix;
    if ((size_t)s->fill * 5 < mask * 3) {
        return 0;
    }
    return table_resize(s, s->used > 50000 ? (size_t)s->used * 2 : (size_t)s->used * 4);
}

static int add_entry(ObjSet *s, Value key, int64_t hash) {
    return add_entry_(s, key, hash, false);
}

// Removes the key in [slot], leaving a dummy.
static void remove_slot(ObjSet *s, size_t slot) {
    int32_t ix = s->slots[slot];
    s->slots[slot] = SLOT_DUMMY;
    s->entries[ix].key = VAL_NULL;
    s->used--;
}

// Removes [key] with [hash]: 1 removed, 0 absent, -1 error.
static int discard_entry(ObjSet *s, Value key, int64_t hash) {
    size_t slot;
    int r = lookkey_quick(s, key, hash, &slot);
    if (r == 1) {
        remove_slot(s, slot);
    }
    return r;
}

// The next element at or after *[pos] in iteration order (slot order, or
// insertion order for an ordered set), *[pos] advanced past it; NULL at
// the end.
static inline SetEntry *set_next(ObjSet *s, size_t *pos) {
    if (!s->slots) {
        return NULL;
    }
    if (s->ordered) {
        for (size_t i = *pos; i < s->nentries; i++) {
            if (s->entries[i].key) {
                *pos = i + 1;
                return &s->entries[i];
            }
        }
        *pos = s->nentries;
        return NULL;
    }
    for (size_t i = *pos; i <= s->mask; i++) {
        if (s->slots[i] >= 0) {
            *pos = i + 1;
            return &s->entries[s->slots[i]];
        }
    }
    *pos = (size_t)s->mask + 1;
    return NULL;
}

SetEntry *set_entry_next(ObjSet *s, size_t *pos) {
    return set_next(s, pos);
}

// Exchanges the tables of [a] and [b] (intersection_update keeps the result).
static void swap_bodies(ObjSet *a, ObjSet *b) {
    ObjSet t = *a;
    a->fill = b->fill;
    a->used = b->used;
    a->mask = b->mask;
    a->nentries = b->nentries;
    a->cap = b->cap;
    a->slots = b->slots;
    a->entries = b->entries;
    a->ordered = b->ordered;
    b->fill = t.fill;
    b->used = t.used;
    b->mask = t.mask;
    b->nentries = t.nentries;
    b->cap = t.cap;
    b->slots = t.slots;
    b->entries = t.entries;
    b->ordered = t.ordered;
}

// ---- the C API

// Makes an empty set of class [cls] (set, frozenset or a subclass).
Value set_new(ObjClass *cls) {
    size_t size = cls->inst_size > sizeof(ObjSet) ? cls->inst_size : sizeof(ObjSet);
    return OBJ_VAL(obj_alloc(cls, size));
}

// Adds [key]: 0 ok, -1 error (unhashable).
int set_add(ObjSet *s, Value key) {
    int64_t h;
    if (!table_hash(key, &h)) {
        return -1;
    }
    return add_entry(s, key, h);
}

static int contains_key(ObjSet *s, Value key) {
    int64_t h;
    if (!table_hash(key, &h)) {
        return -1;
    }
    size_t slot;
    return lookkey_quick(s, key, h, &slot);
}

static int discard_key(ObjSet *s, Value key) {
    int64_t h;
    if (!table_hash(key, &h)) {
        return -1;
    }
    return discard_entry(s, key, h);
}

// Runs [op] (contains_key or discard_key) on [key]; an unhashable set key
// is tried as the frozenset of its elements, as CPython does.
static int key_op(ObjSet *s, Value key, int (*op)(ObjSet *, Value)) {
    int r = op(s, key);
    if (r < 0 && IS_KIND(key, cls_set) && EXC_PENDING_IS(exc_TypeError)) {
        exc_clear();
        Value f = set_from_iterable(cls_frozenset, key);
        if (!f) {
            return -1;
        }
        gc_push_root(f);
        r = op(s, f);
        gc_pop_root(1);
    }
    return r;
}

// Membership: 1/0, -1 error.
int set_contains(ObjSet *s, Value key) {
    return key_op(s, key, contains_key);
}

// Removes [key]: 1 removed, 0 absent, -1 error.
int set_discard(ObjSet *s, Value key) {
    return key_op(s, key, discard_key);
}

static bool is_exact_dict(Value v) {
    return IS_OBJ(v) && AS_OBJ(v)->cls == cls_dict;
}

// Fills the empty [s], its slots sized by set_merge, with the live entries
// of [o], in o's order; the slots as CPython's set_merge places them:
// copied when [same] (equal sizes, no dummies in o), else inserted clean in
// o's slot order. -1: MemoryError.
static int merge_into_empty(ObjSet *s, ObjSet *o, bool same) {
    if (s->cap < o->used) {
        // (s is empty: a new block of the same size with room enough)
        int32_t *slots;
        SetEntry *entries;
        if (!block_new((size_t)s->mask + 1, o->used, &slots, &entries)) {
            return -1;
        }
        block_free(s->slots, (size_t)s->mask + 1, s->cap);
        s->slots = slots;
        s->entries = entries;
        s->cap = o->used;
    }
    if (same && o->nentries == o->used) {
        // no deleted entries either: both arrays copied as they are
        memcpy(s->entries, o->entries, (size_t)o->nentries * sizeof(SetEntry));
        memcpy(s->slots, o->slots, ((size_t)o->mask + 1) * sizeof(int32_t));
        s->nentries = o->nentries;
        s->fill = s->used = o->used;
        s->ordered |= o->ordered;
        return 0;
    }
    IxMap m;
    if (!ixmap_init(&m, o->nentries)) {
        return -1;
    }
    int32_t *map = m.map;
    s->nentries = compact_into(o, s->entries, map);
    for (size_t i = 0; i <= o->mask; i++) {
        int32_t ix = o->slots[i];
        if (ix < 0) {
            continue;
        }
        if (same) {
            s->slots[i] = map[ix];
        } else {
            insert_clean(s->slots, s->mask, s->entries[map[ix]].hash, map[ix]);
        }
    }
    ixmap_free(&m);
    s->fill = s->used = o->used;
    s->ordered |= o->ordered;
    return 0;
}

// Adds the elements of the set [o] (CPython's set_merge).
static int set_merge(ObjSet *s, ObjSet *o) {
    if (o == s || o->used == 0) {
        return 0;
    }
    if (((size_t)s->fill + o->used) * 5 >= smask(s) * 3 &&
        table_resize(s, ((size_t)s->used + o->used) * 2) < 0) {
        return -1;
    }
    if (!table_ensure(s)) {
        return -1;
    }
    if (s->fill == 0) {
        // an empty set: o's live entries in order, placed as CPython places
        // them (the same slots when the sizes match and o has no dummies,
        // else inserted clean in o's slot order)
        return merge_into_empty(s, o, s->mask == o->mask && o->fill == o->used);
    }
    // (user __eq__ may change [o]: its table is re-read at each step)
    for (size_t pos = 0;;) {
        SetEntry *e = set_next(o, &pos);
        if (!e) {
            return 0;
        }
        SetEntry x = *e;
        if (add_entry(s, x.key, x.hash) < 0) {
            return -1;
        }
    }
}

// set_update's taker for gen_next_into: an int or str key is hashed
// without Python code, and added unless an entry of equal hash needs an
// __eq__ to tell (a MemoryError is left to the add of the value handed back).
static bool take_key(void *s, Value key) {
    int64_t h;
    if (!(IS_SMALL(key) || IS_STR(key)) || !table_hash(key, &h)) {
        return false;
    }
    int r = add_entry_(s, key, h, true);
    if (r < 0) {
        exc_clear();
    }
    return r == 0;
}

// Runs [op] on [s] with each element of [iterable] in turn: 0, or -1 when
// iterating or [op] failed (returned < 0).
static int for_each(ObjSet *s, Value iterable, int (*op)(ObjSet *, Value)) {
    Value it = obj_iter(iterable);
    if (!it) {
        return -1;
    }
    gc_push_root(it);
    Value v;
    int r;
    while ((r = gen_next_into(it, &v, op == set_add ? take_key : NULL, s)) == 1) {
        if (op(s, v) < 0) {
            r = -1;
            break;
        }
    }
    gc_pop_root(1);
    return r < 0 ? -1 : 0;
}

// Adds every element of [other] (CPython's set_update_internal): a set is
// merged, an exact dict's keys are added after one resize, anything else
// is iterated.
int set_update(ObjSet *s, Value other) {
    if (IS_SETISH(other)) {
        return set_merge(s, AS_SET(other));
    }
    if (is_exact_dict(other)) {
        ObjDict *d = AS_DICT(other);
        if (((size_t)s->fill + d->used) * 5 >= smask(s) * 3 &&
            table_resize(s, ((size_t)s->used + d->used) * 2) < 0) {
            return -1;
        }
        for (size_t i = 0; i < d->nentries; i++) {
            DictEntry e = d->entries[i];
            if (e.key && add_entry(s, e.key, e.hash) < 0) {
                return -1;
            }
        }
        return 0;
    }
    return for_each(s, other, set_add);
}

// A new set of class [cls] holding the elements of [iterable].
Value set_from_iterable(ObjClass *cls, Value iterable) {
    Value s = set_new(cls);
    gc_push_root(s);
    int r = set_update(AS_SET(s), iterable);
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : s;
}

// The plain class (set or frozenset) results of operations on [v] get.
static ObjClass *result_class(Value v) {
    return IS_KIND(v, cls_frozenset) ? cls_frozenset : cls_set;
}

// A copy of [v] as its plain class (CPython's set_copy).
static Value set_copy(Value v) {
    return set_from_iterable(result_class(v), v);
}

// [so] & [other] (CPython's set_intersection: a set operand's smaller side
// is walked; any other iterable is walked in its order).
Value set_intersection(Value so, Value other) {
    if (so == other) {
        return set_copy(so);
    }
    Value r = set_new(result_class(so));
    gc_push_root(r);
    ObjSet *res = AS_SET(r);
    if (IS_SETISH(other)) {
        ObjSet *a = AS_SET(so), *b = AS_SET(other);
        if (b->used > a->used) {
            ObjSet *t = a;
            a = b;
            b = t;
        }
        size_t pos = 0;
        SetEntry *e;
        while ((e = set_next(b, &pos))) {
            SetEntry x = *e;
            size_t found;
            int c = lookkey_quick(a, x.key, x.hash, &found);
            if (c < 0 || (c && add_entry(res, x.key, x.hash) < 0)) {
                gc_pop_root(1);
                return VAL_NULL;
            }
        }
        gc_pop_root(1);
        return r;
    }
    Value it = obj_iter(other);
    if (!it) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(it);
    Value v;
    int n;
    while ((n = obj_next(it, &v)) == 1) {
        int64_t h;
        size_t found;
        int c = table_hash(v, &h) ? lookkey_quick(AS_SET(so), v, h, &found) : -1;
        if (c < 0 || (c && add_entry(res, v, h) < 0)) {
            n = -1;
            break;
        }
        if (c && res->used >= AS_SET(so)->used) {
            break;
        }
    }
    gc_pop_root(2);
    return n < 0 ? VAL_NULL : r;
}

// Removes the elements of [other] (CPython's set_difference_update_internal).
int set_difference_update(ObjSet *s, Value other) {
    if (OBJ_VAL(s) == other) {
        table_release(s);
        return 0;
    }
    if (IS_SETISH(other)) {
        if ((AS_SET(other)->used >> 3) > s->used) {
            other = set_intersection(OBJ_VAL(s), other);
            if (!other) {
                return -1;
            }
        }
        gc_push_root(other);
        size_t pos = 0;
        SetEntry *e;
        while ((e = set_next(AS_SET(other), &pos))) {
            SetEntry x = *e;
            if (discard_entry(s, x.key, x.hash) < 0) {
                gc_pop_root(1);
                return -1;
            }
        }
        gc_pop_root(1);
    } else if (for_each(s, other, discard_key) < 0) {
        return -1;
    }
    if ((size_t)(s->fill - s->used) <= smask(s) / 4) {
        return 0;
    }
    return table_resize(s, s->used > 50000 ? (size_t)s->used * 2 : (size_t)s->used * 4);
}

static Value copy_and_difference(Value so, Value other) {
    Value r = set_copy(so);
    if (!r) {
        return VAL_NULL;
    }
    gc_push_root(r);
    int n = set_difference_update(AS_SET(r), other);
    gc_pop_root(1);
    return n < 0 ? VAL_NULL : r;
}

// [so] - [other] (CPython's set_difference).
static Value set_difference(Value so, Value other) {
    size_t other_size;
    if (IS_SETISH(other)) {
        other_size = AS_SET(other)->used;
    } else if (is_exact_dict(other)) {
        other_size = AS_DICT(other)->used;
    } else {
        return copy_and_difference(so, other);
    }
    if ((AS_SET(so)->used >> 2) > other_size) {
        return copy_and_difference(so, other);
    }
    Value r = set_new(result_class(so));
    gc_push_root(r);
    size_t pos = 0;
    SetEntry *e;
    while ((e = set_next(AS_SET(so), &pos))) {
        SetEntry x = *e;
            size_t found;
        int c;
        if (IS_SETISH(other)) {
            c = lookkey_quick(AS_SET(other), x.key, x.hash, &found);
        } else {
            int64_t ix = table_find(AS_DICT(other), x.key, x.hash);
            c = ix == -2 ? -1 : ix >= 0;
        }
        if (c < 0 || (!c && add_entry(AS_SET(r), x.key, x.hash) < 0)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return r;
}

// Toggles the elements of [other] (CPython's set_symmetric_difference_update).
int set_symmetric_update(ObjSet *s, Value other) {
    if (OBJ_VAL(s) == other) {
        table_release(s);
        return 0;
    }
    if (is_exact_dict(other)) {
        ObjDict *d = AS_DICT(other);
        for (size_t i = 0; i < d->nentries; i++) {
            DictEntry x = d->entries[i];
            if (!x.key) {
                continue;
            }
            int r = discard_entry(s, x.key, x.hash);
            if (r < 0 || (r == 0 && add_entry(s, x.key, x.hash) < 0)) {
                return -1;
            }
        }
        return 0;
    }
    Value o = IS_SETISH(other) ? other : set_from_iterable(result_class(OBJ_VAL(s)), other);
    if (!o) {
        return -1;
    }
    gc_push_root(o);
    size_t pos = 0;
    SetEntry *e;
    while ((e = set_next(AS_SET(o), &pos))) {
        SetEntry x = *e;
        int r = discard_entry(s, x.key, x.hash);
        if (r < 0 || (r == 0 && add_entry(s, x.key, x.hash) < 0)) {
            gc_pop_root(1);
            return -1;
        }
    }
    gc_pop_root(1);
    return 0;
}

// [so] ^ [other]: a copy of [other] toggled by [so], as CPython builds it.
static Value set_symmetric_difference(Value so, Value other) {
    Value r = set_from_iterable(result_class(so), other);
    if (!r) {
        return VAL_NULL;
    }
    gc_push_root(r);
    int n = set_symmetric_update(AS_SET(r), so);
    gc_pop_root(1);
    return n < 0 ? VAL_NULL : r;
}

static Value set_binop(Value a, Value b, int op) {
    bool inplace = op >= BINOP_INPLACE;
    if (!IS_SETISH(b) || !IS_SETISH(a) || (inplace && IS_KIND(a, cls_frozenset))) {
        return VAL_NOTIMPL;     // (frozenset |= falls back to the plain operator)
    }
    int base = inplace ? op - BINOP_INPLACE : op;
    if (inplace) {
        int r;
        switch (base) {
        case BIN_OR:
            r = set_update(AS_SET(a), b);
            break;
        case BIN_AND: {
            Value t = set_intersection(a, b);
            if (!t) {
                return VAL_NULL;
            }
            swap_bodies(AS_SET(a), AS_SET(t));
            r = 0;
            break;
        }
        case BIN_SUB:
            r = set_difference_update(AS_SET(a), b);
            break;
        case BIN_XOR:
            r = set_symmetric_update(AS_SET(a), b);
            break;
        default:
            return VAL_NOTIMPL;
        }
        return r < 0 ? VAL_NULL : a;
    }
    switch (base) {
    case BIN_OR: {
        Value r = set_copy(a);
        if (!r || a == b) {
            return r;
        }
        gc_push_root(r);
        int n = set_update(AS_SET(r), b);
        gc_pop_root(1);
        return n < 0 ? VAL_NULL : r;
    }
    case BIN_AND:
        return set_intersection(a, b);
    case BIN_SUB:
        return set_difference(a, b);
    case BIN_XOR:
        return set_symmetric_difference(a, b);
    default:
        return VAL_NOTIMPL;
    }
}

// 1 when every element of the set [a] is in the set [b].
static int set_issubset(Value a, Value b) {
    ObjSet *x = AS_SET(a);
    if (x->used > AS_SET(b)->used) {
        return 0;
    }
    // (walked in insertion order, not slot order: only a user __eq__ could
    // tell, and an ordered set, the only kind that may hold one, iterates
    // in insertion order anyway; an __eq__ may change [x]: re-read each step)
    for (uint32_t i = 0; i < x->nentries; i++) {
        SetEntry k = x->entries[i];
        if (!k.key) {
            continue;
        }
        size_t found;
        int c = lookkey_quick(AS_SET(b), k.key, k.hash, &found);
        if (c <= 0) {
            return c;
        }
    }
    return 1;
}

static Value set_richcompare(Value a, Value b, int op) {
    if (!IS_SETISH(a) || !IS_SETISH(b)) {
        return VAL_NOTIMPL;
    }
    size_t na = AS_SET(a)->used, nb = AS_SET(b)->used;
    int r;
    switch (op) {
    case OP_EQ:
    case OP_NE:
        r = na == nb ? set_issubset(a, b) : 0;
        if (r >= 0 && op == OP_NE) {
            r = !r;
        }
        break;
    case OP_LE:
        r = set_issubset(a, b);
        break;
    case OP_LT:
        r = na < nb ? set_issubset(a, b) : 0;
        break;
    case OP_GE:
        r = set_issubset(b, a);
        break;
    default:
        r = nb < na ? set_issubset(b, a) : 0;
        break;
    }
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

static Value set_repr(Value self) {
    ObjSet *s = AS_SET(self);
    const char *name = AS_OBJ(self)->cls->name->data;
    bool plain = AS_OBJ(self)->cls == cls_set;
    if (s->used == 0) {
        return str_printf("%s()", name);
    }
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_printf("%s(...)", name) : VAL_NULL;
    }
    // (a user __repr__ may change the set: the elements are listed first)
    Value keys = list_new(s->used);
    size_t pos = 0;
    SetEntry *e;
    while (keys && (e = set_next(s, &pos))) {
        list_append(AS_LIST(keys), e->key);    // (room reserved)
    }
    if (!keys) {
        repr_leave(AS_OBJ(self));
        return VAL_NULL;
    }
    gc_push_root(keys);
    SBuf b;
    sb_init(&b);
    if (!plain) {
        sb_adds(&b, name);
        sb_adds(&b, "(");
    }
    sb_adds(&b, "{");
    ObjList *l = AS_LIST(keys);
    for (size_t i = 0; i < l->len; i++) {
        if (i) {
            sb_adds(&b, ", ");
        }
        if (!ct_addrepr(&b, l->items[i])) {
            sb_free(&b);
            gc_pop_root(1);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
    sb_adds(&b, plain ? "}" : "})");
    gc_pop_root(1);
    repr_leave(AS_OBJ(self));
    return sb_finish(&b);
}

static uint64_t shuffle_bits(uint64_t h) {
    return ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL;
}

// CPython's frozenset hash (its table-layout terms cancel out: only the
// active entries count).
static bool frozenset_hash(Value self, int64_t *out) {
    ObjSet *s = AS_SET(self);
    uint64_t h = 0;
    size_t pos = 0;
    SetEntry *e;
    while ((e = set_next(s, &pos))) {
        h ^= shuffle_bits((uint64_t)e->hash);
    }
    h ^= ((uint64_t)s->used + 1) * 1927868237ULL;
    h ^= (h >> 11) ^ (h >> 25);
    h = h * 69069U + 907133923ULL;
    if (h == (uint64_t)-1) {
        h = 590923713ULL;
    }
    *out = (int64_t)h;
    return true;
}

static bool set_unhashable(Value self, int64_t *out) {
    exc_raise(exc_TypeError, "unhashable type: '%s'", val_type_name(self));
    return false;
}

static int set_contains_slot(Value self, Value item) {
    return set_contains(AS_SET(self), item);
}

static int64_t set_len(Value self) {
    return (int64_t)AS_SET(self)->used;
}

static int set_truthy(Value self) {
    return AS_SET(self)->used != 0;
}

static void set_trace(Obj *o) {
    ObjSet *s = (ObjSet *)o;
    for (size_t i = 0; i < s->nentries; i++) {
        gc_mark_value(s->entries[i].key);
    }
}

static void set_finalize(Obj *o) {
    table_release((ObjSet *)o);
}

// ---- iterator

typedef struct ObjSetIter {
    Obj hdr;
    Value set;
    size_t pos, used;
    size_t given;   // elements given so far (for __length_hint__)
} ObjSetIter;

// set_iterator.__length_hint__(): the elements left (0 once the set changed
// size or the iterator is done, as CPython's setiter_len).
static Value m_set_iter_length_hint(int argc, Value *argv, ObjDict *kw) {
    ObjSetIter *it = (ObjSetIter *)AS_OBJ(argv[0]);
    if (!it->set || AS_SET(it->set)->used != it->used) {
        return VAL_INT(0);
    }
    return VAL_INT((int64_t)(it->used - it->given));
}

// set_iterator.__reduce__(): (iter, (list of what is left,)), as CPython's.
static Value m_set_iter_reduce(int argc, Value *argv, ObjDict *kw) {
    return iter_reduce_copy(argv[0], sizeof(ObjSetIter));
}

static const MethodDef set_iter_methods[] = {
    {"__length_hint__", m_set_iter_length_hint},
    {"__reduce__", m_set_iter_reduce},
    {NULL, NULL},
};

static Value set_iter(Value self) {
    ObjSetIter *it = (ObjSetIter *)obj_alloc_small(cls_set_iter, sizeof(ObjSetIter));
    it->set = self;
    it->used = AS_SET(self)->used;
    return OBJ_VAL(it);
}

static int set_iter_next(Value self, Value *out) {
    ObjSetIter *it = (ObjSetIter *)AS_OBJ(self);
    if (!it->set) {
        return 0;
    }
    ObjSet *s = AS_SET(it->set);
    if (s->used != it->used) {
        it->used = (size_t)-1;
        exc_raise(exc_RuntimeError, "Set changed size during iteration");
        return -1;
    }
    SetEntry *e = set_next(s, &it->pos);
    if (e) {
        *out = e->key;
        it->given++;
        return 1;
    }
    it->set = VAL_NULL;
    return 0;
}

static Value iter_self(Value self) {
    return self;
}

static void set_iter_trace(Obj *o) {
    gc_mark_value(((ObjSetIter *)o)->set);
}

// ---- construction

static Value set_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    bool frozen = class_is_subclass(cls, cls_frozenset);
    const char *name = frozen ? "frozenset" : "set";
    if (!arg_new_no_kw(cls, name, kw)) {
        return VAL_NULL;
    }
    if (!frozen && has_user_init(cls)) {
        return set_new(cls);   // CPython's set.__new__ leaves its arguments to __init__
    }
    if (!arg_count(frozen ? cls->name->data : name, argc, 0, 1)) {
        return VAL_NULL;
    }
    if (cls == cls_frozenset && argc == 1 && IS_A(argv[0], cls_frozenset)) {
        return argv[0];
    }
    if (argc) {
        return set_from_iterable(cls, argv[0]);
    }
    return set_new(cls);
}

// set.__init__(iterable=()).
static Value m_init(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("set", kw) || !arg_count("set", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    if (AS_SET(argv[0])->fill) {
        table_release(AS_SET(argv[0]));
    }
    if (argc > 1 && set_update(AS_SET(argv[0]), argv[1]) < 0) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

// ---- methods

#define SELF AS_SET(argv[0])

// Checks that method [m] of the set or frozenset argv[0] got [n] (0 or 1)
// arguments: "set.pop() takes no arguments (1 given)", as CPython says.
static bool method_args(const char *m, int argc, Value *argv, int n) {
    if (argc - 1 == n) {
        return true;    // (the name is formatted only for the error)
    }
    char name[64];
    snprintf(name, sizeof name, "%s.%s", IS_KIND(argv[0], cls_frozenset) ? "frozenset" : "set", m);
    return arg_count(name, argc - 1, n, n);
}

static Value m_add(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("add", argc, argv, 1)) {
        return VAL_NULL;
    }
    return set_add(SELF, argv[1]) < 0 ? VAL_NULL : VAL_NONE;
}

static Value m_remove(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("remove", argc, argv, 1)) {
        return VAL_NULL;
    }
    int r = set_discard(SELF, argv[1]);
    if (r == 0) {
        return dict_key_error(argv[1]);
    }
    return r < 0 ? VAL_NULL : VAL_NONE;
}

static Value m_discard(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("discard", argc, argv, 1)) {
        return VAL_NULL;
    }
    return set_discard(SELF, argv[1]) < 0 ? VAL_NULL : VAL_NONE;
}

// pop(): the first active entry from the finger on, as CPython.
static Value m_pop(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("pop", argc, argv, 0)) {
        return VAL_NULL;
    }
    ObjSet *s = SELF;
    if (s->used == 0) {
        return dict_key_error(str_from_c("pop from an empty set"));
    }
    if (s->ordered) {
        // the first element in insertion order (a long run of deleted
        // entries in front is compacted away: amortized O(1))
        size_t p = 0;
        while (!s->entries[p].key) {
            p++;
        }
        if (p > 16 && p > s->used) {
            if (rebuild(s, (size_t)s->mask + 1, s->cap) == 0) {
                p = 0;
            } else {
                exc_clear();    // no room to compact: pop from the table as it is
            }
        }
        SetEntry e = s->entries[p];
        discard_entry(s, e.key, e.hash);    // (found by identity: no __eq__ runs)
        gc_note_removed(e.key);
        return e.key;
    }
    // CPython's: the first active slot from the finger on
    size_t i = s->finger & s->mask;
    while (s->slots[i] < 0) {
        i = i == s->mask ? 0 : i + 1;
    }
    Value k = s->entries[s->slots[i]].key;
    remove_slot(s, i);
    s->finger = (uint32_t)(i + 1);
    gc_note_removed(k);
    return k;
}

static Value m_clear(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("clear", argc, argv, 0)) {
        return VAL_NULL;
    }
    gc_note_removed(argv[0]);
    table_release(SELF);
    return VAL_NONE;
}

static Value m_copy(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("copy", argc, argv, 0)) {
        return VAL_NULL;
    }
    if (IS_A(argv[0], cls_frozenset)) {
        return argv[0];
    }
    return set_copy(argv[0]);
}

// Applies [op] (set_update, set_difference_update) to [s] with argv[from..]
// in turn, skipping [skip] (CPython's union skips the set itself); -1 error.
static int apply_each(ObjSet *s, int from, int argc, Value *argv, int (*op)(ObjSet *, Value),
                      Value skip) {
    for (int i = from; i < argc; i++) {
        if (argv[i] != skip && op(s, argv[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

static Value m_update(int argc, Value *argv, ObjDict *kw) {
    return apply_each(SELF, 1, argc, argv, set_update, VAL_NULL) < 0 ? VAL_NULL : VAL_NONE;
}

static Value m_union(int argc, Value *argv, ObjDict *kw) {
    Value r = set_copy(argv[0]);
    if (!r) {
        return VAL_NULL;
    }
    gc_push_root(r);
    int n = apply_each(AS_SET(r), 1, argc, argv, set_update, argv[0]);
    gc_pop_root(1);
    return n < 0 ? VAL_NULL : r;
}

// intersection(*others): folded left to right, as CPython.
static Value intersection_multi(int argc, Value *argv) {
    if (argc == 1) {
        return set_copy(argv[0]);
    }
    Value r = argv[0];
    for (int i = 1; i < argc && r; i++) {
        gc_push_root(r);
        Value n = set_intersection(r, argv[i]);
        gc_pop_root(1);
        r = n;
    }
    return r;
}

static Value m_intersection(int argc, Value *argv, ObjDict *kw) {
    return intersection_multi(argc, argv);
}

static Value m_intersection_update(int argc, Value *argv, ObjDict *kw) {
    Value r = intersection_multi(argc, argv);
    if (!r) {
        return VAL_NULL;
    }
    swap_bodies(SELF, AS_SET(r));
    return VAL_NONE;
}

// difference(*others): the first as set_difference, the rest in place.
static Value m_difference(int argc, Value *argv, ObjDict *kw) {
    if (argc == 1) {
        return set_copy(argv[0]);
    }
    Value r = set_difference(argv[0], argv[1]);
    if (!r) {
        return VAL_NULL;
    }
    gc_push_root(r);
    int n = apply_each(AS_SET(r), 2, argc, argv, set_difference_update, VAL_NULL);
    gc_pop_root(1);
    return n < 0 ? VAL_NULL : r;
}

static Value m_difference_update(int argc, Value *argv, ObjDict *kw) {
    return apply_each(SELF, 1, argc, argv, set_difference_update, VAL_NULL) < 0 ? VAL_NULL : VAL_NONE;
}

static Value m_symmetric_difference(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("symmetric_difference", argc, argv, 1)) {
        return VAL_NULL;
    }
    return set_symmetric_difference(argv[0], argv[1]);
}

static Value m_symmetric_difference_update(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("symmetric_difference_update", argc, argv, 1)) {
        return VAL_NULL;
    }
    return set_symmetric_update(SELF, argv[1]) < 0 ? VAL_NULL : VAL_NONE;
}

// [v] as a set (itself when it is one already); VAL_NULL on error.
static Value as_set(Value v) {
    return IS_SETISH(v) ? v : set_from_iterable(cls_set, v);
}

// Runs the subset test [a] <= [b] with [b] converted to a set if needed.
static Value subset_call(Value a, Value b, bool swap) {
    Value o = as_set(b);
    if (!o) {
        return VAL_NULL;
    }
    gc_push_root(o);
    int r = swap ? set_issubset(o, a) : set_issubset(a, o);
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

static Value m_issubset(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("issubset", argc, argv, 1)) {
        return VAL_NULL;
    }
    return subset_call(argv[0], argv[1], false);
}

static Value m_issuperset(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("issuperset", argc, argv, 1)) {
        return VAL_NULL;
    }
    return subset_call(argv[0], argv[1], true);
}

static Value m_isdisjoint(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("isdisjoint", argc, argv, 1)) {
        return VAL_NULL;
    }
    Value a = argv[0], b = argv[1];
    if (IS_SETISH(b)) {
        if (AS_SET(b)->used > AS_SET(a)->used) {
            Value t = a;
            a = b;
            b = t;
        }
        size_t pos = 0;
        SetEntry *e;
        while ((e = set_next(AS_SET(b), &pos))) {
            SetEntry x = *e;
            size_t found;
            int c = lookkey_quick(AS_SET(a), x.key, x.hash, &found);
            if (c) {
                return c < 0 ? VAL_NULL : VAL_FALSE;
            }
        }
        return VAL_TRUE;
    }
    Value it = obj_iter(b);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    Value v;
    int n, c = 0;
    while ((n = obj_next(it, &v)) == 1 && (c = contains_key(AS_SET(a), v)) == 0) {
    }
    gc_pop_root(1);
    return n < 0 || c < 0 ? VAL_NULL : VAL_BOOL(c == 0);
}

static Value m_contains(int argc, Value *argv, ObjDict *kw) {
    if (!method_args("__contains__", argc, argv, 1)) {
        return VAL_NULL;
    }
    int r = set_contains(SELF, argv[1]);
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

static const MethodDef frozenset_methods[] = {
    {"copy", m_copy},
    {"union", m_union},
    {"intersection", m_intersection},
    {"difference", m_difference},
    {"symmetric_difference", m_symmetric_difference},
    {"issubset", m_issubset},
    {"issuperset", m_issuperset},
    {"isdisjoint", m_isdisjoint},
    {"__contains__", m_contains},
    {NULL, NULL},
};

static const MethodDef set_methods[] = {
    {"add", m_add},
    {"remove", m_remove},
    {"discard", m_discard},
    {"pop", m_pop},
    {"clear", m_clear},
    {"update", m_update},
    {"intersection_update", m_intersection_update},
    {"difference_update", m_difference_update},
    {"symmetric_difference_update", m_symmetric_difference_update},
    {"__init__", m_init, true},
    {NULL, NULL},
};

static void set_slots(ObjClass *c) {
    c->flags |= CLS_BASETYPE;
    c->new_ = set_new_;
    c->trace = set_trace;
    c->finalize = set_finalize;
    c->repr = set_repr;
    c->richcompare = set_richcompare;
    c->binop = set_binop;
    c->contains = set_contains_slot;
    c->len = set_len;
    c->truthy = set_truthy;
    c->iter = set_iter;
}

// Creates set, frozenset and the set iterator.
void set_init(void) {
    cls_set = class_new_builtin("set", NULL, sizeof(ObjSet), frozenset_methods);
    class_add_methods(cls_set, set_methods);
    set_slots(cls_set);
    cls_set->hash = set_unhashable;
    cls_frozenset = class_new_builtin("frozenset", NULL, sizeof(ObjSet), frozenset_methods);
    set_slots(cls_frozenset);
    cls_frozenset->hash = frozenset_hash;

    cls_set_iter = class_new_builtin("set_iterator", NULL, sizeof(ObjSetIter), set_iter_methods);
    cls_set_iter->trace = set_iter_trace;
    cls_set_iter->iter = iter_self;
    cls_set_iter->next = set_iter_next;
}
