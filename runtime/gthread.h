// gthread.h: green threads (gthread.c), the primitives under _thread.
#ifndef PYISH_GTHREAD_H
#define PYISH_GTHREAD_H
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
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
// poll(2) on [p] up to [timeout] seconds (< 0: no limit), in slices of at
// most 50 ms so Ctrl-C and signal handlers are seen, the other green
// threads running meanwhile (see wait_slice_ms): > 0 ready, 0 timed out,
// -1 an exception raised (OSError, or what a signal handler raised).
int gthread_poll(struct pollfd *p, nfds_t n, double timeout);
// Before a read that may block on [fp] / [fd] (a pipe, a tty): while other
// green threads exist, waits until it is ready ([events]), letting them run
// (a thread reading stdin or a pipe does not hold them all). false: an
// exception was raised meanwhile.
bool gthread_wait_file(FILE *fp);
bool gthread_wait_fd(int fd, short events);
// In a child of fork(): only the thread that forked goes on; the others
// are forgotten (their memory stays, as CPython's does), as in CPython.
void gthread_after_fork(void);
// sys.getswitchinterval().
double gthread_interval(void);
// Frees the threads of [s] (state_free).
void gthread_state_free(State *s);
Value mod_gthread_init(void);
#endif
