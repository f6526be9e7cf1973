// io_memory.c: _io.StringIO and _io.BytesIO, CPython 3.11's in-memory
// streams in C (io.pyish subclasses them with TextIOBase/BufferedIOBase).
// StringIO keeps its text as UTF-8 with the position in code points (a
// cached code point -> byte offset pair makes sequential reads linear);
// newline= translates on write (None: \r\n and \r to \n; '\r' or '\r\n':
// \n to it) and picks the line ending readline looks for. BytesIO keeps
// a bytearray (getbuffer views it). Both pickle through
// __getstate__/__setstate__ and can be subclassed.
#include "bytes.h"
#include "containers.h"
#include "gc.h"
#include "numstr.h"
#include "runtime.h"

// ---- shared argument helpers

// An index argument as a Py_ssize_t: OverflowError [msg] when it does not fit.
static bool ssize_arg(Value v, const char *msg, int64_t *out) {
    if (IS_BIGINT(v) && !int_to_i64(v, out)) {
        exc_clear();
        exc_raise(exc_OverflowError, "%s", msg);
        return false;
    }
    return index_value(v, NULL, out);
}

// An optional size argument (None or absent: -1), as CPython's
// _Py_convert_optional_to_ssize_t; false with TypeError.
static bool opt_size(int argc, Value *argv, int i, int64_t *out) {
    *out = -1;
    if (argc <= i || IS_NONE(argv[i])) {
        return true;
    }
    Value v = argv[i];
    if (!IS_INT(v) && !(IS_OBJ(v) && obj_getattr_opt(v, str_intern_c("__index__")))) {
        exc_clear();
        exc_raise(exc_TypeError, "argument should be integer or None, not '%s'", val_type_name(v));
        return false;
    }
    return ssize_arg(v, "cannot fit 'int' into an index-sized integer", out);
}

static bool is_str_obj(Value v) {
    return IS_OBJ(v) && (AS_OBJ(v)->cls == cls_str || class_is_subclass(AS_OBJ(v)->cls, cls_str));
}

// The instance dict of [self] (a copy, or None when empty) for __getstate__.
static Value state_dict(Value self) {
    Value d = obj_getattr_opt(self, str_intern_c("__dict__"));
    if (!d) {
        return exc_pending() ? VAL_NULL : VAL_NONE;
    }
    if (!IS_DICT(d) || AS_DICT(d)->used == 0) {
        return VAL_NONE;
    }
    gc_push_root(d);
    Value c = dict_new();
    gc_push_root(c);
    Value r = dict_update_from(AS_DICT(c), d) < 0 ? VAL_NULL : c;
    gc_pop_root(2);
    return r;
}

// Updates [self]'s instance dict from [item] (a dict or None) for __setstate__.
static bool restore_dict(Value self, Value item, const char *msg) {
    if (IS_NONE(item)) {
        return true;
    }
    if (!IS_DICT(item)) {
        exc_raise(exc_TypeError, msg, val_type_name(item));
        return false;
    }
    Value d = obj_getattr_opt(self, str_intern_c("__dict__"));
    if (!d || !IS_DICT(d)) {
        return !exc_pending();
    }
    return dict_update_from(AS_DICT(d), item) >= 0;
}

// ---- StringIO

enum { NL_NONE, NL_EMPTY, NL_LF, NL_CR, NL_CRLF };
enum { SEEN_LF = 1, SEEN_CR = 2, SEEN_CRLF = 4 };

typedef struct ObjStringIO {
    Obj hdr;
    char *buf;              // UTF-8 text, [len] bytes of [cap]
    size_t len, cap;
    size_t cplen;           // code points in buf
    size_t pos;             // position in code points (may be past cplen)
    size_t cache_cp, cache_b;   // a code point index and its byte offset
    uint8_t nl;             // NL_*: the newline argument
    uint8_t seennl;         // SEEN_*: line endings written (newline None or '')
    bool ok;                // __init__ ran
    bool closed;
} ObjStringIO;

#define SIO(v) ((ObjStringIO *)AS_OBJ(v))

static void sio_finalize(Obj *o) {
    ObjStringIO *s = (ObjStringIO *)o;
    if (s->buf) {
        mem_free(s->buf, s->cap);
    }
    s->buf = NULL;
    s->len = s->cap = s->cplen = 0;
}

static bool sio_check(Value self) {
    ObjStringIO *s = SIO(self);
    if (!s->ok) {
        exc_raise(exc_ValueError, "I/O operation on uninitialized object");
        return false;
    }
    if (s->closed) {
        exc_raise(exc_ValueError, "I/O operation on closed file");
        return false;
    }
    return true;
}

// The byte offset [from] moved on by [n] code points (at most to [end]).
static size_t u8_skip(const char *p, size_t from, size_t end, size_t n) {
    while (n > 0 && from < end) {
        from++;
        while (from < end && ((unsigned char)p[from] & 0xC0) == 0x80) {
            from++;
        }
        n--;
    }
    return from;
}

static size_t u8_count(const char *p, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        n += ((unsigned char)p[i] & 0xC0) != 0x80;
    }
    return n;
}

// The byte offset of code point [i] (clamped to the end).
static size_t sio_byte_at(ObjStringIO *s, size_t i) {
    if (i >= s->cplen) {
        return s->len;
    }
    if (s->len == s->cplen) {
        return i;
    }
    size_t cp = 0, b = 0;
    if (s->cache_cp <= i) {
        cp = s->cache_cp;
        b = s->cache_b;
    }
    b = u8_skip(s->buf, b, s->len, i - cp);
    s->cache_cp = i;
    s->cache_b = b;
    return b;
}

static bool sio_reserve(ObjStringIO *s, size_t need) {
    if (need <= s->cap) {
        return true;
    }
    size_t nc = s->cap ? s->cap : 64;
    while (nc < need && nc <= SIZE_MAX / 2) {
        nc *= 2;
    }
    if (nc < need) {
        nc = need;
    }
    char *nb = s->buf ? mem_try_realloc(s->buf, s->cap, nc) : mem_try_alloc(nc);
    if (!nb) {
        return false;
    }
    s->buf = nb;
    s->cap = nc;
    return true;
}

// Writes [len] bytes ([cplen] code points) of already translated text at
// the position (zero-filling a gap past the end); false: MemoryError.
static bool sio_put(ObjStringIO *s, const char *p, size_t len, size_t cplen) {
    if (s->pos >= s->cplen) {
        size_t gap = s->pos - s->cplen, need;
        if (!mem_size(gap, 1, s->len, &need) || !mem_size(need, 1, len, &need) || !sio_reserve(s, need)) {
            return false;
        }
        memset(s->buf + s->len, 0, gap);
        memcpy(s->buf + s->len + gap, p, len);
        s->len = need;
        s->cplen = s->pos + cplen;
        s->pos = s->cplen;
        return true;
    }
    size_t b0 = sio_byte_at(s, s->pos), end = s->pos + cplen, b1;
    if (end >= s->cplen) {
        b1 = s->len;
        s->cplen = end;
    } else {
        b1 = u8_skip(s->buf, b0, s->len, cplen);
    }
    size_t tail = s->len - b1, need = b0 + len + tail;
    if (!sio_reserve(s, need)) {
        return false;
    }
    memmove(s->buf + b0 + len, s->buf + b1, tail);
    memcpy(s->buf + b0, p, len);
    s->len = need;
    s->pos = end;
    s->cache_cp = end;
    s->cache_b = b0 + len;
    return true;
}

// Writes str [v] as CPython's write_str: newline translation, then sio_put.
static bool sio_write_str(ObjStringIO *s, Value v) {
    ObjStr *str = AS_STR(v);
    const char *p = str->data;
    size_t len = str->len, cplen = str->cplen;
    bool has_cr = memchr(p, '\r', len) != NULL;
    bool has_lf = (s->nl == NL_NONE || s->nl == NL_EMPTY || s->nl == NL_CR || s->nl == NL_CRLF) &&
                  memchr(p, '\n', len) != NULL;
    if (!has_cr && !has_lf) {
        return len == 0 || sio_put(s, p, len, cplen);
    }
    if (s->nl == NL_LF) {
        return sio_put(s, p, len, cplen);
    }
    SBuf b;
    sb_init(&b);
    size_t ncp = cplen;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (s->nl == NL_NONE || s->nl == NL_EMPTY) {
            if (c == '\r') {
                bool crlf = i + 1 < len && p[i + 1] == '\n';
                s->seennl |= crlf ? SEEN_CRLF : SEEN_CR;
                if (s->nl == NL_NONE) {
                    sb_add(&b, "\n", 1);
                    if (crlf) {
                        i++;
                        ncp--;
                    }
                    continue;
                }
                if (crlf) {
                    sb_add(&b, "\r\n", 2);
                    i++;
                    continue;
                }
            } else if (c == '\n') {
                s->seennl |= SEEN_LF;
            }
            sb_add(&b, &c, 1);
        } else if (c == '\n') {
            if (s->nl == NL_CRLF) {
                sb_add(&b, "\r\n", 2);
                ncp++;
            } else {
                sb_add(&b, "\r", 1);
            }
        } else {
            sb_add(&b, &c, 1);
        }
    }
    if (!sb_reserve(&b, 0)) {
        return false;
    }
    bool ok = sio_put(s, b.data, b.len, ncp);
    sb_free(&b);
    return ok;
}

static void sio_reset(ObjStringIO *s) {
    s->len = s->cplen = s->pos = s->cache_cp = s->cache_b = 0;
    s->seennl = 0;
    s->closed = false;
}

// StringIO(initial_value='', newline='\n') on [self] (new or re-initialised).
static bool sio_init(Value self, int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"initial_value", "newline", NULL};
    if (!kw_only("StringIO", kw, allowed)) {
        return false;
    }
    if (argc > 2) {
        exc_raise(exc_TypeError, "StringIO() takes at most 2 arguments (%d given)", argc);
        return false;
    }
    Value value = argc > 0 ? argv[0] : kw_get(kw, "initial_value");
    Value newline = argc > 1 ? argv[1] : kw_get(kw, "newline");
    if ((argc > 0 && kw_get(kw, "initial_value")) || (argc > 1 && kw_get(kw, "newline"))) {
        exc_raise(exc_TypeError, "argument for StringIO() given by name ('%s') and position (%d)",
                  argc > 1 && kw_get(kw, "newline") ? "newline" : "initial_value",
                  argc > 1 && kw_get(kw, "newline") ? 2 : 1);
        return false;
    }
    uint8_t nl = NL_LF;
    if (newline && IS_NONE(newline)) {
        nl = NL_NONE;
    } else if (newline) {
        if (!is_str_obj(newline)) {
            exc_raise(exc_TypeError, "newline must be str or None, not %s", val_type_name(newline));
            return false;
        }
        ObjStr *n = AS_STR(newline);
        if (n->len == 0) {
            nl = NL_EMPTY;
        } else if (n->len == 1 && n->data[0] == '\n') {
            nl = NL_LF;
        } else if (n->len == 1 && n->data[0] == '\r') {
            nl = NL_CR;
        } else if (n->len == 2 && n->data[0] == '\r' && n->data[1] == '\n') {
            nl = NL_CRLF;
        } else {
            Value r = obj_repr(newline);
            if (r) {
                exc_raise(exc_ValueError, "illegal newline value: %s", AS_STR(r)->data);
            }
            return false;
        }
    }
    if (value && !IS_NONE(value) && !is_str_obj(value)) {
        exc_raise(exc_TypeError, "initial_value must be str or None, not %s", val_type_name(value));
        return false;
    }
    ObjStringIO *s = SIO(self);
    sio_reset(s);
    s->nl = nl;
    s->ok = true;
    if (value && !IS_NONE(value) && AS_STR(value)->len) {
        if (!sio_write_str(s, value)) {
            return false;
        }
        s->pos = 0;
    }
    return true;
}

static Value sio_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    size_t size = cls->inst_size > sizeof(ObjStringIO) ? cls->inst_size : sizeof(ObjStringIO);
    Value v = OBJ_VAL(obj_alloc(cls, size));
    if (cls != cls_stringio && has_user_init(cls)) {
        return v;   // the subclass's __init__ gets the arguments
    }
    gc_push_root(v);
    bool ok = sio_init(v, argc, argv, kw);
    gc_pop_root(1);
    return ok ? v : VAL_NULL;
}

static Value sm_init(int argc, Value *argv, ObjDict *kw) {
    return sio_init(argv[0], argc - 1, argv + 1, kw) ? VAL_NONE : VAL_NULL;
}

static Value sm_write(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("write", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value v = argv[1];
    if (!is_str_obj(v)) {
        return exc_raise(exc_TypeError, "string argument expected, got '%s'", val_type_name(v));
    }
    if (!sio_check(argv[0])) {
        return VAL_NULL;
    }
    size_t n = AS_STR(v)->cplen;
    if (n && SIO(argv[0])->pos > (size_t)INT64_MAX - n) {
        return exc_raise(exc_OverflowError, "new position too large");
    }
    if (n && !sio_write_str(SIO(argv[0]), v)) {
        return VAL_NULL;
    }
    return VAL_INT(n);
}

static Value sm_getvalue(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getvalue", argc - 1, 0, 0) || !sio_check(argv[0])) {
        return VAL_NULL;
    }
    ObjStringIO *s = SIO(argv[0]);
    return s->len ? str_try_new_cp(s->buf, s->len, s->cplen) : str_new("", 0);
}

// The [n] code points from the position on as a str (position moved on).
static Value sio_take(ObjStringIO *s, size_t n) {
    if (s->pos >= s->cplen || n == 0) {
        return str_new("", 0);
    }
    if (n > s->cplen - s->pos) {
        n = s->cplen - s->pos;
    }
    size_t b0 = sio_byte_at(s, s->pos);
    size_t b1 = s->len == s->cplen ? b0 + n : u8_skip(s->buf, b0, s->len, n);
    s->pos += n;
    s->cache_cp = s->pos;
    s->cache_b = b1;
    return str_try_new_cp(s->buf + b0, b1 - b0, n);
}

static Value sm_read(int argc, Value *argv, ObjDict *kw) {
    int64_t size;
    if (!arg_count("read", argc - 1, 0, 1) || !opt_size(argc, argv, 1, &size) || !sio_check(argv[0])) {
        return VAL_NULL;
    }
    ObjStringIO *s = SIO(argv[0]);
    return sio_take(s, size < 0 ? SIZE_MAX : (size_t)size);
}

// One line from the position (at most [limit] code points when >= 0).
static Value sio_readline(ObjStringIO *s, int64_t limit) {
    if (s->pos >= s->cplen) {
        return str_new("", 0);
    }
    size_t b0 = sio_byte_at(s, s->pos), e = s->len;
    const char *p = s->buf + b0, *q = NULL;
    size_t rest = s->len - b0, nlen = 1;
    switch (s->nl) {
    case NL_NONE:
    case NL_LF:
        q = memchr(p, '\n', rest);
        break;
    case NL_CR:
        q = memchr(p, '\r', rest);
        break;
    case NL_CRLF:
        for (const char *r = p; (r = memchr(r, '\r', rest - (size_t)(r - p))) != NULL; r++) {
            if ((size_t)(r - p) + 1 < rest && r[1] == '\n') {
                q = r;
                break;
            }
        }
        nlen = 2;
        break;
    default:    // universal: \r, \n or \r\n
        for (size_t i = 0; i < rest; i++) {
            if (p[i] == '\n' || p[i] == '\r') {
                q = p + i;
                nlen = p[i] == '\r' && i + 1 < rest && p[i + 1] == '\n' ? 2 : 1;
                break;
            }
        }
    }
    if (q) {
        e = (size_t)(q - s->buf) + nlen;
    }
    size_t n = s->len == s->cplen ? e - b0 : u8_count(p, e - b0);
    if (limit >= 0 && (size_t)limit < n) {
        n = (size_t)limit;
    }
    return sio_take(s, n);
}

static Value sm_readline(int argc, Value *argv, ObjDict *kw) {
    int64_t size;
    if (!arg_count("readline", argc - 1, 0, 1) || !opt_size(argc, argv, 1, &size) || !sio_check(argv[0])) {
        return VAL_NULL;
    }
    return sio_readline(SIO(argv[0]), size);
}

static int sio_next(Value self, Value *out) {
    if (!sio_check(self)) {
        return -1;
    }
    Value line;
    if (AS_OBJ(self)->cls == cls_stringio) {
        line = sio_readline(SIO(self), -1);
    } else {
        // a subclass's own readline, as CPython's stringio_iternext
        line = call_method(self, "readline", 0, NULL);
        if (line && !is_str_obj(line)) {
            exc_raise(exc_OSError, "readline() should have returned a str object, not '%s'", val_type_name(line));
            return -1;
        }
    }
    if (!line) {
        return -1;
    }
    if (AS_STR(line)->len == 0) {
        return 0;
    }
    *out = line;
    return 1;
}

static Value sm_seek(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("seek", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    int64_t pos, whence = 0;
    if (!ssize_arg(argv[1], "Python int too large to convert to C ssize_t", &pos) ||
        (argc > 2 && !index_value(argv[2], NULL, &whence)) ||
        !sio_check(argv[0])) {
        return VAL_NULL;
    }
    ObjStringIO *s = SIO(argv[0]);
    if (whence != 0 && whence != 1 && whence != 2) {
        return exc_raise(exc_ValueError, "Invalid whence (%d, should be 0, 1 or 2)", (int)whence);
    }
    if (pos < 0 && whence == 0) {
        return exc_raise(exc_ValueError, "Negative seek position %lld", (long long)pos);
    }
    if (whence != 0 && pos != 0) {
        return exc_raise(exc_OSError, "Can't do nonzero cur-relative seeks");
    }
    if (whence == 1) {
        pos = (int64_t)s->pos;
    } else if (whence == 2) {
        pos = (int64_t)s->cplen;
    }
    s->pos = (size_t)pos;
    return VAL_INT(pos);
}

static Value sm_tell(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("tell", argc - 1, 0, 0) || !sio_check(argv[0])) {
        return VAL_NULL;
    }
    return VAL_INT(SIO(argv[0])->pos);
}

static Value sm_truncate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("truncate", argc - 1, 0, 1) || !sio_check(argv[0])) {
        return VAL_NULL;
    }
    ObjStringIO *s = SIO(argv[0]);
    int64_t size = (int64_t)s->pos;
    if (argc > 1 && !IS_NONE(argv[1])) {
        if (!opt_size(argc, argv, 1, &size)) {
            return VAL_NULL;
        }
        if (size < 0) {
            return exc_raise(exc_ValueError, "Negative size value %lld", (long long)size);
        }
    }
    if ((size_t)size < s->cplen) {
        s->len = sio_byte_at(s, (size_t)size);
        s->cplen = (size_t)size;
        s->cache_cp = s->cache_b = 0;
    }
    return VAL_INT(size);
}

static Value sm_true(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("readable", argc - 1, 0, 0) || !sio_check(argv[0])) {
        return VAL_NULL;
    }
    return VAL_TRUE;
}

static Value sm_close(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("close", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjStringIO *s = SIO(argv[0]);
    s->closed = true;
    sio_finalize(AS_OBJ(argv[0]));
    s->pos = s->cache_cp = s->cache_b = 0;
    return VAL_NONE;
}

static Value sm_closed(int argc, Value *argv, ObjDict *kw) {
    ObjStringIO *s = SIO(argv[0]);
    if (!s->ok) {
        return exc_raise(exc_ValueError, "I/O operation on uninitialized object");
    }
    return VAL_BOOL(s->closed);
}

static Value sm_line_buffering(int argc, Value *argv, ObjDict *kw) {
    return sio_check(argv[0]) ? VAL_FALSE : VAL_NULL;
}

static Value sm_newlines(int argc, Value *argv, ObjDict *kw) {
    if (!sio_check(argv[0])) {
        return VAL_NULL;
    }
    ObjStringIO *s = SIO(argv[0]);
    if (s->nl != NL_NONE && s->nl != NL_EMPTY) {
        return VAL_NONE;
    }
    static const char *const one[] = {NULL, "\n", "\r", NULL, "\r\n"};
    switch (s->seennl) {
    case 0:
        return VAL_NONE;
    case SEEN_LF:
    case SEEN_CR:
    case SEEN_CRLF:
        return str_from_c(one[s->seennl]);
    case SEEN_CR | SEEN_LF:
        return tuple_pack(2, str_from_c("\r"), str_from_c("\n"));
    case SEEN_CR | SEEN_CRLF:
        return tuple_pack(2, str_from_c("\r"), str_from_c("\r\n"));
    case SEEN_LF | SEEN_CRLF:
        return tuple_pack(2, str_from_c("\n"), str_from_c("\r\n"));
    default:
        return tuple_pack(3, str_from_c("\r"), str_from_c("\n"), str_from_c("\r\n"));
    }
}

static Value sio_newline_value(ObjStringIO *s) {
    static const char *const nls[] = {NULL, "", "\n", "\r", "\r\n"};
    return s->nl == NL_NONE ? VAL_NONE : str_from_c(nls[s->nl]);
}

static Value sm_getstate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__getstate__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value v = sm_getvalue(1, argv, NULL);
    if (!v) {
        return VAL_NULL;
    }
    gc_push_root(v);
    Value nl = sio_newline_value(SIO(argv[0]));
    gc_push_root(nl);
    Value d = state_dict(argv[0]);
    gc_push_root(d);
    Value r = d ? tuple_pack(4, v, nl, VAL_INT(SIO(argv[0])->pos), d) : VAL_NULL;
    gc_pop_root(3);
    return r;
}

static Value sm_setstate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__setstate__", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value self = argv[0], st = argv[1];
    if (SIO(self)->closed) {
        return exc_raise(exc_ValueError, "I/O operation on closed file");
    }
    if (!IS_KIND(st, cls_tuple) || AS_TUPLE(st)->len < 4) {
        return exc_raise(exc_TypeError, "%s%s.__setstate__ argument should be 4-tuple, got %s",
                         strcmp(val_type_name(self), "StringIO") ? "" : "_io.", val_type_name(self), val_type_name(st));
    }
    Value *it = AS_TUPLE(st)->items;
    if (!sio_init(self, 2, it, NULL)) {
        return VAL_NULL;
    }
    // the text as it was (already translated): not through write
    ObjStringIO *s = SIO(self);
    s->len = s->cplen = s->pos = s->cache_cp = s->cache_b = 0;
    if (IS_NONE(it[0])) {
        return exc_raise(exc_TypeError, "bad argument type for built-in operation");
    }
    ObjStr *t = AS_STR(it[0]);
    if (t->len && !sio_put(s, t->data, t->len, t->cplen)) {
        return VAL_NULL;
    }
    if (!IS_INT(it[2])) {
        return exc_raise(exc_TypeError, "third item of state must be an integer, got %s", val_type_name(it[2]));
    }
    int64_t pos;
    if (!index_value(it[2], NULL, &pos)) {
        return VAL_NULL;
    }
    if (pos < 0) {
        return exc_raise(exc_ValueError, "position value cannot be negative");
    }
    s->pos = (size_t)pos;
    return restore_dict(self, it[3], "fourth item of state should be a dict, got a %s") ? VAL_NONE : VAL_NULL;
}

static Value sm_sizeof(int argc, Value *argv, ObjDict *kw) {
    return VAL_INT(sizeof(ObjStringIO) + SIO(argv[0])->cap);
}

static const MethodDef stringio_methods[] = {
    {"__init__", sm_init, true},
    {"write", sm_write},
    {"getvalue", sm_getvalue},
    {"read", sm_read},
    {"readline", sm_readline},
    {"seek", sm_seek},
    {"tell", sm_tell},
    {"truncate", sm_truncate},
    {"readable", sm_true},
    {"writable", sm_true},
    {"seekable", sm_true},
    {"close", sm_close},
    {"__getstate__", sm_getstate},
    {"__setstate__", sm_setstate},
    {"__sizeof__", sm_sizeof},
    {NULL, NULL},
};

static const MethodDef stringio_getters[] = {
    {"closed", sm_closed},
    {"line_buffering", sm_line_buffering},
    {"newlines", sm_newlines},
    {NULL, NULL},
};

// ---- BytesIO

typedef struct ObjBytesIO {
    Obj hdr;
    Value buf;              // a bytearray; VAL_NULL once closed
    size_t pos;             // may be past the end (a write zero-fills)
} ObjBytesIO;

#define BIO(v) ((ObjBytesIO *)AS_OBJ(v))

static void bio_trace(Obj *o) {
    gc_mark_value(((ObjBytesIO *)o)->buf);
}

static bool bio_check(Value self) {
    if (!BIO(self)->buf) {
        exc_raise(exc_ValueError, "I/O operation on closed file.");
        return false;
    }
    return true;
}

// Writes the [n] bytes at [p] at the position; false: MemoryError.
static bool bio_put(ObjBytesIO *b, const unsigned char *p, size_t n) {
    ObjByteArray *a = AS_BYTEARRAY(b->buf);
    size_t end;
    if (a->data && p >= a->data - a->off && p < a->data + a->cap) {
        // a view of this very buffer, which growing may move: copy it first
        Value tmp = bytes_try_new(p, n);
        if (!tmp) {
            return false;
        }
        gc_push_root(tmp);
        bool ok = bio_put(b, AS_BYTES(tmp)->data, n);
        gc_pop_root(1);
        return ok;
    }
    if (!mem_size(b->pos, 1, n, &end)) {
        return false;
    }
    if (end > a->len) {
        size_t old = a->len;
        unsigned char *room = bytearray_room(a, end - old);
        if (!room) {
            return false;
        }
        if (b->pos > old) {
            memset(room, 0, b->pos - old);
        }
        bytearray_set_len(a, end);
    }
    memmove(a->data + b->pos, p, n);
    b->pos = end;
    return true;
}

static bool bio_init(Value self, int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"initial_bytes", NULL};
    if (!kw_only("BytesIO", kw, allowed)) {
        return false;
    }
    if (argc > 1) {
        exc_raise(exc_TypeError, "BytesIO() takes at most 1 argument (%d given)", argc);
        return false;
    }
    Value init = argc > 0 ? argv[0] : kw_get(kw, "initial_bytes");
    BufView v = {0};
    if (init && !IS_NONE(init) && !buffer_need(init, &v)) {
        return false;
    }
    Value a = bytearray_new(NULL, 0);
    ObjBytesIO *b = BIO(self);
    b->buf = a;
    b->pos = 0;
    if (v.len && !bio_put(b, v.ptr, v.len)) {
        return false;
    }
    b->pos = 0;
    return true;
}

static Value bio_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    size_t size = cls->inst_size > sizeof(ObjBytesIO) ? cls->inst_size : sizeof(ObjBytesIO);
    Value v = OBJ_VAL(obj_alloc(cls, size));
    gc_push_root(v);
    bool ok = cls != cls_bytesio && has_user_init(cls) ? bio_init(v, 0, NULL, NULL) : bio_init(v, argc, argv, kw);
    gc_pop_root(1);
    return ok ? v : VAL_NULL;
}

static Value bm_init(int argc, Value *argv, ObjDict *kw) {
    return bio_init(argv[0], argc - 1, argv + 1, kw) ? VAL_NONE : VAL_NULL;
}

static Value bm_write(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("write", argc - 1, 1, 1) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    BufView v;
    if (!buffer_need(argv[1], &v)) {
        return VAL_NULL;
    }
    if (v.len && BIO(argv[0])->pos > (size_t)INT64_MAX - v.len) {
        return exc_raise(exc_OverflowError, "new buffer size too large");
    }
    if (v.len && !bio_put(BIO(argv[0]), v.ptr, v.len)) {
        return VAL_NULL;
    }
    return VAL_INT(v.len);
}

static Value bm_writelines(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("writelines", argc - 1, 1, 1) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[1]);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    Value x;
    int r;
    while ((r = obj_next(it, &x)) > 0) {
        Value args[2] = {argv[0], x};
        if (!bm_write(2, args, NULL)) {
            r = -1;
            break;
        }
    }
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : VAL_NONE;
}

static Value bm_getvalue(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getvalue", argc - 1, 0, 0) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    ObjByteArray *a = AS_BYTEARRAY(BIO(argv[0])->buf);
    return bytes_try_new(a->data, a->len);
}

static Value bm_getbuffer(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getbuffer", argc - 1, 0, 0) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    return memoryview_of_buffer(BIO(argv[0])->buf);
}

// The [n] bytes from the position on (position moved on).
static Value bio_take(ObjBytesIO *b, size_t n) {
    ObjByteArray *a = AS_BYTEARRAY(b->buf);
    if (b->pos >= a->len) {
        return bytes_new("", 0);
    }
    if (n > a->len - b->pos) {
        n = a->len - b->pos;
    }
    Value r = bytes_try_new(a->data + b->pos, n);
    if (r) {
        b->pos += n;
    }
    return r;
}

static Value bm_read(int argc, Value *argv, ObjDict *kw) {
    int64_t size;
    if (!arg_count("read", argc - 1, 0, 1) || !opt_size(argc, argv, 1, &size) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    return bio_take(BIO(argv[0]), size < 0 ? SIZE_MAX : (size_t)size);
}

static Value bio_readline(ObjBytesIO *b, int64_t limit) {
    ObjByteArray *a = AS_BYTEARRAY(b->buf);
    if (b->pos >= a->len) {
        return bytes_new("", 0);
    }
    size_t rest = a->len - b->pos;
    const unsigned char *q = memchr(a->data + b->pos, '\n', rest);
    size_t n = q ? (size_t)(q - (a->data + b->pos)) + 1 : rest;
    if (limit >= 0 && (size_t)limit < n) {
        n = (size_t)limit;
    }
    return bio_take(b, n);
}

static Value bm_readline(int argc, Value *argv, ObjDict *kw) {
    int64_t size;
    if (!arg_count("readline", argc - 1, 0, 1) || !opt_size(argc, argv, 1, &size) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    return bio_readline(BIO(argv[0]), size);
}

static Value bm_readlines(int argc, Value *argv, ObjDict *kw) {
    int64_t hint;
    if (!arg_count("readlines", argc - 1, 0, 1) || !opt_size(argc, argv, 1, &hint) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    Value l = list_new(0);
    if (!l) {
        return VAL_NULL;
    }
    gc_push_root(l);
    size_t total = 0;
    for (;;) {
        Value line = bio_readline(BIO(argv[0]), -1);
        if (!line || AS_BYTES(line)->len == 0) {
            gc_pop_root(1);
            return line ? l : VAL_NULL;
        }
        if (!list_append(AS_LIST(l), line)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        total += AS_BYTES(line)->len;
        if (hint > 0 && total >= (size_t)hint) {
            break;
        }
    }
    gc_pop_root(1);
    return l;
}

static int bio_next(Value self, Value *out) {
    if (!bio_check(self)) {
        return -1;
    }
    Value line = bio_readline(BIO(self), -1);
    if (!line) {
        return -1;
    }
    if (AS_BYTES(line)->len == 0) {
        return 0;
    }
    *out = line;
    return 1;
}

static Value bm_readinto(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("readinto", argc - 1, 1, 1) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    BufView v;
    int k = buffer_get(argv[1], &v);
    if (k < 0) {
        return VAL_NULL;
    }
    if (k == 0 || v.readonly) {
        return exc_raise(exc_TypeError, "readinto() argument must be read-write bytes-like object, not %s",
                         val_type_name(argv[1]));
    }
    ObjBytesIO *b = BIO(argv[0]);
    ObjByteArray *a = AS_BYTEARRAY(b->buf);
    size_t n = b->pos >= a->len ? 0 : a->len - b->pos;
    if (n > v.len) {
        n = v.len;
    }
    memcpy(v.ptr, a->data + b->pos, n);
    b->pos += n;
    return VAL_INT(n);
}

static Value bm_seek(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("seek", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    int64_t pos, whence = 0;
    if (!ssize_arg(argv[1], "Python int too large to convert to C ssize_t", &pos) ||
        (argc > 2 && !index_value(argv[2], NULL, &whence)) ||
        !bio_check(argv[0])) {
        return VAL_NULL;
    }
    ObjBytesIO *b = BIO(argv[0]);
    if (pos < 0 && whence == 0) {
        return exc_raise(exc_ValueError, "negative seek value %lld", (long long)pos);
    }
    if (whence == 1 || whence == 2) {
        int64_t base = whence == 1 ? (int64_t)b->pos : (int64_t)AS_BYTEARRAY(b->buf)->len;
        if (pos > INT64_MAX - base) {
            return exc_raise(exc_OverflowError, "new position too large");
        }
        pos += base;
    } else if (whence != 0) {
        return exc_raise(exc_ValueError, "invalid whence (%d, should be 0, 1 or 2)", (int)whence);
    }
    if (pos < 0) {
        pos = 0;
    }
    b->pos = (size_t)pos;
    return VAL_INT(pos);
}

static Value bm_tell(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("tell", argc - 1, 0, 0) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    return VAL_INT(BIO(argv[0])->pos);
}

static Value bm_truncate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("truncate", argc - 1, 0, 1) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    ObjBytesIO *b = BIO(argv[0]);
    int64_t size = (int64_t)b->pos;
    if (argc > 1 && !IS_NONE(argv[1])) {
        if (!opt_size(argc, argv, 1, &size)) {
            return VAL_NULL;
        }
        if (size < 0) {
            return exc_raise(exc_ValueError, "negative size value %lld", (long long)size);
        }
    }
    ObjByteArray *a = AS_BYTEARRAY(b->buf);
    if ((size_t)size < a->len) {
        bytearray_set_len(a, (size_t)size);
    }
    return VAL_INT(size);
}

static Value bm_true(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("readable", argc - 1, 0, 0) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    return VAL_TRUE;
}

static Value bm_isatty(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("isatty", argc - 1, 0, 0) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    return VAL_FALSE;
}

static Value bm_flush(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("flush", argc - 1, 0, 0) || !bio_check(argv[0])) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

static Value bm_close(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("close", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    BIO(argv[0])->buf = VAL_NULL;
    return VAL_NONE;
}

static Value bm_closed(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(!BIO(argv[0])->buf);
}

static Value bm_getstate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__getstate__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value v = bm_getvalue(1, argv, NULL);
    if (!v) {
        return VAL_NULL;
    }
    gc_push_root(v);
    Value d = state_dict(argv[0]);
    gc_push_root(d);
    Value r = d ? tuple_pack(3, v, VAL_INT(BIO(argv[0])->pos), d) : VAL_NULL;
    gc_pop_root(2);
    return r;
}

static Value bm_setstate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__setstate__", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value self = argv[0], st = argv[1];
    if (!bio_check(self)) {
        return VAL_NULL;
    }
    if (!IS_KIND(st, cls_tuple) || AS_TUPLE(st)->len < 3) {
        return exc_raise(exc_TypeError, "%s%s.__setstate__ argument should be 3-tuple, got %s",
                         strcmp(val_type_name(self), "BytesIO") ? "" : "_io.", val_type_name(self), val_type_name(st));
    }
    Value *it = AS_TUPLE(st)->items;
    if (!bio_init(self, 1, it, NULL)) {
        return VAL_NULL;
    }
    if (!IS_INT(it[1])) {
        return exc_raise(exc_TypeError, "second item of state must be an integer, not %s", val_type_name(it[1]));
    }
    int64_t pos;
    if (!index_value(it[1], NULL, &pos)) {
        return VAL_NULL;
    }
    if (pos < 0) {
        return exc_raise(exc_ValueError, "position value cannot be negative");
    }
    BIO(self)->pos = (size_t)pos;
    return restore_dict(self, it[2], "third item of state should be a dict, got a %s") ? VAL_NONE : VAL_NULL;
}

static Value bm_sizeof(int argc, Value *argv, ObjDict *kw) {
    Value a = BIO(argv[0])->buf;
    return VAL_INT(sizeof(ObjBytesIO) + (a ? AS_BYTEARRAY(a)->cap + 1 : 0));
}

static const MethodDef bytesio_methods[] = {
    {"__init__", bm_init, true},
    {"write", bm_write},
    {"writelines", bm_writelines},
    {"getvalue", bm_getvalue},
    {"getbuffer", bm_getbuffer},
    {"read", bm_read},
    {"read1", bm_read},
    {"readline", bm_readline},
    {"readlines", bm_readlines},
    {"readinto", bm_readinto},
    {"seek", bm_seek},
    {"tell", bm_tell},
    {"truncate", bm_truncate},
    {"readable", bm_true},
    {"writable", bm_true},
    {"seekable", bm_true},
    {"isatty", bm_isatty},
    {"flush", bm_flush},
    {"close", bm_close},
    {"__getstate__", bm_getstate},
    {"__setstate__", bm_setstate},
    {"__sizeof__", bm_sizeof},
    {NULL, NULL},
};

static const MethodDef bytesio_getters[] = {
    {"closed", bm_closed},
    {NULL, NULL},
};

static Value io_iter_self(Value self) {
    if (class_is_subclass(AS_OBJ(self)->cls, cls_stringio) ? !sio_check(self) : !bio_check(self)) {
        return VAL_NULL;
    }
    return self;
}

// Makes _io.StringIO and _io.BytesIO (once per state).
void io_memory_init(void) {
    if (cls_stringio) {
        return;
    }
    ObjStr *mod = str_intern_c("_io");
    cls_stringio = class_new_builtin("StringIO", NULL, sizeof(ObjStringIO), stringio_methods);
    cls_stringio->module = mod;
    cls_stringio->new_ = sio_new_;
    cls_stringio->finalize = sio_finalize;
    cls_stringio->iter = io_iter_self;
    cls_stringio->next = sio_next;
    class_add_fields(cls_stringio, stringio_getters, NULL);
    cls_bytesio = class_new_builtin("BytesIO", NULL, sizeof(ObjBytesIO), bytesio_methods);
    cls_bytesio->module = mod;
    cls_bytesio->new_ = bio_new_;
    cls_bytesio->trace = bio_trace;
    cls_bytesio->iter = io_iter_self;
    cls_bytesio->next = bio_next;
    class_add_fields(cls_bytesio, bytesio_getters, NULL);
}
