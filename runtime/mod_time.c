// mod_time.c: `_time`, the C core of the time module, reading the clock of
// clock.c (real or virtual): time, monotonic, perf_counter, their _ns
// forms, sleep, clock_gettime/clock_getres with the CLOCK_* ids, and the calendar calls on plain tuples (_gmtime,
// _localtime, _mktime, _strftime, _tzinfo) that runtime/lib/time.pyish
// turns into struct_time, gmtime, localtime, strftime, asctime, ctime.
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <time.h>
#include <string.h>
#include <stdlib.h>
#include "gc.h"
#include "numstr.h"
#include "runtime.h"
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
    if (__builtin_expect(ST->aio_debug_running, 0)) {
        ST->aio_blocking_hook("time.sleep", argv[0], "use await asyncio.sleep()");
    }
    return clock_sleep(s) ? VAL_NONE : VAL_NULL;
}

static Value t_process_time(int argc, Value *argv, ObjDict *kw) {
    return float_new((double)clock() / CLOCKS_PER_SEC);
}

// ---- calendar time on tuples (year, mon, mday, hour, min, sec, wday,
// yday, isdst, zone, gmtoff), as CPython's struct_time fields
static bool secs_arg(int argc, Value *argv, time_t *out) {
    if (argc == 0 || IS_NONE(argv[0])) {
        *out = (time_t)clock_wall();
        return true;
    }
    double d;
    if (IS_FLOAT(argv[0])) {
        d = AS_FLOAT(argv[0]);
        if (isnan(d)) {
            exc_raise(exc_ValueError, "Invalid value NaN (not a number)");
            return false;
        }
    } else {
        int64_t i;
        if (!int_to_i64(argv[0], &i)) {
            return false;
        }
        d = (double)i;
    }
    if (d >= 9.2e18 || d <= -9.2e18) {
        exc_raise(exc_OverflowError, "timestamp out of range for platform time_t");
        return false;
    }
    *out = (time_t)floor(d);
    return true;
}

static Value tm_tuple(const struct tm *tm) {
    Value t = tuple_new(11);
    gc_push_root(t);
    ObjTuple *r = AS_TUPLE(t);
    r->items[0] = MK_SMALL(tm->tm_year + 1900);
    r->items[1] = MK_SMALL(tm->tm_mon + 1);
    r->items[2] = MK_SMALL(tm->tm_mday);
    r->items[3] = MK_SMALL(tm->tm_hour);
    r->items[4] = MK_SMALL(tm->tm_min);
    r->items[5] = MK_SMALL(tm->tm_sec);
    r->items[6] = MK_SMALL((tm->tm_wday + 6) % 7);
    r->items[7] = MK_SMALL(tm->tm_yday + 1);
    r->items[8] = MK_SMALL(tm->tm_isdst);
    r->items[9] = str_from_c(tm->tm_zone ? tm->tm_zone : "");
    r->items[10] = MK_SMALL(tm->tm_gmtoff);
    gc_pop_root(1);
    return t;
}

static Value t_gmtime(int argc, Value *argv, ObjDict *kw) {
    time_t t;
    struct tm tm;
    if (!secs_arg(argc, argv, &t)) {
        return VAL_NULL;
    }
    if (!gmtime_r(&t, &tm)) {
        return exc_raise(exc_OverflowError, "timestamp out of range for platform time_t");
    }
    return tm_tuple(&tm);
}

static Value t_localtime(int argc, Value *argv, ObjDict *kw) {
    time_t t;
    struct tm tm;
    if (!secs_arg(argc, argv, &t)) {
        return VAL_NULL;
    }
    if (!localtime_r(&t, &tm)) {
        return exc_raise(exc_OverflowError, "timestamp out of range for platform time_t");
    }
    return tm_tuple(&tm);
}

// A 9- or 11-tuple of ints back into a struct tm (no range checks: the
// pyish side does CPython's).
static bool tm_from(Value v, struct tm *tm, char *zone, size_t zcap) {
    if (!IS_TUPLE(v) || AS_TUPLE(v)->len < 9) {
        exc_raise(exc_TypeError, "Tuple or struct_time argument required");
        return false;
    }
    int64_t f[9];
    for (int i = 0; i < 9; i++) {
        if (!int_to_i64(AS_TUPLE(v)->items[i], &f[i])) {
            return false;
        }
    }
    memset(tm, 0, sizeof *tm);
    tm->tm_year = (int)(f[0] - 1900);
    tm->tm_mon = (int)f[1] - 1;
    tm->tm_mday = (int)f[2];
    tm->tm_hour = (int)f[3];
    tm->tm_min = (int)f[4];
    tm->tm_sec = (int)f[5];
    tm->tm_wday = (int)((f[6] + 1) % 7);
    tm->tm_yday = (int)f[7] - 1;
    tm->tm_isdst = (int)f[8];
    if (AS_TUPLE(v)->len >= 11) {
        Value z = AS_TUPLE(v)->items[9];
        if (IS_STR(z)) {
            snprintf(zone, zcap, "%s", AS_STR(z)->data);
            tm->tm_zone = zone;
        }
        int64_t off;
        if (IS_SMALL(AS_TUPLE(v)->items[10]) && int_to_i64(AS_TUPLE(v)->items[10], &off)) {
            tm->tm_gmtoff = (long)off;
        }
    }
    return true;
}

static Value t_mktime(int argc, Value *argv, ObjDict *kw) {
    struct tm tm;
    char zone[64];
    if (!arg_count("mktime", argc, 1, 1) || !tm_from(argv[0], &tm, zone, sizeof zone)) {
        return VAL_NULL;
    }
    tm.tm_wday = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1 && tm.tm_wday == -1) {
        return exc_raise(exc_OverflowError, "mktime argument out of range");
    }
    return float_new((double)t);
}

static Value t_strftime(int argc, Value *argv, ObjDict *kw) {
    struct tm tm;
    char zone[64];
    if (!arg_count("strftime", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "strftime() argument 1 must be str, not %s", val_type_name(argv[0]));
    }
    if (!tm_from(argv[1], &tm, zone, sizeof zone)) {
        return VAL_NULL;
    }
    const char *fmt = AS_STR(argv[0])->data;
    if (!*fmt) {
        return str_from_c("");
    }
    for (size_t cap = 256; cap <= ((size_t)1 << 24); cap *= 4) {
        char *buf = malloc(cap);
        if (!buf) {
            return exc_raise_nomem();
        }
        size_t n = strftime(buf, cap, fmt, &tm);
        if (n > 0 || cap > 16 * strlen(fmt)) {
            Value r = str_try_new(buf, n);
            free(buf);
            return r;
        }
        free(buf);
    }
    return str_from_c("");
}

// (timezone, altzone, daylight, (std name, dst name)) for the time module
static Value t_tzinfo(int argc, Value *argv, ObjDict *kw) {
    tzset();
    Value names = tuple_pack(2, str_from_c(tzname[0]), str_from_c(tzname[1]));
    gc_push_root(names);
    Value r = tuple_pack(4, int_from_i64((int64_t)timezone), int_from_i64((int64_t)timezone - (daylight ? 3600 : 0)),
                         MK_SMALL(daylight ? 1 : 0), names);
    gc_pop_root(1);
    return r;
}

static Value t_process_time_ns(int argc, Value *argv, ObjDict *kw) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return int_from_i64((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static Value t_thread_time(int argc, Value *argv, ObjDict *kw) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return float_new((double)ts.tv_sec + ts.tv_nsec * 1e-9);
}

static Value t_thread_time_ns(int argc, Value *argv, ObjDict *kw) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return int_from_i64((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

// clock_gettime(clk_id) and friends: CLOCK_REALTIME and CLOCK_MONOTONIC
// read clock.c's clock as time() and monotonic() do (so the virtual clock
// too), the other clocks the system's; false with an error.
static bool clock_read(const char *fname, int argc, Value *argv, int64_t *ns) {
    int64_t id;
    if (argc != 1) {     // (PyArg_ParseTuple's words)
        exc_raise(exc_TypeError, "%s() takes exactly 1 argument (%d given)", fname, argc);
        return false;
    }
    if (!int_check(argv[0])) {
        exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(argv[0]));
        return false;
    }
    if (!int_to_i64(argv[0], &id)) {
        return false;
    }
    if (id == CLOCK_REALTIME || id == CLOCK_MONOTONIC) {
        *ns = (int64_t)((id == CLOCK_REALTIME ? clock_wall() : clock_monotonic()) * 1e9);
        return true;
    }
    struct timespec ts;
    if (id < INT32_MIN || id > INT32_MAX || clock_gettime((clockid_t)id, &ts) != 0) {
        exc_raise_oserror(id < INT32_MIN || id > INT32_MAX ? EINVAL : errno, VAL_NULL, VAL_NULL);
        return false;
    }
    *ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    return true;
}

static Value t_clock_gettime(int argc, Value *argv, ObjDict *kw) {
    int64_t ns;
    return clock_read("clock_gettime", argc, argv, &ns) ? float_new((double)ns * 1e-9) : VAL_NULL;
}

static Value t_clock_gettime_ns(int argc, Value *argv, ObjDict *kw) {
    int64_t ns;
    return clock_read("clock_gettime_ns", argc, argv, &ns) ? int_from_i64(ns) : VAL_NULL;
}

static Value t_clock_getres(int argc, Value *argv, ObjDict *kw) {
    int64_t id;
    if (argc != 1) {
        return exc_raise(exc_TypeError, "clock_getres() takes exactly 1 argument (%d given)", argc);
    }
    if (!int_check(argv[0])) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(argv[0]));
    }
    if (!int_to_i64(argv[0], &id)) {
        return VAL_NULL;
    }
    struct timespec ts;
    if (id < INT32_MIN || id > INT32_MAX || clock_getres((clockid_t)id, &ts) != 0) {
        return exc_raise_oserror(id < INT32_MIN || id > INT32_MAX ? EINVAL : errno, VAL_NULL, VAL_NULL);
    }
    return float_new((double)ts.tv_sec + ts.tv_nsec * 1e-9);
}

static const MethodDef time_fns[] = {
    {"_gmtime", t_gmtime},
    {"_localtime", t_localtime},
    {"_mktime", t_mktime},
    {"_strftime", t_strftime},
    {"_tzinfo", t_tzinfo},
    {"process_time_ns", t_process_time_ns},
    {"thread_time", t_thread_time},
    {"time", t_time},
    {"monotonic", t_monotonic},
    {"perf_counter", t_monotonic},
    {"time_ns", t_time_ns},
    {"monotonic_ns", t_monotonic_ns},
    {"perf_counter_ns", t_monotonic_ns},
    {"process_time", t_process_time},
    {"sleep", t_sleep},
    {"thread_time_ns", t_thread_time_ns},
    {"clock_gettime", t_clock_gettime},
    {"clock_gettime_ns", t_clock_gettime_ns},
    {"clock_getres", t_clock_getres},
    {NULL, NULL},
};

Value mod_time_init(void) {
    Value m = module_new("_time");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "time", time_fns);
    static const struct {
        const char *name;
        int value;
    } clocks[] = {
        {"CLOCK_REALTIME", CLOCK_REALTIME}, {"CLOCK_MONOTONIC", CLOCK_MONOTONIC},
        {"CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW}, {"CLOCK_PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID},
        {"CLOCK_THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID}, {"CLOCK_BOOTTIME", CLOCK_BOOTTIME},
        {"CLOCK_TAI", CLOCK_TAI},
    };
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        dict_set_str(d, str_intern_c(clocks[i].name), MK_SMALL(clocks[i].value));
    }
    return m;
}
