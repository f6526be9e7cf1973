// class.c: classes as objects. Bootstraps `type` and `object`, makes the
// builtin classes (class_new_builtin), creates user classes from a class
// statement (C3 MRO, slot inheritance, dunder trampolines), calls a class to
// make an instance (type_call), and holds the small callable kinds that live
// in class dicts: native functions, bound methods, property, staticmethod
// and classmethod, plus the None/NotImplemented/Ellipsis singletons.
#include <string.h>
#include <math.h>
#include "object.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "containers.h"
#include "func.h"
#include "numstr.h"
#include "vmapi.h"


// ---- bootstrap: classes made before str and dict exist get their name and
// dict once both are ready.
typedef struct ClassPending {
    ObjClass *cls;
    const char *name;
    const MethodDef *methods;
} Pending;

// Every builtin class, so the GC and the slot-wrapper pass see them.
// ST->cls.builtin[0..nfinished) have their slot wrappers.

static void mark_builtins(void) {
    for (int i = 0; i < ST->cls.nbuiltin; i++) {
        gc_mark_obj((Obj *)ST->cls.builtin[i]);
    }
    gc_mark_obj(obj_none);
    gc_mark_obj(obj_notimplemented);
    gc_mark_obj(obj_ellipsis);
    gc_mark_obj(obj_true);
    gc_mark_obj(obj_false);
}

static void trace_class(Obj *o) {
    ObjClass *c = (ObjClass *)o;
    gc_mark_obj((Obj *)c->dict);
    gc_mark_obj((Obj *)c->name);
    gc_mark_obj((Obj *)c->module);
    gc_mark_obj((Obj *)c->bases);
    gc_mark_obj((Obj *)c->mro);
    gc_mark_obj((Obj *)c->native_base);
}

// The number of a new class, in creation order; the list of live classes
// that __subclasses__ keeps no longer holds them all.
static uint32_t class_next_seq(void) {
    ST->cls.live = NULL;
    return ST->cls.next_seq++;
}

static ObjClass *raw_class(ObjClass *base, size_t inst_size) {
    class_changed();
    ObjClass *c = (ObjClass *)obj_alloc(cls_type, sizeof(ObjClass));
    c->seq = class_next_seq();
    c->native_base = c;
    c->inst_size = (uint32_t)inst_size;
    if (base) {
        // Inherit every slot; the file making the class overrides some.
        size_t off = offsetof(ObjClass, new_);
        memcpy((char *)c + off, (char *)base + off, sizeof(ObjClass) - off);
        c->dict_offset = base->dict_offset;
        c->flags = base->flags & (CLS_EXCEPTION | CLS_ODICT);
    }
    c->flags |= CLS_BASETYPE;
    if (ST->cls.nbuiltin == ST->cls.capbuiltin) {
        ST->cls.capbuiltin = ST->cls.capbuiltin ? ST->cls.capbuiltin * 2 : 64;
        ST->cls.builtin = mem_realloc(ST->cls.builtin, sizeof(ObjClass *) * (size_t)ST->cls.nbuiltin,
                                      sizeof(ObjClass *) * (size_t)ST->cls.capbuiltin);
    }
    ST->cls.builtin[ST->cls.nbuiltin++] = c;
    return c;
}

static void finish_builtin(ObjClass *c, const char *name, const MethodDef *methods) {
    c->name = AS_STR(str_intern(name, strlen(name)));
    c->module = str_intern_c("builtins");
    c->dict = AS_DICT(dict_new());
    if (methods) {
        class_add_methods(c, methods);
    }
}

// The base recorded until the tuple class exists.

ObjClass *class_new_builtin(const char *name, ObjClass *base, size_t inst_size,
                            const MethodDef *methods) {
    if (!base && cls_object && strcmp(name, "object") != 0) {
        base = cls_object;
    }
    ObjClass *c = raw_class(base, inst_size);
    if (!ST->cls.ready) {
        ST->cls.pending_base[ST->cls.npending] = base;
        ST->cls.pending[ST->cls.npending++] = (Pending){c, name, methods};
        return c;
    }
    finish_builtin(c, name, methods);
    class_set_bases(c, base);
    return c;
}

void class_add_methods(ObjClass *cls, const MethodDef *methods) {
    class_changed();
    for (const MethodDef *m = methods; m->name; m++) {
        Value f = native_new(m->name, m->fn, cls);
        ((ObjNative *)AS_OBJ(f))->takes_kw = m->kw;
        dict_set_str(cls->dict, str_intern_c(m->name), f);
    }
}

// Sets __bases__ and __mro__ of a single-inheritance builtin class.
void class_set_bases(ObjClass *c, ObjClass *base) {
    if (!base) {
        c->bases = AS_TUPLE(tuple_new(0));
        c->mro = AS_TUPLE(tuple_pack(1, OBJ_VAL(c)));
        return;
    }
    c->bases = AS_TUPLE(tuple_pack(1, OBJ_VAL(base)));
    size_t n = base->mro ? base->mro->len : 0;
    ObjTuple *mro = AS_TUPLE(tuple_new(n + 1));
    mro->items[0] = OBJ_VAL(c);
    for (size_t i = 0; i < n; i++) {
        mro->items[i + 1] = base->mro->items[i];
        AS_CLASS(base->mro->items[i])->flags |= CLS_HAS_SUBCLASS;
    }
    c->mro = mro;
}

// ---- natives and bound methods
Value native_new(const char *name, NativeFn fn, ObjClass *owner) {
    ObjNative *n = (ObjNative *)obj_alloc(cls_native, sizeof(ObjNative));
    n->fn = fn;
    n->name = name;
    n->owner = owner;
    return OBJ_VAL(n);
}

void native_add_functions(ObjDict *d, const char *qual, const MethodDef *defs) {
    for (const MethodDef *m = defs; m->name; m++) {
        Value f = native_new(m->name, m->fn, NULL);
        ((ObjNative *)AS_OBJ(f))->takes_kw = m->kw;
        ((ObjNative *)AS_OBJ(f))->qual = qual;
        dict_set_str(d, str_intern_c(m->name), f);
    }
}

// CPython names a method by its class's short name ("deque.append") and a
// module function by its module unless that is builtins ("math.sqrt", "len").
bool native_refuse_kw(ObjNative *n) {
    const char *q = n->owner ? n->owner->name->data : n->qual;
    if (q) {
        exc_raise(exc_TypeError, "%s.%s() takes no keyword arguments", q, n->name);
    } else {
        exc_raise(exc_TypeError, "%s() takes no keyword arguments", n->name);
    }
    return false;
}

// method(function, instance) (types.MethodType): binds a callable.
static Value bound_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (kw && kw->used) {
        return exc_raise(exc_TypeError, "method() takes no keyword arguments");
    }
    if (argc != 2) {
        return exc_raise(exc_TypeError, "method expected 2 arguments, got %d", argc);
    }
    ObjClass *fc = val_class(argv[0]);
    if (!(fc->call || fc == cls_function || fc == cls_native || fc == cls_bound_method ||
          IS_CLASS(argv[0]))) {
        return exc_raise(exc_TypeError, "first argument must be callable");
    }
    if (IS_NONE(argv[1])) {
        return exc_raise(exc_TypeError, "instance must not be None");
    }
    return bound_method_new(argv[1], argv[0]);
}

// <staticmethod(<function f at 0x...>)>, as CPython 3.10+ prints it.
static Value wrapper_repr(Value self) {
    Value inner = obj_repr(((ObjWrapper *)AS_OBJ(self))->func);
    if (!inner) {
        return VAL_NULL;
    }
    return str_printf("<%s(%s)>", AS_OBJ(self)->cls->name->data, AS_STR(inner)->data);
}

static void trace_native(Obj *o) {
    ObjNative *n = (ObjNative *)o;
    gc_mark_obj((Obj *)n->owner);
    gc_mark_value(n->self);
}

static bool wrapper_style(ObjNative *n);

static Value native_repr(Value self) {
    ObjNative *n = (ObjNative *)AS_OBJ(self);
    if (n->owner && !IS_OBJ(n->self) && !IS_IMMF(n->self)) {
        if (n->is_classmethod || (n->slot == SLOT_NEW)) {
            return str_printf("<built-in method %s of type object at %p>", n->name, (void *)n->owner);
        }
        return str_printf(wrapper_style(n) ? "<slot wrapper '%s' of '%s' objects>" : "<method '%s' of '%s' objects>",
                          n->name, n->owner->name->data);
    }
    if (n->self != VAL_NULL) {
        return str_printf("<built-in method %s of %s object at %p>", n->name,
                          val_type_name(n->self), (void *)n->self);
    }
    return str_printf("<built-in function %s>", n->name);
}

Value bound_method_new(Value self, Value func) {
    ObjBoundMethod *b = (ObjBoundMethod *)obj_alloc(cls_bound_method, sizeof(ObjBoundMethod));
    b->self = self;
    b->func = func;
    return OBJ_VAL(b);
}

static void trace_bound(Obj *o) {
    ObjBoundMethod *b = (ObjBoundMethod *)o;
    gc_mark_value(b->self);
    gc_mark_value(b->func);
}

static Value bound_repr(Value self) {
    ObjBoundMethod *b = (ObjBoundMethod *)AS_OBJ(self);
    if (IS_A(b->func, cls_native) && !IS_CLASS(b->self)) {
        ObjNative *n = (ObjNative *)AS_OBJ(b->func);
        return str_printf(wrapper_style(n) ? "<method-wrapper '%s' of %s object at %p>"
                                           : "<built-in method %s of %s object at %p>",
                          n->name, val_type_name(b->self), (void *)b->self);
    }
    Value r = obj_repr(b->self);
    if (!r) {
        return VAL_NULL;
    }
    Value name = obj_getattr_opt(b->func, str_intern_c("__qualname__"));
    if (!name) {
        name = obj_getattr_opt(b->func, str_intern_c("__name__"));
    }
    if (!name || !IS_STR(name)) {
        exc_clear();
        name = str_from_c("?");
    }
    return str_printf("<bound method %s of %s>", AS_STR(name)->data, AS_STR(r)->data);
}

static Value bound_getattr(Value self, ObjStr *name) {
    ObjBoundMethod *b = (ObjBoundMethod *)AS_OBJ(self);
    if (strcmp(name->data, "__self__") == 0) {
        return b->self;
    }
    if (strcmp(name->data, "__func__") == 0) {
        return b->func;
    }
    if (dict_get_str(cls_bound_method->dict, name)) {
        return generic_getattr(self, name);     // the method type's own (__call__, __eq__...) first
    }
    if (IS_A(b->func, cls_native) && strcmp(name->data, "__module__") == 0) {
        return VAL_NONE;    // a builtin method bound to its object ([].append)
    }
    return obj_getattr(b->func, name);
}

static Value bound_compare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_A(b, cls_bound_method)) {
        return VAL_NOTIMPL;
    }
    ObjBoundMethod *x = (ObjBoundMethod *)AS_OBJ(a), *y = (ObjBoundMethod *)AS_OBJ(b);
    bool eq = x->self == y->self && x->func == y->func;
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static bool bound_hash(Value self, int64_t *out) {
    ObjBoundMethod *b = (ObjBoundMethod *)AS_OBJ(self);
    *out = (int64_t)(((uintptr_t)b->self >> 4) ^ ((uintptr_t)b->func >> 4));
    return true;
}

static Value native_getattr(Value self, ObjStr *name) {
    ObjNative *n = (ObjNative *)AS_OBJ(self);
    if (strcmp(name->data, "__name__") == 0) {
        return str_from_c(n->name);
    }
    if (strcmp(name->data, "__qualname__") == 0) {
        // CPython's: a method's is its class's qualname and its name (the
        // bound object's class, or the class a classmethod is bound to);
        // a module function's is its name
        ObjClass *c = n->self ? (IS_CLASS(n->self) ? AS_CLASS(n->self) : val_class(n->self)) : n->owner;
        if (!c || c == cls_module) {
            return str_from_c(n->name);
        }
        return str_printf("%s.%s", class_qualname(c)->data, n->name);
    }
    if (strcmp(name->data, "__self__") == 0) {
        return n->self ? n->self : VAL_NONE;
    }
    if (strcmp(name->data, "__objclass__") == 0 && n->owner && !n->self) {
        return OBJ_VAL(n->owner);   // an unbound method of a builtin class (list.append)
    }
    if (strcmp(name->data, "__module__") == 0 && (!n->owner || n->self)) {
        // CPython: a module function's module ('builtins' for len), None
        // for a builtin method bound to its object; unbound methods have none
        if (n->self || n->owner) {
            return VAL_NONE;
        }
        return OBJ_VAL(str_intern_c(n->qual ? n->qual : "builtins"));
    }
    return generic_getattr(self, name);
}

// builtin_function_or_method.__reduce__(), as CPython's: a module function
// pickles by its name (pickle finds it in its __module__), a method as
// getattr(its object or class, name).
static Value native_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    ObjNative *n = (ObjNative *)AS_OBJ(argv[0]);
    if (!n->self && !n->owner) {
        return str_from_c(n->name);
    }
    Value fn = builtins_get("getattr");
    if (!fn) {
        return VAL_NULL;
    }
    gc_push_root(fn);
    Value name = str_from_c(n->name);
    gc_push_root(name);
    Value args = tuple_pack(2, n->self ? n->self : OBJ_VAL(n->owner), name);
    gc_push_root(args);
    Value r = tuple_pack(2, fn, args);
    gc_pop_root(3);
    return r;
}

static const MethodDef native_methods[] = {
    {"__reduce__", native_reduce},
    {NULL, NULL},
};

// ---- property, staticmethod, classmethod
static void trace_property(Obj *o) {
    ObjProperty *p = (ObjProperty *)o;
    gc_mark_value(p->fget);
    gc_mark_value(p->fset);
    gc_mark_value(p->fdel);
    gc_mark_value(p->doc);
    gc_mark_value(p->name);
}

// property(fget, fset, fdel, doc) into [p]: property.__init__'s work.
static bool property_fill(ObjProperty *p, int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"fget", "fset", "fdel", "doc", NULL};
    if (!kw_only("property", kw, allowed) || !arg_count("property", argc, 0, 4)) {
        return false;
    }
    p->fget = argc > 0 ? argv[0] : VAL_NONE;
    p->fset = argc > 1 ? argv[1] : VAL_NONE;
    p->fdel = argc > 2 ? argv[2] : VAL_NONE;
    p->doc = argc > 3 ? argv[3] : VAL_NONE;
    Value v;
    if ((v = kw_get(kw, "fget"))) {
        p->fget = v;
    }
    if ((v = kw_get(kw, "fset"))) {
        p->fset = v;
    }
    if ((v = kw_get(kw, "fdel"))) {
        p->fdel = v;
    }
    if ((v = kw_get(kw, "doc"))) {
        p->doc = v;
    }
    return true;
}

// A subclass's instance is of that class; one with its own __init__
// takes any arguments here, its __init__ calls property.__init__ (CPython's
// property does its work in __init__).
static Value property_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    ObjProperty *p = (ObjProperty *)obj_alloc(cls, sizeof(ObjProperty));
    p->fget = p->fset = p->fdel = p->doc = VAL_NONE;
    if (cls != cls_property) {
        Value init = class_lookup(cls, ST->s_init);
        if (init && !IS_A(init, cls_native)) {
            return OBJ_VAL(p);
        }
    }
    gc_push_root(OBJ_VAL(p));
    bool ok = property_fill(p, argc, argv, kw);
    gc_pop_root(1);
    return ok ? OBJ_VAL(p) : VAL_NULL;
}

static Value property_init_m(int argc, Value *argv, ObjDict *kw) {
    if (argc < 1 || !IS_OBJ(argv[0]) || !class_is_subclass(val_class(argv[0]), cls_property)) {
        return exc_raise(exc_TypeError, "descriptor '__init__' requires a 'property' object");
    }
    return property_fill((ObjProperty *)AS_OBJ(argv[0]), argc - 1, argv + 1, kw) ? VAL_NONE : VAL_NULL;
}

static void add_field(ObjClass *cls, const char *name, NativeFn fn, bool member) {
    ObjProperty *p = (ObjProperty *)obj_alloc(member ? cls_property : cls_getset, sizeof(ObjProperty));
    p->fget = p->fset = p->fdel = p->doc = VAL_NONE;
    gc_push_root(OBJ_VAL(p));
    p->fget = native_new(name, fn, cls);
    ((ObjNative *)AS_OBJ(p->fget))->is_member = member;
    dict_set_str(cls->dict, str_intern_c(name), OBJ_VAL(p));
    gc_pop_root(1);
}

void class_add_getter(ObjClass *cls, const char *name, NativeFn fn) {
    add_field(cls, name, fn, false);
}

void class_add_member(ObjClass *cls, const char *name, NativeFn fn) {
    add_field(cls, name, fn, true);
}

void class_add_fields(ObjClass *cls, const MethodDef *getters, const MethodDef *members) {
    for (const MethodDef *m = getters; m && m->name; m++) {
        add_field(cls, m->name, m->fn, false);
    }
    for (const MethodDef *m = members; m && m->name; m++) {
        add_field(cls, m->name, m->fn, true);
    }
}

// A property with no accessor, only a doc (namedtuple's Class.field).
Value property_doc_only(Value doc) {
    ObjProperty *p = (ObjProperty *)obj_alloc(cls_property, sizeof(ObjProperty));
    p->fget = p->fset = p->fdel = VAL_NONE;
    p->doc = doc;
    return OBJ_VAL(p);
}

// A property's __doc__ may be replaced (namedtuple fields, urllib.parse).
static bool property_setattr(Value self, ObjStr *name, Value v) {
    if (strcmp(name->data, "__doc__") == 0) {
        ((ObjProperty *)AS_OBJ(self))->doc = v ? v : VAL_NONE;
        return true;
    }
    return generic_setattr(self, name, v);
}

static Value property_getattr(Value self, ObjStr *name) {
    ObjProperty *p = (ObjProperty *)AS_OBJ(self);
    const char *n = name->data;
    ObjClass *c = val_class(self);
    if (c != cls_property && c->mro && strcmp(n, "__doc__") != 0) {
        // a subclass's own attributes come first (abc.abstractproperty's
        // __isabstractmethod__ = True)
        for (size_t i = 0; i < c->mro->len && AS_CLASS(c->mro->items[i]) != cls_property; i++) {
            ObjClass *k = AS_CLASS(c->mro->items[i]);
            if (k->dict && dict_get_str(k->dict, name)) {
                return generic_getattr(self, name);
            }
        }
    }
    if (strcmp(n, "fget") == 0) {
        return p->fget ? p->fget : VAL_NONE;
    }
    if (strcmp(n, "fset") == 0) {
        return p->fset ? p->fset : VAL_NONE;
    }
    if (strcmp(n, "fdel") == 0) {
        return p->fdel ? p->fdel : VAL_NONE;
    }
    if (strcmp(n, "__doc__") == 0) {
        if (p->doc && !IS_NONE(p->doc)) {
            return p->doc;
        }
        return p->fget && !IS_NONE(p->fget) ? obj_getattr(p->fget, name) : VAL_NONE;
    }
    if (strcmp(n, "__isabstractmethod__") == 0) {
        // as CPython's: whether fget, fset or fdel is abstract
        Value fs[3] = {p->fget, p->fset, p->fdel};
        for (int i = 0; i < 3; i++) {
            if (!fs[i] || IS_NONE(fs[i])) {
                continue;
            }
            Value v = obj_getattr(fs[i], name);
            if (!v) {
                if (!EXC_PENDING_IS(exc_AttributeError)) {
                    return VAL_NULL;
                }
                exc_clear();
                continue;
            }
            int tr = obj_truthy(v);
            if (tr < 0) {
                return VAL_NULL;
            }
            if (tr) {
                return VAL_TRUE;
            }
        }
        return VAL_FALSE;
    }
    return generic_getattr(self, name);
}

static Value prop_with(int argc, Value *argv, int which) {
    ObjProperty *old = (ObjProperty *)AS_OBJ(argv[0]);
    ObjClass *cls = val_class(argv[0]);
    if (cls != cls_property) {
        // a subclass's copy is made by calling the subclass, as CPython's
        Value a[4] = {old->fget ? old->fget : VAL_NONE, old->fset ? old->fset : VAL_NONE,
                      old->fdel ? old->fdel : VAL_NONE, old->doc ? old->doc : VAL_NONE};
        a[which] = argv[1];
        Value r = type_call(cls, 4, a, NULL);
        if (r && class_is_subclass(val_class(r), cls_property)) {
            ((ObjProperty *)AS_OBJ(r))->name = old->name;
        }
        return r;
    }
    ObjProperty *p = (ObjProperty *)obj_alloc(cls_property, sizeof(ObjProperty));
    p->fget = old->fget;
    p->fset = old->fset;
    p->fdel = old->fdel;
    p->doc = old->doc;
    p->name = old->name;
    if (which == 0) {
        p->fget = argv[1];
    } else if (which == 1) {
        p->fset = argv[1];
    } else {
        p->fdel = argv[1];
    }
    return OBJ_VAL(p);
}

static Value prop_getter(int argc, Value *argv, ObjDict *kw) {
    return arg_count("getter", argc, 2, 2) ? prop_with(argc, argv, 0) : VAL_NULL;
}
static Value prop_setter(int argc, Value *argv, ObjDict *kw) {
    return arg_count("setter", argc, 2, 2) ? prop_with(argc, argv, 1) : VAL_NULL;
}
static Value prop_deleter(int argc, Value *argv, ObjDict *kw) {
    return arg_count("deleter", argc, 2, 2) ? prop_with(argc, argv, 2) : VAL_NULL;
}

// ---- the descriptor protocol as methods: property.__get__/__set__/
// __delete__, staticmethod.__get__, classmethod.__get__ (inspect and
// enum's _is_descriptor look for them)
Value property_missing(ObjProperty *p, Value obj, const char *what) {
    Value qual = OBJ_VAL(class_qualname(val_class(obj)));
    Value qr = obj_repr(qual);
    if (!qr) {
        return VAL_NULL;
    }
    if (!p->name) {
        return exc_raise(exc_AttributeError, "property of %s object has no %s", AS_STR(qr)->data, what);
    }
    gc_push_root(qr);
    Value nr = obj_repr(p->name);
    gc_pop_root(1);
    if (!nr) {
        return VAL_NULL;
    }
    return exc_raise(exc_AttributeError, "property %s of %s object has no %s", AS_STR(nr)->data,
                     AS_STR(qr)->data, what);
}

// property.__set_name__(owner, name): the name its errors give (class
// bodies set it directly, classbuild.c's set_names)
static Value prop_set_name_m(int argc, Value *argv, ObjDict *kw) {
    if (argc != 3) {
        return exc_raise(exc_TypeError, "__set_name__() takes 2 positional arguments but %d were given", argc - 1);
    }
    ((ObjProperty *)AS_OBJ(argv[0]))->name = argv[2];
    return VAL_NONE;
}

static Value prop_get_m(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, "__get__ expected 1 or 2 arguments");
    }
    ObjProperty *p = (ObjProperty *)AS_OBJ(argv[0]);
    if (IS_NONE(argv[1])) {
        return argv[0];
    }
    if (!p->fget || IS_NONE(p->fget)) {
        return property_missing(p, argv[1], "getter");
    }
    return vm_call(p->fget, 1, &argv[1], NULL);
}

static Value prop_set_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__set__", argc - 1, 2, 2)) {
        return VAL_NULL;
    }
    ObjProperty *p = (ObjProperty *)AS_OBJ(argv[0]);
    if (!p->fset || IS_NONE(p->fset)) {
        return property_missing(p, argv[1], "setter");
    }
    return vm_call(p->fset, 2, argv + 1, NULL);
}

static Value prop_delete_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__delete__", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjProperty *p = (ObjProperty *)AS_OBJ(argv[0]);
    if (!p->fdel || IS_NONE(p->fdel)) {
        return property_missing(p, argv[1], "deleter");
    }
    return vm_call(p->fdel, 1, argv + 1, NULL);
}

static Value staticmethod_get_m(int argc, Value *argv, ObjDict *kw) {
    return ((ObjWrapper *)AS_OBJ(argv[0]))->func;
}

Value classmethod_bind(Value cm, Value owner) {
    Value func = ((ObjWrapper *)AS_OBJ(cm))->func;
    if (IS_OBJ(func) && AS_OBJ(func)->cls != cls_function && AS_OBJ(func)->cls != cls_native) {
        // CPython 3.9-3.12 chain: a wrapped descriptor (a property, a user
        // descriptor) is bound by its own __get__(owner, owner)
        Value g = class_lookup(AS_OBJ(func)->cls, ST->s_descr[0]);
        if (g) {
            Value args[3] = {func, owner, owner};
            return vm_call(g, 3, args, NULL);
        }
    }
    return bound_method_new(owner, func);
}

static Value classmethod_get_m(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, "__get__ expected 1 or 2 arguments");
    }
    Value owner = argc > 2 && !IS_NONE(argv[2]) ? argv[2] : OBJ_VAL(val_class(argv[1]));
    return classmethod_bind(argv[0], owner);
}

// Calling a staticmethod object calls its function (CPython 3.10+).
static Value staticmethod_call(Value self, int argc, Value *argv, ObjDict *kw) {
    return vm_call(((ObjWrapper *)AS_OBJ(self))->func, argc, argv, kw);
}

static const MethodDef staticmethod_methods[] = {
    {"__get__", staticmethod_get_m},
    {NULL, NULL},
};

static const MethodDef classmethod_methods[] = {
    {"__get__", classmethod_get_m},
    {NULL, NULL},
};

static void trace_wrapper(Obj *o) {
    gc_mark_value(((ObjWrapper *)o)->func);
}

static Value wrapper_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw(cls->name->data, kw) || !arg_count(cls->name->data, argc, 1, 1)) {
        return VAL_NULL;
    }
    ObjWrapper *w = (ObjWrapper *)obj_alloc(cls, sizeof(ObjWrapper));
    w->func = argv[0];
    return OBJ_VAL(w);
}

// staticmethod/classmethod attributes: __func__/__wrapped__, the wrapped
// function's __module__, __name__, __qualname__, __doc__ and __annotations__
// (which CPython 3.10+ copies onto the wrapper), __isabstractmethod__ (the
// function's, else False), then the class's own (__get__ ...).
static Value wrapper_getattr(Value self, ObjStr *name) {
    static const char *const copied[] = {"__module__", "__name__", "__qualname__", "__doc__", "__annotations__"};
    Value func = ((ObjWrapper *)AS_OBJ(self))->func;
    if (strcmp(name->data, "__func__") == 0 || strcmp(name->data, "__wrapped__") == 0) {
        return func;
    }
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++) {
        if (strcmp(name->data, copied[i]) == 0) {
            return obj_getattr(func, name);
        }
    }
    if (strcmp(name->data, "__isabstractmethod__") == 0) {
        Value v = obj_getattr(func, name);
        if (!v && EXC_PENDING_IS(exc_AttributeError)) {
            exc_clear();
            return VAL_FALSE;
        }
        return v;
    }
    return generic_getattr(self, name);
}

// ---- None, NotImplemented, Ellipsis
static Value none_repr(Value v) {
    return str_from_c("None");
}
static int none_truthy(Value v) {
    return 0;
}
static bool id_hash(Value v, int64_t *out) {
    *out = (int64_t)((uintptr_t)v >> 4);
    return true;
}
static Value notimpl_repr(Value v) {
    return str_from_c("NotImplemented");
}
static Value ellipsis_repr(Value v) {
    return str_from_c("Ellipsis");
}

// type(None)(), type(NotImplemented)() and type(...)() give the singleton.
static Value singleton_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc || (kw && kw->used)) {
        return exc_raise(exc_TypeError, "%s takes no arguments",
                         cls == cls_ellipsis ? "EllipsisType" : cls->name->data);
    }
    return cls == cls_none ? VAL_NONE : cls == cls_ellipsis ? OBJ_VAL(obj_ellipsis) : VAL_NOTIMPL;
}

// ---- object and type
// CPython's refusal to instantiate a class with abstract methods.
static Value abstract_error(ObjClass *cls) {
    Value names = dict_get_str(cls->dict, str_intern_c("__abstractmethods__"));
    Value l = names ? seq_to_list(names) : VAL_NULL;
    if (!l || !list_sort_inplace(AS_LIST(l), VAL_NULL, false)) {
        return VAL_NULL;
    }
    gc_push_root(l);
    Value sep = str_from_c(", ");
    gc_push_root(sep);
    Value joined = str_join_list(sep, l);
    gc_pop_root(2);
    if (!joined) {
        return VAL_NULL;
    }
    return exc_raise(exc_TypeError, "Can't instantiate abstract class %s with abstract method%s %s",
                     cls->name->data, AS_LIST(l)->len > 1 ? "s" : "", AS_STR(joined)->data);
}

// Whether [cls] (a plain class: object is its only builtin base) has its own
// [name] (__new__ or __init__) rather than object's.
static bool overrides_object(ObjClass *cls, ObjStr *name) {
    Value v = class_lookup(cls, name);
    return v && v != dict_get_str(cls_object->dict, name);
}

static Value object_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    // CPython's object_new: extra arguments are an error unless only
    // __init__ is overridden (it takes them)
    if ((argc > 0 || (kw && kw->used > 0)) && cls->native_base == cls_object) {
        if (overrides_object(cls, ST->s_new)) {
            return exc_raise(exc_TypeError, "object.__new__() takes exactly one argument (the type to instantiate)");
        }
        if (!overrides_object(cls, ST->s_init)) {
            return exc_raise(exc_TypeError, "%s() takes no arguments", cls->name->data);
        }
    }
    if (cls->flags & CLS_ABSTRACT) {
        return abstract_error(cls);
    }
    size_t size = cls->inst_size ? cls->inst_size : sizeof(ObjInstance);
    // the instance dict is made when first needed (object.c's instance_dict)
    return OBJ_VAL(obj_alloc(cls, size));
}

static void trace_instance(Obj *o) {
    gc_mark_obj((Obj *)((ObjInstance *)o)->dict);
}

// Trace of an instance with __slots__ values after its ObjInstance part.
static void trace_slotted(Obj *o) {
    gc_mark_obj((Obj *)((ObjInstance *)o)->dict);
    Value *slots = (Value *)((char *)o + sizeof(ObjInstance));
    for (uint32_t i = 0, n = o->cls->nslots; i < n; i++) {
        gc_mark_value(slots[i]);
    }
}

static Value object_richcompare(Value a, Value b, int op) {
    if (op == OP_EQ) {
        return a == b ? VAL_TRUE : VAL_NOTIMPL;
    }
    if (op == OP_NE) {
        // Python: __ne__ inverts __eq__ unless it is NotImplemented.
        ObjClass *c = val_class(a);
        if (c->richcompare && c->richcompare != object_richcompare) {
            Value r = c->richcompare(a, b, OP_EQ);
            if (!r || r == VAL_NOTIMPL) {
                return r;
            }
            int t = obj_truthy(r);
            return t < 0 ? VAL_NULL : VAL_BOOL(!t);
        }
        return a == b ? VAL_FALSE : VAL_NOTIMPL;
    }
    return VAL_NOTIMPL;
}

// object.__init__(self, ...): as CPython's object_init, extra arguments are
// an error unless only __new__ is overridden (plain classes only: pyish's
// builtin classes share this __init__).
static Value object_init(int argc, Value *argv, ObjDict *kw) {
    if (argc < 1 || (argc == 1 && !(kw && kw->used > 0))) {
        return VAL_NONE;
    }
    ObjClass *cls = val_class(argv[0]);
    if (cls->native_base != cls_object) {
        return VAL_NONE;
    }
    if (overrides_object(cls, ST->s_init)) {
        return exc_raise(exc_TypeError, "object.__init__() takes exactly one argument (the instance to initialize)");
    }
    if (!overrides_object(cls, ST->s_new)) {
        return exc_raise(exc_TypeError, "%s.__init__() takes exactly one argument (the instance to initialize)",
                         cls->name->data);
    }
    return VAL_NONE;
}

// A class's __qualname__: what its class statement stored (A.B for a nested
// class, f.<locals>.C inside a function; type.__qualname__ = ... sets it), else __name__.
Value class_default_doc(ObjClass *c) {
    if (!(c->flags & CLS_USER) && (!c->module || strcmp(c->module->data, "builtins") == 0)) {
        const char *doc = builtin_class_doc(c->name->data);
        if (doc) {
            return str_from_c(doc);
        }
    }
    return VAL_NONE;
}

ObjStr *class_qualname(ObjClass *c) {
    return c->qualname ? c->qualname : c->name;
}

// type.__flags__: CPython's Py_TPFLAGS_* bits that Python code reads
// (copyreg's protocol 0/1 reduce looks for the first non-heap base; the
// *_SUBCLASS bits are what CPython's fast type checks test).
static Value type_flags(ObjClass *c) {
    int64_t f = 1 << 12;   // READY
    if (c->flags & (CLS_USER | CLS_HEAPTYPE)) {
        f |= 1 << 9;        // HEAPTYPE
    }
    if (c->flags & CLS_BASETYPE) {
        f |= 1 << 10;       // BASETYPE
    }
    if (c->flags & CLS_ABSTRACT) {
        f |= 1 << 20;       // IS_ABSTRACT
    }
    ObjClass *const kinds[] = {cls_int, cls_list, cls_tuple, cls_bytes, cls_str, cls_dict, exc_BaseException,
                               cls_type};
    for (int i = 0; i < 8; i++) {
        if (class_is_subclass(c, kinds[i])) {
            f |= (int64_t)1 << (24 + i);   // LONG_SUBCLASS ... TYPE_SUBCLASS
        }
    }
    return int_from_i64(f);
}

static Value type_repr(Value self) {
    ObjClass *c = AS_CLASS(self);
    if (c->module && strcmp(c->module->data, "builtins") != 0) {
        return str_printf("<class '%s.%s'>", c->module->data, class_qualname(c)->data);
    }
    return str_printf("<class '%s'>", class_qualname(c)->data);
}

static Value type_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc == 1 && !kw && cls == cls_type) {
        return OBJ_VAL(val_class(argv[0]));
    }
    if (argc == 3) {
        if (!IS_STR(argv[0])) {
            return exc_raise(exc_TypeError, "type.__new__() argument 1 must be str, not %s",
                             val_type_name(argv[0]));
        }
        if (!IS_TUPLE(argv[1])) {
            return exc_raise(exc_TypeError, "type.__new__() argument 2 must be tuple, not %s",
                             val_type_name(argv[1]));
        }
        if (!class_is_subclass(val_class(argv[2]), cls_dict)) {
            return exc_raise(exc_TypeError, "type.__new__() argument 3 must be dict, not %s",
                             val_type_name(argv[2]));
        }
        ObjClass *meta = class_winner(cls, AS_TUPLE(argv[1]));
        if (!meta) {
            return VAL_NULL;
        }
        if (meta != cls && (meta->flags & CLS_USER)) {
            // a more derived metaclass of the bases makes the class (CPython
            // passes it to the winner's own __new__)
            Value newf = class_lookup(meta, ST->s_new);
            if (newf && IS_A(newf, cls_staticmethod)) {
                newf = ((ObjWrapper *)AS_OBJ(newf))->func;
            }
            if (newf && IS_A(newf, cls_function)) {
                Value args[4] = {OBJ_VAL(meta), argv[0], argv[1], argv[2]};
                return vm_call(newf, 4, args, kw);
            }
        }
        return class_build(meta, AS_STR(argv[0]), AS_TUPLE(argv[1]), AS_DICT(argv[2]), kw);
    }
    return exc_raise(exc_TypeError, cls == cls_type ? "type() takes 1 or 3 arguments"
                                                    : "type.__new__() takes exactly 3 arguments (%d given)",
                     argc);
}

// type.__getattribute__; [raise] false: VAL_NULL without an exception
// when the attribute is missing (class_getattr_opt).
static Value type_getattr_impl(Value self, ObjStr *name, bool raise) {
    ObjClass *c = AS_CLASS(self);
    const char *n = name->data;
    if (n[0] == '_' && n[1] == '_') {
        switch (n[2]) {     // (one or two strcmp for any dunder: getattr(cls, "__x__", None) is common)
        case 'n':
            if (strcmp(n, "__name__") == 0) {
                return OBJ_VAL(c->name);
            }
            break;
        case 'q':
            if (strcmp(n, "__qualname__") == 0) {
                return OBJ_VAL(class_qualname(c));
            }
            break;
        case 'm':
            if (strcmp(n, "__mro__") == 0) {
                return OBJ_VAL(c->mro);
            }
            if (strcmp(n, "__module__") == 0) {
                Value m = dict_get_str(c->dict, name);
                return m ? m : OBJ_VAL(c->module);
            }
            break;
        case 'b':
            if (strcmp(n, "__bases__") == 0) {
                return OBJ_VAL(c->bases);
            }
            if (strcmp(n, "__base__") == 0) {
                return c->bases->len ? c->bases->items[0] : VAL_NONE;
            }
            break;
        case 'd':
            if (strcmp(n, "__dict__") == 0) {
                return mappingproxy_new(OBJ_VAL(c->dict));
            }
            break;
        case 'c':
            if (strcmp(n, "__class__") == 0) {
                return OBJ_VAL(AS_OBJ(self)->cls);
            }
            break;
        case 'f':
            if (strcmp(n, "__flags__") == 0) {
                return type_flags(c);
            }
            break;
        default:
            break;
        }
    }
    bool meta_found;
    Value v = class_meta_data_attr(self, name, &meta_found);
    if (meta_found) {
        return v;
    }
    v = class_lookup(c, name);
    if (v) {
        if (IS_OBJ(v) && (AS_OBJ(v)->cls->flags & CLS_USER)) {
            // A user descriptor: __get__(None, cls).
            Value g = class_lookup(AS_OBJ(v)->cls, ST->s_descr[0]);
            if (g) {
                Value args[3] = {v, VAL_NONE, self};
                return vm_call(g, 3, args, NULL);
            }
        }
        if (IS_A(v, cls_classmethod)) {
            return classmethod_bind(v, self);
        }
        if (IS_A(v, cls_staticmethod)) {
            return ((ObjWrapper *)AS_OBJ(v))->func;
        }
        if (IS_A(v, cls_native) && ((ObjNative *)AS_OBJ(v))->is_static) {
            return bound_method_new(self, v);
        }
        return v;
    }
    v = class_meta_attr(self, name, &meta_found);
    if (meta_found) {
        return v;
    }
    // Methods of `type` itself (e.g. mro()).
    v = dict_get_str(cls_type->dict, name);
    if (v && IS_A(v, cls_native)) {
        return bound_method_new(self, v);
    }
    if (strcmp(n, "__doc__") == 0) {
        return class_default_doc(c);    // every class has a __doc__
    }
    if (!raise) {
        return VAL_NULL;
    }
    return exc_raise_attr(self, name, "type object '%s' has no attribute '%s'", c->name->data,
                     name->data);
}

static Value type_getattr(Value self, ObjStr *name) {
    return type_getattr_impl(self, name, true);
}

Value class_getattr_opt(Value cls, ObjStr *name) {
    Value v = type_getattr_impl(cls, name, false);
    if (!v && EXC_PENDING_IS(exc_AttributeError)) {
        exc_clear();
    }
    return v;
}

// A dunder set on or deleted from [ctx] changes the slots of its user
// subclasses too (their slots were computed from the MRO when they were made).
static void recompute_subclass(Obj *o, void *ctx) {
    ObjClass *base = ctx;
    if (!(o->cls->flags & CLS_META)) {
        return;
    }
    ObjClass *k = (ObjClass *)o;
    if (k == base || !(k->flags & CLS_USER) || !k->mro) {
        return;
    }
    for (size_t i = 1; i < k->mro->len; i++) {
        if (AS_CLASS(k->mro->items[i]) == base) {
            class_compute_slots(k);
            return;
        }
    }
}

// Dunders that no slot depends on (class_compute_slots never reads them):
// setting one skips the walk over the heap for subclasses, which copy,
// dataclasses, enum and logging trigger at import or on each new class.
static bool slotless_dunder(ObjStr *name) {
    static const char *const names[] = {"__doc__", "__module__", "__slotnames__", "__annotations__",
                                        "__abstractmethods__", "__init__", "__new__", "__init_subclass__",
                                        "__class_getitem__", "__set_name__", "__match_args__",
                                        "__dataclass_fields__", "__dataclass_params__", "__parameters__",
                                        "__orig_bases__", "__signature__", "__wrapped__", "__copy__",
                                        "__deepcopy__", "__reduce__", "__reduce_ex__", "__getstate__",
                                        "__setstate__", "__format__", "__slots__", "__weakref__",
                                        "__enter__", "__exit__", "__aenter__", "__aexit__", NULL};
    for (const char *const *n = names; *n; n++) {
        if (strcmp(name->data, *n) == 0) {
            return true;
        }
    }
    return false;
}

static bool type_setattr(Value self, ObjStr *name, Value v) {
    ObjClass *c = AS_CLASS(self);
    if (!(c->flags & (CLS_USER | CLS_HEAPTYPE))) {
        exc_raise(exc_TypeError,
                  "cannot set '%s' attribute of immutable type '%s'", name->data, c->name->data);
        return false;
    }
    if (strcmp(name->data, "__qualname__") == 0 || strcmp(name->data, "__name__") == 0) {
        if (!v || !IS_STR(v)) {
            if (v) {
                exc_raise(exc_TypeError, "can only assign string to %s.%s, not '%s'", c->name->data, name->data,
                          val_type_name(v));
            } else {
                exc_raise(exc_TypeError, "cannot delete '%s' attribute of immutable type '%s'", name->data,
                          c->name->data);
            }
            return false;
        }
        ObjStr *interned = AS_STR(str_intern(AS_STR(v)->data, AS_STR(v)->len));
        if (name->data[2] == 'n') {
            c->name = interned;
        } else {
            c->qualname = interned;     // (kept out of the class dict, as CPython's ht_qualname)
        }
        return true;
    }
    class_changed();
    if (strcmp(name->data, "__abstractmethods__") == 0) {
        int t = v ? obj_truthy(v) : 0;
        if (t < 0) {
            return false;
        }
        c->flags = t ? (c->flags | CLS_ABSTRACT) : (c->flags & ~(uint32_t)CLS_ABSTRACT);
    }
    if (v) {
        dict_set_str(c->dict, name, v);
    } else if (dict_del(c->dict, OBJ_VAL(name)) <= 0) {
        exc_raise(exc_AttributeError, "type object '%s' has no attribute '%s'", c->name->data,
                  name->data);
        return false;
    }
    if (name->len >= 2 && name->data[0] == '_' && name->data[1] == '_' && !slotless_dunder(name)) {
        class_compute_slots(c);
        if (c->flags & CLS_HAS_SUBCLASS) {
            gc_each_object_ctx(recompute_subclass, c);
        }
    }
    return true;
}

// ---- X | Y on classes: types.UnionType (annotations, isinstance)
typedef struct ObjUnion {
    Obj hdr;
    ObjTuple *args;     // the member classes (None is stored as NoneType, as CPython)
} ObjUnion;


static void trace_union(Obj *o) {
    gc_mark_obj((Obj *)((ObjUnion *)o)->args);
}

static bool union_member_ok(Value v) {
    return IS_CLASS(v) || IS_NONE(v) || IS_A(v, cls_union) || generic_alias_check(v);
}

// Appends [v]'s members (flattening unions, dropping repeats) to [out].
static void union_collect(ObjList *out, Value v) {
    if (IS_A(v, cls_union)) {
        ObjTuple *a = ((ObjUnion *)AS_OBJ(v))->args;
        for (size_t i = 0; i < a->len; i++) {
            union_collect(out, a->items[i]);
        }
        return;
    }
    if (IS_NONE(v)) {
        v = OBJ_VAL(cls_none);
    }
    for (size_t i = 0; i < out->len; i++) {
        if (out->items[i] == v) {
            return;
        }
    }
    list_append(out, v);
}

static Value union_binop(Value a, Value b, int op) {
    if (op % BINOP_INPLACE != 10 || !union_member_ok(a) || !union_member_ok(b) || (IS_NONE(a) && IS_NONE(b))) {   // BIN_OR; None | None is no union
        return VAL_NOTIMPL;
    }
    ObjList *members = AS_LIST(list_new(4));
    gc_push_root(OBJ_VAL(members));
    union_collect(members, a);
    union_collect(members, b);
    ObjUnion *u = (ObjUnion *)obj_alloc(cls_union, sizeof(ObjUnion));
    u->args = AS_TUPLE(seq_to_tuple(OBJ_VAL(members)));
    gc_pop_root(1);
    return OBJ_VAL(u);
}

static Value union_repr(Value self) {
    ObjTuple *a = ((ObjUnion *)AS_OBJ(self))->args;
    Value out = str_from_c("");
    for (size_t i = 0; i < a->len; i++) {
        gc_push_root(out);
        Value part = type_expr_repr(a->items[i] == OBJ_VAL(cls_none) ? VAL_NONE : a->items[i]);
        gc_pop_root(1);
        if (!part) {
            return VAL_NULL;
        }
        out = i ? str_printf("%s | %s", AS_STR(out)->data, AS_STR(part)->data) : part;
    }
    return out;
}

// __parameters__: the type variables of the members that are generic
// aliases, each once, in order.
static Value union_parameters(ObjTuple *a) {
    Value out = list_new(0);
    gc_push_root(out);
    for (size_t i = 0; i < a->len; i++) {
        if (!generic_alias_check(a->items[i])) {
            continue;
        }
        Value ps = obj_getattr_opt(a->items[i], str_intern_c("__parameters__"));
        if (!ps || !IS_TUPLE(ps)) {
            if (exc_pending()) {
                gc_pop_root(1);
                return VAL_NULL;
            }
            continue;
        }
        for (size_t j = 0; j < AS_TUPLE(ps)->len; j++) {
            Value p = AS_TUPLE(ps)->items[j];
            bool seen = false;
            for (size_t k = 0; k < AS_LIST(out)->len && !seen; k++) {
                seen = AS_LIST(out)->items[k] == p;
            }
            if (!seen) {
                list_append(AS_LIST(out), p);
            }
        }
    }
    Value r = seq_to_tuple(out);
    gc_pop_root(1);
    return r;
}

static Value union_getattr(Value self, ObjStr *name) {
    if (strcmp(name->data, "__args__") == 0) {
        return OBJ_VAL(((ObjUnion *)AS_OBJ(self))->args);
    }
    if (strcmp(name->data, "__parameters__") == 0) {
        return union_parameters(((ObjUnion *)AS_OBJ(self))->args);
    }
    return generic_getattr(self, name);
}

// The members as a frozenset: unions compare and hash as sets (int | str ==
// str | int), as CPython's unionobject.c.
static Value union_set(Value u) {
    return set_from_iterable(cls_frozenset, OBJ_VAL(((ObjUnion *)AS_OBJ(u))->args));
}

static Value union_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_A(b, cls_union)) {
        return VAL_NOTIMPL;
    }
    Value sa = union_set(a);
    if (!sa) {
        return VAL_NULL;
    }
    gc_push_root(sa);
    Value sb = union_set(b);
    int eq = sb ? obj_eq(sa, sb) : -1;
    gc_pop_root(1);
    if (eq < 0) {
        return VAL_NULL;
    }
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static bool union_hash(Value self, int64_t *out) {
    Value s = union_set(self);
    return s && obj_hash(s, out);
}

// The classes of a union (for isinstance/issubclass), or NULL.
ObjTuple *class_union_members(Value v) {
    return IS_A(v, cls_union) ? ((ObjUnion *)AS_OBJ(v))->args : NULL;
}

static Value type_mro(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("type.mro", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return seq_to_list(OBJ_VAL(AS_CLASS(argv[0])->mro));
}

static Value type_call_slot(Value self, int argc, Value *argv, ObjDict *kw) {
    return type_call(AS_CLASS(self), argc, argv, kw);
}

// Makes an instance: cls's inherited new_ allocates (and, for builtins,
// initialises); a user class then runs __init__ found in its MRO.
Value type_call(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!cls->new_) {
        return exc_raise(exc_TypeError, "cannot create '%s' instances", cls->name->data);
    }
    if (!(cls->flags & CLS_USER)) {
        return cls->new_(cls, argc, argv, kw);
    }
    ObjStr *s_init = ST->s_init, *s_new = ST->s_new;
    Value init = class_lookup(cls, s_init);
    bool user_init = init && !IS_A(init, cls_native);
    Value obj;
    Value newf = class_lookup(cls, s_new);
    if (newf && IS_A(newf, cls_staticmethod)) {
        newf = ((ObjWrapper *)AS_OBJ(newf))->func;
    }
    if (newf && !IS_A(newf, cls_function) && !IS_A(newf, cls_native)) {
        // another callable (an instance with __call__, a partial): what
        // cls.__new__ gives, called with cls first, as CPython's slot_tp_new
        newf = type_getattr_impl(OBJ_VAL(cls), s_new, true);
        if (!newf) {
            return VAL_NULL;
        }
    }
    if (newf && !IS_A(newf, cls_native)) {
        // A user __new__(cls, *args): __init__ runs only on an instance of cls.
        Value nargs[argc + 1];
        nargs[0] = OBJ_VAL(cls);
        values_copy(nargs + 1, argv, (size_t)argc);
        gc_push_root(newf);
        obj = vm_call(newf, argc + 1, nargs, kw);
        gc_pop_root(1);
        if (!obj || !user_init || !class_is_subclass(val_class(obj), cls)) {
            return obj;
        }
    } else {
        if (cls->native_base == cls_object && !user_init && (argc > 0 || kw)) {
            return exc_raise(exc_TypeError, "%s() takes no arguments", cls->name->data);
        }
        obj = cls->new_(cls, argc, argv, kw);
    }
    if (!obj || !user_init) {
        return obj;
    }
    gc_push_root(obj);
    Value r = call_class_method(init, obj, argc, argv, kw);
    gc_pop_root(1);
    if (!r) {
        return VAL_NULL;
    }
    if (!IS_NONE(r)) {
        return exc_raise(exc_TypeError, "__init__() should return None, not '%s'", val_type_name(r));
    }
    return obj;
}

// ---- user classes
// Trace of a user subclass of a builtin whose layout had no dict: the
// builtin's trace, then the dict appended after it.
static void trace_subclass(Obj *o) {
    ObjClass *c = o->cls;
    if (c->native_base->trace) {
        c->native_base->trace(o);
    }
    gc_mark_obj(*(Obj **)((char *)o + c->dict_offset));
}

// The dict slot of an instance of a str/tuple subclass: after its data.
ObjDict **class_trailing_dict_slot(Obj *o) {
    size_t off;
    if (class_is_subclass(o->cls, cls_str)) {
        off = (sizeof(ObjStr) + ((ObjStr *)o)->len + 1 + 7) & ~(size_t)7;
    } else {
        off = sizeof(ObjTuple) + ((ObjTuple *)o)->len * sizeof(Value);
    }
    return (ObjDict **)((char *)o + off);
}

// Trace of a user subclass of str or tuple: the builtin's trace, then the
// dict after the data.
static void trace_subclass_trailing(Obj *o) {
    ObjClass *c = o->cls;
    if (c->native_base->trace) {
        c->native_base->trace(o);
    }
    gc_mark_obj((Obj *)*class_trailing_dict_slot(o));
}

static bool in_tail(ObjTuple **seqs, int *heads, int nseqs, Value c) {
    for (int i = 0; i < nseqs; i++) {
        for (size_t j = (size_t)heads[i] + 1; j < seqs[i]->len; j++) {
            if (seqs[i]->items[j] == c) {
                return true;
            }
        }
    }
    return false;
}

// C3 linearisation of [cls] with [bases]; NULL + TypeError if impossible.
static ObjTuple *c3_mro(ObjClass *cls, ObjTuple *bases) {
    int nseqs = (int)bases->len + 1;
    ObjTuple *seqs[nseqs];
    int heads[nseqs];
    for (size_t i = 0; i < bases->len; i++) {
        seqs[i] = AS_CLASS(bases->items[i])->mro;
        heads[i] = 0;
    }
    seqs[nseqs - 1] = bases;
    heads[nseqs - 1] = 0;
    Value out[256];
    int nout = 0;
    out[nout++] = OBJ_VAL(cls);
    for (;;) {
        bool any = false;
        Value pick = VAL_NULL;
        for (int i = 0; i < nseqs; i++) {
            if ((size_t)heads[i] >= seqs[i]->len) {
                continue;
            }
            any = true;
            Value cand = seqs[i]->items[heads[i]];
            if (!in_tail(seqs, heads, nseqs, cand)) {
                pick = cand;
                break;
            }
        }
        if (!any) {
            break;
        }
        if (!pick || nout == 256) {
            char names[512] = "";
            size_t len = 0;
            for (int i = 0; i < nseqs - 1; i++) {
                if ((size_t)heads[i] >= seqs[i]->len) {
                    continue;
                }
                const char *nm = AS_CLASS(seqs[i]->items[heads[i]])->name->data;
                if (strstr(names, nm)) {
                    continue;
                }
                len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", nm);
                if (len >= sizeof names) {
                    break;
                }
            }
            exc_raise(exc_TypeError,
                      "Cannot create a consistent method resolution\norder (MRO) for bases %s", names);
            return NULL;
        }
        out[nout++] = pick;
        for (int i = 0; i < nseqs; i++) {
            if ((size_t)heads[i] < seqs[i]->len && seqs[i]->items[heads[i]] == pick) {
                heads[i]++;
            }
        }
    }
    ObjTuple *t = AS_TUPLE(tuple_new((size_t)nout));
    memcpy(t->items, out, sizeof(Value) * (size_t)nout);
    return t;
}

// The furthest builtin ancestor of builtin [c] along first bases with the
// same instance layout (size, dict offset, trace): classes with the same
// solid base can be combined as bases, as in CPython.
static ObjClass *solid_base(ObjClass *c) {
    while (c->bases && c->bases->len >= 1 && IS_CLASS(c->bases->items[0])) {
        ObjClass *b = AS_CLASS(c->bases->items[0]);
        if ((b->flags & CLS_USER) || b->inst_size != c->inst_size ||
            b->dict_offset != c->dict_offset || b->trace != c->trace) {
            break;
        }
        c = b;
    }
    return c;
}

// Creates a user class [name] with [bases] (tuple of classes, may be empty)
static bool class_add_members(ObjClass *c, uint32_t first);
static void class_add_dict_weakref(ObjClass *c);

// Checks user class [c]'s own __slots__ as CPython's type_new does: another
// iterable than a str/tuple/list becomes a tuple of its items (a dict its
// keys), whose items must be identifiers, __dict__/__weakref__ at most once,
// and no slot may also be a class variable. False: error set.
static bool class_check_slots(ObjClass *c) {
    Value sl = dict_get_str(c->dict, str_intern_c("__slots__"));
    if (!sl) {
        return true;
    }
    if (!IS_STR(sl) && !IS_TUPLE(sl) && !IS_LIST(sl)) {
        sl = seq_to_tuple(sl);
        if (!sl) {
            return false;
        }
        gc_push_root(sl);
        dict_set_str(c->dict, str_intern_c("__slots__"), sl);
        gc_pop_root(1);
    }
    size_t n;
    Value *items = slots_items(&sl, &n);
    int ndict = 0, nweak = 0;
    for (size_t i = 0; i < n; i++) {
        if (!IS_STR(items[i])) {
            exc_raise(exc_TypeError, "__slots__ items must be strings, not '%s'", val_type_name(items[i]));
            return false;
        }
        Value ok = call_method(items[i], "isidentifier", 0, NULL);
        if (!ok) {
            return false;
        }
        if (ok != VAL_TRUE) {
            exc_raise(exc_TypeError, "__slots__ must be identifiers");
            return false;
        }
        ObjStr *nm = AS_STR(items[i]);
        if (strcmp(nm->data, "__dict__") == 0) {
            if (ndict++) {
                exc_raise(exc_TypeError, "__dict__ slot disallowed: we already got one");
                return false;
            }
            continue;
        }
        if (strcmp(nm->data, "__weakref__") == 0) {
            if (nweak++) {
                exc_raise(exc_TypeError,
                          "__weakref__ slot disallowed: either we already got one, or __itemsize__ != 0");
                return false;
            }
            continue;
        }
        Value key = slot_stored_name(c, nm);
        gc_push_root(key);
        ObjStr *ikey = AS_STR(str_intern(AS_STR(key)->data, AS_STR(key)->len));
        gc_pop_root(1);
        if (strcmp(ikey->data, "__classcell__") != 0 && dict_get_str(c->dict, ikey)) {
            Value r = obj_repr(OBJ_VAL(ikey));
            if (r) {
                exc_raise(exc_ValueError, "%s in __slots__ conflicts with class variable", AS_STR(r)->data);
            }
            return false;
        }
    }
    return true;
}

// How many values class [k]'s own __slots__ adds to its instances (not
// __dict__ or __weakref__).
static uint32_t own_slot_count(ObjClass *k) {
    Value sl = (k->flags & CLS_USER) ? dict_get_str(k->dict, ST->s_slots) : VAL_NULL;
    size_t n = 0;
    Value *items = sl ? slots_items(&sl, &n) : NULL;
    uint32_t count = 0;
    for (size_t i = 0; i < n; i++) {
        count += IS_STR(items[i]) && strcmp(AS_STR(items[i])->data, "__dict__") != 0 &&
                 strcmp(AS_STR(items[i])->data, "__weakref__") != 0;
    }
    return count;
}

// The class of [k]'s MRO whose __slots__ added the last of its instances'
// slot values (CPython's solid base), NULL when they have none.
static ObjClass *slots_solid(ObjClass *k) {
    for (size_t i = 0; k->nslots && i < k->mro->len; i++) {
        ObjClass *m = AS_CLASS(k->mro->items[i]);
        if (own_slot_count(m)) {
            return m;
        }
    }
    return NULL;
}

// Lays out the __slots__ values of new user class [c] whose builtin base
// is [native]: its bases' (one of them, whose slots every other base's
// are a prefix of, else a layout conflict as in CPython's best_base),
// then its own, after the ObjInstance part; *[first]: the index of its
// own first. A class without __dict__ in any class of its MRO gets no
// instance dict (dict_offset 0). A builtin's subclass keeps its slots in
// its instance dict. False: error set.
static bool class_layout_slots(ObjClass *c, ObjClass *native, uint32_t *first) {
    ObjClass *best = NULL;
    for (size_t i = 0; i < c->bases->len; i++) {
        ObjClass *b = AS_CLASS(c->bases->items[i]);
        if ((b->flags & CLS_USER) && b->nslots && (!best || b->nslots > best->nslots)) {
            best = b;
        }
    }
    for (size_t i = 0; best && i < c->bases->len; i++) {
        ObjClass *b = AS_CLASS(c->bases->items[i]);
        if (native != cls_object || ((b->flags & CLS_USER) && b->nslots && !class_is_subclass(best, slots_solid(b)))) {
            exc_raise(exc_TypeError, "multiple bases have instance lay-out conflict");
            return false;
        }
    }
    *first = best ? best->nslots : 0;
    if (native != cls_object) {
        return true;
    }
    c->nslots = *first + own_slot_count(c);
    if (c->nslots) {
        c->inst_size = (uint32_t)(sizeof(ObjInstance) + c->nslots * sizeof(Value));
        c->trace = trace_slotted;
    }
    if ((c->flags & CLS_HAS_SLOTS) && !slots_allow(c, str_intern_c("__dict__"))) {
        c->dict_offset = 0;
    }
    return true;
}

// and namespace [ns] (becomes the class dict).
Value class_create(ObjStr *name, ObjTuple *bases, ObjDict *ns) {
    return class_create_in(cls_type, name, bases, ns);
}

Value class_create_in(ObjClass *meta, ObjStr *name, ObjTuple *bases, ObjDict *ns) {
    ObjTuple *b = bases;
    if (b->len == 0) {
        b = AS_TUPLE(tuple_pack(1, OBJ_VAL(cls_object)));
    }
    ObjClass *native = NULL;
    for (size_t i = 0; i < b->len; i++) {
        if (!IS_CLASS(b->items[i])) {
            // (CPython finds the winning metaclass first: the base's type is not one)
            return exc_raise(exc_TypeError, "metaclass conflict: the metaclass of a derived class must be a "
                                            "(non-strict) subclass of the metaclasses of all its bases");
        }
        ObjClass *bc = AS_CLASS(b->items[i]);
        if (!(bc->flags & CLS_BASETYPE)) {
            bool qualify = !(bc->flags & CLS_USER) && bc->module && strcmp(bc->module->data, "builtins") != 0;
            return exc_raise(exc_TypeError, "type '%s%s%s' is not an acceptable base type",
                             qualify ? bc->module->data : "", qualify ? "." : "", bc->name->data);
        }
        // a builtin base is its own slot source (Counter, OrderedDict,
        // defaultdict keep dict's layout but have slots of their own)
        ObjClass *nb = (bc->flags & CLS_USER) ? bc->native_base : bc;
        if (!native || (native == cls_object && nb != cls_object)) {
            native = nb;
        } else if (nb != cls_object && nb != native && !class_is_subclass(nb, native)) {
            if (class_is_subclass(native, nb) || solid_base(native) == solid_base(nb)) {
                continue;   // e.g. (KeyError, AttributeError): one instance layout
            }
            return exc_raise(exc_TypeError, "multiple bases have instance lay-out conflict");
        } else if (class_is_subclass(nb, native)) {
            native = nb;
        }
    }
    if (!native) {
        native = cls_object;
    }
    if (dict_get_str(ns, str_intern_c("__eq__")) && !dict_get_str(ns, str_intern_c("__hash__"))) {
        dict_set_str(ns, str_intern_c("__hash__"), VAL_NONE);   // as CPython's type_new
    }
    ObjClass *c = (ObjClass *)obj_alloc(meta, sizeof(ObjClass));
    c->seq = class_next_seq();
    gc_push_root(OBJ_VAL(c));
    // Slots start as the native base's; class_compute_slots refines them.
    size_t off = offsetof(ObjClass, new_);
    memcpy((char *)c + off, (char *)native + off, sizeof(ObjClass) - off);
    c->native_base = native;
    c->inst_size = native->inst_size ? native->inst_size : (uint32_t)sizeof(ObjInstance);
    c->dict_offset = native->dict_offset;
    if (!c->dict_offset && native != cls_object) {
        if (native == cls_bool) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "subclassing '%s' is not supported", native->name->data);
        }
        if (native == cls_str || class_is_subclass(native, cls_tuple)) {
            // variable-size layout: the instance dict goes after the data
            c->dict_offset = DICT_OFFSET_TRAILING;
            c->inst_size = native->inst_size + CLASS_TRAILING_EXTRA;
            c->trace = trace_subclass_trailing;
        } else {
            // the instance dict goes after the builtin layout
            c->dict_offset = native->inst_size;
            c->inst_size = native->inst_size + (uint32_t)sizeof(ObjDict *);
            c->trace = trace_subclass;
        }
    }
    if (!c->dict_offset) {
        c->dict_offset = offsetof(ObjInstance, dict);
        if (c->inst_size < sizeof(ObjInstance)) {
            c->inst_size = sizeof(ObjInstance);
        }
    }
    if (!c->trace) {
        c->trace = trace_instance;
    }
    c->flags = CLS_USER | CLS_BASETYPE | (native->flags & (CLS_EXCEPTION | CLS_ODICT | CLS_META));
    c->name = name;
    c->bases = b;
    c->dict = ns;
    Value mod = dict_get_str(ns, ST->s_module);
    c->module = mod && IS_STR(mod) ? AS_STR(mod) : str_intern_c("__main__");
    // the class statement's __qualname__ leaves the namespace for the type
    // (CPython's type_new): instances and vars(C) do not show it
    Value qn = dict_get_str(ns, ST->s_qualname);
    if (qn) {
        if (!IS_STR(qn)) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "type __qualname__ must be a str, not %s", val_type_name(qn));
        }
        c->qualname = AS_STR(str_intern(AS_STR(qn)->data, AS_STR(qn)->len));
        dict_del(ns, OBJ_VAL(ST->s_qualname));
    }
    c->mro = c3_mro(c, bases->len ? bases : b);
    if (!c->mro) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    for (size_t i = 1; i < c->mro->len; i++) {
        AS_CLASS(c->mro->items[i])->flags |= CLS_HAS_SUBCLASS;
    }
    class_compute_slots(c);
    for (size_t i = 0; i < c->mro->len; i++) {
        ObjClass *k = AS_CLASS(c->mro->items[i]);
        if ((k->flags & CLS_USER) && dict_get_str(k->dict, str_intern_c("__slots__"))) {
            c->flags |= CLS_HAS_SLOTS;
        }
    }
    uint32_t first_slot;
    if (!class_check_slots(c) || !class_layout_slots(c, native, &first_slot)) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    if (class_add_members(c, first_slot)) {
        class_compute_slots(c);     // __slots__ = ('__getitem__', ...): the members are the dunders
    }
    class_add_dict_weakref(c);
    gc_pop_root(1);
    return OBJ_VAL(c);
}

bool class_is_subclass(ObjClass *c, ObjClass *base) {
    if (c == base) {
        return true;
    }
    if (!c->mro) {
        return false;
    }
    for (size_t i = 0; i < c->mro->len; i++) {
        if (AS_CLASS(c->mro->items[i]) == base) {
            return true;
        }
    }
    return false;
}

void class_changed(void) {
    ST->cls.version++;
}

static Value lookup_mro(ObjClass *c, ObjStr *name);

Value class_lookup_fill(ObjClass *c, ObjStr *name) {
    if (!name->interned) {
        return lookup_mro(c, name);
    }
    MCacheEntry *e = &ST->cls.mcache[(((uintptr_t)c >> 4) ^ ((uintptr_t)name >> 3)) & (MCACHE_SIZE - 1)];
    Value v = lookup_mro(c, name);
    e->cls = c;
    e->name = name;
    e->value = v;
    e->version = ST->cls.version;
    return v;
}

static Value lookup_mro(ObjClass *c, ObjStr *name) {
    if (!c->mro) {
        return c->dict ? dict_get_str(c->dict, name) : VAL_NULL;
    }
    ObjTuple *mro = c->mro;
    for (size_t i = 0; i < mro->len; i++) {
        ObjClass *k = AS_CLASS(mro->items[i]);
        if (k->dict) {
            Value v = dict_get_str(k->dict, name);
            if (v) {
                return v;
            }
        }
    }
    return VAL_NULL;
}

// Looks [name] up along the MRO: the user function that defines it, or
// VAL_NULL when the first class that has the slot is a builtin one.
static Value user_dunder(ObjClass *c, const char *name) {
    ObjStr *s = str_intern_c(name);
    for (size_t i = 0; i < c->mro->len; i++) {
        ObjClass *k = AS_CLASS(c->mro->items[i]);
        Value v = k->dict ? dict_get_str(k->dict, s) : VAL_NULL;
        if (!(k->flags & CLS_USER)) {
            if (v) {
                return VAL_NULL;    // a builtin earlier in the MRO defines it
            }
            continue;               // (int has no __contains__: a later mixin's counts)
        }
        if (v) {
            return v;
        }
    }
    return VAL_NULL;
}

bool class_has_user_dunder(ObjClass *c, const char *name) {
    return (c->flags & CLS_USER) && user_dunder(c, name);
}

void class_compute_slots(ObjClass *c) {
    ObjClass *n = c->native_base;
    class_changed();
#define PICK(slot, dunder, tramp) c->slot = user_dunder(c, dunder) ? tramp : n->slot
    PICK(repr, "__repr__", slot_repr);
    PICK(str, "__str__", slot_str);
    if (user_dunder(c, "__repr__") && !user_dunder(c, "__str__") && n->str == NULL) {
        c->str = NULL;
    }
    Value uh = user_dunder(c, "__hash__");
    if (uh && IS_NONE(uh)) {
        c->hash = NULL;     // __hash__ = None: unhashable
    } else if (uh) {
        c->hash = slot_hash;
    } else if (user_dunder(c, "__eq__")) {
        c->hash = NULL;     // __eq__ without __hash__: unhashable
        c->flags |= 0;
    } else {
        c->hash = n->hash;
    }
    bool cmp = false;
    for (int i = 0; i < OP__RICH_COUNT; i++) {
        cmp = cmp || user_dunder(c, ops_cmp_dunder[i]);
    }
    c->richcompare = cmp ? slot_richcompare : n->richcompare;
    c->binop = class_has_user_binop(c) ? slot_binop : n->binop;
    c->unop = (user_dunder(c, "__neg__") || user_dunder(c, "__pos__") ||
               user_dunder(c, "__invert__") || user_dunder(c, "__abs__"))
                  ? slot_unop
                  : n->unop;
    c->truthy = (user_dunder(c, "__bool__") || user_dunder(c, "__len__")) ? slot_truthy : n->truthy;
    if (user_dunder(c, "__del__")) {
        if (ST->gc.lib_depth == 0) {
            // the program's own (not the library's resource warnings): the
            // VM reports dropped references while instances live
            c->flags |= CLS_EAGER_DEL;
        }
        c->flags |= CLS_GC_HOOK;    // finalize.c runs it
    }
    PICK(len, "__len__", slot_len);
    PICK(iter, "__iter__", slot_iter);
    PICK(next, "__next__", slot_next);
    PICK(getitem, "__getitem__", slot_getitem);
    c->setitem = (user_dunder(c, "__setitem__") || user_dunder(c, "__delitem__")) ? slot_setitem
                                                                                  : n->setitem;
    PICK(contains, "__contains__", slot_contains);
    PICK(call, "__call__", slot_call);
    c->getattr = user_dunder(c, "__getattribute__") ? slot_getattribute : n->getattr;
    c->getattr_missing = n->getattr_missing;
    c->setattr = (user_dunder(c, "__setattr__") || user_dunder(c, "__delattr__")) ? slot_setattr
                                                                                  : n->setattr;
    if (user_dunder(c, "__getattr__")) {
        c->flags |= CLS_USER_GETATTR;
    } else {
        c->flags &= ~(uint32_t)CLS_USER_GETATTR;
    }
#undef PICK
}

// ---- wrappers that expose builtin slots as dunder methods
// (object.__init__, Exception.__str__, int.__add__ ... for super() calls)
static Value call_slot(int slot, ObjClass *owner, int argc, Value *argv, ObjDict *kw);
static bool slot_call_ok(ObjNative *n, int argc, Value *argv, ObjDict *kw);

Value native_call_slot(ObjNative *n, int argc, Value *argv, ObjDict *kw) {
    if (!slot_call_ok(n, argc, argv, kw)) {
        return VAL_NULL;
    }
    return call_slot(n->slot, n->owner, argc, argv, kw);
}

// CPython's slot wrappers say "descriptor '__len__' requires a 'list'
// object"; its method descriptors (list.append, but also list.__getitem__
// and dict.__contains__, which CPython defines as methods) say "descriptor
// 'append' for 'list' objects doesn't apply to a 'int' object".
static bool wrapper_style(ObjNative *n) {
    if (n->slot) {
        return !n->method_style;
    }
    static const char *const slots[] = {
        "__init__", "__repr__", "__str__", "__hash__", "__lt__", "__le__", "__eq__", "__ne__",
        "__gt__", "__ge__", "__len__", "__iter__", "__next__", "__getitem__", "__setitem__",
        "__delitem__", "__contains__", "__getattribute__", "__setattr__", "__delattr__",
        "__call__", "__bool__", "__get__", "__set__", "__delete__", "__del__", "__await__",
        "__aiter__", "__anext__", "__neg__", "__pos__", "__abs__", "__invert__", "__int__",
        "__float__", "__index__", NULL};
    for (const char *const *s = slots; *s; s++) {
        if (strcmp(*s, n->name) == 0) {
            return true;
        }
    }
    return false;
}

// The one check of `self` for a builtin method or slot wrapper reached
// through its class (list.append(x, 1), list.__repr__(x)): argv[0] must be
// an instance of the defining class (for a classmethod: a subclass of it),
// else TypeError with CPython's message.
// CPython's tp_name: "deque" is "collections.deque" in its messages.
static const char *tp_name(ObjClass *c, char *buf, size_t cap) {
    if (c->flags & CLS_USER || !c->module || strcmp(c->module->data, "builtins") == 0) {
        return c->name->data;
    }
    snprintf(buf, cap, "%s.%s", c->module->data, c->name->data);
    return buf;
}

bool native_check_self(ObjNative *n, int argc, Value *argv) {
    if (!n->owner || n->is_static || n->self) {
        return true;
    }
    char obuf[128], cbuf[128];
    // the owner's printed name, formatted only on the error paths
#define OWNER tp_name(n->owner, obuf, sizeof obuf)
    if (argc == 0) {
        if (wrapper_style(n) || n->is_classmethod) {
            exc_raise(exc_TypeError, "descriptor '%s' of '%s' object needs an argument", n->name,
                      OWNER);
        } else {
            exc_raise(exc_TypeError, "unbound method %s.%s() needs an argument", OWNER, n->name);
        }
        return false;
    }
    ObjClass *c = val_class(argv[0]);
    if (n->is_classmethod) {
        if (!IS_CLASS(argv[0])) {
            exc_raise(exc_TypeError, "descriptor '%s' for type '%s' needs a type, not a '%s' as arg 2",
                      n->name, OWNER, c->name->data);
            return false;
        }
        if (!class_is_subclass(AS_CLASS(argv[0]), n->owner)) {
            exc_raise(exc_TypeError, "descriptor '%s' requires a subtype of '%s' but received '%s'",
                      n->name, OWNER, AS_CLASS(argv[0])->name->data);
            return false;
        }
        return true;
    }
    if (c == n->owner || class_is_subclass(c, n->owner)) {
        return true;
    }
    const char *got = tp_name(c, cbuf, sizeof cbuf);
    if (wrapper_style(n)) {
        exc_raise(exc_TypeError, "descriptor '%s' requires a '%s' object but received a '%s'",
                  n->name, OWNER, got);
    } else {
        exc_raise(exc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                  n->name, OWNER, got);
    }
#undef OWNER
    return false;
}

// Number of arguments after self a slot wrapper takes; -1: any.
static int slot_arity(int slot) {
    switch (slot) {
    case SLOT_REPR: case SLOT_STR: case SLOT_HASH: case SLOT_LEN: case SLOT_ITER:
    case SLOT_NEXT: case SLOT_BOOL: case SLOT_NEG: case SLOT_POS: case SLOT_INVERT: case SLOT_ABS:
        return 0;
    case SLOT_SETITEM: case SLOT_SETATTR:
        return 2;
    case SLOT_CALL: case SLOT_NEW:
        return -1;
    default:
        return 1;
    }
}

// Checks a slot wrapper call's self and argument count, as CPython's
// wrapper descriptors do; false with TypeError raised.
static bool slot_call_ok(ObjNative *n, int argc, Value *argv, ObjDict *kw) {
    if (n->slot == SLOT_NEW) {
        return true;    // call_slot checks the class argument
    }
    if (!native_check_self(n, argc, argv)) {
        return false;
    }
    int want = slot_arity(n->slot);
    if (want < 0) {
        return true;
    }
    if (kw && kw->used) {
        if (n->method_style) {
            exc_raise(exc_TypeError, "%s.%s() takes no keyword arguments", n->owner->name->data,
                      n->name);
        } else {
            exc_raise(exc_TypeError, "wrapper %s() takes no keyword arguments", n->name);
        }
        return false;
    }
    if (argc - 1 != want) {
        if (n->method_style) {
            exc_raise(exc_TypeError, "%s.%s() takes exactly one argument (%d given)",
                      n->owner->name->data, n->name, argc - 1);
        } else {
            // (CPython's two-argument wrappers unpack with an empty name)
            exc_raise(exc_TypeError, "%sexpected %d argument%s, got %d", want == 2 ? " " : "",
                      want, want == 1 ? "" : "s", argc - 1);
        }
        return false;
    }
    return true;
}

// object.__new__(cls) / int.__new__(cls, x) ...: [cls] must be a subtype of
// [c] whose nearest builtin ancestor makes instances the way [c] does (as
// CPython's tp_new_wrapper checks), so no blank object of a C type (a
// generator, a str) is made by the wrong allocator.
static bool new_ok(ObjClass *c, int argc, Value *argv) {
    const char *cn = c->name->data;
    if (argc < 1) {
        exc_raise(exc_TypeError, "%s.__new__(): not enough arguments", cn);
        return false;
    }
    if (!IS_CLASS(argv[0])) {
        exc_raise(exc_TypeError, "%s.__new__(X): X is not a type object (%s)", cn,
                  val_type_name(argv[0]));
        return false;
    }
    ObjClass *sub = AS_CLASS(argv[0]);
    if (!class_is_subclass(sub, c)) {
        exc_raise(exc_TypeError, "%s.__new__(%s): %s is not a subtype of %s", cn, sub->name->data,
                  sub->name->data, cn);
        return false;
    }
    // the nearest class whose __new__ is not a pyish one (CPython skips the
    // classes whose tp_new is slot_tp_new), going up through tp_base: the
    // base whose layout the class has (class X(Mixin, str) goes to str)
    // (a namedtuple class, made at run time, is a heap type too: CPython's is
    // a Python class, whose __new__ is a function, which checks nothing)
#define HEAP_C_CLASS(k) (((k)->flags & (CLS_HEAPTYPE | CLS_STRUCTSEQ)) == CLS_HEAPTYPE)
    if (HEAP_C_CLASS(c)) {
        return true;
    }
    ObjClass *staticbase = sub;
    while ((((staticbase->flags & CLS_USER) &&
             (class_has_user_dunder(staticbase, "__new__") || HEAP_C_CLASS(staticbase->native_base))) ||
            HEAP_C_CLASS(staticbase)) &&
           staticbase->bases->len) {
        ObjClass *next = AS_CLASS(staticbase->bases->items[0]);
        for (size_t i = 0; i < staticbase->bases->len; i++) {
            ObjClass *b = AS_CLASS(staticbase->bases->items[i]);
            if (b->native_base == staticbase->native_base) {
                next = b;
                break;
            }
        }
        staticbase = next;
    }
    if (staticbase->new_ != c->new_) {
        // CPython's tp_name: a C class of a module other than builtins is "module.name"
        ObjClass *named[2] = {sub, staticbase};
        const char *pre[2] = {"", ""}, *dot[2] = {"", ""};
        for (int i = 0; i < 2; i++) {
            ObjStr *m = named[i]->module;
            if (!(named[i]->flags & CLS_USER) && m && strcmp(m->data, "builtins") != 0) {
                pre[i] = m->data;
                dot[i] = ".";
            }
        }
        exc_raise(exc_TypeError, "%s.__new__(%s%s%s) is not safe, use %s%s%s.__new__()", cn, pre[0], dot[0],
                  sub->name->data, pre[1], dot[1], staticbase->name->data);
        return false;
    }
    return true;
}
#undef HEAP_C_CLASS

// int's and bool's own operator wrappers take only ints: (1).__add__(1.0)
// and (1).__eq__(1.0) are NotImplemented, as CPython's (the operators
// themselves go on to float's reflected method).
static bool int_slot_foreign(ObjClass *c, Value other) {
    return (c == cls_int || c == cls_bool) && !class_is_subclass(val_class(other), cls_int);
}

static Value call_slot(int slot, ObjClass *c, int argc, Value *argv, ObjDict *kw) {
    Value self = argc > 0 ? argv[0] : VAL_NULL;
    switch (slot) {
    case SLOT_REPR:
        return c->repr ? c->repr(self) : generic_repr(self);
    case SLOT_STR:
        return c->str ? c->str(self) : obj_repr(self);
    case SLOT_HASH: {
        int64_t h;
        if (!c->hash) {
            return exc_raise(exc_TypeError, "unhashable type: '%s'", val_type_name(self));
        }
        return c->hash(self, &h) ? int_from_i64(h) : VAL_NULL;
    }
    case SLOT_LT: case SLOT_LE: case SLOT_EQ: case SLOT_NE: case SLOT_GT: case SLOT_GE:
        if (argc != 2) {
            return exc_raise(exc_TypeError, "expected 1 argument, got %d", argc - 1);
        }
        if (!c->richcompare || int_slot_foreign(c, argv[1])) {
            return VAL_NOTIMPL;
        }
        return c->richcompare(self, argv[1], slot - SLOT_LT);
    case SLOT_LEN: {
        int64_t n = c->len ? c->len(self) : -1;
        return n < 0 ? VAL_NULL : int_from_i64(n);
    }
    case SLOT_ITER:
        return c->iter ? c->iter(self) : exc_raise(exc_TypeError, "not iterable");
    case SLOT_NEXT: {
        Value out;
        int r = c->next ? c->next(self, &out) : -1;
        if (r == 0) {
            return exc_raise_value(OBJ_VAL(exc_StopIteration));
        }
        return r < 0 ? VAL_NULL : out;
    }
    case SLOT_GETITEM:
        return c->getitem(self, argv[1]);
    case SLOT_SETITEM:
        return c->setitem(self, argv[1], argv[2]) ? VAL_NONE : VAL_NULL;
    case SLOT_DELITEM:
        return c->setitem(self, argv[1], VAL_NULL) ? VAL_NONE : VAL_NULL;
    case SLOT_CONTAINS: {
        int r = c->contains ? c->contains(self, argv[1]) : -1;
        return r < 0 ? VAL_NULL : VAL_BOOL(r);
    }
    case SLOT_GETATTRIBUTE:
        if (!IS_STR(argv[1])) {
            return exc_raise(exc_TypeError, "attribute name must be string");
        }
        return c->getattr ? c->getattr(self, AS_STR(argv[1])) : generic_getattr(self, AS_STR(argv[1]));
    case SLOT_SETATTR:
        if (!IS_STR(argv[1])) {
            return exc_raise(exc_TypeError, "attribute name must be string");
        }
        return (c->setattr ? c->setattr(self, AS_STR(argv[1]), argv[2])
                           : generic_setattr(self, AS_STR(argv[1]), argv[2]))
                   ? VAL_NONE
                   : VAL_NULL;
    case SLOT_DELATTR:
        if (!IS_STR(argv[1])) {
            return exc_raise(exc_TypeError, "attribute name must be string");
        }
        return (c->setattr ? c->setattr(self, AS_STR(argv[1]), VAL_NULL)
                           : generic_setattr(self, AS_STR(argv[1]), VAL_NULL))
                   ? VAL_NONE
                   : VAL_NULL;
    case SLOT_CALL:
        return c->call ? c->call(self, argc - 1, argv + 1, kw) : vm_call(self, argc - 1, argv + 1, kw);
    case SLOT_BOOL: {
        int t = c->truthy ? c->truthy(self) : 1;
        return t < 0 ? VAL_NULL : VAL_BOOL(t);
    }
    case SLOT_NEW:
        // object.__new__(cls, ...) / int.__new__(cls, x) ...
        if (!new_ok(c, argc, argv)) {
            return VAL_NULL;
        }
        if (c == cls_object) {
            return object_new(AS_CLASS(self), argc - 1, argv + 1, kw);
        }
        return c->new_(AS_CLASS(self), argc - 1, argv + 1, kw);
    case SLOT_NEG: case SLOT_POS: case SLOT_INVERT:
        return c->unop ? c->unop(self, slot == SLOT_NEG ? UN_NEG : slot == SLOT_POS ? UN_POS : UN_INVERT)
                       : VAL_NOTIMPL;
    case SLOT_ABS: {
        if (IS_FLOATISH(self)) {
            return float_new(fabs(AS_FLOAT(self)));
        }
        int neg = obj_lt(self, MK_SMALL(0));
        if (neg < 0) {
            return VAL_NULL;
        }
        return c->unop ? c->unop(self, neg ? UN_NEG : UN_POS) : VAL_NOTIMPL;
    }
    case SLOT_DIVMOD: case SLOT_RDIVMOD: {
        Value a = slot == SLOT_DIVMOD ? self : argv[1], b = slot == SLOT_DIVMOD ? argv[1] : self;
        if (!(IS_INT(a) || IS_FLOATISH(a) || (a) == VAL_TRUE || (a) == VAL_FALSE) || !(IS_INT(b) || IS_FLOATISH(b) || (b) == VAL_TRUE || (b) == VAL_FALSE) ||
            (c == cls_int && (IS_FLOATISH(a) || IS_FLOATISH(b)))) {
            return VAL_NOTIMPL;
        }
        return num_divmod(a, b);
    }
    default:
        if (slot >= SLOT_BINOP && slot < SLOT_BINOP + 2 * BIN__COUNT) {
            int op = (slot - SLOT_BINOP) % BIN__COUNT;
            bool reflected = slot - SLOT_BINOP >= BIN__COUNT;
            if (!c->binop || int_slot_foreign(c, argv[1])) {
                return VAL_NOTIMPL;
            }
            return reflected ? c->binop(argv[1], self, op) : c->binop(self, argv[1], op);
        }
        return exc_raise(exc_TypeError, "bad slot call");
    }
}

static void add_slot_wrapper(ObjClass *c, const char *name, int slot) {
    ObjStr *s = str_intern_c(name);
    if (dict_get_str(c->dict, s)) {
        return;
    }
    ObjNative *n = (ObjNative *)AS_OBJ(native_new(name, NULL, c));
    n->slot = slot;
    // CPython defines these as methods, not slot wrappers
    n->method_style = (slot == SLOT_GETITEM && (c == cls_list || c == cls_dict)) ||
                      (slot == SLOT_CONTAINS &&
                       (c == cls_dict || c == cls_set || c == cls_frozenset));
    dict_set_str(c->dict, s, OBJ_VAL(n));
}

// The binary operators whose __op__ (*fwd) and __rop__ (*refl) wrappers
// builtin class [c] shows, as CPython's type defines them (str has __mod__
// and __rmod__ but no __radd__; type only __or__/__ror__ for unions).
static void binop_exposed(ObjClass *c, uint32_t *fwd, uint32_t *refl) {
#define B(op) (1u << BIN_##op)
    uint32_t all = c->binop_ops ? c->binop_ops : (1u << BIN__COUNT) - 1;
    *fwd = *refl = all;
    if (c == cls_str || c == cls_bytes || c == cls_bytearray) {
        *fwd = B(ADD) | B(MUL) | B(MOD);
        *refl = B(MUL) | B(MOD);
    } else if (c == cls_list || c == cls_tuple || c == cls_deque) {
        *fwd = B(ADD) | B(MUL);
        *refl = B(MUL);
    } else if (c == cls_dict || c == cls_type || c == cls_union || c == cls_mappingproxy) {
        *fwd = *refl = B(OR);
    } else if (c == cls_none) {
        *fwd = *refl = 0;
    } else if (c == cls_set || c == cls_frozenset || c == cls_dict_keys || c == cls_dict_items) {
        *fwd = *refl = B(AND) | B(OR) | B(SUB) | B(XOR);
    } else if (c == cls_counter) {
        *fwd = B(ADD) | B(SUB) | B(OR) | B(AND);
        *refl = 0;
    } else if (c == cls_bool) {
        *fwd = *refl = B(AND) | B(OR) | B(XOR);
    }
#undef B
}

// Adds __repr__, __eq__, __add__ ... natives to each builtin class for the
// slots it defines itself (not inherited), so user code can call them.
static void add_slot_wrappers(ObjClass *c) {
    ObjClass *base = c->bases && c->bases->len ? AS_CLASS(c->bases->items[0]) : NULL;
#define OWN(slot) (c->slot && (!base || base->slot != c->slot))
    if (OWN(repr)) {
        add_slot_wrapper(c, "__repr__", SLOT_REPR);
    }
    if (OWN(str) || c == cls_object) {
        add_slot_wrapper(c, "__str__", SLOT_STR);
    }
    if (c == cls_dict_keys || c == cls_dict_items) {
        c->hash = NULL;     // set-like views: unhashable, as CPython's
    }
    if (c == cls_list || c == cls_dict || c == cls_set || c == cls_deque || c == cls_bytearray ||
        c == cls_dict_keys || c == cls_dict_items) {
        // unhashable builtins: __hash__ is None in their dict, as CPython's
        // (collections.abc.Hashable's check looks for it)
        dict_set_str(c->dict, str_intern_c("__hash__"), VAL_NONE);
    } else if (OWN(hash)) {
        add_slot_wrapper(c, "__hash__", SLOT_HASH);
    }
    if (OWN(richcompare)) {
        for (int i = 0; i < OP__RICH_COUNT; i++) {
            add_slot_wrapper(c, ops_cmp_dunder[i], SLOT_LT + i);
        }
    }
    if (OWN(len)) {
        add_slot_wrapper(c, "__len__", SLOT_LEN);
    }
    if (OWN(iter)) {
        add_slot_wrapper(c, "__iter__", SLOT_ITER);
    }
    if (OWN(next)) {
        add_slot_wrapper(c, "__next__", SLOT_NEXT);
    }
    if (OWN(getitem)) {
        add_slot_wrapper(c, "__getitem__", SLOT_GETITEM);
    }
    if (OWN(setitem)) {
        add_slot_wrapper(c, "__setitem__", SLOT_SETITEM);
        add_slot_wrapper(c, "__delitem__", SLOT_DELITEM);
    }
    if (OWN(contains)) {
        add_slot_wrapper(c, "__contains__", SLOT_CONTAINS);
    }
    if (OWN(truthy) && (!c->len || c == cls_range)) {   // (containers are true by their __len__)
        add_slot_wrapper(c, "__bool__", SLOT_BOOL);
    }
    if (OWN(unop) && (c == cls_int || c == cls_float || c == cls_complex)) {
        add_slot_wrapper(c, "__neg__", SLOT_NEG);
        add_slot_wrapper(c, "__pos__", SLOT_POS);
        add_slot_wrapper(c, "__abs__", SLOT_ABS);
        if (c == cls_int) {
            add_slot_wrapper(c, "__invert__", SLOT_INVERT);
        }
    }
    if (c == cls_int || c == cls_float) {
        add_slot_wrapper(c, "__divmod__", SLOT_DIVMOD);
        add_slot_wrapper(c, "__rdivmod__", SLOT_RDIVMOD);
    }
    if (OWN(call) || c == cls_function || c == cls_native || c == cls_bound_method) {
        add_slot_wrapper(c, "__call__", SLOT_CALL);     // (collections.abc.Callable's check looks for it)
    }
    if (OWN(binop)) {
        uint32_t fwd, refl;
        binop_exposed(c, &fwd, &refl);
        for (int i = 0; i < BIN__COUNT; i++) {
            if (fwd & (1u << i)) {
                add_slot_wrapper(c, ST->s_binop[0][i]->data, SLOT_BINOP + i);
            }
            if (refl & (1u << i)) {
                add_slot_wrapper(c, ST->s_binop[1][i]->data, SLOT_BINOP + BIN__COUNT + i);
            }
        }
    }
    if (c == cls_object) {
        add_slot_wrapper(c, "__getattribute__", SLOT_GETATTRIBUTE);
        add_slot_wrapper(c, "__setattr__", SLOT_SETATTR);
        add_slot_wrapper(c, "__delattr__", SLOT_DELATTR);
    }
    if (c == cls_type) {
        // type.__setattr__ (super() in a metaclass): updates slots and caches
        add_slot_wrapper(c, "__setattr__", SLOT_SETATTR);
        add_slot_wrapper(c, "__delattr__", SLOT_DELATTR);
    }
    if (c->new_ && (!base || base->new_ != c->new_ || c == cls_object)) {
        add_slot_wrapper(c, "__new__", SLOT_NEW);
    }
#undef OWN
}

// ---- setup
// object.__init_subclass__(cls): does nothing, takes no arguments.
static Value object_init_subclass(int argc, Value *argv, ObjDict *kw) {
    if (argc > 1 || (kw && kw->used > 0)) {
        return exc_raise(exc_TypeError, "%s.__init_subclass__() takes no keyword arguments",
                         argc > 0 && IS_CLASS(argv[0]) ? AS_CLASS(argv[0])->name->data : "object");
    }
    return VAL_NONE;
}

// object.__format__(self, spec): str(self) for an empty spec; builtin
// values format as format() does.
static Value object_format(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__format__() takes exactly one argument (%d given)", argc - 1);
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "__format__() argument must be str, not %s",
                         IS_NONE(argv[1]) ? "None" : val_type_name(argv[1]));
    }
    ObjClass *c = val_class(argv[0]);
    if (!(c->flags & CLS_USER) || c->native_base != cls_object) {
        return format_value(argv[0], argv[1]);
    }
    if (AS_STR(argv[1])->len > 0) {
        return exc_raise(exc_TypeError, "unsupported format string passed to %s.__format__", c->name->data);
    }
    return obj_str(argv[0]);
}

Value object_reduce_plain(Value obj, Value newobj) {
    ObjClass *c = val_class(obj);
    if (!(c->flags & CLS_USER) || (c->flags & CLS_META)) {
        return VAL_NONE;
    }
    ObjStr *s_rex = str_intern_c("__reduce_ex__"), *s_items = str_intern_c("items");
    ObjClass *nb = c->native_base;
    if (class_lookup(c, s_rex) != dict_get_str(cls_object->dict, s_rex) ||
        class_lookup(c, ST->s_reduce) != dict_get_str(cls_object->dict, ST->s_reduce) ||
        class_lookup(c, str_intern_c("__getnewargs__")) || class_lookup(c, str_intern_c("__getnewargs_ex__")) ||
        !(nb == cls_object ||
          (nb == cls_list && class_lookup(c, ST->s_iter) == dict_get_str(cls_list->dict, ST->s_iter)) ||
          (nb == cls_dict && class_lookup(c, s_items) == dict_get_str(cls_dict->dict, s_items)))) {
        return VAL_NONE;
    }
    ObjStr *s_gs = str_intern_c("__getstate__");
    ObjDict *idict = obj_instance_dict_peek(obj);
    if (idict && idict->used &&
        (dict_get_str(idict, s_rex) || dict_get_str(idict, ST->s_reduce) || dict_get_str(idict, s_gs))) {
        return VAL_NONE;
    }
    Value gs = class_lookup(c, s_gs);
    Value state = gs && gs != dict_get_str(cls_object->dict, s_gs) ? call_method_str(obj, s_gs, 0, NULL)
                                                                    : object_state(obj);
    if (!state) {
        return VAL_NULL;
    }
    gc_push_root(state);
    Value items = VAL_NONE;
    if (nb == cls_list) {
        items = obj_iter(obj);
    } else if (nb == cls_dict) {
        Value view = call_method_str(obj, s_items, 0, NULL);
        gc_push_root(view ? view : VAL_NONE);
        items = view ? obj_iter(view) : VAL_NULL;
        gc_pop_root(1);
    }
    if (!items) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(items);
    Value args = tuple_new(1);
    Value r = args ? tuple_new(5) : VAL_NULL;
    if (r) {
        AS_TUPLE(args)->items[0] = OBJ_VAL(c);
        ObjTuple *t = AS_TUPLE(r);
        t->items[0] = newobj;
        t->items[1] = args;
        t->items[2] = state;
        t->items[3] = nb == cls_list ? items : VAL_NONE;
        t->items[4] = nb == cls_dict ? items : VAL_NONE;
    }
    gc_pop_root(2);
    return r;
}

// object.__reduce_ex__(self, protocol): a class's own __reduce__ when it
// has one, else CPython's reduce_newobj: in C for a plain instance
// (object_reduce_plain), else copyreg's, written in pyish.
static Value object_reduce_ex(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__reduce_ex__() takes exactly one argument (%d given)", argc - 1);
    }
    ObjClass *c = val_class(argv[0]);
    Value own = class_lookup(c, ST->s_reduce);
    Value base = class_lookup(cls_object, ST->s_reduce);
    if (own && own != base) {
        return vm_call(own, 1, argv, NULL);
    }
    if (IS_SMALL(argv[1]) && AS_SMALL(argv[1]) >= 2 && (c->flags & CLS_USER)) {
        Value copyreg = vm_import("copyreg");
        Value newobj = copyreg ? obj_getattr(copyreg, str_intern_c("__newobj__")) : VAL_NULL;
        if (!newobj) {
            return VAL_NULL;
        }
        gc_push_root(newobj);
        Value r = object_reduce_plain(argv[0], newobj);
        gc_pop_root(1);
        if (r != VAL_NONE) {
            return r;
        }
    }
    if (!(c->flags & CLS_USER) && c->native_base == c && !class_lookup(c, str_intern_c("__getnewargs__"))) {
        // (a C class with __getnewargs__, a namedtuple class, is reduced by copyreg)
        return exc_raise(exc_TypeError, "cannot pickle '%s' object", val_type_name(argv[0]));
    }
    Value copyreg = vm_import("copyreg");
    Value f = copyreg ? obj_getattr(copyreg, str_intern_c("_pyish_reduce_ex")) : VAL_NULL;
    return f ? vm_call(f, 2, argv, NULL) : VAL_NULL;
}

// object.__reduce__(self): __reduce_ex__(0), as CPython's.
static Value object_reduce(int argc, Value *argv, ObjDict *kw) {
    Value copyreg = vm_import("copyreg");
    Value f = copyreg ? obj_getattr(copyreg, str_intern_c("_reduce_ex")) : VAL_NULL;
    Value args[2] = {argv[0], MK_SMALL(0)};
    return f ? vm_call(f, 2, args, NULL) : VAL_NULL;
}

Value object_state(Value obj) {
    ObjDict *d = obj_instance_dict_peek(obj);
    Value state = d && d->used ? OBJ_VAL(d) : VAL_NONE;
    ObjClass *c = val_class(obj);
    if (!(c->flags & CLS_USER)) {
        return state;
    }
    // the slot names: cls.__slotnames__, else copyreg._slotnames(cls),
    // which caches them there (every class gets one, [] without slots, as
    // CPython's _PyType_GetSlotNames)
    ObjStr *s_names = str_intern_c("__slotnames__");
    Value names = dict_get_str(c->dict, s_names);
    if (!names) {
        Value copyreg = vm_import("copyreg");
        Value f = copyreg ? obj_getattr(copyreg, str_intern_c("_slotnames")) : VAL_NULL;
        Value cls = OBJ_VAL(c);
        names = f ? vm_call(f, 1, &cls, NULL) : VAL_NULL;
        if (!names) {
            return VAL_NULL;
        }
    }
    if (names != VAL_NONE && !IS_LIST(names)) {
        return exc_raise(exc_TypeError, "copyreg._slotnames didn't return a list or None");
    }
    if (names == VAL_NONE || AS_LIST(names)->len == 0) {
        return state;
    }
    Value slots = dict_new();
    if (!slots) {
        return VAL_NULL;
    }
    gc_push_root(names);
    gc_push_root(slots);
    for (size_t i = 0; i < AS_LIST(names)->len; i++) {
        Value name = AS_LIST(names)->items[i];
        if (!IS_STR(name)) {
            gc_pop_root(2);
            return exc_raise(exc_TypeError, "attribute name must be string, not '%s'", val_type_name(name));
        }
        Value m = class_lookup(c, AS_STR(name));
        Value v = m && IS_A(m, cls_member) ? member_get((ObjMember *)AS_OBJ(m), obj, false)
                                            : obj_getattr_opt(obj, AS_STR(name));
        if ((!v && exc_pending()) || (v && dict_set(AS_DICT(slots), name, v) < 0)) {
            gc_pop_root(2);
            return VAL_NULL;
        }
    }
    if (AS_DICT(slots)->used) {
        Value t = tuple_new(2);
        if (t) {
            AS_TUPLE(t)->items[0] = state;
            AS_TUPLE(t)->items[1] = slots;
        }
        state = t;
    }
    gc_pop_root(2);
    return state;
}

// object.__getstate__(self) (3.11): the instance dict and slots.
static Value object_getstate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("object.__getstate__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return object_state(argv[0]);
}

// object.__subclasshook__(cls, sub): NotImplemented (the normal check).
static Value object_subclasshook(int argc, Value *argv, ObjDict *kw) {
    return VAL_NOTIMPL;
}

// object.__dir__(self): the default attribute names (a user __dir__ may
// extend super().__dir__()).
static Value object_dir(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("object.__dir__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return dir_default(argv[0]);
}

static const MethodDef object_methods[] = {
    {"__init__", object_init, true},
    {"__dir__", object_dir},
    {"__subclasshook__", object_subclasshook},
    {"__format__", object_format},
    {"__reduce_ex__", object_reduce_ex},
    {"__reduce__", object_reduce},
    {"__getstate__", object_getstate},
    {NULL, NULL},
};

static const MethodDef type_methods[] = {
    {"mro", type_mro},
    {"__init__", type_init_fn, true},
    {"__prepare__", type_prepare_fn, true},
    {"__subclasses__", type_subclasses_fn},
    {"__instancecheck__", type_instancecheck_fn},
    {"__subclasscheck__", type_subclasscheck_fn},
    {NULL, NULL},
};

// ---- member descriptors: S.a for `__slots__ = ('a',)` (ObjMember,
// object.h: the value is in the instance at the member's offset, or in the
// instance dict for a builtin's subclass; attribute access on instances
// reads and writes it before the dict, object.c)

static void trace_member(Obj *o) {
    gc_mark_obj((Obj *)((ObjMember *)o)->name);
    gc_mark_obj((Obj *)((ObjMember *)o)->owner);
}

// A builtin's read-only field (class_add_getter) shows as CPython's getset
// descriptor, <attribute 'maxlen' of 'collections.deque' objects>, or
// member descriptor (class_add_member), <member 'pattern' of ...>.
static Value property_repr(Value self) {
    ObjNative *n = property_field_getter(AS_OBJ(self));
    if (n) {
        Value owner = class_dotted_name(n->owner);
        return owner ? str_printf("<%s '%s' of '%s' objects>", n->is_member ? "member" : "attribute", n->name,
                                  AS_STR(owner)->data)
                     : VAL_NULL;
    }
    return generic_repr(self);
}

ObjNative *property_field_getter(Obj *p) {
    Value g = ((ObjProperty *)p)->fget;
    return g && IS_A(g, cls_native) && ((ObjNative *)AS_OBJ(g))->owner ? (ObjNative *)AS_OBJ(g) : NULL;
}

Value class_dotted_name(ObjClass *c) {
    if (!(c->flags & CLS_USER) && c->module && strcmp(c->module->data, "builtins") != 0) {
        return str_printf("%s.%s", c->module->data, c->name->data);
    }
    return OBJ_VAL(c->name);
}

// getset_descriptor's own attributes: __name__, __qualname__, __objclass__, __doc__.
static Value getset_getattr(Value self, ObjStr *name) {
    ObjProperty *p = (ObjProperty *)AS_OBJ(self);
    ObjNative *g = property_field_getter(AS_OBJ(self));
    const char *n = name->data;
    if (g && strcmp(n, "__name__") == 0) {
        return str_from_c(g->name);
    }
    if (g && strcmp(n, "__qualname__") == 0) {
        return str_printf("%s.%s", class_qualname(g->owner)->data, g->name);
    }
    if (g && strcmp(n, "__objclass__") == 0) {
        return OBJ_VAL(g->owner);
    }
    if (strcmp(n, "__doc__") == 0) {
        return p->doc ? p->doc : VAL_NONE;
    }
    return generic_getattr(self, name);
}

static Value member_repr(Value self) {
    ObjMember *m = (ObjMember *)AS_OBJ(self);
    return str_printf("<member '%s' of '%s' objects>", m->name->data, m->owner->name->data);
}

static Value member_getattr(Value self, ObjStr *name) {
    ObjMember *m = (ObjMember *)AS_OBJ(self);
    if (strcmp(name->data, "__name__") == 0) {
        return OBJ_VAL(m->name);
    }
    if (strcmp(name->data, "__objclass__") == 0) {
        return OBJ_VAL(m->owner);
    }
    if (strcmp(name->data, "__qualname__") == 0) {
        return str_printf("%s.%s", class_qualname(m->owner)->data, m->name->data);
    }
    if (strcmp(name->data, "__doc__") == 0) {
        return VAL_NONE;
    }
    return generic_getattr(self, name);
}

// The instance [obj] a member's __get__/__set__ may use, else TypeError.
static bool member_check(ObjMember *m, Value obj) {
    if (class_is_subclass(val_class(obj), m->owner)) {
        return true;
    }
    exc_raise(exc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
              m->name->data, m->owner->name->data, val_type_name(obj));
    return false;
}

Value member_get(ObjMember *m, Value obj, bool raise) {
    if (m->owner != val_class(obj) && !member_check(m, obj)) {
        return VAL_NULL;
    }
    Value v;
    if (m->offset) {
        v = *member_slot(m, AS_OBJ(obj));
    } else {
        ObjDict *d = obj_instance_dict(obj);
        v = d ? dict_get_str(d, m->name) : VAL_NULL;
    }
    if (!v && raise) {
        return exc_raise_attr(obj, m->name, "'%s' object has no attribute '%s'", val_type_name(obj), m->name->data);
    }
    return v;
}

bool member_set(ObjMember *m, Value obj, Value v) {
    if (m->owner != val_class(obj) && !member_check(m, obj)) {
        return false;
    }
    if (!m->offset) {
        return generic_setattr(obj, m->name, v);
    }
    Value *slot = member_slot(m, AS_OBJ(obj));
    if (!v && !*slot) {
        exc_raise(exc_AttributeError, "%s", m->name->data);    // CPython's member_delete words
        return false;
    }
    gc_note_removed(*slot);
    *slot = v;
    return true;
}

static Value member_get_m(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, "expected 1 or 2 arguments, got %d", argc - 1);
    }
    if (IS_NONE(argv[1])) {
        return argv[0];
    }
    return member_get((ObjMember *)AS_OBJ(argv[0]), argv[1], true);
}

static Value member_set_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__set__", argc - 1, 2, 2)) {
        return VAL_NULL;
    }
    return member_set((ObjMember *)AS_OBJ(argv[0]), argv[1], argv[2]) ? VAL_NONE : VAL_NULL;
}

static Value member_delete_m(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__delete__", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return member_set((ObjMember *)AS_OBJ(argv[0]), argv[1], VAL_NULL) ? VAL_NONE : VAL_NULL;
}

static const MethodDef member_methods[] = {
    {"__get__", member_get_m},
    {"__set__", member_set_m},
    {"__delete__", member_delete_m},
    {NULL, NULL},
};

// Puts a member descriptor in user class [c]'s dict for each name of its
// own __slots__ (not __dict__/__weakref__, nor a name the body also binds),
// whose values are the instance's slots from index [first] on (class_layout_slots).
// True when a member is a dunder name (chameleon's RepeatDict has
// __slots__ = '__setitem__', '__getitem__'): the class's slots change.
static bool class_add_members(ObjClass *c, uint32_t first) {
    Value sl = dict_get_str(c->dict, str_intern_c("__slots__"));
    bool dunder = false;
    if (!sl) {
        return false;
    }
    size_t n;
    Value *items = slots_items(&sl, &n);
    for (size_t i = 0; i < n; i++) {
        if (!IS_STR(items[i])) {
            continue;
        }
        ObjStr *nm = AS_STR(items[i]);
        if (strcmp(nm->data, "__dict__") == 0 || strcmp(nm->data, "__weakref__") == 0) {
            continue;
        }
        Value key = slot_stored_name(c, nm);
        gc_push_root(key);
        key = OBJ_VAL(str_intern(AS_STR(key)->data, AS_STR(key)->len));
        gc_pop_root(1);
        uint32_t index = first++;
        if (dict_get_str(c->dict, AS_STR(key))) {
            continue;
        }
        gc_push_root(key);
        ObjMember *m = (ObjMember *)obj_alloc(cls_member, sizeof(ObjMember));
        m->name = AS_STR(key);
        m->owner = c;
        if (c->nslots) {
            m->offset = (uint32_t)(sizeof(ObjInstance) + index * sizeof(Value));
        }
        gc_push_root(OBJ_VAL(m));
        dict_set_str(c->dict, AS_STR(key), OBJ_VAL(m));
        gc_pop_root(2);
        dunder |= nm->data[0] == '_' && nm->data[1] == '_';
    }
    return dunder;
}

// ---- __dict__ and __weakref__ in a user class's dict: CPython's getset
// descriptors, <attribute '__dict__' of 'A' objects>, which type_new adds to
// a class whose base has no instance dict (weak reference list) and whose
// __slots__, if any, name one.
static Value instance_dict_get(int argc, Value *argv, ObjDict *kw) {
    ObjDict *d = obj_instance_dict(argv[0]);
    return d ? OBJ_VAL(d)
             : exc_raise(exc_AttributeError, "'%s' object has no attribute '__dict__'", val_type_name(argv[0]));
}

static Value instance_dict_set(int argc, Value *argv, ObjDict *kw) {
    return obj_replace_instance_dict(argv[0], argc > 1 ? argv[1] : VAL_NULL) ? VAL_NONE : VAL_NULL;
}

static Value instance_weakref_get(int argc, Value *argv, ObjDict *kw) {
    return weakref_first(argv[0]);
}

static void add_getset(ObjClass *c, const char *name, NativeFn get, NativeFn set, const char *doc) {
    ObjProperty *p = (ObjProperty *)obj_alloc(cls_getset, sizeof(ObjProperty));
    p->fget = p->fset = p->fdel = p->doc = VAL_NONE;
    gc_push_root(OBJ_VAL(p));
    p->doc = str_from_c(doc);
    p->fget = native_new(name, get, c);
    if (set) {
        p->fset = p->fdel = native_new(name, set, c);
    }
    dict_set_str(c->dict, str_intern_c(name), OBJ_VAL(p));
    gc_pop_root(1);
}

// Whether base [k] of a new class gives its instances a dict ([*dict]) and
// a weak reference list ([*weak]), as CPython's tp_dictoffset/tp_weaklistoffset.
static void base_slots(ObjClass *k, bool *dict, bool *weak) {
    if (!(k->flags & CLS_USER)) {
        // (not dict_offset: int keeps room there for its subclasses' dicts)
        *dict |= (k->flags & (CLS_EXCEPTION | CLS_META)) || k == cls_function || k == cls_module;
        *weak |= k != cls_object && (k->flags & CLS_META || k == cls_set || k == cls_frozenset ||
                                      k == cls_function || k == cls_module);
        return;
    }
    Value sl = dict_get_str(k->dict, str_intern_c("__slots__"));
    if (!sl) {
        *dict = *weak = true;
        return;
    }
    size_t n;
    Value *items = slots_items(&sl, &n);
    for (size_t i = 0; i < n; i++) {
        if (IS_STR(items[i])) {
            *dict |= strcmp(AS_STR(items[i])->data, "__dict__") == 0;
            *weak |= strcmp(AS_STR(items[i])->data, "__weakref__") == 0;
        }
    }
}

static void class_add_dict_weakref(ObjClass *c) {
    bool has_dict = false, has_weak = false;
    for (size_t i = 1; i < c->mro->len; i++) {
        base_slots(AS_CLASS(c->mro->items[i]), &has_dict, &has_weak);
    }
    // a variable-size builtin base (int, tuple, bytes) has no room for the list
    ObjClass *nb = c->native_base;
    if (nb == cls_int || nb == cls_bool || nb == cls_tuple || class_is_subclass(nb, cls_tuple) || nb == cls_bytes) {
        has_weak = true;
    }
    bool want_dict = false, want_weak = false;
    base_slots(c, &want_dict, &want_weak);
    // (the body's own __dict__/__weakref__ stays, as PyType_Ready's setdefault)
    if (want_dict && !has_dict && !dict_get_str(c->dict, str_intern_c("__dict__"))) {
        add_getset(c, "__dict__", instance_dict_get, instance_dict_set,
                   "dictionary for instance variables (if defined)");
    }
    if (want_weak && !has_weak && !dict_get_str(c->dict, str_intern_c("__weakref__"))) {
        add_getset(c, "__weakref__", instance_weakref_get, NULL,
                   "list of weak references to the object (if defined)");
    }
}

static const MethodDef getset_methods[] = {
    {"__get__", prop_get_m},
    {"__set__", prop_set_m},
    {"__delete__", prop_delete_m},
    {NULL, NULL},
};

static const MethodDef property_methods[] = {
    {"__get__", prop_get_m},
    {"__set__", prop_set_m},
    {"__delete__", prop_delete_m},
    {"__set_name__", prop_set_name_m},
    {"__init__", property_init_m, true},
    {"getter", prop_getter},
    {"setter", prop_setter},
    {"deleter", prop_deleter},
    {NULL, NULL},
};

// First step of runtime_init: `type` and `object` exist, nothing else.
void class_bootstrap(void) {
    gc_add_root_marker(mark_builtins);
    ST->cls.pending = calloc(64, sizeof(Pending));
    ST->cls.mcache = calloc(MCACHE_SIZE, sizeof(MCacheEntry));
    ST->cls.version = 1;
    if (!ST->cls.pending || !ST->cls.mcache) {
        fputs("pyish: out of memory\n", stderr);
        abort();
    }
    cls_type = raw_class(NULL, sizeof(ObjClass));
    cls_type->hdr.cls = cls_type;
    cls_object = raw_class(NULL, sizeof(ObjInstance));
    cls_type->bases = NULL;
    ST->cls.pending_base[ST->cls.npending] = NULL;
    ST->cls.pending[ST->cls.npending++] = (Pending){cls_object, "object", object_methods};
    ST->cls.pending_base[ST->cls.npending] = cls_object;
    ST->cls.pending[ST->cls.npending++] = (Pending){cls_type, "type", type_methods};
    cls_native = raw_class(cls_object, sizeof(ObjNative));
    ST->cls.pending_base[ST->cls.npending] = cls_object;
    ST->cls.pending[ST->cls.npending++] = (Pending){cls_native, "builtin_function_or_method", NULL};
    cls_object->new_ = object_new;
    cls_object->repr = generic_repr;
    cls_object->hash = id_hash;
    cls_object->richcompare = object_richcompare;
    cls_object->dict_offset = 0;
    // made before object's slots were set: inherit them now
    cls_native->repr = generic_repr;
    cls_native->hash = id_hash;
    cls_native->richcompare = object_richcompare;
    cls_type->flags |= CLS_META;
    cls_type->dict_offset = offsetof(ObjClass, dict);   // a metaclass adds no dict
    cls_type->trace = trace_class;
    cls_type->repr = type_repr;
    cls_type->new_ = type_new;
    cls_type->getattr = type_getattr;
    cls_type->setattr = type_setattr;
    cls_type->call = type_call_slot;
    cls_type->binop = union_binop;
    cls_type->hash = id_hash;
    cls_type->richcompare = object_richcompare;
}

// Second step, once str, dict and tuple exist: names, dicts, bases.
void class_ready(void) {
    ST->cls.ready = true;
    for (int i = 0; i < ST->cls.npending; i++) {
        finish_builtin(ST->cls.pending[i].cls, ST->cls.pending[i].name, ST->cls.pending[i].methods);
    }
    // type.__prepare__ is a classmethod
    ((ObjNative *)AS_OBJ(dict_get_str(cls_type->dict, str_intern_c("__prepare__"))))->is_static = true;
    ((ObjNative *)AS_OBJ(dict_get_str(cls_object->dict, str_intern_c("__subclasshook__"))))->is_static = true;
    // MROs need bases in order: object first.
    for (int i = 0; i < ST->cls.npending; i++) {
        if (!ST->cls.pending_base[i]) {
            class_set_bases(ST->cls.pending[i].cls, NULL);
        }
    }
    for (int pass = 0; pass < 8; pass++) {
        for (int i = 0; i < ST->cls.npending; i++) {
            if (ST->cls.pending_base[i] && !ST->cls.pending[i].cls->mro && ST->cls.pending_base[i]->mro) {
                class_set_bases(ST->cls.pending[i].cls, ST->cls.pending_base[i]);
            }
        }
    }
    ST->cls.npending = 0;

    cls_native->trace = trace_native;
    cls_native->repr = native_repr;
    cls_native->getattr = native_getattr;
    cls_native->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_native->new_ = NULL;
    class_add_methods(cls_native, native_methods);
    cls_bound_method = class_new_builtin("method", NULL, sizeof(ObjBoundMethod), NULL);
    cls_bound_method->trace = trace_bound;
    cls_bound_method->repr = bound_repr;
    cls_bound_method->getattr = bound_getattr;
    cls_bound_method->richcompare = bound_compare;
    cls_bound_method->hash = bound_hash;
    cls_bound_method->new_ = bound_new;
    cls_member = class_new_builtin("member_descriptor", NULL, sizeof(ObjMember), member_methods);
    cls_member->trace = trace_member;
    cls_member->repr = member_repr;
    cls_member->getattr = member_getattr;
    cls_member->new_ = NULL;
    cls_getset = class_new_builtin("getset_descriptor", NULL, sizeof(ObjProperty), getset_methods);
    cls_getset->trace = trace_property;
    cls_getset->new_ = NULL;
    cls_getset->getattr = getset_getattr;
    cls_getset->repr = property_repr;
    cls_property = class_new_builtin("property", NULL, sizeof(ObjProperty), property_methods);
    cls_property->trace = trace_property;
    cls_property->new_ = property_new;
    cls_property->getattr = property_getattr;
    cls_property->setattr = property_setattr;
    cls_property->repr = property_repr;
    cls_staticmethod = class_new_builtin("staticmethod", NULL, sizeof(ObjWrapper), staticmethod_methods);
    cls_staticmethod->trace = trace_wrapper;
    cls_staticmethod->new_ = wrapper_new;
    cls_staticmethod->getattr = wrapper_getattr;
    cls_staticmethod->repr = wrapper_repr;
    cls_staticmethod->call = staticmethod_call;
    cls_classmethod = class_new_builtin("classmethod", NULL, sizeof(ObjWrapper), classmethod_methods);
    cls_classmethod->trace = trace_wrapper;
    cls_classmethod->new_ = wrapper_new;
    cls_classmethod->getattr = wrapper_getattr;
    cls_classmethod->repr = wrapper_repr;
    {
        // object.__init_subclass__: a classmethod that accepts no arguments.
        ObjWrapper *w = (ObjWrapper *)obj_alloc(cls_classmethod, sizeof(ObjWrapper));
        w->func = native_new("__init_subclass__", object_init_subclass, cls_object);
        ((ObjNative *)AS_OBJ(w->func))->is_classmethod = true;
        ((ObjNative *)AS_OBJ(w->func))->takes_kw = true;   // its own message
        dict_set_str(cls_object->dict, str_intern_c("__init_subclass__"), OBJ_VAL(w));
    }
    cls_none = class_new_builtin("NoneType", NULL, sizeof(Obj), NULL);
    cls_none->repr = none_repr;
    cls_none->truthy = none_truthy;
    cls_none->new_ = singleton_new;
    cls_notimplemented = class_new_builtin("NotImplementedType", NULL, sizeof(Obj), NULL);
    cls_notimplemented->repr = notimpl_repr;
    cls_notimplemented->new_ = singleton_new;
    cls_ellipsis = class_new_builtin("ellipsis", NULL, sizeof(Obj), NULL);
    cls_ellipsis->repr = ellipsis_repr;
    cls_ellipsis->new_ = singleton_new;
    cls_none->binop = union_binop;
    cls_union = class_new_builtin("UnionType", NULL, sizeof(ObjUnion), NULL);
    cls_union->module = str_intern_c("types");
    cls_union->trace = trace_union;
    cls_union->repr = union_repr;
    cls_union->hash = union_hash;
    cls_union->getattr = union_getattr;
    cls_union->binop = union_binop;
    cls_union->richcompare = union_richcompare;
    cls_union->new_ = NULL;
    obj_none = obj_alloc(cls_none, sizeof(Obj));
    obj_notimplemented = obj_alloc(cls_notimplemented, sizeof(Obj));
    obj_ellipsis = obj_alloc(cls_ellipsis, sizeof(Obj));
}

// Last step of runtime_init, and again after a C module made its classes:
// every builtin class made since the last call exposes its slots.
void class_finish_builtins(void) {
    for (int i = ST->cls.nfinished; i < ST->cls.nbuiltin; i++) {
        ObjClass *c = ST->cls.builtin[i];
        if (!c->mro) {
            class_set_bases(c, c == cls_object ? NULL : cls_object);
        }
        if (c != cls_object && c->new_ == object_new) {
            // a C layout (iterator, view) that set no constructor of its
            // own: "cannot create 'dict_keys' instances", never a blank one
            c->new_ = NULL;
        }
        add_slot_wrappers(c);
    }
    ST->cls.nfinished = ST->cls.nbuiltin;
}
