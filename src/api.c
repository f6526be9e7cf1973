// api.c: the embedding API's states (include/pyish.h): creating one with
// its options (output callbacks, argv, module path, clock, limits, the
// sandbox), entering and leaving it around every API function (the current
// state of the thread, the CPU-time budget armed on the outermost entry),
// and the handle list the collector marks. Errors are in api_errors.c,
// running code in api_run.c, values and calls in api_values.c, C functions
// and modules in api_cfunc.c, tasks and futures in api_async.c.
//
// A pyish_State wraps one runtime State (runtime/state.h): entering makes
// it the thread's current state (state_swap), and the State points back at
// its pyish_State (field host) for the root marker and C functions.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "api_internal.h"
#include "class.h"
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
        .alloc = S->cfg.alloc,
        .alloc_ud = S->cfg.alloc_ud,
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
    pyish_error_clear(S);
    S->loop = NULL;
    api_leave(S);
    state_free(S->st);
    free(S);
}
