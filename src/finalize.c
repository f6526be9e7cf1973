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
// so __del__ usually runs where CPython runs it (gc.h, gc_note_dropped;
// removing from a list, dict, set or deque, replacing an item or attribute
// count too). Objects found dead together are finalized in the order
// CPython's reference counting would (order_pending): the top of a
// structure first, then what it held, a list's items last-first; objects in
// a cycle, and structures too big to walk, in allocation order.
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

// ---- the order of finalizers found together
// A set of pointers (open addressing, malloc'd: used while ordering only).
typedef struct PtrSet {
    Obj **slots;
    size_t cap, n;
} PtrSet;

static size_t pset_find(const PtrSet *s, Obj *o) {
    size_t mask = s->cap - 1, h = ptr_hash(o) & mask;
    while (s->slots[h] && s->slots[h] != o) {
        h = (h + 1) & mask;
    }
    return h;
}

static bool pset_has(const PtrSet *s, Obj *o) {
    return s->cap && s->slots[pset_find(s, o)] == o;
}

// Adds [o]: 1 added, 0 there already, -1 out of memory.
static int pset_add(PtrSet *s, Obj *o) {
    if ((s->n + 1) * 2 > s->cap) {
        PtrSet g = {calloc(s->cap ? s->cap * 2 : 64, sizeof(Obj *)), s->cap ? s->cap * 2 : 64, 0};
        if (!g.slots) {
            return -1;
        }
        for (size_t i = 0; i < s->cap; i++) {
            if (s->slots[i]) {
                g.slots[pset_find(&g, s->slots[i])] = s->slots[i];
                g.n++;
            }
        }
        free(s->slots);
        *s = g;
    }
    size_t h = pset_find(s, o);
    if (s->slots[h]) {
        return 0;
    }
    s->slots[h] = o;
    s->n++;
    return 1;
}

// The walk's state: a stack of objects to visit, those visited, and a budget.
typedef struct Walk {
    Obj **stack;
    size_t n, cap;
    PtrSet seen;
    size_t budget;      // visits left; 0: the structure is too big, give up
    bool failed;
} Walk;

static void walk_push(Walk *w, Value v) {
    if (!IS_OBJ(v) || w->failed) {
        return;
    }
    if (w->n == w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 64;
        Obj **a = realloc(w->stack, ncap * sizeof(Obj *));
        if (!a) {
            w->failed = true;
            return;
        }
        w->stack = a;
        w->cap = ncap;
    }
    w->stack[w->n++] = AS_OBJ(v);
}

// Pushes what [o] holds so that it pops in the order CPython's deallocator
// releases it: a list's or tuple's items last first, a dict's entries and
// an instance's attributes in order. Only containers and instances are
// walked into (not classes, functions, modules: what they hold lives on).
static void walk_children(Walk *w, Obj *o) {
    Value v = OBJ_VAL(o);
    if (IS_LIST(v) || IS_TUPLE(v)) {
        size_t n = IS_LIST(v) ? AS_LIST(v)->len : AS_TUPLE(v)->len;
        Value *items = IS_LIST(v) ? AS_LIST(v)->items : AS_TUPLE(v)->items;
        for (size_t i = 0; i < n; i++) {
            walk_push(w, items[i]);     // (popped last-first)
        }
        return;
    }
    ObjDict *d = NULL;
    if (IS_DICT(v)) {
        d = AS_DICT(v);
    } else if ((o->cls->flags & CLS_USER) && o->cls->dict_offset && o->cls->dict_offset != DICT_OFFSET_TRAILING) {
        d = *(ObjDict **)((char *)o + o->cls->dict_offset);
    }
    if (d) {
        for (size_t i = d->nentries; i-- > 0;) {
            if (d->entries[i].key) {
                walk_push(w, d->entries[i].value);
                walk_push(w, d->entries[i].key);
            }
        }
    } else if (IS_A(v, cls_set) || IS_A(v, cls_frozenset)) {
        ObjSet *s = (ObjSet *)o;
        for (size_t i = s->nentries; i-- > 0;) {
            if (s->entries[i].key) {
                walk_push(w, s->entries[i].key);
            }
        }
    }
}

// Walks from what is on [w]'s stack; each pending object met goes to
// [held] (when [held]) or is appended to [out] (when not yet in [emitted]).
static void walk_run(Walk *w, const PtrSet *pending, PtrSet *held, PtrSet *emitted, Obj **out, size_t *nout) {
    while (w->n && !w->failed) {
        Obj *o = w->stack[--w->n];
        int added = pset_add(&w->seen, o);
        if (added <= 0 || w->budget == 0) {
            w->failed |= added < 0 || w->budget == 0;
            continue;
        }
        w->budget--;
        if (pset_has(pending, o)) {
            if (held) {
                w->failed |= pset_add(held, o) < 0;
            } else if (pset_add(emitted, o) > 0) {
                out[(*nout)++] = o;
            }
        }
        walk_children(w, o);
    }
}

// Reorders the pending finalizers as CPython would run them: first each
// object no other pending object holds, followed by what it holds, depth
// first; then the rest (cycles) in allocation order. Without memory, or
// past 100000 objects walked, the allocation order stays.
static void order_pending(void) {
    size_t n = ST->fin.npending;
    if (n < 2) {
        return;
    }
    PtrSet pending = {0}, held = {0}, emitted = {0};
    Walk w = {.budget = 100000};
    Obj **out = malloc(n * sizeof(Obj *));
    size_t nout = 0;
    bool ok = out != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        ok = pset_add(&pending, ST->fin.pending[i]) >= 0;
    }
    // which pending objects another one holds
    for (size_t i = 0; ok && i < n; i++) {
        walk_children(&w, ST->fin.pending[i]);
        walk_run(&w, &pending, &held, NULL, NULL, NULL);
        ok = !w.failed;
    }
    // from each one that none holds, in allocation order
    free(w.seen.slots);
    w.seen = (PtrSet){0};
    for (size_t i = 0; ok && i < n; i++) {
        if (!pset_has(&held, ST->fin.pending[i])) {
            walk_push(&w, OBJ_VAL(ST->fin.pending[i]));
            walk_run(&w, &pending, NULL, &emitted, out, &nout);
            ok = !w.failed;
        }
    }
    for (size_t i = 0; ok && i < n; i++) {
        if (!pset_has(&emitted, ST->fin.pending[i])) {
            out[nout++] = ST->fin.pending[i];
        }
    }
    if (ok) {
        memcpy(ST->fin.pending, out, n * sizeof(Obj *));
    }
    free(out);
    free(w.stack);
    free(w.seen.slots);
    free(pending.slots);
    free(held.slots);
    free(emitted.slots);
}

static void run_pending(void) {
    if (ST->fin.running) {
        return;     // a collection inside a finalizer: the outer loop goes on
    }
    ST->fin.running = true;
    order_pending();
    // the list stays rooted
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
