// coll_ordereddict.c: collections.OrderedDict, a dict subclass (dicts keep
// order already) adding move_to_end, popitem(last=), its own repr and an
// order-sensitive == between two OrderedDicts.
#include "containers.h"
#include "coll.h"
#include "runtime.h"

// OrderedDict | dict and dict | OrderedDict: an OrderedDict of the
// OrderedDict operand's class (CPython's __or__/__ror__: type(self)(left)
// updated with right); |= and the other operators are dict's.
static Value od_binop(Value a, Value b, int op) {
    if (op != BIN_OR) {
        return cls_dict->binop(a, b, op);
    }
    bool left = IS_KIND(a, cls_ordereddict);
    Value self = left ? a : b, other = left ? b : a;
    if (!IS_DICTISH(other)) {
        return VAL_NOTIMPL;
    }
    Value n = vm_call(OBJ_VAL(AS_OBJ(self)->cls), 1, &a, NULL);
    if (!n) {
        return VAL_NULL;
    }
    gc_push_root(n);
    Value r = call_method(n, "update", 1, &b);
    gc_pop_root(1);
    return r ? n : VAL_NULL;
}

// OrderedDict == OrderedDict is order-sensitive; with a plain dict it is not.
static Value od_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_KIND(a, cls_ordereddict) || !IS_KIND(b, cls_ordereddict)) {
        return cls_dict->richcompare(a, b, op);
    }
    Value r = cls_dict->richcompare(a, b, OP_EQ);
    if (r != VAL_TRUE) {
        return r == VAL_FALSE ? VAL_BOOL(op == OP_NE) : r;
    }
    ObjDict *x = AS_DICT(a), *y = AS_DICT(b);
    size_t i = 0, j = 0;
    bool eq = true;
    while (eq) {
        while (i < x->nentries && !x->entries[i].key) {
            i++;
        }
        while (j < y->nentries && !y->entries[j].key) {
            j++;
        }
        if (i >= x->nentries || j >= y->nentries) {
            break;
        }
        int c = obj_eq(x->entries[i].key, y->entries[j].key);
        if (c < 0) {
            return VAL_NULL;
        }
        eq = c == 1;
        i++;
        j++;
    }
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

// ---- OrderedDict: a dict subclass (dicts keep order already) adding
// move_to_end, popitem(last=) and its own repr.

static Value od_move_to_end(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"key", "last", NULL};
    if (!kw_only("move_to_end", kw, allowed) || !arg_count("move_to_end", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    ObjDict *d = AS_DICT(argv[0]);
    Value key = argv[1];
    Value lastv = argc > 2 ? argv[2] : kw_get(kw, "last");
    bool last = lastv ? obj_truthy(lastv) == 1 : true;
    Value v;
    int r = dict_get(d, key, &v);
    if (r < 0) {
        return VAL_NULL;
    }
    if (r == 0) {
        return dict_key_error(key);
    }
    gc_push_root(v);
    if (last) {
        dict_del(d, key);
        dict_set(d, key, v);
        gc_pop_root(1);
        return VAL_NONE;
    }
    // Move to the front: take the other items out and put them back after.
    Value items = list_new(d->used);
    if (!items) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(items);
    size_t pos = 0;
    Value k, val;
    while (dict_next(d, &pos, &k, &val)) {
        list_append(AS_LIST(items), tuple_pack(2, k, val));
    }
    ObjList *l = AS_LIST(items);
    for (size_t i = 0; i < l->len; i++) {
        dict_del(d, AS_TUPLE(l->items[i])->items[0]);
    }
    dict_set(d, key, v);
    for (size_t i = 0; i < l->len; i++) {
        ObjTuple *t = AS_TUPLE(l->items[i]);
        if (t->items[0] != key && obj_eq(t->items[0], key) != 1) {
            dict_set(d, t->items[0], t->items[1]);
        }
    }
    gc_pop_root(2);
    return VAL_NONE;
}

static Value od_popitem(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"last", NULL};
    if (!kw_only("popitem", kw, allowed) || !arg_count("popitem", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    ObjDict *d = AS_DICT(argv[0]);
    Value lastv = argc > 1 ? argv[1] : kw_get(kw, "last");
    bool last = lastv ? obj_truthy(lastv) == 1 : true;
    if (d->used == 0) {
        return dict_key_error(str_from_c("dictionary is empty"));
    }
    size_t pos = 0;
    Value k = VAL_NULL, v = VAL_NULL, k2, v2;
    while (dict_next(d, &pos, &k2, &v2)) {
        k = k2;
        v = v2;
        if (!last) {
            break;
        }
    }
    Value t = tuple_pack(2, k, v);
    gc_push_root(t);
    dict_del(d, k);
    gc_pop_root(1);
    return t;
}

static Value od_repr(Value self) {
    ObjDict *d = AS_DICT(self);
    const char *name = AS_OBJ(self)->cls->name->data;
    if (d->used == 0) {
        return str_printf("%s()", name);
    }
    int g = repr_enter(AS_OBJ(self));
    if (g != 0) {
        return g > 0 ? str_from_c("...") : VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    sb_adds(&b, name);
    sb_adds(&b, "([");
    size_t pos = 0;
    Value k, v;
    bool ok = true, first = true;
    while (ok && dict_next(d, &pos, &k, &v)) {
        sb_adds(&b, first ? "(" : ", (");
        first = false;
        ok = ct_addrepr(&b, k);
        sb_adds(&b, ", ");
        ok = ok && ct_addrepr(&b, v);
        sb_adds(&b, ")");
    }
    repr_leave(AS_OBJ(self));
    if (!ok) {
        sb_free(&b);
        return VAL_NULL;
    }
    sb_adds(&b, "])");
    return sb_finish(&b);
}

// OrderedDict.copy(): self.__class__(self), as CPython's.
static Value od_copy(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("OrderedDict.copy", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return vm_call(OBJ_VAL(val_class(argv[0])), 1, argv, NULL);
}

// Calls dict's method [name] (a classmethod's function with the class
// first) with [self] and the arguments of [argv] (argc counts self), the
// keyword [kwname] taking the place of the second argument: CPython's
// OrderedDict.pop(key, default=), setdefault(key, default=None) and
// fromkeys(iterable, value=None) take their keywords, dict's do not.
static Value od_dict_call(const char *name, const char *kwname, int argc, Value *argv, ObjDict *kw) {
    const char *const allowed[] = {"key", kwname, NULL};
    char fname[16];
    snprintf(fname, sizeof fname, "%s()", name);
    if (!kw_only(name, kw, allowed)) {
        return VAL_NULL;
    }
    if (argc > 3) {
        return exc_raise(exc_TypeError, "%s takes at most 2 arguments (%d given)", fname, argc - 1);
    }
    Value args[3] = {argv[0], argc > 1 ? argv[1] : kw_get(kw, "key"), argc > 2 ? argv[2] : kw_get(kw, kwname)};
    if (!args[1]) {
        return exc_raise(exc_TypeError, "%s missing required argument 'key' (pos 1)", fname);
    }
    Value f = class_lookup(cls_dict, str_intern_c(name));
    if (f && IS_A(f, cls_classmethod)) {
        f = ((ObjWrapper *)AS_OBJ(f))->func;
    }
    return f ? vm_call(f, args[2] ? 3 : 2, args, NULL) : VAL_NULL;
}

static Value od_pop(int argc, Value *argv, ObjDict *kw) {
    return od_dict_call("pop", "default", argc, argv, kw);
}

static Value od_setdefault(int argc, Value *argv, ObjDict *kw) {
    return od_dict_call("setdefault", "default", argc, argv, kw);
}

static Value od_fromkeys(int argc, Value *argv, ObjDict *kw) {
    return od_dict_call("fromkeys", "value", argc, argv, kw);
}

static const MethodDef od_methods[] = {
    {"pop", od_pop, true},
    {"setdefault", od_setdefault, true},
    {"copy", od_copy},
    {"__copy__", od_copy},
    {"move_to_end", od_move_to_end, true},
    {"popitem", od_popitem, true},
    {NULL, NULL},
};

// Makes the OrderedDict class, of module [modname].
void coll_ordereddict_init(ObjStr *modname) {
    cls_ordereddict = class_new_builtin("OrderedDict", cls_dict, sizeof(ObjDict), od_methods);
    cls_ordereddict->module = modname;
    cls_ordereddict->native_base = cls_dict;
    cls_ordereddict->flags |= CLS_ODICT;
    cls_ordereddict->repr = od_repr;
    class_add_classmethod(cls_ordereddict, "fromkeys", od_fromkeys)->takes_kw = true;
    cls_ordereddict->richcompare = od_richcompare;
    cls_ordereddict->binop = od_binop;
    cls_ordereddict->binop_ops = cls_dict->binop_ops;
}
