// api_run.c: running code through the embedding API (include/pyish.h):
// source text and files as __main__, compile once and run many times in
// any globals dict, eval of an expression, __main__'s globals, and import.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_internal.h"
#include "class.h"
#include "gc.h"
#include "interp.h"
#include "module.h"
#include "runtime.h"
#include "vm.h"

// ---- running code

static ObjDict *main_dict(void) {
    return interp_main_globals();
}

pyish_Value *pyish_compile(pyish_State *S, const char *src, size_t len, const char *filename) {
    api_enter(S);
    ObjCode *code = interp_compile(src, len, filename ? filename : "<string>", false, NULL);
    return api_result(S, code ? OBJ_VAL(code) : VAL_NULL);
}

int pyish_run_code(pyish_State *S, pyish_Value *code, pyish_Value *globals) {
    api_enter(S);
    int rc = PYISH_OK;
    Value c = api_val(code), g = api_val(globals);
    if (!c || !IS_A(c, cls_code)) {
        exc_raise(exc_TypeError, "pyish_run_code() needs a code handle from pyish_compile()");
        rc = api_fail(S);
    } else if (g && !IS_DICT(g)) {
        exc_raise(exc_TypeError, "globals must be a dict, not %s", val_type_name(g));
        rc = api_fail(S);
    } else {
        ObjDict *d = g ? AS_DICT(g) : main_dict();
        if (!dict_get_str(d, str_intern_c("__builtins__"))) {
            dict_set_str(d, str_intern_c("__builtins__"), OBJ_VAL(ST->builtins));
        }
        if (!vm_run_module((ObjCode *)AS_OBJ(c), d)) {
            rc = api_fail(S);
        }
    }
    api_leave(S);
    return rc;
}

static int run_text(pyish_State *S, const char *src, size_t len, const char *filename) {
    ObjCode *code = interp_compile(src, len, filename, false, NULL);
    if (!code) {
        return api_fail(S);
    }
    gc_push_root(OBJ_VAL(code));
    Value r = vm_run_module(code, main_dict());
    gc_pop_root(1);
    return r ? PYISH_OK : api_fail(S);
}

int pyish_run_string(pyish_State *S, const char *src, const char *filename) {
    api_enter(S);
    int rc = run_text(S, src, strlen(src), filename ? filename : "<string>");
    api_leave(S);
    return rc;
}

int pyish_run_file(pyish_State *S, const char *path) {
    api_enter(S);
    int rc;
    size_t len;
    errno = 0;
    char *src = S->cfg.sandbox ? NULL : interp_read_file(path, &len);
    if (!src) {
        int e = S->cfg.sandbox ? EACCES : errno ? errno : EIO;
        ObjClass *cls = e == ENOENT ? exc_FileNotFoundError : e == EACCES ? exc_PermissionError : exc_OSError;
        Value args[3] = {MK_SMALL(e), str_from_c(strerror(e)), VAL_NULL};
        gc_push_root(args[1]);
        args[2] = str_from_c(path);
        gc_push_root(args[2]);
        Value exc = exc_new(cls, 3, args);
        gc_pop_root(2);
        if (exc) {
            exc_raise_value(exc);
        }
        rc = api_fail(S);
    } else {
        dict_set_str(main_dict(), str_intern_c("__file__"), str_from_c(path));
        rc = run_text(S, src, len, path);
        free(src);
    }
    api_leave(S);
    return rc;
}

pyish_Value *pyish_eval(pyish_State *S, const char *expr) {
    api_enter(S);
    Value args[2] = {str_from_c(expr), OBJ_VAL(main_dict())};
    gc_push_root(args[0]);
    Value ev = dict_get_str(ST->builtins, str_intern_c("eval"));
    Value r = ev ? vm_call(ev, 2, args, NULL) : exc_raise(exc_NameError, "name 'eval' is not defined");
    gc_pop_root(1);
    return api_result(S, r);
}

pyish_Value *pyish_globals(pyish_State *S) {
    api_enter(S);
    return api_result(S, OBJ_VAL(main_dict()));
}

pyish_Value *pyish_get_global(pyish_State *S, const char *name) {
    api_enter(S);
    Value v = dict_get_str(main_dict(), str_intern_c(name));
    if (!v) {
        v = exc_raise(exc_NameError, "name '%s' is not defined", name);
    }
    return api_result(S, v);
}

int pyish_set_global(pyish_State *S, const char *name, pyish_Value *v) {
    api_enter(S);
    int rc = PYISH_OK;
    if (!v) {
        exc_raise(exc_TypeError, "pyish_set_global(): NULL value");
        rc = api_fail(S);
    } else {
        dict_set_str(main_dict(), str_intern_c(name), v->v);
    }
    api_leave(S);
    return rc;
}

pyish_Value *pyish_import(pyish_State *S, const char *name) {
    api_enter(S);
    return api_result(S, import_module_value(str_intern_c(name)));
}
