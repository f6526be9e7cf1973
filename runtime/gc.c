// gc.c: a precise, non-moving mark-sweep collector. Every object is on one
// list threaded through Obj.gc_next. Marking starts from the registered root
// markers (VM frames and stacks, modules, interned strings, the event loop)
// and the temporary root stack, and uses an explicit gray stack so deep
// structures never recurse on the C stack. Collection happens only at VM
// safe points (see object.h's GC protocol); PYISH_GC_STRESS makes every safe
// point collect.
#include <stdlib.h>
#include <string.h>
#include "object.h"
#include "gc.h"

static Obj *all_objects;
size_t gc_next_threshold = 8 * 1024 * 1024;
size_t gc_since;
#define next_gc gc_next_threshold
#define since_gc gc_since
static size_t ncollections;
bool gc_due;

static Obj **gray;
static size_t ngray, capgray;

#define MAX_ROOT_MARKERS 16
static void (*root_markers[MAX_ROOT_MARKERS])(void);
static int nroot_markers;

static Value *temp_roots;
static int ntemp, captemp;

#define MAX_HOOKS 4
static bool (*finalizer_hooks[MAX_HOOKS])(Obj *o);
static int nfinalizer_hooks;
static void (*after_hooks[MAX_HOOKS])(void);
static int nafter_hooks;
static bool collecting;

void gc_set_after_hook(void (*fn)(void)) {
    if (nafter_hooks < MAX_HOOKS) {
        after_hooks[nafter_hooks++] = fn;
    }
}

static void each_slab_object(void (*fn)(Obj *o));

static Obj **hookable;
static size_t nhookable;

// Calls [fn] on every object of a CLS_GC_HOOK class (generators, tasks ...),
// in allocation order in every build, so exit-time work is deterministic.
void gc_each_hookable(void (*fn)(Obj *o)) {
    for (size_t i = 0; i < nhookable; i++) {
        fn(hookable[i]);
    }
}

void gc_each_object(void (*fn)(Obj *o)) {
    for (Obj *o = all_objects; o; o = o->gc_next) {
        fn(o);
    }
    each_slab_object(fn);
}

void gc_add_root_marker(void (*mark)(void)) {
    if (nroot_markers == MAX_ROOT_MARKERS) {
        abort();
    }
    root_markers[nroot_markers++] = mark;
}

void gc_set_finalizer_hook(bool (*hook)(Obj *o)) {
    if (nfinalizer_hooks < MAX_HOOKS) {
        finalizer_hooks[nfinalizer_hooks++] = hook;
    }
}

static bool run_finalizer_hooks(Obj *o) {
    bool keep = false;
    for (int i = 0; i < nfinalizer_hooks; i++) {
        keep |= finalizer_hooks[i](o);
    }
    return keep;
}

// Small objects live in per-size slabs of the collector's own: sweeping
// walks the slabs in address order (cache friendly) instead of chasing a
// list; a free block has cls == NULL and sits on its size's free list
// (threaded through gc_next). Objects larger than OBJ_POOL_MAX, and every
// object in sanitizer builds, are malloc'd and kept on the all_objects list.
#define OBJ_POOL_MAX 256
#define OBJ_CLASSES (OBJ_POOL_MAX / 16)
#define OBJ_SLAB 65536
typedef struct ObjSlab {
    struct ObjSlab *next;
    size_t block;               // block size of this slab
    size_t nblocks;
    _Alignas(16) char data[];
} ObjSlab;
static ObjSlab *obj_slabs[OBJ_CLASSES + 1];
static size_t slab_bytes;       // bytes of all slabs
static size_t slab_live_bytes;  // bytes of slab objects that survived the last sweep
Obj *gc_obj_free[OBJ_CLASSES + 1];
#define obj_free gc_obj_free

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

Obj *gc_slab_alloc(size_t size) {
    size_t cls = (size + 15) >> 4;
    Obj *o = obj_free[cls];
    if (!o) {
        size_t block = cls << 4;
        size_t n = (OBJ_SLAB - sizeof(ObjSlab)) / block;
        ObjSlab *sl = mem_alloc(sizeof(ObjSlab) + n * block);
        slab_bytes += sizeof(ObjSlab) + n * block;
        sl->block = block;
        sl->nblocks = n;
        sl->next = obj_slabs[cls];
        obj_slabs[cls] = sl;
        for (size_t i = n; i > 0; i--) {
            Obj *b = (Obj *)(sl->data + (i - 1) * block);
            b->cls = NULL;
            b->gc_next = obj_free[cls];
            obj_free[cls] = b;
        }
        o = obj_free[cls];
    }
    obj_free[cls] = o->gc_next;
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
static size_t caphookable;

static void note_hookable(Obj *o) {
    if (nhookable == caphookable) {
        caphookable = caphookable ? caphookable * 2 : 256;
        hookable = grow(hookable, sizeof(Obj *) * caphookable);
    }
    hookable[nhookable++] = o;
}

void gc_note_class_change(Obj *o, ObjClass *old) {
    if ((o->cls->flags & CLS_GC_HOOK) && !(old->flags & CLS_GC_HOOK)) {
        note_hookable(o);
    }
}

// Allocates a zeroed object of [size] bytes whose class is [cls].
Obj *obj_alloc(ObjClass *cls, size_t size) {
    Obj *o;
    if (OBJ_POOLED && size <= OBJ_POOL_MAX) {
        size_t c = (size + 15) >> 4;
        o = obj_free[c];
        if (o) {
            obj_free[c] = o->gc_next;
        } else {
            o = gc_slab_alloc(size);
        }
        uint64_t *w = (uint64_t *)o;
        for (size_t i = 0; i < (c << 1); i++) {
            w[i] = 0;
        }
        o->cls = cls;
        o->size = (uint32_t)size;
        gc_note_alloc(size);
    } else {
        o = mem_alloc(size);
        memset(o, 0, size);
        o->cls = cls;
        // > 4 GiB: clamped, so mem_free never takes it for a pool block
        o->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
        o->gc_next = all_objects;
        all_objects = o;
    }
    if (cls && (cls->flags & CLS_GC_HOOK)) {
        note_hookable(o);
    }
    return o;
}

Obj *obj_try_alloc(ObjClass *cls, size_t size) {
    if (size <= OBJ_POOL_MAX) {
        return obj_alloc(cls, size);
    }
    Obj *o = mem_try_alloc(size);
    if (!o) {
        return NULL;
    }
    memset(o, 0, size);
    o->cls = cls;
    o->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;     // see obj_bytes
    o->gc_next = all_objects;
    all_objects = o;
    if (cls && (cls->flags & CLS_GC_HOOK)) {
        note_hookable(o);
    }
    return o;
}

static void slab_free_obj(Obj *o) {
    size_t cls = (o->size + 15) >> 4;
    if (o->cls->finalize) {
        o->cls->finalize(o);
    }
    o->cls = NULL;
    o->gc_next = obj_free[cls];
    obj_free[cls] = o;
}

// Calls [fn] on every live slab object.
static void each_slab_object(void (*fn)(Obj *o)) {
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (ObjSlab *sl = obj_slabs[c]; sl; sl = sl->next) {
            for (size_t i = 0; i < sl->nblocks; i++) {
                Obj *o = (Obj *)(sl->data + i * sl->block);
                if (o->cls) {
                    fn(o);
                }
            }
        }
    }
}

static void sweep_slabs(void) {
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (ObjSlab *sl = obj_slabs[c]; sl; sl = sl->next) {
            for (size_t i = 0; i < sl->nblocks; i++) {
                Obj *o = (Obj *)(sl->data + i * sl->block);
                if (!o->cls) {
                    continue;
                }
                if (o->marked) {
                    o->marked = 0;
                    slab_live_bytes += sl->block;
                } else {
                    slab_free_obj(o);
                }
            }
        }
    }
}

void gc_push_root(Value v) {
    if (ntemp == captemp) {
        captemp = captemp ? captemp * 2 : 64;
        temp_roots = grow(temp_roots, sizeof(Value) * (size_t)captemp);
    }
    temp_roots[ntemp++] = v;
}

void gc_pop_root(int n) {
    ntemp -= n;
}

// Set when the gray stack could not grow: some marked objects were not
// pushed, so drain_gray rescans the heap for them (memory is short).
static bool gray_overflow;

void gc_mark_obj(Obj *o) {
    if (!o || o->marked) {
        return;
    }
    o->marked = 1;
    if (ngray == capgray) {
        size_t ncap = capgray ? capgray * 2 : 1024;
        Obj **g = realloc(gray, sizeof(Obj *) * ncap);
        if (!g) {
            gray_overflow = true;
            return;
        }
        gray = g;
        capgray = ncap;
    }
    gray[ngray++] = o;
}

void gc_mark_value(Value v) {
    if (IS_OBJ(v)) {
        gc_mark_obj(AS_OBJ(v));
    }
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

static void drain_gray(void) {
    for (;;) {
        while (ngray > 0) {
            trace_obj(gray[--ngray]);
        }
        if (!gray_overflow) {
            return;
        }
        // tracing a marked object again is harmless: it only marks what is
        // unmarked, and finds the children the full stack dropped
        gray_overflow = false;
        gc_each_object(retrace_marked);
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

static void free_obj(Obj *o) {
    if (!o->cls) {
        return;
    }
    if (o->cls->finalize) {
        o->cls->finalize(o);
    }
    mem_free(o, obj_bytes(o));
}

// Objects a finalizer hook keeps alive with marking deferred until every
// unreachable object has been seen (gc_defer_resurrect).
static Obj **deferred;
static size_t ndeferred, capdeferred;

void gc_defer_resurrect(Obj *o) {
    if (ndeferred == capdeferred) {
        capdeferred = capdeferred ? capdeferred * 2 : 16;
        deferred = realloc(deferred, sizeof(Obj *) * capdeferred);
    }
    deferred[ndeferred++] = o;
}

static void hook_unmarked(Obj *o) {
    if (!o->marked && run_finalizer_hooks(o)) {
        // resurrect it with all it reaches now, so an object it owns (a
        // delegate generator) is not finalized on its own
        gc_mark_obj(o);
        drain_gray();
    }
}

void gc_collect(void) {
    if (collecting) {
        return;
    }
    collecting = true;
    for (int i = 0; i < nroot_markers; i++) {
        root_markers[i]();
    }
    for (int i = 0; i < ntemp; i++) {
        gc_mark_value(temp_roots[i]);
    }
    drain_gray();
    if (nfinalizer_hooks) {
        // Unreachable objects that want a last action are resurrected
        // (with everything they reach) and their hook runs later.
        for (size_t i = 0; i < nhookable; i++) {
            hook_unmarked(hookable[i]);
        }
        for (size_t i = 0; i < ndeferred; i++) {
            gc_mark_obj(deferred[i]);
        }
        ndeferred = 0;
        drain_gray();
    }
    // the survivors stay registered; the rest are about to be freed (this
    // must run before the sweeps below clear the marks and free the dead)
    size_t keep = 0;
    for (size_t i = 0; i < nhookable; i++) {
        if (hookable[i]->marked) {
            hookable[keep++] = hookable[i];
        }
    }
    nhookable = keep;
    Obj **link = &all_objects;
    while (*link) {
        Obj *o = *link;
        if (o->marked) {
            o->marked = 0;
            link = &o->gc_next;
        } else {
            *link = o->gc_next;
            free_obj(o);
        }
    }
    slab_live_bytes = 0;
    sweep_slabs();
    ncollections++;
    since_gc = 0;
    size_t live = gc_bytes_allocated() - slab_bytes + slab_live_bytes;
    next_gc = live / 2 < 8 * 1024 * 1024 ? 8 * 1024 * 1024 : live / 2;
    gc_due = false;
    collecting = false;
    for (int i = 0; i < nafter_hooks; i++) {
        after_hooks[i]();
    }
}

size_t gc_live_objects(void) {
    size_t n = 0;
    for (Obj *o = all_objects; o; o = o->gc_next) {
        n++;
    }
    for (int c = 1; c <= OBJ_CLASSES; c++) {
        for (ObjSlab *sl = obj_slabs[c]; sl; sl = sl->next) {
            for (size_t i = 0; i < sl->nblocks; i++) {
                n += ((Obj *)(sl->data + i * sl->block))->cls != NULL;
            }
        }
    }
    return n;
}

size_t gc_count(void) {
    return ncollections;
}

