// list.c: the mutable list (ObjList: len, cap and a side buffer of items):
// construction, repr with "[...]" for self-reference, comparison, + * and
// +=, indexing with slices and extended slices (assignment and deletion),
// the forward and reverse iterators (which see appends), the methods, and a
// stable merge sort on a permutation so that user __lt__ and key functions
// can run (and collect garbage) while the list is being sorted. The repr
// recursion guard shared by every container lives here too.
#include <stdlib.h>
#include "containers.h"
#include "runtime.h"
#include "gc.h"


typedef struct ObjSeqIter {
    Obj hdr;
    Value seq;
    size_t i;
} ObjSeqIter;

// ---- repr recursion guard

// The containers being printed, as a set of pointers (open addressing,
// linear probing), to print a cycle as [...]; the nesting depth goes
// through the VM's recursion guard.
// ST->repr_set: cap 0 or a power of two.

static size_t repr_slot(Obj *o) {
    return (size_t)(((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15u) & (ST->repr_cap - 1);
}

// false with MemoryError raised when the set cannot grow
static bool repr_grow(void) {
    Obj **old = ST->repr_set;
    size_t oldcap = ST->repr_cap;
    size_t ncap = oldcap ? oldcap * 2 : 64;
    // bookkeeping outside the heap accounting (like the collector's gray stack)
    Obj **nset = calloc(ncap, sizeof(Obj *));
    if (!nset) {
        exc_raise_nomem();
        return false;
    }
    ST->repr_set = nset;
    ST->repr_cap = ncap;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i]) {
            size_t j = repr_slot(old[i]);
            while (ST->repr_set[j]) {
                j = (j + 1) & (ST->repr_cap - 1);
            }
            ST->repr_set[j] = old[i];
        }
    }
    free(old);
    return true;
}

// Enters the repr of [o]: 1 already inside (print "..."), 0 ok, -1 error.
int repr_enter(Obj *o) {
    if (ST->repr_cap) {
        for (size_t j = repr_slot(o); ST->repr_set[j]; j = (j + 1) & (ST->repr_cap - 1)) {
            if (ST->repr_set[j] == o) {
                return 1;
            }
        }
    }
    if (!vm_enter_recursive(" while getting the repr of an object")) {
        return -1;
    }
    if ((ST->repr_count + 1) * 2 > ST->repr_cap && !repr_grow()) {
        vm_leave_recursive();
        return -1;
    }
    size_t j = repr_slot(o);
    while (ST->repr_set[j]) {
        j = (j + 1) & (ST->repr_cap - 1);
    }
    ST->repr_set[j] = o;
    ST->repr_count++;
    return 0;
}

// Leaves the repr of [o] (entered with repr_enter returning 0).
void repr_leave(Obj *o) {
    if (!ST->repr_cap) {
        return;
    }
    size_t mask = ST->repr_cap - 1, i = repr_slot(o);
    while (ST->repr_set[i] && ST->repr_set[i] != o) {
        i = (i + 1) & mask;
    }
    if (!ST->repr_set[i]) {
        return;
    }
    // backward-shift deletion keeps every probe chain unbroken
    ST->repr_set[i] = NULL;
    for (size_t j = (i + 1) & mask; ST->repr_set[j]; j = (j + 1) & mask) {
        size_t h = repr_slot(ST->repr_set[j]);
        // move j's entry into the hole at i unless its home lies in (i, j]
        bool home_between = i <= j ? (h > i && h <= j) : (h > i || h <= j);
        if (!home_between) {
            ST->repr_set[i] = ST->repr_set[j];
            ST->repr_set[j] = NULL;
            i = j;
        }
    }
    ST->repr_count--;
    vm_leave_recursive();
}

// ---- construction

// Makes room for [need] items; false: MemoryError raised, [l] unchanged.
static bool list_reserve(ObjList *l, size_t need) {
    if (need <= l->cap) {
        return true;
    }
    size_t nc = l->cap < 4 ? 4 : l->cap + (l->cap >> 1);
    if (nc < need) {
        nc = need;
    }
    size_t bytes;
    if (!mem_size(nc, sizeof(Value), 0, &bytes)) {
        exc_clear();    // the 1.5x growth was too greedy: try the exact need
        nc = need;
        if (!mem_size(nc, sizeof(Value), 0, &bytes)) {
            return false;
        }
    }
    Value *items = mem_try_realloc(l->items, l->cap * sizeof(Value), bytes);
    if (!items) {
        return false;
    }
    l->items = items;
    l->cap = nc;
    return true;
}

Value list_new(size_t cap) {
    size_t bytes;
    if (!mem_size(cap, sizeof(Value), 0, &bytes)) {
        return VAL_NULL;
    }
    Value *items = NULL;
    if (cap && !(items = mem_try_alloc(bytes))) {
        return VAL_NULL;
    }
    ObjList *l = (ObjList *)obj_alloc_small(cls_list, sizeof(ObjList));
    l->items = items;
    l->cap = cap;
    return OBJ_VAL(l);
}

bool list_append(ObjList *l, Value v) {
    if (l->len == l->cap && !list_reserve(l, l->len + 1)) {
        return false;
    }
    l->items[l->len++] = v;
    return true;
}

bool list_append_items(ObjList *l, const Value *items, size_t n) {
    if (!list_reserve(l, l->len + n)) {
        return false;
    }
    memcpy(l->items + l->len, items, n * sizeof(Value));
    l->len += n;
    return true;
}

// Makes a list holding a copy of [items].
Value list_from_array(size_t n, Value *items) {
    Value l = list_new(n);
    if (!l) {
        return VAL_NULL;
    }
    if (n) {
        memcpy(AS_LIST(l)->items, items, n * sizeof(Value));
    }
    AS_LIST(l)->len = n;
    return l;
}

// The number of items [v] will likely yield, as CPython's length_hint: the
// len of a builtin container, or a user class's or builtin iterator's
// __length_hint__ (itertools.repeat's); 0 when unknown; -1 on error.
static int64_t length_hint(Value v) {
    ObjClass *c = val_class(v);
    if (!(c->flags & CLS_USER) && c->len) {
        int64_t n = c->len(v);
        if (n < 0 && EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            return 0;
        }
        return n;
    }
    ObjStr *name = str_intern_c("__length_hint__");
    Value m = c->flags & CLS_USER ? class_lookup(c, name) : dict_get_str(c->dict, name);
    if (m && !(c->flags & CLS_USER)) {     // a builtin's TypeError means "unknown" (repeat())
        Value r = vm_call(m, 1, &v, NULL);
        if (!r && EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            return 0;
        }
        if (!r || !IS_SMALL(r)) {
            return r ? 0 : -1;
        }
        return AS_SMALL(r) < 0 ? 0 : AS_SMALL(r);
    }
    if (!m) {
        return 0;
    }
    Value r = vm_call(m, 1, &v, NULL);
    if (!r) {
        return -1;
    }
    if (r == VAL_NOTIMPL) {
        return 0;
    }
    if (!is_intlike(r)) {
        exc_raise(exc_TypeError, "__length_hint__ must be an integer, not %s", val_type_name(r));
        return -1;
    }
    int64_t n;
    if (!int_to_i64(r, &n)) {
        return -1;
    }
    if (n < 0) {
        exc_raise(exc_ValueError, "__length_hint__() should return >= 0");
        return -1;
    }
    return n;
}

// Appends the items of [iterable] to [l].
// A list or tuple (or a subclass of one that keeps their __iter__) whose
// items can be copied without iterating; a subclass with its own __iter__
// is iterated, as CPython's list_extend does.
static bool items_copyable(Value v) {
    if (!IS_OBJ(v)) {
        return false;
    }
    ObjClass *c = AS_OBJ(v)->cls;
    if (c == cls_list || c == cls_tuple) {
        return true;
    }
    return (IS_LISTISH(v) && c->iter == cls_list->iter) || (IS_TUPLEISH(v) && c->iter == cls_tuple->iter);
}

// list_extend's taker for gen_next_into: an append runs no Python code
// (a MemoryError is left to the append of the value handed back).
static bool take_item(void *l, Value v) {
    if (list_append(l, v)) {
        return true;
    }
    exc_clear();
    return false;
}

bool list_extend(ObjList *l, Value iterable) {
    if (items_copyable(iterable)) {
        Value *items;
        size_t n;
        if (IS_LISTISH(iterable)) {
            items = AS_LIST(iterable)->items;
            n = AS_LIST(iterable)->len;
        } else {
            items = AS_TUPLE(iterable)->items;
            n = AS_TUPLE(iterable)->len;
        }
        if (!list_reserve(l, l->len + n)) {
            return false;
        }
        if (IS_LISTISH(iterable)) {
            items = AS_LIST(iterable)->items;   // may be l itself, reallocated
        }
        if (n) {
            memmove(l->items + l->len, items, n * sizeof(Value));
        }
        l->len += n;
        return true;
    }
    // room for the likely length first (as CPython): list(range(10**10)) is
    // a MemoryError at once, not after filling the memory; a hint that
    // overflows with the length is ignored, as CPython's list_extend does
    // (an iterator claiming sys.maxsize items but giving none)
    int64_t hint = length_hint(iterable);
    if (hint < 0 || (hint > 0 && hint <= INT64_MAX - (int64_t)l->len &&
                     !list_reserve(l, l->len + (size_t)hint))) {
        return false;
    }
    Value it = obj_iter(iterable);
    if (!it) {
        return false;
    }
    gc_push_root(it);
    Value v;
    int r;
    while ((r = gen_next_into(it, &v, take_item, l)) == 1) {
        if (!list_append(l, v)) {
            r = -1;
            break;
        }
    }
    gc_pop_root(1);
    return r == 0;
}

// list(iterable): always a new list.
Value seq_to_list(Value iterable) {
    Value l = list_new(0);
    gc_push_root(l);
    bool ok = list_extend(AS_LIST(l), iterable);
    gc_pop_root(1);
    return ok ? l : VAL_NULL;
}

// ---- slots

static Value list_repr(Value self) {
    ObjList *l = AS_LIST(self);
    if (l->len == 0) {
        return str_from_c("[]");
    }
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("[...]") : VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    sb_adds(&b, "[");
    for (size_t i = 0; i < l->len; i++) {
        if (i) {
            sb_adds(&b, ", ");
        }
        if (!ct_addrepr(&b, l->items[i])) {
            sb_free(&b);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
    sb_adds(&b, "]");
    repr_leave(AS_OBJ(self));
    return sb_finish(&b);
}

static Value list_repeat(ObjList *l, int64_t n) {
    if (n <= 0 || l->len == 0) {
        return list_new(0);
    }
    if ((uint64_t)n > (uint64_t)INT64_MAX / l->len) {
        return exc_raise_nomem();
    }
    size_t total = l->len * (size_t)n;
    Value r = list_new(total);
    if (!r) {
        return VAL_NULL;
    }
    mem_fill_repeat(AS_LIST(r)->items, l->items, l->len * sizeof(Value), (size_t)n);
    AS_LIST(r)->len = total;
    return r;
}

static Value list_binop(Value a, Value b, int op) {
    switch (op) {
    case BIN_ADD:
        if (!IS_LISTISH(a)) {
            return VAL_NOTIMPL;
        }
        if (!IS_LISTISH(b)) {
            if (val_class(b)->flags & CLS_USER) {
                return VAL_NOTIMPL;
            }
            return exc_raise(exc_TypeError, "can only concatenate list (not \"%s\") to list",
                             val_type_name(b));
        }
        {
            ObjList *x = AS_LIST(a), *y = AS_LIST(b);
            Value r = list_new(x->len + y->len);
            if (!r) {
                return VAL_NULL;
            }
            if (x->len) {
                memcpy(AS_LIST(r)->items, x->items, x->len * sizeof(Value));
            }
            if (y->len) {
                memcpy(AS_LIST(r)->items + x->len, y->items, y->len * sizeof(Value));
            }
            AS_LIST(r)->len = x->len + y->len;
            return r;
        }
    case BIN_ADD + BINOP_INPLACE:
        if (!IS_LISTISH(a)) {
            return VAL_NOTIMPL;
        }
        return list_extend(AS_LIST(a), b) ? a : VAL_NULL;
    case BIN_MUL:
    case BIN_MUL + BINOP_INPLACE: {
        Value seq = IS_LISTISH(a) ? a : b, nv = seq == a ? b : a;
        int64_t n;
        int k = seq_repeat_count(nv, &n);
        if (k <= 0) {
            return k ? VAL_NULL : VAL_NOTIMPL;
        }
        Value r = list_repeat(AS_LIST(seq), n);
        if (!r || op == BIN_MUL || seq != a) {
            return r;
        }
        // In place: move the repeated buffer into a.
        ObjList *l = AS_LIST(a), *t = AS_LIST(r);
        Value *old = l->items;
        size_t oldcap = l->cap;
        l->items = t->items;
        l->len = t->len;
        l->cap = t->cap;
        t->items = old;
        t->cap = oldcap;
        t->len = 0;
        return a;
    }
    default:
        return VAL_NOTIMPL;
    }
}

static Value list_getitem(Value self, Value key) {
    ObjList *l = AS_LIST(self);
    int64_t i;
    if (IS_SMALL(key)) {
        i = AS_SMALL(key);
    } else if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)l->len, &start, &stop, &step, &n)) {
            return VAL_NULL;
        }
        Value r = list_new((size_t)n);
        if (!r) {
            return VAL_NULL;
        }
        Value *dst = AS_LIST(r)->items;
        if (step == 1) {
            if (n) {
                memcpy(dst, l->items + start, (size_t)n * sizeof(Value));
            }
        } else {
            for (int64_t k = 0; k < n; k++) {
                dst[k] = l->items[start + k * step];
            }
        }
        AS_LIST(r)->len = (size_t)n;
        return r;
    } else if (!index_value(key, "list", &i)) {
        return VAL_NULL;
    }
    if (i < 0) {
        i += (int64_t)l->len;
    }
    if (i < 0 || i >= (int64_t)l->len) {
        return exc_raise(exc_IndexError, "list index out of range");
    }
    return l->items[i];
}

// Deletes items [start, start+step*k) for k < n.
static void list_del_slice(ObjList *l, int64_t start, int64_t step, int64_t n) {
    if (n <= 0) {
        return;
    }
    if (step < 0) {
        start = start + (n - 1) * step;
        step = -step;
    }
    if (step == 1) {
        memmove(l->items + start, l->items + start + n,
                (l->len - (size_t)(start + n)) * sizeof(Value));
        l->len -= (size_t)n;
        return;
    }
    size_t w = (size_t)start;
    int64_t next_del = start, deleted = 0;
    for (size_t r = (size_t)start; r < l->len; r++) {
        if ((int64_t)r == next_del && deleted < n) {
            deleted++;
            next_del += step;
            continue;
        }
        l->items[w++] = l->items[r];
    }
    l->len = w;
}

static bool list_ass_slice(ObjList *l, ObjSlice *s, Value v) {
    int64_t start, stop, step, n;
    if (!slice_indices(s, (int64_t)l->len, &start, &stop, &step, &n)) {
        return false;
    }
    gc_note_removed(OBJ_VAL(l));
    if (!v) {
        list_del_slice(l, start, step, n);
        return true;
    }
    // Snapshot the new items (v may be l itself, or a generator).
    Value src = v;
    if (!(IS_LISTISH(v) && v != OBJ_VAL(l)) && !IS_TUPLEISH(v)) {
        if (!val_class(v)->iter && !val_class(v)->getitem) {
            exc_raise(exc_TypeError, "can only assign an iterable");
            return false;
        }
        src = seq_to_list(v);
        if (!src) {
            return false;
        }
    }
    gc_push_root(src);
    Value *items = IS_TUPLEISH(src) ? AS_TUPLE(src)->items : AS_LIST(src)->items;
    size_t m = IS_TUPLEISH(src) ? AS_TUPLE(src)->len : AS_LIST(src)->len;
    if (step == 1) {
        if (stop < start) {
            stop = start;
        }
        size_t old = (size_t)(stop - start);
        size_t newlen = l->len - old + m;
        if (!list_reserve(l, newlen)) {
            gc_pop_root(1);
            return false;
        }
        if (l->items) {     // an empty list may have no buffer (no pointer arithmetic on NULL)
            memmove(l->items + start + m, l->items + stop, (l->len - (size_t)stop) * sizeof(Value));
        }
        if (m) {
            memcpy(l->items + start, items, m * sizeof(Value));
        }
        l->len = newlen;
    } else {
        if ((int64_t)m != n) {
            gc_pop_root(1);
            exc_raise(exc_ValueError,
                      "attempt to assign sequence of size %zu to extended slice of size %lld",
                      m, (long long)n);
            return false;
        }
        for (int64_t k = 0; k < n; k++) {
            l->items[start + k * step] = items[k];
        }
    }
    gc_pop_root(1);
    return true;
}

static bool list_setitem(Value self, Value key, Value v) {
    ObjList *l = AS_LIST(self);
    int64_t i;
    if (IS_SMALL(key)) {
        i = AS_SMALL(key);
    } else if (IS_SLICE(key)) {
        return list_ass_slice(l, (ObjSlice *)AS_OBJ(key), v);
    } else if (!index_value(key, "list", &i)) {
        return false;
    }
    if (i < 0) {
        i += (int64_t)l->len;
    }
    if (i < 0 || i >= (int64_t)l->len) {
        exc_raise(exc_IndexError, "list assignment index out of range");
        return false;
    }
    gc_note_removed(l->items[i]);
    if (v) {
        l->items[i] = v;
    } else {
        memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(Value));
        l->len--;
    }
    return true;
}

static int list_contains(Value self, Value item) {
    ObjList *l = AS_LIST(self);
    for (size_t i = 0; i < l->len; i++) {
        Value x = l->items[i];
        if (x == item) {
            return 1;
        }
        int eq = obj_eq(x, item);
        if (eq != 0) {
            return eq;
        }
    }
    return 0;
}

static int64_t list_len(Value self) {
    return (int64_t)AS_LIST(self)->len;
}

static int list_truthy(Value self) {
    return AS_LIST(self)->len != 0;
}

static void list_trace(Obj *o) {
    ObjList *l = (ObjList *)o;
    size_t n = l->len;
    for (size_t i = 0; i < n; i++) {
        if (i + GC_PREFETCH_AHEAD < n) {
            gc_prefetch_value(l->items[i + GC_PREFETCH_AHEAD]);
        }
        gc_mark_value(l->items[i]);
    }
}

static void list_finalize(Obj *o) {
    ObjList *l = (ObjList *)o;
    if (l->items) {
        mem_free(l->items, l->cap * sizeof(Value));
        l->items = NULL;
    }
}

static Value list_iter(Value self) {
    ObjSeqIter *it = (ObjSeqIter *)obj_alloc_small(cls_list_iter, sizeof(ObjSeqIter));
    it->seq = self;
    return OBJ_VAL(it);
}

static int list_iter_next(Value self, Value *out) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(self);
    if (!it->seq) {
        return 0;
    }
    ObjList *l = AS_LIST(it->seq);
    if (it->i < l->len) {
        *out = l->items[it->i++];
        return 1;
    }
    it->seq = VAL_NULL;
    return 0;
}

static int list_reviter_next(Value self, Value *out) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(self);
    if (!it->seq) {
        return 0;
    }
    ObjList *l = AS_LIST(it->seq);
    if (it->i > 0 && it->i <= l->len) {
        *out = l->items[--it->i];
        return 1;
    }
    it->seq = VAL_NULL;
    return 0;
}

// list_iterator.__length_hint__(): the items not yet given (0 once done).
static Value m_list_iter_length_hint(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    size_t len = it->seq ? AS_LIST(it->seq)->len : 0;
    return VAL_INT(it->seq && it->i < len ? (int64_t)(len - it->i) : 0);
}

// list_reverseiterator.__length_hint__(): the items left below the index.
static Value m_list_reviter_length_hint(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    return VAL_INT(it->seq && it->i <= AS_LIST(it->seq)->len ? (int64_t)it->i : 0);
}

// list_iterator.__reduce__(): (iter, (list,), index), or (iter, ([],)) once
// exhausted, as CPython 3.11 (copy and pickle use it).
static Value m_list_iter_reduce(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    return iter_reduce_at("iter", it->seq, (int64_t)it->i, it->seq ? VAL_NULL : list_new(0));
}

// list_iterator.__setstate__(index): the next index, clamped to [0, len].
static Value m_list_iter_setstate(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    int64_t i, len = it->seq ? (int64_t)AS_LIST(it->seq)->len : 0;
    if (!iter_setstate_at(argc, argv, 0, len, &i)) {
        return VAL_NULL;
    }
    if (it->seq) {
        it->i = (size_t)i;
    }
    return VAL_NONE;
}

// list_reverseiterator.__reduce__(): (reversed, (list,), index), or
// (iter, ([],)) once exhausted; __setstate__ clamps to [-1, len - 1]
// (the iterator keeps index + 1).
static Value m_list_reviter_reduce(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    return iter_reduce_at("reversed", it->seq, (int64_t)it->i - 1, it->seq ? VAL_NULL : list_new(0));
}

static Value m_list_reviter_setstate(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)AS_OBJ(argv[0]);
    int64_t i, len = it->seq ? (int64_t)AS_LIST(it->seq)->len : 0;
    if (!iter_setstate_at(argc, argv, -1, len - 1, &i)) {
        return VAL_NULL;
    }
    if (it->seq) {
        it->i = (size_t)(i + 1);
    }
    return VAL_NONE;
}

static const MethodDef list_iter_methods[] = {
    {"__length_hint__", m_list_iter_length_hint},
    {"__reduce__", m_list_iter_reduce},
    {"__setstate__", m_list_iter_setstate},
    {NULL, NULL},
};

static const MethodDef list_reviter_methods[] = {
    {"__length_hint__", m_list_reviter_length_hint},
    {"__reduce__", m_list_reviter_reduce},
    {"__setstate__", m_list_reviter_setstate},
    {NULL, NULL},
};

static Value iter_self(Value self) {
    return self;
}

static void seq_iter_trace(Obj *o) {
    gc_mark_value(((ObjSeqIter *)o)->seq);
}

static Value list_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    // a subclass with its own __init__ takes whatever arguments that accepts
    bool user_init = cls != cls_list && has_user_init(cls);
    if (!user_init && (!arg_no_kw("list", kw) || !arg_count("list", argc, 0, 1))) {
        return VAL_NULL;
    }
    Value l;
    if (cls == cls_list) {
        l = list_new(0);
    } else {
        l = OBJ_VAL(obj_alloc(cls, cls->inst_size > sizeof(ObjList) ? cls->inst_size : sizeof(ObjList)));
    }
    if (argc && !has_user_init(cls)) {
        gc_push_root(l);
        bool ok = list_extend(AS_LIST(l), argv[0]);
        gc_pop_root(1);
        if (!ok) {
            return VAL_NULL;
        }
    }
    return l;
}

// ---- sort

// a < b and a == b of two small ints, floats, bools or strs decided here
// (true), or false for any other pair (the generic comparison decides).
static inline bool simple_cmp(Value a, Value b, bool *lt, bool *eq) {
    if (IS_SMALL(a) && IS_SMALL(b)) {
        *lt = (intptr_t)a < (intptr_t)b;
        *eq = a == b;
        return true;
    }
    if (IS_FLOAT(a) && IS_FLOAT(b)) {
        double x = AS_FLOAT(a), y = AS_FLOAT(b);
        *lt = x < y;
        *eq = x == y || a == b;     // (the same NaN object equals itself)
        return true;
    }
    if ((a == VAL_TRUE || a == VAL_FALSE) && (b == VAL_TRUE || b == VAL_FALSE)) {
        *lt = a == VAL_FALSE && b == VAL_TRUE;
        *eq = a == b;
        return true;
    }
    if (IS_STR(a) && IS_STR(b)) {
        ObjStr *x = AS_STR(a), *y = AS_STR(b);
        size_t n = x->len < y->len ? x->len : y->len;
        int c = memcmp(x->data, y->data, n);
        *lt = c < 0 || (c == 0 && x->len < y->len);
        *eq = c == 0 && x->len == y->len;
        return true;
    }
    return false;
}

static int sort_lt(Value a, Value b) {
    bool lt, eq;
    if (simple_cmp(a, b, &lt, &eq)) {
        return lt;
    }
    if (IS_TUPLE(a) && IS_TUPLE(b)) {
        // CPython's tuple order: the first items that are not equal (an
        // item is equal to itself) decide, else the shorter tuple is less;
        // decided here while the items are simple values
        ObjTuple *x = AS_TUPLE(a), *y = AS_TUPLE(b);
        size_t n = x->len < y->len ? x->len : y->len, i = 0;
        for (; i < n; i++) {
            Value p = x->items[i], q = y->items[i];
            if (p == q) {
                continue;
            }
            if (!simple_cmp(p, q, &lt, &eq)) {
                return obj_lt(a, b);
            }
            if (!eq) {
                return lt;
            }
        }
        return x->len < y->len;
    }
    return obj_lt(a, b);
}

// Stable merge sort of [perm] (indices into [keys]); -1 on error.
static int msort(Value *keys, size_t *perm, size_t *tmp, size_t n) {
    if (n <= 12) {
        for (size_t i = 1; i < n; i++) {
            size_t x = perm[i], j = i;
            while (j > 0) {
                int c = sort_lt(keys[x], keys[perm[j - 1]]);
                if (c < 0) {
                    return -1;
                }
                if (!c) {
                    break;
                }
                perm[j] = perm[j - 1];
                j--;
            }
            perm[j] = x;
        }
        return 0;
    }
    size_t mid = n / 2;
    if (msort(keys, perm, tmp, mid) < 0 || msort(keys, perm + mid, tmp, n - mid) < 0) {
        return -1;
    }
    int c = sort_lt(keys[perm[mid]], keys[perm[mid - 1]]);
    if (c <= 0) {
        return c;   // already in order (or error)
    }
    memcpy(tmp, perm, mid * sizeof(size_t));
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n) {
        c = sort_lt(keys[perm[j]], keys[tmp[i]]);
        if (c < 0) {
            // Keep perm a permutation: put back what is left of tmp.
            memmove(perm + k, tmp + i, (mid - i) * sizeof(size_t));
            return -1;
        }
        perm[k++] = c ? perm[j++] : tmp[i++];
    }
    while (i < mid) {
        perm[k++] = tmp[i++];
    }
    return 0;
}

static void reverse_values(Value *v, size_t n) {
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        Value t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

// Sorts [l] in place (stable), comparing key(item) when [key] is given.
bool list_sort_inplace(ObjList *l, Value key, bool reverse) {
    size_t n = l->len;
    if (key && IS_NONE(key)) {
        key = VAL_NULL;
    }
    if (n < 2 && !key) {
        return true;
    }
    // Steal the items into a rooted temporary list: the list looks empty
    // while sorting, and changes to it are detected afterwards.
    ObjList *vals = (ObjList *)AS_OBJ(list_new(0));
    vals->items = l->items;
    vals->len = n;
    vals->cap = l->cap;
    l->items = NULL;
    l->len = l->cap = 0;
    gc_push_root(OBJ_VAL(vals));
    if (reverse) {
        reverse_values(vals->items, n);
    }
    bool ok = true;
    Value *keys = vals->items;
    ObjList *keyl = NULL;
    if (key) {
        Value kl = list_new(n);
        ok = kl != VAL_NULL;
        keyl = ok ? AS_LIST(kl) : AS_LIST(list_new(0));
        gc_push_root(OBJ_VAL(keyl));
        for (size_t i = 0; i < n && ok; i++) {
            Value k = vm_call(key, 1, &vals->items[i], NULL);
            if (!k) {
                ok = false;
            } else {
                keyl->items[keyl->len++] = k;
            }
        }
        keys = keyl->items;
    }
    size_t *perm = NULL, *tmp = NULL;
    if (ok && n >= 2) {
        // (sizes of an existing list: they cannot overflow)
        perm = mem_try_alloc(n * sizeof(size_t));
        tmp = perm ? mem_try_alloc((n / 2 + 1) * sizeof(size_t)) : NULL;
        ok = tmp != NULL;
        if (ok) {
            for (size_t i = 0; i < n; i++) {
                perm[i] = i;
            }
            ok = msort(keys, perm, tmp, n) == 0;
        }
        if (ok) {
            // apply the permutation in place, cycle by cycle (no third array)
            for (size_t i = 0; i < n; i++) {
                if (perm[i] == i || perm[i] == SIZE_MAX) {
                    continue;
                }
                Value first = vals->items[i];
                size_t j = i;
                while (perm[j] != i) {
                    vals->items[j] = vals->items[perm[j]];
                    size_t next = perm[j];
                    perm[j] = SIZE_MAX;
                    j = next;
                }
                vals->items[j] = first;
                perm[j] = SIZE_MAX;
            }
        }
        if (perm) {
            mem_free(perm, n * sizeof(size_t));
        }
        if (tmp) {
            mem_free(tmp, (n / 2 + 1) * sizeof(size_t));
        }
    }
    if (reverse) {
        reverse_values(vals->items, n);
    }
    if (l->items || l->len) {
        // Modified during the sort: drop what was added.
        mem_free(l->items, l->cap * sizeof(Value));
        if (ok) {
            exc_raise(exc_ValueError, "list modified during sort");
            ok = false;
        }
    }
    l->items = vals->items;
    l->len = n;
    l->cap = vals->cap;
    vals->items = NULL;
    vals->len = vals->cap = 0;
    gc_pop_root(key ? 2 : 1);
    return ok;
}

// ---- methods

static Value m_append(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "list.append() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return list_append(AS_LIST(argv[0]), argv[1]) ? VAL_NONE : VAL_NULL;
}

static Value m_extend(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "list.extend() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return list_extend(AS_LIST(argv[0]), argv[1]) ? VAL_NONE : VAL_NULL;
}

static Value m_insert(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("insert", argc - 1, 2, 2)) {
        return VAL_NULL;
    }
    ObjList *l = AS_LIST(argv[0]);
    int64_t i;
    if (!ssize_value(argv[1], &i)) {
        return VAL_NULL;
    }
    int64_t n = (int64_t)l->len;
    if (i < 0) {
        i += n;
        if (i < 0) {
            i = 0;
        }
    }
    if (i > n) {
        i = n;
    }
    if (!list_reserve(l, l->len + 1)) {
        return VAL_NULL;
    }
    memmove(l->items + i + 1, l->items + i, (l->len - (size_t)i) * sizeof(Value));
    l->items[i] = argv[2];
    l->len++;
    return VAL_NONE;
}

static Value m_pop(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("pop", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    ObjList *l = AS_LIST(argv[0]);
    int64_t i = -1;
    if (argc > 1 && !ssize_value(argv[1], &i)) {
        return VAL_NULL;
    }
    if (l->len == 0) {
        return exc_raise(exc_IndexError, "pop from empty list");
    }
    if (i < 0) {
        i += (int64_t)l->len;
    }
    if (i < 0 || i >= (int64_t)l->len) {
        return exc_raise(exc_IndexError, "pop index out of range");
    }
    Value v = l->items[i];
    memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(Value));
    l->len--;
    gc_note_removed(v);
    return v;
}

// Index of the first item equal to [x] in [lo, hi): -1 absent, -2 error.
static int64_t list_find(ObjList *l, Value x, int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi && i < (int64_t)l->len; i++) {
        Value y = l->items[i];
        if (y == x) {
            return i;
        }
        int eq = obj_eq(y, x);
        if (eq < 0) {
            return -2;
        }
        if (eq) {
            return i;
        }
    }
    return -1;
}

static Value m_remove(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "list.remove() takes exactly one argument (%d given)",
                         argc - 1);
    }
    ObjList *l = AS_LIST(argv[0]);
    int64_t i = list_find(l, argv[1], 0, (int64_t)l->len);
    if (i == -2) {
        return VAL_NULL;
    }
    if (i < 0) {
        return exc_raise(exc_ValueError, "list.remove(x): x not in list");
    }
    gc_note_removed(l->items[i]);
    memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(Value));
    l->len--;
    return VAL_NONE;
}

static Value m_index(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("index", argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    ObjList *l = AS_LIST(argv[0]);
    int64_t b[2];
    if (!index_bounds(argc, argv, (int64_t)l->len, &b[0], &b[1])) {
        return VAL_NULL;
    }
    int64_t i = list_find(l, argv[1], b[0], b[1]);
    if (i == -2) {
        return VAL_NULL;
    }
    if (i < 0) {
        Value r = obj_repr(argv[1]);
        if (!r) {
            return VAL_NULL;
        }
        return exc_raise(exc_ValueError, "%s is not in list", AS_STR(r)->data);
    }
    return MK_SMALL(i);
}

static Value m_count(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "list.count() takes exactly one argument (%d given)",
                         argc - 1);
    }
    ObjList *l = AS_LIST(argv[0]);
    int64_t c = 0;
    for (size_t i = 0; i < l->len; i++) {
        Value y = l->items[i];
        if (y == argv[1]) {
            c++;
            continue;
        }
        int eq = obj_eq(y, argv[1]);
        if (eq < 0) {
            return VAL_NULL;
        }
        c += eq;
    }
    return MK_SMALL(c);
}

static Value m_clear(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("list.clear", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjList *l = AS_LIST(argv[0]);
    gc_note_removed(argv[0]);
    list_finalize(AS_OBJ(argv[0]));
    l->len = l->cap = 0;
    return VAL_NONE;
}

static Value m_copy(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("list.copy", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return list_from_array(AS_LIST(argv[0])->len, AS_LIST(argv[0])->items);
}

static Value m_reverse(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("list.reverse", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    reverse_values(AS_LIST(argv[0])->items, AS_LIST(argv[0])->len);
    return VAL_NONE;
}

// list.sort's and sorted()'s reverse= as CPython's int-accepting bool
// converter: an int (or bool), else TypeError; 1/0, or -1 with it raised.
int list_sort_reverse_arg(Value rev) {
    int64_t v = 0;
    if (rev && !int_to_i64(rev, &v)) {
        return -1;
    }
    return v != 0;
}

static Value m_sort(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"key", "reverse", NULL};
    if (argc > 3) {
        return exc_raise(exc_TypeError, "sort() takes at most 2 arguments (%d given)", argc - 1);
    }
    if (argc > 1) {
        return exc_raise(exc_TypeError, "sort() takes no positional arguments");
    }
    if (!kw_only("sort", kw, allowed)) {
        return VAL_NULL;
    }
    Value key = kw_get(kw, "key"), rev = kw_get(kw, "reverse");
    int r = list_sort_reverse_arg(rev);
    if (r < 0) {
        return VAL_NULL;
    }
    return list_sort_inplace(AS_LIST(argv[0]), key, r) ? VAL_NONE : VAL_NULL;
}

// list.__init__(iterable=()): what a subclass's __init__ reaches via super().
static Value m_init(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("list", kw) || !arg_count("list", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    list_finalize(AS_OBJ(argv[0]));
    AS_LIST(argv[0])->len = AS_LIST(argv[0])->cap = 0;
    if (argc > 1 && !list_extend(AS_LIST(argv[0]), argv[1])) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

static Value m_reversed(int argc, Value *argv, ObjDict *kw) {
    ObjSeqIter *it = (ObjSeqIter *)obj_alloc(cls_list_reviter, sizeof(ObjSeqIter));
    it->seq = argv[0];
    it->i = AS_LIST(argv[0])->len;
    return OBJ_VAL(it);
}

static bool unhashable(Value self, int64_t *out) {
    exc_raise(exc_TypeError, "unhashable type: '%s'", val_type_name(self));
    return false;
}

// list.__iadd__(x) / __imul__(n): what `l += x` and `l *= n` do, callable by name.
// (CPython's slot wrapper messages.)
static Value m_iadd(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "expected 1 argument, got %d", argc - 1);
    }
    return list_binop(argv[0], argv[1], BIN_ADD + BINOP_INPLACE);
}

static Value m_imul(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "expected 1 argument, got %d", argc - 1);
    }
    if (!is_intlike(argv[1])) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer",
                         val_type_name(argv[1]));
    }
    return list_binop(argv[0], argv[1], BIN_MUL + BINOP_INPLACE);
}

static const MethodDef list_methods[] = {
    {"__iadd__", m_iadd},
    {"__imul__", m_imul},
    {"append", m_append},
    {"extend", m_extend},
    {"insert", m_insert},
    {"pop", m_pop},
    {"remove", m_remove},
    {"index", m_index},
    {"count", m_count},
    {"clear", m_clear},
    {"copy", m_copy},
    {"reverse", m_reverse},
    {"sort", m_sort, true},
    {"__reversed__", m_reversed},
    {"__init__", m_init, true},
    {NULL, NULL},
};

// Creates the list class and its iterator classes.
void list_init(void) {
    cls_list = class_new_builtin("list", NULL, sizeof(ObjList), list_methods);
    cls_list->flags |= CLS_BASETYPE;
    cls_list->new_ = list_new_;
    cls_list->trace = list_trace;
    cls_list->finalize = list_finalize;
    cls_list->hash = unhashable;
    cls_list->repr = list_repr;
    cls_list->richcompare = seq_compare;
    cls_list->binop = list_binop;
    cls_list->getitem = list_getitem;
    cls_list->setitem = list_setitem;
    cls_list->contains = list_contains;
    cls_list->len = list_len;
    cls_list->truthy = list_truthy;
    cls_list->iter = list_iter;

    cls_list_iter = class_new_builtin("list_iterator", NULL, sizeof(ObjSeqIter), list_iter_methods);
    cls_list_iter->trace = seq_iter_trace;
    cls_list_iter->iter = iter_self;
    cls_list_iter->next = list_iter_next;
    cls_list_reviter = class_new_builtin("list_reverseiterator", NULL, sizeof(ObjSeqIter), list_reviter_methods);
    cls_list_reviter->trace = seq_iter_trace;
    cls_list_reviter->iter = iter_self;
    cls_list_reviter->next = list_reviter_next;
}
