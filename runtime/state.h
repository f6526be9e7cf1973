// state.h: the interpreter state. Everything a running pyish owns (its heap,
// interned strings, classes and caches, modules, VM stacks and counters, the
// event loop and its clock) is a field of one State; nothing mutable is
// process-wide. The rule (DESIGN §1): a function reaches its state through
// ST, the calling thread's current state (a thread-local pointer that the
// embedding API sets on entry: state_swap); a thread runs one state at a
// time, and two states share nothing, so states in different threads run in
// parallel without locks. The well-known objects (builtin classes,
// exception classes, None/True/False...) keep their short names as macros
// for fields of the current state, listed once below.
#ifndef PYISH_STATE_H
#define PYISH_STATE_H
#include <setjmp.h>
#include <stdio.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include "object.h"

typedef struct State State;
typedef struct Frame Frame;
typedef struct ObjLoop ObjLoop;
typedef struct ObjTask ObjTask;
typedef struct ObjGen ObjGen;
struct MCacheEntry;
struct MTState;
struct ScopeBuilder;
struct Repl;
struct FaultHandler;
struct VmChunk;
struct GThreads;
struct MemFreeBlock;

// Calls the embedding host's output function, or writes to stdio.
typedef void (*StateWriteFn)(void *ud, int fd, const char *s, size_t n);

typedef struct StateConfig {
    size_t memory_limit;        // bytes of heap; 0: no limit
    int argc;                   // sys.argv
    char **argv;
    const char *script_dir;     // first folder import searches ("": none)
    bool virtual_clock;         // time.* and the loop read a virtual clock
    // Seeing inside async programs (DESIGN §8), all off by default:
    bool schedule_random;       // each loop iteration runs its ready items in a
                                // seeded random order (--schedule=random:SEED)
    uint64_t schedule_seed;     // that seed
    bool strict_tasks;          // an unretrieved task exception ends the program
                                // with status 1 (--strict-tasks)
    FILE *trace_file;           // a Chrome trace of the schedule goes here
                                // (--trace-file); the host opens and closes it
    bool dump_tasks_on_interrupt;   // Ctrl-C prints every pending task's call graph
                                // before KeyboardInterrupt (--dump-tasks-on-interrupt; the REPL)
    bool utf8_mode;             // sys.flags.utf8_mode (PEP 540: -X utf8, PYTHONUTF8, a C locale)
    bool dev_mode;              // -X dev: sys.flags.dev_mode, new event loops in debug mode
                                // (the host also adds the 'default' warnings filter)
    bool sandbox;               // no file, OS, process or environment access
    // python3's command-line flags (sys.flags):
    bool unbuffered;            // -u: stdout and stderr unbuffered (PYTHONUNBUFFERED too)
    int optimize;               // -O (1), -OO (2): asserts are not compiled, __debug__ False
    bool quiet;                 // -q: no REPL banner
    bool no_site, no_user_site, ignore_environment, isolated, verbose;
    int bytes_warning;          // -b (1), -bb (2)
    bool safe_path;             // -P, -I: sys.path has no script folder (or '')
    const char *const *xoptions;    // -X options ("name" or "name=value"), sys._xoptions
    int nxoptions;
    StateWriteFn write;         // NULL: stdout/stderr
    void *write_ud;
    // The heap's allocator (objects, their buffers, big ints), Lua-style:
    // nsize 0 frees ptr; else it reallocates ptr (NULL: allocates) from
    // osize to nsize bytes and returns NULL if it cannot. NULL: malloc.
    void *(*alloc)(void *ud, void *ptr, size_t osize, size_t nsize);
    void *alloc_ud;
    // The embedded library compiled at build time (src/codeblob.h: the
    // pyish program passes its pyish_libcode), or NULL: compile the sources.
    const struct LibCode *libcode;
} StateConfig;

// The builtin classes, one field `cls_NAME` each.
#define SIG_NSIG 65     // signal numbers 1..64

#define STATE_CLASSES(X) \
    X(object) X(type) X(none) X(bool) X(int) X(float) X(complex) X(str) X(str_iter) \
    X(tuple) X(tuple_iter) X(list) X(list_iter) X(list_reviter) X(dict) \
    X(dict_keys) X(dict_values) X(dict_items) X(dict_keyiter) \
    X(dict_valueiter) X(dict_itemiter) X(dict_rkeyiter) X(dict_rvalueiter) \
    X(dict_ritemiter) X(member) X(getset) X(set) X(frozenset) X(set_iter) \
    X(range) X(range_iter) X(slice) X(native) X(bound_method) X(function) \
    X(code) X(cell) X(module) X(property) X(staticmethod) X(classmethod) \
    X(notimplemented) X(ellipsis) X(union) X(generator) X(coroutine) \
    X(async_generator) X(agen_await) X(coro_wrapper) X(seqiter) X(callable_iter) \
    X(enumerate) X(zip) X(map) X(filter) X(reversed) X(mappingproxy) \
    X(file) X(quitter) X(super) X(random) X(counter) \
    X(defaultdict) X(deque) X(deque_iter) X(stringio) X(bytesio) X(ordereddict) X(loop) \
    X(future) X(future_iter) X(task) X(handle) X(timer_handle) X(sleep) X(event_wait) \
    X(genericalias) X(weakref) X(context) X(contextvar) X(token) \
    X(pattern) X(match) X(scanner) X(jscanner) X(jencoder) X(struct) X(hash) \
    X(bytes) X(bytearray) X(bytes_iter) X(memoryview) X(modulespec) X(pathfinder) X(frame) X(traceback) X(array) \
    X(zcompress) X(zdecompress) X(xparser) X(etree_iter) X(bz2comp) X(bz2decomp) X(lzmacomp) X(lzmadecomp) \
    X(sqlite_db) X(sqlite_stmt)

// Names interned at start-up, one field `s_NAME` each (str_init makes them).
#define STATE_NAMES(X) \
    X(init, "__init__") X(new, "__new__") X(del, "__del__") X(write, "write") \
    X(slots, "__slots__") X(fields, "_fields") X(defaults, "_field_defaults_tuple") \
    X(name, "__name__") X(qualname, "__qualname__") X(module, "__module__") \
    X(reversed, "__reversed__") X(enter, "__enter__") X(exit, "__exit__") \
    X(aenter, "__aenter__") X(aexit, "__aexit__") X(await, "__await__") \
    X(aiter, "__aiter__") X(anext, "__anext__") X(tbhide, "__tracebackhide__") \
    X(repr, "__repr__") X(str, "__str__") X(hash, "__hash__") X(bool, "__bool__") \
    X(len, "__len__") X(iter, "__iter__") X(next, "__next__") X(call, "__call__") \
    X(getitem, "__getitem__") X(setitem, "__setitem__") X(delitem, "__delitem__") \
    X(contains, "__contains__") X(getattribute, "__getattribute__") \
    X(getattr, "__getattr__") X(setattr, "__setattr__") X(delattr, "__delattr__") \
    X(class, "__class__") X(instancecheck, "__instancecheck__") X(subclasscheck, "__subclasscheck__") \
    X(reduce, "__reduce__") X(index, "__index__") X(bases, "__bases__") \
    X(bytes, "__bytes__")

// Registered builtin modules (module_register).
typedef struct StateModule {
    const char *name;
    Value (*init)(void);
} StateModule;

struct State {
    // ---- well-known objects
#define X(n) ObjClass *cls_##n;
    STATE_CLASSES(X)
#undef X
#define X(name, base) ObjClass *exc_##name;
    EXC_LIST(X)
#undef X
    ObjClass *exc_CancelledError, *exc_InvalidStateError;
    ObjClass *exc_gaierror, *exc_herror;    // socket's (mod_socket.c)
    ObjClass *exc_termios_error;            // termios.error (mod_termios.c)
    ObjClass *cls_mmap;                     // mmap.mmap (mod_mmap.c)
    ObjClass *cls_select_poll;              // select.poll objects (mod_select.c)
    ObjClass *cls_select_epoll;             // select.epoll objects (mod_select.c)
    // _ssl's classes and its exceptions (SSLError, SSLZeroReturnError, ...; mod_ssl.c)
    ObjClass *cls_ssl_context, *cls_ssl_bio, *cls_ssl_socket, *cls_ssl_session;
    Value ssl_errors[7];
    ObjClass *exc_BaseExceptionGroup, *exc_ExceptionGroup;    // runtime/excgroup.c
    ObjClass *itertools_cls[24];            // itertools' classes (IT_* of itertools.h), made once
    Obj *obj_none, *obj_true, *obj_false, *obj_notimplemented, *obj_ellipsis;

    StateConfig config;
    struct pyish_State *host;           // the embedding API's handle on this state (src/api.c)
    FILE *err_stream;                   // state_stderr() through config.write, or NULL

    // ---- VM (src/vm*.c)
    volatile sig_atomic_t interrupted;  // VM_INTERRUPT_*; set by signal handlers
    int recursion_limit;
    int coro_origin_depth;              // sys.set_coroutine_origin_tracking_depth (asyncio debug mode: 10)
    int int_max_str_digits;             // sys.set_int_max_str_digits (0: no limit)
    ObjDict *builtins;
    Value anext_default_fn;             // anext(it, default)'s coroutine (builtins_vm.c)
    ObjDict *modules;                   // sys.modules
    Value empty_args;                   // the () an empty *args is (as CPython's one empty tuple; vm_call.c)
    Value empty_kwargs;                 // the {} an empty **kwargs only passed on is (CO_KW_SHARED; vm_call.c)
    Frame *frame;                       // innermost running frame
    int vm_depth;                       // active pyish frames
    int c_depth;                        // nested vm_run activations
    int c_walk_depth;                   // nested C walks (compare, repr, hash...)
    char *c_stack_floor;                // lowest safe C stack address (NULL: unknown)
    struct VmChunk *chunk, *spare_chunk;    // frame stack chunks
    uint32_t gen_epoch;
    // The chain the innermost gen_send_ex fast-resumed (vm_gen.c): while the
    // epoch is still fast_epoch, fast_inner yielding (or a delegate it
    // linked since) suspends that chain through fast_head's array, without
    // walking its frames (vm.c). fast_level: how many of the chain's
    // innermost members returned since, fast_inner being chain[fast_level].
    ObjGen *fast_head, *fast_inner;
    uint32_t fast_epoch, fast_level;
    // The consumer taking the values the generator [gen_sink->gen] yields
    // (gen_next_into, vm_gen.c; YIELD_VALUE, vm.c); NULL when none. A thread
    // switch clears it (gthread.c): the record belongs to the thread's C stack.
    struct GenSink *gen_sink;
    // green threads (runtime/gthread.c): NULL until _thread is used
    struct GThreads *gt;
    double switch_interval;             // sys.setswitchinterval (0: the default 0.005)
    ObjClass *cls_thread_lock, *cls_thread_rlock;
    // The dispatch loop's jump table (vm.c): every instruction jumps through
    // it; while a trace or profile function is set every entry is the
    // loop's tracing label, so tracing costs nothing when off (src/trace.c).
    void *dispatch[256];
    const void *const *dispatch_normal; // vm_run's own table
    void *dispatch_trace;               // its tracing label
    bool dispatch_tracing;              // the switch build's test (no table there)
    // sys.settrace / sys.setprofile (src/trace.c)
    struct {
        Value func, prof;               // the global trace and profile functions, or VAL_NULL
        Value frames;                   // dict: frame address -> its frame object (frameobj.h)
        Value c_pending;                // list of (frame key, builtin) of c_calls awaiting their c_return
        Frame *last;                    // the frame of the last traced instruction
        Value last_snap;                // its frame object, or VAL_NULL
        bool busy;                      // a trace or profile function is running
        Frame *event_frame;             // the frame whose event the trace function is told of, or NULL
        int event;                      // that event (trace.c's EV_*)
        bool event_yield;               // it is the 'return' of a yield (a jump may be set there)
        bool jumped;                    // the trace function set event_frame's f_lineno (trace_jump.c)
    } trace;

    // ---- memory (runtime/mem.c)
    size_t bytes_allocated;
    size_t heap_cap;                    // 0: no cap
    void *reserve[2];
    bool reserve_made, mem_low;
    bool finalizing;                    // interp_shutdown began (sys.is_finalizing())
    struct MemFreeBlock *free_lists[129];   // POOL_CLASSES + 1
    char *slab_cur, *slab_end;
    void *pool_slabs;                   // every pool slab (freed with the state)

    // ---- the collector (runtime/gc.c)
    struct {
        Obj *all_objects;               // the large objects (gc.c's LARGE_NEXT links them)
        size_t next_threshold, since, ncollections;
        bool due, collecting, gray_overflow;
        bool disabled;                  // gc.disable(): collect less often
        size_t del_alive;               // instances of CLS_EAGER_DEL classes alive (at most)
        int lib_depth;                  // > 0 while an embedded library module loads
        bool eager;                     // the due collection is gc_note_dropped's
        double eager_time, eager_epoch; // CPU seconds spent in those since the first one
        bool stress_libs;               // GC-stress build: PYISH_GC_STRESS_LIBS set: libraries too
        Obj **gray;
        size_t ngray, capgray;
        void (*root_markers[48])(void);   // one per C file that keeps values outside objects
        int nroot_markers;
        Value *temp_roots;
        int ntemp, captemp;
        bool (*finalizer_hooks[4])(Obj *o);
        int nfinalizer_hooks;
        void (*after_hooks[4])(void);
        void (*weak_pass)(void);
        void (*weak_clear)(void);
        int nafter_hooks;
        Obj **hookable;
        size_t nhookable, caphookable;
        void *obj_slabs[33];            // OBJ_CLASSES + 1
        void *sweep_next[33];           // each slab class's next slab to sweep (lazy sweeping)
        bool sweeping;                  // some slab waits for its sweep
        int sweep_class;                // where gc_sweep_one looks first
        Obj *dead_large;                // dead classes, already finalized, freed when the sweep ends
        size_t dead_large_bytes;
        size_t slab_bytes, slab_live_bytes;
        Obj *obj_free[33];              // free blocks of each slab class
        Obj **deferred;
        size_t ndeferred, capdeferred;
    } gc;

    // ---- classes (runtime/class.c)
    struct {
        struct ClassPending *pending;   // bootstrap: classes made before str/dict
        int npending;
        bool ready;
        ObjClass *pending_base[64];
        ObjClass **builtin;             // every builtin class
        int nbuiltin, capbuiltin, nfinished;
        struct MCacheEntry *mcache;
        uint32_t version;
        uint32_t next_seq;              // ObjClass.seq of the next class made
        ObjList *live;                  // every class alive, by seq: __subclasses__'s index
                                        // (classbuild.c), dropped when a class is made or
                                        // a collection starts (so it keeps nothing alive)
    } cls;

    // ---- interned names the runtime looks up often (STATE_NAMES: s_NAME)
#define X(n, text) ObjStr *s_##n;
    STATE_NAMES(X)
#undef X
    ObjStr *s_descr[3];                 // __get__, __set__, __delete__
    ObjStr *s_binop[3][BIN__COUNT];     // __add__, __radd__, __iadd__ ... (BINOP_NAME_*)
    ObjStr *s_cmp[OP__RICH_COUNT];      // __lt__ ... __ge__
    ObjStr *s_trace_event[8];           // 'call', 'line', ... as passed to trace functions (src/trace.c)

    // ---- exceptions (runtime/exc.c)
    Value exc_pending;
    Value nomem_exc;

    // ---- strings (runtime/str.c, str_intern.c)
    locale_t uloc;                      // C.UTF-8 for wide ctype, or 0 (shared, read-only)
    Value ascii_chars[128];             // interned 1-char strings
    ObjStr **itab;                      // intern table
    size_t icap, icount;
    // str.c's cursors: the byte offset of code point cp in a non-ASCII str
    // lately indexed, so s[i] in a loop walks from there, not from 0;
    // emptied by each collection (a freed str's address may come back)
    struct { struct ObjStr *s; size_t cp, byte; } str_cursor[4];
    unsigned str_cursor_next;

    // ---- ints (runtime/int.c)
    jmp_buf *gmp_jmp;

    // ---- containers
    Obj **repr_set;                     // list.c: objects being repr'd
    size_t repr_count, repr_cap;
    struct MTState *random_shared, *random_cur;   // mod_random.c
    Value sys_stdout, sys_stderr, sys_stdin;      // mod_sys.c
    Value fn_get_native;                // code.c

    // ---- finalizers (src/finalize.c)
    struct {
        Obj **done;
        size_t done_cap, done_used;
        Obj **pending;
        size_t npending, cappending;
        Value exit_list;
        bool running;
    } fin;

    // ---- generators (src/gen.c)
    struct {
        ObjGen **to_close;
        size_t nclose, capclose;
        ObjGen **agens;
        size_t nagens, capagens;
        Value exit_close_list;
        bool running;
    } gen;

    // ---- context variables (runtime/contextvars.c)
    Value ctx_current;                  // the current Context, VAL_NULL: an empty one not made yet
    Value ctx_base;                     // the Context of code outside tasks, once made
    Value ctx_missing;                  // Token.MISSING
    Value *ctx_slot;                    // where a context made on demand is kept (NULL: ctx_base)

    // ---- faulthandler (runtime/mod_faulthandler.c)
    struct FaultHandler *fh;            // made by its first use, freed by state_free

    // ---- the readline module (runtime/mod_readline.c)
    Value rl_completer, rl_startup_hook, rl_pre_input_hook, rl_display_hook;  // VAL_NULL: none
    Value rl_delims;                    // set_completer_delims' str (libedit points into it)
    bool rl_no_auto_history;            // set_auto_history(False)
    bool rl_last_eof;                   // the last key input() read was Ctrl-D
    int rl_history_length;              // set_history_length's + 1 (0: unlimited, -1)
    int rl_begidx, rl_endidx;           // the completed word's bounds

    // ---- regular expressions (runtime/mod_re.c)
    Value re_error;                     // the class re.error (re.pyish hands it in)
    void *re_mctx, *re_jit_stack;       // PCRE2's match context and JIT stack, made on first use
    Value binascii_error, binascii_incomplete;   // binascii.Error/Incomplete (mod_binascii.c)
    Value io_unsupported;               // io.UnsupportedOperation (builtins_file.c)
    Value zlib_error;                   // zlib.error (mod_zlib.c)
    Value sqlite_raiser;                // sqlite3.pyish's (code, name, msg) -> exception (mod_sqlite.c)
    bool sqlite_tracebacks;             // sqlite3.enable_callback_tracebacks (mod_sqlite.c)
    Value expat_error;                  // pyexpat.ExpatError (mod_pyexpat.c)
    Value lzma_error;                   // _lzma.LZMAError (mod_lzma.c)
    Value struct_error, struct_cache;   // struct.error and compiled formats (mod_struct.c)
    Value at_fork[3];                   // os.register_at_fork's before, after_in_child and
                                        // after_in_parent lists, VAL_NULL: none (mod_posix.c)
    int64_t gc_threshold[3];            // gc.get/set_threshold (reported only)

    // ---- weak references (runtime/weakref.c)
    struct {
        Obj **refs;                     // every live weakref object
        size_t n, cap;
        Obj **pending;                  // cleared references whose callback is due
        size_t npending, cappending;
        size_t first_pending;           // where this collection's callbacks start
        bool running;
    } weak;

    // ---- the interpreter (src/interp.c, scope.c, traceback.c)
    char *script_dir;
    char *search_path;                  // embedding API: the only folders import searches (NULL: script_dir, PYISHPATH)
    ObjDict *main_globals;
    ObjList *sys_argv;
    ObjList *sys_path;                  // sys.path as first made (src/import.c)
    StateModule *registry;
    int nregistry, capregistry;
    struct ScopeBuilder *scope_builder;
    struct Repl *repl;                  // the REPL session running on this state (src/repl.c)
    char *tb_cached_name, *tb_cached_src;
    size_t tb_cached_len;

    // ---- the clock (runtime/clock.c)
    bool clock_virtual;
    double clock_start_mono, clock_start_wall, clock_virt;

    // ---- asyncio (runtime/asyncio)
    ObjLoop *running_loop, *default_loop;
    bool set_loop_called;
    Value stop_cb, deadlock_target;
    ObjTask **task_registry;
    size_t task_nregistry, task_capregistry;
    int64_t task_counter;
    int nforced;
    bool aio_initialized;
    Value aio_module, aio_agen_list;
    Value aio_shutdown_asyncgens_fn, aio_run_in_executor_fn;
    struct uv_loop_s *uv;               // libuv: the I/O the loops wait on (runtime/asyncio/io.c)
    struct uv_timer_s *uv_timer;        // bounds one wait for I/O
    bool aio_io_loaded;
    // asyncio debug mode: blocking builtins (time.sleep, input, socket
    // reads, pipe reads, ...) call the hook while aio_debug_running (a loop
    // in debug mode runs), with the call ("time.sleep", then "(repr(arg))"
    // is added; with arg VAL_NULL, the whole text: "input()") and what to
    // use instead, so it can report them inside a task
    bool aio_debug_running;
    void (*aio_blocking_hook)(const char *call, Value arg, const char *hint);
    Value (*aio_unbare)(Value v);       // a CLS_BARE_YIELD object yielded to a caller other than a task:
                                        // the future it stands for (asyncio's loop.c)
    const void *aio_block_last_task;    // the last report (one per task and line in a row)
    const void *aio_block_last_file;
    int aio_block_last_line;
    // ---- signals with Python handlers (runtime/mod_signal.c)
    volatile sig_atomic_t sig_tripped[SIG_NSIG];
    Value sig_handlers[SIG_NSIG];       // VAL_NULL: never set; SIG_DFL/SIG_IGN as small ints
    int64_t sig_wakeup_fd;
    char *sock_buf;                     // socket recv buffer (runtime/mod_socket.c)
    size_t sock_buf_len;                 // asyncio.selector_events installed the I/O methods
    bool sock_recv_small;               // the last recv got under 4 KiB: the next skips FIONREAD
    Value *aio_to_report;
    size_t aio_nreport, aio_capreport;
    uint64_t aio_sched_rng;             // config.schedule_random's PRNG (splitmix64), seeded once
    bool aio_strict_failed;             // config.strict_tasks: a task exception was never retrieved
    struct AioTrace *aio_trace;         // config.trace_file's writer (asyncio/trace.c), or NULL
    volatile sig_atomic_t aio_dump_requested;   // SIGQUIT asked for the task dump (asyncio/graph.c)
    Value aio_graph_index;              // during that dump: {future: [tasks waiting on it]} (graph.c)
};

// The state's pending interrupt (field interrupted), read and written with
// relaxed atomics (plain moves on x86): another thread may set it
// (pyish_interrupt), and ThreadSanitizer must know that is intended.
#define STATE_INTERRUPT() __atomic_load_n(&ST->interrupted, __ATOMIC_RELAXED)
#define STATE_SET_INTERRUPT(v) __atomic_store_n(&ST->interrupted, (v), __ATOMIC_RELAXED)

// The calling thread's current state.
extern _Thread_local State *pyish_current_state __attribute__((tls_model("initial-exec")));
#define ST pyish_current_state

// state_new, state_free and state_swap (src/state.c) are declared in
// src/interp.h: bringing a state up needs the whole interpreter.

// Where the runtime writes its own reports (tracebacks, warnings,
// "Exception ignored"): stderr, or with config.write a line-buffered stream
// that passes them to it as fd 2 (runtime/mod_sys.c; state_free closes it).
FILE *state_stderr(void);

// ---- the well-known objects' short names
#define cls_object (ST->cls_object)
#define cls_type (ST->cls_type)
#define cls_none (ST->cls_none)
#define cls_bool (ST->cls_bool)
#define cls_int (ST->cls_int)
#define cls_float (ST->cls_float)
#define cls_complex (ST->cls_complex)
#define cls_str (ST->cls_str)
#define cls_str_iter (ST->cls_str_iter)
#define cls_tuple (ST->cls_tuple)
#define cls_tuple_iter (ST->cls_tuple_iter)
#define cls_list (ST->cls_list)
#define cls_list_iter (ST->cls_list_iter)
#define cls_list_reviter (ST->cls_list_reviter)
#define cls_dict (ST->cls_dict)
#define cls_dict_keys (ST->cls_dict_keys)
#define cls_dict_values (ST->cls_dict_values)
#define cls_dict_items (ST->cls_dict_items)
#define cls_dict_keyiter (ST->cls_dict_keyiter)
#define cls_dict_valueiter (ST->cls_dict_valueiter)
#define cls_dict_itemiter (ST->cls_dict_itemiter)
#define cls_dict_rkeyiter (ST->cls_dict_rkeyiter)
#define cls_dict_rvalueiter (ST->cls_dict_rvalueiter)
#define cls_dict_ritemiter (ST->cls_dict_ritemiter)
#define cls_member (ST->cls_member)
#define cls_getset (ST->cls_getset)
#define cls_set (ST->cls_set)
#define cls_frozenset (ST->cls_frozenset)
#define cls_set_iter (ST->cls_set_iter)
#define cls_range (ST->cls_range)
#define cls_range_iter (ST->cls_range_iter)
#define cls_slice (ST->cls_slice)
#define cls_native (ST->cls_native)
#define cls_bound_method (ST->cls_bound_method)
#define cls_function (ST->cls_function)
#define cls_code (ST->cls_code)
#define cls_cell (ST->cls_cell)
#define cls_module (ST->cls_module)
#define cls_property (ST->cls_property)
#define cls_staticmethod (ST->cls_staticmethod)
#define cls_classmethod (ST->cls_classmethod)
#define cls_notimplemented (ST->cls_notimplemented)
#define cls_ellipsis (ST->cls_ellipsis)
#define cls_union (ST->cls_union)
#define cls_generator (ST->cls_generator)
#define cls_coroutine (ST->cls_coroutine)
#define cls_async_generator (ST->cls_async_generator)
#define cls_agen_await (ST->cls_agen_await)
#define cls_coro_wrapper (ST->cls_coro_wrapper)
#define cls_seqiter (ST->cls_seqiter)
#define cls_callable_iter (ST->cls_callable_iter)
#define cls_enumerate (ST->cls_enumerate)
#define cls_zip (ST->cls_zip)
#define cls_map (ST->cls_map)
#define cls_filter (ST->cls_filter)
#define cls_reversed (ST->cls_reversed)
#define cls_mappingproxy (ST->cls_mappingproxy)
#define cls_frame (ST->cls_frame)
#define cls_traceback (ST->cls_traceback)
#define cls_array (ST->cls_array)
#define cls_file (ST->cls_file)
#define cls_quitter (ST->cls_quitter)
#define cls_super (ST->cls_super)
#define cls_random (ST->cls_random)
#define cls_counter (ST->cls_counter)
#define cls_defaultdict (ST->cls_defaultdict)
#define cls_deque (ST->cls_deque)
#define cls_deque_iter (ST->cls_deque_iter)
#define cls_stringio (ST->cls_stringio)
#define cls_bytesio (ST->cls_bytesio)
#define cls_ordereddict (ST->cls_ordereddict)
#define cls_loop (ST->cls_loop)
#define cls_future (ST->cls_future)
#define cls_future_iter (ST->cls_future_iter)
#define cls_task (ST->cls_task)
#define cls_handle (ST->cls_handle)
#define cls_timer_handle (ST->cls_timer_handle)
#define cls_sleep (ST->cls_sleep)
#define cls_event_wait (ST->cls_event_wait)
#define cls_genericalias (ST->cls_genericalias)
#define cls_weakref (ST->cls_weakref)
#define cls_context (ST->cls_context)
#define cls_contextvar (ST->cls_contextvar)
#define cls_token (ST->cls_token)
#define cls_pattern (ST->cls_pattern)
#define cls_match (ST->cls_match)
#define cls_scanner (ST->cls_scanner)
#define cls_jscanner (ST->cls_jscanner)
#define cls_jencoder (ST->cls_jencoder)
#define cls_struct (ST->cls_struct)
#define cls_hash (ST->cls_hash)
#define cls_zcompress (ST->cls_zcompress)
#define cls_zdecompress (ST->cls_zdecompress)
#define cls_sqlite_db (ST->cls_sqlite_db)
#define cls_sqlite_stmt (ST->cls_sqlite_stmt)
#define cls_bytes (ST->cls_bytes)
#define cls_bytearray (ST->cls_bytearray)
#define cls_bytes_iter (ST->cls_bytes_iter)
#define cls_memoryview (ST->cls_memoryview)
#define cls_modulespec (ST->cls_modulespec)
#define cls_pathfinder (ST->cls_pathfinder)

#define obj_none (ST->obj_none)
#define obj_true (ST->obj_true)
#define obj_false (ST->obj_false)
#define obj_notimplemented (ST->obj_notimplemented)
#define obj_ellipsis (ST->obj_ellipsis)

#define exc_CancelledError (ST->exc_CancelledError)
#define exc_BaseExceptionGroup (ST->exc_BaseExceptionGroup)
#define exc_ExceptionGroup (ST->exc_ExceptionGroup)
#define exc_InvalidStateError (ST->exc_InvalidStateError)
#define exc_gaierror (ST->exc_gaierror)
#define exc_herror (ST->exc_herror)
#define cls_select_poll (ST->cls_select_poll)
#define cls_select_epoll (ST->cls_select_epoll)
#define cls_ssl_context (ST->cls_ssl_context)
#define cls_ssl_bio (ST->cls_ssl_bio)
#define cls_ssl_socket (ST->cls_ssl_socket)
#define cls_ssl_session (ST->cls_ssl_session)
#define exc_BaseException (ST->exc_BaseException)
#define exc_SystemExit (ST->exc_SystemExit)
#define exc_KeyboardInterrupt (ST->exc_KeyboardInterrupt)
#define exc_GeneratorExit (ST->exc_GeneratorExit)
#define exc_Exception (ST->exc_Exception)
#define exc_StopIteration (ST->exc_StopIteration)
#define exc_StopAsyncIteration (ST->exc_StopAsyncIteration)
#define exc_ArithmeticError (ST->exc_ArithmeticError)
#define exc_OverflowError (ST->exc_OverflowError)
#define exc_ZeroDivisionError (ST->exc_ZeroDivisionError)
#define exc_AssertionError (ST->exc_AssertionError)
#define exc_AttributeError (ST->exc_AttributeError)
#define exc_EOFError (ST->exc_EOFError)
#define exc_ImportError (ST->exc_ImportError)
#define exc_ModuleNotFoundError (ST->exc_ModuleNotFoundError)
#define exc_LookupError (ST->exc_LookupError)
#define exc_IndexError (ST->exc_IndexError)
#define exc_KeyError (ST->exc_KeyError)
#define exc_MemoryError (ST->exc_MemoryError)
#define exc_NameError (ST->exc_NameError)
#define exc_UnboundLocalError (ST->exc_UnboundLocalError)
#define exc_OSError (ST->exc_OSError)
#define exc_FileNotFoundError (ST->exc_FileNotFoundError)
#define exc_TimeoutError (ST->exc_TimeoutError)
#define exc_ConnectionError (ST->exc_ConnectionError)
#define exc_BrokenPipeError (ST->exc_BrokenPipeError)
#define exc_ConnectionAbortedError (ST->exc_ConnectionAbortedError)
#define exc_ConnectionRefusedError (ST->exc_ConnectionRefusedError)
#define exc_ConnectionResetError (ST->exc_ConnectionResetError)
#define exc_FileExistsError (ST->exc_FileExistsError)
#define exc_PermissionError (ST->exc_PermissionError)
#define exc_IsADirectoryError (ST->exc_IsADirectoryError)
#define exc_NotADirectoryError (ST->exc_NotADirectoryError)
#define exc_InterruptedError (ST->exc_InterruptedError)
#define exc_BlockingIOError (ST->exc_BlockingIOError)
#define exc_ChildProcessError (ST->exc_ChildProcessError)
#define exc_ProcessLookupError (ST->exc_ProcessLookupError)
#define exc_SystemError (ST->exc_SystemError)
#define exc_ReferenceError (ST->exc_ReferenceError)
#define exc_BufferError (ST->exc_BufferError)
#define exc_FloatingPointError (ST->exc_FloatingPointError)
#define exc_RuntimeError (ST->exc_RuntimeError)
#define exc_NotImplementedError (ST->exc_NotImplementedError)
#define exc_RecursionError (ST->exc_RecursionError)
#define exc_SyntaxError (ST->exc_SyntaxError)
#define exc_IndentationError (ST->exc_IndentationError)
#define exc_TabError (ST->exc_TabError)
#define exc_TypeError (ST->exc_TypeError)
#define exc_ValueError (ST->exc_ValueError)
#define exc_UnicodeError (ST->exc_UnicodeError)
#define exc_Warning (ST->exc_Warning)
#define exc_RuntimeWarning (ST->exc_RuntimeWarning)
#define exc_DeprecationWarning (ST->exc_DeprecationWarning)
#define exc_UserWarning (ST->exc_UserWarning)
#define exc_UnicodeDecodeError (ST->exc_UnicodeDecodeError)
#define exc_UnicodeEncodeError (ST->exc_UnicodeEncodeError)
#define exc_UnicodeTranslateError (ST->exc_UnicodeTranslateError)
#define exc_PendingDeprecationWarning (ST->exc_PendingDeprecationWarning)
#define exc_SyntaxWarning (ST->exc_SyntaxWarning)
#define exc_FutureWarning (ST->exc_FutureWarning)
#define exc_ImportWarning (ST->exc_ImportWarning)
#define exc_UnicodeWarning (ST->exc_UnicodeWarning)
#define exc_ResourceWarning (ST->exc_ResourceWarning)
#define exc_BytesWarning (ST->exc_BytesWarning)
#define exc_EncodingWarning (ST->exc_EncodingWarning)

#endif
