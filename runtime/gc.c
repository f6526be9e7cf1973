// gc.c: a precise, non-moving mark-sweep collector. Small objects live in
// slabs (below), large ones on a list linked through the 16 bytes before
// their header (LARGE_NEXT). Marking starts from the registered root
// markers (VM frames and stacks, modules, interned strings, the event loop)
// and the temporary root stack, and uses an explicit gray stack so deep
// structures never recurse on the C stack. Collection happens only at VM
// safe points (see object.h's GC protocol); PYISH_GC_STRESS makes every safe
// point collect. Small objects' slabs are swept lazily: a collection leaves
// them to be swept one at a time when their size's free list runs dry, so a
// dead block is swept just before it is reused, while it is in the cache
// (perf: the eager sweep and the cold blocks' reuse were each a tenth of
// allocation-heavy programs). Anything that walks the heap finishes the
// sweep first (gc_finish_sweep).
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "gc.h"
#include "class.h"
#include "clock.h"



#define MAX_ROOT_MARKERS ((int)(sizeof ST->gc.root_markers / sizeof ST->gc.root_markers[0]))


#define MAX_HOOKS ((int)(sizeof ST->gc.after_hooks / sizeof ST->gc.after_hooks[0]))

void gc_set_weak_pass(void (*fn)(void)) {
    ST->gc.weak_pass = fn;
}

void gc_set_weak_clear(void (*fn)(void)) {
    ST->gc.weak_clear = fn;
}

void gc_set_after_hook(void (*fn)(void)) {
    if (ST->gc.nafter_hooks < MAX_HOOKS) {
        ST->gc.after_hooks[ST->gc.nafter_hooks++] = fn;
    }
}

static void each_slab_object(void (*fn)(Obj *o, void *ctx), void *ctx);


// Calls [fn] on every object of a CLS_GC_HOOK class (generators, tasks ...),
// in allocation order in every build, so exit-time work is deterministic.
void gc_each_hookable(void (*fn)(Obj *o)) {
    for (size_t i = 0; i < ST->gc.nhookable; i++) {
        fn(ST->gc.hookable[i]);
    }
}

// A large object (malloc'd: over OBJ_POOL_MAX, or any in sanitizer builds)
// is preceded by its link on the all_objects list, in 16 bytes (so the
// object keeps malloc's 16-byte alignment).
#define LARGE_PREFIX 16
#define LARGE_NEXT(o) (((Obj **)(o))[-2])

static Obj *large_alloc(size_t size, bool fallible) {
    char *p = fallible ? mem_try_alloc(size + LARGE_PREFIX) : mem_alloc(size + LARGE_PREFIX);
    return p ? (Obj *)(p + LARGE_PREFIX) : NULL;
}

static void large_free(Obj *o, size_t size) {
    mem_free((char *)o - LARGE_PREFIX, size + LARGE_PREFIX);
}

void gc_each_object_ctx(void (*fn)(Obj *o, void *ctx), void *ctx) {
    gc_finish_sweep();
    for (Obj *o = ST->gc.all_objects; o; o = LARGE_NEXT(o)) {
        fn(o, ctx);
    }
    each_slab_object(fn, ctx);
}

typedef struct PlainFn {
    void (*fn)(Obj *o);
} PlainFn;

static void call_plain(Obj *o, void *ctx) {
    ((PlainFn *)ctx)->fn(o);
}

void gc_each_object(void (*fn)(Obj *o)) {
    PlainFn p = {fn};
    gc_each_object_ctx(call_plain, &p);
}

_Noreturn void assert_fail(const char *cond, const char *file, int line) {
    fflush(stdout);
    fprintf(stderr, "pyish: internal check failed: %s (%s:%d)\n", cond, file, line);
    abort();
}

void gc_add_root_marker(void (*mark)(void)) {
    for (int i = 0; i < ST->gc.nroot_markers; i++) {
        if (ST->gc.root_markers[i] == mark) {
            return;     // registered already
        }
    }
    if (ST->gc.nroot_markers == MAX_ROOT_MARKERS) {
        abort();
    }
    ST->gc.root_markers[ST->gc.nroot_markers++] = mark;
}

void gc_set_finalizer_hook(bool (*hook)(Obj *o)) {
    if (ST->gc.nfinalizer_hooks < MAX_HOOKS) {
        ST->gc.finalizer_hooks[ST->gc.nfinalizer_hooks++] = hook;
    }
}

static bool run_finalizer_hooks(Obj *o) {
    bool keep = false;
    for (int i = 0; i < ST->gc.nfinalizer_hooks; i++) {
        keep |= ST->gc.finalizer_hooks[i](o);
    }
    return keep;
}

// Small objects live in per-size slabs of the collector's own: sweeping
// walks the slabs in address order (cache friendly) instead of chasing a
// list; a free block has cls == NULL and sits on its size's free list
// (linked through GC_FREE_NEXT). Size classes are 8 bytes apart, so an
// object wastes at most 7 bytes of its block (a 152-byte task needs no
// 160-byte block). Slabs are 16 KiB: each class's last slab is partly
// empty and a collection sweeps it all, and with 32 classes 64 KiB slabs
// made the GC-stress build (a collection at every safe point, small heaps)
// 40% slower. Objects larger than OBJ_POOL_MAX, and every object in
// sanitizer builds, are malloc'd and kept on the all_objects list.
#define OBJ_POOL_MAX 256
#define GC_MIN_THRESHOLD ((size_t)8 << 20)
#define OBJ_CLASSES (OBJ_POOL_MAX / 8)
#define OBJ_SLAB 16384
_Static_assert(OBJ_CLASSES + 1 == sizeof ST->gc.obj_free / sizeof ST->gc.obj_free[0], "state.h's gc.obj_free");
typedef struct ObjSlab {
    struct ObjSlab *next;
    size_t block;               // block size of this slab
    size_t nblocks;
    _Alignas(16) char data[];
} ObjSlab;

#if defined(__SANITIZE_ADDRESS__)
#define OBJ_POOLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OBJ_POOLED 0
#else
#define OBJ_POOLED 1
#endif
#else
#define OBJ_POOLED 1
#endif

static bool sweep_next_slab(int c);

Obj *gc_slab_alloc(size_t size) {
    size_t cls = GC_SIZE_CLASS(size);
    Obj *o = ST->gc.obj_free[cls];
    while (!o && sweep_next_slab((int)cls)) {
        o = ST->gc.obj_free[cls];
    }
    if (!o) {
        size_t block = cls << 3;
        size_t n = (OBJ_SLAB - sizeof(ObjSlab)) / block;
        ObjSlab *sl = mem_alloc(sizeof(ObjSlab) + n * block);
        ST->gc.slab_bytes += sizeof(ObjSlab) + n * block;
        sl->block = block;
        sl->nblocks = n;
        sl->next = ((ObjSlab **)ST->gc.obj_slabs)[cls];
        ((ObjSlab **)ST->gc.obj_slabs)[cls] = sl;
        for (size_t i = n; i > 0; i--) {
            Obj *b = (Obj *)(sl->data + (i - 1) * block);
            b->cls = NULL;
            GC_FREE_NEXT(b) = ST->gc.obj_free[cls];
            ST->gc.obj_free[cls] = b;
        }
        o = ST->gc.obj_free[cls];
    }
    ST->gc.obj_free[cls] = GC_FREE_NEXT(o);
    return o;
}

// Grows one of the collector's own arrays (kept out of mem.c's accounting,
// and needed while collecting, when nothing can be raised).
static void *grow(void *p, size_t size) {
    void *q = realloc(p, size);
    if (!q) {
        fputs("pyish: out of memory\n", stderr);
        abort();
    }
    return q;
}

// Objects whose class wants the finalizer hook (CLS_GC_HOOK), so a
// collection visits just them, not the whole heap, before sweeping.

void gc_note_hookable(Obj *o) {
    ST->gc.del_alive += (o->cls->flags & CLS_EAGER_DEL) != 0;
    if (ST->gc.nhookable == ST->gc.caphookable) {
        ST->gc.caphookable = ST->gc.caphookable ? ST->gc.caphookable * 2 : 256;
        ST->gc.hookable = grow(ST->gc.hookable, sizeof(Obj *) * ST->gc.caphookable);
    }
    ST->gc.hookable[ST->gc.nhookable++] = o;
}

void gc_note_class_change(Obj *o, ObjClass *old) {
    if ((o->cls->flags & CLS_GC_HOOK) && !(old->flags & CLS_GC_HOOK)) {
        gc_note_hookable(o);
    }
}

// Allocates a zeroed object of [size] bytes whose class is [cls]. A
// builtin's new_ asks for its own struct's size; when [cls] is a class
// statement's subclass of it, the instance needs the subclass's size (its
// dict slot follows the struct), so the larger one is taken.
Obj *obj_alloc(ObjClass *cls, size_t size) {
    if (cls && size < cls->inst_size && (cls->flags & CLS_USER) && cls->dict_offset != DICT_OFFSET_TRAILING) {
        size = cls->inst_size;
    }
    return obj_alloc_data(cls, size, size);
}

Obj *obj_alloc_data(ObjClass *cls, size_t size, size_t zeroed) {
    Obj *o;
    if (OBJ_POOLED && size <= OBJ_POOL_MAX) {
        // the first [zeroed] bytes (the caller writes the rest at once)
        size_t c = GC_SIZE_CLASS(zeroed < size ? zeroed : size);
        o = gc_pool_take(size);
        uint64_t *w = (uint64_t *)o;
        for (size_t i = 0; i < c; i++) {
            w[i] = 0;
        }
        o->cls = cls;
        o->size = (uint32_t)size;
        gc_note_alloc(size);
    } else {
        o = large_alloc(size, false);
        memset(o, 0, zeroed < size ? zeroed : size);
        o->cls = cls;
        // > 4 GiB: clamped, so mem_free never takes it for a pool block
        o->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
        LARGE_NEXT(o) = ST->gc.all_objects;
        ST->gc.all_objects = o;
    }
    if (cls && (cls->flags & CLS_GC_HOOK)) {
        gc_note_hookable(o);
    }
    return o;
}

Obj *obj_try_alloc(ObjClass *cls, size_t size) {
    return obj_try_alloc_data(cls, size, size);
}

Obj *obj_try_alloc_data(ObjClass *cls, size_t size, size_t zeroed) {
    if (size <= OBJ_POOL_MAX) {
        return obj_alloc_data(cls, size, zeroed);
    }
    Obj *o = large_alloc(size, true);
    if (!o) {
        return NULL;
    }
    memset(o, 0, zeroed < size ? zeroed : size);
    o->cls = cls;
    o->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;     // see obj_bytes
    LARGE_NEXT(o) = ST->gc.all_objects;
    ST->gc.all_objects = o;
    if (cls && (cls->flags & CLS_GC_HOOK)) {
        gc_note_hookable(o);
    }
    return o;
}

// Calls [fn] on every live slab object.
static void each_slab_object(void (*fn)(Obj *o, void *ctx), void *ctx) {
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (ObjSlab *sl = ((ObjSlab **)ST->gc.obj_slabs)[c]; sl; sl = sl->next) {
            for (size_t i = 0; i < sl->nblocks; i++) {
                Obj *o = (Obj *)(sl->data + i * sl->block);
                if (o->cls) {
                    fn(o, ctx);
                }
            }
        }
    }
}

// The allocation size of [o]. Obj.size is clamped at 4 GiB; only strs and
// tuples get bigger, and their length gives their size back.
static size_t obj_bytes(Obj *o) {
    if (o->size != UINT32_MAX) {
        return o->size;
    }
    if (o->cls == cls_str) {
        return sizeof(ObjStr) + ((ObjStr *)o)->len + 1;
    }
    if (o->cls == cls_tuple) {
        return sizeof(ObjTuple) + ((ObjTuple *)o)->len * sizeof(Value);
    }
    return o->size;
}

// Obj.marked of a dead object whose finalize already ran (a CLS_GC_HOOK
// object, finalized when the collection found it dead) and that waits for
// its slab's sweep to be freed.
#define MARK_FINALIZED 2

// Sweeps one slab of class [c]: its live blocks lose their mark, its dead
// ones are finalized, and every free block goes on the free list (which
// the collection emptied, so the list only holds blocks of swept slabs).
// The side buffers the finalizers free bring the next collection closer
// again (see gc_collect's estimate).
static void sweep_slab(ObjSlab *sl, int c) {
    State *st = ST;     // one read of the thread-local pointer for the sweep
    size_t block = sl->block;
    size_t before = st->bytes_allocated, since = st->gc.since;
    for (size_t i = 0; i < sl->nblocks; i++) {
        Obj *o = (Obj *)(sl->data + i * block);
        __builtin_prefetch(sl->data + (i + 8) * block, 1, 0);
        if (o->cls) {
            if (o->marked == 1) {
                o->marked = 0;
                continue;
            }
            if (o->marked != MARK_FINALIZED && o->cls->finalize) {
                o->cls->finalize(o);
            }
            o->cls = NULL;
        }
        GC_FREE_NEXT(o) = st->gc.obj_free[c];   // (not cached: a finalizer could allocate)
        st->gc.obj_free[c] = o;
    }
    // what the finalizers gave back was garbage before the collection, not
    // memory handed back since (mem_free's note_given_back): it lowers the
    // collection's estimate of the live heap instead
    st->gc.since = since;
    size_t side = before > st->bytes_allocated ? before - st->bytes_allocated : 0;
    if (side) {
        st->gc.next_threshold = st->gc.next_threshold > GC_MIN_THRESHOLD + side
                                    ? st->gc.next_threshold - side : GC_MIN_THRESHOLD;
    }
}

// Sweeps the next slab of class [c] still to sweep; false when none is.
static bool sweep_next_slab(int c) {
    ObjSlab *sl = ST->gc.sweep_next[c];
    if (!sl) {
        return false;
    }
    ST->gc.sweep_next[c] = sl->next;
    sweep_slab(sl, c);
    return true;
}

// The sweep is over: the dead classes go now. They waited because a dead
// small object's class can be one of them, and its sweep reads the
// class's finalizer (see gc_collect).
static void end_sweep(void) {
    ST->gc.sweeping = false;
    for (Obj *o = ST->gc.dead_large; o;) {
        Obj *next = LARGE_NEXT(o);
        large_free(o, obj_bytes(o));
        o = next;
    }
    ST->gc.dead_large = NULL;
    ST->gc.dead_large_bytes = 0;
}

void gc_finish_sweep(void) {
    if (!ST->gc.sweeping) {
        return;
    }
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        while (sweep_next_slab(c)) {
        }
    }
    end_sweep();
}

bool gc_sweep_one(void) {
    if (!ST->gc.sweeping) {
        return false;
    }
    for (int k = 0; k < OBJ_CLASSES; k++) {
        if (sweep_next_slab(ST->gc.sweep_class % OBJ_CLASSES + 1)) {
            return true;
        }
        ST->gc.sweep_class++;
    }
    end_sweep();
    return false;
}

// Starts the lazy sweep of every slab (see the header comment).
static void start_sweep(void) {
    bool any = false;
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        ST->gc.obj_free[c] = NULL;
        ST->gc.sweep_next[c] = ST->gc.obj_slabs[c];
        any |= ST->gc.obj_slabs[c] != NULL;
    }
    ST->gc.sweeping = true;
    if (!any) {
        end_sweep();    // no slabs (sanitizer builds): the dead classes go now
    }
}

void gc_push_root(Value v) {
    if (ST->gc.ntemp == ST->gc.captemp) {
        ST->gc.captemp = ST->gc.captemp ? ST->gc.captemp * 2 : 64;
        ST->gc.temp_roots = grow(ST->gc.temp_roots, sizeof(Value) * (size_t)ST->gc.captemp);
    }
    ST->gc.temp_roots[ST->gc.ntemp++] = v;
}

void gc_pop_root(int n) {
    ST->gc.ntemp -= n;
}

// Set when the gray stack could not grow: some marked objects were not
// pushed, so drain_gray rescans the heap for them (memory is short).

void gc_mark_obj_slow(Obj *o) {
    o->marked = 1;
    if (OBJ_POOLED && o->size <= OBJ_POOL_MAX) {
        ST->gc.slab_live_bytes += (o->size + 7) & ~(size_t)7;
    }
    if (!o->cls->trace) {
        // a leaf (str, float, bytes...): only its class to mark, done here
        // instead of through the gray stack (as trace_obj would)
        gc_mark_obj((Obj *)o->cls);
        return;
    }
    if (ST->gc.ngray == ST->gc.capgray) {
        size_t ncap = ST->gc.capgray ? ST->gc.capgray * 2 : 1024;
        Obj **g = realloc(ST->gc.gray, sizeof(Obj *) * ncap);
        if (!g) {
            ST->gc.gray_overflow = true;
            return;
        }
        ST->gc.gray = g;
        ST->gc.capgray = ncap;
    }
    ST->gc.gray[ST->gc.ngray++] = o;
}

static void trace_obj(Obj *o) {
    gc_mark_obj((Obj *)o->cls);
    if (o->cls->trace) {
        o->cls->trace(o);
    }
}

static void retrace_marked(Obj *o) {
    if (o->marked) {
        trace_obj(o);
    }
}

// The largest gray stack kept between collections (entries).
#define GRAY_KEEP 65536

static void drain_gray(void) {
    for (;;) {
        while (ST->gc.ngray > 0) {
            trace_obj(ST->gc.gray[--ST->gc.ngray]);
        }
        if (!ST->gc.gray_overflow) {
            return;
        }
        // tracing a marked object again is harmless: it only marks what is
        // unmarked, and finds the children the full stack dropped
        ST->gc.gray_overflow = false;
        gc_each_object(retrace_marked);
    }
}

// Objects a finalizer hook keeps alive with marking deferred until every
// unreachable object has been seen (gc_defer_resurrect).

void gc_defer_resurrect(Obj *o) {
    if (ST->gc.ndeferred == ST->gc.capdeferred) {
        ST->gc.capdeferred = ST->gc.capdeferred ? ST->gc.capdeferred * 2 : 16;
        ST->gc.deferred = realloc(ST->gc.deferred, sizeof(Obj *) * ST->gc.capdeferred);
    }
    ST->gc.deferred[ST->gc.ndeferred++] = o;
}

static void hook_unmarked(Obj *o) {
    if (!o->marked && run_finalizer_hooks(o)) {
        // resurrect it with all it reaches now, so an object it owns (a
        // delegate generator) is not finalized on its own
        gc_mark_obj(o);
        drain_gray();
    }
}

// The heap checker: every live object has a class whose own class is a
// type, no mark bit is left set outside a collection, slab objects fit their
// block and free blocks are on no object list. The GC-stress build runs it
// around every 64th collection; Debug builds may call it anywhere.
void gc_verify(void) {
    gc_finish_sweep();
    for (Obj *o = ST->gc.all_objects; o; o = LARGE_NEXT(o)) {
        ASSERT(o->cls != NULL);
        ASSERT(o->cls->hdr.cls != NULL && o->cls->hdr.cls->hdr.cls == cls_type);
        ASSERT(!o->marked);
    }
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (ObjSlab *sl = ((ObjSlab **)ST->gc.obj_slabs)[c]; sl; sl = sl->next) {
            ASSERT(sl->block == (size_t)c << 3);
            for (size_t i = 0; i < sl->nblocks; i++) {
                Obj *o = (Obj *)(sl->data + i * sl->block);
                if (!o->cls) {
                    continue;
                }
                ASSERT(o->cls->hdr.cls != NULL && o->cls->hdr.cls->hdr.cls == cls_type);
                ASSERT(!o->marked);
                ASSERT(o->size <= sl->block);
            }
        }
    }
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (Obj *o = ST->gc.obj_free[c]; o; o = GC_FREE_NEXT(o)) {
            ASSERT(o->cls == NULL);
        }
    }
}

void gc_note_dropped(Value v, bool named) {
    if (!IS_OBJ(v) || ST->gc.due) {
        return;
    }
    ObjClass *c = AS_OBJ(v)->cls;
    bool has_del = (c->flags & CLS_EAGER_DEL) != 0;
    bool container = c == cls_list || c == cls_tuple || c == cls_dict || c == cls_set || c == cls_deque;
    // (an exception holds its args and, through its traceback, frames' locals)
    bool other = (c->flags & (CLS_USER | CLS_EXCEPTION)) || c->native_base == cls_list || c->native_base == cls_dict;
    if (!has_del && !container && !(named && other)) {
        return;     // (a str, a number, a function... holds no object with __del__)
    }
    // (CPU time, not wall time: on a loaded machine a collection descheduled
    // half-way used up the budget, and __del__ ran late, in another order)
    double now = clock_process_cpu();
    if (ST->gc.eager_epoch == 0) {
        ST->gc.eager_epoch = now;
    }
    if (ST->gc.eager_time > (now - ST->gc.eager_epoch) / 8 + 0.05) {
        return;     // over budget: an ordinary collection will run it
    }
    ST->gc.due = true;
    ST->gc.eager = true;
}

void gc_collect(void) {
    if (ST->gc.collecting) {
        return;
    }
    bool eager = ST->gc.eager;
    double eager_start = eager ? clock_process_cpu() : 0;
#ifdef PYISH_GC_STRESS
    bool verify = (ST->gc.ncollections & 63) == 0;
    if (verify) {
        gc_verify();
    }
#endif
    gc_finish_sweep();      // the last collection's marks must be gone
    ST->gc.collecting = true;
    memset(ST->str_cursor, 0, sizeof ST->str_cursor);   // strs that die may not stay there
    ST->cls.live = NULL;    // __subclasses__'s index of classes must not keep any alive
    ST->gc.slab_live_bytes = 0;
    for (int i = 0; i < ST->gc.nroot_markers; i++) {
        ST->gc.root_markers[i]();
    }
    for (int i = 0; i < ST->gc.ntemp; i++) {
        gc_mark_value(ST->gc.temp_roots[i]);
    }
    drain_gray();
    if (ST->gc.weak_clear) {
        ST->gc.weak_clear();
    }
    if (ST->gc.nfinalizer_hooks) {
        // Unreachable objects that want a last action are resurrected
        // (with everything they reach) and their hook runs later.
        for (size_t i = 0; i < ST->gc.nhookable; i++) {
            hook_unmarked(ST->gc.hookable[i]);
        }
        for (size_t i = 0; i < ST->gc.ndeferred; i++) {
            gc_mark_obj(ST->gc.deferred[i]);
        }
        ST->gc.ndeferred = 0;
        drain_gray();
    }
    if (ST->gc.weak_pass) {
        ST->gc.weak_pass();
    }
    // the survivors stay registered (this must run before the sweeps clear
    // the marks); the dead ones are finalized now, not when their slab is
    // swept: their finalizers update tables of the state (the task
    // registry ...) that must not list a dead object
    size_t keep = 0;
    ST->gc.del_alive = 0;
    for (size_t i = 0; i < ST->gc.nhookable; i++) {
        Obj *o = ST->gc.hookable[i];
        if (o->marked) {
            ST->gc.del_alive += (o->cls->flags & CLS_EAGER_DEL) != 0;
            ST->gc.hookable[keep++] = o;
        } else {
            if (o->cls->finalize) {
                o->cls->finalize(o);
            }
            o->marked = MARK_FINALIZED;
        }
    }
    ST->gc.nhookable = keep;
    Obj **link = &ST->gc.all_objects;
    while (*link) {
        Obj *o = *link;
        if (o->marked == 1) {
            o->marked = 0;
            link = &LARGE_NEXT(o);
        } else {
            *link = LARGE_NEXT(o);
            if (o->marked != MARK_FINALIZED && o->cls->finalize) {
                o->cls->finalize(o);
            }
            if (o->cls->flags & CLS_META) {
                // a class: freed when the lazy sweep ends, as a dead
                // object in a slab still to sweep can be its instance
                o->marked = MARK_FINALIZED;
                LARGE_NEXT(o) = ST->gc.dead_large;
                ST->gc.dead_large = o;
                ST->gc.dead_large_bytes += obj_bytes(o);
            } else {
                large_free(o, obj_bytes(o));
            }
        }
    }
    if (ST->gc.capgray > GRAY_KEEP) {
        // a big gray stack (a list of 10^6 tasks pushes them all) goes back
        // now: kept, its pages stayed resident until exit, 8-16 bytes per
        // object of the heap's peak (issue 11)
        free(ST->gc.gray);
        ST->gc.gray = NULL;
        ST->gc.capgray = 0;
    }
    start_sweep();
    if (ST->heap_cap || mem_is_low()) {
        gc_finish_sweep();  // short of memory: every dead block and buffer back now
    }
    ST->gc.ncollections++;
    ST->gc.since = 0;
    size_t live = gc_bytes_allocated() - ST->gc.slab_bytes + ST->gc.slab_live_bytes - ST->gc.dead_large_bytes;
    // the next collection once as many bytes again are allocated (the heap
    // doubles, as Lua's default pause): half that re-marked long-lived data
    // (lists of lines, parsed documents) twice as often
    size_t grow = ST->gc.disabled ? live * 2 : live;
    ST->gc.next_threshold = grow < GC_MIN_THRESHOLD ? GC_MIN_THRESHOLD : grow;
    if (ST->heap_cap) {
        // collect before the host's memory limit is crossed
        size_t room = ST->heap_cap > gc_bytes_allocated() ? ST->heap_cap - gc_bytes_allocated() : 0;
        size_t soon = room / 2 > 64 * 1024 ? room / 2 : 64 * 1024;
        if (soon < ST->gc.next_threshold) {
            ST->gc.next_threshold = soon;
        }
    }
    ST->gc.due = false;
    ST->gc.collecting = false;
#ifdef PYISH_GC_STRESS
    if (verify) {
        gc_verify();
    }
#endif
    for (int i = 0; i < ST->gc.nafter_hooks; i++) {
        ST->gc.after_hooks[i]();
    }
    if (eager) {
        // (not when a __del__ run by the after-hooks dropped a reference and
        // so marked the next collection eager: this one had no start time)
        ST->gc.eager = false;
        ST->gc.eager_time += clock_process_cpu() - eager_start;
    }
}

void gc_free_all(void) {
    gc_finish_sweep();
    // every object's side buffers first, while every class is still there
    for (Obj *o = ST->gc.all_objects; o; o = LARGE_NEXT(o)) {
        if (o->cls && o->cls->finalize) {
            o->cls->finalize(o);
        }
    }
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (ObjSlab *sl = ((ObjSlab **)ST->gc.obj_slabs)[c]; sl; sl = sl->next) {
            for (size_t i = 0; i < sl->nblocks; i++) {
                Obj *o = (Obj *)(sl->data + i * sl->block);
                if (o->cls && o->cls->finalize) {
                    o->cls->finalize(o);
                }
            }
        }
    }
    for (Obj *o = ST->gc.all_objects; o;) {
        Obj *next = LARGE_NEXT(o);
        large_free(o, obj_bytes(o));
        o = next;
    }
    ST->gc.all_objects = NULL;
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (ObjSlab *sl = ((ObjSlab **)ST->gc.obj_slabs)[c]; sl;) {
            ObjSlab *next = sl->next;
            mem_free(sl, sizeof(ObjSlab) + sl->nblocks * sl->block);
            sl = next;
        }
        ST->gc.obj_slabs[c] = NULL;
        ST->gc.obj_free[c] = NULL;
    }
    free(ST->gc.gray);
    free(ST->gc.temp_roots);
    free(ST->gc.hookable);
    free(ST->gc.deferred);
}

size_t gc_live_objects(void) {
    gc_finish_sweep();
    size_t n = 0;
    for (Obj *o = ST->gc.all_objects; o; o = LARGE_NEXT(o)) {
        n++;
    }
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (ObjSlab *sl = ((ObjSlab **)ST->gc.obj_slabs)[c]; sl; sl = sl->next) {
            for (size_t i = 0; i < sl->nblocks; i++) {
                n += ((Obj *)(sl->data + i * sl->block))->cls != NULL;
            }
        }
    }
    return n;
}

size_t gc_count(void) {
    return ST->gc.ncollections;
}

