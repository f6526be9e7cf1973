// object.h: the object model every runtime file shares. A Value is a tagged
// word: odd words are small ints (62 bits), even non-zero words point to a
// heap Obj. Every heap object starts with an Obj header naming its class. A
// class (ObjClass) is itself an object: builtin types and user classes are
// the same struct, with C slots for the fast paths of the dunder protocol;
// a user class that defines a dunder gets a slot that calls it.
//
// Error protocol (one rule everywhere): a function that can fail returns
// VAL_NULL / NULL / -1 / false and leaves the exception in the VM (set with
// exc_raise*). Callers propagate it unchanged.
//
// GC protocol: allocation never collects; the collector runs only at VM
// safe points (calls, backward jumps). A C function that calls back into
// pyish (vm_call, obj_repr of a user object, ...) while holding a freshly
// allocated object that is not reachable otherwise must protect it with
// gc_push_root/gc_pop_root around the call. Arguments passed in argv are
// already rooted by the caller.
#ifndef PYISH_OBJECT_H
#define PYISH_OBJECT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ops.h"

typedef uintptr_t Value;
typedef struct Obj Obj;
typedef struct ObjClass ObjClass;
typedef struct ObjStr ObjStr;
typedef struct ObjTuple ObjTuple;
typedef struct ObjList ObjList;
typedef struct ObjDict ObjDict;

// ---- tagged values
#define VAL_NULL ((Value)0)              // "no value": error or absent
#define IS_SMALL(v) (((v) & 1) != 0)
#define AS_SMALL(v) ((int64_t)(intptr_t)(v) >> 1)
#define MK_SMALL(i) ((Value)(((uintptr_t)(int64_t)(i) << 1) | 1))
#define SMALL_MAX (((int64_t)1 << 61) - 1)
#define SMALL_MIN (-((int64_t)1 << 61))
#define FITS_SMALL(i) ((i) >= SMALL_MIN && (i) <= SMALL_MAX)
#define IS_OBJ(v) ((v) != 0 && ((v) & 3) == 0)
// Reports a failed ASSERT (see below) and aborts.
_Noreturn void assert_fail(const char *cond, const char *file, int line);
#ifdef PYISH_DEBUG
// AS_OBJ of a small int or an immediate float is a bug (NULL passes).
static inline Obj *obj_checked(Value v, const char *file, int line) {
    if ((v & 3) != 0) {
        assert_fail("AS_OBJ of a non-object value", file, line);
    }
    return (Obj *)v;
}
#define AS_OBJ(v) obj_checked((Value)(v), __FILE__, __LINE__)
#else
#define AS_OBJ(v) ((Obj *)(v))
#endif
#define OBJ_VAL(o) ((Value)(o))

// Immediate floats (the 64-bit Spur VM's SmallFloat64 with a 2-bit tag):
// a word whose low bits are 10 holds a double. With the double's bits
// rotated left by one, r = exponent(11) | mantissa(52) | sign(1); a double
// whose biased exponent e is in 769..1279 (|d| in [2**-254, 2**257)) is
// stored as ((r - (768 << 53)) << 2) | 2, so the word is
//     bits 63..55: e - 768 (1..511) | 54..3: mantissa | 2: sign | 1..0: 10
// and +0.0 / -0.0 are the words 2 / 6 (e - 768 == 0 is kept for them).
// Every other double (subnormals, tiny or huge exponents, inf, nan) is a
// heap ObjFloat, as are instances of float subclasses. IS_FLOAT/AS_FLOAT
// accept both kinds; float_new picks the immediate form when it can.
#define IMMF_TAG 2
#define IS_IMMF(v) (((v) & 3) == IMMF_TAG)
#define IMMF_BIAS ((uint64_t)768 << 53)
#define IMMF_MIN ((uint64_t)769 << 53)
#define IMMF_SPAN ((uint64_t)511 << 53)

// hash() of a small int: CPython's, the value modulo 2**61 - 1 with its
// sign (|i| <= 2**61, so one subtraction reduces it), -1 becoming -2.
static inline int64_t small_int_hash(int64_t i) {
    uint64_t a = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    const uint64_t mod = ((uint64_t)1 << 61) - 1;
    if (a >= mod) {
        a -= mod;
    }
    int64_t h = i < 0 ? -(int64_t)a : (int64_t)a;
    return h == -1 ? -2 : h;
}

static inline double immf_decode(Value w) {
    uint64_t r = (uint64_t)w >> 2;
    if (r > 1) {
        r += IMMF_BIAS;
    }
    union { uint64_t u; double d; } c;
    c.u = (r >> 1) | (r << 63);
    return c.d;
}

// Stores the immediate form of [d] in *out; false when [d] must be boxed.
static inline bool immf_encode(double d, Value *out) {
    union { uint64_t u; double d; } c;
    c.d = d;
    uint64_t r = (c.u << 1) | (c.u >> 63);
    if (r - IMMF_MIN < IMMF_SPAN) {
        *out = (Value)(((r - IMMF_BIAS) << 2) | IMMF_TAG);
        return true;
    }
    if (r <= 1) {
        *out = (Value)((r << 2) | IMMF_TAG);
        return true;
    }
    return false;
}

// ---- heap header
// 16 bytes: a slab object (gc.c) needs no list link while it lives (a free
// block keeps its free list's link where marked and size were), and a
// large one has its link in the 16 bytes before the header.
struct Obj {
    ObjClass *cls;      // the object's class (never NULL)
    uint8_t marked;     // GC mark (gc.c: 0, 1, or finalized)
    uint8_t own[3];     // the class's own: a type may lay small fields over these
                        // bytes (OBJ_HEADER_OWN); zeroed at allocation, the
                        // collector never touches them
    uint32_t size;      // allocation size in bytes (for mem accounting)
};

// The header of a type that keeps small fields in Obj.own: an anonymous
// union of its `hdr` and a struct naming its fields, declared by
// OWN_FIELDS (at most 3 bytes of char-sized fields or bit-fields), so
// they read as the type's own (g->state) at no cost in size.
#define OBJ_HEADER_OWN(OWN_FIELDS) \
    union { \
        Obj hdr; \
        struct { \
            ObjClass *own_cls_; \
            uint8_t own_marked_; \
            OWN_FIELDS \
        }; \
    }

// Comparison ops for richcompare slots are OP_LT..OP_GE (ops.h). Binary ops
// for binop slots are BinOp (BIN_ADD...), and the in-place
// forms at +BINOP_INPLACE (a += b tries __iadd__, then falls back).
#define BINOP_INPLACE 16

typedef Value (*NativeFn)(int argc, Value *argv, ObjDict *kw);

// A class: builtin type or user class. Slots are NULL when unsupported.
// For a user class the slots are computed at creation (class.c): a dunder
// found in the MRO's user dicts installs a trampoline that calls it, else
// the slot is inherited from the nearest builtin base.
struct BufView;
struct ObjClass {
    Obj hdr;
    ObjDict *dict;          // attributes and methods (natives for builtins)
    ObjStr *name;           // __name__
    ObjStr *module;         // __module__ ("builtins", "__main__", "asyncio")
    ObjStr *qualname;       // __qualname__ (interned), or NULL: the name
    ObjTuple *bases;        // __bases__
    ObjTuple *mro;          // __mro__ (C3), starts with the class itself
    ObjClass *native_base;  // the builtin class whose layout instances have
    uint32_t inst_size;     // bytes of an instance (native_base's layout)
    uint32_t dict_offset;   // offset of the ObjDict* of an instance, 0: none
    uint32_t flags;         // CLS_*
    uint32_t seq;           // creation order (__subclasses__)
    uint32_t binop_ops;     // builtin with a binop slot: bit i set when BIN op i has
                            // __op__/__rop__ wrappers (0: every op)
    uint32_t attr_hint;     // most attributes an instance's dict has held: a
                            // new instance dict is made with room for them
    uint32_t nslots;        // __slots__ values kept in an instance after its
                            // ObjInstance part (ObjMember.offset), its bases' first
    // --- lifecycle
    Value (*new_)(ObjClass *cls, int argc, Value *argv, ObjDict *kw); // type(...) call
    void (*trace)(Obj *o);  // marks children (gc_mark_value ...); NULL: none
    void (*finalize)(Obj *o); // frees side buffers when swept; NULL: none
    // --- protocol slots
    Value (*repr)(Value self);                        // -> str
    Value (*str)(Value self);                         // -> str; NULL: repr
    bool (*hash)(Value self, int64_t *out);           // false: error
    Value (*richcompare)(Value a, Value b, int op);   // NotImplemented ok
    Value (*binop)(Value a, Value b, int op);         // NotImplemented ok
    Value (*unop)(Value a, int op);                   // UnaryOp minus NOT
    int (*truthy)(Value self);                        // -1: error
    int64_t (*len)(Value self);                       // -1: error
    Value (*iter)(Value self);
    int (*next)(Value self, Value *out);              // 1 item, 0 done, -1 err
    // An awaitable's iterator resumed with None (CPython's am_send): as next,
    // but 0 gives the return value in *out, so the VM's await and the task
    // step need no StopIteration object for it; NULL: none (next is used)
    int (*am_send)(Value self, Value *out);
    Value (*getattr)(Value self, ObjStr *name);       // full lookup; NULL slot: generic
    // a builtin's fallback when the lookup raised AttributeError (which it
    // clears), as a user __getattr__; the VM's attribute caches still apply
    Value (*getattr_missing)(Value self, ObjStr *name);
    bool (*setattr)(Value self, ObjStr *name, Value v); // v==VAL_NULL: delete
    Value (*getitem)(Value self, Value key);
    bool (*setitem)(Value self, Value key, Value v);  // v==VAL_NULL: delete
    int (*contains)(Value self, Value item);          // -1 err; NULL: iterate
    Value (*call)(Value self, int argc, Value *argv, ObjDict *kw);
    int (*getbuffer)(Value self, struct BufView *out); // its bytes (bytes.h); 1 ok, -1 err; NULL: none
};

enum {
    CLS_USER = 1,           // defined by a class statement
    CLS_BASETYPE = 2,       // may be subclassed
    CLS_EXCEPTION = 4,      // BaseException or a subclass
    CLS_USER_GETATTR = 8,   // MRO defines __getattr__ (fallback on miss)
    CLS_GC_HOOK = 16,       // unreachable instances go through gc's finalizer hook
    CLS_HAS_SLOTS = 32,     // a user class of the MRO declares __slots__
    CLS_ODICT = 64,         // OrderedDict or a subclass: stricter iteration checks
    CLS_META = 128,         // type or a subclass of it: instances are classes
    CLS_ABSTRACT = 256,     // __abstractmethods__ is set and not empty (abc)
    CLS_HEAPTYPE = 512,     // made at run time in C (namedtuple): attributes may be set
    CLS_STRUCTSEQ = 1024,   // a C module's struct sequence (sys.float_info): repr says module.name
    CLS_EAGER_DEL = 2048,   // a program's class with __del__: run soon after the last reference goes (gc.h)
    CLS_AWAIT_SELF = 4096,  // a builtin whose __await__ iterator would only forward to the
                            // object's am_send slot (asyncio's Future and Task): await leaves the
                            // object itself as the delegate, no iterator is made
    CLS_BARE_YIELD = 8192,  // an awaitable whose am_send may yield the object itself for a task
                            // to wait on (asyncio's sleep, before it has a future): gen_send and
                            // gen_throw give other callers what ST->aio_unbare makes of it
    CLS_HAS_SUBCLASS = 16384, // a program's class was ever made with this one in its MRO: a dunder
                            // set on it must recompute its subclasses' slots (type_setattr)
};

// ---- core object layouts (others live with their files' headers)
enum { STR_SURR_UNKNOWN, STR_SURR_NONE, STR_SURR_SOME };
struct ObjStr {
    // the flags sit in the header's own bytes: a str's fixed part is 40
    // bytes, not 48 (CPython 3.11's ASCII str takes 48), which every line
    // of a file, dict key and split piece pays
    OBJ_HEADER_OWN(
        bool interned;
        bool owned;         // grows in place: made by str_concat_owned for the VM's
                            // ADD_FAST_STORE and not loaded out of its local since
        uint8_t surrogates; // STR_SURR_*: whether it holds a lone surrogate, once asked
    );
    int64_t hash;       // cached hash, -1 until computed
    size_t len;         // length in bytes
    size_t cplen;       // length in code points (== len for ASCII)
    char data[];        // UTF-8, NUL-terminated
};
_Static_assert(sizeof(ObjStr) == 40, "ObjStr's flags fit in Obj.own");

struct ObjTuple {
    Obj hdr;
    int64_t hash;       // cached, -1 until computed
    size_t len;
    Value items[];
};

struct ObjList {
    Obj hdr;
    size_t len, cap;
    Value *items;
};

// Insertion-ordered compact hash table (CPython 3.6 layout): entries in
// order, plus an index table of 2^k slots (-1 empty, -2 deleted).
typedef struct DictEntry {
    Value key;          // VAL_NULL: deleted entry
    Value value;
    int64_t hash;
} DictEntry;

// The counts are 32-bit (the index table holds int32 entry numbers, so a
// table never has more than 2^31 slots): 64 bytes per dict, not 80.
struct ObjDict {
    Obj hdr;
    uint32_t used;      // live entries
    uint32_t nentries;  // entries slots used (incl. deleted)
    uint32_t cap;       // entries capacity
    uint32_t mask;      // index table size - 1
    int32_t *index;     // index table
    DictEntry *entries;
    uint32_t version;   // bumped whenever a key is added or removed (VM caches)
    uint32_t bloom;     // bit (hash & 31) set for every key added since the last clear
};

// A set: CPython's set table (setobject.c's slots and probing) whose slots
// hold indexes into an array of entries kept in insertion order. A slot is
// -1 (unused), -2 (dummy: a deletion) or an entry number; an entry's key is
// VAL_NULL once deleted. Iteration walks the slots, as CPython's does, while
// every element hashes as in CPython (ints, floats, tuples of them...);
// once an element whose CPython hash varies from run to run or with
// addresses (str, bytes, None, objects) is added, the set iterates in
// insertion order instead ([ordered]; set.c says why).
typedef struct SetEntry {
    Value key;
    int64_t hash;
} SetEntry;

typedef struct ObjSet {
    Obj hdr;
    uint32_t fill;      // active + dummy slots
    uint32_t used;      // active slots (live entries)
    uint32_t mask;      // slot count - 1 (meaningful only when slots is set)
    uint32_t finger;    // the slot where pop() starts looking
    uint32_t nentries;  // entries in use, deleted ones included
    uint32_t cap;       // entries allocated
    int32_t *slots;     // NULL: empty and never filled (acts as 8 unused slots)
    SetEntry *entries;
    bool ordered;       // iterates in insertion order
} ObjSet;

typedef struct ObjFloat {
    Obj hdr;
    double value;
} ObjFloat;

// The double of an immediate float, an ObjFloat or a float subclass instance.
static inline double val_as_double(Value v) {
    return IS_IMMF(v) ? immf_decode(v) : ((ObjFloat *)v)->value;
}

// Instances of user classes (and of `object`): attributes in a dict.
typedef struct ObjInstance {
    Obj hdr;
    ObjDict *dict;
} ObjInstance;

// A __slots__ member descriptor, S.a for `__slots__ = ('a',)` (class.c).
// A class whose builtin base is object keeps the values in its instances,
// after the ObjInstance part: VAL_NULL while unset. A subclass of another
// builtin keeps them in the instance dict instead (offset 0).
typedef struct ObjMember {
    Obj hdr;
    ObjStr *name;       // the (mangled) slot name
    ObjClass *owner;    // the class whose __slots__ declares it
    uint32_t offset;    // byte offset of the value in an instance; 0: in the instance dict
} ObjMember;

// The slot of a member with an offset in instance [o].
static inline Value *member_slot(const ObjMember *m, Obj *o) {
    return (Value *)((char *)o + m->offset);
}

// A builtin function or method. For methods, argv[0] is self.
typedef struct ObjNative {
    Obj hdr;
    NativeFn fn;
    const char *name;
    ObjClass *owner;    // class it was defined in (NULL: module function)
    Value self;         // bound self for natives created bound, else VAL_NULL
    int slot;           // SLOT_* when it wraps a class slot (class.c), else 0
    bool is_static;     // owner's method that takes no self (dict.fromkeys)
    bool is_classmethod; // owner's method whose self is a class (wrapped in classmethod)
    bool method_style;  // slot wrapper CPython defines as a method (list.__getitem__):
                        // its errors use method descriptor wording
    bool takes_kw;      // fn reads keyword arguments; else vm_call refuses any
    bool is_member;     // the getter of a class_add_member field (shown as CPython's member descriptor)
    const char *qual;   // module function's prefix in messages ("math" for
                        // "math.sqrt() takes no keyword arguments"), else NULL
} ObjNative;

typedef struct ObjBoundMethod {
    Obj hdr;
    Value self;
    Value func;
} ObjBoundMethod;

typedef struct ObjSlice {
    Obj hdr;
    Value start, stop, step;    // None when absent
} ObjSlice;

typedef struct ObjRange {
    Obj hdr;
    Value start, stop, step;    // Python ints (plain int, any size); step != 0
} ObjRange;

// Property / staticmethod / classmethod wrappers.
typedef struct ObjProperty {
    Obj hdr;
    Value fget, fset, fdel;     // VAL_NULL or None when absent
    Value doc;
    Value name;                 // from __set_name__ (error messages), or VAL_NULL
} ObjProperty;

typedef struct ObjWrapper {     // staticmethod(f), classmethod(f)
    Obj hdr;
    Value func;
} ObjWrapper;

// A module: a name and a globals dict.
typedef struct ObjModule {
    Obj hdr;
    ObjDict *dict;
    ObjStr *name;
} ObjModule;

// BaseException and its subclasses. `dict` must stay the second field
// (same offset as ObjInstance.dict) so user subclasses get attributes.
typedef struct ObjException {
    Obj hdr;
    ObjDict *dict;
    ObjTuple *args;
    Value traceback;    // ObjList of (code, line) entries or VAL_NULL
    Value cause;        // __cause__ or VAL_NULL
    Value context;      // __context__ or VAL_NULL
    Value suggestion;   // NameError: (bound local names, globals) for "Did you mean", or VAL_NULL
    bool suppress_context;
} ObjException;

// ---- the exception classes: name and base, in creation order
#define EXC_LIST(X) \
    X(BaseException, object) X(SystemExit, BaseException) \
    X(KeyboardInterrupt, BaseException) X(GeneratorExit, BaseException) \
    X(Exception, BaseException) X(StopIteration, Exception) \
    X(StopAsyncIteration, Exception) X(ArithmeticError, Exception) \
    X(OverflowError, ArithmeticError) X(ZeroDivisionError, ArithmeticError) \
    X(AssertionError, Exception) X(AttributeError, Exception) \
    X(EOFError, Exception) X(ImportError, Exception) \
    X(ModuleNotFoundError, ImportError) X(LookupError, Exception) \
    X(IndexError, LookupError) X(KeyError, LookupError) \
    X(MemoryError, Exception) X(NameError, Exception) \
    X(UnboundLocalError, NameError) X(OSError, Exception) \
    X(FileNotFoundError, OSError) X(TimeoutError, OSError) \
    X(ConnectionError, OSError) X(BrokenPipeError, ConnectionError) \
    X(ConnectionAbortedError, ConnectionError) \
    X(ConnectionRefusedError, ConnectionError) \
    X(ConnectionResetError, ConnectionError) X(FileExistsError, OSError) \
    X(PermissionError, OSError) X(IsADirectoryError, OSError) \
    X(NotADirectoryError, OSError) X(InterruptedError, OSError) \
    X(BlockingIOError, OSError) X(ChildProcessError, OSError) \
    X(ProcessLookupError, OSError) X(SystemError, Exception) \
    X(ReferenceError, Exception) X(BufferError, Exception) \
    X(FloatingPointError, ArithmeticError) \
    X(RuntimeError, Exception) X(NotImplementedError, RuntimeError) \
    X(RecursionError, RuntimeError) X(SyntaxError, Exception) \
    X(IndentationError, SyntaxError) X(TabError, IndentationError) \
    X(TypeError, Exception) \
    X(ValueError, Exception) X(UnicodeError, ValueError) \
    X(Warning, Exception) X(RuntimeWarning, Warning) \
    X(DeprecationWarning, Warning) X(UserWarning, Warning) \
    X(UnicodeDecodeError, UnicodeError) X(UnicodeEncodeError, UnicodeError) \
    X(UnicodeTranslateError, UnicodeError) \
    X(PendingDeprecationWarning, Warning) X(SyntaxWarning, Warning) \
    X(FutureWarning, Warning) X(ImportWarning, Warning) X(UnicodeWarning, Warning) \
    X(ResourceWarning, Warning) X(BytesWarning, Warning) X(EncodingWarning, Warning)

// The builtin classes (cls_*), exception classes (exc_*) and singletons
// (obj_*) are fields of the interpreter state.
#include "state.h"

#define VAL_NONE OBJ_VAL(obj_none)
#define VAL_TRUE OBJ_VAL(obj_true)
#define VAL_FALSE OBJ_VAL(obj_false)
#define VAL_NOTIMPL OBJ_VAL(obj_notimplemented)
#define VAL_BOOL(b) ((b) ? VAL_TRUE : VAL_FALSE)
#define IS_NONE(v) ((v) == VAL_NONE)

// Copies [n] values (n may be 0 with NULL pointers, unlike memcpy).
static inline void values_copy(Value *dst, const Value *src, size_t n) {
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

// Class of any value.
static inline ObjClass *val_class(Value v) {
    return IS_SMALL(v) ? cls_int : IS_IMMF(v) ? cls_float : AS_OBJ(v)->cls;
}
#define IS_A(v, c) (IS_OBJ(v) && AS_OBJ(v)->cls == (c))
// A property or a getset descriptor (a builtin's field, a user class's
// __dict__/__weakref__: the same ObjProperty layout, class.c).
#define IS_PROPERTY(v) (IS_OBJ(v) && (AS_OBJ(v)->cls == cls_property || AS_OBJ(v)->cls == cls_getset))
#define IS_STR(v) IS_A(v, cls_str)
#define IS_LIST(v) IS_A(v, cls_list)
#define IS_TUPLE(v) IS_A(v, cls_tuple)
#define IS_DICT(v) IS_A(v, cls_dict)
#define IS_FLOAT(v) (IS_IMMF(v) || IS_A(v, cls_float))  // exact float, either form
// A float of either form or an instance of a float subclass.
#define IS_FLOATISH(v) (IS_IMMF(v) || (IS_OBJ(v) && (AS_OBJ(v)->cls == cls_float || \
                                                     AS_OBJ(v)->cls->native_base == cls_float)))
#define IS_BIGINT(v) IS_A(v, cls_int)
#define IS_INT(v) (IS_SMALL(v) || IS_BIGINT(v))     // excludes bool
#define IS_CLASS(v) (IS_OBJ(v) && (AS_OBJ(v)->cls->flags & CLS_META)) // instances of type or a metaclass
#define AS_STR(v) ((ObjStr *)AS_OBJ(v))
#define AS_LIST(v) ((ObjList *)AS_OBJ(v))
#define AS_TUPLE(v) ((ObjTuple *)AS_OBJ(v))
#define AS_DICT(v) ((ObjDict *)AS_OBJ(v))
#define AS_SET(v) ((ObjSet *)AS_OBJ(v))
#define AS_FLOAT(v) val_as_double(v)   // a float or float-subclass value's double
#define AS_CLASS(v) ((ObjClass *)AS_OBJ(v))
#define AS_EXC(v) ((ObjException *)AS_OBJ(v))

// ---- invariants: ASSERT(cond) is checked in Debug and sanitizer builds
// (PYISH_DEBUG) and costs nothing in release builds. A failed check prints
// the condition and its place, then aborts.
#ifdef PYISH_DEBUG
#define ASSERT(cond) ((cond) ? (void)0 : assert_fail(#cond, __FILE__, __LINE__))
#else
#define ASSERT(cond) ((void)0)
#endif
// Functions whose result says whether they failed: ignoring it is a bug.
#define MUST_USE __attribute__((warn_unused_result))

// ---- memory and GC (mem.c, gc.c). See mem.c's header: sizes a program
// chooses go through mem_size and the fallible mem_try_* / obj_try_alloc
// (NULL with MemoryError raised); small fixed sizes use the others, which
// never return NULL.
// *out = [n] * [elem] + [extra]; false with MemoryError raised when that
// overflows or exceeds mem_limit(). Every variable-size growth path uses it.
// (inline: tuples, strs and lists ask on every allocation; sizes up to
// 64 KiB are always allowed, see mem.c's SMALL_BLOCK)
MUST_USE bool mem_size_checked(size_t n, size_t elem, size_t extra, size_t *out);
MUST_USE static inline bool mem_size(size_t n, size_t elem, size_t extra, size_t *out) {
    size_t s;
    if (!__builtin_mul_overflow(n, elem, &s) && !__builtin_add_overflow(s, extra, &s) &&
        s <= ((size_t)64 << 10)) {
        *out = s;
        return true;
    }
    return mem_size_checked(n, elem, extra, out);
}
// Fills [dst] with [n] copies of the [len] bytes at [src] by doubling
// copies (log n memcpy calls): str, bytes, list and tuple repetition.
void mem_fill_repeat(void *dst, const void *src, size_t len, size_t n);
// The largest allocation pyish attempts now: the physical memory less the
// bytes pyish holds (a soft heap limit).
size_t mem_limit(void);
// Caps the heap at [bytes] (0: physical memory): single allocations past
// what is left fail with MemoryError.
void mem_set_heap_cap(size_t bytes);
MUST_USE void *mem_try_alloc(size_t size);               // NULL + MemoryError
MUST_USE void *mem_try_realloc(void *p, size_t old, size_t size); // NULL + MemoryError, [p] kept
void *mem_alloc(size_t size);                   // small fixed sizes; never NULL
void *mem_realloc(void *p, size_t old, size_t size);
void mem_free(void *p, size_t size);
// Called by the VM right after a safe-point collection: true when an
// infallible allocation had to use the reserve and the collection did not
// free enough to rebuild it; the VM then raises MemoryError.
bool mem_exhausted(void);
// True while the reserve is in use (raise a preallocated MemoryError).
bool mem_is_low(void);
// Frees the pool slabs and the reserve (state_free, after every object).
void mem_free_all(void);
Obj *obj_alloc(ObjClass *cls, size_t size);     // zeroed, linked for GC
MUST_USE Obj *obj_try_alloc(ObjClass *cls, size_t size); // same; NULL + MemoryError
// obj_alloc/obj_try_alloc for an object whose bytes past the first
// [zeroed] the caller fills at once (bytes' inline data): a large one is
// not zeroed beyond them.
Obj *obj_alloc_data(ObjClass *cls, size_t size, size_t zeroed);
MUST_USE Obj *obj_try_alloc_data(ObjClass *cls, size_t size, size_t zeroed);
// Marking: the test for an unmarked object is inline in every trace
// function (most children are already marked or not objects).
void gc_mark_obj_slow(Obj *o);
static inline void gc_mark_obj(Obj *o) {
    if (o && !o->marked) {
        gc_mark_obj_slow(o);
    }
}
static inline void gc_mark_value(Value v) {
    if (IS_OBJ(v)) {
        gc_mark_obj(AS_OBJ(v));
    }
}
void gc_push_root(Value v);
void gc_pop_root(int n);
void gc_collect(void);
size_t gc_bytes_allocated(void);

// ---- exceptions (exc.c). exc_raise* always return VAL_NULL.

Value exc_raise(ObjClass *type, const char *fmt, ...);  // printf-style message
Value exc_raise_value(Value exc);       // instance or class
Value exc_raise_attr(Value obj, ObjStr *name, const char *fmt, ...); // AttributeError with .name/.obj
Value exc_raise_nomem(void);            // MemoryError() (preallocated when memory is low)
Value exc_new(ObjClass *type, int argc, Value *argv);   // make, don't raise
// Calls exception class [type] with no arguments as `raise type` does: a
// result that is not an exception is a TypeError (VAL_NULL, pending).
Value exc_from_class(ObjClass *type);
// The OSError subclass CPython picks for errno [code] (FileNotFoundError...).
ObjClass *exc_oserror_class(int code);
// Raises that OSError for [code] with its strerror and [filename] /
// [filename2] (VAL_NULL: none); returns VAL_NULL.
Value exc_raise_oserror(int code, Value filename, Value filename2);
Value exc_pending(void);                // the raised exception or VAL_NULL
void exc_clear(void);
Value exc_take(void);                   // returns and clears it
bool exc_matches(Value exc, Value type_or_tuple); // isinstance-style
#define EXC_PENDING_IS(cls) (exc_pending() && exc_matches(exc_pending(), OBJ_VAL(cls)))

// ---- strings (str.c)
Value str_new(const char *s, size_t len);     // copies; validates nothing
Value str_from_c(const char *s);
Value str_intern(const char *s, size_t len);  // unique per content
ObjStr *str_intern_c(const char *s);          // for names known in C
Value str_printf(const char *fmt, ...);       // printf into a new str
Value str_concat_owned(Value a, Value b);      // a + b growing [a] in place when owned (str.c)
Value str_concat(Value a, Value b);            // VAL_NULL + MemoryError when too big
int64_t str_hash(ObjStr *s);
bool str_eq(ObjStr *a, ObjStr *b);
const char *str_cstr(Value v);                // data of a str value

// ---- ints and floats (int.c, float.c)
Value int_from_i64(int64_t i);                // small or big
Value int_from_u64(uint64_t u);               // small or big
Value int_from_str(const char *s, int base);  // literal text; VAL_NULL+ValueError on junk
bool int_to_i64(Value v, int64_t *out);       // false: OverflowError raised
double int_to_double(Value v, bool *overflow);
Value float_new(double d);
Value float_repr_str(double d);               // Python's shortest repr
bool val_to_double(Value v, double *out);     // int/float/bool -> double, else TypeError

// ---- containers (tuple.c, list.c, dict.c, set.c)
Value tuple_new(size_t len);                  // items zeroed: fill them all; VAL_NULL + MemoryError when huge
Value tuple_pack(int n, ...);
Value list_new(size_t cap);                   // empty, with capacity; VAL_NULL + MemoryError
bool list_append(ObjList *l, Value v);        // false: MemoryError (never for small lists)
Value list_from_array(size_t n, Value *items);
Value dict_new(void);
// An empty dict with room for [n] entries before it grows.
Value dict_new_sized(size_t n);
int dict_get(ObjDict *d, Value key, Value *out);   // 1 found, 0 missing, -1 error
int dict_set(ObjDict *d, Value key, Value v);      // 0 ok, -1 error
int dict_del(ObjDict *d, Value key);               // 1 deleted, 0 missing, -1 error
Value dict_get_str(ObjDict *d, ObjStr *interned);  // fast path, VAL_NULL if missing
void dict_set_str(ObjDict *d, ObjStr *interned, Value v);
// dict_get_str(d, s) != VAL_NULL with its first test inline: a key no
// entry's hash bit allows (ObjDict.bloom) is absent without a call.
static inline bool dict_has_str(ObjDict *d, ObjStr *s) {
    if (s->hash != -1 && !(d->bloom & ((uint32_t)1 << (s->hash & 31)))) {
        return false;
    }
    return dict_get_str(d, s) != VAL_NULL;
}
bool dict_next(ObjDict *d, size_t *pos, Value *key, Value *value); // iterate in order
Value set_new(ObjClass *cls);                 // set or frozenset
int set_add(ObjSet *s, Value key);            // 0 ok, -1 error
int set_update(ObjSet *s, Value other);       // adds other's elements as CPython's set.update; 0/-1
int set_contains(ObjSet *s, Value key);       // 1/0/-1
Value seq_to_list(Value iterable);            // list(iterable)
Value seq_to_tuple(Value iterable);

// ---- abstract protocol (object.c): dispatch through the slots
Value obj_repr(Value v);                  // -> str or VAL_NULL
Value obj_str(Value v);
MUST_USE bool obj_hash(Value v, int64_t *out);
int obj_eq(Value a, Value b);             // 1/0/-1 (identity fast path)
// obj_eq's answer when it runs no Python code (identical values, small
// ints, strs, exact tuples of those: set and dict keys), else OBJ_EQ_UNKNOWN.
#define OBJ_EQ_UNKNOWN 2
static inline int obj_eq_scalar(Value a, Value b) {
    if (a == b) {
        return 1;
    }
    if (IS_SMALL(a) && IS_SMALL(b)) {
        return 0;
    }
    if (IS_STR(a) && IS_STR(b)) {
        return str_eq(AS_STR(a), AS_STR(b));
    }
    // a small int, an exact str and None are never equal to one of the
    // other two kinds (their __eq__ gives NotImplemented): `5 in strs`
    // went through obj_compare's reflected calls for every item
    int ka = IS_SMALL(a) ? 1 : IS_STR(a) ? 2 : IS_NONE(a) ? 3 : 0;
    int kb = IS_SMALL(b) ? 1 : IS_STR(b) ? 2 : IS_NONE(b) ? 3 : 0;
    if (ka && kb) {
        return 0;   // (same kinds were decided above: a == b, small ints, strs)
    }
    return OBJ_EQ_UNKNOWN;
}
// (perf: a set of (row, col) tuples probed with new tuples went through
// obj_compare's recursion guard and seq_compare for each probe, 18% of the
// puzzle benchmark.) Elements are compared in order and the first unequal
// one decides, as tuple's richcompare does, so no __eq__ is skipped.
static inline int obj_eq_quick(Value a, Value b) {
    int r = obj_eq_scalar(a, b);
    if (r != OBJ_EQ_UNKNOWN || !IS_TUPLE(a) || !IS_TUPLE(b)) {
        return r;
    }
    ObjTuple *ta = AS_TUPLE(a), *tb = AS_TUPLE(b);
    if (ta->len != tb->len) {
        return 0;
    }
    for (size_t i = 0; i < ta->len; i++) {
        r = obj_eq_scalar(ta->items[i], tb->items[i]);
        if (r != 1) {
            return r;
        }
    }
    return 1;
}
Value obj_compare(Value a, Value b, int op); // -> bool object usually
int obj_lt(Value a, Value b);             // 1/0/-1, for sorting
MUST_USE int obj_truthy(Value v);                  // 1/0/-1
Value obj_binop(Value a, Value b, int op);  // incl. reflected and inplace
Value obj_unop(Value a, int op);
Value obj_len(Value v);                   // int value
int64_t obj_length(Value v);              // -1 error
Value obj_getattr(Value v, ObjStr *name);
Value obj_getattr_opt(Value v, ObjStr *name); // VAL_NULL without raising AttributeError
bool obj_setattr(Value v, ObjStr *name, Value value);
bool obj_delattr(Value v, ObjStr *name);
Value obj_getitem(Value v, Value key);
bool obj_setitem(Value v, Value key, Value value);
bool obj_delitem(Value v, Value key);
int obj_contains(Value container, Value item);   // 1/0/-1
Value obj_iter(Value v);
int obj_next(Value it, Value *out);       // 1/0/-1
Value obj_call(Value f, int argc, Value *argv, ObjDict *kw); // = vm_call
bool obj_isinstance(Value v, ObjClass *cls);
// frame snapshots and traceback entries (frameobj.c): a frame's code,
// globals, line, locals (or VAL_NULL) and f_back; a traceback entry in
// front of [next] (VAL_NULL: the innermost); traceback_entry reads one
// (false if [tb] is not a traceback); lasti is 2 * the instruction's offset.
Value framesnap_new(Value code, Value globals, int line, Value locals, Value back);
// Sets the snapshot [snap]'s f_generator (3.14) to [gen].
void framesnap_set_generator(Value snap, Value gen);
Value traceback_new(Value next, Value code, Value globals, int line, int lasti);
bool traceback_entry(Value tb, Value *code, int *line, int *lasti, Value *next);
int isinstance_check(Value v, Value spec);        // isinstance(v, spec): 1/0/-1, with __instancecheck__
// match statements (match.c): sequence/mapping subjects (1/0/-1), a
// mapping's values for a tuple of keys and a class pattern's attributes
// (tuple, None for no match, VAL_NULL on error)
int match_is_sequence(Value v);
int match_is_mapping(Value v);
Value match_keys(Value subject, Value keys);
Value match_class(Value subject, Value cls, Value names, int nargs);
bool class_is_subclass(ObjClass *c, ObjClass *base);
ObjStr *class_qualname(ObjClass *c);     // __qualname__ (A.B for a nested class), else __name__
// CPython's __doc__ of builtin class [name] (builtin_docs.c), else NULL.
const char *builtin_class_doc(const char *name);
// The __doc__ of class [c] when no class of its MRO has one in its dict:
// a builtins class's CPython text, else None.
Value class_default_doc(ObjClass *c);
// A cache of MRO lookups keyed by (class, interned name), valid while no
// class has changed since it was filled (ST->cls.version counts changes).
#define MCACHE_SIZE 4096
typedef struct MCacheEntry {
    ObjClass *cls;
    ObjStr *name;
    Value value;
    uint32_t version;
} MCacheEntry;
Value class_lookup_fill(ObjClass *c, ObjStr *name);     // class_lookup past the cache
// MRO dict lookup, no binding: the cache's entry inline, else a lookup.
static inline Value class_lookup(ObjClass *c, ObjStr *name) {
    if (name->interned) {
        MCacheEntry *e = &ST->cls.mcache[(((uintptr_t)c >> 4) ^ ((uintptr_t)name >> 3)) & (MCACHE_SIZE - 1)];
        if (e->cls == c && e->name == name && e->version == ST->cls.version) {
            return e->value;
        }
    }
    return class_lookup_fill(c, name);
}
const char *val_type_name(Value v);       // "int", "Foo" ...
Value generic_getattr(Value self, ObjStr *name);
bool generic_setattr(Value self, ObjStr *name, Value v);
// [descr]'s descriptor method when its class is a user class (0 __get__,
// 1 __set__, 2 __delete__), else VAL_NULL.
Value user_descr(Value descr, int which);
// Whether instances of [c] (CLS_HAS_SLOTS) may have the attribute [name]:
// a name of some __slots__ of its MRO, or a class of it has no __slots__ or "__dict__" in them.
bool slots_allow(ObjClass *c, ObjStr *name);
// The names a __slots__ value *[sl] lists: a str is one name, a tuple or a
// list its items (non-str items are the caller's to skip); none otherwise.
Value *slots_items(Value *sl, size_t *n);
// The __slots__ entry [slot] of class [k] as the attribute it makes: a
// private name mangled (_A__p for __p in class A), else [slot] itself.
Value slot_stored_name(ObjClass *k, ObjStr *slot);
// Member [m]'s value in [obj] (an instance of its owner, else TypeError):
// VAL_NULL when unset, with AttributeError when [raise].
Value member_get(ObjMember *m, Value obj, bool raise);
// Sets member [m] of [obj] to [v] (VAL_NULL: deletes, AttributeError when unset).
bool member_set(ObjMember *m, Value obj, Value v);
Value generic_repr(Value self);           // <__main__.Foo object at 0x...>

// ---- making builtin classes and natives (class.c)
typedef struct MethodDef {
    const char *name;
    NativeFn fn;
    bool kw;    // fn takes keyword arguments (else calls with any are refused)
} MethodDef;
// Creates a builtin class [name] with base [base] (NULL: object) whose
// instances have [inst_size] bytes, and adds [methods] (NULL-terminated).
ObjClass *class_new_builtin(const char *name, ObjClass *base, size_t inst_size,
                            const MethodDef *methods);
void class_add_methods(ObjClass *cls, const MethodDef *methods);
// Adds a read-only property [name] to builtin class [cls] whose getter is [fn].
void class_add_getter(ObjClass *cls, const char *name, NativeFn fn);
// The same for a field CPython defines as a member (T_OBJECT READONLY):
// shown as <member ...>, and "readonly attribute" when set. [name] is kept.
void class_add_member(ObjClass *cls, const char *name, NativeFn fn);
// Both from tables (NULL-terminated MethodDefs, their kw unused; either may
// be NULL): [getters] as class_add_getter, [members] as class_add_member.
void class_add_fields(ObjClass *cls, const MethodDef *getters, const MethodDef *members);
// The getter of property [p] when it is such a builtin field, else NULL.
ObjNative *property_field_getter(Obj *p);
// Raises CPython's "property 'x' of 'C' object has no getter" ([what]:
// getter, setter, deleter) for property [p] read on [obj]; VAL_NULL.
Value property_missing(ObjProperty *p, Value obj, const char *what);
// "collections.deque" for a class of a module other than builtins, else
// "float" (CPython's tp_name for builtin types, in descriptor messages).
Value class_dotted_name(ObjClass *c);
Value native_new(const char *name, NativeFn fn, ObjClass *owner);
// Adds [defs] (NULL-terminated) to module dict [d] as functions whose
// messages name them [qual].NAME ([qual] NULL: just NAME).
void native_add_functions(ObjDict *d, const char *qual, const MethodDef *defs);
// Raises CPython's "X() takes no keyword arguments" for native [n].
bool native_refuse_kw(ObjNative *n);
Value bound_method_new(Value self, Value func);

// Argument checking helpers for natives (builtins_args.c). They raise TypeError
// with CPython's messages ("len() takes exactly one argument (2 given)").
bool arg_count(const char *fname, int argc, int min, int max);
bool arg_no_kw(const char *fname, ObjDict *kw);
// arg_no_kw for a builtin __new__ of [cls]: a subclass with its own __init__
// may take keywords (they are for that __init__), as in CPython.
bool arg_new_no_kw(ObjClass *cls, const char *fname, ObjDict *kw);
Value kw_get(ObjDict *kw, const char *name);  // VAL_NULL if absent

// ---- the VM's call-backs (vm_call, vm_enter_recursive ...): vmapi.h, the
// one interface through which the runtime reaches the VM.
#include "vmapi.h"

#endif
