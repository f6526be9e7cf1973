// builtins_file.c: the small file class behind open() and the standard
// streams (_io.TextIOWrapper over a stdio FILE: read, readline, readlines,
// write, writelines, flush, close, with, line iteration) and open()
// itself. A file opened in binary mode ('rb', 'wb'...) reads bytes and
// writes any bytes-like object (through buffer_get).
#include <errno.h>
#include <stdlib.h>
#include "containers.h"
#include "class.h"
#include "runtime.h"
#include "bytes.h"



typedef struct ObjFile {
    Obj hdr;
    FILE *fp;
    Value name;
    Value mode;
    bool closed;
    bool owned;     // fclose on close (not for stdin/stdout/stderr)
    bool binary;    // opened with 'b': bytes in and out
} ObjFile;

#define AS_FILE(v) ((ObjFile *)AS_OBJ(v))

static void file_trace(Obj *o) {
    gc_mark_value(((ObjFile *)o)->name);
    gc_mark_value(((ObjFile *)o)->mode);
}

static void file_finalize(Obj *o) {
    ObjFile *f = (ObjFile *)o;
    if (!f->closed && f->owned && f->fp) {
        fclose(f->fp);
    }
    f->closed = true;
}

// Wraps the stdio stream [fp] as a file object named [name] (for sys.stdout).
Value builtins_file_new(FILE *fp, const char *name, const char *mode) {
    ObjFile *f = (ObjFile *)obj_alloc(cls_file, sizeof(ObjFile));
    f->fp = fp;
    f->name = str_from_c(name);
    f->mode = str_from_c(mode);
    f->binary = strchr(mode, 'b') != NULL;
    return OBJ_VAL(f);
}

Value builtins_open(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"file", "mode", "buffering", "encoding", "errors",
                                          "newline", NULL};
    if (!kw_only("open", kw, allowed) || !arg_count("open", argc, 0, 7)) {
        return VAL_NULL;
    }
    Value name = argc > 0 ? argv[0] : kw_get(kw, "file");
    Value mode = argc > 1 ? argv[1] : kw_get(kw, "mode");
    if (!name) {
        return exc_raise(exc_TypeError, "open() missing required argument 'file' (pos 1)");
    }
    if (!IS_STR(name) && IS_OBJ(name)) {
        // os.PathLike: __fspath__ gives the path
        bool found;
        Value p = call_method_opt(name, str_intern_c("__fspath__"), 0, NULL, &found);
        if (found && !p) {
            return VAL_NULL;
        }
        if (found) {
            name = p;
        }
    }
    if (!IS_STR(name)) {
        return exc_raise(exc_TypeError, "expected str, bytes or os.PathLike object, not %s",
                         val_type_name(name));
    }
    if (!mode) {
        mode = str_from_c("r");
    }
    if (!IS_STR(mode)) {
        return exc_raise(exc_TypeError, "open() argument 'mode' must be str, not %s",
                         val_type_name(mode));
    }
    char cmode[8] = {0};
    const char *m = AS_STR(mode)->data;
    bool binary = strchr(m, 'b') != NULL;
    if (binary && strchr(m, 't')) {
        return exc_raise(exc_ValueError, "can't have text and binary mode at once");
    }
    if (binary && kw_get(kw, "encoding") && !IS_NONE(kw_get(kw, "encoding"))) {
        return exc_raise(exc_ValueError, "binary mode doesn't take an encoding argument");
    }
    char base = 0;
    bool plus = false;
    for (const char *p = m; *p; p++) {
        if (strchr("rwax", *p)) {
            if (base) {
                return exc_raise(exc_ValueError, "must have exactly one of create/read/write/append mode");
            }
            base = *p;
        } else if (*p == '+') {
            plus = true;
        } else if (*p != 't' && *p != 'b') {
            return exc_raise(exc_ValueError, "invalid mode: '%s'", m);
        }
    }
    if (!base) {
        base = 'r';
    }
    cmode[0] = base == 'x' ? 'w' : base;
    if (plus) {
        cmode[1] = '+';
    }
    if (base == 'x') {
        strcat(cmode, "x");
    }
    FILE *fp = fopen(AS_STR(name)->data, cmode);
    if (!fp) {
        return exc_raise_oserror(errno, name, VAL_NULL);
    }
    ObjFile *f = (ObjFile *)obj_alloc(cls_file, sizeof(ObjFile));
    f->fp = fp;
    f->name = name;
    f->mode = mode;
    f->owned = true;
    f->binary = binary;
    return OBJ_VAL(f);
}

static bool file_open_check(Value self) {
    if (AS_FILE(self)->closed) {
        exc_raise(exc_ValueError, "I/O operation on closed file.");
        return false;
    }
    return true;
}

// The text read into [b] as the file's kind (str, or bytes in binary mode).
static Value finish(ObjFile *f, SBuf *b) {
    if (!f->binary) {
        return sb_finish(b);
    }
    if (b->failed) {
        sb_free(b);
        return VAL_NULL;
    }
    Value r = bytes_try_new(b->data ? b->data : "", b->len);
    sb_free(b);
    return r;
}

// Reads one line (with its newline) into a str or bytes; empty at EOF.
static Value file_readline_str(ObjFile *f) {
    SBuf b;
    sb_init(&b);
    // getline scans stdio's buffer with memchr (fgetc per byte cost 10% of
    // a line-reading benchmark)
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f->fp);
    if (n > 0) {
        sb_add(&b, line, (size_t)n);
    }
    free(line);
    return finish(f, &b);
}

static Value m_file_read(int argc, Value *argv, ObjDict *kw) {
    if (!file_open_check(argv[0]) || !arg_count("read", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    int64_t n = -1;
    if (argc > 1 && !IS_NONE(argv[1]) && !index_value(argv[1], NULL, &n)) {
        return VAL_NULL;
    }
    ObjFile *f = AS_FILE(argv[0]);
    SBuf b;
    sb_init(&b);
    char buf[4096];
    int64_t cps = 0;
    if (n < 0) {
        size_t k;
        while ((k = fread(buf, 1, sizeof buf, f->fp)) > 0) {
            sb_add(&b, buf, k);
        }
    } else {
        // n code points (n bytes in binary mode): read bytes, counting UTF-8 lead bytes.
        int c;
        while (cps < n && (c = fgetc(f->fp)) != EOF) {
            char ch = (char)c;
            sb_add(&b, &ch, 1);
            int more = f->binary ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
            for (int i = 0; i < more && (c = fgetc(f->fp)) != EOF; i++) {
                ch = (char)c;
                sb_add(&b, &ch, 1);
            }
            cps++;
        }
    }
    return finish(f, &b);
}

static Value m_file_readline(int argc, Value *argv, ObjDict *kw) {
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    return file_readline_str(AS_FILE(argv[0]));
}

static Value m_file_readlines(int argc, Value *argv, ObjDict *kw) {
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    Value l = list_new(0);
    for (;;) {
        Value s = file_readline_str(AS_FILE(argv[0]));
        if (!s) {
            return VAL_NULL;
        }
        if (obj_length(s) == 0) {
            break;
        }
        list_append(AS_LIST(l), s);
    }
    return l;
}

static Value m_file_write(int argc, Value *argv, ObjDict *kw) {
    if (!file_open_check(argv[0]) || !arg_count("write", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (AS_FILE(argv[0])->binary) {
        ObjFile *f = AS_FILE(argv[0]);
        BufView b = {0};
        if (!buffer_need(argv[1], &b)) {
            return VAL_NULL;
        }
        if (f->mode && AS_STR(f->mode)->data[0] == 'r' && !strchr(AS_STR(f->mode)->data, '+')) {
            return exc_raise(exc_OSError, "write");
        }
        fwrite(b.ptr, 1, b.len, f->fp);
        return int_from_i64((int64_t)b.len);
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "write() argument must be str, not %s",
                         val_type_name(argv[1]));
    }
    ObjFile *f = AS_FILE(argv[0]);
    if (f->mode && AS_STR(f->mode)->data[0] == 'r' && !strchr(AS_STR(f->mode)->data, '+')) {
        return exc_raise(exc_OSError, "not writable");
    }
    if (!str_encodable(AS_STR(argv[1])->data, AS_STR(argv[1])->len)) {
        return VAL_NULL;
    }
    fwrite(AS_STR(argv[1])->data, 1, AS_STR(argv[1])->len, f->fp);
    return VAL_INT(AS_STR(argv[1])->cplen);
}

static Value m_file_writelines(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("writelines", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value l = seq_to_list(argv[1]);
    if (!l) {
        return VAL_NULL;
    }
    gc_push_root(l);
    for (size_t i = 0; i < AS_LIST(l)->len; i++) {
        Value args[2] = {argv[0], AS_LIST(l)->items[i]};
        if (!m_file_write(2, args, NULL)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return VAL_NONE;
}

static Value m_file_flush(int argc, Value *argv, ObjDict *kw) {
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    fflush(AS_FILE(argv[0])->fp);
    return VAL_NONE;
}

static Value m_file_close(int argc, Value *argv, ObjDict *kw) {
    ObjFile *f = AS_FILE(argv[0]);
    if (!f->closed) {
        if (f->owned) {
            fclose(f->fp);
        } else {
            fflush(f->fp);
        }
        f->closed = true;
    }
    return VAL_NONE;
}

static Value m_file_enter(int argc, Value *argv, ObjDict *kw) {
    return file_open_check(argv[0]) ? argv[0] : VAL_NULL;
}

static Value m_file_exit(int argc, Value *argv, ObjDict *kw) {
    m_file_close(1, argv, NULL);
    return VAL_NONE;
}

static Value file_iter(Value self) {
    return file_open_check(self) ? self : VAL_NULL;
}

static int file_next(Value self, Value *out) {
    if (!file_open_check(self)) {
        return -1;
    }
    Value s = file_readline_str(AS_FILE(self));
    if (!s) {
        return -1;
    }
    if (obj_length(s) == 0) {
        return 0;
    }
    *out = s;
    return 1;
}

static Value file_repr(Value self) {
    ObjFile *f = AS_FILE(self);
    Value n = obj_repr(f->name);
    if (!n) {
        return VAL_NULL;
    }
    if (f->binary) {
        const char *m = AS_STR(f->mode)->data;
        const char *kind = strchr(m, '+') ? "BufferedRandom" : m[0] == 'r' ? "BufferedReader"
                                                                          : "BufferedWriter";
        return str_printf("<_io.%s name=%s>", kind, AS_STR(n)->data);
    }
    return str_printf("<_io.TextIOWrapper name=%s mode='%s' encoding='UTF-8'>",
                      AS_STR(n)->data, AS_STR(f->mode)->data);
}

static Value file_getattr(Value self, ObjStr *name) {
    ObjFile *f = AS_FILE(self);
    if (!strcmp(name->data, "closed")) {
        return VAL_BOOL(f->closed);
    }
    if (!strcmp(name->data, "name")) {
        return f->name;
    }
    if (!strcmp(name->data, "mode")) {
        return f->mode;
    }
    return generic_getattr(self, name);
}

static const MethodDef file_methods[] = {
    {"read", m_file_read},
    {"readline", m_file_readline},
    {"readlines", m_file_readlines},
    {"write", m_file_write},
    {"writelines", m_file_writelines},
    {"flush", m_file_flush},
    {"close", m_file_close},
    {"__enter__", m_file_enter},
    {"__exit__", m_file_exit},
    {NULL, NULL},
};

// Makes the file class (cls_file) once per state.
void builtins_file_init(void) {
    if (cls_file) {
        return;
    }
    cls_file = class_new_builtin("TextIOWrapper", NULL, sizeof(ObjFile), file_methods);
    cls_file->module = str_intern_c("_io");
    cls_file->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_file->new_ = NULL;
    cls_file->trace = file_trace;
    cls_file->finalize = file_finalize;
    cls_file->iter = file_iter;
    cls_file->next = file_next;
    cls_file->repr = file_repr;
    cls_file->getattr = file_getattr;
}
