// mod_re.c: `_re`, the C core of the re module, on PCRE2 (8-bit, UTF and
// JIT). A Python pattern is translated where PCRE2's syntax differs (\Z,
// {,n}, \uXXXX, \UXXXXXXXX, octal escapes), compiled once and JIT-compiled.
// Pattern and Match objects follow CPython's API; positions are code point
// indices (the subject is our own UTF-8, converted incrementally). The loop
// of findall/finditer/sub/split follows CPython 3.7+'s rule for empty
// matches (an empty match may follow a non-empty one, never another empty
// one at the same place: PCRE2_NOTEMPTY_ATSTART). runtime/lib/re.pyish
// adds the flags, the cache, escape() and re.error, whose class it hands in.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "object.h"
#include "class.h"
#include "containers.h"
#include "gc.h"
#include "module.h"
#include "numstr.h"
#include "runtime.h"
#include "unicode_names.h"
#include "vmapi.h"
#include "bytes.h"

// Python's flag values (re.I ...).
enum { F_TEMPLATE = 1, F_I = 2, F_L = 4, F_M = 8, F_S = 16, F_U = 32, F_X = 64, F_DEBUG = 128, F_A = 256 };

typedef struct ObjPattern {
    Obj hdr;
    pcre2_code *code;
    pcre2_match_data *md;
    Value pattern;          // the source (str)
    Value groupindex;       // dict name -> number
    Value groupnames;       // tuple: index -> name or None
    int64_t flags;
    uint32_t ngroups;
    int64_t hash;
    bool is_bytes;          // a bytes pattern: matches bytes-like subjects
} ObjPattern;

typedef struct ObjMatch {
    Obj hdr;
    Value string;
    Value re;
    int64_t pos, endpos;
    uint32_t n;             // groups + 1
    int64_t spans[];        // 2 per group, code points; -1: unset
} ObjMatch;

typedef struct ObjScanner {  // finditer's iterator
    Obj hdr;
    Value re;
    Value string;
    int64_t pos, endpos;    // in code points
    size_t bpos, bend;      // the same in bytes
    bool must_advance, done;
} ObjScanner;

#define PAT(v) ((ObjPattern *)AS_OBJ(v))

// A subject or pattern: a str (positions in code points) or a bytes-like
// object (positions in bytes: cplen == len).
typedef struct Subj {
    const char *data;
    size_t len, cplen;
    ObjStr *str;            // NULL for bytes-like
} Subj;

static bool subj_of(Value v, Subj *s) {
    if (str_check(v)) {    // str subclasses too (email's ValueTerminal)
        s->str = AS_STR(v);
        s->data = s->str->data;
        s->len = s->str->len;
        s->cplen = s->str->cplen;
        return true;
    }
    BufView bv = {0};
    if (IS_OBJ(v) && buffer_get(v, &bv)) {
        s->str = NULL;
        s->data = (const char *)bv.ptr;
        s->len = s->cplen = bv.len;
        return true;
    }
    return false;
}

// The part [a, b) of [s] (bytes), as the subject's kind.
static Value subj_slice(const Subj *s, size_t a, size_t b) {
    return s->str ? str_try_new(s->data + a, b - a) : bytes_new(s->data + a, b - a);
}
#define MATCH(v) ((ObjMatch *)AS_OBJ(v))

static void trace_pattern(Obj *o) {
    ObjPattern *p = (ObjPattern *)o;
    gc_mark_value(p->pattern);
    gc_mark_value(p->groupindex);
    gc_mark_value(p->groupnames);
}

static void finalize_pattern(Obj *o) {
    ObjPattern *p = (ObjPattern *)o;
    if (p->md) {
        pcre2_match_data_free(p->md);
        p->md = NULL;
    }
    if (p->code) {
        pcre2_code_free(p->code);
        p->code = NULL;
    }
}

static void trace_match(Obj *o) {
    gc_mark_value(((ObjMatch *)o)->string);
    gc_mark_value(((ObjMatch *)o)->re);
}

static void trace_scanner(Obj *o) {
    gc_mark_value(((ObjScanner *)o)->re);
    gc_mark_value(((ObjScanner *)o)->string);
}

// ---- errors: re.error(msg, pattern, pos) from the class re.pyish gave
static Value re_error(const char *msg, Value pattern, int64_t pos) {
    Value cls = ST->re_error;
    if (!cls) {
        return exc_raise(exc_ValueError, "%s", msg);
    }
    Value m = str_from_c(msg);
    gc_push_root(m);
    Value args[3] = {m, pattern, pos >= 0 ? MK_SMALL(pos) : VAL_NONE};
    Value e = vm_call(cls, 3, args, NULL);
    gc_pop_root(1);
    return e ? exc_raise_value(e) : VAL_NULL;
}

// ---- code points and bytes
static int64_t cp_count(const char *s, size_t from, size_t to) {
    int64_t n = 0;
    for (size_t i = from; i < to; i++) {
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return n;
}

// The position of byte [i] of [s] as Python counts it.
static int64_t pos_in(const Subj *s, size_t i) {
    return s->str ? cp_count(s->data, 0, i) : (int64_t)i;
}

static size_t byte_of(const Subj *s, int64_t cp) {
    if (cp <= 0) {
        return 0;
    }
    if ((size_t)cp >= s->cplen) {
        return s->len;
    }
    return s->cplen == s->len ? (size_t)cp : str_cp_offset(s->str, (size_t)cp);
}

// ---- CPython's own checks of a pattern, with its messages and positions
// (PCRE2 accepts some patterns Python refuses and words errors its own
// way): quantifiers, groups, group names and references, classes.
static bool is_ident_start(unsigned char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int hex_digits(const char *s, size_t n, size_t at, int count) {
    int v = 0;
    for (int k = 0; k < count; k++) {
        if (at + (size_t)k >= n || !isxdigit((unsigned char)s[at + k])) {
            return -1;
        }
        char c = (char)tolower((unsigned char)s[at + k]);
        v = v * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
}

// One item of a character class at s[j] (a bytes pattern when [bytes]):
// its code point, -2 for a class escape (\d \w ...), -1 when not known
// here (translate checks the rest); *len gets its length in bytes.
static int class_item(const char *s, size_t n, size_t j, bool bytes, size_t *len) {
    unsigned char c = (unsigned char)s[j];
    if (c != '\\' || j + 1 >= n) {
        if (c < 0x80 || bytes) {
            *len = 1;
            return c;
        }
        int k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;     // UTF-8 sequence
        int cp = c & (0x3f >> (k - 1));
        for (int m = 1; m < k && j + (size_t)m < n; m++) {
            cp = (cp << 6) | ((unsigned char)s[j + m] & 0x3f);
        }
        *len = (size_t)k;
        return cp;
    }
    char d = s[j + 1];
    *len = 2;
    if (strchr("dDsSwW", d)) {
        return -2;
    }
    const char *simple = "a\ab\bf\fn\nr\rt\tv\v";
    for (const char *q = simple; *q; q += 2) {
        if (*q == d) {
            return (unsigned char)q[1];
        }
    }
    int count = d == 'x' ? 2 : d == 'u' && !bytes ? 4 : d == 'U' && !bytes ? 8 : 0;
    if (count) {
        int v = hex_digits(s, n, j + 2, count);
        if (v >= 0) {
            *len = 2 + (size_t)count;
        }
        return v;
    }
    if (d >= '0' && d <= '7') {   // octal: \0, \0o, \0oo, or three digits
        size_t k = j + 1;
        int v = 0;
        while (k < n && k < j + 4 && s[k] >= '0' && s[k] <= '7') {
            v = v * 8 + (s[k] - '0');
            k++;
        }
        if (d != '0' && k - j - 1 < 3) {
            return -1;
        }
        *len = k - j;
        return v;
    }
    if (d == 'N' && !bytes && j + 2 < n && s[j + 2] == '{') {   // \N{NAME}
        const char *close = memchr(s + j + 3, '}', n - (j + 3));
        if (!close) {
            return -1;
        }
        size_t nlen = (size_t)(close - (s + j + 3));
        char name[128];
        uint32_t cp;
        if (nlen >= sizeof name) {
            return -1;
        }
        for (size_t k = 0; k < nlen; k++) {
            name[k] = (char)toupper((unsigned char)s[j + 3 + k]);
        }
        *len = (size_t)(close - (s + j)) + 1;
        return uname_lookup(name, nlen, &cp) ? (int)cp : -1;
    }
    if (!isalnum((unsigned char)d) && (unsigned char)d < 0x80) {
        return d;           // \- \] \\ ...
    }
    return -1;
}

static bool py_check(const Subj *pat, Value patv, int64_t flags) {
    const char *s = pat->data;
    size_t n = pat->len;
    bool verbose = (flags & F_X) != 0;
    if (n >= 3 && s[0] == '(' && s[1] == '?') {
        for (size_t j = 2; j < n && strchr("aiLmsux", s[j]); j++) {
            verbose |= s[j] == 'x';
        }
    }
    size_t stack[256];      // byte positions of the open '('
    int capt[256];          // their group numbers (0: not capturing)
    int bars[256];          // '|' seen in a conditional group, -1 in the other groups
    size_t cond_at[16];     // conditionals' group numbers, checked at the end
    int cond_num[16], nconds = 0;
    int depth = 0, ngroups = 0;
    char names[256][64];
    int name_num[256], nnames = 0;
    bool names_full = false;  // a name not kept: unknown names are left to PCRE2
    enum { START, ATOM, QUANT, MODDED } st = START;
    size_t last_qend = 0;   // where the last quantifier ended: a ?/+ right after it modifies it
    size_t lead = 0;        // where the leading global flag groups end
    char msg[160];
#define FAIL(at, ...) do { snprintf(msg, sizeof msg, __VA_ARGS__); \
        re_error(msg, patv, pos_in(pat, (at))); return false; } while (0)
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (verbose && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) {
            lead += i == lead;      // (global flags may follow white space and comments)
            continue;
        }
        if (verbose && c == '#') {
            bool at_lead = i == lead;
            while (i < n && s[i] != '\n') {
                i++;
            }
            if (at_lead) {
                lead = i + 1;
            }
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= n) {
                FAIL(i, "bad escape (end of pattern)");
            }
            char d = s[i + 1];
            if (d >= '1' && d <= '7' && i + 3 < n && s[i + 2] >= '0' && s[i + 2] <= '7' &&
                s[i + 3] >= '0' && s[i + 3] <= '7') {
                // \ooo: an octal escape
                int v = (d - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
                if (v > 0377) {
                    FAIL(i, "octal escape value \\%.3s outside of range 0-0o377", s + i + 1);
                }
                i += 3;
                st = ATOM;
                continue;
            }
            if (d >= '1' && d <= '9') {
                int num = d - '0';
                size_t j = i + 2;
                if (j < n && s[j] >= '0' && s[j] <= '9') {
                    num = num * 10 + (s[j] - '0');
                    j++;
                }
                if (num > ngroups) {
                    FAIL(i + 1, "invalid group reference %d", num);
                }
                for (int k = 0; k < depth; k++) {
                    if (capt[k] == num) {
                        FAIL(i, "cannot refer to an open group");
                    }
                }
                i = j - 1;
                st = ATOM;
                continue;
            }
            st = strchr("AZbB", d) ? START : ATOM;
            i++;
            // skip the rest of a \x.. \u.... escape (translate checks them)
            continue;
        }
        if (c == '[') {
            size_t j = i + 1;
            if (j < n && s[j] == '^') {
                j++;
            }
            if (j < n && s[j] == ']') {
                j++;
            }
            size_t prev_start = 0;
            int prev_cp = -1;      // the last item's code point, for range checks
            bool bytes = pat->str == NULL;
            while (j < n && s[j] != ']') {
                size_t len;
                if (s[j] == '-' && prev_cp != -1 && j + 1 < n && s[j + 1] != ']') {
                    size_t hi_at = j + 1;
                    size_t hi_len;
                    int hi = class_item(s, n, hi_at, bytes, &hi_len);
                    if (prev_cp == -2 || hi == -2 || (prev_cp >= 0 && hi >= 0 && hi < prev_cp)) {
                        // CPython names each end by its first token (a
                        // character, or '\' and one letter) and counts the
                        // position back from the range's end by those
                        bool lo_esc = s[prev_start] == '\\', hi_esc = s[hi_at] == '\\';
                        size_t lo_tok, hi_tok;
                        if (!lo_esc) {
                            class_item(s, n, prev_start, bytes, &lo_tok);
                        }
                        if (!hi_esc) {
                            class_item(s, n, hi_at, bytes, &hi_tok);
                        }
                        snprintf(msg, sizeof msg, "bad character range %.*s-%.*s",
                                 (int)(lo_esc ? 2 : lo_tok), s + prev_start, (int)(hi_esc ? 2 : hi_tok), s + hi_at);
                        re_error(msg, patv, pos_in(pat, hi_at + hi_len) - (lo_esc ? 2 : 1) - 1 - (hi_esc ? 2 : 1));
                        return false;
                    }
                    j = hi_at + hi_len;
                    prev_cp = -1;
                    continue;
                }
                prev_start = j;
                prev_cp = class_item(s, n, j, bytes, &len);
                j += len;
            }
            if (j >= n) {
                FAIL(i, "unterminated character set");
            }
            i = j;
            st = ATOM;
            continue;
        }
        if (c == '(') {
            if (depth == 256) {
                FAIL(i, "too many nested groups");
            }
            bars[depth] = -1;
            int num = 0;
            if (i + 1 < n && s[i + 1] == '?') {
                if (i + 2 >= n) {
                    FAIL(i + 2, "unexpected end of pattern");
                }
                char e = s[i + 2];
                if (e == 'P') {
                    if (i + 3 < n && s[i + 3] == '<') {
                        size_t a = i + 4, b2 = a;
                        while (b2 < n && s[b2] != '>') {
                            b2++;
                        }
                        if (b2 >= n) {
                            FAIL(a, "missing >, unterminated name");
                        }
                        bool ok = b2 > a && is_ident_start((unsigned char)s[a]);
                        for (size_t k = a; k < b2 && ok; k++) {
                            ok = is_ident_start((unsigned char)s[k]) || (s[k] >= '0' && s[k] <= '9');
                        }
                        if (b2 == a) {
                            FAIL(a, "missing group name");
                        }
                        if (!ok) {
                            FAIL(a, "bad character in group name '%.*s'", (int)(b2 - a), s + a);
                        }
                        num = ++ngroups;
                        for (int k = 0; k < nnames; k++) {
                            if (strlen(names[k]) == b2 - a && memcmp(names[k], s + a, b2 - a) == 0) {
                                FAIL(a, "redefinition of group name '%.*s' as group %d; was group %d",
                                     (int)(b2 - a), s + a, num, name_num[k]);
                            }
                        }
                        if (nnames < 256 && b2 - a < 63) {
                            memcpy(names[nnames], s + a, b2 - a);
                            names[nnames][b2 - a] = 0;
                            name_num[nnames++] = num;
                        } else {
                            names_full = true;
                        }
                        i = b2;
                    } else if (i + 3 < n && s[i + 3] == '=') {
                        size_t a = i + 4, b2 = a;
                        while (b2 < n && s[b2] != ')') {
                            b2++;
                        }
                        if (b2 >= n) {
                            FAIL(a, "missing ), unterminated name");
                        }
                        bool ok = b2 > a && is_ident_start((unsigned char)s[a]);
                        for (size_t k = a; k < b2 && ok; k++) {
                            ok = is_ident_start((unsigned char)s[k]) || (s[k] >= '0' && s[k] <= '9');
                        }
                        if (!ok) {
                            FAIL(a, "bad character in group name '%.*s'", (int)(b2 - a), s + a);
                        }
                        int found = 0;      // its group number
                        for (int k = 0; k < nnames && !found; k++) {
                            if (strlen(names[k]) == b2 - a && memcmp(names[k], s + a, b2 - a) == 0) {
                                found = name_num[k];
                            }
                        }
                        if (!found && !names_full) {
                            FAIL(a, "unknown group name '%.*s'", (int)(b2 - a), s + a);
                        }
                        for (int k = 0; k < depth && found; k++) {
                            if (capt[k] == found) {
                                FAIL(a, "cannot refer to an open group");
                            }
                        }
                        i = b2;
                        st = ATOM;
                        continue;
                    } else if (i + 3 >= n) {
                        FAIL(i + 3, "unexpected end of pattern");
                    } else {
                        FAIL(i + 1, "unknown extension ?P%.*s", i + 3 < n ? 1 : 0, s + i + 3);
                    }
                } else if (e == '<') {
                    if (i + 3 >= n) {
                        FAIL(i + 3, "unexpected end of pattern");
                    }
                    if (s[i + 3] != '=' && s[i + 3] != '!') {
                        FAIL(i + 1, "unknown extension ?<%.*s", i + 3 < n ? 1 : 0, s + i + 3);
                    }
                    stack[depth] = i;
                    capt[depth++] = 0;
                    i += 3;
                    st = START;
                    continue;
                } else if (e == '(') {
                    // (?(id)yes|no) and (?(name)yes|no): a conditional on a group
                    size_t a = i + 3, b2 = a;
                    while (b2 < n && s[b2] != ')') {
                        b2++;
                    }
                    if (b2 >= n) {
                        FAIL(a, "missing ), unterminated name");
                    }
                    if (b2 == a) {
                        FAIL(a, "missing group name");
                    }
                    bool digits = true, ident = is_ident_start((unsigned char)s[a]);
                    for (size_t k = a; k < b2; k++) {
                        digits &= s[k] >= '0' && s[k] <= '9';
                        ident &= is_ident_start((unsigned char)s[k]) || (s[k] >= '0' && s[k] <= '9');
                    }
                    if (digits) {
                        long ref = strtol(s + a, NULL, 10);
                        if (ref == 0) {
                            FAIL(a, "bad group number");
                        }
                        if (nconds < 16) {
                            cond_at[nconds] = a;
                            cond_num[nconds++] = (int)ref;
                        }
                    } else if (!ident) {
                        FAIL(a, "bad character in group name '%.*s'", (int)(b2 - a), s + a);
                    } else {
                        bool found = false;
                        for (int k = 0; k < nnames && !found; k++) {
                            found = strlen(names[k]) == b2 - a && memcmp(names[k], s + a, b2 - a) == 0;
                        }
                        if (!found && !names_full) {
                            FAIL(a, "unknown group name '%.*s'", (int)(b2 - a), s + a);
                        }
                    }
                    stack[depth] = i;
                    bars[depth] = 0;
                    capt[depth++] = 0;
                    i = b2;
                    st = START;
                    continue;
                } else if (e == '#') {
                    size_t stack_i = i;
                    while (i < n && s[i] != ')') {
                        i++;
                    }
                    if (i >= n) {
                        FAIL(stack_i, "missing ), unterminated comment");
                    }
                    continue;
                } else if (e == ':' || e == '=' || e == '!' || e == '>') {
                    stack[depth] = i;
                    capt[depth++] = 0;
                    i += 2;
                    st = START;
                    continue;
                } else if (strchr("aiLmsux-", e)) {
                    // CPython's _parse_flags: letters to add, then '-' and
                    // letters to remove (a group only)
                    size_t j = i + 2;
                    int charset = 0;     // (against the compile flags: p_compile's ValueError)
                    unsigned add = 0, del = 0;
                    while (s[j] != '-') {
                        char f = s[j];
                        if (f == 'u' && !pat->str) {
                            FAIL(j + 1, "bad inline flags: cannot use 'u' flag with a bytes pattern");
                        }
                        if (f == 'L' && pat->str) {
                            FAIL(j + 1, "bad inline flags: cannot use 'L' flag with a str pattern");
                        }
                        if (strchr("auL", f)) {
                            if (charset && charset != f) {
                                FAIL(j + 1, "bad inline flags: flags 'a', 'u' and 'L' are incompatible");
                            }
                            charset = f;
                        }
                        add |= 1u << (strchr("aiLmsux", f) - "aiLmsux");
                        j++;
                        if (j >= n) {
                            FAIL(j, "missing -, : or )");
                        }
                        if (strchr(")-:", s[j]) && s[j]) {
                            break;
                        }
                        if (!s[j] || !strchr("aiLmsux", s[j])) {
                            FAIL(j, isalpha((unsigned char)s[j]) ? "unknown flag" : "missing -, : or )");
                        }
                    }
                    bool off = s[j] == '-';
                    if (off) {
                        j++;
                        if (j >= n) {
                            FAIL(j, "missing flag");
                        }
                        if (!s[j] || !strchr("aiLmsux", s[j])) {
                            FAIL(j, isalpha((unsigned char)s[j]) ? "unknown flag" : "missing flag");
                        }
                        for (;;) {
                            if (strchr("auL", s[j])) {
                                FAIL(j + 1, "bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
                            }
                            del |= 1u << (strchr("aiLmsux", s[j]) - "aiLmsux");
                            j++;
                            if (j >= n) {
                                FAIL(j, "missing :");
                            }
                            if (s[j] == ':') {
                                break;
                            }
                            if (!s[j] || !strchr("aiLmsux", s[j])) {
                                FAIL(j, isalpha((unsigned char)s[j]) ? "unknown flag" : "missing :");
                            }
                        }
                        if (add & del) {
                            FAIL(j, "bad inline flags: flag turned on and off");
                        }
                    }
                    if (s[j] == ')') {      // global flags: no group, only at the start
                        if (i != lead) {
                            FAIL(i, "global flags not at the start of the expression");
                        }
                        lead = j + 1;
                        i = j;
                        continue;
                    }
                    if (s[j] != ':') {
                        FAIL(j, "unknown flag");
                    }
                    stack[depth] = i;
                    capt[depth++] = 0;
                    i = j;
                    st = START;
                    continue;
                } else {
                    FAIL(i + 1, "unknown extension ?%c", e);
                }
            } else {
                num = ++ngroups;
            }
            stack[depth] = i;
            capt[depth++] = num;
            st = START;
            continue;
        }
        if (c == ')') {
            if (depth == 0) {
                FAIL(i, "unbalanced parenthesis");
            }
            depth--;
            st = ATOM;
            continue;
        }
        if (c == '|') {
            if (depth > 0 && bars[depth - 1] >= 0 && ++bars[depth - 1] > 1) {
                FAIL(i, "conditional backref with more than two branches");
            }
            st = START;
            continue;
        }
        bool quant = c == '*' || c == '+' || c == '?';
        size_t qend = i;
        if (c == '{') {
            size_t j = i + 1;
            size_t lo_at = j;
            while (j < n && s[j] >= '0' && s[j] <= '9') {
                j++;
            }
            size_t lo_end = j;
            bool comma = j < n && s[j] == ',';
            size_t hi_at = comma ? j + 1 : j;
            if (comma) {
                j++;
                while (j < n && s[j] >= '0' && s[j] <= '9') {
                    j++;
                }
            }
            if (j < n && s[j] == '}' && (lo_end > lo_at || (comma && j > hi_at) || comma)) {
                if (lo_end > lo_at || comma) {
                    quant = true;
                    qend = j;
                    if (comma && j > hi_at && lo_end > lo_at) {
                        long lo = strtol(s + lo_at, NULL, 10), hi = strtol(s + hi_at, NULL, 10);
                        if (hi < lo) {
                            FAIL(lo_at, "min repeat greater than max repeat");
                        }
                    }
                }
            }
        }
        if (quant) {
            if (st == START) {
                FAIL(i, "nothing to repeat");
            }
            if (st == QUANT && (c == '?' || c == '+') && i == last_qend + 1) {
                st = MODDED;
                continue;
            }
            if (st == QUANT || st == MODDED) {
                FAIL(i, "multiple repeat");
            }
            st = QUANT;
            i = last_qend = qend;
            continue;
        }
        st = (c == '^' || c == '$') ? START : ATOM;
    }
    if (depth > 0) {
        FAIL(stack[depth - 1], "missing ), unterminated subpattern");
    }
    for (int k = 0; k < nconds; k++) {
        if (cond_num[k] > ngroups) {
            FAIL(cond_at[k], "invalid group reference %d", cond_num[k]);
        }
    }
#undef FAIL
    return true;
}

// ---- translation of Python's syntax to PCRE2's
static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// sre's IGNORECASE equivalences that PCRE2's Unicode case folding lacks
// (sre lowers both sides: 'İ'.lower() is 'i', and sre_compile's
// _equivalences add ı, ﬅ/ﬆ, ΐ/ΐ, ΰ/ΰ): the members of the group of the
// character at s[i] as UTF-8 ([*len]: its bytes), or NULL.
static const char *fold_group(const char *s, size_t n, size_t i, size_t *len) {
    static const char *const groups[] = {"iI\xc4\xb1\xc4\xb0", "\xef\xac\x85\xef\xac\x86",
                                         "\xce\x90\xe1\xbf\x93", "\xce\xb0\xe1\xbf\xa3", NULL};
    for (int g = 0; groups[g]; g++) {
        const char *m = groups[g];
        while (*m) {
            size_t k = ((unsigned char)*m < 0x80) ? 1 : ((unsigned char)*m < 0xe0) ? 2 : 3;
            if (i + k <= n && memcmp(s + i, m, k) == 0) {
                *len = k;
                return groups[g];
            }
            m += k;
        }
    }
    return NULL;
}

// Appends the translated [pat] to [b]; false with re.error raised.
// ([unicode_ws]: a str pattern without ASCII: \s is str.isspace()'s set, which
// has \x1c-\x1f and lacks U+180E, unlike PCRE2's \s; \S inside a class stays PCRE2's)
// ([ci]: a str pattern with IGNORECASE. Where ASCII applies (the pattern's
// flag or a (?a:...) group; (?u:...) undoes it) sre folds the case of ASCII
// letters only: a non-ASCII literal outside a class is matched as it is, in
// (?-i:...), and a class folds only for an ASCII character:
// (?:(?-i:(?=[\x00-\x7f]))[..]|(?-i:(?![\x00-\x7f])[..])). PCRE2 10.42 has no
// scoped ASCII mode, so in such groups \w \d \s \b and their negations
// become explicit sets of the group's mode.)
static bool translate(const Subj *pat, Value patv, SBuf *b, bool unicode_ws, bool ci) {
    const char *s = pat->data;
    size_t n = pat->len;
    bool in_class = false;
    size_t class_at = 0;        // where the class being copied starts in [b]
    size_t class_src = 0;       // and in [s]
    bool class_wrap = false;    // it is wrapped for ASCII case folding
    // the modes of each open group: 1 ASCII (a str pattern's; bytes are
    // ASCII), 2 IGNORECASE ((?i:...) and (?-i:...) change them)
    bool base_ascii = !unicode_ws;
    uint8_t modes[256];
    int depth = 0;
    modes[0] = (uint8_t)((base_ascii ? 1 : 0) | (ci ? 2 : 0));
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (pat->str && (unsigned char)c == 0xED && i + 2 < n && ((unsigned char)s[i + 1] & 0xE0) == 0xA0) {
            // a lone surrogate (pyish's UTF-8 of it is not UTF-8 to PCRE2):
            // an escape, allowed by PCRE2_EXTRA_ALLOW_SURROGATE_ESCAPES; it
            // matches nothing, as no subject PCRE2 sees has surrogates
            char esc[16];
            snprintf(esc, sizeof esc, "\\x{%x}", 0xD000u | (((unsigned)s[i + 1] & 0x3F) << 6) |
                                                   ((unsigned)s[i + 2] & 0x3F));
            sb_adds(b, esc);
            i += 2;
            continue;
        }
        bool ascii = pat->str ? (modes[depth] & 1) : false;
        bool ascii_ci = pat->str && (modes[depth] & 2) && ascii;
        bool uni_ci = pat->str && (modes[depth] & 2) && !ascii;
        if (c == '(' && !in_class && depth < 255) {
            uint8_t m = modes[depth];
            if (i + 2 < n && s[i + 1] == '?' && s[i + 2] && strchr("aiLmsux-", s[i + 2])) {
                size_t j = i + 2;
                uint8_t set = 0, clear = 0;
                bool off = false;
                for (; j < n && s[j] && strchr("aiLmsux-", s[j]); j++) {
                    off |= s[j] == '-';
                    set |= s[j] == 'a' ? 1 : s[j] == 'i' && !off ? 2 : 0;
                    clear |= s[j] == 'u' ? 1 : s[j] == 'i' && off ? 2 : 0;
                }
                if (j < n && s[j] == ':') {
                    m = (uint8_t)((m | set) & ~clear);
                }
            }
            modes[++depth] = m;
        } else if (c == ')' && !in_class && depth > 0) {
            depth--;
        }
        size_t flen;
        const char *fold = uni_ci && c != '\\' ? fold_group(s, n, i, &flen) : NULL;
        if (fold && (!in_class || ((i + flen >= n || s[i + flen] != '-') && !(i > 0 && s[i - 1] == '-')))) {
            // an equivalence PCRE2 lacks: all of its group (in a class: not a range's end)
            sb_adds(b, in_class ? "" : "[");
            sb_adds(b, fold);
            sb_adds(b, in_class ? "" : "]");
            i += flen - 1;
            continue;
        }
        if (c == '\\' && i + 1 < n && pat->str && ascii != base_ascii && strchr("wWdDsSbB", s[i + 1])) {
            // a class escape in a group of the other mode than the pattern's
            char d = s[i + 1];
            static const char *const asc[] = {"A-Za-z0-9_", "0-9", "\\t-\\r\\x20"};
            static const char *const asc_not[] = {"\\x00-\\x2f\\x3a-\\x40\\x5b-\\x5e\\x60\\x7b-\\x{10ffff}",
                                                  "\\x00-\\x2f\\x3a-\\x{10ffff}",
                                                  "\\x00-\\x08\\x0e-\\x1f\\x21-\\x{10ffff}"};
            static const char *const uni[] = {"\\p{L}\\p{N}_", "\\p{Nd}",
                                              "\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
                                              "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"};
            int k = d == 'w' || d == 'W' || d == 'b' || d == 'B' ? 0 : d == 'd' || d == 'D' ? 1 : 2;
            bool neg = d == 'W' || d == 'D' || d == 'S';
            const char *set = ascii ? asc[k] : uni[k];
            if (d == 'b' || d == 'B') {
                if (in_class) {
                    sb_add(b, d == 'b' ? "\\x{8}" : "\\B", d == 'b' ? 5 : 2);
                } else {
                    const char *fmt = d == 'b' ? "(?:(?<=[%s])(?![%s])|(?<![%s])(?=[%s]))"
                                               : "(?:(?<=[%s])(?=[%s])|(?<![%s])(?![%s])(?!\\A\\z))";
                    char buf[512];
                    snprintf(buf, sizeof buf, fmt, set, set, set, set);
                    sb_adds(b, buf);
                }
            } else if (!in_class) {
                sb_adds(b, neg ? "[^" : "[");
                sb_adds(b, set);
                sb_addc(b, ']');
            } else if (!neg || ascii) {
                sb_adds(b, neg ? asc_not[k] : set);
            } else {
                sb_add(b, s + i, 2);    // (a negated Unicode set inside a class: PCRE2's own)
            }
            i++;
            continue;
        }
        if (c == '\\' && i + 1 < n) {
            char d = s[i + 1];
            if (d == 'Z') {
                sb_add(b, "\\z", 2);
                i++;
                continue;
            }
            if (unicode_ws && !ascii && (d == 's' || (d == 'S' && !in_class))) {
                // str.isspace()'s characters exactly (Python's Unicode 14)
                static const char ws[] = "\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
                                         "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";
                if (!in_class) {
                    sb_adds(b, d == 's' ? "[" : "[^");
                }
                sb_adds(b, ws);
                if (!in_class) {
                    sb_addc(b, ']');
                }
                i++;
                continue;
            }
            if (d == 'B' && !in_class) {    // as sre: \B never matches in an empty string
                sb_adds(b, "(?:\\B(?!\\A\\z))");
                i++;
                continue;
            }
            if ((d == 'u' || d == 'U' || d == 'N') && !pat->str) {
                char msg[32];
                snprintf(msg, sizeof msg, "bad escape \\%c", d);
                re_error(msg, patv, pos_in(pat, i));
                return false;
            }
            if (d == 'u' || d == 'U') {
                size_t k = d == 'u' ? 4 : 8;
                for (size_t j = 0; j < k; j++) {
                    if (i + 2 + j >= n || !is_hex(s[i + 2 + j])) {
                        char msg[64];
                        snprintf(msg, sizeof msg, "incomplete escape \\%c%.*s", d, (int)j, s + i + 2);
                        re_error(msg, patv, pos_in(pat, i));
                        return false;
                    }
                }
                if (d == 'U' && hex_digits(s, n, i + 2, 4) > 0x10) {     // past U+10FFFF
                    char msg[32];
                    snprintf(msg, sizeof msg, "bad escape \\U%.8s", s + i + 2);
                    re_error(msg, patv, pos_in(pat, i));
                    return false;
                }
                bool wrap = ascii_ci && !in_class &&
                            (k == 4 ? hex_digits(s, n, i + 2, 4) >= 0x80
                                    : hex_digits(s, n, i + 2, 4) > 0 || hex_digits(s, n, i + 6, 4) >= 0x80);
                sb_adds(b, wrap ? "(?-i:\\x{" : "\\x{");
                sb_add(b, s + i + 2, k);
                sb_adds(b, wrap ? "})" : "}");
                i += 1 + k;
                continue;
            }
            if (d == 'N') {     // \N{NAME}: the named character (str patterns)
                if (i + 2 >= n || s[i + 2] != '{') {
                    re_error("missing {", patv, pos_in(pat, i + 2));
                    return false;
                }
                const char *close = memchr(s + i + 3, '}', n - (i + 3));
                if (!close && i + 3 < n) {
                    re_error("missing }, unterminated name", patv, pos_in(pat, i + 3));
                    return false;
                }
                if (!close || close == s + i + 3) {
                    re_error("missing character name", patv, pos_in(pat, i + 3));
                    return false;
                }
                size_t len = (size_t)(close - (s + i + 3));
                char name[128];
                uint32_t cp;
                bool ok = len < sizeof name;
                for (size_t k = 0; ok && k < len; k++) {
                    name[k] = (char)toupper((unsigned char)s[i + 3 + k]);
                }
                if (!ok || !uname_lookup(name, len, &cp)) {
                    char msg[200];
                    snprintf(msg, sizeof msg, "undefined character name '%.*s'", (int)(len < 150 ? len : 150), s + i + 3);
                    re_error(msg, patv, pos_in(pat, i));
                    return false;
                }
                char buf[16];
                snprintf(buf, sizeof buf, "\\x{%x}", (unsigned)cp);
                sb_adds(b, buf);
                i = (size_t)(close - s);
                continue;
            }
            if (d == 'x') {
                if (i + 3 >= n + 1 || !is_hex(s[i + 2]) || !is_hex(s[i + 3])) {
                    char msg[64];
                    size_t have = 0;
                    while (have < 2 && i + 2 + have < n && is_hex(s[i + 2 + have])) {
                        have++;
                    }
                    snprintf(msg, sizeof msg, "incomplete escape \\x%.*s", (int)have, s + i + 2);
                    re_error(msg, patv, pos_in(pat, i));
                    return false;
                }
                bool wrap = ascii_ci && !in_class && hex_digits(s, n, i + 2, 2) >= 0x80;
                sb_adds(b, wrap ? "(?-i:\\x{" : "\\x{");
                sb_add(b, s + i + 2, 2);
                sb_adds(b, wrap ? "})" : "}");
                i += 3;
                continue;
            }
            if (d == '0') {
                // octal: \0, \0o, \0oo
                size_t j = i + 2, k = 0;
                unsigned v = 0;
                while (k < 2 && j < n && s[j] >= '0' && s[j] <= '7') {
                    v = v * 8 + (unsigned)(s[j] - '0');
                    j++;
                    k++;
                }
                char buf[16];
                snprintf(buf, sizeof buf, "\\x{%x}", v);
                sb_adds(b, buf);
                i = j - 1;
                continue;
            }
            if (d >= '1' && d <= '7' && i + 3 < n && s[i + 2] >= '0' && s[i + 2] <= '7' &&
                s[i + 3] >= '0' && s[i + 3] <= '7' && !in_class) {
                unsigned v = (unsigned)((d - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
                char buf[16];
                snprintf(buf, sizeof buf, "\\x{%x}", v);
                sb_adds(b, buf);
                i += 3;
                continue;
            }
            if (d >= '1' && d <= '9' && !in_class) {
                // a group reference: one or two digits (py_check checked it);
                // \g{N} keeps a digit after it literal (\119 is group 11, then '9')
                size_t j = i + 2;
                if (j < n && s[j] >= '0' && s[j] <= '9') {
                    j++;
                }
                sb_add(b, "\\g{", 3);
                sb_add(b, s + i + 1, j - i - 1);
                sb_addc(b, '}');
                i = j - 1;
                continue;
            }
            if (d >= '1' && d <= '9' && in_class) {
                // inside a class: an octal escape or an error
                size_t j = i + 1, k = 0;
                unsigned v = 0;
                while (k < 3 && j < n && s[j] >= '0' && s[j] <= '7') {
                    v = v * 8 + (unsigned)(s[j] - '0');
                    j++;
                    k++;
                }
                if (k == 0) {
                    char msg[32];
                    snprintf(msg, sizeof msg, "bad escape \\%c", d);
                    re_error(msg, patv, pos_in(pat, i));
                    return false;
                }
                if (v > 0377) {
                    char msg[64];
                    snprintf(msg, sizeof msg, "octal escape value \\%.3s outside of range 0-0o377", s + i + 1);
                    re_error(msg, patv, pos_in(pat, i));
                    return false;
                }
                char buf[16];
                snprintf(buf, sizeof buf, "\\x{%x}", v);
                sb_adds(b, buf);
                i = j - 1;
                continue;
            }
            if (((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')) && !strchr("abfnrtvAbBdDsSwWZ", d) &&
                !(d == 'b' && in_class)) {
                if (!(d == 'g' && false)) {
                    char msg[32];
                    snprintf(msg, sizeof msg, "bad escape \\%c", d);
                    re_error(msg, patv, pos_in(pat, i));
                    return false;
                }
            }
            if (d == 'b' && in_class) {
                sb_add(b, "\\x{8}", 5);
                i++;
                continue;
            }
            sb_add(b, s + i, 2);
            i++;
            continue;
        }
        if (in_class) {
            if (c == ']' && uni_ci) {
                // a range over i or I also holds ı and İ (sre folds each member)
                for (size_t k = class_src + 1; k + 2 < i; k++) {
                    if (s[k + 1] == '-' && (unsigned char)s[k] < 0x80 && (unsigned char)s[k + 2] < 0x80 && s[k] != '\\' &&
                        s[k + 2] != '\\' && ((s[k] <= 'i' && 'i' <= s[k + 2]) || (s[k] <= 'I' && 'I' <= s[k + 2]))) {
                        sb_adds(b, "\xc4\xb1\xc4\xb0");
                        break;
                    }
                }
            }
            if (c == ']') {
                in_class = false;
                if (class_wrap) {
                    // the same class again, matched case-sensitively for a non-ASCII character
                    size_t end = b->len;
                    sb_adds(b, "]|(?-i:(?![\\x00-\\x7f])");
                    for (size_t k = class_at; k < end && !b->failed; k++) {
                        sb_addc(b, b->data[k]);
                    }
                    sb_adds(b, "]))");
                    continue;
                }
            } else if (c == '[' && i + 1 < n && (s[i + 1] == ':' || s[i + 1] == '.' || s[i + 1] == '=')) {
                sb_add(b, "\\[", 2);     // POSIX classes are literal in Python
                continue;
            }
            sb_addc(b, c);
            continue;
        }
        if (c == '(' && i + 2 < n && s[i + 1] == '?' && strchr("aiLmsux-", s[i + 2]) && s[i + 2]) {
            // inline flags: PCRE2 has no a, u or L (pattern-wide ones became compile
            // flags in p_compile); J (duplicate names, which Python forbids anyway) holds their place
            sb_add(b, "(?", 2);
            size_t j = i + 2;
            for (; j < n && s[j] && strchr("aiLmsux-", s[j]); j++) {
                sb_addc(b, strchr("auL", s[j]) ? 'J' : s[j]);
            }
            i = j - 1;
            continue;
        }
        if (c == '(' && i + 3 < n && s[i + 1] == '?' && s[i + 2] == '(' && !(s[i + 3] >= '0' && s[i + 3] <= '9')) {
            // (?(name)...): PCRE2 spells the named condition (?(<name>)...)
            sb_add(b, "(?(<", 4);
            size_t j = i + 3;
            while (j < n && s[j] != ')') {
                sb_addc(b, s[j++]);
            }
            sb_addc(b, '>');
            i = j - 1;
            continue;
        }
        if (c == '[') {
            in_class = true;
            class_wrap = ascii_ci;
            if (class_wrap) {
                sb_adds(b, "(?:(?-i:(?=[\\x00-\\x7f]))");
            }
            class_at = b->len;
            class_src = i;
            sb_addc(b, c);
            if (i + 1 < n && s[i + 1] == '^') {
                sb_addc(b, '^');
                i++;
            }
            if (i + 1 < n && s[i + 1] == ']') {
                sb_add(b, "\\]", 2);
                i++;
            }
            continue;
        }
        if ((ascii_ci || uni_ci) && c == '(' && i + 3 < n && s[i + 1] == '?' && s[i + 2] == 'P' &&
            (s[i + 3] == '<' || s[i + 3] == '=')) {
            // a group name: copied as it is
            size_t j = i + 4;
            while (j < n && s[j] != '>' && s[j] != ')') {
                j++;
            }
            sb_add(b, s + i, j - i);
            i = j - 1;
            continue;
        }
        if (ascii_ci && (unsigned char)c >= 0x80) {
            size_t j = i + 1;
            while (j < n && ((unsigned char)s[j] & 0xc0) == 0x80) {
                j++;
            }
            sb_adds(b, "(?-i:");
            sb_add(b, s + i, j - i);
            sb_addc(b, ')');
            i = j - 1;
            continue;
        }
        if (c == '{' && i + 1 < n && s[i + 1] == ',') {
            // {,n} is {0,n} in Python
            size_t j = i + 2;
            while (j < n && s[j] >= '0' && s[j] <= '9') {
                j++;
            }
            if (j < n && s[j] == '}') {
                sb_add(b, "{0,", 3);
                sb_add(b, s + i + 2, j - i - 2);
                sb_addc(b, '}');
                i = j;
                continue;
            }
        }
        sb_addc(b, c);
    }
    return true;
}

// The index of the ']' closing the character class that opens at s[i]
// (n - 1 when none does): escapes, a leading ']' and [:name:] inside.
static size_t class_end(const char *s, size_t n, size_t i) {
    size_t j = i + 1;
    if (j < n && s[j] == '^') {
        j++;
    }
    if (j < n && s[j] == ']') {
        j++;
    }
    for (; j < n; j++) {
        if (s[j] == '\\') {
            j++;
        } else if (s[j] == '[' && j + 1 < n && s[j + 1] == ':') {
            for (size_t k = j + 2; k + 1 < n; k++) {   // [:name:]
                if (s[k] == ':' && s[k + 1] == ']') {
                    j = k + 1;
                    break;
                }
            }
        } else if (s[j] == ']') {
            return j;
        }
    }
    return n - 1;
}

// The width PCRE2 gives the branch s[a..b) of a look-behind alone; -1 when
// it cannot be measured alone (a group reference, say).
static int64_t branch_width(const char *s, size_t a, size_t b, uint32_t opts) {
    SBuf t;
    sb_init(&t);
    sb_add(&t, "(?<=", 4);
    sb_add(&t, s + a, b - a);
    sb_addc(&t, ')');
    int err;
    PCRE2_SIZE off;
    pcre2_code *c = t.failed ? NULL : pcre2_compile((PCRE2_SPTR)t.data, t.len, opts, &err, &off, NULL);
    sb_free(&t);
    uint32_t w = 0;
    if (!c || pcre2_pattern_info(c, PCRE2_INFO_MAXLOOKBEHIND, &w) != 0) {
        pcre2_code_free(c);
        return -1;
    }
    pcre2_code_free(c);
    return (int64_t)w;
}

// CPython wants every branch of a look-behind to have one width
// ((?<=ab|c) is its "look-behind requires fixed-width pattern"); PCRE2
// accepts top-level branches of different fixed widths. False when the
// translated pattern [s] has such a look-behind.
static bool lookbehinds_one_width(const char *s, size_t n, uint32_t opts) {
    bool ext = (opts & PCRE2_EXTENDED) != 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\') {
            i++;
            continue;
        }
        if (s[i] == '[') {
            i = class_end(s, n, i);
            continue;
        }
        if (ext && s[i] == '#') {
            while (i < n && s[i] != '\n') {
                i++;
            }
            continue;
        }
        if (!(s[i] == '(' && i + 3 < n && s[i + 1] == '?' && s[i + 2] == '<' &&
              (s[i + 3] == '=' || s[i + 3] == '!'))) {
            continue;
        }
        size_t a = i + 4, j = a;
        int depth = 0;
        int64_t width = -2;     // -2: no branch measured yet
        bool several = false;
        for (; j < n; j++) {
            char c = s[j];
            if (c == '\\') {
                j++;
            } else if (c == '[') {
                j = class_end(s, n, j);
            } else if (ext && c == '#') {
                while (j < n && s[j] != '\n') {
                    j++;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if ((c == ')' || c == '|') && depth == 0) {
                if (c == ')' && !several) {
                    break;      // one branch: PCRE2 checked it
                }
                several = true;
                int64_t w = branch_width(s, a, j, opts);
                if (w < 0) {
                    break;
                }
                if (width != -2 && w != width) {
                    return false;
                }
                width = w;
                a = j + 1;
                if (c == ')') {
                    break;
                }
            }
        }
    }
    return true;
}

// Python's message for a PCRE2 compile error, where they differ.
static const char *python_message(int code, char *buf, size_t cap) {
    switch (code) {
    case PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS:
        return "missing ), unterminated subpattern";
    case PCRE2_ERROR_UNMATCHED_CLOSING_PARENTHESIS:
        return "unbalanced parenthesis";
    case PCRE2_ERROR_QUANTIFIER_INVALID:
    case PCRE2_ERROR_QUANTIFIER_OUT_OF_ORDER:
        return "nothing to repeat";
    case PCRE2_ERROR_MISSING_SQUARE_BRACKET:
        return "unterminated character set";
    case PCRE2_ERROR_CLASS_RANGE_ORDER:
        return "bad character range";
    case PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH:
        return "look-behind requires fixed-width pattern";     // (no position, as CPython)
    case PCRE2_ERROR_TOO_MANY_CONDITION_BRANCHES:
        return "conditional backref with more than two branches";
    case PCRE2_ERROR_DUPLICATE_SUBPATTERN_NAME:
        return "redefinition of group name";
    case PCRE2_ERROR_BAD_SUBPATTERN_REFERENCE:
    case PCRE2_ERROR_SUBPATTERN_NUMBER_TOO_BIG:
        return "invalid group reference";
    default:
        pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, cap);
        return buf;
    }
}

static Value p_compile(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("compile", argc, 2, 2)) {
        return VAL_NULL;
    }
    Subj patbuf = {0};
    if (!(str_check(argv[0]) || bytes_check(argv[0])) || !subj_of(argv[0], &patbuf)) {
        return exc_raise(exc_TypeError, "first argument must be string or compiled pattern");
    }
    const Subj *pat = &patbuf;
    bool is_bytes = pat->str == NULL;
    int64_t flags;
    if (!int_to_i64(argv[1], &flags)) {
        return VAL_NULL;
    }
    if (!py_check(pat, argv[0], flags)) {
        return VAL_NULL;
    }
    // leading global inline flags, (?i) or (?a)..., count as compile flags (CPython's .flags shows them)
    for (size_t i = 0; i + 2 < pat->len;) {
        if (flags & F_X) {      // (white space and comments before them in verbose mode)
            const char *d = pat->data;
            if (d[i] && strchr(" \t\n\r\f\v", d[i])) {
                i++;
                continue;
            }
            if (d[i] == '#') {
                while (i < pat->len && d[i] != '\n') {
                    i++;
                }
                continue;
            }
        }
        if (!(pat->data[i] == '(' && pat->data[i + 1] == '?')) {
            break;
        }
        static const char letters[] = "aiLmsux";
        const int64_t bits[] = {F_A, F_I, F_L, F_M, F_S, F_U, F_X};
        size_t j = i + 2;
        int64_t f = 0;
        for (; j < pat->len && pat->data[j] && strchr(letters, pat->data[j]); j++) {
            f |= bits[strchr(letters, pat->data[j]) - letters];
        }
        if (j == i + 2 || j >= pat->len || pat->data[j] != ')') {
            break;
        }
        flags |= f;
        i = j + 1;
    }
    if (is_bytes && (flags & F_U)) {
        return exc_raise(exc_ValueError, "cannot use UNICODE flag with a bytes pattern");
    }
    if ((flags & F_A) && (flags & F_U)) {
        return exc_raise(exc_ValueError, "ASCII and UNICODE flags are incompatible");
    }
    if (!is_bytes && (flags & F_L)) {
        return exc_raise(exc_ValueError, "cannot use LOCALE flag with a str pattern");
    }
    if ((flags & F_L) && (flags & F_A)) {
        return exc_raise(exc_ValueError, "ASCII and LOCALE flags are incompatible");
    }
    SBuf b;
    sb_init(&b);
    if (!translate(pat, argv[0], &b, !is_bytes && !(flags & F_A), !is_bytes && (flags & F_I))) {
        sb_free(&b);
        return VAL_NULL;
    }
    // Python's multiline ^ also matches after a newline that ends the
    // subject (re.findall('^', 'a\n', re.M) finds two); PCRE2's does with
    // ALT_CIRCUMFLEX, which changes nothing outside multiline mode
    uint32_t opts = PCRE2_ALT_CIRCUMFLEX;
    if (!is_bytes) {
        opts |= PCRE2_UTF;
        if (!(flags & F_A)) {
            opts |= PCRE2_UCP;
            flags |= F_U;
        }
    }
    if (flags & F_I) {
        opts |= PCRE2_CASELESS;
    }
    if (flags & F_M) {
        opts |= PCRE2_MULTILINE;
    }
    if (flags & F_S) {
        opts |= PCRE2_DOTALL;
    }
    if (flags & F_X) {
        opts |= PCRE2_EXTENDED;
    }
    int err;
    PCRE2_SIZE erroff;
    // \ud800 in a str pattern (as an escape or a lone surrogate) is allowed
    // as CPython's re allows it
    pcre2_compile_context *cctx = is_bytes ? NULL : pcre2_compile_context_create(NULL);
    if (cctx) {
        pcre2_set_compile_extra_options(cctx, PCRE2_EXTRA_ALLOW_SURROGATE_ESCAPES);
    }
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(b.len ? b.data : ""), b.len, opts, &err, &erroff, cctx);
    pcre2_compile_context_free(cctx);
    if (code && !lookbehinds_one_width(b.data, b.len, opts)) {
        pcre2_code_free(code);
        sb_free(&b);
        return re_error("look-behind requires fixed-width pattern", argv[0], -1);
    }
    sb_free(&b);
    if (!code) {
        char buf[256];
        const char *msg = python_message(err, buf, sizeof buf);
        // the offset is in the translated pattern: close enough for ASCII
        int64_t pos = (int64_t)erroff;
        if (pos > (int64_t)pat->cplen) {
            pos = (int64_t)pat->cplen;
        }
        if (err == PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS) {
            // Python points at the unclosed '(': the last one unmatched
            int depth = 0;
            int64_t at = 0;
            for (size_t i = pat->len; i-- > 0;) {
                if (pat->data[i] == ')') {
                    depth++;
                } else if (pat->data[i] == '(' && !(i > 0 && pat->data[i - 1] == '\\')) {
                    if (depth == 0) {
                        at = pos_in(pat, i);
                        break;
                    }
                    depth--;
                }
            }
            pos = at;
        } else if (err == PCRE2_ERROR_QUANTIFIER_INVALID) {
            pos = pos > 0 ? pos - 1 : 0;
        } else if (err == PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH) {
            pos = -1;
        }
        return re_error(msg, argv[0], pos);
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);   // interpreted when JIT is unavailable
    ObjPattern *p = (ObjPattern *)obj_alloc(cls_pattern, sizeof(ObjPattern));
    p->code = code;
    p->md = pcre2_match_data_create_from_pattern(code, NULL);
    p->pattern = argv[0];
    p->flags = flags;
    p->hash = -1;
    p->is_bytes = is_bytes;
    uint32_t ng = 0, namecount = 0, entrysize = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ng);
    pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &namecount);
    p->ngroups = ng;
    gc_push_root(OBJ_VAL(p));
    p->groupindex = dict_new();
    p->groupnames = tuple_new(ng + 1);
    for (uint32_t i = 0; i <= ng; i++) {
        AS_TUPLE(p->groupnames)->items[i] = VAL_NONE;
    }
    if (namecount) {
        pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entrysize);
        pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
        for (uint32_t i = 0; i < namecount; i++) {
            PCRE2_SPTR e = table + i * entrysize;
            uint32_t num = ((uint32_t)e[0] << 8) | e[1];
            if (num <= ng) {
                AS_TUPLE(p->groupnames)->items[num] = str_from_c((const char *)e + 2);
            }
        }
        // PCRE2's name table is sorted by name; CPython's groupindex lists
        // the names in the order of their groups.
        for (uint32_t i = 1; i <= ng; i++) {
            Value name = AS_TUPLE(p->groupnames)->items[i];
            if (!IS_NONE(name)) {
                dict_set(AS_DICT(p->groupindex), name, MK_SMALL(i));
            }
        }
    }
    gc_pop_root(1);
    return OBJ_VAL(p);
}

// ---- matching
enum { M_SEARCH, M_MATCH, M_FULL };

// The state's match context: CPython's engine backtracks as long as it
// takes, so PCRE2's match and depth limits (10 million steps by default,
// past which a pattern such as '<(.|\s)+>' failed where python3 matches) are
// lifted, except in the sandbox, whose CPU budget is only checked between
// calls; a JIT stack of up to 8 MiB keeps deep backtracking in JIT code.
static pcre2_match_context *match_ctx(void) {
    if (!ST->re_mctx) {
        pcre2_match_context *m = pcre2_match_context_create(NULL);
        if (!m) {
            return NULL;
        }
        if (!ST->config.sandbox) {
            pcre2_set_match_limit(m, UINT32_MAX);
            pcre2_set_depth_limit(m, UINT32_MAX);
        }
        pcre2_jit_stack *js = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, NULL);
        if (js) {
            pcre2_jit_stack_assign(m, NULL, js);
        }
        ST->re_mctx = m;
        ST->re_jit_stack = js;
    }
    return ST->re_mctx;
}

void re_state_free(void) {
    if (ST->re_mctx) {
        pcre2_match_context_free(ST->re_mctx);
        ST->re_mctx = NULL;
    }
    if (ST->re_jit_stack) {
        pcre2_jit_stack_free(ST->re_jit_stack);
        ST->re_jit_stack = NULL;
    }
}

// Runs [p] on [s] from byte [start] (to [end]); returns 1 and fills the
// ovector, 0 on no match, -1 with an exception.
static int run(ObjPattern *p, const Subj *s, size_t start, size_t end, int mode, uint32_t extra) {
    uint32_t opts = extra | PCRE2_NO_UTF_CHECK;
    if (mode == M_MATCH) {
        opts |= PCRE2_ANCHORED;
    } else if (mode == M_FULL) {
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    }
    pcre2_match_context *mctx = match_ctx();
    int rc = pcre2_match(p->code, (PCRE2_SPTR)s->data, end, start, opts, p->md, mctx);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
        rc = pcre2_match(p->code, (PCRE2_SPTR)s->data, end, start, opts | PCRE2_NO_JIT, p->md, mctx);
    }
    if (rc >= 0) {
        return 1;
    }
    if (rc == PCRE2_ERROR_NOMATCH) {
        return 0;
    }
    char buf[256];
    pcre2_get_error_message(rc, (PCRE2_UCHAR *)buf, sizeof buf);
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
        exc_raise(exc_RecursionError, "maximum recursion limit exceeded");
    } else {
        exc_raise(exc_RuntimeError, "internal error in regular expression engine: %s", buf);
    }
    return -1;
}

// A Match from the ovector of [p] (byte offsets converted from the known
// pair [base_b] -> [base_cp]).
static Value make_match(ObjPattern *p, Value patv, Value string, int64_t pos, int64_t endpos,
                        size_t base_b, int64_t base_cp) {
    Subj sb = {0};
    subj_of(string, &sb);
    const Subj *s = &sb;
    uint32_t n = p->ngroups + 1;
    ObjMatch *m = (ObjMatch *)obj_alloc(cls_match, sizeof(ObjMatch) + sizeof(int64_t) * 2 * n);
    m->string = string;
    m->re = patv;
    m->pos = pos;
    m->endpos = endpos;
    m->n = n;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
    bool ascii = s->cplen == s->len;
    for (uint32_t i = 0; i < n; i++) {
        if (ov[2 * i] == PCRE2_UNSET) {
            m->spans[2 * i] = m->spans[2 * i + 1] = -1;
            continue;
        }
        size_t a = ov[2 * i], e = ov[2 * i + 1];
        if (ascii) {
            m->spans[2 * i] = (int64_t)a;
            m->spans[2 * i + 1] = (int64_t)e;
        } else {
            int64_t ca = a >= base_b ? base_cp + cp_count(s->data, base_b, a) : cp_count(s->data, 0, a);
            m->spans[2 * i] = ca;
            m->spans[2 * i + 1] = e >= a ? ca + cp_count(s->data, a, e) : cp_count(s->data, 0, e);
        }
    }
    return OBJ_VAL(m);
}

// pos/endpos arguments (CPython clamps them).
static bool pos_args(int argc, Value *argv, ObjDict *kw, int first, const Subj *s, int64_t *pos, int64_t *endpos) {
    *pos = 0;
    *endpos = (int64_t)s->cplen;
    Value pv = argc > first ? argv[first] : kw_get(kw, "pos");
    Value ev = argc > first + 1 ? argv[first + 1] : kw_get(kw, "endpos");
    if (pv && !int_to_i64(pv, pos)) {
        return false;
    }
    if (ev && !int_to_i64(ev, endpos)) {
        return false;
    }
    if (*pos < 0) {
        *pos = 0;
    }
    if (*pos > (int64_t)s->cplen) {
        *pos = (int64_t)s->cplen;
    }
    if (*endpos < 0) {
        *endpos = 0;
    }
    if (*endpos > (int64_t)s->cplen) {
        *endpos = (int64_t)s->cplen;
    }
    return true;
}

// [v] as the subject of [p]: a str for a str pattern, a bytes-like object
// for a bytes pattern (CPython's TypeErrors otherwise).
static bool subject(ObjPattern *p, Value v, const char *what, Subj *out) {
    if (!subj_of(v, out)) {
        exc_raise(exc_TypeError, "expected string or bytes-like object, got '%s'", val_type_name(v));
        return false;
    }
    if (p->is_bytes && out->str) {
        exc_raise(exc_TypeError, "cannot use a bytes pattern on a string-like object");
        return false;
    }
    if (!p->is_bytes && !out->str) {
        exc_raise(exc_TypeError, "cannot use a string pattern on a bytes-like object");
        return false;
    }
    // valid UTF-8 is required by PCRE2 (pyish strs with lone surrogates are not)
    if (out->str && !str_no_surrogates(out->str)) {
        exc_raise(exc_UnicodeError, "%s: the string contains surrogates", what);
        return false;
    }
    return true;
}

// The subject argument of match/search/fullmatch/findall/finditer/scanner:
// argv[1] or string=...; NULL with CPython's TypeError when missing.
static Value string_arg(int argc, Value *argv, ObjDict *kw, const char *name) {
    Value v = argc > 1 ? argv[1] : kw_get(kw, "string");
    if (!v) {
        exc_raise(exc_TypeError, "%s() missing required argument 'string' (pos 1)", name);
    }
    return v;
}

static Value match_common(int argc, Value *argv, ObjDict *kw, int mode, const char *name) {
    Value string = string_arg(argc, argv, kw, name);
    if (!string) {
        return VAL_NULL;
    }
    ObjPattern *p = PAT(argv[0]);
    Subj sb = {0};
    if (!subject(p, string, name, &sb)) {
        return VAL_NULL;
    }
    const Subj *s = &sb;
    int64_t pos, endpos;
    if (!pos_args(argc, argv, kw, 2, s, &pos, &endpos)) {
        return VAL_NULL;
    }
    if (endpos < pos) {
        return VAL_NONE;
    }
    size_t bs = byte_of(s, pos), be = byte_of(s, endpos);
    int r = run(p, s, bs, be, mode, 0);
    if (r <= 0) {
        return r < 0 ? VAL_NULL : VAL_NONE;
    }
    return make_match(p, argv[0], string, pos, endpos, bs, pos);
}

static Value pat_match(int argc, Value *argv, ObjDict *kw) {
    return match_common(argc, argv, kw, M_MATCH, "match");
}
static Value pat_search(int argc, Value *argv, ObjDict *kw) {
    return match_common(argc, argv, kw, M_SEARCH, "search");
}
static Value pat_fullmatch(int argc, Value *argv, ObjDict *kw) {
    return match_common(argc, argv, kw, M_FULL, "fullmatch");
}

// The scanning loop shared by findall, finditer, sub and split: calls
// [each] for every match (with the pattern's ovector filled and the match's
// code point start/end), in CPython's order. [limit] 0: no limit.
typedef int (*EachFn)(void *ctx, size_t bstart, size_t bend, int64_t cstart, int64_t cend);

static int scan(ObjPattern *p, const Subj *s, int64_t pos, int64_t endpos, int64_t limit, EachFn each, void *ctx) {
    size_t b = byte_of(s, pos), be = byte_of(s, endpos);
    int64_t cp = pos;
    bool must_advance = false;
    int64_t count = 0;
    bool ascii = s->cplen == s->len;
    while (b <= be && (limit == 0 || count < limit)) {
        int r = run(p, s, b, be, M_SEARCH, must_advance ? PCRE2_NOTEMPTY_ATSTART : 0);
        if (r < 0) {
            return -1;
        }
        if (r == 0) {
            break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
        size_t ms = ov[0], me = ov[1];
        int64_t cs = ascii ? (int64_t)ms : cp + cp_count(s->data, b, ms);
        int64_t ce = ascii ? (int64_t)me : cs + cp_count(s->data, ms, me);
        int k = each(ctx, ms, me, cs, ce);
        if (k <= 0) {
            return k;
        }
        count++;
        must_advance = me == ms;
        b = me;
        cp = ce;
    }
    return 1;
}

// The value of group [i] of the current ovector, as str (or None).
static Value group_str(const Subj *s, PCRE2_SIZE *ov, uint32_t i, Value dflt) {
    if (ov[2 * i] == PCRE2_UNSET) {
        return dflt;
    }
    return subj_slice(s, ov[2 * i], ov[2 * i + 1]);
}

typedef struct {
    ObjPattern *p;
    const Subj *s;
    ObjList *out;
} FindallCtx;

static int findall_each(void *vctx, size_t bs, size_t be, int64_t cs, int64_t ce) {
    FindallCtx *c = vctx;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->p->md);
    Value item;
    uint32_t ng = c->p->ngroups;
    Value empty = c->s->str ? str_from_c("") : bytes_new("", 0);
    if (ng == 0) {
        item = subj_slice(c->s, bs, be);
    } else if (ng == 1) {
        item = group_str(c->s, ov, 1, empty);
    } else {
        item = tuple_new(ng);
        if (item) {
            gc_push_root(item);
            for (uint32_t i = 1; i <= ng; i++) {
                Value g = group_str(c->s, ov, i, VAL_NULL);
                AS_TUPLE(item)->items[i - 1] = g ? g : empty;
            }
            gc_pop_root(1);
        }
    }
    if (!item) {
        return -1;
    }
    return list_append(c->out, item) ? 1 : -1;
}

static Value pat_findall(int argc, Value *argv, ObjDict *kw) {
    Value string = string_arg(argc, argv, kw, "findall");
    if (!string) {
        return VAL_NULL;
    }
    Subj sb = {0};
    if (!subject(PAT(argv[0]), string, "findall", &sb)) {
        return VAL_NULL;
    }
    const Subj *s = &sb;
    int64_t pos, endpos;
    if (!pos_args(argc, argv, kw, 2, s, &pos, &endpos)) {
        return VAL_NULL;
    }
    Value l = list_new(4);
    gc_push_root(l);
    FindallCtx c = {PAT(argv[0]), s, AS_LIST(l)};
    int r = endpos >= pos ? scan(c.p, s, pos, endpos, 0, findall_each, &c) : 1;
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : l;
}

// ---- finditer / scanner
static Value pat_finditer(int argc, Value *argv, ObjDict *kw) {
    Value string = string_arg(argc, argv, kw, "finditer");
    if (!string) {
        return VAL_NULL;
    }
    Subj sb = {0};
    if (!subject(PAT(argv[0]), string, "finditer", &sb)) {
        return VAL_NULL;
    }
    const Subj *s = &sb;
    int64_t pos, endpos;
    if (!pos_args(argc, argv, kw, 2, s, &pos, &endpos)) {
        return VAL_NULL;
    }
    ObjScanner *sc = (ObjScanner *)obj_alloc(cls_scanner, sizeof(ObjScanner));
    sc->re = argv[0];
    sc->string = string;
    sc->pos = pos;
    sc->endpos = endpos;
    sc->bpos = byte_of(s, pos);
    sc->bend = byte_of(s, endpos);
    sc->done = endpos < pos;
    return OBJ_VAL(sc);
}

static Value scanner_iter(Value self) {
    return self;
}

// The next match from where the scanner is (anchored there for M_MATCH):
// 1 with it in *out, 0 at the end (for good, as CPython's), -1 on error.
static int scanner_step(Value self, int mode, Value *out) {
    ObjScanner *sc = (ObjScanner *)AS_OBJ(self);
    if (sc->done || sc->bpos > sc->bend) {
        sc->done = true;
        return 0;
    }
    ObjPattern *p = PAT(sc->re);
    Subj sb = {0};
    subj_of(sc->string, &sb);
    const Subj *s = &sb;
    int r = run(p, s, sc->bpos, sc->bend, mode, sc->must_advance ? PCRE2_NOTEMPTY_ATSTART : 0);
    if (r <= 0) {
        sc->done = true;
        return r < 0 ? -1 : 0;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
    size_t me = ov[1];
    Value m = make_match(p, sc->re, sc->string, 0, (int64_t)s->cplen, sc->bpos, sc->pos);
    ObjMatch *mm = MATCH(m);
    mm->pos = 0;
    mm->endpos = (int64_t)s->cplen;
    sc->must_advance = ov[0] == me;
    sc->bpos = me;
    sc->pos = mm->spans[1];
    *out = m;
    return 1;
}

static int scanner_next(Value self, Value *out) {
    return scanner_step(self, M_SEARCH, out);
}

// scanner.match() and scanner.search(): the next match or None.
static Value scanner_call(Value self, int mode) {
    Value m;
    int r = scanner_step(self, mode, &m);
    return r < 0 ? VAL_NULL : r == 0 ? VAL_NONE : m;
}
static Value sc_match(int argc, Value *argv, ObjDict *kw) {
    return arg_count("match", argc, 1, 1) ? scanner_call(argv[0], M_MATCH) : VAL_NULL;
}
static Value sc_search(int argc, Value *argv, ObjDict *kw) {
    return arg_count("search", argc, 1, 1) ? scanner_call(argv[0], M_SEARCH) : VAL_NULL;
}
static Value sc_pattern(int argc, Value *argv, ObjDict *kw) {
    return ((ObjScanner *)AS_OBJ(argv[0]))->re;
}

// Pattern.scanner(string, pos=0, endpos=None): CPython's SRE_Scanner (here
// finditer's iterator, which also has match(), search() and .pattern).
static Value pat_scanner(int argc, Value *argv, ObjDict *kw) {
    return pat_finditer(argc, argv, kw);
}

// ---- sub / subn
// A parsed replacement template: literal pieces and group numbers.
typedef struct {
    SBuf lit;               // all literal text
    size_t *pieces;         // triples: kind (0 literal, 1 group), a, b
    size_t npieces, cap;
} Template;

static void tpl_push(Template *t, size_t kind, size_t a, size_t b) {
    if (t->npieces == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->pieces = realloc(t->pieces, sizeof(size_t) * 3 * t->cap);
    }
    t->pieces[3 * t->npieces] = kind;
    t->pieces[3 * t->npieces + 1] = a;
    t->pieces[3 * t->npieces + 2] = b;
    t->npieces++;
}

static void tpl_lit(Template *t, const char *s, size_t n) {
    size_t at = t->lit.len;
    sb_add(&t->lit, s, n);
    tpl_push(t, 0, at, n);
}

// Parses [repl] for [p] as CPython's template: \1..\99, \g<n>, \g<name>,
// the escapes \n \t ..., unknown ASCII-letter escapes are errors.
static bool tpl_parse(Template *t, ObjPattern *p, const Subj *repl, Value replv) {
    const char *s = repl->data;
    size_t n = repl->len;
    size_t lit_start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            continue;
        }
        if (i > lit_start) {
            tpl_lit(t, s + lit_start, i - lit_start);
        }
        if (i + 1 >= n) {
            re_error("bad escape (end of pattern)", replv, pos_in(repl, i));
            return false;
        }
        char d = s[i + 1];
        if (d == 'g') {
            if (i + 2 >= n || s[i + 2] != '<') {
                re_error("missing <", replv, pos_in(repl, i + 2));
                return false;
            }
            size_t j = i + 3;
            while (j < n && s[j] != '>') {
                j++;
            }
            if (j >= n) {
                re_error("missing >, unterminated name", replv, pos_in(repl, i + 3));
                return false;
            }
            size_t len = j - (i + 3);
            const char *name = s + i + 3;
            if (len == 0) {
                re_error("missing group name", replv, pos_in(repl, i + 3));
                return false;
            }
            int64_t num = -1;
            bool digits = true;
            for (size_t k = 0; k < len; k++) {
                digits &= name[k] >= '0' && name[k] <= '9';
            }
            if (digits) {
                num = 0;
                for (size_t k = 0; k < len; k++) {
                    num = num * 10 + (name[k] - '0');
                    if (num > 1000000) {
                        break;
                    }
                }
            } else {
                Value key = str_try_new(name, len);
                Value v;
                if (!key || dict_get(AS_DICT(p->groupindex), key, &v) != 1) {
                    char msg[300];
                    snprintf(msg, sizeof msg, "unknown group name '%.*s'", (int)len, name);
                    exc_clear();
                    if (!key) {
                        return false;
                    }
                    bool ident = !(name[0] >= '0' && name[0] <= '9');
                    for (size_t k = 0; k < len && ident; k++) {
                        char ch = name[k];
                        ident = ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                                (ch >= '0' && ch <= '9') || (unsigned char)ch >= 0x80;
                    }
                    if (!ident) {
                        snprintf(msg, sizeof msg, "bad character in group name '%.*s'", (int)len, name);
                        re_error(msg, replv, pos_in(repl, i + 3));
                        return false;
                    }
                    exc_raise(exc_IndexError, "%s", msg);
                    return false;
                }
                num = AS_SMALL(v);
            }
            if (num > (int64_t)p->ngroups) {
                char msg[64];
                snprintf(msg, sizeof msg, "invalid group reference %lld", (long long)num);
                re_error(msg, replv, pos_in(repl, i + 3));
                return false;
            }
            tpl_push(t, 1, (size_t)num, 0);
            i = j;
            lit_start = j + 1;
            continue;
        }
        if (d >= '0' && d <= '9') {
            // \0, \0oo, \ooo: octal; \d, \dd: group
            size_t j = i + 1;
            if (d == '0' || (i + 3 < n + 0 && i + 3 <= n - 1 + 1 && j + 2 < n + 1 &&
                             s[j + 1] >= '0' && s[j + 1] <= '7' && j + 2 < n && s[j + 2] >= '0' &&
                             s[j + 2] <= '7' && d <= '7')) {
                unsigned v = 0;
                size_t k = 0;
                while (k < 3 && j < n && s[j] >= '0' && s[j] <= '7') {
                    v = v * 8 + (unsigned)(s[j] - '0');
                    j++;
                    k++;
                }
                if (v > 0377) {
                    char msg[64];
                    snprintf(msg, sizeof msg, "octal escape value \\%.*s outside of range 0-0o377", (int)k,
                             s + i + 1);
                    re_error(msg, replv, pos_in(repl, i));
                    return false;
                }
                char buf[4];
                int len = utf8_encode(v, buf);
                tpl_lit(t, buf, (size_t)len);
                i = j - 1;
                lit_start = j;
                continue;
            }
            int64_t num = d - '0';
            if (j + 1 < n && s[j + 1] >= '0' && s[j + 1] <= '9') {
                num = num * 10 + (s[j + 1] - '0');
                j++;
            }
            if (num > (int64_t)p->ngroups) {
                char msg[64];
                snprintf(msg, sizeof msg, "invalid group reference %lld", (long long)num);
                re_error(msg, replv, pos_in(repl, i + 1));
                return false;
            }
            tpl_push(t, 1, (size_t)num, 0);
            i = j;
            lit_start = j + 1;
            continue;
        }
        const char *esc = NULL;
        switch (d) {
        case 'n': esc = "\n"; break;
        case 't': esc = "\t"; break;
        case 'r': esc = "\r"; break;
        case 'f': esc = "\f"; break;
        case 'v': esc = "\v"; break;
        case 'a': esc = "\a"; break;
        case 'b': esc = "\b"; break;
        case '\\': esc = "\\"; break;
        default: break;
        }
        if (esc) {
            tpl_lit(t, esc, 1);
        } else if ((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')) {
            char msg[32];
            snprintf(msg, sizeof msg, "bad escape \\%c", d);
            re_error(msg, replv, pos_in(repl, i));
            return false;
        } else {
            tpl_lit(t, s + i, 2);     // unknown non-letter escapes stay as they are
        }
        i++;
        lit_start = i + 1;
    }
    if (n > lit_start) {
        tpl_lit(t, s + lit_start, n - lit_start);
    }
    return true;
}

static void tpl_free(Template *t) {
    sb_free(&t->lit);
    free(t->pieces);
}

typedef struct {
    ObjPattern *p;
    Value patv;
    const Subj *s;
    Value string;
    Value fn;               // callable replacement, or VAL_NULL
    int64_t items;          // pieces of the result so far (CPython's join index)
    Template *tpl;
    SBuf *out;
    size_t last;            // bytes copied up to here
    int64_t n;
} SubCtx;

static int sub_each(void *vctx, size_t bs, size_t be, int64_t cs, int64_t ce) {
    SubCtx *c = vctx;
    sb_add(c->out, c->s->data + c->last, bs - c->last);
    c->items += bs > c->last;
    if (c->fn) {
        Value m = make_match(c->p, c->patv, c->string, 0, (int64_t)c->s->cplen, bs, cs);
        gc_push_root(m);
        Value r = vm_call(c->fn, 1, &m, NULL);
        gc_pop_root(1);
        if (!r) {
            return -1;
        }
        Subj rs = {0};
        bool ok = !IS_NONE(r) && (c->s->str ? IS_STR(r) : !IS_STR(r)) && subj_of(r, &rs);
        if (!IS_NONE(r) && !ok) {
            exc_raise(exc_TypeError, "sequence item %lld: expected %s instance, %s found",
                      (long long)c->items, c->s->str ? "str" : "a bytes-like object", val_type_name(r));
            return -1;
        }
        if (ok) {
            sb_add(c->out, rs.data, rs.len);
            c->items++;
        }
    } else {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->p->md);
        Template *t = c->tpl;
        for (size_t i = 0; i < t->npieces; i++) {
            size_t *pc = t->pieces + 3 * i;
            if (pc[0] == 0) {
                sb_add(c->out, t->lit.data + pc[1], pc[2]);
            } else if (ov[2 * pc[1]] != PCRE2_UNSET) {
                sb_add(c->out, c->s->data + ov[2 * pc[1]], ov[2 * pc[1] + 1] - ov[2 * pc[1]]);
            }
        }
    }
    c->last = be;
    c->n++;
    return 1;
}

// sub(repl, string, count=0) / subn: returns the new string (and count).
static Value sub_common(int argc, Value *argv, ObjDict *kw, bool with_n) {
    const char *name = with_n ? "subn" : "sub";
    Value repl = argc > 1 ? argv[1] : kw_get(kw, "repl");
    Value string = argc > 2 ? argv[2] : kw_get(kw, "string");
    Value countv = argc > 3 ? argv[3] : kw_get(kw, "count");
    if (!repl || !string) {
        return exc_raise(exc_TypeError, "%s() missing required argument '%s'", name, repl ? "string" : "repl");
    }
    Subj sb = {0};
    if (!subject(PAT(argv[0]), string, name, &sb)) {
        return VAL_NULL;
    }
    int64_t count = 0;
    if (countv && !int_to_i64(countv, &count)) {
        return VAL_NULL;
    }
    ObjPattern *p = PAT(argv[0]);
    const Subj *s = &sb;
    Template tpl;
    memset(&tpl, 0, sizeof tpl);
    sb_init(&tpl.lit);
    Value fn = VAL_NULL;
    Subj rs = {0};
    if (p->is_bytes ? (!str_check(repl) && subj_of(repl, &rs)) : (str_check(repl) && subj_of(repl, &rs))) {
        if (!tpl_parse(&tpl, p, &rs, repl)) {
            tpl_free(&tpl);
            return VAL_NULL;
        }
    } else if (val_class(repl)->call || IS_A(repl, cls_function) || IS_A(repl, cls_native) ||
               IS_A(repl, cls_bound_method) || IS_CLASS(repl)) {
        fn = repl;
    } else if (p->is_bytes && str_check(repl)) {
        tpl_free(&tpl);
        return exc_raise(exc_TypeError, "sequence item 0: expected a bytes-like object, str found");
    } else {
        tpl_free(&tpl);
        return exc_raise(exc_TypeError, "decoding to str: need a bytes-like object, %s found",
                         val_type_name(repl));
    }
    SBuf out;
    sb_init(&out);
    SubCtx c = {p, argv[0], s, string, fn, 0, &tpl, &out, 0, 0};
    int r = scan(p, s, 0, (int64_t)s->cplen, count < 0 ? -1 : count, sub_each, &c);
    tpl_free(&tpl);
    if (r < 0) {
        sb_free(&out);
        return VAL_NULL;
    }
    Value res;
    if (c.n == 0) {
        sb_free(&out);
        res = string;
    } else {
        sb_add(&out, s->data + c.last, s->len - c.last);
        if (s->str) {
            res = sb_finish(&out);
        } else {
            res = bytes_new(out.data ? out.data : "", out.len);
            sb_free(&out);
        }
        if (!res) {
            return VAL_NULL;
        }
    }
    if (!with_n) {
        return res;
    }
    gc_push_root(res);
    Value t = tuple_pack(2, res, MK_SMALL(c.n));
    gc_pop_root(1);
    return t;
}

static Value pat_sub(int argc, Value *argv, ObjDict *kw) {
    return sub_common(argc, argv, kw, false);
}
static Value pat_subn(int argc, Value *argv, ObjDict *kw) {
    return sub_common(argc, argv, kw, true);
}

// ---- split
typedef struct {
    ObjPattern *p;
    const Subj *s;
    ObjList *out;
    size_t last;
} SplitCtx;

static int split_each(void *vctx, size_t bs, size_t be, int64_t cs, int64_t ce) {
    SplitCtx *c = vctx;
    Value piece = subj_slice(c->s, c->last, bs);
    if (!piece || !list_append(c->out, piece)) {
        return -1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->p->md);
    for (uint32_t i = 1; i <= c->p->ngroups; i++) {
        Value g = group_str(c->s, ov, i, VAL_NONE);
        if (!g || !list_append(c->out, g)) {
            return -1;
        }
    }
    c->last = be;
    return 1;
}

static Value pat_split(int argc, Value *argv, ObjDict *kw) {
    Value string = argc > 1 ? argv[1] : kw_get(kw, "string");
    Value mv = argc > 2 ? argv[2] : kw_get(kw, "maxsplit");
    if (!string) {
        return exc_raise(exc_TypeError, "split() missing required argument 'string' (pos 1)");
    }
    Subj sb = {0};
    if (!subject(PAT(argv[0]), string, "split", &sb)) {
        return VAL_NULL;
    }
    int64_t maxsplit = 0;
    if (mv && !int_to_i64(mv, &maxsplit)) {
        return VAL_NULL;
    }
    const Subj *s = &sb;
    Value l = list_new(4);
    gc_push_root(l);
    SplitCtx c = {PAT(argv[0]), s, AS_LIST(l), 0};
    int r = maxsplit < 0 ? 1 : scan(c.p, s, 0, (int64_t)s->cplen, maxsplit, split_each, &c);
    if (r >= 0) {
        Value rest = subj_slice(s, c.last, s->len);
        if (!rest || !list_append(c.out, rest)) {
            r = -1;
        }
    }
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : l;
}

// ---- Pattern attributes, repr, ==, hash
// Pattern's fields, as CPython's getset descriptors: getters in the class
// dict (no getattr hook, so that p.match(...) takes the VM's cached path).
static Value pg_pattern(int argc, Value *argv, ObjDict *kw) {
    return PAT(argv[0])->pattern;
}

static Value pg_flags(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(PAT(argv[0])->flags);
}

static Value pg_groups(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(PAT(argv[0])->ngroups);
}

static Value pg_groupindex(int argc, Value *argv, ObjDict *kw) {
    return mappingproxy_new(PAT(argv[0])->groupindex);
}

static Value pat_richcompare(Value a, Value b, int op) {
    if ((op != OP_EQ && op != OP_NE) || !IS_A(b, cls_pattern)) {
        return VAL_NOTIMPL;
    }
    ObjPattern *x = PAT(a), *y = PAT(b);
    int eq = x == y;
    if (!eq && x->flags == y->flags) {
        eq = obj_eq(x->pattern, y->pattern);
        if (eq < 0) {
            return VAL_NULL;
        }
    }
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static bool pat_hash(Value self, int64_t *out) {
    ObjPattern *p = PAT(self);
    int64_t h;
    if (!obj_hash(p->pattern, &h)) {
        return false;
    }
    *out = h ^ (p->flags * 1000003);
    if (*out == -1) {
        *out = -2;
    }
    return true;
}

// re.compile('a+', re.IGNORECASE): the source (its repr cut at 200
// characters, as CPython) and the flags other than the implied UNICODE.
static Value pat_repr(Value self) {
    ObjPattern *p = PAT(self);
    Value r = obj_repr(p->pattern);
    if (!r) {
        return VAL_NULL;
    }
    ObjStr *rs = AS_STR(r);
    size_t cut = rs->cplen > 200 ? str_cp_offset(rs, 200) : rs->len;
    static const struct {
        int64_t bit;
        const char *name;
    } names[] = {{F_TEMPLATE, "TEMPLATE"}, {F_I, "IGNORECASE"}, {F_L, "LOCALE"}, {F_M, "MULTILINE"},
                 {F_S, "DOTALL"}, {F_U, "UNICODE"}, {F_X, "VERBOSE"}, {F_DEBUG, "DEBUG"}, {F_A, "ASCII"}};
    int64_t flags = p->flags & ~(int64_t)F_U;
    SBuf b;
    sb_init(&b);
    sb_adds(&b, "re.compile(");
    sb_add(&b, rs->data, cut);
    if (flags) {
        sb_adds(&b, ", ");
        bool first = true;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (flags & names[i].bit) {
                if (!first) {
                    sb_addc(&b, '|');
                }
                sb_adds(&b, "re.");
                sb_adds(&b, names[i].name);
                first = false;
                flags &= ~names[i].bit;
            }
        }
        if (flags) {
            char hx[32];
            snprintf(hx, sizeof hx, "%s0x%llx", first ? "" : "|", (unsigned long long)flags);
            sb_adds(&b, hx);
        }
    }
    sb_addc(&b, ')');
    return sb_finish(&b);
}

static Value pat_groupnames(int argc, Value *argv, ObjDict *kw) {
    return PAT(argv[0])->groupnames;
}

// __copy__() and __deepcopy__(memo): patterns and matches are immutable,
// copy.copy() and copy.deepcopy() return them unchanged (as CPython's).
static Value re_copy(int argc, Value *argv, ObjDict *kw) {
    if (argc != 1) {
        return exc_raise(exc_TypeError, "__copy__() takes no arguments (%d given)", argc - 1);
    }
    return argv[0];
}

static Value re_deepcopy(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__deepcopy__() takes exactly one argument (%d given)", argc - 1);
    }
    return argv[0];
}

static const MethodDef pattern_methods[] = {
    {"match", pat_match, true},
    {"search", pat_search, true},
    {"fullmatch", pat_fullmatch, true},
    {"findall", pat_findall, true},
    {"finditer", pat_finditer, true},
    {"scanner", pat_scanner, true},
    {"sub", pat_sub, true},
    {"subn", pat_subn, true},
    {"split", pat_split, true},
    {"_groupnames", pat_groupnames},
    {"__copy__", re_copy},
    {"__deepcopy__", re_deepcopy},
    {NULL, NULL},
};

// ---- Match
// The group number of [g] (int or name); -1 with IndexError.
static int64_t group_index(ObjMatch *m, Value g) {
    if (IS_SMALL(g) || IS_A(g, cls_bool)) {
        int64_t i = IS_SMALL(g) ? AS_SMALL(g) : g == OBJ_VAL(obj_true);
        if (i >= 0 && i < (int64_t)m->n) {
            return i;
        }
    } else if (IS_STR(g)) {
        Value v;
        if (dict_get(AS_DICT(PAT(m->re)->groupindex), g, &v) == 1) {
            return AS_SMALL(v);
        }
    } else if (IS_OBJ(g) && !str_check(g) && !bytes_check(g)) {
        // an int subclass or an object with __index__ (CPython's m.group(Index(1)))
        bool found;
        Value r = call_method_opt(g, str_intern_c("__index__"), 0, NULL, &found);
        if (found && !r) {
            return -1;
        }
        int64_t i;
        if (found && IS_SMALL(r) && (i = AS_SMALL(r)) >= 0 && i < (int64_t)m->n) {
            return i;
        }
    }
    exc_raise(exc_IndexError, "no such group");
    return -1;
}

static Value group_value(ObjMatch *m, int64_t i, Value dflt) {
    if (m->spans[2 * i] < 0) {
        return dflt;
    }
    Subj sb = {0};
    subj_of(m->string, &sb);
    const Subj *s = &sb;
    size_t a = byte_of(s, m->spans[2 * i]), b = byte_of(s, m->spans[2 * i + 1]);
    return subj_slice(s, a, b);
}

static Value m_group(int argc, Value *argv, ObjDict *kw) {
    ObjMatch *m = MATCH(argv[0]);
    if (argc == 1) {
        return group_value(m, 0, VAL_NONE);
    }
    if (argc == 2) {
        int64_t i = group_index(m, argv[1]);
        return i < 0 ? VAL_NULL : group_value(m, i, VAL_NONE);
    }
    Value t = tuple_new((size_t)argc - 1);
    gc_push_root(t);
    for (int k = 1; k < argc; k++) {
        int64_t i = group_index(m, argv[k]);
        if (i < 0) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        Value v = group_value(m, i, VAL_NONE);
        if (!v) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(t)->items[k - 1] = v;
    }
    gc_pop_root(1);
    return t;
}

static Value m_getitem(Value self, Value key) {
    ObjMatch *m = MATCH(self);
    int64_t i = group_index(m, key);
    return i < 0 ? VAL_NULL : group_value(m, i, VAL_NONE);
}

static Value m_groups(int argc, Value *argv, ObjDict *kw) {
    ObjMatch *m = MATCH(argv[0]);
    Value dflt = argc > 1 ? argv[1] : kw_get(kw, "default");
    if (!dflt) {
        dflt = VAL_NONE;
    }
    Value t = tuple_new(m->n - 1);
    gc_push_root(t);
    for (uint32_t i = 1; i < m->n; i++) {
        Value v = group_value(m, i, dflt);
        if (!v) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        AS_TUPLE(t)->items[i - 1] = v;
    }
    gc_pop_root(1);
    return t;
}

static Value m_groupdict(int argc, Value *argv, ObjDict *kw) {
    ObjMatch *m = MATCH(argv[0]);
    Value dflt = argc > 1 ? argv[1] : kw_get(kw, "default");
    if (!dflt) {
        dflt = VAL_NONE;
    }
    Value d = dict_new();
    gc_push_root(d);
    ObjDict *gi = AS_DICT(PAT(m->re)->groupindex);
    // in group-number order, as CPython's groupindex
    Value names = PAT(m->re)->groupnames;
    for (uint32_t i = 1; i < m->n; i++) {
        Value nm = AS_TUPLE(names)->items[i];
        if (IS_NONE(nm)) {
            continue;
        }
        Value v = group_value(m, i, dflt);
        if (!v) {
            gc_pop_root(1);
            return VAL_NULL;
        }
        dict_set(AS_DICT(d), nm, v);
    }
    (void)gi;
    gc_pop_root(1);
    return d;
}

static int64_t span_arg(int argc, Value *argv, ObjMatch *m) {
    return argc > 1 ? group_index(m, argv[1]) : 0;
}

static Value m_start(int argc, Value *argv, ObjDict *kw) {
    ObjMatch *m = MATCH(argv[0]);
    int64_t i = span_arg(argc, argv, m);
    return i < 0 ? VAL_NULL : MK_SMALL(m->spans[2 * i]);
}

static Value m_end(int argc, Value *argv, ObjDict *kw) {
    ObjMatch *m = MATCH(argv[0]);
    int64_t i = span_arg(argc, argv, m);
    return i < 0 ? VAL_NULL : MK_SMALL(m->spans[2 * i + 1]);
}

static Value m_span(int argc, Value *argv, ObjDict *kw) {
    ObjMatch *m = MATCH(argv[0]);
    int64_t i = span_arg(argc, argv, m);
    return i < 0 ? VAL_NULL : tuple_pack(2, MK_SMALL(m->spans[2 * i]), MK_SMALL(m->spans[2 * i + 1]));
}

static bool p_is_bytes(ObjMatch *m) {
    return PAT(m->re)->is_bytes;
}

static Value m_expand(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("expand", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    ObjMatch *m = MATCH(argv[0]);
    Subj ts = {0};
    if (p_is_bytes(m) ? (IS_STR(argv[1]) || !subj_of(argv[1], &ts)) : (!IS_STR(argv[1]) || !subj_of(argv[1], &ts))) {
        return exc_raise(exc_TypeError, "expected %s instance, %s found", p_is_bytes(m) ? "a bytes-like object" : "str",
                         val_type_name(argv[1]));
    }
    ObjPattern *p = PAT(m->re);
    Template tpl;
    memset(&tpl, 0, sizeof tpl);
    sb_init(&tpl.lit);
    if (!tpl_parse(&tpl, p, &ts, argv[1])) {
        tpl_free(&tpl);
        return VAL_NULL;
    }
    SBuf out;
    sb_init(&out);
    Subj sb = {0};
    subj_of(m->string, &sb);
    const Subj *s = &sb;
    for (size_t i = 0; i < tpl.npieces; i++) {
        size_t *pc = tpl.pieces + 3 * i;
        if (pc[0] == 0) {
            sb_add(&out, tpl.lit.data + pc[1], pc[2]);
        } else if (m->spans[2 * pc[1]] >= 0) {
            size_t a = byte_of(s, m->spans[2 * pc[1]]), b = byte_of(s, m->spans[2 * pc[1] + 1]);
            sb_add(&out, s->data + a, b - a);
        }
    }
    tpl_free(&tpl);
    if (s->str) {
        return sb_finish(&out);
    }
    Value r = bytes_new(out.data ? out.data : "", out.len);
    sb_free(&out);
    return r;
}

// Match's fields, as CPython's getset descriptors (getters in the class
// dict: m.group(1) takes the VM's cached path).
static Value mg_string(int argc, Value *argv, ObjDict *kw) {
    return MATCH(argv[0])->string;
}

static Value mg_re(int argc, Value *argv, ObjDict *kw) {
    return MATCH(argv[0])->re;
}

static Value mg_pos(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(MATCH(argv[0])->pos);
}

static Value mg_endpos(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(MATCH(argv[0])->endpos);
}

// The last group that closed: the one with the greatest end, the outermost
// among those ending there (CPython's lastindex); -1: none.
static int64_t last_index(ObjMatch *m) {
    int64_t best = -1, bend = -1;
    for (uint32_t i = 1; i < m->n; i++) {
        if (m->spans[2 * i] >= 0 && m->spans[2 * i + 1] > bend) {
            best = i;
            bend = m->spans[2 * i + 1];
        }
    }
    return best;
}

static Value mg_lastindex(int argc, Value *argv, ObjDict *kw) {
    int64_t i = last_index(MATCH(argv[0]));
    return i < 0 ? VAL_NONE : MK_SMALL(i);
}

static Value mg_lastgroup(int argc, Value *argv, ObjDict *kw) {
    ObjMatch *m = MATCH(argv[0]);
    int64_t i = last_index(m);
    return i < 0 ? VAL_NONE : AS_TUPLE(PAT(m->re)->groupnames)->items[i];
}

static Value mg_regs(int argc, Value *argv, ObjDict *kw) {
    ObjMatch *m = MATCH(argv[0]);
    Value t = tuple_new(m->n);
    gc_push_root(t);
    for (uint32_t i = 0; i < m->n; i++) {
        AS_TUPLE(t)->items[i] = tuple_pack(2, MK_SMALL(m->spans[2 * i]), MK_SMALL(m->spans[2 * i + 1]));
    }
    gc_pop_root(1);
    return t;
}

static Value m_repr(Value self) {
    ObjMatch *m = MATCH(self);
    Value g = group_value(m, 0, VAL_NONE);
    if (!g) {
        return VAL_NULL;
    }
    gc_push_root(g);
    Value r = obj_repr(g);
    gc_pop_root(1);
    return r ? str_printf("<re.Match object; span=(%lld, %lld), match=%s>", (long long)m->spans[0],
                          (long long)m->spans[1], AS_STR(r)->data)
             : VAL_NULL;
}

// (CPython defines these as getsets, the next as members)
static const MethodDef pattern_getters[] = {
    {"groupindex", pg_groupindex},
    {NULL, NULL},
};

static const MethodDef pattern_members[] = {
    {"pattern", pg_pattern},
    {"flags", pg_flags},
    {"groups", pg_groups},
    {NULL, NULL},
};

static const MethodDef match_getters[] = {
    {"lastindex", mg_lastindex},
    {"lastgroup", mg_lastgroup},
    {"regs", mg_regs},
    {NULL, NULL},
};

static const MethodDef match_members[] = {
    {"string", mg_string},
    {"re", mg_re},
    {"pos", mg_pos},
    {"endpos", mg_endpos},
    {NULL, NULL},
};

static const MethodDef match_methods[] = {
    {"group", m_group},
    {"groups", m_groups, true},
    {"groupdict", m_groupdict, true},
    {"start", m_start},
    {"end", m_end},
    {"span", m_span},
    {"expand", m_expand},
    {"__copy__", re_copy},
    {"__deepcopy__", re_deepcopy},
    {NULL, NULL},
};

static const MethodDef scanner_methods[] = {
    {"match", sc_match},
    {"search", sc_search},
    {NULL, NULL},
};

static const MethodDef scanner_members[] = {
    {"pattern", sc_pattern},
    {NULL, NULL},
};

// _set_error(cls): the class re.error, raised for bad patterns.
static Value r_set_error(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("_set_error", argc, 1, 1)) {
        return VAL_NULL;
    }
    ST->re_error = argv[0];
    return VAL_NONE;
}

static void mark_re(void) {
    gc_mark_value(ST->re_error);
}

Value mod_re_init(void) {
    if (!cls_pattern) {
        ObjStr *mod = str_intern_c("re");
        cls_pattern = class_new_builtin("Pattern", NULL, sizeof(ObjPattern), pattern_methods);
        cls_pattern->module = mod;
        cls_pattern->flags &= ~(uint32_t)CLS_BASETYPE;
        cls_pattern->new_ = NULL;
        cls_pattern->trace = trace_pattern;
        cls_pattern->finalize = finalize_pattern;
        class_add_fields(cls_pattern, pattern_getters, pattern_members);
        cls_pattern->repr = pat_repr;
        cls_pattern->richcompare = pat_richcompare;
        cls_pattern->hash = pat_hash;
        cls_match = class_new_builtin("Match", NULL, sizeof(ObjMatch), match_methods);
        cls_match->module = mod;
        cls_match->flags &= ~(uint32_t)CLS_BASETYPE;
        cls_match->new_ = NULL;
        cls_match->trace = trace_match;
        class_add_fields(cls_match, match_getters, match_members);
        cls_match->getitem = m_getitem;
        cls_match->repr = m_repr;
        cls_scanner = class_new_builtin("callable_iterator", NULL, sizeof(ObjScanner), scanner_methods);
        class_add_fields(cls_scanner, NULL, scanner_members);
        cls_scanner->new_ = NULL;
        cls_scanner->trace = trace_scanner;
        cls_scanner->iter = scanner_iter;
        cls_scanner->next = scanner_next;
        gc_add_root_marker(mark_re);
    }
    Value m = module_new("_re");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(d, str_intern_c("compile"), native_new("compile", p_compile, NULL));
    dict_set_str(d, str_intern_c("_set_error"), native_new("_set_error", r_set_error, NULL));
    dict_set_str(d, str_intern_c("Pattern"), OBJ_VAL(cls_pattern));
    dict_set_str(d, str_intern_c("Match"), OBJ_VAL(cls_match));
    return m;
}
