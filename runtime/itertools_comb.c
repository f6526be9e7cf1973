// itertools_comb.c: the combinatoric iterators of itertools (see
// itertools.h): product, permutations, combinations and
// combinations_with_replacement, after CPython 3.11's itertoolsmodule.c.
// Each keeps its pool(s) as tuples, its indices in a C array and the last
// result, which the next step copies and updates from the leftmost index
// that changed.
#include "containers.h"
#include "class.h"
#include "itertools.h"

// One layout for the four.
typedef struct ObjComb {
    Obj hdr;
    Value pool;         // tuple (product: a tuple of npools tuples)
    Value result;       // the last result tuple, VAL_NULL before the first
    int64_t *indices;   // n (permutations), r or npools entries
    int64_t *cycles;    // permutations: r entries
    int64_t n, r;       // pool size (product: unused) and result size
    size_t nindices;    // entries of indices
    bool stopped;
} ObjComb;

// Entries allocated for an array of [n] (at least one).
#define NALLOC(n) ((size_t)((n) > 0 ? (n) : 1))
#define COMB(v) ((ObjComb *)AS_OBJ(v))

static void comb_trace(Obj *o) {
    gc_mark_value(((ObjComb *)o)->pool);
    gc_mark_value(((ObjComb *)o)->result);
}

static void comb_finalize(Obj *o) {
    ObjComb *c = (ObjComb *)o;
    if (c->indices) {
        mem_free(c->indices, NALLOC(c->nindices) * sizeof(int64_t));
        c->indices = NULL;
    }
    if (c->cycles) {
        mem_free(c->cycles, NALLOC(c->r) * sizeof(int64_t));
        c->cycles = NULL;
    }
}

// A zeroed array of [n] int64s; NULL with MemoryError.
static int64_t *index_array(int64_t n) {
    size_t bytes;
    if (!mem_size(NALLOC(n), sizeof(int64_t), 0, &bytes)) {
        return NULL;
    }
    int64_t *a = mem_try_alloc(bytes);
    if (a) {
        memset(a, 0, bytes);
    }
    return a;
}

// A new instance of [cls] over [pool] with [nindices] indices.
static Value comb_new(ObjClass *cls, Value pool, int64_t nindices) {
    int64_t *ix = index_array(nindices);
    if (!ix) {
        return VAL_NULL;
    }
    gc_push_root(pool);
    ObjComb *c = (ObjComb *)obj_alloc(cls, sizeof(ObjComb));
    gc_pop_root(1);
    c->pool = pool;
    c->indices = ix;
    c->nindices = (size_t)nindices;
    return OBJ_VAL(c);
}

// A copy of the last result to update (results are never reused).
static Value copy_result(ObjComb *c) {
    ObjTuple *old = AS_TUPLE(c->result);
    Value t = tuple_new(old->len);
    values_copy(AS_TUPLE(t)->items, old->items, old->len);
    return t;
}

// r as permutations() reads it: an exact int or a subclass ("Expected int as r").
static bool perm_r(Value v, int64_t *r) {
    if (!IS_INT(v) && v != VAL_TRUE && v != VAL_FALSE && !class_is_subclass(val_class(v), cls_int)) {
        exc_raise(exc_TypeError, "Expected int as r");
        return false;
    }
    return ssize_value(v, r);
}

// ---- product(*iterables, repeat=1)

static Value product_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    int64_t repeat = 1;
    if (kw && kw->used) {
        Value rv = kw_get(kw, "repeat");
        static const char *const names[] = {"repeat", NULL};
        if (!kw_only("product", kw, names) || !rv) {
            return VAL_NULL;
        }
        if (!ssize_value(rv, &repeat)) {
            return VAL_NULL;
        }
        if (repeat < 0) {
            return exc_raise(exc_ValueError, "repeat argument cannot be negative");
        }
    }
    if (repeat && argc > INT64_MAX / 8 / repeat) {
        return exc_raise(exc_OverflowError, "repeat argument too large");
    }
    int64_t npools = argc * repeat;
    Value pools = tuple_new((size_t)npools);
    if (!pools) {
        return VAL_NULL;
    }
    for (int64_t i = 0; i < npools; i++) {
        AS_TUPLE(pools)->items[i] = VAL_NONE;
    }
    gc_push_root(pools);
    for (int i = 0; i < argc; i++) {
        Value t = seq_to_tuple(argv[i]);
        if (!t) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if (i < npools) {     // repeat=0 still reads every iterable
            AS_TUPLE(pools)->items[i] = t;
        }
    }
    for (int64_t i = argc; i < npools; i++) {
        AS_TUPLE(pools)->items[i] = AS_TUPLE(pools)->items[i - argc];
    }
    Value r = comb_new(cls, pools, npools);
    gc_pop_root(1);
    return r;
}

static int product_next(Value self, Value *out) {
    ObjComb *p = COMB(self);
    if (p->stopped) {
        return 0;
    }
    ObjTuple *pools = AS_TUPLE(p->pool);
    size_t npools = pools->len;
    Value res;
    if (!p->result) {
        res = tuple_new(npools);
        for (size_t i = 0; i < npools; i++) {
            ObjTuple *pool = AS_TUPLE(pools->items[i]);
            if (pool->len == 0) {
                for (size_t j = i; j < npools; j++) {
                    AS_TUPLE(res)->items[j] = VAL_NONE;
                }
                p->stopped = true;
                return 0;
            }
            AS_TUPLE(res)->items[i] = pool->items[0];
        }
    } else {
        res = copy_result(p);
        int64_t i;
        for (i = (int64_t)npools - 1; i >= 0; i--) {
            ObjTuple *pool = AS_TUPLE(pools->items[i]);
            p->indices[i]++;
            if ((size_t)p->indices[i] == pool->len) {
                p->indices[i] = 0;
                AS_TUPLE(res)->items[i] = pool->items[0];
            } else {
                AS_TUPLE(res)->items[i] = pool->items[p->indices[i]];
                break;
            }
        }
        if (i < 0) {
            p->stopped = true;
            return 0;
        }
    }
    p->result = res;
    *out = res;
    return 1;
}

// ---- permutations(iterable, r=None)

static Value permutations_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"iterable", "r", NULL};
    Value a[2];
    if (!itertools_parse("permutations", argc, argv, kw, names, 2, 1, a)) {
        return VAL_NULL;
    }
    Value pool = seq_to_tuple(a[0]);
    if (!pool) {
        return VAL_NULL;
    }
    int64_t n = (int64_t)AS_TUPLE(pool)->len, r = n;
    gc_push_root(pool);
    if (a[1] && !IS_NONE(a[1])) {
        if (!perm_r(a[1], &r)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if (r < 0) {
            gc_pop_root(1);
            return exc_raise(exc_ValueError, "r must be non-negative");
        }
    }
    int64_t *cycles = index_array(r);
    Value p = cycles ? comb_new(cls, pool, n) : VAL_NULL;
    gc_pop_root(1);
    if (!p) {
        if (cycles) {
            mem_free(cycles, NALLOC(r) * sizeof(int64_t));
        }
        return VAL_NULL;
    }
    ObjComb *c = COMB(p);
    c->cycles = cycles;
    c->n = n;
    c->r = r;
    for (int64_t i = 0; i < n; i++) {
        c->indices[i] = i;
    }
    for (int64_t i = 0; i < r; i++) {
        c->cycles[i] = n - i;
    }
    c->stopped = r > n;
    return p;
}

static int permutations_next(Value self, Value *out) {
    ObjComb *p = COMB(self);
    if (p->stopped) {
        return 0;
    }
    ObjTuple *pool = AS_TUPLE(p->pool);
    int64_t n = p->n, r = p->r;
    int64_t *ix = p->indices, *cy = p->cycles;
    Value res;
    if (!p->result) {
        res = tuple_new((size_t)r);
        for (int64_t i = 0; i < r; i++) {
            AS_TUPLE(res)->items[i] = pool->items[ix[i]];
        }
    } else {
        if (n == 0) {
            p->stopped = true;
            return 0;
        }
        res = copy_result(p);
        int64_t i;
        for (i = r - 1; i >= 0; i--) {
            cy[i]--;
            if (cy[i] == 0) {
                int64_t index = ix[i];
                for (int64_t j = i; j < n - 1; j++) {
                    ix[j] = ix[j + 1];
                }
                ix[n - 1] = index;
                cy[i] = n - i;
            } else {
                int64_t j = cy[i];
                int64_t index = ix[i];
                ix[i] = ix[n - j];
                ix[n - j] = index;
                for (int64_t k = i; k < r; k++) {
                    AS_TUPLE(res)->items[k] = pool->items[ix[k]];
                }
                break;
            }
        }
        if (i < 0) {
            p->stopped = true;
            return 0;
        }
    }
    p->result = res;
    *out = res;
    return 1;
}

// ---- combinations(iterable, r) and combinations_with_replacement(iterable, r)

static Value comb_common_new(ObjClass *cls, const char *name, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"iterable", "r", NULL};
    Value a[2];
    if (!itertools_parse(name, argc, argv, kw, names, 2, 2, a)) {
        return VAL_NULL;
    }
    Value pool = seq_to_tuple(a[0]);
    if (!pool) {
        return VAL_NULL;
    }
    int64_t r;
    gc_push_root(pool);
    if (!ssize_value(a[1], &r)) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    if (r < 0) {
        gc_pop_root(1);
        return exc_raise(exc_ValueError, "r must be non-negative");
    }
    Value c = comb_new(cls, pool, r);
    gc_pop_root(1);
    if (c) {
        COMB(c)->n = (int64_t)AS_TUPLE(pool)->len;
        COMB(c)->r = r;
    }
    return c;
}

static Value combinations_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value c = comb_common_new(cls, "combinations", argc, argv, kw);
    if (c) {
        ObjComb *o = COMB(c);
        for (int64_t i = 0; i < o->r; i++) {
            o->indices[i] = i;
        }
        o->stopped = o->r > o->n;
    }
    return c;
}

static Value cwr_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value c = comb_common_new(cls, "combinations_with_replacement", argc, argv, kw);
    if (c) {
        COMB(c)->stopped = COMB(c)->n == 0 && COMB(c)->r > 0;
    }
    return c;
}

static int combinations_next(Value self, Value *out) {
    ObjComb *c = COMB(self);
    if (c->stopped) {
        return 0;
    }
    ObjTuple *pool = AS_TUPLE(c->pool);
    int64_t n = c->n, r = c->r, *ix = c->indices;
    Value res;
    if (!c->result) {
        res = tuple_new((size_t)r);
        for (int64_t i = 0; i < r; i++) {
            AS_TUPLE(res)->items[i] = pool->items[ix[i]];
        }
    } else {
        int64_t i;
        for (i = r - 1; i >= 0 && ix[i] == i + n - r; i--) {
        }
        if (i < 0) {
            c->stopped = true;
            return 0;
        }
        res = copy_result(c);
        ix[i]++;
        for (int64_t j = i + 1; j < r; j++) {
            ix[j] = ix[j - 1] + 1;
        }
        for (; i < r; i++) {
            AS_TUPLE(res)->items[i] = pool->items[ix[i]];
        }
    }
    c->result = res;
    *out = res;
    return 1;
}

static int cwr_next(Value self, Value *out) {
    ObjComb *c = COMB(self);
    if (c->stopped) {
        return 0;
    }
    ObjTuple *pool = AS_TUPLE(c->pool);
    int64_t n = c->n, r = c->r, *ix = c->indices;
    Value res;
    if (!c->result) {
        res = tuple_new((size_t)r);
        for (int64_t i = 0; i < r; i++) {
            AS_TUPLE(res)->items[i] = pool->items[0];
        }
    } else {
        int64_t i;
        for (i = r - 1; i >= 0 && ix[i] == n - 1; i--) {
        }
        if (i < 0) {
            c->stopped = true;
            return 0;
        }
        res = copy_result(c);
        int64_t index = ix[i] + 1;
        Value elem = pool->items[index];
        for (; i < r; i++) {
            ix[i] = index;
            AS_TUPLE(res)->items[i] = elem;
        }
    }
    c->result = res;
    *out = res;
    return 1;
}

// ---- pickling and copying (CPython 3.11's __reduce__/__setstate__):
// (type, args) when stopped or not started, else (type, args, indices
// [+ cycles]) and __setstate__ clamps them and rebuilds the last result.

// (type(self), args[, state]) with [args] and [state] rooted here.
static Value comb_reduce_value(Value self, Value args, Value state) {
    if (!args) {
        return VAL_NULL;
    }
    gc_push_root(args);
    if (state) {
        gc_push_root(state);
    }
    Value cls = OBJ_VAL(AS_OBJ(self)->cls);
    Value r = state ? tuple_pack(3, cls, args, state) : tuple_pack(2, cls, args);
    gc_pop_root(state ? 2 : 1);
    return r;
}

// A tuple of the first [n] entries of [a].
static Value index_tuple(const int64_t *a, int64_t n) {
    Value t = tuple_new((size_t)n);
    if (!t) {
        return VAL_NULL;
    }
    for (int64_t i = 0; i < n; i++) {
        AS_TUPLE(t)->items[i] = MK_SMALL(a[i]);
    }
    return t;
}

// Reads __setstate__'s tuple [st] of [n] ints into [out], each clamped to [lo, hi(i)].
static bool read_indices(Value st, int64_t n, int64_t *out, int64_t lo, int64_t (*hi)(ObjComb *, int64_t),
                         ObjComb *c) {
    if (!IS_TUPLE(st) || (int64_t)AS_TUPLE(st)->len != n) {
        exc_raise(exc_ValueError, "invalid arguments");
        return false;
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t v;
        if (!ssize_value(AS_TUPLE(st)->items[i], &v)) {
            return false;
        }
        int64_t h = hi(c, i);
        out[i] = v < lo ? lo : v > h ? h : v;
    }
    return true;
}

static Value product_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjComb *p = COMB(argv[0]);
    if (p->stopped) {
        Value empty = tuple_new(0);
        gc_push_root(empty);
        Value r = comb_reduce_value(argv[0], tuple_pack(1, empty), VAL_NULL);
        gc_pop_root(1);
        return r;
    }
    if (!p->result) {
        return comb_reduce_value(argv[0], p->pool, VAL_NULL);
    }
    return comb_reduce_value(argv[0], p->pool, index_tuple(p->indices, (int64_t)p->nindices));
}

static int64_t product_hi(ObjComb *c, int64_t i) {
    int64_t len = (int64_t)AS_TUPLE(AS_TUPLE(c->pool)->items[i])->len;
    return len ? len - 1 : 0;
}

static Value product_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    ObjComb *p = COMB(argv[0]);
    ObjTuple *pools = AS_TUPLE(p->pool);
    if (argc != 2 || !read_indices(argv[1], (int64_t)pools->len, p->indices, 0, product_hi, p)) {
        return argc != 2 ? exc_raise(exc_TypeError, "__setstate__() takes exactly one argument") : VAL_NULL;
    }
    for (size_t i = 0; i < pools->len; i++) {
        if (AS_TUPLE(pools->items[i])->len == 0) {   // an empty pool: nothing to rebuild
            p->stopped = true;
            return VAL_NONE;
        }
    }
    Value res = tuple_new(pools->len);
    for (size_t i = 0; i < pools->len; i++) {
        AS_TUPLE(res)->items[i] = AS_TUPLE(pools->items[i])->items[p->indices[i]];
    }
    p->result = res;
    return VAL_NONE;
}

// (type, (pool, r)) and the state of permutations / combinations / cwr.
static Value pool_r_args(ObjComb *c) {
    return tuple_pack(2, c->pool, MK_SMALL(c->r));
}

static Value permutations_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjComb *p = COMB(argv[0]);
    if (p->stopped) {
        Value empty = tuple_new(0);
        gc_push_root(empty);
        Value r = comb_reduce_value(argv[0], tuple_pack(2, empty, MK_SMALL(p->r)), VAL_NULL);
        gc_pop_root(1);
        return r;
    }
    if (!p->result) {
        return comb_reduce_value(argv[0], pool_r_args(p), VAL_NULL);
    }
    Value ix = index_tuple(p->indices, p->n);
    gc_push_root(ix);
    Value cy = index_tuple(p->cycles, p->r);
    Value state = cy ? tuple_pack(2, ix, cy) : VAL_NULL;
    gc_pop_root(1);
    return state ? comb_reduce_value(argv[0], pool_r_args(p), state) : VAL_NULL;
}

static int64_t perm_index_hi(ObjComb *c, int64_t i) {
    (void)i;
    return c->n - 1;
}

static int64_t perm_cycle_hi(ObjComb *c, int64_t i) {
    return c->n - i;
}

static Value permutations_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    ObjComb *p = COMB(argv[0]);
    Value st = argc == 2 ? argv[1] : VAL_NULL;
    if (!st || !IS_TUPLE(st) || AS_TUPLE(st)->len != 2) {
        return exc_raise(exc_ValueError, "invalid arguments");
    }
    if (!read_indices(AS_TUPLE(st)->items[0], p->n, p->indices, 0, perm_index_hi, p) ||
        !read_indices(AS_TUPLE(st)->items[1], p->r, p->cycles, 1, perm_cycle_hi, p)) {
        return VAL_NULL;
    }
    ObjTuple *pool = AS_TUPLE(p->pool);
    Value res = tuple_new((size_t)p->r);
    for (int64_t i = 0; i < p->r; i++) {
        AS_TUPLE(res)->items[i] = pool->items[p->indices[i]];
    }
    p->result = res;
    return VAL_NONE;
}

static Value combinations_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjComb *c = COMB(argv[0]);
    if (!c->result) {
        return comb_reduce_value(argv[0], pool_r_args(c), VAL_NULL);
    }
    if (c->stopped) {
        Value empty = tuple_new(0);
        gc_push_root(empty);
        Value r = comb_reduce_value(argv[0], tuple_pack(2, empty, MK_SMALL(c->r)), VAL_NULL);
        gc_pop_root(1);
        return r;
    }
    return comb_reduce_value(argv[0], pool_r_args(c), index_tuple(c->indices, c->r));
}

static int64_t comb_hi(ObjComb *c, int64_t i) {
    return i + c->n - c->r;
}

static int64_t cwr_hi(ObjComb *c, int64_t i) {
    (void)i;
    return c->n - 1;
}

// combinations and cwr: the indices, then the result they give.
static Value comb_setstate_with(int argc, Value *argv, int64_t (*hi)(ObjComb *, int64_t)) {
    ObjComb *c = COMB(argv[0]);
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__setstate__() takes exactly one argument");
    }
    if (c->n == 0 && c->r > 0) {
        return VAL_NONE;
    }
    if (!read_indices(argv[1], c->r, c->indices, 0, hi, c)) {
        return VAL_NULL;
    }
    ObjTuple *pool = AS_TUPLE(c->pool);
    Value res = tuple_new((size_t)c->r);
    for (int64_t i = 0; i < c->r; i++) {
        AS_TUPLE(res)->items[i] = pool->items[c->indices[i]];
    }
    c->result = res;
    return VAL_NONE;
}

static Value combinations_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return comb_setstate_with(argc, argv, comb_hi);
}

static Value cwr_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return comb_setstate_with(argc, argv, cwr_hi);
}

static const MethodDef product_methods[] = {
    {"__reduce__", product_reduce},
    {"__setstate__", product_setstate},
    {NULL, NULL},
};

static const MethodDef permutations_methods[] = {
    {"__reduce__", permutations_reduce},
    {"__setstate__", permutations_setstate},
    {NULL, NULL},
};

static const MethodDef combinations_methods[] = {
    {"__reduce__", combinations_reduce},
    {"__setstate__", combinations_setstate},
    {NULL, NULL},
};

static const MethodDef cwr_methods[] = {
    {"__reduce__", combinations_reduce},
    {"__setstate__", cwr_setstate},
    {NULL, NULL},
};

static ObjClass *comb_class(const char *name, int (*next)(Value, Value *),
                            Value (*new_)(ObjClass *, int, Value *, ObjDict *)) {
    ObjClass *c = itertools_class(name, sizeof(ObjComb), comb_trace, next, new_);
    c->finalize = comb_finalize;
    return c;
}

void itertools_comb_init(void) {
    ObjClass **c = ST->itertools_cls;
    c[IT_PRODUCT] = comb_class("product", product_next, product_new_);
    class_add_methods(c[IT_PRODUCT], product_methods);
    c[IT_PERMUTATIONS] = comb_class("permutations", permutations_next, permutations_new_);
    class_add_methods(c[IT_PERMUTATIONS], permutations_methods);
    c[IT_COMBINATIONS] = comb_class("combinations", combinations_next, combinations_new_);
    class_add_methods(c[IT_COMBINATIONS], combinations_methods);
    c[IT_CWR] = comb_class("combinations_with_replacement", cwr_next, cwr_new_);
    class_add_methods(c[IT_CWR], cwr_methods);
}
