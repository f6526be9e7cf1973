// builtins.c: the builtin functions (print, len, min, max, sorted, getattr,
// input ...) that builtins_init registers, together with the builtin
// classes, into the builtins dict, and sys_write, the single path output
// takes. The argument-checking helpers natives use (arg_count, kw_only ...)
// are in builtins_args.c, the file class and open() in builtins_file.c.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "containers.h"
#include "class.h"
#include "runtime.h"
#include "bytes.h"
#include "gthread.h"

// A rooted scratch tuple of [n] slots for values that must survive calls
// into pyish; release with gc_pop_root(1).
static Value holder(size_t n) {
    Value t = tuple_new(n);
    for (size_t i = 0; i < n; i++) {
        AS_TUPLE(t)->items[i] = VAL_NONE;
    }
    gc_push_root(t);
    return t;
}
#define SLOT(h, i) (AS_TUPLE(h)->items[i])

// ---- output


// Writes [str] to [file] (None/NULL: stdout).
Value sys_write(Value file, Value str) {
    if (!file || IS_NONE(file)) {
        if (!str_encodable(AS_STR(str)->data, AS_STR(str)->len) || !file_writes_utf8(ST->sys_stdout)) {
            // lone surrogates: sys.stdout's write applies its errors= (surrogateescape
            // in the C locale, as CPython's), and its encoding after reconfigure()
            exc_clear();
            if (!ST->sys_stdout && !vm_import("sys")) {
                return VAL_NULL;
            }
            file = ST->sys_stdout;
        } else {
            fwrite(AS_STR(str)->data, 1, AS_STR(str)->len, stdout);
            return VAL_NONE;
        }
    }
    Value w = obj_getattr(file, ST->s_write);
    if (!w) {
        return VAL_NULL;
    }
    gc_push_root(w);
    Value r = vm_call(w, 1, &str, NULL);
    gc_pop_root(1);
    return r;
}

// str(v) appended to [b].
static bool add_str(SBuf *b, Value v) {
    if (IS_STR(v)) {
        ct_addstr(b, v);
        return true;
    }
    if (IS_SMALL(v)) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%lld", (long long)AS_SMALL(v));
        sb_add(b, buf, (size_t)n);
        return true;
    }
    Value s = obj_str(v);
    if (!s) {
        return false;
    }
    ct_addstr(b, s);
    return true;
}

static Value opt_str_kw(ObjDict *kw, const char *name, bool *err) {
    Value v = kw_get(kw, name);
    if (v && !IS_NONE(v) && !IS_STR(v)) {
        exc_raise(exc_TypeError, "%s must be None or a string, not %s", name, val_type_name(v));
        *err = true;
    }
    return v && !IS_NONE(v) ? v : VAL_NULL;
}

static Value bi_print(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"sep", "end", "file", "flush", NULL};
    if (!kw_only("print", kw, allowed)) {
        return VAL_NULL;
    }
    bool err = false;
    Value sep = opt_str_kw(kw, "sep", &err);
    Value end = err ? VAL_NULL : opt_str_kw(kw, "end", &err);
    if (err) {
        return VAL_NULL;
    }
    Value file = kw_get(kw, "file");
    Value flush = kw_get(kw, "flush");
    if (!file || IS_NONE(file)) {
        file = sys_redirected_stdout();
    }
    if (file && !IS_NONE(file) && !sys_is_stream(file)) {
        // a user file object: one write() per piece, as CPython does
        for (int i = 0; i <= argc; i++) {
            Value s = i == argc ? (end ? end : str_from_c("\n")) : argv[i];
            if (i < argc && i && !sys_write(file, sep ? sep : str_from_c(" "))) {
                return VAL_NULL;
            }
            if (i < argc && !IS_STR(s)) {
                s = obj_str(s);
                if (!s) {
                    return VAL_NULL;
                }
            }
            if (!sys_write(file, s)) {
                return VAL_NULL;
            }
        }
        if (flush && obj_truthy(flush) > 0) {
            Value f = obj_getattr_opt(file, str_intern_c("flush"));
            if (f && !vm_call(f, 0, NULL, NULL)) {
                return VAL_NULL;
            }
        }
        return VAL_NONE;
    }
    SBuf b;
    sb_init(&b);
    for (int i = 0; i < argc; i++) {
        if (i) {
            if (sep) {
                ct_addstr(&b, sep);
            } else {
                sb_add(&b, " ", 1);
            }
        }
        if (!add_str(&b, argv[i])) {
            sb_free(&b);
            return VAL_NULL;
        }
    }
    if (end) {
        ct_addstr(&b, end);
    } else {
        sb_add(&b, "\n", 1);
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    if (!file || IS_NONE(file)) {
        if (!str_encodable(b.data, b.len) || !file_writes_utf8(ST->sys_stdout)) {
            // lone surrogates, or a sys.stdout reconfigured to another
            // encoding: through sys.stdout's write and its errors=
            exc_clear();
            Value s = sb_finish(&b);
            if (!s || !sys_write(VAL_NONE, s)) {
                return VAL_NULL;
            }
        } else {
            bool failed = b.len && fwrite(b.data, 1, b.len, stdout) < b.len && ferror(stdout);
            sb_free(&b);
            if (failed) {
                // a closed pipe: BrokenPipeError, as CPython's write raises
                int e = errno;
                clearerr(stdout);
                return exc_raise_oserror(e, VAL_NULL, VAL_NULL);
            }
        }
    } else {
        Value s = sb_finish(&b);
        if (!sys_write(file, s)) {
            return VAL_NULL;
        }
    }
    if (flush) {
        int t = obj_truthy(flush);
        if (t < 0) {
            return VAL_NULL;
        }
        if (t) {
            if (!file || IS_NONE(file)) {
                if (fflush(stdout) != 0) {
                    int e = errno;
                    clearerr(stdout);
                    return exc_raise_oserror(e, VAL_NULL, VAL_NULL);
                }
            } else {
                Value f = obj_getattr_opt(file, str_intern_c("flush"));
                if (f && !vm_call(f, 0, NULL, NULL)) {
                    return VAL_NULL;
                }
            }
        }
    }
    return VAL_NONE;
}

// input() when sys.stdin or sys.stdout is not the process's stream (a
// StringIO, redirect_stdout): the prompt through stdout.write, then
// stdin.readline(), as CPython's fallback (PyFile_GetLine).
static Value input_from(Value in, Value out, int argc, Value *argv) {
    if (argc) {
        Value s = obj_str(argv[0]);
        if (!s || !call_method(out, "write", 1, &s)) {
            return VAL_NULL;
        }
    }
    if (!call_method(out, "flush", 0, NULL)) {
        return VAL_NULL;
    }
    Value line = call_method(in, "readline", 0, NULL);
    if (!line) {
        return VAL_NULL;
    }
    bool is_bytes = IS_A(line, cls_bytes);
    if (!IS_STR(line) && !is_bytes) {
        return exc_raise(exc_TypeError, "object.readline() returned non-string");
    }
    size_t n = is_bytes ? AS_BYTES(line)->len : AS_STR(line)->len;
    const char *d = is_bytes ? (const char *)AS_BYTES(line)->data : AS_STR(line)->data;
    if (n == 0) {
        return exc_raise(exc_EOFError, "EOF when reading a line");
    }
    if (d[n - 1] != '\n') {
        return line;
    }
    return is_bytes ? bytes_try_new(d, n - 1) : str_new(d, n - 1);
}

static Value bi_input(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("input", kw) || !arg_count("input", argc, 0, 1)) {
        return VAL_NULL;
    }
    Value in = sys_current("stdin"), out = sys_current("stdout");
    if (in) {   // (no sys module made yet: the process's streams)
        if (IS_NONE(in)) {
            return exc_raise(exc_RuntimeError, "input(): lost sys.stdin");
        }
        if (IS_NONE(out)) {
            return exc_raise(exc_RuntimeError, "input(): lost sys.stdout");
        }
        if (in != ST->sys_stdin || out != ST->sys_stdout) {
            return input_from(in, out, argc, argv);
        }
    }
    if (readline_active()) {
        // `import readline`: the line is edited with libedit (mod_readline.c)
        Value s = argc ? obj_str(argv[0]) : str_from_c("");
        if (!s) {
            return VAL_NULL;
        }
        gc_push_root(s);
        Value r = readline_input(AS_STR(s)->data);
        gc_pop_root(1);
        return r;
    }
    if (argc) {
        Value s = obj_str(argv[0]);
        if (!s) {
            return VAL_NULL;
        }
        fwrite(AS_STR(s)->data, 1, AS_STR(s)->len, stdout);
    }
    fflush(stdout);
    if (__builtin_expect(ST->aio_debug_running, 0)) {
        ST->aio_blocking_hook("input", argc ? argv[0] : str_from_c(""),
                              "use await asyncio.to_thread(input) or a stream on sys.stdin");
    }
    if (!gthread_wait_file(stdin)) {
        return VAL_NULL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return exc_raise(exc_EOFError, "EOF when reading a line");
    }
    if (n > 0 && line[n - 1] == '\n') {
        n--;
    }
    Value r = str_new(line, (size_t)n);
    free(line);
    return r;
}

// ---- simple functions

static Value bi_len(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("len", argc, 1, 1)) {
        return VAL_NULL;
    }
    int64_t n = obj_length(argv[0]);
    return n < 0 ? VAL_NULL : VAL_INT(n);
}

static Value bi_repr(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("repr", argc, 1, 1)) {
        return VAL_NULL;
    }
    return obj_repr(argv[0]);
}

// ascii(x): repr(x) with non-ASCII code points escaped as \xNN, \uNNNN or
// \UNNNNNNNN.
Value obj_ascii(Value v) {
    Value r = obj_repr(v);
    if (!r) {
        return VAL_NULL;
    }
    ObjStr *s = AS_STR(r);
    size_t i = 0;
    while (i < s->len && !((unsigned char)s->data[i] & 0x80)) {
        i++;
    }
    if (i == s->len) {
        return r;   // all ASCII: the repr itself (a str subclass stays one, as CPython's)
    }
    size_t cap = s->len * 10 + 1, n = 0;
    char *buf = mem_alloc(cap);
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->len;
    while (p < end) {
        uint32_t cp = *p;
        int extra = cp < 0x80 ? 0 : cp < 0xE0 ? 1 : cp < 0xF0 ? 2 : 3;
        if (extra) {
            cp &= extra == 1 ? 0x1F : extra == 2 ? 0x0F : 0x07;
            for (int i = 1; i <= extra && p + i < end; i++) {
                cp = (cp << 6) | (p[i] & 0x3F);
            }
        }
        p += 1 + extra;
        if (cp < 0x80) {
            buf[n++] = (char)cp;
        } else if (cp < 0x100) {
            n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", cp);
        } else if (cp < 0x10000) {
            n += (size_t)snprintf(buf + n, cap - n, "\\u%04x", cp);
        } else {
            n += (size_t)snprintf(buf + n, cap - n, "\\U%08x", cp);
        }
    }
    Value out = str_new(buf, n);
    mem_free(buf, cap);
    return out;
}

static Value bi_ascii(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("ascii", argc, 1, 1)) {
        return VAL_NULL;
    }
    return obj_ascii(argv[0]);
}

static Value call_dunder(Value v, const char *name, bool *found) {
    if (!IS_OBJ(v)) {
        *found = false;
        return VAL_NULL;
    }
    return call_method_opt(v, str_intern_c(name), 0, NULL, found);    // binds descriptors too
}

static Value bi_abs(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("abs", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value v = argv[0];
    if (IS_SMALL(v)) {
        int64_t i = AS_SMALL(v);
        return VAL_INT(i < 0 ? -i : i);
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        return MK_SMALL(v == VAL_TRUE);
    }
    if (IS_FLOAT(v)) {
        return float_new(fabs(AS_FLOAT(v)));
    }
    if (IS_BIGINT(v)) {
        int neg = obj_lt(v, MK_SMALL(0));
        return neg ? obj_unop(v, UN_NEG) : v;
    }
    bool found;
    Value r = call_dunder(v, "__abs__", &found);
    if (!found) {
        return exc_raise(exc_TypeError, "bad operand type for abs(): '%s'", val_type_name(v));
    }
    return r;
}

// min() and max(): [op] is OP_LT for min, OP_GT for max.
static Value minmax(int argc, Value *argv, ObjDict *kw, int op, const char *name) {
    static const char *const allowed[] = {"key", "default", NULL};
    if (!kw_only(name, kw, allowed)) {
        return VAL_NULL;
    }
    if (argc == 0) {
        return exc_raise(exc_TypeError, "%s expected at least 1 argument, got 0", name);
    }
    Value key = kw_get(kw, "key"), dflt = kw_get(kw, "default");
    if (key && IS_NONE(key)) {
        key = VAL_NULL;
    }
    if (dflt && argc > 1) {
        return exc_raise(exc_TypeError,
                         "Cannot specify a default for %s() with multiple positional arguments",
                         name);
    }
    Value h = holder(3);    // iterator, best item, best key
    Value it;
    if (argc == 1) {
        it = obj_iter(argv[0]);
    } else {
        Value t = tuple_new((size_t)argc);
        memcpy(AS_TUPLE(t)->items, argv, (size_t)argc * sizeof(Value));
        it = obj_iter(t);
    }
    if (!it) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    SLOT(h, 0) = it;
    bool have = false;
    Value v;
    int r;
    while ((r = obj_next(it, &v)) == 1) {
        Value k = v;
        if (key) {
            gc_push_root(v);
            k = vm_call(key, 1, &v, NULL);
            gc_pop_root(1);
            if (!k) {
                r = -1;
                break;
            }
        }
        if (!have) {
            have = true;
            SLOT(h, 1) = v;
            SLOT(h, 2) = k;
            continue;
        }
        int better;
        Value best = SLOT(h, 2);
        if (IS_SMALL(k) && IS_SMALL(best)) {
            better = op == OP_LT ? (intptr_t)k < (intptr_t)best : (intptr_t)k > (intptr_t)best;
        } else {
            gc_push_root(v);
            gc_push_root(k);
            Value c = obj_compare(k, best, op);
            better = c ? obj_truthy(c) : -1;
            gc_pop_root(2);
        }
        if (better < 0) {
            r = -1;
            break;
        }
        if (better) {
            SLOT(h, 1) = v;
            SLOT(h, 2) = k;
        }
    }
    Value best = SLOT(h, 1);
    gc_pop_root(1);
    if (r < 0) {
        return VAL_NULL;
    }
    if (!have) {
        if (dflt) {
            return dflt;
        }
        return exc_raise(exc_ValueError, "%s() arg is an empty sequence", name);
    }
    return best;
}

static Value bi_min(int argc, Value *argv, ObjDict *kw) {
    return minmax(argc, argv, kw, OP_LT, "min");
}

static Value bi_max(int argc, Value *argv, ObjDict *kw) {
    return minmax(argc, argv, kw, OP_GT, "max");
}

static Value bi_sum(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"start", NULL};
    if (!kw_only("sum", kw, allowed)) {
        return VAL_NULL;
    }
    if (argc < 1) {
        return exc_raise(exc_TypeError, "sum() takes at least 1 positional argument (%d given)", argc);
    }
    if (argc > 2) {
        return exc_raise(exc_TypeError, "sum() takes at most 2 arguments (%d given)", argc);
    }
    Value start = argc > 1 ? argv[1] : kw_get(kw, "start");
    if (!start) {
        start = MK_SMALL(0);
    }
    Value h = holder(2);    // iterator, generic accumulator
    Value it = obj_iter(argv[0]);
    if (!it) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    // as CPython: the iterable first, then no str/bytes/bytearray start
    const char *nosum = IS_STR(start) ? "strings [use ''.join(seq) instead]"
                        : bytes_check(start) ? "bytes [use b''.join(seq) instead]"
                        : bytearray_check(start) ? "bytearray [use b''.join(seq) instead]" : NULL;
    if (nosum) {
        gc_pop_root(1);
        return exc_raise(exc_TypeError, "sum() can't sum %s", nosum);
    }
    SLOT(h, 0) = it;
    enum { M_INT, M_FLOAT, M_GEN } mode = M_GEN;
    int64_t iacc = 0;
    double dacc = 0;
    if (IS_SMALL(start)) {
        mode = M_INT;
        iacc = AS_SMALL(start);
    } else if (IS_FLOAT(start)) {
        mode = M_FLOAT;
        dacc = AS_FLOAT(start);
    } else {
        SLOT(h, 1) = start;
    }
    Value v;
    int r;
    while ((r = obj_next(it, &v)) == 1) {
        if (mode == M_INT) {
            int64_t s;
            if (IS_SMALL(v) && !__builtin_add_overflow(iacc, AS_SMALL(v), &s) && FITS_SMALL(s)) {
                iacc = s;
                continue;
            }
            if (IS_FLOAT(v)) {
                mode = M_FLOAT;
                dacc = (double)iacc + AS_FLOAT(v);
                continue;
            }
            mode = M_GEN;
            SLOT(h, 1) = VAL_INT(iacc);
        } else if (mode == M_FLOAT) {
            if (IS_FLOAT(v)) {
                dacc += AS_FLOAT(v);
                continue;
            }
            if (IS_SMALL(v)) {
                dacc += (double)AS_SMALL(v);
                continue;
            }
            mode = M_GEN;
            SLOT(h, 1) = float_new(dacc);
        }
        gc_push_root(v);
        Value s = obj_binop(SLOT(h, 1), v, BIN_ADD);
        gc_pop_root(1);
        if (!s) {
            r = -1;
            break;
        }
        SLOT(h, 1) = s;
    }
    Value acc = SLOT(h, 1);
    gc_pop_root(1);
    if (r < 0) {
        return VAL_NULL;
    }
    return mode == M_INT ? VAL_INT(iacc) : mode == M_FLOAT ? float_new(dacc) : acc;
}

static Value bi_sorted(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"key", "reverse", NULL};
    if (argc != 1) {
        return exc_raise(exc_TypeError, "sorted expected 1 argument, got %d", argc);
    }
    if (!kw_only("sort", kw, allowed)) {
        return VAL_NULL;
    }
    Value l = seq_to_list(argv[0]);
    if (!l) {
        return VAL_NULL;
    }
    gc_push_root(l);
    Value rev = kw_get(kw, "reverse");
    int r = list_sort_reverse_arg(rev);
    bool ok = r >= 0 && list_sort_inplace(AS_LIST(l), kw_get(kw, "key"), r);
    gc_pop_root(1);
    return ok ? l : VAL_NULL;
}

// any() (want = true) and all() (want = false).
static Value any_all(int argc, Value *argv, const char *name, bool want) {
    if (!arg_count(name, argc, 1, 1)) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[0]);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    Value v;
    int r;
    bool found = false;
    while ((r = obj_next(it, &v)) == 1) {
        int t = obj_truthy(v);
        if (t < 0) {
            r = -1;
            break;
        }
        if ((t != 0) == want) {
            found = true;
            break;
        }
    }
    gc_pop_root(1);
    if (r < 0) {
        return VAL_NULL;
    }
    return VAL_BOOL(found ? want : !want);
}

static Value bi_any(int argc, Value *argv, ObjDict *kw) {
    return any_all(argc, argv, "any", true);
}

static Value bi_all(int argc, Value *argv, ObjDict *kw) {
    return any_all(argc, argv, "all", false);
}

static Value bi_divmod(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("divmod", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value r = num_divmod(argv[0], argv[1]);
    if (r != VAL_NOTIMPL) {
        return r;
    }
    const char *names[2] = {"__divmod__", "__rdivmod__"};
    for (int i = 0; i < 2; i++) {
        Value self = argv[i];
        bool found = false;     // a descriptor is bound first
        r = IS_OBJ(self) ? call_method_opt(self, str_intern_c(names[i]), 1, &argv[1 - i], &found) : VAL_NULL;
        if (found && r != VAL_NOTIMPL) {
            return r;
        }
    }
    return exc_raise(exc_TypeError, "unsupported operand type(s) for divmod(): '%s' and '%s'",
                     val_type_name(argv[0]), val_type_name(argv[1]));
}

// ---- three-argument pow, as CPython's ternary_op: the nb_power slots of
// the three arguments' types, each tried once (a subclass's before its
// base's): int's needs three ints, float's and complex's refuse a modulus,
// a class's own __pow__ serves only its instances as the base.
enum { POW_NONE, POW_INT, POW_FLOAT, POW_COMPLEX, POW_USER };

static int pow_slot(Value v) {
    ObjClass *c = val_class(v);
    if (class_has_user_dunder(c, "__pow__") || class_has_user_dunder(c, "__rpow__")) {
        return POW_USER;
    }
    return int_check(v) ? POW_INT : IS_FLOAT(v) || class_is_subclass(c, cls_float) ? POW_FLOAT
         : complex_check(v) ? POW_COMPLEX : POW_NONE;
}

static Value pow3_by(int slot, Value a, Value b, Value m) {
    switch (slot) {
    case POW_INT:
        return int_check(a) && int_check(b) && int_check(m) ? int_pow3(a, b, m) : VAL_NOTIMPL;
    case POW_FLOAT:
        return exc_raise(exc_TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    case POW_COMPLEX:
        return exc_raise(exc_ValueError, "complex modulo");
    case POW_USER: {
        if (pow_slot(a) != POW_USER) {
            return VAL_NOTIMPL;
        }
        bool found;
        Value args[2] = {b, m};
        Value r = call_method_opt(a, str_intern_c("__pow__"), 2, args, &found);
        return found ? r : VAL_NOTIMPL;
    }
    default:
        return VAL_NOTIMPL;
    }
}

static Value pow3(Value a, Value b, Value m) {
    int sa = pow_slot(a), sb = val_class(b) != val_class(a) ? pow_slot(b) : POW_NONE;
    int sm = pow_slot(m);
    sb = sb == sa ? POW_NONE : sb;
    sm = sm == sa || sm == sb ? POW_NONE : sm;
    if (sb && class_is_subclass(val_class(b), val_class(a))) {
        Value r = pow3_by(sb, a, b, m);
        if (r != VAL_NOTIMPL) {
            return r;
        }
        sb = POW_NONE;
    }
    int order[3] = {sa, sb, sm};
    for (int i = 0; i < 3; i++) {
        Value r = pow3_by(order[i], a, b, m);
        if (r != VAL_NOTIMPL) {
            return r;
        }
    }
    return exc_raise(exc_TypeError, "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                     val_type_name(a), val_type_name(b), val_type_name(m));
}

static Value bi_pow(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"base", "exp", "mod", NULL};
    if (!kw_only("pow", kw, allowed)) {
        return VAL_NULL;
    }
    int given = argc + (kw ? (int)kw->used : 0);
    if (given > 3) {
        return exc_raise(exc_TypeError, "pow() takes at most 3 arguments (%d given)", given);
    }
    // base and exp by position or by name (pow(2, exp=3)), in CPython's order of checks
    Value base = argc > 0 ? argv[0] : kw_get(kw, "base");
    Value ex = argc > 1 ? argv[1] : kw_get(kw, "exp");
    if (!base || !ex) {
        return exc_raise(exc_TypeError, "pow() missing required argument '%s' (pos %d)",
                         !base ? "base" : "exp", !base ? 1 : 2);
    }
    for (int i = 0; i < argc; i++) {
        if (kw_get(kw, allowed[i])) {
            return exc_raise(exc_TypeError, "argument for pow() given by name ('%s') and position (%d)",
                             allowed[i], i + 1);
        }
    }
    Value mod = argc > 2 ? argv[2] : kw_get(kw, "mod");
    if (mod && !IS_NONE(mod)) {
        return pow3(base, ex, mod);
    }
    return obj_binop(base, ex, BIN_POW);
}

static Value bi_round(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"number", "ndigits", NULL};
    if (!kw_only("round", kw, allowed)) {
        return VAL_NULL;
    }
    if (argc > 2) {
        return exc_raise(exc_TypeError, "round() takes at most 2 arguments (%d given)", argc);
    }
    Value x = argc ? argv[0] : kw_get(kw, "number");
    if (!x) {
        return exc_raise(exc_TypeError, "round() missing required argument 'number' (pos 1)");
    }
    if (argc && kw_get(kw, "number")) {
        return exc_raise(exc_TypeError, "argument for round() given by name ('number') and position (1)");
    }
    Value nd = argc > 1 ? argv[1] : kw_get(kw, "ndigits");
    if (is_intlike(x) || IS_FLOAT(x)) {
        return num_round(x, nd ? nd : VAL_NONE);
    }
    bool found = false;     // a descriptor is bound first
    Value r = IS_OBJ(x) ? call_method_opt(x, str_intern_c("__round__"), nd && !IS_NONE(nd) ? 1 : 0, &nd, &found)
                        : VAL_NULL;
    if (!found) {
        return exc_raise(exc_TypeError, "type %s doesn't define __round__ method",
                         val_type_name(x));
    }
    return r;
}

static Value bi_chr(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("chr", argc, 1, 1)) {
        return VAL_NULL;
    }
    int64_t i;
    if (IS_FLOAT(argv[0])) {
        return exc_raise(exc_TypeError, "'float' object cannot be interpreted as an integer");
    }
    if (!index_value(argv[0], NULL, &i)) {
        if (EXC_PENDING_IS(exc_IndexError)) {
            exc_clear();
            return exc_raise(exc_OverflowError, "Python int too large to convert to C int");
        }
        return VAL_NULL;
    }
    if (i < 0 || i > 0x10FFFF) {
        return exc_raise(exc_ValueError, "chr() arg not in range(0x110000)");
    }
    return str_char((uint32_t)i);
}

static Value bi_ord(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("ord", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value s = argv[0];
    if (bytes_check(s) || bytearray_check(s)) {
        BufView b = {0};
        buffer_get(s, &b);
        if (b.len != 1) {
            return exc_raise(exc_TypeError,
                             "ord() expected a character, but string of length %zu found", b.len);
        }
        return MK_SMALL(b.ptr[0]);
    }
    if (!str_check(s)) {
        return exc_raise(exc_TypeError, "ord() expected string of length 1, but %s found",
                         val_type_name(s));
    }
    if (AS_STR(s)->cplen != 1) {
        return exc_raise(exc_TypeError,
                         "ord() expected a character, but string of length %zu found",
                         AS_STR(s)->cplen);
    }
    size_t i = 0;
    return MK_SMALL(utf8_decode(AS_STR(s)->data, AS_STR(s)->len, &i));
}

// hex/oct/bin through format(): "#x" gives "-0xff" as Python does.
static Value int_radix(int argc, Value *argv, const char *name, const char *spec) {
    if (!arg_count(name, argc, 1, 1)) {
        return VAL_NULL;
    }
    Value v = argv[0];
    if (!IS_INT(v)) {
        int64_t i;
        if (v == VAL_TRUE || v == VAL_FALSE) {
            v = MK_SMALL(v == VAL_TRUE);
        } else if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_int)) {
            // int subclass instance: format as int
        } else if (!index_value(v, NULL, &i)) {
            return VAL_NULL;
        } else {
            v = VAL_INT(i);
        }
    }
    if (IS_SMALL(v)) {
        // the digits backwards, as int_repr (format() parsed the spec and
        // went through GMP: 5x python3's time)
        int shift = spec[1] == 'x' ? 4 : spec[1] == 'o' ? 3 : 1;
        int64_t i = AS_SMALL(v);
        uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        char buf[72];
        char *p = buf + sizeof buf;
        do {
            *--p = "0123456789abcdef"[u & ((1u << shift) - 1)];
            u >>= shift;
        } while (u);
        *--p = spec[1];
        *--p = '0';
        if (i < 0) {
            *--p = '-';
        }
        return str_new(p, (size_t)(buf + sizeof buf - p));
    }
    return format_value(v, str_from_c(spec));
}

static Value bi_hex(int argc, Value *argv, ObjDict *kw) {
    return int_radix(argc, argv, "hex", "#x");
}

static Value bi_oct(int argc, Value *argv, ObjDict *kw) {
    return int_radix(argc, argv, "oct", "#o");
}

static Value bi_bin(int argc, Value *argv, ObjDict *kw) {
    return int_radix(argc, argv, "bin", "#b");
}

// [name] of [v] with AttributeError masked: VAL_NULL and no exception
// when missing, VAL_NULL with the exception pending for any other error.
static Value getattr_masked(Value v, ObjStr *name) {
    Value r = obj_getattr_opt(v, name);
    if (!r && EXC_PENDING_IS(exc_AttributeError)) {
        exc_clear();
    }
    return r;
}

// CPython's abstract_get_bases: [cls].__bases__ when it is a tuple, else
// NULL (an exception pending if looking it up raised other than AttributeError).
static ObjTuple *abstract_bases(Value cls) {
    if (IS_OBJ(cls) && AS_OBJ(cls)->cls == cls_type) {
        return AS_CLASS(cls)->bases;
    }
    Value b = getattr_masked(cls, ST->s_bases);
    return b && IS_TUPLE(b) ? AS_TUPLE(b) : NULL;
}

// CPython's check_class: [cls] is a class or has a __bases__ tuple; else
// TypeError [msg] (0), or -1 with another exception from the lookup.
static int abstract_check_class(Value cls, const char *msg, const char *fname) {
    if (IS_CLASS(cls) || abstract_bases(cls)) {
        return 1;
    }
    if (!exc_pending()) {
        exc_raise(exc_TypeError, msg, fname);
    }
    return 0;
}

// CPython's abstract_issubclass: walks the __bases__ tuples of objects that
// only pretend to be classes (1/0/-1). Each step counts against the
// recursion limit, so a cycle of __bases__ raises RecursionError.
static int abstract_issubclass(Value derived, Value cls) {
    if (derived == cls) {
        return 1;
    }
    ObjTuple *bases = abstract_bases(derived);
    if (!bases) {
        return exc_pending() ? -1 : 0;
    }
    if (!vm_enter_recursive(" in __issubclass__")) {
        return -1;
    }
    gc_push_root(OBJ_VAL(bases));   // may be a fresh tuple, its items only reachable through it
    int r = 0;
    for (size_t i = 0; i < bases->len && r == 0; i++) {
        r = abstract_issubclass(bases->items[i], cls);
    }
    gc_pop_root(1);
    vm_leave_recursive();
    return r;
}

// isinstance/issubclass check against a class or a (nested) tuple.
// [subject] is the object (isinstance) or the class (issubclass); a
// metaclass's __instancecheck__/__subclasscheck__ decides for its classes.
// An object with a __bases__ tuple counts as a class and an instance's
// __class__ names its class (CPython's abstract protocol).
static int class_match(Value subject, bool inst, Value spec, const char *fname) {
    ObjClass *c = inst ? val_class(subject) : IS_CLASS(subject) ? AS_CLASS(subject) : NULL;
    if (c && IS_OBJ(spec) && AS_OBJ(spec)->cls == cls_type) {
        // the common case first: a class of metaclass type (no hooks), and
        // the subject's own class or a builtin one (no __class__ property)
        if (c == AS_CLASS(spec)) {
            return 1;
        }
        if (!inst || !(c->flags & CLS_USER)) {
            return class_is_subclass(c, AS_CLASS(spec));
        }
    }
    if (generic_alias_check(spec)) {
        exc_raise(exc_TypeError, "%s() argument 2 cannot be a parameterized generic", fname);
        return -1;
    }
    if (IS_CLASS(spec)) {
        if (AS_OBJ(spec)->cls != cls_type && !(inst && c == AS_CLASS(spec))) {
            Value hook = class_check_hook(spec, inst ? ST->s_instancecheck : ST->s_subclasscheck);
            if (hook) {
                Value args[2] = {spec, subject};
                Value r = vm_call(hook, 2, args, NULL);
                return r ? obj_truthy(r) : -1;
            }
        }
        if (!c) {
            int ok = abstract_check_class(subject, "%s() arg 1 must be a class", fname);
            return ok <= 0 ? -1 : abstract_issubclass(subject, spec);
        }
        int r = class_is_subclass(c, AS_CLASS(spec));
        if (r == 0 && inst && (c->flags & CLS_USER) &&
            (c->getattr || class_lookup(c, ST->s_class) != class_lookup(cls_object, ST->s_class))) {
            // CPython's recursive_isinstance: an instance's __class__ (a
            // property: unittest.mock's spec) may name another class
            Value ic = getattr_masked(subject, ST->s_class);
            if (!ic && exc_pending()) {
                return -1;
            }
            if (ic && IS_CLASS(ic) && AS_CLASS(ic) != c) {
                r = class_is_subclass(AS_CLASS(ic), AS_CLASS(spec));
            }
        }
        return r;
    }
    ObjTuple *members = class_union_members(spec);
    if (members || IS_TUPLE(spec)) {
        ObjTuple *t = members ? members : AS_TUPLE(spec);
        if (!vm_enter_recursive(inst ? " in __instancecheck__" : " in __subclasscheck__")) {
            return -1;
        }
        int r = 0;
        for (size_t i = 0; i < t->len && r == 0; i++) {
            Value m = t->items[i];
            r = class_match(subject, inst, members && IS_NONE(m) ? OBJ_VAL(cls_none) : m, fname);
        }
        vm_leave_recursive();
        return r;
    }
    if (IS_OBJ(spec) && (val_class(spec)->flags & CLS_USER)) {
        // any object whose class defines __instancecheck__/__subclasscheck__
        // decides (CPython's PyObject_IsInstance: typing.List, typing.Mapping)
        bool found;
        Value r = call_method_opt(spec, inst ? ST->s_instancecheck : ST->s_subclasscheck, 1, &subject, &found);
        if (found) {
            return r ? obj_truthy(r) : -1;
        }
    }
    if (!inst && !c && abstract_check_class(subject, "%s() arg 1 must be a class", fname) <= 0) {
        return -1;
    }
    int ok = abstract_check_class(spec, inst ? "%s() arg 2 must be a type, a tuple of types, or a union"
                                             : "%s() arg 2 must be a class, a tuple of classes, or a union", fname);
    if (ok <= 0) {
        return -1;
    }
    if (!inst) {
        return abstract_issubclass(subject, spec);
    }
    Value icls = getattr_masked(subject, ST->s_class);
    if (!icls) {
        return exc_pending() ? -1 : 0;
    }
    gc_push_root(icls);
    int r = abstract_issubclass(icls, spec);
    gc_pop_root(1);
    return r;
}

int isinstance_check(Value v, Value spec) {
    return class_match(v, true, spec, "isinstance");
}

static Value bi_isinstance(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("isinstance", argc, 2, 2)) {
        return VAL_NULL;
    }
    int r = class_match(argv[0], true, argv[1], "isinstance");
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

static Value bi_issubclass(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("issubclass", argc, 2, 2)) {
        return VAL_NULL;
    }
    int r = class_match(argv[0], false, argv[1], "issubclass");
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

// The interned attribute name of [v]; NULL with TypeError if not a str.
// (A str subclass names the attribute its text names, as in CPython.)
static ObjStr *attr_name(Value v) {
    if (!IS_KIND(v, cls_str)) {
        exc_raise(exc_TypeError, "attribute name must be string, not '%s'", val_type_name(v));
        return NULL;
    }
    ObjStr *s = AS_STR(v);
    return s->interned && IS_STR(v) ? s : AS_STR(str_intern(s->data, s->len));
}

static Value bi_getattr(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getattr", argc, 2, 3)) {
        return VAL_NULL;
    }
    ObjStr *name = attr_name(argv[1]);
    if (!name) {
        return VAL_NULL;
    }
    if (argc == 2) {
        return obj_getattr(argv[0], name);
    }
    Value v = obj_getattr_opt(argv[0], name);
    return v || exc_pending() ? v : argv[2];
}

static Value bi_hasattr(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("hasattr", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjStr *name = attr_name(argv[1]);
    if (!name) {
        return VAL_NULL;
    }
    Value v = obj_getattr_opt(argv[0], name);
    if (v) {
        return VAL_TRUE;
    }
    if (exc_pending()) {
        if (!EXC_PENDING_IS(exc_AttributeError)) {
            return VAL_NULL;
        }
        exc_clear();
    }
    return VAL_FALSE;
}

static Value bi_setattr(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("setattr", argc, 3, 3)) {
        return VAL_NULL;
    }
    ObjStr *name = attr_name(argv[1]);
    if (!name || !obj_setattr(argv[0], name, argv[2])) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

static Value bi_delattr(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("delattr", argc, 2, 2)) {
        return VAL_NULL;
    }
    ObjStr *name = attr_name(argv[1]);
    if (!name || !obj_delattr(argv[0], name)) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

bool obj_is_callable(Value v) {
    ObjClass *c = val_class(v);
    return c->call || c == cls_function || c == cls_native || c == cls_bound_method || IS_CLASS(v);
}

static Value bi_callable(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("callable", argc, 1, 1)) {
        return VAL_NULL;
    }
    return VAL_BOOL(obj_is_callable(argv[0]));
}

static Value bi_id(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("id", argc, 1, 1)) {
        return VAL_NULL;
    }
    // the value word: an address, or a small int's or an immediate float's
    // bits, which no live heap object shares (addresses are 8-aligned)
    return int_from_u64((uint64_t)argv[0]);
}

static Value bi_hash(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("hash", argc, 1, 1)) {
        return VAL_NULL;
    }
    int64_t h;
    return obj_hash(argv[0], &h) ? VAL_INT(h) : VAL_NULL;
}

static Value bi_iter(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("iter", argc, 1, 2)) {
        return VAL_NULL;
    }
    if (argc == 1) {
        return obj_iter(argv[0]);
    }
    ObjClass *c = val_class(argv[0]);
    if (!(c->call || c == cls_function || c == cls_native || c == cls_bound_method ||
          IS_CLASS(argv[0]))) {
        return exc_raise(exc_TypeError, "iter(v, w): v must be callable");
    }
    return iterobj_callable_iter(argv[0], argv[1]);
}

static Value bi_next(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("next", argc, 1, 2)) {
        return VAL_NULL;
    }
    Value v;
    int r = obj_next(argv[0], &v);
    if (r == 1) {
        return v;
    }
    if (r == 0) {
        if (argc > 1) {
            return argv[1];
        }
        return exc_raise_value(OBJ_VAL(exc_StopIteration));
    }
    if (argc > 1 && EXC_PENDING_IS(exc_StopIteration)) {
        exc_clear();
        return argv[1];
    }
    return VAL_NULL;
}

static Value bi_format(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("format", argc, 1, 2)) {
        return VAL_NULL;
    }
    Value spec = argc > 1 ? argv[1] : str_from_c("");
    return format_value(argv[0], spec);     // (a str subclass spec is fine)
}

static Value bi_vars(int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("vars", kw)) {
        return VAL_NULL;
    }
    if (argc > 1) {
        return exc_raise(exc_TypeError, "vars expected at most 1 argument, got %d", argc);
    }
    if (argc == 0) {    // vars(): the calling scope's locals(), as dir() finds them
        return vm_call(dict_get_str(ST->builtins, str_intern_c("locals")), 0, NULL, NULL);
    }
    Value v = argv[0];
    if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_module)) {
        return OBJ_VAL(((ObjModule *)AS_OBJ(v))->dict);     // a ModuleType subclass's too
    }
    if (IS_CLASS(v)) {
        return mappingproxy_new(OBJ_VAL(AS_CLASS(v)->dict));
    }
    // its __dict__ attribute, as CPython's: a class may define it (a property)
    Value d = obj_getattr_opt(v, str_intern_c("__dict__"));
    if (!d && !exc_pending()) {
        return exc_raise(exc_TypeError, "vars() argument must have __dict__ attribute");
    }
    return d;
}

static void add_keys(Value set, ObjDict *d) {
    size_t pos = 0;
    Value k;
    while (d && dict_next(d, &pos, &k, NULL)) {
        if (IS_STR(k)) {
            set_add(AS_SET(set), k);
        }
    }
}

static void set_add_c(Value set, const char *name) {
    set_add(AS_SET(set), OBJ_VAL(str_intern_c(name)));
}

// Adds to dir()'s [set] the names CPython's type dicts hold and pyish's
// don't: object's __class__/__doc__/__dir__/__sizeof__, a user class's
// __dict__/__weakref__ descriptors and __slots__ members, exceptions'
// attributes.
static void dir_add_hidden(Value set, ObjClass *c) {
    static const char *const always[] = {"__class__", "__doc__", "__dir__", "__sizeof__", NULL};
    for (const char *const *n = always; *n; n++) {
        set_add_c(set, *n);
    }
    bool user_dict = false, weakref = false;
    for (size_t i = 0; c->mro && i < c->mro->len; i++) {
        ObjClass *k = AS_CLASS(c->mro->items[i]);
        if (!(k->flags & CLS_USER)) {
            continue;
        }
        Value sl = dict_get_str(k->dict, str_intern_c("__slots__"));
        if (!sl) {
            user_dict = weakref = true;
            continue;
        }
        size_t n;
        Value *items = slots_items(&sl, &n);
        for (size_t j = 0; j < n; j++) {
            if (!IS_STR(items[j])) {
                continue;
            }
            const char *nm = AS_STR(items[j])->data;
            if (strcmp(nm, "__dict__") == 0) {
                user_dict = true;
            } else if (strcmp(nm, "__weakref__") == 0) {
                weakref = true;
            } else {
                set_add(AS_SET(set), slot_stored_name(k, AS_STR(items[j])));
            }
        }
    }
    if (user_dict) {
        set_add_c(set, "__dict__");
    }
    ObjClass *nb = c->native_base;
    if (weakref && nb != cls_int && nb != cls_tuple && nb != cls_bytes && nb != cls_bool) {
        set_add_c(set, "__weakref__");
    }
    if (class_is_subclass(c, exc_BaseException)) {
        static const char *const exc_names[] = {"__cause__", "__context__", "__dict__", "__setstate__",
                                                "__suppress_context__", "__traceback__", "args", NULL};
        for (const char *const *n = exc_names; *n; n++) {
            set_add_c(set, *n);
        }
    }
    // attributes builtin classes answer from their getattr hooks, which
    // CPython's hold as descriptors (so dir(range(3)) lists start/stop/step)
    const struct {
        ObjClass *cls;
        const char *names;
    } hooked[] = {
        {cls_range, "start step stop"},
        {cls_slice, "start step stop"},
        {cls_property, "fdel fget fset __isabstractmethod__"},
        {cls_staticmethod, "__func__ __isabstractmethod__ __wrapped__"},
        {cls_classmethod, "__func__ __isabstractmethod__ __wrapped__"},
        {cls_super, "__self__ __self_class__ __thisclass__"},
        {cls_memoryview, "c_contiguous contiguous f_contiguous format itemsize nbytes ndim obj readonly "
                         "shape strides suboffsets"},
        {exc_OSError, "characters_written errno filename filename2 strerror"},
        {exc_ImportError, "msg name path"},
        {exc_SyntaxError, "end_lineno end_offset filename lineno msg offset print_file_and_line text"},
        {exc_StopIteration, "value"},
        {exc_SystemExit, "code"},
        {exc_NameError, "name"},
        {exc_AttributeError, "name obj"},
        {exc_UnicodeEncodeError, "encoding end object reason start"},
        {exc_UnicodeDecodeError, "encoding end object reason start"},
        {exc_UnicodeTranslateError, "encoding end object reason start"},
        {exc_BaseExceptionGroup, "exceptions message"},
    };
    for (size_t i = 0; i < sizeof hooked / sizeof *hooked; i++) {
        if (!hooked[i].cls || !class_is_subclass(c, hooked[i].cls)) {
            continue;
        }
        for (const char *p = hooked[i].names; *p;) {
            size_t n = strcspn(p, " ");
            set_add(AS_SET(set), str_intern(p, n));
            p += n + (p[n] == ' ');
        }
    }
    if (c == cls_type) {    // type's own: dir(type) (a class's dir lists its class dicts, not type's)
        static const char *const type_names[] = {"__base__", "__bases__", "__dict__", "__flags__", "__module__", "__mro__",
                                                 "__name__", "__qualname__", NULL};
        for (const char *const *n = type_names; *n; n++) {
            set_add_c(set, *n);
        }
    }
}

static Value bi_dir(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("dir", argc, 0, 1)) {
        return VAL_NULL;
    }
    Value s = set_new(cls_set);
    gc_push_root(s);
    if (argc == 0) {
        // the names of the calling scope: sorted(locals())
        Value loc = vm_call(dict_get_str(ST->builtins, str_intern_c("locals")), 0, NULL, NULL);
        if (!loc) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        Value l;
        if (IS_DICT(loc)) {
            add_keys(s, AS_DICT(loc));
            l = seq_to_list(s);
        } else {
            // another mapping (eval's locals): list(its keys()), as PyMapping_Keys
            gc_push_root(loc);
            Value keys = call_method(loc, "keys", 0, NULL);
            gc_pop_root(1);
            if (keys && !val_class(keys)->iter && !val_class(keys)->getitem) {
                gc_pop_root(1);
                return exc_raise(exc_TypeError, "%s.keys() returned a non-iterable (type %s)",
                                 val_type_name(loc), val_type_name(keys));
            }
            gc_push_root(keys ? keys : VAL_NONE);
            l = keys ? seq_to_list(keys) : VAL_NULL;
            gc_pop_root(1);
        }
        bool ok = l && list_sort_inplace(AS_LIST(l), VAL_NULL, false);
        gc_pop_root(1);
        return ok ? l : VAL_NULL;
    }
    Value v = argv[0];
    if (class_has_user_dunder(val_class(v), "__dir__")) {
        // sorted(type(v).__dir__(v))
        gc_pop_root(1);
        Value r = call_method(v, "__dir__", 0, NULL);
        if (!r) {
            return VAL_NULL;
        }
        gc_push_root(r);
        Value l = seq_to_list(r);
        bool ok = l && list_sort_inplace(AS_LIST(l), VAL_NULL, false);
        gc_pop_root(1);
        return ok ? l : VAL_NULL;
    }
    gc_pop_root(1);
    return dir_default(v);
}

// The names dir([v]) lists when v's class has no __dir__ of its own, sorted
// (object.__dir__ gives them too).
Value dir_default(Value v) {
    Value s = set_new(cls_set);
    gc_push_root(s);
    if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_module)) {
        add_keys(s, ((ObjModule *)AS_OBJ(v))->dict);
    } else {
        ObjClass *c = IS_CLASS(v) ? AS_CLASS(v) : val_class(v);
        if (!IS_CLASS(v) && IS_OBJ(v) && c->dict_offset) {
            add_keys(s, obj_instance_dict(v));
        }
        for (size_t i = 0; c->mro && i < c->mro->len; i++) {
            add_keys(s, AS_CLASS(c->mro->items[i])->dict);
        }
        dir_add_hidden(s, c);
    }
    Value l = seq_to_list(s);
    bool ok = l && list_sort_inplace(AS_LIST(l), VAL_NULL, false);
    gc_pop_root(1);
    return ok ? l : VAL_NULL;
}

// ---- registration

static const MethodDef builtin_functions[] = {
    {"print", bi_print, true},
    {"input", bi_input},
    {"len", bi_len},
    {"repr", bi_repr},
    {"ascii", bi_ascii},
    {"abs", bi_abs},
    {"min", bi_min, true},
    {"max", bi_max, true},
    {"sum", bi_sum, true},
    {"sorted", bi_sorted, true},
    {"any", bi_any},
    {"all", bi_all},
    {"divmod", bi_divmod},
    {"pow", bi_pow, true},
    {"round", bi_round, true},
    {"chr", bi_chr},
    {"ord", bi_ord},
    {"hex", bi_hex},
    {"oct", bi_oct},
    {"bin", bi_bin},
    {"isinstance", bi_isinstance},
    {"issubclass", bi_issubclass},
    {"getattr", bi_getattr},
    {"hasattr", bi_hasattr},
    {"setattr", bi_setattr},
    {"delattr", bi_delattr},
    {"callable", bi_callable},
    {"id", bi_id},
    {"hash", bi_hash},
    {"iter", bi_iter},
    {"next", bi_next},
    {"format", bi_format},
    {"vars", bi_vars},
    {"dir", bi_dir},
    {"open", builtins_open, true},
    {NULL, NULL},
};

static void put(ObjDict *b, const char *name, Value v) {
    dict_set_str(b, str_intern_c(name), v);
}

// Registers the builtin functions and classes into [builtins].
void builtins_init(ObjDict *builtins) {
    builtins_file_init();
    native_add_functions(builtins, NULL, builtin_functions);
    struct {
        const char *name;
        ObjClass *cls;
    } classes[] = {
        {"object", cls_object}, {"type", cls_type}, {"int", cls_int}, {"float", cls_float}, {"complex", cls_complex},
        {"bool", cls_bool}, {"str", cls_str}, {"list", cls_list}, {"tuple", cls_tuple},
        {"dict", cls_dict}, {"set", cls_set}, {"frozenset", cls_frozenset},
        {"range", cls_range}, {"slice", cls_slice}, {"enumerate", cls_enumerate},
        {"zip", cls_zip}, {"map", cls_map}, {"filter", cls_filter},
        {"reversed", cls_reversed}, {"property", cls_property},
        {"staticmethod", cls_staticmethod}, {"classmethod", cls_classmethod},
        {"bytes", cls_bytes}, {"bytearray", cls_bytearray}, {"memoryview", cls_memoryview},
#define X(name, base) {#name, exc_##name},
        EXC_LIST(X)
#undef X
        {"BaseExceptionGroup", exc_BaseExceptionGroup}, {"ExceptionGroup", exc_ExceptionGroup},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        if (classes[i].cls) {
            put(builtins, classes[i].name, OBJ_VAL(classes[i].cls));
        }
    }
    put(builtins, "None", VAL_NONE);
    put(builtins, "True", VAL_TRUE);
    put(builtins, "False", VAL_FALSE);
    put(builtins, "NotImplemented", VAL_NOTIMPL);
    put(builtins, "Ellipsis", OBJ_VAL(obj_ellipsis));
    put(builtins, "__debug__", VAL_BOOL(!ST->config.optimize));     // -O: False
    if (exc_OSError) {
        put(builtins, "IOError", OBJ_VAL(exc_OSError));
        put(builtins, "EnvironmentError", OBJ_VAL(exc_OSError));
    }
}
