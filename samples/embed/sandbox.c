// sandbox.c: a host running untrusted code in the sandbox with limits: a
// memory limit (a program that grows past it gets MemoryError, and the
// state stays usable), a CPU-time budget (an endless loop is stopped with
// a catchable RuntimeError), no open() (PermissionError) and no imports
// from disk, and the program's output captured through the write callback.
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "pyish.h"

// The program's output, each line marked with the stream it went to.
static void capture(void *ud, int fd, const char *s, size_t n) {
    bool *line_start = ud;
    for (size_t i = 0; i < n; i++) {
        if (*line_start) {
            fputs(fd == 2 ? "[err] " : "[out] ", stdout);
        }
        putchar(s[i]);
        *line_start = s[i] == '\n';
    }
}

static void run(pyish_State *S, const char *title, const char *code) {
    printf("-- %s\n", title);
    if (pyish_run_string(S, code, "untrusted.py") != PYISH_OK) {
        const char *msg = pyish_error_message(S);
        printf("stopped by %s%s%s\n", pyish_error_type(S), *msg ? ": " : "", msg);
        pyish_error_clear(S);
    }
}

int main(void) {
    pyish_Config cfg;
    pyish_config_init(&cfg);
    cfg.sandbox = true;
    cfg.memory_limit = 16u << 20;
    cfg.time_budget = 0.5;
    cfg.virtual_clock = true;
    bool line_start = true;
    cfg.write = capture;
    cfg.write_ud = &line_start;
    pyish_State *S = pyish_new(&cfg);
    if (!S) {
        fprintf(stderr, "pyish_new: %s\n", pyish_new_error());
        return 1;
    }
    run(S, "hello", "print('hello from the sandbox', 6 * 7)");
    run(S, "memory",
        "def grow():\n"
        "    hoard = []\n"
        "    while True:\n"
        "        hoard.append('x' * 1_000_000)\n"
        "grow()\n");
    run(S, "memory again, caught by the program",
        "try:\n"
        "    big = [0] * 100_000_000\n"
        "except MemoryError:\n"
        "    print('MemoryError caught')\n");
    run(S, "budget", "n = 0\nwhile True:\n    n += 1\n");
    run(S, "budget, caught by the program",
        "try:\n"
        "    while True:\n"
        "        pass\n"
        "except RuntimeError as e:\n"
        "    caught = str(e)\n");
    run(S, "after the budget", "print('caught:', caught)");
    run(S, "files", "open('/etc/passwd').read()");
    run(S, "files, caught",
        "try:\n"
        "    open('/etc/passwd')\n"
        "except PermissionError as e:\n"
        "    print('PermissionError:', e)\n");
    run(S, "imports from disk", "import os");
    run(S, "builtin modules still work",
        "import math, asyncio\n"
        "async def main():\n"
        "    await asyncio.sleep(1)\n"
        "    return math.sqrt(2)\n"
        "print(round(asyncio.run(main()), 3))\n");
    run(S, "still usable", "print(sum(range(10)))");
    pyish_free(S);
    return 0;
}
