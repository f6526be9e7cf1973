// fuzz_run.c: libFuzzer target 3: runs arbitrary bytes as a program in the
// fuzzing sandbox (no open/input, no imports from disk, virtual clock,
// output discarded) under a CPU-time budget; the event loop is reachable
// through `import asyncio`. Any outcome but a crash or a hang is fine.
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_init_once();
    fuzz_run_source((const char *)data, size, "__main__", NULL, FUZZ_BUDGET_USEC);
    return 0;
}
