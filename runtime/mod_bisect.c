// mod_bisect.c: `_bisect`, the C half of bisect as CPython has it:
// bisect_left, bisect_right, insort_left, insort_right, each (a, x, lo=0,
// hi=None, *, key=None). The loops are those of CPython's _bisectmodule.c
// (the same comparisons: x < a[mid] for the right variants, a[mid] < x for
// the left ones; hi=-1 means len(a) as there), with its argument-clinic
// messages. An exact list is read directly; other sequences by __getitem__,
// and insort calls their insert(). runtime/lib/bisect.pyish imports these
// over its pure-Python definitions.
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"

typedef struct BisectArgs {
    Value a, x, key;        // key VAL_NULL: none
    int64_t lo, hi;
} BisectArgs;

// Binds (a, x, lo=0, hi=None, *, key=None) as argument clinic does.
static bool bisect_args(const char *fname, int argc, Value *argv, ObjDict *kw, BisectArgs *out) {
    static const char *const names[] = {"a", "x", "lo", "hi", "key"};
    Value v[5] = {0};
    if (argc > 4) {
        exc_raise(exc_TypeError, "%s() takes at most 4 positional arguments (%d given)", fname, argc);
        return false;
    }
    for (int i = 0; i < argc; i++) {
        v[i] = argv[i];
    }
    if (kw) {
        Value k, val;
        size_t it = 0;
        while (dict_next(kw, &it, &k, &val)) {
            int i = 0;
            while (i < 5 && strcmp(AS_STR(k)->data, names[i]) != 0) {
                i++;
            }
            if (i == 5) {
                exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for %s()", AS_STR(k)->data, fname);
                return false;
            }
            if (v[i]) {
                exc_raise(exc_TypeError, "argument for %s() given by name ('%s') and position (%d)", fname,
                          names[i], i + 1);
                return false;
            }
            v[i] = val;
        }
    }
    for (int i = 0; i < 2; i++) {
        if (!v[i]) {
            exc_raise(exc_TypeError, "%s() missing required argument '%s' (pos %d)", fname, names[i], i + 1);
            return false;
        }
    }
    out->a = v[0];
    out->x = v[1];
    out->key = v[4] && !IS_NONE(v[4]) ? v[4] : VAL_NULL;
    out->lo = 0;
    out->hi = -1;
    if (v[2] && !index_value(v[2], NULL, &out->lo)) {
        return false;
    }
    if (v[3] && !IS_NONE(v[3]) && !index_value(v[3], NULL, &out->hi)) {
        return false;
    }
    if (out->lo < 0) {
        exc_raise(exc_ValueError, "lo must be non-negative");
        return false;
    }
    if (out->hi == -1) {
        out->hi = obj_length(out->a);
        if (out->hi < 0) {
            return false;
        }
    }
    return true;
}

// The index where [x] goes in [b->a] (already key()ed when inserting);
// right: after equal items. -1 on error.
static int64_t bisect_index(const BisectArgs *b, Value x, bool right) {
    int64_t lo = b->lo, hi = b->hi;
    while (lo < hi) {
        int64_t mid = (int64_t)(((uint64_t)lo + (uint64_t)hi) / 2);
        Value item;
        if (IS_LIST(b->a) && (size_t)mid < AS_LIST(b->a)->len) {
            item = AS_LIST(b->a)->items[mid];
        } else {
            item = obj_getitem(b->a, VAL_INT(mid));
            if (!item) {
                return -1;
            }
        }
        gc_push_root(item);
        if (b->key) {
            item = obj_call(b->key, 1, &item, NULL);
            gc_pop_root(1);
            if (!item) {
                return -1;
            }
            gc_push_root(item);
        }
        int lt = right ? obj_lt(x, item) : obj_lt(item, x);
        gc_pop_root(1);
        if (lt < 0) {
            return -1;
        }
        if (right) {
            if (lt) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        } else if (lt) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static Value bisect_impl(const char *fname, int argc, Value *argv, ObjDict *kw, bool right) {
    BisectArgs b;
    if (!bisect_args(fname, argc, argv, kw, &b)) {
        return VAL_NULL;
    }
    int64_t i = bisect_index(&b, b.x, right);
    return i < 0 ? VAL_NULL : VAL_INT(i);
}

static Value insort_impl(const char *fname, int argc, Value *argv, ObjDict *kw, bool right) {
    BisectArgs b;
    if (!bisect_args(fname, argc, argv, kw, &b)) {
        return VAL_NULL;
    }
    Value kx = b.x;
    if (b.key) {
        kx = obj_call(b.key, 1, &b.x, NULL);
        if (!kx) {
            return VAL_NULL;
        }
    }
    gc_push_root(kx);
    int64_t i = bisect_index(&b, kx, right);
    gc_pop_root(1);
    if (i < 0) {
        return VAL_NULL;
    }
    Value args[2] = {VAL_INT(i), b.x};
    Value r = call_method(b.a, "insert", 2, args);
    return r ? VAL_NONE : VAL_NULL;
}

static Value b_bisect_left(int argc, Value *argv, ObjDict *kw) {
    return bisect_impl("bisect_left", argc, argv, kw, false);
}

static Value b_bisect_right(int argc, Value *argv, ObjDict *kw) {
    return bisect_impl("bisect_right", argc, argv, kw, true);
}

static Value b_insort_left(int argc, Value *argv, ObjDict *kw) {
    return insort_impl("insort_left", argc, argv, kw, false);
}

static Value b_insort_right(int argc, Value *argv, ObjDict *kw) {
    return insort_impl("insort_right", argc, argv, kw, true);
}

static const MethodDef bisect_fns[] = {
    {"bisect_left", b_bisect_left, true},
    {"bisect_right", b_bisect_right, true},
    {"insort_left", b_insort_left, true},
    {"insort_right", b_insort_right, true},
    {NULL, NULL, false},
};

Value mod_bisect_init(void) {
    Value m = module_new("_bisect");
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, NULL, bisect_fns);
    return m;
}
