// unit_support.h: what every Check suite shares: bringing the runtime up
// once (unit_setup), running source in the main globals, fetching globals,
// repr and "Type: message" texts (repr, R, exc_text), and main()
// (unit_main, UNIT_MAIN). Each helper is static in the suite that includes
// this header; a suite uses the ones it needs.
#ifndef PYISH_UNIT_SUPPORT_H
#define PYISH_UNIT_SUPPORT_H
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "object.h"
#include "interp.h"
#include "clock.h"

// Each suite uses some of these helpers.
#define UNIT_HELPER static __attribute__((unused))

UNIT_HELPER ObjDict *G;      // globals of the test programs

// Brings the runtime up once per process, with the real or virtual clock.
UNIT_HELPER void unit_setup(const char *name, bool virtual_clock) {
    static bool done;
    if (done) {
        return;
    }
    done = true;
    char *argv[] = {(char *)name};
    state_new(&(StateConfig){.argc = 1, .argv = argv, .script_dir = "", .virtual_clock = virtual_clock});
    G = interp_main_globals();
}

// "Type: message" of [e] into a static buffer.
static char unit_ebuf[1024];
UNIT_HELPER const char *exc_text(Value e) {
    Value s = e ? obj_str(e) : VAL_NULL;
    snprintf(unit_ebuf, sizeof unit_ebuf, "%s: %s", e ? val_type_name(e) : "?", s ? str_cstr(s) : "?");
    return unit_ebuf;
}

// Runs [src] in the main globals; fails the test on any error.
UNIT_HELPER void run(const char *src) {
    bool syntax = false;
    Value r = interp_run_source(src, strlen(src), "<test>", G, false, &syntax);
    ck_assert_msg(r != VAL_NULL, "run failed: %s", syntax ? "SyntaxError" : exc_text(exc_take()));
}

UNIT_HELPER Value global(const char *name) {
    Value v = dict_get_str(G, str_intern_c(name));
    ck_assert_msg(v != VAL_NULL, "no global %s", name);
    return v;
}

// repr of [v] into a static buffer.
static char unit_rbuf[1024];
UNIT_HELPER const char *repr(Value v) {
    Value r = obj_repr(v);
    ck_assert(r != VAL_NULL);
    snprintf(unit_rbuf, sizeof unit_rbuf, "%s", str_cstr(r));
    return unit_rbuf;
}

// repr of [v], or "ExcType: message" when [v] is VAL_NULL (error pending),
// in one of 8 rotating buffers (a check compares two of them).
static char unit_rring[8][8192];
static int unit_ri;
UNIT_HELPER const char *R(Value v) {
    char *b = unit_rring[unit_ri++ & 7];
    if (!v) {
        Value e = exc_take();
        Value s = e ? obj_str(e) : VAL_NULL;
        snprintf(b, 8192, "%s: %s", e ? val_type_name(e) : "NULL", s ? str_cstr(s) : "?");
        exc_clear();
        return b;
    }
    Value r = obj_repr(v);
    snprintf(b, 8192, "%s", r ? str_cstr(r) : "<repr failed>");
    return b;
}

// Runs [suite] (in forked children, Check's default, or in this process
// when [nofork]: suites whose tests share state or threads); returns the
// exit status of main(): 1 if any test failed.
UNIT_HELPER int unit_run(Suite *suite, bool nofork) {
    SRunner *sr = srunner_create(suite);
    if (nofork) {
        srunner_set_fork_status(sr, CK_NOFORK);
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

// main() of a suite: runs the suite [suite]() makes (forked).
#define UNIT_MAIN(suite) \
    int main(void) { \
        return unit_run(suite(), false); \
    }
#endif
