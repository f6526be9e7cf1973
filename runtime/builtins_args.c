// builtins_args.c: the argument-checking helpers natives use (arg_count,
// arg_no_kw, kw_get, kw_only) with CPython's messages, and
// class_add_classmethod for natives that are classmethods.
#include "containers.h"
#include "class.h"
#include "runtime.h"

// ---- argument helpers

// Checks that [argc] lies in [min, max] (max < 0: no limit).
bool arg_count(const char *fname, int argc, int min, int max) {
    if (argc >= min && (max < 0 || argc <= max)) {
        return true;
    }
    if (min == max) {
        if (min == 0) {
            exc_raise(exc_TypeError, "%s() takes no arguments (%d given)", fname, argc);
        } else if (min == 1) {
            exc_raise(exc_TypeError, "%s() takes exactly one argument (%d given)", fname, argc);
        } else {
            exc_raise(exc_TypeError, "%s expected %d arguments, got %d", fname, min, argc);
        }
    } else if (argc < min) {
        exc_raise(exc_TypeError, "%s expected at least %d argument%s, got %d", fname, min,
                  min == 1 ? "" : "s", argc);
    } else {
        exc_raise(exc_TypeError, "%s expected at most %d argument%s, got %d", fname, max,
                  max == 1 ? "" : "s", argc);
    }
    return false;
}

// Raises TypeError if any keyword argument was given.
bool arg_no_kw(const char *fname, ObjDict *kw) {
    if (kw && kw->used) {
        exc_raise(exc_TypeError, "%s() takes no keyword arguments", fname);
        return false;
    }
    return true;
}

bool arg_new_no_kw(ObjClass *cls, const char *fname, ObjDict *kw) {
    return has_user_init(cls) || arg_no_kw(fname, kw);
}

// The keyword argument [name], or VAL_NULL.
Value kw_get(ObjDict *kw, const char *name) {
    if (!kw || !kw->used) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < kw->nentries; i++) {
        DictEntry *e = &kw->entries[i];
        if (e->key && IS_STR(e->key) && !strcmp(AS_STR(e->key)->data, name)) {
            return e->value;
        }
    }
    return VAL_NULL;
}

// Raises TypeError for a keyword not in [allowed] (NULL-terminated).
bool kw_only(const char *fname, ObjDict *kw, const char *const *allowed) {
    if (!kw) {
        return true;
    }
    for (size_t i = 0; i < kw->nentries; i++) {
        DictEntry *e = &kw->entries[i];
        if (!e->key) {
            continue;
        }
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++) {
            ok = IS_STR(e->key) && !strcmp(AS_STR(e->key)->data, *a);
        }
        if (!ok) {
            exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for %s()",
                      IS_STR(e->key) ? AS_STR(e->key)->data : "?", fname);
            return false;
        }
    }
    return true;
}

// The builtin [name] (CPython's _PyEval_GetBuiltin): a lookup in the
// builtins dict, which may run a key's __eq__; VAL_NULL with AttributeError
// when a program deleted it.
Value builtins_get(const char *name) {
    Value key = OBJ_VAL(str_intern_c(name)), v;
    int r = dict_get(ST->builtins, key, &v);
    if (r < 0) {
        return VAL_NULL;
    }
    return r ? v : exc_raise(exc_AttributeError, "%s", name);
}

// Adds [fn] to [cls] as classmethod [name]; returns its native.
ObjNative *class_add_classmethod(ObjClass *cls, const char *name, NativeFn fn) {
    Value f = native_new(name, fn, cls);
    ((ObjNative *)AS_OBJ(f))->is_classmethod = true;
    ObjWrapper *w = (ObjWrapper *)obj_alloc(cls_classmethod, sizeof(ObjWrapper));
    w->func = f;
    dict_set_str(cls->dict, str_intern_c(name), OBJ_VAL(w));
    return (ObjNative *)AS_OBJ(f);
}
