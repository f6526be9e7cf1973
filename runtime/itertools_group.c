// itertools_group.c: the itertools classes that share state between
// iterators (see itertools.h), after CPython 3.11's itertoolsmodule.c:
// groupby and its _grouper (a grouper yields only while it is its parent's
// current one), tee with _tee and _tee_dataobject (blocks of 57 items read
// once from the shared iterator and linked as the copies advance), and
// zip_longest.
#include "containers.h"
#include "class.h"
#include "itertools.h"

#define ITC(i) (ST->itertools_cls[i])

// ---- groupby(iterable, key=None)

typedef struct ObjGroupBy {
    Obj hdr;
    Value it, keyfunc;      // keyfunc: None for identity
    Value tgtkey, currkey, currvalue;   // VAL_NULL when unset
    Value currgrouper;      // the _grouper that may still yield (VAL_NULL: none)
} ObjGroupBy;

typedef struct ObjGrouper {
    Obj hdr;
    Value parent, tgtkey;
} ObjGrouper;

#define GB(v) ((ObjGroupBy *)AS_OBJ(v))

static void groupby_trace(Obj *o) {
    ObjGroupBy *g = (ObjGroupBy *)o;
    gc_mark_value(g->it);
    gc_mark_value(g->keyfunc);
    gc_mark_value(g->tgtkey);
    gc_mark_value(g->currkey);
    gc_mark_value(g->currvalue);
    gc_mark_value(g->currgrouper);
}

static void grouper_trace(Obj *o) {
    gc_mark_value(((ObjGrouper *)o)->parent);
    gc_mark_value(((ObjGrouper *)o)->tgtkey);
}

static Value groupby_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"iterable", "key", NULL};
    Value a[2];
    if (!itertools_parse("groupby", argc, argv, kw, names, 2, 1, a)) {
        return VAL_NULL;
    }
    Value it = obj_iter(a[0]);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    ObjGroupBy *g = (ObjGroupBy *)obj_alloc(cls, sizeof(ObjGroupBy));
    gc_pop_root(1);
    g->it = it;
    g->keyfunc = a[1] ? a[1] : VAL_NONE;
    return OBJ_VAL(g);
}

// Reads the next value and its key: 1, 0 (exhausted) or -1.
static int groupby_step(ObjGroupBy *g) {
    Value v;
    int r = obj_next(g->it, &v);
    if (r != 1) {
        return r;
    }
    Value k = v;
    if (!IS_NONE(g->keyfunc)) {
        gc_push_root(v);
        k = vm_call(g->keyfunc, 1, &v, NULL);
        gc_pop_root(1);
        if (!k) {
            return -1;
        }
    }
    g->currvalue = v;
    g->currkey = k;
    return 1;
}

static int groupby_next(Value self, Value *out) {
    ObjGroupBy *g = GB(self);
    g->currgrouper = VAL_NULL;
    for (;;) {
        if (g->currkey) {
            if (!g->tgtkey) {
                break;
            }
            gc_push_root(g->tgtkey);
            gc_push_root(g->currkey);
            int eq = obj_eq(g->tgtkey, g->currkey);
            gc_pop_root(2);
            if (eq < 0) {
                return -1;
            }
            if (!eq) {
                break;
            }
        }
        int r = groupby_step(g);
        if (r != 1) {
            return r;
        }
    }
    g->tgtkey = g->currkey;
    ObjGrouper *gr = (ObjGrouper *)obj_alloc(ITC(IT_GROUPER), sizeof(ObjGrouper));
    gr->parent = self;
    gr->tgtkey = g->tgtkey;
    g->currgrouper = OBJ_VAL(gr);
    *out = tuple_pack(2, g->currkey, OBJ_VAL(gr));
    return 1;
}

static int grouper_next(Value self, Value *out) {
    ObjGrouper *gr = (ObjGrouper *)AS_OBJ(self);
    ObjGroupBy *g = GB(gr->parent);
    if (g->currgrouper != self) {
        return 0;
    }
    if (!g->currvalue) {
        int r = groupby_step(g);
        if (r != 1) {
            return r;
        }
    }
    gc_push_root(g->currkey);
    int eq = obj_eq(gr->tgtkey, g->currkey);
    gc_pop_root(1);
    // read after the comparison (which may have advanced the groupby), as CPython
    Value v = g->currvalue;
    if (eq <= 0 || !v) {
        return eq < 0 ? -1 : 0;
    }
    *out = v;
    g->currvalue = VAL_NULL;
    return 1;
}

// ---- tee: _tee_dataobject holds up to LINKCELLS items read from the shared iterator

#define LINKCELLS 57

typedef struct ObjTeeData {
    Obj hdr;
    Value it;
    Value nextlink;         // the next block, VAL_NULL until needed
    int numread;
    bool running;           // reading from [it] (re-entering is a RuntimeError)
    Value values[LINKCELLS];
} ObjTeeData;

typedef struct ObjTee {
    Obj hdr;
    Value data;             // the current _tee_dataobject
    int index;              // the next item's place in it
} ObjTee;

static void teedata_trace(Obj *o) {
    ObjTeeData *d = (ObjTeeData *)o;
    gc_mark_value(d->it);
    gc_mark_value(d->nextlink);
    for (int i = 0; i < d->numread; i++) {
        gc_mark_value(d->values[i]);
    }
}

static void tee_trace(Obj *o) {
    gc_mark_value(((ObjTee *)o)->data);
}

static Value teedata_new(Value it) {
    gc_push_root(it);
    ObjTeeData *d = (ObjTeeData *)obj_alloc(ITC(IT_TEEDATA), sizeof(ObjTeeData));
    gc_pop_root(1);
    d->it = it;
    return OBJ_VAL(d);
}

static Value tee_make(Value data, int index) {
    gc_push_root(data);
    ObjTee *t = (ObjTee *)obj_alloc(ITC(IT_TEE), sizeof(ObjTee));
    gc_pop_root(1);
    t->data = data;
    t->index = index;
    return OBJ_VAL(t);
}

// A _tee over the iterator [it]: a copy when [it] is a _tee itself.
static Value tee_from_iterator(Value it) {
    if (IS_A(it, ITC(IT_TEE))) {
        ObjTee *t = (ObjTee *)AS_OBJ(it);
        return tee_make(t->data, t->index);
    }
    Value d = teedata_new(it);
    return tee_make(d, 0);
}

static Value tee_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    (void)cls;
    if (!arg_no_kw("_tee", kw)) {
        return VAL_NULL;
    }
    if (argc != 1) {
        return exc_raise(exc_TypeError, "_tee expected 1 argument, got %d", argc);
    }
    Value it = obj_iter(argv[0]);
    return it ? tee_from_iterator(it) : VAL_NULL;
}

static int tee_next(Value self, Value *out) {
    ObjTee *t = (ObjTee *)AS_OBJ(self);
    if (t->index >= LINKCELLS) {
        ObjTeeData *d = (ObjTeeData *)AS_OBJ(t->data);
        if (!d->nextlink) {
            d->nextlink = teedata_new(d->it);
        }
        t->data = d->nextlink;
        t->index = 0;
    }
    ObjTeeData *d = (ObjTeeData *)AS_OBJ(t->data);
    if (t->index < d->numread) {
        *out = d->values[t->index++];
        return 1;
    }
    if (d->running) {
        exc_raise(exc_RuntimeError, "cannot re-enter the tee iterator");
        return -1;
    }
    d->running = true;
    Value v;
    int r = obj_next(d->it, &v);
    d->running = false;
    if (r != 1) {
        return r;
    }
    d->values[d->numread++] = v;
    t->index++;
    *out = v;
    return 1;
}

static Value tee_copy(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjTee *t = (ObjTee *)AS_OBJ(argv[0]);
    return tee_make(t->data, t->index);
}

Value itertools_tee(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("tee", kw)) {
        return VAL_NULL;
    }
    if (argc < 1 || argc > 2) {
        return exc_raise(exc_TypeError, argc < 1 ? "tee expected at least 1 argument, got %d"
                                                 : "tee expected at most 2 arguments, got %d", argc);
    }
    int64_t n = 2;
    if (argc == 2 && !ssize_value(argv[1], &n)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "n must be >= 0");
    }
    Value res = tuple_new((size_t)n);
    if (!res || n == 0) {
        return res;
    }
    for (int64_t i = 0; i < n; i++) {
        AS_TUPLE(res)->items[i] = VAL_NONE;
    }
    gc_push_root(res);
    Value it = obj_iter(argv[0]);
    Value copy = VAL_NULL, first = VAL_NULL;
    if (it) {
        gc_push_root(it);
        copy = obj_getattr_opt(it, str_intern_c("__copy__"));
        if (copy || !exc_pending()) {
            first = copy ? it : tee_from_iterator(it);
        }
        gc_pop_root(1);
    }
    if (!first) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    AS_TUPLE(res)->items[0] = first;
    if (!copy) {
        copy = obj_getattr(first, str_intern_c("__copy__"));
        if (!copy) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_push_root(copy);
    for (int64_t i = 1; i < n; i++) {
        Value c = vm_call(copy, 0, NULL, NULL);
        if (!c) {
            gc_pop_root(2);
            return VAL_NULL;
        }
        AS_TUPLE(res)->items[i] = c;
    }
    gc_pop_root(2);
    return res;
}

// ---- zip_longest(*iterables, fillvalue=None)

typedef struct ObjZipLongest {
    Obj hdr;
    Value its;          // tuple of iterators; None marks an exhausted one
    Value fill;
    int64_t active;     // iterators not exhausted (0: done)
} ObjZipLongest;

static void ziplongest_trace(Obj *o) {
    gc_mark_value(((ObjZipLongest *)o)->its);
    gc_mark_value(((ObjZipLongest *)o)->fill);
}

static Value ziplongest_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value fill = VAL_NONE;
    if (kw && kw->used) {
        fill = kw_get(kw, "fillvalue");
        if (!fill || kw->used > 1) {
            return exc_raise(exc_TypeError, "zip_longest() got an unexpected keyword argument");
        }
    }
    Value its = tuple_new((size_t)argc);
    if (!its) {
        return VAL_NULL;
    }
    for (int i = 0; i < argc; i++) {
        AS_TUPLE(its)->items[i] = VAL_NONE;
    }
    gc_push_root(its);
    for (int i = 0; i < argc; i++) {
        Value it = obj_iter(argv[i]);
        if (!it) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(its)->items[i] = it;
    }
    ObjZipLongest *z = (ObjZipLongest *)obj_alloc(cls, sizeof(ObjZipLongest));
    gc_pop_root(1);
    z->its = its;
    z->fill = fill;
    z->active = argc;
    return OBJ_VAL(z);
}

static int ziplongest_next(Value self, Value *out) {
    ObjZipLongest *z = (ObjZipLongest *)AS_OBJ(self);
    ObjTuple *its = AS_TUPLE(z->its);
    if (its->len == 0 || z->active == 0) {
        return 0;
    }
    Value res = tuple_new(its->len);
    for (size_t i = 0; i < its->len; i++) {
        AS_TUPLE(res)->items[i] = z->fill;
    }
    gc_push_root(res);
    for (size_t i = 0; i < its->len; i++) {
        if (IS_NONE(its->items[i])) {
            continue;
        }
        Value v;
        int r = obj_next(its->items[i], &v);
        if (r < 0) {
            z->active = 0;
            gc_pop_root(1);
            return -1;
        }
        if (r == 0) {
            its->items[i] = VAL_NONE;
            if (--z->active == 0) {
                gc_pop_root(1);
                return 0;
            }
            continue;
        }
        AS_TUPLE(res)->items[i] = v;
    }
    gc_pop_root(1);
    *out = res;
    return 1;
}

// CPython 3.11's pickling: (type, iterators with () for the exhausted ones,
// fillvalue) and __setstate__(fillvalue).
static Value ziplongest_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjZipLongest *z = (ObjZipLongest *)AS_OBJ(argv[0]);
    ObjTuple *its = AS_TUPLE(z->its);
    Value args = tuple_new(its->len);
    if (!args) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < its->len; i++) {
        AS_TUPLE(args)->items[i] = VAL_NONE;
    }
    gc_push_root(args);
    for (size_t i = 0; i < its->len; i++) {
        bool done = IS_NONE(its->items[i]) || z->active == 0;
        AS_TUPLE(args)->items[i] = done ? tuple_new(0) : its->items[i];
    }
    Value r = tuple_pack(3, OBJ_VAL(AS_OBJ(argv[0])->cls), args, z->fill);
    gc_pop_root(1);
    return r;
}

static Value ziplongest_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__setstate__() takes exactly one argument (%d given)", argc - 1);
    }
    ((ObjZipLongest *)AS_OBJ(argv[0]))->fill = argv[1];
    return VAL_NONE;
}

static const MethodDef ziplongest_methods[] = {
    {"__reduce__", ziplongest_reduce},
    {"__setstate__", ziplongest_setstate},
    {NULL, NULL},
};

static const MethodDef tee_methods[] = {
    {"__copy__", tee_copy},
    {NULL, NULL},
};

void itertools_group_init(void) {
    ObjClass **c = ST->itertools_cls;
    c[IT_GROUPBY] = itertools_class("groupby", sizeof(ObjGroupBy), groupby_trace, groupby_next, groupby_new_);
    c[IT_GROUPER] = itertools_class("_grouper", sizeof(ObjGrouper), grouper_trace, grouper_next, NULL);
    c[IT_GROUPER]->flags &= ~(uint32_t)CLS_BASETYPE;
    c[IT_TEE] = itertools_class("_tee", sizeof(ObjTee), tee_trace, tee_next, tee_new_);
    c[IT_TEE]->flags &= ~(uint32_t)CLS_BASETYPE;
    class_add_methods(c[IT_TEE], tee_methods);
    c[IT_TEEDATA] = itertools_class("_tee_dataobject", sizeof(ObjTeeData), teedata_trace, NULL, NULL);
    c[IT_TEEDATA]->flags &= ~(uint32_t)CLS_BASETYPE;
    c[IT_TEEDATA]->iter = NULL;
    c[IT_ZIP_LONGEST] = itertools_class("zip_longest", sizeof(ObjZipLongest), ziplongest_trace, ziplongest_next,
                                        ziplongest_new_);
    class_add_methods(c[IT_ZIP_LONGEST], ziplongest_methods);
}
