// str.c: the str class. Strings are immutable UTF-8 (ObjStr, NUL
// terminated) with their code-point length computed at creation, so
// indexing is O(1) for ASCII and a scan otherwise. Holds the intern table
// (an open-addressing set of ObjStr*, marked as GC roots by
// str_mark_interned), the cached 1-char ASCII strings, str's slots (repr with
// Python's quoting and escapes, hash, comparison, + * %, indexing and
// slicing, `in`, iteration) and its methods (split, join, strip, find,
// replace, case conversions, predicates, padding, partition ...). Case
// mapping and classification of non-ASCII code points use the C.UTF-8
// locale when the system has it, else only ASCII is mapped.
#define _GNU_SOURCE
#include <pthread.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "gc.h"
#include "numstr.h"
#include "containers.h"
#include "unicode_num.h"
#include "unicode_case.h"
#include "unicode_ident.h"
#include "unicode_class.h"
#include "runtime.h"


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

static size_t count_cp(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return n;
}

size_t str_cp_offset(ObjStr *s, size_t cp) {
    if (s->cplen == s->len) {
        return cp;
    }
    size_t i = 0, n = 0;
    while (i < s->len && n < cp) {
        i++;
        while (i < s->len && ((unsigned char)s->data[i] & 0xC0) == 0x80) {
            i++;
        }
        n++;
    }
    return i;
}

// Code-point index of byte offset [b].
static size_t byte_to_cp(ObjStr *s, size_t b) {
    return s->cplen == s->len ? b : count_cp(s->data, b);
}

// ---- character classes

static bool cp_isspace(uint32_t c) {
    if (c < 128) {
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    }
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
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

static bool cp_isalpha(uint32_t c) {
    if (c < 128) {
        return (c | 32) >= 'a' && (c | 32) <= 'z';
    }
    return UNI_IN(uni_alpha, c);
}

static bool cp_isdigit(uint32_t c) {
    return c < 128 ? c >= '0' && c <= '9' : UNI_IN(uni_digit, c);
}

static bool cp_isdecimal(uint32_t c) {
    return c < 128 ? c >= '0' && c <= '9' : UNI_IN(uni_decimal, c);
}

static bool cp_isnumeric(uint32_t c) {
    return c < 128 ? c >= '0' && c <= '9' : UNI_IN(uni_numeric, c);
}

static bool cp_isupper(uint32_t c) {
    if (c < 128) {
        return c >= 'A' && c <= 'Z';
    }
    return UNI_IN(uni_upper, c);
}

static bool cp_islower(uint32_t c) {
    if (c < 128) {
        return c >= 'a' && c <= 'z';
    }
    return UNI_IN(uni_lower, c);
}

static uint32_t cp_upper(uint32_t c) {
    if (c < 128) {
        return (c >= 'a' && c <= 'z') ? c - 32 : c;
    }
    return ST->uloc ? (uint32_t)towupper_l((wint_t)c, ST->uloc) : c;
}

static uint32_t cp_lower(uint32_t c) {
    if (c < 128) {
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    }
    return ST->uloc ? (uint32_t)towlower_l((wint_t)c, ST->uloc) : c;
}

static bool cp_isprintable(uint32_t c) {
    if (c < 128) {
        return c >= 0x20 && c < 0x7f;
    }
    return UNI_IN(uni_printable, c);
}

// ---- creation, interning, hashing

static ObjStr *str_alloc(ObjClass *cls, size_t len) {
    ObjStr *s = (ObjStr *)obj_alloc(cls, sizeof(ObjStr) + len + 1);
    s->hash = -1;
    s->len = len;
    s->data[len] = 0;
    return s;
}

// str_alloc for a length a program chose: NULL with MemoryError raised.
static ObjStr *str_try_alloc(ObjClass *cls, size_t len) {
    size_t size;
    if (!mem_size(len, 1, sizeof(ObjStr) + 1, &size)) {
        return NULL;
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
    ObjStr *o = str_try_alloc(cls_str, len);
    if (!o) {
        return VAL_NULL;
    }
    if (len) {
        memcpy(o->data, s, len);
    }
    o->cplen = count_cp(o->data, len);
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

static int64_t hash_bytes(const char *s, size_t len) {
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    int64_t r = (int64_t)(h >> 1);      // keep it nonnegative
    return r;
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

// The intern table: open addressing, linear probing, load <= 1/2.

static void intern_insert(ObjStr *s) {
    size_t m = ST->icap - 1;
    size_t i = (size_t)str_hash(s) & m;
    while (ST->itab[i]) {
        i = (i + 1) & m;
    }
    ST->itab[i] = s;
    ST->icount++;
}

Value str_intern(const char *s, size_t len) {
    if ((ST->icount + 1) * 2 > ST->icap) {
        ObjStr **old = ST->itab;
        size_t oldcap = ST->icap;
        ST->icap = ST->icap ? ST->icap * 2 : 1024;
        ST->itab = mem_alloc(ST->icap * sizeof(ObjStr *));
        memset(ST->itab, 0, ST->icap * sizeof(ObjStr *));
        ST->icount = 0;
        for (size_t k = 0; k < oldcap; k++) {
            if (old[k]) {
                intern_insert(old[k]);
            }
        }
        if (old) {
            mem_free(old, oldcap * sizeof(ObjStr *));
        }
    }
    int64_t h = hash_bytes(s, len);
    size_t m = ST->icap - 1;
    size_t i = (size_t)h & m;
    while (ST->itab[i]) {
        ObjStr *e = ST->itab[i];
        if (e->hash == h && e->len == len && memcmp(e->data, s, len) == 0) {
            return OBJ_VAL(e);
        }
        i = (i + 1) & m;
    }
    Value v = str_new(s, len);
    ObjStr *o = AS_STR(v);
    o->hash = h;
    o->interned = true;
    ST->itab[i] = o;
    ST->icount++;
    return v;
}

ObjStr *str_intern_c(const char *s) {
    return AS_STR(str_intern(s, strlen(s)));
}

void str_mark_interned(void) {
    for (size_t k = 0; k < ST->icap; k++) {
        if (ST->itab[k]) {
            gc_mark_obj(&ST->itab[k]->hdr);
        }
    }
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

Value str_char(uint32_t cp) {
    if (cp < 128 && ST->ascii_chars[cp]) {
        return ST->ascii_chars[cp];
    }
    char buf[4];
    int n = utf8_encode(cp, buf);
    return str_new(buf, (size_t)n);
}

// A str with the bytes [s, s+len) of a string whose code-point count is known.
static Value str_sub(const char *s, size_t len, size_t cplen) {
    if (cplen == 1 && len == 1) {
        return str_char((unsigned char)s[0]);
    }
    ObjStr *o = str_alloc(cls_str, len);
    memcpy(o->data, s, len);
    o->cplen = cplen;
    return OBJ_VAL(o);
}

// Exact str of the same content (for subclass instances).
static Value str_exact(Value v) {
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

// ---- argument helpers

static bool name_in(const char *name, const char *const *names) {
    for (; *names; names++) {
        if (strcmp(name, *names) == 0) {
            return true;
        }
    }
    return false;
}

static bool nargs(const char *name, int n, int min, int max) {
    // CPython words these differently by how each method parses arguments.
    static const char *const old_style[] = {"find", "rfind", "index", "rindex", "count",
                                            "startswith", "endswith", NULL};
    static const char *const positional[] = {"strip", "lstrip", "rstrip", "center", "ljust",
                                             "rjust", "replace", NULL};
    if (n < min) {
        if (min == 1 && max == 1) {
            exc_raise(exc_TypeError, "str.%s() takes exactly one argument (%d given)", name, n);
        } else if (name_in(name, old_style)) {
            exc_raise(exc_TypeError, "%s() takes at least %d argument (%d given)", name, min, n);
        } else {
            exc_raise(exc_TypeError, "%s expected at least %d argument%s, got %d", name, min,
                      min == 1 ? "" : "s", n);
        }
        return false;
    }
    if (n > max) {
        if (max == 0) {
            exc_raise(exc_TypeError, "str.%s() takes no arguments (%d given)", name, n);
        } else if (max == 1 && min == 1) {
            exc_raise(exc_TypeError, "str.%s() takes exactly one argument (%d given)", name, n);
        } else if (name_in(name, positional)) {
            exc_raise(exc_TypeError, "%s expected at most %d argument%s, got %d", name, max,
                      max == 1 ? "" : "s", n);
        } else {
            exc_raise(exc_TypeError, "%s() takes at most %d argument%s (%d given)", name, max,
                      max == 1 ? "" : "s", n);
        }
        return false;
    }
    return true;
}

static bool need_str(Value v) {
    if (!str_check(v)) {
        exc_raise(exc_TypeError, "must be str, not %s", val_type_name(v));
        return false;
    }
    return true;
}

// Clamps a Python index value (int or None) for a sequence of [len].
static bool index_arg(Value v, int64_t len, int64_t dflt, int64_t *out) {
    if (!v || IS_NONE(v)) {
        *out = dflt;
        return true;
    }
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "slice indices must be integers or None or have an __index__ method");
        return false;
    }
    int64_t i;
    if (!int_to_i64(v, &i)) {
        exc_clear();
        i = int_float_cmp(v, 0.0) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
    }
    if (i < 0) {
        i += len;
        if (i < 0) {
            i = 0;
        }
    } else if (i > len) {
        i = len;
    }
    *out = i;
    return true;
}

// Resolves optional (start, end) at argv[0..n) into a cp range and byte
// range of [s]. Returns false on error; *empty when start > len.
typedef struct Range {
    int64_t cstart, cend;   // code points
    size_t bstart, bend;    // bytes
    bool past_end;          // start > len
    bool inverted;          // end < start after adjustment (CPython: no match, even of '')
} Range;

static bool get_range(ObjStr *s, int n, Value *argv, Range *r) {
    int64_t len = (int64_t)s->cplen;
    int64_t st = 0, en = len;
    r->past_end = false;
    r->inverted = false;
    if (n > 0 && argv[0] && !IS_NONE(argv[0])) {
        if (!int_check(argv[0])) {
            return index_arg(argv[0], len, 0, &st);
        }
        int64_t raw;
        if (int_to_i64(argv[0], &raw) && raw > len) {
            r->past_end = true;
        }
        exc_clear();
        if (!index_arg(argv[0], len, 0, &st)) {
            return false;
        }
    }
    if (n > 1 && !index_arg(argv[1], len, len, &en)) {
        return false;
    }
    if (en < st) {
        en = st;
        r->inverted = true;
    }
    r->cstart = st;
    r->cend = en;
    r->bstart = str_cp_offset(s, (size_t)st);
    r->bend = str_cp_offset(s, (size_t)en);
    return true;
}

static const char *find_bytes(const char *h, size_t hl, const char *n, size_t nl) {
    if (nl == 0) {
        return h;
    }
    if (nl > hl) {
        return NULL;
    }
    return memmem(h, hl, n, nl);
}

static const char *rfind_bytes(const char *h, size_t hl, const char *n, size_t nl) {
    if (nl > hl) {
        return NULL;
    }
    for (size_t i = hl - nl + 1; i-- > 0;) {
        if (memcmp(h + i, n, nl) == 0) {
            return h + i;
        }
    }
    return NULL;
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
    for (int64_t i = 0; i < k; i++) {
        memcpy(o->data + (size_t)i * x->len, x->data, x->len);
    }
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
        if (sa && !sb && !user_defines(b, "__rmul__")) {
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

// Computes slice indices like PySlice_GetIndicesEx; returns the length.
static bool slice_get(Value key, int64_t len, int64_t *start, int64_t *stop, int64_t *step,
                      int64_t *slen) {
    ObjSlice *sl = (ObjSlice *)AS_OBJ(key);
    int64_t st = 1;
    if (sl->step && !IS_NONE(sl->step)) {
        if (!int_check(sl->step)) {
            exc_raise(exc_TypeError,
                      "slice indices must be integers or None or have an __index__ method");
            return false;
        }
        if (!int_to_i64(sl->step, &st)) {
            exc_clear();
            st = int_float_cmp(sl->step, 0.0) < 0 ? -INT64_MAX : INT64_MAX;
        }
        if (st == 0) {
            exc_raise(exc_ValueError, "slice step cannot be zero");
            return false;
        }
    }
    int64_t lo, hi;
    Value vals[2] = {sl->start, sl->stop};
    int64_t out[2];
    for (int k = 0; k < 2; k++) {
        Value v = vals[k];
        if (!v || IS_NONE(v)) {
            if (k == 0) {
                out[k] = st > 0 ? 0 : len - 1;
            } else {
                out[k] = st > 0 ? len : -1;
            }
            continue;
        }
        if (!int_check(v)) {
            exc_raise(exc_TypeError,
                      "slice indices must be integers or None or have an __index__ method");
            return false;
        }
        int64_t i;
        if (!int_to_i64(v, &i)) {
            exc_clear();
            i = int_float_cmp(v, 0.0) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        }
        if (i < 0) {
            i += len;
            if (i < 0) {
                i = st < 0 ? -1 : 0;
            }
        } else if (i >= len) {
            i = st < 0 ? len - 1 : len;
        }
        out[k] = i;
    }
    lo = out[0];
    hi = out[1];
    int64_t n = 0;
    if (st < 0) {
        if (hi < lo) {
            n = (lo - hi - 1) / (-st) + 1;
        }
    } else if (lo < hi) {
        n = (hi - lo - 1) / st + 1;
    }
    *start = lo;
    *stop = hi;
    *step = st;
    *slen = n;
    return true;
}

static Value str_getitem(Value self, Value key) {
    ObjStr *s = AS_STR(self);
    if (int_check(key)) {
        int64_t i;
        if (!int_to_i64(key, &i)) {
            exc_clear();
            return exc_raise(exc_IndexError, "string index out of range");
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

static int str_contains(Value self, Value item) {
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
    ObjStrIter *it = (ObjStrIter *)obj_alloc(cls_str_iter, sizeof(ObjStrIter));
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

static Value str_new_slot(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value obj = kw_get(kw, "object");
    if (argc > 3) {
        return exc_raise(exc_TypeError, "str() takes at most 3 arguments (%d given)", argc);
    }
    if (argc >= 1) {
        obj = argv[0];
    }
    if (argc >= 2 || kw_get(kw, "encoding")) {
        return exc_raise(exc_TypeError, "decoding str is not supported");
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

// ---- methods: searching

#define SELF AS_STR(argv[0])

static Value m_find_impl(int argc, Value *argv, const char *name, bool rev, bool raise) {
    if (!nargs(name, argc - 1, 1, 3) || !need_str(argv[1])) {
        return VAL_NULL;
    }
    ObjStr *s = SELF, *t = AS_STR(argv[1]);
    Range r;
    if (!get_range(s, argc - 2, argv + 2, &r)) {
        return VAL_NULL;
    }
    const char *p = NULL;
    if (!r.past_end && !r.inverted) {
        p = rev ? rfind_bytes(s->data + r.bstart, r.bend - r.bstart, t->data, t->len)
                : find_bytes(s->data + r.bstart, r.bend - r.bstart, t->data, t->len);
    }
    if (!p) {
        if (raise) {
            return exc_raise(exc_ValueError, "substring not found");
        }
        return MK_SMALL(-1);
    }
    size_t b = (size_t)(p - s->data);
    return int_from_i64((int64_t)byte_to_cp(s, b));
}

static Value m_find(int argc, Value *argv, ObjDict *kw) {
    return m_find_impl(argc, argv, "find", false, false);
}

static Value m_rfind(int argc, Value *argv, ObjDict *kw) {
    return m_find_impl(argc, argv, "rfind", true, false);
}

static Value m_index(int argc, Value *argv, ObjDict *kw) {
    return m_find_impl(argc, argv, "index", false, true);
}

static Value m_rindex(int argc, Value *argv, ObjDict *kw) {
    return m_find_impl(argc, argv, "rindex", true, true);
}

static Value m_count(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("count", argc - 1, 1, 3) || !need_str(argv[1])) {
        return VAL_NULL;
    }
    ObjStr *s = SELF, *t = AS_STR(argv[1]);
    Range r;
    if (!get_range(s, argc - 2, argv + 2, &r)) {
        return VAL_NULL;
    }
    if (r.past_end || r.inverted) {
        return MK_SMALL(0);
    }
    if (t->len == 0) {
        return int_from_i64(r.cend - r.cstart + 1);
    }
    int64_t n = 0;
    const char *h = s->data + r.bstart;
    size_t hl = r.bend - r.bstart;
    const char *p;
    while ((p = find_bytes(h, hl, t->data, t->len)) != NULL) {
        n++;
        hl -= (size_t)(p - h) + t->len;
        h = p + t->len;
    }
    return int_from_i64(n);
}

static Value m_starts_ends(int argc, Value *argv, const char *name, bool ends) {
    if (!nargs(name, argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    ObjStr *s = SELF;
    Range r;
    if (!get_range(s, argc - 2, argv + 2, &r)) {
        return VAL_NULL;
    }
    Value pre = argv[1];
    size_t n = 1;
    Value *items = &pre;
    if (IS_TUPLE(pre)) {
        n = AS_TUPLE(pre)->len;
        items = AS_TUPLE(pre)->items;
    } else if (!str_check(pre)) {
        return exc_raise(exc_TypeError, "%s first arg must be str or a tuple of str, not %s",
                         name, val_type_name(pre));
    }
    if (r.past_end || r.inverted) {
        return VAL_FALSE;
    }
    for (size_t k = 0; k < n; k++) {
        if (!str_check(items[k])) {
            return exc_raise(exc_TypeError,
                             "tuple for %s must only contain str, not %s", name,
                             val_type_name(items[k]));
        }
        ObjStr *t = AS_STR(items[k]);
        size_t hl = r.bend - r.bstart;
        if (t->len > hl) {
            continue;
        }
        const char *at = ends ? s->data + r.bend - t->len : s->data + r.bstart;
        if (memcmp(at, t->data, t->len) == 0) {
            return VAL_TRUE;
        }
    }
    return VAL_FALSE;
}

static Value m_startswith(int argc, Value *argv, ObjDict *kw) {
    return m_starts_ends(argc, argv, "startswith", false);
}

static Value m_endswith(int argc, Value *argv, ObjDict *kw) {
    return m_starts_ends(argc, argv, "endswith", true);
}

// ---- methods: split and join

static Value m_split_impl(int argc, Value *argv, ObjDict *kw, bool rev) {
    const char *name = rev ? "rsplit" : "split";
    if (!nargs(name, argc - 1, 0, 2)) {
        return VAL_NULL;
    }
    Value sepv = argc > 1 ? argv[1] : kw_get(kw, "sep");
    Value maxv = argc > 2 ? argv[2] : kw_get(kw, "maxsplit");
    int64_t maxsplit = -1;
    if (maxv && !int_to_i64(maxv, &maxsplit)) {
        return VAL_NULL;
    }
    if (maxsplit < 0) {
        maxsplit = INT64_MAX;
    }
    ObjStr *s = SELF;
    Value list = list_new(0);
    gc_push_root(list);
    ObjList *l = AS_LIST(list);
    bool ok = true;     // false once an append failed (MemoryError)
    if (!sepv || IS_NONE(sepv)) {
        if (!rev) {
            size_t i = 0;
            while (i < s->len) {
                // skip whitespace
                size_t j = i;
                while (j < s->len) {
                    size_t k = j;
                    if (!cp_isspace(utf8_decode(s->data, s->len, &k))) {
                        break;
                    }
                    j = k;
                }
                i = j;
                if (i >= s->len) {
                    break;
                }
                if (maxsplit-- == 0) {
                    size_t e = s->len;      // the rest is kept whole
                    ok &= list_append(l, str_sub(s->data + i, e - i, count_cp(s->data + i, e - i)));
                    break;
                }
                while (j < s->len) {
                    size_t k = j;
                    if (cp_isspace(utf8_decode(s->data, s->len, &k))) {
                        break;
                    }
                    j = k;
                }
                ok &= list_append(l, str_sub(s->data + i, j - i, count_cp(s->data + i, j - i)));
                i = j;
            }
        } else {
            // decode code points for reverse scanning
            size_t n = s->cplen;
            uint32_t *cps = mem_alloc(n * sizeof(uint32_t) + 1);
            size_t *offs = mem_alloc((n + 1) * sizeof(size_t));
            size_t p = 0, k = 0;
            while (p < s->len) {
                offs[k] = p;
                cps[k++] = utf8_decode(s->data, s->len, &p);
            }
            offs[n] = s->len;
            int64_t i = (int64_t)n - 1;
            while (i >= 0) {
                while (i >= 0 && cp_isspace(cps[i])) {
                    i--;
                }
                if (i < 0) {
                    break;
                }
                int64_t end = i + 1;
                if (maxsplit-- == 0) {
                    ok &= list_append(l, str_sub(s->data, offs[end], (size_t)end));
                    break;
                }
                while (i >= 0 && !cp_isspace(cps[i])) {
                    i--;
                }
                ok &= list_append(l, str_sub(s->data + offs[i + 1], offs[end] - offs[i + 1],
                                       (size_t)(end - i - 1)));
            }
            mem_free(cps, n * sizeof(uint32_t) + 1);
            mem_free(offs, (n + 1) * sizeof(size_t));
            // reverse
            for (size_t a = 0, b = l->len ? l->len - 1 : 0; a < b; a++, b--) {
                Value t = l->items[a];
                l->items[a] = l->items[b];
                l->items[b] = t;
            }
        }
        gc_pop_root(1);
        return ok ? list : VAL_NULL;
    }
    if (!str_check(sepv)) {
        gc_pop_root(1);
        return exc_raise(exc_TypeError, "must be str or None, not %s", val_type_name(sepv));
    }
    ObjStr *t = AS_STR(sepv);
    if (t->len == 0) {
        gc_pop_root(1);
        return exc_raise(exc_ValueError, "empty separator");
    }
    if (!rev) {
        size_t i = 0;
        const char *p;
        while (maxsplit > 0 && (p = find_bytes(s->data + i, s->len - i, t->data, t->len))) {
            size_t b = (size_t)(p - s->data);
            ok &= list_append(l, str_sub(s->data + i, b - i, count_cp(s->data + i, b - i)));
            i = b + t->len;
            maxsplit--;
        }
        ok &= list_append(l, str_sub(s->data + i, s->len - i, count_cp(s->data + i, s->len - i)));
    } else {
        size_t e = s->len;
        const char *p;
        while (maxsplit > 0 && (p = rfind_bytes(s->data, e, t->data, t->len))) {
            size_t b = (size_t)(p - s->data) + t->len;
            ok &= list_append(l, str_sub(s->data + b, e - b, count_cp(s->data + b, e - b)));
            e = (size_t)(p - s->data);
            maxsplit--;
        }
        ok &= list_append(l, str_sub(s->data, e, count_cp(s->data, e)));
        for (size_t a = 0, b = l->len - 1; a < b; a++, b--) {
            Value tmp = l->items[a];
            l->items[a] = l->items[b];
            l->items[b] = tmp;
        }
    }
    gc_pop_root(1);
    return ok ? list : VAL_NULL;
}

static Value m_split(int argc, Value *argv, ObjDict *kw) {
    return m_split_impl(argc, argv, kw, false);
}

static Value m_rsplit(int argc, Value *argv, ObjDict *kw) {
    return m_split_impl(argc, argv, kw, true);
}

Value str_join_list(Value sep, Value iterable) {
    Value seq = iterable;
    if (!IS_LIST(seq) && !IS_TUPLE(seq)) {
        ObjClass *ic = val_class(iterable);
        if (!ic->iter && !ic->getitem) {
            return exc_raise(exc_TypeError, "can only join an iterable");
        }
        seq = seq_to_list(iterable);
        if (!seq) {
            return VAL_NULL;
        }
    }
    size_t n = IS_LIST(seq) ? AS_LIST(seq)->len : AS_TUPLE(seq)->len;
    Value *items = IS_LIST(seq) ? AS_LIST(seq)->items : AS_TUPLE(seq)->items;
    if (n == 1 && IS_STR(items[0])) {
        return items[0];
    }
    ObjStr *sp = AS_STR(sep);
    size_t total = 0, cps = 0;
    for (size_t i = 0; i < n; i++) {
        if (!str_check(items[i])) {
            return exc_raise(exc_TypeError, "sequence item %zu: expected str instance, %s found",
                             i, val_type_name(items[i]));
        }
        if (__builtin_add_overflow(total, AS_STR(items[i])->len, &total)) {
            return exc_raise(exc_OverflowError, "join() result is too long for a Python string");
        }
        cps += AS_STR(items[i])->cplen;
    }
    if (n > 1) {
        size_t seps;
        if (__builtin_mul_overflow(sp->len, n - 1, &seps) ||
            __builtin_add_overflow(total, seps, &total)) {
            return exc_raise(exc_OverflowError, "join() result is too long for a Python string");
        }
        cps += sp->cplen * (n - 1);
    }
    gc_push_root(seq);
    ObjStr *o = str_try_alloc(cls_str, total);
    gc_pop_root(1);
    if (!o) {
        return VAL_NULL;
    }
    char *d = o->data;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            memcpy(d, sp->data, sp->len);
            d += sp->len;
        }
        ObjStr *it = AS_STR(items[i]);
        memcpy(d, it->data, it->len);
        d += it->len;
    }
    o->cplen = cps;
    return OBJ_VAL(o);
}

static Value m_join(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "str.join() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return str_join_list(argv[0], argv[1]);
}

static Value m_splitlines(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("splitlines", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    Value kv = argc > 1 ? argv[1] : kw_get(kw, "keepends");
    int keep = 0;
    if (kv && (keep = obj_truthy(kv)) < 0) {
        return VAL_NULL;
    }
    ObjStr *s = SELF;
    Value list = list_new(0);
    gc_push_root(list);
    size_t i = 0, start = 0;
    bool ok = true;     // false once an append failed (MemoryError)
    while (ok && i < s->len) {
        size_t k = i;
        uint32_t c = utf8_decode(s->data, s->len, &k);
        bool brk = c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d ||
                   c == 0x1e || c == 0x85 || c == 0x2028 || c == 0x2029;
        if (!brk) {
            i = k;
            continue;
        }
        size_t eol = i;
        if (c == '\r' && k < s->len && s->data[k] == '\n') {
            k++;
        }
        size_t end = keep ? k : eol;
        Value line = str_sub(s->data + start, end - start, count_cp(s->data + start, end - start));
        ok = list_append(AS_LIST(list), line);
        i = start = k;
    }
    if (ok && start < s->len) {
        ok = list_append(AS_LIST(list), str_sub(s->data + start, s->len - start,
                                                count_cp(s->data + start, s->len - start)));
    }
    gc_pop_root(1);
    return ok ? list : VAL_NULL;
}

static Value m_partition_impl(int argc, Value *argv, bool rev) {
    const char *name = rev ? "rpartition" : "partition";
    if (argc != 2) {
        return exc_raise(exc_TypeError, "str.%s() takes exactly one argument (%d given)", name,
                         argc - 1);
    }
    if (!need_str(argv[1])) {
        return VAL_NULL;
    }
    ObjStr *s = SELF, *t = AS_STR(argv[1]);
    if (t->len == 0) {
        return exc_raise(exc_ValueError, "empty separator");
    }
    const char *p = rev ? rfind_bytes(s->data, s->len, t->data, t->len)
                        : find_bytes(s->data, s->len, t->data, t->len);
    Value a, b, c;
    if (!p) {
        Value e = str_new("", 0);
        gc_push_root(e);
        Value whole = str_exact(argv[0]);
        gc_pop_root(1);
        return rev ? tuple_pack(3, e, e, whole) : tuple_pack(3, whole, e, e);
    }
    size_t at = (size_t)(p - s->data);
    a = str_sub(s->data, at, count_cp(s->data, at));
    gc_push_root(a);
    b = str_exact(argv[1]);
    gc_push_root(b);
    size_t rest = at + t->len;
    c = str_sub(s->data + rest, s->len - rest, count_cp(s->data + rest, s->len - rest));
    gc_push_root(c);
    Value r = tuple_pack(3, a, b, c);
    gc_pop_root(3);
    return r;
}

static Value m_partition(int argc, Value *argv, ObjDict *kw) {
    return m_partition_impl(argc, argv, false);
}

static Value m_rpartition(int argc, Value *argv, ObjDict *kw) {
    return m_partition_impl(argc, argv, true);
}

// ---- methods: strip, replace

static Value strip_impl(int argc, Value *argv, const char *name, int which) {
    if (!nargs(name, argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    ObjStr *s = SELF;
    uint32_t *set = NULL;
    size_t nset = 0;
    if (argc > 1 && !IS_NONE(argv[1])) {
        if (!str_check(argv[1])) {
            return exc_raise(exc_TypeError, "%s arg must be None or str", name);
        }
        ObjStr *c = AS_STR(argv[1]);
        set = mem_alloc(c->cplen * sizeof(uint32_t) + 1);
        size_t p = 0;
        while (p < c->len) {
            set[nset++] = utf8_decode(c->data, c->len, &p);
        }
    }
    size_t i = 0, e = s->len;
    if (which & 1) {
        while (i < e) {
            size_t k = i;
            uint32_t c = utf8_decode(s->data, s->len, &k);
            bool hit = false;
            if (set) {
                for (size_t q = 0; q < nset; q++) {
                    hit |= set[q] == c;
                }
            } else {
                hit = cp_isspace(c);
            }
            if (!hit) {
                break;
            }
            i = k;
        }
    }
    if (which & 2) {
        while (e > i) {
            size_t b = e - 1;
            while (b > i && ((unsigned char)s->data[b] & 0xC0) == 0x80) {
                b--;
            }
            size_t k = b;
            uint32_t c = utf8_decode(s->data, s->len, &k);
            bool hit = false;
            if (set) {
                for (size_t q = 0; q < nset; q++) {
                    hit |= set[q] == c;
                }
            } else {
                hit = cp_isspace(c);
            }
            if (!hit) {
                break;
            }
            e = b;
        }
    }
    if (set) {
        mem_free(set, AS_STR(argv[1])->cplen * sizeof(uint32_t) + 1);
    }
    if (i == 0 && e == s->len) {
        return str_exact(argv[0]);
    }
    return str_sub(s->data + i, e - i, count_cp(s->data + i, e - i));
}

static Value m_strip(int argc, Value *argv, ObjDict *kw) {
    return strip_impl(argc, argv, "strip", 3);
}

static Value m_lstrip(int argc, Value *argv, ObjDict *kw) {
    return strip_impl(argc, argv, "lstrip", 1);
}

static Value m_rstrip(int argc, Value *argv, ObjDict *kw) {
    return strip_impl(argc, argv, "rstrip", 2);
}

static Value m_replace(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("replace", argc - 1, 2, 3)) {
        return VAL_NULL;
    }
    for (int k = 1; k <= 2; k++) {
        if (!str_check(argv[k])) {
            return exc_raise(exc_TypeError, "replace() argument %d must be str, not %s", k,
                             val_type_name(argv[k]));
        }
    }
    int64_t count = -1;
    if (argc > 3 && !int_to_i64(argv[3], &count)) {
        return VAL_NULL;
    }
    if (count < 0) {
        count = INT64_MAX;
    }
    ObjStr *s = SELF, *o = AS_STR(argv[1]), *n = AS_STR(argv[2]);
    // the result's size first (as CPython), so a huge one fails at once
    size_t matches = 0;
    if (o->len == 0) {
        matches = (uint64_t)count < s->cplen + 1 ? (size_t)count : s->cplen + 1;
    } else if (n->len > o->len) {
        const char *p;
        for (size_t i = 0; (int64_t)matches < count &&
             (p = find_bytes(s->data + i, s->len - i, o->data, o->len)); matches++) {
            i = (size_t)(p - s->data) + o->len;
        }
    }
    SBuf b;
    sb_init(&b);
    size_t total;
    if (!mem_size(matches, n->len, s->len, &total) || !sb_reserve(&b, total)) {
        return VAL_NULL;
    }
    if (o->len == 0) {
        size_t i = 0;
        while (count > 0 && i <= s->len) {
            sb_add(&b, n->data, n->len);
            count--;
            if (i == s->len) {
                i++;
                break;
            }
            size_t k = i;
            utf8_decode(s->data, s->len, &k);
            sb_add(&b, s->data + i, k - i);
            i = k;
        }
        if (i < s->len) {
            sb_add(&b, s->data + i, s->len - i);
        }
        return sb_finish(&b);
    }
    size_t i = 0;
    const char *p;
    bool any = false;
    while (count > 0 && (p = find_bytes(s->data + i, s->len - i, o->data, o->len))) {
        size_t at = (size_t)(p - s->data);
        sb_add(&b, s->data + i, at - i);
        sb_add(&b, n->data, n->len);
        i = at + o->len;
        count--;
        any = true;
    }
    if (!any) {
        sb_free(&b);
        return str_exact(argv[0]);
    }
    sb_add(&b, s->data + i, s->len - i);
    return sb_finish(&b);
}

// ---- methods: case and predicates

enum { CASE_KEEP, CASE_UPPER, CASE_LOWER, CASE_TITLE, CASE_FOLD };

// The table entry of c in uni_case (full and special mappings), or NULL.
static const UniCase *special_case(uint32_t c) {
    if (c < 0xB5) {
        return NULL;
    }
    size_t lo = 0, hi = sizeof uni_case / sizeof uni_case[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (uni_case[mid].cp == c) {
            return &uni_case[mid];
        }
        if (uni_case[mid].cp < c) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

// Appends c mapped by kind (one of CASE_*) to b: one or several code points.
static void add_case(SBuf *b, uint32_t c, int kind) {
    const UniCase *sc = kind == CASE_KEEP ? NULL : special_case(c);
    char enc[4];
    if (sc) {
        const uint32_t *m = kind == CASE_UPPER ? sc->upper
                            : kind == CASE_LOWER ? sc->lower
                            : kind == CASE_TITLE ? sc->title : sc->fold;
        for (int k = 0; k < 3 && m[k]; k++) {
            sb_add(b, enc, (size_t)utf8_encode(m[k], enc));
        }
        return;
    }
    uint32_t m = kind == CASE_UPPER || kind == CASE_TITLE ? cp_upper(c)
                 : kind == CASE_LOWER || kind == CASE_FOLD ? cp_lower(c) : c;
    sb_add(b, enc, (size_t)utf8_encode(m, enc));
}

// Chooses the mapping (CASE_*) of code point c; state carries over the string.
typedef int (*CaseSel)(uint32_t c, bool *state);

static Value map_cps(Value self, CaseSel f) {
    ObjStr *s = AS_STR(self);
    SBuf b;
    sb_init(&b);
    sb_reserve(&b, s->len);
    size_t i = 0;
    bool state = false;
    bool prev_cased = false;
    while (i < s->len) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        int kind = f(c, &state);
        if (c == 0x3A3 && kind == CASE_LOWER && prev_cased) {
            // Final sigma: 'Σ' after a cased letter and not before one is 'ς'.
            size_t k = i;
            uint32_t next = k < s->len ? utf8_decode(s->data, s->len, &k) : 0;
            if (!(next && (cp_isupper(next) || cp_islower(next)))) {
                char enc[4];
                sb_add(&b, enc, (size_t)utf8_encode(0x3C2, enc));
                prev_cased = true;
                continue;
            }
        }
        prev_cased = cp_isupper(c) || cp_islower(c);
        add_case(&b, c, kind);
    }
    return sb_finish(&b);
}

static int f_upper(uint32_t c, bool *st) {
    return CASE_UPPER;
}

static int f_lower(uint32_t c, bool *st) {
    return CASE_LOWER;
}

static int f_fold(uint32_t c, bool *st) {
    return CASE_FOLD;
}

// A title-case letter ('ǅ', category Lt): neither upper nor lower case.
static bool cp_istitlecase(uint32_t c) {
    const UniCase *sc = special_case(c);
    return sc && sc->title[0] == c && !sc->title[1] && sc->upper[0] != c && !cp_islower(c);
}

static int f_swap(uint32_t c, bool *st) {
    if (cp_istitlecase(c)) {
        return CASE_KEEP;
    }
    if (cp_isupper(c)) {
        return CASE_LOWER;
    }
    if (cp_islower(c)) {
        return CASE_UPPER;
    }
    return CASE_KEEP;
}

// title(): a cased character after a cased one goes lower, else title case.
static int f_title(uint32_t c, bool *prev_cased) {
    int r = *prev_cased ? CASE_LOWER : CASE_TITLE;
    *prev_cased = cp_isupper(c) || cp_islower(c) || special_case(c);
    return r;
}

// capitalize(): the first character in title case (as CPython 3.8+), the rest lower.
static int f_capitalize(uint32_t c, bool *started) {
    int r = *started ? CASE_LOWER : CASE_TITLE;
    *started = true;
    return r;
}

static Value m_upper(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("upper", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return map_cps(argv[0], f_upper);
}

static Value m_lower(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("lower", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return map_cps(argv[0], f_lower);
}

// casefold(): full case folding ('ß' -> "ss", 'ς' -> 'σ').
static Value m_casefold(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("casefold", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return map_cps(argv[0], f_fold);
}

static Value m_swapcase(int argc, Value *argv, ObjDict *kw) {
    return map_cps(argv[0], f_swap);
}

static Value m_title(int argc, Value *argv, ObjDict *kw) {
    return map_cps(argv[0], f_title);
}

static Value m_capitalize(int argc, Value *argv, ObjDict *kw) {
    return map_cps(argv[0], f_capitalize);
}

typedef bool (*CpPred)(uint32_t c);

// all(pred(c)) over a nonempty string.
static Value all_cps(Value self, CpPred p) {
    ObjStr *s = AS_STR(self);
    if (s->len == 0) {
        return VAL_FALSE;
    }
    size_t i = 0;
    while (i < s->len) {
        if (!p(utf8_decode(s->data, s->len, &i))) {
            return VAL_FALSE;
        }
    }
    return VAL_TRUE;
}

static bool p_alnum(uint32_t c) {
    return cp_isalpha(c) || cp_isnumeric(c);  // CPython: alpha, decimal, digit or numeric
}

static Value m_isdecimal(int argc, Value *argv, ObjDict *kw) {
    return all_cps(argv[0], cp_isdecimal);
}

static Value m_isnumeric(int argc, Value *argv, ObjDict *kw) {
    return all_cps(argv[0], cp_isnumeric);
}

static Value m_isdigit(int argc, Value *argv, ObjDict *kw) {
    return all_cps(argv[0], cp_isdigit);
}

static Value m_isalpha(int argc, Value *argv, ObjDict *kw) {
    return all_cps(argv[0], cp_isalpha);
}

static Value m_isalnum(int argc, Value *argv, ObjDict *kw) {
    return all_cps(argv[0], p_alnum);
}

static Value m_isspace(int argc, Value *argv, ObjDict *kw) {
    return all_cps(argv[0], cp_isspace);
}

static Value m_isprintable(int argc, Value *argv, ObjDict *kw) {
    if (AS_STR(argv[0])->len == 0) {
        return VAL_TRUE;
    }
    return all_cps(argv[0], cp_isprintable);
}

static Value m_isascii(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(AS_STR(argv[0])->len == AS_STR(argv[0])->cplen);
}

static Value case_pred(Value self, bool want_upper) {
    ObjStr *s = AS_STR(self);
    size_t i = 0;
    bool cased = false;
    while (i < s->len) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        if (want_upper ? cp_islower(c) : cp_isupper(c)) {
            return VAL_FALSE;
        }
        if (want_upper ? cp_isupper(c) : cp_islower(c)) {
            cased = true;
        }
    }
    return VAL_BOOL(cased);
}

static Value m_isupper(int argc, Value *argv, ObjDict *kw) {
    return case_pred(argv[0], true);
}

static Value m_islower(int argc, Value *argv, ObjDict *kw) {
    return case_pred(argv[0], false);
}

static Value m_istitle(int argc, Value *argv, ObjDict *kw) {
    ObjStr *s = SELF;
    size_t i = 0;
    bool prev_cased = false, cased = false;
    while (i < s->len) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        if (cp_isupper(c) || cp_istitlecase(c)) {
            if (prev_cased) {
                return VAL_FALSE;
            }
            prev_cased = cased = true;
        } else if (cp_islower(c)) {
            if (!prev_cased) {
                return VAL_FALSE;
            }
            prev_cased = cased = true;
        } else {
            prev_cased = false;
        }
    }
    return VAL_BOOL(cased);
}

static Value m_isidentifier(int argc, Value *argv, ObjDict *kw) {
    ObjStr *s = SELF;
    if (s->len == 0) {
        return VAL_FALSE;
    }
    size_t i = 0;
    bool first = true;
    while (i < s->len) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        bool ok = c < 128 ? c == '_' || cp_isalpha(c) || (!first && cp_isdigit(c))
                          : first ? UNI_IN(uni_id_start, c) : UNI_IN(uni_id_continue, c);
        if (!ok) {
            return VAL_FALSE;
        }
        first = false;
    }
    return VAL_TRUE;
}

// ---- methods: padding and layout

// Reads an index-sized argument (CPython's Py_ssize_t) into *out.
static bool ssize_arg(Value v, int64_t *out) {
    if (int_to_i64(v, out)) {
        return true;
    }
    if (EXC_PENDING_IS(exc_OverflowError)) {
        exc_clear();
        exc_raise(exc_OverflowError, "Python int too large to convert to C ssize_t");
    }
    return false;
}

// Reads (width[, fillchar]) arguments.
static bool pad_args(int argc, Value *argv, const char *name, int64_t *width, uint32_t *fill) {
    if (!nargs(name, argc - 1, 1, 2) || !ssize_arg(argv[1], width)) {
        return false;
    }
    *fill = ' ';
    if (argc > 2) {
        if (!str_check(argv[2])) {
            exc_raise(exc_TypeError,
                      "%s() argument 2 must be str of length 1, not %s", name,
                      val_type_name(argv[2]));
            return false;
        }
        if (AS_STR(argv[2])->cplen != 1) {
            exc_raise(exc_TypeError, "The fill character must be exactly one character long");
            return false;
        }
        size_t p = 0;
        *fill = utf8_decode(AS_STR(argv[2])->data, AS_STR(argv[2])->len, &p);
    }
    return true;
}

static Value pad(Value self, int64_t left, int64_t right, uint32_t fill) {
    ObjStr *s = AS_STR(self);
    if (left <= 0 && right <= 0) {
        return str_exact(self);
    }
    char enc[4];
    int fl = utf8_encode(fill, enc);
    SBuf b;
    sb_init(&b);
    size_t total;
    if (!mem_size((size_t)(left > 0 ? left : 0) + (size_t)(right > 0 ? right : 0),
                  (size_t)fl, s->len, &total) || !sb_reserve(&b, total)) {
        return VAL_NULL;
    }
    if (left > 0) {
        sb_repeat(&b, enc, (size_t)fl, (size_t)left);
    }
    sb_add(&b, s->data, s->len);
    if (right > 0) {
        sb_repeat(&b, enc, (size_t)fl, (size_t)right);
    }
    return sb_finish(&b);
}

static Value m_center(int argc, Value *argv, ObjDict *kw) {
    int64_t w;
    uint32_t f;
    if (!pad_args(argc, argv, "center", &w, &f)) {
        return VAL_NULL;
    }
    int64_t marg = w - (int64_t)SELF->cplen;
    if (marg <= 0) {
        return str_exact(argv[0]);
    }
    int64_t left = marg / 2 + (marg & w & 1);
    return pad(argv[0], left, marg - left, f);
}

static Value m_ljust(int argc, Value *argv, ObjDict *kw) {
    int64_t w;
    uint32_t f;
    if (!pad_args(argc, argv, "ljust", &w, &f)) {
        return VAL_NULL;
    }
    return pad(argv[0], 0, w - (int64_t)SELF->cplen, f);
}

static Value m_rjust(int argc, Value *argv, ObjDict *kw) {
    int64_t w;
    uint32_t f;
    if (!pad_args(argc, argv, "rjust", &w, &f)) {
        return VAL_NULL;
    }
    return pad(argv[0], w - (int64_t)SELF->cplen, 0, f);
}

static Value m_zfill(int argc, Value *argv, ObjDict *kw) {
    int64_t w;
    if (!nargs("zfill", argc - 1, 1, 1) || !ssize_arg(argv[1], &w)) {
        return VAL_NULL;
    }
    ObjStr *s = SELF;
    int64_t fill = w - (int64_t)s->cplen;
    if (fill <= 0) {
        return str_exact(argv[0]);
    }
    SBuf b;
    sb_init(&b);
    size_t i = 0;
    if (s->len && (s->data[0] == '+' || s->data[0] == '-')) {
        sb_addc(&b, s->data[0]);
        i = 1;
    }
    sb_repeat(&b, "0", 1, (size_t)fill);
    sb_add(&b, s->data + i, s->len - i);
    return sb_finish(&b);
}

static Value m_expandtabs(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("expandtabs", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    Value tv = argc > 1 ? argv[1] : kw_get(kw, "tabsize");
    int64_t ts = 8;
    if (tv && !int_to_i64(tv, &ts)) {
        if (EXC_PENDING_IS(exc_OverflowError)) {
            exc_clear();
            exc_raise(exc_OverflowError, "Python int too large to convert to C int");
        }
        return VAL_NULL;
    }
    if (ts > INT32_MAX || ts < INT32_MIN) {
        return exc_raise(exc_OverflowError, "Python int too large to convert to C int");
    }
    ObjStr *s = SELF;
    // two passes, as CPython: the size first, so a huge result fails at once
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        SBuf b;
        sb_init(&b);
        if (pass == 1 && !sb_reserve(&b, total)) {
            return VAL_NULL;
        }
        int64_t col = 0;
        size_t i = 0;
        while (i < s->len) {
            size_t st = i;
            uint32_t c = utf8_decode(s->data, s->len, &i);
            if (c == '\t') {
                if (ts > 0) {
                    int64_t n = ts - col % ts;
                    if (pass == 0) {
                        total += (size_t)n;
                    } else {
                        sb_repeat(&b, " ", 1, (size_t)n);
                    }
                    col += n;
                }
            } else {
                if (pass == 0) {
                    total += i - st;
                } else {
                    sb_add(&b, s->data + st, i - st);
                }
                col = (c == '\n' || c == '\r') ? 0 : col + 1;
            }
        }
        if (pass == 1) {
            return sb_finish(&b);
        }
    }
    return VAL_NULL;
}

// ---- methods: misc

static Value m_encode(int argc, Value *argv, ObjDict *kw) {
    if (!str_encodable(SELF->data, SELF->len)) {
        return VAL_NULL;
    }
    return str_exact(argv[0]);     // no bytes type: encode() is the identity
}

static Value m_format(int argc, Value *argv, ObjDict *kw) {
    return str_format_method(argv[0], argc - 1, argv + 1, kw);
}

static Value m_format_map(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "format_map() takes exactly one argument (%d given)",
                         argc - 1);
    }
    if (!IS_DICT(argv[1])) {
        return exc_raise(exc_TypeError, "format_map() argument must be a dict");
    }
    return str_format_method(argv[0], 0, NULL, AS_DICT(argv[1]));
}

static Value m_str_format_dunder(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__format__() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return format_value(argv[0], argv[1]);
}

static Value m_removeprefix(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("removeprefix", argc - 1, 1, 1) || !need_str(argv[1])) {
        return VAL_NULL;
    }
    ObjStr *s = SELF, *p = AS_STR(argv[1]);
    if (p->len && p->len <= s->len && memcmp(s->data, p->data, p->len) == 0) {
        return str_sub(s->data + p->len, s->len - p->len, s->cplen - p->cplen);
    }
    return str_exact(argv[0]);
}

static Value m_removesuffix(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("removesuffix", argc - 1, 1, 1) || !need_str(argv[1])) {
        return VAL_NULL;
    }
    ObjStr *s = SELF, *p = AS_STR(argv[1]);
    if (p->len && p->len <= s->len && memcmp(s->data + s->len - p->len, p->data, p->len) == 0) {
        return str_sub(s->data, s->len - p->len, s->cplen - p->cplen);
    }
    return str_exact(argv[0]);
}

static uint32_t first_cp(Value s) {
    size_t p = 0;
    return utf8_decode(AS_STR(s)->data, AS_STR(s)->len, &p);
}

// str.maketrans(x[, y[, z]]): a staticmethod, so argv holds the arguments only.
static Value m_maketrans(int argc, Value *argv, ObjDict *kw) {
    if (argc < 1 || argc > 3) {
        return exc_raise(exc_TypeError, "maketrans() takes at most 3 arguments (%d given)", argc);
    }
    Value d = dict_new();
    gc_push_root(d);
    if (argc == 1) {
        if (!IS_DICT(argv[0])) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError,
                             "if you give only one argument to maketrans it must be a dict");
        }
        size_t pos = 0;
        Value k, v;
        while (dict_next(AS_DICT(argv[0]), &pos, &k, &v)) {
            if (str_check(k)) {
                if (AS_STR(k)->cplen != 1) {
                    gc_pop_root(1);
                    return exc_raise(exc_ValueError,
                                     "string keys in translate table must be of length 1");
                }
                k = MK_SMALL(first_cp(k));
            } else if (!int_check(k)) {
                gc_pop_root(1);
                return exc_raise(exc_TypeError,
                                 "keys in translate table must be strings or integers");
            }
            if (dict_set(AS_DICT(d), k, v) < 0) {
                gc_pop_root(1);
                return VAL_NULL;
            }
        }
        gc_pop_root(1);
        return d;
    }
    if (!str_check(argv[0]) || !str_check(argv[1])) {
        gc_pop_root(1);
        return exc_raise(exc_TypeError, "maketrans() argument must be str");
    }
    ObjStr *x = AS_STR(argv[0]), *y = AS_STR(argv[1]);
    if (x->cplen != y->cplen) {
        gc_pop_root(1);
        return exc_raise(exc_ValueError,
                         "the first two maketrans arguments must have equal length");
    }
    size_t i = 0, j = 0;
    while (i < x->len) {
        uint32_t a = utf8_decode(x->data, x->len, &i);
        uint32_t b = utf8_decode(y->data, y->len, &j);
        dict_set(AS_DICT(d), MK_SMALL(a), MK_SMALL(b));
    }
    if (argc == 3) {
        if (!str_check(argv[2])) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "maketrans() argument 3 must be str");
        }
        ObjStr *z = AS_STR(argv[2]);
        i = 0;
        while (i < z->len) {
            dict_set(AS_DICT(d), MK_SMALL(utf8_decode(z->data, z->len, &i)), VAL_NONE);
        }
    }
    gc_pop_root(1);
    return d;
}

static Value m_translate(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "translate() takes exactly one argument (%d given)",
                         argc - 1);
    }
    ObjStr *s = SELF;
    Value table = argv[1];
    SBuf b;
    sb_init(&b);
    size_t i = 0;
    while (i < s->len) {
        size_t st = i;
        uint32_t c = utf8_decode(s->data, s->len, &i);
        Value r;
        if (IS_DICT(table)) {
            int f = dict_get(AS_DICT(table), MK_SMALL(c), &r);
            if (f < 0) {
                sb_free(&b);
                return VAL_NULL;
            }
            if (f == 0) {
                r = VAL_NULL;
            }
        } else {
            r = obj_getitem(table, MK_SMALL(c));
            if (!r) {
                if (EXC_PENDING_IS(exc_LookupError)) {
                    exc_clear();
                } else {
                    sb_free(&b);
                    return VAL_NULL;
                }
            }
        }
        if (!r) {
            sb_add(&b, s->data + st, i - st);
        } else if (IS_NONE(r)) {
            continue;
        } else if (int_check(r)) {
            int64_t k;
            if (!int_to_i64(r, &k) || k < 0 || k > 0x10FFFF) {
                sb_free(&b);
                exc_clear();
                return exc_raise(exc_ValueError, "character mapping must be in range(0x110000)");
            }
            char enc[4];
            sb_add(&b, enc, (size_t)utf8_encode((uint32_t)k, enc));
        } else if (str_check(r)) {
            sb_add(&b, AS_STR(r)->data, AS_STR(r)->len);
        } else {
            sb_free(&b);
            return exc_raise(exc_TypeError, "character mapping must return integer, None or str");
        }
    }
    return sb_finish(&b);
}

static Value m_getnewargs(int argc, Value *argv, ObjDict *kw) {
    return tuple_pack(1, str_exact(argv[0]));
}

static Value m_len_dunder(int argc, Value *argv, ObjDict *kw) {
    return int_from_i64((int64_t)SELF->cplen);
}

static Value m_getitem_dunder(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "expected 1 argument, got %d", argc - 1);
    }
    return str_getitem(argv[0], argv[1]);
}

static Value m_contains_dunder(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "expected 1 argument, got %d", argc - 1);
    }
    int r = str_contains(argv[0], argv[1]);
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

static const MethodDef str_methods[] = {
    {"find", m_find},
    {"rfind", m_rfind},
    {"index", m_index},
    {"rindex", m_rindex},
    {"count", m_count},
    {"startswith", m_startswith},
    {"endswith", m_endswith},
    {"split", m_split},
    {"rsplit", m_rsplit},
    {"join", m_join},
    {"splitlines", m_splitlines},
    {"partition", m_partition},
    {"rpartition", m_rpartition},
    {"strip", m_strip},
    {"lstrip", m_lstrip},
    {"rstrip", m_rstrip},
    {"replace", m_replace},
    {"upper", m_upper},
    {"lower", m_lower},
    {"casefold", m_casefold},
    {"swapcase", m_swapcase},
    {"title", m_title},
    {"capitalize", m_capitalize},
    {"isdigit", m_isdigit},
    {"isdecimal", m_isdecimal},
    {"isnumeric", m_isnumeric},
    {"isalpha", m_isalpha},
    {"isalnum", m_isalnum},
    {"isspace", m_isspace},
    {"isprintable", m_isprintable},
    {"isascii", m_isascii},
    {"isupper", m_isupper},
    {"islower", m_islower},
    {"istitle", m_istitle},
    {"isidentifier", m_isidentifier},
    {"center", m_center},
    {"ljust", m_ljust},
    {"rjust", m_rjust},
    {"zfill", m_zfill},
    {"expandtabs", m_expandtabs},
    {"encode", m_encode},
    {"format", m_format},
    {"format_map", m_format_map},
    {"__format__", m_str_format_dunder},
    {"removeprefix", m_removeprefix},
    {"removesuffix", m_removesuffix},
    {"translate", m_translate},
    {"__getnewargs__", m_getnewargs},
    {"__len__", m_len_dunder},
    {"__getitem__", m_getitem_dunder},
    {"__contains__", m_contains_dunder},
    {NULL, NULL},
};

void str_init_late(void) {
    ObjWrapper *w = (ObjWrapper *)obj_alloc(cls_staticmethod, sizeof(ObjWrapper));
    w->func = native_new("maketrans", m_maketrans, NULL);
    dict_set_str(cls_str->dict, str_intern_c("maketrans"), OBJ_VAL(w));
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

    cls_str_iter = class_new_builtin("str_ascii_iterator", NULL, sizeof(ObjStrIter), NULL);
    cls_str_iter->iter = striter_iter;
    cls_str_iter->next = striter_next;
    cls_str_iter->trace = striter_trace;

    for (int c = 0; c < 128; c++) {
        char ch = (char)c;
        ST->ascii_chars[c] = str_intern(&ch, 1);
    }
    // names the runtime looks up often (interned strings live as long as the state)
    ST->s_init = str_intern_c("__init__");
    ST->s_new = str_intern_c("__new__");
    ST->s_del = str_intern_c("__del__");
    ST->s_write = str_intern_c("write");
    ST->s_slots = str_intern_c("__slots__");
    ST->s_fields = str_intern_c("_fields");
    ST->s_defaults = str_intern_c("_field_defaults_tuple");
    ST->s_descr[0] = str_intern_c("__get__");
    ST->s_descr[1] = str_intern_c("__set__");
    ST->s_descr[2] = str_intern_c("__delete__");
}
