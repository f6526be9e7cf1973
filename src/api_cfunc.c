// api_cfunc.c: C functions and modules of the embedding API
// (include/pyish.h). A C function is a builtin function bound to a small
// holder object carrying the C pointer and the userdata; its arguments
// reach C as handles released after it returns, and a NULL return raises
// the error the C code set. A C module is a module object put into
// sys.modules, so that `import name` finds it.
#include <stdlib.h>
#include <string.h>
#include "api_internal.h"
#include "class.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "vm.h"

// ---- C functions

typedef struct CFunc {
    Obj hdr;
    pyish_CFunction fn;
    void *ud;
    Value name;             // str (the native's name points into it)
} CFunc;

static void trace_cfunc(Obj *o) {
    gc_mark_value(((CFunc *)o)->name);
}

ObjClass *api_cfunc_class(void) {
    ObjClass *c = class_new_builtin("host_function", NULL, sizeof(CFunc), NULL);
    c->trace = trace_cfunc;
    c->new_ = NULL;
    return c;
}

// The native behind every C function: argv[0] is the CFunc holder.
static Value cfunc_trampoline(int argc, Value *argv, ObjDict *kw) {
    pyish_State *S = api_current();
    CFunc *cf = (CFunc *)AS_OBJ(argv[0]);
    int n = argc - 1;
    pyish_Value *small[8];
    pyish_Value **hs = n <= 8 ? small : malloc(sizeof(pyish_Value *) * (size_t)n);
    if (!hs) {
        return exc_raise_nomem();
    }
    api_enter(S);
    for (int i = 0; i < n; i++) {
        hs[i] = api_handle(S, argv[i + 1]);
    }
    pyish_Value *kwh = kw && kw->used ? api_handle(S, OBJ_VAL(kw)) : NULL;
    Value saved_error = S->error;   // an error the host has not cleared yet
    gc_push_root(saved_error);
    S->error = VAL_NULL;
    pyish_Value *r = cf->fn(S, n, hs, kwh, cf->ud);
    Value result = VAL_NULL;
    if (r) {
        result = r->v;
        pyish_release(S, r);
        pyish_error_clear(S);
    } else {
        api_reraise(S);
    }
    S->error = saved_error;
    gc_pop_root(1);
    for (int i = 0; i < n; i++) {
        pyish_release(S, hs[i]);
    }
    pyish_release(S, kwh);
    if (hs != small) {
        free(hs);
    }
    api_leave(S);
    return result;
}

pyish_Value *pyish_function(pyish_State *S, const char *name, pyish_CFunction fn, void *userdata) {
    api_enter(S);
    CFunc *cf = (CFunc *)obj_alloc(S->cfunc_class, sizeof(CFunc));
    cf->fn = fn;
    cf->ud = userdata;
    gc_push_root(OBJ_VAL(cf));
    cf->name = str_from_c(name);
    Value f = native_new(AS_STR(cf->name)->data, cfunc_trampoline, NULL);
    ((ObjNative *)AS_OBJ(f))->self = OBJ_VAL(cf);
    ((ObjNative *)AS_OBJ(f))->takes_kw = true;   // the host function sees them
    gc_pop_root(1);
    return api_result(S, f);
}

int pyish_register_function(pyish_State *S, const char *name, pyish_CFunction fn, void *userdata) {
    pyish_Value *f = pyish_function(S, name, fn, userdata);
    if (!f) {
        return PYISH_ERROR;
    }
    int rc = pyish_set_global(S, name, f);
    pyish_release(S, f);
    return rc;
}

pyish_Value *pyish_new_module(pyish_State *S, const char *name, const pyish_FunctionDef *defs, void *userdata) {
    api_enter(S);
    Value m = module_new(name);
    gc_push_root(m);
    ObjModule *mod = (ObjModule *)AS_OBJ(m);
    dict_set(ST->modules, OBJ_VAL(mod->name), m);
    pyish_Value *h = api_handle(S, m);
    gc_pop_root(1);
    for (size_t i = 0; h && defs && defs[i].name; i++) {
        pyish_Value *f = pyish_function(S, defs[i].name, defs[i].fn, userdata);
        if (!f) {
            pyish_release(S, h);
            h = NULL;
            break;
        }
        dict_set_str(mod->dict, str_intern_c(defs[i].name), f->v);
        pyish_release(S, f);
    }
    api_leave(S);
    return h;
}
