// importlib.c: the _importlib module that runtime/lib/importlib wraps:
// import_module (absolute and relative names), reload (the module's body
// run again in its dict), invalidate_caches and _find_spec (a module's spec
// without loading it, for importlib.util.find_spec).
#include <stdlib.h>
#include <string.h>
#include "interp.h"
#include "import.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "containers.h"
#include "module.h"
#include "vm.h"

static Value il_import_module(int argc, Value *argv, ObjDict *kw) {
    Value name = argc > 0 ? argv[0] : VAL_NULL, package = argc > 1 ? argv[1] : VAL_NONE;
    if (kw) {
        Value v = dict_get_str(kw, str_intern_c("package"));
        if (v) {
            package = v;
        }
        v = dict_get_str(kw, str_intern_c("name"));
        if (v) {
            name = v;
        }
    }
    if (!name || argc > 2) {
        return exc_raise(exc_TypeError, "import_module() takes from 1 to 2 positional arguments but %d were given",
                         argc);
    }
    if (!IS_STR(name)) {
        return exc_raise(exc_TypeError, "module name must be str, not %s", val_class(name)->name->data);
    }
    const char *n = AS_STR(name)->data;
    int64_t level = 0;
    while (n[level] == '.') {
        level++;
    }
    if (level == 0) {
        if (!*n) {
            return exc_raise(exc_ValueError, "Empty module name");
        }
        return import_find_and_load(name);
    }
    int t = IS_NONE(package) ? 0 : obj_truthy(package);
    if (t < 0) {
        return VAL_NULL;
    }
    if (!t) {
        Value r = obj_repr(name);
        return r ? exc_raise(exc_TypeError,
                             "the 'package' argument is required to perform a relative import for %s",
                             AS_STR(r)->data)
                 : VAL_NULL;
    }
    if (!IS_STR(package)) {
        return exc_raise(exc_TypeError, "__package__ not set to a string");
    }
    Value rest = str_from_c(n + level);
    gc_push_root(rest);
    Value abs = import_resolve_name(rest, package, level);
    gc_pop_root(1);
    if (!abs) {
        return VAL_NULL;
    }
    gc_push_root(abs);
    Value m = import_find_and_load(abs);
    gc_pop_root(1);
    return m;
}

// importlib.reload(module): runs the module's source again in its dict.
static Value il_reload(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("reload", kw) || !arg_count("reload", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value m = argv[0];
    if (!IS_A(m, cls_module)) {
        return exc_raise(exc_TypeError, "reload() argument must be a module");
    }
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    Value spec = dict_get_str(d, str_intern_c("__spec__"));
    Value name = spec && IS_A(spec, cls_modulespec) ? spec_get(spec, "name") : dict_get_str(d, ST->s_name);
    if (!name || !IS_STR(name)) {
        return exc_raise(exc_TypeError, "reload() argument must be a module");
    }
    Value cur;
    if (dict_get(ST->modules, name, &cur) != 1 || cur != m) {
        return import_raise_error(exc_ImportError, name, VAL_NULL, "module %s not in sys.modules",
                                  AS_STR(name)->data);
    }
    if (!spec || !IS_A(spec, cls_modulespec)) {
        return m;   // a builtin module set up by hand
    }
    Value origin = spec_get(spec, "origin");
    if (!IS_STR(origin) || strcmp(AS_STR(origin)->data, "built-in") == 0) {
        return m;
    }
    const char *src = NULL;
    size_t len = 0;
    char *buf = NULL;
    if (AS_STR(origin)->data[0] == '<') {
        const LibSource *lib = import_find_embedded(AS_STR(name)->data);
        if (lib) {
            src = lib->src;
            len = lib->len;
        }
    } else {
        src = buf = interp_read_file(AS_STR(origin)->data, &len);
    }
    if (!src) {
        return import_raise_error(exc_ModuleNotFoundError, name, VAL_NULL, "spec not found for the module '%s'",
                                  AS_STR(name)->data);
    }
    gc_push_root(m);
    spec_set_initializing(spec, true);
    ObjCode *code = interp_compile(src, len, AS_STR(origin)->data, false, NULL);
    free(buf);
    Value r = VAL_NULL;
    if (code) {
        gc_push_root(OBJ_VAL(code));
        r = vm_run_module(code, d);
        gc_pop_root(1);
    }
    spec_set_initializing(spec, false);
    gc_pop_root(1);
    if (!r) {
        return VAL_NULL;
    }
    if (dict_get(ST->modules, name, &cur) != 1) {
        return exc_raise(exc_KeyError, "'%s'", AS_STR(name)->data);
    }
    return cur;
}

static Value il_invalidate_caches(int argc, Value *argv, ObjDict *kw) {
    return VAL_NONE;
}

// _find_spec(fullname, path): the spec of the absolute [fullname] without
// loading it (path None: a top-level name) from the finders of
// sys.meta_path, or None (importlib.util).
static Value il_find_spec(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("_find_spec", kw) || !arg_count("_find_spec", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "module name must be str, not %s", val_class(argv[0])->name->data);
    }
    Value spec = import_meta_find_spec(argv[0], IS_NONE(argv[1]) ? VAL_NULL : argv[1]);
    return spec ? spec : exc_pending() ? VAL_NULL : VAL_NONE;
}

// PathFinder.find_spec(fullname, path=None, target=None): the class in
// sys.meta_path that stands for all of pyish's own finding (builtin C
// modules, embedded runtime/lib modules, sys.path and __path__ folders).
static Value pf_find_spec(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("find_spec", kw) || !arg_count("find_spec", argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "module name must be str, not %s", val_class(argv[1])->name->data);
    }
    Value path = argc > 2 && !IS_NONE(argv[2]) ? argv[2] : VAL_NULL;
    Value spec = import_find_spec(argv[1], path);
    return spec ? spec : exc_pending() ? VAL_NULL : VAL_NONE;
}

static Value pf_invalidate_caches(int argc, Value *argv, ObjDict *kw) {
    return VAL_NONE;
}

void pathfinder_init(void) {
    cls_pathfinder = class_new_builtin("PathFinder", NULL, sizeof(Obj), NULL);
    cls_pathfinder->new_ = NULL;
    dict_set_str(cls_pathfinder->dict, ST->s_module, str_from_c("_frozen_importlib_external"));
    class_add_classmethod(cls_pathfinder, "find_spec", pf_find_spec);
    class_add_classmethod(cls_pathfinder, "invalidate_caches", pf_invalidate_caches);
}

static const MethodDef importlib_fns[] = {
    {"import_module", il_import_module, true},
    {"reload", il_reload},
    {"invalidate_caches", il_invalidate_caches},
    {"_find_spec", il_find_spec},
    {NULL, NULL},
};

Value mod_importlib_init(void) {
    Value m = module_new("_importlib");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, NULL, importlib_fns);
    dict_set_str(d, str_intern_c("ModuleSpec"), OBJ_VAL(cls_modulespec));
    dict_set_str(d, str_intern_c("PathFinder"), OBJ_VAL(cls_pathfinder));
    gc_pop_root(1);
    return m;
}

