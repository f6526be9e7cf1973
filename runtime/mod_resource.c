// mod_resource.c: `_resource`, the C core of the resource module:
// getrlimit/setrlimit/prlimit on the process's limits (RLIM_INFINITY is
// -1, as in CPython), getrusage as a plain 16-tuple that
// runtime/lib/resource.pyish turns into struct_rusage, getpagesize and the
// RLIMIT_*/RUSAGE_* constants. Messages are CPython's ("invalid resource
// specified", "current limit exceeds maximum limit"...). Not registered in
// a sandbox.
#define _GNU_SOURCE
#include <errno.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"

static Value rlim_value(rlim_t r) {
    return r == RLIM_INFINITY ? MK_SMALL(-1) : int_from_u64((uint64_t)r);
}

static bool resource_arg(Value v, int *out) {
    int64_t r;
    if (!int_to_i64(v, &r)) {
        return false;
    }
    if (r < 0 || r >= RLIM_NLIMITS) {
        exc_raise(exc_ValueError, "invalid resource specified");
        return false;
    }
    *out = (int)r;
    return true;
}

// (soft, hard) -> struct rlimit; -1 (or anything negative) is RLIM_INFINITY
static bool limits_arg(Value v, struct rlimit *rl) {
    Value seq = seq_to_list(v);
    if (!seq) {
        return false;
    }
    if (AS_LIST(seq)->len != 2) {
        exc_raise(exc_ValueError, "expected a tuple of 2 integers");
        return false;
    }
    gc_push_root(seq);
    int64_t lim[2];
    bool ok = int_to_i64(AS_LIST(seq)->items[0], &lim[0]) && int_to_i64(AS_LIST(seq)->items[1], &lim[1]);
    gc_pop_root(1);
    if (ok) {
        rl->rlim_cur = lim[0] < 0 ? RLIM_INFINITY : (rlim_t)lim[0];
        rl->rlim_max = lim[1] < 0 ? RLIM_INFINITY : (rlim_t)lim[1];
    }
    return ok;
}

static Value limits_tuple(const struct rlimit *rl) {
    Value soft = rlim_value(rl->rlim_cur);
    gc_push_root(soft);
    Value hard = rlim_value(rl->rlim_max);
    gc_push_root(hard);
    Value t = tuple_pack(2, soft, hard);
    gc_pop_root(2);
    return t;
}

static Value setrlimit_error(void) {
    if (errno == EINVAL) {
        return exc_raise(exc_ValueError, "current limit exceeds maximum limit");
    }
    if (errno == EPERM) {
        return exc_raise(exc_ValueError, "not allowed to raise maximum limit");
    }
    return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
}

static Value r_getrlimit(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 1) {
        return exc_raise(exc_TypeError, "resource.getrlimit() takes exactly one argument (%d given)", argc);
    }
    int res;
    struct rlimit rl;
    if (!resource_arg(argv[0], &res)) {
        return VAL_NULL;
    }
    if (getrlimit(res, &rl) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return limits_tuple(&rl);
}

static Value r_setrlimit(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 2) {
        return exc_raise(exc_TypeError, "setrlimit expected 2 arguments, got %d", argc);
    }
    int res;
    struct rlimit rl;
    if (!resource_arg(argv[0], &res) || !limits_arg(argv[1], &rl)) {
        return VAL_NULL;
    }
    return setrlimit(res, &rl) == 0 ? VAL_NONE : setrlimit_error();
}

// prlimit(pid, resource[, limits]) -> the previous (soft, hard)
static Value r_prlimit(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc < 2 || argc > 3) {
        return exc_raise(exc_TypeError, "prlimit expected 2 or 3 arguments, got %d", argc);
    }
    int64_t pid;
    int res;
    struct rlimit rl, old;
    if (!int_to_i64(argv[0], &pid) || !resource_arg(argv[1], &res) || (argc == 3 && !limits_arg(argv[2], &rl))) {
        return VAL_NULL;
    }
    if (prlimit((pid_t)pid, (enum __rlimit_resource)res, argc == 3 ? &rl : NULL, &old) != 0) {
        return argc == 3 && (errno == EINVAL || errno == EPERM) ? setrlimit_error()
                                                                : exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return limits_tuple(&old);
}

static Value r_getrusage(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc != 1) {
        return exc_raise(exc_TypeError, "resource.getrusage() takes exactly one argument (%d given)", argc);
    }
    int64_t who;
    if (!int_to_i64(argv[0], &who)) {
        return VAL_NULL;
    }
    struct rusage ru;
    if (getrusage((int)who, &ru) != 0) {
        if (errno == EINVAL) {
            return exc_raise(exc_ValueError, "invalid who parameter");
        }
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    Value t = tuple_new(16);
    gc_push_root(t);
    Value *it = AS_TUPLE(t)->items;
    it[0] = float_new((double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6);
    it[1] = float_new((double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6);
    const long rest[14] = {ru.ru_maxrss, ru.ru_ixrss, ru.ru_idrss, ru.ru_isrss, ru.ru_minflt,
                           ru.ru_majflt, ru.ru_nswap, ru.ru_inblock, ru.ru_oublock, ru.ru_msgsnd,
                           ru.ru_msgrcv, ru.ru_nsignals, ru.ru_nvcsw, ru.ru_nivcsw};
    for (int i = 0; i < 14; i++) {
        it[2 + i] = int_from_i64(rest[i]);
    }
    gc_pop_root(1);
    return t;
}

static Value r_getpagesize(int argc, Value *argv, ObjDict *kw) {
    (void)argv, (void)kw;
    if (argc != 0) {
        return exc_raise(exc_TypeError, "resource.getpagesize() takes no arguments (%d given)", argc);
    }
    return MK_SMALL(sysconf(_SC_PAGESIZE));
}

static const MethodDef resource_fns[] = {
    {"getrlimit", r_getrlimit, false},
    {"setrlimit", r_setrlimit, false},
    {"prlimit", r_prlimit, false},
    {"_getrusage", r_getrusage, false},
    {"getpagesize", r_getpagesize, false},
    {NULL, NULL, false},
};

Value mod_resource_init(void) {
    Value m = module_new("_resource");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "resource", resource_fns);
    static const struct {
        const char *name;
        long value;
    } consts[] = {
        {"RLIMIT_CPU", RLIMIT_CPU}, {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_DATA", RLIMIT_DATA},
        {"RLIMIT_STACK", RLIMIT_STACK}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_NPROC", RLIMIT_NPROC}, {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_OFILE", RLIMIT_OFILE},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
        {"RLIMIT_NICE", RLIMIT_NICE}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},
        {"RUSAGE_SELF", RUSAGE_SELF}, {"RUSAGE_CHILDREN", RUSAGE_CHILDREN}, {"RUSAGE_THREAD", RUSAGE_THREAD},
        {"RLIM_INFINITY", -1},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), MK_SMALL(consts[i].value));
    }
    return m;
}
