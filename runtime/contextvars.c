// contextvars.c: the contextvars module as CPython's (PEP 567): ContextVar,
// Token, Context, copy_context. A Context holds an immutable dict from
// variables to values (set() replaces it by a copy, so copying a context is
// O(1)); the current context is ST->ctx_current. asyncio (task.c) runs each
// task step in the task's own context; a task whose creator's context was
// empty gets one only when it first sets a variable (ctx_materialize), so
// tasks that never use context variables cost no Context object.
#include <string.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "vmapi.h"

typedef struct ObjContext {
    Obj hdr;
    ObjDict *vars;      // NULL: empty; shared between copies, never mutated
    bool entered;
} ObjContext;

typedef struct ObjContextVar {
    Obj hdr;
    ObjStr *name;
    Value default_;     // VAL_NULL: none
} ObjContextVar;

typedef struct ObjToken {
    Obj hdr;
    Value var;
    Value old;          // VAL_NULL: Token.MISSING
    Value ctx;
    bool used;
} ObjToken;

#define CTX(v) ((ObjContext *)AS_OBJ(v))
#define CVAR(v) ((ObjContextVar *)AS_OBJ(v))
#define TOK(v) ((ObjToken *)AS_OBJ(v))

static void trace_context(Obj *o) {
    gc_mark_obj((Obj *)((ObjContext *)o)->vars);
}

static void trace_cvar(Obj *o) {
    gc_mark_obj((Obj *)((ObjContextVar *)o)->name);
    gc_mark_value(((ObjContextVar *)o)->default_);
}

static void trace_token(Obj *o) {
    gc_mark_value(((ObjToken *)o)->var);
    gc_mark_value(((ObjToken *)o)->old);
    gc_mark_value(((ObjToken *)o)->ctx);
}

static void mark_current(void) {
    gc_mark_value(ST->ctx_current);
    gc_mark_value(ST->ctx_base);
    gc_mark_value(ST->ctx_missing);
}

Value context_new(ObjDict *vars) {
    ObjContext *c = (ObjContext *)obj_alloc(cls_context, sizeof(ObjContext));
    c->vars = vars;
    return OBJ_VAL(c);
}

// The current context's variables (NULL: none).
ObjDict *context_current_vars(void) {
    return ST->ctx_current ? CTX(ST->ctx_current)->vars : NULL;
}

bool context_for_callback(Value given, Value *out) {
    if (given && !IS_NONE(given)) {
        if (!IS_A(given, cls_context)) {
            exc_raise(exc_TypeError, "context must be a Context, not %s", val_type_name(given));
            return false;
        }
        *out = given;
        return true;
    }
    ObjDict *vars = context_current_vars();
    *out = vars ? context_new(vars) : VAL_NULL;     // (a copy shares the variables)
    return true;
}

// The current context, made now if the code running has none yet; it is
// stored where ST->ctx_slot says (the running task's field, or the state's
// base context).
static Value ctx_materialize(void) {
    if (ST->ctx_current) {
        return ST->ctx_current;
    }
    Value c = context_new(NULL);
    ST->ctx_current = c;
    *(ST->ctx_slot ? ST->ctx_slot : &ST->ctx_base) = c;
    return c;
}

Value context_enter(Value ctx, Value *slot, Value **saved_slot) {
    Value prev = ST->ctx_current;
    ST->ctx_current = ctx;
    *saved_slot = ST->ctx_slot;
    ST->ctx_slot = slot;
    return prev;
}

void context_leave(Value prev, Value *saved_slot) {
    ST->ctx_current = prev;
    ST->ctx_slot = saved_slot;
}

// ---- ContextVar
static Value cvar_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc != 1) {
        return exc_raise(exc_TypeError, "ContextVar() takes exactly 1 positional argument (%d given)", argc);
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "context variable name must be a str");
    }
    Value d = kw_get(kw, "default");
    if (kw && kw->used > (size_t)(d != VAL_NULL)) {
        return exc_raise(exc_TypeError, "ContextVar() got an unexpected keyword argument");
    }
    ObjContextVar *v = (ObjContextVar *)obj_alloc(cls_contextvar, sizeof(ObjContextVar));
    v->name = AS_STR(argv[0]);
    v->default_ = d;
    return OBJ_VAL(v);
}

static Value cvar_repr(Value self) {
    ObjContextVar *v = CVAR(self);
    Value n = obj_repr(OBJ_VAL(v->name));
    if (!n) {
        return VAL_NULL;
    }
    if (v->default_) {
        gc_push_root(n);
        Value d = obj_repr(v->default_);
        gc_pop_root(1);
        return d ? str_printf("<ContextVar name=%s default=%s at %p>", AS_STR(n)->data, AS_STR(d)->data,
                              (void *)v)
                 : VAL_NULL;
    }
    return str_printf("<ContextVar name=%s at %p>", AS_STR(n)->data, (void *)v);
}

static Value cvar_get(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("get", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    ObjDict *vars = context_current_vars();
    Value v;
    if (vars && dict_get(vars, argv[0], &v) == 1) {
        return v;
    }
    if (argc > 1) {
        return argv[1];
    }
    if (CVAR(argv[0])->default_) {
        return CVAR(argv[0])->default_;
    }
    Value e = exc_new(exc_LookupError, 1, &argv[0]);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// A copy of [vars] (NULL: empty) with [var] set to [value] (VAL_NULL: removed).
static ObjDict *vars_with(ObjDict *vars, Value var, Value value) {
    Value d = dict_new();
    gc_push_root(d);
    if (vars) {
        size_t pos = 0;
        Value k, v;
        while (dict_next(vars, &pos, &k, &v)) {
            if (k != var) {
                dict_set(AS_DICT(d), k, v);
            }
        }
    }
    if (value) {
        dict_set(AS_DICT(d), var, value);
    }
    gc_pop_root(1);
    return AS_DICT(d);
}

static Value cvar_set(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("set", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value ctx = ctx_materialize();
    ObjContext *c = CTX(ctx);
    Value old = VAL_NULL;
    if (c->vars && dict_get(c->vars, argv[0], &old) != 1) {
        old = VAL_NULL;
    }
    ObjToken *t = (ObjToken *)obj_alloc(cls_token, sizeof(ObjToken));
    t->var = argv[0];
    t->old = old;
    t->ctx = ctx;
    gc_push_root(OBJ_VAL(t));
    c->vars = vars_with(c->vars, argv[0], argv[1]);
    gc_pop_root(1);
    return OBJ_VAL(t);
}

static Value cvar_reset(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("reset", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value tv = argv[1];
    if (!IS_A(tv, cls_token)) {
        Value r = obj_repr(tv);     // CPython shows the object (%R), not its type
        return r ? exc_raise(exc_TypeError, "expected an instance of Token, got %s", AS_STR(r)->data) : VAL_NULL;
    }
    ObjToken *t = TOK(tv);
    Value r = obj_repr(tv);
    if (!r) {
        return VAL_NULL;
    }
    if (t->used) {
        return exc_raise(exc_RuntimeError, "%s has already been used once", AS_STR(r)->data);
    }
    if (t->var != argv[0]) {
        return exc_raise(exc_ValueError, "%s was created by a different ContextVar", AS_STR(r)->data);
    }
    if (t->ctx != ST->ctx_current) {
        return exc_raise(exc_ValueError, "%s was created in a different Context", AS_STR(r)->data);
    }
    t->used = true;
    ObjContext *c = CTX(t->ctx);
    c->vars = vars_with(c->vars, argv[0], t->old);
    return VAL_NONE;
}

static Value cvar_getattr(Value self, ObjStr *name) {
    if (strcmp(name->data, "name") == 0) {
        return OBJ_VAL(CVAR(self)->name);
    }
    return generic_getattr(self, name);
}

static const MethodDef cvar_methods[] = {
    {"get", cvar_get},
    {"set", cvar_set},
    {"reset", cvar_reset},
    {NULL, NULL},
};

// ---- Token
static Value token_repr(Value self) {
    ObjToken *t = TOK(self);
    Value v = obj_repr(t->var);
    return v ? str_printf("<Token%s var=%s at %p>", t->used ? " used" : "", AS_STR(v)->data, (void *)t)
             : VAL_NULL;
}

static Value token_getattr(Value self, ObjStr *name) {
    if (strcmp(name->data, "var") == 0) {
        return TOK(self)->var;
    }
    if (strcmp(name->data, "old_value") == 0) {
        return TOK(self)->old ? TOK(self)->old : ST->ctx_missing;
    }
    return generic_getattr(self, name);
}

static Value missing_repr(Value self) {
    return str_from_c("<Token.MISSING>");
}

// ---- Context
static Value ctx_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc || (kw && kw->used)) {
        return exc_raise(exc_TypeError, "Context() does not accept any arguments");
    }
    return context_new(NULL);
}

static Value ctx_run(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2) {
        return exc_raise(exc_TypeError, "run() missing 1 required positional argument");
    }
    ObjContext *c = CTX(argv[0]);
    if (c->entered) {
        Value r = obj_repr(argv[0]);
        return r ? exc_raise(exc_RuntimeError, "cannot enter context: %s is already entered", AS_STR(r)->data)
                 : VAL_NULL;
    }
    c->entered = true;
    Value *saved_slot;
    Value prev = context_enter(argv[0], NULL, &saved_slot);
    gc_push_root(prev);
    Value r = vm_call(argv[1], argc - 2, argv + 2, kw);
    context_leave(prev, saved_slot);
    gc_pop_root(1);
    c->entered = false;
    return r;
}

static Value ctx_copy(int argc, Value *argv, ObjDict *kw) {
    return context_new(CTX(argv[0])->vars);
}

static bool check_var(Value v) {
    if (!IS_A(v, cls_contextvar)) {
        exc_raise(exc_TypeError, "a ContextVar key was expected, got %s", AS_STR(obj_repr(v))->data);
        return false;
    }
    return true;
}

static Value ctx_getitem(Value self, Value key) {
    if (!check_var(key)) {
        return VAL_NULL;
    }
    Value v;
    ObjDict *vars = CTX(self)->vars;
    if (vars && dict_get(vars, key, &v) == 1) {
        return v;
    }
    Value e = exc_new(exc_KeyError, 1, &key);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static Value ctx_get(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("get", argc - 1, 1, 2) || !check_var(argv[1])) {
        return VAL_NULL;
    }
    Value v;
    ObjDict *vars = CTX(argv[0])->vars;
    if (vars && dict_get(vars, argv[1], &v) == 1) {
        return v;
    }
    return argc > 2 ? argv[2] : VAL_NONE;
}

static int ctx_contains(Value self, Value key) {
    if (!check_var(key)) {
        return -1;
    }
    Value v;
    ObjDict *vars = CTX(self)->vars;
    return vars && dict_get(vars, key, &v) == 1;
}

static int64_t ctx_len(Value self) {
    return CTX(self)->vars ? (int64_t)CTX(self)->vars->used : 0;
}

// keys/values/items/iter: through a dict view of the variables.
static Value vars_dict(Value self) {
    return CTX(self)->vars ? OBJ_VAL(CTX(self)->vars) : dict_new();
}

static Value ctx_iter(Value self) {
    return obj_iter(vars_dict(self));
}

static Value ctx_view(Value self, const char *name) {
    Value d = vars_dict(self);
    gc_push_root(d);
    bool found;
    Value r = call_method_opt(d, str_intern_c(name), 0, NULL, &found);
    gc_pop_root(1);
    return r;
}

static Value ctx_keys(int argc, Value *argv, ObjDict *kw) {
    return ctx_view(argv[0], "keys");
}
static Value ctx_values(int argc, Value *argv, ObjDict *kw) {
    return ctx_view(argv[0], "values");
}
static Value ctx_items(int argc, Value *argv, ObjDict *kw) {
    return ctx_view(argv[0], "items");
}

static const MethodDef ctx_methods[] = {
    {"run", ctx_run, true},
    {"copy", ctx_copy},
    {"get", ctx_get},
    {"keys", ctx_keys},
    {"values", ctx_values},
    {"items", ctx_items},
    {NULL, NULL},
};

static Value m_copy_context(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("copy_context", argc, 0, 0)) {
        return VAL_NULL;
    }
    return context_new(context_current_vars());
}

void contextvars_init(void) {
    ObjStr *mod = str_intern_c("_contextvars");
    cls_context = class_new_builtin("Context", NULL, sizeof(ObjContext), ctx_methods);
    cls_context->module = mod;
    cls_context->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_context->new_ = ctx_new_;
    cls_context->trace = trace_context;
    cls_context->getitem = ctx_getitem;
    cls_context->contains = ctx_contains;
    cls_context->iter = ctx_iter;
    cls_context->len = ctx_len;
    cls_context->hash = NULL;
    cls_contextvar = class_new_builtin("ContextVar", NULL, sizeof(ObjContextVar), cvar_methods);
    class_add_classmethod(cls_contextvar, "__class_getitem__", generic_alias_cgi_method);
    cls_contextvar->module = mod;
    cls_contextvar->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_contextvar->new_ = cvar_new;
    cls_contextvar->trace = trace_cvar;
    cls_contextvar->repr = cvar_repr;
    cls_contextvar->getattr = cvar_getattr;
    cls_token = class_new_builtin("Token", NULL, sizeof(ObjToken), NULL);
    cls_token->module = mod;
    cls_token->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_token->new_ = NULL;
    cls_token->trace = trace_token;
    cls_token->repr = token_repr;
    cls_token->getattr = token_getattr;
    gc_add_root_marker(mark_current);
}

Value mod_contextvars_init(void) {
    Value m = module_new("contextvars");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    if (!ST->ctx_missing) {
        ObjClass *mc = class_new_builtin("Token.MISSING", NULL, sizeof(Obj), NULL);
        mc->repr = missing_repr;
        mc->new_ = NULL;
        ST->ctx_missing = OBJ_VAL(obj_alloc(mc, sizeof(Obj)));
        dict_set_str(cls_token->dict, str_intern_c("MISSING"), ST->ctx_missing);
    }
    dict_set_str(d, str_intern_c("Context"), OBJ_VAL(cls_context));
    dict_set_str(d, str_intern_c("ContextVar"), OBJ_VAL(cls_contextvar));
    dict_set_str(d, str_intern_c("Token"), OBJ_VAL(cls_token));
    dict_set_str(d, str_intern_c("copy_context"), native_new("copy_context", m_copy_context, NULL));
    return m;
}
