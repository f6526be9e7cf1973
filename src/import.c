// import.c: the import system as CPython 3.11's importlib does it, in C:
// __import__ (absolute and relative names, fromlist, the top package for
// `import a.b`), finding a module (builtin C modules, the embedded
// runtime/lib modules and packages, then folders of sys.path or of the
// parent package's __path__: NAME/__init__.pyish is a package, NAME.pyish a
// module), loading it (in sys.modules before its body runs, out again if
// the body raises, set as an attribute of its parent), module specs
// (ModuleSpec, modspec.c), IMPORT_FROM / IMPORT_STAR. Folders without
// __init__.pyish are namespace packages (their __path__ a plain list, not
// a _NamespacePath). The _importlib module is in importlib.c.
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "interp.h"
#include "import.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "containers.h"
#include "module.h"
#include "vm.h"
#include "codeblob.h"

// ---- sys.path
static void mark_import(void) {
    gc_mark_obj((Obj *)ST->sys_path);
}

static void path_add_list(ObjList *l, const char *path) {
    char *copy = strdup(path);
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        list_append(l, str_from_c(dir));
    }
    free(copy);
}

Value interp_sys_path(void) {
    if (!ST->sys_path) {
        ST->sys_path = AS_LIST(list_new(4));
        if (ST->search_path) {
            path_add_list(ST->sys_path, ST->search_path);
        } else {
            if (!ST->config.safe_path) {    // -P, -I: not even ''
                list_append(ST->sys_path, str_from_c(ST->script_dir ? ST->script_dir : ""));
            }
            const char *pp = getenv("PYISHPATH");
            if (pp) {
                path_add_list(ST->sys_path, pp);
            }
        }
    }
    return OBJ_VAL(ST->sys_path);
}

// sys.path as the program has it now (it may rebind it).
static Value current_sys_path(void) {
    Value sys = dict_get_str(ST->modules, str_intern_c("sys"));
    if (sys && IS_A(sys, cls_module)) {
        Value p = dict_get_str(((ObjModule *)AS_OBJ(sys))->dict, str_intern_c("path"));
        if (p) {
            return p;
        }
    }
    return interp_sys_path();
}

// ---- errors
Value import_raise_error(ObjClass *cls, Value name, Value path, const char *fmt, ...) {
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    gc_push_root(name);
    gc_push_root(path);
    Value msg = str_from_c(buf);
    Value e = exc_new(cls, 1, &msg);
    if (e) {
        dict_set_str(AS_EXC(e)->dict, str_intern_c("name"), name ? name : VAL_NONE);
        dict_set_str(AS_EXC(e)->dict, str_intern_c("path"), path ? path : VAL_NONE);
    }
    gc_pop_root(2);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static Value not_found(Value name) {
    return import_raise_error(exc_ModuleNotFoundError, name, VAL_NULL, "No module named '%s'", AS_STR(name)->data);
}

// ---- loading
// The embedded modules a sandboxed state does not have: they exist to
// reach the file system and the OS (their C core is not registered there).
static bool sandbox_refuses(const char *name) {
    static const char *const os_modules[] = {"os", "posix", "posixpath", "genericpath", "shutil",
                                             "tempfile", "glob", "pathlib", NULL};
    if (!ST->config.sandbox) {
        return false;
    }
    for (int i = 0; os_modules[i]; i++) {
        if (strcmp(name, os_modules[i]) == 0) {
            return true;
        }
    }
    return false;
}

const LibSource *import_find_embedded(const char *name) {
    if (sandbox_refuses(name)) {
        return NULL;
    }
    for (int i = 0; pyish_libsrc[i].name; i++) {
        if (strcmp(pyish_libsrc[i].name, name) == 0) {
            return &pyish_libsrc[i];
        }
    }
    return NULL;
}

// True if an embedded module is a submodule of [name] (which then needs a
// __path__, even as a C module or a plain embedded one: urllib.parse).
static bool has_embedded_children(const char *name) {
    size_t n = strlen(name);
    for (int i = 0; pyish_libsrc[i].name; i++) {
        if (strncmp(pyish_libsrc[i].name, name, n) == 0 && pyish_libsrc[i].name[n] == '.') {
            return true;
        }
    }
    return false;
}

// Sets the import attributes of [m] from [spec]; [file] is __file__ or NULL.
static void set_module_attrs(Value m, Value spec, Value file) {
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    gc_push_root(spec);
    Value parent = spec_parent(spec);
    gc_push_root(parent);
    dict_set_str(d, str_intern_c("__package__"), parent);
    dict_set_str(d, str_intern_c("__loader__"), VAL_NONE);
    dict_set_str(d, str_intern_c("__spec__"), spec);
    Value search = spec_get(spec, "submodule_search_locations");
    if (!IS_NONE(search)) {
        dict_set_str(d, str_intern_c("__path__"), search);
    }
    if (file) {
        dict_set_str(d, str_intern_c("__file__"), file);
        dict_set_str(d, str_intern_c("__builtins__"), OBJ_VAL(ST->builtins));   // as exec gives a module
    }
    gc_pop_root(2);
}

// A module whose code raised leaves sys.modules, as in CPython; the
// exception stays pending.
static void forget_failed_module(Value name) {
    Value exc = exc_take();
    gc_push_root(exc);
    dict_del(ST->modules, name);
    exc_clear();
    exc_raise_value(exc);
    gc_pop_root(1);
}

// Runs [src] as the body of the new module [name] described by [spec]:
// in sys.modules while it runs (spec._initializing true), removed if it
// raises. Returns what sys.modules holds for [name] afterwards.
static Value exec_module(Value name, Value spec, Value file, const char *src, size_t len, bool embedded) {
    gc_push_root(name);
    gc_push_root(spec);
    gc_push_root(file);
    Value m = module_new(AS_STR(name)->data);
    gc_push_root(m);
    set_module_attrs(m, spec, file);
    spec_set_initializing(spec, true);
    Value r = VAL_NULL;
    if (dict_set(ST->modules, name, m) == 0) {
        // an embedded module's code compiled at build time, else its source
        ObjCode *code = embedded ? codeblob_lib(AS_STR(name)->data, AS_STR(file)) : NULL;
        if (!code) {
            code = interp_compile(src, len, AS_STR(file)->data, false, NULL);
        }
        if (code) {
            gc_push_root(OBJ_VAL(code));
            r = vm_run_module(code, ((ObjModule *)AS_OBJ(m))->dict);
            gc_pop_root(1);
        }
    }
    spec_set_initializing(spec, false);
    if (!r) {
        forget_failed_module(name);
        gc_pop_root(4);
        return VAL_NULL;
    }
    Value final;
    if (dict_get(ST->modules, name, &final) != 1) {
        final = m;
    }
    gc_pop_root(4);
    return final;
}

static int registry_index(const char *name) {
    for (int i = 0; i < ST->nregistry; i++) {
        if (strcmp(ST->registry[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static bool is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

// The spec of [name] (absolute, its parent package imported): for a
// top-level name ([path] VAL_NULL) a builtin C module, then an embedded
// module, then sys.path; for a submodule an embedded one, then the folders
// of [path] (the parent's __path__). In each folder NAME/__init__.pyish or
// NAME/__init__.py (a package), then NAME.pyish or NAME.py; failing all, the folders NAME of the search
// path make a namespace package (PEP 420). VAL_NULL without an exception
// when nothing has it.
Value import_find_spec(Value name, Value path) {
    const char *n = AS_STR(name)->data;
    const char *dot = strrchr(n, '.');
    const char *last = dot ? dot + 1 : n;
    if (!path && registry_index(n) >= 0) {
        Value search = has_embedded_children(n) ? list_new(0) : VAL_NONE;
        gc_push_root(search);
        Value spec = spec_new(name, str_from_c("built-in"), search);
        gc_pop_root(1);
        return spec;
    }
    const LibSource *lib = import_find_embedded(n);
    if (lib) {
        Value file = str_printf("<pyish %s>", n);
        gc_push_root(file);
        Value search = lib->package || has_embedded_children(n) ? list_new(0) : VAL_NONE;
        gc_push_root(search);
        Value spec = spec_new(name, file, search);
        gc_pop_root(2);
        return spec;
    }
    if (!path) {
        path = current_sys_path();
    }
    if (!IS_LIST(path)) {
        return VAL_NULL;
    }
    gc_push_root(path);
    Value spec = VAL_NULL, portions = VAL_NULL;
    for (size_t i = 0; i < AS_LIST(path)->len && !spec; i++) {
        Value dirv = AS_LIST(path)->items[i];
        if (!IS_STR(dirv)) {
            continue;
        }
        const char *dir = AS_STR(dirv)->data;
        char cwd[2048];
        if (!*dir && getcwd(cwd, sizeof cwd)) {
            dir = cwd;      // '': the current folder, named absolutely as CPython does
        }
        const char *sep = *dir ? "/" : "";
        char fpath[4096 + 32], dpath[4096];
        snprintf(dpath, sizeof dpath, "%s%s%s", dir, sep, last);
        // NAME/__init__.pyish, NAME/__init__.py, NAME.pyish, NAME.py: a
        // Python program's own .py modules import as they do in CPython
        static const char *const inits[] = {"/__init__.pyish", "/__init__.py"};
        static const char *const files[] = {".pyish", ".py"};
        for (int k = 0; k < 2 && !spec; k++) {
            snprintf(fpath, sizeof fpath, "%s%s", dpath, inits[k]);
            if (is_file(fpath)) {
                Value search = list_new(1);
                gc_push_root(search);
                list_append(AS_LIST(search), str_from_c(dpath));
                spec = spec_new(name, str_from_c(fpath), search);
                gc_pop_root(1);
            }
        }
        for (int k = 0; k < 2 && !spec; k++) {
            snprintf(fpath, sizeof fpath, "%s%s", dpath, files[k]);
            if (is_file(fpath)) {
                spec = spec_new(name, str_from_c(fpath), VAL_NONE);
            }
        }
        if (spec) {
            break;
        }
        struct stat st;
        if (stat(dpath, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (!portions) {
                portions = list_new(1);
                gc_push_root(portions);
            }
            list_append(AS_LIST(portions), str_from_c(dpath));
        }
    }
    if (!spec && portions) {
        spec = spec_new(name, VAL_NONE, portions);
    }
    gc_pop_root(portions ? 2 : 1);
    return spec;
}

// import_find_spec over sys.meta_path (_find_spec): each finder's
// find_spec(name, path) in turn, PathFinder's done directly; no
// sys.meta_path list means PathFinder alone.
Value import_meta_find_spec(Value name, Value path) {
    Value sys = dict_get_str(ST->modules, str_intern_c("sys"));
    Value mp = sys && IS_A(sys, cls_module)
                   ? dict_get_str(((ObjModule *)AS_OBJ(sys))->dict, str_intern_c("meta_path")) : VAL_NULL;
    if (!mp || !IS_LIST(mp) || (AS_LIST(mp)->len == 1 && AS_LIST(mp)->items[0] == OBJ_VAL(cls_pathfinder))) {
        return import_find_spec(name, path);
    }
    gc_push_root(name);
    gc_push_root(path);
    gc_push_root(mp);
    Value spec = VAL_NULL;
    for (size_t i = 0; i < AS_LIST(mp)->len && !spec; i++) {
        Value finder = AS_LIST(mp)->items[i];
        if (finder == OBJ_VAL(cls_pathfinder)) {
            spec = import_find_spec(name, path);
        } else {
            Value fs = obj_getattr_opt(finder, AS_STR(str_intern_c("find_spec")));
            if (!fs) {
                if (exc_pending()) {
                    break;
                }
                continue;   // a finder of find_module only: not asked (removed in 3.12)
            }
            gc_push_root(fs);
            Value args[2] = {name, path ? path : VAL_NONE};
            spec = vm_call(fs, 2, args, NULL);
            gc_pop_root(1);
            if (spec && IS_NONE(spec)) {
                spec = VAL_NULL;
            }
        }
        if (exc_pending()) {
            spec = VAL_NULL;
            break;
        }
    }
    gc_pop_root(3);
    return spec;
}

// Sets attribute [attr] of [m] to [v] when [m] has none (or None, with
// [if_none]); errors are dropped as _init_module_attrs does.
static void set_missing_attr(Value m, const char *attr, Value v, bool if_none) {
    ObjStr *key = AS_STR(str_intern_c(attr));
    Value cur = obj_getattr_opt(m, key);
    exc_clear();
    if (!cur || (if_none && IS_NONE(cur))) {
        if (!obj_setattr(m, key, v)) {
            exc_clear();
        }
    }
}

// _load_unlocked for a spec with a loader (from a meta path finder):
// loader.create_module(spec) or a new module, its attributes from the
// spec, in sys.modules while loader.exec_module(module) runs (removed if it
// raises); a loader of load_module only is called with the name.
static Value load_with_loader(Value name, Value spec, Value loader) {
    gc_push_root(name);
    gc_push_root(spec);
    gc_push_root(loader);
    Value exec = obj_getattr_opt(loader, AS_STR(str_intern_c("exec_module")));
    Value m = VAL_NULL;
    if (!exec) {
        m = exc_pending() ? VAL_NULL : call_attr(loader, "load_module", 1, &name);
        gc_pop_root(3);
        return m;
    }
    gc_push_root(exec);
    Value create = obj_getattr_opt(loader, AS_STR(str_intern_c("create_module")));
    if (create) {
        gc_push_root(create);
        m = vm_call(create, 1, &spec, NULL);
        gc_pop_root(1);
    } else if (!exc_pending()) {
        m = VAL_NONE;
    }
    if (!m) {
        gc_pop_root(4);
        return VAL_NULL;
    }
    if (IS_NONE(m)) {
        m = module_new(AS_STR(name)->data);
        gc_push_root(m);
        set_module_attrs(m, spec, VAL_NULL);
        dict_set_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("__loader__"), loader);
    } else {
        gc_push_root(m);
        Value parent = spec_parent(spec);
        gc_push_root(parent);
        set_missing_attr(m, "__name__", name, false);
        set_missing_attr(m, "__loader__", loader, true);
        set_missing_attr(m, "__package__", parent, true);
        if (!obj_setattr(m, AS_STR(str_intern_c("__spec__")), spec)) {
            exc_clear();
        }
        Value search = spec_get(spec, "submodule_search_locations");
        if (!IS_NONE(search)) {
            set_missing_attr(m, "__path__", search, true);
        }
        gc_pop_root(1);
    }
    spec_set_initializing(spec, true);
    Value r = dict_set(ST->modules, name, m) == 0 ? vm_call(exec, 1, &m, NULL) : VAL_NULL;
    spec_set_initializing(spec, false);
    Value final = VAL_NULL;
    if (!r) {
        forget_failed_module(name);
    } else if (dict_get(ST->modules, name, &final) != 1) {
        final = exc_pending() ? VAL_NULL : exc_raise(exc_KeyError, "'%s'", AS_STR(name)->data);
    }
    gc_pop_root(5);
    return final;
}

// Makes and runs the module [spec] describes; it is in sys.modules after.
static Value load_spec(Value name, Value spec) {
    if (!IS_A(spec, cls_modulespec)) {
        Value r = obj_repr(spec);
        return r ? import_raise_error(exc_ImportError, name, VAL_NULL, "%s is not a module spec", AS_STR(r)->data)
                 : VAL_NULL;
    }
    Value loader = spec_get(spec, "loader");
    if (!IS_NONE(loader)) {
        return load_with_loader(name, spec, loader);
    }
    Value origin = spec_get(spec, "origin");
    const char *n = AS_STR(name)->data;
    gc_push_root(spec);
    Value m = VAL_NULL;
    if (IS_NONE(origin) || (IS_STR(origin) && strcmp(AS_STR(origin)->data, "built-in") == 0)) {
        int i = IS_NONE(origin) ? -1 : registry_index(n);
        m = i >= 0 ? ST->registry[i].init() : module_new(n);    // a builtin module, a namespace package
        if (m) {
            gc_push_root(m);
            class_finish_builtins();    // slot wrappers of the module's classes
            set_module_attrs(m, spec, IS_NONE(origin) ? VAL_NONE : VAL_NULL);
            dict_set(ST->modules, name, m);
            gc_pop_root(1);
        }
    } else if (AS_STR(origin)->data[0] == '<') {
        const LibSource *lib = import_find_embedded(n);
        ST->gc.lib_depth++;     // (gc.h: stress build; class.c: __del__)
        m = lib ? exec_module(name, spec, origin, lib->src, lib->len, true) : not_found(name);
        ST->gc.lib_depth--;
    } else {
        size_t len;
        char *src = interp_read_file(AS_STR(origin)->data, &len);
        if (!src) {
            m = import_raise_error(exc_ImportError, name, origin, "cannot read '%s'", AS_STR(origin)->data);
        } else {
            m = exec_module(name, spec, origin, src, len, false);
            free(src);
        }
    }
    gc_pop_root(1);
    return m;
}

// [m].__path__ (VAL_NULL without an exception if it has none); a plain
// module's dict is read directly, making no AttributeError to drop.
static Value package_path(Value m) {
    ObjStr *key = str_intern_c("__path__");
    if (IS_A(m, cls_module)) {
        Value p = dict_get_str(((ObjModule *)AS_OBJ(m))->dict, key);
        if (p || !dict_get_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("__getattr__"))) {
            return p;
        }
    }
    return obj_getattr_opt(m, key);
}

// _find_and_load: the module [name] (absolute), from sys.modules or loaded
// (its parent packages first).
Value import_find_and_load(Value name) {
    Value m;
    int found = dict_get(ST->modules, name, &m);
    if (found < 0) {
        return VAL_NULL;
    }
    if (found == 1) {
        if (IS_NONE(m)) {
            return import_raise_error(exc_ModuleNotFoundError, name, VAL_NULL,
                                      "import of %s halted; None in sys.modules", AS_STR(name)->data);
        }
        return m;
    }
    const char *n = AS_STR(name)->data;
    const char *dot = strrchr(n, '.');
    if (!dot) {
        gc_push_root(name);
        Value spec = import_meta_find_spec(name, VAL_NULL);
        m = spec ? load_spec(name, spec) : exc_pending() ? VAL_NULL : not_found(name);
        gc_pop_root(1);
        return m;
    }
    gc_push_root(name);
    Value parent = str_new(n, (size_t)(dot - n));
    gc_push_root(parent);
    Value pm = import_find_and_load(parent);
    if (!pm) {
        gc_pop_root(2);
        return VAL_NULL;
    }
    if (dict_get(ST->modules, name, &m) == 1) {     // the parent's body imported it
        gc_pop_root(2);
        return m;
    }
    if (dict_get(ST->modules, parent, &pm) != 1) {
        gc_pop_root(2);
        return exc_raise(exc_KeyError, "'%s'", AS_STR(parent)->data);
    }
    gc_push_root(pm);
    Value path = package_path(pm);
    if (!path) {
        if (!exc_pending()) {
            import_raise_error(exc_ModuleNotFoundError, name, VAL_NULL,
                               "No module named '%s'; '%s' is not a package",
                               n, AS_STR(parent)->data);
        }
        gc_pop_root(3);
        return VAL_NULL;
    }
    gc_push_root(path);
    Value spec = import_meta_find_spec(name, path);
    m = spec ? load_spec(name, spec) : exc_pending() ? VAL_NULL : not_found(name);
    if (m) {
        gc_push_root(m);
        if (dict_get(ST->modules, parent, &pm) == 1) {
            if (!obj_setattr(pm, AS_STR(str_intern(dot + 1, strlen(dot + 1))), m)) {
                exc_clear();
            }
        }
        gc_pop_root(1);
    }
    gc_pop_root(4);
    return m;
}

Value import_module_value(ObjStr *name) {
    return import_find_and_load(OBJ_VAL(name));
}

// ---- __import__
// The package a relative import in [globals] is relative to
// (_calc___package__), as a str, or VAL_NULL with the error raised.
static Value calc_package(Value globals) {
    if (!IS_DICT(globals)) {
        return exc_raise(exc_KeyError, "'__name__' not in globals");
    }
    ObjDict *g = AS_DICT(globals);
    Value package = dict_get_str(g, str_intern_c("__package__"));
    Value spec = dict_get_str(g, str_intern_c("__spec__"));
    if (package && !IS_NONE(package)) {
        if (!IS_STR(package)) {
            return exc_raise(exc_TypeError, "package must be a string");
        }
        return package;
    }
    if (spec && !IS_NONE(spec)) {
        Value p = obj_getattr(spec, str_intern_c("parent"));
        if (p && !IS_STR(p)) {
            return exc_raise(exc_TypeError, "__spec__.parent must be a string");
        }
        return p;
    }
    Value name = dict_get_str(g, str_intern_c("__name__"));
    if (!name) {
        return exc_raise(exc_KeyError, "'__name__' not in globals");
    }
    if (!IS_STR(name)) {
        return exc_raise(exc_TypeError, "__name__ must be a string");
    }
    if (dict_get_str(g, str_intern_c("__path__"))) {
        return name;
    }
    const char *dot = strrchr(AS_STR(name)->data, '.');
    return dot ? str_new(AS_STR(name)->data, (size_t)(dot - AS_STR(name)->data)) : str_from_c("");
}

// The absolute name of [name] imported at [level] from [package].
Value import_resolve_name(Value name, Value package, int64_t level) {
    if (!IS_STR(package)) {
        return exc_raise(exc_TypeError, "__package__ not set to a string");
    }
    const char *p = AS_STR(package)->data;
    size_t last = AS_STR(package)->len;
    if (last == 0) {
        return exc_raise(exc_ImportError, "attempted relative import with no known parent package");
    }
    for (int64_t up = 1; up < level; up++) {
        while (last > 0 && p[last - 1] != '.') {
            last--;
        }
        if (last == 0) {
            return exc_raise(exc_ImportError, "attempted relative import beyond top-level package");
        }
        last--;
    }
    if (AS_STR(name)->len == 0) {
        return str_new(p, last);
    }
    return str_printf("%.*s.%s", (int)last, p, AS_STR(name)->data);
}

// Imports the submodules that [fromlist] names and [module] (a package)
// lacks (_handle_fromlist).
static bool handle_fromlist(Value module, Value fromlist, bool recursive) {
    Value l = seq_to_list(fromlist);
    if (!l) {
        return false;
    }
    gc_push_root(l);
    gc_push_root(module);
    bool ok = true;
    for (size_t i = 0; ok && i < AS_LIST(l)->len; i++) {
        Value x = AS_LIST(l)->items[i];
        if (!IS_STR(x)) {
            Value mn = recursive ? obj_getattr(module, ST->s_name) : VAL_NONE;
            if (!mn) {
                ok = false;
            } else if (recursive) {
                Value s = obj_str(mn);
                ok = false;
                if (s) {
                    exc_raise(exc_TypeError, "Item in %s.__all__ must be str, not %s", AS_STR(s)->data,
                              val_class(x)->name->data);
                }
            } else {
                exc_raise(exc_TypeError, "Item in ``from list'' must be str, not %s", val_class(x)->name->data);
                ok = false;
            }
            continue;
        }
        if (strcmp(AS_STR(x)->data, "*") == 0) {
            if (!recursive) {
                Value all = obj_getattr_opt(module, str_intern_c("__all__"));
                if (all) {
                    gc_push_root(all);
                    ok = handle_fromlist(module, all, true);
                    gc_pop_root(1);
                } else if (exc_pending()) {
                    ok = false;
                }
            }
            continue;
        }
        Value has = obj_getattr_opt(module, AS_STR(str_intern(AS_STR(x)->data, AS_STR(x)->len)));
        if (has) {
            continue;
        }
        if (exc_pending()) {
            ok = false;
            continue;
        }
        Value mname = obj_getattr(module, ST->s_name);
        Value from = mname && IS_STR(mname) ? str_printf("%s.%s", AS_STR(mname)->data, AS_STR(x)->data) : VAL_NULL;
        if (!from) {
            ok = false;
            continue;
        }
        gc_push_root(from);
        if (!import_find_and_load(from)) {
            Value e = exc_pending();
            Value en = EXC_PENDING_IS(exc_ModuleNotFoundError) ? obj_getattr_opt(e, str_intern_c("name"))
                                                                : VAL_NULL;
            Value cached = VAL_NULL;
            if (en && IS_STR(en) && str_eq(AS_STR(en), AS_STR(from)) &&
                !(dict_get(ST->modules, from, &cached) == 1 && IS_NONE(cached))) {
                exc_clear();    // a missing submodule: IMPORT_FROM reports the name
            } else {
                ok = false;
            }
        }
        gc_pop_root(1);
    }
    gc_pop_root(2);
    return ok;
}

Value import_name(Value name, Value globals, Value fromlist, int64_t level) {
    if (!IS_STR(name)) {
        return exc_raise(exc_TypeError, "module name must be a string");
    }
    if (level < 0) {
        return exc_raise(exc_ValueError, "level must be >= 0");
    }
    Value abs = name;
    if (level > 0) {
        Value package = calc_package(globals);
        if (!package) {
            return VAL_NULL;
        }
        gc_push_root(package);
        abs = import_resolve_name(name, package, level);
        gc_pop_root(1);
        if (!abs) {
            return VAL_NULL;
        }
    } else if (AS_STR(name)->len == 0) {
        return exc_raise(exc_ValueError, "Empty module name");
    }
    gc_push_root(abs);
    Value m = import_find_and_load(abs);
    if (!m) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(m);
    int has_from = fromlist && !IS_NONE(fromlist) ? obj_truthy(fromlist) : 0;
    Value r = m;
    if (has_from < 0) {
        r = VAL_NULL;
    } else if (!has_from) {
        const char *n = AS_STR(name)->data;
        const char *dot = strchr(n, '.');
        if (dot && level == 0) {
            r = import_find_and_load(str_new(n, (size_t)(dot - n)));
        } else if (dot) {
            size_t cut = AS_STR(name)->len - (size_t)(dot - n);
            Value mn = obj_getattr(m, ST->s_name);
            if (mn && IS_STR(mn) && AS_STR(mn)->len >= cut) {
                Value want = str_new(AS_STR(mn)->data, AS_STR(mn)->len - cut);
                if (dict_get(ST->modules, want, &r) != 1) {
                    r = exc_raise(exc_KeyError, "'%s' not in sys.modules as expected", AS_STR(want)->data);
                }
            } else {
                r = mn ? exc_raise(exc_TypeError, "module __name__ must be a string") : VAL_NULL;
            }
        }
    } else {
        Value path = package_path(m);
        if (path && !handle_fromlist(m, fromlist, false)) {
            r = VAL_NULL;
        } else if (!path && exc_pending()) {
            r = VAL_NULL;
        }
    }
    gc_pop_root(2);
    return r;
}

// __import__(name, globals=None, locals=None, fromlist=(), level=0)
Value import_builtin(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"name", "globals", "locals", "fromlist", "level"};
    Value a[5] = {VAL_NULL, VAL_NONE, VAL_NONE, VAL_NULL, MK_SMALL(0)};
    if (argc > 5) {
        return exc_raise(exc_TypeError, "__import__() takes at most 5 arguments (%d given)", argc);
    }
    for (int i = 0; i < argc; i++) {
        a[i] = argv[i];
    }
    if (kw) {
        size_t pos = 0;
        Value k, v;
        while (dict_next(kw, &pos, &k, &v)) {
            int j = 0;
            while (j < 5 && strcmp(names[j], AS_STR(k)->data) != 0) {
                j++;
            }
            if (j == 5) {
                return exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for __import__()",
                                 AS_STR(k)->data);
            }
            if (j < argc) {
                return exc_raise(exc_TypeError, "argument for __import__() given by name ('%s') and position (%d)",
                                 names[j], j + 1);
            }
            a[j] = v;
        }
    }
    if (!a[0]) {
        return exc_raise(exc_TypeError, "__import__() missing required argument 'name' (pos 1)");
    }
    if (!IS_SMALL(a[4])) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer",
                         val_class(a[4])->name->data);
    }
    return import_name(a[0], a[1], a[3], AS_SMALL(a[4]));
}

Value import_name_op(ObjStr *name, ObjDict *globals, ObjDict *locals, Value fromlist, Value level) {
    Value imp = dict_get_str(ST->builtins, str_intern_c("__import__"));
    if (!imp) {
        return exc_raise(exc_ImportError, "__import__ not found");
    }
    if (IS_A(imp, cls_native) && ((ObjNative *)AS_OBJ(imp))->fn == import_builtin) {
        return import_name(OBJ_VAL(name), OBJ_VAL(globals), fromlist, AS_SMALL(level));
    }
    Value args[5] = {OBJ_VAL(name), OBJ_VAL(globals), locals ? OBJ_VAL(locals) : VAL_NONE, fromlist, level};
    return vm_call(imp, 5, args, NULL);
}

// ---- from m import x, from m import *
static bool module_initializing(Value module) {
    Value spec = obj_getattr_opt(module, str_intern_c("__spec__"));
    if (!spec) {
        exc_clear();
        return false;
    }
    Value v = obj_getattr_opt(spec, str_intern_c("_initializing"));
    int t = v ? obj_truthy(v) : 0;
    if (t < 0 || !v) {
        exc_clear();
    }
    return t > 0;
}

Value import_from(Value module, ObjStr *name) {
    Value v = obj_getattr_opt(module, name);
    if (v || exc_pending()) {
        return v;
    }
    // a circular import: the submodule may be in sys.modules already
    Value pkg = obj_getattr_opt(module, ST->s_name);
    if (!pkg && exc_pending()) {
        exc_clear();
    }
    if (pkg && IS_STR(pkg)) {
        gc_push_root(pkg);
        Value full = str_printf("%s.%s", AS_STR(pkg)->data, name->data);
        Value sub;
        int f = dict_get(ST->modules, full, &sub);
        gc_pop_root(1);
        if (f == 1) {
            return sub;
        }
    } else {
        pkg = VAL_NULL;
    }
    Value file = VAL_NULL;
    if (IS_A(module, cls_module)) {
        file = dict_get_str(((ObjModule *)AS_OBJ(module))->dict, str_intern_c("__file__"));
    }
    Value rn = obj_repr(OBJ_VAL(name));
    if (!rn) {
        return VAL_NULL;
    }
    gc_push_root(rn);
    Value rp = obj_repr(pkg ? pkg : str_from_c("<unknown module name>"));
    gc_pop_root(1);
    if (!rp) {
        return VAL_NULL;
    }
    gc_push_root(rn);
    gc_push_root(rp);
    Value r;
    if (!file || !IS_STR(file)) {
        r = import_raise_error(exc_ImportError, pkg, VAL_NULL, "cannot import name %s from %s (unknown location)",
                               AS_STR(rn)->data, AS_STR(rp)->data);
    } else if (module_initializing(module)) {
        r = import_raise_error(exc_ImportError, pkg, file,
                               "cannot import name %s from partially initialized module %s "
                               "(most likely due to a circular import) (%s)",
                               AS_STR(rn)->data, AS_STR(rp)->data, AS_STR(file)->data);
    } else {
        r = import_raise_error(exc_ImportError, pkg, file, "cannot import name %s from %s (%s)", AS_STR(rn)->data,
                               AS_STR(rp)->data, AS_STR(file)->data);
    }
    gc_pop_root(2);
    return r;
}

bool import_star(Value module, Value into) {
    Value all = obj_getattr_opt(module, str_intern_c("__all__"));
    bool skip_under = false;
    if (!all) {
        if (exc_pending()) {
            return false;
        }
        Value d = obj_getattr_opt(module, str_intern_c("__dict__"));
        if (!d) {
            if (!exc_pending()) {
                exc_raise(exc_ImportError, "from-import-* object has no __dict__ and no __all__");
            }
            return false;
        }
        all = seq_to_list(d);   // the keys of a dict
        skip_under = true;
    } else {
        all = seq_to_list(all);
    }
    if (!all) {
        return false;
    }
    gc_push_root(all);
    bool ok = true;
    for (size_t i = 0; ok && i < AS_LIST(all)->len; i++) {
        Value k = AS_LIST(all)->items[i];
        if (!IS_STR(k)) {
            Value mn = obj_getattr(module, ST->s_name);
            ok = false;
            if (mn && !IS_STR(mn)) {
                exc_raise(exc_TypeError, "module __name__ must be a string, not %s", val_class(mn)->name->data);
            } else if (mn) {
                exc_raise(exc_TypeError, "%s in %s.%s must be str, not %s", skip_under ? "Key" : "Item",
                          AS_STR(mn)->data, skip_under ? "__dict__" : "__all__", val_class(k)->name->data);
            }
            break;
        }
        if (skip_under && AS_STR(k)->data[0] == '_') {
            continue;
        }
        Value ik = str_intern(AS_STR(k)->data, AS_STR(k)->len);
        Value v = obj_getattr(module, AS_STR(ik));
        if (!v || (AS_OBJ(into)->cls == cls_dict ? dict_set(AS_DICT(into), ik, v) < 0 : !obj_setitem(into, ik, v))) {
            ok = false;
        }
    }
    gc_pop_root(1);
    return ok;
}

void import_init(void) {
    modspec_init();
    pathfinder_init();
    gc_add_root_marker(mark_import);
}

Value vm_import(const char *name) {
    return import_module_value(str_intern_c(name));
}
