// bytes.c: the core of bytes and bytearray: making them (literals,
// bytes(...)/bytearray(...) with CPython's argument rules), the buffer
// protocol (buffer_get), repr, hash, comparisons, + * %, indexing and
// slicing (and item/slice assignment and deletion for bytearray), `in`,
// iteration, and bytearray's list-like mutators. The text-like methods both
// share live in bytes_methods.c, memoryview in memoryview.c.
#define _GNU_SOURCE
#include <string.h>

#include "bytes.h"
#include "containers.h"
#include "numstr.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"

typedef struct ObjBytesIter {
    Obj hdr;
    Value seq;      // bytes or bytearray; VAL_NULL when exhausted
    size_t i;
} ObjBytesIter;

// ---- making

static Value bytes_alloc(ObjClass *cls, const void *s, size_t len, bool fallible) {
    size_t size;
    if (!mem_size(len, 1, (size_t)cls->inst_size + 1, &size)) {
        if (!fallible) {
            exc_clear();
        }
        return VAL_NULL;
    }
    // the data is copied in at once: only the header is zeroed
    size_t hdr = cls->inst_size;
    ObjBytes *b = (ObjBytes *)(fallible ? obj_try_alloc_data(cls, size, hdr) : obj_alloc_data(cls, size, hdr));
    if (!b) {
        return VAL_NULL;
    }
    gc_note_bulk(len);
    b->hash = -1;
    b->len = len;
    b->data = (unsigned char *)b + cls->inst_size;
    if (len && s) {
        memcpy(b->data, s, len);
    }
    b->data[len] = 0;
    return OBJ_VAL(b);
}

Value bytes_new(const void *s, size_t len) {
    return bytes_alloc(cls_bytes, s, len, false);
}

Value bytes_try_new(const void *s, size_t len) {
    return bytes_alloc(cls_bytes, s, len, true);
}

// Resizes [b] to [n] bytes; new bytes are zeros when [zero], else left
// for the caller to fill. Growing past cap first moves the bytes back over
// the room deleted from the front, and reallocates only when that leaves
// less than n/8 to spare (so appends stay amortised O(1)); the buffer
// shrinks when under a quarter of it would be used.
static bool ba_resize(ObjByteArray *b, size_t n, bool zero) {
    size_t total = b->off + b->cap;
    bool grow = n > b->cap, shrink = total > 64 && n < total / 4;
    if (grow || shrink) {
        if (b->off) {
            memmove(b->data - b->off, b->data, b->len < n ? b->len : n);
            b->data -= b->off;
            b->off = 0;
            b->cap = total;
        }
        if (shrink || n > total || total - n < n / 8) {
            size_t cap = n < 16 ? 16 : n + n / 8;
            unsigned char *nd = mem_try_realloc(b->data, total, cap);
            if (!nd) {
                return false;
            }
            if (cap > total) {
                gc_note_bulk(cap - total);
            } else {
                gc_note_bulk_freed(total - cap);
            }
            b->data = nd;
            b->cap = cap;
        }
    }
    if (zero && n > b->len) {
        memset(b->data + b->len, 0, n - b->len);
    }
    b->len = n;
    return true;
}

bool bytearray_resize(ObjByteArray *b, size_t n) {
    return ba_resize(b, n, true);
}

unsigned char *bytearray_room(ObjByteArray *b, size_t n) {
    size_t old = b->len;
    if (!ba_resize(b, old + n, false)) {
        return NULL;
    }
    b->len = old;
    return b->data + old;
}

void bytearray_set_len(ObjByteArray *b, size_t n) {
    b->len = n;
}

static Value bytearray_alloc(ObjClass *cls, const void *s, size_t len) {
    ObjByteArray *b = (ObjByteArray *)obj_alloc(cls, cls->inst_size);
    if (len && !ba_resize(b, len, false)) {
        return VAL_NULL;
    }
    if (len) {
        memcpy(b->data, s, len);
    }
    return OBJ_VAL(b);
}

Value bytearray_new(const void *s, size_t len) {
    return bytearray_alloc(cls_bytearray, s, len);
}

bool bytes_check(Value v) {
    return IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_bytes);
}

bool bytearray_check(Value v) {
    return IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_bytearray);
}

Value bytes_like(Value self, const void *s, size_t len) {
    return bytearray_check(self) ? bytearray_new(s, len) : bytes_try_new(s, len);
}

unsigned char *outbuf_room(OutBuf *o, size_t first, int64_t max, size_t *room, bool *full) {
    if (o->len == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : first;
        if (max >= 0 && cap > (size_t)max) {
            cap = (size_t)max;
        }
        if (cap <= o->len) {
            *full = true;
            return NULL;
        }
        unsigned char *p = realloc(o->p, cap);
        if (!p) {
            exc_raise_nomem();
            return NULL;
        }
        o->p = p;
        o->cap = cap;
    }
    *room = o->cap - o->len;
    return o->p + o->len;
}

Value outbuf_bytes(OutBuf *o) {
    Value r = bytes_try_new(o->p ? o->p : (const unsigned char *)"", o->len);
    free(o->p);
    o->p = NULL;
    return r;
}

int buffer_get(Value v, BufView *out) {
    if (!IS_OBJ(v)) {
        return 0;
    }
    out->format = 'B';
    out->itemsize = 1;
    ObjClass *c = AS_OBJ(v)->cls;
    if (c == cls_bytes || class_is_subclass(c, cls_bytes)) {
        out->ptr = AS_BYTES(v)->data;
        out->len = AS_BYTES(v)->len;
        out->readonly = true;
        return 1;
    }
    if (c == cls_bytearray || class_is_subclass(c, cls_bytearray)) {
        static const unsigned char empty[1] = {0};    // never written: its length is 0
        out->ptr = AS_BYTEARRAY(v)->data ? AS_BYTEARRAY(v)->data : (unsigned char *)empty;
        out->len = AS_BYTEARRAY(v)->len;
        out->readonly = false;
        return 1;
    }
    if (c == cls_memoryview) {
        ObjMemoryView *m = AS_MEMORYVIEW(v);
        if (m->released) {
            exc_raise(exc_ValueError, "operation forbidden on released memoryview object");
            return -1;
        }
        if (m->step != m->itemsize && m->len != 1) {
            exc_raise(exc_BufferError, "memoryview: underlying buffer is not C-contiguous");
            return -1;
        }
        BufView base = {0};
        if (buffer_get(m->obj, &base) != 1) {
            return -1;
        }
        size_t start = m->start < base.len ? m->start : base.len;
        size_t nbytes = m->len * (size_t)m->itemsize;
        size_t len = nbytes < base.len - start ? nbytes : base.len - start;
        out->ptr = base.ptr + start;
        out->len = len;
        out->readonly = m->readonly;
        return 1;
    }
    return c->getbuffer ? c->getbuffer(v, out) : 0;     // array.array
}

bool buffer_need(Value v, BufView *out) {
    int r = buffer_get(v, out);
    if (r == 0) {
        exc_raise(exc_TypeError, "a bytes-like object is required, not '%s'", val_type_name(v));
    }
    return r == 1;
}

// A byte value from an int-like [v] (index protocol); false on error.
static bool byte_value(Value v, int *out) {
    int64_t i;
    if (!index_bound_value(v, &i)) {     // (a huge int is out of range too)
        return false;
    }
    if (i < 0 || i > 255) {
        exc_raise(exc_ValueError, "byte must be in range(0, 256)");
        return false;
    }
    *out = (int)i;
    return true;
}

// Appends the ints of [iterable] to [b]; [what] words the range error.
static bool fill_from_iterable(SBuf *b, Value iterable, const char *range_msg) {
    Value it = obj_iter(iterable);
    if (!it) {
        return false;
    }
    gc_push_root(it);
    Value x;
    int r;
    while ((r = obj_next(it, &x)) == 1) {
        int64_t i;
        if (!index_bound_value(x, &i)) {
            r = -1;
            break;
        }
        if (i < 0 || i > 255) {
            exc_raise(exc_ValueError, "%s", range_msg);
            r = -1;
            break;
        }
        sb_addc(b, (char)i);
        if (b->failed) {
            r = -1;
            break;
        }
    }
    gc_pop_root(1);
    return r == 0;
}

// The data bytes(x) / bytearray(x) take from [x] with no encoding, into [b].
static bool fill_from_object(SBuf *b, Value x, const char *kind) {
    if (str_check(x)) {
        exc_raise(exc_TypeError, "string argument without an encoding");
        return false;
    }
    BufView v = {0};
    if (IS_A(x, cls_memoryview)) {
        // any view, strided too (CPython asks for a full buffer here)
        Value copy = memoryview_tobytes(x);
        if (!copy) {
            return false;
        }
        sb_add(b, (const char *)AS_BYTES(copy)->data, AS_BYTES(copy)->len);
        return !b->failed;
    }
    int r = buffer_get(x, &v);
    if (r) {
        if (r > 0) {
            sb_add(b, (const char *)v.ptr, v.len);
        }
        return r > 0 && !b->failed;
    }
    if (IS_INT(x) || x == VAL_TRUE || x == VAL_FALSE ||
        (IS_OBJ(x) && class_lookup(AS_OBJ(x)->cls, str_intern_c("__index__")))) {
        int64_t n;
        if (!index_value(x, NULL, &n)) {
            if (EXC_PENDING_IS(exc_IndexError)) {
                exc_clear();
                exc_raise(exc_OverflowError, "cannot fit 'int' into an index-sized integer");
            }
            return false;
        }
        if (n < 0) {
            exc_raise(exc_ValueError, "negative count");
            return false;
        }
        return sb_repeat(b, "", 1, (size_t)n) || (b->failed = true, false);
    }
    if (IS_OBJ(x) && !class_lookup(AS_OBJ(x)->cls, str_intern_c("__iter__")) &&
        !class_lookup(AS_OBJ(x)->cls, str_intern_c("__getitem__")) && !AS_OBJ(x)->cls->iter) {
        exc_raise(exc_TypeError, "cannot convert '%s' object to %s", val_type_name(x), kind);
        return false;
    }
    if (!IS_OBJ(x)) {
        exc_raise(exc_TypeError, "cannot convert '%s' object to %s", val_type_name(x), kind);
        return false;
    }
    return fill_from_iterable(b, x, strcmp(kind, "bytes") == 0 ? "bytes must be in range(0, 256)"
                                                               : "byte must be in range(0, 256)");
}

Value bytes_from_object(Value x) {
    SBuf b;
    sb_init(&b);
    if (!fill_from_object(&b, x, "bytes")) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_try_new(b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

// Parses (source, encoding, errors) of bytes()/bytearray() named [kind].
static bool ctor_args(const char *kind, int argc, Value *argv, ObjDict *kw, Value out[3]) {
    static const char *const names[] = {"source", "encoding", "errors"};
    if (argc > 3) {
        exc_raise(exc_TypeError, "%s() takes at most 3 arguments (%d given)", kind, argc);
        return false;
    }
    for (int i = 0; i < 3; i++) {
        out[i] = i < argc ? argv[i] : VAL_NULL;
    }
    if (kw) {
        size_t pos = 0;
        Value k, v;
        while (dict_next(kw, &pos, &k, &v)) {
            int i = 0;
            while (i < 3 && strcmp(AS_STR(k)->data, names[i]) != 0) {
                i++;
            }
            if (i == 3) {
                exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for %s()",
                          AS_STR(k)->data, kind);
                return false;
            }
            if (out[i]) {
                exc_raise(exc_TypeError, "argument for %s() given by name ('%s') and position (%d)",
                          kind, names[i], i + 1);
                return false;
            }
            out[i] = v;
        }
    }
    return true;
}

// The data of bytes(...)/bytearray(...) named [kind]: a bytes value.
static Value ctor_data(const char *kind, int argc, Value *argv, ObjDict *kw) {
    Value a[3];
    if (!ctor_args(kind, argc, argv, kw, a)) {
        return VAL_NULL;
    }
    const char *enc, *errs;
    if ((a[1] || a[2]) && !codec_args(kind, a[1], a[2], &enc, &errs)) {
        return VAL_NULL;    // as CPython: the arguments' types are checked first
    }
    if (!a[0]) {
        if (a[1]) {
            return exc_raise(exc_TypeError, "encoding without a string argument");
        }
        if (a[2]) {
            return exc_raise(exc_TypeError, "errors without a string argument");
        }
        return bytes_new("", 0);
    }
    if (a[1] || a[2]) {
        if (!str_check(a[0])) {
            return exc_raise(exc_TypeError, a[1] ? "encoding without a string argument"
                                                 : "errors without a string argument");
        }
        return codec_encode(a[0], enc, errs);
    }
    if (IS_SMALL(a[0]) && AS_SMALL(a[0]) >= 0) {
        // bytes(n): n zero bytes, written once
        Value r = bytes_try_new(NULL, (size_t)AS_SMALL(a[0]));
        if (r) {
            memset(AS_BYTES(r)->data, 0, AS_BYTES(r)->len);
        }
        return r;
    }
    bool to_bytes = strcmp(kind, "bytes") == 0;
    if (to_bytes && IS_BYTES(a[0])) {
        return a[0];    // bytes(b) is b, as in CPython (bytes are immutable)
    }
    if (to_bytes && IS_OBJ(a[0]) && !str_check(a[0])) {
        Value f = class_lookup(AS_OBJ(a[0])->cls, ST->s_bytes);
        if (f) {
            Value r = vm_call(f, 1, a, NULL);
            if (r && !bytes_check(r)) {
                return exc_raise(exc_TypeError, "__bytes__ returned non-bytes (type %s)",
                                 val_type_name(r));
            }
            return r;
        }
    }
    // a memoryview or another buffer: one copy, not three
    if (IS_A(a[0], cls_memoryview)) {
        return memoryview_tobytes(a[0]);
    }
    BufView bv = {0};
    if (!str_check(a[0]) && buffer_get(a[0], &bv) > 0) {
        return bytes_try_new(bv.len ? bv.ptr : (const unsigned char *)"", bv.len);
    }
    exc_clear();
    SBuf b;
    sb_init(&b);
    if (!fill_from_object(&b, a[0], kind)) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_try_new(b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static Value bytes_new_slot(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value d = ctor_data("bytes", argc, argv, kw);
    if (!d || cls == cls_bytes) {
        return d;
    }
    return bytes_alloc(cls, AS_BYTES(d)->data, AS_BYTES(d)->len, true);
}

static Value m_bytearray_init(int argc, Value *argv, ObjDict *kw);

// bytearray(...) fills the new object here; a subclass with its own
// __init__ gets an empty one (its __init__ may call bytearray.__init__).
static Value bytearray_new_slot(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value self = OBJ_VAL(obj_alloc(cls, cls->inst_size));
    Value init = cls == cls_bytearray ? VAL_NULL : class_lookup(cls, ST->s_init);
    if (init && !IS_A(init, cls_native)) {
        return self;
    }
    Value args[argc + 1];
    args[0] = self;
    values_copy(args + 1, argv, (size_t)argc);
    gc_push_root(self);
    Value r = m_bytearray_init(argc + 1, args, kw);
    gc_pop_root(1);
    return r ? self : VAL_NULL;
}

static Value m_bytearray_init(int argc, Value *argv, ObjDict *kw) {
    if (argc == 2 && !kw && IS_SMALL(argv[1]) && AS_SMALL(argv[1]) >= 0) {
        // bytearray(n), the usual buffer: zeroed in place, with no bytes copy
        ObjByteArray *b = AS_BYTEARRAY(argv[0]);
        b->len = 0;
        return ba_resize(b, (size_t)AS_SMALL(argv[1]), true) ? VAL_NONE : VAL_NULL;   // (MemoryError raised)
    }
    Value d = ctor_data("bytearray", argc - 1, argv + 1, kw);
    if (!d) {
        return VAL_NULL;
    }
    ObjByteArray *b = AS_BYTEARRAY(argv[0]);
    if (!ba_resize(b, AS_BYTES(d)->len, false)) {
        return VAL_NULL;
    }
    if (b->len) {
        memcpy(b->data, AS_BYTES(d)->data, b->len);
    }
    return VAL_NONE;
}

static void bytearray_finalize(Obj *o) {
    ObjByteArray *b = (ObjByteArray *)o;
    if (b->data) {
        mem_free(b->data - b->off, b->off + b->cap);
    }
    b->data = NULL;
    b->cap = b->len = b->off = 0;
}

// ---- repr, hash, compare

static Value repr_data(const unsigned char *s, size_t len, bool always_escape_single) {
    bool sq = memchr(s, '\'', len) != NULL, dq = memchr(s, '"', len) != NULL;
    char q = sq && !dq ? '"' : '\'';
    SBuf b;
    sb_init(&b);
    if (!sb_reserve(&b, len + 3)) {
        return VAL_NULL;
    }
    sb_addc(&b, 'b');
    sb_addc(&b, q);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c == q || c == '\\' || (c == '\'' && always_escape_single)) {
            sb_addc(&b, '\\');
            sb_addc(&b, (char)c);
        } else if (c == '\t') {
            sb_add(&b, "\\t", 2);
        } else if (c == '\n') {
            sb_add(&b, "\\n", 2);
        } else if (c == '\r') {
            sb_add(&b, "\\r", 2);
        } else if (c < 0x20 || c >= 0x7f) {
            char tmp[5];
            snprintf(tmp, sizeof tmp, "\\x%02x", c);
            sb_add(&b, tmp, 4);
        } else {
            sb_addc(&b, (char)c);
        }
    }
    sb_addc(&b, q);
    return sb_finish(&b);
}

Value bytes_repr_data(const unsigned char *s, size_t len) {
    return repr_data(s, len, false);
}

static Value bytes_repr(Value self) {
    return bytes_repr_data(AS_BYTES(self)->data, AS_BYTES(self)->len);
}

static Value bytearray_repr(Value self) {
    ObjByteArray *b = AS_BYTEARRAY(self);
    Value r = repr_data(b->data, b->len, true);    // CPython escapes ' even inside "..."
    if (!r) {
        return VAL_NULL;
    }
    return str_printf("%s(%s)", AS_OBJ(self)->cls->name->data, AS_STR(r)->data);
}

static bool bytes_hash(Value self, int64_t *out) {
    ObjBytes *b = AS_BYTES(self);
    if (b->hash == -1) {
        // str's FNV-1a (str_internal.h): an ASCII bytes hashes like the
        // equal str, as in CPython
        uint64_t h = 14695981039346656037ULL;
        for (size_t i = 0; i < b->len; i++) {
            h = (h ^ b->data[i]) * 1099511628211ULL;
        }
        b->hash = b->len ? (int64_t)(h >> 1) : 0;   // b'' as '': 0
    }
    *out = b->hash;
    return true;
}

static bool unhashable(Value self, int64_t *out) {
    exc_raise(exc_TypeError, "unhashable type: '%s'", val_type_name(self));
    return false;
}

static Value bytes_compare(Value a, Value b, int op) {
    BufView x = {0}, y = {0};
    // bytes leaves a memoryview to its own ==; bytearray orders against one
    if (!IS_OBJ(b) || (AS_OBJ(b)->cls == cls_memoryview && !bytearray_check(a))) {
        return VAL_NOTIMPL;
    }
    int ra = buffer_get(a, &x), rb = buffer_get(b, &y);
    if (ra < 0 || rb < 0) {
        return VAL_NULL;
    }
    if (!ra || !rb) {
        return VAL_NOTIMPL;
    }
    size_t n = x.len < y.len ? x.len : y.len;
    int c = n ? memcmp(x.ptr, y.ptr, n) : 0;
    if (c == 0) {
        c = x.len < y.len ? -1 : x.len > y.len;
    }
    switch (op) {
    case OP_LT: return VAL_BOOL(c < 0);
    case OP_LE: return VAL_BOOL(c <= 0);
    case OP_EQ: return VAL_BOOL(c == 0);
    case OP_NE: return VAL_BOOL(c != 0);
    case OP_GT: return VAL_BOOL(c > 0);
    default: return VAL_BOOL(c >= 0);
    }
}

// ---- + * %

// [self] repeated [n] times as [self]'s kind.
static Value repeat(Value self, Value count) {
    int64_t n;
    if (!index_value(count, NULL, &n)) {
        if (EXC_PENDING_IS(exc_IndexError)) {
            exc_clear();
            exc_raise(exc_OverflowError, "cannot fit 'int' into an index-sized integer");
        }
        return VAL_NULL;
    }
    if (n == 1 && IS_BYTES(self)) {
        return self;    // an exact bytes times 1 is itself, as CPython's
    }
    BufView v = {0};
    buffer_get(self, &v);
    SBuf b;
    sb_init(&b);
    if (n > 0 && v.len && !sb_repeat(&b, (const char *)v.ptr, v.len, (size_t)n)) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = bytes_like(self, b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static bool is_index_like(Value v) {
    return IS_INT(v) || v == VAL_TRUE || v == VAL_FALSE ||
           (IS_OBJ(v) && class_lookup(AS_OBJ(v)->cls, str_intern_c("__index__")));
}

static Value bytes_binop(Value a, Value b, int op) {
    bool inplace = op >= BINOP_INPLACE;
    int bop = inplace ? op - BINOP_INPLACE : op;
    bool a_mine = bytes_check(a) || bytearray_check(a);
    if (bop == BIN_ADD && a_mine) {
        BufView x = {0}, y = {0};
        int r = buffer_get(b, &y);
        if (r < 0) {
            return VAL_NULL;
        }
        if (r == 0) {
            return exc_raise(exc_TypeError, "can't concat %s to %s", val_type_name(b),
                             bytearray_check(a) ? "bytearray" : "bytes");
        }
        buffer_get(a, &x);
        if (inplace && bytearray_check(a)) {
            ObjByteArray *ba = AS_BYTEARRAY(a);
            size_t old = ba->len, ylen = y.len;
            SBuf tmp;       // y may be a's own buffer, which resize moves
            sb_init(&tmp);
            sb_add(&tmp, (const char *)y.ptr, ylen);
            if (tmp.failed || !ba_resize(ba, old + ylen, false)) {
                sb_free(&tmp);
                return VAL_NULL;
            }
            if (ylen) {
                memcpy(ba->data + old, tmp.data, ylen);
            }
            sb_free(&tmp);
            return a;
        }
        SBuf s;
        sb_init(&s);
        sb_add(&s, (const char *)x.ptr, x.len);
        sb_add(&s, (const char *)y.ptr, y.len);
        if (s.failed) {
            return VAL_NULL;
        }
        Value res = bytes_like(a, s.data ? s.data : "", s.len);
        sb_free(&s);
        return res;
    }
    if (bop == BIN_MUL) {
        if (a_mine && is_index_like(b)) {
            Value r = repeat(a, b);
            if (r && inplace && bytearray_check(a)) {
                ObjByteArray *ba = AS_BYTEARRAY(a), *rb = AS_BYTEARRAY(r);
                unsigned char *d = ba->data;
                size_t cap = ba->cap, off = ba->off;
                ba->data = rb->data;
                ba->cap = rb->cap;
                ba->off = rb->off;
                ba->len = rb->len;
                rb->data = d;
                rb->cap = cap;
                rb->off = off;
                return a;
            }
            return r;
        }
        if (!a_mine && is_index_like(a)) {
            return repeat(b, a);
        }
        Value other = a_mine ? b : a;
        if (!(val_class(other)->flags & CLS_USER)) {
            return exc_raise(exc_TypeError, "can't multiply sequence by non-int of type '%s'",
                             val_type_name(other));
        }
        return VAL_NOTIMPL;
    }
    if (bop == BIN_MOD && a_mine) {
        return bytes_percent_format(a, b);
    }
    return VAL_NOTIMPL;
}

// ---- sequence protocol

static int64_t bytes_len(Value self) {
    BufView v = {0};
    buffer_get(self, &v);
    return (int64_t)v.len;
}

static int bytes_truthy(Value self) {
    return bytes_len(self) != 0;
}

static Value seq_getitem(Value self, Value key, const char *what) {
    BufView v = {0};
    buffer_get(self, &v);
    if (IS_SMALL(key)) {    // no __index__ to run: the view stays valid
        int64_t i = AS_SMALL(key);
        if (i < 0) {
            i += (int64_t)v.len;
        }
        if (i >= 0 && i < (int64_t)v.len) {
            return MK_SMALL(v.ptr[i]);
        }
    }
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)v.len, &start, &stop, &step, &n)) {
            return VAL_NULL;
        }
        buffer_get(self, &v);   // slice_indices may have run __index__, which may resize self
        if (start + (n - 1) * step >= (int64_t)v.len || start >= (int64_t)v.len) {
            n = 0;
        }
        if (step == 1) {
            return bytes_like(self, v.ptr + start, (size_t)n);
        }
        SBuf b;
        sb_init(&b);
        for (int64_t k = 0; k < n; k++) {
            sb_addc(&b, (char)v.ptr[start + k * step]);
        }
        if (b.failed) {
            sb_free(&b);
            return VAL_NULL;
        }
        Value r = bytes_like(self, b.data ? b.data : "", b.len);
        sb_free(&b);
        return r;
    }
    int64_t i;
    if (!index_value(key, what, &i)) {
        return VAL_NULL;
    }
    buffer_get(self, &v);
    if (i < 0) {
        i += (int64_t)v.len;
    }
    if (i < 0 || i >= (int64_t)v.len) {
        return exc_raise(exc_IndexError, "%s", bytearray_check(self) ? "bytearray index out of range"
                                                                  : "index out of range");
    }
    return MK_SMALL(v.ptr[i]);
}

static Value bytes_getitem(Value self, Value key) {
    return seq_getitem(self, key, "byte");
}

static Value bytearray_getitem(Value self, Value key) {
    return seq_getitem(self, key, "bytearray");
}

static int bytes_contains(Value self, Value item) {
    BufView v = {0}, n = {0};
    int r = buffer_get(item, &n);
    if (r < 0) {
        return -1;
    }
    if (r == 0) {
        int c;
        if (!is_index_like(item)) {
            exc_raise(exc_TypeError, "a bytes-like object is required, not '%s'", val_type_name(item));
            return -1;
        }
        if (!byte_value(item, &c)) {
            return -1;
        }
        buffer_get(self, &v);
        return v.len && memchr(v.ptr, c, v.len) != NULL;
    }
    buffer_get(self, &v);
    if (n.len == 0) {
        return 1;
    }
    return v.len >= n.len && memmem(v.ptr, v.len, n.ptr, n.len) != NULL;
}

static Value bytes_iter(Value self) {
    ObjBytesIter *it = (ObjBytesIter *)obj_alloc(cls_bytes_iter, sizeof(ObjBytesIter));
    it->seq = self;
    return OBJ_VAL(it);
}

static int bytes_iter_next(Value self, Value *out) {
    ObjBytesIter *it = (ObjBytesIter *)AS_OBJ(self);
    if (!it->seq) {
        return 0;
    }
    BufView v = {0};
    buffer_get(it->seq, &v);
    if (it->i < v.len) {
        *out = MK_SMALL(v.ptr[it->i++]);
        return 1;
    }
    it->seq = VAL_NULL;
    return 0;
}

static void bytes_iter_trace(Obj *o) {
    gc_mark_value(((ObjBytesIter *)o)->seq);
}

// bytes_iterator.__reduce__(): (iter, (seq,), index), or (iter, (b'',))
// once exhausted; __setstate__ clamps the index to [0, len].
static Value m_bytes_iter_reduce(int argc, Value *argv, ObjDict *kw) {
    ObjBytesIter *it = (ObjBytesIter *)AS_OBJ(argv[0]);
    Value empty = it->seq ? VAL_NULL : bytes_new("", 0);
    return iter_reduce_at("iter", it->seq, (int64_t)it->i, empty);
}

static Value m_bytes_iter_setstate(int argc, Value *argv, ObjDict *kw) {
    ObjBytesIter *it = (ObjBytesIter *)AS_OBJ(argv[0]);
    BufView v = {0};
    if (it->seq) {
        buffer_get(it->seq, &v);
    }
    int64_t i;
    if (!iter_setstate_at(argc, argv, 0, (int64_t)v.len, &i)) {
        return VAL_NULL;
    }
    if (it->seq) {
        it->i = (size_t)i;
    }
    return VAL_NONE;
}

static const MethodDef bytes_iter_methods[] = {
    {"__reduce__", m_bytes_iter_reduce},
    {"__setstate__", m_bytes_iter_setstate},
    {NULL, NULL},
};

static Value iter_self(Value self) {
    return self;
}

// ---- bytearray assignment

// The bytes [v] stands for in a slice assignment (a bytes copy); NULL on error.
static Value assign_source(Value v) {
    BufView bv = {0};
    int r = buffer_get(v, &bv);
    if (r) {
        return r > 0 ? bytes_try_new(bv.ptr, bv.len) : VAL_NULL;
    }
    // numbers and str are refused; anything else converts as bytearray(v) would
    if (is_index_like(v) || str_check(v) || IS_FLOATISH(v) ||
        (IS_OBJ(v) && (class_lookup(AS_OBJ(v)->cls, str_intern_c("__int__")) ||
                       class_lookup(AS_OBJ(v)->cls, str_intern_c("__float__"))))) {
        return exc_raise(exc_TypeError,
                         "can assign only bytes, buffers, or iterables of ints in range(0, 256)");
    }
    SBuf b;
    sb_init(&b);
    if (!fill_from_object(&b, v, "bytearray")) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value res = bytes_try_new(b.data ? b.data : "", b.len);
    sb_free(&b);
    return res;
}

static bool bytearray_setitem(Value self, Value key, Value val) {
    ObjByteArray *ba = AS_BYTEARRAY(self);
    if (IS_SLICE(key)) {
        Value src = VAL_NULL;
        if (val) {
            src = assign_source(val);
            if (!src) {
                return false;
            }
        }
        gc_push_root(src);
        int64_t start, stop, step, n;
        bool ok = slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)ba->len, &start, &stop, &step, &n);
        gc_pop_root(1);
        if (!ok) {
            return false;
        }
        size_t sl = src ? AS_BYTES(src)->len : 0;
        if (step == 1 && start == 0 && sl == 0 && n > 0) {
            // deleting a prefix: the bytes stay where they are
            ba->data += n;
            ba->off += (size_t)n;
            ba->cap -= (size_t)n;
            ba->len -= (size_t)n;
            return ba_resize(ba, ba->len, false);
        }
        if (step == 1) {
            size_t old = ba->len, tail = old - (size_t)start - (size_t)n;
            if (sl > (size_t)n) {
                if (!bytearray_resize(ba, old + sl - (size_t)n)) {
                    return false;
                }
            }
            memmove(ba->data + start + sl, ba->data + start + n, tail);
            if (sl) {
                memcpy(ba->data + start, AS_BYTES(src)->data, sl);
            }
            if (sl < (size_t)n) {
                bytearray_resize(ba, old - (size_t)n + sl);
            }
            return true;
        }
        if (!src || sl == 0) {
            // delete an extended slice (CPython also does it when given no bytes)
            if (step < 0) {
                start += (n - 1) * step;
                step = -step;
            }
            size_t w = 0;
            for (size_t i = 0; i < ba->len; i++) {
                bool on = (int64_t)i >= start && ((int64_t)i - start) % step == 0 &&
                          ((int64_t)i - start) / step < n;
                if (!on) {
                    ba->data[w++] = ba->data[i];
                }
            }
            bytearray_resize(ba, w);
            return true;
        }
        if (sl != (size_t)n) {
            exc_raise(exc_ValueError, "attempt to assign bytes of size %zu to extended slice of size %lld",
                      sl, (long long)n);
            return false;
        }
        for (int64_t k = 0; k < n; k++) {
            ba->data[start + k * step] = AS_BYTES(src)->data[k];
        }
        return true;
    }
    int64_t i;
    if (!index_value(key, "bytearray", &i)) {
        return false;
    }
    int c = 0;
    if (val && !byte_value(val, &c)) {
        return false;
    }
    if (i < 0) {
        i += (int64_t)ba->len;
    }
    if (i < 0 || i >= (int64_t)ba->len) {
        exc_raise(exc_IndexError, val ? "bytearray index out of range" : "bytearray index out of range");
        return false;
    }
    if (val) {
        ba->data[i] = (unsigned char)c;
    } else {
        memmove(ba->data + i, ba->data + i + 1, ba->len - (size_t)i - 1);
        bytearray_resize(ba, ba->len - 1);
    }
    return true;
}

// ---- bytearray methods

#define BA (AS_BYTEARRAY(argv[0]))

static bool nargs(const char *name, int n, int want) {
    if (n == want) {
        return true;
    }
    if (want == 0) {
        exc_raise(exc_TypeError, "bytearray.%s() takes no arguments (%d given)", name, n);
    } else {
        exc_raise(exc_TypeError, "bytearray.%s() takes exactly one argument (%d given)", name, n);
    }
    return false;
}

static Value m_append(int argc, Value *argv, ObjDict *kw) {
    int c;
    if (!nargs("append", argc - 1, 1) || !byte_value(argv[1], &c)) {
        return VAL_NULL;
    }
    if (!bytearray_resize(BA, BA->len + 1)) {
        return VAL_NULL;
    }
    BA->data[BA->len - 1] = (unsigned char)c;
    return VAL_NONE;
}

static Value m_extend(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("extend", argc - 1, 1)) {
        return VAL_NULL;
    }
    Value v = argv[1];
    Value src;
    BufView bv = {0};
    int r = buffer_get(v, &bv);
    if (r > 0 && !(BA->data && bv.ptr >= BA->data && bv.ptr < BA->data + BA->cap)) {
        // straight from the source's buffer (the common case: bytes read
        // from a socket); a view of this bytearray itself, which the
        // resize may move, takes the copying way below
        size_t old = BA->len, n = bv.len;
        if (!ba_resize(BA, old + n, false)) {
            return VAL_NULL;
        }
        if (n) {
            memcpy(BA->data + old, bv.ptr, n);
        }
        return VAL_NONE;
    }
    if (r < 0) {
        // as CPython, whose extend of a buffer is a slice assignment
        exc_clear();
        return exc_raise(exc_TypeError, "can't set bytearray slice from %s", val_type_name(v));
    }
    if (r) {
        src = bytes_try_new(bv.ptr, bv.len);
    } else {
        Value it = obj_iter(v);
        if (!it) {
            if (EXC_PENDING_IS(exc_TypeError)) {
                exc_clear();
                exc_raise(exc_TypeError, "can't extend bytearray with %s", val_type_name(v));
            }
            return VAL_NULL;
        }
        SBuf b;
        sb_init(&b);
        gc_push_root(it);
        src = fill_from_iterable(&b, it, "byte must be in range(0, 256)")
                  ? bytes_try_new(b.data ? b.data : "", b.len) : VAL_NULL;
        gc_pop_root(1);
        sb_free(&b);
    }
    if (!src) {
        return VAL_NULL;
    }
    size_t old = BA->len;
    if (!ba_resize(BA, old + AS_BYTES(src)->len, false)) {
        return VAL_NULL;
    }
    memcpy(BA->data + old, AS_BYTES(src)->data, AS_BYTES(src)->len);
    return VAL_NONE;
}

static Value m_insert(int argc, Value *argv, ObjDict *kw) {
    if (argc - 1 != 2) {
        return exc_raise(exc_TypeError, "insert expected 2 arguments, got %d", argc - 1);
    }
    int64_t i;
    int c;
    if (!ssize_value(argv[1], &i) || !byte_value(argv[2], &c)) {
        return VAL_NULL;
    }
    int64_t n = (int64_t)BA->len;
    if (i < 0) {
        i += n;
        if (i < 0) {
            i = 0;
        }
    }
    if (i > n) {
        i = n;
    }
    if (!bytearray_resize(BA, BA->len + 1)) {
        return VAL_NULL;
    }
    memmove(BA->data + i + 1, BA->data + i, (size_t)(n - i));
    BA->data[i] = (unsigned char)c;
    return VAL_NONE;
}

static Value m_pop(int argc, Value *argv, ObjDict *kw) {
    if (argc - 1 > 1) {
        return exc_raise(exc_TypeError, "pop expected at most 1 argument, got %d", argc - 1);
    }
    int64_t i = -1;
    if (argc > 1 && !ssize_value(argv[1], &i)) {
        return VAL_NULL;
    }
    if (BA->len == 0) {
        return exc_raise(exc_IndexError, "pop from empty bytearray");
    }
    if (i < 0) {
        i += (int64_t)BA->len;
    }
    if (i < 0 || i >= (int64_t)BA->len) {
        return exc_raise(exc_IndexError, "pop index out of range");
    }
    int c = BA->data[i];
    memmove(BA->data + i, BA->data + i + 1, BA->len - (size_t)i - 1);
    bytearray_resize(BA, BA->len - 1);
    return MK_SMALL(c);
}

static Value m_remove(int argc, Value *argv, ObjDict *kw) {
    int c;
    if (!nargs("remove", argc - 1, 1) || !byte_value(argv[1], &c)) {
        return VAL_NULL;
    }
    unsigned char *p = BA->len ? memchr(BA->data, c, BA->len) : NULL;
    if (!p) {
        return exc_raise(exc_ValueError, "value not found in bytearray");
    }
    size_t i = (size_t)(p - BA->data);
    memmove(p, p + 1, BA->len - i - 1);
    bytearray_resize(BA, BA->len - 1);
    return VAL_NONE;
}

static Value m_clear(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("clear", argc - 1, 0)) {
        return VAL_NULL;
    }
    bytearray_resize(BA, 0);
    return VAL_NONE;
}

static Value m_reverse(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("reverse", argc - 1, 0)) {
        return VAL_NULL;
    }
    for (size_t i = 0, j = BA->len; i + 1 < j; i++, j--) {
        unsigned char t = BA->data[i];
        BA->data[i] = BA->data[j - 1];
        BA->data[j - 1] = t;
    }
    return VAL_NONE;
}

static Value m_copy(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("copy", argc - 1, 0)) {
        return VAL_NULL;
    }
    return bytearray_new(BA->data, BA->len);
}

static Value m_iadd(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("__iadd__", argc - 1, 1)) {
        return VAL_NULL;
    }
    return bytes_binop(argv[0], argv[1], BIN_ADD + BINOP_INPLACE);
}

static Value m_imul(int argc, Value *argv, ObjDict *kw) {
    if (!nargs("__imul__", argc - 1, 1)) {
        return VAL_NULL;
    }
    return bytes_binop(argv[0], argv[1], BIN_MUL + BINOP_INPLACE);
}

static Value m_alloc(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(BA->off + BA->cap + 1);
}

static Value m_bytes_dunder(int argc, Value *argv, ObjDict *kw) {
    return bytes_new(AS_BYTES(argv[0])->data, AS_BYTES(argv[0])->len);
}

static Value m_getnewargs(int argc, Value *argv, ObjDict *kw) {
    Value b = bytes_new(AS_BYTES(argv[0])->data, AS_BYTES(argv[0])->len);
    return tuple_pack(1, b);
}

static const MethodDef bytes_own_methods[] = {
    {"__bytes__", m_bytes_dunder},
    {"__getnewargs__", m_getnewargs},
    {NULL, NULL},
};

static const MethodDef bytearray_methods[] = {
    {"__init__", m_bytearray_init, true},
    {"append", m_append},
    {"extend", m_extend},
    {"insert", m_insert},
    {"pop", m_pop},
    {"remove", m_remove},
    {"clear", m_clear},
    {"reverse", m_reverse},
    {"copy", m_copy},
    {"__alloc__", m_alloc},
    {"__iadd__", m_iadd},
    {"__imul__", m_imul},
    {NULL, NULL},
};

void bytes_init(void) {
    cls_bytes = class_new_builtin("bytes", NULL, sizeof(ObjBytes), bytes_common_methods);
    class_add_methods(cls_bytes, bytes_own_methods);
    ObjClass *c = cls_bytes;
    c->flags |= CLS_BASETYPE;
    c->new_ = bytes_new_slot;
    c->repr = bytes_repr;
    c->hash = bytes_hash;
    c->richcompare = bytes_compare;
    c->binop = bytes_binop;
    c->len = bytes_len;
    c->truthy = bytes_truthy;
    c->getitem = bytes_getitem;
    c->contains = bytes_contains;
    c->iter = bytes_iter;

    cls_bytearray = class_new_builtin("bytearray", NULL, sizeof(ObjByteArray), bytes_common_methods);
    class_add_methods(cls_bytearray, bytearray_methods);
    c = cls_bytearray;
    c->flags |= CLS_BASETYPE;
    c->new_ = bytearray_new_slot;
    c->finalize = bytearray_finalize;
    c->repr = bytearray_repr;
    c->richcompare = bytes_compare;
    c->binop = bytes_binop;
    c->len = bytes_len;
    c->truthy = bytes_truthy;
    c->getitem = bytearray_getitem;
    c->setitem = bytearray_setitem;
    c->contains = bytes_contains;
    c->iter = bytes_iter;
    c->hash = unhashable;

    cls_bytes_iter = class_new_builtin("bytes_iterator", NULL, sizeof(ObjBytesIter), bytes_iter_methods);
    cls_bytes_iter->trace = bytes_iter_trace;
    cls_bytes_iter->iter = iter_self;
    cls_bytes_iter->next = bytes_iter_next;
    memoryview_init();
}
