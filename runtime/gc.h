// gc.h: the collector's interface beyond object.h: root registration for
// subsystems, the safe-point poll the VM calls, and deferred finalization.
#ifndef PYISH_GC_H
#define PYISH_GC_H
#include "object.h"

// A subsystem that owns roots (VM frames, intern table, event loop) registers
// a function that marks them; it runs at every collection.
void gc_add_root_marker(void (*mark)(void));
// True when a collection is due; the VM then calls gc_collect at a safe point.

// Counts [size] allocated bytes toward the next collection (mem.c, gc.c).
static inline void gc_note_alloc(size_t size) {
    ST->gc.since += size;
#ifdef PYISH_GC_STRESS
    // every safe point, except while an embedded library module (asyncio,
    // argparse...) runs its body: the same code in every test, which made
    // importing asyncio cost 2.3 s and the CI's stress step 17 minutes; where
    // PYISH_GC_STRESS_LIBS is set (the tutorials' tests) it is stressed too
    if (ST->gc.lib_depth == 0 || ST->gc.stress_libs || ST->gc.since > ST->gc.next_threshold) {
        ST->gc.due = true;
    }
#else
    if (ST->gc.since > ST->gc.next_threshold) {
        ST->gc.due = true;
    }
#endif
}
// __del__ soon after the last reference goes, as CPython's reference
// counting does it: the VM reports a reference it drops (del, rebinding a
// module-level name, a returning frame's locals) while the program's own
// classes with __del__ (CLS_EAGER_DEL: not the embedded library's, whose
// __del__ only warns of unclosed resources) have instances; when the
// dropped value is one of them or may hold one, a collection becomes due at the next safe
// point (the next call or backward jump), so `del x; print(...)` prints
// what x.__del__ prints first. Such collections take at most about an
// eighth of the process's CPU time (after the first 50 ms): past that,
// __del__ waits for an ordinary collection.
// [named]: a name's value (del x, x = ...), whose own attributes and items
// count too; else a returning frame's local, where only an object with
// __del__ or a list/tuple/dict/set holding one counts (not every `self`).
// Callers skip it while ST->gc.del_alive is 0.
void gc_note_dropped(Value v, bool named);
// A value an operation takes out of a container or an object (list.pop's,
// the old value of d[k] = v or obj.x = v, a whole container for clear()):
// gc_note_dropped while objects with __del__ live.
static inline void gc_note_removed(Value v) {
    if (ST->gc.del_alive) {
        gc_note_dropped(v, true);
    }
}

// Bulk data (a large bytes payload, a bytearray's buffer) costs nothing
// to mark, unlike objects: its [n] bytes, already noted, bring the next
// collection only half as close. (perf of a 100 KiB stream echo: full
// collections every few dozen messages, each re-marking the whole heap,
// took a quarter of the time.)
#define GC_BULK_MIN ((size_t)16 << 10)
static inline void gc_note_bulk(size_t n) {
    if (n >= GC_BULK_MIN) {
        n /= 2;
        ST->gc.since = ST->gc.since > n ? ST->gc.since - n : 0;
    }
}
// Bulk data given back (a bytearray's buffer shrinking): mem.c counted the
// whole [n] as handed back, but gc_note_bulk counted only half of it as
// growth; this puts the other half back, so a buffer grown and emptied per
// message is no progress either way. (Uneven, a 100 KiB stream echo whose
// StreamReader buffer was filled and cleared per message cancelled the
// bytes objects it returned: no collection ever ran and the server grew
// by 100 KiB a message, 370 MiB after 3000 messages.)
static inline void gc_note_bulk_freed(size_t n) {
    if (n >= GC_BULK_MIN) {
        ST->gc.since += n / 2;
    }
}
// Objects whose class needs a last action before being freed (a suspended
// generator's finally blocks, a never-awaited coroutine warning) register a
// hook (several may be set; only classes flagged CLS_GC_HOOK are passed to
// them): it runs after marking, on unreachable objects, and may
// return true to keep the object alive one more cycle (resurrect it).
void gc_set_finalizer_hook(bool (*hook)(Obj *o));
// Called by a finalizer hook (which then returns false): keeps [o] alive
// this cycle, marking it and what it reaches only after every hook has seen
// every unreachable object (so a whole unreachable cycle is finalized at once).
void gc_defer_resurrect(Obj *o);
// Runs [fn] after each collection (deferred finalizers run there).
void gc_set_after_hook(void (*fn)(void));
// Sets the pass that runs once marking is complete, before the sweep
// (weakref.c clears references to unreached objects there).
void gc_set_weak_pass(void (*fn)(void));
// Sets the pass that runs once the roots are marked, before finalizers
// resurrect unreachable objects: weakref.c clears the references to every
// unreachable object there (CPython's handle_weakrefs before finalize_garbage).
void gc_set_weak_clear(void (*fn)(void));
// [o] no longer needs the finalizer hook (nothing the hooks do can apply
// to it any more): when it is the last object registered for them, as a
// sleep() is when it is first awaited, the registration is dropped (8
// bytes less per sleeping task, issue 11) and true returned; otherwise
// nothing changes. (Inline: every finished coroutine of an await comes here.)
static inline bool gc_unhook_last(Obj *o) {
    if (ST->gc.nhookable && ST->gc.hookable[ST->gc.nhookable - 1] == o && !ST->gc.collecting) {
        ST->gc.nhookable--;
        ST->gc.del_alive -= (o->cls->flags & CLS_EAGER_DEL) != 0;
        return true;
    }
    return false;
}
// Calls [fn] on every object of a CLS_GC_HOOK class, in allocation order.
void gc_each_hookable(void (*fn)(Obj *o));
// Calls [fn] on every live object (exit-time warnings).
void gc_each_object(void (*fn)(Obj *o));
// The same with a context argument for [fn].
void gc_each_object_ctx(void (*fn)(Obj *o, void *ctx), void *ctx);
// [o]'s class was changed from [old] (__class__ assignment): registers it
// for the finalizer hooks when its new class needs them.
void gc_note_class_change(Obj *o, ObjClass *old);
// Sweeps what the last collection left to sweep lazily (gc.c): done before
// anything walks the heap.
void gc_finish_sweep(void);
// Sweeps one slab left to sweep; false when none is left. mem.c's pools
// call it before they grow: the dead objects' buffers come back first.
bool gc_sweep_one(void);
// Number of objects allocated and not yet freed (gc.collect()'s result).
size_t gc_live_objects(void);
// Frees every object (state_free): side buffers first, then the objects.
void gc_free_all(void);
// Checks every object header and the free lists (ASSERT): see gc.c.
void gc_verify(void);
// Depth of the temporary root stack (checked at VM safe points).
static inline int gc_root_depth(void) {
    return ST->gc.ntemp;
}
// Number of collections so far (for tests).
size_t gc_count(void);

// Prefetches the header of [v] (an object a trace loop will mark a few
// elements later): a long list's or dict's elements are scattered over the
// heap, and waiting for each header's cache miss in turn was most of
// list_trace's and dict_trace's time (perf of bench/template.py).
static inline void gc_prefetch_value(Value v) {
    if (IS_OBJ(v)) {
        __builtin_prefetch((const void *)(uintptr_t)v, 1, 3);
    }
}
#define GC_PREFETCH_AHEAD 8

// ---- inline allocation of small objects (gc.c's slab free lists)
Obj *gc_slab_alloc(size_t size);

// A free slab block's link on its free list: the word after its (NULL)
// class, where a live object has its mark and size.
#define GC_FREE_NEXT(o) (*(Obj **)((char *)(o) + sizeof(ObjClass *)))
// Slab size classes are 8 bytes apart.
#define GC_SIZE_CLASS(size) (((size) + 7) >> 3)

// A block of the slab free list of [size] (at most 256): the list's head,
// or a new one. The free blocks were swept long ago and are cold, so the
// next head is prefetched: the next allocation of that size finds it in
// the cache (perf showed the head's load as most of obj_alloc's time in
// an HTTP server).
static inline Obj *gc_pool_take(size_t size) {
    size_t c = GC_SIZE_CLASS(size);
    Obj *o = ST->gc.obj_free[c];
    if (!o) {
        return gc_slab_alloc(size);
    }
    Obj *next = GC_FREE_NEXT(o);
    ST->gc.obj_free[c] = next;
    __builtin_prefetch(next, 1, 3);
    return o;
}

// obj_alloc for a small object of a builtin class without CLS_GC_HOOK,
// [size] at most 256 (release builds; sanitizer builds use obj_alloc so
// ASan sees every object). Zeroed up to its block's end.
static inline Obj *obj_alloc_small(ObjClass *cls, size_t size) {
#if defined(__SANITIZE_ADDRESS__) || defined(PYISH_GC_STRESS)
    return obj_alloc(cls, size);
#else
    Obj *o = gc_pool_take(size);
    uint64_t *w = (uint64_t *)o;
    for (size_t i = 2; i < (size + 7) / 8; i++) {
        w[i] = 0;
    }
    o->cls = cls;
    o->marked = 0;
    o->own[0] = o->own[1] = o->own[2] = 0;
    o->size = (uint32_t)size;
    gc_note_alloc(size);
    return o;
#endif
}

// Registers [o] (of a CLS_GC_HOOK class) for the finalizer hook, growing
// the register (obj_alloc does it for every such object).
void gc_note_hookable(Obj *o);

// The same for a class with CLS_GC_HOOK (a generator or coroutine: one per
// call of a generator function): the object is registered for the
// finalizer hook as obj_alloc registers it, inline while the register has
// room (checked after the allocation: a lazy sweep's finalizers may have
// registered objects of their own).
static inline Obj *obj_alloc_small_hooked(ObjClass *cls, size_t size) {
#if defined(__SANITIZE_ADDRESS__) || defined(PYISH_GC_STRESS)
    return obj_alloc(cls, size);
#else
    Obj *o = obj_alloc_small(cls, size);
    if (__builtin_expect(ST->gc.nhookable == ST->gc.caphookable, 0)) {
        gc_note_hookable(o);
        return o;
    }
    ST->gc.del_alive += (cls->flags & CLS_EAGER_DEL) != 0;
    ST->gc.hookable[ST->gc.nhookable++] = o;
    return o;
#endif
}
#endif
