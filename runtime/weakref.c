// weakref.c: `_weakref`, weak references as CPython's: ref(obj[, callback])
// (subclassable: weakref.py's KeyedRef and WeakMethod derive from it),
// getweakrefcount, getweakrefs, _remove_dead_weakref. The collector does
// not mark through a reference; after marking it clears every reference
// whose object was not reached and queues its callback, which runs right
// after the collection (an exception in it is printed as "Exception
// ignored in: <callback>"). CPython's weakref.py and _weakrefset.py build
// WeakValueDictionary, WeakKeyDictionary, WeakSet, WeakMethod and finalize
// on top (runtime/lib); proxies are pyish too (runtime/lib/_weakproxy.pyish).
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "vmapi.h"

typedef struct ObjWeakRef {
    Obj hdr;
    Value referent;     // VAL_NULL once the object died
    Value callback;     // VAL_NULL: none
    int64_t hash;       // -1 until hashed
    bool hashed;
} ObjWeakRef;

#define WR(v) ((ObjWeakRef *)AS_OBJ(v))

static void trace_weakref(Obj *o) {
    gc_mark_value(((ObjWeakRef *)o)->callback);     // not the referent
}

// Whether CPython lets a program make a weak reference to [v].
// Does __slots__ value [s] name "__weakref__"?
static bool slots_name_weakref(Value s) {
    ObjStr *w = str_intern_c("__weakref__");
    if (IS_STR(s)) {
        return str_eq(AS_STR(s), w);
    }
    if (IS_OBJ(s) && (AS_OBJ(s)->cls == cls_tuple || AS_OBJ(s)->cls == cls_list)) {
        size_t n = AS_OBJ(s)->cls == cls_tuple ? AS_TUPLE(s)->len : AS_LIST(s)->len;
        Value *items = AS_OBJ(s)->cls == cls_tuple ? AS_TUPLE(s)->items : AS_LIST(s)->items;
        for (size_t i = 0; i < n; i++) {
            if (IS_STR(items[i]) && str_eq(AS_STR(items[i]), w)) {
                return true;
            }
        }
        return false;
    }
    return true;    // some other iterable: not looked into
}

static bool native_weakrefable(ObjClass *c);

static bool weakrefable(Value v) {
    if (!IS_OBJ(v)) {
        return false;
    }
    ObjClass *c = AS_OBJ(v)->cls;
    if (c->flags & CLS_USER) {
        ObjClass *n = c->native_base;
        if (n == cls_int || n == cls_str || n == cls_tuple || n == cls_bool || n == cls_float) {
            return false;
        }
        if (!(c->flags & CLS_HAS_SLOTS)) {
            return true;
        }
        // a class whose every Python-level class has __slots__ without
        // "__weakref__" has no weak reference slot (unless its builtin base has)
        for (size_t i = 0; i < c->mro->len; i++) {
            ObjClass *k = AS_CLASS(c->mro->items[i]);
            if (k->flags & CLS_USER) {
                Value s = dict_get_str(k->dict, str_intern_c("__slots__"));
                if (!s || slots_name_weakref(s)) {
                    return true;
                }
            }
        }
        return n && n != cls_object && native_weakrefable(n);
    }
    return native_weakrefable(c);
}

static bool native_weakrefable(ObjClass *c) {
    return c == cls_function || (c->flags & CLS_META) || c == cls_set || c == cls_frozenset ||
           c == cls_generator || c == cls_coroutine || c == cls_async_generator ||
           c == cls_bound_method || c == cls_module || c == cls_code || c == cls_future ||
           c == cls_task || c == cls_loop || c == cls_property || c == cls_genericalias || c == cls_handle ||
           c == cls_timer_handle || c == cls_pattern || c == cls_deque || c == cls_array || c == cls_ordereddict;
}

static bool registry_add(ObjWeakRef *w) {
    if (ST->weak.n == ST->weak.cap) {
        size_t ncap = ST->weak.cap ? ST->weak.cap * 2 : 64;
        Obj **a = realloc(ST->weak.refs, sizeof(Obj *) * ncap);
        if (!a) {
            exc_raise_nomem();
            return false;
        }
        ST->weak.refs = a;
        ST->weak.cap = ncap;
    }
    ST->weak.refs[ST->weak.n++] = (Obj *)w;
    return true;
}

// CPython's PyArg_UnpackTuple(args, fname, 1, 2) message for a bad count
static bool ref_arg_count(const char *fname, int argc) {
    if (argc < 1) {
        exc_raise(exc_TypeError, "%s expected at least 1 argument, got %d", fname, argc);
        return false;
    }
    if (argc > 2) {
        exc_raise(exc_TypeError, "%s expected at most 2 arguments, got %d", fname, argc);
        return false;
    }
    return true;
}

static Value weakref_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (cls == cls_weakref && kw && kw->used) {
        // CPython's vectorcall of weakref.ref itself (a subclass's __new__
        // ignores keywords its __init__ takes)
        return exc_raise(exc_TypeError, "ref() takes no keyword arguments");
    }
    if (!ref_arg_count("__new__", argc)) {
        return VAL_NULL;
    }
    if (!weakrefable(argv[0])) {
        return exc_raise(exc_TypeError, "cannot create weak reference to '%s' object",
                         val_type_name(argv[0]));
    }
    Value cb = argc > 1 && !IS_NONE(argv[1]) ? argv[1] : VAL_NULL;
    if (!cb && cls == cls_weakref) {
        // one callback-less reference per object, as CPython
        for (size_t i = 0; i < ST->weak.n; i++) {
            ObjWeakRef *w = (ObjWeakRef *)ST->weak.refs[i];
            if (w->referent == argv[0] && !w->callback && w->hdr.cls == cls_weakref) {
                return OBJ_VAL(w);
            }
        }
    }
    ObjWeakRef *w = (ObjWeakRef *)obj_alloc(cls, cls->inst_size);
    w->referent = argv[0];
    w->callback = cb;
    w->hash = -1;
    return registry_add(w) ? OBJ_VAL(w) : VAL_NULL;
}

// ref.__init__(obj[, callback]): __new__ did the work (subclasses call it).
static Value weakref_init(int argc, Value *argv, ObjDict *kw) {
    return ref_arg_count("__init__", argc - 1) ? VAL_NONE : VAL_NULL;
}

static Value weakref_call(Value self, int argc, Value *argv, ObjDict *kw) {
    if (argc != 0) {
        return exc_raise(exc_TypeError, "weakref() takes no arguments (%d given)", argc);
    }
    return WR(self)->referent ? WR(self)->referent : VAL_NONE;
}

static Value weakref_repr(Value self) {
    ObjWeakRef *w = WR(self);
    if (!w->referent) {
        return str_printf("<weakref at %p; dead>", (void *)w);
    }
    return str_printf("<weakref at %p; to '%s' at %p>", (void *)w, val_type_name(w->referent),
                      (void *)AS_OBJ(w->referent));
}

static bool weakref_hash(Value self, int64_t *out) {
    ObjWeakRef *w = WR(self);
    if (!w->hashed) {
        if (!w->referent) {
            exc_raise(exc_TypeError, "weak object has gone away");
            return false;
        }
        if (!obj_hash(w->referent, &w->hash)) {
            return false;
        }
        w->hashed = true;
    }
    *out = w->hash;
    return true;
}

static Value weakref_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_OBJ(b) || !class_is_subclass(val_class(b), cls_weakref)) {
        return VAL_NOTIMPL;
    }
    ObjWeakRef *x = WR(a), *y = WR(b);
    int eq;
    if (!x->referent || !y->referent) {
        eq = x == y;
    } else {
        eq = obj_eq(x->referent, y->referent);
        if (eq < 0) {
            return VAL_NULL;
        }
    }
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static Value weakref_getattr(Value self, ObjStr *name) {
    if (strcmp(name->data, "__callback__") == 0) {
        return WR(self)->callback && WR(self)->referent ? WR(self)->callback : VAL_NONE;
    }
    return generic_getattr(self, name);
}

// ---- the collector's side
// After marking: references to unreached objects are cleared, their
// callbacks queued; references that are themselves unreached are dropped.
static bool queue_callback(ObjWeakRef *w) {
    if (ST->weak.npending == ST->weak.cappending) {
        size_t ncap = ST->weak.cappending ? ST->weak.cappending * 2 : 16;
        Obj **a = realloc(ST->weak.pending, sizeof(Obj *) * ncap);
        if (!a) {
            return false;   // no room for the queue: the callback is dropped
        }
        ST->weak.pending = a;
        ST->weak.cappending = ncap;
    }
    ST->weak.pending[ST->weak.npending++] = (Obj *)w;
    return true;
}

// Before finalizers resurrect anything: references to unreached objects are
// cleared (a __del__ that revives its object does not revive them), the
// callbacks of reached references queued. Every reference stays registered
// (one only a resurrected object reaches lives on); weak_sweep drops the dead.
static void weak_clear(void) {
    ST->weak.first_pending = ST->weak.npending;
    for (size_t i = 0; i < ST->weak.n; i++) {
        ObjWeakRef *w = (ObjWeakRef *)ST->weak.refs[i];
        if (w->referent && IS_OBJ(w->referent) && !AS_OBJ(w->referent)->marked) {
            w->referent = VAL_NULL;
            if (w->hdr.marked && w->callback) {
                queue_callback(w);
            }
        }
    }
}

static void weak_sweep(void) {
    size_t keep = 0, first = ST->weak.first_pending;
    for (size_t i = 0; i < ST->weak.n; i++) {
        ObjWeakRef *w = (ObjWeakRef *)ST->weak.refs[i];
        if (!w->hdr.marked) {
            continue;
        }
        if (w->referent && IS_OBJ(w->referent) && !AS_OBJ(w->referent)->marked) {
            w->referent = VAL_NULL;
            if (w->callback) {
                queue_callback(w);
            }
            continue;   // dead references leave the registry
        }
        ST->weak.refs[keep++] = (Obj *)w;
    }
    ST->weak.n = keep;
    // newest reference first, as CPython calls an object's callbacks
    for (size_t i = first, j = ST->weak.npending; i + 1 < j; i++, j--) {
        Obj *t = ST->weak.pending[i];
        ST->weak.pending[i] = ST->weak.pending[j - 1];
        ST->weak.pending[j - 1] = t;
    }
}

static void mark_pending(void) {
    for (size_t i = 0; i < ST->weak.npending; i++) {
        gc_mark_obj(ST->weak.pending[i]);
    }
}

// Runs the queued callbacks (after the collection, outside it).
static void run_callbacks(void) {
    if (ST->weak.running) {
        return;
    }
    ST->weak.running = true;
    for (size_t i = 0; i < ST->weak.npending; i++) {
        ObjWeakRef *w = (ObjWeakRef *)ST->weak.pending[i];
        Value cb = w->callback;
        w->callback = VAL_NULL;
        if (!cb) {
            continue;
        }
        Value self = OBJ_VAL(w);
        gc_push_root(cb);
        Value saved = exc_take();
        if (saved) {
            gc_push_root(saved);
        }
        Value r = vm_call(cb, 1, &self, NULL);
        if (!r) {
            Value e = exc_take();
            gc_push_root(e);
            Value cr = obj_repr(cb);
            if (!cr) {
                exc_clear();
            }
            fflush(stdout);
            fprintf(state_stderr(), "Exception ignored in: %s\n", cr ? AS_STR(cr)->data : "<callback>");
            tb_print_unraisable(e);
            gc_pop_root(1);
        }
        if (saved) {
            exc_raise_value(saved);
            gc_pop_root(1);
        }
        gc_pop_root(1);
    }
    ST->weak.npending = 0;
    ST->weak.running = false;
}

// ---- module functions
static Value w_getweakrefcount(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getweakrefcount", argc, 1, 1)) {
        return VAL_NULL;
    }
    int64_t n = 0;
    for (size_t i = 0; i < ST->weak.n; i++) {
        n += ((ObjWeakRef *)ST->weak.refs[i])->referent == argv[0];
    }
    return MK_SMALL(n);
}

Value weakref_first(Value obj) {
    for (size_t i = 0; i < ST->weak.n; i++) {
        if (((ObjWeakRef *)ST->weak.refs[i])->referent == obj) {
            return OBJ_VAL(ST->weak.refs[i]);
        }
    }
    return VAL_NONE;
}

static Value w_getweakrefs(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getweakrefs", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value l = list_new(2);
    gc_push_root(l);
    for (size_t i = 0; i < ST->weak.n; i++) {
        if (((ObjWeakRef *)ST->weak.refs[i])->referent == argv[0]) {
            list_append(AS_LIST(l), OBJ_VAL(ST->weak.refs[i]));
        }
    }
    gc_pop_root(1);
    return l;
}

// _remove_dead_weakref(d, key): del d[key] if it is a dead reference.
static Value w_remove_dead(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_remove_dead_weakref", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_OBJ(argv[0]) || !class_is_subclass(val_class(argv[0]), cls_dict)) {
        return exc_raise(exc_TypeError, "_remove_dead_weakref() argument 1 must be dict, not %s",
                         val_type_name(argv[0]));
    }
    Value v;
    int r = dict_get(AS_DICT(argv[0]), argv[1], &v);
    if (r < 0) {
        return VAL_NULL;
    }
    if (r == 1 && IS_OBJ(v) && class_is_subclass(val_class(v), cls_weakref) && !WR(v)->referent) {
        if (dict_del(AS_DICT(argv[0]), argv[1]) < 0) {
            return VAL_NULL;
        }
    }
    return VAL_NONE;
}

// proxy(obj[, callback]): the proxy types are pyish (runtime/lib/_weakproxy.pyish)
static Value w_proxy(int argc, Value *argv, ObjDict *kw) {
    Value m = vm_import("_weakproxy");
    Value f = m ? obj_getattr(m, str_intern_c("proxy")) : VAL_NULL;
    return f ? vm_call(f, argc, argv, kw) : VAL_NULL;
}

static const MethodDef weakref_methods[] = {
    {"__init__", weakref_init},
    {NULL, NULL},
};

void weakref_init_class(void) {
    cls_weakref = class_new_builtin("ReferenceType", NULL, sizeof(ObjWeakRef), weakref_methods);
    cls_weakref->module = str_intern_c("weakref");
    cls_weakref->new_ = weakref_new;
    cls_weakref->trace = trace_weakref;
    cls_weakref->repr = weakref_repr;
    cls_weakref->call = weakref_call;
    cls_weakref->hash = weakref_hash;
    cls_weakref->richcompare = weakref_richcompare;
    cls_weakref->getattr = weakref_getattr;
    gc_set_weak_pass(weak_sweep);
    gc_set_weak_clear(weak_clear);
    gc_set_after_hook(run_callbacks);
    gc_add_root_marker(mark_pending);
}

Value mod_weakref_init(void) {
    Value m = module_new("_weakref");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("ref"), OBJ_VAL(cls_weakref));
    dict_set_str(d, str_intern_c("ReferenceType"), OBJ_VAL(cls_weakref));
    // no proxies: their types exist for isinstance checks, proxy() refuses
    ObjClass *p = class_new_builtin("weakproxy", NULL, sizeof(Obj), NULL);
    p->new_ = NULL;
    dict_set_str(d, str_intern_c("ProxyType"), OBJ_VAL(p));
    ObjClass *cp = class_new_builtin("weakcallableproxy", NULL, sizeof(Obj), NULL);
    cp->new_ = NULL;
    dict_set_str(d, str_intern_c("CallableProxyType"), OBJ_VAL(cp));
    dict_set_str(d, str_intern_c("proxy"), native_new("proxy", w_proxy, NULL));
    dict_set_str(d, str_intern_c("getweakrefcount"), native_new("getweakrefcount", w_getweakrefcount, NULL));
    dict_set_str(d, str_intern_c("getweakrefs"), native_new("getweakrefs", w_getweakrefs, NULL));
    dict_set_str(d, str_intern_c("_remove_dead_weakref"), native_new("_remove_dead_weakref", w_remove_dead, NULL));
    return m;
}
