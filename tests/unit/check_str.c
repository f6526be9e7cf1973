// check_str.c: unit tests of str.c and strformat.c: repr, methods,
// indexing and slicing, format specs, %-formatting and str.format.
// Expected values were produced by CPython 3.11 (each CHECK compares a repr
// or "Exc: message").
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

START_TEST(test_repr)
{
    CHECK(S("hello"), "'hello'");
    CHECK(S("a'b"), "\"a'b\"");
    CHECK(S("a'b\""), "'a\\'b\"'");
    CHECK(S("a\"b"), "'a\"b'");
    CHECK(S("\x01\x7f\n\t\r\\"), "'\\x01\\x7f\\n\\t\\r\\\\'");
    CHECK(S("\xc2\x80\xc2\xa0\xc2\xad\xe2\x80\xa8\xc3\xa9\xf0\x9f\x98\x80"), "'\\x80\\xa0\\xad\\u2028\303\251\360\237\230\200'");
    CHECK(S(""), "''");
    CHECK(S("日本"), "'\346\227\245\346\234\254'");
}
END_TEST

START_TEST(test_ops)
{
    CHECK(B(S("ab"), BIN_ADD, S("cd")), "'abcd'");
    CHECK(B(S("ab"), BIN_MUL, I(3)), "'ababab'");
    CHECK(B(I(2), BIN_MUL, S("xy")), "'xyxy'");
    CHECK(B(S("ab"), BIN_MUL, I(-1)), "''");
    CHECK(B(S("a"), BIN_ADD, I(1)), "TypeError: can only concatenate str (not \"int\") to str");
    CHECK(B(S("a"), BIN_MUL, F(2.0)), "TypeError: can't multiply sequence by non-int of type 'float'");
    CHECK(CMP(S("abc"), OP_LT, S("abd")), "True");
    CHECK(CMP(S("ab"), OP_LT, S("abc")), "True");
    CHECK(CMP(S("é"), OP_GT, S("z")), "True");
    CHECK(CMP(S("a"), OP_EQ, S("a")), "True");
    CHECK(CMP(S("a"), OP_EQ, I(1)), "False");
    CHECK(CMP(S("a"), OP_LT, I(1)), "TypeError: '<' not supported between instances of 'str' and 'int'");
    CHECK(GI(S("héllo"), I(1)), "'\303\251'");
    CHECK(GI(S("abc"), I(-1)), "'c'");
    CHECK(GI(S("abc"), I(3)), "IndexError: string index out of range");
    CHECK(GI(S("abc"), F(1.5)), "TypeError: string indices must be integers, not 'float'");
    CHECK(GI(S("abcdef"), SLICE(I(1), I(4), N)), "'bcd'");
    CHECK(GI(S("abcdef"), SLICE(N, N, I(-1))), "'fedcba'");
    CHECK(GI(S("abcdef"), SLICE(I(-2), N, N)), "'ef'");
    CHECK(GI(S("abcdef"), SLICE(N, N, I(2))), "'ace'");
    CHECK(GI(S("héllo wörld"), SLICE(I(1), I(9), I(3))), "'\303\251o\303\266'");
    CHECK(GI(S("héllo"), SLICE(N, N, I(-2))), "'olh'");
    CHECK(GI(S("abc"), SLICE(I(10), I(20), N)), "''");
    CHECK(GI(S("abc"), SLICE(N, N, I(0))), "ValueError: slice step cannot be zero");
    CHECK(GI(S("abcdef"), SLICE(I(5), I(1), I(-2))), "'fd'");
    CHECK(BOOLV(obj_contains(S("hello"), S("ell"))), "True");
    CHECK(BOOLV(obj_contains(S("hello"), S(""))), "True");
    CHECK(BOOLV(obj_contains(S("hello"), I(1))), "TypeError: 'in <string>' requires string as left operand, not int");
    CHECK(obj_len(S("héllo")), "5");
    CHECK(NEW(cls_str, 1, I(42)), "'42'");
    CHECK(NEW(cls_str, 1, F(1.5)), "'1.5'");
    CHECK(NEW(cls_str, 0), "''");
    CHECK(NEW(cls_str, 1, N), "'None'");
    CHECK(str_char(0xe9), "'\303\251'");
    CHECK(str_join_list(S(", "), T(3, S("a"), S("b"), S("c"))), "'a, b, c'");
}
END_TEST

START_TEST(test_methods1)
{
    CHECK(M(S("  a  b  "), "split", 0), "['a', 'b']");
    CHECK(M(S("a,b,,c"), "split", 2, S(","), I(2)), "['a', 'b', ',c']");
    CHECK(M(S("a b c"), "rsplit", 2, N, I(1)), "['a b', 'c']");
    CHECK(M(S("a b"), "split", 1, S("")), "ValueError: empty separator");
    CHECK(M(S("  a  b  c  "), "split", 2, N, I(1)), "['a', 'b  c  ']");
    CHECK(M(S("  a  b  c  "), "rsplit", 2, N, I(1)), "['  a  b', 'c']");
    CHECK(M(S("a::b::c"), "rsplit", 2, S("::"), I(1)), "['a::b', 'c']");
    CHECK(M(S(""), "split", 0), "[]");
    CHECK(M(S(""), "split", 1, S(",")), "['']");
    CHECK(M(S("a\343\200\200b\302\240c"), "split", 0), "['a', 'b', 'c']");
    CHECK(M(S("-"), "join", 1, S("abc")), "'a-b-c'");
    CHECK(M(S(""), "join", 1, T(2, S("a"), I(1))), "TypeError: sequence item 1: expected str instance, int found");
    CHECK(M(S("  x "), "strip", 0), "'x'");
    CHECK(M(S("xxaxx"), "strip", 1, S("x")), "'a'");
    CHECK(M(S("xxaxx"), "lstrip", 1, S("x")), "'axx'");
    CHECK(M(S("xxaxx"), "rstrip", 1, S("x")), "'xxa'");
    CHECK(M(S("ééaé"), "strip", 1, S("é")), "'a'");
    CHECK(M(S(" \t\n"), "strip", 0), "''");
    CHECK(M(S("aaa"), "replace", 3, S("a"), S("b"), I(2)), "'bba'");
    CHECK(M(S("abc"), "replace", 2, S(""), S("-")), "'-a-b-c-'");
    CHECK(M(S("abc"), "replace", 3, S(""), S("-"), I(2)), "'-a-bc'");
    CHECK(M(S("hello"), "replace", 2, S("l"), S("LL")), "'heLLLLo'");
    CHECK(M(S("abc"), "find", 1, S("c")), "2");
    CHECK(M(S("abcabc"), "find", 2, S("c"), I(3)), "5");
    CHECK(M(S("abc"), "find", 2, S(""), I(5)), "-1");
    CHECK(M(S("abc"), "find", 2, S(""), I(3)), "3");
    CHECK(M(S("abcabc"), "rfind", 1, S("b")), "4");
    CHECK(M(S("abcabc"), "rfind", 3, S("b"), I(0), I(4)), "1");
    CHECK(M(S("abc"), "index", 1, S("d")), "ValueError: substring not found");
    CHECK(M(S("héllo"), "index", 1, S("l")), "2");
    CHECK(M(S("héllo"), "rindex", 1, S("l")), "3");
    CHECK(M(S("abc"), "find", 3, S("b"), I(-2), I(-1)), "1");
    CHECK(M(S("abc"), "find", 3, S("b"), N, N), "1");
    CHECK(M(S("abcabc"), "count", 1, S("")), "7");
    CHECK(M(S("abc"), "count", 2, S(""), I(1)), "3");
    CHECK(M(S("aaaa"), "count", 1, S("aa")), "2");
    CHECK(M(S("abc"), "startswith", 1, S("ab")), "True");
    CHECK(M(S("abc"), "startswith", 1, T(2, S("x"), S("a"))), "True");
    CHECK(M(S("abc"), "startswith", 1, I(1)), "TypeError: startswith first arg must be str or a tuple of str, not int");
    CHECK(M(S("abc"), "endswith", 2, S("b"), I(0)), "False");
    CHECK(M(S("abc"), "endswith", 3, S("b"), I(0), I(2)), "True");
    CHECK(M(S("abc"), "startswith", 2, S(""), I(4)), "False");
}
END_TEST

START_TEST(test_methods2)
{
    CHECK(M(S("aBc DeF"), "upper", 0), "'ABC DEF'");
    CHECK(M(S("aBc DeF"), "lower", 0), "'abc def'");
    CHECK(M(S("héllo"), "upper", 0), "'H\303\211LLO'");
    CHECK(M(S("straße"), "upper", 0), "'STRASSE'");
    CHECK(M(S("Abc"), "swapcase", 0), "'aBC'");
    CHECK(M(S("they're bill's"), "title", 0), "\"They'Re Bill'S\"");
    CHECK(M(S("hello WORLD"), "capitalize", 0), "'Hello world'");
    CHECK(M(S("ÉCOLE"), "casefold", 0), "'\303\251cole'");
    CHECK(M(S("123"), "isdigit", 0), "True");
    CHECK(M(S(""), "isdigit", 0), "False");
    CHECK(M(S("abc"), "isalpha", 0), "True");
    CHECK(M(S("é"), "isalpha", 0), "True");
    CHECK(M(S("a1"), "isalnum", 0), "True");
    CHECK(M(S(" \t"), "isspace", 0), "True");
    CHECK(M(S("ABC1"), "isupper", 0), "True");
    CHECK(M(S("1"), "isupper", 0), "False");
    CHECK(M(S("abc"), "islower", 0), "True");
    CHECK(M(S("_a1"), "isidentifier", 0), "True");
    CHECK(M(S("1a"), "isidentifier", 0), "False");
    CHECK(M(S("Hello World"), "istitle", 0), "True");
    CHECK(M(S("12"), "isnumeric", 0), "True");
    CHECK(M(S("12"), "isdecimal", 0), "True");
    CHECK(M(S("abc"), "center", 2, I(8), S("*")), "'**abc***'");
    CHECK(M(S("abc"), "center", 1, I(6)), "' abc  '");
    CHECK(M(S("ab"), "center", 1, I(5)), "'  ab '");
    CHECK(M(S("x"), "center", 2, I(4), S("ab")), "TypeError: The fill character must be exactly one character long");
    CHECK(M(S("ab"), "ljust", 2, I(5), S("é")), "'ab\303\251\303\251\303\251'");
    CHECK(M(S("ab"), "rjust", 1, I(5)), "'   ab'");
    CHECK(M(S("abc"), "zfill", 1, I(5)), "'00abc'");
    CHECK(M(S("-12"), "zfill", 1, I(6)), "'-00012'");
    CHECK(M(S("+1"), "zfill", 1, I(1)), "'+1'");
    CHECK(M(S("abc"), "partition", 1, S("b")), "('a', 'b', 'c')");
    CHECK(M(S("abc"), "rpartition", 1, S("z")), "('', '', 'abc')");
    CHECK(M(S("abc"), "partition", 1, S("z")), "('abc', '', '')");
    CHECK(M(S("a.b.c"), "rpartition", 1, S(".")), "('a.b', '.', 'c')");
    CHECK(M(S("abc"), "partition", 1, S("")), "ValueError: empty separator");
    CHECK(M(S("a\nb\r\nc\rd"), "splitlines", 0), "['a', 'b', 'c', 'd']");
    CHECK(M(S("a\nb\r\nc\rd\n"), "splitlines", 1, VAL_TRUE), "['a\\n', 'b\\r\\n', 'c\\r', 'd\\n']");
    CHECK(M(S("a\tbc\td"), "expandtabs", 0), "'a       bc      d'");
    CHECK(M(S("a\tb\nab\tc"), "expandtabs", 1, I(4)), "'a   b\\nab  c'");
    CHECK(M(S("abc"), "encode", 0), "b'abc'");
    CHECK(M(S("prefix_x"), "removeprefix", 1, S("prefix_")), "'x'");
    CHECK(M(S("x.py"), "removesuffix", 1, S(".py")), "'x'");
    CHECK(M(S("abc"), "translate", 1, SM(cls_str, "maketrans", 2, S("ab"), S("xy"))), "'xyc'");
    CHECK(SM(cls_str, "maketrans", 3, S("ab"), S("xy"), S("c")), "{97: 120, 98: 121, 99: None}");
    CHECK(M(S("abc"), "translate", 1, D1("a", S("XY"))), "'abc'");
    CHECK(M(S("abc"), "isascii", 0), "True");
    CHECK(M(S("aé"), "isprintable", 0), "True");
}
END_TEST

START_TEST(test_format_spec)
{
    CHECK(FMT(S("ab"), "^5"), "' ab  '");
    CHECK(FMT(S("ab"), "*>6"), "'****ab'");
    CHECK(FMT(S("hello"), ".2"), "'he'");
    CHECK(FMT(S("héllo"), "10.3"), "'h\303\251l       '");
    CHECK(FMT(S("a"), "=5"), "ValueError: '=' alignment not allowed in string format specifier");
    CHECK(FMT(S("a"), "+5"), "ValueError: Sign not allowed in string format specifier");
    CHECK(FMT(S("a"), ","), "ValueError: Cannot specify ',' with 's'.");
    CHECK(FMT(S("a"), "d"), "ValueError: Unknown format code 'd' for object of type 'str'");
    CHECK(FMT(S("a"), "05"), "'a0000'");
    CHECK(FMT(S("a"), "é<4"), "'a\303\251\303\251\303\251'");
    CHECK(FMT(S("abc"), ""), "'abc'");
    CHECK(FMT(S("abc"), "s"), "'abc'");
    CHECK(FMT(N, ""), "'None'");
    CHECK(FMT(N, ">5"), "TypeError: unsupported format string passed to NoneType.__format__");
    CHECK(FMT(S("x"), "<"), "'x'");
    CHECK(FMT(F(2.0), "^9.2f"), "'  2.00   '");
}
END_TEST

START_TEST(test_percent)
{
    CHECK(PCT("%5.1f|%-6d|%06.2f|%+d|% d|%#o|%#x|%X|%e|%g|%G|%c|%c|%r|%.2s|%%", T(15, F(3.14159), I(42), F(3.14159), I(5), I(5), I(8), I(255), I(255), F(12345.678), F(1e-5), F(1e20), I(65), S("z"), S("hi"), S("hello"))), "\"  3.1|42    |003.14|+5| 5|0o10|0xff|FF|1.234568e+04|1e-05|1E+20|A|z|'hi'|he|%\"");
    CHECK(PCT("%.3d", I(5)), "'005'");
    CHECK(PCT("%5.3d", I(-5)), "' -005'");
    CHECK(PCT("%-05d|", I(3)), "'3    |'");
    CHECK(PCT("%s", I(5)), "'5'");
    CHECK(PCT("%d", VAL_TRUE), "'1'");
    CHECK(PCT("%d", F(3.9)), "'3'");
    CHECK(PCT("%x", F(1.5)), "TypeError: %x format: an integer is required, not float");
    CHECK(PCT("%d", S("a")), "TypeError: %d format: a real number is required, not str");
    CHECK(PCT("%c", S("ab")), "TypeError: %c requires int or char");
    CHECK(PCT("%f", S("a")), "TypeError: must be real number, not str");
    CHECK(PCT("%s %s", T(1, I(1))), "TypeError: not enough arguments for format string");
    CHECK(PCT("%s", T(2, I(1), I(2))), "TypeError: not all arguments converted during string formatting");
    CHECK(PCT("%(a)s", I(5)), "TypeError: format requires a mapping");
    CHECK(PCT("%(a)s-%(a)r", D1("a", S("x"))), "\"x-'x'\"");
    CHECK(PCT("%", T(0)), "ValueError: incomplete format");
    CHECK(PCT("%y", I(1)), "ValueError: unsupported format character 'y' (0x79) at index 1");
    CHECK(PCT("%*d|%-*d|%.*f", T(6, I(5), I(42), I(4), I(7), I(2), F(3.14159))), "'   42|7   |3.14'");
    CHECK(PCT("%*d", T(2, S("a"), I(1))), "TypeError: * wants int");
    CHECK(PCT("%5s|%-5s|", T(2, S("a"), S("b"))), "'    a|b    |'");
    CHECK(PCT("%s", D1("a", I(1))), "\"{'a': 1}\"");
    CHECK(PCT("abc", D1("a", I(1))), "'abc'");
    CHECK(PCT("%s and %s", T(2, S("é"), F(0.1))), "'\303\251 and 0.1'");
    CHECK(PCT("%i|%u", T(2, I(-3), I(4))), "'-3|4'");
    CHECK(PCT("%08.3e", F(-1234.5)), "'-1.234e+03'");
    CHECK(PCT("%x", B(I(2), BIN_POW, I(70))), "'400000000000000000'");
    CHECK(PCT("%.0f", F(2.5)), "'2'");
    CHECK(PCT("%10.4s|", S("abcdefg")), "'      abcd|'");
    CHECK(B(S("%d items"), BIN_MOD, I(3)), "'3 items'");
}
END_TEST

START_TEST(test_format_method)
{
    CHECK(SF("{:>8.3f}|{:<6}|{:^7}|{:*^9}|{!r:>6}", 5, F(3.14159), S("ab"), S("mid"), S("c"), S("s")), "\"   3.142|ab    |  mid  |****c****|   's'\"");
    CHECK(SF("{0}{1}{0}", 2, S("a"), S("b")), "'aba'");
    CHECK(SF("{0}{}", 2, I(1), I(2)), "ValueError: cannot switch from manual field specification to automatic field numbering");
    CHECK(SF("{}{0}", 2, I(1), I(2)), "ValueError: cannot switch from automatic field numbering to manual field specification");
    CHECK(SF("{2}", 1, I(1)), "IndexError: Replacement index 2 out of range for positional args tuple");
    CHECK(SF("{a}", 0), "KeyError: 'a'");
    CHECK(SF("{", 0), "ValueError: Single '{' encountered in format string");
    CHECK(SF("}", 0), "ValueError: Single '}' encountered in format string");
    CHECK(SF("{0!x}", 1, I(1)), "ValueError: Unknown conversion specifier x");
    CHECK(SF("{0!rx}", 1, I(1)), "ValueError: expected ':' after conversion specifier");
    CHECK(SF("{{}} {{{0}}}", 1, I(7)), "'{} {7}'");
    CHECK(SF("{0:{1}}", 2, F(3.14159), S(".2f")), "'3.14'");
    CHECK(SF("{:{}{}}", 3, I(1), S(">"), I(5)), "'    1'");
    CHECK(SF("{0[1]}", 1, T(2, S("x"), S("y"))), "'y'");
    CHECK(SF("{0[a]}", 1, D1("a", I(9))), "'9'");
    CHECK(SFKW("{name}!", "name", S("bob")), "'bob!'");
    CHECK(SFKW("{name:>5}", "name", I(3)), "'    3'");
    CHECK(SF("{:,}", 1, B(I(10), BIN_POW, I(20))), "'100,000,000,000,000,000,000'");
    CHECK(SF("{:05}", 1, I(-3)), "'-0003'");
    CHECK(SF("{0!s:>4}|{0!r}", 1, S("a")), "\"   a|'a'\"");
    CHECK(SF("{:", 1, I(1)), "ValueError: unmatched '{' in format spec");
    CHECK(SF("x{}y", 1, N), "'xNoney'");
    CHECK(SF("{:%}", 1, F(0.25)), "'25.000000%'");
}
END_TEST

// Hand-written checks of the C API (interning, hashing, iteration).
START_TEST(test_c_api)
{
    ck_assert_ptr_eq(AS_OBJ(str_intern("abc", 3)), AS_OBJ(str_intern("abc", 3)));
    ck_assert(str_intern_c("abc")->interned);
    ck_assert_ptr_eq(str_intern_c("xyz"), str_intern_c("xyz"));
    Value a = S("hello world"), b = str_concat(S("hello "), S("world"));
    ck_assert(str_eq(AS_STR(a), AS_STR(b)));
    ck_assert_int_eq(str_hash(AS_STR(a)), str_hash(AS_STR(b)));
    ck_assert_str_eq(str_cstr(str_printf("%d-%s", 42, "x")), "42-x");
    ck_assert_int_eq((int)AS_STR(S("h\303\251llo"))->cplen, 5);
    // iteration yields 1-char strings, by code point
    Value it = obj_iter(S("a\303\251b"));
    ck_assert(it != VAL_NULL);
    Value x;
    const char *want[] = {"a", "\303\251", "b"};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(obj_next(it, &x), 1);
        ck_assert_str_eq(str_cstr(x), want[i]);
    }
    ck_assert_int_eq(obj_next(it, &x), 0);
    ck_assert_ptr_eq(AS_OBJ(str_char('q')), AS_OBJ(str_char('q')));
    // many interned strings survive table growth
    char buf[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "name%d", i);
        str_intern_c(buf);
    }
    ck_assert_ptr_eq(str_intern_c("name17"), str_intern_c("name17"));
    ck_assert_ptr_eq(AS_OBJ(str_intern("abc", 3)), AS_OBJ(str_intern("abc", 3)));
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("str");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_repr);
    tcase_add_test(tc, test_ops);
    tcase_add_test(tc, test_methods1);
    tcase_add_test(tc, test_methods2);
    tcase_add_test(tc, test_format_spec);
    tcase_add_test(tc, test_percent);
    tcase_add_test(tc, test_format_method);
    tcase_add_test(tc, test_c_api);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    unit_setup("check_str", false);
    return unit_run(make_suite(), false);
}
