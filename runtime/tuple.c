// tuple.c: the immutable tuple (ObjTuple, items inline after the header):
// construction helpers, repr, CPython's xxHash-based hash (so hash((1, 2))
// matches python3), lexicographic comparison shared with list, + and *,
// indexing and slicing, the tuple iterator, and the index-conversion helper
// every sequence uses.
#include "containers.h"
#include "runtime.h"
#include "gc.h"


// Tuples up to this length are slab objects (gc.h's obj_alloc_small).
#define TUPLE_SMALL_MAX ((256 - sizeof(ObjTuple)) / sizeof(Value))

typedef struct ObjSeqIter {
    Obj hdr;
    Value seq;
    size_t i;
} ObjSeqIter;

Value tuple_new(size_t len) {
    if (len <= TUPLE_SMALL_MAX) {
        // the slab free list inline (perf: a 2-tuple built per set probe
        // went through three calls to obj_alloc_data)
        ObjTuple *t = (ObjTuple *)obj_alloc_small(cls_tuple, sizeof(ObjTuple) + len * sizeof(Value));
        t->hash = -1;
        t->len = len;
        return OBJ_VAL(t);
    }
    size_t size;
    if (!mem_size(len, sizeof(Value), sizeof(ObjTuple), &size)) {
        return VAL_NULL;
    }
    ObjTuple *t = (ObjTuple *)obj_try_alloc(cls_tuple, size);
    if (!t) {
        return VAL_NULL;
    }
    t->hash = -1;
    t->len = len;
    return OBJ_VAL(t);
}

// Makes a tuple of the [n] Value arguments.
Value tuple_pack(int n, ...) {
    Value t = tuple_new((size_t)n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        AS_TUPLE(t)->items[i] = va_arg(ap, Value);
    }
    va_end(ap);
    return t;
}

// tuple(iterable): the same tuple for an exact tuple.
Value seq_to_tuple(Value iterable) {
    if (IS_TUPLE(iterable)) {
        return iterable;
    }
    if (IS_LISTISH(iterable) && AS_OBJ(iterable)->cls->iter == cls_list->iter) {    // (not a subclass's own __iter__)
        ObjList *l = AS_LIST(iterable);
        Value t = tuple_new(l->len);
        if (t && l->len) {
            memcpy(AS_TUPLE(t)->items, l->items, l->len * sizeof(Value));
        }
        return t;
    }
    Value l = seq_to_list(iterable);
    if (!l) {
        return VAL_NULL;
    }
    Value t = tuple_new(AS_LIST(l)->len);
    if (!t) {
        return VAL_NULL;
    }
    memcpy(AS_TUPLE(t)->items, AS_LIST(l)->items, AS_LIST(l)->len * sizeof(Value));
    return t;
}

// Converts an index [v] (int, bool, object with __index__) to int64.
bool index_value(Value v, const char *what, int64_t *out) {
    if (IS_SMALL(v)) {
        *out = AS_SMALL(v);
        return true;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        *out = v == VAL_TRUE;
        return true;
    }
    if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_int)) {
        if (IS_BIGINT(v) || AS_OBJ(v)->cls->native_base == cls_int) {
            if (!int_to_i64(v, out)) {
                exc_clear();
                exc_raise(exc_IndexError, "cannot fit 'int' into an index-sized integer");
                return false;
            }
            return true;
        }
    }
    if (IS_OBJ(v)) {
        bool found;     // a descriptor is bound first, as CPython's slot lookup does
        Value r = call_method_opt(v, str_intern_c("__index__"), 0, NULL, &found);
        if (found) {
            if (!r) {
                return false;
            }
            if (!IS_INT(r)) {
                exc_raise(exc_TypeError, "__index__ returned non-int (type %s)", val_type_name(r));
                return false;
            }
            return index_value(r, what, out);
        }
    }
    if (what) {
        exc_raise(exc_TypeError, "%s indices must be integers or slices, not %s", what,
                  val_type_name(v));
    } else {
        exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer",
                  val_type_name(v));
    }
    return false;
}

// Items and length of a list- or tuple-shaped value.
static inline void seq_view(Value v, Value **items, size_t *len) {
    if (IS_TUPLEISH(v)) {
        *items = AS_TUPLE(v)->items;
        *len = AS_TUPLE(v)->len;
    } else {
        *items = AS_LIST(v)->items;
        *len = AS_LIST(v)->len;
    }
}

// Lexicographic comparison of two sequences of the same kind.
Value seq_compare(Value a, Value b, int op) {
    bool la = IS_LISTISH(a);
    if (la ? !IS_LISTISH(b) : !IS_TUPLEISH(b)) {
        return VAL_NOTIMPL;
    }
    Value *ia, *ib;
    size_t na, nb, i = 0;
    seq_view(a, &ia, &na);
    seq_view(b, &ib, &nb);
    for (;;) {
        if (la) {
            // a list may change under __eq__: its items are read again
            seq_view(a, &ia, &na);
            seq_view(b, &ib, &nb);
        }
        if (i >= na || i >= nb) {
            break;
        }
        Value x = ia[i], y = ib[i];
        if (x != y && IS_SMALL(x) && IS_SMALL(y)) {
            // two different small ints decide it at once
            if (op == OP_EQ || op == OP_NE) {
                return VAL_BOOL(op == OP_NE);
            }
            int64_t p = AS_SMALL(x), q = AS_SMALL(y);
            return VAL_BOOL(op == OP_LT ? p < q : op == OP_LE ? p <= q : op == OP_GT ? p > q : p >= q);
        }
        if (x != y) {
            int eq = obj_eq(x, y);
            if (eq < 0) {
                return VAL_NULL;
            }
            if (!eq) {
                if (op == OP_EQ) {
                    return VAL_FALSE;
                }
                if (op == OP_NE) {
                    return VAL_TRUE;
                }
                return obj_compare(x, y, op);
            }
        }
        i++;
    }
    bool r;
    switch (op) {
    case OP_LT: r = na < nb; break;
    case OP_LE: r = na <= nb; break;
    case OP_EQ: r = na == nb; break;
    case OP_NE: r = na != nb; break;
    case OP_GT: r = na > nb; break;
    default: r = na >= nb; break;
    }
    return VAL_BOOL(r);
}

static Value tuple_repr(Value self) {
    ObjTuple *t = AS_TUPLE(self);
    if (t->len == 0) {
        return str_from_c("()");
    }
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("(...)") : VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    sb_adds(&b, "(");
    for (size_t i = 0; i < t->len; i++) {
        if (i) {
            sb_adds(&b, ", ");
        }
        if (!ct_addrepr(&b, t->items[i])) {
            sb_free(&b);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
    sb_adds(&b, t->len == 1 ? ",)" : ")");
    repr_leave(AS_OBJ(self));
    return sb_finish(&b);
}

// CPython 3.11 tuplehash (xxHash-based).
static bool tuple_hash(Value self, int64_t *out) {
    ObjTuple *t = AS_TUPLE(self);
    if (t->hash != -1) {
        *out = t->hash;
        return true;
    }
    const uint64_t P1 = 11400714785074694791ULL, P2 = 14029467366897019727ULL,
                   P5 = 2870177450012600261ULL;
    uint64_t acc = P5;
    for (size_t i = 0; i < t->len; i++) {
        int64_t h;
        if (!obj_hash(t->items[i], &h)) {
            return false;
        }
        acc += (uint64_t)h * P2;
        acc = (acc << 31) | (acc >> 33);
        acc *= P1;
    }
    acc += (uint64_t)t->len ^ (P5 ^ 3527539ULL);
    if (acc == (uint64_t)-1) {
        acc = 1546275796;
    }
    t->hash = (int64_t)acc;
    *out = t->hash;
    return true;
}

int seq_repeat_count(Value nv, int64_t *n) {
    if (!is_intlike(nv)) {
        if (val_class(nv)->flags & CLS_USER) {
            return 0;
        }
        exc_raise(exc_TypeError, "can't multiply sequence by non-int of type '%s'", val_type_name(nv));
        return -1;
    }
    if (IS_SMALL(nv)) {
        *n = AS_SMALL(nv);
        return 1;
    }
    if (nv == VAL_TRUE || nv == VAL_FALSE) {
        *n = nv == VAL_TRUE;
        return 1;
    }
    if (!int_to_i64(nv, n)) {
        exc_clear();
        exc_raise(exc_OverflowError, "cannot fit 'int' into an index-sized integer");
        return -1;
    }
    return 1;
}

static Value tuple_binop(Value a, Value b, int op) {
    if (op == BIN_ADD) {
        if (!IS_TUPLEISH(a)) {
            return VAL_NOTIMPL;
        }
        if (!IS_TUPLEISH(b)) {
            if (!(val_class(b)->flags & CLS_USER)) {
                return exc_raise(exc_TypeError,
                                 "can only concatenate tuple (not \"%s\") to tuple",
                                 val_type_name(b));
            }
            return VAL_NOTIMPL;
        }
        ObjTuple *x = AS_TUPLE(a), *y = AS_TUPLE(b);
        if (y->len == 0 && IS_TUPLE(a)) {
            return a;
        }
        if (x->len == 0 && IS_TUPLE(b)) {
            return b;
        }
        Value r = tuple_new(x->len + y->len);
        if (!r) {
            return VAL_NULL;
        }
        memcpy(AS_TUPLE(r)->items, x->items, x->len * sizeof(Value));
        memcpy(AS_TUPLE(r)->items + x->len, y->items, y->len * sizeof(Value));
        return r;
    }
    if (op == BIN_MUL) {
        Value seq = IS_TUPLEISH(a) ? a : b, nv = seq == a ? b : a;
        int64_t n;
        int k = seq_repeat_count(nv, &n);
        if (k <= 0) {
            return k ? VAL_NULL : VAL_NOTIMPL;
        }
        ObjTuple *t = AS_TUPLE(seq);
        if (t->len == 0 && IS_TUPLE(seq)) {
            return seq;     // CPython's empty tuple is one object: () * n is ()
        }
        if (n <= 0 || t->len == 0) {
            return tuple_new(0);
        }
        if (n == 1 && IS_TUPLE(seq)) {
            return seq;
        }
        if ((uint64_t)n > (uint64_t)INT64_MAX / t->len) {
            return exc_raise_nomem();
        }
        Value r = tuple_new(t->len * (size_t)n);
        if (!r) {
            return VAL_NULL;
        }
        mem_fill_repeat(AS_TUPLE(r)->items, t->items, t->len * sizeof(Value), (size_t)n);
        return r;
    }
    return VAL_NOTIMPL;
}

static Value tuple_getitem(Value self, Value key) {
    ObjTuple *t = AS_TUPLE(self);
    if (IS_SMALL(key)) {
        int64_t i = AS_SMALL(key);
        if (i < 0) {
            i += (int64_t)t->len;
        }
        if (i < 0 || i >= (int64_t)t->len) {
            return exc_raise(exc_IndexError, "tuple index out of range");
        }
        return t->items[i];
    }
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)t->len, &start, &stop, &step, &n)) {
            return VAL_NULL;
        }
        if (step == 1 && n == (int64_t)t->len && IS_TUPLE(self)) {
            return self;
        }
        Value r = tuple_new((size_t)n);
        if (!r) {
            return VAL_NULL;
        }
        for (int64_t k = 0; k < n; k++) {
            AS_TUPLE(r)->items[k] = t->items[start + k * step];
        }
        return r;
    }
    int64_t i;
    if (!index_value(key, "tuple", &i)) {
        return VAL_NULL;
    }
    return tuple_getitem(self, MK_SMALL(i < -(int64_t)t->len - 1 ? -(int64_t)t->len - 1 : i > (int64_t)t->len ? (int64_t)t->len : i));
}

static int tuple_contains(Value self, Value item) {
    ObjTuple *t = AS_TUPLE(self);
    for (size_t i = 0; i < t->len; i++) {
        if (t->items[i] == item) {
            return 1;
        }
        int eq = obj_eq(t->items[i], item);
        if (eq != 0) {
            return eq;
        }
    }
    return 0;
}

static int64_t tuple_len(Value self) {
    return (int64_t)AS_TUPLE(self)->len;
}

static int tuple_truthy(Value self) {
    return AS_TUPLE(self)->len != 0;
}

static void tuple_trace(Obj *o) {
    ObjTuple *t = (ObjTuple *)o;
    for (size_t i = 0; i < t->len; i++) {
        gc_mark_value(t->items[i]);
    }
}

static Value tuple_iter(Value self) {
    ObjSeqIter *it = (ObjSeqIter *)obj_alloc_small(cls_tuple_iter, sizeof(ObjSeqIter));
    it->seq = self;
    return OBJ_VAL(it);
}

// tuple_iterator.__length_hint__(): the items not yet given (0 once done).
static Value m_tuple_iter_length_hint(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    size_t len = it->seq ? AS_TUPLE(it->seq)->len : 0;
    return VAL_INT(it->seq && it->i < len ? (int64_t)(len - it->i) : 0);
}

// tuple_iterator.__reduce__(): (iter, (tuple,), index), or (iter, ((),))
// once exhausted, as CPython 3.11 (copy and pickle use it).
static Value m_tuple_iter_reduce(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    return iter_reduce_at("iter", it->seq, (int64_t)it->i, it->seq ? VAL_NULL : tuple_new(0));
}

// tuple_iterator.__setstate__(index): the next index, clamped to [0, len].
static Value m_tuple_iter_setstate(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    int64_t i, len = it->seq ? (int64_t)AS_TUPLE(it->seq)->len : 0;
    if (!iter_setstate_at(argc, argv, 0, len, &i)) {
        return VAL_NULL;
    }
    if (it->seq) {
        it->i = (size_t)i;
    }
    return VAL_NONE;
}

static const MethodDef tuple_iter_methods[] = {
    {"__length_hint__", m_tuple_iter_length_hint},
    {"__reduce__", m_tuple_iter_reduce},
    {"__setstate__", m_tuple_iter_setstate},
    {NULL, NULL},
};

static int tuple_iter_next(Value self, Value *out) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(self);
    if (!it->seq) {
        return 0;
    }
    ObjTuple *t = AS_TUPLE(it->seq);
    if (it->i < t->len) {
        *out = t->items[it->i++];
        return 1;
    }
    it->seq = VAL_NULL;
    return 0;
}

static Value iter_self(Value self) {
    return self;
}

static void seq_iter_trace(Obj *o) {
    gc_mark_value(((ObjSeqIter *)o)->seq);
}

static Value tuple_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_new_no_kw(cls, "tuple", kw) || !arg_count("tuple", argc, 0, 1)) {
        return VAL_NULL;
    }
    Value t = argc ? seq_to_tuple(argv[0]) : tuple_new(0);
    if (!t || cls == cls_tuple) {
        return t;
    }
    // A subclass instance: same layout, the subclass as class.
    size_t n = AS_TUPLE(t)->len;
    size_t size = sizeof(ObjTuple) + n * sizeof(Value);
    if (cls->inst_size > sizeof(ObjTuple)) {
        size += cls->inst_size - sizeof(ObjTuple);  // room for a subclass's trailing dict
    }
    ObjTuple *r = (ObjTuple *)obj_alloc(cls, size);
    r->hash = -1;
    r->len = n;
    memcpy(r->items, AS_TUPLE(t)->items, n * sizeof(Value));
    return OBJ_VAL(r);
}

static Value m_count(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("tuple.count", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    int64_t c = 0;
    ObjTuple *t = AS_TUPLE(argv[0]);
    for (size_t i = 0; i < t->len; i++) {
        int eq = obj_eq(t->items[i], argv[1]);
        if (eq < 0) {
            return VAL_NULL;
        }
        c += eq;
    }
    return MK_SMALL(c);
}

// A start/stop bound of index(): as index_value, but an int too big for int64
// saturates (CPython's _PyEval_SliceIndex), so l.index(x, -10**30, 10**30) searches
// the whole sequence.
bool index_bound_value(Value v, int64_t *out) {
    if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_int) && !int_to_i64(v, out)) {
        exc_clear();
        int neg = obj_lt(v, MK_SMALL(0));
        if (neg < 0) {
            return false;
        }
        *out = neg ? -((int64_t)1 << 62) : (int64_t)1 << 62;
        return true;
    }
    return index_value(v, NULL, out);
}

// A position argument of list.pop/insert: as index_value, but an int too big for
// int64 is CPython's OverflowError (it must fit a C ssize_t).
bool ssize_value(Value v, int64_t *out) {
    if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_int) && !int_to_i64(v, out)) {
        exc_clear();
        exc_raise(exc_OverflowError, "Python int too large to convert to C ssize_t");
        return false;
    }
    return index_value(v, NULL, out);
}

// Clamps optional start/stop arguments of index() to [0, len].
bool index_bounds(int argc, Value *argv, int64_t len, int64_t *lo, int64_t *hi) {
    *lo = 0;
    *hi = len;
    int64_t *p[2] = {lo, hi};
    for (int k = 0; k < 2 && k + 2 < argc; k++) {
        int64_t v;
        if (!index_bound_value(argv[k + 2], &v)) {
            if (EXC_PENDING_IS(exc_TypeError) && !class_lookup(val_class(argv[k + 2]), str_intern_c("__index__"))) {
                exc_clear();
                exc_raise(exc_TypeError, "slice indices must be integers or have an __index__ method");
            }
            return false;
        }
        if (v < 0) {
            v += len;
            if (v < 0) {
                v = 0;
            }
        }
        if (v > len) {
            v = len;
        }
        *p[k] = v;
    }
    return true;
}

static Value m_index(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("index", argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    ObjTuple *t = AS_TUPLE(argv[0]);
    int64_t lo, hi;
    if (!index_bounds(argc, argv, (int64_t)t->len, &lo, &hi)) {
        return VAL_NULL;
    }
    for (int64_t i = lo; i < hi && i < (int64_t)t->len; i++) {
        int eq = obj_eq(t->items[i], argv[1]);
        if (eq < 0) {
            return VAL_NULL;
        }
        if (eq) {
            return MK_SMALL(i);
        }
    }
    return exc_raise(exc_ValueError, "tuple.index(x): x not in tuple");
}

static const MethodDef tuple_methods[] = {
    {"count", m_count},
    {"index", m_index},
    {NULL, NULL},
};

// Creates the tuple class and its iterator class.
void tuple_init(void) {
    cls_tuple = class_new_builtin("tuple", NULL, sizeof(ObjTuple), tuple_methods);
    cls_tuple->flags |= CLS_BASETYPE;
    cls_tuple->new_ = tuple_new_;
    cls_tuple->trace = tuple_trace;
    cls_tuple->repr = tuple_repr;
    cls_tuple->hash = tuple_hash;
    cls_tuple->richcompare = seq_compare;
    cls_tuple->binop = tuple_binop;
    cls_tuple->getitem = tuple_getitem;
    cls_tuple->contains = tuple_contains;
    cls_tuple->len = tuple_len;
    cls_tuple->truthy = tuple_truthy;
    cls_tuple->iter = tuple_iter;

    cls_tuple_iter = class_new_builtin("tuple_iterator", NULL, sizeof(ObjSeqIter), tuple_iter_methods);
    cls_tuple_iter->trace = seq_iter_trace;
    cls_tuple_iter->iter = iter_self;
    cls_tuple_iter->next = tuple_iter_next;
}
