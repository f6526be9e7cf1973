// str.c: the str class. Strings are immutable UTF-8 (ObjStr, NUL
// terminated) with their code-point length computed at creation, so
// indexing is O(1) for ASCII and a scan otherwise. Holds UTF-8 decoding and
// encoding, creation, hashing, the cached 1-char ASCII strings and str's
// slots (repr with Python's quoting and escapes, hash, comparison, + * %,
// indexing and slicing, `in`, iteration). The intern table is in
// str_intern.c, the methods (split, join, strip, find, replace, case
// conversions, predicates, padding, partition ...) in str_methods.c, the
// character classes they share in str_internal.h. Case mapping and
// classification of non-ASCII code points use the C.UTF-8 locale when the
// system has it, else only ASCII is mapped.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>

#include "gc.h"
#include "numstr.h"
#include "containers.h"
#include "str_internal.h"
#include "runtime.h"
#include "bytes.h"


typedef struct ObjStrIter {
    Obj hdr;
    Value str;      // the string iterated
    size_t pos;     // byte offset of the next code point
} ObjStrIter;

// ---- UTF-8

uint32_t utf8_decode(const char *s, size_t len, size_t *i) {
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i;
    unsigned c = p[0];
    if (c < 0x80 || left < 2) {
        *i += 1;
        return c;
    }
    if ((c & 0xE0) == 0xC0) {
        *i += 2;
        return ((c & 0x1F) << 6) | (p[1] & 0x3F);
    }
    if ((c & 0xF0) == 0xE0 && left >= 3) {
        *i += 3;
        return ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
    if ((c & 0xF8) == 0xF0 && left >= 4) {
        *i += 4;
        return ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    }
    *i += 1;
    return c;
}

int utf8_valid_len(const char *s, size_t left) {
    const unsigned char *p = (const unsigned char *)s;
    if (left == 0) {
        return 0;
    }
    unsigned c = p[0];
    if (c < 0x80) {
        return 1;
    }
    int n;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;   // a continuation byte, C0/C1 (always overlong) or F5..FF
    }
    if ((size_t)n > left) {
        return 0;
    }
    for (int k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

bool str_encodable(const char *s, size_t len) {
    if (!memchr(s, 0xED, len)) {
        return true;    // a surrogate's UTF-8 form starts with ED
    }
    size_t pos = 0;
    for (size_t i = 0; i < len; pos++) {
        const unsigned char *p = (const unsigned char *)s + i;
        if (p[0] == 0xED && i + 2 < len && p[1] >= 0xA0) {
            unsigned cp = 0xD000 | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            exc_raise(exc_UnicodeEncodeError,
                      "'utf-8' codec can't encode character '\\u%04x' in position %zu: "
                      "surrogates not allowed", cp, pos);
            return false;
        }
        utf8_decode(s, len, &i);
    }
    return true;
}

bool str_no_surrogates(ObjStr *s) {
    if (s->cplen == s->len || s->surrogates == STR_SURR_NONE) {
        return true;
    }
    if (s->surrogates == STR_SURR_UNKNOWN) {
        bool ok = str_encodable(s->data, s->len);
        if (!ok) {
            exc_clear();
        }
        s->surrogates = ok ? STR_SURR_NONE : STR_SURR_SOME;
    }
    return s->surrogates == STR_SURR_NONE;
}

int utf8_encode(uint32_t cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

// The cursor of [s] (state.h), or a slot to fill for it.
static inline bool cursor_find(ObjStr *s, size_t *cp, size_t *byte, unsigned *slot) {
    for (unsigned k = 0; k < 4; k++) {
        if (ST->str_cursor[k].s == s) {
            *cp = ST->str_cursor[k].cp;
            *byte = ST->str_cursor[k].byte;
            *slot = k;
            return true;
        }
    }
    *slot = ST->str_cursor_next++ & 3;
    return false;
}

static inline void cursor_set(unsigned slot, ObjStr *s, size_t cp, size_t byte) {
    ST->str_cursor[slot].s = s;
    ST->str_cursor[slot].cp = cp;
    ST->str_cursor[slot].byte = byte;
}

#define UTF8_CONT(c) (((unsigned char)(c) & 0xC0) == 0x80)

size_t str_cp_offset(ObjStr *s, size_t cp) {
    if (s->cplen == s->len) {
        return cp;
    }
    if (cp >= s->cplen) {
        return s->len;
    }
    // walk from the nearest known position: the start, the end, or the cursor
    size_t n = 0, i = 0, ccp, cb;
    unsigned slot;
    bool have = cursor_find(s, &ccp, &cb, &slot);
    if (have && (ccp <= cp ? cp - ccp : ccp - cp) < cp) {
        n = ccp;
        i = cb;
    }
    if (s->cplen - cp < (n <= cp ? cp - n : n - cp)) {
        n = s->cplen;
        i = s->len;
    }
    while (n < cp) {
        i++;
        while (i < s->len && UTF8_CONT(s->data[i])) {
            i++;
        }
        n++;
    }
    while (n > cp) {
        i--;
        while (i > 0 && UTF8_CONT(s->data[i])) {
            i--;
        }
        n--;
    }
    cursor_set(slot, s, cp, i);
    return i;
}

size_t str_byte_to_cp(ObjStr *s, size_t b) {
    size_t ccp, cb;
    unsigned slot;
    size_t cp;
    if (cursor_find(s, &ccp, &cb, &slot) && (cb <= b ? b - cb : cb - b) < b) {
        cp = cb <= b ? ccp + count_cp(s->data + cb, b - cb) : ccp - count_cp(s->data + b, cb - b);
    } else {
        cp = count_cp(s->data, b);
    }
    cursor_set(slot, s, cp, b);
    return cp;
}

// int() and float() of a str: Unicode decimal digits become ASCII digits and
// Unicode whitespace a space, as CPython's
// _PyUnicode_TransformDecimalAndSpaceToASCII; any other non-ASCII character
// becomes '?' so the parse fails. NULL when [s] is ASCII (parse it as is);
// else a mem_alloc'd buffer of *len + 1 bytes.
char *str_to_ascii_number(ObjStr *s, size_t *len) {
    if (s->cplen == s->len) {
        return NULL;
    }
    char *out = mem_alloc(s->cplen + 1);
    size_t n = 0;
    for (size_t i = 0; i < s->len;) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        if (c < 128) {
            out[n++] = (char)c;
        } else if (cp_isspace(c)) {
            out[n++] = ' ';
        } else if (UNI_IN(uni_decimal, c)) {
            // Nd characters come in runs of ten starting at a zero
            size_t k = 0;
            while (!(c >= uni_decimal[k][0] && c <= uni_decimal[k][1])) {
                k++;
            }
            out[n++] = (char)('0' + (c - uni_decimal[k][0]) % 10);
        } else {
            out[n++] = '?';
        }
    }
    out[n] = 0;
    *len = n;
    return out;
}

// ---- creation, interning, hashing

// The largest str object obj_alloc_small serves (gc.c's OBJ_POOL_MAX).
#define STR_SMALL_SIZE 256

static ObjStr *str_alloc(ObjClass *cls, size_t len) {
    size_t size = sizeof(ObjStr) + len + 1;
    // (perf: the slab free list inline for short strs, the pieces of
    // split, slices and formatting)
    ObjStr *s = (ObjStr *)(cls == cls_str && size <= STR_SMALL_SIZE ? obj_alloc_small(cls, size)
                                                                     : obj_alloc(cls, size));
    s->hash = -1;
    s->len = len;
    s->data[len] = 0;
    return s;
}

// str_alloc for a length a program chose: NULL with MemoryError raised.
ObjStr *str_try_alloc(ObjClass *cls, size_t len) {
    size_t size;
    if (!mem_size(len, 1, sizeof(ObjStr) + 1, &size)) {
        return NULL;
    }
    if (cls == cls_str && size <= STR_SMALL_SIZE) {
        return str_alloc(cls, len);     // the slab's free list: cannot fail
    }
    ObjStr *s = (ObjStr *)obj_try_alloc(cls, size);
    if (s) {
        s->hash = -1;
        s->len = len;
        s->data[len] = 0;
    }
    return s;
}

Value str_try_new(const char *s, size_t len) {
    return str_try_new_cp(s, len, count_cp(s, len));
}

Value str_try_new_cp(const char *s, size_t len, size_t cplen) {
    ObjStr *o = str_try_alloc(cls_str, len);
    if (!o) {
        return VAL_NULL;
    }
    if (len) {
        memcpy(o->data, s, len);
    }
    o->cplen = cplen;
    return OBJ_VAL(o);
}

Value str_new(const char *s, size_t len) {
    ObjStr *o = str_alloc(cls_str, len);
    if (len) {
        memcpy(o->data, s, len);
    }
    o->cplen = count_cp(o->data, len);
    return OBJ_VAL(o);
}

Value str_from_c(const char *s) {
    return str_new(s, strlen(s));
}

int64_t str_hash(ObjStr *s) {
    if (s->hash == -1) {
        s->hash = hash_bytes(s->data, s->len);
    }
    return s->hash;
}

bool str_eq(ObjStr *a, ObjStr *b) {
    if (a == b) {
        return true;
    }
    if (a->len != b->len) {
        return false;
    }
    if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) {
        return false;
    }
    return memcmp(a->data, b->data, a->len) == 0;
}

const char *str_cstr(Value v) {
    return AS_STR(v)->data;
}

bool str_check(Value v) {
    return IS_OBJ(v) && (AS_OBJ(v)->cls == cls_str ||
                         (AS_OBJ(v)->cls->native_base == cls_str && cls_str));
}

Value str_printf(const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) {
        n = 0;
    }
    if ((size_t)n < sizeof buf) {
        return str_new(buf, (size_t)n);
    }
    char *big = mem_alloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    Value v = str_new(big, (size_t)n);
    mem_free(big, (size_t)n + 1);
    return v;
}

Value str_concat(Value a, Value b) {
    ObjStr *x = AS_STR(a), *y = AS_STR(b);
    if (y->len == 0 && x->hdr.cls == cls_str) {
        return a;
    }
    if (x->len == 0 && y->hdr.cls == cls_str) {
        return b;
    }
    ObjStr *o = str_try_alloc(cls_str, x->len + y->len);
    if (!o) {
        return VAL_NULL;
    }
    memcpy(o->data, x->data, x->len);
    memcpy(o->data + x->len, y->data, y->len);
    o->cplen = x->cplen + y->cplen;
    return OBJ_VAL(o);
}

// a += b for the VM's ADD_FAST_STORE, [a] and [b] exact strs and [a] the
// value of the local it stores to. CPython appends in place when the str's
// reference count says only that local holds it, so `s += t` in a loop is
// linear there; pyish has no reference counts, so the VM tells: an owned
// str (made here, and never loaded out of its local since: LOAD_FAST_ESC
// clears the flag) is appended to in place while its allocation has room.
// The first concatenation makes an owned str of the exact size (no waste
// when there is no second one); growing one leaves half again as much room.
Value str_concat_owned(Value a, Value b) {
    ObjStr *x = AS_STR(a), *y = AS_STR(b);
    if (y->len == 0) {
        return a;
    }
    size_t len = x->len + y->len;
    if (x->owned && x->hdr.size != UINT32_MAX && sizeof(ObjStr) + len + 1 <= x->hdr.size) {
        memcpy(x->data + x->len, y->data, y->len);
        x->len = len;
        x->data[len] = 0;
        x->cplen += y->cplen;
        x->hash = -1;
        x->surrogates = STR_SURR_UNKNOWN;
        return a;
    }
    size_t cap = x->owned ? len + len / 2 + 16 : len;
    if (cap > ((size_t)1 << 30)) {
        return str_concat(a, b);    // the clamped Obj.size could not tell the room
    }
    ObjStr *o = (ObjStr *)obj_try_alloc_data(cls_str, sizeof(ObjStr) + cap + 1, sizeof(ObjStr));
    if (!o) {
        return VAL_NULL;
    }
    o->hash = -1;
    o->len = len;
    memcpy(o->data, x->data, x->len);
    memcpy(o->data + x->len, y->data, y->len);
    o->data[len] = 0;
    o->cplen = x->cplen + y->cplen;
    o->owned = true;
    return OBJ_VAL(o);
}

Value str_char(uint32_t cp) {
    if (cp < 128 && ST->ascii_chars[cp]) {
        return ST->ascii_chars[cp];
    }
    char buf[4];
    int n = utf8_encode(cp, buf);
    return str_new(buf, (size_t)n);
}

// A str with the bytes [s, s+len) of a string whose code-point count is known.
Value str_sub(const char *s, size_t len, size_t cplen) {
    if (cplen == 1 && len == 1) {
        return str_char((unsigned char)s[0]);
    }
    ObjStr *o = str_alloc(cls_str, len);
    memcpy(o->data, s, len);
    o->cplen = cplen;
    return OBJ_VAL(o);
}

// Exact str of the same content (for subclass instances).
Value str_exact(Value v) {
    if (AS_OBJ(v)->cls == cls_str) {
        return v;
    }
    return str_sub(AS_STR(v)->data, AS_STR(v)->len, AS_STR(v)->cplen);
}

// ---- repr

Value str_repr(Value v) {
    ObjStr *s = AS_STR(v);
    bool has_sq = memchr(s->data, '\'', s->len) != NULL;
    bool has_dq = memchr(s->data, '"', s->len) != NULL;
    char q = (has_sq && !has_dq) ? '"' : '\'';
    SBuf b;
    sb_init(&b);
    sb_reserve(&b, s->len + 2);
    sb_addc(&b, q);
    size_t i = 0;
    while (i < s->len) {
        // a run of printable ASCII that needs no escape is copied whole
        // (the repr of a long path or message was a decode and an append
        // per character)
        size_t run = i;
        while (run < s->len) {
            unsigned char ch = (unsigned char)s->data[run];
            if (ch < 0x20 || ch >= 0x7f || ch == (unsigned char)q || ch == '\\') {
                break;
            }
            run++;
        }
        if (run > i) {
            sb_add(&b, s->data + i, run - i);
            i = run;
            continue;
        }
        size_t start = i;
        uint32_t c = utf8_decode(s->data, s->len, &i);
        char esc[16];
        if (c == (uint32_t)q || c == '\\') {
            sb_addc(&b, '\\');
            sb_addc(&b, (char)c);
        } else if (c == '\n') {
            sb_adds(&b, "\\n");
        } else if (c == '\t') {
            sb_adds(&b, "\\t");
        } else if (c == '\r') {
            sb_adds(&b, "\\r");
        } else if (cp_isprintable(c)) {
            sb_add(&b, s->data + start, i - start);
        } else {
            if (c < 0x100) {
                snprintf(esc, sizeof esc, "\\x%02x", c);
            } else if (c < 0x10000) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
            } else {
                snprintf(esc, sizeof esc, "\\U%08x", c);
            }
            sb_adds(&b, esc);
        }
    }
    sb_addc(&b, q);
    return sb_finish(&b);
}

// ---- slots

static Value str_repr_slot(Value v) {
    return str_repr(v);
}

static Value str_str_slot(Value v) {
    return str_exact(v);
}

static bool str_hash_slot(Value v, int64_t *out) {
    *out = str_hash(AS_STR(v));
    return true;
}

static Value str_richcompare(Value a, Value b, int op) {
    if (!str_check(a) || !str_check(b)) {
        return VAL_NOTIMPL;
    }
    ObjStr *x = AS_STR(a), *y = AS_STR(b);
    if (op == OP_EQ || op == OP_NE) {
        bool e = str_eq(x, y);
        return VAL_BOOL(op == OP_EQ ? e : !e);
    }
    size_t m = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data, y->data, m);
    if (c == 0) {
        c = x->len < y->len ? -1 : x->len > y->len ? 1 : 0;
    }
    switch (op) {
    case OP_LT: return VAL_BOOL(c < 0);
    case OP_LE: return VAL_BOOL(c <= 0);
    case OP_GT: return VAL_BOOL(c > 0);
    default: return VAL_BOOL(c >= 0);
    }
}

static bool user_defines(Value v, const char *dunder) {
    ObjClass *c = val_class(v);
    return (c->flags & CLS_USER) && class_lookup(c, str_intern_c(dunder)) != VAL_NULL;
}

static Value str_repeat(Value s, Value n) {
    int64_t k;
    if (!int_to_i64(n, &k)) {
        if (EXC_PENDING_IS(exc_OverflowError)) {
            exc_clear();
            exc_raise(exc_OverflowError, "cannot fit 'int' into an index-sized integer");
        }
        return VAL_NULL;
    }
    ObjStr *x = AS_STR(s);
    if (k <= 0 || x->len == 0) {
        return str_new("", 0);
    }
    if (k == 1 && x->hdr.cls == cls_str) {
        return s;
    }
    if ((uint64_t)k > (uint64_t)INT64_MAX / x->len) {
        return exc_raise(exc_OverflowError, "repeated string is too long");
    }
    ObjStr *o = str_try_alloc(cls_str, x->len * (size_t)k);
    if (!o) {
        return VAL_NULL;
    }
    mem_fill_repeat(o->data, x->data, x->len, (size_t)k);
    o->cplen = x->cplen * (size_t)k;
    return OBJ_VAL(o);
}

static Value str_binop(Value a, Value b, int op) {
    if (op >= BINOP_INPLACE) {
        op -= BINOP_INPLACE;
    }
    bool sa = str_check(a), sb = str_check(b);
    switch (op) {
    case 0:     // BIN_ADD
        if (sa && sb) {
            return str_concat(a, b);
        }
        if (sa && !user_defines(b, "__radd__")) {
            return exc_raise(exc_TypeError, "can only concatenate str (not \"%s\") to str",
                             val_type_name(b));
        }
        return VAL_NOTIMPL;
    case 2:     // BIN_MUL
        if (sa && int_check(b)) {
            return str_repeat(a, b);
        }
        if (sb && int_check(a)) {
            return str_repeat(b, a);
        }
        if (sa && sb) {
            return exc_raise(exc_TypeError, "can't multiply sequence by non-int of type 'str'");
        }
        if (sa && !sb && !user_defines(b, "__rmul__") &&
            !(IS_OBJ(b) && class_lookup(AS_OBJ(b)->cls, str_intern_c("__index__")))) {
            // (a count with __index__ repeats: obj_binop's sequence fallback)
            return exc_raise(exc_TypeError, "can't multiply sequence by non-int of type '%s'",
                             val_type_name(b));
        }
        if (sb && !sa && !(val_class(a)->flags & CLS_USER)) {
            return exc_raise(exc_TypeError, "can't multiply sequence by non-int of type '%s'",
                             val_type_name(a));
        }
        return VAL_NOTIMPL;
    case 5:     // BIN_MOD
        if (sa) {
            return str_percent_format(a, b);
        }
        return VAL_NOTIMPL;
    default:
        return VAL_NOTIMPL;
    }
}

// Computes slice indices like PySlice_GetIndicesEx (range.c's slice_indices:
// ints, None and objects with __index__).
static bool slice_get(Value key, int64_t len, int64_t *start, int64_t *stop, int64_t *step,
                      int64_t *slen) {
    return slice_indices((ObjSlice *)AS_OBJ(key), len, start, stop, step, slen);
}

Value str_getitem(Value self, Value key) {
    ObjStr *s = AS_STR(self);
    if (int_check(key)) {
        int64_t i;
        if (!int_to_i64(key, &i)) {
            exc_clear();
            return exc_raise(exc_IndexError, "cannot fit '%s' into an index-sized integer", val_type_name(key));
        }
        if (i < 0) {
            i += (int64_t)s->cplen;
        }
        if (i < 0 || i >= (int64_t)s->cplen) {
            return exc_raise(exc_IndexError, "string index out of range");
        }
        if (s->cplen == s->len) {
            return str_char((unsigned char)s->data[i]);
        }
        size_t b = str_cp_offset(s, (size_t)i);
        return str_char(utf8_decode(s->data, s->len, &b));
    }
    if (IS_A(key, cls_slice)) {
        int64_t start, stop, step, n;
        if (!slice_get(key, (int64_t)s->cplen, &start, &stop, &step, &n)) {
            return VAL_NULL;
        }
        if (step == 1) {
            if (n == (int64_t)s->cplen && s->hdr.cls == cls_str) {
                return self;
            }
            size_t b0 = str_cp_offset(s, (size_t)start);
            size_t b1 = n ? str_cp_offset(s, (size_t)(start + n)) : b0;
            return str_sub(s->data + b0, b1 - b0, (size_t)n);
        }
        SBuf b;
        sb_init(&b);
        if (s->cplen == s->len) {
            if (!sb_reserve(&b, (size_t)n)) {
                return VAL_NULL;
            }
            for (int64_t k = 0, i = start; k < n; k++, i += step) {
                b.data[b.len++] = s->data[i];
            }
            if (b.data) {
                b.data[b.len] = 0;
            }
        } else {
            // decode to code points once
            uint32_t *cps = mem_try_alloc(s->cplen * sizeof(uint32_t) + 1);
            if (!cps) {
                return VAL_NULL;
            }
            size_t p = 0, k = 0;
            while (p < s->len) {
                cps[k++] = utf8_decode(s->data, s->len, &p);
            }
            for (int64_t j = 0, i = start; j < n; j++, i += step) {
                char enc[4];
                sb_add(&b, enc, (size_t)utf8_encode(cps[i], enc));
            }
            mem_free(cps, s->cplen * sizeof(uint32_t) + 1);
        }
        return sb_finish(&b);
    }
    if (IS_OBJ(key) && class_lookup(AS_OBJ(key)->cls, str_intern_c("__index__"))) {
        int64_t i;
        if (!index_value(key, "string", &i)) {
            return VAL_NULL;
        }
        return str_getitem(self, FITS_SMALL(i) ? MK_SMALL(i) : MK_SMALL(SMALL_MAX));
    }
    return exc_raise(exc_TypeError, "string indices must be integers, not '%s'",
                     val_type_name(key));
}

int str_contains(Value self, Value item) {
    if (!str_check(item)) {
        exc_raise(exc_TypeError, "'in <string>' requires string as left operand, not %s",
                  val_type_name(item));
        return -1;
    }
    ObjStr *s = AS_STR(self), *t = AS_STR(item);
    return find_bytes(s->data, s->len, t->data, t->len) != NULL;
}

static int64_t str_len(Value self) {
    return (int64_t)AS_STR(self)->cplen;
}

static int str_truthy(Value self) {
    return AS_STR(self)->len != 0;
}

static Value str_iter(Value self) {
    ObjStrIter *it = (ObjStrIter *)obj_alloc_small(cls_str_iter, sizeof(ObjStrIter));
    it->str = self;
    it->pos = 0;
    return OBJ_VAL(it);
}

static Value striter_iter(Value self) {
    return self;
}

static int striter_next(Value self, Value *out) {
    ObjStrIter *it = (ObjStrIter *)AS_OBJ(self);
    ObjStr *s = AS_STR(it->str);
    if (it->pos >= s->len) {
        return 0;
    }
    *out = str_char(utf8_decode(s->data, s->len, &it->pos));
    return 1;
}

static void striter_trace(Obj *o) {
    gc_mark_value(((ObjStrIter *)o)->str);
}

// str_ascii_iterator.__reduce__(): (iter, (str,), index in code points), as
// CPython 3.11 (copy and pickle use it).
static Value striter_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    Value fn = builtins_get("iter");     // first: the lookup may run code that advances the iterator
    if (!fn) {
        return VAL_NULL;
    }
    gc_push_root(fn);
    ObjStrIter *it = (ObjStrIter *)AS_OBJ(argv[0]);
    ObjStr *s = AS_STR(it->str);
    int64_t index = 0;
    for (size_t i = 0; i < it->pos && i < s->len; i++) {
        index += ((unsigned char)s->data[i] & 0xC0) != 0x80;
    }
    Value args = tuple_pack(1, it->str);
    gc_push_root(args);
    // an exhausted iterator reduces to iter(''), as CPython's
    Value r = it->pos >= s->len ? tuple_pack(2, fn, tuple_pack(1, str_from_c("")))
                                : tuple_pack(3, fn, args, VAL_INT(index));
    gc_pop_root(2);
    return r;
}

// str_ascii_iterator.__setstate__(index): the next code point's index, clamped.
static Value striter_setstate(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    int64_t n;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__setstate__() takes exactly one argument (%d given)", argc - 1);
    }
    if (!ssize_value(argv[1], &n)) {
        return VAL_NULL;
    }
    ObjStrIter *it = (ObjStrIter *)AS_OBJ(argv[0]);
    ObjStr *s = AS_STR(it->str);
    size_t pos = 0;
    for (; n > 0 && pos < s->len; n--) {
        utf8_decode(s->data, s->len, &pos);
    }
    it->pos = pos;
    return VAL_NONE;
}

static const MethodDef striter_methods[] = {
    {"__reduce__", striter_reduce},
    {"__setstate__", striter_setstate},
    {NULL, NULL},
};

static Value str_new_slot(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"object", "encoding", "errors", NULL};
    if (!kw_only("str", kw, allowed)) {
        return VAL_NULL;
    }
    Value obj = kw_get(kw, "object");
    if (argc > 3) {
        return exc_raise(exc_TypeError, "str() takes at most 3 arguments (%d given)", argc);
    }
    if (argc >= 1) {
        obj = argv[0];
    }
    if (argc >= 2 || kw_get(kw, "encoding") || kw_get(kw, "errors")) {
        Value enc = argc >= 2 ? argv[1] : kw_get(kw, "encoding");
        Value errs = argc >= 3 ? argv[2] : kw_get(kw, "errors");
        const char *e, *r;
        if (!codec_args("str", enc, errs, &e, &r)) {
            return VAL_NULL;    // as CPython: the arguments' types are checked first
        }
        BufView b = {0};
        if (!obj) {
            obj = bytes_new("", 0);
        }
        int got = buffer_get(obj, &b);
        if (got < 0) {
            return VAL_NULL;
        }
        if (got == 0) {
            return exc_raise(exc_TypeError, str_check(obj) ? "decoding str is not supported"
                                                          : "decoding to str: need a bytes-like object, %s found",
                             val_type_name(obj));
        }
        Value d = codec_decode(b.ptr, b.len, e, r);
        if (!d || cls == cls_str) {
            return d;
        }
        obj = d;
    }
    Value r = obj ? obj_str(obj) : str_new("", 0);
    if (!r || cls == cls_str) {
        return r;
    }
    ObjStr *x = AS_STR(r);
    size_t size = sizeof(ObjStr) + x->len + 1;
    if (cls->inst_size > sizeof(ObjStr)) {
        size += cls->inst_size - sizeof(ObjStr);    // room for a subclass's extra fields
    }
    ObjStr *o = (ObjStr *)obj_alloc(cls, size);
    o->hash = -1;
    o->len = x->len;
    o->cplen = x->cplen;
    memcpy(o->data, x->data, x->len + 1);
    return OBJ_VAL(o);
}

// The C.UTF-8 locale of the wide ctype functions: made once per process
// (newlocale and freelocale are not free of races that ThreadSanitizer can
// see), never changed, shared read-only by every state.
static locale_t utf8_locale;

static void make_utf8_locale(void) {
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

void str_init(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_utf8_locale);
    ST->uloc = utf8_locale;
    gc_add_root_marker(str_mark_interned);
    cls_str = class_new_builtin("str", NULL, sizeof(ObjStr), str_methods);
    // strings interned before cls_str existed (class names) get their class now
    for (size_t k = 0; k < ST->icap; k++) {
        if (ST->itab[k] && !ST->itab[k]->hdr.cls) {
            ST->itab[k]->hdr.cls = cls_str;
        }
    }
    cls_str->flags |= CLS_BASETYPE;
    cls_str->new_ = str_new_slot;
    cls_str->repr = str_repr_slot;
    cls_str->str = str_str_slot;
    cls_str->hash = str_hash_slot;
    cls_str->richcompare = str_richcompare;
    cls_str->binop = str_binop;
    cls_str->getitem = str_getitem;
    cls_str->contains = str_contains;
    cls_str->len = str_len;
    cls_str->iter = str_iter;
    cls_str->truthy = str_truthy;

    cls_str_iter = class_new_builtin("str_ascii_iterator", NULL, sizeof(ObjStrIter), striter_methods);
    cls_str_iter->iter = striter_iter;
    cls_str_iter->next = striter_next;
    cls_str_iter->trace = striter_trace;

    for (int c = 0; c < 128; c++) {
        char ch = (char)c;
        ST->ascii_chars[c] = str_intern(&ch, 1);
    }
    // names the runtime looks up often (interned strings live as long as the state)
#define X(n, text) ST->s_##n = str_intern_c(text);
    STATE_NAMES(X)
#undef X
    ST->s_descr[0] = str_intern_c("__get__");
    ST->s_descr[1] = str_intern_c("__set__");
    ST->s_descr[2] = str_intern_c("__delete__");
    static const char *const forms[3] = {"__%s__", "__r%s__", "__i%s__"};
    for (int f = 0; f < 3; f++) {
        for (int op = 0; op < BIN__COUNT; op++) {
            char buf[32];
            snprintf(buf, sizeof buf, forms[f], ops_bin_stem[op]);
            ST->s_binop[f][op] = str_intern_c(buf);
        }
    }
    for (int op = 0; op < OP__RICH_COUNT; op++) {
        ST->s_cmp[op] = str_intern_c(ops_cmp_dunder[op]);
    }
}
