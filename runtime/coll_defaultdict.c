// coll_defaultdict.c: collections.defaultdict, a C subclass of dict (ObjDict
// first, so every dict slot and method applies) whose getitem calls its
// default_factory for a missing key.
#include "containers.h"
#include "coll.h"
#include "runtime.h"

// ---- defaultdict

typedef struct ObjDefaultDict {
    ObjDict d;          // must stay first: the dict slots work on it
    Value factory;      // None or a callable
} ObjDefaultDict;

#define AS_DD(v) ((ObjDefaultDict *)AS_OBJ(v))

static void dd_trace(Obj *o) {
    dict_trace(o);
    gc_mark_value(((ObjDefaultDict *)o)->factory);
}

static Value dd_missing(Value self, Value key) {
    Value f = AS_DD(self)->factory;
    if (!f || IS_NONE(f)) {
        return dict_key_error(key);
    }
    Value v = vm_call(f, 0, NULL, NULL);
    if (!v) {
        return VAL_NULL;
    }
    gc_push_root(v);
    int r = dict_set(AS_DICT(self), key, v);
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : v;
}

static Value dd_getitem(Value self, Value key) {
    Value v;
    int r = dict_get(AS_DICT(self), key, &v);
    if (r > 0) {
        return v;
    }
    if (r < 0) {
        return VAL_NULL;
    }
    return dd_missing(self, key);
}

static Value dd_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value factory = argc > 0 ? argv[0] : VAL_NONE;
    if (!IS_NONE(factory)) {
        ObjClass *c = val_class(factory);
        if (!(c->call || c == cls_function || c == cls_native || c == cls_bound_method ||
              IS_CLASS(factory))) {
            return exc_raise(exc_TypeError, "first argument must be callable or None");
        }
    }
    size_t size = cls->inst_size > sizeof(ObjDefaultDict) ? cls->inst_size : sizeof(ObjDefaultDict);
    Value d = OBJ_VAL(obj_alloc(cls, size));
    AS_DD(d)->factory = factory;
    gc_push_root(d);
    int r = argc > 1 ? dict_update_from(AS_DICT(d), argv[1]) : 0;
    if (r == 0 && argc > 2) {
        r = -1;
        exc_raise(exc_TypeError, "defaultdict expected at most 2 arguments, got %d", argc);
    }
    if (r == 0 && kw) {
        r = dict_update_from(AS_DICT(d), OBJ_VAL(kw));
    }
    gc_pop_root(1);
    return r == 0 ? d : VAL_NULL;
}

static Value dd_repr(Value self) {
    Value f = AS_DD(self)->factory;
    Value fr;
    if (f && IS_OBJ(f) && !IS_NONE(f)) {
        // a factory whose repr shows this dict (a bound method of it) is
        // "..." the second time, as CPython's Py_ReprEnter
        int g = repr_enter(AS_OBJ(f));
        if (g < 0) {
            return VAL_NULL;
        }
        fr = g > 0 ? str_from_c("...") : obj_repr(f);
        if (g == 0) {
            repr_leave(AS_OBJ(f));
        }
    } else {
        fr = obj_repr(f ? f : VAL_NONE);
    }
    if (!fr) {
        return VAL_NULL;
    }
    gc_push_root(fr);
    Value dr = dict_repr(self);
    gc_pop_root(1);
    if (!dr) {
        return VAL_NULL;
    }
    return str_printf("%s(%s, %s)", AS_OBJ(self)->cls->name->data, AS_STR(fr)->data,
                      AS_STR(dr)->data);
}

// default_factory: a getter in the class dict (no getattr hook, so that
// method loads on defaultdicts take the VM's cached path); dd_setattr
// writes it.
static Value dd_factory(int argc, Value *argv, ObjDict *kw) {
    return AS_DD(argv[0])->factory;
}

// default_factory may be set to anything and deleted (then None), as
// CPython's member.
static bool dd_setattr(Value self, ObjStr *name, Value v) {
    if (!strcmp(name->data, "default_factory")) {
        AS_DD(self)->factory = v ? v : VAL_NONE;
        return true;
    }
    return generic_setattr(self, name, v);
}

// type(dd)(dd.default_factory, [arg]) as CPython's new_defdict (copy, |).
static Value dd_new_like(Value dd, Value arg) {
    Value args[2] = {AS_DD(dd)->factory ? AS_DD(dd)->factory : VAL_NONE, arg};
    return vm_call(OBJ_VAL(AS_OBJ(dd)->cls), arg ? 2 : 1, args, NULL);
}

// defaultdict | dict and dict | defaultdict: a defaultdict with the
// defaultdict operand's type and factory, the left items then the right's.
static Value dd_binop(Value a, Value b, int op) {
    if (op != BIN_OR && op != BIN_OR + BINOP_INPLACE) {
        return cls_dict->binop(a, b, op);
    }
    if (op == BIN_OR + BINOP_INPLACE) {     // |= updates in place, as dict's
        return cls_dict->binop(a, b, op);
    }
    bool left = IS_KIND(a, cls_defaultdict);
    Value self = left ? a : b, other = left ? b : a;
    if (!IS_DICTISH(other)) {
        return VAL_NOTIMPL;
    }
    Value n = dd_new_like(self, a);
    if (!n) {
        return VAL_NULL;
    }
    gc_push_root(n);
    int r = IS_DICTISH(n) ? dict_update_from(AS_DICT(n), b) : -1;
    gc_pop_root(1);
    if (r < 0 && !exc_pending()) {
        exc_raise(exc_TypeError, "defaultdict copy is not a dict");
    }
    return r < 0 ? VAL_NULL : n;
}

static Value ddm_missing(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__missing__", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return dd_missing(argv[0], argv[1]);
}

static Value ddm_copy(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("defaultdict.copy", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value d = OBJ_VAL(obj_alloc(AS_OBJ(argv[0])->cls, AS_OBJ(argv[0])->cls->inst_size));
    AS_DD(d)->factory = AS_DD(argv[0])->factory;
    return table_copy(AS_DICT(d), AS_DICT(argv[0])) ? d : VAL_NULL;
}

// __reduce__(): (type, (factory,) or (), None, None, iter(items)), as
// CPython's (deepcopy and pickle keep the factory).
static Value ddm_reduce(int argc, Value *argv, ObjDict *kw) {
    (void)argc;
    (void)kw;
    Value self = argv[0];
    Value f = AS_DD(self)->factory;
    Value args = !f || IS_NONE(f) ? tuple_new(0) : tuple_pack(1, f);
    gc_push_root(args);
    Value items = call_method(self, "items", 0, NULL);
    Value it = items ? obj_iter(items) : VAL_NULL;
    Value r = it ? tuple_pack(5, OBJ_VAL(AS_OBJ(self)->cls), args, VAL_NONE, VAL_NONE, it) : VAL_NULL;
    gc_pop_root(1);
    return r;
}

static const MethodDef dd_methods[] = {
    {"__missing__", ddm_missing},
    {"copy", ddm_copy},
    {"__copy__", ddm_copy},
    {"__reduce__", ddm_reduce},
    {NULL, NULL},
};

// Makes the defaultdict class, of module [modname].
void coll_defaultdict_init(ObjStr *modname) {
    cls_defaultdict = class_new_builtin("defaultdict", cls_dict, sizeof(ObjDefaultDict),
                                        dd_methods);
    cls_defaultdict->module = modname;
    cls_defaultdict->native_base = cls_dict;
    cls_defaultdict->new_ = dd_new_;
    class_add_classmethod(cls_defaultdict, "__class_getitem__", generic_alias_cgi_method);
    cls_defaultdict->trace = dd_trace;
    cls_defaultdict->getitem = dd_getitem;
    cls_defaultdict->repr = dd_repr;
    class_add_member(cls_defaultdict, "default_factory", dd_factory);
    cls_defaultdict->setattr = dd_setattr;
    cls_defaultdict->binop = dd_binop;
    cls_defaultdict->binop_ops = cls_dict->binop_ops;
}
