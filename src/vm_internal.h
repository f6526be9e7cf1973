// vm_internal.h: what the VM's own files (vm.c, vm_call.c, vm_args.c,
// vm_gen.c) share and nothing else includes: the C recursion bound, the
// frame stack's chunks with the hot frame allocation and release (static
// inline so that the dispatch loop can inline them), the freeing of a
// finished generator's frame, and the entry points one VM file calls in
// another (vm_run, make_call_frame, link_resume).
#ifndef PYISH_VM_INTERNAL_H
#define PYISH_VM_INTERNAL_H
#include <stdlib.h>
#include "vm.h"
#include "gc.h"
#include "runtime.h"

#define C_DEPTH_LIMIT 20000

// True when the C stack is nearly used up: C_DEPTH_LIMIT assumes pyish's own
// 1 GiB interpreter thread, a host's thread (or a fuzzer's) may have 8 MiB.
static inline bool c_stack_low(void) {
    char here;
    return ST->c_stack_floor && &here < ST->c_stack_floor;
}

// ---- the frame stack: frames of ordinary calls, allocated LIFO in chunks
typedef struct VmChunk {
    struct VmChunk *prev;
    size_t size, used;
    _Alignas(16) char data[];
} Chunk;

// Starts a new frame-stack chunk with room for [size] bytes (the slow path
// of frame_alloc, out of line so that the dispatch loop stays small).
Chunk *frame_chunk_grow(size_t size);

// Fills [code]'s frame_size, nvars, simple_args and simple_call (func.h).
void code_frame_geometry(ObjCode *code);

// A frame for [code], on the frame stack or (a generator's) on the heap,
// whose first [argc] variables are [args] and the others unbound.
static inline Frame *frame_alloc_args(ObjCode *code, bool heap, const Value *args, int argc) {
    if (__builtin_expect(!code->frame_size, 0)) {
        code_frame_geometry(code);
    }
    size_t size = code->frame_size;
    Frame *f;
    if (heap) {
        f = mem_alloc(size);
    } else {
        Chunk *c = ST->chunk;
        if (__builtin_expect(!c || c->used + size > c->size, 0)) {
            c = frame_chunk_grow(size);
        }
        f = (Frame *)(c->data + c->used);
        c->used += size;
    }
    // every field (of the block stack only nblocks entries are meaningful)
    f->code = code;
    f->func = VAL_NULL;
    f->globals = NULL;
    f->locals_dict = NULL;
    f->ip = code->code;
    f->parent = NULL;
    f->gen = NULL;
    f->handled = VAL_NULL;
    f->ret_target = 0;
    f->link = LINK_NONE;
    f->is_entry = false;
    f->on_heap = heap;
    f->nblocks = 0;
    size_t i = 0, nvars = code->nvars;
    for (; i < (size_t)argc; i++) {
        f->slots[i] = args[i];
    }
    for (; i < nvars; i++) {
        f->slots[i] = VAL_NULL;
    }
    f->sp = f->slots + nvars;
    return f;
}

static inline Frame *frame_alloc(ObjCode *code, bool heap) {
    return frame_alloc_args(code, heap, NULL, 0);
}

static inline void frame_release(Frame *f) {
    if (f->on_heap) {
        return;     // owned by its generator
    }
    ST->chunk->used -= f->code->frame_size;
    if (ST->chunk->used == 0 && ST->chunk->prev) {
        Chunk *c = ST->chunk;
        ST->chunk = c->prev;
        if (ST->spare_chunk) {
            free(ST->spare_chunk);
        }
        ST->spare_chunk = c;
    }
}

static inline void gen_finished(ObjGen *g) {
    ST->gen_epoch++;
    g->state = GEN_CLOSED;
    g->yf = VAL_NULL;
    Frame *f = g->frame;
    g->frame = NULL;
    if (f) {
        g->yf = OBJ_VAL(f->code);   // gi_code outlives the frame (gen.h)
        mem_free(f, f->code->frame_size);
    }
    if (g->chain_one || !g->chain) {
        // its finalizer has nothing left to do (no frame, no chain array):
        // leave the collector's list when that is O(1), as for a generator
        // made, run and finished by the latest call (perf: coroutines_bm)
        if (ST->fast_head == g) {
            ST->fast_head = ST->fast_inner = NULL;
        }
        gc_unhook_last(&g->hdr);
    }
}

// Runs [entry] (an entry frame, parent = the frame C called in from) and
// every frame it calls or resumes, until [entry] returns, yields or raises;
// [*status] = GEN_RETURNED, GEN_YIELDED or GEN_RAISED. A non-null
// [throw_exc] is raised at the frame's current instruction first (vm.c).
Value vm_run(Frame *entry, int *status, Value throw_exc);
// Makes the frame for calling [f]; heap-allocated for generators
// (vm_args.c).
Frame *make_call_frame(ObjFunction *f, Value *args, int argc, ObjTuple *kwnames,
                       Value *kwvalues, int nkw, bool heap);
// Resumes generator [g] with [v] from the running loop: links its frame
// above [parent] ([link] says how its return continues the parent, at
// [target]) and returns the frame to run next (see resume_target); NULL
// with an exception pending if it cannot run (vm_gen.c).
Frame *link_resume(ObjGen *g, Value v, Frame *parent, uint8_t link, uint32_t target);
// The fast-resumed chain's bookkeeping (vm_gen.c): its running member
// returned into [parent]; frame [f] linked by SEND yields (the head's frame
// to suspend, or NULL when [f] is not in that chain).
void fast_chain_returned(Frame *parent);
Frame *fast_chain_suspend(Frame *f);

// The tracing hooks (trace.c): before each instruction while a trace or
// profile function is set (false: an exception is raised, at that
// instruction); when an exception is raised in or passes through [frame]
// (returns the exception to go on with: a failing hook's replaces it); when
// it leaves [frame].
// vm_trace_instr's result: TRACE_JUMPED (with ST->trace.jumped set, which
// the loop clears) when the trace function moved the frame (trace_jump.c):
// the loop reloads it and goes on at its new ip.
enum { TRACE_ERROR, TRACE_OK, TRACE_JUMPED };
int vm_trace_instr(Frame *frame, uint32_t instr, Value *sp);
Value vm_trace_exception(Frame *frame, Value exc);
Value vm_trace_unwind(Frame *frame, Value exc);
// The trace events (the event argument of a trace or profile function).
enum { EV_CALL, EV_LINE, EV_RETURN, EV_EXCEPTION, EV_C_CALL, EV_C_RETURN, EV_C_EXCEPTION, EV_OPCODE };
// A jump set at the 'return' event of [f]'s yield, taken now that it
// resumes (false: an exception is raised) (trace_jump.c).
struct ObjFrameSnap;
bool jump_resume(Frame *f, struct ObjFrameSnap *o);

// A consumer draining generator [gen] (gen_next_into, on its C stack):
// while it is ST->gen_sink, a YIELD_VALUE of gen's own frame offers the
// value to [take] and, when taken, goes on as if resumed with None. The
// consumer would only have stored the value and resumed at once, so
// nothing can tell: gen is running either way, and [take] runs no Python
// code. (perf: the resume from C per value, gen_next -> gen_send ->
// vm_run, was about a fifth of nqueens_gen's instructions.)
typedef struct GenSink {
    GenTakeFn take;
    void *ctx;
    ObjGen *gen;
    struct GenSink *prev;   // ST->gen_sink before this one (nested consumers)
} GenSink;
#endif
