// range.c: range (int64 start/stop/step; len, indexing and slicing, a fast
// membership test for ints, its iterator, reversed) and slice (repr,
// indices(), and slice_indices: Python's clamping rules, shared by every
// sliceable sequence). range_init also finishes the container classes
// that need classmethods (dict.fromkeys) and creates the iterator classes
// of iterobj.c, since it runs after class_ready.
#include "containers.h"

ObjClass *cls_range, *cls_slice, *cls_range_iter;

typedef struct ObjRangeIter {
    Obj hdr;
    int64_t cur, step, left;    // next value, step, values remaining
} ObjRangeIter;

// ---- slice

// Makes slice(start, stop, step) (None for absent parts).
Value slice_new(Value start, Value stop, Value step) {
    ObjSlice *s = (ObjSlice *)obj_alloc(cls_slice, sizeof(ObjSlice));
    s->start = start ? start : VAL_NONE;
    s->stop = stop ? stop : VAL_NONE;
    s->step = step ? step : VAL_NONE;
    return OBJ_VAL(s);
}

#define CLAMP_MAX ((int64_t)1 << 62)

// A slice bound as int64, clamped to +-2^62 (big ints saturate).
static bool slice_val(Value v, int64_t *out) {
    if (IS_SMALL(v)) {
        *out = AS_SMALL(v);
        return true;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        *out = v == VAL_TRUE;
        return true;
    }
    if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_int)) {
        if (!int_to_i64(v, out)) {
            exc_clear();
            int neg = obj_lt(v, MK_SMALL(0));
            if (neg < 0) {
                return false;
            }
            *out = neg ? -CLAMP_MAX : CLAMP_MAX;
        }
    } else if (IS_OBJ(v) && class_lookup(AS_OBJ(v)->cls, str_intern_c("__index__"))) {
        if (!index_value(v, NULL, out)) {
            return false;
        }
    } else {
        exc_raise(exc_TypeError,
                  "slice indices must be integers or None or have an __index__ method");
        return false;
    }
    if (*out > CLAMP_MAX) {
        *out = CLAMP_MAX;
    } else if (*out < -CLAMP_MAX) {
        *out = -CLAMP_MAX;
    }
    return true;
}

// Python's PySlice_GetIndicesEx for a sequence of [len].
bool slice_indices(ObjSlice *s, int64_t len, int64_t *start, int64_t *stop,
                   int64_t *step, int64_t *slicelen) {
    int64_t st = 1, a, b;
    if (!IS_NONE(s->step)) {
        if (!slice_val(s->step, &st)) {
            return false;
        }
        if (st == 0) {
            exc_raise(exc_ValueError, "slice step cannot be zero");
            return false;
        }
    }
    if (IS_NONE(s->start)) {
        a = st < 0 ? len - 1 : 0;
    } else {
        if (!slice_val(s->start, &a)) {
            return false;
        }
        if (a < 0) {
            a += len;
            if (a < 0) {
                a = st < 0 ? -1 : 0;
            }
        } else if (a >= len) {
            a = st < 0 ? len - 1 : len;
        }
    }
    if (IS_NONE(s->stop)) {
        b = st < 0 ? -1 : len;
    } else {
        if (!slice_val(s->stop, &b)) {
            return false;
        }
        if (b < 0) {
            b += len;
            if (b < 0) {
                b = st < 0 ? -1 : 0;
            }
        } else if (b >= len) {
            b = st < 0 ? len - 1 : len;
        }
    }
    int64_t n;
    if (st < 0) {
        n = b < a ? (a - b - 1) / (-st) + 1 : 0;
    } else {
        n = a < b ? (b - a - 1) / st + 1 : 0;
    }
    *start = a;
    *stop = b;
    *step = st;
    *slicelen = n;
    return true;
}

static Value slice_repr(Value self) {
    ObjSlice *s = (ObjSlice *)AS_OBJ(self);
    Value r[3];
    Value parts[3] = {s->start, s->stop, s->step};
    for (int i = 0; i < 3; i++) {
        if (!(r[i] = obj_repr(parts[i]))) {
            return VAL_NULL;
        }
        gc_push_root(r[i]);
    }
    gc_pop_root(3);
    return str_printf("slice(%s, %s, %s)", AS_STR(r[0])->data, AS_STR(r[1])->data,
                      AS_STR(r[2])->data);
}

static Value slice_richcompare(Value a, Value b, int op) {
    if (!IS_SLICE(a) || !IS_SLICE(b)) {
        return VAL_NOTIMPL;
    }
    ObjSlice *x = (ObjSlice *)AS_OBJ(a), *y = (ObjSlice *)AS_OBJ(b);
    Value ta = tuple_pack(3, x->start, x->stop, x->step);
    gc_push_root(ta);
    Value tb = tuple_pack(3, y->start, y->stop, y->step);
    gc_push_root(tb);
    Value r = obj_compare(ta, tb, op);
    gc_pop_root(2);
    return r;
}

static bool slice_hash(Value self, int64_t *out) {
    exc_raise(exc_TypeError, "unhashable type: 'slice'");
    return false;
}

static void slice_trace(Obj *o) {
    ObjSlice *s = (ObjSlice *)o;
    gc_mark_value(s->start);
    gc_mark_value(s->stop);
    gc_mark_value(s->step);
}

static Value slice_getattr(Value self, ObjStr *name) {
    ObjSlice *s = (ObjSlice *)AS_OBJ(self);
    if (!strcmp(name->data, "start")) {
        return s->start;
    }
    if (!strcmp(name->data, "stop")) {
        return s->stop;
    }
    if (!strcmp(name->data, "step")) {
        return s->step;
    }
    return generic_getattr(self, name);
}

static Value slice_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("slice", kw) || !arg_count("slice", argc, 1, 3)) {
        return VAL_NULL;
    }
    if (argc == 1) {
        return slice_new(VAL_NONE, argv[0], VAL_NONE);
    }
    return slice_new(argv[0], argv[1], argc > 2 ? argv[2] : VAL_NONE);
}

static Value m_slice_indices(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("indices", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    int64_t len, a, b, st, n;
    if (!index_value(argv[1], NULL, &len)) {
        return VAL_NULL;
    }
    if (len < 0) {
        return exc_raise(exc_ValueError, "length should not be negative");
    }
    if (!slice_indices((ObjSlice *)AS_OBJ(argv[0]), len, &a, &b, &st, &n)) {
        return VAL_NULL;
    }
    return tuple_pack(3, VAL_INT(a), VAL_INT(b), VAL_INT(st));
}

// ---- range

// Makes range(start, stop, step); step is not 0.
Value range_new(int64_t start, int64_t stop, int64_t step) {
    ObjRange *r = (ObjRange *)obj_alloc(cls_range, sizeof(ObjRange));
    r->start = start;
    r->stop = stop;
    r->step = step;
    return OBJ_VAL(r);
}

static int64_t range_length(ObjRange *r) {
    if (r->step > 0) {
        return r->start < r->stop ? (int64_t)(((uint64_t)r->stop - (uint64_t)r->start - 1) / (uint64_t)r->step) + 1 : 0;
    }
    return r->start > r->stop ? (int64_t)(((uint64_t)r->start - (uint64_t)r->stop - 1) / (uint64_t)(-r->step)) + 1 : 0;
}

#define AS_RANGE(v) ((ObjRange *)AS_OBJ(v))

static bool range_arg(Value v, int64_t *out) {
    if (IS_SMALL(v)) {
        *out = AS_SMALL(v);
        return true;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        *out = v == VAL_TRUE;
        return true;
    }
    if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_int)) {
        if (!int_to_i64(v, out)) {
            return false;
        }
        return true;
    }
    return index_value(v, NULL, out);
}

static Value range_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("range", kw)) {
        return VAL_NULL;
    }
    if (argc == 0) {
        return exc_raise(exc_TypeError, "range expected at least 1 argument, got 0");
    }
    if (argc > 3) {
        return exc_raise(exc_TypeError, "range expected at most 3 arguments, got %d", argc);
    }
    int64_t a = 0, b, st = 1;
    if (argc == 1) {
        if (!range_arg(argv[0], &b)) {
            return VAL_NULL;
        }
    } else {
        if (!range_arg(argv[0], &a) || !range_arg(argv[1], &b) ||
            (argc == 3 && !range_arg(argv[2], &st))) {
            return VAL_NULL;
        }
        if (st == 0) {
            return exc_raise(exc_ValueError, "range() arg 3 must not be zero");
        }
    }
    return range_new(a, b, st);
}

static Value range_repr(Value self) {
    ObjRange *r = AS_RANGE(self);
    if (r->step == 1) {
        return str_printf("range(%lld, %lld)", (long long)r->start, (long long)r->stop);
    }
    return str_printf("range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop,
                      (long long)r->step);
}

static int64_t range_len(Value self) {
    return range_length(AS_RANGE(self));
}

static int range_truthy(Value self) {
    return range_length(AS_RANGE(self)) != 0;
}

static Value range_getitem(Value self, Value key) {
    ObjRange *r = AS_RANGE(self);
    int64_t n = range_length(r);
    if (IS_SLICE(key)) {
        int64_t a, b, st, len;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), n, &a, &b, &st, &len)) {
            return VAL_NULL;
        }
        // CPython's compute_slice: the bounds map through start + i * step
        // (not start + len * new_step, which overshoots the stop)
        (void)len;
        int64_t step, start, stop, sa, sb;
        if (__builtin_mul_overflow(r->step, st, &step) || __builtin_mul_overflow(a, r->step, &sa) ||
            __builtin_mul_overflow(b, r->step, &sb) || __builtin_add_overflow(r->start, sa, &start) ||
            __builtin_add_overflow(r->start, sb, &stop)) {
            return exc_raise(exc_OverflowError, "Python int too large to convert to C long");
        }
        return range_new(start, stop, step);
    }
    int64_t i;
    if (IS_SMALL(key)) {
        i = AS_SMALL(key);
    } else if (!index_value(key, "range", &i)) {
        return VAL_NULL;
    }
    if (i < 0) {
        i += n;
    }
    if (i < 0 || i >= n) {
        return exc_raise(exc_IndexError, "range object index out of range");
    }
    return VAL_INT(r->start + i * r->step);
}

// Index of int [v] in [r], or -1.
static int64_t range_find(ObjRange *r, int64_t v) {
    int64_t n = range_length(r);
    if (n == 0) {
        return -1;
    }
    int64_t off = v - r->start;
    if (off % r->step != 0) {
        return -1;
    }
    int64_t i = off / r->step;
    return i >= 0 && i < n ? i : -1;
}

static int range_contains(Value self, Value item) {
    ObjRange *r = AS_RANGE(self);
    if (IS_SMALL(item) || item == VAL_TRUE || item == VAL_FALSE) {
        int64_t v = IS_SMALL(item) ? AS_SMALL(item) : item == VAL_TRUE;
        return range_find(r, v) >= 0;
    }
    if (IS_BIGINT(item)) {
        return 0;   // outside int64, so outside the range
    }
    int64_t n = range_length(r);
    for (int64_t i = 0; i < n; i++) {
        int eq = obj_eq(VAL_INT(r->start + i * r->step), item);
        if (eq != 0) {
            return eq;
        }
    }
    return 0;
}

static Value range_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_A(a, cls_range) || !IS_A(b, cls_range)) {
        return VAL_NOTIMPL;
    }
    ObjRange *x = AS_RANGE(a), *y = AS_RANGE(b);
    int64_t n = range_length(x);
    bool eq = n == range_length(y) &&
              (n == 0 || (x->start == y->start && (n == 1 || x->step == y->step)));
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static bool range_hash(Value self, int64_t *out) {
    ObjRange *r = AS_RANGE(self);
    int64_t n = range_length(r);
    Value t = tuple_pack(3, VAL_INT(n), n ? VAL_INT(r->start) : VAL_NONE,
                         n > 1 ? VAL_INT(r->step) : VAL_NONE);
    return obj_hash(t, out);
}

static Value range_iter_make(int64_t cur, int64_t step, int64_t left) {
    ObjRangeIter *it = (ObjRangeIter *)obj_alloc(cls_range_iter, sizeof(ObjRangeIter));
    it->cur = cur;
    it->step = step;
    it->left = left;
    return OBJ_VAL(it);
}

static Value range_iter(Value self) {
    ObjRange *r = AS_RANGE(self);
    return range_iter_make(r->start, r->step, range_length(r));
}

static int range_iter_next(Value self, Value *out) {
    ObjRangeIter *it = (ObjRangeIter *)AS_OBJ(self);
    if (it->left <= 0) {
        return 0;
    }
    *out = VAL_INT(it->cur);
    it->cur += it->step;
    it->left--;
    return 1;
}

static Value iter_self(Value self) {
    return self;
}

static Value range_getattr(Value self, ObjStr *name) {
    ObjRange *r = AS_RANGE(self);
    if (!strcmp(name->data, "start")) {
        return VAL_INT(r->start);
    }
    if (!strcmp(name->data, "stop")) {
        return VAL_INT(r->stop);
    }
    if (!strcmp(name->data, "step")) {
        return VAL_INT(r->step);
    }
    return generic_getattr(self, name);
}

static Value m_range_reversed(int argc, Value *argv, ObjDict *kw) {
    ObjRange *r = AS_RANGE(argv[0]);
    int64_t n = range_length(r);
    return range_iter_make(r->start + (n - 1) * r->step, -r->step, n);
}

static Value m_range_count(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("range.count", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    int r = range_contains(argv[0], argv[1]);
    return r < 0 ? VAL_NULL : MK_SMALL(r);
}

static Value m_range_index(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("index", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjRange *r = AS_RANGE(argv[0]);
    Value v = argv[1];
    if (IS_SMALL(v) || v == VAL_TRUE || v == VAL_FALSE) {
        int64_t i = range_find(r, IS_SMALL(v) ? AS_SMALL(v) : v == VAL_TRUE);
        if (i >= 0) {
            return MK_SMALL(i);
        }
    } else {
        int64_t n = range_length(r);
        for (int64_t i = 0; i < n; i++) {
            int eq = obj_eq(VAL_INT(r->start + i * r->step), v);
            if (eq < 0) {
                return VAL_NULL;
            }
            if (eq) {
                return MK_SMALL(i);
            }
        }
    }
    Value rep = obj_repr(v);
    if (!rep) {
        return VAL_NULL;
    }
    return exc_raise(exc_ValueError, "%s is not in range", AS_STR(rep)->data);
}

static const MethodDef range_methods[] = {
    {"__reversed__", m_range_reversed},
    {"count", m_range_count},
    {"index", m_range_index},
    {NULL, NULL},
};

static const MethodDef slice_methods[] = {
    {"indices", m_slice_indices},
    {NULL, NULL},
};

void iterobj_init(void);

// Creates range, slice and their helpers; finishes dict (fromkeys) and
// creates the iterator classes of iterobj.c.
void range_init(void) {
    cls_range = class_new_builtin("range", NULL, sizeof(ObjRange), range_methods);
    cls_range->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_range->new_ = range_new_;
    cls_range->repr = range_repr;
    cls_range->len = range_len;
    cls_range->truthy = range_truthy;
    cls_range->getitem = range_getitem;
    cls_range->contains = range_contains;
    cls_range->richcompare = range_richcompare;
    cls_range->hash = range_hash;
    cls_range->iter = range_iter;
    cls_range->getattr = range_getattr;

    cls_range_iter = class_new_builtin("range_iterator", NULL, sizeof(ObjRangeIter), NULL);
    cls_range_iter->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_range_iter->new_ = NULL;
    cls_range_iter->iter = iter_self;
    cls_range_iter->next = range_iter_next;

    cls_slice = class_new_builtin("slice", NULL, sizeof(ObjSlice), slice_methods);
    cls_slice->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_slice->new_ = slice_new_;
    cls_slice->trace = slice_trace;
    cls_slice->repr = slice_repr;
    cls_slice->richcompare = slice_richcompare;
    cls_slice->hash = slice_hash;
    cls_slice->getattr = slice_getattr;

    dict_init_late();
    iterobj_init();
}
