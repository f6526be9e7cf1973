// gthread.c: green threads, the C side of _thread (module `_gthread`).
// Every Python thread is a coroutine with its own C stack (an mmap'd stack
// with a guard page, entered with makecontext/swapcontext) inside one OS
// thread and one State; one runs at a time, like under CPython's GIL. A
// switch saves the running thread's per-execution fields of the State
// (frame chain, depths, frame-stack chunks, pending exception, GC temporary
// roots, repr set, context, running loop) in its GThread and loads the
// next one's. A thread gives up the CPU when it blocks (a lock's acquire,
// time.sleep), and at the VM's safe points once its switch interval
// (sys.setswitchinterval) is used up while another thread is ready or a
// timed wait may be due (VM_INTERRUPT_SWITCH is then armed). When every
// thread is blocked, the scheduler sleeps until the earliest deadline; if
// none has one, it prints a deadlock report and the main thread's wait
// raises RuntimeError. The collector marks what suspended threads hold.
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "vmapi.h"
#include "clock.h"
#include "gthread.h"

#if defined(__SANITIZE_ADDRESS__)
#define GT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GT_ASAN 1
#endif
#endif
#ifdef GT_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

enum { GT_READY, GT_RUNNING, GT_BLOCKED, GT_DONE };

#define GT_STACK ((size_t)8 << 20)      // reserved, touched pages only are real
#define GT_GUARD ((size_t)64 << 10)

typedef struct GThread {
    int64_t ident, native;
    int state;
    ucontext_t ctx;
    char *stack;                        // mmap'd (guard included); NULL: the main thread
    const void *asan_bottom;            // the stack ASan is told about
    size_t asan_size;
    void *asan_fake;
    // the State's per-execution fields while suspended
    Frame *frame;
    int vm_depth, c_depth, c_walk_depth;
    char *c_stack_floor;
    struct VmChunk *chunk, *spare_chunk;
    Value exc_pending;
    Value *temp_roots;
    int ntemp, captemp;
    Obj **repr_set;
    size_t repr_count, repr_cap;
    Value ctx_current;
    Value *ctx_slot;
    ObjLoop *running_loop;
    Value trace_func, trace_prof;       // its sys.settrace and sys.setprofile functions (src/trace.c)
    Frame *trace_last;
    bool trace_busy;
    // what it waits for
    Obj *waiting_on;                    // a lock, or NULL (sleeping)
    double deadline;                    // clock_monotonic(); < 0: none
    uint64_t wait_seq;
    double loop_next;                   // >= 0: idle in an event loop whose next timer is then
    bool woken;                         // the lock was handed over
    bool deadlocked;                    // its wait ends in RuntimeError
    Value fn, args, kwargs;
    Value sentinel;                     // _set_sentinel's lock, released when the thread ends
} GThread;

struct GThreads {
    GThread **all;                      // all[0] is the main thread
    int n, cap;
    GThread *cur;
    GThread *from;                      // the thread the last switch left
    uint64_t seq;
    int64_t started;
    double slice_start;
    unsigned ticks;
};

typedef struct ObjLock {
    Obj obj;
    bool locked;
    int64_t owner;                      // RLock: the owning ident
    int64_t count;                      // RLock: the recursion count
} ObjLock;

static ObjClass *lock_class(void);

double gthread_interval(void) {
    return ST->switch_interval > 0 ? ST->switch_interval : 0.005;
}

// ---- the thread table
static void mark_threads(void) {
    GThreads *g = ST->gt;
    if (!g) {
        return;
    }
    for (int i = 0; i < g->n; i++) {
        GThread *t = g->all[i];
        gc_mark_value(t->fn);
        gc_mark_value(t->args);
        gc_mark_value(t->kwargs);
        gc_mark_value(t->sentinel);
        gc_mark_value(t->trace_func);
        gc_mark_value(t->trace_prof);
        gc_mark_obj(t->waiting_on);
        if (t == g->cur || t->state == GT_DONE) {
            continue;
        }
        frame_mark_chain(t->frame);
        gc_mark_value(t->exc_pending);
        for (int k = 0; k < t->ntemp; k++) {
            gc_mark_value(t->temp_roots[k]);
        }
        for (size_t k = 0; k < t->repr_count; k++) {
            gc_mark_obj(t->repr_set[k]);
        }
        gc_mark_value(t->ctx_current);
        gc_mark_obj((Obj *)t->running_loop);
    }
}

static GThreads *threads(void) {
    if (!ST->gt) {
        GThreads *g = calloc(1, sizeof *g);
        GThread *m = calloc(1, sizeof *m);
        if (!g || !m) {
            abort();
        }
        m->ident = (int64_t)(uintptr_t)pthread_self();
        m->native = getpid();
        m->state = GT_RUNNING;
        m->deadline = -1;
        m->loop_next = -1;
#ifdef GT_ASAN
        pthread_attr_t attr;
        void *addr;
        size_t size;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
                m->asan_bottom = addr;
                m->asan_size = size;
            }
            pthread_attr_destroy(&attr);
        }
#endif
        g->cap = 8;
        g->all = malloc(sizeof(GThread *) * (size_t)g->cap);
        if (!g->all) {
            abort();
        }
        g->all[g->n++] = m;
        g->cur = m;
        ST->gt = g;
        gc_add_root_marker(mark_threads);
    }
    return ST->gt;
}

int64_t gthread_ident(void) {
    return ST->gt ? ST->gt->cur->ident : (int64_t)(uintptr_t)pthread_self();
}

static void save_state(GThread *t) {
    t->frame = ST->frame;
    t->vm_depth = ST->vm_depth;
    t->c_depth = ST->c_depth;
    t->c_walk_depth = ST->c_walk_depth;
    t->c_stack_floor = ST->c_stack_floor;
    t->chunk = ST->chunk;
    t->spare_chunk = ST->spare_chunk;
    t->exc_pending = ST->exc_pending;
    t->temp_roots = ST->gc.temp_roots;
    t->ntemp = ST->gc.ntemp;
    t->captemp = ST->gc.captemp;
    t->repr_set = ST->repr_set;
    t->repr_count = ST->repr_count;
    t->repr_cap = ST->repr_cap;
    t->ctx_current = ST->ctx_current;
    t->ctx_slot = ST->ctx_slot;
    t->running_loop = ST->running_loop;
    t->trace_func = ST->trace.func;
    t->trace_prof = ST->trace.prof;
    t->trace_last = ST->trace.last;
    t->trace_busy = ST->trace.busy;
}

static void load_state(GThread *t) {
    ST->frame = t->frame;
    ST->vm_depth = t->vm_depth;
    ST->c_depth = t->c_depth;
    ST->c_walk_depth = t->c_walk_depth;
    ST->c_stack_floor = t->c_stack_floor;
    ST->chunk = t->chunk;
    ST->spare_chunk = t->spare_chunk;
    ST->exc_pending = t->exc_pending;
    ST->gc.temp_roots = t->temp_roots;
    ST->gc.ntemp = t->ntemp;
    ST->gc.captemp = t->captemp;
    ST->repr_set = t->repr_set;
    ST->repr_count = t->repr_count;
    ST->repr_cap = t->repr_cap;
    ST->ctx_current = t->ctx_current;
    ST->ctx_slot = t->ctx_slot;
    ST->running_loop = t->running_loop;
    bool traced = ST->trace.func || ST->trace.prof;
    ST->trace.func = t->trace_func;
    ST->trace.prof = t->trace_prof;
    ST->trace.last = t->trace_last;
    ST->trace.busy = t->trace_busy;
    if (traced || t->trace_func || t->trace_prof) {
        vm_trace_switched();    // each thread has its own trace and profile functions
    }
    // the generators' fast resume chain belongs to the thread that left
    ST->gen_epoch++;
    ST->fast_head = ST->fast_inner = NULL;
    ST->gen_sink = NULL;      // (a record on the other thread's C stack)
}

static void free_thread(GThread *t) {
    for (struct VmChunk *c = t->chunk; c;) {
        struct VmChunk *prev = *(struct VmChunk **)c;  // the chunk's first field
        free(c);
        c = prev;
    }
    free(t->spare_chunk);
    free(t->temp_roots);
    free(t->repr_set);
    if (t->stack) {
        munmap(t->stack, GT_STACK);
    }
    free(t);
}

// Frees the finished threads (never the running one: its stack is in use).
static void reap(void) {
    GThreads *g = ST->gt;
    int j = 0;
    for (int i = 0; i < g->n; i++) {
        GThread *t = g->all[i];
        if (t->state == GT_DONE && t != g->cur) {
            free_thread(t);
        } else {
            g->all[j++] = t;
        }
    }
    g->n = j;
}

static bool want_switch_checks(GThreads *g) {
    for (int i = 0; i < g->n; i++) {
        GThread *t = g->all[i];
        if (t != g->cur && (t->state == GT_READY || (t->state == GT_BLOCKED && t->deadline >= 0))) {
            return true;
        }
    }
    return false;
}

// Arms VM_INTERRUPT_SWITCH when the running thread may have to give way.
void gthread_rearm(void) {
    GThreads *g = ST->gt;
    if (!g) {
        return;
    }
    int expected = want_switch_checks(g) ? 0 : VM_INTERRUPT_SWITCH;
    int desired = expected ? 0 : VM_INTERRUPT_SWITCH;
    __atomic_compare_exchange_n(&ST->interrupted, &expected, desired, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

static void finish_switch(void) {
#ifdef GT_ASAN
    GThreads *g = ST->gt;
    GThread *from = g->from;
    __sanitizer_finish_switch_fiber(g->cur->asan_fake, from ? &from->asan_bottom : NULL,
                                    from ? &from->asan_size : NULL);
#endif
}

static void switch_to(GThread *next) {
    GThreads *g = ST->gt;
    GThread *cur = g->cur;
    if (next->state == GT_READY) {
        next->state = GT_RUNNING;
    }
    g->slice_start = clock_real_monotonic();
    if (next == cur) {
        return;
    }
    save_state(cur);
    load_state(next);
    g->cur = next;
    g->from = cur;
#ifdef GT_ASAN
    __sanitizer_start_switch_fiber(cur->state == GT_DONE ? NULL : &cur->asan_fake, next->asan_bottom,
                                   next->asan_size);
#endif
    swapcontext(&cur->ctx, &next->ctx);
    finish_switch();
    reap();
    gthread_rearm();
}

// Marks the timed waits that are over as ready.
static void expire(double now) {
    GThreads *g = ST->gt;
    for (int i = 0; i < g->n; i++) {
        GThread *t = g->all[i];
        if (t->state == GT_BLOCKED && t->deadline >= 0 && t->deadline <= now) {
            t->state = GT_READY;
            t->woken = false;
        }
    }
}

static GThread *next_ready(void) {
    GThreads *g = ST->gt;
    int at = 0;
    for (int i = 0; i < g->n; i++) {
        if (g->all[i] == g->cur) {
            at = i;
        }
    }
    for (int k = 1; k <= g->n; k++) {
        GThread *t = g->all[(at + k) % g->n];
        if (t->state == GT_READY) {
            return t;
        }
    }
    return NULL;
}

static void report_deadlock(void) {
    GThreads *g = ST->gt;
    FILE *e = state_stderr();
    fprintf(e, "pyish: deadlock: every thread waits forever (a program that CPython would hang in):\n");
    for (int i = 0; i < g->n; i++) {
        GThread *t = g->all[i];
        if (t->state != GT_BLOCKED) {
            continue;
        }
        fprintf(e, "  thread %lld%s waits for a %s\n", (long long)t->ident, i == 0 ? " (main)" : "",
                t->waiting_on ? (t->waiting_on->cls == lock_class() ? "lock" : "RLock") : "wake-up");
    }
    fflush(e);
}

// A signal (Ctrl-C) is for the main thread: its wait ends early (park's
// caller then handles the interrupt, or waits again).
static void wake_main_for_signal(void) {
    int i = STATE_INTERRUPT();
    GThread *m = ST->gt->all[0];
    if (i && i != VM_INTERRUPT_SWITCH && m->state == GT_BLOCKED) {
        m->state = GT_READY;
        m->woken = false;
    }
}

// Every thread waits: sleeps [left] seconds (the virtual clock moves), or
// less when a signal comes.
static void idle_until(double left) {
    if (ST->clock_virtual) {
        clock_sleep_plain(left);
        return;
    }
    struct timespec ts;
    ts.tv_sec = (time_t)left;
    ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
    if (nanosleep(&ts, NULL) != 0 && errno == EINTR) {
        wake_main_for_signal();
    }
}

// Runs other threads until the running one (blocked, ready or done) may go
// on; returns in it (never, once it is done).
static void schedule(void) {
    GThreads *g = ST->gt;
    for (;;) {
        expire(clock_monotonic());
        GThread *next = next_ready();
        if (!next && g->cur->state == GT_RUNNING) {
            next = g->cur;
        }
        if (next) {
            switch_to(next);
            return;
        }
        double first = -1;
        for (int i = 0; i < g->n; i++) {
            GThread *t = g->all[i];
            if (t->state == GT_BLOCKED && t->deadline >= 0 && (first < 0 || t->deadline < first)) {
                first = t->deadline;
            }
        }
        if (first >= 0) {
            double left = first - clock_monotonic();
            if (left > 0) {
                idle_until(left);
            }
            continue;
        }
        GThread *m = g->all[0];
        if (m->state != GT_BLOCKED) {
            abort();    // the main thread is not done while others run
        }
        report_deadlock();
        m->state = GT_READY;
        m->deadlocked = true;
    }
}

// Parks the running thread on [lock] (NULL: a sleep) up to [timeout]
// seconds (< 0: forever). Returns 1 when the lock was handed over, 0 when
// the time ran out, -1 with an exception (deadlock, Ctrl-C).
static int park(Obj *lock, double timeout) {
    GThreads *g = threads();
    GThread *t = g->cur;
    t->waiting_on = lock;
    t->deadline = timeout < 0 ? -1 : clock_monotonic() + timeout;
    t->wait_seq = ++g->seq;
    t->woken = false;
    t->deadlocked = false;
    t->state = GT_BLOCKED;
    schedule();
    t->waiting_on = NULL;
    t->deadline = -1;
    if (t->deadlocked) {
        t->deadlocked = false;
        exc_raise(exc_RuntimeError, "deadlock: every thread waits forever");
        return -1;
    }
    if (!t->woken && STATE_INTERRUPT() && vm_raise_interrupt()) {
        return -1;
    }
    return t->woken;
}

void gthread_after_fork(void) {
    GThreads *g = ST->gt;
    if (!g || g->n <= 1) {
        return;
    }
    g->all[0] = g->cur;
    g->n = 1;
    g->from = NULL;
    g->cur->state = GT_RUNNING;
    g->cur->native = getpid();
    gthread_rearm();
}

bool gthread_active(void) {
    return ST->gt && ST->gt->n > 1;
}

bool gthread_sleep(double seconds) {
    if (!gthread_active()) {
        return clock_sleep_plain(seconds);
    }
    if (seconds <= 0) {
        ST->gt->cur->state = GT_READY;
        schedule();
        return true;
    }
    double end = clock_monotonic() + seconds;
    for (;;) {
        if (park(NULL, seconds) < 0) {
            return false;
        }
        seconds = end - clock_monotonic();
        if (seconds <= 0) {
            return true;
        }
    }
}

double gthread_loop_idle(double loop_next) {
    GThreads *g = ST->gt;
    g->cur->state = GT_READY;
    g->cur->loop_next = loop_next;
    schedule();
    g->cur->loop_next = -1;
    double until = INFINITY;
    for (int i = 0; i < g->n; i++) {
        GThread *t = g->all[i];
        if (t == g->cur) {
            continue;
        }
        if (t->state == GT_READY) {
            return clock_monotonic();
        }
        if (t->state == GT_BLOCKED && t->deadline >= 0 && t->deadline < until) {
            until = t->deadline;
        }
    }
    return until;
}

double gthread_loop_next(void) {
    GThreads *g = ST->gt;
    double next = INFINITY;
    for (int i = 0; g && i < g->n; i++) {
        GThread *t = g->all[i];
        if (t != g->cur && t->state == GT_READY && t->loop_next >= 0 && t->loop_next < next) {
            next = t->loop_next;
        }
    }
    return next;
}

// The next slice of a wait that ends at [end] ([timeout] < 0: never), in
// ms: at most 50 so Ctrl-C and signal handlers are seen. While other green
// threads exist they run first (a thread blocked in select does not stop
// the others), and the slice ends when one of them may run again; when
// they gave the CPU back at once (they wait too, in select or an event
// loop), the slice blocks a little, 1 ms doubling up to 8 ms in *idle, or
// until an idle event loop's next timer, rather than the threads passing
// the CPU to each other in a busy loop.
// *last: the timeout is over (this slice polls without waiting).
static int wait_slice_ms(double timeout, double end, bool *last, int *idle) {
    int ms = 50;
    *last = false;
    if (timeout >= 0) {
        double left = end - clock_monotonic();
        if (left <= 0) {
            *last = true;
            return 0;
        }
        if (left < 0.05) {
            ms = (int)ceil(left * 1000.0);
        }
    }
    if (gthread_active()) {
        double t0 = clock_real_monotonic();
        double left = gthread_loop_idle(-1) - clock_monotonic();
        if (left > 0) {
            *idle = 0;
            if (left * 1000.0 < ms) {
                ms = (int)ceil(left * 1000.0);
            }
        } else if (clock_real_monotonic() - t0 < 0.0002) {
            *idle = *idle ? (*idle < 8 ? *idle * 2 : 8) : 1;
            ms = *idle < ms ? *idle : ms;
            double loop_left = gthread_loop_next() - clock_monotonic();   // an idle event loop's timer
            if (loop_left * 1000.0 < ms) {
                ms = loop_left <= 0 ? 0 : (int)ceil(loop_left * 1000.0);
            }
        } else {
            *idle = 0;
            ms = 0;
        }
    }
    return ms;
}

int gthread_poll(struct pollfd *p, nfds_t n, double timeout) {
    double end = timeout >= 0 ? clock_monotonic() + timeout : 0;
    int idle = 0;
    for (;;) {
        bool last;
        int ms = wait_slice_ms(timeout, end, &last, &idle);
        double t0 = clock_real_monotonic();
        int r = poll(p, n, ms);
        clock_waited_since(t0);
        if (r < 0 && errno != EINTR) {
            exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
            return -1;
        }
        if (STATE_INTERRUPT() && vm_raise_interrupt()) {
            return -1;
        }
        if (r > 0 || (r == 0 && last)) {
            return r;
        }
    }
}

bool gthread_wait_file(FILE *fp) {
    if (!gthread_active()) {
        return true;
    }
#ifdef __GLIBC__
    if (fp->_IO_read_ptr < fp->_IO_read_end) {
        return true;    // stdio holds data already: no read(2) waits
    }
#endif
    return fileno(fp) < 0 || gthread_wait_fd(fileno(fp), POLLIN);
}

bool gthread_wait_fd(int fd, short events) {
    struct pollfd p = {.fd = fd, .events = events};
    return !gthread_active() || gthread_poll(&p, 1, -1) >= 0;
}

// The VM's safe point with VM_INTERRUPT_SWITCH armed: gives way to the
// next ready thread once the switch interval is used up.
bool gthread_defer_signal(void) {
    GThreads *g = ST->gt;
    int i = STATE_INTERRUPT();
    if (!g || g->cur == g->all[0] || (i != VM_INTERRUPT_SIGINT && i != VM_INTERRUPT_SIGNAL)) {
        return false;
    }
    GThread *m = g->all[0];
    if (m->state == GT_BLOCKED) {
        m->state = GT_READY;
        m->woken = false;
    }
    if (m->state != GT_READY) {
        return false;
    }
    g->cur->state = GT_READY;
    switch_to(m);
    return true;
}

void gthread_tick(void) {
    GThreads *g = ST->gt;
    if (!g || (++g->ticks & 31)) {
        return;
    }
    double now = clock_real_monotonic();
    if (now - g->slice_start < gthread_interval()) {
        return;
    }
    if (!next_ready()) {
        // a busy thread waits for a timed one: on the virtual clock, the
        // slice's real time passes too (it moves only when all sleep otherwise)
        clock_waited_since(g->slice_start);
    }
    expire(clock_monotonic());
    g->slice_start = now;
    if (next_ready()) {
        g->cur->state = GT_READY;
        schedule();
    }
    gthread_rearm();
}

// ---- locks
static ObjClass *lock_class(void) {
    return ST->cls_thread_lock;
}

static ObjLock *as_lock(Value v) {
    return (ObjLock *)AS_OBJ(v);
}

// Hands [l] to its longest waiting thread, if any.
static bool hand_over(ObjLock *l) {
    GThreads *g = ST->gt;
    if (!g) {
        return false;
    }
    GThread *best = NULL;
    for (int i = 0; i < g->n; i++) {
        GThread *t = g->all[i];
        if (t->state == GT_BLOCKED && t->waiting_on == &l->obj && (!best || t->wait_seq < best->wait_seq)) {
            best = t;
        }
    }
    if (!best) {
        return false;
    }
    best->state = GT_READY;
    best->woken = true;
    l->owner = best->ident;
    l->count = 1;
    gthread_rearm();
    return true;
}

static bool parse_acquire(int argc, Value *argv, ObjDict *kw, bool *blocking, double *timeout) {
    Value b = argc > 1 ? argv[1] : VAL_NULL, t = argc > 2 ? argv[2] : VAL_NULL;
    if (argc > 3) {
        exc_raise(exc_TypeError, "acquire() takes at most 2 arguments (%d given)", argc - 1);
        return false;
    }
    if (kw) {
        Value v = dict_get_str(kw, str_intern_c("blocking"));
        if (v) {
            b = v;
        }
        v = dict_get_str(kw, str_intern_c("timeout"));
        if (v) {
            t = v;
        }
    }
    *blocking = true;
    if (b) {
        int r = obj_truthy(b);
        if (r < 0) {
            return false;
        }
        *blocking = r;
    }
    *timeout = -1;
    if (t && t != VAL_NONE) {
        if (!val_to_double(t, timeout)) {
            return false;
        }
        if (!*blocking && *timeout != -1) {
            exc_raise(exc_ValueError, "can't specify a timeout for a non-blocking call");
            return false;
        }
        if (*timeout < 0 && *timeout != -1) {
            exc_raise(exc_ValueError, "timeout value must be a non-negative number");
            return false;
        }
        if (*timeout > 9223372036.0) {
            exc_raise(exc_OverflowError, "timeout value is too large");
            return false;
        }
    }
    return true;
}

static bool is_rlock(ObjLock *l) {
    return l->obj.cls != lock_class();
}

static Value lock_acquire(int argc, Value *argv, ObjDict *kw) {
    ObjLock *l = as_lock(argv[0]);
    bool blocking;
    double timeout;
    if (!parse_acquire(argc, argv, kw, &blocking, &timeout)) {
        return VAL_NULL;
    }
    int64_t me = gthread_ident();
    if (is_rlock(l) && l->locked && l->owner == me) {
        l->count++;
        return VAL_TRUE;
    }
    if (!l->locked) {
        l->locked = true;
        l->owner = me;
        l->count = 1;
        return VAL_TRUE;
    }
    if (!blocking) {
        return VAL_FALSE;
    }
    if (__builtin_expect(ST->aio_debug_running, 0) && tb_caller_is_user(0)) {
        // asyncio's debug mode reports an acquire that would block in a task
        ST->aio_blocking_hook(is_rlock(l) ? "threading.RLock.acquire()" : "threading.Lock.acquire()", VAL_NULL,
                              "use asyncio.Lock, or await asyncio.to_thread() for thread work");
    }
    if (timeout == 0) {
        return VAL_FALSE;
    }
    if (!gthread_active()) {
        // no other thread could ever release it
        if (timeout > 0) {
            if (!clock_sleep_plain(timeout)) {
                return VAL_NULL;
            }
            return VAL_FALSE;
        }
        threads();
    }
    gc_push_root(argv[0]);
    double end = timeout < 0 ? -1 : clock_monotonic() + timeout;
    int r;
    for (;;) {
        double left = end < 0 ? -1 : end - clock_monotonic();
        r = park(&l->obj, left < 0 && end >= 0 ? 0 : left);
        if (r != 0 || (end >= 0 && clock_monotonic() >= end)) {
            break;
        }
        if (!l->locked) {     // woken by a signal whose handler returned: try again
            l->locked = true;
            l->owner = gthread_ident();
            l->count = 1;
            r = 1;
            break;
        }
    }
    gc_pop_root(1);
    if (r < 0) {
        return VAL_NULL;
    }
    return VAL_BOOL(r);
}

static Value lock_release(int argc, Value *argv, ObjDict *kw) {
    ObjLock *l = as_lock(argv[0]);
    if (is_rlock(l)) {
        if (!l->locked || l->owner != gthread_ident()) {
            return exc_raise(exc_RuntimeError, "cannot release un-acquired lock");
        }
        if (--l->count > 0) {
            return VAL_NONE;
        }
    } else if (!l->locked) {
        return exc_raise(exc_RuntimeError, "release unlocked lock");
    }
    if (!hand_over(l)) {
        l->locked = false;
        l->owner = 0;
        l->count = 0;
    }
    return VAL_NONE;
}

static Value lock_exit(int argc, Value *argv, ObjDict *kw) {
    return lock_release(1, argv, NULL);
}

static Value lock_enter(int argc, Value *argv, ObjDict *kw) {
    return lock_acquire(1, argv, NULL);
}

static Value lock_locked(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(as_lock(argv[0])->locked);
}

static Value lock_at_fork_reinit(int argc, Value *argv, ObjDict *kw) {
    ObjLock *l = as_lock(argv[0]);
    l->locked = false;
    l->owner = l->count = 0;
    return VAL_NONE;
}

static Value lock_repr(Value self) {
    ObjLock *l = as_lock(self);
    if (is_rlock(l)) {
        return str_printf("<%s %s.%s object owner=%lld count=%lld at %p>", l->locked ? "locked" : "unlocked",
                          "_thread", "RLock", (long long)(l->locked ? l->owner : 0),
                          (long long)(l->locked ? l->count : 0), (void *)l);
    }
    return str_printf("<%s _thread.lock object at %p>", l->locked ? "locked" : "unlocked", (void *)l);
}

// RLock's helpers for Condition (threading.py's _is_owned, _release_save,
// _acquire_restore).
static Value rlock_is_owned(int argc, Value *argv, ObjDict *kw) {
    ObjLock *l = as_lock(argv[0]);
    return VAL_BOOL(l->locked && l->owner == gthread_ident());
}

static Value rlock_release_save(int argc, Value *argv, ObjDict *kw) {
    ObjLock *l = as_lock(argv[0]);
    if (!l->locked || l->count == 0) {
        return exc_raise(exc_RuntimeError, "cannot release un-acquired lock");
    }
    Value t = tuple_new(2);
    if (!t) {
        return VAL_NULL;
    }
    AS_TUPLE(t)->items[0] = int_from_i64(l->count);
    AS_TUPLE(t)->items[1] = int_from_i64(l->owner);
    if (!hand_over(l)) {
        l->locked = false;
        l->owner = l->count = 0;
    }
    return t;
}

static Value rlock_acquire_restore(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2 || !IS_TUPLE(argv[1]) || AS_TUPLE(argv[1])->len != 2) {
        return exc_raise(exc_TypeError, "_acquire_restore() argument must be a (count, owner) tuple");
    }
    int64_t count, owner;
    if (!int_to_i64(AS_TUPLE(argv[1])->items[0], &count) || !int_to_i64(AS_TUPLE(argv[1])->items[1], &owner)) {
        return VAL_NULL;
    }
    Value r = lock_acquire(1, argv, NULL);
    if (!r) {
        return VAL_NULL;
    }
    ObjLock *l = as_lock(argv[0]);
    l->owner = owner;
    l->count = count;
    return VAL_NONE;
}

static Value rlock_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    ObjLock *l = (ObjLock *)obj_alloc(cls, sizeof(ObjLock));
    return OBJ_VAL(l);
}

static Value lock_reduce(int argc, Value *argv, ObjDict *kw) {
    return exc_raise(exc_TypeError, "cannot pickle '_thread.%s' object", is_rlock(as_lock(argv[0])) ? "RLock" : "lock");
}

static const MethodDef lock_methods[] = {
    {"acquire", lock_acquire, true},
    {"acquire_lock", lock_acquire, true},
    {"release", lock_release},
    {"release_lock", lock_release},
    {"locked", lock_locked},
    {"locked_lock", lock_locked},
    {"__enter__", lock_enter},
    {"__exit__", lock_exit},
    {"_at_fork_reinit", lock_at_fork_reinit},
    {"__reduce_ex__", lock_reduce},
    {NULL, NULL},
};

static const MethodDef rlock_methods[] = {
    {"acquire", lock_acquire, true},
    {"release", lock_release},
    {"__enter__", lock_enter},
    {"__exit__", lock_exit},
    {"_is_owned", rlock_is_owned},
    {"_release_save", rlock_release_save},
    {"_acquire_restore", rlock_acquire_restore},
    {"_at_fork_reinit", lock_at_fork_reinit},
    {"__reduce_ex__", lock_reduce},
    {NULL, NULL},
};

// ---- threads
static void thread_main(void) {
    finish_switch();
    reap();
    gthread_rearm();
    GThread *t = ST->gt->cur;
    ObjDict *kw = t->kwargs && IS_DICT(t->kwargs) ? AS_DICT(t->kwargs) : NULL;
    ObjTuple *a = AS_TUPLE(t->args);
    Value r = vm_call(t->fn, (int)a->len, a->items, kw);
    if (!r) {
        Value e = exc_take();
        if (!exc_matches(e, OBJ_VAL(exc_SystemExit))) {
            gc_push_root(e);
            Value fr = obj_repr(t->fn);
            FILE *err = state_stderr();
            fprintf(err, "Exception ignored in thread started by: %s\n", fr && IS_STR(fr) ? AS_STR(fr)->data : "?");
            if (!fr) {
                exc_clear();
            }
            tb_print_unraisable(e);
            fflush(err);
            gc_pop_root(1);
        }
    }
    t->fn = t->args = t->kwargs = VAL_NULL;
    if (t->sentinel) {
        ObjLock *l = as_lock(t->sentinel);
        if (l->locked && !hand_over(l)) {
            l->locked = false;
        }
        t->sentinel = VAL_NULL;
    }
    t->state = GT_DONE;
    schedule();
    abort();    // a finished thread is never switched to
}

static Value gt_start(int argc, Value *argv, ObjDict *kw) {
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, "start_new_thread expected at least 2 arguments, got %d", argc);
    }
    if (!IS_TUPLE(argv[1])) {
        return exc_raise(exc_TypeError, "2nd arg must be a tuple");
    }
    if (argc == 3 && !IS_DICT(argv[2])) {
        return exc_raise(exc_TypeError, "optional 3rd arg must be a dictionary");
    }
    GThreads *g = threads();
    GThread *t = calloc(1, sizeof *t);
    if (!t) {
        return exc_raise_nomem();
    }
    t->stack = mmap(NULL, GT_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                    -1, 0);
    if (t->stack == MAP_FAILED) {
        free(t);
        return exc_raise(exc_RuntimeError, "can't start new thread");
    }
    mprotect(t->stack, GT_GUARD, PROT_NONE);     // stacks grow down: the guard is at the bottom
    if (g->n == g->cap) {
        GThread **na = realloc(g->all, sizeof(GThread *) * (size_t)g->cap * 2);
        if (!na) {
            munmap(t->stack, GT_STACK);
            free(t);
            return exc_raise_nomem();
        }
        g->all = na;
        g->cap *= 2;
    }
    getcontext(&t->ctx);
    t->ctx.uc_stack.ss_sp = t->stack + GT_GUARD;
    t->ctx.uc_stack.ss_size = GT_STACK - GT_GUARD;
    t->ctx.uc_link = NULL;
    makecontext(&t->ctx, thread_main, 0);
    t->asan_bottom = t->stack + GT_GUARD;
    t->asan_size = GT_STACK - GT_GUARD;
    ++g->started;
    t->ident = g->all[0]->ident + g->started * 0x800000;     // unique (an ended thread's is not reused)
    t->native = getpid() + g->started;
    t->state = GT_READY;
    t->deadline = -1;
    t->loop_next = -1;
    // the C stack check keeps a margin of 1/8 (as for OS threads)
    t->c_stack_floor = t->stack + GT_GUARD + (GT_STACK - GT_GUARD) / 8;
    t->fn = argv[0];
    t->args = argv[1];
    t->kwargs = argc == 3 ? argv[2] : VAL_NULL;
    t->ctx_current = context_new(AS_DICT(dict_new()));   // a new thread starts in an empty context
    g->all[g->n++] = t;
    gthread_rearm();
    return int_from_i64(t->ident);
}

static Value gt_get_ident(int argc, Value *argv, ObjDict *kw) {
    return int_from_i64(gthread_ident());
}

static Value gt_get_native_id(int argc, Value *argv, ObjDict *kw) {
    return int_from_i64(ST->gt ? ST->gt->cur->native : getpid());
}

static Value gt_count(int argc, Value *argv, ObjDict *kw) {
    int n = 0;
    for (int i = 1; ST->gt && i < ST->gt->n; i++) {
        n += ST->gt->all[i]->state != GT_DONE;
    }
    return MK_SMALL(n);
}

static Value gt_allocate_lock(int argc, Value *argv, ObjDict *kw) {
    return OBJ_VAL(obj_alloc(lock_class(), sizeof(ObjLock)));
}

// A new lock that is released when the running thread ends
// (threading's Thread._tstate_lock).
static Value gt_set_sentinel(int argc, Value *argv, ObjDict *kw) {
    Value v = OBJ_VAL(obj_alloc(lock_class(), sizeof(ObjLock)));
    threads()->cur->sentinel = v;
    return v;
}

static Value gt_yield(int argc, Value *argv, ObjDict *kw) {
    if (gthread_active()) {
        ST->gt->cur->state = GT_READY;
        schedule();
    }
    return VAL_NONE;
}

static const MethodDef gt_fns[] = {
    {"start_new_thread", gt_start},
    {"get_ident", gt_get_ident},
    {"get_native_id", gt_get_native_id},
    {"_count", gt_count},
    {"allocate_lock", gt_allocate_lock},
    {"_yield", gt_yield},
    {"_set_sentinel", gt_set_sentinel},
    {NULL, NULL},
};

Value mod_gthread_init(void) {
    Value m = module_new("_gthread");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    if (!ST->cls_thread_lock) {
        ST->cls_thread_lock = class_new_builtin("lock", NULL, sizeof(ObjLock), lock_methods);
        ST->cls_thread_lock->module = str_intern_c("_thread");
        ST->cls_thread_lock->repr = lock_repr;
        ST->cls_thread_lock->new_ = NULL;
        ST->cls_thread_rlock = class_new_builtin("RLock", NULL, sizeof(ObjLock), rlock_methods);
        ST->cls_thread_rlock->module = str_intern_c("_thread");
        ST->cls_thread_rlock->repr = lock_repr;
        ST->cls_thread_rlock->new_ = rlock_new;
    }
    native_add_functions(d, "_gthread", gt_fns);
    dict_set_str(d, str_intern_c("LockType"), OBJ_VAL(ST->cls_thread_lock));
    dict_set_str(d, str_intern_c("RLock"), OBJ_VAL(ST->cls_thread_rlock));
    return m;
}

void gthread_state_free(State *s) {
    GThreads *g = s->gt;
    if (!g) {
        return;
    }
    for (int i = 1; i < g->n; i++) {
        if (g->all[i] != g->cur) {
            free_thread(g->all[i]);
        }
    }
    free(g->all[0] == g->cur ? g->all[0] : NULL);
    free(g->all);
    free(g);
    s->gt = NULL;
}
