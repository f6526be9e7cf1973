// mod_select.c: two small OS modules that CPython's selectors.py and
// subprocess.py (vendored in runtime/lib) stand on: `select` (select(),
// poll objects on poll(2), epoll objects) and `_posixsubprocess.fork_exec`,
// which forks and execs a child with its pipes in place, reporting a failed
// exec back through the error pipe in CPython's "OSError:<hex errno>:"
// format. Not registered in a sandboxed state.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"
#include "vmapi.h"
#include "numstr.h"
#include "clock.h"
#include "gthread.h"

// (declared in module.h: fcntl takes its fds the same way)
int fd_of(Value v) {
    if (int_check(v)) {
        int64_t n;
        if (!int_to_i64(v, &n)) {
            return -1;
        }
        if (n < 0) {
            exc_raise(exc_ValueError, "file descriptor cannot be a negative integer (%lld)", (long long)n);
            return -1;
        }
        return (int)n;
    }
    Value m = obj_getattr_opt(v, str_intern_c("fileno"));
    if (!m) {
        if (!exc_pending()) {
            exc_raise(exc_TypeError, "argument must be an int, or have a fileno() method.");
        }
        return -1;
    }
    Value r = vm_call(m, 0, NULL, NULL);
    if (!r) {
        return -1;
    }
    if (!int_check(r)) {
        exc_raise(exc_TypeError, "fileno() returned a non-integer");
        return -1;
    }
    return fd_of(r);
}

// select(rlist, wlist, xlist, timeout=None) -> three lists
static Value sel_select(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("select", argc, 3, 4)) {
        return VAL_NULL;
    }
    double timeout = -1;
    if (argc > 3 && !IS_NONE(argv[3])) {
        if (!val_to_double(argv[3], &timeout)) {
            exc_clear();
            return exc_raise(exc_TypeError, "timeout must be a float or None");
        }
        if (timeout < 0) {
            return exc_raise(exc_ValueError, "timeout must be non-negative");
        }
    }
    Value lists[3];
    size_t total = 0;
    for (int i = 0; i < 3; i++) {
        lists[i] = IS_LIST(argv[i]) ? argv[i] : seq_to_list(argv[i]);
        if (!lists[i]) {
            return VAL_NULL;
        }
        gc_push_root(lists[i]);
        total += AS_LIST(lists[i])->len;
    }
    struct pollfd *p = calloc(total ? total : 1, sizeof *p);
    size_t k = 0;
    static const short evs[3] = {POLLIN, POLLOUT, POLLPRI};
    for (int i = 0; i < 3; i++) {
        ObjList *l = AS_LIST(lists[i]);
        for (size_t j = 0; j < l->len; j++) {
            int fd = fd_of(l->items[j]);
            if (fd < 0) {
                free(p);
                gc_pop_root(3);
                return VAL_NULL;
            }
            p[k].fd = fd;
            p[k].events = evs[i];
            k++;
        }
    }
    int r = gthread_poll(p, (nfds_t)total, timeout);
    if (r < 0) {
        free(p);
        gc_pop_root(3);
        return VAL_NULL;
    }
    Value out[3];
    k = 0;
    for (int i = 0; i < 3; i++) {
        out[i] = list_new(0);
        gc_push_root(out[i]);
        ObjList *l = AS_LIST(lists[i]);
        for (size_t j = 0; j < l->len; j++, k++) {
            short want = i == 0 ? (POLLIN | POLLHUP | POLLERR) : i == 1 ? (POLLOUT | POLLERR) : POLLPRI;
            if (p[k].revents & POLLNVAL) {
                free(p);
                gc_pop_root(3 + i + 1);
                return exc_raise_oserror(EBADF, VAL_NULL, VAL_NULL);
            }
            if (p[k].revents & want) {
                list_append(AS_LIST(out[i]), l->items[j]);
            }
        }
    }
    free(p);
    Value t = tuple_pack(3, out[0], out[1], out[2]);
    gc_pop_root(6);
    return t;
}

// ---- poll objects: a dict fd -> events, polled as a whole

typedef struct ObjPoll {
    Obj hdr;
    Value fds;      // dict
} ObjPoll;

static void trace_poll(Obj *o) {
    gc_mark_value(((ObjPoll *)o)->fds);
}

static Value sel_poll(int argc, Value *argv, ObjDict *kw) {
    ObjPoll *p = (ObjPoll *)obj_alloc(cls_select_poll, sizeof(ObjPoll));
    p->fds = VAL_NULL;
    Value pv = OBJ_VAL(p);
    gc_push_root(pv);
    p->fds = dict_new();
    gc_pop_root(1);
    return pv;
}

static Value poll_register(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("register", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[1]);
    if (fd < 0) {
        return VAL_NULL;
    }
    int64_t ev = POLLIN | POLLPRI | POLLOUT;
    if (argc > 2 && !int_to_i64(argv[2], &ev)) {
        return VAL_NULL;
    }
    dict_set(AS_DICT(((ObjPoll *)AS_OBJ(argv[0]))->fds), MK_SMALL(fd), MK_SMALL(ev));
    return VAL_NONE;
}

static Value poll_modify(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("modify", argc - 1, 2, 2)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[1]);
    if (fd < 0) {
        return VAL_NULL;
    }
    ObjDict *d = AS_DICT(((ObjPoll *)AS_OBJ(argv[0]))->fds);
    Value old;
    if (dict_get(d, MK_SMALL(fd), &old) != 1) {
        return exc_raise_oserror(ENOENT, VAL_NULL, VAL_NULL);
    }
    return poll_register(argc, argv, kw);
}

static Value poll_unregister(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("unregister", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[1]);
    if (fd < 0) {
        return VAL_NULL;
    }
    ObjDict *d = AS_DICT(((ObjPoll *)AS_OBJ(argv[0]))->fds);
    if (dict_del(d, MK_SMALL(fd)) != 1) {
        if (!exc_pending()) {
            exc_raise_value(exc_new(exc_KeyError, 1, &argv[1]));
        }
        return VAL_NULL;
    }
    return VAL_NONE;
}

// poll(timeout=None) -> [(fd, events)]; timeout in milliseconds
static Value poll_poll(int argc, Value *argv, ObjDict *kw) {
    double timeout = -1;
    if (argc > 1 && !IS_NONE(argv[1])) {
        if (!val_to_double(argv[1], &timeout)) {
            return VAL_NULL;
        }
        timeout = timeout < 0 ? -1 : timeout / 1000.0;
    }
    ObjDict *d = AS_DICT(((ObjPoll *)AS_OBJ(argv[0]))->fds);
    size_t n = 0;
    struct pollfd *p = calloc(d->used ? d->used : 1, sizeof *p);
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key) {
            p[n].fd = (int)AS_SMALL(d->entries[i].key);
            p[n].events = (short)AS_SMALL(d->entries[i].value);
            n++;
        }
    }
    int r = gthread_poll(p, (nfds_t)n, timeout);
    if (r < 0) {
        free(p);
        return VAL_NULL;
    }
    Value out = list_new(0);
    gc_push_root(out);
    for (size_t i = 0; i < n; i++) {
        if (p[i].revents) {
            Value t = tuple_pack(2, MK_SMALL(p[i].fd), MK_SMALL(p[i].revents));
            list_append(AS_LIST(out), t);
        }
    }
    free(p);
    gc_pop_root(1);
    return out;
}

static const MethodDef poll_methods[] = {
    {"register", poll_register},
    {"modify", poll_modify},
    {"unregister", poll_unregister},
    {"poll", poll_poll},
    {NULL, NULL},
};

// ---- epoll objects: an epoll(7) fd, closed by close(), __exit__ or when swept

typedef struct ObjEpoll {
    Obj hdr;
    int fd;         // -1 once closed
} ObjEpoll;

static void finalize_epoll(Obj *o) {
    ObjEpoll *e = (ObjEpoll *)o;
    if (e->fd >= 0) {
        close(e->fd);
        e->fd = -1;
    }
}

static ObjEpoll *open_epoll(Value self) {
    ObjEpoll *e = (ObjEpoll *)AS_OBJ(self);
    if (e->fd < 0) {
        exc_raise(exc_ValueError, "I/O operation on closed epoll object");
        return NULL;
    }
    return e;
}

// epoll(sizehint=-1, flags=0)
static Value sel_epoll(int argc, Value *argv, ObjDict *kw) {
    int64_t hint = -1;
    if (!arg_count("epoll", argc, 0, 2) || (argc > 0 && !int_to_i64(argv[0], &hint))) {
        return VAL_NULL;
    }
    if (hint == 0 || hint < -1) {
        return exc_raise(exc_ValueError, "negative sizehint");
    }
    int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    ObjEpoll *e = (ObjEpoll *)obj_alloc(cls_select_epoll, sizeof(ObjEpoll));
    e->fd = fd;
    return OBJ_VAL(e);
}

static Value epoll_ctl_m(int op, const char *name, int argc, Value *argv) {
    int max = op == EPOLL_CTL_DEL ? 1 : 2;
    int min = op == EPOLL_CTL_MOD ? 2 : 1;
    if (!arg_count(name, argc - 1, min, max)) {
        return VAL_NULL;
    }
    ObjEpoll *e = open_epoll(argv[0]);
    if (!e) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[1]);
    if (fd < 0) {
        return VAL_NULL;
    }
    int64_t mask = EPOLLIN | EPOLLPRI | EPOLLOUT;
    if (argc > 2 && !int_to_i64(argv[2], &mask)) {
        return VAL_NULL;
    }
    struct epoll_event ev = {.events = (uint32_t)mask, .data.fd = fd};
    if (epoll_ctl(e->fd, op, fd, &ev) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value epoll_register(int argc, Value *argv, ObjDict *kw) {
    return epoll_ctl_m(EPOLL_CTL_ADD, "register", argc, argv);
}

static Value epoll_modify(int argc, Value *argv, ObjDict *kw) {
    return epoll_ctl_m(EPOLL_CTL_MOD, "modify", argc, argv);
}

static Value epoll_unregister(int argc, Value *argv, ObjDict *kw) {
    return epoll_ctl_m(EPOLL_CTL_DEL, "unregister", argc, argv);
}

// poll(timeout=None, maxevents=-1) -> [(fd, events)]; timeout in seconds,
// waited in slices so Ctrl-C and signal handlers are seen
static Value epoll_poll(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("poll", argc - 1, 0, 2)) {
        return VAL_NULL;
    }
    ObjEpoll *e = open_epoll(argv[0]);
    if (!e) {
        return VAL_NULL;
    }
    double timeout = -1;
    if (argc > 1 && !IS_NONE(argv[1]) && !val_to_double(argv[1], &timeout)) {
        return VAL_NULL;
    }
    int64_t maxevents = -1;
    if (argc > 2 && !int_to_i64(argv[2], &maxevents)) {
        return VAL_NULL;
    }
    if (maxevents == -1) {
        maxevents = 1023;
    } else if (maxevents < 1) {
        return exc_raise(exc_ValueError, "maxevents must be greater than 0, got %lld", (long long)maxevents);
    }
    struct epoll_event *evs = malloc(sizeof *evs * (size_t)maxevents);
    if (!evs) {
        return exc_raise_nomem();
    }
    // an epoll fd is readable while events are ready: wait for that (in
    // slices, other threads running meanwhile), then collect them
    double end = timeout >= 0 ? clock_monotonic() + timeout : 0;
    int r;
    for (;;) {
        struct pollfd p = {.fd = e->fd, .events = POLLIN};
        double left = timeout >= 0 ? end - clock_monotonic() : -1;
        r = e->fd < 0 ? 0 : gthread_poll(&p, 1, timeout >= 0 && left < 0 ? 0 : left);
        if (r < 0) {
            free(evs);
            return VAL_NULL;
        }
        if (r == 0 || e->fd < 0) {      // timed out, or closed by another thread meanwhile
            r = 0;
            break;
        }
        r = epoll_wait(e->fd, evs, (int)maxevents, 0);
        if (r < 0 && errno != EINTR) {
            free(evs);
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
        if (r > 0) {
            break;
        }
    }
    Value out = list_new(0);
    gc_push_root(out);
    for (int i = 0; i < r; i++) {
        list_append(AS_LIST(out), tuple_pack(2, MK_SMALL(evs[i].data.fd), int_from_i64((int64_t)evs[i].events)));
    }
    free(evs);
    gc_pop_root(1);
    return out;
}

static Value epoll_close(int argc, Value *argv, ObjDict *kw) {
    finalize_epoll(AS_OBJ(argv[0]));
    return VAL_NONE;
}

static Value epoll_fileno(int argc, Value *argv, ObjDict *kw) {
    ObjEpoll *e = open_epoll(argv[0]);
    return e ? MK_SMALL(e->fd) : VAL_NULL;
}

static Value epoll_enter(int argc, Value *argv, ObjDict *kw) {
    return open_epoll(argv[0]) ? argv[0] : VAL_NULL;
}

static Value epoll_exit(int argc, Value *argv, ObjDict *kw) {
    finalize_epoll(AS_OBJ(argv[0]));
    return VAL_NONE;
}

static Value epoll_getattr(Value self, ObjStr *name) {
    if (strcmp(name->data, "closed") == 0) {
        return VAL_BOOL(((ObjEpoll *)AS_OBJ(self))->fd < 0);
    }
    return generic_getattr(self, name);
}

static const MethodDef epoll_methods[] = {
    {"register", epoll_register},
    {"modify", epoll_modify},
    {"unregister", epoll_unregister},
    {"poll", epoll_poll},
    {"close", epoll_close},
    {"fileno", epoll_fileno},
    {"__enter__", epoll_enter},
    {"__exit__", epoll_exit},
    {NULL, NULL},
};

static const MethodDef select_fns[] = {
    {"select", sel_select},
    {"poll", sel_poll},
    {"epoll", sel_epoll},
    {NULL, NULL},
};

Value mod_select_init(void) {
    Value m = module_new("select");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    if (!cls_select_poll) {
        cls_select_poll = class_new_builtin("poll", NULL, sizeof(ObjPoll), poll_methods);
        cls_select_poll->module = str_intern_c("select");
        cls_select_poll->trace = trace_poll;
        cls_select_poll->new_ = NULL;
        cls_select_epoll = class_new_builtin("epoll", NULL, sizeof(ObjEpoll), epoll_methods);
        cls_select_epoll->module = str_intern_c("select");
        cls_select_epoll->finalize = finalize_epoll;
        cls_select_epoll->getattr = epoll_getattr;
        cls_select_epoll->new_ = NULL;
    }
    native_add_functions(d, "select", select_fns);
    dict_set_str(d, str_intern_c("error"), OBJ_VAL(exc_OSError));
    static const struct {
        const char *name;
        long value;
    } consts[] = {
        {"POLLIN", POLLIN}, {"POLLPRI", POLLPRI}, {"POLLOUT", POLLOUT}, {"POLLERR", POLLERR},
        {"POLLHUP", POLLHUP}, {"POLLNVAL", POLLNVAL}, {"POLLRDNORM", POLLRDNORM},
        {"POLLRDBAND", POLLRDBAND}, {"POLLWRNORM", POLLWRNORM}, {"POLLWRBAND", POLLWRBAND},
        {"POLLRDHUP", POLLRDHUP}, {"PIPE_BUF", PIPE_BUF},
        {"EPOLLIN", EPOLLIN}, {"EPOLLOUT", EPOLLOUT}, {"EPOLLPRI", EPOLLPRI}, {"EPOLLERR", EPOLLERR},
        {"EPOLLHUP", EPOLLHUP}, {"EPOLLET", (long)EPOLLET}, {"EPOLLONESHOT", EPOLLONESHOT},
        {"EPOLLEXCLUSIVE", EPOLLEXCLUSIVE}, {"EPOLLRDHUP", EPOLLRDHUP}, {"EPOLLRDNORM", EPOLLRDNORM},
        {"EPOLLRDBAND", EPOLLRDBAND}, {"EPOLLWRNORM", EPOLLWRNORM}, {"EPOLLWRBAND", EPOLLWRBAND},
        {"EPOLLMSG", EPOLLMSG}, {"EPOLL_CLOEXEC", EPOLL_CLOEXEC},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), MK_SMALL(consts[i].value));
    }
    return m;
}

// ---- _posixsubprocess.fork_exec

// A NULL-terminated array of C strings from a sequence of str/bytes (the
// strings are copied: the child uses them after fork).
static char **cstr_array(Value seq, const char *what) {
    if (IS_NONE(seq)) {
        return NULL;
    }
    Value l = seq_to_list(seq);
    if (!l) {
        return NULL;
    }
    gc_push_root(l);
    ObjList *ls = AS_LIST(l);
    char **a = calloc(ls->len + 1, sizeof *a);
    for (size_t i = 0; i < ls->len; i++) {
        Value v = ls->items[i];
        Value fs = IS_STR(v) || IS_BYTES(v) ? v : VAL_NULL;
        if (!fs && IS_OBJ(v)) {
            bool found;
            fs = call_method_opt(v, str_intern_c("__fspath__"), 0, NULL, &found);
            if (!found) {
                fs = VAL_NULL;
            }
        }
        if (!fs || !(IS_STR(fs) || IS_BYTES(fs))) {
            for (size_t j = 0; j < i; j++) {
                free(a[j]);
            }
            free(a);
            gc_pop_root(1);
            if (!exc_pending()) {
                exc_raise(exc_TypeError, "expected str, bytes or os.PathLike object, not %s", val_type_name(v));
            }
            return NULL;
        }
        const char *s = IS_STR(fs) ? AS_STR(fs)->data : (const char *)AS_BYTES(fs)->data;
        size_t n = IS_STR(fs) ? AS_STR(fs)->len : AS_BYTES(fs)->len;
        if (memchr(s, 0, n)) {
            for (size_t j = 0; j < i; j++) {
                free(a[j]);
            }
            free(a);
            gc_pop_root(1);
            exc_raise(exc_ValueError, "embedded null byte");
            return NULL;
        }
        a[i] = strndup(s, n);
    }
    gc_pop_root(1);
    (void)what;
    return a;
}

static void free_array(char **a) {
    if (a) {
        for (char **p = a; *p; p++) {
            free(*p);
        }
        free(a);
    }
}

static void write_all(int fd, const char *s, size_t n) {
    while (n > 0) {
        ssize_t r = write(fd, s, n);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            return;
        }
        s += r;
        n -= (size_t)r;
    }
}

static void child_fail(int errpipe, int err, bool before_exec) {
    char buf[64];
    char hex[16];
    int k = 0;
    unsigned e = (unsigned)err;
    do {
        hex[k++] = "0123456789abcdef"[e % 16];
        e /= 16;
    } while (e && k < 16);
    size_t n = 0;
    memcpy(buf, "OSError:", 8);
    n = 8;
    while (k > 0) {
        buf[n++] = hex[--k];
    }
    buf[n++] = ':';
    if (before_exec) {
        memcpy(buf + n, "noexec", 6);
        n += 6;
    }
    write_all(errpipe, buf, n);
    _exit(255);
}

// The child's report of a preexec_fn that raised: CPython's
// "SubprocessError:0:<message>", which subprocess raises in the parent.
static void child_fail_preexec(int errpipe) {
    static const char msg[] = "SubprocessError:0:Exception occurred in preexec_fn.";
    write_all(errpipe, msg, sizeof msg - 1);
    _exit(255);
}

static int dup_cloexec_clear(int fd) {
    int fl = fcntl(fd, F_GETFD);
    return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
}

// The child: pipes into 0/1/2, cwd, session, close fds, exec.
static void child_exec(char **exes, char **argv, char **envp, const char *cwd, int p2cread, int p2cwrite,
                       int c2pread, int c2pwrite, int errread, int errwrite, int errpipe_write, bool close_fds,
                       const int *keep, size_t nkeep, bool restore_signals, bool setsid_, int64_t pgid,
                       int64_t umask_, Value preexec) {
    if (p2cwrite != -1) {
        close(p2cwrite);
    }
    if (c2pread != -1) {
        close(c2pread);
    }
    if (errread != -1) {
        close(errread);
    }
    // make sure the pipes do not sit on 0/1/2 when the dup2s below run
    if (c2pwrite == 0) {
        c2pwrite = dup(c2pwrite);
    }
    while (errwrite == 0 || errwrite == 1) {
        errwrite = dup(errwrite);
    }
    int targets[3] = {p2cread, c2pwrite, errwrite};
    for (int i = 0; i < 3; i++) {
        if (targets[i] == i) {
            if (dup_cloexec_clear(i) < 0) {
                child_fail(errpipe_write, errno, true);
            }
        } else if (targets[i] != -1 && dup2(targets[i], i) < 0) {
            child_fail(errpipe_write, errno, true);
        }
    }
    if (cwd && chdir(cwd) < 0) {
        child_fail(errpipe_write, errno, true);
    }
    if (umask_ >= 0) {
        umask((mode_t)umask_);
    }
    if (restore_signals) {
        signal(SIGPIPE, SIG_DFL);
        signal(SIGXFSZ, SIG_DFL);
    }
    if (setsid_ && setsid() < 0) {
        child_fail(errpipe_write, errno, true);
    }
    if (pgid >= 0 && setpgid(0, (pid_t)pgid) < 0) {
        child_fail(errpipe_write, errno, true);
    }
    // the program's preexec_fn runs here, in the child, as in CPython:
    // after the session and group, before the fds are closed
    if (preexec && !IS_NONE(preexec) && !vm_call(preexec, 0, NULL, NULL)) {
        child_fail_preexec(errpipe_write);
    }
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (close_fds) {
        int from = 3;
        for (size_t i = 0; i <= nkeep; i++) {
            int upto = i < nkeep ? keep[i] - 1 : 0x7fffffff;
            if (upto >= from) {
                // the error pipe stays open (it is close-on-exec)
                if (errpipe_write >= from && errpipe_write <= upto) {
                    if (errpipe_write > from) {
                        close_range((unsigned)from, (unsigned)errpipe_write - 1, 0);
                    }
                    if (errpipe_write < upto) {
                        close_range((unsigned)errpipe_write + 1, (unsigned)upto, 0);
                    }
                } else {
                    close_range((unsigned)from, (unsigned)upto, 0);
                }
            }
            if (i < nkeep) {
                from = keep[i] + 1;
            }
        }
    }
    for (size_t i = 0; i < nkeep; i++) {
        if (keep[i] != errpipe_write) {     // it closes on exec: the parent sees EOF
            dup_cloexec_clear(keep[i]);
        }
    }
    int saved = 0;
    for (char **e = exes; *e; e++) {
        if (envp) {
            execve(*e, argv, envp);
        } else {
            execv(*e, argv);
        }
        if (errno != ENOENT && errno != ENOTDIR && saved == 0) {
            saved = errno;
        }
    }
    child_fail(errpipe_write, saved ? saved : errno, false);
}

static bool int_arg(Value v, int64_t *out) {
    if (IS_NONE(v)) {
        *out = -1;
        return true;
    }
    return int_to_i64(v, out);
}

// fork_exec(args, executable_list, close_fds, pass_fds, cwd, env, p2cread,
// p2cwrite, c2pread, c2pwrite, errread, errwrite, errpipe_read,
// errpipe_write, restore_signals, call_setsid, pgid_to_set, gid,
// extra_groups, uid, child_umask, preexec_fn, allow_vfork) -> pid
static Value ps_fork_exec(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("fork_exec", argc, 23, 23)) {
        return VAL_NULL;
    }
    if (!IS_NONE(argv[17]) || !IS_NONE(argv[18]) || !IS_NONE(argv[19])) {
        return exc_raise(exc_RuntimeError, "user, group and extra_groups are not supported by pyish");
    }
    int64_t fds[8];
    for (int i = 0; i < 8; i++) {
        if (!int_arg(argv[6 + i], &fds[i])) {
            return VAL_NULL;
        }
    }
    int64_t pgid, umask_;
    if (!int_arg(argv[16], &pgid) || !int_arg(argv[20], &umask_)) {
        return VAL_NULL;
    }
    Value keepv = seq_to_list(argv[3]);
    if (!keepv) {
        return VAL_NULL;
    }
    gc_push_root(keepv);
    size_t nkeep = AS_LIST(keepv)->len;
    int *keep = calloc(nkeep + 1, sizeof *keep);
    for (size_t i = 0; i < nkeep; i++) {
        int64_t k;
        if (!int_to_i64(AS_LIST(keepv)->items[i], &k)) {
            free(keep);
            gc_pop_root(1);
            return VAL_NULL;
        }
        keep[i] = (int)k;
    }
    gc_pop_root(1);
    char **args = cstr_array(argv[0], "args");
    char **exes = args ? cstr_array(argv[1], "executable_list") : NULL;
    char **envp = NULL;
    char *cwd = NULL;
    if (exes && !IS_NONE(argv[5])) {
        envp = cstr_array(argv[5], "env");
        if (!envp) {
            goto fail;
        }
    }
    if (!args || !exes) {
        goto fail;
    }
    if (!IS_NONE(argv[4])) {
        char **c = cstr_array(tuple_pack(1, argv[4]), "cwd");
        if (!c) {
            goto fail;
        }
        cwd = c[0];
        free(c);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        child_exec(exes, args, envp, cwd, (int)fds[0], (int)fds[1], (int)fds[2], (int)fds[3], (int)fds[4],
                   (int)fds[5], (int)fds[7], obj_truthy(argv[2]) == 1, keep, nkeep, obj_truthy(argv[14]) == 1,
                   obj_truthy(argv[15]) == 1, pgid, umask_, argv[21]);
        _exit(255);
    }
    int err = errno;
    free_array(args);
    free_array(exes);
    free_array(envp);
    free(cwd);
    free(keep);
    if (pid < 0) {
        return exc_raise_oserror(err, VAL_NULL, VAL_NULL);
    }
    return MK_SMALL(pid);
fail:
    free_array(args);
    free_array(exes);
    free_array(envp);
    free(keep);
    return VAL_NULL;
}

static const MethodDef posixsubprocess_fns[] = {
    {"fork_exec", ps_fork_exec},
    {NULL, NULL},
};

Value mod_posixsubprocess_init(void) {
    Value m = module_new("_posixsubprocess");
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, "_posixsubprocess", posixsubprocess_fns);
    return m;
}
