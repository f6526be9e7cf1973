// mod_itertools.c: the itertools module (see itertools.h) and its simple
// iterators, after CPython 3.11's itertoolsmodule.c: count, cycle, repeat,
// accumulate, chain, compress, dropwhile, takewhile, filterfalse, starmap,
// islice and pairwise. Each is a subclassable class whose instances are
// their own iterators; their next slots run in C.
#include "containers.h"
#include "class.h"
#include "module.h"
#include "runtime.h"
#include "itertools.h"

_Static_assert(IT__COUNT <= sizeof(((State *)0)->itertools_cls) / sizeof(ObjClass *),
               "State.itertools_cls is too small");

#define ITC(i) (ST->itertools_cls[i])

// ---- shared helpers

bool itertools_parse(const char *fname, int argc, Value *argv, ObjDict *kw, const char *const *names,
                     int npos, int nreq, Value *out) {
    int nnames = 0;
    while (names[nnames]) {
        out[nnames] = VAL_NULL;
        nnames++;
    }
    int nkw = kw ? (int)kw->used : 0;
    if (argc > npos || argc + nkw > nnames) {
        if (npos < nnames) {
            exc_raise(exc_TypeError, "%s() takes at most %d positional argument%s (%d given)", fname, npos,
                      npos == 1 ? "" : "s", argc);
        } else {
            exc_raise(exc_TypeError, "%s() takes at most %d argument%s (%d given)", fname, nnames,
                      nnames == 1 ? "" : "s", argc + nkw);
        }
        return false;
    }
    for (int i = 0; i < argc; i++) {
        out[i] = argv[i];
    }
    if (nkw && !kw_only(fname, kw, names)) {
        return false;
    }
    for (int i = 0; i < nnames && nkw; i++) {
        Value v = kw_get(kw, names[i]);
        if (!v) {
            continue;
        }
        if (i < argc) {
            exc_raise(exc_TypeError, "argument for %s() given by name ('%s') and position (%d)", fname,
                      names[i], i + 1);
            return false;
        }
        out[i] = v;
    }
    for (int i = 0; i < nreq; i++) {
        if (!out[i]) {
            exc_raise(exc_TypeError, "%s() missing required argument '%s' (pos %d)", fname, names[i], i + 1);
            return false;
        }
    }
    return true;
}

bool itertools_positional(ObjClass *cls, const char *fname, int argc, ObjDict *kw, int min, int max) {
    if (kw && kw->used && !has_user_init(cls)) {
        exc_raise(exc_TypeError, "%s() takes no keyword arguments", fname);
        return false;
    }
    if (argc >= min && (max < 0 || argc <= max)) {
        return true;
    }
    if (min == max) {
        exc_raise(exc_TypeError, "%s expected %d argument%s, got %d", fname, min, min == 1 ? "" : "s", argc);
    } else if (argc < min) {
        exc_raise(exc_TypeError, "%s expected at least %d argument%s, got %d", fname, min, min == 1 ? "" : "s",
                  argc);
    } else {
        exc_raise(exc_TypeError, "%s expected at most %d argument%s, got %d", fname, max, max == 1 ? "" : "s",
                  argc);
    }
    return false;
}

Value itertools_iter_self(Value self) {
    return self;
}

ObjClass *itertools_class(const char *name, size_t size, void (*trace)(Obj *), int (*next)(Value, Value *),
                          Value (*new_)(ObjClass *, int, Value *, ObjDict *)) {
    ObjClass *c = class_new_builtin(name, NULL, size, NULL);
    c->module = str_intern_c("itertools");
    c->trace = trace;
    c->iter = itertools_iter_self;
    c->next = next;
    c->new_ = new_;
    return c;
}

// Most iterators here hold up to four values.
typedef struct ObjIt4 {
    Obj hdr;
    Value a, b, c, d;
    int64_t i, j, k;    // counters (cycle's index, islice's cnt/next/stop...)
} ObjIt4;

#define IT4(v) ((ObjIt4 *)AS_OBJ(v))

static void it4_trace(Obj *o) {
    ObjIt4 *t = (ObjIt4 *)o;
    gc_mark_value(t->a);
    gc_mark_value(t->b);
    gc_mark_value(t->c);
    gc_mark_value(t->d);
}

// A new instance of [cls] holding [a] and [b] (rooted across the allocation).
static Value it4_new(ObjClass *cls, Value a, Value b) {
    gc_push_root(a);
    gc_push_root(b);
    ObjIt4 *o = (ObjIt4 *)obj_alloc(cls, sizeof(ObjIt4));
    gc_pop_root(2);
    o->a = a;
    o->b = b;
    return OBJ_VAL(o);
}

// Calls [f] with one argument [x] (rooted by the caller).
static Value call1(Value f, Value x) {
    return vm_call(f, 1, &x, NULL);
}

// ---- count(start=0, step=1): a = current value, b = step

// PyNumber_Check or a complex: what count() accepts.
static bool is_number(Value v) {
    if (IS_INT(v) || v == VAL_TRUE || v == VAL_FALSE || IS_FLOATISH(v)) {
        return true;
    }
    ObjClass *c = val_class(v);
    if (class_is_subclass(c, cls_int) || class_is_subclass(c, cls_complex)) {
        return true;
    }
    static const char *const dunders[] = {"__index__", "__int__", "__float__", "__complex__", NULL};
    for (const char *const *d = dunders; *d; d++) {
        if (class_lookup(c, str_intern_c(*d))) {
            return true;
        }
    }
    return false;
}

static Value count_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"start", "step", NULL};
    Value a[2];
    if (!itertools_parse("count", argc, argv, kw, names, 2, 0, a)) {
        return VAL_NULL;
    }
    Value start = a[0] ? a[0] : MK_SMALL(0), step = a[1] ? a[1] : MK_SMALL(1);
    if (!is_number(start) || !is_number(step)) {
        return exc_raise(exc_TypeError, "a number is required");
    }
    if ((start == VAL_TRUE || start == VAL_FALSE) && is_intlike(step)) {
        start = MK_SMALL(start == VAL_TRUE);    // CPython's fast mode counts in a C integer
    }
    return it4_new(cls, start, step);
}

static int count_next(Value self, Value *out) {
    ObjIt4 *c = IT4(self);
    Value n = c->a;
    if (IS_SMALL(n) && IS_SMALL(c->b)) {
        int64_t s = AS_SMALL(n) + AS_SMALL(c->b);
        if (FITS_SMALL(s)) {
            c->a = MK_SMALL(s);
            *out = n;
            return 1;
        }
    }
    Value m = obj_binop(n, c->b, BIN_ADD);
    if (!m) {
        return -1;
    }
    c->a = m;
    *out = n;
    return 1;
}

static Value count_repr(Value self) {
    ObjIt4 *c = IT4(self);
    Value r = obj_repr(c->a);
    if (!r) {
        return VAL_NULL;
    }
    const char *name = AS_OBJ(self)->cls->name->data;
    int64_t s;
    if (is_intlike(c->b) && int_to_i64(c->b == VAL_TRUE ? MK_SMALL(1) : c->b, &s) && s == 1) {
        return str_printf("%s(%s)", name, AS_STR(r)->data);
    }
    exc_clear();
    gc_push_root(r);
    Value sr = obj_repr(c->b);
    gc_pop_root(1);
    return sr ? str_printf("%s(%s, %s)", name, AS_STR(r)->data, AS_STR(sr)->data) : VAL_NULL;
}

// ---- cycle(iterable): a = iterator (VAL_NULL once exhausted), b = saved list, i = index,
// j = "firstpass" (unpickled: [b] already holds every item)

static Value cycle_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!itertools_positional(cls, "cycle", argc, kw, 1, 1)) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[0]);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    Value saved = list_new(0);
    gc_pop_root(1);
    return saved ? it4_new(cls, it, saved) : VAL_NULL;
}

static int cycle_next(Value self, Value *out) {
    ObjIt4 *c = IT4(self);
    if (c->a) {
        Value v;
        int r = obj_next(c->a, &v);
        if (r == 1) {
            if (!c->j && !list_append(AS_LIST(c->b), v)) {
                return -1;
            }
            *out = v;
            return 1;
        }
        if (r < 0) {
            return -1;
        }
        c->a = VAL_NULL;
    }
    ObjList *l = AS_LIST(c->b);
    if (l->len == 0) {
        return 0;
    }
    if ((size_t)c->i >= l->len) {
        c->i = 0;
    }
    *out = l->items[c->i++];
    return 1;
}

// ---- repeat(object, times=None): a = object, i = times left (-1: forever)

static Value repeat_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"object", "times", NULL};
    Value a[2];
    if (!itertools_parse("repeat", argc, argv, kw, names, 2, 1, a)) {
        return VAL_NULL;
    }
    int64_t n = -1;
    if (a[1]) {
        if (!ssize_value(a[1], &n)) {
            return VAL_NULL;
        }
        if (n < 0) {
            n = 0;
        }
    }
    Value r = it4_new(cls, a[0], VAL_NULL);
    IT4(r)->i = n;
    return r;
}

static int repeat_next(Value self, Value *out) {
    ObjIt4 *r = IT4(self);
    if (r->i == 0) {
        return 0;
    }
    if (r->i > 0) {
        r->i--;
    }
    *out = r->a;
    return 1;
}

static Value repeat_repr(Value self) {
    ObjIt4 *r = IT4(self);
    Value s = obj_repr(r->a);
    if (!s) {
        return VAL_NULL;
    }
    const char *name = AS_OBJ(self)->cls->name->data;
    if (r->i < 0) {
        return str_printf("%s(%s)", name, AS_STR(s)->data);
    }
    return str_printf("%s(%s, %lld)", name, AS_STR(s)->data, (long long)r->i);
}

static Value repeat_length_hint(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *r = IT4(argv[0]);
    if (r->i < 0) {
        return exc_raise(exc_TypeError, "len() of unsized object");
    }
    return VAL_INT(r->i);
}

// ---- accumulate(iterable, func=None, *, initial=None):
// a = iterator, b = func (VAL_NULL: +), c = total (VAL_NULL: none yet), d = initial

static Value accumulate_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"iterable", "func", "initial", NULL};
    Value a[3];
    if (!itertools_parse("accumulate", argc, argv, kw, names, 2, 1, a)) {
        return VAL_NULL;
    }
    Value it = obj_iter(a[0]);
    if (!it) {
        return VAL_NULL;
    }
    Value r = it4_new(cls, it, a[1] && !IS_NONE(a[1]) ? a[1] : VAL_NULL);
    IT4(r)->d = a[2] && !IS_NONE(a[2]) ? a[2] : VAL_NULL;
    return r;
}

static int accumulate_next(Value self, Value *out) {
    ObjIt4 *t = IT4(self);
    if (t->d) {
        t->c = t->d;
        t->d = VAL_NULL;
        *out = t->c;
        return 1;
    }
    Value v;
    int r = obj_next(t->a, &v);
    if (r != 1) {
        return r;
    }
    if (!t->c) {
        t->c = v;
        *out = v;
        return 1;
    }
    Value s;
    gc_push_root(v);
    if (t->b) {
        Value args[2] = {t->c, v};
        s = vm_call(t->b, 2, args, NULL);
    } else {
        s = obj_binop(t->c, v, BIN_ADD);
    }
    gc_pop_root(1);
    if (!s) {
        return -1;
    }
    t->c = s;
    *out = s;
    return 1;
}

// ---- chain(*iterables), chain.from_iterable(iterable):
// a = iterator over the iterables (VAL_NULL: done), b = the active iterator

static Value chain_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!itertools_positional(cls, "chain", argc, kw, 0, -1)) {
        return VAL_NULL;
    }
    Value t = tuple_new((size_t)argc);
    if (!t) {
        return VAL_NULL;
    }
    values_copy(AS_TUPLE(t)->items, argv, (size_t)argc);
    gc_push_root(t);
    Value it = obj_iter(t);
    gc_pop_root(1);
    return it ? it4_new(cls, it, VAL_NULL) : VAL_NULL;
}

static Value chain_from_iterable(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "chain.from_iterable() takes exactly one argument (%d given)", argc - 1);
    }
    Value it = obj_iter(argv[1]);
    return it ? it4_new(AS_CLASS(argv[0]), it, VAL_NULL) : VAL_NULL;
}

static Value chain_class_getitem(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__class_getitem__() takes exactly one argument (%d given)", argc - 1);
    }
    return generic_alias_new(argv[0], argv[1]);
}

static int chain_next(Value self, Value *out) {
    ObjIt4 *c = IT4(self);
    while (c->a) {
        if (!c->b) {
            Value iterable;
            int r = obj_next(c->a, &iterable);
            if (r != 1) {
                c->a = VAL_NULL;
                return r;
            }
            Value it = obj_iter(iterable);
            if (!it) {
                c->a = VAL_NULL;
                return -1;
            }
            c->b = it;
        }
        int r = obj_next(c->b, out);
        if (r != 0) {
            return r;
        }
        c->b = VAL_NULL;
    }
    return 0;
}

// ---- compress(data, selectors): a = data iterator, b = selectors iterator

static Value compress_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"data", "selectors", NULL};
    Value a[2];
    if (!itertools_parse("compress", argc, argv, kw, names, 2, 2, a)) {
        return VAL_NULL;
    }
    Value d = obj_iter(a[0]);
    if (!d) {
        return VAL_NULL;
    }
    gc_push_root(d);
    Value s = obj_iter(a[1]);
    gc_pop_root(1);
    return s ? it4_new(cls, d, s) : VAL_NULL;
}

static int compress_next(Value self, Value *out) {
    ObjIt4 *c = IT4(self);
    for (;;) {
        Value d, s;
        int r = obj_next(c->a, &d);
        if (r != 1) {
            return r;
        }
        gc_push_root(d);
        r = obj_next(c->b, &s);
        int t = r == 1 ? obj_truthy(s) : r;
        gc_pop_root(1);
        if (r != 1 || t < 0) {
            return r != 1 ? r : -1;
        }
        if (t) {
            *out = d;
            return 1;
        }
    }
}

// ---- dropwhile / takewhile / filterfalse / starmap (function, iterable):
// a = function, b = iterator, i = dropwhile's "started" or takewhile's "stopped"

static Value pred_new(ObjClass *cls, const char *name, int argc, Value *argv, ObjDict *kw) {
    if (!itertools_positional(cls, name, argc, kw, 2, 2)) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[1]);
    return it ? it4_new(cls, argv[0], it) : VAL_NULL;
}

static Value dropwhile_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    return pred_new(cls, "dropwhile", argc, argv, kw);
}

static Value takewhile_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    return pred_new(cls, "takewhile", argc, argv, kw);
}

static Value filterfalse_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    return pred_new(cls, "filterfalse", argc, argv, kw);
}

static Value starmap_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    return pred_new(cls, "starmap", argc, argv, kw);
}

// predicate(v) as 1/0/-1 ([v] rooted here).
static int pred_true(Value f, Value v) {
    gc_push_root(v);
    Value res = call1(f, v);
    int t = res ? obj_truthy(res) : -1;
    gc_pop_root(1);
    return t;
}

static int dropwhile_next(Value self, Value *out) {
    ObjIt4 *d = IT4(self);
    for (;;) {
        Value v;
        int r = obj_next(d->b, &v);
        if (r != 1) {
            return r;
        }
        if (d->i) {
            *out = v;
            return 1;
        }
        int t = pred_true(d->a, v);
        if (t < 0) {
            return -1;
        }
        if (!t) {
            d->i = 1;
            *out = v;
            return 1;
        }
    }
}

static int takewhile_next(Value self, Value *out) {
    ObjIt4 *d = IT4(self);
    if (d->i) {
        return 0;
    }
    Value v;
    int r = obj_next(d->b, &v);
    if (r != 1) {
        return r;
    }
    int t = pred_true(d->a, v);
    if (t < 0) {
        return -1;
    }
    if (!t) {
        d->i = 1;
        return 0;
    }
    *out = v;
    return 1;
}

static int filterfalse_next(Value self, Value *out) {
    ObjIt4 *d = IT4(self);
    bool plain = IS_NONE(d->a) || d->a == OBJ_VAL(cls_bool);
    for (;;) {
        Value v;
        int r = obj_next(d->b, &v);
        if (r != 1) {
            return r;
        }
        int t = plain ? obj_truthy(v) : pred_true(d->a, v);
        if (t < 0) {
            return -1;
        }
        if (!t) {
            *out = v;
            return 1;
        }
    }
}

static int starmap_next(Value self, Value *out) {
    ObjIt4 *d = IT4(self);
    Value args;
    int r = obj_next(d->b, &args);
    if (r != 1) {
        return r;
    }
    if (!IS_TUPLE(args)) {
        args = seq_to_tuple(args);
        if (!args) {
            return -1;
        }
    }
    gc_push_root(args);
    Value v = vm_call(d->a, (int)AS_TUPLE(args)->len, AS_TUPLE(args)->items, NULL);
    gc_pop_root(1);
    if (!v) {
        return -1;
    }
    *out = v;
    return 1;
}

// ---- islice(iterable, stop) / islice(iterable, start, stop[, step]):
// a = iterator (VAL_NULL: done), i = cnt, j = next, k = stop (-1: none), c = step (small int)

// PyNumber_AsSsize_t of an islice argument: -1 for anything that is not an
// int in range (the caller words the ValueError).
static int64_t islice_arg(Value v) {
    int64_t n;
    if (!ssize_value(v, &n)) {
        exc_clear();
        return -1;
    }
    return n;
}

static Value islice_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!itertools_positional(cls, "islice", argc, kw, 2, 4)) {
        return VAL_NULL;
    }
    int64_t start = 0, stop = -1, step = 1;
    if (argc == 2) {
        if (!IS_NONE(argv[1]) && (stop = islice_arg(argv[1])) == -1) {
            goto bad_stop;
        }
    } else {
        if (!IS_NONE(argv[1])) {
            start = islice_arg(argv[1]);
        }
        if (!IS_NONE(argv[2]) && (stop = islice_arg(argv[2])) == -1) {
            goto bad_stop;
        }
    }
    if (start < 0 || stop < -1) {
        return exc_raise(exc_ValueError,
                         "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
    }
    if (argc == 4 && !IS_NONE(argv[3])) {
        step = islice_arg(argv[3]);
    }
    if (step < 1) {
        return exc_raise(exc_ValueError, "Step for islice() must be a positive integer or None.");
    }
    Value it = obj_iter(argv[0]);
    if (!it) {
        return VAL_NULL;
    }
    Value r = it4_new(cls, it, VAL_NULL);
    ObjIt4 *o = IT4(r);
    o->i = 0;
    o->j = start;
    o->k = stop;
    o->c = MK_SMALL(step);
    return r;
bad_stop:
    return exc_raise(exc_ValueError, "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
}

static int islice_next(Value self, Value *out) {
    ObjIt4 *s = IT4(self);
    Value it = s->a;    // kept: a re-entrant call may clear s->a
    if (!it) {
        return 0;
    }
    gc_push_root(it);
    Value v;
    int r = 1;
    while (s->i < s->j) {
        r = obj_next(it, &v);
        if (r != 1) {
            break;
        }
        s->i++;
    }
    if (r == 1 && s->k != -1 && s->i >= s->k) {
        r = 0;
    }
    if (r == 1) {
        r = obj_next(it, &v);
    }
    gc_pop_root(1);
    if (r != 1) {
        s->a = VAL_NULL;
        return r;
    }
    s->i++;
    int64_t old = s->j;
    s->j += AS_SMALL(s->c);
    if (s->j < old || (s->k != -1 && s->j > s->k)) {
        s->j = s->k;
    }
    *out = v;
    return 1;
}

// ---- pairwise(iterable): a = iterator (VAL_NULL: done), b = the previous item

static Value pairwise_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!itertools_positional(cls, "pairwise", argc, kw, 1, 1)) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[0]);
    return it ? it4_new(cls, it, VAL_NULL) : VAL_NULL;
}

// As CPython 3.11.7's, which a re-entrant call from the iterator must not crash.
static int pairwise_next(Value self, Value *out) {
    ObjIt4 *p = IT4(self);
    Value it = p->a, old = p->b;
    if (!it) {
        return 0;
    }
    gc_push_root(it);
    if (!old) {
        int r = obj_next(it, &old);
        p->b = r == 1 ? old : VAL_NULL;
        if (r != 1) {
            p->a = VAL_NULL;
            gc_pop_root(1);
            return r;
        }
        it = p->a;
        if (!it) {
            p->b = VAL_NULL;
            gc_pop_root(1);
            return 0;
        }
    }
    gc_push_root(old);
    Value v;
    int r = obj_next(it, &v);
    if (r != 1) {
        p->a = p->b = VAL_NULL;
        gc_pop_root(2);
        return r;
    }
    *out = tuple_pack(2, old, v);
    p->b = v;
    gc_pop_root(2);
    return 1;
}

// ---- pickling and copying (CPython 3.11's __reduce__/__setstate__)

#define TYPE_OF(v) OBJ_VAL(AS_OBJ(v)->cls)

// (type(self), args) or (type(self), args, state) when [state] is not VAL_NULL.
static Value reduce_value(Value self, Value args, Value state) {
    if (!args) {
        return VAL_NULL;
    }
    gc_push_root(args);
    Value r = state ? tuple_pack(3, TYPE_OF(self), args, state) : tuple_pack(2, TYPE_OF(self), args);
    gc_pop_root(1);
    return r;
}

static Value count_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *c = IT4(argv[0]);
    int64_t s;
    bool one = is_intlike(c->b) && int_to_i64(c->b == VAL_TRUE ? MK_SMALL(1) : c->b, &s) && s == 1;
    exc_clear();
    return reduce_value(argv[0], one ? tuple_pack(1, c->a) : tuple_pack(2, c->a, c->b), VAL_NULL);
}

static Value repeat_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *r = IT4(argv[0]);
    return reduce_value(argv[0], r->i < 0 ? tuple_pack(1, r->a) : tuple_pack(2, r->a, VAL_INT(r->i)), VAL_NULL);
}

// (type, (a, b)): compress, filterfalse, starmap.
static Value pair_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *o = IT4(argv[0]);
    return reduce_value(argv[0], tuple_pack(2, o->a, o->b), VAL_NULL);
}

// dropwhile's started / takewhile's stopped flag is the state.
static Value flag_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *o = IT4(argv[0]);
    return reduce_value(argv[0], tuple_pack(2, o->a, o->b), VAL_BOOL(o->i));
}

static Value flag_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__setstate__() takes exactly one argument (%d given)", argc - 1);
    }
    int t = obj_truthy(argv[1]);
    if (t < 0) {
        return VAL_NULL;
    }
    IT4(argv[0])->i = t;
    return VAL_NONE;
}

static Value cycle_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *c = IT4(argv[0]);
    Value it = c->a;
    if (!it) {      // exhausted: the saved items, from the current index
        it = obj_iter(c->b);
        if (!it) {
            return VAL_NULL;
        }
        gc_push_root(it);
        for (int64_t i = 0; i < c->i && it; i++) {
            Value v;
            if (obj_next(it, &v) < 0) {
                it = VAL_NULL;
            }
        }
        gc_pop_root(1);
        if (!it) {
            return VAL_NULL;
        }
    }
    gc_push_root(it);
    Value state = tuple_pack(2, c->b, VAL_BOOL(c->j || !c->a));
    gc_push_root(state);
    Value r = reduce_value(argv[0], tuple_pack(1, it), state);
    gc_pop_root(2);
    return r;
}

static Value cycle_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    Value st = argc == 2 ? argv[1] : VAL_NULL;
    if (!st || !IS_TUPLE(st) || AS_TUPLE(st)->len != 2 || !IS_LIST(AS_TUPLE(st)->items[0])) {
        return exc_raise(exc_TypeError, "state is not a tuple");
    }
    int t = obj_truthy(AS_TUPLE(st)->items[1]);
    if (t < 0) {
        return VAL_NULL;
    }
    ObjIt4 *c = IT4(argv[0]);
    c->b = AS_TUPLE(st)->items[0];
    c->j = t;
    c->i = 0;
    return VAL_NONE;
}

static Value accumulate_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *t = IT4(argv[0]);
    Value func = t->b ? t->b : VAL_NONE;
    if (t->d) {     // not started, with an initial value: chain((initial,), it)
        Value first = tuple_pack(1, t->d);
        gc_push_root(first);
        Value src = tuple_pack(2, first, t->a);
        gc_push_root(src);
        Value it = obj_iter(src);
        Value ch = it ? it4_new(ST->itertools_cls[IT_CHAIN], it, VAL_NULL) : VAL_NULL;
        gc_pop_root(2);
        if (!ch) {
            return VAL_NULL;
        }
        gc_push_root(ch);
        Value r = reduce_value(argv[0], tuple_pack(2, ch, func), VAL_NONE);
        gc_pop_root(1);
        return r;
    }
    return reduce_value(argv[0], tuple_pack(2, t->a, func), t->c ? t->c : VAL_NONE);
}

static Value accumulate_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__setstate__() takes exactly one argument (%d given)", argc - 1);
    }
    IT4(argv[0])->c = IS_NONE(argv[1]) ? VAL_NULL : argv[1];
    return VAL_NONE;
}

static Value chain_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *c = IT4(argv[0]);
    Value empty = tuple_new(0);
    if (!c->a) {
        return reduce_value(argv[0], empty, VAL_NULL);
    }
    gc_push_root(empty);
    Value state = c->b ? tuple_pack(2, c->a, c->b) : tuple_pack(1, c->a);
    gc_push_root(state);
    Value r = reduce_value(argv[0], empty, state);
    gc_pop_root(2);
    return r;
}

static bool is_iterator(Value v) {
    ObjClass *c = val_class(v);
    return c->next || class_lookup(c, ST->s_next);
}

static Value chain_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    Value st = argc == 2 ? argv[1] : VAL_NULL;
    if (!st || !IS_TUPLE(st)) {
        return exc_raise(exc_TypeError, "state is not a tuple");
    }
    ObjTuple *t = AS_TUPLE(st);
    if (t->len < 1 || t->len > 2) {
        return exc_raise(exc_TypeError, "setstate() takes at most 2 arguments (%d given)", (int)t->len);
    }
    if (!is_iterator(t->items[0]) || (t->len == 2 && !is_iterator(t->items[1]))) {
        return exc_raise(exc_TypeError, "Arguments must be iterators.");
    }
    ObjIt4 *c = IT4(argv[0]);
    c->a = t->items[0];
    c->b = t->len == 2 ? t->items[1] : VAL_NULL;
    return VAL_NONE;
}

static Value islice_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjIt4 *s = IT4(argv[0]);
    if (!s->a) {
        Value l = list_new(0);
        if (!l) {
            return VAL_NULL;
        }
        gc_push_root(l);
        Value it = obj_iter(l);
        gc_pop_root(1);
        if (!it) {
            return VAL_NULL;
        }
        gc_push_root(it);
        Value r = reduce_value(argv[0], tuple_pack(2, it, MK_SMALL(0)), MK_SMALL(0));
        gc_pop_root(1);
        return r;
    }
    Value stop = s->k == -1 ? VAL_NONE : VAL_INT(s->k);
    return reduce_value(argv[0], tuple_pack(4, s->a, VAL_INT(s->j), stop, s->c), VAL_INT(s->i));
}

static Value islice_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t n;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__setstate__() takes exactly one argument (%d given)", argc - 1);
    }
    if (!ssize_value(argv[1], &n)) {
        return VAL_NULL;
    }
    IT4(argv[0])->i = n;
    return VAL_NONE;
}

// ---- the module

static const MethodDef count_methods[] = {
    {"__reduce__", count_reduce},
    {NULL, NULL},
};

static const MethodDef repeat_methods[] = {
    {"__length_hint__", repeat_length_hint},
    {"__reduce__", repeat_reduce},
    {NULL, NULL},
};

static const MethodDef pair_methods[] = {
    {"__reduce__", pair_reduce},
    {NULL, NULL},
};

static const MethodDef flag_methods[] = {
    {"__reduce__", flag_reduce},
    {"__setstate__", flag_setstate},
    {NULL, NULL},
};

static const MethodDef cycle_methods[] = {
    {"__reduce__", cycle_reduce},
    {"__setstate__", cycle_setstate},
    {NULL, NULL},
};

static const MethodDef accumulate_methods[] = {
    {"__reduce__", accumulate_reduce},
    {"__setstate__", accumulate_setstate},
    {NULL, NULL},
};

static const MethodDef chain_methods[] = {
    {"__reduce__", chain_reduce},
    {"__setstate__", chain_setstate},
    {NULL, NULL},
};

static const MethodDef islice_methods[] = {
    {"__reduce__", islice_reduce},
    {"__setstate__", islice_setstate},
    {NULL, NULL},
};

static const MethodDef module_functions[] = {
    {"tee", itertools_tee},
    {NULL, NULL},
};

static void make_classes(void) {
    ObjClass **c = ST->itertools_cls;
    c[IT_COUNT] = itertools_class("count", sizeof(ObjIt4), it4_trace, count_next, count_new_);
    c[IT_COUNT]->repr = count_repr;
    class_add_methods(c[IT_COUNT], count_methods);
    c[IT_CYCLE] = itertools_class("cycle", sizeof(ObjIt4), it4_trace, cycle_next, cycle_new_);
    class_add_methods(c[IT_CYCLE], cycle_methods);
    c[IT_REPEAT] = itertools_class("repeat", sizeof(ObjIt4), it4_trace, repeat_next, repeat_new_);
    c[IT_REPEAT]->repr = repeat_repr;
    class_add_methods(c[IT_REPEAT], repeat_methods);
    c[IT_ACCUMULATE] = itertools_class("accumulate", sizeof(ObjIt4), it4_trace, accumulate_next,
                                       accumulate_new_);
    class_add_methods(c[IT_ACCUMULATE], accumulate_methods);
    c[IT_CHAIN] = itertools_class("chain", sizeof(ObjIt4), it4_trace, chain_next, chain_new_);
    class_add_classmethod(c[IT_CHAIN], "from_iterable", chain_from_iterable);
    class_add_classmethod(c[IT_CHAIN], "__class_getitem__", chain_class_getitem);
    class_add_methods(c[IT_CHAIN], chain_methods);
    c[IT_COMPRESS] = itertools_class("compress", sizeof(ObjIt4), it4_trace, compress_next, compress_new_);
    c[IT_DROPWHILE] = itertools_class("dropwhile", sizeof(ObjIt4), it4_trace, dropwhile_next, dropwhile_new_);
    c[IT_TAKEWHILE] = itertools_class("takewhile", sizeof(ObjIt4), it4_trace, takewhile_next, takewhile_new_);
    c[IT_FILTERFALSE] = itertools_class("filterfalse", sizeof(ObjIt4), it4_trace, filterfalse_next,
                                        filterfalse_new_);
    c[IT_STARMAP] = itertools_class("starmap", sizeof(ObjIt4), it4_trace, starmap_next, starmap_new_);
    class_add_methods(c[IT_COMPRESS], pair_methods);
    class_add_methods(c[IT_FILTERFALSE], pair_methods);
    class_add_methods(c[IT_STARMAP], pair_methods);
    class_add_methods(c[IT_DROPWHILE], flag_methods);
    class_add_methods(c[IT_TAKEWHILE], flag_methods);
    c[IT_ISLICE] = itertools_class("islice", sizeof(ObjIt4), it4_trace, islice_next, islice_new_);
    class_add_methods(c[IT_ISLICE], islice_methods);
    c[IT_PAIRWISE] = itertools_class("pairwise", sizeof(ObjIt4), it4_trace, pairwise_next, pairwise_new_);
    itertools_group_init();
    itertools_comb_init();
}

// Creates the itertools module (its classes once per state).
Value mod_itertools_init(void) {
    if (!ST->itertools_cls[0]) {
        make_classes();
    }
    Value m = module_new("itertools");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    for (int i = 0; i < IT__COUNT; i++) {
        ObjClass *c = ST->itertools_cls[i];
        dict_set_str(d, c->name, OBJ_VAL(c));
    }
    native_add_functions(d, NULL, module_functions);
    gc_pop_root(1);
    return m;
}
