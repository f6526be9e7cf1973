// mod_array.c: the `array` module: array.array, a mutable sequence of C
// numbers of one typecode (b B u h H i I l L q Q f d) stored contiguously
// in a mem.c buffer, with CPython 3.11's methods, reprs and errors. Its
// bytes are a buffer (buffer_get through the class's getbuffer slot), so
// bytes(a), memoryview(a) (with the array's format), struct and file
// writes read them without a copy. Not done: the export count that makes
// CPython refuse to resize an array a memoryview looks at (a view here
// re-reads the buffer at each access, so a resize is safe).
#include <string.h>
#include <math.h>
#include "runtime.h"
#include "containers.h"
#include "bytes.h"
#include "module.h"
#include "numstr.h"
#include "class.h"
#include "vmapi.h"

typedef struct ObjArray {
    Obj hdr;
    char typecode;
    uint8_t itemsize;
    size_t len, cap;        // items
    unsigned char *data;    // mem.c buffer of cap * itemsize bytes (NULL when cap is 0)
} ObjArray;

#define ARR(v) ((ObjArray *)AS_OBJ(v))
#define IS_ARRAY(v) (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_array))

static const char TYPECODES[] = "bBuhHiIlLqQfd";

static int itemsize_of(char tc) {
    switch (tc) {
    case 'b': case 'B': return 1;
    case 'h': case 'H': return 2;
    case 'i': case 'I': case 'f': case 'u': return 4;
    default: return 8;      // l L q Q d
    }
}

static void arr_finalize(Obj *o) {
    ObjArray *a = (ObjArray *)o;
    mem_free(a->data, a->cap * a->itemsize);
}

static bool arr_reserve(ObjArray *a, size_t n) {
    if (n <= a->cap) {
        return true;
    }
    size_t cap = a->cap ? a->cap : 4;
    while (cap < n) {
        cap = cap * 2 > cap ? cap * 2 : n;
    }
    if (cap > ((size_t)1 << 40) / a->itemsize) {
        exc_raise(exc_MemoryError, "");
        return false;
    }
    a->data = mem_realloc(a->data, a->cap * a->itemsize, cap * a->itemsize);
    a->cap = cap;
    return true;
}

static Value arr_alloc(ObjClass *cls, char tc) {
    ObjArray *a = (ObjArray *)obj_alloc(cls, cls->inst_size ? cls->inst_size : sizeof(ObjArray));
    a->typecode = tc;
    a->itemsize = (uint8_t)itemsize_of(tc);
    return OBJ_VAL(a);
}

// ---- item conversion

// [v] as an int for an integer typecode: its value, through __index__.
static Value int_arg(Value v) {
    if (int_check(v)) {
        return v;
    }
    if (IS_OBJ(v) && !IS_FLOAT(v)) {
        Value f = class_lookup(AS_OBJ(v)->cls, str_intern_c("__index__"));
        if (f) {
            return vm_call(f, 1, &v, NULL);
        }
    }
    return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(v));
}

static bool range_error(char tc, bool neg) {
    const char *m;
    switch (tc) {
    case 'b': m = neg ? "signed char is less than minimum" : "signed char is greater than maximum"; break;
    case 'B': m = neg ? "unsigned byte integer is less than minimum" : "unsigned byte integer is greater than maximum"; break;
    case 'h': m = neg ? "signed short integer is less than minimum" : "signed short integer is greater than maximum"; break;
    case 'H': m = neg ? "unsigned short is less than minimum" : "unsigned short is greater than maximum"; break;
    case 'i': m = neg ? "signed integer is less than minimum" : "signed integer is greater than maximum"; break;
    case 'I': m = neg ? "can't convert negative value to unsigned int" : "unsigned int is greater than maximum"; break;
    case 'l': m = "Python int too large to convert to C long"; break;
    case 'L': m = neg ? "can't convert negative value to unsigned int" : "Python int too large to convert to C unsigned long"; break;
    case 'q': m = "int too big to convert"; break;
    default: m = neg ? "can't convert negative int to unsigned" : "int too big to convert"; break;
    }
    exc_raise(exc_OverflowError, "%s", m);
    return false;
}

// Stores [v] as item [i] of [a] (which has room); false on error.
static bool set_item(ObjArray *a, size_t i, Value v) {
    unsigned char *p = a->data + i * a->itemsize;
    char tc = a->typecode;
    if (tc == 'f' || tc == 'd') {
        double d;
        if (!IS_FLOAT(v) && !int_check(v) && !(IS_OBJ(v) && class_lookup(AS_OBJ(v)->cls, str_intern_c("__float__")))) {
            exc_raise(exc_TypeError, "must be real number, not %s", val_type_name(v));
            return false;
        }
        if (!val_to_double(v, &d)) {
            if (!(IS_OBJ(v) && class_lookup(AS_OBJ(v)->cls, str_intern_c("__float__")))) {
                return false;
            }
            exc_clear();
            Value f = class_lookup(AS_OBJ(v)->cls, str_intern_c("__float__"));
            Value r = vm_call(f, 1, &v, NULL);
            if (!r || !val_to_double(r, &d)) {
                return false;
            }
        }
        if (tc == 'f') {
            float f = (float)d;
            memcpy(p, &f, 4);
        } else {
            memcpy(p, &d, 8);
        }
        return true;
    }
    if (tc == 'u') {
        if (!str_check(v) || AS_STR(v)->cplen != 1) {
            exc_raise(exc_TypeError, "array item must be unicode character");
            return false;
        }
        size_t k = 0;
        uint32_t c = utf8_decode(AS_STR(v)->data, AS_STR(v)->len, &k);
        memcpy(p, &c, 4);
        return true;
    }
    Value iv = int_arg(v);
    if (!iv) {
        return false;
    }
    int64_t s;
    bool neg;
    if (int_to_i64(iv, &s)) {
        neg = s < 0;
    } else {
        exc_clear();
        // outside int64: only Q and L take it (up to 2**64 - 1)
        gc_push_root(iv);
        int lt = obj_lt(iv, MK_SMALL(0));
        gc_pop_root(1);
        if (lt < 0) {
            return false;
        }
        if (lt || (tc != 'Q' && tc != 'L')) {
            return range_error(tc, lt == 1);
        }
        Value half = int_from_u64((uint64_t)1 << 63);
        gc_push_root(iv);
        Value low = obj_binop(iv, half, BIN_SUB);
        gc_pop_root(1);
        int64_t rest;
        if (!low || !int_to_i64(low, &rest) || rest < 0) {
            exc_clear();
            return range_error(tc, false);
        }
        uint64_t u = ((uint64_t)1 << 63) + (uint64_t)rest;
        memcpy(p, &u, 8);
        return true;
    }
    switch (tc) {
    case 'b':
        if (s < INT8_MIN || s > INT8_MAX) {
            return range_error(tc, neg);
        }
        *(int8_t *)p = (int8_t)s;
        break;
    case 'B':
        if (s < 0 || s > UINT8_MAX) {
            return range_error(tc, neg);
        }
        *p = (uint8_t)s;
        break;
    case 'h': {
        if (s < INT16_MIN || s > INT16_MAX) {
            return range_error(tc, neg);
        }
        int16_t x = (int16_t)s;
        memcpy(p, &x, 2);
        break;
    }
    case 'H': {
        if (s < 0 || s > UINT16_MAX) {
            return range_error(tc, neg);
        }
        uint16_t x = (uint16_t)s;
        memcpy(p, &x, 2);
        break;
    }
    case 'i': {
        if (s < INT32_MIN || s > INT32_MAX) {
            return range_error(tc, neg);
        }
        int32_t x = (int32_t)s;
        memcpy(p, &x, 4);
        break;
    }
    case 'I': {
        if (s < 0 || s > UINT32_MAX) {
            return range_error(tc, neg);
        }
        uint32_t x = (uint32_t)s;
        memcpy(p, &x, 4);
        break;
    }
    case 'L': case 'Q':
        if (s < 0) {
            return range_error(tc, true);
        }
        memcpy(p, &s, 8);
        break;
    default:    // l q
        memcpy(p, &s, 8);
        break;
    }
    return true;
}

static Value get_item(ObjArray *a, size_t i) {
    const unsigned char *p = a->data + i * a->itemsize;
    switch (a->typecode) {
    case 'b': return MK_SMALL(*(const int8_t *)p);
    case 'B': return MK_SMALL(*p);
    case 'h': { int16_t x; memcpy(&x, p, 2); return MK_SMALL(x); }
    case 'H': { uint16_t x; memcpy(&x, p, 2); return MK_SMALL(x); }
    case 'i': { int32_t x; memcpy(&x, p, 4); return MK_SMALL(x); }
    case 'I': { uint32_t x; memcpy(&x, p, 4); return int_from_i64(x); }
    case 'l': case 'q': { int64_t x; memcpy(&x, p, 8); return int_from_i64(x); }
    case 'L': case 'Q': { uint64_t x; memcpy(&x, p, 8); return int_from_u64(x); }
    case 'f': { float x; memcpy(&x, p, 4); return float_new((double)x); }
    case 'd': { double x; memcpy(&x, p, 8); return float_new(x); }
    default: {  // 'u'
        uint32_t c;
        memcpy(&c, p, 4);
        char enc[4];
        if (c > 0x10FFFF) {
            return exc_raise(exc_ValueError, "character U+%x is not in range [U+0000; U+10ffff]", c);
        }
        int n = utf8_encode(c, enc);
        return str_new(enc, (size_t)n);
    }
    }
}

// Appends every item of [it] (any iterable) to [a].
static bool extend_iter(ObjArray *a, Value it) {
    Value iter = obj_iter(it);
    if (!iter) {
        return false;
    }
    gc_push_root(iter);
    Value v;
    int r;
    while ((r = obj_next(iter, &v)) == 1) {
        if (!arr_reserve(a, a->len + 1) || !set_item(a, a->len, v)) {
            gc_pop_root(1);
            return false;
        }
        a->len++;
    }
    gc_pop_root(1);
    return r == 0;
}

static bool frombytes(ObjArray *a, const unsigned char *p, size_t n) {
    if (n % a->itemsize) {
        exc_raise(exc_ValueError, "bytes length not a multiple of item size");
        return false;
    }
    size_t k = n / a->itemsize;
    if (!arr_reserve(a, a->len + k)) {
        return false;
    }
    memmove(a->data + a->len * a->itemsize, p, n);
    a->len += k;
    return true;
}

static bool fromunicode(ObjArray *a, Value s) {
    ObjStr *str = AS_STR(s);
    if (!arr_reserve(a, a->len + str->cplen)) {
        return false;
    }
    size_t i = 0;
    while (i < str->len) {
        uint32_t c = utf8_decode(str->data, str->len, &i);
        memcpy(a->data + a->len * 4, &c, 4);
        a->len++;
    }
    return true;
}

static Value arr_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (kw && kw->used && cls == cls_array) {
        return exc_raise(exc_TypeError, "array.array() takes no keyword arguments");
    }
    if (argc < 1 || argc > 2) {
        return exc_raise(exc_TypeError, "array() takes at most 2 arguments (%d given)", argc);
    }
    if (!str_check(argv[0]) || AS_STR(argv[0])->cplen != 1) {
        return exc_raise(exc_TypeError, "array() argument 1 must be a unicode character, not %s",
                         val_type_name(argv[0]));
    }
    char tc = AS_STR(argv[0])->data[0];
    if (AS_STR(argv[0])->len != 1 || !strchr(TYPECODES, tc)) {
        return exc_raise(exc_ValueError, "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)");
    }
    Value self = arr_alloc(cls, tc);
    if (argc == 1) {
        return self;
    }
    Value init = argv[1];
    gc_push_root(self);
    bool ok;
    BufView b;
    if (str_check(init)) {
        ok = tc == 'u' ? fromunicode(ARR(self), init)
                       : (exc_raise(exc_TypeError, "cannot use a str to initialize an array with typecode '%c'", tc),
                          false);
    } else if (IS_ARRAY(init) && ARR(init)->typecode == 'u' && tc != 'u') {
        ok = (exc_raise(exc_TypeError, "cannot use a unicode array to initialize an array with typecode '%c'", tc),
              false);
    } else if (!IS_ARRAY(init) && buffer_get(init, &b) == 1) {
        ok = frombytes(ARR(self), b.ptr, b.len);
    } else {
        ok = extend_iter(ARR(self), init);
    }
    gc_pop_root(1);
    return ok ? self : VAL_NULL;
}

// ---- protocol slots

static Value arr_repr(Value self) {
    ObjArray *a = ARR(self);
    const char *name = AS_OBJ(self)->cls->name->data;
    if (a->len == 0) {
        return str_printf("%s('%c')", name, a->typecode);
    }
    Value inner;
    if (a->typecode == 'u') {
        SBuf b;
        sb_init(&b);
        for (size_t i = 0; i < a->len; i++) {
            uint32_t c;
            memcpy(&c, a->data + i * 4, 4);
            char enc[4];
            sb_add(&b, enc, (size_t)utf8_encode(c <= 0x10FFFF ? c : 0xFFFD, enc));
        }
        Value s = str_new(b.data ? b.data : "", b.len);
        sb_free(&b);
        gc_push_root(s);
        inner = obj_repr(s);
        gc_pop_root(1);
    } else {
        Value l = list_new(a->len);
        gc_push_root(l);
        for (size_t i = 0; i < a->len; i++) {
            list_append(AS_LIST(l), get_item(a, i));
        }
        inner = obj_repr(l);
        gc_pop_root(1);
    }
    if (!inner) {
        return VAL_NULL;
    }
    gc_push_root(inner);
    Value r = str_printf("%s('%c', %s)", name, a->typecode, AS_STR(inner)->data);
    gc_pop_root(1);
    return r;
}

static int64_t arr_len(Value self) {
    return (int64_t)ARR(self)->len;
}

static bool norm_index(ObjArray *a, Value key, int64_t *i, const char *msg) {
    if (!index_value(key, NULL, i)) {
        return false;
    }
    if (*i < 0) {
        *i += (int64_t)a->len;
    }
    if (*i < 0 || *i >= (int64_t)a->len) {
        exc_raise(exc_IndexError, "%s", msg);
        return false;
    }
    return true;
}

static Value arr_getitem(Value self, Value key) {
    ObjArray *a = ARR(self);
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)a->len, &start, &stop, &step, &n)) {
            return VAL_NULL;
        }
        Value r = arr_alloc(cls_array, a->typecode);
        if (!arr_reserve(ARR(r), (size_t)n)) {
            return VAL_NULL;
        }
        for (int64_t k = 0, i = start; k < n; k++, i += step) {
            memcpy(ARR(r)->data + k * a->itemsize, a->data + i * a->itemsize, a->itemsize);
        }
        ARR(r)->len = (size_t)n;
        return r;
    }
    int64_t i;
    if (!norm_index(a, key, &i, "array index out of range")) {
        return VAL_NULL;
    }
    return get_item(a, (size_t)i);
}

static bool del_slice(ObjArray *a, int64_t start, int64_t step, int64_t n) {
    if (step < 0) {
        start = start + step * (n - 1);
        step = -step;
    }
    size_t w = (size_t)start, isz = a->itemsize;
    for (size_t r = (size_t)start; r < a->len; r++) {
        if (n > 0 && r >= (size_t)start && (r - (size_t)start) % (size_t)step == 0 &&
            (r - (size_t)start) / (size_t)step < (size_t)n) {
            continue;
        }
        memmove(a->data + w * isz, a->data + r * isz, isz);
        w++;
    }
    a->len = w;
    return true;
}

static bool arr_setitem(Value self, Value key, Value v) {
    ObjArray *a = ARR(self);
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)a->len, &start, &stop, &step, &n)) {
            return false;
        }
        if (!v) {
            return del_slice(a, start, step, n);
        }
        if (!IS_ARRAY(v)) {
            exc_raise(exc_TypeError, "can only assign array (not \"%s\") to array slice", val_type_name(v));
            return false;
        }
        ObjArray *src = ARR(v);
        if (src->typecode != a->typecode) {
            exc_raise(exc_TypeError, "bad argument type for built-in operation");
            return false;
        }
        size_t isz = a->itemsize, m = src->len;
        unsigned char *copy = mem_alloc(m * isz + 1);
        memcpy(copy, src->data, m * isz);
        bool ok = true;
        if (step == 1) {
            if (stop < start) {
                stop = start;
            }
            size_t old = (size_t)(stop - start);
            if (m > old && !arr_reserve(a, a->len + m - old)) {
                ok = false;
            } else {
                memmove(a->data + (start + (int64_t)m) * (int64_t)isz, a->data + stop * (int64_t)isz,
                        (a->len - (size_t)stop) * isz);
                memcpy(a->data + start * (int64_t)isz, copy, m * isz);
                a->len = a->len - old + m;
            }
        } else if ((int64_t)m != n) {
            exc_raise(exc_ValueError, "attempt to assign array of size %zu to extended slice of size %lld", m,
                      (long long)n);
            ok = false;
        } else {
            for (int64_t k = 0, i = start; k < n; k++, i += step) {
                memcpy(a->data + i * (int64_t)isz, copy + k * (int64_t)isz, isz);
            }
        }
        mem_free(copy, m * isz + 1);
        return ok;
    }
    int64_t i;
    if (!norm_index(a, key, &i, v ? "array assignment index out of range" : "array assignment index out of range")) {
        return false;
    }
    if (!v) {
        memmove(a->data + i * a->itemsize, a->data + (i + 1) * a->itemsize, (a->len - (size_t)i - 1) * a->itemsize);
        a->len--;
        return true;
    }
    return set_item(a, (size_t)i, v);
}

static int arr_find(ObjArray *a, Value x, size_t from, size_t to, size_t *at) {
    for (size_t i = from; i < to && i < a->len; i++) {
        Value v = get_item(a, i);
        int eq = obj_eq(v, x);
        if (eq != 0) {
            *at = i;
            return eq;
        }
    }
    return 0;
}

static int arr_contains(Value self, Value x) {
    size_t at;
    return arr_find(ARR(self), x, 0, ARR(self)->len, &at);
}

static Value arr_richcompare(Value a, Value b, int op) {
    if (!IS_ARRAY(a) || !IS_ARRAY(b)) {
        return OBJ_VAL(obj_notimplemented);
    }
    ObjArray *x = ARR(a), *y = ARR(b);
    if ((op == OP_EQ || op == OP_NE) && x->len != y->len) {
        return VAL_BOOL(op == OP_NE);
    }
    size_t n = x->len < y->len ? x->len : y->len, i = 0;
    for (; i < n; i++) {
        Value u = get_item(x, i);
        gc_push_root(u);
        Value w = get_item(y, i);
        gc_pop_root(1);
        int eq = obj_eq(u, w);
        if (eq < 0) {
            return VAL_NULL;
        }
        if (!eq) {
            if (op == OP_EQ) {
                return VAL_FALSE;
            }
            if (op == OP_NE) {
                return VAL_TRUE;
            }
            return obj_compare(u, w, op);
        }
    }
    int64_t d = (int64_t)x->len - (int64_t)y->len;
    switch (op) {
    case OP_EQ: return VAL_BOOL(d == 0);
    case OP_NE: return VAL_BOOL(d != 0);
    case OP_LT: return VAL_BOOL(d < 0);
    case OP_LE: return VAL_BOOL(d <= 0);
    case OP_GT: return VAL_BOOL(d > 0);
    default: return VAL_BOOL(d >= 0);
    }
}

static Value concat(Value a, Value b) {
    if (!IS_ARRAY(b)) {
        return exc_raise(exc_TypeError, "can only append array (not \"%s\") to array", val_type_name(b));
    }
    if (ARR(a)->typecode != ARR(b)->typecode) {
        return exc_raise(exc_TypeError, "bad argument type for built-in operation");
    }
    Value r = arr_alloc(cls_array, ARR(a)->typecode);
    gc_push_root(r);
    bool ok = frombytes(ARR(r), ARR(a)->data, ARR(a)->len * ARR(a)->itemsize) &&
              frombytes(ARR(r), ARR(b)->data, ARR(b)->len * ARR(b)->itemsize);
    gc_pop_root(1);
    return ok ? r : VAL_NULL;
}

static Value repeat(Value a, Value n) {
    int64_t k;
    if (!index_value(n, NULL, &k)) {
        return VAL_NULL;
    }
    ObjArray *x = ARR(a);
    Value r = arr_alloc(cls_array, x->typecode);
    if (k <= 0 || x->len == 0) {
        return r;
    }
    gc_push_root(r);
    bool ok = arr_reserve(ARR(r), x->len * (size_t)k);
    for (int64_t i = 0; ok && i < k; i++) {
        ok = frombytes(ARR(r), x->data, x->len * x->itemsize);
    }
    gc_pop_root(1);
    return ok ? r : VAL_NULL;
}

static Value arr_binop(Value a, Value b, int op) {
    bool inplace = op >= 16;
    int base = op & 15;
    if (base == BIN_ADD && IS_ARRAY(a)) {
        if (inplace) {
            if (!IS_ARRAY(b)) {
                return exc_raise(exc_TypeError, "can only extend array with array (not \"%s\")", val_type_name(b));
            }
            if (ARR(b)->typecode != ARR(a)->typecode) {
                return exc_raise(exc_TypeError, "can only extend with array of same kind");
            }
            size_t n = ARR(b)->len * ARR(b)->itemsize;
            unsigned char *copy = mem_alloc(n + 1);
            memcpy(copy, ARR(b)->data, n);
            bool ok = frombytes(ARR(a), copy, n);
            mem_free(copy, n + 1);
            return ok ? a : VAL_NULL;
        }
        return concat(a, b);
    }
    if (base == BIN_MUL) {
        if (IS_ARRAY(a) && !IS_ARRAY(b)) {
            if (!inplace) {
                return repeat(a, b);
            }
            Value r = repeat(a, b);
            if (!r) {
                return VAL_NULL;
            }
            ObjArray *x = ARR(a);
            x->len = 0;
            bool ok = frombytes(x, ARR(r)->data, ARR(r)->len * ARR(r)->itemsize);
            return ok ? a : VAL_NULL;
        }
        if (IS_ARRAY(b) && !IS_ARRAY(a)) {
            return repeat(b, a);
        }
    }
    return OBJ_VAL(obj_notimplemented);
}

static bool arr_hash(Value self, int64_t *out) {
    exc_raise(exc_TypeError, "unhashable type: 'array.array'");
    return false;
}

static int arr_getbuffer(Value self, struct BufView *out) {
    static const unsigned char empty[1] = {0};
    ObjArray *a = ARR(self);
    out->ptr = a->data ? a->data : (unsigned char *)empty;
    out->len = a->len * a->itemsize;
    out->readonly = false;
    out->format = a->typecode == 'u' ? 'w' : a->typecode;
    out->itemsize = a->itemsize;
    return 1;
}

// ---- methods

static Value m_append(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("append", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    if (!arr_reserve(a, a->len + 1) || !set_item(a, a->len, argv[1])) {
        return VAL_NULL;
    }
    a->len++;
    return VAL_NONE;
}

static Value m_extend(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("extend", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    if (IS_ARRAY(argv[1])) {
        if (ARR(argv[1])->typecode != a->typecode) {
            return exc_raise(exc_TypeError, "can only extend with array of same kind");
        }
        Value r = arr_binop(argv[0], argv[1], BIN_ADD + 16);
        return r ? VAL_NONE : VAL_NULL;
    }
    return extend_iter(a, argv[1]) ? VAL_NONE : VAL_NULL;
}

static Value m_insert(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("insert", argc - 1, 2, 2)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    int64_t i;
    if (!index_value(argv[1], NULL, &i)) {
        return VAL_NULL;
    }
    int64_t n = (int64_t)a->len;
    i = i < 0 ? (i + n < 0 ? 0 : i + n) : (i > n ? n : i);
    if (!arr_reserve(a, a->len + 1)) {
        return VAL_NULL;
    }
    // convert first into the spare slot, then shift
    if (!set_item(a, a->len, argv[2])) {
        return VAL_NULL;
    }
    unsigned char tmp[8];
    memcpy(tmp, a->data + a->len * a->itemsize, a->itemsize);
    memmove(a->data + (i + 1) * a->itemsize, a->data + i * a->itemsize, (a->len - (size_t)i) * a->itemsize);
    memcpy(a->data + i * a->itemsize, tmp, a->itemsize);
    a->len++;
    return VAL_NONE;
}

static Value m_pop(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("pop", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    int64_t i = -1;
    if (argc > 1 && !index_value(argv[1], NULL, &i)) {
        return VAL_NULL;
    }
    if (a->len == 0) {
        return exc_raise(exc_IndexError, "pop from empty array");
    }
    if (i < 0) {
        i += (int64_t)a->len;
    }
    if (i < 0 || i >= (int64_t)a->len) {
        return exc_raise(exc_IndexError, "pop index out of range");
    }
    Value v = get_item(a, (size_t)i);
    memmove(a->data + i * a->itemsize, a->data + (i + 1) * a->itemsize, (a->len - (size_t)i - 1) * a->itemsize);
    a->len--;
    return v;
}

static Value m_remove(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("remove", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    size_t at;
    int r = arr_find(a, argv[1], 0, a->len, &at);
    if (r < 0) {
        return VAL_NULL;
    }
    if (!r) {
        return exc_raise(exc_ValueError, "array.remove(x): x not in array");
    }
    memmove(a->data + at * a->itemsize, a->data + (at + 1) * a->itemsize, (a->len - at - 1) * a->itemsize);
    a->len--;
    return VAL_NONE;
}

static Value m_index(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("index", argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    int64_t start = 0, stop = (int64_t)a->len, n = (int64_t)a->len;
    if (argc > 2 && !index_value(argv[2], NULL, &start)) {
        return VAL_NULL;
    }
    if (argc > 3 && !index_value(argv[3], NULL, &stop)) {
        return VAL_NULL;
    }
    start = start < 0 ? (start + n < 0 ? 0 : start + n) : start;
    stop = stop < 0 ? (stop + n < 0 ? 0 : stop + n) : stop;
    size_t at;
    int r = arr_find(a, argv[1], (size_t)start, (size_t)stop, &at);
    if (r < 0) {
        return VAL_NULL;
    }
    if (!r) {
        return exc_raise(exc_ValueError, "array.index(x): x not in array");
    }
    return MK_SMALL((int64_t)at);
}

static Value m_count(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("count", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    int64_t c = 0;
    for (size_t i = 0; i < a->len; i++) {
        int eq = obj_eq(get_item(a, i), argv[1]);
        if (eq < 0) {
            return VAL_NULL;
        }
        c += eq;
    }
    return MK_SMALL(c);
}

static Value m_reverse(int argc, Value *argv, ObjDict *kw) {
    ObjArray *a = ARR(argv[0]);
    unsigned char tmp[8];
    for (size_t i = 0, j = a->len ? a->len - 1 : 0; i < j; i++, j--) {
        memcpy(tmp, a->data + i * a->itemsize, a->itemsize);
        memcpy(a->data + i * a->itemsize, a->data + j * a->itemsize, a->itemsize);
        memcpy(a->data + j * a->itemsize, tmp, a->itemsize);
    }
    return VAL_NONE;
}

static Value m_byteswap(int argc, Value *argv, ObjDict *kw) {
    ObjArray *a = ARR(argv[0]);
    for (size_t i = 0; i < a->len; i++) {
        unsigned char *p = a->data + i * a->itemsize;
        for (int x = 0, y = a->itemsize - 1; x < y; x++, y--) {
            unsigned char t = p[x];
            p[x] = p[y];
            p[y] = t;
        }
    }
    return VAL_NONE;
}

static Value m_tobytes(int argc, Value *argv, ObjDict *kw) {
    ObjArray *a = ARR(argv[0]);
    return bytes_try_new(a->data ? a->data : (unsigned char *)"", a->len * a->itemsize);
}

static Value m_frombytes(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("frombytes", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    BufView b;
    if (!buffer_need(argv[1], &b)) {
        return VAL_NULL;
    }
    return frombytes(ARR(argv[0]), b.ptr, b.len) ? VAL_NONE : VAL_NULL;
}

static Value m_tolist(int argc, Value *argv, ObjDict *kw) {
    ObjArray *a = ARR(argv[0]);
    Value l = list_new(a->len);
    if (!l) {
        return VAL_NULL;
    }
    gc_push_root(l);
    for (size_t i = 0; i < a->len; i++) {
        Value v = get_item(a, i);
        if (!v) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        list_append(AS_LIST(l), v);
    }
    gc_pop_root(1);
    return l;
}

static Value m_fromlist(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("fromlist", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_LISTISH(argv[1])) {
        return exc_raise(exc_TypeError, "arg must be list");
    }
    ObjArray *a = ARR(argv[0]);
    size_t old = a->len;
    ObjList *l = AS_LIST(argv[1]);
    if (!arr_reserve(a, a->len + l->len)) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < l->len; i++) {
        if (!set_item(a, a->len, l->items[i])) {
            a->len = old;       // all or nothing, as CPython
            return VAL_NULL;
        }
        a->len++;
    }
    return VAL_NONE;
}

static Value m_tounicode(int argc, Value *argv, ObjDict *kw) {
    ObjArray *a = ARR(argv[0]);
    if (a->typecode != 'u') {
        return exc_raise(exc_ValueError, "tounicode() may only be called on unicode type arrays");
    }
    SBuf b;
    sb_init(&b);
    for (size_t i = 0; i < a->len; i++) {
        uint32_t c;
        memcpy(&c, a->data + i * 4, 4);
        if (c > 0x10FFFF) {
            sb_free(&b);
            return exc_raise(exc_ValueError, "character U+%x is not in range [U+0000; U+10ffff]", c);
        }
        char enc[4];
        sb_add(&b, enc, (size_t)utf8_encode(c, enc));
    }
    Value s = str_new(b.data ? b.data : "", b.len);
    sb_free(&b);
    return s;
}

static Value m_fromunicode(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("fromunicode", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!str_check(argv[1])) {
        return exc_raise(exc_TypeError, "fromunicode() argument must be str, not %s", val_type_name(argv[1]));
    }
    if (ARR(argv[0])->typecode != 'u') {
        return exc_raise(exc_ValueError, "fromunicode() may only be called on unicode type arrays");
    }
    return fromunicode(ARR(argv[0]), argv[1]) ? VAL_NONE : VAL_NULL;
}

static Value m_buffer_info(int argc, Value *argv, ObjDict *kw) {
    ObjArray *a = ARR(argv[0]);
    return tuple_pack(2, int_from_u64((uint64_t)(uintptr_t)a->data), MK_SMALL((int64_t)a->len));
}

static Value m_tofile(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("tofile", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value b = m_tobytes(1, argv, NULL);
    if (!b) {
        return VAL_NULL;
    }
    gc_push_root(b);
    Value w = obj_getattr(argv[1], str_intern_c("write"));
    Value r = w ? vm_call(w, 1, &b, NULL) : VAL_NULL;
    gc_pop_root(1);
    return r ? VAL_NONE : VAL_NULL;
}

static Value m_fromfile(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("fromfile", argc - 1, 2, 2)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    int64_t n;
    if (!index_value(argv[2], NULL, &n)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "negative count");
    }
    Value rd = obj_getattr(argv[1], str_intern_c("read"));
    if (!rd) {
        return VAL_NULL;
    }
    Value want = int_from_i64(n * a->itemsize);
    Value data = vm_call(rd, 1, &want, NULL);
    if (!data) {
        return VAL_NULL;
    }
    BufView b;
    if (!IS_BYTES(data) || !buffer_need(data, &b)) {
        return exc_raise(exc_TypeError, "read() didn't return bytes");
    }
    size_t whole = b.len / a->itemsize * a->itemsize;
    if (!frombytes(a, b.ptr, whole)) {
        return VAL_NULL;
    }
    if (b.len != (size_t)n * a->itemsize) {
        return exc_raise(exc_EOFError, "read() didn't return enough bytes");
    }
    return VAL_NONE;
}

static Value m_copy(int argc, Value *argv, ObjDict *kw) {
    ObjArray *a = ARR(argv[0]);
    Value r = arr_alloc(cls_array, a->typecode);
    gc_push_root(r);
    bool ok = frombytes(ARR(r), a->data ? a->data : (unsigned char *)"", a->len * a->itemsize);
    gc_pop_root(1);
    return ok ? r : VAL_NULL;
}

// CPython's machine format codes (enum machine_format_code): how an array's
// bytes are laid out in a protocol 3+ pickle.
enum { MF_U8 = 0, MF_S8 = 1, MF_U16_LE = 2, MF_F32_LE = 14, MF_F64_LE = 16, MF_UTF16_LE = 18, MF_UTF32_LE = 20,
       MF_UTF32_BE = 21 };

// The code of this machine's (little-endian) layout of typecode [tc].
static int mformat_of(char tc) {
    switch (tc) {
    case 'b': return MF_S8;
    case 'B': return MF_U8;
    case 'u': return MF_UTF32_LE;
    case 'f': return MF_F32_LE;
    case 'd': return MF_F64_LE;
    default: break;
    }
    // unsigned 16/32/64-bit little-endian are 2, 6, 10; signed ones 4, 8, 12
    int size = itemsize_of(tc);
    bool is_signed = tc == 'h' || tc == 'i' || tc == 'l' || tc == 'q';
    return (size == 2 ? 2 : size == 4 ? 6 : 10) + (is_signed ? 2 : 0);
}

// __reduce_ex__(protocol): (cls, (typecode, list), dict) below protocol 3,
// else (array._array_reconstructor, (cls, typecode, mformat, bytes), dict),
// as CPython's; dict is the instance __dict__ (None without one).
static Value m_reduce_ex(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__reduce_ex__() takes exactly one argument (%d given)", argc - 1);
    }
    int64_t proto;
    if (!int_check(argv[1])) {
        return exc_raise(exc_TypeError, "__reduce_ex__ argument should be an integer");
    }
    if (!int_to_i64(argv[1], &proto)) {
        return VAL_NULL;
    }
    ObjArray *a = ARR(argv[0]);
    Value dict = obj_getattr_opt(argv[0], str_intern_c("__dict__"));
    if (!dict) {
        if (exc_pending()) {
            return VAL_NULL;
        }
        dict = VAL_NONE;
    }
    gc_push_root(dict);
    char tc[2] = {a->typecode, 0};
    Value args;
    Value fn = OBJ_VAL(AS_OBJ(argv[0])->cls);
    if (proto < 3) {
        Value l = m_tolist(1, argv, NULL);
        if (!l) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        gc_push_root(l);
        args = tuple_pack(2, str_from_c(tc), l);
        gc_pop_root(1);
    } else {
        Value b = bytes_try_new(a->data ? (const char *)a->data : "", a->len * a->itemsize);
        if (!b) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        gc_push_root(b);
        Value code = str_from_c(tc);
        args = code ? tuple_pack(4, fn, code, MK_SMALL(mformat_of(a->typecode)), b) : VAL_NULL;
        gc_pop_root(1);
        gc_push_root(args ? args : VAL_NONE);
        Value mod = args ? vm_import("array") : VAL_NULL;
        fn = mod ? obj_getattr(mod, str_intern_c("_array_reconstructor")) : VAL_NULL;
        gc_pop_root(1);
        if (!fn) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    if (!args) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(args);
    gc_push_root(fn);
    Value r = tuple_pack(3, fn, args, dict);
    gc_pop_root(3);
    return r;
}

// array._array_reconstructor(arraytype, typecode, mformat_code, items): an
// array of [typecode] from [items] laid out as [mformat_code] (protocol 3+
// pickles); another layout's integers take the last typecode of their
// size and signedness, as CPython's.
static Value array_reconstructor(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_array_reconstructor", argc, 4, 4)) {
        return VAL_NULL;
    }
    if (!IS_CLASS(argv[0])) {
        return exc_raise(exc_TypeError, "first argument must be a type object, not %s", val_type_name(argv[0]));
    }
    ObjClass *cls = AS_CLASS(argv[0]);
    if (!class_is_subclass(cls, cls_array)) {
        return exc_raise(exc_TypeError, "%s is not a subtype of array.array", cls->name->data);
    }
    if (!str_check(argv[1]) || AS_STR(argv[1])->cplen != 1) {
        return exc_raise(exc_TypeError, "_array_reconstructor() argument 2 must be a unicode character, not %s",
                         val_type_name(argv[1]));
    }
    char tc = AS_STR(argv[1])->data[0];
    int64_t mf;
    if (!int_check(argv[2])) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(argv[2]));
    }
    if (!int_to_i64(argv[2], &mf)) {
        return VAL_NULL;
    }
    if (AS_STR(argv[1])->len != 1 || !strchr(TYPECODES, tc)) {
        return exc_raise(exc_ValueError, "second argument must be a valid type code");
    }
    if (mf < 0 || mf > MF_UTF32_BE) {
        return exc_raise(exc_ValueError, "third argument must be a valid machine format code.");
    }
    if (!IS_OBJ(argv[3]) || AS_OBJ(argv[3])->cls != cls_bytes) {
        return exc_raise(exc_TypeError, "fourth argument should be bytes, not %s", val_type_name(argv[3]));
    }
    const unsigned char *p = (const unsigned char *)AS_BYTES(argv[3])->data;
    size_t n = AS_BYTES(argv[3])->len;
    if (mf == mformat_of(tc)) {
        Value r = arr_alloc(cls, tc);
        gc_push_root(r);
        bool ok = frombytes(ARR(r), p, n);
        gc_pop_root(1);
        return ok ? r : VAL_NULL;
    }
    // another machine's layout: decode the items
    static const uint8_t sizes[] = {1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 8, 8, 8, 8, 4, 4, 8, 8, 2, 2, 4, 4};
    size_t size = sizes[mf];
    bool big = mf >= 2 && (mf & 1);
    if (n % size) {
        return exc_raise(exc_ValueError, "string length not a multiple of item size");
    }
    Value items;
    if (mf >= MF_UTF16_LE) {
        static const char *const codecs[] = {"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"};
        Value enc = str_from_c(codecs[mf - MF_UTF16_LE]);
        if (!enc) {
            return VAL_NULL;
        }
        gc_push_root(enc);
        items = call_method(argv[3], "decode", 1, &enc);
        gc_pop_root(1);
    } else {
        items = list_new(n / size);
        if (items) {
            gc_push_root(items);
            for (size_t k = 0; k < n / size; k++) {
                unsigned char le[8];
                for (size_t j = 0; j < size; j++) {
                    le[j] = p[k * size + (big ? size - 1 - j : j)];
                }
                Value v;
                if (mf == MF_F32_LE || mf == MF_F32_LE + 1) {
                    float f;
                    memcpy(&f, le, 4);
                    v = float_new(f);
                } else if (mf == MF_F64_LE || mf == MF_F64_LE + 1) {
                    double d;
                    memcpy(&d, le, 8);
                    v = float_new(d);
                } else {
                    uint64_t u = 0;
                    memcpy(&u, le, size);
                    bool is_signed = mf == MF_S8 || (mf >= 4 && ((mf - 2) & 2));
                    int shift = 64 - 8 * (int)size;
                    v = is_signed ? int_from_i64((int64_t)(u << shift) >> shift) : int_from_u64(u);
                }
                if (!v) {
                    gc_pop_root(1);
                    return VAL_NULL;
                }
                list_append(AS_LIST(items), v);
            }
            gc_pop_root(1);
            if (mf < MF_F32_LE) {
                // the integer typecode of that size and signedness
                bool is_signed = mf == MF_S8 || (mf >= 4 && ((mf - 2) & 2));
                for (const char *t = "bBhHiIlLqQ"; *t; t++) {
                    bool ts = *t == 'b' || *t == 'h' || *t == 'i' || *t == 'l' || *t == 'q';
                    if ((size_t)itemsize_of(*t) == size && ts == is_signed) {
                        tc = *t;    // (the last one: q/Q for 8 bytes)
                    }
                }
            }
        }
    }
    if (!items) {
        return VAL_NULL;
    }
    gc_push_root(items);
    char tcs[2] = {tc, 0};
    Value targs[2] = {str_from_c(tcs), items};
    Value r = targs[0] ? arr_new_(cls, 2, targs, NULL) : VAL_NULL;
    gc_pop_root(1);
    return r;
}

static Value arr_getattr(Value self, ObjStr *name) {
    if (strcmp(name->data, "typecode") == 0) {
        char tc[2] = {ARR(self)->typecode, 0};
        return str_from_c(tc);
    }
    if (strcmp(name->data, "itemsize") == 0) {
        return MK_SMALL(ARR(self)->itemsize);
    }
    return generic_getattr(self, name);
}

static const MethodDef array_methods[] = {
    {"append", m_append},
    {"extend", m_extend},
    {"insert", m_insert},
    {"pop", m_pop},
    {"remove", m_remove},
    {"index", m_index},
    {"count", m_count},
    {"reverse", m_reverse},
    {"byteswap", m_byteswap},
    {"tobytes", m_tobytes},
    {"frombytes", m_frombytes},
    {"tolist", m_tolist},
    {"fromlist", m_fromlist},
    {"tounicode", m_tounicode},
    {"fromunicode", m_fromunicode},
    {"buffer_info", m_buffer_info},
    {"tofile", m_tofile},
    {"fromfile", m_fromfile},
    {"__copy__", m_copy},
    {"__deepcopy__", m_copy},
    {"__reduce_ex__", m_reduce_ex},
    {NULL, NULL},
};

Value mod_array_init(void) {
    if (!cls_array) {
        cls_array = class_new_builtin("array", NULL, sizeof(ObjArray), array_methods);
        cls_array->module = str_intern_c("array");
        cls_array->new_ = arr_new_;
        cls_array->finalize = arr_finalize;
        cls_array->repr = arr_repr;
        cls_array->len = arr_len;
        cls_array->getitem = arr_getitem;
        cls_array->setitem = arr_setitem;
        cls_array->contains = arr_contains;
        cls_array->richcompare = arr_richcompare;
        cls_array->binop = arr_binop;
        cls_array->hash = arr_hash;
        cls_array->getattr = arr_getattr;
        cls_array->getbuffer = arr_getbuffer;
        dict_set_str(cls_array->dict, str_intern_c("typecode"), property_doc_only(VAL_NONE));
        dict_set_str(cls_array->dict, str_intern_c("itemsize"), property_doc_only(VAL_NONE));
        class_finish_builtins();
    }
    // as CPython's array module: arrays are MutableSequences
    Value abc = vm_import("collections.abc");
    Value ms = abc ? obj_getattr(abc, str_intern_c("MutableSequence")) : VAL_NULL;
    Value reg = ms ? obj_getattr(ms, str_intern_c("register")) : VAL_NULL;
    Value arg = OBJ_VAL(cls_array);
    if (!reg || !vm_call(reg, 1, &arg, NULL)) {
        return VAL_NULL;
    }
    Value m = module_new("array");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("array"), OBJ_VAL(cls_array));
    dict_set_str(d, str_intern_c("ArrayType"), OBJ_VAL(cls_array));
    dict_set_str(d, str_intern_c("typecodes"), str_from_c(TYPECODES));
    static const MethodDef fns[] = {{"_array_reconstructor", array_reconstructor}, {NULL, NULL}};
    native_add_functions(d, "array", fns);
    return m;
}
