// mem.c: every byte pyish allocates goes through here, so the collector
// knows how much live memory there is and when to run, and debug builds can
// poison what they free.
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "gc.h"

static size_t bytes_allocated;

// Allocates [size] bytes or aborts: pyish treats out-of-memory as fatal.
void *mem_alloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) {
        fputs("pyish: out of memory\n", stderr);
        abort();
    }
    bytes_allocated += size;
    gc_note_alloc(size);
    return p;
}

// Resizes [p] from [old] to [size] bytes.
void *mem_realloc(void *p, size_t old, size_t size) {
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        fputs("pyish: out of memory\n", stderr);
        abort();
    }
    bytes_allocated += size - old;
    if (size > old) {
        gc_note_alloc(size - old);
    }
    return q;
}

// Frees [p] of [size] bytes.
void mem_free(void *p, size_t size) {
    if (!p) {
        return;
    }
    bytes_allocated -= size;
#ifdef PYISH_DEBUG_POISON
    memset(p, 0xdb, size);
#endif
    free(p);
}

size_t gc_bytes_allocated(void) {
    return bytes_allocated;
}
