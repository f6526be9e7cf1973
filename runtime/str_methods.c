// str_methods.c: the methods of str (the table str_init gives the class):
// searching (find, index, count, startswith), split and join, strip and
// replace, case conversions and predicates (isdigit, isupper ...), padding
// and layout (center, zfill, expandtabs), format, translate and maketrans,
// with the argument checks that word their errors as CPython does.
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "gc.h"
#include "numstr.h"
#include "containers.h"
#include "unicode_case.h"
#include "unicode_sigma.h"
#include "unicode_ident.h"
#include "str_internal.h"
#include "runtime.h"
#include "bytes.h"

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
    int64_t i;
    if (int_check(v)) {
        if (!int_to_i64(v, &i)) {
            exc_clear();
            i = int_float_cmp(v, 0.0) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        }
    } else if (IS_OBJ(v) && class_lookup(AS_OBJ(v)->cls, str_intern_c("__index__"))) {
        if (!index_value(v, NULL, &i)) {
            return false;
        }
    } else {
        exc_raise(exc_TypeError, "slice indices must be integers or None or have an __index__ method");
        return false;
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
        Value a = argv[0];
        int64_t raw;
        if (!int_check(a)) {
            // an object with __index__ stands for its value; anything else is a TypeError
            if (!(IS_OBJ(a) && class_lookup(AS_OBJ(a)->cls, str_intern_c("__index__")))) {
                return index_arg(a, len, 0, &st);
            }
            if (!index_value(a, NULL, &raw)) {
                return false;
            }
            a = int_from_i64(raw);
        }
        if (int_to_i64(a, &raw) && raw > len) {
            r->past_end = true;
        }
        exc_clear();
        if (!index_arg(a, len, 0, &st)) {
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

// Whether the code point at *[k] of [s] is whitespace (str.isspace), *[k]
// moved past it; ASCII bytes without decoding.
static inline bool space_at(ObjStr *s, size_t *k) {
    unsigned char c = (unsigned char)s->data[*k];
    if (c < 0x80) {
        (*k)++;
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    }
    return cp_isspace(utf8_decode(s->data, s->len, k));
}

static Value m_split_impl(int argc, Value *argv, ObjDict *kw, bool rev) {
    const char *name = rev ? "rsplit" : "split";
    static const char *const allowed[] = {"sep", "maxsplit", NULL};
    if (!kw_only(name, kw, allowed)) {
        return VAL_NULL;
    }
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
    bool ascii = s->cplen == s->len;
#define PIECE(p, n) str_sub((p), (n), ascii ? (n) : count_cp((p), (n)))
    // the whole of an exact str is the str itself (CPython's split gives it
    // back too): no copy when the separator is absent
#define WHOLE_OR_PIECE(p, n) ((n) == s->len && s->hdr.cls == cls_str ? argv[0] : PIECE((p), (n)))
    if (!sepv || IS_NONE(sepv)) {
        if (!rev) {
            size_t i = 0;
            while (i < s->len) {
                // skip whitespace
                size_t j = i;
                while (j < s->len) {
                    size_t k = j;
                    if (!space_at(s, &k)) {
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
                    ok &= list_append(l, PIECE(s->data + i, e - i));
                    break;
                }
                while (j < s->len) {
                    size_t k = j;
                    if (space_at(s, &k)) {
                        break;
                    }
                    j = k;
                }
                ok &= list_append(l, PIECE(s->data + i, j - i));
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
            ok &= list_append(l, PIECE(s->data + i, b - i));
            i = b + t->len;
            maxsplit--;
        }
        ok &= list_append(l, WHOLE_OR_PIECE(s->data + i, s->len - i));
    } else {
        size_t e = s->len;
        const char *p;
        while (maxsplit > 0 && (p = rfind_bytes(s->data, e, t->data, t->len))) {
            size_t b = (size_t)(p - s->data) + t->len;
            ok &= list_append(l, PIECE(s->data + b, e - b));
            e = (size_t)(p - s->data);
            maxsplit--;
        }
        ok &= list_append(l, WHOLE_OR_PIECE(s->data, e));
        for (size_t a = 0, b = l->len - 1; a < b; a++, b--) {
            Value tmp = l->items[a];
            l->items[a] = l->items[b];
            l->items[b] = tmp;
        }
    }
    gc_pop_root(1);
    return ok ? list : VAL_NULL;
#undef PIECE
#undef WHOLE_OR_PIECE
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
    gc_push_root(seq);
    Value r = str_join_items(AS_STR(sep), items, n);
    gc_pop_root(1);
    return r;
}

// The [n] strs at [items] joined by [sep] (NULL: nothing between them,
// as an f-string's BUILD_STRING): one allocation of the exact size, code
// points summed rather than counted again. [items] must stay reachable.
Value str_join_items(ObjStr *sep, const Value *items, size_t n) {
    if (n == 1 && IS_STR(items[0])) {
        return items[0];
    }
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
    if (n > 1 && sep && sep->len) {
        size_t seps;
        if (__builtin_mul_overflow(sep->len, n - 1, &seps) ||
            __builtin_add_overflow(total, seps, &total)) {
            return exc_raise(exc_OverflowError, "join() result is too long for a Python string");
        }
        cps += sep->cplen * (n - 1);
    } else {
        sep = NULL;
    }
    ObjStr *o = str_try_alloc(cls_str, total);
    if (!o) {
        return VAL_NULL;
    }
    char *d = o->data;
    for (size_t i = 0; i < n; i++) {
        if (i && sep) {
            memcpy(d, sep->data, sep->len);
            d += sep->len;
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
    static const char *const allowed[] = {"keepends", NULL};
    if (!kw_only("splitlines", kw, allowed) || !nargs("splitlines", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    Value kv = argc > 1 ? argv[1] : kw_get(kw, "keepends");
    int keep = 0;
    if (kv && !IS_INT(kv) && kv != VAL_TRUE && kv != VAL_FALSE && !class_is_subclass(val_class(kv), cls_int)) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(kv));
    }
    if (kv && (keep = obj_truthy(kv)) < 0) {
        return VAL_NULL;
    }
    ObjStr *s = SELF;
    Value list = list_new(0);
    gc_push_root(list);
    size_t i = 0, start = 0;
    bool ok = true;     // false once an append failed (MemoryError)
    bool ascii = s->cplen == s->len;
    while (ok && i < s->len) {
        if (ascii && i + 8 <= s->len) {
            // eight ASCII bytes at a time while none is below 0x20 (for
            // bytes below 0x80, w - 0x20.. borrows into a byte's top bit
            // exactly when that byte or one below it is < 0x20)
            uint64_t w;
            memcpy(&w, s->data + i, 8);
            if (!((w - 0x2020202020202020u) & ~w & 0x8080808080808080u)) {
                i += 8;
                continue;
            }
        }
        unsigned char ch = (unsigned char)s->data[i];
        if (ch >= 0x20 && ch != 0xC2 && ch != 0xE2) {
            // no line boundary starts here: the boundaries are below 0x20
            // or U+0085 (C2 85), U+2028/U+2029 (E2 80 A8/A9); continuation
            // bytes are never C2 or E2
            i++;
            continue;
        }
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
        Value line = str_sub(s->data + start, end - start, ascii ? end - start : count_cp(s->data + start, end - start));
        ok = list_append(AS_LIST(list), line);
        i = start = k;
    }
    if (ok && start < s->len) {
        ok = list_append(AS_LIST(list), str_sub(s->data + start, s->len - start,
                                                ascii ? s->len - start : count_cp(s->data + start, s->len - start)));
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
    // (perf: an ASCII set, or none, is a bitmap of bytes below 0x80: the
    // ends are stripped byte by byte, with no set to allocate, and a
    // non-ASCII character there goes on to the general loop below)
    uint64_t bits[2] = {UINT64_C(0x1F) << '\t' | UINT64_C(0xF) << 0x1C | UINT64_C(1) << ' ', 0};  // str.isspace's
    if (argc > 1 && !IS_NONE(argv[1])) {
        if (!str_check(argv[1])) {
            return exc_raise(exc_TypeError, "%s arg must be None or str", name);
        }
        ObjStr *c = AS_STR(argv[1]);
        bits[0] = 0;
        if (c->cplen == c->len) {
            for (size_t q = 0; q < c->len; q++) {
                unsigned char ch = (unsigned char)c->data[q];
                bits[ch >> 6] |= UINT64_C(1) << (ch & 63);
            }
        }
    }
    size_t i = 0, e = s->len;
#define STRIP_HIT(ch) ((ch) < 0x80 && (bits[(ch) >> 6] >> ((ch) & 63) & 1))
    if (which & 1) {
        while (i < e && STRIP_HIT((unsigned char)s->data[i])) {
            i++;
        }
    }
    if (which & 2) {
        while (e > i && STRIP_HIT((unsigned char)s->data[e - 1])) {
            e--;
        }
    }
#undef STRIP_HIT
    bool given = argc > 1 && !IS_NONE(argv[1]);
    if (given ? AS_STR(argv[1])->cplen == AS_STR(argv[1])->len : s->cplen == s->len) {
        goto done;      // what stopped the loops cannot be in the set
    }
    if (given) {
        ObjStr *c = AS_STR(argv[1]);
        set = mem_alloc(c->cplen * sizeof(uint32_t) + 1);
        size_t p = 0;
        while (p < c->len) {
            set[nset++] = utf8_decode(c->data, c->len, &p);
        }
    }
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
done:
    if (i == 0 && e == s->len) {
        return str_exact(argv[0]);
    }
    return str_sub(s->data + i, e - i, s->cplen == s->len ? e - i : count_cp(s->data + i, e - i));
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
                             IS_NONE(argv[k]) ? "None" : val_type_name(argv[k]));
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

// Unicode's Cased and Case_Ignorable, for the final-sigma rule.
static bool cp_cased(uint32_t c) {
    if (c < 0x80) {
        return (c | 32) >= 'a' && (c | 32) <= 'z';
    }
    return UNI_IN(uni_cased, c);
}

static bool cp_case_ignorable(uint32_t c) {
    if (c < 0x80) {
        return c == '\'' || c == '.' || c == ':' || c == '^' || c == '`';
    }
    return UNI_IN(uni_case_ignorable, c);
}

// Chooses the mapping (CASE_*) of code point c; state carries over the string.
typedef int (*CaseSel)(uint32_t c, bool *state);

static int f_upper(uint32_t c, bool *st);
static int f_lower(uint32_t c, bool *st);
static int f_fold(uint32_t c, bool *st);

static Value map_cps(Value self, CaseSel f) {
    ObjStr *s = AS_STR(self);
    size_t i = 0;
    bool state = false;
    if (s->cplen == s->len) {
        // ASCII: a byte per code point, no special casing, no sigma; title
        // case is upper case. Written straight into the new str.
        ObjStr *o = str_try_alloc(cls_str, s->len);
        if (!o) {
            return VAL_NULL;
        }
        const unsigned char *src = (const unsigned char *)s->data;
        char *dst = o->data;
        if (f == f_upper) {
            for (; i < s->len; i++) {
                unsigned char c = src[i];
                dst[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
            }
        } else if (f == f_lower || f == f_fold) {
            for (; i < s->len; i++) {
                unsigned char c = src[i];
                dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
        } else {
            for (; i < s->len; i++) {
                unsigned char c = src[i];
                int kind = f(c, &state);
                if (kind == CASE_UPPER || kind == CASE_TITLE) {
                    c = (c >= 'a' && c <= 'z') ? (unsigned char)(c - 32) : c;
                } else if (kind != CASE_KEEP && c >= 'A' && c <= 'Z') {
                    c = (unsigned char)(c + 32);    // CASE_LOWER, CASE_FOLD
                }
                dst[i] = (char)c;
            }
        }
        o->cplen = s->len;
        return OBJ_VAL(o);
    }
    SBuf b;
    sb_init(&b);
    sb_reserve(&b, s->len);
    bool prev_cased = false;    // the last code point not case-ignorable is cased
    while (i < s->len) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        int kind = f(c, &state);
        if (c == 0x3A3 && kind == CASE_LOWER && prev_cased) {
            // Final sigma: 'Σ' after a cased letter and not before one, case-
            // ignorable code points skipped both ways, is 'ς'.
            size_t k = i;
            uint32_t next = 0;
            while (k < s->len && cp_case_ignorable(next = utf8_decode(s->data, s->len, &k))) {
                next = 0;
            }
            if (!(next && cp_cased(next))) {
                char enc[4];
                sb_add(&b, enc, (size_t)utf8_encode(0x3C2, enc));
                prev_cased = true;
                continue;
            }
        }
        if (!cp_case_ignorable(c)) {
            prev_cased = cp_cased(c);
        }
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
    if (!nargs("swapcase", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return map_cps(argv[0], f_swap);
}

static Value m_title(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("title", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return map_cps(argv[0], f_title);
}

static Value m_capitalize(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("capitalize", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
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
    if (!nargs("isdecimal", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return all_cps(argv[0], cp_isdecimal);
}

static Value m_isnumeric(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("isnumeric", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return all_cps(argv[0], cp_isnumeric);
}

static Value m_isdigit(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("isdigit", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return all_cps(argv[0], cp_isdigit);
}

static Value m_isalpha(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("isalpha", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return all_cps(argv[0], cp_isalpha);
}

static Value m_isalnum(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("isalnum", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return all_cps(argv[0], p_alnum);
}

static Value m_isspace(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("isspace", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return all_cps(argv[0], cp_isspace);
}

static Value m_isprintable(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("isprintable", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    if (AS_STR(argv[0])->len == 0) {
        return VAL_TRUE;
    }
    return all_cps(argv[0], cp_isprintable);
}

static Value m_isascii(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("isascii", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return VAL_BOOL(AS_STR(argv[0])->len == AS_STR(argv[0])->cplen);
}

static Value case_pred(Value self, bool want_upper) {
    ObjStr *s = AS_STR(self);
    size_t i = 0;
    bool cased = false;
    while (i < s->len) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        if (cp_istitlecase(c) || (want_upper ? cp_islower(c) : cp_isupper(c))) {    // titlecase is neither
            return VAL_FALSE;
        }
        if (want_upper ? cp_isupper(c) : cp_islower(c)) {
            cased = true;
        }
    }
    return VAL_BOOL(cased);
}

static Value m_isupper(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("isupper", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return case_pred(argv[0], true);
}

static Value m_islower(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("islower", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return case_pred(argv[0], false);
}

static Value m_istitle(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("istitle", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
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
    if (!nargs("isidentifier", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
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
    static const char *const allowed[] = {"tabsize", NULL};
    if (!kw_only("expandtabs", kw, allowed) || !nargs("expandtabs", argc - 1, 0, 1)) {
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
    Value enc = argc > 1 ? argv[1] : VAL_NULL, errs = argc > 2 ? argv[2] : VAL_NULL;
    if (argc > 3) {
        return exc_raise(exc_TypeError, "encode() takes at most 2 arguments (%d given)", argc - 1);
    }
    if (kw) {
        size_t pos = 0;
        Value k, v;
        while (dict_next(kw, &pos, &k, &v)) {
            const char *n = AS_STR(k)->data;
            Value *slot = strcmp(n, "encoding") == 0 ? &enc : strcmp(n, "errors") == 0 ? &errs : NULL;
            if (!slot) {
                return exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for encode()", n);
            }
            if (*slot) {
                return exc_raise(exc_TypeError, "argument for encode() given by name ('%s') and position (%d)",
                                 n, slot == &enc ? 1 : 2);
            }
            *slot = v;
        }
    }
    const char *e, *r;
    if (!codec_args("encode", enc, errs, &e, &r)) {
        return VAL_NULL;
    }
    return codec_encode(argv[0], e, r);
}

static Value m_format(int argc, Value *argv, ObjDict *kw) {
    return str_format_method(argv[0], argc - 1, argv + 1, kw);
}

static Value m_format_map(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "str.format_map() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return str_format_map(argv[0], argv[1]);
}

static Value m_str_format_dunder(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__format__() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return format_value(argv[0], argv[1]);
}

static Value m_removeprefix(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("removeprefix", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!str_check(argv[1])) {
        return exc_raise(exc_TypeError, "removeprefix() argument must be str, not %s",
                         IS_NONE(argv[1]) ? "None" : val_type_name(argv[1]));
    }
    ObjStr *s = SELF, *p = AS_STR(argv[1]);
    if (p->len && p->len <= s->len && memcmp(s->data, p->data, p->len) == 0) {
        return str_sub(s->data + p->len, s->len - p->len, s->cplen - p->cplen);
    }
    return str_exact(argv[0]);
}

static Value m_removesuffix(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("removesuffix", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!str_check(argv[1])) {
        return exc_raise(exc_TypeError, "removesuffix() argument must be str, not %s",
                         IS_NONE(argv[1]) ? "None" : val_type_name(argv[1]));
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
    if (argc < 1 || argc > 3) {     // argument clinic's words
        return exc_raise(exc_TypeError, "maketrans expected at %s %d argument%s, got %d", argc < 1 ? "least" : "most",
                         argc < 1 ? 1 : 3, argc < 1 ? "" : "s", argc);
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
        return exc_raise(exc_TypeError, "str.translate() takes exactly one argument (%d given)",
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

const MethodDef str_methods[] = {
    {"find", m_find},
    {"rfind", m_rfind},
    {"index", m_index},
    {"rindex", m_rindex},
    {"count", m_count},
    {"startswith", m_startswith},
    {"endswith", m_endswith},
    {"split", m_split, true},
    {"rsplit", m_rsplit, true},
    {"join", m_join},
    {"splitlines", m_splitlines, true},
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
    {"expandtabs", m_expandtabs, true},
    {"encode", m_encode, true},
    {"format", m_format, true},
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
