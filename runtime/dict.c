// dict.c: the insertion-ordered hash table (CPython 3.6 "compact dict":
// an array of entries in insertion order plus an open-addressing index of
// 2^k int8/int32 slots, probed with CPython's perturbation sequence),
// whose API in containers.h other C files use too; the dict class with its
// views (keys/values/items) and iterators; and the C API of object.h
// (dict_get/set/del, the interned-string fast path used for globals and
// attributes, dict_next).
//
// Invariants: entries[0..nentries) hold live entries and deleted ones (key
// VAL_NULL); used counts the live ones; cap is the entries capacity, always
// (mask+1)*2/3 so the index never fills; an index slot is -1 (empty), -2
// (deleted: probing continues past it) or an entry number. A table with no
// index (index NULL) is empty.
#include "containers.h"
#include "gc.h"
#include "runtime.h"


#define IX_EMPTY (-1)
#define IX_DUMMY (-2)
#define MIN_SIZE 8

// ---- hashing and the table

// The index table holds entry numbers as int8 while it has at most 128
// slots (at most 85 entries), else as int32, as CPython's dicts do: a
// small dict's index takes 8 to 128 bytes instead of 32 to 512.
#define INDEX_SMALL(mask) ((mask) < 128)

static inline size_t index_bytes(size_t size) {
    return size <= 128 ? size : size * sizeof(int32_t);
}

static inline int32_t ix_get(const void *index, size_t mask, size_t i) {
    return INDEX_SMALL(mask) ? ((const int8_t *)index)[i] : ((const int32_t *)index)[i];
}

static inline void ix_set(void *index, size_t mask, size_t i, int32_t ix) {
    if (INDEX_SMALL(mask)) {
        ((int8_t *)index)[i] = (int8_t)ix;
    } else {
        ((int32_t *)index)[i] = ix;
    }
}

static void index_put(void *index, size_t mask, int64_t hash, int32_t ix) {
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask;
    while (ix_get(index, mask, i) >= 0) {
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
    ix_set(index, mask, i, ix);
}

// Rebuilds the table, compacted, with an index of at least 3*[need] slots
// (so at least 2*[need] entries fit, as CPython's GROWTH_RATE). False:
// MemoryError raised (also past 2^31 index slots, what int32 slots hold),
// [d] unchanged.
static bool table_resize(ObjDict *d, size_t need) {
    size_t size = MIN_SIZE;
    while (size < need * 3 && size <= ((size_t)1 << 31)) {
        size *= 2;
    }
    size_t cap = size * 2 / 3;
    size_t isize, esize;
    if (size > ((size_t)1 << 31) || !mem_size(index_bytes(size), 1, 0, &isize) ||
        !mem_size(cap, sizeof(DictEntry), 0, &esize)) {
        exc_clear();
        exc_raise_nomem();
        return false;
    }
    // one block: the entries, then the index
    DictEntry *entries = mem_try_alloc(esize + isize);
    if (!entries) {
        return false;
    }
    int32_t *index = (int32_t *)((char *)entries + esize);
    memset(index, 0xff, isize);   // all IX_EMPTY
    size_t n = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (e->key) {
            entries[n] = *e;
            index_put(index, size - 1, e->hash, (int32_t)n);
            n++;
        }
    }
    table_free(d);
    d->index = index;
    d->entries = entries;
    d->mask = size - 1;
    d->cap = cap;
    d->nentries = n;
    d->used = n;
    return true;
}

// Finds [key] with [hash]: entry number, -1 missing, -2 error.
int64_t table_find(ObjDict *d, Value key, int64_t hash) {
restart:
    if (!d->index) {
        return -1;
    }
    size_t mask = d->mask;
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        int32_t ix = ix_get(d->index, mask, i);
        if (ix == IX_EMPTY) {
            return -1;
        }
        if (ix >= 0) {
            DictEntry *e = &d->entries[ix];
            Value ek = e->key;
            if (ek == key) {
                return ix;
            }
            if (e->hash == hash) {
                int q = obj_eq_quick(ek, key);
                if (q == 1) {
                    return ix;
                }
                if (q == OBJ_EQ_UNKNOWN) {
                    DictEntry *entries = d->entries;
                    int eq = obj_eq(ek, key);
                    if (eq < 0) {
                        return -2;
                    }
                    if (d->entries != entries || d->mask != mask || entries[ix].key != ek) {
                        goto restart;   // the table changed under __eq__
                    }
                    if (eq) {
                        return ix;
                    }
                }
            }
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

// Appends a new entry (the key is known to be absent).
static bool table_append(ObjDict *d, Value key, int64_t hash, Value value) {
    if (d->nentries >= d->cap && !table_resize(d, d->used)) {
        return false;
    }
    index_put(d->index, d->mask, hash, (int32_t)d->nentries);
    d->bloom |= (uint32_t)1 << (hash & 31);
    DictEntry *e = &d->entries[d->nentries++];
    e->key = key;
    e->value = value;
    e->hash = hash;
    d->used++;
    d->version++;
    return true;
}

// Inserts or replaces [key] -> [value]; -1 error.
int table_insert(ObjDict *d, Value key, int64_t hash, Value value) {
    int64_t ix = table_find(d, key, hash);
    if (ix == -2) {
        return -1;
    }
    if (ix >= 0) {
        d->entries[ix].value = value;
        return 0;
    }
    return table_append(d, key, hash, value) ? 0 : -1;
}

// Removes entry [ix] whose key hashes to [hash].
void table_remove_at(ObjDict *d, int64_t ix, int64_t hash) {
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & d->mask;
    while (ix_get(d->index, d->mask, i) != (int32_t)ix) {
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & d->mask;
    }
    ix_set(d->index, d->mask, i, IX_DUMMY);
    d->entries[ix].key = VAL_NULL;
    d->entries[ix].value = VAL_NULL;
    d->used--;
    d->version++;
    // nentries never shrinks here: the index still holds the deleted slot
    // as a dummy, and only a resize (on append) rebuilds it without them
}

// A dict made by dict_new_sized for at most INLINE_MAX_CAP entries keeps its
// first table (8, 16 or 32 int8 index slots, as table_resize would size it)
// in the same allocation, after the struct: one allocation per small
// instance dict instead of two, and an attribute read touches the dict's
// header and its entries in one block (deltablue's 7-attribute instances
// missed the cache on a separate entries block). A resize moves the table
// out; the inline bytes then stay unused.
#define INLINE_MAX_SIZE 32
#define INLINE_MAX_CAP (INLINE_MAX_SIZE * 2 / 3)

static inline DictEntry *inline_table(ObjDict *d) {
    return (DictEntry *)(d + 1);
}

// Frees the buffers of [d] (leaves the fields stale: caller resets them).
void table_free(ObjDict *d) {
    if (d->index && d->entries != inline_table(d)) {
        mem_free(d->entries, d->cap * sizeof(DictEntry) + index_bytes((size_t)d->mask + 1));
    }
    d->index = NULL;
    d->entries = NULL;
}

// Empties [d].
void table_clear(ObjDict *d) {
    table_free(d);
    d->version++;
    d->used = d->nentries = d->cap = d->mask = d->bloom = 0;
}

// Copies the live entries of [src] into the empty [dst].
bool table_copy(ObjDict *dst, ObjDict *src) {
    if (src->used == 0) {
        return true;
    }
    if (src->used == src->nentries) {
        // No holes: copy the buffers as they are.
        size_t isize = index_bytes((size_t)src->mask + 1), esize = src->cap * sizeof(DictEntry);
        DictEntry *entries = mem_try_alloc(esize + isize);
        if (!entries) {
            return false;
        }
        int32_t *index = (int32_t *)((char *)entries + esize);
        dst->index = index;
        dst->entries = entries;
        memcpy(dst->index, src->index, isize);
        memcpy(dst->entries, src->entries, src->nentries * sizeof(DictEntry));
        dst->mask = src->mask;
        dst->cap = src->cap;
        dst->nentries = src->nentries;
        dst->bloom = src->bloom;
        dst->used = src->used;
        return true;
    }
    if (!table_resize(dst, src->used)) {
        return false;
    }
    for (size_t i = 0; i < src->nentries; i++) {
        DictEntry *e = &src->entries[i];
        if (e->key) {
            table_append(dst, e->key, e->hash, e->value);   // room made above
        }
    }
    return true;
}

// Marks the keys and values of [d].
void table_trace(ObjDict *d) {
    size_t n = d->nentries;
    for (size_t i = 0; i < n; i++) {
        if (i + GC_PREFETCH_AHEAD / 2 < n) {
            gc_prefetch_value(d->entries[i + GC_PREFETCH_AHEAD / 2].key);
            gc_prefetch_value(d->entries[i + GC_PREFETCH_AHEAD / 2].value);
        }
        gc_mark_value(d->entries[i].key);
        gc_mark_value(d->entries[i].value);
    }
}

// ---- the object.h API

// Makes an empty dict.
Value dict_new(void) {
    return OBJ_VAL(obj_alloc(cls_dict, sizeof(ObjDict)));
}

Value dict_new_sized(size_t n) {
    if (n > 0 && n <= INLINE_MAX_CAP) {
        size_t size = MIN_SIZE;
        while (size * 2 / 3 < n) {
            size *= 2;
        }
        size_t cap = size * 2 / 3;
        // (entries are written as they are added: only the header is zeroed)
        ObjDict *d = (ObjDict *)obj_alloc_data(cls_dict, sizeof(ObjDict) + cap * sizeof(DictEntry) + size,
                                               sizeof(ObjDict));
        d->entries = inline_table(d);
        d->index = (int32_t *)(d->entries + cap);
        memset(d->index, 0xff, size);     // all IX_EMPTY (int8 slots)
        d->mask = (uint32_t)size - 1;
        d->cap = (uint32_t)cap;
        return OBJ_VAL(d);
    }
    Value v = dict_new();
    if (n > 0) {
        gc_push_root(v);
        bool ok = table_resize(AS_DICT(v), (n + 1) / 2);   // capacity >= 2 * need
        gc_pop_root(1);
        if (!ok) {
            return VAL_NULL;
        }
    }
    return v;
}

// Looks up [key]: 1 found (*out set), 0 missing, -1 error.
int dict_get(ObjDict *d, Value key, Value *out) {
    int64_t h;
    if (!table_hash(key, &h)) {
        return -1;
    }
    int64_t ix = table_find(d, key, h);
    if (ix < 0) {
        return ix == -1 ? 0 : -1;
    }
    *out = d->entries[ix].value;
    return 1;
}

// Sets [key] -> [v]; -1 error (unhashable key, failing __eq__).
int dict_set(ObjDict *d, Value key, Value v) {
    int64_t h;
    if (!table_hash(key, &h)) {
        return -1;
    }
    return table_insert(d, key, h, v);
}

// Deletes [key]: 1 deleted, 0 missing, -1 error.
int dict_del(ObjDict *d, Value key) {
    int64_t h;
    if (!table_hash(key, &h)) {
        return -1;
    }
    int64_t ix = table_find(d, key, h);
    if (ix < 0) {
        return ix == -1 ? 0 : -1;
    }
    table_remove_at(d, ix, h);
    return 1;
}

// Index of the str key [s] (interned or not), -1 if missing. Only str keys
// can match (a str never equals another type's key in practice).
static inline int64_t find_str(ObjDict *d, ObjStr *s, int64_t hash) {
    if (!d->index) {
        return -1;
    }
    size_t mask = d->mask;
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        int32_t ix = ix_get(d->index, mask, i);
        if (ix == IX_EMPTY) {
            return -1;
        }
        if (ix >= 0) {
            DictEntry *e = &d->entries[ix];
            if (e->key == OBJ_VAL(s)) {
                return ix;
            }
            if (e->hash == hash && IS_STR(e->key) && str_eq(AS_STR(e->key), s)) {
                return ix;
            }
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

// Entry index of str key [s], or -1 (for the VM's global-name caches).
int64_t dict_index_str(ObjDict *d, ObjStr *s) {
    int64_t h = s->hash != -1 ? s->hash : str_hash(s);
    return find_str(d, s, h);
}

// Fast lookup of a str key: the value or VAL_NULL when missing (no error).
Value dict_get_str(ObjDict *d, ObjStr *s) {
    if (!d->index) {
        return VAL_NULL;
    }
    int64_t h = s->hash != -1 ? s->hash : str_hash(s);
    if (!(d->bloom & ((uint32_t)1 << (h & 31)))) {
        return VAL_NULL;    // no key with this hash's bit was ever added: absent
    }
    int64_t ix = find_str(d, s, h);
    return ix >= 0 ? d->entries[ix].value : VAL_NULL;
}

// Sets a str key (cannot fail).
void dict_set_str(ObjDict *d, ObjStr *s, Value v) {
    int64_t h = s->hash != -1 ? s->hash : str_hash(s);
    // (a key whose hash bit no entry set is new: no probe)
    int64_t ix = d->bloom & ((uint32_t)1 << (h & 31)) ? find_str(d, s, h) : -1;
    if (ix >= 0) {
        d->entries[ix].value = v;
    } else {
        table_append(d, OBJ_VAL(s), h, v);
    }
}

// Iterates in insertion order: start with *pos = 0; false at the end.
bool dict_next(ObjDict *d, size_t *pos, Value *key, Value *value) {
    while (*pos < d->nentries) {
        DictEntry *e = &d->entries[(*pos)++];
        if (e->key) {
            if (key) {
                *key = e->key;
            }
            if (value) {
                *value = e->value;
            }
            return true;
        }
    }
    return false;
}

// ---- dict class slots

Value dict_key_error(Value key) {
    Value e = exc_new(exc_KeyError, 1, &key);
    if (!e) {
        return VAL_NULL;
    }
    return exc_raise_value(e);
}

// d[key], with __missing__ for subclasses.
Value dict_getitem(Value self, Value key) {
    Value v;
    int r = dict_get(AS_DICT(self), key, &v);
    if (r > 0) {
        return v;
    }
    if (r < 0) {
        return VAL_NULL;
    }
    ObjClass *cls = AS_OBJ(self)->cls;
    if (cls != cls_dict) {
        Value f = class_lookup(cls, str_intern_c("__missing__"));
        if (f) {
            Value args[2] = {self, key};
            return vm_call(f, 2, args, NULL);
        }
    }
    return dict_key_error(key);
}

// d[key] = v or del d[key] while objects with __del__ live: the value it
// drops (for a key of another type than str or int, whose hash may run
// code, the dict stands for it)
static void note_replaced(ObjDict *d, Value key) {
    if (!IS_SMALL(key) && !IS_STR(key)) {
        gc_note_dropped(OBJ_VAL(d), true);
        return;
    }
    int64_t h;
    int64_t ix = table_hash(key, &h) ? table_find(d, key, h) : -2;
    if (ix >= 0) {
        gc_note_dropped(d->entries[ix].value, true);
    } else if (ix == -2) {
        exc_clear();
    }
}

static bool dict_setitem(Value self, Value key, Value v) {
    if (ST->gc.del_alive) {
        note_replaced(AS_DICT(self), key);
    }
    if (v) {
        return dict_set(AS_DICT(self), key, v) == 0;
    }
    int r = dict_del(AS_DICT(self), key);
    if (r == 0) {
        dict_key_error(key);
    }
    return r > 0;
}

// Repr "{k: v, ...}"; "{...}" when recursive.
Value dict_repr(Value self) {
    ObjDict *d = AS_DICT(self);
    if (d->used == 0) {
        return str_from_c("{}");
    }
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("{...}") : VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    sb_adds(&b, "{");
    bool first = true;
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (!e->key) {
            continue;
        }
        Value k = e->key, v = e->value;
        if (!first) {
            sb_adds(&b, ", ");
        }
        first = false;
        gc_push_root(v);
        bool ok = ct_addrepr(&b, k);
        gc_pop_root(1);
        if (ok) {
            sb_adds(&b, ": ");
            ok = ct_addrepr(&b, v);
        }
        if (!ok) {
            sb_free(&b);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
    sb_adds(&b, "}");
    repr_leave(AS_OBJ(self));
    return sb_finish(&b);
}

static Value dict_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_DICTISH(a) || !IS_DICTISH(b)) {
        return VAL_NOTIMPL;
    }
    ObjDict *x = AS_DICT(a), *y = AS_DICT(b);
    bool eq = x->used == y->used;
    for (size_t i = 0; eq && i < x->nentries; i++) {
        DictEntry *e = &x->entries[i];
        if (!e->key) {
            continue;
        }
        Value k = e->key, v = e->value, w;
        gc_push_root(k);
        gc_push_root(v);
        int r = dict_get(y, k, &w);
        int c = r > 0 ? (v == w ? 1 : obj_eq(v, w)) : r;
        gc_pop_root(2);
        if (c < 0) {
            return VAL_NULL;
        }
        eq = c == 1;
    }
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static int dict_contains(Value self, Value key) {
    Value v;
    return dict_get(AS_DICT(self), key, &v);
}

static int64_t dict_len(Value self) {
    return (int64_t)AS_DICT(self)->used;
}

static int dict_truthy(Value self) {
    return AS_DICT(self)->used != 0;
}

void dict_trace(Obj *o) {
    table_trace((ObjDict *)o);
}

void dict_finalize(Obj *o) {
    table_free((ObjDict *)o);
}

// ---- iterators and views

typedef struct ObjDictIter {
    Obj hdr;
    Value dict;         // VAL_NULL when exhausted
    size_t pos;         // next entry number
    size_t used;        // size when created
    size_t left;        // entries still to yield (more: keys changed)
    uint32_t version;   // of an OrderedDict: any change is an error
    bool odict;
    bool rev;           // reversed(): pos counts down the entries still to scan
} ObjDictIter;

typedef struct ObjDictView {
    Obj hdr;
    Value dict;
} ObjDictView;

static Value dict_iter_new(ObjClass *cls, Value d) {
    ObjDictIter *it = (ObjDictIter *)obj_alloc(cls, sizeof(ObjDictIter));
    it->dict = d;
    it->used = it->left = AS_DICT(d)->used;
    it->version = AS_DICT(d)->version;
    it->odict = (AS_OBJ(d)->cls->flags & CLS_ODICT) != 0;
    it->rev = cls == cls_dict_rkeyiter || cls == cls_dict_rvalueiter || cls == cls_dict_ritemiter;
    if (it->rev) {
        it->pos = AS_DICT(d)->nentries;
    }
    return OBJ_VAL(it);
}

static Value dict_iter(Value self) {
    return dict_iter_new(cls_dict_keyiter, self);
}

// Next live entry of the iterator [self]: 1 found, 0 end, -1 error.
static int dict_iter_step(Value self, DictEntry **out) {
    ObjDictIter *it = (ObjDictIter *)AS_OBJ(self);
    if (!it->dict) {
        return 0;
    }
    ObjDict *d = AS_DICT(it->dict);
    if (it->odict && d->version != it->version) {
        it->version = ~d->version;
        exc_raise(exc_RuntimeError, "OrderedDict mutated during iteration");
        return -1;
    }
    if (d->used != it->used) {
        it->used = (size_t)-1;
        exc_raise(exc_RuntimeError, "dictionary changed size during iteration");
        return -1;
    }
    if (it->rev && it->pos > d->nentries) {
        it->pos = d->nentries;
    }
    while (it->rev ? it->pos > 0 : it->pos < d->nentries) {
        DictEntry *e = &d->entries[it->rev ? --it->pos : it->pos++];
        if (e->key) {
            if (it->left == 0) {
                // as many deleted as added: CPython's check of the same case
                it->used = (size_t)-1;
                exc_raise(exc_RuntimeError, "dictionary keys changed during iteration");
                return -1;
            }
            it->left--;
            *out = e;
            return 1;
        }
    }
    it->dict = VAL_NULL;
    return 0;
}

static int dict_keyiter_next(Value self, Value *out) {
    DictEntry *e;
    int r = dict_iter_step(self, &e);
    if (r == 1) {
        *out = e->key;
    }
    return r;
}

static int dict_valueiter_next(Value self, Value *out) {
    DictEntry *e;
    int r = dict_iter_step(self, &e);
    if (r == 1) {
        *out = e->value;
    }
    return r;
}

static int dict_itemiter_next(Value self, Value *out) {
    DictEntry *e;
    int r = dict_iter_step(self, &e);
    if (r == 1) {
        *out = tuple_pack(2, e->key, e->value);
    }
    return r;
}

static Value iter_self(Value self) {
    return self;
}

static void dict_iter_trace(Obj *o) {
    gc_mark_value(((ObjDictIter *)o)->dict);
}

static void view_trace(Obj *o) {
    gc_mark_value(((ObjDictView *)o)->dict);
}

static Value view_new(ObjClass *cls, Value d) {
    ObjDictView *v = (ObjDictView *)obj_alloc(cls, sizeof(ObjDictView));
    v->dict = d;
    return OBJ_VAL(v);
}

#define VIEW_DICT(v) (((ObjDictView *)AS_OBJ(v))->dict)

static int64_t view_len(Value self) {
    return (int64_t)AS_DICT(VIEW_DICT(self))->used;
}

static Value keys_iter(Value self) {
    return dict_iter_new(cls_dict_keyiter, VIEW_DICT(self));
}

static Value values_iter(Value self) {
    return dict_iter_new(cls_dict_valueiter, VIEW_DICT(self));
}

static Value items_iter(Value self) {
    return dict_iter_new(cls_dict_itemiter, VIEW_DICT(self));
}

static int keys_contains(Value self, Value key) {
    return dict_contains(VIEW_DICT(self), key);
}

static int items_contains(Value self, Value item) {
    if (!IS_TUPLE(item) || AS_TUPLE(item)->len != 2) {
        return 0;
    }
    Value v;
    int r = dict_get(AS_DICT(VIEW_DICT(self)), AS_TUPLE(item)->items[0], &v);
    if (r <= 0) {
        return r;
    }
    return obj_eq(v, AS_TUPLE(item)->items[1]);
}

// Repr "dict_keys([...])": the class name around the list of items.
static Value view_repr(Value self) {
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("...") : VAL_NULL;
    }
    Value l = seq_to_list(self);
    Value r = VAL_NULL;
    if (l) {
        gc_push_root(l);
        Value lr = obj_repr(l);
        gc_pop_root(1);
        if (lr) {
            r = str_printf("%s(%s)", AS_OBJ(self)->cls->name->data, AS_STR(lr)->data);
        }
    }
    repr_leave(AS_OBJ(self));
    return r;
}

// The elements of [v] as a new set for the views' operators (CPython's
// dictviews_to_set: a keys view of an exact dict is built from the dict,
// with its one resize up front).
static Value view_to_set(Value v) {
    if (IS_A(v, cls_dict_keys) && IS_A(VIEW_DICT(v), cls_dict)) {
        v = VIEW_DICT(v);
    }
    return set_from_iterable(cls_set, v);
}

static bool is_set_view(Value v) {
    return IS_A(v, cls_dict_keys) || IS_A(v, cls_dict_items);
}

// [a] & [b] with a keys or items view on either side (CPython's
// _PyDictView_Intersect: the smaller side is walked, in its own order).
static Value view_and(Value a, Value b) {
    if (!is_set_view(a)) {
        Value t = a;
        a = b;
        b = t;
    }
    int64_t len_a = view_len(a);
    if (IS_A(b, cls_set) && len_a <= (int64_t)AS_SET(b)->used) {
        return set_intersection(b, a);
    }
    if (is_set_view(b) && view_len(b) > len_a) {
        Value t = a;
        a = b;
        b = t;
    }
    Value r = set_new(cls_set);
    gc_push_root(r);
    Value it = obj_iter(b);
    if (!it) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(it);
    int (*contains)(Value, Value) = AS_OBJ(a)->cls->contains;
    Value x;
    int n;
    while ((n = obj_next(it, &x)) == 1) {
        int c = contains(a, x);
        if (c < 0 || (c && set_add(AS_SET(r), x) < 0)) {
            n = -1;
            break;
        }
    }
    gc_pop_root(2);
    return n < 0 ? VAL_NULL : r;
}

// Set operations on keys/items views, in CPython's order of set operations
// (so that the resulting sets iterate as CPython's do).
static Value view_binop(Value a, Value b, int op) {
    if (op >= BINOP_INPLACE) {
        op -= BINOP_INPLACE;
    }
    if (op == BIN_AND) {
        return view_and(a, b);
    }
    if (op != BIN_OR && op != BIN_SUB && op != BIN_XOR) {
        return VAL_NOTIMPL;
    }
    Value r = view_to_set(a);
    if (!r) {
        return VAL_NULL;
    }
    gc_push_root(r);
    int n = op == BIN_OR    ? set_update(AS_SET(r), b)
            : op == BIN_SUB ? set_difference_update(AS_SET(r), b)
                            : set_symmetric_update(AS_SET(r), b);
    gc_pop_root(1);
    return n < 0 ? VAL_NULL : r;
}

static Value view_richcompare(Value a, Value b, int op) {
    if (!IS_SETISH(b) && !(IS_OBJ(b) && (AS_OBJ(b)->cls == cls_dict_keys ||
                                         AS_OBJ(b)->cls == cls_dict_items))) {
        return VAL_NOTIMPL;
    }
    Value sa = set_from_iterable(cls_set, a);
    if (!sa) {
        return VAL_NULL;
    }
    gc_push_root(sa);
    Value sb = IS_SETISH(b) ? b : set_from_iterable(cls_set, b);
    Value r = VAL_NULL;
    if (sb) {
        gc_push_root(sb);
        r = obj_compare(sa, sb, op);
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return r;
}

// ---- construction and update

static int update_pairs(ObjDict *d, Value iterable) {
    Value it = obj_iter(iterable);
    if (!it) {
        return -1;
    }
    gc_push_root(it);
    Value item;
    int r;
    int64_t n = 0;
    while ((r = obj_next(it, &item)) == 1) {
        Value pair = item;
        if (!IS_TUPLE(item) && !IS_LIST(item)) {
            if (!val_class(item)->iter) {
                exc_raise(exc_TypeError,
                          "cannot convert dictionary update sequence element #%lld to a sequence",
                          (long long)n);
                r = -1;
                break;
            }
            gc_push_root(item);
            pair = seq_to_tuple(item);
            gc_pop_root(1);
            if (!pair) {
                r = -1;
                break;
            }
        }
        size_t len = IS_LIST(pair) ? AS_LIST(pair)->len : AS_TUPLE(pair)->len;
        if (len != 2) {
            exc_raise(exc_ValueError,
                      "dictionary update sequence element #%lld has length %zu; 2 is required",
                      (long long)n, len);
            r = -1;
            break;
        }
        Value *kv = IS_LIST(pair) ? AS_LIST(pair)->items : AS_TUPLE(pair)->items;
        gc_push_root(pair);
        int s = dict_set(d, kv[0], kv[1]);
        gc_pop_root(1);
        if (s < 0) {
            r = -1;
            break;
        }
        n++;
    }
    gc_pop_root(1);
    return r < 0 ? -1 : 0;
}

// Updates [d] from a mapping (dict or anything with keys()) or pairs.
int dict_update_from(ObjDict *d, Value arg) {
    if (IS_DICTISH(arg)) {
        ObjDict *src = AS_DICT(arg);
        if (src == d) {
            return 0;
        }
        if (d->used == 0 && AS_OBJ(arg)->cls == cls_dict) {
            table_clear(d);
            return table_copy(d, src) ? 0 : -1;
        }
        for (size_t i = 0; i < src->nentries; i++) {
            DictEntry *e = &src->entries[i];
            if (e->key && table_insert(d, e->key, e->hash, e->value) < 0) {
                return -1;
            }
        }
        return 0;
    }
    Value keys = obj_getattr_opt(arg, str_intern_c("keys"));
    if (!keys) {
        if (exc_pending()) {
            return -1;
        }
        return update_pairs(d, arg);
    }
    Value ks = vm_call(keys, 0, NULL, NULL);
    if (!ks) {
        return -1;
    }
    Value l = seq_to_list(ks);
    if (!l) {
        return -1;
    }
    gc_push_root(l);
    for (size_t i = 0; i < AS_LIST(l)->len; i++) {
        Value k = AS_LIST(l)->items[i];
        Value v = obj_getitem(arg, k);
        if (!v || dict_set(d, k, v) < 0) {
            gc_pop_root(1);
            return -1;
        }
    }
    gc_pop_root(1);
    return 0;
}

// Adds the keyword arguments [kw] to [d].
static int update_kw(ObjDict *d, ObjDict *kw) {
    if (!kw) {
        return 0;
    }
    for (size_t i = 0; i < kw->nentries; i++) {
        DictEntry *e = &kw->entries[i];
        if (e->key && table_insert(d, e->key, e->hash, e->value) < 0) {
            return -1;
        }
    }
    return 0;
}

static Value dict_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc > 1 && !has_user_init(cls)) {
        return exc_raise(exc_TypeError, "dict expected at most 1 argument, got %d", argc);
    }
    size_t size = cls->inst_size > sizeof(ObjDict) ? cls->inst_size : sizeof(ObjDict);
    Value d = OBJ_VAL(obj_alloc(cls, size));
    gc_push_root(d);
    if (has_user_init(cls)) {
        gc_pop_root(1);
        return d;
    }
    int r = argc ? dict_update_from(AS_DICT(d), argv[0]) : 0;
    if (r == 0) {
        r = update_kw(AS_DICT(d), kw);
    }
    gc_pop_root(1);
    return r == 0 ? d : VAL_NULL;
}

static Value dict_binop(Value a, Value b, int op) {
    if (op == BIN_OR) {
        if (!IS_DICTISH(a) || !IS_DICTISH(b)) {
            return VAL_NOTIMPL;
        }
        Value d = dict_new();
        if (!table_copy(AS_DICT(d), AS_DICT(a))) {
            return VAL_NULL;
        }
        gc_push_root(d);
        int r = dict_update_from(AS_DICT(d), b);
        gc_pop_root(1);
        return r == 0 ? d : VAL_NULL;
    }
    if (op == BIN_OR + BINOP_INPLACE && IS_DICTISH(a)) {
        return dict_update_from(AS_DICT(a), b) == 0 ? a : VAL_NULL;
    }
    return VAL_NOTIMPL;
}

// ---- methods

#define SELF AS_DICT(argv[0])

static Value m_keys(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("dict.keys", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return view_new(cls_dict_keys, argv[0]);
}

static Value m_values(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("dict.values", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return view_new(cls_dict_values, argv[0]);
}

static Value m_items(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("dict.items", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return view_new(cls_dict_items, argv[0]);
}

static Value m_get(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("get", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    Value v;
    int r = dict_get(SELF, argv[1], &v);
    if (r < 0) {
        return VAL_NULL;
    }
    return r ? v : argc > 2 ? argv[2] : VAL_NONE;
}

static Value m_setdefault(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("setdefault", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    Value v;
    int r = dict_get(SELF, argv[1], &v);
    if (r < 0) {
        return VAL_NULL;
    }
    if (r) {
        return v;
    }
    v = argc > 2 ? argv[2] : VAL_NONE;
    return dict_set(SELF, argv[1], v) < 0 ? VAL_NULL : v;
}

static Value m_pop(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("pop", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    int64_t h;
    if (!table_hash(argv[1], &h)) {
        return VAL_NULL;
    }
    int64_t ix = table_find(SELF, argv[1], h);
    if (ix == -2) {
        return VAL_NULL;
    }
    if (ix == -1) {
        return argc > 2 ? argv[2] : dict_key_error(argv[1]);
    }
    Value v = SELF->entries[ix].value;
    table_remove_at(SELF, ix, h);
    gc_note_removed(v);
    return v;
}

static Value m_popitem(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("dict.popitem", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjDict *d = SELF;
    if (d->used == 0) {
        return dict_key_error(str_from_c("popitem(): dictionary is empty"));
    }
    // the last live entry (deleted ones keep their slot until a resize);
    // like CPython, the entries after it are dropped, so popping every item
    // in turn stays O(1) each
    size_t i = d->nentries - 1;
    while (d->entries[i].key == VAL_NULL) {
        i--;
    }
    DictEntry *e = &d->entries[i];
    Value t = tuple_pack(2, e->key, e->value);
    table_remove_at(d, (int64_t)i, e->hash);
    d->nentries = i;
    gc_note_removed(t);
    return t;
}

static Value m_update(int argc, Value *argv, ObjDict *kw) {
    if (argc > 2) {
        return exc_raise(exc_TypeError, "update expected at most 1 argument, got %d", argc - 1);
    }
    if (argc == 2 && dict_update_from(SELF, argv[1]) < 0) {
        return VAL_NULL;
    }
    return update_kw(SELF, kw) < 0 ? VAL_NULL : VAL_NONE;
}

static Value m_init(int argc, Value *argv, ObjDict *kw) {
    return m_update(argc, argv, kw);
}

static Value m_clear(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("dict.clear", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    gc_note_removed(argv[0]);
    table_clear(SELF);
    return VAL_NONE;
}

static Value m_copy(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("dict.copy", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value d = dict_new();
    return table_copy(AS_DICT(d), SELF) ? d : VAL_NULL;
}

static Value m_fromkeys(int argc, Value *argv, ObjDict *kw) {
    // argv[0] is the class (classmethod).
    if (!arg_count("fromkeys", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    Value v = argc > 2 ? argv[2] : VAL_NONE;
    Value d;
    if (!IS_CLASS(argv[0]) || AS_CLASS(argv[0]) == cls_dict) {
        d = dict_new();
    } else {
        d = vm_call(argv[0], 0, NULL, NULL);
        if (!d) {
            return VAL_NULL;
        }
    }
    gc_push_root(d);
    // a builtin iterable's size first: dict.fromkeys(range(10**9)) is a
    // MemoryError at once instead of after filling the memory
    ObjClass *ic = val_class(argv[1]);
    if (IS_DICT(d) && AS_DICT(d)->used == 0 && !(ic->flags & CLS_USER) && ic->len) {
        int64_t n = ic->len(argv[1]);
        if (n < 0 || (n > 0 && !table_resize(AS_DICT(d), (size_t)n))) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    if (IS_DICT(d) && IS_SETISH(argv[1])) {
        // a set's keys with their stored hashes, no __hash__ call (as CPython);
        // (set_entry_next checks its position: an __eq__ may resize the set)
        size_t pos = 0;
        SetEntry *e;
        while ((e = set_entry_next(AS_SET(argv[1]), &pos))) {
            if (table_insert(AS_DICT(d), e->key, e->hash, v) < 0) {
                gc_pop_root(1);
                return VAL_NULL;
            }
        }
        gc_pop_root(1);
        return d;
    }
    Value it = obj_iter(argv[1]);
    if (!it) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(it);
    Value k;
    int r;
    while ((r = obj_next(it, &k)) == 1) {
        bool ok = IS_DICT(d) ? dict_set(AS_DICT(d), k, v) == 0 : obj_setitem(d, k, v);
        if (!ok) {
            r = -1;
            break;
        }
    }
    gc_pop_root(2);
    return r < 0 ? VAL_NULL : d;
}

static Value m_reversed(int argc, Value *argv, ObjDict *kw) {
    return dict_iter_new(cls_dict_rkeyiter, argv[0]);
}

// reversed(d.keys() / d.values() / d.items()): kind 0, 1, 2.
static Value view_reversed(Value view, int kind) {
    Value d = ((ObjDictView *)AS_OBJ(view))->dict;
    return dict_iter_new(kind == 0 ? cls_dict_rkeyiter : kind == 1 ? cls_dict_rvalueiter : cls_dict_ritemiter, d);
}

static Value m_keys_reversed(int argc, Value *argv, ObjDict *kw) {
    return view_reversed(argv[0], 0);
}

static Value m_values_reversed(int argc, Value *argv, ObjDict *kw) {
    return view_reversed(argv[0], 1);
}

static Value m_items_reversed(int argc, Value *argv, ObjDict *kw) {
    return view_reversed(argv[0], 2);
}

// keys/items view isdisjoint(iterable): no element of iterable in the view.
static Value m_view_isdisjoint(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("isdisjoint", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[1]);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    ObjClass *vc = AS_OBJ(argv[0])->cls;
    Value x;
    int r;
    bool disjoint = true;
    while ((r = obj_next(it, &x)) == 1) {
        int c = vc->contains(argv[0], x);
        if (c < 0) {
            r = -1;
            break;
        }
        if (c) {
            disjoint = false;
            break;
        }
    }
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : VAL_BOOL(disjoint);
}

static bool unhashable(Value self, int64_t *out) {
    exc_raise(exc_TypeError, "unhashable type: '%s'", val_type_name(self));
    return false;
}

// dict.__ior__(x): what `d |= x` does, callable by name (CPython's slot
// wrapper message).
static Value m_ior(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "expected 1 argument, got %d", argc - 1);
    }
    return dict_binop(argv[0], argv[1], BIN_OR + BINOP_INPLACE);
}

static const MethodDef dict_methods[] = {
    {"__ior__", m_ior},
    {"keys", m_keys},
    {"values", m_values},
    {"items", m_items},
    {"get", m_get},
    {"setdefault", m_setdefault},
    {"pop", m_pop},
    {"popitem", m_popitem},
    {"update", m_update, true},
    {"clear", m_clear},
    {"copy", m_copy},
    {"__init__", m_init, true},
    {"__reversed__", m_reversed},
    {NULL, NULL},
};

// Second step, once classmethod exists (called by range_init).
// dict_keys/values/items.mapping: a read-only proxy of the dict.
static Value view_mapping(int argc, Value *argv, ObjDict *kw) {
    return mappingproxy_new(((ObjDictView *)AS_OBJ(argv[0]))->dict);
}

void dict_init_late(void) {
    // (properties exist only after class_ready)
    class_add_getter(cls_dict_keys, "mapping", view_mapping);
    class_add_getter(cls_dict_values, "mapping", view_mapping);
    class_add_getter(cls_dict_items, "mapping", view_mapping);
    class_add_classmethod(cls_dict, "fromkeys", m_fromkeys);
    dict_set_str(cls_dict_keys->dict, str_intern_c("__reversed__"),
                 native_new("__reversed__", m_keys_reversed, cls_dict_keys));
    dict_set_str(cls_dict_values->dict, str_intern_c("__reversed__"),
                 native_new("__reversed__", m_values_reversed, cls_dict_values));
    dict_set_str(cls_dict_items->dict, str_intern_c("__reversed__"),
                 native_new("__reversed__", m_items_reversed, cls_dict_items));
    dict_set_str(cls_dict_keys->dict, str_intern_c("isdisjoint"),
                 native_new("isdisjoint", m_view_isdisjoint, cls_dict_keys));
    dict_set_str(cls_dict_items->dict, str_intern_c("isdisjoint"),
                 native_new("isdisjoint", m_view_isdisjoint, cls_dict_items));
}

// dict iterators' __length_hint__(): the entries still to give.
static Value m_dict_iter_length_hint(int argc, Value *argv, ObjDict *kw) {
    ObjDictIter *it = (ObjDictIter *)AS_OBJ(argv[0]);
    return VAL_INT(it->dict ? (int64_t)it->left : 0);
}

// dict iterators' __reduce__(): (iter, (list of what is left,)), as CPython's.
static Value m_dict_iter_reduce(int argc, Value *argv, ObjDict *kw) {
    return iter_reduce_copy(argv[0], sizeof(ObjDictIter));
}

static const MethodDef dict_iter_methods[] = {
    {"__length_hint__", m_dict_iter_length_hint},
    {"__reduce__", m_dict_iter_reduce},
    {NULL, NULL},
};

static ObjClass *make_view(const char *name, Value (*iter)(Value),
                           int (*contains)(Value, Value)) {
    ObjClass *c = class_new_builtin(name, NULL, sizeof(ObjDictView), NULL);
    c->trace = view_trace;
    c->len = view_len;
    c->iter = iter;
    c->contains = contains;
    c->repr = view_repr;
    return c;
}

static ObjClass *make_iter(const char *name, int (*next)(Value, Value *)) {
    ObjClass *c = class_new_builtin(name, NULL, sizeof(ObjDictIter), dict_iter_methods);
    c->trace = dict_iter_trace;
    c->iter = iter_self;
    c->next = next;
    return c;
}

// Creates dict, its views and iterators.
void dict_init(void) {
    cls_dict = class_new_builtin("dict", NULL, sizeof(ObjDict), dict_methods);
    cls_dict->flags |= CLS_BASETYPE;
    cls_dict->new_ = dict_new_;
    cls_dict->trace = dict_trace;
    cls_dict->finalize = dict_finalize;
    cls_dict->hash = unhashable;
    cls_dict->repr = dict_repr;
    cls_dict->richcompare = dict_richcompare;
    cls_dict->binop = dict_binop;
    cls_dict->getitem = dict_getitem;
    cls_dict->setitem = dict_setitem;
    cls_dict->contains = dict_contains;
    cls_dict->len = dict_len;
    cls_dict->truthy = dict_truthy;
    cls_dict->iter = dict_iter;

    cls_dict_keys = make_view("dict_keys", keys_iter, keys_contains);
    cls_dict_keys->binop = view_binop;
    cls_dict_keys->richcompare = view_richcompare;
    cls_dict_values = make_view("dict_values", values_iter, NULL);
    cls_dict_items = make_view("dict_items", items_iter, items_contains);
    cls_dict_items->binop = view_binop;
    cls_dict_items->richcompare = view_richcompare;
    cls_dict_keyiter = make_iter("dict_keyiterator", dict_keyiter_next);
    cls_dict_valueiter = make_iter("dict_valueiterator", dict_valueiter_next);
    cls_dict_itemiter = make_iter("dict_itemiterator", dict_itemiter_next);
    cls_dict_rkeyiter = make_iter("dict_reversekeyiterator", dict_keyiter_next);
    cls_dict_rvalueiter = make_iter("dict_reversevalueiterator", dict_valueiter_next);
    cls_dict_ritemiter = make_iter("dict_reverseitemiterator", dict_itemiter_next);
}
