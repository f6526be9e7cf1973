// vm.h: the VM's runtime structures: frames (one allocation sized by the
// code's max stack, on the frame stack for calls or on the heap for a
// generator), functions, cells, generator/coroutine objects, and the entry
// points C code uses to run pyish: vm_call, gen_send/gen_throw, module runs.
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


typedef struct Block {
    uint32_t handler;       // instruction index of the handler
    uint32_t level;         // stack depth to restore
} Block;

enum { LINK_NONE, LINK_SEND, LINK_FOR };

typedef struct ObjGen ObjGen;

typedef struct Frame {
    ObjCode *code;
    Value func;             // the function (VAL_NULL for module/class code)
    ObjDict *globals;
    ObjDict *locals_dict;   // class body / module namespace for *_NAME ops
    uint32_t *ip;           // next instruction
    Value *sp;              // stack top (exact when saved)
    struct Frame *parent;   // caller or resumer
    ObjGen *gen;            // owning generator, or NULL
    Value handled;          // exception being handled here (PUSH_EXC_INFO), or VAL_NULL
    uint32_t ret_target;    // where the parent continues when this linked gen returns
    uint32_t alloc_size;    // bytes of this frame's allocation
    uint8_t link;           // LINK_*: how this frame was resumed by its parent
    bool is_entry;          // vm_run returns when this frame returns or yields
    bool on_heap;           // owned by a generator
    uint8_t nblocks;        // active handler blocks (FRAME_BLOCKS)
    Value slots[];          // locals, cells, free vars, then the value stack
} Frame;

#define FRAME_STACK_BASE(f) ((f)->slots + (f)->code->nlocals + (f)->code->ncells + (f)->code->nfree)
// The handler blocks, after the value stack.
#define FRAME_BLOCKS(f) \
    ((Block *)(FRAME_STACK_BASE(f) + (f)->code->max_stack))

typedef struct ObjFunction {
    Obj hdr;
    ObjCode *code;
    ObjDict *globals;
    ObjTuple *defaults;     // or NULL
    ObjDict *kwdefaults;    // or NULL
    ObjTuple *closure;      // cells, or NULL
    ObjStr *name, *qualname;
    ObjDict *dict;          // function attributes (__doc__, user ones)
    Value module;           // __module__ (str)
} ObjFunction;

typedef struct ObjCell {
    Obj hdr;
    Value value;            // VAL_NULL: empty
} ObjCell;

enum { GEN_CREATED, GEN_SUSPENDED, GEN_RUNNING, GEN_CLOSED };
enum { GEN_YIELDED, GEN_RETURNED, GEN_RAISED };

struct ObjGen {
    Obj hdr;
    Frame *frame;           // owned; NULL once closed
    ObjStr *qualname;       // for reprs (the name is the code's)
    Value yf;               // the delegate while suspended in yield from/await
    ObjGen *inner;          // innermost generator of its suspended yield-from chain (fast
                            // resume); marked by the GC so it stays valid
    uint32_t inner_epoch;   // gen_epoch when [inner] was recorded (vm.c)
    uint32_t inner_depth;   // frames between [inner] and this one
    ObjStr *created_file;   // where a coroutine object was made (never-awaited warning)
    int32_t created_line;
    uint8_t state;          // GEN_*
    uint8_t yield_kind;     // last suspension: 0 = its own yield, 1 = a delegate's (await)
    bool awaited;           // a coroutine that was ever started or awaited
    bool warned;
    bool running_async;     // an async generator with an asend/athrow/aclose in progress
};


// Calls [callable] from C. Returns VAL_NULL with the exception pending.
Value vm_call(Value callable, int argc, Value *argv, ObjDict *kw);
// Resumes [gen] with [value] (or throws [exc] when non-NULL) and reports
// whether it yielded (*out = the value), returned (*out = return value)
// or raised (exception pending).
int gen_send(ObjGen *gen, Value value, Value *out);
int gen_throw(ObjGen *gen, Value exc, Value *out);
// gen_throw with throw()'s own arguments [raw] (a tuple) for non-generator
// delegates; [exc] may be VAL_NULL when [raw] is not a valid exception.
int gen_throw_args(ObjGen *gen, Value exc, Value raw, Value *out);
// The exception throw(type[, value[, tb]]) means, or VAL_NULL + TypeError.
Value gen_make_throw_exc(int argc, Value *argv);
// Closes [gen] (GeneratorExit at its suspension point); false on error.
bool gen_close(ObjGen *gen);
Value gen_new(ObjFunction *func, Frame *frame);
bool gen_is_gen(Value v);

// Runs [code] as a module body in [globals]. Returns VAL_NULL on error.
Value vm_run_module(ObjCode *code, ObjDict *globals);
// The same with a separate locals dict (exec and eval code, compiled with
// CF_BY_NAME, reads and writes its names there).
Value vm_run_module_in(ObjCode *code, ObjDict *globals, ObjDict *locals);
// Runs a class body function with [ns] as its locals dict.
Value vm_run_class_body(ObjFunction *body, ObjDict *ns);
// Current line of the innermost frame, and its file (for warnings).
int vm_current_line(void);
ObjStr *vm_current_file(void);
void vm_init(void);
// Notes the calling thread's C stack bounds in the current state (its
// recursion guard): on start-up and whenever a thread takes the state up.
void vm_note_stack(void);
// The builtins dict and sys.modules.
// Set by SIGINT (to VM_INTERRUPT_SIGINT); the VM raises KeyboardInterrupt at
// the next safe point. A host's execution budget sets VM_INTERRUPT_BUDGET:
// then every safe point raises RuntimeError until the host clears it.
enum { VM_INTERRUPT_SIGINT = 1, VM_INTERRUPT_BUDGET = 2 };
// Raises the exception for the pending interrupt (clears a SIGINT one).
void vm_raise_interrupt(void);
#endif
