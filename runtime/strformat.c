// strformat.c: the string formatting engine. format_value implements
// Python's format-spec mini-language ([[fill]align][sign][z][#][0][width]
// [grouping][.precision][type]) for int, float and str, and calls a user
// class's __format__; str_percent_format implements `fmt % args`
// (printf-style, with %(name)s mappings and `*` widths); str_format_method
// implements str.format ({} auto numbering, {0}, {name}, {0.attr},
// {0[key]}, !r/!s/!a conversions, nested {:{width}} specs). Error messages
// follow CPython 3.11.
#define _GNU_SOURCE     // memmem, for str_internal.h
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numstr.h"
#include "runtime.h"
#include "containers.h"
#include "str_internal.h"

// A parsed format spec.
typedef struct FSpec {
    char fill[5];           // fill character, UTF-8, NUL terminated
    bool fill_set;          // fill given explicitly
    char align;             // 0 (default), '<', '>', '^', '='
    char sign;              // 0, '+', '-', ' '
    bool z;                 // coerce negative zero
    bool alt;               // '#'
    bool zero;              // '0' flag before the width
    int64_t width;          // -1: none
    char grouping;          // 0, ',', '_'
    int64_t precision;      // -1: none
    char type;              // 0: none
    int64_t min_digits;     // %-format precision for integers, -1: none
} FSpec;

static void spec_default(FSpec *f) {
    memset(f, 0, sizeof *f);
    strcpy(f->fill, " ");
    f->width = -1;
    f->precision = -1;
    f->min_digits = -1;
}

static bool is_align(char c) {
    return c == '<' || c == '>' || c == '^' || c == '=';
}

static bool grouping_ok(FSpec *f, char type);

// Parses [spec] for an object of type [tname]; as CPython's parser, it
// also checks that a ','/'_' grouping suits the presentation type.
static bool parse_spec(ObjStr *spec, const char *tname, FSpec *f) {
    spec_default(f);
    const char *s = spec->data;
    size_t n = spec->len, i = 0;
    // fill may be any (multi-byte) character followed by an align char
    size_t k = 0;
    if (n > 0) {
        utf8_decode(s, n, &k);
    }
    if (n > k && is_align(s[k])) {
        memcpy(f->fill, s, k);
        f->fill[k] = 0;
        f->fill_set = true;
        f->align = s[k];
        i = k + 1;
    } else if (n > 0 && is_align(s[0])) {
        f->align = s[0];
        i = 1;
    }
    if (i < n && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) {
        f->sign = s[i++];
    }
    if (i < n && s[i] == 'z') {
        f->z = true;
        i++;
    }
    if (i < n && s[i] == '#') {
        f->alt = true;
        i++;
    }
    if (i < n && s[i] == '0') {
        f->zero = true;
        i++;
    }
    if (i < n && isdigit((unsigned char)s[i])) {
        f->width = 0;
        while (i < n && isdigit((unsigned char)s[i])) {
            if (__builtin_mul_overflow(f->width, 10, &f->width) ||
                __builtin_add_overflow(f->width, s[i++] - '0', &f->width)) {
                exc_raise(exc_ValueError, "Too many decimal digits in format string");
                return false;
            }
        }
    }
    if (i < n && (s[i] == ',' || s[i] == '_')) {
        f->grouping = s[i++];
        if (i < n && (s[i] == ',' || s[i] == '_')) {
            if (s[i] == f->grouping) {
                exc_raise(exc_ValueError, "Cannot specify '%c' with '%c'.", s[i], s[i]);
            } else {
                exc_raise(exc_ValueError, "Cannot specify both ',' and '_'.");
            }
            return false;
        }
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !isdigit((unsigned char)s[i])) {
            exc_raise(exc_ValueError, "Format specifier missing precision");
            return false;
        }
        f->precision = 0;
        while (i < n && isdigit((unsigned char)s[i])) {
            if (__builtin_mul_overflow(f->precision, 10, &f->precision) ||
                __builtin_add_overflow(f->precision, s[i++] - '0', &f->precision)) {
                exc_raise(exc_ValueError, "Too many decimal digits in format string");
                return false;
            }
        }
    }
    if (n - i > 1) {
        exc_raise(exc_ValueError, "Invalid format specifier '%s' for object of type '%s'", s,
                  tname);
        return false;
    }
    if (i < n) {
        f->type = s[i];
    }
    if (f->zero && !f->fill_set) {
        strcpy(f->fill, "0");
    }
    // a str's missing type is 's' here, as CPython's default type for str
    return grouping_ok(f, f->type ? f->type : strcmp(tname, "str") == 0 ? 's' : 0);
}

static bool grouping_ok(FSpec *f, char type) {
    if (!f->grouping) {
        return true;
    }
    switch (type) {
    case 0: case 'd': case 'e': case 'f': case 'g': case 'E': case 'F': case 'G': case '%':
        return true;
    case 'b': case 'o': case 'x': case 'X':
        if (f->grouping == '_') {
            return true;
        }
        break;
    default:
        break;
    }
    if (type >= 32 && type < 127) {
        exc_raise(exc_ValueError, "Cannot specify '%c' with '%c'.", f->grouping, type);
    } else {
        exc_raise(exc_ValueError, "Cannot specify '%c' with '\\x%x'.", f->grouping, (unsigned char)type);
    }
    return false;
}

// Adds [n] fill characters (a huge [n] fails at once: the SBuf's failure).
static void add_fill(SBuf *b, FSpec *f, int64_t n) {
    if (n > 0) {
        sb_repeat(b, f->fill, strlen(f->fill), (size_t)n);
    }
}

// Inserts [sep] every [group] digits (from the right) of digits[0..n).
static void add_grouped(SBuf *b, const char *digits, size_t n, char sep, int group) {
    if (!sep) {
        sb_add(b, digits, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % (size_t)group == 0) {
            sb_addc(b, sep);
        }
        sb_addc(b, digits[i]);
    }
}

static size_t grouped_len(size_t n, char sep, int group) {
    return sep && n ? n + (n - 1) / (size_t)group : n;
}

// Lays out a number: [neg] sign, [prefix] (0x...), integer digits [digits]
// (grouped), then [tail] (fraction/exponent/%), padded per [f] (default
// alignment right).
static Value layout_number(FSpec *f, bool neg, const char *prefix, const char *digits,
                           size_t ndig, const char *tail, int group) {
    const char *sgn = neg ? "-" : f->sign == '+' ? "+" : f->sign == ' ' ? " " : "";
    char align = f->align ? f->align : (f->zero ? '=' : '>');
    size_t plen = strlen(prefix), tlen = strlen(tail), slen = strlen(sgn);
    SBuf b;
    sb_init(&b);
    // zero padding with grouping: extend the digits so separators fall right
    char *padded = NULL;
    size_t padcap = 0;
    if (align == '=' && f->grouping && strcmp(f->fill, "0") == 0 && f->width > 0) {
        int64_t target = f->width - (int64_t)(slen + plen + tlen);
        size_t nd = ndig;
        if (target > 0 && (size_t)target > nd) {
            // grouped_len(nd) = nd + (nd - 1) / group: start just below
            nd = (size_t)target - (size_t)target / (size_t)(group + 1);
            if (nd > 0) {
                nd--;
            }
            if (nd < ndig) {
                nd = ndig;
            }
        }
        while ((int64_t)grouped_len(nd, f->grouping, group) < target) {
            nd++;
        }
        if (nd > ndig) {
            padcap = nd + 1;
            padded = mem_try_alloc(padcap);
            if (!padded) {
                return VAL_NULL;
            }
            memset(padded, '0', nd - ndig);
            memcpy(padded + (nd - ndig), digits, ndig);
            digits = padded;
            ndig = nd;
        }
    }
    int64_t len = (int64_t)(slen + plen + grouped_len(ndig, f->grouping, group) + tlen);
    int64_t pad = f->width > len ? f->width - len : 0;
    if (align == '>') {
        add_fill(&b, f, pad);
    } else if (align == '^') {
        add_fill(&b, f, pad / 2);
    }
    sb_adds(&b, sgn);
    sb_adds(&b, prefix);
    if (align == '=') {
        add_fill(&b, f, pad);
    }
    add_grouped(&b, digits, ndig, f->grouping, group);
    sb_adds(&b, tail);
    if (align == '<') {
        add_fill(&b, f, pad);
    } else if (align == '^') {
        add_fill(&b, f, pad - pad / 2);
    }
    if (padded) {
        mem_free(padded, padcap);
    }
    return sb_finish(&b);
}

// Pads text [s] ([cplen] code points) to the spec's width; [dflt] align.
static Value pad_text(FSpec *f, const char *s, size_t len, size_t cplen, char dflt) {
    char align = f->align ? f->align : dflt;
    int64_t pad = f->width > (int64_t)cplen ? f->width - (int64_t)cplen : 0;
    SBuf b;
    sb_init(&b);
    size_t total;
    if (!mem_size((size_t)pad, strlen(f->fill), len, &total) || !sb_reserve(&b, total)) {
        return VAL_NULL;
    }
    if (align == '>' || align == '=') {
        add_fill(&b, f, pad);
    } else if (align == '^') {
        add_fill(&b, f, pad / 2);
    }
    sb_add(&b, s, len);
    if (align == '<') {
        add_fill(&b, f, pad);
    } else if (align == '^') {
        add_fill(&b, f, pad - pad / 2);
    }
    return sb_finish(&b);
}

// ---- floats

// The no-type float format with precision [p]: like 'g', but a fixed
// notation result always has a digit after the point, and it switches to
// exponent notation one digit earlier (CPython's Py_DTSF_ADD_DOT_0).
static bool general_add_dot0(char *buf, size_t cap, double ax, int p, bool alt) {
    size_t tcap = (size_t)p + 32;      // digits, point, exponent
    char *tmp = mem_try_alloc(tcap);
    if (!tmp) {
        return false;
    }
    snprintf(tmp, tcap, "%.*e", p - 1, ax);
    char *e = strchr(tmp, 'e');
    int e10 = atoi(e + 1);
    int decpt = e10 + 1;
    if (decpt <= -4 || decpt > p - 1) {
        *e = 0;
        if (!alt && strchr(tmp, '.')) {
            size_t l = strlen(tmp);
            while (tmp[l - 1] == '0') {
                tmp[--l] = 0;
            }
            if (tmp[l - 1] == '.') {
                tmp[--l] = 0;
            }
        }
        // '#': the mantissa keeps its point (format(1.0, '#.0') is '1.e+00')
        const char *dot = alt && !strchr(tmp, '.') ? "." : "";
        snprintf(buf, cap, "%s%se%c%02d", tmp, dot, e10 < 0 ? '-' : '+', e10 < 0 ? -e10 : e10);
        mem_free(tmp, tcap);
        return true;
    }
    mem_free(tmp, tcap);
    snprintf(buf, cap, "%.*f", p - decpt, ax);
    if (!strchr(buf, '.')) {
        strcat(buf, ".0");
    } else if (!alt) {
        size_t l = strlen(buf);
        while (buf[l - 1] == '0') {
            buf[--l] = 0;
        }
        if (buf[l - 1] == '.') {
            strcpy(buf + l, "0");
        }
    }
    return true;
}

static Value format_double(double x, FSpec *f, const char *tname) {
    char type = f->type;
    switch (type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
        break;
    default:
        return exc_raise(exc_ValueError, "Unknown format code '%c' for object of type '%s'", type,
                         tname);
    }
    bool upper = type == 'E' || type == 'F' || type == 'G';
    bool neg = signbit(x) && !isnan(x);
    double ax = fabs(x);
    int64_t prec = f->precision;
    if (prec > INT32_MAX) {
        return exc_raise(exc_ValueError, "precision too big");
    }
    char *buf;
    size_t cap;
    Value repr = VAL_NULL;
    if (prec > 800 && !f->alt && (type == 0 || type == 'g' || type == 'G' || type == 'n')) {
        prec = 800;     // a double has fewer significant digits: same result
    }
    if (!isfinite(ax)) {
        cap = 8;
        buf = mem_alloc(cap);
        strcpy(buf, isnan(ax) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"));
        if (type == '%') {
            strcat(buf, "%");
        }
    } else {
        int64_t p = prec < 0 ? 6 : prec;
        cap = (size_t)p + 360;
        buf = mem_try_alloc(cap);
        if (!buf) {
            return VAL_NULL;
        }
        switch (type) {
        case 'e': case 'E':
            snprintf(buf, cap, f->alt ? "%#.*e" : "%.*e", (int)p, ax);
            break;
        case 'f': case 'F':
            if (f->alt || float_fixed_fast(ax, (int)p, buf) < 0) {
                snprintf(buf, cap, f->alt ? "%#.*f" : "%.*f", (int)p, ax);
            }
            break;
        case '%':
            snprintf(buf, cap, f->alt ? "%#.*f%%" : "%.*f%%", (int)p, ax * 100.0);
            break;
        case 'g': case 'G': case 'n':
            snprintf(buf, cap, f->alt ? "%#.*g" : "%.*g", (int)p, ax);
            break;
        default:    // no type
            if (prec < 0) {
                repr = float_repr_str(ax);
                if (!repr) {
                    mem_free(buf, cap);
                    return VAL_NULL;
                }
                snprintf(buf, cap, "%s", str_cstr(repr));
                char *e = strchr(buf, 'e');
                if (f->alt && e && !strchr(buf, '.')) {
                    // '#': the mantissa keeps its point (1.e+300)
                    memmove(e + 1, e, strlen(e) + 1);
                    *e = '.';
                }
            } else {
                if (!general_add_dot0(buf, cap, ax, (int)(prec == 0 ? 1 : prec), f->alt)) {
                    mem_free(buf, cap);
                    return VAL_NULL;
                }
            }
            break;
        }
        if (upper) {
            for (char *q = buf; *q; q++) {
                *q = (char)toupper((unsigned char)*q);
            }
        }
        if (f->z && neg) {
            bool allzero = true;
            for (char *q = buf; *q && *q != 'e' && *q != 'E'; q++) {
                if (*q >= '1' && *q <= '9') {
                    allzero = false;
                }
            }
            if (allzero) {
                neg = false;
            }
        }
    }
    size_t nd = 0;
    while (isdigit((unsigned char)buf[nd])) {
        nd++;
    }
    char *digits = buf;
    char *tail = buf + nd;
    // split "123.45" into digits "123" and tail ".45": copy digits first
    char dstack[64];
    char *dcopy = nd < sizeof dstack ? dstack : mem_try_alloc(nd + 1);
    if (!dcopy) {
        mem_free(buf, cap);
        return VAL_NULL;
    }
    memcpy(dcopy, digits, nd);
    dcopy[nd] = 0;
    FSpec g = *f;
    if (!isfinite(ax)) {
        g.grouping = 0;
    }
    Value r = layout_number(&g, neg, "", dcopy, nd, tail, 3);
    if (dcopy != dstack) {
        mem_free(dcopy, nd + 1);
    }
    mem_free(buf, cap);
    return r;
}

// ---- ints

static Value format_int(Value v, FSpec *f, const char *tname) {
    int base = 10;
    const char *prefix = "";
    switch (f->type) {
    case 0: case 'd': case 'n':
        break;
    case 'b':
        base = 2;
        prefix = "0b";
        break;
    case 'o':
        base = 8;
        prefix = "0o";
        break;
    case 'x':
        base = 16;
        prefix = "0x";
        break;
    case 'X':
        base = 16;
        prefix = "0X";
        break;
    case 'c': {
        if (f->precision >= 0) {
            return exc_raise(exc_ValueError, "Precision not allowed in integer format specifier");
        }
        if (f->z) {
            return exc_raise(exc_ValueError, "Negative zero coercion (z) not allowed in integer format specifier");
        }
        if (f->sign) {
            return exc_raise(exc_ValueError, "Sign not allowed with integer format specifier 'c'");
        }
        if (f->alt) {
            return exc_raise(exc_ValueError,
                             "Alternate form (#) not allowed with integer format specifier 'c'");
        }
        int64_t c;
        if (!int_to_i64(v, &c)) {
            exc_clear();  // as CPython: the int does not fit a C long first
            return exc_raise(exc_OverflowError, "Python int too large to convert to C long");
        }
        if (c < 0 || c > 0x10FFFF) {
            return exc_raise(exc_OverflowError, "%%c arg not in range(0x110000)");
        }
        char enc[4];
        int n = utf8_encode((uint32_t)c, enc);
        return pad_text(f, enc, (size_t)n, 1, '>');
    }
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': {
        bool ov;
        double d = int_to_double(v, &ov);
        if (ov) {
            return exc_raise(exc_OverflowError, "int too large to convert to float");
        }
        return format_double(d, f, tname);
    }
    default:
        if (f->type >= 32 && f->type < 127) {
            return exc_raise(exc_ValueError, "Unknown format code '%c' for object of type '%s'",
                             f->type, tname);
        }
        return exc_raise(exc_ValueError, "Unknown format code '\\x%x' for object of type '%s'",
                         (unsigned char)f->type, tname);
    }
    if (f->precision >= 0) {
        return exc_raise(exc_ValueError, "Precision not allowed in integer format specifier");
    }
    if (f->z) {
        return exc_raise(exc_ValueError, "Negative zero coercion (z) not allowed in integer format specifier");
    }
    if (!f->alt) {
        prefix = "";
    }
    mpz_t z;
    mpz_init(z);
    int_get_mpz(v, z);
    bool neg = mpz_sgn(z) < 0;
    mpz_abs(z, z);
    size_t cap = mpz_sizeinbase(z, base) + 2;
    if (base == 10 && !int_str_digits_ok(cap - 3, false)) {
        mpz_clear(z);
        return VAL_NULL;
    }
    size_t extra = f->min_digits > 0 ? (size_t)f->min_digits : 0;
    char *buf = mem_try_alloc(cap + extra);
    if (!buf) {
        mpz_clear(z);
        return VAL_NULL;
    }
    mpz_get_str(buf + extra, f->type == 'X' ? -base : base, z);
    mpz_clear(z);
    size_t nd = strlen(buf + extra);
    if (base == 10 && !int_str_digits_ok(nd, false)) {
        mem_free(buf, cap + extra);
        return VAL_NULL;
    }
    char *digits = buf + extra;
    if ((int64_t)nd < f->min_digits) {
        size_t add = (size_t)f->min_digits - nd;
        digits -= add;
        memset(digits, '0', add);
        nd += add;
    }
    Value r = layout_number(f, neg, prefix, digits, nd, "", base == 10 ? 3 : 4);
    mem_free(buf, cap + extra);
    return r;
}

// ---- strs

static Value format_str(Value v, FSpec *f) {
    if (f->type != 0 && f->type != 's') {
        return exc_raise(exc_ValueError, "Unknown format code '%c' for object of type 'str'",
                         f->type);
    }
    if (f->sign) {
        return exc_raise(exc_ValueError, f->sign == ' ' ? "Space not allowed in string format specifier"
                                                        : "Sign not allowed in string format specifier");
    }
    if (f->z) {
        return exc_raise(exc_ValueError, "Negative zero coercion (z) not allowed in string format specifier");
    }
    if (f->alt) {
        return exc_raise(exc_ValueError, "Alternate form (#) not allowed in string format specifier");
    }
    if (f->align == '=') {
        return exc_raise(exc_ValueError, "'=' alignment not allowed in string format specifier");
    }
    ObjStr *s = AS_STR(v);
    size_t len = s->len, cpl = s->cplen;
    if (f->precision >= 0 && (size_t)f->precision < cpl) {
        cpl = (size_t)f->precision;
        len = str_cp_offset(s, cpl);
    }
    if (f->width <= (int64_t)cpl && len == s->len && s->hdr.cls == cls_str) {
        return v;
    }
    return pad_text(f, s->data, len, cpl, '<');
}

// ---- format()

static Value format_complex(double re, double im, FSpec *f);

// Adds the point the '#' flag asks for to a float text without one (not
// to inf or nan): "1" -> "1.", "1e+20" -> "1.e+20". [buf] has room.
static void alt_point(char *buf) {
    if (strchr(buf, '.') || strchr(buf, 'n')) {
        return;
    }
    char *e = strchr(buf, 'e');
    if (!e) {
        strcat(buf, ".");
        return;
    }
    memmove(e + 1, e, strlen(e) + 1);
    *e = '.';
}

Value format_value(Value v, Value spec) {
    if (!str_check(spec)) {
        return exc_raise(exc_TypeError, "format() argument 2 must be str, not %s",
                         IS_NONE(spec) ? "None" : val_type_name(spec));
    }
    ObjClass *cls = val_class(v);
    if (cls->flags & CLS_USER) {
        Value m = class_lookup(cls, str_intern_c("__format__"));
        if (m && !IS_A(m, cls_native)) {
            Value args[2] = {v, spec};
            Value r = obj_call(m, 2, args, NULL);
            if (r && !str_check(r)) {
                return exc_raise(exc_TypeError, "__format__ must return a str, not %s",
                                 val_type_name(r));
            }
            return r;
        }
    }
    ObjStr *sp = AS_STR(spec);
    if (sp->len == 0) {
        return obj_str(v);
    }
    FSpec f;
    if (int_check(v)) {
        if (!parse_spec(sp, val_type_name(v), &f)) {
            return VAL_NULL;
        }
        return format_int(v, &f, val_type_name(v));
    }
    if (cls == cls_float || (IS_OBJ(v) && cls->native_base == cls_float)) {
        if (!parse_spec(sp, val_type_name(v), &f)) {
            return VAL_NULL;
        }
        return format_double(AS_FLOAT(v), &f, val_type_name(v));
    }
    if (complex_check(v)) {
        if (!parse_spec(sp, "complex", &f)) {
            return VAL_NULL;
        }
        double re, im;
        complex_parts(v, &re, &im);
        return format_complex(re, im, &f);
    }
    if (str_check(v)) {
        if (!parse_spec(sp, "str", &f)) {
            return VAL_NULL;
        }
        return format_str(v, &f);
    }
    return exc_raise(exc_TypeError, "unsupported format string passed to %s.__format__",
                     val_type_name(v));
}

// ---- complex: CPython's format_complex_internal. No type is like str()
// (parentheses unless the real part is +0, which is left out); other types
// format both parts as floats, the imaginary one always signed.
static Value format_complex(double re, double im, FSpec *f) {
    char type = f->type;
    switch (type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n':
        break;
    default:
        return exc_raise(exc_ValueError, "Unknown format code '%c' for object of type 'complex'",
                         type);
    }
    if (f->zero) {
        return exc_raise(exc_ValueError, "Zero padding is not allowed in complex format specifier");
    }
    if (f->align == '=') {
        return exc_raise(exc_ValueError,
                         "'=' alignment flag is not allowed in complex format specifier");
    }
    bool skip_re = false, parens = false, repr_mode = false;
    FSpec g = *f;
    g.width = -1;
    g.align = 0;
    strcpy(g.fill, " ");
    g.fill_set = false;
    if (type == 0) {
        if (re == 0.0 && !signbit(re)) {
            skip_re = true;
        } else {
            parens = true;
        }
        if (f->precision < 0) {
            repr_mode = true;
        } else {
            g.type = 'g';
        }
    } else if (type == 'n') {
        g.type = 'g';
    }
    FSpec gi = g;
    if (!skip_re) {
        gi.sign = '+';
    }
    Value rs = VAL_NULL, is;
    char rb[48], ib[48];
    if (repr_mode) {
        if (!skip_re) {
            if (!complex_part_repr(re, f->sign, rb)) {
                return VAL_NULL;
            }
        }
        if (!complex_part_repr(im, gi.sign, ib)) {
            return VAL_NULL;
        }
        if (f->alt) {
            // '#': each part keeps a decimal point ("1." and "1.e+20")
            alt_point(rb);
            alt_point(ib);
        }
        rs = skip_re ? str_from_c("") : str_from_c(rb);
        gc_push_root(rs);
        is = str_from_c(ib);
    } else {
        rs = skip_re ? str_from_c("") : format_double(re, &g, "complex");
        if (!rs) {
            return VAL_NULL;
        }
        gc_push_root(rs);
        is = format_double(im, &gi, "complex");
    }
    if (!is) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(is);
    Value body = str_printf("%s%s%sj%s", parens ? "(" : "", str_cstr(rs), str_cstr(is),
                            parens ? ")" : "");
    gc_pop_root(2);
    if (!body) {
        return VAL_NULL;
    }
    if (f->width < 0) {
        return body;
    }
    gc_push_root(body);
    Value r = pad_text(f, AS_STR(body)->data, AS_STR(body)->len, AS_STR(body)->len, '>');
    gc_pop_root(1);
    return r;
}

// ---- printf-style: fmt % args

// The common case of str % args in one allocation: every conversion a
// bare %s of an exact str, %d of a small int or %.Nf (N a digit) of a
// finite float (and bare %%), exactly one argument each. The pieces are
// found once, then copied. VAL_NULL, with nothing raised, for anything
// else: the general loop below handles it (and raises its errors).
static Value percent_simple(ObjStr *fs, Value *items, size_t nitems) {
    enum { MAXPIECES = 32, MAXNUMS = 12 };
    struct { const char *p; size_t len; } pc[MAXPIECES];
    char nums[MAXNUMS][40];
    size_t np = 0, nn = 0, len = 0, k = 0, i = 0;
    const char *s = fs->data;
    size_t n = fs->len;
    size_t cps = fs->cplen;     // the format's, adjusted per conversion
    while (i < n) {
        const char *pct = memchr(s + i, '%', n - i);
        size_t lit = pct ? (size_t)(pct - (s + i)) : n - i;
        if (lit) {
            if (np == MAXPIECES) {
                return VAL_NULL;
            }
            pc[np].p = s + i;
            pc[np++].len = lit;
            len += lit;
        }
        if (!pct) {
            break;
        }
        i += lit + 1;
        if (i >= n || np == MAXPIECES) {
            return VAL_NULL;
        }
        size_t spec = i;            // after the '%'
        char type = s[i++];
        if (type == '%') {
            pc[np].p = "%";
            pc[np++].len = 1;
            len++;
            cps--;
            continue;
        }
        int prec = -1;
        if (type == '.' && i + 1 < n && s[i] >= '0' && s[i] <= '9' && s[i + 1] == 'f') {
            prec = s[i] - '0';
            i += 2;
            type = 'f';
        }
        if (k >= nitems) {
            return VAL_NULL;
        }
        Value a = items[k++];
        const char *t;
        size_t tl, tc;
        if (type == 's' && IS_STR(a)) {
            t = AS_STR(a)->data;
            tl = AS_STR(a)->len;
            tc = AS_STR(a)->cplen;
        } else if (type == 'd' && IS_SMALL(a) && nn < MAXNUMS) {
            int64_t v = AS_SMALL(a);
            char *nb = nums[nn++];
            nb[0] = '-';
            tl = (size_t)(v < 0) + (size_t)u64_decimal(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v,
                                                      nb + (v < 0));
            t = nb;
            tc = tl;
        } else if (type == 'f' && prec >= 0 && IS_FLOAT(a) && nn < MAXNUMS && isfinite(AS_FLOAT(a)) &&
                   fabs(AS_FLOAT(a)) < 1e30) {
            char *nb = nums[nn++];
            int fl = float_fixed_fast(AS_FLOAT(a), prec, nb);
            if (fl < 0) {
                return VAL_NULL;
            }
            t = nb;
            tl = tc = (size_t)fl;
        } else {
            return VAL_NULL;
        }
        pc[np].p = t;
        pc[np++].len = tl;
        len += tl;
        cps = cps - (i - spec + 1) + tc;
    }
    if (k != nitems) {
        return VAL_NULL;
    }
    ObjStr *o = str_try_alloc(cls_str, len);
    if (!o) {
        return VAL_NULL;
    }
    o->cplen = cps;
    char *d = o->data;
    for (size_t j = 0; j < np; j++) {
        memcpy(d, pc[j].p, pc[j].len);
        d += pc[j].len;
    }
    return OBJ_VAL(o);
}

Value str_percent_format(Value fmtv, Value args) {
    ObjStr *fs = AS_STR(fmtv);
    if (IS_TUPLE(args) || IS_STR(args) || IS_SMALL(args) || IS_FLOAT(args)) {
        Value r = IS_TUPLE(args) ? percent_simple(fs, AS_TUPLE(args)->items, AS_TUPLE(args)->len)
                                 : percent_simple(fs, &args, 1);
        if (r || exc_pending()) {
            return r;
        }
    }
    const char *s = fs->data;
    size_t n = fs->len;
    Value *items;
    size_t nitems;
    bool is_map = false;
    if (IS_TUPLEISH(args)) {     // a tuple subclass too (a namedtuple)
        items = AS_TUPLE(args)->items;
        nitems = AS_TUPLE(args)->len;
    } else {
        items = &args;
        nitems = 1;
        is_map = !str_check(args) && val_class(args)->getitem != NULL;
    }
    size_t argi = 0;
    Value keyval = VAL_NULL;   // the value of the last %(key)
    bool argrooted = false;    // a mapping value fetched for %(key) is rooted
#define PFAIL(x) do { if (argrooted) { gc_pop_root(1); } sb_free(&out); return (x); } while (0)
    SBuf out;
    sb_init(&out);
    size_t i = 0;
    while (i < n) {
        const char *pct = memchr(s + i, '%', n - i);
        if (!pct) {
            sb_add(&out, s + i, n - i);
            break;
        }
        size_t at = (size_t)(pct - s);
        sb_add(&out, s + i, at - i);
        i = at + 1;
        if (i >= n) {
            goto incomplete;
        }
        Value arg = VAL_NULL;
        if (s[i] == '(') {
            if (!is_map) {
                PFAIL(exc_raise(exc_TypeError, "format requires a mapping"));
            }
            int depth = 1;
            size_t k = i + 1;
            while (k < n && depth > 0) {
                if (s[k] == '(') {
                    depth++;
                } else if (s[k] == ')') {
                    depth--;
                }
                k++;
            }
            if (depth > 0) {
                PFAIL(exc_raise(exc_ValueError, "incomplete format key"));
            }
            Value key = str_new(s + i + 1, k - i - 2);
            gc_push_root(key);
            arg = obj_getitem(args, key);
            gc_pop_root(1);
            if (!arg) {
                PFAIL(VAL_NULL);
            }
            gc_push_root(arg);
            argrooted = true;
            // as CPython's: the value is the only argument left, for a '*'
            // or the conversion ('%(a)s %s' has none for its %s)
            keyval = arg;
            arg = VAL_NULL;
            items = &keyval;
            nitems = 1;
            argi = 0;
            i = k;
        }
        bool left = false, plus = false, space = false, alt = false, zero = false;
        for (; i < n; i++) {
            char c = s[i];
            if (c == '-') {
                left = true;
            } else if (c == '+') {
                plus = true;
            } else if (c == ' ') {
                space = true;
            } else if (c == '#') {
                alt = true;
            } else if (c == '0') {
                zero = true;
            } else {
                break;
            }
        }
        int64_t width = -1, prec = -1;
        if (i < n && s[i] == '*') {
            if (argi >= nitems) {
                goto notenough;
            }
            Value w = items[argi++];
            if (!int_check(w)) {
                PFAIL(exc_raise(exc_TypeError, "* wants int"));
            }
            if (!int_to_i64(w, &width)) {
                exc_clear();
                PFAIL(exc_raise(exc_OverflowError, "Python int too large to convert to C ssize_t"));
            }
            if (width < 0) {
                left = true;
                width = -width;
            }
            i++;
        } else {
            while (i < n && isdigit((unsigned char)s[i])) {
                width = width < 0 ? 0 : width;
                if (__builtin_mul_overflow(width, 10, &width) ||
                    __builtin_add_overflow(width, s[i++] - '0', &width)) {
                    PFAIL(exc_raise(exc_ValueError, "width too big"));
                }
            }
        }
        if (i < n && s[i] == '.') {
            i++;
            prec = 0;
            if (i < n && s[i] == '*') {
                if (argi >= nitems) {
                    goto notenough;
                }
                Value p = items[argi++];
                if (!int_check(p)) {
                    PFAIL(exc_raise(exc_TypeError, "* wants int"));
                }
                if (!int_to_i64(p, &prec) || prec > INT32_MAX || prec < INT32_MIN) {
                    exc_clear();
                    PFAIL(exc_raise(exc_OverflowError, "Python int too large to convert to C int"));
                }
                if (prec < 0) {
                    prec = 0;
                }
                i++;
            } else {
                while (i < n && isdigit((unsigned char)s[i])) {
                    prec = prec * 10 + (s[i++] - '0');
                    if (prec > INT32_MAX) {
                        PFAIL(exc_raise(exc_ValueError, "precision too big"));
                    }
                }
            }
        }
        while (i < n && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L')) {
            i++;
        }
        if (i >= n) {
            goto incomplete;
        }
        char type = s[i++];
        if (type == '%' && i == at + 2) {     // only a bare "%%" is a '%' (CPython 3.11)
            sb_addc(&out, '%');
            if (argrooted) {
                gc_pop_root(1);
                argrooted = false;
            }
            continue;
        }
        if (!arg) {
            if (argi >= nitems) {
                goto notenough;
            }
            arg = items[argi++];
        }
        // fast paths: %d of a small int and %.Nf of a finite float with no
        // width or flags (float_fixed_fast, else glibc, which rounds %.Nf
        // correctly, as CPython's dtoa)
        if (width < 0 && !plus && !space && !left && !zero && !alt) {
            char nb[64];
            int len = -1;
            if ((type == 'd' || type == 'i' || type == 'u') && IS_SMALL(arg) && prec < 0) {
                int64_t v = AS_SMALL(arg);
                len = v < 0;
                nb[0] = '-';
                len += u64_decimal(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, nb + len);
            } else if ((type == 'f' || type == 'F') && IS_FLOAT(arg) && prec >= 0 && prec <= 30 &&
                       isfinite(AS_FLOAT(arg)) && fabs(AS_FLOAT(arg)) < 1e30) {
                len = float_fixed_fast(AS_FLOAT(arg), (int)prec, nb);
                if (len < 0) {
                    len = snprintf(nb, sizeof nb, "%.*f", (int)prec, AS_FLOAT(arg));
                }
            }
            if (len > 0 && len < (int)sizeof nb) {
                sb_add(&out, nb, (size_t)len);
                if (argrooted) {
                    gc_pop_root(1);
                    argrooted = false;
                }
                continue;
            }
        }
        FSpec f;
        spec_default(&f);
        f.width = width;
        f.sign = plus ? '+' : space ? ' ' : 0;
        f.alt = alt;
        if (left) {
            f.align = '<';
        } else if (zero) {
            f.align = '=';
            strcpy(f.fill, "0");
        } else {
            f.align = '>';
        }
        Value piece = VAL_NULL;
        switch (type) {
        case 's': case 'r': case 'a': {
            Value t = type == 's' ? (IS_STR(arg) ? arg : obj_str(arg)) : type == 'a' ? obj_ascii(arg) : obj_repr(arg);
            if (!t) {
                PFAIL(VAL_NULL);
            }
            ObjStr *ts = AS_STR(t);
            if (width < 0 && prec < 0) {
                sb_add(&out, ts->data, ts->len);    // no padding: no intermediate str
                if (argrooted) {
                    gc_pop_root(1);
                    argrooted = false;
                }
                continue;
            }
            size_t len = ts->len, cpl = ts->cplen;
            if (prec >= 0 && (size_t)prec < cpl) {
                cpl = (size_t)prec;
                len = str_cp_offset(ts, cpl);
            }
            if (f.align == '=') {
                f.align = '>';
                strcpy(f.fill, " ");
            }
            gc_push_root(t);
            piece = pad_text(&f, ts->data, len, cpl, '>');
            gc_pop_root(1);
            break;
        }
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
            Value iv = arg;
            bool isf = IS_FLOATISH(arg);
            if (!int_check(arg)) {
                if (isf && (type == 'd' || type == 'i' || type == 'u')) {
                    iv = int_from_double(AS_FLOAT(arg));
                    if (!iv) {
                        PFAIL(VAL_NULL);
                    }
                } else {
                    Value m = class_lookup(val_class(arg),
                                           str_intern_c(type == 'd' || type == 'i' || type == 'u'
                                                            ? "__int__" : "__index__"));
                    if (m) {
                        iv = obj_call(m, 1, &arg, NULL);
                        if (!iv) {
                            PFAIL(VAL_NULL);
                        }
                    } else {
                        PFAIL(exc_raise(exc_TypeError,
                                         (type == 'd' || type == 'i' || type == 'u')
                                             ? "%%%c format: a real number is required, not %s"
                                             : "%%%c format: an integer is required, not %s",
                                         type, val_type_name(arg)));
                    }
                }
            }
            f.type = (type == 'i' || type == 'u') ? 'd' : type;
            f.min_digits = prec;
            gc_push_root(iv);
            piece = format_int(iv, &f, "int");
            gc_pop_root(1);
            break;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
            double d;
            if (!val_to_double(arg, &d)) {
                PFAIL(VAL_NULL);
            }
            f.type = type;
            f.precision = prec < 0 ? 6 : prec;
            piece = format_double(d, &f, "float");
            break;
        }
        case 'c': {
            char enc[4];
            size_t len;
            if (int_check(arg)) {
                int64_t c;
                if (!int_to_i64(arg, &c) || c < 0 || c > 0x10FFFF) {
                    exc_clear();
                    PFAIL(exc_raise(exc_OverflowError, "%%c arg not in range(0x110000)"));
                }
                len = (size_t)utf8_encode((uint32_t)c, enc);
            } else if (str_check(arg) && AS_STR(arg)->cplen == 1) {
                len = AS_STR(arg)->len;     // one code point: at most 4 bytes
                memcpy(enc, AS_STR(arg)->data, len);
            } else {
                PFAIL(exc_raise(exc_TypeError, "%%c requires int or char"));
            }
            if (f.align == '=') {
                f.align = '>';
                strcpy(f.fill, " ");
            }
            piece = pad_text(&f, enc, len, 1, '>');
            break;
        }
        default:
            if ((unsigned char)type >= 32 && (unsigned char)type < 127) {
                PFAIL(exc_raise(exc_ValueError,
                                "unsupported format character '%c' (0x%x) at index %zu", type,
                                (unsigned)(unsigned char)type, i - 1));
            }
            PFAIL(exc_raise(exc_ValueError, "unsupported format character '\\x%x' (0x%x) at index %zu",
                            (unsigned)(unsigned char)type, (unsigned)(unsigned char)type, i - 1));
        }
        if (!piece) {
            PFAIL(VAL_NULL);
        }
        sb_add(&out, AS_STR(piece)->data, AS_STR(piece)->len);
        if (argrooted) {
            gc_pop_root(1);
            argrooted = false;
        }
    }
    if (argi < nitems && !is_map) {
        PFAIL(exc_raise(exc_TypeError, "not all arguments converted during string formatting"));
    }
    return sb_finish(&out);
incomplete:
    PFAIL(exc_raise(exc_ValueError, "incomplete format"));
notenough:
    PFAIL(exc_raise(exc_TypeError, "not enough arguments for format string"));
}

// ---- str.format

typedef struct FmtState {
    int argc;
    Value *args;
    ObjDict *kw;
    int auto_idx;
    int mode;       // 0 unknown, 1 automatic, 2 manual
    Value mapping;  // format_map's argument (then kw is unused), else VAL_NULL
} FmtState;

static bool all_digits(const char *s, size_t n) {
    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

static Value raise_key_error(Value key) {
    gc_push_root(key);
    Value e = exc_new(exc_KeyError, 1, &key);
    gc_pop_root(1);
    if (!e) {
        return VAL_NULL;
    }
    return exc_raise_value(e);
}

// Resolves field name [s, n) to an object.
static Value resolve_field(FmtState *st, const char *s, size_t n) {
    size_t k = 0;
    while (k < n && s[k] != '.' && s[k] != '[') {
        k++;
    }
    Value obj;
    if (st->mapping && (k == 0 || all_digits(s, k))) {
        return exc_raise(exc_ValueError, "Format string contains positional fields");
    }
    if (k == 0) {
        if (st->mode == 2) {
            return exc_raise(exc_ValueError,
                             "cannot switch from manual field specification to automatic field numbering");
        }
        st->mode = 1;
        int idx = st->auto_idx++;
        if (idx >= st->argc) {
            return exc_raise(exc_IndexError,
                             "Replacement index %d out of range for positional args tuple", idx);
        }
        obj = st->args[idx];
    } else if (all_digits(s, k)) {
        if (st->mode == 1) {
            return exc_raise(exc_ValueError,
                             "cannot switch from automatic field numbering to manual field specification");
        }
        st->mode = 2;
        long idx = strtol(s, NULL, 10);
        if (idx >= st->argc) {
            return exc_raise(exc_IndexError,
                             "Replacement index %ld out of range for positional args tuple", idx);
        }
        obj = st->args[idx];
    } else {
        Value key = str_new(s, k);
        Value v = VAL_NULL;
        if (st->mapping) {
            gc_push_root(key);
            v = obj_getitem(st->mapping, key);
            gc_pop_root(1);
            if (!v) {
                return VAL_NULL;
            }
        }
        int found = st->mapping ? 1 : st->kw ? dict_get(st->kw, key, &v) : 0;
        if (found < 0) {
            return VAL_NULL;
        }
        if (!found) {
            return raise_key_error(key);
        }
        obj = v;
    }
    int rooted = 0;
    while (k < n) {
        if (s[k] == '.') {
            size_t a = ++k;
            while (k < n && s[k] != '.' && s[k] != '[') {
                k++;
            }
            if (k == a) {
                obj = exc_raise(exc_ValueError, "Empty attribute in format string");
                break;
            }
            Value name = str_intern(s + a, k - a);
            obj = obj_getattr(obj, AS_STR(name));
        } else if (s[k] == '[') {
            size_t a = ++k;
            while (k < n && s[k] != ']') {
                k++;
            }
            if (k >= n) {
                obj = exc_raise(exc_ValueError, "Missing ']' in format string");
                break;
            }
            if (k == a) {
                obj = exc_raise(exc_ValueError, "Empty attribute in format string");
                break;
            }
            Value key = all_digits(s + a, k - a) ? int_from_i64(strtoll(s + a, NULL, 10))
                                                  : str_new(s + a, k - a);
            gc_push_root(key);
            obj = obj_getitem(obj, key);
            gc_pop_root(1);
            k++;
        } else {
            obj = exc_raise(exc_ValueError,
                            "Only '.' or '[' may follow ']' in format field specifier");
            break;
        }
        if (!obj) {
            break;
        }
        gc_push_root(obj);
        rooted++;
    }
    if (rooted) {
        gc_pop_root(rooted);
    }
    return obj;
}

// A replacement field's parts, as CPython's parse_field finds them in the
// text after its '{' (to the end of the format string: the field ends at the
// first '}' outside brackets, or past a format spec's nested braces).
typedef struct FieldParts {
    size_t namelen;     // the field name is the text's first namelen bytes
    uint32_t conv;      // the !conversion, 0: none
    const char *spec;   // the format spec
    size_t speclen;
    size_t end;         // the text's bytes the field takes, its '}' included
} FieldParts;

static bool field_spec(const char *s, size_t n, size_t p, FieldParts *fp) {
    int count = 1;
    fp->spec = s + p;
    while (p < n) {
        char c = s[p++];
        if (c == '{') {
            count++;
        } else if (c == '}' && --count == 0) {
            fp->speclen = (size_t)(s + p - 1 - fp->spec);
            fp->end = p;
            return true;
        }
    }
    exc_raise(exc_ValueError, "unmatched '{' in format spec");
    return false;
}

static bool parse_field(const char *s, size_t n, FieldParts *fp) {
    memset(fp, 0, sizeof *fp);
    fp->spec = "";
    size_t p = 0;
    char c = 0;
    while (p < n) {
        c = s[p++];
        if (c == '{') {
            exc_raise(exc_ValueError, "unexpected '{' in field name");
            return false;
        }
        if (c == '[') {
            while (p < n && s[p] != ']') {
                p++;
            }
            continue;
        }
        if (c == '}' || c == ':' || c == '!') {
            break;
        }
    }
    fp->namelen = p ? p - 1 : 0;
    if (c != '!' && c != ':') {
        if (c != '}') {
            exc_raise(exc_ValueError, "expected '}' before end of string");
            return false;
        }
        fp->end = p;
        return true;
    }
    if (c == '!') {
        if (p >= n) {
            exc_raise(exc_ValueError, "end of string while looking for conversion specifier");
            return false;
        }
        fp->conv = utf8_decode(s, n, &p);
        if (p < n) {
            c = s[p++];
            if (c == '}') {
                fp->end = p;
                return true;
            }
            if (c != ':') {
                exc_raise(exc_ValueError, "expected ':' after conversion specifier");
                return false;
            }
        }
    }
    return field_spec(s, n, p, fp);
}

static bool render(FmtState *st, const char *s, size_t n, SBuf *out, int depth) {
    if (depth > 1) {     // CPython's build_string allows one nested level of specs
        exc_raise(exc_ValueError, "Max string recursion exceeded");
        return false;
    }
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '}') {
            if (i + 1 < n && s[i + 1] == '}') {
                sb_addc(out, '}');
                i += 2;
                continue;
            }
            exc_raise(exc_ValueError, "Single '}' encountered in format string");
            return false;
        }
        if (c != '{') {
            size_t j = i;
            while (j < n && s[j] != '{' && s[j] != '}') {
                j++;
            }
            sb_add(out, s + i, j - i);
            i = j;
            continue;
        }
        if (i + 1 < n && s[i + 1] == '{') {
            sb_addc(out, '{');
            i += 2;
            continue;
        }
        if (i + 1 >= n) {
            exc_raise(exc_ValueError, "Single '{' encountered in format string");
            return false;
        }
        FieldParts fp;
        if (!parse_field(s + i + 1, n - i - 1, &fp)) {
            return false;
        }
        const char *field = s + i + 1;
        size_t namelen = fp.namelen;
        uint32_t conv = fp.conv;
        const char *spec = fp.spec;
        size_t speclen = fp.speclen;
        i += 1 + fp.end;
        Value obj = resolve_field(st, field, namelen);
        if (!obj) {
            return false;
        }
        gc_push_root(obj);
        if (conv) {
            Value t;
            if (conv == 'r' || conv == 'a') {
                t = conv == 'a' ? obj_ascii(obj) : obj_repr(obj);
            } else if (conv == 's') {
                t = obj_str(obj);
            } else {
                gc_pop_root(1);
                if (conv >= 32 && conv < 127) {
                    exc_raise(exc_ValueError, "Unknown conversion specifier %c", (char)conv);
                } else {
                    exc_raise(exc_ValueError, "Unknown conversion specifier \\x%x", (unsigned)conv);
                }
                return false;
            }
            gc_pop_root(1);
            if (!t) {
                return false;
            }
            obj = t;
            gc_push_root(obj);
        }
        Value specv;
        if (memchr(spec, '{', speclen)) {
            SBuf sb;
            sb_init(&sb);
            if (!render(st, spec, speclen, &sb, depth + 1)) {
                sb_free(&sb);
                gc_pop_root(1);
                return false;
            }
            specv = sb_finish(&sb);
        } else {
            specv = str_new(spec, speclen);
        }
        gc_push_root(specv);
        Value r = format_value(obj, specv);
        gc_pop_root(2);
        if (!r) {
            return false;
        }
        sb_add(out, AS_STR(r)->data, AS_STR(r)->len);
    }
    return true;
}

// str.format and str.format_map: [fmt] rendered with the state's arguments.
static Value render_str(FmtState *st, Value fmt) {
    SBuf out;
    sb_init(&out);
    ObjStr *f = AS_STR(fmt);
    if (!render(st, f->data, f->len, &out, 0)) {
        sb_free(&out);
        return VAL_NULL;
    }
    return sb_finish(&out);
}

Value str_format_map(Value fmt, Value mapping) {
    FmtState st = {0, NULL, NULL, 0, 0, mapping};
    return render_str(&st, fmt);
}

Value str_format_method(Value fmt, int argc, Value *args, ObjDict *kw) {
    FmtState st = {argc, args, kw, 0, 0, VAL_NULL};
    return render_str(&st, fmt);
}
