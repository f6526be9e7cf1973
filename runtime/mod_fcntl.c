// mod_fcntl.c: the fcntl module: fcntl, ioctl, flock and lockf on a file
// descriptor (an int or an object with fileno()) and the F_*/FD_*/LOCK_*/
// DN_* constants, with CPython's rules: an int argument gives an int
// result, a str or bytes-like argument (at most 1024 bytes) is copied into
// a buffer the call may fill and comes back as bytes; ioctl with a
// writable buffer updates it in place. Calls interrupted by a signal are
// retried. Not registered in a sandbox.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "bytes.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"

#define ARG_BUFSZ 1024

static Value fcntl_error(void) {
    return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
}

static bool int_arg(Value v, int64_t *out) {
    return int_to_i64(v, out);
}

// A str's UTF-8 or a buffer's bytes as CPython's "s#" reads them; false
// (nothing raised) when [v] is neither.
static bool text_or_buffer(Value v, const unsigned char **p, size_t *len) {
    if (IS_STR(v)) {
        *p = (const unsigned char *)AS_STR(v)->data;
        *len = AS_STR(v)->len;
        return true;
    }
    BufView b;
    int r = buffer_get(v, &b);
    if (r < 0) {
        exc_clear();
    }
    if (r != 1) {
        return false;
    }
    *p = b.ptr;
    *len = b.len;
    return true;
}

// fcntl(fd, cmd, arg=0, /)
static Value f_fcntl(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, argc < 2 ? "fcntl expected at least 2 arguments, got %d"
                                                 : "fcntl expected at most 3 arguments, got %d", argc);
    }
    int fd = fd_of(argv[0]);
    int64_t cmd;
    if (fd < 0 || !int_arg(argv[1], &cmd)) {
        return VAL_NULL;
    }
    int64_t iarg = 0;
    if (argc == 3) {
        const unsigned char *p;
        size_t len;
        if (text_or_buffer(argv[2], &p, &len)) {
            if (len > ARG_BUFSZ) {
                return exc_raise(exc_ValueError, "fcntl string arg too long");
            }
            unsigned char buf[ARG_BUFSZ];
            memcpy(buf, p, len);
            int r;
            do {
                r = fcntl(fd, (int)cmd, buf);
            } while (r < 0 && errno == EINTR);
            return r < 0 ? fcntl_error() : bytes_new(buf, len);
        }
        if (!int_arg(argv[2], &iarg)) {
            return VAL_NULL;
        }
    }
    int r;
    do {
        r = fcntl(fd, (int)cmd, (long)iarg);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? fcntl_error() : MK_SMALL(r);
}

// ioctl(fd, request, arg=0, mutate_flag=True, /)
static Value f_ioctl(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc < 2 || argc > 4) {
        return exc_raise(exc_TypeError, argc < 2 ? "ioctl expected at least 2 arguments, got %d"
                                                 : "ioctl expected at most 4 arguments, got %d", argc);
    }
    int fd = fd_of(argv[0]);
    int64_t req;
    if (fd < 0 || !int_arg(argv[1], &req)) {
        return VAL_NULL;
    }
    bool mutate = true;
    if (argc == 4) {
        int t = obj_truthy(argv[3]);
        if (t < 0) {
            return VAL_NULL;
        }
        mutate = t > 0;
    }
    int64_t iarg = 0;
    if (argc >= 3) {
        BufView b;
        int br = IS_STR(argv[2]) ? 0 : buffer_get(argv[2], &b);
        if (br < 0) {
            return VAL_NULL;
        }
        if (br == 1 && !b.readonly && mutate) {
            // a writable buffer: the call fills it (through a copy when small)
            unsigned char buf[ARG_BUFSZ + 1];
            unsigned char *p = b.len <= ARG_BUFSZ ? buf : b.ptr;
            if (p == buf) {
                memcpy(buf, b.ptr, b.len);
                buf[b.len] = 0;
            }
            int r = ioctl(fd, (unsigned long)req, p);
            if (r < 0) {
                return fcntl_error();
            }
            if (p == buf) {
                memcpy(b.ptr, buf, b.len);
            }
            return MK_SMALL(r);
        }
        const unsigned char *p;
        size_t len;
        if (text_or_buffer(argv[2], &p, &len)) {
            if (len > ARG_BUFSZ) {
                return exc_raise(exc_ValueError, "ioctl string arg too long");
            }
            unsigned char buf[ARG_BUFSZ + 1];
            memcpy(buf, p, len);
            buf[len] = 0;
            int r = ioctl(fd, (unsigned long)req, buf);
            return r < 0 ? fcntl_error() : bytes_new(buf, len);
        }
        if (!int_arg(argv[2], &iarg)) {
            return VAL_NULL;
        }
    }
    int r = ioctl(fd, (unsigned long)req, (long)iarg);
    return r < 0 ? fcntl_error() : MK_SMALL(r);
}

// flock(fd, operation, /)
static Value f_flock(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "flock expected 2 arguments, got %d", argc);
    }
    int fd = fd_of(argv[0]);
    int64_t op;
    if (fd < 0 || !int_arg(argv[1], &op)) {
        return VAL_NULL;
    }
    int r;
    do {
        r = flock(fd, (int)op);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? fcntl_error() : VAL_NONE;
}

// lockf(fd, cmd, len=0, start=0, whence=0, /): a POSIX record lock
static Value f_lockf(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc < 2 || argc > 5) {
        return exc_raise(exc_TypeError, argc < 2 ? "lockf expected at least 2 arguments, got %d"
                                                 : "lockf expected at most 5 arguments, got %d", argc);
    }
    int fd = fd_of(argv[0]);
    int64_t code, len = 0, start = 0, whence = 0;
    if (fd < 0 || !int_arg(argv[1], &code) || (argc > 2 && !int_arg(argv[2], &len)) ||
        (argc > 3 && !int_arg(argv[3], &start)) || (argc > 4 && !int_arg(argv[4], &whence))) {
        return VAL_NULL;
    }
    struct flock l;
    memset(&l, 0, sizeof l);
    if (code == LOCK_UN) {
        l.l_type = F_UNLCK;
    } else if (code & LOCK_SH) {
        l.l_type = F_RDLCK;
    } else if (code & LOCK_EX) {
        l.l_type = F_WRLCK;
    } else {
        return exc_raise(exc_ValueError, "unrecognized lockf argument");
    }
    l.l_start = (off_t)start;
    l.l_len = (off_t)len;
    l.l_whence = (short)whence;
    int r;
    do {
        r = fcntl(fd, (code & LOCK_NB) ? F_SETLK : F_SETLKW, &l);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? fcntl_error() : VAL_NONE;
}

static const MethodDef fcntl_fns[] = {
    {"fcntl", f_fcntl, false},
    {"ioctl", f_ioctl, false},
    {"flock", f_flock, false},
    {"lockf", f_lockf, false},
    {NULL, NULL, false},
};

Value mod_fcntl_init(void) {
    Value m = module_new("fcntl");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "fcntl", fcntl_fns);
    static const struct {
        const char *name;
        long value;
    } consts[] = {
        {"FD_CLOEXEC", FD_CLOEXEC}, {"F_DUPFD", F_DUPFD}, {"F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC},
        {"F_GETFD", F_GETFD}, {"F_SETFD", F_SETFD}, {"F_GETFL", F_GETFL}, {"F_SETFL", F_SETFL},
        {"F_GETLK", F_GETLK}, {"F_SETLK", F_SETLK}, {"F_SETLKW", F_SETLKW}, {"F_GETLK64", F_GETLK64},
        {"F_SETLK64", F_SETLK64}, {"F_SETLKW64", F_SETLKW64}, {"F_GETOWN", F_GETOWN},
        {"F_SETOWN", F_SETOWN}, {"F_GETSIG", F_GETSIG}, {"F_SETSIG", F_SETSIG}, {"F_RDLCK", F_RDLCK},
        {"F_WRLCK", F_WRLCK}, {"F_UNLCK", F_UNLCK}, {"F_EXLCK", F_EXLCK}, {"F_SHLCK", F_SHLCK},
        {"F_GETLEASE", F_GETLEASE}, {"F_SETLEASE", F_SETLEASE}, {"F_NOTIFY", F_NOTIFY},
        {"F_GETPIPE_SZ", F_GETPIPE_SZ}, {"F_SETPIPE_SZ", F_SETPIPE_SZ}, {"F_OFD_GETLK", F_OFD_GETLK},
        {"F_OFD_SETLK", F_OFD_SETLK}, {"F_OFD_SETLKW", F_OFD_SETLKW}, {"F_ADD_SEALS", F_ADD_SEALS},
        {"F_GET_SEALS", F_GET_SEALS}, {"F_SEAL_SEAL", F_SEAL_SEAL}, {"F_SEAL_SHRINK", F_SEAL_SHRINK},
        {"F_SEAL_GROW", F_SEAL_GROW}, {"F_SEAL_WRITE", F_SEAL_WRITE}, {"FASYNC", FASYNC},
        {"LOCK_SH", LOCK_SH}, {"LOCK_EX", LOCK_EX}, {"LOCK_NB", LOCK_NB}, {"LOCK_UN", LOCK_UN},
        {"LOCK_MAND", 32}, {"LOCK_READ", 64}, {"LOCK_WRITE", 128}, {"LOCK_RW", 192},
        {"DN_ACCESS", DN_ACCESS}, {"DN_MODIFY", DN_MODIFY}, {"DN_CREATE", DN_CREATE}, {"DN_DELETE", DN_DELETE},
        {"DN_RENAME", DN_RENAME}, {"DN_ATTRIB", DN_ATTRIB}, {"DN_MULTISHOT", (long)DN_MULTISHOT},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), int_from_i64(consts[i].value));
    }
    return m;
}
