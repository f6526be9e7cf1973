// state.c: the life of an interpreter state (runtime/state.h): state_new
// brings a whole runtime up in a fresh State in the order start-up needs,
// state_free gives back everything it owns, and state_swap makes a state the
// calling thread's current one (the thread-local pointer every runtime
// function reaches its state through).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"
#include "numstr.h"
#include "gc.h"
#include "vm.h"
#include "module.h"
#include "asyncio/asyncio.h"
#include "clock.h"
#include "gthread.h"

_Thread_local State *pyish_current_state;

State *state_swap(State *s) {
    State *prev = ST;
    ST = s;
    if (s && s != prev) {
        vm_note_stack();    // the recursion guard follows the thread's stack
    }
    return prev;
}

State *state_new(const StateConfig *cfg) {
    State *s = calloc(1, sizeof(State));
    if (!s) {
        return NULL;
    }
    if (cfg) {
        s->config = *cfg;
    }
    s->recursion_limit = 1000;
    s->int_max_str_digits = INT_DEFAULT_MAX_STR_DIGITS;
    s->heap_cap = s->config.memory_limit;
    s->gc.next_threshold = (size_t)8 << 20;
#ifdef PYISH_GC_STRESS
    s->gc.stress_libs = getenv("PYISH_GC_STRESS_LIBS") != NULL;
#endif
    state_swap(s);
    clock_init(s->config.virtual_clock);
    s->aio_sched_rng = s->config.schedule_seed;
    if (s->config.trace_file) {
        trace_start(s->config.trace_file);
    }
    char *empty[] = {(char *)""};
    interp_init(s->config.argv ? s->config.argc : 1, s->config.argv ? s->config.argv : empty,
                s->config.script_dir);
    return s;
}

// A runtime buffer allocated with mem_* (its size known here).
static void free_buf(void *p, size_t size) {
    if (p) {
        mem_free(p, size);
    }
}

void state_free(State *s) {
    if (!s) {
        return;
    }
    State *prev = state_swap(s);
    trace_finish();
    faulthandler_state_free(s);     // (first: its watchdog thread reads the frames)
    if (s->err_stream) {
        fclose(s->err_stream);
        s->err_stream = NULL;
    }
    gc_free_all();
    io_state_free();
    gthread_state_free(s);
    re_state_free();
    free_buf(s->itab, s->icap * sizeof(ObjStr *));
    free_buf(s->task_registry, s->task_capregistry * sizeof(ObjTask *));
    free_buf(s->cls.builtin, (size_t)s->cls.capbuiltin * sizeof(ObjClass *));
    free_buf(s->aio_to_report, s->aio_capreport * sizeof(Value));
    mem_free_all();
    for (struct VmChunk *c = s->chunk; c;) {
        struct VmChunk *prev_chunk = *(struct VmChunk **)c;   // the chunk's first field
        free(c);
        c = prev_chunk;
    }
    free(s->spare_chunk);
    free(s->sock_buf);
    free(s->cls.pending);
    free(s->cls.mcache);
    free(s->fin.done);
    free(s->fin.pending);
    free(s->gen.to_close);
    free(s->gen.agens);
    free(s->weak.refs);
    free(s->weak.pending);
    free(s->repr_set);
    free(s->random_shared);
    free(s->registry);
    free(s->script_dir);
    free(s->search_path);
    free(s->tb_cached_name);
    free(s->tb_cached_src);
    free(s);
    state_swap(prev == s ? NULL : prev);
}
