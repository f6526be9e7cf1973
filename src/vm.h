// vm.h: the VM's runtime structures: frames (one allocation sized by the
// code's max stack, on the frame stack for calls or on the heap for a
// generator), and the VM's entry points beyond those the runtime uses
// (runtime/vmapi.h: vm_call, gen_send/gen_throw ...): module and class body
// runs, generator creation.
//
// A frame's memory: the Frame header, the slots (locals, cells, free
// variables, value stack) and the handler blocks, in one allocation.
//
// Invariants: vm.frame is the innermost running frame; following ->parent
// reaches every active frame, including those of outer vm_run activations
// (an entry frame's parent is the frame that was running when C called in).
// A suspended generator's frame has parent NULL and is reachable only from
// its ObjGen. frame->sp is exact whenever the frame is not the innermost one
// or the VM is at a safe point.
#ifndef PYISH_VM_H
#define PYISH_VM_H
#include "object.h"
#include "code.h"
#include "gen.h"


typedef struct Block {
    uint32_t handler;       // instruction index of the handler
    uint32_t level;         // stack depth to restore
} Block;

// LINK_INIT: a class call's __init__, run in place; its caller keeps the
// new instance on its stack and takes it as the call's result (vm.c).
// LINK_DISCARD: a user __setitem__ run in place by STORE_SUBSCR; its
// result is dropped.
enum { LINK_NONE, LINK_SEND, LINK_FOR, LINK_INIT, LINK_DISCARD };

typedef struct Frame {
    ObjCode *code;
    Value func;             // the function (VAL_NULL for module/class code)
    ObjDict *globals;
    // class body / module namespace for *_NAME ops: a dict, or (the namespace
    // a metaclass's __prepare__ returned) any object with __getitem__; the
    // *_NAME ops use dict_* only when its class is exactly dict
    ObjDict *locals_dict;
    uint32_t *ip;           // next instruction
    Value *sp;              // stack top (exact when saved)
    struct Frame *parent;   // caller or resumer
    ObjGen *gen;            // owning generator, or NULL
    Value handled;          // exception being handled here (PUSH_EXC_INFO), or VAL_NULL
    uint32_t ret_target;    // where the parent continues when this linked gen returns
    // (the allocation is code->frame_size bytes: a generator's frame is
    // freed by its finalizer, which the collector runs before it sweeps
    // anything, so the code object is still whole then)
    uint8_t link;           // LINK_*: how this frame was resumed by its parent
    bool is_entry;          // vm_run returns when this frame returns or yields
    bool on_heap;           // owned by a generator
    uint8_t nblocks;        // active handler blocks (FRAME_BLOCKS)
    Value slots[];          // locals, cells, free vars, then the value stack
} Frame;
_Static_assert(sizeof(Frame) == 80, "a coroutine's frame header: 10 words");

#define FRAME_STACK_BASE(f) ((f)->slots + (f)->code->nlocals + (f)->code->ncells + (f)->code->nfree)
// The handler blocks, after the value stack.
#define FRAME_BLOCKS(f) \
    ((Block *)(FRAME_STACK_BASE(f) + (f)->code->max_stack))

// Makes the generator, coroutine or async generator of calling [func],
// owning [frame].
Value gen_new(ObjFunction *func, Frame *frame);

// Runs [code] as a module body in [globals]. Returns VAL_NULL on error.
Value vm_run_module(ObjCode *code, ObjDict *globals);
// The same with a separate locals dict (exec and eval code, compiled with
// CF_BY_NAME, reads and writes its names there).
Value vm_run_module_in(ObjCode *code, ObjDict *globals, ObjDict *locals);
// Runs a class body function with [ns] as its locals dict.
Value vm_run_class_body(ObjFunction *body, ObjDict *ns);
void vm_init(void);
// Notes the calling thread's C stack bounds in the current state (its
// recursion guard): on start-up and whenever a thread takes the state up.
void vm_note_stack(void);
// The REPL's top-level await: module code compiled with CO_COROUTINE
// becomes a coroutine object whose frame runs in [globals].
Value vm_module_coroutine(ObjCode *code, ObjDict *globals);

// ---- builtins that need the VM (builtins_vm.c)
// The locals of [f] as locals() gives them.
Value frame_locals(Frame *f);
// Adds super, globals, locals, exec, eval, __import__ ... to [builtins].
void builtins_vm_init(ObjDict *builtins);
// The class statement: runs [body] and makes the class [name] from [bases]
// and keywords [kw] (metaclass, __init_subclass__ arguments).
Value build_class(Value body, Value name, Value bases, Value kw);
// BUILD_CLASS: build_class, or a replaced builtins.__build_class__.
Value build_class_op(Value body, Value name, Value bases, Value kw);
// REPL echo of an expression statement's value (also sets builtins._).
Value vm_print_expr(Value v);
// format(v, spec), calling a user class's __format__; [spec] VAL_NULL is ''
// (an f-string field without a spec: no empty str made unless needed).
Value vm_format_value(Value v, Value spec);

// ---- tracebacks (traceback.c)
// A NameError's suggestion context in [f]: its bound names and globals.
Value tb_name_context(Frame *f);
#endif
