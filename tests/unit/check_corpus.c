// check_corpus.c: the parse corpus test. Every tests/corpus/*.py file (a
// few thousand lines of ordinary Python 3 programs inside DESIGN §2) must
// go through parse_source (PARSE_FILE) and compile_module without error;
// a failure names the file and the ParseError/CompileError message and
// location. The folder comes from the CORPUS_DIR compile definition
// (tests/CMakeLists.txt), since ctest runs in the build tree.
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "ast.h"
#include "code.h"
#include "compile.h"
#include "interp.h"
#include "clock.h"
#include "unit_support.h"

#ifndef CORPUS_DIR
#error "CORPUS_DIR must name the tests/corpus folder"
#endif

#define MAX_FILES 256

static char *files[MAX_FILES];  // sorted corpus file names (no folder)
static int nfiles;

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Fills [files] with the *.py names of CORPUS_DIR, sorted.
static void list_corpus(void) {
    DIR *dir = opendir(CORPUS_DIR);
    if (dir == NULL) {
        return;
    }
    struct dirent *ent;
    while ((ent = readdir(dir)) != NULL && nfiles < MAX_FILES) {
        size_t len = strlen(ent->d_name);
        if (len > 3 && strcmp(ent->d_name + len - 3, ".py") == 0) {
            files[nfiles++] = strdup(ent->d_name);
        }
    }
    closedir(dir);
    qsort(files, nfiles, sizeof files[0], compare_names);
}

START_TEST(test_corpus_present) {
    ck_assert_msg(nfiles >= 10, "expected at least 10 corpus files in %s, found %d", CORPUS_DIR,
                  nfiles);
}
END_TEST

// Parses and compiles corpus file number [_i].
START_TEST(test_corpus_file) {
    const char *name = files[_i];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, name);
    size_t len = 0;
    char *src = interp_read_file(path, &len);
    ck_assert_msg(src != NULL, "%s: cannot read", path);

    Arena *arena = NULL;
    ParseError perr;
    memset(&perr, 0, sizeof perr);
    Ast *mod = parse_source(src, len, PARSE_FILE, &arena, &perr);
    ck_assert_msg(mod != NULL, "%s:%d:%d: parse failed: %s: %s", name, perr.line, perr.col,
                  perr.kind ? perr.kind : "SyntaxError", perr.msg);

    CompileError cerr;
    memset(&cerr, 0, sizeof cerr);
    ObjCode *code = compile_module(mod, path, false, &cerr);
    ck_assert_msg(code != NULL, "%s:%d:%d: compile failed: %s", name, cerr.loc.line, cerr.loc.col,
                  cerr.msg);
    arena_free(arena);
    free(src);
}
END_TEST

static Suite *corpus_suite(void) {
    Suite *s = suite_create("corpus");
    TCase *tc = tcase_create("parse_compile");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_corpus_present);
    tcase_add_loop_test(tc, test_corpus_file, 0, nfiles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    unit_setup("check_corpus", false);
    list_corpus();
    int failed = unit_run(corpus_suite(), false);
    for (int i = 0; i < nfiles; i++) {
        free(files[i]);
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
