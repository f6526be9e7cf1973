// mod_pickle.c: the `_pickle_fast` module, pickle's C fast path
// (runtime/lib/pickle.pyish keeps CPython's pure-Python Pickler and
// Unpickler and calls these first). dumps(obj, protocol, ...) pickles, in
// every protocol 0 to 5, None, bools, ints, floats, str, bytes, bytearray,
// exact lists, tuples (recursive ones too), dicts, sets and frozensets,
// classes and functions (by reference, with protocol 2's name mapping),
// instances of a program's classes and namedtuples (object's own
// reduction written out directly: NEWOBJ/NEWOBJ_EX, list/dict subclass
// items, state and BUILD), and anything else by the value of its
// __reduce_ex__/__reduce__ or copyreg reducer, all with the bytes
// CPython's C pickler writes (memo, batches of 1000, 64 KiB frames for
// protocol 4+ with large str/bytes written outside them). It returns None
// for what it leaves out (a lone surrogate, the extension registry,
// nested names below protocol 4, malformed reduce values whose errors
// pickle.py words), and pickle.py then starts over in Python (a class's
// __reduce__ already called then runs again). loads(data, fallback, ...)
// reads the opcodes of every protocol but the rare ones (STRING's
// encodings, INST/OBJ, EXT*, PERSID, buffers) and returns [fallback] at
// those or at malformed data, so those errors keep the Python path.
#include <gmp.h>
#include <string.h>
#include "bytes.h"
#include "containers.h"
#include "module.h"
#include "numstr.h"
#include "runtime.h"
#include "vmapi.h"

enum {
    FRAME_TARGET = 64 * 1024,   // pickle's _FRAME_SIZE_TARGET
    BATCH = 1000,               // pickle's _BATCHSIZE
};

// ---------------------------------------------------------------- dumps

// The memo: object -> index, open addressing on the object's address.
typedef struct Pk {
    SBuf b;                 // the whole pickle, PROTO first
    int proto;
    Obj **keys;
    uint32_t *idx;
    size_t cap, n;
    bool err;               // an error is raised (RecursionError, MemoryError, a
                            // program's __reduce__ ...)
    size_t frame_start;     // protocol 4+: offset of the open frame's 9-byte header
                            // (NO_FRAME: none open)
    ObjList *keep;          // (rooted) every memoized object and temporary: the
                            // memo's addresses stay theirs while program code runs
    ObjDict *dispatch;      // copyreg.dispatch_table
    ObjDict *rev_name, *rev_import; // _compat_pickle's REVERSE_*_MAPPING (protocol 2)
    ObjStr *s_reduce_ex, *s_getnewargs, *s_getnewargs_ex, *s_getstate, *s_items;
    ObjStr *s_latin1;       // "latin1", one object: a second bytes' finds it in the memo
    Value codecs_encode;    // codecs.encode: bytes below protocol 3 reduce to it
} Pk;

#define NO_FRAME SIZE_MAX

// The interned name [lit] in the pickler's or unpickler's [slot], looked
// up when first needed (most pickles need none of them).
#define NAME(slot, lit) ((slot) ? (slot) : ((slot) = str_intern_c(lit)))

static ObjStr *pk_reduce_ex(Pk *p) {
    return NAME(p->s_reduce_ex, "__reduce_ex__");
}

static ObjStr *pk_getnewargs(Pk *p) {
    return NAME(p->s_getnewargs, "__getnewargs__");
}

static ObjStr *pk_getnewargs_ex(Pk *p) {
    return NAME(p->s_getnewargs_ex, "__getnewargs_ex__");
}

static ObjStr *pk_getstate(Pk *p) {
    return NAME(p->s_getstate, "__getstate__");
}

static ObjStr *pk_items(Pk *p) {
    return NAME(p->s_items, "items");
}

static ObjStr *pk_latin1(Pk *p) {
    return NAME(p->s_latin1, "latin1");
}

// Protocol 0's text argument: [op], the decimal [n], a newline.
static void put_text_num(Pk *p, char op, int64_t n) {
    char t[24];
    t[0] = op;
    size_t k = 1;
    if (n < 0) {
        t[k++] = '-';
    }
    k += (size_t)u64_decimal(n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n, t + k);
    t[k++] = '\n';
    sb_add(&p->b, t, k);
}

static size_t memo_slot(Pk *p, Obj *o) {
    size_t h = ((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ull;
    size_t i = h & (p->cap - 1);
    while (p->keys[i] && p->keys[i] != o) {
        i = (i + 1) & (p->cap - 1);
    }
    return i;
}

// The memo index of [o], or -1.
static int64_t memo_get(Pk *p, Obj *o) {
    if (p->n == 0) {
        return -1;
    }
    size_t i = memo_slot(p, o);
    return p->keys[i] ? (int64_t)p->idx[i] : -1;
}

static void put_u32(SBuf *b, uint32_t v) {
    char t[4] = {(char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24)};
    sb_add(b, t, 4);
}

// Writes MEMOIZE (protocol 4+) or BINPUT for the next memo index: alone,
// for an object CPython makes afresh and nothing can find again (the
// argument tuple of NEWOBJ).
static inline __attribute__((always_inline)) void memo_put_anon(Pk *p) {
    if (p->proto >= 4) {
        sb_addc(&p->b, '\x94');
    } else if (p->proto == 0) {
        put_text_num(p, 'p', (int64_t)p->n);
    } else if (p->n < 256) {
        char t[2] = {'q', (char)p->n};
        sb_add(&p->b, t, 2);
    } else {
        sb_addc(&p->b, 'r');
        put_u32(&p->b, (uint32_t)p->n);
    }
    p->n++;
}

// Records [o] in the memo and writes MEMOIZE (protocol 4+) or BINPUT.
static void memo_put(Pk *p, Obj *o) {
    if (!list_append(p->keep, OBJ_VAL(o))) {
        p->err = true;
        p->b.failed = true;
        return;
    }
    if ((p->n + 1) * 2 > p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 128;
        Obj **ok = p->keys;
        uint32_t *oi = p->idx;
        size_t ocap = p->cap;
        p->keys = mem_alloc(ncap * sizeof(Obj *));
        memset(p->keys, 0, ncap * sizeof(Obj *));
        p->idx = mem_alloc(ncap * sizeof(uint32_t));
        p->cap = ncap;
        for (size_t i = 0; i < ocap; i++) {
            if (ok[i]) {
                size_t j = memo_slot(p, ok[i]);
                p->keys[j] = ok[i];
                p->idx[j] = oi[i];
            }
        }
        if (ok) {
            mem_free(ok, ocap * sizeof(Obj *));
            mem_free(oi, ocap * sizeof(uint32_t));
        }
    }
    size_t i = memo_slot(p, o);
    p->keys[i] = o;
    p->idx[i] = (uint32_t)p->n;
    memo_put_anon(p);
}

// BINGET / LONG_BINGET of memo index [m].
static void memo_write_get(Pk *p, int64_t m) {
    if (p->proto == 0) {
        put_text_num(p, 'g', m);
    } else if (m < 256) {
        char t[2] = {'h', (char)m};
        sb_add(&p->b, t, 2);
    } else {
        sb_addc(&p->b, 'j');
        put_u32(&p->b, (uint32_t)m);
    }
}

// int: BININT1/BININT2/BININT, else LONG1/LONG4 with pickle's encode_long
// (protocol 0: INT's text, and LONG's text for both outside 32 bits).
static bool save_int(Pk *p, Value v) {
    if (IS_SMALL(v) && p->proto == 0 && AS_SMALL(v) >= INT32_MIN && AS_SMALL(v) <= INT32_MAX) {
        put_text_num(p, 'I', AS_SMALL(v));
        return true;
    }
    if (IS_SMALL(v) && p->proto > 0) {
        int64_t i = AS_SMALL(v);
        if (i >= 0 && i < 256) {
            char t[2] = {'K', (char)i};
            sb_add(&p->b, t, 2);
            return true;
        }
        if (i >= 0 && i < 65536) {
            char t[3] = {'M', (char)i, (char)(i >> 8)};
            sb_add(&p->b, t, 3);
            return true;
        }
        if (i >= INT32_MIN && i <= INT32_MAX) {
            sb_addc(&p->b, 'J');
            put_u32(&p->b, (uint32_t)(int32_t)i);
            return true;
        }
    }
    if (p->proto < 2) {
        Value r = int_repr(v);
        if (!r) {
            p->err = true;
            return false;
        }
        sb_addc(&p->b, 'L');
        sb_add(&p->b, AS_STR(r)->data, AS_STR(r)->len);
        sb_add(&p->b, "L\n", 2);
        return true;
    }
    mpz_t z, t;
    mpz_init(z);
    int_get_mpz(v, z);
    size_t nbytes = (mpz_sizeinbase(z, 2) >> 3) + 1;
    if (nbytes > 4096) {
        mpz_clear(z);
        return false;   // huge: the Python path
    }
    mpz_init(t);
    if (mpz_sgn(z) < 0) {
        mpz_set_ui(t, 1);
        mpz_mul_2exp(t, t, 8 * nbytes);
        mpz_add(t, t, z);
    } else {
        mpz_set(t, z);
    }
    unsigned char buf[4096];
    memset(buf, 0, nbytes);
    size_t cnt = 0;
    mpz_export(buf, &cnt, -1, 1, 0, 0, t);
    if (mpz_sgn(z) < 0 && nbytes > 1 && buf[nbytes - 1] == 0xff && (buf[nbytes - 2] & 0x80)) {
        nbytes--;
    }
    mpz_clear(t);
    mpz_clear(z);
    if (nbytes < 256) {
        char h[2] = {'\x8a', (char)nbytes};
        sb_add(&p->b, h, 2);
    } else {
        sb_addc(&p->b, '\x8b');
        put_u32(&p->b, (uint32_t)nbytes);
    }
    sb_add(&p->b, (const char *)buf, nbytes);
    return true;
}

static bool save_float(Pk *p, double d) {
    if (p->proto == 0) {
        Value r = float_repr_str(d);
        if (!r) {
            p->err = true;
            return false;
        }
        sb_addc(&p->b, 'F');
        sb_add(&p->b, AS_STR(r)->data, AS_STR(r)->len);
        sb_addc(&p->b, '\n');
        return true;
    }
    uint64_t u;
    memcpy(&u, &d, 8);
    char t[9];
    t[0] = 'G';
    for (int i = 0; i < 8; i++) {
        t[1 + i] = (char)(u >> (56 - 8 * i));
    }
    sb_add(&p->b, t, 9);
    return true;
}

static bool save(Pk *p, Value v);

// Saves the [n] items at [items]; false: give up.
static bool save_items(Pk *p, const Value *items, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!save(p, items[i])) {
            return false;
        }
    }
    return true;
}

// A tuple of the [n] items at [items]: [key] is the tuple object for the
// memo, NULL for one CPython makes afresh (NEWOBJ's arguments). A tuple in
// the memo once its items are saved was reached through itself: as
// CPython's save_tuple, POPs (POP_MARK) of what they pushed and a GET.
static bool save_tuple_items(Pk *p, const Value *items, size_t n, Obj *key) {
    if (n == 0) {
        sb_add(&p->b, p->proto ? ")" : "(t", p->proto ? 1 : 2);
        return true;
    }
    bool short_op = n <= 3 && p->proto >= 2;
    if (!short_op) {
        sb_addc(&p->b, '(');
    }
    if (!save_items(p, items, n)) {
        return false;
    }
    int64_t m = key ? memo_get(p, key) : -1;
    if (m >= 0) {
        if (p->proto >= 1 && !short_op) {
            sb_addc(&p->b, '1');
        } else {
            for (size_t i = 0; i < n + !short_op; i++) {
                sb_addc(&p->b, '0');
            }
        }
        memo_write_get(p, m);
        return true;
    }
    if (short_op) {
        sb_addc(&p->b, "\x85\x86\x87"[n - 1]);
    } else {
        sb_addc(&p->b, 't');
    }
    if (key) {
        memo_put(p, key);
    } else {
        memo_put_anon(p);
    }
    return true;
}

static bool save_tuple(Pk *p, Value v) {
    ObjTuple *t = (ObjTuple *)AS_OBJ(v);
    return save_tuple_items(p, t->items, t->len, AS_OBJ(v));
}

static bool save_list(Pk *p, Value v) {
    sb_add(&p->b, p->proto ? "]" : "(l", p->proto ? 1 : 2);
    memo_put(p, AS_OBJ(v));
    ObjList *l = AS_LIST(v);
    if (p->proto == 0) {
        // (the list may change as its items' reductions run)
        for (size_t i = 0; i < l->len; i++) {
            if (!save(p, l->items[i])) {
                return false;
            }
            sb_addc(&p->b, 'a');
        }
        return true;
    }
    if (l->len == 1) {
        if (!save(p, l->items[0])) {
            return false;
        }
        sb_addc(&p->b, 'a');
        return true;
    }
    size_t total = 0;
    while (total < l->len) {
        sb_addc(&p->b, '(');
        size_t k = 0;
        while (total < l->len) {
            if (!save(p, l->items[total])) {
                return false;
            }
            total++;
            if (++k == BATCH) {
                break;
            }
        }
        sb_addc(&p->b, 'e');
    }
    return true;
}

static bool save_dict(Pk *p, Value v) {
    sb_add(&p->b, p->proto ? "}" : "(d", p->proto ? 1 : 2);
    memo_put(p, AS_OBJ(v));
    ObjDict *d = AS_DICT(v);
    if (d->used == 0) {
        return true;
    }
    size_t pos = 0;
    Value k, val;
    if (p->proto == 0) {
        while (dict_next(d, &pos, &k, &val)) {
            if (!save(p, k) || !save(p, val)) {
                return false;
            }
            sb_addc(&p->b, 's');
        }
        return true;
    }
    if (d->used == 1) {
        dict_next(d, &pos, &k, &val);
        if (!save(p, k) || !save(p, val)) {
            return false;
        }
        sb_addc(&p->b, 's');
        return true;
    }
    size_t i;
    do {
        i = 0;
        sb_addc(&p->b, '(');
        while (dict_next(d, &pos, &k, &val)) {
            if (!save(p, k) || !save(p, val)) {
                return false;
            }
            if (++i == BATCH) {
                break;
            }
        }
        sb_addc(&p->b, 'u');
    } while (i == BATCH);
    return true;
}

// A tuple of [a] and [b] (b VAL_NULL: of [a] alone), or VAL_NULL.
static Value tuple_of(Value a, Value b) {
    gc_push_root(a);
    Value t = tuple_new(b ? 2 : 1);
    gc_pop_root(1);
    if (t) {
        AS_TUPLE(t)->items[0] = a;
        if (b) {
            AS_TUPLE(t)->items[1] = b;
        }
    }
    return t;
}

// Keeps temporary [v] alive (and its address unique) until dumps ends.
static bool keep(Pk *p, Value v) {
    if (!list_append(p->keep, v)) {
        p->err = true;
        return false;
    }
    return true;
}

// The items of a list subclass (APPENDS batches of an iterator, as
// CPython's batch_list: a lone last item is one APPEND).
static bool save_list_items(Pk *p, ObjList *l) {
    size_t i = 0;
    for (;;) {
        if (i >= l->len) {
            return true;
        }
        if (i + 1 >= l->len) {
            if (!save(p, l->items[i])) {
                return false;
            }
            sb_addc(&p->b, 'a');
            return true;
        }
        sb_addc(&p->b, '(');
        size_t k = 0;
        while (i < l->len && k < BATCH) {
            if (!save(p, l->items[i++])) {
                return false;
            }
            k++;
        }
        sb_addc(&p->b, 'e');
        if (k < BATCH) {
            return true;
        }
    }
}

// The items of a dict subclass (batch_dict: SETITEMS batches, a lone last
// pair is one SETITEM).
static bool save_dict_items(Pk *p, ObjDict *d) {
    size_t pos = 0;
    Value k, v, k2, v2;
    for (;;) {
        if (!dict_next(d, &pos, &k, &v)) {
            return true;
        }
        if (!dict_next(d, &pos, &k2, &v2)) {
            if (!save(p, k) || !save(p, v)) {
                return false;
            }
            sb_addc(&p->b, 's');
            return true;
        }
        sb_addc(&p->b, '(');
        if (!save(p, k) || !save(p, v) || !save(p, k2) || !save(p, v2)) {
            return false;
        }
        size_t n = 2;
        while (n < BATCH && dict_next(d, &pos, &k, &v)) {
            if (!save(p, k) || !save(p, v)) {
                return false;
            }
            n++;
        }
        sb_addc(&p->b, 'u');
        if (n < BATCH) {
            return true;
        }
    }
}

// One item of a reduce value's listitems, or a (key, value) pair of its
// dictitems ([pair]).
static bool save_iter_item(Pk *p, Value x, bool pair) {
    if (!keep(p, x)) {
        return false;
    }
    if (!pair) {
        return save(p, x);
    }
    if (!IS_TUPLE(x) || AS_TUPLE(x)->len != 2) {
        return false;   // the Python path's error
    }
    return save_items(p, AS_TUPLE(x)->items, 2);
}

// The items of a reduce value's listitems/dictitems iterator ([pairs]),
// as CPython's batch_list and batch_dict: APPENDS/SETITEMS batches, a lone
// last item APPEND/SETITEM.
static bool save_iter_items(Pk *p, Value it, bool pairs) {
    while (p->proto == 0) {
        Value x;
        int r = obj_next(it, &x);
        if (r <= 0) {
            p->err = r < 0;
            return r == 0;
        }
        if (!save_iter_item(p, x, pairs)) {
            return false;
        }
        sb_addc(&p->b, pairs ? 's' : 'a');
    }
    for (;;) {
        Value first, x;
        int r = obj_next(it, &first);
        if (r <= 0) {
            p->err = r < 0;
            return r == 0;
        }
        if (!keep(p, first)) {
            return false;
        }
        r = obj_next(it, &x);
        if (r < 0) {
            p->err = true;
            return false;
        }
        if (r == 0) {
            if (!save_iter_item(p, first, pairs)) {
                return false;
            }
            sb_addc(&p->b, pairs ? 's' : 'a');
            return true;
        }
        sb_addc(&p->b, '(');
        if (!save_iter_item(p, first, pairs) || !save_iter_item(p, x, pairs)) {
            return false;
        }
        size_t n = 2;
        while (n < BATCH) {
            r = obj_next(it, &x);
            if (r < 0) {
                p->err = true;
                return false;
            }
            if (r == 0) {
                break;
            }
            if (!save_iter_item(p, x, pairs)) {
                return false;
            }
            n++;
        }
        sb_addc(&p->b, pairs ? 'u' : 'e');
        if (n < BATCH) {
            return true;
        }
    }
}

// A class or function pickled by reference (CPython's save_global): its
// module's name and its qualified name. false (the Python path) when it is
// not found there as itself, is nested below protocol 4, or the extension
// registry or protocol 2's name mapping may apply.
static bool save_global(Pk *p, Value v) {
    Value mod = obj_getattr_opt(v, ST->s_module);
    Value qn = mod ? obj_getattr_opt(v, ST->s_qualname) : VAL_NULL;
    if (!mod || !qn || !IS_STR(mod) || !IS_STR(qn)) {
        p->err = exc_pending() != VAL_NULL;
        return false;
    }
    if (!keep(p, mod) || !keep(p, qn)) {
        return false;
    }
    ObjStr *ms = AS_STR(mod), *qs = AS_STR(qn);
    Value m = dict_get_str(ST->modules, ms);
    if (!m || strstr(qs->data, "<locals>") || (p->proto < 4 && strchr(qs->data, '.'))) {
        return false;
    }
    // the object at module.qualname must be [v] itself
    const char *s = qs->data;
    Value cur = m;
    while (cur) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        Value part = str_intern(s, n);
        if (!part) {
            p->err = true;
            return false;
        }
        gc_push_root(part);
        cur = obj_getattr_opt(cur, AS_STR(part));
        gc_pop_root(1);
        if (!dot) {
            break;
        }
        s = dot + 1;
    }
    if (cur != v) {
        p->err = exc_pending() != VAL_NULL;
        return false;
    }
    if (p->proto >= 4) {
        if (!save(p, mod) || !save(p, qn)) {
            return false;
        }
        sb_addc(&p->b, '\x93');
    } else {
        if (p->proto < 3) {
            // fix_imports: _compat_pickle's names for Python 2
            Value key = tuple_of(mod, qn);
            if (!key) {
                p->err = true;
                return false;
            }
            gc_push_root(key);
            Value hit;
            int r = dict_get(p->rev_name, key, &hit);
            gc_pop_root(1);
            if (r < 0) {
                p->err = true;
                return false;
            }
            if (r > 0) {
                if (!IS_TUPLE(hit) || AS_TUPLE(hit)->len != 2 || !IS_STR(AS_TUPLE(hit)->items[0]) ||
                    !IS_STR(AS_TUPLE(hit)->items[1])) {
                    return false;
                }
                ms = AS_STR(AS_TUPLE(hit)->items[0]);
                qs = AS_STR(AS_TUPLE(hit)->items[1]);
            } else if ((hit = dict_get_str(p->rev_import, ms))) {
                if (!IS_STR(hit)) {
                    return false;
                }
                ms = AS_STR(hit);
            }
        }
        if (ms->len != ms->cplen || qs->len != qs->cplen || memchr(ms->data, '\n', ms->len) ||
            memchr(qs->data, '\n', qs->len)) {
            return false;
        }
        sb_addc(&p->b, 'c');
        sb_add(&p->b, ms->data, ms->len);
        sb_addc(&p->b, '\n');
        sb_add(&p->b, qs->data, qs->len);
        sb_addc(&p->b, '\n');
    }
    memo_put(p, AS_OBJ(v));
    return true;
}

// After NEWOBJ or REDUCE made [obj]: memoizes it, or, when saving its
// arguments already did (a recursive reference), POP and a GET of it as
// CPython's save_reduce. false: done already (the caller writes no state).
static bool memo_after_new(Pk *p, Value obj) {
    int64_t m = memo_get(p, AS_OBJ(obj));
    if (m >= 0) {
        sb_addc(&p->b, '0');
        memo_write_get(p, m);
        return false;
    }
    memo_put(p, AS_OBJ(obj));
    return true;
}

// The state of a reduction, then BUILD (none when the state is None).
static bool save_build(Pk *p, Value state) {
    if (state != VAL_NONE) {
        if (!save(p, state)) {
            return false;
        }
        sb_addc(&p->b, 'b');
    }
    return true;
}

// A reduce value [rv] of [obj] (what __reduce_ex__ or a copyreg reducer
// returned), as CPython's save_reduce; anything unusual (a str, a
// state_setter, malformed values whose errors pickle.py words): false.
static bool save_reduce(Pk *p, Value obj, Value rv) {
    if (!IS_TUPLE(rv) || AS_TUPLE(rv)->len < 2 || AS_TUPLE(rv)->len > 5) {
        return false;
    }
    ObjTuple *t = AS_TUPLE(rv);
    Value func = t->items[0], args = t->items[1];
    Value state = t->len > 2 ? t->items[2] : VAL_NONE;
    Value litems = t->len > 3 ? t->items[3] : VAL_NONE;
    Value ditems = t->len > 4 ? t->items[4] : VAL_NONE;
    if (!IS_TUPLE(args) || !obj_is_callable(func)) {
        return false;
    }
    ObjTuple *a = AS_TUPLE(args);
    Value fname = obj_getattr_opt(func, ST->s_name);
    if (!fname && exc_pending()) {
        p->err = true;
        return false;
    }
    bool newobj = p->proto >= 2 && fname && IS_STR(fname) && strcmp(AS_STR(fname)->data, "__newobj__") == 0;
    bool newobj_ex = p->proto >= 2 && fname && IS_STR(fname) && strcmp(AS_STR(fname)->data, "__newobj_ex__") == 0;
    if (newobj || newobj_ex) {
        if (a->len < 1 || !IS_CLASS(a->items[0]) || val_class(obj) != AS_CLASS(a->items[0])) {
            return false;
        }
        if (newobj_ex && (a->len != 3 || p->proto < 4 || !IS_TUPLE(a->items[1]) || !IS_DICT(a->items[2]))) {
            return false;
        }
        if (!save(p, a->items[0])) {
            return false;
        }
        if (newobj_ex) {
            if (!save(p, a->items[1]) || !save(p, a->items[2])) {
                return false;
            }
            sb_addc(&p->b, '\x92');
        } else {
            if (!save_tuple_items(p, a->items + 1, a->len - 1, NULL)) {
                return false;
            }
            sb_addc(&p->b, '\x81');
        }
    } else {
        if (!save(p, func) || !save(p, args)) {
            return false;
        }
        sb_addc(&p->b, 'R');
    }
    if (!memo_after_new(p, obj)) {
        return true;
    }
    if (litems != VAL_NONE && !save_iter_items(p, litems, false)) {
        return false;
    }
    if (ditems != VAL_NONE && !save_iter_items(p, ditems, true)) {
        return false;
    }
    return save_build(p, state);
}

// An instance of a program's class whose reduction is object's own
// (CPython's reduce_newobj written out as save_reduce would: the class,
// NEWOBJ or NEWOBJ_EX, then the items of a list or dict subclass and the
// state with BUILD), with no reduce tuple built. [c] is val_class(v).
static bool save_newobj(Pk *p, Value v, ObjClass *c) {
    Value args = VAL_NULL, kwargs = VAL_NULL;
    Value f = class_lookup(c, pk_getnewargs_ex(p));
    if (f) {
        Value r = call_method_str(v, pk_getnewargs_ex(p), 0, NULL);
        if (!r || !keep(p, r)) {
            p->err = true;
            return false;
        }
        // (malformed results: the Python path's errors)
        if (!IS_TUPLE(r) || AS_TUPLE(r)->len != 2 || !IS_TUPLE(AS_TUPLE(r)->items[0]) ||
            !IS_DICT(AS_TUPLE(r)->items[1])) {
            return false;
        }
        args = AS_TUPLE(r)->items[0];
        if (AS_DICT(AS_TUPLE(r)->items[1])->used) {
            kwargs = AS_TUPLE(r)->items[1];
            if (p->proto < 4) {
                return false;
            }
        }
    } else if ((f = class_lookup(c, pk_getnewargs(p)))) {
        Value r = call_method_str(v, pk_getnewargs(p), 0, NULL);
        if (!r || !keep(p, r)) {
            p->err = true;
            return false;
        }
        if (!IS_TUPLE(r)) {
            return false;
        }
        args = r;
    }
    Value gs = class_lookup(c, pk_getstate(p));
    Value state = gs && gs != dict_get_str(cls_object->dict, pk_getstate(p))
                      ? call_method_str(v, pk_getstate(p), 0, NULL)   // (bound: a classmethod gets the class)
                      : object_state(v);
    if (!state || !keep(p, state)) {
        p->err = true;
        return false;
    }
    if (!save(p, OBJ_VAL(c))) {
        return false;
    }
    if (kwargs) {
        if (!save(p, args) || !save(p, kwargs)) {
            return false;
        }
        sb_addc(&p->b, '\x92');
    } else {
        size_t n = args ? AS_TUPLE(args)->len : 0;
        if (!save_tuple_items(p, n ? AS_TUPLE(args)->items : NULL, n, NULL)) {
            return false;
        }
        sb_addc(&p->b, '\x81');
    }
    if (!memo_after_new(p, v)) {
        return true;
    }
    if (c->native_base == cls_list && !save_list_items(p, (ObjList *)AS_OBJ(v))) {
        return false;
    }
    if (c->native_base == cls_dict && !save_dict_items(p, (ObjDict *)AS_OBJ(v))) {
        return false;
    }
    return save_build(p, state);
}

// An instance of a program's class (or a namedtuple): object's reduction
// in C, else its own __reduce_ex__/__reduce__ or copyreg reducer called and
// its value saved. false with p->err clear: the Python path.
static bool save_instance(Pk *p, Value v, ObjClass *c) {
    Value red = VAL_NULL;
    int found = p->dispatch->used ? dict_get(p->dispatch, OBJ_VAL(c), &red) : 0;
    if (found < 0) {
        p->err = true;
        return false;
    }
    if (found) {
        Value rv = vm_call(red, 1, &v, NULL);
        if (!rv || !keep(p, rv)) {
            p->err = true;
            return false;
        }
        return save_reduce(p, v, rv);
    }
    ObjDict *idict = obj_instance_dict_peek(v);
    if (idict && idict->used &&
        (dict_get_str(idict, pk_reduce_ex(p)) || dict_get_str(idict, ST->s_reduce) ||
         dict_get_str(idict, pk_getstate(p)))) {
        return false;
    }
    Value rex = class_lookup(c, pk_reduce_ex(p));
    Value rd = class_lookup(c, ST->s_reduce);
    if (p->proto >= 2 && rex == dict_get_str(cls_object->dict, pk_reduce_ex(p)) &&
        rd == dict_get_str(cls_object->dict, ST->s_reduce)) {
        ObjClass *nb = c->native_base;
        bool ok = nb == cls_object ||
                  (nb == cls_list && class_lookup(c, ST->s_iter) == dict_get_str(cls_list->dict, ST->s_iter)) ||
                  (nb == cls_dict && class_lookup(c, pk_items(p)) == dict_get_str(cls_dict->dict, pk_items(p))) ||
                  (nb == cls_tuple && class_lookup(c, pk_getnewargs(p)));
        return ok && save_newobj(p, v, c);
    }
    Value rv;
    if (rex != dict_get_str(cls_object->dict, pk_reduce_ex(p)) || p->proto < 2) {
        Value proto = MK_SMALL(p->proto);
        rv = call_method_str(v, pk_reduce_ex(p), 1, &proto);
    } else {
        rv = call_method_str(v, ST->s_reduce, 0, NULL);
    }
    if (!rv || !keep(p, rv)) {
        p->err = true;
        return false;
    }
    return save_reduce(p, v, rv);
}

// Ends the open frame: its header, or none for fewer than 4 bytes
// (CPython's _Pickler_CommitFrame).
static void frame_commit(Pk *p) {
    if (p->frame_start == NO_FRAME || p->b.failed) {
        return;
    }
    size_t len = p->b.len - p->frame_start - 9;
    unsigned char *h = (unsigned char *)p->b.data + p->frame_start;
    if (len >= 4) {
        h[0] = 0x95;
        for (int i = 0; i < 8; i++) {
            h[1 + i] = (unsigned char)((uint64_t)len >> (8 * i));
        }
    } else {
        memmove(h, h + 9, len);
        p->b.len -= 9;
    }
    p->frame_start = NO_FRAME;
}

// Protocol 4+: room for the next frame's header.
static void frame_open(Pk *p) {
    if (p->proto >= 4) {
        p->frame_start = p->b.len;
        sb_add(&p->b, "\0\0\0\0\0\0\0\0\0", 9);
    }
}

// Closes the open frame when it has reached the target size (CPython's
// _Pickler_OpcodeBoundary, before each object is saved) and opens the next.
static void frame_boundary(Pk *p) {
    if (p->frame_start != NO_FRAME && p->b.len - p->frame_start - 9 >= FRAME_TARGET) {
        frame_commit(p);
        frame_open(p);
    }
}

// An opcode's [head] and its [n] bytes of [data]: data of 64 KiB or more
// outside any frame (CPython's _Pickler_write_bytes).
static inline __attribute__((always_inline)) void write_data(Pk *p, const char *head, size_t hn, const void *data,
                                                              size_t n) {
    if (n >= FRAME_TARGET && p->frame_start != NO_FRAME) {
        frame_commit(p);
        sb_add(&p->b, head, hn);
        sb_add(&p->b, (const char *)data, n);
        frame_open(p);
        return;
    }
    if (n > ((size_t)1 << 48) || !sb_reserve(&p->b, hn + n)) {
        p->b.failed = true;
        return;
    }
    char *d = p->b.data + p->b.len;
    for (size_t i = 0; i < hn; i++) {
        d[i] = head[i];
    }
    memcpy(d + hn, data, n);
    p->b.len += hn + n;
    d[hn + n] = 0;
}

// The header of a [n]-byte string opcode: [op1] with a 1-byte length (0:
// none), [op4] with 4 bytes, [op8] with 8 (0: too big, false).
static bool data_head(char *h, size_t *hn, size_t n, char op1, char op4, char op8) {
    if (op1 && n < 256) {
        h[0] = op1;
        h[1] = (char)n;
        *hn = 2;
    } else if ((uint64_t)n <= 0xffffffffu) {
        h[0] = op4;
        for (int i = 0; i < 4; i++) {
            h[1 + i] = (char)((uint64_t)n >> (8 * i));
        }
        *hn = 5;
    } else if (op8) {
        h[0] = op8;
        for (int i = 0; i < 8; i++) {
            h[1 + i] = (char)((uint64_t)n >> (8 * i));
        }
        *hn = 9;
    } else {
        return false;
    }
    return true;
}

// Protocol 0's UNICODE text: CPython's raw_unicode_escape, which also
// escapes backslash, NUL, CR, LF and ^Z.
static void save_str_text(Pk *p, ObjStr *s) {
    static const char hex[] = "0123456789abcdef";
    sb_addc(&p->b, 'V');
    size_t i = 0;
    while (i < s->len) {
        unsigned char c = (unsigned char)s->data[i];
        uint32_t cp = c < 0x80 ? (i++, c) : utf8_decode(s->data, s->len, &i);
        if (cp >= 256 || cp == '\\' || cp == 0 || cp == '\n' || cp == '\r' || cp == 0x1a) {
            int nd = cp >= 0x10000 ? 8 : 4;
            char t[10] = {'\\', nd == 8 ? 'U' : 'u'};
            for (int k = 0; k < nd; k++) {
                t[2 + k] = hex[(cp >> (4 * (nd - 1 - k))) & 15];
            }
            sb_add(&p->b, t, (size_t)nd + 2);
        } else {
            sb_addc(&p->b, (char)cp);
        }
    }
    sb_addc(&p->b, '\n');
}

static bool save_str(Pk *p, Value v) {
    ObjStr *s = AS_STR(v);
    if (!str_no_surrogates(s)) {
        return false;   // (UTF-8 with surrogatepass: the Python path)
    }
    if (p->proto == 0) {
        save_str_text(p, s);
    } else {
        char h[9];
        size_t hn;
        if (!data_head(h, &hn, s->len, p->proto >= 4 ? '\x8c' : 0, 'X', p->proto >= 4 ? '\x8d' : 0)) {
            return false;
        }
        write_data(p, h, hn, s->data, s->len);
    }
    memo_put(p, AS_OBJ(v));
    return true;
}

// [func] and its arguments [args] (kept) and REDUCE, made by the pickler
// for [obj] (bytes below protocol 3, sets below 4, bytearray below 5).
static bool save_reduce_of(Pk *p, Value obj, Value func, Value args) {
    if (!args || !keep(p, args)) {
        p->err = true;
        return false;
    }
    if (!save(p, func) || !save(p, args)) {
        return false;
    }
    sb_addc(&p->b, 'R');
    memo_after_new(p, obj);
    return true;
}

static bool save_bytes(Pk *p, Value v) {
    ObjBytes *s = AS_BYTES(v);
    if (p->proto >= 3) {
        char h[9];
        size_t hn;
        if (!data_head(h, &hn, s->len, 'C', 'B', p->proto >= 4 ? '\x8e' : 0)) {
            return false;
        }
        write_data(p, h, hn, s->data, s->len);
        memo_put(p, AS_OBJ(v));
        return true;
    }
    // CPython's save_bytes below protocol 3: bytes() for b'', else
    // codecs.encode(its latin-1 text, 'latin1')
    if (s->len == 0) {
        return save_reduce_of(p, v, OBJ_VAL(cls_bytes), tuple_new(0));
    }
    SBuf t;
    sb_init(&t);
    for (size_t i = 0; i < s->len; i++) {
        char u[2] = {(char)(0xc0 | s->data[i] >> 6), (char)(0x80 | (s->data[i] & 0x3f))};
        if (s->data[i] < 0x80) {
            sb_addc(&t, (char)s->data[i]);
        } else {
            sb_add(&t, u, 2);
        }
    }
    Value text = t.failed ? VAL_NULL : str_try_new_cp(t.data, t.len, s->len);
    sb_free(&t);
    if (!text || !keep(p, text)) {
        p->err = true;
        return false;
    }
    return save_reduce_of(p, v, p->codecs_encode, tuple_of(text, OBJ_VAL(pk_latin1(p))));
}

// bytearray: BYTEARRAY8 (protocol 5), else bytearray() or bytearray(bytes).
static bool save_bytearray(Pk *p, Value v) {
    ObjByteArray *a = (ObjByteArray *)AS_OBJ(v);
    if (p->proto >= 5) {
        char h[9] = {'\x96'};
        for (int i = 0; i < 8; i++) {
            h[1 + i] = (char)((uint64_t)a->len >> (8 * i));
        }
        write_data(p, h, 9, a->data, a->len);
        memo_put(p, AS_OBJ(v));
        return true;
    }
    if (a->len == 0) {
        return save_reduce_of(p, v, OBJ_VAL(cls_bytearray), tuple_new(0));
    }
    Value b = bytes_try_new(a->data, a->len);
    if (!b || !keep(p, b)) {
        p->err = true;
        return false;
    }
    return save_reduce_of(p, v, OBJ_VAL(cls_bytearray), tuple_of(b, VAL_NULL));
}

// set and frozenset: EMPTY_SET and ADDITEMS batches, MARK, the items and
// FROZENSET (POP_MARK and a GET when saving them memoized it); below
// protocol 4 the reduction (set|frozenset, (list(items),)).
static bool save_set(Pk *p, Value v, bool frozen) {
    Value items = seq_to_list(v);
    if (!items || !keep(p, items)) {
        p->err = true;
        return false;
    }
    if (p->proto < 4) {
        return save_reduce_of(p, v, OBJ_VAL(frozen ? cls_frozenset : cls_set), tuple_of(items, VAL_NULL));
    }
    ObjList *l = AS_LIST(items);
    if (frozen) {
        sb_addc(&p->b, '(');
        if (!save_items(p, l->items, l->len)) {
            return false;
        }
        int64_t m = memo_get(p, AS_OBJ(v));
        if (m >= 0) {
            sb_addc(&p->b, '1');
            memo_write_get(p, m);
        } else {
            sb_addc(&p->b, '\x91');
            memo_put(p, AS_OBJ(v));
        }
        return true;
    }
    sb_addc(&p->b, '\x8f');
    memo_put(p, AS_OBJ(v));
    size_t size = l->len, i = 0, k;
    if (size == 0) {
        return true;
    }
    do {
        sb_addc(&p->b, '(');
        for (k = 0; k < BATCH && i < l->len; k++) {
            if (!save(p, l->items[i++])) {
                return false;
            }
        }
        sb_addc(&p->b, '\x90');
        if (AS_SET(v)->used != size) {
            exc_raise(exc_RuntimeError, "set changed size during iteration");
            p->err = true;
            return false;
        }
    } while (k == BATCH);
    return true;
}

// A class: by reference, or (the classes of None, NotImplemented and
// Ellipsis, a metaclass copyreg has a reducer for) the Python path.
static bool save_class(Pk *p, Value v, ObjClass *c) {
    if (AS_CLASS(v) == cls_none || AS_CLASS(v) == cls_notimplemented || AS_CLASS(v) == cls_ellipsis) {
        return false;
    }
    Value red;
    int found = c == cls_type || !p->dispatch->used ? 0 : dict_get(p->dispatch, OBJ_VAL(c), &red);
    p->err = found < 0;
    return found == 0 && save_global(p, v);
}

// Any other object: copyreg's reducer for its class, else its
// __reduce_ex__(protocol), saved as CPython's save_reduce.
static bool save_other(Pk *p, Value v, ObjClass *c) {
    Value red = VAL_NULL;
    int found = p->dispatch->used ? dict_get(p->dispatch, OBJ_VAL(c), &red) : 0;
    if (found < 0) {
        p->err = true;
        return false;
    }
    Value proto = MK_SMALL(p->proto);
    Value rv = found ? vm_call(red, 1, &v, NULL) : call_method_str(v, pk_reduce_ex(p), 1, &proto);
    if (!rv || !keep(p, rv)) {
        p->err = true;
        return false;
    }
    return save_reduce(p, v, rv);
}

static bool save_obj(Pk *p, Value v);

static bool save(Pk *p, Value v) {
    if (p->b.failed) {
        return false;
    }
    frame_boundary(p);
    return save_obj(p, v);
}

static bool save_obj(Pk *p, Value v) {
    if (v == VAL_NONE) {
        sb_addc(&p->b, 'N');
        return true;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        if (p->proto >= 2) {
            sb_addc(&p->b, v == VAL_TRUE ? '\x88' : '\x89');
        } else {
            sb_add(&p->b, v == VAL_TRUE ? "I01\n" : "I00\n", 4);
        }
        return true;
    }
    if (IS_SMALL(v) || IS_BIGINT(v)) {
        return save_int(p, v);
    }
    if (IS_FLOAT(v)) {
        return save_float(p, AS_FLOAT(v));
    }
    if (!IS_OBJ(v)) {
        return false;
    }
    ObjClass *c = AS_OBJ(v)->cls;
    int64_t m = memo_get(p, AS_OBJ(v));
    if (m >= 0) {
        memo_write_get(p, m);
        return true;
    }
    if (c == cls_str) {
        return save_str(p, v);
    }
    if (c == cls_bytes) {
        return save_bytes(p, v);
    }
    if (c == cls_function || (c == cls_native && ((ObjNative *)AS_OBJ(v))->self == VAL_NULL)) {
        return save_global(p, v);
    }
    if (c->flags & CLS_META) {
        return save_class(p, v, c);
    }
    // CPython's C pickler counts a tuple, a set or an instance once
    // against the recursion limit, a list or a dict twice (save and its
    // batch)
    int levels = c == cls_list || c == cls_dict ? 2 : 1;
    for (int i = 0; i < levels; i++) {
        if (!vm_enter_recursive(" while pickling an object")) {
            while (i-- > 0) {
                vm_leave_recursive();
            }
            p->err = true;
            return false;
        }
    }
    bool inst = (c->flags & CLS_USER) || (c->flags & CLS_HEAPTYPE && c->native_base == cls_tuple);
    bool ok = c == cls_tuple       ? save_tuple(p, v)
              : c == cls_list      ? save_list(p, v)
              : c == cls_dict      ? save_dict(p, v)
              : c == cls_set       ? save_set(p, v, false)
              : c == cls_frozenset ? save_set(p, v, true)
              : c == cls_bytearray ? save_bytearray(p, v)
              : inst               ? save_instance(p, v, c)
                                   : save_other(p, v, c);
    for (int i = 0; i < levels; i++) {
        vm_leave_recursive();
    }
    return ok;
}

// dumps(obj, protocol, dispatch_table, REVERSE_NAME_MAPPING,
// REVERSE_IMPORT_MAPPING, extension_registry, codecs.encode): the
// pickle's bytes, or None for the Python path.
static Value pk_dumps(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("dumps", argc, 7, 7)) {
        return VAL_NULL;
    }
    int proto;
    if (argv[1] == VAL_NONE) {
        proto = 4;
    } else if (IS_SMALL(argv[1])) {
        int64_t i = AS_SMALL(argv[1]);
        proto = i < 0 ? 5 : (int)(i > 5 ? 99 : i);
    } else {
        return VAL_NONE;
    }
    if (proto > 5 || !IS_DICT(argv[2]) || !IS_DICT(argv[3]) || !IS_DICT(argv[4]) || !IS_DICT(argv[5]) ||
        AS_DICT(argv[5])->used) {
        return VAL_NONE;
    }
    Value keepv = list_new(16);
    if (!keepv) {
        return VAL_NULL;
    }
    gc_push_root(keepv);
    Pk p;
    memset(&p, 0, sizeof p);
    sb_init(&p.b);
    p.proto = proto;
    p.frame_start = NO_FRAME;
    p.keep = AS_LIST(keepv);
    p.dispatch = AS_DICT(argv[2]);
    p.rev_name = AS_DICT(argv[3]);
    p.rev_import = AS_DICT(argv[4]);
    p.codecs_encode = argv[6];
    if (proto >= 2) {
        char head[2] = {'\x80', (char)proto};
        sb_add(&p.b, head, 2);
    }
    frame_open(&p);
    bool ok = save(&p, argv[0]);
    if (ok) {
        sb_addc(&p.b, '.');
    }
    frame_commit(&p);
    ok = ok && !p.b.failed;
    if (p.keys) {
        mem_free(p.keys, p.cap * sizeof(Obj *));
        mem_free(p.idx, p.cap * sizeof(uint32_t));
    }
    if (!ok) {
        sb_free(&p.b);
        gc_pop_root(1);
        return p.err ? VAL_NULL : VAL_NONE;
    }
    Value r = bytes_try_new((const unsigned char *)p.b.data, p.b.len);
    sb_free(&p.b);
    gc_pop_root(1);
    return r;
}

// ---------------------------------------------------------------- loads

typedef struct Up {
    const unsigned char *s;
    size_t len, pos;
    ObjList *stack, *memo;
    size_t *marks;
    size_t nmarks, capmarks;
    Value err;              // pickle.UnpicklingError
    int proto;              // the PROTO opcode's (0 before one)
    ObjDict *name_map, *import_map; // _compat_pickle's NAME_MAPPING, IMPORT_MAPPING
    Value codecs_encode;    // codecs.encode: protocol 0-2 bytes are its REDUCE
    ObjStr *s_setstate;
} Up;

static bool need(Up *u, size_t n) {
    return u->len - u->pos >= n;
}

enum { UP_OK, UP_FALLBACK, UP_ERROR };

// Data that ends inside an opcode's argument: CPython's message.
static int truncated(Up *u) {
    exc_raise((ObjClass *)AS_OBJ(u->err), "pickle data was truncated");
    return UP_ERROR;
}

static uint32_t get_u32(const unsigned char *s) {
    return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}

// The code points of [n] bytes at [s] if they are valid UTF-8 without
// surrogates (what str can hold as it is), else SIZE_MAX.
static size_t utf8_count(const unsigned char *s, size_t n) {
    size_t i = 0, cp = 0;
    while (i < n) {
        uint64_t w;
        if (n - i >= 8 && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0)) {
            i += 8;
            cp += 8;
            continue;
        }
        if (s[i] < 0x80) {
            i++;
            cp++;
            continue;
        }
        int k = utf8_valid_len((const char *)s + i, n - i);
        if (k == 0) {
            return SIZE_MAX;
        }
        i += (size_t)k;
        cp++;
    }
    return cp;
}

static bool utf8_ok(const unsigned char *s, size_t n) {
    return utf8_count(s, n) != SIZE_MAX;
}

// A str of the [n] bytes at [s], or VAL_NULL with *bad set when they
// are no str's UTF-8 (the Python path).
static Value str_from_utf8(const unsigned char *s, size_t n, bool *bad) {
    size_t cp = utf8_count(s, n);
    *bad = cp == SIZE_MAX;
    return *bad ? VAL_NULL : str_try_new_cp((const char *)s, n, cp);
}

// pickle's decode_long of [n] bytes at [s] (little-endian, signed).
static Value long_from(const unsigned char *s, size_t n) {
    if (n == 0) {
        return MK_SMALL(0);
    }
    if (n <= 7) {
        int64_t v = 0;
        for (size_t i = 0; i < n; i++) {
            v |= (int64_t)s[i] << (8 * i);
        }
        if (s[n - 1] & 0x80) {
            v -= (int64_t)1 << (8 * n);
        }
        return int_from_i64(v);
    }
    mpz_t z;
    mpz_init(z);
    mpz_import(z, n, -1, 1, 0, 0, s);
    if (s[n - 1] & 0x80) {
        mpz_t t;
        mpz_init(t);
        mpz_set_ui(t, 1);
        mpz_mul_2exp(t, t, 8 * n);
        mpz_sub(z, z, t);
        mpz_clear(t);
    }
    Value r = int_from_mpz(z);
    mpz_clear(z);
    return r;
}

// Appends [v] (VAL_NULL: an error is raised, false) to list [l].
static inline bool append_to(ObjList *l, Value v) {
    if (v && l->len < l->cap) {
        l->items[l->len++] = v;
        return true;
    }
    return v && list_append(l, v);
}

static inline bool push(Up *u, Value v) {
    return append_to(u->stack, v);
}

// The top of the (non-empty) stack put in the next memo slot.
static inline bool memo_add(Up *u) {
    return append_to(u->memo, u->stack->items[u->stack->len - 1]);
}

// The stack position of the topmost MARK, popped; SIZE_MAX if none.
static size_t pop_mark(Up *u) {
    if (u->nmarks == 0) {
        return SIZE_MAX;
    }
    return u->marks[--u->nmarks];
}

// find_class(module, name) as CPython's Unpickler: the module (imported
// when sys.modules lacks it), then the attribute, a dotted path for
// protocol 4+. UP_FALLBACK for what pickle.py words itself (a protocol-2
// name mapping, a missing attribute); *out set on UP_OK.
static int find_class(Up *u, Value mod, Value name, Value *out) {
    if (!IS_STR(mod) || !IS_STR(name)) {
        return UP_FALLBACK;
    }
    if (u->proto < 3) {
        if (dict_get_str(u->import_map, AS_STR(mod))) {
            return UP_FALLBACK;
        }
        Value key = tuple_new(2);
        if (!key) {
            return UP_ERROR;
        }
        AS_TUPLE(key)->items[0] = mod;
        AS_TUPLE(key)->items[1] = name;
        gc_push_root(key);
        Value hit;
        int r = dict_get(u->name_map, key, &hit);
        gc_pop_root(1);
        if (r != 0) {
            return r < 0 ? UP_ERROR : UP_FALLBACK;
        }
    }
    Value m = dict_get_str(ST->modules, AS_STR(mod));
    if (!m) {
        if (!vm_import(AS_STR(mod)->data)) {
            return UP_ERROR;
        }
        m = dict_get_str(ST->modules, AS_STR(mod));
        if (!m) {
            return UP_FALLBACK;
        }
    }
    ObjStr *ns = AS_STR(name);
    if (u->proto < 4 || !strchr(ns->data, '.')) {
        Value key = ns->interned ? name : str_intern(ns->data, ns->len);
        if (!key) {
            return UP_ERROR;
        }
        gc_push_root(key);
        Value v = obj_getattr_opt(m, AS_STR(key));
        gc_pop_root(1);
        if (!v) {
            return exc_pending() ? UP_ERROR : UP_FALLBACK;
        }
        *out = v;
        return UP_OK;
    }
    if (strstr(ns->data, "<locals>")) {
        return UP_FALLBACK;
    }
    const char *s = ns->data;
    Value cur = m;
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        Value part = str_intern(s, n);
        if (!part) {
            return UP_ERROR;
        }
        gc_push_root(part);
        cur = obj_getattr_opt(cur, AS_STR(part));
        gc_pop_root(1);
        if (!cur) {
            return exc_pending() ? UP_ERROR : UP_FALLBACK;
        }
        if (!dot) {
            break;
        }
        s = dot + 1;
    }
    *out = cur;
    return UP_OK;
}

// cls.__new__(cls, *args, **kw) of NEWOBJ/NEWOBJ_EX (the stack still holds
// them): object's own __new__ without a lookup.
static Value new_instance(Value cls, ObjTuple *args, ObjDict *kw) {
    ObjClass *c = AS_CLASS(cls);
    Value nf = class_lookup(c, ST->s_new);
    if (nf && nf == dict_get_str(cls_object->dict, ST->s_new) && c->native_base == cls_object &&
        c->new_ && args->len == 0 && (!kw || kw->used == 0)) {
        return c->new_(c, 0, NULL, NULL);
    }
    nf = obj_getattr(cls, ST->s_new);
    if (!nf) {
        return VAL_NULL;
    }
    gc_push_root(nf);
    Value small[8];
    Value *argv = args->len < 8 ? small : mem_alloc((args->len + 1) * sizeof(Value));
    argv[0] = cls;
    memcpy(argv + 1, args->items, args->len * sizeof(Value));
    Value r = vm_call(nf, (int)args->len + 1, argv, kw);
    if (argv != small) {
        mem_free(argv, (args->len + 1) * sizeof(Value));
    }
    gc_pop_root(1);
    return r;
}

// BUILD: inst.__setstate__(state), else the state dict's items put in the
// instance dict (str keys interned) and the slot state's set as
// attributes, as CPython's load_build.
static int build(Up *u, Value inst, Value state) {
    Value ss = obj_getattr_opt(inst, NAME(u->s_setstate, "__setstate__"));
    if (ss) {
        gc_push_root(ss);
        Value r = vm_call(ss, 1, &state, NULL);
        gc_pop_root(1);
        return r ? UP_OK : UP_ERROR;
    }
    if (exc_pending()) {
        return UP_ERROR;
    }
    Value slotstate = VAL_NONE;
    if (IS_TUPLE(state) && AS_TUPLE(state)->len == 2) {
        slotstate = AS_TUPLE(state)->items[1];
        state = AS_TUPLE(state)->items[0];
    }
    if (state != VAL_NONE) {
        if (!IS_DICT(state)) {
            return UP_FALLBACK;
        }
        ObjDict *sd = AS_DICT(state);
        if (sd->used) {
            ObjDict *d = obj_instance_dict(inst);
            if (!d) {
                return obj_getattr(inst, str_intern_c("__dict__")) ? UP_FALLBACK : UP_ERROR;
            }
            size_t pos = 0;
            Value k, v;
            while (dict_next(sd, &pos, &k, &v)) {
                if (IS_STR(k) && !AS_STR(k)->interned) {
                    k = str_intern(AS_STR(k)->data, AS_STR(k)->len);
                    if (!k) {
                        return UP_ERROR;
                    }
                }
                gc_push_root(k);
                int r = dict_set(d, k, v);
                gc_pop_root(1);
                if (r < 0) {
                    return UP_ERROR;
                }
            }
        }
    }
    if (slotstate != VAL_NONE) {
        if (!IS_DICT(slotstate)) {
            return UP_FALLBACK;
        }
        size_t pos = 0;
        Value k, v;
        while (dict_next(AS_DICT(slotstate), &pos, &k, &v)) {
            if (!IS_STR(k)) {
                return UP_FALLBACK;
            }
            if (!AS_STR(k)->interned) {
                k = str_intern(AS_STR(k)->data, AS_STR(k)->len);
                if (!k) {
                    return UP_ERROR;
                }
            }
            gc_push_root(k);
            bool ok = obj_setattr(inst, AS_STR(k), v);
            gc_pop_root(1);
            if (!ok) {
                return UP_ERROR;
            }
        }
    }
    return UP_OK;
}

// APPEND/APPENDS to what is not an exact list: its extend() with the
// items (CPython's do_append); the stack keeps them meanwhile.
static int extend_other(Up *u, Value l, size_t from) {
    Value ext = obj_getattr_opt(l, str_intern_c("extend"));
    if (!ext) {
        return exc_pending() ? UP_ERROR : UP_FALLBACK;
    }
    gc_push_root(ext);
    Value items = list_from_array(u->stack->len - from, u->stack->items + from);
    Value r = VAL_NULL;
    if (items) {
        gc_push_root(items);
        r = vm_call(ext, 1, &items, NULL);
        gc_pop_root(1);
    }
    gc_pop_root(1);
    return r ? UP_OK : UP_ERROR;
}

// The text argument of a protocol 0 opcode: up to the newline, which is
// consumed; NULL (the Python path) when there is none.
static const char *text_arg(Up *u, size_t *n) {
    const unsigned char *a = u->s + u->pos;
    const unsigned char *nl = memchr(a, '\n', u->len - u->pos);
    if (!nl) {
        return NULL;
    }
    *n = (size_t)(nl - a);
    u->pos += *n + 1;
    return (const char *)a;
}

// Decimal digits with an optional sign and no leading zero (what the
// pickler writes; anything else the Python path reads).
static bool plain_decimal(const char *s, size_t n) {
    size_t i = n && (s[0] == '-' || s[0] == '+');
    if (i == n || n > 4000 || (s[i] == '0' && n - i > 1)) {
        return false;
    }
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

// CPython's raw-unicode-escape decoding of [n] bytes at [s] as UTF-8 into
// [b]; false for malformed escapes and surrogates (the Python path).
static bool raw_unicode_unescape(const unsigned char *s, size_t n, SBuf *b) {
    size_t i = 0;
    while (i < n) {
        if (s[i] != '\\') {
            char t[4];
            sb_add(b, t, (size_t)utf8_encode(s[i++], t));
            continue;
        }
        size_t bs = i;
        while (i < n && s[i] == '\\') {
            i++;
        }
        if (((i - bs) & 1) == 0 || i >= n || (s[i] != 'u' && s[i] != 'U')) {
            sb_repeat(b, "\\", 1, i - bs);
            continue;
        }
        sb_repeat(b, "\\", 1, i - bs - 1);
        size_t cnt = s[i] == 'u' ? 4 : 8;
        i++;
        if (n - i < cnt) {
            return false;
        }
        uint32_t cp = 0;
        for (size_t k = 0; k < cnt; k++, i++) {
            int h = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
                    : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                    : s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
                                                 : -1;
            if (h < 0) {
                return false;
            }
            cp = cp << 4 | (uint32_t)h;
        }
        if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
            return false;
        }
        char t[4];
        sb_add(b, t, (size_t)utf8_encode(cp, t));
    }
    return true;
}

// Protocol 0's text opcodes INT, LONG, FLOAT, UNICODE, PUT and GET.
static int text_op(Up *u, unsigned char op) {
    size_t n;
    const char *a = text_arg(u, &n);
    if (!a) {
        return UP_FALLBACK;
    }
    Value v = VAL_NULL;
    if (op == 'I' && n == 2 && a[0] == '0' && (a[1] == '0' || a[1] == '1')) {
        v = a[1] == '1' ? VAL_TRUE : VAL_FALSE;
    } else if (op == 'I' || op == 'L' || op == 'p' || op == 'g') {
        if (op == 'L' && n > 1 && a[n - 1] == 'L') {
            n--;
        }
        bool plain = plain_decimal(a, n);
        if ((!plain && (op == 'p' || op == 'g' || n >= 4096)) ||
            ((op == 'p' || op == 'g') && (n > 9 || a[0] == '-' || a[0] == '+'))) {
            return UP_FALLBACK;
        }
        char buf[4096];
        memcpy(buf, a, n);
        buf[n] = 0;
        if (!plain) {
            // CPython's int(text, 0), its own message for INT
            v = int_from_str(buf, 0);
            if (!v && op == 'I') {
                exc_clear();
                exc_raise(exc_ValueError, "could not convert string to int");
            }
            return push(u, v) ? UP_OK : UP_ERROR;
        }
        if (op == 'p' || op == 'g') {
            size_t m = (size_t)strtol(buf, NULL, 10);
            if (op == 'g') {
                return m < u->memo->len ? (push(u, u->memo->items[m]) ? UP_OK : UP_ERROR) : UP_FALLBACK;
            }
            if (m != u->memo->len || u->stack->len == 0 ||
                (u->nmarks && u->marks[u->nmarks - 1] >= u->stack->len)) {
                return UP_FALLBACK;
            }
            return memo_add(u) ? UP_OK : UP_ERROR;
        }
        v = int_from_str(buf, 10);
    } else if (op == 'F') {
        double d;
        if (memchr(a, '_', n) || memchr(a, ' ', n) || !float_parse(a, n, &d)) {
            return UP_FALLBACK;
        }
        v = float_new(d);
    } else {
        SBuf b;
        sb_init(&b);
        if (!raw_unicode_unescape((const unsigned char *)a, n, &b)) {
            sb_free(&b);
            return UP_FALLBACK;
        }
        v = b.failed ? VAL_NULL : str_try_new(b.data ? b.data : "", b.len);
        sb_free(&b);
    }
    return push(u, v) ? UP_OK : UP_ERROR;
}

// codecs.encode(text, 'latin1') of a pickled bytes (protocols 0 to 2)
// in C; VAL_NULL with no exception for other arguments.
static Value latin1_bytes(ObjTuple *args) {
    if (args->len != 2 || !IS_STR(args->items[0]) || !IS_STR(args->items[1]) ||
        strcmp(AS_STR(args->items[1])->data, "latin1") != 0) {
        return VAL_NULL;
    }
    ObjStr *t = AS_STR(args->items[0]);
    unsigned char small[256];
    unsigned char *buf = t->cplen <= sizeof small ? small : mem_alloc(t->cplen);
    size_t i = 0, k = 0;
    while (i < t->len) {
        uint32_t cp = (unsigned char)t->data[i] < 0x80 ? (unsigned char)t->data[i++]
                                                       : utf8_decode(t->data, t->len, &i);
        if (cp > 0xff || k == t->cplen) {
            k = SIZE_MAX;
            break;
        }
        buf[k++] = (unsigned char)cp;
    }
    Value r = k == SIZE_MAX ? VAL_NULL : bytes_try_new(buf, k);
    if (buf != small) {
        mem_free(buf, t->cplen);
    }
    return r;
}

// Runs the opcodes up to STOP: UP_OK with the result on the stack.
static int run(Up *u) {
    for (;;) {
        if (!need(u, 1)) {
            exc_raise(exc_EOFError, "Ran out of input");
            return UP_ERROR;
        }
        unsigned char op = u->s[u->pos++];
        const unsigned char *a = u->s + u->pos;
        size_t n;
        switch (op) {
        case 0x80:  // PROTO
            if (!need(u, 1)) {
                return truncated(u);
            }
            if (a[0] > 5) {
                return UP_FALLBACK;
            }
            u->proto = a[0];
            u->pos++;
            break;
        case 0x95:  // FRAME
            if (!need(u, 8)) {
                return truncated(u);
            }
            u->pos += 8;
            if (((uint64_t)get_u32(a) | (uint64_t)get_u32(a + 4) << 32) > u->len - u->pos) {
                return truncated(u);
            }
            break;
        case '.':   // STOP: the top of the stack (CPython's Pdata_pop)
            if (u->stack->len <= (u->nmarks ? u->marks[u->nmarks - 1] : 0)) {
                exc_raise((ObjClass *)AS_OBJ(u->err), u->nmarks ? "unexpected MARK found" : "unpickling stack underflow");
                return UP_ERROR;
            }
            return UP_OK;
        case 'N':
            if (!push(u, VAL_NONE)) {
                return UP_ERROR;
            }
            break;
        case 0x88:
        case 0x89:
            if (!push(u, op == 0x88 ? VAL_TRUE : VAL_FALSE)) {
                return UP_ERROR;
            }
            break;
        case 'K':
            if (!need(u, 1)) {
                return truncated(u);
            }
            if (!push(u, MK_SMALL(a[0]))) {
                return UP_ERROR;
            }
            u->pos++;
            break;
        case 'M':
            if (!need(u, 2)) {
                return truncated(u);
            }
            if (!push(u, MK_SMALL(a[0] | a[1] << 8))) {
                return UP_ERROR;
            }
            u->pos += 2;
            break;
        case 'J':
            if (!need(u, 4)) {
                return truncated(u);
            }
            if (!push(u, MK_SMALL((int32_t)get_u32(a)))) {
                return UP_ERROR;
            }
            u->pos += 4;
            break;
        case 0x8a:  // LONG1
        case 0x8b:  // LONG4
            if (!need(u, op == 0x8a ? 1 : 4)) {
                return truncated(u);
            }
            n = op == 0x8a ? a[0] : get_u32(a);
            u->pos += op == 0x8a ? 1 : 4;
            if (!need(u, n)) {
                return truncated(u);
            }
            if (n > 4096) {
                return UP_FALLBACK;
            }
            if (!push(u, long_from(u->s + u->pos, n))) {
                return UP_ERROR;
            }
            u->pos += n;
            break;
        case 'G': {
            if (!need(u, 8)) {
                return truncated(u);
            }
            uint64_t x = 0;
            for (int i = 0; i < 8; i++) {
                x = x << 8 | a[i];
            }
            double d;
            memcpy(&d, &x, 8);
            if (!push(u, float_new(d))) {
                return UP_ERROR;
            }
            u->pos += 8;
            break;
        }
        case 0x8c:  // SHORT_BINUNICODE
        case 'X':   // BINUNICODE
        case 'C':   // SHORT_BINBYTES
        case 'B': { // BINBYTES
            size_t w = op == 0x8c || op == 'C' ? 1 : 4;
            if (!need(u, w)) {
                return truncated(u);
            }
            n = w == 1 ? a[0] : get_u32(a);
            u->pos += w;
            if (!need(u, n)) {
                return truncated(u);
            }
            const unsigned char *d = u->s + u->pos;
            Value v;
            if (op == 'C' || op == 'B') {
                v = bytes_try_new(d, n);
            } else {
                bool bad;
                v = str_from_utf8(d, n, &bad);
                if (bad) {
                    return UP_FALLBACK;
                }
            }
            if (!push(u, v)) {
                return UP_ERROR;
            }
            u->pos += n;
            break;
        }
        case ']':
        case '}':
        case ')': {
            Value v = op == ']' ? list_new(0) : op == '}' ? dict_new() : tuple_new(0);
            if (!push(u, v)) {
                return UP_ERROR;
            }
            break;
        }
        case '(':   // MARK
            if (u->nmarks == u->capmarks) {
                size_t ncap = u->capmarks ? u->capmarks * 2 : 16;
                u->marks = mem_realloc(u->marks, u->capmarks * sizeof(size_t), ncap * sizeof(size_t));
                u->capmarks = ncap;
            }
            u->marks[u->nmarks++] = u->stack->len;
            break;
        case 0x85:
        case 0x86:
        case 0x87:
        case 't': {
            size_t from;
            if (op == 't') {
                from = pop_mark(u);
                if (from == SIZE_MAX) {
                    return UP_FALLBACK;
                }
            } else {
                n = (size_t)(op - 0x84);
                if (u->stack->len < n) {
                    return UP_FALLBACK;
                }
                from = u->stack->len - n;
            }
            n = u->stack->len - from;
            Value t = tuple_new(n);
            if (!t) {
                return UP_ERROR;
            }
            memcpy(AS_TUPLE(t)->items, u->stack->items + from, n * sizeof(Value));
            u->stack->len = from;
            if (!push(u, t)) {
                return UP_ERROR;
            }
            break;
        }
        case 'a':   // APPEND
        case 'e': { // APPENDS
            size_t from;
            if (op == 'e') {
                from = pop_mark(u);
                if (from == SIZE_MAX || from == 0) {
                    return UP_FALLBACK;
                }
            } else {
                if (u->stack->len < 2) {
                    return UP_FALLBACK;
                }
                from = u->stack->len - 1;
            }
            Value l = u->stack->items[from - 1];
            if (!IS_LIST(l)) {
                int r = extend_other(u, l, from);
                if (r != UP_OK) {
                    return r;
                }
                u->stack->len = from;
                break;
            }
            if (!list_append_items(AS_LIST(l), u->stack->items + from, u->stack->len - from)) {
                return UP_ERROR;
            }
            u->stack->len = from;
            break;
        }
        case 's':   // SETITEM
        case 'u': { // SETITEMS
            size_t from;
            if (op == 'u') {
                from = pop_mark(u);
                if (from == SIZE_MAX || from == 0) {
                    return UP_FALLBACK;
                }
            } else {
                if (u->stack->len < 3) {
                    return UP_FALLBACK;
                }
                from = u->stack->len - 2;
            }
            Value d = u->stack->items[from - 1];
            if ((u->stack->len - from) % 2) {
                return UP_FALLBACK;
            }
            for (size_t i = from; i < u->stack->len; i += 2) {
                // (an unhashable key: TypeError as CPython's; a dict
                // subclass's own __setitem__ runs)
                if (IS_DICT(d) ? dict_set(AS_DICT(d), u->stack->items[i], u->stack->items[i + 1]) < 0
                               : !obj_setitem(d, u->stack->items[i], u->stack->items[i + 1])) {
                    return UP_ERROR;
                }
            }
            u->stack->len = from;
            break;
        }
        case 'c': { // GLOBAL: "module\nname\n"
            const unsigned char *nl1 = memchr(a, '\n', u->len - u->pos);
            const unsigned char *nl2 = nl1 ? memchr(nl1 + 1, '\n', u->len - u->pos - (size_t)(nl1 + 1 - a)) : NULL;
            if (!nl2 || !utf8_ok(a, (size_t)(nl1 - a)) || !utf8_ok(nl1 + 1, (size_t)(nl2 - nl1 - 1))) {
                return UP_FALLBACK;
            }
            Value mod = str_try_new((const char *)a, (size_t)(nl1 - a));
            if (!mod || !push(u, mod)) {
                return UP_ERROR;
            }
            Value name = str_try_new((const char *)nl1 + 1, (size_t)(nl2 - nl1 - 1));
            if (!name || !push(u, name)) {
                return UP_ERROR;
            }
            u->pos += (size_t)(nl2 + 1 - a);
            // as STACK_GLOBAL of the two
        }
            // fall through
        case 0x93: { // STACK_GLOBAL
            if (u->stack->len < 2 || (u->nmarks && u->marks[u->nmarks - 1] > u->stack->len - 2)) {
                return UP_FALLBACK;
            }
            Value v;
            int r = find_class(u, u->stack->items[u->stack->len - 2], u->stack->items[u->stack->len - 1], &v);
            if (r != UP_OK) {
                return r;
            }
            u->stack->len -= 2;
            if (!push(u, v)) {
                return UP_ERROR;
            }
            break;
        }
        case 0x81:   // NEWOBJ
        case 0x92: { // NEWOBJ_EX
            size_t k = op == 0x81 ? 2 : 3;
            if (u->stack->len < k || (u->nmarks && u->marks[u->nmarks - 1] > u->stack->len - k)) {
                return UP_FALLBACK;
            }
            Value *top = u->stack->items + u->stack->len - k;
            if (!IS_CLASS(top[0]) || !IS_TUPLE(top[1]) || (op == 0x92 && !IS_DICT(top[2]))) {
                return UP_FALLBACK;
            }
            Value v = new_instance(top[0], AS_TUPLE(top[1]), op == 0x92 ? AS_DICT(top[2]) : NULL);
            if (!v) {
                return UP_ERROR;
            }
            u->stack->len -= k;
            if (!push(u, v)) {
                return UP_ERROR;
            }
            break;
        }
        case 'R': { // REDUCE
            if (u->stack->len < 2 || (u->nmarks && u->marks[u->nmarks - 1] > u->stack->len - 2)) {
                return UP_FALLBACK;
            }
            Value *top = u->stack->items + u->stack->len - 2;
            if (!IS_TUPLE(top[1])) {
                return UP_FALLBACK;
            }
            Value v = top[0] == u->codecs_encode ? latin1_bytes(AS_TUPLE(top[1])) : VAL_NULL;
            if (!v && !exc_pending()) {
                v = vm_call(top[0], (int)AS_TUPLE(top[1])->len, AS_TUPLE(top[1])->items, NULL);
            }
            if (!v) {
                return UP_ERROR;
            }
            u->stack->len -= 2;
            if (!push(u, v)) {
                return UP_ERROR;
            }
            break;
        }
        case 'b': { // BUILD
            if (u->stack->len < 2 || (u->nmarks && u->marks[u->nmarks - 1] > u->stack->len - 2)) {
                return UP_FALLBACK;
            }
            int r = build(u, u->stack->items[u->stack->len - 2], u->stack->items[u->stack->len - 1]);
            if (r != UP_OK) {
                return r;
            }
            u->stack->len--;
            break;
        }
        case '0':   // POP
            if (u->stack->len == 0 || (u->nmarks && u->marks[u->nmarks - 1] >= u->stack->len)) {
                return UP_FALLBACK;
            }
            u->stack->len--;
            break;
        case 0x94:  // MEMOIZE
            if (u->stack->len == 0 || !memo_add(u)) {
                return u->stack->len == 0 ? UP_FALLBACK : UP_ERROR;
            }
            break;
        case 'q':   // BINPUT
        case 'r':   // LONG_BINPUT
        case 'h':   // BINGET
        case 'j': { // LONG_BINGET
            size_t w = op == 'q' || op == 'h' ? 1 : 4;
            if (!need(u, w)) {
                return truncated(u);
            }
            n = w == 1 ? a[0] : get_u32(a);
            u->pos += w;
            if (op == 'h' || op == 'j') {
                if (n >= u->memo->len || !push(u, u->memo->items[n])) {
                    return n >= u->memo->len ? UP_FALLBACK : UP_ERROR;
                }
            } else {
                // PUT in the order the pickler wrote them; anything else: Python
                if (n != u->memo->len || u->stack->len == 0) {
                    return UP_FALLBACK;
                }
                if (!memo_add(u)) {
                    return UP_ERROR;
                }
            }
            break;
        }
        case 0x8d:  // BINUNICODE8
        case 0x8e:  // BINBYTES8
        case 0x96:  // BYTEARRAY8
            // (the Python path would first allocate a length read from the
            // data: one past its end is CPython's "truncated" at once)
            if (!need(u, 8)) {
                return truncated(u);
            }
            uint64_t len8 = (uint64_t)get_u32(a) | (uint64_t)get_u32(a + 4) << 32;
            if (len8 > (uint64_t)PTRDIFF_MAX - u->pos - 8) {
                exc_raise((ObjClass *)AS_OBJ(u->err), "read would overflow (invalid bytecode)");
                return UP_ERROR;
            }
            if (len8 > u->len - u->pos - 8) {
                return truncated(u);
            }
            u->pos += 8;
            n = (size_t)len8;
            const unsigned char *d8 = u->s + u->pos;
            Value v8;
            if (op == 0x8d) {
                bool bad;
                v8 = str_from_utf8(d8, n, &bad);
                if (bad) {
                    return UP_FALLBACK;
                }
            } else {
                v8 = op == 0x8e ? bytes_try_new(d8, n) : bytearray_new(d8, n);
            }
            if (!push(u, v8)) {
                return UP_ERROR;
            }
            u->pos += n;
            break;
        case 0x8f:  // EMPTY_SET
            if (!push(u, set_new(cls_set))) {
                return UP_ERROR;
            }
            break;
        case 0x90:   // ADDITEMS
        case 0x91: { // FROZENSET
            size_t from = pop_mark(u);
            if (from == SIZE_MAX || (op == 0x90 && (from == 0 || !(IS_OBJ(u->stack->items[from - 1]) && AS_OBJ(u->stack->items[from - 1])->cls == cls_set)))) {
                return UP_FALLBACK;
            }
            Value set = op == 0x90 ? u->stack->items[from - 1] : set_new(cls_frozenset);
            if (!set || (op == 0x91 && !push(u, set))) {
                return UP_ERROR;
            }
            for (size_t i = from; i < u->stack->len - (op == 0x91); i++) {
                if (set_add(AS_SET(set), u->stack->items[i]) < 0) {
                    return UP_ERROR;
                }
            }
            u->stack->len = from;
            if (op == 0x91 && !push(u, set)) {
                return UP_ERROR;
            }
            break;
        }
        case '1': { // POP_MARK
            size_t from = pop_mark(u);
            if (from == SIZE_MAX) {
                return UP_FALLBACK;
            }
            u->stack->len = from;
            break;
        }
        case '2':   // DUP
            if (u->stack->len == 0 || (u->nmarks && u->marks[u->nmarks - 1] >= u->stack->len)) {
                return UP_FALLBACK;
            }
            if (!push(u, u->stack->items[u->stack->len - 1])) {
                return UP_ERROR;
            }
            break;
        case 'l':   // LIST
        case 'd': { // DICT
            size_t from = pop_mark(u);
            if (from == SIZE_MAX || (op == 'd' && (u->stack->len - from) % 2)) {
                return UP_FALLBACK;
            }
            Value v = op == 'l' ? list_from_array(u->stack->len - from, u->stack->items + from) : dict_new();
            if (!v || !push(u, v)) {
                return UP_ERROR;
            }
            for (size_t i = from; op == 'd' && i + 1 < u->stack->len - 1; i += 2) {
                if (dict_set(AS_DICT(v), u->stack->items[i], u->stack->items[i + 1]) < 0) {
                    return UP_ERROR;
                }
            }
            u->stack->len = from;
            if (!push(u, v)) {
                return UP_ERROR;
            }
            break;
        }
        case 'I':   // INT, protocol 0's bools
        case 'L':   // LONG
        case 'F':   // FLOAT
        case 'V':   // UNICODE
        case 'p':   // PUT
        case 'g': { // GET
            int r = text_op(u, op);
            if (r != UP_OK) {
                return r;
            }
            break;
        }
        default:
            return UP_FALLBACK;
        }
    }
}

// loads(data, fallback, UnpicklingError, NAME_MAPPING, IMPORT_MAPPING,
// codecs.encode):
// the unpickled value, or [fallback] for the Python path.
static Value pk_loads(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("loads", argc, 6, 6)) {
        return VAL_NULL;
    }
    if (!IS_BYTES(argv[0]) || !IS_CLASS(argv[2]) || !IS_DICT(argv[3]) || !IS_DICT(argv[4])) {
        return argv[1];
    }
    Up u;
    memset(&u, 0, sizeof u);
    u.err = argv[2];
    u.name_map = AS_DICT(argv[3]);
    u.import_map = AS_DICT(argv[4]);
    u.codecs_encode = argv[5];
    u.s = AS_BYTES(argv[0])->data;
    u.len = AS_BYTES(argv[0])->len;
    Value st = list_new(8);
    if (!st) {
        return VAL_NULL;
    }
    gc_push_root(st);
    Value memo = list_new(8);
    if (!memo) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(memo);
    u.stack = AS_LIST(st);
    u.memo = AS_LIST(memo);
    int r = run(&u);
    if (u.marks) {
        mem_free(u.marks, u.capmarks * sizeof(size_t));
    }
    Value out = r == UP_OK ? u.stack->items[u.stack->len - 1] : r == UP_FALLBACK ? argv[1] : VAL_NULL;
    gc_pop_root(2);
    return out;
}

// reduce_plain(obj, newobj): object's reduction of a plain instance for
// copy.deepcopy, with [newobj] as the callable; None when [obj] is not one.
static Value pk_reduce_plain(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("reduce_plain", argc, 2, 2)) {
        return VAL_NULL;
    }
    return object_reduce_plain(argv[0], argv[1]);
}

static const MethodDef pickle_functions[] = {
    {"dumps", pk_dumps},
    {"loads", pk_loads},
    {"reduce_plain", pk_reduce_plain},
    {NULL, NULL},
};

// Creates the _pickle_fast module.
Value mod_pickle_init(void) {
    Value m = module_new("_pickle_fast");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    for (const MethodDef *f = pickle_functions; f->name; f++) {
        dict_set_str(d, str_intern_c(f->name), native_new(f->name, f->fn, NULL));
    }
    return m;
}
