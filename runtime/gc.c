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
static size_t next_gc = 4 * 1024 * 1024;
static size_t since_gc;
static size_t ncollections;
bool gc_due;

static Obj **gray;
static size_t ngray, capgray;

#define MAX_ROOT_MARKERS 16
static void (*root_markers[MAX_ROOT_MARKERS])(void);
static int nroot_markers;

static Value *temp_roots;
static int ntemp, captemp;

static bool (*finalizer_hook)(Obj *o);
static void (*after_hook)(void);
static bool collecting;

void gc_set_after_hook(void (*fn)(void)) {
    after_hook = fn;
}

void gc_each_object(void (*fn)(Obj *o)) {
    for (Obj *o = all_objects; o; o = o->gc_next) {
        fn(o);
    }
}

void gc_add_root_marker(void (*mark)(void)) {
    if (nroot_markers == MAX_ROOT_MARKERS) {
        abort();
    }
    root_markers[nroot_markers++] = mark;
}

void gc_set_finalizer_hook(bool (*hook)(Obj *o)) {
    finalizer_hook = hook;
}

void gc_note_alloc(size_t size) {
    since_gc += size;
#ifdef PYISH_GC_STRESS
    gc_due = true;
#else
    if (since_gc > next_gc) {
        gc_due = true;
    }
#endif
}

// Allocates a zeroed object of [size] bytes whose class is [cls].
Obj *obj_alloc(ObjClass *cls, size_t size) {
    Obj *o = mem_alloc(size);
    memset(o, 0, size);
    o->cls = cls;
    o->size = (uint32_t)size;
    o->gc_next = all_objects;
    all_objects = o;
    return o;
}

void gc_push_root(Value v) {
    if (ntemp == captemp) {
        captemp = captemp ? captemp * 2 : 64;
        temp_roots = realloc(temp_roots, sizeof(Value) * (size_t)captemp);
    }
    temp_roots[ntemp++] = v;
}

void gc_pop_root(int n) {
    ntemp -= n;
}

void gc_mark_obj(Obj *o) {
    if (!o || o->marked) {
        return;
    }
    o->marked = 1;
    if (ngray == capgray) {
        capgray = capgray ? capgray * 2 : 1024;
        gray = realloc(gray, sizeof(Obj *) * capgray);
    }
    gray[ngray++] = o;
}

void gc_mark_value(Value v) {
    if (IS_OBJ(v)) {
        gc_mark_obj(AS_OBJ(v));
    }
}

static void drain_gray(void) {
    while (ngray > 0) {
        Obj *o = gray[--ngray];
        gc_mark_obj((Obj *)o->cls);
        if (o->cls->trace) {
            o->cls->trace(o);
        }
    }
}

static void free_obj(Obj *o) {
    if (o->cls->finalize) {
        o->cls->finalize(o);
    }
    mem_free(o, o->size);
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
    if (finalizer_hook) {
        // Unreachable objects that want a last action are resurrected
        // (with everything they reach) and their hook runs later.
        for (Obj *o = all_objects; o; o = o->gc_next) {
            if (!o->marked && finalizer_hook(o)) {
                gc_mark_obj(o);
            }
        }
        drain_gray();
    }
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
    ncollections++;
    since_gc = 0;
    size_t live = gc_bytes_allocated();
    next_gc = live < 4 * 1024 * 1024 ? 4 * 1024 * 1024 : live;
    gc_due = false;
    collecting = false;
    if (after_hook) {
        after_hook();
    }
}

size_t gc_count(void) {
    return ncollections;
}

void gc_free_all(void) {
    // Free non-class objects first: finalizers may look at their class.
    Obj **link = &all_objects;
    while (*link) {
        Obj *o = *link;
        if (o->cls != cls_type) {
            *link = o->gc_next;
            free_obj(o);
        } else {
            link = &o->gc_next;
        }
    }
    while (all_objects) {
        Obj *o = all_objects;
        all_objects = o->gc_next;
        free_obj(o);
    }
    free(gray);
    free(temp_roots);
    gray = NULL;
    temp_roots = NULL;
    ngray = capgray = 0;
    ntemp = captemp = 0;
}
