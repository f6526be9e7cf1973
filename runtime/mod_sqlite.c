// mod_sqlite.c: `_sqlite3`, the thin C core of the sqlite3 module on
// Debian's libsqlite3: a Database handle (open, prepare, exec, changes,
// user functions, aggregates and collations calling back into pyish) and a
// Statement handle (bind, step, columns, reset, finalize). Connection,
// Cursor, Row, the DB-API exceptions, adapters and converters live in
// runtime/lib/sqlite3/dbapi2.pyish; errors are raised through the
// exception factory it hands in (_set_raiser), which sees the extended
// result code, its name and SQLite's message. Both handles are traced and
// finalized, in either order (sqlite3_close_v2 waits for the statements;
// they share a DbCore saying whether close() was called).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "numstr.h"
#include "runtime.h"
#include "bytes.h"
#include "vmapi.h"

// What a database and its statements share, so that either may be
// collected first: the handle (NULL once closed) and how many hold it.
typedef struct DbCore {
    bool closed;    // close() was called: statements refuse to run
    int refs;
} DbCore;

typedef struct ObjDb {
    Obj hdr;
    sqlite3 *db;    // NULL once closed
    DbCore *core;
    Value keep;     // dict: the callables and live aggregate instances callbacks reach
    int64_t nagg;   // key of the next aggregate instance in keep
} ObjDb;

typedef struct ObjStmt {
    Obj hdr;
    sqlite3_stmt *st;   // NULL once finalized (by itself or by closing its database)
    DbCore *core;
    Value db;       // the ObjDb it was prepared on
} ObjStmt;

#define DB(v) ((ObjDb *)AS_OBJ(v))
#define STMT(v) ((ObjStmt *)AS_OBJ(v))

// A callback's user data (freed by SQLite when the function is dropped).
typedef struct Callback {
    ObjDb *owner;
    Value fn;
} Callback;

static const struct {
    const char *name;
    int code;
} errnames[] = {
#define E(n) {#n, n},
    E(SQLITE_OK)    E(SQLITE_ERROR)    E(SQLITE_INTERNAL)
    E(SQLITE_PERM)    E(SQLITE_ABORT)    E(SQLITE_BUSY)
    E(SQLITE_LOCKED)    E(SQLITE_NOMEM)    E(SQLITE_READONLY)
    E(SQLITE_INTERRUPT)    E(SQLITE_IOERR)    E(SQLITE_CORRUPT)
    E(SQLITE_NOTFOUND)    E(SQLITE_FULL)    E(SQLITE_CANTOPEN)
    E(SQLITE_PROTOCOL)    E(SQLITE_EMPTY)    E(SQLITE_SCHEMA)
    E(SQLITE_TOOBIG)    E(SQLITE_CONSTRAINT)    E(SQLITE_MISMATCH)
    E(SQLITE_MISUSE)    E(SQLITE_NOLFS)    E(SQLITE_AUTH)
    E(SQLITE_FORMAT)    E(SQLITE_RANGE)    E(SQLITE_NOTADB)
    E(SQLITE_NOTICE)    E(SQLITE_WARNING)    E(SQLITE_ROW)
    E(SQLITE_DONE)    E(SQLITE_ERROR_MISSING_COLLSEQ)    E(SQLITE_ERROR_RETRY)
    E(SQLITE_ERROR_SNAPSHOT)    E(SQLITE_IOERR_READ)    E(SQLITE_IOERR_SHORT_READ)
    E(SQLITE_IOERR_WRITE)    E(SQLITE_IOERR_FSYNC)    E(SQLITE_IOERR_DIR_FSYNC)
    E(SQLITE_IOERR_TRUNCATE)    E(SQLITE_IOERR_FSTAT)    E(SQLITE_IOERR_UNLOCK)
    E(SQLITE_IOERR_RDLOCK)    E(SQLITE_IOERR_DELETE)    E(SQLITE_IOERR_BLOCKED)
    E(SQLITE_IOERR_NOMEM)    E(SQLITE_IOERR_ACCESS)    E(SQLITE_IOERR_CHECKRESERVEDLOCK)
    E(SQLITE_IOERR_LOCK)    E(SQLITE_IOERR_CLOSE)    E(SQLITE_IOERR_DIR_CLOSE)
    E(SQLITE_IOERR_SHMOPEN)    E(SQLITE_IOERR_SHMSIZE)    E(SQLITE_IOERR_SHMLOCK)
    E(SQLITE_IOERR_SHMMAP)    E(SQLITE_IOERR_SEEK)    E(SQLITE_IOERR_DELETE_NOENT)
    E(SQLITE_IOERR_MMAP)    E(SQLITE_IOERR_GETTEMPPATH)    E(SQLITE_IOERR_CONVPATH)
    E(SQLITE_IOERR_VNODE)    E(SQLITE_IOERR_AUTH)    E(SQLITE_IOERR_BEGIN_ATOMIC)
    E(SQLITE_IOERR_COMMIT_ATOMIC)    E(SQLITE_IOERR_ROLLBACK_ATOMIC)    E(SQLITE_IOERR_DATA)
    E(SQLITE_IOERR_CORRUPTFS)    E(SQLITE_LOCKED_SHAREDCACHE)    E(SQLITE_LOCKED_VTAB)
    E(SQLITE_BUSY_RECOVERY)    E(SQLITE_BUSY_SNAPSHOT)    E(SQLITE_BUSY_TIMEOUT)
    E(SQLITE_CANTOPEN_NOTEMPDIR)    E(SQLITE_CANTOPEN_ISDIR)    E(SQLITE_CANTOPEN_FULLPATH)
    E(SQLITE_CANTOPEN_CONVPATH)    E(SQLITE_CANTOPEN_DIRTYWAL)    E(SQLITE_CANTOPEN_SYMLINK)
    E(SQLITE_CORRUPT_VTAB)    E(SQLITE_CORRUPT_SEQUENCE)    E(SQLITE_CORRUPT_INDEX)
    E(SQLITE_READONLY_RECOVERY)    E(SQLITE_READONLY_CANTLOCK)    E(SQLITE_READONLY_ROLLBACK)
    E(SQLITE_READONLY_DBMOVED)    E(SQLITE_READONLY_CANTINIT)    E(SQLITE_READONLY_DIRECTORY)
    E(SQLITE_ABORT_ROLLBACK)    E(SQLITE_CONSTRAINT_CHECK)    E(SQLITE_CONSTRAINT_COMMITHOOK)
    E(SQLITE_CONSTRAINT_FOREIGNKEY)    E(SQLITE_CONSTRAINT_FUNCTION)    E(SQLITE_CONSTRAINT_NOTNULL)
    E(SQLITE_CONSTRAINT_PRIMARYKEY)    E(SQLITE_CONSTRAINT_TRIGGER)    E(SQLITE_CONSTRAINT_UNIQUE)
    E(SQLITE_CONSTRAINT_VTAB)    E(SQLITE_CONSTRAINT_ROWID)    E(SQLITE_CONSTRAINT_PINNED)
    E(SQLITE_CONSTRAINT_DATATYPE)    E(SQLITE_NOTICE_RECOVER_WAL)    E(SQLITE_NOTICE_RECOVER_ROLLBACK)
    E(SQLITE_WARNING_AUTOINDEX)    E(SQLITE_AUTH_USER)    E(SQLITE_OK_LOAD_PERMANENTLY)
    E(SQLITE_OK_SYMLINK)
#undef E
};

static const char *errname(int code) {
    for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++) {
        if (errnames[i].code == code) {
            return errnames[i].name;
        }
    }
    return "unknown error code";
}

// Raises the exception sqlite3.pyish makes of [code] and [msg].
static Value raise_code(int code, const char *msg) {
    if (!ST->sqlite_raiser) {
        return exc_raise(exc_RuntimeError, "%s", msg);
    }
    Value args[3];
    args[0] = int_from_i64(code);
    args[1] = str_from_c(errname(code));
    gc_push_root(args[1]);
    args[2] = str_from_c(msg);
    gc_push_root(args[2]);
    Value e = vm_call(ST->sqlite_raiser, 3, args, NULL);
    gc_pop_root(2);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// Raises the error [db] holds now.
static Value raise_db(sqlite3 *db) {
    return raise_code(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
}

static Value closed(void) {
    return raise_code(-1, "Cannot operate on a closed database.");
}

// ---- values between pyish and SQLite

// [v] bound to parameter [i]; 1 bound, 0 unsupported type, -1 raised.
static int bind_value(sqlite3_stmt *st, int i, Value v) {
    int rc;
    if (IS_NONE(v)) {
        rc = sqlite3_bind_null(st, i);
    } else if (int_check(v)) {
        int64_t n;
        if (!int_to_i64(v, &n)) {
            exc_clear();
            exc_raise(exc_OverflowError, "Python int too large to convert to SQLite INTEGER");
            return -1;
        }
        rc = sqlite3_bind_int64(st, i, n);
    } else if (IS_FLOATISH(v)) {
        rc = sqlite3_bind_double(st, i, AS_FLOAT(v));
    } else if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_str)) {
        ObjStr *s = AS_STR(v);
        if (!str_no_surrogates(s)) {
            codec_encode(v, "utf-8", "strict");     // raises CPython's UnicodeEncodeError
            return -1;
        }
        rc = sqlite3_bind_text64(st, i, s->data, s->len, SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
        BufView b;
        int has = buffer_get(v, &b);
        if (has <= 0) {
            return has;
        }
        rc = sqlite3_bind_blob64(st, i, b.ptr ? (const void *)b.ptr : "", b.len, SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) {
        raise_db(sqlite3_db_handle(st));
        return -1;
    }
    return 1;
}

// Whether the [n] bytes at [p] are strict UTF-8.
static bool utf8_ok(const char *p, size_t n) {
    for (size_t i = 0; i < n;) {
        if ((unsigned char)p[i] < 0x80) {
            i++;
            continue;
        }
        int k = utf8_valid_len(p + i, n - i);
        if (k == 0) {
            return false;
        }
        i += (size_t)k;
    }
    return true;
}

// A str of UTF-8 text from SQLite; VAL_NULL with the error raised
// (UnicodeDecodeError for bytes that are not UTF-8).
static Value text_value(const char *p, size_t n) {
    p = p ? p : "";
    if (!utf8_ok(p, n)) {
        return codec_decode((const unsigned char *)p, n, "utf-8", "strict");
    }
    return str_try_new(p, n);
}

// Column [i] of the current row; TEXT as bytes when [raw].
static Value column_value(sqlite3_stmt *st, int i, bool raw) {
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return int_from_i64(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return float_new(sqlite3_column_double(st, i));
    case SQLITE_TEXT: {
        const char *p = (const char *)sqlite3_column_text(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        if (raw) {
            return bytes_new(p ? p : "", n);
        }
        if (!utf8_ok(p ? p : "", n)) {
            // CPython's message, made ASCII with '?'-like U+FFFD for other bytes
            const char *name = sqlite3_column_name(st, i);
            char buf[4096];
            snprintf(buf, sizeof buf - 1, "Could not decode to UTF-8 column '%s' with text '%s'", name ? name : "",
                     p ? p : "");
            Value m = codec_decode((const unsigned char *)buf, strlen(buf), "ascii", "replace");
            return m ? raise_code(-2, AS_STR(m)->data) : VAL_NULL;
        }
        return str_try_new(p ? p : "", n);
    }
    case SQLITE_BLOB: {
        const void *p = sqlite3_column_blob(st, i);
        return bytes_new(p ? p : "", (size_t)sqlite3_column_bytes(st, i));
    }
    default:
        return VAL_NONE;
    }
}

// An argument of a user function as a pyish value; VAL_NULL raised.
static Value arg_value(sqlite3_value *a) {
    switch (sqlite3_value_type(a)) {
    case SQLITE_INTEGER:
        return int_from_i64(sqlite3_value_int64(a));
    case SQLITE_FLOAT:
        return float_new(sqlite3_value_double(a));
    case SQLITE_TEXT:
        return text_value((const char *)sqlite3_value_text(a), (size_t)sqlite3_value_bytes(a));
    case SQLITE_BLOB: {
        const void *p = sqlite3_value_blob(a);
        return bytes_new(p ? p : "", (size_t)sqlite3_value_bytes(a));
    }
    default:
        return VAL_NONE;
    }
}

// The arguments as a list (rooted by the caller); VAL_NULL raised.
static Value args_list(int argc, sqlite3_value **argv) {
    Value l = list_new((size_t)argc);
    if (!l) {
        return VAL_NULL;
    }
    gc_push_root(l);
    for (int i = 0; i < argc; i++) {
        Value v = arg_value(argv[i]);
        if (!v || !list_append(AS_LIST(l), v)) {
            gc_pop_root(1);
            return VAL_NULL;
        }
    }
    gc_pop_root(1);
    return l;
}

// Sets a user function's result from [v]; false when its type is unsupported.
static bool set_result(sqlite3_context *ctx, Value v) {
    if (IS_NONE(v)) {
        sqlite3_result_null(ctx);
    } else if (int_check(v)) {
        int64_t n;
        if (!int_to_i64(v, &n)) {
            return false;   // OverflowError pending: SQLITE_TOOBIG
        }
        sqlite3_result_int64(ctx, n);
    } else if (IS_FLOATISH(v)) {
        sqlite3_result_double(ctx, AS_FLOAT(v));
    } else if (IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_str)) {
        ObjStr *s = AS_STR(v);
        if (!str_no_surrogates(s)) {
            codec_encode(v, "utf-8", "strict");
            return false;
        }
        sqlite3_result_text64(ctx, s->data, s->len, SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
        BufView b;
        if (buffer_get(v, &b) <= 0) {
            exc_clear();
            return false;
        }
        sqlite3_result_blob64(ctx, b.ptr ? (const void *)b.ptr : "", b.len, SQLITE_TRANSIENT);
    }
    return true;
}

// Reports a callback's failure to SQLite as CPython's set_sqlite_error:
// MemoryError as SQLITE_NOMEM, OverflowError as SQLITE_TOOBIG, else [msg];
// the pyish exception is dropped, or with enable_callback_tracebacks(True)
// printed as unraisable ("Exception ignored in: " [fn]).
static void callback_error(sqlite3_context *ctx, const char *msg, Value fn) {
    if (EXC_PENDING_IS(exc_MemoryError)) {
        sqlite3_result_error_nomem(ctx);
    } else if (EXC_PENDING_IS(exc_OverflowError)) {
        sqlite3_result_error_toobig(ctx);
    } else {
        sqlite3_result_error(ctx, msg, -1);
    }
    Value e = exc_take();
    if (e && ST->sqlite_tracebacks) {
        gc_push_root(e);
        Value r = obj_repr(fn);
        if (!r) {
            exc_clear();
        }
        fflush(stdout);
        fprintf(state_stderr(), "Exception ignored in: %s\n", r ? AS_STR(r)->data : "<callback>");
        tb_print_unraisable(e);
        gc_pop_root(1);
    }
}

// Calls [fn] with the list [l] as its arguments.
static Value call_list(Value fn, Value l) {
    return vm_call(fn, (int)AS_LIST(l)->len, AS_LIST(l)->items, NULL);
}

static void func_cb(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    Callback *cb = sqlite3_user_data(ctx);
    Value l = args_list(argc, argv);
    Value r = VAL_NULL;
    if (l) {
        gc_push_root(l);
        r = call_list(cb->fn, l);
        gc_pop_root(1);
    }
    if (!r || !set_result(ctx, r)) {
        callback_error(ctx, "user-defined function raised exception", cb->fn);
    }
}

// The aggregate's instance key (an int in owner->keep), made on first step.
static Value *agg_slot(sqlite3_context *ctx, bool make) {
    return sqlite3_aggregate_context(ctx, make ? (int)sizeof(Value) : 0);
}

static void step_cb(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    Callback *cb = sqlite3_user_data(ctx);
    Value *slot = agg_slot(ctx, true);
    if (!slot) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    Value inst = VAL_NULL;
    if (!*slot) {
        inst = vm_call(cb->fn, 0, NULL, NULL);
        if (!inst) {
            callback_error(ctx, "user-defined aggregate's '__init__' method raised error", cb->fn);
            return;
        }
        gc_push_root(inst);
        Value key = int_from_i64(++cb->owner->nagg);
        int bad = dict_set(AS_DICT(cb->owner->keep), key, inst);
        gc_pop_root(1);
        if (bad) {
            exc_clear();
            sqlite3_result_error_nomem(ctx);
            return;
        }
        *slot = key;
    } else if (dict_get(AS_DICT(cb->owner->keep), *slot, &inst) != 1) {
        exc_clear();
        return;
    }
    gc_push_root(inst);
    Value m = obj_getattr(inst, str_intern_c("step"));
    Value r = VAL_NULL;
    if (m) {
        gc_push_root(m);
        Value l = args_list(argc, argv);
        if (l) {
            gc_push_root(l);
            r = call_list(m, l);
            gc_pop_root(1);
        }
        gc_pop_root(1);
    }
    gc_pop_root(1);
    if (!r) {
        callback_error(ctx, "user-defined aggregate's 'step' method raised error", cb->fn);
    }
}

static void final_cb(sqlite3_context *ctx) {
    Callback *cb = sqlite3_user_data(ctx);
    Value *slot = agg_slot(ctx, false);
    Value inst;
    if (!slot || !*slot || dict_get(AS_DICT(cb->owner->keep), *slot, &inst) != 1) {
        exc_clear();
        sqlite3_result_null(ctx);   // no rows, or __init__ failed (reported by step)
        return;
    }
    dict_del(AS_DICT(cb->owner->keep), *slot);
    gc_push_root(inst);
    Value m = obj_getattr(inst, str_intern_c("finalize"));
    Value r = VAL_NULL;
    if (m) {
        gc_push_root(m);
        r = vm_call(m, 0, NULL, NULL);
        gc_pop_root(1);
    }
    gc_pop_root(1);
    if (!r || !set_result(ctx, r)) {
        callback_error(ctx, "user-defined aggregate's 'finalize' method raised error", cb->fn);
    }
}

static int collate_cb(void *data, int n1, const void *p1, int n2, const void *p2) {
    Callback *cb = data;
    Value a[2];
    a[0] = text_value(p1, (size_t)n1);
    if (!a[0]) {
        exc_clear();
        return 0;
    }
    gc_push_root(a[0]);
    a[1] = text_value(p2, (size_t)n2);
    if (!a[1]) {
        exc_clear();
        gc_pop_root(1);
        return 0;
    }
    gc_push_root(a[1]);
    Value r = vm_call(cb->fn, 2, a, NULL);
    gc_pop_root(2);
    int64_t n = 0;
    if (!r || !int_check(r) || !int_to_i64(r, &n)) {
        exc_clear();
        return 0;
    }
    return n < 0 ? -1 : n > 0 ? 1 : 0;
}

static void callback_free(void *p) {
    free(p);
}

// ---- Database

static sqlite3 *open_db(Value self) {
    sqlite3 *db = DB(self)->db;
    if (!db) {
        closed();
    }
    return db;
}

// open(path: str, timeout_ms: int, uri: bool) -> Database
static Value s_open(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("open", argc, 3, 3)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "path must be str");
    }
    int64_t ms;
    if (!int_to_i64(argv[1], &ms)) {
        return VAL_NULL;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | ((obj_truthy(argv[2]) > 0) ? SQLITE_OPEN_URI : 0);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(AS_STR(argv[0])->data, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        Value r = db ? raise_db(db) : raise_code(rc, sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return r;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, ms > INT32_MAX ? INT32_MAX : (int)ms);
    DbCore *core = malloc(sizeof *core);
    if (!core) {
        sqlite3_close_v2(db);
        return exc_raise(exc_MemoryError, NULL);
    }
    core->closed = false;
    core->refs = 1;
    Value keep = dict_new();
    gc_push_root(keep);
    ObjDb *o = (ObjDb *)obj_alloc(cls_sqlite_db, sizeof(ObjDb));
    o->db = db;
    o->core = core;
    o->keep = keep;
    gc_pop_root(1);
    return OBJ_VAL(o);
}

// Closes [o]'s database (sqlite3_close_v2): statements not finalized yet
// (a cursor's part-way through its rows, as in CPython) keep it a zombie,
// its transaction open, until they are finalized or collected.
static int db_close(ObjDb *o) {
    int rc = SQLITE_OK;
    if (o->db) {
        rc = sqlite3_close_v2(o->db);
        o->db = NULL;
        o->core->closed = true;
    }
    return rc;
}

static void core_release(DbCore *core) {
    if (core && --core->refs == 0) {
        free(core);
    }
}

static Value d_close(int argc, Value *argv, ObjDict *kw) {
    int rc = db_close(DB(argv[0]));
    return rc == SQLITE_OK ? VAL_NONE : raise_code(rc, sqlite3_errstr(rc));
}

static Value d_isopen(int argc, Value *argv, ObjDict *kw) {
    return VAL_BOOL(DB(argv[0])->db != NULL);
}

// prepare(sql) -> (Statement or None, the rest of sql after it)
static Value d_prepare(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    if (!db || !arg_count("prepare", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "sql must be str");
    }
    ObjStr *s = AS_STR(argv[1]);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v2(db, s->data, (int)(s->len + 1), &st, &tail);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return raise_db(db);
    }
    Value stv = VAL_NONE;
    if (st) {
        ObjStmt *o = (ObjStmt *)obj_alloc(cls_sqlite_stmt, sizeof(ObjStmt));
        o->st = st;
        o->core = DB(argv[0])->core;
        o->core->refs++;
        o->db = argv[0];
        stv = OBJ_VAL(o);
    }
    gc_push_root(stv);
    size_t off = tail ? (size_t)(tail - s->data) : s->len;
    if (off > s->len) {
        off = s->len;
    }
    Value rest = text_value(s->data + off, s->len - off);
    if (!rest) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(rest);
    Value t = tuple_pack(2, stv, rest);
    gc_pop_root(2);
    return t;
}

// exec(sql): runs [sql] with no parameters and no rows wanted.
static Value d_exec(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    if (!db || !arg_count("exec", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "sql must be str");
    }
    if (sqlite3_exec(db, AS_STR(argv[1])->data, NULL, NULL, NULL) != SQLITE_OK) {
        return raise_db(db);
    }
    return VAL_NONE;
}

static Value d_changes(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    return db ? int_from_i64(sqlite3_changes64(db)) : VAL_NULL;
}

static Value d_total_changes(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    return db ? int_from_i64(sqlite3_total_changes64(db)) : VAL_NULL;
}

static Value d_last_insert_rowid(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    return db ? int_from_i64(sqlite3_last_insert_rowid(db)) : VAL_NULL;
}

static Value d_autocommit(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    return db ? VAL_BOOL(sqlite3_get_autocommit(db)) : VAL_NULL;
}

static Value d_interrupt(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    if (db) {
        sqlite3_interrupt(db);
    }
    return db ? VAL_NONE : VAL_NULL;
}

// A Callback for [fn] kept alive by [self]'s keep dict; NULL raised.
static Callback *callback_new(Value self, Value fn) {
    if (dict_set(AS_DICT(DB(self)->keep), fn, VAL_TRUE) < 0) {
        exc_clear();
        Value key = int_from_i64(++DB(self)->nagg);     // unhashable: any key
        if (dict_set(AS_DICT(DB(self)->keep), key, fn) < 0) {
            return NULL;
        }
    }
    Callback *cb = malloc(sizeof *cb);
    if (!cb) {
        exc_raise(exc_MemoryError, NULL);
        return NULL;
    }
    cb->owner = DB(self);
    cb->fn = fn;
    return cb;
}

// create_function(name, narg, fn, deterministic, aggregate)
static Value d_create_function(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    if (!db || !arg_count("create_function", argc - 1, 5, 5)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "name must be str");
    }
    int64_t narg;
    if (!int_to_i64(argv[2], &narg)) {
        return VAL_NULL;
    }
    int flags = SQLITE_UTF8 | ((obj_truthy(argv[4]) > 0) ? SQLITE_DETERMINISTIC : 0);
    bool agg = (obj_truthy(argv[5]) > 0);
    // None is registered as any callable (CPython 3.11): calling it fails
    Callback *cb = callback_new(argv[0], argv[3]);
    if (!cb) {
        return VAL_NULL;
    }
    int rc = sqlite3_create_function_v2(db, AS_STR(argv[1])->data, (int)narg, flags, cb, agg ? NULL : func_cb,
                                        agg ? step_cb : NULL, agg ? final_cb : NULL, callback_free);
    if (rc != SQLITE_OK) {
        return raise_code(-3, agg ? "Error creating aggregate" : "Error creating function");
    }
    return VAL_NONE;
}

// create_collation(name, fn or None)
static Value d_create_collation(int argc, Value *argv, ObjDict *kw) {
    sqlite3 *db = open_db(argv[0]);
    if (!db || !arg_count("create_collation", argc - 1, 2, 2)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "name must be str");
    }
    int rc;
    if (IS_NONE(argv[2])) {
        rc = sqlite3_create_collation_v2(db, AS_STR(argv[1])->data, SQLITE_UTF8, NULL, NULL, NULL);
    } else {
        Callback *cb = callback_new(argv[0], argv[2]);
        if (!cb) {
            return VAL_NULL;
        }
        rc = sqlite3_create_collation_v2(db, AS_STR(argv[1])->data, SQLITE_UTF8, cb, collate_cb, callback_free);
    }
    if (rc != SQLITE_OK) {
        return raise_db(db);
    }
    return VAL_NONE;
}

static void db_trace(Obj *o) {
    gc_mark_value(((ObjDb *)o)->keep);
}

static void db_finalize(Obj *o) {
    ObjDb *d = (ObjDb *)o;
    if (d->core) {
        db_close(d);
        core_release(d->core);
        d->core = NULL;
    }
}

// ---- Statement

static sqlite3_stmt *live_stmt(Value self) {
    ObjStmt *s = STMT(self);
    if (!s->st || s->core->closed) {
        closed();
        return NULL;
    }
    return s->st;
}

static bool int_of(Value v, int64_t *out) {
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "an integer is required");
        return false;
    }
    return int_to_i64(v, out);
}

static Value t_param_count(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    return st ? MK_SMALL(sqlite3_bind_parameter_count(st)) : VAL_NULL;
}

// param_name(i): the name of parameter i (1-based) without its prefix, or None
static Value t_param_name(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    int64_t i;
    if (!st || !arg_count("param_name", argc - 1, 1, 1) || !int_of(argv[1], &i)) {
        return VAL_NULL;
    }
    const char *n = sqlite3_bind_parameter_name(st, (int)i);
    return n ? text_value(n + 1, strlen(n + 1)) : VAL_NONE;
}

// bind(i, value) -> True, or False for a type SQLite cannot take
static Value t_bind(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    int64_t i;
    if (!st || !arg_count("bind", argc - 1, 2, 2) || !int_of(argv[1], &i)) {
        return VAL_NULL;
    }
    int r = bind_value(st, (int)i, argv[2]);
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

// Whether [v] binds as itself with no adapter asked (None or an exact int,
// float, str or bytearray).
static bool plain_param(Value v) {
    ObjClass *c = val_class(v);
    return IS_NONE(v) || c == cls_int || c == cls_float || c == cls_str || c == cls_bytearray;
}

// bind_fast(params) -> how many of the leading items of the tuple or list
// [params] it bound to parameters 1, 2, ...: it stops at the first that is
// not None or an exact int, float, str or bytearray (those that may need
// an adapter; the caller binds the rest).
static Value t_bind_fast(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    if (!st || !arg_count("bind_fast", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value p = argv[1];
    size_t n;
    Value *items;
    if (IS_TUPLE(p)) {
        n = AS_TUPLE(p)->len;
        items = AS_TUPLE(p)->items;
    } else if (IS_LIST(p)) {
        n = AS_LIST(p)->len;
        items = AS_LIST(p)->items;
    } else {
        return MK_SMALL(0);
    }
    size_t i = 0;
    for (; i < n; i++) {
        Value v = items[i];
        if (!plain_param(v)) {
            break;
        }
        if (bind_value(st, (int)i + 1, v) < 0) {
            return VAL_NULL;
        }
    }
    return MK_SMALL((int64_t)i);
}

// Steps [st]: 1 a row is ready, 0 done, -1 raised (the statement reset).
static int step_once(sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        return rc == SQLITE_ROW;
    }
    exc_clear();    // a callback's error: SQLite's message says it
    sqlite3 *db = sqlite3_db_handle(st);
    raise_code(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
    sqlite3_reset(st);
    return -1;
}

// run(params) -> reset, bind and step in one: True when a row is ready,
// False when done; None, with nothing bound or stepped, when [params] is
// not a tuple or list of as many plain values (see plain_param) as the
// statement has parameters (the caller binds those itself).
static Value t_run(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    if (!st || !arg_count("run", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    Value p = argv[1];
    size_t n;
    Value *items;
    if (IS_TUPLE(p)) {
        n = AS_TUPLE(p)->len;
        items = AS_TUPLE(p)->items;
    } else if (IS_LIST(p)) {
        n = AS_LIST(p)->len;
        items = AS_LIST(p)->items;
    } else {
        return VAL_NONE;
    }
    if (n != (size_t)sqlite3_bind_parameter_count(st)) {
        return VAL_NONE;
    }
    for (size_t i = 0; i < n; i++) {
        if (!plain_param(items[i])) {
            return VAL_NONE;
        }
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < n; i++) {
        if (bind_value(st, (int)i + 1, items[i]) < 0) {
            return VAL_NULL;
        }
    }
    int r = step_once(st);
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

// The current row of [st] as a tuple, TEXT as bytes when [raw]; VAL_NULL raised.
static Value row_tuple(sqlite3_stmt *st, bool raw) {
    int n = sqlite3_data_count(st);
    Value t = tuple_new((size_t)n);
    if (!t) {
        return VAL_NULL;
    }
    for (int i = 0; i < n; i++) {
        AS_TUPLE(t)->items[i] = VAL_NONE;
    }
    gc_push_root(t);
    for (int i = 0; i < n; i++) {
        Value v = column_value(st, i, raw);
        if (!v) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(t)->items[i] = v;
    }
    gc_pop_root(1);
    return t;
}

// fetch() -> the current row (TEXT as str), then steps to the next one; the
// statement is reset when that was the last (busy() is then False, as it
// is after a failed step, which reset it too).
static Value t_fetch(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    if (!st || !arg_count("fetch", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value t = row_tuple(st, false);
    if (!t) {
        return VAL_NULL;
    }
    gc_push_root(t);
    int r = step_once(st);
    gc_pop_root(1);
    if (r < 0) {
        return VAL_NULL;
    }
    if (r == 0) {
        sqlite3_reset(st);
    }
    return t;
}

// description() -> the cursor's description: a 7-tuple (name, None x 6)
// per column, or None when the statement has no columns
static Value t_description(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    if (!st || !arg_count("description", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    int n = sqlite3_column_count(st);
    if (n <= 0) {
        return VAL_NONE;
    }
    Value d = tuple_new((size_t)n);
    if (!d) {
        return VAL_NULL;
    }
    for (int i = 0; i < n; i++) {
        AS_TUPLE(d)->items[i] = VAL_NONE;
    }
    gc_push_root(d);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        Value s = name ? text_value(name, strlen(name)) : VAL_NONE;
        Value e = s ? tuple_new(7) : VAL_NULL;
        if (!e) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(e)->items[0] = s;
        for (int k = 1; k < 7; k++) {
            AS_TUPLE(e)->items[k] = VAL_NONE;
        }
        AS_TUPLE(d)->items[i] = e;
    }
    gc_pop_root(1);
    return d;
}

// step() -> True when a row is ready, False when done
static Value t_step(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    if (!st || !arg_count("step", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    int r = step_once(st);
    return r < 0 ? VAL_NULL : VAL_BOOL(r);
}

// row(raw_text) -> the current row as a tuple, TEXT as bytes when raw_text
static Value t_row(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    if (!st || !arg_count("row", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    return row_tuple(st, obj_truthy(argv[1]) > 0);
}

// busy() -> whether the statement is part-way through its rows
static Value t_busy(int argc, Value *argv, ObjDict *kw) {
    ObjStmt *s = STMT(argv[0]);
    return VAL_BOOL(s->st && !s->core->closed && sqlite3_stmt_busy(s->st));
}

static Value t_reset(int argc, Value *argv, ObjDict *kw) {
    ObjStmt *s = STMT(argv[0]);
    if (s->st && !s->core->closed) {
        sqlite3_reset(s->st);
    }
    return VAL_NONE;
}

// Finalizes [s]'s statement (after its database's close too: that frees
// the zombie the close left).
static void stmt_drop(ObjStmt *s) {
    if (s->st) {
        sqlite3_finalize(s->st);
    }
    s->st = NULL;
}

static Value t_finalize(int argc, Value *argv, ObjDict *kw) {
    stmt_drop(STMT(argv[0]));
    return VAL_NONE;
}

static Value t_ncols(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    return st ? MK_SMALL(sqlite3_column_count(st)) : VAL_NULL;
}

// colname(i), decltype(i): str or None
static Value t_colname(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    int64_t i;
    if (!st || !arg_count("colname", argc - 1, 1, 1) || !int_of(argv[1], &i)) {
        return VAL_NULL;
    }
    const char *n = sqlite3_column_name(st, (int)i);
    return n ? text_value(n, strlen(n)) : VAL_NONE;
}

static Value t_decltype(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    int64_t i;
    if (!st || !arg_count("decltype", argc - 1, 1, 1) || !int_of(argv[1], &i)) {
        return VAL_NULL;
    }
    const char *n = sqlite3_column_decltype(st, (int)i);
    return n ? text_value(n, strlen(n)) : VAL_NONE;
}

// coltype(i): SQLite's storage class of column i in the current row (1..5)
static Value t_coltype(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    int64_t i;
    if (!st || !arg_count("coltype", argc - 1, 1, 1) || !int_of(argv[1], &i)) {
        return VAL_NULL;
    }
    return MK_SMALL(sqlite3_column_type(st, (int)i));
}

// colbytes(i): column i of the current row as bytes (None when NULL)
static Value t_colbytes(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    int64_t i;
    if (!st || !arg_count("colbytes", argc - 1, 1, 1) || !int_of(argv[1], &i)) {
        return VAL_NULL;
    }
    if (sqlite3_column_type(st, (int)i) == SQLITE_NULL) {
        return VAL_NONE;
    }
    const void *p = sqlite3_column_blob(st, (int)i);
    return bytes_new(p ? p : "", (size_t)sqlite3_column_bytes(st, (int)i));
}

static Value t_readonly(int argc, Value *argv, ObjDict *kw) {
    sqlite3_stmt *st = live_stmt(argv[0]);
    return st ? VAL_BOOL(sqlite3_stmt_readonly(st)) : VAL_NULL;
}

static void stmt_trace(Obj *o) {
    gc_mark_value(((ObjStmt *)o)->db);
}

static void stmt_finalize(Obj *o) {
    ObjStmt *s = (ObjStmt *)o;
    stmt_drop(s);
    core_release(s->core);
    s->core = NULL;
}

// ---- the module

static Value s_complete(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("complete_statement", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "complete_statement() argument 'statement' must be str, not %s",
                         val_type_name(argv[0]));
    }
    return VAL_BOOL(sqlite3_complete(AS_STR(argv[0])->data));
}

// _set_tracebacks(flag): sqlite3.enable_callback_tracebacks
static Value s_set_tracebacks(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_set_tracebacks", argc, 1, 1)) {
        return VAL_NULL;
    }
    int t = obj_truthy(argv[0]);
    if (t < 0) {
        return VAL_NULL;
    }
    ST->sqlite_tracebacks = t > 0;
    return VAL_NONE;
}

static Value s_set_raiser(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_set_raiser", argc, 1, 1)) {
        return VAL_NULL;
    }
    ST->sqlite_raiser = argv[0];
    return VAL_NONE;
}

static const MethodDef db_methods[] = {
    {"close", d_close},
    {"isopen", d_isopen},
    {"prepare", d_prepare},
    {"exec", d_exec},
    {"changes", d_changes},
    {"total_changes", d_total_changes},
    {"last_insert_rowid", d_last_insert_rowid},
    {"autocommit", d_autocommit},
    {"interrupt", d_interrupt},
    {"create_function", d_create_function},
    {"create_collation", d_create_collation},
    {NULL, NULL},
};

static const MethodDef stmt_methods[] = {
    {"param_count", t_param_count},
    {"param_name", t_param_name},
    {"bind", t_bind},
    {"bind_fast", t_bind_fast},
    {"step", t_step},
    {"run", t_run},
    {"fetch", t_fetch},
    {"description", t_description},
    {"row", t_row},
    {"busy", t_busy},
    {"reset", t_reset},
    {"finalize", t_finalize},
    {"ncols", t_ncols},
    {"colname", t_colname},
    {"decltype", t_decltype},
    {"coltype", t_coltype},
    {"colbytes", t_colbytes},
    {"readonly", t_readonly},
    {NULL, NULL},
};

static const MethodDef sqlite_fns[] = {
    {"open", s_open},
    {"complete_statement", s_complete},
    {"_set_raiser", s_set_raiser},
    {"_set_tracebacks", s_set_tracebacks},
    {NULL, NULL},
};

static void mark_sqlite(void) {
    gc_mark_value(ST->sqlite_raiser);
}

static ObjClass *handle_class(const char *name, size_t size, const MethodDef *methods) {
    ObjClass *c = class_new_builtin(name, NULL, size, methods);
    c->module = str_intern_c("_sqlite3");
    c->flags &= ~(uint32_t)CLS_BASETYPE;
    c->new_ = NULL;
    return c;
}

Value mod_sqlite_init(void) {
    if (!cls_sqlite_db) {
        cls_sqlite_db = handle_class("Database", sizeof(ObjDb), db_methods);
        cls_sqlite_db->trace = db_trace;
        cls_sqlite_db->finalize = db_finalize;
        cls_sqlite_stmt = handle_class("Statement", sizeof(ObjStmt), stmt_methods);
        cls_sqlite_stmt->trace = stmt_trace;
        cls_sqlite_stmt->finalize = stmt_finalize;
        gc_add_root_marker(mark_sqlite);
    }
    Value m = module_new("_sqlite3");
    gc_push_root(m);
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "_sqlite3", sqlite_fns);
    dict_set_str(d, str_intern_c("sqlite_version"), str_from_c(sqlite3_libversion()));
    Value names = dict_new();
    dict_set_str(d, str_intern_c("errnames"), names);
    for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++) {
        dict_set_str(AS_DICT(names), str_intern_c(errnames[i].name), MK_SMALL(errnames[i].code));
    }
    gc_pop_root(1);
    return m;
}
