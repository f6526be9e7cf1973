// api.c: the embedding API's states (include/pyish.h): creating one with
// its options (output callbacks, argv, module path, clock, limits, the
// sandbox), entering and leaving it around every API function (the current
// state of the thread, the CPU-time budget armed on the outermost entry),
// the handle list the collector marks, errors, and running code. Values and
// calls are in api_values.c, tasks and futures in api_async.c.
//
// A pyish_State wraps one runtime State (runtime/state.h): entering makes
// it the thread's current state (state_swap), and the State points back at
// its pyish_State (field host) for the root marker and C functions.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "api_internal.h"
#include "ast.h"
#include "class.h"
#include "compile.h"
#include "diag.h"
#include "gc.h"
#include "interp.h"
#include "module.h"
#include "runtime.h"
#include "version.h"
#include "vm.h"

static _Thread_local const char *new_error = "";

pyish_State *api_current(void) {
    return ST ? ST->host : NULL;
}

const char *pyish_version(void) {
    return PYISH_VERSION;
}

const char *pyish_new_error(void) {
    return new_error;
}

void pyish_config_init(pyish_Config *cfg) {
    memset(cfg, 0, sizeof *cfg);
}

// ---- the CPU-time budget: a per-thread CPU-clock timer whose first
// expiry raises RuntimeError once at the next safe point (the program may
// catch it and clean up) and whose second, a grace period later, makes
// every safe point raise it until the outermost API call returns.

static void on_budget(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    pyish_State *S = si->si_value.sival_ptr;
    if (si->si_code == SI_TIMER && S) {
        __atomic_store_n(S->intr, S->budget_hits++ ? VM_INTERRUPT_BUDGET : VM_INTERRUPT_BUDGET_SOFT,
                         __ATOMIC_RELAXED);
    }
}

static pthread_once_t budget_once = PTHREAD_ONCE_INIT;

static void install_budget_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_budget;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGVTALRM, &sa, NULL);
}

static void arm_budget(pyish_State *S) {
    if (S->budget <= 0) {
        return;
    }
    pthread_once(&budget_once, install_budget_handler);
    clockid_t clk;
    if (pthread_getcpuclockid(pthread_self(), &clk) != 0) {
        return;
    }
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGVTALRM;
    ev.sigev_value.sival_ptr = S;
    ev._sigev_un._tid = gettid();
    if (timer_create(clk, &ev, &S->timer) != 0) {
        return;
    }
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = (time_t)S->budget;
    its.it_value.tv_nsec = (long)((S->budget - (double)its.it_value.tv_sec) * 1e9);
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) {
        its.it_value.tv_nsec = 1;
    }
    double grace = S->budget / 10 > 0.01 ? S->budget / 10 : 0.01;
    its.it_interval.tv_sec = (time_t)grace;
    its.it_interval.tv_nsec = (long)((grace - (double)its.it_interval.tv_sec) * 1e9);
    S->budget_hits = 0;
    timer_settime(S->timer, 0, &its, NULL);
    S->timer_armed = true;
}

static void disarm_budget(pyish_State *S) {
    if (S->timer_armed) {
        timer_delete(S->timer);
        S->timer_armed = false;
    }
    int intr = __atomic_load_n(S->intr, __ATOMIC_RELAXED);
    if (intr == VM_INTERRUPT_BUDGET || intr == VM_INTERRUPT_BUDGET_SOFT) {
        __atomic_store_n(S->intr, 0, __ATOMIC_RELAXED);
    }
}

// ---- entering a state

void api_enter(pyish_State *S) {
    if (S->depth++ == 0) {
        S->prev_st = state_swap(S->st);
        arm_budget(S);
    }
}

void api_leave(pyish_State *S) {
    if (--S->depth == 0) {
        if (S->collect_on_leave) {
            // a MemoryError: give the memory the failed code held back now,
            // so that the next call does not start over the limit
            S->collect_on_leave = false;
            gc_collect();
        }
        disarm_budget(S);
        state_swap(S->prev_st);
        S->prev_st = NULL;
    }
}

// ---- handles

static void mark_api(void) {
    pyish_State *S = api_current();
    if (!S) {
        return;
    }
    for (pyish_Value *h = S->handles.next; h != &S->handles; h = h->next) {
        gc_mark_value(h->v);
    }
    gc_mark_value(S->error);
    gc_mark_obj((Obj *)S->cfunc_class);
    gc_mark_obj((Obj *)S->stream_class);
    gc_mark_obj((Obj *)S->loop);
}

pyish_Value *api_handle(pyish_State *S, Value v) {
    if (!v) {
        api_fail(S);
        return NULL;
    }
    pyish_Value *h = malloc(sizeof *h);
    if (!h) {
        exc_raise_nomem();
        api_fail(S);
        return NULL;
    }
    h->v = v;
    h->next = S->handles.next;
    h->prev = &S->handles;
    h->next->prev = h;
    S->handles.next = h;
    S->nhandles++;
    return h;
}

void pyish_release(pyish_State *S, pyish_Value *v) {
    if (!v) {
        return;
    }
    v->prev->next = v->next;
    v->next->prev = v->prev;
    S->nhandles--;
    free(v);
}

pyish_Value *pyish_dup(pyish_State *S, pyish_Value *v) {
    if (!v) {
        return NULL;
    }
    api_enter(S);
    return api_result(S, v->v);
}

size_t pyish_handle_count(pyish_State *S) {
    return S->nhandles;
}

// ---- errors

static void forget_texts(pyish_State *S) {
    free(S->err_type);
    free(S->err_msg);
    free(S->err_tb);
    S->err_type = S->err_msg = S->err_tb = NULL;
}

static void set_error(pyish_State *S, Value exc) {
    forget_texts(S);
    S->error = exc;
}

int api_fail(pyish_State *S) {
    Value exc = exc_take();
    if (!exc) {
        exc = exc_new(exc_SystemError, 0, NULL);
        exc_clear();
    }
    set_error(S, exc);
    if (exc_matches(exc, OBJ_VAL(exc_MemoryError))) {
        S->collect_on_leave = true;
    }
    return PYISH_ERROR;
}

void api_reraise(pyish_State *S) {
    Value exc = S->error;
    set_error(S, VAL_NULL);
    if (!exc) {
        exc_raise(exc_SystemError, "error return without exception set");
    } else {
        exc_raise_value(exc);
    }
}

ObjClass *api_builtin_class(const char *name) {
    Value c = dict_get_str(ST->builtins, str_intern_c(name));
    return c && IS_CLASS(c) ? AS_CLASS(c) : NULL;
}

bool pyish_error_pending(pyish_State *S) {
    return S->error != VAL_NULL;
}

void pyish_error_clear(pyish_State *S) {
    set_error(S, VAL_NULL);
}

// Text written to a memory stream by [fn]; malloc'd.
static char *capture(pyish_State *S, void (*fn)(pyish_State *S, FILE *out)) {
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    if (!out) {
        return NULL;
    }
    fn(S, out);
    fclose(out);
    return buf;
}

static void write_traceback(pyish_State *S, FILE *out) {
    interp_format_exception(S->error, out);
}

const char *pyish_error_type(pyish_State *S) {
    if (!S->error) {
        return NULL;
    }
    if (!S->err_type) {
        api_enter(S);
        S->err_type = strdup(val_class(S->error)->name->data);
        api_leave(S);
    }
    return S->err_type;
}

const char *pyish_error_message(pyish_State *S) {
    if (!S->error) {
        return NULL;
    }
    if (!S->err_msg) {
        api_enter(S);
        Value saved = exc_take();
        Value s = obj_str(S->error);
        S->err_msg = strdup(s ? AS_STR(s)->data : "<exception str() failed>");
        exc_clear();
        if (saved) {
            exc_raise_value(saved);
        }
        api_leave(S);
    }
    return S->err_msg;
}

const char *pyish_error_traceback(pyish_State *S) {
    if (!S->error) {
        return NULL;
    }
    if (!S->err_tb) {
        api_enter(S);
        S->err_tb = capture(S, write_traceback);
        exc_clear();
        api_leave(S);
    }
    return S->err_tb;
}

pyish_Value *pyish_error_value(pyish_State *S) {
    if (!S->error) {
        return NULL;
    }
    api_enter(S);
    pyish_Value *h = api_handle(S, S->error);
    api_leave(S);
    return h;
}

bool pyish_error_matches(pyish_State *S, const char *type_name) {
    if (!S->error) {
        return false;
    }
    api_enter(S);
    ObjClass *c = api_builtin_class(type_name);
    bool r = c && exc_matches(S->error, OBJ_VAL(c));
    api_leave(S);
    return r;
}

static int exit_status(Value exc) {
    if (!exc_matches(exc, OBJ_VAL(exc_SystemExit))) {
        return 1;
    }
    ObjException *e = AS_EXC(exc);
    Value code = e->args->len == 1 ? e->args->items[0] : e->args->len == 0 ? VAL_NONE : VAL_TRUE;
    if (IS_NONE(code) || code == VAL_FALSE) {
        return 0;
    }
    if (IS_SMALL(code)) {
        return (int)(AS_SMALL(code) & 0xff);
    }
    return 1;
}

int pyish_error_exit_status(pyish_State *S) {
    if (!S->error) {
        return 0;
    }
    api_enter(S);
    int r = exit_status(S->error);
    api_leave(S);
    return r;
}

int pyish_raise(pyish_State *S, const char *type_name, const char *fmt, ...) {
    api_enter(S);
    ObjClass *c = api_builtin_class(type_name);
    if (!c || !class_is_subclass(c, exc_BaseException)) {
        c = exc_RuntimeError;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    exc_raise(c, "%s", buf);
    api_fail(S);
    api_leave(S);
    return PYISH_ERROR;
}

int pyish_raise_value(pyish_State *S, pyish_Value *exc) {
    api_enter(S);
    if (!exc_raise_value(api_val(exc)) && !exc_pending()) {
        exc_raise(exc_TypeError, "exceptions must derive from BaseException");
    }
    api_fail(S);
    api_leave(S);
    return PYISH_ERROR;
}

void pyish_interrupt(pyish_State *S) {
    __atomic_store_n(S->intr, VM_INTERRUPT_SIGINT, __ATOMIC_RELAXED);
}

void pyish_set_memory_limit(pyish_State *S, size_t bytes) {
    S->cfg.memory_limit = bytes;
    api_enter(S);
    mem_set_heap_cap(bytes);
    api_leave(S);
}

void pyish_set_time_budget(pyish_State *S, double cpu_seconds) {
    S->budget = cpu_seconds > 0 ? cpu_seconds : 0;
}

// ---- output through cfg.write: sys.stdout and sys.stderr become streams
// of this class (fd in the instance)

typedef struct HostStream {
    Obj hdr;
    int fd;
} HostStream;

static Value stream_write(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("write", kw) || !arg_count("write", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "write() argument must be str, not %s", val_type_name(argv[1]));
    }
    pyish_State *S = api_current();
    ObjStr *s = AS_STR(argv[1]);
    S->cfg.write(S->cfg.write_ud, ((HostStream *)AS_OBJ(argv[0]))->fd, s->data, s->len);
    return int_from_i64((int64_t)s->cplen);
}

static Value stream_flush(int argc, Value *argv, ObjDict *kw) {
    return VAL_NONE;
}

static Value stream_isatty(int argc, Value *argv, ObjDict *kw) {
    return VAL_FALSE;
}

static const MethodDef stream_methods[] = {
    {"write", stream_write},
    {"flush", stream_flush},
    {"isatty", stream_isatty},
    {NULL, NULL},
};

// sys.stdout/sys.stderr through cfg.write.
static bool setup_sys(pyish_State *S) {
    Value sys = import_module_value(str_intern_c("sys"));
    if (!sys) {
        return false;
    }
    ObjDict *d = ((ObjModule *)AS_OBJ(sys))->dict;
    if (S->cfg.write) {
        S->stream_class = class_new_builtin("HostStream", NULL, sizeof(HostStream), stream_methods);
        S->stream_class->new_ = NULL;
        static const char *const names[] = {"stdout", "stderr"};
        for (int fd = 1; fd <= 2; fd++) {
            HostStream *st = (HostStream *)obj_alloc(S->stream_class, sizeof(HostStream));
            st->fd = fd;
            dict_set_str(d, str_intern_c(names[fd - 1]), OBJ_VAL(st));
        }
    }
    return true;
}

// ---- states

pyish_State *pyish_new(const pyish_Config *cfg) {
    pyish_State *S = calloc(1, sizeof *S);
    if (!S) {
        new_error = "out of memory";
        return NULL;
    }
    if (cfg) {
        S->cfg = *cfg;
    }
    S->handles.next = S->handles.prev = &S->handles;
    S->budget = S->cfg.time_budget > 0 ? S->cfg.time_budget : 0;
    StateConfig sc = {
        .memory_limit = S->cfg.memory_limit,
        .argc = S->cfg.argc > 0 ? S->cfg.argc : 0,
        .argv = S->cfg.argc > 0 ? (char **)S->cfg.argv : NULL,
        .script_dir = "",
        .virtual_clock = S->cfg.virtual_clock,
        .sandbox = S->cfg.sandbox,
        .write = S->cfg.write,
        .write_ud = S->cfg.write_ud,
    };
    State *prev = ST;
    S->st = state_new(&sc);
    if (!S->st) {
        state_swap(prev);
        free(S);
        new_error = "out of memory";
        return NULL;
    }
    S->st->host = S;
    S->intr = &S->st->interrupted;
    S->depth = 1;
    S->prev_st = prev;
    if (!S->cfg.sandbox) {      // (the sandbox searches no folder: interp.c)
        ST->search_path = strdup(S->cfg.module_path ? S->cfg.module_path : "");
    }
    gc_add_root_marker(mark_api);
    S->cfunc_class = api_cfunc_class();
    if (!setup_sys(S)) {
        exc_clear();
    }
    S->depth = 0;
    state_swap(prev);
    S->prev_st = NULL;
    return S;
}

void pyish_free(pyish_State *S) {
    if (!S) {
        return;
    }
    api_enter(S);
    loop_forget_tasks(S->loop);
    interp_shutdown();
    exc_clear();
    while (S->handles.next != &S->handles) {
        pyish_release(S, S->handles.next);
    }
    set_error(S, VAL_NULL);
    S->loop = NULL;
    api_leave(S);
    state_free(S->st);
    free(S);
}

// ---- running code

static ObjDict *main_dict(void) {
    return interp_main_globals();
}

pyish_Value *pyish_compile(pyish_State *S, const char *src, size_t len, const char *filename) {
    api_enter(S);
    ObjCode *code = interp_compile(src, len, filename ? filename : "<string>", false, NULL);
    return api_result(S, code ? OBJ_VAL(code) : VAL_NULL);
}

int pyish_run_code(pyish_State *S, pyish_Value *code, pyish_Value *globals) {
    api_enter(S);
    int rc = PYISH_OK;
    Value c = api_val(code), g = api_val(globals);
    if (!c || !IS_A(c, cls_code)) {
        exc_raise(exc_TypeError, "pyish_run_code() needs a code handle from pyish_compile()");
        rc = api_fail(S);
    } else if (g && !IS_DICT(g)) {
        exc_raise(exc_TypeError, "globals must be a dict, not %s", val_type_name(g));
        rc = api_fail(S);
    } else {
        ObjDict *d = g ? AS_DICT(g) : main_dict();
        if (!dict_get_str(d, str_intern_c("__builtins__"))) {
            dict_set_str(d, str_intern_c("__builtins__"), OBJ_VAL(ST->builtins));
        }
        if (!vm_run_module((ObjCode *)AS_OBJ(c), d)) {
            rc = api_fail(S);
        }
    }
    api_leave(S);
    return rc;
}

static int run_text(pyish_State *S, const char *src, size_t len, const char *filename) {
    ObjCode *code = interp_compile(src, len, filename, false, NULL);
    if (!code) {
        return api_fail(S);
    }
    gc_push_root(OBJ_VAL(code));
    Value r = vm_run_module(code, main_dict());
    gc_pop_root(1);
    return r ? PYISH_OK : api_fail(S);
}

int pyish_run_string(pyish_State *S, const char *src, const char *filename) {
    api_enter(S);
    int rc = run_text(S, src, strlen(src), filename ? filename : "<string>");
    api_leave(S);
    return rc;
}

int pyish_run_file(pyish_State *S, const char *path) {
    api_enter(S);
    int rc;
    size_t len;
    errno = 0;
    char *src = S->cfg.sandbox ? NULL : interp_read_file(path, &len);
    if (!src) {
        int e = S->cfg.sandbox ? EACCES : errno ? errno : EIO;
        ObjClass *cls = e == ENOENT ? exc_FileNotFoundError : e == EACCES ? exc_PermissionError : exc_OSError;
        Value args[3] = {MK_SMALL(e), str_from_c(strerror(e)), VAL_NULL};
        gc_push_root(args[1]);
        args[2] = str_from_c(path);
        gc_push_root(args[2]);
        Value exc = exc_new(cls, 3, args);
        gc_pop_root(2);
        if (exc) {
            exc_raise_value(exc);
        }
        rc = api_fail(S);
    } else {
        dict_set_str(main_dict(), str_intern_c("__file__"), str_from_c(path));
        rc = run_text(S, src, len, path);
        free(src);
    }
    api_leave(S);
    return rc;
}

pyish_Value *pyish_eval(pyish_State *S, const char *expr) {
    api_enter(S);
    Value args[2] = {str_from_c(expr), OBJ_VAL(main_dict())};
    gc_push_root(args[0]);
    Value ev = dict_get_str(ST->builtins, str_intern_c("eval"));
    Value r = ev ? vm_call(ev, 2, args, NULL) : exc_raise(exc_NameError, "name 'eval' is not defined");
    gc_pop_root(1);
    return api_result(S, r);
}

pyish_Value *pyish_globals(pyish_State *S) {
    api_enter(S);
    return api_result(S, OBJ_VAL(main_dict()));
}

pyish_Value *pyish_get_global(pyish_State *S, const char *name) {
    api_enter(S);
    Value v = dict_get_str(main_dict(), str_intern_c(name));
    if (!v) {
        v = exc_raise(exc_NameError, "name '%s' is not defined", name);
    }
    return api_result(S, v);
}

int pyish_set_global(pyish_State *S, const char *name, pyish_Value *v) {
    api_enter(S);
    int rc = PYISH_OK;
    if (!v) {
        exc_raise(exc_TypeError, "pyish_set_global(): NULL value");
        rc = api_fail(S);
    } else {
        dict_set_str(main_dict(), str_intern_c(name), v->v);
    }
    api_leave(S);
    return rc;
}

pyish_Value *pyish_import(pyish_State *S, const char *name) {
    api_enter(S);
    return api_result(S, import_module_value(str_intern_c(name)));
}
