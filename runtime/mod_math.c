// mod_math.c: the `math` module: constants, the libm functions with
// CPython's error rules (ValueError "math domain error" for a NaN or
// infinite result from finite input where the function is undefined,
// OverflowError "math range error" for overflow), exact integer functions
// on GMP (factorial, gcd, lcm, isqrt, comb, perm), fsum (Shewchuk's exact
// partials, as CPython), prod and isclose. gamma and lgamma are CPython's
// own Lanczos approximation (not libm's), so their digits are the same.
#include <float.h>
#include <math.h>
#include "runtime.h"
#include "containers.h"
#include "module.h"

// Arity check of the one-argument math functions, in CPython's words.
static bool math_one(const char *name, int argc) {
    if (argc == 1) {
        return true;
    }
    exc_raise(exc_TypeError, "math.%s() takes exactly one argument (%d given)", name, argc);
    return false;
}

static Value domain_error(void) {
    return exc_raise(exc_ValueError, "math domain error");
}

static Value range_error(void) {
    return exc_raise(exc_OverflowError, "math range error");
}

// PyFloat_AsDouble: floats and ints, else __float__, else __index__
static bool arg_double(Value v, double *out) {
    if (IS_FLOATISH(v) || int_check(v) || !IS_OBJ(v)) {
        return val_to_double(v, out);
    }
    bool found;
    Value f = call_method_opt(v, str_intern_c("__float__"), 0, NULL, &found);
    if (found) {
        if (!f) {
            return false;
        }
        if (!IS_FLOATISH(f)) {
            exc_raise(exc_TypeError, "%s.__float__ returned non-float (type %s)", val_type_name(v), val_type_name(f));
            return false;
        }
        *out = AS_FLOAT(f);
        return true;
    }
    Value i = call_method_opt(v, str_intern_c("__index__"), 0, NULL, &found);
    if (found) {
        return i && val_to_double(i, out);
    }
    return val_to_double(v, out);
}

// ---- gamma, lgamma: CPython's Lanczos approximation (g = 6.0246..., 13
// terms, the coefficients Boost uses), with the reflection formula for
// negative arguments and exact values for small integers.

#define LANCZOS_N 13
static const double lanczos_g = 6.024680040776729583740234375;
static const double lanczos_g_minus_half = 5.524680040776729583740234375;
static const double lanczos_num[LANCZOS_N] = {
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
};
// x*(x+1)*...*(x+LANCZOS_N-2)'s coefficients
static const double lanczos_den[LANCZOS_N] = {
    0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0,
    13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0,
};
#define NGAMMA_INTEGRAL 23
static const double gamma_integral[NGAMMA_INTEGRAL] = {
    1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0,
    3628800.0, 39916800.0, 479001600.0, 6227020800.0, 87178291200.0,
    1307674368000.0, 20922789888000.0, 355687428096000.0,
    6402373705728000.0, 121645100408832000.0, 2432902008176640000.0,
    51090942171709440000.0, 1124000727777607680000.0,
};
static const double m_pi = 3.141592653589793238462643383279502884197;
static const double m_logpi = 1.144729885849400174143427351353058711647;

// The Lanczos sum L_g(x) for x > 0 (as a rational function of 1/x for
// large x, where the direct one would overflow).
static double lanczos_sum(double x) {
    double num = 0.0, den = 0.0;
    if (x < 5.0) {
        for (int i = LANCZOS_N; --i >= 0;) {
            num = num * x + lanczos_num[i];
            den = den * x + lanczos_den[i];
        }
    } else {
        for (int i = 0; i < LANCZOS_N; i++) {
            num = num / x + lanczos_num[i];
            den = den / x + lanczos_den[i];
        }
    }
    return num / den;
}

// sin(pi*x) for finite x, exact at the integers and half-integers.
static double sinpi(double x) {
    double y = fmod(fabs(x), 2.0), r;
    switch ((int)round(2.0 * y)) {
    case 0: r = sin(m_pi * y); break;
    case 1: r = cos(m_pi * (y - 0.5)); break;
    case 2: r = sin(m_pi * (1.0 - y)); break;      // (not -sin(pi*(y-1)): +0.0 at y == 1)
    case 3: r = -cos(m_pi * (y - 1.5)); break;
    default: r = sin(m_pi * (y - 2.0)); break;
    }
    return copysign(1.0, x) * r;
}

// Gamma(x): NaN for the domain errors (negative integers, -inf), +-inf at
// +-0 and on overflow (apply1 tells them apart).
static double lanczos_gamma(double x) {
    if (!isfinite(x)) {
        return isnan(x) || x > 0.0 ? x : NAN;
    }
    if (x == 0.0) {
        return copysign(INFINITY, x);
    }
    if (x == floor(x)) {
        if (x < 0.0) {
            return NAN;
        }
        if (x <= NGAMMA_INTEGRAL) {
            return gamma_integral[(int)x - 1];
        }
    }
    double absx = fabs(x);
    if (absx < 1e-20) {
        return 1.0 / x;
    }
    if (absx > 200.0) {
        return x < 0.0 ? 0.0 / sinpi(x) : INFINITY;
    }
    double y = absx + lanczos_g_minus_half, z;
    // the rounding error of y, for the correction r += z*r (see CPython's mathmodule.c)
    if (absx > lanczos_g_minus_half) {
        volatile double q = y - absx;
        z = q - lanczos_g_minus_half;
    } else {
        volatile double q = y - lanczos_g_minus_half;
        z = q - absx;
    }
    z = z * lanczos_g / y;
    double r;
    if (x < 0.0) {
        r = -m_pi / sinpi(absx) / absx * exp(y) / lanczos_sum(absx);
        r -= z * r;
        if (absx < 140.0) {
            r /= pow(y, absx - 0.5);
        } else {
            double sqrtpow = pow(y, absx / 2.0 - 0.25);
            r /= sqrtpow;
            r /= sqrtpow;
        }
    } else {
        r = lanczos_sum(absx) / exp(y);
        r += z * r;
        if (absx < 140.0) {
            r *= pow(y, absx - 0.5);
        } else {
            double sqrtpow = pow(y, absx / 2.0 - 0.25);
            r *= sqrtpow;
            r *= sqrtpow;
        }
    }
    return r;
}

// log|Gamma(x)|: +inf at the poles (the non-positive integers).
static double lanczos_lgamma(double x) {
    if (!isfinite(x)) {
        return isnan(x) ? x : INFINITY;
    }
    if (x == floor(x) && x <= 2.0) {
        return x <= 0.0 ? INFINITY : 0.0;
    }
    double absx = fabs(x);
    if (absx < 1e-20) {
        return -log(absx);
    }
    double r = log(lanczos_sum(absx)) - lanczos_g;
    r += (absx - 0.5) * (log(absx + lanczos_g - 0.5) - 1);
    if (x < 0.0) {
        r = m_logpi - log(fabs(sinpi(absx))) - log(absx) - r;     // the reflection formula
    }
    return r;
}

// One-argument float functions; [inf_domain]: an infinite result from a
// finite argument is a domain error (log) rather than an overflow (exp).
typedef struct Fn1 {
    const char *name;
    double (*f)(double);
    bool inf_domain;
} Fn1;

static const Fn1 fn1_table[] = {
    {"sqrt", sqrt, false}, {"exp", exp, false}, {"exp2", exp2, false},
    {"expm1", expm1, false}, {"log2", log2, true}, {"log10", log10, true},
    {"log1p", log1p, true}, {"sin", sin, false}, {"cos", cos, false},
    {"tan", tan, false}, {"asin", asin, false}, {"acos", acos, false},
    {"atan", atan, false}, {"sinh", sinh, false}, {"cosh", cosh, false},
    {"tanh", tanh, false}, {"asinh", asinh, false}, {"acosh", acosh, false},
    {"atanh", atanh, true}, {"fabs", fabs, false}, {"cbrt", cbrt, false},
    {"erf", erf, false}, {"erfc", erfc, false}, {"gamma", lanczos_gamma, true},
    {"lgamma", lanczos_lgamma, true},
};

static Value apply1(int idx, int argc, Value *argv) {
    const Fn1 *fn = &fn1_table[idx];
    if (!math_one(fn->name, argc)) {
        return VAL_NULL;
    }
    double x;
    if (!arg_double(argv[0], &x)) {
        return VAL_NULL;
    }
    double r = fn->f(x);
    if (isnan(r) && !isnan(x)) {
        return domain_error();
    }
    if (isinf(r) && isfinite(x)) {
        // (gamma/lgamma: only their poles, the non-positive integers, are
        // domain errors; a large argument overflows, as CPython's)
        bool pole = (fn->f == lanczos_gamma || fn->f == lanczos_lgamma) ? x <= 0 && x == floor(x) : fn->inf_domain;
        return pole ? domain_error() : range_error();
    }
    return float_new(r);
}

#define FN1(i, cname) \
    static Value m_##cname(int argc, Value *argv, ObjDict *kw) { return apply1(i, argc, argv); }
FN1(0, sqrt) FN1(1, exp) FN1(2, exp2) FN1(3, expm1) FN1(6, log1p)
FN1(7, sin) FN1(8, cos) FN1(9, tan) FN1(10, asin) FN1(11, acos) FN1(12, atan) FN1(13, sinh)
FN1(14, cosh) FN1(15, tanh) FN1(16, asinh) FN1(17, acosh) FN1(18, atanh) FN1(19, fabs)
FN1(20, cbrt) FN1(21, erf) FN1(22, erfc) FN1(23, gamma) FN1(24, lgamma)

// [f] (log, log2 or log10) of an int or float, CPython's loghelper: an int
// too large for a float goes through its mantissa and exponent, f(m) + e * f(2).
static bool log_of(Value v, double (*f)(double), double *out) {
    double x;
    if (IS_BIGINT(v)) {
        bool overflow = false;
        x = int_to_double(v, &overflow);
        if (overflow) {
            mpz_t z;
            mpz_init(z);
            int_get_mpz(v, z);
            if (mpz_sgn(z) <= 0) {
                mpz_clear(z);
                domain_error();
                return false;
            }
            long e;
            double m = mpz_get_d_2exp(&e, z);
            mpz_clear(z);
            *out = f(m) + (double)e * f(2.0);
            return true;
        }
    } else if (!arg_double(v, &x)) {
        return false;
    }
    if (x <= 0 || isnan(x)) {
        if (isnan(x)) {
            *out = x;
            return true;
        }
        domain_error();
        return false;
    }
    *out = f(x);
    if (isinf(*out) && isfinite(x)) {
        range_error();
        return false;
    }
    return true;
}

static Value log_fn(const char *name, double (*f)(double), int argc, Value *argv) {
    double x;
    if (!math_one(name, argc) || !log_of(argv[0], f, &x)) {
        return VAL_NULL;
    }
    return float_new(x);
}

static Value m_log2(int argc, Value *argv, ObjDict *kw) {
    return log_fn("log2", log2, argc, argv);
}

static Value m_log10(int argc, Value *argv, ObjDict *kw) {
    return log_fn("log10", log10, argc, argv);
}

static Value m_log(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("log", argc, 1, 2)) {
        return VAL_NULL;
    }
    double x, b;
    if (!log_of(argv[0], log, &x)) {
        return VAL_NULL;
    }
    if (argc == 2) {
        if (!log_of(argv[1], log, &b)) {
            return VAL_NULL;
        }
        if (b == 0) {
            return exc_raise(exc_ZeroDivisionError, "float division by zero");
        }
        x /= b;
    }
    return float_new(x);
}

// floor/ceil/trunc: ints unchanged, floats to int, else __floor__ ...
static Value rounding(int argc, Value *argv, const char *name, double (*f)(double)) {
    if (!math_one(name, argc)) {
        return VAL_NULL;
    }
    Value v = argv[0];
    if (IS_INT(v)) {
        return v;
    }
    if (v == VAL_TRUE || v == VAL_FALSE) {
        return MK_SMALL(v == VAL_TRUE);
    }
    if (IS_FLOAT(v)) {
        return int_from_double(f(AS_FLOAT(v)));
    }
    char dunder[16];
    snprintf(dunder, sizeof dunder, "__%s__", name);
    bool found = false;     // a descriptor (MagicMock's) is bound first
    Value r = IS_OBJ(v) ? call_method_opt(v, str_intern_c(dunder), 0, NULL, &found) : VAL_NULL;
    if (found) {
        return r;
    }
    if (f == trunc) {   // CPython's trunc has no float fallback
        return exc_raise(exc_TypeError, "type %s doesn't define __trunc__ method", val_type_name(v));
    }
    double d;
    if (!arg_double(v, &d)) {
        return VAL_NULL;
    }
    return int_from_double(f(d));
}

static Value m_floor(int argc, Value *argv, ObjDict *kw) {
    return rounding(argc, argv, "floor", floor);
}

static Value m_ceil(int argc, Value *argv, ObjDict *kw) {
    return rounding(argc, argv, "ceil", ceil);
}

static Value m_trunc(int argc, Value *argv, ObjDict *kw) {
    return rounding(argc, argv, "trunc", trunc);
}

// Two-argument float functions.
static Value apply2(int argc, Value *argv, const char *name, double (*f)(double, double),
                    double *x, double *y) {
    if (!arg_count(name, argc, 2, 2) || !arg_double(argv[0], x) || !arg_double(argv[1], y)) {
        return VAL_NULL;
    }
    double r = f(*x, *y);
    return float_new(r);
}

static Value m_atan2(int argc, Value *argv, ObjDict *kw) {
    double x, y;
    return apply2(argc, argv, "atan2", atan2, &x, &y);
}

static Value m_copysign(int argc, Value *argv, ObjDict *kw) {
    double x, y;
    return apply2(argc, argv, "copysign", copysign, &x, &y);
}

static Value m_fmod(int argc, Value *argv, ObjDict *kw) {
    double x, y;
    if (!arg_count("fmod", argc, 2, 2) || !arg_double(argv[0], &x) || !arg_double(argv[1], &y)) {
        return VAL_NULL;
    }
    if (y == 0 || isinf(x)) {
        if (isnan(x) || isnan(y)) {
            return float_new(NAN);
        }
        return domain_error();
    }
    return float_new(fmod(x, y));
}

// math.remainder(x, y): IEEE 754 remainder, x - n*y with n the integer nearest
// x/y (ties to even), with CPython's domain errors (y == 0, x infinite).
static Value m_remainder(int argc, Value *argv, ObjDict *kw) {
    double x, y;
    if (!arg_count("remainder", argc, 2, 2) || !arg_double(argv[0], &x) || !arg_double(argv[1], &y)) {
        return VAL_NULL;
    }
    if (isnan(x) || isnan(y)) {
        return float_new(isnan(x) ? x : y);
    }
    if (isinf(x) || y == 0) {
        return domain_error();
    }
    if (isinf(y)) {
        return float_new(x);
    }
    return float_new(remainder(x, y));
}

// math.nextafter(x, y): the next float after x towards y.
static Value m_nextafter(int argc, Value *argv, ObjDict *kw) {
    double x, y;
    if (!arg_count("nextafter", argc, 2, 2) || !arg_double(argv[0], &x) || !arg_double(argv[1], &y)) {
        return VAL_NULL;
    }
    return float_new(nextafter(x, y));
}

// math.ulp(x): the value of the least significant bit of x, as CPython computes it.
static Value m_ulp(int argc, Value *argv, ObjDict *kw) {
    double x;
    if (!arg_count("ulp", argc, 1, 1) || !arg_double(argv[0], &x)) {
        return VAL_NULL;
    }
    if (isnan(x)) {
        return float_new(x);
    }
    x = fabs(x);
    if (isinf(x)) {
        return float_new(x);
    }
    double x2 = nextafter(x, INFINITY);
    if (isinf(x2)) {
        x2 = nextafter(x, -INFINITY);
        return float_new(x - x2);
    }
    return float_new(x2 - x);
}

static Value m_pow(int argc, Value *argv, ObjDict *kw) {
    double x, y;
    if (!arg_count("pow", argc, 2, 2) || !arg_double(argv[0], &x) || !arg_double(argv[1], &y)) {
        return VAL_NULL;
    }
    if (x == 0 && y < 0 && isfinite(y)) {   // pow(0.0, -inf) is inf, as CPython's
        return domain_error();
    }
    double r = pow(x, y);
    if (isnan(r) && !isnan(x) && !isnan(y)) {
        return domain_error();
    }
    if (isinf(r) && isfinite(x) && isfinite(y)) {
        return range_error();
    }
    return float_new(r);
}

// The Euclidean norm of vec[0..n-1] (absolute values, max the largest),
// CPython 3.11's vector_norm: the squares are summed in extended precision
// (a lossless scaling by a power of two, each square split exactly into a
// high and a low part with fma, compensated sums), then one differential
// correction of the square root, so that hypot and dist give CPython's
// correctly rounded results to the last bit.
static double vector_norm(size_t n, double *vec, double max, bool found_nan) {
    if (isinf(max)) {
        return max;
    }
    if (found_nan) {
        return NAN;
    }
    if (max == 0.0 || n <= 1) {
        return max;
    }
    int max_e;
    frexp(max, &max_e);
    if (max_e < -1023) {      // ldexp(1.0, -max_e) would overflow: subnormals to normals first
        for (size_t i = 0; i < n; i++) {
            vec[i] /= DBL_MIN;
        }
        return DBL_MIN * vector_norm(n, vec, max / DBL_MIN, found_nan);
    }
    double scale = ldexp(1.0, -max_e);
    double csum = 1.0, frac1 = 0.0, frac2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = vec[i] * scale;             // lossless scaling, |x| < 1
        double hi = x * x, lo = fma(x, x, -hi); // lossless squaring
        double sum = csum + hi;                 // lossless addition (csum >= hi)
        frac2 += (csum - sum) + hi;
        csum = sum;
        frac1 += lo;
    }
    double h = sqrt(csum - 1.0 + (frac1 + frac2));
    double hi = -h * h, lo = fma(-h, h, -hi);
    double sum = csum + hi;
    frac2 += (csum - sum) + hi;
    csum = sum;
    frac1 += lo;
    double x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);                         // differential correction
    return h / scale;
}

static Value m_hypot(int argc, Value *argv, ObjDict *kw) {
    double stack[16];
    double *vec = argc <= 16 ? stack : mem_try_alloc(sizeof(double) * (size_t)argc);
    if (!vec) {
        return VAL_NULL;
    }
    double max = 0.0;
    bool nan = false;
    for (int i = 0; i < argc; i++) {
        double x;
        if (!arg_double(argv[i], &x)) {
            if (vec != stack) {
                mem_free(vec, sizeof(double) * (size_t)argc);
            }
            return VAL_NULL;
        }
        x = fabs(x);
        vec[i] = x;
        nan |= isnan(x);
        if (x > max) {
            max = x;
        }
    }
    double r = vector_norm((size_t)argc, vec, max, nan);
    if (vec != stack) {
        mem_free(vec, sizeof(double) * (size_t)argc);
    }
    return float_new(r);
}

static Value m_degrees(int argc, Value *argv, ObjDict *kw) {
    double x;
    if (!math_one("degrees", argc) || !arg_double(argv[0], &x)) {
        return VAL_NULL;
    }
    return float_new(x * (180.0 / M_PI));
}

static Value m_radians(int argc, Value *argv, ObjDict *kw) {
    double x;
    if (!math_one("radians", argc) || !arg_double(argv[0], &x)) {
        return VAL_NULL;
    }
    return float_new(x * (M_PI / 180.0));
}

static Value float_pred(int argc, Value *argv, const char *name, int which) {
    double x;
    if (!math_one(name, argc) || !arg_double(argv[0], &x)) {
        return VAL_NULL;
    }
    return VAL_BOOL(which == 0 ? isfinite(x) : which == 1 ? isinf(x) : isnan(x));
}

static Value m_isfinite(int argc, Value *argv, ObjDict *kw) {
    return float_pred(argc, argv, "isfinite", 0);
}

static Value m_isinf(int argc, Value *argv, ObjDict *kw) {
    return float_pred(argc, argv, "isinf", 1);
}

static Value m_isnan(int argc, Value *argv, ObjDict *kw) {
    return float_pred(argc, argv, "isnan", 2);
}

static Value m_isclose(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"rel_tol", "abs_tol", NULL};
    double a, b, rel = 1e-9, abs_ = 0.0;
    if (!kw_only("isclose", kw, allowed) || !arg_count("isclose", argc, 2, 2) ||
        !arg_double(argv[0], &a) || !arg_double(argv[1], &b)) {
        return VAL_NULL;
    }
    Value r = kw_get(kw, "rel_tol"), t = kw_get(kw, "abs_tol");
    if ((r && !arg_double(r, &rel)) || (t && !arg_double(t, &abs_))) {
        return VAL_NULL;
    }
    if (rel < 0 || abs_ < 0) {
        return exc_raise(exc_ValueError, "tolerances must be non-negative");
    }
    if (a == b) {
        return VAL_TRUE;
    }
    if (isinf(a) || isinf(b)) {
        return VAL_FALSE;
    }
    double diff = fabs(b - a);
    return VAL_BOOL((diff <= fabs(rel * b)) || (diff <= fabs(rel * a)) || (diff <= abs_));
}

static Value m_modf(int argc, Value *argv, ObjDict *kw) {
    double x, ip;
    if (!math_one("modf", argc) || !arg_double(argv[0], &x)) {
        return VAL_NULL;
    }
    double fp = modf(x, &ip);
    return tuple_pack(2, float_new(fp), float_new(ip));
}

static Value m_frexp(int argc, Value *argv, ObjDict *kw) {
    double x;
    int e;
    if (!math_one("frexp", argc) || !arg_double(argv[0], &x)) {
        return VAL_NULL;
    }
    double m = frexp(x, &e);
    return tuple_pack(2, float_new(m), MK_SMALL(e));
}

static Value m_ldexp(int argc, Value *argv, ObjDict *kw) {
    double x;
    int64_t e;
    if (!arg_count("ldexp", argc, 2, 2) || !arg_double(argv[0], &x) ||
        !index_bound_value(argv[1], &e)) {
        return VAL_NULL;
    }
    double r = ldexp(x, e > 100000 ? 100000 : e < -100000 ? -100000 : (int)e);
    if (isinf(r) && isfinite(x)) {
        return range_error();
    }
    return float_new(r);
}

// fsum: Shewchuk's algorithm with CPython's final rounding correction.
static Value m_fsum(int argc, Value *argv, ObjDict *kw) {
    if (!math_one("fsum", argc)) {
        return VAL_NULL;
    }
    Value it = obj_iter(argv[0]);
    if (!it) {
        return VAL_NULL;
    }
    gc_push_root(it);
    size_t n = 0, cap = 32;
    double *p = mem_alloc(cap * sizeof(double));
    double special = 0, inf_sum = 0;
    Value v;
    int r;
    while ((r = obj_next(it, &v)) == 1) {
        double x;
        if (!arg_double(v, &x)) {
            r = -1;
            break;
        }
        if (!isfinite(x)) {
            if (isinf(x)) {
                inf_sum += x;
            }
            special += x;
            continue;
        }
        size_t i = 0;
        for (size_t j = 0; j < n; j++) {
            double y = p[j];
            if (fabs(x) < fabs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y, lo = y - (hi - x);
            if (lo != 0.0) {
                p[i++] = lo;
            }
            x = hi;
        }
        if (i >= cap) {
            p = mem_realloc(p, cap * sizeof(double), cap * 2 * sizeof(double));
            cap *= 2;
        }
        n = i;
        p[n++] = x;
    }
    gc_pop_root(1);
    Value res = VAL_NULL;
    if (r == 0) {
        if (special != 0.0) {
            if (isnan(inf_sum)) {
                res = exc_raise(exc_ValueError, "-inf + inf in fsum");
            } else {
                res = float_new(special);
            }
        } else {
            double hi = 0.0;
            if (n > 0) {
                hi = p[--n];
                double lo = 0;
                while (n > 0) {
                    double x = hi, y = p[--n];
                    hi = x + y;
                    double yr = hi - x;
                    lo = y - yr;
                    if (lo != 0.0) {
                        break;
                    }
                }
                if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
                    double y = lo * 2.0, x = hi + y, yr = x - hi;
                    if (y == yr) {
                        hi = x;
                    }
                }
            }
            res = float_new(hi);
        }
    }
    mem_free(p, cap * sizeof(double));
    return res;
}

static Value m_prod(int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"start", NULL};
    if (!kw_only("prod", kw, allowed) || !arg_count("prod", argc, 1, 1)) {
        return VAL_NULL;
    }
    Value start = kw_get(kw, "start");
    Value acc = tuple_pack(2, start ? start : MK_SMALL(1), VAL_NONE);
    gc_push_root(acc);
    Value it = obj_iter(argv[0]);
    if (!it) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    AS_TUPLE(acc)->items[1] = it;
    Value v;
    int r;
    while ((r = obj_next(it, &v)) == 1) {
        gc_push_root(v);
        Value m = obj_binop(AS_TUPLE(acc)->items[0], v, BIN_MUL);
        gc_pop_root(1);
        if (!m) {
            r = -1;
            break;
        }
        AS_TUPLE(acc)->items[0] = m;
    }
    gc_pop_root(1);
    return r < 0 ? VAL_NULL : AS_TUPLE(acc)->items[0];
}

// ---- exact integer functions

// Reads the int argument [v] into the initialized [z]; false + TypeError.
static bool get_int(Value v, mpz_t z) {
    if (v == VAL_TRUE || v == VAL_FALSE) {
        mpz_set_si(z, v == VAL_TRUE);
        return true;
    }
    if (!int_check(v)) {
        int64_t i;
        if (IS_FLOAT(v) || !index_value(v, NULL, &i)) {
            if (IS_FLOAT(v)) {
                exc_raise(exc_TypeError, "'float' object cannot be interpreted as an integer");
            }
            return false;
        }
        mpz_set_si(z, (long)i);
        return true;
    }
    int_get_mpz(v, z);
    return true;
}

static Value m_factorial(int argc, Value *argv, ObjDict *kw) {
    if (!math_one("factorial", argc)) {
        return VAL_NULL;
    }
    mpz_t z;
    mpz_init(z);
    if (!get_int(argv[0], z)) {
        mpz_clear(z);
        return VAL_NULL;
    }
    if (mpz_sgn(z) < 0) {
        mpz_clear(z);
        return exc_raise(exc_ValueError, "factorial() not defined for negative values");
    }
    if (mpz_cmp_ui(z, INT64_MAX) > 0) {
        mpz_clear(z);
        return exc_raise(exc_OverflowError, "factorial() argument should not exceed %lld",
                         (long long)INT64_MAX);
    }
    // n! has about n * log2(n / e) bits (Stirling)
    unsigned long n = mpz_get_ui(z);
    mpz_clear(z);
    if (n > 2 && !int_bits_ok((double)n * log2((double)n / M_E) + 64)) {
        return VAL_NULL;
    }
    mpz_t f;
    mpz_init(f);
    GmpCall c = {GMP_FAC_UI, f, NULL, NULL, n};
    Value r = int_gmp_guarded(&c) ? int_from_mpz(f) : VAL_NULL;
    mpz_clear(f);
    return r;
}

static Value gcd_lcm(int argc, Value *argv, bool lcm) {
    mpz_t acc, z;
    mpz_init_set_ui(acc, lcm ? 1 : 0);
    mpz_init(z);
    for (int i = 0; i < argc; i++) {
        if (!get_int(argv[i], z)) {
            mpz_clear(acc);
            mpz_clear(z);
            return VAL_NULL;
        }
        if (lcm) {
            mpz_lcm(acc, acc, z);
        } else {
            mpz_gcd(acc, acc, z);
        }
    }
    Value r = int_from_mpz(acc);
    mpz_clear(acc);
    mpz_clear(z);
    return r;
}

static Value m_gcd(int argc, Value *argv, ObjDict *kw) {
    return gcd_lcm(argc, argv, false);
}

static Value m_lcm(int argc, Value *argv, ObjDict *kw) {
    return gcd_lcm(argc, argv, true);
}

static Value m_isqrt(int argc, Value *argv, ObjDict *kw) {
    if (!math_one("isqrt", argc)) {
        return VAL_NULL;
    }
    mpz_t z;
    mpz_init(z);
    if (!get_int(argv[0], z)) {
        mpz_clear(z);
        return VAL_NULL;
    }
    if (mpz_sgn(z) < 0) {
        mpz_clear(z);
        return exc_raise(exc_ValueError, "isqrt() argument must be nonnegative");
    }
    mpz_sqrt(z, z);
    Value r = int_from_mpz(z);
    mpz_clear(z);
    return r;
}

// comb (perm = false) and perm.
static Value comb_perm(int argc, Value *argv, bool perm) {
    const char *name = perm ? "perm" : "comb";
    if (!arg_count(name, argc, perm ? 1 : 2, 2)) {
        return VAL_NULL;
    }
    mpz_t n, k;
    mpz_init(n);
    mpz_init(k);
    Value r = VAL_NULL;
    if (!get_int(argv[0], n)) {
        goto done;
    }
    if (argc == 1 || IS_NONE(argv[1])) {
        mpz_set(k, n);
    } else if (!get_int(argv[1], k)) {
        goto done;
    }
    if (mpz_sgn(n) < 0) {   // perm(n) is factorial(n) in CPython, with its message
        r = exc_raise(exc_ValueError, perm && (argc == 1 || IS_NONE(argv[1]))
                                          ? "factorial() not defined for negative values"
                                          : "n must be a non-negative integer");
        goto done;
    }
    if (mpz_sgn(k) < 0) {
        r = exc_raise(exc_ValueError, "k must be a non-negative integer");
        goto done;
    }
    if (mpz_cmp(k, n) > 0) {
        r = MK_SMALL(0);
        goto done;
    }
    if (!perm) {
        mpz_t nk;       // comb(n, k) == comb(n, n - k): the smaller one
        mpz_init(nk);
        mpz_sub(nk, n, k);
        if (mpz_cmp(nk, k) < 0) {
            mpz_set(k, nk);
        }
        mpz_clear(nk);
    }
    if (mpz_cmp_ui(k, INT64_MAX) > 0) {
        r = exc_raise(exc_OverflowError, perm ? "k must not exceed %lld"
                                              : "min(n - k, k) must not exceed %lld",
                      (long long)INT64_MAX);
        goto done;
    }
    {
        // perm is below n**k, comb below that too
        long e2;
        double m = mpz_get_d_2exp(&e2, n);
        if (!int_bits_ok(mpz_get_d(k) * ((double)e2 + log2(m > 0 ? m : 1)))) {
            goto done;
        }
    }
    if (perm) {
        unsigned long kk = mpz_get_ui(k);
        mpz_t acc;
        mpz_init_set_ui(acc, 1);
        for (unsigned long i = 0; i < kk; i++) {
            mpz_mul(acc, acc, n);
            mpz_sub_ui(n, n, 1);
        }
        r = int_from_mpz(acc);
        mpz_clear(acc);
    } else {
        mpz_t b;
        mpz_init(b);
        GmpCall c = {GMP_BIN_UI, b, n, NULL, mpz_get_ui(k)};
        r = int_gmp_guarded(&c) ? int_from_mpz(b) : VAL_NULL;
        mpz_clear(b);
    }
done:
    mpz_clear(n);
    mpz_clear(k);
    return r;
}

static Value m_comb(int argc, Value *argv, ObjDict *kw) {
    return comb_perm(argc, argv, false);
}

static Value m_perm(int argc, Value *argv, ObjDict *kw) {
    return comb_perm(argc, argv, true);
}

static Value m_dist(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("dist", argc, 2, 2)) {
        return VAL_NULL;
    }
    Value a = seq_to_tuple(argv[0]);
    if (!a) {
        return VAL_NULL;
    }
    gc_push_root(a);
    Value b = seq_to_tuple(argv[1]);
    gc_pop_root(1);
    if (!b) {
        return VAL_NULL;
    }
    if (AS_TUPLE(a)->len != AS_TUPLE(b)->len) {
        return exc_raise(exc_ValueError, "both points must have the same number of dimensions");
    }
    size_t n = AS_TUPLE(a)->len;
    gc_push_root(a);
    gc_push_root(b);        // arg_double may run a __float__
    double stack[16];
    double *vec = n <= 16 ? stack : mem_try_alloc(sizeof(double) * n);
    if (!vec) {
        gc_pop_root(2);
        return VAL_NULL;
    }
    double max = 0.0;
    bool nan = false;
    for (size_t i = 0; i < n; i++) {
        double x, y;
        if (!arg_double(AS_TUPLE(a)->items[i], &x) || !arg_double(AS_TUPLE(b)->items[i], &y)) {
            if (vec != stack) {
                mem_free(vec, sizeof(double) * n);
            }
            gc_pop_root(2);
            return VAL_NULL;
        }
        x = fabs(x - y);
        vec[i] = x;
        nan |= isnan(x);
        if (x > max) {
            max = x;
        }
    }
    gc_pop_root(2);
    double r = vector_norm(n, vec, max, nan);
    if (vec != stack) {
        mem_free(vec, sizeof(double) * n);
    }
    return float_new(r);
}

static const MethodDef math_functions[] = {
    {"sqrt", m_sqrt}, {"exp", m_exp}, {"exp2", m_exp2}, {"expm1", m_expm1},
    {"log", m_log}, {"log2", m_log2}, {"log10", m_log10}, {"log1p", m_log1p},
    {"sin", m_sin}, {"cos", m_cos}, {"tan", m_tan}, {"asin", m_asin},
    {"acos", m_acos}, {"atan", m_atan}, {"sinh", m_sinh}, {"cosh", m_cosh},
    {"tanh", m_tanh}, {"asinh", m_asinh}, {"acosh", m_acosh}, {"atanh", m_atanh},
    {"fabs", m_fabs}, {"cbrt", m_cbrt}, {"erf", m_erf}, {"erfc", m_erfc},
    {"gamma", m_gamma}, {"lgamma", m_lgamma}, {"floor", m_floor}, {"ceil", m_ceil},
    {"trunc", m_trunc}, {"atan2", m_atan2}, {"copysign", m_copysign}, {"fmod", m_fmod},
    {"remainder", m_remainder}, {"nextafter", m_nextafter}, {"ulp", m_ulp},
    {"pow", m_pow}, {"hypot", m_hypot}, {"degrees", m_degrees}, {"radians", m_radians},
    {"isfinite", m_isfinite}, {"isinf", m_isinf}, {"isnan", m_isnan},
    {"isclose", m_isclose, true}, {"modf", m_modf}, {"frexp", m_frexp}, {"ldexp", m_ldexp},
    {"fsum", m_fsum}, {"prod", m_prod, true}, {"factorial", m_factorial}, {"gcd", m_gcd},
    {"lcm", m_lcm}, {"isqrt", m_isqrt}, {"comb", m_comb}, {"perm", m_perm},
    {"dist", m_dist},
    {NULL, NULL},
};

// Creates the math module.
Value mod_math_init(void) {
    Value m = module_new("math");
    ObjDict *d = ((ObjModule *)AS_OBJ(m))->dict;
    native_add_functions(d, "math", math_functions);
    dict_set_str(d, str_intern_c("pi"), float_new(M_PI));
    dict_set_str(d, str_intern_c("e"), float_new(M_E));
    dict_set_str(d, str_intern_c("tau"), float_new(2 * M_PI));
    dict_set_str(d, str_intern_c("inf"), float_new(INFINITY));
    dict_set_str(d, str_intern_c("nan"), float_new(NAN));
    return m;
}
