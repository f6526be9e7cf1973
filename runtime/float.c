// float.c: the float class (C doubles). Holds Python's shortest round-trip
// repr, CPython's float hash (so hash(1.0) == hash(1)), comparisons with
// ints that are exact, arithmetic with Python's floor-division and modulo
// sign rules (also used for int op float), float() parsing, and round()
// with CPython's correctly rounded results (banker's rounding).
#include <ctype.h>
#include <float.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "numstr.h"
#include "containers.h"
#include "gc.h"
#include "runtime.h"
#include "bytes.h"
#include "class.h"


#define HASH_BITS 61
#define HASH_MODULUS (((uint64_t)1 << 61) - 1)

static bool is_float_val(Value v) {
    return IS_FLOATISH(v);
}

Value float_new(double d) {
    Value imm;
    if (immf_encode(d, &imm)) {
        return imm;
    }
    // plain floats have no dict (a user subclass's instances get one after
    // the ObjFloat layout: class.c puts dict_offset at the builtin's size)
    ObjFloat *f = (ObjFloat *)obj_alloc_small(cls_float, sizeof(ObjFloat));
    f->value = d;
    return OBJ_VAL(f);
}

bool val_to_double(Value v, double *out) {
    if (is_float_val(v)) {
        *out = AS_FLOAT(v);
        return true;
    }
    if (int_check(v)) {
        bool ov;
        *out = int_to_double(v, &ov);
        if (ov) {
            exc_raise(exc_OverflowError, "int too large to convert to float");
            return false;
        }
        return true;
    }
    exc_raise(exc_TypeError, "must be real number, not %s", val_type_name(v));
    return false;
}

// ---- repr

// Shortest digits of finite nonzero |d|: fills [digits] (no dot, no
// trailing zeros) and returns decpt (value = 0.DIGITS * 10**decpt).
// The digits of [u] > 0 into [digits] without trailing zeros; returns how
// many [u] has with them.
static int integer_digits(uint64_t u, char *digits) {
    int len = u64_decimal(u, digits);
    int n = len;
    while (n > 1 && digits[n - 1] == '0') {
        n--;
    }
    digits[n] = 0;
    return len;
}

static int shortest_digits(double d, char *digits) {
    if (d < 9007199254740992.0 && d == (double)(uint64_t)d) {
        // an integer below 2**53: its digits are the shortest string
        return integer_digits((uint64_t)d, digits);
    }
    // A short decimal (0.1, 2.675, 1e-05 ...): the fewest fraction digits k
    // for which an integer c gives c / 10**k == d. Both operands are exact
    // doubles, so the correctly rounded division is what strtod makes of
    // the decimal string: no printing and parsing. c - 1 and c + 1 are
    // tried too (the product d * 10**k is rounded); two candidates that
    // both round-trip at the smallest k leave the choice to the general
    // path below, which picks the closest as CPython does.
    static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    for (int k = 1; k <= 22; k++) {
        double x = d * pow10[k];
        if (x >= 9007199254740990.0) {
            break;
        }
        uint64_t n = (uint64_t)(x + 0.5);
        uint64_t found = 0;
        int nfound = 0;
        for (uint64_t c = n > 0 ? n - 1 : 0; c <= n + 1; c++) {
            if (c > 0 && (double)c / pow10[k] == d) {
                found = c;
                nfound++;
            }
        }
        if (nfound > 1) {
            break;
        }
        if (nfound == 1) {
            return integer_digits(found, digits) - k;
        }
    }
    char buf[40], t[40];
    // More digits are never worse. Most doubles need 16 or 17 significant
    // digits, so those are tried first; shorter ones are binary-searched.
    // buf always holds the string of the precision chosen so far.
    int lo;
    snprintf(buf, sizeof buf, "%.15e", d);
    if (strtod(buf, NULL) != d) {
        lo = 16;
        snprintf(buf, sizeof buf, "%.16e", d);
    } else {
        snprintf(t, sizeof t, "%.14e", d);
        if (strtod(t, NULL) != d) {
            lo = 15;
        } else {
            memcpy(buf, t, sizeof buf);
            int a = 0, b = 14;      // b round-trips
            while (a < b) {
                int mid = (a + b) / 2;
                snprintf(t, sizeof t, "%.*e", mid, d);
                if (strtod(t, NULL) == d) {
                    b = mid;
                    memcpy(buf, t, sizeof buf);
                } else {
                    a = mid + 1;
                }
            }
            lo = b;
        }
    }
    // buf looks like "d.ddde[+-]XX" or "de[+-]XX"
    int n = 0;
    char *p = buf;
    for (; *p && *p != 'e'; p++) {
        if (*p >= '0' && *p <= '9') {
            digits[n++] = *p;
        }
    }
    int exp = atoi(p + 1);
    int fe;
    if (lo > 0 && frexp(d, &fe) == 0.5) {
        // a power of two has a lopsided rounding interval: a neighbour of
        // the closest shorter string may still round-trip
        char sh[40], cand[48];
        snprintf(sh, sizeof sh, "%.*e", lo - 1, d);
        char dg[24];
        int m = 0;
        char *q = sh;
        for (; *q && *q != 'e'; q++) {
            if (*q >= '0' && *q <= '9') {
                dg[m++] = *q;
            }
        }
        int se = atoi(q + 1);
        for (int delta = 1; delta >= -1; delta -= 2) {
            char t[24];
            memcpy(t, dg, (size_t)m);
            int k = m - 1;
            int te = se;
            if (delta > 0) {
                while (k >= 0 && t[k] == '9') {
                    t[k--] = '0';
                }
                if (k < 0) {
                    t[0] = '1';
                    te++;
                } else {
                    t[k]++;
                }
            } else {
                while (k >= 0 && t[k] == '0') {
                    t[k--] = '9';
                }
                if (k < 0 || (k == 0 && t[0] == '1' && m == 1)) {
                    continue;
                }
                t[k]--;
            }
            if (t[0] == '0') {
                continue;
            }
            snprintf(cand, sizeof cand, "%c.%.*se%d", t[0], m - 1, t + 1, te);
            if (strtod(cand, NULL) == d) {
                memcpy(digits, t, (size_t)m);
                n = m;
                exp = te;
                break;
            }
        }
    }
    while (n > 1 && digits[n - 1] == '0') {
        n--;
    }
    digits[n] = 0;
    return exp + 1;
}

int float_fixed_fast(double d, int prec, char *buf) {
    static const double pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (prec < 0 || prec > 15 || !(fabs(d) < 4.5e15)) {
        return -1;
    }
    double x = fabs(d) * pow10[prec];   // within half an ulp of the exact product
    if (!(x < 4503599627370496.0)) {
        return -1;
    }
    double fl = floor(x);
    double frac = x - fl;               // exact (x < 2**52)
    // the ulp of x is at most 2**-1 below 2**52: a fraction that far from
    // one half rounds the same way as the exact product
    double ulp = x < 1.0 ? 0x1p-53 : ldexp(1.0, ilogb(x) - 52);
    if (fabs(frac - 0.5) <= 2 * ulp) {
        return -1;
    }
    char dg[24];
    int len = u64_decimal((uint64_t)fl + (frac > 0.5), dg);
    int o = 0;
    if (signbit(d)) {
        buf[o++] = '-';
    }
    // units, point, fraction; 0.0xx has leading zeros the integer lacks
    int zeros = len <= prec ? prec + 1 - len : 0;
    for (int i = 0; i < zeros + len; i++) {
        buf[o++] = i < zeros ? '0' : dg[i - zeros];
        if (zeros + len - 1 - i == prec && prec > 0) {
            buf[o++] = '.';
        }
    }
    buf[o] = 0;
    return o;
}

Value float_repr_str(double d) {
    char out[64];
    if (isnan(d)) {
        return str_from_c("nan");
    }
    if (isinf(d)) {
        return str_from_c(d > 0 ? "inf" : "-inf");
    }
    if (d == 0.0) {
        return str_from_c(signbit(d) ? "-0.0" : "0.0");
    }
    char digits[32];
    int decpt = shortest_digits(fabs(d), digits);
    int nd = (int)strlen(digits);
    char *o = out;
    if (d < 0) {
        *o++ = '-';
    }
    if (decpt <= -4 || decpt > 16) {
        // exponent form: d[.ddd]e[+-]XX
        *o++ = digits[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        int e = decpt - 1;
        o += sprintf(o, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else if (decpt <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int k = 0; k < -decpt; k++) {
            *o++ = '0';
        }
        memcpy(o, digits, (size_t)nd);
        o += nd;
    } else {
        for (int k = 0; k < decpt; k++) {
            *o++ = k < nd ? digits[k] : '0';
        }
        *o++ = '.';
        if (nd > decpt) {
            memcpy(o, digits + decpt, (size_t)(nd - decpt));
            o += nd - decpt;
        } else {
            *o++ = '0';
        }
    }
    *o = 0;
    return str_new(out, (size_t)(o - out));
}

static Value float_repr(Value v) {
    return float_repr_str(AS_FLOAT(v));
}

// ---- hash (CPython's _Py_HashDouble)

int64_t float_hash_value(double v) {
    if (!isfinite(v)) {
        if (isinf(v)) {
            return v > 0 ? 314159 : -314159;
        }
        return 0;
    }
    int e;
    double m = frexp(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0;
    while (m) {
        x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= HASH_MODULUS) {
            x -= HASH_MODULUS;
        }
    }
    e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
    x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
    int64_t h = (int64_t)x * sign;
    return h == -1 ? -2 : h;
}

static bool float_hash(Value self, int64_t *out) {
    double d = AS_FLOAT(self);
    if (isnan(d)) {
        *out = (int64_t)((uintptr_t)AS_OBJ(self) >> 4);    // identity based, as CPython 3.10+
        return true;
    }
    *out = float_hash_value(d);
    return true;
}

// ---- comparison

static Value cmp_bool(double x, double y, int op) {
    switch (op) {
    case OP_LT: return VAL_BOOL(x < y);
    case OP_LE: return VAL_BOOL(x <= y);
    case OP_EQ: return VAL_BOOL(x == y);
    case OP_NE: return VAL_BOOL(x != y);
    case OP_GT: return VAL_BOOL(x > y);
    default: return VAL_BOOL(x >= y);
    }
}

static Value float_richcompare(Value a, Value b, int op) {
    if (is_float_val(a) && is_float_val(b)) {
        return cmp_bool(AS_FLOAT(a), AS_FLOAT(b), op);
    }
    if (is_float_val(a) && int_check(b)) {
        int c = int_float_cmp(b, AS_FLOAT(a));
        if (c == 2) {
            return VAL_BOOL(op == OP_NE);
        }
        return cmp_bool((double)-c, 0.0, op);
    }
    if (int_check(a) && is_float_val(b)) {
        int c = int_float_cmp(a, AS_FLOAT(b));
        if (c == 2) {
            return VAL_BOOL(op == OP_NE);
        }
        return cmp_bool((double)c, 0.0, op);
    }
    return VAL_NOTIMPL;
}

// ---- arithmetic

static Value float_pow(double iv, double iw) {
    if (iw == 0) {
        return float_new(1.0);
    }
    if (isnan(iv)) {
        return float_new(iv);
    }
    if (isnan(iw)) {
        return float_new(iv == 1.0 ? 1.0 : iw);
    }
    if (iv == 0.0 && iw < 0.0 && isfinite(iw)) {   // 0.0 ** -inf is inf (C's pow), as CPython's
        return exc_raise(exc_ZeroDivisionError, "0.0 cannot be raised to a negative power");
    }
    if (iv < 0.0 && isfinite(iv) && isfinite(iw) && iw != floor(iw)) {
        return complex_pow_doubles(iv, iw);   // as CPython: (-8) ** 0.5 is complex
    }
    errno = 0;
    double r = pow(iv, iw);
    if (isinf(r) && isfinite(iv) && isfinite(iw)) {
        return exc_raise(exc_OverflowError, "(34, 'Numerical result out of range')");
    }
    return float_new(r);
}

Value float_binop(Value a, Value b, int op) {
    if (op >= BINOP_INPLACE) {
        op -= BINOP_INPLACE;
    }
    if (!(is_float_val(a) || int_check(a)) || !(is_float_val(b) || int_check(b))) {
        return VAL_NOTIMPL;
    }
    if (!is_float_val(a) && !is_float_val(b)) {
        return int_binop(a, b, op);
    }
    switch (op) {
    case BIN_ADD: case BIN_SUB: case BIN_MUL: case BIN_TRUEDIV:
    case BIN_FLOORDIV: case BIN_MOD: case BIN_POW:
        break;
    default:
        return VAL_NOTIMPL;
    }
    double x, y;
    if (!val_to_double(a, &x) || !val_to_double(b, &y)) {
        return VAL_NULL;
    }
    switch (op) {
    case BIN_ADD:
        return float_new(x + y);
    case BIN_SUB:
        return float_new(x - y);
    case BIN_MUL:
        return float_new(x * y);
    case BIN_TRUEDIV:
        if (y == 0.0) {
            return exc_raise(exc_ZeroDivisionError, "float division by zero");
        }
        return float_new(x / y);
    case BIN_MOD: {
        if (y == 0.0) {
            return exc_raise(exc_ZeroDivisionError, "float modulo");
        }
        double mod = fmod(x, y);
        if (mod) {
            if ((y < 0) != (mod < 0)) {
                mod += y;
            }
        } else {
            mod = copysign(0.0, y);
        }
        return float_new(mod);
    }
    case BIN_FLOORDIV: {
        if (y == 0.0) {
            return exc_raise(exc_ZeroDivisionError, "float floor division by zero");
        }
        double mod = fmod(x, y);
        double div = (x - mod) / y;
        if (mod) {
            if ((y < 0) != (mod < 0)) {
                div -= 1.0;
            }
        }
        double floordiv;
        if (div) {
            floordiv = floor(div);
            if (div - floordiv > 0.5) {
                floordiv += 1.0;
            }
        } else {
            floordiv = copysign(0.0, x / y);
        }
        return float_new(floordiv);
    }
    default:
        return float_pow(x, y);
    }
}

static Value float_unop(Value a, int op) {
    double x = AS_FLOAT(a);
    switch (op) {
    case UN_NEG:
        return float_new(-x);
    case UN_POS:
        return IS_FLOAT(a) ? a : float_new(x);
    case UN_NOT:
        return VAL_BOOL(x == 0.0);
    default:
        return VAL_NOTIMPL;
    }
}

static int float_truthy(Value v) {
    return AS_FLOAT(v) != 0.0;
}

// ---- parsing and construction

// Clinger's fast path for the common short decimal ("12.50", "-3", "1e5"):
// [sign] digits [. digits] [e [sign] digits], no underscores, whose digits
// make an integer m < 2^53 and whose decimal exponent k is within +-22:
// m and 10^|k| are then both exact doubles, so the one IEEE multiplication
// or division rounds correctly and equals strtod's answer. False (nothing
// stored) for anything else, which strtod's path takes. (perf: float() of
// a CSV field cost ~1100 instructions, most of them in strtod.)
static bool parse_fast_decimal(const char *t, size_t tl, double *out) {
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t j = 0;
    bool neg = false;
    if (t[0] == '+' || t[0] == '-') {
        neg = t[0] == '-';
        j = 1;
    }
    uint64_t m = 0;
    int ndig = 0, frac = 0;
    bool any = false;
    for (; j < tl && t[j] >= '0' && t[j] <= '9'; j++) {
        any = true;
        if (m || t[j] != '0') {
            if (++ndig > 17) {
                return false;
            }
            m = m * 10 + (uint64_t)(t[j] - '0');
        }
    }
    if (j < tl && t[j] == '.') {
        for (j++; j < tl && t[j] >= '0' && t[j] <= '9'; j++) {
            any = true;
            frac++;
            if (m || t[j] != '0') {
                if (++ndig > 17) {
                    return false;
                }
                m = m * 10 + (uint64_t)(t[j] - '0');
            }
        }
    }
    if (!any) {
        return false;
    }
    int exp = 0;
    if (j < tl && (t[j] == 'e' || t[j] == 'E')) {
        j++;
        bool eneg = false;
        if (j < tl && (t[j] == '+' || t[j] == '-')) {
            eneg = t[j] == '-';
            j++;
        }
        if (j == tl) {
            return false;
        }
        for (; j < tl && t[j] >= '0' && t[j] <= '9'; j++) {
            if (exp > 1000) {
                return false;
            }
            exp = exp * 10 + (t[j] - '0');
        }
        exp = eneg ? -exp : exp;
    }
    if (j != tl || m > ((uint64_t)1 << 53)) {
        return false;
    }
    int k = exp - frac;
    if (k < -22 || k > 22) {
        return false;
    }
    double d = (double)m;
    d = k < 0 ? d / pow10[-k] : d * pow10[k];
    *out = neg ? -d : d;
    return true;
}

bool float_parse(const char *s, size_t len, double *out) {
    size_t i = 0;
    while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
        i++;
    }
    while (len > i && (s[len - 1] == ' ' || (s[len - 1] >= '\t' && s[len - 1] <= '\r'))) {
        len--;
    }
    if (i >= len) {
        return false;
    }
    if (parse_fast_decimal(s + i, len - i, out)) {
        return true;
    }
    char stackbuf[128];
    size_t cap = len - i + 1;
    char *buf = cap <= sizeof stackbuf ? stackbuf : mem_alloc(cap);
    size_t n = 0;
    bool ok = true;
    const char *t = s + i;
    size_t tl = len - i;
    size_t k = 0;
    bool neg = false;
    if (t[0] == '+' || t[0] == '-') {
        neg = t[0] == '-';
        k = 1;
    }
    const char *w = t + k;
    size_t wl = tl - k;
    if ((wl == 3 && strncasecmp(w, "inf", 3) == 0) ||
        (wl == 8 && strncasecmp(w, "infinity", 8) == 0)) {
        *out = neg ? -INFINITY : INFINITY;
    } else if (wl == 3 && strncasecmp(w, "nan", 3) == 0) {
        *out = neg ? -NAN : NAN;
    } else {
        // digits, '.', exponent; underscores only between digits
        for (size_t j = 0; j < tl; j++) {
            char c = t[j];
            if (c == '_') {
                if (j == 0 || j + 1 >= tl || !(t[j - 1] >= '0' && t[j - 1] <= '9') ||
                    !(t[j + 1] >= '0' && t[j + 1] <= '9')) {
                    ok = false;
                    break;
                }
                continue;
            }
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' ||
                  c == '-')) {
                ok = false;
                break;
            }
            buf[n++] = c;
        }
        buf[n] = 0;
        bool has_digit = false;
        for (size_t j = 0; j < n && buf[j] != 'e' && buf[j] != 'E'; j++) {
            if (buf[j] >= '0' && buf[j] <= '9') {
                has_digit = true;
            }
        }
        if (ok && has_digit) {
            char *end;
            *out = strtod(buf, &end);
            ok = end == buf + n;
        } else {
            ok = false;
        }
    }
    if (buf != stackbuf) {
        mem_free(buf, cap);
    }
    return ok;
}

// float(x) for one argument.
static Value float_of(Value x) {
    // a subclass of float (or int) with its own __float__ goes through it
    bool own_float = IS_OBJ(x) && (AS_OBJ(x)->cls->flags & CLS_USER) &&
                     class_has_user_dunder(AS_OBJ(x)->cls, "__float__");
    if (is_float_val(x) && !own_float) {
        return IS_FLOAT(x) ? x : float_new(AS_FLOAT(x));
    }
    if (int_check(x) && !own_float) {
        double d;
        if (!val_to_double(x, &d)) {
            return VAL_NULL;
        }
        return float_new(d);
    }
    if (str_check(x) && !own_float) {
        double d;
        size_t alen = 0;
        char *ascii = str_to_ascii_number(AS_STR(x), &alen);
        bool ok = ascii ? float_parse(ascii, alen, &d) : float_parse(AS_STR(x)->data, AS_STR(x)->len, &d);
        if (ascii) {
            mem_free(ascii, alen + 1);
        }
        if (!ok) {
            Value rep = str_repr(x);
            if (!rep) {
                return VAL_NULL;
            }
            return exc_raise(exc_ValueError, "could not convert string to float: %s",
                             str_cstr(rep));
        }
        return float_new(d);
    }
    BufView b = {0};
    int isbuf = own_float ? 0 : buffer_get(x, &b);
    if (isbuf < 0) {
        return VAL_NULL;
    }
    if (isbuf) {
        // ASCII text in a bytes-like object (a NUL-terminated bytes copy)
        Value copy = bytes_try_new(b.ptr, b.len);
        double d;
        if (!copy) {
            return VAL_NULL;
        }
        if (!float_parse((const char *)AS_BYTES(copy)->data, b.len, &d)) {
            Value rep = obj_repr(x);
            return rep ? exc_raise(exc_ValueError, "could not convert string to float: %s",
                                   str_cstr(rep))
                       : VAL_NULL;
        }
        return float_new(d);
    }
    static const char *const names[] = {"__float__", "__index__"};
    for (int k = 0; k < 2; k++) {
        bool found;
        Value r = call_method_opt(x, str_intern_c(names[k]), 0, NULL, &found);
        if (found) {
            if (!r) {
                return VAL_NULL;
            }
            if (k == 0 && !is_float_val(r)) {
                return exc_raise(exc_TypeError, "%s.__float__ returned non-float (type %s)",
                                 val_type_name(x), val_type_name(r));
            }
            return k == 0 ? r : float_of(r);
        }
    }
    return exc_raise(exc_TypeError, "float() argument must be a string or a real number, not '%s'",
                     val_type_name(x));
}

static Value float_new_slot(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_new_no_kw(cls, "float", kw)) {
        return VAL_NULL;
    }
    if (argc > 1) {
        return exc_raise(exc_TypeError, "float expected at most 1 argument, got %d", argc);
    }
    Value r = argc == 0 ? float_new(0.0) : float_of(argv[0]);
    if (!r || cls == cls_float) {
        return r;
    }
    size_t size = cls->inst_size > sizeof(ObjFloatSub) ? cls->inst_size : sizeof(ObjFloatSub);
    ObjFloatSub *f = (ObjFloatSub *)obj_alloc(cls, size);
    f->f.value = AS_FLOAT(r);
    f->dict = AS_DICT(dict_new());
    return OBJ_VAL(f);
}

// ---- rounding

Value float_round(double x, Value ndigits) {
    if (!ndigits || IS_NONE(ndigits)) {
        double r = rint(x);     // default rounding mode: half to even
        return int_from_double(r);
    }
    int64_t nd;     // (__index__ too; a huge one saturates, as CPython's ssize_t clamp)
    if (!index_bound_value(ndigits, &nd)) {
        return VAL_NULL;
    }
    if (!isfinite(x) || x == 0.0) {
        return float_new(x);
    }
    if (nd > 323) {
        return float_new(x);
    }
    if (nd < -308) {
        return float_new(copysign(0.0, x));
    }
    if (nd >= 0) {
        char buf[700];
        snprintf(buf, sizeof buf, "%.*f", (int)nd, x);     // correctly rounded, half-even
        double r = strtod(buf, NULL);
        if (isinf(r)) {
            return exc_raise(exc_OverflowError, "rounded value too large to represent");
        }
        return float_new(r);
    }
    // negative ndigits: exact rational arithmetic
    mpq_t q;
    mpz_t p, z, rem;
    mpq_init(q);
    mpz_inits(p, z, rem, NULL);
    mpq_set_d(q, x);
    mpz_ui_pow_ui(p, 10, (unsigned long)(-nd));
    mpz_mul(mpq_denref(q), mpq_denref(q), p);
    mpq_canonicalize(q);
    // z = round-half-even(num/den)
    mpz_fdiv_qr(z, rem, mpq_numref(q), mpq_denref(q));
    mpz_mul_2exp(rem, rem, 1);
    int c = mpz_cmp(rem, mpq_denref(q));
    if (c > 0 || (c == 0 && mpz_odd_p(z))) {
        mpz_add_ui(z, z, 1);
    }
    mpz_mul(z, z, p);
    bool ov = false;
    Value zi = int_from_mpz(z);
    double r = zi ? int_to_double(zi, &ov) : 0.0;
    mpq_clear(q);
    mpz_clears(p, z, rem, NULL);
    if (!zi) {
        return VAL_NULL;
    }
    if (ov || isinf(r)) {     // round(1.6e308, -308)
        return exc_raise(exc_OverflowError, "rounded value too large to represent");
    }
    if (r == 0.0) {
        r = copysign(0.0, x);
    }
    return float_new(r);
}

Value num_round(Value x, Value ndigits) {
    if (is_float_val(x)) {
        return float_round(AS_FLOAT(x), ndigits);
    }
    if (!int_check(x)) {
        Value m = class_lookup(val_class(x), str_intern_c("__round__"));
        if (m) {
            Value args[2] = {x, ndigits};
            return obj_call(m, ndigits && !IS_NONE(ndigits) ? 2 : 1, args, NULL);
        }
        return exc_raise(exc_TypeError, "type %s doesn't define __round__ method",
                         val_type_name(x));
    }
    Value xi = x;
    if (!IS_SMALL(x) && AS_OBJ(x)->cls != cls_int) {
        xi = int_binop(x, MK_SMALL(0), BIN_ADD);
    }
    if (!ndigits || IS_NONE(ndigits)) {
        return xi;
    }
    int64_t nd;
    if (!index_bound_value(ndigits, &nd)) {
        return VAL_NULL;
    }
    if (nd >= 0) {
        return xi;
    }
    // round half to even at 10**-nd
    mpz_t z, p, q, rem;
    mpz_inits(z, p, q, rem, NULL);
    int_get_mpz(xi, z);
    mpz_ui_pow_ui(p, 10, (unsigned long)(nd < -100000 ? 100000 : -nd));
    mpz_fdiv_qr(q, rem, z, p);
    mpz_mul_2exp(rem, rem, 1);
    int c = mpz_cmp(rem, p);
    if (c > 0 || (c == 0 && mpz_odd_p(q))) {
        mpz_add_ui(q, q, 1);
    }
    mpz_mul(q, q, p);
    Value r = int_from_mpz(q);
    mpz_clears(z, p, q, rem, NULL);
    return r;
}

// ---- methods

static Value m_is_integer(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("float.is_integer", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    double d = AS_FLOAT(argv[0]);
    return VAL_BOOL(isfinite(d) && d == floor(d));
}

static Value m_as_integer_ratio(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("float.as_integer_ratio", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    double d = AS_FLOAT(argv[0]);
    if (isinf(d)) {
        return exc_raise(exc_OverflowError, "cannot convert Infinity to integer ratio");
    }
    if (isnan(d)) {
        return exc_raise(exc_ValueError, "cannot convert NaN to integer ratio");
    }
    mpq_t q;
    mpq_init(q);
    mpq_set_d(q, d);
    Value n = int_from_mpz(mpq_numref(q));
    gc_push_root(n);
    Value den = int_from_mpz(mpq_denref(q));
    gc_push_root(den);
    mpq_clear(q);
    Value t = tuple_pack(2, n, den);
    gc_pop_root(2);
    return t;
}

static Value m_float_trunc(int argc, Value *argv, ObjDict *kw) {
    return int_from_double(AS_FLOAT(argv[0]));
}

static Value m_float_floor(int argc, Value *argv, ObjDict *kw) {
    return int_from_double(floor(AS_FLOAT(argv[0])));
}

static Value m_float_ceil(int argc, Value *argv, ObjDict *kw) {
    return int_from_double(ceil(AS_FLOAT(argv[0])));
}

static Value m_float_round(int argc, Value *argv, ObjDict *kw) {
    return float_round(AS_FLOAT(argv[0]), argc > 1 ? argv[1] : VAL_NULL);
}

static Value m_float_self(int argc, Value *argv, ObjDict *kw) {
    return float_unop(argv[0], UN_POS);
}

// float.__getnewargs__(): (float(self),), as CPython's.
static Value m_float_getnewargs(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("float.__getnewargs__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value v = float_unop(argv[0], UN_POS);
    return v ? tuple_pack(1, v) : VAL_NULL;
}

static Value m_float_conjugate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("float.conjugate", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return float_unop(argv[0], UN_POS);
}

static Value m_float_format(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__format__() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return format_value(argv[0], argv[1]);
}


// float.hex(): CPython's float_hex (13 hex digits after the point, a
// normalized leading 1, or 0 for subnormals).
static Value m_hex(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("float.hex", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    double x = AS_FLOAT(argv[0]);
    if (isnan(x) || isinf(x)) {
        return float_repr(argv[0]);
    }
    if (x == 0.0) {
        return str_from_c(copysign(1.0, x) < 0 ? "-0x0.0p+0" : "0x0.0p+0");
    }
    int e;
    double m = frexp(fabs(x), &e);
    int shift = 1 - (DBL_MIN_EXP - e > 0 ? DBL_MIN_EXP - e : 0);
    m = ldexp(m, shift);
    e -= shift;
    static const char hexd[] = "0123456789abcdef";
    char digits[16];
    int n = 0;
    digits[n++] = hexd[(int)m];
    m -= (int)m;
    digits[n++] = '.';
    for (int i = 0; i < (DBL_MANT_DIG - 1) / 4; i++) {
        m *= 16.0;
        digits[n++] = hexd[(int)m];
        m -= (int)m;
    }
    digits[n] = 0;
    return str_printf("%s0x%sp%c%d", x < 0 ? "-" : "", digits, e < 0 ? '-' : '+', e < 0 ? -e : e);
}

static bool word_at(const char *p, const char *end, const char *w) {
    size_t n = strlen(w);
    return (size_t)(end - p) == n && strncasecmp(p, w, n) == 0;
}

// The value of the checked hex digits [p, q) (one point at most) times 2
// to the power of the decimal exponent in (q, end] after 'p', correctly
// rounded (half to even), subnormals included: glibc's strtod rounds some
// subnormal hex input down (0x0.ffffffffffffecp-1022). Infinity: overflow.
static double hex_digits_value(const char *p, const char *q, const char *end) {
    uint64_t m = 0;
    long e2 = 0;
    int ndig = 0;           // significant digits taken into m (15 at most: 60 bits)
    bool sticky = false, frac = false;
    for (; p < q; p++) {
        if (*p == '.') {
            frac = true;
            continue;
        }
        int v = isdigit((unsigned char)*p) ? *p - '0' : (*p | 32) - 'a' + 10;
        if (ndig < 15) {
            if (m || v) {
                m = m << 4 | (uint64_t)v;
                ndig++;
            }
            e2 -= frac ? 4 : 0;
        } else {
            sticky |= v != 0;
            e2 += frac ? 0 : 4;
        }
    }
    if (q < end) {          // the exponent, saturated far beyond any double
        const char *x = q + 1;
        bool eneg = x < end && *x == '-';
        x += x < end && (*x == '+' || *x == '-');
        long e = 0;
        for (; x < end; x++) {
            e = e < 100000000 ? e * 10 + (*x - '0') : e;
        }
        e2 += eneg ? -e : e;
    }
    if (m == 0) {
        return 0.0;
    }
    int bits = 64 - __builtin_clzll(m);
    long top = e2 + bits - 1;           // the value is in [2**top, 2**(top+1))
    if (top > 1023) {
        return INFINITY;
    }
    long keep = top >= -1022 ? 53 : top + 1075;     // bits the double holds
    if (keep < 0) {
        return 0.0;
    }
    if (bits > keep) {
        int shift = bits - (int)keep;
        uint64_t rem = m & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << (shift - 1);
        m >>= shift;
        e2 += shift;
        if (rem > half || (rem == half && (sticky || (m & 1)))) {
            m++;
        }
    }
    return ldexp((double)m, (int)e2);
}

// float.fromhex(s): classmethod; [+-][0x]hex[.hex][p[+-]dec], inf, nan,
// surrounding whitespace.
static Value m_fromhex(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("float.fromhex", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!str_check(argv[1])) {
        return exc_raise(exc_TypeError, "bad argument type for built-in operation");   // CPython's words
    }
    const char *p = AS_STR(argv[1])->data, *end = p + AS_STR(argv[1])->len;
    while (p < end && isspace((unsigned char)*p)) {
        p++;
    }
    while (end > p && isspace((unsigned char)end[-1])) {
        end--;
    }
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-')) {
        neg = *p++ == '-';
    }
    double d;
    if (word_at(p, end, "inf") || word_at(p, end, "infinity")) {
        d = INFINITY;
    } else if (word_at(p, end, "nan")) {
        d = NAN;
    } else {
        if (end - p >= 2 && p[0] == '0' && (p[1] | 32) == 'x') {
            p += 2;
        }
        // hex digits with at most one point, at least one digit, then an
        // optional exponent of decimal digits
        const char *q = p;
        bool digit = false, point = false;
        for (; q < end && (isxdigit((unsigned char)*q) || (*q == '.' && !point)); q++) {
            point |= *q == '.';
            digit |= *q != '.';
        }
        if (digit && q < end && (*q | 32) == 'p') {
            const char *x = q + 1;
            if (x < end && (*x == '+' || *x == '-')) {
                x++;
            }
            if (x == end) {
                digit = false;
            }
            for (; x < end; x++) {
                digit &= isdigit((unsigned char)*x) != 0;
            }
        } else if (q != end) {
            digit = false;
        }
        if (!digit) {
            return exc_raise(exc_ValueError, "invalid hexadecimal floating-point string");
        }
        d = hex_digits_value(p, q, end);
        if (isinf(d)) {
            return exc_raise(exc_OverflowError, "hexadecimal value too large to represent as a float");
        }
    }
    Value r = float_new(neg ? -d : d);
    if (IS_CLASS(argv[0]) && AS_CLASS(argv[0]) != cls_float) {
        gc_push_root(r);
        r = vm_call(argv[0], 1, &r, NULL);
        gc_pop_root(1);
    }
    return r;
}

// float.__getformat__(typestr): classmethod; CPython's words for the C
// double and float formats (IEEE 754 in the host's byte order).
static Value m_getformat(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("float.__getformat__", argc - 1, 1, 1)) {
        return VAL_NULL;
    }
    if (!str_check(argv[1])) {
        return exc_raise(exc_TypeError, "__getformat__() argument must be str, not %s", val_type_name(argv[1]));
    }
    const char *t = AS_STR(argv[1])->data;
    if (strcmp(t, "double") != 0 && strcmp(t, "float") != 0) {
        return exc_raise(exc_ValueError, "__getformat__() argument 1 must be 'double' or 'float'");
    }
    const uint16_t one = 1;
    return OBJ_VAL(str_intern_c(*(const uint8_t *)&one ? "IEEE, little-endian" : "IEEE, big-endian"));
}

static const MethodDef float_methods[] = {
    {"is_integer", m_is_integer},
    {"hex", m_hex},
    {"as_integer_ratio", m_as_integer_ratio},
    {"conjugate", m_float_conjugate},
    {"__getnewargs__", m_float_getnewargs},
    {"__float__", m_float_self},
    {"__int__", m_float_trunc},
    {"__trunc__", m_float_trunc},
    {"__floor__", m_float_floor},
    {"__ceil__", m_float_ceil},
    {"__round__", m_float_round},
    {"__format__", m_float_format},
    {NULL, NULL},
};

static Value m_float_zero(int argc, Value *argv, ObjDict *kw) {
    return float_new(0.0);
}

void float_init(void) {
    cls_float = class_new_builtin("float", NULL, sizeof(ObjFloat), float_methods);
    cls_float->flags |= CLS_BASETYPE;
    cls_float->new_ = float_new_slot;
    cls_float->repr = float_repr;
    cls_float->hash = float_hash;
    cls_float->richcompare = float_richcompare;
    cls_float->binop = float_binop;
    cls_float->binop_ops = 1u << BIN_ADD | 1u << BIN_SUB | 1u << BIN_MUL | 1u << BIN_TRUEDIV |
                           1u << BIN_FLOORDIV | 1u << BIN_MOD | 1u << BIN_POW;
    cls_float->unop = float_unop;
    cls_float->truthy = float_truthy;
    class_add_classmethod(cls_float, "fromhex", m_fromhex);
    class_add_classmethod(cls_float, "__getformat__", m_getformat);
    class_add_getter(cls_float, "real", m_float_self);
    class_add_getter(cls_float, "imag", m_float_zero);
}
