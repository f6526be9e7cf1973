// memoryview.c: memoryview over bytes and bytearray (format 'B', one
// dimension). A view names its exporter and a window (start, step, len) on
// it; slicing makes a new window on the same exporter, copying nothing,
// and every access reads the exporter's current buffer through buffer_get.
// Views of a bytearray are writable. release() (or leaving a `with`
// block) detaches the view; later uses raise ValueError as in CPython.
#include <string.h>

#include "bytes.h"
#include "containers.h"
#include "numstr.h"
#include "gc.h"
#include "runtime.h"

#define MV(v) AS_MEMORYVIEW(v)

static bool alive(Value self) {
    if (MV(self)->released) {
        exc_raise(exc_ValueError, "operation forbidden on released memoryview object");
        return false;
    }
    return true;
}

// The exporter's buffer, with the view's window checked against it.
static bool base_buf(Value self, BufView *b) {
    if (!alive(self) || buffer_get(MV(self)->obj, b) != 1) {
        return false;
    }
    ObjMemoryView *m = MV(self);
    if (m->len == 0) {
        return true;
    }
    int64_t last = (int64_t)m->start + (int64_t)(m->len - 1) * m->step;
    if ((int64_t)m->start >= (int64_t)b->len || last < 0 || last >= (int64_t)b->len) {
        exc_raise(exc_IndexError, "index out of range");
        return false;
    }
    return true;
}

static Value view_new(Value obj, size_t start, int64_t step, size_t len, bool readonly) {
    ObjMemoryView *m = (ObjMemoryView *)obj_alloc(cls_memoryview, sizeof(ObjMemoryView));
    m->obj = obj;
    m->start = start;
    m->step = step;
    m->len = len;
    m->readonly = readonly;
    return OBJ_VAL(m);
}

static Value mv_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value obj = kw_get(kw, "object");
    if (argc > 1 || (argc == 1 && obj)) {
        return exc_raise(exc_TypeError, "memoryview() takes at most 1 argument (%d given)",
                         argc + (obj != VAL_NULL));
    }
    if (argc == 1) {
        obj = argv[0];
    }
    if (!obj) {
        return exc_raise(exc_TypeError, "memoryview() missing required argument 'object' (pos 1)");
    }
    if (IS_A(obj, cls_memoryview)) {
        if (!alive(obj)) {
            return VAL_NULL;
        }
        ObjMemoryView *o = MV(obj);
        return view_new(o->obj, o->start, o->step, o->len, o->readonly);
    }
    BufView b;
    int r = buffer_get(obj, &b);
    if (r < 0) {
        return VAL_NULL;
    }
    if (r == 0) {
        return exc_raise(exc_TypeError, "memoryview: a bytes-like object is required, not '%s'",
                         val_type_name(obj));
    }
    return view_new(obj, 0, 1, b.len, b.readonly);
}

static void mv_trace(Obj *o) {
    gc_mark_value(((ObjMemoryView *)o)->obj);
}

static Value mv_repr(Value self) {
    return str_printf(MV(self)->released ? "<released memory at %p>" : "<memory at %p>",
                      (void *)AS_OBJ(self));
}

static int64_t mv_len(Value self) {
    return alive(self) ? (int64_t)MV(self)->len : -1;
}

static int mv_truthy(Value self) {
    return alive(self) ? MV(self)->len != 0 : -1;
}

// A copy of the view's bytes as a new bytes.
static Value to_bytes(Value self) {
    BufView b;
    if (!base_buf(self, &b)) {
        return VAL_NULL;
    }
    ObjMemoryView *m = MV(self);
    if (m->step == 1) {
        return bytes_try_new(b.ptr + m->start, m->len);
    }
    SBuf s;
    sb_init(&s);
    for (size_t k = 0; k < m->len; k++) {
        sb_addc(&s, (char)b.ptr[(int64_t)m->start + (int64_t)k * m->step]);
    }
    if (s.failed) {
        return VAL_NULL;
    }
    Value r = bytes_try_new(s.data ? s.data : "", s.len);
    sb_free(&s);
    return r;
}

static bool item_index(Value self, Value key, int64_t *out) {
    if (!index_value(key, "memoryview", out)) {
        if (EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            exc_raise(exc_TypeError, "memoryview: invalid slice key");
        }
        return false;
    }
    int64_t i = *out;
    if (i < 0) {
        i += (int64_t)MV(self)->len;
    }
    if (i < 0 || i >= (int64_t)MV(self)->len) {
        exc_raise(exc_IndexError, "index out of bounds on dimension 1");
        return false;
    }
    *out = (int64_t)MV(self)->start + i * MV(self)->step;
    return true;
}

static Value mv_getitem(Value self, Value key) {
    if (!alive(self)) {
        return VAL_NULL;
    }
    ObjMemoryView *m = MV(self);
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)m->len, &start, &stop, &step, &n)) {
            return VAL_NULL;
        }
        return view_new(m->obj, (size_t)((int64_t)m->start + start * m->step), step * m->step,
                        (size_t)n, m->readonly);
    }
    if (IS_TUPLE(key) && AS_TUPLE(key)->len == 0) {
        return exc_raise(exc_TypeError, "invalid indexing of 1-dim memory");
    }
    int64_t off;
    BufView b;
    if (!item_index(self, key, &off) || !base_buf(self, &b)) {
        return VAL_NULL;
    }
    return MK_SMALL(b.ptr[off]);
}

static bool mv_setitem(Value self, Value key, Value val) {
    if (!alive(self)) {
        return false;
    }
    ObjMemoryView *m = MV(self);
    if (m->readonly) {
        exc_raise(exc_TypeError, "cannot modify read-only memory");
        return false;
    }
    if (!val) {
        exc_raise(exc_TypeError, "cannot delete memory");
        return false;
    }
    BufView b;
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)m->len, &start, &stop, &step, &n)) {
            return false;
        }
        BufView src;
        if (!buffer_need(val, &src)) {
            return false;
        }
        if ((int64_t)src.len != n) {
            exc_raise(exc_ValueError, "memoryview assignment: lvalue and rvalue have different structures");
            return false;
        }
        // the source may overlap the target: copy it first
        Value copy = bytes_try_new(src.ptr, src.len);
        if (!copy || !base_buf(self, &b)) {
            return false;
        }
        for (int64_t k = 0; k < n; k++) {
            b.ptr[(int64_t)m->start + (start + k * step) * m->step] = AS_BYTES(copy)->data[k];
        }
        return true;
    }
    int64_t off;
    if (!item_index(self, key, &off)) {
        return false;
    }
    int64_t v;
    if (!int_check(val) || !int_to_i64(val, &v) || v < 0 || v > 255) {
        exc_clear();
        if (!int_check(val)) {
            exc_raise(exc_TypeError, "memoryview: invalid type for format 'B'");
        } else {
            exc_raise(exc_ValueError, "memoryview: invalid value for format 'B'");
        }
        return false;
    }
    if (!base_buf(self, &b)) {
        return false;
    }
    b.ptr[off] = (unsigned char)v;
    return true;
}

static Value mv_compare(Value a, Value b, int op) {
    if (op != OP_EQ && op != OP_NE) {
        return VAL_NOTIMPL;
    }
    if (a == b) {
        return VAL_BOOL(op == OP_EQ);
    }
    if (MV(a)->released || (IS_A(b, cls_memoryview) && MV(b)->released)) {
        return VAL_BOOL(op == OP_NE);
    }
    Value x = to_bytes(a);
    if (!x) {
        return VAL_NULL;
    }
    gc_push_root(x);
    Value y;
    if (IS_A(b, cls_memoryview)) {
        y = to_bytes(b);
    } else {
        BufView bv;
        int r = buffer_get(b, &bv);
        y = r > 0 ? bytes_try_new(bv.ptr, bv.len) : r == 0 ? VAL_NOTIMPL : VAL_NULL;
    }
    gc_pop_root(1);
    if (!y || y == VAL_NOTIMPL) {
        return y;
    }
    bool eq = AS_BYTES(x)->len == AS_BYTES(y)->len &&
              memcmp(AS_BYTES(x)->data, AS_BYTES(y)->data, AS_BYTES(x)->len) == 0;
    return VAL_BOOL(eq == (op == OP_EQ));
}

static bool mv_hash(Value self, int64_t *out) {
    if (!alive(self)) {
        return false;
    }
    if (!MV(self)->readonly) {
        exc_raise(exc_ValueError, "cannot hash writable memoryview object");
        return false;
    }
    Value b = to_bytes(self);
    return b && obj_hash(b, out);
}

static Value tolist(Value self) {
    Value b = to_bytes(self);
    if (!b) {
        return VAL_NULL;
    }
    gc_push_root(b);
    Value l = list_new(AS_BYTES(b)->len);
    gc_pop_root(1);
    if (!l) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < AS_BYTES(b)->len; i++) {
        list_append(AS_LIST(l), MK_SMALL(AS_BYTES(b)->data[i]));
    }
    return l;
}

static Value mv_iter(Value self) {
    Value l = tolist(self);
    return l ? obj_iter(l) : VAL_NULL;
}

static Value mv_getattr(Value self, ObjStr *name) {
    const char *n = name->data;
    ObjMemoryView *m = MV(self);
    static const char *const props[] = {"obj", "nbytes", "readonly", "itemsize", "format", "ndim",
                                        "shape", "strides", "c_contiguous", "contiguous",
                                        "f_contiguous", "suboffsets", NULL};
    int i = 0;
    while (props[i] && strcmp(n, props[i]) != 0) {
        i++;
    }
    if (!props[i]) {
        return generic_getattr(self, name);
    }
    if (!alive(self)) {
        return VAL_NULL;
    }
    switch (i) {
    case 0: return m->obj;
    case 1: return MK_SMALL(m->len);
    case 2: return VAL_BOOL(m->readonly);
    case 3: return MK_SMALL(1);
    case 4: return str_from_c("B");
    case 5: return MK_SMALL(1);
    case 6: return tuple_pack(1, MK_SMALL(m->len));
    case 7: return tuple_pack(1, MK_SMALL(m->step));
    case 8: case 9: case 10: return VAL_BOOL(m->step == 1 || m->len == 1);
    default: return tuple_new(0);
    }
}

#define SELF argv[0]

Value memoryview_tobytes(Value mv) {
    return to_bytes(mv);
}

static Value m_tobytes(int argc, Value *argv, ObjDict *kw) {
    return to_bytes(SELF);
}

static Value m_tolist(int argc, Value *argv, ObjDict *kw) {
    return tolist(SELF);
}

static Value m_hex(int argc, Value *argv, ObjDict *kw) {
    Value b = to_bytes(SELF);
    if (!b) {
        return VAL_NULL;
    }
    gc_push_root(b);
    Value r = call_method(b, "hex", argc - 1, argv + 1);
    gc_pop_root(1);
    return r;
}

static Value m_release(int argc, Value *argv, ObjDict *kw) {
    MV(SELF)->released = true;
    MV(SELF)->obj = VAL_NONE;
    return VAL_NONE;
}

static Value m_enter(int argc, Value *argv, ObjDict *kw) {
    return alive(SELF) ? SELF : VAL_NULL;
}

static Value m_exit(int argc, Value *argv, ObjDict *kw) {
    MV(SELF)->released = true;
    MV(SELF)->obj = VAL_NONE;
    return VAL_FALSE;
}

static Value m_toreadonly(int argc, Value *argv, ObjDict *kw) {
    if (!alive(SELF)) {
        return VAL_NULL;
    }
    ObjMemoryView *m = MV(SELF);
    return view_new(m->obj, m->start, m->step, m->len, true);
}

static Value m_cast(int argc, Value *argv, ObjDict *kw) {
    if (!alive(SELF)) {
        return VAL_NULL;
    }
    Value fmt = argc > 1 ? argv[1] : kw_get(kw, "format");
    if (!fmt || !str_check(fmt)) {
        return exc_raise(exc_TypeError, "memoryview.cast(): argument 'format' must be str");
    }
    const char *f = AS_STR(fmt)->data;
    if (strcmp(f, "B") != 0 && strcmp(f, "@B") != 0 && strcmp(f, "c") != 0 && strcmp(f, "b") != 0) {
        return exc_raise(exc_NotImplementedError, "memoryview: format %s not supported", f);
    }
    ObjMemoryView *m = MV(SELF);
    if (m->step != 1 && m->len != 1) {
        return exc_raise(exc_TypeError, "memoryview: casts are restricted to C-contiguous views");
    }
    return view_new(m->obj, m->start, 1, m->len, m->readonly);
}

static const MethodDef mv_methods[] = {
    {"tobytes", m_tobytes},
    {"tolist", m_tolist},
    {"hex", m_hex},
    {"release", m_release},
    {"__enter__", m_enter},
    {"__exit__", m_exit},
    {"toreadonly", m_toreadonly},
    {"cast", m_cast},
    {NULL, NULL},
};

void memoryview_init(void) {
    ObjClass *c = class_new_builtin("memoryview", NULL, sizeof(ObjMemoryView), mv_methods);
    cls_memoryview = c;
    c->flags &= ~(uint32_t)CLS_BASETYPE;
    c->new_ = mv_new;
    c->trace = mv_trace;
    c->repr = mv_repr;
    c->len = mv_len;
    c->truthy = mv_truthy;
    c->getitem = mv_getitem;
    c->setitem = mv_setitem;
    c->richcompare = mv_compare;
    c->hash = mv_hash;
    c->iter = mv_iter;
    c->getattr = mv_getattr;
}
