// api_values.c: the embedding API's values (include/pyish.h): making
// values from C data and reading them back, type queries, containers,
// attributes, and calls. C functions and modules are in api_cfunc.c.
#include <stdlib.h>
#include <string.h>
#include "api_internal.h"
#include "class.h"
#include "gc.h"
#include "interp.h"
#include "module.h"
#include "runtime.h"
#include "vm.h"
#include "numstr.h"

// ---- making values

pyish_Value *pyish_none(pyish_State *S) {
    api_enter(S);
    return api_result(S, VAL_NONE);
}

pyish_Value *pyish_bool(pyish_State *S, bool b) {
    api_enter(S);
    return api_result(S, VAL_BOOL(b));
}

pyish_Value *pyish_int(pyish_State *S, int64_t i) {
    api_enter(S);
    return api_result(S, int_from_i64(i));
}

pyish_Value *pyish_int_from_string(pyish_State *S, const char *digits) {
    api_enter(S);
    return api_result(S, int_from_str(digits, 10));
}

pyish_Value *pyish_float(pyish_State *S, double d) {
    api_enter(S);
    return api_result(S, float_new(d));
}

pyish_Value *pyish_str(pyish_State *S, const char *s, size_t len) {
    api_enter(S);
    if (len == (size_t)-1) {
        len = strlen(s);
    }
    Value r;
    size_t i = 0;
    while (i < len) {
        int n = utf8_valid_len(s + i, len - i);
        if (n <= 0) {
            break;
        }
        i += (size_t)n;
    }
    if (i < len) {
        r = exc_raise(exc_UnicodeDecodeError, "'utf-8' codec can't decode byte 0x%02x in position %zu: invalid start byte",
                      (unsigned char)s[i], i);
    } else {
        r = str_new(s, len);
    }
    return api_result(S, r);
}

static Value array_of(size_t n, pyish_Value *const *items, bool tuple) {
    Value r = tuple ? tuple_new(n) : list_new(n);
    if (!r) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < n; i++) {
        Value v = api_val(items[i]);
        if (!v) {
            return exc_raise(exc_TypeError, "item %zu is NULL", i);
        }
        if (tuple) {
            AS_TUPLE(r)->items[i] = v;
        } else {
            list_append(AS_LIST(r), v);
        }
    }
    return r;
}

pyish_Value *pyish_list(pyish_State *S, size_t n, pyish_Value *const *items) {
    api_enter(S);
    return api_result(S, array_of(n, items, false));
}

pyish_Value *pyish_tuple(pyish_State *S, size_t n, pyish_Value *const *items) {
    api_enter(S);
    return api_result(S, array_of(n, items, true));
}

pyish_Value *pyish_dict(pyish_State *S) {
    api_enter(S);
    return api_result(S, dict_new());
}

// ---- reading values

static pyish_Type type_of(pyish_Value *h) {
    Value v = api_val(h);
    if (!v) {
        return PYISH_TOTHER;
    }
    if (IS_NONE(v)) {
        return PYISH_TNONE;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        return PYISH_TBOOL;
    }
    ObjClass *c = val_class(v);
    if (IS_INT(v) || class_is_subclass(c, cls_int)) {
        return PYISH_TINT;
    }
    return c == cls_float || class_is_subclass(c, cls_float) ? PYISH_TFLOAT
         : c == cls_str || class_is_subclass(c, cls_str) ? PYISH_TSTR
         : c == cls_list || class_is_subclass(c, cls_list) ? PYISH_TLIST
         : c == cls_tuple || class_is_subclass(c, cls_tuple) ? PYISH_TTUPLE
         : c == cls_dict || class_is_subclass(c, cls_dict) ? PYISH_TDICT
         : PYISH_TOTHER;
}

pyish_Type pyish_type(pyish_State *S, pyish_Value *h) {
    api_enter(S);
    pyish_Type t = type_of(h);
    api_leave(S);
    return t;
}

const char *pyish_type_name(pyish_State *S, pyish_Value *h) {
    if (!h) {
        return "NULL";
    }
    api_enter(S);
    const char *r = val_class(h->v)->name->data;
    api_leave(S);
    return r;
}

bool pyish_is_callable(pyish_State *S, pyish_Value *h) {
    if (!h) {
        return false;
    }
    api_enter(S);
    ObjClass *c = val_class(h->v);
    bool r = c->call || c == cls_function || c == cls_native || c == cls_bound_method || IS_CLASS(h->v);
    api_leave(S);
    return r;
}

bool pyish_isinstance(pyish_State *S, pyish_Value *h, const char *type_name) {
    api_enter(S);
    ObjClass *c = api_builtin_class(type_name);
    bool r = h && c && obj_isinstance(h->v, c);
    api_leave(S);
    return r;
}

int pyish_to_int64(pyish_State *S, pyish_Value *h, int64_t *out) {
    api_enter(S);
    Value v = api_val(h);
    int rc = PYISH_OK;
    if (v == VAL_TRUE || v == VAL_FALSE) {
        *out = v == VAL_TRUE;
    } else if (!v || type_of(h) != PYISH_TINT) {
        exc_raise(exc_TypeError, "an integer is required (got type %s)", v ? val_type_name(v) : "NULL");
        rc = api_fail(S);
    } else if (IS_SMALL(v)) {
        *out = AS_SMALL(v);
    } else if (!int_to_i64(v, out)) {
        rc = api_fail(S);
    }
    api_leave(S);
    return rc;
}

char *pyish_to_int_string(pyish_State *S, pyish_Value *h) {
    api_enter(S);
    char *r = NULL;
    if (type_of(h) != PYISH_TINT && type_of(h) != PYISH_TBOOL) {
        exc_raise(exc_TypeError, "an integer is required (got type %s)", h ? val_type_name(h->v) : "NULL");
        api_fail(S);
    } else {
        Value s = h->v == VAL_TRUE ? str_from_c("1") : h->v == VAL_FALSE ? str_from_c("0")
                : obj_repr(h->v);
        if (s) {
            r = strdup(AS_STR(s)->data);
        } else {
            api_fail(S);
        }
    }
    api_leave(S);
    return r;
}

int pyish_to_double(pyish_State *S, pyish_Value *h, double *out) {
    api_enter(S);
    int rc = PYISH_OK;
    Value v = api_val(h);
    if (!v || (!IS_FLOAT(v) && type_of(h) != PYISH_TINT && type_of(h) != PYISH_TFLOAT &&
               type_of(h) != PYISH_TBOOL)) {
        exc_raise(exc_TypeError, "must be real number, not %s", v ? val_type_name(v) : "NULL");
        rc = api_fail(S);
    } else if (!val_to_double(v, out)) {
        rc = api_fail(S);
    }
    api_leave(S);
    return rc;
}

const char *pyish_to_string(pyish_State *S, pyish_Value *h, size_t *len) {
    api_enter(S);
    const char *r = NULL;
    if (type_of(h) != PYISH_TSTR) {
        exc_raise(exc_TypeError, "expected str, not %s", h ? val_type_name(h->v) : "NULL");
        api_fail(S);
    } else {
        if (len) {
            *len = AS_STR(h->v)->len;
        }
        r = AS_STR(h->v)->data;
    }
    api_leave(S);
    return r;
}

int pyish_truthy(pyish_State *S, pyish_Value *h) {
    api_enter(S);
    int r = h ? obj_truthy(h->v) : -1;
    if (r < 0) {
        if (!h) {
            exc_raise(exc_TypeError, "NULL handle");
        }
        r = api_fail(S);
    }
    api_leave(S);
    return r;
}

pyish_Value *pyish_to_str(pyish_State *S, pyish_Value *h) {
    api_enter(S);
    return api_result(S, h ? obj_str(h->v) : exc_raise(exc_TypeError, "NULL handle"));
}

pyish_Value *pyish_repr(pyish_State *S, pyish_Value *h) {
    api_enter(S);
    return api_result(S, h ? obj_repr(h->v) : exc_raise(exc_TypeError, "NULL handle"));
}

// ---- containers and attributes

int64_t pyish_len(pyish_State *S, pyish_Value *h) {
    api_enter(S);
    int64_t n = h ? obj_length(h->v) : -1;
    if (n < 0) {
        if (!h) {
            exc_raise(exc_TypeError, "NULL handle");
        }
        api_fail(S);
        n = -1;
    }
    api_leave(S);
    return n;
}

pyish_Value *pyish_get_item(pyish_State *S, pyish_Value *h, pyish_Value *key) {
    api_enter(S);
    return api_result(S, h && key ? obj_getitem(h->v, key->v) : exc_raise(exc_TypeError, "NULL handle"));
}

int pyish_set_item(pyish_State *S, pyish_Value *h, pyish_Value *key, pyish_Value *item) {
    api_enter(S);
    int rc = PYISH_OK;
    if (!h || !key || !item) {
        exc_raise(exc_TypeError, "NULL handle");
        rc = api_fail(S);
    } else if (!obj_setitem(h->v, key->v, item->v)) {
        rc = api_fail(S);
    }
    api_leave(S);
    return rc;
}

pyish_Value *pyish_get_index(pyish_State *S, pyish_Value *h, int64_t index) {
    api_enter(S);
    return api_result(S, h ? obj_getitem(h->v, int_from_i64(index)) : exc_raise(exc_TypeError, "NULL handle"));
}

int pyish_list_append(pyish_State *S, pyish_Value *list, pyish_Value *item) {
    api_enter(S);
    int rc = PYISH_OK;
    if (!list || !item || !IS_LIST(list->v)) {
        exc_raise(exc_TypeError, "pyish_list_append() needs a list, not %s",
                  list ? val_type_name(list->v) : "NULL");
        rc = api_fail(S);
    } else if (!list_append(AS_LIST(list->v), item->v)) {
        rc = api_fail(S);
    }
    api_leave(S);
    return rc;
}

pyish_Value *pyish_dict_get(pyish_State *S, pyish_Value *d, const char *key) {
    api_enter(S);
    Value r = VAL_NULL;
    if (!d || !IS_DICT(d->v)) {
        r = exc_raise(exc_TypeError, "pyish_dict_get() needs a dict, not %s", d ? val_type_name(d->v) : "NULL");
    } else {
        Value k = str_from_c(key);
        gc_push_root(k);
        int found = dict_get(AS_DICT(d->v), k, &r);
        if (found == 0) {
            Value e = exc_new(exc_KeyError, 1, &k);
            if (e) {
                exc_raise_value(e);
            }
        }
        if (found != 1) {
            r = VAL_NULL;
        }
        gc_pop_root(1);
    }
    return api_result(S, r);
}

int pyish_dict_set(pyish_State *S, pyish_Value *d, const char *key, pyish_Value *item) {
    api_enter(S);
    int rc = PYISH_OK;
    if (!d || !item || !IS_DICT(d->v)) {
        exc_raise(exc_TypeError, "pyish_dict_set() needs a dict, not %s", d ? val_type_name(d->v) : "NULL");
        rc = api_fail(S);
    } else {
        Value k = str_from_c(key);
        gc_push_root(k);
        if (dict_set(AS_DICT(d->v), k, item->v) < 0) {
            rc = api_fail(S);
        }
        gc_pop_root(1);
    }
    api_leave(S);
    return rc;
}

int pyish_dict_next(pyish_State *S, pyish_Value *d, size_t *pos, pyish_Value **key, pyish_Value **item) {
    api_enter(S);
    Value k, v;
    int r = 0;
    if (!d || !IS_DICT(d->v)) {
        exc_raise(exc_TypeError, "pyish_dict_next() needs a dict");
        r = api_fail(S);
    } else if (dict_next(AS_DICT(d->v), pos, &k, &v)) {
        *key = api_handle(S, k);
        *item = api_handle(S, v);
        r = 1;
    }
    api_leave(S);
    return r;
}

pyish_Value *pyish_get_attr(pyish_State *S, pyish_Value *h, const char *name) {
    api_enter(S);
    return api_result(S, h ? obj_getattr(h->v, str_intern_c(name)) : exc_raise(exc_TypeError, "NULL handle"));
}

int pyish_set_attr(pyish_State *S, pyish_Value *h, const char *name, pyish_Value *item) {
    api_enter(S);
    int rc = PYISH_OK;
    if (!h || !item) {
        exc_raise(exc_TypeError, "NULL handle");
        rc = api_fail(S);
    } else if (!obj_setattr(h->v, str_intern_c(name), item->v)) {
        rc = api_fail(S);
    }
    api_leave(S);
    return rc;
}

// ---- calls

static Value call(pyish_Value *f, int argc, pyish_Value *const *argv, pyish_Value *kwargs) {
    if (!f || argc < 0 || (argc > 0 && !argv)) {
        return exc_raise(exc_TypeError, "pyish_call(): NULL function or arguments");
    }
    if (kwargs && !IS_DICT(kwargs->v)) {
        return exc_raise(exc_TypeError, "keyword arguments must be a dict, not %s", val_type_name(kwargs->v));
    }
    Value small[8];
    Value *args = argc <= 8 ? small : malloc(sizeof(Value) * (size_t)argc);
    if (!args) {
        return exc_raise_nomem();
    }
    for (int i = 0; i < argc; i++) {
        if (!argv[i]) {
            if (args != small) {
                free(args);
            }
            return exc_raise(exc_TypeError, "pyish_call(): argument %d is NULL", i);
        }
        args[i] = argv[i]->v;
    }
    ObjDict *kw = kwargs && AS_DICT(kwargs->v)->used ? AS_DICT(kwargs->v) : NULL;
    Value r = vm_call(f->v, argc, args, kw);
    if (args != small) {
        free(args);
    }
    return r;
}

pyish_Value *pyish_call(pyish_State *S, pyish_Value *f, int argc, pyish_Value *const *argv) {
    api_enter(S);
    return api_result(S, call(f, argc, argv, NULL));
}

pyish_Value *pyish_call_kw(pyish_State *S, pyish_Value *f, int argc, pyish_Value *const *argv,
                           pyish_Value *kwargs) {
    api_enter(S);
    return api_result(S, call(f, argc, argv, kwargs));
}

pyish_Value *pyish_call_method(pyish_State *S, pyish_Value *obj, const char *name, int argc,
                               pyish_Value *const *argv) {
    pyish_Value *m = pyish_get_attr(S, obj, name);
    if (!m) {
        return NULL;
    }
    pyish_Value *r = pyish_call(S, m, argc, argv);
    pyish_release(S, m);
    return r;
}
