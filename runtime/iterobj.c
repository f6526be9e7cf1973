// iterobj.c: the lazy iterator classes of the builtins: enumerate, zip,
// map, filter, reversed (via __reversed__ or len + getitem) and the
// callable iterator of iter(f, sentinel). Each is a class whose instances
// are their own iterators; builtins.c registers the classes by name.
#include "containers.h"
#include "runtime.h"


// enumerate / filter / callable_iterator / reversed share this layout.
typedef struct ObjIter2 {
    Obj hdr;
    Value it;       // underlying iterator or sequence (VAL_NULL: exhausted)
    Value aux;      // enumerate: count; filter: function; callable: sentinel
    int64_t i;      // reversed: next index
} ObjIter2;

// zip and map: n iterators.
typedef struct ObjIterN {
    Obj hdr;
    Value func;     // map's function, VAL_NULL for zip
    Value its;      // tuple of iterators; VAL_NULL when exhausted
} ObjIterN;

static Value iter_self(Value self) {
    return self;
}

static void iter2_trace(Obj *o) {
    gc_mark_value(((ObjIter2 *)o)->it);
    gc_mark_value(((ObjIter2 *)o)->aux);
}

static void itern_trace(Obj *o) {
    gc_mark_value(((ObjIterN *)o)->func);
    gc_mark_value(((ObjIterN *)o)->its);
}

static Value iter2_make(ObjClass *cls, Value it, Value aux) {
    gc_push_root(it);
    ObjIter2 *o = (ObjIter2 *)obj_alloc(cls, sizeof(ObjIter2));
    gc_pop_root(1);
    o->it = it;
    o->aux = aux;
    return OBJ_VAL(o);
}

// ---- enumerate

static Value enumerate_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"iterable", "start", NULL};
    if (!kw_only("enumerate", kw, allowed)) {
        return VAL_NULL;
    }
    Value iterable = argc > 0 ? argv[0] : kw_get(kw, "iterable");
    Value start = argc > 1 ? argv[1] : kw_get(kw, "start");
    if (!iterable || argc > 2) {
        if (argc > 2) {
            return exc_raise(exc_TypeError, "enumerate() takes at most 2 arguments (%d given)", argc);
        }
        return exc_raise(exc_TypeError, "enumerate() missing required argument 'iterable'");
    }
    if (start && !IS_INT(start) && start != VAL_TRUE && start != VAL_FALSE) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer",
                         val_type_name(start));
    }
    if (start == VAL_TRUE || start == VAL_FALSE) {
        start = MK_SMALL(start == VAL_TRUE);
    }
    Value it = obj_iter(iterable);
    if (!it) {
        return VAL_NULL;
    }
    return iter2_make(cls, it, start ? start : MK_SMALL(0));
}

static int enumerate_next(Value self, Value *out) {
    ObjIter2 *e = (ObjIter2 *)AS_OBJ(self);
    Value v;
    int r = obj_next(e->it, &v);
    if (r != 1) {
        return r;
    }
    Value n = e->aux;
    if (IS_SMALL(n) && AS_SMALL(n) < SMALL_MAX) {
        e->aux = MK_SMALL(AS_SMALL(n) + 1);
    } else {
        gc_push_root(v);
        Value m = obj_binop(n, MK_SMALL(1), BIN_ADD);
        gc_pop_root(1);
        if (!m) {
            return -1;
        }
        e->aux = m;
    }
    *out = tuple_pack(2, n, v);
    return 1;
}

// ---- zip and map

static Value itern_make(ObjClass *cls, Value func, int n, Value *iterables) {
    Value its = tuple_new((size_t)n);
    for (int i = 0; i < n; i++) {
        AS_TUPLE(its)->items[i] = VAL_NONE;
    }
    gc_push_root(its);
    for (int i = 0; i < n; i++) {
        Value it = obj_iter(iterables[i]);
        if (!it) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(its)->items[i] = it;
    }
    ObjIterN *o = (ObjIterN *)obj_alloc(cls, sizeof(ObjIterN));
    gc_pop_root(1);
    o->func = func;
    o->its = its;
    return OBJ_VAL(o);
}

static Value zip_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"strict", NULL};
    if (!kw_only("zip", kw, allowed)) {
        return VAL_NULL;
    }
    Value strict = kw ? kw_get(kw, "strict") : VAL_NULL;
    int truth = strict ? obj_truthy(strict) : 0;
    if (truth < 0) {
        return VAL_NULL;
    }
    // zip has no function: its func slot holds VAL_TRUE for strict=True
    return itern_make(cls, truth ? VAL_TRUE : VAL_NULL, argc, argv);
}

static Value map_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_new_no_kw(cls, "map", kw)) {
        return VAL_NULL;
    }
    if (argc < 2) {
        return exc_raise(exc_TypeError, "map() must have at least two arguments.");
    }
    return itern_make(cls, argv[0], argc - 1, argv + 1);
}

// Fills a fresh tuple with the next item of each iterator: 1, 0 or -1.
static int itern_step(ObjIterN *z, Value *out) {
    if (!z->its) {
        return 0;
    }
    ObjTuple *its = AS_TUPLE(z->its);
    if (its->len == 0) {
        return 0;
    }
    Value t = tuple_new(its->len);
    for (size_t i = 0; i < its->len; i++) {
        AS_TUPLE(t)->items[i] = VAL_NONE;
    }
    gc_push_root(t);
    for (size_t i = 0; i < its->len; i++) {
        Value v;
        int r = obj_next(its->items[i], &v);
        if (r != 1) {
            gc_pop_root(1);
            if (r == 0) {
                z->its = VAL_NULL;
            }
            return r;
        }
        AS_TUPLE(t)->items[i] = v;
    }
    gc_pop_root(1);
    *out = t;
    return 1;
}

// zip(strict=True): after argument i+1 ran out, checks that all ran out
// together, raising ValueError as CPython does when one is shorter or longer.
static int zip_strict_check(ObjIterN *z, Value its, size_t i) {
    if (i) {
        exc_raise(exc_ValueError, "zip() argument %d is shorter than argument%s%d", (int)i + 1,
                  i == 1 ? " " : "s 1-", (int)i);
        return -1;
    }
    ObjTuple *t = AS_TUPLE(its);
    for (i = 1; i < t->len; i++) {
        Value v;
        int r = obj_next(t->items[i], &v);
        if (r < 0) {
            return -1;
        }
        if (r == 1) {
            exc_raise(exc_ValueError, "zip() argument %d is longer than argument%s%d", (int)i + 1,
                      i == 1 ? " " : "s 1-", (int)i);
            return -1;
        }
    }
    (void)z;
    return 0;
}

static int zip_next(Value self, Value *out) {
    ObjIterN *z = (ObjIterN *)AS_OBJ(self);
    if (z->func != VAL_TRUE || !z->its) {
        return itern_step(z, out);
    }
    // strict: step by hand to know which argument ran out first
    Value its = z->its;
    ObjTuple *t = AS_TUPLE(its);
    if (t->len == 0) {
        return 0;
    }
    Value res = tuple_new(t->len);
    for (size_t i = 0; i < t->len; i++) {
        AS_TUPLE(res)->items[i] = VAL_NONE;
    }
    gc_push_root(res);
    for (size_t i = 0; i < t->len; i++) {
        Value v;
        int r = obj_next(t->items[i], &v);
        if (r != 1) {
            if (r == 0) {
                z->its = VAL_NULL;
                gc_push_root(its);
                r = zip_strict_check(z, its, i);
                gc_pop_root(1);
            }
            gc_pop_root(1);
            return r;
        }
        AS_TUPLE(res)->items[i] = v;
    }
    gc_pop_root(1);
    *out = res;
    return 1;
}

static int map_next(Value self, Value *out) {
    ObjIterN *m = (ObjIterN *)AS_OBJ(self);
    Value t;
    int r = itern_step(m, &t);
    if (r != 1) {
        return r;
    }
    gc_push_root(t);
    Value v = vm_call(m->func, (int)AS_TUPLE(t)->len, AS_TUPLE(t)->items, NULL);
    gc_pop_root(1);
    if (!v) {
        return -1;
    }
    *out = v;
    return 1;
}

// ---- filter

static Value filter_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_new_no_kw(cls, "filter", kw) || !arg_count("filter", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[1]);
    if (!it) {
        return VAL_NULL;
    }
    return iter2_make(cls, it, argv[0]);
}

static int filter_next(Value self, Value *out) {
    ObjIter2 *f = (ObjIter2 *)AS_OBJ(self);
    for (;;) {
        Value v;
        int r = obj_next(f->it, &v);
        if (r != 1) {
            return r;
        }
        int t;
        gc_push_root(v);
        if (IS_NONE(f->aux) || f->aux == OBJ_VAL(cls_bool)) {
            t = obj_truthy(v);
        } else {
            Value res = vm_call(f->aux, 1, &v, NULL);
            t = res ? obj_truthy(res) : -1;
        }
        gc_pop_root(1);
        if (t < 0) {
            return -1;
        }
        if (t) {
            *out = v;
            return 1;
        }
    }
}

// ---- reversed

static Value reversed_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("reversed", kw)) {
        return VAL_NULL;
    }
    if (argc != 1) {    // CPython's _PyArg_CheckPositional wording
        return exc_raise(exc_TypeError, "reversed expected 1 argument, got %d", argc);
    }
    Value seq = argv[0];
    ObjClass *c = val_class(seq);
    Value f = class_lookup(c, ST->s_reversed);
    if (f && !IS_NONE(f)) {
        return vm_call(f, 1, &seq, NULL);
    }
    if (!c->getitem || !c->len || IS_DICTISH(seq) || IS_SETISH(seq)) {
        return exc_raise(exc_TypeError, "'%s' object is not reversible", val_type_name(seq));
    }
    int64_t n = obj_length(seq);
    if (n < 0) {
        return VAL_NULL;
    }
    Value r = iter2_make(cls, seq, VAL_NULL);
    ((ObjIter2 *)AS_OBJ(r))->i = n - 1;
    return r;
}

static int reversed_next(Value self, Value *out) {
    ObjIter2 *r = (ObjIter2 *)AS_OBJ(self);
    if (!r->it || r->i < 0) {
        r->it = VAL_NULL;
        return 0;
    }
    Value v = obj_getitem(r->it, VAL_INT(r->i));
    r->i--;
    if (!v) {
        if (EXC_PENDING_IS(exc_IndexError) || EXC_PENDING_IS(exc_StopIteration)) {
            exc_clear();
            r->it = VAL_NULL;
            return 0;
        }
        return -1;
    }
    *out = v;
    return 1;
}

// ---- iter(callable, sentinel)

// The iterator of iter([f], [sentinel]).
Value iterobj_callable_iter(Value f, Value sentinel) {
    return iter2_make(cls_callable_iter, f, sentinel);
}

static int callable_iter_next(Value self, Value *out) {
    ObjIter2 *c = (ObjIter2 *)AS_OBJ(self);
    if (!c->it) {
        return 0;
    }
    Value v = vm_call(c->it, 0, NULL, NULL);
    if (!v) {
        if (EXC_PENDING_IS(exc_StopIteration)) {
            exc_clear();
            c->it = VAL_NULL;
            return 0;
        }
        return -1;
    }
    gc_push_root(v);
    int eq = obj_eq(v, c->aux);
    gc_pop_root(1);
    if (eq < 0) {
        return -1;
    }
    if (eq) {
        c->it = VAL_NULL;
        return 0;
    }
    *out = v;
    return 1;
}

// ---- pickling and copying: CPython 3.11's __reduce__ (copy.copy(zip(a, b))
// made an empty zip from zip.__new__(zip) before)

Value iter_reduce_at(const char *fn, Value seq, int64_t index, Value empty) {
    gc_push_root(empty);
    bool keep = fn[strlen(fn) - 1] == '!';     // "reversed!": reversed even when exhausted
    char name[16];
    snprintf(name, sizeof name, "%.*s", (int)strlen(fn) - keep, fn);
    Value f = builtins_get(seq || keep ? name : "iter");
    if (!f) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(f);
    Value args = tuple_pack(1, seq ? seq : empty);
    gc_push_root(args);
    Value r = seq ? tuple_pack(3, f, args, val_int(index)) : tuple_pack(2, f, args);
    gc_pop_root(3);
    return r;
}

bool iter_setstate_at(int argc, Value *argv, int64_t lo, int64_t hi, int64_t *out) {
    if (argc != 2) {
        exc_raise(exc_TypeError, "%s.__setstate__() takes exactly one argument (%d given)",
                  val_type_name(argv[0]), argc - 1);
        return false;
    }
    int64_t i;
    if (!ssize_value(argv[1], &i)) {
        return false;
    }
    *out = i < lo ? lo : i > hi ? hi : i;
    return true;
}

Value iter_reduce_copy(Value self, size_t size) {
    Value f = builtins_get("iter");
    if (!f) {
        return VAL_NULL;
    }
    gc_push_root(f);
    Obj *o = AS_OBJ(self);
    Obj *c = obj_alloc(o->cls, size);
    memcpy((char *)c + sizeof(Obj), (char *)o + sizeof(Obj), size - sizeof(Obj));
    gc_push_root(OBJ_VAL(c));
    Value l = seq_to_list(OBJ_VAL(c));
    Value r = VAL_NULL;
    if (l) {
        gc_push_root(l);
        Value args = tuple_pack(1, l);
        gc_push_root(args);
        r = tuple_pack(2, f, args);
        gc_pop_root(2);
    }
    gc_pop_root(2);
    return r;
}

// (type(self), args[, state]) with [args] rooted here.
static Value reduce_of(Value self, Value args, Value state) {
    if (!args) {
        return VAL_NULL;
    }
    gc_push_root(args);
    Value cls = OBJ_VAL(AS_OBJ(self)->cls);
    Value r = state ? tuple_pack(3, cls, args, state) : tuple_pack(2, cls, args);
    gc_pop_root(1);
    return r;
}

// zip: (zip, iterators[, True when strict]); map: (map, (func, *iterators)).
static Value itern_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIterN *z = (ObjIterN *)AS_OBJ(argv[0]);
    bool is_map = IS_KIND(argv[0], cls_map);
    Value its = z->its ? z->its : tuple_new(0);
    if (!is_map) {
        return reduce_of(argv[0], its, z->func == VAL_TRUE ? VAL_TRUE : VAL_NULL);
    }
    gc_push_root(its);
    ObjTuple *t = AS_TUPLE(its);
    Value args = tuple_new(t->len + 1);
    AS_TUPLE(args)->items[0] = z->func;
    values_copy(AS_TUPLE(args)->items + 1, t->items, t->len);
    gc_pop_root(1);
    return reduce_of(argv[0], args, VAL_NULL);
}

// zip.__setstate__(strict)
static Value zip_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__setstate__() takes exactly one argument (%d given)", argc - 1);
    }
    int t = obj_truthy(argv[1]);
    if (t < 0) {
        return VAL_NULL;
    }
    ObjIterN *z = (ObjIterN *)AS_OBJ(argv[0]);
    z->func = t ? VAL_TRUE : VAL_NULL;
    return VAL_NONE;
}

// enumerate: (enumerate, (iterator, count)); filter: (filter, (function, iterator)).
static Value iter2_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIter2 *e = (ObjIter2 *)AS_OBJ(argv[0]);
    if (!e->it) {
        return exc_raise(exc_TypeError, "cannot pickle '%s' object", val_type_name(argv[0]));
    }
    bool is_enum = IS_KIND(argv[0], cls_enumerate);
    return reduce_of(argv[0], is_enum ? tuple_pack(2, e->it, e->aux) : tuple_pack(2, e->aux, e->it), VAL_NULL);
}

// reversed: (reversed, (seq,), index), or (reversed, ((),)) once exhausted.
static Value reversed_reduce(int argc, Value *argv, ObjDict *kw) {
    ObjIter2 *r = (ObjIter2 *)AS_OBJ(argv[0]);
    return iter_reduce_at("reversed!", r->it, r->i, r->it ? VAL_NULL : tuple_new(0));
}

// reversed.__setstate__(index): clamped to [-1, len - 1].
static Value reversed_setstate(int argc, Value *argv, ObjDict *kw) {
    ObjIter2 *r = (ObjIter2 *)AS_OBJ(argv[0]);
    int64_t i, n = r->it ? obj_length(r->it) : 0;
    if (n < 0 || !iter_setstate_at(argc, argv, -1, n - 1, &i)) {
        return VAL_NULL;
    }
    if (r->it) {
        r->i = i;
    }
    return VAL_NONE;
}

// callable_iterator: (iter, (callable, sentinel)), or (iter, ((),)) once
// exhausted.
static Value callable_iter_reduce(int argc, Value *argv, ObjDict *kw) {
    ObjIter2 *c = (ObjIter2 *)AS_OBJ(argv[0]);
    Value f = builtins_get("iter");
    if (!f) {
        return VAL_NULL;
    }
    gc_push_root(f);
    Value args = c->it ? tuple_pack(2, c->it, c->aux) : tuple_new(0);
    gc_push_root(args);
    if (!c->it) {
        args = tuple_pack(1, args);
        gc_pop_root(1);
        gc_push_root(args);
    }
    Value r = tuple_pack(2, f, args);
    gc_pop_root(2);
    return r;
}

static const MethodDef reversed_methods[] = {
    {"__reduce__", reversed_reduce},
    {"__setstate__", reversed_setstate},
    {NULL, NULL},
};

static const MethodDef callable_iter_methods[] = {
    {"__reduce__", callable_iter_reduce},
    {NULL, NULL},
};

static const MethodDef zip_methods[] = {
    {"__reduce__", itern_reduce},
    {"__setstate__", zip_setstate},
    {NULL, NULL},
};

static const MethodDef map_methods[] = {
    {"__reduce__", itern_reduce},
    {NULL, NULL},
};

static const MethodDef iter2_methods[] = {
    {"__reduce__", iter2_reduce},
    {NULL, NULL},
};

static ObjClass *make(const char *name, size_t size, void (*trace)(Obj *),
                      int (*next)(Value, Value *)) {
    ObjClass *c = class_new_builtin(name, NULL, size, NULL);
    c->trace = trace;
    c->iter = iter_self;
    c->next = next;
    c->new_ = NULL;
    return c;
}

// Creates the iterator classes (called by range_init).
void iterobj_init(void) {
    cls_enumerate = make("enumerate", sizeof(ObjIter2), iter2_trace, enumerate_next);
    cls_enumerate->new_ = enumerate_new_;
    class_add_classmethod(cls_enumerate, "__class_getitem__", generic_alias_cgi_method);
    cls_zip = make("zip", sizeof(ObjIterN), itern_trace, zip_next);
    cls_zip->new_ = zip_new_;
    class_add_methods(cls_zip, zip_methods);
    cls_map = make("map", sizeof(ObjIterN), itern_trace, map_next);
    cls_map->new_ = map_new_;
    class_add_methods(cls_map, map_methods);
    cls_filter = make("filter", sizeof(ObjIter2), iter2_trace, filter_next);
    cls_filter->new_ = filter_new_;
    class_add_methods(cls_filter, iter2_methods);
    class_add_methods(cls_enumerate, iter2_methods);
    cls_reversed = make("reversed", sizeof(ObjIter2), iter2_trace, reversed_next);
    cls_reversed->new_ = reversed_new_;
    class_add_methods(cls_reversed, reversed_methods);
    cls_callable_iter = make("callable_iterator", sizeof(ObjIter2), iter2_trace,
                             callable_iter_next);
    class_add_methods(cls_callable_iter, callable_iter_methods);
}
