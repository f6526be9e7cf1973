/* pyish.h: the embedding API of pyish, the only header a host includes
 * (see doc/embedding.md). A host creates a state (pyish_new), runs code in
 * it, exchanges values through handles, registers C functions and modules,
 * drives its event loop, and destroys it (pyish_free). Every type is
 * opaque and every name starts with pyish_ / PYISH_; C99 and C++ compatible.
 *
 * Rules in short:
 * - A pyish_Value * is a handle: it keeps its value alive across garbage
 *   collections until the host gives it back with pyish_release (or the
 *   state is freed). Every function that returns a pyish_Value * returns a
 *   new handle (NULL on error). Handles passed to functions are borrowed.
 * - Fallible functions return PYISH_OK (0) or PYISH_ERROR, or NULL; the
 *   exception then stays in the state (pyish_error_*) until the next call
 *   that can fail, or pyish_error_clear.
 * - A state is used by one thread at a time; states share nothing, so two
 *   threads may each run their own state at once. pyish_interrupt is the
 *   one function that may be called from any thread or a signal handler.
 */
#ifndef PYISH_H
#define PYISH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(PYISH_BUILDING)
#define PYISH_API __attribute__((visibility("default")))
#else
#define PYISH_API
#endif

typedef struct pyish_State pyish_State;
typedef struct pyish_Value pyish_Value;

enum { PYISH_OK = 0, PYISH_ERROR = -1 };

/* ---- states */

typedef struct pyish_Config {
    /* Output of print(), sys.stdout/sys.stderr and tracebacks the runtime
     * prints itself: fd 1 or 2. NULL: the process's stdout/stderr. */
    void (*write)(void *ud, int fd, const char *s, size_t n);
    void *write_ud;
    int argc;                   /* sys.argv (argc 0: ['']) */
    const char *const *argv;
    const char *module_path;    /* ':'-separated folders import searches (NULL: none) */
    size_t memory_limit;        /* bytes of heap; past it MemoryError (0: none) */
    double time_budget;         /* CPU seconds each entry (run, call, loop) may use
                                   before RuntimeError('execution budget exceeded'); 0: none */
    bool virtual_clock;         /* time and asyncio read a clock that only sleeping moves */
    bool sandbox;               /* no file, OS, process, socket or environment access */
    /* The heap's allocator (objects, their buffers, big ints), as Lua's
     * lua_Alloc: nsize 0 frees ptr (of osize bytes); otherwise it resizes
     * ptr (NULL: a new block) from osize to nsize bytes, returning NULL if it
     * cannot (pyish then raises MemoryError or uses its reserve). NULL:
     * malloc. The state's own bookkeeping (frame stacks, the collector's
     * work lists) still uses malloc. */
    void *(*alloc)(void *ud, void *ptr, size_t osize, size_t nsize);
    void *alloc_ud;
} pyish_Config;

/* Fills [cfg] with the defaults (all zero/NULL/false). */
PYISH_API void pyish_config_init(pyish_Config *cfg);
/* A new state (cfg NULL: defaults); NULL if it cannot be made. */
PYISH_API pyish_State *pyish_new(const pyish_Config *cfg);
/* Frees [S], its handles and everything it owns; pending tasks are dropped. */
PYISH_API void pyish_free(pyish_State *S);
/* Why the last pyish_new returned NULL (static text). */
PYISH_API const char *pyish_new_error(void);
/* pyish's version, "X.Y.Z". */
PYISH_API const char *pyish_version(void);
/* Asks the code running in [S] to stop: KeyboardInterrupt at its next safe
 * point. Async-signal-safe; any thread. */
PYISH_API void pyish_interrupt(pyish_State *S);
/* Changes the limits of pyish_Config (0: none). */
PYISH_API void pyish_set_memory_limit(pyish_State *S, size_t bytes);
PYISH_API void pyish_set_time_budget(pyish_State *S, double cpu_seconds);

/* ---- running code */

/* Runs [src] as the body of module __main__ (its globals persist between
 * calls). [filename] names it in tracebacks (NULL: "<string>"). */
PYISH_API int pyish_run_string(pyish_State *S, const char *src, const char *filename);
/* Reads and runs the file [path] as __main__ (OSError if unreadable). */
PYISH_API int pyish_run_file(pyish_State *S, const char *path);
/* The value of the expression [expr] in __main__'s globals. */
PYISH_API pyish_Value *pyish_eval(pyish_State *S, const char *expr);
/* Compiles [src] once (SyntaxError on error): a code handle for pyish_run_code. */
PYISH_API pyish_Value *pyish_compile(pyish_State *S, const char *src, size_t len, const char *filename);
/* Runs compiled [code] in [globals] (a dict; NULL: __main__'s). */
PYISH_API int pyish_run_code(pyish_State *S, pyish_Value *code, pyish_Value *globals);

/* ---- errors */

/* Whether an exception is pending in [S]. */
PYISH_API bool pyish_error_pending(pyish_State *S);
/* The pending exception's type name ("ValueError"), str() of it, and the
 * traceback as the pyish program would print it; NULL when none. The
 * strings stay valid until the error is cleared or replaced. */
PYISH_API const char *pyish_error_type(pyish_State *S);
PYISH_API const char *pyish_error_message(pyish_State *S);
PYISH_API const char *pyish_error_traceback(pyish_State *S);
/* The exception object itself (a new handle), or NULL. */
PYISH_API pyish_Value *pyish_error_value(pyish_State *S);
/* Whether the pending exception is an instance of builtin class [type_name]
 * or of a subclass of it ("OSError" matches FileNotFoundError). */
PYISH_API bool pyish_error_matches(pyish_State *S, const char *type_name);
/* The exit status the pyish program would end with: 0 none pending, the
 * code of a SystemExit, 1 for any other exception. */
PYISH_API int pyish_error_exit_status(pyish_State *S);
PYISH_API void pyish_error_clear(pyish_State *S);
/* Sets the pending exception: builtin class [type_name] (unknown names
 * give RuntimeError) with message [fmt, ...]. Returns PYISH_ERROR. For C
 * functions, which then return NULL. */
PYISH_API int pyish_raise(pyish_State *S, const char *type_name, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Sets the exception object [exc] (or an exception class) as pending. */
PYISH_API int pyish_raise_value(pyish_State *S, pyish_Value *exc);

/* ---- handles and values */

PYISH_API void pyish_release(pyish_State *S, pyish_Value *v);
/* A second handle to the same value. */
PYISH_API pyish_Value *pyish_dup(pyish_State *S, pyish_Value *v);
/* Number of live handles (tests, leak checks). */
PYISH_API size_t pyish_handle_count(pyish_State *S);

typedef enum pyish_Type {
    PYISH_TNONE, PYISH_TBOOL, PYISH_TINT, PYISH_TFLOAT, PYISH_TSTR,
    PYISH_TLIST, PYISH_TTUPLE, PYISH_TDICT, PYISH_TOTHER
} pyish_Type;
PYISH_API pyish_Type pyish_type(pyish_State *S, pyish_Value *v);
/* type(v).__name__ (valid while [v] lives). */
PYISH_API const char *pyish_type_name(pyish_State *S, pyish_Value *v);
PYISH_API bool pyish_is_callable(pyish_State *S, pyish_Value *v);
/* isinstance(v, builtin class [type_name]). */
PYISH_API bool pyish_isinstance(pyish_State *S, pyish_Value *v, const char *type_name);

PYISH_API pyish_Value *pyish_none(pyish_State *S);
PYISH_API pyish_Value *pyish_bool(pyish_State *S, bool b);
PYISH_API pyish_Value *pyish_int(pyish_State *S, int64_t i);
/* An int of any size from decimal text ("-123456789012345678901234567890"). */
PYISH_API pyish_Value *pyish_int_from_string(pyish_State *S, const char *digits);
PYISH_API pyish_Value *pyish_float(pyish_State *S, double d);
/* A str from UTF-8 text (len (size_t)-1: up to the NUL). */
PYISH_API pyish_Value *pyish_str(pyish_State *S, const char *s, size_t len);
/* A list or tuple of the [n] values [items] (items may be NULL when n is 0). */
PYISH_API pyish_Value *pyish_list(pyish_State *S, size_t n, pyish_Value *const *items);
PYISH_API pyish_Value *pyish_tuple(pyish_State *S, size_t n, pyish_Value *const *items);
PYISH_API pyish_Value *pyish_dict(pyish_State *S);

/* int (or bool) -> int64_t; OverflowError when it does not fit, TypeError
 * when not an int. */
PYISH_API int pyish_to_int64(pyish_State *S, pyish_Value *v, int64_t *out);
/* Any int as decimal text, malloc'd (the caller frees it). */
PYISH_API char *pyish_to_int_string(pyish_State *S, pyish_Value *v);
/* float or int -> double. */
PYISH_API int pyish_to_double(pyish_State *S, pyish_Value *v, double *out);
/* A str's UTF-8 text (valid while [v] lives); *len may be NULL. TypeError
 * when not a str. */
PYISH_API const char *pyish_to_string(pyish_State *S, pyish_Value *v, size_t *len);
/* Truth value (bool(v)): 1, 0, or PYISH_ERROR. */
PYISH_API int pyish_truthy(pyish_State *S, pyish_Value *v);
/* str(v) and repr(v) as new str handles. */
PYISH_API pyish_Value *pyish_to_str(pyish_State *S, pyish_Value *v);
PYISH_API pyish_Value *pyish_repr(pyish_State *S, pyish_Value *v);

/* ---- containers, attributes, globals */

/* len(v), or -1 with the error pending. */
PYISH_API int64_t pyish_len(pyish_State *S, pyish_Value *v);
/* v[key] and v[key] = item (lists, tuples, dicts, anything with __getitem__). */
PYISH_API pyish_Value *pyish_get_item(pyish_State *S, pyish_Value *v, pyish_Value *key);
PYISH_API int pyish_set_item(pyish_State *S, pyish_Value *v, pyish_Value *key, pyish_Value *item);
/* v[index] of a list or tuple (negative counts from the end). */
PYISH_API pyish_Value *pyish_get_index(pyish_State *S, pyish_Value *v, int64_t index);
PYISH_API int pyish_list_append(pyish_State *S, pyish_Value *list, pyish_Value *item);
/* d[key] with a str key: NULL with KeyError when absent. */
PYISH_API pyish_Value *pyish_dict_get(pyish_State *S, pyish_Value *d, const char *key);
PYISH_API int pyish_dict_set(pyish_State *S, pyish_Value *d, const char *key, pyish_Value *item);
/* Iterates a dict: start with *pos = 0; 1 and two new handles per item, 0 at the end. */
PYISH_API int pyish_dict_next(pyish_State *S, pyish_Value *d, size_t *pos, pyish_Value **key,
                              pyish_Value **item);
PYISH_API pyish_Value *pyish_get_attr(pyish_State *S, pyish_Value *v, const char *name);
PYISH_API int pyish_set_attr(pyish_State *S, pyish_Value *v, const char *name, pyish_Value *item);
/* __main__'s globals: NameError when [name] is not bound. */
PYISH_API pyish_Value *pyish_get_global(pyish_State *S, const char *name);
PYISH_API int pyish_set_global(pyish_State *S, const char *name, pyish_Value *v);
/* __main__'s globals dict itself. */
PYISH_API pyish_Value *pyish_globals(pyish_State *S);
/* import [name]: the module. */
PYISH_API pyish_Value *pyish_import(pyish_State *S, const char *name);

/* ---- calls */

/* f(*argv) and f(*argv, **kwargs) (kwargs a dict of str keys, or NULL). */
PYISH_API pyish_Value *pyish_call(pyish_State *S, pyish_Value *f, int argc, pyish_Value *const *argv);
PYISH_API pyish_Value *pyish_call_kw(pyish_State *S, pyish_Value *f, int argc, pyish_Value *const *argv,
                                     pyish_Value *kwargs);
/* obj.name(*argv). */
PYISH_API pyish_Value *pyish_call_method(pyish_State *S, pyish_Value *obj, const char *name, int argc,
                                         pyish_Value *const *argv);

/* ---- C functions and modules */

/* A function written in C. [argv] and [kwargs] (NULL when none) are
 * borrowed handles, valid during the call. Returns a new handle (the
 * caller takes it over), or NULL after pyish_raise. */
typedef pyish_Value *(*pyish_CFunction)(pyish_State *S, int argc, pyish_Value *const *argv,
                                        pyish_Value *kwargs, void *userdata);
/* A callable pyish object named [name] that calls [fn] with [userdata]. */
PYISH_API pyish_Value *pyish_function(pyish_State *S, const char *name, pyish_CFunction fn, void *userdata);
/* pyish_function bound to global [name] of __main__. */
PYISH_API int pyish_register_function(pyish_State *S, const char *name, pyish_CFunction fn, void *userdata);

typedef struct pyish_FunctionDef {
    const char *name;
    pyish_CFunction fn;
} pyish_FunctionDef;
/* A module [name] that `import name` finds, holding [defs] (terminated by a
 * {NULL, NULL} entry; may be NULL) called with [userdata]. Returns the module
 * (add more with pyish_set_attr). */
PYISH_API pyish_Value *pyish_new_module(pyish_State *S, const char *name, const pyish_FunctionDef *defs,
                                        void *userdata);

/* ---- asyncio from the host */

/* Schedules the coroutine [coro] (the result of calling an async def) as a
 * Task on the state's event loop: the Task. It runs when the loop runs. */
PYISH_API pyish_Value *pyish_task_start(pyish_State *S, pyish_Value *coro);
/* 1 when the task (or future) is done, 0 when pending. */
PYISH_API int pyish_task_done(pyish_State *S, pyish_Value *task);
/* A done task's result, or NULL with its exception pending (or
 * InvalidStateError while it runs). */
PYISH_API pyish_Value *pyish_task_result(pyish_State *S, pyish_Value *task);
/* Runs what is due now, without waiting: one iteration of the loop. */
PYISH_API int pyish_loop_run_once(pyish_State *S);
/* Runs the loop until nothing is scheduled ([max_seconds] < 0) or for at
 * most [max_seconds], sleeping until timers are due. PYISH_OK also when
 * time ran out; pyish_loop_next_deadline then says whether work is left. */
PYISH_API int pyish_loop_run(pyish_State *S, double max_seconds);
/* Seconds until the loop has work (0: now), -1 when nothing is scheduled.
 * I/O (sockets, pipes, children, signals) can come sooner: see below. */
PYISH_API double pyish_loop_next_deadline(pyish_State *S);
/* A file descriptor (libuv's backend) that polls readable when I/O the
 * loop waits for may be ready, or -1 when it watches none. A host that
 * runs its own loop polls it for reading with pyish_loop_next_deadline as
 * the timeout, then calls pyish_loop_run_once. */
PYISH_API int pyish_loop_backend_fd(pyish_State *S);
/* An asyncio.Future of the state's loop that pyish code can await and C
 * resolves (with a value) or rejects (with an exception) later. */
PYISH_API pyish_Value *pyish_future_new(pyish_State *S);
PYISH_API int pyish_future_resolve(pyish_State *S, pyish_Value *fut, pyish_Value *result);
PYISH_API int pyish_future_reject(pyish_State *S, pyish_Value *fut, const char *type_name, const char *message);

#ifdef __cplusplus
}
#endif
#endif
