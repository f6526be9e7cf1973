// codeblob.c: serializing a module's code object and its constants (a
// marshal of our own, codeblob.h) for the embedded library compiled at
// build time. A value is a tag byte then its data; counts and ints are
// LEB128 varints (signed ones zigzagged). The format is private to one
// build: the blob is made by the same sources that read it.
#include <gmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codeblob.h"
#include "interp.h"
#include "numstr.h"
#include "bytes.h"
#include "runtime.h"

enum {
    T_NONE = 'N', T_TRUE = 'T', T_FALSE = 'F', T_ELLIPSIS = 'E', T_SMALL = 'i', T_BIG = 'I',
    T_FLOAT = 'f', T_COMPLEX = 'x', T_STR = 's', T_INTERNED = 'n', T_BYTES = 'b', T_TUPLE = 't',
    T_FROZENSET = 'z', T_CODE = 'c',
};

// ---- writing
typedef struct Out {
    unsigned char *data;
    size_t len, cap;
    bool bad;           // a value of a kind the format has no tag for
} Out;

static void put(Out *o, const void *p, size_t n) {
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4096;
        while (cap < o->len + n) {
            cap *= 2;
        }
        unsigned char *d = realloc(o->data, cap);
        if (!d) {
            fputs("libcode: out of memory\n", stderr);
            exit(1);
        }
        o->data = d;
        o->cap = cap;
    }
    memcpy(o->data + o->len, p, n);
    o->len += n;
}

static void put_byte(Out *o, int b) {
    unsigned char c = (unsigned char)b;
    put(o, &c, 1);
}

static void put_uvar(Out *o, uint64_t v) {
    while (v >= 0x80) {
        put_byte(o, (int)(v & 0x7f) | 0x80);
        v >>= 7;
    }
    put_byte(o, (int)v);
}

static void put_svar(Out *o, int64_t v) {
    put_uvar(o, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_bytes(Out *o, const void *p, size_t n) {
    put_uvar(o, n);
    put(o, p, n);
}

static void put_value(Out *o, Value v);

static void put_items(Out *o, ObjTuple *t) {
    put_uvar(o, t->len);
    for (size_t i = 0; i < t->len; i++) {
        put_value(o, t->items[i]);
    }
}

static void put_code(Out *o, ObjCode *c) {
    put_byte(o, T_CODE);
    put_uvar(o, c->ncode);
    for (uint32_t i = 0; i < c->ncode; i++) {
        uint32_t w = c->code[i];
        unsigned char b[4] = {(unsigned char)w, (unsigned char)(w >> 8), (unsigned char)(w >> 16),
                              (unsigned char)(w >> 24)};
        put(o, b, 4);
    }
    int32_t prev = c->firstline;
    for (uint32_t i = 0; i < c->ncode; i++) {
        put_svar(o, (int64_t)c->lines[i] - prev);
        prev = c->lines[i];
    }
    for (uint32_t i = 0; i < c->ncode; i++) {
        put_uvar(o, c->spans[i]);
    }
    put_items(o, c->consts);
    put_items(o, c->names);
    put_items(o, c->varnames);
    put_items(o, c->cellvars);
    put_items(o, c->freevars);
    for (int i = 0; i < c->ncells; i++) {
        put_svar(o, c->cell2arg[i]);
    }
    int64_t ints[] = {c->argcount, c->posonlycount, c->kwonlycount, c->flags, c->max_stack, c->max_blocks,
                      c->firstline};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        put_svar(o, ints[i]);
    }
    put_value(o, OBJ_VAL(c->name));
    put_value(o, OBJ_VAL(c->qualname));
}

static void put_value(Out *o, Value v) {
    if (IS_SMALL(v)) {
        put_byte(o, T_SMALL);
        put_svar(o, AS_SMALL(v));
    } else if (IS_NONE(v)) {
        put_byte(o, T_NONE);
    } else if (v == VAL_TRUE || v == VAL_FALSE) {
        put_byte(o, v == VAL_TRUE ? T_TRUE : T_FALSE);
    } else if (v == OBJ_VAL(obj_ellipsis)) {
        put_byte(o, T_ELLIPSIS);
    } else if (IS_FLOAT(v)) {
        double d = AS_FLOAT(v);
        put_byte(o, T_FLOAT);
        put(o, &d, sizeof d);
    } else if (IS_STR(v)) {
        put_byte(o, AS_STR(v)->interned ? T_INTERNED : T_STR);
        put_bytes(o, AS_STR(v)->data, AS_STR(v)->len);
    } else if (IS_BIGINT(v)) {
        char *s = mpz_get_str(NULL, 16, AS_BIGINT(v)->z);
        put_byte(o, T_BIG);
        put_bytes(o, s, strlen(s));
        void (*gmp_free)(void *, size_t);
        mp_get_memory_functions(NULL, NULL, &gmp_free);
        gmp_free(s, strlen(s) + 1);
    } else if (IS_BYTES(v)) {
        put_byte(o, T_BYTES);
        put_bytes(o, AS_BYTES(v)->data, AS_BYTES(v)->len);
    } else if (IS_TUPLE(v)) {
        put_byte(o, T_TUPLE);
        put_items(o, AS_TUPLE(v));
    } else if (IS_A(v, cls_frozenset)) {
        // its elements in iteration order, as CPython's marshal
        Value t = seq_to_tuple(v);
        put_byte(o, T_FROZENSET);
        put_items(o, AS_TUPLE(t));
    } else if (IS_A(v, cls_complex)) {
        double d[2];
        complex_parts(v, &d[0], &d[1]);
        put_byte(o, T_COMPLEX);
        put(o, d, sizeof d);
    } else if (IS_A(v, cls_code)) {
        put_code(o, (ObjCode *)AS_OBJ(v));
    } else {
        fprintf(stderr, "libcode: a constant of type %s\n", val_class(v)->name->data);
        o->bad = true;
    }
}

// ---- reading: the blob is trusted (made by this build), only its end is
// checked. Nothing here reaches a GC safe point, so the new objects need
// no rooting.
typedef struct In {
    const unsigned char *p, *end;
    ObjStr *filename;
    bool short_read;    // the data ended inside a value
} In;

static uint64_t get_uvar(In *in) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (in->p >= in->end) {
            in->short_read = true;
            break;
        }
        unsigned char b = *in->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            break;
        }
    }
    return v;
}

static int64_t get_svar(In *in) {
    uint64_t u = get_uvar(in);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static const unsigned char *get_raw(In *in, size_t n) {
    const unsigned char *p = in->p;
    if ((size_t)(in->end - p) < n) {
        in->p = in->end;
        in->short_read = true;
        return NULL;
    }
    in->p += n;
    return p;
}

static Value get_value(In *in);

static ObjTuple *get_tuple(In *in) {
    size_t n = (size_t)get_uvar(in);
    Value t = tuple_new(n);
    if (!t) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        Value v = get_value(in);
        if (!v) {
            return NULL;
        }
        AS_TUPLE(t)->items[i] = v;
    }
    return AS_TUPLE(t);
}

static void *copy_array(const void *src, size_t n, size_t size) {
    void *d = mem_alloc(size * (n ? n : 1));
    if (src) {
        memcpy(d, src, size * n);
    } else {
        memset(d, 0, size * (n ? n : 1));
    }
    return d;
}

static Value get_code(In *in) {
    uint32_t n = (uint32_t)get_uvar(in);
    const unsigned char *words = get_raw(in, (size_t)n * 4);
    if (!words) {
        return VAL_NULL;
    }
    ObjCode *c = (ObjCode *)obj_alloc(cls_code, sizeof(ObjCode));
    c->ncode = n;
    c->code = copy_array(NULL, n, sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *b = words + 4 * (size_t)i;
        c->code[i] = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    }
    c->lines = copy_array(NULL, n, sizeof(int32_t));
    c->spans = copy_array(NULL, n, sizeof(uint32_t));
    c->cache = copy_array(NULL, n, sizeof(uint64_t));
    int64_t line = 0;
    for (uint32_t i = 0; i < n; i++) {
        line += get_svar(in);
        c->lines[i] = (int32_t)line;   // relative to firstline until it is read
    }
    for (uint32_t i = 0; i < n; i++) {
        c->spans[i] = (uint32_t)get_uvar(in);
    }
    if (!(c->consts = get_tuple(in)) || !(c->names = get_tuple(in)) || !(c->varnames = get_tuple(in)) ||
        !(c->cellvars = get_tuple(in)) || !(c->freevars = get_tuple(in))) {
        return VAL_NULL;
    }
    c->nlocals = (int)c->varnames->len;
    c->ncells = (int)c->cellvars->len;
    c->nfree = (int)c->freevars->len;
    c->cell2arg = copy_array(NULL, (size_t)c->ncells + 1, sizeof(int32_t));
    for (int i = 0; i < c->ncells; i++) {
        c->cell2arg[i] = (int32_t)get_svar(in);
    }
    c->argcount = (int)get_svar(in);
    c->posonlycount = (int)get_svar(in);
    c->kwonlycount = (int)get_svar(in);
    c->flags = (int)get_svar(in);
    c->max_stack = (int)get_svar(in);
    c->max_blocks = (int)get_svar(in);
    c->firstline = (int)get_svar(in);
    for (uint32_t i = 0; i < n; i++) {
        c->lines[i] += c->firstline;
    }
    Value name = get_value(in), qualname = get_value(in);
    if (!name || !qualname || !IS_STR(name) || !IS_STR(qualname)) {
        return VAL_NULL;
    }
    c->name = AS_STR(name);
    c->qualname = AS_STR(qualname);
    c->filename = in->filename;
    return OBJ_VAL(c);
}

static Value get_value(In *in) {
    if (in->p >= in->end) {
        in->short_read = true;
        return VAL_NULL;
    }
    int tag = *in->p++;
    switch (tag) {
    case T_NONE:
        return VAL_NONE;
    case T_TRUE:
        return VAL_TRUE;
    case T_FALSE:
        return VAL_FALSE;
    case T_ELLIPSIS:
        return OBJ_VAL(obj_ellipsis);
    case T_SMALL:
        return MK_SMALL(get_svar(in));
    case T_FLOAT:
    case T_COMPLEX: {
        double d[2] = {0, 0};
        const unsigned char *p = get_raw(in, tag == T_FLOAT ? sizeof(double) : 2 * sizeof(double));
        if (!p) {
            return VAL_NULL;
        }
        memcpy(d, p, tag == T_FLOAT ? sizeof(double) : 2 * sizeof(double));
        return tag == T_FLOAT ? float_new(d[0]) : complex_new(d[0], d[1]);
    }
    case T_STR:
    case T_INTERNED:
    case T_BYTES:
    case T_BIG: {
        size_t n = (size_t)get_uvar(in);
        const char *p = (const char *)get_raw(in, n);
        if (!p) {
            return VAL_NULL;
        }
        if (tag == T_STR) {
            return str_new(p, n);
        }
        if (tag == T_INTERNED) {
            return str_intern(p, n);
        }
        if (tag == T_BYTES) {
            return bytes_new(p, n);
        }
        char buf[n + 1];
        memcpy(buf, p, n);
        buf[n] = 0;
        mpz_t z;
        mpz_init_set_str(z, buf, 16);
        Value v = int_from_mpz(z);
        mpz_clear(z);
        return v;
    }
    case T_TUPLE: {
        ObjTuple *t = get_tuple(in);
        return t ? OBJ_VAL(t) : VAL_NULL;
    }
    case T_FROZENSET: {
        ObjTuple *t = get_tuple(in);
        Value f = t ? set_new(cls_frozenset) : VAL_NULL;
        for (size_t i = 0; f && i < t->len; i++) {
            if (set_add(AS_SET(f), t->items[i]) != 0) {
                return VAL_NULL;
            }
        }
        return f;
    }
    case T_CODE:
        return get_code(in);
    default:
        return VAL_NULL;
    }
}

unsigned char *codeblob_write(ObjCode *code, size_t *len) {
    Out o = {0};
    put_value(&o, OBJ_VAL(code));
    if (o.bad) {
        free(o.data);
        return NULL;
    }
    *len = o.len;
    return o.data;
}

ObjCode *codeblob_read(const unsigned char *data, size_t len, ObjStr *filename) {
    In in = {data, data + len, filename, false};
    Value v = get_value(&in);
    if (!v || !IS_A(v, cls_code) || in.short_read || in.p != in.end) {
        exc_clear();
        return NULL;
    }
    return (ObjCode *)AS_OBJ(v);
}

ObjCode *codeblob_lib(const char *name, ObjStr *filename) {
    const LibCode *table = ST->config.libcode;
    if (!table || ST->config.optimize) {
        return NULL;
    }
    for (int i = 0; table[i].name; i++) {
        if (strcmp(table[i].name, name) == 0) {
            return codeblob_read(table[i].data, table[i].len, filename);
        }
    }
    return NULL;
}

bool codeblob_dump_lib(FILE *out) {
    fputs("// generated by tools/libcode_gen.c (src/codeblob.c): do not edit\n#include \"codeblob.h\"\n", out);
    bool ok = true;
    int n = 0;
    while (pyish_libsrc[n].name) {
        n++;
    }
    bool *done = calloc((size_t)n + 1, 1);
    for (int i = 0; i < n; i++) {
        const LibSource *lib = &pyish_libsrc[i];
        char filename[256];
        snprintf(filename, sizeof filename, "<pyish %s>", lib->name);
        ObjCode *code = interp_compile(lib->src, lib->len, filename, false, NULL);
        if (!code) {
            exc_clear();    // (its import reports the error, from the source)
            continue;
        }
        size_t len;
        unsigned char *data = codeblob_write(code, &len);
        if (!data) {
            fprintf(stderr, "libcode: in module %s\n", lib->name);
            ok = false;
            continue;
        }
        fprintf(out, "static const unsigned char lc_%d[] = {", i);
        for (size_t k = 0; k < len; k++) {
            fprintf(out, "%s%d,", k % 32 ? "" : "\n", data[k]);
        }
        fprintf(out, "\n};\n");
        free(data);
        done[i] = true;
    }
    fputs("const LibCode pyish_libcode[] = {\n", out);
    for (int i = 0; i < n; i++) {
        if (done[i]) {      // (a module that did not compile has no entry)
            fprintf(out, "    {\"%s\", lc_%d, sizeof lc_%d},\n", pyish_libsrc[i].name, i, i);
        }
    }
    fputs("    {NULL, NULL, 0},\n};\n", out);
    free(done);
    return ok;
}
