// mod_signal.c: `_signal`, the C core of the signal module. signal()
// installs a C handler that only marks the signal as tripped and asks the
// VM for an interrupt; the Python handler then runs at the next safe point
// (a call or a backward jump), or when a blocking call sees EINTR, on the
// interpreter's thread, as CPython runs its handlers "between bytecodes".
// Also raise_signal, alarm, setitimer/getitimer, pause, strsignal,
// siginterrupt, set_wakeup_fd, pthread_sigmask, sigpending and sigwait.
// Handlers live in ST->sig_handlers; the event loop's add_signal_handler
// uses libuv instead (asyncio/io.c).
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <pthread.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "vmapi.h"
#include "numstr.h"
#include "asyncio/asyncio.h"

static void trip(int sig) {
    if (!ST) {
        return;
    }
    int e = errno;
    ST->sig_tripped[sig] = 1;
    int expected = 0;
    if (!__atomic_compare_exchange_n(&ST->interrupted, &expected, VM_INTERRUPT_SIGNAL, false, __ATOMIC_RELAXED,
                                     __ATOMIC_RELAXED) && expected == VM_INTERRUPT_SWITCH) {
        __atomic_compare_exchange_n(&ST->interrupted, &expected, VM_INTERRUPT_SIGNAL, false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED);
    }
    errno = e;
}

bool signal_run_pending(void) {
    for (int i = 1; i < SIG_NSIG; i++) {
        if (!ST->sig_tripped[i]) {
            continue;
        }
        ST->sig_tripped[i] = 0;
        Value h = ST->sig_handlers[i];
        if (!h || !IS_OBJ(h)) {
            continue;   // SIG_DFL/SIG_IGN (ints) or none
        }
        Value frame = vm_getframe(0, NULL, NULL);
        if (!frame) {
            exc_clear();
            frame = VAL_NONE;
        }
        gc_push_root(frame);
        Value args[2] = {MK_SMALL(i), frame};
        Value r = vm_call(h, 2, args, NULL);
        gc_pop_root(1);
        if (!r) {
            return false;
        }
    }
    return true;
}

static bool sig_arg(Value v, int *sig) {
    int64_t n;
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(v));
        return false;
    }
    if (!int_to_i64(v, &n)) {
        return false;
    }
    if (n < 1 || n >= SIG_NSIG) {
        exc_raise(exc_ValueError, "signal number out of range");
        return false;
    }
    *sig = (int)n;
    return true;
}

// signal(signalnum, handler) -> the previous handler. [handler]: 0 (SIG_DFL),
// 1 (SIG_IGN) or a callable, called (signum, frame) at a safe point.
static Value s_signal(int argc, Value *argv, ObjDict *kw) {
    int sig;
    if (!arg_count("signal", argc, 2, 2) || !sig_arg(argv[0], &sig)) {
        return VAL_NULL;
    }
    Value h = argv[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    int64_t which = -1;
    if (int_check(h)) {
        if (!int_to_i64(h, &which)) {
            return VAL_NULL;
        }
    }
    if (which == 0) {
        sa.sa_handler = SIG_DFL;
    } else if (which == 1) {
        sa.sa_handler = SIG_IGN;
    } else if (which == -1 && IS_OBJ(h)) {
        sa.sa_handler = trip;
    } else {
        return exc_raise(exc_TypeError, "signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object");
    }
    if (sigaction(sig, &sa, NULL) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    Value old = ST->sig_handlers[sig];
    ST->sig_handlers[sig] = IS_OBJ(h) ? h : MK_SMALL(which);
    ST->sig_tripped[sig] = 0;
    return old ? old : VAL_NONE;
}

// getsignal(signalnum) -> the handler signal() set, or None when unknown
static Value s_getsignal(int argc, Value *argv, ObjDict *kw) {
    int sig;
    if (!arg_count("getsignal", argc, 1, 1) || !sig_arg(argv[0], &sig)) {
        return VAL_NULL;
    }
    Value h = ST->sig_handlers[sig];
    if (h) {
        return h;
    }
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) < 0) {
        return VAL_NONE;
    }
    return sa.sa_handler == SIG_IGN ? MK_SMALL(1) : sa.sa_handler == SIG_DFL ? MK_SMALL(0) : VAL_NONE;
}

static Value s_raise_signal(int argc, Value *argv, ObjDict *kw) {
    int sig;
    if (!arg_count("raise_signal", argc, 1, 1) || !sig_arg(argv[0], &sig)) {
        return VAL_NULL;
    }
    if (raise(sig) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    if (STATE_INTERRUPT() && vm_raise_interrupt()) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

static Value s_alarm(int argc, Value *argv, ObjDict *kw) {
    int64_t s;
    if (!arg_count("alarm", argc, 1, 1) || !int_to_i64(argv[0], &s)) {
        return VAL_NULL;
    }
    return MK_SMALL(alarm((unsigned)s));
}

static Value timeval_pair(const struct itimerval *v) {
    return tuple_pack(2, float_new((double)v->it_value.tv_sec + (double)v->it_value.tv_usec * 1e-6),
                      float_new((double)v->it_interval.tv_sec + (double)v->it_interval.tv_usec * 1e-6));
}

static void to_timeval(double d, struct timeval *tv) {
    tv->tv_sec = (time_t)d;
    tv->tv_usec = (suseconds_t)((d - (double)tv->tv_sec) * 1e6);
    if (d > 0 && tv->tv_sec == 0 && tv->tv_usec == 0) {
        tv->tv_usec = 1;
    }
}

// setitimer(which, seconds, interval=0.0) -> the old (delay, interval)
static Value s_setitimer(int argc, Value *argv, ObjDict *kw) {
    int64_t which;
    double secs, interval = 0;
    if (!arg_count("setitimer", argc, 2, 3) || !int_to_i64(argv[0], &which) || !val_to_double(argv[1], &secs) ||
        (argc > 2 && !val_to_double(argv[2], &interval))) {
        return VAL_NULL;
    }
    struct itimerval nv, ov;
    to_timeval(secs, &nv.it_value);
    to_timeval(interval, &nv.it_interval);
    if (setitimer((int)which, &nv, &ov) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return timeval_pair(&ov);
}

static Value s_getitimer(int argc, Value *argv, ObjDict *kw) {
    int64_t which;
    if (!arg_count("getitimer", argc, 1, 1) || !int_to_i64(argv[0], &which)) {
        return VAL_NULL;
    }
    struct itimerval v;
    if (getitimer((int)which, &v) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return timeval_pair(&v);
}

// pause(): waits for a signal, then runs its handler
static Value s_pause(int argc, Value *argv, ObjDict *kw) {
    pause();
    if (STATE_INTERRUPT() && vm_raise_interrupt()) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

static Value s_strsignal(int argc, Value *argv, ObjDict *kw) {
    int sig;
    if (!arg_count("strsignal", argc, 1, 1) || !sig_arg(argv[0], &sig)) {
        return VAL_NULL;
    }
    const char *d = sigdescr_np(sig);
    return d ? str_from_c(d) : VAL_NONE;
}

static Value s_siginterrupt(int argc, Value *argv, ObjDict *kw) {
    int sig;
    if (!arg_count("siginterrupt", argc, 2, 2) || !sig_arg(argv[0], &sig)) {
        return VAL_NULL;
    }
    struct sigaction sa;
    sigaction(sig, NULL, &sa);
    if (obj_truthy(argv[1]) == 1) {
        sa.sa_flags &= ~SA_RESTART;
    } else {
        sa.sa_flags |= SA_RESTART;
    }
    sigaction(sig, &sa, NULL);
    return VAL_NONE;
}

// set_wakeup_fd(fd) -> the old fd: recorded only (the event loop polls
// signals through libuv, not through a wakeup fd)
static Value s_set_wakeup_fd(int argc, Value *argv, ObjDict *kw) {
    int64_t fd;
    if (!arg_count("set_wakeup_fd", argc, 1, 1) || !int_to_i64(argv[0], &fd)) {
        return VAL_NULL;
    }
    int64_t old = ST->sig_wakeup_fd;
    ST->sig_wakeup_fd = fd;
    return MK_SMALL(old);
}

// A sigset_t from an iterable of signal numbers, as CPython's iterable_to_sigset.
static bool to_sigset(Value v, sigset_t *set) {
    sigemptyset(set);
    Value it = obj_iter(v);
    if (!it) {
        return false;
    }
    gc_push_root(it);
    Value x;
    int more;
    while ((more = obj_next(it, &x)) == 1) {
        int64_t n;
        if (!int_check(x)) {
            exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(x));
            more = -1;
            break;
        }
        if (!int_to_i64(x, &n)) {
            more = -1;
            break;
        }
        if (n < 1 || n >= SIG_NSIG) {
            exc_raise(exc_ValueError, "signal number %lld out of range [1; %d]", (long long)n, SIG_NSIG - 1);
            more = -1;
            break;
        }
        sigaddset(set, (int)n);
    }
    gc_pop_root(1);
    return more == 0;
}

// The signal numbers in [set], as a list (signal.pyish makes the set of Signals).
static Value sigset_list(const sigset_t *set) {
    Value l = list_new(0);
    gc_push_root(l);
    for (int i = 1; i < SIG_NSIG; i++) {
        if (sigismember(set, i) == 1) {
            list_append(AS_LIST(l), MK_SMALL(i));
        }
    }
    gc_pop_root(1);
    return l;
}

// pthread_sigmask(how, sigs) -> the old mask; a signal it unblocks that was
// pending runs its handler before it returns, as in CPython.
static Value s_pthread_sigmask(int argc, Value *argv, ObjDict *kw) {
    int64_t how;
    sigset_t set, old;
    if (!arg_count("pthread_sigmask", argc, 2, 2) || !int_to_i64(argv[0], &how) || !to_sigset(argv[1], &set)) {
        return VAL_NULL;
    }
    int e = pthread_sigmask((int)how, &set, &old);
    if (e != 0) {
        return exc_raise_oserror(e, VAL_NULL, VAL_NULL);
    }
    if (STATE_INTERRUPT() && vm_raise_interrupt()) {
        return VAL_NULL;
    }
    return sigset_list(&old);
}

static Value s_sigpending(int argc, Value *argv, ObjDict *kw) {
    sigset_t set;
    if (!arg_count("sigpending", argc, 0, 0)) {
        return VAL_NULL;
    }
    if (sigpending(&set) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return sigset_list(&set);
}

// sigwait(sigs) -> the number of the (blocked, pending) signal it took
static Value s_sigwait(int argc, Value *argv, ObjDict *kw) {
    sigset_t set;
    int sig = 0;
    if (!arg_count("sigwait", argc, 1, 1) || !to_sigset(argv[0], &set)) {
        return VAL_NULL;
    }
    int e = sigwait(&set, &sig);
    if (e != 0) {
        return exc_raise_oserror(e, VAL_NULL, VAL_NULL);
    }
    return MK_SMALL(sig);
}

// _interrupt_dump(): signal.default_int_handler's task dump (Ctrl-C with
// --dump-tasks-on-interrupt, the REPL) before it raises KeyboardInterrupt.
static Value s_interrupt_dump(int argc, Value *argv, ObjDict *kw) {
    graph_interrupt_dump();
    return VAL_NONE;
}

// default_int_handler(signalnum, frame): SIGINT's handler until a program
// sets one; a builtin, as in CPython (getsignal() shows
// <built-in function default_int_handler>). Dumps the tasks first with
// --dump-tasks-on-interrupt and in the REPL, then raises KeyboardInterrupt.
static Value s_default_int_handler(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("default_int_handler", argc, 2, 2)) {
        return VAL_NULL;
    }
    graph_interrupt_dump();
    Value e = exc_new(exc_KeyboardInterrupt, 0, NULL);
    if (e) {
        exc_raise_value(e);
    }
    return VAL_NULL;
}

static void mark_handlers(void) {
    for (int i = 0; i < SIG_NSIG; i++) {
        gc_mark_value(ST->sig_handlers[i]);
    }
}

static const MethodDef signal_fns[] = {
    {"signal", s_signal},
    {"getsignal", s_getsignal},
    {"raise_signal", s_raise_signal},
    {"alarm", s_alarm},
    {"setitimer", s_setitimer},
    {"getitimer", s_getitimer},
    {"pause", s_pause},
    {"strsignal", s_strsignal},
    {"siginterrupt", s_siginterrupt},
    {"set_wakeup_fd", s_set_wakeup_fd},
    {"pthread_sigmask", s_pthread_sigmask},
    {"sigpending", s_sigpending},
    {"sigwait", s_sigwait},
    {"_interrupt_dump", s_interrupt_dump},
    {"default_int_handler", s_default_int_handler},
    {NULL, NULL},
};

Value mod_signal_init(void) {
    Value m = module_new("_signal");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "_signal", signal_fns);
    ST->sig_wakeup_fd = -1;
    gc_add_root_marker(mark_handlers);
    static const struct {
        const char *name;
        long value;
    } consts[] = {
        {"ITIMER_REAL", ITIMER_REAL}, {"ITIMER_VIRTUAL", ITIMER_VIRTUAL}, {"ITIMER_PROF", ITIMER_PROF},
        {"SIGRTMIN", 34}, {"SIGRTMAX", 64}, {"NSIG", SIG_NSIG},
        {"SIG_BLOCK", SIG_BLOCK}, {"SIG_UNBLOCK", SIG_UNBLOCK}, {"SIG_SETMASK", SIG_SETMASK},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), MK_SMALL(consts[i].value));
    }
    return m;
}
