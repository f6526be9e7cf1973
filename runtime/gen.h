// gen.h: generator, coroutine and async generator objects (gen.c). Each
// owns the heap frame made when its function was called; the VM runs and
// resumes it (gen_send, gen_throw, gen_close: vmapi.h), this side holds the
// objects, their methods, reprs and attributes and what happens when one is
// collected or still suspended at exit.
#ifndef PYISH_GEN_H
#define PYISH_GEN_H
#include "object.h"
#include "func.h"

// GEN_CHAINED: a delegating generator in the middle of a recorded
// yield-from chain (vm.c); its state is its chain head's (SUSPENDED or
// RUNNING), found through [inner], which points at that head. A resume or a
// suspension of the chain then costs nothing per level (DESIGN §3).
enum { GEN_CREATED, GEN_SUSPENDED, GEN_RUNNING, GEN_CLOSED, GEN_CHAINED };

struct ObjGen {
    // the state and flags live in the header's own bytes: 72 bytes in all
    OBJ_HEADER_OWN(
        uint8_t state;          // GEN_*
        bool yield_kind : 1;    // last suspension: 0 = its own yield, 1 = a delegate's (await)
        bool awaited : 1;       // a coroutine that was ever started or awaited
        bool warned : 1;
        bool running_async : 1; // an async generator with an asend/athrow/aclose in progress
        bool in_chain : 1;      // below the head of a recorded yield-from chain (vm.c):
                                // resuming it directly may break that chain
        bool owned : 1;         // iterated by `for x in gen(...)` straight from the call:
                                // an exception that discards the loop closes it (vm.c)
        bool chain_one : 1;     // the recorded chain is chain1 (a task awaiting a coroutine
                                // that awaits a future: 16 bytes less than an array of one)
    );
    Frame *frame;           // owned (opaque here, src/vm.h); NULL once closed
    Obj *names;             // __qualname__ (an ObjStr, in reprs), or a tuple (__name__,
                            // __qualname__) when the name is not the qualname's last
                            // part (the function's was set, or either was): gen_qualname
    Value yf;               // the delegate while suspended in yield from/await; once
                            // finished (frame freed), the code object (gi_code, gen_code)
    ObjGen *inner;          // innermost generator of its suspended yield-from chain (fast
                            // resume); GEN_CHAINED: the chain's head. Marked by the GC
    union {
        // GEN_CREATED (never ran): the line it was made at (never-awaited
        // warning); once it ran, gen_epoch when [inner] was recorded (vm.c)
        int32_t created_line;
        uint32_t inner_epoch;
    };
    uint32_t inner_depth;   // frames between [inner] and this one
    union {
        ObjGen **chain;     // the generators of that chain below this one,
                            // innermost first ([inner_depth] of them; gen.c
                            // keeps the array's capacity in the slot before)
        ObjGen *chain1;     // chain_one: the chain's one generator, no array
    };
    Obj *created;           // where a coroutine object was made (never-awaited warning):
                            // its file (a str), or (file, cr_origin) when origin tracking
                            // was on (asyncio debug mode; gen_created_file, gen_origin)
};

void gen_init(void);
// [g]'s state, GEN_CHAINED resolved (never returns GEN_CHAINED).
static inline int gen_state(const ObjGen *g) {
    return g->state == GEN_CHAINED ? g->inner->state : g->state;
}
// [g]'s __qualname__ (settable, as __name__; the function's when called).
ObjStr *gen_qualname(ObjGen *g);
// Sets [g]'s names from [func]'s (gen_new).
void gen_set_names(ObjGen *g, ObjFunction *func);
// [g]'s code object, also once it finished (gi_code); NULL if it was freed
// some other way.
ObjCode *gen_code(ObjGen *g);
// Gives every member of the chain [g] belongs to (as head or member) its
// own state again: before the chain is resumed or thrown into piecewise.
void gen_unchain(ObjGen *g);
// coro_wrapper.c: the iterator coroutine.__await__() returns, over [coro].
void coro_wrapper_init(void);
Value coro_wrapper_new(Value coro);
// The coroutine of a coroutine_wrapper [v], VAL_NULL when [v] is none.
Value coro_wrapper_coro(Value v);
// At exit: never-awaited warnings, then cleanup of suspended generators.
void gen_exit_warnings(void);
bool gen_is_gen(Value v);
// Closes a generator an exception dropped (as CPython's refcounting would);
// a failure is reported as "Exception ignored in: ...", the pending
// exception state is kept.
void gen_close_dropped(ObjGen *g);
// [head]'s chain array with room for [n] generators (vm.c records a
// yield-from chain there).
ObjGen **gen_chain_room(ObjGen *head, uint32_t n);
// The exception throw(type[, value[, tb]]) means, or VAL_NULL + TypeError.
Value gen_make_throw_exc(int argc, Value *argv);
// An async generator's __anext__(): the awaitable of its next item.
Value gen_agen_anext(Value agen);
// The file a coroutine was made in (NULL if unknown), and its cr_origin
// (VAL_NULL when origin tracking was off).
ObjStr *gen_created_file(ObjGen *g);
Value gen_origin(ObjGen *g);
// The line [g] is suspended at (its first line before it started), 0 when closed.
int gen_line(ObjGen *g);
_Static_assert(sizeof(ObjGen) <= 72, "ObjGen fits the 72-byte size class");
#endif
