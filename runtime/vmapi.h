// vmapi.h: the VM as the runtime sees it. The runtime (runtime/ and
// runtime/asyncio/) calls back into src/ only through what this header
// declares; src/vm*.c, src/traceback.c and src/interp.c implement it.
// Frames are opaque here: a generator owns one, and these functions mark,
// free and inspect it for the generator objects (runtime/gen.c).
#ifndef PYISH_VMAPI_H
#define PYISH_VMAPI_H
#include "object.h"

typedef struct Frame Frame;
typedef struct ObjGen ObjGen;
typedef struct ObjCode ObjCode;

// ---- calls (vm_call.c; vm_handled_exception, vm_raise_interrupt: vm.c)
// Calls [callable] from C. Returns VAL_NULL with the exception pending.
Value vm_call(Value callable, int argc, Value *argv, ObjDict *kw);
// Recursion guard of every C walk of nested objects (compare, repr, ...):
// false with RecursionError "maximum recursion depth exceeded<where>" when
// the walk plus the pyish frames reach the recursion limit or the C stack
// is nearly full; pair a true return with vm_leave_recursive().
MUST_USE bool vm_enter_recursive(const char *where);
void vm_leave_recursive(void);
// Only the C stack check (for walks CPython does not bound, like hash).
MUST_USE bool vm_stack_ok(const char *where);
// Current line of the innermost frame, and its file (for warnings).
int vm_current_line(void);
ObjStr *vm_current_file(void);
// The same one frame out, for the caller of the running function (a
// library wrapper's user): its file (NULL when none) and *[line].
ObjStr *vm_caller_file(int *line);
// The globals of the running frame, or NULL outside any frame.
ObjDict *vm_current_globals(void);
// The exception being handled by the innermost handler (sys.exc_info), or VAL_NULL.
Value vm_handled_exception(void);
// ST->interrupted is set by SIGINT (to VM_INTERRUPT_SIGINT); the VM raises
// KeyboardInterrupt at the next safe point. A host's execution budget sets
// VM_INTERRUPT_BUDGET: then every safe point raises RuntimeError until the
// host clears it; VM_INTERRUPT_BUDGET_SOFT raises it once (the program may
// catch it; the embedding API sets the sticky one a grace period later).
// VM_INTERRUPT_SIGNAL: a signal with a Python handler arrived (mod_signal.c).
// VM_INTERRUPT_EXIT: the runtime ends the program (--strict-tasks): raises
// SystemExit(1) once, as sys.exit(1) would at that point.
// VM_INTERRUPT_SWITCH: green threads (gthread.c) may have to switch: the
// VM's safe points call gthread_tick; it raises nothing.
enum { VM_INTERRUPT_SIGINT = 1, VM_INTERRUPT_BUDGET = 2, VM_INTERRUPT_BUDGET_SOFT = 3, VM_INTERRUPT_SIGNAL = 4,
       VM_INTERRUPT_EXIT = 5, VM_INTERRUPT_SWITCH = 6 };
// Handles the pending interrupt: raises its exception (clears a SIGINT one),
// or runs the Python handlers of the signals that arrived. true: an
// exception is raised (a handler's too); false: carry on.
bool vm_raise_interrupt(void);

// ---- generator frames (vm_gen.c; frame_mark: vm_call.c)
// Marks everything [f] holds.
void frame_mark(Frame *f);
// Marks [f] and the frames it was called from (a suspended thread's chain).
void frame_mark_chain(Frame *f);
// Frees a generator's frame.
void frame_free(Frame *f);
// True when [f] is inside a try/with block (closing it runs cleanup code).
bool frame_in_block(Frame *f);
// The code [f] runs, and the line it is suspended at.
ObjCode *frame_code(Frame *f);
int frame_line(Frame *f);
// A frame object (a snapshot with its current locals) for gi_frame/cr_frame/ag_frame.
Value frame_snapshot(Frame *f);

// ---- resuming generators (vm_gen.c)
enum { GEN_YIELDED, GEN_RETURNED, GEN_RAISED };
// Resumes [gen] with [value] (or throws [exc] when non-NULL) and reports
// whether it yielded (*out = the value), returned (*out = return value)
// or raised (exception pending).
int gen_send(ObjGen *gen, Value value, Value *out);
int gen_throw(ObjGen *gen, Value exc, Value *out);
// As gen_send and gen_throw, for a task's step: a CLS_BARE_YIELD object
// yielded comes back as it is (the task waits on it without a future).
int gen_send_raw(ObjGen *gen, Value value, Value *out);
int gen_throw_raw(ObjGen *gen, Value exc, Value *out);
// gen_throw with throw()'s own arguments [raw] (a tuple) for non-generator
// delegates; [exc] may be VAL_NULL when [raw] is not a valid exception.
int gen_throw_args(ObjGen *gen, Value exc, Value raw, Value *out);
// One resume of [g] itself: [exc] thrown when not VAL_NULL, else [value] sent.
int gen_send_ex(ObjGen *g, Value value, Value exc, Value *out);
// Closes [gen] (GeneratorExit at its suspension point); false on error.
bool gen_close(ObjGen *gen);

// A consumer draining an iterator into a container it builds (list(),
// tuple(), set() of a generator expression): [take] stores [v] in [ctx]
// if that runs no Python code (and raises nothing), returning true, else
// returns false and the consumer gets [v] as usual.
typedef bool (*GenTakeFn)(void *ctx, Value v);
// The next value of iterator [it] that [take] did not take, as obj_next
// (1 *out set, 0 exhausted, -1 error). For an exact generator, [take] (if
// not NULL) is
// offered each value the generator yields from its own frame, which then
// goes on without suspending: no resume per value (ST->gen_sink, vm.c).
int gen_next_into(Value it, Value *out, GenTakeFn take, void *ctx);

// ---- finalizers (finalize.c)
// Whether [o]'s __del__ has run (gc.is_finalized).
bool finalize_done(Obj *o);

// ---- tracebacks (traceback.c)
// Reads line [line] of [file] (stripped) into [buf]; false if unavailable.
bool tb_source_line(const char *file, int line, char *buf, size_t size);
// Prints [exc] with its traceback chain to stderr, as CPython does.
void interp_print_exception(Value exc);
// The same text written to [out] (the embedding API's formatted traceback).
void interp_format_exception(Value exc, FILE *out);
// The same text as a str (sys.excepthook writing to a replaced sys.stderr).
Value interp_format_exception_str(Value exc);
// sys._getframe([depth]): the frame object of the frame [depth] calls up,
// with f_code, f_lineno, f_globals, f_locals and f_back (src/trace.c).
Value vm_getframe(int argc, Value *argv, ObjDict *kw);
// ---- frame objects of running frames and tracing (src/trace.c)
// The running frame a frame object shows, or NULL when it has finished
// (or shows none).
Frame *framesnap_running(Value snap);
// f_back, f_lineno and f_locals of running frame [f] (f_locals: the dict
// [snap], its frame object, keeps, brought up to date).
Value vm_frame_back(Frame *f);
int vm_frame_lineno(Frame *f);
// f_lasti of running frame [f]: its current instruction, in CPython's unit
// (2 bytes an instruction).
int vm_frame_lasti(Frame *f);
Value vm_frame_locals(Value snap, Frame *f);
// frame.f_lineno = [v] ([v] VAL_NULL: del): the jump of a trace function,
// with CPython 3.11's rules and errors (src/trace_jump.c).
bool vm_frame_set_lineno(Value snap, Value v);
// sys.settrace, gettrace, setprofile, getprofile, call_tracing.
Value vm_settrace(int argc, Value *argv, ObjDict *kw);
Value vm_gettrace(int argc, Value *argv, ObjDict *kw);
Value vm_setprofile(int argc, Value *argv, ObjDict *kw);
Value vm_getprofile(int argc, Value *argv, ObjDict *kw);
Value vm_call_tracing(int argc, Value *argv, ObjDict *kw);
// Another green thread runs, with its own trace and profile functions:
// the dispatch table follows them (gthread.c).
void vm_trace_switched(void);
// faulthandler's dump of the frames running on [s] to [fd] (write(2) only;
// signal handlers call it) (traceback.c).
void vm_dump_frames_fd(int fd, State *s);
// The f_back of a traceback entry's frame running [code] (src/traceback.c).
Value vm_running_frame_back(Value code);
// The user's frames running now (not pyish's library ones), at most
// [depth], innermost first: a tuple of (filename, lineno, name), as
// CPython's cr_origin.
Value tb_capture_origin(int depth);
// Whether the frame [up] calls above the running pyish function (1: its
// caller) is the user's code, not pyish's library.
bool tb_caller_is_user(int up);
// Those frames (a tuple or list of such tuples; longer ones are read up to
// their name) as traceback entries, "  File ..., line N, in NAME" and the
// source line, oldest first; a str ending in a newline, "" when none.
Value tb_format_origin(Value frames, bool innermost_first);
// "Exception ignored in: ..." reports of errors nobody can catch.
void tb_print_unraisable(Value exc);

// ---- the interpreter's start-up arguments (interp.c)
// sys.argv as given at start-up.
Value interp_sys_argv(void);
// sys.path's list (src/import.c): the script's folder, then PYISHPATH.
Value interp_sys_path(void);
// import NAME (src/import.c), for a C module built partly in pyish.
Value vm_import(const char *name);
#endif
