// containers.h: the containers' internal interface beyond object.h: the
// hash table shared by dict, set and frozenset, slice and range helpers, the
// list sort used by sorted(), the init functions of the container files, a
// small string builder for reprs, and the recursion guard that makes
// `l.append(l); repr(l)` print "[[...]]".
#ifndef PYISH_CONTAINERS_H
#define PYISH_CONTAINERS_H

#include <string.h>
#include "object.h"
#include "numstr.h"

// ---- init functions (called by runtime_init in object.c)
// (tuple_init, list_init, dict_init, set_init, range_init: runtime.h)
void dict_init_late(void);  // after class_ready (classmethods)
void iterobj_init(void);    // enumerate, zip, map, filter, reversed, iter(f, s)
void builtins_init(ObjDict *builtins);

// hash(key) for the dict and set tables, with the common small-int and str
// cases inline. Must agree with obj_hash: ints hash to their value modulo
// 2^61-1 (sign kept, -1 -> -2).
static inline bool table_hash(Value key, int64_t *h) {
    if (IS_SMALL(key)) {
        int64_t v = AS_SMALL(key) % (int64_t)(((uint64_t)1 << 61) - 1);
        *h = v == -1 ? -2 : v;
        return true;
    }
    if (IS_STR(key)) {
        ObjStr *s = AS_STR(key);
        *h = s->hash != -1 ? s->hash : str_hash(s);
        return true;
    }
    return obj_hash(key, h);
}

// ---- the dict's hash table (dict.c). [hash] is obj_hash(key).
// Finds [key]: entry index >= 0, -1 missing, -2 error (user __eq__ raised).
int64_t table_find(ObjDict *d, Value key, int64_t hash);
// Inserts or replaces; 0 ok, -1 error.
int table_insert(ObjDict *d, Value key, int64_t hash, Value value);
// Removes entry [ix] (found by table_find) and its index slot.
void table_remove_at(ObjDict *d, int64_t ix, int64_t hash);
// Empties the table and frees its buffers.
void table_clear(ObjDict *d);
// Copies every live entry of [src] into the empty table [dst] (no hashing);
// false: MemoryError (only under real memory exhaustion).
bool table_copy(ObjDict *dst, ObjDict *src);
// GC helpers for tables embedded in other objects.
void table_trace(ObjDict *d);
void table_free(ObjDict *d);

// ---- dict.c
// dict[key] for [self] (dict or subclass): calls __missing__ on a subclass
// that defines it, else raises KeyError(key).
Value dict_getitem(Value self, Value key);
// Entry index of str key [s], or -1 (for the VM's global-name caches).
int64_t dict_index_str(ObjDict *d, ObjStr *s);
// Raises KeyError with [key] as its argument (printed as KeyError: 'x').
Value dict_key_error(Value key);
// dict.update(arg): mapping (has keys()) or iterable of pairs; -1 error.
int dict_update_from(ObjDict *d, Value arg);
// Shared pieces of the dict class for subclasses in C (defaultdict).
Value dict_repr(Value self);
void dict_trace(Obj *o);
void dict_finalize(Obj *o);

// ---- set.c
// set(iterable) / frozenset(iterable) of class [cls].
Value set_from_iterable(ObjClass *cls, Value iterable);
int set_discard(ObjSet *s, Value key);      // 1 removed, 0 absent, -1 error
// CPython's set_difference_update_internal and
// set_symmetric_difference_update on [s] (0 ok, -1 error), and
// set_intersection ([so] a set or frozenset; a new set, VAL_NULL on error):
// the dict views' operators are built on them (and on set_update).
int set_difference_update(ObjSet *s, Value other);
int set_symmetric_update(ObjSet *s, Value other);
Value set_intersection(Value so, Value other);
// The next entry (key and stored hash) at or after *[pos] in the set's
// iteration order, *[pos] advanced past it; NULL at the end.
SetEntry *set_entry_next(ObjSet *s, size_t *pos);

// ---- list.c
// Sorts [l] in place, stable, by obj_lt on items or on key(item) when [key]
// is neither VAL_NULL nor None; false with an exception on error.
bool list_sort_inplace(ObjList *l, Value key, bool reverse);
// reverse= of list.sort / sorted(): 1 or 0, -1 with TypeError for a non-int.
int list_sort_reverse_arg(Value rev);
// Appends every item of [iterable] to [l]; false on error.
bool list_extend(ObjList *l, Value iterable);
// Appends the [n] values at [items] (not l's own) to [l]; false: MemoryError.
bool list_append_items(ObjList *l, const Value *items, size_t n);

// ---- tuple.c
// Converts an index value (int, bool, __index__) to int64; false + error
// (TypeError "<what> indices must be integers or slices, not X").
bool index_value(Value v, const char *what, int64_t *out);
// A start/stop bound of index(): as index_value, big ints saturate to +-2^62.
bool index_bound_value(Value v, int64_t *out);
// The optional start/stop arguments argv[2], argv[3] of a sequence's
// index(x, start, stop) clamped to [0, len], as CPython (a non-integer is
// "slice indices must be integers or have an __index__ method").
bool index_bounds(int argc, Value *argv, int64_t len, int64_t *lo, int64_t *hi);
// A position of list.pop/insert: as index_value, a big int is OverflowError.
bool ssize_value(Value v, int64_t *out);

// ---- range.c
Value slice_new(Value start, Value stop, Value step);
Value range_new(int64_t start, int64_t stop, int64_t step);
// Python's slice.indices clamping for a sequence of [len]; false: error.
bool slice_indices(ObjSlice *s, int64_t len, int64_t *start, int64_t *stop,
                   int64_t *step, int64_t *slicelen);
#define IS_SLICE(v) IS_A(v, cls_slice)

// ---- mappingproxy.c: read-only view of a class dict (C.__dict__, vars(C))
Value mappingproxy_new(Value mapping);

// ---- iterobj.c
// The iterator of iter([f], [sentinel]).
Value iterobj_callable_iter(Value f, Value sentinel);
// Pickling of iterators, as CPython 3.11's __reduce__/__setstate__:
// iter_reduce_at gives (builtin [fn], (seq,), index), or (iter, (empty,))
// once exhausted ([seq] VAL_NULL; [empty] rooted by the caller or fresh;
// [fn] ending in '!': fn then too, without the '!');
// iter_setstate_at reads __setstate__'s one argument into *[out], clamped
// to [lo, hi]; iter_reduce_copy gives (iter, (list,)) with the items a
// copy of the [size]-byte iterator [self] still yields (dict and set
// iterators, whose state is their own fields).
Value iter_reduce_at(const char *fn, Value seq, int64_t index, Value empty);
bool iter_setstate_at(int argc, Value *argv, int64_t lo, int64_t hi, int64_t *out);
Value iter_reduce_copy(Value self, size_t size);

// ---- builtins.c, builtins_file.c, builtins_args.c
// Writes [str] to [file] (its .write method) or to stdout when [file] is
// VAL_NULL or None; VAL_NULL on error.
Value sys_write(Value file, Value str);
// The object sys.stdout is bound to when a program replaced it (print()
// then writes there), else VAL_NULL (the process's stdout) (mod_sys.c).
Value sys_redirected_stdout(void);
// What sys.NAME is bound to now (None if the program set None or deleted
// it), VAL_NULL when the sys module is not made yet (mod_sys.c).
Value sys_current(const char *name);
Value sys_displayhook(int argc, Value *argv, ObjDict *kw);
// True if [v] is one of the process's standard streams (sys.__stdout__...).
bool sys_is_stream(Value v);
// `import readline` done and stdin and stdout are terminals: input() then
// edits its line with libedit through readline_input (mod_readline.c).
bool readline_active(void);
Value readline_input(const char *prompt);
// callable(v) (builtins.c).
bool obj_is_callable(Value v);
// Wraps the stdio stream [fp] as a pyish file object (for sys.stdout ...).
Value builtins_file_new(FILE *fp, const char *name, const char *mode);
// Whether -u or PYTHONUNBUFFERED asks for CPython's unbuffered stdout: sys
// makes stdout and stderr unbuffered at start-up, and stdout is flushed
// before each write to stderr.
bool stdout_unbuffered(void);
// io.UnsupportedOperation (made once per state; NULL on error).
ObjClass *io_unsupported_class(void);
// Makes the file class (cls_file) if the state has none yet (builtins_init).
void builtins_file_init(void);
// Makes _io.StringIO and _io.BytesIO (cls_stringio, cls_bytesio) once per state (io_memory.c).
void io_memory_init(void);
// open(file, mode='r', buffering=-1, encoding=None, errors=None,
// newline=None): a text file object.
Value builtins_open(int argc, Value *argv, ObjDict *kw);
// Whether text written to file [f] goes out as UTF-8 unchanged (its
// encoding is UTF-8 and errors strict): print's direct path for sys.stdout.
bool file_writes_utf8(Value f);
// Adds [fn] to [cls] as a classmethod named [name].
ObjNative *class_add_classmethod(ObjClass *cls, const char *name, NativeFn fn);
// The builtin [name], looked up now (the iterators' __reduce__ want iter);
// VAL_NULL with AttributeError if deleted.
Value builtins_get(const char *name);
// Raises TypeError for unknown keywords: allowed names NULL-terminated.
bool kw_only(const char *fname, ObjDict *kw, const char *const *allowed);

// ---- repr recursion guard: repr_enter returns 1 when [o] is already being
// printed (print "[...]"), 0 when entered, -1 (RecursionError) when too deep.
int repr_enter(Obj *o);
void repr_leave(Obj *o);

// ---- building strs (SBuf and sb_* come from numstr.h)
static inline void ct_addstr(SBuf *b, Value str) {
    sb_add(b, AS_STR(str)->data, AS_STR(str)->len);
}

// Appends repr(v) to [b]; false on error.
static inline bool ct_addrepr(SBuf *b, Value v) {
    Value r = obj_repr(v);
    if (!r) {
        return false;
    }
    ct_addstr(b, r);
    return true;
}

// True when the user class [cls] defines its own __init__: then builtin
// __new__s ignore their arguments and leave the work to __init__.
static inline bool has_user_init(ObjClass *cls) {
    if (!(cls->flags & CLS_USER)) {
        return false;
    }
    Value init = class_lookup(cls, ST->s_init);
    return init && !IS_A(init, cls_native);
}

// Layout tests that accept subclasses (user classes inheriting the layout).
// (A C subclass such as a namedtuple class is its own native_base, so the
// slow path checks that native_base derives from [c].)
static inline bool kind_slow(ObjClass *nb, ObjClass *c) {
    return nb != cls_object && nb->mro && nb->mro->len > 2 && class_is_subclass(nb, c);
}
#define IS_KIND(v, c) (IS_OBJ(v) && (AS_OBJ(v)->cls == (c) || AS_OBJ(v)->cls->native_base == (c) \
                                     || kind_slow(AS_OBJ(v)->cls->native_base, (c))))
#define IS_LISTISH(v) IS_KIND(v, cls_list)
#define IS_TUPLEISH(v) IS_KIND(v, cls_tuple)
#define IS_DICTISH(v) IS_KIND(v, cls_dict)
#define IS_SETISH(v) (IS_KIND(v, cls_set) || IS_KIND(v, cls_frozenset))

// Lexicographic comparison of two lists or two tuples (re-reads items after
// every call into user code); NotImplemented when [b] is not of [a]'s kind.
Value seq_compare(Value a, Value b, int op);
// The count [nv] of `seq * nv` (list, tuple, deque): 1 with *n set; 0 when
// a user class's reflected method may answer (NotImplemented); -1 with
// CPython's TypeError (not an int) or OverflowError raised.
int seq_repeat_count(Value nv, int64_t *n);

// Small helpers.
// An int Value of [i]: a small int inline, a big int out of line.
static inline Value val_int(int64_t i) {
    return FITS_SMALL(i) ? MK_SMALL(i) : int_from_i64(i);
}
#define VAL_INT(i) val_int((int64_t)(i))
static inline bool is_intlike(Value v) {
    return IS_SMALL(v) || IS_BIGINT(v) || v == VAL_TRUE || v == VAL_FALSE;
}

#endif
