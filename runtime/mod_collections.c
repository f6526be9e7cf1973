// mod_collections.c: the `collections` module: deque (a ring buffer with
// optional maxlen, indexing, rotate, and an iterator that detects
// mutation), defaultdict and Counter (C subclasses of dict: ObjDict first,
// so every dict slot and method applies, with their own getitem for the
// missing-key behaviour), and OrderedDict (a dict subclass with move_to_end).
#include "containers.h"
#include "module.h"


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
    if (!kw_only("deque", kw, allowed) || !arg_count("deque", argc, 0, 2)) {
        return VAL_NULL;
    }
    Value iterable = argc > 0 ? argv[0] : kw_get(kw, "iterable");
    Value maxlen = argc > 1 ? argv[1] : kw_get(kw, "maxlen");
    int64_t ml = -1;
    if (maxlen && !IS_NONE(maxlen)) {
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
    SBuf b;
    sb_init(&b);
    sb_adds(&b, AS_OBJ(self)->cls->name->data);
    sb_adds(&b, "([");
    for (size_t i = 0; i < d->len; i++) {
        if (i) {
            sb_adds(&b, ", ");
        }
        if (!ct_addrepr(&b, DQ_AT(d, i))) {
            sb_free(&b);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
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

static int deque_contains(Value self, Value item) {
    ObjDeque *d = AS_DEQUE(self);
    for (size_t i = 0; i < d->len; i++) {
        Value x = DQ_AT(d, i);
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

static Value deque_getattr(Value self, ObjStr *name) {
    if (!strcmp(name->data, "maxlen")) {
        int64_t m = AS_DEQUE(self)->maxlen;
        return m < 0 ? VAL_NONE : VAL_INT(m);
    }
    return generic_getattr(self, name);
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
    return dq_pop_back(DQ);
}

static Value dm_popleft(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("deque.popleft", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    if (DQ->len == 0) {
        return exc_raise(exc_IndexError, "pop from an empty deque");
    }
    return dq_pop_front(DQ);
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
    if (!arg_count("rotate", argc - 1, 0, 1)) {
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
    Value d = OBJ_VAL(obj_alloc(cls_deque, sizeof(ObjDeque)));
    AS_DEQUE(d)->maxlen = DQ->maxlen;
    for (size_t i = 0; i < DQ->len; i++) {
        if (!dq_push_back(AS_DEQUE(d), DQ_AT(DQ, i))) {
            return VAL_NULL;
        }
    }
    return d;
}

static Value dm_count(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("count", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    int64_t c = 0;
    for (size_t i = 0; i < DQ->len; i++) {
        int eq = obj_eq(DQ_AT(DQ, i), argv[1]);
        if (eq < 0) {
            return VAL_NULL;
        }
        c += eq;
    }
    return MK_SMALL(c);
}

static Value dm_index(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("index", argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < DQ->len; i++) {
        int eq = obj_eq(DQ_AT(DQ, i), argv[1]);
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
    for (size_t i = 0; i < DQ->len; i++) {
        int eq = obj_eq(DQ_AT(DQ, i), argv[1]);
        if (eq < 0) {
            return VAL_NULL;
        }
        if (eq) {
            deque_setitem(argv[0], MK_SMALL(i), VAL_NULL);
            return VAL_NONE;
        }
    }
    return exc_raise(exc_ValueError, "deque.remove(x): x not in deque");
}

static Value dm_reverse(int argc, Value *argv, ObjDict *kw) {
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
    if (!arg_count("insert", argc - 1, 2, 2)) {
        return VAL_NULL;
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

static const MethodDef deque_methods[] = {
    {"__init__", dm_init},
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

// ---- defaultdict

typedef struct ObjDefaultDict {
    ObjDict d;          // must stay first: the dict slots work on it
    Value factory;      // None or a callable
} ObjDefaultDict;

#define AS_DD(v) ((ObjDefaultDict *)AS_OBJ(v))

static void dd_trace(Obj *o) {
    dict_trace(o);
    gc_mark_value(((ObjDefaultDict *)o)->factory);
}

static Value dd_missing(Value self, Value key) {
    Value f = AS_DD(self)->factory;
    if (!f || IS_NONE(f)) {
        return dict_key_error(key);
    }
    Value v = vm_call(f, 0, NULL, NULL);
    if (!v) {
        return VAL_NULL;
    }
    gc_push_root(v);
    int r = dict_set(AS_DICT(self), key, v);
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : v;
}

static Value dd_getitem(Value self, Value key) {
    Value v;
    int r = dict_get(AS_DICT(self), key, &v);
    if (r > 0) {
        return v;
    }
    if (r < 0) {
        return VAL_NULL;
    }
    return dd_missing(self, key);
}

static Value dd_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value factory = argc > 0 ? argv[0] : VAL_NONE;
    if (!IS_NONE(factory)) {
        ObjClass *c = val_class(factory);
        if (!(c->call || c == cls_function || c == cls_native || c == cls_bound_method ||
              IS_CLASS(factory))) {
            return exc_raise(exc_TypeError, "first argument must be callable or None");
        }
    }
    size_t size = cls->inst_size > sizeof(ObjDefaultDict) ? cls->inst_size : sizeof(ObjDefaultDict);
    Value d = OBJ_VAL(obj_alloc(cls, size));
    AS_DD(d)->factory = factory;
    gc_push_root(d);
    int r = argc > 1 ? dict_update_from(AS_DICT(d), argv[1]) : 0;
    if (r == 0 && argc > 2) {
        r = -1;
        exc_raise(exc_TypeError, "defaultdict expected at most 2 arguments, got %d", argc);
    }
    if (r == 0 && kw) {
        r = dict_update_from(AS_DICT(d), OBJ_VAL(kw));
    }
    gc_pop_root(1);
    return r == 0 ? d : VAL_NULL;
}

static Value dd_repr(Value self) {
    Value f = AS_DD(self)->factory;
    Value fr = obj_repr(f ? f : VAL_NONE);
    if (!fr) {
        return VAL_NULL;
    }
    gc_push_root(fr);
    Value dr = dict_repr(self);
    gc_pop_root(1);
    if (!dr) {
        return VAL_NULL;
    }
    return str_printf("%s(%s, %s)", AS_OBJ(self)->cls->name->data, AS_STR(fr)->data,
                      AS_STR(dr)->data);
}

static Value dd_getattr(Value self, ObjStr *name) {
    if (!strcmp(name->data, "default_factory")) {
        return AS_DD(self)->factory;
    }
    return generic_getattr(self, name);
}

static Value ddm_missing(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__missing__", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return dd_missing(argv[0], argv[1]);
}

static Value ddm_copy(int argc, Value *argv, ObjDict *kw) {
    Value d = OBJ_VAL(obj_alloc(AS_OBJ(argv[0])->cls, AS_OBJ(argv[0])->cls->inst_size));
    AS_DD(d)->factory = AS_DD(argv[0])->factory;
    return table_copy(AS_DICT(d), AS_DICT(argv[0])) ? d : VAL_NULL;
}

static const MethodDef dd_methods[] = {
    {"__missing__", ddm_missing},
    {"copy", ddm_copy},
    {NULL, NULL},
};

// ---- Counter

static Value counter_getitem(Value self, Value key) {
    Value v;
    int r = dict_get(AS_DICT(self), key, &v);
    if (r < 0) {
        return VAL_NULL;
    }
    return r ? v : MK_SMALL(0);
}

// Adds (sign +1) or subtracts counts from a mapping or an iterable.
static bool counter_add(Value self, Value src, int sign) {
    ObjDict *d = AS_DICT(self);
    if (IS_DICTISH(src)) {
        ObjDict *s = AS_DICT(src);
        for (size_t i = 0; i < s->nentries; i++) {
            if (!s->entries[i].key) {
                continue;
            }
            Value k = s->entries[i].key, n = s->entries[i].value, old;
            int r = dict_get(d, k, &old);
            if (r < 0) {
                return false;
            }
            Value nv = r ? obj_binop(old, n, sign > 0 ? BIN_ADD : BIN_SUB)
                         : (sign > 0 ? n : obj_unop(n, UN_NEG));
            if (!nv || dict_set(d, k, nv) < 0) {
                return false;
            }
        }
        return true;
    }
    Value it = obj_iter(src);
    if (!it) {
        return false;
    }
    gc_push_root(it);
    Value k;
    int r;
    while ((r = obj_next(it, &k)) == 1) {
        Value old;
        int g = dict_get(d, k, &old);
        if (g < 0) {
            r = -1;
            break;
        }
        Value nv = g ? obj_binop(old, MK_SMALL(sign), BIN_ADD) : MK_SMALL(sign);
        if (!nv || dict_set(d, k, nv) < 0) {
            r = -1;
            break;
        }
    }
    gc_pop_root(1);
    return r == 0;
}

static Value counter_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("Counter", argc, 0, 1)) {
        return VAL_NULL;
    }
    size_t size = cls->inst_size > sizeof(ObjDict) ? cls->inst_size : sizeof(ObjDict);
    Value c = OBJ_VAL(obj_alloc(cls, size));
    gc_push_root(c);
    bool ok = (argc == 0 || IS_NONE(argv[0]) || counter_add(c, argv[0], 1)) &&
              (!kw || counter_add(c, OBJ_VAL(kw), 1));
    gc_pop_root(1);
    return ok ? c : VAL_NULL;
}

// Items sorted by count, largest first (stable): a list of (key, count).
// The sort key of counter_sorted_items: the count of a (key, count) item.
static Value cm_count_of(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1 || !IS_TUPLE(argv[0]) || AS_TUPLE(argv[0])->len != 2) {
        return exc_raise(exc_TypeError, "bad Counter item");
    }
    return AS_TUPLE(argv[0])->items[1];
}

static Value counter_sorted_items(Value self) {
    Value items = list_new(AS_DICT(self)->used);
    if (!items) {
        return VAL_NULL;
    }
    ObjDict *d = AS_DICT(self);
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key) {
            list_append(AS_LIST(items), tuple_pack(2, d->entries[i].key, d->entries[i].value));
        }
    }
    gc_push_root(items);
    // Sort by count descending: key = item[1], reverse = True. The key
    // function is made here, out of pyish code's reach.
    Value keyf = native_new("_count_of", cm_count_of, NULL);
    gc_push_root(keyf);
    bool ok = list_sort_inplace(AS_LIST(items), keyf, true);
    gc_pop_root(2);
    return ok ? items : VAL_NULL;
}


static Value counter_repr(Value self) {
    if (AS_DICT(self)->used == 0) {
        return str_printf("%s()", AS_OBJ(self)->cls->name->data);
    }
    Value items = counter_sorted_items(self);
    if (!items) {
        return VAL_NULL;
    }
    gc_push_root(items);
    SBuf b;
    sb_init(&b);
    sb_adds(&b, AS_OBJ(self)->cls->name->data);
    sb_adds(&b, "({");
    bool ok = true;
    for (size_t i = 0; i < AS_LIST(items)->len && ok; i++) {
        ObjTuple *t = AS_TUPLE(AS_LIST(items)->items[i]);
        if (i) {
            sb_adds(&b, ", ");
        }
        ok = ct_addrepr(&b, t->items[0]);
        if (ok) {
            sb_adds(&b, ": ");
            ok = ct_addrepr(&b, t->items[1]);
        }
    }
    gc_pop_root(1);
    if (!ok) {
        sb_free(&b);
        return VAL_NULL;
    }
    sb_adds(&b, "})");
    return sb_finish(&b);
}

static Value cm_most_common(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("most_common", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    Value items = counter_sorted_items(argv[0]);
    if (!items) {
        return VAL_NULL;
    }
    if (argc > 1 && !IS_NONE(argv[1])) {
        int64_t n;
        if (!index_value(argv[1], NULL, &n)) {
            return VAL_NULL;
        }
        if (n < 0) {
            n = 0;
        }
        if ((size_t)n < AS_LIST(items)->len) {
            AS_LIST(items)->len = (size_t)n;
        }
    }
    return items;
}

static Value cm_elements(int argc, Value *argv, ObjDict *kw) {
    ObjDict *d = AS_DICT(argv[0]);
    // (eager, unlike CPython's lazy chain: the total is sized first, so a
    // huge count is a MemoryError at once rather than a hang)
    size_t total = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key && IS_SMALL(d->entries[i].value) && AS_SMALL(d->entries[i].value) > 0 &&
            __builtin_add_overflow(total, (size_t)AS_SMALL(d->entries[i].value), &total)) {
            return exc_raise_nomem();
        }
    }
    Value l = list_new(total);
    if (!l) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key && IS_SMALL(d->entries[i].value)) {
            for (int64_t k = 0; k < AS_SMALL(d->entries[i].value); k++) {
                list_append(AS_LIST(l), d->entries[i].key);     // room made above
            }
        }
    }
    return obj_iter(l);
}

static Value cm_update(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("update", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    bool ok = (argc < 2 || counter_add(argv[0], argv[1], 1)) &&
              (!kw || counter_add(argv[0], OBJ_VAL(kw), 1));
    return ok ? VAL_NONE : VAL_NULL;
}

static Value cm_subtract(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("subtract", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    bool ok = (argc < 2 || counter_add(argv[0], argv[1], -1)) &&
              (!kw || counter_add(argv[0], OBJ_VAL(kw), -1));
    return ok ? VAL_NONE : VAL_NULL;
}

static Value cm_total(int argc, Value *argv, ObjDict *kw) {
    ObjDict *d = AS_DICT(argv[0]);
    Value acc = MK_SMALL(0);
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key) {
            acc = obj_binop(acc, d->entries[i].value, BIN_ADD);
            if (!acc) {
                return VAL_NULL;
            }
        }
    }
    return acc;
}

// Fills r with min (a & b) or max (a | b) counts, as CPython's Counter
// __and__/__or__ do (only positive results are kept by the caller).
static bool counter_minmax(Value r, Value a, Value b, bool is_max) {
    ObjDict *da = AS_DICT(a), *db = AS_DICT(b);
    for (size_t i = 0; i < da->nentries; i++) {
        if (!da->entries[i].key) {
            continue;
        }
        Value k = da->entries[i].key, n = da->entries[i].value, o;
        int g = dict_get(db, k, &o);
        if (g < 0) {
            return false;
        }
        if (!g) {
            if (!is_max) {
                continue;
            }
            o = MK_SMALL(0);
        }
        int lt = obj_lt(n, o);
        if (lt < 0) {
            return false;
        }
        Value v = (lt != 0) == is_max ? o : n;
        if (dict_set(AS_DICT(r), k, v) < 0) {
            return false;
        }
    }
    if (is_max) {
        for (size_t i = 0; i < db->nentries; i++) {
            Value k = db->entries[i].key, o;
            if (!k) {
                continue;
            }
            int g = dict_get(da, k, &o);
            if (g < 0) {
                return false;
            }
            if (!g && dict_set(AS_DICT(r), k, db->entries[i].value) < 0) {
                return false;
            }
        }
    }
    return true;
}

// +c and -c: the positive counts (of c, or of its negation), as CPython does.
static Value counter_unop(Value a, int op) {
    if (op != UN_POS && op != UN_NEG) {
        return VAL_NOTIMPL;
    }
    Value r = counter_new_(cls_counter, 0, NULL, NULL);
    gc_push_root(r);
    ObjDict *d = AS_DICT(a);
    bool ok = true;
    for (size_t i = 0; i < d->nentries && ok; i++) {
        if (!d->entries[i].key) {
            continue;
        }
        Value n = d->entries[i].value;
        int keep = op == UN_POS ? obj_lt(MK_SMALL(0), n) : obj_lt(n, MK_SMALL(0));
        if (keep < 0) {
            ok = false;
        } else if (keep) {
            Value v = op == UN_POS ? n : obj_unop(n, UN_NEG);
            ok = v && dict_set(AS_DICT(r), d->entries[i].key, v) >= 0;
        }
    }
    gc_pop_root(1);
    return ok ? r : VAL_NULL;
}

// Counter + Counter, Counter - Counter, & and | (keeping positive counts).
static Value counter_binop(Value a, Value b, int op) {
    if (op >= BINOP_INPLACE) {
        op -= BINOP_INPLACE;
    }
    if ((op != BIN_ADD && op != BIN_SUB && op != BIN_AND && op != BIN_OR) ||
        !IS_KIND(a, cls_counter) || !IS_KIND(b, cls_counter)) {
        return VAL_NOTIMPL;
    }
    Value r = counter_new_(cls_counter, 0, NULL, NULL);
    gc_push_root(r);
    bool ok = op == BIN_AND || op == BIN_OR
                  ? counter_minmax(r, a, b, op == BIN_OR)
                  : counter_add(r, a, 1) && counter_add(r, b, op == BIN_ADD ? 1 : -1);
    if (ok) {
        ObjDict *d = AS_DICT(r);
        for (size_t i = 0; i < d->nentries; i++) {
            if (d->entries[i].key) {
                int pos = obj_lt(MK_SMALL(0), d->entries[i].value);
                if (pos < 0) {
                    ok = false;
                    break;
                }
                if (!pos) {
                    dict_del(d, d->entries[i].key);
                }
            }
        }
    }
    gc_pop_root(1);
    return ok ? r : VAL_NULL;
}

static const MethodDef counter_methods[] = {
    {"most_common", cm_most_common},
    {"elements", cm_elements},
    {"update", cm_update},
    {"subtract", cm_subtract},
    {"total", cm_total},
    {NULL, NULL},
};


// ---- namedtuple: a tuple subclass made in C; its _fields tuple (interned
// names) drives construction, attribute access and repr.


static ObjTuple *nt_fields(ObjClass *c) {
    Value f = class_lookup(c, ST->s_fields);
    return f && IS_TUPLE(f) ? AS_TUPLE(f) : AS_TUPLE(tuple_new(0));
}

static Value nt_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    ObjTuple *fields = nt_fields(cls);
    size_t n = fields->len;
    if ((size_t)argc > n) {
        return exc_raise(exc_TypeError, "%s.__new__() takes %zu positional arguments but %d were given",
                         cls->name->data, n + 1, argc + 1);
    }
    size_t size = sizeof(ObjTuple) + n * sizeof(Value);
    if (cls->inst_size > sizeof(ObjTuple)) {
        size += cls->inst_size - sizeof(ObjTuple);  // room for a subclass's trailing dict
    }
    ObjTuple *t = (ObjTuple *)obj_alloc(cls, size);
    t->hash = -1;
    t->len = n;
    for (int i = 0; i < argc; i++) {
        t->items[i] = argv[i];
    }
    if (kw) {
        for (size_t i = 0; i < kw->nentries; i++) {
            DictEntry *e = &kw->entries[i];
            if (!e->key) {
                continue;
            }
            size_t j = 0;
            while (j < n && !str_eq(AS_STR(fields->items[j]), AS_STR(e->key))) {
                j++;
            }
            if (j == n) {
                return exc_raise(exc_TypeError, "%s.__new__() got an unexpected keyword argument '%s'",
                                 cls->name->data, AS_STR(e->key)->data);
            }
            if (t->items[j]) {
                return exc_raise(exc_TypeError, "%s.__new__() got multiple values for argument '%s'",
                                 cls->name->data, AS_STR(e->key)->data);
            }
            t->items[j] = e->value;
        }
    }
    Value defs = class_lookup(cls, ST->s_defaults);
    size_t nd = defs && IS_TUPLE(defs) ? AS_TUPLE(defs)->len : 0;
    for (size_t j = 0; j < n; j++) {
        if (!t->items[j]) {
            if (j >= n - nd) {
                t->items[j] = AS_TUPLE(defs)->items[j - (n - nd)];
                continue;
            }
            t->items[j] = VAL_NONE;
            return exc_raise(exc_TypeError, "%s.__new__() missing 1 required positional argument: '%s'",
                             cls->name->data, AS_STR(fields->items[j])->data);
        }
    }
    return OBJ_VAL(t);
}

static Value nt_getattr(Value self, ObjStr *name) {
    ObjTuple *fields = nt_fields(AS_OBJ(self)->cls);
    ObjTuple *t = AS_TUPLE(self);
    for (size_t i = 0; i < fields->len && i < t->len; i++) {
        if (AS_STR(fields->items[i]) == name || str_eq(AS_STR(fields->items[i]), name)) {
            return t->items[i];
        }
    }
    return generic_getattr(self, name);
}

// Fields are read-only: "can't set attribute" (CPython 3.11's wording).
static bool nt_setattr(Value self, ObjStr *name, Value v) {
    ObjTuple *fields = nt_fields(AS_OBJ(self)->cls);
    for (size_t i = 0; i < fields->len; i++) {
        if (str_eq(AS_STR(fields->items[i]), name)) {
            exc_raise(exc_AttributeError, v ? "can't set attribute" : "can't delete attribute");
            return false;
        }
    }
    return generic_setattr(self, name, v);
}

static Value nt_repr(Value self) {
    ObjTuple *fields = nt_fields(AS_OBJ(self)->cls);
    ObjTuple *t = AS_TUPLE(self);
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("...") : VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    sb_adds(&b, AS_OBJ(self)->cls->name->data);
    sb_adds(&b, "(");
    for (size_t i = 0; i < t->len; i++) {
        if (i) {
            sb_adds(&b, ", ");
        }
        if (i < fields->len) {
            ct_addstr(&b, fields->items[i]);
            sb_adds(&b, "=");
        }
        if (!ct_addrepr(&b, t->items[i])) {
            sb_free(&b);
            repr_leave(AS_OBJ(self));
            return VAL_NULL;
        }
    }
    sb_adds(&b, ")");
    repr_leave(AS_OBJ(self));
    return sb_finish(&b);
}

static Value ntm_asdict(int argc, Value *argv, ObjDict *kw) {
    ObjTuple *fields = nt_fields(AS_OBJ(argv[0])->cls);
    Value d = dict_new();
    for (size_t i = 0; i < fields->len && i < AS_TUPLE(argv[0])->len; i++) {
        dict_set(AS_DICT(d), fields->items[i], AS_TUPLE(argv[0])->items[i]);
    }
    return d;
}

static Value ntm_replace(int argc, Value *argv, ObjDict *kw) {
    ObjClass *cls = AS_OBJ(argv[0])->cls;
    ObjTuple *fields = nt_fields(cls);
    ObjTuple *t = AS_TUPLE(argv[0]);
    Value d = dict_new();
    for (size_t i = 0; i < fields->len && i < t->len; i++) {
        dict_set(AS_DICT(d), fields->items[i], t->items[i]);
    }
    if (kw) {
        for (size_t i = 0; i < kw->nentries; i++) {
            DictEntry *e = &kw->entries[i];
            if (!e->key) {
                continue;
            }
            Value old;
            if (dict_get(AS_DICT(d), e->key, &old) != 1) {
                Value r = obj_repr(OBJ_VAL(kw));
                return exc_raise(exc_ValueError, "Got unexpected field names: %s",
                                 r ? AS_STR(r)->data : "?");
            }
            dict_set(AS_DICT(d), e->key, e->value);
        }
    }
    gc_push_root(d);
    Value r = nt_new_(cls, 0, NULL, AS_DICT(d));
    gc_pop_root(1);
    return r;
}

static Value ntm_make(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_make", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value t = seq_to_tuple(argv[1]);
    if (!t) {
        return VAL_NULL;
    }
    gc_push_root(t);
    Value r = nt_new_(AS_CLASS(argv[0]), (int)AS_TUPLE(t)->len, AS_TUPLE(t)->items, NULL);
    gc_pop_root(1);
    return r;
}

static const MethodDef nt_methods[] = {
    {"_asdict", ntm_asdict},
    {"_replace", ntm_replace},
    {NULL, NULL},
};

// Splits "x, y" / "x y" / an iterable of names into a tuple of interned strs.
static Value nt_parse_fields(Value spec) {
    Value names = list_new(0);
    gc_push_root(names);
    if (IS_STR(spec)) {
        const char *p = AS_STR(spec)->data;
        while (*p) {
            while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n') {
                p++;
            }
            const char *q = p;
            while (*q && *q != ' ' && *q != ',' && *q != '\t' && *q != '\n') {
                q++;
            }
            if (q > p) {
                list_append(AS_LIST(names), str_intern(p, (size_t)(q - p)));
            }
            p = q;
        }
    } else {
        Value l = seq_to_list(spec);
        if (!l) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        for (size_t i = 0; i < AS_LIST(l)->len; i++) {
            Value s = AS_LIST(l)->items[i];
            if (!IS_STR(s)) {
                gc_pop_root(1);
                return exc_raise(exc_TypeError, "Type names and field names must be strings");
            }
            list_append(AS_LIST(names), str_intern(AS_STR(s)->data, AS_STR(s)->len));
        }
    }
    gc_pop_root(1);
    return seq_to_tuple(names);
}

// namedtuple(typename, field_names, *, rename=False, defaults=None, module=None)
static Value m_namedtuple(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"rename", "defaults", "module", NULL};
    if (!kw_only("namedtuple", kw, allowed) || !arg_count("namedtuple", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "Type names and field names must be strings");
    }
    Value fields = nt_parse_fields(argv[1]);
    if (!fields) {
        return VAL_NULL;
    }
    gc_push_root(fields);
    Value defs = kw_get(kw, "defaults");
    Value dt = VAL_NULL;
    if (defs && !IS_NONE(defs)) {
        dt = seq_to_tuple(defs);
        if (!dt) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if (AS_TUPLE(dt)->len > AS_TUPLE(fields)->len) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "Got more default values than field names");
        }
    }
    if (dt) {
        gc_push_root(dt);
    }
    ObjClass *c = class_new_builtin(AS_STR(argv[0])->data, cls_tuple, sizeof(ObjTuple), nt_methods);
    c->name = AS_STR(str_intern(AS_STR(argv[0])->data, AS_STR(argv[0])->len));
    Value mod = kw_get(kw, "module");
    c->module = mod && IS_STR(mod) ? AS_STR(mod) : str_intern_c("__main__");
    c->flags |= CLS_BASETYPE;
    c->new_ = nt_new_;
    c->getattr = nt_getattr;
    c->setattr = nt_setattr;
    c->repr = nt_repr;
    dict_set_str(c->dict, ST->s_fields, fields);
    if (dt) {
        dict_set_str(c->dict, ST->s_defaults, dt);
    }
    class_add_classmethod(c, "_make", ntm_make);
    gc_pop_root(dt ? 2 : 1);
    return OBJ_VAL(c);
}


// OrderedDict == OrderedDict is order-sensitive; with a plain dict it is not.
static Value od_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_KIND(a, cls_ordereddict) || !IS_KIND(b, cls_ordereddict)) {
        return cls_dict->richcompare(a, b, op);
    }
    Value r = cls_dict->richcompare(a, b, OP_EQ);
    if (r != VAL_TRUE) {
        return r == VAL_FALSE ? VAL_BOOL(op == OP_NE) : r;
    }
    ObjDict *x = AS_DICT(a), *y = AS_DICT(b);
    size_t i = 0, j = 0;
    bool eq = true;
    while (eq) {
        while (i < x->nentries && !x->entries[i].key) {
            i++;
        }
        while (j < y->nentries && !y->entries[j].key) {
            j++;
        }
        if (i >= x->nentries || j >= y->nentries) {
            break;
        }
        int c = obj_eq(x->entries[i].key, y->entries[j].key);
        if (c < 0) {
            return VAL_NULL;
        }
        eq = c == 1;
        i++;
        j++;
    }
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

// ---- OrderedDict: a dict subclass (dicts keep order already) adding
// move_to_end, popitem(last=) and its own repr.

static Value od_move_to_end(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("move_to_end", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    ObjDict *d = AS_DICT(argv[0]);
    Value key = argv[1];
    Value lastv = argc > 2 ? argv[2] : kw_get(kw, "last");
    bool last = lastv ? obj_truthy(lastv) == 1 : true;
    Value v;
    int r = dict_get(d, key, &v);
    if (r < 0) {
        return VAL_NULL;
    }
    if (r == 0) {
        return dict_key_error(key);
    }
    gc_push_root(v);
    if (last) {
        dict_del(d, key);
        dict_set(d, key, v);
        gc_pop_root(1);
        return VAL_NONE;
    }
    // Move to the front: take the other items out and put them back after.
    Value items = list_new(d->used);
    if (!items) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(items);
    size_t pos = 0;
    Value k, val;
    while (dict_next(d, &pos, &k, &val)) {
        list_append(AS_LIST(items), tuple_pack(2, k, val));
    }
    ObjList *l = AS_LIST(items);
    for (size_t i = 0; i < l->len; i++) {
        dict_del(d, AS_TUPLE(l->items[i])->items[0]);
    }
    dict_set(d, key, v);
    for (size_t i = 0; i < l->len; i++) {
        ObjTuple *t = AS_TUPLE(l->items[i]);
        if (t->items[0] != key && obj_eq(t->items[0], key) != 1) {
            dict_set(d, t->items[0], t->items[1]);
        }
    }
    gc_pop_root(2);
    return VAL_NONE;
}

static Value od_popitem(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("popitem", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    ObjDict *d = AS_DICT(argv[0]);
    Value lastv = argc > 1 ? argv[1] : kw_get(kw, "last");
    bool last = lastv ? obj_truthy(lastv) == 1 : true;
    if (d->used == 0) {
        return dict_key_error(str_from_c("dictionary is empty"));
    }
    size_t pos = 0;
    Value k = VAL_NULL, v = VAL_NULL, k2, v2;
    while (dict_next(d, &pos, &k2, &v2)) {
        k = k2;
        v = v2;
        if (!last) {
            break;
        }
    }
    Value t = tuple_pack(2, k, v);
    gc_push_root(t);
    dict_del(d, k);
    gc_pop_root(1);
    return t;
}

static Value od_repr(Value self) {
    ObjDict *d = AS_DICT(self);
    const char *name = AS_OBJ(self)->cls->name->data;
    if (d->used == 0) {
        return str_printf("%s()", name);
    }
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("...") : VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    sb_adds(&b, name);
    sb_adds(&b, "([");
    size_t pos = 0;
    Value k, v;
    bool ok = true, first = true;
    while (ok && dict_next(d, &pos, &k, &v)) {
        sb_adds(&b, first ? "(" : ", (");
        first = false;
        ok = ct_addrepr(&b, k);
        sb_adds(&b, ", ");
        ok = ok && ct_addrepr(&b, v);
        sb_adds(&b, ")");
    }
    repr_leave(AS_OBJ(self));
    if (!ok) {
        sb_free(&b);
        return VAL_NULL;
    }
    sb_adds(&b, "])");
    return sb_finish(&b);
}

static const MethodDef od_methods[] = {
    {"move_to_end", od_move_to_end},
    {"popitem", od_popitem},
    {NULL, NULL},
};

static bool dq_unhashable(Value self, int64_t *out) {
    exc_raise(exc_TypeError, "unhashable type: '%s'", val_type_name(self));
    return false;
}

static void put(ObjDict *d, const char *name, Value v) {
    dict_set_str(d, str_intern_c(name), v);
}

// Creates the collections module.
Value mod_collections_init(void) {
    if (!cls_deque) {
        ObjStr *modname = str_intern_c("collections");
        cls_deque = class_new_builtin("deque", NULL, sizeof(ObjDeque), deque_methods);
        cls_deque->module = modname;
        cls_deque->new_ = deque_new_;
        cls_deque->trace = deque_trace;
        cls_deque->finalize = deque_finalize;
        cls_deque->repr = deque_repr;
        cls_deque->len = deque_len;
        cls_deque->truthy = deque_truthy;
        cls_deque->getitem = deque_getitem;
        cls_deque->setitem = deque_setitem;
        cls_deque->contains = deque_contains;
        cls_deque->richcompare = deque_richcompare;
        cls_deque->iter = deque_iter;
        cls_deque->getattr = deque_getattr;
        cls_deque->hash = dq_unhashable;
        cls_deque_iter = class_new_builtin("_collections._deque_iterator", NULL,
                                           sizeof(ObjDequeIter), NULL);
        cls_deque_iter->new_ = NULL;
        cls_deque_iter->trace = deque_iter_trace;
        cls_deque_iter->iter = iter_self;
        cls_deque_iter->next = deque_iter_next;

        cls_defaultdict = class_new_builtin("defaultdict", cls_dict, sizeof(ObjDefaultDict),
                                            dd_methods);
        cls_defaultdict->module = modname;
        cls_defaultdict->native_base = cls_dict;
        cls_defaultdict->new_ = dd_new_;
        cls_defaultdict->trace = dd_trace;
        cls_defaultdict->getitem = dd_getitem;
        cls_defaultdict->repr = dd_repr;
        cls_defaultdict->getattr = dd_getattr;

        cls_counter = class_new_builtin("Counter", cls_dict, sizeof(ObjDict), counter_methods);
        cls_counter->module = modname;
        cls_counter->native_base = cls_dict;
        cls_counter->new_ = counter_new_;
        cls_counter->getitem = counter_getitem;
        cls_counter->repr = counter_repr;
        cls_counter->binop = counter_binop;
        cls_counter->unop = counter_unop;

        cls_ordereddict = class_new_builtin("OrderedDict", cls_dict, sizeof(ObjDict), od_methods);
        cls_ordereddict->module = modname;
        cls_ordereddict->native_base = cls_dict;
        cls_ordereddict->flags |= CLS_ODICT;
        cls_ordereddict->repr = od_repr;
        cls_ordereddict->richcompare = od_richcompare;
    }
    Value m = module_new("collections");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    put(d, "deque", OBJ_VAL(cls_deque));
    put(d, "defaultdict", OBJ_VAL(cls_defaultdict));
    put(d, "Counter", OBJ_VAL(cls_counter));
    put(d, "OrderedDict", OBJ_VAL(cls_ordereddict));
    put(d, "namedtuple", native_new("namedtuple", m_namedtuple, NULL));
    return m;
}
