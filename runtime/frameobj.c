// frameobj.c: the frame and traceback objects Python code sees. pyish's
// frames are not objects: a `frame` here is a snapshot (code, globals, line,
// the locals when it was taken, f_back) asked of a traceback entry, or the
// view of a running frame (sys._getframe, trace and profile functions;
// frameobj.h, src/trace.c) that reads it while it runs. A `traceback` entry is made for each frame an exception
// passes through (vm.c, traceback_here), newest first: an exception's
// __traceback__ is the outermost entry and tb_next leads towards the frame
// that raised, as in CPython (unittest trims and relinks them).
#include <string.h>
#include "runtime.h"
#include "frameobj.h"


typedef struct ObjTraceback {
    Obj hdr;
    Value next;         // the entry of the frame it called, or VAL_NULL
    Value code;
    Value globals;      // the frame's globals dict or None
    Value frame;        // tb_frame, made when first asked for (VAL_NULL until then)
    int line;
    int lasti;
} ObjTraceback;

#define TB(v) ((ObjTraceback *)AS_OBJ(v))

Value framesnap_new(Value code, Value globals, int line, Value locals, Value back) {
    gc_push_root(code);
    gc_push_root(globals);
    gc_push_root(locals ? locals : VAL_NONE);
    gc_push_root(back);
    ObjFrameSnap *f = (ObjFrameSnap *)obj_alloc(cls_frame, sizeof(ObjFrameSnap));
    gc_pop_root(4);
    f->code = code;
    f->globals = globals;
    f->locals = locals;
    f->back = back;
    f->line = line;
    f->last_line = -1;
    f->trace_lines = true;
    return OBJ_VAL(f);
}

void framesnap_set_generator(Value snap, Value gen) {
    SNAP(snap)->gen = gen;
}

static void trace_framesnap(Obj *o) {
    ObjFrameSnap *f = (ObjFrameSnap *)o;
    gc_mark_value(f->code);
    gc_mark_value(f->globals);
    gc_mark_value(f->locals);
    gc_mark_value(f->back);
    gc_mark_value(f->gen);
    gc_mark_value(f->trace);
}

static Value framesnap_getattr(Value self, ObjStr *name) {
    ObjFrameSnap *f = SNAP(self);
    const char *n = name->data;
    if (n[0] != 'f' || n[1] != '_') {
        return generic_getattr(self, name);
    }
    Frame *live = f->live ? framesnap_running(self) : NULL;     // still running: read from it
    switch (n[2]) {     // (logging's findCaller reads f_code, f_back, f_lineno per record)
    case 'c':
        if (strcmp(n, "f_code") == 0) {
            return f->code;
        }
        break;
    case 'b':
        if (strcmp(n, "f_back") == 0) {
            if (live) {
                return vm_frame_back(live);
            }
            return f->back ? f->back : VAL_NONE;
        }
        if (strcmp(n, "f_builtins") == 0) {
            return OBJ_VAL(ST->builtins);
        }
        break;
    case 'l':
        if (strcmp(n, "f_lineno") == 0) {
            return MK_SMALL(live && !f->at_call ? vm_frame_lineno(live) : f->line);
        }
        if (strcmp(n, "f_locals") == 0) {
            if (live) {
                return vm_frame_locals(self, live);
            }
            return f->locals ? f->locals : dict_new();
        }
        if (strcmp(n, "f_lasti") == 0) {
            return MK_SMALL(live && !f->at_call ? vm_frame_lasti(live) : -1);
        }
        break;
    case 'g':
        if (strcmp(n, "f_globals") == 0) {
            return f->globals;
        }
        if (strcmp(n, "f_generator") == 0) {
            return f->gen ? f->gen : VAL_NONE;
        }
        break;
    case 't':
        if (strcmp(n, "f_trace") == 0) {
            return f->trace ? f->trace : VAL_NONE;
        }
        if (strcmp(n, "f_trace_lines") == 0) {
            return f->trace_lines ? VAL_TRUE : VAL_FALSE;
        }
        if (strcmp(n, "f_trace_opcodes") == 0) {
            return f->trace_opcodes ? VAL_TRUE : VAL_FALSE;
        }
        break;
    default:
        break;
    }
    return generic_getattr(self, name);
}

// f_trace, f_trace_lines and f_trace_opcodes can be set (sys.settrace's
// local trace function), and f_lineno by a trace function (a jump,
// src/trace_jump.c).
static bool framesnap_setattr(Value self, ObjStr *name, Value v) {
    ObjFrameSnap *f = SNAP(self);
    const char *n = name->data;
    if (strcmp(n, "f_trace") == 0) {
        f->trace = v && !IS_NONE(v) ? v : VAL_NULL;
        return true;
    }
    if (strcmp(n, "f_trace_lines") == 0 || strcmp(n, "f_trace_opcodes") == 0) {
        if (!v) {
            exc_raise(exc_AttributeError, "cannot delete attribute");
            return false;
        }
        if (v != VAL_TRUE && v != VAL_FALSE) {
            exc_raise(exc_TypeError, "attribute value type must be bool");
            return false;
        }
        if (n[8] == 'l') {
            f->trace_lines = v == VAL_TRUE;
        } else {
            f->trace_opcodes = v == VAL_TRUE;
        }
        return true;
    }
    if (strcmp(n, "f_lineno") == 0) {
        return vm_frame_set_lineno(self, v);
    }
    if (strcmp(n, "f_code") == 0 || strcmp(n, "f_back") == 0 || strcmp(n, "f_locals") == 0 ||
        strcmp(n, "f_globals") == 0 || strcmp(n, "f_builtins") == 0 || strcmp(n, "f_lasti") == 0) {
        exc_raise(exc_AttributeError, "readonly attribute");
        return false;
    }
    exc_raise(exc_AttributeError, "'frame' object has no attribute '%s'", n);
    return false;
}

// frame.clear(): a snapshot holds no running frame; it lets go of its locals
static Value framesnap_clear(int argc, Value *argv, ObjDict *kw) {
    SNAP(argv[0])->locals = VAL_NULL;
    return VAL_NONE;
}

static const MethodDef frame_methods[] = {
    {"clear", framesnap_clear},
    {NULL, NULL},
};

static Value framesnap_repr(Value self) {
    ObjFrameSnap *f = SNAP(self);
    Value file = obj_getattr_opt(f->code, str_intern_c("co_filename"));
    Value name = obj_getattr_opt(f->code, str_intern_c("co_name"));
    Frame *live = f->live ? framesnap_running(self) : NULL;
    return str_printf("<frame at %p, file '%s', line %d, code %s>", (void *)f,
                      file && IS_STR(file) ? AS_STR(file)->data : "?", live ? vm_frame_lineno(live) : f->line,
                      name && IS_STR(name) ? AS_STR(name)->data : "?");
}

// ---- traceback entries

Value traceback_new(Value next, Value code, Value globals, int line, int lasti) {
    gc_push_root(next ? next : VAL_NONE);
    gc_push_root(code);
    gc_push_root(globals);
    ObjTraceback *t = (ObjTraceback *)obj_alloc(cls_traceback, sizeof(ObjTraceback));
    gc_pop_root(3);
    t->next = next;
    t->code = code;
    t->globals = globals;
    t->frame = VAL_NULL;
    t->line = line;
    t->lasti = lasti;
    return OBJ_VAL(t);
}

bool traceback_entry(Value tb, Value *code, int *line, int *lasti, Value *next) {
    if (!IS_A(tb, cls_traceback)) {
        return false;
    }
    *code = TB(tb)->code;
    *line = TB(tb)->line;
    *lasti = TB(tb)->lasti;
    *next = TB(tb)->next;
    return true;
}

static void trace_traceback(Obj *o) {
    ObjTraceback *t = (ObjTraceback *)o;
    gc_mark_value(t->next);
    gc_mark_value(t->code);
    gc_mark_value(t->globals);
    gc_mark_value(t->frame);
}

static Value traceback_getattr(Value self, ObjStr *name) {
    ObjTraceback *t = TB(self);
    const char *n = name->data;
    if (strcmp(n, "tb_next") == 0) {
        return t->next ? t->next : VAL_NONE;
    }
    if (strcmp(n, "tb_lineno") == 0) {
        return MK_SMALL(t->line);
    }
    if (strcmp(n, "tb_lasti") == 0) {
        return MK_SMALL(t->lasti);
    }
    if (strcmp(n, "tb_frame") == 0) {
        if (!t->frame) {
            Value back = vm_running_frame_back(t->code);
            gc_push_root(back);
            t->frame = framesnap_new(t->code, t->globals, t->line, VAL_NULL, back);
            gc_pop_root(1);
        }
        return t->frame;
    }
    return generic_getattr(self, name);
}

static bool traceback_setattr(Value self, ObjStr *name, Value v) {
    if (strcmp(name->data, "tb_next") != 0) {
        exc_raise(exc_AttributeError, "'traceback' object attribute '%s' is read-only", name->data);
        return false;
    }
    if (!v) {
        exc_raise(exc_TypeError, "can't delete tb_next attribute");
        return false;
    }
    if (!IS_NONE(v) && !IS_A(v, cls_traceback)) {
        exc_raise(exc_TypeError, "expected traceback object, got '%s'", val_type_name(v));
        return false;
    }
    for (Value c = v; c && !IS_NONE(c); c = TB(c)->next) {
        if (c == self) {
            exc_raise(exc_ValueError, "traceback loop detected");
            return false;
        }
    }
    TB(self)->next = IS_NONE(v) ? VAL_NULL : v;
    return true;
}

// types.TracebackType(tb_next, tb_frame, tb_lasti, tb_lineno)
static Value traceback_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (argc != 4) {
        return exc_raise(exc_TypeError, "TracebackType() takes exactly 4 arguments (%d given)", argc);
    }
    if (!IS_NONE(argv[0]) && !IS_A(argv[0], cls_traceback)) {
        return exc_raise(exc_TypeError, "expected traceback object or None, got '%s'", val_type_name(argv[0]));
    }
    if (!IS_A(argv[1], cls_frame)) {
        return exc_raise(exc_TypeError, "TracebackType() argument 'tb_frame' must be frame, not %s",
                         IS_NONE(argv[1]) ? "None" : val_type_name(argv[1]));
    }
    int64_t lasti, lineno;
    if (!int_to_i64(argv[2], &lasti) || !int_to_i64(argv[3], &lineno)) {
        return VAL_NULL;
    }
    Value t = traceback_new(IS_NONE(argv[0]) ? VAL_NULL : argv[0], SNAP(argv[1])->code, SNAP(argv[1])->globals,
                            (int)lineno, (int)lasti);
    TB(t)->frame = argv[1];
    return t;
}

static Value traceback_repr(Value self) {
    return str_printf("<traceback object at %p>", (void *)AS_OBJ(self));
}

static Value tb_dir(int argc, Value *argv, ObjDict *kw) {
    Value l = list_new(4);
    const char *names[] = {"tb_frame", "tb_lasti", "tb_lineno", "tb_next"};
    for (int i = 0; i < 4; i++) {
        list_append(AS_LIST(l), OBJ_VAL(str_intern_c(names[i])));
    }
    return l;
}

static const MethodDef tb_methods[] = {
    {"__dir__", tb_dir},
    {NULL, NULL},
};

void frameobj_init(void) {
    cls_frame = class_new_builtin("frame", NULL, sizeof(ObjFrameSnap), frame_methods);
    cls_frame->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_frame->new_ = NULL;
    cls_frame->trace = trace_framesnap;
    cls_frame->getattr = framesnap_getattr;
    cls_frame->setattr = framesnap_setattr;
    cls_frame->repr = framesnap_repr;
    cls_traceback = class_new_builtin("traceback", NULL, sizeof(ObjTraceback), tb_methods);
    cls_traceback->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_traceback->new_ = traceback_new_;
    cls_traceback->trace = trace_traceback;
    cls_traceback->getattr = traceback_getattr;
    cls_traceback->setattr = traceback_setattr;
    cls_traceback->repr = traceback_repr;
}
