// mem.c: every byte pyish allocates goes through here, so the collector
// knows how much live memory there is and when to run, and debug builds can
// poison what they free.
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "gc.h"

static size_t bytes_allocated;

// Small blocks (<= POOL_MAX bytes) come from per-size free lists carved out
// of 64 KiB slabs: objects are mostly small and short-lived, and this keeps
// malloc/free out of the hot paths. Slabs are never returned (the free lists
// recycle them). Sanitizer builds use malloc for everything, so ASan still
// sees every block.
#define POOL_MAX 256
#define POOL_CLASSES (POOL_MAX / 16)
#define SLAB_SIZE (64 * 1024)
typedef struct FreeBlock {
    struct FreeBlock *next;
} FreeBlock;
static FreeBlock *free_lists[POOL_CLASSES + 1];
static char *slab_cur, *slab_end;

#if defined(__SANITIZE_ADDRESS__)
#define USE_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USE_POOL 0
#else
#define USE_POOL 1
#endif
#else
#define USE_POOL 1
#endif

static void *pool_alloc(size_t size) {
    size_t cls = (size + 15) >> 4;
    FreeBlock *b = free_lists[cls];
    if (b) {
        free_lists[cls] = b->next;
        return b;
    }
    size_t bytes = cls << 4;
    if (slab_cur + bytes > slab_end) {
        slab_cur = malloc(SLAB_SIZE);
        if (!slab_cur) {
            fputs("pyish: out of memory\n", stderr);
            abort();
        }
        slab_end = slab_cur + SLAB_SIZE;
    }
    void *p = slab_cur;
    slab_cur += bytes;
    return p;
}

static void pool_free(void *p, size_t size) {
    size_t cls = (size + 15) >> 4;
    FreeBlock *b = p;
    b->next = free_lists[cls];
    free_lists[cls] = b;
}

// Allocates [size] bytes or aborts: pyish treats out-of-memory as fatal.
void *mem_alloc(size_t size) {
    void *p;
    if (USE_POOL && size && size <= POOL_MAX) {
        p = pool_alloc(size);
        bytes_allocated += size;
        gc_note_alloc(size);
        return p;
    }
    p = malloc(size ? size : 1);
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
    if (USE_POOL && ((old && old <= POOL_MAX) || (size && size <= POOL_MAX))) {
        void *q = mem_alloc(size);
        if (p) {
            memcpy(q, p, old < size ? old : size);
            mem_free(p, old);
        }
        return q;
    }
    if (!p) {
        old = 0;
    }
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
    if (USE_POOL && size && size <= POOL_MAX) {
        pool_free(p, size);
        return;
    }
    free(p);
}

size_t gc_bytes_allocated(void) {
    return bytes_allocated;
}
