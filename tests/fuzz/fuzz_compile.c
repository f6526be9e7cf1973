// fuzz_compile.c: libFuzzer target 2: parses and compiles arbitrary bytes
// (scopes, bytecode emission, line tables); nothing runs.
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_init_once();
    ObjCode *code = fuzz_compile((const char *)data, size);
    (void)code;     // garbage for the next collection
    return 0;
}
