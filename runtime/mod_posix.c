// mod_posix.c: `_posix`, the C core of the os module: thin calls of the
// POSIX functions on paths (str, or objects with __fspath__) and file
// descriptors, raising CPython's OSError subclasses with errno and the
// file names. Results are plain tuples and lists; runtime/lib/posix.pyish
// turns them into stat_result, DirEntry, terminal_size and uname_result,
// and CPython's own os.py, posixpath.py and stat.py (runtime/lib) build
// the os module on top. Not registered in a sandboxed state.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sched.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "runtime.h"
#include "bytes.h"
#include "vmapi.h"
#include "numstr.h"
#include "posix_conf_names.h"
#include "asyncio/asyncio.h"
#include "gthread.h"
#include <sys/random.h>


// The file system path of [v] (str, or __fspath__ giving one); NULL with
// CPython's TypeError. [*keep] is the str to keep rooted meanwhile.
static const char *path_of(Value v, const char *fname, const char *argname, Value *keep) {
    if (!str_check(v) && IS_OBJ(v)) {    // (a str subclass is a str path)
        bool found;
        Value r = call_method_opt(v, str_intern_c("__fspath__"), 0, NULL, &found);
        if (found) {
            if (!r) {
                return NULL;
            }
            v = r;
        }
    }
    if (bytes_check(v)) {
        // a bytes path: its bytes, NUL-terminated in a str we keep
        BufView bv = {0};
        buffer_get(v, &bv);
        if (memchr(bv.ptr, 0, bv.len)) {
            exc_raise(exc_ValueError, "%s: embedded null character in %s", fname, argname);
            return NULL;
        }
        Value s = str_try_new((const char *)bv.ptr, bv.len);
        if (!s) {
            exc_clear();
            exc_raise(exc_ValueError, "%s: %s is not valid UTF-8", fname, argname);
            return NULL;
        }
        *keep = s;
        return AS_STR(s)->data;
    }
    if (!str_check(v)) {
        // CPython's wording names what else the function takes: a file
        // descriptor (allow_fd), None (nullable)
        static const char *const with_fd[] = {"stat", "chdir", "statvfs", "chmod", "chown", "utime",
                                              "truncate", "execve", "pathconf", NULL};
        static const char *const with_fd_none[] = {"listdir", "scandir", NULL};
        const char *also = "bytes or os.PathLike";
        for (int i = 0; with_fd[i]; i++) {
            also = strcmp(fname, with_fd[i]) == 0 ? "bytes, os.PathLike or integer" : also;
        }
        for (int i = 0; with_fd_none[i]; i++) {
            also = strcmp(fname, with_fd_none[i]) == 0 ? "bytes, os.PathLike, integer or None" : also;
        }
        exc_raise(exc_TypeError, "%s: %s should be string, %s, not %s", fname, argname, also,
                  val_type_name(v));
        return NULL;
    }
    if (strlen(AS_STR(v)->data) != AS_STR(v)->len) {
        exc_raise(exc_ValueError, "embedded null byte");    // os.fsencode's message, as CPython's
        return NULL;
    }
    *keep = v;
    return AS_STR(v)->data;
}

static bool int_arg(Value v, int64_t *out) {
    if (IS_SMALL(v)) {
        *out = AS_SMALL(v);
        return true;
    }
    if (IS_A(v, cls_bool)) {
        *out = v == OBJ_VAL(obj_true);
        return true;
    }
    if (!IS_OBJ(v) || !class_is_subclass(val_class(v), cls_int)) {
        exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer", val_type_name(v));
        return false;
    }
    return int_to_i64(v, out);
}

static bool fd_arg(Value v, int *fd) {
    int64_t i;
    if (!int_arg(v, &i)) {
        return false;
    }
    *fd = (int)i;
    return true;
}

// ---- stat
static Value stat_tuple(const struct stat *st) {
    const struct timespec *ts[3] = {&st->st_atim, &st->st_mtim, &st->st_ctim};
    Value t = tuple_new(19);
    ObjTuple *r = AS_TUPLE(t);
    gc_push_root(t);
    r->items[0] = int_from_i64((int64_t)st->st_mode);
    r->items[1] = int_from_i64((int64_t)st->st_ino);
    r->items[2] = int_from_i64((int64_t)st->st_dev);
    r->items[3] = int_from_i64((int64_t)st->st_nlink);
    r->items[4] = int_from_i64((int64_t)st->st_uid);
    r->items[5] = int_from_i64((int64_t)st->st_gid);
    r->items[6] = int_from_i64((int64_t)st->st_size);
    for (int i = 0; i < 3; i++) {
        r->items[7 + i] = int_from_i64((int64_t)ts[i]->tv_sec);
        r->items[10 + i] = float_new((double)ts[i]->tv_sec + ts[i]->tv_nsec * 1e-9);
        r->items[13 + i] = int_from_i64((int64_t)ts[i]->tv_sec * 1000000000 + ts[i]->tv_nsec);
    }
    r->items[16] = int_from_i64((int64_t)st->st_blksize);
    r->items[17] = int_from_i64((int64_t)st->st_blocks);
    r->items[18] = int_from_i64((int64_t)st->st_rdev);
    gc_pop_root(1);
    return t;
}

// _stat(path_or_fd, follow_symlinks) -> 19-tuple, os.stat_result's fields
// in order: st_mode ... st_size, the three times in whole seconds, as
// floats and in nanoseconds, st_blksize, st_blocks, st_rdev
static Value p_stat(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("stat", argc, 1, 2)) {
        return VAL_NULL;
    }
    struct stat st;
    bool follow = argc < 2 || !IS_A(argv[1], cls_bool) || argv[1] == OBJ_VAL(obj_true);
    fflush(NULL);   // unreferenced, unclosed files' data on disk first (see open in builtins_file.c)
    if (IS_SMALL(argv[0])) {
        if (fstat((int)AS_SMALL(argv[0]), &st) != 0) {
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
        return stat_tuple(&st);
    }
    Value keep;
    const char *p = path_of(argv[0], follow ? "stat" : "lstat", "path", &keep);
    if (!p) {
        return VAL_NULL;
    }
    if ((follow ? stat(p, &st) : lstat(p, &st)) != 0) {
        return exc_raise_oserror(errno, argv[0], VAL_NULL);
    }
    return stat_tuple(&st);
}

// _statvfs(path_or_fd) -> 11-tuple: f_bsize ... f_namemax, f_fsid
static Value p_statvfs(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("statvfs", argc, 1, 1)) {
        return VAL_NULL;
    }
    struct statvfs st;
    if (IS_SMALL(argv[0])) {
        if (fstatvfs((int)AS_SMALL(argv[0]), &st) != 0) {
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
    } else {
        Value keep;
        const char *p = path_of(argv[0], "statvfs", "path", &keep);
        if (!p) {
            return VAL_NULL;
        }
        if (statvfs(p, &st) != 0) {
            return exc_raise_oserror(errno, argv[0], VAL_NULL);
        }
    }
    const uint64_t f[11] = {st.f_bsize, st.f_frsize, st.f_blocks, st.f_bfree, st.f_bavail, st.f_files,
                            st.f_ffree, st.f_favail, st.f_flag, st.f_namemax, st.f_fsid};
    Value t = tuple_new(11);
    gc_push_root(t);
    for (int i = 0; i < 11; i++) {
        Value v = int_from_u64(f[i]);
        if (!v) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(t)->items[i] = v;
    }
    gc_pop_root(1);
    return t;
}

// ---- directories
static Value p_listdir(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("listdir", argc, 0, 1)) {
        return VAL_NULL;
    }
    Value keep = VAL_NULL;
    const char *p = argc && !IS_NONE(argv[0]) ? path_of(argv[0], "listdir", "path", &keep) : ".";
    if (!p) {
        return VAL_NULL;
    }
    DIR *d = opendir(p);
    if (!d) {
        return exc_raise_oserror(errno, argc && !IS_NONE(argv[0]) ? argv[0] : str_from_c("."), VAL_NULL);
    }
    Value l = list_new(8);
    gc_push_root(l);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        list_append(AS_LIST(l), str_from_c(e->d_name));
    }
    closedir(d);
    gc_pop_root(1);
    return l;
}

// _scandir(path) -> [(name, d_type, ino), ...]; d_type 0: unknown
static Value p_scandir(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("scandir", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value keep;
    const char *p = path_of(argv[0], "scandir", "path", &keep);
    if (!p) {
        return VAL_NULL;
    }
    DIR *d = opendir(p);
    if (!d) {
        return exc_raise_oserror(errno, argv[0], VAL_NULL);
    }
    Value l = list_new(8);
    gc_push_root(l);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        int kind = e->d_type == DT_DIR ? 1 : e->d_type == DT_REG ? 2 : e->d_type == DT_LNK ? 3
                 : e->d_type == DT_UNKNOWN ? 0 : 4;
        Value name = str_from_c(e->d_name);
        gc_push_root(name);
        Value t = tuple_pack(3, name, MK_SMALL(kind), int_from_i64((int64_t)e->d_ino));
        gc_pop_root(1);
        list_append(AS_LIST(l), t);
    }
    closedir(d);
    gc_pop_root(1);
    return l;
}

// One-path calls returning None: mkdir, rmdir, unlink, chdir, chmod...
static Value path_call(int argc, Value *argv, const char *fname, int nint, int (*fn)(const char *, int64_t)) {
    if (!arg_count(fname, argc, 1, 1 + nint)) {
        return VAL_NULL;
    }
    Value keep;
    const char *p = path_of(argv[0], fname, "path", &keep);
    if (!p) {
        return VAL_NULL;
    }
    int64_t n = -1;
    if (argc > 1 && !int_arg(argv[1], &n)) {
        return VAL_NULL;
    }
    if (fn(p, n) != 0) {
        return exc_raise_oserror(errno, argv[0], VAL_NULL);
    }
    return VAL_NONE;
}

static int do_mkdir(const char *p, int64_t m) {
    return mkdir(p, m < 0 ? 0777 : (mode_t)m);
}
static int do_mkfifo(const char *p, int64_t m) {
    return mkfifo(p, m < 0 ? 0666 : (mode_t)m);
}
static int do_rmdir(const char *p, int64_t m) {
    return rmdir(p);
}
static int do_unlink(const char *p, int64_t m) {
    return unlink(p);
}
static int do_chdir(const char *p, int64_t m) {
    return chdir(p);
}
static int do_chmod(const char *p, int64_t m) {
    return chmod(p, (mode_t)m);
}

static Value p_mkdir(int argc, Value *argv, ObjDict *kw) {
    Value m = kw_get(kw, "mode");
    Value a[2] = {argc ? argv[0] : VAL_NONE, argc > 1 ? argv[1] : m ? m : MK_SMALL(0777)};
    return path_call(argc ? 2 : 0, a, "mkdir", 1, do_mkdir);
}
// mkfifo(path, mode=0o666): its error names no file, as CPython's
static Value p_mkfifo(int argc, Value *argv, ObjDict *kw) {
    Value m = kw_get(kw, "mode");
    if (!arg_count("mkfifo", argc, 1, 2)) {
        return VAL_NULL;
    }
    Value keep;
    const char *p = path_of(argv[0], "mkfifo", "path", &keep);
    int64_t mode = 0666;
    if (!p || ((argc > 1 || m) && !int_arg(argc > 1 ? argv[1] : m, &mode))) {
        return VAL_NULL;
    }
    if (do_mkfifo(p, mode) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}
static Value p_rmdir(int argc, Value *argv, ObjDict *kw) {
    return path_call(argc, argv, "rmdir", 0, do_rmdir);
}
static Value p_unlink(int argc, Value *argv, ObjDict *kw) {
    return path_call(argc, argv, "unlink", 0, do_unlink);
}
static Value p_remove(int argc, Value *argv, ObjDict *kw) {
    return path_call(argc, argv, "remove", 0, do_unlink);
}
static Value p_chdir(int argc, Value *argv, ObjDict *kw) {
    return path_call(argc, argv, "chdir", 0, do_chdir);
}
static Value p_chmod(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "chmod() missing required argument 'mode' (pos 2)");
    }
    return path_call(argc, argv, "chmod", 1, do_chmod);
}

// chown(path, uid, gid) and lchown: an id of -1 is left as it is.
static Value own_call(int argc, Value *argv, const char *fname, int (*fn)(const char *, uid_t, gid_t)) {
    if (!arg_count(fname, argc, 3, 3)) {
        return VAL_NULL;
    }
    Value keep;
    const char *p = path_of(argv[0], fname, "path", &keep);
    int64_t u, g;
    if (!p || !int_arg(argv[1], &u) || !int_arg(argv[2], &g)) {
        return VAL_NULL;
    }
    if (fn(p, (uid_t)u, (gid_t)g) != 0) {
        return exc_raise_oserror(errno, argv[0], VAL_NULL);
    }
    return VAL_NONE;
}
static Value p_chown(int argc, Value *argv, ObjDict *kw) {
    return own_call(argc, argv, "chown", chown);
}
static Value p_lchown(int argc, Value *argv, ObjDict *kw) {
    return own_call(argc, argv, "lchown", lchown);
}

// Two-path calls: rename, replace, link, symlink.
static Value two_paths(int argc, Value *argv, const char *fname, int (*fn)(const char *, const char *)) {
    if (!arg_count(fname, argc, 2, 2)) {
        return VAL_NULL;
    }
    Value k1, k2;
    const char *a = path_of(argv[0], fname, "src", &k1);
    const char *b = a ? path_of(argv[1], fname, "dst", &k2) : NULL;
    if (!b) {
        return VAL_NULL;
    }
    if (fn(a, b) != 0) {
        return exc_raise_oserror(errno, argv[0], argv[1]);
    }
    return VAL_NONE;
}
static Value p_rename(int argc, Value *argv, ObjDict *kw) {
    return two_paths(argc, argv, "rename", rename);
}
static Value p_replace(int argc, Value *argv, ObjDict *kw) {
    return two_paths(argc, argv, "replace", rename);
}
static Value p_link(int argc, Value *argv, ObjDict *kw) {
    return two_paths(argc, argv, "link", link);
}
static Value p_symlink(int argc, Value *argv, ObjDict *kw) {
    return two_paths(argc, argv, "symlink", symlink);
}

static Value p_readlink(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("readlink", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value keep;
    const char *p = path_of(argv[0], "readlink", "path", &keep);
    if (!p) {
        return VAL_NULL;
    }
    char buf[4096];
    ssize_t n = readlink(p, buf, sizeof buf - 1);
    if (n < 0) {
        return exc_raise_oserror(errno, argv[0], VAL_NULL);
    }
    buf[n] = 0;
    // a bytes path reads back bytes, as CPython's (realpath's walk of a
    // bytes path goes on with what readlink gives)
    return bytes_check(argv[0]) ? bytes_try_new(buf, (size_t)n) : str_from_c(buf);
}

// _realpath(path: str) -> str: the C library's realpath(3), which needs
// every component to exist; posixpath.realpath tries it first and walks the
// path itself (CPython's code) when it raises OSError or ValueError
static Value p_realpath(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_realpath", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "_realpath: path must be str");
    }
    Value keep;
    const char *p = path_of(argv[0], "realpath", "path", &keep);
    if (!p) {
        return VAL_NULL;
    }
    char buf[PATH_MAX];
    if (!realpath(p, buf)) {
        return exc_raise_oserror(errno, argv[0], VAL_NULL);
    }
    Value r = str_try_new(buf, strlen(buf));
    if (!r) {
        exc_clear();
        return exc_raise(exc_ValueError, "realpath: not UTF-8");
    }
    return r;
}

// fspath(path): os.fspath, CPython's PyOS_FSPath: a str or bytes (or a
// subclass of one) as it is, else what type(path).__fspath__(path) gives,
// which must be one. Every os.path function and os call on a path asks it.
static Value p_fspath(int argc, Value *argv, ObjDict *kw) {
    // the argument clinic's checks and wording (path is positional or keyword)
    int nkw = kw ? (int)kw->used : 0;
    if (argc + nkw > 1) {
        return exc_raise(exc_TypeError, "fspath() takes at most 1 %sargument (%d given)",
                         argc ? "" : "keyword ", argc + nkw);
    }
    Value v = argc ? argv[0] : kw_get(kw, "path");
    if (!v) {
        return exc_raise(exc_TypeError, "fspath() missing required argument 'path' (pos 1)");
    }
    if (str_check(v) || bytes_check(v)) {
        return v;
    }
    bool found = false;
    Value r = VAL_NULL;
    if (IS_OBJ(v)) {
        r = call_method_opt(v, str_intern_c("__fspath__"), 0, NULL, &found);
    }
    if (!found) {
        return exc_raise(exc_TypeError, "expected str, bytes or os.PathLike object, not %s",
                         val_type_name(v));
    }
    if (!r) {
        return VAL_NULL;
    }
    if (str_check(r) || bytes_check(r)) {
        return r;
    }
    return exc_raise(exc_TypeError, "expected %s.__fspath__() to return str or bytes, not %s",
                     val_type_name(v), val_type_name(r));
}

// _path_normpath(path: str) -> str: posixpath.normpath's loop (CPython
// 3.11's C helper of the same name): one or three-plus leading slashes
// become one, exactly two stay two; empty and '.' components go, '..' takes
// back the component before it (or stays, leading a relative path). An
// empty result is '' (normpath makes it '.').
static Value p_path_normpath(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_path_normpath", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!str_check(argv[0])) {
        return exc_raise(exc_TypeError, "_path_normpath: path should be string, not %s",
                         val_type_name(argv[0]));
    }
    ObjStr *s = AS_STR(argv[0]);
    const char *p = s->data;
    size_t n = s->len;
    char sbuf[512];
    size_t sstarts[256];
    // each kept component is at least one byte and a '/': n / 2 + 1 starts
    char *out = n + 1 <= sizeof sbuf ? sbuf : malloc(n + 1);
    size_t *starts = n / 2 + 1 <= 256 ? sstarts : malloc((n / 2 + 1) * sizeof(size_t));
    if (!out || !starts) {
        if (out != sbuf) {
            free(out);
        }
        if (starts != sstarts) {
            free(starts);
        }
        return exc_raise(exc_MemoryError, "");
    }
    size_t o = 0, ncomp = 0;
    int init = 0;
    if (n && p[0] == '/') {
        init = (n > 1 && p[1] == '/' && !(n > 2 && p[2] == '/')) ? 2 : 1;
    }
    for (int k = 0; k < init; k++) {
        out[o++] = '/';
    }
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '/') {
            j++;
        }
        size_t len = j - i;
        const char *c = p + i;
        i = j + 1;
        if (len == 0 || (len == 1 && c[0] == '.')) {
            continue;
        }
        bool dotdot = len == 2 && c[0] == '.' && c[1] == '.';
        bool top_dotdot = ncomp && o - starts[ncomp - 1] == 2 && out[starts[ncomp - 1]] == '.' &&
                          out[starts[ncomp - 1] + 1] == '.';
        if (!dotdot || (!init && !ncomp) || top_dotdot) {
            if (ncomp) {
                out[o++] = '/';
            }
            starts[ncomp++] = o;
            memcpy(out + o, c, len);
            o += len;
        } else if (ncomp) {
            ncomp--;
            o = starts[ncomp] - (ncomp ? 1 : 0);
        }
    }
    Value r = (o == n && AS_OBJ(argv[0])->cls == cls_str) ? argv[0] : str_try_new(out, o);
    if (out != sbuf) {
        free(out);
    }
    if (starts != sstarts) {
        free(starts);
    }
    return r;
}

static Value p_access(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("access", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value keep;
    const char *p = path_of(argv[0], "access", "path", &keep);
    int64_t m;
    if (!p || !int_arg(argv[1], &m)) {
        return VAL_NULL;
    }
    return VAL_BOOL(access(p, (int)m) == 0);
}

static Value p_getcwd(int argc, Value *argv, ObjDict *kw) {
    char buf[4096];
    if (!getcwd(buf, sizeof buf)) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return str_from_c(buf);
}

static Value p_umask(int argc, Value *argv, ObjDict *kw) {
    int64_t m;
    if (!arg_count("umask", argc, 1, 1) || !int_arg(argv[0], &m)) {
        return VAL_NULL;
    }
    return MK_SMALL(umask((mode_t)m));
}

// _utime(path, atime_ns, mtime_ns) (None, None: now)
static Value p_utime(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("utime", argc, 1, 3)) {
        return VAL_NULL;
    }
    Value keep;
    const char *p = path_of(argv[0], "utime", "path", &keep);
    if (!p) {
        return VAL_NULL;
    }
    struct timespec ts[2];
    struct timespec *tp = NULL;
    if (argc == 3 && !IS_NONE(argv[1])) {
        int64_t a, m;
        if (!int_to_i64(argv[1], &a) || !int_to_i64(argv[2], &m)) {
            return VAL_NULL;
        }
        ts[0].tv_sec = a / 1000000000;
        ts[0].tv_nsec = a % 1000000000;
        ts[1].tv_sec = m / 1000000000;
        ts[1].tv_nsec = m % 1000000000;
        tp = ts;
    }
    fflush(NULL);   // unclosed files' data first, or their later flush resets the times
    if (utimensat(AT_FDCWD, p, tp, 0) != 0) {
        return exc_raise_oserror(errno, argv[0], VAL_NULL);
    }
    return VAL_NONE;
}

static Value p_truncate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("truncate", argc, 2, 2)) {
        return VAL_NULL;
    }
    int64_t n;
    if (!int_arg(argv[1], &n)) {
        return VAL_NULL;
    }
    fflush(NULL);   // unclosed files' data first, or their later flush undoes the cut
    int r;
    if (IS_SMALL(argv[0])) {
        r = ftruncate((int)AS_SMALL(argv[0]), (off_t)n);
    } else {
        Value keep;
        const char *p = path_of(argv[0], "truncate", "path", &keep);
        if (!p) {
            return VAL_NULL;
        }
        r = truncate(p, (off_t)n);
    }
    return r == 0 ? VAL_NONE : exc_raise_oserror(errno, IS_SMALL(argv[0]) ? VAL_NULL : argv[0], VAL_NULL);
}

// ---- processes and the system
static Value p_getpid(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(getpid());
}
static Value p_getppid(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(getppid());
}
static Value p_getuid(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(getuid());
}
static Value p_geteuid(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(geteuid());
}
static Value p_getgid(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(getgid());
}
static Value p_getegid(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(getegid());
}

static Value p_kill(int argc, Value *argv, ObjDict *kw) {
    int64_t pid, sig;
    if (!arg_count("kill", argc, 2, 2) || !int_arg(argv[0], &pid) || !int_arg(argv[1], &sig)) {
        return VAL_NULL;
    }
    if (kill((pid_t)pid, (int)sig) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    // a signal sent to ourselves has its handler run before kill() returns
    if (STATE_INTERRUPT() && vm_raise_interrupt()) {
        return VAL_NULL;
    }
    return VAL_NONE;
}

static Value p_exit(int argc, Value *argv, ObjDict *kw) {
    int64_t n;
    if (!arg_count("_exit", argc, 1, 1) || !int_arg(argv[0], &n)) {
        return VAL_NULL;
    }
    _exit((int)n);  // as CPython's: what print() buffered is not written
}

static Value p_strerror(int argc, Value *argv, ObjDict *kw) {
    int64_t n;
    if (!arg_count("strerror", argc, 1, 1) || !int_arg(argv[0], &n)) {
        return VAL_NULL;
    }
    return str_from_c(strerror((int)n));
}

static Value p_cpu_count(int argc, Value *argv, ObjDict *kw) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? MK_SMALL(n) : VAL_NONE;
}

static Value p_uname(int argc, Value *argv, ObjDict *kw) {
    struct utsname u;
    if (uname(&u) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    Value t = tuple_new(5);
    gc_push_root(t);
    const char *parts[5] = {u.sysname, u.nodename, u.release, u.version, u.machine};
    for (int i = 0; i < 5; i++) {
        AS_TUPLE(t)->items[i] = str_from_c(parts[i]);
    }
    gc_pop_root(1);
    return t;
}

static Value p_system(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("system", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "system() argument 'command' must be str, not %s", val_type_name(argv[0]));
    }
    fflush(NULL);   // the shell's commands see unreferenced, unclosed files' data
    int r = system(AS_STR(argv[0])->data);
    return MK_SMALL(r);
}

// The environment as a list of (name, value) bytes pairs (posix.environ).
static Value p_environ_items(int argc, Value *argv, ObjDict *kw) {
    Value l = list_new(32);
    gc_push_root(l);
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq) {
            continue;
        }
        Value k = bytes_new(*e, (size_t)(eq - *e));
        gc_push_root(k);
        Value v = bytes_new(eq + 1, strlen(eq + 1));
        gc_push_root(v);
        list_append(AS_LIST(l), tuple_pack(2, k, v));
        gc_pop_root(2);
    }
    gc_pop_root(1);
    return l;
}

// A str or bytes argument as a C string in [buf] (false: TypeError).
static bool env_arg(Value v, char *buf, size_t cap) {
    if (IS_STR(v)) {
        snprintf(buf, cap, "%s", AS_STR(v)->data);
        return true;
    }
    if (bytes_check(v)) {
        BufView bv = {0};
        buffer_get(v, &bv);
        size_t n = bv.len < cap - 1 ? bv.len : cap - 1;
        memcpy(buf, bv.ptr, n);
        buf[n] = 0;
        return true;
    }
    exc_raise(exc_TypeError, "str expected, not %s", val_type_name(v));
    return false;
}

static Value p_putenv(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("putenv", argc, 2, 2)) {
        return VAL_NULL;
    }
    char key[4096];
    char *val = malloc(1 << 16);
    if (!env_arg(argv[0], key, sizeof key) || !env_arg(argv[1], val, 1 << 16)) {
        free(val);
        return VAL_NULL;
    }
    if (!*key || strchr(key, '=')) {
        free(val);
        return exc_raise(exc_ValueError, "illegal environment variable name");
    }
    int r = setenv(key, val, 1);
    free(val);
    if (r != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value p_unsetenv(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("unsetenv", argc, 1, 1)) {
        return VAL_NULL;
    }
    char key[4096];
    if (!env_arg(argv[0], key, sizeof key)) {
        return VAL_NULL;
    }
    if (unsetenv(key) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value p_urandom(int argc, Value *argv, ObjDict *kw) {
    int64_t n;
    if (!arg_count("urandom", argc, 1, 1) || !int_arg(argv[0], &n)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "negative argument not allowed");
    }
    unsigned char *buf = malloc(n ? (size_t)n : 1);
    size_t got = 0;
    while (got < (size_t)n) {
        ssize_t r = getrandom(buf + got, (size_t)n - got, 0);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            free(buf);
            return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
        }
        got += (size_t)r;
    }
    Value b = bytes_new(buf, (size_t)n);
    free(buf);
    return b;
}

static Value p_read(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t n;
    if (!arg_count("read", argc, 2, 2) || !fd_arg(argv[0], &fd) || !int_arg(argv[1], &n)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise(exc_ValueError, "negative count");
    }
    if (!gthread_wait_fd(fd, POLLIN)) {
        return VAL_NULL;
    }
    unsigned char *buf = malloc(n ? (size_t)n : 1);
    ssize_t r;
    do {
        r = read(fd, buf, (size_t)n);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        free(buf);
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    Value b = bytes_new(buf, (size_t)r);
    free(buf);
    return b;
}

static Value p_write(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("write", argc, 2, 2) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    BufView bv = {0};
    if (!buffer_need(argv[1], &bv)) {
        return VAL_NULL;
    }
    ssize_t r;
    do {
        r = write(fd, bv.ptr, bv.len);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : MK_SMALL(r);
}

// ---- file descriptors
static Value p_open(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("open", argc, 2, 3)) {
        return VAL_NULL;
    }
    Value keep;
    const char *p = path_of(argv[0], "open", "path", &keep);
    int64_t flags, mode = 0777;
    if (!p || !int_arg(argv[1], &flags) || (argc > 2 && !int_arg(argv[2], &mode))) {
        return VAL_NULL;
    }
    fflush(NULL);   // the new descriptor sees unclosed files' data, as stat does
    int fd = open(p, (int)flags | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        return exc_raise_oserror(errno, argv[0], VAL_NULL);
    }
    return MK_SMALL(fd);
}

static Value p_close(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("close", argc, 1, 1) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    if (close(fd) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value p_lseek(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t pos, how;
    if (!arg_count("lseek", argc, 3, 3) || !fd_arg(argv[0], &fd) || !int_arg(argv[1], &pos) ||
        !int_arg(argv[2], &how)) {
        return VAL_NULL;
    }
    off_t r = lseek(fd, (off_t)pos, (int)how);
    if (r < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return int_from_i64((int64_t)r);
}

static Value p_isatty(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("isatty", argc, 1, 1) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    return VAL_BOOL(isatty(fd));
}

static Value p_pipe(int argc, Value *argv, ObjDict *kw) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return tuple_pack(2, MK_SMALL(fds[0]), MK_SMALL(fds[1]));
}

// openpty() -> (master_fd, slave_fd) of a new pseudo-terminal, both
// non-inheritable as in CPython
static Value p_openpty(int argc, Value *argv, ObjDict *kw) {
    int m, sl;
    if (argc != 0) {
        return exc_raise(exc_TypeError, "posix.openpty() takes no arguments (%d given)", argc);
    }
    if (openpty(&m, &sl, NULL, NULL, NULL) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    fcntl(m, F_SETFD, FD_CLOEXEC);
    fcntl(sl, F_SETFD, FD_CLOEXEC);
    return tuple_pack(2, MK_SMALL(m), MK_SMALL(sl));
}

// pipe2(flags) -> (read_fd, write_fd), with O_NONBLOCK and/or O_CLOEXEC
static Value p_pipe2(int argc, Value *argv, ObjDict *kw) {
    int64_t flags;
    int fds[2];
    if (!arg_count("pipe2", argc, 1, 1) || !int_arg(argv[0], &flags)) {
        return VAL_NULL;
    }
    if (pipe2(fds, (int)flags) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return tuple_pack(2, MK_SMALL(fds[0]), MK_SMALL(fds[1]));
}

static Value fd_flag_get(int argc, Value *argv, const char *name, int getcmd, int flag, bool inverted) {
    int fd;
    if (!arg_count(name, argc, 1, 1) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    int fl = fcntl(fd, getcmd);
    if (fl < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_BOOL(((fl & flag) != 0) != inverted);
}

static Value fd_flag_set(int argc, Value *argv, const char *name, int getcmd, int setcmd, int flag, bool inverted) {
    int fd;
    if (!arg_count(name, argc, 2, 2) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    int on = obj_truthy(argv[1]);
    if (on < 0) {
        return VAL_NULL;
    }
    int fl = fcntl(fd, getcmd);
    if (fl < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    fl = (on != inverted) ? fl | flag : fl & ~flag;
    if (fcntl(fd, setcmd, fl) < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return VAL_NONE;
}

static Value p_get_blocking(int argc, Value *argv, ObjDict *kw) {
    return fd_flag_get(argc, argv, "get_blocking", F_GETFL, O_NONBLOCK, true);
}

static Value p_set_blocking(int argc, Value *argv, ObjDict *kw) {
    return fd_flag_set(argc, argv, "set_blocking", F_GETFL, F_SETFL, O_NONBLOCK, true);
}

static Value p_get_inheritable(int argc, Value *argv, ObjDict *kw) {
    return fd_flag_get(argc, argv, "get_inheritable", F_GETFD, FD_CLOEXEC, true);
}

static Value p_set_inheritable(int argc, Value *argv, ObjDict *kw) {
    return fd_flag_set(argc, argv, "set_inheritable", F_GETFD, F_SETFD, FD_CLOEXEC, true);
}

static Value p_pidfd_open(int argc, Value *argv, ObjDict *kw) {
    int64_t pid, flags = 0;
    if (!arg_count("pidfd_open", argc, 1, 2) || !int_arg(argv[0], &pid) || (argc > 1 && !int_arg(argv[1], &flags))) {
        return VAL_NULL;
    }
    long r = syscall(SYS_pidfd_open, (pid_t)pid, (unsigned)flags);
    if (r < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    fcntl((int)r, F_SETFD, FD_CLOEXEC);
    return MK_SMALL(r);
}

static Value p_killpg(int argc, Value *argv, ObjDict *kw) {
    int64_t pg, sig;
    if (!arg_count("killpg", argc, 2, 2) || !int_arg(argv[0], &pg) || !int_arg(argv[1], &sig)) {
        return VAL_NULL;
    }
    return killpg((pid_t)pg, (int)sig) < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
}

static Value p_getpgid(int argc, Value *argv, ObjDict *kw) {
    int64_t pid;
    if (!arg_count("getpgid", argc, 1, 1) || !int_arg(argv[0], &pid)) {
        return VAL_NULL;
    }
    pid_t r = getpgid((pid_t)pid);
    return r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : MK_SMALL(r);
}

static Value p_getpgrp(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(getpgrp());
}

static Value p_setsid(int argc, Value *argv, ObjDict *kw) {
    return setsid() < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
}

static Value p_dup(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("dup", argc, 1, 1) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    int r = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    return r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : MK_SMALL(r);
}

static Value p_dup2(int argc, Value *argv, ObjDict *kw) {
    int a, b;
    if (!arg_count("dup2", argc, 2, 3) || !fd_arg(argv[0], &a) || !fd_arg(argv[1], &b)) {
        return VAL_NULL;
    }
    int r = dup2(a, b);
    return r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : MK_SMALL(r);
}

static Value p_fsync(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("fsync", argc, 1, 1) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    return fsync(fd) == 0 ? VAL_NONE : exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
}

// ---- process and system queries: sched_getaffinity, getloadavg, nice,
// getlogin, getgroups, getsid, setpgid, getpriority/setpriority, sync
static Value p_sched_getaffinity(int argc, Value *argv, ObjDict *kw) {
    int64_t pid;
    if (!arg_count("sched_getaffinity", argc, 1, 1) || !int_arg(argv[0], &pid)) {
        return VAL_NULL;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity((pid_t)pid, sizeof set, &set) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    Value r = set_new(cls_set);
    gc_push_root(r);
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, &set) && set_add((ObjSet *)AS_OBJ(r), MK_SMALL(c)) < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return r;
}

static Value p_sched_yield(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("sched_yield", argc, 0, 0)) {
        return VAL_NULL;
    }
    sched_yield();
    return VAL_NONE;
}

static Value p_getloadavg(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getloadavg", argc, 0, 0)) {
        return VAL_NULL;
    }
    double l[3];
    if (getloadavg(l, 3) != 3) {
        return exc_raise(exc_OSError, "Load averages are unobtainable");
    }
    return tuple_pack(3, float_new(l[0]), float_new(l[1]), float_new(l[2]));
}

static Value p_nice(int argc, Value *argv, ObjDict *kw) {
    int64_t inc;
    if (!arg_count("nice", argc, 1, 1) || !int_arg(argv[0], &inc)) {
        return VAL_NULL;
    }
    errno = 0;
    int r = nice((int)inc);
    if (r == -1 && errno != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return MK_SMALL(r);
}

static Value p_sync(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("sync", argc, 0, 0)) {
        return VAL_NULL;
    }
    sync();
    return VAL_NONE;
}

static Value p_getlogin(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getlogin", argc, 0, 0)) {
        return VAL_NULL;
    }
    errno = 0;
    const char *n = getlogin();
    if (!n) {
        return errno ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL)
                     : exc_raise(exc_OSError, "unable to determine login name");
    }
    return str_from_c(n);
}

static Value p_getgroups(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getgroups", argc, 0, 0)) {
        return VAL_NULL;
    }
    int n = getgroups(0, NULL);
    gid_t *g = n > 0 ? malloc(sizeof *g * (size_t)n) : NULL;
    if (n < 0 || (n > 0 && (!g || (n = getgroups(n, g)) < 0))) {
        int e = errno;
        free(g);
        return exc_raise_oserror(e, VAL_NULL, VAL_NULL);
    }
    Value l = list_new((size_t)n);
    gc_push_root(l);
    for (int i = 0; i < n; i++) {
        list_append(AS_LIST(l), int_from_u64(g[i]));
    }
    gc_pop_root(1);
    free(g);
    return l;
}

static Value p_getsid(int argc, Value *argv, ObjDict *kw) {
    int64_t pid;
    if (!arg_count("getsid", argc, 1, 1) || !int_arg(argv[0], &pid)) {
        return VAL_NULL;
    }
    pid_t r = getsid((pid_t)pid);
    return r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : MK_SMALL(r);
}

static Value p_setpgid(int argc, Value *argv, ObjDict *kw) {
    int64_t pid, pg;
    if (!arg_count("setpgid", argc, 2, 2) || !int_arg(argv[0], &pid) || !int_arg(argv[1], &pg)) {
        return VAL_NULL;
    }
    return setpgid((pid_t)pid, (pid_t)pg) < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
}

static Value p_getpriority(int argc, Value *argv, ObjDict *kw) {
    int64_t which, who;
    if (!arg_count("getpriority", argc, 2, 2) || !int_arg(argv[0], &which) || !int_arg(argv[1], &who)) {
        return VAL_NULL;
    }
    errno = 0;
    int r = getpriority((int)which, (id_t)who);
    if (r == -1 && errno != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return MK_SMALL(r);
}

static Value p_setpriority(int argc, Value *argv, ObjDict *kw) {
    int64_t which, who, prio;
    if (!arg_count("setpriority", argc, 3, 3) || !int_arg(argv[0], &which) || !int_arg(argv[1], &who) ||
        !int_arg(argv[2], &prio)) {
        return VAL_NULL;
    }
    return setpriority((int)which, (id_t)who, (int)prio) < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL)
                                                              : VAL_NONE;
}

// ---- more on descriptors: pread/pwrite, fchmod, fchdir, fdatasync,
// closerange, ttyname; device numbers
static Value p_pread(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t n, off;
    if (!arg_count("pread", argc, 3, 3) || !fd_arg(argv[0], &fd) || !int_arg(argv[1], &n) ||
        !int_arg(argv[2], &off)) {
        return VAL_NULL;
    }
    if (n < 0) {
        return exc_raise_oserror(EINVAL, VAL_NULL, VAL_NULL);     // as CPython's
    }
    char *buf = malloc(n ? (size_t)n : 1);
    if (!buf) {
        return exc_raise_nomem();
    }
    ssize_t r = pread(fd, buf, (size_t)n, (off_t)off);
    Value out = r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : bytes_new(buf, (size_t)r);
    free(buf);
    return out;
}

static Value p_pwrite(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t off;
    BufView b = {0};
    if (!arg_count("pwrite", argc, 3, 3) || !fd_arg(argv[0], &fd) || !buffer_need(argv[1], &b) ||
        !int_arg(argv[2], &off)) {
        return VAL_NULL;
    }
    ssize_t r = pwrite(fd, b.ptr, b.len, (off_t)off);
    return r < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : int_from_i64(r);
}

static Value p_fchmod(int argc, Value *argv, ObjDict *kw) {
    int fd;
    int64_t mode;
    if (!arg_count("fchmod", argc, 2, 2) || !fd_arg(argv[0], &fd) || !int_arg(argv[1], &mode)) {
        return VAL_NULL;
    }
    return fchmod(fd, (mode_t)mode) < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
}

static Value p_fchdir(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("fchdir", argc, 1, 1) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    return fchdir(fd) < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
}

static Value p_fdatasync(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("fdatasync", argc, 1, 1) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    return fdatasync(fd) < 0 ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
}

static Value p_closerange(int argc, Value *argv, ObjDict *kw) {
    int lo, hi;
    if (!arg_count("closerange", argc, 2, 2) || !fd_arg(argv[0], &lo) || !fd_arg(argv[1], &hi)) {
        return VAL_NULL;
    }
    for (int fd = lo < 0 ? 0 : lo; fd < hi; fd++) {
        close(fd);      // errors ignored, as CPython's
    }
    return VAL_NONE;
}

static Value p_ttyname(int argc, Value *argv, ObjDict *kw) {
    int fd;
    if (!arg_count("ttyname", argc, 1, 1) || !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    char buf[256];
    int e = ttyname_r(fd, buf, sizeof buf);
    return e ? exc_raise_oserror(e, VAL_NULL, VAL_NULL) : str_from_c(buf);
}

static Value p_major(int argc, Value *argv, ObjDict *kw) {
    int64_t d;
    if (!arg_count("major", argc, 1, 1) || !int_arg(argv[0], &d)) {
        return VAL_NULL;
    }
    return int_from_u64(major((dev_t)d));
}

static Value p_minor(int argc, Value *argv, ObjDict *kw) {
    int64_t d;
    if (!arg_count("minor", argc, 1, 1) || !int_arg(argv[0], &d)) {
        return VAL_NULL;
    }
    return int_from_u64(minor((dev_t)d));
}

static Value p_makedev(int argc, Value *argv, ObjDict *kw) {
    int64_t ma, mi;
    if (!arg_count("makedev", argc, 2, 2) || !int_arg(argv[0], &ma) || !int_arg(argv[1], &mi)) {
        return VAL_NULL;
    }
    return int_from_u64(makedev((unsigned)ma, (unsigned)mi));
}

// ---- sysconf, confstr, pathconf, fpathconf: a name of the tables in
// posix_conf_names.h (or its int value), CPython's messages
static bool conf_name(Value v, const ConfName *table, int *out) {
    if (IS_STR(v)) {
        for (const ConfName *c = table; c->name; c++) {
            if (strcmp(c->name, AS_STR(v)->data) == 0) {
                *out = c->value;
                return true;
            }
        }
        exc_raise(exc_ValueError, "unrecognized configuration name");
        return false;
    }
    int64_t i;
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "configuration names must be strings or integers");
        return false;
    }
    if (!int_to_i64(v, &i)) {
        return false;
    }
    *out = (int)i;
    return true;
}

static Value p_sysconf(int argc, Value *argv, ObjDict *kw) {
    int name;
    if (!arg_count("sysconf", argc, 1, 1) || !conf_name(argv[0], sysconf_table, &name)) {
        return VAL_NULL;
    }
    errno = 0;
    long r = sysconf(name);
    if (r == -1 && errno != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return int_from_i64(r);
}

static Value p_confstr(int argc, Value *argv, ObjDict *kw) {
    int name;
    if (!arg_count("confstr", argc, 1, 1) || !conf_name(argv[0], confstr_table, &name)) {
        return VAL_NULL;
    }
    errno = 0;
    size_t n = confstr(name, NULL, 0);
    if (n == 0) {
        return errno ? exc_raise_oserror(errno, VAL_NULL, VAL_NULL) : VAL_NONE;
    }
    char *buf = malloc(n);
    if (!buf) {
        return exc_raise_nomem();
    }
    confstr(name, buf, n);
    Value r = str_from_c(buf);
    free(buf);
    return r;
}

// pathconf(path, name) / fpathconf(fd, name)
static Value pathconf_common(const char *fname, int argc, Value *argv, bool fd_only) {
    int name;
    if (!arg_count(fname, argc, 2, 2) || !conf_name(argv[1], pathconf_table, &name)) {
        return VAL_NULL;
    }
    long r;
    errno = 0;
    if (fd_only || IS_SMALL(argv[0])) {
        int fd;
        if (!fd_arg(argv[0], &fd)) {
            return VAL_NULL;
        }
        r = fpathconf(fd, name);
    } else {
        Value keep;
        const char *p = path_of(argv[0], fname, "path", &keep);
        if (!p) {
            return VAL_NULL;
        }
        r = pathconf(p, name);
    }
    if (r == -1 && errno != 0) {
        return exc_raise_oserror(errno, fd_only || IS_SMALL(argv[0]) ? VAL_NULL : argv[0], VAL_NULL);
    }
    return int_from_i64(r);
}

static Value p_pathconf(int argc, Value *argv, ObjDict *kw) {
    return pathconf_common("pathconf", argc, argv, false);
}

static Value p_fpathconf(int argc, Value *argv, ObjDict *kw) {
    return pathconf_common("fpathconf", argc, argv, true);
}

// _conf_names(which) -> dict of the sysconf (0), confstr (1) or pathconf (2) names
static Value p_conf_names(int argc, Value *argv, ObjDict *kw) {
    int64_t which;
    if (!arg_count("_conf_names", argc, 1, 1) || !int_arg(argv[0], &which)) {
        return VAL_NULL;
    }
    const ConfName *t = which == 0 ? sysconf_table : which == 1 ? confstr_table : pathconf_table;
    Value d = dict_new();
    gc_push_root(d);
    for (; t->name; t++) {
        dict_set(AS_DICT(d), str_from_c(t->name), MK_SMALL(t->value));
    }
    gc_pop_root(1);
    return d;
}

// _terminal_size(fd) -> (columns, lines)
static Value p_terminal_size(int argc, Value *argv, ObjDict *kw) {
    int fd = 1;
    if (argc && !fd_arg(argv[0], &fd)) {
        return VAL_NULL;
    }
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) != 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return tuple_pack(2, MK_SMALL(w.ws_col), MK_SMALL(w.ws_row));
}

static Value p_times(int argc, Value *argv, ObjDict *kw) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    double user = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
    Value t = tuple_new(5);
    gc_push_root(t);
    AS_TUPLE(t)->items[0] = float_new(user);
    AS_TUPLE(t)->items[1] = float_new(0.0);
    AS_TUPLE(t)->items[2] = float_new(0.0);
    AS_TUPLE(t)->items[3] = float_new(0.0);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    AS_TUPLE(t)->items[4] = float_new((double)ts.tv_sec + ts.tv_nsec * 1e-9);
    gc_pop_root(1);
    return t;
}

static Value p_waitpid(int argc, Value *argv, ObjDict *kw) {
    int64_t pid, opts;
    if (!arg_count("waitpid", argc, 2, 2) || !int_arg(argv[0], &pid) || !int_arg(argv[1], &opts)) {
        return VAL_NULL;
    }
    int status = 0;
    pid_t r = waitpid((pid_t)pid, &status, (int)opts);
    if (r < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return tuple_pack(2, MK_SMALL(r), MK_SMALL(status));
}

// ---- os.register_at_fork: callables run around fork(), "before" ones
// newest first, the others in the order they were registered; one that
// raises is reported as unraisable and the others still run.
static const char *const at_fork_names[3] = {"before", "after_in_child", "after_in_parent"};

static void mark_at_fork(void) {
    for (int i = 0; i < 3; i++) {
        gc_mark_value(ST->at_fork[i]);
    }
}

static Value p_register_at_fork(int argc, Value *argv, ObjDict *kw) {
    (void)argv;
    if (argc) {
        return exc_raise(exc_TypeError, "register_at_fork() takes no positional arguments");
    }
    Value fns[3] = {VAL_NULL, VAL_NULL, VAL_NULL};
    uint32_t known = 0;
    for (int i = 0; i < 3; i++) {
        Value f = kw ? kw_get(kw, at_fork_names[i]) : VAL_NULL;
        if (f) {
            known++;
            if (!obj_is_callable(f)) {
                return exc_raise(exc_TypeError, "'%s' must be callable, not %s", at_fork_names[i],
                                 val_type_name(f));
            }
            fns[i] = f;
        }
    }
    if (kw && kw->used > known) {
        for (uint32_t i = 0; i < kw->nentries; i++) {
            Value k = kw->entries[i].key;
            int j = 0;
            while (j < 3 && !(k && str_check(k) && !strcmp(AS_STR(k)->data, at_fork_names[j]))) {
                j++;
            }
            if (k && str_check(k) && j == 3) {
                return exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for register_at_fork()",
                                 AS_STR(k)->data);
            }
        }
    }
    if (!fns[0] && !fns[1] && !fns[2]) {
        return exc_raise(exc_TypeError, "At least one argument is required.");
    }
    for (int i = 0; i < 3; i++) {
        if (!fns[i]) {
            continue;
        }
        if (!ST->at_fork[i]) {
            if (!ST->at_fork[0] && !ST->at_fork[1] && !ST->at_fork[2]) {
                gc_add_root_marker(mark_at_fork);
            }
            ST->at_fork[i] = list_new(0);
            if (!ST->at_fork[i]) {
                return VAL_NULL;
            }
        }
        list_append(AS_LIST(ST->at_fork[i]), fns[i]);
    }
    return VAL_NONE;
}

static void run_at_fork(int which) {
    Value l = ST->at_fork[which];
    if (!l) {
        return;
    }
    gc_push_root(l);
    size_t n = AS_LIST(l)->len;
    for (size_t k = 0; k < n && k < AS_LIST(l)->len; k++) {
        Value f = AS_LIST(l)->items[which == 0 ? AS_LIST(l)->len - 1 - k : k];
        gc_push_root(f);
        if (!vm_call(f, 0, NULL, NULL)) {
            Value e = exc_take();
            gc_push_root(e);
            Value r = obj_repr(f);
            exc_clear();
            fflush(stdout);
            fprintf(state_stderr(), "Exception ignored in: %s\n", r ? AS_STR(r)->data : "<at-fork hook>");
            tb_print_unraisable(e);
            gc_pop_root(1);
        }
        gc_pop_root(1);
    }
    gc_pop_root(1);
}

// fork() -> 0 in the child, the child's pid in the parent. The child keeps
// only the calling thread, as in CPython.
static Value p_fork(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("fork", argc, 0, 0)) {
        return VAL_NULL;
    }
    run_at_fork(0);
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        run_at_fork(2);
        return exc_raise_oserror(err, VAL_NULL, VAL_NULL);
    }
    if (pid == 0) {
        gthread_after_fork();
        io_after_fork();
        run_at_fork(1);
    } else {
        run_at_fork(2);
    }
    return MK_SMALL(pid);
}

// wait() -> (pid, status)
static Value p_wait(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("wait", argc, 0, 0)) {
        return VAL_NULL;
    }
    int status = 0;
    pid_t r;
    while ((r = wait(&status)) < 0 && errno == EINTR) {
        if (STATE_INTERRUPT() && vm_raise_interrupt()) {
            return VAL_NULL;
        }
    }
    if (r < 0) {
        return exc_raise_oserror(errno, VAL_NULL, VAL_NULL);
    }
    return tuple_pack(2, MK_SMALL(r), MK_SMALL(status));
}

// A NULL-terminated array of C strings from the list or tuple [v] of str or
// bytes (rooted in [keep]); NULL with CPython's error.
static char **exec_strings(Value v, const char *fname, const char *what, Value keep) {
    if (!IS_A(v, cls_list) && !IS_A(v, cls_tuple)) {
        exc_raise(exc_TypeError, "%s must be a tuple or list", what);
        return NULL;
    }
    size_t n = IS_A(v, cls_list) ? AS_LIST(v)->len : AS_TUPLE(v)->len;
    Value *items = IS_A(v, cls_list) ? AS_LIST(v)->items : AS_TUPLE(v)->items;
    char **out = calloc(n + 1, sizeof *out);
    if (!out) {
        exc_raise_nomem();
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        Value k = VAL_NULL;
        const char *c = path_of(items[i], fname, what, &k);
        if (!c) {
            free(out);
            return NULL;
        }
        list_append(AS_LIST(keep), k ? k : items[i]);
        out[i] = (char *)c;
    }
    return out;
}

// execv(path, argv) and execve(path, argv, env): only return by raising
static Value exec_common(const char *fname, Value path, Value args, Value env) {
    Value keep = list_new(4);
    gc_push_root(keep);
    Value kp = VAL_NULL;
    const char *p = path_of(path, fname, "path", &kp);
    if (kp) {
        list_append(AS_LIST(keep), kp);
    }
    // CPython names argv "execv() arg 2" but "execve: argv"
    const char *what = env ? "execve: argv" : "execv() arg 2";
    char **av = p ? exec_strings(args, fname, what, keep) : NULL;
    if (!av) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    if (!av[0]) {
        free(av);
        gc_pop_root(1);
        return exc_raise(exc_ValueError, "%s must not be empty", what);
    }
    if (!av[0][0]) {
        free(av);
        gc_pop_root(1);
        return exc_raise(exc_ValueError, "%s first element cannot be empty", what);
    }
    char **ev = NULL;
    if (env) {
        Value items = VAL_NULL;
        if (IS_A(env, cls_dict)) {
            Value it = obj_iter(env);
            items = it ? list_new(0) : VAL_NULL;
            Value k;
            int more = 0;
            gc_push_root(it);
            while (items && (more = obj_next(it, &k)) == 1) {
                Value v = obj_getitem(env, k);
                if (!v) {
                    more = -1;
                    break;
                }
                list_append(AS_LIST(items), tuple_pack(2, k, v));
            }
            gc_pop_root(1);
            if (more < 0) {
                items = VAL_NULL;
            }
        } else {
            exc_raise(exc_TypeError, "%s: environment must be a mapping object", fname);
        }
        if (!items) {
            free(av);
            gc_pop_root(1);
            return VAL_NULL;
        }
        list_append(AS_LIST(keep), items);
        size_t n = AS_LIST(items)->len;
        Value strs = list_new(n);
        list_append(AS_LIST(keep), strs);
        for (size_t i = 0; i < n; i++) {
            Value kv = AS_LIST(items)->items[i];
            Value k = AS_TUPLE(kv)->items[0], v = AS_TUPLE(kv)->items[1];
            if (!IS_STR(k) || !IS_STR(v)) {
                free(av);
                gc_pop_root(1);
                return exc_raise(exc_TypeError, "%s: environment keys and values must be str", fname);
            }
            // CPython's parse_envlist: a NUL would cut the "key=value" string
            // short (and exec a changed environment), an '=' after the
            // first character of the key would move the split
            const ObjStr *ks = AS_STR(k), *vs = AS_STR(v);
            const char *bad = NULL;
            if (memchr(ks->data, 0, ks->len) || memchr(vs->data, 0, vs->len)) {
                bad = "embedded null byte";
            } else if (ks->len == 0 || strchr(ks->data + 1, '=')) {
                bad = "illegal environment variable name";
            }
            if (bad) {
                free(av);
                gc_pop_root(1);
                return exc_raise(exc_ValueError, "%s", bad);
            }
            list_append(AS_LIST(strs), str_printf("%s=%s", AS_STR(k)->data, AS_STR(v)->data));
        }
        ev = exec_strings(strs, fname, "execve: env", keep);
        if (!ev) {
            free(av);
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    if (ev) {
        execve(p, av, ev);
    } else {
        execv(p, av);
    }
    int e = errno;
    free(av);
    free(ev);
    gc_pop_root(1);
    return exc_raise_oserror(e, VAL_NULL, VAL_NULL);
}

static Value p_execv(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("execv", argc, 2, 2)) {
        return VAL_NULL;
    }
    return exec_common("execv", argv[0], argv[1], VAL_NULL);
}

static Value p_execve(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("execve", argc, 3, 3)) {
        return VAL_NULL;
    }
    return exec_common("execve", argv[0], argv[1], argv[2]);
}

// The wait-status macros, one native each.
#define STATUS_FN(NAME, EXPR)                                                    \
    static Value p_##NAME(int argc, Value *argv, ObjDict *kw) {                  \
        int64_t s;                                                               \
        if (!arg_count(#NAME, argc, 1, 1) || !int_arg(argv[0], &s)) {            \
            return VAL_NULL;                                                     \
        }                                                                        \
        int status = (int)s;                                                     \
        return EXPR;                                                             \
    }
STATUS_FN(WIFEXITED, VAL_BOOL(WIFEXITED(status)))
STATUS_FN(WEXITSTATUS, MK_SMALL(WEXITSTATUS(status)))
STATUS_FN(WIFSIGNALED, VAL_BOOL(WIFSIGNALED(status)))
STATUS_FN(WTERMSIG, MK_SMALL(WTERMSIG(status)))
STATUS_FN(WIFSTOPPED, VAL_BOOL(WIFSTOPPED(status)))
STATUS_FN(WSTOPSIG, MK_SMALL(WSTOPSIG(status)))

static const MethodDef posix_fns[] = {
    {"_stat", p_stat},
    {"listdir", p_listdir},
    {"_scandir", p_scandir},
    {"mkdir", p_mkdir, true},
    {"mkfifo", p_mkfifo, true},
    {"pipe2", p_pipe2},
    {"rmdir", p_rmdir},
    {"unlink", p_unlink},
    {"remove", p_remove},
    {"chdir", p_chdir},
    {"chmod", p_chmod},
    {"chown", p_chown},
    {"lchown", p_lchown},
    {"rename", p_rename},
    {"replace", p_replace},
    {"link", p_link},
    {"symlink", p_symlink},
    {"readlink", p_readlink},
    {"_realpath", p_realpath},
    {"fspath", p_fspath, true},
    {"_path_normpath", p_path_normpath},
    {"access", p_access},
    {"getcwd", p_getcwd},
    {"umask", p_umask},
    {"_utime", p_utime},
    {"truncate", p_truncate},
    {"ftruncate", p_truncate},
    {"getpid", p_getpid},
    {"getppid", p_getppid},
    {"getuid", p_getuid},
    {"geteuid", p_geteuid},
    {"getgid", p_getgid},
    {"getegid", p_getegid},
    {"kill", p_kill},
    {"_exit", p_exit},
    {"strerror", p_strerror},
    {"cpu_count", p_cpu_count},
    {"_uname", p_uname},
    {"system", p_system},
    {"_environ_items", p_environ_items},
    {"putenv", p_putenv},
    {"unsetenv", p_unsetenv},
    {"urandom", p_urandom},
    {"read", p_read},
    {"write", p_write},
    {"open", p_open},
    {"close", p_close},
    {"lseek", p_lseek},
    {"isatty", p_isatty},
    {"pipe", p_pipe},
    {"openpty", p_openpty},
    {"dup", p_dup},
    {"get_blocking", p_get_blocking},
    {"set_blocking", p_set_blocking},
    {"get_inheritable", p_get_inheritable},
    {"set_inheritable", p_set_inheritable},
    {"pidfd_open", p_pidfd_open},
    {"killpg", p_killpg},
    {"getpgid", p_getpgid},
    {"getpgrp", p_getpgrp},
    {"setsid", p_setsid},
    {"dup2", p_dup2},
    {"fsync", p_fsync},
    {"_terminal_size", p_terminal_size},
    {"sched_getaffinity", p_sched_getaffinity},
    {"sched_yield", p_sched_yield},
    {"getloadavg", p_getloadavg},
    {"nice", p_nice},
    {"sync", p_sync},
    {"getlogin", p_getlogin},
    {"getgroups", p_getgroups},
    {"getsid", p_getsid},
    {"setpgid", p_setpgid},
    {"getpriority", p_getpriority},
    {"setpriority", p_setpriority},
    {"pread", p_pread},
    {"pwrite", p_pwrite},
    {"fchmod", p_fchmod},
    {"fchdir", p_fchdir},
    {"fdatasync", p_fdatasync},
    {"closerange", p_closerange},
    {"ttyname", p_ttyname},
    {"major", p_major},
    {"minor", p_minor},
    {"makedev", p_makedev},
    {"sysconf", p_sysconf},
    {"confstr", p_confstr},
    {"pathconf", p_pathconf},
    {"fpathconf", p_fpathconf},
    {"_conf_names", p_conf_names},
    {"_statvfs", p_statvfs},
    {"_times", p_times},
    {"waitpid", p_waitpid},
    {"wait", p_wait},
    {"fork", p_fork},
    {"register_at_fork", p_register_at_fork, true},
    {"execv", p_execv},
    {"execve", p_execve},
    {"WIFEXITED", p_WIFEXITED},
    {"WEXITSTATUS", p_WEXITSTATUS},
    {"WIFSIGNALED", p_WIFSIGNALED},
    {"WTERMSIG", p_WTERMSIG},
    {"WIFSTOPPED", p_WIFSTOPPED},
    {"WSTOPSIG", p_WSTOPSIG},
    {NULL, NULL},
};

Value mod_posix_init(void) {
    Value m = module_new("_posix");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "posix", posix_fns);
    static const struct {
        const char *name;
        long value;
    } consts[] = {
        {"ST_RDONLY", ST_RDONLY}, {"ST_NOSUID", ST_NOSUID},
        {"F_OK", F_OK}, {"R_OK", R_OK}, {"W_OK", W_OK}, {"X_OK", X_OK},
        {"O_RDONLY", O_RDONLY}, {"O_WRONLY", O_WRONLY}, {"O_RDWR", O_RDWR},
        {"O_APPEND", O_APPEND}, {"O_CREAT", O_CREAT}, {"O_EXCL", O_EXCL},
        {"O_TRUNC", O_TRUNC}, {"O_NONBLOCK", O_NONBLOCK}, {"O_CLOEXEC", O_CLOEXEC},
        {"O_DIRECTORY", O_DIRECTORY}, {"O_NOFOLLOW", O_NOFOLLOW}, {"O_SYNC", O_SYNC},
        {"O_NOCTTY", O_NOCTTY}, {"O_ACCMODE", O_ACCMODE},
        {"SEEK_SET", SEEK_SET}, {"SEEK_CUR", SEEK_CUR}, {"SEEK_END", SEEK_END},
        {"WNOHANG", WNOHANG}, {"WUNTRACED", WUNTRACED},
        {"EX_OK", 0}, {"EX_USAGE", 64}, {"EX_DATAERR", 65}, {"EX_NOINPUT", 66},
        {"EX_SOFTWARE", 70}, {"EX_OSERR", 71}, {"EX_IOERR", 74},
        {"EX_NOUSER", 67}, {"EX_NOHOST", 68}, {"EX_UNAVAILABLE", 69}, {"EX_OSFILE", 72},
        {"EX_CANTCREAT", 73}, {"EX_TEMPFAIL", 75}, {"EX_PROTOCOL", 76}, {"EX_NOPERM", 77},
        {"EX_CONFIG", 78},
        {"PRIO_PROCESS", PRIO_PROCESS}, {"PRIO_PGRP", PRIO_PGRP}, {"PRIO_USER", PRIO_USER},
        {"O_ASYNC", O_ASYNC}, {"O_DIRECT", O_DIRECT}, {"O_DSYNC", O_DSYNC}, {"O_NDELAY", O_NDELAY},
        {"O_NOATIME", O_NOATIME}, {"O_PATH", O_PATH}, {"O_RSYNC", O_RSYNC}, {"O_TMPFILE", O_TMPFILE},
        {"O_FSYNC", O_FSYNC}, {"O_LARGEFILE", 0},
        {"SEEK_DATA", SEEK_DATA}, {"SEEK_HOLE", SEEK_HOLE},
        {"WCONTINUED", WCONTINUED}, {"WEXITED", WEXITED}, {"WSTOPPED", WSTOPPED}, {"WNOWAIT", WNOWAIT},
        {"CLD_EXITED", CLD_EXITED}, {"CLD_KILLED", CLD_KILLED}, {"CLD_DUMPED", CLD_DUMPED},
        {"CLD_TRAPPED", CLD_TRAPPED}, {"CLD_STOPPED", CLD_STOPPED}, {"CLD_CONTINUED", CLD_CONTINUED},
        {"RTLD_LAZY", RTLD_LAZY}, {"RTLD_NOW", RTLD_NOW}, {"RTLD_GLOBAL", RTLD_GLOBAL},
        {"RTLD_LOCAL", RTLD_LOCAL}, {"RTLD_NODELETE", RTLD_NODELETE}, {"RTLD_NOLOAD", RTLD_NOLOAD},
        {"RTLD_DEEPBIND", RTLD_DEEPBIND},
        {"F_LOCK", F_LOCK}, {"F_TLOCK", F_TLOCK}, {"F_ULOCK", F_ULOCK}, {"F_TEST", F_TEST},
        {"P_PID", P_PID}, {"P_PGID", P_PGID}, {"P_ALL", P_ALL},
        {"NGROUPS_MAX", NGROUPS_MAX}, {"TMP_MAX", TMP_MAX},
        {"P_WAIT", 0}, {"P_NOWAIT", 1},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        dict_set_str(d, str_intern_c(consts[i].name), MK_SMALL(consts[i].value));
    }
    return m;
}
