// fuzz_parse.c: libFuzzer target 1: lexes and parses arbitrary bytes as a
// module and as a REPL input. Any input must give a tree or a SyntaxError.
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (int mode = 0; mode < 2; mode++) {
        Arena *arena = NULL;
        ParseError perr;
        memset(&perr, 0, sizeof perr);
        Ast *tree = parse_source((const char *)data, size, mode ? PARSE_INTERACTIVE : PARSE_FILE,
                                 &arena, &perr);
        (void)tree;
        if (arena) {
            arena_free(arena);
        }
    }
    return 0;
}
