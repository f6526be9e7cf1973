// coll_defaultdict.c: collections.defaultdict, a C subclass of dict (ObjDict
// first, so every dict slot and method applies) whose getitem calls its
// default_factory for a missing key.
#include "containers.h"
#include "coll.h"

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
    Value fr = obj_repr(f ? f : VAL_NONE);
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

static Value dd_getattr(Value self, ObjStr *name) {
    if (!strcmp(name->data, "default_factory")) {
        return AS_DD(self)->factory;
    }
    return generic_getattr(self, name);
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

static const MethodDef dd_methods[] = {
    {"__missing__", ddm_missing},
    {"copy", ddm_copy},
    {NULL, NULL},
};

// Makes the defaultdict class, of module [modname].
void coll_defaultdict_init(ObjStr *modname) {
    cls_defaultdict = class_new_builtin("defaultdict", cls_dict, sizeof(ObjDefaultDict),
                                        dd_methods);
    cls_defaultdict->module = modname;
    cls_defaultdict->native_base = cls_dict;
    cls_defaultdict->new_ = dd_new_;
    cls_defaultdict->trace = dd_trace;
    cls_defaultdict->getitem = dd_getitem;
    cls_defaultdict->repr = dd_repr;
    cls_defaultdict->getattr = dd_getattr;
}
