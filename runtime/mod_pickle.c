// mod_pickle.c: the `_pickle_fast` module, pickle's C fast path
// (runtime/lib/pickle.pyish keeps CPython's pure-Python Pickler and
// Unpickler and calls these first). dumps(obj, protocol) pickles a value
// built only of None, bools, ints, floats, str, bytes, and exact lists,
// tuples and dicts of them, writing the bytes CPython's C pickler writes
// (protocols 2 to 5: memo, batches of 1000, one frame for protocol 4+);
// it returns None for anything else (another type, a recursive tuple, a
// lone surrogate, output of 64 KiB or more), and pickle.py
// then starts over in Python. loads(data, fallback) reads the opcodes
// those pickles use and returns [fallback] at any other opcode or at
// malformed data, so errors and everything else keep the Python path.
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
    SBuf b;
    int proto;
    Obj **keys;
    uint32_t *idx;
    size_t cap, n;
    bool err;               // an error is raised (RecursionError, MemoryError)
} Pk;

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

// Records [o] in the memo and writes MEMOIZE (protocol 4+) or BINPUT.
static void memo_put(Pk *p, Obj *o) {
    if ((p->n + 1) * 2 > p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 64;
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
    if (p->proto >= 4) {
        sb_addc(&p->b, '\x94');
    } else if (p->n < 256) {
        char t[2] = {'q', (char)p->n};
        sb_add(&p->b, t, 2);
    } else {
        sb_addc(&p->b, 'r');
        put_u32(&p->b, (uint32_t)p->n);
    }
    p->n++;
}

// int: BININT1/BININT2/BININT, else LONG1/LONG4 with pickle's encode_long.
static bool save_int(Pk *p, Value v) {
    if (IS_SMALL(v)) {
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

static void save_float(Pk *p, double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    char t[9];
    t[0] = 'G';
    for (int i = 0; i < 8; i++) {
        t[1 + i] = (char)(u >> (56 - 8 * i));
    }
    sb_add(&p->b, t, 9);
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

static bool save_tuple(Pk *p, Value v) {
    ObjTuple *t = (ObjTuple *)AS_OBJ(v);
    if (t->len == 0) {
        sb_addc(&p->b, ')');
        return true;
    }
    if (t->len > 3) {
        sb_addc(&p->b, '(');
    }
    if (!save_items(p, t->items, t->len)) {
        return false;
    }
    if (memo_get(p, AS_OBJ(v)) >= 0) {
        return false;   // a tuple reached through itself: the Python path
    }
    if (t->len <= 3) {
        sb_addc(&p->b, "\x85\x86\x87"[t->len - 1]);
    } else {
        sb_addc(&p->b, 't');
    }
    memo_put(p, AS_OBJ(v));
    return true;
}

static bool save_list(Pk *p, Value v) {
    sb_addc(&p->b, ']');
    memo_put(p, AS_OBJ(v));
    ObjList *l = AS_LIST(v);
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
    sb_addc(&p->b, '}');
    memo_put(p, AS_OBJ(v));
    ObjDict *d = AS_DICT(v);
    if (d->used == 0) {
        return true;
    }
    size_t pos = 0;
    Value k, val;
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

static bool save(Pk *p, Value v) {
    if (p->b.failed || p->b.len >= FRAME_TARGET) {
        return false;
    }
    if (v == VAL_NONE) {
        sb_addc(&p->b, 'N');
        return true;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        sb_addc(&p->b, v == VAL_TRUE ? '\x88' : '\x89');
        return true;
    }
    if (IS_SMALL(v) || IS_BIGINT(v)) {
        return save_int(p, v);
    }
    if (IS_FLOAT(v)) {
        save_float(p, AS_FLOAT(v));
        return true;
    }
    if (!IS_OBJ(v)) {
        return false;
    }
    ObjClass *c = AS_OBJ(v)->cls;
    if (c != cls_str && c != cls_bytes && c != cls_tuple && c != cls_list && c != cls_dict) {
        return false;
    }
    int64_t m = memo_get(p, AS_OBJ(v));
    if (m >= 0) {
        if (m < 256) {
            char t[2] = {'h', (char)m};
            sb_add(&p->b, t, 2);
        } else {
            sb_addc(&p->b, 'j');
            put_u32(&p->b, (uint32_t)m);
        }
        return true;
    }
    if (c == cls_str) {
        ObjStr *s = AS_STR(v);
        if (!str_no_surrogates(s) || s->len >= FRAME_TARGET) {
            return false;
        }
        if (p->proto >= 4 && s->len < 256) {
            char t[2] = {'\x8c', (char)s->len};
            sb_add(&p->b, t, 2);
        } else {
            sb_addc(&p->b, 'X');
            put_u32(&p->b, (uint32_t)s->len);
        }
        sb_add(&p->b, s->data, s->len);
        memo_put(p, AS_OBJ(v));
        return true;
    }
    if (c == cls_bytes) {
        ObjBytes *s = AS_BYTES(v);
        if (p->proto < 3 || s->len >= FRAME_TARGET) {
            return false;
        }
        if (s->len < 256) {
            char t[2] = {'C', (char)s->len};
            sb_add(&p->b, t, 2);
        } else {
            sb_addc(&p->b, 'B');
            put_u32(&p->b, (uint32_t)s->len);
        }
        sb_add(&p->b, (const char *)s->data, s->len);
        memo_put(p, AS_OBJ(v));
        return true;
    }
    // CPython's C pickler counts a tuple once against the recursion limit,
    // a list or a dict twice (save and its batch)
    int levels = c == cls_tuple ? 1 : 2;
    for (int i = 0; i < levels; i++) {
        if (!vm_enter_recursive(" while pickling an object")) {
            while (i-- > 0) {
                vm_leave_recursive();
            }
            p->err = true;
            return false;
        }
    }
    bool ok = c == cls_tuple ? save_tuple(p, v) : c == cls_list ? save_list(p, v) : save_dict(p, v);
    for (int i = 0; i < levels; i++) {
        vm_leave_recursive();
    }
    return ok;
}

// dumps(obj, protocol): the pickle's bytes, or None for the Python path.
static Value pk_dumps(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("dumps", argc, 2, 2)) {
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
    if (proto < 2 || proto > 5) {
        return VAL_NONE;
    }
    Pk p;
    memset(&p, 0, sizeof p);
    sb_init(&p.b);
    p.proto = proto;
    bool ok = save(&p, argv[0]);
    if (ok) {
        sb_addc(&p.b, '.');
    }
    ok = ok && !p.b.failed && p.b.len < FRAME_TARGET;
    if (p.keys) {
        mem_free(p.keys, p.cap * sizeof(Obj *));
        mem_free(p.idx, p.cap * sizeof(uint32_t));
    }
    if (!ok) {
        sb_free(&p.b);
        return p.err ? VAL_NULL : VAL_NONE;
    }
    size_t head = proto >= 4 && p.b.len >= 4 ? 11 : 2;
    Value r = bytes_try_new(NULL, head + p.b.len);
    if (r) {
        unsigned char *o = AS_BYTES(r)->data;
        o[0] = 0x80;
        o[1] = (unsigned char)proto;
        if (head == 11) {
            o[2] = 0x95;
            uint64_t n = p.b.len;
            for (int i = 0; i < 8; i++) {
                o[3 + i] = (unsigned char)(n >> (8 * i));
            }
        }
        memcpy(o + head, p.b.data, p.b.len);
    }
    sb_free(&p.b);
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

// Valid UTF-8 without surrogates: what str can hold as it is.
static bool utf8_ok(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        int k = utf8_valid_len((const char *)s + i, n - i);
        if (k == 0) {
            return false;
        }
        i += (size_t)k;
    }
    return true;
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

static bool push(Up *u, Value v) {
    return v && list_append(u->stack, v);
}

// The stack position of the topmost MARK, popped; SIZE_MAX if none.
static size_t pop_mark(Up *u) {
    if (u->nmarks == 0) {
        return SIZE_MAX;
    }
    return u->marks[--u->nmarks];
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
        case '.':   // STOP
            return u->stack->len == 1 && u->nmarks == 0 ? UP_OK : UP_FALLBACK;
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
                if (!utf8_ok(d, n)) {
                    return UP_FALLBACK;
                }
                v = str_try_new((const char *)d, n);
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
                return UP_FALLBACK;
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
            if (!IS_DICT(d) || (u->stack->len - from) % 2) {
                return UP_FALLBACK;
            }
            for (size_t i = from; i < u->stack->len; i += 2) {
                if (dict_set(AS_DICT(d), u->stack->items[i], u->stack->items[i + 1]) < 0) {
                    return UP_ERROR;    // an unhashable key: TypeError as CPython's
                }
            }
            u->stack->len = from;
            break;
        }
        case 0x94:  // MEMOIZE
            if (u->stack->len == 0 || !list_append(u->memo, u->stack->items[u->stack->len - 1])) {
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
                if (!list_append(u->memo, u->stack->items[u->stack->len - 1])) {
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
            return UP_FALLBACK;
        default:
            return UP_FALLBACK;
        }
    }
}

// loads(data, fallback, UnpicklingError): the unpickled value, or
// [fallback] for the Python path.
static Value pk_loads(int argc, Value *argv, ObjDict *kw) {
    (void)kw;
    if (!arg_count("loads", argc, 3, 3)) {
        return VAL_NULL;
    }
    if (!IS_BYTES(argv[0]) || !IS_CLASS(argv[2])) {
        return argv[1];
    }
    Up u;
    memset(&u, 0, sizeof u);
    u.err = argv[2];
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
    Value out = r == UP_OK ? u.stack->items[0] : r == UP_FALLBACK ? argv[1] : VAL_NULL;
    gc_pop_root(2);
    return out;
}

static const MethodDef pickle_functions[] = {
    {"dumps", pk_dumps},
    {"loads", pk_loads},
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
