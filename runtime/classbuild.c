// classbuild.c: making a class the way CPython's type.__new__ does, for a
// class statement, type(name, bases, ns) and metaclasses: the metaclass
// that wins among the bases, the implicit staticmethod/classmethod
// wrapping, __classcell__, __set_name__ and __init_subclass__; and the
// methods `type` gives metaclasses (__init__, __prepare__, __subclasses__,
// __instancecheck__, __subclasscheck__), plus the lookup of a class
// attribute in its metaclass.
#include "class.h"
#include "containers.h"
#include "func.h"
#include "gc.h"
#include "runtime.h"
#include "vmapi.h"

// The most derived of [meta] and the metaclasses of [bases]; NULL with
// CPython's TypeError when they are not in one line of inheritance.
ObjClass *class_winner(ObjClass *meta, ObjTuple *bases) {
    ObjClass *winner = meta;
    for (size_t i = 0; i < bases->len; i++) {
        if (!IS_OBJ(bases->items[i])) {
            continue;
        }
        ObjClass *t = AS_OBJ(bases->items[i])->cls;
        if (class_is_subclass(winner, t)) {
            continue;
        }
        if (class_is_subclass(t, winner)) {
            winner = t;
            continue;
        }
        exc_raise(exc_TypeError, "metaclass conflict: the metaclass of a derived class must be a "
                                 "(non-strict) subclass of the metaclasses of all its bases");
        return NULL;
    }
    return winner;
}

// Calls __set_name__(cls, name) on each value of the class namespace [ns]
// whose class defines it (descriptors). Returns false on error.
static bool set_names(Value cls, ObjDict *ns) {
    // over a copy, as CPython: a __set_name__ may change the class dict
    Value pairs = list_new(ns->used);
    gc_push_root(pairs);
    size_t pos = 0;
    Value key, value;
    while (dict_next(ns, &pos, &key, &value)) {
        if (IS_OBJ(value) && (val_class(value)->flags & CLS_USER)) {
            list_append(AS_LIST(pairs), tuple_pack(2, key, value));
        } else if (IS_OBJ(value) && AS_OBJ(value)->cls == cls_property) {
            ((ObjProperty *)AS_OBJ(value))->name = key;     // property.__set_name__
        }
    }
    ObjStr *set_name = str_intern_c("__set_name__");
    ObjList *l = AS_LIST(pairs);
    for (size_t i = 0; i < l->len; i++) {
        bool found;
        Value args[2] = {cls, AS_TUPLE(l->items[i])->items[0]};
        Value r = call_method_opt(AS_TUPLE(l->items[i])->items[1], set_name, 2, args, &found);
        if (found && !r) {
            gc_pop_root(1);
            return false;
        }
    }
    gc_pop_root(1);
    return true;
}

// Calls the nearest base's __init_subclass__ (an implicit classmethod) with
// the class keywords [kw] (metaclass already removed). False on error.
static bool init_subclass(Value cls, ObjDict *kw) {
    ObjClass *c = AS_CLASS(cls);
    ObjStr *nm = str_intern_c("__init_subclass__");
    Value f = VAL_NULL;
    for (size_t i = 1; c->mro && i < c->mro->len && !f; i++) {
        ObjClass *k = AS_CLASS(c->mro->items[i]);
        if (k->dict) {
            f = dict_get_str(k->dict, nm);
        }
    }
    if (kw && kw->used == 0) {
        kw = NULL;
    }
    if (!f || IS_A(f, cls_native) ||
        (IS_A(f, cls_classmethod) && IS_A(((ObjWrapper *)AS_OBJ(f))->func, cls_native))) {
        if (kw) {
            exc_raise(exc_TypeError, "%s.__init_subclass__() takes no keyword arguments", c->name->data);
            return false;
        }
        return true;
    }
    if (IS_A(f, cls_classmethod)) {
        f = ((ObjWrapper *)AS_OBJ(f))->func;
    }
    return vm_call(f, 1, &cls, kw) != VAL_NULL;
}

// Wraps the plain function [name] of [ns] in [wrapper] (staticmethod or
// classmethod), as type.__new__ does for __new__, __init_subclass__ and
// __class_getitem__.
static void wrap_implicit(ObjDict *ns, const char *name, ObjClass *wrapper) {
    ObjStr *s = str_intern_c(name);
    Value f = dict_get_str(ns, s);
    if (f && IS_A(f, cls_function)) {
        ObjWrapper *w = (ObjWrapper *)obj_alloc(wrapper, sizeof(ObjWrapper));
        w->func = f;
        dict_set_str(ns, s, OBJ_VAL(w));
    }
}

Value class_build(ObjClass *meta, ObjStr *name, ObjTuple *bases, ObjDict *ns, ObjDict *kw) {
    // the class dict is a copy of the namespace (which may be a dict
    // subclass, from a metaclass's __prepare__)
    ObjDict *d = AS_DICT(dict_new());
    gc_push_root(OBJ_VAL(d));
    size_t pos = 0;
    Value key, value;
    while (dict_next(ns, &pos, &key, &value)) {
        dict_set(d, key, value);
    }
    if (!dict_get_str(d, ST->s_module)) {
        // type(name, bases, ns): the calling code's module, as CPython's type_new
        ObjDict *g = vm_current_globals();
        Value mod = g ? dict_get_str(g, ST->s_name) : VAL_NULL;
        if (mod) {
            dict_set_str(d, ST->s_module, mod);
        }
    }
    wrap_implicit(d, "__new__", cls_staticmethod);
    wrap_implicit(d, "__init_subclass__", cls_classmethod);
    wrap_implicit(d, "__class_getitem__", cls_classmethod);
    ObjStr *cellname = str_intern_c("__classcell__");
    Value cell = dict_get_str(d, cellname);
    if (cell) {
        dict_del(d, OBJ_VAL(cellname));
    }
    Value cls = class_create_in(meta, name, bases, d);
    gc_pop_root(1);
    if (!cls) {
        return VAL_NULL;
    }
    gc_push_root(cls);
    // every class has its own __doc__, None when the body has no docstring
    // (a subclass does not show its base's); after the slot members and
    // __dict__/__weakref__, in CPython's order
    if (!dict_get_str(d, str_intern_c("__doc__"))) {
        dict_set_str(d, str_intern_c("__doc__"), VAL_NONE);
    }
    if (cell && IS_A(cell, cls_cell)) {
        ((ObjCell *)AS_OBJ(cell))->value = cls;
    }
    if (!set_names(cls, d) || !init_subclass(cls, kw)) {
        cls = VAL_NULL;
    }
    gc_pop_root(1);
    return cls;
}

// ---- attributes a class finds in its metaclass
// [v] found as [name] in [self]'s metaclass: bound as an attribute of the
// class (an instance of the metaclass).
static Value bind_meta(Value self, ObjClass *meta, Value v) {
    if (IS_A(v, cls_function) || (IS_A(v, cls_native) && ((ObjNative *)AS_OBJ(v))->owner)) {
        return bound_method_new(self, v);
    }
    if (IS_A(v, cls_classmethod)) {
        return bound_method_new(OBJ_VAL(meta), ((ObjWrapper *)AS_OBJ(v))->func);
    }
    if (IS_A(v, cls_staticmethod)) {
        return ((ObjWrapper *)AS_OBJ(v))->func;
    }
    if (IS_PROPERTY(v)) {
        Value g = ((ObjProperty *)AS_OBJ(v))->fget;
        if (!g || IS_NONE(g)) {
            return property_missing((ObjProperty *)AS_OBJ(v), self, "getter");
        }
        return vm_call(g, 1, &self, NULL);
    }
    if (IS_OBJ(v) && (AS_OBJ(v)->cls->flags & CLS_USER)) {
        Value get = class_lookup(AS_OBJ(v)->cls, ST->s_descr[0]);
        if (get) {
            Value args[3] = {v, self, OBJ_VAL(meta)};
            return vm_call(get, 3, args, NULL);
        }
    }
    return v;
}

// A data descriptor (property, or a user descriptor with __set__) that
// [self]'s metaclass defines as [name]: it wins over the class's own
// attributes. VAL_NULL (no exception) when there is none.
Value class_meta_data_attr(Value self, ObjStr *name, bool *found) {
    ObjClass *meta = AS_OBJ(self)->cls;
    *found = false;
    if (meta == cls_type || !(meta->flags & CLS_USER)) {
        return VAL_NULL;
    }
    Value v = class_lookup(meta, name);
    if (!v || !IS_OBJ(v)) {
        return VAL_NULL;
    }
    bool data = IS_PROPERTY(v) ||
                ((AS_OBJ(v)->cls->flags & CLS_USER) &&
                 class_lookup(AS_OBJ(v)->cls, ST->s_descr[1]));
    if (!data) {
        return VAL_NULL;
    }
    *found = true;
    return bind_meta(self, meta, v);
}

// Any other attribute [name] of [self]'s metaclass (methods, class
// attributes of the metaclass). VAL_NULL (no exception) when there is none.
Value class_meta_attr(Value self, ObjStr *name, bool *found) {
    ObjClass *meta = AS_OBJ(self)->cls;
    *found = false;
    if (meta == cls_type || !(meta->flags & CLS_USER)) {
        return VAL_NULL;
    }
    Value v = class_lookup(meta, name);
    if (!v) {
        return VAL_NULL;
    }
    *found = true;
    return bind_meta(self, meta, v);
}

// ---- methods of type
// type.__init__(cls, name, bases, ns, **kw): the class is already made.
Value type_init_fn(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2 && argc != 4) {
        return exc_raise(exc_TypeError, "type.__init__() takes 1 or 3 arguments");
    }
    return VAL_NONE;
}

// type.__prepare__(name, bases, **kw): the namespace of a class body.
Value type_prepare_fn(int argc, Value *argv, ObjDict *kw) {
    return dict_new();
}

static void note_class(Obj *o, void *ctx) {
    if (o->cls->flags & CLS_META) {
        list_append(ctx, OBJ_VAL(o));
    }
}

static int by_seq(const void *a, const void *b) {
    uint32_t x = AS_CLASS(*(const Value *)a)->seq, y = AS_CLASS(*(const Value *)b)->seq;
    return x < y ? -1 : x > y;
}

// Every class alive, oldest first: one walk over the heap, kept in the state
// until a class is made or a collection starts, so a program that asks for
// __subclasses__ often (abc's subclass checks) does not walk it each time.
static ObjList *live_classes(void) {
    if (!ST->cls.live) {
        Value all = list_new(64);
        if (!all) {
            return NULL;
        }
        gc_push_root(all);
        gc_each_object_ctx(note_class, AS_LIST(all));
        ObjList *l = AS_LIST(all);
        qsort(l->items, l->len, sizeof(Value), by_seq);
        gc_pop_root(1);
        ST->cls.live = l;
    }
    return ST->cls.live;
}

// type.__subclasses__(): the direct subclasses still alive, oldest first.
Value type_subclasses_fn(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1 || !IS_CLASS(argv[0])) {
        if (argc >= 1 && IS_CLASS(argv[0])) {
            return exc_raise(exc_TypeError, "%s.__subclasses__() takes no arguments (%d given)",
                             AS_CLASS(argv[0])->name->data, argc - 1);
        }
        return exc_raise(exc_TypeError, "__subclasses__() takes no arguments (%d given)", argc - 1);
    }
    Value l = list_new(4);
    ObjClass *c = AS_CLASS(argv[0]);
    if (!l || ((c->flags & CLS_USER) && !(c->flags & CLS_HAS_SUBCLASS))) {
        return l;   // no class was ever made from it: no walk over the heap
    }
    gc_push_root(l);
    ObjList *all = live_classes();
    if (!all) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(OBJ_VAL(all));     // a collection below drops it from the state
    for (size_t n = 0; n < all->len; n++) {
        ObjClass *k = AS_CLASS(all->items[n]);
        for (size_t i = 0; k->bases && i < k->bases->len; i++) {
            if (AS_CLASS(k->bases->items[i]) == c) {
                list_append(AS_LIST(l), OBJ_VAL(k));
                break;
            }
        }
    }
    gc_pop_root(2);
    return l;
}

// type.__instancecheck__(cls, obj) and type.__subclasscheck__(cls, sub):
// the plain checks, for metaclasses that extend them through super().
Value type_instancecheck_fn(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2 || !IS_CLASS(argv[0])) {
        return exc_raise(exc_TypeError, "__instancecheck__() takes exactly one argument");
    }
    return VAL_BOOL(class_is_subclass(val_class(argv[1]), AS_CLASS(argv[0])));
}

Value type_subclasscheck_fn(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2 || !IS_CLASS(argv[0])) {
        return exc_raise(exc_TypeError, "__subclasscheck__() takes exactly one argument");
    }
    if (!IS_CLASS(argv[1])) {
        return exc_raise(exc_TypeError, "issubclass() arg 1 must be a class");
    }
    return VAL_BOOL(class_is_subclass(AS_CLASS(argv[1]), AS_CLASS(argv[0])));
}

// The user __instancecheck__ / __subclasscheck__ ([hook]) of [cls]'s
// metaclass, or VAL_NULL when the metaclass is type or does not define one.
Value class_check_hook(Value cls, ObjStr *hook) {
    ObjClass *meta = AS_OBJ(cls)->cls;
    if (meta == cls_type || !(meta->flags & CLS_USER)) {
        return VAL_NULL;
    }
    Value f = class_lookup(meta, hook);
    if (!f || IS_A(f, cls_native)) {
        return VAL_NULL;
    }
    return f;
}
