// check_parser.c: unit tests of the front end (lexer, parser, checks):
// ast_dump output for each construct, and ParseError (message, kind, line,
// column, incomplete) for errors, including deep nesting that must be a
// SyntaxError rather than a crash.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "unit_support.h"

static char dumpbuf[1 << 16];

// Parses [src] and returns its dump (or "ERROR: msg").
static const char *parse_mode(const char *src, ParseMode mode) {
    Arena *arena = NULL;
    ParseError err;
    Ast *m = parse_source(src, strlen(src), mode, &arena, &err);
    if (m == NULL) {
        ck_assert_ptr_null(arena);
        snprintf(dumpbuf, sizeof dumpbuf, "ERROR: %s", err.msg);
        return dumpbuf;
    }
    char *d = ast_dump(m);
    snprintf(dumpbuf, sizeof dumpbuf, "%s", d);
    free(d);
    arena_free(arena);
    return dumpbuf;
}

static const char *P(const char *src) {
    return parse_mode(src, PARSE_FILE);
}

// Parses [src], which must fail; returns the error.
static ParseError E_mode(const char *src, ParseMode mode) {
    Arena *arena = NULL;
    ParseError err;
    Ast *m = parse_source(src, strlen(src), mode, &arena, &err);
    ck_assert_msg(m == NULL, "expected an error for: %s", src);
    ck_assert_ptr_null(arena);
    return err;
}

static ParseError E(const char *src) {
    return E_mode(src, PARSE_FILE);
}

#define ASSERT_DUMP(src, expected) ck_assert_str_eq(P(src), "(MODULE [" expected "])")

#define ASSERT_ERR(src, kind_, msg_, line_, col_)              \
    do {                                                       \
        ParseError e_ = E(src);                                \
        ck_assert_str_eq(e_.msg, msg_);                        \
        ck_assert_str_eq(e_.kind, kind_);                      \
        ck_assert_int_eq(e_.line, line_);                      \
        ck_assert_int_eq(e_.col, col_);                        \
    } while (0)

// ---- expressions

START_TEST(test_precedence) {
    ASSERT_DUMP("x = 1 + 2*3\n",
                "(ASSIGN (BINOP + (CONST_INT 1) (BINOP * (CONST_INT 2) (CONST_INT 3))) [(NAME x store)])");
    ASSERT_DUMP("-2**2\n", "(EXPR_STMT (UNARYOP - (BINOP ** (CONST_INT 2) (CONST_INT 2))))");
    ASSERT_DUMP("2**-1\n", "(EXPR_STMT (BINOP ** (CONST_INT 2) (UNARYOP - (CONST_INT 1))))");
    ASSERT_DUMP("2**3**4\n",
                "(EXPR_STMT (BINOP ** (CONST_INT 2) (BINOP ** (CONST_INT 3) (CONST_INT 4))))");
    ASSERT_DUMP("a - b - c\n", "(EXPR_STMT (BINOP - (BINOP - (NAME a) (NAME b)) (NAME c)))");
    ASSERT_DUMP("a | b ^ c & d << e + f @ g // h % i / j\n",
                "(EXPR_STMT (BINOP | (NAME a) (BINOP ^ (NAME b) (BINOP & (NAME c) (BINOP << (NAME d) "
                "(BINOP + (NAME e) (BINOP / (BINOP % (BINOP // (BINOP @ (NAME f) (NAME g)) (NAME h)) "
                "(NAME i)) (NAME j))))))))");
    ASSERT_DUMP("~-+x\n", "(EXPR_STMT (UNARYOP ~ (UNARYOP - (UNARYOP + (NAME x)))))");
    ASSERT_DUMP("not not x\n", "(EXPR_STMT (UNARYOP not (UNARYOP not (NAME x))))");
    ASSERT_DUMP("a or b or c and d\n",
                "(EXPR_STMT (BOOLOP or [(NAME a) (NAME b) (BOOLOP and [(NAME c) (NAME d)])]))");
    ASSERT_DUMP("not a and b\n",
                "(EXPR_STMT (BOOLOP and [(UNARYOP not (NAME a)) (NAME b)]))");
    ASSERT_DUMP("a < b == c is not d not in e in f is g\n",
                "(EXPR_STMT (COMPARE (NAME a) < (NAME b) == (NAME c) is not (NAME d) not in (NAME e) "
                "in (NAME f) is (NAME g)))");
    ASSERT_DUMP("(a < b) < c\n",
                "(EXPR_STMT (COMPARE (COMPARE (NAME a) < (NAME b)) < (NAME c)))");
    ASSERT_DUMP("a if b else c if d else e\n",
                "(EXPR_STMT (IFEXP (NAME b) (NAME a) (IFEXP (NAME d) (NAME c) (NAME e))))");
    ck_assert_str_eq(parse_mode("await x ** 2\n", PARSE_INTERACTIVE),
                     "(MODULE [(EXPR_STMT echo (BINOP ** (AWAIT (NAME x)) (CONST_INT 2)))])");
}
END_TEST

START_TEST(test_atoms) {
    ASSERT_DUMP("x = 1_000, 0x_ff, 0o17, 0B1, 1.5e3, .5, 5., 1E-2_0\n",
                "(ASSIGN (TUPLE [(CONST_INT 1000) (CONST_INT 0xff) (CONST_INT 0o17) (CONST_INT 0B1) "
                "(CONST_FLOAT 1.5e3) (CONST_FLOAT .5) (CONST_FLOAT 5.) (CONST_FLOAT 1E-20)]) "
                "[(NAME x store)])");
    ASSERT_DUMP("None, True, False, ...\n",
                "(EXPR_STMT (TUPLE [(CONST_NONE) (CONST_TRUE) (CONST_FALSE) (ELLIPSIS)]))");
    ASSERT_DUMP("(), (1,), [1, 2,], {}, {1}, {1: 2,}\n",
                "(EXPR_STMT (TUPLE [(TUPLE []) (TUPLE [(CONST_INT 1)]) (LIST [(CONST_INT 1) (CONST_INT 2)]) "
                "(DICT [] []) (SET [(CONST_INT 1)]) (DICT [(CONST_INT 1)] [(CONST_INT 2)])]))");
    ASSERT_DUMP("[*a, *b], {*s, 1}, {'a': 1, **d}\n",
                "(EXPR_STMT (TUPLE [(LIST [(STARRED (NAME a)) (STARRED (NAME b))]) "
                "(SET [(STARRED (NAME s)) (CONST_INT 1)]) "
                "(DICT [(CONST_STR 'a') _] [(CONST_INT 1) (NAME d)])]))");
    ASSERT_DUMP("π = 3\n", "(ASSIGN (CONST_INT 3) [(NAME π store)])");
}
END_TEST

START_TEST(test_strings) {
    ASSERT_DUMP("s = 'a' \"b\" '''c''' \"\"\"d\"\"\" r'\\n' 'x'\n",
                "(ASSIGN (CONST_STR 'abcd\\\\nx') [(NAME s store)])");
    ASSERT_DUMP("s = b'a' rb'\\n' B'\\x41'\n",
                "(ASSIGN (CONST_BYTES 'a\\\\nA') [(NAME s store)])");
    ASSERT_DUMP("'\\x41\\u00e9\\U0001F600\\101\\0\\t\\q'\n",
                "(EXPR_STMT (CONST_STR 'Aé😀A\\x00\\t\\\\q'))");
    ASSERT_DUMP("'a\\\nb'\n", "(EXPR_STMT (CONST_STR 'ab'))");
    ASSERT_DUMP("'''a\nb'''\n", "(EXPR_STMT (CONST_STR 'a\\nb'))");
    ASSERT_DUMP("f'a{x!r:>{w}}b{{c}}' 'd'\n",
                "(EXPR_STMT (FSTRING [(CONST_STR 'a') (FORMATTED_VALUE !r (NAME x) "
                "(FSTRING [(CONST_STR '>') (FORMATTED_VALUE (NAME w) _)])) (CONST_STR 'b{c}d')]))");
    ASSERT_DUMP("f'{x=}'\n", "(EXPR_STMT (FSTRING [(CONST_STR 'x=') (FORMATTED_VALUE !r (NAME x) _)]))");
    ASSERT_DUMP("rf'{a[\"k\"] + 1:5}\\n'\n",
                "(EXPR_STMT (FSTRING [(FORMATTED_VALUE (BINOP + (SUBSCRIPT (NAME a) (CONST_STR 'k')) "
                "(CONST_INT 1)) (FSTRING [(CONST_STR '5')])) (CONST_STR '\\\\n')]))");
    ASSERT_DUMP("f'{a!s}{b!a}{ {1: 2}[1] }'\n",
                "(EXPR_STMT (FSTRING [(FORMATTED_VALUE !s (NAME a) _) (FORMATTED_VALUE !a (NAME b) _) "
                "(FORMATTED_VALUE (SUBSCRIPT (DICT [(CONST_INT 1)] [(CONST_INT 2)]) (CONST_INT 1)) _)]))");
}
END_TEST

START_TEST(test_trailers) {
    ASSERT_DUMP("a.b.c(d)[1:2, ::3]\n",
                "(EXPR_STMT (SUBSCRIPT (CALL (ATTRIBUTE c (ATTRIBUTE b (NAME a))) [(NAME d)] []) "
                "(TUPLE [(SLICE (CONST_INT 1) (CONST_INT 2) _) (SLICE _ _ (CONST_INT 3))])))");
    ASSERT_DUMP("a[1:2, 3]\n",
                "(EXPR_STMT (SUBSCRIPT (NAME a) (TUPLE [(SLICE (CONST_INT 1) (CONST_INT 2) _) (CONST_INT 3)])))");
    ASSERT_DUMP("a[:]\n", "(EXPR_STMT (SUBSCRIPT (NAME a) (SLICE _ _ _)))");
    ASSERT_DUMP("a[x:=1]\n", "(EXPR_STMT (SUBSCRIPT (NAME a) (NAMEDEXPR (NAME x store) (CONST_INT 1))))");
    ASSERT_DUMP("f(a, *b, c=1, **d,)\n",
                "(EXPR_STMT (CALL (NAME f) [(NAME a) (STARRED (NAME b))] "
                "[(KEYWORD c (CONST_INT 1)) (KEYWORD _ (NAME d))]))");
    ASSERT_DUMP("f(x=1, *a)\n",
                "(EXPR_STMT (CALL (NAME f) [(STARRED (NAME a))] [(KEYWORD x (CONST_INT 1))]))");
    ASSERT_DUMP("f(x for x in y)\n",
                "(EXPR_STMT (CALL (NAME f) [(GENEXP (NAME x) [(COMPREHENSION (NAME x store) (NAME y) [])])] []))");
}
END_TEST

START_TEST(test_comprehensions) {
    ASSERT_DUMP("[x*y for x in a if x if z for y in b]\n",
                "(EXPR_STMT (LISTCOMP (BINOP * (NAME x) (NAME y)) [(COMPREHENSION (NAME x store) (NAME a) "
                "[(NAME x) (NAME z)]) (COMPREHENSION (NAME y store) (NAME b) [])]))");
    ASSERT_DUMP("{k: v for k, v in d}\n",
                "(EXPR_STMT (DICTCOMP (NAME k) (NAME v) [(COMPREHENSION (TUPLE store [(NAME k store) "
                "(NAME v store)]) (NAME d) [])]))");
    ASSERT_DUMP("{x for x in s}, (x for x in s)\n",
                "(EXPR_STMT (TUPLE [(SETCOMP (NAME x) [(COMPREHENSION (NAME x store) (NAME s) [])]) "
                "(GENEXP (NAME x) [(COMPREHENSION (NAME x store) (NAME s) [])])]))");
    ASSERT_DUMP("async def f():\n    return [x async for x in y]\n",
                "(FUNCDEF f async (ARGUMENTS _ _ [] []) _ [(RETURN (LISTCOMP (NAME x) "
                "[(COMPREHENSION async (NAME x store) (NAME y) [])]))] [])");
    ASSERT_DUMP("[x for x in a if (lambda: 1)]\n",
                "(EXPR_STMT (LISTCOMP (NAME x) [(COMPREHENSION (NAME x store) (NAME a) "
                "[(LAMBDA (CONST_INT 1) (ARGUMENTS _ _ [] []))])]))");
}
END_TEST

START_TEST(test_lambda) {
    ASSERT_DUMP("lambda *a, **k: 0\n",
                "(EXPR_STMT (LAMBDA (CONST_INT 0) (ARGUMENTS (ARG a _ _) (ARG k _ _) [] [])))");
    ASSERT_DUMP("lambda x=1, *, y: x if y else lambda: 2\n",
                "(EXPR_STMT (LAMBDA (IFEXP (NAME y) (NAME x) (LAMBDA (CONST_INT 2) (ARGUMENTS _ _ [] []))) "
                "(ARGUMENTS _ _ [(ARG x (CONST_INT 1) _)] [(ARG y _ _)])))");
    ASSERT_DUMP("f = lambda: (yield)\n",
                "(ASSIGN (LAMBDA (YIELD _) (ARGUMENTS _ _ [] [])) [(NAME f store)])");
}
END_TEST

START_TEST(test_async_as_name) {
    ASSERT_DUMP("asyncio.async(x)\nasync(x)\nx = async\nasync = 1\n",
                "(EXPR_STMT (CALL (ATTRIBUTE async (NAME asyncio)) [(NAME x)] [])) "
                "(EXPR_STMT (CALL (NAME async) [(NAME x)] [])) "
                "(ASSIGN (NAME async) [(NAME x store)]) (ASSIGN (CONST_INT 1) [(NAME async store)])");
    ASSERT_DUMP("from asyncio import async\n", "(IMPORT_FROM asyncio level=0 [(ALIAS async)])");
}
END_TEST

// ---- statements

START_TEST(test_assign) {
    ASSERT_DUMP("a = b = c\n", "(ASSIGN (NAME c) [(NAME a store) (NAME b store)])");
    ASSERT_DUMP("a, *b = x\n",
                "(ASSIGN (NAME x) [(TUPLE store [(NAME a store) (STARRED store (NAME b store))])])");
    ASSERT_DUMP("[a, (b, c)] = x\n",
                "(ASSIGN (NAME x) [(LIST store [(NAME a store) (TUPLE store [(NAME b store) (NAME c store)])])])");
    ASSERT_DUMP("a.b, c[0] = 1, 2\n",
                "(ASSIGN (TUPLE [(CONST_INT 1) (CONST_INT 2)]) [(TUPLE store [(ATTRIBUTE b store (NAME a)) "
                "(SUBSCRIPT store (NAME c) (CONST_INT 0))])])");
    ASSERT_DUMP("x += 1\ny //= 2\nz **= 3\n",
                "(AUGASSIGN + (NAME x store) (CONST_INT 1)) (AUGASSIGN // (NAME y store) (CONST_INT 2)) "
                "(AUGASSIGN ** (NAME z store) (CONST_INT 3))");
    ASSERT_DUMP("x: int = 3\ny: str\n",
                "(ANNASSIGN (NAME x store) (NAME int) (CONST_INT 3)) (ANNASSIGN (NAME y store) (NAME str) _)");
    ASSERT_DUMP("x = *a, *b\n",
                "(ASSIGN (TUPLE [(STARRED (NAME a)) (STARRED (NAME b))]) [(NAME x store)])");
    ASSERT_DUMP("if (n := len(a)) > 10: pass\n",
                "(IF (COMPARE (NAMEDEXPR (NAME n store) (CALL (NAME len) [(NAME a)] [])) > (CONST_INT 10)) "
                "[(PASS)] [])");
    ASSERT_DUMP("a; b; c;\n", "(EXPR_STMT (NAME a)) (EXPR_STMT (NAME b)) (EXPR_STMT (NAME c))");
}
END_TEST

START_TEST(test_simple_stmts) {
    ASSERT_DUMP("del a, (b, c), d[0]\n",
                "(DEL [(NAME a del) (TUPLE del [(NAME b del) (NAME c del)]) (SUBSCRIPT del (NAME d) (CONST_INT 0))])");
    ASSERT_DUMP("global a, b\n", "(GLOBAL [(NAME a) (NAME b)])");
    ASSERT_DUMP("def f():\n    nonlocal a\n",
                "(FUNCDEF f (ARGUMENTS _ _ [] []) _ [(NONLOCAL [(NAME a)])] [])");
    ASSERT_DUMP("raise E from e\nraise\n", "(RAISE (NAME E) (NAME e)) (RAISE _ _)");
    ASSERT_DUMP("assert x, 'm'\n", "(ASSERT (NAME x) (CONST_STR 'm'))");
    ASSERT_DUMP("import a.b as c, d\n", "(IMPORT [(ALIAS a.b as c) (ALIAS d)])");
    ASSERT_DUMP("from m import x as y, z\n", "(IMPORT_FROM m level=0 [(ALIAS x as y) (ALIAS z)])");
    ASSERT_DUMP("from m import (x,\n y,)\n", "(IMPORT_FROM m level=0 [(ALIAS x) (ALIAS y)])");
    ASSERT_DUMP("from m import *\n", "(IMPORT_FROM m level=0 [(ALIAS *)])");
    ASSERT_DUMP("from . import x\n", "(IMPORT_FROM _ level=1 [(ALIAS x)])");
    ASSERT_DUMP("from ...a.b import x\n", "(IMPORT_FROM a.b level=3 [(ALIAS x)])");
    ASSERT_DUMP("pass\n", "(PASS)");
}
END_TEST

START_TEST(test_compound) {
    ASSERT_DUMP("if x: pass\nelif y: pass\nelse: pass\n",
                "(IF (NAME x) [(PASS)] [(IF (NAME y) [(PASS)] [(PASS)])])");
    ASSERT_DUMP("while x:\n    break\nelse:\n    pass\n", "(WHILE (NAME x) [(BREAK)] [(PASS)])");
    ASSERT_DUMP("for a, b in x, y:\n    continue\nelse: pass\n",
                "(FOR (TUPLE store [(NAME a store) (NAME b store)]) (TUPLE [(NAME x) (NAME y)]) "
                "[(CONTINUE)] [(PASS)])");
    ASSERT_DUMP("try:\n  pass\nexcept (A, B) as e:\n  pass\nexcept E:\n  pass\nexcept:\n  pass\n"
                "else:\n  pass\nfinally:\n  pass\n",
                "(TRY [(PASS)] [(EXCEPT_HANDLER e (TUPLE [(NAME A) (NAME B)]) [(PASS)]) "
                "(EXCEPT_HANDLER _ (NAME E) [(PASS)]) (EXCEPT_HANDLER _ _ [(PASS)])] [(PASS)] [(PASS)])");
    ASSERT_DUMP("try:\n  pass\nfinally:\n  pass\n", "(TRY [(PASS)] [] [] [(PASS)])");
    ASSERT_DUMP("with a as b, c: pass\n",
                "(WITH [(WITHITEM (NAME a) (NAME b store)) (WITHITEM (NAME c) _)] [(PASS)])");
    ASSERT_DUMP("with a as (b, c): pass\n",
                "(WITH [(WITHITEM (NAME a) (TUPLE store [(NAME b store) (NAME c store)]))] [(PASS)])");
    ASSERT_DUMP("if x:\n\n    # comment\n    a = 1  # c\n\n    b\n",
                "(IF (NAME x) [(ASSIGN (CONST_INT 1) [(NAME a store)]) (EXPR_STMT (NAME b))] [])");
    ASSERT_DUMP("x = [1,\n  2] + \\\n  [3]\n",
                "(ASSIGN (BINOP + (LIST [(CONST_INT 1) (CONST_INT 2)]) (LIST [(CONST_INT 3)])) [(NAME x store)])");
    ASSERT_DUMP("if x:\n\tif y:\n\t\tpass\n", "(IF (NAME x) [(IF (NAME y) [(PASS)] [])] [])");
    ASSERT_DUMP("x = 1", "(ASSIGN (CONST_INT 1) [(NAME x store)])");
    ASSERT_DUMP("", "");
    ASSERT_DUMP("\n\n# only a comment\n", "");
}
END_TEST

START_TEST(test_defs) {
    ASSERT_DUMP("def f(a, b=1, /, c=2, *d, e, f=3, **g) -> int:\n    return (yield from x)\n",
                "(FUNCDEF f (ARGUMENTS posonly=2 (ARG d _ _) (ARG g _ _) [(ARG a _ _) (ARG b (CONST_INT 1) _) "
                "(ARG c (CONST_INT 2) _)] [(ARG e _ _) (ARG f (CONST_INT 3) _)]) (NAME int) "
                "[(RETURN (YIELD_FROM (NAME x)))] [])");
    ASSERT_DUMP("def f(a: int, *, b: str = 'x', **k: dict,): pass\n",
                "(FUNCDEF f (ARGUMENTS _ (ARG k _ (NAME dict)) [(ARG a _ (NAME int))] "
                "[(ARG b (CONST_STR 'x') (NAME str))]) _ [(PASS)] [])");
    ASSERT_DUMP("@a.b(c)\n@d\nasync def f():\n    await x\n",
                "(FUNCDEF f async (ARGUMENTS _ _ [] []) _ [(EXPR_STMT (AWAIT (NAME x)))] "
                "[(CALL (ATTRIBUTE b (NAME a)) [(NAME c)] []) (NAME d)])");
    ASSERT_DUMP("@dec\nclass C(A, B, metaclass=M):\n    x = 1\n",
                "(CLASSDEF C [(NAME A) (NAME B)] [(KEYWORD metaclass (NAME M))] "
                "[(ASSIGN (CONST_INT 1) [(NAME x store)])] [(NAME dec)])");
    ASSERT_DUMP("class A(): pass\n", "(CLASSDEF A [] [] [(PASS)] [])");
    ASSERT_DUMP("async def g():\n    async for x in y:\n        yield x\n    async with a as b, c:\n"
                "        pass\n",
                "(FUNCDEF g async (ARGUMENTS _ _ [] []) _ [(FOR async (NAME x store) (NAME y) "
                "[(EXPR_STMT (YIELD (NAME x)))] []) (WITH async [(WITHITEM (NAME a) (NAME b store)) "
                "(WITHITEM (NAME c) _)] [(PASS)])] [])");
    ASSERT_DUMP("def g():\n    x = yield v\n    y = yield\n    await_ = 1\n",
                "(FUNCDEF g (ARGUMENTS _ _ [] []) _ [(ASSIGN (YIELD (NAME v)) [(NAME x store)]) "
                "(ASSIGN (YIELD _) [(NAME y store)]) (ASSIGN (CONST_INT 1) [(NAME await_ store)])] [])");
}
END_TEST

START_TEST(test_interactive) {
    ck_assert_str_eq(parse_mode("x\ny = 1\nawait f()\n", PARSE_INTERACTIVE),
                     "(MODULE [(EXPR_STMT echo (NAME x)) (ASSIGN (CONST_INT 1) [(NAME y store)]) "
                     "(EXPR_STMT echo (AWAIT (CALL (NAME f) [] [])))])");
    ck_assert_str_eq(parse_mode("async for x in y: pass\n", PARSE_INTERACTIVE),
                     "(MODULE [(FOR async (NAME x store) (NAME y) [(PASS)] [])])");
    ParseError e = E_mode("if x:\n", PARSE_INTERACTIVE);
    ck_assert(e.incomplete);
    e = E("def f():\n    if x:\n");
    ck_assert(e.incomplete);
    e = E("x = (1,\n");
    ck_assert(e.incomplete);
    e = E("s = '''abc\n");
    ck_assert(e.incomplete);
    e = E("x = \\\n");
    ck_assert(e.incomplete);
    e = E("@d\n");
    ck_assert(e.incomplete);
    e = E("try:\n    x\n");
    ck_assert(e.incomplete);
    e = E("x = 1 +\n");
    ck_assert(!e.incomplete);
    e = E("x = )\n");
    ck_assert(!e.incomplete);
}
END_TEST

START_TEST(test_locations) {
    Arena *arena;
    ParseError err;
    const char *src = "if x:\n    y = f(a,\n          b)\n";
    Ast *m = parse_source(src, strlen(src), PARSE_FILE, &arena, &err);
    ck_assert_ptr_nonnull(m);
    Ast *ifs = m->list.items[0];
    ck_assert_int_eq(ifs->loc.line, 1);
    ck_assert_int_eq(ifs->loc.col, 0);
    Ast *asg = ifs->list.items[0];
    ck_assert_int_eq(asg->loc.line, 2);
    ck_assert_int_eq(asg->loc.col, 4);
    ck_assert_int_eq(asg->loc.end_line, 3);
    ck_assert_int_eq(asg->loc.end_col, 12);
    Ast *call = asg->a;
    ck_assert_int_eq(call->kind, AST_CALL);
    ck_assert_int_eq(call->loc.col, 8);
    Ast *b = call->list.items[1];
    ck_assert_int_eq(b->loc.line, 3);
    ck_assert_int_eq(b->loc.col, 10);
    ck_assert_int_eq(b->loc.end_col, 11);
    arena_free(arena);
    // f-string fields carry their real position.
    src = "s = f'ab{cd}'\n";
    m = parse_source(src, strlen(src), PARSE_FILE, &arena, &err);
    ck_assert_ptr_nonnull(m);
    Ast *fv = m->list.items[0]->a->list.items[1];
    ck_assert_int_eq(fv->kind, AST_FORMATTED_VALUE);
    ck_assert_int_eq(fv->a->loc.col, 9);
    ck_assert_int_eq(fv->a->loc.end_col, 11);
    arena_free(arena);
}
END_TEST

// ---- errors

START_TEST(test_syntax_errors) {
    ASSERT_ERR("x = = 1\n", "SyntaxError", "invalid syntax", 1, 4);
    ASSERT_ERR("if x\n    pass\n", "SyntaxError", "expected ':'", 1, 4);
    ASSERT_ERR("f(1 2)\n", "SyntaxError", "invalid syntax. Perhaps you forgot a comma?", 1, 2);
    ASSERT_ERR("x = 1)\n", "SyntaxError", "unmatched ')'", 1, 5);
    ASSERT_ERR("x = (1\ny = 2\n", "SyntaxError", "'(' was never closed", 1, 4);
    ASSERT_ERR("x = [1, 2)\n", "SyntaxError",
               "closing parenthesis ')' does not match opening parenthesis '['", 1, 9);
    ASSERT_ERR("s = 'abc\n", "SyntaxError", "unterminated string literal (detected at line 1)", 1, 4);
    ASSERT_ERR("x = 1\ns = '''abc\n\n", "SyntaxError",
               "unterminated triple-quoted string literal (detected at line 3)", 2, 4);
    ASSERT_ERR("x = 5 € 3\n", "SyntaxError", "invalid character '€' (U+20AC)", 1, 6);
    ASSERT_ERR("x = 012\n", "SyntaxError",
               "leading zeros in decimal integer literals are not permitted; use an 0o prefix for "
               "octal integers", 1, 4);
    ASSERT_ERR("x = 1abc\n", "SyntaxError", "invalid decimal literal", 1, 4);
    ASSERT_ERR("x = 0o8\n", "SyntaxError", "invalid digit '8' in octal literal", 1, 6);
    ASSERT_ERR("try:\n    x\ny\n", "SyntaxError", "expected 'except' or 'finally' block", 3, 0);
    ASSERT_ERR("x = \\\n", "SyntaxError", "unexpected EOF while parsing", 1, 5);
    ASSERT_ERR("from m import a,\n", "SyntaxError",
               "trailing comma not allowed without surrounding parentheses", 1, 16);
    ASSERT_ERR("f'{}'\n", "SyntaxError", "f-string: empty expression not allowed", 1, 5);
    ASSERT_ERR("f'}'\n", "SyntaxError", "f-string: single '}' is not allowed", 1, 4);
    ASSERT_ERR("f'{x!z}'\n", "SyntaxError",
               "f-string: invalid conversion character: expected 's', 'r', or 'a'", 1, 8);
    // (counted in "(a b)", the text CPython 3.11 shows for it)
    ASSERT_ERR("f'{a b}'\n", "SyntaxError", "f-string: invalid syntax. Perhaps you forgot a comma?", 1, 1);
    Arena *arena;
    ParseError e;
    ck_assert_ptr_null(parse_source("x = 1\0\n", 7, PARSE_FILE, &arena, &e));
    ck_assert_str_eq(e.msg, "source code cannot contain null bytes");
}
END_TEST

START_TEST(test_indent_errors) {
    ASSERT_ERR("if x:\n    y\n  z\n", "IndentationError",
               "unindent does not match any outer indentation level", 3, 3);
    ASSERT_ERR("x = 1\n  y = 2\n", "IndentationError", "unexpected indent", 2, -1);
    ASSERT_ERR("if x:\npass\n", "IndentationError",
               "expected an indented block after 'if' statement on line 1", 2, 0);
    // at the end of input: the header's NEWLINE (interp_compile_mode moves it as CPython's)
    ASSERT_ERR("def f():\n", "IndentationError",
               "expected an indented block after function definition on line 1", 1, 8);
    ASSERT_ERR("class A:\n    async def f(): pass\n    async for x in y:\n", "IndentationError",
               "expected an indented block after 'for' statement on line 3", 3, 21);
    ASSERT_ERR("if x:\n\ty\n        z\n", "TabError",
               "inconsistent use of tabs and spaces in indentation", 3, -1);
}
END_TEST

START_TEST(test_target_errors) {
    ASSERT_ERR("1 = x\n", "SyntaxError",
               "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 0);
    ASSERT_ERR("f() = x\n", "SyntaxError",
               "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 0);
    ASSERT_ERR("a + b = x\n", "SyntaxError",
               "cannot assign to expression here. Maybe you meant '==' instead of '='?", 1, 0);
    ASSERT_ERR("a, f() = x\n", "SyntaxError", "cannot assign to function call", 1, 3);
    ASSERT_ERR("a < b = 1\n", "SyntaxError", "cannot assign to comparison", 1, 0);
    ASSERT_ERR("None = 1\n", "SyntaxError", "cannot assign to None", 1, 0);
    ASSERT_ERR("(a, b) += 1\n", "SyntaxError", "'tuple' is an illegal expression for augmented assignment", 1, 0);
    ASSERT_ERR("f() += 1\n", "SyntaxError",
               "'function call' is an illegal expression for augmented assignment", 1, 0);
    ASSERT_ERR("for 1 in x: pass\n", "SyntaxError", "cannot assign to literal", 1, 4);
    ASSERT_ERR("with a as 1: pass\n", "SyntaxError", "cannot assign to literal", 1, 10);
    ASSERT_ERR("del f()\n", "SyntaxError", "cannot delete function call", 1, 4);
    ASSERT_ERR("x = yield = 1\n", "SyntaxError", "assignment to yield expression not possible", 1, 4);
    ASSERT_ERR("*a = 1\n", "SyntaxError", "starred assignment target must be in a list or tuple", 1, 0);
    ASSERT_ERR("a, *b, *c = 1\n", "SyntaxError", "multiple starred expressions in assignment", 1, 0);
    ASSERT_ERR("x = *a\n", "SyntaxError", "can't use starred expression here", 1, 4);
    ASSERT_ERR("(a.b := 1)\n", "SyntaxError", "cannot use assignment expressions with attribute", 1, 1);
    ASSERT_ERR("f(x=1, 2)\n", "SyntaxError", "positional argument follows keyword argument", 1, 8);
    ASSERT_ERR("f(**k, *a)\n", "SyntaxError",
               "iterable argument unpacking follows keyword argument unpacking", 1, 7);
    ASSERT_ERR("f(1+1=2)\n", "SyntaxError",
               "expression cannot contain assignment, perhaps you meant \"==\"?", 1, 2);
    ASSERT_ERR("f(x for x in y, 1)\n", "SyntaxError", "Generator expression must be parenthesized", 1, 2);
    ASSERT_ERR("[*a for a in b]\n", "SyntaxError", "iterable unpacking cannot be used in comprehension", 1, 1);
}
END_TEST

START_TEST(test_param_errors) {
    ASSERT_ERR("def f(x=1, y): pass\n", "SyntaxError", "non-default argument follows default argument", 1, 11);
    ASSERT_ERR("def f(x, x): pass\n", "SyntaxError", "duplicate argument 'x' in function definition", 1, 9);
    ASSERT_ERR("lambda a, *, a: 0\n", "SyntaxError", "duplicate argument 'a' in function definition", 1, 13);
    ASSERT_ERR("def f(a, *):\n", "SyntaxError", "named arguments must follow bare *", 1, 9);
    ASSERT_ERR("def f(**k, a): pass\n", "SyntaxError", "arguments cannot follow var-keyword argument", 1, 11);
    ASSERT_ERR("def f(*a, *b): pass\n", "SyntaxError", "* argument may appear only once", 1, 10);
    ASSERT_ERR("def f(/): pass\n", "SyntaxError", "at least one argument must precede /", 1, 6);
}
END_TEST

START_TEST(test_scope_errors) {
    ASSERT_ERR("await x\n", "SyntaxError", "'await' outside function", 1, 0);
    ASSERT_ERR("def f():\n    await x\n", "SyntaxError", "'await' outside async function", 2, 4);
    ASSERT_ERR("async def f():\n    lambda: await x\n", "SyntaxError", "'await' outside async function", 2, 12);
    ASSERT_ERR("def f():\n    [await x for x in y]\n", "SyntaxError",
               "asynchronous comprehension outside of an asynchronous function", 2, 4);
    ASSERT_ERR("[x async for x in y]\n", "SyntaxError",
               "asynchronous comprehension outside of an asynchronous function", 1, 0);
    ASSERT_ERR("return 1\n", "SyntaxError", "'return' outside function", 1, 0);
    ASSERT_ERR("class A:\n    return\n", "SyntaxError", "'return' outside function", 2, 4);
    ASSERT_ERR("yield 1\n", "SyntaxError", "'yield' outside function", 1, 0);
    ASSERT_ERR("def f():\n    x = [(yield) for i in y]\n", "SyntaxError", "'yield' inside list comprehension", 2, 10);
    ASSERT_ERR("break\n", "SyntaxError", "'break' outside loop", 1, 0);
    ASSERT_ERR("while x:\n    def f(): break\n", "SyntaxError", "'break' outside loop", 2, 13);
    ASSERT_ERR("for x in y:\n    pass\nelse:\n    continue\n", "SyntaxError",
               "'continue' not properly in loop", 4, 4);
    ASSERT_ERR("nonlocal x\n", "SyntaxError", "nonlocal declaration not allowed at module level", 1, 0);
    ASSERT_ERR("async def f():\n    yield 1\n    return 2\n", "SyntaxError",
               "'return' with value in async generator", 3, 4);
    ASSERT_ERR("async def f():\n    yield from x\n", "SyntaxError", "'yield from' inside async function", 2, 4);
    ASSERT_ERR("async for x in y: pass\n", "SyntaxError", "'async for' outside async function", 1, 0);
    ASSERT_ERR("def f():\n    async with x: pass\n", "SyntaxError", "'async with' outside async function", 2, 4);
    // Allowed forms.
    ASSERT_DUMP("def f():\n    (await x for x in y)\n",
                "(FUNCDEF f (ARGUMENTS _ _ [] []) _ [(EXPR_STMT (GENEXP (AWAIT (NAME x)) "
                "[(COMPREHENSION (NAME x store) (NAME y) [])]))] [])");
    ck_assert_str_eq(P("async def f():\n    yield 1\n    return\n")[0] == '(' ? "ok" : P("x"), "ok");
    ck_assert_str_eq(P("while x:\n    try:\n        pass\n    finally:\n        continue\n")[0] == '(' ? "ok" : "bad", "ok");
}
END_TEST

// ---- deep nesting never crashes

static char *repeat(const char *pre, int n, const char *mid, const char *post, int m) {
    size_t lp = strlen(pre), lm = strlen(mid), lq = strlen(post);
    char *s = malloc(lp * (size_t)n + lm + lq * (size_t)m + 2);
    char *q = s;
    for (int i = 0; i < n; i++) {
        memcpy(q, pre, lp);
        q += lp;
    }
    memcpy(q, mid, lm);
    q += lm;
    for (int i = 0; i < m; i++) {
        memcpy(q, post, lq);
        q += lq;
    }
    *q++ = '\n';
    *q = '\0';
    return s;
}

static void assert_deep_error(char *src, const char *msg) {
    ParseError e = E(src);
    ck_assert_str_eq(e.msg, msg);
    free(src);
}

static void assert_ok(char *src) {
    ck_assert_str_ne(P(src), "");
    ck_assert_msg(strncmp(dumpbuf, "ERROR", 5) != 0, "%s", dumpbuf);
    free(src);
}

START_TEST(test_deep_nesting) {
    assert_deep_error(repeat("(", 100000, "1", ")", 100000), "too many nested parentheses");
    assert_deep_error(repeat("[", 100000, "", "]", 100000), "too many nested parentheses");
    assert_ok(repeat("(", 199, "1", ")", 199));
    assert_deep_error(repeat("-", 100000, "1", "", 0), "too many nested expressions");
    assert_deep_error(repeat("not ", 100000, "1", "", 0), "too many nested expressions");
    assert_deep_error(repeat("lambda: ", 100000, "1", "", 0), "too many nested expressions");
    assert_deep_error(repeat("1 if 2 else ", 100000, "1", "", 0), "too many nested expressions");
    assert_deep_error(repeat("2 ** ", 100000, "1", "", 0), "too many nested expressions");
    assert_deep_error(repeat("1 + ", 100000, "1", "", 0), "too many nested expressions");
    assert_deep_error(repeat("", 0, "a", ".b", 100000), "too many nested expressions");
    assert_deep_error(repeat("", 0, "a", "[0]", 100000), "too many nested expressions");
    assert_deep_error(repeat("", 0, "a", "()", 100000), "too many nested expressions");
    assert_ok(repeat("-", 1000, "1", "", 0));
    assert_ok(repeat("not ", 1000, "1", "", 0));
    assert_ok(repeat("1 + ", 1000, "1", "", 0));
    char *longlist = repeat("", 0, "x = [", "1, ", 100000);   // long, not deep
    strcpy(longlist + strlen(longlist) - 1, "]");
    assert_ok(longlist);
    // 1000 nested blocks.
    size_t cap = 1000 * 1010 + 100, len = 0;
    char *src = malloc(cap);
    for (int i = 0; i < 1000; i++) {
        memset(src + len, ' ', (size_t)i);
        len += (size_t)i;
        memcpy(src + len, "if x:\n", 6);
        len += 6;
    }
    memset(src + len, ' ', 1000);
    len += 1000;
    memcpy(src + len, "pass\n", 6);
    ParseError e = E(src);
    ck_assert_str_eq(e.msg, "too many levels of indentation");
    ck_assert_str_eq(e.kind, "IndentationError");
    ck_assert_int_eq(e.line, 101);
    free(src);
}
END_TEST

START_TEST(test_diag) {
    const char *src = "def f():\n    x = 1\n        await  g()\n";
    ParseError e = E("def f():\n    x = 1\n    await  g()\n");
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    src = "def f():\n    x = 1\n    await  g()\n";
    diag_print_syntax_error(out, "t.pyish", src, strlen(src), &e);
    fclose(out);
    ck_assert_str_eq(buf, "  File \"t.pyish\", line 3\n"
                          "    await  g()\n"
                          "    ^^^^^^^^^^\n"
                          "SyntaxError: 'await' outside async function\n");
    free(buf);
    src = "x = 1\n  y = 2\n";
    e = E(src);
    out = open_memstream(&buf, &n);
    diag_print_syntax_error(out, "t.pyish", src, strlen(src), &e);
    fclose(out);
    ck_assert_str_eq(buf, "  File \"t.pyish\", line 2\n"
                          "    y = 2\n"
                          "IndentationError: unexpected indent\n");
    free(buf);
    src = "s = 'é' + €\n";
    e = E(src);
    out = open_memstream(&buf, &n);
    diag_print_syntax_error(out, "t.pyish", src, strlen(src), &e);
    fclose(out);
    ck_assert_str_eq(buf, "  File \"t.pyish\", line 1\n"
                          "    s = 'é' + €\n"
                          "              ^\n"
                          "SyntaxError: invalid character '€' (U+20AC)\n");
    free(buf);
}
END_TEST

static Suite *parser_suite(void) {
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_precedence);
    tcase_add_test(tc, test_atoms);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_trailers);
    tcase_add_test(tc, test_comprehensions);
    tcase_add_test(tc, test_lambda);
    tcase_add_test(tc, test_async_as_name);
    tcase_add_test(tc, test_assign);
    tcase_add_test(tc, test_simple_stmts);
    tcase_add_test(tc, test_compound);
    tcase_add_test(tc, test_defs);
    tcase_add_test(tc, test_interactive);
    tcase_add_test(tc, test_locations);
    tcase_add_test(tc, test_syntax_errors);
    tcase_add_test(tc, test_indent_errors);
    tcase_add_test(tc, test_target_errors);
    tcase_add_test(tc, test_param_errors);
    tcase_add_test(tc, test_scope_errors);
    tcase_add_test(tc, test_deep_nesting);
    tcase_add_test(tc, test_diag);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(parser_suite)
