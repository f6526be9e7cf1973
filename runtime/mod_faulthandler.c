// mod_faulthandler.c: `faulthandler`, CPython's: enable() installs handlers
// for SIGSEGV, SIGFPE, SIGABRT, SIGBUS and SIGILL that write "Fatal Python
// error: Segmentation fault" and the running frames to a file descriptor
// before the signal kills the process; dump_traceback() writes the frames
// now; dump_traceback_later() from a watchdog thread after a timeout;
// register() on a user signal. The frames are written by
// vm_dump_frames_fd (src/traceback.c) with write(2) alone. One state
// enables it at a time (signal dispositions are the process's); the file
// and settings are that state's (ST->fh). -X faulthandler, -X dev and
// PYTHONFAULTHANDLER enable it at start-up (src/main.c).
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "gthread.h"
#include "module.h"
#include "runtime.h"
#include "vmapi.h"

static const struct { int sig; const char *name; } fatal_signals[] = {
    {SIGBUS, "Bus error"}, {SIGILL, "Illegal instruction"}, {SIGFPE, "Floating point exception"},
    {SIGABRT, "Aborted"}, {SIGSEGV, "Segmentation fault"},
};
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])

typedef struct UserSignal {
    bool on, all_threads, chain;
    int fd;
    Value file;
    struct sigaction old;
} UserSignal;

struct FaultHandler {
    bool enabled, all_threads;
    int fd;
    Value file;                         // kept alive while enabled
    struct sigaction old[NFATAL];
    stack_t altstack;
    // dump_traceback_later's watchdog
    pthread_t watchdog;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool watching, cancel, repeat, exit;
    double timeout;
    int later_fd;
    Value later_file;
    State *state;
    int64_t main_ident;                 // the thread the watchdog dumps
    UserSignal user[65];
};

void fd_write_all(int fd, const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void fd_write(int fd, const char *s) {
    fd_write_all(fd, s, strlen(s));
}

// Reads the arguments [names] (at most 4) of [fn] from positions and
// keywords into [a] (VAL_NULL: not given); the first is required.
static bool four_args(const char *fn, const char *const names[4], int argc, Value *argv, ObjDict *kw, Value a[4]) {
    if (argc > 4) {
        exc_raise(exc_TypeError, "%s() takes at most 4 arguments (%d given)", fn, argc);
        return false;
    }
    for (int i = 0; i < 4; i++) {
        a[i] = i < argc ? argv[i] : VAL_NULL;
    }
    size_t pos = 0;
    Value k, v, unknown = VAL_NULL;
    while (kw && dict_next(kw, &pos, &k, &v)) {
        int j = 0;
        while (j < 4 && strcmp(AS_STR(k)->data, names[j]) != 0) {
            j++;
        }
        if (j == 4) {
            unknown = unknown ? unknown : k;
        } else {
            a[j] = v;
        }
    }
    // (CPython's argument parser reports a missing argument first)
    if (!a[0]) {
        exc_raise(exc_TypeError, "%s() missing required argument '%s' (pos 1)", fn, names[0]);
        return false;
    }
    if (unknown) {
        exc_raise(exc_TypeError, "%s() got an unexpected keyword argument '%s'", fn, AS_STR(unknown)->data);
        return false;
    }
    return true;
}

static void thread_header(int fd, bool current) {
    char buf[64];
    int64_t id = ST ? gthread_ident() : (int64_t)pthread_self();
    // (snprintf is not async-signal-safe in general; glibc's %lx is, in practice)
    snprintf(buf, sizeof buf, "%s 0x%016lx (most recent call first):\n", current ? "Current thread" : "Thread",
             (unsigned long)id);
    fd_write(fd, buf);
}

static void dump(int fd, bool all_threads, State *s) {
    if (all_threads) {
        thread_header(fd, true);
    } else {
        fd_write(fd, "Stack (most recent call first):\n");
    }
    vm_dump_frames_fd(fd, s);
}

static struct FaultHandler *fh(void) {
    if (!ST->fh) {
        ST->fh = calloc(1, sizeof *ST->fh);
        if (ST->fh) {
            pthread_mutex_init(&ST->fh->lock, NULL);
            pthread_cond_init(&ST->fh->cond, NULL);
            ST->fh->state = ST;
        }
    }
    return ST->fh;
}

static void fatal_handler(int sig) {
    int saved = errno;
    struct FaultHandler *h = ST ? ST->fh : NULL;
    size_t i = 0;
    while (i < NFATAL && fatal_signals[i].sig != sig) {
        i++;
    }
    if (h && h->enabled && i < NFATAL) {
        fd_write(h->fd, "Fatal Python error: ");
        fd_write(h->fd, fatal_signals[i].name);
        fd_write(h->fd, "\n\n");
        dump(h->fd, h->all_threads, ST);
        sigaction(sig, &h->old[i], NULL);   // the previous handler (the default: the core dump)
    } else {
        signal(sig, SIG_DFL);
    }
    errno = saved;
    raise(sig);
}

// CPython's faulthandler_get_fileno: None (sys.stderr), an fd, or an
// object with fileno() (flushed first); -1 with the exception raised.
static int file_fd(Value file, Value *keep) {
    *keep = VAL_NULL;
    if (!file || IS_NONE(file)) {
        file = sys_current("stderr");
        if (!file) {
            return 2;   // (no sys module made yet: the process's stderr)
        }
        if (IS_NONE(file)) {
            exc_raise(exc_RuntimeError, "sys.stderr is None");
            return -1;
        }
    }
    if (IS_INT(file)) {
        int64_t fd;
        if (!int_to_i64(file, &fd)) {
            return -1;
        }
        if (fd < 0 || fd > 0x7fffffff) {
            exc_raise(exc_ValueError, "file is not a valid file descripter");
            return -1;
        }
        return (int)fd;
    }
    Value r = call_method(file, "fileno", 0, NULL);
    if (!r) {
        return -1;
    }
    int64_t fd = -1;
    if (!IS_INT(r) || !int_to_i64(r, &fd) || fd < 0 || fd > 0x7fffffff) {
        exc_clear();
        exc_raise(exc_RuntimeError, "file.fileno() is not a valid file descriptor");
        return -1;
    }
    if (!call_method(file, "flush", 0, NULL)) {
        exc_clear();    // (a flush error is ignored, as CPython's)
    }
    *keep = file;
    return (int)fd;
}

// The file= and all_threads= arguments of enable/dump_traceback/register.
static bool file_args(const char *fn, int argc, Value *argv, ObjDict *kw, int first, Value *file, bool *all_threads) {
    static const char *const names[] = {"file", "all_threads"};
    Value a[2] = {VAL_NULL, VAL_NULL};
    for (int i = first; i < argc; i++) {
        if (i - first >= 2) {
            exc_raise(exc_TypeError, "%s() takes at most %d arguments (%d given)", fn, first + 2, argc);
            return false;
        }
        a[i - first] = argv[i];
    }
    size_t pos = 0;
    Value k, v;
    while (kw && dict_next(kw, &pos, &k, &v)) {
        int j = !strcmp(AS_STR(k)->data, "file") ? 0 : !strcmp(AS_STR(k)->data, "all_threads") ? 1 : -1;
        if (j < 0 || a[j]) {
            exc_raise(exc_TypeError, j < 0 ? "%s() got an unexpected keyword argument '%s'"
                                           : "argument for %s() given by name ('%s') and position",
                      fn, AS_STR(k)->data);
            return false;
        }
        a[j] = v;
    }
    (void)names;
    *file = a[0];
    int t = a[1] ? obj_truthy(a[1]) : 1;
    if (t < 0) {
        return false;
    }
    *all_threads = t;
    return true;
}

static Value fh_enable(int argc, Value *argv, ObjDict *kw) {
    Value file;
    bool all;
    if (!file_args("enable", argc, argv, kw, 0, &file, &all)) {
        return VAL_NULL;
    }
    Value keep;
    int fd = file_fd(file, &keep);
    struct FaultHandler *h = fd < 0 ? NULL : fh();
    if (!h) {
        return fd < 0 ? VAL_NULL : exc_raise_nomem();
    }
    h->fd = fd;
    h->file = keep;
    h->all_threads = all;
    if (!h->enabled) {
        stack_t cur;
        if (!h->altstack.ss_sp && sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE)) {
            // a stack for the handlers (a stack overflow leaves none), unless
            // the thread has one already (AddressSanitizer's: it unmaps it at
            // the thread's exit and must find its own)
            h->altstack.ss_size = SIGSTKSZ + 64 * 1024;
            h->altstack.ss_sp = malloc(h->altstack.ss_size);
            if (h->altstack.ss_sp && sigaltstack(&h->altstack, NULL) != 0) {
                free(h->altstack.ss_sp);
                h->altstack.ss_sp = NULL;
            }
        }
        for (size_t i = 0; i < NFATAL; i++) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = fatal_handler;
            sigemptyset(&sa.sa_mask);
            sa.sa_flags = SA_NODEFER | SA_ONSTACK;
            sigaction(fatal_signals[i].sig, &sa, &h->old[i]);
        }
        h->enabled = true;
    }
    return VAL_NONE;
}

static bool disable(struct FaultHandler *h) {
    if (!h || !h->enabled) {
        return false;
    }
    for (size_t i = 0; i < NFATAL; i++) {
        sigaction(fatal_signals[i].sig, &h->old[i], NULL);
    }
    h->enabled = false;
    h->file = VAL_NULL;
    return true;
}

static Value fh_disable(int argc, Value *argv, ObjDict *kw) {
    (void)argv;
    if (!arg_no_kw("disable", kw) || !arg_count("disable", argc, 0, 0)) {
        return VAL_NULL;
    }
    return VAL_BOOL(disable(ST->fh));
}

static Value fh_is_enabled(int argc, Value *argv, ObjDict *kw) {
    (void)argv;
    if (!arg_no_kw("is_enabled", kw) || !arg_count("is_enabled", argc, 0, 0)) {
        return VAL_NULL;
    }
    return VAL_BOOL(ST->fh && ST->fh->enabled);
}

static Value fh_dump_traceback(int argc, Value *argv, ObjDict *kw) {
    Value file;
    bool all;
    if (!file_args("dump_traceback", argc, argv, kw, 0, &file, &all)) {
        return VAL_NULL;
    }
    Value keep;
    int fd = file_fd(file, &keep);
    if (fd < 0) {
        return VAL_NULL;
    }
    dump(fd, all, ST);
    return VAL_NONE;
}

// ---- dump_traceback_later: a watchdog thread

static void *watchdog(void *arg) {
    struct FaultHandler *h = arg;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + h->timeout;
        ts.tv_sec = (time_t)end;
        ts.tv_nsec = (long)((end - (double)ts.tv_sec) * 1e9);
        int rc = 0;
        while (!h->cancel && rc != ETIMEDOUT) {
            rc = pthread_cond_timedwait(&h->cond, &h->lock, &ts);
        }
        if (h->cancel) {
            break;
        }
        char buf[64];
        double t = h->timeout;
        unsigned long sec = (unsigned long)t, us = (unsigned long)((t - (double)sec) * 1e6 + 0.5);
        if (us) {
            snprintf(buf, sizeof buf, "Timeout (%lu:%02lu:%02lu.%06lu)!\n", sec / 3600, sec / 60 % 60, sec % 60, us);
        } else {
            snprintf(buf, sizeof buf, "Timeout (%lu:%02lu:%02lu)!\n", sec / 3600, sec / 60 % 60, sec % 60);
        }
        fd_write(h->later_fd, buf);
        // the interpreter's thread, read from here as CPython's watchdog does
        char head[80];
        snprintf(head, sizeof head, "Thread 0x%016lx (most recent call first):\n", (unsigned long)h->main_ident);
        fd_write(h->later_fd, head);
        vm_dump_frames_fd(h->later_fd, h->state);
        if (h->exit) {
            _exit(1);
        }
        if (!h->repeat) {
            break;
        }
    }
    h->watching = false;
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

static void cancel_later(struct FaultHandler *h) {
    if (!h || !h->watching) {
        return;
    }
    pthread_mutex_lock(&h->lock);
    h->cancel = true;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->watchdog, NULL);
    h->watching = false;
    h->later_file = VAL_NULL;
}

static Value fh_dump_traceback_later(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"timeout", "repeat", "file", "exit"};
    Value a[4];
    if (!four_args("dump_traceback_later", names, argc, argv, kw, a)) {
        return VAL_NULL;
    }
    double timeout;
    if (!val_to_double(a[0], &timeout)) {
        return VAL_NULL;
    }
    if (!(timeout > 0)) {
        return exc_raise(exc_ValueError, "timeout must be greater than 0");
    }
    if (timeout > 1e15) {
        return exc_raise(exc_OverflowError, "timeout value is too large");
    }
    int repeat = a[1] ? obj_truthy(a[1]) : 0, ex = a[3] ? obj_truthy(a[3]) : 0;
    if (repeat < 0 || ex < 0) {
        return VAL_NULL;
    }
    Value keep;
    int fd = file_fd(a[2], &keep);
    if (fd < 0) {
        return VAL_NULL;
    }
    struct FaultHandler *h = fh();
    if (!h) {
        return exc_raise_nomem();
    }
    cancel_later(h);
    h->timeout = timeout;
    h->repeat = repeat;
    h->exit = ex;
    h->later_fd = fd;
    h->later_file = keep;
    h->cancel = false;
    h->main_ident = gthread_ident();
    h->watching = true;
    if (pthread_create(&h->watchdog, NULL, watchdog, h) != 0) {
        h->watching = false;
        return exc_raise(exc_RuntimeError, "unable to start watchdog thread");
    }
    return VAL_NONE;
}

static Value fh_cancel_later(int argc, Value *argv, ObjDict *kw) {
    (void)argv;
    if (!arg_no_kw("cancel_dump_traceback_later", kw) || !arg_count("cancel_dump_traceback_later", argc, 0, 0)) {
        return VAL_NULL;
    }
    cancel_later(ST->fh);
    return VAL_NONE;
}

// ---- register: a user signal dumps the frames

static void user_handler(int sig) {
    int saved = errno;
    struct FaultHandler *h = ST ? ST->fh : NULL;
    if (h && sig > 0 && sig < 65 && h->user[sig].on) {
        UserSignal *u = &h->user[sig];
        dump(u->fd, u->all_threads, ST);
        if (u->chain) {
            struct sigaction cur;
            sigaction(sig, &u->old, &cur);
            raise(sig);
            sigaction(sig, &cur, NULL);
        }
    }
    errno = saved;
}

static Value fh_register(int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"signum", "file", "all_threads", "chain"};
    Value a[4];
    if (!four_args("register", names, argc, argv, kw, a)) {
        return VAL_NULL;
    }
    int64_t sig;
    if (!int_to_i64(a[0], &sig)) {
        return VAL_NULL;
    }
    Value file = a[1], chainv = a[3];
    int all = a[2] ? obj_truthy(a[2]) : 1;
    if (all < 0) {
        return VAL_NULL;
    }
    if (sig < 1 || sig >= 65) {
        return exc_raise(exc_ValueError, "signal number out of range");
    }
    for (size_t i = 0; i < NFATAL; i++) {
        if (fatal_signals[i].sig == sig) {
            return exc_raise(exc_RuntimeError, "signal %d cannot be registered, use enable() instead", (int)sig);
        }
    }
    int chain = chainv ? obj_truthy(chainv) : 0;
    if (chain < 0) {
        return VAL_NULL;
    }
    Value keep;
    int fd = file_fd(file, &keep);
    struct FaultHandler *h = fd < 0 ? NULL : fh();
    if (!h) {
        return fd < 0 ? VAL_NULL : exc_raise_nomem();
    }
    UserSignal *u = &h->user[sig];
    if (!u->on) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = user_handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART | (chain ? SA_NODEFER : 0);
        if (sigaction((int)sig, &sa, &u->old) != 0) {
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
    }
    u->on = true;
    u->fd = fd;
    u->file = keep;
    u->all_threads = all;
    u->chain = chain;
    return VAL_NONE;
}

static Value fh_unregister(int argc, Value *argv, ObjDict *kw) {
    int64_t sig;
    if (!arg_no_kw("unregister", kw) || !arg_count("unregister", argc, 1, 1) || !int_to_i64(argv[0], &sig)) {
        return VAL_NULL;
    }
    if (sig < 1 || sig >= 65) {
        return exc_raise(exc_ValueError, "signal number out of range");
    }
    struct FaultHandler *h = ST->fh;
    if (!h || !h->user[sig].on) {
        return VAL_FALSE;
    }
    sigaction((int)sig, &h->user[sig].old, NULL);
    h->user[sig].on = false;
    h->user[sig].file = VAL_NULL;
    return VAL_TRUE;
}

// ---- the crashes CPython's tests ask for

static Value fh_sigsegv(int argc, Value *argv, ObjDict *kw) {
    (void)argc; (void)argv; (void)kw;
    raise(SIGSEGV);
    return VAL_NONE;
}

static Value fh_sigabrt(int argc, Value *argv, ObjDict *kw) {
    (void)argc; (void)argv; (void)kw;
    abort();
}

static Value fh_sigfpe(int argc, Value *argv, ObjDict *kw) {
    (void)argc; (void)argv; (void)kw;
    raise(SIGFPE);
    return VAL_NONE;
}

static Value fh_read_null(int argc, Value *argv, ObjDict *kw) {
    (void)argc; (void)argv; (void)kw;
    raise(SIGSEGV);     // (what reading address 0 ends in, without the undefined behaviour)
    return VAL_NONE;
}

static void mark_fh(void) {
    struct FaultHandler *h = ST->fh;
    if (h) {
        gc_mark_value(h->file);
        gc_mark_value(h->later_file);
        for (int i = 0; i < 65; i++) {
            gc_mark_value(h->user[i].file);
        }
    }
}

void faulthandler_state_free(State *s) {
    struct FaultHandler *h = s->fh;
    if (!h) {
        return;
    }
    cancel_later(h);    // ([s] is the current state: state_free swapped it in)
    disable(h);
    for (int i = 1; i < 65; i++) {
        if (h->user[i].on) {
            sigaction(i, &h->user[i].old, NULL);
        }
    }
    if (h->altstack.ss_sp) {
        stack_t off = {.ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
        free(h->altstack.ss_sp);
    }
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->cond);
    free(h);
    s->fh = NULL;
}

static const MethodDef faulthandler_fns[] = {
    {"enable", fh_enable, true},
    {"disable", fh_disable, true},
    {"is_enabled", fh_is_enabled, true},
    {"dump_traceback", fh_dump_traceback, true},
    {"dump_traceback_later", fh_dump_traceback_later, true},
    {"cancel_dump_traceback_later", fh_cancel_later, true},
    {"register", fh_register, true},
    {"unregister", fh_unregister, true},
    {"_sigsegv", fh_sigsegv, false},
    {"_sigabrt", fh_sigabrt, false},
    {"_sigfpe", fh_sigfpe, false},
    {"_read_null", fh_read_null, false},
    {NULL, NULL, false},
};

Value mod_faulthandler_init(void) {
    Value m = module_new("faulthandler");
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, "faulthandler", faulthandler_fns);
    dict_set_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("__doc__"), str_from_c("faulthandler module."));
    gc_add_root_marker(mark_fh);
    return m;
}

// -X faulthandler, -X dev, PYTHONFAULTHANDLER: enable() at start-up.
bool faulthandler_enable_at_start(void) {
    return fh_enable(0, NULL, NULL) != VAL_NULL;
}
