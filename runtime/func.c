// func.c: the classes of the compiler's products and their runtime
// companions: code objects (their attributes; the VM side, src/code.c,
// holds the disassembler), functions (closures, defaults, attributes) and
// cells.
#include <string.h>
#include "func.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"

static void trace_code(Obj *o) {
    ObjCode *c = (ObjCode *)o;
    gc_mark_obj((Obj *)c->consts);
    gc_mark_obj((Obj *)c->names);
    gc_mark_obj((Obj *)c->varnames);
    gc_mark_obj((Obj *)c->cellvars);
    gc_mark_obj((Obj *)c->freevars);
    gc_mark_obj((Obj *)c->name);
    gc_mark_obj((Obj *)c->qualname);
    gc_mark_obj((Obj *)c->filename);
}

static void finalize_code(Obj *o) {
    ObjCode *c = (ObjCode *)o;
    mem_free(c->code, sizeof(uint32_t) * (c->ncode ? c->ncode : 1));
    mem_free(c->lines, sizeof(int32_t) * (c->ncode ? c->ncode : 1));
    mem_free(c->spans, sizeof(uint32_t) * (c->ncode ? c->ncode : 1));
    mem_free(c->cache, sizeof(uint64_t) * (c->ncode ? c->ncode : 1));
    mem_free(c->attr_cache, sizeof(AttrCache) * (c->ncode ? c->ncode : 1));
    mem_free(c->cell2arg, sizeof(int32_t) * (size_t)(c->ncells + 1));
}

static Value code_repr(Value self) {
    ObjCode *c = (ObjCode *)AS_OBJ(self);
    return str_printf("<code object %s at %p, file \"%s\", line %d>", c->name->data, (void *)c,
                      c->filename->data, c->firstline);
}

// code.co_positions(): (line, end_line, col, end_col) of each instruction
// (columns None when unknown), as traceback uses it with tb_lasti // 2.
static Value code_co_positions(int argc, Value *argv, ObjDict *kw) {
    ObjCode *c = (ObjCode *)AS_OBJ(argv[0]);
    Value l = list_new(c->ncode);
    if (!l) {
        return VAL_NULL;
    }
    gc_push_root(l);
    for (uint32_t i = 0; i < c->ncode; i++) {
        int line, end_line, col, end_col;
        Value t;
        if (code_span(c, i, &line, &end_line, &col, &end_col)) {
            t = tuple_pack(4, MK_SMALL(line), MK_SMALL(end_line), MK_SMALL(col), MK_SMALL(end_col));
        } else {
            Value ln = c->lines[i] < 0 ? VAL_NONE : MK_SMALL(c->lines[i]);
            t = tuple_pack(4, ln, ln, VAL_NONE, VAL_NONE);
        }
        list_append(AS_LIST(l), t);
    }
    Value it = obj_iter(l);
    gc_pop_root(1);
    return it;
}

// code.co_lines(): (start, end, line) byte ranges (two bytes per
// instruction, as CPython counts offsets) of consecutive instructions of
// one line, as dis.findlinestarts and PEP 626 tools read them.
static Value code_co_lines(int argc, Value *argv, ObjDict *kw) {
    ObjCode *c = (ObjCode *)AS_OBJ(argv[0]);
    Value l = list_new(8);
    if (!l) {
        return VAL_NULL;
    }
    uint32_t start = 0;
    for (uint32_t i = 1; i <= c->ncode; i++) {
        if (i == c->ncode || c->lines[i] != c->lines[start]) {
            list_append(AS_LIST(l), tuple_pack(3, int_from_i64(2 * (int64_t)start),
                                               int_from_i64(2 * (int64_t)i),
                                               c->lines[start] < 0 ? VAL_NONE : MK_SMALL(c->lines[start])));
            start = i;
        }
    }
    return obj_iter(l);
}

static void *dup_array(const void *src, size_t size) {
    void *p = mem_alloc(size);
    memcpy(p, src, size);
    return p;
}

// code.replace(co_filename=, co_name=, co_qualname=, co_firstlineno=): a
// copy with those changed (the line of every instruction moves with
// co_firstlineno, as CPython's line table is relative to it), as template
// engines (genshi) give compiled code its template's name and line. The
// other co_* fields describe pyish's own instructions and cannot be given.
static Value code_replace(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1) {
        return exc_raise(exc_TypeError, "replace() takes no positional arguments");
    }
    ObjCode *c = (ObjCode *)AS_OBJ(argv[0]);
    static const char *const strs[] = {"co_filename", "co_name", "co_qualname"};
    Value sv[3] = {OBJ_VAL(c->filename), OBJ_VAL(c->name), OBJ_VAL(c->qualname ? c->qualname : c->name)};
    int64_t firstline = c->firstline;
    for (size_t i = 0; kw && i < kw->nentries; i++) {
        Value k = kw->entries[i].key, v = kw->entries[i].value;
        if (!k || !IS_STR(k)) {
            continue;
        }
        const char *ks = AS_STR(k)->data;
        int j = 0;
        while (j < 3 && strcmp(ks, strs[j]) != 0) {
            j++;
        }
        if (j < 3) {
            if (!IS_STR(v)) {
                return exc_raise(exc_TypeError, "replace() argument '%s' must be str, not %s", ks,
                                 val_class(v)->name->data);
            }
            sv[j] = v;
        } else if (strcmp(ks, "co_firstlineno") == 0) {
            if (!IS_SMALL(v) || AS_SMALL(v) < 0 || AS_SMALL(v) > INT32_MAX) {
                return exc_raise(exc_ValueError, "replace(): co_firstlineno must be a line number");
            }
            firstline = AS_SMALL(v);
        } else if (strncmp(ks, "co_", 3) == 0) {
            return exc_raise(exc_ValueError, "replace(): pyish code objects cannot change %s", ks);
        } else {
            return exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for replace()", ks);
        }
    }
    size_t n = c->ncode ? c->ncode : 1;
    ObjCode *r = (ObjCode *)obj_alloc(cls_code, sizeof(ObjCode));
    memcpy((char *)r + sizeof(Obj), (char *)c + sizeof(Obj), sizeof(ObjCode) - sizeof(Obj));
    r->code = dup_array(c->code, sizeof(uint32_t) * n);
    r->lines = dup_array(c->lines, sizeof(int32_t) * n);
    r->spans = dup_array(c->spans, sizeof(uint32_t) * n);
    r->cache = mem_alloc(sizeof(uint64_t) * n);
    memset(r->cache, 0, sizeof(uint64_t) * n);
    r->attr_cache = NULL;
    r->cell2arg = dup_array(c->cell2arg, sizeof(int32_t) * (size_t)(c->ncells + 1));
    int32_t shift = (int32_t)(firstline - c->firstline);
    for (uint32_t i = 0; i < c->ncode && shift; i++) {
        if (r->lines[i] >= 0) {
            r->lines[i] += shift;
        }
    }
    r->firstline = (int)firstline;
    r->filename = AS_STR(sv[0]);
    r->name = AS_STR(sv[1]);
    r->qualname = AS_STR(sv[2]);
    return OBJ_VAL(r);
}

static const MethodDef code_methods[] = {
    {"co_positions", code_co_positions},
    {"co_lines", code_co_lines},
    {"replace", code_replace, true},
    {NULL, NULL},
};

static Value code_getattr(Value self, ObjStr *name) {
    ObjCode *c = (ObjCode *)AS_OBJ(self);
    if (strcmp(name->data, "co_name") == 0) {
        return OBJ_VAL(c->name);
    }
    if (strcmp(name->data, "co_filename") == 0) {
        return OBJ_VAL(c->filename);
    }
    if (strcmp(name->data, "co_firstlineno") == 0) {
        return MK_SMALL(c->firstline);
    }
    if (strcmp(name->data, "co_varnames") == 0) {
        return OBJ_VAL(c->varnames);
    }
    if (strcmp(name->data, "co_argcount") == 0) {
        return MK_SMALL(c->argcount);
    }
    if (strcmp(name->data, "co_flags") == 0) {
        // CPython 3.11's bits: OPTIMIZED|NEWLOCALS for functions, VARARGS
        // 4, VARKEYWORDS 8, GENERATOR 32, COROUTINE 128, ASYNC_GENERATOR 512
        int64_t f = 0;
        if (!(c->flags & (CO_MODULE | CO_CLASSBODY))) {
            f |= 1 | 2;
        }
        f |= (c->flags & CO_VARARGS) ? 4 : 0;
        f |= (c->flags & CO_VARKW) ? 8 : 0;
        f |= (c->flags & CO_GENERATOR) ? 32 : 0;
        f |= (c->flags & CO_COROUTINE) ? 128 : 0;
        f |= (c->flags & CO_ASYNC_GENERATOR) ? 512 : 0;
        return MK_SMALL(f);
    }
    if (strcmp(name->data, "co_kwonlyargcount") == 0) {
        return MK_SMALL(c->kwonlycount);
    }
    if (strcmp(name->data, "co_posonlyargcount") == 0) {
        return MK_SMALL(c->posonlycount);
    }
    if (strcmp(name->data, "co_nlocals") == 0) {
        return MK_SMALL(c->nlocals);
    }
    if (strcmp(name->data, "co_stacksize") == 0) {
        return MK_SMALL(c->max_stack);
    }
    if (strcmp(name->data, "co_consts") == 0) {
        return c->consts ? OBJ_VAL(c->consts) : tuple_pack(0);
    }
    if (strcmp(name->data, "co_qualname") == 0) {
        return OBJ_VAL(c->qualname ? c->qualname : c->name);
    }
    // global/attribute names, captured and capturing variables (inspect.getclosurevars)
    if (strcmp(name->data, "co_names") == 0) {
        return c->names ? OBJ_VAL(c->names) : tuple_pack(0);
    }
    if (strcmp(name->data, "co_cellvars") == 0) {
        return c->cellvars ? OBJ_VAL(c->cellvars) : tuple_pack(0);
    }
    if (strcmp(name->data, "co_freevars") == 0) {
        return c->freevars ? OBJ_VAL(c->freevars) : tuple_pack(0);
    }
    return generic_getattr(self, name);
}

// ---- functions
static void trace_function(Obj *o) {
    ObjFunction *f = (ObjFunction *)o;
    gc_mark_obj((Obj *)f->code);
    gc_mark_obj((Obj *)f->globals);
    gc_mark_obj((Obj *)f->defaults);
    gc_mark_obj((Obj *)f->kwdefaults);
    gc_mark_obj((Obj *)f->closure);
    gc_mark_obj((Obj *)f->name);
    gc_mark_obj((Obj *)f->qualname);
    gc_mark_obj((Obj *)f->dict);
    gc_mark_obj((Obj *)f->annotations);
    gc_mark_value(f->doc);
    gc_mark_value(f->module);
}

static Value function_repr(Value self) {
    ObjFunction *f = (ObjFunction *)AS_OBJ(self);
    return str_printf("<function %s at %p>", f->qualname->data, (void *)f);
}


static void mark_fn_get(void) {
    gc_mark_value(ST->fn_get_native);
}

// function.__get__(obj, type=None): a bound method, or the function itself
// when obj is None (the descriptor protocol made explicit).
static Value function_get(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, "expected 1 or 2 arguments, got %d", argc - 1);
    }
    if (IS_NONE(argv[1])) {
        if (argc < 3 || IS_NONE(argv[2])) {
            return exc_raise(exc_TypeError, "__get__(None, None) is invalid");
        }
        return argv[0];
    }
    return bound_method_new(argv[1], argv[0]);
}

static Value function_getattr(Value self, ObjStr *name) {
    ObjFunction *f = (ObjFunction *)AS_OBJ(self);
    const char *n = name->data;
    if (n[0] == '_' && strcmp(n, "__annotations__") == 0) {
        // unannotated functions: an empty dict, kept (as in CPython)
        if (!f->annotations) {
            Value d = dict_new();
            if (!d) {
                return VAL_NULL;
            }
            f->annotations = AS_DICT(d);
        }
        return OBJ_VAL(f->annotations);
    }
    if (f->dict) {
        Value v = dict_get_str(f->dict, name);
        if (v) {
            return v;
        }
    }
    if (n[0] == '_' && n[1] == '_') {
        if (strcmp(n, "__name__") == 0) {
            return OBJ_VAL(f->name);
        }
        if (strcmp(n, "__qualname__") == 0) {
            return OBJ_VAL(f->qualname);
        }
        if (strcmp(n, "__module__") == 0) {
            return f->module ? f->module : VAL_NONE;
        }
        if (strcmp(n, "__doc__") == 0) {
            ObjCode *c = f->code;
            if (f->doc) {
                return f->doc;
            }
            if ((c->flags & 0x1000) && c->consts->len) {
                return c->consts->items[c->consts->len - 1];
            }
            return VAL_NONE;
        }
        if (strcmp(n, "__code__") == 0) {
            return OBJ_VAL(f->code);
        }
        if (strcmp(n, "__defaults__") == 0) {
            return f->defaults ? OBJ_VAL(f->defaults) : VAL_NONE;
        }
        if (strcmp(n, "__kwdefaults__") == 0) {
            return f->kwdefaults ? OBJ_VAL(f->kwdefaults) : VAL_NONE;
        }
        if (strcmp(n, "__globals__") == 0) {
            return OBJ_VAL(f->globals);
        }
        if (strcmp(n, "__builtins__") == 0) {
            return OBJ_VAL(ST->builtins);
        }
        if (strcmp(n, "__closure__") == 0) {
            return f->closure ? OBJ_VAL(f->closure) : VAL_NONE;
        }
        if (strcmp(n, "__dict__") == 0) {
            if (!f->dict) {
                f->dict = AS_DICT(dict_new());
            }
            return OBJ_VAL(f->dict);
        }
        if (strcmp(n, "__get__") == 0) {
            if (!ST->fn_get_native) {
                ST->fn_get_native = native_new("__get__", function_get, NULL);
                gc_add_root_marker(mark_fn_get);    // kept for the whole run
            }
            return bound_method_new(self, ST->fn_get_native);
        }
    }
    return generic_getattr(self, name);
}

static bool function_setattr(Value self, ObjStr *name, Value v) {
    ObjFunction *f = (ObjFunction *)AS_OBJ(self);
    if (strcmp(name->data, "__closure__") == 0 || strcmp(name->data, "__globals__") == 0 ||
        strcmp(name->data, "__builtins__") == 0) {
        exc_raise(exc_AttributeError, "readonly attribute");    // CPython's READONLY members
        return false;
    }
    // CPython's getsets: type-checked, never stored in __dict__
    bool is_name = strcmp(name->data, "__name__") == 0;
    if (is_name || strcmp(name->data, "__qualname__") == 0) {
        if (!v || !IS_STR(v)) {
            exc_raise(exc_TypeError, "%s must be set to a string object", name->data);
            return false;
        }
        *(is_name ? &f->name : &f->qualname) = AS_STR(v);
        return true;
    }
    if (strcmp(name->data, "__defaults__") == 0) {
        if (v && !IS_NONE(v) && !IS_TUPLE(v)) {
            exc_raise(exc_TypeError, "__defaults__ must be set to a tuple object");
            return false;
        }
        f->defaults = v && !IS_NONE(v) ? AS_TUPLE(v) : NULL;
        return true;
    }
    if (strcmp(name->data, "__kwdefaults__") == 0) {
        if (v && !IS_NONE(v) && !class_is_subclass(val_class(v), cls_dict)) {
            exc_raise(exc_TypeError, "__kwdefaults__ must be set to a dict object");
            return false;
        }
        f->kwdefaults = v && !IS_NONE(v) ? AS_DICT(v) : NULL;
        return true;
    }
    if (strcmp(name->data, "__code__") == 0) {
        if (!v || val_class(v) != cls_code) {
            exc_raise(exc_TypeError, "__code__ must be set to a code object");
            return false;
        }
        ObjCode *c = (ObjCode *)AS_OBJ(v);
        size_t nclosure = f->closure ? f->closure->len : 0;
        if ((size_t)c->nfree != nclosure) {
            exc_raise(exc_ValueError, "%s() requires a code object with %zu free vars, not %d", f->name->data,
                      nclosure, c->nfree);
            return false;
        }
        f->code = c;
        return true;
    }
    // fields, as CPython's (not in __dict__)
    if (strcmp(name->data, "__module__") == 0) {
        f->module = v ? v : VAL_NONE;
        return true;
    }
    if (strcmp(name->data, "__doc__") == 0) {
        f->doc = v ? v : VAL_NONE;
        return true;
    }
    if (strcmp(name->data, "__dict__") == 0) {
        // replaced, never deleted, as CPython's function __dict__ setter
        if (!v) {
            exc_raise(exc_TypeError, "cannot delete __dict__");
            return false;
        }
        if (!class_is_subclass(val_class(v), cls_dict)) {
            exc_raise(exc_TypeError, "__dict__ must be set to a dictionary, not a '%s'", val_type_name(v));
            return false;
        }
        f->dict = AS_DICT(v);
        return true;
    }
    if (strcmp(name->data, "__annotations__") == 0) {
        // del and None reset it (the next read makes an empty dict)
        if (v && !IS_NONE(v) && !class_is_subclass(val_class(v), cls_dict)) {
            exc_raise(exc_TypeError, "__annotations__ must be set to a dict object");
            return false;
        }
        f->annotations = v && !IS_NONE(v) ? AS_DICT(v) : NULL;
        return true;
    }
    if (!f->dict) {
        f->dict = AS_DICT(dict_new());
    }
    if (v) {
        dict_set_str(f->dict, name, v);
        return true;
    }
    if (dict_del(f->dict, OBJ_VAL(name)) <= 0) {
        exc_raise(exc_AttributeError, "'function' object has no attribute '%s'", name->data);
        return false;
    }
    return true;
}

static void trace_cell(Obj *o) {
    gc_mark_value(((ObjCell *)o)->value);
}

static Value cell_repr(Value self) {
    ObjCell *c = (ObjCell *)AS_OBJ(self);
    if (!c->value) {
        return str_printf("<cell at %p: empty>", (void *)c);
    }
    return str_printf("<cell at %p: %s object at %p>", (void *)c, val_type_name(c->value), (void *)c->value);
}

static Value cell_getattr(Value self, ObjStr *name) {
    ObjCell *c = (ObjCell *)AS_OBJ(self);
    if (strcmp(name->data, "cell_contents") == 0) {
        if (!c->value) {
            exc_raise(exc_ValueError, "Cell is empty");
            return VAL_NULL;
        }
        return c->value;
    }
    return generic_getattr(self, name);
}

// function.__get__(self, obj, type=None): the method bound to obj (the
// function itself when obj is None).
static Value function_get_m(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, "__get__ expected 1 or 2 arguments");
    }
    if (IS_NONE(argv[1]) && (argc < 3 || !IS_NONE(argv[2]))) {
        return argv[0];
    }
    if (IS_NONE(argv[1])) {
        return exc_raise(exc_TypeError, "__get__(None, None) is invalid");
    }
    return bound_method_new(argv[1], argv[0]);
}

static const MethodDef function_methods[] = {
    {"__get__", function_get_m},
    {NULL, NULL},
};

void func_init(void) {
    cls_code = class_new_builtin("code", NULL, sizeof(ObjCode), code_methods);
    cls_code->trace = trace_code;
    cls_code->finalize = finalize_code;
    cls_code->repr = code_repr;
    cls_code->getattr = code_getattr;
    cls_code->new_ = NULL;
    // the attributes code_getattr answers, listed in the class for dir()
    // (unittest.mock specs a code object from dir(CodeType))
    static const char *const co_names[] = {"co_name", "co_filename", "co_firstlineno", "co_varnames",
                                           "co_argcount", "co_flags", "co_kwonlyargcount",
                                           "co_posonlyargcount", "co_nlocals", "co_qualname", "co_names",
                                           "co_cellvars", "co_freevars", "co_stacksize", "co_consts"};
    for (size_t i = 0; i < sizeof co_names / sizeof *co_names; i++) {
        dict_set_str(cls_code->dict, str_intern_c(co_names[i]), property_doc_only(VAL_NONE));
    }
    cls_function = class_new_builtin("function", NULL, sizeof(ObjFunction), function_methods);
    cls_function->trace = trace_function;
    cls_function->repr = function_repr;
    cls_function->getattr = function_getattr;
    cls_function->setattr = function_setattr;
    cls_function->new_ = NULL;
    cls_function->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_function->dict_offset = offsetof(ObjFunction, dict);     // vars(f)
    // the attributes function_getattr answers, listed in the class for dir()
    static const char *const fn_names[] = {"__annotations__", "__builtins__", "__closure__", "__code__", "__defaults__",
                                           "__dict__", "__globals__", "__kwdefaults__", "__module__",
                                           "__name__", "__qualname__"};
    for (size_t i = 0; i < sizeof fn_names / sizeof *fn_names; i++) {
        dict_set_str(cls_function->dict, str_intern_c(fn_names[i]), property_doc_only(VAL_NONE));
    }
    cls_cell = class_new_builtin("cell", NULL, sizeof(ObjCell), NULL);
    cls_cell->trace = trace_cell;
    cls_cell->repr = cell_repr;
    cls_cell->getattr = cell_getattr;
    cls_cell->new_ = NULL;
}
