// finalize.c: __del__ of user classes, with CPython's rules (PEP 442): a
// finalizer runs once per object, after the collector found the object
// unreachable; the object and what it reaches survive that collection (it may
// resurrect itself) and are freed by a later one if still unreachable. An
// exception in __del__ is printed as "Exception ignored in: <function
// C.__del__ at 0x...>" with its traceback. At exit every object whose
// finalizer has not run yet gets it, in allocation order.
// Without reference counts, __del__ runs at a collection: for the program's
// own classes the VM makes one due right after a reference that may be the
// last goes (del x, rebinding a module-level name, a function returning),
// so __del__ usually runs where CPython runs it (gc.h, gc_note_dropped);
// objects dropped from inside containers wait for the next collection, and
// a list's elements are finalized in allocation order, not last-first.
#include <stdlib.h>
#include <string.h>
#include "vm.h"
#include "class.h"
#include "gc.h"
#include "runtime.h"
#include "interp.h"

// Objects whose __del__ has run (pointer set, open addressing; a removed
// entry becomes TOMB). An entry is dropped when the object dies.
#define TOMB ((Obj *)1)

// Objects found unreachable whose __del__ is due (rooted until it ran).

static size_t ptr_hash(Obj *o) {
    uintptr_t p = (uintptr_t)o >> 4;
    return (size_t)(p ^ (p >> 17)) * 0x9E3779B1u;
}

static Obj **done_slot(Obj *o, bool for_insert) {
    size_t mask = ST->fin.done_cap - 1;
    Obj **tomb = NULL;
    for (size_t h = ptr_hash(o) & mask;; h = (h + 1) & mask) {
        if (ST->fin.done[h] == o) {
            return &ST->fin.done[h];
        }
        if (ST->fin.done[h] == TOMB && !tomb) {
            tomb = &ST->fin.done[h];
        }
        if (!ST->fin.done[h]) {
            return for_insert ? (tomb ? tomb : &ST->fin.done[h]) : NULL;
        }
    }
}

static void done_add(Obj *o) {
    if ((ST->fin.done_used + 1) * 2 > ST->fin.done_cap) {
        Obj **old = ST->fin.done;
        size_t oldcap = ST->fin.done_cap;
        ST->fin.done_cap = ST->fin.done_cap ? ST->fin.done_cap * 2 : 64;
        ST->fin.done = calloc(ST->fin.done_cap, sizeof(Obj *));
        ST->fin.done_used = 0;
        for (size_t i = 0; i < oldcap; i++) {
            if (old[i] && old[i] != TOMB) {
                *done_slot(old[i], true) = old[i];
                ST->fin.done_used++;
            }
        }
        free(old);
    }
    Obj **slot = done_slot(o, true);
    if (*slot != o) {
        if (!*slot) {
            ST->fin.done_used++;
        }
        *slot = o;
    }
}

// Removes [o]; true when it was there.
static bool done_take(Obj *o) {
    if (!ST->fin.done_cap) {
        return false;
    }
    Obj **slot = done_slot(o, false);
    if (!slot) {
        return false;
    }
    *slot = TOMB;
    return true;
}

static bool done_has(Obj *o) {
    return ST->fin.done_cap && done_slot(o, false) != NULL;
}

bool finalize_done(Obj *o) {
    return ST->fin.done_cap && done_has(o);
}


// ST->s_del: "__del__", interned at start-up (the hook runs inside a
// collection, where nothing may be allocated).

static Value del_method(Obj *o) {
    ObjClass *c = o->cls;
    if (!(c->flags & CLS_USER)) {
        return VAL_NULL;
    }
    return class_lookup(c, ST->s_del);
}

static void mark_pending(void) {
    for (size_t i = 0; i < ST->fin.npending; i++) {
        gc_mark_obj(ST->fin.pending[i]);
    }
}

// Finalizer hook: an unreachable object with __del__ not yet run is kept
// (its marking deferred so that every unreachable object of a cycle gets its
// finalizer in this collection, as CPython's gc does).
static bool del_hook(Obj *o) {
    if (done_take(o)) {
        return false;   // finalized before: it dies now
    }
    if (!del_method(o)) {
        return false;
    }
    if (ST->fin.npending == ST->fin.cappending) {
        ST->fin.cappending = ST->fin.cappending ? ST->fin.cappending * 2 : 16;
        ST->fin.pending = realloc(ST->fin.pending, sizeof(Obj *) * ST->fin.cappending);
    }
    ST->fin.pending[ST->fin.npending++] = o;
    gc_defer_resurrect(o);
    return false;
}

// Calls [o]'s __del__ once; an error is reported as unraisable.
static void run_del(Obj *o) {
    if (done_has(o)) {
        return;
    }
    done_add(o);
    Value f = del_method(o);
    if (!f) {
        return;
    }
    Value self = OBJ_VAL(o);
    gc_push_root(self);
    gc_push_root(f);
    Value saved = exc_take();
    if (saved) {
        gc_push_root(saved);
    }
    Value r = vm_call(f, 1, &self, NULL);
    if (!r) {
        Value e = exc_take();
        gc_push_root(e);
        Value fr = obj_repr(f);
        if (!fr) {
            exc_clear();
        }
        fflush(stdout);
        fprintf(state_stderr(), "Exception ignored in: %s\n", fr ? AS_STR(fr)->data : "<function __del__>");
        tb_print_unraisable(e);
        gc_pop_root(1);
    }
    if (saved) {
        exc_raise_value(saved);
        gc_pop_root(1);
    }
    gc_pop_root(2);
}

static void run_pending(void) {
    if (ST->fin.running) {
        return;     // a collection inside a finalizer: the outer loop goes on
    }
    ST->fin.running = true;
    // in the order found (allocation order); the list stays rooted
    for (size_t i = 0; i < ST->fin.npending; i++) {
        run_del(ST->fin.pending[i]);
    }
    ST->fin.npending = 0;
    ST->fin.running = false;
}


static void exit_collect(Obj *o) {
    if (!done_has(o) && del_method(o)) {
        list_append(AS_LIST(ST->fin.exit_list), OBJ_VAL(o));
    }
}

void finalize_at_exit(void) {
    run_pending();
    ST->fin.exit_list = list_new(0);
    gc_push_root(ST->fin.exit_list);
    gc_each_hookable(exit_collect);
    ObjList *l = AS_LIST(ST->fin.exit_list);
    for (size_t i = 0; i < l->len; i++) {
        run_del(AS_OBJ(l->items[i]));
    }
    gc_pop_root(1);
    ST->fin.exit_list = VAL_NULL;
}

void finalize_init(void) {
    gc_set_finalizer_hook(del_hook);
    gc_set_after_hook(run_pending);
    gc_add_root_marker(mark_pending);
}
