// mod_time.c: the time module, reading the clock of clock.c (real or
// virtual): time, monotonic, perf_counter, their _ns forms, and sleep.
#include <math.h>
#include <time.h>
#include "object.h"
#include "module.h"
#include "clock.h"

static Value t_time(int argc, Value *argv, ObjDict *kw) {
    return float_new(clock_wall());
}

static Value t_monotonic(int argc, Value *argv, ObjDict *kw) {
    return float_new(clock_monotonic());
}

static Value t_time_ns(int argc, Value *argv, ObjDict *kw) {
    return int_from_i64((int64_t)(clock_wall() * 1e9));
}

static Value t_monotonic_ns(int argc, Value *argv, ObjDict *kw) {
    return int_from_i64((int64_t)(clock_monotonic() * 1e9));
}

static Value t_sleep(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("sleep", argc, 1, 1)) {
        return VAL_NULL;
    }
    // CPython's _PyTime_FromSecondsObject: a float, or an integer through
    // __index__, within the range of a 64-bit count of nanoseconds
    double s;
    if (IS_FLOAT(argv[0])) {
        s = AS_FLOAT(argv[0]);
        if (isnan(s)) {
            return exc_raise(exc_ValueError, "Invalid value NaN (not a number)");
        }
    } else {
        int64_t n;
        if (!int_to_i64(argv[0], &n)) {
            if (!EXC_PENDING_IS(exc_OverflowError)) {
                return VAL_NULL;
            }
            exc_clear();
            n = INT64_MAX;
        }
        s = (double)n;
    }
    if (!(s * 1e9 >= -9223372036854775808.0 && s * 1e9 < 9223372036854775808.0)) {
        return exc_raise(exc_OverflowError, "timestamp too large to convert to C _PyTime_t");
    }
    return clock_sleep(s) ? VAL_NONE : VAL_NULL;
}

static Value t_process_time(int argc, Value *argv, ObjDict *kw) {
    return float_new((double)clock() / CLOCKS_PER_SEC);
}

static const MethodDef time_fns[] = {
    {"time", t_time},
    {"monotonic", t_monotonic},
    {"perf_counter", t_monotonic},
    {"time_ns", t_time_ns},
    {"monotonic_ns", t_monotonic_ns},
    {"perf_counter_ns", t_monotonic_ns},
    {"process_time", t_process_time},
    {"sleep", t_sleep},
    {NULL, NULL},
};

Value mod_time_init(void) {
    Value m = module_new("time");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    for (const MethodDef *f = time_fns; f->name; f++) {
        dict_set_str(d, str_intern_c(f->name), native_new(f->name, f->fn, NULL));
    }
    return m;
}
