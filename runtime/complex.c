// complex.c: the complex class (a pair of C doubles). Holds CPython 3.11's
// arithmetic (_Py_c_quot's scaled division, c_powi's repeated squaring for
// small integral exponents, _Py_c_pow otherwise; int and float operands are
// converted to complex first), its repr ("(1+2j)", "1j", "(-0-0j)"), hash
// (equal to the float's when imag is 0), complex() with its string parser,
// format() with a spec, and the real/imag/conjugate members.
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "numstr.h"
#include "containers.h"
#include "gc.h"
#include "runtime.h"

typedef struct ObjComplex {
    Obj hdr;
    double re, im;
} ObjComplex;

#define AS_COMPLEX(v) ((ObjComplex *)AS_OBJ(v))

typedef struct Cx {
    double re, im;
} Cx;

Value complex_new(double re, double im) {
    ObjComplex *c = (ObjComplex *)obj_alloc_small(cls_complex, sizeof(ObjComplex));
    c->re = re;
    c->im = im;
    return OBJ_VAL(c);
}

bool complex_check(Value v) {
    return IS_OBJ(v) && class_is_subclass(AS_OBJ(v)->cls, cls_complex);
}

// [v] as a complex when it is an int, float or complex (false, no raise,
// otherwise; OverflowError raised for a too big int, *err set).
static bool as_cx(Value v, Cx *out, bool *err) {
    *err = false;
    if (complex_check(v)) {
        out->re = AS_COMPLEX(v)->re;
        out->im = AS_COMPLEX(v)->im;
        return true;
    }
    if (IS_FLOATISH(v) || int_check(v)) {
        out->im = 0.0;
        if (!val_to_double(v, &out->re)) {
            *err = true;
            return false;
        }
        return true;
    }
    return false;
}

// ---- arithmetic (CPython's complexobject.c)

static Cx c_prod(Cx a, Cx b) {
    Cx r = {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
    return r;
}

// Smith's division; errno EDOM on a zero divisor.
static Cx c_quot(Cx a, Cx b) {
    Cx r;
    double abr = fabs(b.re), abi = fabs(b.im);
    if (abr >= abi) {
        if (abr == 0.0) {
            errno = EDOM;
            r.re = r.im = 0.0;
        } else {
            double ratio = b.im / b.re;
            double denom = b.re + b.im * ratio;
            r.re = (a.re + a.im * ratio) / denom;
            r.im = (a.im - a.re * ratio) / denom;
        }
    } else if (abi >= abr) {
        double ratio = b.re / b.im;
        double denom = b.re * ratio + b.im;
        r.re = (a.re * ratio + a.im) / denom;
        r.im = (a.im * ratio - a.re) / denom;
    } else {
        r.re = r.im = NAN;
    }
    return r;
}

static Cx c_pow(Cx a, Cx b) {
    Cx r;
    if (b.re == 0.0 && b.im == 0.0) {
        r.re = 1.0;
        r.im = 0.0;
    } else if (a.re == 0.0 && a.im == 0.0) {
        if (b.im != 0.0 || b.re < 0.0) {
            errno = EDOM;
        }
        r.re = r.im = 0.0;
    } else {
        double vabs = hypot(a.re, a.im);
        double len = pow(vabs, b.re);
        double at = atan2(a.im, a.re);
        double phase = at * b.re;
        if (b.im != 0.0) {
            len /= exp(at * b.im);
            phase += b.im * log(vabs);
        }
        r.re = len * cos(phase);
        r.im = len * sin(phase);
    }
    return r;
}

static Cx c_powu(Cx x, long n) {
    Cx r = {1.0, 0.0}, p = x;
    long mask = 1;
    while (mask > 0 && n >= mask) {
        if (n & mask) {
            r = c_prod(r, p);
        }
        mask <<= 1;
        p = c_prod(p, p);
    }
    return r;
}

// a ** b with CPython's errors; NULL with the exception raised.
static Value cx_power(Cx a, Cx b) {
    Cx p;
    errno = 0;
    if (b.im == 0.0 && b.re == floor(b.re) && fabs(b.re) <= 100.0) {
        long n = (long)b.re;
        if (n > 0) {
            p = c_powu(a, n);
        } else {
            Cx one = {1.0, 0.0};
            p = c_quot(one, c_powu(a, -n));
        }
    } else {
        p = c_pow(a, b);
    }
    if (errno != EDOM && (isinf(p.re) || isinf(p.im))) {
        errno = ERANGE;
    }
    if (errno == EDOM) {
        return exc_raise(exc_ZeroDivisionError, "0.0 to a negative or complex power");
    }
    if (errno == ERANGE) {
        return exc_raise(exc_OverflowError, "complex exponentiation");
    }
    return complex_new(p.re, p.im);
}

Value complex_pow_doubles(double x, double y) {
    Cx a = {x, 0.0}, b = {y, 0.0};
    return cx_power(a, b);
}

static Value complex_binop(Value a, Value b, int op) {
    if (op >= BINOP_INPLACE) {
        op -= BINOP_INPLACE;
    }
    Cx x, y;
    bool err;
    if (!as_cx(a, &x, &err)) {
        return err ? VAL_NULL : VAL_NOTIMPL;
    }
    if (!as_cx(b, &y, &err)) {
        return err ? VAL_NULL : VAL_NOTIMPL;
    }
    switch (op) {
    case BIN_ADD:
        return complex_new(x.re + y.re, x.im + y.im);
    case BIN_SUB:
        return complex_new(x.re - y.re, x.im - y.im);
    case BIN_MUL: {
        Cx r = c_prod(x, y);
        return complex_new(r.re, r.im);
    }
    case BIN_TRUEDIV: {
        errno = 0;
        Cx r = c_quot(x, y);
        if (errno == EDOM) {
            return exc_raise(exc_ZeroDivisionError, "complex division by zero");
        }
        return complex_new(r.re, r.im);
    }
    case BIN_POW:
        return cx_power(x, y);
    default:
        return VAL_NOTIMPL;
    }
}

static Value complex_unop(Value a, int op) {
    ObjComplex *c = AS_COMPLEX(a);
    switch (op) {
    case UN_NEG:
        return complex_new(-c->re, -c->im);
    case UN_POS:
        return IS_A(a, cls_complex) ? a : complex_new(c->re, c->im);
    case UN_NOT:
        return VAL_BOOL(c->re == 0.0 && c->im == 0.0);
    default:
        return VAL_NOTIMPL;
    }
}

static int complex_truthy(Value v) {
    return AS_COMPLEX(v)->re != 0.0 || AS_COMPLEX(v)->im != 0.0;
}

static Value complex_richcompare(Value a, Value b, int op) {
    if (op != OP_EQ && op != OP_NE) {
        return VAL_NOTIMPL;
    }
    ObjComplex *c = AS_COMPLEX(a);
    bool eq;
    if (int_check(b) || IS_FLOATISH(b)) {
        if (c->im != 0.0) {
            eq = false;
        } else {
            // exact comparison of the real part with an int
            Value r = obj_compare(float_new(c->re), b, OP_EQ);
            if (!r) {
                return VAL_NULL;
            }
            eq = r == VAL_TRUE;
        }
    } else if (complex_check(b)) {
        eq = c->re == AS_COMPLEX(b)->re && c->im == AS_COMPLEX(b)->im;
    } else {
        return VAL_NOTIMPL;
    }
    return VAL_BOOL(op == OP_EQ ? eq : !eq);
}

static bool complex_hash(Value self, int64_t *out) {
    ObjComplex *c = AS_COMPLEX(self);
    uint64_t hr = isnan(c->re) ? (uint64_t)((uintptr_t)AS_OBJ(self) >> 4) : (uint64_t)float_hash_value(c->re);
    uint64_t hi = isnan(c->im) ? (uint64_t)((uintptr_t)AS_OBJ(self) >> 4) : (uint64_t)float_hash_value(c->im);
    int64_t h = (int64_t)(hr + 1000003u * hi);
    *out = h == -1 ? -2 : h;
    return true;
}

// ---- repr

bool complex_part_repr(double d, char sign, char *buf) {
    Value s = float_repr_str(d);
    if (!s) {
        return false;
    }
    const char *t = AS_STR(s)->data;
    size_t n = strlen(t);
    if (n >= 2 && strcmp(t + n - 2, ".0") == 0 && !strchr(t, 'e')) {
        n -= 2;
    }
    size_t k = 0;
    if (sign && sign != '-' && t[0] != '-') {
        buf[k++] = sign;
    }
    memcpy(buf + k, t, n);
    buf[k + n] = '\0';
    return true;
}

Value complex_repr_parts(double re, double im) {
    char rb[48], ib[48];
    if (re == 0.0 && !signbit(re)) {
        if (!complex_part_repr(im, 0, ib)) {
            return VAL_NULL;
        }
        return str_printf("%sj", ib);
    }
    if (!complex_part_repr(re, 0, rb) || !complex_part_repr(im, '+', ib)) {
        return VAL_NULL;
    }
    return str_printf("(%s%sj)", rb, ib);
}

static Value complex_repr(Value v) {
    return complex_repr_parts(AS_COMPLEX(v)->re, AS_COMPLEX(v)->im);
}

// ---- complex()

// Length of a float-looking token at [s] (digits, points, underscores, an
// exponent, or inf/infinity/nan), without a sign; 0 if none.
static size_t float_token(const char *s, const char *end) {
    size_t left = (size_t)(end - s);
    if (left >= 8 && strncasecmp(s, "infinity", 8) == 0) {
        return 8;
    }
    if (left >= 3 && (strncasecmp(s, "inf", 3) == 0 || strncasecmp(s, "nan", 3) == 0)) {
        return 3;
    }
    const char *p = s;
    while (p < end && (isdigit((unsigned char)*p) || *p == '.' || *p == '_')) {
        p++;
    }
    if (p == s) {
        return 0;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (q < end && (*q == '+' || *q == '-')) {
            q++;
        }
        if (q < end && isdigit((unsigned char)*q)) {
            p = q;
            while (p < end && (isdigit((unsigned char)*p) || *p == '_')) {
                p++;
            }
        }
    }
    return (size_t)(p - s);
}

// A signed float at *p (sign optional); false if no valid number there.
static bool scan_part(const char **p, const char *end, double *out, bool *had_digits) {
    const char *s = *p;
    double sign = 1.0;
    if (s < end && (*s == '+' || *s == '-')) {
        sign = *s == '-' ? -1.0 : 1.0;
        s++;
    }
    size_t n = float_token(s, end);
    *had_digits = n > 0;
    if (n == 0) {
        *out = sign;
        *p = s;
        return true;
    }
    double d;
    if (!float_parse(s, n, &d)) {
        return false;
    }
    *out = sign * d;
    *p = s + n;
    return true;
}

// Underscores are only allowed between digits (CPython's
// _Py_string_to_number_with_underscores).
static bool underscores_ok(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '_' && (i == 0 || i + 1 == len || !isdigit((unsigned char)s[i - 1]) ||
                            !isdigit((unsigned char)s[i + 1]))) {
            return false;
        }
    }
    return true;
}

static bool parse_complex(const char *s, size_t len, Cx *out) {
    const char *p = s, *end = s + len;
    while (p < end && isspace((unsigned char)*p)) {
        p++;
    }
    while (end > p && isspace((unsigned char)end[-1])) {
        end--;
    }
    if (p < end && *p == '(') {
        if (end[-1] != ')' || end - p < 2) {
            return false;
        }
        p++;
        end--;
        while (p < end && isspace((unsigned char)*p)) {
            p++;
        }
        while (end > p && isspace((unsigned char)end[-1])) {
            end--;
        }
    }
    if (p == end) {
        return false;
    }
    double x, y;
    bool digits;
    if (!scan_part(&p, end, &x, &digits)) {
        return false;
    }
    if (!digits) {
        // "j", "+j", "-j"
        if (p + 1 == end && (*p == 'j' || *p == 'J')) {
            out->re = 0.0;
            out->im = x;
            return true;
        }
        return false;
    }
    if (p == end) {
        out->re = x;
        out->im = 0.0;
        return true;
    }
    if (*p == 'j' || *p == 'J') {
        if (p + 1 != end) {
            return false;
        }
        out->re = 0.0;
        out->im = x;
        return true;
    }
    if (*p != '+' && *p != '-') {
        return false;
    }
    if (!scan_part(&p, end, &y, &digits)) {
        return false;
    }
    if (p + 1 != end || (*p != 'j' && *p != 'J')) {
        return false;
    }
    out->re = x;
    out->im = y;
    return true;
}

// A complex() argument [v] as a Cx: complex, __complex__, or a real number.
static bool arg_as_cx(Value v, Cx *out, bool *is_cx, const char *which) {
    *is_cx = false;
    // a first argument's subclass __complex__ first, as CPython's (not the second's)
    if (complex_check(v) && (val_class(v) == cls_complex || which[0] == 's')) {
        *is_cx = true;
        out->re = AS_COMPLEX(v)->re;
        out->im = AS_COMPLEX(v)->im;
        return true;
    }
    ObjClass *cls = val_class(v);
    bool found = false;     // a descriptor is bound first (MagicMock's __complex__)
    Value r = (cls->flags & CLS_USER) ? call_method_opt(v, str_intern_c("__complex__"), 0, NULL, &found) : VAL_NULL;
    if (found) {
        if (!r) {
            return false;
        }
        if (!complex_check(r)) {
            exc_raise(exc_TypeError, "__complex__ returned non-complex (type %s)", val_type_name(r));
            return false;
        }
        *is_cx = true;
        out->re = AS_COMPLEX(r)->re;
        out->im = AS_COMPLEX(r)->im;
        return true;
    }
    if (complex_check(v)) {
        *is_cx = true;
        out->re = AS_COMPLEX(v)->re;
        out->im = AS_COMPLEX(v)->im;
        return true;
    }
    out->im = 0.0;
    if (IS_FLOATISH(v) || int_check(v)) {
        return val_to_double(v, &out->re);
    }
    if (cls->flags & CLS_USER) {
        Value f = call_method_opt(v, str_intern_c("__float__"), 0, NULL, &found);
        if (!found) {
            f = call_method_opt(v, str_intern_c("__index__"), 0, NULL, &found);
        }
        if (found) {
            return f && val_to_double(f, &out->re);
        }
    }
    if (strcmp(which, "first") == 0) {
        exc_raise(exc_TypeError, "complex() first argument must be a string or a number, not '%s'",
                  val_type_name(v));
    } else {
        exc_raise(exc_TypeError, "complex() second argument must be a number, not '%s'",
                  val_type_name(v));
    }
    return false;
}

// A complex of class [cls] (complex or a user subclass).
static Value make(ObjClass *cls, double re, double im) {
    if (cls == cls_complex) {
        return complex_new(re, im);
    }
    ObjComplex *c = (ObjComplex *)obj_alloc(cls, cls->inst_size);
    c->re = re;
    c->im = im;
    return OBJ_VAL(c);
}


// How much of [ascii] (str_to_ascii_number of [s], [n] chars) CPython's
// _PyUnicode_TransformDecimalAndSpaceToASCII keeps: it stops after the
// '?' standing for the first non-ASCII char that is no digit or space.
static size_t ascii_number_cut(ObjStr *s, const char *ascii, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < s->len && k < n; k++) {
        uint32_t c = utf8_decode(s->data, s->len, &i);
        if (c >= 128 && ascii[k] == '?') {
            return k + 1;
        }
    }
    return n;
}
static Value complex_new_slot(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    Value r = VAL_NULL, i = VAL_NULL;
    if (argc > 2) {
        return exc_raise(exc_TypeError, "complex() takes at most 2 arguments (%d given)", argc);
    }
    if (argc >= 1) {
        r = argv[0];
    }
    if (argc >= 2) {
        i = argv[1];
    }
    if (kw) {
        Value v = dict_get_str(kw, str_intern_c("real"));
        if (v) {
            if (r) {
                return exc_raise(exc_TypeError, "argument for complex() given by name ('real') and position (1)");
            }
            r = v;
        }
        v = dict_get_str(kw, str_intern_c("imag"));
        if (v) {
            if (i) {
                return exc_raise(exc_TypeError, "argument for complex() given by name ('imag') and position (2)");
            }
            i = v;
        }
        size_t known = (dict_get_str(kw, str_intern_c("real")) != VAL_NULL) +
                       (dict_get_str(kw, str_intern_c("imag")) != VAL_NULL);
        if (kw->used > known) {
            return exc_raise(exc_TypeError, "complex() got an unexpected keyword argument");
        }
    }
    Cx res = {0.0, 0.0};
    if (r && str_check(r)) {
        if (i) {
            return exc_raise(exc_TypeError, "complex() can't take second arg if first is a string");
        }
        ObjStr *s = AS_STR(r);
        size_t alen = s->len;
        char *ascii = str_to_ascii_number(s, &alen);
        const char *text = ascii ? ascii : s->data;
        size_t len = ascii ? ascii_number_cut(s, ascii, alen) : alen;
        if (memchr(text, '_', len) && !underscores_ok(text, len)) {
            if (ascii) {
                mem_free(ascii, alen + 1);
            }
            Value rr = obj_repr(r);
            return rr ? exc_raise(exc_ValueError, "could not convert string to complex: %s",
                                  AS_STR(rr)->data)
                      : VAL_NULL;
        }
        bool ok = parse_complex(text, len, &res);
        if (ascii) {
            mem_free(ascii, alen + 1);
        }
        if (!ok) {
            return exc_raise(exc_ValueError, "complex() arg is a malformed string");
        }
        return make(cls, res.re, res.im);
    }
    if (i && str_check(i)) {
        return exc_raise(exc_TypeError, "complex() second arg can't be a string");
    }
    if (r && !i && val_class(r) == cls_complex && cls == cls_complex) {
        return r;
    }
    Cx cr = {0.0, 0.0}, ci = {0.0, 0.0};
    bool r_cx = false, i_cx = false;
    if (r && !arg_as_cx(r, &cr, &r_cx, "first")) {
        return VAL_NULL;
    }
    if (i && !arg_as_cx(i, &ci, &i_cx, "second")) {
        return VAL_NULL;
    }
    // CPython: real part cr.real - ci.imag, imaginary part cr.imag + ci.real
    res.re = i_cx ? cr.re - ci.im : cr.re;
    res.im = !i ? cr.im : r_cx ? ci.re + cr.im : ci.re;
    return make(cls, res.re, res.im);
}

// ---- methods

static Value m_real(int argc, Value *argv, ObjDict *kw) {
    return float_new(AS_COMPLEX(argv[0])->re);
}

static Value m_imag(int argc, Value *argv, ObjDict *kw) {
    return float_new(AS_COMPLEX(argv[0])->im);
}

static Value m_conjugate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("conjugate", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return complex_new(AS_COMPLEX(argv[0])->re, -AS_COMPLEX(argv[0])->im);
}

static Value m_abs(int argc, Value *argv, ObjDict *kw) {
    ObjComplex *c = AS_COMPLEX(argv[0]);
    double r = hypot(c->re, c->im);
    if (isinf(r) && isfinite(c->re) && isfinite(c->im)) {
        return exc_raise(exc_OverflowError, "absolute value too large");
    }
    return float_new(r);
}

static Value m_complex(int argc, Value *argv, ObjDict *kw) {
    return complex_new(AS_COMPLEX(argv[0])->re, AS_COMPLEX(argv[0])->im);
}

static Value m_format(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__format__() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return format_value(argv[0], argv[1]);
}

static Value m_getnewargs(int argc, Value *argv, ObjDict *kw) {
    return tuple_pack(2, float_new(AS_COMPLEX(argv[0])->re), float_new(AS_COMPLEX(argv[0])->im));
}

bool complex_parts(Value v, double *re, double *im) {
    if (!complex_check(v)) {
        return false;
    }
    *re = AS_COMPLEX(v)->re;
    *im = AS_COMPLEX(v)->im;
    return true;
}

static const MethodDef complex_methods[] = {
    {"conjugate", m_conjugate},
    {"__abs__", m_abs},
    {"__complex__", m_complex},
    {"__format__", m_format},
    {"__getnewargs__", m_getnewargs},
    {NULL, NULL},
};

void complex_init(void) {
    cls_complex = class_new_builtin("complex", NULL, sizeof(ObjComplex), complex_methods);
    cls_complex->new_ = complex_new_slot;
    cls_complex->repr = complex_repr;
    cls_complex->hash = complex_hash;
    cls_complex->richcompare = complex_richcompare;
    cls_complex->binop = complex_binop;
    cls_complex->binop_ops = 1u << BIN_ADD | 1u << BIN_SUB | 1u << BIN_MUL | 1u << BIN_TRUEDIV | 1u << BIN_POW;
    cls_complex->unop = complex_unop;
    cls_complex->truthy = complex_truthy;
    static const char *const names[] = {"real", "imag"};
    for (int i = 0; i < 2; i++) {
        ObjProperty *p = (ObjProperty *)obj_alloc(cls_property, sizeof(ObjProperty));
        p->fget = native_new(names[i], i == 0 ? m_real : m_imag, cls_complex);
        ((ObjNative *)AS_OBJ(p->fget))->is_member = true;     // (CPython's are members: "readonly attribute")
        p->fset = VAL_NONE;
        p->fdel = VAL_NONE;
        p->doc = VAL_NONE;
        dict_set_str(cls_complex->dict, str_intern_c(names[i]), OBJ_VAL(p));
    }
}
