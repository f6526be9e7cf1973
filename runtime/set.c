// set.c: set and frozenset, on the insertion-ordered table of dict.c (value
// VAL_NULL in every entry), so iteration follows insertion order and pop()
// removes the element iteration would yield first. Holds the methods, the
// operators | & - ^ (and their in-place forms on set), the subset
// comparisons, frozenset's hash (CPython's algorithm minus the table-layout
// terms) and the set iterator.
#include "containers.h"
#include "runtime.h"


#define TBL(v) ((ObjDict *)AS_OBJ(v))

// Makes an empty set of class [cls] (set, frozenset or a subclass).
Value set_new(ObjClass *cls) {
    size_t size = cls->inst_size > sizeof(ObjSet) ? cls->inst_size : sizeof(ObjSet);
    return OBJ_VAL(obj_alloc(cls, size));
}

// Adds [key]: 0 ok, -1 error (unhashable).
int set_add(ObjSet *s, Value key) {
    int64_t h;
    if (!obj_hash(key, &h)) {
        return -1;
    }
    int64_t ix = table_find((ObjDict *)s, key, h);
    if (ix == -2) {
        return -1;
    }
    if (ix == -1) {
        return table_insert((ObjDict *)s, key, h, VAL_NULL);
    }
    return 0;
}

// Membership: 1/0, -1 error. An unhashable set key is looked up frozen.
int set_contains(ObjSet *s, Value key) {
    int64_t h;
    if (!obj_hash(key, &h)) {
        if (IS_A(key, cls_set) && EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            Value f = set_new(cls_frozenset);
            if (!table_copy(TBL(f), TBL(key))) {
                return -1;
            }
            return set_contains(s, f);
        }
        return -1;
    }
    int64_t ix = table_find((ObjDict *)s, key, h);
    return ix == -2 ? -1 : ix >= 0;
}

// Removes [key]: 1 removed, 0 absent, -1 error.
int set_discard(ObjSet *s, Value key) {
    int64_t h;
    if (!obj_hash(key, &h)) {
        return -1;
    }
    int64_t ix = table_find((ObjDict *)s, key, h);
    if (ix < 0) {
        return ix == -1 ? 0 : -1;
    }
    table_remove_at((ObjDict *)s, ix, h);
    return 1;
}

// Adds every element of [iterable] to [s].
static int set_update(ObjSet *s, Value iterable) {
    if (IS_SETISH(iterable) || IS_DICTISH(iterable)) {
        ObjDict *src = TBL(iterable);
        if ((ObjDict *)s == src) {
            return 0;
        }
        if (s->used == 0) {
            table_clear((ObjDict *)s);
            if (IS_SETISH(iterable)) {
                return table_copy((ObjDict *)s, src) ? 0 : -1;
            }
        }
        for (size_t i = 0; i < src->nentries; i++) {
            DictEntry *e = &src->entries[i];
            if (e->key) {
                int64_t ix = table_find((ObjDict *)s, e->key, e->hash);
                if (ix == -2) {
                    return -1;
                }
                if (ix == -1 && table_insert((ObjDict *)s, e->key, e->hash, VAL_NULL) < 0) {
                    return -1;
                }
            }
        }
        return 0;
    }
    Value it = obj_iter(iterable);
    if (!it) {
        return -1;
    }
    gc_push_root(it);
    Value v;
    int r;
    while ((r = obj_next(it, &v)) == 1) {
        if (set_add(s, v) < 0) {
            r = -1;
            break;
        }
    }
    gc_pop_root(1);
    return r < 0 ? -1 : 0;
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

static Value set_copy_as(ObjClass *cls, Value v) {
    Value s = set_new(cls);
    return table_copy(TBL(s), TBL(v)) ? s : VAL_NULL;
}

// [v] as a set (itself when it is one already); VAL_NULL on error.
static Value as_set(Value v) {
    return IS_SETISH(v) ? v : set_from_iterable(cls_set, v);
}

// Elements of [a] that are (keep=true) or are not in [b].
static Value set_filter(ObjClass *cls, Value a, Value b, bool keep) {
    Value r = set_new(cls);
    gc_push_root(r);
    ObjDict *x = TBL(a);
    for (size_t i = 0; i < x->nentries; i++) {
        DictEntry *e = &x->entries[i];
        if (!e->key) {
            continue;
        }
        Value k = e->key;
        int64_t h = e->hash;
        int64_t ix = table_find(TBL(b), k, h);
        if (ix == -2) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if ((ix >= 0) == keep && table_insert(TBL(r), k, h, VAL_NULL) < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return r;
}

static Value set_xor(ObjClass *cls, Value a, Value b) {
    Value r = set_filter(cls, a, b, false);
    if (!r) {
        return VAL_NULL;
    }
    gc_push_root(r);
    Value r2 = set_filter(cls, b, a, false);
    gc_pop_root(1);
    if (!r2 || set_update(AS_SET(r), r2) < 0) {
        return VAL_NULL;
    }
    return r;
}

// Replaces the contents of [dst] by those of the set [src].
// False: MemoryError ([dst] is left empty).
static bool set_assign(Value dst, Value src) {
    table_clear(TBL(dst));
    return table_copy(TBL(dst), TBL(src));
}

static Value set_binop(Value a, Value b, int op) {
    if (!IS_SETISH(a) || !IS_SETISH(b)) {
        return VAL_NOTIMPL;
    }
    bool inplace = op >= BINOP_INPLACE;
    if (inplace && IS_KIND(a, cls_frozenset)) {
        return VAL_NOTIMPL;     // falls back to the plain operator
    }
    int base = inplace ? op - BINOP_INPLACE : op;
    ObjClass *cls = result_class(a);
    Value r;
    switch (base) {
    case BIN_OR:
        if (inplace) {
            return set_update(AS_SET(a), b) < 0 ? VAL_NULL : a;
        }
        r = set_copy_as(cls, a);
        gc_push_root(r);
        if (set_update(AS_SET(r), b) < 0) {
            r = VAL_NULL;
        }
        gc_pop_root(1);
        return r;
    case BIN_AND:
        r = set_filter(cls, a, b, true);
        break;
    case BIN_SUB:
        r = set_filter(cls, a, b, false);
        break;
    case BIN_XOR:
        r = set_xor(cls, a, b);
        break;
    default:
        return VAL_NOTIMPL;
    }
    if (r && inplace) {
        return set_assign(a, r) ? a : VAL_NULL;
    }
    return r;
}

// 1 when every element of [a] is in [b].
static int set_issubset(Value a, Value b) {
    if (TBL(a)->used > TBL(b)->used) {
        return 0;
    }
    ObjDict *x = TBL(a);
    for (size_t i = 0; i < x->nentries; i++) {
        DictEntry *e = &x->entries[i];
        if (e->key) {
            int64_t ix = table_find(TBL(b), e->key, e->hash);
            if (ix == -2) {
                return -1;
            }
            if (ix == -1) {
                return 0;
            }
        }
    }
    return 1;
}

static Value set_richcompare(Value a, Value b, int op) {
    if (!IS_SETISH(a) || !IS_SETISH(b)) {
        return VAL_NOTIMPL;
    }
    size_t na = TBL(a)->used, nb = TBL(b)->used;
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
    ObjDict *d = TBL(self);
    const char *name = AS_OBJ(self)->cls->name->data;
    bool plain = AS_OBJ(self)->cls == cls_set;
    if (d->used == 0) {
        return str_printf("%s()", name);
    }
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_printf("%s(...)", name) : VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    if (!plain) {
        sb_adds(&b, name);
        sb_adds(&b, "(");
    }
    sb_adds(&b, "{");
    bool first = true;
    for (size_t i = 0; i < d->nentries; i++) {
        Value k = d->entries[i].key;
        if (!k) {
            continue;
        }
        if (!first) {
            sb_adds(&b, ", ");
        }
        first = false;
        if (!ct_addrepr(&b, k)) {
            sb_free(&b);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
    sb_adds(&b, plain ? "}" : "})");
    repr_leave(AS_OBJ(self));
    return sb_finish(&b);
}

static uint64_t shuffle_bits(uint64_t h) {
    return ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL;
}

static bool frozenset_hash(Value self, int64_t *out) {
    ObjDict *d = TBL(self);
    uint64_t h = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key) {
            h ^= shuffle_bits((uint64_t)d->entries[i].hash);
        }
    }
    h ^= ((uint64_t)d->used + 1) * 1927868237ULL;
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
    return (int64_t)TBL(self)->used;
}

static int set_truthy(Value self) {
    return TBL(self)->used != 0;
}

static void set_trace(Obj *o) {
    table_trace((ObjDict *)o);
}

static void set_finalize(Obj *o) {
    table_free((ObjDict *)o);
}

// ---- iterator

typedef struct ObjSetIter {
    Obj hdr;
    Value set;
    size_t pos, used;
} ObjSetIter;

static Value set_iter(Value self) {
    ObjSetIter *it = (ObjSetIter *)obj_alloc(cls_set_iter, sizeof(ObjSetIter));
    it->set = self;
    it->used = TBL(self)->used;
    return OBJ_VAL(it);
}

static int set_iter_next(Value self, Value *out) {
    ObjSetIter *it = (ObjSetIter *)AS_OBJ(self);
    if (!it->set) {
        return 0;
    }
    ObjDict *d = TBL(it->set);
    if (d->used != it->used) {
        it->used = (size_t)-1;
        exc_raise(exc_RuntimeError, "Set changed size during iteration");
        return -1;
    }
    while (it->pos < d->nentries) {
        Value k = d->entries[it->pos++].key;
        if (k) {
            *out = k;
            return 1;
        }
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
    const char *name = class_is_subclass(cls, cls_frozenset) ? "frozenset" : "set";
    if (kw && kw->used) {
        return exc_raise(exc_TypeError, "%s() takes no keyword arguments", name);
    }
    if (!arg_count(name, argc, 0, 1)) {
        return VAL_NULL;
    }
    if (cls == cls_frozenset && argc == 1 && IS_A(argv[0], cls_frozenset)) {
        return argv[0];
    }
    if (argc && !has_user_init(cls)) {
        return set_from_iterable(cls, argv[0]);
    }
    return set_new(cls);
}

// set.__init__(iterable=()).
static Value m_init(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("set", kw) || !arg_count("set", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    table_clear(TBL(argv[0]));
    if (argc > 1 && set_update(AS_SET(argv[0]), argv[1]) < 0) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

// ---- methods

#define SELF AS_SET(argv[0])

static Value m_add(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "set.add() takes exactly one argument (%d given)", argc - 1);
    }
    return set_add(SELF, argv[1]) < 0 ? VAL_NULL : VAL_NONE;
}

static Value m_remove(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "set.remove() takes exactly one argument (%d given)",
                         argc - 1);
    }
    int r = set_discard(SELF, argv[1]);
    if (r == 0) {
        return dict_key_error(argv[1]);
    }
    return r < 0 ? VAL_NULL : VAL_NONE;
}

static Value m_discard(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "set.discard() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return set_discard(SELF, argv[1]) < 0 ? VAL_NULL : VAL_NONE;
}

static Value m_pop(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set.pop", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjDict *d = TBL(argv[0]);
    if (d->used == 0) {
        return dict_key_error(str_from_c("pop from an empty set"));
    }
    size_t p = 0;
    while (!d->entries[p].key) {
        p++;
    }
    if (p > 16 && p > d->used) {
        // A long run of deleted entries in front: compact (amortized O(1)).
        ObjDict tmp;
        memset(&tmp, 0, sizeof tmp);
        if (table_copy(&tmp, d)) {
            table_free(d);
            d->index = tmp.index;
            d->entries = tmp.entries;
            d->mask = tmp.mask;
            d->cap = tmp.cap;
            d->nentries = tmp.nentries;
            d->used = tmp.used;
            p = 0;
        } else {
            exc_clear();    // no room to compact: pop from the table as it is
        }
    }
    Value k = d->entries[p].key;
    table_remove_at(d, (int64_t)p, d->entries[p].hash);
    return k;
}

static Value m_clear(int argc, Value *argv, ObjDict *kw) {
    table_clear(TBL(argv[0]));
    return VAL_NONE;
}

static Value m_copy(int argc, Value *argv, ObjDict *kw) {
    if (IS_A(argv[0], cls_frozenset)) {
        return argv[0];
    }
    return set_copy_as(result_class(argv[0]), argv[0]);
}

static Value m_update(int argc, Value *argv, ObjDict *kw) {
    for (int i = 1; i < argc; i++) {
        if (set_update(SELF, argv[i]) < 0) {
            return VAL_NULL;
        }
    }
    return VAL_NONE;
}

static Value m_union(int argc, Value *argv, ObjDict *kw) {
    Value r = set_copy_as(result_class(argv[0]), argv[0]);
    gc_push_root(r);
    for (int i = 1; i < argc; i++) {
        if (set_update(AS_SET(r), argv[i]) < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return r;
}

// Applies the set operation [op] with every argument in turn.
static Value fold(int argc, Value *argv, int op) {
    ObjClass *cls = result_class(argv[0]);
    Value r = set_copy_as(cls, argv[0]);
    for (int i = 1; i < argc; i++) {
        gc_push_root(r);
        Value o = as_set(argv[i]);
        if (!o) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        gc_push_root(o);
        Value n = op == BIN_AND ? set_filter(cls, r, o, true)
                  : op == BIN_SUB ? set_filter(cls, r, o, false)
                                  : set_xor(cls, r, o);
        gc_pop_root(2);
        if (!n) {
            return VAL_NULL;
        }
        r = n;
    }
    return r;
}

static Value m_intersection(int argc, Value *argv, ObjDict *kw) {
    return fold(argc, argv, BIN_AND);
}

static Value m_difference(int argc, Value *argv, ObjDict *kw) {
    return fold(argc, argv, BIN_SUB);
}

static Value m_symmetric_difference(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("symmetric_difference", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return fold(argc, argv, BIN_XOR);
}

static Value update_with(int argc, Value *argv, int op) {
    Value r = fold(argc, argv, op);
    if (!r) {
        return VAL_NULL;
    }
    return set_assign(argv[0], r) ? VAL_NONE : VAL_NULL;
}

static Value m_intersection_update(int argc, Value *argv, ObjDict *kw) {
    return update_with(argc, argv, BIN_AND);
}

static Value m_difference_update(int argc, Value *argv, ObjDict *kw) {
    return update_with(argc, argv, BIN_SUB);
}

static Value m_symmetric_difference_update(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("symmetric_difference_update", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return update_with(argc, argv, BIN_XOR);
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
    if (!arg_count("issubset", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return subset_call(argv[0], argv[1], false);
}

static Value m_issuperset(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("issuperset", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return subset_call(argv[0], argv[1], true);
}

static Value m_isdisjoint(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("isdisjoint", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value o = as_set(argv[1]);
    if (!o) {
        return VAL_NULL;
    }
    gc_push_root(o);
    Value r = set_filter(cls_set, argv[0], o, true);
    gc_pop_root(1);
    return r ? VAL_BOOL(TBL(r)->used == 0) : VAL_NULL;
}

static Value m_contains(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count(IS_KIND(argv[0], cls_frozenset) ? "frozenset.__contains__" : "set.__contains__",
                   argc - 1, 1, 1)) {
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

    cls_set_iter = class_new_builtin("set_iterator", NULL, sizeof(ObjSetIter), NULL);
    cls_set_iter->trace = set_iter_trace;
    cls_set_iter->iter = iter_self;
    cls_set_iter->next = set_iter_next;
}
