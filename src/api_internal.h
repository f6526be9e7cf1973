// api_internal.h: what the files of the embedding API (src/api*.c)
// share: the state behind a pyish_State *, the handle list,
// entering and leaving a state around every API function, and turning the
// VM's pending exception into the state's error.
#ifndef PYISH_API_INTERNAL_H
#define PYISH_API_INTERNAL_H
#define PYISH_BUILDING 1
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include "pyish.h"
#include "object.h"
#include "state.h"
#include "asyncio/asyncio.h"

// A handle: one GC root, on its state's doubly linked list.
struct pyish_Value {
    Value v;
    pyish_Value *prev, *next;
};

struct pyish_State {
    pyish_Config cfg;
    State *st;                  // the runtime (runtime/state.h)
    State *prev_st;             // the state current before the outermost entry
    volatile sig_atomic_t *intr; // the VM's interrupt flag of this state
    pyish_Value handles;        // list sentinel
    size_t nhandles;
    Value error;                // the exception pending for the host, or VAL_NULL
    char *err_type, *err_msg, *err_tb; // its texts, made when asked for
    ObjClass *cfunc_class;      // holder of a C function's pointer and userdata
    ObjClass *stream_class;     // sys.stdout/stderr writing to cfg.write
    ObjLoop *loop;              // the loop tasks and futures of the host use
    int depth;                  // nested API entries on this state
    double budget;              // CPU seconds per outermost entry (0: none)
    volatile sig_atomic_t budget_hits; // expiries of the budget timer this entry
    bool timer_armed;
    bool collect_on_leave;      // a MemoryError happened: collect when leaving
    timer_t timer;
};

// Makes [S] current for one API function (nesting allowed); api_leave undoes it.
void api_enter(pyish_State *S);
void api_leave(pyish_State *S);
// The state the current thread runs (NULL outside API calls).
pyish_State *api_current(void);
// A new handle of [v]; NULL with MemoryError when malloc fails or v is VAL_NULL
// (then the VM's pending exception becomes the state's error).
pyish_Value *api_handle(pyish_State *S, Value v);
// Moves the VM's pending exception (SystemError if none) to the state's
// error; returns PYISH_ERROR.
int api_fail(pyish_State *S);
// Raises the state's error in the VM (for C functions returning NULL).
void api_reraise(pyish_State *S);
// The class of the holders of C functions (api_cfunc.c).
ObjClass *api_cfunc_class(void);
// The builtin class named [name] (NULL if none).
ObjClass *api_builtin_class(const char *name);
// The value of a handle, VAL_NULL for NULL.
static inline Value api_val(pyish_Value *h) {
    return h ? h->v : VAL_NULL;
}
// The end of an API function returning a handle: a new handle of [r], or
// NULL with the pending exception moved to the state's error; leaves [S].
static inline pyish_Value *api_result(pyish_State *S, Value r) {
    pyish_Value *h = api_handle(S, r);
    api_leave(S);
    return h;
}
#endif
