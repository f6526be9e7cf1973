// gthread.h: green threads (gthread.c), the primitives under _thread.
#ifndef PYISH_GTHREAD_H
#define PYISH_GTHREAD_H
#include <stdbool.h>
#include "state.h"

typedef struct GThreads GThreads;

// Whether a thread other than the main one was started and is not reaped.
bool gthread_active(void);
// threading.get_ident() of the running thread.
int64_t gthread_ident(void);
// time.sleep in a thread: parks it and runs the others (a plain sleep
// when there are none). false: an exception is raised.
bool gthread_sleep(double seconds);
// The VM's safe point with VM_INTERRUPT_SWITCH armed (vm.c).
void gthread_tick(void);
// A signal arrived while a thread other than the main one runs: switches
// to the main thread, which handles it (as CPython runs handlers there).
// false: the running thread handles it.
bool gthread_defer_signal(void);
// Arms or disarms VM_INTERRUPT_SWITCH after other interrupts were handled.
void gthread_rearm(void);
// An event loop is about to wait: runs the other ready threads, then
// returns until when (clock_monotonic) it may block: now while another
// thread is ready, the earliest timed wait, or INFINITY.
double gthread_loop_idle(void);
// sys.getswitchinterval().
double gthread_interval(void);
// Frees the threads of [s] (state_free).
void gthread_state_free(State *s);
Value mod_gthread_init(void);
#endif
