// range.c: range (int64 start/stop/step; len, indexing and slicing, a fast
// membership test for ints, its iterator, reversed) and slice (repr,
// indices(), and slice_indices: Python's clamping rules, shared by every
// sliceable sequence). range_init also finishes the container classes
// that need classmethods (dict.fromkeys) and creates the iterator classes
// of iterobj.c, since it runs after class_ready.
#include "containers.h"
#include "runtime.h"
#include "gc.h"


typedef struct ObjRangeIter {
    Obj hdr;
    int64_t cur, step, left;    // next value, step, values remaining
    Value bcur, bstep, bleft;   // the same as Python ints when they do not
                                // fit (bcur VAL_NULL: int64 fields in use)
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
static bool slice_val_slow(Value v, int64_t *out);

static inline bool slice_val(Value v, int64_t *out) {
    if (IS_SMALL(v)) {
        *out = AS_SMALL(v);
        return true;
    }
    return slice_val_slow(v, out);
}

static bool slice_val_slow(Value v, int64_t *out) {
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
    } else if (IS_OBJ(v) && class_lookup(AS_OBJ(v)->cls, ST->s_index)) {
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
    if (st == 1) {
        n = a < b ? b - a : 0;  // (no division for the common step)
    } else if (st < 0) {
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
//
// start/stop/step are Python ints of any size, as in CPython. When all
// three are small ints (|x| < 2^61) every derived quantity (length,
// start + i*step) fits int64 and the int64 fast paths below apply; else
// the arithmetic is done with GMP.

#define AS_RANGE(v) ((ObjRange *)AS_OBJ(v))

static bool range_is_small(ObjRange *r) {
    return IS_SMALL(r->start) && IS_SMALL(r->stop) && IS_SMALL(r->step);
}

static int64_t small_length(int64_t start, int64_t stop, int64_t step) {
    if (step > 0) {
        return start < stop ? (stop - start - 1) / step + 1 : 0;
    }
    return start > stop ? (start - stop - 1) / (-step) + 1 : 0;
}

// Sets the initialised [len] to the length of [r].
static void big_length(ObjRange *r, mpz_t len) {
    mpz_t a, b, st;
    mpz_inits(a, b, st, NULL);
    int_get_mpz(r->start, a);
    int_get_mpz(r->stop, b);
    int_get_mpz(r->step, st);
    if (mpz_sgn(st) < 0) {
        mpz_swap(a, b);
        mpz_neg(st, st);
    }
    if (mpz_cmp(a, b) < 0) {
        mpz_sub(len, b, a);
        mpz_sub_ui(len, len, 1);
        mpz_fdiv_q(len, len, st);
        mpz_add_ui(len, len, 1);
    } else {
        mpz_set_ui(len, 0);
    }
    mpz_clears(a, b, st, NULL);
}

// Length as a Python int.
static Value range_length_value(ObjRange *r) {
    if (range_is_small(r)) {
        return VAL_INT(small_length(AS_SMALL(r->start), AS_SMALL(r->stop), AS_SMALL(r->step)));
    }
    mpz_t len;
    mpz_init(len);
    big_length(r, len);
    Value v = int_from_mpz(len);
    mpz_clear(len);
    return v;
}

// Makes range(start, stop, step) from ints; step is not 0.
static Value range_make(Value start, Value stop, Value step) {
    ObjRange *r = (ObjRange *)obj_alloc(cls_range, sizeof(ObjRange));
    r->start = start;
    r->stop = stop;
    r->step = step;
    return OBJ_VAL(r);
}

// Makes range(start, stop, step); step is not 0.
Value range_new(int64_t start, int64_t stop, int64_t step) {
    Value a = VAL_INT(start);
    gc_push_root(a);
    Value b = VAL_INT(stop);
    gc_push_root(b);
    Value c = VAL_INT(step);
    gc_push_root(c);
    Value r = range_make(a, b, c);
    gc_pop_root(3);
    return r;
}

static Value mpz_value(const mpz_t z) {
    return int_from_mpz(z);
}

// A plain int from an int (bool, subclass) or an object with __index__;
// [msg] NULL: "'T' object cannot be interpreted as an integer".
static Value as_int(Value v, const char *msg) {
    if (IS_SMALL(v) || IS_BIGINT(v)) {
        return v;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        return MK_SMALL(v == VAL_TRUE);
    }
    if (int_check(v)) {
        mpz_t z;
        mpz_init(z);
        int_get_mpz(v, z);
        Value r = int_from_mpz(z);
        mpz_clear(z);
        return r;
    }
    Value f = IS_OBJ(v) ? class_lookup(AS_OBJ(v)->cls, ST->s_index) : VAL_NULL;
    if (!f) {
        if (msg) {
            return exc_raise(exc_TypeError, "%s", msg);
        }
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer",
                         val_type_name(v));
    }
    Value r = vm_call(f, 1, &v, NULL);
    if (!r) {
        return VAL_NULL;
    }
    if (!int_check(r)) {
        return exc_raise(exc_TypeError, "__index__ returned non-int (type %s)", val_type_name(r));
    }
    return as_int(r, msg);
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
    Value v[3] = {MK_SMALL(0), VAL_NULL, MK_SMALL(1)};
    int first = argc == 1 ? 1 : 0;
    for (int i = 0; i < argc; i++) {
        v[first + i] = as_int(argv[i], NULL);
        if (!v[first + i]) {
            gc_pop_root(i);
            return VAL_NULL;
        }
        gc_push_root(v[first + i]);
    }
    gc_pop_root(argc);
    if (v[2] == MK_SMALL(0)) {
        return exc_raise(exc_ValueError, "range() arg 3 must not be zero");
    }
    gc_push_root(v[0]);
    gc_push_root(v[1]);
    gc_push_root(v[2]);
    Value r = range_make(v[0], v[1], v[2]);
    gc_pop_root(3);
    return r;
}

static Value range_repr(Value self) {
    ObjRange *r = AS_RANGE(self);
    Value a = int_repr(r->start);
    gc_push_root(a);
    Value b = int_repr(r->stop);
    gc_push_root(b);
    Value res;
    if (r->step == MK_SMALL(1)) {
        res = str_printf("range(%s, %s)", AS_STR(a)->data, AS_STR(b)->data);
    } else {
        Value c = int_repr(r->step);
        gc_push_root(c);
        res = str_printf("range(%s, %s, %s)", AS_STR(a)->data, AS_STR(b)->data, AS_STR(c)->data);
        gc_pop_root(1);
    }
    gc_pop_root(2);
    return res;
}

static int64_t range_len(Value self) {
    ObjRange *r = AS_RANGE(self);
    if (range_is_small(r)) {
        return small_length(AS_SMALL(r->start), AS_SMALL(r->stop), AS_SMALL(r->step));
    }
    mpz_t len;
    mpz_init(len);
    big_length(r, len);
    int64_t n = -1;
    if (mpz_fits_slong_p(len)) {
        n = mpz_get_si(len);
    } else {
        exc_raise(exc_OverflowError, "Python int too large to convert to C ssize_t");
    }
    mpz_clear(len);
    return n;
}

static int range_truthy(Value self) {
    ObjRange *r = AS_RANGE(self);
    int c = obj_lt(r->start, r->stop);
    if (c < 0) {
        return -1;
    }
    bool up = obj_lt(MK_SMALL(0), r->step) == 1;
    return up ? c : obj_lt(r->stop, r->start);
}

// CPython's _PySlice_GetLongIndices: start, stop, step of [s] over a
// sequence of length [len] (all mpz, initialised by the caller).
static bool slice_long_indices(ObjSlice *s, const mpz_t len, mpz_t start, mpz_t stop, mpz_t step) {
    static const char msg[] = "slice indices must be integers or None or have an __index__ method";
    if (IS_NONE(s->step)) {
        mpz_set_ui(step, 1);
    } else {
        Value v = as_int(s->step, msg);
        if (!v) {
            return false;
        }
        int_get_mpz(v, step);
        if (mpz_sgn(step) == 0) {
            exc_raise(exc_ValueError, "slice step cannot be zero");
            return false;
        }
    }
    bool neg = mpz_sgn(step) < 0;
    mpz_t lower, upper;
    mpz_inits(lower, upper, NULL);
    if (neg) {
        mpz_set_si(lower, -1);
        mpz_sub_ui(upper, len, 1);
    } else {
        mpz_set_ui(lower, 0);
        mpz_set(upper, len);
    }
    bool ok = true;
    Value parts[2] = {s->start, s->stop};
    mpz_ptr outs[2] = {start, stop};
    for (int i = 0; i < 2 && ok; i++) {
        if (IS_NONE(parts[i])) {
            mpz_set(outs[i], (i == 0) == neg ? upper : lower);
            continue;
        }
        Value v = as_int(parts[i], msg);
        if (!v) {
            ok = false;
            break;
        }
        int_get_mpz(v, outs[i]);
        if (mpz_sgn(outs[i]) < 0) {
            mpz_add(outs[i], outs[i], len);
            if (mpz_cmp(outs[i], lower) < 0) {
                mpz_set(outs[i], lower);
            }
        } else if (mpz_cmp(outs[i], upper) > 0) {
            mpz_set(outs[i], upper);
        }
    }
    mpz_clears(lower, upper, NULL);
    return ok;
}

static bool small_or_none(Value v) {
    return IS_SMALL(v) || IS_NONE(v);
}

// range[slice] when the range and the slice's parts are small ints and the
// result's start, stop and step fit int64 (the slice clamping of
// slice_indices is CPython's compute_slice's); VAL_NULL: use the GMP path.
static Value small_slice(ObjRange *r, ObjSlice *s) {
    if (!small_or_none(s->start) || !small_or_none(s->stop) || !small_or_none(s->step) ||
        s->step == MK_SMALL(0)) {
        return VAL_NULL;    // step 0: the general path raises its error
    }
    int64_t rs = AS_SMALL(r->start), rst = AS_SMALL(r->step);
    int64_t n = small_length(rs, AS_SMALL(r->stop), rst);
    int64_t a, b, st, len;
    if (!slice_indices(s, n, &a, &b, &st, &len)) {
        return VAL_NULL;
    }
    int64_t ra, rb, rstep;
    if (__builtin_mul_overflow(a, rst, &ra) || __builtin_add_overflow(ra, rs, &ra) ||
        __builtin_mul_overflow(b, rst, &rb) || __builtin_add_overflow(rb, rs, &rb) ||
        __builtin_mul_overflow(st, rst, &rstep) || !FITS_SMALL(ra) || !FITS_SMALL(rb) ||
        !FITS_SMALL(rstep)) {
        return VAL_NULL;
    }
    return range_make(MK_SMALL(ra), MK_SMALL(rb), MK_SMALL(rstep));
}

static Value range_getitem(Value self, Value key) {
    ObjRange *r = AS_RANGE(self);
    if (range_is_small(r) && IS_SMALL(key)) {
        int64_t n = small_length(AS_SMALL(r->start), AS_SMALL(r->stop), AS_SMALL(r->step));
        int64_t i = AS_SMALL(key);
        if (i < 0) {
            i += n;
        }
        if (i < 0 || i >= n) {
            return exc_raise(exc_IndexError, "range object index out of range");
        }
        return VAL_INT(AS_SMALL(r->start) + i * AS_SMALL(r->step));
    }
    if (range_is_small(r) && IS_SLICE(key)) {
        Value v = small_slice(r, (ObjSlice *)AS_OBJ(key));
        if (v) {
            return v;
        }
    }
    mpz_t len, a, b, st, rs, rst;
    mpz_inits(len, a, b, st, rs, rst, NULL);
    big_length(r, len);
    int_get_mpz(r->start, rs);
    int_get_mpz(r->step, rst);
    Value res = VAL_NULL;
    if (IS_SLICE(key)) {
        // range(start + a*step, start + b*step, step*st), as CPython's
        // compute_slice: b is the clamped slice stop, not a*step + n*step
        if (slice_long_indices((ObjSlice *)AS_OBJ(key), len, a, b, st)) {
            mpz_mul(a, a, rst);
            mpz_add(a, a, rs);
            mpz_mul(b, b, rst);
            mpz_add(b, b, rs);
            mpz_mul(st, st, rst);
            Value va = mpz_value(a);
            gc_push_root(va);
            Value vb = mpz_value(b);
            gc_push_root(vb);
            Value vs = mpz_value(st);
            gc_push_root(vs);
            res = range_make(va, vb, vs);
            gc_pop_root(3);
        }
    } else {
        Value k = as_int(key, NULL);
        if (!k && EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            exc_raise(exc_TypeError, "range indices must be integers or slices, not %s",
                      val_type_name(key));
        }
        if (k) {
            int_get_mpz(k, a);
            if (mpz_sgn(a) < 0) {
                mpz_add(a, a, len);
            }
            if (mpz_sgn(a) < 0 || mpz_cmp(a, len) >= 0) {
                exc_raise(exc_IndexError, "range object index out of range");
            } else {
                mpz_mul(a, a, rst);
                mpz_add(a, a, rs);
                res = mpz_value(a);
            }
        }
    }
    mpz_clears(len, a, b, st, rs, rst, NULL);
    return res;
}

// Index of int [v] in [r] as a Python int, or VAL_NULL (not in it; no error).
static Value range_find(ObjRange *r, Value v) {
    if (range_is_small(r) && IS_SMALL(v)) {
        int64_t start = AS_SMALL(r->start), step = AS_SMALL(r->step), x = AS_SMALL(v);
        int64_t n = small_length(start, AS_SMALL(r->stop), step);
        int64_t off = x - start;
        if (n == 0 || off % step != 0) {
            return VAL_NULL;
        }
        int64_t i = off / step;
        return i >= 0 && i < n ? MK_SMALL(i) : VAL_NULL;
    }
    mpz_t len, off, st, q, rem;
    mpz_inits(len, off, st, q, rem, NULL);
    big_length(r, len);
    int_get_mpz(v, off);
    int_get_mpz(r->start, q);
    mpz_sub(off, off, q);
    int_get_mpz(r->step, st);
    mpz_tdiv_qr(q, rem, off, st);
    Value res = VAL_NULL;
    if (mpz_sgn(rem) == 0 && mpz_sgn(q) >= 0 && mpz_cmp(q, len) < 0) {
        res = mpz_value(q);
    }
    mpz_clears(len, off, st, q, rem, NULL);
    return res;
}

static bool range_item_is_int(Value v) {
    return IS_SMALL(v) || IS_BIGINT(v) || v == VAL_TRUE || v == VAL_FALSE;
}

// Index of [item] found by iterating (non-int items): a Python int, VAL_NONE
// when absent, VAL_NULL on error.
static Value range_search(Value self, Value item) {
    Value it = obj_iter(self);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    Value x;
    int r;
    int64_t i = 0;
    while ((r = obj_next(it, &x)) == 1) {
        int eq = obj_eq(x, item);
        if (eq != 0) {
            gc_pop_root(1);
            return eq < 0 ? VAL_NULL : VAL_INT(i);
        }
        i++;
    }
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : VAL_NONE;
}

static int range_contains(Value self, Value item) {
    if (range_item_is_int(item)) {
        return range_find(AS_RANGE(self), as_int(item, NULL)) != VAL_NULL;
    }
    Value i = range_search(self, item);
    return !i ? -1 : !IS_NONE(i);
}

static Value range_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_A(a, cls_range) || !IS_A(b, cls_range)) {
        return VAL_NOTIMPL;
    }
    ObjRange *x = AS_RANGE(a), *y = AS_RANGE(b);
    Value nx = range_length_value(x);
    gc_push_root(nx);
    Value ny = range_length_value(y);
    gc_push_root(ny);
    bool eq = obj_eq(nx, ny) == 1;
    if (eq && nx != MK_SMALL(0)) {
        eq = obj_eq(x->start, y->start) == 1 &&
             (nx == MK_SMALL(1) || obj_eq(x->step, y->step) == 1);
    }
    gc_pop_root(2);
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static bool range_hash(Value self, int64_t *out) {
    ObjRange *r = AS_RANGE(self);
    Value n = range_length_value(r);
    gc_push_root(n);
    Value t = tuple_pack(3, n, n != MK_SMALL(0) ? r->start : VAL_NONE,
                         n != MK_SMALL(0) && n != MK_SMALL(1) ? r->step : VAL_NONE);
    gc_pop_root(1);
    return obj_hash(t, out);
}

static void range_trace(Obj *o) {
    ObjRange *r = (ObjRange *)o;
    gc_mark_value(r->start);
    gc_mark_value(r->stop);
    gc_mark_value(r->step);
}

// An iterator from [cur] by [step] for [left] values (Python ints): int64
// fields when everything fits, else Python ints (CPython's longrange_iterator).
static Value range_iter_from(Value cur, Value step, Value left) {
    ObjRangeIter *it = (ObjRangeIter *)obj_alloc_small(cls_range_iter, sizeof(ObjRangeIter));
    if (IS_SMALL(cur) && IS_SMALL(step) && IS_SMALL(left)) {
        // cur + left*step stays within int64 as |each| < 2^61 and the
        // values run toward a bound that is itself a small int
        it->cur = AS_SMALL(cur);
        it->step = AS_SMALL(step);
        it->left = AS_SMALL(left);
    } else {
        it->bcur = cur;
        it->bstep = step;
        it->bleft = left;
    }
    return OBJ_VAL(it);
}

static Value range_iter(Value self) {
    ObjRange *r = AS_RANGE(self);
    Value n = range_length_value(r);
    gc_push_root(n);
    Value it = range_iter_from(r->start, r->step, n);
    gc_pop_root(1);
    return it;
}

static int range_iter_next(Value self, Value *out);

// range_iterator.__length_hint__(): the values left.
static Value m_range_iter_length_hint(int argc, Value *argv, ObjDict *kw) {
    ObjRangeIter *it = (ObjRangeIter *)AS_OBJ(argv[0]);
    if (it->bcur) {
        return it->bleft;
    }
    return VAL_INT(it->left > 0 ? it->left : 0);
}

// The values left as Python ints: *cur, *step, *left (rooted by the caller's object).
static bool range_iter_state(ObjRangeIter *it, Value *cur, Value *step, Value *left) {
    if (it->bcur) {
        *cur = it->bcur;
        *step = it->bstep;
        *left = it->bleft;
        return true;
    }
    *cur = VAL_INT(it->cur);
    *step = VAL_INT(it->step);
    *left = VAL_INT(it->left > 0 ? it->left : 0);
    return true;
}

// range_iterator.__reduce__(): (iter, (range(cur, cur + left*step, step),), 0):
// the values left, as a range (CPython keeps the start and an index).
static Value m_range_iter_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    Value fn = builtins_get("iter");     // first: the lookup may run code that advances the iterator
    if (!fn) {
        return VAL_NULL;
    }
    gc_push_root(fn);
    ObjRangeIter *it = (ObjRangeIter *)AS_OBJ(argv[0]);
    Value cur, step, left;
    range_iter_state(it, &cur, &step, &left);
    gc_push_root(cur);
    gc_push_root(step);
    Value span = obj_binop(left, step, BIN_MUL);
    gc_push_root(span ? span : VAL_NONE);
    Value stop = span ? obj_binop(cur, span, BIN_ADD) : VAL_NULL;
    gc_pop_root(3);
    if (!stop) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    ObjRange *r = (ObjRange *)obj_alloc(cls_range, sizeof(ObjRange));
    r->start = cur;
    r->stop = stop;
    r->step = step;
    gc_push_root(OBJ_VAL(r));
    Value args = tuple_pack(1, OBJ_VAL(r));
    gc_push_root(args);
    Value res = tuple_pack(3, fn, args, MK_SMALL(0));
    gc_pop_root(3);
    return res;
}

// range_iterator.__setstate__(n): skips n values (clamped to those left).
static Value m_range_iter_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t n;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__setstate__() takes exactly one argument (%d given)", argc - 1);
    }
    if (!ssize_value(argv[1], &n)) {
        return VAL_NULL;
    }
    ObjRangeIter *it = (ObjRangeIter *)AS_OBJ(argv[0]);
    for (; n > 0; n--) {    // big ranges step one at a time; small ones below
        if (!it->bcur) {
            int64_t k = n < it->left ? n : (it->left > 0 ? it->left : 0);
            it->cur += k * it->step;
            it->left -= k;
            break;
        }
        Value v;
        int r = range_iter_next(argv[0], &v);
        if (r <= 0) {
            return r < 0 ? VAL_NULL : VAL_NONE;
        }
    }
    return VAL_NONE;
}

static const MethodDef range_iter_methods[] = {
    {"__length_hint__", m_range_iter_length_hint},
    {"__reduce__", m_range_iter_reduce},
    {"__setstate__", m_range_iter_setstate},
    {NULL, NULL},
};

static int range_iter_next(Value self, Value *out) {
    ObjRangeIter *it = (ObjRangeIter *)AS_OBJ(self);
    if (it->bcur) {
        if (obj_lt(MK_SMALL(0), it->bleft) != 1) {
            return 0;
        }
        *out = it->bcur;
        gc_push_root(*out);
        Value c = obj_binop(it->bcur, it->bstep, BIN_ADD);
        gc_push_root(c);
        Value l = c ? obj_binop(it->bleft, MK_SMALL(1), BIN_SUB) : VAL_NULL;
        gc_pop_root(2);
        if (!l) {
            return -1;
        }
        it->bcur = c;
        it->bleft = l;
        return 1;
    }
    if (it->left <= 0) {
        return 0;
    }
    *out = VAL_INT(it->cur);
    it->cur += it->step;
    it->left--;
    return 1;
}

static void range_iter_trace(Obj *o) {
    ObjRangeIter *it = (ObjRangeIter *)o;
    gc_mark_value(it->bcur);
    gc_mark_value(it->bstep);
    gc_mark_value(it->bleft);
}

static Value iter_self(Value self) {
    return self;
}

static Value range_getattr(Value self, ObjStr *name) {
    ObjRange *r = AS_RANGE(self);
    if (!strcmp(name->data, "start")) {
        return r->start;
    }
    if (!strcmp(name->data, "stop")) {
        return r->stop;
    }
    if (!strcmp(name->data, "step")) {
        return r->step;
    }
    return generic_getattr(self, name);
}

static Value m_range_reversed(int argc, Value *argv, ObjDict *kw) {
    ObjRange *r = AS_RANGE(argv[0]);
    if (range_is_small(r)) {
        // the last item, or start - step when empty: within 2^62 of start
        int64_t start = AS_SMALL(r->start), step = AS_SMALL(r->step);
        int64_t len = small_length(start, AS_SMALL(r->stop), step);
        Value vl = int_from_i64(start + (len - 1) * step);
        gc_push_root(vl);
        Value vs = int_from_i64(-step);
        gc_push_root(vs);
        Value it = range_iter_from(vl, vs, MK_SMALL(len));
        gc_pop_root(2);
        return it;
    }
    mpz_t len, last, z;
    mpz_inits(len, last, z, NULL);
    big_length(r, len);
    // last = start + (len - 1) * step
    mpz_sub_ui(last, len, 1);
    int_get_mpz(r->step, z);
    mpz_mul(last, last, z);
    int_get_mpz(r->start, z);
    mpz_add(last, last, z);
    Value vl = mpz_value(last);
    gc_push_root(vl);
    Value vn = mpz_value(len);
    gc_push_root(vn);
    int_get_mpz(r->step, z);
    mpz_neg(z, z);
    Value vs = mpz_value(z);
    gc_push_root(vs);
    mpz_clears(len, last, z, NULL);
    Value it = range_iter_from(vl, vs, vn);
    gc_pop_root(3);
    return it;
}

static Value m_range_count(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("range.count", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (range_item_is_int(argv[1])) {
        return MK_SMALL(range_find(AS_RANGE(argv[0]), as_int(argv[1], NULL)) != VAL_NULL);
    }
    // count every equal element, as CPython's _PySequence_IterSearch
    Value it = obj_iter(argv[0]);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    Value x;
    int r;
    int64_t n = 0;
    while ((r = obj_next(it, &x)) == 1) {
        int eq = obj_eq(x, argv[1]);
        if (eq < 0) {
            r = -1;
            break;
        }
        n += eq;
    }
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : VAL_INT(n);
}

static Value m_range_index(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("index", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjRange *r = AS_RANGE(argv[0]);
    Value v = argv[1];
    if (range_item_is_int(v)) {
        Value i = range_find(r, as_int(v, NULL));
        if (i) {
            return i;
        }
    } else {
        Value i = range_search(argv[0], v);
        if (!i) {
            return VAL_NULL;
        }
        if (!IS_NONE(i)) {
            return i;
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
    cls_range->trace = range_trace;

    cls_range_iter = class_new_builtin("range_iterator", NULL, sizeof(ObjRangeIter), range_iter_methods);
    cls_range_iter->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_range_iter->new_ = NULL;
    cls_range_iter->iter = iter_self;
    cls_range_iter->next = range_iter_next;
    cls_range_iter->trace = range_iter_trace;

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
