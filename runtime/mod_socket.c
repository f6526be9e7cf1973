// mod_socket.c: `_socket`, the C core of the socket module: the BSD socket
// calls on file descriptors (socket, bind, connect, accept, send, recv...),
// address conversion between Python's forms ((host, port) tuples, paths)
// and sockaddr, name resolution (getaddrinfo, getnameinfo, gethostname),
// byte-order and inet_* helpers and the constants. Calls that can block
// take the socket's timeout (< 0: blocking; 0: non-blocking; > 0: poll()
// up to that long, then TimeoutError "timed out"), as CPython's
// sock_call does. runtime/lib/socket.pyish builds the socket class,
// create_connection and the rest on top. Not registered in a sandbox.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
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

// socket timeouts count on the clock in use (the virtual one too: a poll()
// that waits lets as much virtual time pass)
static double now_mono(void) {
    return clock_monotonic();
}

static bool get_int(Value v, const char *what, int64_t *out) {
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "%s must be an integer, not %s", what, val_type_name(v));
        return false;
    }
    return int_to_i64(v, out);
}

static bool get_fd(Value v, int *fd) {
    int64_t n;
    if (!get_int(v, "fd", &n)) {
        return false;
    }
    *fd = (int)n;
    return true;
}

static double get_timeout(Value v) {
    if (!v || IS_NONE(v)) {
        return -1;
    }
    double d;
    return val_to_double(v, &d) ? d : -1;
}

// Waits until [fd] is ready for [events] or the deadline passes (INFINITY:
// none), other green threads running meanwhile: 1 ready, 0 timed out
// (TimeoutError raised), -1 error raised.
static int wait_fd(int fd, short events, double deadline) {
    double left = deadline == INFINITY ? -1 : deadline - now_mono();
    struct pollfd p = {.fd = fd, .events = events};
    int r = deadline != INFINITY && left <= 0 ? 0 : gthread_poll(&p, 1, left);
    if (r == 0) {
        exc_raise(exc_TimeoutError, "timed out");
    }
    return r > 0 ? 1 : r;
}

// A blocking socket ([timeout] < 0) used while other green threads exist
// must not block them all in the kernel: its calls get MSG_DONTWAIT and
// wait in wait_fd instead (see retry_after).
static int coop_flags(double timeout) {
    return timeout < 0 && gthread_active() ? MSG_DONTWAIT : 0;
}

// After a call failed with [err]: retry (true), or raise (false).
static bool retry_after(int err, int fd, short events, double timeout, double deadline) {
    if (err == EINTR) {
        if (STATE_INTERRUPT() && vm_raise_interrupt()) {
            return false;
        }
        return true;
    }
    if ((err == EAGAIN || err == EWOULDBLOCK) && (timeout > 0 || coop_flags(timeout))) {
        return wait_fd(fd, events, timeout > 0 ? deadline : INFINITY) == 1;
    }
    exc_raise_oserror(err, VAL_NULL, VAL_NULL);
    return false;
}

// ---- addresses

typedef union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage st;
} SockAddr;

static bool resolve_host(const char *host, int family, SockAddr *out, const char *caller) {
    if (!host[0]) {
        if (family == AF_INET) {
            out->in4.sin_addr.s_addr = htonl(INADDR_ANY);
        } else {
            out->in6.sin6_addr = in6addr_any;
        }
        return true;
    }
    if (family == AF_INET && strcmp(host, "<broadcast>") == 0) {
        out->in4.sin_addr.s_addr = htonl(INADDR_BROADCAST);
        return true;
    }
    if (family == AF_INET && inet_pton(AF_INET, host, &out->in4.sin_addr) == 1) {
        return true;
    }
    if (family == AF_INET6 && inet_pton(AF_INET6, host, &out->in6.sin6_addr) == 1) {
        return true;
    }
    struct addrinfo hints = {.ai_family = family}, *res = NULL;
    int r = getaddrinfo(host, NULL, &hints, &res);
    if (r != 0) {
        Value args[2] = {MK_SMALL(r), str_from_c(gai_strerror(r))};
        Value e = exc_new(exc_gaierror, 2, args);
        if (e) {
            exc_raise_value(e);
        }
        return false;
    }
    if (family == AF_INET) {
        out->in4.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
    } else {
        out->in6.sin6_addr = ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
    }
    freeaddrinfo(res);
    return true;
}

static const char *family_name(int family) {
    return family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : "AF_UNIX";
}

// Python's address [v] for [family] into [out]; false with CPython's error.
static bool addr_from(Value v, int family, SockAddr *out, socklen_t *len, const char *caller) {
    memset(out, 0, sizeof *out);
    if (family == AF_UNIX) {
        Value keep = VAL_NULL;
        const char *p;
        size_t n;
        if (IS_STR(v)) {
            p = AS_STR(v)->data;
            n = AS_STR(v)->len;
        } else {
            BufView b;
            if (buffer_get(v, &b) != 0) {
                exc_clear();
                exc_raise(exc_TypeError, "a bytes-like object is required, not '%s'", val_type_name(v));
                return false;
            }
            p = (const char *)b.ptr;
            n = b.len;
        }
        (void)keep;
        if (n >= sizeof out->un.sun_path) {
            exc_raise(exc_OSError, "AF_UNIX path too long");
            return false;
        }
        out->un.sun_family = AF_UNIX;
        memcpy(out->un.sun_path, p, n);
        *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (n && p[0] ? 1 : 0));
        return true;
    }
    if (!IS_TUPLE(v)) {
        exc_raise(exc_TypeError, "%s(): %s address must be tuple, not %s", caller, family_name(family), val_type_name(v));
        return false;
    }
    ObjTuple *t = AS_TUPLE(v);
    size_t want_max = family == AF_INET ? 2 : 4;
    if (t->len < 2 || t->len > want_max) {
        if (family == AF_INET) {
            exc_raise(exc_TypeError, "AF_INET address must be a pair (host, port)");
        } else {
            exc_raise(exc_TypeError, "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])");
        }
        return false;
    }
    if (!IS_STR(t->items[0])) {
        exc_raise(exc_TypeError, "str, bytes or bytearray expected, not %s", val_type_name(t->items[0]));
        return false;
    }
    int64_t port;
    if (!int_check(t->items[1])) {
        exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(t->items[1]));
        return false;
    }
    if (!int_to_i64(t->items[1], &port)) {
        return false;
    }
    if (port < 0 || port > 65535) {
        exc_raise(exc_OverflowError, "%s(): port must be 0-65535.", caller);
        return false;
    }
    if (!resolve_host(AS_STR(t->items[0])->data, family, out, caller)) {
        return false;
    }
    if (family == AF_INET) {
        out->in4.sin_family = AF_INET;
        out->in4.sin_port = htons((uint16_t)port);
        *len = sizeof out->in4;
    } else {
        int64_t flow = 0, scope = 0;
        if (t->len > 2 && !int_to_i64(t->items[2], &flow)) {
            return false;
        }
        if (t->len > 3 && !int_to_i64(t->items[3], &scope)) {
            return false;
        }
        out->in6.sin6_family = AF_INET6;
        out->in6.sin6_port = htons((uint16_t)port);
        out->in6.sin6_flowinfo = htonl((uint32_t)flow);
        out->in6.sin6_scope_id = (uint32_t)scope;
        *len = sizeof out->in6;
    }
    return true;
}

// sockaddr -> Python's address
static Value addr_to(const SockAddr *a, socklen_t len) {
    char buf[INET6_ADDRSTRLEN];
    switch (a->sa.sa_family) {
    case AF_INET:
        inet_ntop(AF_INET, &a->in4.sin_addr, buf, sizeof buf);
        return tuple_pack(2, str_from_c(buf), MK_SMALL(ntohs(a->in4.sin_port)));
    case AF_INET6:
        inet_ntop(AF_INET6, &a->in6.sin6_addr, buf, sizeof buf);
        return tuple_pack(4, str_from_c(buf), MK_SMALL(ntohs(a->in6.sin6_port)),
                          MK_SMALL(ntohl(a->in6.sin6_flowinfo)), MK_SMALL(a->in6.sin6_scope_id));
    case AF_UNIX: {
        size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
        if (n > 0 && a->un.sun_path[0] == 0) {
            return bytes_new(a->un.sun_path, n);     // the abstract namespace
        }
        size_t k = strnlen(a->un.sun_path, n);
        return str_new(a->un.sun_path, k);
    }
    default:
        if (len == 0 || a->sa.sa_family == AF_UNSPEC) {
            return VAL_NONE;
        }
        return tuple_pack(2, MK_SMALL(a->sa.sa_family), bytes_new(a->sa.sa_data, sizeof a->sa.sa_data));
    }
}

// ---- calls on descriptors

// The state's receive buffer, kept between calls: a recv() of 256 KiB (what
// asyncio's transports ask for) costs neither an allocation the collector
// counts nor an mmap; only the bytes received are copied out. _ssl's read()
// without a buffer uses it too (socket_scratch).
static char *recv_buf(size_t n) {
    if (n > ST->sock_buf_len) {
        char *b = realloc(ST->sock_buf, n);
        if (!b) {
            exc_raise_nomem();
            return NULL;
        }
        ST->sock_buf = b;
        ST->sock_buf_len = n;
    }
    return ST->sock_buf;
}

char *socket_scratch(size_t n) {
    return recv_buf(n);
}

// socket(family, type, proto) -> fd
static Value s_socket(int argc, Value *argv, ObjDict *kw) {
    int64_t fam, type, proto;
    if (!arg_count("socket", argc, 3, 3) || !get_int(argv[0], "family", &fam) || !get_int(argv[1], "type", &type) ||
        !get_int(argv[2], "proto", &proto)) {
        return VAL_NULL;
    }
    int fd = socket((int)fam, (int)type | SOCK_CLOEXEC, (int)proto);
    return fd < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : MK_SMALL(fd);
}

// info(fd) -> (family, type, proto) of an existing socket
static Value s_info(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("info", argc, 1, 1) || !get_fd(argv[0], &fd)) {
        return VAL_NULL;
    }
    int v[3];
    int opts[3] = {SO_DOMAIN, SO_TYPE, SO_PROTOCOL};
    for (int i = 0; i < 3; i++) {
        socklen_t l = sizeof v[i];
        if (getsockopt(fd, SOL_SOCKET, opts[i], &v[i], &l) < 0) {
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
    }
    return tuple_pack(3, MK_SMALL(v[0]), MK_SMALL(v[1]), MK_SMALL(v[2]));
}

static Value s_set_blocking(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("set_blocking", argc, 2, 2) || !get_fd(argv[0], &fd)) {
        return VAL_NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    fl = obj_truthy(argv[1]) == 1 ? fl & ~O_NONBLOCK : fl | O_NONBLOCK;
    if (fcntl(fd, F_SETFL, fl) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

// bind(fd, family, addr)
static Value s_bind(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t fam;
    SockAddr a;
    socklen_t len;
    if (!arg_count("bind", argc, 3, 3) || !get_fd(argv[0], &fd) || !get_int(argv[1], "family", &fam) ||
        !addr_from(argv[2], (int)fam, &a, &len, "bind")) {
        return VAL_NULL;
    }
    if (bind(fd, &a.sa, len) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value s_listen(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t backlog;
    if (!arg_count("listen", argc, 2, 2) || !get_fd(argv[0], &fd) || !get_int(argv[1], "backlog", &backlog)) {
        return VAL_NULL;
    }
    if (listen(fd, backlog < 0 ? 0 : (int)backlog) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

// connect(fd, family, addr, timeout, raise) -> 0 or errno (raise=False: connect_ex)
static Value s_connect(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t fam;
    SockAddr a;
    socklen_t len;
    if (!arg_count("connect", argc, 5, 5) || !get_fd(argv[0], &fd) || !get_int(argv[1], "family", &fam) ||
        !addr_from(argv[2], (int)fam, &a, &len, "connect")) {
        return VAL_NULL;
    }
    double timeout = get_timeout(argv[3]);
    bool raise = obj_truthy(argv[4]) == 1;
    if (__builtin_expect(ST->aio_debug_running, 0) && timeout != 0) {
        ST->aio_blocking_hook("socket.connect()", VAL_NULL,
                              "use await asyncio.open_connection() or loop.sock_connect()");
    }
    int err = 0;
    if (connect(fd, &a.sa, len) < 0) {
        err = errno;
        if (err == EINTR && STATE_INTERRUPT() && vm_raise_interrupt()) {
            return VAL_NULL;
        }
        if ((err == EINPROGRESS || err == EINTR) && timeout != 0) {
            // wait for the outcome (a blocking socket interrupted by a signal too)
            int w = wait_fd(fd, POLLOUT, timeout > 0 ? now_mono() + timeout : INFINITY);
            if (w <= 0) {
                if (w == 0 && !raise) {
                    exc_clear();
                    return MK_SMALL(EWOULDBLOCK);
                }
                return VAL_NULL;
            }
            socklen_t l = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
        }
    }
    if (err && raise) {
        return exc_raise_oserror(err, VAL_NULL, VAL_NULL);
    }
    return MK_SMALL(err);
}

// accept(fd, timeout) -> (newfd, addr)
static Value s_accept(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("accept", argc, 2, 2) || !get_fd(argv[0], &fd)) {
        return VAL_NULL;
    }
    double timeout = get_timeout(argv[1]);
    double deadline = timeout > 0 ? now_mono() + timeout : 0;
    if (__builtin_expect(ST->aio_debug_running, 0) && timeout != 0) {
        ST->aio_blocking_hook("socket.accept()", VAL_NULL, "use await asyncio.start_server() or loop.sock_accept()");
    }
    for (;;) {
        if (coop_flags(timeout) && wait_fd(fd, POLLIN, INFINITY) != 1) {
            return VAL_NULL;
        }
        SockAddr a;
        socklen_t len = sizeof a;
        memset(&a, 0, sizeof a);
        int nfd = accept4(fd, &a.sa, &len, SOCK_CLOEXEC);
        if (nfd >= 0) {
            Value addr = addr_to(&a, len);
            return tuple_pack(2, MK_SMALL(nfd), addr);
        }
        if (!retry_after(errno, fd, POLLIN, timeout, deadline)) {
            return VAL_NULL;
        }
    }
}

// A large recv (transports ask for 256 KiB) of much pending data is read
// straight into its bytes object, as CPython's recv does, instead of through
// the state's buffer and a copy (a tenth of a 100 KiB echo's time): when
// FIONREAD says at least RECV_DIRECT_MIN bytes are there, the bytes object
// is made at that size. Only a recv asking for RECV_DIRECT_ASK or more pays
// for the ioctl. VAL_NULL without an exception: not done (little pending, or
// an error for the caller's loop to handle). After a recv that got less than
// RECV_DIRECT_MIN bytes (ST->sock_recv_small), the next one skips the ioctl:
// small messages come in runs, and for them the ioctl was one syscall in
// three of a 1 KiB echo.
enum { RECV_DIRECT_ASK = 16384, RECV_DIRECT_MIN = 4096 };
static Value recv_direct(int fd, size_t n) {
    int avail = 0;
    if (ioctl(fd, FIONREAD, &avail) != 0 || avail < RECV_DIRECT_MIN) {
        return VAL_NULL;
    }
    size_t want = (size_t)avail < n ? (size_t)avail : n;
    Value v = bytes_try_new(NULL, want);
    if (!v) {
        return VAL_NULL;
    }
    ObjBytes *b = AS_BYTES(v);
    ssize_t r = recv(fd, b->data, want, 0);
    if (r == (ssize_t)want) {
        return v;
    }
    // fewer bytes than announced (a record boundary): copied to their size
    return r >= 0 ? bytes_try_new(b->data, (size_t)r) : VAL_NULL;
}

// recv(fd, n, flags, timeout[, nowait]) -> bytes; with nowait true, None
// where a non-blocking socket would raise BlockingIOError (or
// InterruptedError): asyncio's sock_recv tries the call before it waits,
// and most tries find nothing to read yet
static Value s_recv(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t n, flags;
    if (!arg_count("recv", argc, 4, 5) || !get_fd(argv[0], &fd) || !get_int(argv[1], "bufsize", &n) ||
        !get_int(argv[2], "flags", &flags)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "negative buffersize in recv");
    }
    double timeout = get_timeout(argv[3]);
    if (__builtin_expect(ST->aio_debug_running, 0) && timeout != 0) {
        ST->aio_blocking_hook("socket.recv()", VAL_NULL, "use await loop.sock_recv() or asyncio streams");
    }
    double deadline = timeout > 0 ? now_mono() + timeout : 0;
    if (n >= RECV_DIRECT_ASK && flags == 0 && !ST->sock_recv_small) {
        Value direct = recv_direct(fd, (size_t)n);
        if (direct || exc_pending()) {
            return direct;
        }
    }
    char *buf = recv_buf(n ? (size_t)n : 1);
    if (!buf) {
        return VAL_NULL;
    }
    for (;;) {
        ssize_t r = recv(fd, buf, (size_t)n, (int)flags | coop_flags(timeout));
        if (r >= 0) {
            ST->sock_recv_small = r < RECV_DIRECT_MIN;
            return bytes_try_new(buf, (size_t)r);
        }
        if (argc == 5 && timeout == 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) &&
            obj_truthy(argv[4]) == 1) {
            return STATE_INTERRUPT() && vm_raise_interrupt() ? VAL_NULL : VAL_NONE;
        }
        if (!retry_after(errno, fd, POLLIN, timeout, deadline)) {
            return VAL_NULL;
        }
        buf = ST->sock_buf;     // a handler run meanwhile may have grown it
    }
}

// recv_append(fd, bytearray, n) -> count: a non-blocking recv of at most n
// bytes onto the end of the bytearray (EAGAIN raises BlockingIOError), sized
// by FIONREAD. asyncio's socket transport receives a StreamReaderProtocol's
// data this way, straight into its StreamReader's buffer, instead of a bytes
// object per read that feed_data copies and drops.
enum { RECV_APPEND_DIRECT_MAX = 65536 };
static Value s_recv_append(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t n;
    if (!arg_count("recv_append", argc, 3, 3) || !get_fd(argv[0], &fd) || !get_int(argv[2], "bufsize", &n)) {
        return VAL_NULL;
    }
    if (!bytearray_check(argv[1])) {
        return exc_raise(exc_TypeError, "recv_append() needs a bytearray, not %s", val_type_name(argv[1]));
    }
    if (n <= 0) {
        return exc_raise(exc_ValueError, "recv_append() needs a positive size");
    }
    ObjByteArray *b = AS_BYTEARRAY(argv[1]);
    size_t cap = n < RECV_APPEND_DIRECT_MAX ? (size_t)n : RECV_APPEND_DIRECT_MAX;
    size_t want = cap;      // after a small read (as in s_recv): no FIONREAD
    if (!ST->sock_recv_small) {
        int avail = 0;
        want = 4096;        // nothing announced: an EOF, an error, or data arriving now
        if (ioctl(fd, FIONREAD, &avail) == 0 && avail > 0) {
            want = (size_t)avail;
        }
        if (want > (size_t)n) {
            want = (size_t)n;
        }
    }
    // a read of unknown size, or a large one, goes through the state's
    // receive buffer and a copy, and the bytearray grows by what came:
    // received straight into the bytearray, a 100 KiB echo took 27 page
    // faults a request instead of 3 (the buffer's realloc touching fresh
    // pages), and through a bytes object of its own it left 100 KiB of
    // garbage a read for the collector (a collection every 40 requests)
    bool staged = ST->sock_recv_small || want >= RECV_APPEND_DIRECT_MAX;
    for (;;) {
        // fetched again after a signal handler ran; a staged read's room is
        // made after the recv (plain memory: nothing runs in between)
        char *buf = staged ? recv_buf(want) : (char *)bytearray_room(b, want);
        if (!buf) {
            return VAL_NULL;
        }
        ssize_t r = recv(fd, buf, want, 0);
        if (r >= 0) {
            ST->sock_recv_small = r < RECV_DIRECT_MIN;
            if (staged && r > 0) {      // (an empty bytearray's room for 0 bytes is NULL)
                unsigned char *room = bytearray_room(b, (size_t)r);
                if (!room) {
                    return VAL_NULL;
                }
                memcpy(room, buf, (size_t)r);
            }
            bytearray_set_len(b, b->len + (size_t)r);
            return MK_SMALL(r);
        }
        if (!retry_after(errno, fd, POLLIN, 0, 0)) {
            return VAL_NULL;
        }
    }
}

// recv_into(fd, buffer, nbytes, flags, timeout) -> n
static Value s_recv_into(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t n, flags;
    BufView b;
    if (!arg_count("recv_into", argc, 5, 5) || !get_fd(argv[0], &fd) || !buffer_need(argv[1], &b) ||
        !get_int(argv[2], "nbytes", &n) || !get_int(argv[3], "flags", &flags)) {
        return VAL_NULL;
    }
    if (b.readonly) {
        return exc_raise(exc_TypeError, "recv_into() argument 'buffer' must be read-write bytes-like object, not %s",
                         val_type_name(argv[1]));
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "negative buffersize in recv_into");
    }
    if (n == 0 || (size_t)n > b.len) {
        if ((size_t)n > b.len) {
            return exc_raise(exc_ValueError, "buffer too small for requested bytes");
        }
        n = (int64_t)b.len;
    }
    double timeout = get_timeout(argv[4]);
    if (__builtin_expect(ST->aio_debug_running, 0) && timeout != 0) {
        ST->aio_blocking_hook("socket.recv_into()", VAL_NULL, "use await loop.sock_recv_into() or asyncio streams");
    }
    double deadline = timeout > 0 ? now_mono() + timeout : 0;
    for (;;) {
        ssize_t r = recv(fd, b.ptr, (size_t)n, (int)flags | coop_flags(timeout));
        if (r >= 0) {
            return MK_SMALL(r);
        }
        if (!retry_after(errno, fd, POLLIN, timeout, deadline)) {
            return VAL_NULL;
        }
    }
}

// recvfrom(fd, n, flags, timeout) -> (bytes, addr)
static Value s_recvfrom(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t n, flags;
    if (!arg_count("recvfrom", argc, 4, 4) || !get_fd(argv[0], &fd) || !get_int(argv[1], "bufsize", &n) ||
        !get_int(argv[2], "flags", &flags)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "negative buffersize in recvfrom");
    }
    double timeout = get_timeout(argv[3]);
    if (__builtin_expect(ST->aio_debug_running, 0) && timeout != 0) {
        ST->aio_blocking_hook("socket.recvfrom()", VAL_NULL,
                              "use await loop.sock_recvfrom() or loop.create_datagram_endpoint()");
    }
    double deadline = timeout > 0 ? now_mono() + timeout : 0;
    if (!recv_buf((size_t)n + 1)) {
        return VAL_NULL;
    }
    for (;;) {
        char *buf = ST->sock_buf;
        SockAddr a;
        socklen_t len = sizeof a;
        memset(&a, 0, sizeof a);
        ssize_t r = recvfrom(fd, buf, (size_t)n, (int)flags | coop_flags(timeout), &a.sa, &len);
        if (r >= 0) {
            Value b = bytes_try_new(buf, (size_t)r);
            if (!b) {
                return VAL_NULL;
            }
            gc_push_root(b);
            Value addr = addr_to(&a, len);
            gc_push_root(addr);
            Value t = tuple_pack(2, b, addr);
            gc_pop_root(2);
            return t;
        }
        if (!retry_after(errno, fd, POLLIN, timeout, deadline)) {
            return VAL_NULL;
        }
    }
}

// send(fd, data, flags, timeout, all) -> bytes sent (all: sendall, None)
static Value s_send(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t flags;
    BufView b;
    if (!arg_count("send", argc, 5, 5) || !get_fd(argv[0], &fd) || !buffer_need(argv[1], &b) ||
        !get_int(argv[2], "flags", &flags)) {
        return VAL_NULL;
    }
    double timeout = get_timeout(argv[3]);
    bool all = obj_truthy(argv[4]) == 1;
    double deadline = timeout > 0 ? now_mono() + timeout : 0;
    size_t done = 0;
    gc_push_root(argv[1]);
    for (;;) {
        ssize_t r = send(fd, b.ptr + done, b.len - done, (int)flags | MSG_NOSIGNAL | coop_flags(timeout));
        if (r >= 0) {
            done += (size_t)r;
            if (!all || done >= b.len) {
                gc_pop_root(1);
                return all ? VAL_NONE : MK_SMALL(r);
            }
            if (STATE_INTERRUPT() && vm_raise_interrupt()) {
                gc_pop_root(1);
                return VAL_NULL;
            }
            continue;
        }
        if (!retry_after(errno, fd, POLLOUT, timeout, deadline)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
}

// sendto(fd, data, flags, family, addr, timeout) -> n
static Value s_sendto(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t flags, fam;
    BufView b;
    SockAddr a;
    socklen_t len;
    if (!arg_count("sendto", argc, 6, 6) || !get_fd(argv[0], &fd) || !buffer_need(argv[1], &b) ||
        !get_int(argv[2], "flags", &flags) || !get_int(argv[3], "family", &fam) ||
        !addr_from(argv[4], (int)fam, &a, &len, "sendto")) {
        return VAL_NULL;
    }
    double timeout = get_timeout(argv[5]);
    double deadline = timeout > 0 ? now_mono() + timeout : 0;
    for (;;) {
        ssize_t r = sendto(fd, b.ptr, b.len, (int)flags | MSG_NOSIGNAL | coop_flags(timeout), &a.sa, len);
        if (r >= 0) {
            return MK_SMALL(r);
        }
        if (!retry_after(errno, fd, POLLOUT, timeout, deadline)) {
            return VAL_NULL;
        }
    }
}

// sendmsg(fd, buffers, ancdata, flags, family, address or None, timeout) -> n:
// the buffers gathered, ancdata a list of (level, type, bytes-like)
static Value s_sendmsg(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t flags, fam;
    if (!arg_count("sendmsg", argc, 7, 7) || !get_fd(argv[0], &fd) || !IS_A(argv[1], cls_list) ||
        !IS_A(argv[2], cls_list) || !get_int(argv[3], "flags", &flags) || !get_int(argv[4], "family", &fam)) {
        if (!exc_pending()) {
            exc_raise(exc_TypeError, "sendmsg() argument 1 must be an iterable");
        }
        return VAL_NULL;
    }
    SockAddr a;
    socklen_t alen = 0;
    if (!IS_NONE(argv[5]) && !addr_from(argv[5], (int)fam, &a, &alen, "sendmsg")) {
        return VAL_NULL;
    }
    ObjList *bufs = AS_LIST(argv[1]), *anc = AS_LIST(argv[2]);
    struct iovec *iov = calloc(bufs->len + 1, sizeof *iov);
    size_t space = 0;
    for (size_t i = 0; i < anc->len; i++) {
        Value t = anc->items[i];
        BufView d;
        if (!IS_TUPLE(t) || AS_TUPLE(t)->len != 3 || !buffer_need(AS_TUPLE(t)->items[2], &d)) {
            free(iov);
            if (!exc_pending()) {
                exc_raise(exc_TypeError, "sendmsg() argument 2 must be an iterable of (level, type, data) tuples");
            }
            return VAL_NULL;
        }
        space += CMSG_SPACE(d.len);
    }
    char *ctl = space ? calloc(1, space) : NULL;
    for (size_t i = 0; i < bufs->len; i++) {
        BufView b;
        if (!buffer_need(bufs->items[i], &b)) {
            free(iov);
            free(ctl);
            return VAL_NULL;
        }
        iov[i].iov_base = b.ptr;
        iov[i].iov_len = b.len;
    }
    struct msghdr msg = {.msg_name = alen ? &a.sa : NULL, .msg_namelen = alen, .msg_iov = iov,
                         .msg_iovlen = bufs->len, .msg_control = ctl, .msg_controllen = space};
    struct cmsghdr *c = space ? CMSG_FIRSTHDR(&msg) : NULL;
    for (size_t i = 0; i < anc->len; i++, c = CMSG_NXTHDR(&msg, c)) {
        ObjTuple *t = AS_TUPLE(anc->items[i]);
        int64_t level, type;
        BufView d;
        if (!get_int(t->items[0], "level", &level) || !get_int(t->items[1], "type", &type) ||
            !buffer_need(t->items[2], &d)) {
            free(iov);
            free(ctl);
            return VAL_NULL;
        }
        c->cmsg_level = (int)level;
        c->cmsg_type = (int)type;
        c->cmsg_len = CMSG_LEN(d.len);
        memcpy(CMSG_DATA(c), d.ptr, d.len);
    }
    double timeout = get_timeout(argv[6]);
    double deadline = timeout > 0 ? now_mono() + timeout : 0;
    for (;;) {
        ssize_t r = sendmsg(fd, &msg, (int)flags | MSG_NOSIGNAL | coop_flags(timeout));
        if (r >= 0) {
            free(iov);
            free(ctl);
            return MK_SMALL(r);
        }
        if (!retry_after(errno, fd, POLLOUT, timeout, deadline)) {
            free(iov);
            free(ctl);
            return VAL_NULL;
        }
    }
}

// recvmsg(fd, bufsize, ancbufsize, flags, timeout) -> (data, ancdata, msg_flags, address)
static Value s_recvmsg(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t n, ancn, flags;
    if (!arg_count("recvmsg", argc, 5, 5) || !get_fd(argv[0], &fd) || !get_int(argv[1], "bufsize", &n) ||
        !get_int(argv[2], "ancbufsize", &ancn) || !get_int(argv[3], "flags", &flags)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "negative buffer size in recvmsg()");
    }
    if (ancn < 0) {
        return exc_raise(exc_ValueError, "negative buffer size in recvmsg()");
    }
    char *buf = malloc(n ? (size_t)n : 1);
    char *ctl = ancn ? calloc(1, (size_t)ancn) : NULL;
    SockAddr a;
    double timeout = get_timeout(argv[4]);
    double deadline = timeout > 0 ? now_mono() + timeout : 0;
    struct iovec iov = {.iov_base = buf, .iov_len = (size_t)n};
    struct msghdr msg;
    ssize_t r;
    for (;;) {
        memset(&msg, 0, sizeof msg);
        memset(&a, 0, sizeof a);
        msg.msg_name = &a.sa;
        msg.msg_namelen = sizeof a;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctl;
        msg.msg_controllen = (size_t)ancn;
        r = recvmsg(fd, &msg, (int)flags | coop_flags(timeout));  // as CPython: no MSG_CMSG_CLOEXEC
        if (r >= 0) {
            break;
        }
        if (!retry_after(errno, fd, POLLIN, timeout, deadline)) {
            free(buf);
            free(ctl);
            return VAL_NULL;
        }
    }
    Value anc = list_new(0);
    gc_push_root(anc);
    for (struct cmsghdr *c = ctl ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c)) {
        size_t dlen = c->cmsg_len - CMSG_LEN(0);
        Value d = bytes_try_new((const char *)CMSG_DATA(c), dlen);
        if (!d) {
            break;
        }
        gc_push_root(d);
        list_append(AS_LIST(anc), tuple_pack(3, MK_SMALL(c->cmsg_level), MK_SMALL(c->cmsg_type), d));
        gc_pop_root(1);
    }
    free(ctl);
    Value data = exc_pending() ? VAL_NULL : bytes_try_new(buf, (size_t)r);
    free(buf);
    if (!data) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(data);
    Value addr = msg.msg_namelen ? addr_to(&a, msg.msg_namelen) : VAL_NONE;
    Value t = addr ? tuple_pack(4, data, anc, MK_SMALL(msg.msg_flags), addr) : VAL_NULL;
    gc_pop_root(2);
    return t;
}

// CMSG_LEN(length) / CMSG_SPACE(length)
static Value s_cmsg_len(int argc, Value *argv, ObjDict *kw) {
    int64_t n;
    if (!arg_count("CMSG_LEN", argc, 1, 1) || !get_int(argv[0], "length", &n)) {
        return VAL_NULL;
    }
    if (n < 0 || n > 0x7fffffff) {
        return exc_raise(exc_OverflowError, "CMSG_LEN() argument out of range");
    }
    return MK_SMALL(CMSG_LEN((size_t)n));
}

static Value s_cmsg_space(int argc, Value *argv, ObjDict *kw) {
    int64_t n;
    if (!arg_count("CMSG_SPACE", argc, 1, 1) || !get_int(argv[0], "length", &n)) {
        return VAL_NULL;
    }
    if (n < 0 || n > 0x7fffffff) {
        return exc_raise(exc_OverflowError, "CMSG_SPACE() argument out of range");
    }
    return MK_SMALL(CMSG_SPACE((size_t)n));
}

// setsockopt(fd, level, opt, value: int or bytes-like)
static Value s_setsockopt(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t level, opt;
    if (!arg_count("setsockopt", argc, 4, 4) || !get_fd(argv[0], &fd) || !get_int(argv[1], "level", &level) ||
        !get_int(argv[2], "option", &opt)) {
        return VAL_NULL;
    }
    int r;
    if (int_check(argv[3])) {
        int64_t v;
        if (!int_to_i64(argv[3], &v)) {
            return VAL_NULL;
        }
        int iv = (int)v;
        r = setsockopt(fd, (int)level, (int)opt, &iv, sizeof iv);
    } else {
        BufView b;
        if (!buffer_need(argv[3], &b)) {
            return VAL_NULL;
        }
        r = setsockopt(fd, (int)level, (int)opt, b.ptr, (socklen_t)b.len);
    }
    return r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
}

// getsockopt(fd, level, opt, buflen) -> int (buflen 0) or bytes
static Value s_getsockopt(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t level, opt, buflen;
    if (!arg_count("getsockopt", argc, 4, 4) || !get_fd(argv[0], &fd) || !get_int(argv[1], "level", &level) ||
        !get_int(argv[2], "option", &opt) || !get_int(argv[3], "buflen", &buflen)) {
        return VAL_NULL;
    }
    if (buflen == 0) {
        int v = 0;
        socklen_t l = sizeof v;
        if (getsockopt(fd, (int)level, (int)opt, &v, &l) < 0) {
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
        return MK_SMALL(v);
    }
    if (buflen < 0 || buflen > 1024) {
        return exc_raise(exc_OSError, "getsockopt buflen out of range");
    }
    char buf[1024];
    socklen_t l = (socklen_t)buflen;
    if (getsockopt(fd, (int)level, (int)opt, buf, &l) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return bytes_new(buf, l);
}

static Value name_of(int argc, Value *argv, bool peer) {
    int fd;
    if (!arg_count(peer ? "getpeername" : "getsockname", argc, 1, 1) || !get_fd(argv[0], &fd)) {
        return VAL_NULL;
    }
    SockAddr a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    int r = peer ? getpeername(fd, &a.sa, &len) : getsockname(fd, &a.sa, &len);
    return r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : addr_to(&a, len);
}

static Value s_getsockname(int argc, Value *argv, ObjDict *kw) {
    return name_of(argc, argv, false);
}

static Value s_getpeername(int argc, Value *argv, ObjDict *kw) {
    return name_of(argc, argv, true);
}

static Value s_shutdown(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t how;
    if (!arg_count("shutdown", argc, 2, 2) || !get_fd(argv[0], &fd) || !get_int(argv[1], "how", &how)) {
        return VAL_NULL;
    }
    return shutdown(fd, (int)how) < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
}

static Value s_close(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("close", argc, 1, 1) || !get_fd(argv[0], &fd)) {
        return VAL_NULL;
    }
    // ECONNRESET on close is not an error worth raising (CPython ignores it)
    if (close(fd) < 0 && errno != ECONNRESET && errno != EINTR) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value s_socketpair(int argc, Value *argv, ObjDict *kw) {
    int64_t fam, type, proto;
    if (!arg_count("socketpair", argc, 3, 3) || !get_int(argv[0], "family", &fam) ||
        !get_int(argv[1], "type", &type) || !get_int(argv[2], "proto", &proto)) {
        return VAL_NULL;
    }
    int sv[2];
    if (socketpair((int)fam, (int)type | SOCK_CLOEXEC, (int)proto, sv) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return tuple_pack(2, MK_SMALL(sv[0]), MK_SMALL(sv[1]));
}

// ---- names

static Value host_arg(Value v, const char **out, Value *keep) {
    if (IS_NONE(v)) {
        *out = NULL;
        return VAL_NONE;
    }
    if (IS_STR(v)) {
        *out = AS_STR(v)->data;
        return v;
    }
    if (IS_A(v, cls_bytes)) {     // bytes, not other buffers, as CPython
        *keep = str_new((const char *)AS_BYTES(v)->data, AS_BYTES(v)->len);
        *out = AS_STR(*keep)->data;
        return *keep;
    }
    return exc_raise(exc_TypeError, "getaddrinfo() argument 1 must be string or None");
}

static Value raise_gai(int r) {
    if (r == EAI_SYSTEM) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    Value args[2] = {MK_SMALL(r), str_from_c(gai_strerror(r))};
    gc_push_root(args[1]);
    Value e = exc_new(exc_gaierror, 2, args);
    gc_pop_root(1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// getaddrinfo's six arguments (host, port, family, type, proto, flags) as
// C strings (malloc'd copies; NULL for None) and hints. false: raised.
bool socket_gai_args(const Value *argv, char **host, char **port, struct addrinfo *hints) {
    const char *h = NULL, *p;
    Value keep1 = VAL_NULL, keep2 = VAL_NULL;
    if (!host_arg(argv[0], &h, &keep1)) {
        return false;
    }
    gc_push_root(keep1);
    char pbuf[32];
    if (IS_NONE(argv[1])) {
        p = NULL;
    } else if (int_check(argv[1])) {
        int64_t n;
        if (!int_to_i64(argv[1], &n)) {
            gc_pop_root(1);
            return false;
        }
        snprintf(pbuf, sizeof pbuf, "%lld", (long long)n);
        p = pbuf;
    } else if (IS_STR(argv[1])) {
        p = AS_STR(argv[1])->data;
    } else if (IS_A(argv[1], cls_bytes)) {
        keep2 = str_new((const char *)AS_BYTES(argv[1])->data, AS_BYTES(argv[1])->len);
        p = AS_STR(keep2)->data;
    } else {
        gc_pop_root(1);
        exc_raise(exc_OSError, "Int or String expected");
        return false;
    }
    gc_push_root(keep2);
    int64_t fam, type, proto, flags;
    bool ok = get_int(argv[2], "family", &fam) && get_int(argv[3], "type", &type) &&
              get_int(argv[4], "proto", &proto) && get_int(argv[5], "flags", &flags);
    if (ok) {
        *hints = (struct addrinfo){.ai_family = (int)fam, .ai_socktype = (int)type, .ai_protocol = (int)proto,
                                   .ai_flags = (int)flags};
        *host = h ? strdup(h) : NULL;
        *port = p ? strdup(p) : NULL;
        if ((h && !*host) || (p && !*port)) {
            free(*host);
            free(*port);
            exc_raise_nomem();
            ok = false;
        }
    }
    gc_pop_root(2);
    return ok;
}

// getaddrinfo's outcome [r] (an EAI_* code, 0 for success with [res],
// which is freed) as its list of (family, type, proto, canonname,
// sockaddr), or gaierror (OSError for EAI_SYSTEM, with [sys_errno]) raised.
Value socket_gai_result(int r, int sys_errno, struct addrinfo *res) {
    if (r != 0) {
        errno = sys_errno;
        return raise_gai(r);
    }
    Value list = list_new(4);
    gc_push_root(list);
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        Value addr = addr_to((SockAddr *)ai->ai_addr, ai->ai_addrlen);
        gc_push_root(addr);
        Value canon = str_from_c(ai->ai_canonname ? ai->ai_canonname : "");
        gc_push_root(canon);
        Value t = tuple_pack(5, MK_SMALL(ai->ai_family), MK_SMALL(ai->ai_socktype), MK_SMALL(ai->ai_protocol),
                             canon, addr);
        list_append(AS_LIST(list), t);
        gc_pop_root(2);
    }
    freeaddrinfo(res);
    gc_pop_root(1);
    return list;
}

// getaddrinfo(host, port, family, type, proto, flags) -> [(family, type, proto, canonname, sockaddr)]
static Value s_getaddrinfo(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getaddrinfo", argc, 6, 6)) {
        return VAL_NULL;
    }
    char *host, *port;
    struct addrinfo hints, *res = NULL;
    if (!socket_gai_args(argv, &host, &port, &hints)) {
        return VAL_NULL;
    }
    int r = getaddrinfo(host, port, &hints, &res);
    int err = errno;
    free(host);
    free(port);
    return socket_gai_result(r, err, res);
}

// getnameinfo(sockaddr, flags) -> (host, port)
static Value s_getnameinfo(int argc, Value *argv, ObjDict *kw) {
    int64_t flags;
    if (!arg_count("getnameinfo", argc, 2, 2) || !get_int(argv[1], "flags", &flags)) {
        return VAL_NULL;
    }
    if (!IS_TUPLE(argv[0])) {
        return exc_raise(exc_TypeError, "getnameinfo() argument 1 must be a tuple");
    }
    SockAddr a;
    socklen_t len;
    int fam = AS_TUPLE(argv[0])->len > 2 || (IS_STR(AS_TUPLE(argv[0])->items[0]) &&
                                              strchr(AS_STR(AS_TUPLE(argv[0])->items[0])->data, ':'))
                  ? AF_INET6 : AF_INET;
    if (!addr_from(argv[0], fam, &a, &len, "getnameinfo")) {
        return VAL_NULL;
    }
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int r = getnameinfo(&a.sa, len, host, sizeof host, serv, sizeof serv, (int)flags);
    if (r != 0) {
        return raise_gai(r);
    }
    return tuple_pack(2, str_from_c(host), str_from_c(serv));
}

static Value s_gethostname(int argc, Value *argv, ObjDict *kw) {
    char buf[256];
    if (gethostname(buf, sizeof buf) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    buf[sizeof buf - 1] = 0;
    return str_from_c(buf);
}

static Value s_inet_pton(int argc, Value *argv, ObjDict *kw) {
    int64_t fam;
    if (!arg_count("inet_pton", argc, 2, 2) || !get_int(argv[0], "family", &fam)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "inet_pton() argument 2 must be str, not %s", val_type_name(argv[1]));
    }
    unsigned char buf[16];
    int r = inet_pton((int)fam, AS_STR(argv[1])->data, buf);
    if (r < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    if (r == 0) {
        return exc_raise(exc_OSError, "illegal IP address string passed to inet_pton");
    }
    return bytes_new(buf, fam == AF_INET ? 4 : 16);
}

static Value s_inet_ntop(int argc, Value *argv, ObjDict *kw) {
    int64_t fam;
    BufView b;
    if (!arg_count("inet_ntop", argc, 2, 2) || !get_int(argv[0], "family", &fam) || !buffer_need(argv[1], &b)) {
        return VAL_NULL;
    }
    if ((fam == AF_INET && b.len != 4) || (fam == AF_INET6 && b.len != 16)) {
        return exc_raise(exc_ValueError, "invalid length of packed IP address string");
    }
    if (fam != AF_INET && fam != AF_INET6) {
        return exc_raise(exc_ValueError, "unknown address family %lld", (long long)fam);
    }
    char buf[INET6_ADDRSTRLEN];
    inet_ntop((int)fam, b.ptr, buf, sizeof buf);
    return str_from_c(buf);
}

static Value s_inet_aton(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("inet_aton", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "inet_aton() argument 1 must be str, not %s", val_type_name(argv[0]));
    }
    struct in_addr a;
    if (inet_aton(AS_STR(argv[0])->data, &a) == 0) {
        return exc_raise(exc_OSError, "illegal IP address string passed to inet_aton");
    }
    return bytes_new(&a, 4);
}

static Value s_inet_ntoa(int argc, Value *argv, ObjDict *kw) {
    BufView b;
    if (!arg_count("inet_ntoa", argc, 1, 1) || !buffer_need(argv[0], &b)) {
        return VAL_NULL;
    }
    if (b.len != 4) {
        return exc_raise(exc_OSError, "packed IP wrong length for inet_ntoa");
    }
    struct in_addr a;
    memcpy(&a, b.ptr, 4);
    return str_from_c(inet_ntoa(a));
}

static Value s_gethostbyname(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("gethostbyname", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "gethostbyname() argument 1 must be str, bytes or bytearray, not %s", val_type_name(argv[0]));
    }
    SockAddr a;
    memset(&a, 0, sizeof a);
    if (!resolve_host(AS_STR(argv[0])->data, AF_INET, &a, "gethostbyname")) {
        return VAL_NULL;
    }
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a.in4.sin_addr, buf, sizeof buf);
    return str_from_c(buf);
}

// (name, aliases, addresses) of a hostent, as CPython's gethost_common (IPv4).
static Value hostent_tuple(const struct hostent *h) {
    Value aliases = list_new(0);
    gc_push_root(aliases);
    for (char **a = h->h_aliases; a && *a; a++) {
        list_append(AS_LIST(aliases), str_from_c(*a));
    }
    Value addrs = list_new(0);
    gc_push_root(addrs);
    for (char **a = h->h_addr_list; h->h_addrtype == AF_INET && a && *a; a++) {
        char buf[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, *a, buf, sizeof buf);
        list_append(AS_LIST(addrs), str_from_c(buf));
    }
    Value t = tuple_pack(3, str_from_c(h->h_name), aliases, addrs);
    gc_pop_root(2);
    return t;
}

static Value raise_herror(int err) {
    Value args[2] = {MK_SMALL(err), str_from_c(hstrerror(err))};
    Value e = exc_new(exc_herror, 2, args);
    if (e) {
        exc_raise_value(e);
    }
    return VAL_NULL;
}

// gethostbyname_ex(host) -> (name, aliaslist, addresslist)
static Value s_gethostbyname_ex(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("gethostbyname_ex", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "gethostbyname_ex() argument 1 must be str, bytes or bytearray, not %s", val_type_name(argv[0]));
    }
    SockAddr a;
    memset(&a, 0, sizeof a);
    if (!resolve_host(AS_STR(argv[0])->data, AF_INET, &a, "gethostbyname_ex")) {
        return VAL_NULL;
    }
    struct hostent he, *res = NULL;
    char buf[16384];
    int err = 0;
    gethostbyname_r(AS_STR(argv[0])->data, &he, buf, sizeof buf, &res, &err);
    return res ? hostent_tuple(res) : raise_herror(err);
}

// gethostbyaddr(ip) -> (name, aliaslist, addresslist)
static Value s_gethostbyaddr(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("gethostbyaddr", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "gethostbyaddr() argument 1 must be str, bytes or bytearray, not %s", val_type_name(argv[0]));
    }
    SockAddr a;
    memset(&a, 0, sizeof a);
    if (!resolve_host(AS_STR(argv[0])->data, AF_INET, &a, "gethostbyaddr")) {
        return VAL_NULL;
    }
    struct hostent he, *res = NULL;
    char buf[16384];
    int err = 0;
    gethostbyaddr_r(&a.in4.sin_addr, sizeof a.in4.sin_addr, AF_INET, &he, buf, sizeof buf, &res, &err);
    return res ? hostent_tuple(res) : raise_herror(err);
}

// The optional protocol name of getservbyname/getservbyport: NULL for any.
static bool proto_arg(const char *fn, int argc, Value *argv, int i, const char **proto) {
    *proto = NULL;
    if (argc <= i) {
        return true;
    }
    if (!IS_STR(argv[i])) {
        exc_raise(exc_TypeError, "%s() argument %d must be str, not %s", fn, i + 1, val_type_name(argv[i]));
        return false;
    }
    *proto = AS_STR(argv[i])->data;
    return true;
}

// getservbyname(servicename[, protocolname]) -> port number
static Value s_getservbyname(int argc, Value *argv, ObjDict *kw) {
    const char *proto;
    if (!arg_count("getservbyname", argc, 1, 2) || !proto_arg("getservbyname", argc, argv, 1, &proto)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "getservbyname() argument 1 must be str, not %s", val_type_name(argv[0]));
    }
    struct servent *se = getservbyname(AS_STR(argv[0])->data, proto);
    if (!se) {
        return exc_raise(exc_OSError, "service/proto not found");
    }
    return MK_SMALL(ntohs((uint16_t)se->s_port));
}

// getservbyport(port[, protocolname]) -> service name
static Value s_getservbyport(int argc, Value *argv, ObjDict *kw) {
    int64_t port;
    const char *proto;
    if (!arg_count("getservbyport", argc, 1, 2) || !int_to_i64(argv[0], &port) ||
        !proto_arg("getservbyport", argc, argv, 1, &proto)) {
        return VAL_NULL;
    }
    if (port < 0 || port > 0xffff) {
        return exc_raise(exc_OverflowError, "getservbyport: port must be 0-65535.");
    }
    struct servent *se = getservbyport(htons((uint16_t)port), proto);
    if (!se) {
        return exc_raise(exc_OSError, "port/proto not found");
    }
    return str_from_c(se->s_name);
}

// getprotobyname(name) -> protocol number
static Value s_getprotobyname(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getprotobyname", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "getprotobyname() argument 1 must be str, not %s", val_type_name(argv[0]));
    }
    struct protoent *pe = getprotobyname(AS_STR(argv[0])->data);
    if (!pe) {
        return exc_raise(exc_OSError, "protocol not found");
    }
    return MK_SMALL(pe->p_proto);
}

static const MethodDef socket_fns[] = {
    {"socket", s_socket},
    {"info", s_info},
    {"set_blocking", s_set_blocking},
    {"bind", s_bind},
    {"listen", s_listen},
    {"connect", s_connect},
    {"accept", s_accept},
    {"recv", s_recv},
    {"recv_into", s_recv_into},
    {"recv_append", s_recv_append},
    {"recvfrom", s_recvfrom},
    {"send", s_send},
    {"sendto", s_sendto},
    {"setsockopt", s_setsockopt},
    {"getsockopt", s_getsockopt},
    {"getsockname", s_getsockname},
    {"getpeername", s_getpeername},
    {"shutdown", s_shutdown},
    {"close", s_close},
    {"socketpair", s_socketpair},
    {"getaddrinfo", s_getaddrinfo},
    {"getnameinfo", s_getnameinfo},
    {"gethostname", s_gethostname},
    {"gethostbyname", s_gethostbyname},
    {"getservbyname", s_getservbyname},
    {"sendmsg", s_sendmsg},
    {"recvmsg", s_recvmsg},
    {"CMSG_LEN", s_cmsg_len},
    {"CMSG_SPACE", s_cmsg_space},
    {"gethostbyname_ex", s_gethostbyname_ex},
    {"gethostbyaddr", s_gethostbyaddr},
    {"getservbyport", s_getservbyport},
    {"getprotobyname", s_getprotobyname},
    {"inet_pton", s_inet_pton},
    {"inet_ntop", s_inet_ntop},
    {"inet_aton", s_inet_aton},
    {"inet_ntoa", s_inet_ntoa},
    {NULL, NULL},
};

Value mod_socket_init(void) {
    Value m = module_new("_socket");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "_socket", socket_fns);
    if (!exc_gaierror) {
        exc_gaierror = class_new_builtin("gaierror", exc_OSError, exc_OSError->inst_size, NULL);
        exc_gaierror->module = str_intern_c("socket");
        exc_herror = class_new_builtin("herror", exc_OSError, exc_OSError->inst_size, NULL);
        exc_herror->module = str_intern_c("socket");
    }
    dict_set_str(d, str_intern_c("gaierror"), OBJ_VAL(exc_gaierror));
    dict_set_str(d, str_intern_c("herror"), OBJ_VAL(exc_herror));
#define C(n) {#n, n}
    static const struct {
        const char *name;
        long value;
    } consts[] = {
        C(AF_INET), C(AF_INET6), C(AF_UNIX), C(AF_UNSPEC), C(AF_PACKET), C(AF_NETLINK),
        C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_SEQPACKET), C(SOCK_RDM),
        C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
        C(SOL_SOCKET), C(SOL_TCP), {"SOL_UDP", 17}, C(SOL_IP),
        C(SO_REUSEADDR), C(SO_REUSEPORT), C(SO_KEEPALIVE), C(SO_BROADCAST), C(SO_ERROR),
        C(SO_LINGER), C(SO_RCVBUF), C(SO_SNDBUF), C(SO_RCVLOWAT), C(SO_SNDLOWAT), C(SO_RCVTIMEO),
        C(SO_SNDTIMEO), C(SO_TYPE), C(SO_DOMAIN), C(SO_PROTOCOL), C(SO_ACCEPTCONN), C(SO_OOBINLINE),
        C(SO_DEBUG), C(SO_DONTROUTE), C(SO_PEERCRED), C(SO_PASSCRED), C(SO_PRIORITY), C(SO_BINDTODEVICE),
        C(IPPROTO_IP), C(IPPROTO_TCP), C(IPPROTO_UDP), C(IPPROTO_IPV6), C(IPPROTO_ICMP), C(IPPROTO_RAW),
        C(IPPROTO_ICMPV6),
        C(IPV6_V6ONLY), C(IP_TOS), C(IP_TTL), C(IP_MULTICAST_TTL), C(IP_MULTICAST_LOOP),
        C(IP_ADD_MEMBERSHIP), C(IP_DROP_MEMBERSHIP), C(IP_MULTICAST_IF),
        C(TCP_NODELAY), C(TCP_MAXSEG), C(TCP_KEEPIDLE), C(TCP_KEEPINTVL), C(TCP_KEEPCNT),
        C(TCP_CORK), C(TCP_QUICKACK), C(TCP_FASTOPEN), C(TCP_USER_TIMEOUT), C(TCP_NOTSENT_LOWAT),
        C(MSG_PEEK), C(MSG_OOB), C(MSG_WAITALL), C(MSG_DONTWAIT), C(MSG_NOSIGNAL), C(MSG_TRUNC),
        C(MSG_DONTROUTE), C(MSG_EOR), C(MSG_CTRUNC), C(MSG_CMSG_CLOEXEC),
        C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR), C(SOMAXCONN),
        C(AI_PASSIVE), C(AI_CANONNAME), C(AI_NUMERICHOST), C(AI_NUMERICSERV), C(AI_V4MAPPED),
        C(AI_ALL), C(AI_ADDRCONFIG),
        C(NI_NUMERICHOST), C(NI_NUMERICSERV), C(NI_NOFQDN), C(NI_NAMEREQD), C(NI_DGRAM),
        C(NI_MAXHOST), C(NI_MAXSERV),
        C(EAI_ADDRFAMILY), C(EAI_AGAIN), C(EAI_BADFLAGS), C(EAI_FAIL), C(EAI_FAMILY), C(EAI_MEMORY),
        C(EAI_NODATA), C(EAI_NONAME), C(EAI_SERVICE), C(EAI_SOCKTYPE), C(EAI_SYSTEM), C(EAI_OVERFLOW),
        C(INADDR_ANY), C(INADDR_LOOPBACK), C(INADDR_NONE),
        {"INADDR_BROADCAST", (long)0xffffffffL},
        C(SCM_RIGHTS), C(SCM_CREDENTIALS),
    };
#undef C
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), int_from_i64(consts[i].value));
    }
    return m;
}
