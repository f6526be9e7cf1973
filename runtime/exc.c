// exc.c: the exception hierarchy (EXC_LIST in object.h), exception objects
// (args, traceback entries, cause and context), their reprs and messages,
// and the pending-exception slot through which every failing C function
// reports its error (object.h's error protocol).
#include <stdarg.h>
#include <string.h>
#include <errno.h>
#include "object.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "bytes.h"


// A MemoryError made at start-up, raised when memory is so low that making
// a new one could fail (CPython keeps a few preallocated too).

static void mark_pending(void) {
    gc_mark_value(ST->exc_pending);
    gc_mark_value(ST->nomem_exc);
}

Value exc_pending(void) {
    return ST->exc_pending;
}

void exc_clear(void) {
    ST->exc_pending = VAL_NULL;
}

Value exc_take(void) {
    Value v = ST->exc_pending;
    ST->exc_pending = VAL_NULL;
    return v;
}

Value exc_new(ObjClass *type, int argc, Value *argv) {
    return type_call(type, argc, argv, NULL);
}

Value exc_raise(ObjClass *type, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    Value msg = str_from_c(buf);
    Value e = exc_new(type, 1, &msg);
    if (e) {
        ST->exc_pending = e;
    }
    return VAL_NULL;
}

Value exc_from_class(ObjClass *type) {
    Value e = exc_new(type, 0, NULL);
    if (e && !(IS_OBJ(e) && (AS_OBJ(e)->cls->flags & CLS_EXCEPTION))) {
        gc_push_root(e);
        Value tr = obj_repr(OBJ_VAL(type));
        gc_push_root(tr ? tr : VAL_NONE);
        Value er = tr ? obj_repr(OBJ_VAL(val_class(e))) : VAL_NULL;
        gc_pop_root(2);
        if (!er) {
            return VAL_NULL;
        }
        return exc_raise(exc_TypeError,
                         "calling %s should have returned an instance of BaseException, not %s",
                         AS_STR(tr)->data, AS_STR(er)->data);
    }
    return e;
}

Value exc_raise_value(Value exc) {
    if (IS_CLASS(exc) && (AS_CLASS(exc)->flags & CLS_EXCEPTION)) {
        exc = exc_from_class(AS_CLASS(exc));
        if (!exc) {
            return VAL_NULL;
        }
    } else if (!IS_OBJ(exc) || !(AS_OBJ(exc)->cls->flags & CLS_EXCEPTION)) {
        return exc_raise(exc_TypeError, "exceptions must derive from BaseException");
    }
    ST->exc_pending = exc;
    return VAL_NULL;
}

Value exc_raise_nomem(void) {
    if (!mem_is_low() || !ST->nomem_exc) {
        Value e = exc_new(exc_MemoryError, 0, NULL);
        if (e) {
            ST->exc_pending = e;
        }
        return VAL_NULL;
    }
    ObjException *e = AS_EXC(ST->nomem_exc);
    e->traceback = VAL_NULL;
    e->cause = VAL_NULL;
    e->context = VAL_NULL;
    e->suppress_context = false;
    ST->exc_pending = ST->nomem_exc;
    return VAL_NULL;
}

// Raises AttributeError(msg) with its name and obj attributes set (they
// give the traceback's "Did you mean" suggestion).
Value exc_raise_attr(Value obj, ObjStr *name, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    Value msg = str_from_c(buf);
    Value e = exc_new(exc_AttributeError, 1, &msg);
    if (!e) {
        return VAL_NULL;
    }
    ObjDict *d = AS_EXC(e)->dict;
    if (d) {
        dict_set_str(d, str_intern_c("name"), OBJ_VAL(name));
        dict_set_str(d, str_intern_c("obj"), obj);
    }
    return exc_raise_value(e);
}

bool exc_matches(Value exc, Value type) {
    ObjClass *c = val_class(exc);
    if (IS_CLASS(exc)) {
        c = AS_CLASS(exc);
    }
    if (IS_TUPLE(type)) {
        ObjTuple *t = AS_TUPLE(type);
        for (size_t i = 0; i < t->len; i++) {
            if (exc_matches(exc, t->items[i])) {
                return true;
            }
        }
        return false;
    }
    return IS_CLASS(type) && class_is_subclass(c, AS_CLASS(type));
}

// ---- the exception object
static void trace_exc(Obj *o) {
    ObjException *e = (ObjException *)o;
    gc_mark_obj((Obj *)e->dict);
    gc_mark_obj((Obj *)e->args);
    gc_mark_value(e->traceback);
    gc_mark_value(e->cause);
    gc_mark_value(e->context);
    gc_mark_value(e->suggestion);
}

// SyntaxError's attributes, as CPython's SyntaxError_init sets them from
// (msg, (filename, lineno, offset, text[, end_lineno, end_offset])).
static const char *const syntax_attrs[] = {
    "msg", "filename", "lineno", "offset", "text", "end_lineno", "end_offset", "print_file_and_line",
};
enum { SYNTAX_NATTRS = 8 };

static bool is_syntax_attr(const char *n) {
    for (int i = 0; i < SYNTAX_NATTRS; i++) {
        if (strcmp(n, syntax_attrs[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool syntax_error_init(ObjException *e) {
    Value vals[SYNTAX_NATTRS];
    for (int i = 0; i < SYNTAX_NATTRS; i++) {
        vals[i] = VAL_NONE;
    }
    size_t argc = e->args->len;
    Value info = VAL_NULL;
    if (argc >= 1) {
        vals[0] = e->args->items[0];
    }
    if (argc == 2) {
        info = seq_to_tuple(e->args->items[1]);
        if (!info) {
            return false;
        }
        size_t n = AS_TUPLE(info)->len;
        if (n < 4 || n > 6) {
            exc_raise(exc_TypeError, "function takes %s %d arguments (%zu given)",
                      n < 4 ? "at least" : "at most", n < 4 ? 4 : 6, n);
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            vals[i + 1] = AS_TUPLE(info)->items[i];
        }
    }
    gc_push_root(info);
    for (int i = 0; i < SYNTAX_NATTRS; i++) {
        dict_set_str(e->dict, str_intern_c(syntax_attrs[i]), vals[i]);
    }
    gc_pop_root(1);
    return true;
}

// CPython's SyntaxError_str: "msg (file.py, line N)" with the file's
// basename, each part only when set.
static Value syntax_error_str(ObjException *e) {
    Value msg = dict_get_str(e->dict, str_intern_c("msg"));
    Value fn = dict_get_str(e->dict, str_intern_c("filename"));
    Value ln = dict_get_str(e->dict, str_intern_c("lineno"));
    Value s = obj_str(msg ? msg : VAL_NONE);
    if (!s) {
        return VAL_NULL;
    }
    bool have_line = ln && IS_SMALL(ln);
    const char *base = NULL;
    if (fn && IS_STR(fn)) {
        base = strrchr(AS_STR(fn)->data, '/');
        base = base ? base + 1 : AS_STR(fn)->data;
    }
    if (base && have_line) {
        return str_printf("%s (%s, line %ld)", AS_STR(s)->data, base, (long)AS_SMALL(ln));
    }
    if (base) {
        return str_printf("%s (%s)", AS_STR(s)->data, base);
    }
    if (have_line) {
        return str_printf("%s (line %ld)", AS_STR(s)->data, (long)AS_SMALL(ln));
    }
    return s;
}

// ---- OSError: errno, strerror, filename, filename2 (CPython's OSError_new)
ObjClass *exc_oserror_class(int code) {
    switch (code) {
    case EAGAIN: case EALREADY: case EINPROGRESS:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return exc_BlockingIOError;
    case ECHILD: return exc_ChildProcessError;
    case EPIPE: case ESHUTDOWN: return exc_BrokenPipeError;
    case ECONNABORTED: return exc_ConnectionAbortedError;
    case ECONNREFUSED: return exc_ConnectionRefusedError;
    case ECONNRESET: return exc_ConnectionResetError;
    case EEXIST: return exc_FileExistsError;
    case ENOENT: return exc_FileNotFoundError;
    case EISDIR: return exc_IsADirectoryError;
    case ENOTDIR: return exc_NotADirectoryError;
    case EINTR: return exc_InterruptedError;
    case EACCES: case EPERM: return exc_PermissionError;
    case ESRCH: return exc_ProcessLookupError;
    case ETIMEDOUT: return exc_TimeoutError;
    default: return exc_OSError;
    }
}

// A path argument as the error names it: an os.PathLike's fspath (CPython's
// path_converter keeps the str or bytes, so the message shows '/a', not PosixPath('/a')).
static Value error_path(Value v) {
    if (!v || !IS_OBJ(v) || IS_STR(v) || bytes_check(v)) {
        return v;
    }
    bool found;
    Value p = call_method_opt(v, str_intern_c("__fspath__"), 0, NULL, &found);
    if (!found || !p || !(IS_STR(p) || bytes_check(p))) {
        exc_clear();
        return v;
    }
    return p;
}

Value exc_raise_oserror(int code, Value filename, Value filename2) {
    filename = error_path(filename);
    gc_push_root(filename ? filename : VAL_NONE);
    filename2 = error_path(filename2);
    gc_push_root(filename2 ? filename2 : VAL_NONE);
    Value args[5] = {MK_SMALL(code), str_from_c(strerror(code)), filename ? filename : VAL_NONE,
                     VAL_NONE, filename2 ? filename2 : VAL_NONE};
    gc_push_root(args[1]);
    int n = filename2 ? 5 : filename ? 3 : 2;
    Value e = exc_new(exc_OSError, n, args);
    gc_pop_root(3);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// OSError(errno, strerror[, filename[, winerror[, filename2]]]): the parts
// become attributes and args keeps (errno, strerror), as in CPython.
static void oserror_parse(ObjException *e, int argc, Value *argv) {
    if (argc < 2 || argc > 5) {
        return;
    }
    dict_set_str(e->dict, str_intern_c("errno"), argv[0]);
    dict_set_str(e->dict, str_intern_c("strerror"), argv[1]);
    if (argc == 3 && IS_INT(argv[2]) && class_is_subclass(e->hdr.cls, exc_BlockingIOError)) {
        dict_set_str(e->dict, str_intern_c("characters_written"), argv[2]);    // args keeps all three
        return;
    }
    if (argc >= 3) {
        dict_set_str(e->dict, str_intern_c("filename"), argv[2]);
        if (argc == 5) {
            dict_set_str(e->dict, str_intern_c("filename2"), argv[4]);
        }
        e->args = AS_TUPLE(tuple_pack(2, argv[0], argv[1]));
    }
}

// The keyword arguments an exception class takes: ImportError(msg, name=,
// path=), AttributeError(msg, name=, obj=), NameError(msg, name=); NULL: none.
static const char *exc_kw_names(ObjClass *cls) {
    if (class_is_subclass(cls, exc_ImportError)) {
        return " name path ";
    }
    if (class_is_subclass(cls, exc_AttributeError)) {
        return " name obj ";
    }
    if (class_is_subclass(cls, exc_NameError)) {
        return " name ";
    }
    return NULL;
}

// Stores the keywords of an exception class that takes some (exc_kw_names).
static bool import_error_kw(ObjException *e, ObjDict *kw) {
    size_t pos = 0;
    Value k, v;
    const char *allowed = exc_kw_names(e->hdr.cls);
    while (dict_next(kw, &pos, &k, &v)) {
        const char *n = AS_STR(k)->data;
        char key[64];
        snprintf(key, sizeof key, " %s ", n);
        if (!allowed || strlen(n) > 32 || !strstr(allowed, key)) {
            exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for %s()", n, e->hdr.cls->name->data);
            return false;
        }
        dict_set(e->dict, k, v);
    }
    return true;
}

static Value exc_new_slot(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (kw && kw->used) {
        // BaseException.__init__ refuses keywords; a user __init__ may take them
        Value init = class_lookup(cls, ST->s_init);
        if ((!init || IS_A(init, cls_native)) && !exc_kw_names(cls)) {
            return exc_raise(exc_TypeError, "%s() takes no keyword arguments", cls->name->data);
        }
    }
    if (cls == exc_OSError && argc >= 2 && argc <= 5 && IS_SMALL(argv[0])) {
        cls = exc_oserror_class((int)AS_SMALL(argv[0]));
    }
    ObjException *e = (ObjException *)obj_alloc(cls, cls->inst_size);
    e->dict = AS_DICT(dict_new());
    ObjTuple *args = AS_TUPLE(tuple_new((size_t)argc));
    if (argc) {
        memcpy(args->items, argv, sizeof(Value) * (size_t)argc);
    }
    e->args = args;
    if (kw && kw->used && exc_kw_names(cls) && !import_error_kw(e, kw)) {
        return VAL_NULL;
    }
    if (class_is_subclass(cls, exc_OSError)) {
        gc_push_root(OBJ_VAL(e));
        oserror_parse(e, argc, argv);
        gc_pop_root(1);
    }
    if (class_is_subclass(cls, exc_SyntaxError)) {
        // a user __init__ decides (calling SyntaxError.__init__ or not)
        Value init = class_lookup(cls, ST->s_init);
        if (!init || IS_A(init, cls_native)) {
            gc_push_root(OBJ_VAL(e));   // the info sequence may be iterated by user code
            bool ok = syntax_error_init(e);
            gc_pop_root(1);
            if (!ok) {
                return VAL_NULL;
            }
        }
    }
    return OBJ_VAL(e);
}

static Value exc_init_method(int argc, Value *argv, ObjDict *kw) {
    ObjException *e = AS_EXC(argv[0]);
    if (kw && kw->used && class_is_subclass(e->hdr.cls, exc_ImportError)) {
        if (!import_error_kw(e, kw)) {
            return VAL_NULL;
        }
    } else if (kw && kw->used) {
        return exc_raise(exc_TypeError, "%s() takes no keyword arguments", e->hdr.cls->name->data);
    }
    ObjTuple *args = AS_TUPLE(tuple_new((size_t)argc - 1));
    values_copy(args->items, argv + 1, (size_t)(argc - 1));
    e->args = args;
    if (class_is_subclass(e->hdr.cls, exc_OSError)) {
        oserror_parse(e, argc - 1, argv + 1);
    }
    if (class_is_subclass(e->hdr.cls, exc_SyntaxError) && !syntax_error_init(e)) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

// An OSError made with (errno, strerror, ...): its message is built from them.
static bool os_error_parts(ObjException *e) {
    return class_is_subclass(e->hdr.cls, exc_OSError) && dict_get_str(e->dict, str_intern_c("strerror"));
}

static Value exc_str(Value self) {
    ObjException *e = AS_EXC(self);
    if (class_is_subclass(e->hdr.cls, exc_SyntaxError)) {
        return syntax_error_str(e);
    }
    if ((e->args->len == 5 && (class_is_subclass(e->hdr.cls, exc_UnicodeDecodeError) ||
                               class_is_subclass(e->hdr.cls, exc_UnicodeEncodeError))) ||
        (e->args->len == 4 && class_is_subclass(e->hdr.cls, exc_UnicodeTranslateError))) {
        Value r = codec_error_str(self);
        if (r || exc_pending()) {
            return r;
        }
    }
    if (os_error_parts(e)) {
        // each part stays rooted: a filename's repr can run code (PosixPath)
        Value f1 = dict_get_str(e->dict, str_intern_c("filename"));
        Value f2 = dict_get_str(e->dict, str_intern_c("filename2"));
        bool has1 = f1 && !IS_NONE(f1), has2 = has1 && f2 && !IS_NONE(f2);
        Value parts[4];     // errno, strerror, filename, filename2 as text
        Value srcs[4] = {dict_get_str(e->dict, str_intern_c("errno")),
                         dict_get_str(e->dict, str_intern_c("strerror")), f1, f2};
        int n = 0, want = has2 ? 4 : has1 ? 3 : 2;
        for (; n < want; n++) {
            parts[n] = n < 2 ? obj_str(srcs[n]) : obj_repr(srcs[n]);
            if (!parts[n]) {
                gc_pop_root(n);
                return VAL_NULL;
            }
            gc_push_root(parts[n]);
        }
        const char *en = AS_STR(parts[0])->data, *se = AS_STR(parts[1])->data;
        Value r = has2   ? str_printf("[Errno %s] %s: %s -> %s", en, se, AS_STR(parts[2])->data, AS_STR(parts[3])->data)
                  : has1 ? str_printf("[Errno %s] %s: %s", en, se, AS_STR(parts[2])->data)
                         : str_printf("[Errno %s] %s", en, se);
        gc_pop_root(n);
        return r;
    }
    if (e->args->len == 0) {
        return str_from_c("");
    }
    if (e->args->len == 1) {
        if (class_is_subclass(e->hdr.cls, exc_KeyError)) {
            return obj_repr(e->args->items[0]);
        }
        return obj_str(e->args->items[0]);
    }
    return obj_str(OBJ_VAL(e->args));
}

static Value exc_repr(Value self) {
    ObjException *e = AS_EXC(self);
    const char *name = e->hdr.cls->name->data;
    if (e->args->len == 1) {
        Value r = obj_repr(e->args->items[0]);
        return r ? str_printf("%s(%s)", name, AS_STR(r)->data) : VAL_NULL;
    }
    Value r = obj_repr(OBJ_VAL(e->args));
    if (!r) {
        return VAL_NULL;
    }
    if (e->args->len == 0) {
        return str_printf("%s()", name);
    }
    return str_printf("%s%s", name, AS_STR(r)->data);
}

static Value exc_getattr(Value self, ObjStr *name) {
    ObjException *e = AS_EXC(self);
    const char *n = name->data;
    if (strcmp(n, "args") == 0) {
        return OBJ_VAL(e->args);
    }
    if (n[0] == '_' && n[1] == '_') {
        if (strcmp(n, "__cause__") == 0) {
            return e->cause ? e->cause : VAL_NONE;
        }
        if (strcmp(n, "__context__") == 0) {
            return e->context ? e->context : VAL_NONE;
        }
        if (strcmp(n, "__traceback__") == 0) {
            return e->traceback ? e->traceback : VAL_NONE;
        }
        if (strcmp(n, "__suppress_context__") == 0) {
            return VAL_BOOL(e->suppress_context);
        }
    }
    if (e->hdr.cls->flags & CLS_USER) {
        // a subclass's property comes before the fields kept here, as
        // CPython's data descriptors do (importlib.metadata's
        // PackageNotFoundError.name over ImportError's)
        Value d = class_lookup(e->hdr.cls, name);
        if (d && IS_A(d, cls_property)) {
            return generic_getattr(self, name);
        }
    }
    Value v = dict_get_str(e->dict, name);
    if (v) {
        return v;
    }
    if (e->args->len == 5 && (class_is_subclass(e->hdr.cls, exc_UnicodeDecodeError) ||
                              class_is_subclass(e->hdr.cls, exc_UnicodeEncodeError))) {
        static const char *const parts[] = {"encoding", "object", "start", "end", "reason"};
        for (int i = 0; i < 5; i++) {
            if (strcmp(n, parts[i]) == 0) {
                return e->args->items[i];
            }
        }
    }
    if (class_is_subclass(e->hdr.cls, exc_UnicodeTranslateError)) {
        // (object, start, end, reason): no codec, so its encoding is None
        static const char *const parts[] = {"object", "start", "end", "reason"};
        for (int i = 0; i < 4; i++) {
            if (strcmp(n, parts[i]) == 0) {
                return e->args->len == 4 ? e->args->items[i] : VAL_NONE;
            }
        }
        if (strcmp(n, "encoding") == 0) {
            return VAL_NONE;
        }
    }
    if (strcmp(n, "value") == 0 && class_is_subclass(e->hdr.cls, exc_StopIteration)) {
        return e->args->len ? e->args->items[0] : VAL_NONE;
    }
    if (class_is_subclass(e->hdr.cls, exc_OSError) &&
        (strcmp(n, "errno") == 0 || strcmp(n, "strerror") == 0 || strcmp(n, "filename") == 0 ||
         strcmp(n, "filename2") == 0)) {
        return VAL_NONE;
    }
    if (class_is_subclass(e->hdr.cls, exc_SyntaxError) && is_syntax_attr(n)) {
        return VAL_NONE;    // a subclass whose __init__ did not call SyntaxError's
    }
    if (class_is_subclass(e->hdr.cls, exc_ImportError) &&
        (strcmp(n, "name") == 0 || strcmp(n, "path") == 0 || strcmp(n, "msg") == 0)) {
        return n[0] == 'm' && e->args->len == 1 ? e->args->items[0] : VAL_NONE;
    }
    if ((strcmp(n, "name") == 0 && (class_is_subclass(e->hdr.cls, exc_AttributeError) ||
                                    class_is_subclass(e->hdr.cls, exc_NameError))) ||
        (strcmp(n, "obj") == 0 && class_is_subclass(e->hdr.cls, exc_AttributeError))) {
        return VAL_NONE;    // not given: None, as CPython
    }
    if (strcmp(n, "code") == 0 && class_is_subclass(e->hdr.cls, exc_SystemExit)) {
        return e->args->len == 1 ? e->args->items[0] : e->args->len == 0 ? VAL_NONE : OBJ_VAL(e->args);
    }
    return generic_getattr(self, name);
}

static bool exc_setattr(Value self, ObjStr *name, Value v) {
    ObjException *e = AS_EXC(self);
    const char *n = name->data;
    // the chain and traceback slots hold only exceptions / tracebacks:
    // the VM and the printer walk them without checking (CPython's words)
    bool cause = strcmp(n, "__cause__") == 0;
    if (cause || strcmp(n, "__context__") == 0) {
        if (!v) {
            exc_raise(exc_TypeError, "%s may not be deleted", n);
            return false;
        }
        if (!IS_NONE(v) && !(IS_OBJ(v) && (AS_OBJ(v)->cls->flags & CLS_EXCEPTION))) {
            exc_raise(exc_TypeError, "exception %s must be None or derive from BaseException",
                      cause ? "cause" : "context");
            return false;
        }
        if (cause) {
            e->cause = IS_NONE(v) ? VAL_NULL : v;
            e->suppress_context = true;
        } else {
            e->context = IS_NONE(v) ? VAL_NULL : v;
        }
        return true;
    }
    if (strcmp(n, "__suppress_context__") == 0) {
        int t = v ? obj_truthy(v) : -1;
        if (!v) {
            exc_raise(exc_TypeError, "can't delete __suppress_context__ attribute");
        }
        if (t < 0) {
            return false;
        }
        e->suppress_context = t;
        return true;
    }
    if (strcmp(n, "__traceback__") == 0) {
        if (!v) {
            exc_raise(exc_TypeError, "__traceback__ may not be deleted");
            return false;
        }
        if (!IS_NONE(v) && !IS_A(v, cls_traceback)) {
            exc_raise(exc_TypeError, "__traceback__ must be a traceback or None");
            return false;
        }
        e->traceback = IS_NONE(v) ? VAL_NULL : v;
        return true;
    }
    if (strcmp(n, "args") == 0 && v) {
        Value t = seq_to_tuple(v);
        if (!t) {
            return false;
        }
        e->args = AS_TUPLE(t);
        return true;
    }
    return generic_setattr(self, name, v);
}

static Value exc_with_traceback(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("with_traceback", argc, 2, 2)) {
        return VAL_NULL;
    }
    if (!exc_setattr(argv[0], str_intern_c("__traceback__"), argv[1])) {
        return VAL_NULL;
    }
    return argv[0];
}

// BaseException.add_note(note): appends to the __notes__ list (3.11).
static Value exc_add_note(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("add_note", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "note must be a str, not '%s'", val_type_name(argv[1]));
    }
    ObjException *e = AS_EXC(argv[0]);
    ObjStr *key = str_intern_c("__notes__");
    Value notes = dict_get_str(e->dict, key);
    if (!notes) {
        notes = list_new(0);
        dict_set_str(e->dict, key, notes);
    } else if (!IS_LIST(notes)) {
        return exc_raise(exc_TypeError, "Cannot add note: __notes__ is not a list");
    }
    list_append(AS_LIST(notes), argv[1]);
    return VAL_NONE;
}

// BaseException.__reduce__(): (type(self), self.args), with the instance
// dict as a third item when it has one (OSError's errno/filename, notes,
// attributes a program set), as CPython's: pickle and copy use it; pyish
// could not pickle an exception at all.
static Value exc_reduce(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__reduce__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    ObjException *e = AS_EXC(argv[0]);
    Value cls = OBJ_VAL(e->hdr.cls);
    if (e->dict && e->dict->used > 0) {
        return tuple_pack(3, cls, OBJ_VAL(e->args), OBJ_VAL(e->dict));
    }
    return tuple_pack(2, cls, OBJ_VAL(e->args));
}

// BaseException.__setstate__(state): each item of a dict state becomes an
// attribute, as CPython's.
static Value exc_setstate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("__setstate__", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value st = argv[1];
    if (IS_NONE(st)) {
        return VAL_NONE;
    }
    if (!IS_DICT(st)) {
        return exc_raise(exc_TypeError, "state is not a dictionary");
    }
    size_t pos = 0;
    Value k, v;
    while (dict_next(AS_DICT(st), &pos, &k, &v)) {
        if (!IS_STR(k)) {
            return exc_raise(exc_TypeError, "attribute name must be string, not '%s'", val_type_name(k));
        }
        if (!obj_setattr(argv[0], AS_STR(k), v)) {
            return VAL_NULL;
        }
    }
    return VAL_NONE;
}

static const MethodDef exc_methods[] = {
    {"__init__", exc_init_method, true},
    {"__reduce__", exc_reduce},
    {"__setstate__", exc_setstate},
    {"add_note", exc_add_note},
    {"with_traceback", exc_with_traceback},
    {NULL, NULL},
};

void exc_init(void) {
    gc_add_root_marker(mark_pending);
    exc_BaseException = class_new_builtin("BaseException", NULL, sizeof(ObjException), exc_methods);
    ObjClass *b = exc_BaseException;
    b->flags |= CLS_EXCEPTION;
    b->dict_offset = offsetof(ObjException, dict);
    b->new_ = exc_new_slot;
    b->trace = trace_exc;
    b->repr = exc_repr;
    b->str = exc_str;
    b->getattr = exc_getattr;
    b->setattr = exc_setattr;
#define exc_object cls_object
#define X(name, base) \
    if (exc_##name != exc_BaseException) { \
        exc_##name = class_new_builtin(#name, exc_##base, sizeof(ObjException), NULL); \
    }
    EXC_LIST(X)
#undef X
    ST->nomem_exc = exc_new_slot(exc_MemoryError, 0, NULL, NULL);
}
