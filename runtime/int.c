// int.c: the int and bool classes. Ints are small (tagged, 62 bits) when
// they fit and ObjInt (a GMP mpz) otherwise; every result is normalized so a
// value that fits FITS_SMALL is always small. Arithmetic follows Python:
// floor division and modulo take the sign of the divisor, `**` with a
// negative exponent gives a float, overflow promotes to big ints, and any
// operation with a float operand is delegated to float_binop. bool is a
// subclass of int whose two instances (True/False, made by the bootstrap)
// behave as 1 and 0, except that & | ^ between bools give bools.
// GMP allocates through mem.c so big ints count toward GC pressure.
//
// Huge results are a MemoryError, never GMP's "overflow in mpz type" abort:
// every operation that can grow an int (*, **, <<, factorial, comb, perm)
// first bounds its result's size (int_bits_ok), as CPython does; that is
// the main mechanism. The backstop: GMP's allocation functions are ours,
// and inside gmp_guarded a failed allocation longjmps back out of GMP (the
// aborted call's temporaries leak, and its output mpz is abandoned, not
// freed: GMP may have left it inconsistent).
#include <pthread.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "numstr.h"
#include "containers.h"
#include "runtime.h"
#include "bytes.h"
#include "class.h"
#include "containers.h"


#define HASH_MODULUS (((uint64_t)1 << 61) - 1)

// ---- size limits and GMP's allocation

// CPython's largest int has (PY_SSIZE_T_MAX - 24) / 4 digits of 30 bits;
// a shift past it is an OverflowError there, not a MemoryError.
#define CPY_MAX_DIGITS ((uint64_t)(INT64_MAX - 24) / 4)

bool int_bits_ok(double bits) {
    double gmp_max = (double)(INT_MAX - 64) * GMP_NUMB_BITS;   // mpz's int limb count
    // (mem_limit asks the kernel for the machine's memory: only for big sizes)
    if (!(bits <= gmp_max) ||
        ((bits > 8.0 * (1 << 28) || ST->heap_cap) && bits / 8 > (double)mem_limit())) {
        exc_raise_nomem();
        return false;
    }
    return true;
}

// The guarded call gmp_guarded runs, if any: where a failed allocation jumps.

// GMP's allocation functions are process-wide: set once, they serve the
// calling thread's current state, or plain malloc in a thread without one
// (a host's own GMP work).
static void *gmp_alloc(size_t size) {
    if (!ST) {
        return malloc(size);
    }
    if (!ST->gmp_jmp) {
        return mem_alloc(size);
    }
    void *p = mem_try_alloc(size);
    if (!p) {
        longjmp(*ST->gmp_jmp, 1);
    }
    return p;
}

static void *gmp_realloc(void *p, size_t old, size_t size) {
    if (!ST) {
        return realloc(p, size);
    }
    if (!ST->gmp_jmp) {
        return mem_realloc(p, old, size);
    }
    void *q = mem_try_realloc(p, old, size);
    if (!q) {
        longjmp(*ST->gmp_jmp, 1);
    }
    return q;
}

bool int_gmp_guarded(GmpCall *c) {
    jmp_buf jb;
    jmp_buf *outer = ST->gmp_jmp;
    if (setjmp(jb)) {
        ST->gmp_jmp = outer;
        mpz_init(c->r);     // abandon the half-made result (leaks its buffer)
        return false;       // MemoryError raised by mem_try_*
    }
    ST->gmp_jmp = &jb;
    switch (c->op) {
    case GMP_MUL:
        mpz_mul(c->r, c->x, c->y);
        break;
    case GMP_POW_UI:
        mpz_pow_ui(c->r, c->x, c->u);
        break;
    case GMP_MUL_2EXP:
        mpz_mul_2exp(c->r, c->x, c->u);
        break;
    case GMP_FAC_UI:
        mpz_fac_ui(c->r, c->u);
        break;
    case GMP_BIN_UI:
        mpz_bin_ui(c->r, c->x, c->u);
        break;
    }
    ST->gmp_jmp = outer;
    return true;
}

// ---- representation helpers

static bool is_float_val(Value v) {
    return IS_FLOATISH(v);
}

bool int_check(Value v) {
    if (IS_SMALL(v)) {
        return true;
    }
    if (!IS_OBJ(v)) {
        return false;
    }
    ObjClass *c = AS_OBJ(v)->cls;
    return c == cls_int || c == cls_bool || c->native_base == cls_int;
}

// The int64 value of a small int or bool; false for big ints.
static inline bool small_of(Value v, int64_t *out) {
    if (IS_SMALL(v)) {
        *out = AS_SMALL(v);
        return true;
    }
    if (v == VAL_TRUE) {
        *out = 1;
        return true;
    }
    if (v == VAL_FALSE) {
        *out = 0;
        return true;
    }
    return false;
}

void int_get_mpz(Value v, mpz_t out) {
    int64_t i;
    if (small_of(v, &i)) {
        mpz_set_si(out, (long)i);
    } else {
        mpz_set(out, AS_BIGINT(v)->z);
    }
}

// The mpz of int [v] to read: a big int's own, else [tmp] (initialized) set
// to the small value.
static mpz_srcptr int_mpz_ref(Value v, mpz_t tmp) {
    int64_t i;
    if (small_of(v, &i)) {
        mpz_set_si(tmp, (long)i);
        return tmp;
    }
    return AS_BIGINT(v)->z;
}

static ObjInt *bigint_alloc(ObjClass *cls) {
    size_t size = sizeof(ObjInt);
    if (cls->inst_size > size) {
        size = cls->inst_size;
    }
    ObjInt *o = (ObjInt *)obj_alloc(cls, size);
    mpz_init(o->z);
    return o;
}

// [z] as a small int in *out when it fits one.
static bool mpz_small(const mpz_t z, Value *out) {
    if (mpz_fits_slong_p(z)) {
        long l = mpz_get_si(z);
        if (FITS_SMALL(l)) {
            *out = MK_SMALL(l);
            return true;
        }
    }
    return false;
}

Value int_from_mpz(const mpz_t z) {
    Value small;
    if (mpz_small(z, &small)) {
        return small;
    }
    ObjInt *o = bigint_alloc(cls_int);
    mpz_set(o->z, z);
    return OBJ_VAL(o);
}

// Moves the value of [z] into a normalized int and clears [z]: a big
// result takes z's limbs without copying them.
static Value take_mpz(mpz_t z) {
    Value r;
    if (mpz_small(z, &r)) {
        mpz_clear(z);
        return r;
    }
    ObjInt *o = bigint_alloc(cls_int);
    mpz_swap(o->z, z);
    mpz_clear(z);
    return OBJ_VAL(o);
}

Value int_from_i64(int64_t i) {
    if (FITS_SMALL(i)) {
        return MK_SMALL(i);
    }
    ObjInt *o = bigint_alloc(cls_int);
    mpz_set_si(o->z, (long)i);
    return OBJ_VAL(o);
}

Value int_from_u64(uint64_t u) {
    if (u <= (uint64_t)SMALL_MAX) {
        return MK_SMALL((int64_t)u);
    }
    ObjInt *o = bigint_alloc(cls_int);
    mpz_set_ui(o->z, (unsigned long)u);
    return OBJ_VAL(o);
}

bool int_to_i64(Value v, int64_t *out) {
    if (small_of(v, out)) {
        return true;
    }
    if (!int_check(v)) {
        exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer",
                  val_type_name(v));
        return false;
    }
    if (!mpz_fits_slong_p(AS_BIGINT(v)->z)) {
        exc_raise(exc_OverflowError, "Python int too large to convert to C long");
        return false;
    }
    *out = mpz_get_si(AS_BIGINT(v)->z);
    return true;
}

// Correctly rounded conversion of a nonnegative mpz to double.
static double mpz_to_double_rounded(const mpz_t n) {
    size_t bits = mpz_sizeinbase(n, 2);
    if (mpz_sgn(n) == 0) {
        return 0.0;
    }
    if (bits <= 63) {
        return (double)(uint64_t)mpz_get_ui(n);
    }
    mpz_t q;
    mpz_init(q);
    long e = (long)bits - 60;
    mpz_tdiv_q_2exp(q, n, (mp_bitcnt_t)e);
    uint64_t u = mpz_get_ui(q);
    if (mpz_scan1(n, 0) < (mp_bitcnt_t)e) {
        u |= 1;     // sticky bit
    }
    mpz_clear(q);
    return ldexp((double)u, (int)e);
}

double int_to_double(Value v, bool *overflow) {
    int64_t i;
    if (overflow) {
        *overflow = false;
    }
    if (small_of(v, &i)) {
        return (double)i;
    }
    const mpz_srcptr z = AS_BIGINT(v)->z;
    mpz_t a;
    mpz_init(a);
    mpz_abs(a, z);
    double d = mpz_to_double_rounded(a);
    mpz_clear(a);
    if (isinf(d) && overflow) {
        *overflow = true;
    }
    return mpz_sgn(z) < 0 ? -d : d;
}

Value int_from_double(double d) {
    if (isnan(d)) {
        return exc_raise(exc_ValueError, "cannot convert float NaN to integer");
    }
    if (isinf(d)) {
        return exc_raise(exc_OverflowError, "cannot convert float infinity to integer");
    }
    d = trunc(d);
    if (fabs(d) < 9.0e15) {
        return int_from_i64((int64_t)d);
    }
    mpz_t z;
    mpz_init(z);
    mpz_set_d(z, d);
    return take_mpz(z);
}

// ---- parsing

static int digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'Z') {
        return c - 'A' + 10;
    }
    return 99;
}

static bool is_ws(char c) {
    // C's isspace, as CPython's Py_ISSPACE: not 0x1c..0x1f, which
    // str.isspace() accepts (int("\x1c1") is a ValueError)
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool int_str_digits_ok(size_t ndigits, bool parsing) {
    int lim = ST->int_max_str_digits;
    if (lim <= 0 || ndigits <= (size_t)lim) {
        return true;
    }
    if (parsing) {
        exc_raise(exc_ValueError, "Exceeds the limit (%d digits) for integer string conversion: "
                  "value has %zu digits; use sys.set_int_max_str_digits() to increase the limit",
                  lim, ndigits);
    } else {
        exc_raise(exc_ValueError, "Exceeds the limit (%d digits) for integer string conversion; "
                  "use sys.set_int_max_str_digits() to increase the limit", lim);
    }
    return false;
}

// Parses [s] of [len] bytes in [base] (0: detect prefix); VAL_NULL without
// raising on a malformed text. *[ndigits] gets the number of digits read
// before the end or the first bad character, for the limit on decimal
// texts (bases not powers of two), else 0.
static Value parse_int(const char *s, size_t len, int base, size_t *ndigits) {
    size_t i = 0;
    while (i < len && is_ws(s[i])) {
        i++;
    }
    while (len > i && is_ws(s[len - 1])) {
        len--;
    }
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    bool leading_zero_rule = false;
    bool prefixed = false;
    if (i + 1 < len && s[i] == '0') {
        char p = s[i + 1];
        int pb = (p == 'x' || p == 'X') ? 16 : (p == 'o' || p == 'O') ? 8 :
                 (p == 'b' || p == 'B') ? 2 : 0;
        if (pb && (base == 0 || base == pb)) {
            base = pb;
            i += 2;
            prefixed = true;
        }
    }
    if (base == 0) {
        base = 10;
        leading_zero_rule = i < len && s[i] == '0';
    }
    // collect digits, validating underscores
    char stackbuf[64];
    size_t cap = len - i + 1;
    char *buf = cap <= sizeof stackbuf ? stackbuf : mem_alloc(cap);
    size_t n = 0;
    bool ok = true;
    bool prev_us = prefixed;    // "0x_1" is valid: treat prefix as a digit
    bool prev_digit = prefixed;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '_') {
            if (!prev_digit) {
                ok = false;
                break;
            }
            prev_digit = false;
            prev_us = true;
            continue;
        }
        if (digit_value(c) >= base) {
            ok = false;
            break;
        }
        buf[n++] = c;
        prev_digit = true;
        prev_us = false;
    }
    (void)prev_us;
    *ndigits = (base & (base - 1)) ? n : 0;
    if (n == 0 || !prev_digit) {
        ok = false;
    }
    if (ok && leading_zero_rule) {
        for (size_t k = 0; k < n; k++) {
            if (buf[k] != '0') {
                ok = false;
                break;
            }
        }
    }
    Value r = VAL_NULL;
    if (ok) {
        buf[n] = 0;
        if (n <= 15) {
            int64_t v = 0;
            for (size_t k = 0; k < n; k++) {
                v = v * base + digit_value(buf[k]);
            }
            r = int_from_i64(neg ? -v : v);
        } else {
            mpz_t z;
            mpz_init(z);
            mpz_set_str(z, buf, base);
            if (neg) {
                mpz_neg(z, z);
            }
            r = take_mpz(z);
        }
    }
    if (buf != stackbuf) {
        mem_free(buf, cap);
    }
    return r;
}

// Parses [s] with the int() rules; raises ValueError with [orig]'s repr.
static Value int_parse_str(const char *s, size_t len, int base, Value orig) {
    if (base != 0 && (base < 2 || base > 36)) {
        return exc_raise(exc_ValueError, "int() base must be >= 2 and <= 36, or 0");
    }
    size_t alen = 0;
    char *ascii = orig ? str_to_ascii_number(AS_STR(orig), &alen) : NULL;
    size_t ndigits = 0;
    Value r = ascii ? parse_int(ascii, alen, base, &ndigits) : parse_int(s, len, base, &ndigits);
    if (ascii) {
        mem_free(ascii, alen + 1);
    }
    if (!int_str_digits_ok(ndigits, true)) {
        return VAL_NULL;
    }
    if (r == VAL_NULL) {
        Value rep = orig ? str_repr(orig) : str_repr(str_new(s, len));
        if (!rep) {
            return VAL_NULL;
        }
        return exc_raise(exc_ValueError, "invalid literal for int() with base %d: %s", base,
                         str_cstr(rep));
    }
    return r;
}

Value int_from_str(const char *s, int base) {
    return int_parse_str(s, strlen(s), base, VAL_NULL);
}

// ---- repr and hash

Value int_repr(Value v) {
    int64_t i;
    if (small_of(v, &i)) {
        // the digits backwards into a buffer (snprintf was 4% of pprint)
        char buf[24];
        char *p = buf + sizeof buf;
        uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (i < 0) {
            *--p = '-';
        }
        return str_new(p, (size_t)(buf + sizeof buf - p));
    }
    const mpz_srcptr z = AS_BIGINT(v)->z;
    size_t cap = mpz_sizeinbase(z, 10) + 2;
    // sizeinbase is exact or one too many: refuse clear cases before converting
    if (!int_str_digits_ok(cap - 3, false)) {
        return VAL_NULL;
    }
    char *buf = mem_try_alloc(cap);
    if (!buf) {
        return VAL_NULL;
    }
    mpz_get_str(buf, 10, z);
    size_t len = strlen(buf);
    if (!int_str_digits_ok(len - (buf[0] == '-'), false)) {
        mem_free(buf, cap);
        return VAL_NULL;
    }
    Value r = str_try_new(buf, len);
    mem_free(buf, cap);
    return r;
}

static Value bool_repr(Value v) {
    return str_from_c(v == VAL_TRUE ? "True" : "False");
}

int64_t int_hash_value(Value v) {
    int64_t i;
    int64_t h;
    if (small_of(v, &i)) {
        return small_int_hash(i);
    } else {
        const mpz_srcptr z = AS_BIGINT(v)->z;
        uint64_t a = mpz_tdiv_ui(z, HASH_MODULUS);
        h = mpz_sgn(z) < 0 ? -(int64_t)a : (int64_t)a;
    }
    return h == -1 ? -2 : h;
}

static bool int_hash(Value self, int64_t *out) {
    *out = int_hash_value(self);
    return true;
}

// ---- comparison

int int_float_cmp(Value iv, double d) {
    if (isnan(d)) {
        return 2;
    }
    if (isinf(d)) {
        return d > 0 ? -1 : 1;
    }
    int64_t i;
    if (small_of(iv, &i) && i <= ((int64_t)1 << 53) && i >= -((int64_t)1 << 53)) {
        double x = (double)i;
        return x < d ? -1 : x > d ? 1 : 0;
    }
    mpz_t zi, zf;
    mpz_init(zi);
    mpz_init(zf);
    int_get_mpz(iv, zi);
    double fl = floor(d);
    mpz_set_d(zf, fl);
    int c = mpz_cmp(zi, zf);
    mpz_clear(zi);
    mpz_clear(zf);
    if (c != 0) {
        return c < 0 ? -1 : 1;
    }
    return d > fl ? -1 : 0;
}

static Value cmp_result(int c, int op) {
    if (c == 2) {
        return VAL_BOOL(op == OP_NE);
    }
    switch (op) {
    case OP_LT: return VAL_BOOL(c < 0);
    case OP_LE: return VAL_BOOL(c <= 0);
    case OP_EQ: return VAL_BOOL(c == 0);
    case OP_NE: return VAL_BOOL(c != 0);
    case OP_GT: return VAL_BOOL(c > 0);
    default: return VAL_BOOL(c >= 0);
    }
}

static Value int_richcompare(Value a, Value b, int op) {
    int c;
    if (int_check(a) && int_check(b)) {
        int64_t x, y;
        if (small_of(a, &x) && small_of(b, &y)) {
            c = x < y ? -1 : x > y ? 1 : 0;
        } else {
            mpz_t ta, tb;
            mpz_inits(ta, tb, NULL);
            c = mpz_cmp(int_mpz_ref(a, ta), int_mpz_ref(b, tb));
            c = c < 0 ? -1 : c > 0 ? 1 : 0;
            mpz_clears(ta, tb, NULL);
        }
        return cmp_result(c, op);
    }
    if (int_check(a) && is_float_val(b)) {
        return cmp_result(int_float_cmp(a, AS_FLOAT(b)), op);
    }
    if (is_float_val(a) && int_check(b)) {
        c = int_float_cmp(b, AS_FLOAT(a));
        return cmp_result(c == 2 ? 2 : -c, op);
    }
    return VAL_NOTIMPL;
}

// ---- arithmetic

// a / b correctly rounded for mpz operands (b != 0).
static Value mpz_truediv(const mpz_t a, const mpz_t b) {
    int sign = mpz_sgn(a) * mpz_sgn(b);
    if (mpz_sgn(a) == 0) {
        return float_new(mpz_sgn(b) < 0 ? -0.0 : 0.0);
    }
    mpz_t na, nb, q, r;
    mpz_inits(na, nb, q, r, NULL);
    mpz_abs(na, a);
    mpz_abs(nb, b);
    long la = (long)mpz_sizeinbase(na, 2), lb = (long)mpz_sizeinbase(nb, 2);
    long e = la - lb - 60;
    if (e >= 0) {
        mpz_mul_2exp(nb, nb, (mp_bitcnt_t)e);
    } else {
        mpz_mul_2exp(na, na, (mp_bitcnt_t)(-e));
    }
    mpz_tdiv_qr(q, r, na, nb);
    uint64_t u = mpz_get_ui(q);
    if (mpz_sgn(r) != 0) {
        u |= 1;
    }
    mpz_clears(na, nb, q, r, NULL);
    double d;
    if (e > 2000) {
        d = INFINITY;
    } else if (e < -2000) {
        d = 0.0;
    } else {
        d = ldexp((double)u, (int)e);
    }
    if (isinf(d)) {
        return exc_raise(exc_OverflowError, "integer division result too large for a float");
    }
    return float_new(sign < 0 ? -d : d);
}

// Integer ** with a negative exponent: computed in floats.
static Value neg_pow(Value a, Value b) {
    bool ov;
    double x = int_to_double(a, &ov);
    if (ov) {
        return exc_raise(exc_OverflowError, "int too large to convert to float");
    }
    Value fa = float_new(x);
    gc_push_root(fa);
    Value r = float_binop(fa, b, BIN_POW);
    gc_pop_root(1);
    return r;
}

// Fast path for two small operands; *done false: use the mpz path.
static Value small_binop(int64_t x, int64_t y, int op, bool *done) {
    int64_t r;
    *done = true;
    switch (op) {
    case BIN_ADD:
        return int_from_i64(x + y);
    case BIN_SUB:
        return int_from_i64(x - y);
    case BIN_MUL:
        if (__builtin_mul_overflow(x, y, &r)) {
            break;
        }
        return int_from_i64(r);
    case BIN_TRUEDIV:
        if (y == 0) {
            return exc_raise(exc_ZeroDivisionError, "division by zero");
        }
        if (x >= -((int64_t)1 << 53) && x <= ((int64_t)1 << 53) &&
            y >= -((int64_t)1 << 53) && y <= ((int64_t)1 << 53)) {
            return float_new((double)x / (double)y);
        }
        break;
    case BIN_FLOORDIV: {
        if (y == 0) {
            return exc_raise(exc_ZeroDivisionError, "integer division or modulo by zero");
        }
        int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) {
            q--;
        }
        return int_from_i64(q);
    }
    case BIN_MOD: {
        if (y == 0) {
            return exc_raise(exc_ZeroDivisionError, "integer modulo by zero");
        }
        int64_t m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) {
            m += y;
        }
        return MK_SMALL(m);
    }
    case BIN_POW: {
        if (y < 0) {
            *done = false;
            return VAL_NULL;
        }
        int64_t res = 1, base = x, e = y;
        while (e) {
            if (e & 1) {
                if (__builtin_mul_overflow(res, base, &res)) {
                    *done = false;
                    return VAL_NULL;
                }
            }
            e >>= 1;
            if (e && __builtin_mul_overflow(base, base, &base)) {
                *done = false;
                return VAL_NULL;
            }
        }
        return int_from_i64(res);
    }
    case BIN_LSHIFT:
        if (y < 0) {
            return exc_raise(exc_ValueError, "negative shift count");
        }
        if (x == 0) {
            return MK_SMALL(0);
        }
        if (y < 62) {
            __int128 w = (__int128)x * ((__int128)1 << y);   // no UB for x < 0
            if (w >= SMALL_MIN && w <= SMALL_MAX) {
                return MK_SMALL((int64_t)w);
            }
        }
        break;
    case BIN_RSHIFT:
        if (y < 0) {
            return exc_raise(exc_ValueError, "negative shift count");
        }
        return MK_SMALL(y >= 63 ? (x < 0 ? -1 : 0) : (x >> y));
    case BIN_AND:
        return MK_SMALL(x & y);
    case BIN_OR:
        return MK_SMALL(x | y);
    case BIN_XOR:
        return MK_SMALL(x ^ y);
    default:
        return VAL_NOTIMPL;
    }
    *done = false;
    return VAL_NULL;
}

static Value big_binop(Value a, Value b, int op) {
    if (op == BIN_MATMUL) {
        return VAL_NOTIMPL;
    }
    if (op == BIN_POW) {
        if (!IS_SMALL(b) && !(b == VAL_TRUE || b == VAL_FALSE)) {
            if (mpz_sgn(AS_BIGINT(b)->z) < 0) {
                return neg_pow(a, b);
            }
        } else if (IS_SMALL(b) && AS_SMALL(b) < 0) {
            return neg_pow(a, b);
        }
    }
    // big operands are read in place; small ones go through tx/ty (mpz_init
    // allocates nothing), and the result's limbs move into the new int
    mpz_t tx, ty, r;
    mpz_inits(tx, ty, r, NULL);
    mpz_srcptr x = int_mpz_ref(a, tx), y = int_mpz_ref(b, ty);
    Value res = VAL_NULL;
    switch (op) {
    case BIN_ADD:
        mpz_add(r, x, y);
        break;
    case BIN_SUB:
        mpz_sub(r, x, y);
        break;
    case BIN_MUL: {
        if (!int_bits_ok((double)mpz_sizeinbase(x, 2) + (double)mpz_sizeinbase(y, 2))) {
            mpz_clears(tx, ty, r, NULL);
            return VAL_NULL;
        }
        GmpCall c = {GMP_MUL, r, x, y, 0};
        if (!int_gmp_guarded(&c)) {
            mpz_clears(tx, ty, r, NULL);
            return VAL_NULL;
        }
        break;
    }
    case BIN_TRUEDIV:
        if (mpz_sgn(y) == 0) {
            res = exc_raise(exc_ZeroDivisionError, "division by zero");
        } else {
            res = mpz_truediv(x, y);
        }
        mpz_clears(tx, ty, r, NULL);
        return res;
    case BIN_FLOORDIV:
        if (mpz_sgn(y) == 0) {
            mpz_clears(tx, ty, r, NULL);
            return exc_raise(exc_ZeroDivisionError, "integer division or modulo by zero");
        }
        mpz_fdiv_q(r, x, y);
        break;
    case BIN_MOD:
        if (mpz_sgn(y) == 0) {
            mpz_clears(tx, ty, r, NULL);
            return exc_raise(exc_ZeroDivisionError, "integer modulo by zero");
        }
        mpz_fdiv_r(r, x, y);
        break;
    case BIN_POW:
        if (mpz_cmp_si(x, 0) == 0 || mpz_cmp_si(x, 1) == 0) {
            if (mpz_sgn(y) == 0) {
                mpz_set_ui(r, 1);       // 0 ** 0
            } else {
                mpz_set(r, x);
            }
        } else if (mpz_cmp_si(x, -1) == 0) {
            mpz_set_si(r, mpz_odd_p(y) ? -1 : 1);
        } else {
            // |x| >= 2: about y * log2|x| bits (CPython squares until
            // memory runs out: a MemoryError too, only later)
            long e2;
            double m = fabs(mpz_get_d_2exp(&e2, x));
            if (!mpz_fits_ulong_p(y) ||
                !int_bits_ok(mpz_get_d(y) * ((double)e2 + log2(m)))) {
                mpz_clears(tx, ty, r, NULL);
                if (!exc_pending()) {
                    exc_raise_nomem();
                }
                return VAL_NULL;
            }
            GmpCall c = {GMP_POW_UI, r, x, NULL, mpz_get_ui(y)};
            if (!int_gmp_guarded(&c)) {
                mpz_clears(tx, ty, r, NULL);
                return VAL_NULL;
            }
        }
        break;
    case BIN_LSHIFT:
    case BIN_RSHIFT:
        if (mpz_sgn(y) < 0) {
            mpz_clears(tx, ty, r, NULL);
            return exc_raise(exc_ValueError, "negative shift count");
        }
        if (op == BIN_LSHIFT) {
            if (mpz_sgn(x) != 0) {
                // CPython's digit count decides OverflowError; memory then
                // decides MemoryError
                mpz_t w;
                mpz_init(w);
                unsigned long rem = mpz_fdiv_q_ui(w, y, 30);
                mpz_add_ui(w, w, (mpz_sizeinbase(x, 2) + 29) / 30 + (rem != 0));
                bool too_many = mpz_cmp_ui(w, CPY_MAX_DIGITS) > 0;
                mpz_clear(w);
                if (too_many) {
                    mpz_clears(tx, ty, r, NULL);
                    return exc_raise(exc_OverflowError, "too many digits in integer");
                }
                if (!mpz_fits_ulong_p(y) ||
                    !int_bits_ok((double)mpz_sizeinbase(x, 2) + mpz_get_d(y))) {
                    mpz_clears(tx, ty, r, NULL);
                    if (!exc_pending()) {
                        exc_raise_nomem();
                    }
                    return VAL_NULL;
                }
                GmpCall c = {GMP_MUL_2EXP, r, x, NULL, mpz_get_ui(y)};
                if (!int_gmp_guarded(&c)) {
                    mpz_clears(tx, ty, r, NULL);
                    return VAL_NULL;
                }
            }
        } else {
            if (!mpz_fits_ulong_p(y) || mpz_get_ui(y) > mpz_sizeinbase(x, 2) + 1) {
                mpz_set_si(r, mpz_sgn(x) < 0 ? -1 : 0);
            } else {
                mpz_fdiv_q_2exp(r, x, mpz_get_ui(y));
            }
        }
        break;
    case BIN_AND:
        mpz_and(r, x, y);
        break;
    case BIN_OR:
        mpz_ior(r, x, y);
        break;
    case BIN_XOR:
        mpz_xor(r, x, y);
        break;
    default:
        mpz_clears(tx, ty, r, NULL);
        return VAL_NOTIMPL;
    }
    mpz_clears(tx, ty, NULL);
    return take_mpz(r);
}

// [v] (an int) as int64 when it fits one: small ints, bools and big ints
// of one limb within int64's range.
static inline bool i64_of(Value v, int64_t *out) {
    if (small_of(v, out)) {
        return true;
    }
    if (mpz_fits_slong_p(AS_BIGINT(v)->z)) {
        *out = mpz_get_si(AS_BIGINT(v)->z);
        return true;
    }
    return false;
}

// + - * & | ^ of ints that fit int64 (the 62-to-64-bit values small ints
// cannot hold: hashes, masks, Zobrist keys) without GMP temporaries;
// VAL_NULL: the result does not fit, or another operator.
static Value i64_binop(Value a, Value b, int op) {
    int64_t x, y, r;
    if (!i64_of(a, &x) || !i64_of(b, &y)) {
        return VAL_NULL;
    }
    switch (op) {
    case BIN_ADD:
        return __builtin_add_overflow(x, y, &r) ? VAL_NULL : int_from_i64(r);
    case BIN_SUB:
        return __builtin_sub_overflow(x, y, &r) ? VAL_NULL : int_from_i64(r);
    case BIN_MUL:
        return __builtin_mul_overflow(x, y, &r) ? VAL_NULL : int_from_i64(r);
    case BIN_AND:
        return int_from_i64(x & y);
    case BIN_OR:
        return int_from_i64(x | y);
    case BIN_XOR:
        return int_from_i64(x ^ y);
    default:
        return VAL_NULL;
    }
}

Value int_binop(Value a, Value b, int op) {
    if (op >= BINOP_INPLACE) {
        op -= BINOP_INPLACE;
    }
    if (is_float_val(a) || is_float_val(b)) {
        return float_binop(a, b, op);
    }
    if (!int_check(a) || !int_check(b)) {
        return VAL_NOTIMPL;
    }
    int64_t x, y;
    if (small_of(a, &x) && small_of(b, &y)) {
        bool done;
        Value r = small_binop(x, y, op, &done);
        if (done) {
            return r;
        }
        if (op == BIN_POW && y < 0) {
            return neg_pow(a, b);
        }
    } else {
        Value r = i64_binop(a, b, op);
        if (r) {
            return r;
        }
    }
    return big_binop(a, b, op);
}

static Value bool_binop(Value a, Value b, int op) {
    int o = op >= BINOP_INPLACE ? op - BINOP_INPLACE : op;
    bool ba = a == VAL_TRUE || a == VAL_FALSE;
    bool bb = b == VAL_TRUE || b == VAL_FALSE;
    if (ba && bb) {
        bool x = a == VAL_TRUE, y = b == VAL_TRUE;
        if (o == BIN_AND) {
            return VAL_BOOL(x && y);
        }
        if (o == BIN_OR) {
            return VAL_BOOL(x || y);
        }
        if (o == BIN_XOR) {
            return VAL_BOOL(x != y);
        }
    }
    return int_binop(a, b, op);
}

Value int_pow3(Value a, Value b, Value m) {
    if (!int_check(a) || !int_check(b) || !int_check(m)) {
        if ((complex_check(a) || complex_check(b) || complex_check(m)) &&
            (int_check(a) || is_float_val(a) || complex_check(a)) &&
            (int_check(b) || is_float_val(b) || complex_check(b)) &&
            (int_check(m) || is_float_val(m) || complex_check(m))) {
            return exc_raise(exc_ValueError, "complex modulo");
        }
        if ((int_check(a) || is_float_val(a)) && (int_check(b) || is_float_val(b)) &&
            (int_check(m) || is_float_val(m))) {
            return exc_raise(exc_TypeError,
                             "pow() 3rd argument not allowed unless all arguments are integers");
        }
        return exc_raise(exc_TypeError,
                         "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                         val_type_name(a), val_type_name(b), val_type_name(m));
    }
    mpz_t x, y, z, r;
    mpz_inits(x, y, z, r, NULL);
    int_get_mpz(a, x);
    int_get_mpz(b, y);
    int_get_mpz(m, z);
    Value res = VAL_NULL;
    if (mpz_sgn(z) == 0) {
        exc_raise(exc_ValueError, "pow() 3rd argument cannot be 0");
        goto out;
    }
    if (mpz_sgn(y) < 0) {
        if (!mpz_invert(x, x, z)) {
            exc_raise(exc_ValueError, "base is not invertible for the given modulus");
            goto out;
        }
        mpz_neg(y, y);
    }
    {
        mpz_t am;
        mpz_init(am);
        mpz_abs(am, z);
        mpz_powm(r, x, y, am);   // in [0, |m|)
        if (mpz_cmp_ui(am, 1) == 0) {
            mpz_set_ui(r, 0);
        }
        mpz_clear(am);
    }
    if (mpz_sgn(z) < 0 && mpz_sgn(r) != 0) {
        mpz_add(r, r, z);
    }
    res = int_from_mpz(r);
out:
    mpz_clears(x, y, z, r, NULL);
    return res;
}

Value num_divmod(Value a, Value b) {
    bool fa = is_float_val(a), fb = is_float_val(b);
    if (!((int_check(a) || fa) && (int_check(b) || fb))) {
        return VAL_NOTIMPL;
    }
    if (fa || fb) {
        double y;
        if (!val_to_double(b, &y)) {
            return VAL_NULL;
        }
        if (y == 0.0) {
            return exc_raise(exc_ZeroDivisionError, "float divmod()");
        }
    }
    Value q = int_binop(a, b, BIN_FLOORDIV);
    if (!q || q == VAL_NOTIMPL) {
        return q;
    }
    gc_push_root(q);
    Value r = int_binop(a, b, BIN_MOD);
    if (!r) {
        gc_pop_root(1);
        return VAL_NULL;
    }
    gc_push_root(r);
    Value t = tuple_pack(2, q, r);
    gc_pop_root(2);
    return t;
}

// ---- unary ops and truthiness

static Value int_unop(Value a, int op) {
    int64_t x;
    bool small = small_of(a, &x);
    switch (op) {
    case UN_NEG:
        if (small) {
            return int_from_i64(-x);
        }
        {
            mpz_t z;
            mpz_init(z);
            mpz_neg(z, AS_BIGINT(a)->z);
            return take_mpz(z);
        }
    case UN_POS:
        if (small) {
            return MK_SMALL(x);
        }
        if (AS_OBJ(a)->cls == cls_int) {
            return a;
        }
        return int_from_mpz(AS_BIGINT(a)->z);
    case UN_INVERT:
        if (small) {
            return int_from_i64(-x - 1);
        }
        {
            mpz_t z;
            mpz_init(z);
            mpz_com(z, AS_BIGINT(a)->z);
            return take_mpz(z);
        }
    case UN_NOT:
        if (small) {
            return VAL_BOOL(x == 0);
        }
        return VAL_BOOL(mpz_sgn(AS_BIGINT(a)->z) == 0);
    default:
        return VAL_NOTIMPL;
    }
}

static int int_truthy(Value v) {
    int64_t x;
    if (small_of(v, &x)) {
        return x != 0;
    }
    return mpz_sgn(AS_BIGINT(v)->z) != 0;
}

static void int_trace(Obj *o) {
    gc_mark_obj((Obj *)((ObjInt *)o)->dict);
}

static void int_finalize(Obj *o) {
    mpz_clear(((ObjInt *)o)->z);
}

// ---- construction

// Calls dunder [name] of [x] if its class defines it; VAL_NULL + *found=false if not.
// (a descriptor that is not a function is bound first: MagicMock's __int__)
static Value call_dunder(Value x, const char *name, bool *found) {
    return call_method_opt(x, str_intern_c(name), 0, NULL, found);
}

// int(x) for one argument (no base).
// int(b, base) of a bytes or bytearray [x] (ASCII text, a NUL-terminated copy).
static Value int_parse_buffer(Value x, int base) {
    BufView b = {0};
    buffer_get(x, &b);
    Value copy = bytes_try_new(b.ptr, b.len);
    if (!copy) {
        return VAL_NULL;
    }
    if (base != 0 && (base < 2 || base > 36)) {
        return exc_raise(exc_ValueError, "int() base must be >= 2 and <= 36, or 0");
    }
    size_t ndigits = 0;
    Value r = parse_int((const char *)AS_BYTES(copy)->data, b.len, base, &ndigits);
    if (!int_str_digits_ok(ndigits, true)) {
        return VAL_NULL;
    }
    if (r == VAL_NULL && !exc_pending()) {
        Value rep = obj_repr(copy);     // a bytearray's text too is shown as bytes, as CPython's
        return rep ? exc_raise(exc_ValueError, "invalid literal for int() with base %d: %s", base,
                               str_cstr(rep))
                   : VAL_NULL;
    }
    return r;
}

static Value int_of(Value x) {
    // a subclass of int (or float) with its own __int__ goes through it
    bool own_int = IS_OBJ(x) && (AS_OBJ(x)->cls->flags & CLS_USER) &&
                   class_has_user_dunder(AS_OBJ(x)->cls, "__int__");
    if (int_check(x) && !own_int) {
        int64_t i;
        if (small_of(x, &i)) {
            return MK_SMALL(i);
        }
        return AS_OBJ(x)->cls == cls_int ? x : int_from_mpz(AS_BIGINT(x)->z);
    }
    if (is_float_val(x) && !own_int) {
        return int_from_double(AS_FLOAT(x));
    }
    if (str_check(x) && !own_int) {
        return int_parse_str(AS_STR(x)->data, AS_STR(x)->len, 10, x);
    }
    BufView bv = {0};
    int isbuf = own_int ? 0 : buffer_get(x, &bv);
    if (isbuf) {
        return isbuf > 0 ? int_parse_buffer(x, 10) : VAL_NULL;
    }
    static const char *const names[] = {"__int__", "__index__", "__trunc__"};
    for (int k = 0; k < 3; k++) {
        bool found;
        Value r = call_dunder(x, names[k], &found);
        if (found) {
            if (r && !int_check(r)) {
                return exc_raise(exc_TypeError, "%s returned non-int (type %s)", names[k],
                                 val_type_name(r));
            }
            return r;
        }
    }
    return exc_raise(exc_TypeError,
                     "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                     val_type_name(x));
}

static Value int_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    static const char *const allowed[] = {"base", NULL};
    if (!kw_only("int", kw, allowed)) {
        return VAL_NULL;
    }
    Value basev = kw_get(kw, "base");
    if (argc > 2 || (argc == 2 && basev)) {
        return exc_raise(exc_TypeError, "int() takes at most 2 arguments (%d given)",
                         argc + (basev ? 1 : 0));
    }
    if (argc == 2) {
        basev = argv[1];
    }
    Value r;
    if (argc == 0) {
        if (basev) {
            return exc_raise(exc_TypeError, "int() missing string argument");
        }
        r = MK_SMALL(0);
    } else if (basev) {
        int64_t base;       // (an __index__ object too; a huge base is clipped, as CPython's
        if (!index_bound_value(basev, &base)) {     // PyNumber_AsSsize_t: out of range)
            return VAL_NULL;
        }
        // as CPython: the base's range first, then the argument's type
        if (base != 0 && (base < 2 || base > 36)) {
            return exc_raise(exc_ValueError, "int() base must be >= 2 and <= 36, or 0");
        }
        bool buf = bytes_check(argv[0]) || bytearray_check(argv[0]);
        if (!str_check(argv[0]) && !buf) {
            return exc_raise(exc_TypeError, "int() can't convert non-string with explicit base");
        }
        r = buf ? int_parse_buffer(argv[0], (int)base) : int_parse_str(AS_STR(argv[0])->data, AS_STR(argv[0])->len, (int)base, argv[0]);
    } else {
        r = int_of(argv[0]);
    }
    if (!r || cls == cls_int) {
        return r;
    }
    ObjInt *o = bigint_alloc(cls);
    int_get_mpz(r, o->z);
    o->dict = AS_DICT(dict_new());
    return OBJ_VAL(o);
}

static Value bool_new(ObjClass *cls, int argc, Value *argv, ObjDict *kw) {
    if (!arg_no_kw("bool", kw)) {
        return VAL_NULL;
    }
    if (argc > 1) {
        return exc_raise(exc_TypeError, "bool expected at most 1 argument, got %d", argc);
    }
    if (argc == 0) {
        return VAL_FALSE;
    }
    int t = obj_truthy(argv[0]);
    if (t < 0) {
        return VAL_NULL;
    }
    return VAL_BOOL(t);
}

// ---- methods

size_t int_bit_length(Value v) {
    int64_t x;
    if (small_of(v, &x)) {
        uint64_t a = x < 0 ? (uint64_t)(-x) : (uint64_t)x;
        return a ? (size_t)(64 - __builtin_clzll(a)) : 0;
    }
    return mpz_sizeinbase(AS_BIGINT(v)->z, 2);
}

static Value m_bit_length(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("int.bit_length", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return int_from_i64((int64_t)int_bit_length(argv[0]));
}

static Value m_bit_count(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("int.bit_count", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    mpz_t z;
    mpz_init(z);
    int_get_mpz(argv[0], z);
    mpz_abs(z, z);
    Value r = int_from_i64((int64_t)mpz_popcount(z));
    mpz_clear(z);
    return r;
}

static Value m_int_self(int argc, Value *argv, ObjDict *kw) {
    return int_unop(argv[0], UN_POS);
}

// int.__getnewargs__(): (int(self),), as CPython's (copy and pickle use it).
static Value m_int_getnewargs(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("int.__getnewargs__", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value v = int_unop(argv[0], UN_POS);
    return v ? tuple_pack(1, v) : VAL_NULL;
}

static Value m_int_conjugate(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("int.conjugate", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    return int_unop(argv[0], UN_POS);
}

static Value m_int_float(int argc, Value *argv, ObjDict *kw) {
    bool ov;
    double d = int_to_double(argv[0], &ov);
    if (ov) {
        return exc_raise(exc_OverflowError, "int too large to convert to float");
    }
    return float_new(d);
}

static Value m_int_format(int argc, Value *argv, ObjDict *kw) {
    if (argc != 2) {
        return exc_raise(exc_TypeError, "__format__() takes exactly one argument (%d given)",
                         argc - 1);
    }
    return format_value(argv[0], argv[1]);
}

static Value m_int_round(int argc, Value *argv, ObjDict *kw) {
    return num_round(argv[0], argc > 1 ? argv[1] : VAL_NULL);
}

static Value m_int_ratio(int argc, Value *argv, ObjDict *kw) {
    if (!arg_count("int.as_integer_ratio", argc - 1, 0, 0)) {
        return VAL_NULL;
    }
    Value i = int_unop(argv[0], UN_POS);
    gc_push_root(i);
    Value t = tuple_pack(2, i, MK_SMALL(1));
    gc_pop_root(1);
    return t;
}

// The (length/bytes, byteorder, signed) arguments of to_bytes/from_bytes:
// [argv] without self; *little and *sgn set; out[0] the first argument.
static bool bytes_conv_args(const char *fname, const char *first, int argc, Value *argv,
                            ObjDict *kw, Value *out0, bool *little, bool *sgn) {
    Value a[3] = {VAL_NULL, VAL_NULL, VAL_NULL};
    int total = argc + (kw ? (int)kw->used : 0);
    if (total > 3) {
        exc_raise(exc_TypeError, "%s() takes at most 3 arguments (%d given)", fname, total);
        return false;
    }
    if (argc > 2) {
        exc_raise(exc_TypeError, "%s() takes at most 2 positional arguments (%d given)", fname, argc);
        return false;
    }
    for (int i = 0; i < argc; i++) {
        a[i] = argv[i];
    }
    static const char *const names[3] = {NULL, "byteorder", "signed"};
    if (kw) {
        size_t pos = 0;
        Value k, v;
        while (dict_next(kw, &pos, &k, &v)) {
            const char *n = AS_STR(k)->data;
            int i = strcmp(n, first) == 0 ? 0 : strcmp(n, names[1]) == 0 ? 1 : strcmp(n, names[2]) == 0 ? 2 : -1;
            if (i < 0) {
                exc_raise(exc_TypeError, "'%s' is an invalid keyword argument for %s()", n, fname);
                return false;
            }
            if (a[i]) {
                exc_raise(exc_TypeError, "argument for %s() given by name ('%s') and position (%d)",
                          fname, n, i + 1);
                return false;
            }
            a[i] = v;
        }
    }
    *out0 = a[0];
    *little = false;
    if (a[1]) {
        if (!str_check(a[1])) {
            exc_raise(exc_TypeError, "%s() argument 'byteorder' must be str, not %s", fname,
                      val_type_name(a[1]));
            return false;
        }
        const char *bo = AS_STR(a[1])->data;       // (a NUL inside is no match)
        if (strlen(bo) != AS_STR(a[1])->len) {
            bo = "";
        }
        if (strcmp(bo, "little") == 0) {
            *little = true;
        } else if (strcmp(bo, "big") != 0) {
            exc_raise(exc_ValueError, "byteorder must be either 'little' or 'big'");
            return false;
        }
    }
    *sgn = false;
    if (a[2]) {
        int t = obj_truthy(a[2]);
        if (t < 0) {
            return false;
        }
        *sgn = t;
    }
    return true;
}

static Value m_int_to_bytes(int argc, Value *argv, ObjDict *kw) {
    Value lenv;
    bool little, sgn;
    if (!bytes_conv_args("to_bytes", "length", argc - 1, argv + 1, kw, &lenv, &little, &sgn)) {
        return VAL_NULL;
    }
    int64_t length = 1;
    if (lenv) {
        if (!int_check(lenv)) {
            return exc_raise(exc_TypeError, "'%s' object cannot be interpreted as an integer",
                             val_type_name(lenv));
        }
        if (!int_to_i64(lenv, &length)) {
            return VAL_NULL;
        }
        if (length < 0) {
            return exc_raise(exc_ValueError, "length argument must be non-negative");
        }
    }
    unsigned char *buf = mem_try_alloc((size_t)length + 1);     // first: a huge length is MemoryError
    if (!buf) {
        return VAL_NULL;
    }
    mpz_t z, lim;
    mpz_init(z);
    int_get_mpz(argv[0], z);
    if (mpz_sgn(z) < 0 && !sgn) {
        mpz_clear(z);
        mem_free(buf, (size_t)length + 1);
        return exc_raise(exc_OverflowError, "can't convert negative int to unsigned");
    }
    // fits: unsigned 0 <= z < 2^(8L); signed -2^(8L-1) <= z < 2^(8L-1)
    size_t bits = mpz_sgn(z) == 0 ? 0 : mpz_sizeinbase(z, 2);
    bool fits;
    if (!sgn) {
        fits = (bits + 7) / 8 <= (uint64_t)length;
    } else if (length == 0) {
        fits = mpz_sgn(z) == 0 || mpz_cmp_si(z, -1) == 0;    // -1 sign-extends from no bytes
    } else {
        mpz_init(lim);
        mpz_setbit(lim, (mp_bitcnt_t)(length * 8 - 1));
        if (mpz_sgn(z) >= 0) {
            fits = mpz_cmp(z, lim) < 0;
        } else {
            mpz_neg(lim, lim);
            fits = mpz_cmp(z, lim) >= 0;
        }
        mpz_clear(lim);
    }
    if (!fits) {
        mpz_clear(z);
        mem_free(buf, (size_t)length + 1);
        return exc_raise(exc_OverflowError, "int too big to convert");
    }
    if (mpz_sgn(z) < 0) {
        mpz_init(lim);
        mpz_setbit(lim, (mp_bitcnt_t)(length * 8));
        mpz_add(z, z, lim);
        mpz_clear(lim);
    }
    memset(buf, 0, (size_t)length + 1);
    size_t count = 0;
    if (mpz_sgn(z) != 0) {
        size_t need = (mpz_sizeinbase(z, 2) + 7) / 8;
        mpz_export(buf + (size_t)length - need, &count, 1, 1, 1, 0, z);
    }
    mpz_clear(z);
    if (little) {
        for (int64_t i = 0, j = length - 1; i < j; i++, j--) {
            unsigned char t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }
    Value r = bytes_try_new(buf, (size_t)length);
    mem_free(buf, (size_t)length + 1);
    return r;
}

// int.from_bytes(bytes, byteorder='big', *, signed=False): a classmethod.
static Value m_int_from_bytes(int argc, Value *argv, ObjDict *kw) {
    Value src;
    bool little, sgn;
    if (!bytes_conv_args("from_bytes", "bytes", argc - 1, argv + 1, kw, &src, &little, &sgn)) {
        return VAL_NULL;
    }
    if (!src) {
        return exc_raise(exc_TypeError, "from_bytes() missing required argument 'bytes' (pos 1)");
    }
    BufView b = {0};
    int got = buffer_get(src, &b);
    if (got < 0) {
        return VAL_NULL;
    }
    if (got == 0) {
        if (str_check(src) || (IS_INT(src) || src == VAL_TRUE || src == VAL_FALSE || class_is_subclass(val_class(src), cls_int))) {
            // (PyObject_Bytes: no bytes(n) of zeros here)
            return exc_raise(exc_TypeError, "cannot convert '%s' object to bytes", val_type_name(src));
        }
        src = bytes_from_object(src);
        if (!src) {
            return VAL_NULL;
        }
        buffer_get(src, &b);
    }
    mpz_t z;
    mpz_init(z);
    if (b.len) {
        mpz_import(z, b.len, little ? -1 : 1, 1, 1, 0, b.ptr);
        unsigned char top = little ? b.ptr[b.len - 1] : b.ptr[0];
        if (sgn && (top & 0x80)) {
            mpz_t lim;
            mpz_init(lim);
            mpz_setbit(lim, (mp_bitcnt_t)(b.len * 8));
            mpz_sub(z, z, lim);
            mpz_clear(lim);
        }
    }
    Value r = int_from_mpz(z);
    mpz_clear(z);
    ObjClass *cls = AS_CLASS(argv[0]);
    if (r && cls != cls_int) {
        return vm_call(OBJ_VAL(cls), 1, &r, NULL);
    }
    return r;
}

static Value m_int_zero(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(0);
}

static Value m_int_one(int argc, Value *argv, ObjDict *kw) {
    return MK_SMALL(1);
}

// Installs a read-only property NAME on class C whose getter is native FN.
static void add_native_property(ObjClass *c, const char *name, NativeFn fn) {
    ObjProperty *p = (ObjProperty *)obj_alloc(cls_property, sizeof(ObjProperty));
    p->fget = native_new(name, fn, c);
    p->fset = VAL_NONE;
    p->fdel = VAL_NONE;
    p->doc = VAL_NONE;
    dict_set_str(c->dict, str_intern_c(name), OBJ_VAL(p));
}

static const MethodDef int_methods[] = {
    {"bit_length", m_bit_length},
    {"bit_count", m_bit_count},
    {"conjugate", m_int_conjugate},
    {"__getnewargs__", m_int_getnewargs},
    {"__index__", m_int_self},
    {"__int__", m_int_self},
    {"__trunc__", m_int_self},
    {"__floor__", m_int_self},
    {"__ceil__", m_int_self},
    {"__float__", m_int_float},
    {"__format__", m_int_format},
    {"__round__", m_int_round},
    {"as_integer_ratio", m_int_ratio},
    {"to_bytes", m_int_to_bytes, true},
    {NULL, NULL},
};

static void gmp_free(void *p, size_t size) {
    if (!ST) {
        free(p);
        return;
    }
    mem_free(p, size);
}

static void set_gmp_functions(void) {
    mp_set_memory_functions(gmp_alloc, gmp_realloc, gmp_free);
}

void int_init(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, set_gmp_functions);
    cls_int = class_new_builtin("int", NULL, sizeof(ObjInt), int_methods);
    cls_int->flags |= CLS_BASETYPE;
    cls_int->new_ = int_new;
    cls_int->finalize = int_finalize;
    cls_int->trace = int_trace;
    cls_int->dict_offset = offsetof(ObjInt, dict);
    cls_int->repr = int_repr;
    cls_int->hash = int_hash;
    cls_int->richcompare = int_richcompare;
    cls_int->binop = int_binop;
    cls_int->binop_ops = ((1u << BIN__COUNT) - 1) & ~(1u << BIN_MATMUL);   // no int @ int
    cls_int->unop = int_unop;
    cls_int->truthy = int_truthy;
    add_native_property(cls_int, "real", m_int_self);
    add_native_property(cls_int, "imag", m_int_zero);
    add_native_property(cls_int, "numerator", m_int_self);
    add_native_property(cls_int, "denominator", m_int_one);

    cls_bool = class_new_builtin("bool", cls_int, sizeof(Obj), NULL);
    cls_bool->flags &= ~(uint32_t)CLS_BASETYPE;
    cls_bool->new_ = bool_new;
    cls_bool->finalize = NULL;
    cls_bool->trace = NULL;
    cls_bool->dict_offset = 0;
    cls_bool->repr = bool_repr;
    cls_bool->str = bool_repr;
    cls_bool->hash = int_hash;
    cls_bool->richcompare = int_richcompare;
    cls_bool->binop = bool_binop;
    cls_bool->unop = int_unop;
    cls_bool->truthy = int_truthy;

    str_init_late();    // str.maketrans needs staticmethod, which exists by now
    class_add_classmethod(cls_int, "from_bytes", m_int_from_bytes)->takes_kw = true;
}
