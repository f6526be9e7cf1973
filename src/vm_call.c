// vm_call.c: frames and calls: the frame stack's roots and the current
// line for tracebacks, calling any callable from C (vm_call: pyish
// functions start a nested vm_run activation on an entry frame), running
// module and class bodies, and the recursion guards (the C stack's floor,
// vm_enter_recursive) with the VM's start-up. Frame allocation itself is in
// vm_internal.h, argument binding in vm_args.c.
#define _GNU_SOURCE     // pthread_getattr_np (the C stack bounds)
#include <pthread.h>
#include "vm_internal.h"
#include "containers.h"
#include "class.h"

// Marks everything a frame holds.
void frame_mark(Frame *f) {
    gc_mark_obj((Obj *)f->code);
    gc_mark_value(f->func);
    gc_mark_obj((Obj *)f->globals);
    gc_mark_obj((Obj *)f->locals_dict);
    gc_mark_obj((Obj *)f->gen);
    gc_mark_value(f->handled);
    Value *end = f->sp;
    for (Value *p = f->slots; p < end; p++) {
        gc_mark_value(*p);
    }
}

void frame_mark_chain(Frame *f) {
    for (; f; f = f->parent) {
        frame_mark(f);
    }
}

static void mark_vm_roots(void) {
    for (Frame *f = ST->frame; f; f = f->parent) {
        frame_mark(f);
    }
    gc_mark_obj((Obj *)ST->builtins);
    gc_mark_obj((Obj *)ST->modules);
    gc_mark_value(ST->empty_args);
    gc_mark_value(ST->empty_kwargs);
}

ObjDict *vm_current_globals(void) {
    return ST->frame ? ST->frame->globals : NULL;
}

int vm_current_line(void) {
    Frame *f = ST->frame;
    if (!f) {
        return 0;
    }
    uint32_t off = (uint32_t)(f->ip - f->code->code);
    return code_line(f->code, off ? off - 1 : 0);
}

ObjStr *vm_current_file(void) {
    return ST->frame ? ST->frame->code->filename : NULL;
}

ObjStr *vm_caller_file(int *line) {
    Frame *f = ST->frame ? ST->frame->parent : NULL;
    *line = f ? frame_line(f) : 0;
    return f ? f->code->filename : NULL;
}

// Converts a kwargs dict to parallel name/value arrays on the C stack.
#define KW_FROM_DICT(kw, names, values, n) \
    ObjTuple *names = NULL; \
    Value *values = NULL; \
    int n = 0; \
    Value values##_buf[(kw) ? (kw)->used + 1 : 1]; \
    if (kw && kw->used) { \
        names = AS_TUPLE(tuple_new(kw->used)); \
        gc_push_root(OBJ_VAL(names)); \
        size_t pos_ = 0; \
        Value k_, v_; \
        while (dict_next(kw, &pos_, &k_, &v_)) { \
            if (!IS_STR(k_)) { \
                gc_pop_root(1); \
                return exc_raise(exc_TypeError, "keywords must be strings"); \
            } \
            names->items[n] = k_; \
            values##_buf[n++] = v_; \
        } \
        values = values##_buf; \
        gc_pop_root(1); \
    }

static Value call_function(ObjFunction *f, int argc, Value *argv, ObjTuple *kwnames, Value *kwvalues,
                           int nkw) {
    if (f->code->flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)) {
        Frame *fr = make_call_frame(f, argv, argc, kwnames, kwvalues, nkw, true);
        return fr ? gen_new(f, fr) : VAL_NULL;
    }
    if (ST->vm_depth >= ST->recursion_limit || ST->c_depth >= C_DEPTH_LIMIT || c_stack_low()) {
        return exc_raise(exc_RecursionError, "maximum recursion depth exceeded");
    }
    Frame *fr = make_call_frame(f, argv, argc, kwnames, kwvalues, nkw, false);
    if (!fr) {
        return VAL_NULL;
    }
    fr->is_entry = true;
    fr->parent = ST->frame;
    int status;
    return vm_run(fr, &status, VAL_NULL);
}

Value vm_call(Value callable, int argc, Value *argv, ObjDict *kw) {
    if (!IS_OBJ(callable)) {
        return exc_raise(exc_TypeError, "'%s' object is not callable", val_type_name(callable));
    }
    ObjClass *c = AS_OBJ(callable)->cls;
    if (c == cls_function) {
        KW_FROM_DICT(kw, names, values, n);
        return call_function((ObjFunction *)AS_OBJ(callable), argc, argv, names, values, n);
    }
    if (c == cls_native) {
        ObjNative *nat = (ObjNative *)AS_OBJ(callable);
        if (nat->slot) {
            return native_call_slot(nat, argc, argv, kw);
        }
        if (kw && kw->used && !nat->takes_kw && !native_refuse_kw(nat)) {
            return VAL_NULL;
        }
        if (nat->self) {
            Value args[argc + 1];
            args[0] = nat->self;
            values_copy(args + 1, argv, (size_t)argc);
            return nat->fn(argc + 1, args, kw);
        }
        if (nat->owner && !native_check_self(nat, argc, argv)) {
            return VAL_NULL;
        }
        return nat->fn(argc, argv, kw);
    }
    if (c == cls_bound_method) {
        ObjBoundMethod *b = (ObjBoundMethod *)AS_OBJ(callable);
        Value args[argc + 1];
        args[0] = b->self;
        values_copy(args + 1, argv, (size_t)argc);
        return vm_call(b->func, argc + 1, args, kw);
    }
    if (c == cls_type) {
        return type_call(AS_CLASS(callable), argc, argv, kw);
    }
    if (c->call) {
        return c->call(callable, argc, argv, kw);
    }
    return exc_raise(exc_TypeError, "'%s' object is not callable", c->name->data);
}

void code_frame_geometry(ObjCode *code) {
    size_t nvars = (size_t)(code->nlocals + code->ncells + code->nfree);
    size_t nslots = nvars + (size_t)code->max_stack;
    code->nvars = (uint32_t)nvars;
    code->simple_args = code->kwonlycount == 0 && code->ncells == 0 && code->nfree == 0 &&
                        !(code->flags & (CO_VARARGS | CO_VARKW));
    code->simple_call = code->simple_args && !(code->flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR));
    code->frame_size = (uint32_t)((sizeof(Frame) + nslots * sizeof(Value) + sizeof(Block) * (size_t)code->max_blocks + 7) &
                                  ~(size_t)7);
}

Chunk *frame_chunk_grow(size_t size) {
    Chunk *c;
    if (ST->spare_chunk && ST->spare_chunk->size >= size) {
        c = ST->spare_chunk;
        ST->spare_chunk = NULL;
    } else {
        size_t csize = size > 256 * 1024 ? size : 256 * 1024;
        c = malloc(sizeof(Chunk) + csize);
        if (!c) {
            abort();
        }
        c->size = csize;
    }
    c->used = 0;
    c->prev = ST->chunk;
    ST->chunk = c;
    return c;
}

// ---- module and class bodies
Value vm_run_module(ObjCode *code, ObjDict *globals) {
    return vm_run_module_in(code, globals, globals);
}

Value vm_run_module_in(ObjCode *code, ObjDict *globals, ObjDict *locals) {
    Frame *fr = frame_alloc(code, false);
    fr->globals = globals;
    fr->locals_dict = locals;
    fr->is_entry = true;
    fr->parent = ST->frame;
    int status;
    return vm_run(fr, &status, VAL_NULL);
}

// The REPL's top-level await (src/repl.c): module code compiled with
// CO_COROUTINE becomes a coroutine object whose frame runs in [globals].
Value vm_module_coroutine(ObjCode *code, ObjDict *globals) {
    ObjFunction *f = (ObjFunction *)obj_alloc(cls_function, sizeof(ObjFunction));
    f->code = code;
    f->globals = globals;
    f->name = code->name;
    f->qualname = code->qualname;
    f->module = VAL_NONE;
    gc_push_root(OBJ_VAL(f));
    Frame *fr = frame_alloc(code, true);
    fr->func = OBJ_VAL(f);
    fr->globals = globals;
    fr->locals_dict = globals;
    Value g = gen_new(f, fr);
    gc_pop_root(1);
    return g;
}

Value vm_run_class_body(ObjFunction *body, ObjDict *ns) {
    Frame *fr = make_call_frame(body, NULL, 0, NULL, NULL, 0, false);
    if (!fr) {
        return VAL_NULL;
    }
    fr->locals_dict = ns;
    fr->is_entry = true;
    fr->parent = ST->frame;
    int status;
    return vm_run(fr, &status, VAL_NULL);
}

// Records how far the calling thread's C stack may grow (with a margin for
// the work done between two guard checks).
// The floor is found once per thread (pthread_getattr_np reads
// /proc/self/maps on the main thread) and kept in a per-thread variable:
// a state may run on several threads one after the other.
static _Thread_local char *thread_stack_floor;
static _Thread_local bool thread_stack_known;

void vm_note_stack(void) {
    if (!thread_stack_known) {
        thread_stack_known = true;
#if defined(__linux__) && defined(__GLIBC__)
        pthread_attr_t attr;
        void *addr;
        size_t size;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
                size_t margin = size / 8 < ((size_t)1 << 20) ? size / 8 : ((size_t)1 << 20);
                thread_stack_floor = (char *)addr + margin;
            }
            pthread_attr_destroy(&attr);
        }
#endif
    }
    ST->c_stack_floor = thread_stack_floor;
}

// The recursion guard of C code that walks nested objects (CPython's
// Py_EnterRecursiveCall): the walk's depth counts with the pyish frames
// against sys.getrecursionlimit(), and the C stack must have room left.
bool vm_enter_recursive(const char *where) {
    char here;
    if (ST->vm_depth + ST->c_walk_depth >= ST->recursion_limit ||
        (ST->c_stack_floor && &here < ST->c_stack_floor)) {
        exc_raise(exc_RecursionError, "maximum recursion depth exceeded%s", where);
        return false;
    }
    ST->c_walk_depth++;
    return true;
}

void vm_leave_recursive(void) {
    ST->c_walk_depth--;
}

// Only the C stack check, for walks CPython does not bound by the recursion
// limit (hash of nested tuples): they fail only where they would crash.
bool vm_stack_ok(const char *where) {
    char here;
    if (ST->c_stack_floor && &here < ST->c_stack_floor) {
        exc_raise(exc_RecursionError, "maximum recursion depth exceeded%s", where);
        return false;
    }
    return true;
}

void vm_init(void) {
    vm_note_stack();
    gc_add_root_marker(mark_vm_roots);
    ST->builtins = AS_DICT(dict_new());
    ST->modules = AS_DICT(dict_new());
    ST->empty_args = tuple_new(0);
    ST->empty_kwargs = dict_new();
}
