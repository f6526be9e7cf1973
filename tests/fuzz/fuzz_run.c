// fuzz_run.c: libFuzzer target 3: runs arbitrary bytes as a program, each
// input in a fresh sandboxed state of the embedding API (include/pyish.h:
// no open/input, no imports from disk, sys.stdin None), with a virtual
// clock, its output discarded through the write callback, a 1 GiB memory
// limit and a CPU-time budget. The event loop is reachable through
// `import asyncio`. A fresh state per input (about 0.4 ms) makes every
// finding reproducible from its input alone. Any outcome but a crash or a
// hang is fine.
#include <stdint.h>
#include "pyish.h"

// CPU time one input may run: past it RuntimeError, once catchable, then
// at every safe point. The budget is what stops `while True: pass`.
#define FUZZ_BUDGET_SEC 0.2

static void discard(void *ud, int fd, const char *s, size_t n) {
    (void)ud, (void)fd, (void)s, (void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    pyish_Config cfg;
    pyish_config_init(&cfg);
    cfg.sandbox = true;
    cfg.virtual_clock = true;
    cfg.memory_limit = (size_t)1 << 30;     // a 2 GB string is a MemoryError here
    cfg.time_budget = FUZZ_BUDGET_SEC;
    cfg.write = discard;
    pyish_State *S = pyish_new(&cfg);
    if (!S) {
        return 0;
    }
    pyish_Value *code = pyish_compile(S, (const char *)data, size, "<fuzz>");
    if (code) {
        pyish_run_code(S, code, NULL);
        pyish_release(S, code);
    }
    pyish_free(S);
    return 0;
}
