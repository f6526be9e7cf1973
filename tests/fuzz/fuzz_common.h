// fuzz_common.h: what the libFuzzer targets on the runtime's internals
// (parse, compile, methods) share: bringing one interpreter state up once
// per process in the sandbox (StateConfig.sandbox: no open/input, no
// imports from disk; virtual clock; stdout to /dev/null), and running a
// source text in a fresh module under a CPU-time budget, with any exception
// taken and dropped. Each target is one small .c file that includes this.
// (fuzz_run goes through the embedding API instead: a state per input.)
#ifndef PYISH_FUZZ_COMMON_H
#define PYISH_FUZZ_COMMON_H
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "ast.h"
#include "compile.h"
#include "clock.h"
#include "containers.h"
#include "gc.h"
#include "interp.h"
#include "module.h"
#include "object.h"
#include "vm.h"

// CPU time one input may run before every safe point raises (sticky until
// the next input): the budget is what stops `while True: pass`.
#define FUZZ_BUDGET_USEC 200000

static void fuzz_on_budget(int sig) {
    (void)sig;
    ST->interrupted = VM_INTERRUPT_BUDGET;
}

static inline void fuzz_init_once(void) {
    static bool done;
    if (done) {
        return;
    }
    done = true;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);      // input() reads nothing
        dup2(null, 1);      // print() goes nowhere
        close(null);
    }
    static char *argv[] = {"fuzz", NULL};
    // a 2 GB string is a MemoryError here; the sandbox: no file access, no
    // imports from disk
    state_new(&(StateConfig){.argc = 1, .argv = argv, .script_dir = "", .virtual_clock = true,
                             .memory_limit = (size_t)1 << 30, .sandbox = true});
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fuzz_on_budget;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGVTALRM, &sa, NULL);
}

static inline void fuzz_budget(long usec) {
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = usec / 1000000;
    it.it_value.tv_usec = usec % 1000000;
    setitimer(ITIMER_VIRTUAL, &it, NULL);
}

// Compiles [src] quietly (no SyntaxError report); NULL if it does not compile.
static inline ObjCode *fuzz_compile(const char *src, size_t len) {
    Arena *arena = NULL;
    ParseError perr;
    memset(&perr, 0, sizeof perr);
    Ast *tree = parse_source(src, len, PARSE_FILE, &arena, &perr);
    if (!tree) {
        if (arena) {
            arena_free(arena);
        }
        return NULL;
    }
    CompileError cerr;
    memset(&cerr, 0, sizeof cerr);
    ObjCode *code = compile_module(tree, "<fuzz>", false, &cerr);
    arena_free(arena);
    return code;
}

// Runs [src] as a fresh module [name] with [budget_usec] of CPU time (0: no
// limit); exceptions are dropped. Returns the module's globals (valid until
// the next collection) or NULL.
static inline ObjDict *fuzz_run_source(const char *src, size_t len, const char *name, ObjDict *inherit,
                                       long budget_usec) {
    ObjCode *code = fuzz_compile(src, len);
    if (!code) {
        return NULL;
    }
    gc_push_root(OBJ_VAL(code));
    Value m = module_new(name);
    gc_push_root(m);
    ObjDict *g = ((ObjModule *)AS_OBJ(m))->dict;
    dict_set_str(g, str_intern_c("__builtins__"), OBJ_VAL(ST->builtins));
    if (inherit) {
        dict_update_from(g, OBJ_VAL(inherit));
    }
    ST->recursion_limit = 1000;
    ST->interrupted = 0;
    fuzz_budget(budget_usec);
    Value r = vm_run_module(code, g);
    fuzz_budget(0);
    ST->interrupted = 0;
    if (!r) {
        exc_clear();
    }
    gc_pop_root(2);
    return g;
}
#endif
