// mappingproxy.c: the read-only view of a class's attribute dict that
// `C.__dict__` and `vars(C)` return (types.MappingProxyType), as in CPython:
// lookups, iteration, len, `in`, ==, |, keys/values/items/get/copy go to
// the dict; item assignment and deletion raise TypeError. Builtin classes'
// dicts hold their C methods and slot wrappers, so handing out the dict
// itself would let a program swap them (int.__dict__["__ge__"] = ...).
#include "containers.h"
#include "runtime.h"


typedef struct ObjMappingProxy {
    Obj hdr;
    Value mapping;
} ObjMappingProxy;

#define MAPPING(v) (((ObjMappingProxy *)AS_OBJ(v))->mapping)

Value mappingproxy_new(Value mapping) {
    ObjMappingProxy *p = (ObjMappingProxy *)obj_alloc(cls_mappingproxy, sizeof(ObjMappingProxy));
    p->mapping = mapping;
    return OBJ_VAL(p);
}

static void mp_trace(Obj *o) {
    gc_mark_value(((ObjMappingProxy *)o)->mapping);
}

static Value mp_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("mappingproxy", kw) || !arg_count("mappingproxy", argc, 1, 1)) {
        return VAL_NULL;
    }
    ObjClass *c = val_class(argv[0]);
    if (!c->getitem || IS_LIST(argv[0]) || IS_TUPLE(argv[0]) || IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "mappingproxy() argument must be a mapping, not %s",
                         c->name->data);
    }
    return mappingproxy_new(argv[0]);
}

static Value mp_repr(Value self) {
    Value r = obj_repr(MAPPING(self));
    return r ? str_printf("mappingproxy(%s)", AS_STR(r)->data) : VAL_NULL;
}

static Value mp_str(Value self) {
    return obj_str(MAPPING(self));
}

static Value mp_getitem(Value self, Value key) {
    return obj_getitem(MAPPING(self), key);
}

static int64_t mp_len(Value self) {
    return obj_length(MAPPING(self));
}

static Value mp_iter(Value self) {
    return obj_iter(MAPPING(self));
}

static int mp_contains(Value self, Value item) {
    return obj_contains(MAPPING(self), item);
}

static Value mp_richcompare(Value a, Value b, int op) {
    return obj_compare(MAPPING(a), b, op);
}

static Value mp_binop(Value a, Value b, int op) {
    if (op == 10 + BINOP_INPLACE && IS_A(a, cls_mappingproxy)) {
        return exc_raise(exc_TypeError, "'|=' is not supported by %s; use '|' instead", val_type_name(a));
    }
    if (op != 10) {     // BIN_OR only
        return VAL_NOTIMPL;
    }
    Value x = IS_A(a, cls_mappingproxy) ? MAPPING(a) : a;
    Value y = IS_A(b, cls_mappingproxy) ? MAPPING(b) : b;
    return obj_binop(x, y, op);
}

// keys/values/items/get/copy: the dict's own method.
static Value forward(const char *name, int argc, Value *argv) {
    return call_method(MAPPING(argv[0]), name, argc - 1, argv + 1);
}
static Value m_keys(int argc, Value *argv, ObjDict *kw) {
    return arg_count("mappingproxy.keys", argc - 1, 0, 0) ? forward("keys", argc, argv) : VAL_NULL;
}
static Value m_values(int argc, Value *argv, ObjDict *kw) {
    return arg_count("mappingproxy.values", argc - 1, 0, 0) ? forward("values", argc, argv)
                                                            : VAL_NULL;
}
static Value m_items(int argc, Value *argv, ObjDict *kw) {
    return arg_count("mappingproxy.items", argc - 1, 0, 0) ? forward("items", argc, argv)
                                                           : VAL_NULL;
}
static Value m_copy(int argc, Value *argv, ObjDict *kw) {
    return arg_count("mappingproxy.copy", argc - 1, 0, 0) ? forward("copy", argc, argv) : VAL_NULL;
}
static Value m_reversed(int argc, Value *argv, ObjDict *kw) {
    return arg_count("mappingproxy.__reversed__", argc - 1, 0, 0) ? forward("__reversed__", argc, argv)
                                                                 : VAL_NULL;
}
static Value m_get(int argc, Value *argv, ObjDict *kw) {
    return arg_count("get", argc - 1, 1, 2) ? forward("get", argc, argv) : VAL_NULL;
}

static const MethodDef mp_methods[] = {
    {"keys", m_keys},
    {"values", m_values},
    {"items", m_items},
    {"get", m_get},
    {"copy", m_copy},
    {"__reversed__", m_reversed},
    {NULL, NULL},
};

void mappingproxy_init(void) {
    cls_mappingproxy = class_new_builtin("mappingproxy", NULL, sizeof(ObjMappingProxy), mp_methods);
    cls_mappingproxy->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_mappingproxy->new_ = mp_new_;
    cls_mappingproxy->trace = mp_trace;
    cls_mappingproxy->repr = mp_repr;
    cls_mappingproxy->str = mp_str;
    cls_mappingproxy->hash = NULL;
    cls_mappingproxy->getitem = mp_getitem;
    cls_mappingproxy->len = mp_len;
    cls_mappingproxy->iter = mp_iter;
    cls_mappingproxy->contains = mp_contains;
    class_add_classmethod(cls_mappingproxy, "__class_getitem__", generic_alias_cgi_method);
    cls_mappingproxy->richcompare = mp_richcompare;
    cls_mappingproxy->binop = mp_binop;
}
