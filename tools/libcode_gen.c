// libcode_gen.c: a build-time tool, linked with the pyish library but no
// compiled library table, that compiles every embedded runtime/lib module
// and writes their code objects as C (src/codeblob.h). Usage:
//   libcode_gen OUT.c
// The output depends only on the sources, so it is the same on every build.
#include <stdio.h>
#include <stdlib.h>
#include "interp.h"
#include "codeblob.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fputs("usage: libcode_gen OUT.c\n", stderr);
        return 2;
    }
    char *args[] = {argv[0], NULL};
    StateConfig cfg = {.argc = 1, .argv = args, .script_dir = "", .no_site = true};
    State *s = state_new(&cfg);
    if (!s) {
        fputs("libcode_gen: out of memory\n", stderr);
        return 1;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    bool ok = codeblob_dump_lib(out);
    if (fclose(out) != 0 || !ok) {
        remove(argv[1]);
        return 1;
    }
    state_free(s);
    return 0;
}
