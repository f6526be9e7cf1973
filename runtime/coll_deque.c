// coll_deque.c: collections.deque, a ring buffer with optional maxlen,
// indexing, rotate, and an iterator that detects mutation.
#include "containers.h"
#include "gc.h"
#include "runtime.h"
#include "coll.h"

// ---- deque

typedef struct ObjDeque {
    Obj hdr;
    Value *buf;         // ring buffer of cap slots
    size_t cap, head, len;
    int64_t maxlen;     // -1: unbounded
    uint64_t state;     // bumped by every mutation (iterators check it)
} ObjDeque;

#define AS_DEQUE(v) ((ObjDeque *)AS_OBJ(v))
#define DQ_AT(d, i) ((d)->buf[((d)->head + (i)) % (d)->cap])

// Makes room for one more item; false: MemoryError raised, [d] unchanged.
static bool dq_grow(ObjDeque *d) {
    if (d->len < d->cap) {
        return true;
    }
    size_t nc = d->cap ? d->cap * 2 : 8, bytes;
    Value *nb;
    if (!mem_size(nc, sizeof(Value), 0, &bytes) || !(nb = mem_try_alloc(bytes))) {
        return false;
    }
    for (size_t i = 0; i < d->len; i++) {
        nb[i] = DQ_AT(d, i);
    }
    if (d->buf) {
        mem_free(d->buf, d->cap * sizeof(Value));
    }
    d->buf = nb;
    d->cap = nc;
    d->head = 0;
    return true;
}

static bool dq_push_back(ObjDeque *d, Value v);
static bool dq_push_front(ObjDeque *d, Value v);

static Value dq_pop_back(ObjDeque *d) {
    Value v = DQ_AT(d, d->len - 1);
    d->len--;
    d->state++;
    return v;
}

static Value dq_pop_front(ObjDeque *d) {
    Value v = DQ_AT(d, 0);
    d->head = (d->head + 1) % d->cap;
    d->len--;
    d->state++;
    return v;
}

// Appends [v]; false: MemoryError raised.
static bool dq_push_back(ObjDeque *d, Value v) {
    if (d->maxlen == 0) {
        return true;
    }
    if (d->maxlen > 0 && (int64_t)d->len >= d->maxlen) {
        dq_pop_front(d);
    }
    if (!dq_grow(d)) {
        return false;
    }
    d->buf[(d->head + d->len) % d->cap] = v;
    d->len++;
    d->state++;
    return true;
}

// Prepends [v]; false: MemoryError raised.
static bool dq_push_front(ObjDeque *d, Value v) {
    if (d->maxlen == 0) {
        return true;
    }
    if (d->maxlen > 0 && (int64_t)d->len >= d->maxlen) {
        dq_pop_back(d);
    }
    if (!dq_grow(d)) {
        return false;
    }
    d->head = (d->head + d->cap - 1) % d->cap;
    d->buf[d->head] = v;
    d->len++;
    d->state++;
    return true;
}

static void deque_trace(Obj *o) {
    ObjDeque *d = (ObjDeque *)o;
    for (size_t i = 0; i < d->len; i++) {
        gc_mark_value(DQ_AT(d, i));
    }
}

static void deque_finalize(Obj *o) {
    ObjDeque *d = (ObjDeque *)o;
    if (d->buf) {
        mem_free(d->buf, d->cap * sizeof(Value));
        d->buf = NULL;
    }
}

// Appends the items of [iterable] at the back (or front).
static bool dq_extend(ObjDeque *d, Value iterable, bool front) {
    Value src = iterable;
    if (src == OBJ_VAL(d)) {
        src = seq_to_list(iterable);
        if (!src) {
            return false;
        }
    }
    gc_push_root(src);
    Value it = obj_iter(src);
    if (!it) {
        gc_pop_root(1);
        return false;
    }
    gc_push_root(it);
    Value v;
    int r;
    while ((r = obj_next(it, &v)) == 1) {
        if (!(front ? dq_push_front(d, v) : dq_push_back(d, v))) {
            r = -1;
            break;
        }
    }
    gc_pop_root(2);
    return r == 0;
}

static Value deque_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"iterable", "maxlen", NULL};
    if (cls != cls_deque && has_user_init(cls)) {
        // the subclass's __init__ gets the arguments (and may call
        // deque.__init__ with its own)
        size_t size = cls->inst_size > sizeof(ObjDeque) ? cls->inst_size : sizeof(ObjDeque);
        Value d = OBJ_VAL(obj_alloc(cls, size));
        AS_DEQUE(d)->maxlen = -1;
        return d;
    }
    if (!kw_only("deque", kw, allowed)) {
        return VAL_NULL;
    }
    if (argc > 2) {     // PyArg_ParseTupleAndKeywords' words
        return exc_raise(exc_TypeError, "deque() takes at most 2 arguments (%d given)", argc);
    }
    Value iterable = argc > 0 ? argv[0] : kw_get(kw, "iterable");
    Value maxlen = argc > 1 ? argv[1] : kw_get(kw, "maxlen");
    int64_t ml = -1;
    if (maxlen && !IS_NONE(maxlen)) {
        if (!IS_INT(maxlen)) {  // PyLong_AsSsize_t: no __index__
            return exc_raise(exc_TypeError, "an integer is required");
        }
        if (!index_value(maxlen, NULL, &ml)) {
            return VAL_NULL;
        }
        if (ml < 0) {
            return exc_raise(exc_ValueError, "maxlen must be non-negative");
        }
    }
    size_t size = cls->inst_size > sizeof(ObjDeque) ? cls->inst_size : sizeof(ObjDeque);
    Value d = OBJ_VAL(obj_alloc(cls, size));
    AS_DEQUE(d)->maxlen = ml;
    if (iterable && !IS_NONE(iterable)) {
        gc_push_root(d);
        bool ok = dq_extend(AS_DEQUE(d), iterable, false);
        gc_pop_root(1);
        if (!ok) {
            return VAL_NULL;
        }
    }
    return d;
}

static Value deque_repr(Value self) {
    ObjDeque *d = AS_DEQUE(self);
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("[...]") : VAL_NULL;
    }
    // the items as they are now (CPython reprs list(deque)): an item's
    // __repr__ that changes the deque does not change what is shown
    Value items = list_new(d->len);
    if (!items) {
        repr_leave(AS_OBJ(self));
        return VAL_NULL;
    }
    for (size_t i = 0; i < d->len; i++) {
        list_append(AS_LIST(items), DQ_AT(d, i));
    }
    gc_push_root(items);
    SBuf b;
    sb_init(&b);
    sb_adds(&b, AS_OBJ(self)->cls->name->data);
    sb_adds(&b, "([");
    for (size_t i = 0; i < AS_LIST(items)->len; i++) {
        if (i) {
            sb_adds(&b, ", ");
        }
        if (!ct_addrepr(&b, AS_LIST(items)->items[i])) {
            sb_free(&b);
            gc_pop_root(1);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    sb_adds(&b, "]");
    if (d->maxlen >= 0) {
        char buf[48];
        snprintf(buf, sizeof buf, ", maxlen=%lld", (long long)d->maxlen);
        sb_adds(&b, buf);
    }
    sb_adds(&b, ")");
    repr_leave(AS_OBJ(self));
    return sb_finish(&b);
}

static int64_t deque_len(Value self) {
    return (int64_t)AS_DEQUE(self)->len;
}

static int deque_truthy(Value self) {
    return AS_DEQUE(self)->len != 0;
}

static bool dq_index(ObjDeque *d, Value key, int64_t *out) {
    int64_t i;
    if (IS_SMALL(key)) {
        i = AS_SMALL(key);
    } else if (!index_value(key, NULL, &i)) {
        if (EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            exc_raise(exc_TypeError, "sequence index must be integer, not '%s'",
                      val_type_name(key));
        }
        return false;
    }
    if (i < 0) {
        i += (int64_t)d->len;
    }
    if (i < 0 || i >= (int64_t)d->len) {
        exc_raise(exc_IndexError, "deque index out of range");
        return false;
    }
    *out = i;
    return true;
}

static Value deque_getitem(Value self, Value key) {
    ObjDeque *d = AS_DEQUE(self);
    int64_t i;
    if (!dq_index(d, key, &i)) {
        return VAL_NULL;
    }
    return DQ_AT(d, i);
}

static bool deque_setitem(Value self, Value key, Value v) {
    ObjDeque *d = AS_DEQUE(self);
    int64_t i;
    if (!dq_index(d, key, &i)) {
        return false;
    }
    if (v) {
        DQ_AT(d, i) = v;
        return true;
    }
    for (int64_t j = i; j + 1 < (int64_t)d->len; j++) {
        DQ_AT(d, j) = DQ_AT(d, j + 1);
    }
    d->len--;
    d->state++;
    return true;
}

// obj_eq(d[i], v) for a search over [d]: -1 with CPython's RuntimeError
// when the comparison mutated the deque (its state moved from [state]).
static int dq_eq_at(ObjDeque *d, size_t i, Value v, uint64_t state) {
    Value x = DQ_AT(d, i);
    int eq = x == v ? 1 : obj_eq(x, v);
    if (eq >= 0 && d->state != state) {
        exc_raise(exc_RuntimeError, "deque mutated during iteration");
        return -1;
    }
    return eq;
}

static int deque_contains(Value self, Value item) {
    ObjDeque *d = AS_DEQUE(self);
    uint64_t state = d->state;
    for (size_t i = 0; i < d->len; i++) {
        int eq = dq_eq_at(d, i, item, state);
        if (eq != 0) {
            return eq;
        }
    }
    return 0;
}

static Value deque_richcompare(Value a, Value b, int op) {
    if (!IS_KIND(a, cls_deque) || !IS_KIND(b, cls_deque)) {
        return VAL_NOTIMPL;
    }
    Value la = seq_to_list(a);
    if (!la) {
        return VAL_NULL;
    }
    gc_push_root(la);
    Value lb = seq_to_list(b);
    Value r = VAL_NULL;
    if (lb) {
        gc_push_root(lb);
        r = seq_compare(la, lb, op);
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return r;
}

typedef struct ObjDequeIter {
    Obj hdr;
    Value deque;
    size_t i;
    uint64_t state;
    bool reverse;
} ObjDequeIter;

static Value dq_iter_make(Value self, bool reverse) {
    ObjDequeIter *it = (ObjDequeIter *)obj_alloc(cls_deque_iter, sizeof(ObjDequeIter));
    it->deque = self;
    it->state = AS_DEQUE(self)->state;
    it->reverse = reverse;
    return OBJ_VAL(it);
}

static Value deque_iter(Value self) {
    return dq_iter_make(self, false);
}

static int deque_iter_next(Value self, Value *out) {
    ObjDequeIter *it = (ObjDequeIter *)AS_OBJ(self);
    if (!it->deque) {
        return 0;
    }
    ObjDeque *d = AS_DEQUE(it->deque);
    if (d->state != it->state) {
        it->deque = VAL_NULL;
        exc_raise(exc_RuntimeError, "deque mutated during iteration");
        return -1;
    }
    if (it->i >= d->len) {
        it->deque = VAL_NULL;
        return 0;
    }
    *out = it->reverse ? DQ_AT(d, d->len - 1 - it->i) : DQ_AT(d, it->i);
    it->i++;
    return 1;
}

static void deque_iter_trace(Obj *o) {
    gc_mark_value(((ObjDequeIter *)o)->deque);
}

static Value iter_self(Value self) {
    return self;
}

// deque.maxlen, a read-only field (a getter in the class dict, so method
// loads on deques take the VM's cached path: no getattr hook)
static Value deque_maxlen(int argc, Value *argv, ObjDict *kw) {
    int64_t m = AS_DEQUE(argv[0])->maxlen;
    return m < 0 ? VAL_NONE : VAL_INT(m);
}

#define DQ AS_DEQUE(argv[0])

static Value dm_append(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.append", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return dq_push_back(DQ, argv[1]) ? VAL_NONE : VAL_NULL;
}

static Value dm_appendleft(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.appendleft", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return dq_push_front(DQ, argv[1]) ? VAL_NONE : VAL_NULL;
}

static Value dm_pop(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.pop", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    if (DQ->len == 0) {
        return exc_raise(exc_IndexError, "pop from an empty deque");
    }
    Value v = dq_pop_back(DQ);
    gc_note_removed(v);
    return v;
}

static Value dm_popleft(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.popleft", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    if (DQ->len == 0) {
        return exc_raise(exc_IndexError, "pop from an empty deque");
    }
    Value v = dq_pop_front(DQ);
    gc_note_removed(v);
    return v;
}

static Value dm_extend(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.extend", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return dq_extend(DQ, argv[1], false) ? VAL_NONE : VAL_NULL;
}

static Value dm_extendleft(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.extendleft", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return dq_extend(DQ, argv[1], true) ? VAL_NONE : VAL_NULL;
}

static Value dm_rotate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.rotate", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    int64_t n = 1;
    if (argc > 1 && !index_value(argv[1], NULL, &n)) {
        return VAL_NULL;
    }
    ObjDeque *d = DQ;
    if (d->len <= 1) {
        return VAL_NONE;
    }
    int64_t len = (int64_t)d->len;
    n %= len;
    if (n < 0) {
        n += len;
    }
    // Rotating right by n: the last n items move to the front.
    for (int64_t k = 0; k < n; k++) {
        Value v = DQ_AT(d, d->len - 1);
        d->head = (d->head + d->cap - 1) % d->cap;
        d->buf[d->head] = v;
    }
    d->state++;
    return VAL_NONE;
}

static Value dm_clear(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.clear", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    gc_note_removed(argv[0]);
    deque_finalize(AS_OBJ(argv[0]));
    DQ->cap = DQ->len = DQ->head = 0;
    DQ->state++;
    return VAL_NONE;
}

// deque.__init__(iterable=(), maxlen=None): (re)initializes in place, for
// subclasses whose __init__ calls super().__init__(...).
static Value dm_init(int argc, Value *argv, ObjDict *kw) {
    Value fresh = deque_new_(cls_deque, argc - 1, argv + 1, kw);
    if (!fresh) {
        return VAL_NULL;
    }
    gc_push_root(fresh);
    dm_clear(1, argv, NULL);
    DQ->maxlen = AS_DEQUE(fresh)->maxlen;
    for (size_t i = 0; i < AS_DEQUE(fresh)->len; i++) {
        if (!dq_push_back(DQ, DQ_AT(AS_DEQUE(fresh), i))) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return VAL_NONE;
}

static Value dm_copy(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.copy", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjClass *cls = AS_OBJ(argv[0])->cls;
    if (cls != cls_deque) {    // a subclass: type(d)(d) or type(d)(d, maxlen), as CPython
        Value args[2] = {argv[0], MK_SMALL(DQ->maxlen)};
        return vm_call(OBJ_VAL(cls), DQ->maxlen < 0 ? 1 : 2, args, NULL);
    }
    Value d = OBJ_VAL(obj_alloc(cls_deque, sizeof(ObjDeque)));
    AS_DEQUE(d)->maxlen = DQ->maxlen;
    for (size_t i = 0; i < DQ->len; i++) {
        if (!dq_push_back(AS_DEQUE(d), DQ_AT(DQ, i))) {
            return VAL_NULL;
        }
    }
    return d;
}

// deque + deque, deque * n, n * deque, and the in-place += (any iterable)
// and *=, as CPython's: a result keeps the left deque's maxlen.
static Value deque_binop(Value a, Value b, int op) {
    switch (op) {
    case BIN_ADD: {
        if (!IS_KIND(a, cls_deque)) {
            return VAL_NOTIMPL;
        }
        if (!IS_KIND(b, cls_deque)) {
            if (val_class(b)->flags & CLS_USER) {
                return VAL_NOTIMPL;
            }
            return exc_raise(exc_TypeError, "can only concatenate deque (not \"%s\") to deque",
                             val_type_name(b));
        }
        Value r = dm_copy(1, &a, NULL);
        if (!r) {
            return VAL_NULL;
        }
        gc_push_root(r);
        bool ok = dq_extend(AS_DEQUE(r), b, false);
        gc_pop_root(1);
        return ok ? r : VAL_NULL;
    }
    case BIN_ADD + BINOP_INPLACE:
        if (!IS_KIND(a, cls_deque)) {
            return VAL_NOTIMPL;
        }
        return dq_extend(AS_DEQUE(a), b, false) ? a : VAL_NULL;
    case BIN_MUL:
    case BIN_MUL + BINOP_INPLACE: {
        Value seq = IS_KIND(a, cls_deque) ? a : b, nv = seq == a ? b : a;
        if (!IS_KIND(seq, cls_deque) || (op != BIN_MUL && seq != a)) {
            return VAL_NOTIMPL;
        }
        int64_t n;
        int k = seq_repeat_count(nv, &n);
        if (k <= 0) {
            return k ? VAL_NULL : VAL_NOTIMPL;
        }
        Value r = op == BIN_MUL ? dm_copy(1, &seq, NULL) : seq;
        if (!r) {
            return VAL_NULL;
        }
        gc_push_root(r);
        ObjDeque *d = AS_DEQUE(r);
        size_t len = d->len;
        if (n <= 0 || len == 0) {
            dm_clear(1, &r, NULL);
        } else {
            int64_t rounds = n - 1;
            if (d->maxlen >= 0 && rounds > d->maxlen / (int64_t)len + 1) {
                rounds = d->maxlen / (int64_t)len + 1;   // older items fall off anyway
            }
            for (int64_t k = 0; k < rounds; k++) {
                for (size_t i = 0; i < len; i++) {
                    // with a maxlen, pushing drops from the front: the
                    // item i of the original round is now at len - 1 back
                    Value v = DQ_AT(d, d->len - len);
                    if (!dq_push_back(d, v)) {
                        gc_pop_root(1);
                        return VAL_NULL;
                    }
                }
            }
        }
        gc_pop_root(1);
        return r;
    }
    default:
        return VAL_NOTIMPL;
    }
}

static Value dm_count(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.count", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    int64_t c = 0;
    uint64_t state = DQ->state;
    for (size_t i = 0; i < DQ->len; i++) {
        int eq = dq_eq_at(DQ, i, argv[1], state);
        if (eq < 0) {
            return VAL_NULL;
        }
        c += eq;
    }
    return MK_SMALL(c);
}

static Value dm_index(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2 || argc > 4) {     // _PyArg_ParseStack's words
        return exc_raise(exc_TypeError, "index() takes at %s %d argument%s (%d given)", argc < 2 ? "least" : "most",
                         argc < 2 ? 1 : 3, argc < 2 ? "" : "s", argc - 1);
    }
    int64_t lo, hi;
    if (!index_bounds(argc, argv, (int64_t)DQ->len, &lo, &hi)) {
        return VAL_NULL;
    }
    uint64_t state = DQ->state;
    for (size_t i = (size_t)lo; i < (size_t)hi && i < DQ->len; i++) {
        int eq = dq_eq_at(DQ, i, argv[1], state);
        if (eq < 0) {
            return VAL_NULL;
        }
        if (eq) {
            return MK_SMALL(i);
        }
    }
    Value r = obj_repr(argv[1]);
    return r ? exc_raise(exc_ValueError, "%s is not in deque", AS_STR(r)->data) : VAL_NULL;
}

static Value dm_remove(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.remove", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    uint64_t state = DQ->state;
    for (size_t i = 0; i < DQ->len; i++) {
        Value x = DQ_AT(DQ, i);
        int eq = x == argv[1] ? 1 : obj_eq(x, argv[1]);
        if (eq < 0) {
            return VAL_NULL;
        }
        if (DQ->state != state) {
            return exc_raise(exc_IndexError, "deque mutated during iteration");
        }
        if (eq) {
            deque_setitem(argv[0], MK_SMALL(i), VAL_NULL);
            return VAL_NONE;
        }
    }
    Value r = obj_repr(argv[1]);    // CPython 3.11's message
    return r ? exc_raise(exc_ValueError, "%s is not in deque", AS_STR(r)->data) : VAL_NULL;
}

static Value dm_reverse(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.reverse", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjDeque *d = DQ;
    for (size_t i = 0, j = d->len ? d->len - 1 : 0; i < j; i++, j--) {
        Value t = DQ_AT(d, i);
        DQ_AT(d, i) = DQ_AT(d, j);
        DQ_AT(d, j) = t;
    }
    d->state++;
    return VAL_NONE;
}

static Value dm_insert(int argc, Value *argv, ObjDict *kw) {
    if (argc != 3) {
        return exc_raise(exc_TypeError, "insert() takes exactly 2 arguments (%d given)", argc - 1);
    }
    ObjDeque *d = DQ;
    int64_t i;
    if (!index_value(argv[1], NULL, &i)) {
        return VAL_NULL;
    }
    if (d->maxlen >= 0 && (int64_t)d->len >= d->maxlen) {
        return exc_raise(exc_IndexError, "deque already at its maximum size");
    }
    int64_t n = (int64_t)d->len;
    if (i < 0) {
        i += n;
        if (i < 0) {
            i = 0;
        }
    }
    if (i > n) {
        i = n;
    }
    if (!dq_push_back(d, VAL_NONE)) {
        return VAL_NULL;
    }
    for (int64_t j = n; j > i; j--) {
        DQ_AT(d, j) = DQ_AT(d, j - 1);
    }
    DQ_AT(d, i) = argv[2];
    return VAL_NONE;
}

static Value dm_reversed(int argc, Value *argv, ObjDict *kw) {
    return dq_iter_make(argv[0], true);
}

// __reduce__(): (type, () or ((), maxlen), __dict__ or None, iter(d)), as
// CPython's (deepcopy and pickle keep the items; they made an empty deque).
static Value dm_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    Value self = argv[0];
    ObjDeque *d = AS_DEQUE(self);
    Value args = d->maxlen < 0 ? tuple_new(0) : tuple_pack(2, tuple_new(0), VAL_INT(d->maxlen));
    gc_push_root(args);
    Value state = obj_getattr_opt(self, str_intern_c("__dict__"));
    if (!state && exc_pending()) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    if (!state || (IS_DICT(state) && AS_DICT(state)->used == 0)) {
        state = VAL_NONE;
    }
    gc_push_root(state);
    Value it = obj_iter(self);
    Value r = it ? tuple_pack(4, OBJ_VAL(AS_OBJ(self)->cls), args, state, it) : VAL_NULL;
    gc_pop_root(2);
    return r;
}

static const MethodDef deque_methods[] = {
    {"__reduce__", dm_reduce},
    {"__init__", dm_init, true},
    {"append", dm_append},
    {"appendleft", dm_appendleft},
    {"pop", dm_pop},
    {"popleft", dm_popleft},
    {"extend", dm_extend},
    {"extendleft", dm_extendleft},
    {"rotate", dm_rotate},
    {"clear", dm_clear},
    {"copy", dm_copy},
    {"__copy__", dm_copy},
    {"count", dm_count},
    {"index", dm_index},
    {"remove", dm_remove},
    {"reverse", dm_reverse},
    {"insert", dm_insert},
    {"__reversed__", dm_reversed},
    {NULL, NULL},
};

static bool dq_unhashable(Value self, int64_t *out) {
    exc_raise(exc_TypeError, "unhashable type: '%s%s'", val_class(self) == cls_deque ? "collections." : "",
              val_type_name(self));
    return false;
}

// Makes the deque class and its iterator class, of module [modname].
void coll_deque_init(ObjStr *modname) {
    cls_deque = class_new_builtin("deque", NULL, sizeof(ObjDeque), deque_methods);
    cls_deque->module = modname;
    cls_deque->new_ = deque_new_;
    class_add_classmethod(cls_deque, "__class_getitem__", generic_alias_cgi_method);
    cls_deque->trace = deque_trace;
    cls_deque->finalize = deque_finalize;
    cls_deque->repr = deque_repr;
    cls_deque->len = deque_len;
    cls_deque->truthy = deque_truthy;
    cls_deque->getitem = deque_getitem;
    cls_deque->setitem = deque_setitem;
    cls_deque->contains = deque_contains;
    cls_deque->richcompare = deque_richcompare;
    cls_deque->binop = deque_binop;
    cls_deque->iter = deque_iter;
    class_add_getter(cls_deque, "maxlen", deque_maxlen);
    cls_deque->hash = dq_unhashable;
    cls_deque_iter = class_new_builtin("_collections._deque_iterator", NULL,
                                       sizeof(ObjDequeIter), NULL);
    cls_deque_iter->new_ = NULL;
    cls_deque_iter->trace = deque_iter_trace;
    cls_deque_iter->iter = iter_self;
    cls_deque_iter->next = deque_iter_next;
}
