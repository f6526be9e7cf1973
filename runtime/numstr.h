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
void int_init(void);
// True if [v] is an int: small, big, bool, or instance of an int subclass.
bool int_check(Value v);
// Sets the initialized [out] to the value of int [v] (int_check(v) true).
void int_get_mpz(Value v, mpz_t out);
// Normalized int from [z] (small when it fits).
Value int_from_mpz(const mpz_t z);
// Compares int [i] with finite-or-not double [d] exactly: -1, 0, 1; 2 if d is NaN.
int int_float_cmp(Value i, double d);
// Binary op [op] (AstBinOp, +BINOP_INPLACE ok) on ints; NotImplemented else.
Value int_binop(Value a, Value b, int op);
// Three-argument pow(a, b, m).
Value int_pow3(Value a, Value b, Value m);
// divmod(a, b) for ints/floats: a 2-tuple, or NotImplemented.
Value num_divmod(Value a, Value b);
// Decimal text of int [v] (a new str).
Value int_repr(Value v);
// Python hash of an int value.
int64_t int_hash_value(Value v);
// Converts a double to an int (truncation), raising Overflow/ValueError
// for inf/nan.
Value int_from_double(double d);

// ---- float.c
void float_init(void);
// Arithmetic with at least one float operand; NotImplemented otherwise.
Value float_binop(Value a, Value b, int op);
// round(x[, ndigits]) for a float [x]; [ndigits] VAL_NULL or None: int result.
Value float_round(double x, Value ndigits);
// round(x[, ndigits]) for int or float [x].
Value num_round(Value x, Value ndigits);
// Python's float hash.
int64_t float_hash_value(double d);
// Parses float() text (whitespace, underscores, inf/nan); false: no raise,
// just invalid.
bool float_parse(const char *s, size_t len, double *out);

// ---- str.c
void str_init(void);
// Second step of str_init, once dicts and staticmethod exist (called by
// int_init, which runs after class_ready): adds str.maketrans.
void str_init_late(void);
// Marks every interned string (the GC must call this from its root marking).
void str_mark_interned(void);
// A 1-code-point string (ASCII ones are cached).
Value str_char(uint32_t cp);
// sep.join(iterable).
Value str_join_list(Value sep, Value iterable);
// Python's repr of a str value.
Value str_repr(Value s);
// True if [v] is a str or an instance of a str subclass.
bool str_check(Value v);
// Decodes the UTF-8 code point at s[*i] and advances *i.
uint32_t utf8_decode(const char *s, size_t len, size_t *i);
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

// ---- SBuf: growable byte buffer in mem.c memory
typedef struct SBuf {
    char *data;
    size_t len, cap;
} SBuf;

static inline void sb_init(SBuf *b) {
    b->data = NULL;
    b->len = b->cap = 0;
}

static inline void sb_reserve(SBuf *b, size_t extra) {
    if (b->len + extra + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        while (ncap < b->len + extra + 1) {
            ncap *= 2;
        }
        b->data = b->data ? mem_realloc(b->data, b->cap, ncap) : mem_alloc(ncap);
        b->cap = ncap;
    }
}

static inline void sb_add(SBuf *b, const char *s, size_t n) {
    if (n > ((size_t)1 << 48)) {
        abort();    // a negative length: a caller bug (also tells GCC n is sane)
    }
    sb_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

static inline void sb_addc(SBuf *b, char c) {
    sb_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
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

// Turns the buffer into a new str and frees it.
static inline Value sb_finish(SBuf *b) {
    Value v = str_new(b->data ? b->data : "", b->len);
    sb_free(b);
    return v;
}

#endif
