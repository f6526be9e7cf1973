// builtins_vm.c: the builtins that need the VM's view of the running frame
// or its machinery: super, globals, locals, next (keeping StopIteration's
// value), exec, eval, exit/quit, __import__, the class statement's helper
// build_class, REPL echo, and format() dispatch to user __format__.
#include <string.h>
#include <stdlib.h>
#include "vm.h"
#include "interp.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "containers.h"
#include "numstr.h"
#include "bytes.h"


// ---- super
typedef struct ObjSuper {
    Obj hdr;
    ObjClass *type;     // the class whose MRO successor we search from
    Value obj;          // the instance (or class)
    ObjClass *obj_type; // class whose MRO is searched
} ObjSuper;


static void trace_super(Obj *o) {
    ObjSuper *s = (ObjSuper *)o;
    gc_mark_obj((Obj *)s->type);
    gc_mark_value(s->obj);
    gc_mark_obj((Obj *)s->obj_type);
}

// super(type, obj) for [obj] an instance or subclass of [type]; [obj]
// VAL_NULL: an unbound super (no obj_type).
static Value super_make(ObjClass *type, Value obj) {
    ObjClass *obj_type = NULL;
    if (!obj) {
        // unbound
    } else if (IS_CLASS(obj) && class_is_subclass(AS_CLASS(obj), type)) {
        obj_type = AS_CLASS(obj);
    } else if (class_is_subclass(val_class(obj), type)) {
        obj_type = val_class(obj);
    } else {
        return exc_raise(exc_TypeError, "super(type, obj): obj must be an instance or subtype of type");
    }
    ObjSuper *s = (ObjSuper *)obj_alloc(cls_super, sizeof(ObjSuper));
    s->type = type;
    s->obj = obj;
    s->obj_type = obj_type;
    return OBJ_VAL(s);
}

static Value super_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    ObjClass *type;
    Value obj;
    if (!arg_no_kw("super", kw)) {
        return VAL_NULL;
    }
    if (argc == 0) {
        Frame *f = ST->frame;
        if (!f || !f->func) {
            return exc_raise(exc_RuntimeError, "super(): no arguments");
        }
        ObjCode *co = f->code;
        int idx = -1;
        for (int i = 0; i < co->nfree; i++) {
            if (strcmp(AS_STR(co->freevars->items[i])->data, "__class__") == 0) {
                idx = i;
            }
        }
        if (idx < 0) {
            return exc_raise(exc_RuntimeError, "super(): __class__ cell not found");
        }
        ObjCell *cell = (ObjCell *)AS_OBJ(f->slots[co->nlocals + co->ncells + idx]);
        if (!cell->value || !IS_CLASS(cell->value)) {
            return exc_raise(exc_RuntimeError, "super(): empty __class__ cell");
        }
        if (co->argcount == 0 && !(co->flags & CO_VARARGS)) {
            return exc_raise(exc_RuntimeError, "super(): no arguments");
        }
        obj = f->slots[0];
        // the first argument may live in a cell
        for (int i = 0; i < co->ncells; i++) {
            if (co->cell2arg[i] == 0) {
                obj = ((ObjCell *)AS_OBJ(f->slots[co->nlocals + i]))->value;
            }
        }
        if (!obj) {
            return exc_raise(exc_RuntimeError, "super(): arg[0] deleted");
        }
        type = AS_CLASS(cell->value);
    } else if (argc == 1 || argc == 2) {
        if (!IS_CLASS(argv[0])) {
            return exc_raise(exc_TypeError, "super() argument 1 must be a type, not %s", val_type_name(argv[0]));
        }
        type = AS_CLASS(argv[0]);
        // super(T) and super(T, None): an unbound super, bound by its __get__
        obj = argc == 2 && !IS_NONE(argv[1]) ? argv[1] : VAL_NULL;
    } else {
        return exc_raise(exc_TypeError, "super() expected at most 2 arguments, got %d", argc);
    }
    return super_make(type, obj);
}

// super's own fields (looked up after the MRO, as CPython's members).
static Value super_field(ObjSuper *s, ObjStr *name) {
    if (strcmp(name->data, "__thisclass__") == 0) {
        return OBJ_VAL(s->type);
    }
    if (strcmp(name->data, "__self__") == 0) {
        return s->obj ? s->obj : VAL_NONE;
    }
    if (strcmp(name->data, "__self_class__") == 0) {
        return s->obj_type ? OBJ_VAL(s->obj_type) : VAL_NONE;
    }
    return generic_getattr(OBJ_VAL(s), name);
}

// super.__get__(obj, type=None): an unbound super bound to [obj], else itself.
static Value super_get(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__get__", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    ObjSuper *s = (ObjSuper *)AS_OBJ(argv[0]);
    if (IS_NONE(argv[1]) || s->obj) {
        return argv[0];
    }
    return super_make(s->type, argv[1]);
}

static Value super_getattr(Value self, ObjStr *name) {
    ObjSuper *s = (ObjSuper *)AS_OBJ(self);
    if (!s->obj_type) {
        return super_field(s, name);
    }
    ObjTuple *mro = s->obj_type->mro;
    size_t i = 0;
    while (i < mro->len && AS_CLASS(mro->items[i]) != s->type) {
        i++;
    }
    for (i++; i < mro->len; i++) {
        ObjClass *k = AS_CLASS(mro->items[i]);
        Value v = k->dict ? dict_get_str(k->dict, name) : VAL_NULL;
        if (!v) {
            continue;
        }
        bool is_class_obj = IS_CLASS(s->obj) && s->obj == OBJ_VAL(s->obj_type);
        if (IS_A(v, cls_function)) {
            return is_class_obj ? v : bound_method_new(s->obj, v);
        }
        if (IS_A(v, cls_native)) {
            ObjNative *n = (ObjNative *)AS_OBJ(v);
            if (n->slot == SLOT_NEW) {
                return v;
            }
            if (n->is_static) {
                return bound_method_new(OBJ_VAL(s->obj_type), v);
            }
            return n->owner && !is_class_obj ? bound_method_new(s->obj, v) : v;
        }
        if (IS_A(v, cls_classmethod)) {
            return classmethod_bind(v, OBJ_VAL(s->obj_type));
        }
        if (IS_A(v, cls_staticmethod)) {
            return ((ObjWrapper *)AS_OBJ(v))->func;
        }
        if (IS_PROPERTY(v)) {
            if (is_class_obj) {
                return v;   // property.__get__(None, cls) is the property (ssl's super(C, C).prop.__set__)
            }
            ObjProperty *p = (ObjProperty *)AS_OBJ(v);
            if (!p->fget || IS_NONE(p->fget)) {
                return property_missing(p, s->obj, "getter");
            }
            return vm_call(p->fget, 1, &s->obj, NULL);
        }
        if (IS_OBJ(v) && (val_class(v)->flags & CLS_USER)) {
            // a user descriptor (a property subclass...): its __get__, with
            // None for the object when super() is bound to the class itself
            Value get = class_lookup(val_class(v), ST->s_descr[0]);
            if (get) {
                Value args[3] = {v, is_class_obj ? VAL_NONE : s->obj, OBJ_VAL(s->obj_type)};
                return vm_call(get, 3, args, NULL);
            }
        }
        return v;
    }
    return super_field(s, name);
}

static Value super_repr(Value self) {
    ObjSuper *s = (ObjSuper *)AS_OBJ(self);
    if (!s->obj_type) {
        return str_printf("<super: <class '%s'>, NULL>", s->type->name->data);
    }
    return str_printf("<super: <class '%s'>, <%s object>>", s->type->name->data, s->obj_type->name->data);
}

// ---- class statement
// The bases of a class statement after __mro_entries__ (PEP 560): a base
// that is not a class but has the attribute (looked up on the object, as
// CPython does: typing.NamedTuple is a function given one) is replaced by
// what calling it returns. *changed tells whether any was.
static Value resolve_bases(Value bases, bool *changed) {
    ObjTuple *b = AS_TUPLE(bases);
    *changed = false;
    ObjStr *me = str_intern_c("__mro_entries__");
    for (size_t i = 0; i < b->len; i++) {
        if (IS_CLASS(b->items[i])) {
            continue;
        }
        Value m = obj_getattr_opt(b->items[i], me);
        if (m) {
            *changed = true;
            break;
        }
        if (exc_pending()) {
            return VAL_NULL;
        }
    }
    if (!*changed) {
        return bases;
    }
    Value out = list_new(b->len);
    gc_push_root(out);
    for (size_t i = 0; i < b->len; i++) {
        Value x = b->items[i];
        Value m = IS_CLASS(x) ? VAL_NULL : obj_getattr_opt(x, me);
        if (!m && exc_pending()) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if (!m) {
            list_append(AS_LIST(out), x);
            continue;
        }
        gc_push_root(m);
        Value r = vm_call(m, 1, &bases, NULL);
        gc_pop_root(1);
        if (!r) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        if (!IS_TUPLE(r)) {
            gc_pop_root(1);
            return exc_raise(exc_TypeError, "__mro_entries__ must return a tuple");
        }
        for (size_t j = 0; j < AS_TUPLE(r)->len; j++) {
            list_append(AS_LIST(out), AS_TUPLE(r)->items[j]);
        }
    }
    Value t = seq_to_tuple(out);
    gc_pop_root(1);
    return t;
}

// class NAME(BASES, **KW): BODY. The metaclass is KW's `metaclass` or the
// one the bases imply; a metaclass other than type prepares the namespace
// (__prepare__) and makes the class by being called, as in CPython.
Value build_class(Value body, Value name, Value bases, Value kw) {
    bool changed;
    Value orig_bases = bases;
    bases = resolve_bases(bases, &changed);
    if (!bases) {
        return VAL_NULL;
    }
    gc_push_root(bases);
    // the keywords without metaclass
    Value meta = VAL_NULL;
    ObjDict *kwd = NULL;
    if (kw && IS_DICT(kw) && AS_DICT(kw)->used > 0) {
        kwd = AS_DICT(dict_new());
        gc_push_root(OBJ_VAL(kwd));
        size_t pos = 0;
        Value key, value;
        while (dict_next(AS_DICT(kw), &pos, &key, &value)) {
            if (IS_STR(key) && strcmp(AS_STR(key)->data, "metaclass") == 0) {
                meta = value;
            } else {
                dict_set(kwd, key, value);
            }
        }
    } else {
        gc_push_root(VAL_NONE);
    }
    ObjTuple *bt = AS_TUPLE(bases);
    if (!meta) {
        meta = bt->len ? OBJ_VAL(val_class(bt->items[0])) : OBJ_VAL(cls_type);
    }
    if (IS_CLASS(meta)) {
        ObjClass *w = class_winner(AS_CLASS(meta), bt);
        if (!w) {
            gc_pop_root(2);
            return VAL_NULL;
        }
        meta = OBJ_VAL(w);
    }
    gc_push_root(meta);
    Value ns;
    if (meta == OBJ_VAL(cls_type)) {
        ns = dict_new();
    } else {
        Value prep = obj_getattr_opt(meta, str_intern_c("__prepare__"));
        if (prep) {
            gc_push_root(prep);
            Value args[2] = {name, bases};
            ns = vm_call(prep, 2, args, kwd && kwd->used ? kwd : NULL);
            gc_pop_root(1);
        } else {
            ns = exc_pending() ? VAL_NULL : dict_new();
        }
        if (ns && !class_is_subclass(val_class(ns), cls_dict) &&
            !(IS_OBJ(ns) && class_lookup(val_class(ns), str_intern_c("__getitem__")))) {
            exc_raise(exc_TypeError, "%s.__prepare__() must return a mapping, not %s",
                      IS_CLASS(meta) ? AS_CLASS(meta)->name->data : "<metaclass>", val_type_name(ns));
            ns = VAL_NULL;
        }
    }
    if (!ns) {
        gc_pop_root(3);
        return VAL_NULL;
    }
    gc_push_root(ns);
    if (changed && !obj_setitem(ns, OBJ_VAL(str_intern_c("__orig_bases__")), orig_bases)) {
        gc_pop_root(4);
        return VAL_NULL;
    }
    Value r = vm_run_class_body((ObjFunction *)AS_OBJ(body), AS_DICT(ns));
    if (!r) {
        gc_pop_root(4);
        return VAL_NULL;
    }
    gc_push_root(r);
    if (IS_A(r, cls_cell) && !obj_setitem(ns, OBJ_VAL(str_intern_c("__classcell__")), r)) {
        gc_pop_root(5);
        return VAL_NULL;
    }
    Value cls;
    if (meta == OBJ_VAL(cls_type)) {
        cls = class_build(cls_type, AS_STR(name), bt, AS_DICT(ns), kwd);
    } else {
        Value args[3] = {name, bases, ns};
        cls = vm_call(meta, 3, args, kwd && kwd->used ? kwd : NULL);
        if (cls && IS_A(r, cls_cell) && !((ObjCell *)AS_OBJ(r))->value) {
            ((ObjCell *)AS_OBJ(r))->value = cls;
        }
    }
    gc_pop_root(5);
    return cls;
}

// ---- REPL echo and format
// An expression statement's value in 'single' mode goes to sys.displayhook
// (sys_displayhook unless the program rebound it).
Value vm_print_expr(Value v) {
    Value m = dict_get_str(ST->modules, str_intern_c("sys"));
    Value hook = m && IS_A(m, cls_module)
        ? dict_get_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("displayhook")) : VAL_NULL;
    if (m && !hook) {
        return exc_raise(exc_RuntimeError, "lost sys.displayhook");
    }
    if (!hook) {
        return sys_displayhook(1, &v, NULL);
    }
    return vm_call(hook, 1, &v, NULL);
}

Value vm_format_value(Value v, Value spec) {
    ObjClass *c = val_class(v);
    if (c->flags & CLS_USER) {
        bool found;
        Value m = class_lookup(c, str_intern_c("__format__"));
        if (m && !IS_A(m, cls_native)) {
            if (!spec) {
                spec = str_new("", 0);
            }
            Value r = call_method_opt(v, str_intern_c("__format__"), 1, &spec, &found);
            if (r && !str_check(r)) {
                return exc_raise(exc_TypeError, "__format__ must return a str, not %s", val_type_name(r));
            }
            return r;
        }
    }
    if (!spec || (IS_STR(spec) && AS_STR(spec)->len == 0)) {
        return obj_str(v);      // format(v, ''): str(v), no empty spec made
    }
    return format_value(v, spec);
}

// ---- builtins
static Value b_globals(int argc, Value *argv, ObjDict *kw) {
    return ST->frame ? OBJ_VAL(ST->frame->globals) : VAL_NONE;
}

// The locals of [f] as locals() gives them (its namespace dict, or a new
// dict of its bound fast locals and cells).
Value frame_locals(Frame *f) {
    if (f->locals_dict) {
        return OBJ_VAL(f->locals_dict);
    }
    Value d = dict_new();
    ObjCode *co = f->code;
    for (int i = 0; i < co->nlocals; i++) {
        if (f->slots[i] == ST->empty_kwargs && ST->empty_kwargs) {
            // a shared empty **kwargs (CO_KW_SHARED) seen: the frame's own
            // from now on, as anything done to it must not reach other calls
            f->slots[i] = dict_new();
        }
        if (f->slots[i]) {
            if (IS_STR(f->slots[i])) {
                AS_STR(f->slots[i])->owned = false;     // seen outside its local (LOAD_FAST_ESC)
            }
            dict_set(AS_DICT(d), co->varnames->items[i], f->slots[i]);
        }
    }
    for (int i = 0; i < co->ncells + co->nfree; i++) {
        Value cell = f->slots[co->nlocals + i];
        if (cell && ((ObjCell *)AS_OBJ(cell))->value) {
            Value name = i < co->ncells ? co->cellvars->items[i] : co->freevars->items[i - co->ncells];
            dict_set(AS_DICT(d), name, ((ObjCell *)AS_OBJ(cell))->value);
        }
    }
    return d;
}

static Value b_locals(int argc, Value *argv, ObjDict *kw) {
    Frame *f = ST->frame;
    return f ? frame_locals(f) : VAL_NONE;
}

static Value b_next(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("next", argc, 1, 2)) {
        return VAL_NULL;
    }
    ObjClass *c = val_class(argv[0]);
    if (!c->next) {
        return exc_raise(exc_TypeError, "'%s' object is not an iterator", c->name->data);
    }
    Value out;
    if (c == cls_generator) {
        // keep the return value as StopIteration.value
        ObjGen *g = (ObjGen *)AS_OBJ(argv[0]);
        if (g->state != GEN_CLOSED) {
            int st = gen_send(g, VAL_NONE, &out);
            if (st == GEN_YIELDED) {
                return out;
            }
            if (st == GEN_RAISED) {
                return VAL_NULL;
            }
            if (argc == 2) {
                return argv[1];
            }
            if (IS_NONE(out)) {
                return exc_raise_value(OBJ_VAL(exc_StopIteration));
            }
            Value e = exc_new(exc_StopIteration, 1, &out);
            return e ? exc_raise_value(e) : VAL_NULL;
        }
    }
    int r = c->next(argv[0], &out);
    if (r == 1) {
        return out;
    }
    if (r == 0) {
        if (argc == 2) {
            return argv[1];
        }
        return exc_raise_value(OBJ_VAL(exc_StopIteration));
    }
    if (argc == 2 && EXC_PENDING_IS(exc_StopIteration)) {
        exc_clear();
        return argv[1];
    }
    return VAL_NULL;
}

// exit and quit, as python's site module makes them: objects whose repr
// tells how to leave (typing `exit` at the prompt shows it) and whose call
// raises SystemExit(code).
typedef struct ObjQuitter {
    Obj hdr;
    const char *name;   // "exit" or "quit" (static)
} ObjQuitter;


static Value quitter_repr(Value self) {
    return str_printf("Use %s() or Ctrl-D (i.e. EOF) to exit", ((ObjQuitter *)AS_OBJ(self))->name);
}

static Value quitter_call(Value self, int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw(((ObjQuitter *)AS_OBJ(self))->name, kw) ||
        !arg_count(((ObjQuitter *)AS_OBJ(self))->name, argc, 0, 1)) {
        return VAL_NULL;
    }
    Value e = exc_new(exc_SystemExit, argc, argv);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static void quitter_install(ObjDict *b, const char *name) {
    ObjQuitter *q = (ObjQuitter *)obj_alloc(cls_quitter, sizeof(ObjQuitter));
    q->name = name;
    dict_set_str(b, str_intern_c(name), OBJ_VAL(q));
}

// exec()'s and eval()'s namespaces as CPython picks them: the given dicts,
// else the caller's globals and locals (a snapshot dict in a function, as
// locals() gives). Only dicts and dict subclasses (whose __getitem__ name
// lookups use): other mappings as locals are refused.
static bool run_namespaces(bool eval, int argc, Value *argv, ObjDict **g, ObjDict **l) {
    Value gv = argc > 1 ? argv[1] : VAL_NONE, lv = argc > 2 ? argv[2] : VAL_NONE;
    if (!IS_NONE(gv) && !class_is_subclass(val_class(gv), cls_dict)) {
        if (eval) {
            // (CPython's PyMapping_Check: anything with __getitem__)
            exc_raise(exc_TypeError, val_class(gv)->getitem
                                         ? "globals must be a real dict; try eval(expr, {}, mapping)"
                                         : "globals must be a dict");
        } else {
            exc_raise(exc_TypeError, "exec() globals must be a dict, not %s", val_type_name(gv));
        }
        return false;
    }
    if (!IS_NONE(lv) && !class_is_subclass(val_class(lv), cls_dict)) {
        if (eval) {
            exc_raise(exc_TypeError, "locals must be a mapping");
        } else {
            exc_raise(exc_TypeError, "locals must be a mapping or None, not %s", val_type_name(lv));
        }
        return false;
    }
    if (IS_NONE(gv)) {
        *g = ST->frame ? ST->frame->globals : interp_main_globals();
        if (IS_NONE(lv)) {
            Value d = ST->frame ? b_locals(0, NULL, NULL) : OBJ_VAL(*g);
            if (!d) {
                return false;
            }
            lv = d;
        }
    } else {
        *g = AS_DICT(gv);
    }
    *l = IS_NONE(lv) ? *g : AS_DICT(lv);
    ObjStr *b = str_intern_c("__builtins__");
    if (!dict_get_str(*g, b)) {
        dict_set_str(*g, b, OBJ_VAL(ST->builtins));
    }
    return true;
}

// Compiles source [src] (a str, or a bytes-like object holding UTF-8, as
// CPython takes) of [filename] in [mode]: NULL with the error raised.
static ObjCode *compile_str(Value src, const char *filename, CompileMode mode, bool strip) {
    const char *text;
    size_t len;
    if (IS_STR(src)) {
        text = AS_STR(src)->data;
        len = AS_STR(src)->len;
    } else {
        BufView bv;
        if (!buffer_need(src, &bv)) {
            return NULL;
        }
        text = (const char *)bv.ptr;
        len = bv.len;
    }
    if (memchr(text, 0, len)) {
        exc_raise(exc_ValueError, "source code string cannot contain null bytes");
        return NULL;
    }
    char *recoded = NULL;
    if (!IS_STR(src)) {
        // bytes follow their coding declaration (PEP 263), as CPython's
        recoded = malloc(len + 1);
        memcpy(recoded, text, len);
        recoded[len] = 0;
        recoded = interp_recode_source(recoded, &len);
        text = recoded;
    }
    if (strip) {    // eval() drops leading blanks; compile() does not
        while (len > 0 && (*text == ' ' || *text == '\t')) {
            text++;
            len--;
        }
    }
    ObjCode *code = interp_compile_mode(text, len, filename, mode);
    free(recoded);
    return code;
}

static Value run_string(int argc, Value *argv, bool eval) {
    const char *fname = eval ? "eval" : "exec";
    if (argc < 1) {
        return exc_raise(exc_TypeError, "%s expected at least 1 argument, got 0", fname);
    }
    if (!arg_count(fname, argc, 1, 3)) {
        return VAL_NULL;
    }
    BufView bv;
    if (!IS_STR(argv[0]) && !IS_A(argv[0], cls_code) && buffer_get(argv[0], &bv) != 1) {
        if (!exc_pending()) {
            exc_raise(exc_TypeError, "%s() arg 1 must be a string, bytes or code object", fname);
        }
        return VAL_NULL;
    }
    // a function's code with free variables needs the closure exec() has not
    // got: running it would read cells that are not there
    // (CPython's words: exec() takes a closure= it has not got here)
    if (IS_A(argv[0], cls_code) && ((ObjCode *)AS_OBJ(argv[0]))->nfree > 0) {
        int nfree = ((ObjCode *)AS_OBJ(argv[0]))->nfree;
        return eval ? exc_raise(exc_TypeError, "code object passed to eval() may not contain free variables")
                    : exc_raise(exc_TypeError, "code object requires a closure of exactly length %d", nfree);
    }
    ObjDict *globals, *locals;
    if (!run_namespaces(eval, argc, argv, &globals, &locals)) {
        return VAL_NULL;
    }
    gc_push_root(OBJ_VAL(locals));
    ObjCode *code = !IS_A(argv[0], cls_code) ? compile_str(argv[0], "<string>", eval ? COMPILE_EVAL : COMPILE_EXEC, eval)
                                             : (ObjCode *)AS_OBJ(argv[0]);
    Value r = VAL_NULL;
    if (code) {
        gc_push_root(OBJ_VAL(code));
        // code with a top-level await (compile flag 0x2000) makes a coroutine
        r = (code->flags & CO_COROUTINE) && (code->flags & CO_MODULE) ? vm_module_coroutine(code, globals)
                                                                      : vm_run_module_in(code, globals, locals);
        gc_pop_root(1);
    }
    gc_pop_root(1);
    if (!r) {
        return VAL_NULL;
    }
    return eval ? r : VAL_NONE;
}

static Value b_exec(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"closure", NULL};
    if (!kw_only("exec", kw, allowed)) {
        return VAL_NULL;
    }
    return run_string(argc, argv, false);
}

static Value b_eval(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("eval", kw)) {
        return VAL_NULL;
    }
    return run_string(argc, argv, true);
}

// compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1):
// a code object exec() and eval() run. Of the flags, 0x2000
// (PyCF_ALLOW_TOP_LEVEL_AWAIT) is honoured, 0x400 (PyCF_ONLY_AST) and a
// source that is an ast tree go to the ast module; dont_inherit and
// optimize are accepted and ignored.
static Value b_compile(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"source", "filename", "mode", "flags", "dont_inherit", "optimize"};
    Value a[6] = {VAL_NULL, VAL_NULL, VAL_NULL, VAL_NULL, VAL_NULL, VAL_NULL};
    if (argc > 6) {
        return exc_raise(exc_TypeError, "compile() takes at most 6 arguments (%d given)", argc);
    }
    for (int i = 0; i < argc; i++) {
        a[i] = argv[i];
    }
    size_t pos = 0;
    Value k, v;
    while (kw && dict_next(kw, &pos, &k, &v)) {
        int i = 0;
        while (i < 6 && strcmp(AS_STR(k)->data, names[i]) != 0) {
            i++;
        }
        if (i == 6) {
            return exc_raise(exc_TypeError, "compile() got an unexpected keyword argument '%s'", AS_STR(k)->data);
        }
        if (a[i]) {
            return exc_raise(exc_TypeError, "argument for compile() given by name ('%s') and position (%d)",
                             names[i], i + 1);
        }
        a[i] = v;
    }
    for (int i = 0; i < 3; i++) {
        if (!a[i]) {
            return exc_raise(exc_TypeError, "compile() missing required argument '%s' (pos %d)", names[i], i + 1);
        }
    }
    // An ast.AST tree, or PyCF_ONLY_AST (0x400) asking for one: ast.pyish's
    // _pyish_compile does both (a tree is compiled from its unparsed source)
    Value ast_mod = dict_get_str(ST->modules, str_intern_c("ast"));
    Value ast_cls = ast_mod && IS_A(ast_mod, cls_module) ? obj_getattr_opt(ast_mod, str_intern_c("AST")) : VAL_NULL;
    int64_t flag_bits = 0;
    if (a[3] && !IS_NONE(a[3]) && IS_INT(a[3])) {
        int_to_i64(a[3], &flag_bits);
    }
    if ((ast_cls && IS_CLASS(ast_cls) && obj_isinstance(a[0], AS_CLASS(ast_cls))) || (flag_bits & 0x400)) {
        ast_mod = import_module_value(str_intern_c("ast"));
        if (!ast_mod) {
            return VAL_NULL;
        }
        Value args[6];
        for (int i = 0; i < 6; i++) {
            args[i] = a[i] ? a[i] : i == 3 ? MK_SMALL(0) : i == 4 ? VAL_FALSE : i == 5 ? MK_SMALL(-1) : VAL_NONE;
        }
        return call_attr(ast_mod, "_pyish_compile", 6, args);
    }
    BufView bv;
    if (!IS_STR(a[0]) && buffer_get(a[0], &bv) != 1) {
        if (!exc_pending()) {
            exc_raise(exc_TypeError, "compile() arg 1 must be a string, bytes or AST object");
        }
        return VAL_NULL;
    }
    if (!IS_STR(a[1])) {
        return exc_raise(exc_TypeError, "expected str, bytes or os.PathLike object, not %s", val_type_name(a[1]));
    }
    if (!IS_STR(a[2])) {
        return exc_raise(exc_TypeError, "compile() argument 'mode' must be str, not %s", val_type_name(a[2]));
    }
    const char *m = AS_STR(a[2])->data;
    CompileMode mode;
    if (strcmp(m, "exec") == 0) {
        mode = COMPILE_EXEC;
    } else if (strcmp(m, "eval") == 0) {
        mode = COMPILE_EVAL;
    } else if (strcmp(m, "single") == 0) {
        mode = COMPILE_SINGLE;
    } else if (strcmp(m, "func_type") == 0) {
        // (a function type comment's AST, which pyish's ast module does not make)
        return exc_raise(exc_ValueError, "compile() mode 'func_type' requires flag PyCF_ONLY_AST");
    } else {
        return exc_raise(exc_ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
    }
    int64_t flags = 0;
    if (a[3] && !IS_NONE(a[3]) && !int_to_i64(a[3], &flags)) {
        return VAL_NULL;
    }
    if (flags & 0x2000) {       // ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        mode = (CompileMode)((int)mode | COMPILE_TOP_AWAIT);
    }
    if (flags & 0x4000) {       // PyCF_ALLOW_INCOMPLETE_INPUT (codeop)
        mode = (CompileMode)((int)mode | COMPILE_INCOMPLETE | ((flags & 0x200) ? COMPILE_NO_DEDENT : 0));
    }
    ObjCode *code = compile_str(a[0], AS_STR(a[1])->data, mode, false);
    return code ? OBJ_VAL(code) : VAL_NULL;
}

// ---- aiter, anext

// aiter(obj): obj.__aiter__(), which must give an async iterator.
static Value b_aiter(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("aiter", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!class_lookup(val_class(argv[0]), ST->s_aiter)) {
        return exc_raise(exc_TypeError, "'%s' object is not an async iterable", val_type_name(argv[0]));
    }
    Value it = call_method(argv[0], "__aiter__", 0, NULL);
    if (it && !class_lookup(val_class(it), ST->s_anext)) {
        return exc_raise(exc_TypeError, "aiter() returned not an async iterator of type '%s'",
                         val_type_name(it));
    }
    return it;
}

// The awaitable anext(it, default) gives: it awaits it.__anext__() and
// turns StopAsyncIteration into [default]. Written in the language (so
// send/throw/close and await chains work as for any coroutine), compiled
// on first use.
static const char anext_src[] =
    "async def anext_awaitable(awaitable, default):\n"
    "    try:\n"
    "        return await awaitable\n"
    "    except StopAsyncIteration:\n"
    "        return default\n";

static Value anext_default_fn(void) {
    if (ST->anext_default_fn) {
        return ST->anext_default_fn;
    }
    ObjCode *code = interp_compile_mode(anext_src, sizeof anext_src - 1, "<anext>", COMPILE_EXEC);
    if (!code) {
        return VAL_NULL;
    }
    gc_push_root(OBJ_VAL(code));
    ObjDict *ns = AS_DICT(dict_new());
    gc_push_root(OBJ_VAL(ns));
    dict_set_str(ns, str_intern_c("__builtins__"), OBJ_VAL(ST->builtins));
    Value r = vm_run_module_in(code, ns, ns);
    Value f = r ? dict_get_str(ns, str_intern_c("anext_awaitable")) : VAL_NULL;
    gc_pop_root(2);
    ST->anext_default_fn = f ? f : VAL_NULL;
    return ST->anext_default_fn;
}

// anext(it[, default]): it.__anext__(), or an awaitable giving [default]
// once the iterator is exhausted.
static Value b_anext(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("anext", argc, 1, 2)) {
        return VAL_NULL;
    }
    if (!class_lookup(val_class(argv[0]), ST->s_anext)) {
        return exc_raise(exc_TypeError, "'%s' object is not an async iterator", val_type_name(argv[0]));
    }
    Value aw = call_method(argv[0], "__anext__", 0, NULL);
    if (!aw || argc == 1) {
        return aw;
    }
    gc_push_root(aw);
    Value fn = anext_default_fn();
    Value args[2] = {aw, argv[1]};
    Value r = fn ? vm_call(fn, 2, args, NULL) : VAL_NULL;
    gc_pop_root(1);
    return r;
}

// breakpoint(*args, **kws): calls sys.breakpointhook.
static Value b_breakpoint(int argc, Value *argv, ObjDict *kw) {
    Value sys = import_module_value(str_intern_c("sys"));
    if (!sys) {
        return VAL_NULL;
    }
    Value hook = IS_A(sys, cls_module)
                     ? dict_get_str(((ObjModule *)AS_OBJ(sys))->dict, str_intern_c("breakpointhook"))
                     : VAL_NULL;
    if (!hook) {
        return exc_raise(exc_RuntimeError, "lost sys.breakpointhook");
    }
    return vm_call(hook, argc, argv, kw);
}

// help(obj): pydoc's text for obj (runtime/lib/pydoc.pyish).
static Value b_help(int argc, Value *argv, ObjDict *kw) {
    Value pydoc = import_module_value(str_intern_c("pydoc"));
    if (!pydoc) {
        return VAL_NULL;
    }
    Value fn = obj_getattr(pydoc, str_intern_c("help"));
    return fn ? vm_call(fn, argc, argv, kw) : VAL_NULL;
}

// __build_class__(func, name, *bases, **kwds): what a class statement
// calls (a replacement in builtins is called instead: build_class_op).
static Value b_build_class(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2) {
        return exc_raise(exc_TypeError, "__build_class__: not enough arguments");
    }
    if (!IS_A(argv[0], cls_function)) {
        return exc_raise(exc_TypeError, "__build_class__: func must be a function");
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "__build_class__: name is not a string");
    }
    Value bases = tuple_new((size_t)(argc - 2));
    values_copy(AS_TUPLE(bases)->items, argv + 2, (size_t)(argc - 2));
    gc_push_root(bases);
    Value r = build_class(argv[0], argv[1], bases, kw && kw->used ? OBJ_VAL(kw) : VAL_NULL);
    gc_pop_root(1);
    return r;
}

// The BUILD_CLASS opcode: build_class, unless builtins.__build_class__
// was replaced, which then gets (func, name, *bases, **kw) as in CPython.
Value build_class_op(Value body, Value name, Value bases, Value kw) {
    Value bc = dict_get_str(ST->builtins, str_intern_c("__build_class__"));
    if (!bc) {
        return exc_raise(exc_NameError, "__build_class__ not found");
    }
    if (IS_A(bc, cls_native) && ((ObjNative *)AS_OBJ(bc))->fn == b_build_class) {
        return build_class(body, name, bases, kw);
    }
    ObjTuple *bt = AS_TUPLE(bases);
    Value args = tuple_new(bt->len + 2);
    AS_TUPLE(args)->items[0] = body;
    AS_TUPLE(args)->items[1] = name;
    values_copy(AS_TUPLE(args)->items + 2, bt->items, bt->len);
    gc_push_root(args);
    Value r = vm_call(bc, (int)AS_TUPLE(args)->len, AS_TUPLE(args)->items, kw ? AS_DICT(kw) : NULL);
    gc_pop_root(1);
    return r;
}

static const MethodDef vm_builtins_defs[] = {
    {"__build_class__", b_build_class, true},
    {"breakpoint", b_breakpoint, true},
    {"help", b_help, true},
    {"aiter", b_aiter},
    {"anext", b_anext},
    {"globals", b_globals},
    {"locals", b_locals},
    {"next", b_next},
    {"__import__", import_builtin, true},
    {"exec", b_exec, true},
    {"eval", b_eval},
    {"compile", b_compile, true},
    {NULL, NULL},
};

void builtins_vm_init(ObjDict *b) {
    static const MethodDef super_methods[] = {{"__get__", super_get}, {NULL, NULL}};
    cls_super = class_new_builtin("super", NULL, sizeof(ObjSuper), super_methods);
    cls_super->trace = trace_super;
    cls_super->new_ = super_new;
    cls_super->getattr = super_getattr;
    cls_super->repr = super_repr;
    cls_quitter = class_new_builtin("Quitter", NULL, sizeof(ObjQuitter), NULL);
    cls_quitter->module = str_intern_c("_sitebuiltins");
    cls_quitter->repr = quitter_repr;
    cls_quitter->call = quitter_call;
    cls_quitter->new_ = NULL;
    quitter_install(b, "exit");
    quitter_install(b, "quit");
    native_add_functions(b, NULL, vm_builtins_defs);
    dict_set_str(b, str_intern_c("super"), OBJ_VAL(cls_super));
    dict_set_str(b, str_intern_c("property"), OBJ_VAL(cls_property));
    dict_set_str(b, str_intern_c("staticmethod"), OBJ_VAL(cls_staticmethod));
    dict_set_str(b, str_intern_c("classmethod"), OBJ_VAL(cls_classmethod));
    dict_set_str(b, str_intern_c("object"), OBJ_VAL(cls_object));
    dict_set_str(b, str_intern_c("type"), OBJ_VAL(cls_type));
    dict_set_str(b, str_intern_c("None"), VAL_NONE);
    dict_set_str(b, str_intern_c("True"), VAL_TRUE);
    dict_set_str(b, str_intern_c("False"), VAL_FALSE);
    dict_set_str(b, str_intern_c("NotImplemented"), VAL_NOTIMPL);
    dict_set_str(b, str_intern_c("Ellipsis"), OBJ_VAL(obj_ellipsis));
    dict_set_str(b, str_intern_c("__debug__"), VAL_BOOL(!ST->config.optimize));   // -O: False
    dict_set_str(b, str_intern_c("__name__"), str_from_c("builtins"));
#define X(name, base) dict_set_str(b, str_intern_c(#name), OBJ_VAL(exc_##name));
    EXC_LIST(X)
#undef X
    dict_set_str(b, str_intern_c("IOError"), OBJ_VAL(exc_OSError));
    dict_set_str(b, str_intern_c("EnvironmentError"), OBJ_VAL(exc_OSError));
}
