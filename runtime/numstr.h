// numstr.h: internal interface shared by int.c, float.c, str.c and
// strformat.c (numbers, strings and the formatting engine), plus the few
// extra entry points the VM and builtins use (float_binop, int_pow3,
// num_round, format_value, str_percent_format, str_format_method ...).
// Also holds SBuf, a growable byte buffer (mem.c memory) for building strs.
#ifndef PYISH_NUMSTR_H
#define PYISH_NUMSTR_H

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"

// A big int: always normalized, i.e. a value that fits FITS_SMALL is never
// an ObjInt of class int (instances of user subclasses of int are ObjInts
// whatever their value). `dict` holds the attributes of instances of user
// subclasses (cls_int->dict_offset points at it); NULL for plain ints.
typedef struct ObjInt {
    Obj hdr;
    mpz_t z;
    ObjDict *dict;
} ObjInt;

// The real layout of every float: ObjFloat plus an attribute dict for
// instances of user subclasses (cls_float->dict_offset points at it; NULL
// for plain floats).
typedef struct ObjFloatSub {
    ObjFloat f;
    ObjDict *dict;
} ObjFloatSub;

#define AS_BIGINT(v) ((ObjInt *)AS_OBJ(v))

// ---- int.c
// False with MemoryError raised when an int of about [bits] bits cannot be
// made: past mem_limit() (the room left) or GMP's largest mpz. Checked before every
// operation that grows an int.
bool int_bits_ok(double bits);
// The bit length of int [v] (abs(v).bit_length()).
size_t int_bit_length(Value v);
// One GMP call that may allocate a lot, run so that a failed allocation
// inside GMP is a MemoryError (false) instead of an abort: [r] is the
// output (a fresh mpz distinct from the inputs; after a failure it is
// re-initialized, its old buffer leaked), [x], [y], [u] the inputs.
typedef enum { GMP_MUL, GMP_POW_UI, GMP_MUL_2EXP, GMP_FAC_UI, GMP_BIN_UI } GmpOp;
typedef struct GmpCall {
    GmpOp op;
    mpz_ptr r;
    mpz_srcptr x, y;
    unsigned long u;
} GmpCall;
MUST_USE bool int_gmp_guarded(GmpCall *c);
// True if [v] is an int: small, big, bool, or instance of an int subclass.
bool int_check(Value v);
// Sets the initialized [out] to the value of int [v] (int_check(v) true).
void int_get_mpz(Value v, mpz_t out);
// Normalized int from [z] (small when it fits).
Value int_from_mpz(const mpz_t z);
// Compares int [i] with finite-or-not double [d] exactly: -1, 0, 1; 2 if d is NaN.
int int_float_cmp(Value i, double d);
// Binary op [op] (BinOp, +BINOP_INPLACE ok) on ints; NotImplemented else.
Value int_binop(Value a, Value b, int op);
// Three-argument pow(a, b, m).
Value int_pow3(Value a, Value b, Value m);
// divmod(a, b) for ints/floats: a 2-tuple, or NotImplemented.
Value num_divmod(Value a, Value b);
// Decimal text of int [v] (a new str); ValueError past the digit limit.
Value int_repr(Value v);
// CPython 3.11's limit on decimal int<->str conversions (sys.int_info).
#define INT_DEFAULT_MAX_STR_DIGITS 4300
#define INT_MAX_STR_DIGITS_THRESHOLD 640
// False with CPython's ValueError when a decimal text of [ndigits] digits
// exceeds sys.get_int_max_str_digits(): [parsing] says which way it goes.
bool int_str_digits_ok(size_t ndigits, bool parsing);
// Python hash of an int value.
int64_t int_hash_value(Value v);
// Converts a double to an int (truncation), raising Overflow/ValueError
// for inf/nan.
Value int_from_double(double d);

// ---- float.c
// Arithmetic with at least one float operand; NotImplemented otherwise.
Value float_binop(Value a, Value b, int op);
// round(x[, ndigits]) for a float [x]; [ndigits] VAL_NULL or None: int result.
Value float_round(double x, Value ndigits);
// round(x[, ndigits]) for int or float [x].
Value num_round(Value x, Value ndigits);
// Writes the decimal digits of [u] (no sign, no NUL) into [out] (20 bytes
// suffice) and returns how many.
static inline int u64_decimal(uint64_t u, char *out) {
    char rev[20];
    int len = 0;
    do {
        rev[len++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (int i = 0; i < len; i++) {
        out[i] = rev[len - 1 - i];
    }
    return len;
}

// "%.*f" of [d] with [prec] digits (0..15) into [buf] (at least 40 bytes)
// without printf, when d * 10**prec is below 2**52 and not too close to a
// rounding tie to decide from the rounded product; its length, or -1 (use
// snprintf). The digits are printf's: the exact value, rounded half-even.
int float_fixed_fast(double d, int prec, char *buf);
// Python's float hash.
int64_t float_hash_value(double d);
// Parses float() text (whitespace, underscores, inf/nan); false: no raise,
// just invalid.
bool float_parse(const char *s, size_t len, double *out);

// ---- complex.c
// A new complex [re]+[im]j.
Value complex_new(double re, double im);
// True if [v] is a complex (or an instance of a subclass).
bool complex_check(Value v);
// The parts of complex [v]; false (no raise) if [v] is no complex.
bool complex_parts(Value v, double *re, double *im);
// [x] ** [y] as complex arithmetic (float ** float with a negative base
// and a fractional exponent, as CPython's float_pow hands it over).
Value complex_pow_doubles(double x, double y);
// One part of a complex's repr into [buf] (48 bytes): the float repr
// without a trailing ".0", after a [sign] ('+', ' ') for non-negatives.
bool complex_part_repr(double d, char sign, char *buf);
// repr of the complex [re]+[im]j: "(1+2j)", "1j", "(-0-0j)".
Value complex_repr_parts(double re, double im);

// ---- str.c
// Second step of str_init, once dicts and staticmethod exist (called by
// int_init, which runs after class_ready): adds str.maketrans.
void str_init_late(void);
// Marks every interned string (the GC must call this from its root marking).
void str_mark_interned(void);
// A 1-code-point string (ASCII ones are cached).
Value str_char(uint32_t cp);
// sep.join(iterable).
Value str_join_list(Value sep, Value iterable);
Value str_join_items(ObjStr *sep, const Value *items, size_t n);   // sep NULL: no separator
// Python's repr of a str value.
Value str_repr(Value s);
// int()/float() of a str: ASCII digits and spaces for Unicode ones (NULL
// when already ASCII; else mem_free(buf, *len + 1) it).
char *str_to_ascii_number(ObjStr *s, size_t *len);
// True if [v] is a str or an instance of a str subclass.
bool str_check(Value v);
// Decodes the UTF-8 code point at s[*i] and advances *i.
uint32_t utf8_decode(const char *s, size_t len, size_t *i);
// Length (1..4) of the strict UTF-8 sequence at s[0..left); 0 when the
// bytes there are not UTF-8 (stray or missing continuation bytes, overlong
// forms, encoded surrogates, code points above U+10FFFF).
int utf8_valid_len(const char *s, size_t left);
// False with UnicodeEncodeError raised (as CPython's strict UTF-8 encoder)
// when [s] holds a lone surrogate, which str literals like "\ud800" allow;
// checked before text leaves the process (print, write, encode).
bool str_encodable(const char *s, size_t len);
// Whether [s] holds no lone surrogate (valid UTF-8 for PCRE2), computed
// once per str (ObjStr.surrogates); never raises.
bool str_no_surrogates(ObjStr *s);
// Encodes [cp] into [out] (4 bytes room); returns the byte count.
int utf8_encode(uint32_t cp, char *out);
// Byte offset of code point index [cp] (0 <= cp <= cplen) in [s].
size_t str_cp_offset(ObjStr *s, size_t cp);

// ---- strformat.c
// format(v, spec) for builtin types (user __format__ is called too).
Value format_value(Value v, Value spec);
// fmt % args.
Value str_percent_format(Value fmt, Value args);
// fmt.format(*args, **kw).
Value str_format_method(Value fmt, int argc, Value *args, ObjDict *kw);
// str.format_map(mapping): names looked up by mapping[name] (any mapping,
// a dict subclass's __missing__ too); positional fields are a ValueError.
Value str_format_map(Value fmt, Value mapping);

// ---- SBuf: growable byte buffer in mem.c memory. Growth is fallible: when
// the buffer cannot grow, MemoryError is raised once, [failed] is set, later
// adds are dropped and sb_finish returns VAL_NULL. A caller that adds a
// count it got from the program (a pad width) reserves it first with
// sb_reserve, so a huge count fails at once instead of looping.
typedef struct SBuf {
    char *data;
    size_t len, cap;
    bool failed;
} SBuf;

static inline void sb_init(SBuf *b) {
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

// Makes room for [extra] more bytes (and the NUL); false: MemoryError raised.
static inline bool sb_reserve(SBuf *b, size_t extra) {
    if (b->failed) {
        return false;
    }
    if (extra < b->cap - b->len) {
        return true;
    }
    size_t need;
    if (!mem_size(b->len, 1, extra, &need) || !mem_size(need, 1, 1, &need)) {
        b->failed = true;
        return false;
    }
    size_t ncap = b->cap ? b->cap : 32;
    while (ncap < need && ncap <= SIZE_MAX / 2) {
        ncap *= 2;
    }
    if (ncap < need) {
        ncap = need;
    }
    char *nd = mem_try_realloc(b->data, b->cap, ncap);
    if (!nd && ncap > need) {
        exc_clear();        // doubling was too greedy: try the exact size
        ncap = need;
        nd = mem_try_realloc(b->data, b->cap, ncap);
    }
    if (!nd) {
        b->failed = true;
        return false;
    }
    b->data = nd;
    b->cap = ncap;
    return true;
}

static inline void sb_add(SBuf *b, const char *s, size_t n) {
    if (n > ((size_t)1 << 48)) {
        abort();    // a negative length: a caller bug (also tells GCC n is sane)
    }
    if (!sb_reserve(b, n)) {
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

static inline void sb_addc(SBuf *b, char c) {
    if (!sb_reserve(b, 1)) {
        return;
    }
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

// Appends [n] copies of the [len] bytes at [s]; false: MemoryError raised
// (the whole size is checked first, so a huge [n] fails at once).
static inline bool sb_repeat(SBuf *b, const char *s, size_t len, size_t n) {
    size_t total;
    if (b->failed || !mem_size(n, len, 0, &total) || !sb_reserve(b, total)) {
        b->failed = true;
        return false;
    }
    mem_fill_repeat(b->data + b->len, s, len, n);
    b->len += total;
    b->data[b->len] = 0;
    return true;
}

static inline void sb_adds(SBuf *b, const char *s) {
    sb_add(b, s, strlen(s));
}

static inline void sb_free(SBuf *b) {
    if (b->data) {
        mem_free(b->data, b->cap);
    }
    sb_init(b);
}

// A str of [len] bytes at [s]: VAL_NULL with MemoryError raised when it
// cannot be allocated (str_new never fails; use this for sizes a program
// chose).
Value str_try_new(const char *s, size_t len);
Value str_try_new_cp(const char *s, size_t len, size_t cplen);   // [cplen] code points, already known

// Turns the buffer into a new str and frees it; VAL_NULL if it failed.
static inline Value sb_finish(SBuf *b) {
    if (b->failed) {
        sb_free(b);
        return VAL_NULL;
    }
    Value v = str_try_new(b->data ? b->data : "", b->len);
    sb_free(b);
    return v;
}

#endif
