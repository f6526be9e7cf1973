// bytes_methods.c: the methods bytes and bytearray share (one table both
// classes get): searching (find, index, count, startswith), split and join,
// strip and replace, ASCII-only case conversions and predicates, padding
// (center, zfill, expandtabs), hex/fromhex, translate/maketrans and decode
// (`%` formatting: bytes_format.c). Each works on the receiver's buffer
// (buffer_get) and returns a value of the receiver's kind (bytes_like).
#define _GNU_SOURCE
#include <string.h>

#include "bytes.h"
#include "containers.h"
#include "numstr.h"
#include "gc.h"
#include "runtime.h"

#define SELF_BUF(v) BufView v = {0}; buffer_get(argv[0], &v)

// ---- argument helpers

// Fills out[0..n) from the positional [argv] (self excluded) and [kw] by
// [names]; absent ones are VAL_NULL. [min] positional ones are required.
static bool parse(const char *fname, int argc, Value *argv, ObjDict *kw, const char *const *names,
                  int n, int min, Value *out) {
    if (argc > n) {
        exc_raise(exc_TypeError, "%s() takes at most %d argument%s (%d given)", fname, n,
                  n == 1 ? "" : "s", argc);
        return false;
    }
    for (int i = 0; i < n; i++) {
        out[i] = i < argc ? argv[i] : VAL_NULL;
    }
    if (kw) {
        size_t pos = 0;
        Value k, v;
        while (dict_next(kw, &pos, &k, &v)) {
            int i = 0;
            while (i < n && strcmp(AS_STR(k)->data, names[i]) != 0) {
                i++;
            }
            if (i == n) {
                exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for %s()",
                          AS_STR(k)->data, fname);
                return false;
            }
            if (out[i]) {
                exc_raise(exc_TypeError, "argument for %s() given by name ('%s') and position (%d)",
                          fname, names[i], i + 1);
                return false;
            }
            out[i] = v;
        }
    }
    for (int i = 0; i < min; i++) {
        if (!out[i]) {
            exc_raise(exc_TypeError, "%s() takes at least %d argument%s (%d given)", fname, min,
                      min == 1 ? "" : "s", argc);
            return false;
        }
    }
    return true;
}

// "bytes" or "bytearray": how CPython names the method's type in messages.
static const char *tname(Value self) {
    return bytearray_check(self) ? "bytearray" : "bytes";
}

static bool nopos(Value self, const char *fname, int argc, int max) {
    if (argc > max) {
        if (max == 0) {
            exc_raise(exc_TypeError, "%s.%s() takes no arguments (%d given)", tname(self), fname, argc);
        } else {
            exc_raise(exc_TypeError, "%s() takes at most %d arguments (%d given)", fname, max, argc);
        }
        return false;
    }
    return true;
}

// A slice bound (int, None or absent) made non-negative (a start past
// [len] stays past it: nothing is found there).
static bool bound(Value v, int64_t len, int64_t dflt, int64_t *out) {
    if (!v || IS_NONE(v)) {
        *out = dflt;
        return true;
    }
    int64_t i;
    if (!index_bound_value(v, &i)) {
        if (EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            exc_raise(exc_TypeError, "slice indices must be integers or None or have an __index__ method");
        }
        return false;
    }
    if (i < 0) {
        i += len;
        if (i < 0) {
            i = 0;
        }
    }
    *out = i;
    return true;
}

// An int argument CPython reads as a C ssize_t (a width, a count).
static bool ssize_arg(Value v, int64_t *out) {
    if (!index_value(v, NULL, out)) {
        if (EXC_PENDING_IS(exc_IndexError)) {
            exc_clear();
            exc_raise(exc_OverflowError, "Python int too large to convert to C ssize_t");
        }
        return false;
    }
    return true;
}

static bool is_index_like(Value v) {
    return IS_INT(v) || v == VAL_TRUE || v == VAL_FALSE ||
           (IS_OBJ(v) && !bytes_check(v) && class_lookup(AS_OBJ(v)->cls, str_intern_c("__index__")));
}

// The needle of find/count/index: a buffer, or an int taken as one byte
// (copied into [one]).
static bool needle(Value v, BufView *out, unsigned char *one) {
    int r = buffer_get(v, out);
    if (r) {
        return r > 0;
    }
    if (is_index_like(v)) {
        int64_t i;
        if (!index_bound_value(v, &i)) {
            return false;
        }
        if (i < 0 || i > 255) {
            exc_raise(exc_ValueError, "byte must be in range(0, 256)");
            return false;
        }
        *one = (unsigned char)i;
        out->ptr = one;
        out->len = 1;
        return true;
    }
    exc_raise(exc_TypeError, "argument should be integer or bytes-like object, not '%s'",
              val_type_name(v));
    return false;
}

static int64_t bytes_len_of(Value v) {
    BufView b = {0};
    buffer_get(v, &b);
    return (int64_t)b.len;
}

static const unsigned char *rfind_mem(const unsigned char *h, size_t hl, const unsigned char *n,
                                      size_t nl) {
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

static const unsigned char *find_mem(const unsigned char *h, size_t hl, const unsigned char *n,
                                     size_t nl) {
    if (nl == 0) {
        return h;
    }
    return hl >= nl ? memmem(h, hl, n, nl) : NULL;
}

static bool is_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}
static bool is_lower(unsigned char c) {
    return c >= 'a' && c <= 'z';
}
static bool is_upper(unsigned char c) {
    return c >= 'A' && c <= 'Z';
}
static bool is_alpha(unsigned char c) {
    return is_lower(c) || is_upper(c);
}
static bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

// ---- searching

static Value find_impl(int argc, Value *argv, const char *name, bool rev, bool raise) {
    if (argc - 1 < 1) {
        return exc_raise(exc_TypeError, "%s() takes at least 1 argument (0 given)", name);
    }
    if (argc - 1 > 3) {
        return exc_raise(exc_TypeError, "%s() takes at most 3 arguments (%d given)", name, argc - 1);
    }
    SELF_BUF(v);
    int64_t lo, hi;
    if (!bound(argc > 2 ? argv[2] : VAL_NULL, (int64_t)v.len, 0, &lo) ||
        !bound(argc > 3 ? argv[3] : VAL_NULL, (int64_t)v.len, (int64_t)v.len, &hi)) {
        return VAL_NULL;
    }
    BufView n = {0};
    unsigned char one;
    if (!needle(argv[1], &n, &one)) {
        return VAL_NULL;
    }
    buffer_get(argv[0], &v);
    hi = hi > (int64_t)v.len ? (int64_t)v.len : hi;
    int64_t r = -1;
    if (lo <= (int64_t)v.len && hi - lo >= (int64_t)n.len) {
        const unsigned char *p = rev ? rfind_mem(v.ptr + lo, (size_t)(hi - lo), n.ptr, n.len)
                                     : find_mem(v.ptr + lo, (size_t)(hi - lo), n.ptr, n.len);
        if (p) {
            r = p - v.ptr;
        }
    }
    if (r < 0 && raise) {
        return exc_raise(exc_ValueError, "subsection not found");
    }
    return MK_SMALL(r);
}

static Value m_find(int argc, Value *argv, ObjDict *kw) {
    return find_impl(argc, argv, "find", false, false);
}
static Value m_rfind(int argc, Value *argv, ObjDict *kw) {
    return find_impl(argc, argv, "rfind", true, false);
}
static Value m_index(int argc, Value *argv, ObjDict *kw) {
    return find_impl(argc, argv, "index", false, true);
}
static Value m_rindex(int argc, Value *argv, ObjDict *kw) {
    return find_impl(argc, argv, "rindex", true, true);
}

static Value m_count(int argc, Value *argv, ObjDict *kw) {
    if (argc - 1 < 1 || argc - 1 > 3) {
        return exc_raise(exc_TypeError, "count() takes at %s (%d given)", argc < 2 ? "least 1 argument" : "most 3 arguments",
                         argc - 1);
    }
    SELF_BUF(v);
    int64_t lo, hi;
    if (!bound(argc > 2 ? argv[2] : VAL_NULL, (int64_t)v.len, 0, &lo) ||
        !bound(argc > 3 ? argv[3] : VAL_NULL, (int64_t)v.len, (int64_t)v.len, &hi)) {
        return VAL_NULL;
    }
    BufView n = {0};
    unsigned char one;
    if (!needle(argv[1], &n, &one)) {
        return VAL_NULL;
    }
    buffer_get(argv[0], &v);
    hi = hi > (int64_t)v.len ? (int64_t)v.len : hi;
    if (hi < lo) {
        return MK_SMALL(0);
    }
    if (n.len == 0) {
        return MK_SMALL(hi - lo + 1);
    }
    int64_t c = 0;
    const unsigned char *p = v.ptr + lo, *e = v.ptr + hi;
    while ((p = find_mem(p, (size_t)(e - p), n.ptr, n.len)) != NULL) {
        c++;
        p += n.len;
    }
    return MK_SMALL(c);
}

static Value starts_ends(int argc, Value *argv, const char *name, bool ends) {
    if (argc - 1 < 1 || argc - 1 > 3) {
        return exc_raise(exc_TypeError, "%s() takes at %s (%d given)", name,
                         argc < 2 ? "least 1 argument" : "most 3 arguments", argc - 1);
    }
    SELF_BUF(v);
    int64_t lo, hi;
    if (!bound(argc > 2 ? argv[2] : VAL_NULL, (int64_t)v.len, 0, &lo) ||
        !bound(argc > 3 ? argv[3] : VAL_NULL, (int64_t)v.len, (int64_t)v.len, &hi)) {
        return VAL_NULL;
    }
    buffer_get(argv[0], &v);
    hi = hi > (int64_t)v.len ? (int64_t)v.len : hi;
    Value pat = argv[1];
    size_t n = IS_TUPLE(pat) ? AS_TUPLE(pat)->len : 1;
    for (size_t i = 0; i < n; i++) {
        Value p = IS_TUPLE(pat) ? AS_TUPLE(pat)->items[i] : pat;
        BufView pv = {0};
        int r = buffer_get(p, &pv);
        if (r < 0) {
            return VAL_NULL;
        }
        if (r == 0) {
            if (IS_TUPLE(pat)) {
                return exc_raise(exc_TypeError, "a bytes-like object is required, not '%s'",
                                 val_type_name(p));
            }
            return exc_raise(exc_TypeError, "%s first arg must be bytes or a tuple of bytes, not %s",
                             name, val_type_name(p));
        }
        if (lo > (int64_t)v.len || hi - lo < (int64_t)pv.len) {
            continue;
        }
        const unsigned char *at = ends ? v.ptr + hi - pv.len : v.ptr + lo;
        if (pv.len == 0 || memcmp(at, pv.ptr, pv.len) == 0) {
            return VAL_TRUE;
        }
    }
    return VAL_FALSE;
}

static Value m_startswith(int argc, Value *argv, ObjDict *kw) {
    return starts_ends(argc, argv, "startswith", false);
}
static Value m_endswith(int argc, Value *argv, ObjDict *kw) {
    return starts_ends(argc, argv, "endswith", true);
}

// ---- split and join

static bool add_part(Value self, ObjList *l, const unsigned char *s, size_t n) {
    Value p = bytes_like(self, s, n);
    return p && list_append(l, p);
}

static Value split_impl(int argc, Value *argv, ObjDict *kw, bool rev) {
    static const char *const names[] = {"sep", "maxsplit"};
    const char *fname = rev ? "rsplit" : "split";
    Value a[2];
    if (!parse(fname, argc - 1, argv + 1, kw, names, 2, 0, a)) {
        return VAL_NULL;
    }
    int64_t maxsplit = -1;
    if (a[1] && !ssize_arg(a[1], &maxsplit)) {
        return VAL_NULL;
    }
    if (maxsplit < 0) {
        maxsplit = INT64_MAX;
    }
    BufView sep = {0};
    bool ws = !a[0] || IS_NONE(a[0]);
    if (!ws) {
        if (!buffer_need(a[0], &sep)) {
            return VAL_NULL;
        }
        if (sep.len == 0) {
            return exc_raise(exc_ValueError, "empty separator");
        }
    }
    SELF_BUF(v);
    Value res = list_new(0);
    gc_push_root(res);
    ObjList *l = AS_LIST(res);
    bool ok = true;
    const unsigned char *s = v.ptr;
    size_t n = v.len;
    if (ws) {
        if (!rev) {
            size_t i = 0;
            while (ok) {
                while (i < n && is_space(s[i])) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                size_t j = i;
                if (maxsplit-- <= 0) {
                    ok = add_part(argv[0], l, s + i, n - i);
                    break;
                }
                while (j < n && !is_space(s[j])) {
                    j++;
                }
                ok = add_part(argv[0], l, s + i, j - i);
                i = j;
            }
        } else {
            size_t i = n;
            while (ok) {
                while (i > 0 && is_space(s[i - 1])) {
                    i--;
                }
                if (i == 0) {
                    break;
                }
                size_t j = i;
                if (maxsplit-- <= 0) {
                    ok = add_part(argv[0], l, s, i);
                    break;
                }
                while (j > 0 && !is_space(s[j - 1])) {
                    j--;
                }
                ok = add_part(argv[0], l, s + j, i - j);
                i = j;
            }
        }
    } else if (!rev) {
        size_t i = 0;
        while (ok) {
            const unsigned char *p = maxsplit > 0 ? find_mem(s + i, n - i, sep.ptr, sep.len) : NULL;
            if (!p) {
                ok = add_part(argv[0], l, s + i, n - i);
                break;
            }
            maxsplit--;
            ok = add_part(argv[0], l, s + i, (size_t)(p - (s + i)));
            i = (size_t)(p - s) + sep.len;
        }
    } else {
        size_t e = n;
        while (ok) {
            const unsigned char *p = maxsplit > 0 ? rfind_mem(s, e, sep.ptr, sep.len) : NULL;
            if (!p) {
                ok = add_part(argv[0], l, s, e);
                break;
            }
            maxsplit--;
            ok = add_part(argv[0], l, p + sep.len, (size_t)(s + e - p - sep.len));
            e = (size_t)(p - s);
        }
    }
    if (ok && rev) {
        for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
            Value t = l->items[i];
            l->items[i] = l->items[j - 1];
            l->items[j - 1] = t;
        }
    }
    gc_pop_root(1);
    return ok ? res : VAL_NULL;
}

static Value m_split(int argc, Value *argv, ObjDict *kw) {
    return split_impl(argc, argv, kw, false);
}
static Value m_rsplit(int argc, Value *argv, ObjDict *kw) {
    return split_impl(argc, argv, kw, true);
}

static Value m_splitlines(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"keepends"};
    Value a[1];
    if (!parse("splitlines", argc - 1, argv + 1, kw, names, 1, 0, a)) {
        return VAL_NULL;
    }
    int64_t keep = 0;
    if (a[0] && (!int_check(a[0]) || !index_value(a[0], NULL, &keep))) {
        if (!exc_pending()) {
            exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer",
                      val_type_name(a[0]));
        }
        return VAL_NULL;
    }
    SELF_BUF(v);
    Value res = list_new(0);
    gc_push_root(res);
    bool ok = true;
    size_t i = 0;
    while (ok && i < v.len) {
        size_t j = i;
        while (j < v.len && v.ptr[j] != '\n' && v.ptr[j] != '\r') {
            j++;
        }
        size_t eol = j;
        if (j < v.len) {
            j += v.ptr[j] == '\r' && j + 1 < v.len && v.ptr[j + 1] == '\n' ? 2 : 1;
        }
        ok = add_part(argv[0], AS_LIST(res), v.ptr + i, (keep ? j : eol) - i);
        i = j;
    }
    gc_pop_root(1);
    return ok ? res : VAL_NULL;
}

// bytes.join's usual case (a bytes receiver, every item with a buffer):
// the result is made at its final size and each part copied once, instead
// of into a growing buffer (its reallocations) and from it into the bytes
// (asyncio's TLS reads join a 100 KiB message's 16 KiB records: two of the
// three copies were these). VAL_NULL with nothing raised: not done (a
// bytearray receiver, an item without a buffer, or a part that changed
// size while the result was allocated); the caller's general loop does it.
static Value join_sized(Value self, ObjList *l) {
    if (bytearray_check(self)) {
        return VAL_NULL;
    }
    BufView sep = {0};
    buffer_get(self, &sep);
    size_t total = 0;
    for (size_t i = 0; i < l->len; i++) {
        BufView p = {0};
        if (buffer_get(l->items[i], &p) != 1) {
            exc_clear();
            return VAL_NULL;
        }
        total += p.len + (i ? sep.len : 0);
    }
    Value res = bytes_try_new(NULL, total);
    if (!res) {
        return VAL_NULL;
    }
    // the allocation may have run finalizers: every part is looked at again
    buffer_get(self, &sep);
    unsigned char *out = AS_BYTES(res)->data;
    size_t at = 0;
    for (size_t i = 0; i < l->len; i++) {
        BufView p = {0};
        if (buffer_get(l->items[i], &p) != 1 || p.len + (i ? sep.len : 0) > total - at) {
            exc_clear();
            return VAL_NULL;
        }
        if (i) {
            memcpy(out + at, sep.ptr, sep.len);
            at += sep.len;
        }
        memcpy(out + at, p.ptr, p.len);
        at += p.len;
    }
    return at == total ? res : VAL_NULL;
}

static Value m_join(int argc, Value *argv, ObjDict *kw) {
    if (argc - 1 != 1) {
        return exc_raise(exc_TypeError, "%s.join() takes exactly one argument (%d given)",
                         tname(argv[0]), argc - 1);
    }
    Value items = seq_to_list(argv[1]);
    if (!items) {
        if (EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            exc_raise(exc_TypeError, "can only join an iterable");
        }
        return VAL_NULL;
    }
    gc_push_root(items);
    ObjList *l = AS_LIST(items);
    Value res = join_sized(argv[0], l);
    if (res || exc_pending()) {
        gc_pop_root(1);
        return res;
    }
    SBuf b;
    sb_init(&b);
    for (size_t i = 0; i < l->len; i++) {
        BufView p = {0};
        int r = buffer_get(l->items[i], &p);
        if (r != 1) {       // a released memoryview too, as CPython says
            exc_clear();
            exc_raise(exc_TypeError, "sequence item %zu: expected a bytes-like object, %s found", i,
                      val_type_name(l->items[i]));
            goto out;
        }
        if (i) {
            SELF_BUF(sep);
            sb_add(&b, (const char *)sep.ptr, sep.len);
        }
        sb_add(&b, (const char *)p.ptr, p.len);
    }
    if (!b.failed) {
        res = bytes_like(argv[0], b.data ? b.data : "", b.len);
    }
out:
    sb_free(&b);
    gc_pop_root(1);
    return res;
}

static Value partition_impl(int argc, Value *argv, bool rev) {
    if (argc - 1 != 1) {
        return exc_raise(exc_TypeError, "%s.%s() takes exactly one argument (%d given)", tname(argv[0]),
                         rev ? "rpartition" : "partition", argc - 1);
    }
    BufView sep = {0};
    if (!buffer_need(argv[1], &sep)) {
        return VAL_NULL;
    }
    if (sep.len == 0) {
        return exc_raise(exc_ValueError, "empty separator");
    }
    SELF_BUF(v);
    const unsigned char *p = rev ? rfind_mem(v.ptr, v.len, sep.ptr, sep.len)
                                 : find_mem(v.ptr, v.len, sep.ptr, sep.len);
    Value t = tuple_new(3);
    gc_push_root(t);
    Value parts[3];
    if (!p) {
        parts[0] = bytes_like(argv[0], rev ? (const unsigned char *)"" : v.ptr, rev ? 0 : v.len);
        parts[1] = bytes_like(argv[0], "", 0);
        parts[2] = bytes_like(argv[0], rev ? v.ptr : (const unsigned char *)"", rev ? v.len : 0);
    } else {
        parts[0] = bytes_like(argv[0], v.ptr, (size_t)(p - v.ptr));
        parts[1] = bytes_like(argv[0], sep.ptr, sep.len);
        size_t after = (size_t)(p - v.ptr) + sep.len;
        parts[2] = bytes_like(argv[0], v.ptr + after, v.len - after);
    }
    gc_pop_root(1);
    for (int i = 0; i < 3; i++) {
        if (!parts[i]) {
            return VAL_NULL;
        }
        AS_TUPLE(t)->items[i] = parts[i];
    }
    return t;
}

static Value m_partition(int argc, Value *argv, ObjDict *kw) {
    return partition_impl(argc, argv, false);
}
static Value m_rpartition(int argc, Value *argv, ObjDict *kw) {
    return partition_impl(argc, argv, true);
}

// ---- strip, replace

static Value strip_impl(int argc, Value *argv, const char *name, int which) {
    if (argc - 1 > 1) {
        return exc_raise(exc_TypeError, "%s expected at most 1 argument, got %d", name, argc - 1);
    }
    BufView chars = {0};
    bool ws = argc < 2 || IS_NONE(argv[1]);
    if (!ws && !buffer_need(argv[1], &chars)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    size_t i = 0, j = v.len;
#define STRIPPABLE(c) (ws ? is_space(c) : (chars.len && memchr(chars.ptr, (c), chars.len) != NULL))
    if (which & 1) {
        while (i < j && STRIPPABLE(v.ptr[i])) {
            i++;
        }
    }
    if (which & 2) {
        while (j > i && STRIPPABLE(v.ptr[j - 1])) {
            j--;
        }
    }
#undef STRIPPABLE
    return bytes_like(argv[0], v.ptr + i, j - i);
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
    if (argc - 1 < 2 || argc - 1 > 3) {
        return exc_raise(exc_TypeError, "replace expected at %s arguments, got %d",
                         argc - 1 < 2 ? "least 2" : "most 3", argc - 1);
    }
    BufView old = {0}, new = {0};
    if (!buffer_need(argv[1], &old) || !buffer_need(argv[2], &new)) {
        return VAL_NULL;
    }
    int64_t count = -1;
    if (argc > 3 && !ssize_arg(argv[3], &count)) {
        return VAL_NULL;
    }
    if (count < 0) {
        count = INT64_MAX;
    }
    SELF_BUF(v);
    SBuf b;
    sb_init(&b);
    size_t i = 0;
    if (old.len == 0) {
        for (; i <= v.len; i++) {
            if (count > 0) {
                sb_add(&b, (const char *)new.ptr, new.len);
                count--;
            }
            if (i < v.len) {
                sb_addc(&b, (char)v.ptr[i]);
            }
        }
    } else {
        while (count > 0) {
            const unsigned char *p = find_mem(v.ptr + i, v.len - i, old.ptr, old.len);
            if (!p) {
                break;
            }
            sb_add(&b, (const char *)v.ptr + i, (size_t)(p - v.ptr) - i);
            sb_add(&b, (const char *)new.ptr, new.len);
            i = (size_t)(p - v.ptr) + old.len;
            count--;
        }
        sb_add(&b, (const char *)v.ptr + i, v.len - i);
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_like(argv[0], b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static Value m_removeprefix(int argc, Value *argv, ObjDict *kw) {
    if (argc - 1 != 1) {
        return exc_raise(exc_TypeError, "%s.removeprefix() takes exactly one argument (%d given)",
                         tname(argv[0]), argc - 1);
    }
    BufView p = {0};
    if (!buffer_need(argv[1], &p)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    if (p.len <= v.len && memcmp(v.ptr, p.ptr, p.len) == 0) {
        return bytes_like(argv[0], v.ptr + p.len, v.len - p.len);
    }
    return bytes_like(argv[0], v.ptr, v.len);
}

static Value m_removesuffix(int argc, Value *argv, ObjDict *kw) {
    if (argc - 1 != 1) {
        return exc_raise(exc_TypeError, "%s.removesuffix() takes exactly one argument (%d given)",
                         tname(argv[0]), argc - 1);
    }
    BufView p = {0};
    if (!buffer_need(argv[1], &p)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    if (p.len && p.len <= v.len && memcmp(v.ptr + v.len - p.len, p.ptr, p.len) == 0) {
        return bytes_like(argv[0], v.ptr, v.len - p.len);
    }
    return bytes_like(argv[0], v.ptr, v.len);
}

// ---- case

enum { C_UPPER, C_LOWER, C_SWAP, C_TITLE, C_CAP };

static Value map_case(int argc, Value *argv, const char *name, int kind) {
    if (!nopos(argv[0], name, argc - 1, 0)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    SBuf b;
    sb_init(&b);
    if (!sb_reserve(&b, v.len)) {
        return VAL_NULL;
    }
    bool prev_cased = false;
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = v.ptr[i], r = c;
        switch (kind) {
        case C_UPPER: r = is_lower(c) ? c - 32 : c; break;
        case C_LOWER: r = is_upper(c) ? c + 32 : c; break;
        case C_SWAP: r = is_lower(c) ? c - 32 : is_upper(c) ? c + 32 : c; break;
        case C_TITLE:
            r = prev_cased ? (is_upper(c) ? c + 32 : c) : (is_lower(c) ? c - 32 : c);
            prev_cased = is_alpha(c);
            break;
        default:
            r = i == 0 ? (is_lower(c) ? c - 32 : c) : (is_upper(c) ? c + 32 : c);
            break;
        }
        b.data[i] = (char)r;
    }
    b.len = v.len;
    Value r = bytes_like(argv[0], b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static Value m_upper(int argc, Value *argv, ObjDict *kw) {
    return map_case(argc, argv, "upper", C_UPPER);
}
static Value m_lower(int argc, Value *argv, ObjDict *kw) {
    return map_case(argc, argv, "lower", C_LOWER);
}
static Value m_swapcase(int argc, Value *argv, ObjDict *kw) {
    return map_case(argc, argv, "swapcase", C_SWAP);
}
static Value m_title(int argc, Value *argv, ObjDict *kw) {
    return map_case(argc, argv, "title", C_TITLE);
}
static Value m_capitalize(int argc, Value *argv, ObjDict *kw) {
    return map_case(argc, argv, "capitalize", C_CAP);
}

typedef bool (*BytePred)(unsigned char c);

static bool p_alnum(unsigned char c) {
    return is_alpha(c) || is_digit(c);
}

static Value all_of(int argc, Value *argv, const char *name, BytePred p, bool empty) {
    if (!nopos(argv[0], name, argc - 1, 0)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    if (v.len == 0) {
        return VAL_BOOL(empty);
    }
    for (size_t i = 0; i < v.len; i++) {
        if (!p(v.ptr[i])) {
            return VAL_FALSE;
        }
    }
    return VAL_TRUE;
}

static bool p_ascii(unsigned char c) {
    return c < 128;
}

static Value m_isalnum(int argc, Value *argv, ObjDict *kw) {
    return all_of(argc, argv, "isalnum", p_alnum, false);
}
static Value m_isalpha(int argc, Value *argv, ObjDict *kw) {
    return all_of(argc, argv, "isalpha", is_alpha, false);
}
static Value m_isdigit(int argc, Value *argv, ObjDict *kw) {
    return all_of(argc, argv, "isdigit", is_digit, false);
}
static Value m_isspace(int argc, Value *argv, ObjDict *kw) {
    return all_of(argc, argv, "isspace", is_space, false);
}
static Value m_isascii(int argc, Value *argv, ObjDict *kw) {
    return all_of(argc, argv, "isascii", p_ascii, true);
}

static Value case_pred(int argc, Value *argv, const char *name, bool upper) {
    if (!nopos(argv[0], name, argc - 1, 0)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    bool cased = false;
    for (size_t i = 0; i < v.len; i++) {
        if (upper ? is_lower(v.ptr[i]) : is_upper(v.ptr[i])) {
            return VAL_FALSE;
        }
        cased |= upper ? is_upper(v.ptr[i]) : is_lower(v.ptr[i]);
    }
    return VAL_BOOL(cased);
}

static Value m_isupper(int argc, Value *argv, ObjDict *kw) {
    return case_pred(argc, argv, "isupper", true);
}
static Value m_islower(int argc, Value *argv, ObjDict *kw) {
    return case_pred(argc, argv, "islower", false);
}

static Value m_istitle(int argc, Value *argv, ObjDict *kw) {
    if (!nopos(argv[0], "istitle", argc - 1, 0)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    bool cased = false, prev = false;
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = v.ptr[i];
        if (is_upper(c)) {
            if (prev) {
                return VAL_FALSE;
            }
            prev = cased = true;
        } else if (is_lower(c)) {
            if (!prev) {
                return VAL_FALSE;
            }
            prev = cased = true;
        } else {
            prev = false;
        }
    }
    return VAL_BOOL(cased);
}

// ---- padding

static bool pad_args(int argc, Value *argv, const char *name, int64_t *width, unsigned char *fill) {
    if (argc - 1 < 1 || argc - 1 > 2) {
        exc_raise(exc_TypeError, "%s expected %s, got %d", name,
                  argc - 1 < 1 ? "at least 1 argument" : "at most 2 arguments", argc - 1);
        return false;
    }
    if (!ssize_arg(argv[1], width)) {
        return false;
    }
    *fill = ' ';
    if (argc > 2) {
        BufView f = {0};
        int r = buffer_get(argv[2], &f);
        if (r < 0) {
            return false;
        }
        if (r == 0 || f.len != 1 || (!bytes_check(argv[2]) && !bytearray_check(argv[2]))) {
            exc_raise(exc_TypeError, "%s() argument 2 must be a byte string of length 1, not %s",
                      name, val_type_name(argv[2]));
            return false;
        }
        *fill = f.ptr[0];
    }
    return true;
}

static Value pad(Value self, int64_t left, int64_t right, unsigned char fill) {
    BufView v = {0};
    buffer_get(self, &v);
    SBuf b;
    sb_init(&b);
    if (left > 0 && !sb_repeat(&b, (const char *)&fill, 1, (size_t)left)) {
        sb_free(&b);
        return VAL_NULL;
    }
    sb_add(&b, (const char *)v.ptr, v.len);
    if (right > 0 && !sb_repeat(&b, (const char *)&fill, 1, (size_t)right)) {
        sb_free(&b);
        return VAL_NULL;
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_like(self, b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static Value m_center(int argc, Value *argv, ObjDict *kw) {
    int64_t w;
    unsigned char f;
    if (!pad_args(argc, argv, "center", &w, &f)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    int64_t marg = w - (int64_t)v.len;
    if (marg <= 0) {
        return pad(argv[0], 0, 0, f);
    }
    int64_t left = marg / 2 + (marg & w & 1);
    return pad(argv[0], left, marg - left, f);
}

static Value m_ljust(int argc, Value *argv, ObjDict *kw) {
    int64_t w;
    unsigned char f;
    if (!pad_args(argc, argv, "ljust", &w, &f)) {
        return VAL_NULL;
    }
    return pad(argv[0], 0, w - bytes_len_of(argv[0]), f);
}

static Value m_rjust(int argc, Value *argv, ObjDict *kw) {
    int64_t w;
    unsigned char f;
    if (!pad_args(argc, argv, "rjust", &w, &f)) {
        return VAL_NULL;
    }
    return pad(argv[0], w - bytes_len_of(argv[0]), 0, f);
}

static Value m_zfill(int argc, Value *argv, ObjDict *kw) {
    if (argc - 1 != 1) {
        return exc_raise(exc_TypeError, "%s.zfill() takes exactly one argument (%d given)",
                         tname(argv[0]), argc - 1);
    }
    int64_t w;
    if (!ssize_arg(argv[1], &w)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    int64_t fill = w - (int64_t)v.len;
    if (fill <= 0) {
        return bytes_like(argv[0], v.ptr, v.len);
    }
    SBuf b;
    sb_init(&b);
    size_t skip = v.len && (v.ptr[0] == '+' || v.ptr[0] == '-');
    sb_add(&b, (const char *)v.ptr, skip);
    if (!sb_repeat(&b, "0", 1, (size_t)fill)) {
        sb_free(&b);
        return VAL_NULL;
    }
    sb_add(&b, (const char *)v.ptr + skip, v.len - skip);
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_like(argv[0], b.data, b.len);
    sb_free(&b);
    return r;
}

static Value m_expandtabs(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"tabsize"};
    Value a[1];
    if (!parse("expandtabs", argc - 1, argv + 1, kw, names, 1, 0, a)) {
        return VAL_NULL;
    }
    int64_t ts = 8;
    if (a[0] && !ssize_arg(a[0], &ts)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    SBuf b;
    sb_init(&b);
    int64_t col = 0;
    for (size_t i = 0; i < v.len && !b.failed; i++) {
        unsigned char c = v.ptr[i];
        if (c == '\t') {
            if (ts > 0) {
                int64_t n = ts - col % ts;
                sb_repeat(&b, " ", 1, (size_t)n);
                col += n;
            }
        } else {
            sb_addc(&b, (char)c);
            col = c == '\n' || c == '\r' ? 0 : col + 1;
        }
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_like(argv[0], b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

// ---- hex, translate, decode

static Value m_hex(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"sep", "bytes_per_sep"};
    Value a[2];
    if (!parse("hex", argc - 1, argv + 1, kw, names, 2, 0, a)) {
        return VAL_NULL;
    }
    char sep = 0;
    int64_t per = 1;
    if (a[0]) {
        if (a[1] && !index_value(a[1], NULL, &per)) {
            return VAL_NULL;
        }
        BufView sb = {0};
        int r = str_check(a[0]) ? 0 : buffer_get(a[0], &sb);
        if (r < 0) {
            return VAL_NULL;
        }
        int64_t n = str_check(a[0]) ? (int64_t)AS_STR(a[0])->cplen : r ? (int64_t)sb.len : obj_length(a[0]);
        if (n < 0) {
            return VAL_NULL;
        }
        if (n != 1) {
            return exc_raise(exc_ValueError, "sep must be length 1.");
        }
        if (str_check(a[0])) {
            if ((unsigned char)AS_STR(a[0])->data[0] >= 128) {
                return exc_raise(exc_ValueError, "sep must be ASCII.");
            }
            sep = AS_STR(a[0])->data[0];
        } else if (r) {
            sep = (char)sb.ptr[0];
        } else {
            return exc_raise(exc_TypeError, "sep must be str or bytes.");
        }
    }
    SELF_BUF(v);
    SBuf b;
    sb_init(&b);
    static const char digits[] = "0123456789abcdef";
    int64_t ap = per < 0 ? -per : per;
    for (size_t i = 0; i < v.len && !b.failed; i++) {
        if (sep && i > 0 && ap > 0) {
            // groups of ap bytes counted from the right (per > 0) or the left
            bool cut = per > 0 ? (v.len - i) % (size_t)ap == 0 : i % (size_t)ap == 0;
            if (cut) {
                sb_addc(&b, sep);
            }
        }
        sb_addc(&b, digits[v.ptr[i] >> 4]);
        sb_addc(&b, digits[v.ptr[i] & 15]);
    }
    return sb_finish(&b);
}

static int hexdig(unsigned char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 32;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static Value m_fromhex(int argc, Value *argv, ObjDict *kw) {
    if (argc - 1 != 1) {
        bool ba = argc > 0 && IS_CLASS(argv[0]) && class_is_subclass(AS_CLASS(argv[0]), cls_bytearray);
        return exc_raise(exc_TypeError, "%s.fromhex() takes exactly one argument (%d given)",
                         ba ? "bytearray" : "bytes", argc - 1);
    }
    if (!str_check(argv[1])) {
        return exc_raise(exc_TypeError, "fromhex() argument must be str, not %s",
                         IS_NONE(argv[1]) ? "None" : val_type_name(argv[1]));
    }
    ObjStr *s = AS_STR(argv[1]);
    SBuf b;
    sb_init(&b);
    size_t i = 0, n = s->len;
    const unsigned char *p = (const unsigned char *)s->data;
    while (true) {
        while (i < n && is_space(p[i])) {
            i++;
        }
        if (i >= n) {
            break;
        }
        int hi = hexdig(p[i]), lo = i + 1 < n ? hexdig(p[i + 1]) : -1;
        if (hi < 0 || lo < 0) {
            sb_free(&b);
            return exc_raise(exc_ValueError, "non-hexadecimal number found in fromhex() arg at position %zu",
                             hi < 0 ? i : i + 1);
        }
        sb_addc(&b, (char)(hi * 16 + lo));
        i += 2;
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    ObjClass *cls = AS_CLASS(argv[0]);
    Value r = class_is_subclass(cls, cls_bytearray) ? bytearray_new(b.data ? b.data : "", b.len)
                                                     : bytes_try_new(b.data ? b.data : "", b.len);
    sb_free(&b);
    if (r && cls != cls_bytes && cls != cls_bytearray) {
        return vm_call(OBJ_VAL(cls), 1, &r, NULL);
    }
    return r;
}

static Value m_translate(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"table", "delete"};
    Value a[2];
    if (argc < 2) {
        return exc_raise(exc_TypeError, "translate() takes at least 1 positional argument (0 given)");
    }
    if (!parse("translate", argc - 1, argv + 1, kw, names, 2, 1, a)) {
        return VAL_NULL;
    }
    BufView table = {0}, del = {0};
    if (!IS_NONE(a[0])) {
        if (!buffer_need(a[0], &table)) {
            return VAL_NULL;
        }
        if (table.len != 256) {
            return exc_raise(exc_ValueError, "translation table must be 256 characters long");
        }
    }
    if (a[1] && !buffer_need(a[1], &del)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    SBuf b;
    sb_init(&b);
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = v.ptr[i];
        if (del.len && memchr(del.ptr, c, del.len)) {
            continue;
        }
        sb_addc(&b, (char)(table.ptr ? table.ptr[c] : c));
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_like(argv[0], b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static Value m_maketrans(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "maketrans expected 2 arguments, got %d", argc);
    }
    BufView f = {0}, t = {0};
    if (!buffer_need(argv[0], &f) || !buffer_need(argv[1], &t)) {
        return VAL_NULL;
    }
    if (f.len != t.len) {
        return exc_raise(exc_ValueError, "maketrans arguments must have same length");
    }
    unsigned char table[256];
    for (int i = 0; i < 256; i++) {
        table[i] = (unsigned char)i;
    }
    for (size_t i = 0; i < f.len; i++) {
        table[f.ptr[i]] = t.ptr[i];
    }
    return bytes_new(table, 256);
}

static Value m_decode(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"encoding", "errors"};
    Value a[2];
    if (!parse("decode", argc - 1, argv + 1, kw, names, 2, 0, a)) {
        return VAL_NULL;
    }
    const char *enc, *errs;
    if (!codec_args("decode", a[0], a[1], &enc, &errs)) {
        return VAL_NULL;
    }
    SELF_BUF(v);
    if (v.len == 0) {
        return str_from_c("");  // CPython looks no codec up for empty input
    }
    return codec_decode(v.ptr, v.len, enc, errs);
}

static Value m_mod(int argc, Value *argv, ObjDict *kw) {
    return bytes_percent_format(argv[0], argv[1]);
}

const MethodDef bytes_common_methods[] = {
    {"find", m_find},
    {"rfind", m_rfind},
    {"index", m_index},
    {"rindex", m_rindex},
    {"count", m_count},
    {"startswith", m_startswith},
    {"endswith", m_endswith},
    {"split", m_split, true},
    {"rsplit", m_rsplit, true},
    {"splitlines", m_splitlines, true},
    {"join", m_join},
    {"partition", m_partition},
    {"rpartition", m_rpartition},
    {"strip", m_strip},
    {"lstrip", m_lstrip},
    {"rstrip", m_rstrip},
    {"replace", m_replace},
    {"removeprefix", m_removeprefix},
    {"removesuffix", m_removesuffix},
    {"upper", m_upper},
    {"lower", m_lower},
    {"swapcase", m_swapcase},
    {"title", m_title},
    {"capitalize", m_capitalize},
    {"isalnum", m_isalnum},
    {"isalpha", m_isalpha},
    {"isdigit", m_isdigit},
    {"isspace", m_isspace},
    {"isascii", m_isascii},
    {"isupper", m_isupper},
    {"islower", m_islower},
    {"istitle", m_istitle},
    {"center", m_center},
    {"ljust", m_ljust},
    {"rjust", m_rjust},
    {"zfill", m_zfill},
    {"expandtabs", m_expandtabs, true},
    {"hex", m_hex, true},
    {"translate", m_translate, true},
    {"decode", m_decode, true},
    {"__mod__", m_mod},
    {NULL, NULL},
};

void bytes_init_late(void) {
    class_add_classmethod(cls_bytes, "fromhex", m_fromhex);
    class_add_classmethod(cls_bytearray, "fromhex", m_fromhex);
    ObjClass *both[2] = {cls_bytes, cls_bytearray};
    for (int i = 0; i < 2; i++) {
        ObjWrapper *w = (ObjWrapper *)obj_alloc(cls_staticmethod, sizeof(ObjWrapper));
        w->func = native_new("maketrans", m_maketrans, NULL);
        dict_set_str(both[i]->dict, str_intern_c("maketrans"), OBJ_VAL(w));
    }
}
