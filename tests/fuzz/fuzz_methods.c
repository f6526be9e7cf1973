// fuzz_methods.c: libFuzzer target 4, the structured method fuzzer. Once per
// process it runs methods_setup.pyish (embedded at build time as
// FUZZ_METHODS_SETUP), which builds the targets T, hostile values V and
// attribute names N. Each input becomes a pyish program: every 5 bytes pick
// a target, one of its attributes (a method or dunder) or an operator, and
// up to three arguments from V or from earlier results R; each call stands
// in its own try/except. With FUZZ_PRINT set in the environment the program
// is written to stderr, so a crash has a readable repro (prepend the setup).
#include <stdarg.h>
#include <stdio.h>
#include "methods_setup.h"
#include "fuzz_common.h"

static ObjDict *setup_globals;
static size_t nT, nV;
// each target's attribute names, copied out of N at set-up: the fuzzed
// program can reach and mutate N itself
static char ***names;
static size_t *nnames;

static void mark_setup(void) {
    if (setup_globals) {
        gc_mark_obj((Obj *)setup_globals);
    }
}

static ObjList *global_list(const char *name) {
    Value v = dict_get_str(setup_globals, str_intern_c(name));
    return v && IS_LIST(v) ? AS_LIST(v) : NULL;
}

static void setup(void) {
    if (setup_globals) {
        return;
    }
    fuzz_init_once();
    gc_add_root_marker(mark_setup);
    static const char src[] = {FUZZ_METHODS_SETUP 0};
    ST->interrupted = 0;
    setup_globals = fuzz_run_source(src, sizeof src - 1, "fuzzsetup", NULL, 0);
    ObjList *t = setup_globals ? global_list("T") : NULL;
    ObjList *v = setup_globals ? global_list("V") : NULL;
    if (!t || !v || !global_list("N")) {
        fprintf(stderr, "fuzz_methods: setup failed\n");
        abort();
    }
    nT = t->len;
    nV = v->len;
    ObjList *n = global_list("N");
    names = calloc(nT, sizeof *names);
    nnames = calloc(nT, sizeof *nnames);
    for (size_t i = 0; i < nT && i < n->len; i++) {
        ObjList *ns = AS_LIST(n->items[i]);
        names[i] = calloc(ns->len, sizeof(char *));
        for (size_t j = 0; j < ns->len; j++) {
            names[i][nnames[i]++] = strdup(AS_STR(ns->items[j])->data);
        }
    }
}

// The name of attribute [sel] of target [t] ('__repr__' if it has none).
static const char *pick_name(size_t t, size_t sel) {
    return nnames[t] ? names[t][sel % nnames[t]] : "__repr__";
}

typedef struct Buf {
    char *data;
    size_t len, cap;
} Buf;

static void put(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(Buf *b, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (size_t)n;
        b->data = realloc(b->data, b->cap);
    }
}

static void put_arg(Buf *b, uint8_t x) {
    if (x >= 240) {
        put(b, "R[%d]", x % 4);
    } else {
        put(b, "V[%zu]", x % nV);
    }
}

static const char *const binops[] = {"+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^",
                                     "<", "<=", "==", "!=", ">", ">=", "in", "not in", "is"};
#define NBINOPS (sizeof binops / sizeof binops[0])
static const char *const unops[] = {"repr", "str", "hash", "len", "bool", "iter", "list", "sorted",
                                    "abs", "-", "~", "int", "float", "format", "sum", "min", "max",
                                    "tuple", "set", "dict", "reversed", "copy.copy", "copy.deepcopy"};
#define NUNOPS (sizeof unops / sizeof unops[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup();
    Buf b = {malloc(256), 0, 256};
    int slot = 0;
    put(&b, "V, T = pool()\nR = [None, None, None, None]\n");
    for (size_t i = 0; i + 5 <= size && i < 5 * 64; i += 5, slot = (slot + 1) % 4) {
        const uint8_t *c = data + i;
        size_t t = c[0] % nT;
        int kind = c[3] & 7;    // 0-4 a call, 5 a binary operator, 6 a builtin, 7 setattr
        put(&b, "try:\n    R[%d] = ", slot);
        if (kind <= 4) {
            put(&b, "getattr(T[%zu], '%s')(", t, pick_name(t, (size_t)c[1] | (size_t)c[2] << 8));
            int nargs = kind % 4;
            for (int a = 0; a < nargs; a++) {
                if (a) {
                    put(&b, ", ");
                }
                put_arg(&b, a == 0 ? c[4] : (uint8_t)(c[4] * 31 + a * 7 + c[1]));
            }
            put(&b, ")\n");
        } else if (kind == 5) {
            put(&b, "T[%zu] %s ", t, binops[c[1] % NBINOPS]);
            put_arg(&b, c[4]);
            put(&b, "\n");
        } else if (kind == 6) {
            put(&b, "%s(T[%zu])\n", unops[c[1] % NUNOPS], t);
        } else {
            put(&b, "setattr(T[%zu], '%s', ", t, pick_name(t, (size_t)c[1] | (size_t)c[2] << 8));
            put_arg(&b, c[4]);
            put(&b, ")\n");
        }
        put(&b, "except BaseException:\n    pass\n");
    }
    if (getenv("FUZZ_PRINT")) {
        fwrite(b.data, 1, b.len, stderr);
    }
    fuzz_run_source(b.data, b.len, "__main__", setup_globals, FUZZ_BUDGET_USEC);
    free(b.data);
    return 0;
}
