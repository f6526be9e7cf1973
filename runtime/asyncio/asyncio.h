// asyncio.h: the C core of asyncio shared by loop.c, future.c, task.c and
// module.c: the event loop (a ring buffer of ready items and a binary heap
// of timer handles), Future, Task, Handle and the lazy sleep awaitable.
// The pyish half of the module (combinators, queues, locks) lives in
// runtime/lib/asyncio.pyish and imports this part as `_asyncio`.
#ifndef PYISH_ASYNCIO_H
#define PYISH_ASYNCIO_H
#include "object.h"

typedef struct ObjLoop ObjLoop;

#define IO_NSIG SIG_NSIG

enum { FUT_PENDING, FUT_CANCELLED, FUT_FINISHED };

// Debug mode: how many of the user's frames a creation site keeps (CPython's
// constants.DEBUG_STACK_DEPTH).
enum { AIO_DEBUG_STACK_DEPTH = 10 };

typedef struct ObjFuture {
    // the state and flags live in the header's own bytes: 56 bytes in all
    OBJ_HEADER_OWN(
        uint8_t state;          // FUT_*
        bool log_tb : 1;        // an exception nobody retrieved yet
        bool blocking : 1;      // _asyncio_future_blocking
        bool is_task : 1;
        bool is_exc : 1;        // [value] is an exception (fut_exc)
        bool unhooked : 1;      // off the collector's finalizer-hook register until it
                                // has an exception to report (future_new, issue 11)
    );
    ObjDict *dict;          // instance attributes (subclasses, user attrs)
    ObjLoop *loop;
    Value value;            // FINISHED: the result, or the exception (is_exc); CANCELLED: the
                            // CancelledError to raise, if any (is_exc): one field, as they never coexist
    Value cb0;              // first done callback: a Task (wake it) or a callable
    ObjTuple *rare;         // NULL, or what few futures need (FUT_RARE_*): 16 bytes less
                            // in every future and task (issue 11); read through fut_cbs ...
} ObjFuture;

_Static_assert(sizeof(ObjFuture) <= 56, "ObjFuture fits the 56-byte size class");

// ObjFuture.rare's items, None when unset: further done callbacks (a
// list), future_add_to_awaited_by's waiters (graph.c: one, or a set),
// cancel(msg)'s message, a task's name (None: "Task-<num>" until get_name
// or set_name stores one: 8 bytes less in every task, issue 11).
enum { FUT_RARE_CBS, FUT_RARE_AWAITED_BY, FUT_RARE_CANCEL_MSG, FUT_RARE_NAME, FUT_RARE_N };

// Sets item [i] of [f]'s rare fields (made on first use).
void fut_set_rare(ObjFuture *f, int i, Value v);

// Done callbacks after the first, NULL when none.
static inline ObjList *fut_cbs(const ObjFuture *f) {
    Value v = f->rare ? f->rare->items[FUT_RARE_CBS] : VAL_NONE;
    return IS_NONE(v) ? NULL : AS_LIST(v);
}

// future_add_to_awaited_by's waiters: one, a set, or VAL_NULL.
static inline Value fut_awaited_by(const ObjFuture *f) {
    Value v = f->rare ? f->rare->items[FUT_RARE_AWAITED_BY] : VAL_NONE;
    return IS_NONE(v) ? VAL_NULL : v;
}

// cancel(msg)'s message (None when none).
static inline Value fut_cancel_msg(const ObjFuture *f) {
    return f->rare ? f->rare->items[FUT_RARE_CANCEL_MSG] : VAL_NONE;
}

// A future's exception (or a cancelled one's CancelledError), VAL_NULL if none.
static inline Value fut_exc(const ObjFuture *f) {
    return f->is_exc ? f->value : VAL_NULL;
}

static inline void fut_set_exc(ObjFuture *f, Value e) {
    f->value = e;
    f->is_exc = e != VAL_NULL;
}

typedef struct ObjTask {
    ObjFuture f;
    Value coro;             // coroutine, generator or another awaitable iterator
    Value fut_waiter;       // the future it waits on, or VAL_NULL
    // (its name is in f.rare, FUT_RARE_NAME; its coroutine's code, for "done,
    // defined at", is the coroutine's own gen_code even once it finished)
    Value context;          // its contextvars Context; VAL_NULL: empty, made on demand
    int64_t num;
    uint32_t reg_index;     // position in the registry of live tasks
    int16_t num_cancels;    // cancel() requests not yet uncancelled (saturates at INT16_MAX)
    bool must_cancel : 1;
    bool log_destroy_pending : 1;
    bool traced : 1;        // its track is named in the --trace-file trace
} ObjTask;                  // 96 bytes (the bit-fields save a size class)
_Static_assert(sizeof(ObjTask) <= 96, "ObjTask fits the 96-byte size class");

// A task's name as set_name (or a first get_name) stored it, VAL_NULL
// while it is the default "Task-<num>".
static inline Value task_set_name_value(const ObjTask *t) {
    Value v = t->f.rare ? t->f.rare->items[FUT_RARE_NAME] : VAL_NONE;
    return IS_NONE(v) ? VAL_NULL : v;
}

// H_SLEEP: a sleep() timer that finishes its future (callback); H_SLEEP_TASK:
// one a task waits on without a future (callback: that task, or none yet),
// which it wakes directly (loop.c's bare sleeps).
enum { H_CALL, H_SLEEP, H_SLEEP_TASK };

typedef struct ObjHandle {
    // the kind and flags live in the header's own bytes: 56 bytes in all,
    // a sleeping task's timer 8 bytes less (issue 11)
    OBJ_HEADER_OWN(
        uint8_t kind;           // H_CALL: callback(*args); H_SLEEP: finish future callback with args
        bool cancelled : 1;
        bool is_timer : 1;
        bool scheduled : 1;     // in the timer heap
        bool sleep_warned : 1;  // ObjSleep's (loop.c): its never-awaited warning was given
        uint8_t sleep_state;    // ObjSleep's SL_*
    );
    Value callback;
    Value args;             // tuple (H_CALL) or the sleep result (H_SLEEP)
    double when;
    union {
        uint64_t seq;           // set when it enters the timer heap
        int32_t sleep_line;     // ObjSleep's until it starts (SL_NEW): the line sleep() was
                                // called at (never-awaited warning)
    };
    union {
        ObjLoop *loop;
        ObjStr *sleep_file;     // ObjSleep's until it starts (SL_NEW): the file sleep() was
                                // called in (never-awaited warning)
    };
} ObjHandle;
_Static_assert(sizeof(ObjHandle) <= 56, "ObjHandle fits the 56-byte size class");

// True when [h] will do nothing: cancelled, or a sleep() timer whose future
// is done (cancelled: the sleep cancels its handle only when the task's
// CancelledError reaches it, so futures need no field for their timer).
static inline bool aio_handle_dead(const ObjHandle *h) {
    return h->cancelled ||
           (h->kind == H_SLEEP && h->callback && ((ObjFuture *)AS_OBJ(h->callback))->state != FUT_PENDING);
}

// An entry of the ready queue. Internal wake-ups need no Handle object.
enum { R_HANDLE, R_STEP, R_WAKEUP, R_CALLBACK };
typedef struct ReadyItem {
    int kind;               // R_*
    uint32_t flow;          // --trace-file: the flow from the slice that queued it (0: none)
    Value a, b;             // R_HANDLE: handle; R_STEP: task, exc or NULL;
                            // R_WAKEUP: task, future; R_CALLBACK: fn, future
} ReadyItem;
// A ReadyItem as the ring buffer keeps it, in 16 bytes: [b] is always an
// object or NULL ([a] is any callback a program gave), so its low two bits
// hold the kind; the flows, only kept while the loop traces, are in a
// parallel array (ObjLoop.rflow). 10^6 queued task steps take 16 MB, not
// 24 (issue 11).
typedef struct ReadySlot {
    Value a;
    Value bk;               // b | kind
} ReadySlot;

struct ObjLoop {
    Obj hdr;
    ObjDict *dict;
    ReadySlot *ready;       // ring buffer
    uint32_t *rflow;        // the items' flows, once the loop traced (same indices), or NULL
    size_t rhead, rlen, rcap;
    ObjHandle **timers;     // binary heap by (when, seq)
    size_t ntimers, ctimers;
    uint64_t seq;
    bool running, stopping, closed, debug;
    bool until_complete;    // inside run_until_complete (deadlock report)
    bool entered;           // loop_enter's: running around a REPL input, no iteration under way
    uint8_t dbg;            // LOOP_DBG_*, fixed at creation from the state's config: the
                            // hot paths test only this byte, so the features cost nothing off
    Value current_task;     // the task being stepped, or VAL_NULL
    Value exc_handler;      // set_exception_handler(h), or VAL_NULL
    Value task_factory;     // set_task_factory(f), or VAL_NULL
    struct IoWatch **io;    // by fd: its reader and writer (io.c)
    size_t nio;
    size_t nwatch;          // fds and signals watched: what could wake the loop
    bool io_polled;         // io_backend_fd polled and queued events: the next
                            // non-blocking io_wait must not queue them again
    struct SigWatch *sigs[IO_NSIG];
    struct GaiReq *gai;     // getaddrinfo lookups on libuv's thread pool (resolve.c)
    Value iter_end;         // _at_iteration_end(fn): called once when this iteration's ready
                            // items have run (the socket transports' kept writes leave), or VAL_NULL
};


// Debugging features a loop runs with (ObjLoop.dbg; DESIGN §8).
enum {
    LOOP_DBG_SHUFFLE = 1,   // --schedule=random: ready items and timer ties in seeded random order
    LOOP_DBG_TRACE = 2,     // --trace-file: slices, flows and instants (trace.c)
    LOOP_DBG_STRICT = 4,    // --strict-tasks: collect at each iteration start when due
    LOOP_DBG_DEBUG = 8,     // debug mode (set_debug(True)): slow steps, blocking calls, creation sites
};

// The loop the current thread runs (NULL when none) and the default one.

// ---- loop.c
void loop_init(void);
Value loop_new(void);
// Debug mode asked by the environment (PYTHONASYNCIODEBUG, PYISHASYNCIODEBUG).
bool loop_env_debug(void);
// Queues an internal ready item (no allocation besides the ring buffer).
void loop_push(ObjLoop *loop, int kind, Value a, Value b);
// loop._ready: a tuple with one Handle per queued ready item.
Value loop_ready_snapshot(ObjLoop *loop);
// call_soon(cb, *args) -> Handle, or VAL_NULL when the loop is closed.
Value loop_call_soon(ObjLoop *loop, Value cb, Value args);
// "name(args) at file:line" for callback [cb] called with the tuple [args]
// (VAL_NULL: none), as CPython's format_helpers._format_callback_source.
Value aio_format_callback(Value cb, Value args);
// A Handle for callback(*args), not scheduled.
Value loop_handle_new(ObjLoop *loop, Value cb, int argc, Value *args);
Value loop_handle_new_here(ObjLoop *loop, Value cb, int argc, Value *args);
// A timer handle at absolute time [when].
Value loop_call_at(ObjLoop *loop, double when, int kind, Value cb, Value args);
// loop.create_task(coro, name=, context=): the loop's task factory's task
// when set_task_factory() gave one, else a Task. [name], [context]: VAL_NULL
// or None when not given.
Value loop_create_task(ObjLoop *loop, Value coro, Value name, Value context);
// The loop for a new Future when none is given (get_event_loop()).
ObjLoop *loop_get_event_loop(void);
// As CPython's get_event_loop(): once set_event_loop() was called (asyncio.run
// calls it), no current loop is a RuntimeError (NULL) instead of a new loop.
ObjLoop *loop_get_event_loop_checked(void);
// Runs the loop until [fut] is done: its result or VAL_NULL.
Value loop_run_until_complete(ObjLoop *loop, Value fut);
// asyncio.sleep(delay, result=None)
Value aio_sleep(int argc, Value *argv, ObjDict *kw);

// The loop driven from outside: the REPL and the embedding API call these
// instead of touching the loop's fields.
// Runs one pass of what is due now (ready items, timers whose time has
// come, I/O that is ready: polled without waiting), with [loop] as the
// running loop. false: KeyboardInterrupt or SystemExit (raised), or the
// loop cannot run.
bool loop_run_once(ObjLoop *loop);
// Seconds until the loop has work: 0 when something is ready, -1 when
// nothing is scheduled (or the loop is closed). I/O can come sooner: see
// loop_backend_fd.
double loop_next_deadline(ObjLoop *loop);
// A descriptor that polls readable when I/O [loop] waits for (a reader,
// writer, child or signal) may be ready: libuv's backend fd; -1 when the
// loop watches nothing. A host polls it with the next deadline as timeout,
// then calls loop_run_once.
int loop_backend_fd(ObjLoop *loop);
// Runs passes, sleeping (or advancing the virtual clock) until the next
// timer or waiting for I/O, until nothing is scheduled and no I/O is
// watched (1) or [max_seconds] passed (0; < 0: no limit); -1 with the
// exception raised (KeyboardInterrupt, SystemExit).
int loop_run_until_idle(ObjLoop *loop, double max_seconds);
// Why [loop] cannot run now: "missing" (NULL), "closed", "busy"; NULL if it can.
const char *loop_unusable(ObjLoop *loop);
// Makes [loop] the running loop while code that is not a task runs (false
// when it cannot run); loop_leave undoes it.
bool loop_enter(ObjLoop *loop);
void loop_leave(ObjLoop *loop);
// Runs [coro] as a task of [loop] until done: its result, or VAL_NULL with
// the exception raised (a task left pending by Ctrl-C is cancelled).
Value loop_run_coroutine(ObjLoop *loop, Value coro);
// Tasks of [loop] still pending end silently (no "Task was destroyed").
void loop_forget_tasks(ObjLoop *loop);
// The default loop for a host (a new one if a program closed it).
ObjLoop *loop_for_host(void);

// ---- trace.c: --trace-file, a Chrome trace event file of the schedule:
// a track per task (each step a slice named by its coroutine and the
// file:line it resumed at), flows from the slice that queued a task's step
// (created or woke it) to that step, instants for timers and I/O, and the
// loop's idle time. Timestamps are on the clock in use (virtual or real).
// Starts the trace on [out] (state_new); the host closes the file.
void trace_start(FILE *out);
// Writes the end of the trace and frees the writer (interp_shutdown,
// state_free; a no-op when not tracing or already done).
void trace_finish(void);
// [it] was queued: when a slice is running, a flow starts there.
void trace_push(ReadyItem *it);
// [it] is about to run: opens its slice (on its task's track, or the
// loop's for callbacks); false when it gets none (a finished task, a
// cancelled handle, a nested run).
bool trace_item_begin(ReadyItem *it);
// [it]'s slice ends (true from trace_item_begin before).
void trace_item_end(ReadyItem *it);
// Timer [h] was scheduled (an instant on the running track) or fired.
void trace_timer(ObjHandle *h, bool fired);
// The loop waited from [start] (clock_monotonic()) to now, for a timer or
// ([io]) I/O; [blocked]: it was idle (else it only polled); [nready]
// handles became ready through I/O.
void trace_idle_end(double start, bool blocked, bool io, size_t nready);

// ---- io.c: file descriptors and signals on libuv
// Adds (replaces) the reader or writer Handle of [fd]; false with OSError
// raised when the fd cannot be polled.
bool io_add(ObjLoop *loop, int fd, bool writer, Value handle);
// Removes it: false when there was none.
bool io_remove(ObjLoop *loop, int fd, bool writer);
// The reader or writer Handle of [fd], or VAL_NULL.
Value io_get(ObjLoop *loop, int fd, bool writer);
bool io_signal_add(ObjLoop *loop, int sig, Value handle);
bool io_signal_remove(ObjLoop *loop, int sig);
// Something (an fd, a signal) could wake [loop] when nothing is scheduled.
bool io_could_wake(ObjLoop *loop);
// Waits for I/O until [until] (monotonic seconds; INFINITY: until an event),
// queueing the Handles of what became ready; false: interrupted (raised).
bool io_wait(ObjLoop *loop, double until);
// libuv's backend descriptor (epoll), for hosts that poll for the loop
// (first polls without waiting, so that new watchers are registered).
int io_backend_fd(ObjLoop *loop);
void io_trace(ObjLoop *loop);
// Stops watching everything of [loop] (close()).
void io_close(ObjLoop *loop);
// Frees the state's libuv loop (state_free).
void io_state_free(void);
// Adds the loop's I/O primitives (_add_reader, _add_signal...) to its class.
void io_init(void);
// The state's libuv loop (made on first use).
struct uv_loop_s *io_uv(void);
// The child of os.fork(): its own copy of the libuv loop's kernel state.
void io_after_fork(void);

// ---- resolve.c: getaddrinfo on libuv's thread pool
// loop._getaddrinfo_uv(host, port, family, type, proto, flags) -> Future
Value resolve_getaddrinfo_m(int argc, Value *argv, ObjDict *kw);
void resolve_trace(ObjLoop *loop);
// Cancels or forgets [loop]'s pending lookups (close()).
void resolve_close(ObjLoop *loop);
// _asyncio._install_loop_methods(namespace)
Value io_install_methods(int argc, Value *argv, ObjDict *kw);
// Copies namespace dict [ns]'s methods (not its dunders) into builtin class
// [cls]; false with TypeError (naming [fn]) when [ns] is no dict.
bool aio_install_methods(ObjClass *cls, Value ns, const char *fn);

// ---- future.c
void future_init(void);
static inline bool is_future(Value v) {
    if (!IS_OBJ(v)) {
        return false;
    }
    ObjClass *c = AS_OBJ(v)->cls;
    return c == cls_future || c == cls_task || class_is_subclass(c, cls_future);
}
Value future_new(ObjLoop *loop);
void future_init_fields(ObjFuture *f, ObjLoop *loop);
// Debug mode (its loop's): records the user frames that made [f] as
// CPython's _source_traceback, a list of (filename, lineno, name, None)
// oldest first in its __dict__ (so the attribute reads as CPython's). The
// caller keeps [f] reachable. Raises nothing: a failure records none.
void future_note_origin(ObjFuture *f);
// Debug mode's own reports: [msg] (a str) on the asyncio logger as a
// warning; errors are ignored and a pending exception is kept.
void aio_log_warning(Value msg);
// _asyncio._report_blocking(call, hint, up): debug mode's blocking-call report
// for a library function (subprocess.run) the user's code called directly.
Value aio_report_blocking_m(int argc, Value *argv, ObjDict *kw);
// That list, or VAL_NULL when none was recorded.
Value future_origin(ObjFuture *f);
// " created at FILE:LINE" (its last frame) for reprs, "" when none.
Value future_created_at(ObjFuture *f);
// State changes; false with InvalidStateError raised when already done.
bool future_set_result(ObjFuture *f, Value v);
bool future_set_exception(ObjFuture *f, Value exc);
bool future_cancel(ObjFuture *f, Value msg);
// Adds a done callback: a Task is woken directly, anything else is called.
void future_add_callback(ObjFuture *f, Value cb);
// A stored done callback's function: a callback added with a context is
// the pair (fn, context).
Value future_callback_fn(Value cb);
// result(): the value, or VAL_NULL with the exception raised.
Value future_result(ObjFuture *f);
Value future_make_cancelled_error(ObjFuture *f);
Value future_repr(Value self);
// "result=..." / "exception=..." / "" part of reprs, into a str.
Value future_repr_info(ObjFuture *f);

// ---- task.c
void task_init(void);
// [context]: a Context to run in, or VAL_NULL: a copy of the current one.
Value task_new(ObjLoop *loop, Value coro, Value name, Value context);
// One step of [t]: send None (exc NULL) or throw exc. false: KeyboardInterrupt/SystemExit.
bool task_step(ObjTask *t, Value exc);
// [t]'s waited future finished.
bool task_wakeup(ObjTask *t, ObjFuture *fut);
bool task_cancel(ObjTask *t, Value msg);
Value task_repr(Value self);
// A pending task's description for the deadlock report.
Value task_describe_wait(ObjTask *t);
// The innermost generator of user code (not a "<pyish ...>" library
// module) in [g]'s await chain, else [g]; *[inner] (when not NULL): the
// innermost generator of the chain.
ObjGen *task_user_gen(ObjGen *g, ObjGen **inner);
// Where task [t] stands for the slow-step report: "file:line in f()" of
// its innermost user generator, "f() finished", or NULL (not a generator).
Value task_step_site(Value t);
// Live tasks (weak registry).
bool is_coroutine_like(Value v);
// asyncio.iscoroutine([v]): a coroutine or generator, or (CPython's test)
// an instance of collections.abc.Coroutine (send, throw, close, __await__);
// -1 on error.
int aio_iscoroutine(Value v);
// "f() running at file:line" / "f() done, defined at file:line"
Value task_format_coro(Value coro);

// ---- graph.c: who awaits whom (asyncio.capture_call_graph, the task dump)
// Records that [waiter] (a Future or Task) awaits [f], and that it no
// longer does (future_add_to_awaited_by: shield, TaskGroup). One waiter is
// a store; a second makes a set.
void graph_add_waiter(ObjFuture *f, Value waiter);
void graph_discard_waiter(ObjFuture *f, Value waiter);
// [f]._asyncio_awaited_by: None or a frozenset of its waiters: those
// recorded, then the pending tasks waiting on [f] (their fut_waiter) or on
// a gather() of it, oldest first. Tasks keep no other record of what they
// await, so awaiting costs nothing more; the price is paid here, a walk of
// the live tasks per question.
Value graph_awaited_by(ObjFuture *f);
// Adds future_add_to_awaited_by, future_discard_from_awaited_by and
// _pending_tasks to the _asyncio module's dict [d].
void graph_install(ObjDict *d);
// Prints the call graph of every pending task to stderr (SIGQUIT, and
// Ctrl-C with --dump-tasks-on-interrupt): one asyncio.format_call_graph
// block per task that awaits no other task. Nothing when asyncio was never
// imported or no task is pending; leaves no exception set.
void graph_dump_tasks(void);
// The same dump from a Python-level SIGINT handler (asyncio.Runner's,
// signal.default_int_handler), when Ctrl-C asks for it: the host's
// --dump-tasks-on-interrupt (config.dump_tasks_on_interrupt), the REPL.
// The running task's stack starts below the library frames of the handler.
void graph_interrupt_dump(void);
// Before KeyboardInterrupt is raised for SIGINT (vm_raise_interrupt): the
// dump when the host asks for it on Ctrl-C, or a SIGQUIT's that came too.
// Ctrl-C's dump is left out when only one task is pending (the traceback
// shows it).
void graph_on_interrupt(void);
// Asks for that dump at the VM's next safe point (async-signal-safe: a
// host's SIGQUIT handler calls it).
void graph_request_dump(void);
// At a safe point: the dump, if one was asked for (vm_raise_interrupt).
void graph_dump_if_requested(void);

// ---- module.c
// The _asyncio module (registered by the importer, src/interp.c).
Value aio_module_init(void);
// asyncio.isfuture([v]): a pyish Future, or what passes CPython's duck test
// (the object's __class__ has _asyncio_future_blocking and the object's own
// value of it is not None: a mock.Mock(spec=Future) does); -1 on error.
int aio_isfuture(Value v);
// _asyncio._is_debug_mode() (asyncio.coroutines'): loop_env_debug().
Value aio_is_debug_mode(int argc, Value *argv, ObjDict *kw);
// Exit-time work (interp_shutdown): reports of pending tasks and
// unretrieved exceptions; nothing when _asyncio was never imported.
void asyncio_shutdown(void);
void aio_print_exception(const char *what, Value self, Value exc);
// Reports an error to [loop]'s exception handler as CPython's
// call_exception_handler: [msg] and [exc] (may be VAL_NULL), plus an extra
// context entry [key]: [val] when [key] is not NULL. Without a handler set,
// prints [msg], "key: repr(val)" and the traceback. Leaves no exception set.
// The pyish coroutine function asyncio._shutdown_asyncgens(loop), set by
// asyncio.pyish through _asyncio._set_shutdown_asyncgens (VAL_NULL before).
// asyncio._run_in_executor(loop, executor, func, *args), set the same way
// (_asyncio._set_run_in_executor).
// Warns that the sleep() object [o] was never awaited (once); false when
// [o] is not a sleep() object.
bool aio_sleep_warn(Obj *o);
// True when the sleep() object [v] has finished (or was closed).
bool aio_sleep_done(Value v);
// "FILE:LINE: RuntimeWarning: coroutine 'NAME' was never awaited" and
// the source line, as for a coroutine (sleep() and Event.wait() objects).
void aio_warn_never_awaited(const char *name, ObjStr *file, int lineno);

// ---- event.c: Event.wait()'s coroutine object
// Adds _asyncio._event_wait (and makes its class) to the module dict [d].
void event_install(ObjDict *d);
// As aio_sleep_warn, for an Event.wait() object.
bool aio_event_wait_warn(Obj *o);
// True when the Event.wait() object [v] has finished (or was closed).
bool aio_event_wait_done(Value v);
// The line of asyncio.pyish's Event.wait that its object stands for.
enum { AIO_EVENT_WAIT_LINE = 982 };
// Binds the bare sleep() [v] a step of [t] yielded to [t] (true), which then
// waits on it without a future; false when [v] is no bare sleep of t's loop.
bool aio_sleep_bind(Value v, ObjTask *t);
// What [t] waits on, as a future: a bare sleep it waits on gets its future
// now (for reprs, cancel(), _fut_waiter ...), VAL_NULL when it waits on nothing.
Value aio_task_waiter(ObjTask *t);
void aio_report_error(ObjLoop *loop, const char *msg, Value exc, const char *key, Value val);
// send() of an awaitable's iterator from its next slot's result (future.c).
Value aio_send_result(int r, Value out);
// A next slot's result from an am_send slot's [r] and *[out] (a return
// value other than None is raised in a StopIteration).
int aio_next_from_send(int r, Value *out);
#endif
