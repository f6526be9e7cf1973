// match.c: the object side of match statements (PEP 634), for the VM's
// MATCH_* instructions: whether a subject is a sequence or a mapping (the
// builtin kinds, and classes registered with or derived from
// collections.abc.Sequence/Mapping), a mapping's values for a tuple of keys
// (through its get() method, as CPython does), and the attributes a class
// pattern matches (isinstance, __match_args__, the builtins that match
// themselves), with CPython 3.11's errors.
#include <string.h>
#include "runtime.h"

// isinstance(v, collections.abc.<name>) when collections.abc is loaded (a
// class cannot derive from or be registered with it otherwise).
static int abc_isinstance(Value v, const char *name) {
    Value mod;
    if (dict_get(ST->modules, str_intern("collections.abc", 15), &mod) != 1) {
        return 0;
    }
    Value abc = obj_getattr_opt(mod, AS_STR(str_intern(name, strlen(name))));
    if (!abc) {
        return exc_pending() ? -1 : 0;
    }
    return isinstance_check(v, abc);
}

int match_is_sequence(Value v) {
    ObjClass *c = val_class(v);
    if (class_is_subclass(c, cls_list) || class_is_subclass(c, cls_tuple) || c == cls_range ||
        c == cls_memoryview || class_is_subclass(c, cls_deque) || (cls_array && class_is_subclass(c, cls_array))) {
        return 1;
    }
    if (class_is_subclass(c, cls_str) || class_is_subclass(c, cls_bytes) || class_is_subclass(c, cls_bytearray) ||
        class_is_subclass(c, cls_dict) || !(c->flags & CLS_USER)) {
        return 0;
    }
    return abc_isinstance(v, "Sequence");
}

int match_is_mapping(Value v) {
    ObjClass *c = val_class(v);
    if (class_is_subclass(c, cls_dict) || c == cls_mappingproxy) {
        return 1;
    }
    if (class_is_subclass(c, cls_list) || class_is_subclass(c, cls_tuple) || class_is_subclass(c, cls_str) ||
        !(c->flags & CLS_USER)) {
        return 0;
    }
    return abc_isinstance(v, "Mapping");
}

// A tuple of subject[key] for each key, None if one is missing, VAL_NULL on
// error. Lookups go through subject.get(key, marker).
Value match_keys(Value subject, Value keys) {
    ObjTuple *k = AS_TUPLE(keys);
    Value values = tuple_new(k->len);
    if (!values || k->len == 0) {
        return values;
    }
    gc_push_root(values);
    int roots = 1;
    Value result = VAL_NULL;
    bool exact = val_class(subject) == cls_dict;
    Value get = VAL_NULL, marker = VAL_NULL;
    if (!exact) {
        get = obj_getattr(subject, AS_STR(str_intern("get", 3)));
        if (!get) {
            goto done;
        }
        marker = OBJ_VAL(obj_alloc(cls_object, sizeof(Obj)));
        gc_push_root(get);
        gc_push_root(marker);
        roots += 2;
    }
    for (size_t i = 0; i < k->len; i++) {
        Value key = k->items[i];
        for (size_t j = 0; j < i; j++) {
            int eq = obj_eq(k->items[j], key);
            if (eq < 0) {
                goto done;
            }
            if (eq) {
                Value r = obj_repr(key);
                if (r) {
                    exc_raise(exc_ValueError, "mapping pattern checks duplicate key (%s)", AS_STR(r)->data);
                }
                goto done;
            }
        }
        Value v;
        if (exact) {
            int found = dict_get(AS_DICT(subject), key, &v);
            if (found < 0) {
                goto done;
            }
            if (!found) {
                result = VAL_NONE;
                goto done;
            }
        } else {
            Value args[2] = {key, marker};
            v = vm_call(get, 2, args, NULL);
            if (!v) {
                goto done;
            }
            if (v == marker) {
                result = VAL_NONE;
                goto done;
            }
        }
        AS_TUPLE(values)->items[i] = v;
    }
    result = values;
done:
    gc_pop_root(roots);
    return result;
}

static const char *class_name(Value cls) {
    return AS_STR(AS_CLASS(cls)->name)->data;
}

// subject.<name> for a class pattern into [out]: 1 found, 0 no such
// attribute (no match), -1 error (also when [name] was matched already).
static int class_attr(Value subject, Value cls, Value name, ObjList *seen, Value *out) {
    for (size_t i = 0; i < seen->len; i++) {
        if (seen->items[i] == name) {
            exc_raise(exc_TypeError, "%s() got multiple sub-patterns for attribute '%s'", class_name(cls),
                      AS_STR(name)->data);
            return -1;
        }
    }
    list_append(seen, name);
    *out = obj_getattr_opt(subject, AS_STR(name));
    return *out ? 1 : exc_pending() ? -1 : 0;
}

// Builtin classes whose single positional sub-pattern matches the subject
// itself (CPython's _Py_TPFLAGS_MATCH_SELF, inherited by subclasses).
static bool matches_self(ObjClass *c) {
    ObjClass *self[] = {cls_bool, cls_bytearray, cls_bytes, cls_dict, cls_float, cls_frozenset,
                        cls_int, cls_list, cls_set, cls_str, cls_tuple};
    for (size_t i = 0; i < sizeof self / sizeof *self; i++) {
        if (class_is_subclass(c, self[i])) {
            return true;
        }
    }
    return false;
}

Value match_class(Value subject, Value cls, Value names, int nargs) {
    if (!IS_CLASS(cls)) {
        exc_raise(exc_TypeError, "called match pattern must be a type");
        return VAL_NULL;
    }
    int r = isinstance_check(subject, cls);
    if (r <= 0) {
        return r < 0 ? VAL_NULL : VAL_NONE;
    }
    ObjTuple *kw = AS_TUPLE(names);
    Value attrs = list_new((size_t)nargs + kw->len);
    if (!attrs) {
        return VAL_NULL;
    }
    gc_push_root(attrs);
    Value seen = list_new(4);
    gc_push_root(seen);
    Value result = VAL_NULL, match_args = VAL_NULL;
    if (nargs) {
        match_args = obj_getattr_opt(cls, AS_STR(str_intern("__match_args__", 14)));
        bool match_self = false;
        if (match_args) {
            gc_push_root(match_args);
            if (!IS_TUPLE(match_args) || val_class(match_args) != cls_tuple) {
                exc_raise(exc_TypeError, "%s.__match_args__ must be a tuple (got %s)", class_name(cls),
                          val_type_name(match_args));
                goto done;
            }
        } else if (exc_pending()) {
            goto done;
        } else {
            match_self = matches_self(AS_CLASS(cls));
        }
        size_t allowed = match_self ? 1 : match_args ? AS_TUPLE(match_args)->len : 0;
        if (allowed < (size_t)nargs) {
            exc_raise(exc_TypeError, "%s() accepts %zu positional sub-pattern%s (%d given)", class_name(cls),
                      allowed, allowed == 1 ? "" : "s", nargs);
            goto done;
        }
        if (match_self) {
            list_append(AS_LIST(attrs), subject);
        } else {
            for (int i = 0; i < nargs; i++) {
                Value name = AS_TUPLE(match_args)->items[i];
                if (!IS_STR(name) || val_class(name) != cls_str) {
                    exc_raise(exc_TypeError, "__match_args__ elements must be strings (got %s)",
                              val_type_name(name));
                    goto done;
                }
                name = str_intern(AS_STR(name)->data, AS_STR(name)->len);
                Value v;
                int found = class_attr(subject, cls, name, AS_LIST(seen), &v);
                if (found <= 0) {
                    result = found ? VAL_NULL : VAL_NONE;
                    goto done;
                }
                list_append(AS_LIST(attrs), v);
            }
        }
    }
    for (size_t i = 0; i < kw->len; i++) {
        Value v;
        int found = class_attr(subject, cls, kw->items[i], AS_LIST(seen), &v);
        if (found <= 0) {
            result = found ? VAL_NULL : VAL_NONE;
            goto done;
        }
        list_append(AS_LIST(attrs), v);
    }
    result = seq_to_tuple(attrs);
done:
    gc_pop_root(match_args ? 3 : 2);
    return result;
}
