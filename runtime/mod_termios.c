// mod_termios.c: the termios module on the C library's termios(3):
// tcgetattr/tcsetattr with CPython's 7-item attribute list (cc items are
// 1-byte bytes, but VMIN/VTIME are ints outside canonical mode),
// tcsendbreak, tcdrain, tcflush, tcflow, tcgetwinsize/tcsetwinsize (3.11)
// and the constants of termios_names.h. Failures raise termios.error
// (errno, strerror), an Exception subclass as CPython's. File descriptors
// are ints or objects with fileno(). Not registered in a sandbox.
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "bytes.h"
#include "module.h"
#include "runtime.h"
#include "state.h"

static Value termios_error(void) {
    int e = errno;
    Value args[2] = {MK_SMALL(e), str_from_c(strerror(e))};
    return exc_raise_value(exc_new(ST->exc_termios_error, 2, args));
}

static bool nargs(const char *name, int argc, int n) {
    if (argc != n) {
        if (n == 1) {   // CPython's METH_O functions
            exc_raise(exc_TypeError, "termios.%s() takes exactly one argument (%d given)", name, argc);
        } else {
            exc_raise(exc_TypeError, "%s expected %d arguments, got %d", name, n, argc);
        }
        return false;
    }
    return true;
}

static bool int_arg(Value v, int *out) {
    int64_t i;
    if (!index_value(v, NULL, &i)) {
        return false;
    }
    if (i < -2147483648LL || i > 2147483647LL) {
        exc_raise(exc_OverflowError, "Python int too large to convert to C int");
        return false;
    }
    *out = (int)i;
    return true;
}

// tcgetattr(fd, /) -> [iflag, oflag, cflag, lflag, ispeed, ospeed, cc]
static Value t_tcgetattr(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!nargs("tcgetattr", argc, 1)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[0]);
    if (fd < 0) {
        return VAL_NULL;
    }
    struct termios m;
    if (tcgetattr(fd, &m) < 0) {
        return termios_error();
    }
    Value cc = list_new(NCCS);
    for (int i = 0; i < NCCS; i++) {
        unsigned char ch = m.c_cc[i];
        list_append(AS_LIST(cc), bytes_new(&ch, 1));
    }
    if ((m.c_lflag & ICANON) == 0) {
        AS_LIST(cc)->items[VMIN] = MK_SMALL(m.c_cc[VMIN]);
        AS_LIST(cc)->items[VTIME] = MK_SMALL(m.c_cc[VTIME]);
    }
    Value r = list_new(7);
    list_append(AS_LIST(r), int_from_i64((int64_t)m.c_iflag));
    list_append(AS_LIST(r), int_from_i64((int64_t)m.c_oflag));
    list_append(AS_LIST(r), int_from_i64((int64_t)m.c_cflag));
    list_append(AS_LIST(r), int_from_i64((int64_t)m.c_lflag));
    list_append(AS_LIST(r), int_from_i64((int64_t)cfgetispeed(&m)));
    list_append(AS_LIST(r), int_from_i64((int64_t)cfgetospeed(&m)));
    list_append(AS_LIST(r), cc);
    return r;
}

// A flag word of the attribute list: an int taken modulo 2**32 as C's
// unsigned conversion does.
static bool flag_arg(Value v, tcflag_t *out) {
    int64_t i;
    if (!index_value(v, NULL, &i)) {
        return false;
    }
    *out = (tcflag_t)i;
    return true;
}

// tcsetattr(fd, when, attributes, /)
static Value t_tcsetattr(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!nargs("tcsetattr", argc, 3)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[0]);
    int when;
    if (fd < 0 || !int_arg(argv[1], &when)) {
        return VAL_NULL;
    }
    if (!IS_LIST(argv[2]) || AS_LIST(argv[2])->len != 7) {
        return exc_raise(exc_TypeError, "tcsetattr, arg 3: must be 7 element list");
    }
    struct termios m;
    if (tcgetattr(fd, &m) < 0) {
        return termios_error();
    }
    Value *a = AS_LIST(argv[2])->items;
    tcflag_t speeds[2];
    if (!flag_arg(a[0], &m.c_iflag) || !flag_arg(a[1], &m.c_oflag) || !flag_arg(a[2], &m.c_cflag) ||
        !flag_arg(a[3], &m.c_lflag) || !flag_arg(a[4], &speeds[0]) || !flag_arg(a[5], &speeds[1])) {
        return VAL_NULL;
    }
    Value cc = a[6];
    if (!IS_LIST(cc) || AS_LIST(cc)->len != NCCS) {
        return exc_raise(exc_TypeError, "tcsetattr: attributes[6] must be %d element list", NCCS);
    }
    for (int i = 0; i < NCCS; i++) {
        Value v = AS_LIST(cc)->items[i];
        if (IS_BYTES(v) && AS_BYTES(v)->len == 1) {
            m.c_cc[i] = (cc_t)AS_BYTES(v)->data[0];
        } else if (IS_INT(v) || v == VAL_TRUE || v == VAL_FALSE) {
            int64_t c;
            if (!index_value(v, NULL, &c)) {
                return VAL_NULL;
            }
            m.c_cc[i] = (cc_t)c;
        } else {
            return exc_raise(exc_TypeError, "tcsetattr: elements of attributes must be characters or integers");
        }
    }
    if (cfsetispeed(&m, (speed_t)speeds[0]) < 0 || cfsetospeed(&m, (speed_t)speeds[1]) < 0 ||
        tcsetattr(fd, when, &m) < 0) {
        return termios_error();
    }
    return VAL_NONE;
}

// The functions of one fd and one int: tcsendbreak, tcflush, tcflow.
static Value fd_int_call(const char *name, int argc, Value *argv, int (*fn)(int, int)) {
    if (!nargs(name, argc, 2)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[0]);
    int n;
    if (fd < 0 || !int_arg(argv[1], &n)) {
        return VAL_NULL;
    }
    return fn(fd, n) < 0 ? termios_error() : VAL_NONE;
}

static Value t_tcsendbreak(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return fd_int_call("tcsendbreak", argc, argv, tcsendbreak);
}

static Value t_tcflush(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return fd_int_call("tcflush", argc, argv, tcflush);
}

static Value t_tcflow(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return fd_int_call("tcflow", argc, argv, tcflow);
}

static Value t_tcdrain(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!nargs("tcdrain", argc, 1)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[0]);
    if (fd < 0) {
        return VAL_NULL;
    }
    return tcdrain(fd) < 0 ? termios_error() : VAL_NONE;
}

// tcgetwinsize(fd, /) -> (rows, columns)
static Value t_tcgetwinsize(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!nargs("tcgetwinsize", argc, 1)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[0]);
    if (fd < 0) {
        return VAL_NULL;
    }
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) < 0) {
        return termios_error();
    }
    return tuple_pack(2, MK_SMALL(w.ws_row), MK_SMALL(w.ws_col));
}

// tcsetwinsize(fd, winsize, /): winsize a two-item sequence (rows, columns)
static Value t_tcsetwinsize(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!nargs("tcsetwinsize", argc, 2)) {
        return VAL_NULL;
    }
    int fd = fd_of(argv[0]);
    if (fd < 0) {
        return VAL_NULL;
    }
    Value seq = argv[1];
    if (!IS_LIST(seq) && !IS_TUPLE(seq)) {
        return exc_raise(exc_TypeError, "tcsetwinsize, arg 2: must be a two-item sequence");
    }
    size_t n = IS_LIST(seq) ? AS_LIST(seq)->len : AS_TUPLE(seq)->len;
    Value *items = IS_LIST(seq) ? AS_LIST(seq)->items : AS_TUPLE(seq)->items;
    if (n != 2) {
        return exc_raise(exc_TypeError, "tcsetwinsize, arg 2: must be a two-item sequence");
    }
    int64_t rc[2];
    for (int i = 0; i < 2; i++) {
        if (!index_value(items[i], NULL, &rc[i])) {
            return VAL_NULL;
        }
        if (rc[i] < 0 || rc[i] > 65535) {
            return exc_raise(exc_OverflowError, "winsize value(s) out of range.");
        }
    }
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) < 0) {
        return termios_error();
    }
    w.ws_row = (unsigned short)rc[0];
    w.ws_col = (unsigned short)rc[1];
    if (ioctl(fd, TIOCSWINSZ, &w) < 0) {
        return termios_error();
    }
    return VAL_NONE;
}

static const MethodDef termios_fns[] = {
    {"tcgetattr", t_tcgetattr, false},
    {"tcsetattr", t_tcsetattr, false},
    {"tcsendbreak", t_tcsendbreak, false},
    {"tcdrain", t_tcdrain, false},
    {"tcflush", t_tcflush, false},
    {"tcflow", t_tcflow, false},
    {"tcgetwinsize", t_tcgetwinsize, false},
    {"tcsetwinsize", t_tcsetwinsize, false},
    {NULL, NULL, false},
};

Value mod_termios_init(void) {
    Value m = module_new("termios");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "termios", termios_fns);
    if (!ST->exc_termios_error) {
        ST->exc_termios_error = class_new_builtin("error", exc_Exception, exc_Exception->inst_size, NULL);
        ST->exc_termios_error->module = str_intern_c("termios");
    }
    dict_set_str(d, str_intern_c("error"), OBJ_VAL(ST->exc_termios_error));
#define C(n) {#n, (long)(n)}
    static const struct {
        const char *name;
        long value;
    } consts[] = {
#include "termios_names.h"
    };
#undef C
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), int_from_i64(consts[i].value));
    }
    return m;
}
