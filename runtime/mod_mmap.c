// mod_mmap.c: the mmap module: mmap.mmap objects over mmap(2) of a file
// (a dup of its descriptor, as CPython keeps) or anonymous memory (fileno
// -1), with CPython 3.11's Unix API and messages: read/read_byte/readline,
// write/write_byte, find/rfind, seek/tell, size, flush (msync), move,
// resize (ftruncate + mremap), madvise, close/closed, the context manager,
// len, indexing and slicing (ints in, bytes out), slice assignment, and
// the buffer protocol (memoryview, bytes(m), re). A memoryview re-reads the
// map at each access, so closing one that is still viewed is allowed (the
// view then raises) where CPython raises BufferError. Not registered in a
// sandbox.
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "bytes.h"
#include "module.h"
#include "runtime.h"
#include "state.h"

enum { ACCESS_DEFAULT, ACCESS_READ, ACCESS_WRITE, ACCESS_COPY };

typedef struct ObjMmap {
    Obj hdr;
    unsigned char *data;    // NULL once closed
    size_t size;            // bytes mapped
    size_t pos;             // the file position of read/write/seek
    int64_t offset;         // of the map in the file
    int fd;                 // our dup of the file's descriptor; -1: anonymous
    int access;             // ACCESS_*
} ObjMmap;

#define MM(v) ((ObjMmap *)AS_OBJ(v))

static void mm_release(ObjMmap *m) {
    if (m->data) {
        munmap(m->data, m->size ? m->size : 1);
        m->data = NULL;
    }
    if (m->fd >= 0) {
        close(m->fd);
        m->fd = -1;
    }
}

static void mm_finalize(Obj *o) {
    mm_release((ObjMmap *)o);
}

// CPython's CHECK_VALID: the map is open.
static ObjMmap *valid(Value self) {
    ObjMmap *m = MM(self);
    if (!m->data) {
        exc_raise(exc_ValueError, "mmap closed or invalid");
        return NULL;
    }
    return m;
}

static ObjMmap *writable(Value self) {
    ObjMmap *m = valid(self);
    if (m && m->access == ACCESS_READ) {
        exc_raise(exc_TypeError, "mmap can't modify a readonly memory map.");
        return NULL;
    }
    return m;
}

static bool int_arg(Value v, int64_t *out) {
    return index_value(v, NULL, out);
}

// mmap(fileno, length, flags=MAP_SHARED, prot=PROT_WRITE|PROT_READ,
//      access=ACCESS_DEFAULT, offset=0)
static Value mm_new_(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const names[] = {"fileno", "length", "flags", "prot", "access", "offset"};
    Value a[6] = {0};
    if (argc > 6) {
        return exc_raise(exc_TypeError, "function takes at most 6 arguments (%d given)", argc);
    }
    for (int i = 0; i < argc; i++) {
        a[i] = argv[i];
    }
    size_t pos = 0;
    Value k, v;
    while (kw && dict_next(kw, &pos, &k, &v)) {
        int j = -1;
        for (int i = 0; i < 6 && IS_STR(k); i++) {
            if (strcmp(AS_STR(k)->data, names[i]) == 0) {
                j = i;
            }
        }
        if (j < 0) {
            return exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for mmap()",
                             IS_STR(k) ? AS_STR(k)->data : "?");
        }
        if (a[j]) {
            return exc_raise(exc_TypeError, "argument for mmap() given by name ('%s') and position (%d)",
                             names[j], j + 1);
        }
        a[j] = v;
    }
    if (!a[0] || !a[1]) {
        return exc_raise(exc_TypeError, "function missing required argument '%s' (pos %d)",
                         a[0] ? "length" : "fileno", a[0] ? 2 : 1);
    }
    int64_t fd, length, flags = MAP_SHARED, prot = PROT_WRITE | PROT_READ, access = ACCESS_DEFAULT,
                        offset = 0;
    if (!int_arg(a[0], &fd) || !int_arg(a[1], &length) || (a[2] && !int_arg(a[2], &flags)) ||
        (a[3] && !int_arg(a[3], &prot)) || (a[4] && !int_arg(a[4], &access)) ||
        (a[5] && !int_arg(a[5], &offset))) {
        return VAL_NULL;
    }
    if (length < 0) {
        return exc_raise(exc_OverflowError, "memory mapped length must be positive");
    }
    if (offset < 0) {
        return exc_raise(exc_OverflowError, "memory mapped offset must be positive");
    }
    if ((flags != MAP_SHARED || prot != (PROT_WRITE | PROT_READ)) && access != ACCESS_DEFAULT) {
        return exc_raise(exc_ValueError, "mmap can't specify both access and flags, prot.");
    }
    switch (access) {
    case ACCESS_READ:
        flags = MAP_SHARED;
        prot = PROT_READ;
        break;
    case ACCESS_WRITE:
        flags = MAP_SHARED;
        prot = PROT_READ | PROT_WRITE;
        break;
    case ACCESS_COPY:
        flags = MAP_PRIVATE;
        prot = PROT_READ | PROT_WRITE;
        break;
    case ACCESS_DEFAULT:
        if (!((prot & PROT_READ) && (prot & PROT_WRITE))) {
            access = (prot & PROT_WRITE) ? ACCESS_WRITE : ACCESS_READ;
        }
        break;
    default:
        return exc_raise(exc_ValueError, "mmap invalid access parameter.");
    }
    if (fd != -1) {
        struct stat st;
        if (fstat((int)fd, &st) == 0 && S_ISREG(st.st_mode)) {
            if (length == 0) {
                if (st.st_size == 0) {
                    return exc_raise(exc_ValueError, "cannot mmap an empty file");
                }
                if (offset >= st.st_size) {
                    return exc_raise(exc_ValueError, "mmap offset is greater than file size");
                }
                length = st.st_size - offset;
            } else if (offset > st.st_size || st.st_size - offset < length) {
                return exc_raise(exc_ValueError, "mmap length is greater than file size");
            }
        }
    }
    int dfd = -1;
    if (fd == -1) {
        flags |= MAP_ANONYMOUS;
    } else {
        dfd = dup((int)fd);
        if (dfd < 0) {
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
    }
    void *p = mmap(NULL, (size_t)length, (int)prot, (int)flags, dfd, (off_t)offset);
    if (p == MAP_FAILED) {
        int e = errno;
        if (dfd >= 0) {
            close(dfd);
        }
        return exc_raise_oserror(e, VAL_NULL, VAL_NULL);
    }
    ObjMmap *m = (ObjMmap *)obj_alloc(cls, sizeof(ObjMmap));
    m->data = p;
    m->size = (size_t)length;
    m->pos = 0;
    m->offset = offset;
    m->fd = dfd;
    m->access = (int)access;
    return OBJ_VAL(m);
}

static Value mm_repr(Value self) {
    ObjMmap *m = MM(self);
    if (!m->data) {
        return str_from_c("<mmap.mmap closed=True>");
    }
    static const char *const acc[] = {"ACCESS_DEFAULT", "ACCESS_READ", "ACCESS_WRITE", "ACCESS_COPY"};
    char buf[200];
    snprintf(buf, sizeof buf, "<mmap.mmap closed=False, access=%s, length=%zu, pos=%zu, offset=%lld>",
             acc[m->access], m->size, m->pos, (long long)m->offset);
    return str_from_c(buf);
}

static int64_t mm_len(Value self) {
    ObjMmap *m = valid(self);
    return m ? (int64_t)m->size : -1;
}

static int mm_getbuffer(Value self, BufView *out) {
    ObjMmap *m = valid(self);
    if (!m) {
        return -1;
    }
    out->ptr = m->data;
    out->len = m->size;
    out->readonly = m->access == ACCESS_READ;
    out->format = 'B';
    out->itemsize = 1;
    return 1;
}

static Value mm_getitem(Value self, Value key) {
    ObjMmap *m = valid(self);
    if (!m) {
        return VAL_NULL;
    }
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)m->size, &start, &stop, &step, &n)) {
            return VAL_NULL;
        }
        if (step == 1) {
            return bytes_try_new(m->data + start, (size_t)n);
        }
        Value r = bytes_try_new(NULL, (size_t)n);
        if (!r) {
            return VAL_NULL;
        }
        for (int64_t i = 0; i < n; i++) {
            AS_BYTES(r)->data[i] = m->data[start + i * step];
        }
        return r;
    }
    int64_t i;
    if (!index_value(key, NULL, &i)) {
        if (EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            exc_raise(exc_TypeError, "mmap indices must be integers");
        }
        return VAL_NULL;
    }
    if (i < 0) {
        i += (int64_t)m->size;
    }
    if (i < 0 || i >= (int64_t)m->size) {
        return exc_raise(exc_IndexError, "mmap index out of range");
    }
    return MK_SMALL(m->data[i]);
}

static bool mm_setitem(Value self, Value key, Value v) {
    ObjMmap *m = valid(self);
    if (!m) {
        return false;
    }
    if (!v) {
        exc_raise(exc_TypeError, IS_SLICE(key) ? "mmap object doesn't support slice deletion"
                                               : "mmap doesn't support item deletion");
        return false;
    }
    if (!writable(self)) {
        return false;
    }
    if (IS_SLICE(key)) {
        int64_t start, stop, step, n;
        if (!slice_indices((ObjSlice *)AS_OBJ(key), (int64_t)m->size, &start, &stop, &step, &n)) {
            return false;
        }
        BufView b;
        if (!buffer_need(v, &b)) {
            return false;
        }
        if ((int64_t)b.len != n) {
            exc_raise(exc_IndexError, "mmap slice assignment is wrong size");
            return false;
        }
        for (int64_t i = 0; i < n; i++) {
            m->data[start + i * step] = b.ptr[i];
        }
        return true;
    }
    int64_t i, x;
    if (!index_value(key, NULL, &i)) {
        if (EXC_PENDING_IS(exc_TypeError)) {
            exc_clear();
            exc_raise(exc_TypeError, "mmap indices must be integer");
        }
        return false;
    }
    if (i < 0) {
        i += (int64_t)m->size;
    }
    if (i < 0 || i >= (int64_t)m->size) {
        exc_raise(exc_IndexError, "mmap index out of range");
        return false;
    }
    if (!IS_INT(v) && v != VAL_TRUE && v != VAL_FALSE) {
        exc_raise(exc_TypeError, "mmap item value must be an int");
        return false;
    }
    if (!index_value(v, NULL, &x)) {
        return false;
    }
    if (x < 0 || x > 255) {
        exc_raise(exc_ValueError, "mmap item value must be in range(0, 256)");
        return false;
    }
    m->data[i] = (unsigned char)x;
    return true;
}

// `b in m`: a 1-byte bytes-like equal to one of the map's bytes (iteration
// gives such bytes, as CPython's sequence protocol does).
static int mm_contains(Value self, Value item) {
    ObjMmap *m = valid(self);
    if (!m) {
        return -1;
    }
    if (!IS_BYTES(item) || AS_BYTES(item)->len != 1) {
        return 0;
    }
    return m->size && memchr(m->data, AS_BYTES(item)->data[0], m->size) != NULL;
}

// iter(m): CPython iterates its sequence slots, giving 1-byte bytes; made
// here from a snapshot list of them.
static Value mm_iter(Value self) {
    ObjMmap *m = valid(self);
    if (!m) {
        return VAL_NULL;
    }
    Value l = list_new(m->size);
    if (!l) {
        return VAL_NULL;
    }
    for (size_t i = 0; i < m->size; i++) {
        list_append(AS_LIST(l), bytes_new(m->data + i, 1));
    }
    return obj_iter(l);
}

// ---- methods

#define SELF_VALID(m)                  \
    ObjMmap *m = valid(argv[0]);       \
    if (!m) {                          \
        return VAL_NULL;               \
    }

static Value m_close(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("close", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    mm_release(MM(argv[0]));
    return VAL_NONE;
}

static Value m_closed(int argc, Value *argv, ObjDict *kw) {
    (void)argc, (void)kw;
    return VAL_BOOL(MM(argv[0])->data == NULL);
}

static Value m_enter(int argc, Value *argv, ObjDict *kw) {
    (void)argc, (void)kw;
    SELF_VALID(m);
    (void)m;
    return argv[0];
}

static Value m_exit(int argc, Value *argv, ObjDict *kw) {
    (void)argc, (void)kw;
    mm_release(MM(argv[0]));
    return VAL_NONE;
}

// A start/end argument of find: None or absent keeps [dflt]; negative
// counts from the end; clamped to [0, size].
static bool bound_arg(int argc, Value *argv, int i, int64_t size, int64_t dflt, int64_t *out) {
    int64_t v = dflt;
    if (i < argc && !IS_NONE(argv[i])) {
        if (!index_value(argv[i], NULL, &v)) {
            return false;
        }
        if (v < 0) {
            v += size;
            if (v < 0) {
                v = 0;
            }
        }
    }
    *out = v > size ? size : v;
    return true;
}

static Value find_common(const char *name, int argc, Value *argv, bool reverse) {
    if (!arg_count(name, argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    BufView b;
    if (!buffer_need(argv[1], &b)) {
        return VAL_NULL;
    }
    int64_t size = (int64_t)m->size, start, end;
    if (!bound_arg(argc, argv, 2, size, (int64_t)m->pos, &start) ||
        !bound_arg(argc, argv, 3, size, size, &end)) {
        return VAL_NULL;
    }
    int64_t n = (int64_t)b.len;
    if (end - start < n) {
        return MK_SMALL(-1);
    }
    if (!reverse) {
        for (int64_t i = start; i + n <= end; i++) {
            if (memcmp(m->data + i, b.ptr, (size_t)n) == 0) {
                return int_from_i64(i);
            }
        }
    } else {
        for (int64_t i = end - n; i >= start; i--) {
            if (memcmp(m->data + i, b.ptr, (size_t)n) == 0) {
                return int_from_i64(i);
            }
        }
    }
    return MK_SMALL(-1);
}

static Value m_find(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return find_common("find", argc, argv, false);
}

static Value m_rfind(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    return find_common("rfind", argc, argv, true);
}

static Value m_flush(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("flush", argc - 1, 0, 2)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    int64_t offset = 0, size = (int64_t)m->size;
    if ((argc > 1 && !index_value(argv[1], NULL, &offset)) ||
        (argc > 2 && !index_value(argv[2], NULL, &size))) {
        return VAL_NULL;
    }
    if (size < 0 || offset < 0 || (int64_t)m->size - offset < size) {
        return exc_raise(exc_ValueError, "flush values out of range");
    }
    if (m->access == ACCESS_READ || m->access == ACCESS_COPY || size == 0) {
        return VAL_NONE;
    }
    if (msync(m->data + offset, (size_t)size, MS_SYNC) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value m_madvise(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("madvise", argc - 1, 1, 3)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    int64_t option, start = 0, length;
    if (!index_value(argv[1], NULL, &option) || (argc > 2 && !index_value(argv[2], NULL, &start))) {
        return VAL_NULL;
    }
    if (start < 0 || start >= (int64_t)m->size) {
        return exc_raise(exc_ValueError, "madvise start out of bounds");
    }
    length = (int64_t)m->size - start;
    if (argc > 3 && !index_value(argv[3], NULL, &length)) {
        return VAL_NULL;
    }
    if (length < 0) {
        return exc_raise(exc_ValueError, "madvise length invalid");
    }
    if (length > (int64_t)m->size - start) {
        length = (int64_t)m->size - start;
    }
    if (madvise(m->data + start, (size_t)length, (int)option) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value m_move(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (argc - 1 != 3) {
        return exc_raise(exc_TypeError, "move expected 3 arguments, got %d", argc - 1);
    }
    int64_t dest, src, cnt;
    if (!index_value(argv[1], NULL, &dest) || !index_value(argv[2], NULL, &src) ||
        !index_value(argv[3], NULL, &cnt)) {
        return VAL_NULL;
    }
    ObjMmap *m = writable(argv[0]);
    if (!m) {
        return VAL_NULL;
    }
    int64_t size = (int64_t)m->size;
    if (dest < 0 || src < 0 || cnt < 0 || size < src || size - src < cnt || size < dest ||
        size - dest < cnt) {
        return exc_raise(exc_ValueError, "source, destination, or count out of range");
    }
    memmove(m->data + dest, m->data + src, (size_t)cnt);
    return VAL_NONE;
}

static size_t remaining(ObjMmap *m) {
    return m->pos < m->size ? m->size - m->pos : 0;
}

static Value m_read(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("read", argc - 1, 0, 1)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    int64_t n = -1;
    if (argc > 1 && !IS_NONE(argv[1]) && !index_value(argv[1], NULL, &n)) {
        return VAL_NULL;
    }
    size_t left = remaining(m);
    size_t k = n < 0 || (uint64_t)n > left ? left : (size_t)n;
    Value r = bytes_try_new(m->data + m->pos, k);
    if (r) {
        m->pos += k;
    }
    return r;
}

static Value m_read_byte(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("read_byte", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    if (m->pos >= m->size) {
        return exc_raise(exc_ValueError, "read byte out of range");
    }
    return MK_SMALL(m->data[m->pos++]);
}

static Value m_readline(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("readline", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    size_t left = remaining(m);
    unsigned char *nl = left ? memchr(m->data + m->pos, '\n', left) : NULL;
    size_t k = nl ? (size_t)(nl - (m->data + m->pos)) + 1 : left;
    Value r = bytes_try_new(m->data + m->pos, k);
    if (r) {
        m->pos += k;
    }
    return r;
}

static Value m_resize(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("resize", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    int64_t n;
    if (!index_value(argv[1], NULL, &n)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    if (m->access == ACCESS_READ || m->access == ACCESS_COPY) {
        return exc_raise(exc_TypeError, "mmap can't resize a readonly or copy-on-write memory map.");
    }
    if (n < 0 || n > INT64_MAX - m->offset) {
        return exc_raise(exc_ValueError, "new size out of range");
    }
    if (m->fd >= 0 && ftruncate(m->fd, (off_t)(m->offset + n)) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    void *p = mremap(m->data, m->size, (size_t)n, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    m->data = p;
    m->size = (size_t)n;
    return VAL_NONE;
}

static Value m_seek(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("seek", argc - 1, 1, 2)) {
        return VAL_NULL;
    }
    int64_t dist, how = 0;
    if (!index_value(argv[1], NULL, &dist) || (argc > 2 && !index_value(argv[2], NULL, &how))) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    int64_t where;
    switch (how) {
    case 0:
        where = dist;
        break;
    case 1:
        where = (int64_t)m->pos + dist;
        break;
    case 2:
        where = (int64_t)m->size + dist;
        break;
    default:
        return exc_raise(exc_ValueError, "unknown seek type");
    }
    if (where > (int64_t)m->size || where < 0) {
        return exc_raise(exc_ValueError, "seek out of range");
    }
    m->pos = (size_t)where;
    return VAL_NONE;
}

static Value m_size(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("size", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    struct stat st;     // an anonymous map's fd -1 gives EBADF, as in CPython 3.11
    if (fstat(m->fd, &st) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return int_from_i64((int64_t)st.st_size);
}

static Value m_tell(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("tell", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    SELF_VALID(m);
    return int_from_i64((int64_t)m->pos);
}

static Value m_write(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("write", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    BufView b;
    if (!buffer_need(argv[1], &b)) {
        return VAL_NULL;
    }
    ObjMmap *m = writable(argv[0]);
    if (!m) {
        return VAL_NULL;
    }
    if (m->pos > m->size || m->size - m->pos < b.len) {
        return exc_raise(exc_ValueError, "data out of range");
    }
    memmove(m->data + m->pos, b.ptr, b.len);
    m->pos += b.len;
    return int_from_i64((int64_t)b.len);
}

static Value m_write_byte(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("write_byte", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    int64_t x;
    if (!index_value(argv[1], NULL, &x)) {
        return VAL_NULL;
    }
    if (x < 0) {
        return exc_raise(exc_OverflowError, "unsigned byte integer is less than minimum");
    }
    if (x > 255) {
        return exc_raise(exc_OverflowError, "unsigned byte integer is greater than maximum");
    }
    ObjMmap *m = writable(argv[0]);
    if (!m) {
        return VAL_NULL;
    }
    if (m->pos >= m->size) {
        return exc_raise(exc_ValueError, "write byte out of range");
    }
    m->data[m->pos++] = (unsigned char)x;
    return VAL_NONE;
}

static const MethodDef mmap_methods[] = {
    {"close", m_close, false},
    {"__enter__", m_enter, false},
    {"__exit__", m_exit, false},
    {"find", m_find, false},
    {"rfind", m_rfind, false},
    {"flush", m_flush, false},
    {"madvise", m_madvise, false},
    {"move", m_move, false},
    {"read", m_read, false},
    {"read_byte", m_read_byte, false},
    {"readline", m_readline, false},
    {"resize", m_resize, false},
    {"seek", m_seek, false},
    {"size", m_size, false},
    {"tell", m_tell, false},
    {"write", m_write, false},
    {"write_byte", m_write_byte, false},
    {NULL, NULL, false},
};

Value mod_mmap_init(void) {
    if (!ST->cls_mmap) {
        ObjClass *c = class_new_builtin("mmap", NULL, sizeof(ObjMmap), mmap_methods);
        c->module = str_intern_c("mmap");
        c->new_ = mm_new_;
        c->finalize = mm_finalize;
        c->repr = mm_repr;
        c->len = mm_len;
        c->getitem = mm_getitem;
        c->setitem = mm_setitem;
        c->contains = mm_contains;
        c->iter = mm_iter;
        c->getbuffer = mm_getbuffer;
        class_add_getter(c, "closed", m_closed);
        ST->cls_mmap = c;
    }
    Value m = module_new("mmap");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("mmap"), OBJ_VAL(ST->cls_mmap));
    dict_set_str(d, str_intern_c("error"), OBJ_VAL(exc_OSError));
#define C(n) {#n, (long)(n)}
    static const struct {
        const char *name;
        long value;
    } consts[] = {
        C(ACCESS_DEFAULT), C(ACCESS_READ), C(ACCESS_WRITE), C(ACCESS_COPY),
        C(MADV_DODUMP), C(MADV_DOFORK), C(MADV_DONTDUMP), C(MADV_DONTFORK), C(MADV_DONTNEED),
        C(MADV_FREE), C(MADV_HUGEPAGE), C(MADV_HWPOISON), C(MADV_MERGEABLE), C(MADV_NOHUGEPAGE),
        C(MADV_NORMAL), C(MADV_RANDOM), C(MADV_REMOVE), C(MADV_SEQUENTIAL), C(MADV_UNMERGEABLE),
        C(MADV_WILLNEED), C(MAP_ANON), C(MAP_ANONYMOUS), C(MAP_DENYWRITE), C(MAP_EXECUTABLE),
        C(MAP_POPULATE), C(MAP_PRIVATE), C(MAP_SHARED), C(MAP_STACK), C(PROT_EXEC), C(PROT_READ),
        C(PROT_WRITE),
    };
#undef C
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), int_from_i64(consts[i].value));
    }
    long page = sysconf(_SC_PAGESIZE);
    dict_set_str(d, str_intern_c("PAGESIZE"), int_from_i64(page));
    dict_set_str(d, str_intern_c("ALLOCATIONGRANULARITY"), int_from_i64(page));
    return m;
}
