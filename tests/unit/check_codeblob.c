// check_codeblob.c: unit tests of the serialized code of src/codeblob.c
// (the embedded library compiled at build time): every embedded module's
// code object, written and read back, equals the one compiled from its
// source field by field (instructions, line and column tables, constants
// of every kind, nested code objects); a program's constants of each kind
// survive the round trip and run the same; a truncated blob is refused,
// never read past its end.
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "codeblob.h"
#include "interp.h"
#include "vm.h"
#include "unit_support.h"

static void setup(void) {
    unit_setup("check_codeblob", false);
}

static void same_value(Value a, Value b, const char *where);

static void same_tuple(ObjTuple *a, ObjTuple *b, const char *where) {
    ck_assert_msg(a->len == b->len, "%s: tuple lengths %zu, %zu", where, a->len, b->len);
    for (size_t i = 0; i < a->len; i++) {
        same_value(a->items[i], b->items[i], where);
    }
}

static void same_code(ObjCode *a, ObjCode *b, const char *where) {
    ck_assert_msg(a->ncode == b->ncode, "%s: %s: ncode", where, a->qualname->data);
    ck_assert(memcmp(a->code, b->code, a->ncode * sizeof *a->code) == 0);
    ck_assert_msg(memcmp(a->lines, b->lines, a->ncode * sizeof *a->lines) == 0, "%s: %s: lines", where,
                  a->qualname->data);
    ck_assert(memcmp(a->spans, b->spans, a->ncode * sizeof *a->spans) == 0);
    same_tuple(a->consts, b->consts, where);
    same_tuple(a->names, b->names, where);
    same_tuple(a->varnames, b->varnames, where);
    same_tuple(a->cellvars, b->cellvars, where);
    same_tuple(a->freevars, b->freevars, where);
    ck_assert(memcmp(a->cell2arg, b->cell2arg, (size_t)a->ncells * sizeof *a->cell2arg) == 0);
    ck_assert_int_eq(a->argcount, b->argcount);
    ck_assert_int_eq(a->posonlycount, b->posonlycount);
    ck_assert_int_eq(a->kwonlycount, b->kwonlycount);
    ck_assert_int_eq(a->flags, b->flags);
    ck_assert_int_eq(a->nlocals, b->nlocals);
    ck_assert_int_eq(a->ncells, b->ncells);
    ck_assert_int_eq(a->nfree, b->nfree);
    ck_assert_int_eq(a->max_stack, b->max_stack);
    ck_assert_int_eq(a->max_blocks, b->max_blocks);
    ck_assert_int_eq(a->firstline, b->firstline);
    ck_assert(a->name == b->name);      // interned
    ck_assert_str_eq(a->qualname->data, b->qualname->data);
    ck_assert_str_eq(a->filename->data, b->filename->data);
}

static void same_value(Value a, Value b, const char *where) {
    ck_assert_msg(val_class(a) == val_class(b), "%s: classes %s, %s", where, val_type_name(a), val_type_name(b));
    if (IS_A(a, cls_code)) {
        same_code((ObjCode *)AS_OBJ(a), (ObjCode *)AS_OBJ(b), where);
    } else if (IS_TUPLE(a)) {
        same_tuple(AS_TUPLE(a), AS_TUPLE(b), where);
    } else if (IS_A(a, cls_frozenset)) {
        // equal sets: the one read back is rebuilt from the other's
        // iteration order (as CPython's marshal does), which may differ
        ObjTuple *items = AS_TUPLE(seq_to_tuple(a));
        ck_assert_uint_eq(items->len, AS_SET(b)->used);
        for (size_t i = 0; i < items->len; i++) {
            ck_assert_msg(set_contains(AS_SET(b), items->items[i]) == 1, "%s: frozenset item", where);
        }
    } else {
        if (IS_STR(a)) {
            ck_assert_msg(AS_STR(a)->interned == AS_STR(b)->interned, "%s: interned %s", where,
                          AS_STR(a)->data);
        }
        ck_assert_str_eq(str_cstr(obj_repr(a)), str_cstr(obj_repr(b)));
    }
}

// [code] written and read back.
static ObjCode *round_trip(ObjCode *code) {
    size_t len = 0;
    unsigned char *data = codeblob_write(code, &len);
    ck_assert_ptr_nonnull(data);
    ObjCode *back = codeblob_read(data, len, code->filename);
    ck_assert_ptr_nonnull(back);
    free(data);
    return back;
}

// Under the sanitizers a quarter of the modules (all of them took two
// minutes there, of the CI's thirty); the normal build checks every one.
#ifdef __SANITIZE_ADDRESS__
enum { LIB_STRIDE = 4 };
#else
enum { LIB_STRIDE = 1 };
#endif

START_TEST(test_library_modules) {
    setup();
    int n = 0;
    for (int i = 0; pyish_libsrc[i].name; i++) {
        if (i % LIB_STRIDE) {
            n++;
            continue;
        }
        const LibSource *lib = &pyish_libsrc[i];
        char filename[256];
        snprintf(filename, sizeof filename, "<pyish %s>", lib->name);
        ObjCode *code = interp_compile(lib->src, lib->len, filename, false, NULL);
        ck_assert_msg(code != NULL, "%s does not compile", lib->name);
        same_code(code, round_trip(code), lib->name);
        n++;
    }
    ck_assert_int_gt(n, 100);
}
END_TEST

START_TEST(test_constants_run) {
    setup();
    const char *src =
        "def f(a, /, b=2, *c, d, e=(1, 'x'), **g):\n"
        "    def inner():\n"
        "        return a, d\n"
        "    return inner() + (b, c, e, g)\n"
        "out = (None, True, False, ..., 0, -1, 2**61, 2**100, -2**100, 1.5, -0.0, 1e400, 2j, 1+2j,\n"
        "       b'by\\x00tes', 'str', 'n\\u00e9', 'name_like', 3 in {1, 2, 'a', 3.5}, (1, (2, ('deep',))),\n"
        "       f(1, d=4), f.__code__.co_varnames, f.__code__.co_kwonlyargcount, f.__code__.co_firstlineno)\n";
    ObjCode *code = interp_compile(src, strlen(src), "<test>", false, NULL);
    ck_assert_ptr_nonnull(code);
    gc_push_root(OBJ_VAL(code));
    ObjCode *back = round_trip(code);
    gc_push_root(OBJ_VAL(back));
    same_code(code, back, "<test>");
    char reprs[2][2048];
    ObjCode *codes[2] = {code, back};
    for (int k = 0; k < 2; k++) {
        Value globals = dict_new();
        gc_push_root(globals);
        dict_set_str(AS_DICT(globals), str_intern_c("__builtins__"), OBJ_VAL(ST->builtins));
        ck_assert_msg(vm_run_module(codes[k], AS_DICT(globals)) != VAL_NULL, "run %d failed", k);
        Value out = dict_get_str(AS_DICT(globals), str_intern_c("out"));
        ck_assert(out != VAL_NULL);
        snprintf(reprs[k], sizeof reprs[k], "%s", str_cstr(obj_repr(out)));
        gc_pop_root(1);
    }
    ck_assert_str_eq(reprs[0], reprs[1]);
    ck_assert_ptr_nonnull(strstr(reprs[1], "1267650600228229401496703205376, -1267650600228229401496703205376"));
    gc_pop_root(2);
}
END_TEST

START_TEST(test_truncated) {
    setup();
    const char *src = "def f(x):\n    return x + 1.5, 'abc', b'd', 2**80\n";
    ObjCode *code = interp_compile(src, strlen(src), "<test>", false, NULL);
    ck_assert_ptr_nonnull(code);
    size_t len = 0;
    unsigned char *data = codeblob_write(code, &len);
    ck_assert_ptr_nonnull(data);
    for (size_t n = 0; n < len; n++) {
        // each prefix in a buffer of its own size (ASan sees any read past it)
        unsigned char *cut = malloc(n ? n : 1);
        memcpy(cut, data, n);
        ck_assert_ptr_null(codeblob_read(cut, n, code->filename));
        free(cut);
    }
    ck_assert_ptr_nonnull(codeblob_read(data, len, code->filename));
    free(data);
}
END_TEST

static Suite *codeblob_suite(void) {
    Suite *s = suite_create("codeblob");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_library_modules);
    tcase_add_test(tc, test_constants_run);
    tcase_add_test(tc, test_truncated);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(codeblob_suite)
