// mod_json.c: the `_json` module, the C half of `json` (runtime/lib/json.pyish
// holds the classes and the public functions, like CPython's json package
// over its _json accelerator). encode() walks a value once into one string
// (or, for iterencode, into the chunks CPython's pure-Python encoder yields),
// with every JSONEncoder option; decode()/scan_once() parse JSON text with
// CPython's scanner rules, hooks and error positions (code points), raising
// the JSONDecodeError class they are given.
#include <math.h>
#include <string.h>
#include "containers.h"
#include "module.h"
#include "numstr.h"
#include "runtime.h"
#include "vmapi.h"

// ---------------------------------------------------------------- encoder

typedef struct Enc {
    SBuf b;
    Value dflt;             // default(o) callable
    ObjStr *indent;         // NULL: compact
    ObjStr *key_sep, *item_sep;
    bool sort_keys, skipkeys, allow_nan, ensure_ascii, check_circular;
    bool pymode;            // CPython's Python encoder (indent, iterencode): its messages
    ObjList *chunks;        // NULL: one string
    Obj **marks;            // objects being encoded (circular check)
    size_t nmarks, capmarks;
    int level;
} Enc;

static const char hexd[] = "0123456789abcdef";

// Ends the current chunk (iterencode's yield points); no-op for one string.
static bool cut(Enc *e) {
    if (!e->chunks || e->b.len == 0) {
        return !e->b.failed;
    }
    if (e->b.failed) {
        return false;
    }
    Value s = str_try_new(e->b.data, e->b.len);
    if (!s || !list_append(e->chunks, s)) {
        return false;
    }
    e->b.len = 0;
    return true;
}

static inline bool safe_ascii(unsigned char c) {
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
}

static void add_u16(SBuf *b, uint32_t u) {
    char t[6] = {'\\', 'u', hexd[(u >> 12) & 15], hexd[(u >> 8) & 15], hexd[(u >> 4) & 15],
                 hexd[u & 15]};
    sb_add(b, t, 6);
}

// Appends the JSON string literal of the UTF-8 text [s, n).
static void enc_string(SBuf *b, const char *s, size_t n, bool ascii) {
    if (!sb_reserve(b, n + 2)) {
        return;
    }
    sb_addc(b, '"');
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        if (ascii) {
            while (j < n && safe_ascii((unsigned char)s[j])) {
                j++;
            }
        } else {
            while (j < n && (unsigned char)s[j] >= 0x20 && s[j] != '"' && s[j] != '\\') {
                j++;
            }
        }
        if (j > i) {
            sb_add(b, s + i, j - i);
            i = j;
            if (i >= n) {
                break;
            }
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp = utf8_decode(s, n, &i);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                add_u16(b, 0xd800 | (cp >> 10));
                add_u16(b, 0xdc00 | (cp & 0x3ff));
            } else {
                add_u16(b, cp);
            }
            continue;
        }
        i++;
        switch (c) {
        case '"': sb_add(b, "\\\"", 2); break;
        case '\\': sb_add(b, "\\\\", 2); break;
        case '\n': sb_add(b, "\\n", 2); break;
        case '\r': sb_add(b, "\\r", 2); break;
        case '\t': sb_add(b, "\\t", 2); break;
        case '\b': sb_add(b, "\\b", 2); break;
        case '\f': sb_add(b, "\\f", 2); break;
        default: add_u16(b, c); break;
        }
    }
    sb_addc(b, '"');
}

static bool enc_float(Enc *e, Value v) {
    double d = AS_FLOAT(v);
    if (!isfinite(d)) {
        if (!e->allow_nan) {
            if (!e->pymode) {
                exc_raise(exc_ValueError, "Out of range float values are not JSON compliant");
                return false;
            }
            Value r = obj_repr(v);
            if (!r) {
                return false;
            }
            exc_raise(exc_ValueError, "Out of range float values are not JSON compliant: %s",
                      str_cstr(r));
            return false;
        }
        sb_adds(&e->b, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return true;
    }
    Value r = float_repr_str(d);
    if (!r) {
        return false;
    }
    sb_add(&e->b, AS_STR(r)->data, AS_STR(r)->len);
    return true;
}

static bool enc_int(Enc *e, Value v) {
    if (IS_SMALL(v)) {
        char t[32];
        int k = snprintf(t, sizeof t, "%lld", (long long)AS_SMALL(v));
        sb_add(&e->b, t, (size_t)k);
        return true;
    }
    Value r = int_repr(v);
    if (!r) {
        return false;
    }
    sb_add(&e->b, AS_STR(r)->data, AS_STR(r)->len);
    return true;
}

// Encodes a scalar (str, None, bools, int, float): 1 done, 0 not a
// scalar, -1 error.
static int enc_scalar(Enc *e, Value v) {
    if (IS_STR(v) || str_check(v)) {
        enc_string(&e->b, AS_STR(v)->data, AS_STR(v)->len, e->ensure_ascii);
        return 1;
    }
    if (v == VAL_NONE) {
        sb_add(&e->b, "null", 4);
        return 1;
    }
    if (v == VAL_TRUE) {
        sb_add(&e->b, "true", 4);
        return 1;
    }
    if (v == VAL_FALSE) {
        sb_add(&e->b, "false", 5);
        return 1;
    }
    if (IS_SMALL(v) || int_check(v)) {
        return enc_int(e, v) ? 1 : -1;
    }
    if (IS_FLOATISH(v)) {
        return enc_float(e, v) ? 1 : -1;
    }
    return 0;
}

static bool mark_push(Enc *e, Value v) {
    if (!e->check_circular) {
        return true;
    }
    Obj *o = AS_OBJ(v);
    for (size_t i = 0; i < e->nmarks; i++) {
        if (e->marks[i] == o) {
            exc_raise(exc_ValueError, "Circular reference detected");
            return false;
        }
    }
    if (e->nmarks == e->capmarks) {
        size_t ncap = e->capmarks ? e->capmarks * 2 : 32;
        e->marks = mem_realloc(e->marks, e->capmarks * sizeof(Obj *), ncap * sizeof(Obj *));
        e->capmarks = ncap;
    }
    e->marks[e->nmarks++] = o;
    return true;
}

static void mark_pop(Enc *e) {
    if (e->check_circular) {
        e->nmarks--;
    }
}

static void add_newline_indent(Enc *e) {
    sb_addc(&e->b, '\n');
    for (int i = 0; i < e->level; i++) {
        sb_add(&e->b, e->indent->data, e->indent->len);
    }
}

static bool enc_value(Enc *e, Value v);

// An item of a list or a dict's value: scalars join the pending chunk.
static bool enc_item(Enc *e, Value v) {
    int r = enc_scalar(e, v);
    if (r < 0) {
        return false;
    }
    if (r > 0) {
        return cut(e);
    }
    return cut(e) && enc_value(e, v);
}

static bool enc_list(Enc *e, Value v) {
    bool tuple = IS_TUPLE(v) || (AS_OBJ(v)->cls->native_base == cls_tuple);
    size_t n = tuple ? AS_TUPLE(v)->len : AS_LIST(v)->len;
    if (n == 0) {
        sb_add(&e->b, "[]", 2);
        return cut(e);
    }
    if (!mark_push(e, v)) {
        return false;
    }
    sb_addc(&e->b, '[');
    if (e->indent) {
        e->level++;
        add_newline_indent(e);
    }
    for (size_t i = 0;; i++) {
        size_t len = tuple ? AS_TUPLE(v)->len : AS_LIST(v)->len;
        if (i >= len) {
            break;
        }
        if (i > 0) {
            sb_add(&e->b, e->item_sep->data, e->item_sep->len);
            if (e->indent) {
                add_newline_indent(e);
            }
        }
        Value item = tuple ? AS_TUPLE(v)->items[i] : AS_LIST(v)->items[i];
        if (!enc_item(e, item)) {
            return false;
        }
    }
    if (e->indent) {
        e->level--;
        add_newline_indent(e);
        if (!cut(e)) {
            return false;
        }
    }
    sb_addc(&e->b, ']');
    mark_pop(e);
    return cut(e);
}

// The key text of [k] into [out] (a str), or VAL_NONE to skip it.
static Value dict_key(Enc *e, Value k) {
    if (IS_STR(k) || str_check(k)) {
        return k;
    }
    if (IS_FLOATISH(k)) {
        SBuf save = e->b;
        sb_init(&e->b);
        bool ok = enc_float(e, k);
        Value s = ok ? sb_finish(&e->b) : (sb_free(&e->b), VAL_NULL);
        e->b = save;
        return s;
    }
    if (k == VAL_TRUE) {
        return str_from_c("true");
    }
    if (k == VAL_FALSE) {
        return str_from_c("false");
    }
    if (k == VAL_NONE) {
        return str_from_c("null");
    }
    if (int_check(k)) {
        return int_repr(k);
    }
    if (e->skipkeys) {
        return VAL_NONE;
    }
    return exc_raise(exc_TypeError, "keys must be str, int, float, bool or None, not %s",
                     val_type_name(k));
}

static bool enc_pair(Enc *e, Value k, Value val, bool *first) {
    Value ks = dict_key(e, k);
    if (!ks) {
        return false;
    }
    if (ks == VAL_NONE) {
        return true;
    }
    if (!*first) {
        sb_add(&e->b, e->item_sep->data, e->item_sep->len);
        if (e->indent) {
            add_newline_indent(e);
        }
        if (!cut(e)) {
            return false;
        }
    }
    *first = false;
    enc_string(&e->b, AS_STR(ks)->data, AS_STR(ks)->len, e->ensure_ascii);
    if (!cut(e)) {
        return false;
    }
    sb_add(&e->b, e->key_sep->data, e->key_sep->len);
    if (!cut(e)) {
        return false;
    }
    return enc_item(e, val);
}

static bool enc_dict(Enc *e, Value v) {
    bool exact = IS_DICT(v);
    if (AS_DICT(v)->used == 0 && exact) {
        sb_add(&e->b, "{}", 2);
        return cut(e);
    }
    Value items = VAL_NULL;
    if (!exact || e->sort_keys) {
        if (exact) {
            items = list_new(AS_DICT(v)->used);
            if (!items) {
                return false;
            }
            size_t pos = 0;
            Value k, val;
            while (dict_next(AS_DICT(v), &pos, &k, &val)) {
                Value t = tuple_pack(2, k, val);
                if (!list_append(AS_LIST(items), t)) {
                    return false;
                }
            }
        } else {
            Value it = call_method(v, "items", 0, NULL);
            if (!it) {
                return false;
            }
            gc_push_root(it);
            items = seq_to_list(it);
            gc_pop_root(1);
            if (!items) {
                return false;
            }
        }
        if (AS_LIST(items)->len == 0) {
            sb_add(&e->b, "{}", 2);
            return cut(e);
        }
        gc_push_root(items);
        if (e->sort_keys && !list_sort_inplace(AS_LIST(items), VAL_NONE, false)) {
            gc_pop_root(1);
            return false;
        }
    }
    bool ok = false;
    if (!mark_push(e, v)) {
        goto out;
    }
    sb_addc(&e->b, '{');
    if (!cut(e)) {
        goto out;
    }
    if (e->indent) {
        e->level++;
        add_newline_indent(e);
        if (!cut(e)) {
            goto out;
        }
    }
    bool first = true;
    if (items) {
        ObjList *l = AS_LIST(items);
        for (size_t i = 0; i < l->len; i++) {
            Value t = l->items[i];
            if (!IS_TUPLE(t) || AS_TUPLE(t)->len != 2) {
                exc_raise(exc_ValueError, "items must return tuples of 2 elements");
                goto out;
            }
            if (!enc_pair(e, AS_TUPLE(t)->items[0], AS_TUPLE(t)->items[1], &first)) {
                goto out;
            }
        }
    } else {
        size_t pos = 0;
        Value k, val;
        while (dict_next(AS_DICT(v), &pos, &k, &val)) {
            if (!enc_pair(e, k, val, &first)) {
                goto out;
            }
        }
    }
    if (e->indent) {
        e->level--;
        add_newline_indent(e);
        if (!cut(e)) {
            goto out;
        }
    }
    sb_addc(&e->b, '}');
    mark_pop(e);
    ok = cut(e);
out:
    if (items) {
        gc_pop_root(1);
    }
    return ok;
}

static bool enc_value(Enc *e, Value v) {
    int r = enc_scalar(e, v);
    if (r != 0) {
        return r > 0 && cut(e);
    }
    if (!vm_enter_recursive(" while encoding a JSON object")) {
        return false;
    }
    bool ok;
    ObjClass *c = AS_OBJ(v)->cls;
    if (c == cls_list || c == cls_tuple || c->native_base == cls_list ||
        c->native_base == cls_tuple) {
        ok = enc_list(e, v);
    } else if (c == cls_dict || c->native_base == cls_dict) {
        ok = enc_dict(e, v);
    } else {
        ok = false;
        if (mark_push(e, v)) {
            Value nv = vm_call(e->dflt, 1, &v, NULL);
            if (nv) {
                gc_push_root(nv);
                ok = enc_value(e, nv);
                gc_pop_root(1);
                if (ok) {
                    mark_pop(e);
                }
            }
        }
    }
    vm_leave_recursive();
    return ok;
}

static ObjStr *str_arg(Value v, const char *what) {
    if (!IS_STR(v) && !str_check(v)) {
        exc_raise(exc_TypeError, "%s must be a str, not %s", what, val_type_name(v));
        return NULL;
    }
    return AS_STR(v);
}

// encode(o, default, indent, key_separator, item_separator, sort_keys,
//        skipkeys, allow_nan, ensure_ascii, check_circular, pymode, chunks):
// the JSON text of [o]; with a list [chunks], appends the chunks there
// and returns None.
static Value j_encode(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("encode", argc, 12, 12)) {
        return VAL_NULL;
    }
    Enc e;
    memset(&e, 0, sizeof e);
    sb_init(&e.b);
    e.dflt = argv[1];
    if (argv[2] != VAL_NONE && !(e.indent = str_arg(argv[2], "indent"))) {
        return VAL_NULL;
    }
    if (!(e.key_sep = str_arg(argv[3], "key_separator")) ||
        !(e.item_sep = str_arg(argv[4], "item_separator"))) {
        return VAL_NULL;
    }
    int t;
    bool *flags[] = {&e.sort_keys, &e.skipkeys, &e.allow_nan, &e.ensure_ascii,
                     &e.check_circular, &e.pymode};
    for (int i = 0; i < 6; i++) {
        if ((t = obj_truthy(argv[5 + i])) < 0) {
            return VAL_NULL;
        }
        *flags[i] = t;
    }
    if (IS_LIST(argv[11])) {
        e.chunks = AS_LIST(argv[11]);
    }
    bool ok = enc_value(&e, argv[0]);
    if (e.marks) {
        mem_free(e.marks, e.capmarks * sizeof(Obj *));
    }
    if (!ok) {
        sb_free(&e.b);
        return VAL_NULL;
    }
    if (e.chunks) {
        sb_free(&e.b);
        return VAL_NONE;
    }
    return sb_finish(&e.b);
}

static Value j_encode_basestring(int argc, Value *argv, bool ascii, const char *name) {
    if (!arg_count(name, argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0]) && !str_check(argv[0])) {
        return exc_raise(exc_TypeError, "first argument must be a string, not %s",
                         val_type_name(argv[0]));
    }
    SBuf b;
    sb_init(&b);
    enc_string(&b, AS_STR(argv[0])->data, AS_STR(argv[0])->len, ascii);
    return sb_finish(&b);
}

static Value j_encode_basestring_ascii(int argc, Value *argv, ObjDict *kw) {
    return j_encode_basestring(argc, argv, true, "encode_basestring_ascii");
}

static Value j_encode_basestring_u(int argc, Value *argv, ObjDict *kw) {
    return j_encode_basestring(argc, argv, false, "encode_basestring");
}

// ---------------------------------------------------------------- decoder

typedef struct Dec {
    ObjStr *str;
    const char *s;
    size_t len;
    bool strict;
    Value object_hook, pairs_hook, parse_float, parse_int, parse_constant; // VAL_NULL: default
    Value err_cls;
    ObjDict *memo;
} Dec;

// The code-point index of byte offset [pos].
static size_t cp_index(Dec *d, size_t pos) {
    if (d->str->cplen == d->str->len) {
        return pos;
    }
    size_t n = 0;
    for (size_t i = 0; i < pos && i < d->len; i++) {
        if (((unsigned char)d->s[i] & 0xc0) != 0x80) {
            n++;
        }
    }
    return n;
}

static Value dec_error(Dec *d, const char *msg, size_t pos) {
    Value args[3] = {str_from_c(msg), OBJ_VAL(d->str), int_from_i64((int64_t)cp_index(d, pos))};
    gc_push_root(args[0]);
    Value exc = vm_call(d->err_cls, 3, args, NULL);
    gc_pop_root(1);
    if (!exc) {
        return VAL_NULL;
    }
    return exc_raise_value(exc);
}

static inline size_t skip_ws(Dec *d, size_t i) {
    while (i < d->len) {
        char c = d->s[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            break;
        }
        i++;
    }
    return i;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Four hex digits at [i]: the value, or -1.
static int32_t hex4(Dec *d, size_t i) {
    int32_t u = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexval(d->s[i + k]);
        if (h < 0) {
            return -1;
        }
        u = (u << 4) | h;
    }
    return u;
}

// The string whose opening quote is at [begin - 1]; *end: after the closing quote.
static Value scan_string(Dec *d, size_t begin, size_t *end) {
    const char *s = d->s;
    size_t i = begin;
    // fast path: no escapes; eight bytes at a time while none of them is a
    // quote, a backslash or a control character (SWAR "has zero byte" and
    // "has byte less than" tests), then byte by byte
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (i + 8 <= d->len) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        if (((q - ones) & ~q & highs) | ((b - ones) & ~b & highs) | ((w - ones * 0x20) & ~w & highs)) {
            break;
        }
        i += 8;
    }
    while (i < d->len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            *end = i + 1;
            return str_new(s + begin, i - begin);
        }
        if (c == '\\' || (c < 0x20 && d->strict)) {
            break;
        }
        i++;
    }
    SBuf b;
    sb_init(&b);
    sb_add(&b, s + begin, i - begin);
    for (;;) {
        size_t j = i;
        while (j < d->len) {
            unsigned char c = (unsigned char)s[j];
            if (c == '"' || c == '\\') {
                break;
            }
            if (c < 0x20 && d->strict) {
                sb_free(&b);
                return dec_error(d, "Invalid control character at", j);
            }
            j++;
        }
        if (j >= d->len) {
            sb_free(&b);
            return dec_error(d, "Unterminated string starting at", begin - 1);
        }
        sb_add(&b, s + i, j - i);
        if (s[j] == '"') {
            *end = j + 1;
            break;
        }
        j++;    // past the backslash
        if (j >= d->len) {
            sb_free(&b);
            return dec_error(d, "Unterminated string starting at", begin - 1);
        }
        char c = s[j];
        if (c != 'u') {
            char out;
            switch (c) {
            case '"': out = '"'; break;
            case '\\': out = '\\'; break;
            case '/': out = '/'; break;
            case 'b': out = '\b'; break;
            case 'f': out = '\f'; break;
            case 'n': out = '\n'; break;
            case 'r': out = '\r'; break;
            case 't': out = '\t'; break;
            default:
                sb_free(&b);
                return dec_error(d, "Invalid \\escape", j - 1);
            }
            sb_addc(&b, out);
            i = j + 1;
            continue;
        }
        // \uXXXX at j ('u')
        if (j + 5 >= d->len) {
            sb_free(&b);
            return dec_error(d, "Invalid \\uXXXX escape", j);
        }
        int32_t u = hex4(d, j + 1);
        if (u < 0) {
            sb_free(&b);
            return dec_error(d, "Invalid \\uXXXX escape", j);
        }
        size_t after = j + 5;
        uint32_t cp = (uint32_t)u;
        if (cp >= 0xd800 && cp <= 0xdbff && after + 6 < d->len && s[after] == '\\' &&
            s[after + 1] == 'u') {
            int32_t u2 = hex4(d, after + 2);
            if (u2 < 0) {
                sb_free(&b);
                return dec_error(d, "Invalid \\uXXXX escape", after + 1);
            }
            if (u2 >= 0xdc00 && u2 <= 0xdfff) {
                cp = 0x10000 + (((cp - 0xd800) << 10) | ((uint32_t)u2 - 0xdc00));
                after += 6;
            }
        }
        char t[4];
        int k = utf8_encode(cp, t);
        sb_add(&b, t, (size_t)k);
        i = after;
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = str_try_new(b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static Value scan_value(Dec *d, size_t i, size_t *end);

static Value call1(Value f, Value arg) {
    gc_push_root(arg);
    Value r = vm_call(f, 1, &arg, NULL);
    gc_pop_root(1);
    return r;
}

static Value parse_object(Dec *d, size_t i, size_t *end) {
    bool pairs = d->pairs_hook != VAL_NULL;
    Value acc = pairs ? list_new(4) : dict_new();
    if (!acc) {
        return VAL_NULL;
    }
    gc_push_root(acc);
    i = skip_ws(d, i);
    if (i >= d->len || d->s[i] != '}') {
        for (;;) {
            if (i >= d->len || d->s[i] != '"') {
                dec_error(d, "Expecting property name enclosed in double quotes", i);
                goto fail;
            }
            size_t next;
            Value key = scan_string(d, i + 1, &next);
            if (!key) {
                goto fail;
            }
            Value known;
            int r = dict_get(d->memo, key, &known);
            if (r < 0) {
                goto fail;
            }
            if (r > 0) {
                key = known;
            } else if (dict_set(d->memo, key, key) < 0) {
                goto fail;
            }
            i = skip_ws(d, next);
            if (i >= d->len || d->s[i] != ':') {
                dec_error(d, "Expecting ':' delimiter", i);
                goto fail;
            }
            i = skip_ws(d, i + 1);
            Value val = scan_value(d, i, &next);
            if (!val) {
                goto fail;
            }
            if (pairs) {
                gc_push_root(val);
                Value t = tuple_pack(2, key, val);
                gc_pop_root(1);
                if (!t || !list_append(AS_LIST(acc), t)) {
                    goto fail;
                }
            } else if (dict_set(AS_DICT(acc), key, val) < 0) {
                goto fail;
            }
            i = skip_ws(d, next);
            if (i < d->len && d->s[i] == '}') {
                break;
            }
            if (i >= d->len || d->s[i] != ',') {
                dec_error(d, "Expecting ',' delimiter", i);
                goto fail;
            }
            i = skip_ws(d, i + 1);
        }
    }
    *end = i + 1;
    Value r = acc;
    if (pairs) {
        r = vm_call(d->pairs_hook, 1, &acc, NULL);
    } else if (d->object_hook) {
        r = vm_call(d->object_hook, 1, &acc, NULL);
    }
    gc_pop_root(1);
    return r;
fail:
    gc_pop_root(1);
    return VAL_NULL;
}

static Value parse_array(Dec *d, size_t i, size_t *end) {
    Value acc = list_new(4);
    if (!acc) {
        return VAL_NULL;
    }
    gc_push_root(acc);
    i = skip_ws(d, i);
    if (i >= d->len || d->s[i] != ']') {
        for (;;) {
            size_t next;
            Value val = scan_value(d, i, &next);
            if (!val || !list_append(AS_LIST(acc), val)) {
                goto fail;
            }
            i = skip_ws(d, next);
            if (i < d->len && d->s[i] == ']') {
                break;
            }
            if (i >= d->len || d->s[i] != ',') {
                dec_error(d, "Expecting ',' delimiter", i);
                goto fail;
            }
            i = skip_ws(d, i + 1);
        }
    }
    *end = i + 1;
    gc_pop_root(1);
    return acc;
fail:
    gc_pop_root(1);
    return VAL_NULL;
}

static Value parse_constant(Dec *d, const char *name, double v) {
    if (d->parse_constant) {
        return call1(d->parse_constant, str_from_c(name));
    }
    return float_new(v);
}

static inline bool isdig(char c) {
    return c >= '0' && c <= '9';
}

static Value parse_number(Dec *d, size_t start, size_t *end) {
    const char *s = d->s;
    size_t i = start, n = d->len;
    if (i < n && s[i] == '-') {
        i++;
    }
    if (i < n && s[i] >= '1' && s[i] <= '9') {
        i++;
        while (i < n && isdig(s[i])) {
            i++;
        }
    } else if (i < n && s[i] == '0') {
        i++;
    } else {
        return dec_error(d, "Expecting value", start);
    }
    bool is_float = false;
    if (i + 1 < n && s[i] == '.' && isdig(s[i + 1])) {
        is_float = true;
        i += 2;
        while (i < n && isdig(s[i])) {
            i++;
        }
    }
    if (i + 1 < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e_start = i;
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) {
            i++;
        }
        while (i < n && isdig(s[i])) {
            i++;
        }
        if (isdig(s[i - 1])) {
            is_float = true;
        } else {
            i = e_start;
        }
    }
    *end = i;
    size_t len = i - start;
    if (is_float) {
        if (d->parse_float) {
            return call1(d->parse_float, str_new(s + start, len));
        }
        double v;
        if (!float_parse(s + start, len, &v)) {
            return exc_raise(exc_ValueError, "could not convert string to float");
        }
        return float_new(v);
    }
    if (d->parse_int) {
        return call1(d->parse_int, str_new(s + start, len));
    }
    if (len <= 18) {
        int64_t v = 0;
        size_t k = start;
        bool neg = s[k] == '-';
        if (neg) {
            k++;
        }
        for (; k < i; k++) {
            v = v * 10 + (s[k] - '0');
        }
        return int_from_i64(neg ? -v : v);
    }
    char *buf = mem_try_alloc(len + 1);
    if (!buf) {
        return VAL_NULL;
    }
    memcpy(buf, s + start, len);
    buf[len] = 0;
    Value r = int_from_str(buf, 10);
    mem_free(buf, len + 1);
    return r;
}

static bool match_at(Dec *d, size_t i, const char *word) {
    size_t k = strlen(word);
    return i + k <= d->len && memcmp(d->s + i, word, k) == 0;
}

static Value scan_value(Dec *d, size_t i, size_t *end) {
    if (i >= d->len) {
        return dec_error(d, "Expecting value", i);
    }
    Value r;
    switch (d->s[i]) {
    case '"':
        return scan_string(d, i + 1, end);
    case '{':
        if (!vm_enter_recursive(" while decoding a JSON object from a unicode string")) {
            return VAL_NULL;
        }
        r = parse_object(d, i + 1, end);
        vm_leave_recursive();
        return r;
    case '[':
        if (!vm_enter_recursive(" while decoding a JSON array from a unicode string")) {
            return VAL_NULL;
        }
        r = parse_array(d, i + 1, end);
        vm_leave_recursive();
        return r;
    case 'n':
        if (match_at(d, i, "null")) {
            *end = i + 4;
            return VAL_NONE;
        }
        break;
    case 't':
        if (match_at(d, i, "true")) {
            *end = i + 4;
            return VAL_TRUE;
        }
        break;
    case 'f':
        if (match_at(d, i, "false")) {
            *end = i + 5;
            return VAL_FALSE;
        }
        break;
    case 'N':
        if (match_at(d, i, "NaN")) {
            *end = i + 3;
            return parse_constant(d, "NaN", NAN);
        }
        break;
    case 'I':
        if (match_at(d, i, "Infinity")) {
            *end = i + 8;
            return parse_constant(d, "Infinity", INFINITY);
        }
        break;
    case '-':
        if (match_at(d, i, "-Infinity")) {
            *end = i + 9;
            return parse_constant(d, "-Infinity", -INFINITY);
        }
        break;
    default:
        break;
    }
    return parse_number(d, i, end);
}

// Fills [d] from (s, strict, object_hook, object_pairs_hook, parse_float,
// parse_int, parse_constant, error_class) at argv.
static bool dec_setup(Dec *d, Value *argv) {
    if (!IS_STR(argv[0]) && !str_check(argv[0])) {
        exc_raise(exc_TypeError, "first argument must be a string, not %s",
                  val_type_name(argv[0]));
        return false;
    }
    d->str = AS_STR(argv[0]);
    d->s = d->str->data;
    d->len = d->str->len;
    int t = obj_truthy(argv[1]);
    if (t < 0) {
        return false;
    }
    d->strict = t;
    d->object_hook = argv[2] == VAL_NONE ? VAL_NULL : argv[2];
    d->pairs_hook = argv[3] == VAL_NONE ? VAL_NULL : argv[3];
    d->parse_float = (argv[4] == VAL_NONE || argv[4] == OBJ_VAL(cls_float)) ? VAL_NULL : argv[4];
    d->parse_int = (argv[5] == VAL_NONE || argv[5] == OBJ_VAL(cls_int)) ? VAL_NULL : argv[5];
    d->parse_constant = argv[6] == VAL_NONE ? VAL_NULL : argv[6];
    d->err_cls = argv[7];
    d->memo = AS_DICT(dict_new());
    return true;
}

// decode(s, strict, object_hook, object_pairs_hook, parse_float, parse_int,
//        parse_constant, error_class): JSONDecoder.decode.
static Value j_decode(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("decode", argc, 8, 8)) {
        return VAL_NULL;
    }
    Dec d;
    if (!dec_setup(&d, argv)) {
        return VAL_NULL;
    }
    gc_push_root(OBJ_VAL(d.memo));
    size_t end;
    Value r = scan_value(&d, skip_ws(&d, 0), &end);
    if (r) {
        end = skip_ws(&d, end);
        if (end != d.len) {
            r = dec_error(&d, "Extra data", end);
        }
    }
    gc_pop_root(1);
    return r;
}

// scan_once(s, idx, strict, ...hooks, error_class): (value, end) from code
// point [idx] (JSONDecoder.raw_decode).
static Value j_scan_once(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("scan_once", argc, 9, 9)) {
        return VAL_NULL;
    }
    Value rest[8] = {argv[0], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[8]};
    Dec d;
    if (!dec_setup(&d, rest)) {
        return VAL_NULL;
    }
    int64_t idx;
    if (!int_to_i64(argv[1], &idx)) {
        return VAL_NULL;
    }
    if (idx < 0) {
        return exc_raise(exc_ValueError, "idx cannot be negative");
    }
    size_t pos = (size_t)idx > d.str->cplen ? d.len + 1 : str_cp_offset(d.str, (size_t)idx);
    gc_push_root(OBJ_VAL(d.memo));
    size_t end;
    Value r = pos > d.len ? dec_error(&d, "Expecting value", pos) : scan_value(&d, pos, &end);
    if (r) {
        gc_push_root(r);
        r = tuple_pack(2, r, int_from_i64((int64_t)cp_index(&d, end)));
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return r;
}

// scanstring(s, end, strict=True, error_class): (str, end) for the string
// whose opening quote is at [end - 1].
static Value j_scanstring(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("scanstring", argc, 4, 4)) {
        return VAL_NULL;
    }
    Value rest[8] = {argv[0], argv[2], VAL_NONE, VAL_NONE, VAL_NONE, VAL_NONE, VAL_NONE, argv[3]};
    Dec d;
    if (!dec_setup(&d, rest)) {
        return VAL_NULL;
    }
    int64_t idx;
    if (!int_to_i64(argv[1], &idx)) {
        return VAL_NULL;
    }
    if (idx < 0 || (size_t)idx > d.str->cplen) {
        return exc_raise(exc_ValueError, "end is out of bounds");
    }
    gc_push_root(OBJ_VAL(d.memo));
    size_t end;
    Value r = scan_string(&d, str_cp_offset(d.str, (size_t)idx), &end);
    if (r) {
        gc_push_root(r);
        r = tuple_pack(2, r, int_from_i64((int64_t)cp_index(&d, end)));
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return r;
}

static const MethodDef json_functions[] = {
    {"encode", j_encode},
    {"encode_basestring_ascii", j_encode_basestring_ascii},
    {"encode_basestring", j_encode_basestring_u},
    {"decode", j_decode},
    {"scan_once", j_scan_once},
    {"scanstring", j_scanstring},
    {NULL, NULL},
};

// Creates the _json module.
Value mod_json_init(void) {
    Value m = module_new("_json");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    for (const MethodDef *f = json_functions; f->name; f++) {
        dict_set_str(d, str_intern_c(f->name), native_new(f->name, f->fn, NULL));
    }
    return m;
}
