// mem.c: every byte pyish allocates goes through here, so the collector
// knows how much live memory there is and when to run, and debug builds can
// poison what they free.
//
// Running out of memory is a MemoryError, never a crash. Two kinds of
// allocation:
// - fallible (mem_try_alloc, mem_try_realloc, obj_try_alloc): every size a
//   program chooses (a container's or str's length, a repeat count, a pad
//   width, a big int) goes through them. They return NULL with MemoryError
//   raised when the size overflows (mem_size computes sizes), is more than
//   the heap can still take (mem_limit: the machine's physical memory less
//   what pyish already holds; a soft heap limit, so `[0] * 10**10` fails
//   at once instead of waking the OOM killer on a system that
//   overcommits), or when malloc fails.
// - infallible (mem_alloc, mem_realloc): small fixed-size blocks (objects,
//   frames, slabs). When malloc fails, a reserve kept since start-up is
//   given back to the system and the allocation retried. At its next safe
//   point the VM collects and asks mem_exhausted: if the collection freed
//   enough to rebuild the reserve, the program goes on; if not, it gets a
//   MemoryError and can drop what it holds. Only if the whole reserve is
//   gone too does pyish stop with "pyish: out of memory".
//   Fallible allocations of at most SMALL_BLOCK bytes take this path too.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "object.h"
#include "gc.h"


// The reserve: two chunks of untouched memory (they cost no resident
// pages), given back one at a time when an infallible allocation fails;
// [low] says one was used since the VM last looked. The second chunk lets
// the program unwind and run its handler before memory comes back.
#define RESERVE_SIZE (4u << 20)
// Fallible allocations up to this size are served like infallible ones
// (falling back on the reserve): a caller that never sees large sizes never
// sees NULL either.
#define SMALL_BLOCK ((size_t)64 << 10)     // (object.h's mem_size has it too)

// Stops the process: memory is gone and no reserve is left.
static _Noreturn void out_of_memory(void) {
    fputs("pyish: out of memory\n", stderr);
    abort();
}

// Allocates what is missing of the reserve; true if it is whole.
static bool refill_reserve(void) {
    for (int i = 0; i < 2; i++) {
        if (!ST->reserve[i]) {
            ST->reserve[i] = malloc(RESERVE_SIZE);
        }
    }
    return ST->reserve[0] && ST->reserve[1];
}

// realloc, out of line: a failed realloc leaves [p] valid, and must_realloc
// retries with it (GCC's use-after-free warning cannot know that).
static __attribute__((noinline)) void *sys_realloc(void *p, size_t old, size_t size) {
    if (ST->config.alloc) {
        return ST->config.alloc(ST->config.alloc_ud, p, p ? (old ? old : 1) : 0, size ? size : 1);
    }
    return realloc(p, size);
}

// Gives a block of [size] bytes back to the host's allocator or to free().
static void sys_free(void *p, size_t size) {
    if (ST->config.alloc) {
        ST->config.alloc(ST->config.alloc_ud, p, size ? size : 1, 0);
        return;
    }
    free(p);
}

// malloc/realloc for an infallible allocation: falls back on the reserve.
static void *must_realloc(void *p, size_t old, size_t size) {
    if (!ST->reserve_made) {
        ST->reserve_made = true;
        refill_reserve();
    }
    void *q = sys_realloc(p, old, size);
    for (int i = 0; !q && i < 2; i++) {
        if (ST->reserve[i]) {
            free(ST->reserve[i]);
            ST->reserve[i] = NULL;
            ST->mem_low = true;
            ST->gc.due = true;      // brings the VM to a safe point soon
            q = sys_realloc(p, old, size);
        }
    }
    if (!q) {
        out_of_memory();
    }
    return q;
}

bool mem_exhausted(void) {
    if (ST->heap_cap && ST->bytes_allocated > ST->heap_cap) {
        return true;    // past the host's limit even after a collection
    }
    if (!ST->reserve_made || (ST->reserve[0] && ST->reserve[1])) {
        return false;
    }
    // the collection that just ran may have given memory back
    bool whole = refill_reserve();
    if (!whole && ST->gc.next_threshold > RESERVE_SIZE) {
        // collect again soon, not at every safe point: memory freed into
        // the pools' free lists may never let the reserve be refilled
        ST->gc.next_threshold = RESERVE_SIZE;
    }
    bool raise = ST->mem_low && !whole;
    ST->mem_low = false;
    return raise;
}

bool mem_is_low(void) {
    if (ST->heap_cap && ST->bytes_allocated + SMALL_BLOCK > ST->heap_cap) {
        return true;    // at the host's limit: no room for a new MemoryError
    }
    return ST->reserve_made && !(ST->reserve[0] && ST->reserve[1]);
}

// A host's cap on the heap (0: the machine's physical memory): the
// embedding API's memory limit.

void mem_set_heap_cap(size_t bytes) {
    ST->heap_cap = bytes;
}

size_t mem_limit(void) {
    if (ST->heap_cap) {
        return ST->heap_cap > ST->bytes_allocated ? ST->heap_cap - ST->bytes_allocated : 0;
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    size_t phys = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : (size_t)1 << 46;
    if (ST->heap_cap && ST->heap_cap < phys) {
        phys = ST->heap_cap;
    }
    return phys > ST->bytes_allocated ? phys - ST->bytes_allocated : 0;
}

// Sizes up to this never need the sysconf call of mem_limit.
#define SURELY_FITS ((size_t)1 << 28)

void mem_fill_repeat(void *dst, const void *src, size_t len, size_t n) {
    size_t total = len * n;
    if (total == 0) {
        return;
    }
    if (len == 1) {
        memset(dst, *(const unsigned char *)src, total);
        return;
    }
    char *d = dst;
    memcpy(d, src, len);
    size_t done = len;
    while (done < total) {
        size_t step = done <= total - done ? done : total - done;
        memcpy(d + done, d, step);
        done += step;
    }
}

bool mem_size_checked(size_t n, size_t elem, size_t extra, size_t *out) {
    size_t s;
    if (__builtin_mul_overflow(n, elem, &s) || __builtin_add_overflow(s, extra, &s) ||
        ((s > SURELY_FITS || (ST->heap_cap && s > SMALL_BLOCK)) && s > mem_limit())) {
        exc_raise_nomem();
        return false;
    }
    *out = s;
    return true;
}

// Small blocks (<= POOL_MAX bytes) come from per-size free lists carved out
// of 64 KiB slabs: objects are mostly small and short-lived, and this keeps
// malloc/free out of the hot paths. Slabs are never returned (the free lists
// recycle them). Sanitizer builds use malloc for everything, so ASan still
// sees every block. Classes are 8 bytes apart (blocks 8-byte aligned, as
// every value is): a suspended coroutine's frame of 120 bytes took 128 with
// 16-byte classes (issue 11).
#define POOL_MAX 1024
#define POOL_CLASSES (POOL_MAX / 8)
#define SLAB_SIZE (64 * 1024)
typedef struct MemFreeBlock {
    struct MemFreeBlock *next;
} FreeBlock;
_Static_assert(POOL_CLASSES + 1 == sizeof ST->free_lists / sizeof ST->free_lists[0], "state.h's free_lists");

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
    size_t cls = (size + 7) >> 3;
    FreeBlock *b = ST->free_lists[cls];
    while (!b && ST->slab_cur + (cls << 3) > ST->slab_end && gc_sweep_one()) {
        b = ST->free_lists[cls];    // a swept object's buffer, before the pool grows
    }
    if (b) {
        ST->free_lists[cls] = b->next;
        return b;
    }
    size_t bytes = cls << 3;
    if (ST->slab_cur + bytes > ST->slab_end) {
        // a slab's first 16 bytes link it into the state's list of slabs
        char *slab = must_realloc(NULL, 0, SLAB_SIZE);
        *(void **)slab = ST->pool_slabs;
        ST->pool_slabs = slab;
        ST->slab_cur = slab + 16;
        ST->slab_end = slab + SLAB_SIZE;
    }
    void *p = ST->slab_cur;
    ST->slab_cur += bytes;
    return p;
}

static void pool_free(void *p, size_t size) {
    size_t cls = (size + 7) >> 3;
    FreeBlock *b = p;
    b->next = ST->free_lists[cls];
    ST->free_lists[cls] = b;
}

// Memory given back before a collection (a buffer that shrank, a table
// replaced by a bigger one) is no growth of the heap: it does not bring
// the next collection closer. (perf of a 100 KiB stream echo: a
// bytearray emptied and refilled per message made collections, which
// re-mark the whole heap, take half the time.)
static void note_given_back(size_t size) {
    ST->gc.since = ST->gc.since > size ? ST->gc.since - size : 0;
}

void *mem_alloc(size_t size) {
    void *p;
    if (USE_POOL && size && size <= POOL_MAX) {
        p = pool_alloc(size);
        ST->bytes_allocated += size;
        gc_note_alloc(size);
        return p;
    }
    p = must_realloc(NULL, 0, size ? size : 1);
    ST->bytes_allocated += size;
    gc_note_alloc(size);
    return p;
}

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
    void *q = must_realloc(p, old, size ? size : 1);
    ST->bytes_allocated += size - old;
    if (size > old) {
        gc_note_alloc(size - old);
    } else {
        note_given_back(old - size);
    }
    return q;
}

void mem_free(void *p, size_t size) {
    if (!p) {
        return;
    }
    ST->bytes_allocated -= size;
    note_given_back(size);
#ifdef PYISH_DEBUG_POISON
    memset(p, 0xdb, size);
#endif
    if (USE_POOL && size && size <= POOL_MAX) {
        pool_free(p, size);
        return;
    }
    sys_free(p, size);
}

void mem_free_all(void) {
    for (void *slab = ST->pool_slabs; slab;) {
        void *next = *(void **)slab;
        sys_free(slab, SLAB_SIZE);
        slab = next;
    }
    ST->pool_slabs = NULL;
    for (int i = 0; i < 2; i++) {
        free(ST->reserve[i]);
        ST->reserve[i] = NULL;
    }
}

size_t gc_bytes_allocated(void) {
    return ST->bytes_allocated;
}

void *mem_try_alloc(size_t size) {
    // a small block never fails (the reserve): no limit to check
    return size <= SMALL_BLOCK ? mem_alloc(size) : mem_try_realloc(NULL, 0, size);
}

void *mem_try_realloc(void *p, size_t old, size_t size) {
    if ((size > SURELY_FITS || (ST->heap_cap && size > SMALL_BLOCK)) && size > mem_limit()) {
        exc_raise_nomem();
        return NULL;
    }
    if (!p) {
        old = 0;
    }
    if (size <= SMALL_BLOCK) {
        return mem_realloc(p, old, size);   // small: never fails (the reserve)
    }
    void *q;
    if (USE_POOL && old && old <= POOL_MAX) {
        q = sys_realloc(NULL, 0, size);     // out of the pool
        if (q) {
            memcpy(q, p, old);
            mem_free(p, old);
            old = 0;
        }
    } else {
        q = sys_realloc(p, old, size ? size : 1);
    }
    if (!q) {
        exc_raise_nomem();
        return NULL;
    }
    ST->bytes_allocated += size - old;
    if (size > old) {
        gc_note_alloc(size - old);
    } else {
        note_given_back(old - size);
    }
    return q;
}
