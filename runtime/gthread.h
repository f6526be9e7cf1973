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
// An event loop (or a select) is about to wait: runs the other ready
// threads, then returns until when (clock_monotonic) it may block: now
// while another thread is ready, the earliest timed wait, or INFINITY.
// [loop_next]: an event loop's next timer, which gthread_loop_next reports
// to the others meanwhile; -1 from a select.
double gthread_loop_idle(double loop_next);
// The earliest next timer of the event loops that gave way in
// gthread_loop_idle and are ready again (INFINITY: none).
double gthread_loop_next(void);
// In a child of fork(): only the thread that forked goes on; the others
// are forgotten (their memory stays, as CPython's does), as in CPython.
void gthread_after_fork(void);
// sys.getswitchinterval().
double gthread_interval(void);
// Frees the threads of [s] (state_free).
void gthread_state_free(State *s);
Value mod_gthread_init(void);
#endif
