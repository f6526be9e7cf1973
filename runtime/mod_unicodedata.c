// mod_unicodedata.c: the unicodedata module: name() and lookup(), over the
// character-name tables of unicode_names.c (the same \N{...} uses), and
// category, bidirectional, combining, east_asian_width, mirrored, decimal,
// digit, numeric, decomposition, normalize and is_normalized over the Unicode
// 14.0.0 tables of unicodedata_tables.h (tools/gen_unicodedata.py), as
// Python 3.11's.
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "module.h"
#include "numstr.h"
#include "containers.h"
#include "unicode_names.h"
#include "unicodedata_tables.h"

// unicodedata.name(chr[, default]).
static Value u_name(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("name", argc, 1, 2)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0]) || AS_STR(argv[0])->cplen != 1) {
        return exc_raise(exc_TypeError, "name() argument 1 must be a unicode character, not %s",
                         val_type_name(argv[0]));
    }
    size_t i = 0;
    uint32_t cp = utf8_decode(AS_STR(argv[0])->data, AS_STR(argv[0])->len, &i);
    char buf[160];
    if (uname_name(cp, buf, sizeof buf)) {
        return str_from_c(buf);
    }
    if (argc > 1) {
        return argv[1];
    }
    return exc_raise(exc_ValueError, "no such name");
}

// unicodedata.lookup(name): the character of a name or alias.
static Value u_lookup(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("lookup", argc, 1, 1)) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[0])) {
        return exc_raise(exc_TypeError, "a bytes-like object is required, not '%s'",
                         val_type_name(argv[0]));
    }
    ObjStr *s = AS_STR(argv[0]);
    uint32_t cp;
    if (!uname_lookup(s->data, s->len, &cp)) {
        if (s->len > 256) {
            return exc_raise(exc_KeyError, "name too long");
        }
        Value r = str_printf("undefined character name '%s'", s->data);
        return r ? exc_raise_value(exc_new(exc_KeyError, 1, &r)) : VAL_NULL;
    }
    char enc[4];
    return str_new(enc, (size_t)utf8_encode(cp, enc));
}

// ---- properties from the tables

static const UdRec *ud_rec(uint32_t cp) {
    size_t lo = 0, hi = sizeof ud_runs / sizeof ud_runs[0];
    while (hi - lo > 1) {    // the last run starting at or before cp
        size_t mid = (lo + hi) / 2;
        if (ud_runs[mid][0] <= cp) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return &ud_recs[ud_runs[lo][1]];
}

static const UdNum *ud_num(uint32_t cp) {
    size_t lo = 0, hi = sizeof ud_nums / sizeof ud_nums[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ud_nums[mid].cp == cp) {
            return &ud_nums[mid];
        }
        if (ud_nums[mid].cp < cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

static const uint32_t *ud_decomp_of(uint32_t cp) {
    size_t lo = 0, hi = sizeof ud_decomp / sizeof ud_decomp[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ud_decomp[mid][0] == cp) {
            return ud_decomp[mid];
        }
        if (ud_decomp[mid][0] < cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

// The code point of argument [v] of [fn], which must be a 1-character str.
static bool ud_char(const char *fn, Value v, uint32_t *cp) {
    if (!IS_STR(v) || AS_STR(v)->cplen != 1) {
        if (IS_STR(v)) {
            exc_raise(exc_TypeError, "%s() argument must be a unicode character, not str", fn);
        } else {
            exc_raise(exc_TypeError, "%s() argument must be a unicode character, not %s", fn, val_type_name(v));
        }
        return false;
    }
    size_t i = 0;
    *cp = utf8_decode(AS_STR(v)->data, AS_STR(v)->len, &i);
    return true;
}

#define UD_PROP(fname, expr)                                              \
    static Value u_##fname(int argc, Value *argv, ObjDict *kw) {          \
        uint32_t cp;                                                      \
        if (!arg_count(#fname, argc, 1, 1) || !ud_char(#fname, argv[0], &cp)) { \
            return VAL_NULL;                                              \
        }                                                                 \
        const UdRec *r = ud_rec(cp);                                      \
        return expr;                                                      \
    }
UD_PROP(category, str_from_c(ud_cat_names[r->cat]))
UD_PROP(bidirectional, str_from_c(ud_bidi_names[r->bidi]))
UD_PROP(east_asian_width, str_from_c(ud_eaw_names[r->eaw]))
UD_PROP(combining, MK_SMALL(r->ccc))
UD_PROP(mirrored, MK_SMALL(r->mirrored))

// decimal/digit/numeric(chr[, default]): [kind] 0, 1, 2
static Value ud_number(const char *fn, int kind, const char *err, int argc, Value *argv) {
    uint32_t cp;
    if (!arg_count(fn, argc, 1, 2) || !ud_char(fn, argv[0], &cp)) {
        return VAL_NULL;
    }
    const UdNum *n = ud_num(cp);
    if (n && kind == 0 && n->decimal >= 0) {
        return MK_SMALL(n->decimal);
    }
    if (n && kind == 1 && n->digit >= 0) {
        return MK_SMALL(n->digit);
    }
    if (n && kind == 2) {
        return float_new(n->value);
    }
    return argc > 1 ? argv[1] : exc_raise(exc_ValueError, "%s", err);
}

static Value u_decimal(int argc, Value *argv, ObjDict *kw) {
    return ud_number("decimal", 0, "not a decimal", argc, argv);
}

static Value u_digit(int argc, Value *argv, ObjDict *kw) {
    return ud_number("digit", 1, "not a digit", argc, argv);
}

static Value u_numeric(int argc, Value *argv, ObjDict *kw) {
    return ud_number("numeric", 2, "not a numeric character", argc, argv);
}

// decomposition(chr): "<tag> 0041 0301" or ""
static Value u_decomposition(int argc, Value *argv, ObjDict *kw) {
    uint32_t cp;
    if (!arg_count("decomposition", argc, 1, 1) || !ud_char("decomposition", argv[0], &cp)) {
        return VAL_NULL;
    }
    const uint32_t *d = ud_decomp_of(cp);
    if (!d) {
        return str_from_c("");
    }
    char buf[256];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s", ud_tag_names[d[1]]);
    for (uint32_t i = 0; i < d[3] && n < sizeof buf - 16; i++) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%04X", n ? " " : "", ud_decomp_pool[d[2] + i]);
    }
    return str_new(buf, n);
}

// ---- normalization (UAX #15)

#define S_BASE 0xAC00
#define L_BASE 0x1100
#define V_BASE 0x1161
#define T_BASE 0x11A7
#define L_COUNT 19
#define V_COUNT 21
#define T_COUNT 28
#define N_COUNT (V_COUNT * T_COUNT)
#define S_COUNT (L_COUNT * N_COUNT)

typedef struct CpBuf {
    uint32_t *p;
    size_t len, cap;
} CpBuf;

static void cp_push(CpBuf *b, uint32_t c) {
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        uint32_t *p = realloc(b->p, cap * sizeof(uint32_t));
        if (!p) {
            abort();
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = c;
}

static void ud_decompose(CpBuf *b, uint32_t c, bool compat) {
    if (c >= S_BASE && c < S_BASE + S_COUNT) {
        uint32_t s = c - S_BASE;
        cp_push(b, L_BASE + s / N_COUNT);
        cp_push(b, V_BASE + (s % N_COUNT) / T_COUNT);
        if (s % T_COUNT) {
            cp_push(b, T_BASE + s % T_COUNT);
        }
        return;
    }
    const uint32_t *d = ud_decomp_of(c);
    if (d && (d[1] == 0 || compat)) {
        for (uint32_t i = 0; i < d[3]; i++) {
            ud_decompose(b, ud_decomp_pool[d[2] + i], compat);
        }
        return;
    }
    cp_push(b, c);
}

static uint32_t ud_compose_pair(uint32_t a, uint32_t b) {
    if (a >= L_BASE && a < L_BASE + L_COUNT && b >= V_BASE && b < V_BASE + V_COUNT) {
        return S_BASE + ((a - L_BASE) * V_COUNT + (b - V_BASE)) * T_COUNT;
    }
    if (a >= S_BASE && a < S_BASE + S_COUNT && (a - S_BASE) % T_COUNT == 0 && b > T_BASE &&
        b < T_BASE + T_COUNT) {
        return a + (b - T_BASE);
    }
    size_t lo = 0, hi = sizeof ud_comp / sizeof ud_comp[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const uint32_t *t = ud_comp[mid];
        if (t[0] == a && t[1] == b) {
            return t[2];
        }
        if (t[0] < a || (t[0] == a && t[1] < b)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}

// normalize(form, s): 0 NFC, 1 NFD, 2 NFKC, 3 NFKD
static Value ud_normalize(int form, ObjStr *s) {
    CpBuf b = {0};
    bool compat = form >= 2;
    for (size_t i = 0; i < s->len;) {
        ud_decompose(&b, utf8_decode(s->data, s->len, &i), compat);
    }
    // canonical ordering: stable sort of each run of non-starters by class
    for (size_t i = 1; i < b.len; i++) {
        uint8_t cc = ud_rec(b.p[i])->ccc;
        if (!cc) {
            continue;
        }
        size_t j = i;
        uint32_t c = b.p[i];
        while (j > 0) {
            uint8_t pc = ud_rec(b.p[j - 1])->ccc;
            if (pc == 0 || pc <= cc) {
                break;
            }
            b.p[j] = b.p[j - 1];
            j--;
        }
        b.p[j] = c;
    }
    if (form == 0 || form == 2) {    // canonical composition
        size_t out = 0, starter = (size_t)-1;
        int last_cc = 0;
        for (size_t i = 0; i < b.len; i++) {
            uint32_t c = b.p[i];
            int cc = ud_rec(c)->ccc;
            if (starter != (size_t)-1) {
                bool adjacent = out - 1 == starter;
                if (adjacent || (last_cc != 0 && last_cc < cc)) {
                    uint32_t comp = ud_compose_pair(b.p[starter], c);
                    if (comp) {
                        b.p[starter] = comp;
                        continue;
                    }
                }
            }
            if (cc == 0) {
                starter = out;
            }
            last_cc = cc;
            b.p[out++] = c;
        }
        b.len = out;
    }
    char *buf = malloc(b.len * 4 + 1);
    if (!buf) {
        free(b.p);
        return exc_raise_nomem();
    }
    size_t n = 0;
    for (size_t i = 0; i < b.len; i++) {
        n += (size_t)utf8_encode(b.p[i], buf + n);
    }
    free(b.p);
    Value r = str_new(buf, n);
    free(buf);
    return r;
}

static int ud_form(Value f) {
    static const char *const forms[] = {"NFC", "NFD", "NFKC", "NFKD"};
    if (!IS_STR(f)) {
        exc_raise(exc_TypeError, "normalize() argument 1 must be str, not %s", val_type_name(f));
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        if (strcmp(AS_STR(f)->data, forms[i]) == 0) {
            return i;
        }
    }
    exc_raise(exc_ValueError, "invalid normalization form");
    return -1;
}

static bool ud_ascii(ObjStr *s) {
    return s->cplen == s->len;
}

static Value u_normalize(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("normalize", argc, 2, 2)) {
        return VAL_NULL;
    }
    int form = ud_form(argv[0]);
    if (form < 0) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "normalize() argument 2 must be str, not %s", val_type_name(argv[1]));
    }
    if (ud_ascii(AS_STR(argv[1]))) {
        return argv[1];
    }
    return ud_normalize(form, AS_STR(argv[1]));
}

static Value u_is_normalized(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("is_normalized", argc, 2, 2)) {
        return VAL_NULL;
    }
    int form = ud_form(argv[0]);
    if (form < 0) {
        return VAL_NULL;
    }
    if (!IS_STR(argv[1])) {
        return exc_raise(exc_TypeError, "is_normalized() argument 2 must be str, not %s",
                         val_type_name(argv[1]));
    }
    if (ud_ascii(AS_STR(argv[1]))) {
        return VAL_TRUE;
    }
    Value r = ud_normalize(form, AS_STR(argv[1]));
    if (!r) {
        return VAL_NULL;
    }
    return AS_STR(r)->len == AS_STR(argv[1])->len &&
                   memcmp(AS_STR(r)->data, AS_STR(argv[1])->data, AS_STR(r)->len) == 0
               ? VAL_TRUE
               : VAL_FALSE;
}

static const MethodDef unicodedata_fns[] = {
    {"name", u_name},
    {"lookup", u_lookup},
    {"category", u_category},
    {"bidirectional", u_bidirectional},
    {"east_asian_width", u_east_asian_width},
    {"combining", u_combining},
    {"mirrored", u_mirrored},
    {"decimal", u_decimal},
    {"digit", u_digit},
    {"numeric", u_numeric},
    {"decomposition", u_decomposition},
    {"normalize", u_normalize},
    {"is_normalized", u_is_normalized},
    {NULL, NULL},
};

Value mod_unicodedata_init(void) {
    Value m = module_new("unicodedata");
    native_add_functions(((ObjModule *)AS_OBJ(m))->dict, "unicodedata", unicodedata_fns);
    dict_set_str(((ObjModule *)AS_OBJ(m))->dict, str_intern_c("unidata_version"), str_from_c("14.0.0"));
    return m;
}
