// check_int.c: unit tests of int.c and float.c (and number formatting in
// strformat.c): bignum arithmetic, Python's division/modulo sign rules,
// error messages, hashes, float repr, rounding. Expected values were
// produced by CPython 3.11 (each CHECK compares a repr or "Exc: message").
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "numstr.h"
#include "object.h"
#include "interp.h"
#include "unit_support.h"

#ifdef CHECK_ALL
static int nfail;
#define CHECK(expr, want) do { const char *got_ = R(expr); if (strcmp(got_, want)) { nfail++; printf("%d: %s\n   got  %s\n   want %s\n", __LINE__, #expr, got_, want); } } while (0)
#else
#define CHECK(expr, want) ck_assert_str_eq(R(expr), want)
#endif

__attribute__((unused)) static Value S(const char *s) {
    return str_from_c(s);
}

__attribute__((unused)) static Value I(int64_t i) {
    return int_from_i64(i);
}

__attribute__((unused)) static Value BIG(const char *s) {
    return int_from_str(s, 0);
}

__attribute__((unused)) static Value F(double d) {
    return float_new(d);
}

// Calls method [name] of [self] with [n] arguments.
__attribute__((unused)) static Value M(Value self, const char *name, int n, ...) {
    Value argv[8];
    argv[0] = self;
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        argv[i + 1] = va_arg(ap, Value);
    }
    va_end(ap);
    Value m = class_lookup(val_class(self), str_intern_c(name));
    if (!m) {
        return exc_raise(exc_AttributeError, "no method %s", name);
    }
    return vm_call(m, n + 1, argv, NULL);
}

// Calls staticmethod [name] of class [c].
__attribute__((unused)) static Value SM(ObjClass *c, const char *name, int n, ...) {
    Value argv[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        argv[i] = va_arg(ap, Value);
    }
    va_end(ap);
    Value m = class_lookup(c, str_intern_c(name));
    if (!m) {
        return exc_raise(exc_AttributeError, "no method %s", name);
    }
    if (IS_A(m, cls_staticmethod)) {
        m = ((ObjWrapper *)AS_OBJ(m))->func;
    }
    return vm_call(m, n, argv, NULL);
}

__attribute__((unused)) static Value B(Value a, int op, Value b) {
    return obj_binop(a, b, op);
}

__attribute__((unused)) static Value U(Value a, int op) {
    return obj_unop(a, op);
}

__attribute__((unused)) static Value FMT(Value v, const char *spec) {
    return format_value(v, S(spec));
}

__attribute__((unused)) static Value PCT(const char *fmt, Value args) {
    return str_percent_format(S(fmt), args);
}

__attribute__((unused)) static Value SF(const char *fmt, int n, ...) {
    Value argv[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        argv[i] = va_arg(ap, Value);
    }
    va_end(ap);
    return str_format_method(S(fmt), n, argv, NULL);
}

__attribute__((unused)) static Value SFKW(const char *fmt, const char *key, Value val) {
    Value d = dict_new();
    dict_set(AS_DICT(d), S(key), val);
    return str_format_method(S(fmt), 0, NULL, AS_DICT(d));
}

__attribute__((unused)) static Value H(Value v) {
    int64_t h;
    if (!obj_hash(v, &h)) {
        return VAL_NULL;
    }
    return int_from_i64(h);
}

__attribute__((unused)) static Value CMP(Value a, int op, Value b) {
    return obj_compare(a, b, op);
}

__attribute__((unused)) static Value NEW(ObjClass *c, int n, ...) {
    Value argv[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        argv[i] = va_arg(ap, Value);
    }
    va_end(ap);
    return c->new_(c, n, argv, NULL);
}

__attribute__((unused)) static Value T(int n, ...) {
    Value t = tuple_new((size_t)n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        AS_TUPLE(t)->items[i] = va_arg(ap, Value);
    }
    va_end(ap);
    return t;
}

__attribute__((unused)) static Value D1(const char *k, Value v) {
    Value d = dict_new();
    dict_set(AS_DICT(d), S(k), v);
    return d;
}

__attribute__((unused)) static Value FACT(int n) {
    Value r = I(1);
    for (int i = 2; i <= n; i++) {
        r = B(r, BIN_MUL, I(i));
    }
    return r;
}

__attribute__((unused)) static Value SLICE(Value a, Value b, Value c) {
    ObjSlice *s = (ObjSlice *)obj_alloc(cls_slice, sizeof(ObjSlice));
    s->start = a;
    s->stop = b;
    s->step = c;
    return OBJ_VAL(s);
}

__attribute__((unused)) static Value GI(Value o, Value k) {
    return obj_getitem(o, k);
}

__attribute__((unused)) static Value BOOLV(int x) {
    return x < 0 ? VAL_NULL : VAL_BOOL(x);
}

#define N VAL_NONE

START_TEST(test_bigint)
{
    CHECK(B(I(2), BIN_POW, I(100)), "1267650600228229401496703205376");
    CHECK(FACT(50), "30414093201713378043612608166064768844377641568960512000000000000");
    CHECK(B(FACT(30), BIN_FLOORDIV, FACT(28)), "870");
    CHECK(B(B(I(2), BIN_POW, I(100)), BIN_FLOORDIV, I(-3)), "-422550200076076467165567735126");
    CHECK(B(U(B(I(2), BIN_POW, I(100)), UN_NEG), BIN_MOD, I(7)), "5");
    CHECK(B(B(I(2), BIN_POW, I(100)), BIN_MOD, I(-7)), "-5");
    CHECK(B(U(B(I(10), BIN_POW, I(30)), UN_NEG), BIN_FLOORDIV, B(I(10), BIN_POW, I(20))), "-10000000000");
    CHECK(B(U(B(I(10), BIN_POW, I(30)), UN_NEG), BIN_FLOORDIV, B(I(3), BIN_POW, I(20))), "-286797199079244131333");
    CHECK(B(B(I(2), BIN_POW, I(64)), BIN_SUB, B(I(2), BIN_POW, I(64))), "0");
    CHECK(B(I(4611686018427387903LL/2), BIN_ADD, I(4611686018427387903LL/2)), "4611686018427387902");
    CHECK(B(I(2305843009213693951LL), BIN_ADD, I(1)), "2305843009213693952");
    CHECK(B(I(-2305843009213693951LL - 1), BIN_SUB, I(1)), "-2305843009213693953");
    CHECK(B(I(-2305843009213693951LL - 1), BIN_FLOORDIV, I(-1)), "2305843009213693952");
    CHECK(U(I(-2305843009213693951LL - 1), UN_NEG), "2305843009213693952");
    CHECK(B(I(3037000499LL), BIN_MUL, I(3037000499LL)), "9223372030926249001");
    CHECK(B(I(1), BIN_LSHIFT, I(100)), "1267650600228229401496703205376");
    CHECK(B(I(-1), BIN_LSHIFT, I(70)), "-1180591620717411303424");
    CHECK(B(B(I(1), BIN_LSHIFT, I(100)), BIN_RSHIFT, I(98)), "4");
    CHECK(B(U(B(I(1), BIN_LSHIFT, I(100)), UN_NEG), BIN_RSHIFT, I(200)), "-1");
    CHECK(B(I(-5), BIN_RSHIFT, I(1)), "-3");
    CHECK(B(U(B(I(1), BIN_LSHIFT, I(80)), UN_NEG), BIN_AND, I(0xFFFF0000)), "0");
    CHECK(B(B(I(1), BIN_LSHIFT, I(80)), BIN_OR, I(5)), "1208925819614629174706181");
    CHECK(B(B(I(1), BIN_LSHIFT, I(80)), BIN_XOR, B(I(1), BIN_LSHIFT, I(80))), "0");
    CHECK(U(B(I(1), BIN_LSHIFT, I(80)), UN_INVERT), "-1208925819614629174706177");
    CHECK(BIG("0x_dead_BEEF"), "3735928559");
    CHECK(BIG("123456789012345678901234567890"), "123456789012345678901234567890");
    CHECK(B(BIG("123456789012345678901234567890"), BIN_MUL, BIG("987654321098765432109876543210")), "121932631137021795226185032733622923332237463801111263526900");
    CHECK(int_pow3(I(3), B(I(10), BIN_POW, I(30)), I(1000000007)), "965115194");
    CHECK(int_pow3(I(2), I(-1), I(7)), "4");
    CHECK(int_pow3(I(2), I(3), I(-5)), "-2");
    CHECK(int_pow3(I(2), I(3), I(0)), "ValueError: pow() 3rd argument cannot be 0");
    CHECK(int_pow3(I(3), I(-1), I(6)), "ValueError: base is not invertible for the given modulus");
    CHECK(int_pow3(I(2), F(3.0), I(5)), "TypeError: pow() 3rd argument not allowed unless all arguments are integers");
    CHECK(M(B(I(2), BIN_POW, I(70)), "bit_length", 0), "71");
    CHECK(M(I(-255), "bit_length", 0), "8");
    CHECK(M(I(0), "bit_length", 0), "0");
}
END_TEST

START_TEST(test_intops)
{
    CHECK(B(I(-7), BIN_FLOORDIV, I(2)), "-4");
    CHECK(B(I(-7), BIN_MOD, I(2)), "1");
    CHECK(B(I(7), BIN_MOD, I(-2)), "-1");
    CHECK(B(I(7), BIN_FLOORDIV, I(-2)), "-4");
    CHECK(B(I(1), BIN_TRUEDIV, I(3)), "0.3333333333333333");
    CHECK(B(I(0), BIN_TRUEDIV, I(-5)), "-0.0");
    CHECK(B(B(I(10), BIN_POW, I(30)), BIN_TRUEDIV, I(7)), "1.4285714285714285e+29");
    CHECK(B(I(1), BIN_TRUEDIV, B(I(10), BIN_POW, I(30))), "1e-30");
    CHECK(B(B(I(10), BIN_POW, I(400)), BIN_TRUEDIV, I(1)), "OverflowError: integer division result too large for a float");
    CHECK(B(B(I(10), BIN_POW, I(400)), BIN_TRUEDIV, B(I(10), BIN_POW, I(399))), "10.0");
    CHECK(B(I(1), BIN_FLOORDIV, I(0)), "ZeroDivisionError: integer division or modulo by zero");
    CHECK(B(I(1), BIN_MOD, I(0)), "ZeroDivisionError: integer modulo by zero");
    CHECK(B(I(1), BIN_TRUEDIV, I(0)), "ZeroDivisionError: division by zero");
    CHECK(B(B(I(10), BIN_POW, I(30)), BIN_MOD, I(0)), "ZeroDivisionError: integer modulo by zero");
    CHECK(num_divmod(I(7), I(0)), "ZeroDivisionError: integer division or modulo by zero");
    CHECK(num_divmod(I(-7), I(2)), "(-4, 1)");
    CHECK(num_divmod(F(7.5), I(-2)), "(-4.0, -0.5)");
    CHECK(num_divmod(F(7.5), I(0)), "ZeroDivisionError: float divmod()");
    CHECK(B(I(2), BIN_POW, I(-1)), "0.5");
    CHECK(B(I(0), BIN_POW, I(-1)), "ZeroDivisionError: 0.0 cannot be raised to a negative power");
    CHECK(B(I(-2), BIN_POW, I(-3)), "-0.125");
    CHECK(B(I(1), BIN_LSHIFT, I(-1)), "ValueError: negative shift count");
    CHECK(B(I(1), BIN_ADD, S("a")), "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
    CHECK(B(I(1), BIN_ADD + BINOP_INPLACE, I(2)), "3");
    CHECK(B(VAL_TRUE, BIN_ADD, VAL_TRUE), "2");
    CHECK(B(VAL_TRUE, BIN_AND, VAL_FALSE), "False");
    CHECK(B(VAL_TRUE, BIN_XOR, VAL_TRUE), "False");
    CHECK(B(VAL_TRUE, BIN_OR, I(2)), "3");
    CHECK(U(VAL_TRUE, UN_NEG), "-1");
    CHECK(U(VAL_TRUE, UN_INVERT), "-2");
    CHECK(B(VAL_TRUE, BIN_TRUEDIV, I(2)), "0.5");
    CHECK(CMP(VAL_TRUE, OP_EQ, I(1)), "True");
    CHECK(CMP(I(3), OP_LT, F(3.5)), "True");
    CHECK(CMP(B(I(2), BIN_POW, I(53)), OP_LT, F(9007199254740993.0)), "False");
    CHECK(CMP(B(B(I(2), BIN_POW, I(53)), BIN_ADD, I(1)), OP_EQ, F(9007199254740992.0)), "False");
    CHECK(CMP(B(B(I(2), BIN_POW, I(53)), BIN_ADD, I(1)), OP_GT, F(9007199254740992.0)), "True");
    CHECK(CMP(B(I(10), BIN_POW, I(400)), OP_LT, F(INFINITY)), "True");
    CHECK(CMP(F(NAN), OP_NE, I(1)), "True");
    CHECK(CMP(F(NAN), OP_EQ, F(NAN)), "False");
    CHECK(CMP(F(1e16), OP_EQ, B(I(10), BIN_POW, I(16))), "True");
    CHECK(CMP(F(-0.5), OP_GE, I(-1)), "True");
    CHECK(CMP(B(I(10), BIN_POW, I(30)), OP_GT, B(I(10), BIN_POW, I(29))), "True");
}
END_TEST

START_TEST(test_hash)
{
    CHECK(H(I(-1)), "-2");
    CHECK(H(B(I(2), BIN_POW, I(61))), "1");
    CHECK(H(U(B(I(2), BIN_POW, I(61)), UN_NEG)), "-2");
    CHECK(H(B(B(I(2), BIN_POW, I(61)), BIN_SUB, I(1))), "0");
    CHECK(H(B(I(10), BIN_POW, I(40))), "1388497483929617590");
    CHECK(H(U(B(I(10), BIN_POW, I(40)), UN_NEG)), "-1388497483929617590");
    CHECK(H(F(0.5)), "1152921504606846976");
    CHECK(H(F(1.0)), "1");
    CHECK(H(F(-1.0)), "-2");
    CHECK(H(F(1e100)), "1822893315824342674");
    CHECK(H(F(-3.14159)), "-326484311674566659");
    CHECK(H(F(INFINITY)), "314159");
    CHECK(H(VAL_TRUE), "1");
    CHECK(H(F(2305843009213693951.0)), "1");
}
END_TEST

START_TEST(test_float_repr)
{
    CHECK(F(0.1), "0.1");
    CHECK(F(1.0/3), "0.3333333333333333");
    CHECK(F(1e16), "1e+16");
    CHECK(F(1e15), "1000000000000000.0");
    CHECK(F(1e-5), "1e-05");
    CHECK(F(0.0001), "0.0001");
    CHECK(F(123456789.0), "123456789.0");
    CHECK(F(-0.0), "-0.0");
    CHECK(F(INFINITY), "inf");
    CHECK(F(-INFINITY), "-inf");
    CHECK(F(NAN), "nan");
    CHECK(F(1e22), "1e+22");
    CHECK(F(5e-324), "5e-324");
    CHECK(F(1.5e-7), "1.5e-07");
    CHECK(F(0.1+0.2), "0.30000000000000004");
    CHECK(F(1.7976931348623157e308), "1.7976931348623157e+308");
    CHECK(F(2.0*1152921504606846976.0), "2.305843009213694e+18");
    CHECK(F(123.456), "123.456");
    CHECK(F(-2.5e-10), "-2.5e-10");
    CHECK(F(9007199254740993.0), "9007199254740992.0");
    CHECK(F(100.0), "100.0");
    CHECK(F(1e300*1e10), "inf");
}
END_TEST

START_TEST(test_floatops)
{
    CHECK(B(F(1.0), BIN_TRUEDIV, I(0)), "ZeroDivisionError: float division by zero");
    CHECK(B(F(1.0), BIN_FLOORDIV, I(0)), "ZeroDivisionError: float floor division by zero");
    CHECK(B(F(1.0), BIN_MOD, F(0.0)), "ZeroDivisionError: float modulo");
    CHECK(B(F(0.0), BIN_POW, I(-1)), "ZeroDivisionError: 0.0 cannot be raised to a negative power");
    CHECK(B(F(10.0), BIN_POW, I(400)), "OverflowError: (34, 'Numerical result out of range')");
    CHECK(B(F(-7.5), BIN_FLOORDIV, I(2)), "-4.0");
    CHECK(B(F(7.5), BIN_MOD, I(-2)), "-0.5");
    CHECK(B(F(-0.0), BIN_MOD, I(5)), "0.0");
    CHECK(B(I(5), BIN_MOD, F(-3.0)), "-1.0");
    CHECK(B(F(2.0), BIN_POW, F(0.5)), "1.4142135623730951");
    CHECK(B(I(2), BIN_POW, F(0.5)), "1.4142135623730951");
    CHECK(B(F(0.1), BIN_ADD, F(0.2)), "0.30000000000000004");
    CHECK(B(B(I(10), BIN_POW, I(400)), BIN_MUL, F(1.0)), "OverflowError: int too large to convert to float");
    CHECK(B(F(1.5), BIN_ADD, VAL_TRUE), "2.5");
    CHECK(B(F(1.5), BIN_AND, I(1)), "TypeError: unsupported operand type(s) for &: 'float' and 'int'");
    CHECK(B(F(3.0), BIN_MUL, I(-2)), "-6.0");
    CHECK(U(F(2.5), UN_NEG), "-2.5");
    CHECK(float_round(2.5, VAL_NULL), "2");
    CHECK(float_round(3.5, VAL_NULL), "4");
    CHECK(float_round(-0.5, VAL_NULL), "0");
    CHECK(float_round(0.125, I(2)), "0.12");
    CHECK(float_round(2.675, I(2)), "2.67");
    CHECK(float_round(1234.5, I(-1)), "1230.0");
    CHECK(float_round(1e300, I(-300)), "1e+300");
    CHECK(float_round(1.5, I(0)), "2.0");
    CHECK(float_round(-1.25, I(1)), "-1.2");
    CHECK(float_round(INFINITY, VAL_NULL), "OverflowError: cannot convert float infinity to integer");
    CHECK(float_round(NAN, VAL_NULL), "ValueError: cannot convert float NaN to integer");
    CHECK(float_round(1e20, VAL_NULL), "100000000000000000000");
    CHECK(num_round(I(15), I(-1)), "20");
    CHECK(num_round(I(25), I(-1)), "20");
    CHECK(num_round(I(-25), I(-1)), "-20");
    CHECK(num_round(I(7), VAL_NULL), "7");
    CHECK(num_round(F(7.5), N), "8");
    CHECK(num_round(B(I(10), BIN_POW, I(30)), I(-29)), "1000000000000000000000000000000");
}
END_TEST

START_TEST(test_constructors)
{
    CHECK(NEW(cls_int, 1, S(" -1_000 ")), "-1000");
    CHECK(NEW(cls_int, 1, S("abc")), "ValueError: invalid literal for int() with base 10: 'abc'");
    CHECK(NEW(cls_int, 2, S("0x1f"), I(0)), "31");
    CHECK(NEW(cls_int, 2, S("010"), I(0)), "ValueError: invalid literal for int() with base 0: '010'");
    CHECK(NEW(cls_int, 2, S("00"), I(0)), "0");
    CHECK(NEW(cls_int, 2, S("ff"), I(16)), "255");
    CHECK(NEW(cls_int, 2, S("0xff"), I(16)), "255");
    CHECK(NEW(cls_int, 2, S("z"), I(36)), "35");
    CHECK(NEW(cls_int, 2, S("12"), I(1)), "ValueError: int() base must be >= 2 and <= 36, or 0");
    CHECK(NEW(cls_int, 1, S("1__0")), "ValueError: invalid literal for int() with base 10: '1__0'");
    CHECK(NEW(cls_int, 1, S("_1")), "ValueError: invalid literal for int() with base 10: '_1'");
    CHECK(NEW(cls_int, 1, S("1_")), "ValueError: invalid literal for int() with base 10: '1_'");
    CHECK(NEW(cls_int, 1, S("")), "ValueError: invalid literal for int() with base 10: ''");
    CHECK(NEW(cls_int, 1, S("99999999999999999999999")), "99999999999999999999999");
    CHECK(NEW(cls_int, 1, F(-3.9)), "-3");
    CHECK(NEW(cls_int, 1, F(1e20)), "100000000000000000000");
    CHECK(NEW(cls_int, 1, F(INFINITY)), "OverflowError: cannot convert float infinity to integer");
    CHECK(NEW(cls_int, 1, F(NAN)), "ValueError: cannot convert float NaN to integer");
    CHECK(NEW(cls_int, 2, F(1.5), I(10)), "TypeError: int() can't convert non-string with explicit base");
    CHECK(NEW(cls_int, 1, VAL_TRUE), "1");
    CHECK(NEW(cls_int, 0), "0");
    CHECK(NEW(cls_int, 1, N), "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
    CHECK(NEW(cls_float, 1, S(" 1.5 ")), "1.5");
    CHECK(NEW(cls_float, 1, S("x")), "ValueError: could not convert string to float: 'x'");
    CHECK(NEW(cls_float, 1, S("-inf")), "-inf");
    CHECK(NEW(cls_float, 1, S("nAn")), "nan");
    CHECK(NEW(cls_float, 1, S("Infinity")), "inf");
    CHECK(NEW(cls_float, 1, S("1_0.5")), "10.5");
    CHECK(NEW(cls_float, 1, S("0x1p3")), "ValueError: could not convert string to float: '0x1p3'");
    CHECK(NEW(cls_float, 1, S("1e500")), "inf");
    CHECK(NEW(cls_float, 1, S(".5e-2")), "0.005");
    CHECK(NEW(cls_float, 1, S("1.")), "1.0");
    CHECK(NEW(cls_float, 1, S(".")), "ValueError: could not convert string to float: '.'");
    CHECK(NEW(cls_float, 1, S("e5")), "ValueError: could not convert string to float: 'e5'");
    CHECK(NEW(cls_float, 1, B(I(10), BIN_POW, I(400))), "OverflowError: int too large to convert to float");
    CHECK(NEW(cls_float, 1, I(7)), "7.0");
    CHECK(NEW(cls_float, 1, N), "TypeError: float() argument must be a string or a real number, not 'NoneType'");
    CHECK(NEW(cls_bool, 1, I(0)), "False");
    CHECK(NEW(cls_bool, 1, S("x")), "True");
    CHECK(NEW(cls_float, 1, B(B(I(2), BIN_POW, I(1024)), BIN_SUB, I(1))), "OverflowError: int too large to convert to float");
    CHECK(NEW(cls_float, 1, BIG("123456789012345678901234567890")), "1.2345678901234568e+29");
    CHECK(M(F(3.0), "is_integer", 0), "True");
    CHECK(M(F(0.75), "as_integer_ratio", 0), "(3, 4)");
    CHECK(VAL_TRUE, "True");
    CHECK(VAL_FALSE, "False");
}
END_TEST

START_TEST(test_numformat)
{
    CHECK(FMT(I(1234567), ","), "'1,234,567'");
    CHECK(FMT(I(1234567), "_"), "'1_234_567'");
    CHECK(FMT(I(255), "#x"), "'0xff'");
    CHECK(FMT(I(255), "X"), "'FF'");
    CHECK(FMT(I(-255), "#010x"), "'-0x00000ff'");
    CHECK(FMT(I(5), "b"), "'101'");
    CHECK(FMT(I(8), "#o"), "'0o10'");
    CHECK(FMT(I(0xabcdef), "_x"), "'ab_cdef'");
    CHECK(FMT(I(1234), "08,"), "'0,001,234'");
    CHECK(FMT(I(1234), "010,"), "'00,001,234'");
    CHECK(FMT(I(1234), "0=10,"), "'00,001,234'");
    CHECK(FMT(I(-3), "05"), "'-0003'");
    CHECK(FMT(I(42), "+d"), "'+42'");
    CHECK(FMT(I(42), " d"), "' 42'");
    CHECK(FMT(I(42), "*^9"), "'***42****'");
    CHECK(FMT(I(42), "<6"), "'42    '");
    CHECK(FMT(I(-42), "=8"), "'-     42'");
    CHECK(FMT(I(65), "c"), "'A'");
    CHECK(FMT(I(1), ".2d"), "ValueError: Precision not allowed in integer format specifier");
    CHECK(FMT(I(1), ",x"), "ValueError: Cannot specify ',' with 'x'.");
    CHECK(FMT(I(1), ",_"), "ValueError: Cannot specify both ',' and '_'.");
    CHECK(FMT(I(1), "abc"), "ValueError: Invalid format specifier 'abc' for object of type 'int'");
    CHECK(FMT(I(5), "f"), "'5.000000'");
    CHECK(FMT(I(5), "e"), "'5.000000e+00'");
    CHECK(FMT(I(123456789), ".2%"), "'12345678900.00%'");
    CHECK(FMT(I(5), "q"), "ValueError: Unknown format code 'q' for object of type 'int'");
    CHECK(FMT(B(I(2), BIN_POW, I(64)), "x"), "'10000000000000000'");
    CHECK(FMT(U(B(I(2), BIN_POW, I(64)), UN_NEG), ","), "'-18,446,744,073,709,551,616'");
    CHECK(FMT(VAL_TRUE, ""), "'True'");
    CHECK(FMT(VAL_TRUE, ">5"), "'    1'");
    CHECK(FMT(VAL_TRUE, "d"), "'1'");
    CHECK(FMT(F(3.14159), ".3f"), "'3.142'");
    CHECK(FMT(F(3.14159), ">8.3f"), "'   3.142'");
    CHECK(FMT(F(3.14159), "+.2e"), "'+3.14e+00'");
    CHECK(FMT(F(12345.678), ",.2f"), "'12,345.68'");
    CHECK(FMT(F(0.5), "%"), "'50.000000%'");
    CHECK(FMT(F(1e16), ""), "'1e+16'");
    CHECK(FMT(F(123.0), ".2"), "'1.2e+02'");
    CHECK(FMT(F(1e6), ".3"), "'1e+06'");
    CHECK(FMT(F(100.0), ".3"), "'1e+02'");
    CHECK(FMT(F(1.0), ".3"), "'1.0'");
    CHECK(FMT(F(1.5), "10"), "'       1.5'");
    CHECK(FMT(F(1.5), "010"), "'00000001.5'");
    CHECK(FMT(F(-1.5), "=10"), "'-      1.5'");
    CHECK(FMT(F(1.5), "d"), "ValueError: Unknown format code 'd' for object of type 'float'");
    CHECK(FMT(F(INFINITY), "010"), "'0000000inf'");
    CHECK(FMT(F(NAN), "+"), "'+nan'");
    CHECK(FMT(F(-0.0), "z.1f"), "'0.0'");
    CHECK(FMT(F(-0.04), "z.1f"), "'0.0'");
    CHECK(FMT(F(1234.5), "n"), "'1234.5'");
    CHECK(FMT(F(1e100), "g"), "'1e+100'");
    CHECK(FMT(F(1.0), "#g"), "'1.00000'");
    CHECK(FMT(F(1e-5), ".3"), "'1e-05'");
    CHECK(FMT(F(2.5), ".0f"), "'2'");
    CHECK(FMT(F(1234567.891), "_.1f"), "'1_234_567.9'");
    CHECK(FMT(F(1e300*10), "F"), "'10000000000000000525047602552044202487044685811081591549158541155118024579889081957863713750804478640437044438328838781769425232353604305756447921847867069828483872009265758037378302337947880900593689532349707999450811190389676408800746527427801424945792587888200568428381156694721963868654594005401600.000000'");
    CHECK(FMT(F(12.5), "E"), "'1.250000E+01'");
    CHECK(FMT(F(0.000123), "G"), "'0.000123'");
    CHECK(FMT(F(1234.5678), "012,.1f"), "'00,001,234.6'");
    CHECK(FMT(F(1.5), "x"), "ValueError: Unknown format code 'x' for object of type 'float'");
    CHECK(FMT(F(1.5), "."), "ValueError: Format specifier missing precision");
    CHECK(FMT(F(-1e-7), ""), "'-1e-07'");
}
END_TEST

// Hand-written checks of the C API of int.c and float.c.
START_TEST(test_c_api)
{
    int64_t i;
    ck_assert(int_to_i64(I(-5), &i) && i == -5);
    ck_assert(int_to_i64(VAL_TRUE, &i) && i == 1);
    ck_assert(int_to_i64(BIG("9223372036854775807"), &i) && i == INT64_MAX);
    ck_assert(!int_to_i64(BIG("9223372036854775808"), &i));
    ck_assert_str_eq(R(VAL_NULL), "OverflowError: Python int too large to convert to C long");
    ck_assert(IS_SMALL(int_from_i64(SMALL_MAX)) && !IS_SMALL(int_from_i64(SMALL_MAX + 1)));
    ck_assert(IS_SMALL(B(int_from_i64(SMALL_MAX + 1), BIN_SUB, I(1))));
    bool ov;
    // 2**53 + 1 rounds to even; 2**54 + 3 rounds up
    ck_assert(int_to_double(B(B(I(2), BIN_POW, I(80)), BIN_ADD, I(1)), &ov) == ldexp(1.0, 80) && !ov);
    ck_assert(int_to_double(BIG("18014398509481987"), &ov) == 18014398509481988.0);
    int_to_double(B(I(10), BIN_POW, I(400)), &ov);
    ck_assert(ov);
    double d;
    ck_assert(val_to_double(VAL_TRUE, &d) && d == 1.0);
    ck_assert(!val_to_double(S("x"), &d));
    ck_assert_str_eq(R(VAL_NULL), "TypeError: must be real number, not str");
    ck_assert(float_parse(" -1.5e3 ", 8, &d) && d == -1500.0);
    ck_assert(!float_parse("1.5x", 4, &d));
    ck_assert_str_eq(R(int_from_str("0b1_01", 0)), "5");
    ck_assert_str_eq(R(int_from_str("0o17", 0)), "15");
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("int");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_bigint);
    tcase_add_test(tc, test_intops);
    tcase_add_test(tc, test_hash);
    tcase_add_test(tc, test_float_repr);
    tcase_add_test(tc, test_floatops);
    tcase_add_test(tc, test_constructors);
    tcase_add_test(tc, test_numformat);
    tcase_add_test(tc, test_c_api);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    unit_setup("check_int", false);
    return unit_run(make_suite(), false);
}
