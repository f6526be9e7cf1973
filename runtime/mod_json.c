// mod_json.c: `_json`, the C accelerators CPython's json module imports
// (runtime/lib/json.pyish is CPython's own json): scanstring,
// encode_basestring(_ascii), make_scanner (the whole decoder: objects,
// arrays, strings, numbers, constants, with CPython's JSONDecodeError
// messages) and make_encoder (the one-shot encoder json.dumps uses when
// there is no indent: the whole document into one str). Indices are code
// points; the work is done on our UTF-8 bytes.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "numstr.h"
#include "runtime.h"
#include "vmapi.h"

typedef struct ObjJScanner {
    Obj hdr;
    bool strict;
    Value object_hook, object_pairs_hook, parse_float, parse_int, parse_constant, memo;
} ObjJScanner;

typedef struct ObjJEncoder {
    Obj hdr;
    Value markers, defaultfn, encoder, indent, key_sep, item_sep;
    bool sort_keys, skipkeys, allow_nan;
} ObjJEncoder;

static void trace_scanner(Obj *o) {
    ObjJScanner *s = (ObjJScanner *)o;
    gc_mark_value(s->object_hook);
    gc_mark_value(s->object_pairs_hook);
    gc_mark_value(s->parse_float);
    gc_mark_value(s->parse_int);
    gc_mark_value(s->parse_constant);
    gc_mark_value(s->memo);
}

static void trace_encoder(Obj *o) {
    ObjJEncoder *e = (ObjJEncoder *)o;
    gc_mark_value(e->markers);
    gc_mark_value(e->defaultfn);
    gc_mark_value(e->encoder);
    gc_mark_value(e->indent);
    gc_mark_value(e->key_sep);
    gc_mark_value(e->item_sep);
}

static int64_t cps(const char *s, size_t from, size_t to) {
    int64_t n = 0;
    for (size_t i = from; i < to; i++) {
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return n;
}

// ---- errors
// Raises json.JSONDecodeError(msg, s, pos) (pos: byte offset in s).
static Value decode_error(const char *msg, Value s, size_t bpos) {
    Value m;
    Value cls = VAL_NULL;
    if (dict_get(ST->modules, str_from_c("json"), &m) == 1 && IS_A(m, cls_module)) {
        cls = dict_get_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("JSONDecodeError"));
    }
    int64_t pos = cps(AS_STR(s)->data, 0, bpos);
    if (!cls) {
        return exc_raise(exc_ValueError, "%s: char %lld", msg, (long long)pos);
    }
    Value ms = str_from_c(msg);
    gc_push_root(ms);
    Value args[3] = {ms, s, MK_SMALL(pos)};
    Value e = vm_call(cls, 3, args, NULL);
    gc_pop_root(1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static Value stop_iteration(Value s, size_t bpos) {
    Value v = MK_SMALL(cps(AS_STR(s)->data, 0, bpos));
    Value e = exc_new(exc_StopIteration, 1, &v);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// ---- strings
static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int read_u4(const char *s, size_t n, size_t at) {
    if (at + 4 > n) {
        return -1;
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(s[at + k]);
        if (h < 0) {
            return -1;
        }
        v = v * 16 + h;
    }
    return v;
}

// The JSON string starting after the quote at byte [end]; *out_end: the
// byte after the closing quote. VAL_NULL with JSONDecodeError.
static Value scan_string(Value sv, size_t end, bool strict, size_t *out_end) {
    ObjStr *str = AS_STR(sv);
    const char *s = str->data;
    size_t n = str->len;
    size_t begin = end - 1;
    // fast path: no escape, no control character
    size_t i = end;
    while (i < n && s[i] != '"' && s[i] != '\\' && (unsigned char)s[i] >= 0x20) {
        i++;
    }
    if (i < n && s[i] == '"') {
        *out_end = i + 1;
        return str_try_new(s + end, i - end);
    }
    SBuf b;
    sb_init(&b);
    sb_add(&b, s + end, i - end);
    for (;;) {
        if (i >= n) {
            sb_free(&b);
            return decode_error("Unterminated string starting at", sv, begin);
        }
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            i++;
            break;
        }
        if (c < 0x20) {
            if (strict) {
                sb_free(&b);
                return decode_error("Invalid control character at", sv, i);
            }
            sb_addc(&b, (char)c);
            i++;
            continue;
        }
        if (c != '\\') {
            size_t j = i;
            while (j < n && s[j] != '"' && s[j] != '\\' && (unsigned char)s[j] >= 0x20) {
                j++;
            }
            sb_add(&b, s + i, j - i);
            i = j;
            continue;
        }
        if (i + 1 >= n) {
            sb_free(&b);
            return decode_error("Unterminated string starting at", sv, begin);
        }
        char e = s[i + 1];
        const char *rep = NULL;
        switch (e) {
        case '"': rep = "\""; break;
        case '\\': rep = "\\"; break;
        case '/': rep = "/"; break;
        case 'b': rep = "\b"; break;
        case 'f': rep = "\f"; break;
        case 'n': rep = "\n"; break;
        case 'r': rep = "\r"; break;
        case 't': rep = "\t"; break;
        default: break;
        }
        if (rep) {
            sb_addc(&b, rep[0]);
            i += 2;
            continue;
        }
        if (e != 'u') {
            sb_free(&b);
            return decode_error("Invalid \\escape", sv, i);
        }
        int u = read_u4(s, n, i + 2);
        if (u < 0 || (i + 3 < n && (s[i + 3] == 'x' || s[i + 3] == 'X'))) {
            sb_free(&b);
            return decode_error("Invalid \\uXXXX escape", sv, i + 1);
        }
        i += 6;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n && s[i] == '\\' && s[i + 1] == 'u') {
            int u2 = read_u4(s, n, i + 2);
            if (u2 < 0 || (i + 3 < n && (s[i + 3] == 'x' || s[i + 3] == 'X'))) {
                sb_free(&b);
                return decode_error("Invalid \\uXXXX escape", sv, i + 1);
            }
            if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
                u = 0x10000 + (((u - 0xD800) << 10) | (u2 - 0xDC00));
                i += 6;
            }
        }
        char buf[4];
        int len = utf8_encode((uint32_t)u, buf);
        sb_add(&b, buf, (size_t)len);
    }
    *out_end = i;
    return sb_finish(&b);
}

// scanstring(s, end, strict=True) -> (str, end)
static Value j_scanstring(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("scanstring", argc, 2, 3)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "first argument must be a string, not %s", val_type_name(argv[0]));
    }
    int64_t end;
    if (!int_to_i64(argv[1], &end)) {
        return VAL_NULL;
    }
    ObjStr *s = AS_STR(argv[0]);
    if (end < 0 || end > (int64_t)s->cplen) {
        return exc_raise(exc_ValueError, "end is out of bounds");
    }
    bool strict = argc < 3 || obj_truthy(argv[2]) > 0;
    size_t bend = s->cplen == s->len ? (size_t)end : str_cp_offset(s, (size_t)end);
    size_t out;
    Value r = scan_string(argv[0], bend, strict, &out);
    if (!r) {
        return VAL_NULL;
    }
    gc_push_root(r);
    Value t = tuple_pack(2, r, MK_SMALL(end + cps(s->data, bend, out)));
    gc_pop_root(1);
    return t;
}

static const char HEX[] = "0123456789abcdef";

// Appends the JSON form of the str [s] (with quotes) to [b].
static void encode_str(SBuf *b, ObjStr *s, bool ascii) {
    sb_addc(b, '"');
    const char *d = s->data;
    size_t n = s->len, run = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)d[i];
        const char *esc = NULL;
        char ubuf[16];
        size_t adv = 1;
        if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c == '\n') {
            esc = "\\n";
        } else if (c == '\r') {
            esc = "\\r";
        } else if (c == '\t') {
            esc = "\\t";
        } else if (c == '\b') {
            esc = "\\b";
        } else if (c == '\f') {
            esc = "\\f";
        } else if (c < 0x20) {
            snprintf(ubuf, sizeof ubuf, "\\u%04x", c);
            esc = ubuf;
        } else if (c >= 0x80 && ascii) {
            size_t k = i;
            uint32_t cp = utf8_decode(d, n, &k);
            adv = k - i;
            if (cp >= 0x10000) {
                uint32_t v = cp - 0x10000;
                unsigned hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);
                ubuf[0] = '\\';
                ubuf[1] = 'u';
                for (int j = 0; j < 4; j++) {
                    ubuf[2 + j] = HEX[(hi >> (12 - 4 * j)) & 15];
                }
                ubuf[6] = '\\';
                ubuf[7] = 'u';
                for (int j = 0; j < 4; j++) {
                    ubuf[8 + j] = HEX[(lo >> (12 - 4 * j)) & 15];
                }
                ubuf[12] = 0;
            } else {
                ubuf[0] = '\\';
                ubuf[1] = 'u';
                for (int j = 0; j < 4; j++) {
                    ubuf[2 + j] = HEX[(cp >> (12 - 4 * j)) & 15];
                }
                ubuf[6] = 0;
            }
            esc = ubuf;
        }
        if (esc) {
            sb_add(b, d + i - run, run);
            run = 0;
            sb_adds(b, esc);
            i += adv;
        } else {
            run++;
            i++;
        }
    }
    sb_add(b, d + n - run, run);
    sb_addc(b, '"');
}

static Value encode_basestring_common(int argc, Value *argv, bool ascii) {
    if (argc != 1 || !IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "first argument must be a string, not %.80s",
                         argc ? val_type_name(argv[0]) : "nothing");
    }
    SBuf b;
    sb_init(&b);
    encode_str(&b, AS_STR(argv[0]), ascii);
    return sb_finish(&b);
}

static Value j_encode_basestring_ascii(int argc, Value *argv, ObjDict *kw) {
    return encode_basestring_common(argc, argv, true);
}

static Value j_encode_basestring(int argc, Value *argv, ObjDict *kw) {
    return encode_basestring_common(argc, argv, false);
}

// ---- the scanner
#define IS_WS(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')

static Value scan_once(ObjJScanner *sc, Value sv, size_t idx, size_t *next, int depth);

static size_t skip_ws(const char *s, size_t n, size_t i) {
    while (i < n && IS_WS(s[i])) {
        i++;
    }
    return i;
}

static Value parse_object(ObjJScanner *sc, Value sv, size_t i, size_t *next, int depth) {
    const char *s = AS_STR(sv)->data;
    size_t n = AS_STR(sv)->len;
    bool pairs_mode = sc->object_pairs_hook && !IS_NONE(sc->object_pairs_hook);
    Value acc = pairs_mode ? list_new(4) : dict_new();
    gc_push_root(acc);
    i = skip_ws(s, n, i);
    if (i < n && s[i] == '}') {
        i++;
        goto done;
    }
    if (i >= n || s[i] != '"') {
        gc_pop_root(1);
        return decode_error("Expecting property name enclosed in double quotes", sv, i);
    }
    i++;
    for (;;) {
        size_t e;
        Value key = scan_string(sv, i, sc->strict, &e);
        if (!key) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if (sc->memo && IS_DICT(sc->memo)) {
            Value k2;
            if (dict_get(AS_DICT(sc->memo), key, &k2) == 1) {
                key = k2;
            } else {
                dict_set(AS_DICT(sc->memo), key, key);
            }
        }
        gc_push_root(key);
        i = skip_ws(s, n, e);
        if (i >= n || s[i] != ':') {
            gc_pop_root(2);
            return decode_error("Expecting ':' delimiter", sv, i);
        }
        i = skip_ws(s, n, i + 1);
        Value val = scan_once(sc, sv, i, &i, depth + 1);
        if (!val) {
            gc_pop_root(2);
            if (EXC_PENDING_IS(exc_StopIteration)) {
                exc_clear();
                return decode_error("Expecting value", sv, i);
            }
            return VAL_NULL;
        }
        gc_push_root(val);
        if (pairs_mode) {
            list_append(AS_LIST(acc), tuple_pack(2, key, val));
        } else if (dict_set(AS_DICT(acc), key, val) < 0) {
            gc_pop_root(3);
            return VAL_NULL;
        }
        gc_pop_root(2);
        i = skip_ws(s, n, i);
        if (i < n && s[i] == '}') {
            i++;
            break;
        }
        if (i >= n || s[i] != ',') {
            gc_pop_root(1);
            return decode_error("Expecting ',' delimiter", sv, i);
        }
        i = skip_ws(s, n, i + 1);
        if (i >= n || s[i] != '"') {
            gc_pop_root(1);
            return decode_error("Expecting property name enclosed in double quotes", sv, i);
        }
        i++;
    }
done:
    *next = i;
    Value r = acc;
    if (pairs_mode) {
        r = vm_call(sc->object_pairs_hook, 1, &acc, NULL);
    } else if (sc->object_hook && !IS_NONE(sc->object_hook)) {
        r = vm_call(sc->object_hook, 1, &acc, NULL);
    }
    gc_pop_root(1);
    return r;
}

static Value parse_array(ObjJScanner *sc, Value sv, size_t i, size_t *next, int depth) {
    const char *s = AS_STR(sv)->data;
    size_t n = AS_STR(sv)->len;
    Value l = list_new(4);
    gc_push_root(l);
    i = skip_ws(s, n, i);
    if (i < n && s[i] == ']') {
        *next = i + 1;
        gc_pop_root(1);
        return l;
    }
    for (;;) {
        Value v = scan_once(sc, sv, i, &i, depth + 1);
        if (!v) {
            gc_pop_root(1);
            if (EXC_PENDING_IS(exc_StopIteration)) {
                exc_clear();
                return decode_error("Expecting value", sv, i);
            }
            return VAL_NULL;
        }
        list_append(AS_LIST(l), v);
        i = skip_ws(s, n, i);
        if (i < n && s[i] == ']') {
            i++;
            break;
        }
        if (i >= n || s[i] != ',') {
            gc_pop_root(1);
            return decode_error("Expecting ',' delimiter", sv, i);
        }
        i = skip_ws(s, n, i + 1);
    }
    *next = i;
    gc_pop_root(1);
    return l;
}

static Value call_str(Value fn, const char *s, size_t len) {
    Value str = str_try_new(s, len);
    if (!str) {
        return VAL_NULL;
    }
    gc_push_root(str);
    Value r = vm_call(fn, 1, &str, NULL);
    gc_pop_root(1);
    return r;
}

static Value parse_number(ObjJScanner *sc, Value sv, size_t i, size_t *next) {
    const char *s = AS_STR(sv)->data;
    size_t n = AS_STR(sv)->len;
    size_t start = i;
    if (i < n && s[i] == '-') {
        i++;
    }
    if (i < n && s[i] == '0') {
        i++;
    } else if (i < n && s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    } else {
        return stop_iteration(sv, start);
    }
    bool is_float = false;
    if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        i += 2;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        is_float = true;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-')) {
            j++;
        }
        if (j < n && s[j] >= '0' && s[j] <= '9') {
            while (j < n && s[j] >= '0' && s[j] <= '9') {
                j++;
            }
            i = j;
            is_float = true;
        }
    }
    *next = i;
    if (is_float) {
        if (sc->parse_float == OBJ_VAL(cls_float)) {
            char buf[64];
            if (i - start < sizeof buf) {
                memcpy(buf, s + start, i - start);
                buf[i - start] = 0;
                return float_new(strtod(buf, NULL));
            }
        }
        return call_str(sc->parse_float, s + start, i - start);
    }
    if (sc->parse_int == OBJ_VAL(cls_int) && i - start <= 18) {
        return MK_SMALL(strtoll(s + start, NULL, 10));
    }
    return call_str(sc->parse_int, s + start, i - start);
}

static Value scan_once(ObjJScanner *sc, Value sv, size_t idx, size_t *next, int depth) {
    const char *s = AS_STR(sv)->data;
    size_t n = AS_STR(sv)->len;
    if (idx >= n) {
        return stop_iteration(sv, idx);
    }
    if (depth > ST->recursion_limit) {
        return exc_raise(exc_RecursionError, "maximum recursion depth exceeded while decoding a JSON document");
    }
    switch (s[idx]) {
    case '"':
        return scan_string(sv, idx + 1, sc->strict, next);
    case '{':
        return parse_object(sc, sv, idx + 1, next, depth);
    case '[':
        return parse_array(sc, sv, idx + 1, next, depth);
    case 'n':
        if (idx + 4 <= n && memcmp(s + idx, "null", 4) == 0) {
            *next = idx + 4;
            return VAL_NONE;
        }
        break;
    case 't':
        if (idx + 4 <= n && memcmp(s + idx, "true", 4) == 0) {
            *next = idx + 4;
            return OBJ_VAL(obj_true);
        }
        break;
    case 'f':
        if (idx + 5 <= n && memcmp(s + idx, "false", 5) == 0) {
            *next = idx + 5;
            return OBJ_VAL(obj_false);
        }
        break;
    case 'N':
        if (idx + 3 <= n && memcmp(s + idx, "NaN", 3) == 0) {
            *next = idx + 3;
            return call_str(sc->parse_constant, "NaN", 3);
        }
        break;
    case 'I':
        if (idx + 8 <= n && memcmp(s + idx, "Infinity", 8) == 0) {
            *next = idx + 8;
            return call_str(sc->parse_constant, "Infinity", 8);
        }
        break;
    case '-':
        if (idx + 9 <= n && memcmp(s + idx, "-Infinity", 9) == 0) {
            *next = idx + 9;
            return call_str(sc->parse_constant, "-Infinity", 9);
        }
        return parse_number(sc, sv, idx, next);
    default:
        if (s[idx] >= '0' && s[idx] <= '9') {
            return parse_number(sc, sv, idx, next);
        }
        break;
    }
    return stop_iteration(sv, idx);
}

// scanner(string, idx) -> (value, end)
static Value scanner_call(Value self, int argc, Value *argv, ObjDict *kw) {
    if (argc != 2 || !IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "scanner expects (str, int)");
    }
    int64_t idx;
    if (!int_to_i64(argv[1], &idx)) {
        return VAL_NULL;
    }
    ObjJScanner *sc = (ObjJScanner *)AS_OBJ(self);
    ObjStr *s = AS_STR(argv[0]);
    if (idx < 0) {
        return exc_raise(exc_ValueError, "idx cannot be negative");
    }
    if (idx >= (int64_t)s->cplen) {
        Value v = MK_SMALL(idx);
        Value e = exc_new(exc_StopIteration, 1, &v);
        return e ? exc_raise_value(e) : VAL_NULL;
    }
    size_t b = s->cplen == s->len ? (size_t)idx : str_cp_offset(s, (size_t)idx);
    size_t next = b;
    Value r = scan_once(sc, argv[0], b, &next, 0);
    if (sc->memo && IS_DICT(sc->memo)) {
        table_clear(AS_DICT(sc->memo));
    }
    if (!r) {
        return VAL_NULL;
    }
    gc_push_root(r);
    Value t = tuple_pack(2, r, MK_SMALL(idx + cps(s->data, b, next)));
    gc_pop_root(1);
    return t;
}

static Value attr_or_none(Value o, const char *name) {
    Value v = obj_getattr(o, str_intern_c(name));
    if (!v) {
        return VAL_NULL;
    }
    return v;
}

static Value j_make_scanner(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("make_scanner", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value ctx = argv[0];
    ObjJScanner *sc = (ObjJScanner *)obj_alloc(cls_jscanner, sizeof(ObjJScanner));
    gc_push_root(OBJ_VAL(sc));
    Value strict = attr_or_none(ctx, "strict");
    if (!strict) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    int t = obj_truthy(strict);
    sc->strict = t > 0;
    const char *names[] = {"object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant", "memo"};
    Value *slots[] = {&sc->object_hook, &sc->object_pairs_hook, &sc->parse_float, &sc->parse_int,
                      &sc->parse_constant, &sc->memo};
    for (int i = 0; i < 6; i++) {
        Value v = obj_getattr(ctx, str_intern_c(names[i]));
        if (!v) {
            if (i == 5 && EXC_PENDING_IS(exc_AttributeError)) {
                exc_clear();
                v = dict_new();
            } else {
                gc_pop_root(1);
                return VAL_NULL;
            }
        }
        *slots[i] = v;
    }
    gc_pop_root(1);
    return OBJ_VAL(sc);
}

// ---- the encoder
typedef struct {
    ObjJEncoder *e;
    SBuf b;
    Value *stack;           // containers being encoded (circular check)
    size_t nstack, capstack;
    int depth;
} Enc;

static bool enc_value(Enc *en, Value o);

static bool enc_push(Enc *en, Value o) {
    if (!en->e->markers || IS_NONE(en->e->markers)) {
        return true;
    }
    for (size_t i = 0; i < en->nstack; i++) {
        if (en->stack[i] == o) {
            exc_raise(exc_ValueError, "Circular reference detected");
            return false;
        }
    }
    if (en->nstack == en->capstack) {
        en->capstack = en->capstack ? en->capstack * 2 : 16;
        en->stack = realloc(en->stack, sizeof(Value) * en->capstack);
    }
    en->stack[en->nstack++] = o;
    return true;
}

static void enc_pop(Enc *en) {
    if (en->e->markers && !IS_NONE(en->e->markers)) {
        en->nstack--;
    }
}

static bool enc_float(Enc *en, double d) {
    if (isnan(d) || isinf(d)) {
        if (!en->e->allow_nan) {
            exc_raise(exc_ValueError, "Out of range float values are not JSON compliant");
            return false;
        }
        sb_adds(&en->b, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return true;
    }
    Value r = obj_repr(float_new(d));
    if (!r) {
        return false;
    }
    sb_add(&en->b, AS_STR(r)->data, AS_STR(r)->len);
    return true;
}

static bool enc_int(Enc *en, Value o) {
    Value r = int_repr(o);
    if (!r) {
        return false;
    }
    sb_add(&en->b, AS_STR(r)->data, AS_STR(r)->len);
    return true;
}

static bool enc_string(Enc *en, Value o) {
    Value f = en->e->encoder;
    if (IS_A(f, cls_native) && (((ObjNative *)AS_OBJ(f))->fn == j_encode_basestring_ascii ||
                                ((ObjNative *)AS_OBJ(f))->fn == j_encode_basestring)) {
        encode_str(&en->b, AS_STR(o), ((ObjNative *)AS_OBJ(f))->fn == j_encode_basestring_ascii);
        return true;
    }
    Value r = vm_call(f, 1, &o, NULL);
    if (!r) {
        return false;
    }
    if (!IS_STR(r)) {
        exc_raise(exc_TypeError, "encoder() must return a string, not %s", val_type_name(r));
        return false;
    }
    sb_add(&en->b, AS_STR(r)->data, AS_STR(r)->len);
    return true;
}

static bool is_int_value(Value o) {
    return IS_SMALL(o) || (IS_OBJ(o) && class_is_subclass(val_class(o), cls_int) && !IS_A(o, cls_bool));
}

static bool enc_dict(Enc *en, Value o) {
    ObjDict *d = AS_DICT(o);
    if (d->used == 0) {
        sb_add(&en->b, "{}", 2);
        return true;
    }
    if (!enc_push(en, o)) {
        return false;
    }
    Value items = list_new(d->used);
    gc_push_root(items);
    size_t pos = 0;
    Value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        list_append(AS_LIST(items), tuple_pack(2, k, v));
    }
    if (en->e->sort_keys && !list_sort_inplace(AS_LIST(items), VAL_NULL, false)) {
        gc_pop_root(1);
        return false;
    }
    sb_addc(&en->b, '{');
    bool first = true;
    ObjList *l = AS_LIST(items);
    for (size_t i = 0; i < l->len; i++) {
        Value key = AS_TUPLE(l->items[i])->items[0];
        Value val = AS_TUPLE(l->items[i])->items[1];
        SBuf kb;
        sb_init(&kb);
        SBuf saved = en->b;
        en->b = kb;
        bool ok = true, skip = false;
        if (IS_STR(key)) {
            ok = enc_string(en, key);
        } else {
            sb_addc(&en->b, '"');
            if (IS_FLOAT(key)) {
                ok = enc_float(en, AS_FLOAT(key));
            } else if (key == OBJ_VAL(obj_true)) {
                sb_adds(&en->b, "true");
            } else if (key == OBJ_VAL(obj_false)) {
                sb_adds(&en->b, "false");
            } else if (IS_NONE(key)) {
                sb_adds(&en->b, "null");
            } else if (is_int_value(key)) {
                ok = enc_int(en, key);
            } else if (en->e->skipkeys) {
                skip = true;
            } else {
                exc_raise(exc_TypeError, "keys must be str, int, float, bool or None, not %s",
                          val_type_name(key));
                ok = false;
            }
            sb_addc(&en->b, '"');
        }
        kb = en->b;
        en->b = saved;
        if (!ok) {
            sb_free(&kb);
            gc_pop_root(1);
            return false;
        }
        if (skip) {
            sb_free(&kb);
            continue;
        }
        if (!first) {
            sb_add(&en->b, AS_STR(en->e->item_sep)->data, AS_STR(en->e->item_sep)->len);
        }
        first = false;
        sb_add(&en->b, kb.data, kb.len);
        sb_free(&kb);
        sb_add(&en->b, AS_STR(en->e->key_sep)->data, AS_STR(en->e->key_sep)->len);
        if (!enc_value(en, val)) {
            gc_pop_root(1);
            return false;
        }
    }
    sb_addc(&en->b, '}');
    gc_pop_root(1);
    enc_pop(en);
    return true;
}

static bool enc_seq(Enc *en, Value o, Value *items, size_t n) {
    if (n == 0) {
        sb_add(&en->b, "[]", 2);
        return true;
    }
    if (!enc_push(en, o)) {
        return false;
    }
    sb_addc(&en->b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) {
            sb_add(&en->b, AS_STR(en->e->item_sep)->data, AS_STR(en->e->item_sep)->len);
        }
        Value it = items[i];
        if (!enc_value(en, it)) {
            return false;
        }
        if (IS_LIST(o)) {
            // the list may have changed under a default() call
            items = AS_LIST(o)->items;
            n = AS_LIST(o)->len;
        }
    }
    sb_addc(&en->b, ']');
    enc_pop(en);
    return true;
}

static bool enc_value(Enc *en, Value o) {
    if (IS_NONE(o)) {
        sb_adds(&en->b, "null");
        return true;
    }
    if (o == OBJ_VAL(obj_true)) {
        sb_adds(&en->b, "true");
        return true;
    }
    if (o == OBJ_VAL(obj_false)) {
        sb_adds(&en->b, "false");
        return true;
    }
    if (IS_STR(o)) {
        return enc_string(en, o);
    }
    if (is_int_value(o)) {
        return enc_int(en, o);
    }
    if (IS_FLOAT(o)) {
        return enc_float(en, AS_FLOAT(o));
    }
    if (++en->depth > ST->recursion_limit) {
        exc_raise(exc_RecursionError, "maximum recursion depth exceeded while encoding a JSON object");
        return false;
    }
    bool ok;
    ObjClass *c = val_class(o);
    if (IS_OBJ(o) && class_is_subclass(c, cls_list)) {
        ok = enc_seq(en, o, AS_LIST(o)->items, AS_LIST(o)->len);
    } else if (IS_OBJ(o) && class_is_subclass(c, cls_tuple)) {
        ok = enc_seq(en, o, AS_TUPLE(o)->items, AS_TUPLE(o)->len);
    } else if (IS_OBJ(o) && class_is_subclass(c, cls_dict)) {
        ok = enc_dict(en, o);
    } else if (IS_OBJ(o) && class_is_subclass(c, cls_float)) {
        double d;
        ok = val_to_double(o, &d) && enc_float(en, d);
    } else {
        if (!enc_push(en, o)) {
            return false;
        }
        Value r = vm_call(en->e->defaultfn, 1, &o, NULL);
        if (!r) {
            return false;
        }
        gc_push_root(r);
        ok = enc_value(en, r);
        gc_pop_root(1);
        enc_pop(en);
    }
    en->depth--;
    return ok;
}

static Value encoder_call(Value self, int argc, Value *argv, ObjDict *kw) {
    if (argc < 1) {
        return exc_raise(exc_TypeError, "encoder expects an object");
    }
    Enc en;
    memset(&en, 0, sizeof en);
    en.e = (ObjJEncoder *)AS_OBJ(self);
    sb_init(&en.b);
    bool ok = enc_value(&en, argv[0]);
    free(en.stack);
    if (!ok) {
        sb_free(&en.b);
        return VAL_NULL;
    }
    Value s = sb_finish(&en.b);
    if (!s) {
        return VAL_NULL;
    }
    gc_push_root(s);
    Value t = tuple_pack(1, s);
    gc_pop_root(1);
    return t;
}

// make_encoder(markers, default, encoder, indent, key_separator,
//              item_separator, sort_keys, skipkeys, allow_nan)
static Value j_make_encoder(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("make_encoder", argc, 9, 9)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[4]) || !IS_STR(argv[5])) {
        return exc_raise(exc_TypeError, "make_encoder() argument 5 must be str, not %s",
                         val_type_name(IS_STR(argv[4]) ? argv[5] : argv[4]));
    }
    if (!IS_NONE(argv[3])) {
        return exc_raise(exc_TypeError, "make_encoder() supports indent=None only");
    }
    ObjJEncoder *e = (ObjJEncoder *)obj_alloc(cls_jencoder, sizeof(ObjJEncoder));
    e->markers = argv[0];
    e->defaultfn = argv[1];
    e->encoder = argv[2];
    e->indent = argv[3];
    e->key_sep = argv[4];
    e->item_sep = argv[5];
    int a = obj_truthy(argv[6]), b = obj_truthy(argv[7]), c = obj_truthy(argv[8]);
    if (a < 0 || b < 0 || c < 0) {
        return VAL_NULL;
    }
    e->sort_keys = a;
    e->skipkeys = b;
    e->allow_nan = c;
    return OBJ_VAL(e);
}

Value mod_json_init(void) {
    if (!cls_jscanner) {
        cls_jscanner = class_new_builtin("Scanner", NULL, sizeof(ObjJScanner), NULL);
        cls_jscanner->module = str_intern_c("_json");
        cls_jscanner->new_ = NULL;
        cls_jscanner->trace = trace_scanner;
        cls_jscanner->call = scanner_call;
        cls_jencoder = class_new_builtin("Encoder", NULL, sizeof(ObjJEncoder), NULL);
        cls_jencoder->module = str_intern_c("_json");
        cls_jencoder->new_ = NULL;
        cls_jencoder->trace = trace_encoder;
        cls_jencoder->call = encoder_call;
    }
    Value m = module_new("_json");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("scanstring"), native_new("scanstring", j_scanstring, NULL));
    dict_set_str(d, str_intern_c("encode_basestring_ascii"),
                 native_new("encode_basestring_ascii", j_encode_basestring_ascii, NULL));
    dict_set_str(d, str_intern_c("encode_basestring"), native_new("encode_basestring", j_encode_basestring, NULL));
    dict_set_str(d, str_intern_c("make_scanner"), native_new("make_scanner", j_make_scanner, NULL));
    dict_set_str(d, str_intern_c("make_encoder"), native_new("make_encoder", j_make_encoder, NULL));
    return m;
}
