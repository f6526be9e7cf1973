// builtins_file.c: the file objects of open() and of the standard streams
// (sys.stdin/stdout/stderr), over a stdio FILE: text files (_io.
// TextIOWrapper: an encoding, errors, newline translation as io's, a
// `buffer` attribute giving the binary file) and binary files (_io.
// BufferedReader/Writer/Random: bytes in, any bytes-like object out, through
// buffer_get), with read/readline/readlines/readinto, write/writelines,
// seek/tell/truncate, fileno/isatty/readable/writable/seekable, close, with
// and iteration, and CPython's errors (io.UnsupportedOperation, "I/O
// operation on closed file."). Bytes read ahead of a line end (a lone '\r'
// in universal-newline mode) wait in a small pending buffer that reads take
// first and tell() accounts for. Text in utf-16/utf-32 (whose newlines are
// not single bytes) is decoded whole on the first read.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <unistd.h>
#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>
#include "containers.h"
#include "class.h"
#include "runtime.h"
#include "bytes.h"
#include "numstr.h"
#include "module.h"
#include "gc.h"
#include "gthread.h"

enum { NL_UNIVERSAL, NL_UNTRANSLATED, NL_LF, NL_CR, NL_CRLF };  // newline=None, '', '\n', '\r', '\r\n'
enum { OP_NONE, OP_READ, OP_WRITE };

typedef struct ObjFile {
    Obj hdr;
    FILE *fp;
    Value name;
    Value mode;
    Value buffer;           // text files: the binary file on the same stream (made when asked for)
    char *pend;             // bytes read but not consumed yet (mem.c buffer of pcap bytes)
    size_t plen, ppos, pcap;
    char *lbuf;             // getline's buffer for text lines (malloc'd), kept between lines
    char *iobuf;            // stdio's buffer of a regular file we opened (malloc'd; freed after fclose)
    size_t lcap;
    bool closed;
    bool owned;             // fclose on close (not for the standard streams)
    bool binary;
    bool readable, writable, append;
    bool whole;             // utf-16/32 text: decoded at once into pend (as UTF-8)
    bool utf8;              // the encoding is UTF-8 (no transcoding)
    uint8_t newline;        // NL_*
    uint8_t last_op;        // OP_*: stdio needs a positioning call between reads and writes
    bool line_buf;          // reconfigure(line_buffering=True) made the stream line-buffered
    char encoding[24];
    char errors[24];
} ObjFile;

#define AS_FILE(v) ((ObjFile *)AS_OBJ(v))

static void file_trace(Obj *o) {
    ObjFile *f = (ObjFile *)o;
    gc_mark_value(f->name);
    gc_mark_value(f->mode);
    gc_mark_value(f->buffer);
}

static void pend_free(ObjFile *f) {
    mem_free(f->pend, f->pcap);
    f->pend = NULL;
    f->plen = f->ppos = f->pcap = 0;
    free(f->lbuf);
    f->lbuf = NULL;
    f->lcap = 0;
    free(f->iobuf);     // only an owned stream has one, and it is closed when this runs
    f->iobuf = NULL;
}

static void file_finalize(Obj *o) {
    ObjFile *f = (ObjFile *)o;
    if (!f->closed && f->owned && f->fp) {
        fclose(f->fp);
    }
    f->closed = true;
    pend_free(f);
}

static bool is_utf8_name(const char *e) {
    char n[24];
    size_t k = 0;
    for (; e[k] && k < sizeof n - 1; k++) {
        n[k] = e[k] == '_' ? '-' : (char)tolower((unsigned char)e[k]);
    }
    n[k] = 0;
    return !strcmp(n, "utf-8") || !strcmp(n, "utf8") || !strcmp(n, "u8");
}

// utf-16 and utf-32 text has newlines that are not single bytes
static bool is_wide_name(const char *e) {
    char n[24];
    size_t k = 0;
    for (; e[k] && k < sizeof n - 1; k++) {
        n[k] = (char)tolower((unsigned char)e[k]);
    }
    n[k] = 0;
    return strstr(n, "16") || strstr(n, "32");
}

static ObjFile *file_alloc(FILE *fp, Value name, Value mode, bool binary) {
    gc_push_root(name);
    gc_push_root(mode);
    ObjFile *f = (ObjFile *)obj_alloc(cls_file, sizeof(ObjFile));
    gc_pop_root(2);
    f->fp = fp;
    f->name = name;
    f->mode = mode;
    f->binary = binary;
    f->utf8 = true;
    strcpy(f->encoding, "UTF-8");
    strcpy(f->errors, "strict");
    return f;
}

// (flushing stdout before stderr gives unbuffered CPython's order when both
// go to one file)
bool stdout_unbuffered(void) {
    const char *e = ST->config.sandbox ? NULL : getenv("PYTHONUNBUFFERED");
    return ST->config.unbuffered || (e && *e);
}

// CPython's error handler of stdin and stdout (config_get_stdio_errors):
// surrogateescape in the C and POSIX locales and the UTF-8 ones it coerces
// to (C.UTF-8, C.utf8, UTF-8), and when the named locale does not exist
// (setlocale falls back to C); else strict.
static bool stdio_surrogateescape(void) {
    const char *loc = NULL;
    if (!ST->config.sandbox) {
        const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
        for (int i = 0; i < 3 && !loc; i++) {
            const char *v = getenv(vars[i]);
            loc = v && *v ? v : NULL;
        }
    }
    if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0 || strcmp(loc, "C.UTF-8") == 0 ||
        strcmp(loc, "C.utf8") == 0 || strcmp(loc, "UTF-8") == 0) {
        return true;
    }
    locale_t l = newlocale(LC_CTYPE_MASK, loc, (locale_t)0);
    if (!l) {
        return true;
    }
    freelocale(l);
    return false;
}

// Wraps the stdio stream [fp] as a file object named [name] (the standard
// streams, their .buffer): mode "r"/"w" (or "rb"/"wb").
Value builtins_file_new(FILE *fp, const char *name, const char *mode) {
    ObjFile *f = file_alloc(fp, str_from_c(name), str_from_c(mode), strchr(mode, 'b') != NULL);
    f->readable = mode[0] == 'r' || strchr(mode, '+');
    f->writable = mode[0] != 'r' || strchr(mode, '+');
    strcpy(f->encoding, "utf-8");
    if (fp == stderr) {
        strcpy(f->errors, "backslashreplace");
    } else if (stdio_surrogateescape()) {
        strcpy(f->errors, "surrogateescape");
    }
    return OBJ_VAL(f);
}

static bool opt_cstr(ObjDict *kw, Value v, const char *what, char *out, size_t size, bool *given) {
    *given = v && !IS_NONE(v);
    if (!*given) {
        return true;
    }
    if (!IS_STR(v)) {
        exc_raise(exc_TypeError, "open() argument '%s' must be str or None, not %s", what, val_type_name(v));
        return false;
    }
    snprintf(out, size, "%s", AS_STR(v)->data);
    return true;
}

Value builtins_open(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"file", "mode", "buffering", "encoding", "errors",
                                          "newline", "closefd", "opener", NULL};
    static const char *const names[] = {"file", "mode", "buffering", "encoding", "errors", "newline", "closefd",
                                        "opener"};
    if (!kw_only("open", kw, allowed) || !arg_count("open", argc, 0, 8)) {
        return VAL_NULL;
    }
    Value a[8];
    for (int i = 0; i < 8; i++) {
        a[i] = i < argc ? argv[i] : kw_get(kw, names[i]);
    }
    Value name = a[0], mode = a[1];
    if (!name) {
        return exc_raise(exc_TypeError, "open() missing required argument 'file' (pos 1)");
    }
    if (!IS_STR(name) && str_check(name)) {
        name = str_new(AS_STR(name)->data, AS_STR(name)->len);     // a str subclass: its str
        if (!name) {
            return VAL_NULL;
        }
    }
    if (!IS_STR(name) && !int_check(name) && IS_OBJ(name) && !bytes_check(name)) {
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
    if (bytes_check(name)) {
        name = str_new((const char *)AS_BYTES(name)->data, AS_BYTES(name)->len);
    }
    if (!IS_STR(name) && !int_check(name)) {
        return exc_raise(exc_TypeError, "expected str, bytes or os.PathLike object, not %s", val_type_name(name));
    }
    if (!mode) {
        mode = str_from_c("r");
    }
    if (!IS_STR(mode)) {
        return exc_raise(exc_TypeError, "open() argument 'mode' must be str, not %s", val_type_name(mode));
    }
    const char *m = AS_STR(mode)->data;
    for (const char *p = m; *p; p++) {
        if (!strchr("axrwb+t", *p) || strchr(p + 1, *p)) {
            return exc_raise(exc_ValueError, "invalid mode: '%s'", m);    // as _pyio: unknown or repeated
        }
    }
    char base = 0;
    bool plus = false, text = false, binary = false;
    for (const char *p = m; *p; p++) {
        if (strchr("rwax", *p) && !base) {
            base = *p;
        } else if (strchr("rwax", *p)) {
            return exc_raise(exc_ValueError, "must have exactly one of create/read/write/append mode");
        } else if (*p == '+' && !plus) {
            plus = true;
        } else if (*p == 't' && !text) {
            text = true;
        } else if (*p == 'b' && !binary) {
            binary = true;
        } else {
            return exc_raise(exc_ValueError, "invalid mode: '%s'", m);
        }
    }
    if (text && binary) {
        return exc_raise(exc_ValueError, "can't have text and binary mode at once");
    }
    if (!base) {
        return exc_raise(exc_ValueError, "Must have exactly one of create/read/write/append mode and at most one plus");
    }
    char encoding[24] = "UTF-8", errors[24] = "strict", newline[8] = "";
    bool enc_given, err_given, nl_given;
    if (!opt_cstr(kw, a[3], "encoding", encoding, sizeof encoding, &enc_given) ||
        !opt_cstr(kw, a[4], "errors", errors, sizeof errors, &err_given) ||
        !opt_cstr(kw, a[5], "newline", newline, sizeof newline, &nl_given)) {
        return VAL_NULL;
    }
    int64_t buffering = -1;
    if (a[2] && !IS_NONE(a[2]) && !index_value(a[2], NULL, &buffering)) {
        return VAL_NULL;
    }
    if (binary && enc_given) {
        return exc_raise(exc_ValueError, "binary mode doesn't take an encoding argument");
    }
    if (binary && err_given) {
        return exc_raise(exc_ValueError, "binary mode doesn't take an errors argument");
    }
    if (binary && nl_given) {
        return exc_raise(exc_ValueError, "binary mode doesn't take a newline argument");
    }
    if (!binary && buffering == 0) {
        return exc_raise(exc_ValueError, "can't have unbuffered text I/O");
    }
    uint8_t nl = NL_UNIVERSAL;
    if (nl_given) {
        if (!strcmp(newline, "")) {
            nl = NL_UNTRANSLATED;
        } else if (!strcmp(newline, "\n")) {
            nl = NL_LF;
        } else if (!strcmp(newline, "\r")) {
            nl = NL_CR;
        } else if (!strcmp(newline, "\r\n")) {
            nl = NL_CRLF;
        } else {
            return exc_raise(exc_ValueError, "illegal newline value: %s", newline);
        }
    }
    if (enc_given && !strcmp(encoding, "locale")) {
        strcpy(encoding, "UTF-8");      // io.text_encoding's "locale": the C locale here, UTF-8
    }
    if (!binary && enc_given) {
        Value probe = codec_decode((const unsigned char *)"", 0, encoding, "strict");    // LookupError
        if (!probe) {
            return VAL_NULL;
        }
    }
    if (binary) {   // FileIO's mode: 'w+b' is 'rb+', 'br' is 'rb'
        mode = str_from_c(base == 'x' ? (plus ? "xb+" : "xb") : base == 'a' ? (plus ? "ab+" : "ab")
                          : plus ? "rb+" : base == 'r' ? "rb" : "wb");
    }
    // CPython closes (so flushes) a file object as soon as its last reference
    // goes: open(p, 'w').write(s) followed by open(p).read() sees s there.
    // pyish's unreferenced files wait for the collector, so every open first
    // flushes the data of all stdio output streams.
    fflush(NULL);
    char cmode[8] = {0};
    cmode[0] = base == 'x' ? 'w' : base;
    strcat(cmode, plus ? "+" : "");
    strcat(cmode, base == 'x' ? "x" : "");
    strcat(cmode, "e");     // O_CLOEXEC, as CPython's files are not inherited
    FILE *fp;
    bool owned = true;
    struct stat st;
    st.st_mode = 0;     // the fd path does not stat: no buffer of ours below
    if (int_check(name)) {
        int64_t fd;
        if (!int_to_i64(name, &fd)) {
            return VAL_NULL;
        }
        if (fd < 0) {
            return exc_raise(exc_ValueError, "negative file descriptor");
        }
        cmode[strlen(cmode) - 1] = 0;   // no 'e' for fdopen
        if (cmode[strlen(cmode) - 1] == 'x') {
            cmode[strlen(cmode) - 1] = 0;
        }
        fp = fdopen((int)fd, cmode);
        if (!fp) {
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
        owned = !a[6] || obj_truthy(a[6]) != 0;
    } else if (a[7] && !IS_NONE(a[7])) {
        // opener(file, flags) gives the descriptor, as CPython's FileIO calls it
        if (a[6] && obj_truthy(a[6]) == 0) {
            return exc_raise(exc_ValueError, "Cannot use closefd=False with file name");
        }
        int flags = (plus ? O_RDWR : base == 'r' ? O_RDONLY : O_WRONLY) | O_CLOEXEC;
        flags |= base == 'w' ? O_CREAT | O_TRUNC : base == 'a' ? O_CREAT | O_APPEND : base == 'x' ? O_CREAT | O_EXCL : 0;
        Value args[2] = {a[0], VAL_INT(flags)};
        gc_push_root(name);
        gc_push_root(mode);
        gc_push_root(args[1]);
        Value r = vm_call(a[7], 2, args, NULL);
        gc_pop_root(3);
        int64_t fd;
        if (!r) {
            return VAL_NULL;
        }
        if (!int_check(r)) {
            return exc_raise(exc_TypeError, "expected integer from opener");
        }
        if (!int_to_i64(r, &fd)) {
            return VAL_NULL;
        }
        if (fd < 0) {
            return exc_raise(exc_ValueError, "opener returned %lld", (long long)fd);
        }
        if (fstat((int)fd, &st) != 0) {
            st.st_mode = 0;
        } else if (S_ISDIR(st.st_mode)) {
            close((int)fd);
            return exc_raise_oserror(EISDIR, name, VAL_NULL);
        }
        cmode[0] = base == 'x' ? 'w' : base;    // fdopen never truncates: the opener did
        cmode[1] = plus ? '+' : 0;
        cmode[2] = 0;
        fp = fdopen((int)fd, cmode);
        if (!fp) {
            int err = errno;
            close((int)fd);
            return exc_raise_oserror(err, VAL_NULL, VAL_NULL);
        }
    } else {
        if (a[6] && obj_truthy(a[6]) == 0) {
            return exc_raise(exc_ValueError, "Cannot use closefd=False with file name");
        }
        fp = fopen(AS_STR(name)->data, cmode);
        if (!fp) {
            return exc_raise_oserror(errno, name, VAL_NULL);
        }
        if (fstat(fileno(fp), &st) != 0) {
            st.st_mode = 0;
        } else if (S_ISDIR(st.st_mode)) {
            fclose(fp);
            return exc_raise_oserror(EISDIR, name, VAL_NULL);
        }
    }
    if (buffering == 0) {
        setvbuf(fp, NULL, _IONBF, 0);
    } else if (buffering == 1 && !binary) {
        setvbuf(fp, NULL, _IOLBF, 0);
    }
    // A regular file gets its buffer here, of the size glibc would choose
    // (st_blksize): glibc would otherwise fstat the file again at the first
    // read or write to learn it (CPython: 1 fstat per open, 2 for read()).
    char *iobuf = NULL;
    if (buffering != 0 && !(buffering == 1 && !binary) && S_ISREG(st.st_mode)) {
        size_t size = st.st_blksize > 1 && st.st_blksize <= (1 << 20) ? (size_t)st.st_blksize : 8192;
        iobuf = malloc(size);
        if (iobuf && setvbuf(fp, iobuf, _IOFBF, size) != 0) {
            free(iobuf);
            iobuf = NULL;
        }
    }
    ObjFile *f = file_alloc(fp, name, mode, binary);
    f->iobuf = iobuf;
    f->owned = owned;
    f->readable = base == 'r' || plus;
    f->writable = base != 'r' || plus;
    f->append = base == 'a';
    f->newline = nl;
    strcpy(f->encoding, encoding);
    strcpy(f->errors, errors);
    f->utf8 = is_utf8_name(encoding);
    return OBJ_VAL(f);
}

// ---- checks and errors

static Value unsupported(const char *msg) {
    ObjClass *c = io_unsupported_class();
    return c ? exc_raise(c, "%s", msg) : VAL_NULL;
}

static bool file_open_check(Value self) {
    if (AS_FILE(self)->closed) {
        exc_raise(exc_ValueError, "I/O operation on closed file.");
        return false;
    }
    return true;
}

// asyncio debug mode: a read of a pipe, tty or socket (not of a regular
// file) inside a running task may block the loop: reported by the hook.
static void report_blocking_read(ObjFile *f) {
    struct stat st;
    if (fstat(fileno(f->fp), &st) != 0) {
        return;
    }
    const char *what = S_ISFIFO(st.st_mode)   ? "read() of a pipe"
                       : S_ISSOCK(st.st_mode) ? "read() of a socket"
                       : S_ISCHR(st.st_mode) && isatty(fileno(f->fp)) ? "read() of a tty"
                                                                      : NULL;
    if (what) {
        ST->aio_blocking_hook(what, VAL_NULL, "use await asyncio.to_thread() or loop.connect_read_pipe()");
    }
}

static bool can_read(ObjFile *f) {
    if (f->closed) {
        exc_raise(exc_ValueError, "I/O operation on closed file.");
        return false;
    }
    if (!f->readable) {
        unsupported(f->binary ? "read" : "not readable");
        return false;
    }
    if (f->last_op == OP_WRITE) {
        fflush(f->fp);
    }
    f->last_op = OP_READ;
    if (__builtin_expect(ST->aio_debug_running, 0)) {
        report_blocking_read(f);
    }
    return true;
}

static bool can_write(ObjFile *f) {
    if (f->closed) {
        exc_raise(exc_ValueError, "I/O operation on closed file.");
        return false;
    }
    if (!f->writable) {
        unsupported(f->binary ? "write" : "not writable");
        return false;
    }
    if (f->plen > f->ppos) {
        // read-ahead not consumed: the stream's position goes back to it
        fseek(f->fp, -(long)(f->plen - f->ppos), SEEK_CUR);
    }
    f->plen = f->ppos = 0;
    if (f->last_op == OP_READ) {
        fseek(f->fp, 0, SEEK_CUR);
    }
    f->last_op = OP_WRITE;
    return true;
}

// ---- the pending buffer and raw reads

static void pend_put(ObjFile *f, const char *p, size_t n) {
    if (f->ppos > 0) {
        memmove(f->pend, f->pend + f->ppos, f->plen - f->ppos);
        f->plen -= f->ppos;
        f->ppos = 0;
    }
    if (f->plen + n > f->pcap) {
        size_t cap = (f->plen + n) * 2 + 64;
        f->pend = mem_realloc(f->pend, f->pcap, cap);
        f->pcap = cap;
    }
    // new bytes go in front of what is pending (they came first)
    memmove(f->pend + n, f->pend, f->plen);
    memcpy(f->pend, p, n);
    f->plen += n;
}

// utf-16/32 text: the whole rest of the stream, decoded, becomes the
// pending buffer (UTF-8); false on a decoding error.
static bool load_whole(ObjFile *f) {
    if (f->whole) {
        return true;
    }
    SBuf raw;
    sb_init(&raw);
    char buf[8192];
    size_t k;
    while (gthread_wait_file(f->fp) && (k = fread(buf, 1, sizeof buf, f->fp)) > 0) {
        sb_add(&raw, buf, k);
    }
    Value s = codec_decode((const unsigned char *)(raw.data ? raw.data : ""), raw.len, f->encoding, f->errors);
    sb_free(&raw);
    if (!s) {
        return false;
    }
    pend_put(f, AS_STR(s)->data, AS_STR(s)->len);
    f->whole = true;
    return true;
}

// Takes up to [n] pending bytes (all when n < 0) into [b].
static void take_pending(ObjFile *f, SBuf *b, int64_t n) {
    size_t avail = f->plen - f->ppos;
    size_t k = n < 0 || (size_t)n > avail ? avail : (size_t)n;
    sb_add(b, f->pend + f->ppos, k);
    f->ppos += k;
    if (f->ppos == f->plen) {
        f->ppos = f->plen = 0;
    }
}

// One raw line (bytes up to and including [delim]) from pending then the
// stream, into [b]; false at EOF with nothing read.
static bool raw_line(ObjFile *f, SBuf *b, int delim) {
    size_t avail = f->plen - f->ppos;
    if (avail) {
        const char *p = memchr(f->pend + f->ppos, delim, avail);
        if (p) {
            take_pending(f, b, (int64_t)(p - (f->pend + f->ppos)) + 1);
            return true;
        }
        take_pending(f, b, -1);
    }
    if (f->whole) {
        return b->len > 0;
    }
    if (!gthread_wait_file(f->fp)) {
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&line, &cap, delim, f->fp);
    if (n > 0) {
        sb_add(b, line, (size_t)n);
    }
    free(line);
    return b->len > 0;
}

// ---- text decoding and newlines

// Bytes of text (in the file's encoding) to a str, with the read side of
// newline translation (universal mode: \r\n and \r become \n).
static Value decode_text(ObjFile *f, const char *p, size_t n) {
    Value s;
    if (f->utf8 || f->whole) {
        s = codec_decode((const unsigned char *)p, n, "utf-8", f->whole ? "surrogatepass" : f->errors);
    } else {
        s = codec_decode((const unsigned char *)p, n, f->encoding, f->errors);
    }
    if (!s || f->newline != NL_UNIVERSAL || !memchr(AS_STR(s)->data, '\r', AS_STR(s)->len)) {
        return s;
    }
    ObjStr *str = AS_STR(s);
    SBuf b;
    sb_init(&b);
    for (size_t i = 0; i < str->len; i++) {
        if (str->data[i] == '\r') {
            sb_addc(&b, '\n');
            if (i + 1 < str->len && str->data[i + 1] == '\n') {
                i++;
            }
        } else {
            sb_addc(&b, str->data[i]);
        }
    }
    return sb_finish(&b);
}

// One line of text as bytes in the file's encoding, ending as the newline
// mode says (a '\r' ending in universal or untranslated mode may need the
// next byte: a '\n' after it belongs to the line).
static bool text_line(ObjFile *f, SBuf *b) {
    if (f->whole || !f->utf8) {
        if (is_wide_name(f->encoding) && !load_whole(f)) {
            return false;
        }
    }
    int delim = f->newline == NL_CR ? '\r' : '\n';
    bool got = raw_line(f, b, delim);
    if (!got) {
        return false;
    }
    if (f->newline == NL_UNIVERSAL || f->newline == NL_UNTRANSLATED) {
        // a lone '\r' ends the line before a '\n' would
        char *cr = memchr(b->data, '\r', b->len);
        if (cr) {
            size_t end = (size_t)(cr - b->data) + 1;
            if (end < b->len && b->data[end] == '\n') {
                end++;
            } else if (end == b->len) {
                // '\r' last: the next byte may be its '\n'
                SBuf next;
                sb_init(&next);
                if (raw_line(f, &next, '\n')) {
                    if (next.data[0] == '\n') {
                        sb_addc(b, '\n');
                        pend_put(f, next.data + 1, next.len - 1);
                    } else {
                        pend_put(f, next.data, next.len);
                    }
                }
                sb_free(&next);
                end = b->len;
            }
            if (end < b->len) {
                pend_put(f, b->data + end, b->len - end);
                b->len = end;
            }
        }
    } else if (f->newline == NL_CRLF) {
        while (!(b->len >= 2 && b->data[b->len - 2] == '\r' && b->data[b->len - 1] == '\n')) {
            size_t before = b->len;
            if (!raw_line(f, b, '\n') || b->len == before) {
                break;
            }
        }
    }
    return true;
}

static Value read_line(ObjFile *f, int64_t limit) {
    if (!f->binary && f->utf8 && !f->whole && f->plen == f->ppos && limit < 0 &&
        (f->newline == NL_UNIVERSAL || f->newline == NL_LF)) {
        // the common line: one getline into the file's buffer, no '\r' to
        // translate, decoded straight into the str
        if (!gthread_wait_file(f->fp)) {
            return VAL_NULL;
        }
        ssize_t n = getline(&f->lbuf, &f->lcap, f->fp);
        if (n <= 0) {
            return str_new("", 0);
        }
        if (f->newline == NL_LF || !memchr(f->lbuf, '\r', (size_t)n)) {
            return codec_decode((const unsigned char *)f->lbuf, (size_t)n, "utf-8", f->errors);
        }
        pend_put(f, f->lbuf, (size_t)n);    // a '\r' inside: the general path
    }
    SBuf b;
    sb_init(&b);
    if (f->binary) {
        if (!raw_line(f, &b, '\n') && exc_pending()) {
            sb_free(&b);
            return VAL_NULL;
        }
    } else if (!text_line(f, &b)) {
        if (b.failed || exc_pending()) {
            sb_free(&b);
            return VAL_NULL;
        }
    }
    Value r;
    if (f->binary) {
        if (limit >= 0 && b.len > (size_t)limit) {
            pend_put(f, b.data + limit, b.len - (size_t)limit);
            b.len = (size_t)limit;
        }
        r = bytes_try_new(b.data ? b.data : "", b.len);
    } else {
        r = decode_text(f, b.data ? b.data : "", b.len);
        if (r && limit >= 0 && AS_STR(r)->cplen > (size_t)limit) {
            // keep the first [limit] characters; the rest goes back (as UTF-8
            // bytes when the file's text is UTF-8, else the line is cut)
            ObjStr *s = AS_STR(r);
            size_t i = 0;
            for (int64_t k = 0; k < limit; k++) {
                utf8_decode(s->data, s->len, &i);
            }
            if (f->utf8 && f->newline != NL_UNIVERSAL) {
                pend_put(f, s->data + i, s->len - i);
            } else if (f->utf8) {
                pend_put(f, b.data + i, b.len - i);
            }
            r = str_new(s->data, i);
        }
    }
    sb_free(&b);
    return r;
}

// ---- methods

static Value m_file_read(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("read", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    ObjFile *f = AS_FILE(argv[0]);
    if (!can_read(f)) {
        return VAL_NULL;
    }
    int64_t n = -1;
    if (argc > 1 && !IS_NONE(argv[1]) && !index_value(argv[1], NULL, &n)) {
        return VAL_NULL;
    }
    if (!f->binary && is_wide_name(f->encoding) && !load_whole(f)) {
        return VAL_NULL;
    }
    SBuf b;
    sb_init(&b);
    char buf[8192];
    if (n < 0) {
        take_pending(f, &b, -1);
        struct stat st;
        long pos = ftell(f->fp);
        if (pos >= 0 && fstat(fileno(f->fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > pos) {
            sb_reserve(&b, (size_t)(st.st_size - pos) + 1);     // the rest in one piece
        }
        size_t k;
        while (!f->whole && gthread_wait_file(f->fp) && (k = fread(buf, 1, sizeof buf, f->fp)) > 0) {
            sb_add(&b, buf, k);
            if (k < sizeof buf && feof(f->fp)) {
                break;      // a short count: stdio saw the end (another read would ask the kernel again)
            }
        }
    } else if (f->binary) {
        take_pending(f, &b, n);
        size_t want = (size_t)n - b.len;
        while (want > 0 && gthread_wait_file(f->fp)) {
            size_t k = fread(buf, 1, want < sizeof buf ? want : sizeof buf, f->fp);
            if (k == 0) {
                break;
            }
            sb_add(&b, buf, k);
            want -= k;
        }
    } else {
        // n characters: whole UTF-8 sequences (one byte each in other encodings)
        int64_t chars = 0;
        while (chars < n) {
            int c;
            if (f->plen > f->ppos) {
                c = (unsigned char)f->pend[f->ppos++];
                if (f->ppos == f->plen) {
                    f->ppos = f->plen = 0;
                }
            } else if (f->whole || (c = fgetc(f->fp)) == EOF) {
                break;
            }
            sb_addc(&b, (char)c);
            if (f->utf8 || f->whole) {
                int more = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
                for (int i = 0; i < more; i++) {
                    int d;
                    if (f->plen > f->ppos) {
                        d = (unsigned char)f->pend[f->ppos++];
                    } else if (f->whole || (d = fgetc(f->fp)) == EOF) {
                        break;
                    }
                    sb_addc(&b, (char)d);
                }
            }
            if (c == '\r' && f->newline == NL_UNIVERSAL) {
                // \r\n reads as one character
                int d = f->plen > f->ppos ? (unsigned char)f->pend[f->ppos] : f->whole ? EOF : fgetc(f->fp);
                if (d == '\n') {
                    if (f->plen > f->ppos) {
                        f->ppos++;
                    }
                    sb_addc(&b, '\n');
                } else if (d != EOF && !(f->plen > f->ppos)) {
                    char ch = (char)d;
                    pend_put(f, &ch, 1);
                }
            }
            chars++;
        }
    }
    if (b.failed) {
        sb_free(&b);
        return VAL_NULL;
    }
    Value r = f->binary ? bytes_try_new(b.data ? b.data : "", b.len) : decode_text(f, b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
}

static Value m_file_readline(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("readline", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    int64_t limit = -1;
    if (argc > 1 && !IS_NONE(argv[1]) && !index_value(argv[1], NULL, &limit)) {
        return VAL_NULL;
    }
    return can_read(AS_FILE(argv[0])) ? read_line(AS_FILE(argv[0]), limit) : VAL_NULL;
}

static Value m_file_readlines(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("readlines", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    int64_t hint = -1;
    if (argc > 1 && !IS_NONE(argv[1]) && !index_value(argv[1], NULL, &hint)) {
        return VAL_NULL;
    }
    ObjFile *f = AS_FILE(argv[0]);
    if (!can_read(f)) {
        return VAL_NULL;
    }
    Value l = list_new(0);
    gc_push_root(l);
    int64_t total = 0;
    for (;;) {
        Value s = read_line(f, -1);
        if (!s) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        int64_t n = obj_length(s);
        if (n == 0) {
            break;
        }
        list_append(AS_LIST(l), s);
        total += n;
        if (hint > 0 && total >= hint) {
            break;
        }
    }
    gc_pop_root(1);
    return l;
}

static Value m_file_readinto(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("readinto", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjFile *f = AS_FILE(argv[0]);
    if (!f->binary) {
        return exc_raise(exc_AttributeError, "'TextIOWrapper' object has no attribute 'readinto'");
    }
    BufView b;
    if (!can_read(f) || !buffer_need(argv[1], &b)) {
        return VAL_NULL;
    }
    if (b.readonly) {
        return exc_raise(exc_TypeError, "readinto() argument must be read-write bytes-like object, not %s",
                         val_type_name(argv[1]));
    }
    SBuf got;
    sb_init(&got);
    take_pending(f, &got, (int64_t)b.len);
    memcpy(b.ptr, got.data ? got.data : "", got.len);
    size_t n = got.len;
    sb_free(&got);
    if (n < b.len && gthread_wait_file(f->fp)) {
        n += fread(b.ptr + n, 1, b.len - n, f->fp);
    }
    return MK_SMALL((int64_t)n);
}

// Text to write, newline-translated and encoded: a new bytes in [out].
static bool encode_text(ObjFile *f, Value s, Value *out) {
    ObjStr *str = AS_STR(s);
    Value src = s;
    const char *to = f->newline == NL_CR ? "\r" : f->newline == NL_CRLF ? "\r\n" : NULL;
    if (to && memchr(str->data, '\n', str->len)) {
        SBuf b;
        sb_init(&b);
        for (size_t i = 0; i < str->len; i++) {
            if (str->data[i] == '\n') {
                sb_add(&b, to, strlen(to));
            } else {
                sb_addc(&b, str->data[i]);
            }
        }
        src = sb_finish(&b);
        if (!src) {
            return false;
        }
    }
    gc_push_root(src);
    if (f->utf8 && !strcmp(f->errors, "strict")) {
        *out = str_encodable(AS_STR(src)->data, AS_STR(src)->len) ? src : VAL_NULL;
    } else {
        *out = codec_encode(src, f->encoding, f->errors);
    }
    gc_pop_root(1);
    return *out != VAL_NULL;
}

static Value m_file_write(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("write", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjFile *f = AS_FILE(argv[0]);
    if (f->closed) {
        return exc_raise(exc_ValueError, "I/O operation on closed file.");
    }
    if (f->binary) {
        BufView b = {0};
        if (!buffer_need(argv[1], &b) || !can_write(f)) {
            return VAL_NULL;
        }
        size_t n = fwrite(b.ptr, 1, b.len, f->fp);
        if (n < b.len && ferror(f->fp)) {
            clearerr(f->fp);
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
        return int_from_i64((int64_t)b.len);
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "write() argument must be str, not %s",
                         IS_NONE(argv[1]) ? "None" : val_type_name(argv[1]));
    }
    if (!can_write(f)) {
        return VAL_NULL;
    }
    Value data;
    if (!encode_text(f, argv[1], &data)) {
        return VAL_NULL;
    }
    const char *p = IS_STR(data) ? AS_STR(data)->data : (const char *)AS_BYTES(data)->data;
    size_t len = IS_STR(data) ? AS_STR(data)->len : AS_BYTES(data)->len;
    if (f->fp == stderr && stdout_unbuffered()) {
        fflush(stdout);     // what was printed before comes first, as unbuffered CPython's does
    }
    if (len && fwrite(p, 1, len, f->fp) < len && ferror(f->fp)) {
        clearerr(f->fp);
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    if (f->fp == stderr) {
        fflush(stderr);
    }
    return int_from_i64((int64_t)AS_STR(argv[1])->cplen);
}

static Value m_file_writelines(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("writelines", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[1]);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    Value v;
    int r;
    while ((r = obj_next(it, &v)) == 1) {
        Value args[2] = {argv[0], v};
        if (!m_file_write(2, args, NULL)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return r == 0 ? VAL_NONE : VAL_NULL;
}

static Value m_file_flush(int argc, Value *argv, ObjDict *kw) {
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    FILE *fp = AS_FILE(argv[0])->fp;
    if (fflush(fp) != 0) {
        int e = errno;
        clearerr(fp);
        return exc_raise_oserror(e, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value m_file_close(int argc, Value *argv, ObjDict *kw) {
    ObjFile *f = AS_FILE(argv[0]);
    if (!f->closed) {
        f->closed = true;
        int rc = f->owned ? fclose(f->fp) : fflush(f->fp);
        pend_free(f);
        if (rc != 0 && f->owned) {
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
    }
    return VAL_NONE;
}

static int64_t position(ObjFile *f) {
    long p = ftell(f->fp);
    return p < 0 ? -1 : (int64_t)p - (int64_t)(f->plen - f->ppos);
}

static Value m_file_tell(int argc, Value *argv, ObjDict *kw) {
    ObjFile *f = AS_FILE(argv[0]);
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    if (f->whole) {
        return unsupported("telling position disabled by next() call");
    }
    int64_t p = position(f);
    if (p < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return int_from_i64(p);
}

static Value m_file_seek(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("seek", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    ObjFile *f = AS_FILE(argv[0]);
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    int64_t off, whence = 0;
    if (!index_value(argv[1], NULL, &off) || (argc > 2 && !index_value(argv[2], NULL, &whence))) {
        return VAL_NULL;
    }
    if (whence < 0 || whence > 2) {
        return exc_raise(exc_ValueError, "invalid whence (%lld, should be 0, 1 or 2)", (long long)whence);
    }
    if (!f->binary) {
        if (whence == 1 && off != 0) {
            return unsupported("can't do nonzero cur-relative seeks");
        }
        if (whence == 2 && off != 0) {
            return unsupported("can't do nonzero end-relative seeks");
        }
        if (whence == 0 && off < 0) {
            return exc_raise(exc_ValueError, "negative seek position %lld", (long long)off);
        }
    }
    if (whence == 1) {
        off -= (int64_t)(f->plen - f->ppos);
    }
    f->plen = f->ppos = 0;
    f->whole = false;
    if (fseek(f->fp, (long)off, (int)whence) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    f->last_op = OP_NONE;
    return int_from_i64(position(f));
}

static Value m_file_truncate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("truncate", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    ObjFile *f = AS_FILE(argv[0]);
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    if (!f->writable) {
        return unsupported(f->binary ? "File not open for writing" : "not writable");
    }
    fflush(f->fp);
    int64_t size = position(f);
    if (argc > 1 && !IS_NONE(argv[1]) && !index_value(argv[1], NULL, &size)) {
        return VAL_NULL;
    }
    if (size < 0 || ftruncate(fileno(f->fp), (off_t)size) != 0) {
        return exc_raise_oserror(size < 0 ? EINVAL : errno, VAL_NULL, VAL_NULL);
    }
    return int_from_i64(size);
}

static Value m_file_fileno(int argc, Value *argv, ObjDict *kw) {
    if (AS_FILE(argv[0])->closed) {
        return exc_raise(exc_ValueError, "I/O operation on closed file");    // FileIO's words
    }
    return MK_SMALL(fileno(AS_FILE(argv[0])->fp));
}

static Value m_file_isatty(int argc, Value *argv, ObjDict *kw) {
    return file_open_check(argv[0]) ? VAL_BOOL(isatty(fileno(AS_FILE(argv[0])->fp))) : VAL_NULL;
}

static Value m_file_readable(int argc, Value *argv, ObjDict *kw) {
    return file_open_check(argv[0]) ? VAL_BOOL(AS_FILE(argv[0])->readable) : VAL_NULL;
}

static Value m_file_writable(int argc, Value *argv, ObjDict *kw) {
    return file_open_check(argv[0]) ? VAL_BOOL(AS_FILE(argv[0])->writable) : VAL_NULL;
}

static Value m_file_seekable(int argc, Value *argv, ObjDict *kw) {
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    return VAL_BOOL(lseek(fileno(AS_FILE(argv[0])->fp), 0, SEEK_CUR) >= 0);
}

static Value m_file_enter(int argc, Value *argv, ObjDict *kw) {
    return file_open_check(argv[0]) ? argv[0] : VAL_NULL;
}

static Value m_file_exit(int argc, Value *argv, ObjDict *kw) {
    return m_file_close(1, argv, NULL) ? VAL_NONE : VAL_NULL;
}

static Value file_iter(Value self) {
    return file_open_check(self) ? self : VAL_NULL;
}

static int file_next(Value self, Value *out) {
    ObjFile *f = AS_FILE(self);
    if (!can_read(f)) {
        return -1;
    }
    Value s = read_line(f, -1);
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
        const char *kind = strchr(m, '+') ? "BufferedRandom" : m[0] == 'r' ? "BufferedReader" : "BufferedWriter";
        return str_printf("<_io.%s name=%s>", kind, AS_STR(n)->data);
    }
    return str_printf("<_io.TextIOWrapper name=%s mode='%s' encoding='%s'>", AS_STR(n)->data, AS_STR(f->mode)->data,
                      f->encoding);
}

// A file's fields: getters in the class dict (no getattr hook, so that
// f.write and sys.stdout.write loads take the VM's cached method path).
// The text-only ones are absent from binary files, as CPython's.
#define FILE_SELF AS_FILE(argv[0])

static Value fg_closed(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(FILE_SELF->closed);
}

static Value fg_name(int argc, Value *argv, ObjDict *kw) {
    return FILE_SELF->name;
}

static Value fg_mode(int argc, Value *argv, ObjDict *kw) {
    return FILE_SELF->mode;
}

// NULL with AttributeError for [what] when the file is binary.
static ObjFile *text_file(Value self, const char *what) {
    ObjFile *f = AS_FILE(self);
    if (f->binary) {
        exc_raise(exc_AttributeError, "'%s' object has no attribute '%s'", val_type_name(self), what);
        return NULL;
    }
    return f;
}

static Value fg_encoding(int argc, Value *argv, ObjDict *kw) {
    ObjFile *f = text_file(argv[0], "encoding");
    return f ? str_from_c(f->encoding) : VAL_NULL;
}

static Value fg_errors(int argc, Value *argv, ObjDict *kw) {
    ObjFile *f = text_file(argv[0], "errors");
    return f ? str_from_c(f->errors) : VAL_NULL;
}

static Value fg_newlines(int argc, Value *argv, ObjDict *kw) {
    return text_file(argv[0], "newlines") ? VAL_NONE : VAL_NULL;
}

static Value fg_line_buffering(int argc, Value *argv, ObjDict *kw) {
    ObjFile *f = text_file(argv[0], "line_buffering");
    return f ? VAL_BOOL(f->line_buf || (f->fp == stdout && isatty(fileno(stdout)))) : VAL_NULL;
}

bool file_writes_utf8(Value v) {
    if (!v || !IS_A(v, cls_file)) {
        return true;
    }
    ObjFile *f = AS_FILE(v);
    return f->binary || (f->utf8 && f->newline != NL_CR && f->newline != NL_CRLF);
}

// reconfigure(*, encoding, errors, newline, line_buffering, write_through),
// as TextIOWrapper's: sys.stdout.reconfigure(encoding='utf-8') in scripts.
static Value m_file_reconfigure(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"encoding", "errors", "newline", "line_buffering",
                                          "write_through", NULL};
    ObjFile *f = text_file(argv[0], "reconfigure");
    if (!f) {
        return VAL_NULL;
    }
    if (argc > 1) {
        return exc_raise(exc_TypeError, "reconfigure() takes no positional arguments");
    }
    if (!kw_only("reconfigure", kw, allowed)) {
        return VAL_NULL;
    }
    Value venc = kw_get(kw, "encoding"), verr = kw_get(kw, "errors"), vnl = kw_get(kw, "newline");
    const char *const names[] = {"encoding", "errors", "newline"};
    Value vals[] = {venc, verr, vnl};
    for (int i = 0; i < 3; i++) {
        if (vals[i] && !IS_NONE(vals[i]) && !IS_STR(vals[i])) {
            return exc_raise(exc_TypeError, "reconfigure() argument '%s' must be str or None, not %s",
                             names[i], val_type_name(vals[i]));
        }
    }
    bool set_enc = venc && !IS_NONE(venc);
    uint8_t nl = f->newline;
    if (vnl) {
        const char *n = IS_NONE(vnl) ? NULL : AS_STR(vnl)->data;
        nl = !n ? NL_UNIVERSAL : !strcmp(n, "") ? NL_UNTRANSLATED : !strcmp(n, "\n") ? NL_LF
           : !strcmp(n, "\r") ? NL_CR : !strcmp(n, "\r\n") ? NL_CRLF : 255;
        if (nl == 255) {
            return exc_raise(exc_ValueError, "illegal newline value: %s", n);
        }
    }
    if (set_enc) {
        const char *e = AS_STR(venc)->data;
        if (strlen(e) >= sizeof f->encoding) {
            return exc_raise(exc_LookupError, "unknown encoding: %s", e);
        }
        if (!codec_decode((const unsigned char *)"", 0, e, "strict")) {    // LookupError
            return VAL_NULL;
        }
    }
    if ((set_enc || vnl || (verr && !IS_NONE(verr))) && f->readable && f->last_op == OP_READ) {
        return unsupported("It is not possible to set the encoding or newline of stream after the first read");
    }
    if (!file_open_check(argv[0])) {
        return VAL_NULL;
    }
    fflush(f->fp);
    if (set_enc) {
        snprintf(f->encoding, sizeof f->encoding, "%s", AS_STR(venc)->data);
        f->utf8 = is_utf8_name(f->encoding);
        snprintf(f->errors, sizeof f->errors, "%s", "strict");    // as CPython: errors reset
    }
    if (verr && !IS_NONE(verr)) {
        snprintf(f->errors, sizeof f->errors, "%s", AS_STR(verr)->data);
    }
    f->newline = nl;
    Value lb = kw_get(kw, "line_buffering");
    if (lb && !IS_NONE(lb)) {
        int t = obj_truthy(lb);
        if (t < 0) {
            return VAL_NULL;
        }
        f->line_buf = t;
        if (t) {
            setvbuf(f->fp, NULL, _IOLBF, BUFSIZ);    // after the flush above: glibc allows it
        }
    }
    return VAL_NONE;
}

static Value fg_buffer(int argc, Value *argv, ObjDict *kw) {
    ObjFile *f = text_file(argv[0], "buffer");
    if (f && !f->buffer) {
        const char *m = AS_STR(f->mode)->data;
        char bm[8];
        snprintf(bm, sizeof bm, "%cb%s", m[0], strchr(m, '+') ? "+" : "");
        Value b = OBJ_VAL(file_alloc(f->fp, f->name, str_from_c(bm), true));
        AS_FILE(b)->readable = f->readable;
        AS_FILE(b)->writable = f->writable;
        f->buffer = b;
    }
    return f ? f->buffer : VAL_NULL;
}

// file.name is writable, as FileIO's (tempfile names the file its opener made)
static bool file_setattr(Value self, ObjStr *name, Value v) {
    ObjFile *f = AS_FILE(self);
    if (v && !strcmp(name->data, "name")) {
        f->name = v;
        if (f->buffer) {
            AS_FILE(f->buffer)->name = v;
        }
        return true;
    }
    return generic_setattr(self, name, v);
}

static const MethodDef file_fields[] = {
    {"closed", fg_closed},
    {"name", fg_name},
    {"mode", fg_mode},
    {"encoding", fg_encoding},
    {"errors", fg_errors},
    {"newlines", fg_newlines},
    {"line_buffering", fg_line_buffering},
    {"buffer", fg_buffer},
    {NULL, NULL},
};

static const MethodDef file_methods[] = {
    {"read", m_file_read},
    {"readline", m_file_readline},
    {"readlines", m_file_readlines},
    {"readinto", m_file_readinto},
    {"write", m_file_write},
    {"writelines", m_file_writelines},
    {"flush", m_file_flush},
    {"reconfigure", m_file_reconfigure, true},
    {"close", m_file_close},
    {"seek", m_file_seek},
    {"tell", m_file_tell},
    {"truncate", m_file_truncate},
    {"fileno", m_file_fileno},
    {"isatty", m_file_isatty},
    {"readable", m_file_readable},
    {"writable", m_file_writable},
    {"seekable", m_file_seekable},
    {"__enter__", m_file_enter},
    {"__exit__", m_file_exit},
    {NULL, NULL},
};

static void mark_io(void) {
    gc_mark_value(ST->io_unsupported);
}

ObjClass *io_unsupported_class(void) {
    if (!ST->io_unsupported) {
        gc_add_root_marker(mark_io);
        ObjTuple *bases = AS_TUPLE(tuple_pack(2, OBJ_VAL(exc_OSError), OBJ_VAL(exc_ValueError)));
        gc_push_root(OBJ_VAL(bases));
        Value ns = dict_new();
        gc_push_root(ns);
        dict_set_str(AS_DICT(ns), str_intern_c("__module__"), str_from_c("io"));
        Value c = class_create(str_intern_c("UnsupportedOperation"), bases, AS_DICT(ns));
        gc_pop_root(2);
        if (!c) {
            return NULL;
        }
        ST->io_unsupported = c;
    }
    return AS_CLASS(ST->io_unsupported);
}

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
    class_add_fields(cls_file, file_fields, NULL);
    cls_file->setattr = file_setattr;
}

// _io: what io.pyish takes from C (UnsupportedOperation, the file class,
// StringIO and BytesIO).
Value mod_io_init(void) {
    ObjClass *u = io_unsupported_class();
    if (!u) {
        return VAL_NULL;
    }
    Value m = module_new("_io");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("UnsupportedOperation"), OBJ_VAL(u));
    dict_set_str(d, str_intern_c("TextIOWrapper"), OBJ_VAL(cls_file));
    io_memory_init();
    dict_set_str(d, str_intern_c("StringIO"), OBJ_VAL(cls_stringio));
    dict_set_str(d, str_intern_c("BytesIO"), OBJ_VAL(cls_bytesio));
    return m;
}
