// check_compile.c: unit tests of the compiler (src/compile.c) through its
// disassembly (src/code.c): parse_source + compile_module on small programs,
// then assertions on the opcode sequence of one code object (assignment
// with a binary op, calls, method calls, try/except, yield from, closures,
// class bodies), on code flags (generator, coroutine, async generator), on
// the line table (code_line), and on the SyntaxErrors that the front end's
// checks report before compilation ("'break' outside loop" ...).
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "ast.h"
#include "code.h"
#include "compile.h"
#include "interp.h"
#include "unit_support.h"

static void setup(void) {
    unit_setup("check_compile", false);
}

// Compiles [src] as module "<test>"; fails the test on any error.
static ObjCode *compile_src(const char *src) {
    Arena *arena = NULL;
    ParseError perr;
    memset(&perr, 0, sizeof perr);
    Ast *mod = parse_source(src, strlen(src), PARSE_FILE, &arena, &perr);
    ck_assert_msg(mod != NULL, "parse failed: %s (line %d)", perr.msg, perr.line);
    CompileError cerr;
    memset(&cerr, 0, sizeof cerr);
    ObjCode *code = compile_module(mod, "<test>", false, &cerr);
    ck_assert_msg(code != NULL, "compile failed: %s", cerr.msg);
    arena_free(arena);
    return code;
}

// Full disassembly of [code] and its nested code objects (malloc'd).
// Written to a temporary file, then read back: an open_memstream() here
// would hand the stream the address of a local, and GCC (-Wdangling-pointer)
// then suspects every pointer into the result once this is inlined.
static char *disassemble(ObjCode *code) {
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    code_disassemble(code, f);
    long len = ftell(f);
    ck_assert_int_ge(len, 0);
    rewind(f);
    char *buf = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = 0;
    fclose(f);
    return buf;
}

// The opcode names of the code object called [name] in the disassembly of
// [src], joined by single spaces, into a static buffer.
static char ops_buf[8192];
static const char *ops_of(const char *src, const char *name) {
    char *dis = disassemble(compile_src(src));
    char header[256];
    snprintf(header, sizeof header, "Disassembly of <code object %s at ", name);
    char *p = strstr(dis, header);
    ck_assert_msg(p != NULL, "no code object %s in:\n%s", name, dis);
    p = strchr(p, '\n') + 1;
    ops_buf[0] = 0;
    size_t n = 0;
    while (*p && strncmp(p, "Disassembly of", 14) != 0) {
        char *eol = strchr(p, '\n');
        if (!eol) {
            eol = p + strlen(p);
        }
        char line[512];
        size_t l = (size_t)(eol - p) < sizeof line - 1 ? (size_t)(eol - p) : sizeof line - 1;
        memcpy(line, p, l);
        line[l] = 0;
        // "LLLL OOOOOO NAME...": the name starts at column 12
        char op[64];
        const char *op_p = NULL;
        if (l > 12 && sscanf(line + 12, "%63s", op) == 1) {
            op_p = op;
        }
        if (op_p) {
            n += (size_t)snprintf(ops_buf + n, sizeof ops_buf - n, "%s%s", n ? " " : "", op_p);
        }
        p = *eol ? eol + 1 : eol;
    }
    free(dis);
    return ops_buf;
}

// Finds the nested code object called [name] (depth-first) in [code].
static ObjCode *find_code(ObjCode *code, const char *name) {
    if (strcmp(code->name->data, name) == 0) {
        return code;
    }
    for (size_t i = 0; i < code->consts->len; i++) {
        Value c = code->consts->items[i];
        if (IS_A(c, cls_code)) {
            ObjCode *r = find_code((ObjCode *)AS_OBJ(c), name);
            if (r) {
                return r;
            }
        }
    }
    return NULL;
}

START_TEST(test_assign_binop) {
    setup();
    ck_assert_str_eq(ops_of("x = a + 1\n", "<module>"),
                     "LOAD_GLOBAL LOAD_CONST BINARY_OP STORE_GLOBAL LOAD_CONST RETURN_VALUE");
    ck_assert_str_eq(ops_of("def f(a):\n    x = a + 1\n    return x\n", "f"),
                     // the superinstruction does both loads and skips the LOAD_CONST
                     "LOAD_FAST_LOAD_CONST LOAD_CONST BINARY_OP STORE_FAST LOAD_FAST RETURN_VALUE "
                     "LOAD_CONST RETURN_VALUE");
    char *dis = disassemble(compile_src("def f(a):\n    x = a + 1\n"));
    ck_assert_ptr_nonnull(strstr(dis, "LOAD_FAST_LOAD_CONST  0 (a, 1)"));
    ck_assert_ptr_nonnull(strstr(dis, "LOAD_CONST            0 (1)"));
    ck_assert_ptr_nonnull(strstr(dis, "STORE_FAST            1 (x)"));
    free(dis);
}
END_TEST

START_TEST(test_call) {
    setup();
    ck_assert_str_eq(ops_of("f(1, 2)\n", "<module>"),
                     "LOAD_GLOBAL PUSH_NULL LOAD_CONST LOAD_CONST CALL POP_TOP LOAD_CONST RETURN_VALUE");
    char *dis = disassemble(compile_src("f(1, 2)\n"));
    ck_assert_ptr_nonnull(strstr(dis, "CALL                  2\n"));
    free(dis);
    // keyword arguments go through CALL_KW with a names tuple constant
    const char *ops = ops_of("f(1, b=2)\n", "<module>");
    ck_assert_ptr_nonnull(strstr(ops, "LOAD_GLOBAL PUSH_NULL LOAD_CONST LOAD_CONST LOAD_CONST CALL_KW"));
    dis = disassemble(compile_src("f(1, b=2)\n"));
    ck_assert_ptr_nonnull(strstr(dis, "(('b',))"));
    free(dis);
}
END_TEST

START_TEST(test_method_call) {
    setup();
    ck_assert_str_eq(ops_of("o.m(2)\n", "<module>"),
                     "LOAD_GLOBAL LOAD_METHOD LOAD_CONST CALL POP_TOP LOAD_CONST RETURN_VALUE");
    char *dis = disassemble(compile_src("o.m(2)\n"));
    ck_assert_ptr_nonnull(strstr(dis, "LOAD_METHOD           1 (m)"));
    free(dis);
    // a plain attribute load is not a method load
    ck_assert_str_eq(ops_of("y = o.m\n", "<module>"),
                     "LOAD_GLOBAL LOAD_ATTR STORE_GLOBAL LOAD_CONST RETURN_VALUE");
}
END_TEST

START_TEST(test_try_except) {
    setup();
    const char *ops = ops_of("def f():\n"
                             "    try:\n"
                             "        g()\n"
                             "    except ValueError:\n"
                             "        return 1\n"
                             "    return 2\n",
                             "f");
    // protected body, then the handler: push exc info, match, pop except
    const char *want[] = {"SETUP_FINALLY", "LOAD_GLOBAL PUSH_NULL CALL POP_TOP", "POP_BLOCK",
                          "PUSH_EXC_INFO", "LOAD_GLOBAL CHECK_EXC_MATCH POP_JUMP_IF_FALSE",
                          "POP_EXCEPT", "RERAISE"};
    const char *p = ops;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *q = strstr(p, want[i]);
        ck_assert_msg(q != NULL, "missing '%s' (in order) in: %s", want[i], ops);
        p = q + strlen(want[i]);
    }
    ck_assert_msg(strncmp(ops, "SETUP_FINALLY", 13) == 0, "try must start with SETUP_FINALLY: %s", ops);
    // the SETUP_FINALLY target is the PUSH_EXC_INFO instruction
    ObjCode *f = find_code(compile_src("def f():\n    try:\n        g()\n    except ValueError:\n        pass\n"), "f");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(INSTR_OP(f->code[0]), OP_SETUP_FINALLY);
    uint32_t target = INSTR_ARG(f->code[0]);
    ck_assert_uint_lt(target, f->ncode);
    ck_assert_int_eq(INSTR_OP(f->code[target]), OP_PUSH_EXC_INFO);
    // try/finally: the finally body appears on both paths, the exceptional
    // one ending in RERAISE
    ops = ops_of("def h():\n    try:\n        a()\n    finally:\n        b()\n", "h");
    ck_assert_msg(strncmp(ops, "SETUP_FINALLY", 13) == 0, "%s", ops);
    ck_assert_ptr_nonnull(strstr(ops, "RERAISE"));
    ck_assert_ptr_nonnull(strstr(ops, "PUSH_EXC_INFO"));
}
END_TEST

START_TEST(test_yield_from) {
    setup();
    ck_assert_str_eq(ops_of("def gen():\n    yield from h()\n", "gen"),
                     "LOAD_GLOBAL PUSH_NULL CALL GET_YIELD_FROM_ITER LOAD_CONST SEND YIELD_VALUE JUMP "
                     "POP_TOP LOAD_CONST RETURN_VALUE");
    ObjCode *g = find_code(compile_src("def gen():\n    yield from h()\n"), "gen");
    ck_assert(g->flags & CO_GENERATOR);
    // SEND loops back through YIELD_VALUE 1 (inside yield from) and JUMP
    uint32_t send = 0;
    while (send < g->ncode && INSTR_OP(g->code[send]) != OP_SEND) {
        send++;
    }
    ck_assert_uint_lt(send, g->ncode);
    ck_assert_int_eq(INSTR_OP(g->code[send + 1]), OP_YIELD_VALUE);
    ck_assert_int_eq(INSTR_ARG(g->code[send + 1]), 1);
    ck_assert_int_eq(INSTR_OP(g->code[send + 2]), OP_JUMP);
    ck_assert_int_eq(INSTR_ARG(g->code[send + 2]), send);
    // a plain yield is YIELD_VALUE 0
    ObjCode *y = find_code(compile_src("def y():\n    x = yield 1\n"), "y");
    ck_assert_int_eq(INSTR_OP(y->code[1]), OP_YIELD_VALUE);
    ck_assert_int_eq(INSTR_ARG(y->code[1]), 0);
    // await uses GET_AWAITABLE with the same SEND loop
    ck_assert_str_eq(ops_of("async def co():\n    await q\n", "co"),
                     "LOAD_GLOBAL GET_AWAITABLE LOAD_CONST SEND YIELD_VALUE JUMP POP_TOP "
                     "LOAD_CONST RETURN_VALUE");
}
END_TEST

START_TEST(test_closure) {
    setup();
    const char *src = "def outer():\n"
                      "    v = 1\n"
                      "    def inner():\n"
                      "        return v\n"
                      "    return inner\n";
    ck_assert_str_eq(ops_of(src, "outer"),
                     "LOAD_CONST STORE_DEREF LOAD_CLOSURE BUILD_TUPLE LOAD_CONST MAKE_FUNCTION "
                     "STORE_FAST LOAD_FAST RETURN_VALUE LOAD_CONST RETURN_VALUE");
    ck_assert_str_eq(ops_of(src, "inner"), "LOAD_DEREF RETURN_VALUE LOAD_CONST RETURN_VALUE");
    ObjCode *mod = compile_src(src);
    ObjCode *outer = find_code(mod, "outer"), *inner = find_code(mod, "inner");
    ck_assert_int_eq(outer->ncells, 1);
    ck_assert_str_eq(AS_STR(outer->cellvars->items[0])->data, "v");
    ck_assert_int_eq(inner->nfree, 1);
    ck_assert_str_eq(AS_STR(inner->freevars->items[0])->data, "v");
    ck_assert_str_eq(AS_STR(inner->qualname)->data, "outer.<locals>.inner");
    // MAKE_FUNCTION's argument says "with closure" (8, as in CPython)
    char *dis = disassemble(mod);
    ck_assert_ptr_nonnull(strstr(dis, "MAKE_FUNCTION         8\n"));
    ck_assert_ptr_nonnull(strstr(dis, "LOAD_DEREF            0 (v)"));
    free(dis);
    // a parameter captured by an inner function starts in its cell
    ObjCode *p = find_code(compile_src("def mk(a):\n    return lambda: a\n"), "mk");
    ck_assert_int_eq(p->ncells, 1);
    ck_assert_int_eq(p->cell2arg[0], 0);
    // nonlocal stores go through STORE_DEREF
    ck_assert_str_eq(ops_of("def o():\n    n = 0\n    def i():\n        nonlocal n\n        n = 2\n    return i\n", "i"),
                     "LOAD_CONST STORE_DEREF LOAD_CONST RETURN_VALUE");
}
END_TEST

START_TEST(test_class_body) {
    setup();
    const char *src = "class C:\n    y = 2\n    z = y\n    def m(self):\n        return 1\n";
    ck_assert_str_eq(ops_of(src, "C"),
                     "LOAD_GLOBAL STORE_NAME LOAD_CONST STORE_NAME LOAD_CONST STORE_NAME LOAD_NAME "
                     "STORE_NAME LOAD_CONST MAKE_FUNCTION STORE_NAME LOAD_CONST RETURN_VALUE");
    ObjCode *mod = compile_src(src);
    ObjCode *c = find_code(mod, "C");
    ck_assert(c->flags & CO_CLASSBODY);
    ck_assert(mod->flags & CO_MODULE);
    ck_assert_str_eq(AS_STR(find_code(mod, "m")->qualname)->data, "C.m");
    char *dis = disassemble(mod);
    ck_assert_ptr_nonnull(strstr(dis, "STORE_NAME            1 (__module__)"));
    ck_assert_ptr_nonnull(strstr(dis, "BUILD_CLASS"));
    free(dis);
    // the module statement: body function, name, bases, BUILD_CLASS
    ck_assert_str_eq(ops_of("class D(B):\n    pass\n", "<module>"),
                     "LOAD_CONST MAKE_FUNCTION LOAD_CONST LOAD_GLOBAL BUILD_TUPLE BUILD_CLASS "
                     "STORE_GLOBAL LOAD_CONST RETURN_VALUE");
}
END_TEST

START_TEST(test_flags) {
    setup();
    ObjCode *mod = compile_src("def f():\n    return 1\n"
                               "def g():\n    yield 1\n"
                               "def g2():\n    x = [(yield)]\n"
                               "async def co():\n    await q\n"
                               "async def co2():\n    return 1\n"
                               "async def ag():\n    yield 1\n"
                               "def v(*a, **k):\n    pass\n");
    int gen_flags = CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR;
    ck_assert_int_eq(find_code(mod, "f")->flags & gen_flags, 0);
    ck_assert_int_eq(find_code(mod, "g")->flags & gen_flags, CO_GENERATOR);
    ck_assert_int_eq(find_code(mod, "g2")->flags & gen_flags, CO_GENERATOR);
    ck_assert_int_eq(find_code(mod, "co")->flags & gen_flags, CO_COROUTINE);
    ck_assert_int_eq(find_code(mod, "co2")->flags & gen_flags, CO_COROUTINE);
    ck_assert_int_eq(find_code(mod, "ag")->flags & gen_flags, CO_ASYNC_GENERATOR);
    ObjCode *v = find_code(mod, "v");
    ck_assert_int_eq(v->flags & (CO_VARARGS | CO_VARKW), CO_VARARGS | CO_VARKW);
    ck_assert_int_eq(v->argcount, 0);
    ck_assert_int_eq(mod->flags & gen_flags, 0);
    // a generator expression is a generator code object
    ObjCode *ge = find_code(compile_src("s = sum(x for x in r)\n"), "<genexpr>");
    ck_assert_ptr_nonnull(ge);
    ck_assert(ge->flags & CO_GENERATOR);
    // argument counts
    ObjCode *k = find_code(compile_src("def k(a, b, /, c, *, d, e=1):\n    pass\n"), "k");
    ck_assert_int_eq(k->argcount, 3);
    ck_assert_int_eq(k->posonlycount, 2);
    ck_assert_int_eq(k->kwonlycount, 2);
}
END_TEST

START_TEST(test_line_table) {
    setup();
    ObjCode *mod = compile_src("a = 1\n"
                               "\n"
                               "b = (a +\n"
                               "     2)\n"
                               "def f():\n"
                               "    x = 1\n"
                               "    return x\n");
    ck_assert_int_eq(code_line(mod, 0), 1);
    ck_assert_int_eq(code_line(mod, 1), 1);
    // "b = ..." starts on line 3
    ck_assert_int_eq(code_line(mod, 2), 3);
    int last = code_line(mod, mod->ncode - 1);
    ck_assert_int_ge(last, 5);
    ObjCode *f = find_code(mod, "f");
    ck_assert_int_eq(f->firstline, 5);
    ck_assert_int_eq(code_line(f, 0), 6);
    ck_assert_int_eq(code_line(f, 2), 7);
    // every instruction has a line within the source
    for (uint32_t i = 0; i < mod->ncode; i++) {
        ck_assert_int_ge(code_line(mod, i), 1);
        ck_assert_int_le(code_line(mod, i), 7);
    }
    // the disassembly shows the line numbers at the left
    char *dis = disassemble(mod);
    ck_assert_ptr_nonnull(strstr(dis, "   1      0 LOAD_CONST"));
    ck_assert_ptr_nonnull(strstr(dis, "   6      0 LOAD_CONST"));
    free(dis);
}
END_TEST

// parse_source must fail on [src] with message [msg] at [line].
static void expect_syntax_error(const char *src, const char *msg, int line) {
    Arena *arena = NULL;
    ParseError perr;
    memset(&perr, 0, sizeof perr);
    Ast *mod = parse_source(src, strlen(src), PARSE_FILE, &arena, &perr);
    ck_assert_msg(mod == NULL, "expected SyntaxError '%s' for: %s", msg, src);
    ck_assert_str_eq(perr.msg, msg);
    ck_assert_int_eq(perr.line, line);
    if (arena) {
        arena_free(arena);
    }
}

START_TEST(test_compile_errors) {
    setup();
    expect_syntax_error("break\n", "'break' outside loop", 1);
    expect_syntax_error("x = 1\nfor i in y:\n    pass\nelse:\n    break\n", "'break' outside loop", 5);
    expect_syntax_error("while x:\n    def f():\n        break\n", "'break' outside loop", 3);
    expect_syntax_error("continue\n", "'continue' not properly in loop", 1);
    expect_syntax_error("return 1\n", "'return' outside function", 1);
    expect_syntax_error("class C:\n    return 1\n", "'return' outside function", 2);
    expect_syntax_error("yield 1\n", "'yield' outside function", 1);
    expect_syntax_error("await x\n", "'await' outside function", 1);
    expect_syntax_error("def f():\n    await x\n", "'await' outside async function", 2);
    expect_syntax_error("nonlocal x\n", "nonlocal declaration not allowed at module level", 1);
    expect_syntax_error("def f(a, a):\n    pass\n", "duplicate argument 'a' in function definition", 1);
    expect_syntax_error("async def f():\n    yield 1\n    return 2\n",
                        "'return' with value in async generator", 3);
    expect_syntax_error("def f(a=1, b):\n    pass\n", "non-default argument follows default argument", 1);
    expect_syntax_error("f() = 1\n", "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1);
    // well-formed code compiles (control: loops make break/continue legal)
    compile_src("for i in r:\n    if i:\n        break\n    continue\n");
    compile_src("while 1:\n    try:\n        break\n    finally:\n        pass\n");
}
END_TEST

// compile_module must fail on [src] (parsed fine) with [msg] at [line]:
// the scope pass's errors.
static void expect_compile_error(const char *src, const char *msg, int line) {
    Arena *arena = NULL;
    ParseError perr;
    memset(&perr, 0, sizeof perr);
    Ast *mod = parse_source(src, strlen(src), PARSE_FILE, &arena, &perr);
    ck_assert_msg(mod != NULL, "parse failed: %s", perr.msg);
    CompileError cerr;
    memset(&cerr, 0, sizeof cerr);
    ObjCode *code = compile_module(mod, "<test>", false, &cerr);
    ck_assert_msg(code == NULL, "expected compile error '%s' for: %s", msg, src);
    ck_assert_str_eq(cerr.msg, msg);
    ck_assert_int_eq(cerr.loc.line, line);
    arena_free(arena);
}

START_TEST(test_scope_errors) {
    setup();
    expect_compile_error("def f():\n    x = 1\n    global x\n",
                         "name 'x' is assigned to before global declaration", 3);
}
END_TEST

// Compiles and runs [src] in a fresh globals dict; returns global `out`.
static Value run_out(const char *src) {
    ObjDict *g = AS_DICT(dict_new());
    dict_set_str(g, str_intern_c("__name__"), str_from_c("__main__"));
    gc_push_root(OBJ_VAL(g));
    ObjCode *code = compile_src(src);
    gc_push_root(OBJ_VAL(code));
    Value r = vm_run_module(code, g);
    gc_pop_root(2);
    ck_assert_msg(r != VAL_NULL, "run failed: %s", exc_pending() ? val_type_name(exc_pending()) : "?");
    Value out = dict_get_str(g, str_intern_c("out"));
    ck_assert(out != VAL_NULL);
    return out;
}

START_TEST(test_compiled_code_runs) {
    setup();
    // the code objects compile_module makes run as expected
    Value out = run_out("def outer():\n"
                        "    v = 1\n"
                        "    def inner():\n"
                        "        return v + 1\n"
                        "    return inner\n"
                        "out = outer()()\n");
    ck_assert(out == MK_SMALL(2));
    out = run_out("def g():\n    yield 1\n    yield from [2, 3]\nout = list(g())\n");
    ck_assert_str_eq(str_cstr(obj_repr(out)), "[1, 2, 3]");
    out = run_out("try:\n    1/0\nexcept ZeroDivisionError as e:\n    out = str(e)\n");
    ck_assert_str_eq(str_cstr(out), "division by zero");
}
END_TEST

static Suite *compile_suite(void) {
    Suite *s = suite_create("compile");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_assign_binop);
    tcase_add_test(tc, test_call);
    tcase_add_test(tc, test_method_call);
    tcase_add_test(tc, test_try_except);
    tcase_add_test(tc, test_yield_from);
    tcase_add_test(tc, test_closure);
    tcase_add_test(tc, test_class_body);
    tcase_add_test(tc, test_flags);
    tcase_add_test(tc, test_line_table);
    tcase_add_test(tc, test_compile_errors);
    tcase_add_test(tc, test_scope_errors);
    tcase_add_test(tc, test_compiled_code_runs);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(compile_suite)
