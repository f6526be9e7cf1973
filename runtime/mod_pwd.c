// mod_pwd.c: `_pwd`, the C core of the pwd and grp modules: the password
// and group databases through getpwuid_r/getpwnam_r/getpwent and
// getgrgid_r/getgrnam_r/getgrent, as plain tuples that runtime/lib/pwd.pyish
// and grp.pyish turn into struct_passwd and struct_group. Messages are
// CPython's ("getpwuid(): uid not found: 5", "uid should be integer, not
// str"). Not registered in a sandbox.
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "numstr.h"
#include "bytes.h"
#include "runtime.h"

// A field of the databases as str: UTF-8, else os.fsdecode's surrogateescape.
static Value fs_str(const char *s) {
    Value v = str_try_new(s ? s : "", s ? strlen(s) : 0);
    if (!v) {
        exc_clear();
        v = codec_decode((const unsigned char *)s, strlen(s), "utf-8", "surrogateescape");
    }
    return v;
}

// A tuple of [n] Nones, to fill.
static Value nones(int n) {
    Value t = tuple_new((size_t)n);
    for (int i = 0; i < n; i++) {
        AS_TUPLE(t)->items[i] = VAL_NONE;
    }
    return t;
}

static Value passwd_tuple(const struct passwd *p) {
    Value t = nones(7);
    gc_push_root(t);
    Value *it = AS_TUPLE(t)->items;
    bool ok = (it[0] = fs_str(p->pw_name)) && (it[1] = fs_str(p->pw_passwd)) &&
              (it[2] = int_from_u64(p->pw_uid)) && (it[3] = int_from_u64(p->pw_gid)) &&
              (it[4] = fs_str(p->pw_gecos)) && (it[5] = fs_str(p->pw_dir)) && (it[6] = fs_str(p->pw_shell));
    gc_pop_root(1);
    return ok ? t : VAL_NULL;
}

static Value group_tuple(const struct group *g) {
    Value t = nones(4);
    gc_push_root(t);
    Value *it = AS_TUPLE(t)->items;
    bool ok = (it[0] = fs_str(g->gr_name)) && (it[1] = fs_str(g->gr_passwd)) && (it[2] = int_from_u64(g->gr_gid)) &&
              (it[3] = list_new(0));
    for (char **m = g->gr_mem; ok && m && *m; m++) {
        Value s = fs_str(*m);
        ok = s && list_append(AS_LIST(it[3]), s);
    }
    gc_pop_root(1);
    return ok ? t : VAL_NULL;
}

// The id argument of getpwuid/getgrgid: -1 with TypeError for a non-int, 0
// with *fits false when it is no uid_t/gid_t, 1 otherwise.
static int id_arg(Value v, const char *what, uint32_t *out, bool *fits) {
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "%s should be integer, not %s", what, val_type_name(v));
        return -1;
    }
    int64_t i;
    if (!int_to_i64(v, &i)) {
        exc_clear();
        *fits = false;
        return 0;
    }
    *fits = i >= 0 && i < (int64_t)UINT32_MAX;
    *out = (uint32_t)i;
    return 1;
}

// The name argument of getpwnam/getgrnam, NUL-free; NULL with an error.
// ([arg]: "argument" or "argument 'name'", as CPython words each)
static const char *name_arg(Value v, const char *fname, const char *arg) {
    if (!IS_STR(v)) {
        exc_raise(exc_TypeError, "%s() %s must be str, not %s", fname, arg, val_type_name(v));
        return NULL;
    }
    if (strlen(AS_STR(v)->data) != AS_STR(v)->len) {
        exc_raise(exc_ValueError, "embedded null byte");
        return NULL;
    }
    return AS_STR(v)->data;
}

// A buffer for the _r functions, grown on ERANGE.
typedef struct {
    char *data;
    size_t size;
} Buf;

static bool buf_grow(Buf *b) {
    size_t n = b->size ? b->size * 2 : 1024;
    char *d = realloc(b->data, n);
    if (!d || n > (1u << 24)) {
        free(d ? d : b->data);
        b->data = NULL;
        exc_raise(exc_MemoryError, NULL);
        return false;
    }
    b->data = d;
    b->size = n;
    return true;
}

static Value not_found(const char *fname, const char *what, Value v, bool with_value) {
    if (!with_value) {
        return exc_raise(exc_KeyError, "%s(): %s not found", fname, what);
    }
    Value r = obj_repr(v);
    return r ? exc_raise(exc_KeyError, "%s(): %s not found: %s", fname, what, AS_STR(r)->data) : VAL_NULL;
}

static Value p_getpwuid(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getpwuid", argc, 1, 1)) {
        return VAL_NULL;
    }
    uint32_t uid;
    bool fits;
    int r = id_arg(argv[0], "uid", &uid, &fits);
    if (r < 0) {
        return VAL_NULL;
    }
    if (!fits) {
        return not_found("getpwuid", "uid", argv[0], false);
    }
    Buf b = {0};
    struct passwd pw, *res = NULL;
    int e;
    do {
        if (!buf_grow(&b)) {
            return VAL_NULL;
        }
        e = getpwuid_r((uid_t)uid, &pw, b.data, b.size, &res);
    } while (e == ERANGE);
    Value out = res ? passwd_tuple(res) : not_found("getpwuid", "uid", argv[0], true);
    free(b.data);
    return out;
}

static Value p_getpwnam(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getpwnam", argc, 1, 1)) {
        return VAL_NULL;
    }
    const char *name = name_arg(argv[0], "getpwnam", "argument");
    if (!name) {
        return VAL_NULL;
    }
    Buf b = {0};
    struct passwd pw, *res = NULL;
    int e;
    do {
        if (!buf_grow(&b)) {
            return VAL_NULL;
        }
        e = getpwnam_r(name, &pw, b.data, b.size, &res);
    } while (e == ERANGE);
    Value out = res ? passwd_tuple(res) : not_found("getpwnam", "name", argv[0], true);
    free(b.data);
    return out;
}

static Value p_getgrgid(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getgrgid", argc, 1, 1)) {
        return VAL_NULL;
    }
    uint32_t gid;
    bool fits;
    int r = id_arg(argv[0], "gid", &gid, &fits);
    if (r < 0) {
        return VAL_NULL;
    }
    if (!fits) {
        return not_found("getgrgid", "gid", argv[0], false);
    }
    Buf b = {0};
    struct group gr, *res = NULL;
    int e;
    do {
        if (!buf_grow(&b)) {
            return VAL_NULL;
        }
        e = getgrgid_r((gid_t)gid, &gr, b.data, b.size, &res);
    } while (e == ERANGE);
    Value out = res ? group_tuple(res) : not_found("getgrgid", "gid", argv[0], true);
    free(b.data);
    return out;
}

static Value p_getgrnam(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getgrnam", argc, 1, 1)) {
        return VAL_NULL;
    }
    const char *name = name_arg(argv[0], "getgrnam", "argument 'name'");
    if (!name) {
        return VAL_NULL;
    }
    Buf b = {0};
    struct group gr, *res = NULL;
    int e;
    do {
        if (!buf_grow(&b)) {
            return VAL_NULL;
        }
        e = getgrnam_r(name, &gr, b.data, b.size, &res);
    } while (e == ERANGE);
    Value out = res ? group_tuple(res) : not_found("getgrnam", "name", argv[0], true);
    free(b.data);
    return out;
}

// getpwall() / getgrall(): every entry, through setpwent/getpwent/endpwent.
static Value p_getpwall(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getpwall", argc, 0, 0)) {
        return VAL_NULL;
    }
    Value l = list_new(16);
    gc_push_root(l);
    setpwent();
    struct passwd *p;
    bool ok = true;
    while (ok && (p = getpwent())) {
        Value t = passwd_tuple(p);
        ok = t && list_append(AS_LIST(l), t);
    }
    endpwent();
    gc_pop_root(1);
    return ok ? l : VAL_NULL;
}

static Value p_getgrall(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("getgrall", argc, 0, 0)) {
        return VAL_NULL;
    }
    Value l = list_new(16);
    gc_push_root(l);
    setgrent();
    struct group *g;
    bool ok = true;
    while (ok && (g = getgrent())) {
        Value t = group_tuple(g);
        ok = t && list_append(AS_LIST(l), t);
    }
    endgrent();
    gc_pop_root(1);
    return ok ? l : VAL_NULL;
}

static const MethodDef pwd_fns[] = {
    {"getpwuid", p_getpwuid},
    {"getpwnam", p_getpwnam},
    {"getpwall", p_getpwall},
    {"getgrgid", p_getgrgid},
    {"getgrnam", p_getgrnam},
    {"getgrall", p_getgrall},
    {NULL, NULL},
};

Value mod_pwd_init(void) {
    Value m = module_new("_pwd");
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, "pwd", pwd_fns);
    return m;
}
