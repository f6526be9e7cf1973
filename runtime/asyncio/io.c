// io.c: what the event loop waits on besides time, on libuv. One libuv
// loop per interpreter state (ST->uv, made on first use) polls file
// descriptors (a uv_poll_t per fd that has a reader or a writer, as
// CPython's selector does) and signals (uv_signal_t); their callbacks only
// queue the loop's Handles on the C ready queue, so our scheduler, timer
// heap, virtual clock and deadlock report stay in loop.c. io_wait() is the
// loop's idle wait when something could wake it: libuv blocks until an
// event or the next deadline, in slices so that Ctrl-C is seen.
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <uv.h>
#include "asyncio.h"
#include "runtime.h"
#include "gc.h"
#include "clock.h"
#include "class.h"
#include "numstr.h"

struct IoWatch {
    uv_poll_t poll;
    ObjLoop *loop;
    int fd;
    int events;             // UV_READABLE | UV_WRITABLE being polled
    Value reader, writer;   // Handles, or VAL_NULL
};

struct SigWatch {
    uv_signal_t sig;
    ObjLoop *loop;
    Value handle;
    struct sigaction saved; // the action before libuv took the signal
};

static uv_loop_t *uv(void) {
    if (!ST->uv) {
        ST->uv = malloc(sizeof(uv_loop_t));
        if (!ST->uv || uv_loop_init(ST->uv) != 0) {
            abort();
        }
        ST->uv_timer = malloc(sizeof(uv_timer_t));
        uv_timer_init(ST->uv, ST->uv_timer);
    }
    return ST->uv;
}

// In the child of os.fork(): libuv's epoll and signal fds were shared with
// the parent; uv_loop_fork gives the child its own.
void io_after_fork(void) {
    if (ST->uv) {
        uv_loop_fork(ST->uv);
    }
}

uv_loop_t *io_uv(void) {
    return uv();
}

static void on_closed(uv_handle_t *h) {
    free(h->data);
}

static void push_handle(ObjLoop *loop, Value h) {
    loop_push(loop, R_HANDLE, h, VAL_NULL);
}

static void on_poll(uv_poll_t *p, int status, int events) {
    struct IoWatch *w = p->data;
    // an error (the fd was closed under us, a hang-up) wakes both sides:
    // their read or write then sees the error, as with select()
    if (status < 0) {
        events = w->events;
        // libuv stopped polling the fd on that error (POLLERR): poll it
        // again, as a selector goes on doing, or a UDP socket that got an
        // ICMP error (a refused port) would never be read from again
        if (fcntl(w->fd, F_GETFD) != -1) {
            uv_poll_start(&w->poll, w->events, on_poll);
        }
    }
    if ((events & UV_READABLE) && w->reader) {
        push_handle(w->loop, w->reader);
    }
    if ((events & UV_WRITABLE) && w->writer) {
        push_handle(w->loop, w->writer);
    }
}

static struct IoWatch *watch_get(ObjLoop *loop, int fd) {
    return fd < (int)loop->nio ? loop->io[fd] : NULL;
}

static bool watch_update(ObjLoop *loop, struct IoWatch *w) {
    int ev = (w->reader ? UV_READABLE : 0) | (w->writer ? UV_WRITABLE : 0);
    if (ev == w->events) {
        return true;
    }
    if (ev == 0) {
        uv_poll_stop(&w->poll);
        uv_close((uv_handle_t *)&w->poll, on_closed);
        loop->io[w->fd] = NULL;
        loop->nwatch--;
        return true;
    }
    int r = uv_poll_start(&w->poll, ev, on_poll);
    if (r < 0) {
        exc_raise_oserror(-r, VAL_NULL, VAL_NULL);
        return false;
    }
    w->events = ev;
    return true;
}

bool io_add(ObjLoop *loop, int fd, bool writer, Value handle) {
    if (fd < 0) {
        exc_raise(exc_ValueError, "Invalid file descriptor: %d", fd);
        return false;
    }
    struct IoWatch *w = watch_get(loop, fd);
    if (!w) {
        if ((size_t)fd >= loop->nio) {
            size_t n = loop->nio ? loop->nio : 16;
            while (n <= (size_t)fd) {
                n *= 2;
            }
            struct IoWatch **io = realloc(loop->io, n * sizeof *io);
            if (!io) {
                exc_raise_nomem();
                return false;
            }
            memset(io + loop->nio, 0, (n - loop->nio) * sizeof *io);
            loop->io = io;
            loop->nio = n;
        }
        w = calloc(1, sizeof *w);
        // uv_poll_init makes the fd non-blocking; CPython's add_reader
        // leaves its mode alone (uv_poll only polls: blocking is fine)
        int flags = fcntl(fd, F_GETFL);
        int r = w ? uv_poll_init(uv(), &w->poll, fd) : UV_ENOMEM;
        if (r == 0 && flags >= 0 && !(flags & O_NONBLOCK)) {
            fcntl(fd, F_SETFL, flags);
        }
        if (r < 0) {
            free(w);
            // epoll refuses regular files (EPERM), as CPython's selector does
            exc_raise_oserror(-r, VAL_NULL, VAL_NULL);
            return false;
        }
        w->poll.data = w;
        w->loop = loop;
        w->fd = fd;
        w->reader = w->writer = VAL_NULL;
        loop->io[fd] = w;
        loop->nwatch++;
    }
    Value *slot = writer ? &w->writer : &w->reader;
    Value old = *slot;
    *slot = handle;
    if (!watch_update(loop, w)) {
        *slot = old;
        watch_update(loop, w);
        return false;
    }
    if (old) {
        ((ObjHandle *)AS_OBJ(old))->cancelled = true;
    }
    return true;
}

bool io_remove(ObjLoop *loop, int fd, bool writer) {
    struct IoWatch *w = fd >= 0 ? watch_get(loop, fd) : NULL;
    if (!w) {
        return false;
    }
    Value *slot = writer ? &w->writer : &w->reader;
    if (!*slot) {
        return false;
    }
    ((ObjHandle *)AS_OBJ(*slot))->cancelled = true;
    *slot = VAL_NULL;
    watch_update(loop, w);
    return true;
}

Value io_get(ObjLoop *loop, int fd, bool writer) {
    struct IoWatch *w = fd >= 0 ? watch_get(loop, fd) : NULL;
    return w ? (writer ? w->writer : w->reader) : VAL_NULL;
}

static void on_signal(uv_signal_t *s, int signum) {
    struct SigWatch *w = s->data;
    push_handle(w->loop, w->handle);
}

bool io_signal_add(ObjLoop *loop, int sig, Value handle) {
    if (sig <= 0 || sig >= IO_NSIG) {
        exc_raise(exc_ValueError, "sig %d out of range(1, %d)", sig, IO_NSIG);
        return false;
    }
    struct SigWatch *w = loop->sigs[sig];
    if (w) {
        ((ObjHandle *)AS_OBJ(w->handle))->cancelled = true;
        w->handle = handle;
        return true;
    }
    w = calloc(1, sizeof *w);
    if (!w) {
        exc_raise_nomem();
        return false;
    }
    sigaction(sig, NULL, &w->saved);
    uv_signal_init(uv(), &w->sig);
    w->sig.data = w;
    int r = uv_signal_start(&w->sig, on_signal, sig);
    if (r < 0) {
        uv_close((uv_handle_t *)&w->sig, on_closed);
        exc_raise_oserror(-r, VAL_NULL, VAL_NULL);
        return false;
    }
    w->loop = loop;
    w->handle = handle;
    loop->sigs[sig] = w;
    loop->nwatch++;
    return true;
}

bool io_signal_remove(ObjLoop *loop, int sig) {
    struct SigWatch *w = sig > 0 && sig < IO_NSIG ? loop->sigs[sig] : NULL;
    if (!w) {
        return false;
    }
    uv_signal_stop(&w->sig);
    // libuv leaves SIG_DFL behind: give back the handler it replaced (the
    // interpreter's SIGINT handler turns Ctrl-C into KeyboardInterrupt)
    sigaction(sig, &w->saved, NULL);
    ((ObjHandle *)AS_OBJ(w->handle))->cancelled = true;
    uv_close((uv_handle_t *)&w->sig, on_closed);
    loop->sigs[sig] = NULL;
    loop->nwatch--;
    return true;
}

bool io_could_wake(ObjLoop *loop) {
    return loop->nwatch > 0;
}

void io_trace(ObjLoop *loop) {
    resolve_trace(loop);
    for (size_t i = 0; i < loop->nio; i++) {
        struct IoWatch *w = loop->io[i];
        if (w) {
            gc_mark_value(w->reader);
            gc_mark_value(w->writer);
        }
    }
    for (int i = 0; i < IO_NSIG; i++) {
        if (loop->sigs[i]) {
            gc_mark_value(loop->sigs[i]->handle);
        }
    }
}

void io_close(ObjLoop *loop) {
    resolve_close(loop);
    for (size_t i = 0; i < loop->nio; i++) {
        struct IoWatch *w = loop->io[i];
        if (w) {
            w->reader = w->writer = VAL_NULL;
            watch_update(loop, w);
        }
    }
    for (int i = 0; i < IO_NSIG; i++) {
        io_signal_remove(loop, i);
    }
    free(loop->io);
    loop->io = NULL;
    loop->nio = 0;
}

static void on_timer(uv_timer_t *t) {
    (void)t;
}

// Waits for I/O until [until] on the loop's clock (INFINITY: until an event),
// or only collects what is ready when [until] is not in the future. On the
// virtual clock, time waited for I/O passes on it too. false: interrupted
// (the exception raised).
int io_backend_fd(ObjLoop *loop) {
    uv_loop_t *l = uv();
    size_t before = loop->rlen;
    uv_run(l, UV_RUN_NOWAIT);   // libuv adds new watchers to epoll only while it runs
    loop->io_polled |= loop->rlen > before;
    return uv_backend_fd(l);
}

bool io_wait(ObjLoop *loop, double until) {
    uv_loop_t *l = uv();
    size_t before = loop->rlen;
    if (loop->io_polled) {
        // what io_backend_fd found is queued, not yet run: polling again
        // now would queue the same readiness twice
        loop->io_polled = false;
        if (until <= clock_monotonic()) {
            return true;
        }
    }
    for (;;) {
        double now = clock_monotonic();
        double left = until - now;
        if (left <= 0 || loop->rlen > before) {
            uv_run(l, UV_RUN_NOWAIT);
            return true;
        }
        double slice = left > 0.05 ? 0.05 : left;
        uint64_t ms = (uint64_t)ceil(slice * 1000.0);
        uv_update_time(l);
        uv_timer_start(ST->uv_timer, on_timer, ms, 0);
        double t0 = clock_real_monotonic();
        uv_run(l, UV_RUN_ONCE);
        uv_timer_stop(ST->uv_timer);
        if (ST->clock_virtual) {
            double waited = clock_real_monotonic() - t0;
            double to = now + waited;
            clock_advance_to(to < until ? to : until);
        }
        if (STATE_INTERRUPT() && vm_raise_interrupt()) {
            return false;
        }
        if (loop->rlen > before) {
            return true;
        }
    }
}

static void close_leftover(uv_handle_t *h, void *arg) {
    (void)arg;
    if (!uv_is_closing(h)) {
        uv_close(h, NULL);
    }
}

void io_state_free(void) {
    if (!ST->uv) {
        return;
    }
    uv_close((uv_handle_t *)ST->uv_timer, NULL);
    // every loop is closed by now (gc_free_all finalized them); a handle
    // left open anyway is closed here, so that only lookups still running
    // in the thread pool keep libuv busy: they must finish (their
    // callbacks only free them)
    uv_walk(ST->uv, close_leftover, NULL);
    while (uv_run(ST->uv, UV_RUN_NOWAIT) != 0 || uv_loop_close(ST->uv) == UV_EBUSY) {
        uv_run(ST->uv, UV_RUN_ONCE);
    }
    free(ST->uv_timer);
    free(ST->uv);
    ST->uv = NULL;
    ST->uv_timer = NULL;
}

// ---- the loop's primitive methods (the pyish half, asyncio.selector_events,
// builds add_reader, sock_recv, transports and servers on them)

static bool fd_arg(Value v, int *fd) {
    if (!int_check(v)) {
        Value m = obj_getattr_opt(v, str_intern_c("fileno"));
        if (!m) {
            exc_raise(exc_ValueError, "Invalid file object: %s", AS_STR(obj_repr(v))->data);
            return false;
        }
        v = vm_call(m, 0, NULL, NULL);
        if (!v) {
            return false;
        }
        if (!int_check(v)) {
            exc_raise(exc_TypeError, "fileno() returned a non-integer");
            return false;
        }
    }
    int64_t n;
    if (!int_to_i64(v, &n) || n < 0 || n > INT32_MAX) {
        if (!exc_pending()) {
            exc_raise(exc_ValueError, "Invalid file descriptor: %s", AS_STR(obj_repr(v))->data);
        }
        return false;
    }
    *fd = (int)n;
    return true;
}

static Value add_m(int argc, Value *argv, bool writer) {
    ObjLoop *loop = (ObjLoop *)AS_OBJ(argv[0]);
    int fd;
    if (argc < 3) {
        return exc_raise(exc_TypeError, "_add_%s() takes at least 2 arguments", writer ? "writer" : "reader");
    }
    if (!fd_arg(argv[1], &fd)) {
        return VAL_NULL;
    }
    if (loop->closed) {
        return exc_raise(exc_RuntimeError, "Event loop is closed");
    }
    Value h = loop_handle_new_here(loop, argv[2], argc - 3, argv + 3);
    if (!h) {
        return VAL_NULL;
    }
    gc_push_root(h);
    bool ok = io_add(loop, fd, writer, h);
    gc_pop_root(1);
    return ok ? h : VAL_NULL;
}

static Value remove_m(int argc, Value *argv, bool writer) {
    ObjLoop *loop = (ObjLoop *)AS_OBJ(argv[0]);
    int fd;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "_remove_%s() takes exactly 1 argument", writer ? "writer" : "reader");
    }
    if (!fd_arg(argv[1], &fd)) {
        return VAL_NULL;
    }
    return VAL_BOOL(io_remove(loop, fd, writer));
}

static Value add_reader_m(int argc, Value *argv, ObjDict *kw) {
    return add_m(argc, argv, false);
}

static Value add_writer_m(int argc, Value *argv, ObjDict *kw) {
    return add_m(argc, argv, true);
}

static Value remove_reader_m(int argc, Value *argv, ObjDict *kw) {
    return remove_m(argc, argv, false);
}

static Value remove_writer_m(int argc, Value *argv, ObjDict *kw) {
    return remove_m(argc, argv, true);
}

// _has_reader(fd) / _has_writer(fd): a live handle is registered
static Value has_m(int argc, Value *argv, bool writer) {
    int fd;
    if (argc != 2 || !fd_arg(argv[1], &fd)) {
        return argc != 2 ? exc_raise(exc_TypeError, "expected 1 argument") : VAL_NULL;
    }
    Value h = io_get((ObjLoop *)AS_OBJ(argv[0]), fd, writer);
    return VAL_BOOL(h && !((ObjHandle *)AS_OBJ(h))->cancelled);
}

static Value has_reader_m(int argc, Value *argv, ObjDict *kw) {
    return has_m(argc, argv, false);
}

static Value has_writer_m(int argc, Value *argv, ObjDict *kw) {
    return has_m(argc, argv, true);
}

// _add_signal(sig, callback, *args) -> Handle; _remove_signal(sig) -> bool
static Value add_signal_m(int argc, Value *argv, ObjDict *kw) {
    ObjLoop *loop = (ObjLoop *)AS_OBJ(argv[0]);
    int64_t sig;
    if (argc < 3 || !int_check(argv[1]) || !int_to_i64(argv[1], &sig)) {
        return exc_pending() ? VAL_NULL : exc_raise(exc_TypeError, "_add_signal(sig, callback, *args)");
    }
    if (sig <= 0 || sig >= IO_NSIG) {
        return exc_raise(exc_ValueError, "sig %lld out of range(1, %d)", (long long)sig, IO_NSIG);
    }
    Value h = loop_handle_new_here(loop, argv[2], argc - 3, argv + 3);
    if (!h) {
        return VAL_NULL;
    }
    gc_push_root(h);
    bool ok = io_signal_add(loop, (int)sig, h);
    gc_pop_root(1);
    return ok ? h : VAL_NULL;
}

static Value remove_signal_m(int argc, Value *argv, ObjDict *kw) {
    int64_t sig;
    if (argc != 2 || !int_check(argv[1]) || !int_to_i64(argv[1], &sig)) {
        return exc_pending() ? VAL_NULL : exc_raise(exc_TypeError, "_remove_signal(sig)");
    }
    return VAL_BOOL(sig > 0 && sig < IO_NSIG && io_signal_remove((ObjLoop *)AS_OBJ(argv[0]), (int)sig));
}

static const MethodDef io_methods[] = {
    {"_add_reader", add_reader_m},
    {"_add_writer", add_writer_m},
    {"_remove_reader", remove_reader_m},
    {"_remove_writer", remove_writer_m},
    {"_has_reader", has_reader_m},
    {"_has_writer", has_writer_m},
    {"_add_signal", add_signal_m},
    {"_remove_signal", remove_signal_m},
    {"_getaddrinfo_uv", resolve_getaddrinfo_m},
    {NULL, NULL},
};

// Copies the methods of namespace [ns] (not its own dunders: __module__,
// __qualname__...) into builtin class [cls]; false with TypeError raised
// when [ns] is no dict.
bool aio_install_methods(ObjClass *cls, Value ns, const char *fn) {
    if (!IS_DICT(ns)) {
        exc_raise(exc_TypeError, "%s(dict)", fn);
        return false;
    }
    ObjDict *d = AS_DICT(ns);
    class_changed();
    for (size_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (e->key && IS_STR(e->key) && strncmp(AS_STR(e->key)->data, "__", 2) != 0) {
            dict_set(cls->dict, e->key, e->value);
        }
    }
    return true;
}

// _asyncio._install_loop_methods(namespace): the loop methods written in
// pyish (asyncio.selector_events) join the C loop class.
Value io_install_methods(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_install_loop_methods", argc, 1, 1) ||
        !aio_install_methods(cls_loop, argv[0], "_install_loop_methods")) {
        return VAL_NULL;
    }
    ST->aio_io_loaded = true;
    return VAL_NONE;
}

// A missing attribute of a loop may be one of the I/O methods written in
// pyish: they are loaded on first use, so `import asyncio` stays cheap.
static Value loop_ready(int argc, Value *argv, ObjDict *kw) {
    return loop_ready_snapshot((ObjLoop *)AS_OBJ(argv[0]));
}

static Value loop_getattr_missing(Value self, ObjStr *name) {
    if (ST->aio_io_loaded) {
        return VAL_NULL;
    }
    Value saved = exc_take();
    gc_push_root(saved);
    ST->aio_io_loaded = true;
    Value m = vm_import("asyncio.selector_events");
    gc_pop_root(1);
    if (!m) {
        return VAL_NULL;
    }
    return generic_getattr(self, name);
}

void io_init(void) {
    class_add_methods(cls_loop, io_methods);
    cls_loop->getattr_missing = loop_getattr_missing;
    class_add_getter(cls_loop, "_ready", loop_ready);
}
