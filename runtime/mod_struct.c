// mod_struct.c: the struct module: pack, unpack, calcsize, pack_into,
// unpack_from, iter_unpack and the Struct class, for CPython's format
// strings (byte order @ = < > !, native sizes and alignment for '@', the
// codes x c b B ? h H i I l L q Q n N e f d s p P, repeat counts), with
// CPython's struct.error messages.
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"
#include "numstr.h"

typedef struct {
    char code;
    size_t count;       // repeat (for s/p: the byte length)
    size_t size;        // of one item
    size_t offset;      // of the first item
} Item;

typedef struct {
    Item *items;
    size_t nitems;
    size_t size;        // total
    size_t nvalues;     // values packed/unpacked
    char order;         // '@' native (aligned), '=', '<', '>'
} Layout;

typedef struct ObjStruct {
    Obj hdr;
    Value format;
    Layout lay;
} ObjStruct;

static Value struct_error(const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    Value m = str_from_c(buf);
    gc_push_root(m);
    Value e = exc_new(AS_CLASS(ST->struct_error), 1, &m);
    gc_pop_root(1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static size_t code_size(char c, bool native) {
    switch (c) {
    case 'x': case 'c': case 'b': case 'B': case '?': case 's': case 'p':
        return 1;
    case 'h': case 'H': case 'e':
        return 2;
    case 'i': case 'I': case 'f':
        return 4;
    case 'l': case 'L':
        return native ? sizeof(long) : 4;
    case 'q': case 'Q': case 'd':
        return 8;
    case 'n': case 'N': case 'P':
        return native ? sizeof(size_t) : 0;
    default:
        return 0;
    }
}

// Parses [fmt] into [lay]; false with struct.error.
static bool parse(const char *fmt, size_t len, Layout *lay) {
    memset(lay, 0, sizeof *lay);
    size_t i = 0;
    lay->order = '@';
    if (len && strchr("@=<>!", fmt[0])) {
        lay->order = fmt[0] == '!' ? '>' : fmt[0];
        i = 1;
    }
    bool native = lay->order == '@';
    size_t cap = 8;
    lay->items = malloc(sizeof(Item) * cap);
    size_t off = 0;
    while (i < len) {
        char c = fmt[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        size_t count = 1;
        bool has_count = false;
        if (c >= '0' && c <= '9') {
            count = 0;
            while (i < len && fmt[i] >= '0' && fmt[i] <= '9') {
                count = count * 10 + (size_t)(fmt[i] - '0');
                if (count > ((size_t)1 << 40)) {
                    struct_error("total struct size too long");
                    return false;
                }
                i++;
            }
            has_count = true;
            if (i >= len) {
                struct_error("repeat count given without format specifier");
                return false;
            }
            c = fmt[i];
        }
        (void)has_count;
        size_t sz = code_size(c, native);
        if (!sz || (!native && (c == 'n' || c == 'N' || c == 'P'))) {
            struct_error("bad char in struct format");
            return false;
        }
        if (native && c != 's' && c != 'p' && c != 'x' && c != 'c' && c != 'b' && c != 'B' && c != '?') {
            off = (off + sz - 1) / sz * sz;      // native alignment
        }
        if (lay->nitems == cap) {
            cap *= 2;
            lay->items = realloc(lay->items, sizeof(Item) * cap);
        }
        Item *it = &lay->items[lay->nitems++];
        it->code = c;
        it->count = count;
        it->size = sz;
        it->offset = off;
        if (c == 's' || c == 'p') {
            off += count;
            lay->nvalues += 1;
        } else {
            off += sz * count;
            if (c != 'x') {
                lay->nvalues += count;
            }
        }
        i++;
    }
    lay->size = off;
    return true;
}

static bool little(const Layout *lay) {
    return lay->order == '<' || lay->order == '@' || lay->order == '=';
}

// IEEE 754 binary16 <-> double (round half to even), as CPython's
// PyFloat_Pack2/Unpack2.
static uint16_t half_from_double(double x, int *overflow) {
    uint16_t sign = signbit(x) ? 0x8000 : 0;
    if (isnan(x)) {
        return sign | 0x7e00;
    }
    double a = fabs(x);
    if (isinf(a)) {
        return sign | 0x7c00;
    }
    if (a == 0) {
        return sign;
    }
    int e;
    double f = frexp(a, &e);    // a = f * 2**e, 0.5 <= f < 1
    if (e > 16) {
        *overflow = 1;
        return 0;
    }
    uint32_t m;
    int exp;
    if (e < -13) {
        // subnormal: a / 2**-24
        double sub = ldexp(a, 24);
        m = (uint32_t)nearbyint(sub);
        if (m >= 0x400) {
            return sign | (uint16_t)(1 << 10);
        }
        return sign | (uint16_t)m;
    }
    exp = e - 1 + 15;
    double mant = ldexp(f, 11) - 1024;      // 10 fraction bits
    m = (uint32_t)nearbyint(mant);
    if (m == 1024) {
        m = 0;
        exp++;
    }
    if (exp >= 31) {
        *overflow = 1;
        return 0;
    }
    return sign | (uint16_t)(exp << 10) | (uint16_t)m;
}

static double half_to_double(uint16_t h) {
    int sign = h >> 15, exp = (h >> 10) & 31, m = h & 1023;
    double v;
    if (exp == 0) {
        v = ldexp(m, -24);
    } else if (exp == 31) {
        v = m ? NAN : INFINITY;
    } else {
        v = ldexp(m + 1024, exp - 25);
    }
    return sign ? -v : v;
}

static void put_uint(unsigned char *p, uint64_t v, size_t n, bool le) {
    for (size_t k = 0; k < n; k++) {
        p[le ? k : n - 1 - k] = (unsigned char)(v >> (8 * k));
    }
}

static uint64_t get_uint(const unsigned char *p, size_t n, bool le) {
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++) {
        v |= (uint64_t)p[le ? k : n - 1 - k] << (8 * k);
    }
    return v;
}

static const char *int_range(char c, bool native) {
    (void)native;
    switch (c) {
    case 'b': return "byte format requires -128 <= number <= 127";
    case 'B': return "ubyte format requires 0 <= number <= 255";
    case 'h': return "short format requires -32768 <= number <= 32767";
    case 'H': return "ushort format requires 0 <= number <= 65535";
    case 'i': return "'i' format requires -2147483648 <= number <= 2147483647";
    case 'I': return "'I' format requires 0 <= number <= 4294967295";
    case 'l': return "'l' format requires -9223372036854775808 <= number <= 9223372036854775807";
    case 'L': return "'L' format requires 0 <= number <= 18446744073709551615";
    case 'q': return "'q' format requires -9223372036854775808 <= number <= 9223372036854775807";
    case 'Q': return "'Q' format requires 0 <= number <= 18446744073709551615";
    default: return "argument out of range";
    }
}

// Packs one value of code [c] (size [sz]) at [p].
static bool pack_one(const Layout *lay, char c, size_t sz, unsigned char *p, Value v) {
    bool le = little(lay);
    bool native = lay->order == '@';
    switch (c) {
    case 'c': {
        BufView b = {0};
        if (IS_OBJ(v) && bytes_check(v) && buffer_get(v, &b) && b.len == 1) {
            p[0] = b.ptr[0];
            return true;
        }
        struct_error("char format requires a bytes object of length 1");
        return false;
    }
    case '?': {
        int t = obj_truthy(v);
        if (t < 0) {
            return false;
        }
        p[0] = (unsigned char)t;
        return true;
    }
    case 'e': case 'f': case 'd': {
        double d;
        if (!val_to_double(v, &d)) {
            exc_clear();
            struct_error("required argument is not a float");
            return false;
        }
        if (c == 'd') {
            uint64_t bits;
            memcpy(&bits, &d, 8);
            put_uint(p, bits, 8, le);
        } else if (c == 'f') {
            float f = (float)d;
            if (isinf(f) && !isinf(d)) {
                exc_raise(exc_OverflowError, "float too large to pack with f format");
                return false;
            }
            uint32_t bits;
            memcpy(&bits, &f, 4);
            put_uint(p, bits, 4, le);
        } else {
            int ovf = 0;
            uint16_t bits = half_from_double(d, &ovf);
            if (ovf) {
                exc_raise(exc_OverflowError, "float too large to pack with e format");
                return false;
            }
            put_uint(p, bits, 2, le);
        }
        return true;
    }
    default: {
        if (!IS_SMALL(v) && !(IS_OBJ(v) && class_is_subclass(val_class(v), cls_int))) {
            // __index__
            int64_t idx;
            if (!IS_FLOAT(v) && index_value(v, NULL, &idx)) {
                v = int_from_i64(idx);
            } else {
                exc_clear();
                struct_error("required argument is not an integer");
                return false;
            }
        }
        bool is_unsigned = strchr("BHILQNP", c) != NULL;
        int64_t iv;
        if (!int_to_i64(v, &iv)) {
            exc_clear();
            if (is_unsigned && sz == 8 && IS_OBJ(v)) {
                // 2**63 .. 2**64-1
                mpz_t z;
                mpz_init(z);
                int_get_mpz(v, z);
                bool fits = mpz_sgn(z) >= 0 && mpz_sizeinbase(z, 2) <= 64;
                uint64_t u = fits ? (uint64_t)mpz_getlimbn(z, 0) : 0;
                mpz_clear(z);
                if (fits) {
                    put_uint(p, u, 8, le);
                    return true;
                }
            }
            struct_error("argument out of range");
            return false;
        }
        if (is_unsigned) {
            if (iv < 0) {
                struct_error("%s", c == 'B' || c == 'H' ? int_range(c, native) : "argument out of range");
                return false;
            }
            if (sz < 8 && (uint64_t)iv >> (8 * sz)) {
                struct_error("%s", int_range(c, native));
                return false;
            }
        } else if (sz < 8) {
            int64_t lo = -((int64_t)1 << (8 * sz - 1)), hi = ((int64_t)1 << (8 * sz - 1)) - 1;
            if (iv < lo || iv > hi) {
                struct_error("%s", int_range(c, native));
                return false;
            }
        }
        put_uint(p, (uint64_t)iv, sz, le);
        return true;
    }
    }
}

static Value unpack_one(const Layout *lay, char c, size_t sz, const unsigned char *p) {
    bool le = little(lay);
    switch (c) {
    case 'c':
        return bytes_new(p, 1);
    case '?':
        return VAL_BOOL(p[0] != 0);
    case 'd': {
        uint64_t bits = get_uint(p, 8, le);
        double d;
        memcpy(&d, &bits, 8);
        return float_new(d);
    }
    case 'f': {
        uint32_t bits = (uint32_t)get_uint(p, 4, le);
        float f;
        memcpy(&f, &bits, 4);
        return float_new((double)f);
    }
    case 'e':
        return float_new(half_to_double((uint16_t)get_uint(p, 2, le)));
    default: {
        uint64_t u = get_uint(p, sz, le);
        if (strchr("BHILQNP", c)) {
            if (u > (uint64_t)INT64_MAX) {
                Value hi = int_from_i64((int64_t)(u >> 1));
                gc_push_root(hi);
                Value r = int_binop(int_binop(hi, MK_SMALL(2), BIN_MUL), MK_SMALL((int64_t)(u & 1)), BIN_ADD);
                gc_pop_root(1);
                return r;
            }
            return int_from_i64((int64_t)u);
        }
        if (sz < 8 && (u >> (8 * sz - 1)) & 1) {
            u |= ~(((uint64_t)1 << (8 * sz)) - 1);
        }
        return int_from_i64((int64_t)u);
    }
    }
}

// Packs [argv] by [lay] into [out] (lay->size bytes, zeroed).
static bool pack_into_buf(const Layout *lay, unsigned char *out, int argc, Value *argv) {
    if ((size_t)argc != lay->nvalues) {
        struct_error("pack expected %zu items for packing (got %d)", lay->nvalues, argc);
        return false;
    }
    int ai = 0;
    for (size_t k = 0; k < lay->nitems; k++) {
        const Item *it = &lay->items[k];
        if (it->code == 'x') {
            continue;
        }
        if (it->code == 's' || it->code == 'p') {
            Value v = argv[ai++];
            BufView b = {0};
            if (IS_STR(v) || !IS_OBJ(v) || (!bytes_check(v) && !bytearray_check(v))) {
                struct_error("argument for 's' must be a bytes object");
                return false;
            }
            buffer_get(v, &b);
            size_t n = it->count;
            if (it->code == 'p') {
                size_t m = n ? n - 1 : 0;
                size_t take = b.len < m ? b.len : m;
                if (n) {
                    out[it->offset] = (unsigned char)(take > 255 ? 255 : take);
                    memcpy(out + it->offset + 1, b.ptr, take);
                }
            } else {
                memcpy(out + it->offset, b.ptr, b.len < n ? b.len : n);
            }
            continue;
        }
        for (size_t r = 0; r < it->count; r++) {
            if (!pack_one(lay, it->code, it->size, out + it->offset + r * it->size, argv[ai++])) {
                return false;
            }
        }
    }
    return true;
}

static Value unpack_buf(const Layout *lay, const unsigned char *p) {
    Value t = tuple_new(lay->nvalues);
    gc_push_root(t);
    size_t vi = 0;
    for (size_t k = 0; k < lay->nitems; k++) {
        const Item *it = &lay->items[k];
        if (it->code == 'x') {
            continue;
        }
        if (it->code == 's') {
            AS_TUPLE(t)->items[vi++] = bytes_new(p + it->offset, it->count);
            continue;
        }
        if (it->code == 'p') {
            size_t n = it->count ? p[it->offset] : 0;
            if (it->count && n > it->count - 1) {
                n = it->count - 1;
            }
            AS_TUPLE(t)->items[vi++] = bytes_new(p + it->offset + 1, n);
            continue;
        }
        for (size_t r = 0; r < it->count; r++) {
            Value v = unpack_one(lay, it->code, it->size, p + it->offset + r * it->size);
            if (!v) {
                gc_pop_root(1);
                return VAL_NULL;
            }
            AS_TUPLE(t)->items[vi++] = v;
        }
    }
    gc_pop_root(1);
    return t;
}

// ---- the Struct class and its cache
static void trace_struct(Obj *o) {
    gc_mark_value(((ObjStruct *)o)->format);
}

static void finalize_struct(Obj *o) {
    free(((ObjStruct *)o)->lay.items);
    ((ObjStruct *)o)->lay.items = NULL;
}

static Value fmt_text(Value f, const char **s, size_t *n) {
    if (IS_STR(f)) {
        *s = AS_STR(f)->data;
        *n = AS_STR(f)->len;
        return f;
    }
    BufView b = {0};
    if (IS_OBJ(f) && bytes_check(f) && buffer_get(f, &b)) {
        *s = (const char *)b.ptr;
        *n = b.len;
        return f;
    }
    return exc_raise(exc_TypeError, "Struct() argument 1 must be a str or bytes object, not %s", val_type_name(f));
}

static Value struct_make(ObjClass *cls, Value format) {
    const char *s = NULL;
    size_t n = 0;
    if (!fmt_text(format, &s, &n)) {
        return VAL_NULL;
    }
    if (memchr(s, 0, n)) {
        struct_error("embedded null character");    // CPython's format converter
        return VAL_NULL;
    }
    Layout lay;
    if (!parse(s, n, &lay)) {
        free(lay.items);
        return VAL_NULL;
    }
    ObjStruct *st = (ObjStruct *)obj_alloc(cls, sizeof(ObjStruct));
    st->format = IS_STR(format) ? format : str_try_new(s, n);
    st->lay = lay;
    return OBJ_VAL(st);
}

// The compiled Struct of [format] (cached by format).
static Value cached(Value format) {
    Value hit;
    if (ST->struct_cache && dict_get(AS_DICT(ST->struct_cache), format, &hit) == 1) {
        return hit;
    }
    if (exc_pending()) {
        exc_clear();
    }
    Value s = struct_make(cls_struct, format);
    if (!s) {
        return VAL_NULL;
    }
    if (!ST->struct_cache) {
        gc_push_root(s);
        ST->struct_cache = dict_new();
        gc_pop_root(1);
    }
    if (AS_DICT(ST->struct_cache)->used > 100) {
        table_clear(AS_DICT(ST->struct_cache));
    }
    dict_set(AS_DICT(ST->struct_cache), format, s);
    return s;
}

#define SL(v) (&((ObjStruct *)AS_OBJ(v))->lay)

static Value do_pack(Value st, int argc, Value *argv) {
    const Layout *lay = SL(st);
    unsigned char *buf = calloc(1, lay->size ? lay->size : 1);
    bool ok = pack_into_buf(lay, buf, argc, argv);
    Value r = ok ? bytes_new(buf, lay->size) : VAL_NULL;
    free(buf);
    return r;
}

static Value do_unpack(Value st, Value data) {
    const Layout *lay = SL(st);
    BufView b = {0};
    if (!buffer_need(data, &b)) {
        return VAL_NULL;
    }
    if (b.len != lay->size) {
        return struct_error("unpack requires a buffer of %zu bytes", lay->size);
    }
    return unpack_buf(lay, b.ptr);
}

static Value do_unpack_from(Value st, Value data, int64_t off) {
    const Layout *lay = SL(st);
    BufView b = {0};
    if (!buffer_need(data, &b)) {
        return VAL_NULL;
    }
    if (off < 0) {
        off += (int64_t)b.len;
        if (off < 0) {
            return struct_error("offset %lld out of range for %zu-byte buffer", (long long)(off - (int64_t)b.len), b.len);
        }
    }
    if ((size_t)off + lay->size > b.len) {
        return struct_error("unpack_from requires a buffer of at least %zu bytes for unpacking %zu bytes at offset %lld (actual buffer size is %zu)",
                            (size_t)off + lay->size, lay->size, (long long)off, b.len);
    }
    return unpack_buf(lay, b.ptr + off);
}

static Value do_pack_into(Value st, Value buffer, int64_t off, int argc, Value *argv) {
    const Layout *lay = SL(st);
    BufView b = {0};
    if (!buffer_need(buffer, &b)) {
        return VAL_NULL;
    }
    if (b.readonly) {
        return exc_raise(exc_TypeError, "argument must be read-write bytes-like object, not %s", val_type_name(buffer));
    }
    if (off < 0) {
        off += (int64_t)b.len;
    }
    if (off < 0 || (size_t)off + lay->size > b.len) {
        return struct_error("pack_into requires a buffer of at least %zu bytes for packing %zu bytes at offset %lld (actual buffer size is %zu)",
                            (size_t)(off < 0 ? 0 : off) + lay->size, lay->size, (long long)off, b.len);
    }
    unsigned char *tmp = calloc(1, lay->size ? lay->size : 1);
    bool ok = pack_into_buf(lay, tmp, argc, argv);
    if (ok) {
        memcpy((unsigned char *)b.ptr + off, tmp, lay->size);
    }
    free(tmp);
    return ok ? VAL_NONE : VAL_NULL;
}

// module functions
static Value m_pack(int argc, Value *argv, ObjDict *kw) {
    if (argc < 1) {
        return exc_raise(exc_TypeError, "pack expected at least 1 argument, got 0");
    }
    Value st = cached(argv[0]);
    return st ? do_pack(st, argc - 1, argv + 1) : VAL_NULL;
}

static Value m_unpack(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("unpack", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value st = cached(argv[0]);
    return st ? do_unpack(st, argv[1]) : VAL_NULL;
}

// unpack_from's (buffer, offset=0) from argv[i...] or the keywords
static bool unpack_from_args(int argc, Value *argv, ObjDict *kw, int i, const char *pos,
                             Value *data, int64_t *off) {
    *data = argc > i ? argv[i] : kw_get(kw, "buffer");
    if (!*data) {
        exc_raise(exc_TypeError, "unpack_from() missing required argument 'buffer' (%s)", pos);
        return false;
    }
    Value ov = argc > i + 1 ? argv[i + 1] : kw_get(kw, "offset");
    *off = 0;
    return !ov || int_to_i64(ov, off);
}

static Value m_unpack_from(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("unpack_from", argc, 1, 3)) {
        return VAL_NULL;
    }
    Value data;
    int64_t off;
    if (!unpack_from_args(argc, argv, kw, 1, "pos 2", &data, &off)) {
        return VAL_NULL;
    }
    Value st = cached(argv[0]);
    return st ? do_unpack_from(st, data, off) : VAL_NULL;
}

static Value m_pack_into(int argc, Value *argv, ObjDict *kw) {
    if (argc < 3) {
        return exc_raise(exc_TypeError, "pack_into expected at least 3 arguments, got %d", argc);
    }
    int64_t off;
    if (!int_to_i64(argv[2], &off)) {
        return VAL_NULL;
    }
    Value st = cached(argv[0]);
    return st ? do_pack_into(st, argv[1], off, argc - 3, argv + 3) : VAL_NULL;
}

static Value m_calcsize(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("calcsize", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value st = cached(argv[0]);
    return st ? MK_SMALL((int64_t)SL(st)->size) : VAL_NULL;
}

static Value m_iter_unpack(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("iter_unpack", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value st = cached(argv[0]);
    if (!st) {
        return VAL_NULL;
    }
    const Layout *lay = SL(st);
    BufView b = {0};
    if (!buffer_need(argv[1], &b)) {
        return VAL_NULL;
    }
    if (lay->size == 0) {
        return struct_error("cannot iteratively unpack with a struct of length 0");
    }
    if (b.len % lay->size) {
        return struct_error("iterative unpacking requires a buffer of a multiple of %zu bytes", lay->size);
    }
    Value l = list_new(b.len / lay->size);
    gc_push_root(l);
    for (size_t off = 0; off < b.len; off += lay->size) {
        Value t = unpack_buf(lay, b.ptr + off);
        if (!t) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        list_append(AS_LIST(l), t);
    }
    gc_pop_root(1);
    return obj_iter(l);
}

// Struct methods
// Struct(format): compiled here; the instance of a subclass with its own
// __init__ is made blank, its arguments left to that __init__ (which passes
// a format up, as CPython's, whose __init__ reads it).
static Value s_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (cls != cls_struct && class_has_user_dunder(cls, "__init__")) {
        ObjStruct *st = (ObjStruct *)obj_alloc(cls, sizeof(ObjStruct));
        st->format = str_from_c("");
        return OBJ_VAL(st);
    }
    Value f = argc > 0 ? argv[0] : kw_get(kw, "format");
    if (!f) {
        return exc_raise(exc_TypeError, "Struct() missing required argument 'format' (pos 1)");
    }
    return struct_make(cls, f);
}

// Struct.__init__(format): reads [format] into the Struct (a format that
// cannot be read leaves it as it was).
static Value s_init(int argc, Value *argv, ObjDict *kw) {
    Value f = argc > 1 ? argv[1] : kw_get(kw, "format");
    if (!f) {
        return exc_raise(exc_TypeError, "Struct() missing required argument 'format' (pos 1)");
    }
    ObjStruct *st = (ObjStruct *)AS_OBJ(argv[0]);
    if (f == st->format) {
        return VAL_NONE;    // (Struct(f): __new__ read it already)
    }
    const char *text = NULL;
    size_t n = 0;
    if (!fmt_text(f, &text, &n)) {
        return VAL_NULL;
    }
    Layout lay;
    if (!parse(text, n, &lay)) {
        free(lay.items);
        return VAL_NULL;
    }
    Value fs = IS_STR(f) ? f : str_try_new(text, n);
    if (!fs) {
        free(lay.items);
        return VAL_NULL;
    }
    free(st->lay.items);
    st->lay = lay;
    st->format = fs;
    return VAL_NONE;
}

static Value s_pack(int argc, Value *argv, ObjDict *kw) {
    return do_pack(argv[0], argc - 1, argv + 1);
}

static Value s_unpack(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("unpack", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return do_unpack(argv[0], argv[1]);
}

static Value s_unpack_from(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("unpack_from", argc - 1, 0, 2)) {
        return VAL_NULL;
    }
    Value data;
    int64_t off;
    if (!unpack_from_args(argc, argv, kw, 1, "pos 1", &data, &off)) {
        return VAL_NULL;
    }
    return do_unpack_from(argv[0], data, off);
}

static Value s_pack_into(int argc, Value *argv, ObjDict *kw) {
    if (argc < 3) {
        return exc_raise(exc_TypeError, "pack_into expected at least 2 arguments");
    }
    int64_t off;
    if (!int_to_i64(argv[2], &off)) {
        return VAL_NULL;
    }
    return do_pack_into(argv[0], argv[1], off, argc - 3, argv + 3);
}

static Value s_iter_unpack(int argc, Value *argv, ObjDict *kw) {
    Value args[2] = {((ObjStruct *)AS_OBJ(argv[0]))->format, argc > 1 ? argv[1] : VAL_NONE};
    return m_iter_unpack(2, args, NULL);
}

static Value s_getattr(Value self, ObjStr *name) {
    ObjStruct *s = (ObjStruct *)AS_OBJ(self);
    if (strcmp(name->data, "format") == 0) {
        return s->format;
    }
    if (strcmp(name->data, "size") == 0) {
        return MK_SMALL((int64_t)s->lay.size);
    }
    return generic_getattr(self, name);
}


static const MethodDef struct_methods[] = {
    {"__init__", s_init},
    {"pack", s_pack},
    {"unpack", s_unpack},
    {"unpack_from", s_unpack_from, true},
    {"pack_into", s_pack_into},
    {"iter_unpack", s_iter_unpack},
    {NULL, NULL},
};

// struct._clearcache(): forgets the compiled formats.
static Value m_clearcache(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_clearcache", argc, 0, 0)) {
        return VAL_NULL;
    }
    if (ST->struct_cache) {
        table_clear(AS_DICT(ST->struct_cache));
    }
    return VAL_NONE;
}

static const MethodDef struct_fns[] = {
    {"_clearcache", m_clearcache},
    {"pack", m_pack},
    {"unpack", m_unpack},
    {"unpack_from", m_unpack_from, true},
    {"pack_into", m_pack_into},
    {"calcsize", m_calcsize},
    {"iter_unpack", m_iter_unpack},
    {NULL, NULL},
};

static void mark_struct(void) {
    gc_mark_value(ST->struct_error);
    gc_mark_value(ST->struct_cache);
}

Value mod_struct_init(void) {
    if (!cls_struct) {
        cls_struct = class_new_builtin("Struct", NULL, sizeof(ObjStruct), struct_methods);
        cls_struct->module = str_intern_c("_struct");
        cls_struct->new_ = s_new;
        cls_struct->trace = trace_struct;
        cls_struct->finalize = finalize_struct;
        cls_struct->getattr = s_getattr;
        ObjTuple *bases = AS_TUPLE(tuple_pack(1, OBJ_VAL(exc_Exception)));
        gc_push_root(OBJ_VAL(bases));
        Value ns = dict_new();
        gc_push_root(ns);
        dict_set_str(AS_DICT(ns), str_intern_c("__module__"), str_from_c("struct"));
        ST->struct_error = class_create(str_intern_c("error"), bases, AS_DICT(ns));
        gc_pop_root(2);
        gc_add_root_marker(mark_struct);
    }
    Value m = module_new("struct");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, NULL, struct_fns);
    dict_set_str(d, str_intern_c("Struct"), OBJ_VAL(cls_struct));
    dict_set_str(d, str_intern_c("error"), ST->struct_error);
    return m;
}
