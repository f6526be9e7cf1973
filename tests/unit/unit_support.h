// unit_support.h: what the Check suites that run pyish programs share:
// bringing the runtime up once (unit_setup), running source in the main
// globals, fetching globals, repr and "Type: message" texts, and main().
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
static char ebuf[1024];
UNIT_HELPER const char *exc_text(Value e) {
    Value s = e ? obj_str(e) : VAL_NULL;
    snprintf(ebuf, sizeof ebuf, "%s: %s", e ? val_type_name(e) : "?", s ? str_cstr(s) : "?");
    return ebuf;
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
static char rbuf[1024];
UNIT_HELPER const char *repr(Value v) {
    Value r = obj_repr(v);
    ck_assert(r != VAL_NULL);
    snprintf(rbuf, sizeof rbuf, "%s", str_cstr(r));
    return rbuf;
}

// main() of a suite: runs [suite] and exits 1 if any test failed.
#define UNIT_MAIN(suite) \
    int main(void) { \
        SRunner *sr = srunner_create(suite()); \
        srunner_run_all(sr, CK_NORMAL); \
        int failed = srunner_ntests_failed(sr); \
        srunner_free(sr); \
        return failed ? 1 : 0; \
    }
#endif
