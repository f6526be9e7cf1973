// genericalias.c: `list[int]`, `dict[str, int]`... as types.GenericAlias
// (PEP 585): an origin class and a tuple of arguments, with CPython's repr,
// equality, hash, __origin__/__args__/__parameters__, __mro_entries__ (so
// `class C(list[int])` subclasses list), calls that make an instance of
// the origin, and the type repr shared with `int | None` unions.
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "runtime.h"
#include "numstr.h"
#include "vmapi.h"
#include "itertools.h"

typedef struct ObjGenericAlias {
    Obj hdr;
    Value origin;
    ObjTuple *args;
} ObjGenericAlias;

#define GA(v) ((ObjGenericAlias *)AS_OBJ(v))

static void ga_trace(Obj *o) {
    gc_mark_value(((ObjGenericAlias *)o)->origin);
    gc_mark_obj((Obj *)((ObjGenericAlias *)o)->args);
}

// The builtin classes that CPython lets a program subscript.
static bool subscriptable_builtin(ObjClass *c) {
    return c == cls_list || c == cls_dict || c == cls_tuple || c == cls_set || c == cls_frozenset ||
           c == cls_type || c == cls_deque || c == cls_defaultdict || c == cls_ordereddict ||
           c == cls_counter || c == cls_enumerate || c == cls_future || c == cls_task || c == cls_contextvar ||
           c == ST->itertools_cls[IT_CHAIN] || c == cls_mappingproxy ||
           c == exc_BaseExceptionGroup || c == exc_ExceptionGroup;
}

Value generic_alias_new(Value origin, Value args) {
    Value t = IS_TUPLE(args) ? args : tuple_pack(1, args);
    gc_push_root(t);
    ObjGenericAlias *g = (ObjGenericAlias *)obj_alloc(cls_genericalias, sizeof(ObjGenericAlias));
    g->origin = origin;
    g->args = AS_TUPLE(t);
    gc_pop_root(1);
    return OBJ_VAL(g);
}

// The __class_getitem__ classmethod of the builtin generic classes, so
// list.__class_getitem__(int) and [].__class_getitem__(int) work as CPython's.
Value generic_alias_cgi_method(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "%s.__class_getitem__() takes exactly one argument (%d given)",
                         AS_CLASS(argv[0])->name->data, argc - 1);
    }
    return generic_alias_new(argv[0], argv[1]);
}

Value generic_alias_class_getitem(Value cls, Value key) {
    ObjClass *c = AS_CLASS(cls);
    // a user subclass inherits its builtin base's __class_getitem__
    ObjClass *b = (c->flags & CLS_USER) ? c->native_base : c;
    if (!b || !subscriptable_builtin(b)) {
        return exc_raise(exc_TypeError, "type '%s' is not subscriptable", c->name->data);
    }
    return generic_alias_new(cls, key);
}

// The repr of [v] in a type expression: a class as its (qualified) name,
// ... as '...', None as 'None', anything else as its repr.
Value type_expr_repr(Value v) {
    if (IS_CLASS(v)) {
        ObjClass *c = AS_CLASS(v);
        const char *name = class_qualname(c)->data;
        if (c->module && strcmp(c->module->data, "builtins") != 0) {
            return str_printf("%s.%s", c->module->data, name);
        }
        return str_from_c(name);
    }
    if (IS_NONE(v)) {
        return str_from_c("None");
    }
    if (v == OBJ_VAL(obj_ellipsis)) {
        return str_from_c("...");
    }
    return obj_repr(v);
}

static Value ga_repr(Value self) {
    ObjGenericAlias *g = GA(self);
    SBuf b;
    sb_init(&b);
    Value o = type_expr_repr(g->origin);
    if (!o) {
        sb_free(&b);
        return VAL_NULL;
    }
    sb_add(&b, AS_STR(o)->data, AS_STR(o)->len);
    sb_add(&b, "[", 1);
    if (g->args->len == 0) {
        sb_add(&b, "()", 2);
    }
    for (size_t i = 0; i < g->args->len; i++) {
        if (i) {
            sb_add(&b, ", ", 2);
        }
        Value a = g->args->items[i];
        Value r;
        if (IS_LIST(a)) {
            // Callable's parameter list
            r = obj_repr(a);
        } else {
            r = type_expr_repr(a);
        }
        if (!r) {
            sb_free(&b);
            return VAL_NULL;
        }
        sb_add(&b, AS_STR(r)->data, AS_STR(r)->len);
    }
    sb_add(&b, "]", 1);
    return sb_finish(&b);
}

static Value ga_mro_entries(int argc, Value *argv, ObjDict *kw) {
    return tuple_pack(1, GA(argv[0])->origin);
}

static const MethodDef ga_methods[] = {
    {"__mro_entries__", ga_mro_entries},
    {NULL, NULL},
};

static Value ga_getattr(Value self, ObjStr *name) {
    ObjGenericAlias *g = GA(self);
    const char *n = name->data;
    if (strcmp(n, "__origin__") == 0) {
        return g->origin;
    }
    if (strcmp(n, "__args__") == 0) {
        return OBJ_VAL(g->args);
    }
    if (strcmp(n, "__parameters__") == 0) {
        return tuple_pack(0);
    }
    Value v = generic_getattr(self, name);
    if (v || n[0] == '_' || !EXC_PENDING_IS(exc_AttributeError)) {
        return v;
    }
    // everything else comes from the origin (list[int].append)
    exc_clear();
    return obj_getattr(g->origin, name);
}

static Value ga_call(Value self, int argc, Value *argv, ObjDict *kw) {
    Value r = vm_call(GA(self)->origin, argc, argv, kw);
    if (r && IS_OBJ(r) && (val_class(r)->flags & CLS_USER)) {
        gc_push_root(r);
        if (!obj_setattr(r, str_intern_c("__orig_class__"), self)) {
            exc_clear();
        }
        gc_pop_root(1);
    }
    return r;
}

static Value ga_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !(IS_OBJ(b) && class_is_subclass(val_class(b), cls_genericalias))) {
        return VAL_NOTIMPL;
    }
    int eq = obj_eq(GA(a)->origin, GA(b)->origin);
    if (eq > 0) {
        eq = obj_eq(OBJ_VAL(GA(a)->args), OBJ_VAL(GA(b)->args));
    }
    if (eq < 0) {
        return VAL_NULL;
    }
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static bool ga_hash(Value self, int64_t *out) {
    int64_t h1, h2;
    if (!obj_hash(GA(self)->origin, &h1) || !obj_hash(OBJ_VAL(GA(self)->args), &h2)) {
        return false;
    }
    *out = h1 ^ h2;
    if (*out == -1) {
        *out = -2;
    }
    return true;
}

static Value ga_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("GenericAlias", kw) || !arg_count("GenericAlias", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value t = IS_TUPLE(argv[1]) ? argv[1] : tuple_pack(1, argv[1]);
    gc_push_root(t);
    ObjGenericAlias *g = (ObjGenericAlias *)obj_alloc(cls, cls->inst_size);
    g->origin = argv[0];
    g->args = AS_TUPLE(t);
    gc_pop_root(1);
    return OBJ_VAL(g);
}

bool generic_alias_check(Value v) {
    return IS_A(v, cls_genericalias);
}

void generic_alias_init(void) {
    cls_genericalias = class_new_builtin("GenericAlias", NULL, sizeof(ObjGenericAlias), ga_methods);
    cls_genericalias->module = str_intern_c("types");
    cls_genericalias->new_ = ga_new;
    cls_genericalias->trace = ga_trace;
    cls_genericalias->repr = ga_repr;
    cls_genericalias->getattr = ga_getattr;
    cls_genericalias->call = ga_call;
    cls_genericalias->richcompare = ga_richcompare;
    cls_genericalias->hash = ga_hash;
    ObjClass *generic[] = {cls_list, cls_dict, cls_tuple, cls_set, cls_frozenset};
    for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++) {
        class_add_classmethod(generic[i], "__class_getitem__", generic_alias_cgi_method);
    }
}
