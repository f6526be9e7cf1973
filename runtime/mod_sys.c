// mod_sys.c: the sys module (argv, exit, path, modules, the standard
// streams as small file objects, recursion limit, version information)
// and the _testing module of test builds (gc_collect, heap facts); and
// state_stderr, where the runtime writes its own reports.
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <float.h>
#include "object.h"
#include "gthread.h"
#include "runtime.h"
#include "module.h"
#include "containers.h"
#include "gc.h"
#include "numstr.h"

// The CPython 3.11 release pyish answers as in sys.version, version_info and
// hexversion: that of the reference python3 its tests' output comes from.
#define PY_MICRO 2
#define PY_STR_(x) #x
#define PY_STR(x) PY_STR_(x)
#include "vmapi.h"
#include "coll.h"

// ---- the runtime's own reports: stderr, or the host's write callback
static ssize_t err_write(void *cookie, const char *buf, size_t n) {
    State *s = cookie;
    s->config.write(s->config.write_ud, 2, buf, n);
    return (ssize_t)n;
}

FILE *state_stderr(void) {
    if (!ST || !ST->config.write) {
        return stderr;
    }
    if (!ST->err_stream) {
        ST->err_stream = fopencookie(ST, "w", (cookie_io_functions_t){.write = err_write});
        if (!ST->err_stream) {
            return stderr;
        }
        setvbuf(ST->err_stream, NULL, _IOLBF, 0);
    }
    return ST->err_stream;
}

static Value sys_exit(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("exit", argc, 0, 1)) {
        return VAL_NULL;
    }
    // a tuple is the exception's args, as CPython's PyErr_SetObject makes it
    bool tup = argc == 1 && IS_OBJ(argv[0]) && AS_OBJ(argv[0])->cls == cls_tuple;
    Value e = tup ? exc_new(exc_SystemExit, (int)AS_TUPLE(argv[0])->len, AS_TUPLE(argv[0])->items)
                  : exc_new(exc_SystemExit, argc, argv);
    return e ? exc_raise_value(e) : VAL_NULL;
}

static Value sys_setrecursionlimit(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("setrecursionlimit", argc, 1, 1)) {
        return VAL_NULL;
    }
    int64_t n;
    if (!IS_INT(argv[0])) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(argv[0]));
    }
    if (!int_to_i64(argv[0], &n)) {
        return VAL_NULL;
    }
    if (n < 1) {
        return exc_raise(exc_ValueError, "recursion limit must be greater or equal than 1");
    }
    ST->recursion_limit = n > 1000000 ? 1000000 : (int)n;
    return VAL_NONE;
}

// Coroutines made while the depth is positive record the user frames that
// made them (cr_origin; the never-awaited warning prints them). asyncio's
// debug mode sets 10 while its loop runs, as CPython's.
static Value sys_set_coro_origin_depth(int argc, Value *argv, ObjDict *kw) {
    Value d = argc == 1 ? argv[0] : kw_get(kw, "depth");
    if (argc + (kw ? (int)kw->used : 0) != 1 || !d) {
        return exc_raise(exc_TypeError, "set_coroutine_origin_tracking_depth() takes exactly one argument (depth)");
    }
    int64_t n;
    if (!IS_INT(d)) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(d));
    }
    if (!int_to_i64(d, &n)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "depth must be >= 0");
    }
    ST->coro_origin_depth = n > 1000000 ? 1000000 : (int)n;
    return VAL_NONE;
}

static Value sys_get_coro_origin_depth(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(ST->coro_origin_depth);
}

static Value sys_getrecursionlimit(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(ST->recursion_limit);
}

static Value sys_exc_info(int argc, Value *argv, ObjDict *kw) {
    Value e = vm_handled_exception();
    if (!e) {
        return tuple_pack(3, VAL_NONE, VAL_NONE, VAL_NONE);
    }
    Value tb = AS_EXC(e)->traceback ? AS_EXC(e)->traceback : VAL_NONE;
    return tuple_pack(3, OBJ_VAL(val_class(e)), e, tb);
}

static Value sys_exception(int argc, Value *argv, ObjDict *kw) {
    Value e = vm_handled_exception();
    return e ? e : VAL_NONE;
}

static Value sys_getsizeof(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getsizeof", argc, 1, 2)) {
        return VAL_NULL;
    }
    return MK_SMALL(IS_OBJ(argv[0]) ? AS_OBJ(argv[0])->size : IS_IMMF(argv[0]) ? (int64_t)sizeof(ObjFloat) : 28);
}

// sys.set_int_max_str_digits(maxdigits): 0 or at least 640 (the threshold).
static Value sys_set_int_max_str_digits(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"maxdigits", NULL};
    Value v = argc > 0 ? argv[0] : kw_get(kw, "maxdigits");
    if (v && !kw_only("set_int_max_str_digits", kw, allowed)) {
        return VAL_NULL;
    }
    if (argc > 1 || (argc == 1 && kw_get(kw, "maxdigits"))) {
        return exc_raise(exc_TypeError, "set_int_max_str_digits() takes at most 1 argument (%d given)",
                         argc + (kw ? (int)kw->used : 0));
    }
    if (!v) {
        return exc_raise(exc_TypeError, "set_int_max_str_digits() missing required argument 'maxdigits' (pos 1)");
    }
    if (!IS_INT(v)) {
        return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(v));
    }
    int64_t n;
    if (!int_to_i64(v, &n)) {
        return VAL_NULL;
    }
    if (n != 0 && (n < INT_MAX_STR_DIGITS_THRESHOLD || n > INT32_MAX)) {
        return exc_raise(exc_ValueError, "maxdigits must be 0 or larger than %d", INT_MAX_STR_DIGITS_THRESHOLD);
    }
    ST->int_max_str_digits = (int)n;
    return VAL_NONE;
}

static Value sys_get_int_max_str_digits(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("sys.get_int_max_str_digits", argc, 0, 0)) {
        return VAL_NULL;
    }
    return MK_SMALL(ST->int_max_str_digits);
}

// sys.int_info, a named tuple printed as CPython's struct sequence.
// A sys.NAME structseq (a namedtuple class named "sys.NAME") holding [vals].
static Value make_info(const char *name, const char *fields, int n, Value *vals) {
    Value args[2] = {str_from_c(name), VAL_NULL};
    gc_push_root(args[0]);
    args[1] = str_from_c(fields);
    gc_push_root(args[1]);
    ObjDict *kw = AS_DICT(dict_new());
    gc_push_root(OBJ_VAL(kw));
    dict_set_str(kw, str_intern_c("module"), OBJ_VAL(str_intern_c("sys")));
    Value cls = coll_namedtuple(2, args, kw);
    gc_pop_root(3);
    if (!cls) {
        return VAL_NULL;
    }
    AS_CLASS(cls)->flags |= CLS_STRUCTSEQ;      // repr: sys.NAME(...)
    for (int i = 0; i < n; i++) {
        gc_push_root(vals[i]);
    }
    Value r = vm_call(cls, n, vals, NULL);
    gc_pop_root(n);
    return r;
}

static Value make_int_info(void) {
    Value vals[4] = {MK_SMALL(30), MK_SMALL(4), MK_SMALL(INT_DEFAULT_MAX_STR_DIGITS),
                     MK_SMALL(INT_MAX_STR_DIGITS_THRESHOLD)};
    return make_info("int_info", "bits_per_digit sizeof_digit default_max_str_digits str_digits_check_threshold",
                     4, vals);
}

static Value make_float_info(void) {
    Value vals[11] = {float_new(DBL_MAX), MK_SMALL(DBL_MAX_EXP), MK_SMALL(DBL_MAX_10_EXP), float_new(DBL_MIN),
                      MK_SMALL(DBL_MIN_EXP), MK_SMALL(DBL_MIN_10_EXP), MK_SMALL(DBL_DIG), MK_SMALL(DBL_MANT_DIG),
                      float_new(DBL_EPSILON), MK_SMALL(FLT_RADIX), MK_SMALL(1)};
    return make_info("float_info", "max max_exp max_10_exp min min_exp min_10_exp dig mant_dig epsilon radix rounds",
                     11, vals);
}

// sys.flags: what the command line set (StateConfig).
static Value make_flags(void) {
    Value vals[18];
    for (int i = 0; i < 18; i++) {
        vals[i] = MK_SMALL(0);
    }
    const StateConfig *c = &ST->config;
    vals[3] = MK_SMALL(c->optimize);
    vals[4] = MK_SMALL(1);                              // dont_write_bytecode
    vals[5] = MK_SMALL(c->no_user_site || c->isolated);
    vals[6] = MK_SMALL(c->no_site);
    vals[7] = MK_SMALL(c->ignore_environment || c->isolated);
    vals[8] = MK_SMALL(c->verbose);
    vals[9] = MK_SMALL(c->bytes_warning);
    vals[10] = MK_SMALL(c->quiet);
    vals[12] = MK_SMALL(c->isolated);
    vals[13] = VAL_BOOL(c->dev_mode);
    vals[14] = MK_SMALL(c->utf8_mode);
    vals[16] = VAL_BOOL(c->safe_path);
    vals[17] = MK_SMALL(INT_DEFAULT_MAX_STR_DIGITS);    // int_max_str_digits
    return make_info("flags", "debug inspect interactive optimize dont_write_bytecode no_user_site no_site "
                     "ignore_environment verbose bytes_warning quiet hash_randomization isolated dev_mode "
                     "utf8_mode warn_default_encoding safe_path int_max_str_digits", 18, vals);
}

static Value sys_getswitchinterval(int argc, Value *argv, ObjDict *kw) {
    return float_new(gthread_interval());
}

static Value sys_setswitchinterval(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1) {
        return exc_raise(exc_TypeError, "setswitchinterval() takes exactly one argument (%d given)", argc);
    }
    double d;
    if (!val_to_double(argv[0], &d)) {
        return VAL_NULL;
    }
    if (!(d > 0)) {
        return exc_raise(exc_ValueError, "switch interval must be strictly positive");
    }
    ST->switch_interval = d;
    return VAL_NONE;
}

static Value sys_is_finalizing(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(ST->finalizing);
}

static Value sys_getfilesystemencoding(int argc, Value *argv, ObjDict *kw) {
    return str_from_c("utf-8");
}

static Value sys_getfilesystemencodeerrors(int argc, Value *argv, ObjDict *kw) {
    return str_from_c("surrogateescape");
}

static Value sys_redirected(const char *name, Value orig);

// sys.excepthook(type, value, traceback) / sys.__excepthook__: prints the
// exception as an uncaught one.
static Value sys_excepthook(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("excepthook", argc, 3, 3)) {
        return VAL_NULL;
    }
    Value e = argv[1];
    if (!IS_OBJ(e) || !(AS_OBJ(e)->cls->flags & CLS_EXCEPTION)) {
        return exc_raise(exc_TypeError, "excepthook() argument 2 must be an exception instance");
    }
    Value file = sys_redirected("stderr", ST->sys_stderr);
    if (!file) {
        interp_print_exception(e);
        return VAL_NONE;
    }
    // a program's sys.stderr (a StringIO ...) gets the text, as in CPython
    gc_push_root(file);
    Value text = interp_format_exception_str(e);
    Value ok = text ? sys_write(file, text) : VAL_NULL;
    gc_pop_root(1);
    return ok ? VAL_NONE : VAL_NULL;
}

// sys.displayhook(value) / sys.__displayhook__: what the REPL and
// compile(..., 'single') do with an expression statement's value: nothing
// for None, else its repr and a newline on sys.stdout, and builtins._ set
// to it (None meanwhile, as CPython's).
Value sys_displayhook(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("displayhook", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value v = argv[0];
    if (IS_NONE(v)) {
        return VAL_NONE;
    }
    dict_set_str(ST->builtins, str_intern_c("_"), VAL_NONE);
    Value r = obj_repr(v);
    if (!r) {
        return VAL_NULL;
    }
    Value file = sys_redirected_stdout();
    if (file) {
        gc_push_root(r);
        Value ok = sys_write(file, r) ? sys_write(file, str_from_c("\n")) : VAL_NULL;
        gc_pop_root(1);
        if (!ok) {
            return VAL_NULL;
        }
    } else {
        fwrite(AS_STR(r)->data, 1, AS_STR(r)->len, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    }
    dict_set_str(ST->builtins, str_intern_c("_"), v);
    return VAL_NONE;
}

// sys.audit(event, *args) / sys.addaudithook(hook): pyish raises no audit
// events (CPython's library calls audit() everywhere).
static Value sys_audit(int argc, Value *argv, ObjDict *kw) {
    if (argc < 1 || !IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "audit() missing 1 required positional argument: 'event'");
    }
    return VAL_NONE;
}

static Value sys_addaudithook(int argc, Value *argv, ObjDict *kw) {
    return VAL_NONE;
}

// sys.breakpointhook(*args, **kws), also sys.__breakpointhook__: calls
// what $PYTHONBREAKPOINT names ("mod.func"), does nothing for "0", and
// otherwise (CPython would start pdb, which pyish lacks) says so on stderr
// and lets the program continue.
static Value sys_breakpointhook(int argc, Value *argv, ObjDict *kw) {
    const char *env = ST->config.sandbox ? NULL : getenv("PYTHONBREAKPOINT");
    if (env && strcmp(env, "0") == 0) {
        return VAL_NONE;
    }
    FILE *err = state_stderr();
    if (env && *env && strcmp(env, "pdb.set_trace") != 0) {
        const char *dot = strrchr(env, '.');
        Value modname = dot ? str_new(env, (size_t)(dot - env)) : OBJ_VAL(str_intern_c("builtins"));
        Value imp = dict_get_str(ST->builtins, str_intern_c("__import__"));
        Value mod = imp && modname ? vm_call(imp, 1, &modname, NULL) : VAL_NULL;
        Value hook = mod ? obj_getattr(mod, str_intern_c(dot ? dot + 1 : env)) : VAL_NULL;
        if (hook) {
            return vm_call(hook, argc, argv, kw);
        }
        exc_clear();
        ObjStr *file = vm_current_file();
        fprintf(err, "%s:%d: RuntimeWarning: Ignoring unimportable $PYTHONBREAKPOINT: \"%s\"\n",
                file ? file->data : "<unknown>", vm_current_line(), env);
        fflush(err);
        return VAL_NONE;
    }
    fprintf(err, "breakpoint(): pyish has no debugger (set PYTHONBREAKPOINT=0 to silence); continuing\n");
    fflush(err);
    return VAL_NONE;
}

// sys.intern(s): the one interned str equal to s.
static Value sys_intern(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("intern", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_A(argv[0], cls_str)) {
        return exc_raise(exc_TypeError, "intern() argument must be str, not %s", val_type_name(argv[0]));
    }
    return str_intern(AS_STR(argv[0])->data, AS_STR(argv[0])->len);
}

static const MethodDef sys_fns[] = {
    {"intern", sys_intern},
    {"_getframe", vm_getframe},
    {"settrace", vm_settrace},
    {"gettrace", vm_gettrace},
    {"setprofile", vm_setprofile},
    {"getprofile", vm_getprofile},
    {"call_tracing", vm_call_tracing},
    {"breakpointhook", sys_breakpointhook, true},
    {"set_int_max_str_digits", sys_set_int_max_str_digits, true},
    {"get_int_max_str_digits", sys_get_int_max_str_digits},
    {"audit", sys_audit},
    {"addaudithook", sys_addaudithook},
    {"excepthook", sys_excepthook},
    {"displayhook", sys_displayhook},
    {"getfilesystemencoding", sys_getfilesystemencoding},
    {"getfilesystemencodeerrors", sys_getfilesystemencodeerrors},
    {"getdefaultencoding", sys_getfilesystemencoding},
    {"exit", sys_exit},
    {"setrecursionlimit", sys_setrecursionlimit},
    {"getrecursionlimit", sys_getrecursionlimit},
    {"set_coroutine_origin_tracking_depth", sys_set_coro_origin_depth},
    {"get_coroutine_origin_tracking_depth", sys_get_coro_origin_depth},
    {"exc_info", sys_exc_info},
    {"exception", sys_exception},
    {"getsizeof", sys_getsizeof},
    {"getswitchinterval", sys_getswitchinterval},
    {"setswitchinterval", sys_setswitchinterval},
    {"is_finalizing", sys_is_finalizing},
    {NULL, NULL},
};


// True if [v] is a standard stream object.
bool sys_is_stream(Value v) {
    return v && (v == ST->sys_stdout || v == ST->sys_stderr || v == ST->sys_stdin);
}

// The current sys.stdout when a program rebound it to another object.
static Value sys_redirected(const char *name, Value orig) {
    if (!orig || !ST->modules) {
        return VAL_NULL;
    }
    Value m = dict_get_str(ST->modules, str_intern_c("sys"));
    if (!m || !IS_A(m, cls_module)) {
        return VAL_NULL;
    }
    Value out = dict_get_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c(name));
    return out && out != orig && !IS_NONE(out) ? out : VAL_NULL;
}

Value sys_current(const char *name) {
    Value m = ST->modules ? dict_get_str(ST->modules, str_intern_c("sys")) : VAL_NULL;
    if (!m || !IS_A(m, cls_module)) {
        return VAL_NULL;
    }
    Value v = dict_get_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c(name));
    return v ? v : VAL_NONE;
}

Value sys_redirected_stdout(void) {
    return sys_redirected("stdout", ST->sys_stdout);
}

static void mark_streams(void) {
    gc_mark_value(ST->sys_stdout);
    gc_mark_value(ST->sys_stderr);
    gc_mark_value(ST->sys_stdin);
}

static void set(ObjDict *d, const char *name, Value v) {
    dict_set_str(d, str_intern_c(name), v);
}

// sys.__getattr__: implementation, hash_info and stdlib_module_names are pyish objects (runtime/lib/_sysinfo.pyish)
static Value sys_getattr(int argc, Value *argv, ObjDict *kw) {
    return module_lazy_attr("sys", "_sysinfo", " implementation hash_info stdlib_module_names ", argc == 1 ? argv[0] : VAL_NONE);
}

Value mod_sys_init(void) {
    if (!ST->sys_stdout) {
        ST->sys_stdout = builtins_file_new(stdout, "<stdout>", "w");
        ST->sys_stderr = builtins_file_new(stderr, "<stderr>", "w");
        ST->sys_stdin = builtins_file_new(stdin, "<stdin>", "r");
        gc_add_root_marker(mark_streams);
    }
    Value m = module_new("sys");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "sys", sys_fns);
    // sys.__excepthook__ is sys.excepthook (code.py tests `is`), and the same for the other hooks
    static const char *const hooks[] = {"excepthook", "displayhook"};
    for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++) {
        char dunder[40];
        snprintf(dunder, sizeof dunder, "__%s__", hooks[i]);
        set(d, dunder, dict_get_str(d, str_intern_c(hooks[i])));
    }
    set(d, "argv", interp_sys_argv());
    set(d, "path", interp_sys_path());
    Value mp = list_new(1);     // the import system's finders (src/import.c): PathFinder is all of pyish's own
    set(d, "meta_path", mp);
    list_append(AS_LIST(mp), OBJ_VAL(cls_pathfinder));
    set(d, "path_hooks", list_new(0));
    set(d, "path_importer_cache", dict_new());
    set(d, "modules", OBJ_VAL(ST->modules));
    set(d, "stdout", ST->sys_stdout);
    set(d, "stderr", ST->sys_stderr);
    set(d, "stdin", ST->config.sandbox ? VAL_NONE : ST->sys_stdin);   // the sandbox reads no console
    set(d, "__stdout__", ST->sys_stdout);
    set(d, "__stderr__", ST->sys_stderr);
    set(d, "__stdin__", ST->config.sandbox ? VAL_NONE : ST->sys_stdin);
    // CPython's shape (platform._sys_version parses it): version (build, date) [compiler]
    set(d, "version", str_from_c("3.11." PY_STR(PY_MICRO) " (pyish 0.1.0, Jan  1 2026, 00:00:00) [pyish]"));
    Value vi[5] = {MK_SMALL(3), MK_SMALL(11), MK_SMALL(PY_MICRO), str_from_c("final"), MK_SMALL(0)};
    Value version_info = make_info("version_info", "major minor micro releaselevel serial", 5, vi);
    if (!version_info) {
        return VAL_NULL;
    }
    set(d, "version_info", version_info);
    set(d, "platform", str_from_c("linux"));
    set(d, "byteorder", str_from_c("little"));
    set(d, "copyright", str_from_c(    // CPython 3.11's, whose library pyish embeds
        "Copyright (c) 2001-2023 Python Software Foundation.\nAll Rights Reserved.\n\n"
        "Copyright (c) 2000 BeOpen.com.\nAll Rights Reserved.\n\n"
        "Copyright (c) 1995-2001 Corporation for National Research Initiatives.\nAll Rights Reserved.\n\n"
        "Copyright (c) 1991-1995 Stichting Mathematisch Centrum, Amsterdam.\nAll Rights Reserved."));
    set(d, "maxsize", int_from_i64(INT64_MAX));
    set(d, "maxunicode", int_from_i64(0x10FFFF));
    set(d, "__breakpointhook__", dict_get_str(d, str_intern_c("breakpointhook")));
    Value info = make_int_info();
    if (!info) {
        return VAL_NULL;
    }
    set(d, "int_info", info);
    Value finfo = make_float_info();
    if (!finfo) {
        return VAL_NULL;
    }
    set(d, "float_info", finfo);
    Value flags = make_flags();
    if (!flags) {
        return VAL_NULL;
    }
    set(d, "flags", flags);
    set(d, "hexversion", MK_SMALL(0x030B00F0 | PY_MICRO << 8));     // final, as sys.version_info
    set(d, "api_version", MK_SMALL(1013));
    set(d, "orig_argv", interp_sys_argv());
    {   // the interpreter's absolute path, as CPython's (empty when unknown or sandboxed)
        char exe[4096];
        ssize_t n = ST->config.sandbox ? -1 : readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = 0;
        set(d, "executable", str_from_c(exe));
    }
    set(d, "prefix", str_from_c("/usr/local"));
    set(d, "base_prefix", str_from_c("/usr/local"));
    set(d, "exec_prefix", str_from_c("/usr/local"));
    set(d, "base_exec_prefix", str_from_c("/usr/local"));
    set(d, "dont_write_bytecode", OBJ_VAL(obj_true));
    set(d, "warnoptions", list_new(0));
    Value xo = dict_new();
    set(d, "_xoptions", xo);
    for (int i = 0; i < ST->config.nxoptions; i++) {     // "name" -> True, "name=value" -> 'value'
        const char *x = ST->config.xoptions[i], *eq = strchr(x, '=');
        Value k = eq ? str_new(x, (size_t)(eq - x)) : str_from_c(x);
        dict_set(AS_DICT(xo), k, eq ? str_from_c(eq + 1) : VAL_TRUE);
    }
    set(d, "flags_optimize", MK_SMALL(0));
    set(d, "float_repr_style", str_from_c("short"));
    set(d, "ps1", str_from_c(">>> "));
    set(d, "ps2", str_from_c("... "));
    dict_set_str(d, str_intern_c("__getattr__"), native_new("__getattr__", sys_getattr, NULL));
    // the C modules (and posix, the pyish face of _posix), sorted
    Value names = list_new(16);
    set(d, "builtin_module_names", names);
    for (int i = 0; i < ST->nregistry; i++) {
        list_append(AS_LIST(names), str_from_c(ST->registry[i].name));
        if (strcmp(ST->registry[i].name, "_posix") == 0) {
            list_append(AS_LIST(names), str_from_c("posix"));
        }
    }
    list_append(AS_LIST(names), str_from_c("builtins"));
    if (!list_sort_inplace(AS_LIST(names), VAL_NULL, false)) {
        return VAL_NULL;
    }
    set(d, "builtin_module_names", seq_to_tuple(names));
    return m;
}

// ---- _testing
static Value t_gc_collect(int argc, Value *argv, ObjDict *kw) {
    gc_collect();
    return VAL_NONE;
}

static Value t_gc_count(int argc, Value *argv, ObjDict *kw) {
    return int_from_i64((int64_t)gc_count());
}

static Value t_heap_bytes(int argc, Value *argv, ObjDict *kw) {
    // (with the last collection's garbage all given back: lazy sweeping
    // would otherwise take it off between two readings)
    gc_finish_sweep();
    return int_from_i64((int64_t)gc_bytes_allocated());
}

static const MethodDef testing_fns[] = {
    {"gc_collect", t_gc_collect},
    {"gc_count", t_gc_count},
    {"heap_bytes", t_heap_bytes},
    {NULL, NULL},
};

Value mod_testing_init(void) {
    Value m = module_new("_testing");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "_testing", testing_fns);
    return m;
}
