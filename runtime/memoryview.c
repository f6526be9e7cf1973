// memoryview.c: memoryview over bytes and bytearray, one dimension (or a
// C-contiguous shape given to cast()), with the native single-item formats
// of cast() ('B' by default; b c ? h H i I l L q Q n N f d). A view names its exporter and a window (byte offset of
// item 0, byte stride, item count); slicing makes a new window on the same
// exporter, copying nothing, and every access reads the exporter's current
// buffer through buffer_get. Views of a bytearray are writable. release()
// (or leaving a `with` block) detaches the view; later uses raise
// ValueError as in CPython.
#include <string.h>

#include "bytes.h"
#include "containers.h"
#include "numstr.h"
#include "gc.h"
#include "runtime.h"

#define MV(v) AS_MEMORYVIEW(v)

// ---- formats

// The item size of native format [c], or 0 when pyish does not know it.
static int format_size(char c) {
    switch (c) {
    case 'c': case 'b': case 'B': case '?': return 1;
    case 'h': case 'H': return 2;
    case 'i': case 'I': case 'f': return 4;
    case 'l': case 'L': case 'q': case 'Q': case 'n': case 'N': case 'd': case 'P': return 8;
    default: return 0;
    }
}

// The format letter of view [m] (past an '@').
static char fmt_char(ObjMemoryView *m) {
    return m->format[0] == '@' ? m->format[1] : m->format[0];
}

static bool byte_format(char c) {
    return c == 'B' || c == 'b' || c == 'c';
}

// The item of format [c] at [p] as a value.
static Value unpack(char c, const unsigned char *p) {
    switch (c) {
    case 'B': return MK_SMALL(p[0]);
    case 'b': return MK_SMALL((signed char)p[0]);
    case 'c': return bytes_new(p, 1);
    case '?': return VAL_BOOL(p[0] != 0);
    case 'f': {
        float f;
        memcpy(&f, p, 4);
        return float_new(f);
    }
    case 'd': {
        double d;
        memcpy(&d, p, 8);
        return float_new(d);
    }
    default: break;
    }
    int n = format_size(c);
    bool is_signed = c == 'h' || c == 'i' || c == 'l' || c == 'q' || c == 'n';
    uint64_t u = 0;
    memcpy(&u, p, (size_t)n);      // native (little-endian) order
    if (is_signed) {
        int shift = 64 - 8 * n;
        return int_from_i64((int64_t)(u << shift) >> shift);
    }
    return int_from_u64(u);
}

// Stores [v] as an item of format [c] at [p]; false with CPython's error.
static bool pack(char c, const char *fmt, unsigned char *p, Value v) {
    if (c == 'c') {
        BufView b = {0};
        if (!bytes_check(v)) {
            exc_raise(exc_TypeError, "memoryview: invalid type for format '%s'", fmt);
            return false;
        }
        buffer_get(v, &b);
        if (b.len != 1) {
            exc_raise(exc_ValueError, "memoryview: invalid value for format '%s'", fmt);
            return false;
        }
        p[0] = b.ptr[0];
        return true;
    }
    if (c == '?') {
        int t = obj_truthy(v);
        if (t < 0) {
            return false;
        }
        p[0] = (unsigned char)t;
        return true;
    }
    if (c == 'f' || c == 'd') {
        double d;
        if (!IS_FLOATISH(v) && !int_check(v)) {
            exc_raise(exc_TypeError, "memoryview: invalid type for format '%s'", fmt);
            return false;
        }
        if (!val_to_double(v, &d)) {
            return false;
        }
        if (c == 'f') {
            float f = (float)d;
            memcpy(p, &f, 4);
        } else {
            memcpy(p, &d, 8);
        }
        return true;
    }
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "memoryview: invalid type for format '%s'", fmt);
        return false;
    }
    int n = format_size(c);
    bool is_signed = c == 'b' || c == 'h' || c == 'i' || c == 'l' || c == 'q' || c == 'n';
    mpz_t z, lo, hi;
    mpz_init(z);
    mpz_init(lo);
    mpz_init(hi);
    int_get_mpz(v, z);
    if (is_signed) {
        mpz_setbit(hi, (mp_bitcnt_t)(8 * n - 1));   // 2^(8n-1)
        mpz_neg(lo, hi);
    } else {
        mpz_setbit(hi, (mp_bitcnt_t)(8 * n));
    }
    bool ok = mpz_cmp(z, lo) >= 0 && mpz_cmp(z, hi) < 0;
    uint64_t u = 0;
    if (ok) {
        if (mpz_sgn(z) < 0) {
            mpz_t m;
            mpz_init(m);
            mpz_setbit(m, (mp_bitcnt_t)(8 * n));
            mpz_add(z, z, m);
            mpz_clear(m);
        }
        size_t count = 0;
        mpz_export(&u, &count, -1, 1, 0, 0, z);     // little-endian bytes
    }
    mpz_clear(z);
    mpz_clear(lo);
    mpz_clear(hi);
    if (!ok) {
        exc_raise(exc_ValueError, "memoryview: invalid value for format '%s'", fmt);
        return false;
    }
    memcpy(p, &u, (size_t)n);
    return true;
}

// ---- views

static bool alive(Value self) {
    if (MV(self)->released) {
        exc_raise(exc_ValueError, "operation forbidden on released memoryview object");
        return false;
    }
    return true;
}

// The exporter's buffer, with the view's window checked against it.
static bool base_buf(Value self, BufView *b) {
    if (!alive(self) || buffer_get(MV(self)->obj, b) != 1) {
        return false;
    }
    ObjMemoryView *m = MV(self);
    if (m->len == 0) {
        return true;
    }
    int64_t last = (int64_t)m->start + (int64_t)(m->len - 1) * m->step;
    if ((int64_t)m->start + m->itemsize > (int64_t)b->len || last < 0 ||
        last + m->itemsize > (int64_t)b->len) {
        exc_raise(exc_IndexError, "index out of range");
        return false;
    }
    return true;
}

static Value view_new(ObjMemoryView *like, Value obj, size_t start, int64_t step, size_t len,
                      bool readonly) {
    ObjMemoryView *m = (ObjMemoryView *)obj_alloc(cls_memoryview, sizeof(ObjMemoryView));
    m->obj = obj;
    m->start = start;
    m->step = step;
    m->len = len;
    m->readonly = readonly;
    m->itemsize = like ? like->itemsize : 1;
    m->shape = like ? like->shape : VAL_NULL;
    if (like) {
        memcpy(m->format, like->format, sizeof m->format);
    } else {
        m->format[0] = 'B';     // the rest stays zero
    }
    return OBJ_VAL(m);
}

static Value mv_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value obj = kw_get(kw, "object");
    if (argc > 1 || (argc == 1 && obj)) {
        return exc_raise(exc_TypeError, "memoryview() takes at most 1 argument (%d given)",
                         argc + (obj != VAL_NULL));
    }
    if (argc == 1) {
        obj = argv[0];
    }
    if (!obj) {
        return exc_raise(exc_TypeError, "memoryview() missing required argument 'object' (pos 1)");
    }
    if (IS_A(obj, cls_memoryview)) {
        if (!alive(obj)) {
            return VAL_NULL;
        }
        ObjMemoryView *o = MV(obj);
        return view_new(o, o->obj, o->start, o->step, o->len, o->readonly);
    }
    BufView b = {0};
    int r = buffer_get(obj, &b);
    if (r < 0) {
        return VAL_NULL;
    }
    if (r == 0) {
        return exc_raise(exc_TypeError, "memoryview: a bytes-like object is required, not '%s'",
                         val_type_name(obj));
    }
    Value v = view_new(NULL, obj, 0, 1, b.len, b.readonly);
    if (b.itemsize > 1 || b.format != 'B') {
        // an array's buffer: its items, in its format
        ObjMemoryView *m = AS_MEMORYVIEW(v);
        m->itemsize = b.itemsize;
        m->step = b.itemsize;
        m->len = b.len / (size_t)b.itemsize;
        m->format[0] = b.format;
    }
    return v;
}

static void mv_trace(Obj *o) {
    gc_mark_value(((ObjMemoryView *)o)->obj);
    if (((ObjMemoryView *)o)->shape) {
        gc_mark_value(((ObjMemoryView *)o)->shape);
    }
}

// ---- views with a shape (cast(fmt, shape)): contiguous in C order

static size_t ndim_of(ObjMemoryView *m) {
    return m->shape ? AS_TUPLE(m->shape)->len : 1;
}

static size_t dim(ObjMemoryView *m, size_t i) {
    return (size_t)AS_SMALL(AS_TUPLE(m->shape)->items[i]);
}

// The byte offset of the item a tuple of [ndim] indices names (CPython's
// ptr_from_tuple); false with its error.
static bool multi_offset(Value self, ObjTuple *key, int64_t *out) {
    ObjMemoryView *m = MV(self);
    size_t nd = ndim_of(m);
    if (key->len > nd) {
        exc_raise(exc_TypeError, "cannot index %zu-dimension view with %zu-element tuple", nd, key->len);
        return false;
    }
    if (key->len < nd) {
        exc_raise(exc_NotImplementedError, "sub-views are not implemented");
        return false;
    }
    int64_t flat = 0;
    for (size_t i = 0; i < nd; i++) {
        int64_t k, d = m->shape ? (int64_t)dim(m, i) : (int64_t)m->len;
        if (!index_value(key->items[i], "memoryview", &k)) {
            return false;
        }
        if (k < 0) {
            k += d;
        }
        if (k < 0 || k >= d) {
            exc_raise(exc_IndexError, "index out of bounds on dimension %zu", i + 1);
            return false;
        }
        flat = flat * d + k;
    }
    *out = (int64_t)m->start + flat * m->step;
    return true;
}

// Whether tuple [key] holds indexes only (is_multiindex); [*has_slice]: slices only.
static bool multi_kind(Value key, bool *has_slice) {
    ObjTuple *t = AS_TUPLE(key);
    bool all_index = true;
    *has_slice = true;      // (all slices: is_multislice)
    for (size_t i = 0; i < t->len; i++) {
        Value v = t->items[i];
        bool idx = int_check(v) || (!IS_SLICE(v) && class_lookup(val_class(v), str_intern_c("__index__")));
        all_index &= idx;
        *has_slice &= IS_SLICE(v);
    }
    return all_index;
}

// The nested lists of [nd] dimensions from item [*at] of [data] on.
static Value nested_list(ObjMemoryView *m, const unsigned char *data, size_t d, size_t *at) {
    size_t n = dim(m, d);
    Value l = list_new(n);
    if (!l) {
        return VAL_NULL;
    }
    gc_push_root(l);
    for (size_t i = 0; i < n; i++) {
        Value v;
        if (d + 1 == AS_TUPLE(m->shape)->len) {
            v = unpack(fmt_char(m), data + *at * (size_t)m->itemsize);
            ++*at;
        } else {
            v = nested_list(m, data, d + 1, at);
        }
        if (!v) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        list_append(AS_LIST(l), v);
    }
    gc_pop_root(1);
    return l;
}

static Value mv_repr(Value self) {
    return str_printf(MV(self)->released ? "<released memory at %p>" : "<memory at %p>",
                      (void *)AS_OBJ(self));
}

static int64_t mv_len(Value self) {
    if (!alive(self)) {
        return -1;
    }
    ObjMemoryView *m = MV(self);
    return !m->shape ? (int64_t)m->len : AS_TUPLE(m->shape)->len ? (int64_t)dim(m, 0) : 1;
}

static int mv_truthy(Value self) {
    int64_t n = mv_len(self);
    return n < 0 ? -1 : n != 0;
}

// A copy of the view's bytes as a new bytes.
static Value to_bytes(Value self) {
    BufView b = {0};
    if (!base_buf(self, &b)) {
        return VAL_NULL;
    }
    ObjMemoryView *m = MV(self);
    size_t k = (size_t)m->itemsize;
    if (m->step == m->itemsize) {
        return bytes_try_new(b.ptr + m->start, m->len * k);
    }
    SBuf s;
    sb_init(&s);
    for (size_t i = 0; i < m->len; i++) {
        sb_add(&s, (const char *)b.ptr + (int64_t)m->start + (int64_t)i * m->step, k);
    }
    if (s.failed) {
        return VAL_NULL;
    }
    Value r = bytes_try_new(s.data ? s.data : "", s.len);
    sb_free(&s);
    return r;
}

// The byte offset in the exporter of item [key]; false with IndexError.
static bool item_offset(Value self, Value key, int64_t *out) {
    if (!index_value(key, "memoryview", out)) {
        if (EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            exc_raise(exc_TypeError, "memoryview: invalid slice key");
        }
        return false;
    }
    int64_t i = *out;
    if (i < 0) {
        i += (int64_t)MV(self)->len;
    }
    if (i < 0 || i >= (int64_t)MV(self)->len) {
        exc_raise(exc_IndexError, "index out of bounds on dimension 1");
        return false;
    }
    *out = (int64_t)MV(self)->start + i * MV(self)->step;
    return true;
}

static Value mv_getitem(Value self, Value key) {
    if (!alive(self)) {
        return VAL_NULL;
    }
    ObjMemoryView *m = MV(self);
    if (m->shape) {
        size_t nd = AS_TUPLE(m->shape)->len;
        BufView b = {0};
        int64_t off;
        bool has_slice;
        if (nd == 0) {
            if (key == OBJ_VAL(obj_ellipsis)) {
                return self;
            }
            if (!(IS_TUPLE(key) && AS_TUPLE(key)->len == 0)) {
                return exc_raise(exc_TypeError, "invalid indexing of 0-dim memory");
            }
            return base_buf(self, &b) ? unpack(fmt_char(m), b.ptr + m->start) : VAL_NULL;
        }
        if (IS_SLICE(key)) {    // the first dimension's rows (a step of 1 keeps them contiguous)
            int64_t start, stop, step, n;
            if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)dim(m, 0), &start, &stop, &step, &n)) {
                return VAL_NULL;
            }
            if (step != 1 && n > 1) {
                return exc_raise(exc_NotImplementedError,
                                 "memoryview: pyish slices a multi-dimensional view with a step of 1 only");
            }
            size_t row = m->len / (dim(m, 0) ? dim(m, 0) : 1);
            Value shape = tuple_new(nd);
            if (!shape) {
                return VAL_NULL;
            }
            for (size_t i = 0; i < nd; i++) {
                AS_TUPLE(shape)->items[i] = i ? AS_TUPLE(m->shape)->items[i] : MK_SMALL(n);
            }
            gc_push_root(shape);
            Value r = view_new(m, m->obj, (size_t)((int64_t)m->start + start * (int64_t)row * m->step), m->step,
                               (size_t)n * row, m->readonly);
            gc_pop_root(1);
            if (r) {
                MV(r)->shape = shape;
            }
            return r;
        }
        if (IS_TUPLE(key) && multi_kind(key, &has_slice)) {
            return multi_offset(self, AS_TUPLE(key), &off) && base_buf(self, &b) ? unpack(fmt_char(m), b.ptr + off)
                                                                                : VAL_NULL;
        }
        if (IS_TUPLE(key) && has_slice) {
            return exc_raise(exc_NotImplementedError, "multi-dimensional slicing is not implemented");
        }
        if (!IS_TUPLE(key) && !IS_SLICE(key) && (int_check(key) || class_lookup(val_class(key), str_intern_c("__index__")))) {
            return exc_raise(exc_NotImplementedError, "multi-dimensional sub-views are not implemented");
        }
        return exc_raise(exc_TypeError, "memoryview: invalid slice key");
    }
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)m->len, &start, &stop, &step, &n)) {
            return VAL_NULL;
        }
        return view_new(m, m->obj, (size_t)((int64_t)m->start + start * m->step), step * m->step,
                        (size_t)n, m->readonly);
    }
    if (IS_TUPLE(key) && AS_TUPLE(key)->len == 1 && int_check(AS_TUPLE(key)->items[0])) {
        key = AS_TUPLE(key)->items[0];
    }
    if (IS_TUPLE(key) && AS_TUPLE(key)->len == 0) {
        return exc_raise(exc_TypeError, "invalid indexing of 1-dim memory");
    }
    int64_t off;
    BufView b = {0};
    if (!item_offset(self, key, &off) || !base_buf(self, &b)) {
        return VAL_NULL;
    }
    return unpack(fmt_char(m), b.ptr + off);
}

// Packs [val] as one item of [m]'s format at byte [off] of its buffer.
static bool store_item(Value self, ObjMemoryView *m, int64_t off, Value val) {
    unsigned char item[8];
    BufView b = {0};
    if (!pack(fmt_char(m), m->format, item, val) || !base_buf(self, &b)) {
        return false;
    }
    memcpy(b.ptr + off, item, (size_t)m->itemsize);
    return true;
}

static bool mv_setitem(Value self, Value key, Value val) {
    if (!alive(self)) {
        return false;
    }
    ObjMemoryView *m = MV(self);
    if (m->readonly) {
        exc_raise(exc_TypeError, "cannot modify read-only memory");
        return false;
    }
    if (!val) {
        exc_raise(exc_TypeError, "cannot delete memory");
        return false;
    }
    BufView b = {0};
    if (m->shape) {
        size_t nd = AS_TUPLE(m->shape)->len;
        int64_t off;
        bool has_slice;
        if (nd == 0 && !(IS_TUPLE(key) && AS_TUPLE(key)->len == 0) && key != OBJ_VAL(obj_ellipsis)) {
            exc_raise(exc_TypeError, "invalid indexing of 0-dim memory");
            return false;
        }
        if (nd == 0) {
            off = (int64_t)m->start;
        } else if (IS_TUPLE(key) && multi_kind(key, &has_slice)) {
            if (!multi_offset(self, AS_TUPLE(key), &off)) {
                return false;
            }
        } else if (IS_SLICE(key) || (IS_TUPLE(key) && has_slice)) {
            exc_raise(exc_NotImplementedError, "memoryview slice assignments are currently restricted to ndim = 1");
            return false;
        } else if (!IS_TUPLE(key) && (int_check(key) || class_lookup(val_class(key), str_intern_c("__index__")))) {
            exc_raise(exc_NotImplementedError, "sub-views are not implemented");
            return false;
        } else {
            exc_raise(exc_TypeError, "memoryview: invalid slice key");
            return false;
        }
        return store_item(self, m, off, val);
    }
    if (IS_TUPLE(key) && AS_TUPLE(key)->len == 1 && int_check(AS_TUPLE(key)->items[0])) {
        key = AS_TUPLE(key)->items[0];
    }
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)m->len, &start, &stop, &step, &n)) {
            return false;
        }
        BufView src = {0};
        if (!buffer_need(val, &src)) {
            return false;
        }
        bool same = IS_A(val, cls_memoryview) ? strcmp(MV(val)->format, m->format) == 0
                                              : m->itemsize == 1 && fmt_char(m) != 'c';
        if (!same || (int64_t)src.len != n * m->itemsize) {
            exc_raise(exc_ValueError, "memoryview assignment: lvalue and rvalue have different structures");
            return false;
        }
        // the source may overlap the target: copy it first
        Value copy = bytes_try_new(src.ptr, src.len);
        if (!copy || !base_buf(self, &b)) {
            return false;
        }
        for (int64_t k = 0; k < n; k++) {
            memcpy(b.ptr + (int64_t)m->start + (start + k * step) * m->step,
                   AS_BYTES(copy)->data + k * m->itemsize, (size_t)m->itemsize);
        }
        return true;
    }
    int64_t off;
    if (!item_offset(self, key, &off)) {
        return false;
    }
    return store_item(self, m, off, val);
}

static Value tolist(Value self) {
    Value b = to_bytes(self);
    if (!b) {
        return VAL_NULL;
    }
    gc_push_root(b);
    ObjMemoryView *m = MV(self);
    if (m->shape) {
        size_t at = 0;
        Value r = AS_TUPLE(m->shape)->len ? nested_list(m, (const unsigned char *)AS_BYTES(b)->data, 0, &at)
                                          : unpack(fmt_char(m), (const unsigned char *)AS_BYTES(b)->data);
        gc_pop_root(1);
        return r;
    }
    Value l = list_new(m->len);
    if (l) {
        gc_push_root(l);
        for (size_t i = 0; i < m->len; i++) {
            list_append(AS_LIST(l), unpack(fmt_char(m), AS_BYTES(b)->data + i * (size_t)m->itemsize));
        }
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return l;
}

static Value mv_compare(Value a, Value b, int op) {
    if (op != OP_EQ && op != OP_NE) {
        return VAL_NOTIMPL;
    }
    if (a == b) {
        return VAL_BOOL(op == OP_EQ);
    }
    if (MV(a)->released || (IS_A(b, cls_memoryview) && MV(b)->released)) {
        return VAL_BOOL(op == OP_NE);
    }
    BufView bv = {0};
    if (MV(a)->shape || (IS_A(b, cls_memoryview) && MV(b)->shape)) {
        // different shapes are unequal (CPython's equiv_shape)
        Value sa = MV(a)->shape ? MV(a)->shape : tuple_pack(1, MK_SMALL(MV(a)->len));
        if (!sa) {
            return VAL_NULL;
        }
        gc_push_root(sa);
        Value sb = !IS_A(b, cls_memoryview) ? VAL_NULL
                   : MV(b)->shape           ? MV(b)->shape
                                            : tuple_pack(1, MK_SMALL(MV(b)->len));
        if (!IS_A(b, cls_memoryview)) {
            int r = buffer_get(b, &bv);
            if (r <= 0) {
                gc_pop_root(1);
                return r == 0 ? VAL_NOTIMPL : VAL_NULL;
            }
            sb = tuple_pack(1, MK_SMALL(bv.len / (size_t)(bv.itemsize ? bv.itemsize : 1)));
        }
        int same = sb ? obj_eq(sa, sb) : -1;
        gc_pop_root(1);
        if (same <= 0) {
            return same < 0 ? VAL_NULL : VAL_BOOL(op == OP_NE);
        }
    }
    if (fmt_char(MV(a)) == 'B' && (!IS_A(b, cls_memoryview) || fmt_char(MV(b)) == 'B')) {
        // plain bytes on both sides: compare them directly
        Value x = to_bytes(a);
        if (!x) {
            return VAL_NULL;
        }
        Value y;
        if (IS_A(b, cls_memoryview)) {
            gc_push_root(x);
            y = to_bytes(b);
            gc_pop_root(1);
        } else {
            int r = buffer_get(b, &bv);
            if (r <= 0) {
                return r == 0 ? VAL_NOTIMPL : VAL_NULL;
            }
            y = bytes_try_new(bv.ptr, bv.len);
        }
        if (!y) {
            return VAL_NULL;
        }
        bool eq = AS_BYTES(x)->len == AS_BYTES(y)->len &&
                  memcmp(AS_BYTES(x)->data, AS_BYTES(y)->data, AS_BYTES(x)->len) == 0;
        return VAL_BOOL(eq == (op == OP_EQ));
    }
    Value other = b;
    if (!IS_A(b, cls_memoryview)) {
        int r = buffer_get(b, &bv);
        if (r <= 0) {
            return r == 0 ? VAL_NOTIMPL : VAL_NULL;
        }
        other = memoryview_of_buffer(b);
    }
    gc_push_root(other);
    // compare the items as values (formats may differ)
    Value x = tolist(a);
    Value y = x ? (gc_push_root(x), tolist(other)) : VAL_NULL;
    int eq = y ? obj_eq(x, y) : -1;
    gc_pop_root(x ? 2 : 1);
    if (eq < 0) {
        return VAL_NULL;
    }
    return VAL_BOOL((eq == 1) == (op == OP_EQ));
}

Value memoryview_of_buffer(Value obj) {
    BufView b = {0};
    if (buffer_get(obj, &b) != 1) {
        return VAL_NULL;
    }
    Value v = view_new(NULL, obj, 0, 1, b.len, b.readonly);
    if (b.itemsize > 1 || b.format != 'B') {
        // an array's buffer: its items, in its format
        ObjMemoryView *m = AS_MEMORYVIEW(v);
        m->itemsize = b.itemsize;
        m->step = b.itemsize;
        m->len = b.len / (size_t)b.itemsize;
        m->format[0] = b.format;
    }
    return v;
}

static bool mv_hash(Value self, int64_t *out) {
    if (!alive(self)) {
        return false;
    }
    if (!MV(self)->readonly) {
        exc_raise(exc_ValueError, "cannot hash writable memoryview object");
        return false;
    }
    if (!byte_format(fmt_char(MV(self)))) {
        exc_raise(exc_ValueError, "memoryview: hashing is restricted to formats 'B', 'b' or 'c'");
        return false;
    }
    int64_t h;
    if (!obj_hash(MV(self)->obj, &h)) {     // the exporter must be hashable (a bytearray is not)
        return false;
    }
    Value b = to_bytes(self);
    return b && obj_hash(b, out);
}

static Value mv_iter(Value self) {
    ObjMemoryView *m = MV(self);
    if (alive(self) && m->shape) {
        return AS_TUPLE(m->shape)->len ? exc_raise(exc_NotImplementedError, "multi-dimensional sub-views are not implemented")
                                       : exc_raise(exc_TypeError, "invalid indexing of 0-dim memory");
    }
    Value l = tolist(self);
    return l ? obj_iter(l) : VAL_NULL;
}

static Value mv_getattr(Value self, ObjStr *name) {
    const char *n = name->data;
    ObjMemoryView *m = MV(self);
    static const char *const props[] = {"obj", "nbytes", "readonly", "itemsize", "format", "ndim",
                                        "shape", "strides", "c_contiguous", "contiguous",
                                        "f_contiguous", "suboffsets", NULL};
    int i = 0;
    while (props[i] && strcmp(n, props[i]) != 0) {
        i++;
    }
    if (!props[i]) {
        return generic_getattr(self, name);
    }
    if (!alive(self)) {
        return VAL_NULL;
    }
    switch (i) {
    case 0: return m->obj;
    case 1: return MK_SMALL(m->len * (size_t)m->itemsize);
    case 2: return VAL_BOOL(m->readonly);
    case 3: return MK_SMALL(m->itemsize);
    case 4: return str_from_c(m->format);
    case 5: return MK_SMALL(ndim_of(m));
    case 6: return m->shape ? m->shape : tuple_pack(1, MK_SMALL(m->len));
    case 7: {
        if (!m->shape) {
            return tuple_pack(1, MK_SMALL(m->step));
        }
        size_t nd = AS_TUPLE(m->shape)->len;
        Value t = tuple_new(nd);
        int64_t stride = m->itemsize;
        for (size_t i = nd; t && i-- > 0;) {
            AS_TUPLE(t)->items[i] = MK_SMALL(stride);
            stride *= (int64_t)dim(m, i);
        }
        return t;
    }
    case 10:
        if (m->shape) {     // C-contiguous: also Fortran's when at most one dimension is over 1
            size_t big = 0;
            for (size_t i = 0; i < AS_TUPLE(m->shape)->len; i++) {
                big += dim(m, i) > 1;
            }
            return VAL_BOOL(big <= 1 || m->len == 0);
        }
        return VAL_BOOL(m->step == m->itemsize || m->len == 1);
    case 8: case 9: return VAL_BOOL(m->step == m->itemsize || m->len == 1);
    default: return tuple_new(0);
    }
}

#define SELF argv[0]

static Value m_tobytes(int argc, Value *argv, ObjDict *kw) {
    return to_bytes(SELF);
}

Value memoryview_tobytes(Value mv) {
    return to_bytes(mv);
}

static Value m_tolist(int argc, Value *argv, ObjDict *kw) {
    return tolist(SELF);
}

static Value m_hex(int argc, Value *argv, ObjDict *kw) {
    Value b = to_bytes(SELF);
    if (!b) {
        return VAL_NULL;
    }
    gc_push_root(b);
    Value r = call_method(b, "hex", argc - 1, argv + 1);
    gc_pop_root(1);
    return r;
}

static Value m_release(int argc, Value *argv, ObjDict *kw) {
    MV(SELF)->released = true;
    MV(SELF)->obj = VAL_NONE;
    return VAL_NONE;
}

static Value m_enter(int argc, Value *argv, ObjDict *kw) {
    return alive(SELF) ? SELF : VAL_NULL;
}

static Value m_exit(int argc, Value *argv, ObjDict *kw) {
    MV(SELF)->released = true;
    MV(SELF)->obj = VAL_NONE;
    return VAL_FALSE;
}

static Value m_toreadonly(int argc, Value *argv, ObjDict *kw) {
    if (!alive(SELF)) {
        return VAL_NULL;
    }
    ObjMemoryView *m = MV(SELF);
    return view_new(m, m->obj, m->start, m->step, m->len, true);
}

static Value m_cast(int argc, Value *argv, ObjDict *kw) {
    if (!alive(SELF)) {
        return VAL_NULL;
    }
    Value fmt = argc > 1 ? argv[1] : kw_get(kw, "format");
    Value shape = argc > 2 ? argv[2] : kw_get(kw, "shape");
    if (!fmt || !str_check(fmt)) {
        return exc_raise(exc_TypeError, "memoryview.cast(): argument 'format' must be str");
    }
    ObjMemoryView *m = MV(SELF);
    if (m->step != m->itemsize && m->len != 1) {
        return exc_raise(exc_TypeError, "memoryview: casts are restricted to C-contiguous views");
    }
    if ((shape || m->shape) && m->len == 0) {
        return exc_raise(exc_TypeError, "memoryview: cannot cast view with zeros in shape or strides");
    }
    size_t nd = 1;
    if (shape) {
        if (!IS_LIST(shape) && !IS_TUPLE(shape)) {
            return exc_raise(exc_TypeError, "shape must be a list or a tuple");
        }
        nd = IS_LIST(shape) ? AS_LIST(shape)->len : AS_TUPLE(shape)->len;
        if (nd > 64) {
            return exc_raise(exc_ValueError, "memoryview: number of dimensions must not exceed 64");
        }
        if (ndim_of(m) != 1 && nd != 1) {
            return exc_raise(exc_TypeError, "memoryview: cast must be 1D -> ND or ND -> 1D");
        }
    }
    const char *f = AS_STR(fmt)->data;
    size_t fl = AS_STR(fmt)->len;
    char c = fl == 1 ? f[0] : fl == 2 && f[0] == '@' ? f[1] : 0;
    int size = format_size(c);
    if (!size) {
        return exc_raise(exc_ValueError, "memoryview: destination format must be a native single "
                                         "character format prefixed with an optional '@'");
    }
    if (!byte_format(fmt_char(m)) && !byte_format(c)) {
        return exc_raise(exc_TypeError, "memoryview: cannot cast between two non-byte formats");
    }
    size_t nbytes = m->len * (size_t)m->itemsize;
    if (nbytes % (size_t)size) {
        return exc_raise(exc_TypeError, "memoryview: length is not a multiple of itemsize");
    }
    Value dims = VAL_NULL;
    if (shape && nd != 1) {
        // CPython's cast_to_ND: positive ints whose product is the item count
        Value *items = IS_LIST(shape) ? AS_LIST(shape)->items : AS_TUPLE(shape)->items;
        dims = tuple_new(nd);
        if (!dims) {
            return VAL_NULL;
        }
        gc_push_root(dims);
        size_t prod = 1;
        for (size_t i = 0; i < nd; i++) {
            int64_t d;
            if (!int_check(items[i])) {
                gc_pop_root(1);
                return exc_raise(exc_TypeError, "memoryview.cast(): elements of shape must be integers");
            }
            if (!int_to_i64(items[i], &d)) {
                gc_pop_root(1);
                return VAL_NULL;
            }
            if (d <= 0) {
                gc_pop_root(1);
                return exc_raise(exc_ValueError, "memoryview.cast(): elements of shape must be integers > 0");
            }
            if (__builtin_mul_overflow(prod, (size_t)d, &prod) || prod > (size_t)INT64_MAX) {
                gc_pop_root(1);
                return exc_raise(exc_ValueError, "memoryview.cast(): product(shape) > SSIZE_MAX");
            }
            AS_TUPLE(dims)->items[i] = MK_SMALL(d);
        }
        gc_pop_root(1);
        if (prod * (size_t)size != nbytes) {
            return exc_raise(exc_TypeError, "memoryview: product(shape) * itemsize != buffer size");
        }
    } else if (shape) {
        Value d0 = IS_LIST(shape) ? AS_LIST(shape)->items[0] : AS_TUPLE(shape)->items[0];
        int64_t d;
        if (!int_check(d0)) {
            return exc_raise(exc_TypeError, "memoryview.cast(): elements of shape must be integers");
        }
        if (!int_to_i64(d0, &d)) {
            return VAL_NULL;
        }
        if (d <= 0) {
            return exc_raise(exc_ValueError, "memoryview.cast(): elements of shape must be integers > 0");
        }
        if ((size_t)d * (size_t)size != nbytes) {
            return exc_raise(exc_TypeError, "memoryview: product(shape) * itemsize != buffer size");
        }
    }
    gc_push_root(dims ? dims : VAL_NONE);
    Value r = view_new(m, m->obj, m->start, size, nbytes / (size_t)size, m->readonly);
    gc_pop_root(1);
    if (!r) {
        return VAL_NULL;
    }
    ObjMemoryView *n = MV(r);
    n->itemsize = size;
    n->shape = dims;
    memset(n->format, 0, sizeof n->format);
    memcpy(n->format, f, fl);
    return r;
}

static const MethodDef mv_methods[] = {
    {"tobytes", m_tobytes},
    {"tolist", m_tolist},
    {"hex", m_hex},
    {"release", m_release},
    {"__enter__", m_enter},
    {"__exit__", m_exit},
    {"toreadonly", m_toreadonly},
    {"cast", m_cast, true},
    {NULL, NULL},
};

void memoryview_init(void) {
    ObjClass *c = class_new_builtin("memoryview", NULL, sizeof(ObjMemoryView), mv_methods);
    cls_memoryview = c;
    c->flags &= ~(uint32_t)CLS_BASETYPE;
    c->new_ = mv_new;
    c->trace = mv_trace;
    c->repr = mv_repr;
    c->len = mv_len;
    c->truthy = mv_truthy;
    c->getitem = mv_getitem;
    c->setitem = mv_setitem;
    c->richcompare = mv_compare;
    c->hash = mv_hash;
    c->iter = mv_iter;
    c->getattr = mv_getattr;
}
